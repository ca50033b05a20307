"""Big logs are read from the open file a line at a time, with what reading them whole gives."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from tests.corpus import CORPUS, needs_corpus

from autopilot.core import logs
from autopilot.core.errors import BadInputError
from autopilot.core.importer import parse_records, read_records, session_of_imported
from autopilot.plugins.codex.logs import CodexRolloutReader

#: Longer than the buffer a binary file is read through, so lines are cut across its reads.
_LONG = 5 * io.DEFAULT_BUFFER_SIZE


def _standard(data: bytes) -> list[dict[str, object]]:
    """The records the standard library reads: the whole text as one JSON document, else each line."""
    text = data.decode("utf-8", errors="replace")
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, dict):
        return [whole]
    if isinstance(whole, list):
        return [r for r in whole if isinstance(r, dict)]
    records = []
    for line in text.split("\n"):
        try:
            record = json.loads(line) if line.strip() else None
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": 1}\n{"b": [1, 2.5, null, true]}\n',
        b'{"a": 1}\nnot json\n\n{"b": 2}\n{"c": ',  # a line that is not JSON, a torn last line
        b'{"a": 1}\n{"c": ' + b"\n" + b'{"d": "\xe2\x82"}\n{"e": "\xff"}\n',  # bytes that are not UTF-8
        b'{"a": NaN}\n{"b": "\\ud83d cut"}\n{"c": 123456789012345678901234567890}\n{"d": 1e400}\n',
        b'{"a": 1, "a": 2}\n[1, 2]\n"text"\n',  # a repeated key, lines that are not objects
        b'[{"a": 1}, 2, {"b": 3}]',  # a JSON array
        b'{\n  "a": 1,\n  "b": [\n    2\n  ]\n}\n',  # an object over several lines
        b'\n\n  {"a": 1}  \n\n',
        b'[1, 2]\n{"a": 1}\n',
        b'"text"\n{"a": 1}\n',
        b'not json\n{"a": 1}\n',
        b'{"a": "' + b"x" * _LONG + b'"}\n{"b": 2}\n',
    ],
)
def test_records_read_from_the_file_are_those_the_standard_library_reads(tmp_path: Path, data: bytes) -> None:
    """JSON Lines read a line at a time (msgspec first) give the records ``json`` reads, in order."""
    path = tmp_path / "log.jsonl"
    path.write_bytes(data)

    records, _ = read_records(path)

    assert repr(records) == repr(_standard(data))  # repr: NaN is not equal to itself
    assert repr(parse_records(data, path)[0]) == repr(records)


def test_skipped_lines_are_named_in_order(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 come first, then each line skipped, by number; the rest is read."""
    path = tmp_path / "log.jsonl"
    path.write_bytes(b'{"a": 1}\nnot json\n{"b": "\xff"}\n{"c": ')

    records, warnings = read_records(path)

    assert [sorted(r) for r in records] == [["a"], ["b"]]
    assert warnings == [
        f"{path}: replaced bytes that are not UTF-8 (first at byte 25)",
        f"{path}:2: skipped a line that is not JSON",
        f"{path}:4: skipped a torn last line",
    ]


@pytest.mark.parametrize("data", [b"not json\n", b"  \n\n", b""])
def test_a_file_without_records_is_one_error_naming_it(tmp_path: Path, data: bytes) -> None:
    """A blank file, or one without a JSON object, is a one-line error naming the file."""
    path = tmp_path / "log.jsonl"
    path.write_bytes(data)

    with pytest.raises(BadInputError, match=f"^{re.escape(str(path))}: (empty file|no JSON records)"):
        read_records(path)


def _big_rollout(source: Path, target: Path) -> bytes:
    """*source* with a tool output longer than a read of the file, so its line is cut across reads."""
    lines = source.read_bytes().splitlines(keepends=True)
    outputs = [n for n, line in enumerate(lines) if b'"function_call_output"' in line]
    record = json.loads(lines[outputs[0]])
    record["payload"]["output"] = json.dumps(
        {"output": "x" * _LONG, "metadata": {"exit_code": 1, "duration_seconds": 0.5}}
    )
    lines[outputs[0]] = json.dumps(record).encode() + b"\n"
    data = b"".join(lines) * 3
    target.write_bytes(data)
    return data


@needs_corpus
def test_a_rollout_read_from_the_file_gives_the_session_of_the_whole_file(tmp_path: Path) -> None:
    """A rollout bigger than a read, with a line cut across reads, gives the same session from the open
    file as from its bytes and from the whole import (tokens, calls, tools, errors, times)."""
    assert CORPUS is not None
    reader = CodexRolloutReader()
    for source in sorted((CORPUS / "codex-rollout").glob("*.jsonl")):
        path = tmp_path / source.name
        data = _big_rollout(source, path)

        from_file = logs.read_file([reader], path)

        assert from_file.error is None
        (session,) = from_file.sessions
        assert session == reader.scan(path, data)[0]
        assert session == session_of_imported(reader.read(path, data), path, reader.name)
        assert session.tools["command_execution"].errors >= 3
