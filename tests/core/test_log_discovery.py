"""What ``analyze`` makes of the files around real logs: empty, half-written, not UTF-8, not logs at all,
and of agent log folders that are missing or listed in ``$CLAUDE_CONFIG_DIR``."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autopilot.cli import main


def _transcript(path: Path, session: str, output: int, *, message: str = "msg_01") -> Path:
    usage = {"input_tokens": 10, "output_tokens": output, "cache_creation_input_tokens": 0,
             "cache_read_input_tokens": 0}  # fmt: skip
    line = {"type": "assistant", "sessionId": session, "requestId": f"req_{message}",
            "isSidechain": False, "timestamp": "2026-11-02T10:00:00.000Z", "uuid": f"u-{message}",
            "cwd": "/home/me/demo",
            "message": {"id": message, "model": "claude-sonnet-4-5", "content": [],
                        "usage": usage}}  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(line, separators=(",", ":")) + "\n", encoding="utf-8")
    return path


def _rollout_lines(tool_output: str = "ok") -> list[str]:
    usage = {"input_tokens": 1000, "cached_input_tokens": 600, "output_tokens": 40,
             "reasoning_output_tokens": 0, "total_tokens": 1040}  # fmt: skip
    start = "2025-10-01T10:00:00.000Z"
    records = [
        {"timestamp": start, "type": "session_meta",
         "payload": {"id": "0199a000-0000-7000-8000-000000000001", "timestamp": start}},
        {"timestamp": start, "type": "turn_context", "payload": {"model": "gpt-5-codex"}},
        {"timestamp": "2025-10-01T10:00:02.000Z", "type": "response_item",
         "payload": {"type": "function_call", "name": "shell", "arguments": "{\"command\":[\"cat\",\"x\"]}",
                     "call_id": "c1"}},
        {"timestamp": "2025-10-01T10:00:02.100Z", "type": "event_msg",
         "payload": {"type": "token_count", "info": {"total_token_usage": usage, "last_token_usage": usage}}},
        {"timestamp": "2025-10-01T10:00:03.000Z", "type": "response_item",
         "payload": {"type": "function_call_output", "call_id": "c1", "output": tool_output}},
    ]  # fmt: skip
    return [json.dumps(r, separators=(",", ":")) for r in records]


def _analyze(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, dict[str, Any], list[str]]:
    """Exit code, the ``--json`` output and the stderr lines of ``analyze ARGS --json``."""
    code = main(["analyze", *map(str, args), "--json", "--no-cache"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else {}, captured.err.splitlines()


def test_an_empty_log_in_a_directory_is_a_warning_not_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A session file Claude Code left empty is one warning line; the others are analyzed and exit is 0."""
    _transcript(tmp_path / "logs" / "s-1.jsonl", "s-1", 20)
    (tmp_path / "logs" / "s-2.jsonl").write_bytes(b"")

    code, data, err = _analyze(capsys, tmp_path / "logs")

    assert (code, data["runs"]) == (0, 1)
    assert err == [f"warning: {tmp_path / 'logs' / 's-2.jsonl'}: empty file"]


def test_logs_being_written_are_read_up_to_their_last_whole_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A transcript and a rollout cut in the middle of their last line give the calls written so far."""
    transcript = _transcript(tmp_path / "logs" / "s-1.jsonl", "s-1", 20)
    transcript.write_text(
        transcript.read_text() + '{"type":"assistant","sessionId":"s-1","mess', encoding="utf-8"
    )
    lines = _rollout_lines()
    (tmp_path / "logs" / "rollout.jsonl").write_text(
        "\n".join(lines) + "\n" + lines[-1][:40], encoding="utf-8"
    )

    code, data, _ = _analyze(capsys, tmp_path / "logs")

    outputs = {Path(f["path"]).name: f["output_tokens"] for f in data["files"]}
    assert (code, outputs) == (0, {"s-1.jsonl": 20, "rollout.jsonl": 40})


def test_bytes_that_are_not_utf8_do_not_lose_a_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stray byte that is not UTF-8 (a binary tool output) leaves the rest of the rollout counted."""
    lines = [line.encode() for line in _rollout_lines(tool_output="BINARY")]
    lines[-1] = lines[-1].replace(b"BINARY", b"\xff\xfe\x00")
    log = tmp_path / "rollout.jsonl"
    log.write_bytes(b"\n".join(lines) + b"\n")

    code, data, _ = _analyze(capsys, log)

    (run,) = data["files"]
    assert (code, run["input_tokens"], run["cache_read_tokens"], run["tool_calls"]) == (0, 400, 600, 1)


#: JSON files found next to logs that only look like them at first sight.
_NOT_LOGS = {
    "package.json": {"name": "demo", "version": "1.0.0", "scripts": {"test": "pytest"}},
    "tsconfig.json": {"compilerOptions": {"strict": True}},
    "schema.json": {"schema_version": 3, "tables": []},
    "env.json": {"environment": "production", "debug": False},
    "collection.json": {"info": {"name": "api", "schema": "postman"}, "item": []},
    "notes.json": {"history": ["a", "b"]},
    "session.json": {"sessionId": "abc", "user": "me"},
    "cache.jsonl": {"type": "user", "id": 1},
}


def test_json_files_that_are_not_logs_are_warnings_not_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Configs, manifests and other JSON beside logs, thousands of them, are neither runs nor errors."""
    logs = tmp_path / "logs"
    for n in range(250):
        for name, content in _NOT_LOGS.items():
            path = logs / f"pkg{n}" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(content), encoding="utf-8")
    _transcript(logs / "s-1.jsonl", "s-1", 20)

    code, data, err = _analyze(capsys, logs)

    assert (code, data["runs"], data["errors"]) == (0, 1, [])
    assert len(err) == 250 * len(_NOT_LOGS)
    assert all(line.startswith("warning: ") and "not a log format" in line for line in err)


def test_analyze_claude_without_claude_logs_is_one_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``analyze --claude`` where Claude Code keeps no logs says where it looked, in one line; exit 2."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)

    code = main(["analyze", "--claude"])
    err = capsys.readouterr().err.splitlines()

    home = tmp_path / "home"
    assert code == 2
    assert err == [
        f"error: no claude logs found (looked in {home}/.config/claude/projects, {home}/.claude/projects)"
    ]


def test_a_missing_agent_beside_a_present_one_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--claude --codex`` with only Claude Code's logs: those are analyzed, Codex's absence is a warning."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.delenv("CODEX_HOME", raising=False)
    _transcript(home / ".claude" / "projects" / "-home-me-demo" / "s-1.jsonl", "s-1", 20)

    code, data, err = _analyze(capsys, "--claude", "--codex")

    assert (code, data["runs"]) == (0, 1)
    assert err == [f"warning: no codex logs found (looked in {home}/.codex/sessions)"]


def test_claude_config_dir_may_name_several_directories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``$CLAUDE_CONFIG_DIR`` lists directories separated by commas (spaces allowed), as ccusage reads it."""
    _transcript(tmp_path / "work-claude" / "projects" / "p" / "s-1.jsonl", "s-1", 20)
    _transcript(tmp_path / "home-claude" / "projects" / "q" / "s-2.jsonl", "s-2", 30, message="msg_02")
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", f"{tmp_path / 'work-claude'}, {tmp_path / 'home-claude'}")

    code, data, _ = _analyze(capsys, "--claude")

    assert (code, data["runs"], data["output_tokens"]) == (0, 2, 50)


def test_codex_home_may_name_several_homes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``$CODEX_HOME`` may list several Codex homes separated by commas, as ccusage reads it."""
    for home in ("work-codex", "home-codex"):
        rollout = tmp_path / home / "sessions" / "2025" / "10" / "01" / f"rollout-{home}.jsonl"
        rollout.parent.mkdir(parents=True)
        lines = [
            line.replace("0199a000", "0199a001") if home == "home-codex" else line
            for line in _rollout_lines()
        ]
        rollout.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("CODEX_HOME", f"{tmp_path / 'work-codex'}, {tmp_path / 'home-codex'},")

    code, data, _ = _analyze(capsys, "--codex")

    assert (code, data["runs"], data["output_tokens"]) == (0, 2, 80)


@pytest.mark.timeout(60)
def test_a_fifo_among_logs_is_a_warning_not_a_wait(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A FIFO named like a log in a directory is one warning; analyze does not wait for a writer."""
    _transcript(tmp_path / "logs" / "s-1.jsonl", "s-1", 20)
    os.mkfifo(tmp_path / "logs" / "pipe.jsonl")

    code, data, err = _analyze(capsys, tmp_path / "logs")

    assert (code, data["runs"]) == (0, 1)
    assert err == [
        f"warning: {tmp_path / 'logs' / 'pipe.jsonl'}: not a regular file (a FIFO, socket or device)"
    ]


@pytest.mark.timeout(60)
def test_paths_that_are_no_files_are_named_for_what_they_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A FIFO, a dangling symlink and a missing path given to analyze each get their own reason, exit 2."""
    os.mkfifo(tmp_path / "pipe.jsonl")
    (tmp_path / "gone.jsonl").symlink_to(tmp_path / "nowhere.jsonl")

    code, _data, err = _analyze(
        capsys, tmp_path / "pipe.jsonl", tmp_path / "gone.jsonl", tmp_path / "no.jsonl"
    )

    assert code == 2
    assert err == [
        f"error: {tmp_path / 'pipe.jsonl'}: not a regular file (a FIFO, socket or device)",
        f"error: {tmp_path / 'gone.jsonl'}: broken symbolic link (to {tmp_path / 'nowhere.jsonl'})",
        f"error: {tmp_path / 'no.jsonl'}: no such file or directory",
    ]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "command", [["import"], ["export"], ["export", "--format", "otlp"], ["validate"], ["replay"]]
)
def test_every_command_refuses_a_fifo_at_once(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """import, export, validate and replay given a FIFO say what it is (exit 2) instead of waiting on it."""
    os.mkfifo(tmp_path / "pipe.jsonl")

    code = main([*command, str(tmp_path / "pipe.jsonl")])

    assert code == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: {tmp_path / 'pipe.jsonl'}: not a regular file (a FIFO, socket or device)"
    ]


_BUCKETS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # capsys is read every example
@given(
    bucket=st.sampled_from(_BUCKETS),
    count=st.one_of(st.integers(max_value=-1), st.integers(min_value=10**12 + 1, max_value=10**40)),
)
def test_a_call_with_impossible_token_counts_is_left_out_with_a_warning(
    bucket: str, count: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """A negative or absurdly large token count in one line is one warning; the other calls still count."""
    with tempfile.TemporaryDirectory() as tmp:
        good = _transcript(Path(tmp) / "s-1.jsonl", "s-1", 20)
        bad = json.loads(good.read_text())
        bad["message"]["id"], bad["requestId"] = "msg_02", "req_02"
        bad["message"]["usage"][bucket] = count
        good.write_text(good.read_text() + json.dumps(bad) + "\n", encoding="utf-8")

        code, data, err = _analyze(capsys, tmp)

    assert code == 0
    assert (data["output_tokens"], data["input_tokens"]) == (20, 10)
    assert err == [
        f"warning: {good}: left out 1 model call(s) with impossible token counts "
        f"(first at 2026-11-02T10:00:00.000Z: {_FIELD[bucket]} {count})"
    ]


_FIELD = {
    "input_tokens": "input_tokens",
    "output_tokens": "output_tokens",
    "cache_creation_input_tokens": "cache_creation_tokens",
    "cache_read_input_tokens": "cache_read_tokens",
}


def test_import_leaves_out_impossible_usage_and_analyze_reads_the_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 10**30-token call imports with a warning, and analyze of the import does not crash."""
    log = _transcript(tmp_path / "s-1.jsonl", "s-1", 20)
    bad = json.loads(log.read_text())
    bad["message"]["id"], bad["requestId"] = "msg_02", "req_02"
    bad["message"]["usage"]["input_tokens"] = 10**30
    log.write_text(log.read_text() + json.dumps(bad) + "\n", encoding="utf-8")

    assert main(["import", str(log), "--output-dir", str(tmp_path / "out")]) == 0
    assert "impossible token counts (first: input_tokens 10000" in capsys.readouterr().err
    code, data, err = _analyze(capsys, tmp_path / "out")

    assert (code, data["runs"], data["output_tokens"], err) == (0, 1, 20, [])


def _report(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, dict[str, Any], list[str]]:
    """Exit code, the ``--json`` output and the stderr lines of ``report ARGS --json``."""
    code = main(["report", *map(str, args), "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else {}, captured.err.splitlines()


@pytest.mark.parametrize("stamp", ["yesterday", "0000-01-01T00:00:00Z", "2025-02-30T10:00:00Z", ""])
def test_report_adds_up_to_analyze_when_a_call_has_a_malformed_time(
    stamp: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A call whose own timestamp cannot be read counts on its session's first day, as analyze counts it."""
    log = _transcript(tmp_path / "s-1.jsonl", "s-1", 20)
    call = json.loads(log.read_text())
    call["timestamp"] = stamp
    first = {"type": "user", "sessionId": "s-1", "timestamp": "2026-11-01T23:00:00Z", "uuid": "u-0",
             "parentUuid": None, "message": {"role": "user", "content": "hi"}}  # fmt: skip
    log.write_text(json.dumps(first) + "\n" + json.dumps(call) + "\n", encoding="utf-8")

    _, analyzed, _ = _analyze(capsys, log)
    code, reported, err = _report(capsys, "daily", log)

    assert (code, err) == (0, [])
    assert [row["period"] for row in reported["rows"]] == ["2026-11-01"]
    assert reported["totals"]["output_tokens"] == analyzed["output_tokens"] == 20
    assert reported["totals"]["cost_usd"] == analyzed["cost_usd"]


def test_a_reversed_date_range_is_an_error_not_an_empty_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--since after --until is one error line naming both, exit 2, instead of a table of zeros."""
    log = _transcript(tmp_path / "s-1.jsonl", "s-1", 20)

    code, _, err = _report(capsys, "daily", log, "--since", "2026-11-05", "--until", "20261101")

    assert code == 2
    assert err == ["error: --since 2026-11-05 is after --until 20261101: no day is in that range"]


_WRONG = st.one_of(
    st.text(max_size=5), st.booleans(), st.floats(allow_nan=False), st.lists(st.integers(), max_size=2)
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # capsys is read every example
@given(
    where=st.sampled_from(
        [
            ("message", "usage", "input_tokens"),
            ("message", "usage", "output_tokens"),
            ("message", "model"),
            ("message", "id"),
            ("timestamp",),
            ("requestId",),
        ]
    ),
    value=_WRONG,
)
def test_a_usage_line_of_the_wrong_shape_is_a_warning_naming_the_field(
    where: tuple[str, ...], value: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """A transcript line whose usage, model, id or time has the wrong type is left out with one warning
    naming the line and the field; the file's other calls still count."""
    with tempfile.TemporaryDirectory() as tmp:
        log = _transcript(Path(tmp) / "s-1.jsonl", "s-1", 20)
        bad = json.loads(log.read_text())
        bad["message"]["id"], bad["requestId"] = "msg_02", "req_02"
        *parents, name = where
        target = bad
        for key in parents:
            target = target[key]
        if name in ("model", "id", "timestamp", "requestId") and isinstance(value, str):
            value = len(value)  # a string is the right type there
        if name.endswith("_tokens") and type(value) is float and value.is_integer():
            value = [value]  # msgspec takes 3.0 for 3
        target[name] = value
        log.write_text(log.read_text() + json.dumps(bad) + "\n", encoding="utf-8")

        code, data, err = _analyze(capsys, log)

    assert (code, data["output_tokens"]) == (0, 20)
    assert len(err) == 1
    assert err[0].startswith(
        f"warning: {log}: left out 1 line(s) with usage that could not be read (first: line 2: "
    )
    assert f"$.{'.'.join(where)}" in err[0]


@pytest.mark.parametrize("cost", [-5.0, float("inf")])
def test_a_negative_or_infinite_stated_cost_is_left_out_of_analyze_and_import(
    cost: float, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stream-json result stating an impossible cost: analyze counts none of it, and import writes a
    trajectory that its own schema accepts, each with a warning."""
    result = {"type": "result", "subtype": "success", "is_error": False, "duration_ms": 10, "num_turns": 1,
              "result": "done", "session_id": "s-1", "total_cost_usd": cost}  # fmt: skip
    log = tmp_path / "out.json"
    log.write_text(json.dumps(result), encoding="utf-8")

    code, data, err = _analyze(capsys, log)
    assert (code, data["cost_usd"]) == (0, 0.0)
    assert err == [f"warning: {log}: left out the cost the log states, {cost}"]

    assert main(["import", str(log), "--output-dir", str(tmp_path / "runs")]) == 0
    assert f"left out the cost the log states, {cost}" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "runs")]) == 0
