"""One scan of a text: the token formats at their anchors, then each context anchor judged by the rule
for its role (a secret name and the value after it, a client's command line, a URL, a cookie, a PEM
block, Kubernetes data …), collecting spans to redact.
"""

from __future__ import annotations

import base64
import re
import urllib.parse
from collections.abc import Iterable
from functools import cache

from autopilot.plugins.redact import rules
from autopilot.plugins.redact.compiled import (
    _DOT,
    _LONG_RUN,
    _MARKER_PREFIX_B,
    _RUN_LOOKBACK,
    _RUN_TABLE,
    _rx,
)
from autopilot.plugins.redact.formats import (
    _AWS_SECRET_NEAR,
    _AZURE_SECRET,
    _DIRECT,
    _DIRECT_WORD_START,
    _KEY_ID_SECRETS,
    _MAX_GLUE,
    _TWILIO_LINES,
    _TWILIO_QUOTED,
    _TWILIO_TOKEN_NEAR,
    _prefix_classifier,
    _token_rules,
    _token_searches,
)
from autopilot.plugins.redact.hits import (
    _TABLE_BYTES,
    _aligned_header,
    _announcement,
    _escaped_end,
    _spaced_hit,
    _table_shape,
)
from autopilot.plugins.redact.names import (
    _NAME_KINDS,
    _generated_name_kind,
    _made_for_clients,
    _name_kind,
    secret_name_kind,
)
from autopilot.plugins.redact.passes import (
    _announcing,
    _full_width_label,
    _key_determiner,
    _passes,
    _password_word,
)
from autopilot.plugins.redact.patterns import (
    _ACCESS_KEY_ID_OPTION,
    _ACCOUNTS_AT,
    _ACCOUNTS_ITEMS,
    _ACCOUNTS_LIST,
    _ACCOUNTS_REACH,
    _ACL_CAT_N,
    _ACL_CAT_N_ESCAPED,
    _ACL_ESCAPED,
    _ACL_LINE,
    _ACL_NUMBERED,
    _ACL_NUMBERED_ESCAPED,
    _ACL_SETUSER,
    _ACL_STRING,
    _ACROSS_LINES,
    _AFTER_NAME,
    _AGENT_BEFORE,
    _ALGOLIA_AT,
    _ALGOLIA_SETTING,
    _ALIGNED_CELL,
    _ALIGNED_VALUE,
    _AMOUNT,
    _ANCHORED,
    _ANCHORED_SECRETS,
    _ANNOTATED_LITERAL,
    _ANSI_C_BODY,
    _ANSI_ESCAPED,
    _ANSWER,
    _API_AT,
    _API_MEMBER,
    _ARGV_BEFORE,
    _ARGV_NEXT,
    _ARRAY_ELEMENT,
    _ARRAY_ITEM,
    _ARRAY_MAKERS,
    _ARRAY_OPENING,
    _ASKPASS_BEFORE,
    _AUTH_ARRAY,
    _AUTH_ARRAY_TWICE,
    _AUTH_BUILT,
    _AUTH_CALL_NAMES,
    _AUTH_PAIR,
    _AUTH_SCHEME,
    _AUTH_TUPLE,
    _AUTH_VALUE,
    _AUTHENTICATE_AT,
    _B64ENCODE_AT,
    _BARE_COOKIE,
    _BARE_REPL_PROMPT,
    _BARE_TAIL,
    _BASE64_VALUE,
    _BASIC_AT,
    _BASIC_AUTH_ITEM,
    _BASIC_AUTH_USERS,
    _BASIC_AUTH_USERS_AT,
    _BASIC_CREDENTIALS,
    _BASIC_PAIR_ESCAPED_AT,
    _BEARER,
    _BEARER_AT,
    _BEFORE_FLAG,
    _BIP39_RUN,
    _BLANKS,
    _BLANKS_B,
    _BLANKS_OR_QUOTE,
    _BLOCK_LIST_ITEM,
    _BLOCK_MEMBER,
    _BLOCK_OPENING,
    _BLOCK_OPENINGS,
    _BLOCK_SCALAR,
    _BOUND_PARAMETER,
    _BOUND_PARAMETER_AT,
    _BOUND_REACH,
    _BOUND_SETTING,
    _BOUND_STATEMENT,
    _BRACED_VALUE,
    _BRACES,
    _BUFFER_FROM_AT,
    _BULLET,
    _BUNDLE_AT,
    _BUNDLE_CONFIG_HOST,
    _BUNDLE_HOST_SETTING,
    _BYTE_ARRAY,
    _CALL,
    _CALL_ARG,
    _CALL_LIST_OPENING,
    _CAST_AT,
    _CAST_ESCAPED,
    _CAST_TWICE,
    _CHANGED_VALUE,
    _CHPASSWD_AT,
    _CHPASSWD_LINE,
    _CIPHERTEXT_BLOCK,
    _CJK_KEY_VALUE,
    _CLI_OUTPUT,
    _CLI_OUTPUT_REACH,
    _CLIENTS,
    _CLOGINRC_VALUES,
    _CODE_LEADS,
    _CODE_LIST,
    _CODES,
    _COMMAND_NAME,
    _COMMAND_POSITION,
    _COMMENTED_HEADER,
    _COMMENTED_VALUE,
    _COMMUNITIES_AT,
    _COMMUNITY_ITEM,
    _COMPARE_AT,
    _COMPARE_NAME,
    _CONFIG_LINE_BEFORE,
    _CONFIGURED_NAME,
    _CONFIGURED_PATH,
    _CONFIGURED_REACH,
    _CONFIGURED_TEXT,
    _CONFIGURED_VALUE_AT,
    _COOKIE_AT,
    _COOKIE_ATTRIBUTES,
    _COOKIE_FLAGS,
    _COOKIE_HEADER,
    _COOKIE_JAR_AT,
    _COOKIE_NAME_BYTES,
    _COOKIE_PAIR,
    _COOKIE_SETTER,
    _COPY_HEAD,
    _COPY_ROWS_AT,
    _CREDENTIAL_PROMPTS,
    _CSV_HEADER,
    _CURL_AT,
    _CURL_COOKIE,
    _CURL_FLAG,
    _CURL_USER,
    _DATA_SOURCE,
    _DECLARATIONS,
    _DECRYPTION_CLI_AT,
    _DEF_BEFORE,
    _DIGEST_PASSWORD,
    _DISTINGUISHED_NAME,
    _DUMPED_STRUCTURE,
    _ECHO_BASE64,
    _ECHO_PIPE,
    _ECHO_SUBSTITUTED,
    _ECHO_TO_BASE64,
    _ECHO_TO_FILE,
    _ECHOED,
    _ENABLE_AT,
    _ENCODED_AT,
    _ENCODED_CREDENTIAL,
    _ENCODED_LOGIN,
    _ENCODED_VALUE,
    _ENCRYPTED_AT,
    _ENDS_IN_COLON,
    _ENTER_PROMPT,
    _ESCAPE_BEFORE,
    _EVALUATED_VALUE,
    _EVM_KEY,
    _EXECVE_ARG,
    _EXECVE_AT,
    _EXPECT_SEND,
    _EXPECT_SEND_AT,
    _EZCONNECT_ARGUMENT,
    _EZCONNECT_AT,
    _FAILED_PROPERTY,
    _FAILED_PROPERTY_AT,
    _FILL_AT,
    _FILTER_PATH,
    _FLAGGED_CELL,
    _FOREIGN_CREDENTIAL_PROMPTS,
    _FRAME_HEADER,
    _FRAME_LINE,
    _FROM_KEY_AT,
    _FULL_WIDTH_LEADS_B,
    _GETPASS_AT,
    _GETPASS_RETURN,
    _GETTER,
    _GO_DSN,
    _GO_DSN_AT,
    _GO_DSN_UNIX,
    _GO_FIELD_VALUE,
    _GO_FIELDS_BEFORE,
    _GO_POINTER_AT,
    _GO_POSITIONAL_FIELD,
    _GREP_HIT,
    _GREPPED_LINE,
    _HAR_COOKIE,
    _HCL_BLOCK_END,
    _HCL_BLOCK_START,
    _HCL_DEFAULT,
    _HCL_SENSITIVE,
    _HCL_VARIABLE_AFTER,
    _HCL_VARIABLE_BEFORE,
    _HDWALLET_AT,
    _HEADER_NAME,
    _HEADER_NAME_END,
    _HEX_SECRET,
    _HONEYCOMB_AT,
    _HONEYCOMB_KEY,
    _HOST_AND_COMMA,
    _HTML_VALUE,
    _ID_LABEL,
    _IDENTIFIED,
    _IDENTIFIED_BY,
    _IMAP_LOGIN,
    _INSERT_HEAD,
    _INSERT_ROWS_AT,
    _IPSEC_EAP,
    _IPSEC_SECRET,
    _IPSEC_XAUTH,
    _JAAS_REACH,
    _JAAS_USER,
    _JAAS_USERS,
    _JCL_DD,
    _JCL_FTP,
    _JCL_INSTREAM,
    _JCL_LOGIN,
    _JOIN_PARAMS,
    _JOINED_LITERAL,
    _JSON_API_TYPE,
    _JSON_STRING_END,
    _JWK_AT,
    _JWK_KTY,
    _JWK_LINES,
    _JWK_PRIVATE,
    _K8S_JSON_DATA,
    _K8S_JSON_ITEM,
    _K8S_YAML_DATA,
    _K8S_YAML_ITEM,
    _KEY_BYTES,
    _KEY_ID_OPTIONS,
    _KEY_QUOTES,
    _KEY_SIZES,
    _KEY_VALUE_AHEAD,
    _KEYWORD_ARGUMENT,
    _KIND_AT,
    _KIND_SECRET,
    _LABEL_WORDS,
    _LAST_MEMBER,
    _LDIF_BASE64,
    _LINE_BREAK,
    _LINE_NAME,
    _LIST_STRING,
    _LISTED_LINES,
    _LISTED_VALUE,
    _LISTER,
    _LISTING_COMMAND,
    _LITERAL_PIECE,
    _LOGGED_KEY,
    _LOGIN_AT,
    _LOGIN_MODULE,
    _LOGIN_ROW_AT,
    _LOGIN_ROW_VALUE,
    _LONE_KEY_VALUE,
    _LONE_NAMES,
    _MARKER_AT,
    _MNEMONIC_AT,
    _NAME,
    _NAME_CHARS,
    _NAME_SHAPE,
    _NAMED_AUTH_CALLS,
    _NAMED_BY_ID,
    _NAMED_ELEMENT_BEFORE,
    _NEXT_CODE,
    _NEXT_ELEMENT,
    _NEXT_TUPLE,
    _NKEY_AT,
    _NO_VALUE,
    _NOT_DEVICE_VALUES,
    _NOT_SEED_WORDS,
    _NUMBERED_KEY_VALUE,
    _NUMBERED_KEYS,
    _OBJECT_AFTER,
    _ONE_TIME_CODE,
    _OPENVPN_AT,
    _ORACLE_EZCONNECT,
    _ORACLE_THIN,
    _PAIR_NAME_REST,
    _PAIR_REACH,
    _PAIR_VALUE,
    _PARENTHESISED_END,
    _PASSWORD_FIELD_BEFORE,
    _PAT_AT,
    _PAT_VARIABLE,
    _PEM_AT,
    _PEM_BODY,
    _PEM_ELIDED,
    _PEM_END,
    _PEM_LABEL,
    _PG_PASSWORD_MESSAGE,
    _PGPASS,
    _PGPASS_ANY,
    _PGPASS_FIELDS,
    _PGPASS_PORT,
    _PHP_DUMPED,
    _PHRASE_AT,
    _PIPED_TO_SECURE_STRING,
    _PLIST_VALUE,
    _POINTED_STRING,
    _PORT_MONGO,
    _PORT_MYSQL,
    _PREVIOUS_FOREIGN_WORD,
    _PREVIOUS_WORD,
    _PREVIOUS_WORD_DOT,
    _PRINTED_LINES,
    _PRINTED_TEMPLATE,
    _PRINTER,
    _PRINTF,
    _PRINTLN_AT,
    _PRIVATE_KEYS,
    _PROMPT,
    _PROMPT_REACH,
    _PROSE_KEY_VALUE,
    _PROVIDER,
    _PROVIDER_BEFORE,
    _PROVIDER_FIRST,
    _PROVIDER_LAST,
    _PROVIDER_MEMBER,
    _PROVIDER_NAMED,
    _PULUMI_PLAINTEXT,
    _PULUMI_REACH,
    _PULUMI_SECRET_AT,
    _PUTTY_AT,
    _PUTTY_CUT,
    _PUTTY_KEY,
    _QUERY_STARTS,
    _QUOTED_ASIDE,
    _QUOTED_NAME,
    _REALM_FILE_AT,
    _REALM_LINES,
    _REALM_SERVICE_AT,
    _REALM_USER,
    _REDIS_ACL,
    _REPL_ANCHORS,
    _REQUOTE_END,
    _RESP_AUTH,
    _RESULT_AT,
    _RESULT_MEMBER,
    _RESULT_OBJECT,
    _RESULT_REACH,
    _RESULT_VALUE,
    _ROBOT_VARIABLE,
    _ROBOT_VARIABLES_AT,
    _ROW_BREAK,
    _ROW_CELL,
    _RPC_REACH,
    _RPC_SESSION,
    _RSA_XML_AT,
    _RSA_XML_PRIVATE,
    _RSA_XML_REACH,
    _RUBY_COOKIE,
    _SAM_ROW,
    _SAM_ROW_AT,
    _SASL_465,
    _SASL_587,
    _SASL_PASSWD,
    _SASL_PLAIN,
    _SASL_SUBMISSION,
    _SCHEMELESS_USERINFO,
    _SECRET_COOKIE,
    _SECRET_FILE_OPTION_BEFORE,
    _SECRET_ID_NAMES,
    _SECRET_OBJECT_BEFORE,
    _SECRET_OBJECT_VERBS,
    _SECURE_STRING,
    _SECURE_STRING_CELL,
    _SECURE_STRING_VALUE,
    _SEED_AT,
    _SEED_PHRASE,
    _SEED_REACH,
    _SEND_KEYS_AT,
    _SENDKEYS_AT,
    _SENDTO_AT,
    _SENSITIVE_AT,
    _SENSITIVE_TRUE,
    _SENTENCE,
    _SENTRY_DSN,
    _SESSION_AT,
    _SESSION_COOKIE_AT,
    _SESSION_COOKIE_NAME,
    _SESSION_COOKIE_VALUE,
    _SESSION_VALUE,
    _SET_VALUE_AT,
    _SHADOW,
    _SIGNATURE_AFTER,
    _SIGNED_CREDENTIALS,
    _SLASH_PAIR,
    _SMTP_PASSWORD_AT,
    _SMTP_REPLY,
    _SMTP_SENT,
    _SPACED_AT,
    _SQL_ROWS,
    _SQL_VALUE,
    _STRING_ROW,
    _TABLE_ROW_VALUE,
    _TACACS_BLOCK,
    _TACACS_EQUALS,
    _TACACS_REACH,
    _TAG_BEFORE,
    _TAGGED_VALUE,
    _TAIL_STARTS,
    _TEMPLATE_FIELD,
    _THIN_AT,
    _TIMESTAMP_CELL,
    _TOKENS_MEMBER,
    _TOKENS_OBJECT,
    _TRACE_BEFORE,
    _TRACED_ECHO,
    _TWILIO_AT,
    _TYPE_AT,
    _TYPED_DECLARATION,
    _TYPED_VALUE,
    _UNATTEND_REACH,
    _URL,
    _URL_BASE64_PASSWORD,
    _URL_COMMUNITY,
    _URL_CREDENTIALS,
    _URL_END,
    _URL_QUERY_KEY,
    _URL_SIGNATURE,
    _URL_SLASHES,
    _URL_SLASHES_ESCAPED,
    _URL_TOKEN_USER,
    _USER_ARGUMENT,
    _USER_COMMANDS,
    _USER_LITERAL,
    _USER_OPTIONS,
    _USERLIST,
    _USERLIST_AT,
    _USERLIST_ESCAPED,
    _UUID,
    _VALUE_AFTER_TOKEN_ID,
    _VALUE_AT,
    _VALUE_HEADER,
    _VALUE_MEMBER,
    _VALUE_WORD,
    _WCE_AT,
    _WCE_LINES,
    _WCE_ROW,
    _WEBHOOK_PATH_AT,
    _WIREGUARD_MEMBER,
    _WRAPPED_LITERAL,
    _WRITE_AT,
    _WRITTEN,
    _XML_ATTRIBUTES,
    _XML_NAME_ATTRIBUTE,
    _XML_NAME_BEFORE,
    _XML_PREFIX_BEFORE,
    _XML_TEXT,
    _XML_USER,
    _XML_USER_AT,
    _XML_VALUE_AT,
    _XML_VALUE_TEXT,
    _YAML_ITEM_BEFORE,
    _YAML_NEXT_ITEM,
    _YAML_TAG,
    _aaa_server_key,
    _anchored_pattern,
    _basic_credentials,
    _basic_placeholder,
    _bip39_phrase,
    _bip39_words,
    _Client,
    _encodes_credential,
    _named_cookie,
    _option,
    _primary_key,
    _printer,
    _public_cookie,
    _public_secret_item,
    _query_users,
    _url_interesting,
    _webhook_request_paths,
    _webhooks,
)
from autopilot.plugins.redact.prose import (
    _ASKED,
    _ESCAPED_URL,
    _IN_PROSE,
    _IN_SENTENCE,
    _LOCAL_QUOTED,
    _LOGIN_CUE,
    _LOGIN_LIST_LINES,
    _NEXT_LINE,
    _NEXT_LINE_STRICT,
    _SAME_LINE,
    _SENTENCE_END,
    _SLASH_ESCAPE,
    _SLASH_PAIR_USER,
    _SLASH_PAIR_VALUE,
    _firebase_config_key,
    _handed_over,
    _handed_value,
    _pair_name_at,
    _prose_value,
    _shown_as_example,
    _typed_secret_at,
)
from autopilot.plugins.redact.structure import (
    _BLOB_NAME,
    _HMAC_SIBLING,
    _IN_VERIFIER,
    _LOGIN_CALL_BEFORE,
    _blob_name,
    _credential_sibling,
    _in_base64,
    _in_verifier,
    _parent_key_kind,
    _parent_name,
    _previous_line_end,
    _reference_sibling,
)
from autopilot.plugins.redact.syntax import (
    _ACROSS_LINES_HOW,
    _AFTER_VALUE_STOP,
    _ANSI_BEFORE,
    _APP_PASSWORD_LINE,
    _BATCH_PROMPT,
    _BLANK_OR_QUOTE,
    _BY_BLOCK,
    _BY_CALL,
    _BY_CSV,
    _BY_GETTER,
    _BY_HTML,
    _BY_PAIR,
    _BY_PERCENT,
    _BY_SEPARATOR,
    _BY_SPACE,
    _BY_TABLE,
    _BY_XML,
    _CALL_BEFORE,
    _CALLABLE,
    _CLI_NOTICE,
    _CODE_ENDS,
    _CODE_STOPS,
    _CODES_LINE,
    _CONNECTION_VALUE_REST,
    _CONSTANT_ARGUMENT,
    _CONTEXT_PRIORITY,
    _DIGIT_BYTE,
    _DOTTED_CALL,
    _DOTTED_NAME_BYTES,
    _ESCAPES,
    _EXPANSION_DEFAULT,
    _FALLBACKS,
    _FINGERPRINTS,
    _GUTTER,
    _LESS_THAN,
    _LOOKUP_CALL_BEFORE,
    _MARKED_WORD_LINE,
    _OPENINGS,
    _OPTION_WORD,
    _PHP_ASSIGNMENT,
    _PLURAL_KEYWORD,
    _QUOTED_LITERAL,
    _QUOTED_ONLY,
    _REFERENCE_ALONE,
    _SHAPE_HOW,
    _SHORT_WORD_LINE,
    _STATEMENT_CALL_BEFORE,
    _TOKEN_PRIORITY,
    _TWILIO_MARKERS,
    _UNBROKEN_TO_LINE_END,
    _VALUE_STOPS,
    _WORD_LINE,
    _code_call,
    _command_word,
    _content_start,
    _csv_cells,
    _curl_command,
    _curl_end,
    _following_line,
    _git_author,
    _has_subcommand,
    _indent,
    _leaves_string,
    _lenient,
    _line_around,
    _literal_end,
    _next_line,
    _passphrase,
    _referenced,
    _rest_of_line,
    _string_end,
    _unglue,
)
from autopilot.plugins.redact.tables import (
    _QUOTED_COMMA,
    _TABLE_NAME,
    _TABLE_RULE,
    _cell,
    _harmless_table_column,
    _in_harmless_column,
    _table_cells,
    _table_delimiter,
    _table_start,
)
from autopilot.plugins.redact.values import (
    _CIPHERTEXT,
    _DIGIT,
    _ESCAPED_ELLIPSIS,
    _PUBLIC_KEY,
    _QUOTED_RHS,
    _SECRET_WORDS,
    _hashed_key,
    _names_a_secret,
    _object_name,
    _plausible_value,
    _public_jwt,
    _setting,
    _strong,
    _wordy,
    credential_like,
    encodes_placeholder,
    is_placeholder,
    looks_random,
    opens_lookup,
)
from autopilot.plugins.redact.words import _foreign_lone_key, _foreign_name, name_parts


@cache
def _checked_names(anchors: tuple[bytes, ...]) -> frozenset[int]:
    """Which of a search's *anchors*, as name keywords, keywords() checks further before their shape
    (one test for the others): those whose last byte follows the name (`_pat:`, `pat"`), `secret`,
    `cred` and `pass` (the value of a JSON type), and `author` (git log)."""
    return frozenset(
        index
        for index, anchor in enumerate(anchors)
        if (len(anchor) == 5 and anchor[0] == 0x5F)
        or (len(anchor) == 4 and anchor[-1] in (0x22, 0x5C))
        or anchor in (b"secret", b"cred", b"pass", b"author")
    )


class _Scan:
    """Findings for one text; every method adds (start, end, priority, kind) spans."""

    __slots__ = (
        "_announcements",
        "_blocks",
        "_exempt",
        "_names",
        "cast",
        "coloured",
        "data",
        "low",
        "named",
        "requoted",
        "runs",
        "size",
        "spans",
    )

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.low = data.lower()
        self.runs = data.translate(_RUN_TABLE)
        self.size = len(data)
        self.spans: list[tuple[int, int, int, str]] = []
        self._names: set[int] = set()  # name starts already judged (``secret_key`` hits twice)
        self._blocks: set[int] = set()  # PEM blocks and Kubernetes documents already handled
        self._exempt: list[tuple[int, int]] = []  # ciphertext meant to be committed (SealedSecret)
        self.coloured: list[int] = []  # where JSON-escaped terminal codes (`\u001b[`) are
        self.cast = False  # whether an asciinema cast's output event is in the text
        self.requoted: list[int] = []  # where a quote is closed and opened again: _scan() looks again
        self.named: list[int] = []  # where secret names (and Redis ACL lines) are: _scan() may look again
        self._announcements: dict[int, tuple[int, int]] = {}  # _announcement() at a keyword, done already

    def add(self, start: int, end: int, kind: str, priority: int = _CONTEXT_PRIORITY) -> None:
        if end > start and not _shown_as_example(self.data, start):
            self.spans.append((start, end, priority, kind))

    def _line_bounds(self, position: int, *, limit: int = 4096) -> tuple[int, int]:
        start = self.data.rfind(b"\n", max(0, position - limit), position) + 1 or max(0, position - limit)
        end = self.data.find(b"\n", position, position + limit)
        return start, (end if end != -1 else min(self.size, position + limit))

    # -- token formats ----------------------------------------------------------------------------

    def tokens(self) -> None:
        data, runs, classify = self.data, self.runs, _prefix_classifier().match
        seen: set[int] = set()  # run starts already classified
        shared, apart = _token_searches()
        # Mostly hits inside words and blobs, which go at once (in one comprehension, for speed): a
        # token starts a word, or follows an escape (`\\n`) or a colour. (The searches' hits, in order.)
        candidates = sorted(
            (start, anchors[index])
            for anchors, find in apart
            for index, start, _end in find(data)
            if not start
            or runs[start - 1] != 0x61
            or runs[start] != 0x61
            or data[start - 2] == 0x5C
            or data[start - 1] == 0x6D
        )
        resume = 0
        for start, anchor in candidates:
            if start >= resume and (
                not start  # (at the text's start, `data[-1]` is its last byte, no colour before)
                or data[start - 1] != 0x6D
                or runs[start] != 0x61
                or _rx[_ANSI_BEFORE].search(data, max(0, start - 24), start)
            ):
                resume = max(resume, self._token_at(start, anchor, data))
        for anchors, find in shared:
            resume = 0  # runs before this (inside a token found, or a base64 blob) are done
            for index, start, _end in find(data):
                anchor = anchors[index]
                if anchor == b"Q~":
                    # Azure AD client secrets contain `~` and `.`, which split runs; `Q~` is anchor enough.
                    match = _rx[_AZURE_SECRET].match(data, start - 4) if start >= 4 else None
                    if match and looks_random(match.group().decode("ascii", "replace")):
                        self.add(match.start(), match.end(), "azure_client_secret", _TOKEN_PRIORITY)
                    continue
                if anchor in _DIRECT:
                    # A prefix ending in a dot ("SG.", "ya29.", "hvs.") is distinctive enough on its own.
                    if anchor in _DIRECT_WORD_START and not (
                        not start
                        or runs[start - 1] != 0x61
                        or data[start - 2] == 0x5C
                        or (
                            data[start - 1] == 0x6D
                            and _rx[_ANSI_BEFORE].search(data, max(0, start - 24), start)
                        )
                    ):
                        continue  # inside a word, base64 or an id
                    if start >= resume:
                        resume = max(resume, self._token_at(start, anchor, data))
                    continue
                # The run of token characters holding the anchor.
                floor = max(0, start - _RUN_LOOKBACK)
                position = runs.rfind(_DOT, floor, start) + 1
                if position < resume or position in seen or (position == 0 and floor):
                    continue  # done already, or too far from the run's start for any glue
                seen.add(position)
                if not runs.startswith(_LONG_RUN, position):
                    continue
                hit = classify(data, position)
                if hit is None:
                    continue
                if hit.lastgroup == "blob":
                    resume = max(resume, hit.end())
                elif hit.start("prefix") - position <= _MAX_GLUE:
                    resume = max(resume, self._token_at(hit.start("prefix"), hit.group("prefix"), data))

    def _token_at(self, at: int, anchor: bytes, data: bytes) -> int:
        """Try the formats of *anchor* at *at*; the end of the token found, or 0."""
        for rule in _token_rules(anchor):
            match = rule.pattern.match(data, at)
            if match is None:
                continue
            start = at
            if rule.before is not None:
                lead = rule.before.search(data, max(0, at - 64), at)
                if lead is None:
                    continue
                start = lead.start()
            token = match.group().decode("ascii", "replace")
            # (a scheme in braces, `{xor}`, `{noop}`, would read as a template's: its body is judged)
            judged = token[rule.body_start :] if token[0] == "{" else token
            if rule.kind == "jwt" and _public_jwt(token):
                # a JWT made to be published stays whole: its random signature may hold another
                # format's prefix by chance (`…J9.kJqRgldt-hPJ…`), which is no token there
                self._exempt.append((start, match.end()))
                return match.end()
            if is_placeholder(judged) or (rule.check_random and not looks_random(token[rule.body_start :])):
                continue
            if rule.kind == "google_api_key" and _firebase_config_key(data, start):
                self._exempt.append((start, match.end()))  # whatever its name says, it stays
                return match.end()
            self.add(start, match.end(), rule.kind, _TOKEN_PRIORITY)
            self._near(rule.kind, start, match.end())
            return match.end()
        return 0

    def _near(self, kind: str, start: int, end: int) -> None:
        """The secret half of a pair: an AWS secret key near its key id, a Twilio token near its SID,
        Tencent's SecretKey near its SecretId, Alibaba's AccessKey secret near its id."""
        if kind == "aws_access_key_id":
            pattern, found = _rx[_AWS_SECRET_NEAR], "aws_secret_access_key"
        elif kind.startswith("twilio"):
            pattern, found = _rx[_TWILIO_TOKEN_NEAR], "twilio_auth_token"
        elif kind in _KEY_ID_SECRETS:
            pattern, found = _rx[_KEY_ID_SECRETS[kind]], "secret"
        else:
            return
        line_start, line_end = self._line_bounds(start, limit=512)
        next_end = self.data.find(b"\n", line_end + 1, line_end + 512)
        window_end = next_end if next_end != -1 else min(self.size, line_end + 512)
        # (and the line before: a secret declared above its id, `k = "…";` then `id = "AKID…";`)
        floor = max(0, line_start - 512)
        previous_start = self.data.rfind(b"\n", floor, max(0, line_start - 1)) + 1 or floor
        for match in pattern.finditer(self.data, previous_start, window_end):
            if match.start() < end and match.end() > start:
                continue
            text = match.group().decode("ascii")
            if looks_random(text) and (kind.startswith("twilio") or not text.islower()):
                self.add(match.start(), match.end(), found)

    # -- keyword anchors --------------------------------------------------------------------------

    def keywords(self) -> None:
        data, low, runs, size = self.data, self.low, self.runs, self.size
        hits: list[tuple[int, int, int]] = []  # (position, length, how) of secret-name keywords
        bearer_end = 0
        # Locals: this loop runs for every anchor hit (about 5,000 per MB), globals cost a lookup each.
        shaped, interesting = _rx[_NAME_SHAPE].match, _url_interesting
        name, shadow, url, bearer, shape_how = _NAME, _SHADOW, _URL, _BEARER_AT, _SHAPE_HOW
        named = self.named
        if low.startswith(b"user "):
            self._redis_acl(0)
        for search in _passes(data, low):
            anchors, roles, hidden_in, follows = search.anchors, search.roles, search.hidden, search.follows
            checked = _checked_names(anchors)
            batch = search.find(low)
            while batch:
                hidden: list[tuple[int, int, int]] = []
                for index, start, end in batch:
                    inside = hidden_in[index]
                    # (at the text's end all are looked for; a byte is tested as an int: `bytes in
                    # bytes` costs Python a raised and cleared TypeError before it searches)
                    if inside and (follows[index] is None or end == size or low[end] in follows[index]):
                        for offset, inner in inside:
                            if low.startswith(anchors[inner], start + offset):
                                at = start + offset
                                hidden.append((inner, at, at + len(anchors[inner])))
                    role = roles[index]
                    if role == name:
                        if index in checked:  # (most name keywords have none of these checks)
                            if (end - start == 5 and low[start] == 0x5F) or (
                                end - start == 4 and low[end - 1] in (0x22, 0x5C)
                            ):
                                end -= 1  # `_pat:`, `pat"`: the name ends before the byte after it
                            # (`"type": "secret"`, `"credential"` or `"password"`: the call only for
                            # those keywords)
                            anchor = anchors[index]
                            if (
                                anchor in (b"secret", b"cred")
                                or (anchor == b"pass" and low[start + 8 : start + 9] in (b'"', b"\\"))
                            ) and _typed_secret_at(low, anchor, start, end):
                                self._typed_secret(start)
                            if end - start == 6 and anchor == b"author":
                                # A whole name "Author" (git log) is never secret; else it is an "auth" hit.
                                if _git_author(data, runs, start, end):
                                    continue
                                end = start + 4
                        shape = shaped(low, end)
                        if shape is None:
                            if _full_width_label(low, end):
                                self._space_hit(start, end, hits)  # CJK prose: a full-width colon
                            continue
                        at = shape.end()
                        # (a pair's name is a string value, closed by a quote and a comma before the
                        # value's member; a member's name ends at a colon)
                        if low[at - 1] == 0x2C and low[at - 2] == 0x22:
                            pair = _pair_name_at(low, start, end)
                            if pair != -1:
                                self._named_pair(pair, end)
                        how = shape_how.get(shape.lastgroup)
                        if how is not None:
                            hits.append((start, end - start, how))
                            if how == _BY_CSV or (
                                how == _BY_SEPARATOR and low[at - 1] == 0x2C and _table_shape(low, shape)
                            ):
                                hits.append((start, end - start, _BY_TABLE))  # `"Password","URL"`
                        else:
                            self._space_hit(start, end, hits)
                            if low[at - 1] in _TABLE_BYTES or low[at - 2] == 0x09 or _escaped_end(low, at):
                                hits.append((start, end - start, _BY_TABLE))  # `| api_token |`
                    elif role == shadow:
                        if (not start or low[start - 1] not in _NAME_CHARS) and low[end - 1] != 0x5F:
                            self._tokens_object(start + 6)
                        continue
                    elif role == url:
                        if interesting(low, start):
                            self._url(start)  # credentials, a signature, or a webhook
                    elif role == bearer:
                        if start >= bearer_end:
                            bearer_end = self._bearer(start)
                    elif role < name:
                        if role in _ACROSS_LINES:
                            named.append(start)
                        self._fixed(role, start, end)
                    else:
                        self._more(role, anchors[index], start, end)
                batch = hidden
        if hits:
            self.named += [hit[0] for hit in hits if hit[2] in _ACROSS_LINES_HOW]
            self._names_at(hits)

    def _wireguard_keys(self, name_end: int) -> None:
        """The WireGuard keys of a block named `keys` or `key` (netplan's tunnels and peers): a
        `private`, `shared` or `preshared` member's key (44 base64 characters); `public` stays."""
        for member in _rx[_WIREGUARD_MEMBER].finditer(self.data, name_end, min(self.size, name_end + 400)):
            self.add(member.start("value"), member.end("value"), "private_key")

    def _token_id_value(self, name_end: int) -> None:
        """The UUID named `value` after an API token's id (Proxmox's `pveum user token add` and its API
        answer: `full-tokenid` then `value`, as JSON members or a table's rows): the token's secret."""
        found = _rx[_VALUE_AFTER_TOKEN_ID].search(self.data, name_end, min(self.size, name_end + 2000))
        if found is not None:
            self.add(found.start("value"), found.end("value"), "token")

    def _tokens_object(self, at: int) -> None:
        """The UUIDs of an object or a block named `tokens` alone: an agent's ACL tokens (Consul's,
        Nomad's `acl { tokens { agent = "…" } }`); usage counters hold numbers."""
        block = _rx[_TOKENS_OBJECT].match(self.data, at)
        if block is not None:
            for member in _rx[_TOKENS_MEMBER].finditer(self.data, block.start("body"), block.end("body")):
                self.add(member.start("value"), member.end("value"), "token")

    def _fixed(self, role: int, start: int, end: int) -> None:
        """The fixed anchors of the names pass, but URLs and bearer tokens."""
        if role >= _SESSION_COOKIE_AT:
            # The anchors of the rule tables, numbered after the named ones (session cookies' names
            # and webhooks' paths are all over agent logs): one test, not one for each named anchor.
            if role >= _LOGIN_ROW_AT:
                self._login_row(start, end)
            elif role >= _EXPECT_SEND_AT:
                self._expect_send(start)
            elif role >= _WEBHOOK_PATH_AT:
                self._webhook_path(role - _WEBHOOK_PATH_AT, start)
            else:
                self._session_cookie(start, end)
            return
        low = self.low
        if role == _ANSI_ESCAPED:
            self.coloured.append(start)  # _scan() looks at the coloured lines again without their codes
        elif role == _PEM_AT:
            self._pem(start + 8)
        elif role in (_OPENVPN_AT, _NKEY_AT):
            self._pem(start + 1, armoured=True)
        elif role == _KIND_AT:
            kind = _rx[_KIND_SECRET].match(low, start)
            if kind is not None:
                self._kubernetes(kind.end() - 6)
        elif role == _ENCRYPTED_AT:
            self._ciphertext_block(start)
        elif role == _COMMUNITIES_AT:
            self._community_list(start + len(b"communities:"))
        elif role == _BOUND_PARAMETER_AT:
            self._bound_parameter(start)
        elif role == _FAILED_PROPERTY_AT:
            self._failed_property(start)
        elif role in (_REALM_SERVICE_AT, _REALM_FILE_AT):
            self._realm_file(start)
        elif role == _XML_USER_AT:
            self._digest_user(start)
        elif role == _PRINTLN_AT:
            self._printed_records(start)
        elif role == _DECRYPTION_CLI_AT:
            output = _rx[_CLI_OUTPUT].search(self.data, start, start + _CLI_OUTPUT_REACH)
            if output is not None and not is_placeholder(output.group("value").decode("utf-8", "replace")):
                self.add(output.start("value"), output.end("value"), "password")  # the plaintext
        elif role == _COOKIE_AT:
            if low.endswith(b"!ruby/object:http::", max(0, start - 19), start):
                # a cookie of Ruby's http-cookie gem saved as YAML: its `name:` and `value:` below
                ruby = _rx[_RUBY_COOKIE].match(self.data, start + 6)
                if ruby is not None:
                    self._cookie_value(ruby.group("name"), ruby.start("value"), ruby.end("value"))
                return
            named = _named_cookie(self.data, low, start)
            if named is not None:
                # An Erlang cookie (`erlang_cookie: …`, `RELEASE_COOKIE=…`, `-setcookie …`): the
                # shared secret of a cluster's nodes, not an HTTP cookie.
                self.add(named.start("value"), named.end("value"), "secret")
                return
            header = _rx[_COOKIE_HEADER].match(low, start)
            if header is None:
                setter = _rx[_COOKIE_SETTER].match(self.data, start)
                if setter is not None:
                    # `cookies.set("sid", "…")`, `set_cookie(…)`, `new Cookie(…)`, `{name: …, value: …}`
                    which = "1" if setter.group("name1") is not None else "2"
                    self._cookie_value(
                        setter.group("name" + which),
                        setter.start("value" + which),
                        setter.end("value" + which),
                    )
            if header is not None:
                if header.group("list") is not None:
                    self._har_cookies(header.end())
                else:
                    self._cookies(header.end(), first_only=low[start - 4 : start] == b"set-")
        elif role == _TWILIO_AT:
            self._twilio(start)
        elif role == _CURL_AT:
            if _curl_command(low, start):
                self._curl(start)
        elif role in (_GO_DSN_AT, _GO_DSN_UNIX):
            self._go_dsn(start)
        elif role == _PGPASS_ANY or (role == _PGPASS_PORT and low.startswith(b":", end)):
            self._line_rule(start, _rx[_PGPASS])  # `:5432:` of a .pgpass line
        elif role == _PGPASS_PORT:
            self._schemeless_dsn(start)  # `user:…@host:5432/db`
        elif role in (_USERLIST_AT, _USERLIST_ESCAPED):
            self._line_rule(start, _rx[_USERLIST])
        elif role in (_SASL_587, _SASL_465, _SASL_SUBMISSION):
            self._line_rule(start, _rx[_SASL_PASSWD])
        elif role == _ACL_LINE:
            self._redis_acl(start + 1)
        elif role == _ACL_ESCAPED:
            self._redis_acl(start + 2)
        elif role in (_ACL_NUMBERED, _ACL_NUMBERED_ESCAPED, _ACL_CAT_N, _ACL_CAT_N_ESCAPED):
            pass  # a file reader's line: _scan() reads it again without its number
        elif role in (_ACL_SETUSER, _ACL_STRING):
            self._redis_acl(start + (3 if role == _ACL_SETUSER else 1))
        elif role == _PRINTF:
            self._echo_pipe(start)
        elif role == _EXECVE_AT:
            self._execve(start)
        elif role == _JCL_INSTREAM:
            self._jcl_ftp(start)
        elif role == _SLASH_PAIR:
            self._slash_pair(start)
        elif role == _URL_SLASHES:
            self._escaped_url(start)  # `:\/\/`
        elif role == _URL_SLASHES_ESCAPED:
            # `\\/\\` in the slashes of such a URL escaped once more (`:\\/\\/`, in an agent log) or
            # twice (`:\\\\/\\\\/`, a Codex rollout's output): back to its colon
            while start and self.data[start - 1] == 0x5C:
                start -= 1
            self._escaped_url(start - 1)
        elif role == _ENABLE_AT:
            self._enable(start)
        elif role == _PULUMI_SECRET_AT:
            self._pulumi_secret(start)
        elif _AUTH_ARRAY <= role <= _AUTH_ARRAY_TWICE:
            self._pattern_value(end, _rx[_AUTH_PAIR], "password")
        elif _B64ENCODE_AT <= role <= _BUFFER_FROM_AT:
            self._encoded_login(end)
        elif role == _BASIC_AUTH_USERS_AT:
            self._basic_auth_users(start)
        elif role == _WCE_AT:
            self._wce_rows(end)
        elif role == _CONFIGURED_VALUE_AT:
            self._configured_value(start, end)
        elif role == _COPY_ROWS_AT:
            self._copy_rows(start, end)
        elif role == _INSERT_ROWS_AT:
            self._insert_rows(start, end)
        elif role == _IDENTIFIED:
            self._pattern_value(start, _rx[_IDENTIFIED_BY], "password")
        elif role == _LOGIN_MODULE:
            self._login_module(start)
        elif role == _CHPASSWD_AT:
            self._chpasswd(start)
        elif role == _AUTH_TUPLE:
            self._call(start + 5, 1, True)
        elif role == _MARKER_AT:
            if low.startswith(b"[redacted:aws_access_key_id]", start):
                self._near("aws_access_key_id", start, start + 28)
            elif low.startswith(_TWILIO_MARKERS, start):
                self._near("twilio", start, low.find(b"]", start) + 1)
        elif role == _BUNDLE_AT:
            self._bundler(start)
        elif role == _COMPARE_AT:
            self._compared(start, end)
        elif role in (_WRITE_AT, _SENDTO_AT):
            self._written(start)
        elif role == _SECURE_STRING:
            self._secure_string(start)
        elif role == _SESSION_AT:
            match = _rx[_SESSION_VALUE].match(self.data, start)
            if (
                match is not None
                and (start == 0 or not low[start - 1 : start].isalnum())
                and _rx[_UUID].fullmatch(match.group("value")) is None
                # (a Rails cookie's base64 may start with `/`: no path's)
                and credential_like(match.group("value").decode("ascii").lstrip("/"))
            ):
                self.add(match.start("value"), match.end("value"), "session")
        elif _BASIC_AT <= role <= _BASIC_PAIR_ESCAPED_AT:
            self._basic(start)
        elif role == _GO_POINTER_AT:
            self._go_struct(start)
        elif role == _COOKIE_JAR_AT:
            pair = _rx[_COOKIE_PAIR].match(self.data, start + 8)  # `<Cookie NAME=VALUE for DOMAIN/>`
            if pair is not None:
                self._cookie_value(pair.group("name"), pair.start("value"), pair.end("value"))
        elif role == _ALGOLIA_AT:
            self._algolia(start)
        elif role == _GETPASS_AT:
            # ltrace: what getpass() returned is what was typed at the password prompt
            match = _rx[_GETPASS_RETURN].match(self.data, start)
            if match is not None and _lenient(match.group("value").decode("utf-8", "replace")):
                self.add(match.start("value"), match.end("value"), "password")
        elif _PORT_MYSQL <= role <= _PORT_MONGO:
            self._schemeless_dsn(start)
        elif role == _JWK_AT:
            self._jwk(start)
        elif role == _RSA_XML_AT:
            self._rsa_xml(start)
        elif role == _SAM_ROW_AT:
            self._sam_row(start)
        elif role in (_LOGIN_AT, _AUTHENTICATE_AT):
            self._protocol_login(start, _rx[_IMAP_LOGIN] if role == _LOGIN_AT else _rx[_SASL_PLAIN])
        elif role == _SENSITIVE_AT:
            if _rx[_SENSITIVE_TRUE].match(low, start) is not None:
                self._member_value(start, "secret")
            elif _rx[_HCL_SENSITIVE].match(low, start) is not None:
                # Terraform's `variable "…" { … sensitive = true }`: its default is the secret
                at = self.data.rfind(b"variable", max(0, start - 2048), start)
                block = _rx[_HCL_BLOCK_START].match(self.data, at) if at != -1 else None
                if block is not None and _rx[_HCL_BLOCK_END].search(self.data, block.end(), start) is None:
                    self._hcl_default(block.end(), "secret")
        elif role == _API_AT:  # (`"api"`, also JSON-escaped `"api\\"`)
            member = _rx[_API_MEMBER].match(self.data, start)
            if member is not None and credential_like(member.group("value").decode("utf-8", "replace")):
                self.add(member.start("value"), member.end("value"), "api_key")
        elif role == _PUTTY_AT:
            # A PuTTY private key file, from its first line to its Private-MAC (or, cut short, to the
            # end of its private lines): the whole key goes, as a PEM block does.
            key = _rx[_PUTTY_KEY].match(self.data, start, start + 65536) or _rx[_PUTTY_CUT].match(
                self.data, start, start + 65536
            )
            if key is not None:
                self.add(start, key.end(), "private_key", _TOKEN_PRIORITY)
        elif role == _RESULT_AT:
            # Terraform state: the `result` of a `random_password` resource is the password (and in
            # a Pulumi stack export, the output of a `random:index/randomPassword:RandomPassword`).
            data, floor = self.data, max(0, start - 4096)
            if (
                data.rfind(b"random_password", floor, start) != -1
                or data.rfind(b"randomPassword", floor, start) != -1
            ):
                match = _rx[_RESULT_MEMBER].match(data, start)
                if match is not None and not is_placeholder(match.group("value").decode("utf-8", "replace")):
                    self.add(match.start("value"), match.end("value"), "password")
            elif _rx[_RESULT_OBJECT].match(self.data, start) is not None:
                self._result_value(start)
            elif (
                self.low.find(b"jsonrpc", max(0, start - _RPC_REACH), start + _RPC_REACH) != -1
                and (session := _rx[_RPC_SESSION].match(data, start)) is not None
                and not is_placeholder(session.group("value").decode("ascii"))
            ):
                self.add(session.start("value"), session.end("value"), "token")  # a JSON-RPC session
        elif role == _HONEYCOMB_AT:
            # Honeycomb's API key travels in a header named for the team (`X-Honeycomb-Team: …`).
            match = _rx[_HONEYCOMB_KEY].match(self.data, start)
            if match is not None and credential_like(match.group("value").decode("ascii")):
                self.add(match.start("value"), match.end("value"), "api_key")
        elif role in (_PHRASE_AT, _MNEMONIC_AT, _SEED_AT, _HDWALLET_AT):
            # A wallet's seed phrase: 12 to 24 words after "recovery phrase:", `MNEMONIC=` …
            match = _rx[_SEED_PHRASE].match(self.data, start)
            if match is not None:
                words = match.group("value").split()
                if len(words) in (12, 15, 18, 21, 24) and len(_NOT_SEED_WORDS.intersection(words)) < 2:
                    self.add(match.start("value"), match.end("value"), "secret")
            self._bip39_run(start)
        elif role == _XML_VALUE_AT:
            self._named_xml_value(start)
        elif role in (_ACCOUNTS_AT, _FROM_KEY_AT):
            self._signing_keys(start)
        elif role == _ENCODED_AT:
            # Elasticsearch's `"encoded"` API key: base64 of `id:key`, sent as `ApiKey …`.
            match = _rx[_ENCODED_CREDENTIAL].match(self.data, start)
            if match is not None and _encodes_credential(match.group("value")):
                self.add(match.start("value"), match.end("value"), "api_key")
        elif role in (_IPSEC_EAP, _IPSEC_XAUTH):
            # strongSwan's ipsec.secrets: `user : EAP "…"`, `: XAUTH …`, `: RSA key.pem "passphrase"`.
            match = _rx[_IPSEC_SECRET].match(self.data, start, _line_around(self.data, start)[1])
            if match is not None:
                group = "quoted" if match.group("quoted") is not None else "bare"
                value = match.group(group).decode("utf-8", "replace")
                if not is_placeholder(value) and len(value) >= 4 and value != "%prompt":
                    self.add(match.start(group), match.end(group), "password")
        elif role in (_THIN_AT, _EZCONNECT_AT):
            # Oracle's `user/password@//host:1521/service` (EZConnect) and JDBC's
            # `jdbc:oracle:thin:user/password@host:1521:SID`.
            data = self.data
            if role == _THIN_AT:
                match = _rx[_ORACLE_THIN].match(data, start)
            else:
                match = _rx[_ORACLE_EZCONNECT].search(data, max(0, start - 200), start + 3)
            if match is not None and _lenient(match.group("value").decode("utf-8", "replace")):
                self.add(match.start("value"), match.end("value"), "password")
        elif role == _PAT_AT:
            # A personal access token in a variable named for it (PowerShell, PHP, Perl: `$pat = "…"`).
            match = _rx[_PAT_VARIABLE].match(self.data, start)
            if match is not None and credential_like(match.group("value").decode("utf-8", "replace")):
                self.add(match.start("value"), match.end("value"), "token")
        elif role == _SMTP_PASSWORD_AT:
            # SMTP AUTH LOGIN: the server's "334 UGFzc3dvcmQ6" (base64 "Password:"), then the password.
            data = self.data
            begin = _next_line(data, _line_around(data, start)[1])
            if begin != -1:
                line = _rx[_SMTP_REPLY].match(data, begin, _line_around(data, begin)[1])
                if line is None:
                    # Python's smtplib at debug level 1 prints each line's repr (`reply: b'334 …\r\n'`,
                    # then `send: '…\r\n'`): past the quote after the reply's escaped line break
                    rest = _line_around(data, begin)[1]
                    if not data[begin:rest].strip(b"'\" \t\\"):
                        begin = _next_line(data, rest)
                    if begin != -1:
                        line = _rx[_SMTP_SENT].match(data, begin, _line_around(data, begin)[1])
                if line is not None and not is_placeholder(line.group("value").decode("ascii")):
                    self.add(line.start("value"), line.end("value"), "password")
        elif role in (_FILL_AT, _TYPE_AT, _SEND_KEYS_AT, _SENDKEYS_AT, _SET_VALUE_AT):
            self._typed(start, end)
        elif role == _ROBOT_VARIABLES_AT:
            self._robot_variables(start)
        elif role in (_CAST_AT, _CAST_ESCAPED, _CAST_TWICE):
            self.cast = True  # _scan() joins the cast's output events and looks again

    def _typed(self, start: int, paren: int) -> None:
        """A browser driven by code typing a literal into a password field: the field named by the
        locator right before the call (`getByLabel('Password').fill('…')`) or by its first argument
        (`page.fill('#password', '…')`)."""
        data = self.data
        typed = _rx[_TYPED_VALUE].match(data, paren)
        if typed is None:
            return
        before = start - (data[start - 1 : start] == b".")  # (`send_keys(` is found without its dot)
        if typed.group("q0") is None and (
            _rx[_PASSWORD_FIELD_BEFORE].search(data, max(0, before - 80), before) is None
        ):
            return
        value = typed.group("value").decode("utf-8", "replace")
        if _plausible_value(value, quoted=True, code_context=False, next_char=b"'"):
            self.add(typed.start("value"), typed.end("value"), "password")

    def _robot_variables(self, start: int) -> None:
        """Robot Framework's `*** Variables ***` table: the value of each secret-named variable
        (`${PASSWORD}    …`), up to the next table."""
        data = self.data
        line_end = _line_around(data, start)[1]
        for _ in range(200):
            line_start = _next_line(data, line_end)
            if line_start == -1 or data.startswith(b"***", line_start):
                return
            line_end = _line_around(data, line_start)[1]
            variable = _rx[_ROBOT_VARIABLE].match(data, line_start, line_end)
            if variable is None:
                continue
            kind = _name_kind(variable.group("name").replace(b" ", b"_"))
            value = variable.group("value").decode("utf-8", "replace")
            if kind and _plausible_value(value, quoted=False, code_context=False, next_char=b""):
                self.add(variable.start("value"), variable.end("value"), kind)

    def _more(self, role: int, anchor: bytes, start: int, end: int) -> None:
        """The anchors of the other passes: output printers, function calls, command-line clients."""
        low = self.low
        if role == _PRINTER and anchor in _REPL_ANCHORS:
            self._evaluated(start, _printer(anchor))
        elif role == _PRINTER:
            self._printed(start, _printer(anchor))
            if anchor == b"echo ":
                self._echo_pipe(start)
        elif role == _LISTER:
            self._listed(start)
        elif role == _ANCHORED:
            self._anchored(anchor, start)
        elif role == _PROVIDER:
            self._provider(start, end)
        elif role == _CALL:
            paren = end - 1
            name_start = self.runs.rfind(_DOT, max(0, paren - 64), paren) + 1
            if name_start and self.data[name_start - 1] == 0x5C and low[name_start] in b"ntr":
                name_start += 1  # after a JSON-escaped line break or tab (`\\ngit_basic_authorization(`)
            spec = rules.AUTH_CALLS.get(low[name_start:paren].lstrip(b"_-").decode("ascii", "replace"))
            if name_start > 1 and low[name_start - 1] == 0x2E:  # a method: `WiFi.begin(`, `wlan.connect(`
                owner = self.runs.rfind(_DOT, max(0, name_start - 34), name_start - 1) + 1
                spec = rules.AUTH_CALLS.get(low[owner:paren].decode("ascii", "replace"), spec)
            if spec is not None:
                self._call(paren, *spec)
        elif _command_word(low, start, 0):
            word = _rx[_COMMAND_NAME].match(low, start)
            clients = _CLIENTS.get(word.group()) if word is not None else None
            if clients:
                self._client(start, word.end(), clients)

    def _space_hit(self, start: int, end: int, hits: list[tuple[int, int, int]]) -> None:
        """A name keyword followed by blanks: a flag's value (``--api-key VALUE``) or a directive's."""
        if self.low[start] in _CODE_LEADS and self.low.startswith(_CODES, start):
            listed = _rx[_CODE_LIST].match(self.data, start)
            if listed is not None:
                # `Recovery codes: 4F2K-…, 9QX1-…`, `backup codes: … …`: the list on the line
                self.add(listed.start("value"), listed.end("value"), "password")
                self._more_codes(listed.end("value"), "password")
                return
        at = _spaced_hit(self.data, self.low, start, end, self._announcements)
        if at == -1:
            return
        if at < start:
            hits.append((at + 2, 2, _BY_SEPARATOR))
        else:
            hits.append((start, end - start, _BY_SPACE))

    def _names_at(self, hits: list[tuple[int, int, int]]) -> None:
        """Judge the name around each keyword hit and, if it is secret-named, the value after it."""
        data, runs, size = self.data, self.runs, self.size
        names, kinds = self._names, _NAME_KINDS
        for position, length, how in hits:
            floor = max(0, position - 64)
            name_start = runs.rfind(_DOT, floor, position) + 1 or floor
            if (name_start, how) in names:
                continue
            names.add((name_start, how))
            before = data[name_start - 1] if name_start else 0
            if before in (0x5C, 0x5B, 0x3B):  # "\\", "[" or ";"
                name_start = _unglue(data, name_start)
            # (a JSON-escaped word of another script may be longer than a name: `\\u0643\\u0644…`)
            limit = position + max(64, length + 48)
            name_end = runs.find(_DOT, position + length, limit)
            if name_end == -1:
                name_end = min(size, limit)
            name = data[name_start:name_end]
            if name_end - name_start >= _BLOB_NAME and _blob_name(name):
                continue  # a keyword inside base64 (`…8LNdDQ4PwBYuw…=`: `Pw`), no name
            if (before == 0x2F or before == 0x2B) and _in_base64(data, name_start, name_end):
                continue  # the same after base64's `/` or `+` (`…uaSyYfb2/C0EJPFnsGzVluPWBamup=`)
            if before in _IN_VERIFIER and _in_verifier(data, name_start, name_end):
                continue  # a keyword inside a password's verifier (`SCRAM-SHA-256$4096:…knpwSl+==$…`)
            kind = kinds.get(name, "?")
            if kind == "?":
                kind = _name_kind(name)
            if (
                how == _BY_SPACE
                and kind == "secret"
                and data[name_start - 1 : name_start] == b"."
                and name.lower() == b"keytab"
            ):
                # a keytab's file given to a command (`kinit -kt /etc/krb5.keytab principal`), not its
                # content (`backup.keytab: BQIAAA…`, a Secret's data, still goes)
                continue
            if kind == "token" and name[-7:].lower() == b"tokenid":
                self._token_id_value(name_end)  # Proxmox's `full-tokenid`, its secret below
            if (
                kind is None
                and name == b"token_name"
                and _parent_name(data, name_start, name_end) in _JOIN_PARAMS
            ):
                # Teleport's `join_params: token_name: …`: with the `token` method, the join token
                # itself (a generated one; an IAM or GitHub method's token name is a word)
                self._assignment(name, name_start, name_end, "token", generated=True)
                continue
            if (
                kind is None
                and how in (_BY_SPACE, _BY_TABLE)
                and data[name_start - 1 : name_start] == b" "
                and self._two_word_column(name_start, name_end)
            ):
                continue
            if (
                kind is None
                and data.startswith(_BLOCK_OPENINGS, name_end)
                and name.lower() in (b"keys", b"key")
            ):
                self._wireguard_keys(name_end)  # netplan's `keys:` above `public:` and `shared:`
            if how == _BY_SEPARATOR:
                if kind == "authorization":
                    self._authorization(name_end)
                elif kind is not None and not _referenced(data, name_start):
                    self._assignment(name, name_start, name_end, kind)
                elif kind is not None and data[name_start - 2 : name_start] == b"${":
                    self._expansion_default(name_end, kind)
                elif kind is None and (
                    name in _LONE_NAMES or name in _PRIVATE_KEYS or _foreign_lone_key(name)
                ):
                    # Prose (`- API key: …`, `Access token: …`): the word before says what it is; else a
                    # lone `key = …` (rclone, INI sections) holds a secret only if it looks generated.
                    previous = (
                        _rx[_PREVIOUS_WORD].search(data, max(0, name_start - 16), name_start)
                        if data[name_start - 1 : name_start] == b" "
                        else None
                    )
                    if (
                        previous is None
                        and data[name_start - 1 : name_start] == b" "
                        and (not name.isascii() or name.find(b"\\u") != -1)
                    ):
                        # the word before a key's word of another script (`Секретный ключ: …`)
                        previous = _rx[_PREVIOUS_FOREIGN_WORD].search(
                            data, max(0, name_start - 96), name_start
                        )
                    if previous is None and data[name_start - 1 : name_start] == b".":
                        # A dotted setting (`play.http.secret.key = "…"`): the word before the dot.
                        previous = _rx[_PREVIOUS_WORD_DOT].search(data, max(0, name_start - 16), name_start)
                    named = previous is not None and _name_kind(previous.group("word") + b"_" + name)
                    if not named and previous is None and _rx[_KEY_VALUE_AHEAD].match(data, name_end):
                        # `"Jwt": { "Key": … }`, `api:` above
                        named = _parent_key_kind(data, name_start, name_end)
                    if (
                        not named
                        and previous is None
                        and data.rfind(b"attributes", max(0, name_start - 600), name_start) != -1
                    ):
                        # JSON:API: a resource's `"type": "api_keys"` names the `"key"` in its attributes
                        # (Datadog's `POST /api/v2/api_keys` response)
                        resource = _rx[_JSON_API_TYPE].search(data, max(0, name_start - 600), name_start)
                        named = resource is not None and _name_kind(resource.group("type"))
                    if (
                        not named
                        and previous is None
                        and data.find(b"(", max(0, name_start - 200), name_start) != -1  # (a `find` first)
                        and _rx[_LOGIN_CALL_BEFORE].search(data, max(0, name_start - 200), name_start)
                    ):
                        named = "api_key"  # `wandb.login(key="…")`: a key given to a login
                    if not named and previous is None and _credential_sibling(data, name_start, name_end):
                        # `{"username": "…", "key": "…"}` (kaggle.json), Coinbase's `"key"` beside its
                        # `"passphrase"` and `"signature"`: the other half of a login names the key
                        named = "api_key"
                    if (
                        not named
                        and previous is None
                        and _credential_sibling(data, name_start, name_end, _HMAC_SIBLING)
                    ):
                        # a Jupyter kernel's connection file: the key that signs its messages (a UUID)
                        self._assignment(name, name_start, name_end, "secret")
                    elif not named and previous is None and self._tacacs_key(name_start):
                        # tac_plus's `key = "…"` (tac_plus-ng's in a `host` block): the secret a TACACS+
                        # server shares with its devices, made as people make passwords
                        self._assignment(name, name_start, name_end, "secret")
                    elif named:
                        self._assignment(name, name_start, name_end, named, generated=True)
                    elif self._byte_array(name_end, "api_key", 16):
                        pass  # `private val KEY = byteArrayOf(0x6b, …)`: a key written as its bytes
                    elif previous is not None and _key_determiner(previous.group("word")):
                        # `New key: …`: a key given, of no kind the word names
                        self._assignment(name, name_start, name_end, "api_key", generated=True, strong=True)
                    elif _rx[_LONE_KEY_VALUE].match(data, name_end) is not None and (
                        self._at_line_start(name_start) or self._declared(name_start)
                    ):
                        self._assignment(name, name_start, name_end, "api_key", generated=True, strong=True)
                    elif (
                        data[name_start - 1 : name_start] in (b"?", b"&")
                        and data.startswith(b"=", name_end)
                        and not _object_name(data, name_end + 1)
                    ):
                        # a URL's `key` parameter (`?key=…` of Google's, Ably's and many REST APIs): an
                        # API key when its value looks generated, not an object's name
                        self._assignment(name, name_start, name_end, "api_key", generated=True)
                    elif (
                        data[name_start - 1 : name_start] in (b" ", b"\t")
                        and (logged := _rx[_LOGGED_KEY].match(data, name_end)) is not None
                        and _mixed(logged.group("value"))
                    ):
                        # a log line's `key=…` field (an agent connecting to its backend, `… key=… zone=…`):
                        # a key when its value is made as generated keys are (digits and both cases; a
                        # cache's, a lock's or an object's key, a UUID, hex, stay)
                        self.add(logged.start("value"), logged.end("value"), "api_key")
                elif kind is None and name.lower() in _NUMBERED_KEYS:
                    # a pair of keys numbered (Azure's `key1` and `key2` of Cognitive Services, Storage,
                    # Event Hubs, Maps …): a value that looks generated
                    self._assignment(name, name_start, name_end, "api_key", generated=True)
                elif kind is None and name[-3:].lower() == b"crc":
                    # Przelewy24's CRC key (`crc: …`, `P24_CRC=…`, `KLUCZ_CRC = "…"`): a checksum is hex or
                    # a number, so a value of digits, upper and lower case under such a name is the key
                    self._assignment(name, name_start, name_end, "secret", generated=True, strong=True)
                elif kind is None and (generated := _generated_name_kind(name)):
                    # `routing_key`, `server_key`, `LOGGED_IN_KEY`, `NONCE_SALT`: a key or salt of a kind
                    # no table names holds a secret when its value looks generated.
                    self._assignment(name, name_start, name_end, generated, generated=True)
                elif (
                    kind is None
                    and name[-3:].lower() == b"key"
                    and len(parts := name_parts(name.decode("ascii", "replace"))) > 1
                    and parts[-2] in rules.KEYED_DATA
                    and (array := _rx[_BYTE_ARRAY].match(data, name_end)) is not None
                    and len(_rx[_ARRAY_ELEMENT].findall(array.group("body"))) in _KEY_SIZES
                ):
                    # `static const uint8_t kConfigKey[32] = {0x7a, …}`: a key of what is encrypted
                    # (rules.KEYED_DATA), written as 16, 24, 32 or 64 bytes, is a cipher's key
                    self._byte_array(name_end, "api_key", 16)
                elif (
                    kind is None
                    and name.lower().endswith(b"key")
                    and _rx[_KEY_VALUE_AHEAD].match(data, name_end)
                    and (qualified := _parent_key_kind(data, name_start, name_end))
                    # (not a key made for clients: `InstrumentationKey=` in Application Insights' block,
                    # nor one its name says is public: Sentry Relay's `credentials:` hold its `public_key`)
                    and not _made_for_clients(parts := name_parts(name.decode("ascii", "replace")))
                    and rules.EXCLUDED_ANY.isdisjoint(parts)
                ):
                    # `active_record_encryption:` above `primary_key:`: a key that indexes data elsewhere
                    # is an encryption key in a block named so.
                    self._assignment(name, name_start, name_end, qualified, generated=True)
                elif (
                    kind is not None
                    and data[name_start - 1 : name_start] == b"$"
                    and _rx[_PHP_ASSIGNMENT].match(data, name_end)
                ):
                    # PHP, Perl, PowerShell: `$apiKey = '…'`
                    self._assignment(name, name_start, name_end, kind)
                elif (
                    kind is None
                    and (b"rimary" in name or b"RIMARY" in name)
                    and _primary_key(data, name, name_end)
                ):
                    # Azure's `primaryKey` beside its `secondaryKey` (IoT Hub, Event Hubs, Service Bus,
                    # Maps; `--primary-key …`): a key, where a primary key elsewhere indexes data.
                    self._assignment(name, name_start, name_end, "api_key")
            elif how == _BY_SPACE:
                if kind is None and name.lower() in _NUMBERED_KEYS:
                    # Azure's `key1` and `key2` copied with blanks after them (a note, `az … -o table`)
                    numbered = _rx[_NUMBERED_KEY_VALUE].match(data, name_end)
                    if numbered is not None and looks_random(numbered.group("value").decode("ascii")):
                        self.add(numbered.start("value"), numbered.end("value"), "api_key")
                if (
                    kind is not None
                    and kind != "authorization"
                    and self._flagged_cell(name_start, name_end, kind)
                ):
                    continue
                if (
                    kind is None
                    and name in _LONE_NAMES
                    and self.low.find(b"lease_id ", max(0, name_start - 800), name_start) != -1
                    and _rx[_TABLE_ROW_VALUE].match(data, name_end) is not None
                ):
                    # a `key` row of a Vault table under its lease (`vault write ssh/creds/…`): the
                    # one-time password or the key the secrets engine issued
                    kind = "password"
                if kind is None and name in _LONE_NAMES and data[name_start - 1 : name_start] == b" ":
                    if _aaa_server_key(self.low, name_start):
                        kind = "password"  # a RADIUS or TACACS+ server's shared key (Cisco, Arista, Aruba)
                    else:
                        self._prose_key(name, name_start, name_end)
                if kind == "password" and data[name_start - 4 : name_start] == b"add ":
                    line_start, _ = _line_around(data, name_start)
                    if not data[_content_start(data, line_start, name_start) : name_start - 4].strip():
                        self._cloginrc(name_end)  # (at the line's start, or a JSON string's)
                        continue
                self._spaced(name_start, name_end, kind, position)
            elif how == _BY_PAIR:
                if kind is not None:
                    self._pair(name_end, kind)
            elif how == _BY_CSV:
                prompt = data.rfind(b"> ", max(0, name_start - 200), name_start)
                if prompt != -1:  # a name ending its line after Node's prompt (`> config.apiKey`)
                    self._evaluated(prompt, _rx[_BARE_REPL_PROMPT], at=True)
                self._csv_column(name_start, name_end, kind)
            elif how == _BY_PERCENT:
                escape = _rx[_ESCAPE_BEFORE].match(data, name_start - 1) if name_start else None
                if escape is not None:  # `%3Fapi_key`: the name starts after the encoded `?` or `&`
                    name = data[escape.end() : name_end]
                    kind = kinds.get(name) or _name_kind(name)
                if kind is not None and kind != "authorization":
                    self._encoded_parameter(name_end, kind)
            elif how == _BY_TABLE:
                if kind is not None and kind != "authorization":
                    if name.startswith(b"-") and self._yaml_argv(name_start, name_end, kind):
                        continue
                    self._table_cell(name_start, name_end, kind)
                elif kind is None and name in _LONE_NAMES and data[name_start - 1 : name_start] == b" ":
                    self._table_cell(name_start, name_end, None)  # `| API key | … |`: its label names it
            elif how == _BY_GETTER:
                if kind is not None and kind != "authorization":
                    self._getter(name_start, name_end, kind)
            elif how == _BY_HTML:
                if kind != "authorization" and (kind is not None or name in _LONE_NAMES):
                    self._html_label(name_start, name_end, kind)
            elif how == _BY_CALL:
                if (spec := _NAMED_AUTH_CALLS.get(name.lower())) is not None:
                    self._call(name_end, *spec)  # `SecretKeySpec("…".toByteArray(), …)`
                elif (
                    kind is not None
                    and kind != "authorization"
                    and (opening := _rx[_CALL_LIST_OPENING].match(data, name_end)) is not None
                ):
                    # `app->secrets(['…', '…'])` (Mojolicious), `set_tokens(["…"])`: a list given to
                    # a function named for secrets loses each string that looks generated
                    self._array_values(opening.end(), kind, generated=True)
                elif (
                    kind is not None
                    and kind != "authorization"
                    and name.lower().lstrip(b"_-") not in _AUTH_CALL_NAMES
                    and data[name_end : name_end + 1] == b"("
                ):
                    # `.bearer_auth("…")`, `set_access_token("…")`, `SecretStr("…")`: a function
                    # named for a credential, given a literal that looks generated.
                    self._call(name_end, 0, False)
            elif how == _BY_XML:
                if kind is not None and kind != "authorization":
                    self._xml_value(name_start, name_end, kind)
            elif how == _BY_BLOCK and kind is not None and kind != "authorization":
                self._block_value(name_start, name_end, kind)

    def _expansion_default(self, name_end: int, kind: str) -> None:
        """The default of a parameter expansion (`${DB_PASSWORD:-…}`): a literal, judged as one
        after `process.env.DB_PASSWORD || '…'` is (`${POSTGRES_PASSWORD:-postgres}` stays)."""
        default = _rx[_EXPANSION_DEFAULT].match(self.data, name_end)
        if default is not None:
            value = default.group("value").decode("utf-8", "replace")
            if _lenient(value) and not _names_a_secret(value):
                self.add(default.start("value"), default.end("value"), kind)

    def _commented_value(self, name_start: int, kind: str) -> None:
        """A secret setting whose value is now a reference (``password: ${DB_PASSWORD}``), under a
        comment that keeps the old value (``# old one, rotated in March: …``): that value, when it is
        made as passwords are (digits, and symbols or both cases)."""
        data = self.data
        line_start, _ = _line_around(data, name_start)
        if data[line_start - 1 : line_start] == b"\n":
            above = line_start - 1
        elif data[line_start - 2 : line_start] == b"\\n":
            above = line_start - 2
            while above and data[above - 1] == 0x5C:
                above -= 1  # (a line break escaped twice)
        else:
            return
        mark = data.rfind(b"#", max(0, above - 4096), above)  # (_line_around() looks no further back)
        if mark == -1 or data.find(b"\n", mark, above) != -1:
            return  # no `#` on the line above: no comment there
        begin, end = _line_around(data, above)
        comment = _rx[_COMMENTED_VALUE].fullmatch(data, _content_start(data, begin, end), end)
        if comment is None:
            return
        value = comment.group("value").decode("utf-8", "replace")
        if _lenient(value) and _rx[_DIGIT].search(value) and (_strong(value) or not value.isalnum()):
            self.add(comment.start("value"), comment.end("value"), kind)

    def _assignment(
        self,
        name: bytes,
        name_start: int,
        name_end: int,
        kind: str,
        *,
        generated: bool = False,
        strong: bool = False,
    ) -> int:
        """The value assigned to the secret name at *name_start*..*name_end*; for a name that only
        sometimes holds a secret, only a value that looks generated (*generated*), and of 16 or more
        characters with digits, upper and lower case (*strong*)."""
        data = self.data
        if (
            data[name_start - 1 : name_start] == b" "
            and self.low.find(b"/p", max(0, name_start - 12), name_start) != -1  # one `find` first
            and _rx[_BATCH_PROMPT].search(self.low, max(0, name_start - 12), name_start)
        ):
            return name_end  # `set /p DB_PASS=Enter password: `: a batch file's prompt, not a value
        if data.find(b"Ref", name_end, name_end + 300) != -1 and _reference_sibling(data, name_start):
            return name_end  # `secretKey: community` above `remoteRef:`: a key's name in a reference
        if data[name_end : name_end + 8].lstrip(b":= \t\"'\\").startswith(b"${"):
            self._commented_value(name_start, kind)  # (the old value in a comment above the reference)
            if _rx[_REFERENCE_ALONE].match(data, name_end) is not None:
                # a reference alone to the line's end: none of the forms below finds a value in it
                return name_end
        named = self.low[name_start:name_end] if kind == "api_key" else b""
        if (
            named.find(b"gpg") != -1
            or named.find(b"pgp") != -1
            or (named.startswith(b"--") and named.endswith(_KEY_ID_OPTIONS))
            or named.endswith(b".signingkey")
        ) and _rx[_FINGERPRINTS].match(data, name_end):
            # `GPG_KEY=<fingerprint>`: which public key verifies a download; duplicity's `--encrypt-key`
            # and `--sign-key`, gpg's `--default-key`, git's `user.signingkey`: which key a tool uses
            return name_end
        if (
            named.startswith(b"--")
            and named.endswith(b"access-key")
            and _rx[_ACCESS_KEY_ID_OPTION].match(data, name_end) is not None
        ):
            # `--access-key=… --secret-access-key=…` (kopia, MinIO's and other S3-compatible stores'
            # clients): the key's id, the secret is the other option's
            return name_end
        if data.find(b"->", name_end, name_end + 160) != -1 and (
            changed := _rx[_CHANGED_VALUE].match(data, name_end)
        ):
            # a change's summary (`api_key: "" -> "…"`, Terraform's `~ token = "…" -> "…"`): the new
            # value, after the arrow, is the name's too
            self._assignment(name, name_start, changed.end(), kind, generated=generated, strong=strong)
        ahead = data[name_end : name_end + 8]  # what the rarer forms below need to be there at all
        if (
            ahead.find(b"\xc2\xab") != -1
            or ahead.find(b"\xe2\x80") != -1
            or ahead.find(b"\xe3\x80") != -1
            or data.find(b"\\u", name_end, name_end + 12) != -1
        ):
            local = _rx[_LOCAL_QUOTED].match(data, name_end)  # `Mot de passe : « … »`, `„…“`, `「…」`
            if local is not None:
                value = local.group("value").decode("utf-8", "replace")
                if _lenient(value.lstrip("-")) and (kind == "password" or credential_like(value)):
                    self.add(local.start("value"), local.end("value"), kind)
                return local.end()
        # (`find` and an int, not `b":" in ahead`: `bytes in bytes` raises and clears a TypeError first)
        braced = (
            _rx[_BRACED_VALUE].match(data, name_end) if not generated and ahead.find(b"={") != -1 else None
        )
        if braced is not None and (
            data[name_start - 1 : name_start] == b";" or data.startswith(b";", braced.end())
        ):
            # ODBC: `Pwd={…}` (a `}` inside doubled), through the `;` it may hold.
            value = braced.group("value").decode("utf-8", "replace")
            if _plausible_value(value, quoted=True, code_context=False, next_char=b"}"):
                self.add(braced.start("value"), braced.end("value"), kind)
            return braced.end()
        annotated = None
        if ord(":") in ahead:
            if ahead.startswith(b":: "):
                # LDIF: `userPassword:: BASE64` (a value in base64 after a double colon)
                ldif = _rx[_LDIF_BASE64].match(data, name_end)
                if (
                    ldif is not None
                    and not is_placeholder(ldif.group("value").decode("ascii"))
                    and not encodes_placeholder(ldif.group("value"))
                ):
                    # (a one-way hash in base64, `userPassword:: e1NTSEF9…` of `{SSHA}…`, stays)
                    self.add(ldif.start("value"), ldif.end("value"), kind)
                return name_end
            annotated = _rx[_ANNOTATED_LITERAL].match(data, name_end)
        if annotated is not None:
            # `const API_TOKEN: &str = "…";`, `val apiKey: String = "…"`, `token: string = '…'`:
            # a type between the name and the literal assigned to it.
            value_start, value_end = annotated.span("value")
            value = data[value_start:value_end].decode("utf-8", "replace")
            if not _leaves_string(data, value_start, value_end, annotated.group("q")) and _plausible_value(
                value, quoted=True, code_context=False, next_char=b'"'
            ):
                self.add(value_start, value_end, kind)
            return value_end
        if ord("{") in ahead:
            opening = _rx[_OBJECT_AFTER].match(data, name_end)
            if opening is not None:
                # `"db_password": {"sensitive": true, "type": "string", "value": "…"}`
                self._member_value(opening.end() - 1, kind, plausible=True)
                return name_end
        if not generated and ord(":") in ahead:
            opening = _rx[_BLOCK_OPENING].match(data, name_end)
            if opening is not None and _rx[_LINE_BREAK].match(data, opening.end()) is not None:
                self._block_value(name_start, name_end, kind)
                return name_end
        if ord("]") in ahead and ahead.find(b"=>") != -1:
            dumped = _rx[_PHP_DUMPED].match(data, name_end)
            if dumped is not None and (
                dumped.group("quoted") is not None or data[name_start - 1 : name_start] == b"["
            ):
                # PHP's var_dump (`["password"]=>` and `string(20) "…"` below) and print_r
                # (`[password] => …` to the line's end).
                group = "quoted" if dumped.group("quoted") is not None else "bare"
                value = dumped.group(group).decode("utf-8", "replace")
                if not _rx[_DUMPED_STRUCTURE].search(value) and _plausible_value(
                    value, quoted=True, code_context=False, next_char=b"\n"
                ):
                    self.add(dumped.start(group), dumped.end(group), kind)
                return dumped.end()
        if ord("[") in ahead:
            if self._byte_array(name_end, kind, 16 if generated else 8):
                return name_end  # `KEY: [u8; 16] = [0x6b, …]`: a key written as its bytes
            opening = _rx[_ARRAY_OPENING].match(data, name_end)
            if opening is not None:
                # `"unseal_keys_b64": ["…", "…"]`, `API_TOKENS = ['…']`, `tokens: [a1…, b2…]`: each
                # string of a list under a secret name (one per line or on one line)
                self._array_values(opening.end(), kind, generated=generated)
                return name_end
        if ord(",") in ahead and self._argv_value(name, name_start, name_end, kind):
            return name_end
        if _LESS_THAN in ahead:
            tagged = _rx[_TAGGED_VALUE].match(data, name_end)
            if tagged is not None:
                # HTML or wiki markup around the value (`* Password: <code>…</code>`, Confluence) or
                # the label (`<strong>Password:</strong> …`)
                group = "value" if tagged.group("value") is not None else "bare"
                value = tagged.group(group).decode("utf-8", "replace")
                if (not generated or credential_like(value)) and _plausible_value(
                    value, quoted=True, code_context=False, next_char=b"<"
                ):
                    self.add(tagged.start(group), tagged.end(group), kind)
                return tagged.end()
        match = _rx[_AFTER_NAME].match(data, name_end)
        after = match.end() if match is not None else 0
        groups = (
            match.group("q1", "bracket", "paren", "sp1", "sep", "sp2", "q2", "opening", "bare")
            if match
            else ()
        )
        if (
            match is None
            or (after < self.size and (data[after] == 0x28 or data.startswith(b" [", after)))
            or groups[8] in _NO_VALUE
        ):
            # `signingKey = []byte("…")`, `Buffer.from("…")`, `String::from("…")`: a literal made
            # into bytes or a secret type, assigned to the name.
            wrapped = _rx[_WRAPPED_LITERAL].match(data, name_end)
            if wrapped is not None:
                value = wrapped.group("value").decode("utf-8", "replace")
                if _plausible_value(value, quoted=True, code_context=False, next_char=b'"'):
                    self.add(wrapped.start("value"), wrapped.end("value"), kind)
                return wrapped.end()
            if (match is None or groups[8] in _NO_VALUE or groups[8] in _ARRAY_MAKERS) and self._byte_array(
                name_end, kind, 16 if generated else 8
            ):
                return name_end  # `KEY = byteArrayOf(0x6b, …)`, `char[] PASSWORD = { 'x', … }`
        if match is None:
            return name_end
        q1, bracket, paren, sp1, sep, sp2, q2, opening, _ = groups
        if (
            q2 is None
            and sep == b"="
            and sp1
            and after < self.size
            and data[after] in _OPENINGS
            and data[name_start - 1 : name_start] != b";"
            and _rx[_CALLABLE].fullmatch(data, match.start("bare"), after) is not None
            and _rx[_DIGIT_BYTE].search(data, match.start("bare"), after) is None
        ):
            # `api_key = os.environ.get(…)`, `password = config["…"]`: a call or a subscript, not a
            # literal (one wrapped in a call, `Buffer.from("…")`, was taken above); nothing below
            # runs such a value on to its line's end or to a `;`.
            return name_end
        flag = name.startswith(b"-") or name.find(b"--") != -1
        previous = data[name_start - 1 : name_start]
        if (
            previous == b":"
            and sep == b">"
            and _rx[_XML_PREFIX_BEFORE].search(data, max(0, name_start - 40), name_start)
        ):
            previous = b"<"  # an element in a namespace (`<con:password>` of a SoapUI project)
        if sep in _FALLBACKS:
            # `process.env.JWT_SECRET || '…'`, `ENV["TOKEN"] ?? "…"`, `os.environ.get("KEY") or "…"`:
            # a literal used when the variable is unset.
            if q2 is None:
                return name_end
            value_start, value_end = match.span("quoted")
            if _leaves_string(data, value_start, value_end, q2):
                return name_end
            value = data[value_start:value_end].decode("utf-8", "replace")
            if _lenient(value) and not _names_a_secret(value):
                self.add(value_start, value_end, kind)
            return value_end
        if paren is not None or (q2 is None and sep in _QUOTED_ONLY):
            return name_end  # (R's `api_key <- getKey()`, Haskell's `apiKey <- getEnv …`: no literal)
        if sep is None:
            if not (flag and sp1 and q1 is None):
                return name_end
        elif (
            sep == b">"
            and sp1
            and sp2
            and q2 is None
            and _rx[_ENTER_PROMPT].search(self.low, max(0, name_start - 80), name_start) is not None
        ):
            pass  # an interactive prompt answered (`Enter personal access token > …`, the Azure agent's)
        elif sep == b">" and (previous != b"<" or q2 is not None):
            if (
                q1 is not None
                and q2 is None
                and _rx[_NAMED_ELEMENT_BEFORE].search(data, max(0, name_start - 300), name_start) is not None
            ):
                # `<string name="google_api_key">…</string>`, `<entry key="db.password">…</entry>`
                self._xml_value(name_start, name_end, kind)
            return name_end
        elif sep == b"," and (
            q2 is None
            or (q1 is not None and not self._call_before(name_start))
            or (q1 is None and not _rx[_CONSTANT_ARGUMENT].search(data, max(0, name_start - 120), name_end))
        ):
            # Only `define('DB_PASSWORD', '…')`, `getenv("TOKEN", "…")`: a call's first argument; or a
            # name/value pair in JSON (`{"key": "apiKey", "value": "…"}`).
            if q1 is not None:
                self._pair(name_end, kind)
            return name_end
        elif bracket and (q1 is None or sep not in (b"=", b":=")):
            return name_end  # only `os.environ["TOKEN"] = "…"`
        quoted = q2 is not None
        value_start, value_end = match.span("quoted" if quoted else "bare")
        if opening is not None and not _rx[_PARENTHESISED_END].match(data, value_end + len(q2 or b"")):
            return name_end  # `auth=("admin", "…")`: a tuple, not a literal in parentheses
        if q2 == b"'" and data[value_start - 2 : value_start - 1] == b"$":
            ansi = _rx[_ANSI_C_BODY].match(data, value_start)  # bash's `$'…'`, where `\'` ends nothing
            if ansi is not None:
                value_end = ansi.end()
        if not quoted and value_end < self.size and data[value_end] in _TAIL_STARTS:
            # a value holding an XML entity (`Password=a&lt;b;` in an attribute) or a quote escaped
            # in the string around it (C's `"… password=a\'b"`): it runs on
            tail = _rx[_BARE_TAIL].match(data, value_end)
            if tail is not None:
                value_end = tail.end()
        elif (
            q2 is not None
            and q2[-1] == 0x22
            and data[value_end - 1] == 0x5C
            and data[value_start:value_end].strip(b"\\")  # not a string holding a quoted string
        ):
            # `"…\"…"` (Java, C#, Go, JSON): a quote escaped inside the literal ends nothing
            value_end = _literal_end(data, value_end, q2)
        if quoted and 0 < value_end - value_start <= 7 and not data[value_start:value_end].strip(b"\\"):
            # A string holding a quoted string (Gradle's `buildConfigField(…, "\"…\"")`).
            inner = _rx[_QUOTED_LITERAL].match(data, value_start - len(q2))
            if inner is not None:
                value_start, value_end = inner.span("value")
        if quoted and sep == b":" and q1 is None and data.startswith(b"}", value_start):
            # rich text (Slack's blocks, Jira's ADF): the label's element ends after the colon, the
            # value is the next element's text
            self._next_element(value_start - len(q2), kind)
            return name_end
        if quoted and _leaves_string(data, value_start, value_end, q2):
            return name_end  # the "closing" quote is in another string: no literal here
        if (
            q2 == b'"'
            and _rx[_JSON_STRING_END].match(data, value_start - 1)
            and self._in_json_string(name_start)
        ):
            return name_end  # `set DB_PASS=` ending an agent log's JSON string: its quote, no value
        if sep == b":" and not quoted and not sp2 and q1 is None:
            # `group:artifact:jar:version`, `arn:…:secret:prod/db`: no blank, no value; but a Go
            # struct printed with %+v (`{Host:db User:app Password:… DB:orders}`) has none either.
            # Zendesk's API login, `agent@example.com/token:…`: a user and an API token as one
            agent = name == b"token" and _rx[_AGENT_BEFORE].search(data, max(0, name_start - 256), name_start)
            if not agent and previous in (b".", b"/") and data[value_start : value_start + 1].isdigit():
                # grep's output of a credential file (`/etc/cassandra/jmxremote.password:1:monitorRole
                # …`, `~/.vnc/passwd:1:…`): the line's last word, after a user name or alone
                grepped = _rx[_GREPPED_LINE].match(data, value_start)
                if grepped is not None:
                    value = grepped.group("value").decode("utf-8", "replace")
                    if _lenient(value) and not _names_a_secret(value):
                        self.add(grepped.start("value"), grepped.end("value"), kind)
                return name_end
            field = _rx[_GO_FIELD_VALUE].match(data, value_start)
            if field is not None and _rx[_GO_FIELDS_BEFORE].search(
                data, max(0, name_start - 400), name_start
            ):
                value_end = field.end("value")
            elif _rx[_FRAME_HEADER].match(data, value_end) is not None and self._in_frame(name_start):
                pass  # a STOMP frame's headers (`login:ops`, `passcode:…`), one per line, no blank
            elif agent:
                pass
            elif not (
                # HTTPie's request items: a header named so (`X-API-Key:…`, `Private-Token:…`) and a
                # generated value, without a blank
                _rx[_HEADER_NAME].fullmatch(name) is not None
                and data[name_start - 1 : name_start] in _BLANKS_OR_QUOTE
                and _strong(data[value_start:value_end].decode("utf-8", "replace"))
                and value_end - value_start >= 16
            ):
                return name_end
        if sep == b">" and not quoted and data[value_end : value_end + 1] == b"&":
            text = _rx[_XML_TEXT].match(data, value_start)  # entities in the text (`&amp;`, `&lt;`)
            if text is not None:
                value_end = text.end()
        if sep == b">" and not sp2 and not data.startswith(b"</", value_end):
            return name_end  # XML: a value runs to its closing tag
        if not quoted and sep == b"=" and data.startswith(b"0x", value_start):
            # gdb prints a `char *` member as its address and then the string (`password =
            # 0x5555555592e0 "…"`): the string is the value.
            pointed = _rx[_POINTED_STRING].match(data, value_end)
            if pointed is not None:
                quoted, q2 = True, pointed.group("q")
                value_start, value_end = pointed.span("value")
        code_context = bool(sep == b"=" and sp1) or previous in (b"(", b",", b".")
        yaml = not quoted and sep == b":" and self._at_line_start(name_start)
        if not quoted and q1 is not None and q1.endswith(b"`"):
            # Markdown: "- `token`: what it is". Only a credential-looking word counts there.
            bare = data[value_start:value_end].decode("utf-8", "replace")
            if not _strong(bare):
                return value_end
        elif not quoted and not yaml and data[value_end : value_end + 1] == b" ":
            word = data[value_start:value_end]
            if word.isalpha() and word.islower():
                # Prose ("auth: failed for user") unless it is a YAML line ("password: correct horse …").
                return value_end
            if word.endswith(b":") and word[:-1].isalpha():
                return value_end  # a log's level after its facility (`dovecot: auth: Debug: …`)
            if word == b"Sentry" and _rx[_PUBLIC_KEY].match(
                _rest_of_line(data, value_start).decode("latin-1")
            ):
                return value_end  # `X-Sentry-Auth: Sentry sentry_key=…`: Sentry's public key
        if (
            not quoted
            and sep == b"="
            and data[value_end : value_end + 1] in _VALUE_STOPS
            and data[value_end : value_end + 1] != b";"
            and data[name_start - 1 : name_start] == b";"
        ):
            # `…;User ID=app;Password=U&Bp)q;Encrypt=True` in a connection string: a value runs to
            # the next `;`, through the punctuation that ends a bare value elsewhere
            rest = _rx[_CONNECTION_VALUE_REST].match(data, value_end)
            if rest is not None:
                value_end = rest.end()
        elif (
            not quoted
            and sep == b"="
            and data[value_end : value_end + 1] in _VALUE_STOPS
            # after blanks (`secret_key = …`), not a statement's end, a tuple or a call
            and (
                not sp1
                or (
                    sp2
                    and data[value_end] not in _CODE_STOPS
                    and (
                        data[value_end] not in _OPENINGS
                        or _rx[_CALLABLE].fullmatch(data, value_start, value_end) is None
                        or _rx[_DIGIT_BYTE].search(data, value_start, value_end) is not None  # judged below
                    )
                )
            )
            and self._at_line_start(name_start)
        ):
            # `password=Xy;fb>D#&$Wq` (or `secret_key = …`) in an INI or .env file, or my.cnf: a value
            # alone on its line runs to the line's end, through the punctuation that ends a bare value
            # elsewhere; not a call or a subscript (`secret_key=Fernet.generate_key()`).
            rest = _rest_of_line(data, value_start)
            call = (
                data[value_end : value_end + 1] in (b"(", b"[")
                and _rx[_CALLABLE].fullmatch(data, value_start, value_end) is not None
                and rest.rstrip(b"; \t\r").endswith((b")", b"]"))
            )
            if not call and not any(byte in _BLANK_OR_QUOTE for byte in rest):
                value_end = value_start + len(rest)
        elif (
            not quoted
            and sep == b":"
            and sp2
            and data[value_end : value_end + 1] in _VALUE_STOPS
            and data[value_end + 1 : value_end + 2] not in _AFTER_VALUE_STOP  # a stop inside the value
            and data[value_end : value_end + 1] not in (b"(", b"[")
        ):
            # `Temporary password: +L&T?iL4…`, `**Kennwort:** a&b*9`: a label, then a value alone to
            # the line's end runs through the punctuation that ends a bare value elsewhere
            rest = _rx[_UNBROKEN_TO_LINE_END].match(data, value_end)
            if rest is not None and data[rest.end() - 1] not in _CODE_ENDS:
                value_end = rest.end()  # (not `secretKey: process.env.X,`, `apiKey: string;`)
        if yaml:
            # YAML: a bare value runs to the end of the line (minus a trailing comment).
            rest = _rest_of_line(data, value_start)
            comment = rest.find(b" #")
            rest = rest[:comment] if comment != -1 else rest
            first = data[value_start:value_end].decode("utf-8", "replace")
            equals = rest.find(b" = ")
            if equals != -1:
                # `api_key: str | None = None`, `TOKEN: Final = re.compile(...)`: a Python annotation.
                # The annotation is never the secret; only a string literal assigned to the name is.
                literal = _rx[_QUOTED_RHS].match(data, value_start + equals + 3)
                if literal is None:
                    return value_end
                value_start, value_end = literal.span("value")
                quoted = True
            elif _code_call(data, value_start, value_end):
                # Ruby, Elixir, JavaScript: `secret_key_base: System.fetch_env!("SECRET_KEY_BASE")`,
                # `credentials: Aws::Credentials.new(`: a call to look the secret up, not YAML.
                return value_end
            elif first.lower() not in rules.PLACEHOLDER_WORDS and not rest.rstrip().endswith(b","):
                value_end = value_start + len(rest.rstrip())
                if kind != "password" and _rx[_SENTENCE].fullmatch(data, value_start, value_end):
                    # a sentence (`auth: stop logging the Authorization header`, a commit's subject
                    # after its scope), not a passphrase: an article or a preposition among its words
                    return value_end
        value = data[value_start:value_end].decode("utf-8", "replace")
        if (
            not quoted
            and data.startswith(b" (", value_end)
            and _rx[_NAMED_BY_ID].match(self.low, value_end) is not None
            and _wordy(value)
        ):
            return value_end  # `API token: restic-writer (id 4fa2…)`: the token's name, then its id
        if flag and (
            value.startswith("-")
            or (not quoted and _wordy(value) and _rx[_DIGIT].search(value) is None and not _passphrase(value))
        ):
            return name_end  # another option, or a command's next word (`--no-auth-warning ping`)
        tag = _rx[_YAML_TAG].match(value) if not quoted and value.startswith("!") else None
        if tag is not None and (tag.end() == len(value) or value[tag.end()] in " \t"):
            # a YAML tag (`!Sub '{{resolve:…}}'`, `!Ref DbPassword`, `!vault |`, authentik's `!Find [model,
            # [name, …]]` and `!Env NAME`), not a password that starts with `!` (`Passcode: !c7a13M~M~`)
            return name_end
        next_char = data[value_end : value_end + 1]
        if next_char == b"\\" and not quoted and _rx[_ESCAPED_ELLIPSIS].match(data, value_end):
            return value_end  # `sk_live_\u2026Xy12`: a key shown cut short, JSON-escaped
        # (a quoted value or YAML's that starts with `-` is no option: base64url puts `-` anywhere)
        if generated and not (
            credential_like(value.lstrip("-") if quoted or yaml else value)
            or _rx[_HEX_SECRET].fullmatch(value)
        ):
            return value_end
        if strong and not (
            _rx[_BASE64_VALUE].fullmatch(value)
            # 16 or more with digits and both cases, or 24 or more letters of both cases drawn at
            # random (rclone's Backblaze `key = K…` may hold no digit)
            and ((len(value) >= 16 and _strong(value)) or (len(value) >= 24 and credential_like(value)))
        ):
            return value_end
        if not _plausible_value(value, quoted=quoted, code_context=code_context, next_char=next_char):
            return value_end
        if kind == "token" and not quoted and len(value) <= 8 and value.isalnum():
            return value_end  # `token=NLgNt73e` in GitLab Runner's log: a short form (tokens are longer)
        if kind == "secret" and "/" in value and _wordy(value) and name.lower().endswith(_SECRET_ID_NAMES):
            return value_end  # `secret_id = "orders/prod/stripe"`: a secret's name in its store (Terraform)
        if previous in _QUERY_STARTS:
            if sep == b"=" and value in _query_users(data, name_start):
                return value_end  # `?user=postgres&password=postgres`: a documented default, as a URL's user
            if name.lower() in _SIGNED_CREDENTIALS:
                # a presigned URL's signature, after its credential (also in a later piece of a URL
                # written as string literals joined across lines)
                signature = _rx[_SIGNATURE_AFTER].search(data, name_end, name_end + 8192)
                if signature is not None:
                    self.add(signature.start("value"), signature.end("value"), "url_signature")
        self.add(value_start, value_end, kind)
        if not quoted and name[-5:].lower() == b"codes":
            self._more_codes(value_end, kind)  # `recovery_codes: …, …`: each code of the list
        if quoted:
            return self._continued(value_end + len(q2), kind, q2)
        return value_end

    def _getter(self, name_start: int, name_end: int, kind: str) -> None:
        """The literal a function named for a credential returns: Kotlin's `fun apiKey() = "…"`,
        Swift's `func apiKey() -> String { "…" }`, `String getApiKey() { return "…"; }`, Elixir's
        `def api_key, do: "…"`, Erlang's `api_key() -> <<"…">>.`."""
        data = self.data
        getter = _rx[_GETTER].match(data, name_end)
        if getter is None or (
            getter.group("short") is not None
            and _rx[_DEF_BEFORE].search(data, max(0, name_start - 12), name_start) is None
        ):
            return  # (`, do:` only after `def`: Elixir's keyword list `[token, do: …]` is no function)
        value = getter.group("value").decode("utf-8", "replace")
        # (a message returned, `validatePassword(pw) { return "Password must be …"; }`, has blanks)
        if " " not in value and _plausible_value(value, quoted=True, code_context=False, next_char=b'"'):
            self.add(getter.start("value"), getter.end("value"), kind)

    def _continued(self, position: int, kind: str, quote: bytes) -> int:
        """The pieces of a secret written as string literals joined by an operator or by nothing,
        on one line or across lines (`"…" +` then `"…"`, C's and Python's adjacent literals, Lua's
        `..`, Visual Basic's `& _`), after its first piece, which ends at *position*: each goes."""
        data = self.data
        for _ in range(16):
            piece = _rx[_LITERAL_PIECE].match(data, position)
            if piece is None or piece.group("q") != quote or not (piece.group("op") or piece.group("nl")):
                break
            text = piece.group("piece").decode("utf-8", "replace")
            if " " in text or is_placeholder(text):
                break
            self.add(piece.start("piece"), piece.end("piece"), kind)
            position = piece.end()
        return position

    def _tacacs_key(self, name_start: int) -> bool:
        """Whether the lone `key` at *name_start* starts its line in a TACACS+ server's configuration
        (`key = …`, as tac_plus writes it): `tac_plus` or `tacacs` written within _TACACS_REACH bytes
        of it (the file's name, a comment)."""
        low = self.low
        if _rx[_TACACS_EQUALS].match(low, name_start + 3) is None:
            return low.startswith(b":", name_start + 3) and self._tacacs_block(name_start)
        floor, ceiling = max(0, name_start - _TACACS_REACH), name_start + _TACACS_REACH
        named = low.find(b"tac_plus", floor, ceiling) != -1 or low.find(b"tacacs", floor, ceiling) != -1
        return named and self._at_line_start(name_start)

    def _tacacs_block(self, name_start: int) -> bool:
        """Whether the YAML member `key:` at *name_start* is in a block named for TACACS+ or RADIUS
        servers (`tacacs_servers:` above `- host: …` and `key: …`, `radius:` above `key: …`)."""
        data = self.data
        line, _ = _line_around(data, name_start)
        column = name_start - line
        for _ in range(8):
            end = _previous_line_end(data, line)
            if end == -1:
                return False
            line, _ = _line_around(data, end - 1 if end else 0)
            text = self.low[_content_start(data, line, end) : end]  # (the first line of a JSON string)
            indent = len(text) - len(text.lstrip(b" \t"))
            if indent < column and not text.lstrip(b" \t").startswith(b"- "):
                return _rx[_TACACS_BLOCK].fullmatch(text) is not None
        return False

    def _declared(self, name_start: int) -> bool:
        """Whether the name at *name_start* is declared right there (`let key = "…" in` of OCaml,
        Dart's `static const _key = '…'`, Perl's `my $key = '…'`), also with its type between (Java's
        `private static final byte[] KEY = "…"`, C#'s `const string Key = "…"`)."""
        data = self.data
        before = name_start - 1 if data[name_start - 1 : name_start] in (b"$", b"*") else name_start
        word = _rx[_PREVIOUS_WORD].search(data, max(0, before - 16), before)
        if word is not None and word.group("word").lower() in _DECLARATIONS:
            return True
        return _rx[_TYPED_DECLARATION].search(data, max(0, before - 64), before) is not None

    def _flagged_cell(self, name_start: int, name_end: int, kind: str) -> bool:
        """A name/value table's row with a flag between the name and its value (`DbPassword  False
        …` under `Name  Is Secret  Value`): the value, in the header's `Value` column."""
        data = self.data
        cell = _rx[_FLAGGED_CELL].match(data, name_end)
        if cell is None:
            return False
        line_start, _ = _line_around(data, name_start)
        header = None
        for found in _rx[_VALUE_HEADER].finditer(data, max(0, line_start - 4096), line_start):
            header = found  # the nearest above
        if header is None:
            return False
        header_start, _ = _line_around(data, header.start())
        if header.start("value") - header_start != cell.start("value") - line_start:
            return False
        value = cell.group("value").decode("utf-8", "replace")
        if _lenient(value) and not _names_a_secret(value):
            self.add(cell.start("value"), cell.end("value"), kind)
        return True

    def _two_word_column(self, name_start: int, name_end: int) -> bool:
        """A column of a table aligned with blanks named by two words (``License key``, ``API
        token``, ``Secret key``) of which the second alone names nothing: judged as the two words
        joined (see _aligned_column())."""
        data = self.data
        previous = _rx[_PREVIOUS_WORD].search(data, max(0, name_start - 16), name_start)
        if previous is None:
            return False
        word_start = previous.start("word")
        if (
            word_start >= 2
            and data[word_start - 2 : word_start] != b"  "
            and data[word_start - 1] not in b"\n\t"
        ):
            return False  # not the start of a cell
        kind = _name_kind(previous.group("word") + b"_" + data[name_start:name_end])
        return (
            kind is not None and kind != "authorization" and self._aligned_column(word_start, name_end, kind)
        )

    def _aligned_column(self, name_start: int, name_end: int, kind: str) -> bool:
        """A secret-named column of a table aligned with blanks (``influx auth create`` prints ``ID
        Description  Token  User Name …``): on each row below the header, the cell under the name's
        span, if it may be a credential. False when the name's line is no such header."""
        data = self.data
        found_header = _aligned_header(data, name_start)
        if found_header is None:
            return False
        start, header = found_header
        cells = [(cell.start(), cell.end()) for cell in _rx[_ALIGNED_CELL].finditer(header)]
        column = (name_start - start, name_end - start)
        if column not in cells:
            return False
        _, line_end = _line_around(data, name_start)
        following = _following_line(data, line_end)
        found = False
        for _ in range(_LISTED_LINES):
            if following is None:
                break
            begin, next_end, text_end = following
            joined = _rx[_STRING_ROW].match(data, begin)
            if joined is not None:
                # a list of strings, a line each (a notebook's `"text/plain": ["…\n", "…\n"]`)
                begin = joined.end()
                _, next_end = _line_around(data, begin)
                text_end = next_end
            gutter = _rx[_GUTTER].match(data, begin, text_end)
            row = gutter.end() if gutter is not None else begin
            under = [
                cell
                for cell in _rx[_ALIGNED_CELL].finditer(data, row, text_end)
                if cell.start() - row < column[1] and cell.end() - row > column[0]
            ]
            if not under:
                break  # a blank line or a row too short: the table ended
            value = under[0].group().decode("utf-8", "replace")
            # (a password drawn by a person may be short; a token's or a key's cell, 16 or more)
            shortest = 8 if kind == "password" else 16
            if len(value) >= shortest and credential_like(value) and not _names_a_secret(value):
                self.add(under[0].start(), under[0].end(), kind)
                found = True
            if text_end < next_end:
                break  # the JSON string holding the table ended
            following = _following_line(data, next_end)
        return found

    def _prose_key(self, name: bytes, name_start: int, name_end: int) -> None:
        """Prose naming a key by the word before it, the value after a blank (`API key … and
        application key …`, `the license key …`): only a value of 16 or more that looks generated."""
        data = self.data
        previous = _rx[_PREVIOUS_WORD].search(data, max(0, name_start - 16), name_start)
        kind = previous is not None and _name_kind(previous.group("word") + b"_" + name)
        determined = not kind and previous is not None and _key_determiner(previous.group("word"))
        value = _rx[_PROSE_KEY_VALUE].match(data, name_end) if kind or determined else None
        if value is None and kind and data[name_end : name_end + 1] in _FULL_WIDTH_LEADS_B:
            # a CJK label ending in a full-width colon, perhaps after an aside in full-width brackets
            # (`方舟平台 API Key`, an aside, then the value), as `API Key: …` is: a UUID too (Volcengine
            # Ark's keys are UUIDs)
            labelled = _rx[_CJK_KEY_VALUE].match(data, name_end)
            if labelled is not None and _rx[_UUID].fullmatch(labelled.group("value")) is not None:
                self.add(labelled.start("value"), labelled.end("value"), kind)
                return
            value = labelled
        if value is not None:
            text = value.group("value").decode("ascii")
            if determined:
                if (len(text) >= 24 and _strong(text)) or (
                    _rx[_HEX_SECRET].fullmatch(text)
                    and _rx[_DIGIT].search(text)
                    and not text.isdigit()
                    and not is_placeholder(text)
                ):
                    # `our key …`, `The key <32 hex> was committed in …`
                    self.add(value.start("value"), value.end("value"), "api_key")
            elif _strong(text) or (_rx[_HEX_SECRET].fullmatch(text) and _rx[_DIGIT].search(text)):
                self.add(value.start("value"), value.end("value"), kind)

    def _byte_array(self, name_end: int, kind: str, minimum: int) -> bool:
        """A key or a password written as an array of its bytes or characters after its name (see
        _BYTE_ARRAY), of *minimum* elements or more, not all the same: all of them go. Whether there
        was such an array."""
        array = _rx[_BYTE_ARRAY].match(self.data, name_end)
        if array is None:
            return False
        elements = _rx[_ARRAY_ELEMENT].findall(array.group("body"))
        if len(elements) >= minimum and len(set(elements)) > 2:
            self.add(array.start("body"), array.end("body"), kind)
        return True

    def _array_values(self, position: int, kind: str, *, generated: bool) -> None:
        """The strings of a list that opens at *position*, up to its ``]`` (at most 64 of them)."""
        data = self.data
        key_bytes = _rx[_KEY_BYTES].match(data, position)
        if key_bytes is not None and key_bytes.group().count(b",") + 1 in _KEY_SIZES:
            # a key written as its bytes (Zigbee's `network_key: [1, 3, …]`, a Solana keypair)
            self.add(position, key_bytes.end(), kind)
            return
        for _ in range(64):
            item = _rx[_ARRAY_ITEM].match(data, position)
            if item is None:
                return
            position = item.end()
            group = "quoted" if item.group("q") is not None else "bare"
            self._list_item(item.start(group), item.end(group), kind, quoted=group == "quoted")

    def _list_item(self, start: int, end: int, kind: str, *, quoted: bool) -> None:
        """An item of a list under a secret name, if it may be one of the secrets: only what looks
        generated (never `["error", {…}]`, a linter's options, nor Django's `PASSWORD_HASHERS =
        ["django.contrib.auth.hashers.…"]`), or a quoted password with a digit."""
        item = self.data[start:end]
        value = item.decode("utf-8", "replace")
        if (
            _rx[_DOTTED_CALL].fullmatch(item) is None  # a module path, an attribute
            and _plausible_value(value, quoted=True, code_context=True, next_char=b'"')
        ) and (
            credential_like(value)
            or _rx[_HEX_SECRET].fullmatch(value)
            or (kind == "password" and quoted and _rx[_DIGIT].search(value) is not None)
        ):
            self.add(start, end, kind)

    def _csv_column(self, name_start: int, name_end: int, kind: str | None) -> None:
        """The values in a CSV file's column whose header is secret-named (``service,owner,key``):
        a password column's values, or another's that look generated, row by row."""
        data = self.data
        if (
            data[name_end : name_end + 1] != b","
            and data.rfind(b",", max(0, name_start - 256), name_start) == -1
        ):
            if kind is not None and kind != "authorization" and data[name_start - 2 : name_start] == b"  ":
                # the last column of a table aligned with blanks (a pandas DataFrame printed)
                self._aligned_column(name_start, name_end, kind)
            return  # no column before or after the name
        line_start, line_end = _line_around(data, name_start)
        start = _content_start(data, line_start, name_start)
        header = data[start:line_end]
        if _rx[_CSV_HEADER].fullmatch(header) is None:
            return
        columns = [column.strip() for column in header.split(b",")]
        index = data.count(b",", start, name_start)
        if columns[index] != data[name_start:name_end]:
            return  # the keyword is inside a column's name with other characters
        if kind is None:
            kind = "api_key" if columns[index].lower() == b"key" else _generated_name_kind(columns[index])
        if kind is None or kind == "authorization":
            return
        for _ in range(1000):
            following = _following_line(data, line_end)
            if following is None:
                return
            begin, line_end, end = following
            fields = data[begin:end].rstrip(b"\r").split(b",")
            if len(fields) != len(columns):
                cells = _csv_cells(data, begin, line_end)  # quoted cells (`"Prod DB","…"`)
                if len(cells) != len(columns):
                    return  # the table ended
                end = line_end
                at, cell_end = cells[index]
                field = data[at:cell_end]
            else:
                at = begin + sum(len(field) + 1 for field in fields[:index])
                field = fields[index]
            value = field.strip(b' \t"\\').decode("utf-8", "replace")
            if (credential_like(value) or (kind == "password" and _lenient(value))) and not _names_a_secret(
                value
            ):
                inner = data.find(value.encode("utf-8"), at, at + len(field))
                self.add(inner, inner + len(value.encode("utf-8")), kind)
            if end < line_end:  # the JSON string holding the table ended
                return

    def _encoded_parameter(self, name_end: int, kind: str) -> None:
        """A secret-named parameter of a URL that is itself a parameter's value, percent-encoded once
        or twice (``?next=%2Fexport%3Faccess_token%3D…%26format%3Dcsv``): its value, to the next
        encoded ``&``."""
        match = _rx[_ENCODED_VALUE].match(self.data, name_end)
        if match is None:
            return
        encoded = match.group("value").decode("ascii")
        value = urllib.parse.unquote(urllib.parse.unquote(encoded))
        if credential_like(value) and not _names_a_secret(value):
            self.add(match.start("value"), match.end("value"), kind)

    def _in_frame(self, name_start: int) -> bool:
        """Whether the name at *name_start* starts a line of a frame's headers, written ``name:value``
        without a blank (STOMP), with another such header on the line before it."""
        data = self.data
        line_start, _ = _line_around(data, name_start)
        line_start = _content_start(data, line_start, name_start)
        if line_start != name_start:
            return False
        end = _previous_line_end(data, line_start)
        if end == -1:
            return False
        start, _ = _line_around(data, end)
        return _rx[_FRAME_LINE].fullmatch(data, _content_start(data, start, end), end) is not None

    def _block_scalar(self, line_end: int, column: int, kind: str) -> None:
        """A YAML block scalar (``password: >`` or ``|``, then the value on the lines below, more
        indented than the name at *column*): every line of it, if the whole may be a credential."""
        data = self.data
        spans = []
        for _ in range(64):
            following = _following_line(data, line_end)
            if following is None:
                break
            begin, line_end, end = following
            gutter = _rx[_GUTTER].match(data, begin, end)
            at = gutter.end() if gutter else begin
            line = data[at:end].rstrip(b" \t\r")
            stripped = line.lstrip(b" \t")
            if not stripped:
                break
            if len(line) - len(stripped) <= column:
                break
            spans.append((at + len(line) - len(stripped), at + len(line)))
            if end < line_end:  # the JSON string holding the block ended
                break
        if not spans or len(spans) > 8:
            return  # a script or a document, not a credential
        value = "".join(data[a:b].decode("utf-8", "replace") for a, b in spans)
        if _lenient(value) and not _names_a_secret(value) and " " not in value:
            for a, b in spans:
                self.add(a, b, kind)

    def _table_cell(self, name_start: int, name_end: int, kind: str | None) -> None:
        """A secret name in a table's cell: the cell beside it on its row when the row is a name
        and a value (psql's ``\\x`` display, ``doppler secrets``, a tab-separated env dump); else,
        when its row is a header (psql, mysql, a box drawing, TSV, quoted CSV), the values in its
        column on the rows below, up to the table's end. A cell may be a label of words ending in
        the name (``| Admin password | … |``, ``| API key | … |``), judged as the words joined; a
        lone ``key`` (*kind* None) only so."""
        data = self.data
        if kind is not None and self._commented_header(name_start, name_end, kind):
            return
        delimiter = _table_delimiter(data, name_start, name_end)
        if delimiter is None:
            return
        line_start, line_end = _line_around(data, name_start)
        start = _table_start(data, line_start, name_start)
        cells = _table_cells(data, start, line_end, delimiter)
        index = next((i for i, (a, b) in enumerate(cells) if a <= name_start and name_end <= b), -1)
        if index == -1:
            return
        cell_start, cell_end = _cell(data, cells[index])
        if cell_end != name_end:
            return  # the keyword is inside a cell with other words
        if cell_start != name_start:
            if _rx[_LABEL_WORDS].fullmatch(data, cell_start, name_start) is None:
                return
            kind = _name_kind(b"_".join(data[cell_start:name_end].split()))
        if kind is None or kind == "authorization":
            return
        filled = [i for i, cell in enumerate(cells) if _cell(data, cell)[1] > _cell(data, cell)[0]]
        if filled[:1] == [index] and (
            len(filled) == 2 or (len(filled) > 2 and delimiter is not _QUOTED_COMMA)
        ):
            # (a row of more cells, `| NAME | value | notes |`, gives only a value that looks generated)
            value_start, value_end = _cell(data, cells[filled[1]])
            if not _harmless_table_column(data, start, delimiter, filled[1]):
                self._table_value(value_start, value_end, kind, strict=len(filled) > 2)
        following = _following_line(data, line_end)
        if not all(_rx[_TABLE_NAME].fullmatch(data, *_cell(data, cells[i])) for i in filled):
            return  # not a header
        for _ in range(1000):
            if following is None:
                return
            begin, line_end, end = following
            if delimiter is _QUOTED_COMMA:
                end = line_end  # its cells' quotes and commas are no JSON string's end
            if _rx[_TABLE_RULE].fullmatch(data, begin, end) is None:
                row = _table_cells(data, _table_start(data, begin, begin), end, delimiter)
                if len(row) != len(cells):
                    return  # the table ended
                self._table_value(*_cell(data, row[index]), kind)
            if end < line_end:  # the JSON string holding the table ended
                return
            following = _following_line(data, line_end)

    def _commented_header(self, name_start: int, name_end: int, kind: str) -> bool:
        """A secret name in a credential file's header comment (`# client  server  secret  IP
        addresses` of pppd's chap-secrets): the cell in its column on each row below, counted by the
        names before it, up to a blank line (comment lines between rows are skipped)."""
        data = self.data
        if data.find(b"#", max(0, name_start - 300), name_start) == -1:
            return False  # (a cheap test first: tab-separated names are frequent in logs)
        if _rx[_HEADER_NAME_END].match(data, name_end) is None:
            return False
        line_start, line_end = _line_around(data, name_start)
        head = _rx[_COMMENTED_HEADER].match(data, _content_start(data, line_start, name_start), name_start)
        if head is None:
            return False
        index = len(_row_cells(data, head.start("names"), head.end("names"), 9))
        following = _following_line(data, line_end)
        for _ in range(200):
            if following is None:
                break
            begin, line_end, end = following
            if _rx[_ROW_CELL].match(data, begin, end) is None:
                break  # a blank line ends the rows
            if data[begin:end].lstrip(b" \t")[:1] != b"#":
                cells = _row_cells(data, begin, end, index + 1)
                if len(cells) > index:
                    group = "quoted" if cells[index].group("q") is not None else "bare"
                    self._table_value(cells[index].start(group), cells[index].end(group), kind)
            if end < line_end:
                break  # the JSON string holding the file ended
            following = _following_line(data, line_end)
        return True

    def _table_value(self, start: int, end: int, kind: str, *, strict: bool = False) -> None:
        """A table's cell under or beside a secret name, if it may be a credential (*strict*: if it
        looks generated, or is a password with a digit)."""
        value = self.data[start:end].decode("utf-8", "replace")
        plausible = (
            credential_like(value)
            or (
                kind == "password"
                and _lenient(value)
                and (not strict or _rx[_DIGIT].search(value) is not None)
            )
            or (strict and _rx[_HEX_SECRET].fullmatch(value) is not None)
        )
        if plausible and not _names_a_secret(value):
            self.add(start, end, kind)

    def _next_element(self, position: int, kind: str) -> None:
        """Rich text whose label and value are elements of one block (Slack's `rich_text`, Jira's
        ADF: `{"text": "Password: "}, {"text": "…", "marks": [{"type": "code"}]}`): the text of the
        element after the one ending at *position*, if it is a credential."""
        found = _rx[_NEXT_ELEMENT].match(self.data, position)
        if found is not None and _handed_value(
            found.group("value").decode("utf-8", "replace"), password=kind == "password"
        ):
            self.add(found.start("value"), found.end("value"), kind)

    def _html_label(self, name_start: int, name_end: int, kind: str | None) -> None:
        """A label in HTML (a wiki's or Confluence's page): the value in the next cell of its table's
        row (``<th>Password</th><td>…</td>``, ``<td><p>Admin password</p></td><td><p><code>…``) or
        after its closing tag (``<b>Password</b>: …``). A label of several words is judged as the
        words joined (a lone ``key``, *kind* None, only so)."""
        data = self.data
        opening = data.rfind(b">", max(0, name_start - 80), name_start)
        if opening == -1:
            return
        if opening + 1 < name_start:
            if _rx[_LABEL_WORDS].fullmatch(data, opening + 1, name_start) is None:
                return  # not the cell's or the element's label alone
            kind = _name_kind(b"_".join(data[opening + 1 : name_end].split()))
        if kind is None or kind == "authorization":
            return
        found = _rx[_HTML_VALUE].match(data, name_end)
        if found is not None:
            self._table_value(found.start("value"), found.end("value"), kind)

    def _xml_value(self, name_start: int, name_end: int, kind: str) -> None:
        """The text of an XML element that a secret name names: its own name, with attributes
        (``<Pass encoding="base64">…</Pass>``); a plist key before its ``<string>``; or the value of
        its ``name``/``key`` attribute (``<string name="api_key">…</string>``)."""
        data = self.data
        if data.startswith(b"</key>", name_end):
            if data[name_start - 5 : name_start] != b"<key>":
                return
            match = _rx[_PLIST_VALUE].match(data, name_end)
        elif data[name_start - 1 : name_start] == b"<":
            match = _rx[_XML_ATTRIBUTES].match(data, name_end)
        else:
            after = name_end
            while data[after : after + 1] in (b"\\", b'"', b"'") and after < name_end + 4:
                after += 1  # the attribute's closing quote
            match = _rx[_XML_ATTRIBUTES].match(data, after)
        if match is None:
            return
        value = match.group("value").decode("utf-8", "replace")
        if _plausible_value(value, quoted=True, code_context=False, next_char=b"<"):
            self.add(match.start("value"), match.end("value"), kind)

    def _block_value(self, name_start: int, name_end: int, kind: str) -> None:
        """The value of a secret name that opens a YAML block (``password:`` and nothing after it):
        a lone word on the first line below it (``salt '*' pillar.items`` prints nested values so),
        or its ``default:``/``value:`` member (a CloudFormation parameter's ``Default``)."""
        data = self.data
        line_start, line_end = _line_around(data, name_start)
        opening = _rx[_BLOCK_OPENING].fullmatch(data, name_end, line_end)
        if opening is None:
            return
        start = _content_start(data, line_start, name_start)
        gutter = _rx[_GUTTER].match(data, start, name_start)
        base = gutter.end() if gutter else start
        column = name_start - base
        if data[base:name_start].strip(b" \t-"):
            # the name does not start its line: prose (`Here is the new app password:` and the
            # value below, see _announcement()), or code
            if _announcing(self.low, name_start):
                self._announced(name_start)
            return
        if opening.group("scalar") is not None:
            self._block_scalar(line_end, column, kind)
            return
        child = -1
        for _ in range(16):
            following = _following_line(data, line_end)
            if following is None:
                return
            begin, line_end, end = following
            line = data[begin:end]
            gutter = _rx[_GUTTER].match(line)
            if gutter is not None:
                line = line[gutter.end() :]
            stripped = line.strip(b" \t\r")
            if not stripped:
                if end < line_end:  # the JSON string holding the block ended
                    return
                continue
            indent = len(line) - len(line.lstrip(b" \t"))
            if indent <= column or (child != -1 and indent < child):
                return
            if child == -1:
                child = indent
                if stripped.startswith(b"- "):
                    self._block_list(begin, end, line_end, child, kind)
                    return
                if _rx[_BLOCK_SCALAR].fullmatch(stripped) is not None:
                    value = stripped.decode("utf-8", "replace")
                    if _lenient(value) and not _names_a_secret(value):
                        at = data.find(stripped, begin, end)
                        self.add(at, at + len(stripped), kind)
                    return
            if indent == child:
                member = _rx[_BLOCK_MEMBER].fullmatch(stripped)
                if member is not None:
                    group = "quoted" if member.group("quoted") is not None else "bare"
                    value = member.group(group).decode("utf-8", "replace")
                    if _plausible_value(value, quoted=group == "quoted", code_context=False, next_char=b"\n"):
                        at = data.find(stripped, begin, end) + member.start(group)
                        self.add(at, at + len(member.group(group)), kind)
                    return
            if end < line_end:  # the JSON string holding the block ended
                return

    def _community_list(self, name_end: int) -> None:
        """The items of a YAML list of SNMP communities (`snmp_communities:` alone on its line, and
        `- name: …`, `- community: …` or `- …` below it): each the password of SNMP v1 and v2c. An
        item's other members (`access: ro`) are skipped; the list ends at a line less indented. The
        name or the block holding it says SNMP (`snmp:` above `communities:`): BGP's communities
        (`65000:100`, MetalLB's aliases) are no secrets."""
        data = self.data
        line_start, line_end = _line_around(data, name_end)
        if data[name_end:line_end].strip(b' \t\r\\"'):
            return  # a value on the line (`snmp_communities: []`), not a list below
        name_start = name_end - len(b"communities:")
        if self.low.rfind(b"snmp", max(line_start, name_start - 16), name_start) == -1:
            parent = _parent_name(data, name_start, name_end - 1)
            if parent is None or parent.lower().find(b"snmp") == -1:
                return
        indent = -1
        for _ in range(64):
            following = _following_line(data, line_end)
            if following is None:
                return
            begin, line_end, end = following
            line = data[begin:end]
            if not line.strip(b" \t\r"):
                if end < line_end:
                    return  # the JSON string holding the list ended
                continue
            column = len(line) - len(line.lstrip(b" \t"))
            if indent == -1:
                indent = column
            if column < indent:
                return
            if column == indent:
                item = _rx[_COMMUNITY_ITEM].fullmatch(data, begin, end)
                if item is None:
                    return
                value = item.group("value").decode("utf-8", "replace")
                if not is_placeholder(value) and value.lower() not in _NOT_DEVICE_VALUES:
                    self.add(item.start("value"), item.end("value"), "password")
            if end < line_end:
                return

    def _block_list(self, begin: int, end: int, line_end: int, indent: int, kind: str) -> None:
        """The items of a YAML list that a secret name opens (`credentials:` and `- …` below it, one
        per line, from the line at *begin* on), each judged as a list's string is (_list_item)."""
        data = self.data
        for _ in range(64):
            item = _rx[_BLOCK_LIST_ITEM].fullmatch(data, begin, end)
            if item is None or item.end("indent") - item.start("indent") != indent:
                return
            group = "quoted" if item.group("quoted") is not None else "bare"
            self._list_item(item.start(group), item.end(group), kind, quoted=group == "quoted")
            following = None if end < line_end else _following_line(data, line_end)
            if following is None:
                return  # the text, or the JSON string holding the list, ended
            begin, line_end, end = following

    def _spaced(self, name_start: int, name_end: int, kind: str | None, keyword: int) -> None:
        """A name and its value separated by blanks only (``requirepass VALUE``, ``password VALUE``
        in .netrc, ``AUTH VALUE``, ``ENV API_KEY VALUE``), or prose announcing a credential."""
        data = self.data
        if data[name_start - 1 : name_start] == b"=":
            return  # the value of another setting (`dkim=pass header.i=@…` in Authentication-Results)
        if data[name_start - 1 : name_start] == b"/" or data[name_start - 2 : name_start] == b"/.":
            # the end of a path (`http.route=/oauth/token http.status_code=200`): an endpoint, a
            # file (`htpasswd -B /etc/nginx/.htpasswd admin2`)
            return
        if (
            self.low[name_start:name_end] in _USER_COMMANDS
            and _rx[_USER_ARGUMENT].match(data, name_end) is not None
            and _rx[_COMMAND_POSITION].match(
                data, _content_start(data, _line_around(data, name_start)[0], name_start), name_start
            )
            is not None
        ):
            return  # a command given a user's name (`sudo passwd admin2`): it prompts for the password
        floor = max(0, name_start - 32)
        if any(self.low.find(word, floor, name_start) != -1 for word in _SECRET_OBJECT_VERBS) and (
            _rx[_SECRET_OBJECT_BEFORE].search(self.low, floor, name_start) is not None
        ):
            return  # a statement about the secret as an object (`CREATE SECRET s3_lake (…)`): its name
        if self.low.endswith(b"get ", max(0, name_start - 4), name_start):
            # a subcommand's word (`bw get password "Prod DB"`): an item's name follows, no value;
            # what the command prints may still be announced (`kubectl get secret app -o jsonpath=…`)
            if _announcing(self.low, keyword):
                self._announced(keyword)
            return
        if kind is None and self.low.startswith(b"set(", name_start - 4):
            kind = _generated_name_kind(data[name_start:name_end])  # CMake's `set(TELEMETRY_KEY "…" …)`
        if (
            kind is not None
            and data[name_start - 1 : name_start] == b'"'
            and _rx[_HCL_VARIABLE_BEFORE].search(data, max(0, name_start - 16), name_start) is not None
        ):
            opening = _rx[_HCL_VARIABLE_AFTER].match(data, name_end)
            if opening is not None:
                self._hcl_default(opening.end(), kind)  # `variable "db_password" { default = "…" }`
                return
        if (
            kind is not None
            and kind != "authorization"
            and not _referenced(data, name_start)
            and not _foreign_name(data[name_start:name_end])  # prose: `Ihr Passwort zurückgesetzt`
        ):
            match = _rx[_SPACED_AT].match(data, name_end)
            if match is not None and match.group("block") is not None:
                return  # a block named so, not Terraform's variable (above)
            aside = _rx[_QUOTED_ASIDE].match(data, name_end) if match is None else None
            if aside is not None:
                # prose quoting the password in parentheses: `the password in .env ("…") contains`;
                # another secret only when generated (`signing secret used when … (\`…\`)`)
                value = aside.group("value").decode("utf-8", "replace")
                if (
                    _lenient(value) and (_rx[_DIGIT].search(value) or credential_like(value))
                    if kind == "password"
                    else len(value) >= 16 and _strong(value) and credential_like(value)
                ):
                    self.add(aside.start("value"), aside.end("value"), kind)
                    return
            if match is not None and match.group("typed") is not None:
                value = match.group("typed").decode("utf-8", "replace")
                if _plausible_value(value, quoted=True, code_context=False, next_char=b'"'):
                    self.add(match.start("typed"), match.end("typed"), kind)
                    self._continued(match.end("typed") + len(match.group("tq")), kind, match.group("tq"))
                return
            if match is None and kind != "authorization" and self._aligned_column(name_start, name_end, kind):
                return
            if match is None and kind != "authorization":
                # a listing's row, the name then blanks aligning one word alone to the line's end
                # (`pulumi config --show-secrets`, `vault read`, `consul kv`): a generated value
                # of letters alone too
                aligned = _rx[_ALIGNED_VALUE].match(data, name_end, _line_around(data, name_end)[1])
                if aligned is not None:
                    value = aligned.group("value").decode("utf-8", "replace")
                    if (
                        credential_like(value)
                        and not _names_a_secret(value)
                        and not _in_harmless_column(data, name_start, aligned.start("value"))
                    ):
                        self.add(aligned.start("value"), aligned.end("value"), kind)
                        return
            if match is not None:
                group = "quoted" if match.group("q") else "bare"
                value = match.group(group).decode("utf-8", "replace")
                end = match.end(group)
                if group == "bare" and value.endswith(")") and "(" not in value and len(value) > 5:
                    # the parenthesis of an aside that ends with the credential (`(user ops, password …)`)
                    value, end = value[:-1], end - 1
                lenient = kind in ("password", "secret") or match.group("q") is not None
                if (
                    # (32 hex digits or more are a key even where their letters happen to spell words)
                    (
                        _lenient(value)
                        if lenient
                        else credential_like(value) or _rx[_HEX_SECRET].fullmatch(value)
                    )
                    # words alone are a passphrase only after a password's name (`pass …` in chat),
                    # not after `auth` (`gcloud auth activate-service-account`)
                    and (
                        kind == "password"
                        or not _wordy(value)
                        or _rx[_DIGIT].search(value) is not None
                        # Redis MONITOR quotes the command and its arguments: `"AUTH" "…"`
                        or (match.group("q") and data[name_start - 1] == 0x22 and _passphrase(value))
                    )
                    and not _names_a_secret(value)
                    and not _in_harmless_column(data, name_start, match.start(group))
                    # a setting of its own (`iam:DeleteAccessKey user=ops` in an audit log)
                    and not (group == "bare" and _setting(value))
                    # Gradle's `storePassword System.getenv("…")`
                    and not (group == "bare" and opens_lookup(value, data, match.end(group)))
                ):
                    self.add(match.start(group), end, kind)
                    if group == "quoted":
                        self._continued(match.end(group) + len(match.group("q")), kind, match.group("q"))
                    return
        if _announcing(self.low, keyword):
            self._announced(keyword)

    def _announced(self, keyword: int) -> None:
        """A credential announced in prose after *keyword* (see _announcement())."""
        data = self.data
        floor = max(keyword - 200, _line_around(data, keyword)[0])  # (a URL on the line above is none)
        if data.find(b":", floor, keyword) != -1 and (hit := _rx[_GREP_HIT].match(data, floor, keyword)):
            floor = hit.end()  # `grep -rn`'s file and line number (`docs/runbook.md:2:`) name no key's file
        blank = max(data.rfind(b" ", floor, keyword), data.rfind(b"\t", floor, keyword))
        # a file's path (`wg pubkey < /etc/wireguard/privatekey`) names where a key is, no value; only
        # a value that looks generated said to be the file (`My config/master.key is …`) goes
        path = data.find(b"/", max(floor, blank + 1), keyword) != -1
        if self.low.endswith(
            (b"pub", b"public", b"public_", b"public-", b"public "), max(0, keyword - 7), keyword
        ):
            return  # a public key (`wg pubkey`, `Public key:`) is made to be shown
        found = self._announcements.get(keyword)
        how, position = found if found is not None else _announcement(data, keyword)
        if path and (
            how not in (_SAME_LINE, _IN_SENTENCE) or self.low.find(b" is ", keyword, position) == -1
        ):
            return
        if how == _SAME_LINE:
            match = _rx[_VALUE_WORD].match(self.data, position)
            text = match.group().decode("utf-8", "replace") if match else ""
            if match and _rx[_AMOUNT].fullmatch(match.group()) is not None:
                pass  # `usage during that window: $0.12.`
            elif _rx[_ID_LABEL].search(self.low, max(keyword, position - 16), position) is not None:
                pass  # `A new token has been issued … Incident ID: …`: the label names an identifier
            elif path:
                if match and credential_like(text):
                    self.add(match.start(), match.end(), "password")
            elif match and (
                credential_like(text)
                or (_lenient(text) and _rx[_DIGIT].search(text))
                or (self.low.startswith(_CODES, keyword) and _rx[_ONE_TIME_CODE].fullmatch(match.group()))
                or (_passphrase(text) and _password_word(self.data, keyword))
            ):
                self.add(match.start(), match.end(), "password")
                if self.low.startswith(_CODES, keyword):
                    self._more_codes(match.end(), "password")  # `Recovery codes: …, …`: each of them
            else:
                # markup around it (`is <code>…</code>`)
                span = _handed_over(self.data, keyword, position + 500)
                if span is not None:
                    self.add(*span, "password")
        elif how == _IN_PROSE:
            span = _prose_value(self.data, keyword, position)
            if span is not None:
                self.add(*span, "password")
                if self.low.startswith(_CODES, keyword):
                    self._more_codes(span[1], "password")  # `recovery codes: …, …`: each of them
        elif how == _ASKED:
            self._answer(position)
        elif how == _IN_SENTENCE:
            span = _handed_over(self.data, keyword, position)
            if span is not None:
                self.add(*span, "password")
        elif how == _NEXT_LINE:
            # keys announced together (`Your Datadog keys for the sandbox org:`) are on the next lines
            plural = _rx[_PLURAL_KEYWORD].match(self.low, keyword) is not None
            self._next_word(position, "password", lines=8 if plural else 3, plural=plural)
        elif how == _NEXT_LINE_STRICT:
            self._next_word(position, "password", lines=2, strict=True)

    def _more_codes(self, end: int, kind: str) -> None:
        """The codes of a list of one-time codes after the first, which ends at *end* (`…, …` or
        apart by blanks, on its line)."""
        listed = _rx[_NEXT_CODE].match(self.data, end)
        while listed is not None:
            if _rx[_ONE_TIME_CODE].fullmatch(listed.group("value")) is None:
                return  # a word (`Recovery codes: 4F2K-…, none left`)
            self.add(listed.start("value"), listed.end("value"), kind)
            listed = _rx[_NEXT_CODE].match(self.data, listed.end("value"))

    def _answer(self, line_end: int) -> None:
        """A chat line asking for a credential (`hast du noch den API-Schlüssel …?`), answered on one
        of the next two lines after a colon (`Diego (16:08): Klar: … - aber …`, `Sure: …`): a value
        of 16 characters or more that looks generated (or 32 hex digits or more)."""
        data = self.data
        for _ in range(2):
            start = _next_line(data, line_end)
            if start == -1:
                return
            _, line_end = _line_around(data, start)
            for found in _rx[_ANSWER].finditer(data, start, line_end):
                before = data[max(start, found.start() - 24) : found.start()].split()[-1:]
                parts = name_parts(before[0].decode("utf-8", "replace")) if before else []
                if parts and parts[-1] in rules.EXCLUDED_LAST:
                    continue  # `commit: <sha>`, `id: …`: what the word before the colon names
                if _handed_value(found.group("value").decode("utf-8", "replace"), password=False):
                    self.add(found.start("value"), found.end("value"), "secret")
                    return

    def _next_word(
        self,
        line_end: int,
        kind: str,
        *,
        lines: int = 3,
        strict: bool = False,
        every: bool = False,
        plural: bool = False,
    ) -> None:
        """The first of the next *lines* lines that is one word, if it may be a credential (*every*:
        each of those lines, as long as they are single words; *plural*: and the single words right
        after the first, if they look generated)."""
        data = self.data
        listed = False
        for _ in range(lines):
            start = _next_line(data, line_end)
            if start == -1:
                return
            _, line_end = _line_around(data, start)
            gutter = _rx[_GUTTER].match(data, start, line_end)
            if gutter is not None:
                start = gutter.end()  # a file reader's line number (`     2→`)
            elif (hit := _rx[_GREP_HIT].match(data, start, line_end)) is not None and data.find(
                hit.group("path") + b":", max(0, start - 600), start - 1
            ) != -1:
                start = hit.end()  # `grep -rn`'s file and line number, as on the line announcing it
            word = _rx[_WORD_LINE].match(data, start, line_end)
            if word is None and kind == "password":
                # an app password as Google shows it: four groups of four letters, apart by blanks
                word = _rx[_APP_PASSWORD_LINE].match(data, start, line_end)
            if word is None and data[start:line_end].lstrip(b" \t")[:1] in (b">", b"`"):
                # in a quoted reply or a note (`> `), in inline code, with an aside after it
                word = _rx[_MARKED_WORD_LINE].match(data, start, line_end)
            if word is not None:
                group = "value" if word.group("value") is not None else "quoted"
                value = word.group(group).decode("utf-8", "replace")
                if _rx[_CIPHERTEXT].match(value):
                    return  # `$ANSIBLE_VAULT;1.1;AES256` and its lines of ciphertext
                if not any(character.isalnum() for character in value):
                    return  # a table's border (`┌────┬────┐`, `+----+`): a table follows, no word
                if not every and _setting(value):
                    return  # a setting (`protocol=https` under `git credential`'s usage line)
                if value.endswith(",") and _wordy(value[:-1]):
                    return  # a list's item, a name (`password,` under Bruno's `vars:secret [`)
                plausible = (
                    credential_like(value)
                    if strict
                    else (
                        _lenient(value) or ("-" in value and len(value) < 120 and _passphrase(value.lower()))
                    )
                )
                if listed:  # after the first of keys announced together: a generated value only
                    plausible = plausible and len(value) >= 16 and looks_random(value)
                if every and not plausible:
                    # a credential file's content: a long run of letters is no word (an Erlang cookie),
                    # a list of numbers is a key's bytes (a Solana keypair: `[12,200,…]`)
                    plausible = (len(value) >= 16 and value.isalpha() and not is_placeholder(value)) or (
                        value.startswith("[")
                        and (key_bytes := _rx[_KEY_BYTES].match(word.group(group), 1)) is not None
                        and key_bytes.end() == len(value) - 1
                        and value.count(",") + 1 in _KEY_SIZES
                    )
                start, end = word.span(group)
                if every and (colon := value.find(":")) > 0 and _rx[_PUBLIC_KEY].fullmatch(value, colon + 1):
                    continue  # an htpasswd line (`user:$apr1$…`, `user:{SHA}…`): a one-way hash
                if every and (fields := _rx[_PGPASS_FIELDS].fullmatch(data, start, end)) is not None:
                    # a .pgpass line (`host:5432:db:user:…`): only its fifth field, if it is there
                    # (`cut -d: -f1-4` prints none)
                    if fields.group("value") is None:
                        continue
                    start, end = fields.span("value")
                    value = fields.group("value").decode("utf-8", "replace")
                    plausible = _lenient(value)
                if plausible and not _names_a_secret(value):
                    self.add(start, end, kind)
                    if plural:
                        listed = True
                        continue
                if every:
                    continue
                return
            if every and _rx[_SHORT_WORD_LINE].fullmatch(data, start, line_end) is not None:
                continue  # a user name before the password (OpenVPN's auth-user-pass file)
            if _rx[_CLI_NOTICE].match(data, start, line_end) is not None:
                continue  # a CLI's warning before what it prints (Heroku's `Warning: …` after its arrow)
            if _rx[_CODES_LINE].fullmatch(data, start, line_end) is not None:
                continue  # a terminal's codes alone, before what the command prints
            if data[start:line_end].strip(b" \t\r"):
                return  # prose or output: the credential is not alone on the next lines

    def _printed(self, start: int, printer: re.Pattern[bytes]) -> None:
        """A command that prints a credential: its output, one word on one of the next lines (not
        one whose output a substitution takes: `PGPASSWORD="$(cat …)" psql …`)."""
        line_start, line_end = _line_around(self.low, start)
        before = self.low[line_start:start]
        substitution = before.rfind(b"$(")
        if (substitution != -1 and before.find(b")", substitution) == -1) or before.count(b"`") % 2:
            return
        found = printer.search(self.low, line_start, line_end) if printer.pattern else None
        if printer.pattern and found is None:
            if printer.pattern.startswith(b"secret|token|passw"):
                self._decoded_echo(start, line_start)
            return
        if found is not None and printer.pattern.startswith(rb"\b[jy]q"):
            path = _rx[_FILTER_PATH].match(self.low, found.end())
            parts = name_parts(path.group().rpartition(b".")[2].decode("ascii"))
            if parts and parts[-1] in rules.EXCLUDED_LAST:
                return  # what the filter's last member holds: `.keys[0].kid`, `.token_endpoint`
        self._next_word(
            line_end, "secret", every=printer.pattern.startswith((b"cat", b"get-content", b"==>"))
        )

    def _decoded_echo(self, start: int, line_start: int) -> None:
        """``echo '…' | base64 -d``: the string echoed, if it is base64 of ``user:password`` (an
        Authorization header's credentials decoded by hand)."""
        data = self.data
        echoed = _rx[_ECHO_BASE64].search(data, max(line_start, start - 4200), start)
        if echoed is not None and _encodes_credential(echoed.group("value")):
            self.add(echoed.start("value"), echoed.end("value"), "authorization")

    def _evaluated(self, start: int, prompt: re.Pattern[bytes], *, at: bool = False) -> None:
        """An interactive shell's or a debugger's prompt evaluating a secret-named expression
        (rules.REPL_PROMPTS; *at*: the prompt is right at *start*): the string it prints on one of
        the next lines, after the shell's mark (``Out[4]:``, ``$2 =``, ``=>``); a reply that repeats
        the name (Redis's ``1) "requirepass"``) is passed over."""
        data = self.data
        line_start, line_end = _line_around(self.low, start)
        if at:
            found = prompt.match(self.low, start, line_end)
        else:
            found = prompt.search(self.low, line_start, line_end)
        if found is None:
            return
        prompt_end = line_end
        for _ in range(3):
            begin = _next_line(data, line_end)
            if begin == -1:
                return
            _, line_end = _line_around(data, begin)
            shown = _rx[_EVALUATED_VALUE].match(data, begin, line_end)
            if shown is None:
                return
            group = "quoted" if shown.group("quoted") is not None else "value"
            value = shown.group(group).decode("utf-8", "replace")
            if self.low.find(value.lower().encode(), line_start, prompt_end) != -1:
                continue  # the name again (`1) "requirepass"` before `2) "…"`)
            if _lenient(value):
                self.add(shown.start(group), shown.end(group), "secret")
            return

    def _listed(self, start: int) -> None:
        """A command that lists or creates credentials (rules.LISTS_SECRETS): the random-looking
        values in the lines of its output, a table or JSON, up to the next prompt. A value counts if
        it holds digits, upper and lower case, or if the line is named like a secret (``key1``,
        ``"value"``); never on lines naming an id or such (``token_accessor``, ``"keyName"``)."""
        data = self.data
        line_start, line_end = _line_around(data, start)
        command = _rx[_LISTING_COMMAND].match(data, _content_start(data, line_start, start), start)
        if command is None or command.group("cli").decode() not in rules.LISTING_CLIS:
            return  # prose about the command, or another command
        for _ in range(_LISTED_LINES):
            previous_end = line_end
            begin = _next_line(data, line_end)
            if begin == -1:
                return
            _, line_end = _line_around(data, begin)
            if _rx[_PROMPT].match(data, begin, line_end) is not None:
                return
            string_end = _string_end(data, begin, line_end, begin - previous_end - 1)
            if string_end != -1:
                line_end = string_end  # the output ends with its JSON string
            named = False
            name = _rx[_LINE_NAME].match(data, begin, line_end)
            if name is not None:
                parts = name_parts(name.group("name").decode("ascii", "replace"))
                if parts and parts[-1] in rules.EXCLUDED_LAST:
                    continue
                named = any(_rx[_SECRET_WORDS].search(part) or part == "value" for part in parts)
            for value in _rx[_LISTED_VALUE].finditer(data, begin, line_end):
                text = value.group().decode("ascii")
                if (named or _strong(text)) and credential_like(text) and not _names_a_secret(text):
                    self.add(value.start(), value.end(), "secret")
            if string_end != -1:
                return

    def _echo_pipe(self, start: int) -> None:
        """``echo SECRET | docker login --password-stdin`` (also piped to chpasswd or --with-token)."""
        line_start, line_end = _line_around(self.low, start)
        self._requote(start, line_end)
        match = _rx[_ECHO_PIPE].match(self.data, start, line_end)
        if (
            match is None
            and self.low.find(b"base64", start, line_end) != -1
            and (encoded := _rx[_ECHO_TO_BASE64].match(self.data, start, line_end)) is not None
        ):
            self._encoded_echo(encoded, line_end)
            return
        if match is None and (written := _rx[_ECHO_TO_FILE].match(self.data, start, line_end)) is not None:
            match = written if b" " not in written.group(written.lastgroup or "v3") else None
        if (
            match is None
            and self.data.find(b"<(", max(0, start - 3), start) != -1
            and _rx[_SECRET_FILE_OPTION_BEFORE].search(self.low, max(0, start - 80), start) is not None
        ):
            match = _rx[_ECHO_SUBSTITUTED].match(self.data, start, line_end)
        if (
            match is None
            and self.low.find(b"askpass", max(0, start - 400), start) != -1
            and _rx[_ASKPASS_BEFORE].search(self.low, max(0, start - 400), start) is not None
        ):
            match = _rx[_ECHOED].match(self.data, start, line_end)  # an askpass helper's echo
        if match is None:
            if self.data[start - 2 : start] != b"+ ":
                return  # not a `set -x` trace (`+ echo …`)
            content = _content_start(self.data, line_start, start)
            if _rx[_TRACE_BEFORE].match(self.data, content, start) is None:
                return
            following = _next_line(self.data, line_end)
            if following == -1:
                return
            _, next_end = _line_around(self.data, following)
            match = _rx[_TRACED_ECHO].match(self.data, start, next_end)
            if match is None:
                return
            line_end = next_end
        group = (
            match.lastgroup
            if match.lastgroup in ("v1", "v2", "v3", "ansi")
            else next(g for g in ("v1", "v2", "v3") if match.group(g) is not None)
        )
        value_start, value_end = match.span(group)
        value = match.group(group)
        colon = value.find(b":")
        if colon != -1 and b"chpasswd" in self.low[value_end:line_end]:
            value_start += colon + 1  # user:password
            value = value[colon + 1 :]
        text = value.decode("utf-8", "replace")
        if _lenient(text) or ("-" in text and _passphrase(text.lower())):  # (words joined by hyphens)
            self.add(value_start, value_end, "password")

    def _requote(self, start: int, end: int) -> None:
        """A quote closed and opened again between *start* and *end* (a client's command or an echo
        inside `bash -c '…'`): _scan() reads its line again (patterns._REQUOTE)."""
        position = self.data.find(_REQUOTE_END, start, end)
        if position != -1:
            self.requoted.append(position)

    def _encoded_echo(self, match: re.Match[bytes], line_end: int) -> None:
        """``echo -n '…' | base64``: the value, if it may be a credential, and its base64 in the
        next lines (the command's output)."""
        group = next(g for g in ("v1", "v2", "v3") if match.group(g) is not None)
        value = match.group(group)
        if not credential_like(value.decode("utf-8", "replace")):
            return
        self.add(*match.span(group), "password")
        if b"\\" in value:
            return  # escaped: what base64 read is not these bytes
        data = self.data
        encodings = [base64.b64encode(value + ending) for ending in (b"", b"\n")]
        for _ in range(3):
            begin = _next_line(data, line_end)
            if begin == -1:
                return
            _, line_end = _line_around(data, begin)
            for encoded in encodings:
                at = data.find(encoded, begin, line_end)
                if at != -1:
                    self.add(at, at + len(encoded), "password")
                    return

    def _named_xml_value(self, start: int) -> None:
        """A `<value>` element named by the element before it (`<name>…password</name>`) or by the
        element holding it (`<AdministratorPassword><Value>…`)."""
        data = self.data
        before = _rx[_XML_NAME_BEFORE].search(data, max(0, start - 400), start)
        if before is not None:
            named = before.group("named") or before.group("parent")
            if before.group("attributes") and (
                attribute := _rx[_XML_NAME_ATTRIBUTE].search(before.group("attributes"))
            ):
                named = attribute.group("name")  # `<setting name="ServicePassword" …><value>…`
            kind = secret_name_kind(named.decode("ascii"))
        elif self.low.rfind(b"unattend", max(0, start - _UNATTEND_REACH), start) != -1:
            # a Windows answer file's lines without their elements (`type Unattend.xml | findstr
            # "<Value>"`): its `<Value>`s are those of its password elements
            kind = "password"
        else:
            return
        if kind is None:
            return
        match = _rx[_XML_VALUE_TEXT].match(data, start)
        if match is None:
            return
        value = match.group("value").decode("utf-8", "replace")
        if _plausible_value(value, quoted=True, code_context=False, next_char=b"<"):
            self.add(match.start("value"), match.end("value"), kind)

    def _bip39_run(self, start: int) -> None:
        """A seed phrase near the word naming it at *start*, on its line (see _BIP39_RUN)."""
        data = self.data
        begin, end = _line_around(data, start)
        begin = max(begin, start - _SEED_REACH)
        line_end = end
        if (after := _next_line(data, end)) != -1 and (
            _rx[_ENDS_IN_COLON].search(data, start, end) is not None or not data[start : start + 1].isascii()
        ):
            # announced on its line, given on the next (solana-keygen; a label in another script, with
            # a full-width colon or none: `助记词`, `복구 구문`)
            line_end = _line_around(data, after)[1]
        end = min(line_end, start + _SEED_REACH + 64 * 24)  # (other scripts take more bytes a word)
        words = _bip39_words()
        for match in _rx[_BIP39_RUN].finditer(data, begin, end):
            run = match.group()
            if (
                len(split := run.split()) in (12, 15, 18, 21, 24) and all(w in words for w in split)
            ) or _bip39_phrase(run):
                self.add(match.start(), match.end(), "secret")

    def _signing_keys(self, start: int) -> None:
        """The wallets' private keys of a blockchain tool's network (`accounts: ["0x…"]`)."""
        data = self.data
        opening = _rx[_ACCOUNTS_LIST].match(data, start)
        if opening is None:
            return
        if opening.group("dash") is not None and opening.group("list") is None:
            end = _rx[_ACCOUNTS_ITEMS].match(data, opening.end()).end()  # a YAML list's `- 0x…` lines
        elif opening.group("list") is None:
            end = _line_around(data, start)[1]  # a single key: the rest of its line
        else:
            end = data.find(b"]", opening.end(), start + _ACCOUNTS_REACH)
            if end == -1:
                return
        for key in _rx[_EVM_KEY].finditer(data, opening.start(), end):
            self.add(key.start(), key.end(), "crypto_private_key")

    def _provider(self, start: int, end: int) -> None:
        """A provider's name in a listing of credentials (rules.LISTED_PROVIDERS): the value after it
        alone on its line, or before it and a dash, or in its JSON object's generic member."""
        data = self.data
        before = data[start - 1] if start else 0x0A
        if before not in _PROVIDER_BEFORE or (before == 0x6E and data[start - 2 : start - 1] != b"\\"):
            return  # inside a word or a host's name (`api.mistral.ai`)
        following = data[end : end + 1]
        if following.isalnum() and following not in b"0123456789":
            return  # a longer word (`herokuapp`)
        found = None
        named = before in (0x22, 0x27) and _rx[_PROVIDER_NAMED].search(data, max(0, start - 24), start)
        if named:
            found = _rx[_PROVIDER_MEMBER].match(data, end)  # `{"name": "deepgram", "k": "…"}`
        else:
            line_start, line_end = _line_around(data, start, 1024)
            content = _content_start(data, line_start, start)
            if _rx[_BULLET].fullmatch(data, content, start) is not None:
                found = _rx[_PROVIDER_FIRST].match(data, start, line_end)
            else:
                found = _rx[_PROVIDER_LAST].fullmatch(data, content, start)
        if found is None:
            return
        value = found.group("value").decode("ascii")
        # (in one case and digits, as Vultr's keys are: `credential_like` takes those for words)
        drawn = (
            len(value) >= 20
            and value.isalnum()
            and sum(char.isdigit() for char in value) >= 2
            and not is_placeholder(value)
        )
        if (drawn or credential_like(value)) and not _names_a_secret(value):
            self.add(found.start("value"), found.end("value"), "token")

    def _anchored(self, anchor: bytes, start: int) -> None:
        """A credential after a literal of its own (rules.ANCHORED_SECRETS): `password 7 …`, …"""
        data = self.data
        line_start, line_end = _line_around(data, start, 1024)
        for rule in _ANCHORED_SECRETS[anchor]:
            match = _anchored_pattern(rule.pattern).match(data, start, line_end)
            if match is None:
                continue
            if rule.before:
                content = _content_start(data, line_start, start)
                prior = _anchored_pattern(rule.before).match(data, content, start)
                if prior is None:
                    continue
                if "value" in prior.re.groupindex:
                    match = prior  # the credential stands before the anchor (a smbpasswd file's row)
            value = match.group("value").decode("utf-8", "replace")
            if is_placeholder(value) or value.lower() in _NOT_DEVICE_VALUES:
                continue
            if "name" in match.re.groupindex and _name_kind(match.group("name")) is None:
                continue  # (a header, a setting of no secret)
            if (
                rule.config_line
                and _rx[_CONFIG_LINE_BEFORE].match(data, _list_start(data, line_start, start), start) is None
            ):
                continue
            if rule.generated and not (len(value) >= 16 and credential_like(value)):
                continue
            if rule.lenient and not _lenient(value):
                continue
            if rule.named and not any(
                secret_name_kind(name.group("name").decode("ascii")) is not None
                for name in _rx[_QUOTED_NAME].finditer(data, line_start, start)
            ):
                continue
            self.add(match.start("value"), match.end("value"), rule.kind)  # (the next rule may find more)

    def _client(self, start: int, word_end: int, clients: tuple[_Client, ...]) -> None:
        """A command-line client (rules.CLIENT_COMMANDS): the credentials among its arguments."""
        data, low = self.data, self.low
        command_end = _curl_end(data, start, min(self.size, start + 4096))
        self._requote(start, command_end)
        for client in clients:
            if client.subcommand and not _has_subcommand(low, word_end, command_end, client.subcommand):
                continue
            for option in client.options:
                for found in _option(option).finditer(data, word_end, command_end):
                    match = _rx[_VALUE_AT].match(data, found.end(), command_end)
                    if match is None:
                        continue
                    group = (
                        "v1"
                        if match.group("v1") is not None
                        else ("v2" if match.group("v2") is not None else "v3")
                    )
                    value = match.group(group).decode("utf-8", "replace")
                    if value.startswith("-") and (
                        (group == "v3" and data[found.end() - 1 : found.end()] in _BLANKS)
                        or _rx[_OPTION_WORD].fullmatch(value) is not None
                    ):
                        continue  # another option (a glued or quoted password may start with "-")
                    if is_placeholder(value) or len(value) < 3:
                        continue
                    end = match.end(group)
                    if group == "v3" and data[found.end() - 1] == 0x2F:  # `user/password@db` (Oracle)
                        at = data.find(b"@", match.start(group), end)
                        end = end if at == -1 else at
                    self.add(match.start(group), end, client.kind)

    def _call(self, paren: int, argument: int, about_credentials: bool) -> None:
        """A string literal passed to a function that takes a credential (rules.AUTH_CALLS)."""
        data = self.data
        position = paren + 1
        literals: list[tuple[int, int] | None] = []
        joined: list[tuple[int, int] | None] = []  # literals joined to each with `+`
        keywords = 0  # keyword arguments after the positional ones (`type = "basic"`)
        for _ in range(8):
            arg = _rx[_CALL_ARG].match(data, position)
            if arg is None:
                return
            literals.append(arg.span("s") if arg.group("q") is not None else None)
            joined.append(arg.span("more") if arg.group("more") is not None else None)
            keyword = arg.group("e") is not None and _rx[_KEYWORD_ARGUMENT].match(arg.group("e")) is not None
            keywords = keywords + 1 if keyword else 0
            position = arg.end()
            if arg.group("end") == b")" or 0 <= argument < len(literals):
                break
        else:
            return
        if argument < 0 and keywords and keywords < len(literals):
            # the last positional argument: httr's `authenticate("user", "…", type = "basic")`
            del literals[-keywords:]
        if not -len(literals) <= argument < len(literals):
            return
        if (
            not about_credentials
            and argument == 2
            and literals[2] is not None
            and literals[1] is not None
            and _rx[_EZCONNECT_ARGUMENT].fullmatch(data, *literals[2]) is not None
        ):
            argument, about_credentials = 1, True  # cx_Oracle's and oracledb's connect(user, password, dsn)
        literal = literals[argument]
        if literal is None:
            return
        if (
            not about_credentials
            and argument < 0
            and len(literals) >= 2
            and literals[0] is not None
            and _rx[_USER_LITERAL].fullmatch(data, *literals[0]) is not None
        ):
            about_credentials = True  # (user, "…"): httr's `authenticate("analytics", "…", type = "basic")`
        value = data[literal[0] : literal[1]].decode("utf-8", "replace")
        if not about_credentials and argument > 0 and literals[0] is not None:
            # (dsn, user, password): a generic `connect`/`__construct` whose first argument names a
            # database (`DBI:mysql:database=crm;host=db`, `pgsql:host=…`, `Driver={…};Server=…`,
            # `jdbc:…`, `postgres://…`) takes a password where *argument* is, whatever it looks like
            about_credentials = _rx[_DATA_SOURCE].search(data, *literals[0]) is not None
        # (a quoted password after other arguments may start with `-`: it is no option there)
        judged = value[1:] if argument and value[:1] == "-" and value[1:2] != "-" else value
        if _rx[_DISTINGUISHED_NAME].fullmatch(data, *literal) is not None:
            return  # `PrincipalContext(ContextType.Domain, "corp.local", "OU=Staff,DC=corp,DC=local")`
        if (_lenient(value) if about_credentials else credential_like(judged)) and not _names_a_secret(value):
            self.add(literal[0], literal[1], "password" if about_credentials else "secret")
            more = joined[argument]
            # literals joined to it (Salesforce's password and security token as one:
            # `setPassword("…" + "…")`): each that may be a credential
            for part in _rx[_JOINED_LITERAL].finditer(data, *more) if more is not None else ():
                if credential_like(part.group("s").decode("utf-8", "replace")):
                    self.add(part.start("s"), part.end("s"), "password" if about_credentials else "secret")

    def _call_before(self, name_start: int) -> bool:
        """Whether the quoted name at *name_start* (maybe the last word of a dotted one) is a call's
        first argument (see _CALL_BEFORE, _STATEMENT_CALL_BEFORE)."""
        data = self.data
        begin = name_start
        if data[begin - 1 : begin] == b".":
            while begin and data[begin - 1] in _DOTTED_NAME_BYTES and name_start - begin < 64:
                begin -= 1  # `setProperty("mail.smtp.password", "…")`: from the dotted name's start
        if _rx[_CALL_BEFORE].search(data, max(0, begin - 80), begin) is not None:
            # (not a lookup's plugin or store, whose next argument is where the secret is kept:
            # Ansible's `lookup('amazon.aws.aws_secret', 'orders/prod/db')`, `query(…)`, `q(…)`)
            return _rx[_LOOKUP_CALL_BEFORE].search(data, max(0, begin - 12), begin) is None
        return data[max(0, begin - 6) : begin].rstrip(b"\"'\\").endswith(_BLANKS) and (
            _rx[_STATEMENT_CALL_BEFORE].search(data, max(0, begin - 80), begin) is not None
        )

    def _argv_value(self, name: bytes, name_start: int, name_end: int, kind: str) -> bool:
        """An element of an argv list (JSON, JavaScript, Python, Go, a Dockerfile's exec form, `docker
        inspect`'s `"Args"`) that is a secret-named option or word, and the element after it, its
        value: `["--token", "…"]`, `["token", "…"]`. An option's value goes if it may be a secret
        (not another option); a bare word's only if it looks generated. Whether it was such a list."""
        data = self.data
        argv = _rx[_ARGV_NEXT].match(data, name_end)
        if argv is None or _rx[_ARGV_BEFORE].search(data, max(0, name_start - 24), name_start) is None:
            return False
        value = argv.group("value").decode("utf-8", "replace")
        if value.startswith("-") or value.strip() != value or name.startswith(b"--no-"):
            return (
                True  # another option (`["--token", "--verbose"]`), words, or a switch (`--no-auth-warning`)
            )
        if name.startswith(b"-"):
            plausible = _plausible_value(value, quoted=True, code_context=False, next_char=b'"')
        else:
            plausible = len(value) >= 16 and credential_like(value) and not _names_a_secret(value)
        if plausible:
            self.add(argv.start("value"), argv.end("value"), kind)
        return True

    def _credentials_parameter(self, position: int) -> bool:
        """Whether the JSON object holding *position* is a Jenkins credentials parameter
        (``{"_class": "…CredentialsParameterValue", "name": "CREDS", "value": "nexus-deploy"}``),
        whose value is the id of the credentials, not a secret."""
        opening = self.data.rfind(b"{", max(0, position - 256), position)
        return opening != -1 and self.low.find(b"credentialsparameter", opening, position) != -1

    def _pair(self, name_end: int, kind: str) -> bool:
        """``name: DB_PASSWORD`` followed by ``value: …`` (an environment list), ``{"key": "apiKey",
        "value": "…"}`` (Postman, HAR headers) or ``key="Password" value="…"`` (XML): the value.
        Whether such a pair was found."""
        data = self.data
        value = _rx[_PAIR_VALUE].match(data, name_end, name_end + 200)
        if value is None:
            return False
        group = "quoted" if value.group("q") else "bare"
        start, end = value.span(group)
        if self._credentials_parameter(name_end):
            return True
        if kind == "authorization":
            scheme = _rx[_AUTH_SCHEME].match(data, start, end)
            if scheme is not None:
                start = scheme.end()
        text = data[start:end].decode("utf-8", "replace")
        if value.group("example") is not None:
            # an API description's example of a secret header or parameter (OpenAPI's `- in: header`,
            # `name: X-API-Key`, `example: …`): a real key pasted there looks generated
            # (an example of the API's own description, not the prose cue `Example: …` of a help text)
            if credential_like(text) and (_strong(text) or _rx[_HEX_SECRET].fullmatch(text)):
                self.spans.append((start, end, _CONTEXT_PRIORITY, kind))
        elif kind == "authorization":
            if not is_placeholder(text) and len(text.strip()) >= 4:
                self.add(start, end, kind, _TOKEN_PRIORITY)
        elif _plausible_value(text, quoted=group == "quoted", code_context=False, next_char=b"\n"):
            self.add(start, end, kind)
        return True

    def _named_pair(self, name_start: int, keyword_end: int) -> None:
        """The ``"value"`` member after the ``"name"`` member whose string at *name_start* (holding a
        name keyword that ends at *keyword_end*) is a secret's name, in the same object (not in one
        nested in it, nor in the next): ``{"name": "SqlAdminPassword", "tags": {}, "value": "…"}``."""
        data = self.data
        rest = _rx[_PAIR_NAME_REST].match(self.low, keyword_end)
        if rest is None:
            return
        kind = _name_kind(data[name_start : rest.end()])  # (ASCII: read as secret_name_kind() reads it)
        if kind is None:
            return
        limit = min(self.size, rest.end() + _PAIR_REACH)
        depth, position = 0, rest.end()
        # (`"Name"` and `"Value"` in any case: found in the lower-cased text, taken from the text)
        for value in _rx[_VALUE_MEMBER].finditer(self.low, position, limit):
            for brace in data[position : value.start()]:
                depth += (brace == 0x7B) - (brace == 0x7D)
                if depth < 0:
                    return  # the object closed before it
            position = value.start()
            if depth == 0:
                start, end = value.span("value")
                text = data[start:end].decode("utf-8", "replace")
                if self._credentials_parameter(name_start):
                    return
                if _plausible_value(text, quoted=True, code_context=False, next_char=b'"'):
                    self.add(start, end, kind)
                return

    def _typed_secret(self, name_start: int) -> None:
        """The ``value`` (or ``data``) of the JSON object whose ``"type"`` is the ``secret`` at
        *name_start* (Postman environments: ``{"key": "stripe", "value": "…", "type": "secret"}``) or
        ``credential`` (an API's answer: ``{"type": "credential", "data": "…"}``, a value that may be
        a secret), or ``password`` (Keycloak's credential of a user: ``{"type": "password", "value": "…",
        "temporary": true}``; its hashes are in ``secretData`` and stay)."""
        if self.low.startswith(b"pass", name_start):
            self._member_value(name_start, "password", plausible=True, same_level=True)
            return
        self._member_value(name_start, "secret", plausible=self.low.startswith(b"cred", name_start))

    def _hcl_default(self, position: int, kind: str) -> None:
        """The `default` of the Terraform (HCL) block whose body starts at *position*: `variable
        "db_password" { … default = "…" … }`."""
        data = self.data
        closing = _rx[_HCL_BLOCK_END].search(data, position, position + 4096)
        end = closing.start() if closing is not None else min(self.size, position + 4096)
        default = _rx[_HCL_DEFAULT].search(data, position, end)
        if default is not None:
            value = default.group("value").decode("utf-8", "replace")
            if _plausible_value(value, quoted=True, code_context=False, next_char=b'"'):
                self.add(default.start("value"), default.end("value"), kind)

    def _member_value(
        self, position: int, kind: str, *, plausible: bool = False, same_level: bool = False
    ) -> None:
        """The ``"value"`` (Doppler's ``"computed"``, ``"raw"``) member of the flat JSON object
        holding *position*: Postman's ``"type": "secret"``, Terraform's ``"sensitive": true`` or a
        secret name's own object; *plausible*: only a value that may be a secret (not merely not a
        placeholder); *same_level*: only a member escaped as the string at *position* is (not one
        of a JSON text inside another member's string)."""
        data = self.data
        opening = data.rfind(b"{", max(0, position - 1024), position + 1)
        closing = data.find(b"}", position, position + 1024)
        if opening == -1 or closing == -1:
            return
        escapes = len(data[max(0, position - 8) : position - 1]) - len(
            data[max(0, position - 8) : position - 1].rstrip(b"\\")
        )
        for value in _rx[_VALUE_MEMBER].finditer(data, opening, closing):
            if same_level and len(value.group("q")) - 1 != escapes:
                continue
            text = value.group("value").decode("utf-8", "replace")
            if (
                _plausible_value(text, quoted=True, code_context=False, next_char=b'"')
                if plausible
                else not is_placeholder(text)
            ):
                self.add(value.start("value"), value.end("value"), kind)

    def _pattern_value(self, start: int, pattern: re.Pattern[bytes], kind: str) -> None:
        match = pattern.match(self.data, start)
        if match is None:
            return
        group = "value" if match.group("value") is not None else "bare"
        if _lenient(match.group(group).decode("utf-8", "replace")):
            self.add(match.start(group), match.end(group), kind)

    def _bound_parameter(self, start: int) -> None:
        """A statement's parameter as Hibernate logs it bound (``binding parameter (3:VARCHAR) <- […]``),
        when the column it is bound to is secret-named (the statement's columns in order: an insert's
        list, or an update's ``column=?``; the statement logged before it, or on its line after it)."""
        data, low = self.data, self.low
        bound = _rx[_BOUND_PARAMETER].match(data, start)
        if bound is None:
            return
        number = int(bound.group("n1") or bound.group("n2"))
        _, line_end = _line_around(data, start)
        escaped_end = low.find(b"\\n", bound.end(), line_end)  # (a line of JSON-escaped text)
        line_end = line_end if escaped_end == -1 else escaped_end
        found = _rx[_BOUND_STATEMENT].search(low, bound.end(), line_end) or next(
            reversed(list(_rx[_BOUND_STATEMENT].finditer(low, max(0, start - _BOUND_REACH), start))), None
        )  # (on its line after it, or the last one before it)
        if found is None:
            return
        if found.group("columns") is not None:
            columns = [
                column.strip(b' \t"`[]\\') for column in data[slice(*found.span("columns"))].split(b",")
            ]
        else:
            settings = data[slice(*found.span("set"))]
            columns = [setting.group("column") for setting in _rx[_BOUND_SETTING].finditer(settings)]
        if not 0 < number <= len(columns):
            return
        kind = _name_kind(columns[number - 1].rpartition(b".")[2])
        value = bound.group("value").decode("utf-8", "replace")
        if kind is not None and _plausible_value(value, quoted=True, code_context=False, next_char=b"]"):
            self.add(bound.start("value"), bound.end("value"), kind)

    def _failed_property(self, start: int) -> None:
        """The value of a secret-named property in Spring Boot's failure analysis (``Property:
        app.partner.api-key`` then ``Value: "…"``)."""
        failed = _rx[_FAILED_PROPERTY].match(self.data, start)
        if failed is None:
            return
        kind = _name_kind(failed.group("name"))
        value = failed.group("value").decode("utf-8", "replace")
        if kind is not None and _plausible_value(value, quoted=True, code_context=False, next_char=b"\n"):
            self.add(failed.start("value"), failed.end("value"), kind)

    def _realm_file(self, start: int) -> None:
        """The passwords of a realm file's users after its name or its header (Jetty's
        ``realm.properties``: ``admin: …,server-administrator``), up to
        a line that is none of its lines (comments and blank lines are)."""
        data = self.data
        _, line_end = _line_around(data, start)
        for _ in range(_REALM_LINES):
            following = _following_line(data, line_end)
            if following is None:
                return
            begin, line_end, text_end = following
            user = _rx[_REALM_USER].fullmatch(data, begin, text_end)
            if user is None:
                if (
                    data[begin:text_end].strip(b" \t\r").startswith((b"#", b"!"))
                    or not data[begin:text_end].strip()
                ):
                    continue
                return
            value = user.group("value").decode("utf-8", "replace")
            if _plausible_value(value, quoted=True, code_context=False, next_char=b","):
                self.add(user.start("value"), user.end("value"), "password")

    def _digest_user(self, start: int) -> None:
        """A user of Tomcat's ``tomcat-users.xml`` (a ``<user …>`` with its ``roles``) whose password
        is a digest (``digest.sh``'s hex, maybe ``salt$iterations$hex``): a hash, which stays."""
        user = _rx[_XML_USER].match(self.data, start)
        if user is None or b"roles=" not in user.group("attributes"):
            return
        digest = _rx[_DIGEST_PASSWORD].search(self.data, *user.span("attributes"))
        if digest is not None:
            self._exempt.append(digest.span("value"))

    def _printed_records(self, start: int) -> None:
        """The lines a template printed, when one of its fields is secret-named (``println
        "${it.id} : ${it.username} : ${it.password}"`` in Jenkins' script console, then
        ``nexus-deploy : ci : …`` lines): on each later line of the template's shape, that field."""
        data = self.data
        printed = _rx[_PRINTED_TEMPLATE].match(data, start)
        if printed is None or b"$" not in printed.group("template"):
            return
        template = printed.group("template")
        parts: list[bytes] = []  # the template's literal text, then a field's pattern, in turn
        secret: list[int] = []  # the groups of secret-named fields
        position = 0
        for index, field in enumerate(_rx[_TEMPLATE_FIELD].finditer(template)):
            literal = template[position : field.start()]
            if index and not literal.strip():
                return  # two fields with nothing between: no line can be split into them
            parts.append(re.escape(literal) + rb"(?P<f%d>[^\s\\\"](?:[^\n\\\"]*?[^\s\\\"])?)" % index)
            member = _rx[_LAST_MEMBER].search(field.group("expression") or field.group("variable"))
            if member is not None and _name_kind(member.group()) is not None:
                secret.append(index)
            position = field.end()
        if not secret or len(parts) < 2:
            return
        line = re.compile(rb"[ \t]*" + b"".join(parts) + re.escape(template[position:]) + rb"[ \t]*\r?")
        _, line_end = _line_around(data, start)
        for _ in range(_PRINTED_LINES):
            following = _following_line(data, line_end)
            if following is None:
                return
            begin, line_end, text_end = following
            record = line.fullmatch(data, begin, text_end)
            if record is None:
                continue
            for index in secret:
                value = record.group(f"f{index}").decode("utf-8", "replace")
                if _plausible_value(value, quoted=True, code_context=False, next_char=b"\n"):
                    self.add(record.start(f"f{index}"), record.end(f"f{index}"), "password")

    def _login_module(self, start: int) -> None:
        """The user of a JAAS login module when it is an API key (``username="KEY" password="…"``)."""
        _, line_end = _line_around(self.data, start)
        match = _rx[_JAAS_USER].match(self.data, start, line_end)
        if match is not None and credential_like(match.group("value").decode("utf-8", "replace")):
            self.add(match.start("value"), match.end("value"), "api_key")
        end = self.data.find(b"};", start, start + _JAAS_REACH)
        following = self.low.find(b"loginmodule", start + 1, start + _JAAS_REACH)
        end = min(position for position in (end, following, start + _JAAS_REACH) if position != -1)
        for user in _rx[_JAAS_USERS].finditer(self.data, start, end):
            if not is_placeholder(user.group("value").decode("utf-8", "replace")):
                self.add(user.start("value"), user.end("value"), "password")

    def _chpasswd(self, start: int) -> None:
        """The ``user:password`` lines of a cloud-init ``chpasswd:`` block (``list: |``)."""
        data = self.data
        line_start, line_end = _line_around(data, start)
        indent = start - _content_start(data, line_start, start)
        for _ in range(64):
            begin = _next_line(data, line_end)
            if begin == -1:
                return
            _, line_end = _line_around(data, begin)
            if not data[begin:line_end].strip():
                continue
            match = _rx[_CHPASSWD_LINE].match(data, begin, line_end)
            line = data[begin:line_end]
            if len(line) - len(line.lstrip(b" \t")) <= indent:
                return  # the block ended
            if match is not None and _lenient(match.group("value").decode("utf-8", "replace")):
                self.add(match.start("value"), match.end("value"), "password")

    def _bundler(self, start: int) -> None:
        """Bundler's credentials for a gem server (see _BUNDLE_HOST_SETTING), in a `BUNDLE_…` variable
        or after `bundle config`: the password of `user:password`, or a token alone."""
        if self.low.startswith(b"bundle_", start):
            match = _rx[_BUNDLE_HOST_SETTING].match(self.data, start)
        elif self.low.startswith(b"bundle config ", start):
            match = _rx[_BUNDLE_CONFIG_HOST].match(self.low, start)
        else:
            return
        if match is None:
            return
        begin, end = match.span("value")
        value = self.data[begin:end].decode("utf-8", "replace")
        if "://" in value or is_placeholder(value):
            return
        user, colon, password = value.partition(":")
        if colon:
            if len(password) >= 4 and not is_placeholder(password):
                self.add(begin + len(user.encode()) + 1, end, "password")
        elif credential_like(value):
            self.add(begin, end, "token")

    def _compared(self, start: int, end: int) -> None:
        """The literals a C string comparison is given (`strcmp("guess", "…")`, as ltrace prints
        it): each that may be a credential."""
        if _rx[_COMPARE_NAME].search(self.low, max(0, start - 20), end) is None:
            return
        data = self.data
        position = end
        for _ in range(3):
            arg = _rx[_CALL_ARG].match(data, position)
            if arg is None:
                return
            if arg.group("q") is not None:
                value = arg.group("s").decode("utf-8", "replace")
                if credential_like(value) or (_lenient(value) and _rx[_DIGIT].search(value)):
                    self.add(arg.start("s"), arg.end("s"), "password")
            position = arg.end()
            if arg.group("end") == b")":
                return

    def _written(self, start: int) -> None:
        """A buffer written to a socket, as strace prints it: a database's or a cache's login
        message in it (PostgreSQL's PasswordMessage, Redis's AUTH)."""
        data = self.data
        call = _rx[_WRITTEN].match(self.low, start)
        if call is None:
            return
        begin = call.end()
        # (the string's escaped `\r\n` are no line breaks: up to the real one, within 2 KiB)
        line_end = data.find(b"\n", begin, begin + 2048)
        line_end = min(len(data), begin + 2048) if line_end == -1 else line_end
        message = _rx[_PG_PASSWORD_MESSAGE].match(data, begin, line_end)
        if message is None:
            message = _rx[_RESP_AUTH].search(data, begin, line_end)
        if message is not None and not is_placeholder(message.group("value").decode("utf-8", "replace")):
            self.add(message.start("value"), message.end("value"), "password")

    def _secret_columns(self, head: re.Match[bytes] | None) -> dict[int, str]:
        """The secret-named columns of an SQL column list (see _COPY_HEAD), by their index."""
        if head is None:
            return {}
        columns = [column.strip(b' \t"`[]') for column in head.group("columns").split(b",")]
        kinds = {
            index: secret_name_kind(column.decode("ascii", "replace")) for index, column in enumerate(columns)
        }
        return {index: kind for index, kind in kinds.items() if kind is not None}

    def _sql_cell(self, start: int, end: int, kind: str) -> None:
        value = self.data[start:end].decode("utf-8", "replace")
        if value.upper() != "\\N" and _lenient(value) and not _names_a_secret(value):
            self.add(start, end, kind)

    def _copy_rows(self, start: int, end: int) -> None:
        """The cells of the secret columns of `COPY table (…) FROM stdin;` (see _COPY_HEAD)."""
        data = self.data
        line_start = _line_around(data, start)[0]
        head = _rx[_COPY_HEAD].search(data, _content_start(data, line_start, start), start + 1)
        columns = self._secret_columns(head)
        if not columns:
            return
        newline = _rx[_ROW_BREAK].match(data, end)
        if newline is None:
            return
        row_break = newline.group()
        cell_break = row_break[:-1] + b"t" if row_break.endswith(b"\\n") else b"\t"
        position = newline.end()
        for _ in range(_SQL_ROWS):
            row_end = data.find(row_break, position)
            row_end = self.size if row_end == -1 else row_end
            row = data[position:row_end]
            if not row or row.strip(b"\\") == b"." or cell_break not in row:
                return
            cell_start = position
            for index, cell in enumerate(row.split(cell_break)):
                if index in columns:
                    self._sql_cell(cell_start, cell_start + len(cell), columns[index])
                cell_start += len(cell) + len(cell_break)
            position = row_end + len(row_break)

    def _insert_rows(self, start: int, end: int) -> None:
        """The values of the secret columns of `INSERT INTO table (…) VALUES (…), …` (see _INSERT_HEAD)."""
        data = self.data
        line_start = _line_around(data, start)[0]
        head = _rx[_INSERT_HEAD].search(data, _content_start(data, line_start, start), start + 1)
        columns = self._secret_columns(head)
        if not columns:
            return
        opening = _rx[_NEXT_TUPLE].match(data, end)
        position = data.find(b"(", end, end + 64)
        if position == -1 or (opening is None and data[end:position].strip(b" \t\r\n\\n")):
            return
        for _ in range(_SQL_ROWS):
            position += 1
            for index in range(64):
                value = _rx[_SQL_VALUE].match(data, position)
                if value is None:
                    return
                if index in columns and value.group("s") is not None:
                    self._sql_cell(value.start("s"), value.end("s"), columns[index])
                position = value.end()
                if value.group("sep") == b")":
                    break
            following = _rx[_NEXT_TUPLE].match(data, position)
            if following is None:
                return
            position = following.end() - 1

    def _pulumi_secret(self, start: int) -> None:
        """The plaintext of a Pulumi secret whose signature is at *start* (see _PULUMI_PLAINTEXT)."""
        data = self.data
        closing = data.find(b"}", start, start + _PULUMI_REACH)
        opening = data.rfind(b"{", max(0, start - _PULUMI_REACH), start)
        if opening == -1 or closing == -1:
            return
        member = _rx[_PULUMI_PLAINTEXT].search(data, opening, closing + 1)
        if member is not None and not is_placeholder(member.group("value").decode("utf-8", "replace")):
            self.add(member.start("value"), member.end("value"), "secret")

    def _encoded_login(self, end: int) -> None:
        """A `user:password` literal encoded for a Basic header by hand (see _ENCODED_LOGIN)."""
        match = _rx[_ENCODED_LOGIN].match(self.data, end)
        if match is not None and _lenient(match.group("value").decode("utf-8", "replace")):
            self.add(match.start("value"), match.end("value"), "password")

    def _basic_auth_users(self, start: int) -> None:
        """The users a basic-auth middleware accepts (see _BASIC_AUTH_USERS): each item's credential,
        unless it is a one-way hash (`$apr1$…`, `$2y$…`, `{SHA}…`, a label's `$$`) or a placeholder."""
        data = self.data
        block = _rx[_BASIC_AUTH_USERS].match(data, start)
        if block is None:
            return
        group = "list" if block.group("list") is not None else "labels"
        items = block.group(group)
        offset = block.start(group)
        for item in _rx[_BASIC_AUTH_ITEM].finditer(items):
            value = item.group("value").decode("utf-8", "replace")
            if value.startswith(("$", "{")) or not _lenient(value) or is_placeholder(value):
                continue
            self.add(offset + item.start("value"), offset + item.end("value"), "password")

    def _wce_rows(self, position: int) -> None:
        """The rows Windows Credentials Editor prints after its banner at *position* (_WCE_ROW): each
        logon's password, up to a blank line or the end of the JSON string that holds them
        (_WCE_LINES at most)."""
        data = self.data
        _, line_end = _line_around(data, position)
        for _ in range(_WCE_LINES):
            following = _following_line(data, line_end)
            if following is None:
                return
            begin, line_end, text_end = following
            row = _rx[_WCE_ROW].match(data, begin, text_end)
            if row is not None:
                self.add(row.start("value"), row.end("value"), "password")
            elif not data[begin:text_end].strip() or text_end < line_end:
                return

    def _configured_value(self, start: int, end: int) -> None:
        """An SSIS configuration's `<ConfiguredValue>` (see _CONFIGURED_PATH): its text, when the
        `Path` of its `<Configuration>` ends in a secret's name (`…Properties[Password]`; a
        `[Value]` after a variable's name, `Variables[User::ApiToken].Properties[Value]`, is that
        variable's)."""
        data = self.data
        opening = data.rfind(b"<Configuration ", max(0, start - _CONFIGURED_REACH), start)
        if opening == -1:
            return
        head = _rx[_CONFIGURED_PATH].search(data, opening, start)
        if head is None:
            return
        names = [found.group("name") for found in _rx[_CONFIGURED_NAME].finditer(head.group("path"))]
        if names and names[-1].lower() == b"value":
            names.pop()
        kind = _name_kind(names[-1]) if names else None
        text = _rx[_CONFIGURED_TEXT].match(data, end)
        if kind is None or text is None:
            return
        value = text.group("value").decode("utf-8", "replace")
        if _plausible_value(value, quoted=True, code_context=False, next_char=b"<"):
            self.add(text.start("value"), text.end("value"), kind)

    def _secure_string(self, start: int) -> None:
        """The value of an SSM SecureString parameter: the next cell of `--output text`, or the
        `"Value"` of its JSON object; a literal piped into PowerShell's `ConvertTo-SecureString`."""
        data = self.data
        if self.low.endswith(b"convertto-", max(0, start - 10), start):
            line_start, _ = _line_around(data, start)
            piped = _rx[_PIPED_TO_SECURE_STRING].search(data, max(line_start, start - 600), start)
            if piped is not None and _lenient(piped.group("value").decode("utf-8", "replace")):
                self.add(piped.start("value"), piped.end("value"), "password")
            return
        cell = _rx[_SECURE_STRING_CELL].match(self.low, start)
        if cell is not None:
            begin, end = cell.span("value")
            value = data[begin:end].decode("utf-8", "replace").strip()
            # (not a number: `describe-parameters` prints a parameter's type, then when it changed)
            if (_lenient(value) or credential_like(value)) and not _rx[_TIMESTAMP_CELL].match(value):
                self.add(begin, begin + len(data[begin:end].rstrip()), "password")
            return
        opening = data.rfind(b"{", max(0, start - 1024), start)
        closing = data.find(b"}", start, start + 4096)
        if opening == -1 or closing == -1:
            return
        member = _rx[_SECURE_STRING_VALUE].search(data, opening, closing)
        if member is not None and _lenient(member.group("value").decode("utf-8", "replace")):
            self.add(member.start("value"), member.end("value"), "password")

    def _algolia(self, start: int) -> None:
        """An Algolia key in a variable named for Algolia (see _ALGOLIA_SETTING)."""
        low = self.low
        name_start = start
        while name_start > 0 and (low[name_start - 1 : name_start].isalnum() or low[name_start - 1] == 0x5F):
            name_start -= 1
        match = _rx[_ALGOLIA_SETTING].match(self.data, name_start)
        if match is None:
            return
        name = match.group("name").lower()
        if any(word in name for word in (b"search", b"app", b"index", b"public", b"id")):
            return
        self.add(match.start("value"), match.end("value"), "api_key")

    def _schemeless_dsn(self, port: int) -> None:
        """`user:password@host:PORT` without a scheme (a URL's is judged at `://`): the password."""
        data = self.data
        host = port
        while host > 0 and (data[host - 1 : host].isalnum() or data[host - 1] in b".-_"):
            host -= 1
        if host > 1 and data[host - 1] == 0x28 and data[host - 2] == 0x40:
            host -= 1  # Go's MySQL driver without a protocol: `user:password@(host:3306)/` (mysqld_exporter)
        if host == 0 or data[host - 1] != 0x40:  # `@`
            return
        floor = max(0, host - 1 - 264)
        if data.find(b"://", floor, host) != -1:
            return
        match = _rx[_SCHEMELESS_USERINFO].search(data, floor, host - 1)
        if match is not None and _lenient(match.group("value").decode("utf-8", "replace")):
            self.add(match.start("value"), match.end("value"), "url_password")

    def _go_dsn(self, start: int) -> None:
        """A Go database/sql DSN: ``user:password@tcp(host:3306)/db``."""
        floor = max(0, start - 600)
        begin = (
            max(
                self.data.rfind(b'"', floor, start),
                self.data.rfind(b"'", floor, start),
                self.data.rfind(b" ", floor, start),
                self.data.rfind(b"`", floor, start),
            )
            + 1
        )
        match = _rx[_GO_DSN].match(self.data, begin or floor)
        at = start + (6 if self.low.startswith(b"@unix(", start) else 5)
        if (
            match is not None
            and match.end() == at
            and not is_placeholder(match.group("value").decode("utf-8", "replace"))
        ):
            self.add(match.start("value"), match.end("value"), "password")

    def _yaml_argv(self, name_start: int, name_end: int, kind: str) -> bool:
        """A secret-named option as an item of a YAML list and its value as the next item, as a
        Kubernetes container's `args:` give them (`- --password` then `- …`). Whether it was one."""
        data = self.data
        if _rx[_YAML_ITEM_BEFORE].search(data, max(0, name_start - 24), name_start) is None:
            return False
        item = _rx[_YAML_NEXT_ITEM].match(data, name_end)
        if item is None:
            return False
        value = item.group("value").decode("utf-8", "replace")
        if not value.startswith("-") and _plausible_value(
            value, quoted=True, code_context=False, next_char=b"\n"
        ):
            self.add(item.start("value"), item.end("value"), kind)
        return True

    def _escaped_url(self, position: int) -> None:
        """A URL whose slashes a JSON encoder escaped (`https:\\/\\/hooks.slack.com\\/services\\/…` in
        a Slack export, PHP's `json_encode`): read as the URL it is, what it holds mapped back."""
        data = self.data
        found = _rx[_ESCAPED_URL].match(data, position)
        if found is None:
            return
        pieces: list[bytes] = []
        origins: list[int] = []  # where each byte of the URL without escapes is in *data*
        at = position
        for escape in _rx[_SLASH_ESCAPE].finditer(data, position, found.end()):
            pieces.append(data[at : escape.start()])
            origins.extend(range(at, escape.start()))
            pieces.append(b"/")
            origins.append(escape.end() - 1)
            at = escape.end()
        pieces.append(data[at : found.end()])
        origins.extend(range(at, found.end()))
        url = _Scan(b"".join(pieces))
        url._url(0)
        for start, end, kind in url.merged():
            self.add(origins[start], origins[end - 1] + 1, kind, _TOKEN_PRIORITY)

    def _slash_pair(self, position: int) -> None:
        """A login handed over as ``user / password`` (`admin / …`, `` `admin` / `…` ``, `root /
        <code>…</code>` in a wiki's table) on a line that speaks of logging in (an admin, an account,
        a login, Wi-Fi …): the password, if it looks like one."""
        data = self.data
        pair = _rx[_SLASH_PAIR_VALUE].match(data, position)
        if pair is None:
            return
        group = "quoted" if pair.group("quoted") is not None else "tagged" if pair.group("tagged") else "bare"
        start, stop = pair.span(group)
        if group == "bare":
            while data[stop - 1] in _SENTENCE_END and stop - start > 6:
                stop -= 1  # the sentence's punctuation after the value
        if not _handed_value(data[start:stop].decode("utf-8", "replace"), password=True):
            return
        user = _rx[_SLASH_PAIR_USER].search(data, max(0, position - 72), position)
        if user is None or not any(c.isalpha() for c in user.group("user").decode("latin-1")):
            return
        line_start, _ = _line_around(data, position, limit=512)
        if _rx[_LOGIN_CUE].search(
            self.low, max(line_start, position - 200), position
        ) is not None or self._login_list(line_start):
            self.add(start, stop, "password")

    def _login_list(self, line_start: int) -> bool:
        """Whether the line at *line_start* is one of a list of logins (`- r12-u09  svc_ipmi / …` under
        `- r12-u05  root / …`, `# ops / …` under `# admin2 / …`): one of the list's lines above it
        (up to _LOGIN_LIST_LINES, to a blank line) hands over a login as `user / …` beside a word
        that says so."""
        data, low = self.data, self.low
        line = line_start
        for _ in range(_LOGIN_LIST_LINES):
            end = _previous_line_end(data, line)
            if end == -1:
                return False
            above, _ = _line_around(data, end, limit=512)
            if above >= end or data[above:end].isspace():
                return False  # (a blank line ends the list)
            slash = data.find(b" / ", above, end)
            if slash != -1 and _rx[_LOGIN_CUE].search(low, max(above, slash - 200), slash) is not None:
                return True
            line = above
        return False

    def _jcl_ftp(self, position: int) -> None:
        """A JCL step running FTP (`EXEC PGM=FTP`) with its commands in stream (`//INPUT DD *`): the
        first line holds the user and the password (`xferuser …`)."""
        data = self.data
        line_start, line_end = _line_around(data, position)
        if _rx[_JCL_DD].match(data, _content_start(data, line_start, position), line_end) is None:
            return
        if _rx[_JCL_FTP].search(self.low, max(0, line_start - 600), line_start) is None:
            return
        begin = _next_line(data, line_end)
        if begin == -1:
            return
        login = _rx[_JCL_LOGIN].match(data, begin, _line_around(data, begin)[1])
        if login is not None and _lenient(login.group("value").decode("utf-8", "replace")):
            self.add(login.start("value"), login.end("value"), "password")

    def _execve(self, position: int) -> None:
        """auditd's EXECVE record (`a0="curl" a1="-u" a2="user:…"`): its arguments read as an argv
        list, where a secret-named option's value goes (`a1="--password" a2="…"`, `--token=…`), and
        the password of a user option's `user:password` (`-u`, `--user`)."""
        data = self.data
        _, line_end = _line_around(data, position)
        args = list(_rx[_EXECVE_ARG].finditer(data, position, line_end))
        for index, arg in enumerate(args):
            text = arg.group("value")
            if not text.startswith(b"-"):
                continue
            flag, equals, _ = text.partition(b"=")
            following = args[index + 1] if index + 1 < len(args) else None
            if equals:
                start, end = arg.start("value") + len(flag) + 1, arg.end("value")
            elif following is not None:
                start, end = following.span("value")
            else:
                continue
            value = data[start:end]
            if flag in _USER_OPTIONS:
                colon = value.find(b":")
                if colon <= 0:
                    continue
                start += colon + 1
                value = value[colon + 1 :]
                kind: str | None = "password"
            else:
                kind = _name_kind(flag)
            text_value = value.decode("utf-8", "replace")
            if kind is not None and _plausible_value(
                text_value, quoted=True, code_context=False, next_char=b'"'
            ):
                self.add(start, end, kind)

    def _line_rule(self, position: int, pattern: re.Pattern[bytes]) -> None:
        """A credential file's line (.pgpass, pgbouncer's userlist, postfix's sasl_passwd), also
        when it is the first line of a JSON string."""
        data = self.data
        line_start, line_end = _line_around(data, position)
        start = _content_start(data, line_start, position)
        match = pattern.match(data, start, line_end)
        if match is None and pattern is _rx[_PGPASS]:
            # Also a .pgpass line written by a command: `echo "host:5432:db:user:…" >> ~/.pgpass`.
            match = pattern.search(data, start, line_end)
            if match is not None and not match.start() <= position < match.end():
                match = None
        if match is not None and _lenient(match.group("value").decode("utf-8", "replace")):
            self.add(match.start("value"), match.end("value"), "password")

    def _redis_acl(self, position: int) -> None:
        """A Redis ACL rule: ``user NAME on >PASSWORD …`` (also ``ACL SETUSER``)."""
        line_start, line_end = _line_around(self.low, position)
        before = self.low[_content_start(self.data, line_start, position) : position].strip()
        if before not in (b"", b"acl set", b"acl", b">") and not before.endswith((b"acl set", b"$", b">")):
            return
        match = _rx[_REDIS_ACL].match(self.data, position, line_end)
        if match is not None and _lenient(match.group("value").decode("utf-8", "replace")):
            self.add(match.start("value"), match.end("value"), "password")

    def _in_json_string(self, position: int) -> bool:
        """Whether the line holding *position* is inside a JSON string: reached through an escaped
        line break, or after a JSON string opened on it (``"content":"…``)."""
        data = self.data
        line_start, _ = _line_around(data, position)
        return (
            data[line_start - 2 : line_start] == b"\\n"
            or _content_start(data, line_start, position) != line_start
        )

    def _at_line_start(self, position: int) -> bool:
        data = self.data
        floor = max(0, position - 200)
        real = data.rfind(b"\n", floor, position)
        escaped = data.rfind(b"\\n", real + 1 if real != -1 else floor, position)  # see _line_around()
        line_start = max(real + 1, escaped + 2)
        if line_start < floor and len(data[floor:position].strip()) > 6:
            # No line break within 200 bytes: the words allowed before a name (at most 6 bytes) are
            # not all there is, so the copy back to the line's start (up to the text's) is not made.
            return False
        prefix = data[line_start:position].strip()
        # (`+`: a line a patch adds, `+key = …` in a diff of rclone's config or an `apply_patch` file)
        return prefix in (b"", b"-", b"+", b"export", b"set") or (
            line_start == 0 and position < 200 and not prefix
        )

    def _authorization(self, name_end: int) -> int:
        built = _rx[_AUTH_BUILT].match(self.data, name_end)
        if built is not None:
            # `Authorization = paste("Bearer", "…")` (R), `"Bearer " .. "…"` (Lua), `sprintf("Bearer
            # %s", "…")`: the scheme and the credential in literals of their own, joined by code.
            if credential_like(built.group("value").decode("utf-8", "replace")):
                self.add(built.start("value"), built.end("value"), "authorization", _TOKEN_PRIORITY)
            return built.end()
        match = _rx[_AUTH_VALUE].match(self.data, name_end)
        if match is None:
            self._pair(name_end, "authorization")  # {"name": "authorization", "value": "Basic …"} (HAR)
            return name_end
        value = match.group("value").rstrip()
        start = match.start("value")
        end = start + len(value)
        quote = match.group("q2")
        if quote:
            close = self.data.find(quote, start, end + len(quote))
            if close != -1:
                end = close
                value = self.data[start:end]
        text = value.decode("utf-8", "replace")
        scheme, _, credential = text.strip().partition(" ")  # a provider's own scheme (`KakaoAK …`, `SSWS …`)
        if (
            not is_placeholder(text)
            and len(text.strip()) >= 4
            and not text.lower().startswith("{")
            # (the opening of a structure whose items are quoted: an OpenTelemetry debug exporter's
            # `Slice(["…"])`, whose item is judged on its own)
            and not text.rstrip().endswith(("([", "(", "["))
            and not (
                credential
                and " " not in credential
                and scheme.isalnum()
                and (credential[0] in "{<" or is_placeholder(credential))
            )
            and not _basic_placeholder(self.data, start, text)
            and not opens_lookup(text, self.data, end)  # fastlane's `ENV["…"]`
        ):
            self.add(start, end, "authorization", _TOKEN_PRIORITY)
        return end

    def _bearer(self, position: int) -> int:
        match = _rx[_BEARER].match(self.data, position)
        if match is None:
            return position + 6
        value = match.group("value").decode("ascii")
        if not is_placeholder(value) and looks_random(value) and any(c.isdigit() for c in value):
            self.add(match.start("value"), match.end("value"), "bearer_token")
        return match.end()

    def _cloginrc(self, name_end: int) -> None:
        """RANCID's .cloginrc (`add password GLOB {…} {…}`, `add enablepassword GLOB {…}`): the
        passwords after the devices' glob, in braces or bare."""
        line = _rx[_CLOGINRC_VALUES].match(self.data, name_end, _line_around(self.data, name_end)[1])
        if line is None:
            return
        for group in ("first", "second"):
            value = line.group(group)
            if value is not None and _lenient(value.strip(b"{}").decode("utf-8", "replace")):
                start, end = line.span(group)
                self.add(start + (value[:1] == b"{"), end - (value[-1:] == b"}"), "password")

    def _enable(self, start: int) -> None:
        """Oxidized's enable password, `enable:` in a `vars:` block (its configuration's, a group's or
        a model's): the password of a network device's privileged mode."""
        data = self.data
        if start and (data[start - 1 : start].isalnum() or data[start - 1] in b"_-."):
            return  # another setting (`auto_enable:`, `tls.enable:`)
        parent = _parent_name(data, start, start + 6)
        if parent is not None and parent.lower() == b"vars":
            self._assignment(b"enable", start, start + 6, "password")

    def _url(self, position: int) -> int:
        data, low = self.data, self.low
        # A host (and its port) before a comma: the URL ended there, in a CSV row, and the `@` further
        # on is an address's (`https://signin.aws.amazon.com,ana@corp.example,…` in an export).
        in_row = _rx[_HOST_AND_COMMA].match(low, position + 3) is not None
        match = None if in_row else _rx[_URL_CREDENTIALS].match(data, position)
        if match is not None:
            password = match.group("pw").decode("utf-8", "replace")
            if "%" in password:
                from urllib.parse import unquote

                password = unquote(password)  # `:%2A%2A%2A@`: a mask, percent-encoded
            if (
                not is_placeholder(password)
                and password.strip("*•") != ""  # `amqp://guest:**@` (Celery's banner), `:*@`
                and password.lower() not in ("pass", "pwd", "pw", "passwd")
                and match.group("pw") != match.group("user")  # a documented default: guest:guest
            ):
                self.add(match.start("pw"), match.end("pw"), "url_password")
        elif not in_row:
            user = _rx[_URL_TOKEN_USER].match(data, position)
            community = (
                _rx[_URL_COMMUNITY].match(data, position)
                if low.endswith(b"snmp", max(0, position - 4), position)
                else None
            )
            if community is not None and not is_placeholder(
                community.group("user").decode("utf-8", "replace")
            ):
                # an SNMP target's community, the password of v1 and v2c (`snmp://COMMUNITY@host`);
                # the factory defaults `public` and `private` are placeholders
                self.add(community.start("user"), community.end("user"), "url_password")
            elif (
                user is not None
                and credential_like(user.group("user").decode("utf-8", "replace"))
                and _rx[_SENTRY_DSN].match(low, user.start("user")) is None
            ):
                self.add(user.start("user"), user.end("user"), "url_token")
            else:
                encoded = _rx[_URL_BASE64_PASSWORD].match(data, position)
                if encoded is not None and _strong(encoded.group("pw").decode("ascii")):
                    self.add(encoded.start("pw"), encoded.end("pw"), "url_password")
        url_end = _rx[_URL_END].match(data, position + 3).end()
        for needle, pattern, kind in _webhooks():
            if low.find(needle, position, url_end) != -1:
                hook = pattern.match(data, position)
                if hook is None:
                    continue
                value = hook.group("value").decode("utf-8", "replace")
                if not is_placeholder(value) and (
                    (kind not in ("chat_webhook", "ping_url") or looks_random(value))
                    # (a path's base64url token may start with `-`, which starts no credential elsewhere)
                    and (kind != "url_token" or credential_like(value.lstrip("-")))
                ):
                    self.add(hook.start("value"), hook.end("value"), kind, _TOKEN_PRIORITY)
        if (
            low.find(b"sig", position, url_end) != -1
            or low.find(b"x-amz-security-token", position, url_end) != -1
        ):
            for signature in _rx[_URL_SIGNATURE].finditer(low, position, url_end):
                value = data[signature.start("value") : signature.end("value")].decode("utf-8", "replace")
                if "%" in value:
                    from urllib.parse import unquote

                    value = unquote(value)
                if not is_placeholder(value):  # `sig={signature}`, `sig=${SAS_SIG}`: a template
                    self.add(signature.start("value"), signature.end("value"), "url_signature")
        if data.find(b"=", position, url_end) != -1:
            for parameter in _rx[_URL_QUERY_KEY].finditer(low, position, url_end):  # (`oobCode=`)
                value = data[parameter.start("value") : parameter.end("value")].decode("ascii")
                if (len(value) >= 20 and _strong(value)) or (
                    len(value) == 32 and _rx[_HEX_SECRET].fullmatch(value) and _rx[_DIGIT].search(value)
                ):
                    self.add(parameter.start("value"), parameter.end("value"), "api_key")
        return position + 3

    def _go_struct(self, position: int) -> None:
        """A Go struct printed with ``%v`` behind a pointer (``&{https://api.example.net KEY 30s
        true}``): its fields have no names, so a field that looks generated (20 characters or more
        of digits, upper and lower case) is the credential the struct holds."""
        data = self.data
        _, line_end = _line_around(data, position, limit=1024)
        closing = data.find(b"}", position, line_end)
        if closing == -1:
            return
        for field in _rx[_GO_POSITIONAL_FIELD].finditer(data, position + 2, closing + 1):
            value = field.group("value").decode("ascii")
            if (
                _strong(value)
                and credential_like(value)
                and _rx[_UUID].fullmatch(field.group("value")) is None
            ):
                self.add(field.start("value"), field.end("value"), "secret")

    def _expect_send(self, position: int) -> None:
        """The string a scripted session sends right after a password prompt (expect's ``send``,
        its trace's ``send: sending``, pexpect's ``sendline``): the password."""
        low = self.low
        floor = max(0, position - _PROMPT_REACH)
        prompt = max(low.rfind(word, floor, position) for word in _CREDENTIAL_PROMPTS)
        if prompt == -1 and (low.find(b"\\u", floor, position) != -1 or not low[floor:position].isascii()):
            # a prompt in another language (`expect "Пароль:"`)
            prompt = max(low.rfind(word, floor, position) for word in _FOREIGN_CREDENTIAL_PROMPTS)
        if prompt == -1:
            return
        before = position - 6 if low.startswith(b"send: ", position - 6) else position
        if low.find(b"send", prompt, before) != -1:
            return  # another string was sent after the prompt: this one answers something else
        match = _rx[_EXPECT_SEND].match(self.data, position)
        if match is not None and _lenient(match.group("value").decode("utf-8", "replace")):
            self.add(match.start("value"), match.end("value"), "password")

    def _session_cookie(self, start: int, end: int) -> None:
        """A framework's session cookie named around *start*..*end* (rules.SESSION_COOKIES) and its
        value after ``=``, ``:``, ``=>`` or a tab (a Netscape cookies.txt row), quoted or not."""
        low = self.low
        while low[end - 1] in _KEY_QUOTES:
            end -= 1  # `_session"`: the anchor ends in a key's closing quote
        while end < self.size and low[end] in _NAME_CHARS and low[end] != 0x2D:  # not a `-`
            end += 1
        name_start = start
        while name_start and low[name_start - 1] in _COOKIE_NAME_BYTES:
            name_start -= 1
        if low[name_start - 1 : name_start] == b"\\" and low[name_start] in b"ntr":
            name_start += 1  # a JSON-escaped tab or line break before the name (`\tsessionid`)
        if _rx[_SESSION_COOKIE_NAME].fullmatch(low, name_start, end) is None:
            return  # a longer name (`sessionid_length`, `session_timeout`)
        match = _rx[_SESSION_COOKIE_VALUE].match(self.data, end)
        if match is None:
            return
        value = match.group("value")
        text = value.decode("ascii")
        if _rx[_UUID].fullmatch(value) is None and (credential_like(text) or looks_random(text)):
            self.add(match.start("value"), match.end("value"), "cookie")

    def _basic(self, position: int) -> None:
        """HTTP Basic credentials logged without their header's name: an access log's quoted
        ``"Basic …"`` field, Go's ``Header:map[Authorization:[Basic …]]``, a list of header pairs.
        Base64 of ``user:password`` (printable, a password that is no placeholder) goes."""
        if position and self.low[position - 1] in _NAME_CHARS:
            return  # `ClientBasic`, `isbasic`: a word
        match = _rx[_BASIC_CREDENTIALS].match(self.data, position)
        if match is not None and _basic_credentials(match.group("value")):
            self.add(match.start("value"), match.end("value"), "authorization")

    def _login_row(self, start: int, end: int) -> None:
        """A row of logins aligned with blanks, without a header (a transcribed sticky note, a
        hand-over list: `iDRAC r740-01  root  …`): after what it logs in to and an administrator's
        account (rules.ADMIN_ACCOUNTS), the last word of the line, if it is a password."""
        data = self.data
        if data[start - 2 : start] != b"  ":
            return  # not a cell of its own (`/root  `, `sudo  `)
        line_start, line_end = _line_around(data, start)
        before = data[_content_start(data, line_start, start) : start]
        if not before.strip(b" \t") or before.find(b"|") != -1:
            return  # no device before the account (a listing's first column), or a table with bars
        row = _rx[_LOGIN_ROW_VALUE].match(data, end - 2, line_end)  # (from the blanks after the account)
        if row is not None and _handed_value(row.group("value").decode("utf-8", "replace"), password=True):
            self.add(row.start("value"), row.end("value"), "password")

    def _webhook_path(self, index: int, position: int) -> None:
        """A webhook's path without its host (``POST /services/T…/B…/…`` in ``curl -v`` or an
        access log): the credential in it (rules.WEBHOOK_REQUEST_PATHS)."""
        pattern, kind = _webhook_request_paths()[index]
        hook = pattern.match(self.data, position)
        if hook is not None:
            value = hook.group("value").decode("utf-8", "replace")
            if not is_placeholder(value) and looks_random(value.rsplit("/", 1)[-1]):
                self.add(hook.start("value"), hook.end("value"), kind, _TOKEN_PRIORITY)

    def _har_cookies(self, position: int) -> None:
        """The values of a HAR list of cookies (``"cookies": [{"name": "sid", "value": "…"}, …]``)."""
        data = self.data
        for _ in range(64):
            cookie = _rx[_HAR_COOKIE].match(data, position)
            if cookie is None:
                return
            self._cookie_value(cookie.group("name"), cookie.start("value"), cookie.end("value"))
            position = cookie.end()

    def _cookie_value(self, name: bytes, start: int, end: int) -> None:
        """A cookie's value, if its name says it is a credential or it looks random."""
        size = end - start
        if size >= 4 and name.lower() not in _COOKIE_ATTRIBUTES:
            text = self.data[start:end].decode("utf-8", "replace")
            secret_name = _rx[_SECRET_COOKIE].search(name) is not None
            if (
                secret_name or (size >= 8 and looks_random(text) and not _public_cookie(name))
            ) and not is_placeholder(text):
                self.add(start, end, "cookie")

    def _cookies(self, position: int, *, first_only: bool) -> None:
        """The values of the name=value pairs of a cookie header from *position* (Set-Cookie: the first)."""
        data = self.data
        for index in range(64):
            pair = _rx[_COOKIE_PAIR].match(data, position)
            if pair is None and not index and (bare := _rx[_BARE_COOKIE].match(data, position)) is not None:
                value = bare.group("value").decode("ascii")
                if credential_like(value) and looks_random(value) and not is_placeholder(value):
                    self.add(bare.start("value"), bare.end("value"), "cookie")  # a session's cookie alone
            if pair is None:
                return
            self._cookie_value(pair.group("name"), pair.start("value"), pair.end("value"))
            if first_only or pair.group("more") is None:
                return
            position = pair.end()

    def _curl(self, position: int) -> None:
        """A curl command line (with continuation lines): -u USER:PASSWORD and -b/--cookie pairs."""
        data = self.data
        end = _curl_end(data, position, min(self.size, position + 4096))
        flag = _rx[_CURL_FLAG].search(data, position, end)
        while flag is not None:
            at = flag.start()
            if data[at - 1] in _BEFORE_FLAG:
                if flag.group() in _COOKIE_FLAGS:
                    cookie = _rx[_CURL_COOKIE].match(data, at, end)
                    if cookie is not None:
                        self._cookies(cookie.end(), first_only=False)
                else:
                    user = _rx[_CURL_USER].match(data, at, end)
                    if user is not None:
                        group = user.lastgroup or "bare"
                        if not is_placeholder(user.group(group).decode("utf-8", "replace")):
                            self.add(user.start(group), user.end(group), "password")
            flag = _rx[_CURL_FLAG].search(data, flag.end(), end)

    def _result_value(self, start: int) -> None:
        """The ``"value"`` member of the object an API returns as its ``"result"`` (Cloudflare's v4
        envelope: creating an API token or an R2 token answers ``{"result": {"id": …, "name": …,
        "value": "…"}, "success": true}``): the token, when it looks generated."""
        data = self.data
        escapes = len(data[max(0, start - 3) : start]) - len(data[max(0, start - 3) : start].rstrip(b"\\"))
        opening = data.find(b"{", start)
        ceiling = min(self.size, opening + _RESULT_REACH)
        depth, end = 0, ceiling
        for brace in _rx[_BRACES].finditer(data, opening, ceiling):  # to the object's end
            depth += 1 if brace.group() == b"{" else -1
            if not depth:
                end = brace.end()
                break
        for member in _rx[_RESULT_VALUE].finditer(data, opening, end):
            quote = member.group("q")
            if len(quote) - 1 != escapes:
                continue  # a member of a JSON text inside it (an MCP tool's result), not its own
            value = member.group("value").decode("utf-8", "replace")
            # (quoted: a `-` first is the token's, no option)
            if len(value) >= 20 and credential_like(value.lstrip("-")) and looks_random(value):
                self.add(member.start("value"), member.end("value"), "api_token")

    def _twilio(self, position: int) -> None:
        """Quoted 32-hex literals on the line of a Twilio mention and the few lines after it."""
        data = self.data
        end = position
        limit = min(self.size, position + 4096)
        for _ in range(_TWILIO_LINES):
            end = data.find(b"\n", end + 1, limit)
            if end == -1:
                end = limit
                break
        line_start = data.rfind(b"\n", max(0, position - 512), position) + 1
        for match in _rx[_TWILIO_QUOTED].finditer(data, line_start, end):
            if looks_random(match.group("value").decode("ascii")):
                self.add(match.start("value"), match.end("value"), "twilio_auth_token")

    def _pem(self, key_start: int, *, armoured: bool = False) -> None:
        """A PEM block from its BEGIN line to its END line (*armoured*: another armoured secret,
        an OpenVPN static key or a NATS nkey seed, found by its label)."""
        low = self.low
        begin = low.rfind(b"-----begin", max(0, key_start - 48), key_start)
        if begin == -1 or (not armoured and b"private" not in low[begin:key_start]) or begin in self._blocks:
            return
        if _rx[_PEM_LABEL].fullmatch(low, begin + 10, key_start) is None:
            return  # a pattern that finds keys (`"-----BEGIN (RSA |EC )?PRIVATE KEY-----"`), no key
        self._blocks.add(begin)
        header_end = self.data.find(b"-----", key_start) + 5
        if _rx[_PEM_ELIDED].match(self.data, header_end) is not None:
            return  # documentation: the key's body elided (`-----BEGIN PRIVATE KEY-----\n...`)
        end = _rx[_PEM_END].search(self.data, key_start, key_start + 65536)
        if end is not None:
            self.add(begin, end.end(), "private_key", _TOKEN_PRIORITY)
            return
        # No END line (truncated output): fail closed over everything that still looks like key body.
        body = _rx[_PEM_BODY].match(self.data, header_end)
        self.add(begin, body.end() if body else header_end, "private_key", _TOKEN_PRIORITY)

    def _kubernetes(self, position: int) -> None:
        low = self.low
        if not _rx[_KIND_SECRET].match(low, max(0, position - 16)) and not _rx[_KIND_SECRET].search(
            low, max(0, position - 16), position + 8
        ):
            return
        # The document: between `---` lines (also JSON-escaped ones).
        doc_start = max(low.rfind(b"\n---", 0, position), low.rfind(b"\\n---", 0, position), -1) + 1
        ends = [end for end in (low.find(b"\n---", position), low.find(b"\\n---", position)) if end != -1]
        doc_end = min(ends) if ends else self.size
        # Manifests run together without `---` (files printed one after another): the object's own
        # `apiVersion:` at a line's start opens it, the next one opens another (a ConfigMap's `data:`
        # after a Secret's is no secret).
        own = max(
            low.rfind(b"\napiversion:", doc_start, position),
            low.rfind(b"\\napiversion:", doc_start, position),
        )
        if own != -1 or low.startswith(b"apiversion:", doc_start):
            doc_start = max(doc_start, own + 1)
            after = [
                end
                for end in (
                    low.find(b"\napiversion:", position, doc_end),
                    low.find(b"\\napiversion:", position, doc_end),
                )
                if end != -1
            ]
            doc_end = min(after, default=doc_end)
        if -1 - doc_start in self._blocks:
            return
        self._blocks.add(-1 - doc_start)
        data = self.data
        # (from the line of the first `data:`: the search tries every position)
        first = low.find(b"data:", doc_start, doc_end)
        yaml_start = doc_end if first == -1 else low.rfind(b"\n", doc_start, first) + 1 or doc_start
        for block in _rx[_K8S_YAML_DATA].finditer(low, yaml_start, doc_end):
            indent = len(block.group("indent"))
            encoded = b"stringdata" not in block.group()
            line_end = _line_around(data, block.start("indent"))[1]
            for _ in range(1024):
                line_start = _next_line(data, line_end)
                if line_start == -1 or line_start >= doc_end:
                    break
                line_end = min(_line_around(data, line_start)[1], doc_end)
                line = data[line_start:line_end]
                if line.strip():
                    if len(line) - len(line.lstrip(b" \t")) <= indent:
                        break
                    item = _rx[_K8S_YAML_ITEM].match(data, line_start, line_end)
                    if (
                        item is not None
                        and not is_placeholder(item.group("value").decode("utf-8", "replace"))
                        and not _public_secret_item(
                            item.group("key") or item.group("qkey"), item.group("value"), encoded
                        )
                    ):
                        self.add(item.start("value"), item.end("value"), "kubernetes_secret")
        for block in _rx[_K8S_JSON_DATA].finditer(low, doc_start, doc_end):
            close = data.find(b"}", block.end(), doc_end)
            close = doc_end if close == -1 else close
            encoded = b"stringdata" not in block.group()
            for item in _rx[_K8S_JSON_ITEM].finditer(data, block.end(), close):
                if not is_placeholder(item.group("value").decode("utf-8", "replace")) and not (
                    _public_secret_item(item.group("key"), item.group("value"), encoded)
                ):
                    self.add(item.start("value"), item.end("value"), "kubernetes_secret")

    # -- result -----------------------------------------------------------------------------------

    def _jwk(self, position: int) -> None:
        """The private members of a JSON Web Key (``"d"``, ``"p"``, ``"q"``, ``"dp"``, ``"dq"``,
        ``"qi"``, and ``"k"`` of a symmetric key) in the object holding ``"kty"``: a JSON or
        JavaScript object, a YAML mapping or flow mapping, a TOML table, a Go map printed on a line."""
        data = self.data
        if _rx[_JWK_KTY].match(data, position) is None:
            return
        line_start, line_end = _line_around(data, position)
        regions = [(line_start, line_end)]
        opening = data.rfind(b"{", max(0, position - 16384), position)
        if opening != -1 and -2 - opening not in self._blocks:
            self._blocks.add(-2 - opening)
            closing = data.find(b"}", position, position + 65536)
            regions.append((opening, self.size if closing == -1 else closing))
        lead = data[_content_start(data, line_start, position) : position]
        if not lead.strip(b" \t-"):
            regions.append(self._jwk_block(position - len(lead), line_end, len(lead), b"-" in lead))
        for region_start, region_end in regions:
            for member in _rx[_JWK_PRIVATE].finditer(data, region_start, region_end):
                if not is_placeholder(member.group("value").decode("ascii", "replace")):
                    self.add(member.start("value"), member.end("value"), "private_key", _TOKEN_PRIORITY)

    def _rsa_xml(self, position: int) -> None:
        """The private members of an RSA key in .NET's XML form (``<P>``, ``<Q>``, ``<DP>``, ``<DQ>``,
        ``<InverseQ>``, ``<D>``) up to the ``</RSAKeyValue>`` after *position*."""
        data = self.data
        end = self.low.find(b"</rsakeyvalue>", position, position + _RSA_XML_REACH)
        for member in _rx[_RSA_XML_PRIVATE].finditer(data, position, self.size if end == -1 else end):
            self.add(member.start("value"), member.end("value"), "private_key", _TOKEN_PRIORITY)

    def _sam_row(self, position: int) -> None:
        """The LM and NT hashes of a password-hash dump's row ending at the `:::` at *position* (not
        the hashes of the empty password, which are public)."""
        row = _rx[_SAM_ROW].search(self.data, max(0, position - 80), position + 3)
        if row is None:
            return
        for group in ("lm", "nt"):
            if not is_placeholder(row.group(group).decode("ascii")):
                self.add(row.start(group), row.end(group), "nt_hash", _TOKEN_PRIORITY)

    def _jwk_block(self, line_start: int, line_end: int, column: int, item: bool) -> tuple[int, int]:
        """The lines of the YAML mapping or TOML table whose member ``kty`` starts at *column* of
        the line at *line_start*: the lines around it whose members start at the same column (up to
        the list item's dash, or a blank line, a table's header or a less indented line)."""
        data = self.data
        start = line_start
        for _ in range(_JWK_LINES if not item else 0):
            previous_end = _previous_line_end(data, start)
            if previous_end == -1:
                break
            previous_start, _ = _line_around(data, previous_end)
            line = data[previous_start:previous_end]
            lead = len(line) - len(line.lstrip(b" \t-"))
            if lead != column or not line.strip() or line.lstrip().startswith(b"["):
                break
            start = previous_start
            if b"-" in line[:lead]:
                break  # the list item's first line
        end = line_end
        for _ in range(_JWK_LINES):
            following = _following_line(data, end)
            if following is None:
                break
            line = data[following[0] : following[1]]
            lead = len(line) - len(line.lstrip(b" \t"))
            if lead != column or not line.strip() or line.lstrip().startswith((b"[", b"-")):
                break
            end = following[1]
        return start, end

    def _protocol_login(self, position: int, pattern: re.Pattern[bytes]) -> None:
        """A mail protocol's login line: IMAP ``a001 LOGIN user PASSWORD``, ``a001 AUTHENTICATE PLAIN
        BASE64`` (the password is the last word)."""
        data = self.data
        if (
            not position
            or data[position - 1] not in _BLANKS_B
            or (_rx[_TAG_BEFORE].search(data, max(0, position - 24), position) is None)
        ):
            return  # prose ("failed to authenticate with …"): no tag alone before the verb
        line_start, line_end = _line_around(data, position)
        match = pattern.match(data, _content_start(data, line_start, position), line_end)
        if match is not None and match.start("verb") == position:
            group = "quoted" if match.group("quoted") is not None else "bare"
            value = match.group(group).decode("utf-8", "replace")
            if _lenient(value) or (pattern is _rx[_SASL_PLAIN] and not is_placeholder(value)):
                self.add(match.start(group), match.end(group), "password")

    def _ciphertext_block(self, position: int) -> None:
        """The values of a block or an object of ciphertext (Renovate's ``encrypted:``, a
        SealedSecret's ``encryptedData:``; YAML, JSON, also JSON-escaped): left alone."""
        data, low = self.data, self.low
        if position and low[position - 1] in _NAME_CHARS and low[position - 2 : position] not in _ESCAPES:
            return  # inside a longer name (`unencrypted:`)
        block = _rx[_CIPHERTEXT_BLOCK].match(low, position)
        if block is None:
            return
        if block.group("json") is not None:
            close = data.find(b"}", block.end(), block.end() + 65536)
            self._exempt.append((block.end(), self.size if close == -1 else close))
            return
        line_start, line_end = _line_around(data, position)
        before = data[_content_start(data, line_start, position) : position]
        gutter = _rx[_GUTTER].match(before)
        before = before[gutter.end() :] if gutter is not None else before
        # a line a patch adds (`+  encryptedData:`): each line's mark of a patch is no indentation
        patch = before.startswith(b"+")
        before = before[patch:]
        # `- encrypted:` in a list: the block is what is indented deeper than the name itself
        indent = len(before) if not before.strip(b" \t-") else _indent(before)
        end = line_end
        for _ in range(256):
            begin = _next_line(data, end)
            if begin == -1:
                break
            _, next_end = _line_around(data, begin)
            line = data[begin + patch : next_end]
            if line.strip() and _indent(line) <= indent:
                break
            end = next_end
        self._exempt.append((block.end(), end))

    def merged(self) -> list[tuple[int, int, str]]:
        """Non-overlapping spans; existing markers are never touched."""
        for start, end, _priority, kind in self.spans:
            if end - start == 64 and _hashed_key(self.data, start, end, kind):
                self._exempt.append((start, end))  # a key's digest in a gateway's key or spend record
        if self._exempt:
            self.spans = [
                span
                for span in self.spans
                if not any(low <= span[0] and span[1] <= high for low, high in self._exempt)
            ]
        if not self.spans:
            return []
        markers: list[tuple[int, int]] = []
        position = self.data.find(_MARKER_PREFIX_B)
        while position != -1:
            close = self.data.find(b"]", position)
            close = self.size if close == -1 else close + 1
            markers.append((position, close))
            position = self.data.find(_MARKER_PREFIX_B, close)
        ordered = sorted(self.spans, key=lambda s: (s[0], -s[1], s[2]))
        return _merge_overlapping(
            (start, end, kind)
            for start, end, _priority, kind in ordered
            if not any(start < m_end and end > m_start for m_start, m_end in markers)
        )


def _mixed(value: bytes) -> bool:
    """Whether *value* holds a digit, a lower-case and an upper-case letter."""
    return (
        not value.isupper()
        and not value.islower()
        and any(48 <= byte <= 57 for byte in value)
        and any(65 <= byte <= 90 for byte in value)
    )


def _row_cells(data: bytes, begin: int, end: int, most: int) -> list[re.Match[bytes]]:
    """The first *most* cells of a row between *begin* and *end*, apart by blanks or tabs (also
    JSON-escaped, `\\t`)."""
    cells: list[re.Match[bytes]] = []
    while len(cells) < most and (cell := _rx[_ROW_CELL].match(data, begin, end)) is not None:
        cells.append(cell)
        begin = cell.end()
    return cells


def _list_start(data: bytes, line_start: int, position: int) -> int:
    """Where the content of the line holding *position* starts, also when it is the first string
    of a JSON list (`"commands": ["username … secret 0 …", …]` of Ansible's output)."""
    content = _content_start(data, line_start, position)
    opening = data.rfind(b"[", content, position)
    if opening != -1:
        quote = _rx[_LIST_STRING].match(data, opening)
        if quote is not None:
            return quote.end()
    return content


def _merge_overlapping(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """*spans*, sorted by start (the longest first at a start), with those that overlap merged into
    one of the first one's kind."""
    result: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if result and start < result[-1][1]:
            if end > result[-1][1]:
                result[-1] = (result[-1][0], end, result[-1][2])
            continue
        result.append((start, end, kind))
    return result
