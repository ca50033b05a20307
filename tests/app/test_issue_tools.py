"""The agent-facing issue tools: same store as the CLI, errors returned to the agent, never raised."""

from __future__ import annotations

from pathlib import Path

from autopilot.app.issue_tools import IssueTools, claude_issue_server
from autopilot.core.hooks import Hooks
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


def test_claude_server_is_an_in_process_sdk_server(hooks: Hooks) -> None:
    """For Claude the tools are an in-process SDK MCP server named autopilot-issues."""
    server = claude_issue_server(_tools(hooks))

    assert (server["type"], server["name"]) == ("sdk", "autopilot-issues")
