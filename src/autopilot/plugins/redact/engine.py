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

import base64
import re
import urllib.parse
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate, pairwise
from typing import Any, Final

from ahocorasick_rs import MATCHKIND_LEFTMOST_FIRST, BytesAhoCorasick

from autopilot.plugins.redact import rules


class _Compiled(dict[str | bytes, "re.Pattern[Any]"]):
    """The engine's patterns by their sources, each compiled on its first use (``_rx[_NAME]``): every
    command redacts what it prints, and most texts need few of the patterns."""

    def __missing__(self, source: str | bytes) -> re.Pattern[Any]:
        pattern = self[source] = re.compile(source)
        return pattern


_rx: Final = _Compiled()

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

_REFERENCE = (
    # $VAR, ${VAR}, %VAR% (Windows, alone or before a path), %(name)s, {{ x }}, <% %>, <name>, {name},
    # Symfony's %env(NAME)% …; a template's tag (`{% prompt 'API token' %}` in Insomnia, Jinja's and
    # Django's `{% csrf_token %}`, Liquid); a format's field filled in later, alone (`{}`, `{0}`,
    # `{:?}`, `%s`, `%v`, `%1$s`, as in `format!("postgres://app:{}@db")`); `[password]` as `<password>`;
    # Nomad's and Levant's other delimiters (`[[ .password ]]`), Puppet's and Hiera's `%{lookup('x')}`;
    # an environment variable read by the tool (Supabase's `env(NAME)`, Laravel's `env('NAME')`)
    r"^(?:env\([ \t]*[\"']?[A-Za-z_][A-Za-z0-9_]*[\"']?[ \t]*\)$"
    r"|\$\{?[A-Za-z_(]|%[A-Za-z_][A-Za-z0-9_]*%(?:$|[\\/.;:])|%\(|%env\(|\{\{|<%|<[A-Za-z_ -]+>$"
    r"|\{[A-Za-z_]|!vault|ENC\[|\$\$|#\{|\$env:|\(\([a-z_]|@Microsoft\.KeyVault\(|\{%[ \t-]"
    r"|\{[0-9]{0,2}(?::[^{}\s]{0,12})?\}$|%(?:[0-9]\$)?[-+ 0#]?[0-9]{0,3}(?:\.[0-9]{1,2})?[sdvqx]$"
    r"|\[[A-Za-z_ -]+\]$|\[\[[ \t]*[.A-Za-z_$][^\[\]]{0,200}\]\]$|%\{[A-Za-z_:][^{}]{0,200}\}$"
    # Yesod's `_env:NAME` and `_env:NAME:default`, with a default of words or none (`_env:PGPASS:yesodpass`)
    r"|_env:[A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z_\-]*)?$)"
)
# A reference to a secret in a secret manager (rules.SECRET_REFERENCE_SCHEMES): `op://…`, `ref+vault://…`.
_SECRET_REFERENCE = (
    r"(?:ref\+[a-z0-9]+|" + "|".join(sorted(rules.SECRET_REFERENCE_SCHEMES)) + r")://[^\s/]"
    r"|(?:" + "|".join(re.escape(prefix) for prefix in rules.SECRET_REFERENCE_PREFIXES) + r")[A-Za-z0-9_/.\-]"
    # a path of Vault's KV version 2 API (`secret=kv/data/network/snmp:ro` in Ansible's hashi_vault
    # lookup, `secret/data/app#password`): where the secret is, not the secret
    r"|[a-z0-9_\-]{1,40}/data/[A-Za-z0-9_\-]+(?:/[A-Za-z0-9_.\-]+)*(?:[:#][A-Za-z0-9_.\-]+)?$"
    # a file the tool reads the value from, by its absolute path, or its standard input (Vault's
    # `vault kv put … key=@/dev/stdin`, curl's `-d @-`)
    r"|@(?:/[A-Za-z0-9_.\-]+)+$|@-$"
)
_CODE_VALUE = r"[A-Za-z_][A-Za-z0-9_]*(?:\??\.[A-Za-z_][A-Za-z0-9_]*)+[.!]?"
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
_NUMBER = r"[0-9][0-9.,_:]{0,9}[a-zA-Z]{0,2}"
_SECRET_WORDS: Final = "pass|pwd|secret|token|key|auth|cred"
_DIGIT: Final = r"[0-9]"
_MASKED: Final = r"(?i)" + rules.MASKED
# A word of a name: letters (a run of capitals, or one capital and lower case), digits at its end.
_WORD: Final = r"[A-Z]{2,}(?![a-z])[0-9]*|[A-Z]?[a-z]+[0-9]*|[0-9]+"
_WORD_SEPARATORS: Final = r"[_\-./:@]+"
_VOWELS: Final = frozenset("aeiouyAEIOUY")
# Resource identifiers that name a secret without holding it: ARNs, Azure/GCP resource ids, Key Vault
# references, versions and semantic-version ranges, package coordinates.
_RESOURCE: Final = (
    r"^(?:arn:aws[a-z\-]*:|projects/|/subscriptions/|https?://[a-z0-9.\-]+\.vault\.azure\.net/"
    r"|[~^<>=]{0,2}v?[0-9]+(?:\.[0-9x*]+){1,3}(?:[\-+][0-9A-Za-z.\-]+)?$"
    r"|[a-z][a-z0-9_.\-]*:[a-z][a-z0-9_.\-]*:(?:jar|pom|war|aar|[0-9]))"
)

_PLACEHOLDER_RX: Final = "|".join(re.escape(part) for part in rules.PLACEHOLDER_PARTS)
# A reference inside a value (`prefix-${VAR}`, `{{ .Values.x }}`, `$(cat file)`), closed: a random
# value may hold "${" or "$(" without being one (a WordPress salt).
_EMBEDDED_REFERENCE: Final = (
    r"\$\{[^{}\s]{1,200}\}|\{\{[^{}]{1,200}\}\}|\{%[^{}]{1,200}%\}|\$\([^()]{1,200}\)|\$\{\{"
    # cut where the value ends (`NPM_TOKEN=$(cat` before a blank): a command or a variable's name
    r"|\$\([A-Za-z][A-Za-z0-9_.\-]{1,40}$|\$\{[A-Za-z_][A-Za-z0-9_]{1,60}$"
)
# A known prefix followed by one character repeated: a placeholder (`hf_xxx`, `sk-****`).
# A token's literal prefix alone, nothing after it (`TokenPrefixLive = "sk_live_"`, `"ghp_"`, `"xoxb-"`).
_PREFIX_ALONE: Final = r"[a-z]{2,6}[_\-](?:[a-z0-9]{2,8}[_\-])?"
# A token's prefix and one word after it (`sk-test`, `sk-proj-fake`, `xoxb-dummy`).
_PREFIXED_WORD: Final = r"[a-z]{2,6}[_\-](?:[a-z0-9]{2,8}[_\-])?(?P<word>[a-z]{3,12})"
# A short prefix before a value typed in sequence (`s.` of Vault's tokens, `sk-`, `ghp_`).
_SEQUENCE_PREFIX: Final = r"^[a-z]{1,6}[._\-](?:[a-z0-9]{2,8}[_\-])?"
_PREFIXED_PLACEHOLDER: Final = r"(?:[A-Za-z0-9]{1,12}[_\-.])+([A-Za-z0-9*.•])\1{2,}"
_CIPHERTEXT: Final = rules.CIPHERTEXT
_PUBLIC_KEY: Final = rules.PUBLIC_KEYS
_SCRAM_VERIFIER: Final = rules.SCRAM_VERIFIER.encode()
_AUTHENTICATION_RESULTS: Final = rules.AUTHENTICATION_RESULTS
# A command that fetches the secret (rules.SECRET_COMMANDS), maybe in `$(…)` or backticks.
_SECRET_COMMAND: Final = (
    r"(?:\$\(|`)?[ \t]*(?:[A-Za-z0-9_./\-]*/)?(?:" + "|".join(rules.SECRET_COMMANDS) + ")"
)


_EXAMPLE_LENGTHS: Final = frozenset(map(len, rules.DOCUMENTED_EXAMPLES))


def is_placeholder(value: str) -> bool:
    """True for values that stand in for a secret: ``YOUR_API_KEY``, ``<token>``, ``${VAR}``, ``****``,
    the sample credentials of providers' documentation (rules.DOCUMENTED_EXAMPLES), and values that
    are no secret by their shape: ciphertext (rules.CIPHERTEXT), publishable keys (rules.PUBLIC_KEYS)."""
    stripped = value.strip().strip("\"'`")
    lowered = stripped.lower()
    if not stripped or lowered in rules.PLACEHOLDER_WORDS or MARKER_PREFIX in stripped:
        return True
    if len(stripped) in _EXAMPLE_LENGTHS and stripped in rules.DOCUMENTED_EXAMPLES:
        return True
    if (
        _rx[_REFERENCE].match(stripped)
        or _rx[_SECRET_REFERENCE].match(stripped)
        or _rx[_EMBEDDED_REFERENCE].search(stripped)
    ):
        return True
    if len(lowered) >= 3 and len(set(lowered)) <= 2:  # xxxx, ****, ----, abab
        return True
    if _rx[_PREFIXED_PLACEHOLDER].fullmatch(stripped) or _rx[_PREFIX_ALONE].fullmatch(stripped):
        return True  # hf_xxx, sk-proj-****, ghp_XXX; sk_live_
    if _rx[_MASKED].fullmatch(stripped):
        return True
    if " " in stripped and _rx[_SECRET_COMMAND].match(stripped):
        return True  # `pass show mail/work`: the command that gives the secret
    if _rx[_CIPHERTEXT].match(stripped):
        return True  # `ENC[…]`, `EJ[1:…]`, an OpenPGP message: ciphertext made to be committed
    if _rx[_PUBLIC_KEY].fullmatch(stripped):
        return True  # `pk_live_…`, Mapbox's `pk.eyJ…`: made to be published
    if stripped.startswith("eyJ") and _public_jwt(stripped):
        return True  # Supabase's anon key: made to be published
    if "=" in stripped and _rx[_AUTHENTICATION_RESULTS].fullmatch(lowered):
        return True  # `dkim=pass; spf=softfail`: the verdicts of mail checks
    if "xxxx" in stripped or "XXXX" in stripped:
        return True  # typed in one case (`sk-xxxx`, `AKIAXXXX…`), not random base64 (`XXxX`)
    if _in_sequence(lowered):
        return True  # `s.ABCDEFGHIJKLMNOPQRSTUVWX` in `vault login`'s help, `abcdef0123456789`
    prefixed = _rx[_PREFIXED_WORD].fullmatch(lowered) if len(lowered) <= 24 else None
    if prefixed is not None and prefixed.group("word") in rules.PLACEHOLDER_WORDS:
        return True  # a token's prefix and a word standing in for the rest: `sk-test`, `xoxb-fake`
    return _rx[_PLACEHOLDER_RX].search(lowered) is not None


def _in_sequence(lowered: str) -> bool:
    """Whether *lowered* (a value in lower case), past a short prefix (`s.`, `sk-`), is 10 characters
    or more in runs of four or more consecutive letters or digits (`ABCDEFGHIJKLMNOPQRSTUVWX`,
    `abcdef0123456789`, `1234567890`): typed for a documentation, never drawn at random."""
    if len(lowered) < 10 or ord(lowered[-1]) - ord(lowered[-2]) not in (1, -9):
        return False  # (a run ends the value: its last two characters are consecutive)
    body = _rx[_SEQUENCE_PREFIX].sub("", lowered, count=1)
    if len(body) < 10 or not body.isalnum() or not body.isascii():
        return False
    run = 1
    for before, after in pairwise(body):
        if ord(after) == ord(before) + 1 or (before, after) == ("9", "0"):
            run += 1
        elif run < 4:
            return False
        else:
            run = 1
    return run >= 4


# The claims of a JWT made to be published: Supabase's anon key (`"role": "anon"`), which its
# documentation puts in browser code (its `service_role` key still goes).
_PUBLIC_JWT_CLAIMS: Final = (
    rb'"iss"\s*:\s*"supabase[a-z\-]*".*"role"\s*:\s*"anon"|"role"\s*:\s*"anon".*"iss"\s*:\s*"supabase'
)


# The headers of an unsigned JWT (`{"alg":"none","typ":"JWT"}` and the other orders and spacings of
# its members, base64url without padding, as a JWT holds them).
_UNSIGNED_JWT_HEADERS: Final = frozenset(
    base64.urlsafe_b64encode(header.encode()).rstrip(b"=").decode()
    for header in (
        '{"alg":"none"}',
        '{"alg":"none","typ":"JWT"}',
        '{"typ":"JWT","alg":"none"}',
        '{"alg": "none", "typ": "JWT"}',
        '{"typ": "JWT", "alg": "none"}',
        '{"alg": "none"}',
    )
)


def _public_jwt(token: str) -> bool:
    """Whether *token* is a JWT whose claims say it is made to be published (``_PUBLIC_JWT_CLAIMS``),
    or an unsigned one (``"alg":"none"`` and no signature): anybody can make it, and a server that
    checks signatures refuses it."""
    import binascii

    parts = token.split(".")
    if len(parts) != 3 or len(parts[1]) > 2000:
        return False
    if not parts[2] and parts[0] in _UNSIGNED_JWT_HEADERS:
        return True
    try:
        claims = binascii.a2b_base64(parts[1].replace("-", "+").replace("_", "/") + "==")
    except (binascii.Error, ValueError):
        return False
    return _rx[_PUBLIC_JWT_CLAIMS].search(claims) is not None


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
    return value.lower() != value and value.upper() != value and _rx[_DIGIT].search(value) is not None


def _wordy(value: str) -> bool:
    """Whether *value* is made of words (``getSession``, ``db-password``, ``prod/api-key``, ``app_v2``):
    a name, a path or an identifier, not a generated secret. Every word must be pronounceable
    (a vowel, or a short abbreviation), and no word may hold digits in its middle."""
    if not value or len(value) > 120:
        return False
    for chunk in _rx[_WORD_SEPARATORS].split(value):
        if not chunk or (len(chunk) == 1 and chunk.isalpha()):
            continue  # a letter alone is a word too (the `X` of `X-Api-Key`)
        position = 0
        short = 0
        inner_digits = 0  # words followed by more of the chunk that end in digits (`Ig8`, `Chdg7`)
        odd = 0  # words of two letters or more, not all capitals, without a vowel (`Dv`, `Chdg`)
        for word in _rx[_WORD].finditer(chunk):
            if word.end() - word.start() <= 2 and not word.group().isupper():
                short += 1  # `Oe`, `Fw`, `i`: three such in one chunk are letters drawn at random
                if short >= 3:
                    return False
            if word.start() != position:
                return False  # characters no word can hold: symbols, or digits inside a word
            position = word.end()
            text = word.group().rstrip("0123456789")
            if text and len(text) > 4 and not _VOWELS.intersection(text):
                return False
            if len(text) >= 2 and not text.isupper() and not _VOWELS.intersection(text):
                odd += 1
            if len(text) != len(word.group()) and position != len(chunk):
                inner_digits += 1
            if inner_digits >= 2 and odd:
                return False  # `Ig8Chdg7PWDv`: drawn at random (`sha256ToBase64String` is a name)
            if len(text) == 1 and word.group() != text and len(chunk) > 2:
                return False  # "a1", "x9" inside a longer chunk: random, not a word
        if position != len(chunk):
            return False
    return True


def _drawn_at_random(value: str) -> bool:
    """Whether *value*, dotted like an attribute, is characters drawn at random (a generated password
    holding a dot: `yXnKgu.aySJ8YKVaq`, `Fd.fb5aUojOud`): digits, upper and lower case, and fewer than
    60% of its letters in words of three letters or more that hold a vowel or are capitals. Names
    are made of words (`settings.DB_PASSWORD2`, `config.s3SecretKey`)."""
    if not _strong(value):
        return False
    letters = sum(char.isalpha() for char in value)
    in_words = sum(
        len(text)
        for text in (word.rstrip("0123456789") for word in _rx[_WORD].findall(value))
        if len(text) >= 3 and (text.isupper() or _VOWELS.intersection(text))
    )
    return in_words < 0.6 * letters


def _words(name: str) -> bool:
    """Whether *name* is made of words that each hold a vowel (``mavenCentralUsername``,
    ``signing.keyId``): a name, not the start of a random value."""
    return _wordy(name) and all(
        _VOWELS.intersection(word) for word in _rx[_WORD].findall(name) if len(word) > 1
    )


def _names_a_secret(value: str) -> bool:
    """A value that is the name, path or identifier of a secret (``db-password``, ``prod/api-key``);
    words ending in a number are a passphrase (``gamma-token-build50``), not a name."""
    if not _wordy(value) or value[-2:].isdigit() or _rx[_SECRET_WORDS].search(value.lower()) is None:
        return False
    # (letters drawn at random that happen to hold a secret word are a password: `ue36ck-HFPwd8`)
    return _has_secret_word(value) and not _drawn_at_random(value)


@lru_cache(maxsize=4096)
def _has_secret_word(value: str) -> bool:
    """Whether a word of *value* says it is about a secret (`db-password`, `prod/api-key`,
    `access_token`); a word that merely holds one does not (`purple-monkey-xenon-1`)."""
    return any(
        part in _SECRET_NAME_WORDS or _rx[_SECRET_NAME_PARTS].search(part) is not None
        for part in name_parts(value.replace("/", "_"))
    )


_SECRET_NAME_WORDS: Final = rules.words(
    "pass passwd pwd pw psk key keys apikey auth cred creds secret secrets token tokens"
)
_SECRET_NAME_PARTS: Final = "password|passphrase|secret|token|credential|apikey|privatekey"


_BASE64_FROM_SLASH: Final = r"/[A-Za-z0-9+/]{31,}={0,2}"


def _base64_from_slash(value: str) -> bool:
    """Whether *value*, which starts with ``/``, is base64 (one in 64 does: an Azure storage key, an
    AWS secret key) rather than a path: base64's alphabet alone, and a ``+``, padding, or a piece
    between slashes of 32 characters or more with digits, upper and lower case."""
    if _rx[_BASE64_FROM_SLASH].fullmatch(value) is None:
        return False
    return (
        "+" in value
        or value.endswith("=")
        or any(len(part) >= 32 and _strong(part) for part in value.split("/"))
    )


def credential_like(value: str) -> bool:
    """Whether *value*, found where a credential may be but is not announced by a name, looks like
    one: 8 characters or more, no blank, at least two of lower case, upper case, digits and
    punctuation, and neither words, a path, a number, a reference nor a placeholder."""
    if len(value) < 8 or len(value) > 4096 or any(c.isspace() for c in value):
        return False
    classes = (
        any(c.islower() for c in value)
        + any(c.isupper() for c in value)
        + any(c.isdigit() for c in value)
        + any(not c.isalnum() for c in value)
    )
    if classes < 2 or value.startswith(("./", "../", "~/", "-", "http://", "https://")):
        return False
    if value.startswith("/") and not _base64_from_slash(value):
        return False  # a path
    if _rx[_NUMBER].fullmatch(value) or _rx[_RESOURCE].match(value) or is_placeholder(value):
        return False
    if (value[0] in "[{(<" or value[-1] in "[{(<]})>") and not (
        len(value) >= 32 and classes == 4 and value[0] + value[-1] not in _ENCLOSED
    ):
        return False  # code or markup, unless long, of every class and not enclosed (a salt: `(.G0b…`)
    if _rx[_NOT_CREDENTIAL_TEXT].fullmatch(value):
        return False
    return not (_wordy(value) and not _strong(value))


# A value's first and last characters that enclose it: code or markup, not a generated secret.
_ENCLOSED: Final = frozenset({"()", "[]", "{}", "<>"})
_NOT_CREDENTIAL_TEXT: Final = (
    r"(?:[0-9A-Fa-f]{2}:){5,}[0-9A-Fa-f]{2}|\[?[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.(?:[a-z]{2,}|[A-Z]{2,})\]?"
    r"|[0-9a-f]{7,12}"
    r"|(?:SHA256|SHA384|SHA512|SHA1|MD5):[A-Za-z0-9+/=:]+\.?"
    # a digest or a signature labelled with its algorithm (a webhook's `X-Hub-Signature-256: sha256=…`)
    r"|(?:sha(?:1|224|256|384|512)|md5)=[0-9a-fA-F]{32,128}"
)
_MODULE_PATH: Final = r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*){2,}(?::[a-z_][a-z0-9_]*)?"
_QUOTED_RHS: Final = rb"[ \t]*(?P<quote>[\"'])(?P<value>[^\"'\n]*)(?P=quote)"


# A word that is a setting, `name=value`, not a bare credential: a lower-case name, or a name made of
# words (`mavenCentralUsername=…`, `signing.keyId=…` in gradle.properties).
_SETTING_WORD: Final = r"[a-z][a-z_]{1,30}=[^=]|(?P<name>[A-Za-z][A-Za-z_.\-]{5,60})=[^=]"


def _setting(value: str) -> bool:
    """Whether *value* is a setting (`name=value`), not a bare credential."""
    setting = _rx[_SETTING_WORD].match(value)
    return setting is not None and (setting.group("name") is None or _words(setting.group("name")))


# An ellipsis or a bullet JSON-escaped (once or more) right after a bare value: a masked or cut value.
_ESCAPED_ELLIPSIS: Final = rb"\\{1,7}u(?:2026|2022)"
# A word and four digits or more before a dot: how people make passwords, not how code names things.
_WORD_AND_YEAR: Final = r"(?:^|\.)[A-Za-z]{2,}[0-9]{4,}\."
# Two capitalised words joined by a dot, a number of two digits or more at the end: a password made
# as people make them (`Copper.Nebula56`), not a class's attribute.
_WORDS_AND_NUMBER: Final = r"[A-Z][a-z]{2,}\.[A-Z][a-z]{2,}[0-9]{2,}"


# A word of a message for people, in any script: letters (maybe joined by an apostrophe or a
# hyphen) and the punctuation after them, or a field filled in later (`:min`, `%s`, `{count}`).
_MESSAGE_WORD: Final = r"[^\W\d_]+(?:['’\-][^\W\d_]+)*[.,!?:;…]?|:[a-z_]+[.,]?|%[sd][.,]?|\{[a-z_0-9]*\}[.,]?"


# How a sentence ends, in the scripts of rules.FOREIGN_SECRET_WORDS too.
_SENTENCE_ENDS: Final = (".", "!", "?", "…", ":", "。", "？", "！", "：")


def _message(value: str) -> bool:
    """Whether *value*, words with blanks, is a message or a label for people, not a secret: a
    validation or help text in any language (``'token' => 'Nieprawidłowy token.'``, ``"password":
    "Invalid password"``, ``"Mot de passe oublié ?"``, ``Hasło musi mieć co najmniej :min znaków.``).
    Words (letters only) that end in a full stop or name a secret are one; so is any text naming a
    secret (English or another language) that holds no digit or ends as a sentence does. Not a
    passphrase: words alone that do neither (``correct horse battery staple``, an app password's four
    groups), or words with a digit (``my secret garden 7``)."""
    if "\\u" in value:
        value = _rx[_UNICODE_ESCAPE].sub(lambda escape: chr(int(escape.group(1), 16)), value)
    words = value.split(" ")
    if all(_rx[_MESSAGE_WORD].fullmatch(word) for word in words) and (
        value.endswith((".", "…")) or any(_has_secret_word(word.rstrip(".,!?:;…")) for word in words)
    ):
        return True
    if any(c.isdigit() for c in value) and not value.endswith(_SENTENCE_ENDS):
        return False
    return _foreign_word_in(value) or any(
        _rx[_SECRET_NAME_PARTS].search(word.lower()) is not None for word in value.split()
    )


@lru_cache(maxsize=4096)
def _plausible_value(value: str, *, quoted: bool, code_context: bool, next_char: bytes) -> bool:
    """Whether the value assigned to a secret-named variable is itself a secret. Cached: logs show the
    same settings again and again (a file read twice, a command's output in each turn)."""
    value = value.strip()
    if len(value) < 4:
        return False
    if " " in value and _message(value):
        return False  # `'token' => 'Nieprawidłowy token.'`, `"Mot de passe oublié ?"`: a message, a label
    if not quoted:
        if next_char in (b"(", b"["):
            return False  # a call or a subscript: code, not a literal
        if _rx[_IDENTIFIER].fullmatch(value) and not _strong(value):
            lowered = value.lower()
            if _rx[_SECRET_WORDS].search(lowered) and _has_secret_word(value):
                return False  # `token=access_token`, `password: db_password`
            if code_context and not any(c.isdigit() for c in value) and not credential_like(value):
                # `f(api_key=settings_value)`, `secret = value`; but letters drawn at random are no
                # name (`db.password=AqaWgEOCjAkXzhScg` in a Java map's or a properties file's dump)
                return False
            if (
                next_char in (b",", b";", b")", b"}")
                and _wordy(value)
                and not any(c.isdigit() for c in value)
            ):
                return False  # `auth: getSession,` in a JavaScript object
        elif (
            value.startswith(("/", "./", "../", "~/"))
            and not _strong(value)
            and not (value[0] == "/" and _base64_from_slash(value))
        ):
            return False  # a path (base64 starts with `/` once in 64 times, and may hold no digit)
        elif (
            _rx[_CODE_VALUE].fullmatch(value)
            and all(_wordy(part) for part in value.rstrip("!").replace("?", "").split("."))
            and not (value.endswith("!") and _rx[_DIGIT].search(value))  # `Velvet.Ember5000!`: a password
            and _rx[_WORD_AND_YEAR].search(value) is None  # `Puki0019.zuga`: a password, no attribute
            and _rx[_WORDS_AND_NUMBER].fullmatch(value) is None  # `Copper.Nebula56`: one too
            and not _drawn_at_random(value)  # `yXnKgu.aySJ8YKVaq`: a password holding a dot
        ):
            return False  # `self.token`, `os.environ`, `settings.OPENAI_API_KEY`
    if _rx[_NUMBER].fullmatch(value) or is_placeholder(value) or _rx[_RESOURCE].match(value):
        return False
    if _file_path(value):
        return False  # `tlsCertificateKeyFile=%2Fetc%2Fcerts%2Fclient.pem`, `"C:\\certs\\Client1.pfx"`
    if _maps_to_references(value):
        return False  # `--set-secrets=STRIPE_KEY=projects/1/secrets/stripe-key/versions/latest`
    if _rx[_MODULE_PATH].fullmatch(value):
        return False  # `redact_secrets = "autopilot.plugins.redact"`: a dotted import path
    if _names_a_secret(value):
        return False  # `--secret=db-password`, `SecretId: prod/api-key`: it names a secret
    return value.lower().rstrip("!?") not in rules.PLACEHOLDER_WORDS


# A file's path: from the root, the home or the current folder (or a drive), to a name with an
# extension, which a random secret (base64 holds "/" but no ".") does not have.
_FILE_PATH: Final = (
    r"(?:[A-Za-z]:|~|\.{1,2})?(?:\\{1,2}|/)(?:[\w@+\-.]+(?:\\{1,2}|/))*[\w@+\-]*[\w@+\-.]\.[a-z][a-z0-9]{0,5}"
)
_ENCODED_PATH: Final = ("%2f", "%2e", "%7e", "%5c")


def _file_path(value: str) -> bool:
    """Whether *value* is a file's path (also percent-encoded, as in a URL's query)."""
    if value[:3].lower() in _ENCODED_PATH or value[1:4].lower() == "%3a":
        from urllib.parse import unquote

        value = unquote(value)
    return _rx[_FILE_PATH].fullmatch(value) is not None


# A URL parameter's value that names an object in a store (`?key=uploads%2Favatars%2F….png`): its
# path's segments are words or ids (a UUID, a date) and it holds a folder named by a word or ends
# in a file's extension. A key drawn at random (`?key=Xk3…`) has neither.
_PARAMETER_VALUE: Final = rb"""[^&#\s"'<>\\`;]{1,1000}"""
_OBJECT_SEGMENT: Final = rb"[A-Za-z0-9_.@+\-]{1,200}"
_OBJECT_FOLDER: Final = rb"[a-z][a-z_\-]{2,40}"
_OBJECT_EXTENSION: Final = rb"[A-Za-z0-9_@+\-]+\.[a-z][a-z0-9]{1,4}"


def _object_name(data: bytes, start: int) -> bool:
    """Whether the URL parameter's value at *start* names an object (a path or a file), not a key."""
    found = _rx[_PARAMETER_VALUE].match(data, start)
    if found is None:
        return False
    from urllib.parse import unquote_to_bytes

    segments = unquote_to_bytes(found.group()).split(b"/")
    if not all(_rx[_OBJECT_SEGMENT].fullmatch(segment) for segment in segments if segment):
        return False
    if _rx[_OBJECT_EXTENSION].fullmatch(segments[-1]) is not None:
        return True
    return len(segments) > 1 and any(_rx[_OBJECT_FOLDER].fullmatch(segment) for segment in segments[:-1])


# `NAME=REF,…`: environment variables (or mount paths) mapped to secrets kept elsewhere, as
# `gcloud run deploy --set-secrets` takes them; a reference may end in its version (`:latest`, `:3`).
_REFERENCE_MAPPING: Final = (
    r"(?:[A-Za-z_/][A-Za-z0-9_/.\-]*=[^,=\s]+)(?:,[A-Za-z_/][A-Za-z0-9_/.\-]*=[^,=\s]+)*"
)
_VERSION_SUFFIX: Final = r":(?:latest|[0-9]+)$"
# The options of BuildKit's `--secret` and `--mount=type=secret`: where a secret comes from, not it.
_BUILD_SECRET_KEYS: Final = frozenset(["id", "src", "source", "env", "target", "dst", "type", "required"])


def _maps_to_references(value: str) -> bool:
    """Whether *value* maps names to references (`DB_PASSWORD=projects/1/secrets/db:latest`,
    `API_KEY=op://ci/api/key`), never to secrets (`API_KEY=Xk3…`)."""
    if "=" not in value or _rx[_REFERENCE_MAPPING].fullmatch(value) is None:
        return False
    keys = []
    for pair in value.split(","):
        key, _, target = pair.partition("=")
        keys.append(key)
        base = _rx[_VERSION_SUFFIX].sub("", target)
        if key.lower() in _BUILD_SECRET_KEYS:
            # `docker build --secret id=npmrc,src=/root/.npmrc`: the secret's id and where it is
            if _strong(target) and not target.startswith(("/", "./", "~/", "$")):
                return False
        elif not (
            is_placeholder(target)
            or _rx[_RESOURCE].match(target)
            or _names_a_secret(base)
            or (base != target and _wordy(base) and _rx[_DIGIT].search(base) is None)
        ):
            return False
    # names in one case or paths, not a password holding `=` (`YPr08oJ3z1q=MM8`)
    return all(key.startswith("/") or _rx[_SETTING_NAME].fullmatch(key + "=") for key in keys)


# ------------------------------------------------------------------------------------------------
# Token formats


@dataclass(frozen=True, slots=True)
class _TokenRule:
    kind: str
    pattern: re.Pattern[bytes]
    body_start: int = 0  # where the random part starts, for the plausibility check
    check_random: bool = False
    before: re.Pattern[bytes] | None = None  # what must end right at the anchor (the token's start)


@cache
def _token_rules(anchor: bytes) -> tuple[_TokenRule, ...]:
    """The formats of :data:`rules.TOKEN_FORMATS` to try at *anchor*, in table order (compiled on
    the anchor's first hit: most texts hold only a few of the prefixes)."""
    return tuple(
        _TokenRule(
            token.kind,
            _token_pattern(token.pattern),
            token.body_start,
            token.check_random,
            _before_pattern(token.before, token.glued_to) if token.before else None,
        )
        for token in rules.TOKEN_FORMATS
        if anchor.decode() in token.anchors
    )


@cache
def _token_pattern(pattern: str) -> re.Pattern[bytes]:
    return re.compile((pattern + r"(?![A-Za-z0-9])").encode())


@cache
def _before_pattern(pattern: str, glued_to: str = "") -> re.Pattern[bytes]:
    """The part of a token before its anchor, ending at the anchor (searched up to it); it starts a
    word, or follows an escape such as ``\\n``, an ANSI colour or *glued_to* (the word an API's
    path glues it to: Telegram's ``/bot<token>/sendMessage``)."""
    glue = f"|(?<={glued_to})" if glued_to else ""
    start = r"(?:(?<![A-Za-z0-9_\-])|(?<=\\[nrt])|(?<=[0-9]m)" + glue + ")"
    return re.compile((start + "(?:" + pattern + r")\Z").encode())


@cache
def _prefix_classifier() -> re.Pattern[bytes]:
    """One anchored match telling whether a run (or the few bytes after an escape glued to it)
    starts with a known prefix; most runs (hashes, base64, identifiers) fail it in C."""
    guards = {anchor: token.guard for token in rules.TOKEN_FORMATS for anchor in token.anchors if token.guard}
    anchors = sorted(
        (anchor for anchor in _PREFIXES if anchor not in _DIRECT and anchor not in _WORD_START),
        key=len,
        reverse=True,
    )
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


# The literal prefixes of the token formats, in table order.
_PREFIXES: Final = tuple(
    dict.fromkeys(anchor.encode() for token in rules.TOKEN_FORMATS for anchor in token.anchors)
)
# How far into its run a prefix may start (glued to words by "_" or "-").
_MAX_GLUE: Final = 65
# The literal start of every token format (and Azure's "Q~"), found in one Aho-Corasick pass over the
# text; only the runs holding one are classified (short anchors such as "AC" and "SK" also hit words,
# which costs a cheap look at their run, never a miss).
_TOKEN_ANCHORS: Final = (*_PREFIXES, b"Q~")
# Anchors searched apart (rules.TokenFormat.apart): two bytes, or common inside words ("re_" in
# "store_"): a token starts with them, or they follow an escape (``\\n``) or a colour.
_WORD_START: Final = frozenset(
    anchor.encode() for token in rules.TOKEN_FORMATS if token.apart for anchor in token.anchors
)
# Prefixes that hold a non-token character ("SG.", "ya29.", "hvs.", "1//0", a Telegram token's ":AA"),
# and those of formats whose body may (rules.TokenFormat.direct): their formats are tried right at the
# anchor, as runs of token characters do not hold them whole.
_DIRECT: Final = frozenset(
    anchor for anchor in _TOKEN_ANCHORS if any(_RUN_TABLE[byte] != 0x61 for byte in anchor)
) | frozenset(anchor.encode() for token in rules.TOKEN_FORMATS if token.direct for anchor in token.anchors)
# Of those, the anchors that must start a word (as in _WORD_START): not inside base64 or an id.
_DIRECT_WORD_START: Final = frozenset(
    anchor.encode()
    for token in rules.TOKEN_FORMATS
    if token.direct and not token.before
    for anchor in token.anchors
)


def _searches(
    anchors: Sequence[bytes],
) -> tuple[tuple[tuple[bytes, ...], Callable[[bytes], list[tuple[int, int, int]]]], ...]:
    """Aho-Corasick searches for *anchors* (order kept within each): the searcher stays fast (SIMD)
    only with a few dozen literals and none much shorter than the others, so anchors of up to
    three bytes and longer ones are searched apart, the longer ones at most 48 at a time."""
    short = [anchor for anchor in anchors if len(anchor) <= 3]
    long = [anchor for anchor in anchors if len(anchor) > 3]
    size = -(-len(long) // -(-len(long) // 48)) if long else 1  # even chunks of at most 48
    groups = [group for group in (short, *(long[i : i + size] for i in range(0, len(long), size))) if group]
    return tuple(
        (tuple(group), BytesAhoCorasick(group, matchkind=MATCHKIND_LEFTMOST_FIRST).find_matches_as_indexes)
        for group in groups
    )


@cache
def _token_searches() -> tuple[tuple[tuple[bytes, ...], Callable[[bytes], list[tuple[int, int, int]]]], ...]:
    apart = tuple(
        dict.fromkeys(
            anchor.encode() for token in rules.TOKEN_FORMATS if token.apart for anchor in token.anchors
        )
    )
    shared = _searches([anchor for anchor in _TOKEN_ANCHORS if anchor not in apart])
    return (
        *shared,
        (apart, BytesAhoCorasick(list(apart), matchkind=MATCHKIND_LEFTMOST_FIRST).find_matches_as_indexes),
    )


_AZURE_SECRET: Final = rules.AZURE_CLIENT_SECRET.encode()

# (also after an escaped tab or line break: `--output text` rows in an agent log's JSON string)
_AWS_SECRET_NEAR: Final = rb"(?:(?<![A-Za-z0-9/+])|(?<=\\[tn]))[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
# Not glued to capital letters: two of them and 32 hex digits are the SID of a Twilio resource (a
# message's `SM…`, a messaging service's `MG…`, a call's `CA…`), an id, not the account's token.
_TWILIO_TOKEN_NEAR: Final = rb"(?<![0-9a-fA-Z])[0-9a-f]{32}(?![0-9a-fA-F])"
# A quoted 32-hex string in the lines after a mention of Twilio: its auth token passed as a literal
# (``Client(account_sid, "…")``), even with no SID or telling name beside it.
_TWILIO_QUOTED: Final = rb"""(?P<q>\\{0,3}["'])(?P<value>[0-9a-f]{32})(?P=q)"""
_TWILIO_LINES: Final = 8


# ------------------------------------------------------------------------------------------------
# Secret-named variables

_CAMEL: Final = r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+"
_SPLIT: Final = r"[_\-.]+"


def name_parts(name: str) -> list[str]:
    """``AZURE_CLIENT_SECRET`` / ``apiKey`` / ``x-api-key`` → lower-case words."""
    parts: list[str] = []
    for chunk in _rx[_SPLIT].split(name):
        parts.extend(word.lower() for word in _rx[_CAMEL].findall(chunk))
    return parts


# A name ending in one of these is a password even after words that elsewhere say a name only
# describes a secret, when those words say where it is used (`DB_URL_PASSWORD`, `CACHE_PASSWORD`).
_PASSWORD_LAST: Final = frozenset(("password", "passwd", "passphrase", "pwd"))
_WHERE: Final = frozenset(("url", "uri", "endpoint", "cache", "external", "sync"))


# Secret words in other languages (rules.FOREIGN_SECRET_WORDS …), read as the English word.
_LETTER_BEFORE: Final = r"(?<![^\W\d_])"
_LETTER_AFTER: Final = r"(?![^\W\d_])"
_UNICODE_ESCAPE: Final = r"\\{1,7}u([0-9a-fA-F]{4})"  # a letter JSON-escaped once or more
_CAMEL_BOUNDARY: Final = r"(?<=[a-z0-9])(?=[A-Z])"


def _foreign_words(table: dict[str, list[str]]) -> str:
    """An alternation of the words of *table* (a `_` in a word: a blank, `_`, `-` or nothing)."""
    words = sorted({word for group in table.values() for word in group}, key=len, reverse=True)
    return "|".join(re.escape(word).replace("_", "[ _\\-]?") for word in words)


@cache
def _foreign_translation() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The key-then-qualifier phrases, the words found anywhere and the whole words of other
    languages, each a pattern whose match is looked up in _foreign_english()."""
    # (Spanish `clave` is a password alone, a key before a qualifier: `clave_api`, `clave de acceso`)
    keys = {"key": [*rules.FOREIGN_SECRET_WORDS["key"], *rules.FOREIGN_WHOLE_WORDS["key"], "clave"]}
    swapped = re.compile(
        rf"{_LETTER_BEFORE}(?:{_foreign_words(keys)})[ _\-]?(?:(?:de|da|do|di|du|d)[ _\-']?)?"
        rf"(?P<qualifier>{_foreign_words(rules.FOREIGN_KEY_QUALIFIERS)}){_LETTER_AFTER}",
        re.IGNORECASE,
    )
    anywhere = re.compile(_foreign_words(rules.FOREIGN_SECRET_WORDS), re.IGNORECASE)
    whole = re.compile(
        rf"{_LETTER_BEFORE}(?:{_foreign_words(rules.FOREIGN_WHOLE_WORDS)}){_LETTER_AFTER}", re.IGNORECASE
    )
    return swapped, anywhere, whole


@cache
def _foreign_english() -> dict[str, str]:
    """Each foreign word (lower case, joined by `_`) → its English word."""
    english: dict[str, str] = {}
    for table in (rules.FOREIGN_KEY_QUALIFIERS, rules.FOREIGN_WHOLE_WORDS, rules.FOREIGN_SECRET_WORDS):
        for word, group in table.items():
            english.update(dict.fromkeys(group, word))
    return english


def _in_english(name: str) -> str:
    """*name* with the secret words of other languages replaced by the English ones, each a word of
    its own (`DB_비밀번호` → `DB__password_`, `clave_de_acceso` → `_access_key_`); JSON escapes of
    other scripts (`contrase\\u00f1a`) read as the characters they stand for."""
    if "\\" in name:
        name = _rx[_UNICODE_ESCAPE].sub(lambda match: chr(int(match.group(1), 16)), name)
    swapped, anywhere, whole = _foreign_translation()
    english = _foreign_english()

    def word(match: re.Match[str]) -> str:
        return "_" + english.get(re.sub(r"[ \-]", "_", match.group().lower()), "secret") + "_"

    name = _rx[_CAMEL_BOUNDARY].sub("_", name)
    name = swapped.sub(
        lambda match: "_" + english.get(match.group("qualifier").lower().replace(" ", "_"), "api") + "_key_",
        name,
    )
    return whole.sub(word, anywhere.sub(word, name))


def _foreign_word_in(text: str) -> bool:
    """Whether *text* holds a secret word of another language (rules.FOREIGN_SECRET_WORDS …)."""
    _, anywhere, whole = _foreign_translation()
    return anywhere.search(text) is not None or whole.search(text) is not None


@lru_cache(maxsize=1024)
def _foreign_name(name: bytes) -> bool:
    """Whether *name* holds a secret word of another language (`Passwort`, `DB_비밀번호`)."""
    return not name.isascii() or name.find(b"\\u") != -1 or _foreign_word_in(name.decode())


@lru_cache(maxsize=256)
def _foreign_lone_key(name: bytes) -> bool:
    """Whether *name* is the word for a key alone in another language (`sleutel`, `Schlüssel`,
    `klucz`), which is judged as a lone `key` is."""
    return _foreign_name(name) and _in_english(name.decode("utf-8", "replace")).strip("_") == "key"


def secret_name_kind(name: str) -> str | None:
    """The redaction kind for a variable/key/flag/header called *name*, or None if it is not secret."""
    if not name.isascii() or "\\u" in name or _foreign_word_in(name):
        name = _in_english(name)
    parts = name_parts(name)
    if not parts:
        return None
    if "keys" in parts:
        # a list of secret keys (`unseal_keys_b64`, `api_keys`, `private_keys`) is named as one is
        parts = [
            "key" if part == "keys" and index and parts[index - 1] in rules.PLURAL_KEY_QUALIFIERS else part
            for index, part in enumerate(parts)
        ]
    if parts[-2:] == ["secret", "id"]:
        return "secret"  # Consul's and Nomad's `SecretID`, Vault AppRole's `secret_id`: the credential
    if parts[-2:] in (["recovery", "code"], ["recovery", "codes"]):
        return "password"  # an account's recovery codes (GitHub's, an MFA app's), each a password
    # The last word, after a number that ends the name (`token_sha256`, `password_md5`,
    # `token_last_eight`).
    number = parts[-1].isdigit() or parts[-1] in rules.NUMBER_WORDS
    last = parts[-2] if len(parts) > 1 and number else parts[-1]
    excluded = [part for part in parts if part in rules.EXCLUDED_ANY]
    if excluded and not (last in _PASSWORD_LAST and _WHERE.issuperset(excluded)):
        return None
    if last in rules.EXCLUDED_LAST or _glued_excluded(last):
        return None
    if rules.CIPHERTEXT_WORDS.intersection(parts) and not rules.KEY_MATERIAL_WORDS.intersection(parts):
        return None  # `encrypted_password`: ciphertext, not the secret
    if parts[-1] == "authorization":  # also Proxy-Authorization, and glued escapes (\x1b[33mAuthorization)
        return "authorization"
    if tuple(parts[-2:]) in rules.EXCLUDED_PAIRS:
        return None
    kind: str | None = None
    for index, part in enumerate(parts):
        if part == "key" and index and parts[index - 1] in rules.KEY_QUALIFIERS:
            kind = kind or ("private_key" if parts[index - 1] == "private" else "api_key")
        elif part in rules.STRONG_PARTS:
            kind = kind or rules.STRONG_PARTS[part]
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
            else:
                if _glued_password(part):
                    kind = kind or "password"
    if (
        kind in ("token", "api_key")
        and parts[-1] in ("token", "key")
        and rules.PUBLIC_TOKEN_OWNERS.intersection(parts)
        and "secret" not in parts
    ):
        return None  # Mixpanel's project token, Amplitude's API key: made for clients
    return kind


def _glued_password(word: str) -> bool:
    """Whether *word* is a password's short name glued to the end of another word (``dbpass``,
    ``adminpwd``, ``rootpw``), not a word that ends so (``bypass``, ``compass``)."""
    for end in rules.GLUED_PASSWORD_ENDS:
        if word.endswith(end) and len(word) >= len(end) + 2:
            return word.isalpha() and word not in rules.NOT_GLUED_PASSWORDS
    return False


# The secret words a command's or a file's name may be glued to (`passwordeval`, `remotepasseval`).
_GLUED_SECRET: Final = (
    "pass",
    "passwd",
    "pwd",
    "token",
    "secret",
    "key",
    "auth",
    "cred",
    "creds",
    "credentials",
)


def _glued_excluded(word: str) -> bool:
    """Whether *word* is a secret word glued to one of rules.GLUED_EXCLUDED_LAST (``passwordeval``,
    ``tokenfile``): the name of a command or a file that gives the secret."""
    for suffix in rules.GLUED_EXCLUDED_LAST:
        if word.endswith(suffix) and len(word) > len(suffix):
            head = word[: -len(suffix)]
            return head.endswith(_GLUED_SECRET) or any(sub in head for sub in rules.STRONG_SUBSTRINGS)
    return False


# Keys that index or route data, not credentials: `primary_key`, `sort_key`, `object_key` …
@lru_cache(maxsize=4096)
def _generated_name_kind(name: bytes) -> str | None:
    """The kind of a name ending in ``key`` or ``salt`` that no table says is secret (``routing_key``,
    ``server_key``, ``LOGGED_IN_KEY``, ``NONCE_SALT``), for a value that looks generated; None for
    keys that index or route data (``sort_key``) and for the names the tables exclude."""
    parts = name_parts(name.decode("ascii", "replace").lstrip("-"))
    if len(parts) < 2 or parts[-1] not in ("key", "salt"):
        return None
    if parts[-1] == "key" and parts[-2] in rules.NOT_SECRET_KEYS:
        return None  # (a salt is one whatever it salts: Drupal's `hash_salt`)
    if parts[-1] == "salt" and parts[-2] in rules.PUBLIC_SALTS:
        return None  # Phoenix's `signing_salt`, Rails' `encrypted_cookie_salt`: no secret alone
    if (
        any(part in rules.EXCLUDED_ANY for part in parts)
        or (parts[-1] == "key" and parts[-2] in rules.EXCLUDED_LAST and parts[-2] not in rules.KEY_OWNERS)
        or (parts[-1] == "key" and rules.PUBLIC_TOKEN_OWNERS.intersection(parts))
    ):
        return None
    return "api_key" if parts[-1] == "key" else "secret"


_NAME_KINDS: dict[bytes, str | None] = {}


def _name_kind(name: bytes) -> str | None:
    kind = _NAME_KINDS.get(name, "?")
    if kind == "?":
        kind = secret_name_kind(name.decode("utf-8", "replace").lstrip("-"))
        if len(_NAME_KINDS) < 50_000:
            _NAME_KINDS[name] = kind
    return kind


# One word alone after a name and the blanks that align a listing's columns, to the line's end.
_ALIGNED_VALUE: Final = (
    rb"""[A-Za-z0-9_\-]{0,48}+(?:[ ]{2,}|\t|\\{1,3}t)[ \t]*(?P<value>[^\s"'`\\]{8,500})[ \t\r]*"""
    rb"""(?:\\{1,3}r)?(?:$|(?=\\{1,3}["']|"(?:[,}\]]|$)))"""
)

# After a secret name: an optional closing quote, a separator, then a quoted or bare value (after a
# literal's prefix: Python's `b"…"`, SQL's `N'…'`, Objective-C's and C#'s `@"…"`, Erlang's binary
# `<<"…">>`, C's and C++'s `L"…"`, `u8"…"`).
_AFTER_NAME: Final = (
    rb"(?x)"
    rb"""(?P<q1>\\{0,7}["'`])?(?P<bracket>\])?(?P<paren>\))?(?P<array>\[[0-9]{0,4}\])?
    (?:\*{1,2}(?=:))?(?P<sp1>[ \t]*)
    (?P<sep>::=|:=|\?=|\+=|=>|=(?![=~])|:(?![:/]|\\(?!\\{0,6}"))|>|,|\|\||\?\?|or(?=[ \t])|\{
      |<<?-|->|to(?<=[ \t]to)(?=[ \t]))?
    (?P<sp2>(?:(?<=:)\*{1,2}(?=[ \t]))?[ \t]*)
    (?P<opening>\((?=[ \t]*(?:\r?\n|\\{1,3}n)?[ \t]*\\{0,3}["'])(?:[ \t]|\r?\n|\\{1,3}n)*)?
    (?:(?:[fbrFBR]{0,2}|[nNeE]|\$(?=')|@(?=\\{0,3}")|<<(?=\\{0,3}")|u8|[LuU](?=\\{0,3}"))
      (?P<q2>(?:\\{0,3}"){3}|(?:\\{0,3}'){3}|\\{0,7}["'`])(?P<quoted>[^\n]{0,2000}?)(?P=q2)
      |(?P<bare>[^\s\x00-\x1f\x7f"'`,;&|<>(){}\[\]\\]{1,2000}))"""
)
# A value changed, as a summary of edits or a plan prints it: the old value, quoted or bare, then an
# arrow (the new value is read after it as after any separator).
_CHANGED_VALUE: Final = (
    rb"""(?:\\{0,7}["'`])?[ \t]*[:=][ \t]*"""
    rb"""(?:\\{0,3}"[^"\n\\]{0,200}\\{0,3}"|'[^'\n]{0,200}'|[^\s"'`]{1,200})"""
    rb"""(?=[ \t]+->[ \t]+\\{0,3}["'])"""
)
# An answer in chat after a colon: a word of 16 characters or more, maybe in backticks, then a blank,
# the sentence's punctuation or the line's end.
_ANSWER: Final = (
    rb"""(?x):[ \t]+(?P<q>`?)(?P<value>[^\s`"'\\<>]{16,200}?)(?P=q)[.,;!?)]?(?=\s|$|\\{1,3}[nrt"])"""
)
# A value in an HTML element of inline code after a secret name and a separator (`Password:
# <code>…</code>`, as wikis and Confluence write it; the closing tag's slash may be JSON-escaped).
_TAGGED_VALUE: Final = (
    rb"""(?:\\{0,7}["'`]|\*{1,2})?[ \t]*[:=][ \t]*"""
    rb"""(?:(?:\*{1,2}[ \t]*|</(?:strong|b|em|span)>[ \t]*)?"""
    rb"""<(?P<tag>code|kbd|tt|samp)>(?P<value>[^<>\s]{1,500})<\\{0,3}/(?P=tag)>"""
    rb"""|</(?:strong|b|em|span)>[ \t]*(?P<bare>[^<>\s"'`\\]{1,500})"""
    rb"""(?=<|[ \t]*\r?$|[ \t]*\r?\n|[ \t]*\\{1,3}[nr]))"""
)
# The end of a rich text element (its JSON string and object) and the text of the next one in its block.
_NEXT_ELEMENT: Final = (
    rb"""(?x)\\{0,3}"[ \t]*\}[ \t]*,(?:[ \t\r\n]|\\{1,3}[nrt])*\{[^{}]{0,200}?"""
    rb"""\\{0,3}"text\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<value>[^"\\\s]{1,200})\\{0,3}["]"""
)
# After a label closed by HTML tags: the next cell of the row, or the text after a colon; the value
# alone in its element (maybe in inline code), up to the next tag.
_HTML_VALUE: Final = rb"""(?x)[ \t]*(?:</(?:p|strong|b|em|span)>[ \t]*)*
    (?:</t[dh]>(?:[ \t\r\n]|\\{1,3}[nrt])*<td(?:[ \t][^<>]{0,80})?>|:)[ \t]*
    (?:<(?:p|strong|b|span|code|kbd|tt)(?:[ \t][^<>]{0,40})?>[ \t]*)*
    (?P<value>[^<>\s"'`\\]{1,200})[ \t]*(?=<|\r?$|\r?\n|\\{1,3}[nr])"""
# A list after a secret name (`"api_keys": [`, `TOKENS = [`), and each string in it (JSON, YAML's
# flow sequences, Python, escaped once or more; items on lines of their own).
_ARRAY_OPENING: Final = rb"""(?:\\{0,7}["'])?[ \t]*(?::|=|:=)[ \t]*\[(?!\])"""
# A list as a call's first argument (`app->secrets([`).
_CALL_LIST_OPENING: Final = rb"""\([ \t]*\[(?!\])"""
_ARRAY_ITEM: Final = (
    rb"""(?:[ \t\r\n,]|\\{1,3}[nrt])*+"""
    rb"""(?:(?P<q>\\{0,7}["'])(?P<quoted>[^"'\\\n]{1,2000})(?P=q)"""
    rb"""|(?P<bare>[A-Za-z0-9+/=_\-.~]{16,2000})(?=[ \t]*[,\]]))"""
)
# An argv list's element after a secret-named one (`["--token", "…"]`, `"Args": ["--requirepass",\n
# "…"]`, `new WebSocket(url, ["token", "…"])`): the closing quote, a comma, blanks or line breaks
# (also escaped), then the next quoted element.
_ARGV_NEXT: Final = (
    rb"""\\{0,7}["'][ \t]*,(?:[ \t\r\n]|\\{1,3}[nrt])*+"""
    rb"""(?P<q>\\{0,7}["'])(?P<value>[^"'\\\n]{1,2000})(?P=q)"""
)
# What opens an argv list or separates its elements before a quoted element (`[`, `, `).
_ARGV_BEFORE: Final = rb"""(?:\[|,)(?:[ \t\r\n]|\\{1,3}[nrt])*\\{0,7}["']\Z"""
# What an interactive shell prints for an expression: its mark (IPython's `Out[4]:`, gdb's `$2 =`,
# irb's `=>`, Redis's `2)`, Scala's `res0: String =`), then a string or a word alone on its line.
_EVALUATED_VALUE: Final = (
    rb"""(?x)[ \t]*(?:Out\[[0-9]{1,5}\]:[ \t]*|\$[0-9]{1,5}[ \t]*==?>?[ \t]*|=>[ \t]*|[0-9]{1,3}\)[ \t]*"""
    rb"""|res[0-9]{1,4}:[ \t]*[A-Za-z.\[\]]{1,40}[ \t]*=[ \t]*)?"""
    rb"""(?:[bu]?(?P<q>\\{0,3}["'])(?P<quoted>[^\s"'\\]{6,4096})(?P=q)|(?P<value>[^\s"'\\]{6,4096}))"""
    rb"""[ \t\r]*(?:\\r)?(?=$|\\{1,3}[nr]|\\{0,3}["'](?:[,}\]]|$))"""
)
# A cell of a CSV row: quoted (also JSON-escaped) or bare, up to the comma after it.
_CSV_CELL: Final = rb"""(?P<q>\\{0,3}")[^"\n]*?(?P=q)(?=,|\r|\\r|\Z)|[^,\r\n"]*(?=,|\r|\\r|\Z)"""
# A line of a file as grep prints it after the file's name: its number, then a word (a user) and
# the value, or the value alone, to the line's end.
_GREPPED_LINE: Final = (
    rb"""[0-9]{1,7}:(?:[A-Za-z0-9_.@\-]{1,64}[ \t]+)?(?P<value>[^\s"'`\\]{6,500})[ \t]*"""
    rb"""(?=\r|\n|\\{1,3}[nr]|\\{0,3}["'](?:[,}\]]|\Z)|\Z)"""
)
# Where a bare value may go on: an XML entity, or a quote escaped in the string holding it, then
# more of the value (see _BARE_TAIL).
_TAIL_STARTS: Final = frozenset(b"&\\")
_BARE_TAIL: Final = (
    rb"""(?:(?:&(?:lt|gt|amp|quot|apos|\#[0-9]{1,5});|\\{1,7}["'](?=[^\s\x00-\x1f\x7f"'`,;&|<>(){}\[\]\\])"""
    # a backslash escaped in the string around it (C's `"… password=L\\3c…"`), not `\\n`
    rb"""|(?:\\\\){1,4}(?=[^\s\x00-\x1f\x7f"'`,;&|<>(){}\[\]\\nrtu]))"""
    rb"""[^\s\x00-\x1f\x7f"'`,;&|<>(){}\[\]\\]*)+"""
)
# An indented line that opens a JSON string (one of a list of lines).
_LINE_STRING: Final = rb'[ \t]+\\{0,3}"'
# The end of one JSON string and the start of the next in a list of lines (a notebook's output).
_STRING_ROW: Final = rb'\\{0,3}"[ \t]*,[ \t]*(?:\r?\n|\\{1,3}(?:r\\{1,3})?n)[ \t]*\\{0,3}"'
# A string echoed into `base64 -d` (`echo '…' | base64 -d`, `printf %s …`).
_ECHO_BASE64: Final = (
    rb"""(?:echo|printf[ \t]+%s)[ \t]+(?:-n[ \t]+)?(?P<q>\\{0,3}["']?)"""
    rb"""(?P<value>[A-Za-z0-9+/]{12,4096}={0,2})(?P=q)[ \t]*\|[ \t]*\Z"""
)
# A YAML list's item that is an option (`- --password`), and the next item, its value.
_YAML_ITEM_BEFORE: Final = rb"""(?:^|\n|\\{1,3}n|\xe2\x86\x92|\\{1,3}u2192)[ \t]*-[ \t]+(?:\\{0,3}["'])?\Z"""
_YAML_NEXT_ITEM: Final = (
    rb"""(?:\\{0,3}["'])?[ \t]*\r?(?:\n|\\{1,3}n)"""
    rb"""(?:[ \t]*[0-9]{1,7}(?:\xe2\x86\x92|\\{1,3}u2192))?[ \t]*-[ \t]+"""
    rb"""(?P<q>\\{0,3}["']?)(?P<value>[^\s"'\\]{1,2000})(?P=q)[ \t]*\r?(?=\n|\\{1,3}[nr]|\Z)"""
)
# JCL: a DD statement with data in stream (`//INPUT    DD *`), in a step that runs FTP, and the
# login line the FTP client reads first (a user, then the password).
_JCL_DD: Final = rb"[ \t]*//[A-Za-z0-9#@$]{1,8}[ \t]+DD[ \t]+\*"
_JCL_FTP: Final = rb"pgm=ftp\b"
_JCL_LOGIN: Final = rb"[ \t]*[A-Za-z0-9_.@#$\-]{1,64}[ \t]+(?P<value>[^\s\\]{4,200})[ \t]*\r?\Z"
# An argument of auditd's EXECVE record: `a2="…"` (quoted, also JSON-escaped).
_EXECVE_ARG: Final = rb'[ \t]a[0-9]{1,4}=\\{0,3}"(?P<value>[^"\\\n]{1,2000})\\{0,3}"'
# Options giving a user and its password as `user:password` (curl, wget, and many clients).
_USER_OPTIONS: Final = frozenset((b"-u", b"--user", b"-U", b"--proxy-user"))
# A password quoted in parentheses a few words after its name, in prose: `the password in .env
# ("…") contains a character that …`.
_QUOTED_ASIDE: Final = (
    rb"""[A-Za-z0-9_\-]{0,48}+[ \t]+[^\n"'()]{0,40}+\([ \t]*"""
    rb"""(?P<q>\\{0,3}["'`])(?P<value>[^\s"'`\\]{6,200})(?P=q)[ \t]*\)"""
)
# A literal made into bytes or a secret type before it is assigned (Go, Node, Rust, .NET, Python, Java).
_WRAPPED_LITERAL: Final = (
    rb"""(?:\\{0,3}["'])?[ \t]*(?::=|=(?![=>~])|:)[ \t]*"""
    rb"""(?:\[\]byte|\[\]rune|bytes|bytearray|Buffer\.from|String::from|Secret(?:String|Str|Bytes)?(?:::new)?"""
    rb"""|(?:[A-Za-z_]+\.)*GetBytes|atob|new[ \t]+SecretKeySpec|SecretBox::new|Some)\([ \t]*"""
    rb"""[fbrFBR]{0,2}(?P<q>\\{0,3}["'`])(?P<value>[^"'`\n\\]{1,2000})(?P=q)"""
)
# An HTTP header's name: capitalised words joined by hyphens (`X-API-Key`, `Private-Token`).
_HEADER_NAME: Final = rb"[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+"
_BLANKS_OR_QUOTE: Final = (b" ", b"\t", b'"', b"'")
_LDIF_BASE64: Final = (
    rb""":: (?P<value>[A-Za-z0-9+/]{8,4096}={0,2})(?=[ \t\r]*(?:\n|\\{1,3}[nr]|$|\\{0,3}"(?:[,}\]]|$)))"""
)
# PHP's dumps of an array or object after a secret name: var_dump's `["password"]=>` and, on the
# next line, `string(20) "…"`; print_r's `[password] => …` (unquoted, to the line's end).
_PHP_DUMPED: Final = (
    rb"(?x)"
    rb"""(?:\\{0,3}")?\][ \t]*=>[ \t]*
    (?:(?:\r?\n|\\{1,3}n)[ \t]*string\([0-9]{1,6}\)[ \t]*(?P<q>\\{0,3}")(?P<quoted>[^"\n\\]{1,2000})(?P=q)
      |(?P<bare>[^\s\\][^\n\\]{0,2000}?)[ \t\r]*(?=\r?\n|\\{1,3}[nr]|$))"""
)
# What print_r prints for a nested array or object, not a value.
_DUMPED_STRUCTURE: Final = r"^(?:Array|[A-Za-z_\\]+ Object)$"
# An Authorization value made of a scheme's literal and the credential's, joined by code.
_AUTH_BUILT: Final = (
    rb"""(?:\\{0,3}["'`])?[ \t]*(?:[:=]|=>|,)[ \t]*(?:(?:new[ \t]+)?[A-Za-z_][A-Za-z0-9_.:]{0,40}\([ \t]*)?"""
    rb"""(?P<q>\\{0,3}["'])(?i:bearer|basic|token|apikey|api-key)(?:[ \t]|%s)*(?P=q)"""
    rb"""[ \t]*(?:,|\+|\.\.|\.|&|<>|\|\|)[ \t]*"""
    rb"""(?P<r>\\{0,3}["'])(?P<value>[A-Za-z0-9._~+/=\-]{12,500})(?P=r)"""
)
_AUTH_VALUE: Final = (
    rb"(?xi)"
    rb"""(?P<q1>\\{0,3}["'`])?[ \t]*[:=][ \t]*(?:[fbrFBR]{0,2}(?P<q2>\\{0,3}["'`]))?[ \t]*
    (?:(?P<scheme>bearer|basic|token|digest|negotiate|ntlm|apikey|api-key|key|sso-key|otp
      |aws4-hmac-sha256)[ \t]+)?
    (?P<value>[^\s\x00-\x1f"'`\\,;][^\x00-\x1f"'`\\]{0,2000})"""
)
_BEARER: Final = rb"(?i)" rb"bearer[ \t]+(?P<value>[A-Za-z0-9._~+/=\-]{12,})"
# (a password may hold a raw `#`, which URLs reserve for a fragment: `https://admin:Xy#z@host`)
_URL_CREDENTIALS: Final = (
    rb"://(?P<user>[^\s\x00-\x1f:/?#@\"'<>\\`]*):"
    rb"(?P<pw>[^\s\x00-\x1f/?#\"'<>\\`]+(?:\#[^\s\x00-\x1f/?#\"'<>\\`]+)*)@"
)
_URL_END: Final = rb"[^\s\"'<>\\`]*"
# A signed URL's signature after its credential's parameter, also in a later string literal of a
# URL written in pieces (`"&X-Amz-Credential=…"` then `"&X-Amz-Signature=…"`).
_SIGNATURE_AFTER: Final = rb"(?i:[?&]x-(?:amz|goog)-signature=)(?P<value>[0-9a-fA-F]{16,1024})(?![0-9A-Za-z])"
_SIGNED_CREDENTIALS: Final = frozenset((b"x-amz-credential", b"x-goog-credential"))
# A query parameter that providers name for their API key with no secret word in it (OpenWeather's
# `appid`): rules.QUERY_KEY_PARAMETERS, a generated value only.
_URL_QUERY_KEY: Final = (
    rb"[?&](?:"
    + b"|".join(re.escape(name.encode()) for name in sorted(rules.QUERY_KEY_PARAMETERS))
    + rb")=(?P<value>[A-Za-z0-9_\-.~]{16,512})(?=[&#\s\"'<>\\`]|\Z)"
)
# A URL's password in base64 (`https://KEY:SECRET@pkc-….confluent.cloud`), its `/` and `+` unencoded
# as people paste it: after a user of a key's shape, up to the `@` before a host.
# A base64 password (`/` and `+` in it, which the URL should have percent-encoded) between a user
# and a host (`rediss://default:AbC/dE+f=@host`, `cloudinary://123:abc/def=@cloud`); not a port
# and a path (`https://host:8080/path@x`).
_URL_BASE64_PASSWORD: Final = (
    rb"://(?P<user>[A-Za-z0-9_.\-]{1,128}):(?!\d{2,5}/)(?P<pw>[A-Za-z0-9+/]{16,512}={0,2})"
    rb"@[a-z0-9][a-z0-9\-]*(?=[.:/\s\"'\\]|$)"
)
_URL_SIGNATURE: Final = (
    rb"[?&](?:sig|signature|x-amz-signature|x-goog-signature|x-amz-security-token)"
    rb"=(?P<value>[^&#\s\"'<>\\`]+)"
)


@cache
def _webhook_request_paths() -> tuple[tuple[re.Pattern[bytes], str], ...]:
    return tuple((re.compile(pattern.encode()), kind) for _, pattern, kind in rules.WEBHOOK_REQUEST_PATHS)


@cache
def _webhooks() -> tuple[tuple[bytes, re.Pattern[bytes], str], ...]:
    return tuple(
        (needle.encode(), re.compile(pattern.encode()), kind) for needle, pattern, kind in rules.WEBHOOKS
    )


# The END line of an armoured secret: a private key, an OpenVPN static key, a NATS nkey seed.
_PEM_END: Final = (
    rb"-----END[ A-Z0-9]*(?:PRIVATE KEY(?: BLOCK)?|(?i:OpenVPN Static key V[0-9])|NKEY SEED)-{5,}"
)
# The BEGIN line's labels of armoured secrets other than private keys, lower-cased (their anchors).
_ARMOURED_SECRETS: Final = (b"static key v", b"nkey seed")
_PEM_BODY: Final = rb"(?:[A-Za-z0-9+/=\s:,\-\\]|\\n)*"
# The words of a BEGIN line's label before the anchor (`rsa private `, `openvpn s`), lower-cased.
_PEM_LABEL: Final = rb"[ a-z0-9]*"
_KIND_SECRET: Final = rb"kind[\"'\\]*[ \t]*:[ \t]*[\"'\\]*secret(?![a-z])"
# A block or an object of ciphertext made to be committed (rules.CIPHERTEXT_BLOCKS): a name alone
# on its line (YAML) or before a JSON object, never a secret.
_CIPHERTEXT_BLOCK: Final = rb"(?m)" + (
    rb"(?:"
    + b"|".join(re.escape(name.encode()) for name in rules.CIPHERTEXT_BLOCKS)
    + rb")[\"'\\]*[ \t]*:[ \t]*(?:(?P<json>\\{0,3}\{)|(?=\r?$|\\{1,3}[nr]))"
)
# `data:` alone on its line (also on a line of JSON-escaped text, once or twice).
_K8S_YAML_DATA: Final = rb"(?m)(?:^|(?<=\\n))(?P<indent>[ \t]*)(?:data|stringdata):[ \t]*(?=\r?$|\\{1,3}[nr])"
_K8S_YAML_ITEM: Final = (
    rb"[ \t]+(?:\\{0,3}\"(?P<qkey>[^\"\n\\]*)\\{0,3}\"|'[^'\n]*'|(?P<key>[A-Za-z0-9_.\-]+))[ \t]*:[ \t]*"
    rb"(?P<value>\S[^\n]*?)[ \t\r]*$"
)
_K8S_JSON_DATA: Final = rb"\"(?:data|stringdata)\"[ \t]*:[ \t]*\{"
_K8S_JSON_ITEM: Final = rb"\"(?P<key>[^\"\n]*)\"[ \t]*:[ \t]*\"(?P<value>[^\"\n]*)\""
# A URL that holds no credential: no user, no query, a path of words (an Argo CD repository's `url`).
_PLAIN_URL: Final = (
    r"(?:https?|ssh|git|oci)://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?(?P<path>/[A-Za-z0-9_.~/\-]*)?"
    r"|git@[A-Za-z0-9.\-]+:[A-Za-z0-9_.~/\-]+"
)


# A URL with a user and a password (`postgres://app:…@db/app`): in a Secret's `stringData` the URL
# rules judge it, as anywhere (its password goes, a placeholder's `user:password@host` stays).
_CREDENTIAL_URL: Final = rb"""(?:\\{0,3}["'])?[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@"'\\]*:[^\s/?#"'\\]+@[^\s"'\\]*(?:\\{0,3}["'])?"""


def _public_secret_item(key: bytes | None, value: bytes, encoded: bool) -> bool:
    """Whether an item of a Kubernetes Secret is one of the settings beside its credential that
    rules.SECRET_MANIFEST_SETTINGS names (an Argo CD repository's `type: git`, `project: default`,
    a `url` without user, query or random path): plain words, or such a URL; base64 in `data:`.
    Also a URL with credentials in `stringData`, which the URL rules judge."""
    if not encoded and _rx[_CREDENTIAL_URL].fullmatch(value) is not None:
        return True
    if key is None or key.decode("utf-8", "replace").lower() not in rules.SECRET_MANIFEST_SETTINGS:
        return False
    if encoded:
        import binascii

        try:
            value = binascii.a2b_base64(value.strip(b"\"'"))
        except (binascii.Error, ValueError):
            return False
    text = value.decode("utf-8", "replace").strip("\"'")
    if not text or len(text) > 300:
        return False
    url = _rx[_PLAIN_URL].fullmatch(text)
    if url is not None:
        return all(_wordy(part) or part.isdigit() for part in (url.group("path") or "").split("/") if part)
    return text.lower() in ("true", "false") or (_wordy(text) and not _strong(text))


# After a name keyword: the rest of the name, an optional closing quote (and bracket) and a separator;
# or blanks and a value (a flag such as --api-key VALUE, or a directive such as "requirepass VALUE").
# Only such hits can hold a value, so the many "tokens", "keyboard" or "token." hits cost one match in C.
# The rest of the name (up to 48 characters) is read without backtracking but for its last character:
# only "or" (a fallback) starts with a name character, and it needs a blank after it, so no earlier
# position inside the name can start a separator. The lookahead lists the bytes any group can start
# with (keep it in step with them): most hits (inside base64) fail there without trying each group.
_NAME_SHAPE: Final = (
    rb"(?x)"
    rb"""[a-z0-9_\-]{0,47}+[a-z0-9_\-]?(?=[\\"'`\[\])( \t:?+=>,|o{<\r\n\xe2%*])
    (?:(?P<sep>(?:\\{0,7}["'`]|\*{1,2}(?=:))?\]?\)?[ \t]*
      (?::=|::=|::(?=[ \t])|\?=|\+=|=>|=(?!=)|:(?![:/]|\\(?!\\{0,6}"))|>
      |,(?=[ \t]*(?:\r?\n[ \t]*|\\{1,3}n[ \t]*)?(?:<<|@)?\\{0,3}["'`])
      |(?:<<?-|->|to(?<=[ \t]to)[ \t])(?=[ \t]*\\{0,3}["'])
      |(?:\|\||\?\?|or[ \t]|\{)(?=[ \t]*[fbrFBR]{0,2}\\{0,3}["'`])|\[[0-9]{0,4}\][ \t]*=(?!=)))
    |(?P<pair>(?:\\{0,3}["'])?[ \t]*(?:,|\r?\n|\\{1,3}r\\{1,3}n|\\{1,3}n)[ \t]*(?:-[ \t]*)?
      (?:\\{0,3}["'])?(?:(?:string_)?value|example)(?:\\{0,3}["'])?[ \t]*:
      |\\{0,3}["'][ \t]+value[ \t]*=)
    |(?P<call>\([ \t]*(?:\[[ \t]*)?[fbr]{0,2}\\{0,3}["'`])
    |(?P<getter>(?:\([^()\n]{0,60}\)[ \t]*
        (?:(?:(?::|->)[ \t]*[a-z_][a-z0-9_<>?\[\]., ]{0,40}?[ \t]*)?(?:=|\{)|->)
      |(?:\(\))?,[ \t]*do:)[ \t]*(?:return[ \t]+)?(?:@|<<)?\\{0,3}["'`])
    |(?P<csv>(?:,[a-z0-9_.\-]{1,64}){0,30}\r?(?:\n|\\{1,3}n))
    |(?P<xml>[ \t]+[a-z_][a-z0-9_:.\-]*=\\{0,3}["'][^<>\n]{0,300}?>|</key>)
    |(?P<space>(?:\\{0,3}["'`])?[ \t]+[^\s])
    |(?P<block>(?:\\{0,3}["'])?[ \t]*:[ \t]*(?:[|>][-+1-9]{0,2}[ \t]*)?(?:\\{1,3}r)?\\{1,3}n)
    |(?P<pct>%(?:25)?3d)
    |(?P<table>(?:\\{0,3}")?[ \t]*(?:\|(?!\|)|\\{1,3}t|\xe2\x94|\\{1,3}u25[0-3]|\r?\n|\\{1,3}n))
    |(?P<html></(?:p|strong|b|em|span|th|td)>))"""
)
# Flags take their value after a space: --password VALUE, --api-key VALUE.
_FLAG: Final = rb"--[a-z0-9\-]{0,48}?(?:pass|pwd|secret|token|key|auth|cred)[a-z0-9\-]{0,48}[ \t]+[^\s-]"
# A value after a secret name and blanks ("requirepass VALUE", "password VALUE" in .netrc, "AUTH
# VALUE"): quoted, or a word of 6 or more characters holding a digit or punctuation; a comma or a
# semicolon only inside the word (``Xy;fb>D#``), not at its end (``password abc, then``).
_SPACED_VALUE: Final = (
    rb"(?x:"
    + (
        rb"""(?:\\{0,3}["'`])?[ \t]+
      (?:@?(?P<q>\\{0,3}["'`])(?P<quoted>[^\s"'`\\\x00][^"'`\n\\\x00]{2,500})(?P=q)
      |(?P<bare>(?=%(c)s{6}|%(c)s{1,5}[,;]%(c)s)
        (?=%(c)s{0,80}?(?:[0-9!@#%%^*+=~/?_\-]|[.,;](?=%(c)s)))
        [^\s\x00-\x1f\-<>(\[{}\]$%%"'`](?:%(c)s++|[,;](?=%(c)s)){0,500}+(?!(?<==)\\{0,3}["'])))"""
        % {b"c": rb"""[^\s\x00-\x1f"'`\\,;]"""}
    )
    + rb")"
)
# The rest of a name, maybe a word such as "PLAIN", then a spaced value: the first check for a name
# keyword before blanks, and what _spaced() looks for.
_SPACED_AT: Final = rb"(?x)" + (
    rb"[A-Za-z0-9_\-]{0,48}+(?:"
    # a type between the name and the literal assigned to it, without a colon: Bicep's `param
    # adminPassword string = '…'`, Go's `var apiToken string = "…"`, SQL's `DECLARE @password
    # NVARCHAR(100) = N'…'`, Visual Basic's `Dim password As String = "…"`
    # (and COBOL's `01 WS-DB-PASSWORD PIC X(16) VALUE '…'.`)
    rb"""[ \t]+(?:(?i:as[ \t]+)?(?i:string|securestring|str|\[\]byte|n?varchar(?:\([0-9a-z]{1,4}\))?|text)"""
    rb"""[ \t]*=[ \t]*[nN]?|(?i:pic(?:ture)?[ \t]+[xa9]+(?:\([0-9]{1,4}\))?[ \t]+value(?:[ \t]+is)?)[ \t]+)"""
    rb"""(?P<tq>\\{0,3}["'`])(?P<typed>[^"'`\n\\]{1,2000})(?P=tq)"""
    # Terraform's `variable "db_password" {`: its default is the value (see _Scan._spaced())
    rb"""|(?P<block>\\{0,3}"[ \t]*\{)"""
    rb"|(?:[ \t]+(?i:plain|login|xoauth2|cram-md5|default|is|was|=)(?=[ \t]))?"
    # Redis MONITOR quotes each argument: `"AUTH" "user" "…"`, the user before the password
    rb"""(?:\\{0,3}"[ \t]+\\{0,3}"[A-Za-z0-9_.@\-]{1,64}(?=\\{0,3}"[ \t]+\\{0,3}"))?(?:"""
    + _SPACED_VALUE
    + rb"))"
)
# Words that sit between a name and its value in prose and protocols ("AUTH PLAIN …").

# A line that announces a credential on the next line ("Please use the following password to proceed
# to installation:", "Password for the elastic user (reset with …):"), or at its end after a colon
# ("A temporary password is generated for root@localhost: VALUE").

# A credential at the end of a line announcing it ("A temporary password is generated for
# root@localhost: VALUE", "the staging password is VALUE"). Each branch starts with its byte (the
# word's start is checked behind it), so that a search skips to those bytes in C instead of trying
# every position.
_ANNOUNCED_TAIL: Final = (
    rb"""(?::|is(?<=\bis)|was(?<=\bwas))[ \t]+(?P<value>[^\s"'`\\,]{6,500})"""
    rb"""[ \t.]*(?:\([^()\n\\]{0,80}\)[ \t.]*)?"""
    rb"""(?:$|(?=\\{0,3}["'](?:[,}\]]|$)))"""
)
# What _ANNOUNCED_TAIL needs in a line at all: one search, where `b":" in tail or …` would raise and
# clear a TypeError inside Python for each `in` before searching.
_ANNOUNCING_MARK: Final = rb":| is | was "
# A line announcing a credential without a colon ("New API token generated"), then one word alone.

# Where a JSON string ends in the middle of a line: a quote not escaped, then `,`, `}` or `]`. Each
# branch starts with its byte (the check for a backslash before it comes after), so that a search
# skips to the quotes and backslashes in C instead of trying every position.
_JSON_STRING_END: Final = rb'(?:\\(?<!\\\\)"|"(?<!\\"))[ \t]*[,}\]]'
_VALUE_WORD: Final = rb"""[^\s"'`\\,]{6,500}"""
# A sum of money or a share, maybe ending a sentence (`usage during that window: $0.12.`): no password.
_AMOUNT: Final = rb"(?:\$|\xe2\x82\xac|\xc2[\xa3\xa5])[0-9][0-9.,]*\.?|[0-9][0-9.,]*(?:%|\xe2\x82\xac)\.?"
# One word alone on a line (an announced credential, or a command's output).

# A cookie header ("Cookie:", "Set-Cookie:", "cookie": "…" in JSON, cookie=…): up to its first pair.
# Also a HAR header, a name/value pair: {"name": "cookie", "value": "…"}; and a HAR list of cookies.
_COOKIE_HEADER: Final = (
    rb"(?x)"
    rb"""cookie(?:(?:\\{0,3}["'`])?[ \t]*[:=][ \t]*(?:\\{0,3}["'`])?
    |\\{0,3}"[ \t]*,[ \t]*\\{0,3}"value\\{0,3}"[ \t]*:[ \t]*\\{0,3}"
    |(?P<list>s\\{0,3}"[ \t]*:[ \t]*\[))"""
)
# A cookie set in code: a call given its name and value (`cookies.set("sid", "…")`, `set_cookie(…)`,
# `res.cookie('sid', '…')`, `new Cookie("JSESSIONID", "…")`), or an object holding both
# (`add_cookie({"name": "sid", "value": "…"})`, `http.Cookie{Name: "sid", Value: "…"}`).
_COOKIE_SETTER: Final = (
    rb"(?x)"
    rb"""(?i:cookies?)(?:[A-Za-z_]{0,12}\.(?:[A-Za-z_]{1,12}))?[ \t]*
    (?:\([ \t]*(?P<q>\\{0,3}["'])(?P<name1>[^"'\\\n]{1,128})(?P=q)[ \t]*,[ \t]*
        (?P<q2>\\{0,3}["'])(?P<value1>[^"'\\\n]{1,4096})(?P=q2)
      |[({][^\n{}]{0,40}?\{?[ \t]*
        \\{0,3}["']?(?i:name)\\{0,3}["']?[ \t]*[:=][ \t]*
        (?P<q3>\\{0,3}["'])(?P<name2>[^"'\\\n]{1,128})(?P=q3)[ \t]*,[ \t]*
        \\{0,3}["']?(?i:value)\\{0,3}["']?[ \t]*[:=][ \t]*
        (?P<q4>\\{0,3}["'])(?P<value2>[^"'\\\n]{1,4096})(?P=q4))"""
)
# One cookie of a HAR list or Playwright's storageState.json: {"name": "session", "value": "…", …},
# on one line or pretty-printed, escaped or not.
_HAR_COOKIE: Final = (
    rb"(?x)"
    rb"""(?:[ \t\r\n,]|\\{1,3}[nrt])*
    \{(?:[ \t\r\n]|\\{1,3}[nrt])*\\{0,3}"name\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<name>[^"\\\n]{1,128})\\{0,3}"
    [ \t]*,(?:[ \t\r\n]|\\{1,3}[nrt])*
    \\{0,3}"value\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<value>[^"\\\n]{0,4096})\\{0,3}"
    [^{}\]]{0,1000}\}"""
)
# One name=value pair of a cookie header, and the "; " before the next one.
_COOKIE_PAIR: Final = (
    rb"""[ \t]*(?P<name>[^=;\s"'`\\,]{1,128})=(?P<value>[^;\s"'`\\,]{0,4096})[ \t]*(?P<more>;)?"""
)
# Set-Cookie attributes: never a secret.
# A cookie that is a shared secret: the last word of a longer name (`erlang_cookie`, `RELEASE_COOKIE`,
# a Helm chart's `erlangCookie`) or Erlang's `-setcookie` option, given a generated value (20
# capitals, as Erlang makes them, or random-looking characters).
_NAMED_COOKIE: Final = (
    rb"""(?i:cookie)(?:(?:\\{0,3}["'`])?[ \t]*[:=]|[ \t])[ \t]*(?:\\{0,3}["'`])?"""
    rb"""(?P<value>[A-Za-z0-9+/_.\-]{16,256})(?![A-Za-z0-9+/_.\-=(\[])"""
)
_ERLANG_COOKIE: Final = r"[A-Z0-9]{20}"


def _named_cookie(data: bytes, low: bytes, start: int) -> re.Match[bytes] | None:
    """The value of a secret cookie named at *start* (see _NAMED_COOKIE), or None."""
    if not start or not (
        low[start - 1] in b"_-."
        or low[max(0, start - 4) : start] == b"-set"
        or (data[start] == 0x43 and 0x61 <= data[start - 1] <= 0x7A)  # camelCase: `erlangCookie`
    ):
        return None
    match = _rx[_NAMED_COOKIE].match(data, start)
    if match is None or (data.startswith((b" ", b"\t"), start + 6) and low[start - 1] != 0x74):
        return None  # blanks separate a value only after `-setcookie`
    value = match.group("value").decode("ascii")
    return match if credential_like(value) or _rx[_ERLANG_COOKIE].fullmatch(value) else None


# A field of a Go struct printed with `%v` (no name): a word between blanks, braces or brackets.
_GO_POSITIONAL_FIELD: Final = rb"(?:(?<=[{ \[]))(?P<value>[A-Za-z0-9_\-+/=.]{20,512})(?=[ }\]])"

# What expect or pexpect sends: a string, its `\r` or `\n` (escaped once or more) not part of it.
_EXPECT_SEND: Final = (
    rb"""(?i:sending|sendline|send)(?:[ \t]+--)?[ \t]*\(?[ \t]*[bru]?(?P<q>\\{0,3}["'])"""
    rb"""(?P<value>[^"'\\\s]{1,500})(?:\\{1,7}[rn])?(?P=q)"""
)
_CREDENTIAL_PROMPTS: Final = tuple(word.encode() for word in rules.CREDENTIAL_PROMPTS)
_PROMPT_REACH: Final = 400  # bytes back from a send to the prompt it answers


# A session cookie's value after its name: `=`, `:`, `=>` or a tab (cookies.txt), quoted or not.
_SESSION_COOKIE_VALUE: Final = (
    rb"""(?:\\{0,3}["'])?(?:[ \t]*(?:=>|[:=])[ \t]*|\t|\\{1,3}t"""
    # a browser's cookie export or storage state, the value a few members after the name
    # (`{"name": "connect.sid", "path": "/", "value": "…"}`)
    rb"""|(?:[ \t]*,(?:[ \t\r\n]|\\{1,3}[nrt])*\\{0,3}["'][A-Za-z]{1,20}\\{0,3}["'][ \t]*:[ \t]*"""
    rb"""(?:\\{0,3}"[^"\\\n]{0,200}\\{0,3}"|[A-Za-z0-9.\-]{1,20})){0,8}"""
    rb"""[ \t]*,(?:[ \t\r\n]|\\{1,3}[nrt])*\\{0,3}["']value\\{0,3}["'][ \t]*:[ \t]*)(?:\\{0,3}["'])?"""
    rb"""(?P<value>[A-Za-z0-9%._~+/=:\-]{16,4096})(?![A-Za-z0-9%._~+/=:\-(\[])"""
)
_COOKIE_NAME_BYTES: Final = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_.-")
_KEY_QUOTES: Final = frozenset(b"\"'\\")
_SESSION_COOKIE_NAME: Final = rules.SESSION_COOKIES.encode()
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
_SECRET_COOKIE: Final = (
    rb"(?i)" rb"sess|sid|token|auth|jwt|csrf|xsrf|remember|login|key|secret|pass|identity|connect"
)


@cache
def _public_cookies() -> re.Pattern[bytes]:
    return re.compile(rules.PUBLIC_COOKIES.encode())


def _public_cookie(name: bytes) -> bool:
    """Whether a cookie called *name* holds an analytics id or a preference (rules.PUBLIC_COOKIES)."""
    return _public_cookies().fullmatch(name.lower()) is not None


_NAME_CHARS: Final = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_-")
_BLANKS: Final = (b" ", b"\t")
_BLANKS_B: Final = frozenset(b" \t")
# curl's flags that carry credentials; the literal "-" first lets the regex engine skip ahead quickly.
_CURL_FLAG: Final = rb"-(?:-user|-proxy-user|-cookie|[uUb])"
_COOKIE_FLAGS: Final = (b"-b", b"--cookie")
_BEFORE_FLAG: Final = frozenset(b" \t\"'")
# -u/--user and -U/--proxy-user USER:PASSWORD (quoted, also JSON-escaped, or bare).
_CURL_USER: Final = (
    rb"(?x)"
    rb"""(?:-u|--user|-U|--proxy-user)(?:[ \t]+|=)?
    (?:\\{0,3}"[^"\n:\\]*:(?P<dq>[^"\n\\]+)\\{0,3}"
      |\\{0,3}'[^'\n:\\]*:(?P<sq>[^'\n\\]+)\\{0,3}'
      |(?:[^\s:"'`\-\\][^\s:"'`\\]*)?:(?P<bare>[^\s"'`\\]+))"""
)
# -b/--cookie 'name=value; …' (a file name has no "=").
_CURL_COOKIE: Final = rb"""(?:-b|--cookie)(?:[ \t]+|=)(?:\\{0,3}["'])?"""
# After "://": only credentials, webhooks (by host or by path) and signed query strings need a closer
# look (_url_interesting()).
_URL_INTERESTING: Final = (
    rb"://(?:[^\s/@\"'<>\\`]*+@|[a-z0-9_.\-]{1,128}:[a-z0-9+/]{16,512}={0,2}@|(?:[a-z0-9\-]++\.)*(?:"
    + b"|".join(re.escape(host.encode()) for host in rules.WEBHOOK_HOSTS)
    + rb")/|[^\s\"'<>\\`?]*+\?[^\s\"'<>\\`]*?(?:sig|signature|security-token|(?<=[?&])(?:"
    + b"|".join(re.escape(name.encode()) for name in sorted(rules.QUERY_KEY_PARAMETERS))
    + rb"))=)"
)
_WEBHOOK_PATHS: Final = tuple(path.encode() for path in rules.WEBHOOK_PATHS)
# A webhook's path within the first 200 bytes of the URL.
_URL_WEBHOOK_PATH: Final = (
    rb"://[^\s\"'<>\\`?#]{0,200}?(?:" + b"|".join(re.escape(path) for path in _WEBHOOK_PATHS) + rb")"
)
_WEBHOOK_PATH_REACH: Final = 3 + 200 + max(map(len, _WEBHOOK_PATHS))
_WEBHOOK_PATH_NEAR: Final = b"|".join(re.escape(path) for path in _WEBHOOK_PATHS)


def _url_interesting(low: bytes, start: int) -> bool:
    """Whether the URL at the "://" at *start* needs a closer look: credentials, a webhook or a
    signature. The search for a webhook's path, costly in the regex engine, is made only if one
    of the paths is within its reach."""
    if _rx[_URL_INTERESTING].match(low, start) is not None:
        return True
    return (
        _rx[_WEBHOOK_PATH_NEAR].search(low, start + 3, start + _WEBHOOK_PATH_REACH) is not None
        and _rx[_URL_WEBHOOK_PATH].match(low, start) is not None
    )


# A Sentry DSN's user is its public key (Sentry documents it as safe to expose): 32 hex digits
# before a Sentry host, or before any host with a project number as the whole path.
_SENTRY_DSN: Final = (
    rb"[0-9a-f]{32}@(?:(?:[a-z0-9\-]+\.)*sentry(?:\.[a-z0-9\-]+)+(?::[0-9]+)?/"
    rb"|[a-z0-9.\-]+(?::[0-9]+)?/[0-9]+(?![^\s\"'<>\\`]))"
)
# A token given as the user of a URL, without a password: ``https://TOKEN@github.com/…``.
_HOST_AND_COMMA: Final = rb"(?:[a-z0-9\-]+\.)+[a-z]{2,24}(?::[0-9]{1,5})?,"
_URL_TOKEN_USER: Final = rb"://(?P<user>[^\s\x00-\x1f:/?#@\"'<>\\`]{20,})@"
# A credential after an option of a command-line client: quoted (also JSON-escaped) or bare.
_VALUE_AT: Final = (
    # `-p$'…'`: bash's ANSI-C quoting, where `\'` does not end the string
    rb"""(?:(?P<dq>\\{0,3}")(?P<v1>[^"\n\\]{1,500})(?P=dq)"""
    rb"""|(?P<ansi>\$)?'(?P<v2>(?(ansi)(?:[^'\\\n]|\\{1,4}[^\\\n])|[^'\n]){1,500})'"""
    # (an `&` glued inside a word ends no command: a password holding one, `net use … p&ss`)
    rb"""|(?P<v3>[^\s"'`\\|;&<>()]{1,500}(?:&(?![&>])[^\s"'`\\|;&<>()]{1,500})*))"""
)
# A header of a STOMP frame: `name:value` alone on its line.
_FRAME_LINE: Final = rb"[a-z][a-z\-]{1,30}:[^\s:]{1,200}\r?"
_FRAME_HEADER: Final = rb"\r?(?:\n|\\{1,3}n)"
_ESCAPE_BEFORE: Final = rb"%(?:25)?[0-9A-Fa-f]{2}"
# The value of a parameter inside a percent-encoded URL, to its encoded `&` (`%26`, `%2526`).
_ENCODED_VALUE: Final = (
    rb"%(?:25)?3[dD](?P<value>(?:[A-Za-z0-9._~+\-]|%(?!(?:25)?26)(?:25)?[0-9A-Fa-f]{2}){8,2000})"
)
_XML_TEXT: Final = rb"[^<>\n\\]{1,2000}(?=</)"
_POINTED_STRING: Final = rb' (?P<q>\\{0,3}")(?P<value>[^"\n\\]{1,2000})(?P=q)'
_ANSI_C_BODY: Final = rb"(?:[^'\\\n]|\\{1,4}[^\\\n]){1,2000}(?=')"
_ARG_PATTERN: Final = r"""(?:\\{0,3}"[^"\n\\]*\\{0,3}"|'[^'\n]*'|[^\s"'`\\|;&]+)"""


@dataclass(frozen=True, slots=True)
class _Client:
    options: tuple[
        str, ...
    ]  # patterns (compiled by _option() on first use), each ends where a credential starts
    subcommand: frozenset[bytes]
    kind: str


def _clients() -> dict[bytes, tuple[_Client, ...]]:
    """Each command word of :data:`rules.CLIENT_COMMANDS` and the options to look for in its
    arguments (the part of each pattern before ``{value}``)."""
    found: dict[bytes, list[_Client]] = {}
    for command in rules.CLIENT_COMMANDS:
        options = []
        for pattern in command.patterns:
            options.append(r"(?<=[ \t\"'=])" + pattern.partition("{value}")[0].replace("{arg}", _ARG_PATTERN))
        client = _Client(
            tuple(options), frozenset(word.encode() for word in command.subcommand), command.kind
        )
        for name in command.names:
            found.setdefault(name.encode(), []).append(client)
    return {name: tuple(clients) for name, clients in found.items()}


@cache
def _option(source: str) -> re.Pattern[bytes]:
    """A client's option pattern, compiled on its client's first hit (once however often shared)."""
    return re.compile(source.encode())


_CLIENTS: Final = _clients()
# The command word at a client anchor, which must be followed by a blank (or end an argv list's element).
_COMMAND_NAME: Final = rb"""[a-z0-9_.\-]+(?=[ \t]|\\{0,3}["'][ \t]*,[ \t]*\\{0,3}["'])"""


def _client_anchors() -> tuple[bytes, ...]:
    """Literals that find every client's command word: a word and its blank (``openssl ``) or a long
    two-word name alone (``redis-cli``), or the
    prefix a family of commands shares (``mysql`` for ``mysqldump``, ``ldap`` for ``ldapsearch``);
    the whole word is read and looked up at the hit."""
    families: dict[bytes, list[bytes]] = {}
    for name in sorted(_CLIENTS):
        families.setdefault(name[:4], []).append(name)
    anchors: list[bytes] = []
    for names in families.values():
        shared = names[0][
            : next((i for i, chars in enumerate(zip(*names, strict=False)) if len(set(chars)) > 1), None)
        ]
        if len(names) > 1 and len(shared) >= 4:
            anchors.append(shared)
        else:
            # (a long name of two words alone: also an argv list's element, `["CMD", "redis-cli", "-a", …]`;
            # a word alone, `security`, would find every sentence holding it)
            anchors.extend(name if _alone(name) else name + b" " for name in names)
    return tuple(anchors)


def _alone(name: bytes) -> bool:
    return len(name) >= 7 and (b"-" in name or b"_" in name)


# `echo SECRET | docker login --password-stdin`, `echo 'user:SECRET' | chpasswd`,
# `echo SECRET | npx wrangler secret put NAME`.
_ECHOED: Final = (
    rb"(?:echo|printf)[ \t]+(?:-[a-z]+[ \t]+)*(?:\\{0,3}[\"']%s(?:\\{1,2}n)?\\{0,3}[\"'][ \t]+)?"
    rb"(?:(?P<dq>\\{0,3}\")(?P<v1>[^\"\n\\]{1,500})(?P=dq)"
    rb"""|(?P<ansi>\$)?'(?P<v2>(?(ansi)(?:[^'\\\n]|\\{1,4}[^\\\n])|[^'\n]){1,500})'"""
    rb"|(?P<v3>[^\s\"'`\\|;&<>()]{1,500}))"
)
# A command that reads a credential on its standard input (after the pipe, on the same line).
_READS_CREDENTIAL: Final = (
    rb"(?:--[a-z\-]*stdin\b|--with-token|\bchpasswd\b|[ \t]login(?![A-Za-z0-9_.\-])"
    # Kerberos' kinit (a principal's password), Samba's `smbpasswd -s`
    rb"|\bkinit\b|\bsmbpasswd[ \t]+(?:-[a-z]+[ \t]+)*-[a-z]*s"
    rb"|\bsudo[ \t]+(?:-[A-Za-z]+[ \t]+)*?-[A-Za-z]*S(?![A-Za-z])"
    # commands that store what they read as a secret: `wrangler secret put`, `fly secrets set`,
    # `docker secret create`, `vercel env add`, `pass insert`
    rb"|[ \t]secrets?[ \t]+(?:put|set|add|create|import)(?![A-Za-z0-9_.\-])"
    rb"|[ \t]env[ \t]+add(?![A-Za-z0-9_.\-])|[ \t]pass[ \t]+(?:insert|add)(?![A-Za-z0-9_.\-]))"
)
_ECHO_PIPE: Final = _ECHOED + rb"[ \t]*\|[^|\n]*?" + _READS_CREDENTIAL
# `echo SECRET > .vault_pass`: a value written into a file named for a credential.
_ECHO_TO_FILE: Final = _ECHOED + rb"[ \t]*(?i:" + rules.WRITES_CREDENTIAL_FILE.encode() + rb")"
# `set -x` prints each command of a pipeline on a line of its own, after `+`: `+ echo SECRET`, then
# `+ docker login … --password-stdin`.
_TRACED_ECHO: Final = (
    _ECHOED + rb"[ \t]*(?:\r?\n|\\{1,3}(?:r\\{1,3})?n)[ \t]*\++[ \t]+[^|\n\\]*?" + _READS_CREDENTIAL
)
_TRACE_BEFORE: Final = rb"[ \t]*\++[ \t]+\Z"
_PRINTERS: Final = {anchor.encode(): pattern.encode() for anchor, pattern in rules.PRINTS_SECRET}
_PRINTERS.update({anchor.encode(): pattern.encode() for anchor, pattern in rules.REPL_PROMPTS})
_REPL_ANCHORS: Final = frozenset(anchor.encode() for anchor, _ in rules.REPL_PROMPTS)
_BARE_REPL_PROMPT: Final = rules.BARE_REPL_PROMPT.encode()
_LISTERS: Final = tuple(anchor.encode() for anchor in rules.LISTS_SECRETS)
# How many lines of a command's output _listed() looks at, and where that output ends: a prompt.
_LISTED_LINES: Final = 40
_PROMPT: Final = rb"[ \t]*(?:[$#>%]|PS [^>\n]{0,200}>|[A-Za-z]:\\{1,4}[^>\n]{0,200}>)[ \t]"
# A command line of one of the CLIs that list credentials (after a prompt, sudo or a path).
_LISTING_COMMAND: Final = (
    rb"[ \t]*(?:(?:[$#>%]|PS [^>\n]{0,200}>|[A-Za-z]:\\{1,4}[^>\n]{0,200}>)[ \t]*)?(?:sudo[ \t]+)?"
    rb"(?:[a-z0-9_.\-]*/)?(?P<cli>[a-z0-9_\-]+)[ \t]"
)
# The name a line of a listing starts with (`key1   FULL   …`, `"value": "…"`, `token_accessor  …`).
_LINE_NAME: Final = rb"""[ \t|]*(?:\\{0,3}["'])?(?P<name>[A-Za-z_][A-Za-z0-9_.\-]{0,63})"""
# A value in a listing: 16 or more base64, hex or token characters.
_LISTED_VALUE: Final = rb"(?<![A-Za-z0-9+/=_\-.~])[A-Za-z0-9+/_\-.~]{16,4096}={0,2}(?![A-Za-z0-9+/=_\-.~])"


@cache
def _printer(anchor: bytes) -> re.Pattern[bytes]:
    """What must be on the line of a command that prints a credential (compiled on first use)."""
    return re.compile(_PRINTERS[anchor])


# Functions that take a credential: found by the last four letters of their name and the "(",
# the whole name is read at the hit (``basicauth(`` and ``httpbasicauth(`` share ``auth(``).
_ANCHORED_SECRETS: Final = {
    anchor.encode(): tuple(rule for rule in rules.ANCHORED_SECRETS if rule.anchor == anchor)
    for anchor in dict.fromkeys(rule.anchor for rule in rules.ANCHORED_SECRETS)
}
# What may stand before an anchored secret on a line of a configuration or a command: words alone.
# (the first in lower case, as commands and configuration statements are: not `Press key 0 to …`)
_CONFIG_LINE_BEFORE: Final = (
    rb"""(?:\\{0,3}")?[ \t]*(?:[$#>][ \t]*)?"""
    rb"""(?:[a-z][A-Za-z0-9_.:/@\-]*[ \t]+(?:[A-Za-z0-9_.:/@\-]+[ \t]+){0,11})?\Z"""
)
# A setting's name quoted before an anchored secret (`Updated the constant 'DB_PASSWORD' in …`).
_QUOTED_NAME: Final = rb"""\\{0,3}["'](?P<name>[A-Za-z_][A-Za-z0-9_.\-]{1,63})\\{0,3}["']"""
_NOT_DEVICE_VALUES: Final = frozenset(("true", "false", "yes", "no", "null", "none", "on", "off"))


@cache
def _anchored_pattern(pattern: str) -> re.Pattern[bytes]:
    """An anchored secret's pattern (rules.ANCHORED_SECRETS), compiled on its anchor's first hit."""
    return re.compile(pattern.encode())


_AUTH_CALL_NAMES: Final = frozenset(name.encode() for name in rules.AUTH_CALLS)
_NAMED_AUTH_CALLS: Final = {name.encode(): spec for name, spec in rules.NAMED_AUTH_CALLS.items()}
_CALL_ANCHORS: Final = tuple(dict.fromkeys(name[-4:].encode() + b"(" for name in rules.AUTH_CALLS))
# A line's end: the end of the text or line, or the end of the JSON string holding it.
_LINE_END: Final = rb"""(?=[ \t]*(?:\r|\\r)?(?:$|\\{1,3}["']|"[,}\]]))"""
# RANCID's .cloginrc after `add password` (or `enablepassword`, `userpassword`): the devices' glob,
# then one or two passwords (a line's, then enable mode's), in braces or bare.
_CLOGINRC_VALUES: Final = (
    rb"[ \t]+[^\s\\]+[ \t]+(?P<first>\{[^{}\n\\]+\}|[^\s{}\\]+)"
    rb"(?:[ \t]+(?P<second>\{[^{}\n\\]+\}|[^\s{}\\]+))?" + _LINE_END
)
_PGPASS: Final = (
    rb"(?:(?<![^\s\"'>])|(?<=\\[nrt]))[^:\s\"'\\]+:(?:[0-9]{1,5}|\*):[^:\s]*:[^:\s]+:"
    rb"(?P<value>[^\s\"'\\]{4,})(?:" + _LINE_END + rb"|(?=\\{0,3}[\"']))"
)
# Words that read as a sentence: letters, single blanks, and an article or a preposition among them
# (which neither a generated passphrase nor a seed phrase's words hold).
_SENTENCE: Final = (
    rb"(?=.*\b(?i:the|an?|to|of|for|in|on|with|from|when|is|are|not|and)\b)"
    rb"[A-Za-z]+(?:[ ][A-Za-z'\-]+){2,}[.!]?"
)
# A .pgpass line's fields (`host:port:database:user:password`), the password maybe cut off.
_PGPASS_FIELDS: Final = rb"[^:\s]+:(?:[0-9]{1,5}|\*):[^:\s]*:[^:\s]+(?::(?P<value>\S+))?"
_USERLIST: Final = (
    rb"""[ \t]*(?P<q>\\{0,3}")[^"\s\\]+(?P=q)[ \t]+(?P=q)(?P<value>[^"\s\\]{4,})(?P=q)""" + _LINE_END
)
_SASL_PASSWD: Final = rb"\[[^\]\s]+\](?::[0-9]+)?[ \t]+[^\s:]+:(?P<value>[^\s\"'\\]{4,})" + _LINE_END
# Where a JSON string starts on a line (``"content":"…``, ``"observation": "…``).
_JSON_STRING_START: Final = rb'\\{0,3}"[ \t]*[:,\[][ \t]*\\{0,3}"'
# `- name: DB_PASSWORD` then `value: …` (Kubernetes, ECS and compose environment lists).

_PAIR_VALUE: Final = (
    rb"(?x)"
    rb"""(?:\\{0,3}["'])?[ \t]*
    (?:(?:,|\r?\n|\\{1,3}r\\{1,3}n|\\{1,3}n)[ \t]*(?:-[ \t]*)?
      (?P<k>\\{0,3}["']?)(?:(?:string_)?value|params|(?P<example>example))(?P=k)[ \t]*:
      |[ \t]+value[ \t]*=)[ \t]*
    (?:(?P<q>\\{0,3}["'])(?P<quoted>[^"'\n\\]{1,2000})(?P=q)|(?P<bare>[^\s"'\\,}]{1,2000}))"""
)
# A CSV file's header: two or more names apart by commas.
_CSV_HEADER: Final = rb"[ \t]*[A-Za-z_][A-Za-z0-9_. \-]{0,63}(?:,[A-Za-z_][A-Za-z0-9_. \-]{0,63}){1,30}\r?"
# After an XML element's name: its attributes, then its text up to the closing tag, or the text of
# a `<value>` child after line breaks and comments (ASP.NET's key ring: `<masterKey …>`, a comment,
# `<value>…</value>`).
_XML_ATTRIBUTES: Final = (
    rb"""(?:[ \t]+[A-Za-z_][A-Za-z0-9_:.\-]*=(?:\\{0,3}"[^"\n\\]{0,200}\\{0,3}"|'[^'\n]{0,200}'))*[ \t]*>"""
    rb"""(?:(?:[ \t\r\n]++|\\{1,3}[nrt]|<!--[^<>\n]{0,200}-->){1,12}<value>)?"""
    rb"""(?P<value>[^<\n\\]{1,2000})</"""
)
# A plist's value after its key: `<key>ClientSecret</key>` then `<string>…</string>` (next line).
_PLIST_VALUE: Final = (
    rb"</key>(?:[ \t\r\n]|\\{1,3}[nrt]|[0-9]{1,7}(?:\xe2\x86\x92|\\{1,3}u2192))*"
    rb"<string>(?P<value>[^<\n\\]{1,2000})</string>"
)
# An element named by its `name`/`key` attribute, right before the name (`<string name="`).
_NAMED_ELEMENT_BEFORE: Final = (
    rb"""<[A-Za-z_][A-Za-z0-9_:.\-]*"""
    rb"""(?:[ \t]+[A-Za-z_][A-Za-z0-9_:.\-]*=\\{0,3}["'][^"'\n]{0,200}?\\{0,3}["'])*"""
    rb"""[ \t]+(?i:name|key)=\\{0,3}["'][A-Za-z0-9_.:\-]{0,100}\Z"""
)
_LINE_BREAK: Final = rb"\n|\\{1,3}[nr]|\Z"
# A name that opens a YAML block: the rest of the line after it (a closing quote, the colon, blanks;
# a block scalar's indicator, `>` or `|`).
_BLOCK_OPENING: Final = rb"""(?:\\{0,3}["'])?[ \t]*:[ \t]*(?P<scalar>[|>][-+1-9]{0,2}[ \t]*)?\r?"""
# A lone word on a line of its own (a nested value as Salt prints it), and a block's default or value.
_BLOCK_SCALAR: Final = rb"""(?:\\{0,3}["'])?[^\s"'`\\#\-|>{\[!&*%@][^\s"'`\\]{3,500}(?<!:)(?:\\{0,3}["'])?"""
_BLOCK_MEMBER: Final = (
    rb"""(?i:default|value)[ \t]*:[ \t]+"""
    rb"""(?:(?P<q>\\{0,3}["'])(?P<quoted>[^"'\n\\]{1,500})(?P=q)|(?P<bare>[^\s"'\\#][^\s"'\\]{0,500}))"""
    rb"""[ \t]*(?:\#[^\n]*)?"""
)
# The client's answer to SMTP's "334 UGFzc3dvcmQ6": the password in base64 (`C: ` before it in a transcript).
_SMTP_REPLY: Final = (
    rb"(?:[ \t]*[0-9]{1,7}(?:\xe2\x86\x92|\\{1,3}u2192|\t|\\t))?[ \t]*(?:[A-Za-z]:[ \t]+)?"
    rb"(?P<value>[A-Za-z0-9+/]{4,2000}={0,2})" + _LINE_END
)
_SMTP_SENT: Final = (
    rb"""[ \t]*send:[ \t]+b?\\{0,3}['"](?P<value>[A-Za-z0-9+/]{4,2000}={0,2})(?=\\{1,7}r|\\{0,3}['"])"""
)
_RESULT_OBJECT: Final = rb'"result\\{0,3}"[ \t]*:[ \t]*\{'
_RESULT_VALUE: Final = (
    rb'(?P<q>\\{0,3}")value\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<value>[^"\\\s]{16,500})\\{0,3}"'
)
_RESULT_REACH: Final = 4096
_BRACES: Final = rb"[{}]"
_RESULT_MEMBER: Final = rb'"result\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<value>[^"\\\n]{1,500})\\{0,3}"'
_HONEYCOMB_KEY: Final = (
    rb"""(?i:x-honeycomb-team)(?:\\{0,3}["'])?[ \t]*[:=][ \t]*(?:\\{0,3}["'])?"""
    rb"""(?P<value>[A-Za-z0-9_\-]{16,128})"""
)
# Bundler's credentials for a gem server, one setting per host (dots as `__`): `BUNDLE_GEMS__CONTRIBSYS__COM:
# "user:password"` in ~/.bundle/config, `export BUNDLE_RUBYGEMS__PKG__GITHUB__COM=TOKEN`, and `bundle
# config set --global gems.contribsys.com user:password` that writes it.
_BUNDLE_HOST_SETTING: Final = (
    rb"""(?i:bundle_)(?!(?i:mirror__))[A-Za-z0-9\-]+(?:__[A-Za-z0-9\-]+)+(?:\\{0,3}["'])?[ \t]*[:=][ \t]*"""
    rb"""(?:\\{0,3}["'])?(?P<value>[^\s"'\\]{6,500})"""
)
_BUNDLE_CONFIG_HOST: Final = (
    rb"""bundle config[ \t]+(?:(?:set|--global|--local)[ \t]+)*"""
    rb"""(?:[a-z0-9\-]+(?:\.[a-z0-9\-]+)+|https?://[^\s"'\\]+)[ \t]+"""
    rb"""(?:\\{0,3}["'])?(?P<value>[^\s"'\\]{6,500})"""
)
# A C string comparison as ltrace prints it, or in source (`strcmp("guess", "…") = -1`): its literals.
_COMPARE_NAME: Final = rb"(?:[a-z_]{0,12}_)?(?:str|strn|strcase|strncase|mem|wcs|wcsn|b)cmp0?\($"
# A buffer written to a socket as strace prints it (`write(3, "…", 22) = 22`), also JSON-escaped.
_WRITTEN: Final = rb"""(?:write|sendto)\([0-9]{1,6},[ \t]*(?P<q>\\{0,3}")"""
# PostgreSQL's PasswordMessage: `p`, four bytes of length (escaped or printable), the password, NUL.
_PG_PASSWORD_MESSAGE: Final = (
    rb"""p(?:\\{1,7}(?:[0-7]{1,3}|x[0-9a-f]{2}|[a-z])|[ -!#-\[\]-~]){4}"""
    rb"""(?P<value>[^\\"\x00-\x20]{4,300})\\{1,7}0"""
)
# Redis's AUTH in the wire protocol (`*2\r\n$4\r\nAUTH\r\n$16\r\n…\r\n`, the user before the password).
_RESP_AUTH: Final = (
    rb"""(?i:auth)(?:\\{1,7}r\\{1,7}n\$[0-9]{1,3}\\{1,7}r\\{1,7}n[^\\"\s]{1,200})?"""
    rb"""\\{1,7}r\\{1,7}n\$[0-9]{1,3}\\{1,7}r\\{1,7}n(?P<value>[^\\"\s]{1,500})\\{1,7}r\\{1,7}n"""
)
# A SecureString parameter's value: the next cell of `aws ssm get-parameter(s) --output text`.
# Pulumi's secret values in a stack's state: an object holding its secret signature and the value in
# `"plaintext"` (a JSON string of the value's JSON), as `pulumi stack export --show-secrets` prints it.
_PULUMI_PLAINTEXT: Final = (
    rb"""plaintext\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<value>[^\n]{1,4096}?)\\{0,3}"""
    rb""""[ \t]*(?=[,}\r\n]|\\{1,3}[nr]|$)"""
)
_PULUMI_REACH: Final = 512
# The user and password of HTTP Basic authentication as a pair: Guzzle's `'auth' => ['user', '…']`.
_AUTH_PAIR: Final = (
    rb"""[ \t]*(?P<q>\\{0,3}["'])[^"'\\\n]{0,200}(?P=q)[ \t]*,[ \t]*"""
    rb"""(?P<q2>\\{0,3}["'])(?P<value>[^"'\\\n]{1,500})(?P=q2)[ \t]*[,\]]"""
)
# `user:password` encoded for a Basic header by hand: `base64.b64encode(b"api:…")`, `btoa("api:…")`,
# `base64.StdEncoding.EncodeToString([]byte("api:…"))`, `Base64.encode64("api:…")`, PHP's
# `base64_encode('api:…')`, .NET's `Convert.ToBase64String(Encoding.ASCII.GetBytes("api:…"))`.
_ENCODED_LOGIN: Final = (
    rb"""[ \t]*(?:[A-Za-z_][A-Za-z0-9_.]{0,40}\([ \t]*|\[\]byte\()?[bu8]{0,2}(?P<q>\\{0,3}["'])"""
    rb"""[A-Za-z0-9_.@+\-]{1,64}:(?P<value>[^"'\\\s]{4,500})(?P=q)"""
)
# A table's rows in an SQL dump, under a column list that names a secret (`api_key`, `password`):
# PostgreSQL's `COPY table (…) FROM stdin;` and its tab-separated lines up to `\.`, an `INSERT INTO
# table (…) VALUES (…), (…);`. A one-way hash (`pbkdf2_sha256$…`, bcrypt's `$2y$…`) or NULL stays.
_COPY_HEAD: Final = rb"(?i:copy)[ \t]+[^\s(]{1,200}[ \t]*\((?P<columns>[^()\n\\]{1,2000})\)\Z"
_INSERT_HEAD: Final = (
    rb"(?i:insert)[ \t]+(?:(?i:ignore)[ \t]+)?(?i:into)[ \t]+[^\s(]{1,200}[ \t]*"
    rb"\((?P<columns>[^()\n\\]{1,2000})\)\Z"
)
_ROW_BREAK: Final = rb"\r?\n|\\{1,3}n"
_SQL_VALUE: Final = (
    rb"""(?:[ \t\r\n]|\\{1,3}[nrt])*(?:'(?P<s>(?:[^'\\\n]|''){0,4096})'|(?P<o>[^,()'\s\\]{1,200}))"""
    rb"""[ \t]*(?P<sep>[,)])"""
)
_NEXT_TUPLE: Final = rb"""[ \t]*,(?:[ \t\r\n]|\\{1,3}[nrt])*\("""
_SQL_ROWS: Final = 1000
_SECURE_STRING_CELL: Final = rb"securestring(?:\t|\\{1,3}t|[ \t]*\|[ \t]*)(?P<value>[^\t\n\\|]{1,4096})"
_SECURE_STRING_VALUE: Final = (
    rb"""\\{0,3}"(?i:value)\\{0,3}"[ \t]*:[ \t]*(?P<q>\\{0,3}")(?P<value>[^"\\\n]{1,4096})(?P=q)"""
)
# A login session's id as a log line prints it (`login ok user=… session=…`); a Rails session
# cookie (`_app_session=…`), signed (base64, `--`, its digest in hex) or encrypted (data, iv and tag in
# base64 joined by `--`), maybe percent-encoded.
_SESSION_VALUE: Final = (
    rb"session=(?P<value>[A-Za-z0-9+/%=]{16,4096}(?:--[A-Za-z0-9+/%=]{8,128}){1,2}(?![A-Za-z0-9+/%=\-])"
    rb"|[A-Za-z0-9_\-]{16,512}(?![A-Za-z0-9_\-.%:/]))"
)
# ltrace's line for getpass(): the prompt, then the string it returned.
_GETPASS_RETURN: Final = (
    rb"""getpass\([^()\n]{0,200}\)[ \t]*=[ \t]*(?P<q>\\{0,3}")(?P<value>[^"\\\n]{1,500})(?P=q)"""
)
# `user:password@host` before a database's or a cache's port, without a scheme (`DATABASE=app:…@db:5432/app`,
# `mysqlsh app:…@db:3306`): the user and password, back from the `@` to a blank, a quote or a `=`.
_SCHEMELESS_USERINFO: Final = (
    rb"""(?:^|(?<=[\s"'`=,;(]))(?P<user>[A-Za-z0-9_.\-]{1,64}):"""
    rb"""(?P<value>[^\s"'`@/]{3,200}|[^\s"'`/]{3,200}(?=@[^@]*$))$"""
)
_UUID: Final = rb"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
# A variable named for Algolia holding one of its keys (32 hex digits, the admin or a write key),
# though its name lacks the word `key` (`static let algoliaAdmin = "…"`); search-only keys and the
# application's id are public.
_ALGOLIA_SETTING: Final = (
    rb"""(?P<name>[A-Za-z0-9_]*)(?:\\{0,3}["'])?[ \t]*(?::[ \t]*[A-Za-z]+[ \t]*)?(?:=>|:=|=|:)[ \t]*"""
    rb"""(?:\\{0,3}["'`])?(?P<value>[0-9a-f]{32})(?![0-9A-Za-z])"""
)
# A seed phrase (BIP-39: 12 to 24 words of 3 to 8 letters) after the word naming it: "recovery
# phrase:", `MNEMONIC=`, `SEED_PHRASE=`, `"mnemonic": "…"`, `--mnemonic "…"`, `from_mnemonic("…")`,
# truffle's `new HDWalletProvider("…", url)`.
_SEED_PHRASE: Final = (
    rb"""(?i:phrase|mnemonic|seed(?:[_\-]?(?:phrase|words))?|hdwalletprovider)s?(?:\\{0,3}["'])?[ \t]*"""
    rb"""(?:[:=(]|is|was)?[ \t]*(?:\\{0,3}["'`])?"""
    rb"""(?P<value>[a-z]{3,8}(?:[ \t]+[a-z]{3,8}){11,23})(?![A-Za-z0-9_\-]|[ \t]+[a-z])"""
)
# The private keys a Hardhat, Foundry or Truffle network signs with: `accounts: ["0x…", …]` (also
# quoted, JSON-escaped, over several lines; a YAML list's `accounts:` then `- 0x…` lines); Brownie's
# `from_key: "0x…"` (64 hex digits, `0x` or not; an address, 40 of them, is public).
_ACCOUNTS_LIST: Final = (
    rb"""(?:accounts|from_key)(?:\\{0,3}["'])?[ \t]*[:=][ \t]*(?P<list>\[)?"""
    rb"""(?=(?:\s|\\{1,3}[nrt])*(?P<dash>-[ \t]+)?(?:\\{0,3}["'])?(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z]))"""
)
_ACCOUNTS_ITEMS: Final = (
    rb"""(?:(?:\s|\\{1,3}[nrt])*-[ \t]+(?:\\{0,3}["'])?"""
    rb"""(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z])(?:\\{0,3}["'])?)+"""
)
_EVM_KEY: Final = rb"(?<![0-9A-Za-z])(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z])"
_ACCOUNTS_REACH: Final = 4096
# The element before a `<value>` that names it (blanks and line breaks, also escaped, between):
# Hadoop's, Hive's and Spark's `<name>fs.s3a.secret.key</name>`, or an element that holds it
# (Windows' unattend.xml: `<AdministratorPassword>`, `<Password>` above `<Value>`).
_XML_NAME_BEFORE: Final = (
    rb"""(?:<name>(?P<named>[A-Za-z_][A-Za-z0-9_.:\-]{0,127})</name>|<(?P<parent>[A-Za-z_][A-Za-z0-9_.:\-]{0,127})"""
    rb"""(?:[ \t][^<>]{0,300})?>)(?:\s|\\{1,3}[nrt])*\Z"""
)
_XML_VALUE_TEXT: Final = rb"(?i:<value>)(?P<value>[^<>\n\\]{1,2000})(?i:</value>)"
# A key written as a list of its bytes (16, 24, 32 or 64 numbers of 0 to 255): Zigbee's
# `network_key: [1, 3, …]`, LoRaWAN's keys, a Solana keypair file (`[12,200,…]`, 64 of them).
_KEY_BYTES: Final = (
    rb"[ \t]*(?:25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})(?:[ \t]*,[ \t]*(?:25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})){15,63}"
    rb"(?=[ \t]*\])"
)
_KEY_SIZES: Final = frozenset((16, 24, 32, 64))
# A key or a password written in code as an array of its bytes or characters, after its name: Kotlin's
# `byteArrayOf(0x6b, …)`, C#'s `new byte[] { 0x6b, … }`, C's `kKey[] = { 'a', 'b', … }`, Java's
# `char[] PASSWORD = { 'x', … }`, Python's `bytes([107, …])`, Go's `[]byte{…}`, Rust's `[u8; 16] =
# [0x6b, …]`, Swift's `[UInt8] = […]`: a type, a constructor, then 8 to 256 numbers (decimal, hex,
# maybe cast) or character literals, one per line or many.
_ARRAY_ELEMENT: Final = (
    rb"""(?:\((?:byte|sbyte|char|uint8_t|u8|int8_t)\)[ 	]*)?"""
    rb"""(?:-?0[xX][0-9a-fA-F]{1,2}[uU]?|-?(?:25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})|'(?:\\{1,7}[^\n]|[^'\\\n])')"""
)
# What _AFTER_NAME takes for a value where none is (`= { 0x6b, … }`, `= new byte[] { … }`).
_NO_VALUE: Final = frozenset((b"=", b"new", b":"))
# The password last on a row of logins, after the blanks that follow the account (see _login_row()).
_LOGIN_ROW_VALUE: Final = (
    rb"""[ \t]{2,}(?P<value>[^\s"'`\\]{6,200})[ \t\r]*(?:\\r)?(?=$|\\{0,3}["'](?:[,}\]]|$))"""
)
# A YAML tag where a value is (`!Ref`, `!Sub`, `!!binary`, `!vault`, `!GetAtt`).
_YAML_TAG: Final = r"!!?[A-Za-z][A-Za-z0-9_:.\-]*"
# The calls that make an array of bytes or characters (Kotlin's, Python's, Node's, Swift's, Rust's).
_ARRAY_MAKERS: Final = frozenset(
    (
        b"byteArrayOf",
        b"ubyteArrayOf",
        b"charArrayOf",
        b"intArrayOf",
        b"bytes",
        b"bytearray",
        b"Buffer.from",
        b"Uint8Array.from",
        b"Data",
        b"vec!",
    )
)
_ARRAY_SEPARATOR: Final = rb"""[ \t]*,(?:[ \t\r\n]|\\{1,3}[nrt])*"""
_BYTE_ARRAY: Final = (
    rb"(?x)"
    rb"""(?:\\{0,3}["'])?(?:\[[0-9]{0,4}\])?[ \t]*
    (?::[ \t]*[A-Za-z&\[][A-Za-z0-9_&\[\];<> ]{0,40}?[ \t]*)?
    (?::=|=(?![=>~])|:)[ \t]*
    (?:[A-Za-z_\[][A-Za-z0-9_.!:<>\[\] ]{0,40}?)?
    [(\[{][ \t]*[(\[{]?(?:[ \t\r\n]|\\{1,3}[nrt])*"""
    rb"(?P<body>" + _ARRAY_ELEMENT + rb"(?:" + _ARRAY_SEPARATOR + _ARRAY_ELEMENT + rb"){7,255})"
)
# A seed phrase on the line of the word naming it, whatever lies between (`Mnemonic (keep it out of
# git): …`, `Mnemonic.fromPhrase("…")`, `{"mnemonic": {"phrase": "…"}}`, `echo '…' > seed.txt`):
# a whole run of 12 to 24 words, each from BIP-39's English list (see _bip39_run()).
_BIP39_RUN: Final = (
    rb"(?<![A-Za-z0-9_\-])(?<![a-z][ \t])[a-z]{3,8}(?:[ \t]+[a-z]{3,8}){11,23}(?![A-Za-z0-9_\-]|[ \t]+[a-z])"
)
_SEED_REACH: Final = 200  # bytes from the naming word to where the phrase starts, either way
# Words no seed phrase holds: prose that only follows the word "phrase".
_NOT_SEED_WORDS: Final = frozenset(
    b"the and for that this with from your are was were not but its our their than been which".split()
)
# A value named `encoded` (Elasticsearch's API key as `ApiKey` takes it): base64 of `id:key`.
_ENCODED_CREDENTIAL: Final = (
    rb"""encoded(?:\\{0,3}["'])?[ \t]*[:=][ \t]*(?:\\{0,3}["'])?(?P<value>[A-Za-z0-9+/]{16,4096}={0,2})"""
    rb"""(?![A-Za-z0-9+/=])"""
)


@cache
def _bip39_words() -> frozenset[bytes]:
    """BIP-39's English word list (from the reference implementation's package)."""
    from mnemonic import Mnemonic

    return frozenset(word.encode() for word in Mnemonic("english").wordlist)


def _basic_placeholder(data: bytes, start: int, value: str) -> bool:
    """Whether *value*, after ``Basic``, is base64 of a user and a placeholder for a password
    (``dXNlcjpwYXNzd29yZA==``, ``user:password``, as documentation shows the scheme)."""
    if not data[max(0, start - 6) : start].lower().startswith(b"basic"):
        return False
    import binascii

    word = value.split(maxsplit=1)[0].strip("\"'`\\")
    try:
        decoded = binascii.a2b_base64(word).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return False
    user, colon, password = decoded.partition(":")
    return bool(colon and user.isprintable() and password.isprintable()) and is_placeholder(password)


def _encodes_credential(value: bytes) -> bool:
    """Whether *value* is base64 of ``id:secret`` (printable, a random-looking secret of 8 or more)."""
    import binascii

    try:
        decoded = binascii.a2b_base64(value)
    except binascii.Error:
        return False
    head, colon, secret = decoded.partition(b":")
    if not colon or not head or len(secret) < 8 or not decoded.isascii():
        return False
    text = decoded.decode("ascii")
    return text.isprintable() and credential_like(secret.decode("ascii"))


# `Basic` and base64 of `user:password` (HTTP Basic authentication), wherever it is logged.
_BASIC_CREDENTIALS: Final = rb"(?i:basic)[ \t]+(?P<value>[A-Za-z0-9+/]{8,4096}={0,2})(?![A-Za-z0-9+/=_\-.])"


def _basic_credentials(value: bytes) -> bool:
    """Whether *value* is base64 of ``user:password``: printable, with a user and a password that is
    no placeholder (``dXNlcjpwYXNzd29yZA==``, ``user:password``, stays)."""
    import binascii

    try:
        decoded = binascii.a2b_base64(value)
    except binascii.Error:
        return False
    if not decoded.isascii():
        return False
    text = decoded.decode("ascii")
    user, colon, password = text.partition(":")
    return bool(colon and user and text.isprintable() and len(password) >= 4) and not is_placeholder(password)


# A secret of strongSwan's ipsec.secrets after its type (a key file first, for RSA, ECDSA and P12).
_IPSEC_SECRET: Final = (
    rb""":[ \t]+(?i:eap|xauth)[ \t]+"""
    rb"""(?:(?P<q>\\{0,3}["'])(?P<quoted>[^"'\n\\]{1,500})(?P=q)|(?P<bare>[^\s"'\\]{4,500}))""" + _LINE_END
)
# Oracle: `jdbc:oracle:thin:user/password@…`, and `user/password@//host…` anywhere (EZConnect).
_ORACLE_THIN: Final = rb"""(?i::thin:)[A-Za-z0-9_$#]+/(?P<value>[^\s/@"'\\]{3,200})@"""
_ORACLE_EZCONNECT: Final = rb"""(?<![A-Za-z0-9_$#/])[A-Za-z0-9_$#]+/(?P<value>[^\s/@"'\\]{3,200})@//\Z"""
_PAT_VARIABLE: Final = rb"""\$(?i:pat)[ \t]*=[ \t]*(?P<q>\\{0,3}["'])(?P<value>[^"'\s\\]{16,500})(?P=q)"""
# A JSON Web Key: "kty" as a member's name; its private members (base64url values).
_JWK_KTY: Final = rb"""kty(?:\\{0,3}["'])?[ \t]*[:=]"""
_JWK_PRIVATE: Final = (
    rb"""(?:\\{0,3}["']|(?<=[{,\s\[])|(?<=\\[nt]))(?:d|p|q|dp|dq|qi|k)(?:\\{0,3}["'])?[ \t]*[:=][ \t]*"""
    rb"""(?:\\{0,3}["'])?(?P<value>[A-Za-z0-9_\-]{16,})(?![A-Za-z0-9_\-+/.])"""
)
_JWK_LINES: Final = 16  # lines of a YAML mapping or a TOML table around its `kty`
# IMAP: `TAG LOGIN user password` (also `C: TAG …` in a transcript); SASL-IR `TAG AUTHENTICATE PLAIN …`.
_IMAP_LOGIN: Final = rb"(?x)" + (
    rb"""[ \t]*(?:(?:\x1b|\\u001b|\\x1b|\\e|\\033)\[[0-9;]*m)?(?:[A-Za-z]:[ \t]+)?[A-Za-z0-9.*]{1,12}
    [ \t]+(?P<verb>(?i:login))[ \t]+
    (?:\\{0,3}"[^"\\\n]*\\{0,3}"|[^\s"\\]+)[ \t]+
    (?:(?P<q>\\{0,3}")(?P<quoted>[^"\\\n]{1,500})(?P=q)|(?P<bare>[^\s"\\]{1,500}))"""
    + _LINE_END
)
# A protocol tag alone at the start of a line (also of a JSON string, or after "C: ") before a blank.
_TAG_BEFORE: Final = rb"""(?:^|[\n"]|\\[nr]|[A-Za-z]:[ \t]|\[[0-9;]*m)[ \t]*[A-Za-z0-9.*]{1,12}[ \t]\Z"""
_SASL_PLAIN: Final = rb"(?x)" + (
    rb"""[ \t]*(?:[A-Za-z]:[ \t]+)?[A-Za-z0-9.*]{1,12}[ \t]+(?P<verb>(?i:authenticate))[ \t]+
    (?:\\{0,3}")?(?i:plain)(?:\\{0,3}")?[ \t]+(?:(?P<q>\\{0,3}")(?P<quoted>[A-Za-z0-9+/=]{8,2000})(?P=q)
    |(?P<bare>[A-Za-z0-9+/=]{8,2000}))"""
    + _LINE_END
)
# `"type": "` right before a name (Postman's `"type": "secret"`), and a JSON object's `"value"` member.
_TYPE_BEFORE: Final = rb"""type\\{0,3}"[ \t]*:[ \t]*\\{0,3}"\Z"""
# The member holding a secret's value in its own object: `"value"`, and Doppler's `"computed"` and
# `"raw"` (`doppler secrets --json`: `{"DB_PASSWORD": {"computed": "…", "note": ""}}`).
_VALUE_MEMBER: Final = (
    rb"""\\{0,3}"(?:value|computed|raw)\\{0,3}"[ \t]*:[ \t]*"""
    rb"""(?P<q>\\{0,3}")(?P<value>[^"\\\n]{1,2000})(?P=q)"""
)
# A type annotation between a name and the string literal assigned to it (Rust, Kotlin, Swift,
# TypeScript, Python): `: &str = "…"`, `: String = "…"`, `: Final = '…'`.
_ANNOTATED_LITERAL: Final = (
    rb"""(?:\\{0,3}["'])?[ \t]*:[ \t]*[A-Za-z_&*\[(][A-Za-z0-9_&*'<>\[\]().,;| ?]{0,80}?"""
    rb"""[ \t]*=(?![=>~])[ \t]*(?:[bB][rR]?|[rR])?"""
    rb"""(?P<q>\\{0,3}["'`])(?P<value>[^"'`\n\\]{1,2000})(?P=q)"""
)
# Names that are secret only with the word before them (`API key`, `access token`) or a generated value.
_LONE_NAMES: Final = frozenset((b"key", b"Key", b"KEY"))
_PRIVATE_KEYS: Final = frozenset((b"_key", b"_Key", b"_KEY", b"__key"))  # Dart's, Python's private ones
_NUMBERED_KEYS: Final = frozenset((b"key1", b"key2", b"key_1", b"key_2"))  # (lower-cased)
# What stands before a lone `key` in a network device's configuration that gives it a RADIUS or TACACS+
# server's shared key (lower-cased): an indented line of the server's block (IOS's `radius server NPS`,
# `tacacs server ISE`, ASA's `aaa-server ISE (inside) host …`, then ` key …` or ` pac key …`), or
# the global command's words (`radius-server host 10.0.0.1 auth-port 1812 key …`, `tacacs-server key …`).
_AAA_SERVER_KEY: Final = rb"(?x)" + (
    rb"(?:(?:radius|tacacs)[ \t]+server|aaa-server)[ \t][^\n\\]*"
    rb"(?:(?:\r?\n|(?:\\{1,3}r)?\\{1,3}n)[ \t]+[^\n\\]*){0,8}?"
    rb"(?:\r?\n|(?:\\{1,3}r)?\\{1,3}n)[ \t]+(?:pac[ \t]+)?\Z"
    rb"|(?:radius|tacacs)-server(?:[ \t][^\n\\]*)?[ \t]\Z"
)


# The value after a primary key's name that is a key (Azure's primary and secondary keys, 32 bytes
# or more in base64), not a row's id: 32 base64 characters or more.
_KEY_MATERIAL: Final = (
    rb"""(?:\\{0,3}["'])?[ \t]*[:=]?[ \t]*(?:\\{0,3}["'])?(?P<value>[A-Za-z0-9+/_\-]{32,4096}={0,2})"""
    rb"""(?![A-Za-z0-9+/=_\-])"""
)


def _primary_key(data: bytes, name: bytes, name_end: int) -> bool:
    """Whether *name*, a primary key's (which elsewhere indexes data: rules.NOT_SECRET_KEYS), holds
    an Azure resource's primary key (IoT Hub, Event Hubs, Service Bus, Maps: `"primaryKey"` beside
    `"secondaryKey"`, `--primary-key`): 32 base64 characters or more with digits and both cases, or
    padded as base64 is (Azure's keys of 32 and 64 bytes end in `=`, and one in some thousands holds
    no digit)."""
    if name_parts(name.decode("ascii", "replace"))[-2:] != ["primary", "key"]:
        return False
    value = _rx[_KEY_MATERIAL].match(data, name_end)
    if value is None:
        return False
    text = value.group("value").decode("ascii")
    return _strong(text) or (text.endswith("=") and not text.isupper() and not text.islower())


def _aaa_server_key(low: bytes, key: int) -> bool:
    """Whether the lone `key` at *key* (lower-cased text) gives a RADIUS or TACACS+ server's shared key."""
    floor = max(0, key - 800)
    return low.rfind(b"server", floor, key) != -1 and _rx[_AAA_SERVER_KEY].search(low, floor, key) is not None


# What a lone `key` must be followed by to hold a secret: a separator and a long base64-like run.
# A value that may be generated after a key's name (16 token characters or more): only then is the
# block around the name looked at.
_KEY_VALUE_AHEAD: Final = rb"""(?:\\{0,3}["'])?[ \t]*(?:[:=]|=>)[ \t]*(?:\\{0,3}["'])?[A-Za-z0-9+/_\-]{16}"""
_LONE_KEY_VALUE: Final = rb"""[ \t]*[:=][ \t]*\\{0,3}["']?[A-Za-z0-9+/_\-]{16}"""
_PREVIOUS_WORD_DOT: Final = rb"(?<![A-Za-z0-9_\-])(?P<word>[A-Za-z]{2,12})\.\Z"
# A table aligned with blanks: its cells (runs of words apart by single blanks), and a header of
# names alone (`ID  Description  Token  User Name  User ID  Permissions`).
_ALIGNED_CELL: Final = rb"[^ \t\n\\]+(?: [^ \t\n\\]+)*"
_ALIGNED_HEADER_CELL: Final = rb"[A-Za-z][A-Za-z0-9_()#./\-]*(?: [A-Za-z0-9_()#./\-]+)*"
_ALIGNED_HEADER: Final = (
    rb"[ \t]*" + _ALIGNED_HEADER_CELL + rb"(?:  +" + _ALIGNED_HEADER_CELL + rb"){2,}[ \t\r]*"
)
# A JSON:API resource's type, then its attributes up to the member at the search's end.
_JSON_API_TYPE: Final = (
    rb'"type\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<type>[A-Za-z_\-]{2,40})\\{0,3}"[^{}]{0,300}'
    rb'"attributes\\{0,3}"[ \t]*:[ \t]*\{[^{}]{0,400}\\{0,3}"\Z'
)
_PROSE_KEY_VALUE: Final = (
    rb"[ \t]+(?P<value>[A-Za-z0-9+/_\-]{16,500}={0,2})(?![A-Za-z0-9+/=_\-]|\.[A-Za-z0-9])"
)
# (after a JSON-escaped line break or tab too: `\\nNew key`)
_PREVIOUS_WORD: Final = rb"(?:(?<![A-Za-z0-9_\-\\])|(?<=\\)[nrt])(?P<word>[A-Za-z]{2,12}) \Z"
# The words of a label before a secret name in a table's cell (`Admin password`, `Pre-shared key`).
_LABEL_WORDS: Final = rb"(?:[A-Za-z][A-Za-z\-]{0,23} ){1,3}"
# The words that declare a binding right before its name (`let key = …`, `static const _key = …`).
_DECLARATIONS: Final = frozenset(
    b"let val var const def my our local final static readonly mutable mut constexpr auto".split()
)
_HEX_SECRET: Final = r"[0-9a-fA-F]{32,128}"
_BASE64_VALUE: Final = r"[A-Za-z0-9+/_\-]{16,4096}={0,2}"
# ODBC's braced value after `=`: `Pwd={…}` (`}}` is a literal brace), up to `;` or the end.
_BRACED_VALUE: Final = (
    rb"(?m)" rb"[ \t]*=[ \t]*\{(?P<value>(?:[^}\n\\\x00]|\}\}){1,500})\}(?=;|[ \t\"'\\]|\r?$)"
)
# A Go struct printed with %+v: `{Field:value Field:value}` before a name, and the value after it.
# (also a map printed with %v: `map[host:db password:… port:5432]`)
_GO_FIELDS_BEFORE: Final = rb"(?:\{|map\[)(?:[A-Za-z_][A-Za-z0-9_.\-]*:[^\s{}]*[ \t]+)*\Z"
_GO_FIELD_VALUE: Final = rb"(?P<value>[^\s{}\[\]]{1,500}?)(?=[ \t]+[A-Za-z_][A-Za-z0-9_.\-]*:|[}\]])"
# A JSON object right after a secret name (`"db_password": {"sensitive": true, "value": "…"}`, as
# `terraform output -json` prints it), and a member marking its object sensitive.
_OBJECT_AFTER: Final = rb"""\\{0,3}["'][ \t]*:[ \t]*\{"""
_SENSITIVE_TRUE: Final = rb"""sensitive\\{0,3}"[ \t]*:[ \t]*true"""
# Terraform's (HCL's) `sensitive = true` in a block, the block's opening line (`variable "…" {`),
# its end (a `}` alone at the start of a line) and its `default = "…"`.
_HCL_SENSITIVE: Final = rb"sensitive[ \t]*=[ \t]*true"
_HCL_BLOCK_START: Final = rb"""variable[ \t]+\\{0,3}"[A-Za-z0-9_\-]{1,64}\\{0,3}"[ \t]*\{"""
_HCL_BLOCK_END: Final = rb"(?:\n|\\{1,3}n)\}"
_HCL_DEFAULT: Final = (
    rb"""(?:\n|\\{1,3}n)[ \t]*default[ \t]*=[ \t]*(?P<q>\\{0,3}")(?P<value>[^"\\\n]{1,500})(?P=q)"""
)
# A name given to Terraform's `variable "…" {` (its default is the value).
_HCL_VARIABLE_BEFORE: Final = rb"""(?:^|\n|\\{1,3}n|")variable[ \t]+\\{0,3}"\Z"""
_HCL_VARIABLE_AFTER: Final = rb"""\\{0,3}"[ \t]*\{"""
# A PuTTY key file up to its Private-MAC; cut short, up to the end of its private lines.
_PUTTY_KEY: Final = (
    rb"(?s)"
    rb"PuTTY-User-Key-File-[0-9]+:(?:(?!PuTTY-User-Key-File-).){0,32768}?"
    rb"Private-(?:MAC|Hash):[ \t]*[0-9a-fA-F]+"
)
_PUTTY_CUT: Final = (
    rb"(?s)"
    rb"PuTTY-User-Key-File-[0-9]+:(?:(?!PuTTY-User-Key-File-).){0,32768}?"
    rb"Private-Lines:[ \t]*[0-9]+(?:\s|\\{1,3}[nr])+[A-Za-z0-9+/=\s\\]*"
)
# A JSON member called just "api" holding a key (Snyk's `{"api": "<token>", "org": "acme"}`).
_API_MEMBER: Final = rb'"api\\{0,3}"[ \t]*:[ \t]*(?P<q>\\{0,3}")(?P<value>[^"\\\s]{16,200})(?P=q)'
# The scheme before the credential of an Authorization header's value.
_AUTH_SCHEME: Final = (
    rb"(?i:bearer|basic|token|digest|negotiate|ntlm|apikey|api-key|key|sso-key|otp|aws4-hmac-sha256)[ \t]+"
)
_REDIS_ACL: Final = rb"user[ \t]+[^\s>]+(?:[ \t]+[^\s>]+)*?[ \t]+>(?P<value>[^\s\"'\\]{4,})"
# SQL: `CREATE USER … IDENTIFIED BY 'password'` (also `IDENTIFIED WITH plugin BY '…'`).
_IDENTIFIED_BY: Final = (
    rb"(?im)"
    rb"""identified[ \t]+(?:with[ \t]+[^\s]+[ \t]+)?by[ \t]+(?:password[ \t]+)?"""
    rb"""(?:[nN]?(?P<q>\\{0,3}['"])(?P<value>[^'"\n\\]{3,500})(?P=q)"""
    # Oracle: `ALTER USER scott IDENTIFIED BY Tiger_2024;` (unquoted)
    rb"""|(?P<bare>[A-Za-z0-9!#%^*+=~_.@\-]{3,500})(?=[ \t]*(?:[;,)]|$|\r|\\[nr]|[ \t][a-z])))"""
)
# A JAAS login module's user, when it is an API key (Confluent, Event Hubs): `username="KEY"`.
_JAAS_USER: Final = rb"""[^\n]{0,200}?\busername=(?P<q>\\{0,3}["'])(?P<value>[^"'\n\\]{8,500})(?P=q)"""
# A cloud-init `chpasswd:` block's lines `user:password`.
_CHPASSWD_LINE: Final = (
    rb"""(?P<indent>[ \t]+)(?:-[ \t]+)?[A-Za-z_][A-Za-z0-9_.\-]*:(?P<value>[^\s"'\\]{4,})""" + _LINE_END
)
# (the driver splits at the last `@`, so the password may hold `@`: `app:p@ss#1@tcp(db)/x`)
_GO_DSN: Final = rb"[^\s:\"'/@]+:(?P<value>[^\s\"'`]{3,})@(?:tcp|unix)\("
# Arguments of a call, one at a time: a string literal (also JSON-escaped) or any other expression.
_CALL_ARG: Final = (
    rb"(?x)"
    rb"""(?:[ \t\r\n]|\\{1,3}[nrt]|[0-9]{1,7}(?:\xe2\x86\x92|\\{1,3}u2192))*
    (?:(?P<wrap>(?:[A-Za-z_][A-Za-z0-9_]*\.){0,3}
        (?:GetBytes|getBytes|\[\]byte|bytes|bytearray|Buffer\.from|from)\([ \t]*)?
      (?:[fbrFBR]{0,2}|@(?=\\{0,3}"))(?P<q>\\{0,3}["'`])(?P<s>[^\n"'`\\]{0,500})(?P=q)
      (?P<more>(?:[ \t]*\+[ \t]*(?P=q)[^\n"'`\\]{1,500}(?P=q)){1,3})?
      (?:\.[A-Za-z_][A-Za-z0-9_]*(?:\([^()\n]{0,60}\))?!?){0,2}(?(wrap)(?:[ \t]*,[^()\n]{0,30})?\))
      |(?P<e>(?:[^,()"'`\n{}\\]++|\\(?![nrt])|"[^"\n]{0,200}"|'[^'\n]{0,200}'|\([^()\n]{0,200}\)|\{[^{}\n]{0,200}\})*+))
    (?:[ \t\r\n]|\\{1,3}[nrt])*(?P<end>[,)])"""
)
# A string literal joined to the one before it (the `more` of _CALL_ARG).
_JOINED_LITERAL: Final = rb"""\+[ \t]*(?P<q>\\{0,3}["'`])(?P<s>[^\n"'`\\]{1,500})(?P=q)"""

# What a function named for a credential returns, after its name (see _Scan._getter()).
_GETTER: Final = (
    rb"""(?:\([^()\n]{0,60}\)[ \t]*"""
    rb"""(?:(?:(?::|->)[ \t]*[A-Za-z_][A-Za-z0-9_<>?\[\]., ]{0,40}?[ \t]*)?(?:=|\{)|->)"""
    rb"""|(?P<short>(?:\(\))?,[ \t]*do:))[ \t]*(?:return[ \t]+)?(?:@|<<)?"""
    rb"""(?P<q>\\{0,3}["'`])(?P<value>[^"'`\n\\]{1,2000})(?P=q)"""
)
_DEF_BEFORE: Final = rb"(?<![A-Za-z0-9_])defp?[ \t]+(?:self\.)?\Z"
# The next piece of a literal after its closing quote: an operator that joins strings (`+`, `..`,
# `.`, `&`, `||`, `~`, `<>`, Visual Basic's `& _`) or none, maybe a line break, then the next literal.
_LITERAL_PIECE: Final = (
    rb"""[ \t]*(?P<op>\+|\.\.|\.|&|\|\||~|<>)?[ \t]*(?:_[ \t]*)?(?P<nl>\\?\r?\n|\\{1,3}n)?[ \t]*"""
    rb"""(?P<op2>\+|\.\.|&|\|\||~|<>)?[ \t]*[fbrFBR@]{0,2}"""
    rb"""(?P<q>\\{0,3}["'])(?P<piece>[^"'\n\\]{2,500})(?P=q)"""
    rb"""(?=[ \t]*(?:[;),+&.~|_]|\r?\n|\\{1,3}[nr]|\\{0,3}"|\Z))"""
)
# What follows a literal in parentheses that is one value (Python's `API_KEY = ("…"` then `"…")`):
# the closing parenthesis or the next piece on the next line, not a comma (a tuple).
_PARENTHESISED_END: Final = rb"""[ \t]*(?:\)|\r?\n|\\{1,3}n)"""
# Names of a secret's id, which may hold the secret (Vault AppRole's `secret_id`) or its name in a
# store (a Terraform data source's `secret_id = "orders/prod/stripe"`).
_SECRET_ID_NAMES: Final = (b"secret_id", b"secretid", b"secret-id")
# A user given in a URL's query before its password (`?user=postgres&password=postgres`).
_QUERY_STARTS: Final = (b"?", b"&", b";")
_QUERY_USER: Final = rb"[?&;](?:user|username|login)=(?P<user>[^&#\s\"'<>\\`;]{1,200})(?=[&;])"


def _query_users(data: bytes, name_start: int) -> list[str]:
    """The users given in the query of the URL before *name_start*."""
    return [
        match.group("user").decode("utf-8", "replace")
        for match in _rx[_QUERY_USER].finditer(data, max(0, name_start - 300), name_start)
    ]


# A user's name or address as a call's first literal, before the password.
_USER_LITERAL: Final = rb"[A-Za-z0-9_.@\-]{1,64}"
# A keyword argument (`type = "basic"`, `timeout: 30`), not a positional one.
_KEYWORD_ARGUMENT: Final = rb"[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*(?:=(?!=)|:(?!:))"

# The first argument of a database connection call naming its data source: a DSN's driver prefix
# (`dbi:Pg:`, `pgsql:`, `odbc:`, `jdbc:`), its settings (`host=`, `dbname=`, `Server=`) or a URL.
_DATA_SOURCE: Final = (
    rb"\A(?:dbi:[A-Za-z0-9_]+:|jdbc:|odbc:|(?:pgsql|mysql|sqlsrv|sqlite|oci|firebird|ibm|informix|dblib|cubrid):"
    rb"|[A-Za-z][A-Za-z0-9+.\-]{1,20}://)"
    rb"|(?i:\b(?:host|hostname|server|dbname|database|data source|dsn|driver|port)=)"
)

# Oracle's EZConnect string as a call's last argument: `host:1521/service`, `db.example.com/orcl`.
_EZCONNECT_ARGUMENT: Final = rb"[A-Za-z0-9.\-]+(?::[0-9]{2,5})?/[A-Za-z0-9_.\-]+"

# Every anchor of the context rules, found by Aho-Corasick over the lower-cased text. The searcher
# stays fast (SIMD) only with a few dozen literals of three bytes or more, so the anchors are
# split into a few searches: secret names and fixed literals, output printers and function
# calls, command-line clients. At one position the first listed wins; anchors that start inside
# another are found again through _hidden().
_PAT_ENDS: Final = (b"_pat:", b"_pat=", b'_pat"', b"_pat\\")
_NAME_KEYWORDS: Final = (
    b"pass",
    b"pwd",
    b"pw",
    b"secret",
    b"token",
    b"key",
    b"author",
    b"auth",
    b"cred",
    b"bindpw",
    b"rootpw",
    b"psk",
    b"salt",
    # an account's recovery codes (`MFA recovery code: …`, `recovery_codes`)
    b"recovery",
    # A personal access token's name ending in `_pat` (`AZURE_DEVOPS_EXT_PAT`, `GH_PAT`, `ado_pat`):
    # with the byte after it, as `_pat` alone starts every `_path`.
    *_PAT_ENDS,
)
# Usage counters and other plural names ("input_tokens", "keys") are never secret: found as
# themselves, they cost no look at a name.
_SHADOWS: Final = (b'tokens"', b"tokens\\", b"tokens_", b"tokens:", b"tokens=", b"tokens ")
_NAMED_FIXED_ANCHORS: Final = (
    b"://",
    b"bearer",
    b"private key",
    b"kind",
    *_ARMOURED_SECRETS,
    b"cookie",
    b"curl",
    b"twilio",
    b"@tcp(",
    b"@unix(",
    b":5432",
    b":*:",
    b'" "',
    b'\\" \\"',
    b"]:587",
    b"]:465",
    b"\nuser ",
    b"\\nuser ",
    b"setuser ",
    b'"user ',
    b"printf ",
    b"identified ",
    b"loginmodule",
    b"chpasswd:",
    b"auth=(",
    b"[redacted:",
    b"kty",
    b"login ",
    b"authenticate ",
    b"ugfzc3dvcmq6",
    b"sensitive",
    b'"api',
    b"putty-user-key-file-",
    b"encrypted",
    b":thin:",
    b"@//",
    b": eap ",
    b": xauth ",
    b"encoded",
    b"phrase",
    b"mnemonic",
    b"seed",
    b"hdwalletprovider(",
    b"accounts",
    b"from_key",
    b"<value>",
    b'"result',
    b"x-honeycomb-team",
    b"$pat",
    b"u001b[",
    b"bundle",
    b"cmp(",
    b"write(",
    b"sendto(",
    b"securestring",
    b"session=",
    b"algolia",
    b"getpass(",
    b":3306",
    b":1433",
    b":6379",
    b":27017",
    b"\xe2\x86\x92user ",
    b"u2192user ",
    b"\tuser ",
    b"\\tuser ",
    b"basic ",
    b"<cookie ",
    b"&{",
    b"type=execve",
    b"dd *",
    b" / ",
    b":\\/\\/",
    b"\\\\/\\\\",
    b"enable:",
    b"1b47061264138c4ac30d75fd1eb44270",
    b"auth' => [",
    b'auth" => [',
    b'auth\\" => [',
    b'auth\\\\\\" => [',
    b"b64encode(",
    b"btoa(",
    b"encodetostring(",
    b"base64_encode(",
    b"encode64(",
    b"tobase64string(",
    b") from stdin;",
    b") values",
)
# Then the anchors of rules.SESSION_COOKIE_ANCHORS, rules.WEBHOOK_REQUEST_PATHS and rules.EXPECT_SENDS,
# numbered after the named ones.
_SESSION_COOKIE_AT: Final = len(_NAMED_FIXED_ANCHORS)
_WEBHOOK_PATH_AT: Final = _SESSION_COOKIE_AT + len(rules.SESSION_COOKIE_ANCHORS)
_EXPECT_SEND_AT: Final = _WEBHOOK_PATH_AT + len(rules.WEBHOOK_REQUEST_PATHS)
_LOGIN_ROW_AT: Final = _EXPECT_SEND_AT + len(rules.EXPECT_SENDS)
_FIXED_ANCHORS: Final = (
    *_NAMED_FIXED_ANCHORS,
    *(name.encode() for name in rules.SESSION_COOKIE_ANCHORS),
    *(anchor.encode() for anchor, _, _ in rules.WEBHOOK_REQUEST_PATHS),
    *(anchor.encode() for anchor in rules.EXPECT_SENDS),
    # an administrator's account between blanks that align a row of logins (see _Scan._login_row())
    # (searched from the word: an anchor led by blanks, found everywhere in logs, slows the search down)
    *(name.encode() + b"  " for name in sorted(rules.ADMIN_ACCOUNTS)),
)
(
    _URL,
    _BEARER_AT,
    _PEM_AT,
    _KIND_AT,
    _OPENVPN_AT,
    _NKEY_AT,
    _COOKIE_AT,
    _CURL_AT,
    _TWILIO_AT,
    _GO_DSN_AT,
    _GO_DSN_UNIX,
    _PGPASS_PORT,
    _PGPASS_ANY,
    _USERLIST_AT,
    _USERLIST_ESCAPED,
    _SASL_587,
    _SASL_465,
    _ACL_LINE,
    _ACL_ESCAPED,
    _ACL_SETUSER,
    _ACL_STRING,
    _PRINTF,
    _IDENTIFIED,
    _LOGIN_MODULE,
    _CHPASSWD_AT,
    _AUTH_TUPLE,
    _MARKER_AT,
    _JWK_AT,
    _LOGIN_AT,
    _AUTHENTICATE_AT,
    _SMTP_PASSWORD_AT,
    _SENSITIVE_AT,
    _API_AT,
    _PUTTY_AT,
    _ENCRYPTED_AT,
    _THIN_AT,
    _EZCONNECT_AT,
    _IPSEC_EAP,
    _IPSEC_XAUTH,
    _ENCODED_AT,
    _PHRASE_AT,
    _MNEMONIC_AT,
    _SEED_AT,
    _HDWALLET_AT,
    _ACCOUNTS_AT,
    _FROM_KEY_AT,
    _XML_VALUE_AT,
    _RESULT_AT,
    _HONEYCOMB_AT,
    _PAT_AT,
    _ANSI_ESCAPED,
    _BUNDLE_AT,
    _COMPARE_AT,
    _WRITE_AT,
    _SENDTO_AT,
    _SECURE_STRING,
    _SESSION_AT,
    _ALGOLIA_AT,
    _GETPASS_AT,
    _PORT_MYSQL,
    _PORT_MSSQL,
    _PORT_REDIS,
    _PORT_MONGO,
    _ACL_NUMBERED,
    _ACL_NUMBERED_ESCAPED,
    _ACL_CAT_N,
    _ACL_CAT_N_ESCAPED,
    _BASIC_AT,
    _COOKIE_JAR_AT,
    _GO_POINTER_AT,
    _EXECVE_AT,
    _JCL_INSTREAM,
    _SLASH_PAIR,
    _URL_SLASHES,
    _URL_SLASHES_ESCAPED,
    _ENABLE_AT,
    _PULUMI_SECRET_AT,
    _AUTH_ARRAY,
    _AUTH_ARRAY_DQ,
    _AUTH_ARRAY_ESCAPED,
    _AUTH_ARRAY_TWICE,
    _B64ENCODE_AT,
    _BTOA_AT,
    _ENCODE_TO_STRING_AT,
    _BASE64_ENCODE_AT,
    _ENCODE64_AT,
    _TO_BASE64_STRING_AT,
    _COPY_ROWS_AT,
    _INSERT_ROWS_AT,
) = range(_SESSION_COOKIE_AT)
# The fixed anchors and the name shapes whose rules read other lines than the anchor's (a cookie
# list's items, a Kubernetes manifest, a Redis ACL file's lines, a JSON Web Key's YAML mapping; a
# name/value pair, a block under a name, a table's header): on a file reader's numbered lines,
# _scan() reads them again without numbers.
_ACROSS_LINES: Final = frozenset(
    (_COOKIE_AT, _KIND_AT, _ACL_NUMBERED, _ACL_NUMBERED_ESCAPED, _ACL_CAT_N, _ACL_CAT_N_ESCAPED, _JWK_AT)
)
# Roles of the other anchors (above every fixed anchor's number).
_NAME, _SHADOW, _PRINTER, _CLIENT, _CALL, _LISTER, _ANCHORED = range(1000, 1007)


@dataclass(frozen=True, slots=True)
class _Pass:
    """One Aho-Corasick search over the lower-cased text, and what each of its anchors does."""

    anchors: tuple[bytes, ...]
    roles: tuple[int, ...]  # a fixed anchor's number, or _NAME, _SHADOW, _PRINTER, _CLIENT, _CALL, _LISTER
    find: Callable[[bytes], list[tuple[int, int, int]]]
    hidden: tuple[tuple[tuple[int, int], ...], ...]  # anchors that can start inside each anchor
    # The bytes that can follow each anchor where one of its hidden anchors is (each runs past its
    # end), or None if one lies wholly inside it: a cheap check before looking for them one by one.
    follows: tuple[bytes | None, ...]


def _search_pass(anchors: Sequence[bytes], roles: Sequence[int]) -> _Pass:
    """One search over *anchors*, each with its role."""
    by_first: dict[int, list[tuple[int, bytes]]] = {}
    for j, inner in enumerate(anchors):
        by_first.setdefault(inner[0], []).append((j, inner))
    hidden = tuple(
        tuple(
            (offset, j)
            for offset in range(len(outer))
            for j, inner in by_first.get(outer[offset], ())
            if outer[offset : offset + len(inner)] == inner[: len(outer) - offset]
            # At the same position, only anchors listed later (that lost there) are looked for again,
            # and never a name keyword inside a longer anchor that starts with it ("keytool ").
            and (offset or (j > i and roles[j] != _NAME))
        )
        for i, outer in enumerate(anchors)
    )
    follows = tuple(
        None
        if any(offset + len(anchors[j]) <= len(outer) for offset, j in inside)
        else bytes({anchors[j][len(outer) - offset] for offset, j in inside})
        for outer, inside in zip(anchors, hidden, strict=True)
    )
    searcher = BytesAhoCorasick(list(anchors), matchkind=MATCHKIND_LEFTMOST_FIRST)
    return _Pass(tuple(anchors), tuple(roles), searcher.find_matches_as_indexes, hidden, follows)


@cache
def _context_passes() -> tuple[_Pass, ...]:
    """The context anchors, searched as _searches() splits them. Shadows and name keywords come
    first, so that they are searched together (a shadow hides its keyword only in the same search,
    as "author" hides "auth"); an anchor that starts with a name keyword ("auth(", "keytool ") is
    searched apart from it, so both are found."""
    roles: dict[bytes, int] = {}
    for group, role in (
        (_SHADOWS, _SHADOW),
        (_NAME_KEYWORDS, _NAME),
        (_FIXED_ANCHORS, None),
        (tuple(_PRINTERS), _PRINTER),
        (_LISTERS, _LISTER),
        (_CALL_ANCHORS, _CALL),
        (_client_anchors(), _CLIENT),
        (tuple(_ANCHORED_SECRETS), _ANCHORED),
    ):
        for number, anchor in enumerate(group):
            roles.setdefault(anchor, number if role is None else role)
    return tuple(
        _search_pass(anchors, [roles[anchor] for anchor in anchors]) for anchors, _ in _searches(list(roles))
    )


@cache
def _foreign_anchors() -> tuple[tuple[bytes, ...], tuple[bytes, ...], tuple[bytes, ...], tuple[bytes, ...]]:
    """The secret words of other languages as anchors of the lower-cased text: those in ASCII (a
    transliteration such as `haslo`, found in every text), the others in UTF-8 (in their cases),
    JSON-escaped once and twice (each searched only in a text holding such bytes or escapes). Words
    that hold an English name keyword are found by it (`passwort`, `secreto`)."""
    import json

    plain: dict[bytes, None] = {}
    utf8: dict[bytes, None] = {}
    escaped: dict[bytes, None] = {}
    twice: dict[bytes, None] = {}
    for table in (rules.FOREIGN_SECRET_WORDS, rules.FOREIGN_WHOLE_WORDS):
        for word in (word for group in table.values() for word in group):
            joins = (" ", "_", "-", "") if "_" in word else ("",)
            for joined in (word.replace("_", join) for join in joins):
                for form in {joined, joined.capitalize(), joined.upper(), joined.title()}:
                    encoded = form.encode().lower()
                    if len(encoded) < 4:
                        continue
                    if encoded.isascii():
                        if " " in joined or not any(keyword in encoded for keyword in _NAME_KEYWORDS):
                            plain[encoded] = None
                    else:
                        utf8[encoded] = None
                        once = json.dumps(form)[1:-1].encode().lower()
                        escaped[once] = None
                        twice[once.replace(b"\\", b"\\\\")] = None  # an agent log's tool output

    # (longest first: at one position the first listed wins, `пароль` before `парол`)
    def longest_first(forms: dict[bytes, None]) -> tuple[bytes, ...]:
        return tuple(sorted(forms, key=len, reverse=True))

    return longest_first(plain), longest_first(utf8), longest_first(escaped), longest_first(twice)


@cache
def _foreign_keyword() -> tuple[re.Pattern[bytes], frozenset[bytes]]:
    """Any secret word of another language, lower-cased as the engine's anchors (also those found by
    an English keyword: `passwort`), for a keyword that may announce a credential in prose; and
    their first four bytes, a cheap test before the pattern."""
    extra = [
        word.encode() for group in rules.FOREIGN_SECRET_WORDS.values() for word in group if word.isascii()
    ]
    words = sorted({*extra, *(form for forms in _foreign_anchors() for form in forms)}, key=len, reverse=True)
    return re.compile(b"|".join(re.escape(word) for word in words)), frozenset(word[:4] for word in words)


def _key_determiner(word: bytes) -> bool:
    """Whether *word*, before a lone ``key``, says a key is given (rules.KEY_DETERMINERS)."""
    return word.lower().decode("ascii", "replace") in rules.KEY_DETERMINERS


def _password_word(data: bytes, keyword: int) -> bool:
    """Whether the word at *keyword* names a password (`password`, `pw`, `Passwort`, `wachtwoord`)."""
    word = _rx[_KEYWORD_WORD].match(data, keyword)
    return word is not None and _name_kind(word.group()) == "password"


# The word at a name keyword (letters, also of other scripts and JSON-escaped).
_KEYWORD_WORD: Final = rb"(?:[A-Za-z\x80-\xff]|\\{1,3}u[0-9a-fA-F]{4})+"


def _announcing(low: bytes, keyword: int) -> bool:
    """Whether the name keyword at *keyword* may announce a credential in prose ("the password is
    …", "das Passwort lautet: …", a full-width colon after 密码)."""
    if _rx[_ANNOUNCING].match(low, keyword) is not None:
        return True
    pattern, prefixes = _foreign_keyword()
    return low[keyword : keyword + 4] in prefixes and pattern.match(low, keyword) is not None


# A full-width colon (U+FF1A) after a name keyword in CJK prose, also JSON-escaped.
_FULL_WIDTH_COLON: Final = (b"\xef\xbc\x9a", b"\\uff1a", b"\\\\uff1a")


@cache
def _foreign_pass(form: int) -> _Pass:
    """The search of the foreign words in one form of _foreign_anchors() (0: ASCII, 1: UTF-8, 2 and
    3: JSON-escaped once and twice), built when a text first needs it (the other scripts' take
    about 50 ms, which text without them never pays)."""
    anchors = _foreign_anchors()[form]
    return _search_pass(anchors, [_NAME] * len(anchors))


@cache
def _foreign_gates() -> tuple[tuple[bytes, ...], re.Pattern[bytes]]:
    """What a text must hold for the foreign words in other scripts to be in it at all: the first
    byte of a word's first non-ASCII character, and that character's JSON escape (its first three
    hex digits: `\\u00f` of `contrase\\u00f1a`). Each search of those words is a slow one (too many
    literals for the fast searcher), so it runs only where one is."""
    _, utf8, escaped, _ = _foreign_anchors()
    leads = {bytes([next(byte for byte in word if byte >= 0x80)]) for word in utf8}
    escapes = {re.search(rb"\\u[0-9a-f]{3}", word).group() for word in escaped}  # type: ignore[union-attr]
    return tuple(sorted(leads)), re.compile(b"|".join(re.escape(escape) for escape in sorted(escapes)))


def _passes(data: bytes, low: bytes) -> tuple[_Pass, ...]:
    """The searches of the context anchors for *data*: the foreign words in other scripts only where
    such bytes or escapes are."""
    leads, escapes = _foreign_gates()
    passes = (*_context_passes(), _foreign_pass(0))
    if not data.isascii() and any(data.find(lead) != -1 for lead in leads):
        passes += (_foreign_pass(1),)
    found = escapes.search(low)
    if found is not None:
        passes += (_foreign_pass(2),)
        if low.find(b"\\\\u", max(0, found.start() - 1)) != -1:
            passes += (_foreign_pass(3),)
    return passes


_AUTHOR: Final = (b"Author", b"author", b"AUTHOR")
_QUOTE_AFTER: Final = (b'"', b"\\")
_TWILIO_MARKERS: Final = (b"[redacted:twilio_account_sid]", b"[redacted:twilio_api_key]")


_BY_SEPARATOR: Final = 0  # a name hit followed by a separator (``=``, ``:`` …)
_BY_HTML: Final = 9  # a label closed by an HTML tag (``<th>Password</th><td>…``, ``<b>Password</b>: …``)
_BY_SPACE: Final = 1  # a name hit followed by blanks and a value
_BY_BLOCK: Final = 3  # a name opening a YAML block in JSON-escaped text (``password:\\n  value``)
_BY_CSV: Final = 6  # a column of a CSV header (``service,owner,api_key``)
_BY_PERCENT: Final = 8  # a parameter inside a URL-encoded one (``next=%2F…%3Ftoken%3D…``)
_BY_TABLE: Final = 7  # a cell of a table (``| api_token |``, tab-separated, boxed, quoted CSV)
_BY_CALL: Final = 5  # a function named for a credential, called with a literal (``.bearer_auth("…")``)
_BY_XML: Final = 4  # an XML element named so, with attributes (``<Pass encoding="base64">``), or a plist key
_BY_PAIR: Final = 2  # a name given as the `name` of a name/value pair (`- name: DB_PASSWORD`, `value: …`)
_BY_GETTER: Final = 10  # a function named for a credential that returns a literal (``fun apiKey() = "…"``)
# How a name hit is judged, by the group of _NAME_SHAPE that matched after it ("space": _spaced_hit()).
_ACROSS_LINES_HOW: Final = frozenset((_BY_PAIR, _BY_BLOCK, _BY_CSV, _BY_TABLE))
_SHAPE_HOW: Final = {
    "sep": _BY_SEPARATOR,
    "pair": _BY_PAIR,
    "block": _BY_BLOCK,
    "xml": _BY_XML,
    "call": _BY_CALL,
    "getter": _BY_GETTER,
    "csv": _BY_CSV,
    "table": _BY_TABLE,
    "pct": _BY_PERCENT,
    "html": _BY_HTML,
}
# The keywords that may announce a credential in prose ("the password is …", "token created: …").
_ANNOUNCING: Final = (
    rb"(?:password|passwd|passphrase|secret|token|key|credential|pw|recovery[ _\-]code)s?(?![a-z])"
)
_SUBCOMMAND: Final = rb"[ \t]*(?:-{1,2}[a-z0-9\-]+(?:=[^\s]+)?[ \t]+)*(?P<word>[a-z0-9_\-]+)"


# The opening quote of a call's first argument: `define('`, `getenv("`, `fetch(\"`, or of a pair's
# first member (Erlang's and Elixir's `{"x-api-key", "…"}`, Python's `("X-Api-Key", "…")`); also without
# parentheses in a statement of its own (Groovy's and Ruby's `property "sonar.token", "…"`), and the
# words of a dotted name before the secret one (`setProperty("mail.smtp.password", "…")`).
_CALL_BEFORE: Final = (
    # a pair's first member: `{"x-api-key", "…"}`, `("…", "…")`
    rb"""(?:^|[^A-Za-z0-9_])[{(][ \t]*\\{0,3}["'`]$"""
    rb"""|[A-Za-z0-9_](?:\([ \t]*|\([ \t]*(?:\\{0,3}["'][A-Za-z]{1,20}\\{0,3}["'][ \t]*,[ \t]*){1,2}"""
    rb"""|[ \t]+(?:\\{0,3}["'][A-Za-z]{1,20}\\{0,3}["'][ \t]*,[ \t]*){1,2})\\{0,3}["'`]$"""
)
_LOOKUP_CALL_BEFORE: Final = rb"""(?<![A-Za-z0-9_.])(?:lookup|query|q)\([ \t]*\\{0,3}["']$"""
_STATEMENT_CALL_BEFORE: Final = rb"""(?:\A|\n|\\n|")[ \t]*[a-z][A-Za-z0-9_]*[ \t]+\\{0,3}["']$"""
_DOTTED_NAME_BYTES: Final = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")
# A constant naming the setting as a call's argument, the value next: a class's as the first
# (`cf.setStringProperty(WMQConstants.PASSWORD, "…")`, `env.put(Context.SECURITY_CREDENTIALS, "…")`),
# an option's after a handle (`curl_easy_setopt(curl, CURLOPT_USERPWD, "…")`, PHP's `curl_setopt($ch,
# …)`), a macro's (`-define(API_KEY, "…")` of Erlang); or an atom as a tuple's first element (Erlang's
# and Elixir's `{api_key, "…"}`, `{:password, "…"}`).
_CONSTANT_ARGUMENT: Final = (
    rb"(?:[A-Za-z0-9_]\([ \t]*(?:[A-Za-z_][A-Za-z0-9_]*\.)+"
    rb"|[A-Za-z0-9_]\((?:[ \t]*[&$*]?[A-Za-z_][A-Za-z0-9_.]*(?:->[A-Za-z_][A-Za-z0-9_]*)?[ \t]*,){1,2}[ \t]*"
    rb"|(?<![A-Za-z0-9_])define\([ \t]*)[A-Z][A-Z0-9_]*\Z"
    rb"|\{[ \t]*:?[a-z][a-z0-9_]*\Z"
)
# Not credentials though they look random: fingerprints and key ids in hex pairs, e-mail addresses.
# (an address's last label is two letters or more in one case: `RlQBG0e@OY8eFWN21.w` and `cv40za@V1o.eQN`
# are passwords holding `@`)
_NOT_CREDENTIAL: Final = (
    r"(?:[0-9A-Fa-f]{2}:){5,}[0-9A-Fa-f]{2}|\[?[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.(?:[a-z]{2,}|[A-Z]{2,})\]?"
    r"|(?:SHA256|SHA384|SHA512|SHA1|MD5):[A-Za-z0-9+/=:]+\.?"
    # a table's border row: box drawing (also JSON-escaped, `\u250c\u2500…`) or ASCII rules
    r"|(?:[\u2500-\u257f]|\\{1,7}u25[0-7][0-9a-fA-F])+|[+\-=|:]+"
    # a date and time (ISO 8601: `2025-02-26T12:13:11+00:00` in a listing's `Updated` column)
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:Z|[+\-][0-9]{2}:?[0-9]{2})?"
)
_PATH: Final = r"(?:~|\.{1,2})?/[\w.\-/@:]*"


def _lenient(value: str) -> bool:
    """Whether a value that a strong context says is a credential (``requirepass VALUE``, a
    password option, a command that prints one) is one: not a placeholder, a reference, a number,
    a path or plain words."""
    value = value.strip()
    if len(value) < 6 or len(value) > 4096:
        return False
    if is_placeholder(value) or _rx[_NUMBER].fullmatch(value) or _rx[_RESOURCE].match(value):
        return False
    if (
        _rx[_PATH].fullmatch(value)
        or value.startswith(("http://", "https://"))
        or _rx[_NOT_CREDENTIAL].fullmatch(value)
        or value[-1] in ")]}>"
    ):
        return False
    return not (_wordy(value) and _rx[_DIGIT].search(value) is None) or _passphrase(value)


# A passphrase of made-up or dictionary words joined by hyphens (`correct-horse-battery-staple`,
# diceware's and password managers' style): three words or more, each pronounceable.
_PASSPHRASE: Final = r"[a-z]{2,12}(?:-[a-z]{2,12}){2,9}"


def _passphrase(value: str) -> bool:
    """Whether *value*, words alone, is a passphrase: where a strong context says it is a credential
    (a password option, ``IDENTIFIED BY``, a .pgpass line), words joined by hyphens are one."""
    if _rx[_APP_PASSWORD].fullmatch(value) is not None:
        return True  # an app-specific password (Apple's, Google's `abcd-efgh-ijkl-mnop`): drawn at random
    return (
        len(value) >= 16
        and _rx[_PASSPHRASE].fullmatch(value) is not None
        and all(_VOWELS.intersection(word) for word in value.split("-"))
        and not _names_a_secret(value)
    )


_APP_PASSWORD: Final = (
    r"[a-z]{4}(?:-[a-z]{4}){3}|[a-z]{4}(?: [a-z]{4}){3}"
    # a browser's generated strong password: three groups of six with a digit (`os48it-zs5bcd-hfr5ws`)
    r"|(?=[^0-9]*[0-9])[A-Za-z0-9]{6}(?:-[A-Za-z0-9]{6}){2}"
    # Google's app password pasted without its blanks: 16 letters drawn at random, not a word
    # (four consonants in a row, which the words of a name rarely hold)
    r"|(?=[a-z]*[bcdfghjklmnpqrstvwxz]{4})[a-z]{16}"
)


# Operators that give a default to a variable that is unset: `X || "…"`, `X ?? "…"`, `X or "…"`.
_QUOTED_LITERAL: Final = rb'(\\{0,3}")\\{1,7}"(?P<value>[^"\\\n]{1,500})\\{1,7}"\1'
_FALLBACKS: Final = frozenset((b"||", b"??", b"or", b"{"))  # `{`: Ruby's `ENV.fetch("X") { "…" }`
# Separators that give a name a value only before a literal: R's `api_key <- "…"`, a pair in
# Kotlin's `mapOf("X-Api-Key" to "…")` and Scala's `Map("X-Api-Key" -> "…")`.
_QUOTED_ONLY: Final = frozenset((b"<-", b"<<-", b"to", b"->"))
# An assignment of a string literal to a `$variable` (PHP, Perl, PowerShell), not a shell expansion.
_PHP_ASSIGNMENT: Final = rb"""[ \t]*=[ \t]*\\{0,3}["']"""


def _literal_end(data: bytes, end: int, quote: bytes) -> int:
    """Where a literal closed by *quote* ends when the quote at *end* is escaped once more than
    *quote* (``"ab\\"cd"``): at the next *quote* not so escaped on its line, else at *end*."""
    _, line_end = _line_around(data, end)
    position = end
    while True:
        position = data.find(quote, position + len(quote), line_end)
        if position == -1:
            return end
        if data[position - 1] != 0x5C:
            return position


def _leaves_string(data: bytes, start: int, end: int, quote: bytes) -> bool:
    """Whether the value at *start*..*end*, between two quotes *quote*, runs out of the JSON string
    that holds it (an agent log's line): it holds an escaped line break, the end of a JSON string
    (``", "``) where *quote* is not a double quote, or a quote escaped fewer times than *quote*
    (``\\"``)."""
    if data.find(b"\\n", start, end) != -1:
        return True
    if data.find(b'"', start, end) == -1:
        return False
    depth = len(quote) - len(quote.lstrip(b"\\"))
    if quote[-1:] != b'"':
        return _rx[_JSON_STRING_END].search(data, start, end) is not None
    position = data.find(b'"', start, end)
    while position != -1:
        run = 0
        while data[position - 1 - run] == 0x5C:
            run += 1
        if run < depth:
            return True
        position = data.find(b'"', position + 1, end)
    return False


def _string_end(data: bytes, start: int, end: int, escapes: int) -> int:
    """Where the JSON string holding the line *start*..*end* ends on it, or -1, for a line reached
    through a line break escaped *escapes* times (0: a real one): a quote escaped fewer times than
    the quotes inside that string (``"`` in a string whose quotes are ``\\"``)."""
    if escapes <= 0:
        return -1
    position = data.find(b'"', start, end)
    while position != -1:
        run = 0
        while position - run > start and data[position - 1 - run] == 0x5C:
            run += 1
        if run < 2 * escapes - 1:
            return position - run
        position = data.find(b'"', position + 1, end)
    return -1


def _rest_of_line(data: bytes, start: int) -> bytes:
    """From *start* to the end of its line, or of the JSON string holding the line."""
    _, line_end = _line_around(data, start)
    rest = data[start:line_end]
    if rest.endswith(b"\\"):
        rest = rest.rstrip(b"\\")  # a doubly escaped line break
    string_end = _rx[_JSON_STRING_END].search(rest)
    if string_end is not None:
        rest = rest[: string_end.start()]  # a line inside a JSON string ends with it
    return rest


# What is called or subscripted: a name or a dotted name.
_CALLABLE: Final = rb"[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*"
# A call in code: dotted (or `::`) names, maybe ending in `!` or `?` (Ruby, Elixir).
_DOTTED_CALL: Final = rb"[A-Za-z_$][A-Za-z0-9_$]*(?:(?:\.|::)[A-Za-z_$][A-Za-z0-9_$]*)+[!?]?"
_CALL_PARTS: Final = rb"\.|::"
# `set /p NAME=prompt` in a batch file (before the name).
_BATCH_PROMPT: Final = rb"(?:(?<![a-z0-9_])|(?<=\\n))set[ \t]+/p[ \t]+\Z"


# What a call's or a subscript's first argument starts with in code: a string, a symbol, nothing.
_CALL_OPENING: Final = rb"(?m)" rb"""[(\[](?:\\{0,3}["'`]|:[A-Za-z_]|[)\]]|[ \t]*(?:\r?$|\\{1,3}[nr]))"""


def _code_call(data: bytes, start: int, end: int) -> bool:
    """Whether the bare word at *start*..*end* is a call or a subscript of a dotted name made of
    words, given a string, a symbol or nothing (``System.fetch_env!("X")``, ``ENV.fetch("X")``,
    ``credentials[:aws]``, ``Aws::Credentials.new(`` ending its line): code, not a YAML value."""
    if _rx[_CALL_OPENING].match(data, end) is None or _rx[_DOTTED_CALL].fullmatch(data, start, end) is None:
        return False
    parts = _rx[_CALL_PARTS].split(data[start:end].rstrip(b"!?"))
    return all(_wordy(part.decode("ascii", "replace")) for part in parts)


# What ends a bare value but a password may hold; blanks and quotes.
_VALUE_STOPS: Final = frozenset(bytes([byte]) for byte in b";,&|<>(){}[]")
_BLANK_OR_QUOTE: Final = frozenset(b" \t\"'`")
_CODE_ENDS: Final = frozenset(b",;)]}>")
# The rest of a value without a blank or a quote, to its line's end (also an escaped one, or the end
# of the JSON string holding the line).
_UNBROKEN_TO_LINE_END: Final = rb"""[^\s"'`\\]+(?=[ \t]*(?:\r?\n|\\{1,3}[nr]|\\{0,3}"|$))"""
_CODE_STOPS: Final = frozenset(b";,")
# A PGP key's fingerprints (or long key ids) under a name saying GPG or PGP: public, as the official
# Docker images' `GPG_KEY=…` that verifies their downloads (`GPG_KEYS=… …`, several).
_FINGERPRINTS: Final = (
    rb"""(?:\\{0,3}["'])?[ \t]*[:=][ \t]*(?:\\{0,3}["'])?"""
    rb"""(?:[0-9A-F]{40}|[0-9A-F]{16})(?:[ \t]+(?:[0-9A-F]{40}|[0-9A-F]{16}))*(?![0-9A-Za-z])"""
)
# A warning or notice line a CLI prints before its output (Heroku's `Warning: …` after its arrow,
# `WARNING: …`, `npm warn …`).
_CLI_NOTICE: Final = (
    rb"[ \t]*(?:(?:\xe2\x80\xba|\\{1,3}u203a|\xe2\x96\xb8|\\{1,3}u25b8|!)[ \t]"
    rb"|(?i:(?:npm[ \t]+)?warn(?:ing)?)[: \t])"
)
_OPENINGS: Final = frozenset(b"([")
_DIGIT_BYTE: Final = rb"[0-9]"
_CONNECTION_VALUE_REST: Final = rb"""[^;\s"'`\\]+(?=;|\\{0,3}["']|[ \t]*(?:\r?\n|\\{1,3}[nr]|$))"""
_LESS_THAN: Final = ord("<")
_AFTER_VALUE_STOP: Final = (b"", b" ", b"\t", b"\n", b"\r", b"\\", b'"')


# A line number before a file's line, as `cat -n` and an agent's file reader print it ("     5→").
_GUTTER: Final = rb"[ \t]*[0-9]{1,7}(?:\xe2\x86\x92|\\{1,3}u2192|\t|\\t)"


def _indent(line: bytes) -> int:
    """How far *line* is indented, after a line number printed before it."""
    gutter = _rx[_GUTTER].match(line)
    if gutter is not None:
        line = line[gutter.end() :]
    return len(line) - len(line.lstrip(b" \t"))


def _referenced(data: bytes, name_start: int) -> bool:
    """Whether the name at *name_start* is used, not assigned: ``${API_KEY:?msg}``, ``$TOKEN``, ``%KEY%``."""
    before = data[max(0, name_start - 2) : name_start]
    return before.endswith((b"$", b"%")) or before == b"${"


def _csv_cells(data: bytes, begin: int, end: int) -> list[tuple[int, int]]:
    """The spans of the cells of the CSV row from *begin* to *end*, quoted ones whole (a quoted
    cell may hold commas, and its quotes may be JSON-escaped)."""
    cells: list[tuple[int, int]] = []
    cell = _rx[_CSV_CELL].match
    position = begin
    while len(cells) < 64:
        found = cell(data, position, end)
        if found is None:
            return []
        cells.append(found.span())
        position = found.end()
        if data[position : position + 1] != b",":
            return cells
        position += 1
    return []


def _line_around(data: bytes, position: int, limit: int = 4096) -> tuple[int, int]:
    """The line holding *position*: real line breaks and JSON-escaped ones (``\\n``) both end lines.

    An escaped break is looked for only between *position* and the nearest real one: a search for
    two bytes costs far more than one for a single byte, and no escaped break beyond the real one
    can be nearer."""
    floor = max(0, position - limit)
    real = data.rfind(b"\n", floor, position)
    start = real + 1 if real != -1 else floor
    escaped = data.rfind(b"\\n", start, position)
    if escaped != -1:
        start = escaped + 2
    ceiling = min(len(data), position + limit)
    real = data.find(b"\n", position, ceiling)
    end = real if real != -1 else ceiling
    escaped = data.find(b"\\n", position, end)
    if escaped == -1:
        return start, end
    while escaped > position and data[escaped - 1] == 0x5C:
        escaped -= 1  # a doubly escaped line break (``\\\\n``) ends the line at its first backslash
    return start, escaped


def _content_start(data: bytes, line_start: int, position: int) -> int:
    """Where the content of the line holding *position* starts: after the last JSON string opened
    on it before *position* (``"content":"…``, ``"-lc", "…``), or at the line's start."""
    start = line_start
    for string in _rx[_JSON_STRING_START].finditer(data, line_start, position):
        start = string.end()
    return start


def _next_line(data: bytes, line_end: int) -> int:
    """The start of the line after the one ending at *line_end*, or -1."""
    if data.startswith(b"\n", line_end):
        return line_end + 1
    position = line_end
    while data[position : position + 1] == b"\\":
        position += 1  # an escaped line break, once or more (``\\n``, ``\\\\n``)
    if position > line_end and data[position : position + 1] == b"n":
        return position + 1
    return -1


def _following_line(data: bytes, line_end: int) -> tuple[int, int, int] | None:
    """The line after the one ending at *line_end*: its start, its end, and where its text ends
    (at the end of the JSON string holding it, in an agent log); None after the last line."""
    begin = _next_line(data, line_end)
    if begin == -1:
        return None
    _, line_end = _line_around(data, begin)
    string_end = _rx[_JSON_STRING_END].search(data, begin, line_end)
    return begin, line_end, string_end.start() if string_end is not None else line_end


_APP_PASSWORD_LINE: Final = (
    rb"""[ \t]*(?P<value>[a-z]{4}(?:[ ][a-z]{4}){3})(?P<quoted>)"""
    rb"""[ \t\r]*(?:\\r)?(?=$|\\{0,3}["'](?:[,}\]]|$))"""
)
_MARKED_WORD_LINE: Final = (
    rb"""[ \t]*(?:>[ \t]*)*(?P<c>`?)(?P<value>[^\s`"'\\]{6,4096})(?P=c)(?P<quoted>)"""
    rb"""[ \t]*(?:\([^()\n\\]{0,80}\)[ \t.]*)?[ \t\r]*(?:\\r)?(?=$|\\{0,3}["'](?:[,}\]]|$))"""
)
_WORD_LINE: Final = (
    rb"""[ \t]*(?P<value>[^\s"'`\\]{6,4096})[ \t\r]*(?:\\r)?(?=$|\\{0,3}["'](?:[,}\]]|$))"""
    # a string printed with its quotes (`terraform output NAME`)
    rb"""|[ \t]*(?P<q>\\{0,3}")(?P<quoted>[^\s"'`\\]{6,4096})(?P=q)"""
    rb"""[ \t\r]*(?:\\r)?(?=$|\\{0,3}["'](?:[,}\]]|$))"""
)


_SHORT_WORD_LINE: Final = rb"[ \t]*[A-Za-z0-9_.@\-]{1,5}[ \t\r]*"
# A keyword in the plural: credentials announced together, one per line after it.
_PLURAL_KEYWORD: Final = rb"(?:keys|tokens|passwords|secrets)\b"


def _command_word(low: bytes, start: int, length: int) -> bool:
    """Whether the word at *start* is a command: at the start of the text or a line, or after a
    blank, an operator, a quote or a path (also after an escaped line break or an ANSI colour)."""
    return (
        not start
        or low[start - 1] in _BEFORE_COMMAND
        or low[start - 2 : start] in _ESCAPES
        or (low[start - 1] == 0x6D and _rx[_ANSI_BEFORE].search(low, max(0, start - 24), start) is not None)
    )


def _has_subcommand(low: bytes, position: int, end: int, words: frozenset[bytes]) -> bool:
    """Whether the first word after the command's options at *position* is one of *words*."""
    match = _rx[_SUBCOMMAND].match(low, position, end)
    return match is not None and match.group("word") in words


# Priority when two findings cover exactly the same bytes: the more specific kind wins.
_TOKEN_PRIORITY: Final = 0
_CONTEXT_PRIORITY: Final = 1


_ANSI_TAIL: Final = rb"[0-9;]*m(?=[A-Za-z_\-])"
_UNICODE_ESCAPE_TAIL: Final = rb"u[0-9a-fA-F]{4}(?=[A-Za-z_\-])"


def _unglue(data: bytes, name_start: int) -> int:
    """Skip the tail of an escape glued to a name: ``\\nPASSWORD``, ``\\u001b[33mtoken``, ``\x1b[1mkey``."""
    if not name_start:
        return name_start
    before = data[name_start - 1]
    if before == 0x5C:  # backslash: \n, \t, \r or \uXXXX
        tail = _rx[_UNICODE_ESCAPE_TAIL].match(data, name_start)
        return tail.end() if tail else name_start + 1
    if before in (0x5B, 0x3B):  # "[" or ";": an ANSI colour sequence
        tail = _rx[_ANSI_TAIL].match(data, name_start)
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
        or (low[start - 1] == 0x6D and _rx[_ANSI_BEFORE].search(low, max(0, start - 24), start) is not None)
    )


_ANSI_BEFORE: Final = rb"(?:\x1b|\\u001b|\\x1b|\\e|\\033)\[[0-9;]*m$"


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
    stop = _rx[_COMMAND_END].search(data, position, end)
    while stop is not None:
        at = stop.start()
        if data[at - 1 : at + 1] == b"$(":
            # a substitution (`$(pwd)`, an Azure Pipelines macro `$(Agent.TempDirectory)`) is an argument
            close = data.find(b")", at, end)
            if close != -1:
                stop = _rx[_COMMAND_END].search(data, close + 1, end)
                continue
        if (
            data[at] == 0x26
            and data[at - 1] not in _NOT_GLUED
            and at + 1 < end
            and data[at + 1] not in _NOT_GLUED
        ):
            # `-u admin:pa&ss`: an ampersand inside a word (a password's, an unquoted URL's query)
            stop = _rx[_COMMAND_END].search(data, at + 1, end)
            continue
        if not (data.count(b"'", position, at) % 2 or data.count(b'"', position, at) % 2):
            return at
        stop = _rx[_COMMAND_END].search(data, at + 1, end)
    return end


_COMMAND_END: Final = rb"[|&;()`]"
_OPTION_WORD: Final = r"--?[A-Za-z][A-Za-z\-]*"
_NOT_GLUED: Final = frozenset(b" \t\r\n&|;")


# (a backslash: the end of a Windows path, `%windir%\system32\inetsrv\appcmd`)
_BEFORE_COMMAND: Final = frozenset(b" \t\n\r\x00(|;&`'\"$>/=\\")
_ESCAPES: Final = (b"\\n", b"\\t", b"\\r")  # JSON-escaped line breaks and tabs


def _name_hit(data: bytes, low: bytes, start: int, end: int) -> bool:
    """Whether the name keyword at *start*..*end* is followed by what keywords() needs to go on:
    the rest of a name and a separator, or blanks and then a flag's value, a directive's value or a
    credential announced in prose."""
    shape = _rx[_NAME_SHAPE].match(low, end)
    if shape is None:
        return low.startswith(_FULL_WIDTH_COLON, end) and _spaced_hit(data, low, start, end) != -1
    return (
        shape.lastgroup in ("sep", "pair", "block", "xml", "call", "csv", "table", "pct")
        or _spaced_hit(data, low, start, end) != -1
        or _table_shape(low, shape)
    )


def _table_shape(low: bytes, shape: re.Match[bytes]) -> bool:
    """Whether the name keyword's shape may be a cell of a table (``| api_token |``, a tab, a box
    drawing's bar, ``"Password","URL"``): one test of a byte or two."""
    group = shape.lastgroup
    if group == "table" or group == "csv":
        return True
    end = shape.end()
    if group == "space":
        return low[end - 1] in _TABLE_BYTES or low[end - 2] == 0x09 or _escaped_end(low, end)
    return group == "sep" and low[end - 1] == 0x2C and low[end : end + 1] in (b'"', b"\\")


_TABLE_BYTES: Final = frozenset(b"|\xe2")


def _escaped_end(low: bytes, end: int) -> bool:
    """Whether the backslash before *end* may start a JSON-escaped bar (``\\u2502``) or line break."""
    return low[end - 1] == 0x5C and low[end : end + 1] in (b"u", b"n", b"\\")


def _spaced_hit(
    data: bytes, low: bytes, start: int, end: int, announced: dict[int, tuple[int, int]] | None = None
) -> int:
    """For a name keyword followed by blanks: where the flag it is part of starts (``--api-key
    VALUE``), *start* if a value or an announcement may follow, or -1. All checks in C. What
    _announcement() found is kept in *announced*, for _Scan._announced() to use again."""
    dashes = low.rfind(b"--", max(0, start - 50), start)
    if dashes != -1 and _rx[_FLAG].match(low, dashes):
        return dashes
    if _rx[_SPACED_AT].match(data, end) is not None or low.find(b"add ", max(0, start - 10), start) != -1:
        return start  # (`add password GLOB …`: RANCID's .cloginrc, see _Scan._cloginrc())
    paren = data.find(b"(", end, end + 96)
    if (
        paren != -1
        and data[paren + 1 : paren + 2] in _ASIDE_OPENS  # `("…")`, `(\`…\`)`, not a call's `(x`
        and _rx[_QUOTED_ASIDE].match(data, end) is not None
    ):
        return start
    if _announcing(low, start):
        found = _announcement(data, start)
        if announced is not None:
            announced[start] = found
        if found[0]:
            return start
    if _rx[_ALIGNED_VALUE].match(data, end, _line_around(data, end)[1]) is not None:
        return start
    if (data.startswith(b"  ", end) or data.startswith(b"  ", start - 2)) and _aligned_header(data, start):
        return start  # a column of a table aligned with blanks (see _Scan._aligned_column())
    return -1


def _aligned_header(data: bytes, position: int) -> tuple[int, bytes] | None:
    """The line holding *position*, from where its content starts (after a file reader's line number
    or the JSON string opening it), if it is the header of a table aligned with blanks: three
    names or more apart by two blanks or more (``ID  Description  Token  User Name``)."""
    line_start, line_end = _line_around(data, position)
    start = _content_start(data, line_start, position)
    gutter = _rx[_GUTTER].match(data, start, line_end)
    if gutter is not None:
        start = gutter.end()
    elif start == line_start and data[start : start + 1] in _BLANKS:
        opening = _rx[_LINE_STRING].match(data, start, line_end)
        if opening is not None:
            start = opening.end()  # a string of a list of lines (a notebook's `"text/plain": [`)
    end = _rx[_JSON_STRING_END].search(data, start, line_end)
    header = data[start : end.start() if end is not None else line_end]
    return (start, header) if _rx[_ALIGNED_HEADER].fullmatch(header) is not None else None


def _announcement(data: bytes, keyword: int) -> tuple[int, int]:
    """How a credential may be announced after *keyword* on its line: (_SAME_LINE, where the value
    starts) at the end of the line after a colon or "is"; (_NEXT_LINE, where the line ends) when the
    line ends in a colon, or is short and the next line is one word; (0, 0) otherwise. Lines longer
    than 200 bytes after the keyword announce nothing."""
    ceiling = min(len(data), keyword + 200)
    real = data.find(b"\n", keyword, ceiling)
    escaped = data.find(b"\\n", keyword, real if real != -1 else ceiling)  # see _line_around()
    if escaped != -1:
        line_end = escaped  # (searched only up to the real line break)
    elif real != -1:
        line_end = real
    elif ceiling < len(data):
        return 0, 0
    else:
        line_end = ceiling
    while line_end > keyword and data[line_end - 1] == 0x5C:
        line_end -= 1  # a doubly escaped line break
    tail = data[keyword:line_end].rstrip(b" \t\r")
    if tail.endswith(b"-----"):
        return 0, 0  # an armour line (`-----BEGIN PGP PUBLIC KEY BLOCK-----`): a private one is _pem()'s
    if tail.endswith(b":"):
        if _describes(data, keyword, keyword + len(tail) - 1):
            return 0, 0  # `X509v3 Subject Key Identifier:`, `Key fingerprint:` and the value below
        return _in_one_string(data, keyword, line_end, (_NEXT_LINE, line_end))
    if _rx[_ANNOUNCING_MARK].search(tail) is not None:
        same = _rx[_ANNOUNCED_TAIL].search(data, keyword, keyword + len(tail))
        if same is not None and not _describes(data, keyword, same.start()):
            return _in_one_string(data, keyword, same.start(), (_SAME_LINE, same.start("value")))
    in_prose = _prose_value(data, keyword, keyword + len(tail))
    if in_prose is not None:
        return _in_one_string(data, keyword, in_prose[1], (_IN_PROSE, keyword + len(tail)))
    if _handed_over(data, keyword, keyword + len(tail)) is not None:
        return _IN_SENTENCE, keyword + len(tail)
    if tail.endswith(b"?") and len(tail) <= 160:
        return _in_one_string(data, keyword, line_end, (_ASKED, line_end))  # chat: the answer below
    next_start = _next_line(data, line_end)
    if next_start != -1 and len(tail) <= 120:
        _, next_end = _line_around(data, next_start)
        if _rx[_WORD_LINE].match(data, next_start, next_end) is not None and not _describes(
            data, keyword, keyword + len(tail)
        ):
            return _in_one_string(data, keyword, line_end, (_NEXT_LINE_STRICT, line_end))
    return 0, 0


# The header of a listing: column names in capitals, apart by a tab or two blanks or more.
_LISTING_HEADER: Final = rb"[ \t]*NAME(?:(?:\t|\\{1,3}t|  +)[A-Z][A-Z_]*(?: [A-Z][A-Z_]*)?)+[ \t\r]*"
_COLUMN: Final = rb"[A-Z][A-Z_]*(?: [A-Z][A-Z_]*)?"
_TAB: Final = rb"\t|\\{1,3}t"


# What parts a table's cells: a bar (psql, mysql, Markdown), a box drawing's bars and corners
# (`doppler`, ClickHouse's Pretty formats; also JSON-escaped), a tab, a comma between quoted cells.
_TABLE_DELIMITERS: Final = {
    b"|": re.compile(rb"\|"),
    b"\xe2": re.compile(
        rb"\xe2\x94[\x82\x8c\x90\xac\x9c\xbc\xa4\x94\x98\xb4\x83\x8f\x93\xb3\xab\x8b\xbb\xa3]"
        rb"|\\{1,3}u25(?:0[23c]|1[048c]|2[34c]|3[4c])"
    ),
    b"\t": re.compile(rb"\t|\\{1,3}t"),
    b",": re.compile(rb"(?<=\")[ \t]*,[ \t]*(?=\\{0,3}\")"),
}
_QUOTED_COMMA: Final = _TABLE_DELIMITERS[b","]
# Bytes a delimiter ends with: a bar, a tab, a comma, a backslash (of `\t`, `\u2502`), the last byte of
# a box drawing's character.
_DELIMITER_STARTS: Final = (b"|", b"\xe2", b"\t", b"\\", b",", b" ")
_DELIMITER_BYTES: Final = frozenset(b"|\t\\,") | frozenset(range(0x80, 0xC0))
# What may follow or precede a name in its cell before the delimiter: blanks and a quote (or
# Markdown's backtick of a code span: "| `DATABASE_PASSWORD` | `…` |").
_TABLE_PAD: Final = rb"(?:\\{0,3}\"|`)?[ ]*(?:\xe2\x94\x80|\\{1,3}u2500)*"
_TABLE_PAD_BEFORE: Final = rb"(?:\xe2\x94\x80|\\{1,3}u2500|[ ])*(?:\\{0,3}\"|`)?$"
# Every byte _TABLE_PAD_BEFORE can match (and the line break its `$` may stand before).
_TABLE_PAD_BYTES: Final = b' \xe2\x94\x80\\u2500"`\n'
# A rule between a table's header and its rows: dashes, pluses, bars, blanks, box drawing.
_TABLE_RULE: Final = (
    rb"(?=[^\n]*(?:-|\xe2\x94\x80|\xe2\x95\x90|\\{1,3}u25(?:00|50)))"
    rb"(?:[-+|=: \t]|\xe2[\x94\x95][\x80-\xbf]|\\{1,3}u25[0-7][0-9a-f])+(?:\r|\\r)?"
)
# A column's name in a table's header.
_TABLE_NAME: Final = rb"[A-Za-z_][A-Za-z0-9_.\- /#()]{0,63}|[^\x00-\x7f][^\t|,\\]{0,63}"
# Cut off a cell: blanks, quotes, backticks and the horizontal lines of a box drawing.
_CELL_TRIM: Final = rb"(?:[ \t\r'\"`]|\\{1,3}[\"r]|\xe2\x94\x80|\\{1,3}u2500)+"


def _table_delimiter(data: bytes, name_start: int, name_end: int) -> re.Pattern[bytes] | None:
    """The delimiter of the table cell holding the name at *name_start*..*name_end*, or None."""
    after = _rx[_TABLE_PAD].match(data, name_end).end()
    if data[after : after + 1] in _DELIMITER_STARTS:
        for pattern in _TABLE_DELIMITERS.values():
            if pattern.match(data, after) is not None:
                if pattern is _QUOTED_COMMA and _json_member_value(data, name_start):
                    return None  # `{"call_id":"call_…Pw","output":"…"}`: a JSON object, no CSV row
                return pattern
    # (the search starts where the bytes a pad is made of do, not at each of the 24 positions before)
    window = data[max(0, name_start - 24) : name_start]
    pad = len(window) - len(window.rstrip(_TABLE_PAD_BYTES))
    before = _rx[_TABLE_PAD_BEFORE].search(data, name_start - pad, name_start).start()
    if not any(byte in _DELIMITER_BYTES for byte in data[max(0, before - 6) : before]):
        return None
    for position in range(before - 1, max(-1, before - 7), -1):
        for pattern in _TABLE_DELIMITERS.values():
            found = pattern.match(data, position)
            if found is not None and found.end() == before:
                return pattern
    return None


def _json_member_value(data: bytes, name_start: int) -> bool:
    """Whether the string holding the name at *name_start* is a JSON member's value (``"id":"…"``)."""
    quote = _rx[_OPENING_QUOTE].search(data, max(0, name_start - 8), name_start)
    if quote is None:
        return False
    return data[max(0, quote.start() - 8) : quote.start()].rstrip(b" \t").endswith(b":")


# The opening quote of the string a name starts (`"`, `\"`, `\\\"` …), right before it.
_OPENING_QUOTE: Final = rb"""\\{0,7}["']\Z"""


def _table_start(data: bytes, line_start: int, position: int) -> int:
    """Where a table's line starts: after the JSON string opened on its line (``"content": "``),
    not after a quoted CSV cell's ``","``."""
    start = line_start
    for string in _rx[_JSON_STRING_START].finditer(data, line_start, position):
        text = string.group()
        if b":" in text or b" " in text:
            start = string.end()
    return start


def _table_cells(data: bytes, start: int, end: int, delimiter: re.Pattern[bytes]) -> list[tuple[int, int]]:
    """The spans of the cells of the line at *start*..*end*, parted by *delimiter*."""
    cells = []
    for found in delimiter.finditer(data, start, end):
        cells.append((start, found.start()))
        start = found.end()
    cells.append((start, end))
    return cells


def _cell(data: bytes, cell: tuple[int, int]) -> tuple[int, int]:
    """A cell's text without its padding."""
    start, end = cell
    while start < end:
        pad = _rx[_CELL_TRIM].match(data, start, end)
        if pad is None:
            break
        start = pad.end()
    while end > start:
        pad = _rx[_CELL_TRIM_END].search(data, start, end)
        if pad is None:
            break
        end = pad.start()
    return start, end


_CELL_TRIM_END: Final = _CELL_TRIM + rb"$"


def _harmless_table_column(data: bytes, start: int, delimiter: re.Pattern[bytes], index: int) -> bool:
    """Whether the first line of the table whose row starts at *start* names the column *index* as
    holding no secret (``│ NAME │ DIGEST │``: rules.LISTING_COLUMNS)."""
    position = start
    header = None
    for _ in range(64):
        end = _previous_line_end(data, position)
        if end == -1:
            break
        line_start, _ = _line_around(data, end)
        line_start = _table_start(data, line_start, end)
        if _rx[_TABLE_RULE].fullmatch(data, line_start, end) is None:
            if delimiter.search(data, line_start, end) is None:
                break
            header = (line_start, end)
        position = line_start
    if header is None:
        return False
    cells = _table_cells(data, header[0], header[1], delimiter)
    if index >= len(cells):
        return False
    column = data[slice(*_cell(data, cells[index]))]
    return column.lower().decode("utf-8", "replace") in rules.LISTING_COLUMNS


def _in_harmless_column(data: bytes, name_start: int, value_start: int) -> bool:
    """Whether the value at *value_start*, after the name at *name_start* that starts its line, is in
    a listing's column that holds something else than the secret (rules.LISTING_COLUMNS: ``fly
    secrets list`` prints ``NAME  DIGEST  CREATED AT``), by the header above the row."""
    line_start, _ = _line_around(data, name_start)
    content = _content_start(data, line_start, name_start)
    if data[content:name_start].strip(b" \t"):
        return False
    position = line_start
    for _ in range(64):
        end = _previous_line_end(data, position)
        if end == -1:
            return False
        start, _ = _line_around(data, end)
        start = _content_start(data, start, end)
        header = _rx[_LISTING_HEADER].fullmatch(data, start, end)
        if header is not None:
            break
        position = start
    else:
        return False
    row = data[content:value_start]
    if _rx[_TAB].search(row) is not None:
        columns = _rx[_TAB].split(data[start:end].strip(b" \r"))
        index = len(_rx[_TAB].findall(row))
        column = columns[index] if index < len(columns) else b""
    else:
        offset = value_start - content
        column = b""
        for found in _rx[_COLUMN].finditer(data, start, end):
            if found.start() - start > offset:
                break
            column = found.group()
    return column.strip().lower().decode("ascii", "replace") in rules.LISTING_COLUMNS


def _previous_line_end(data: bytes, line_start: int) -> int:
    """Where the line before the one starting at *line_start* ends (a real or an escaped line
    break), or -1."""
    if data[line_start - 1 : line_start] == b"\n":
        return line_start - 1 - (data[line_start - 2 : line_start - 1] == b"\r")
    if line_start >= 2 and data[line_start - 2 : line_start] == b"\\n":
        end = line_start - 2
        while end and data[end - 1] == 0x5C:
            end -= 1
        return end
    return -1


# The name of the object or block that holds a member: `"Jwt": {` (JSON, JavaScript, also escaped),
# `api:` alone on a less indented line (YAML), a `[section]` (TOML, INI).
_SEPARATOR_BYTES: Final = frozenset(b":=")
_QUOTE_BYTES: Final = frozenset(b"\"'\\")
_MEMBER_NAME_BYTES: Final = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_PARENT_BLOCK: Final = rb"""[ \t]*(?:-[ \t]+)?(?P<name>[A-Za-z_][A-Za-z0-9_.\-]{0,63})[ \t]*:[ \t]*\r?"""
_PARENT_SECTION: Final = rb"""[ \t]*\[(?P<name>[A-Za-z_][A-Za-z0-9_.\-]{0,63})\][ \t]*\r?"""
_BEFORE_MEMBER: Final = frozenset(b" \t-\"'\\")
_LINE_START_BYTES: Final = frozenset(b"\n0123456789\x92")  # a break, or a line number's end (`2\t`, `2→`)
_PARENT_REACH: Final = 600  # bytes back to the opening brace
_PARENT_LINES: Final = 24  # lines back to the block's or the section's name


_BLOB_NAME: Final = 24  # the shortest run of base64 taken for a blob rather than a name


def _blob_name(name: bytes) -> bool:
    """Whether *name* (24 characters or more) is a piece of base64, not a name: no separator, a
    digit, upper and lower case each a quarter of it or more, and not made of words
    (``awsSecretAccessKeyForProductionUse2``, ``DBPasswordForTheAPIServer`` are)."""
    if not name.isalnum() or name.isalpha():
        return False
    upper = sum(1 for byte in name if 0x41 <= byte <= 0x5A)
    lower = sum(1 for byte in name if 0x61 <= byte <= 0x7A)
    return 4 * upper >= len(name) and 4 * lower >= len(name) and not _wordy(name.decode("ascii"))


def _in_base64(data: bytes, name_start: int, name_end: int) -> bool:
    """Whether the name at *name_start*, after a `/` or a `+`, is the end of a run of base64 that
    is a blob (see _blob_name()) once its `/` and `+` are left out."""
    floor = max(0, name_start - 200)
    begin = floor + data[floor:name_end].translate(_BASE64_TABLE).rfind(b".") + 1
    letters = data[begin:name_end].replace(b"/", b"").replace(b"+", b"")
    return len(letters) >= _BLOB_NAME and _blob_name(letters)


_IN_VERIFIER: Final = frozenset(b"/+:$=")  # what precedes a name inside a SCRAM verifier
_VERIFIER_REACH: Final = 160  # bytes back to its `SCRAM-SHA-` (its salt and stored key are 24 + 44)


def _in_verifier(data: bytes, name_start: int, name_end: int) -> bool:
    """Whether the name at *name_start* lies inside a SCRAM verifier of a password
    (rules.SCRAM_VERIFIER): its base64 is no name."""
    start = data.rfind(b"SCRAM-SHA-", max(0, name_start - _VERIFIER_REACH), name_start)
    if start == -1:
        return False
    verifier = _rx[_SCRAM_VERIFIER].match(data, start)
    return verifier is not None and verifier.end() >= name_end


_BASE64_TABLE: Final = bytes(
    0x61 if chr(c).isascii() and (chr(c).isalnum() or chr(c) in "+/") else 0x2E for c in range(256)
)


def _parent_name(data: bytes, name_start: int, name_end: int) -> bytes | None:
    """The name of the object, block or section that holds the member named at *name_start*..*name_end*."""
    first = name_start
    while first and data[first - 1] in _BEFORE_MEMBER:
        first -= 1
    # (a look at the line only where the member may start it: after a line break, also an escaped
    # one, or a file reader's line number; in an agent log's long lines that is rare)
    starts_line = False
    if not first or data[first - 1] in _LINE_START_BYTES or data[first - 2 : first] == b"\\n":
        line_start, _ = _line_around(data, name_start)
        content = _content_start(data, line_start, name_start)
        gutter = _rx[_GUTTER].match(data, content, name_start)
        base = gutter.end() if gutter else content
        starts_line = not data[base:name_start].strip(b" \t-\"'\\")
    if starts_line:  # the member starts its line: a block or a section above?
        before = data[base:name_start]
        column = len(before) - len(before.lstrip(b" \t"))
        line = line_start
        for _ in range(_PARENT_LINES):
            end = _previous_line_end(data, line)
            if end == -1:
                break
            line, _ = _line_around(data, end - 1 if end else 0)
            text = data[_content_start(data, line, end) : end]  # (the first line of a JSON string)
            gutter = _rx[_GUTTER].match(text)
            if gutter is not None:
                text = text[gutter.end() :]
            if not text.strip():
                continue
            indent = len(text) - len(text.lstrip(b" \t"))
            if column and indent < column:
                block = _rx[_PARENT_BLOCK].fullmatch(text)
                if block is not None:
                    return block.group("name")
                break
            if not column:
                section = _rx[_PARENT_SECTION].fullmatch(text)
                if section is not None:
                    return section.group("name")
    # A JSON or JavaScript object (or a PHP array, `'crypt' => ['key' => …]`): the nearest brace not
    # closed before the member.
    floor, position, depth = max(0, name_start - _PARENT_REACH), name_start, 0
    brace, close = b"{", b"}"
    if data.find(b"=>", name_end, name_end + 6) != -1:
        brace, close = b"[", b"]"
    while True:
        opening = data.rfind(brace, floor, position)
        if opening == -1:
            return None
        closing = data.rfind(close, opening, position)
        if closing != -1:
            depth, position = depth + 1, closing
            continue
        if depth:
            depth, position = depth - 1, opening
            continue
        return _member_name_before(data, opening)


def _member_name_before(data: bytes, position: int) -> bytes | None:
    """The name before the separator that ends at *position* (``"Jwt": {``, ``jwt: {``, ``jwt = {``),
    read backwards a byte at a time (a regex searched back would try every start)."""
    at = position
    while at and data[at - 1] in _BLANKS_B:
        at -= 1
    if at > 1 and data[at - 2 : at] == b"=>":
        at -= 1  # PHP's `'crypt' => [`
    if not at or data[at - 1] not in _SEPARATOR_BYTES:
        return None
    at -= 1
    while at and data[at - 1] in _BLANKS_B:
        at -= 1
    while at and data[at - 1] in _QUOTE_BYTES and position - at < 12:
        at -= 1
    end = at
    while at and data[at - 1] in _MEMBER_NAME_BYTES and end - at < 64:
        at -= 1
    name = data[at:end]
    return name if name and not name[:1].isdigit() else None


# A member of the same JSON object that makes a lone `"key"` half of a login: the account's name,
# or the other parts of a signed request.
_CREDENTIAL_SIBLING: Final = (
    rb"""["'](?:username|user_name|passphrase|api_secret|secret|signature)\\{0,3}["'][ \t]*:"""
)
_SIBLING_REACH: Final = 300
# A call that logs in, whose keyword argument `key` is the credential (`wandb.login(key="…")`).
_LOGIN_CALL_BEFORE: Final = rb"(?i:login|auth|authenticate)\((?:[^()\n]{0,160},[ \t]*)?\Z"


def _credential_sibling(data: bytes, name_start: int, name_end: int) -> bool:
    """Whether the JSON object holding the lone key at *name_start* holds a member of
    _CREDENTIAL_SIBLING too (`{"username": "…", "key": "…"}`)."""
    opening = data.rfind(b"{", max(0, name_start - _SIBLING_REACH), name_start)
    if opening == -1 or data.find(b"}", opening, name_start) != -1:
        return False
    closing = data.find(b"}", name_end, name_end + _SIBLING_REACH)
    if closing == -1:
        return False
    return _rx[_CREDENTIAL_SIBLING].search(data, opening, closing) is not None


def _parent_key_kind(data: bytes, name_start: int, name_end: int) -> str | None:
    """The kind of a generically named key (``key``, ``primary_key``) that the name of the object
    or block holding it qualifies (``"Jwt": { "Key": … }``, ``api:`` above ``key:``,
    ``active_record_encryption:`` above ``primary_key:``): that name's words, last first, before ``_key``."""
    parent = _parent_name(data, name_start, name_end)
    if parent is None:
        return None
    for word in reversed(name_parts(parent.decode("ascii", "replace"))[-3:]):
        kind = _name_kind(word.encode() + b"_key")
        if kind is not None:
            return kind
    return None


def _in_one_string(data: bytes, start: int, end: int, found: tuple[int, int]) -> tuple[int, int]:
    """*found*, unless a JSON string ends between *start* and *end*: the line goes on in another
    string (`"command": "… get secret app", "output": "…`), which announces nothing."""
    if data.find(b'"', start, end) != -1 and _rx[_JSON_STRING_END].search(data, start, end) is not None:
        return 0, 0
    return found


_SAME_LINE, _NEXT_LINE, _NEXT_LINE_STRICT, _IN_PROSE, _IN_SENTENCE, _ASKED = 1, 2, 3, 4, 5, 6
# A setting's name in one case (`PASSWORD_MIN_LENGTH=`, `min_length=`), not a password holding `=`.
_SETTING_NAME: Final = r"(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*|[a-z][a-z0-9]*(?:[_.\-][a-z0-9]+)*)="
# A credential quoted in a sentence after its name, with only words between them (chat, in any
# language: `es \`…\` (la encontré …)`, `do bazy: '…'. Trzeba`, `gefunden: … - es steht`, CJK's
# full-width colon and comma): a quoted word after a blank or a colon (also full-width, U+FF1A), or
# a bare word after a colon followed by the sentence's punctuation (also U+FF0C, U+3001, U+3002), a
# blank or the line's end. (Each branch starts with its byte, so that a search skips to those bytes
# in C instead of trying every position.)
_PROSE_SEPARATOR: Final = (
    rb""" (?=\\{0,3}["'`])|\t(?=\\{0,3}["'`])|:(?=\\{0,3}["'`])|:[ \t]+|\xef\xbc\x9a|\\\\{0,2}uff1a"""
)
_PROSE_WORDS: Final = rb"""(?:[^"'`|$=<>{}\[\]\n\\]++|\\{1,3}u[0-9a-fA-F]{4})*+"""
_PROSE_VALUE: Final = (
    rb"(?x)"
    rb"""[ \t]*(?:(?P<q>\\{0,3}["'`])(?P<quoted>[^\s"'`\\]{6,200})(?P=q)
    |(?P<bare>[^\s"'`\\]{6,200}?)
      (?=[.,;!?)]{0,2}(?:[ \t\r\n]|$|\\{1,3}[nrt"])
        |\xef\xbc\x8c|\xe3\x80[\x81\x82]|\\{1,3}u(?:ff0c|300[12])))"""
)


def _prose_value(data: bytes, keyword: int, end: int) -> tuple[int, int] | None:
    """Where a credential quoted in a sentence after the keyword at *keyword* is (_PROSE_VALUE), up
    to *end*: one that looks generated, holds a digit and is neither a path, a name nor a setting."""
    separator = _rx[_PROSE_SEPARATOR].search(data, keyword, min(end, keyword + 200))
    if (
        separator is None
        or _rx[_PROSE_WORDS].match(data, keyword, separator.start()).end() != separator.start()
    ):
        return None  # no separator, or code between the name and it (quotes, `$`, `=`, brackets)
    if _rx[_LATER_KEYWORD].search(data, keyword + 2, separator.start()) is not None:
        return None  # the value is the later name's (`the client secret or the public key \`…\``)
    match = _rx[_PROSE_VALUE].match(data, separator.end(), end)
    if match is None or _describes(data, keyword, separator.start()):
        return None
    group = "quoted" if match.group("quoted") is not None else "bare"
    if group == "bare" and data[separator.start()] not in b":\xef\\":
        return None  # a bare word only after a colon
    text = match.group(group).decode("utf-8", "replace")
    if (
        (
            (credential_like(text) and _rx[_DIGIT].search(text))
            # after a password's name, a passphrase or a password as people make them too
            or (_password_word(data, keyword) and _handed_value(text, password=True))
        )
        and not _file_path(text)
        and _rx[_FILE_NAME].fullmatch(text) is None  # `main.d203ab53.js`: a file's name
        and _rx[_NOT_HANDED_OVER].fullmatch(text) is None  # an id, a ticket's key, a date
        and _rx[_SECRET_NAME_PARTS].search(text.lower()) is None  # `RESET_TOKEN_TTL=15m`: a name
        # `PASSWORD_MIN_LENGTH=12`: a setting (a letter alone before `=` names none: `P=nW3X…`)
        and ((setting := _rx[_SETTING_NAME].match(text)) is None or setting.end() <= 2)
    ):
        return match.span(group)
    return None


# A later name keyword, after a blank, between a name and the value a sentence gives.
_LATER_KEYWORD: Final = rb"[ \t*](?i:password|passwd|passphrase|secret|token|key|credential|pw)(?![a-z])"
# A file's name with a common extension (`main.d203ab53.js`, `server.key`): no credential.
_FILE_NAME: Final = (
    r"(?i)[\w@+\-.]+\.(?:[cm]?js|jsx|tsx?|map|css|html?|json|ya?ml|toml|ini|cfg|conf|env|txt|md|py|rb|go"
    r"|rs|java|kt|php|sh|ps1|log|csv|xml|pem|crt|cer|der|key|p12|pfx|jks|zip|gz|tgz|tar|png|jpe?g|gif|svg"
    r"|pdf|docx?|xlsx?|lock|sql|db|bak)"
)


# A credential handed over in a sentence after its name: a word that links a name to its value ("is",
# "was", "reset to", and the same words in other languages: `lautet`, `ist`, `naar`, `è`, `est`, `es`,
# `är` …), maybe an adverb ("now", "übrigens"), then the value: bare up to the sentence's punctuation
# and a blank, or in backticks, quotes, bold or an HTML element of code (`is <code>…</code>`).
_HANDOVER: Final = (
    rb"(?x)"
    rb"""[ \t](?i:is|was|are|were|to|ist|lautet|lauten|hei(?:\xc3\x9f|\\{1,3}u00df)t|est|es|\xc3[\xa8\xa9]
      |\\{1,3}u00e[89]|naar|wordt|auf|(?:\xc3\xa4|\\{1,3}u00e4)r|er|jest|=)
    [ \t]+(?:(?i:now|still|just|also|simply|currently|temporarily|(?:\xc3\xbc|\\{1,3}u00fc)brigens|jetzt|nun
      |noch|nu|ora|ahora|agora|maintenant|d(?:\xc3\xa9|\\{1,3}u00e9)sormais|teraz)[ \t]+)?
    (?:(?P<q>\\{0,3}["'`]|\*\*)(?P<quoted>[^\s"'`\\*]{6,200})(?P=q)
    |<(?P<tag>code|kbd|tt|samp)>(?P<tagged>[^<>\s]{6,200})<\\{0,3}/(?P=tag)>
    |(?P<bare>[^\s"'`\\<>]{6,200})(?=[\s"'\\]|$)
    |(?P<element>(?=\\{0,3}"[ \t]*\})))"""
)
# A URL whose slashes are JSON-escaped (`:\/\/host\/path`, also escaped once more), to its end; and
# each escaped slash in it.
_ESCAPED_URL: Final = rb""":(?:\\{1,7}/){2}(?:\\{1,7}/|[^\s"'<>`\\])+"""
_SLASH_ESCAPE: Final = rb"\\{1,7}/"
# `user / password`: the password after the slash, bare or in backticks, quotes or an HTML element of
# code, up to a blank, the sentence's punctuation, a quote or a tag; the user right before the slash.
_SLASH_PAIR_VALUE: Final = (
    rb"""(?x)[ ]/[ ](?:(?P<q>`|\\{0,3}["'])(?P<quoted>[^\s"'`\\]{6,200})(?P=q)"""
    rb"""|<(?P<tag>code|kbd|tt)>(?P<tagged>[^<>\s]{6,200})<\\{0,3}/(?P=tag)>"""
    rb"""|(?P<bare>[^\s"'`\\<>]{6,200}))"""
)
_SLASH_PAIR_USER: Final = (
    rb"""(?:^|(?<=[\s(>:`"']))(?:`|<code>)?(?P<user>[A-Za-z0-9_.@$\-]{2,64})(?:`|</code>|\\{0,3}["'])?\Z"""
)
# Words that say a line is about logging in (lower-cased).
_LOGIN_CUE: Final = (
    rb"admin|root|login|log[ \-]in|logon|sign[ \-]?in|user|account|credential|creds|passw|pw\b|wi-?fi|wlan"
    rb"|ssid|connect|robot"
)
# The words between a secret's name and the word that links it to its value: one sentence (no full
# stop before a blank), no code (quotes, `$`, `=`, brackets); code spans and escaped letters allowed.
_SENTENCE_WORDS: Final = (
    rb"""(?:[^"'`|$=<>{}\[\]\n\\.!?;]++|[.!?](?![ \t\n\\])|(?<=[A-Za-z])(?:`|\*{1,2})(?=[ \t]|\Z)"""
    rb"""|`[^`\n\\]{1,40}`|\\{1,3}u[0-9a-fA-F]{4}|(?<=[A-Za-z])'(?=[A-Za-z]))*+"""
)
# Not a credential though it may follow "is": an id (a UUID, a ticket's key), a date or a time.
_NOT_HANDED_OVER: Final = (
    r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}|[A-Z][A-Z0-9]{1,9}-[0-9]{1,7}"
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9:.]+(?:Z|[+\-][0-9:]+)?)?"
)


def _handed_over(data: bytes, keyword: int, end: int) -> tuple[int, int] | None:
    """Where a credential handed over in a sentence after the name keyword at *keyword* is
    (_HANDOVER), up to *end*: one that looks generated and holds a digit, or (after a password's
    name) a passphrase or a password as people make them (a digit and a symbol). The last answer is
    kept: _announcement() asks, then _Scan._announced() asks again for the span."""
    last = _LAST_HANDED[0]
    if last is not None and last[0] is data and last[1] == keyword and last[2] == end:
        return last[3]
    found = _find_handed_over(data, keyword, end)
    _LAST_HANDED[0] = (data, keyword, end, found)
    return found


_LAST_HANDED: list[tuple[bytes, int, int, tuple[int, int] | None] | None] = [None]


def _find_handed_over(data: bytes, keyword: int, end: int) -> tuple[int, int] | None:
    if keyword and (data[keyword - 1 : keyword].isalnum() or data[keyword - 1] == 0x5F):
        return None  # the end of a longer word (`monkey`), or a variable's
    ceiling = min(end, keyword + 160)
    if not data[keyword:ceiling].translate(None, _PROSE_BYTES):
        return None  # letters and a sentence's punctuation alone: nothing a credential could be
    if _rx[_WORD_THEN_BLANK].match(data, keyword) is None:
        return None  # code right after the name (`key\\" do`, `Key });`), no sentence
    window = data[keyword : min(ceiling, keyword + 100)].lower()
    words = window.split()
    present = _LINK_WORDS.intersection(words)
    if not present:
        return None  # no word that links a name to its value (a set test in C before any search)
    for index, word in enumerate(words[:-1]):
        if word in present:
            after = words[index + 1]
            if after in _LINK_ADVERBS and index + 2 < len(words):
                after = words[index + 2]
            if not after.isalpha() and (len(after) >= 6 or after[:1] in _ELEMENT_ENDS):
                break  # a word that may be a value (or the end of a rich text element) after it
    else:
        return None
    # where those words are, after a blank (found with `find`: the regex tried at every blank costs more)
    candidates = []
    for word in present:
        at = window.find(b" " + word + b" ")
        while at != -1:
            candidates.append(at)
            at = window.find(b" " + word + b" ", at + 1)
    password = None
    for at in sorted(candidates):
        link = _rx[_HANDOVER].match(data, keyword + at, ceiling)
        if link is None:
            continue
        if password is None:
            password = _password_word(data, keyword)
        if _rx[_SENTENCE_WORDS].match(data, keyword, link.start()).end() != link.start():
            return None  # another sentence, or code, before the word
        if _rx[_LATER_KEYWORD].search(data, keyword + 2, link.start()) is not None or _describes(
            data, keyword, link.start()
        ):
            return None  # a later name's value, or something about the secret (`key fingerprint is`)
        if link.group("element") is not None:
            # rich text: the value is the next element's text (see _Scan._next_element())
            found = _rx[_NEXT_ELEMENT].match(data, link.end())
            if found is not None and _handed_value(
                found.group("value").decode("utf-8", "replace"), password=password
            ):
                return found.span("value")
            continue
        group = "quoted" if link.group("quoted") is not None else "tagged" if link.group("tagged") else "bare"
        start, stop = link.span(group)
        if group == "bare":
            while data[stop - 1] in _SENTENCE_END and stop - start > 6:
                stop -= 1  # the sentence's punctuation after the value (`… naar Xy7!kL. Wil je`)
        if _handed_value(data[start:stop].decode("utf-8", "replace"), password=password):
            if _in_one_string(data, keyword, stop, (1, 0))[0]:
                return start, stop
            return None  # the line goes on in another JSON string
    return None


@lru_cache(maxsize=1024)
def _handed_value(text: str, *, password: bool) -> bool:
    """Whether *text*, handed over in prose as a credential, is one: it looks generated and holds a
    digit, or (where a password is meant, *password*) it is a passphrase or a password as people
    make them (a digit and a symbol); never an id, a date, a file's name or the name of a secret."""
    if (
        _rx[_NOT_HANDED_OVER].fullmatch(text)
        or _file_path(text)
        or _rx[_FILE_NAME].fullmatch(text)
        or _names_a_secret(text)
    ):
        return False
    if _rx[_HEX_SECRET].fullmatch(text):
        return True  # a key in hex (32 digits or more), which may read as words
    return bool(credential_like(text) and _rx[_DIGIT].search(text)) or (
        password
        and (
            _passphrase(text)
            or bool(_lenient(text) and _rx[_DIGIT].search(text) and _rx[_HUMAN_SYMBOL].search(text))
        )
    )


_SENTENCE_END: Final = frozenset(b".,;:)")
_ASIDE_OPENS: Final = (b'"', b"'", b"`", b"\\", b" ", b"\t")
# Letters, blanks and a sentence's punctuation: what prose holds besides a credential.
_PROSE_BYTES: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz \t.,;:'\"()?"
# The words of _HANDOVER's second group (adverbs), and the quotes that may end an element.
_LINK_ADVERBS: Final = frozenset(
    b"now still just also simply currently temporarily \xc3\xbcbrigens jetzt nun noch nu ora ahora agora "
    b"maintenant d\xc3\xa9sormais teraz".split()
)
_ELEMENT_ENDS: Final = (b'"', b"\\")
# The words of _HANDOVER's first group, lower-cased, as words (also JSON-escaped).
_LINK_WORDS: Final = frozenset(
    b"is was are were to ist lautet lauten hei\xc3\x9ft est es \xc3\xa8 \xc3\xa9 naar wordt auf \xc3\xa4r er "
    rb"jest = hei\u00dft \u00e8 \u00e9 \u00e4r hei\\u00dft \\u00e8 \\u00e9 \\u00e4r".split()
)
# A word of letters (also of other scripts, JSON-escaped) and a blank: how a sentence goes on.
_WORD_THEN_BLANK: Final = rb"(?:[A-Za-z\x80-\xff\-]|\\{1,3}u[0-9a-fA-F]{4})*(?:`|\*{1,2})?[ \t]"
_HUMAN_SYMBOL: Final = r"[^A-Za-z0-9\-_./]"


# A value a tool's help or documentation shows as an example: right after "e.g." or "for example" on
# its line (maybe after an option or a name: `e.g. --token …`, `for example API_KEY=…`), or on an
# indented line under an "Examples:" heading, as help texts print their examples.
_EXAMPLE_CUE: Final = (
    rb"(?i)"
    rb"(?:\be\.g\.|\bfor (?:example|instance)|\bexample:|\bsuch as)[ \t]*[:,]?[ \t]+"
    rb"(?:--?[A-Za-z][A-Za-z0-9\-]*[ =]|[A-Za-z_][A-Za-z0-9_]*=)?\\{0,3}[\"'`(]?$"
)
_EXAMPLES_HEADING: Final = rb"(?i)" rb"(?:examples?|example usage|usage examples?)[ \t]*:?[ \t\r]*"
_EXAMPLE_LINES: Final = 15


def _shown_as_example(data: bytes, start: int) -> bool:
    """Whether the value at *start* is shown as an example (see ``_EXAMPLE_CUE``)."""
    line_start, _ = _line_around(data, start)
    if _rx[_EXAMPLE_CUE].search(data, max(line_start, start - 80), start) is not None:
        return True
    if data[line_start : line_start + 1] not in (b" ", b"\t"):
        return False
    position = line_start
    for _ in range(_EXAMPLE_LINES):
        end = _previous_line_end(data, position)
        if end == -1:
            return False
        position, _ = _line_around(data, end)
        begin = _content_start(data, position, end)  # the heading may open an agent log's string
        if begin < end and data[begin : begin + 1] not in (b" ", b"\t", b"\r"):
            return _rx[_EXAMPLES_HEADING].fullmatch(data, begin, end) is not None
    return False


def _describes(data: bytes, keyword: int, separator: int) -> bool:
    """Whether the words from *keyword* to the ``:`` or ``is`` at *separator* name something about
    a secret rather than the secret: ``key fingerprint is …``, ``token id: …``."""
    words = data[keyword:separator].split()
    # (the name's own word and the one after it: `token id:`, `key fingerprint is`; not a word further
    # on, in a phrase of its own: `pw after the reset:`)
    for word in words[:2]:
        parts = name_parts(word.decode("ascii", "replace"))
        if parts and parts[-1] in rules.EXCLUDED_LAST:
            return True
    return False


def _typed_secret_at(low: bytes, anchor: bytes, start: int, end: int) -> bool:
    """Whether the name keyword *anchor* at *start*..*end* is the value of a JSON ``"type"`` member:
    Postman's ``"type": "secret"``, which says the object's ``value`` is one."""
    return (
        anchor == b"secret"
        and low[end : end + 1] in _QUOTE_AFTER
        and _rx[_TYPE_BEFORE].search(low, max(0, start - 16), start) is not None
    )


def _anchor_may_find(role: int, anchor: bytes, data: bytes, low: bytes, start: int, end: int) -> bool:
    """The check keywords() makes at a context anchor (other than a name keyword) before it can
    report anything there (a superset: passing it may still find nothing)."""
    if role in (_SHADOW, _ENCRYPTED_AT):
        return False  # a ciphertext block only takes findings away
    if role == _URL:
        return _url_interesting(low, start)
    if role == _BEARER_AT:
        return _rx[_BEARER].match(data, start) is not None
    if role == _KIND_AT:
        return _rx[_KIND_SECRET].match(low, start) is not None
    if role == _COOKIE_AT:
        return (
            _rx[_COOKIE_HEADER].match(low, start) is not None
            or _rx[_COOKIE_SETTER].match(data, start) is not None
            or _named_cookie(data, low, start) is not None
        )
    if role == _CURL_AT:
        return _curl_command(low, start)
    if role == _PAT_AT:
        return _rx[_PAT_VARIABLE].match(data, start) is not None  # not `$PATH`
    if role == _MARKER_AT:
        return low.startswith((b"[redacted:aws_access_key_id]", *_TWILIO_MARKERS), start)
    if role == _SLASH_PAIR:
        return _rx[_SLASH_PAIR_VALUE].match(data, start) is not None  # `user / password`, not `a / b`
    if role in (_WRITE_AT, _SENDTO_AT):
        return _rx[_WRITTEN].match(low, start) is not None  # strace's line, not `f.write(…)`
    if role == _COMPARE_AT:
        return _rx[_COMPARE_NAME].search(low, max(0, start - 20), end) is not None
    if role == _CLIENT:
        word = _rx[_COMMAND_NAME].match(low, start)
        return _command_word(low, start, 0) and word is not None and word.group() in _CLIENTS
    if role == _PRINTER and anchor != b"echo ":
        printer = _printer(anchor)
        if printer.pattern:
            line_start, line_end = _line_around(low, start)
            return printer.search(low, line_start, line_end) is not None
    return True  # the rest is rare or cheap enough: always a full scan


_FIREBASE_KEY_NAME: Final = rules.FIREBASE_KEY_NAME.encode()
_FIREBASE_CONFIG_MEMBERS: Final = rules.FIREBASE_CONFIG_MEMBERS.encode()


def _firebase_config_key(data: bytes, start: int) -> bool:
    """Whether the Google API key at *start* is Firebase's app config, public by design: named for
    Firebase, or the ``apiKey`` of a config holding Firebase's other members (rules.FIREBASE_KEY_NAME)."""
    named = _rx[_FIREBASE_KEY_NAME].search(data, max(0, start - 100), start)
    if named is None:
        return False
    if named.group("firebase") is not None:
        return True
    reach = rules.FIREBASE_CONFIG_REACH
    return _rx[_FIREBASE_CONFIG_MEMBERS].search(data, max(0, start - reach), start + reach) is not None


class _Scan:
    """Findings for one text; every method adds (start, end, priority, kind) spans."""

    __slots__ = (
        "_announcements",
        "_blocks",
        "_exempt",
        "_names",
        "coloured",
        "data",
        "low",
        "named",
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
        *shared, (apart, find_apart) = _token_searches()
        # Mostly hits inside words and blobs, which go at once (in one comprehension, for speed): a
        # token starts a word, or follows an escape (`\\n`) or a colour.
        candidates = [
            (index, start)
            for index, start, _end in find_apart(data)
            if not start
            or runs[start - 1] != 0x61
            or runs[start] != 0x61
            or data[start - 2] == 0x5C
            or data[start - 1] == 0x6D
        ]
        resume = 0
        for index, start in candidates:
            if start >= resume and (
                not start  # (at the text's start, `data[-1]` is its last byte, no colour before)
                or data[start - 1] != 0x6D
                or runs[start] != 0x61
                or _rx[_ANSI_BEFORE].search(data, max(0, start - 24), start)
            ):
                resume = max(resume, self._token_at(start, apart[index], data))
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
            if is_placeholder(token) or (rule.check_random and not looks_random(token[rule.body_start :])):
                continue
            if rule.kind == "google_api_key" and _firebase_config_key(data, start):
                self._exempt.append((start, match.end()))  # whatever its name says, it stays
                return match.end()
            self.add(start, match.end(), rule.kind, _TOKEN_PRIORITY)
            self._near(rule.kind, start, match.end())
            return match.end()
        return 0

    def _near(self, kind: str, start: int, end: int) -> None:
        """The secret half of a pair: an AWS secret key near its key id, a Twilio token near its SID."""
        if kind == "aws_access_key_id":
            pattern, found = _rx[_AWS_SECRET_NEAR], "aws_secret_access_key"
        elif kind.startswith("twilio"):
            pattern, found = _rx[_TWILIO_TOKEN_NEAR], "twilio_auth_token"
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
                        if end - start == 5 and low[start] == 0x5F:
                            end -= 1  # `_pat:`: the name ends before the byte after it
                        if end - start == 6 and _typed_secret_at(low, anchors[index], start, end):
                            self._typed_secret(start)
                        if end - start == 6 and anchors[index] == b"author":
                            # A whole name "Author" (git log) is never secret; else it is an "auth" hit.
                            if _git_author(data, runs, start, end):
                                continue
                            end = start + 4
                        shape = shaped(low, end)
                        if shape is None:
                            if low.startswith(_FULL_WIDTH_COLON, end):
                                self._space_hit(start, end, hits)  # CJK prose: a full-width colon
                            continue
                        how = shape_how.get(shape.lastgroup)
                        if how is not None:
                            hits.append((start, end - start, how))
                            at = shape.end()
                            if how == _BY_CSV or (
                                how == _BY_SEPARATOR and low[at - 1] == 0x2C and _table_shape(low, shape)
                            ):
                                hits.append((start, end - start, _BY_TABLE))  # `"Password","URL"`
                        else:
                            self._space_hit(start, end, hits)
                            at = shape.end()
                            if low[at - 1] in _TABLE_BYTES or low[at - 2] == 0x09 or _escaped_end(low, at):
                                hits.append((start, end - start, _BY_TABLE))  # `| api_token |`
                    elif role == shadow:
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

    def _fixed(self, role: int, start: int, end: int) -> None:
        """The fixed anchors of the names pass, but URLs and bearer tokens."""
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
        elif role == _COOKIE_AT:
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
        elif role in (_SASL_587, _SASL_465):
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
        elif _B64ENCODE_AT <= role <= _TO_BASE64_STRING_AT:
            self._encoded_login(end)
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
        elif role == _BASIC_AT:
            self._basic(start)
        elif role == _GO_POINTER_AT:
            self._go_struct(start)
        elif role == _COOKIE_JAR_AT:
            pair = _rx[_COOKIE_PAIR].match(self.data, start + 8)  # `<Cookie NAME=VALUE for DOMAIN/>`
            if pair is not None:
                self._cookie_value(pair.group("name"), pair.start("value"), pair.end("value"))
        elif _SESSION_COOKIE_AT <= role < _WEBHOOK_PATH_AT:
            self._session_cookie(start, end)
        elif role >= _LOGIN_ROW_AT:
            self._login_row(start, end)
        elif role >= _EXPECT_SEND_AT:
            self._expect_send(start)
        elif role >= _WEBHOOK_PATH_AT:
            self._webhook_path(role - _WEBHOOK_PATH_AT, start)
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
                kind is None
                and how in (_BY_SPACE, _BY_TABLE)
                and data[name_start - 1 : name_start] == b" "
                and self._two_word_column(name_start, name_end)
            ):
                continue
            if how == _BY_SPACE:
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
            elif how == _BY_BLOCK:
                if kind is not None and kind != "authorization":
                    self._block_value(name_start, name_end, kind)
            elif kind == "authorization":
                self._authorization(name_end)
            elif kind is not None and not _referenced(data, name_start):
                self._assignment(name, name_start, name_end, kind)
            elif (
                kind is None
                and how == _BY_SEPARATOR
                and (name in _LONE_NAMES or name in _PRIVATE_KEYS or _foreign_lone_key(name))
            ):
                # Prose (`- API key: …`, `Access token: …`): the word before says what it is; else a
                # lone `key = …` (rclone, INI sections) holds a secret only if it looks generated.
                previous = (
                    _rx[_PREVIOUS_WORD].search(data, max(0, name_start - 16), name_start)
                    if data[name_start - 1 : name_start] == b" "
                    else None
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
                if named:
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
            elif kind is None and how == _BY_SEPARATOR and name.lower() in _NUMBERED_KEYS:
                # a pair of keys numbered (Azure's `key1` and `key2` of Cognitive Services, Storage,
                # Event Hubs, Maps …): a value that looks generated
                self._assignment(name, name_start, name_end, "api_key", generated=True)
            elif kind is None and how == _BY_SEPARATOR and (generated := _generated_name_kind(name)):
                # `routing_key`, `server_key`, `LOGGED_IN_KEY`, `NONCE_SALT`: a key or salt of a kind
                # no table names holds a secret when its value looks generated.
                self._assignment(name, name_start, name_end, generated, generated=True)
            elif (
                kind is None
                and how == _BY_SEPARATOR
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
                and how == _BY_SEPARATOR
                and name.lower().endswith(b"key")
                and _rx[_KEY_VALUE_AHEAD].match(data, name_end)
                and (qualified := _parent_key_kind(data, name_start, name_end))
                # (not a key made for clients: `InstrumentationKey=` in Application Insights' block)
                and not rules.PUBLIC_TOKEN_OWNERS.intersection(name_parts(name.decode("ascii", "replace")))
            ):
                # `active_record_encryption:` above `primary_key:`: a key that indexes data elsewhere
                # is an encryption key in a block named so.
                self._assignment(name, name_start, name_end, qualified, generated=True)
            elif (
                kind is not None
                and data[name_start - 1 : name_start] == b"$"
                and _rx[_PHP_ASSIGNMENT].match(data, name_end)
            ):
                self._assignment(name, name_start, name_end, kind)  # PHP, Perl, PowerShell: `$apiKey = '…'`
            elif (
                kind is None
                and how == _BY_SEPARATOR
                and (b"rimary" in name or b"RIMARY" in name)
                and _primary_key(data, name, name_end)
            ):
                # Azure's `primaryKey` beside its `secondaryKey` (IoT Hub, Event Hubs, Service Bus,
                # Maps; `--primary-key …`): a key, where a primary key elsewhere indexes data.
                self._assignment(name, name_start, name_end, "api_key")

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
        named = self.low[name_start:name_end] if kind == "api_key" else b""
        if (named.find(b"gpg") != -1 or named.find(b"pgp") != -1) and _rx[_FINGERPRINTS].match(
            data, name_end
        ):
            return name_end  # `GPG_KEY=<fingerprint>`: which public key verifies a download
        if data.find(b"->", name_end, name_end + 160) != -1 and (
            changed := _rx[_CHANGED_VALUE].match(data, name_end)
        ):
            # a change's summary (`api_key: "" -> "…"`, Terraform's `~ token = "…" -> "…"`): the new
            # value, after the arrow, is the name's too
            self._assignment(name, name_start, changed.end(), kind, generated=generated, strong=strong)
        ahead = data[name_end : name_end + 8]  # what the rarer forms below need to be there at all
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
                if ldif is not None and not is_placeholder(ldif.group("value").decode("ascii")):
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
        flag = name.startswith(b"-") or name.find(b"--") != -1
        previous = data[name_start - 1 : name_start]
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
            if previous in (b".", b"/") and data[value_start : value_start + 1].isdigit():
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
        if sep == b">" and not data.startswith(b"</", value_end):
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
        if flag and (
            value.startswith("-")
            or (not quoted and _wordy(value) and _rx[_DIGIT].search(value) is None and not _passphrase(value))
        ):
            return name_end  # another option, or a command's next word (`--no-auth-warning ping`)
        if not quoted and value.startswith("!") and _rx[_YAML_TAG].fullmatch(value) is not None:
            # a YAML tag (`!Sub '{{resolve:…}}'`, `!Ref DbPassword`, `!vault |`), not a password that
            # starts with `!` (`Passcode: !c7a13M~M~`)
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

    def _declared(self, name_start: int) -> bool:
        """Whether the name at *name_start* is declared right there (`let key = "…" in` of OCaml,
        Dart's `static const _key = '…'`, Perl's `my $key = '…'`)."""
        data = self.data
        before = name_start - 1 if data[name_start - 1 : name_start] in (b"$", b"*") else name_start
        word = _rx[_PREVIOUS_WORD].search(data, max(0, before - 16), before)
        return word is not None and word.group("word").lower() in _DECLARATIONS

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
        if value is not None:
            text = value.group("value").decode("ascii")
            if determined:
                if len(text) >= 24 and _strong(text):
                    self.add(value.start("value"), value.end("value"), "api_key")  # `our key …`
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
            value = item.group(group).decode("utf-8", "replace")
            # only what looks generated (never `["error", {…}]`, a linter's options, nor Django's
            # `PASSWORD_HASHERS = ["django.contrib.auth.hashers.…"]`), or a password with a digit
            if (
                _rx[_DOTTED_CALL].fullmatch(item.group(group)) is None  # a module path, an attribute
                and _plausible_value(value, quoted=True, code_context=True, next_char=b'"')
            ) and (
                credential_like(value)
                or _rx[_HEX_SECRET].fullmatch(value)
                or (kind == "password" and group == "quoted" and _rx[_DIGIT].search(value) is not None)
            ):
                self.add(item.start(group), item.end(group), kind)

    def _csv_column(self, name_start: int, name_end: int, kind: str | None) -> None:
        """The values in a CSV file's column whose header is secret-named (``service,owner,key``):
        a password column's values, or another's that look generated, row by row."""
        data = self.data
        if (
            data[name_end : name_end + 1] != b","
            and data.rfind(b",", max(0, name_start - 256), name_start) == -1
        ):
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

    def _spaced(self, name_start: int, name_end: int, kind: str | None, keyword: int) -> None:
        """A name and its value separated by blanks only (``requirepass VALUE``, ``password VALUE``
        in .netrc, ``AUTH VALUE``, ``ENV API_KEY VALUE``), or prose announcing a credential."""
        data = self.data
        if data[name_start - 1 : name_start] == b"=":
            return  # the value of another setting (`dkim=pass header.i=@…` in Authentication-Results)
        if data[name_start - 1 : name_start] == b"/":
            return  # the end of a path (`http.route=/oauth/token http.status_code=200`): an endpoint
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
                lenient = kind in ("password", "secret") or match.group("q") is not None
                if (
                    (_lenient(value) if lenient else credential_like(value))
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
                ):
                    self.add(match.start(group), match.end(group), kind)
                    if group == "quoted":
                        self._continued(match.end(group) + len(match.group("q")), kind, match.group("q"))
                    return
        if _announcing(self.low, keyword):
            self._announced(keyword)

    def _announced(self, keyword: int) -> None:
        """A credential announced in prose after *keyword* (see _announcement())."""
        data = self.data
        blank = max(
            data.rfind(b" ", max(0, keyword - 200), keyword),
            data.rfind(b"\t", max(0, keyword - 200), keyword),
        )
        # a file's path (`wg pubkey < /etc/wireguard/privatekey`) names where a key is, no value; only
        # a value that looks generated said to be the file (`My config/master.key is …`) goes
        path = data.find(b"/", blank + 1, keyword) != -1
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
            elif path:
                if match and credential_like(text):
                    self.add(match.start(), match.end(), "password")
            elif match and (
                credential_like(text)
                or (_lenient(text) and _rx[_DIGIT].search(text))
                or (_passphrase(text) and _password_word(self.data, keyword))
            ):
                self.add(match.start(), match.end(), "password")
            else:
                # markup around it (`is <code>…</code>`)
                span = _handed_over(self.data, keyword, position + 500)
                if span is not None:
                    self.add(*span, "password")
        elif how == _IN_PROSE:
            span = _prose_value(self.data, keyword, position)
            if span is not None:
                self.add(*span, "password")
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
                plausible = credential_like(value) if strict else _lenient(value)
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
        if printer.pattern and printer.search(self.low, line_start, line_end) is None:
            if printer.pattern.startswith(b"secret|token|passw"):
                self._decoded_echo(start, line_start)
            return
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
        match = _rx[_ECHO_PIPE].match(self.data, start, line_end)
        if match is None and (written := _rx[_ECHO_TO_FILE].match(self.data, start, line_end)) is not None:
            match = written if b" " not in written.group(written.lastgroup or "v3") else None
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
        if _lenient(value.decode("utf-8", "replace")):
            self.add(value_start, value_end, "password")

    def _named_xml_value(self, start: int) -> None:
        """A `<value>` element named by the element before it (`<name>…password</name>`) or by the
        element holding it (`<AdministratorPassword><Value>…`)."""
        data = self.data
        before = _rx[_XML_NAME_BEFORE].search(data, max(0, start - 400), start)
        if before is None:
            return
        name = (before.group("named") or before.group("parent")).decode("ascii")
        kind = secret_name_kind(name)
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
        end = min(end, start + _SEED_REACH + 9 * 24)
        words = _bip39_words()
        for match in _rx[_BIP39_RUN].finditer(data, begin, end):
            if len(run := match.group().split()) in (12, 15, 18, 21, 24) and all(w in words for w in run):
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

    def _anchored(self, anchor: bytes, start: int) -> None:
        """A credential after a literal of its own (rules.ANCHORED_SECRETS): `password 7 …`, …"""
        data = self.data
        line_start, line_end = _line_around(data, start, 1024)
        for rule in _ANCHORED_SECRETS[anchor]:
            match = _anchored_pattern(rule.pattern).match(data, start, line_end)
            if match is None:
                continue
            value = match.group("value").decode("utf-8", "replace")
            if is_placeholder(value) or value.lower() in _NOT_DEVICE_VALUES:
                continue
            if (
                rule.config_line
                and _rx[_CONFIG_LINE_BEFORE].match(data, _content_start(data, line_start, start), start)
                is None
            ):
                continue
            if rule.generated and not (len(value) >= 16 and credential_like(value)):
                continue
            if rule.named and not any(
                secret_name_kind(name.group("name").decode("ascii")) is not None
                for name in _rx[_QUOTED_NAME].finditer(data, line_start, start)
            ):
                continue
            self.add(match.start("value"), match.end("value"), rule.kind)
            return

    def _client(self, start: int, word_end: int, clients: tuple[_Client, ...]) -> None:
        """A command-line client (rules.CLIENT_COMMANDS): the credentials among its arguments."""
        data, low = self.data, self.low
        command_end = _curl_end(data, start, min(self.size, start + 4096))
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

    def _typed_secret(self, name_start: int) -> None:
        """The ``value`` of the JSON object whose ``"type"`` is the ``secret`` at *name_start* (Postman
        environments): ``{"key": "stripe", "value": "…", "type": "secret"}``."""
        self._member_value(name_start, "secret")

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

    def _member_value(self, position: int, kind: str, *, plausible: bool = False) -> None:
        """The ``"value"`` (Doppler's ``"computed"``, ``"raw"``) member of the flat JSON object
        holding *position*: Postman's ``"type": "secret"``, Terraform's ``"sensitive": true`` or a
        secret name's own object; *plausible*: only a value that may be a secret (not merely not a
        placeholder)."""
        data = self.data
        opening = data.rfind(b"{", max(0, position - 1024), position + 1)
        closing = data.find(b"}", position, position + 1024)
        if opening == -1 or closing == -1:
            return
        for value in _rx[_VALUE_MEMBER].finditer(data, opening, closing):
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

    def _login_module(self, start: int) -> None:
        """The user of a JAAS login module when it is an API key (``username="KEY" password="…"``)."""
        _, line_end = _line_around(self.data, start)
        match = _rx[_JAAS_USER].match(self.data, start, line_end)
        if match is not None and credential_like(match.group("value").decode("utf-8", "replace")):
            self.add(match.start("value"), match.end("value"), "api_key")

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

    def _secure_string(self, start: int) -> None:
        """The value of an SSM SecureString parameter: the next cell of `--output text`, or the
        `"Value"` of its JSON object."""
        data = self.data
        cell = _rx[_SECURE_STRING_CELL].match(self.low, start)
        if cell is not None:
            begin, end = cell.span("value")
            value = data[begin:end].decode("utf-8", "replace").strip()
            if _lenient(value) or credential_like(value):
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
        if _rx[_LOGIN_CUE].search(self.low, max(line_start, position - 200), position) is not None:
            self.add(start, stop, "password")

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
        return prefix in (b"", b"-", b"export", b"set") or (line_start == 0 and position < 200 and not prefix)

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
        if (
            not is_placeholder(text)
            and len(text.strip()) >= 4
            and not text.lower().startswith("{")
            and not _basic_placeholder(self.data, start, text)
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
            if (
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
                    and (kind != "url_token" or credential_like(value))
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
            for parameter in _rx[_URL_QUERY_KEY].finditer(data, position, url_end):
                value = parameter.group("value").decode("ascii")
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
        for _ in range(64):
            pair = _rx[_COOKIE_PAIR].match(data, position)
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
        end = _rx[_PEM_END].search(self.data, key_start, key_start + 65536)
        if end is not None:
            self.add(begin, end.end(), "private_key", _TOKEN_PRIORITY)
            return
        # No END line (truncated output): fail closed over everything that still looks like key body.
        header_end = self.data.find(b"-----", key_start) + 5
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
        if -1 - doc_start in self._blocks:
            return
        self._blocks.add(-1 - doc_start)
        data = self.data
        for block in _rx[_K8S_YAML_DATA].finditer(low, doc_start, doc_end):
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


# Terminal colour and erase codes (`grep --color` wraps every match in them), also JSON-escaped.
_ANSI: Final = rb"(?:\x1b|\\{1,3}u001b|\\{1,3}x1b|\\{1,3}033)\[[0-9;?]{0,16}[A-Za-z]"


def _coloured_lines(data: bytes, codes: list[int]) -> list[tuple[int, int]]:
    """The lines of *data* (also JSON-escaped ones, at most 1 KiB either side) where a terminal
    escape code at *codes* (sorted) comes right before a character that is not a blank
    (`PG␛[01;31mPASS`, `token=␛[1m…`, `password    ␛[32m…` in a table), merged where they touch;
    a code before a blank or at a line's end (`␛[32mPASSED␛[0m `) hides nothing."""
    merged: list[tuple[int, int]] = []
    size = len(data)
    for position in codes:
        if merged and position <= merged[-1][1]:
            continue
        first = position
        while first and data[first - 1] == 0x5C:  # the backslashes of `\\u001b`
            first -= 1
        code = _rx[_ANSI].match(data, first)
        if code is None:
            continue  # an escape byte that starts no code
        last = position
        while code is not None:
            last = code.end()
            code = _rx[_ANSI].match(data, last)
        if last >= size or data[last] in _EDGE or data[last : last + 2] in _ESCAPED_EDGES:
            continue  # before a blank or at a line's end: no word changes
        floor, ceiling = max(0, first - 1024), min(size, last + 1024)
        escaped = data.rfind(b"\\n", floor, first)
        start = max(data.rfind(b"\n", floor, first) + 1, escaped + 2 if escaped != -1 else 0, floor)
        ends = [
            end for end in (data.find(b"\n", last, ceiling), data.find(b"\\n", last, ceiling)) if end != -1
        ]
        end = min(ends) if ends else ceiling
        while end < size and end > last and data[end] == 0x5C and data[end - 1] == 0x5C:
            end -= 1  # a doubly escaped line break (``\\n``) ends the line at its first backslash
        if merged and start <= merged[-1][1] + 3:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


_EDGE: Final = frozenset(b' \t\r\n"')
_ESCAPED_EDGES: Final = (b"\\n", b"\\t", b"\\r", b'\\"')


# Between the coloured lines joined for one scan: more line breaks than any rule looks back across.
_APART: Final = b"\n" * 10


def _uncoloured_spans(data: bytes, codes: list[int]) -> list[tuple[int, int, str]]:
    """Secrets that terminal escape codes hide (``PG\\e[01;31mPASS\\e[mWORD=…`` as ``grep --color``
    prints it, a colour inside a name or before a value): the coloured lines, without their codes,
    are scanned again (all in one text, apart by line breaks), and what is found there is mapped
    back to the lines as they are."""
    pieces: list[bytes] = []
    kept: list[int] = []  # where each piece starts in the text without codes
    origins: list[int] = []  # and in *data* (-1: the line breaks between two lines)
    size = 0
    for low, high in _coloured_lines(data, codes):
        position = low
        for code in _rx[_ANSI].finditer(data, low, high):
            pieces.append(data[position : code.start()])
            kept.append(size)
            origins.append(position)
            size += code.start() - position
            position = code.end()
        pieces += (data[position:high], _APART)
        kept += (size, size + high - position)
        origins += (position, -1)
        size += high - position + len(_APART)
    found: list[tuple[int, int, str]] = []
    if not pieces:
        return found
    for start, end, kind in _scan(b"".join(pieces), coloured=False):
        first, last = bisect_right(kept, start) - 1, bisect_right(kept, end - 1) - 1
        if origins[first] != -1 and origins[last] != -1:
            found.append((origins[first] + start - kept[first], origins[last] + end - kept[last], kind))
    return found


# A file reader's line number before a line (`     17→`, JSON-escaped `\u2192`; `cat -n`'s `    17\t`,
# blanks first so that a table whose first column is a number is not one), up to the arrow or tab
# found at the window's end: at a line's start, a JSON-escaped one or a JSON string's (each mark is
# searched alone: a literal is found in C at memchr's pace, an alternation byte by byte).
_GUTTER_ARROW: Final = rb"(?:\n|\\n|\"|^)([ \t]*[0-9]{1,7})\Z"
_GUTTER_ESCAPED_ARROW: Final = rb"(?:\n|\\n|\"|^)([ \t]*[0-9]{1,7}\\{1,3})\Z"
_GUTTER_TAB: Final = rb"(?:\n|\\n|\"|^)( {1,5}[0-9]{1,6})\Z"
_GUTTER_ESCAPED_TAB: Final = rb"(?:\n|\\n|\"|^)( {1,5}[0-9]{1,6}\\{1,3})\Z"
_GUTTER_MARKS: Final = (
    (b"\xe2\x86\x92", _GUTTER_ARROW),
    (b"u2192", _GUTTER_ESCAPED_ARROW),
    (b"\t", _GUTTER_TAB),
    (b"t", _GUTTER_ESCAPED_TAB),
)


def _gutters(data: bytes) -> list[tuple[int, int]]:
    """Where *data* holds the line numbers that a file reader prints before each line (`     17→`,
    JSON-escaped `\u2192`, `cat -n`'s `    17\t`), in order."""
    found: list[tuple[int, int]] = []
    for mark, before in _GUTTER_MARKS:
        shift = 0
        if mark == b"t":
            mark, shift = b"\\t", 1  # `\t`: its backslash (and any before it) is the pattern's
        position = data.find(mark)
        if position == -1:
            continue
        left = _rx[before].search
        size = len(mark)
        while position != -1:
            end = position + shift
            gutter = left(data, max(0, end - 16), end)
            # `^` is the window's start: a line's only if it is the text's
            if gutter is not None and (gutter.start(1) > gutter.start() or end <= 16):
                found.append((gutter.start(1), position + size))
            position = data.find(mark, position + size)
    found.sort()
    return found


# How far around a secret name on a numbered line the lines are read again without their numbers.
_GUTTER_REACH: Final = 1536


def _guttered_windows(data: bytes, named: list[int]) -> list[tuple[int, int]]:
    """Around each secret name at *named* whose line starts with a file reader's line number, the
    lines within :data:`_GUTTER_REACH` bytes (cut at line breaks, also escaped ones), merged."""
    windows: list[tuple[int, int]] = []
    size = len(data)
    for position in sorted(named):
        if windows and position < windows[-1][1]:
            continue
        # The line's start, at most 160 bytes back (a JSON string's first line starts at its record's).
        reach = max(0, position - 160)
        line_start = max(
            data.rfind(b"\n", reach, position) + 1, data.rfind(b"\\n", reach, position) + 2, reach
        )
        head = data[line_start : position + 8]
        if (
            head.find(b"\xe2\x86\x92") == -1
            and head.find(b"u2192") == -1
            and head.find(b"\t") == -1
            and head.find(b"\\t") == -1
        ):
            continue
        floor, ceiling = max(0, position - _GUTTER_REACH), min(size, position + _GUTTER_REACH)
        low = (
            max(data.rfind(b"\n", floor, line_start) + 1, data.rfind(b"\\n", floor, line_start), floor)
            if floor
            else 0
        )
        ends = [
            end
            for end in (data.rfind(b"\n", position, ceiling), data.rfind(b"\\n", position, ceiling))
            if end != -1
        ]
        high = max(ends) if ends and ceiling < size else ceiling
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(high, windows[-1][1]))
        else:
            windows.append((low, high))
    return windows


def _unnumbered_spans(data: bytes, low: int, high: int) -> list[tuple[int, int, str]]:
    """The secrets of the lines from *low* to *high*, read without their line numbers, mapped back."""
    gutters = _gutters(data[low:high])
    if not gutters:
        return []
    pieces: list[bytes] = []
    kept: list[int] = []  # where each piece starts in the text without numbers
    origins: list[int] = []  # and in *data*
    size = 0
    position = low
    for start, end in gutters:
        pieces.append(data[position : low + start])
        kept.append(size)
        origins.append(position)
        size += low + start - position
        position = low + end
    pieces.append(data[position:high])
    kept.append(size)
    origins.append(position)
    found: list[tuple[int, int, str]] = []
    scan = _Scan(b"".join(pieces))
    scan.keywords()  # (token formats are found whatever precedes a line)
    for start, end, kind in scan.merged():
        first, last = bisect_right(kept, start) - 1, bisect_right(kept, end - 1) - 1
        found.append((origins[first] + start - kept[first], origins[last] + end - kept[last], kind))
    return found


def _scan(data: bytes, *, coloured: bool = True) -> list[tuple[int, int, str]]:
    """The secrets of *data*; *coloured*: also those that terminal escape codes hide."""
    scan = _Scan(data)
    scan.tokens()
    scan.keywords()
    if scan.named:
        # Lines numbered by a file reader: around a secret name, read again without the numbers
        # (the same length in blanks), so that rules about the line above, a line's start or the
        # block around see the file as it is.
        for low, high in _guttered_windows(data, scan.named):
            for start, end, kind in _unnumbered_spans(data, low, high):
                scan.add(start, end, kind)
    if coloured:
        codes = scan.coloured
        position = data.find(b"\x1b")  # a JSON-escaped code is an anchor, ESC itself a memchr
        while position != -1:
            codes.append(position)
            position = data.find(b"\x1b", position + 1)
        if codes:
            for start, end, kind in _uncoloured_spans(data, sorted(codes)):
                scan.add(start, end, kind)
    spans = scan.merged()
    if spans:
        spans = _repeated(data, spans)
    if spans and any(data.find(mark) != -1 for mark in rules.ALLOW_MARKS):
        spans = [span for span in spans if not _allowed(data, span[0])]
    return spans


# A secret found once is a secret wherever else the text repeats it (Postmark's server token as both
# the SMTP user and its password, a password given to `redis-server --requirepass` and again to the
# `redis-cli -a` of a healthcheck): a word of 8 characters or more with a letter and a digit (not
# words a manifest's value may be: `beta,gamma`).
_REPEAT_REACH: Final = 16 * 1024  # bytes either side of a secret where its repeats are looked for
_REPEATABLE: Final = rb"(?=[^A-Za-z]*[A-Za-z])(?=[^0-9]*[0-9])[^\s,]{8,1024}"


def _repeated(data: bytes, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """*spans* and every other place near them (_REPEAT_REACH) where *data* repeats one of their values."""
    found: list[tuple[int, int, str]] = []
    seen: set[bytes] = set()
    for start, end, kind in spans:
        value = data[start:end]
        if value in seen or _rx[_REPEATABLE].fullmatch(value) is None:
            continue
        seen.add(value)
        low, high = max(0, start - _REPEAT_REACH), end + _REPEAT_REACH
        position = data.find(value, low, high)
        while position != -1:
            if position != start:
                found.append((position, position + len(value), kind))
            position = data.find(value, position + len(value), high)
    if not found:
        return spans
    result: list[tuple[int, int, str]] = []
    for start, end, kind in sorted((*spans, *found), key=lambda s: (s[0], -s[1])):
        if result and start < result[-1][1]:
            if end > result[-1][1]:
                result[-1] = (result[-1][0], end, result[-1][2])
            continue
        result.append((start, end, kind))
    return result


def _allowed(data: bytes, position: int) -> bool:
    """Whether the line holding *position* carries a mark that says it holds no real secret."""
    start, end = _line_around(data, position)
    return any(data.find(mark, start, end) != -1 for mark in rules.ALLOW_MARKS)


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
    redacted = redact_bytes(data)
    return text if redacted is data else redacted.decode("utf-8", "surrogatepass")


def redact_bytes(data: bytes) -> bytes:
    """:func:`redact_text` for UTF-8 bytes (any bytes: invalid sequences are left as they are);
    *data* itself if nothing changes."""
    spans = _scan(data) if data else []
    if not spans:
        return data
    # Replacing a secret can expose a neighbour (``password=ab[REDACTED:x]``): re-scan the lines around
    # each marker until nothing changes, so that redacting the output again changes nothing.
    for _ in range(4):
        data, placed = _apply(data, spans)
        spans = []
        for low, high in _windows(data, placed):
            spans.extend((start + low, end + low, kind) for start, end, kind in _scan(data[low:high]))
        if not spans:
            break
    return data


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
    for anchors, find in _token_searches():
        for index, start, _end in find(data):
            anchor = anchors[index]
            if anchor == b"Q~":
                # tokens() tries the Azure pattern from 4 bytes before "Q~" (a NUL there fails it).
                hit = start >= 4 and _rx[_AZURE_SECRET].match(data, start - 4) is not None
            elif anchor in _DIRECT:
                # tokens() tries the formats right there (a NUL can only end a match early).
                hit = any(rule.pattern.match(data, start) for rule in _token_rules(anchor))
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
    for search in _passes(data, low):
        batch = search.find(low)
        while batch:  # as in keywords(): the anchors found, then those hidden inside them
            hidden: list[tuple[int, int, int]] = []
            for index, start, end in batch:
                follows = search.follows[index]
                for offset, inner in (
                    search.hidden[index] if follows is None or end == len(low) or low[end] in follows else ()
                ):
                    if low.startswith(search.anchors[inner], start + offset):
                        at = start + offset
                        hidden.append((inner, at, at + len(search.anchors[inner])))
                # The check keywords() makes at each kind of anchor before it can report anything.
                role = search.roles[index]
                if role == _NAME:
                    if search.anchors[index] == b"author":
                        if runs is None:
                            runs = data.translate(_RUN_TABLE)
                        if _git_author(data, runs, start, end):
                            continue
                        end = start + 4
                    hit = _name_hit(data, low, start, end) or _typed_secret_at(
                        low, search.anchors[index], start, end
                    )
                else:
                    hit = _anchor_may_find(role, search.anchors[index], data, low, start, end)
                if hit:
                    hits.append(start)
            batch = hidden
    # Terminal escape codes (JSON-escaped ones are anchors): _scan() looks at their lines again.
    position = data.find(b"\x1b")
    while position != -1:
        hits.append(position)
        position = data.find(b"\x00", position)  # the next text
        position = -1 if position == -1 else data.find(b"\x1b", position)
    # A Redis ACL line at the start of a text (keywords() looks there as well).
    if low.startswith(b"user "):
        hits.append(0)
    position = low.find(b"\x00user ")
    while position != -1:
        hits.append(position + 1)
        position = low.find(b"\x00user ", position + 1)
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
        {token.kind for token in rules.TOKEN_FORMATS}
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
            "teams_webhook",
            "zapier_webhook",
            "make_webhook",
            "chat_webhook",
            "discord_bot_token",
            "private_key",
            "kubernetes_secret",
            "cookie",
        }
    )
)

Redactor = Callable[[str], str]


#: How much of a text redact_after() looks at: its first lines, and at most this many bytes.
HEAD_LINES: Final = 8
HEAD_BYTES: Final = 16 * 1024


def redact_after(before: str, text: str) -> str:
    """*text*, already redacted, with the secrets that only the end of *before* (the text just
    before it, also redacted) reveals: a credential announced, printed or paired at the end of
    *before* and written at the start of *text*. Used when text is redacted in pieces (a stream);
    only the first :data:`HEAD_LINES` lines of *text* can change. Idempotent like redact_text()."""
    if not before or not text:
        return text
    data = text.encode("utf-8", "surrogatepass")
    redacted = redact_bytes_after(before.encode("utf-8", "surrogatepass"), data)
    return text if redacted is data else redacted.decode("utf-8", "surrogatepass")


def redact_bytes_after(before: bytes, data: bytes) -> bytes:
    """:func:`redact_after` for UTF-8 bytes; *data* itself if nothing changes."""
    if not before or not data:
        return data
    head_end = 0
    for _ in range(HEAD_LINES):
        newline = data.find(b"\n", head_end, HEAD_BYTES)
        if newline == -1:
            head_end = min(len(data), HEAD_BYTES)
            break
        head_end = newline + 1
    prefix = before[-HEAD_BYTES:]
    head = data[:head_end]
    offset = len(prefix)
    spans = [
        (start - offset, end - offset, kind)
        for start, end, kind in _scan(prefix + head)
        if start >= offset and end <= offset + len(head)
    ]
    if not spans:
        return data
    head, _ = _apply(head, spans)
    return redact_bytes(head) + data[head_end:]
