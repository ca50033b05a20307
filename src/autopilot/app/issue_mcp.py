"""The issue tools as a stdio MCP server, for agents that run in a process of their own (Codex).

A backend whose agent can call back into autopilot serves the issue toolset in-process (Claude);
one whose agent starts MCP servers itself runs the toolset's ``command``, which is this module::

    python -m autopilot.app.issue_mcp --project-dir DIR --holder WHO --run-id ID [--current ISSUE]

It speaks MCP's JSON-RPC over stdin/stdout (one JSON message per line): ``initialize``,
``tools/list``, ``tools/call`` and ``ping``. Every call goes to :class:`autopilot.app.issue_tools.IssueTools`
on the project's store (chosen by the ``store_select`` hook, exactly as for the CLI), so the agent never
edits the YAML by hand. :func:`autopilot.app.issue_tools.server_command` gives the command line;
backends pre-approve the tools, since nobody is there to approve them during a run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Final

PROTOCOL_VERSION: Final = "2025-06-18"


def tool_list() -> list[dict[str, Any]]:
    """The tools as MCP describes them (name, description, JSON Schema of the arguments)."""
    from autopilot.app.issue_tools import tool_definitions

    return tool_definitions()


def handle(
    message: dict[str, Any], call: Callable[[str, dict[str, Any]], dict[str, Any]]
) -> dict[str, Any] | None:
    """The response to one JSON-RPC *message* (None for notifications)."""
    method = message.get("method")
    if "id" not in message:
        return None  # notifications (notifications/initialized, cancellations) need no answer
    reply: dict[str, Any] = {"jsonrpc": "2.0", "id": message["id"]}
    params = message.get("params") or {}
    if method == "initialize":
        version = params.get("protocolVersion") or PROTOCOL_VERSION
        reply["result"] = {
            "protocolVersion": version,
            "capabilities": {"tools": {"listChanged": False}},
            "serverInfo": {"name": "autopilot-issues", "version": "1.0.0"},
        }
    elif method == "ping":
        reply["result"] = {}
    elif method == "tools/list":
        reply["result"] = {"tools": tool_list()}
    elif method == "tools/call":
        name = str(params.get("name") or "")
        if name not in {tool["name"] for tool in tool_list()}:
            reply["error"] = {"code": -32602, "message": f"unknown tool {name!r}"}
        else:
            result = call(name, dict(params.get("arguments") or {}))
            text = json.dumps(result, ensure_ascii=False, indent=1)
            reply["result"] = {
                "content": [{"type": "text", "text": text}],
                "structuredContent": result,
                "isError": "error" in result,
            }
    else:
        reply["error"] = {"code": -32601, "message": f"method {method!r} not supported"}
    return reply


def serve(reader: IO[str], writer: IO[str], call: Callable[[str, dict[str, Any]], dict[str, Any]]) -> None:
    """Answer JSON-RPC messages from *reader* on *writer* until the client closes stdin."""
    for line in reader:
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except ValueError:
            reply: dict[str, Any] | None = {
                "jsonrpc": "2.0",
                "id": None,
                "error": {"code": -32700, "message": "parse error"},
            }
        else:
            reply = handle(message, call) if isinstance(message, dict) else None
        if reply is not None:
            writer.write(json.dumps(reply, ensure_ascii=False) + "\n")
            writer.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autopilot.app.issue_mcp", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--project-dir", type=Path, required=True, help="the repository holding .autopilot/")
    parser.add_argument("--holder", required=True, help="who claims issues (Name <email>)")
    parser.add_argument("--run-id", help="the run the agent belongs to")
    parser.add_argument("--current", help="the issue this run works on")
    args = parser.parse_args(argv)

    from autopilot.app.issue_tools import IssueTools
    from autopilot.core.config import load_config
    from autopilot.core.hooks import Hooks
    from autopilot.core.pluginmanager import make_plugin_manager

    config = load_config(args.project_dir)
    hooks = Hooks(make_plugin_manager(project_dir=config.project_dir))
    tools = IssueTools(
        hooks.store_select(config=config), holder=args.holder, run_id=args.run_id, current=args.current
    )
    serve(sys.stdin, sys.stdout, tools.call)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
