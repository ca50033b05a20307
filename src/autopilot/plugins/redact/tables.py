"""Tables: the delimiters, cells and headers of tables written with bars, tabs or aligned blanks, and
the columns whose values are harmless (listings of names, ids, dates).
"""

from __future__ import annotations

import re
from typing import Final

from autopilot.plugins.redact import rules
from autopilot.plugins.redact.compiled import _rx
from autopilot.plugins.redact.patterns import _JSON_STRING_START
from autopilot.plugins.redact.structure import _previous_line_end
from autopilot.plugins.redact.syntax import _content_start, _line_around

# The header of a listing: column names in capitals (or capitalised: `databricks secrets list`'s
# `Key  Last Updated`), the first the secrets' names, apart by a tab or two blanks or more.
_LISTING_HEADER: Final = (
    rb"[ \t]*(?:NAME|KEY|Key|SECRET|Secret)"
    rb"(?:(?:\t|\\{1,3}t|  +)[A-Z][A-Za-z_]*(?: [A-Z][A-Za-z_]*)?)+[ \t\r]*"
)
_COLUMN: Final = rb"[A-Z][A-Za-z_]*(?: [A-Z][A-Za-z_]*)?"
_TAB: Final = rb"\t|\\{1,3}t"


# What parts a table's cells: a bar (psql, mysql, Markdown), a box drawing's bars and corners
# (`doppler`, ClickHouse's Pretty formats; a dashed bar, Polars' DataFrame `┆`; also JSON-escaped),
# a tab, a comma between quoted cells.
_TABLE_DELIMITERS: Final = {
    b"|": re.compile(rb"\|"),
    b"\xe2": re.compile(
        rb"\xe2\x94[\x82\x8c\x90\xac\x9c\xbc\xa4\x94\x98\xb4\x83\x8f\x93\xb3\xab\x8b\xbb\xa3\x86\x87\x8a]"
        rb"|\\{1,3}u25(?:0[2367abc]|1[048c]|2[34c]|3[4c])"
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
