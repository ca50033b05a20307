"""Whether a name keyword's hit can hold a value: the shape after the name, a flag's value after blanks,
a table's aligned header, or a credential announced on the same or the next line.
"""

from __future__ import annotations

import re
from typing import Final

from autopilot.plugins.redact.compiled import _rx
from autopilot.plugins.redact.passes import _announcing, _full_width_label
from autopilot.plugins.redact.patterns import (
    _ALIGNED_HEADER,
    _ALIGNED_VALUE,
    _ANNOUNCED_CJK_TAIL,
    _ANNOUNCED_TAIL,
    _ANNOUNCING_MARK,
    _BLANKS,
    _CJK_LABEL_ENDS,
    _FLAG,
    _FLAGGED_CELL,
    _JSON_STRING_END,
    _LINE_STRING,
    _NAME_SHAPE,
    _QUOTED_ASIDE,
    _SPACED_AT,
)
from autopilot.plugins.redact.prose import (
    _ASIDE_OPENS,
    _ASKED,
    _IN_PROSE,
    _IN_SENTENCE,
    _NEXT_LINE,
    _NEXT_LINE_STRICT,
    _SAME_LINE,
    _describes,
    _handed_over,
    _prose_value,
)
from autopilot.plugins.redact.structure import _in_one_string
from autopilot.plugins.redact.syntax import _GUTTER, _WORD_LINE, _content_start, _line_around, _next_line


def _name_hit(data: bytes, low: bytes, start: int, end: int) -> bool:
    """Whether the name keyword at *start*..*end* is followed by what keywords() needs to go on:
    the rest of a name and a separator, or blanks and then a flag's value, a directive's value or a
    credential announced in prose."""
    shape = _rx[_NAME_SHAPE].match(low, end)
    if shape is None:
        return _full_width_label(low, end) and _spaced_hit(data, low, start, end) != -1
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
    if _rx[_COLUMN_GAP].match(data, end) is not None:
        if _rx[_ALIGNED_VALUE].match(data, end, _line_around(data, end)[1]) is not None:
            return start
        if _rx[_FLAGGED_CELL].match(data, end) is not None:
            return start  # a name/value table's row, a flag before the value (see _Scan._flagged_cell())
    if (data.startswith(b"  ", end) or data.startswith(b"  ", start - 2)) and _aligned_header(data, start):
        return start  # a column of a table aligned with blanks (see _Scan._aligned_column())
    return -1


# What both a value aligned in a column (_ALIGNED_VALUE) and a flagged cell (_FLAGGED_CELL) need
# after the rest of the name: two blanks, a tab or an escaped one (one match before either pattern,
# and before the line's end is looked for: most names in prose have one blank after them).
_COLUMN_GAP: Final = rb"[A-Za-z0-9_\-]{0,48}+(?:[ \t]{2}|\t|\\)"


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


# The start of a chat export's message: its time or date in brackets, then the sender (its letters
# perhaps JSON-escaped) and a colon (`[15:40] Léa Martin : `, WhatsApp's `[21/06/2026, 01:37] Carla: `).
_CHAT_MESSAGE: Final = (
    rb"\[[0-9][^\]\n\\]{2,30}\][ \t]*(?:[^\n:\[\]\\]|\\{1,3}u[0-9a-fA-F]{4}){1,40}?[ \t]*:[ \t]"
)

# Where such a message may start: its bracket and the time's first digit.
_CHAT_TIME_OPENING: Final = rb"\[[0-9]"


def _chat_message(data: bytes, keyword: int) -> bool:
    """Whether the keyword at *keyword* is in a message of a chat export, whose next message may hand
    over what it names (`voilà la clé API …` and the key alone in the next message)."""
    line_start = _line_around(data, keyword)[0]
    if _rx[_CHAT_TIME_OPENING].search(data, line_start, keyword) is None:
        return False  # (one search before finding where the line's content starts, in a long line)
    start = _content_start(data, line_start, keyword)
    return data[start : start + 1] == b"[" and _rx[_CHAT_MESSAGE].match(data, start, keyword) is not None


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
        # a word of another script ending a message inside a long line of JSON (a chat bot's event, an
        # agent's log: `"text":"… 密码` and its value): its line ends where the string does
        string_end = (
            _rx[_JSON_STRING_END].search(data, keyword, ceiling)
            if data[keyword] >= 0x80 or data.startswith((b"\\u", b"\\\\u"), keyword)
            else None
        )
        if string_end is None:
            return 0, 0
        line_end = string_end.start()
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
    same = None
    if _rx[_ANNOUNCING_MARK].search(tail) is not None:
        same = _rx[_ANNOUNCED_TAIL].search(data, keyword, keyword + len(tail))
    if (
        same is None
        and (not tail.isascii() or tail.find(b"\\u") != -1)  # (one cheap test first)
        and any(tail.find(end) != -1 for end in _CJK_LABEL_ENDS)
    ):
        # a CJK label's value after a full-width colon, the last of a JSON string (`"text":"… 密码`)
        same = _rx[_ANNOUNCED_CJK_TAIL].search(data, keyword, keyword + len(tail))
    if same is not None and not _describes(data, keyword, same.start()):
        return _in_one_string(data, keyword, same.start(), (_SAME_LINE, same.start("value")))
    in_prose = _prose_value(data, keyword, keyword + len(tail))
    if in_prose is not None:
        return _in_one_string(data, keyword, in_prose[1], (_IN_PROSE, keyword + len(tail)))
    if _handed_over(data, keyword, keyword + len(tail)) is not None:
        return _IN_SENTENCE, keyword + len(tail)
    if len(tail) <= 160 and (tail.endswith(b"?") or _chat_message(data, keyword)):
        return _in_one_string(data, keyword, line_end, (_ASKED, line_end))  # chat: the answer below
    next_start = _next_line(data, line_end)
    if next_start != -1 and len(tail) <= 120:
        _, next_end = _line_around(data, next_start)
        if _rx[_WORD_LINE].match(data, next_start, next_end) is not None and not _describes(
            data, keyword, keyword + len(tail)
        ):
            return _in_one_string(data, keyword, line_end, (_NEXT_LINE_STRICT, line_end))
    return 0, 0
