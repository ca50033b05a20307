"""An example agent backend for git-autopilot: the "echo agent".

The echo agent is made up and runs inside autopilot's process, so the example needs no model and no
credentials: for a task like ``write NOTES.md`` it writes that file in one turn, then answers in a
second. With ``autopilot run --issue`` or ``--full-auto`` the request also carries the issue tools,
and it reports the issue done through them, as a real agent does. A real backend talks to its model
or starts its agent program where this one makes up its answers; the events it yields are the same.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator

from autopilot import Backend, BackendEvent, RunRequest, Step, Tool, Usage, hookimpl

MODEL = "echo-1"


class EchoBackend(Backend):
    """``autopilot run --agent echo "write NOTES.md"``."""

    name = "echo"  # what --agent, `agent:` in the configuration and backend_select answers name

    def new_session_id(self) -> str:
        # The agent lets the caller choose its session id: the run records it before the agent starts.
        return uuid.uuid4().hex

    async def stream(self, request: RunRequest) -> AsyncIterator[BackendEvent]:
        # First what the agent is: its session (a resumed run continues the one it names) and model.
        session = request.resume_session_id or request.session_id or uuid.uuid4().hex
        yield BackendEvent(session_id=session, model=request.model or MODEL)

        # Turn 1: the model answers with a tool call. Report the turn's steps, its token counts (the
        # runner prices them and checks the budget) and turn_complete (it counts the turn).
        match = re.search(r"\bwrite (\S+)", request.prompt)
        path = match.group(1) if match else "ECHO.md"
        call = Step("tool_call", tool="Write", tool_use_id="call-1", input={"file_path": path})
        yield BackendEvent(
            steps=[Step("assistant", text=f"I will write {path}."), call],
            usage=Usage(input_tokens=len(request.prompt) // 4, output_tokens=12),
            turn_complete=True,
        )
        # The agent runs the tool; its result is a step of its own.
        (request.cwd / path).write_text(f"Written by the echo agent for: {request.prompt[:60]}\n")
        result = Step("tool_result", tool="Write", tool_use_id="call-1", output=f"wrote {path}")
        yield BackendEvent(steps=[result])

        # The tools autopilot offers for this run (run --issue: the issue queue, as the MCP server
        # `autopilot-issues`). This agent runs in autopilot's process, so it calls their handlers; an
        # agent that is a program of its own starts each toolset's `command` as a stdio MCP server.
        tools = {f"mcp__{ts.name}__{tool.name}": tool for ts in request.toolsets for tool in ts.tools}
        issue = re.search(r"Work on issue (\S+)", request.prompt)  # a model reads the id from the task
        complete = tools.get("mcp__autopilot-issues__issue_complete")
        if issue and complete is not None:
            yield await call_tool(complete, "mcp__autopilot-issues__issue_complete", {"id": issue.group(1)})

        # The last turn: the answer, and the end of the run (status "error" with `error` if it failed).
        yield BackendEvent(
            steps=[Step("assistant", text=f"Done: {path} is written.")],
            usage=Usage(input_tokens=20, output_tokens=8),
            turn_complete=True,
            done=True,
            status="success",
            final_text=f"Done: {path} is written.",
        )


async def call_tool(tool: Tool, name: str, arguments: dict[str, object]) -> BackendEvent:
    """One model turn that calls *tool*: the call, then its result (a dict with "error" is a failed call)."""
    result = await tool.handler(arguments)
    return BackendEvent(
        steps=[
            Step("tool_call", tool=name, tool_use_id="call-2", input=arguments),
            Step("tool_result", tool=name, tool_use_id="call-2", output=json.dumps(result)),
        ],
        usage=Usage(input_tokens=30, output_tokens=10),
        turn_complete=True,
    )


@hookimpl
def backend_register(register):
    register(EchoBackend)
