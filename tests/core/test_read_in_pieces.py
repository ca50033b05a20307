"""Big logs are read from the open file a line at a time, with what reading them whole gives."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from tests.corpus import CORPUS, needs_corpus

from autopilot.core import logs
from autopilot.core.importer import parse_records, read_records, session_of_imported
from autopilot.plugins.codex.logs import CodexRolloutReader

#: Longer than the buffer a binary file is read through, so lines are cut across its reads.
_LONG = 5 * io.DEFAULT_BUFFER_SIZE


def _outcome(read: object) -> object:
    try:
        return read()  # type: ignore[operator]
    except Exception as exc:  # a file that cannot be read must fail the same way both ways
        return type(exc), str(exc)


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
        b"not json\n",
        b"  \n\n",
        b"",
        b'{"a": "' + b"x" * _LONG + b'"}\n{"b": 2}\n',
    ],
)
def test_records_read_from_the_file_equal_those_of_the_whole_file(tmp_path: Path, data: bytes) -> None:
    """JSON Lines read a line at a time give the records and warnings (in order) of the whole read."""
    path = tmp_path / "log.jsonl"
    path.write_bytes(data)

    assert _outcome(lambda: read_records(path)) == _outcome(lambda: parse_records(data, path))


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
