"""The Claude backend: stream-json mapping (corpus), settings, models, and the real CLI end to end."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from tests.corpus import CORPUS

from autopilot import BackendEvent, RunRequest
from autopilot.plugins.claude.backend import (
    ClaudeBackend,
    ClaudeSettings,
    ClaudeSetupError,
    ClaudeStreamMapper,
    claude_message_to_steps,
    claude_messages_to_events,
)
from autopilot.plugins.claude.settings import model_aliases, resolve_model
from autopilot.testing import ScriptedAnthropic

STREAM_FILES = sorted((CORPUS / "claude-stream-json").glob("*.*json*")) if CORPUS.is_dir() else []
SDK_FILES = sorted((CORPUS / "claude-agent-sdk-fixtures").glob("*.json")) if CORPUS.is_dir() else []
needs_corpus = pytest.mark.skipif(not STREAM_FILES, reason="the shared sample corpus is not present")


def read_messages(path: Path) -> list[Any]:
    """Messages of a stream-json sample: JSON lines, a JSON array, or one JSON object."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".jsonl", ".ndjson"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    data = json.loads(text)
    return data if isinstance(data, list) else [data]


def blocks(messages: list[Any], role: str, kind: str) -> list[dict[str, Any]]:
    found = []
    for message in messages:
        if isinstance(message, dict) and message.get("type") == role:
            content = (message.get("message") or {}).get("content")
            if isinstance(content, list):
                found += [b for b in content if isinstance(b, dict) and b.get("type") == kind]
    return found


# ------------------------------------------------------------------------------------------------
# Corpus


@needs_corpus
@pytest.mark.parametrize("path", STREAM_FILES, ids=lambda p: p.name)
def test_corpus_tool_calls_and_results_match_the_file(path: Path) -> None:
    """Every tool_use becomes a tool_call step and every tool_result a tool_result step with is_error."""
    messages = read_messages(path)
    steps = claude_message_to_steps(messages)
    calls = blocks(messages, "assistant", "tool_use")
    results = blocks(messages, "user", "tool_result")

    assert [s.tool_use_id for s in steps if s.type == "tool_call"] == [b["id"] for b in calls]
    assert [s.tool for s in steps if s.type == "tool_call"] == [b["name"] for b in calls]
    assert [s.tool_use_id for s in steps if s.type == "tool_result"] == [b["tool_use_id"] for b in results]
    assert sum(1 for s in steps if s.type == "tool_result" and s.is_error) == sum(
        1 for b in results if b.get("is_error")
    )
    texts = blocks(messages, "assistant", "text")
    assert [s.text for s in steps if s.type == "assistant"] == [b["text"] for b in texts]


@needs_corpus
@pytest.mark.parametrize("path", STREAM_FILES, ids=lambda p: p.name)
def test_corpus_usage_is_counted_once_per_response(path: Path) -> None:
    """Usage repeated on every block of one response counts once; the result's usage fills any gap."""
    messages = read_messages(path)
    last: dict[str, dict[str, int]] = {}
    for message in messages:
        if isinstance(message, dict) and message.get("type") == "assistant":
            inner = message.get("message") or {}
            if inner.get("usage"):
                last[inner["id"]] = inner["usage"]
    names = {
        "input_tokens": "input_tokens",
        "output_tokens": "output_tokens",
        "cache_read_tokens": "cache_read_input_tokens",
        "cache_creation_tokens": "cache_creation_input_tokens",
    }
    expected = {ours: sum(u.get(theirs, 0) for u in last.values()) for ours, theirs in names.items()}
    result = next((m for m in messages if isinstance(m, dict) and m.get("type") == "result"), None)
    if result and result.get("usage"):
        expected = {
            ours: max(expected[ours], result["usage"].get(theirs, 0)) for ours, theirs in names.items()
        }
    events = claude_messages_to_events(messages)
    totals: dict[str, int] = defaultdict(int)
    for event in events:
        if event.usage:
            for name in names:
                totals[name] += getattr(event.usage, name)

    assert {name: totals[name] for name in names} == expected
    assert sum(1 for e in events if e.turn_complete) == len(last)


@needs_corpus
@pytest.mark.parametrize("path", STREAM_FILES, ids=lambda p: p.name)
def test_corpus_result_ends_the_run(path: Path) -> None:
    """The result message becomes the done event with its status, final text and the CLI's cost."""
    messages = read_messages(path)
    result = next((m for m in messages if isinstance(m, dict) and m.get("type") == "result"), None)
    done = [e for e in claude_messages_to_events(messages) if e.done]

    if result is None:
        assert done == []
        return
    (event,) = done
    assert event.status == (
        "success" if result["subtype"] == "success" and not result["is_error"] else "error"
    )
    assert event.final_text == result.get("result")
    cost = result.get("total_cost_usd", result.get("cost_usd"))
    assert event.backend_cost_usd == cost


@needs_corpus
def test_corpus_session_and_model_come_from_init() -> None:
    """The init message gives the session id and the model."""
    messages = read_messages(CORPUS / "claude-stream-json" / "gleam__golden_basic_query.ndjson")
    events = claude_messages_to_events(messages)

    assert events[0].session_id == messages[0]["session_id"]
    assert events[0].model == messages[0]["model"]
    assert events[0].steps[0].subtype == "init"


@needs_corpus
@pytest.mark.parametrize("path", SDK_FILES, ids=lambda p: p.name)
def test_sdk_fixture_messages_never_crash_the_mapper(path: Path) -> None:
    """Every hand-written SDK test message (including malformed ones) maps without an exception."""
    data = json.loads(path.read_text(encoding="utf-8"))
    samples = [s["message"] for group in data["files"].values() for s in group]
    mapper = ClaudeStreamMapper()
    events: list[BackendEvent] = []
    for sample in samples:
        events += mapper.feed(sample)
    events += mapper.finish()

    tool_uses = blocks(samples, "assistant", "tool_use") + blocks(samples, "assistant", "server_tool_use")
    assert len(samples) > 10
    assert sum(1 for e in events for s in e.steps if s.type == "tool_call") == len(tool_uses)


def test_split_response_waits_for_the_real_output_tokens() -> None:
    """Blocks of one response are one event whose usage includes the streamed message_delta tokens."""
    start = {
        "type": "message_start",
        "message": {"id": "m1", "usage": {"input_tokens": 100, "output_tokens": 0}},
    }
    part = {"id": "m1", "model": "claude-sonnet-4-5", "usage": {"input_tokens": 100, "output_tokens": 0}}
    messages = [
        {"type": "stream_event", "event": start},
        {"type": "assistant", "message": {**part, "content": [{"type": "text", "text": "Let me look."}]}},
        {
            "type": "assistant",
            "message": {**part, "content": [{"type": "tool_use", "id": "t1", "name": "Bash", "input": {}}]},
        },
        {
            "type": "stream_event",
            "api_message_id": "m1",
            "event": {"type": "message_delta", "usage": {"output_tokens": 42}},
        },
    ]
    (event,) = claude_messages_to_events(messages)

    assert [s.type for s in event.steps] == ["assistant", "tool_call"]
    assert event.turn_complete
    assert (event.usage.input_tokens, event.usage.output_tokens) == (100, 42)


def test_tool_result_before_message_delta_stays_with_its_turn() -> None:
    """The CLI may run a tool before the response's message_delta: the turn still carries its full usage."""
    start = {
        "type": "message_start",
        "message": {"id": "m1", "usage": {"input_tokens": 50, "output_tokens": 0}},
    }
    call = {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "true"}}
    result = {"type": "tool_result", "tool_use_id": "t1", "content": "ok", "is_error": False}
    messages = [
        {"type": "stream_event", "event": start},
        {"type": "assistant", "message": {"id": "m1", "model": "m", "content": [call]}},
        {"type": "user", "message": {"role": "user", "content": [result]}},
        {
            "type": "stream_event",
            "api_message_id": "m1",
            "event": {"type": "message_delta", "usage": {"output_tokens": 7}},
        },
    ]
    (event,) = claude_messages_to_events(messages)

    assert [(s.type, s.tool) for s in event.steps] == [("tool_call", "Bash"), ("tool_result", "Bash")]
    assert (event.usage.input_tokens, event.usage.output_tokens) == (50, 7)


def test_api_error_becomes_an_error_step_and_status() -> None:
    """An assistant error and an is_error result give an error step and status error with the HTTP status."""
    messages = [
        {
            "type": "assistant",
            "error": "server_error",
            "message": {
                "id": "x",
                "model": "<synthetic>",
                "content": [{"type": "text", "text": "API Error: 500"}],
                "usage": {"input_tokens": 0, "output_tokens": 0},
            },
        },
        {
            "type": "result",
            "subtype": "success",
            "is_error": True,
            "result": "API Error: 500",
            "api_error_status": 500,
            "session_id": "s",
        },
    ]
    events = claude_messages_to_events(messages)
    done = events[-1]

    assert any(s.type == "error" and s.subtype == "server_error" for e in events for s in e.steps)
    assert not any(e.turn_complete for e in events)  # the CLI's synthetic message is not a model turn
    assert done.done and done.status == "error"
    assert done.error == "API Error: 500 (HTTP 500)"
    assert [s.subtype for s in done.steps if s.type == "error"] == ["error"]  # not "success"


# ------------------------------------------------------------------------------------------------
# Settings and models


def test_aliases_resolve_and_full_ids_pass_through() -> None:
    """sonnet/opus/haiku resolve to the ids in the data file; other names are unchanged."""
    aliases = model_aliases()

    assert set(aliases) == {"sonnet", "opus", "haiku"}
    assert resolve_model("Sonnet") == aliases["sonnet"]
    assert resolve_model("claude-sonnet-4-5-20250929") == "claude-sonnet-4-5-20250929"
    assert resolve_model(None) is None
    assert resolve_model("fast", {"fast": "claude-haiku-4-5"}) == "claude-haiku-4-5"


def test_default_permission_policy() -> None:
    """By default edits are approved inside the working directory and Bash/Read/Glob/Grep are allowed."""
    settings = ClaudeSettings.from_mapping({})

    assert settings.permission_mode == "acceptEdits"
    assert settings.allowed_tools == ("Bash", "Read", "Glob", "Grep")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"permission_mode": "yolo"}, "permission_mode: must be one of"),
        ({"allowed_tools": 3}, "allowed_tools: must be a list"),
        ({"colour": "red"}, "unknown setting 'colour'"),
    ],
)
def test_bad_settings_name_the_field(data: dict[str, Any], message: str) -> None:
    """A bad setting names plugins.backend_claude.<field>."""
    with pytest.raises(ClaudeSetupError, match=message):
        ClaudeSettings.from_mapping(data)


# ------------------------------------------------------------------------------------------------
# The real CLI


def collect(backend: ClaudeBackend, request: RunRequest) -> list[BackendEvent]:
    async def go() -> list[BackendEvent]:
        return [event async for event in backend.stream(request)]

    return asyncio.run(go())


@pytest.fixture(params=["cli", "sdk"])
def transport(request: pytest.FixtureRequest) -> str:
    """Both transports: the bundled CLI run directly, and through ClaudeSDKClient."""
    return str(request.param)


@pytest.mark.integration
def test_backend_streams_steps_usage_and_session(
    scripted_anthropic: ScriptedAnthropic, claude_env: dict[str, str], git_repo: Path, transport: str
) -> None:
    """A real two-turn run: the tool really runs, usage per turn is exact, the session id is reported."""
    scripted_anthropic.script(
        [
            {
                "tool_use": {"name": "Bash", "input": {"command": "echo hi > made.txt && echo made"}},
                "input_tokens": 210,
                "output_tokens": 17,
            },
            {"text": "All done", "input_tokens": 330, "output_tokens": 9, "cache_read_input_tokens": 120},
        ]
    )
    options = {"system_prompt_append": "Extra rule from autopilot."}
    request = RunRequest("make a file", git_repo, model="claude-sonnet-4-5", env=claude_env, options=options)
    backend = ClaudeBackend({"transport": transport})
    events = collect(backend, request)
    steps = [s for e in events for s in e.steps]
    usages = [e.usage for e in events if e.usage]
    system = json.dumps(scripted_anthropic.requests()[0]["body"]["system"])

    assert (git_repo / "made.txt").read_text() == "hi\n"
    assert [s.type for s in steps if s.type != "system"] == ["tool_call", "tool_result", "assistant"]
    assert next(s for s in steps if s.type == "tool_result").output == "made"
    assert [(u.input_tokens, u.output_tokens, u.cache_read_tokens) for u in usages] == [
        (210, 17, 0),
        (330, 9, 120),
    ]
    assert sum(e.turn_complete for e in events) == 2
    assert events[-1].done and events[-1].status == "success" and events[-1].final_text == "All done"
    assert any(e.session_id for e in events)
    assert "You are Claude Code" in system and "Extra rule from autopilot." in system
    assert backend.transport == transport


@pytest.mark.integration
def test_missing_cli_is_a_clear_error(tmp_path: Path, transport: str) -> None:
    """A cli_path that does not exist ends the stream with one clear error, not an exception."""
    backend = ClaudeBackend({"cli_path": str(tmp_path / "no-such-claude"), "transport": transport})
    events = collect(backend, RunRequest("hi", tmp_path))

    assert events[-1].done and events[-1].status == "error"
    assert "Claude Code" in (events[-1].error or "") and "not found" in (events[-1].error or "")


@pytest.mark.integration
def test_authentication_failure_is_an_error_result(
    scripted_anthropic: ScriptedAnthropic, claude_env: dict[str, str], git_repo: Path, transport: str
) -> None:
    """HTTP 401 from the API ends the run with status error naming the failure."""
    scripted_anthropic.script([{"http_error": 401, "message": "invalid x-api-key"}])
    backend = ClaudeBackend({"transport": transport})
    events = collect(backend, RunRequest("hi", git_repo, model="claude-sonnet-4-5", env=claude_env))

    assert events[-1].status == "error"
    assert "401" in (events[-1].error or "")


@pytest.mark.integration
def test_bypass_permissions_works_as_root(
    scripted_anthropic: ScriptedAnthropic, claude_env: dict[str, str], git_repo: Path, transport: str
) -> None:
    """bypassPermissions runs tools (as root the backend sets IS_SANDBOX for the CLI itself)."""
    env = {k: v for k, v in claude_env.items() if k != "IS_SANDBOX"}
    scripted_anthropic.script(
        [{"tool_use": {"name": "Bash", "input": {"command": "touch bypass.txt"}}}, {"text": "ok"}]
    )
    backend = ClaudeBackend(
        {"permission_mode": "bypassPermissions", "allowed_tools": [], "transport": transport}
    )
    events = collect(backend, RunRequest("touch", git_repo, model="claude-sonnet-4-5", env=env))

    assert events[-1].status == "success"
    assert (git_repo / "bypass.txt").exists()


@pytest.mark.integration
def test_edits_outside_the_repository_are_refused(
    scripted_anthropic: ScriptedAnthropic,
    claude_env: dict[str, str],
    git_repo: Path,
    tmp_path: Path,
    transport: str,
) -> None:
    """Under the default policy a Write outside the working directory is denied (is_error result)."""
    outside = tmp_path / "outside.txt"
    scripted_anthropic.script(
        [
            {"tool_use": {"name": "Write", "input": {"file_path": str(outside), "content": "x"}}},
            {"text": "ok"},
        ]
    )
    env = {k: v for k, v in claude_env.items() if k != "IS_SANDBOX"}
    events = collect(
        ClaudeBackend({"transport": transport}),
        RunRequest("write", git_repo, model="claude-sonnet-4-5", env=env),
    )
    results = [s for e in events for s in e.steps if s.type == "tool_result"]

    assert not outside.exists()
    assert results and results[0].is_error


def test_transport_choice() -> None:
    """auto runs the CLI directly unless in-process MCP servers need the SDK; a bad value names the field."""
    backend = ClaudeBackend()
    plain = RunRequest("hi", Path.cwd())
    external = RunRequest("hi", Path.cwd(), options={"mcp_servers": {"x": {"command": "true"}}})
    in_process = RunRequest("hi", Path.cwd(), options={"mcp_servers": {"x": {"type": "sdk", "name": "x"}}})
    auto, sdk, cli = (ClaudeSettings.from_mapping({"transport": t}) for t in ("auto", "sdk", "cli"))

    assert backend.uses_cli(plain, auto) and backend.uses_cli(external, auto) and backend.uses_cli(plain, cli)
    assert not backend.uses_cli(in_process, auto) and not backend.uses_cli(in_process, cli)
    assert not backend.uses_cli(plain, sdk)
    with pytest.raises(ClaudeSetupError, match=r"backend_claude\.transport"):
        ClaudeSettings.from_mapping({"transport": "grpc"})


def test_cli_command_carries_the_run_settings(tmp_path: Path) -> None:
    """The direct command passes model, permission mode, tools, prompt append, resume and extra args."""
    settings = ClaudeSettings.from_mapping(
        {
            "system_prompt_append": "Be brief.",
            "disallowed_tools": ["WebFetch"],
            "extra_args": {"effort": "low"},
        }
    )
    request = RunRequest("hi", tmp_path, model="sonnet", resume_session_id="-abc")
    command = ClaudeBackend().cli_command("claude", request, settings)

    assert command[:5] == ["claude", "-p", "--output-format", "stream-json", "--verbose"]
    assert command[command.index("--model") + 1] == model_aliases()["sonnet"]
    assert command[command.index("--permission-mode") + 1] == "acceptEdits"
    assert command[command.index("--allowedTools") + 1] == "Bash,Read,Glob,Grep"
    assert command[command.index("--disallowedTools") + 1] == "WebFetch"
    assert command[command.index("--append-system-prompt") + 1] == "Be brief."
    assert "--resume=-abc" in command and "--include-partial-messages" in command
    assert command[-2:] == ["--effort", "low"]


def test_bundled_cli_is_found_where_the_import_system_finds_the_sdk() -> None:
    """The bundled Claude Code binary is looked up where `import claude_agent_sdk` would load from."""
    import importlib.util
    import os

    from autopilot.plugins.claude.settings import bundled_cli_path

    spec = importlib.util.find_spec("claude_agent_sdk")
    assert spec is not None and spec.submodule_search_locations
    expected = os.path.join(next(iter(spec.submodule_search_locations)), "_bundled", "claude")
    assert bundled_cli_path() == expected and os.access(expected, os.X_OK)


def test_default_settings_share_no_mutable_values() -> None:
    """Changing one settings object's mapping never changes the defaults of the next one."""
    first = ClaudeSettings()
    first.env["LEAK"] = "1"  # type: ignore[index]
    assert "LEAK" not in ClaudeSettings().env
