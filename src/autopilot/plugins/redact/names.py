"""Secret-named variables: which names of variables, keys, flags and headers say that their value is a
secret, and of what kind.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise
from typing import Final

from autopilot.plugins.redact import rules
from autopilot.plugins.redact.words import (
    _PASSWORD_LAST,
    _WHERE,
    _foreign_camel_word,
    _foreign_word_in,
    _in_english,
    name_parts,
)


def secret_name_kind(name: str) -> str | None:
    """The redaction kind for a variable/key/flag/header called *name*, or None if it is not secret."""
    if not name.isascii() or "\\u" in name or _foreign_word_in(name) or _foreign_camel_word(name):
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
    if parts[-2:] == ["key", "material"]:
        return "secret"  # a Wi-Fi profile's `<keyMaterial>` (its passphrase), AWS KMS's `KeyMaterial`
    if len(parts) > 2 and parts[-1] in ("d", "h", "m", "w", "y") and parts[-2].isdigit():
        parts = parts[:-1]  # a window ending the name (`password_changes_90d`) is a number
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
    if parts[-1].endswith("token") and any(part.startswith(rules.ANTI_FORGERY_WORDS) for part in parts):
        return None  # `csrfToken`, `csrfmiddlewaretoken`, `X-XSRF-TOKEN`: an anti-forgery token
    if name.lower() in rules.PASSWORD_MANAGERS:
        return None  # `1Password "…"`: where a secret is kept, and the item's name
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
        and _made_for_clients(parts)
        and "secret" not in parts
    ):
        return None  # Mixpanel's project token, Amplitude's API key, a search-only key: made for clients
    return kind


def _made_for_clients(parts: list[str]) -> bool:
    """Whether a name's words say its key or token is made to be carried by clients (a provider of
    rules.PUBLIC_TOKEN_OWNERS, a pair of rules.PUBLIC_KEY_PAIRS: `search_only_api_key`)."""
    return bool(rules.PUBLIC_TOKEN_OWNERS.intersection(parts)) or not rules.PUBLIC_KEY_PAIRS.isdisjoint(
        pairwise(parts)
    )


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
        or (parts[-1] == "key" and _made_for_clients(parts))
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
