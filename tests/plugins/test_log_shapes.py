"""Shapes of real agent logs the corpus lacks, read by ``analyze`` as ccusage reads them.

Each fixture is written here, line by line, in the shape the named source shows (Claude Code 1.0.x
transcripts, ccusage's own fixtures and issues, Codex builds before the record envelope, forked and
sub-agent Codex sessions, mini-swe-agent v2); the tests check what a user sees: tokens, cost, model
and turns per session.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.corpus import CORPUS, needs_corpus

from autopilot.cli import main
from autopilot.core.models import Usage
from autopilot.core.pricing import load_price_table


def _jsonl(path: Path, records: list[Any]) -> Path:
    """*records* as compact JSON Lines (as Claude Code and Codex write them); strings as they are."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [r if isinstance(r, str) else json.dumps(r, separators=(",", ":")) for r in records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _analyze(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[dict[str, Any], list[str]]:
    """``analyze --json`` of *paths*: the output (its runs by file name) and the warning lines."""
    code = main(["analyze", *map(str, paths), "--json", "--no-cache"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    data = json.loads(captured.out)
    data["by_name"] = {Path(f["path"]).name: f for f in data["files"]}
    return data, [line for line in captured.err.splitlines() if line.startswith("warning:")]


def _tokens(run: dict[str, Any]) -> tuple[int, int, int, int]:
    return (run["input_tokens"], run["output_tokens"], run["cache_read_tokens"], run["cache_creation_tokens"])


def _cost(model: str, usage: Usage) -> float:
    return load_price_table().cost(model, usage)


# ------------------------------------------------------------------------------------------------
# Claude Code transcripts

SESSION = "7b3f1c2e-0000-4000-8000-00000000c1a0"


def _assistant(
    message: str,
    output: int,
    *,
    request: str | None = "req_01",
    session: str = SESSION,
    model: str = "claude-sonnet-4-20250514",
    ts: str = "2025-06-01T10:00:00.000Z",
    **extra: Any,
) -> dict[str, Any]:
    """An assistant line of a 1.0.x transcript (no ``cache_creation`` split)."""
    usage = {"input_tokens": 4, "cache_creation_input_tokens": 1000, "cache_read_input_tokens": 2000,
             "output_tokens": output, "service_tier": "standard"}  # fmt: skip
    line = {"parentUuid": None, "isSidechain": False, "userType": "external", "cwd": "/home/me/demo",
            "sessionId": session, "version": "1.0.17", "type": "assistant",
            "message": {"id": message, "type": "message", "role": "assistant", "model": model,
                        "content": [{"type": "text", "text": "ok"}], "stop_reason": None, "usage": usage},
            "uuid": f"u-{message}-{output}", "timestamp": ts}  # fmt: skip
    if request is not None:
        line["requestId"] = request
    return {**line, **extra}


def _user(text: str = "hello", session: str = SESSION) -> dict[str, Any]:
    return {"parentUuid": None, "isSidechain": False, "userType": "external", "cwd": "/home/me/demo",
            "sessionId": session, "version": "1.0.17", "type": "user",
            "message": {"role": "user", "content": text}, "uuid": "u-user",
            "timestamp": "2025-06-01T09:59:59.000Z"}  # fmt: skip


def test_a_claude_1_0_transcript_costs_what_its_costUSD_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Claude Code 1.0.x wrote ``costUSD`` per line: the kept line's is the call's cost (ccusage ``auto``)."""
    log = _jsonl(tmp_path / "s.jsonl", [
        _user(),
        _assistant("msg_01", 10, costUSD=0.5),  # a provisional line of the streamed response
        _assistant("msg_01", 50, costUSD=0.5),
        _assistant("msg_02", 7, request="req_02", costUSD=0.25),
    ])  # fmt: skip

    data, _ = _analyze(capsys, log)

    run = data["by_name"]["s.jsonl"]
    assert (_tokens(run), run["cost_usd"], run["num_turns"]) == ((8, 57, 4000, 2000), 0.75, 2)


def test_lines_without_a_request_id_count_once_per_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Lines without ``requestId`` (older builds, Bedrock) still count once per message, the longest kept."""
    log = _jsonl(tmp_path / "s.jsonl", [_assistant("msg_bdrk_01", 1, request=None),
                                        _assistant("msg_bdrk_01", 300, request=None),
                                        _assistant("msg_bdrk_02", 5, request=None)])  # fmt: skip

    data, _ = _analyze(capsys, log)

    assert _tokens(data["by_name"]["s.jsonl"]) == (8, 305, 4000, 2000)


def test_a_resumed_session_copying_its_history_counts_it_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A session file copying another's responses (same message and request ids) adds only its own."""
    first = _jsonl(tmp_path / "a.jsonl", [_assistant("msg_01", 40)])
    other = "7b3f1c2e-0000-4000-8000-00000000c1a1"
    resumed = _jsonl(tmp_path / "b.jsonl", [
        _assistant("msg_01", 40, session=other),
        _assistant("msg_02", 60, request="req_02", session=other),
    ])  # fmt: skip

    data, _ = _analyze(capsys, first, resumed)

    assert (data["input_tokens"], data["output_tokens"]) == (8, 100)


def test_messages_without_request_ids_in_two_sessions_both_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a request id, two sessions reusing a message id (gateways) are two calls (ccusage #1635)."""
    first = _jsonl(tmp_path / "a.jsonl", [_assistant("msg_01", 40, request=None)])
    second = _jsonl(tmp_path / "b.jsonl", [_assistant("msg_01", 40, request=None, session="other")])

    data, _ = _analyze(capsys, first, second)

    assert data["output_tokens"] == 80


def test_an_api_error_message_is_not_a_model_turn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An API error written as a ``<synthetic>`` message with zero usage adds no turn and no model."""
    error = _assistant("00000000-0000-0000-0000-000000000000", 0, request=None, model="<synthetic>",
                       isApiErrorMessage=True, ts="2025-08-01T10:00:00.000Z")  # fmt: skip
    error["message"]["usage"] = {"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 0,
                                 "cache_read_input_tokens": 0, "server_tool_use": {"web_search_requests": 0},
                                 "service_tier": None}  # fmt: skip
    log = _jsonl(tmp_path / "s.jsonl", [_assistant("msg_01", 20), error])

    data, _ = _analyze(capsys, log)

    run = data["by_name"]["s.jsonl"]
    assert (run["num_turns"], run["model"], run["output_tokens"]) == (1, "claude-sonnet-4-20250514", 20)


def test_a_transcript_of_summary_lines_only_is_no_run_and_no_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Older Claude Code left files holding only ``summary`` title lines: nothing to count, nothing to say."""
    _jsonl(tmp_path / "logs" / "titles.jsonl", [
        {"type": "summary", "summary": "Fix the bug", "leafUuid": "l-1"},
        {"type": "summary", "summary": "Tests", "leafUuid": "l-2"},
    ])  # fmt: skip
    _jsonl(tmp_path / "logs" / "s.jsonl", [_assistant("msg_01", 20)])

    data, warnings = _analyze(capsys, tmp_path / "logs")

    assert (sorted(data["by_name"]), warnings) == (["s.jsonl"], [])


def test_claude_codes_index_and_sub_agent_sidecars_are_not_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``sessions-index.json`` (2.1) and ``agent-<id>.meta.json`` beside transcripts are quietly skipped."""
    project = tmp_path / "projects" / "-home-me-demo"
    _jsonl(project / f"{SESSION}.jsonl", [_assistant("msg_01", 20)])
    index = {"version": 1, "entries": [{"sessionId": SESSION, "fullPath": str(project / f"{SESSION}.jsonl"),
                                        "messageCount": 1, "isSidechain": False}]}  # fmt: skip
    (project / "sessions-index.json").write_text(json.dumps(index))
    sidecar = project / SESSION / "subagents" / "agent-a1b2c3d.meta.json"
    sidecar.parent.mkdir(parents=True)
    sidecar.write_text(json.dumps({"agentType": "general-purpose", "spawnDepth": 1, "model": "sonnet"}))

    data, warnings = _analyze(capsys, tmp_path / "projects")

    assert (data["runs"], warnings) == (1, [])


def test_a_transcript_starting_with_a_long_snapshot_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A first ``file-history-snapshot`` line longer than the bytes sniffed still marks a transcript."""
    backups = {f"/home/me/demo/src/module_{n}.py": {"backupFileName": f"b{n}@v1", "version": 1}
               for n in range(300)}  # fmt: skip
    snapshot = {"type": "file-history-snapshot", "messageId": "m-1",
                "snapshot": {"messageId": "m-1", "trackedFileBackups": backups,
                             "timestamp": "2025-10-01T00:00:00.000Z"}, "isSnapshotUpdate": False}  # fmt: skip
    log = _jsonl(tmp_path / "logs" / "s.jsonl", [snapshot, _user(), _assistant("msg_01", 20)])
    assert len(log.read_text().splitlines()[0]) > 8192

    data, warnings = _analyze(capsys, tmp_path / "logs")

    assert (data["by_name"]["s.jsonl"]["output_tokens"], warnings) == (20, [])


def test_a_lone_surrogate_escape_does_not_lose_the_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A string cut inside an emoji (a lone ``\\ud83d`` escape) still leaves its line's usage counted."""
    line = json.dumps(_assistant("msg_01", 20), separators=(",", ":")).replace(
        '"text":"ok"', '"text":"\\ud83d"'
    )
    log = _jsonl(tmp_path / "s.jsonl", [line])

    data, _ = _analyze(capsys, log)

    assert data["by_name"]["s.jsonl"]["output_tokens"] == 20


def test_a_transcript_written_back_with_spaces_keeps_its_duration_and_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A transcript a tool rewrote with ``json.dumps`` (spaces after colons) keeps its duration and errors."""
    call = _assistant("msg_01", 20, ts="2025-06-01T10:00:05.000Z")
    call["message"]["content"] = [{"type": "tool_use", "id": "toolu_01", "name": "Bash",
                                   "input": {"command": "false"}}]  # fmt: skip
    failed = {**_user(), "timestamp": "2025-06-01T10:01:59.000Z",
              "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01",
                                                       "content": "exit 1", "is_error": True}]}}  # fmt: skip
    log = tmp_path / "s.jsonl"
    log.write_text("".join(json.dumps(line) + "\n" for line in (_user(), call, failed)))

    data, _ = _analyze(capsys, log)

    run = data["by_name"]["s.jsonl"]
    figures = (run["duration_ms"], run["tool_calls"], run["tool_errors"], run["output_tokens"])
    assert figures == (120_000, 1, 1, 20)


def test_gemini_cli_chats_are_refused_not_read_as_claude_transcripts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Gemini CLI's chats (a ``sessionId``, ``"type": "user"`` messages) are one warning each, not a Claude
    session with no tokens."""
    meta = {
        "sessionId": "9c90babd-0000-4000-8000-0000000000e1",
        "projectHash": "ab" * 32,
        "kind": "main",
        "startTime": "2026-04-28T01:00:00.000Z",
        "lastUpdated": "2026-04-28T01:05:00.000Z",
    }
    messages = [
        {"id": "m1", "timestamp": "2026-04-28T01:00:00.000Z", "type": "user", "content": [{"text": "hello"}]},
        {"id": "m2", "timestamp": "2026-04-28T01:01:00.000Z", "type": "gemini", "content": "hi",
         "model": "gemini-2.5-pro", "tokens": {"input": 900, "output": 12, "cached": 0, "thoughts": 40,
                                               "tool": 0, "total": 952}},
    ]  # fmt: skip
    chats = tmp_path / "tmp" / ("ab" * 32) / "chats"
    chats.mkdir(parents=True)
    whole = json.dumps({**meta, "messages": messages}, indent=2)
    (chats / "session-2026-04-28T01-00-9c90babd.json").write_text(whole)
    _jsonl(chats / "session-2026-04-28T01-05-9c90babd.jsonl", [meta, *messages])

    data, warnings = _analyze(capsys, tmp_path / "tmp")

    assert data["runs"] == 0
    assert len(warnings) == 2 and all("not a log format autopilot reads" in w for w in warnings)


def test_stream_json_after_a_warning_line_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Captured ``claude -p`` stdout starting with a line that is not JSON (a sandbox warning) is read."""
    usage = {"input_tokens": 10, "output_tokens": 30, "cache_read_input_tokens": 0,
             "cache_creation_input_tokens": 0}  # fmt: skip
    log = _jsonl(tmp_path / "out.jsonl", [
        "Warning: sandbox is disabled",
        {"type": "system", "subtype": "init", "session_id": SESSION, "model": "claude-sonnet-4-5"},
        {"type": "assistant", "session_id": SESSION, "parent_tool_use_id": None,
         "message": {"id": "msg_01", "model": "claude-sonnet-4-5",
                     "content": [{"type": "text", "text": "ok"}], "usage": usage}},
        {"type": "result", "subtype": "success", "is_error": False, "session_id": SESSION, "num_turns": 1,
         "duration_ms": 1000, "total_cost_usd": 0.001, "usage": usage},
    ])  # fmt: skip

    data, _ = _analyze(capsys, log)

    run = data["by_name"]["out.jsonl"]
    assert (run["kind"], run["output_tokens"], run["status"]) == ("claude-stream-json", 30, "success")


# ------------------------------------------------------------------------------------------------
# Codex rollouts


def _uuid7(ms: int, tail: str = "8000-000000000001") -> str:
    """A UUIDv7 minted at *ms* milliseconds since the epoch (Codex's session and turn ids)."""
    text = f"{ms:012x}"
    return f"{text[:8]}-{text[8:]}-7000-{tail}"


def _ms(ts: str) -> int:
    from autopilot.core.usage import parse_time

    return int(parse_time(ts).timestamp() * 1000)


def _env(ts: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"timestamp": ts, "type": kind, "payload": payload}


def _meta(ts: str, session: str, **more: Any) -> dict[str, Any]:
    payload = {"id": session, "timestamp": ts, "cwd": "/home/me/demo", "originator": "codex_cli_rs",
               "cli_version": "0.60.0", **more}  # fmt: skip
    return _env(ts, "session_meta", payload)


def _counts(input_tokens: int, cached: int, output: int) -> dict[str, int]:
    return {"input_tokens": input_tokens, "cached_input_tokens": cached, "output_tokens": output,
            "reasoning_output_tokens": 0, "total_tokens": input_tokens + output}  # fmt: skip


def _token_count(ts: str, total: dict[str, int] | None, last: dict[str, int] | None, **info: Any) -> dict:
    if total is not None:
        info["total_token_usage"] = total
    if last is not None:
        info["last_token_usage"] = last
    return _env(ts, "event_msg", {"type": "token_count", "info": info, "rate_limits": None})


def _turn(ts: str, model: str | None = "gpt-5-codex", **more: Any) -> dict[str, Any]:
    return _env(ts, "turn_context", {"cwd": "/home/me/demo", **({"model": model} if model else {}), **more})


def _said(ts: str, role: str, text: str) -> dict[str, Any]:
    kind = "input_text" if role == "user" else "output_text"
    return _env(
        ts, "response_item", {"type": "message", "role": role, "content": [{"type": kind, "text": text}]}
    )


def _codex_cost(model: str, input_tokens: int, cached: int, output: int) -> float:
    return _cost(model, Usage(input_tokens - cached, output, cached))


def test_a_token_count_without_a_running_total_counts_its_last_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``token_count`` events holding only ``last_token_usage`` (ccusage's fixtures) are each a call."""
    start = "2025-10-01T10:00:00.000Z"
    log = _jsonl(tmp_path / "rollout.jsonl", [
        _meta(start, _uuid7(_ms(start))), _turn("2025-10-01T10:00:01.000Z"),
        _said("2025-10-01T10:00:01.000Z", "user", "hi"),
        _said("2025-10-01T10:00:02.000Z", "assistant", "a"),
        _token_count("2025-10-01T10:00:02.500Z", None, _counts(1000, 800, 50)),
        _said("2025-10-01T10:00:03.000Z", "assistant", "b"),
        _token_count("2025-10-01T10:00:03.500Z", None, _counts(2000, 1800, 60)),
    ])  # fmt: skip

    data, _ = _analyze(capsys, log)

    run = data["by_name"]["rollout.jsonl"]
    assert (_tokens(run), run["num_turns"]) == ((400, 110, 2600, 0), 2)


def _daily(capsys: pytest.CaptureFixture[str], *paths: Path) -> dict[str, tuple[int, int]]:
    """``report daily --json`` of *paths*: per UTC day, the input and output tokens."""
    code = main(["report", "daily", *map(str, paths), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return {r["period"]: (r["input_tokens"], r["output_tokens"]) for r in json.loads(captured.out)["rows"]}


def test_codex_calls_fall_on_the_day_of_their_token_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Codex call is counted at its ``token_count`` event's time, as ccusage counts it: not at the
    session's start (a rollout of token counts only) nor at its last item, just before midnight."""
    start = "2025-10-01T23:50:00.000Z"
    counts_only = _jsonl(tmp_path / "a" / "rollout.jsonl", [
        _meta(start, _uuid7(_ms(start))),
        _token_count("2025-10-01T23:55:00.000Z", None, _counts(1000, 0, 10)),
        _token_count("2025-10-02T00:05:00.000Z", None, _counts(2000, 0, 20)),
    ])  # fmt: skip
    with_items = _jsonl(tmp_path / "b" / "rollout.jsonl", [
        _meta(start, _uuid7(_ms(start), "8000-000000000002")), _turn("2025-10-01T23:50:01.000Z"),
        _said("2025-10-01T23:50:01.000Z", "user", "hi"),
        _said("2025-10-01T23:59:59.800Z", "assistant", "late answer"),
        _token_count("2025-10-02T00:00:00.200Z", _counts(300, 0, 3), _counts(300, 0, 3)),
    ])  # fmt: skip

    assert _daily(capsys, counts_only) == {"2025-10-01": (1000, 10), "2025-10-02": (2000, 20)}
    assert _daily(capsys, with_items) == {"2025-10-02": (300, 3)}


def test_claude_calls_fall_on_the_day_of_their_own_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Claude Code call is counted at its assistant line's time, not the session's: one session
    across midnight is split between the two days."""
    log = _jsonl(tmp_path / "s.jsonl", [
        _assistant("msg_01", 10, ts="2025-06-01T23:59:59.000Z"),
        _assistant("msg_02", 20, request="req_02", ts="2025-06-02T00:00:01.000Z"),
    ])  # fmt: skip

    assert _daily(capsys, log) == {"2025-06-01": (4, 10), "2025-06-02": (4, 20)}


def test_a_repeated_token_count_counts_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Codex repeats a ``token_count`` whose running total did not move: it adds nothing."""
    start = "2025-10-01T10:00:00.000Z"
    first = _counts(1000, 800, 50)
    log = _jsonl(tmp_path / "rollout.jsonl", [
        _meta(start, _uuid7(_ms(start))), _turn("2025-10-01T10:00:01.000Z"),
        _said("2025-10-01T10:00:02.000Z", "assistant", "a"),
        _token_count("2025-10-01T10:00:02.500Z", first, first),
        _token_count("2025-10-01T10:00:02.600Z", first, first),
    ])  # fmt: skip

    data, _ = _analyze(capsys, log)

    assert _tokens(data["by_name"]["rollout.jsonl"]) == (200, 50, 800, 0)


def test_a_resumed_rollout_whose_new_total_exceeds_the_old_one_counts_every_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Resumed the next day in a new process, Codex counts its running total from zero again; the first
    call re-sends the conversation, so the new total (45,000) is above the old one (30,000). That call
    is its ``last_token_usage``, all of it: not the 15,000 the total grew by. ccusage 20.0.24 counts
    57,000 uncached input tokens and 1,800 output tokens here too (it was 32,000 and 1,300)."""
    start = "2026-03-06T10:00:00.000Z"
    log = _jsonl(tmp_path / "rollout.jsonl", [
        _meta(start, _uuid7(_ms(start))), _turn("2026-03-06T10:00:01.000Z", "gpt-5.1-codex"),
        _said("2026-03-06T10:00:02.000Z", "user", "go"),
        _said("2026-03-06T10:00:05.000Z", "assistant", "ok"),
        _token_count("2026-03-06T10:00:05.100Z", _counts(30000, 0, 500), _counts(30000, 0, 500)),
        _turn("2026-03-07T09:00:00.000Z", "gpt-5.1-codex"),
        _said("2026-03-07T09:00:01.000Z", "user", "again"),
        _said("2026-03-07T09:00:05.000Z", "assistant", "ok"),
        _token_count("2026-03-07T09:00:05.100Z", _counts(45000, 20000, 900), _counts(45000, 20000, 900)),
        _token_count("2026-03-07T09:00:09.100Z", _counts(91000, 64000, 1300), _counts(46000, 44000, 400)),
        _token_count("2026-03-07T09:00:09.200Z", _counts(91000, 64000, 1300), _counts(46000, 44000, 400)),
    ])  # fmt: skip

    data, _ = _analyze(capsys, log)

    run = data["by_name"]["rollout.jsonl"]
    assert _tokens(run) == (121000 - 64000, 1800, 64000, 0)
    assert run["cost_usd"] == pytest.approx(_codex_cost("gpt-5.1-codex", 121000, 64000, 1800), abs=1e-6)
    assert _daily(capsys, log) == {"2026-03-06": (30000, 500), "2026-03-07": (27000, 1300)}


def test_the_model_a_token_count_names_prices_the_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rollout without ``turn_context`` whose ``token_count`` names its model is priced for that model."""
    start = "2025-10-01T10:00:00.000Z"
    usage = _counts(1000, 800, 50)
    log = _jsonl(tmp_path / "rollout.jsonl", [
        _meta(start, _uuid7(_ms(start))), _said("2025-10-01T10:00:02.000Z", "assistant", "a"),
        _token_count("2025-10-01T10:00:02.500Z", usage, usage, model="gpt-5.1-codex"),
    ])  # fmt: skip

    data, _ = _analyze(capsys, log)

    run = data["by_name"]["rollout.jsonl"]
    assert (run["model"], run["cost_usd"]) == (
        "gpt-5.1-codex",
        pytest.approx(_codex_cost("gpt-5.1-codex", 1000, 800, 50)),
    )


def test_a_model_switched_between_turns_prices_each_call_at_its_own_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A call whose ``token_count`` follows its items (newer builds) is the model of its turn, not of the
    next ``turn_context`` (``/model`` between turns), as ccusage 20.0.24 prices it."""
    start = "2026-01-05T10:00:00.000Z"
    first, second = _counts(10_000, 8000, 200), _counts(3000, 1000, 100)
    call = {"type": "function_call", "name": "shell", "arguments": '{"command":["ls"]}', "call_id": "c1"}
    output = {"type": "function_call_output", "call_id": "c1", "output": "a"}
    log = _jsonl(tmp_path / "rollout.jsonl", [
        _meta(start, _uuid7(_ms(start))), _turn("2026-01-05T10:00:01.000Z", "gpt-5.1-codex"),
        _env("2026-01-05T10:00:02.000Z", "response_item", call),
        _env("2026-01-05T10:00:02.500Z", "response_item", output),
        _token_count("2026-01-05T10:00:03.000Z", first, first),
        _turn("2026-01-05T10:05:01.000Z", "gpt-5-mini"),
        _said("2026-01-05T10:05:02.000Z", "assistant", "done"),
        _token_count("2026-01-05T10:05:03.000Z", _counts(13_000, 9000, 300), second),
    ])  # fmt: skip

    data, _ = _analyze(capsys, log)

    expected = _codex_cost("gpt-5.1-codex", 10_000, 8000, 200) + _codex_cost("gpt-5-mini", 3000, 1000, 100)
    assert data["by_name"]["rollout.jsonl"]["cost_usd"] == pytest.approx(expected)


def _by_model(capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, tuple[int, float]]:
    """``report session --by model --json`` of *path*: per model, the total tokens and cost."""
    code = main(["report", "session", str(path), "--by", "model", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return {r["group"]: (r["total_tokens"], r["cost_usd"]) for r in json.loads(captured.out)["rows"]}


def test_a_session_switched_to_a_mini_model_for_its_last_turn_is_its_first_models(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A session's model is the one most of its calls name, as for a Claude Code transcript: two calls
    of gpt-5.1-codex then one of gpt-5.1-codex-mini was the mini model's session (the last named), in
    ``analyze``'s per-model table too, and its import said so and put every call on the mini model."""
    start = "2026-03-04T10:00:00.000Z"
    a, b, c = _counts(12000, 0, 800), _counts(14000, 11800, 300), _counts(15000, 13900, 90)
    log = _jsonl(tmp_path / "rollout.jsonl", [
        _meta(start, _uuid7(_ms(start))), _turn("2026-03-04T10:00:01.000Z", "gpt-5.1-codex"),
        _said("2026-03-04T10:00:02.000Z", "user", "go"),
        _said("2026-03-04T10:00:04.000Z", "assistant", "one"),
        _token_count("2026-03-04T10:00:05.000Z", a, a),
        _said("2026-03-04T10:00:06.000Z", "assistant", "two"),
        _token_count("2026-03-04T10:00:07.000Z", _counts(26000, 11800, 1100), b),
        _turn("2026-03-04T10:01:00.000Z", "gpt-5.1-codex-mini"),
        _said("2026-03-04T10:01:01.000Z", "user", "small thing"),
        _said("2026-03-04T10:01:02.000Z", "assistant", "three"),
        _token_count("2026-03-04T10:01:03.000Z", _counts(41000, 25700, 1190), c),
    ])  # fmt: skip

    data, _ = _analyze(capsys, log)

    assert data["by_name"]["rollout.jsonl"]["model"] == "gpt-5.1-codex"
    assert list(data["models"]) == ["gpt-5.1-codex"]
    per_model = _by_model(capsys, log)
    assert per_model == {
        "gpt-5.1-codex": (26000 + 1100, round(_codex_cost("gpt-5.1-codex", 26000, 11800, 1100), 6)),
        "gpt-5.1-codex-mini": (15000 + 90, round(_codex_cost("gpt-5.1-codex-mini", 15000, 13900, 90), 6)),
    }
    imported, trajectory = _import(capsys, log, tmp_path / "out")
    assert (imported["model"], trajectory["model"]) == ("gpt-5.1-codex", "gpt-5.1-codex")
    assert _by_model(capsys, Path(imported["trajectory"])) == per_model


def test_a_codex_session_is_reported_under_the_branch_its_rollout_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``session_meta.git.branch`` is the session's branch, as a Claude Code line's ``gitBranch`` is:
    ``report --by branch`` put every Codex session under "-" (unknown), and its import had no branch."""
    start = "2026-03-04T10:00:00.000Z"
    usage = _counts(12000, 0, 800)
    git = {"commit_hash": "ab" * 20, "branch": "fix/ünicode", "repository_url": "git@example.com:a/b.git"}
    log = _jsonl(tmp_path / "rollout.jsonl", [
        _meta(start, _uuid7(_ms(start)), git=git), _turn("2026-03-04T10:00:01.000Z", "gpt-5.1-codex"),
        _said("2026-03-04T10:00:02.000Z", "user", "go"),
        _said("2026-03-04T10:00:04.000Z", "assistant", "ok"),
        _token_count("2026-03-04T10:00:05.000Z", usage, usage),
    ])  # fmt: skip

    code = main(["report", "daily", str(log), "--by", "branch", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    rows = json.loads(captured.out)["rows"]
    assert [(r["group"], r["total_tokens"]) for r in rows] == [("fix/ünicode", 12800)]
    _, trajectory = _import(capsys, log, tmp_path / "out")
    assert trajectory["branch"] == "fix/ünicode"


def test_a_codex_log_naming_no_model_is_priced_as_gpt_5(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rollout naming no model at all is priced as ``gpt-5``, as ccusage does, not at the costly default."""
    start = "2025-09-01T10:00:00.000Z"
    usage = _counts(5000, 0, 1000)
    log = _jsonl(tmp_path / "rollout.jsonl", [
        _meta(start, _uuid7(_ms(start))), _said("2025-09-01T10:00:02.000Z", "assistant", "a"),
        _token_count("2025-09-01T10:00:02.500Z", usage, usage),
    ])  # fmt: skip

    data, _ = _analyze(capsys, log)

    run = data["by_name"]["rollout.jsonl"]
    assert (run["model"], run["cost_usd"]) == ("gpt-5", pytest.approx(_codex_cost("gpt-5", 5000, 0, 1000)))


def _parent_history(ts: list[str], parent: str) -> list[dict[str, Any]]:
    """The parent's records a fork copies: its header, one turn and two model calls."""
    return [
        _meta(ts[0], parent), _turn(ts[0], "gpt-5"), _said(ts[0], "user", "old question"),
        _said(ts[1], "assistant", "old answer"),
        _token_count(ts[1], _counts(50_000, 40_000, 500), _counts(50_000, 40_000, 500)),
        _token_count(ts[2], _counts(120_000, 100_000, 900), _counts(70_000, 60_000, 400)),
    ]  # fmt: skip


def test_a_fork_counts_only_its_own_calls_when_its_replay_runs_past_the_second(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fork's copy of its parent, stamped just after the fork's own second, is not counted again."""
    made = "2025-11-01T12:00:00.900Z"
    replayed = ["2025-11-01T12:00:01.010Z", "2025-11-01T12:00:01.012Z", "2025-11-01T12:00:01.014Z"]
    log = _jsonl(tmp_path / "fork.jsonl", [
        _meta(made, _uuid7(_ms(made)), forked_from_id=_uuid7(_ms("2025-11-01T11:00:00.000Z"))),
        *_parent_history(replayed, _uuid7(_ms("2025-11-01T11:00:00.000Z"))),
        _turn("2025-11-01T12:05:00.000Z", "gpt-5"), _said("2025-11-01T12:05:00.001Z", "user", "new question"),
        _said("2025-11-01T12:05:03.000Z", "assistant", "new answer"),
        _token_count("2025-11-01T12:05:03.100Z", _counts(200_000, 180_000, 1000),
                     _counts(80_000, 80_000, 100)),
    ])  # fmt: skip

    data, _ = _analyze(capsys, log)

    run = data["by_name"]["fork.jsonl"]
    assert (_tokens(run), run["num_turns"], run["model"]) == ((0, 100, 80_000, 0), 1, "gpt-5")


def test_a_sub_agent_session_counts_only_its_own_calls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sub-agent's rollout (its header, then its parent's with the old times) counts only its own calls."""
    made = "2025-11-01T13:00:00.000Z"
    parent = _uuid7(_ms("2025-11-01T11:00:00.000Z"))
    old = ["2025-11-01T11:00:01.000Z", "2025-11-01T11:00:05.000Z", "2025-11-01T11:00:09.000Z"]
    log = _jsonl(tmp_path / "sub.jsonl", [
        _meta(made, _uuid7(_ms(made)), source={"subagent": {"thread_spawn": {"parent_thread_id": parent}}}),
        *_parent_history(old, parent),
        _turn("2025-11-01T13:00:01.000Z", "gpt-5"), _said("2025-11-01T13:00:01.000Z", "user", "sub task"),
        _said("2025-11-01T13:00:04.000Z", "assistant", "done"),
        _token_count("2025-11-01T13:00:04.100Z", _counts(130_000, 110_000, 1000),
                     _counts(10_000, 10_000, 100)),
    ])  # fmt: skip

    data, _ = _analyze(capsys, log)

    run = data["by_name"]["sub.jsonl"]
    assert (_tokens(run), run["run_id"]) == ((0, 100, 10_000, 0), _uuid7(_ms(made)))


def test_a_fork_with_turn_ids_counts_its_own_first_call_even_within_the_second(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With turn ids (UUIDv7), a fork's own first turn starts where its id says, even in the fork's second."""
    made = "2025-12-01T12:00:00.100Z"
    parent = _uuid7(_ms("2025-12-01T11:00:00.000Z"))
    replayed = ["2025-12-01T12:00:00.110Z", "2025-12-01T12:00:00.111Z", "2025-12-01T12:00:00.112Z"]
    history = _parent_history(replayed, parent)
    history[1]["payload"]["turn_id"] = _uuid7(_ms("2025-12-01T11:00:01.000Z"), "8000-0000000000aa")
    log = _jsonl(tmp_path / "fork.jsonl", [
        _meta(made, _uuid7(_ms(made)), forked_from_id=parent), *history,
        _turn("2025-12-01T12:00:00.200Z", "gpt-5", turn_id=_uuid7(_ms(made) + 100, "8000-0000000000bb")),
        _said("2025-12-01T12:00:00.300Z", "assistant", "quick answer"),
        _token_count("2025-12-01T12:00:00.900Z", _counts(125_000, 100_000, 950), _counts(5000, 0, 50)),
    ])  # fmt: skip

    data, _ = _analyze(capsys, log)

    assert _tokens(data["by_name"]["fork.jsonl"]) == (5000, 50, 0, 0)


def test_a_rollout_from_before_the_record_envelope_is_a_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Mid-2025 rollouts (a bare header, ``record_type`` markers, bare items) are sessions, not strangers."""
    _jsonl(tmp_path / "logs" / "rollout-2025-07-01T10-00-00-legacy.jsonl", [
        {"id": "0198aaaa-0000-7000-8000-000000000001", "timestamp": "2025-07-01T10:00:00.000Z",
         "instructions": None, "git": {"branch": "main"}},
        {"record_type": "state"},
        {"type": "message", "id": None, "role": "user",
         "content": [{"type": "input_text", "text": "list files"}]},
        {"type": "function_call", "id": "fc_1", "name": "shell", "arguments": "{\"command\":[\"ls\"]}",
         "call_id": "call_1"},
        {"type": "function_call_output", "call_id": "call_1",
         "output": "{\"output\":\"README.md\\n\",\"metadata\":{\"exit_code\":0,\"duration_seconds\":0.1}}"},
        {"type": "message", "id": None, "role": "assistant",
         "content": [{"type": "output_text", "text": "done"}]},
    ])  # fmt: skip

    data, warnings = _analyze(capsys, tmp_path / "logs")

    (run,) = data["files"]
    assert warnings == []
    assert (run["kind"], run["run_id"], run["started_at"], run["tool_calls"]) == (
        "codex-rollout",
        "0198aaaa-0000-7000-8000-000000000001",
        "2025-07-01T10:00:00.000Z",
        1,
    )
    # Only the header has a time (as in AcidicSoil/codex-session-viewer docs/example.jsonl, a real
    # rollout of 2025-09): how long the session ran is unknown, not 0 ms.
    assert run["duration_ms"] is None


def test_a_rollout_opening_with_turn_context_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rollout without a ``session_meta`` line is still a Codex rollout, counted as ccusage 20 counts it.

    The lines are those of ccusage's own fixture (ryoppippi/ccusage, apps/ccusage/test/fixtures/codex/
    sessions/branch-history/2026-05-12T08-02-00-branch.jsonl, commit 0107c2e1); before, analyze said
    "not a log format autopilot reads"."""
    usage = [(1000, 100, 200, 20, 1200), (1600, 300, 450, 40, 2050)]
    counts = [dict(zip(("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens",
                        "total_tokens"), u, strict=True)) for u in usage]  # fmt: skip
    totals = [{"type": "token_count", "info": {"total_token_usage": c}} for c in counts]
    log = _jsonl(tmp_path / "2026-05-12T08-02-00-branch.jsonl", [
        _env("2026-05-12T08:00:00.000Z", "turn_context", {"model": "gpt-5.2"}),
        _env("2026-05-12T08:01:00.000Z", "event_msg", totals[0]),
        _env("2026-05-12T08:02:00.000Z", "event_msg", totals[1]),
    ])  # fmt: skip

    data, warnings = _analyze(capsys, log)

    (run,) = data["files"]
    assert warnings == [] and data["errors"] == []
    assert (run["kind"], run["model"], run["duration_ms"]) == ("codex-rollout", "gpt-5.2", 120000)
    assert _tokens(run) == (1300, 450, 300, 0)  # ccusage 20.0.24: input 1300, cached 300, output 450
    assert run["cost_usd"] == pytest.approx(_codex_cost("gpt-5.2", 1600, 300, 450), abs=1e-6)
    assert main(["import", str(log), "--output-dir", str(tmp_path / "out")]) == 0


# ------------------------------------------------------------------------------------------------
# codex exec --json before thread events


def _old_exec(model: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    config = {"provider": "openai", "workdir": "/home/me/demo", "approval": "never", "model": model,
              "sandbox": "read-only", "reasoning effort": "medium",
              "reasoning summaries": "auto"}  # fmt: skip
    return [config, {"prompt": "Reply with PONG"}, *({"id": "0", "msg": e} for e in events)]


def test_codex_exec_json_of_0_3x_is_read_with_its_model_and_totals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Old ``codex exec --json`` (``{"id", "msg"}`` events, no ``thread.started``): tokens, model, tools."""
    log = _jsonl(tmp_path / "exec.jsonl", _old_exec("gpt-5-codex", [
        {"type": "task_started", "model_context_window": 272000},
        {"type": "exec_command_begin", "call_id": "c1", "command": ["bash", "-lc", "false"],
         "cwd": "/home/me/demo"},
        {"type": "exec_command_end", "call_id": "c1", "stdout": "", "stderr": "", "aggregated_output": "",
         "exit_code": 1, "duration": {"secs": 0, "nanos": 1000}, "formatted_output": ""},
        {"type": "token_count", "info": {"total_token_usage": _counts(3000, 2000, 40),
                                         "last_token_usage": _counts(3000, 2000, 40)}},
        {"type": "agent_message", "message": "PONG"},
        {"type": "token_count", "info": {"total_token_usage": _counts(6500, 5000, 50),
                                         "last_token_usage": _counts(3500, 3000, 10)}},
        {"type": "task_complete", "last_agent_message": "PONG"},
    ]))  # fmt: skip

    data, _ = _analyze(capsys, log)

    run = data["by_name"]["exec.jsonl"]
    assert (run["kind"], run["model"], _tokens(run), run["status"]) == (
        "codex-exec-json",
        "gpt-5-codex",
        (1500, 50, 5000, 0),
        "success",
    )
    assert (run["tool_calls"], run["tool_errors"]) == (1, 1)


def test_the_oldest_codex_exec_json_sums_each_calls_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The oldest builds printed one call's counts per ``token_count``: they add up, even if killed."""
    log = _jsonl(tmp_path / "exec.jsonl", _old_exec("o4-mini", [
        {"type": "task_started"},
        {"type": "token_count", "input_tokens": 3000, "cached_input_tokens": 1000, "output_tokens": 20,
         "reasoning_output_tokens": 0, "total_tokens": 3020},
        {"type": "token_count", "input_tokens": 4000, "cached_input_tokens": 3000, "output_tokens": 30,
         "reasoning_output_tokens": 0, "total_tokens": 4030},
    ]))  # fmt: skip

    data, _ = _analyze(capsys, log)

    run = data["by_name"]["exec.jsonl"]
    assert (_tokens(run), run["status"]) == ((3000, 50, 4000, 0), "incomplete")


def test_import_accepts_the_older_codex_shapes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``autopilot import`` turns old ``exec --json`` output into a trajectory with its model and tokens."""
    log = _jsonl(tmp_path / "exec.jsonl", _old_exec("gpt-5-codex", [
        {"type": "task_started"}, {"type": "agent_message", "message": "PONG"},
        {"type": "token_count", "info": {"total_token_usage": _counts(3000, 2000, 40)}},
        {"type": "task_complete", "last_agent_message": "PONG"},
    ]))  # fmt: skip

    code = main(["import", str(log), "--output-dir", str(tmp_path / "out"), "--json"])
    (imported,) = json.loads(capsys.readouterr().out)["imported"]

    assert code == 0
    assert (imported["model"], imported["status"]) == ("gpt-5-codex", "success")
    assert imported["cost_usd"] == pytest.approx(_codex_cost("gpt-5-codex", 3000, 2000, 40))


# ------------------------------------------------------------------------------------------------
# mini-swe-agent v2 (trajectory_format mini-swe-agent-1.1)


def _mini(messages: list[dict[str, Any]], cost: float) -> dict[str, Any]:
    info = {"model_stats": {"instance_cost": cost, "api_calls": 2}, "config": {"model": {"model_name": "x"}},
            "mini_version": "2.0.0", "exit_status": "Submitted", "submission": ""}  # fmt: skip
    return {"info": info, "messages": messages, "trajectory_format": "mini-swe-agent-1.1"}


def test_a_mini_swe_agent_v2_tool_call_run_keeps_each_calls_cost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """v2 messages state each call's ``extra.cost`` and a float time; tool calls are its commands."""

    def call(n: int, cost: float, prompt: int) -> dict[str, Any]:
        usage = {
            "prompt_tokens": prompt,
            "completion_tokens": 10,
            "prompt_tokens_details": {"cached_tokens": 100},
        }
        response = {"id": f"chatcmpl-{n}", "model": "claude-sonnet-4-5-20250929", "usage": usage}
        return {"role": "assistant", "content": None,
                "tool_calls": [{"id": f"t{n}", "type": "function",
                                "function": {"name": "bash", "arguments": "{}"}}],
                "extra": {"actions": [{"command": "ls"}], "response": response, "cost": cost,
                          "timestamp": 1764000000.0 + n}}  # fmt: skip

    path = tmp_path / "run.traj.json"
    path.write_text(
        json.dumps(_mini([{"role": "system", "content": "s"}, call(1, 0.01, 500), call(2, 0.03, 900)], 0.04))
    )

    data, _ = _analyze(capsys, path)

    run = data["by_name"]["run.traj.json"]
    assert (_tokens(run), run["cost_usd"], run["tool_calls"]) == ((1200, 20, 200, 0), 0.04, 2)
    assert run["started_at"].startswith("2025-11-24")


def test_mini_swe_agent_v2_response_api_messages_are_calls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a response-API model, each message is the response object: its usage is a call's."""
    response = {"id": "resp_1", "object": "response", "model": "gpt-5-mini",
                "output": [{"type": "function_call", "name": "bash", "arguments": "{}", "call_id": "c1"}],
                "usage": {"input_tokens": 800, "output_tokens": 40,
                          "input_tokens_details": {"cached_tokens": 300}},
                "extra": {"actions": [], "cost": 0.002, "timestamp": 1764000000.0}}  # fmt: skip
    path = tmp_path / "run.traj.json"
    path.write_text(json.dumps(_mini([{"role": "user", "content": "task"}, response], 0.002)))

    data, _ = _analyze(capsys, path)

    run = data["by_name"]["run.traj.json"]
    assert (_tokens(run), run["model"], run["num_turns"]) == ((500, 40, 300, 0), "gpt-5-mini", 1)


def test_sub_agent_logs_count_as_part_of_their_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A session's ``<id>/subagents/*.jsonl`` logs are one run with it: ccusage's session total, once."""
    project = tmp_path / "projects" / "-home-me-demo"
    _jsonl(project / f"{SESSION}.jsonl", [_user(), _assistant("msg_main", 30)])
    for number, output in ((1, 7), (2, 5)):
        _jsonl(
            project / SESSION / "subagents" / f"agent-a{number}.jsonl",
            [_assistant(f"msg_sub{number}", output, request=f"req_s{number}", isSidechain=True)],
        )
    orphan = "9c0d2e1f-0000-4000-8000-00000000c1a1"  # sub-agent logs whose session log is gone
    for number, output in ((3, 11), (4, 13)):
        _jsonl(
            project / orphan / "subagents" / f"agent-a{number}.jsonl",
            [
                _assistant(
                    f"msg_sub{number}", output, request=f"req_s{number}", session=orphan, isSidechain=True
                )
            ],
        )

    data, warnings = _analyze(capsys, tmp_path / "projects")

    by_id = {f["run_id"]: f for f in data["files"]}
    assert (data["runs"], warnings) == (2, [])
    assert by_id[SESSION]["output_tokens"] == 30 + 7 + 5
    assert by_id[SESSION]["path"].endswith(f"{SESSION}.jsonl")
    assert by_id[orphan]["output_tokens"] == 11 + 13
    assert data["output_tokens"] == 30 + 7 + 5 + 11 + 13


@needs_corpus
def test_logs_without_times_have_no_duration(capsys: pytest.CaptureFixture[str]) -> None:
    """Trajectories that record no times (Harbor's golden ATIF files, SWE-agent replays without
    execution times) show no duration: null in JSON and "-" in the table, never "0ms"."""
    assert CORPUS is not None
    data, _ = _analyze(capsys, CORPUS / "atif")
    code = main(["analyze", str(CORPUS / "atif"), "--no-cache"])
    table = capsys.readouterr().out

    assert code == 0
    assert {f["duration_ms"] for f in data["files"]} == {None}
    assert data["duration_ms"] is None
    assert "0ms" not in table


# ------------------------------------------------------------------------------------------------
# ATIF written by other tools


def _atif_step(
    number: int, second: int, prompt: int, cached: int, output: int, **extra: Any
) -> dict[str, Any]:
    return {"step_id": number, "timestamp": f"2026-08-01T10:00:{second:02d}Z", "source": "agent",
            "message": "working", "metrics": {"prompt_tokens": prompt, "completion_tokens": output,
                                              "cached_tokens": cached}, **extra}  # fmt: skip


def test_atif_embedded_sub_agents_count_with_their_own_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ATIF v1.7 ``subagent_trajectories`` are part of the run: their tokens, at their model's price, and
    their tool calls, by ``analyze`` and by ``import`` alike."""
    child = {
        "trajectory_id": "explorer-1",
        "agent": {"name": "explorer", "version": "1", "model_name": "claude-haiku-4-5"},
        "steps": [
            {"step_id": 1, "source": "user", "message": "look"},
            _atif_step(
                2,
                4,
                1000,
                800,
                50,
                tool_calls=[{"tool_call_id": "c2", "function_name": "grep", "arguments": {"q": "x"}}],
            ),
        ],
    }
    task = [{"tool_call_id": "c1", "function_name": "Task", "arguments": {"prompt": "look"}}]
    doc = {"schema_version": "ATIF-v1.7", "session_id": "s-17",
           "agent": {"name": "main", "version": "1", "model_name": "claude-sonnet-4-5"},
           "steps": [{"step_id": 1, "timestamp": "2026-08-01T10:00:00Z", "source": "user", "message": "task"},
                     _atif_step(2, 1, 2000, 1500, 100, tool_calls=task),
                     _atif_step(3, 9, 2200, 2000, 20)],
           "subagent_trajectories": [child]}  # fmt: skip
    path = tmp_path / "trajectory.json"
    path.write_text(json.dumps(doc))
    sonnet = _cost("claude-sonnet-4-5", Usage(700, 120, 3500, 0))
    haiku = _cost("claude-haiku-4-5", Usage(200, 50, 800, 0))

    data, _ = _analyze(capsys, path)
    run = data["by_name"]["trajectory.json"]
    assert (_tokens(run), run["num_turns"], run["tool_calls"]) == ((900, 170, 4300, 0), 3, 2)
    assert run["cost_usd"] == pytest.approx(sonnet + haiku)

    assert main(["import", str(path), "--output-dir", str(tmp_path / "runs")]) == 0
    capsys.readouterr()
    imported, _ = _analyze(capsys, tmp_path / "runs")
    (run,) = imported["files"]
    assert (_tokens(run), run["model"], run["tool_calls"]) == ((900, 170, 4300, 0), "claude-sonnet-4-5", 2)
    assert run["cost_usd"] == pytest.approx(sonnet + haiku)


def test_an_atif_file_with_only_final_metrics_imports_its_tokens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Writers that record only ``final_metrics`` (no per-step metrics): ``import`` keeps the totals
    ``analyze`` reads from the file."""
    doc = {"schema_version": "ATIF-v1.6", "session_id": "s-16",
           "agent": {"name": "fsm", "version": "0.3", "model_name": "gpt-5"},
           "steps": [{"step_id": 1, "source": "user", "message": "go"},
                     {"step_id": 2, "source": "agent", "message": "ok"}],
           "final_metrics": {"total_prompt_tokens": 5000, "total_completion_tokens": 300,
                             "total_cached_tokens": None, "total_cost_usd": 0.01}}  # fmt: skip
    path = tmp_path / "trajectory.json"
    path.write_text(json.dumps(doc))

    assert main(["import", str(path), "--output-dir", str(tmp_path / "runs")]) == 0
    capsys.readouterr()
    runs = [_analyze(capsys, where)[0]["files"] for where in (path, tmp_path / "runs")]

    assert [_tokens(run) for (run,) in runs] == [(5000, 300, 0, 0)] * 2


# ------------------------------------------------------------------------------------------------
# Second sweep: Codex per-call records, Claude stream-json and transcript details


def _record(ts: str, response: str, usage: dict[str, int]) -> dict[str, Any]:
    """A ``token_usage_record`` of Codex 0.154 and later: one model call's usage."""
    return _env(ts, "token_usage_record", {"response_id": response, "turn_id": "t1", "usage": usage})


@pytest.mark.parametrize("record_first", [True, False])
def test_a_codex_call_reported_by_its_token_count_and_its_record_counts_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], record_first: bool
) -> None:
    """A call's ``token_usage_record`` written after the ``token_count`` that includes it adds nothing."""
    start = "2025-12-01T10:00:00.000Z"
    first, second = _counts(10000, 8000, 200), _counts(12000, 9000, 150)
    both = {k: first[k] + second[k] for k in first}
    at, later = "2025-12-01T10:00:03.000Z", "2025-12-01T10:00:08.000Z"
    pairs = [
        [_token_count(at, first, first), _record(at, "r1", first)],
        [_token_count(later, both, second), _record(later, "r2", second)],
    ]
    if record_first:
        pairs = [pair[::-1] for pair in pairs]
    log = _jsonl(tmp_path / "rollout.jsonl", [
        _meta(start, _uuid7(_ms(start))), _turn("2025-12-01T10:00:01.000Z"),
        _said("2025-12-01T10:00:02.000Z", "assistant", "a"), *pairs[0],
        _said("2025-12-01T10:00:07.000Z", "assistant", "b"), *pairs[1],
    ])  # fmt: skip

    data, _ = _analyze(capsys, log)

    run = data["by_name"]["rollout.jsonl"]
    assert (_tokens(run), run["num_turns"]) == ((5000, 350, 17000, 0), 2)


def test_a_codex_compaction_call_recorded_after_a_token_count_still_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The compaction request, only in a ``token_usage_record``, counts whichever comes first."""
    start = "2025-12-01T10:00:00.000Z"
    first, compaction, second = _counts(10000, 8000, 200), _counts(30000, 0, 2000), _counts(12000, 9000, 150)
    both = {k: first[k] + second[k] for k in first}
    at, later = "2025-12-01T10:00:03.000Z", "2025-12-01T10:00:08.000Z"
    log = _jsonl(tmp_path / "rollout.jsonl", [
        _meta(start, _uuid7(_ms(start))), _turn("2025-12-01T10:00:01.000Z"),
        _said("2025-12-01T10:00:02.000Z", "assistant", "a"),
        _token_count(at, first, first), _record(at, "r1", first),
        _record("2025-12-01T10:00:05.000Z", "rc", compaction),
        _said("2025-12-01T10:00:07.000Z", "assistant", "b"),
        _token_count(later, both, second), _record(later, "r2", second),
    ])  # fmt: skip

    data, _ = _analyze(capsys, log)

    assert _tokens(data["by_name"]["rollout.jsonl"]) == (35000, 2350, 17000, 0)


def _import(
    capsys: pytest.CaptureFixture[str], log: Path, out: Path
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``import --json`` of *log*: what it printed of the run, and the trajectory it wrote."""
    code = main(["import", str(log), "--output-dir", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    (imported,) = json.loads(captured.out)["imported"]
    return imported, json.loads(Path(imported["trajectory"]).read_text(encoding="utf-8"))


def _v02(kind: str, ts: str, **fields: Any) -> dict[str, Any]:
    """A line of a Claude Code 0.2.x transcript: every block of a response on one line, a ``costUSD``
    and ``durationMs`` on assistant lines, no ``requestId`` (shape of 0.2.1xx transcripts)."""
    return {"parentUuid": None, "isSidechain": False, "userType": "external", "cwd": "/home/me/demo",
            "sessionId": SESSION, "version": "0.2.108", "type": kind, **fields, "uuid": f"u-{ts}",
            "timestamp": ts}  # fmt: skip


def _v02_response(message: str, ts: str, content: list[dict[str, Any]], cost: float) -> dict[str, Any]:
    usage = {"input_tokens": 4, "cache_creation_input_tokens": 1200, "cache_read_input_tokens": 9000,
             "output_tokens": 150}  # fmt: skip
    body = {"id": message, "type": "message", "role": "assistant", "model": "claude-3-7-sonnet-20250219",
            "content": content, "stop_reason": "end_turn", "stop_sequence": None, "usage": usage}  # fmt: skip
    return _v02("assistant", ts, message=body, costUSD=cost, durationMs=4800)


def _v02_session(tmp_path: Path) -> Path:
    return _jsonl(tmp_path / f"{SESSION}.jsonl", [
        _v02("user", "2025-05-01T10:00:00.000Z", message={"role": "user", "content": "fix it"}),
        _v02_response("msg_01", "2025-05-01T10:00:05.000Z", [
            {"type": "text", "text": "Looking"},
            {"type": "tool_use", "id": "toolu_01", "name": "Bash", "input": {"command": "ls"}},
        ], 0.0123),
        _v02("user", "2025-05-01T10:00:06.000Z", toolUseResult="Error: boom", message={"role": "user",
             "content": [{"tool_use_id": "toolu_01", "type": "tool_result", "content": "Error: boom",
                          "is_error": True}]}),
        _v02_response("msg_02", "2025-05-01T10:00:09.000Z", [{"type": "text", "text": "Done"}], 0.0071),
    ])  # fmt: skip


def test_an_imported_0_2_transcript_keeps_each_steps_time_and_stated_cost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every block of a one-line response is stamped with its line's time; ``costUSD`` is the cost, as
    ``analyze`` counts it."""
    log = _v02_session(tmp_path)
    data, _ = _analyze(capsys, log)

    imported, trajectory = _import(capsys, log, tmp_path / "out")

    times = [step["ts"] for step in trajectory["steps"]]
    assert all("2025-05-01T10:00:00" <= ts <= "2025-05-01T10:00:09.5" for ts in times), times
    assert imported["cost_usd"] == data["cost_usd"] == pytest.approx(0.0194)


def test_a_web_search_is_a_tool_call_in_analyze_as_in_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A server-side tool (``server_tool_use``: web search) counts as a call in ``analyze`` and ``import``."""
    search = {"type": "server_tool_use", "id": "srvtoolu_01", "name": "web_search", "input": {"query": "x"}}
    line = _assistant("msg_01", 40)
    line["message"]["content"] = [search, {"type": "text", "text": "found it"}]
    log = _jsonl(tmp_path / "s.jsonl", [_user(), line])

    data, _ = _analyze(capsys, log)
    _, trajectory = _import(capsys, log, tmp_path / "out")

    calls = [s["tool"] for s in trajectory["steps"] if s["type"] == "tool_call"]
    assert (data["by_name"]["s.jsonl"]["tool_calls"], calls) == (1, ["web_search"])


def test_other_json_beside_the_logs_is_one_warning_each_and_no_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An app's NDJSON events (``sessionId``, ``"type": "user"``, ``uuid``), an npm lockfile, an OpenAPI
    spec and a pino log beside a transcript: one warning each, and only the transcript is a run."""
    _jsonl(tmp_path / "project" / f"{SESSION}.jsonl", [_user(), _assistant("msg_01", 40)])
    _jsonl(tmp_path / "app" / "events.ndjson", [
        {"timestamp": f"2025-06-01T10:00:0{i}.000Z", "type": "user", "sessionId": "s1", "uuid": f"e{i}",
         "message": "clicked"} for i in range(3)
    ])  # fmt: skip
    _jsonl(tmp_path / "app" / "server.log.jsonl", [
        {"level": 30, "time": 1733476800000, "pid": 1, "hostname": "web", "msg": "request completed"}
    ])  # fmt: skip
    (tmp_path / "app" / "package-lock.json").write_text(
        json.dumps({"name": "web", "lockfileVersion": 3, "packages": {"": {"name": "web"}}})
    )
    spec = {"openapi": "3.0.1", "paths": {"/s/{session_id}": {"get": {"responses": {"200": {
        "description": "ok", "content": {"application/json": {"schema": {"properties": {
            "type": {"enum": ["user", "assistant"]}, "sessionId": {"type": "string"}}}}}}}}}}}  # fmt: skip
    (tmp_path / "app" / "openapi.json").write_text(json.dumps(spec))

    data, warnings = _analyze(capsys, tmp_path)

    assert [Path(f["path"]).parent.name for f in data["files"]] == ["project"]
    assert len(warnings) == 4 and all("not a log format autopilot reads" in w for w in warnings)


# ------------------------------------------------------------------------------------------------
# Claude Code 2.1 responses that bill more than their own usage says (figures checked against
# ccusage 20.0.24 `claude session --offline --mode calculate` on the same lines)


def _usage_21(output: int, **more: Any) -> dict[str, Any]:
    """A 2.1.x response's usage: 4 input, 2000 cache read and 1000 cache write tokens, *output* out."""
    return {"input_tokens": 4, "cache_creation_input_tokens": 1000, "cache_read_input_tokens": 2000,
            "output_tokens": output, "service_tier": "standard", **more}  # fmt: skip


def test_an_advisor_call_counts_at_the_advisor_models_price(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An advisor call (an ``advisor_message`` of ``usage.iterations``) counts at its own model's rates."""
    # Claude Code 2.1.117+ with /advisor: the top-level usage is the executor's only; each advisor
    # call is an `advisor_message` iteration naming its model (Anthropic's advisor tool docs;
    # ccusage's claude adapter adds it as a call of its own).
    iterations = [
        {"type": "message", "input_tokens": 4, "output_tokens": 20, "cache_read_input_tokens": 2000,
         "cache_creation_input_tokens": 1000},
        {"type": "advisor_message", "model": "claude-opus-4-7", "input_tokens": 5000, "output_tokens": 700,
         "cache_read_input_tokens": 0, "cache_creation_input_tokens": 0},
        {"type": "message", "input_tokens": 0, "output_tokens": 10, "cache_read_input_tokens": 0,
         "cache_creation_input_tokens": 0},
    ]  # fmt: skip
    lines = [_assistant("msg_01", n, model="claude-sonnet-4-6") for n in (1, 30)]
    lines[0]["message"]["usage"] = _usage_21(1)  # the first block of the streamed response
    lines[1]["message"]["usage"] = _usage_21(30, iterations=iterations)
    log = _jsonl(tmp_path / "s.jsonl", [_user(), *lines])

    data, _ = _analyze(capsys, log)

    run = data["by_name"]["s.jsonl"]
    # Sonnet 4.6 at $3/$15 (cache $0.30/$3.75) plus Opus 4.7's 5000 in, 700 out at $5/$25.
    sonnet = (4 * 3 + 30 * 15 + 2000 * 0.3 + 1000 * 3.75) / 1e6
    opus = (5000 * 5 + 700 * 25) / 1e6
    assert (_tokens(run), run["num_turns"]) == ((5004, 730, 2000, 1000), 1)
    assert run["cost_usd"] == pytest.approx(sonnet + opus) == pytest.approx(0.047312)


@pytest.mark.parametrize(
    ("model", "rates"),
    [("claude-opus-4-6", (30, 150)), ("claude-opus-4-7", (30, 150)), ("claude-opus-4-8", (10, 50))],
)
def test_a_fast_mode_response_is_priced_at_fast_mode_rates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], model: str, rates: tuple[int, int]
) -> None:
    """A ``speed: fast`` response (``/fast``) costs fast-mode rates, in ``analyze`` and ``import`` alike."""
    # platform.claude.com/docs/en/build-with-claude/fast-mode: Opus 4.6/4.7 $30/$150, Opus 4.8
    # $10/$50, cache rates the usual multiples of those; ccusage 20.0.24 prices them the same.
    line = _assistant("msg_01", 50, model=model)
    line["message"]["usage"] = _usage_21(50, speed="fast")
    log = _jsonl(tmp_path / "s.jsonl", [_user(), line])

    data, _ = _analyze(capsys, log)
    _, trajectory = _import(capsys, log, tmp_path / "out")

    run = data["by_name"]["s.jsonl"]
    rate_in, rate_out = rates
    expected = (4 * rate_in + 50 * rate_out + 2000 * rate_in / 10 + 1000 * rate_in * 1.25) / 1e6
    assert (run["model"], run["cost_usd"]) == (f"{model}-fast", pytest.approx(expected))
    assert trajectory["usage"]["cost_usd"] == pytest.approx(expected)


# ------------------------------------------------------------------------------------------------
# Files saved on Windows: a byte order mark, CRLF line ends


def _saved_on_windows(log: Path, *, bom: bool = True) -> Path:
    """*log* as a Windows editor or PowerShell saves it: CRLF line ends, and a UTF-8 byte order mark."""
    copy = log.with_name(f"windows-{log.name}")
    data = log.read_bytes().replace(b"\n", b"\r\n")
    copy.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return copy


def test_logs_saved_with_a_byte_order_mark_and_crlf_read_as_the_originals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A transcript and a rollout saved with a byte order mark were "not a log format autopilot reads";
    ccusage reads them. Both give the figures of the originals, for ``analyze`` and ``import`` alike."""
    start = "2026-03-04T13:00:00.000Z"
    usage = _counts(3000, 1000, 30)
    originals = [
        _jsonl(tmp_path / "claude" / f"{SESSION}.jsonl", [
            _user("réparer ✓"), _assistant("msg_01", 10), _assistant("msg_01", 70),
        ]),
        _jsonl(tmp_path / "codex" / "rollout.jsonl", [
            _meta(start, _uuid7(_ms(start))), _turn("2026-03-04T13:00:01.000Z", "gpt-5.1-codex"),
            _said("2026-03-04T13:00:02.000Z", "user", "fais-le"),
            _said("2026-03-04T13:00:04.000Z", "assistant", "fini"),
            _token_count("2026-03-04T13:00:04.100Z", usage, usage),
        ]),
    ]  # fmt: skip
    for original in originals:
        copy = _saved_on_windows(original)

        # Apart: the copy holds the same responses, which count once when read together.
        (ours, _), (theirs, warnings) = _analyze(capsys, original), _analyze(capsys, copy)

        assert warnings == []
        ours, theirs = ours["files"][0], theirs["files"][0]
        assert ours["kind"] == theirs["kind"]
        assert ours["input_tokens"] > 0
        for key in ("input_tokens", "output_tokens", "cache_read_tokens", "cost_usd", "duration_ms", "steps"):
            assert ours[key] == theirs[key], key
        plain, _ = _import(capsys, original, tmp_path / "out")
        windows, _ = _import(capsys, copy, tmp_path / "out")
        assert (windows["steps"], windows["cost_usd"]) == (plain["steps"], plain["cost_usd"])
