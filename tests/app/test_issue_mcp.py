"""The issue tools as a stdio MCP server: the protocol, the real store behind it, and a real Codex
agent using it."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from autopilot import RunRequest
from autopilot.app.issue_mcp import handle, serve
from autopilot.app.issue_tools import IssueTools, issue_toolset, server_command
from autopilot.core.hooks import Hooks
from autopilot.plugins.codex.backend import CodexBackend
from autopilot.plugins.store_yaml.store import YamlStore
from autopilot.testing.openai_server import ScriptedOpenAI


def _tools(hooks: Hooks) -> IssueTools:
    store = YamlStore(Path.cwd(), redact=lambda text: hooks.redact(text=text), commit="off")
    return IssueTools(store, holder="agent@box:1", run_id="run-1")


def _exchange(messages: list[dict[str, Any]], tools: IssueTools) -> list[dict[str, Any]]:
    out = io.StringIO()
    serve(io.StringIO("".join(json.dumps(m) + "\n" for m in messages)), out, tools.call)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_initialize_and_list_tools(hooks: Hooks) -> None:
    """The server answers initialize and lists the six issue tools with their argument schemas."""
    replies = _exchange(
        [
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-03-26"}},
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        ],
        _tools(hooks),
    )

    assert [r["id"] for r in replies] == [1, 2]
    assert replies[0]["result"]["protocolVersion"] == "2025-03-26"
    assert "tools" in replies[0]["result"]["capabilities"]
    tools = {t["name"]: t for t in replies[1]["result"]["tools"]}
    assert set(tools) == {
        "issue_ready",
        "issue_view",
        "issue_claim",
        "issue_complete",
        "issue_block",
        "issue_create",
    }
    assert tools["issue_block"]["inputSchema"]["required"] == ["id", "reason"]


def test_tool_calls_use_the_store(hooks: Hooks) -> None:
    """tools/call creates and claims issues in the project's store; errors come back as isError results."""
    tools = _tools(hooks)
    replies = _exchange(
        [
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "tools/call",
                "params": {"name": "issue_create", "arguments": {"title": "t"}},
            },
            {
                "jsonrpc": "2.0",
                "id": 2,
                "method": "tools/call",
                "params": {"name": "issue_view", "arguments": {"id": "zz"}},
            },
        ],
        tools,
    )

    created = replies[0]["result"]["structuredContent"]["created"]
    assert tools.store.get_issue(created).title == "t"
    assert replies[0]["result"]["isError"] is False
    assert replies[1]["result"]["isError"] is True
    assert "no issue 'zz'" in replies[1]["result"]["content"][0]["text"]


def test_protocol_errors(hooks: Hooks) -> None:
    """Unknown tools and methods are JSON-RPC errors; a line that is not JSON is a parse error."""
    call = _tools(hooks).call

    unknown_tool = handle({"id": 1, "method": "tools/call", "params": {"name": "rm_rf"}}, call)
    unknown_method = handle({"id": 2, "method": "resources/list"}, call)
    out = io.StringIO()
    serve(io.StringIO("not json\n"), out, call)

    assert unknown_tool is not None and unknown_tool["error"]["code"] == -32602
    assert unknown_method is not None and unknown_method["error"]["code"] == -32601
    assert json.loads(out.getvalue())["error"]["code"] == -32700


def test_runs_as_a_command_on_the_project(git_repo: Path) -> None:
    """`python -m autopilot.app.issue_mcp` (the toolset's command) serves the project's real store."""
    command = server_command(git_repo, "agent@box:1", "run-1", None)
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}},
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "tools/call",
            "params": {"name": "issue_create", "arguments": {"title": "x"}},
        },
    ]

    done = subprocess.run(
        list(command),
        input="".join(json.dumps(m) + "\n" for m in messages),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    created = json.loads(done.stdout.splitlines()[1])["result"]["structuredContent"]["created"]
    listed = subprocess.run(
        [sys.executable, "-m", "autopilot", "issue", "list", "--json"],
        cwd=git_repo,
        capture_output=True,
        text=True,
        check=True,
    )
    assert created in listed.stdout


@pytest.mark.integration
def test_codex_agent_claims_an_issue_through_the_server(tmp_path: Path, git_repo: Path) -> None:
    """A real Codex agent calls the issue toolset over MCP (its stdio command): the claim lands in the
    store and the trajectory."""
    store = YamlStore(git_repo, redact=lambda text: text, commit="off")
    issue = store.create_issue("Fix the bug", by="test")
    call = {"type": "function_call", "namespace": "mcp__autopilot_issues", "name": "issue_claim"}
    call["arguments"] = json.dumps({"id": issue.id})
    home = tmp_path / "codex-home"
    home.mkdir()
    with ScriptedOpenAI(tmp_path / "server", [{"item": call}, {"text": "claimed"}]) as server:
        tools = IssueTools(store, holder="agent@box:1", run_id="run-1", current=issue.id)
        request = RunRequest(
            prompt="claim the issue",
            cwd=git_repo,
            model="gpt-5.5",
            env={**server.env(), "CODEX_HOME": str(home)},
            toolsets=(issue_toolset(tools, git_repo),),
        )
        backend = CodexBackend({"request_max_retries": 0, "stream_max_retries": 0})

        async def run() -> list[Any]:
            return [event async for event in backend.stream(request)]

        events = asyncio.run(run())

    steps = [s for e in events for s in e.steps]
    result = next(s for s in steps if s.type == "tool_result")
    assert [s.tool for s in steps if s.type == "tool_call"] == ["mcp__autopilot-issues__issue_claim"]
    assert json.loads(result.output or "{}")["claimed"] == issue.id
    assert result.is_error is False
    assert (
        YamlStore(git_repo, redact=lambda text: text, commit="off").get_issue(issue.id).status
        == "in_progress"
    )
    assert events[-1].status == "success"


@pytest.mark.integration
def test_run_issue_with_codex_gets_the_issue_tools(
    tmp_path: Path, git_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --issue ID --agent codex`: Codex files a follow-up with the issue tools; the issue completes."""
    from autopilot.cli import main

    (git_repo / ".autopilot").mkdir(exist_ok=True)
    (git_repo / ".autopilot" / "config.yaml").write_text(
        "schema_version: 1\nmin_free_memory_mb: 0\ncommit: off\n"
        "plugins:\n  backend_codex:\n    request_max_retries: 0\n    stream_max_retries: 0\n"
    )
    store = YamlStore(git_repo, redact=lambda text: text, commit="off")
    issue = store.create_issue("Create out.txt", accept=["test -f out.txt"], by="test")
    follow_up = {"type": "function_call", "namespace": "mcp__autopilot_issues", "name": "issue_create"}
    follow_up["arguments"] = json.dumps({"title": "Document out.txt"})
    home = tmp_path / "codex-home"
    home.mkdir()
    turns = [{"shell": "echo hi > out.txt"}, {"item": follow_up}, {"text": "done, and filed a follow-up"}]
    with ScriptedOpenAI(tmp_path / "server", turns) as server:
        for name, value in {**server.env(), "CODEX_HOME": str(home)}.items():
            monkeypatch.setenv(name, value)

        code = main(["run", "--issue", issue.id, "--agent", "codex", "-m", "gpt-5.5", "--quiet"])

    titles = {i.title: i.status for i in YamlStore(git_repo, redact=lambda t: t, commit="off").list_issues()}
    assert code == 0, capsys.readouterr()
    assert titles == {"Create out.txt": "done", "Document out.txt": "open"}
