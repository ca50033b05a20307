"""Token formats: the providers' literal prefixes (``rules.TOKEN_FORMATS``), found in one
Aho-Corasick pass, and the rules that classify the run of token characters holding each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

from ahocorasick_rs import MATCHKIND_LEFTMOST_FIRST, BytesAhoCorasick

from autopilot.plugins.redact import rules
from autopilot.plugins.redact.compiled import _RUN_TABLE


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


# A search: its anchors, and what finds them (each hit: the anchor's number, its start and end).
_Search = tuple[tuple[bytes, ...], Callable[[bytes], list[tuple[int, int, int]]]]


def _searches(anchors: Sequence[bytes]) -> tuple[_Search, ...]:
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
def _token_searches() -> tuple[tuple[_Search, ...], tuple[_Search, ...]]:
    """The searches of the token anchors: those shared by every run (_searches()), and those of the
    anchors that must start a word (rules.TokenFormat.apart), whose two-byte anchors are searched
    apart from the longer ones (one search of both checks a candidate at every pair of bytes that
    resembles a two-byte anchor: four times slower). The two find the candidates one search would:
    no anchor of one starts where one of the other starts, or inside it but where tokens() drops it
    as inside a word (`2/` in `oy2/`), as a test checks."""
    apart = tuple(
        dict.fromkeys(
            anchor.encode() for token in rules.TOKEN_FORMATS if token.apart for anchor in token.anchors
        )
    )
    shared = _searches([anchor for anchor in _TOKEN_ANCHORS if anchor not in apart])
    groups = (
        [anchor for anchor in apart if len(anchor) == 2],
        [anchor for anchor in apart if len(anchor) > 2],
    )
    return shared, tuple(
        (tuple(group), BytesAhoCorasick(group, matchkind=MATCHKIND_LEFTMOST_FIRST).find_matches_as_indexes)
        for group in groups
        if group
    )


_AZURE_SECRET: Final = rules.AZURE_CLIENT_SECRET.encode()

# (also after an escaped tab or line break: `--output text` rows in an agent log's JSON string)
_AWS_SECRET_NEAR: Final = rb"(?:(?<![A-Za-z0-9/+])|(?<=\\[tn]))[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
# The secret beside another provider's key id, alone as a word: Tencent's SecretKey (32 letters and
# digits) beside its SecretId, Alibaba's AccessKey secret (30) beside its id.
_KEY_ID_SECRETS: Final = {
    "tencent_secret_id": rb"(?:(?<![A-Za-z0-9/+])|(?<=\\[tn]))[A-Za-z0-9]{32}(?![A-Za-z0-9/+=])",
    "alibaba_access_key_id": rb"(?:(?<![A-Za-z0-9/+])|(?<=\\[tn]))[A-Za-z0-9]{30}(?![A-Za-z0-9/+=])",
}
# Not glued to capital letters: two of them and 32 hex digits are the SID of a Twilio resource (a
# message's `SM…`, a messaging service's `MG…`, a call's `CA…`), an id, not the account's token.
_TWILIO_TOKEN_NEAR: Final = rb"(?<![0-9a-fA-Z])[0-9a-f]{32}(?![0-9a-fA-F])"
# A quoted 32-hex string in the lines after a mention of Twilio: its auth token passed as a literal
# (``Client(account_sid, "…")``), even with no SID or telling name beside it. (Each branch of the
# quote starts with its byte, so that a search skips to a backslash or a quote.)
_TWILIO_QUOTED: Final = rb"""(?P<q>\\\\{0,2}["']|"|')(?P<value>[0-9a-f]{32})(?P=q)"""
_TWILIO_LINES: Final = 8
