"""The words of a name (``AZURE_CLIENT_SECRET`` → ``azure client secret``) and the secret words of other
languages (``rules.FOREIGN_SECRET_WORDS``), read as the English word.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Final

from autopilot.plugins.redact import rules
from autopilot.plugins.redact.compiled import _rx

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
def _foreign_translation() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The key-then-qualifier phrases, the qualifier-then-key ones, the words found anywhere and the
    whole words of other languages, each a pattern whose match is looked up in _foreign_english()."""
    # (Spanish `clave` is a password alone, a key before a qualifier: `clave_api`, `clave de acceso`)
    keys = {"key": [*rules.FOREIGN_SECRET_WORDS["key"], *rules.FOREIGN_WHOLE_WORDS["key"], "clave"]}
    swapped = re.compile(
        rf"{_LETTER_BEFORE}(?:{_foreign_words(keys)})[ _\-]?(?:(?:de|da|do|di|du|d)[ _\-']?)?"
        rf"(?P<qualifier>{_foreign_words(rules.FOREIGN_KEY_QUALIFIERS)}){_LETTER_AFTER}",
        re.IGNORECASE,
    )
    # (German, Polish, Russian, Turkish put the qualifier first: `geheimer Schlüssel`, `prywatny klucz`)
    before = re.compile(
        rf"{_LETTER_BEFORE}(?P<qualifier>{_foreign_words(rules.FOREIGN_KEY_QUALIFIERS)})[ _\-]?"
        rf"(?:{_foreign_words(keys)}){_LETTER_AFTER}",
        re.IGNORECASE,
    )
    anywhere = re.compile(_foreign_words(rules.FOREIGN_SECRET_WORDS), re.IGNORECASE)
    whole = re.compile(
        rf"{_LETTER_BEFORE}(?:{_foreign_words(rules.FOREIGN_WHOLE_WORDS)}){_LETTER_AFTER}", re.IGNORECASE
    )
    return swapped, before, anywhere, whole


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
    swapped, before, anywhere, whole = _foreign_translation()
    english = _foreign_english()

    def word(match: re.Match[str]) -> str:
        return "_" + english.get(re.sub(r"[ \-]", "_", match.group().lower()), "secret") + "_"

    def qualified(match: re.Match[str]) -> str:
        return "_" + english.get(match.group("qualifier").lower().replace(" ", "_"), "api") + "_key_"

    name = _rx[_CAMEL_BOUNDARY].sub("_", name)
    name = before.sub(qualified, swapped.sub(qualified, name))
    return whole.sub(word, anywhere.sub(word, name))


def _foreign_word_in(text: str) -> bool:
    """Whether *text* holds a secret word of another language (rules.FOREIGN_SECRET_WORDS …)."""
    _, _, anywhere, whole = _foreign_translation()
    return anywhere.search(text) is not None or whole.search(text) is not None


def _foreign_camel_word(name: str) -> bool:
    """Whether a word of camelCase *name* is a whole secret word of another language (`dbMima`,
    `userClave`), which _foreign_word_in() finds only apart from other letters."""
    split = _rx[_CAMEL_BOUNDARY].sub("_", name)
    return split != name and _foreign_translation()[3].search(split) is not None


@lru_cache(maxsize=1024)
def _foreign_name(name: bytes) -> bool:
    """Whether *name* holds a secret word of another language (`Passwort`, `DB_비밀번호`)."""
    return not name.isascii() or name.find(b"\\u") != -1 or _foreign_word_in(name.decode())


@lru_cache(maxsize=256)
def _foreign_lone_key(name: bytes) -> bool:
    """Whether *name* is the word for a key alone in another language (`sleutel`, `Schlüssel`,
    `klucz`), which is judged as a lone `key` is."""
    return _foreign_name(name) and _in_english(name.decode("utf-8", "replace")).strip("_") == "key"
