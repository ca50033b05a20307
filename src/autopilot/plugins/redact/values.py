"""Whether a value can be a secret: placeholders, references, code, file paths, masked and summarised
values, words for people, and what looks random.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from functools import lru_cache
from itertools import pairwise
from typing import Final
from urllib.parse import unquote

from autopilot.plugins.redact import rules
from autopilot.plugins.redact.compiled import MARKER_PREFIX, _rx
from autopilot.plugins.redact.words import _UNICODE_ESCAPE, _foreign_word_in, name_parts

# After a `$`, what no variable's name is but a password as people make them: a word, digits and a
# word, capitalised (`$Summer2024Winter`), or a name holding a letter outside ASCII (`$Käse42…`),
# which shells and most languages do not take.
_NO_VARIABLE: Final = r"[A-Z][a-z]+[0-9]{2,}[A-Z][A-Za-z]*$|[\w]*[^\x00-\x7f]"
_REFERENCE = (
    # $VAR (not a password that starts with `$` for an `s`: `$ilv3r#228`, `$un$hin3&695`, whose
    # symbols no reference holds; nor one of _NO_VARIABLE), ${VAR}, %VAR% (Windows, alone or before
    # a path), %(name)s, {{ x }}, <% %>, <name>, {name},
    # Symfony's %env(NAME)% …; a template's tag (`{% prompt 'API token' %}` in Insomnia, Jinja's and
    # Django's `{% csrf_token %}`, Liquid); a format's field filled in later, alone (`{}`, `{0}`,
    # `{:?}`, `%s`, `%v`, `%1$s`, as in `format!("postgres://app:{}@db")`); `[password]` as `<password>`;
    # Nomad's and Levant's other delimiters (`[[ .password ]]`), Puppet's and Hiera's `%{lookup('x')}`;
    # an environment variable read by the tool (Supabase's `env(NAME)`, Laravel's `env('NAME')`);
    # a Windows event's message parameter, filled in by the viewer (`Token Elevation Type: %%1936`)
    r"^(?:env\([ \t]*[\"']?[A-Za-z_][A-Za-z0-9_]*[\"']?[ \t]*\)$"
    r"|\$\{[A-Za-z_(]|\$\(|\$(?!" + _NO_VARIABLE + r")[A-Za-z_](?!.*(?:[!#%&^~]|[@?](?![A-Za-z${])))"
    r"|%[A-Za-z_][A-Za-z0-9_]*%(?:$|[\\/.;:])|%\(|%env\(|\{\{|<%|[<‹](?:[^\W\d]|[ -])+[>›]$"
    r"|%%[0-9]{1,6}$|\{[^\W\d]|!vault|ENC\[|\$\$|#\{|\$env:|\(\([a-z_]|@Microsoft\.KeyVault\(|\{%[ \t-]"
    r"|\{[0-9]{0,2}(?::[^{}\s]{0,12})?\}$|%(?:[0-9]\$)?[-+ 0#]?[0-9]{0,3}(?:\.[0-9]{1,2})?[sdvqx]$"
    r"|\[[A-Za-z_ -]+\]$|\[\[[ \t]*[.A-Za-z_$][^\[\]]{0,200}\]\]$|%\{[A-Za-z_:][^{}]{0,200}\}$"
    # Yesod's `_env:NAME` and `_env:NAME:default`, with a default of words or none (`_env:PGPASS:yesodpass`)
    r"|_env:[A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z_\-]*)?$"
    # a keyword replaced at deploy time (the Auth0 Deploy CLI's `##AUTH0_CLIENT_SECRET##`, a release
    # pipeline's `##DbPassword##`): a name in one case or camelCase words, not letters drawn at random
    r"|##(?:[A-Z][A-Z0-9_]*|[a-z][a-z0-9_]*|(?:[a-z]{2,}|[A-Z][a-z]+)(?:[A-Z][a-z]{2,})*[0-9]{0,2})##$)"
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
_TYPED_XS: Final = r"(?:^|[^A-Za-z0-9])(?:x{4,}|X{4,})|(?:x{4,}|X{4,})(?:$|[^A-Za-z0-9])"
_CODE_VALUE = r"[A-Za-z_][A-Za-z0-9_]*(?:\??\.[A-Za-z_][A-Za-z0-9_]*)+[.!]?"
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
_NUMBER = r"[0-9][0-9.,_:]{0,9}[a-zA-Z]{0,2}"
_SECRET_WORDS: Final = "pass|pwd|secret|token|key|auth|cred"
_DIGIT: Final = r"[0-9]"
_MASKED: Final = r"(?i)" + rules.MASKED
# A value wholly in full-width brackets (U+FF08, U+FF09), also JSON-escaped: a note of CJK prose.
_FULL_WIDTH_NOTE: Final = r"(?:（|\\{1,7}uff08)[^\n]{1,80}(?:）|\\{1,7}uff09)"
# A word of a name: letters (a run of capitals, or one capital and lower case), digits at its end.
_WORD: Final = r"[A-Z]{2,}(?![a-z])[0-9]*|[A-Z]?[a-z]+[0-9]*|[0-9]+"
_WORD_SEPARATORS: Final = r"[_\-./:@]+"
_VOWELS: Final = frozenset("aeiouyAEIOUY")
# Five consonants in a row inside a capitalised word of a camelCase name (`Dwjpqun`): no word is
# spelled so (`Strengths`' `ngths` is the rare exception), letters drawn at random often are. (Words
# run together in lower case do meet so: `northwindscheduler`.)
_CONSONANT_RUN: Final = r"[b-df-hj-np-tv-xzB-DF-HJ-NP-TV-XZ]{5}"
# What a setting named for a password holds when it describes one (Active Directory's and the
# registry's `passwordLastChanged`, `PasswordExpiryWarning`, an event's `Token Elevation Type`): a
# date and time (ISO 8601, or as Windows prints it: `5/22/2025 1:26:05 AM`), a registry's typed
# number (`dword:00000005`).
_DATED_OR_TYPED: Final = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?(?:Z|[+\-][0-9]{2}:?[0-9]{2})?)?"
    r"|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}(?: [0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?: [AP]M)?)?"
    r"|(?:dword|qword):[0-9a-fA-F]{8,16}"
)
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
    if stripped[0] == ":" and _words(stripped[1:]):
        return True  # a variable of Emacs' restclient (`Bearer :token`), a Ruby symbol: a name
    if len(lowered) >= 3 and len(set(lowered)) <= 2:  # xxxx, ****, ----, abab
        return True
    if _rx[_PREFIXED_PLACEHOLDER].fullmatch(stripped) or _rx[_PREFIX_ALONE].fullmatch(stripped):
        return True  # hf_xxx, sk-proj-****, ghp_XXX; sk_live_
    if _rx[_MASKED].fullmatch(stripped):
        return True
    if _rx[_FULL_WIDTH_NOTE].fullmatch(stripped):
        return True  # a note in full-width brackets (a LINE log's used `replyToken`): no secret
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
    if ("xxxx" in stripped or "XXXX" in stripped) and _rx[_TYPED_XS].search(stripped):
        # typed in one case (`sk-xxxx`, `AKIAXXXX…`), not random base64 (`XXxX`), and at an end of the
        # value or of a part of it, not by chance inside random letters (a base32 seed's `…ZXXXXU6…`)
        return True
    if _in_sequence(lowered):
        return True  # `s.ABCDEFGHIJKLMNOPQRSTUVWX` in `vault login`'s help, `abcdef0123456789`
    prefixed = _rx[_PREFIXED_WORD].fullmatch(lowered) if len(lowered) <= 24 else None
    if prefixed is not None and prefixed.group("word") in rules.PLACEHOLDER_WORDS:
        return True  # a token's prefix and a word standing in for the rest: `sk-test`, `xoxb-fake`
    if _rx[_PLACEHOLDER_RX].search(lowered) is not None:
        return True
    return _foreign_placeholder(stripped)


# The words of a value (`tu-clave-aquí`, `<ваш-ключ>`, `%E6%82%A8%E7%9A%84key`), also between
# single angle quotation marks (U+2039, U+203A).
_VALUE_WORDS: Final = r"[_\-\s.]+"
_ENCODED_LETTER: Final = r"%[C-Ec-e][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]"  # a letter of another script


def _foreign_placeholder(value: str) -> bool:
    """Whether *value*, words without a digit (each in one case, not letters drawn at random), says in
    another language that it stands in for a value (rules.FOREIGN_PLACEHOLDER_WORDS, beside a
    secret's name): `tu_contraseña`, `inserisci-qui-la-tua-chiave`, `您的key`."""
    if "\\u" in value:
        decoded = _rx[_UNICODE_ESCAPE].sub(lambda escape: chr(int(escape.group(1), 16)), value)
        return decoded != value and is_placeholder(decoded)  # JSON-escaped: `\\u2039…\\u203a`
    if "%" in value and _rx[_ENCODED_LETTER].search(value):
        value = unquote(value)  # in a URL's query (`key=%E6%82%A8%E7%9A%84key`: `您的key`)
    if any(c.isdigit() for c in value):
        return False
    if not value.isascii() and any(part in value for part in rules.FOREIGN_PLACEHOLDER_PARTS):
        return True
    if not value.isascii() and value[:1] in "{<‹[" and value[-1:] in "}>›]":
        # words in brackets that name the secret (`{발급받은_키}`, "the issued key"; `<APIキー>`)
        inner = value[1:-1]
        words = _rx[_VALUE_WORDS].split(inner.strip("_- "))
        if all(word.isalpha() for word in words) and (_foreign_word_in(inner) or _has_secret_word(inner)):
            return True
    parts = _rx[_VALUE_WORDS].split(value.strip("<>‹›«»{}[]()"))
    if len(parts) < 2 or not all(
        part.isalpha() and part in (part.lower(), part.upper(), part.title()) for part in parts
    ):
        return False
    # beside the name of a secret ("your password", "the key here"): a passphrase may hold such
    # words by chance (`pin-for-kon-pet-sus`, `ton-vaso-hier-lamp`)
    return any(part.lower() in rules.FOREIGN_PLACEHOLDER_WORDS for part in parts) and (
        _foreign_word_in(value) or _has_secret_word(value)
    )


def encodes_placeholder(value: bytes) -> bool:
    """True for base64 of a text that is_placeholder() leaves: LDIF's `userPassword:: e1NTSEF9…`,
    an `{SSHA}` hash (one-way) in base64."""
    try:
        decoded = base64.b64decode(value).decode("ascii")
    except ValueError:  # (binascii.Error and UnicodeDecodeError are ValueErrors)
        return False
    return decoded.isprintable() and bool(decoded.strip()) and is_placeholder(decoded)


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
    # a token made for documentation, whose claims say so (`"example": true`); jwt.io's own example is
    # left only as documented (rules.DOCUMENTED_EXAMPLES): signed otherwise, its claims are anybody's
    rb'|"example"\s*:\s*true\b'
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


# A key's SHA-256 as an LLM gateway keeps and logs it in place of the key (LiteLLM's `token` in
# `/key/list`, `/key/info` and its UI's export, `api_key` in `/spend/logs`): 64 lower-case hex digits
# under a key's name, in a record that counts the key's spend or shows the key itself only masked
# (`key_name: sk-...Ab3d`, whose last characters are not the digest's: those of a key printed in full
# beside its masked name are).
_HEX_DIGEST_64: Final = rb"[0-9a-f]{64}"
_HASHED_KEY_RECORD: Final = (
    rb"(?<![A-Za-z0-9_])spend\\{0,3}\"?[ \t]*[:=]"
    rb"|[A-Za-z0-9]{1,8}[-_](?:\.{3}|\xe2\x80\xa6|\\{1,3}u2026|\*{3,})(?P<tail>[A-Za-z0-9]{4})(?![A-Za-z0-9])"
)
_HASHED_KEY_REACH: Final = 400
_HASHED_KEY_KINDS: Final = frozenset({"api_key", "token"})


def _hashed_key(data: bytes, start: int, end: int, kind: str) -> bool:
    """Whether *data*[*start*:*end*] is an API key's SHA-256 in an LLM gateway's key or spend record
    (_HASHED_KEY_RECORD), not the key."""
    if (
        end - start != 64
        or kind not in _HASHED_KEY_KINDS
        or _rx[_HEX_DIGEST_64].fullmatch(data, start, end) is None
    ):
        return False
    tail = data[end - 4 : end]
    low, high = max(0, start - _HASHED_KEY_REACH), end + _HASHED_KEY_REACH
    for found in _rx[_HASHED_KEY_RECORD].finditer(data, low, high):
        masked = found.group("tail")
        if masked is None or masked.lower() != tail:
            return True
    return False


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
            if len(text) > 4 and (
                not _VOWELS.intersection(text)
                or (text[0].isupper() and text[1].islower() and _rx[_CONSONANT_RUN].search(text))
            ):
                return False  # (`Dwjpqun` of `IBFPwDwjpqun`: no word, though it holds a vowel)
            if len(text) >= 2 and not text.isupper() and not _VOWELS.intersection(text):
                odd += 1
            if len(text) != len(word.group()) and position != len(chunk):
                inner_digits += 1
            if (inner_digits >= 2 and odd) or inner_digits >= 3:
                # `Ig8Chdg7PWDv`, `88cRevzzYfekTEWTOA9UG5Ut90OYHfuYk5`: drawn at random
                # (`sha256ToBase64String` is a name)
                return False
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
    value = value.lstrip("+~")  # direnv's `+NAME` and `~NAME`: a variable added or changed
    if value.startswith("_env:"):
        value = value.rpartition(":")[2]  # Yesod's `_env:PGPASS:…`: the default, not the name, is judged
    if not _wordy(value) or value[-2:].isdigit() or _rx[_SECRET_WORDS].search(value.lower()) is None:
        return False
    # (letters drawn at random that happen to hold a secret word are a password: `ue36ck-HFPwd8`)
    return (
        _has_secret_word(value)
        and not _drawn_at_random(value)
        and all(_camel_words(chunk) for chunk in _rx[_WORD_SEPARATORS].split(value))
    )


def _camel_words(chunk: str) -> bool:
    """Whether *chunk*, a piece of a name between separators, is spelled as names are: in one case,
    or camelCase of words, where a word of five letters or more holds a vowel and no five consonants
    in a row (`mavenCentralPassword`, `SmtpPassword`, `ledgerDBAuth`, `xApiKey`), with one acronym
    and one word of one or two letters at most. Letters drawn at random that happen to hold a secret's word
    are not (`gSecretbyBMWXa`, `IBFPwDwjpqun`, `ZBJAuthICIDaz`)."""
    if chunk.islower() or chunk.isupper():
        return True
    acronyms = short = 0
    for word in _rx[_WORD].findall(chunk):
        text = word.rstrip("0123456789")
        if len(text) > 1 and text.isupper():
            acronyms += 1
            if acronyms > 1 or len(text) > 5:
                return False
        elif len(text) <= 2:
            short += 1
            if short > 1:
                return False
        elif len(text) > 4 and (
            not _NAME_VOWELS.intersection(text.lower()) or _rx[_CONSONANT_RUN].search(text)
        ):
            return False
    return True


_NAME_VOWELS: Final = frozenset("aeiou")


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
    if value[-1] == ";" and value[:-1].isalpha():
        return False  # a statement's end after a name (TypeScript's `singleKey: QueryKey;`): code
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
# A capitalised word and a word joined by a dot, a number of two digits or more at the end: a
# password made as people make them (`Copper.Nebula56`, `Hugo.marble83`), not a class's attribute;
# so are two words in lower case and a number of three digits or more (`granite.glacier7791`:
# `hashlib.sha256`, `np.float64` and `torch.float16` have a shorter word or number), and a word in
# capitals before a capitalised word and three digits or more (`WINT.Pumpkin2019`), and three
# words or more in lower case with a number at the end (`spring.falcon.secret.tiger75`).
# A password's stored hash kept as JSON text, by its members (Keycloak's `secretData`:
# `{"value":"…","salt":"…"}`, `credentialData`: `{"hashIterations":27500,"algorithm":"pbkdf2-sha256"}`);
# an OTP credential's `secretData`, `{"value":"…"}` with no salt, holds its secret and still goes.
_HASH_RECORD: Final = r'^\{(?:[^\n]*?[,{][ \t]*)?\\{0,7}"(?:salt|hashIterations)\\{0,7}"[ \t]*:'
_WORDS_AND_NUMBER: Final = (
    r"[A-Z][a-z]{2,}\.[A-Za-z][a-z]{2,}[0-9]{2,}|[a-z]{3,}\.[a-z]{4,}[0-9]{3,}"
    r"|[A-Z]{3,}\.[A-Z][a-z]{2,}[0-9]{3,}"
    # (three words or more in lower case, the last with a number: `butterfly.monitor.panda10`)
    r"|[a-z]{3,}(?:\.[a-z]{3,}){2,4}[0-9]{1,4}"
)


# A word of a message for people, in any script: letters (maybe joined by an apostrophe or a
# hyphen) and the punctuation after them, or a field filled in later (`:min`, `%s`, `{count}`).
_MESSAGE_WORD: Final = r"[^\W\d_]+(?:['’\-][^\W\d_]+)*[.,!?:;…]?|:[a-z_]+[.,]?|%[sd][.,]?|\{[a-z_0-9]*\}[.,]?"


# How a sentence ends, in the scripts of rules.FOREIGN_SECRET_WORDS too.
_SENTENCE_ENDS: Final = (".", "!", "?", "…", ":", "。", "？", "！", "：")


# Words and an aside in parentheses of words (no digit): a note for people, which a passphrase
# (words alone) is not.
_DESCRIBED: Final = (
    r"[A-Za-z][A-Za-z\-]*(?: [A-Za-z][A-Za-z\-]*)* \([A-Za-z][A-Za-z\-]*(?:,? [A-Za-z][A-Za-z\-]*)+\)"
)


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
    if _rx[_DESCRIBED].fullmatch(value):
        return True  # `Auth: Windows only (mixed mode disabled, sa disabled)`: a note
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


# An aside in brackets after a label (`Пароль (ещё раз)`; full-width ones after パスワード).
_LABEL_ASIDE: Final = r"[ \u3000]?[(（][^()（）]{1,20}[)）]$"


def _label(value: str) -> bool:
    """Whether *value*, one word of letters (of any script, with its marks: `पासवर्ड`; two joined by
    a hyphen: `API-ключ`) and perhaps an aside in brackets, is the word for a secret in some
    language: a translated label (`Contraseña`, `Passwort`, `パスワード`, `Пароль`), which a
    password with a digit or a symbol is not."""
    if "\\u" in value:
        value = _rx[_UNICODE_ESCAPE].sub(lambda escape: chr(int(escape.group(1), 16)), value)
    word = _rx[_LABEL_ASIDE].sub("", value).replace("-", "")
    return (
        len(word) >= 2
        and all(unicodedata.category(c)[0] in "LM" for c in word)
        # (an English word for one is made of words: `Password`, `ApiKey`; letters drawn at random
        # that start with one are a password, `pwWSNUnhiSdK`)
        and (_foreign_word_in(word) or (_has_secret_word(word) and _wordy(word)))
        # (and spelled as a word is, not drawn at random: `pwEgSqGhEsLz` holds Czech `hesl` by chance)
        and _camel_words(word)
    )


def _phrase_label(value: str) -> bool:
    """Whether *value* is a label of a few words in a language written with letters outside ASCII,
    capitalised as a UI's string is and with no digit (`Mã truy cập`, `Código de acceso`): a
    translation file's string under a secret's key; no token holds blanks, and a
    passphrase is not written so."""
    if "\\u" in value:
        value = _rx[_UNICODE_ESCAPE].sub(lambda escape: chr(int(escape.group(1), 16)), value)
    words = value.split(" ")
    return (
        1 < len(words) <= 5
        and not value.isascii()
        and words[0][:1].isupper()
        and all(
            len(word) >= 1 and all(c.isalpha() or c in "’'" for c in word) and word[1:].islower()
            for word in words
            if len(word) > 1
        )
        and all(word.isalpha() for word in words if len(word) == 1)
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
    if _label(value):
        return False  # `"password": "Contraseña"`, `password: パスワード`: a translated label
    if " " in value and _phrase_label(value):
        return False  # `"token": "Mã truy cập"`: a translated label of a few words
    if value.startswith((".*", ".+")):
        return False  # a regular expression that masks the value (`sed 's/^password=.*/password=…/'`)
    if value[0] == "{" and _rx[_HASH_RECORD].search(value):
        return False  # a password's stored hash as JSON text (Keycloak's `secretData`, `credentialData`)
    if not quoted:
        if next_char in (b"(", b"["):
            return False  # a call or a subscript: code, not a literal
        if _rx[_IDENTIFIER].fullmatch(value) and not _strong(value):
            lowered = value.lower()
            if (
                _rx[_SECRET_WORDS].search(lowered)
                and _has_secret_word(value)
                and _wordy(value)
                and _camel_words(value)
            ):
                return False  # `token=access_token`, `password: db_password` (not `pwWSNUnhiSdK`)
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
            and _rx[_WORDS_AND_NUMBER].fullmatch(value) is None  # `Copper.Nebula56`, `granite.glacier7791`
            and not _drawn_at_random(value)  # `yXnKgu.aySJ8YKVaq`: a password holding a dot
        ):
            return False  # `self.token`, `os.environ`, `settings.OPENAI_API_KEY`
    if _rx[_NUMBER].fullmatch(value) or is_placeholder(value) or _rx[_RESOURCE].match(value):
        return False
    if (value[0].isdigit() or value[0] in "dq") and _rx[_DATED_OR_TYPED].fullmatch(value):
        return False  # `passwordLastChanged: 2025-03-26T16:48:20Z`, `"PasswordExpiryWarning"=dword:…`
    if _file_path(value):
        return False  # `tlsCertificateKeyFile=%2Fetc%2Fcerts%2Fclient.pem`, `"C:\\certs\\Client1.pfx"`
    if value.startswith(("https://", "http://")) and _location(value):
        return False  # SQL Server's `WITH CREDENTIAL = N'https://….blob.core.windows.net/backups'`
    if _maps_to_references(value):
        return False  # `--set-secrets=STRIPE_KEY=projects/1/secrets/stripe-key/versions/latest`
    if _rx[_MODULE_PATH].fullmatch(value) and _rx[_WORDS_AND_NUMBER].fullmatch(value) is None:
        return False  # `redact_secrets = "autopilot.plugins.redact"`: a dotted import path
    if _names_a_secret(value):
        return False  # `--secret=db-password`, `SecretId: prod/api-key`: it names a secret
    return value.lower().rstrip("!?") not in rules.PLACEHOLDER_WORDS


# The opening of a call or an index that reads the value from elsewhere, cut at its quote: Java's and
# Gradle's `System.getenv("…")`, Ruby's `ENV["…"]` and `ENV.fetch("…")`, `os.getenv('…')`, `Deno.env.get(`.
_LOOKUP_OPENING: Final = r"[A-Za-z_][A-Za-z0-9_]*(?:(?:\.|::)[A-Za-z_][A-Za-z0-9_]*)*[(\[]$"
_QUOTED_NAME: Final = rb"\\{0,7}[\"'][A-Za-z_]"


def opens_lookup(value: str, data: bytes, end: int) -> bool:
    """Whether *value*, ending at *end* in *data*, is a call's or an index's opening before a quoted
    name (`System.getenv(` before `"ANDROID_KEYSTORE_PASSWORD")`): code, not a secret."""
    return _rx[_LOOKUP_OPENING].match(value) is not None and _rx[_QUOTED_NAME].match(data, end) is not None


# A URL that only says where something is: no user, query or fragment, and a path of lower-case
# words (`https://acct.blob.core.windows.net/sqlbackups`, the name SQL Server gives a credential).
_LOCATION: Final = r"https?://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?(?:/[a-z0-9_.\-]{1,40})*/?"


def _location(value: str) -> bool:
    """Whether *value* is a URL naming a place (see _LOCATION), whose path holds nothing generated."""
    return _rx[_LOCATION].fullmatch(value) is not None and not any(
        looks_random(segment) for segment in value.split("/")[3:]
    )


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


# A setting's name in one case (`PASSWORD_MIN_LENGTH=`, `min_length=`), not a password holding `=`.
_SETTING_NAME: Final = r"(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*|[a-z][a-z0-9]*(?:[_.\-][a-z0-9]+)*)="
