"""``analyze`` reads a Codex rollout a line at a time into figures: the same session as ``import`` reads."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.corpus import CORPUS, needs_corpus

from autopilot.core.importer import session_of_imported
from autopilot.plugins.codex.logs import CodexRolloutReader, scan_rollout

READER = CodexRolloutReader()


def _outcome(read: Any) -> Any:
    try:
        return read()
    except Exception as exc:  # a damaged file must fail the same way both ways
        return type(exc), str(exc)


def _both(path: Path) -> tuple[Any, Any]:
    """What the line-at-a-time scan reads, and what the whole import reads (or the error each raises)."""
    data = path.read_bytes()
    fast = _outcome(lambda: scan_rollout(path, io.BytesIO(data), READER.name))
    whole = _outcome(lambda: session_of_imported(READER.read(path, data), path, READER.name))
    return fast, whole


@needs_corpus
def test_the_scan_of_every_corpus_rollout_equals_the_session_import_reads() -> None:
    """Each real rollout gives the same calls, models, times, tools and steps both ways."""
    assert CORPUS is not None
    paths = sorted((CORPUS / "codex-rollout").glob("*.jsonl"))
    assert paths
    for path in paths:
        fast, whole = _both(path)
        assert fast is not None and fast.calls
        assert fast == whole, path.name


def test_a_legacy_rollout_or_a_document_over_several_lines_is_read_whole(tmp_path: Path) -> None:
    """A rollout from before the envelope, or pretty-printed JSON, is left to the whole read."""
    legacy = tmp_path / "legacy.jsonl"
    legacy.write_text('{"id": "abc", "timestamp": "2025-07-01T10:00:00Z", "instructions": null}\n')
    pretty = tmp_path / "pretty.jsonl"
    pretty.write_text(
        json.dumps({"timestamp": "2025-07-01T10:00:00Z", "type": "turn_context", "payload": {}}, indent=1)
    )
    for path in (legacy, pretty):
        assert scan_rollout(path, io.BytesIO(path.read_bytes()), READER.name) is None
        assert READER.scan(path, path.read_bytes())[0].kind == "codex-rollout"


# ------------------------------------------------------------------------------------------------
# Generated rollouts: every record shape the readers know, in random orders

_TIMES = [
    f"2025-10-0{day}T23:59:{second:02d}.{ms:03d}Z"
    for day in (1, 2)
    for second in (0, 1, 3)
    for ms in (0, 500)
]
_SESSION, _PARENT = "0199a000-0000-7000-8000-000000000001", "0199a000-0000-7000-8000-000000000002"
_COUNTS = st.fixed_dictionaries(
    {
        "input_tokens": st.integers(0, 5000),
        "cached_input_tokens": st.integers(0, 3000),
        "output_tokens": st.integers(0, 900),
    },
    optional={
        "reasoning_output_tokens": st.integers(0, 100),
        "cache_read_input_tokens": st.integers(0, 10),
        "cache_write_input_tokens": st.integers(0, 10),
    },
)
_MODELS = st.sampled_from(["gpt-5-codex", "gpt-5", " gpt-5.2 ", ""])
_OUTPUTS = st.one_of(
    st.builds(
        lambda code, text: json.dumps({"output": text, "metadata": {"exit_code": code}}),
        st.one_of(st.none(), st.integers(-1, 2)),
        st.text(max_size=20),
    ),
    st.builds(
        lambda code, seconds: json.dumps(
            {"output": "x", "metadata": {"exit_code": code, "duration_seconds": seconds}}
        ),
        st.integers(0, 2),
        st.sampled_from([0.0, 0.3, 2.5, -1, "1", 10**9]),
    ),
    st.builds(lambda code: f"Exit code: {code}\nProcess exited with code {code}\n", st.integers(0, 2)),
    st.builds(
        lambda seconds: (
            f"Chunk ID: ab12\nWall time: {seconds} seconds\nProcess exited with code 0\nOutput:\nok\n"
        ),
        st.sampled_from(["0.0012", "1.8645", "4"]),
    ),
    st.builds(lambda text: json.dumps({"output": {"nested": text}}), st.text(max_size=5)),
    st.just('{"output": "x", "metadata": {"exit_code": NaN}}'),
    st.just("[1, 2]"),
    st.builds(lambda text: {"content": text}, st.text(max_size=10)),
    st.none(),
)


def _payloads() -> st.SearchStrategy[tuple[str, Any]]:
    call = st.sampled_from(["call_1", "call_2", "call_3"])
    arguments = st.sampled_from(
        ['{"command": ["bash", "-lc", "ls"]}', '{"cmd": "pytest -q"}', '{"path": "a.py"}', "not json", "{}"]
    )
    item = st.one_of(
        st.builds(
            lambda role, text: {
                "type": "message",
                "role": role,
                "content": [{"type": "input_text", "text": text}],
            },
            st.sampled_from(["user", "assistant", "developer"]),
            st.sampled_from(["fix the bug", "<environment_context>x</environment_context>", ""]),
        ),
        st.builds(
            lambda texts: {
                "type": "reasoning",
                "summary": [{"type": "summary_text", "text": t} for t in texts],
                "content": None,
                "encrypted_content": "gAAAA" * 20,
            },
            st.lists(st.sampled_from(["", "**Planning**"]), max_size=2),
        ),
        st.builds(
            lambda name, args, cid: {
                "type": "function_call",
                "name": name,
                "arguments": args,
                "call_id": cid,
            },
            st.sampled_from(["shell", "exec_command", "read_file"]),
            arguments,
            call,
        ),
        st.builds(
            lambda cid, inp: {
                "type": "custom_tool_call",
                "name": "apply_patch",
                "call_id": cid,
                **({"input": "*** Begin Patch"} if inp else {}),
            },
            call,
            st.booleans(),
        ),
        st.builds(
            lambda cid: {
                "type": "local_shell_call",
                "call_id": cid,
                "action": {"type": "exec", "command": ["ls"], "exec": {"cmd": "ls"}},
            },
            call,
        ),
        st.builds(lambda cid: {"type": "web_search_call", "id": cid, "action": {"query": "q"}}, call),
        st.builds(
            lambda kind, cid, out: {"type": kind, "call_id": cid, "output": out},
            st.sampled_from(["function_call_output", "custom_tool_call_output", "local_shell_call_output"]),
            call,
            _OUTPUTS,
        ),
        st.just({"type": "ghost_snapshot", "ghost_commit": {"id": "abc"}}),
    )
    info = st.one_of(
        st.none(),
        st.builds(
            lambda total, last, model: {
                "total_token_usage": total,
                "last_token_usage": last,
                **({"model": model} if model is not None else {}),
            },
            _COUNTS,
            st.one_of(st.none(), _COUNTS),
            st.one_of(st.none(), _MODELS),
        ),
        st.builds(lambda last: {"last_token_usage": last}, _COUNTS),
    )
    return st.one_of(
        st.tuples(st.just("response_item"), item),
        st.tuples(
            st.just("event_msg"),
            st.builds(lambda i: {"type": "token_count", "info": i, "rate_limits": {}}, info),
        ),
        st.tuples(
            st.just("event_msg"),
            st.sampled_from(
                [
                    {"type": "agent_reasoning", "text": "hm"},
                    {"type": "user_message", "message": "hi"},
                    {"type": "task_complete", "last_agent_message": "done"},
                    {"type": "turn_aborted", "reason": "x"},
                ]
            ),
        ),
        st.tuples(
            st.just("turn_context"),
            st.builds(
                lambda model, key, turn: {"cwd": "/w", key: model, **({"turn_id": turn} if turn else {})},
                _MODELS,
                st.sampled_from(["model", "model_name"]),
                st.sampled_from(
                    [None, "0199a000-0000-7000-8000-0000000000aa", "0199c000-0000-7000-8000-0000000000aa"]
                ),
            ),
        ),
        st.tuples(
            st.just("token_usage_record"),
            st.builds(
                lambda usage, rid: {"usage": usage, **({"response_id": rid} if rid else {})},
                _COUNTS,
                st.sampled_from([None, "resp_1", "resp_2"]),
            ),
        ),
        st.tuples(
            st.just("session_meta"),
            st.builds(
                lambda sid: {"id": sid, "timestamp": "2025-10-01T23:59:00.000Z", "cwd": "/other"},
                st.sampled_from([_SESSION, _PARENT]),
            ),
        ),
        st.tuples(st.just("compacted"), st.just({"message": "summary"})),
        st.tuples(st.just("something_new"), st.just({"x": 1})),
    )


_NO_STEPS = ("turn_context", "token_usage_record", "something_new")
_ODD_LINES = st.sampled_from(
    [
        '{"timestamp": "2025-10-02T00:00:09.000Z", "type": "event_msg", "payload": "not an object"}',
        '{"timestamp": "2025-10-01T23:58:00.000Z", "type": "turn_context"}',
        '{"timestamp": "2025-10-02T00:00:04.000Z", "type": "response_item", "payload": {"type": "message", '
        '"role": "user", "content": [{"type": "input_text", "text": "emoji \\ud83d cut"}]}}',
        '{"timestamp": "2025-10-02T00:00:05.000Z", "type": "response_item", "payload": '
        '{"type": "function_call_output", "call_id": "call_1", "output": "Process exited with code 3", '
        '"extra": NaN}}',
        "not json at all",
        "[1, 2, 3]",
        "   ",
        '{"timestamp": "2025-10-02T00:00:0',
    ],
)


@st.composite
def _rollouts(draw: st.DrawFn) -> str:
    meta = {"id": _SESSION, "timestamp": draw(st.sampled_from(_TIMES)), "cwd": "/home/me/demo"}
    if draw(st.booleans()):
        meta["forked_from_id"] = _PARENT
    lines = []
    if draw(st.booleans()):
        lines.append(json.dumps({"timestamp": meta["timestamp"], "type": "session_meta", "payload": meta}))
    for _ in range(draw(st.integers(0, 25))):
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(_ODD_LINES))
            continue
        kind, payload = draw(_payloads())
        record: dict[str, Any] = {
            "timestamp": draw(st.sampled_from(_TIMES)),
            "type": kind,
            "payload": payload,
        }
        if kind in _NO_STEPS and draw(st.integers(0, 4)) == 0:
            del record["timestamp"]  # the time of the step before stands for it
        lines.append(json.dumps(record, separators=draw(st.sampled_from([(",", ":"), (", ", ": ")]))))
    if not lines or '"payload"' not in lines[0] or "ud83d" in lines[0]:  # the scan reads from a record on
        lines.insert(
            0, json.dumps({"timestamp": _TIMES[0], "type": "turn_context", "payload": {"model": "gpt-5"}})
        )
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=_rollouts())
def test_the_scan_of_a_generated_rollout_equals_the_session_import_reads(tmp_path: Path, text: str) -> None:
    """Random orders and shapes of records (forks, model switches, usage records before and after
    their totals, failed tools, odd lines) give the same session both ways."""
    path = tmp_path / "rollout.jsonl"
    path.write_text(text)
    fast, whole = _both(path)
    assert fast is not None
    assert fast == whole


# ------------------------------------------------------------------------------------------------
# Tool latencies: what the output states when the rollout's own times cannot show it


def _record(ts: str, kind: str, payload: dict[str, Any]) -> str:
    return json.dumps({"timestamp": ts, "type": kind, "payload": payload})


def _latencies(tmp_path: Path, lines: list[str]) -> tuple[list[float], list[float]]:
    """The command latencies ``analyze`` reads, and those of the run ``import`` makes, in ms."""
    from autopilot.core.trajectory.analysis import tool_figures

    path = tmp_path / "rollout.jsonl"
    path.write_text("\n".join(lines) + "\n")
    fast = scan_rollout(path, io.BytesIO(path.read_bytes()), READER.name)
    assert fast is not None
    imported = READER.read(path, path.read_bytes())
    steps = [step for event in imported.events for step in event.steps]
    return list(fast.tools["command_execution"].latencies_ms), tool_figures(steps)[
        "command_execution"
    ].latencies_ms


_META = _record("2025-09-25T14:02:05.435Z", "session_meta", {"id": _SESSION, "cwd": "/w"})


def _output(ts: str, call_id: str, output: str) -> str:
    item = {"type": "function_call_output", "call_id": call_id, "output": output}
    return _record(ts, "response_item", item)


def _call(ts: str, call_id: str) -> str:
    arguments = json.dumps({"command": ["bash", "-lc", "make test"]})
    return _record(
        ts,
        "response_item",
        {"type": "function_call", "name": "shell", "arguments": arguments, "call_id": call_id},
    )


@given(tenths=st.integers(0, 36_000), hundredths=st.integers(0, 500))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_command_written_with_its_output_takes_the_time_its_output_states(
    tmp_path: Path, tenths: int, hundredths: int
) -> None:
    """An older Codex writes a call, its reasoning and its output at one time once the command is over:
    the latency is the output's `duration_seconds` (a newer one's `Wall time`), not 0 ms, for analyze
    and import alike; the reasoning is not dated after the call."""
    older = json.dumps({"output": "ok", "metadata": {"exit_code": 0, "duration_seconds": tenths / 10}})
    newer = f"Chunk ID: 1a\nWall time: {hundredths / 100} seconds\nProcess exited with code 0\nOutput:\nok\n"
    at, later = "2025-09-25T14:02:23.022Z", "2025-09-25T14:03:40.500Z"
    reasoning = {"type": "reasoning", "summary": [{"type": "summary_text", "text": "run the tests"}]}
    lines = [
        _META,
        _record(at, "response_item", reasoning),
        _call(at, "call_1"),
        _output(at, "call_1", older),
        _call(later, "call_2"),
        _record(
            later, "response_item", {"type": "function_call_output", "call_id": "call_2", "output": newer}
        ),
    ]

    fast, whole = _latencies(tmp_path, lines)
    imported = READER.read(tmp_path / "rollout.jsonl", (tmp_path / "rollout.jsonl").read_bytes())
    steps = [step for event in imported.events for step in event.steps]
    thinking = next(s for s in steps if s.type == "thinking")
    call = next(s for s in steps if s.type == "tool_call")

    assert fast == whole
    assert [round(ms) for ms in fast] == [tenths * 100, hundredths * 10]
    assert thinking.ts <= call.ts


def test_a_command_whose_times_show_it_keeps_them(tmp_path: Path) -> None:
    """A newer Codex writes the call when the model asks for it: its own times stand (they hold the
    time codex took to start the command too), not the shorter wall time the output states."""
    output = "Chunk ID: 1a\nWall time: 1.8645 seconds\nProcess exited with code 0\nOutput:\nok\n"
    lines = [
        _META,
        _call("2026-12-08T00:54:06.848Z", "call_1"),
        _record(
            "2026-12-08T00:54:09.032Z",
            "response_item",
            {"type": "function_call_output", "call_id": "call_1", "output": output},
        ),
    ]

    fast, whole = _latencies(tmp_path, lines)

    assert fast == whole == [2184.0]


@needs_corpus
def test_corpus_rollouts_give_commands_their_stated_time() -> None:
    """In the real rollouts (Codex 0.40, call and output written together) each command is timed by
    what its output states, not 0 ms: the latencies are exactly the stated durations."""
    path = next((CORPUS / "codex-rollout").glob("*2025-09-24T19-22-20*.jsonl"))
    stated = []
    for line in path.read_text(encoding="utf-8").splitlines():
        payload = json.loads(line).get("payload") or {}
        if payload.get("type") == "function_call_output" and payload["output"].startswith("{"):
            stated.append(json.loads(payload["output"])["metadata"]["duration_seconds"] * 1000)

    fast, whole = _both(path)
    latencies = sorted(fast.tools["command_execution"].latencies_ms)

    assert fast == whole
    assert max(stated) > 1000
    assert sorted(stated)[-10:] == [round(ms) for ms in latencies[-10:]]
