"""The agent-facing issue tools: same store as the CLI, errors returned to the agent, never raised."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from autopilot.app.issue_tools import INSTRUCTIONS, IssueTools, issue_toolset
from autopilot.core.hooks import Hooks
from autopilot.core.models import RunRequest
from autopilot.plugins.claude.backend import ClaudeBackend
from autopilot.plugins.codex.backend import CodexBackend
from autopilot.plugins.store_yaml.store import YamlStore


def _tools(hooks: Hooks, current: str | None = None) -> IssueTools:
    store = YamlStore(Path.cwd(), redact=lambda text: hooks.redact(text=text), commit="off")
    return IssueTools(store, holder="agent@box:1", run_id="run-1", current=current)


def test_agent_creates_lists_claims_and_blocks_issues(hooks: Hooks) -> None:
    """An agent files follow-up work, sees it as ready, claims it and blocks it with a reason."""
    tools = _tools(hooks)

    created = tools.call("issue_create", {"title": "follow-up", "priority": "high", "labels": ["later"]})
    ready = tools.call("issue_ready", {})
    claimed = tools.call("issue_claim", {"id": created["created"]})
    blocked = tools.call("issue_block", {"id": created["created"], "reason": "needs a token"})
    viewed = tools.call("issue_view", {"id": created["created"]})

    assert [i["title"] for i in ready["ready"]] == ["follow-up"]
    assert claimed["claimed"] == created["created"]
    assert blocked == {"blocked": created["created"]}
    assert viewed["status"] == "blocked" and viewed["events"][-1]["reason"] == "needs a token"


def test_agent_cannot_complete_its_own_issue_before_acceptance(hooks: Hooks) -> None:
    """Completing the issue being worked only records a note; autopilot completes it after acceptance."""
    tools = _tools(hooks)
    issue_id = tools.call("issue_create", {"title": "mine"})["created"]
    tools.current = issue_id

    answer = tools.call("issue_complete", {"id": issue_id, "note": "all done"})

    assert answer["recorded"] == issue_id
    assert tools.store.get_issue(issue_id).status == "open"
    assert tools.store.get_issue(issue_id).events[-1].kind == "agent_done"


def test_errors_are_answers_not_exceptions(hooks: Hooks) -> None:
    """A missing issue or a bad argument comes back as {"error": ...} for the agent to read."""
    tools = _tools(hooks)

    assert "no issue 'zzz'" in tools.call("issue_view", {"id": "zzz"})["error"]
    assert "bad arguments for issue_block" in tools.call("issue_block", {"id": "x"})["error"]


def test_toolset_handlers_call_the_store(hooks: Hooks) -> None:
    """The toolset's in-process handlers answer like the tools: a created issue, or an error to read."""
    tools = {tool.name: tool for tool in issue_toolset(_tools(hooks), Path.cwd()).tools}

    created = asyncio.run(tools["issue_create"].handler({"title": "from a handler"}))
    missing = asyncio.run(tools["issue_view"].handler({"id": "zzz"}))

    assert YamlStore(Path.cwd(), commit="off").get_issue(created["created"]).title == "from a handler"
    assert "no issue 'zzz'" in missing["error"]


def test_claude_gets_the_toolset_as_an_allowed_stdio_server(hooks: Hooks) -> None:
    """For Claude the toolset is the stdio server Claude Code starts itself (the direct transport stays),
    its tools allowed, its note in the prompt; with ``transport: sdk`` it is served in-process."""
    toolset = issue_toolset(_tools(hooks), Path.cwd())
    backend = ClaudeBackend({"system_prompt_append": "Be brief."})

    request = backend.with_toolsets(RunRequest("x", Path.cwd(), toolsets=(toolset,)))
    server = request.options["mcp_servers"]["autopilot-issues"]
    sdk = ClaudeBackend({"transport": "sdk"})
    in_sdk = sdk.with_toolsets(RunRequest("x", Path.cwd(), toolsets=(toolset,)))

    assert server == {"type": "stdio", "command": toolset.command[0], "args": list(toolset.command[1:])}
    assert backend.uses_cli(request, backend.settings_for(request))
    sdk_server = in_sdk.options["mcp_servers"]["autopilot-issues"]
    assert (sdk_server["type"], sdk_server["name"]) == ("sdk", "autopilot-issues")
    assert request.options["claude"]["allowed_tools"] == [
        "Bash",
        "Read",
        "Glob",
        "Grep",
        "mcp__autopilot-issues",
    ]
    assert request.options["claude"]["system_prompt_append"] == f"Be brief.\n\n{INSTRUCTIONS}"


def test_codex_gets_the_toolset_as_a_stdio_server(hooks: Hooks) -> None:
    """For Codex the toolset is the stdio server it starts itself, with the note in its instructions."""
    toolset = issue_toolset(_tools(hooks), Path.cwd())

    request = CodexBackend.with_toolsets(RunRequest("x", Path.cwd(), toolsets=(toolset,)))
    server = request.options["mcp_servers"]["autopilot-issues"]

    assert [server["command"], *server["args"]][:3] == [sys.executable, "-m", "autopilot.app.issue_mcp"]
    assert request.options["system_prompt_append"] == INSTRUCTIONS
