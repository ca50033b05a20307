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

Where each part lives (all in ``autopilot.plugins.redact``): :mod:`.compiled` (the pattern cache),
:mod:`.values` (what can be a secret), :mod:`.formats` (token formats), :mod:`.words` and
:mod:`.names` (secret names), :mod:`.patterns` and :mod:`.passes` (context patterns and their
searches), :mod:`.syntax`, :mod:`.structure`, :mod:`.tables`, :mod:`.prose` and :mod:`.hits` (reading
around a hit), :mod:`.scan` (one scan of a text) and this module: the scan of a whole text (again
without terminal colour codes and line numbers, and the repeats of what it found), and the public
functions. The rule tables are data in :mod:`.rules`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Final

from autopilot.plugins.redact import rules
from autopilot.plugins.redact.compiled import _DOT, _LONG_RUN, _RUN_LOOKBACK, _RUN_TABLE, _rx
from autopilot.plugins.redact.formats import _AZURE_SECRET, _DIRECT, _token_rules, _token_searches
from autopilot.plugins.redact.hits import _name_hit
from autopilot.plugins.redact.passes import _passes
from autopilot.plugins.redact.patterns import _NAME, _REQUOTE
from autopilot.plugins.redact.prose import _anchor_may_find, _pair_name_at, _typed_secret_at
from autopilot.plugins.redact.scan import _merge_overlapping, _Scan
from autopilot.plugins.redact.syntax import _git_author, _line_around


@dataclass(frozen=True, slots=True)
class Finding:
    """One secret: byte offsets into the UTF-8 text, its 1-based line, and the kind of secret."""

    start: int
    end: int
    kind: str
    line: int = 0


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


def _spans_without(data: bytes, lines: list[tuple[int, int]], marks: bytes) -> list[tuple[int, int, str]]:
    """The secrets that the *marks* (a pattern) hide in the *lines* of *data*: the lines, without
    their marks, are scanned again (all in one text, apart by line breaks), and what is found there
    is mapped back to the lines as they are. Terminal escape codes (``PG\\e[01;31mPASS\\e[mWORD=…``
    as ``grep --color`` prints it, a colour inside a name or before a value), a single quote closed
    and opened again around an escaped one (:data:`_REQUOTE`)."""
    pieces: list[bytes] = []
    kept: list[int] = []  # where each piece starts in the text without marks
    origins: list[int] = []  # and in *data* (-1: the line breaks between two lines)
    size = 0
    for low, high in lines:
        position = low
        for code in _rx[marks].finditer(data, low, high):
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
    for start, end, kind in _scan(b"".join(pieces), again=False):
        first, last = bisect_right(kept, start) - 1, bisect_right(kept, end - 1) - 1
        if origins[first] != -1 and origins[last] != -1:
            found.append((origins[first] + start - kept[first], origins[last] + end - kept[last], kind))
    return found


def _requoted_lines(data: bytes, positions: list[int]) -> list[tuple[int, int]]:
    """The lines of *data* holding a quote closed and opened again (_REQUOTE) whose end is at one of
    *positions* (in order), merged."""
    lines: list[tuple[int, int]] = []
    for position in positions:
        if lines and position < lines[-1][1]:
            continue
        if _rx[_REQUOTE].search(data, max(0, position - 8), position + 3) is not None:
            low, high = _line_around(data, position)
            if lines and low <= lines[-1][1]:
                lines[-1] = (lines[-1][0], max(high, lines[-1][1]))
            else:
                lines.append((low, high))
    return lines


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


# An asciinema cast's output event, `[2.104697, "o", "…"]` a line, as written (level 0) and
# JSON-escaped once or twice in an agent's log: (the escape before a quote, a line break), and the
# time that starts an event.
_CAST_LEVELS: Final = ((b"", b"\n"), (b"\\", b"\\n"), (b"\\\\\\", b"\\\\n"))
_CAST_TIME: Final = rb"\[[0-9]{1,9}(?:\.[0-9]{1,9})?, "


def _cast_runs(data: bytes) -> list[list[tuple[int, int]]]:
    """The texts of an asciinema cast's output events that follow each other line after line, run
    by run (two events or more): pieces of one terminal output, cut where the recorder wrote."""
    runs: list[list[tuple[int, int]]] = []
    for level, (quote, line_break) in enumerate(_CAST_LEVELS):
        head = quote + b'"o' + quote + b'", ' + quote + b'"'
        close = quote + b'"]'
        position = data.find(head)
        previous = -1  # where the last event's line ended
        while position != -1:
            start = position + len(head)
            bracket = data.rfind(b"[", max(0, position - 24), position)
            end = data.find(close, start)
            while end != -1:
                # the closing quote, not one escaped in the text: the backslashes before it, but for
                # the level's own, come in whole escapes (2, 4 or 8 each)
                first = end
                while first > start and data[first - 1] == 0x5C:
                    first -= 1
                if (end - first) % (2 << level) == 0:
                    break
                end = data.find(close, end + len(close))
            if bracket == -1 or end == -1 or _rx[_CAST_TIME].fullmatch(data, bracket, position) is None:
                position = data.find(head, start)
                continue
            after = end + len(close)
            if data.startswith(b"\r", after):
                after += 1
            if bracket == previous and runs:
                runs[-1].append((start, end))
            else:
                runs.append([(start, end)])
            previous = after + len(line_break) if data.startswith(line_break, after) else -1
            position = data.find(head, end)
    return [run for run in runs if len(run) > 1]


def _cast_spans(data: bytes) -> list[tuple[int, int, str]]:
    """Secrets cut across an asciinema cast's output events (a name in one, its value in the next,
    or a value in two): each run of events is scanned again as the terminal showed it, its texts
    joined, and what is found there is mapped back to each event's part of it."""
    found: list[tuple[int, int, str]] = []
    for run in _cast_runs(data):
        kept = list(accumulate((end - start for start, end in run), initial=0))
        for start, end, kind in _scan(b"".join(data[low:high] for low, high in run), events=False):
            for index in range(bisect_right(kept, start) - 1, bisect_right(kept, end - 1)):
                low = max(start, kept[index]) - kept[index] + run[index][0]
                high = min(end, kept[index + 1]) - kept[index] + run[index][0]
                if high > low:
                    found.append((low, high, kind))
    return found


def _scan(data: bytes, *, again: bool = True, events: bool = True) -> list[tuple[int, int, str]]:
    """The secrets of *data*; *again*: also those that terminal escape codes or quotes hide; *events*:
    also those cut across an asciinema cast's output events."""
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
    if again:
        codes = scan.coloured
        position = data.find(b"\x1b")  # a JSON-escaped code is an anchor, ESC itself a memchr
        while position != -1:
            codes.append(position)
            position = data.find(b"\x1b", position + 1)
        if codes:
            for start, end, kind in _spans_without(data, _coloured_lines(data, sorted(codes)), _ANSI):
                scan.add(start, end, kind)
        if scan.requoted:
            for start, end, kind in _spans_without(
                data, _requoted_lines(data, sorted(scan.requoted)), _REQUOTE
            ):
                scan.add(start, end, kind)
    if events and scan.cast:
        for start, end, kind in _cast_spans(data):
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
    return _merge_overlapping(sorted((*spans, *found), key=lambda s: (s[0], -s[1])))


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
    shared, apart = _token_searches()
    for anchors, find in (*shared, *apart):
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
                    hit = (
                        _name_hit(data, low, start, end)
                        or _typed_secret_at(low, search.anchors[index], start, end)
                        or _pair_name_at(low, start, end) != -1
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
