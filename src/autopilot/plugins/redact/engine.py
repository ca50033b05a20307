"""The detection engine of the built-in secret redactor (used by the ``redact_secrets`` plugin).

Design, for throughput (docs/redaction.md has the measured figures):

- The text is encoded to UTF-8 once and lower-cased once (``bytes.lower`` only touches ASCII, so byte
  offsets are the same in both copies). Every rule works on byte offsets.
- Two Aho-Corasick passes (``ahocorasick_rs``, SIMD in Rust) find every anchor at once: the literal
  start of each token prefix in the text, the context keywords in its lower-cased copy.
- **Token formats** (``ghp_…``, ``AKIA…``, JWTs, ``sk-ant-…``) all have a body of at least
  :data:`MIN_RUN` token characters. One ``bytes.translate`` maps token characters to ``a`` and the rest
  to ``.``, so the run holding a prefix anchor is one ``rfind`` away; one anchored match tells whether
  the run starts with a known prefix before a rule's regex is tried at that exact position.
- **Context secrets** (``password=…``, ``Authorization: Bearer …``, ``scheme://user:pass@host``, PEM
  blocks, Kubernetes ``data:``) start from keyword anchors (``pass``, ``secret``, ``token``, ``key``,
  ``auth``, ``://`` …). A name keyword counts only if a separator follows (one anchored match in C);
  each remaining hit is checked with anchored matches at the hit, never with a regex scan over the
  whole text.

Text without any anchor therefore costs one encode, one ``lower``, one ``translate`` and the two
passes, all in C. Replacements are ``[REDACTED:<kind>]``; markers never match any rule, and an
existing marker is never touched, so redaction is idempotent.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Final

from ahocorasick_rs import MATCHKIND_LEFTMOST_FIRST, BytesAhoCorasick

from autopilot.plugins.redact import rules

MARKER_PREFIX: Final = "[REDACTED:"
_MARKER_PREFIX_B: Final = MARKER_PREFIX.encode()

#: Shortest run of token characters that can hold a token-format secret (a JWT header is 19).
MIN_RUN: Final = 18
_TOKEN_CHARS: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_RUN_TABLE: Final = bytes(0x61 if c in _TOKEN_CHARS else 0x2E for c in range(256))
_LONG_RUN: Final = b"a" * MIN_RUN
_DOT: Final = b"."
# How far before a prefix anchor the start of its run is looked for.
_RUN_LOOKBACK: Final = 600


@dataclass(frozen=True, slots=True)
class Finding:
    """One secret: byte offsets into the UTF-8 text, its 1-based line, and the kind of secret."""

    start: int
    end: int
    kind: str
    line: int = 0


# ------------------------------------------------------------------------------------------------
# Value plausibility: what is a placeholder, what is code, what looks random

_REFERENCE = re.compile(
    # $VAR, ${VAR}, %VAR% (Windows, alone or before a path), %(name)s, {{ x }}, <% %>, <name>, {name} …
    r"^(?:\$\{?[A-Za-z_(]|%[A-Za-z_][A-Za-z0-9_]*%(?:$|[\\/.;:])|%\(|\{\{|<%|<[A-Za-z_ -]+>$"
    r"|\{[A-Za-z_]|!vault|ENC\[|\$\$)"
)
_CODE_VALUE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+\.?")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[0-9][0-9.,_]{0,7}")
_SECRET_WORDS: Final = re.compile("pass|pwd|secret|token|key|auth|cred")
_DIGIT: Final = re.compile(r"[0-9]")


_PLACEHOLDER_RX: Final = re.compile("|".join(re.escape(part) for part in rules.PLACEHOLDER_PARTS))


def is_placeholder(value: str) -> bool:
    """True for values that stand in for a secret: ``YOUR_API_KEY``, ``<token>``, ``${VAR}``, ``****``."""
    stripped = value.strip().strip("\"'`")
    lowered = stripped.lower()
    if not stripped or lowered in rules.PLACEHOLDER_WORDS or MARKER_PREFIX in stripped:
        return True
    if _REFERENCE.match(stripped) or "${" in stripped or "{{" in stripped:
        return True
    if len(lowered) >= 3 and len(set(lowered)) <= 2:  # xxxx, ****, ----, abab
        return True
    return _PLACEHOLDER_RX.search(lowered) is not None


def looks_random(body: str) -> bool:
    """At least two of lower case, upper case and digits: what generated secrets look like."""
    lower = upper = digit = False
    for char in body:
        if "a" <= char <= "z":
            lower = True
        elif "A" <= char <= "Z":
            upper = True
        elif "0" <= char <= "9":
            digit = True
    return lower + upper + digit >= 2


def _strong(value: str) -> bool:
    """Digits, upper and lower case together: a generated credential, not an identifier."""
    return value.lower() != value and value.upper() != value and _DIGIT.search(value) is not None


_MODULE_PATH: Final = re.compile(r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*){2,}(?::[a-z_][a-z0-9_]*)?")
_QUOTED_RHS: Final = re.compile(rb"[ \t]*(?P<quote>[\"'])(?P<value>[^\"'\n]*)(?P=quote)")


def _plausible_value(value: str, *, quoted: bool, code_context: bool, next_char: bytes) -> bool:
    """Whether the value assigned to a secret-named variable is itself a secret."""
    value = value.strip()
    if len(value) < 4:
        return False
    if not quoted:
        if next_char in (b"(", b"["):
            return False  # a call or a subscript: code, not a literal
        if _IDENTIFIER.fullmatch(value) and not _strong(value):
            lowered = value.lower()
            if _SECRET_WORDS.search(lowered):
                return False  # `token=access_token`, `password: db_password`
            if code_context and not any(c.isdigit() for c in value):
                return False  # `f(api_key=settings_value)`, `secret = value`
        elif (value.startswith(("/", "./", "../", "~/")) or _CODE_VALUE.fullmatch(value)) and not _strong(
            value
        ):
            return False  # a path or `self.token`, `os.environ`
    if _NUMBER.fullmatch(value) or is_placeholder(value):
        return False
    if _MODULE_PATH.fullmatch(value):
        return False  # `redact_secrets = "autopilot.plugins.redact"`: a dotted import path
    return value.lower().rstrip("!?") not in rules.PLACEHOLDER_WORDS


# ------------------------------------------------------------------------------------------------
# Token formats


@dataclass(frozen=True, slots=True)
class _TokenRule:
    kind: str
    pattern: re.Pattern[bytes]
    body_start: int = 0  # where the random part starts, for the plausibility check
    check_random: bool = False


def _token_rules() -> dict[bytes, tuple[_TokenRule, ...]]:
    """Each anchor of :data:`rules.TOKEN_FORMATS` and the formats to try there, in table order."""
    by_anchor: dict[bytes, list[_TokenRule]] = {}
    for token in rules.TOKEN_FORMATS:
        rule = _TokenRule(
            token.kind,
            re.compile((token.pattern + r"(?![A-Za-z0-9])").encode()),
            token.body_start,
            token.check_random,
        )
        for anchor in token.anchors:
            by_anchor.setdefault(anchor.encode(), []).append(rule)
    return {anchor: tuple(found) for anchor, found in by_anchor.items()}


def _prefix_classifier() -> re.Pattern[bytes]:
    """One anchored match telling whether a run (or the few bytes after an escape glued to it)
    starts with a known prefix; most runs (hashes, base64, identifiers) fail it in C."""
    guards = {anchor: token.guard for token in rules.TOKEN_FORMATS for anchor in token.anchors if token.guard}
    anchors = sorted(_TOKEN_RULES, key=len, reverse=True)
    alternatives = b"|".join(
        re.escape(anchor)
        + (b"(?=" + guards[anchor.decode()].encode() + b")" if anchor.decode() in guards else b"")
        for anchor in anchors
    )
    first = re.escape(bytes(sorted({anchor[0] for anchor in anchors})))
    return re.compile(
        # Glue: up to 5 alphanumerics, or whole words ending in "_"/"-" (skipped possessively, then the
        # prefix is tried after each separator); the lookahead rejects most positions with one test.
        rb"(?:[A-Za-z0-9]{0,5}?|(?:[A-Za-z0-9]{0,64}+[_\-]){1,64}?)(?=[" + first + rb"])"
        rb"(?P<prefix>" + alternatives + rb")"
        # Otherwise, a long stretch of plain base64 (images, blobs) is skipped in one step.
        rb"|(?P<blob>[A-Za-z0-9+/]{256,})"
    )


_TOKEN_RULES: Final = _token_rules()
_PREFIX_AT: Final = _prefix_classifier()
# How far into its run a prefix may start (glued to words by "_" or "-").
_MAX_GLUE: Final = 65
# The literal start of every token format (and Azure's "Q~"), found in one Aho-Corasick pass over the
# text; only the runs holding one are classified (short anchors such as "AC" and "SK" also hit words,
# which costs a cheap look at their run, never a miss).
_TOKEN_ANCHORS: Final = (*_TOKEN_RULES, b"Q~")
_AZURE_ANCHOR: Final = _TOKEN_ANCHORS.index(b"Q~")
# Prefixes that end in a non-token character ("SG.", "ya29.", "hvs."): their formats are tried right
# at the anchor, as the run of token characters starts only after them.
_DIRECT: Final = frozenset(i for i, anchor in enumerate(_TOKEN_ANCHORS) if _RUN_TABLE[anchor[-1]] != 0x61)
_TOKEN_SEARCH: Final = BytesAhoCorasick(list(_TOKEN_ANCHORS), matchkind=MATCHKIND_LEFTMOST_FIRST)
_AZURE_SECRET: Final = re.compile(rules.AZURE_CLIENT_SECRET.encode())
_AWS_SECRET_NEAR: Final = re.compile(rb"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_TWILIO_TOKEN_NEAR: Final = re.compile(rb"(?<![0-9a-fA-F])[0-9a-f]{32}(?![0-9a-fA-F])")
# A quoted 32-hex string in the lines after a mention of Twilio: its auth token passed as a literal
# (``Client(account_sid, "…")``), even with no SID or telling name beside it.
_TWILIO_QUOTED: Final = re.compile(rb"""(?P<q>\\{0,3}["'])(?P<value>[0-9a-f]{32})(?P=q)""")
_TWILIO_LINES: Final = 8


# ------------------------------------------------------------------------------------------------
# Secret-named variables

_CAMEL: Final = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_SPLIT: Final = re.compile(r"[_\-.]+")


def name_parts(name: str) -> list[str]:
    """``AZURE_CLIENT_SECRET`` / ``apiKey`` / ``x-api-key`` → lower-case words."""
    parts: list[str] = []
    for chunk in _SPLIT.split(name):
        parts.extend(word.lower() for word in _CAMEL.findall(chunk))
    return parts


def secret_name_kind(name: str) -> str | None:
    """The redaction kind for a variable/key/flag/header called *name*, or None if it is not secret."""
    parts = name_parts(name)
    if not parts or parts[-1] in rules.EXCLUDED_LAST or any(part in rules.EXCLUDED_ANY for part in parts):
        return None
    if parts[-1] == "authorization":  # also Proxy-Authorization, and glued escapes (\x1b[33mAuthorization)
        return "authorization"
    kind: str | None = None
    for index, part in enumerate(parts):
        if part == "key" and index and parts[index - 1] in rules.KEY_QUALIFIERS:
            kind = kind or ("private_key" if parts[index - 1] == "private" else "api_key")
        elif part in rules.STRONG_PARTS:
            kind = kind or ("password" if part.startswith("p") and part != "pat" else "secret")
        else:
            for word in rules.STRONG_SUBSTRINGS:
                if word in part:
                    if word.startswith("pass"):
                        kind = kind or "password"
                    elif word == "token":
                        kind = kind or "token"
                    elif word.endswith("key"):
                        kind = kind or "api_key"
                    else:
                        kind = kind or "secret"
                    break
    return kind


_NAME_KINDS: dict[bytes, str | None] = {}


def _name_kind(name: bytes) -> str | None:
    kind = _NAME_KINDS.get(name, "?")
    if kind == "?":
        kind = secret_name_kind(name.decode("ascii", "replace").lstrip("-"))
        if len(_NAME_KINDS) < 50_000:
            _NAME_KINDS[name] = kind
    return kind


# After a secret name: an optional closing quote, a separator, then a quoted or bare value.
_AFTER_NAME: Final = re.compile(
    rb"""(?P<q1>\\{0,3}["'`])?(?P<sp1>[ \t]*)(?P<sep>:=|=>|=(?![=~])|:(?![:/\\])|>)?(?P<sp2>[ \t]*)
    (?:[fbrFBR]{0,2}(?P<q2>\\{0,3}["'`])(?P<quoted>[^\n]{0,2000}?)(?P=q2)
      |(?P<bare>[^\s\x00-\x1f\x7f"'`,;&|<>(){}\[\]\\]{1,2000}))""",
    re.VERBOSE,
)
_AUTH_VALUE: Final = re.compile(
    rb"""(?P<q1>\\{0,3}["'`])?[ \t]*[:=][ \t]*(?:[fbrFBR]{0,2}(?P<q2>\\{0,3}["'`]))?[ \t]*
    (?:(?P<scheme>bearer|basic|token|digest|negotiate|ntlm|apikey|api-key|key|sso-key|otp
      |aws4-hmac-sha256)[ \t]+)?
    (?P<value>[^\s\x00-\x1f"'`\\,;][^\x00-\x1f"'`\\]{0,2000})""",
    re.VERBOSE | re.IGNORECASE,
)
_BEARER: Final = re.compile(rb"bearer[ \t]+(?P<value>[A-Za-z0-9._~+/=\-]{12,})", re.IGNORECASE)
_URL_CREDENTIALS: Final = re.compile(
    rb"://(?P<user>[^\s\x00-\x1f:/?#@\"'<>\\`]*):(?P<pw>[^\s\x00-\x1f/?#\"'<>\\`]+)@"
)
_URL_END: Final = re.compile(rb"[^\s\"'<>\\`]*")
_URL_SIGNATURE: Final = re.compile(
    rb"[?&](?:sig|signature|x-amz-signature|x-goog-signature|x-amz-security-token)=(?P<value>[^&#\s\"'<>\\`]+)"
)
_WEBHOOKS: Final = (
    (
        b"://hooks.slack.com/",
        re.compile(rb"://hooks\.slack\.com/(?:services|workflows|triggers)/(?P<value>[A-Za-z0-9+/_\-]{16,})"),
        "slack_webhook",
    ),
    (
        b"://discord",
        re.compile(
            rb"://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]+/(?P<value>[A-Za-z0-9_\-]{30,})"
        ),
        "discord_webhook",
    ),
)
_MYSQL_P: Final = re.compile(rb"[ \t]-p(?P<value>'[^'\n]+'|\"[^\"\n]+\"|[^\s\x00-\x1f'\"]+)")
_SSHPASS_P: Final = re.compile(rb"[ \t]+-p[ \t]*(?P<value>'[^'\n]+'|\"[^\"\n]+\"|[^\s'\"]+)")
_PEM_END: Final = re.compile(rb"-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----")
_PEM_BODY: Final = re.compile(rb"(?:[A-Za-z0-9+/=\s:,\-\\]|\\n)*")
_KIND_SECRET: Final = re.compile(rb"kind[\"'\\]*[ \t]*:[ \t]*[\"'\\]*secret(?![a-z])")
_K8S_YAML_DATA: Final = re.compile(rb"(?m)^(?P<indent>[ \t]*)(?:data|stringdata):[ \t]*$")
_K8S_YAML_ITEM: Final = re.compile(
    rb"[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|[A-Za-z0-9_.\-]+)[ \t]*:[ \t]*(?P<value>\S[^\n]*?)[ \t]*$"
)
_K8S_JSON_DATA: Final = re.compile(rb"\"(?:data|stringdata)\"[ \t]*:[ \t]*\{")
_K8S_JSON_ITEM: Final = re.compile(rb"\"[^\"\n]*\"[ \t]*:[ \t]*\"(?P<value>[^\"\n]*)\"")

# After a name keyword: the rest of the name, an optional closing quote and a separator, or (for a flag
# such as --api-key) blanks and a value. Only such hits can hold a value, so the many "tokens",
# "keyboard" or "token." hits cost one match in C.
_NAME_SHAPE: Final = re.compile(
    rb"""[a-z0-9_\-]{0,48}(?:(?P<sep>(?:\\{0,3}["'`])?[ \t]*(?::=|=>|=(?!=)|:(?![:/\\])|>))|[ \t]+[^\s-])"""
)
# Flags take their value after a space: --password VALUE, --api-key VALUE.
_FLAG: Final = re.compile(
    rb"--[a-z0-9\-]{0,48}?(?:pass|pwd|secret|token|key|auth|cred)[a-z0-9\-]{0,48}[ \t]+[^\s-]"
)
# A cookie header ("Cookie:", "Set-Cookie:", "cookie": "…" in JSON, cookie=…): up to its first pair.
_COOKIE_HEADER: Final = re.compile(rb"""cookie(?:\\{0,3}["'`])?[ \t]*[:=][ \t]*(?:\\{0,3}["'`])?""")
# One name=value pair of a cookie header, and the "; " before the next one.
_COOKIE_PAIR: Final = re.compile(
    rb"""[ \t]*(?P<name>[^=;\s"'`\\,]{1,128})=(?P<value>[^;\s"'`\\,]{0,4096})[ \t]*(?P<more>;)?"""
)
# Set-Cookie attributes: never a secret.
_COOKIE_ATTRIBUTES: Final = frozenset(
    [
        b"path",
        b"domain",
        b"expires",
        b"max-age",
        b"samesite",
        b"secure",
        b"httponly",
        b"priority",
        b"partitioned",
    ]
)
# Cookie names that say the value is a credential: even a short value goes.
_SECRET_COOKIE: Final = re.compile(
    rb"sess|sid|token|auth|jwt|csrf|xsrf|remember|login|key|secret|pass|identity|connect", re.IGNORECASE
)
_BLANKS: Final = (b" ", b"\t")
# curl's flags that carry credentials; the literal "-" first lets the regex engine skip ahead quickly.
_CURL_FLAG: Final = re.compile(rb"-(?:-user|-proxy-user|-cookie|[uUb])")
_COOKIE_FLAGS: Final = (b"-b", b"--cookie")
_BEFORE_FLAG: Final = frozenset(b" \t\"'")
# -u/--user and -U/--proxy-user USER:PASSWORD (quoted, also JSON-escaped, or bare).
_CURL_USER: Final = re.compile(
    rb"""(?:-u|--user|-U|--proxy-user)(?:[ \t]+|=)?
    (?:\\{0,3}"[^"\n:\\]*:(?P<dq>[^"\n\\]+)\\{0,3}"
      |\\{0,3}'[^'\n:\\]*:(?P<sq>[^'\n\\]+)\\{0,3}'
      |(?:[^\s:"'`\-\\][^\s:"'`\\]*)?:(?P<bare>[^\s"'`\\]+))""",
    re.VERBOSE,
)
# -b/--cookie 'name=value; …' (a file name has no "=").
_CURL_COOKIE: Final = re.compile(rb"""(?:-b|--cookie)(?:[ \t]+|=)(?:\\{0,3}["'])?""")
# After "://": only credentials, webhook hosts and signed query strings need a closer look.
_URL_INTERESTING: Final = re.compile(
    rb"://(?:[^\s/@\"'<>\\`]*@|hooks\.slack\.com/|(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/"
    rb"|[^\s\"'<>\\`?]*\?[^\s\"'<>\\`]*?(?:sig|signature|security-token)=)"
)
# Every anchor of the context rules, found in one Aho-Corasick pass over the lower-cased text (at one
# position the first listed wins). The first eight start secret names.
_ANCHORS: Final = (
    b"pass",
    b"pwd",
    b"secret",
    b"token",
    b"key",
    b"author",  # before "auth": git's "Author:" lines are not secrets, see keywords()
    b"auth",
    b"cred",
    b"://",
    b"bearer",
    b"mysql",
    b"mariadb",
    b"private key",
    b"sshpass",
    b"kind",
    b"cookie",
    b"curl",
    b"twilio",
)
_NAME_ANCHORS: Final = 8
_AT_AUTHOR: Final = _ANCHORS.index(b"author")
_AUTHOR: Final = (b"Author", b"author", b"AUTHOR")
(
    _AT_URL,
    _AT_BEARER,
    _AT_MYSQL,
    _AT_MARIADB,
    _AT_PRIVATE_KEY,
    _AT_SSHPASS,
    _AT_KIND,
    _AT_COOKIE,
    _AT_CURL,
    _AT_TWILIO,
) = range(_NAME_ANCHORS, len(_ANCHORS))
_ANCHOR_SEARCH: Final = BytesAhoCorasick(list(_ANCHORS), matchkind=MATCHKIND_LEFTMOST_FIRST)
# The search does not report a match that overlaps an earlier one ("sshpass" hides its "pass",
# "private key" its "key"): for each anchor, the (offset, anchor) pairs that can start inside it.
_HIDDEN: Final = tuple(
    tuple(
        (offset, j)
        for offset in range(1, len(outer))
        for j, inner in enumerate(_ANCHORS)
        if outer[offset : offset + len(inner)] == inner[: len(outer) - offset]
    )
    for outer in _ANCHORS
)

# Priority when two findings cover exactly the same bytes: the more specific kind wins.
_TOKEN_PRIORITY: Final = 0
_CONTEXT_PRIORITY: Final = 1


_ANSI_TAIL: Final = re.compile(rb"[0-9;]*m(?=[A-Za-z_\-])")
_UNICODE_ESCAPE_TAIL: Final = re.compile(rb"u[0-9a-fA-F]{4}(?=[A-Za-z_\-])")


def _unglue(data: bytes, name_start: int) -> int:
    """Skip the tail of an escape glued to a name: ``\\nPASSWORD``, ``\\u001b[33mtoken``, ``\x1b[1mkey``."""
    if not name_start:
        return name_start
    before = data[name_start - 1]
    if before == 0x5C:  # backslash: \n, \t, \r or \uXXXX
        tail = _UNICODE_ESCAPE_TAIL.match(data, name_start)
        return tail.end() if tail else name_start + 1
    if before in (0x5B, 0x3B):  # "[" or ";": an ANSI colour sequence
        tail = _ANSI_TAIL.match(data, name_start)
        return tail.end() if tail else name_start
    return name_start


def _git_author(data: bytes, runs: bytes, start: int, end: int) -> bool:
    """Whether the "author" anchor at *start* is a whole name "Author" (git log), never a secret."""
    return (
        data[start : start + 6] in _AUTHOR
        and (not start or runs[start - 1] == 0x2E)
        and runs[end : end + 1] != b"a"
    )


def _curl_command(low: bytes, start: int) -> bool:
    """Whether the "curl" at *start* is the curl command (a word of its own, followed by a blank;
    also after an escaped line break or an ANSI colour)."""
    return low[start + 4 : start + 5] in _BLANKS and (
        not start
        or low[start - 1] in _BEFORE_COMMAND
        or low[start - 2 : start] in _ESCAPES
        or (low[start - 1] == 0x6D and _ANSI_BEFORE.search(low, max(0, start - 24), start) is not None)
    )


_ANSI_BEFORE: Final = re.compile(rb"(?:\x1b|\\u001b|\\x1b|\\e|\\033)\[[0-9;]*m$")


def _curl_end(data: bytes, position: int, limit: int) -> int:
    """Where the command at *position* ends: at a line break not continued by a backslash (also
    JSON-escaped), or at a pipe, ampersand, semicolon, parenthesis or backtick outside quotes."""
    end = position
    while True:
        newline = data.find(b"\n", end, limit)
        escaped = data.find(b"\\n", end, newline if newline != -1 else limit)
        if escaped != -1:
            # A JSON-escaped backslash and line break: the command goes on.
            if data[escaped - 2 : escaped] == b"\\\\":
                end = escaped + 2
                continue
            end = escaped
            break
        if newline == -1:
            end = limit
            break
        if data[newline - 1 : newline] != b"\\" and data[newline - 2 : newline] != b"\\\r":
            end = newline
            break
        end = newline + 1
    stop = _COMMAND_END.search(data, position, end)
    while stop is not None:
        at = stop.start()
        if not (data.count(b"'", position, at) % 2 or data.count(b'"', position, at) % 2):
            return at
        stop = _COMMAND_END.search(data, at + 1, end)
    return end


_COMMAND_END: Final = re.compile(rb"[|&;()`]")


_BEFORE_COMMAND: Final = frozenset(b" \t\n\r\x00(|;&`'\"$>/=")
_ESCAPES: Final = (b"\\n", b"\\t", b"\\r")  # JSON-escaped line breaks and tabs


def _name_hit(low: bytes, start: int, end: int) -> bool:
    """Whether the name keyword at *start*..*end* is followed by what keywords() needs to go on:
    the rest of a name and a separator, or a flag (``--api-key VALUE``)."""
    shape = _NAME_SHAPE.match(low, end)
    if shape is None:
        return False
    if shape.lastgroup == "sep":
        return True
    dashes = low.rfind(b"--", max(0, start - 50), start)
    return dashes != -1 and _FLAG.match(low, dashes) is not None


class _Scan:
    """Findings for one text; every method adds (start, end, priority, kind) spans."""

    __slots__ = ("_blocks", "_names", "data", "low", "runs", "size", "spans")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.low = data.lower()
        self.runs = data.translate(_RUN_TABLE)
        self.size = len(data)
        self.spans: list[tuple[int, int, int, str]] = []
        self._names: set[int] = set()  # name starts already judged (``secret_key`` hits twice)
        self._blocks: set[int] = set()  # PEM blocks and Kubernetes documents already handled

    def add(self, start: int, end: int, kind: str, priority: int = _CONTEXT_PRIORITY) -> None:
        if end > start:
            self.spans.append((start, end, priority, kind))

    def _line_bounds(self, position: int, *, limit: int = 4096) -> tuple[int, int]:
        start = self.data.rfind(b"\n", max(0, position - limit), position) + 1 or max(0, position - limit)
        end = self.data.find(b"\n", position, position + limit)
        return start, (end if end != -1 else min(self.size, position + limit))

    # -- token formats ----------------------------------------------------------------------------

    def tokens(self) -> None:
        data, runs, classify = self.data, self.runs, _PREFIX_AT.match
        resume = 0  # runs before this (inside a token found, or a base64 blob) are done
        seen: set[int] = set()
        for index, start, _end in _TOKEN_SEARCH.find_matches_as_indexes(data):
            if index == _AZURE_ANCHOR:
                # Azure AD client secrets contain `~` and `.`, which split runs; `Q~` is anchor enough.
                match = _AZURE_SECRET.match(data, start - 4) if start >= 4 else None
                if match and looks_random(match.group().decode("ascii", "replace")):
                    self.add(match.start(), match.end(), "azure_client_secret", _TOKEN_PRIORITY)
                continue
            if index in _DIRECT:
                # A prefix ending in a dot ("SG.", "ya29.", "hvs.") is distinctive enough on its own.
                if start >= resume:
                    resume = max(resume, self._token_at(start, _TOKEN_ANCHORS[index], data))
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
        for rule in _TOKEN_RULES[anchor]:
            match = rule.pattern.match(data, at)
            if match is None:
                continue
            token = match.group().decode("ascii", "replace")
            if is_placeholder(token) or (rule.check_random and not looks_random(token[rule.body_start :])):
                continue
            self.add(at, match.end(), rule.kind, _TOKEN_PRIORITY)
            self._near(rule.kind, at, match.end())
            return match.end()
        return 0

    def _near(self, kind: str, start: int, end: int) -> None:
        """The secret half of a pair: an AWS secret key near its key id, a Twilio token near its SID."""
        if kind == "aws_access_key_id":
            pattern, found = _AWS_SECRET_NEAR, "aws_secret_access_key"
        elif kind.startswith("twilio"):
            pattern, found = _TWILIO_TOKEN_NEAR, "twilio_auth_token"
        else:
            return
        line_start, line_end = self._line_bounds(start, limit=512)
        next_end = self.data.find(b"\n", line_end + 1, line_end + 512)
        window_end = next_end if next_end != -1 else min(self.size, line_end + 512)
        for match in pattern.finditer(self.data, line_start, window_end):
            if match.start() < end and match.end() > start:
                continue
            text = match.group().decode("ascii")
            if looks_random(text) and (kind != "aws_access_key_id" or not text.islower()):
                self.add(match.start(), match.end(), found)

    # -- keyword anchors --------------------------------------------------------------------------

    def keywords(self) -> None:
        data, low, runs = self.data, self.low, self.runs
        hits: list[tuple[int, int]] = []  # (position, length) of secret-name keywords before a separator
        bearer_end = mysql_end = 0
        # Locals: this loop runs for every anchor hit (about 5,000 per MB), globals cost a lookup each.
        shaped, interesting, hidden_in = _NAME_SHAPE.match, _URL_INTERESTING.match, _HIDDEN
        name_anchors, at_author, at_url = _NAME_ANCHORS, _AT_AUTHOR, _AT_URL
        batch = _ANCHOR_SEARCH.find_matches_as_indexes(low)
        while batch:
            hidden: list[tuple[int, int, int]] = []
            for index, start, end in batch:
                inside = hidden_in[index]
                if inside:
                    for offset, inner in inside:
                        if low.startswith(_ANCHORS[inner], start + offset):
                            at = start + offset
                            hidden.append((inner, at, at + len(_ANCHORS[inner])))
                if index < name_anchors:
                    if index == at_author:
                        # A whole name "Author" (git log) is never secret; anything else is an "auth" hit.
                        if _git_author(data, runs, start, end):
                            continue
                        end = start + 4
                    shape = shaped(low, end)
                    if shape is None:
                        continue
                    if shape.lastgroup == "sep":
                        hits.append((start, end - start))
                    else:
                        self._flag_hit(start, hits)
                elif index == at_url:
                    if interesting(low, start):
                        self._url(start)
                elif index == _AT_BEARER:
                    if start >= bearer_end:
                        bearer_end = self._bearer(start)
                elif index in (_AT_MYSQL, _AT_MARIADB):
                    if start >= mysql_end:
                        mysql_end = self._mysql(start)
                elif index == _AT_PRIVATE_KEY:
                    self._pem(start + 8)
                elif index == _AT_SSHPASS:
                    self._sshpass(end)
                elif index == _AT_KIND:
                    kind = _KIND_SECRET.match(low, start)
                    if kind is not None:
                        self._kubernetes(kind.end() - 6)
                elif index == _AT_COOKIE:
                    header = _COOKIE_HEADER.match(low, start)
                    if header is not None:
                        self._cookies(header.end(), first_only=low[start - 4 : start] == b"set-")
                elif index == _AT_TWILIO:
                    self._twilio(start)
                elif _curl_command(low, start):
                    self._curl(start)
            batch = hidden
        if hits:
            self._names_at(hits)

    def _flag_hit(self, start: int, hits: list[tuple[int, int]]) -> None:
        dashes = self.low.rfind(b"--", max(0, start - 50), start)
        if dashes != -1 and _FLAG.match(self.low, dashes):
            hits.append((dashes + 2, 2))

    def _names_at(self, hits: list[tuple[int, int]]) -> None:
        """Judge the name around each keyword hit and, if it is secret-named, the value after it."""
        data, runs, size = self.data, self.runs, self.size
        names, kinds = self._names, _NAME_KINDS
        for position, length in hits:
            name_start = runs.rfind(_DOT, max(0, position - 64), position) + 1 or max(0, position - 64)
            if name_start in names:
                continue
            names.add(name_start)
            if name_start and data[name_start - 1] in (0x5C, 0x5B, 0x3B):  # "\\", "[" or ";"
                name_start = _unglue(data, name_start)
            name_end = runs.find(_DOT, position + length, position + 64)
            if name_end == -1:
                name_end = min(size, position + 64)
            name = data[name_start:name_end]
            kind = kinds.get(name, "?")
            if kind == "?":
                kind = _name_kind(name)
            if kind == "authorization":
                self._authorization(name_end)
            elif kind is not None:
                self._assignment(name, name_start, name_end, kind)

    def _assignment(self, name: bytes, name_start: int, name_end: int, kind: str) -> int:
        data = self.data
        match = _AFTER_NAME.match(data, name_end)
        if match is None:
            return name_end
        q1, sp1, sep, _, q2, _, _ = match.groups()
        flag = name.startswith(b"-") or b"--" in name
        previous = data[name_start - 1 : name_start]
        if sep is None:
            if not (flag and sp1 and q1 is None):
                return name_end
        elif sep == b">" and previous != b"<":
            return name_end
        quoted = q2 is not None
        value_start, value_end = match.span("quoted" if quoted else "bare")
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
        if yaml:
            # YAML: a bare value runs to the end of the line (minus a trailing comment).
            line_end = data.find(b"\n", value_end)
            line_end = self.size if line_end == -1 else line_end
            rest = data[value_start:line_end]
            comment = rest.find(b" #")
            rest = rest[:comment] if comment != -1 else rest
            first = data[value_start:value_end].decode("utf-8", "replace")
            equals = rest.find(b" = ")
            if equals != -1:
                # `api_key: str | None = None`, `TOKEN: Final = re.compile(...)`: a Python annotation.
                # The annotation is never the secret; only a string literal assigned to the name is.
                literal = _QUOTED_RHS.match(data, value_start + equals + 3)
                if literal is None:
                    return value_end
                value_start, value_end = literal.span("value")
                quoted = True
            elif first.lower() not in rules.PLACEHOLDER_WORDS:
                value_end = value_start + len(rest.rstrip())
        value = data[value_start:value_end].decode("utf-8", "replace")
        if flag and value.startswith("-"):
            return name_end
        next_char = data[value_end : value_end + 1]
        if _plausible_value(value, quoted=quoted, code_context=code_context, next_char=next_char):
            self.add(value_start, value_end, kind)
        return value_end

    def _at_line_start(self, position: int) -> bool:
        line_start = self.data.rfind(b"\n", max(0, position - 200), position) + 1
        prefix = self.data[line_start:position].strip()
        return prefix in (b"", b"-", b"export", b"set") or (line_start == 0 and position < 200 and not prefix)

    def _authorization(self, name_end: int) -> int:
        match = _AUTH_VALUE.match(self.data, name_end)
        if match is None:
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
        if not is_placeholder(text) and len(text.strip()) >= 4 and not text.lower().startswith("{"):
            self.add(start, end, "authorization", _TOKEN_PRIORITY)
        return end

    def _bearer(self, position: int) -> int:
        match = _BEARER.match(self.data, position)
        if match is None:
            return position + 6
        value = match.group("value").decode("ascii")
        if not is_placeholder(value) and looks_random(value) and any(c.isdigit() for c in value):
            self.add(match.start("value"), match.end("value"), "bearer_token")
        return match.end()

    def _url(self, position: int) -> int:
        data, low = self.data, self.low
        match = _URL_CREDENTIALS.match(data, position)
        if match is not None:
            password = match.group("pw").decode("utf-8", "replace")
            if not is_placeholder(password) and password.lower() not in ("pass", "pwd", "pw", "passwd"):
                self.add(match.start("pw"), match.end("pw"), "url_password")
        url_end = _URL_END.match(data, position + 3).end()
        for prefix, pattern, kind in _WEBHOOKS:
            if low.startswith(prefix, position):
                hook = pattern.match(data, position)
                if hook is not None:
                    self.add(hook.start("value"), hook.end("value"), kind, _TOKEN_PRIORITY)
        if (
            low.find(b"sig", position, url_end) != -1
            or low.find(b"x-amz-security-token", position, url_end) != -1
        ):
            for signature in _URL_SIGNATURE.finditer(low, position, url_end):
                self.add(signature.start("value"), signature.end("value"), "url_signature")
        return position + 3

    def _mysql(self, position: int) -> int:
        _, line_end = self._line_bounds(position)
        for match in _MYSQL_P.finditer(self.data, position, line_end):
            value = match.group("value").decode("utf-8", "replace").strip("'\"")
            if not is_placeholder(value):
                self.add(match.start("value"), match.end("value"), "password")
        return line_end

    def _sshpass(self, name_end: int) -> None:
        match = _SSHPASS_P.match(self.data, name_end)
        if match is not None and not is_placeholder(
            match.group("value").decode("utf-8", "replace").strip("'\"")
        ):
            self.add(match.start("value"), match.end("value"), "password")

    def _cookies(self, position: int, *, first_only: bool) -> None:
        """The values of the name=value pairs of a cookie header from *position* (Set-Cookie: the first)."""
        data = self.data
        for _ in range(64):
            pair = _COOKIE_PAIR.match(data, position)
            if pair is None:
                return
            name, value = pair.group("name"), pair.group("value")
            size = len(value)
            if size >= 4 and name.lower() not in _COOKIE_ATTRIBUTES:
                text = value.decode("utf-8", "replace")
                if (
                    _SECRET_COOKIE.search(name) is not None or (size >= 8 and looks_random(text))
                ) and not is_placeholder(text):
                    self.add(pair.start("value"), pair.end("value"), "cookie")
            if first_only or pair.group("more") is None:
                return
            position = pair.end()

    def _curl(self, position: int) -> None:
        """A curl command line (with continuation lines): -u USER:PASSWORD and -b/--cookie pairs."""
        data = self.data
        end = _curl_end(data, position, min(self.size, position + 4096))
        flag = _CURL_FLAG.search(data, position, end)
        while flag is not None:
            at = flag.start()
            if data[at - 1] in _BEFORE_FLAG:
                if flag.group() in _COOKIE_FLAGS:
                    cookie = _CURL_COOKIE.match(data, at, end)
                    if cookie is not None:
                        self._cookies(cookie.end(), first_only=False)
                else:
                    user = _CURL_USER.match(data, at, end)
                    if user is not None:
                        group = user.lastgroup or "bare"
                        if not is_placeholder(user.group(group).decode("utf-8", "replace")):
                            self.add(user.start(group), user.end(group), "password")
            flag = _CURL_FLAG.search(data, flag.end(), end)

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
        for match in _TWILIO_QUOTED.finditer(data, line_start, end):
            if looks_random(match.group("value").decode("ascii")):
                self.add(match.start("value"), match.end("value"), "twilio_auth_token")

    def _pem(self, key_start: int) -> None:
        low = self.low
        begin = low.rfind(b"-----begin", max(0, key_start - 48), key_start)
        if begin == -1 or b"private" not in low[begin:key_start] or begin in self._blocks:
            return
        self._blocks.add(begin)
        end = _PEM_END.search(self.data, key_start, key_start + 65536)
        if end is not None:
            self.add(begin, end.end(), "private_key", _TOKEN_PRIORITY)
            return
        # No END line (truncated output): fail closed over everything that still looks like key body.
        header_end = self.data.find(b"-----", key_start) + 5
        body = _PEM_BODY.match(self.data, header_end)
        self.add(begin, body.end() if body else header_end, "private_key", _TOKEN_PRIORITY)

    def _kubernetes(self, position: int) -> None:
        low = self.low
        if not _KIND_SECRET.match(low, max(0, position - 16)) and not _KIND_SECRET.search(
            low, max(0, position - 16), position + 8
        ):
            return
        doc_start = low.rfind(b"\n---", 0, position) + 1
        doc_end = low.find(b"\n---", position)
        doc_end = self.size if doc_end == -1 else doc_end
        if -1 - doc_start in self._blocks:
            return
        self._blocks.add(-1 - doc_start)
        data = self.data
        for block in _K8S_YAML_DATA.finditer(low, doc_start, doc_end):
            indent = len(block.group("indent"))
            line_start = block.end() + 1
            while line_start < doc_end:
                line_end = data.find(b"\n", line_start, doc_end)
                line_end = doc_end if line_end == -1 else line_end
                line = data[line_start:line_end]
                if line.strip():
                    if len(line) - len(line.lstrip(b" \t")) <= indent:
                        break
                    item = _K8S_YAML_ITEM.match(data, line_start, line_end)
                    if item is not None and not is_placeholder(
                        item.group("value").decode("utf-8", "replace")
                    ):
                        self.add(item.start("value"), item.end("value"), "kubernetes_secret")
                line_start = line_end + 1
        for block in _K8S_JSON_DATA.finditer(low, doc_start, doc_end):
            close = data.find(b"}", block.end(), doc_end)
            close = doc_end if close == -1 else close
            for item in _K8S_JSON_ITEM.finditer(data, block.end(), close):
                if not is_placeholder(item.group("value").decode("utf-8", "replace")):
                    self.add(item.start("value"), item.end("value"), "kubernetes_secret")

    # -- result -----------------------------------------------------------------------------------

    def merged(self) -> list[tuple[int, int, str]]:
        """Non-overlapping spans; existing markers are never touched."""
        if not self.spans:
            return []
        markers: list[tuple[int, int]] = []
        position = self.data.find(_MARKER_PREFIX_B)
        while position != -1:
            close = self.data.find(b"]", position)
            close = self.size if close == -1 else close + 1
            markers.append((position, close))
            position = self.data.find(_MARKER_PREFIX_B, close)
        result: list[tuple[int, int, str]] = []
        for start, end, _priority, kind in sorted(self.spans, key=lambda s: (s[0], -s[1], s[2])):
            if any(start < m_end and end > m_start for m_start, m_end in markers):
                continue
            if result and start < result[-1][1]:
                if end > result[-1][1]:
                    result[-1] = (result[-1][0], end, result[-1][2])
                continue
            result.append((start, end, kind))
        return result


def _scan(data: bytes) -> list[tuple[int, int, str]]:
    scan = _Scan(data)
    scan.tokens()
    scan.keywords()
    return scan.merged()


def _apply(data: bytes, spans: list[tuple[int, int, str]]) -> tuple[bytes, list[tuple[int, int]]]:
    """The text with markers in place of *spans*, and where each marker now is."""
    out = bytearray()
    placed: list[tuple[int, int]] = []
    last = 0
    for start, end, kind in spans:
        out += data[last:start]
        marker = b"[REDACTED:" + kind.encode() + b"]"
        placed.append((len(out), len(out) + len(marker)))
        out += marker
        last = end
    out += data[last:]
    return bytes(out), placed


def _windows(data: bytes, placed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Whole lines (at most 2 KiB either side) around each marker, merged."""
    windows: list[tuple[int, int]] = []
    for start, end in placed:
        low = data.rfind(b"\n", max(0, start - 2048), start) + 1 or max(0, start - 2048)
        high = data.find(b"\n", end, end + 2048)
        high = min(len(data), end + 2048) if high == -1 else high
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(high, windows[-1][1]))
        else:
            windows.append((low, high))
    return windows


def redact_text(text: str) -> str:
    """*text* with every secret replaced by ``[REDACTED:<kind>]``. Idempotent."""
    if not text:
        return text
    data = text.encode("utf-8", "surrogatepass")
    spans = _scan(data)
    if not spans:
        return text
    # Replacing a secret can expose a neighbour (``password=ab[REDACTED:x]``): re-scan the lines around
    # each marker until nothing changes, so that redacting the output again changes nothing.
    for _ in range(4):
        data, placed = _apply(data, spans)
        spans = []
        for low, high in _windows(data, placed):
            spans.extend((start + low, end + low, kind) for start, end, kind in _scan(data[low:high]))
        if not spans:
            break
    return data.decode("utf-8", "surrogatepass")


# Joins the texts of a batch for :func:`needs_redaction`: no anchor and no token character contains
# it, so no anchor or run of token characters spans two texts.
_SEPARATOR: Final = "\x00"
_PLUS_ONE: Final = (1).__add__  # a text's length plus its separator, without a Python call


def needs_redaction(texts: Sequence[str]) -> set[int]:
    """The indexes of the *texts* that :func:`redact_text` may change, found in one scan of them all.

    Every other text is one that :func:`redact_text` returns unchanged. The texts are joined with a
    NUL byte and searched once with the engine's own two Aho-Corasick automata; a text is left out
    only if none of its anchors passes the first check the engine itself makes at that anchor before
    it can report anything (a long enough run of token characters, a separator after a secret name, a
    credential or signature after ``://``, a value after ``bearer``, ``kind: Secret``).

    Why joining cannot hide anything: no anchor contains NUL, so every match lies inside one text,
    and a leftmost-first search finds in each text exactly the anchors it finds in that text alone
    (each match depends only on the bytes from its start on, and the search enters every text
    outside any match). The checks see the same bytes as in the text alone: NUL ends runs of token
    characters and names, as a text's end does, and is neither a separator nor a value; where a
    check could read past a text's end, NUL can only make it pass, which costs a needless full scan
    of that text, never a miss.
    """
    if not texts:
        return set()
    joined = _SEPARATOR.join(texts)
    data = joined.encode("utf-8", "surrogatepass")
    hits: list[int] = []  # where an anchor passed its check
    runs: bytes | None = None
    for index, start, _end in _TOKEN_SEARCH.find_matches_as_indexes(data):
        if index == _AZURE_ANCHOR:
            # tokens() tries the Azure pattern from 4 bytes before "Q~" (a NUL there fails it).
            hit = start >= 4 and _AZURE_SECRET.match(data, start - 4) is not None
        elif index in _DIRECT:
            hit = True  # rare and distinctive: always a full scan
        else:
            if runs is None:
                runs = data.translate(_RUN_TABLE)
            # tokens() only looks at a run of MIN_RUN token characters holding the anchor, if it
            # starts at most _RUN_LOOKBACK bytes before it.
            floor = max(0, start - _RUN_LOOKBACK - 1)
            run = runs.rfind(_DOT, floor, start) + 1
            hit = (run > 0 or floor == 0) and runs.startswith(_LONG_RUN, run)
        if hit:
            hits.append(start)
    low = data.lower()
    batch = _ANCHOR_SEARCH.find_matches_as_indexes(low)
    while batch:  # as in keywords(): the anchors found, then those hidden inside them
        hidden: list[tuple[int, int, int]] = []
        for index, start, end in batch:
            for offset, inner in _HIDDEN[index]:
                if low.startswith(_ANCHORS[inner], start + offset):
                    at = start + offset
                    hidden.append((inner, at, at + len(_ANCHORS[inner])))
            # The check keywords() makes at each kind of anchor before it can report anything.
            if index < _NAME_ANCHORS:
                if index == _AT_AUTHOR:
                    if runs is None:
                        runs = data.translate(_RUN_TABLE)
                    if _git_author(data, runs, start, end):
                        continue
                    end = start + 4
                hit = _name_hit(low, start, end)
            elif index == _AT_URL:
                hit = _URL_INTERESTING.match(low, start) is not None
            elif index == _AT_BEARER:
                hit = _BEARER.match(data, start) is not None
            elif index == _AT_KIND:
                hit = _KIND_SECRET.match(low, start) is not None
            elif index == _AT_COOKIE:
                hit = _COOKIE_HEADER.match(low, start) is not None
            elif index == _AT_CURL:
                hit = _curl_command(low, start)
            else:
                hit = True  # mysql, mariadb, private key, sshpass: rare, always a full scan
            if hit:
                hits.append(start)
        batch = hidden
    if not hits:
        return set()
    # Where each text starts in the joined bytes (ASCII: characters are bytes).
    if len(data) == len(joined):
        lengths: Iterable[int] = map(len, texts)
    else:
        lengths = (len(t) if t.isascii() else len(t.encode("utf-8", "surrogatepass")) for t in texts)
    starts = list(accumulate(map(_PLUS_ONE, lengths), initial=0))
    return {bisect_right(starts, start) - 1 for start in hits}


def find_secrets(text: str) -> list[Finding]:
    """Every secret in *text* (without changing it), with its line number; for ``redact --check``."""
    if not text:
        return []
    data = text.encode("utf-8", "surrogatepass")
    findings = []
    for start, end, kind in _scan(data):
        findings.append(Finding(start, end, kind, data.count(b"\n", 0, start) + 1))
    return findings


#: Exposed for the benchmark and tests: every kind the engine can report.
KINDS: Final = tuple(
    sorted(
        {rule.kind for rules in _TOKEN_RULES.values() for rule in rules}
        | {
            "azure_client_secret",
            "aws_secret_access_key",
            "twilio_auth_token",
            "password",
            "secret",
            "token",
            "api_key",
            "authorization",
            "bearer_token",
            "url_password",
            "url_signature",
            "slack_webhook",
            "discord_webhook",
            "private_key",
            "kubernetes_secret",
            "cookie",
        }
    )
)

Redactor = Callable[[str], str]
