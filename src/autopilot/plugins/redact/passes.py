"""The context searches: the anchors of :mod:`.patterns` (and of secret words in other scripts, only
where the text can hold them) grouped into Aho-Corasick passes over the lower-cased text, each anchor
with its role.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

from ahocorasick_rs import MATCHKIND_LEFTMOST_FIRST, BytesAhoCorasick

from autopilot.plugins.redact import rules
from autopilot.plugins.redact.compiled import _rx
from autopilot.plugins.redact.formats import _searches
from autopilot.plugins.redact.names import _name_kind
from autopilot.plugins.redact.patterns import (
    _ANCHORED,
    _ANCHORED_SECRETS,
    _CALL,
    _CALL_ANCHORS,
    _CLIENT,
    _FIXED_ANCHORS,
    _LISTER,
    _LISTERS,
    _NAME,
    _NAME_KEYWORDS,
    _PRINTER,
    _PRINTERS,
    _PROVIDER,
    _PROVIDERS,
    _SEED_ANCHORS,
    _SEED_AT,
    _SHADOW,
    _SHADOWS,
    _client_anchors,
)


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
        (_PROVIDERS, _PROVIDER),
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
    # (the whole words for secret, `sekret`, `rahasia`, are no anchors: searching them in every text
    # costs more than the names they would find; they make a value a translated label)
    whole = {kind: group for kind, group in rules.FOREIGN_WHOLE_WORDS.items() if kind != "secret"}
    for table in (rules.FOREIGN_SECRET_WORDS, whole):
        for word in (word for group in table.values() for word in group):
            joins = (" ", "_", "-", "") if "_" in word else ("",)
            for joined in (word.replace("_", join) for join in joins):
                for form in {joined, joined.capitalize(), joined.upper(), joined.title()}:
                    encoded = form.encode().lower()
                    if len(encoded) < (4 if encoded.isascii() else 3):
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
    their first three bytes (a character of other scripts: `키`), a cheap test before the pattern."""
    extra = [
        word.encode() for group in rules.FOREIGN_SECRET_WORDS.values() for word in group if word.isascii()
    ]
    words = sorted({*extra, *(form for forms in _foreign_anchors() for form in forms)}, key=len, reverse=True)
    return re.compile(b"|".join(re.escape(word) for word in words)), frozenset(word[:3] for word in words)


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
    return low[keyword : keyword + 3] in prefixes and pattern.match(low, keyword) is not None


# A full-width colon (U+FF1A) after a name keyword in CJK prose, also JSON-escaped.
_FULL_WIDTH_COLON: Final = (b"\xef\xbc\x9a", b"\\uff1a", b"\\\\uff1a")
# What else may end a label in CJK prose before its value: an aside in brackets (full-width too)
# before a full-width colon (`秘密访问密钥(SK):` written with U+FF08, U+FF09 and U+FF1A), or an
# ideographic space (U+3000) after the label.
_FULL_WIDTH_LABEL_END: Final = (
    rb"(?:[ \t]?(?:\xef\xbc\x88|\\{1,2}uff08|\()[^\n()\xef]{1,60}?(?:\xef\xbc\x89|\\{1,2}uff09|\))[ \t]?"
    rb"(?:\xef\xbc\x9a|\\{1,2}uff1a)"
    rb"|\xe3\x80\x80|\\{1,2}u3000"
    # Japanese's topic particle `は` before a corner bracket or a blank and ASCII (`パスワードは「…」です`,
    # `パスワードは … です`: the password is …)
    rb"|(?:\xe3\x81\xaf|\\{1,3}u306f)(?=\xe3\x80[\x8c\x8e]|\\{1,3}u300[ce]|[ \t][^\s\\]))"
)
_FULL_WIDTH_LEADS: Final = frozenset(b"( \t\xef\xe3\\")


def _full_width_label(low: bytes, end: int) -> bool:
    """Whether the name keyword ending at *end* ends a label of CJK prose: a full-width colon, perhaps
    after an aside in brackets, or an ideographic space."""
    return low.startswith(_FULL_WIDTH_COLON, end) or (
        low[end : end + 1] != b""
        and low[end] in _FULL_WIDTH_LEADS
        and _rx[_FULL_WIDTH_LABEL_END].match(low, end) is not None
    )


@cache
def _foreign_pass(form: int) -> _Pass:
    """The search of the foreign words in one form of _foreign_anchors() (0: ASCII, 1: UTF-8, 2 and
    3: JSON-escaped once and twice), built when a text first needs it (the other scripts' take
    about 50 ms, which text without them never pays)."""
    anchors = _foreign_anchors()[form]
    # (and the words naming a seed phrase in other languages, ASCII and UTF-8: patterns._SEED_ANCHORS)
    seeds = tuple(word for word in _SEED_ANCHORS if word.isascii() == (form == 0)) if form < 2 else ()
    return _search_pass((*anchors, *seeds), [_NAME] * len(anchors) + [_SEED_AT] * len(seeds))


@cache
def _foreign_gates() -> tuple[tuple[bytes, ...], re.Pattern[bytes]]:
    """What a text must hold for the foreign words in other scripts to be in it at all: the first
    byte of a word's first non-ASCII character, and that character's JSON escape (its first three
    hex digits: `\\u00f` of `contrase\\u00f1a`). Each search of those words is a slow one (too many
    literals for the fast searcher), so it runs only where one is."""
    _, utf8, escaped, _ = _foreign_anchors()
    seeds = [word for word in _SEED_ANCHORS if not word.isascii()]
    leads = {bytes([next(byte for byte in word if byte >= 0x80)]) for word in (*utf8, *seeds)}
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


# The keywords that may announce a credential in prose ("the password is …", "token created: …").
_ANNOUNCING: Final = (
    rb"(?:password|passwd|passphrase|secret|token|key|credential|pw|recovery[ _\-]code)s?(?![a-z])"
)
