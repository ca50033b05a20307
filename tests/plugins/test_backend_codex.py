"""The Codex backend: event mapping on the real corpus, usage deltas, the command line, and the real
codex binary end to end against the scripted Responses server."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psutil
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.corpus import CORPUS
from tests.plugin_fixtures import RmGuard

from autopilot import BackendEvent, RunRequest, Step, Usage, hookimpl
from autopilot.plugins.codex import trajectory_import
from autopilot.plugins.codex.backend import (
    CodexBackend,
    CodexSettings,
    CodexSetupError,
    UsageJoiner,
    rollout_baseline,
)
from autopilot.plugins.codex.command import build_command
from autopilot.plugins.codex.events import (
    CodexEventMapper,
    RawUsage,
    UsageTracker,
    map_exec_events,
    unwrap_shell,
)
from autopilot.plugins.codex.settings import find_codex_binary
from autopilot.testing.codex import codex_env, scripted_openai  # noqa: F401 - the shipped fixtures
from autopilot.testing.openai_server import ScriptedOpenAI

CORPUS_FILES = sorted((CORPUS / "codex-exec-json").glob("*.jsonl"))
BINARY = "/opt/codex/bin/codex"


def corpus_events(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# ------------------------------------------------------------------------------------------------
# Mapping (pure)


@pytest.mark.skipif(not CORPUS_FILES, reason="shared corpus not available")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_stream_maps_to_matching_steps(path: Path) -> None:
    """Every corpus line maps; commands, file changes, messages and reasoning each become their steps."""
    events = corpus_events(path)
    completed = Counter(e["item"]["type"] for e in events if e["type"] == "item.completed")

    steps, _ = map_exec_events(events)

    calls = Counter(s.tool for s in steps if s.type == "tool_call")
    results = [s for s in steps if s.type == "tool_result"]
    assert calls["command_execution"] == completed["command_execution"]
    assert calls["file_change"] == completed["file_change"]
    assert len(results) == completed["command_execution"] + completed["file_change"]
    assert sum(s.type == "assistant" for s in steps) == completed["agent_message"]
    assert sum(s.type == "thinking" for s in steps) == completed["reasoning"]
    assert {r.tool_use_id for r in results} <= {s.tool_use_id for s in steps if s.type == "tool_call"}
    assert steps[0].subtype == "init"
    assert steps[0].data == {"thread_id": events[0]["thread_id"], "agent": "codex"}


@pytest.mark.skipif(not CORPUS_FILES, reason="shared corpus not available")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_usage_splits_cached_input(path: Path) -> None:
    """turn.completed usage becomes uncached input, cache reads and output (cached is part of input)."""
    events = corpus_events(path)
    reported = next(e["usage"] for e in events if e["type"] == "turn.completed")

    _, usage = map_exec_events(events)

    assert usage.input_tokens == reported["input_tokens"] - reported["cached_input_tokens"]
    assert usage.cache_read_tokens == reported["cached_input_tokens"]
    assert usage.output_tokens == reported["output_tokens"]


def test_command_results_carry_exit_status_and_output() -> None:
    """A command's result holds its output; a non-zero exit code or a declined command is an error."""
    mapper = CodexEventMapper(segment="s")
    ok = {"id": "item_0", "type": "command_execution", "command": "bash -lc ls", "aggregated_output": "a\n"}
    failed = {"id": "item_1", "type": "command_execution", "command": "/bin/bash -lc 'false'", "exit_code": 1}
    declined = {"id": "item_2", "type": "command_execution", "command": "rm -rf /", "status": "declined"}

    steps = []
    for item in (ok | {"exit_code": 0}, failed, declined):
        event = mapper.feed({"type": "item.completed", "item": item})
        assert event is not None
        steps += event.steps

    results = [s for s in steps if s.type == "tool_result"]
    assert [s.input["command"] for s in steps if s.type == "tool_call"] == ["ls", "false", "rm -rf /"]
    assert [(r.output, r.is_error) for r in results] == [("a\n", False), ("", True), ("", True)]


def test_started_then_completed_item_is_one_call_and_one_result() -> None:
    """item.started gives the tool_call as the command starts; item.completed adds only the result."""
    mapper = CodexEventMapper(segment="s")
    item = {
        "id": "item_0",
        "type": "command_execution",
        "command": "bash -lc 'sleep 1'",
        "status": "in_progress",
    }

    started = mapper.feed({"type": "item.started", "item": item})
    updated = mapper.feed({"type": "item.updated", "item": item | {"aggregated_output": "partial"}})
    done = mapper.feed({"type": "item.completed", "item": item | {"exit_code": 0, "status": "completed"}})

    assert started is not None and [s.type for s in started.steps] == ["tool_call"]
    assert updated is None
    assert done is not None and [s.type for s in done.steps] == ["tool_result"]
    assert started.steps[0].tool_use_id == done.steps[0].tool_use_id == "s:item_0"


def test_other_item_types_map_to_steps() -> None:
    """MCP calls, web searches, to-do lists, error items and unknown items all become steps."""
    mapper = CodexEventMapper(segment="s")
    mcp = {
        "id": "item_1",
        "type": "mcp_tool_call",
        "server": "issues",
        "tool": "issue_list",
        "arguments": {"status": "open"},
        "result": {"content": [{"type": "text", "text": "#1 fix it"}]},
        "status": "completed",
    }
    mcp_failed = mcp | {
        "id": "item_2",
        "result": None,
        "error": {"message": "no such tool"},
        "status": "failed",
    }
    search = {"id": "item_3", "type": "web_search", "query": "pluggy firstresult"}
    todo = {"id": "item_4", "type": "todo_list", "items": [{"text": "write tests", "completed": False}]}
    error = {"id": "item_5", "type": "error", "message": "Model metadata for gpt-x not found"}
    unknown = {"id": "item_6", "type": "hologram", "beam": 1}

    steps = []
    for item in (mcp, mcp_failed, search, todo, error, unknown):
        event = mapper.feed({"type": "item.completed", "item": item})
        assert event is not None
        steps += event.steps

    by_type = [(s.type, s.tool or s.subtype) for s in steps]
    assert by_type == [
        ("tool_call", "mcp__issues__issue_list"),
        ("tool_result", "mcp__issues__issue_list"),
        ("tool_call", "mcp__issues__issue_list"),
        ("tool_result", "mcp__issues__issue_list"),
        ("tool_call", "web_search"),
        ("tool_result", "web_search"),
        ("system", "todo_list"),
        ("error", "item_error"),
        ("system", "item:hologram"),
    ]
    assert steps[0].input == {"status": "open"}
    assert (steps[1].output, steps[1].is_error) == ("#1 fix it", False)
    assert (steps[3].output, steps[3].is_error) == ("no such tool", True)
    assert steps[6].data is not None and steps[6].data["items"] == todo["items"]


def test_failures_and_retries() -> None:
    """turn.failed and a fatal `error` become error steps; reconnect notices are system retry steps."""
    mapper = CodexEventMapper(segment="s")

    retry = mapper.feed({"type": "error", "message": "Reconnecting... 2/5 (stream disconnected)"})
    fatal = mapper.feed({"type": "error", "message": "unexpected status 401 Unauthorized"})
    failed = mapper.feed({"type": "turn.failed", "error": {"message": "unexpected status 401 Unauthorized"}})

    assert retry is not None and (retry.steps[0].type, retry.steps[0].subtype) == ("system", "api_retry")
    assert fatal is not None and fatal.steps[0].type == "error"
    assert failed is not None and failed.steps[0].subtype == "turn_failed"
    assert mapper.failed == "unexpected status 401 Unauthorized"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/bin/bash -lc 'echo hello > out.txt && pwd'", "echo hello > out.txt && pwd"),
        ("zsh -lc ls", "ls"),
        (["bash", "-c", "make test"], "make test"),
        ("python -m pytest", "python -m pytest"),
        ("bash -lc 'unterminated", "bash -lc 'unterminated"),
    ],
)
def test_unwrap_shell(command: Any, expected: str) -> None:
    """The recorded command is what the shell wrapper runs, so analyze/compare see real commands."""
    assert unwrap_shell(command) == expected


# ------------------------------------------------------------------------------------------------
# Usage (pure)


def raw(input: int = 0, cached: int = 0, output: int = 0) -> RawUsage:
    return RawUsage(input=input, cached=cached, output=output)


def test_snapshots_become_deltas() -> None:
    """Running totals turn into the difference from the previous total; a repeat adds nothing."""
    tracker = UsageTracker()

    first = tracker.snapshot(raw(200, 50, 20))
    second = tracker.snapshot(raw(500, 150, 28))
    repeat = tracker.snapshot(raw(500, 150, 28))

    assert first == raw(200, 50, 20)
    assert second == raw(300, 100, 8)
    assert repeat is None


def test_records_then_total_reconcile_exactly() -> None:
    """Per-call records count once (by response id); the final total adds only what they missed."""
    tracker = UsageTracker(baseline=raw(1000, 0, 10))

    a = tracker.record(raw(100, 0, 5), "resp_a")
    again = tracker.record(raw(100, 0, 5), "resp_a")
    rest = tracker.snapshot(raw(1300, 0, 25))

    assert (a, again, rest) == (raw(100, 0, 5), None, raw(200, 0, 10))


def test_restart_of_the_running_total() -> None:
    """A total below the previous one is a restart: the new total is new usage."""
    tracker = UsageTracker(baseline=raw(1_355_071, 0, 900))

    assert tracker.snapshot(raw(37_208, 0, 80)) == raw(37_208, 0, 80)


def test_a_new_process_whose_first_call_exceeds_the_old_total_is_a_restart() -> None:
    """A total that grew by less than the last call it names restarted from zero: the whole new total
    is new usage. A repeated total, or one that grew by at least its last call, is not a restart."""
    tracker = UsageTracker()
    assert tracker.snapshot(raw(30_000, 0, 500), raw(30_000, 0, 500)) == raw(30_000, 0, 500)

    assert tracker.snapshot(raw(45_000, 20_000, 900), raw(45_000, 20_000, 900)) == raw(45_000, 20_000, 900)
    assert tracker.snapshot(raw(45_000, 20_000, 900), raw(45_000, 20_000, 900)) is None
    assert tracker.snapshot(raw(91_000, 64_000, 1_300), raw(46_000, 44_000, 400)) == raw(46_000, 44_000, 400)


@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 1), st.integers(0, 500)), max_size=12))
def test_deltas_add_up_to_the_final_total(calls: list[tuple[int, int, int]]) -> None:
    """Whatever mix of per-call records and snapshots arrives, the deltas sum to the final total."""
    tracker = UsageTracker()
    total = RawUsage()
    emitted = RawUsage()
    for index, (tokens, as_record, output) in enumerate(calls):
        call = raw(tokens, tokens // 3, output)
        total = total + call
        delta = tracker.record(call, f"r{index}") if as_record else tracker.snapshot(total)
        emitted = emitted + (delta or RawUsage())
    emitted = emitted + (tracker.snapshot(total) or RawUsage())

    assert emitted == total


def test_reasoning_is_part_of_output_not_added() -> None:
    """Reasoning tokens are already inside output_tokens (as billed), so they are not added again."""
    usage = RawUsage.from_codex(
        {"input_tokens": 500, "cached_input_tokens": 150, "output_tokens": 28, "reasoning_output_tokens": 5}
    ).to_usage()

    assert usage == Usage(input_tokens=350, output_tokens=28, cache_read_tokens=150)


def test_rollout_baseline_reads_the_last_total(tmp_path: Path) -> None:
    """A resumed thread's starting total is the last token_count total in its rollout."""
    rollout = tmp_path / "rollout.jsonl"
    lines = [
        {"type": "session_meta", "payload": {"id": "t"}},
        {"type": "event_msg", "payload": {"type": "token_count", "info": None}},
        {
            "type": "event_msg",
            "payload": {"type": "token_count", "info": {"total_token_usage": {"input_tokens": 7}}},
        },
        {
            "type": "event_msg",
            "payload": {"type": "token_count", "info": {"total_token_usage": {"input_tokens": 9}}},
        },
    ]
    rollout.write_text("".join(json.dumps(line) + "\n" for line in lines))

    total, size = rollout_baseline(rollout)

    assert total == raw(9)
    assert size == rollout.stat().st_size


# ------------------------------------------------------------------------------------------------
# Settings and the command line (pure)


def request(tmp_path: Path, **kwargs: Any) -> RunRequest:
    return RunRequest(prompt=kwargs.pop("prompt", "do it"), cwd=tmp_path, **kwargs)


def test_default_policy_is_workspace_write_and_never_ask(tmp_path: Path) -> None:
    """Unattended default: sandboxed writes inside the workspace, no approval prompts, no network extras."""
    argv, via_stdin = build_command(BINARY, request(tmp_path), CodexSettings(), {})

    assert argv[:3] == [BINARY, "exec", "--json"]
    assert argv[argv.index("-s") + 1] == "workspace-write"
    assert 'approval_policy="never"' in argv
    assert "--dangerously-bypass-approvals-and-sandbox" not in argv
    assert {"features.plugins=false", "analytics.enabled=false"} <= set(argv)
    assert "features.unbounded_connection_retries=false" in argv
    assert argv[-1] == "do it"
    assert not via_stdin


def test_bypass_only_when_configured(tmp_path: Path) -> None:
    """`bypass: true` replaces the sandbox flags with codex's bypass flag."""
    argv, _ = build_command(BINARY, request(tmp_path), CodexSettings(bypass=True), {})

    assert "--dangerously-bypass-approvals-and-sandbox" in argv
    assert "-s" not in argv


def test_openai_base_url_configures_a_provider(tmp_path: Path) -> None:
    """OPENAI_BASE_URL becomes a custom Responses provider whose key is OPENAI_API_KEY."""
    settings = CodexSettings(request_max_retries=0)
    argv, _ = build_command(
        BINARY, request(tmp_path), settings, {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1/"}
    )

    provider = next(a for a in argv if a.startswith("model_providers.autopilot="))
    assert 'base_url="http://127.0.0.1:9/v1"' in provider
    assert 'env_key="OPENAI_API_KEY"' in provider
    assert 'wire_api="responses"' in provider
    assert "request_max_retries=0" in provider
    assert 'model_provider="autopilot"' in argv


def test_without_base_url_the_users_provider_is_kept(tmp_path: Path) -> None:
    """With no OPENAI_BASE_URL nothing overrides the provider, so the user's Codex login keeps working."""
    argv, _ = build_command(BINARY, request(tmp_path), CodexSettings(), {"OPENAI_API_KEY": "k"})

    assert not any(a.startswith(("model_provider", "model_providers.")) for a in argv)


def test_resume_puts_every_option_before_the_subcommand(tmp_path: Path) -> None:
    """`exec ... resume THREAD PROMPT`: options first, then resume, the thread id and the prompt."""
    argv, _ = build_command(
        BINARY, request(tmp_path, resume_session_id="t-1", model="gpt-5.5"), CodexSettings(), {}
    )

    resume = argv.index("resume")
    assert argv[resume:] == ["resume", "t-1", "do it"]
    assert all(not a.startswith("-") for a in argv[resume:])
    assert argv.index("-m") < resume


def test_long_prompt_goes_through_stdin(tmp_path: Path) -> None:
    """A prompt too long for argv is sent on stdin (`codex exec -`)."""
    argv, via_stdin = build_command(BINARY, request(tmp_path, prompt="x" * 200_000), CodexSettings(), {})

    assert via_stdin
    assert argv[-1] == "-"


def test_claude_model_is_refused(tmp_path: Path) -> None:
    """A Claude model name (e.g. a shared AUTOPILOT_MODEL) gives a clear error instead of a failed run."""
    with pytest.raises(CodexSetupError, match="a Claude model"):
        build_command(BINARY, request(tmp_path, model="sonnet"), CodexSettings(), {})


def test_mcp_servers_and_instructions_reach_codex(tmp_path: Path) -> None:
    """Run options become codex config: MCP servers (pre-approved, a minute to start) and developer
    instructions."""
    options = {
        "mcp_servers": {"autopilot-issues": {"command": "python", "args": ["-m", "x"], "env": {"A": "1"}}},
        "system_prompt_append": 'Work on ISSUE-7 only; say "done".',
    }
    argv, _ = build_command(BINARY, request(tmp_path, options=options), CodexSettings(), {})

    server = next(a for a in argv if a.startswith("mcp_servers."))
    assert server == (
        'mcp_servers.autopilot-issues={command="python",args=["-m","x"],env={A="1"},'
        'default_tools_approval_mode="approve",startup_timeout_sec=60}'
    )
    assert 'developer_instructions="Work on ISSUE-7 only; say \\"done\\"."' in argv


def test_in_process_mcp_server_is_refused(tmp_path: Path) -> None:
    """An in-process (SDK) MCP server cannot reach the codex process: a clear error, not a silent drop."""
    options = {"mcp_servers": {"tools": {"type": "sdk", "instance": object()}}}

    with pytest.raises(CodexSetupError, match="cannot be used by codex"):
        build_command(BINARY, request(tmp_path, options=options), CodexSettings(), {})


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"sandbox": "yolo"}, "sandbox: must be one of"),
        ({"approval": "always"}, "approval: must be one of"),
        ({"approval": "untrusted"}, "approval: must be one of never, on-request, on-failure"),
        ({"bypass": "yes"}, "bypass: must be true or false"),
        ({"sandbox_mode": "read-only"}, "unknown setting 'sandbox_mode'"),
        ({"extra_args": "--oss"}, "extra_args: must be a list"),
        ({"request_max_retries": -1}, "request_max_retries"),
    ],
)
def test_bad_settings_name_the_setting(settings: dict[str, Any], message: str) -> None:
    """Invalid plugin settings are rejected with the setting's name."""
    with pytest.raises(CodexSetupError, match=message):
        CodexSettings.from_mapping(settings)


def test_configured_binary_must_exist() -> None:
    """A configured binary that does not exist is an error naming the setting."""
    with pytest.raises(CodexSetupError, match=r"plugins\.backend_codex\.binary"):
        find_codex_binary(CodexSettings(binary="/nonexistent/codex"), {})


def test_bundled_binary_is_found() -> None:
    """Without configuration the bundled binary from openai-codex-cli-bin is used."""
    import codex_cli_bin

    assert find_codex_binary(CodexSettings(), {"PATH": ""}) == str(codex_cli_bin.bundled_codex_path())


def test_backend_is_registered_through_its_entry_point(hooks: Any) -> None:
    """`codex` is a registered backend, loaded like any third-party plugin."""
    assert hooks.backend_register()["codex"] is CodexBackend


def test_issue_label_selects_codex(hooks: Any) -> None:
    """An issue labelled agent:codex runs on Codex over the project default; --agent still wins."""
    from autopilot.core.config import Config

    issue = {"id": "x", "labels": ["bug", "agent:codex"]}
    project = {"agent": "claude"}

    by_label = hooks.backend_select(agent=None, issue=issue, project=project, config=Config())
    by_flag = hooks.backend_select(agent="claude", issue=issue, project=project, config=Config())
    unlabelled = hooks.backend_select(agent=None, issue={"labels": []}, project=project, config=Config())

    assert (by_label, by_flag, unlabelled) == ("codex", "claude", "claude")


# ------------------------------------------------------------------------------------------------
# End to end: the real codex binary against the scripted Responses server


@pytest.fixture
def scripted(scripted_openai: ScriptedOpenAI) -> ScriptedOpenAI:  # noqa: F811
    """The shipped ``scripted_openai`` fixture (autopilot.testing), under a short name."""
    return scripted_openai


#: Codex's default model (no model given: the shape users get, tools in ``additional_tools`` and shell
#: commands through the JavaScript ``exec`` tool) and a classic one (``tools``, ``exec_command``).
MODELS = pytest.mark.parametrize("model", [None, "gpt-5.5"], ids=["default-model", "gpt-5.5"])


def codex_request(
    tmp_path: Path,
    server: ScriptedOpenAI,
    repo: Path,
    prompt: str,
    model: str | None = "gpt-5.5",
    **kwargs: Any,
) -> RunRequest:
    home = tmp_path / "codex-home"
    home.mkdir(exist_ok=True)
    env = {**server.env(), "CODEX_HOME": str(home)}
    return RunRequest(prompt=prompt, cwd=repo, model=model, env=env, **kwargs)


def model_args(model: str | None) -> list[str]:
    """``-m MODEL`` for the command line, nothing for codex's default model."""
    return ["-m", model] if model else []


def fast_backend(**settings: Any) -> CodexBackend:
    return CodexBackend({"request_max_retries": 0, "stream_max_retries": 0, **settings})


def collect(backend: CodexBackend, req: RunRequest) -> list[BackendEvent]:
    async def run() -> list[BackendEvent]:
        return [event async for event in backend.stream(req)]

    return asyncio.run(run())


def total(events: list[BackendEvent]) -> Usage:
    out = Usage()
    for event in events:
        if event.usage is not None:
            out = out + event.usage
    return out


def steps_of(events: list[BackendEvent]) -> list[Any]:
    return [step for event in events for step in event.steps]


@pytest.mark.integration
@MODELS
def test_shell_command_really_runs_and_usage_is_per_call(
    tmp_path: Path, scripted: ScriptedOpenAI, git_repo: Path, model: str | None
) -> None:
    """Codex runs the scripted command in the repo; each model call's usage arrives as its own delta."""
    scripted.script(
        [
            {
                "shell": "echo hello > out.txt && pwd",
                "input_tokens": 200,
                "cached_input_tokens": 50,
                "output_tokens": 20,
            },
            {
                "text": "Done: wrote out.txt",
                "input_tokens": 300,
                "cached_input_tokens": 100,
                "output_tokens": 8,
            },
        ]
    )

    events = collect(
        fast_backend(), codex_request(tmp_path, scripted, git_repo, "Please create out.txt", model)
    )

    steps = steps_of(events)
    call = next(s for s in steps if s.type == "tool_call")
    result = next(s for s in steps if s.type == "tool_result")
    deltas = [e.usage for e in events if e.usage is not None]
    assert (git_repo / "out.txt").read_text() == "hello\n"
    assert call.tool == "command_execution"
    assert call.input["command"] == "echo hello > out.txt && pwd"
    assert str(git_repo) in (result.output or "")
    assert result.is_error is False
    assert deltas == [
        Usage(input_tokens=150, output_tokens=20, cache_read_tokens=50),
        Usage(input_tokens=200, output_tokens=8, cache_read_tokens=100),
    ]
    assert events[-1].done and events[-1].status == "success"
    assert events[-1].final_text == "Done: wrote out.txt"
    assert any(e.session_id for e in events)
    assert [r["headers"]["authorization"] for r in scripted.requests("responses")] == [
        "Bearer sk-scripted"
    ] * 2


class StartedGuard(RmGuard):
    """RmGuard that, when asked, first waits (up to 10 s) for the command's marker file: a backend that
    held the command back until the answer would make it wait in vain."""

    def __init__(self, marker: Path) -> None:
        super().__init__("deny")
        self.marker = marker
        self.saw_marker: bool | None = None

    @hookimpl(tryfirst=True)
    def before_tool_use(self, tool: str, input: Any) -> Any:
        deadline = time.monotonic() + 10
        while not self.marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.saw_marker = self.marker.exists()
        return super().before_tool_use(tool, input)


@pytest.mark.integration
@MODELS
def test_tool_guard_is_asked_once_a_codex_command_started_and_stops_it(
    tmp_path: Path, scripted: ScriptedOpenAI, git_repo: Path, model: str | None
) -> None:
    """codex exec cannot hold a command back: the guard is asked once it is running; a deny ends the
    run (status stopped, saying so), which kills the command if it is still running."""
    from autopilot.app.runs import RunOptions, run_task
    from autopilot.core.hooks import Hooks
    from autopilot.core.pluginmanager import make_plugin_manager

    (git_repo / "keep.txt").write_text("precious\n")
    scripted.script([{"shell": "echo go > started.txt; sleep 30; rm keep.txt"}, {"text": "done"}])
    guard = StartedGuard(git_repo / "started.txt")
    home = tmp_path / "codex-home"
    home.mkdir()
    result = run_task(
        "tidy up",
        RunOptions(model=model, cwd=git_repo),
        backend=fast_backend(),
        hooks=Hooks(make_plugin_manager(load_local=False, extra_plugins=(("guard", guard),))),
        env={**scripted.env(), "CODEX_HOME": str(home)},
        handle_signals=False,
    )
    decisions = [s.data for s in result.run.steps if s.subtype == "tool_decision"]

    assert guard.saw_marker is True
    assert (git_repo / "keep.txt").read_text() == "precious\n"
    assert result.status == "stopped"
    assert result.run.result.stop_reason == (
        f"stopped by a plugin: {RmGuard.reason} (the tool call had already started)"
    )
    assert [(d["tool"], d["decision"], d["tool_started"]) for d in decisions] == [
        ("command_execution", "deny", True)
    ]
    assert not _codex_children()


@pytest.mark.integration
def test_sandbox_policy_reaches_codex(tmp_path: Path, scripted: ScriptedOpenAI, git_repo: Path) -> None:
    """The default run is sandboxed workspace-write with approvals off, as codex reports per request."""
    scripted.script([{"text": "hi"}])

    collect(fast_backend(), codex_request(tmp_path, scripted, git_repo, "hi"))

    metadata = json.loads(scripted.requests("responses")[0]["headers"]["x-codex-turn-metadata"])
    assert "workspace-write" in json.dumps(metadata)


@pytest.mark.integration
def test_model_is_learned_from_codex_when_not_given(
    tmp_path: Path, scripted: ScriptedOpenAI, git_repo: Path
) -> None:
    """Without a model setting, the model codex actually asked for is reported (so it can be priced)."""
    scripted.script([{"text": "hi"}])
    req = codex_request(tmp_path, scripted, git_repo, "hi")
    req.model = None

    events = collect(fast_backend(), req)

    assert [e.model for e in events if e.model] == [scripted.requests()[0]["body"]["model"]]


PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+hi there\n*** End Patch\n"


@pytest.mark.integration
@pytest.mark.parametrize(
    "turn",
    [
        {"shell": f"apply_patch <<'EOF'\n{PATCH}EOF"},
        {"item": {"type": "custom_tool_call", "name": "apply_patch", "input": PATCH}},
    ],
    ids=["through-the-shell", "apply_patch-tool"],
)
def test_file_change_is_recorded(
    tmp_path: Path, scripted: ScriptedOpenAI, git_repo: Path, turn: dict[str, Any]
) -> None:
    """A patch codex applies (via the shell or its apply_patch tool) is a file_change call naming the path."""
    scripted.script([turn, {"text": "patched"}])

    events = collect(fast_backend(), codex_request(tmp_path, scripted, git_repo, "add hello.txt"))

    call = next(s for s in steps_of(events) if s.type == "tool_call")
    assert (git_repo / "hello.txt").read_text() == "hi there\n"
    assert call.tool == "file_change"
    assert call.input == {"changes": [{"path": str(git_repo / "hello.txt"), "kind": "add"}]}


@pytest.mark.integration
@MODELS
def test_failing_command_is_an_error_result(
    tmp_path: Path, scripted: ScriptedOpenAI, git_repo: Path, model: str | None
) -> None:
    """A command that exits non-zero gives a tool_result with is_error, and the run goes on."""
    scripted.script([{"shell": "exit 3"}, {"text": "it failed"}])

    events = collect(fast_backend(), codex_request(tmp_path, scripted, git_repo, "fail", model))

    result = next(s for s in steps_of(events) if s.type == "tool_result")
    assert result.is_error is True
    assert events[-1].status == "success"


@pytest.mark.integration
def test_http_error_ends_with_status_error(tmp_path: Path, scripted: ScriptedOpenAI, git_repo: Path) -> None:
    """An HTTP error from the model server ends the run with status error and codex's message."""
    scripted.script([{"http_error": 401, "message": "bad key"}])

    events = collect(fast_backend(), codex_request(tmp_path, scripted, git_repo, "hi"))

    done = events[-1]
    assert done.done and done.status == "error"
    assert done.error is not None and "401" in done.error and "bad key" in done.error
    assert any(s.type == "error" for s in steps_of(events))


@pytest.mark.integration
def test_unreachable_model_server_fails_instead_of_waiting(
    tmp_path: Path, scripted: ScriptedOpenAI, git_repo: Path
) -> None:
    """A wrong OPENAI_BASE_URL ends the run with status error, not an endless wait for the network."""
    req = codex_request(tmp_path, scripted, git_repo, "hi")
    req.env["OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1"  # nothing listens on the discard port

    async def run() -> list[BackendEvent]:
        return [event async for event in fast_backend().stream(req)]

    events = asyncio.run(asyncio.wait_for(run(), timeout=120))

    assert events[-1].status == "error"
    assert events[-1].error is not None and "Connection failed" in events[-1].error


@pytest.mark.integration
def test_missing_binary_is_a_clear_error(tmp_path: Path, scripted: ScriptedOpenAI, git_repo: Path) -> None:
    """A configured codex binary that is missing ends the run at once with status error."""
    events = collect(
        fast_backend(binary=str(tmp_path / "no-codex")), codex_request(tmp_path, scripted, git_repo, "x")
    )

    assert [(e.done, e.status) for e in events] == [(True, "error")]
    assert events[0].error is not None and "not found" in events[0].error


@pytest.mark.integration
@MODELS
def test_resume_continues_the_thread_with_deltas(
    tmp_path: Path, scripted: ScriptedOpenAI, git_repo: Path, model: str | None
) -> None:
    """`resume` continues the same thread; usage is this segment's, not codex's running thread total."""
    scripted.script(
        [
            {"shell": "echo one > one.txt", "input_tokens": 200, "output_tokens": 20},
            {"text": "one done", "input_tokens": 300, "output_tokens": 8},
            {"shell": "echo two > two.txt", "input_tokens": 1000, "output_tokens": 30},
            {"text": "two done", "input_tokens": 2000, "output_tokens": 40},
        ]
    )
    first = collect(fast_backend(), codex_request(tmp_path, scripted, git_repo, "first", model))
    thread = next(e.session_id for e in first if e.session_id)

    second = collect(
        fast_backend(),
        codex_request(tmp_path, scripted, git_repo, "second", model, resume_session_id=thread),
    )

    assert next(e.session_id for e in second if e.session_id) == thread
    assert (git_repo / "two.txt").exists()
    assert total(first) == Usage(input_tokens=500, output_tokens=28)
    assert total(second) == Usage(input_tokens=3000, output_tokens=70)
    assert second[-1].final_text == "two done"
    assert scripted.requests("responses")[-1]["turn"] == 3


@pytest.mark.integration
def test_stop_kills_the_whole_process_tree(tmp_path: Path, scripted: ScriptedOpenAI, git_repo: Path) -> None:
    """stop() ends codex and the command it is running; child_pids() listed them while they ran."""
    scripted.script([{"shell": "sleep 60"}, {"text": "never"}])
    backend = fast_backend()

    async def run() -> tuple[list[int], bool]:
        pids: list[int] = []
        saw_sleep = False
        async for event in backend.stream(codex_request(tmp_path, scripted, git_repo, "wait")):
            if any(s.type == "tool_call" for s in event.steps):
                for _ in range(100):  # the sandbox wrapper starts `sleep` a moment after the event
                    pids = backend.child_pids()
                    saw_sleep = any(_is_sleep(pid) for pid in pids)
                    if saw_sleep:
                        break
                    await asyncio.sleep(0.05)
                await backend.stop()
                break
        return pids, saw_sleep

    pids, saw_sleep = asyncio.run(run())

    assert saw_sleep
    assert not [pid for pid in pids if _alive(pid)]
    assert backend.child_pids() == []


@pytest.mark.integration
def test_stalled_stream_keeps_codex_silent_until_stopped(
    tmp_path: Path, scripted: ScriptedOpenAI, git_repo: Path
) -> None:
    """On a stalled model stream codex sends nothing; stopping it (idle watchdog) leaves no process."""
    scripted.script([{"text": "late", "stall": True}])
    backend = fast_backend()

    async def run() -> tuple[list[BackendEvent], bool]:
        events: list[BackendEvent] = []
        stream = backend.stream(codex_request(tmp_path, scripted, git_repo, "stall"))
        timed_out = False
        while True:
            try:
                events.append(await asyncio.wait_for(anext(stream), timeout=3.0))
            except TimeoutError:
                timed_out = True
                break
            except StopAsyncIteration:
                break
        await backend.stop()
        await stream.aclose()
        return events, timed_out

    events, timed_out = asyncio.run(run())

    assert timed_out
    assert not any(e.done for e in events)
    assert backend.child_pids() == []


def _is_sleep(pid: int) -> bool:
    try:
        return psutil.Process(pid).name() == "sleep"
    except psutil.Error:
        return False


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def test_environment_passes_through(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The backend gives codex the caller's environment plus the request's (CODEX_HOME, keys)."""
    monkeypatch.setenv("SOME_USER_SETTING", "1")
    backend = CodexBackend()

    env = backend._environment(RunRequest(prompt="p", cwd=tmp_path, env={"CODEX_HOME": "/x"}))

    assert env["SOME_USER_SETTING"] == "1"
    assert env["CODEX_HOME"] == "/x"
    assert env.get("PATH") == os.environ.get("PATH")


def test_usage_waits_for_the_steps_of_its_call() -> None:
    """Usage that arrives before a tool call is put on the tool call's event, as one model turn."""
    joiner = UsageJoiner(hold=0.3)
    usage = Usage(input_tokens=5)
    call = BackendEvent(steps=[Step("tool_call", tool="command_execution")])

    early = joiner.usage(usage, now=0.0)
    joined = joiner.event(call, now=0.1)

    assert early == []
    assert joined == [call]
    assert (call.usage, call.turn_complete) == (usage, True)


def test_a_message_waits_for_its_usage() -> None:
    """A final message is held until its usage arrives, then both go out together."""
    joiner = UsageJoiner(hold=0.3)
    message = BackendEvent(steps=[Step("assistant", text="done")])

    held = joiner.event(message, now=0.0)
    released = joiner.usage(Usage(output_tokens=3), now=0.05)

    assert held == []
    assert released == [message]
    assert message.usage == Usage(output_tokens=3)


def test_nothing_waits_longer_than_the_hold() -> None:
    """Held steps and pending usage are released on their own after the hold time."""
    joiner = UsageJoiner(hold=0.3)
    message = BackendEvent(steps=[Step("assistant", text="done")])
    joiner.event(message, now=0.0)

    assert joiner.tick(now=0.1) == []
    assert joiner.tick(now=0.31) == [message]
    joiner.usage(Usage(input_tokens=1), now=1.0)
    joiner.usage(Usage(input_tokens=2), now=1.1)
    released = joiner.tick(now=1.4)
    assert [(e.usage, e.turn_complete, e.steps) for e in released] == [
        (Usage(input_tokens=1), True, []),
        (Usage(input_tokens=2), True, []),
    ]
    assert message.usage is None


# ------------------------------------------------------------------------------------------------
# End to end through `autopilot run --agent codex` / `autopilot resume`


@pytest.fixture
def codex_project(
    tmp_path: Path, scripted: ScriptedOpenAI, git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A git repository configured for fast codex runs against the scripted server."""
    (git_repo / ".autopilot").mkdir(exist_ok=True)
    (git_repo / ".autopilot" / "config.yaml").write_text(
        "schema_version: 1\nmin_free_memory_mb: 0\n"
        "plugins:\n  backend_codex:\n    request_max_retries: 0\n    stream_max_retries: 0\n"
    )
    home = tmp_path / "codex-home"
    home.mkdir(exist_ok=True)
    for name, value in {**scripted.env(), "CODEX_HOME": str(home)}.items():
        monkeypatch.setenv(name, value)
    return git_repo


def autopilot_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    from autopilot.cli import main

    code = main([*args, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out.strip().splitlines()[-1])


def load_run(summary: dict[str, Any]) -> dict[str, Any]:
    return json.loads(Path(summary["trajectory"]).read_text())


def list_price(model: str, usage: Usage) -> float:
    from autopilot.core.pricing import load_price_table

    price, found = load_price_table().price_for(model)
    assert found, f"{model} is not in the price table"
    return (
        usage.input_tokens * price.input
        + usage.output_tokens * price.output
        + usage.cache_read_tokens * price.cache_read
    ) / 1_000_000


@pytest.mark.integration
@MODELS
def test_run_agent_codex_records_tokens_and_cost(
    scripted: ScriptedOpenAI, codex_project: Path, capsys: pytest.CaptureFixture[str], model: str | None
) -> None:
    """`run --agent codex`: the command runs, each turn's tokens are recorded and priced from our table."""
    scripted.script(
        [
            {
                "shell": "echo hello > out.txt",
                "input_tokens": 1200,
                "cached_input_tokens": 200,
                "output_tokens": 40,
            },
            {"text": "wrote out.txt", "input_tokens": 1500, "cached_input_tokens": 1000, "output_tokens": 12},
        ]
    )

    code, summary = autopilot_json(capsys, "run", "--agent", "codex", *model_args(model), "create out.txt")

    run = load_run(summary)
    used = model or scripted.requests("responses")[0]["body"]["model"]
    turns = [s["usage"] for s in run["steps"] if "usage" in s]
    expected = Usage(input_tokens=1000 + 500, output_tokens=52, cache_read_tokens=1200)
    assert code == 0 and summary["status"] == "success"
    assert (codex_project / "out.txt").read_text() == "hello\n"
    assert [(t["input_tokens"], t["cache_read_tokens"], t["output_tokens"]) for t in turns] == [
        (1000, 200, 40),
        (500, 1000, 12),
    ]
    assert (summary["input_tokens"], summary["cache_read_tokens"], summary["output_tokens"]) == (
        expected.input_tokens,
        expected.cache_read_tokens,
        expected.output_tokens,
    )
    assert summary["cost_usd"] == pytest.approx(list_price(used, expected), abs=1e-6)
    assert summary["num_turns"] == 2
    assert (run["agent"], run["model"]) == ("codex", used)
    assert [s["tool"] for s in run["steps"] if s["type"] == "tool_call"] == ["command_execution"]


@pytest.mark.integration
def test_a_codex_command_is_timed_from_its_start_to_its_end(
    scripted: ScriptedOpenAI, codex_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A live codex run times each command as its events arrive (item.started to item.completed):
    `analyze` gives a command that sleeps a second most of that, never 0 ms (the events are timed as
    they reach the runner, so the start may be seen some milliseconds late)."""
    from autopilot.cli import main

    scripted.script([{"shell": "sleep 1"}, {"text": "slept"}])
    _, summary = autopilot_json(capsys, "run", "--agent", "codex", "-m", "gpt-5.5", "sleep a little")

    code = main(["analyze", summary["trajectory"], "--json"])
    tools = json.loads(capsys.readouterr().out)["tools"]

    assert code == 0
    assert tools["command_execution"]["calls"] == 1
    assert tools["command_execution"]["p50_ms"] >= 500


@pytest.mark.integration
def test_max_turns_stops_a_codex_run(
    scripted: ScriptedOpenAI, codex_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--max-turns 1` stops codex at the first turn that asks for more work; later commands never run."""
    scripted.script([{"shell": "echo one > one.txt"}, {"shell": "echo two > two.txt"}, {"text": "done"}])

    code, summary = autopilot_json(
        capsys, "run", "--agent", "codex", "-m", "gpt-5.5", "--max-turns", "1", "x"
    )

    assert code == 1
    assert summary["status"] == "max_turns"
    assert not (codex_project / "two.txt").exists()
    assert not _codex_children()


@pytest.mark.integration
def test_budget_stops_a_codex_run(
    scripted: ScriptedOpenAI, codex_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The runner stops codex (no cap of its own) one model turn past the budget; later tools never run."""
    scripted.script(
        [
            {"shell": "sleep 20; echo a > a.txt", "input_tokens": 40_000, "output_tokens": 100},
            {"shell": "echo b > b.txt", "input_tokens": 40_000, "output_tokens": 100},
            {"text": "done"},
        ]
    )

    code, summary = autopilot_json(capsys, "run", "--agent", "codex", "-m", "gpt-5.5", "-b", "0.01", "spend")

    assert code == 1
    assert summary["status"] == "budget_exhausted"
    assert summary["input_tokens"] == 40_000
    assert summary["cost_usd"] == pytest.approx(
        list_price("gpt-5.5", Usage(input_tokens=40_000, output_tokens=100))
    )
    assert not (codex_project / "a.txt").exists()
    assert not (codex_project / "b.txt").exists()
    assert len(scripted.requests("responses")) == 1
    assert not _codex_children()


@pytest.mark.integration
def test_stalled_model_ends_in_idle_timeout(
    scripted: ScriptedOpenAI, codex_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A model stream that goes silent trips the idle watchdog: status timeout, codex stopped."""
    scripted.script([{"text": "never arrives", "stall": True}])

    code, summary = autopilot_json(
        capsys, "run", "--agent", "codex", "-m", "gpt-5.5", "--idle-timeout", "2", "x"
    )

    run = load_run(summary)
    assert code == 1
    assert summary["status"] == "timeout"
    assert "idle" in run["result"]["stop_reason"]
    assert run["session_id"]  # resumable
    assert not _codex_children()


@pytest.mark.integration
def test_http_error_gives_status_error_and_a_clear_line(
    scripted: ScriptedOpenAI, codex_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An HTTP 401 from the model ends the run with status error and codex's message, no traceback."""
    from autopilot.cli import main

    scripted.script([{"http_error": 401, "message": "invalid key"}])

    code = main(["run", "--agent", "codex", "-m", "gpt-5.5", "hi"])

    captured = capsys.readouterr()
    assert code == 1
    assert "error: codex: unexpected status 401" in captured.err
    assert "invalid key" in captured.err
    assert "Traceback" not in captured.err + captured.out


@pytest.mark.integration
def test_resume_appends_to_the_same_run(
    scripted: ScriptedOpenAI, codex_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`resume --continue` continues the codex thread in the same run; usage adds this segment only."""
    scripted.script(
        [
            {"shell": "echo one > one.txt", "input_tokens": 200, "output_tokens": 20},
            {"text": "one done", "input_tokens": 300, "output_tokens": 8},
            {"shell": "echo two > two.txt", "input_tokens": 1000, "output_tokens": 30},
            {"text": "two done", "input_tokens": 2000, "output_tokens": 40},
        ]
    )
    _, first = autopilot_json(capsys, "run", "--agent", "codex", "-m", "gpt-5.5", "first")
    steps_before = len(load_run(first)["steps"])

    code, second = autopilot_json(capsys, "resume", "--continue", "-p", "now two")

    run = load_run(second)
    assert code == 0
    assert second["run_id"] == first["run_id"]
    assert second["session_id"] == first["session_id"]
    assert run["session_ids"] == [first["session_id"]]
    assert (codex_project / "two.txt").exists()
    assert (second["input_tokens"], second["output_tokens"]) == (3500, 98)
    assert second["num_turns"] == 4
    assert len(run["steps"]) > steps_before
    assert run["result"]["final_text"] == "two done"


@pytest.mark.integration
def test_sigint_interrupts_codex_cleanly(
    tmp_path: Path, scripted: ScriptedOpenAI, codex_project: Path
) -> None:
    """SIGINT mid-command: exit 130, status interrupted with usage so far, and no process left behind."""
    marker = f"{os.getpid() % 97 + 20}.{os.getpid() % 1000:03d}"
    scripted.script(
        [{"shell": f"sleep {marker}", "input_tokens": 700, "output_tokens": 10}, {"text": "never"}]
    )
    env = {**os.environ, "NO_COLOR": "1"}
    logs = codex_project / "docs" / "logs"
    with subprocess.Popen(
        [sys.executable, "-m", "autopilot", "run", "--agent", "codex", "-m", "gpt-5.5", "--json", "wait"],
        cwd=codex_project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _sleepers(marker):
            time.sleep(0.05)
        assert _sleepers(marker), "codex never started the scripted command"
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=60)

    summary = json.loads(out.strip().splitlines()[-1])
    assert process.returncode == 130
    assert summary["status"] == "interrupted"
    assert summary["input_tokens"] == 700
    assert not _sleepers(marker)
    assert list(logs.rglob("*.json"))


def _codex_children() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if _safe_name(p) == "codex"]


def _sleepers(marker: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = proc.info.get("cmdline") or []
        if cmdline[:2] == ["sleep", marker]:
            found.append(proc)
    return found


def _safe_name(proc: psutil.Process) -> str:
    try:
        return proc.name()
    except psutil.Error:
        return ""


# ------------------------------------------------------------------------------------------------
# Importing Codex logs (the trajectory_import hook)

ROLLOUTS = sorted((CORPUS / "codex-rollout").glob("*.jsonl"))


@pytest.mark.skipif(not ROLLOUTS, reason="shared corpus not available")
@pytest.mark.parametrize("path", ROLLOUTS, ids=lambda p: p.name[:40])
def test_rollout_import_matches_the_log(path: Path) -> None:
    """A session rollout imports with one call per function call, one result per output, and its tokens."""
    records = corpus_events(path)
    items = [r["payload"] for r in records if r["type"] == "response_item"]
    counts = Counter(item["type"] for item in items)
    token_counts = [
        r["payload"]["info"]["last_token_usage"]
        for r in records
        if r["type"] == "event_msg" and r["payload"].get("type") == "token_count" and r["payload"].get("info")
    ]

    imported = trajectory_import(path=path, records=records)

    assert imported is not None and imported.agent == "codex"
    steps = [s for e in imported.events for s in e.steps]
    usage = sum((e.usage for e in imported.events if e.usage is not None), Usage())
    calls = counts["function_call"] + counts["custom_tool_call"] + counts["local_shell_call"]
    assert sum(s.type == "tool_call" for s in steps) == calls
    assert (
        sum(s.type == "tool_result" for s in steps)
        == counts["function_call_output"] + counts["custom_tool_call_output"]
    )
    assert usage.input_tokens + usage.cache_read_tokens == sum(t["input_tokens"] for t in token_counts)
    assert usage.cache_read_tokens == sum(t["cached_input_tokens"] for t in token_counts)
    assert usage.output_tokens == sum(t["output_tokens"] for t in token_counts)
    assert imported.cwd == records[0]["payload"]["cwd"]
    assert imported.prompt and not imported.prompt.startswith("<environment_context>")


@pytest.mark.skipif(not ROLLOUTS or not CORPUS_FILES, reason="shared corpus not available")
@pytest.mark.parametrize("path", [*ROLLOUTS[:1], *CORPUS_FILES[:1]], ids=lambda p: p.name[:40])
def test_codex_logs_import_into_valid_trajectories(hooks: Any, tmp_path: Path, path: Path) -> None:
    """`autopilot import` of a Codex log writes a schema-valid trajectory priced from the table."""
    from autopilot.core.importer import import_file
    from autopilot.core.trajectory.files import schema_error

    result = import_file(hooks, path, tmp_path / "logs")

    written = json.loads(result.paths["json"].read_text())
    assert schema_error(written) is None
    assert written["agent"] == "codex"
    assert written["usage"]["cost_usd"] > 0
    assert written["result"]["status"] == "success"


def test_other_logs_are_not_claimed() -> None:
    """Records in another format are left to other plugins."""
    claude = [{"type": "system", "subtype": "init"}, {"type": "assistant", "message": {}}]

    assert trajectory_import(path=Path("x.jsonl"), records=claude) is None


@pytest.mark.integration
def test_own_rollout_imports_with_the_recorded_usage(
    tmp_path: Path, scripted: ScriptedOpenAI, git_repo: Path
) -> None:
    """A rollout written by a live run imports with the same tokens the live run recorded."""
    scripted.script(
        [
            {"shell": "echo hi", "input_tokens": 210, "cached_input_tokens": 10, "output_tokens": 5},
            {"text": "done", "input_tokens": 320, "cached_input_tokens": 20, "output_tokens": 7},
        ]
    )
    live = collect(fast_backend(), codex_request(tmp_path, scripted, git_repo, "say hi"))
    thread = next(e.session_id for e in live if e.session_id)
    rollout = next((tmp_path / "codex-home" / "sessions").glob(f"*/*/*/rollout-*-{thread}.jsonl"))

    imported = trajectory_import(path=rollout, records=corpus_events(rollout))

    assert imported is not None
    assert [e.usage for e in imported.events if e.usage] == [e.usage for e in live if e.usage]
    assert imported.prompt == "say hi"


@pytest.mark.integration
def test_shipped_fixtures_run_codex_through_the_api(
    scripted_openai: ScriptedOpenAI,  # noqa: F811
    codex_env: dict[str, str],  # noqa: F811
    autopilot_project: Path,
) -> None:
    """The `scripted_openai`/`codex_env` fixtures from autopilot.testing drive a real codex run."""
    from autopilot.app import runs as api

    scripted_openai.script([{"shell": "echo hi > hi.txt"}, {"text": "done"}])

    options = api.RunOptions(agent="codex", model="gpt-5.5", cwd=autopilot_project)
    result = api.run_task("say hi", options, env=codex_env, handle_signals=False)

    assert result.status == "success"
    assert (autopilot_project / "hi.txt").read_text() == "hi\n"
    assert Path(codex_env["CODEX_HOME"], "sessions").is_dir()


@given(st.text(max_size=40))
def test_setting_strings_reach_codex_unchanged(value: str) -> None:
    """Any text passed to codex as a `-c` string value (a base URL, instructions) parses back to itself."""
    import tomllib

    from autopilot.plugins.codex.command import _toml_key, _toml_string

    assert tomllib.loads(f"k = {_toml_string(value)}")["k"] == value
    assert tomllib.loads(f"{_toml_key(value)} = 1") == {value: 1}


def test_settings_are_values() -> None:
    """Settings compare by value, cannot be changed in place, and per-run overrides make new ones."""
    from autopilot.plugins.codex.settings import run_settings

    base = CodexSettings.from_mapping({"sandbox": "read-only", "config": ["a=1"]})
    assert base == CodexSettings(sandbox="read-only", config=("a=1",)) and base != CodexSettings()
    assert hash(base) == hash(CodexSettings(sandbox="read-only", config=("a=1",)))
    with pytest.raises(AttributeError):
        base.sandbox = "danger-full-access"  # type: ignore[misc]
    with pytest.raises(TypeError, match="sandbox_mode"):
        CodexSettings(sandbox_mode="read-only")
    assert run_settings(base, {}) == base
    with pytest.raises(CodexSetupError, match="sandbox"):  # built directly, still checked per run
        run_settings(CodexSettings(sandbox="bogus"), {})
    changed = run_settings(base, {"codex": {"network_access": True}})
    assert (changed.network_access, changed.sandbox, base.network_access) == (True, "read-only", False)
    assert "sandbox='read-only'" in repr(base)
    import copy
    import pickle

    assert copy.copy(base) == copy.deepcopy(base) == pickle.loads(pickle.dumps(base)) == base
