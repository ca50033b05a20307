"""``autopilot export --format otlp``: GenAI spans of real logs, to a file or an in-process collector."""

from __future__ import annotations

import datetime as dt
import json
import socket
from collections import Counter
from pathlib import Path

import pytest
from tests.corpus import CORPUS, needs_corpus
from tests.fake_secrets import github_token
from tests.otlp_collector import Collector, SpanRecord, read_spans

from autopilot.cli import main
from autopilot.core.models import Run, Step, Usage

LOGS = [
    "claude-transcript/agentcmd__full-session.jsonl",
    "claude-transcript/spotter__tool_heavy.jsonl",
    "claude-transcript/spotter__subagent__agent-a2898e3.jsonl",
    "claude-stream-json/terragon__claude-json-task-test.json",
    "claude-stream-json/terragon__claude-json-bash-test.json",
    "codex-rollout/agentcmd__rollout-2025-09-24T20-12-23-01997ea4-a70d-7da3-8c20-c736db82a7c5.jsonl",
    "codex-rollout/agentcmd__rollout-2025-09-25T15-12-14-019982b8-3422-79e0-8b3b-05abaf4f3c3e.jsonl",
    "codex-exec-json/agentcmd__stream-output-2.jsonl",
]


def _analyze(capsys: pytest.CaptureFixture[str], path: Path) -> dict:
    code = main(["analyze", str(path), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


def _export(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["export", "--format", "otlp", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _tree(spans: list[SpanRecord]) -> tuple[SpanRecord, list[SpanRecord]]:
    (root,) = [s for s in spans if not s.parent_id]
    return root, [s for s in spans if s is not root]


def _total(spans: list[SpanRecord], key: str) -> int:
    return sum(int(s.attributes.get(key, 0)) for s in spans)


@needs_corpus
@pytest.mark.parametrize("log", LOGS)
def test_spans_of_a_real_log_match_what_analyze_reports(
    log: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One invoke_agent root; a chat span per model turn and an execute_tool span per tool call, with
    the tokens analyze reports."""
    assert CORPUS is not None
    figures = _analyze(capsys, CORPUS / log)
    out = tmp_path / "spans.jsonl"
    code, _, err = _export(capsys, "-o", out, CORPUS / log)
    spans = read_spans(out)
    root, children = _tree(spans)
    chats = [s for s in children if s.operation == "chat"]
    tools = [s for s in children if s.operation == "execute_tool"]
    cached = figures["cache_read_tokens"] + figures["cache_creation_tokens"]

    assert (code, err) == (0, "")
    assert root.operation == "invoke_agent" and root.name.startswith("invoke_agent ")
    assert {s.parent_id for s in children} == {root.span_id}
    assert {s.trace_id for s in spans} == {root.trace_id}
    assert len(chats) + len(tools) == len(children)
    assert len(chats) == figures["num_turns"]
    assert len(tools) == sum(tool["calls"] for tool in figures["tools"].values())
    assert Counter(s.attributes["gen_ai.tool.name"] for s in tools) == {
        name: tool["calls"] for name, tool in figures["tools"].items()
    }
    assert _total(chats, "gen_ai.usage.input_tokens") == figures["input_tokens"] + cached
    assert _total(chats, "gen_ai.usage.output_tokens") == figures["output_tokens"]
    assert _total(chats, "gen_ai.usage.cache_read.input_tokens") == figures["cache_read_tokens"]
    assert _total(chats, "gen_ai.usage.cache_creation.input_tokens") == figures["cache_creation_tokens"]
    assert root.attributes["gen_ai.usage.input_tokens"] == figures["input_tokens"] + cached
    assert root.attributes["gen_ai.usage.output_tokens"] == figures["output_tokens"]
    assert root.attributes["autopilot.cost_usd"] == pytest.approx(figures["cost_usd"], abs=1e-6)
    assert all(root.start <= s.start <= s.end <= root.end for s in children)


@needs_corpus
def test_chat_and_tool_spans_carry_the_conventions_attributes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Chat spans are CLIENT spans naming provider, models and conversation; tool spans name the call."""
    assert CORPUS is not None
    out = tmp_path / "spans.jsonl"
    _export(capsys, "-o", out, CORPUS / "claude-transcript/spotter__tool_heavy.jsonl")
    root, children = _tree(read_spans(out))
    chat = next(s for s in children if s.operation == "chat")
    tool = next(s for s in children if s.operation == "execute_tool")

    assert root.attributes["gen_ai.agent.name"] == "claude"
    assert root.attributes["gen_ai.provider.name"] == "anthropic" == root.attributes["gen_ai.system"]
    assert chat.name == f"chat {chat.attributes['gen_ai.request.model']}" and chat.kind == 3  # CLIENT
    assert chat.attributes["gen_ai.response.model"].startswith("claude-")
    assert chat.attributes["gen_ai.conversation.id"] == root.attributes["gen_ai.conversation.id"]
    assert tool.name == f"execute_tool {tool.attributes['gen_ai.tool.name']}" and tool.kind == 1  # INTERNAL
    assert tool.attributes["gen_ai.tool.call.id"].startswith("toolu_")
    assert "gen_ai.tool.call.arguments" not in tool.attributes


@needs_corpus
def test_export_sends_the_same_spans_to_a_collector(
    collector: Collector, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--endpoint sends over OTLP/HTTP exactly the spans -o writes (ids included), to /v1/traces."""
    assert CORPUS is not None
    log = (
        CORPUS
        / "codex-rollout/agentcmd__rollout-2025-09-24T20-12-23-01997ea4-a70d-7da3-8c20-c736db82a7c5.jsonl"
    )
    out = tmp_path / "spans.jsonl"
    _export(capsys, "-o", out, log)

    code, stdout, err = _export(capsys, "--endpoint", collector.url, log)

    assert (code, err) == (0, "")
    assert collector.paths == ["/v1/traces"]
    assert sorted(collector.spans, key=lambda s: s.span_id) == sorted(
        read_spans(out), key=lambda s: s.span_id
    )
    assert f"-> {collector.url}/v1/traces" in stdout and "1 invoke_agent, 18 chat, 16 execute_tool" in stdout


@needs_corpus
def test_the_standard_variables_name_the_collector_and_its_headers(
    collector: Collector, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --endpoint, OTEL_EXPORTER_OTLP_ENDPOINT is the collector and _HEADERS are sent to it."""
    assert CORPUS is not None
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "x-team=agents")

    code, _, err = _export(capsys, CORPUS / "codex-exec-json/agentcmd__stream-output-2.jsonl")

    assert (code, err) == (0, "")
    assert collector.paths == ["/v1/traces"]
    assert collector.headers[0]["x-team"] == "agents"


def _trajectory_with_secret(path: Path, secret: str) -> Run:
    run = Run(
        run_id="20261201T100000-abcd0123",
        prompt="check the deploy",
        agent="claude",
        model="claude-sonnet-4-5",
    )
    run.started_at, run.ended_at = "2026-12-01T10:00:00.000Z", "2026-12-01T10:00:09.000Z"
    run.branch = f"fix-{secret}"
    run.steps = [
        Step("user", ts="2026-12-01T10:00:00.000Z", text="check the deploy", index=0),
        Step(
            "tool_call",
            ts="2026-12-01T10:00:03.000Z",
            tool="Bash",
            tool_use_id="toolu_1",
            input={"command": f"curl -H 'Authorization: token {secret}' https://api.github.com/user"},
            turn=1,
            index=1,
            usage=Usage(input_tokens=100, output_tokens=20),
        ),
        Step(
            "tool_result",
            ts="2026-12-01T10:00:05.000Z",
            tool_use_id="toolu_1",
            output="ok",
            is_error=False,
            index=2,
        ),
        Step(
            "assistant",
            ts="2026-12-01T10:00:09.000Z",
            text="done",
            turn=2,
            index=3,
            usage=Usage(input_tokens=150, output_tokens=5),
        ),
    ]
    run.result.status = "success"
    run.usage = Usage(input_tokens=250, output_tokens=25)
    path.write_text(json.dumps(run.to_dict()), encoding="utf-8")
    return run


def test_a_secret_in_a_tool_input_is_redacted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With --capture-content the tool arguments go out, through the redact chain like every attribute
    and the failed run's status message."""
    secret = github_token()
    trajectory = tmp_path / "run.json"
    data = _trajectory_with_secret(trajectory, secret).to_dict()
    data["result"].update(status="error", error=f"push refused for {secret}")
    trajectory.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "spans.jsonl"

    code, _, err = _export(capsys, "--capture-content", "-o", out, trajectory)
    root, children = _tree(read_spans(out))
    (tool,) = [s for s in children if s.operation == "execute_tool"]

    assert (code, err) == (0, "")
    assert secret not in out.read_text()
    assert "[REDACTED" in tool.attributes["gen_ai.tool.call.arguments"]
    assert "[REDACTED" in root.attributes["autopilot.branch"]
    assert tool.attributes["gen_ai.tool.call.result"] == "ok"
    assert (root.status, root.attributes["error.type"]) == (2, "error")  # STATUS_CODE_ERROR


def test_span_times_come_from_the_steps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The run spans its start to end; a model call runs from its input to its last step; a tool call
    from its call to its result."""
    trajectory = tmp_path / "run.json"
    _trajectory_with_secret(trajectory, "nothing-secret")
    out = tmp_path / "spans.jsonl"
    _export(capsys, "-o", out, trajectory)
    second = 1_000_000_000
    start = int(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC).timestamp()) * second

    root, children = _tree(read_spans(out))
    times = sorted((s.name, s.start - start, s.end - start) for s in children)

    assert (root.start - start, root.end - start) == (0, 9 * second)
    assert times == [
        ("chat claude-sonnet-4-5", 0, 3 * second),
        ("chat claude-sonnet-4-5", 5 * second, 9 * second),
        ("execute_tool Bash", 3 * second, 5 * second),
    ]


def test_exporting_twice_gives_the_same_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Trace and span ids derive from the run, so a back end sees a re-export as the same spans."""
    trajectory = tmp_path / "run.json"
    _trajectory_with_secret(trajectory, "nothing-secret")
    _export(capsys, "-o", tmp_path / "a.jsonl", trajectory)
    _export(capsys, "-o", tmp_path / "b.jsonl", trajectory)

    assert read_spans(tmp_path / "a.jsonl") == read_spans(tmp_path / "b.jsonl")


def test_without_a_destination_spans_go_to_standard_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No -o and no collector: one OTLP JSON line per run on stdout, nothing else."""
    trajectory = tmp_path / "run.json"
    _trajectory_with_secret(trajectory, "nothing-secret")

    code, out, err = _export(capsys, trajectory, trajectory)

    assert (code, err) == (0, "")
    assert [len(json.loads(line)["resourceSpans"]) for line in out.splitlines()] == [1, 1]


def test_a_directory_exports_the_runs_under_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`export --format otlp docs/logs`, as docs/otlp.md shows it, exports every run in the folder; a
    folder with no run in it is one error line (it used to be "is a directory" for both)."""
    logs = tmp_path / "docs" / "logs"
    for day in ("20261201", "20261202"):
        (logs / day).mkdir(parents=True)
        _trajectory_with_secret(logs / day / "100000-check.json", "nothing-secret")
    (tmp_path / "empty").mkdir()

    code, out, err = _export(capsys, logs)
    empty = _export(capsys, tmp_path / "empty")

    assert (code, err) == (0, "")
    assert len(out.splitlines()) == 2
    assert empty == (
        2,
        "",
        f"error: {tmp_path / 'empty'}: no trajectories (*.json, *.journal.jsonl) in this directory\n",
    )


def test_an_unreadable_file_is_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that is no log autopilot reads: one error line naming it, exit 2, the other runs still go."""
    bad = tmp_path / "notes.txt"
    bad.write_text("not a log\n")
    good = tmp_path / "run.json"
    _trajectory_with_secret(good, "nothing-secret")
    out = tmp_path / "spans.jsonl"

    code, _, err = _export(capsys, "-o", out, bad, good)

    assert code == 2
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and str(bad) in err
    assert len(read_spans(out)) == 4


@pytest.mark.parametrize(
    "endpoint", ["localhost:4318", "ftp://collector/v1/traces", "http://", "http://h:port"]
)
def test_a_bad_endpoint_url_is_one_error_line(
    endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--endpoint that is not an http(s) URL: one error line naming it, exit 2, nothing sent."""
    trajectory = tmp_path / "run.json"
    _trajectory_with_secret(trajectory, "nothing-secret")

    code, out, err = _export(capsys, "--endpoint", endpoint, trajectory)

    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and err.startswith("error: --endpoint: ") and endpoint in err


def test_a_collector_that_is_down_is_one_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing listens at --endpoint: one error line naming the run and the URL, exit 1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "1")
    trajectory = tmp_path / "run.json"
    _trajectory_with_secret(trajectory, "nothing-secret")

    code, out, err = _export(capsys, "--endpoint", f"http://127.0.0.1:{port}", trajectory)

    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1
    assert err.startswith(f"error: {trajectory}: could not send 4 spans to http://127.0.0.1:{port}/v1/traces")


def test_the_reason_of_a_failed_send_does_not_promise_a_retry() -> None:
    """The SDK's first message names the cause and ends ", retrying in 1.03s."; the error line that
    quotes it is printed once every retry has failed, so that ending goes."""
    import logging

    from autopilot.cli.export import _FirstError

    first = _FirstError()
    message = "Transient error ConnectionError(Connection refused) encountered while exporting spans batch"
    first.handle(
        logging.LogRecord("otel", logging.WARNING, __file__, 1, message + ", retrying in 1.03s.", None, None)
    )
    first.handle(logging.LogRecord("otel", logging.WARNING, __file__, 1, "later message", None, None))

    assert first.message == message


def test_dash_o_dash_writes_to_standard_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`-o -`, as the help says, sends the OTLP JSON lines to stdout instead of being refused."""
    trajectory = tmp_path / "run.json"
    _trajectory_with_secret(trajectory, "nothing-secret")

    code, out, err = _export(capsys, "-o", "-", trajectory)

    assert (code, err) == (0, "")
    assert len(json.loads(out)["resourceSpans"]) == 1


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("out", "is a directory (for otlp, -o names the file to write)"),
        ("missing/spans.jsonl", "no such directory: {tmp}/missing"),
    ],
)
def test_an_output_that_cannot_be_a_file_is_one_error_line_before_any_work(
    where: str, reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o naming a directory or a file in a missing directory: one error line naming it, exit 2, no
    line claiming a run was written."""
    trajectory = tmp_path / "run.json"
    _trajectory_with_secret(trajectory, "nothing-secret")
    (tmp_path / "out").mkdir()

    code, out, err = _export(capsys, "-o", tmp_path / where, trajectory)

    assert (code, out) == (2, "")
    assert err.splitlines() == [f"error: {tmp_path / where}: {reason.format(tmp=tmp_path)}"]


def test_a_failed_export_leaves_an_existing_output_file_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """When no run could be read, the file named by -o keeps what it held."""
    out = tmp_path / "spans.jsonl"
    out.write_text("earlier spans\n")
    (tmp_path / "empty.jsonl").write_bytes(b"")

    code, _, _ = _export(capsys, "-o", out, tmp_path / "empty.jsonl")

    assert code == 2
    assert out.read_text() == "earlier spans\n"


@pytest.mark.parametrize("where", ["-", "file"])
def test_atif_output_must_be_a_directory(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """atif -o naming a file or stdout is one error line (exit 2); nothing is written over the file."""
    trajectory = tmp_path / "run.json"
    _trajectory_with_secret(trajectory, "nothing-secret")
    (tmp_path / "file").write_text("keep\n")
    target = where if where == "-" else str(tmp_path / where)

    code = main(["export", "-o", target, str(trajectory)])

    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith(f"error: {'-o -' if where == '-' else target}: ")
    assert (tmp_path / "file").read_text() == "keep\n"


def test_atif_creates_the_output_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """atif -o naming a directory that does not exist yet creates it and writes the run there."""
    trajectory = tmp_path / "run.json"
    _trajectory_with_secret(trajectory, "nothing-secret")

    code = main(["export", "-o", str(tmp_path / "new" / "atif"), str(trajectory)])

    assert code == 0
    assert len(list((tmp_path / "new" / "atif").glob("*.trajectory.json"))) == 1


@needs_corpus
def test_exporting_another_agents_log_again_replaces_its_atif_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An imported log gets a new run id on every import; its ATIF file is named for the log's start and
    path instead, so a second export of the same logs writes over the first one's files."""
    assert CORPUS is not None
    logs = [
        str(CORPUS / "claude-transcript/spotter__tool_heavy.jsonl"),
        *map(str, (CORPUS / "codex-rollout").glob("*.jsonl")),
    ]

    for _ in range(2):
        assert main(["export", "-o", str(tmp_path), *logs]) == 0
    written = sorted(tmp_path.glob("*.trajectory.json"))

    assert len(written) == len(logs)
    assert all(json.loads(p.read_text())["agent"]["extra"]["run_id"] == p.name.split(".")[0] for p in written)
