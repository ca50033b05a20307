"""Issue tools for agents: ``issue_ready``, ``issue_view``, ``issue_claim``, ``issue_complete``,
``issue_block`` and ``issue_create``, backed by the same store as the CLI, so an agent never edits the
YAML by hand.

:func:`issue_toolset` offers them to any backend as a :class:`~autopilot.core.models.Toolset` (the
MCP server ``autopilot-issues``): served in-process, or by the stdio server of
:mod:`autopilot.app.issue_mcp` for agents that run in a process of their own. The functions of
:class:`IssueTools` are plain and synchronous, so tests can call them directly.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from autopilot.core.errors import AutopilotError
from autopilot.core.issues import Issue, IssueStore
from autopilot.core.models import Tool, Toolset

SERVER_NAME: Final = "autopilot-issues"

#: What the agent is told about the tools (appended to its system prompt).
INSTRUCTIONS: Final = (
    "You are run unattended by git-autopilot on one issue of the repository's queue. The tools of the "
    f"'{SERVER_NAME}' MCP server (issue_view, issue_ready, issue_create, issue_block, issue_complete) "
    "read and change the queue; use issue_create for follow-up work you notice but should not do now, "
    "and issue_block if the issue cannot be done."
)


def _brief(issue: Issue) -> dict[str, Any]:
    return {
        "id": issue.id,
        "title": issue.title,
        "status": issue.status,
        "priority": issue.priority,
        "labels": list(issue.labels),
        "depends_on": list(issue.depends_on),
    }


@dataclass
class IssueTools:
    """The agent's view of the store during one run.

    Args:
        store: The project's store.
        holder: Who the agent claims as (the git identity, ``Name <email>``).
        run_id: The run the agent belongs to.
        current: The issue this run works on; the agent cannot complete it itself (autopilot does,
            after the acceptance commands pass), only report that it is done.
    """

    store: IssueStore
    holder: str
    run_id: str | None
    current: str | None = None

    def issue_ready(self, limit: int = 20) -> dict[str, Any]:
        return {"ready": [_brief(i) for i in self.store.ready()[: max(1, int(limit))]]}

    def issue_view(self, id: str) -> dict[str, Any]:
        issue = self.store.get_issue(id)
        data = issue.to_dict()
        data.pop("schema_version", None)
        data["events"] = data["events"][-10:]
        return data

    def issue_claim(self, id: str) -> dict[str, Any]:
        issue = self.store.claim(id, holder=self.holder, run_id=self.run_id)
        return {"claimed": issue.id, "expires": issue.claim.expires if issue.claim else None}

    def issue_complete(self, id: str, note: str = "") -> dict[str, Any]:
        issue = self.store.get_issue(id)
        if issue.id == self.current:
            self.store.add_event(issue.id, "agent_done", by=self.holder, run_id=self.run_id, note=note)
            return {
                "recorded": issue.id,
                "message": "noted; autopilot completes this issue once its acceptance commands pass",
            }
        done = self.store.set_status(
            issue.id, "done", by=self.holder, reason=note or None, run_id=self.run_id
        )
        return {"completed": done.id}

    def issue_block(self, id: str, reason: str) -> dict[str, Any]:
        issue = self.store.set_status(id, "blocked", by=self.holder, reason=reason, run_id=self.run_id)
        return {"blocked": issue.id}

    def issue_create(
        self,
        title: str,
        body: str = "",
        priority: str = "medium",
        labels: list[str] | None = None,
        depends_on: list[str] | None = None,
    ) -> dict[str, Any]:
        issue = self.store.create_issue(
            title,
            body=body,
            priority=priority,
            labels=labels or (),
            depends_on=depends_on or (),
            by=self.holder,
        )
        return {"created": issue.id}

    def call(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """Call tool *name*; errors become ``{"error": ...}`` (the agent reads them, nothing crashes)."""
        try:
            return dict(getattr(self, name)(**arguments))
        except AutopilotError as exc:
            return {"error": str(exc)}
        except TypeError as exc:
            return {"error": f"bad arguments for {name}: {exc}"}


_SCHEMAS: dict[str, tuple[str, dict[str, Any]]] = {
    "issue_ready": (
        "List issues that are ready to start (open, unclaimed, dependencies done), most urgent first.",
        {"type": "object", "properties": {"limit": {"type": "integer"}}},
    ),
    "issue_view": (
        "Show one issue: title, body, status, acceptance commands, recent events.",
        {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
    ),
    "issue_claim": (
        "Claim an issue before working on it. Fails if someone else holds it.",
        {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
    ),
    "issue_complete": (
        "Report an issue as done. For the issue you were given, autopilot completes it after its "
        "acceptance commands pass.",
        {
            "type": "object",
            "properties": {"id": {"type": "string"}, "note": {"type": "string"}},
            "required": ["id"],
        },
    ),
    "issue_block": (
        "Mark an issue blocked, with the reason (missing access, unclear request, ...).",
        {
            "type": "object",
            "properties": {"id": {"type": "string"}, "reason": {"type": "string"}},
            "required": ["id", "reason"],
        },
    ),
    "issue_create": (
        "File a new issue (follow-up work you found but should not do now).",
        {
            "type": "object",
            "properties": {
                "title": {"type": "string"},
                "body": {"type": "string"},
                "priority": {"type": "string", "enum": ["urgent", "high", "medium", "low"]},
                "labels": {"type": "array", "items": {"type": "string"}},
                "depends_on": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["title"],
        },
    ),
}


def tool_definitions() -> list[dict[str, Any]]:
    """The tools as MCP describes them: name, description, JSON Schema of the arguments."""
    return [
        {"name": name, "description": description, "inputSchema": schema}
        for name, (description, schema) in _SCHEMAS.items()
    ]


def server_command(
    project_dir: Path, holder: str, run_id: str | None, current: str | None
) -> tuple[str, ...]:
    """The command line that starts the stdio server of :mod:`autopilot.app.issue_mcp` for one run."""
    args = [
        sys.executable,
        "-m",
        "autopilot.app.issue_mcp",
        "--project-dir",
        str(project_dir),
        "--holder",
        holder,
    ]
    if run_id:
        args += ["--run-id", run_id]
    if current:
        args += ["--current", current]
    return tuple(args)


def issue_toolset(tools: IssueTools, project_dir: Path) -> Toolset:
    """*tools* as a toolset for any backend: in-process handlers, plus the command of the stdio server
    (:mod:`autopilot.app.issue_mcp`) serving the same store for agents in a process of their own."""

    def make(name: str, description: str, schema: dict[str, Any]) -> Tool:
        async def handler(arguments: dict[str, Any]) -> dict[str, Any]:
            return tools.call(name, arguments)

        return Tool(name, description, schema, handler)

    return Toolset(
        name=SERVER_NAME,
        tools=tuple(make(name, description, schema) for name, (description, schema) in _SCHEMAS.items()),
        instructions=INSTRUCTIONS,
        command=server_command(project_dir, tools.holder, tools.run_id, tools.current),
    )
