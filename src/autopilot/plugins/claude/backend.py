"""Built-in backend ``claude``: the Claude Code CLI bundled with ``claude-agent-sdk``.

Every message the CLI streams becomes trajectory steps as it arrives (see :class:`ClaudeStreamMapper`,
a pure function of the CLI's ``stream-json`` messages, also used to import saved stream-json files):

- ``system/init`` gives the session id and model; other system messages (``api_retry``,
  ``permission_denied``, ``compact_boundary``, task and hook events, ...) become ``system`` steps;
- assistant text, thinking and tool calls become ``assistant``, ``thinking`` and ``tool_call`` steps;
- tool results (``user`` messages) become ``tool_result`` steps with ``is_error``;
- each API response's usage becomes one usage delta (the CLI splits a response into one message per
  content block, all repeating the same ``message.id`` and usage, and only the streamed
  ``message_delta`` carries the real output tokens, so usage is grouped by message id);
- the ``result`` message ends the run with its status, final text and the CLI's own cost.

Settings, ``plugins: {backend_claude: {...}}`` in ``.autopilot/config.yaml`` (docs/backends/claude.md):

- ``permission_mode`` (default ``acceptEdits``): file edits inside the working directory are approved,
  edits elsewhere are refused; ``allowed_tools`` (default ``Bash Read Glob Grep``) are approved too.
  ``bypassPermissions`` approves everything; as root the CLI refuses it unless ``IS_SANDBOX=1``, which
  this backend then sets for the CLI only.
- ``allowed_tools``, ``disallowed_tools``, ``cli_path``, ``system_prompt_append``, ``models`` (extra
  aliases), ``extra_args`` (passed to the CLI), ``env`` (extra environment for the CLI).
- ``transport`` (default ``auto``): ``cli`` runs the SDK's bundled CLI directly (``-p --output-format
  stream-json``) and reads its stdout, without importing ``claude-agent-sdk`` (over a second of start-up);
  ``sdk`` goes through ``ClaudeSDKClient``. ``auto`` uses the CLI unless the run has in-process MCP
  servers (``{"type": "sdk"}`` entries in ``options["mcp_servers"]``), which only the SDK can host,
  or a tool guard (``RunRequest.tool_guard``, set when a plugin implements ``before_tool_use``);
  those runs always use the SDK.

A tool guard becomes a PreToolUse hook callback of the SDK (``ClaudeAgentOptions.hooks``): Claude Code
calls it before every tool call, before its permission rules (bypass mode included), and waits for
the answer. ``deny`` answers ``permissionDecision: deny`` with the reason (the agent gets an error tool
result reading ``PreToolUse:<tool> hook error: <reason>``); ``stop`` also answers ``continue: false``;
``allow`` answers nothing, so the permission settings still decide.

A run's toolsets (``RunRequest.toolsets``, e.g. the issue tools of ``run --issue``) become MCP
servers, with their tools added to ``allowed_tools`` and their instructions appended to the system
prompt: the toolset's stdio ``command``, which Claude Code starts itself (so such runs keep the direct
transport), or, for a toolset without one, with ``transport: sdk`` or a tool guard, an in-process SDK
server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections import deque
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Final

from autopilot import Backend, BackendEvent, RunRequest, Step, ToolDecision, Usage
from autopilot.core import processes
from autopilot.plugins.claude.models import priced_model
from autopilot.plugins.claude.settings import (
    PLUGIN_NAME,
    ClaudeSettings,
    ClaudeSetupError,
    find_cli,
    resolve_model,
)

if TYPE_CHECKING:
    from autopilot.core.models import Tool, ToolGuard, Toolset

# System messages that are progress noise, not events of the run.
_QUIET_SYSTEM: Final = frozenset({"thinking_tokens", "session_state_changed"})
# result subtype -> run status
_RESULT_STATUS: Final = {
    "success": "success",
    "error_max_turns": "max_turns",
    "error_max_budget_usd": "budget_exhausted",
}

# A stream_event line the mapper never needs (text and tool-input deltas, block starts and stops),
# recognised without parsing it: unescaped quotes only occur in JSON's own structure.
_SKIPPED_STREAM_EVENTS: Final = (
    b'"type":"content_block_delta"',
    b'"type":"content_block_start"',
    b'"type":"content_block_stop"',
)
_STREAM_EVENT_PREFIX: Final = b'{"type":"stream_event"'

#: Attempts in a row without any answer from the model server (no HTTP status) before a run gives up
#: (Claude Code itself retries ten times, for minutes); with its back-off, about four seconds.
UNREACHABLE_ATTEMPTS: Final = 3
#: Where Claude Code sends model requests when ANTHROPIC_BASE_URL is not set.
DEFAULT_API_URL: Final = "https://api.anthropic.com"
#: What Claude Code says when it has no credentials, or when its login token was refused.
_NOT_LOGGED_IN: Final = "Not logged in"
_NO_SESSION: Final = "No conversation found with session ID"


# ------------------------------------------------------------------------------------------------
# Mapping stream-json messages to steps (pure: no I/O, never raises on odd input)


def _usage_of(data: Any) -> Usage | None:
    """An Anthropic usage dict as a Usage (``input_tokens`` excludes cache reads and writes)."""
    if not isinstance(data, Mapping):
        return None

    def number(*names: str) -> int:
        for name in names:
            value = data.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                return max(0, int(value))
        return 0

    split = data.get("cache_creation")
    hour = split.get("ephemeral_1h_input_tokens") if isinstance(split, Mapping) else None
    return Usage(
        input_tokens=number("input_tokens"),
        output_tokens=number("output_tokens"),
        cache_read_tokens=number("cache_read_input_tokens", "cache_read_tokens"),
        cache_creation_tokens=number("cache_creation_input_tokens", "cache_creation_tokens"),
        cache_creation_1h_tokens=hour
        if isinstance(hour, int) and not isinstance(hour, bool) and hour > 0
        else 0,
    )


def _max_usage(a: Usage | None, b: Usage | None) -> Usage | None:
    """Field-wise maximum: later copies of one response's usage only ever complete it."""
    if a is None or b is None:
        return a or b
    return Usage(
        max(a.input_tokens, b.input_tokens),
        max(a.output_tokens, b.output_tokens),
        max(a.cache_read_tokens, b.cache_read_tokens),
        max(a.cache_creation_tokens, b.cache_creation_tokens),
        cache_creation_1h_tokens=max(a.cache_creation_1h_tokens, b.cache_creation_1h_tokens),
    )


def _minus(a: Usage, b: Usage) -> Usage:
    """``a - b`` per bucket, never negative."""
    return Usage(
        max(0, a.input_tokens - b.input_tokens),
        max(0, a.output_tokens - b.output_tokens),
        max(0, a.cache_read_tokens - b.cache_read_tokens),
        max(0, a.cache_creation_tokens - b.cache_creation_tokens),
        cache_creation_1h_tokens=max(0, a.cache_creation_1h_tokens - b.cache_creation_1h_tokens),
    )


def tool_output_text(content: Any) -> str:
    """A tool result's content as text (strings as is, text blocks joined, other blocks named)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, Mapping):
                if block.get("type") == "text":
                    parts.append(str(block.get("text", "")))
                else:
                    parts.append(f"[{block.get('type', 'block')}]")
            else:
                parts.append(str(block))
        return "\n".join(parts)
    return json.dumps(content, ensure_ascii=False, default=str)


def _session_of(data: Mapping[str, Any]) -> str | None:
    value = data.get("session_id")
    return value if isinstance(value, str) and value else None


@dataclass
class _Turn:
    """One API response being assembled from its per-block messages."""

    message_id: str
    steps: list[Step] = field(default_factory=list)
    usage: Usage | None = None
    model: str | None = None
    #: The response is being streamed (its message_delta, with the output tokens, is still to come).
    streamed: bool = False
    session_id: str | None = None


class ClaudeStreamMapper:
    """Turns Claude Code ``stream-json`` messages (dicts) into :class:`BackendEvent`s, in order.

    Feed every message to :meth:`feed`, then call :meth:`finish`. The steps of one API response are
    held until the response is complete (its ``message_delta``, or the next message of another kind),
    so each event carries one model turn's steps together with that turn's exact usage delta.
    """

    def __init__(self, *, keep_raw: bool = True) -> None:
        self.keep_raw = keep_raw
        self.session_id: str | None = None
        self.model: str | None = None
        self.result: dict[str, Any] | None = None
        self.tool_names: dict[str, str] = {}
        self.turns = 0
        self.total = Usage()
        self._reported: dict[str, Usage] = {}
        self._pending: _Turn | None = None
        self._started: dict[str, Usage] = {}
        self._current_stream_id: str | None = None

    # -- public -----------------------------------------------------------------------------------

    def feed(self, data: Any) -> list[BackendEvent]:
        """The events *data* (one stream-json message) completes; odd input becomes a system step."""
        if not isinstance(data, Mapping):
            return [
                BackendEvent(steps=[Step("system", subtype="unparsed", data={"value": str(data)[:2000]})])
            ]
        kind = data.get("type")
        if kind == "stream_event":
            return self._stream_event(data)
        if kind == "assistant":
            return self._assistant(data)
        pending = self._pending
        if pending is not None and pending.streamed and kind in ("user", "system"):
            # The CLI runs a tool as soon as its block is complete, so its result can arrive before the
            # response's message_delta: keep it with the turn, whose usage is reported with its steps.
            for event in self._user(data) if kind == "user" else self._system(data):
                pending.steps.extend(event.steps)
                pending.session_id = event.session_id or pending.session_id
            return []
        events = self._flush()
        if kind == "user":
            events += self._user(data)
        elif kind == "system":
            events += self._system(data)
        elif kind == "result":
            events.append(self._result(data))
        elif kind in ("control_request", "control_response", "control_cancel_request", "keep_alive"):
            pass  # the SDK's control protocol, not part of the run
        else:
            step = Step("system", subtype=f"event:{kind or 'unknown'}", data=self._data(data))
            events.append(BackendEvent(steps=[self._raw(step, data)], session_id=self._new_session(data)))
        return [e for e in events if e.steps or e.usage or e.session_id or e.model or e.done]

    def finish(self) -> list[BackendEvent]:
        """Flush the last response (the stream ended)."""
        return self._flush()

    # -- helpers ----------------------------------------------------------------------------------

    def _raw(self, step: Step, data: Mapping[str, Any]) -> Step:
        if self.keep_raw:
            step.raw = dict(data)
        return step

    @staticmethod
    def _data(data: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in data.items() if k not in ("type", "subtype", "uuid", "session_id")}

    def _new_session(self, data: Mapping[str, Any]) -> str | None:
        session = _session_of(data)
        if session and session != self.session_id:
            self.session_id = session
            return session
        return None

    def _usage_event(self, message_id: str, usage: Usage | None) -> tuple[Usage | None, bool]:
        """The not-yet-reported part of *usage* for response *message_id*, and whether it is new."""
        if usage is None:
            return None, False
        first = message_id not in self._reported
        before = self._reported.get(message_id, Usage())
        merged = _max_usage(before, usage) or usage
        self._reported[message_id] = merged
        delta = _minus(merged, before)
        if first:
            self.turns += 1
        self.total = self.total + delta
        return (delta if first or delta.total_tokens else None), first

    def _flush(self) -> list[BackendEvent]:
        turn, self._pending = self._pending, None
        if turn is None:
            return []
        if turn.model == "<synthetic>":
            # The CLI's own stand-in for a failed or skipped API call: no tokens, not a model turn.
            return [BackendEvent(steps=turn.steps, session_id=turn.session_id)] if turn.steps else []
        delta, first = self._usage_event(turn.message_id, turn.usage)
        model = None
        if turn.model and turn.model != self.model and turn.model != "<synthetic>":
            self.model = model = turn.model
        return [
            BackendEvent(
                steps=turn.steps, usage=delta, turn_complete=first, model=model, session_id=turn.session_id
            )
        ]

    # -- message kinds ----------------------------------------------------------------------------

    def _stream_event(self, data: Mapping[str, Any]) -> list[BackendEvent]:
        event = data.get("event")
        if not isinstance(event, Mapping):
            return []
        name = event.get("type")
        if name == "message_start":
            message = event.get("message") if isinstance(event.get("message"), Mapping) else {}
            message_id = str(message.get("id") or data.get("api_message_id") or "")
            self._current_stream_id = message_id
            usage = _usage_of(message.get("usage"))
            if message_id and usage is not None:
                self._started[message_id] = usage
            return []
        if name in ("message_delta", "message_stop"):
            message_id = str(data.get("api_message_id") or self._current_stream_id or "")
            usage = _max_usage(self._started.get(message_id), _usage_of(event.get("usage")))
            pending = self._pending
            if pending is not None and (not message_id or pending.message_id == message_id):
                pending.usage = _max_usage(pending.usage, usage)
                return self._flush() if name == "message_delta" or pending.steps else []
            if message_id and usage is not None and message_id in self._reported:
                # The response's blocks were already flushed: report what the delta adds.
                delta, _ = self._usage_event(message_id, usage)
                return [BackendEvent(usage=delta)] if delta else []
            if message_id and usage is not None:
                self._pending = _Turn(message_id, usage=usage)
            return []
        return []

    def _assistant(self, data: Mapping[str, Any]) -> list[BackendEvent]:
        message = data.get("message") if isinstance(data.get("message"), Mapping) else {}
        message_id = str(message.get("id") or data.get("uuid") or f"anonymous-{self.turns}")
        events: list[BackendEvent] = []
        if self._pending is not None and self._pending.message_id != message_id:
            events += self._flush()
        if self._pending is None:
            started = self._started.get(message_id)
            self._pending = _Turn(message_id, usage=started, streamed=started is not None)
        turn = self._pending
        model = message.get("model")
        usage = message.get("usage")
        speed = usage.get("speed") if isinstance(usage, Mapping) else None
        turn.model = priced_model(model, speed) if isinstance(model, str) else turn.model
        session = self._new_session(data)
        if session:
            events.append(BackendEvent(session_id=session))
        turn.usage = _max_usage(turn.usage, _usage_of(message.get("usage")))
        parent = data.get("parent_tool_use_id")
        steps: list[Step] = []
        content = message.get("content")
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        for block in content if isinstance(content, list) else []:
            steps.extend(self._assistant_block(block, turn.model))
        if data.get("error"):
            texts = " ".join(s.text or "" for s in steps if s.type == "assistant").strip()
            steps.append(
                Step("error", subtype=str(data["error"]), text=texts or f"API error: {data['error']}")
            )
        for step in steps:
            if parent:
                step.data = {**(step.data or {}), "parent_tool_use_id": parent}
        if steps:
            self._raw(steps[0], data)
        turn.steps.extend(steps)
        return events

    def _assistant_block(self, block: Any, model: str | None) -> list[Step]:
        if not isinstance(block, Mapping):
            return [Step("assistant", text=str(block))]
        kind = block.get("type")
        shown_model = model if model and model != "<synthetic>" else None
        if kind == "text":
            return [Step("assistant", text=str(block.get("text", "")), model=shown_model)]
        if kind == "thinking":
            return [Step("thinking", text=str(block.get("thinking", "")), model=shown_model)]
        if kind == "redacted_thinking":
            return [Step("thinking", text="[redacted thinking]", model=shown_model)]
        if kind in ("tool_use", "server_tool_use", "mcp_tool_use"):
            tool_id = str(block.get("id") or "")
            name = str(block.get("name") or "?")
            self.tool_names[tool_id] = name
            return [
                Step("tool_call", tool=name, tool_use_id=tool_id, input=block.get("input"), model=shown_model)
            ]
        if kind == "tool_result" or str(kind).endswith("_tool_result"):
            tool_id = str(block.get("tool_use_id") or "")
            return [
                Step(
                    "tool_result",
                    tool_use_id=tool_id,
                    tool=self.tool_names.get(tool_id),
                    output=tool_output_text(block.get("content")),
                    is_error=bool(block.get("is_error")),
                )
            ]
        return [Step("system", subtype=f"content:{kind}", data={"block": dict(block)})]

    def _user(self, data: Mapping[str, Any]) -> list[BackendEvent]:
        message = data.get("message") if isinstance(data.get("message"), Mapping) else {}
        content = message.get("content")
        parent = data.get("parent_tool_use_id")
        steps: list[Step] = []
        if isinstance(content, str):
            steps.append(Step("user", text=content))
        for block in content if isinstance(content, list) else []:
            if not isinstance(block, Mapping):
                continue
            if block.get("type") == "tool_result":
                tool_id = str(block.get("tool_use_id") or "")
                steps.append(
                    Step(
                        "tool_result",
                        tool_use_id=tool_id,
                        tool=self.tool_names.get(tool_id),
                        output=tool_output_text(block.get("content")),
                        is_error=bool(block.get("is_error")),
                    )
                )
            elif block.get("type") == "text":
                steps.append(Step("user", text=str(block.get("text", ""))))
        for step in steps:
            if parent:
                step.data = {"parent_tool_use_id": parent}
        if steps and self.keep_raw:
            # The content is in the steps already; keep the structured tool result beside it.
            steps[0].raw = {k: v for k, v in data.items() if k != "message"}
        return [BackendEvent(steps=steps, session_id=self._new_session(data))]

    def _system(self, data: Mapping[str, Any]) -> list[BackendEvent]:
        subtype = str(data.get("subtype") or "event")
        session = self._new_session(data)
        if subtype in _QUIET_SYSTEM or (subtype == "status" and data.get("status") in (None, "requesting")):
            return [BackendEvent(session_id=session)]
        if subtype == "init":
            model = data.get("model") if isinstance(data.get("model"), str) else None
            tools = data.get("tools") if isinstance(data.get("tools"), list) else []
            summary = {
                "model": model,
                "cwd": data.get("cwd"),
                "permission_mode": data.get("permissionMode"),
                "claude_code_version": data.get("claude_code_version"),
                "api_key_source": data.get("apiKeySource"),
                "tools": len(tools),
                "mcp_servers": data.get("mcp_servers") or [],
            }
            step = Step("system", subtype="init", data={k: v for k, v in summary.items() if v is not None})
            if model and model != self.model:
                self.model = model
            else:
                model = None
            return [BackendEvent(steps=[self._raw(step, data)], session_id=session, model=model)]
        text = data.get("message") if isinstance(data.get("message"), str) else None
        step = Step("system", subtype=subtype, data=self._data(data), text=text)
        return [BackendEvent(steps=[self._raw(step, data)], session_id=session)]

    def _result(self, data: Mapping[str, Any]) -> BackendEvent:
        self.result = dict(data)
        subtype = str(data.get("subtype") or "")
        is_error = bool(data.get("is_error"))
        status = _RESULT_STATUS.get(subtype, "error")
        if status == "success" and is_error:
            status = "error"
        final_text = data.get("result") if isinstance(data.get("result"), str) else None
        cost = next(
            (
                data[k]
                for k in ("total_cost_usd", "cost_usd", "total_cost")
                if isinstance(data.get(k), int | float)
            ),
            None,
        )
        keys = (
            "subtype", "is_error", "num_turns", "duration_ms", "duration_api_ms", "total_cost_usd", "usage",
            "modelUsage", "terminal_reason", "stop_reason", "api_error_status", "errors",
            "permission_denials",
        )  # fmt: skip
        summary = {k: data[k] for k in keys if data.get(k) is not None}
        steps = [self._raw(Step("system", subtype="result", data=summary), data)]
        error = None
        if status == "error":
            details = [str(e) for e in data.get("errors") or [] if e]
            error = final_text or "; ".join(details) or f"Claude Code ended with {subtype or 'an error'}"
            if data.get("api_error_status"):
                error = f"{error} (HTTP {data['api_error_status']})"
            # An is_error result of subtype "success" is labelled plainly, not `ERR [success]`.
            label = subtype if subtype and subtype != "success" else "error"
            steps.append(Step("error", subtype=label, text=error))
        # The result's usage covers this process's whole run; add what the stream did not show.
        extra = None
        reported = _usage_of(data.get("usage"))
        if reported is not None:
            missing = _minus(reported, self.total)
            if missing.total_tokens:
                extra = missing
                self.total = self.total + missing
        return BackendEvent(
            steps=steps,
            usage=extra,
            session_id=self._new_session(data),
            done=True,
            status=status,
            final_text=final_text,
            stop_reason=str(data.get("terminal_reason") or data.get("stop_reason") or "") or None,
            error=error,
            backend_cost_usd=float(cost) if cost is not None else None,
        )


def claude_messages_to_events(messages: Iterable[Any], *, keep_raw: bool = True) -> list[BackendEvent]:
    """Map a whole stream-json session (an iterable of message dicts) to events."""
    mapper = ClaudeStreamMapper(keep_raw=keep_raw)
    events: list[BackendEvent] = []
    for message in messages:
        events.extend(mapper.feed(message))
    events.extend(mapper.finish())
    return events


def claude_message_to_steps(messages: Iterable[Any]) -> list[Step]:
    """Every step of a stream-json session, in order (usage set on the last step of each turn)."""
    steps: list[Step] = []
    for event in claude_messages_to_events(messages):
        if event.usage is not None and event.steps:
            event.steps[-1].usage = event.usage
        steps.extend(event.steps)
    return steps


# ------------------------------------------------------------------------------------------------
# The backend


def _failure(message: str, subtype: str) -> BackendEvent:
    return BackendEvent(
        steps=[Step("error", subtype=subtype, text=message)], done=True, status="error", error=message
    )


def _session_not_found(event: BackendEvent) -> bool:
    """Whether *event* ends a run whose session Claude Code cannot find (it never wrote it)."""
    return event.status == "error" and _NO_SESSION in (event.error or "")


def _connection_retry(step: Step) -> bool:
    """Whether *step* is Claude Code retrying a request that got no HTTP answer at all."""
    data = step.data or {}
    return step.subtype == "api_retry" and "error_status" in data and data["error_status"] is None


def _login_advice(error: str, config_dir: str | None) -> str | None:
    """What to do about Claude Code's ``Not logged in · Please run /login`` (autopilot cannot run /login)."""
    if _NOT_LOGGED_IN not in error:
        return None
    how = (
        "set ANTHROPIC_API_KEY to an API key, or run `claude setup-token` and set "
        "CLAUDE_CODE_OAUTH_TOKEN to the token it prints"
    )
    if "HTTP 401" in error:
        return f"Claude Code's login was refused (HTTP 401): {how} (Claude Code said: {error})"
    if config_dir:
        how += f", or log in with `claude` using the same CLAUDE_CONFIG_DIR={config_dir}"
    return f"Claude Code has no credentials: {how} (Claude Code said: {error})"


def _not_found(detail: str) -> str:
    return (
        "the Claude Code CLI was not found (claude-agent-sdk ships one; reinstall it, or set "
        f"plugins.{PLUGIN_NAME}.cli_path): {detail}"
    )


class ClaudeBackend(Backend):
    """Runs the Claude Code CLI (directly, or through ``claude-agent-sdk``) and streams its messages."""

    name = "claude"
    #: Tool calls are held back by a PreToolUse hook until ``request.tool_guard`` has answered.
    vetoes_tool_calls = True

    def __init__(self, settings: Mapping[str, Any] | None = None, config: Any = None) -> None:
        data = dict(settings or {})
        #: How errors name these settings (with the config file that holds them).
        self._settings_where = f"plugins.{PLUGIN_NAME}"
        if config is not None and hasattr(config, "plugin_config"):
            data = {**config.plugin_config(PLUGIN_NAME), **data}
            self._settings_where = config.plugin_where(PLUGIN_NAME)
        self._settings_data = data
        self._pid: int | None = None
        #: Set by stop(): the CLI's end is then ours, not a failure to report.
        self._stopped = False
        self._known: dict[int, float] = {}
        self.stderr_tail: deque[str] = deque(maxlen=40)
        #: The transport the last run used (``cli`` or ``sdk``).
        self.transport: str | None = None

    # -- process control ------------------------------------------------------------------------

    def child_pids(self) -> list[int]:
        """The CLI process and everything it started, while alive."""
        if self._pid is None:
            return []
        pids = [self._pid, *processes.descendants(self._pid)]
        for pid in pids:
            self._remember(pid)
        return [pid for pid in pids if pid in self._known]

    def _remember(self, pid: int) -> None:
        """Note when *pid* started, the first time it is seen (a recycled pid is then not ours)."""
        if pid not in self._known:
            started = processes.create_time(pid)
            if started is not None:
                self._known[pid] = started

    async def stop(self) -> None:
        """Stop the CLI and every process it started: SIGTERM, then SIGKILL after two seconds."""
        if self._pid is None:
            return
        self._stopped = True
        # A recycled pid is not ours: only the process that started when we saw it is stopped.
        await asyncio.to_thread(processes.stop_tree, self._pid, started=self._known.get(self._pid))

    # -- shared -----------------------------------------------------------------------------------

    @staticmethod
    def _extra_prompt(request: RunRequest, settings: ClaudeSettings) -> str | None:
        """Text appended to the CLI's system prompt: the setting, else ``options["system_prompt_append"]``."""
        extra = settings.system_prompt_append or request.options.get("system_prompt_append")
        return str(extra) if extra else None

    @staticmethod
    def _env(request: RunRequest, settings: ClaudeSettings) -> dict[str, str]:
        """Environment the run adds for the CLI (settings, the request's own, and ``IS_SANDBOX``)."""
        env = {**settings.env, **request.env}
        if settings.permission_mode == "bypassPermissions" and hasattr(os, "getuid") and os.getuid() == 0:
            # The CLI refuses bypass mode as root unless told it runs in a sandbox (set for the CLI only).
            env.setdefault("IS_SANDBOX", "1")
        return env

    def settings_for(self, request: RunRequest) -> ClaudeSettings:
        """The settings of one run: the plugin's, overridden by ``request.options["claude"]``."""
        overrides = request.options.get("claude")
        return ClaudeSettings.from_mapping({**self._settings_data, **(overrides or {})}, self._settings_where)

    def _explain_text(self, message: str) -> str:
        """One line for a failure, with the CLI's last stderr line when it says more."""
        message = " ".join(message.split())
        lines = [" ".join(line.split()) for line in self.stderr_tail if line.strip()]
        if lines and lines[-1] not in message:
            message = f"{message}; Claude Code said: {lines[-1][:300]}"
        return f"Claude Code failed: {message}"

    def _endpoint(self, request: RunRequest, settings: ClaudeSettings) -> str:
        """Where Claude Code sends model requests, and which setting says so."""
        env = {**os.environ, **self._env(request, settings)}
        for flag, name in (
            ("CLAUDE_CODE_USE_BEDROCK", "Amazon Bedrock"),
            ("CLAUDE_CODE_USE_VERTEX", "Vertex AI"),
        ):
            if env.get(flag, "0") not in ("", "0", "false"):
                return f"{name} ({flag} is set)"
        if env.get("ANTHROPIC_BASE_URL"):
            return f"{env['ANTHROPIC_BASE_URL']} (ANTHROPIC_BASE_URL)"
        return f"{DEFAULT_API_URL} (the default; ANTHROPIC_BASE_URL sets another)"

    def _explain_done(
        self, event: BackendEvent, request: RunRequest, settings: ClaudeSettings
    ) -> BackendEvent:
        """*event* (the end of a run) with a missing or refused login explained: which variable or
        login Claude Code needs, and how to provide it."""
        if event.status != "error" or not event.error:
            return event
        config_dir = {**os.environ, **self._env(request, settings)}.get("CLAUDE_CONFIG_DIR")
        advice = _login_advice(event.error, config_dir)
        if advice is None:
            return event
        steps = [
            replace(step, text=advice) if step.type == "error" and step.text == event.error else step
            for step in event.steps
        ]
        return replace(event, steps=steps, error=advice, stop_reason="not_logged_in")

    def uses_cli(self, request: RunRequest, settings: ClaudeSettings) -> bool:
        """Whether *request* runs on the direct CLI transport (see the module doc)."""
        if request.tool_guard is not None:
            return False  # the PreToolUse hook calls back into this process: only the SDK can do it
        servers = request.options.get("mcp_servers")
        if isinstance(servers, Mapping) and any(
            isinstance(spec, Mapping) and spec.get("type") == "sdk" for spec in servers.values()
        ):
            return False  # in-process servers: only the SDK can host them
        return settings.transport in ("auto", "cli")

    def new_session_id(self) -> str:
        """Claude Code takes the session id it is given (``--session-id``): a new random UUID."""
        import uuid

        return str(uuid.uuid4())

    async def stream(self, request: RunRequest) -> AsyncIterator[BackendEvent]:
        """Run Claude Code on *request*; yields steps, usage deltas, the session id and a final done event.

        A resumed session Claude Code cannot find (it had not written it yet when the run was killed)
        is replaced by a new session told ``request.new_session_prompt``.
        """
        try:
            request = self.with_toolsets(request)
            settings = self.settings_for(request)
        except ClaudeSetupError as exc:
            yield _failure(str(exc), "setup")
            return
        lost: BackendEvent | None = None
        async with contextlib.aclosing(self._run_once(request, settings)) as events:
            async for event in events:
                if event.done and request.new_session_prompt and _session_not_found(event):
                    lost = event
                    break
                yield event
        if lost is None:
            return
        fresh = replace(
            request,
            prompt=request.new_session_prompt,
            resume_session_id=None,
            new_session_prompt=None,
            session_id=self.new_session_id(),
        )
        note = (
            f"Claude Code cannot resume session {request.resume_session_id} ({lost.error}): "
            f"new session {fresh.session_id} is told the original request and the recorded steps"
        )
        yield BackendEvent(
            steps=[Step("system", subtype="new_session", text=note)], session_id=fresh.session_id
        )
        async with contextlib.aclosing(self._run_once(fresh, settings)) as events:
            async for event in events:
                yield event

    async def _run_once(self, request: RunRequest, settings: ClaudeSettings) -> AsyncIterator[BackendEvent]:
        """One Claude Code process on *request*, through the transport it needs.

        When the model server cannot be reached (``api_retry`` without an HTTP status, several times
        in a row), the CLI is stopped and the run fails at once, naming the server, instead of after
        Claude Code's ten retries; a missing login is explained.
        """
        if self.uses_cli(request, settings):
            self.transport = "cli"
            events = self._stream_cli(request, settings)
        else:
            self.transport = "sdk"
            events = self._stream_sdk(request, settings)
        unreachable = 0
        async with contextlib.aclosing(events):
            async for event in events:
                if event.done:
                    yield self._explain_done(event, request, settings)
                    return
                if event.usage is not None or any(step.type == "assistant" for step in event.steps):
                    unreachable = 0
                unreachable += sum(1 for step in event.steps if _connection_retry(step))
                yield event
                if unreachable >= UNREACHABLE_ATTEMPTS:
                    message = (
                        f"Claude Code cannot reach the model server at {self._endpoint(request, settings)}: "
                        f"no connection after {unreachable} attempts; check that it is running and reachable"
                    )
                    yield _failure(message, "unreachable")
                    await self.stop()  # at once: the SDK would give the CLI seconds to exit by itself
                    return

    def with_toolsets(self, request: RunRequest) -> RunRequest:
        """*request* with its toolsets as MCP servers, their tools allowed and their instructions
        appended to the system prompt.

        A toolset with a ``command`` is a stdio server Claude Code starts itself, so the run keeps the
        direct CLI transport; otherwise (or with ``transport: sdk``) it is served in-process, through
        the SDK."""
        if not request.toolsets:
            return request
        settings = self.settings_for(request)
        servers = dict(request.options.get("mcp_servers") or {})
        allowed = list(settings.allowed_tools)
        notes = [self._extra_prompt(request, settings)]
        direct = self.uses_cli(request, settings)  # before the toolsets: they follow the run's transport
        for toolset in request.toolsets:
            if direct and toolset.command:
                command, *args = toolset.command
                servers[toolset.name] = {"type": "stdio", "command": command, "args": args}
            else:
                servers[toolset.name] = _sdk_server(toolset)
            allowed.append(f"mcp__{toolset.name}")
            notes.append(toolset.instructions)
        overrides = {
            **(request.options.get("claude") or {}),
            "allowed_tools": allowed,
            "system_prompt_append": "\n\n".join(note for note in notes if note) or None,
        }
        return replace(request, options={**request.options, "mcp_servers": servers, "claude": overrides})

    # -- the direct CLI transport -----------------------------------------------------------------

    def cli_command(self, cli: str, request: RunRequest, settings: ClaudeSettings) -> list[str]:
        """The command line of a direct run (the prompt goes to stdin)."""
        command = [cli, "-p", "--output-format", "stream-json", "--verbose", "--include-partial-messages"]
        extra = self._extra_prompt(request, settings)
        if extra:
            command += ["--append-system-prompt", extra]
        if settings.allowed_tools:
            command += ["--allowedTools", ",".join(settings.allowed_tools)]
        if settings.disallowed_tools:
            command += ["--disallowedTools", ",".join(settings.disallowed_tools)]
        model = resolve_model(request.model, settings.models)
        if model:
            command += ["--model", model]
        command += ["--permission-mode", settings.permission_mode]
        if request.resume_session_id:
            # The equals form: a value can never be taken for another flag.
            command.append(f"--resume={request.resume_session_id}")
        elif request.session_id:
            command.append(f"--session-id={request.session_id}")
        servers = request.options.get("mcp_servers")
        if servers:
            command += ["--mcp-config", json.dumps({"mcpServers": dict(servers)})]
        for flag, value in settings.extra_args.items():
            if value is None:
                command.append(f"--{flag}")
            elif str(value).startswith("-"):
                command.append(f"--{flag}={value}")
            else:
                command += [f"--{flag}", str(value)]
        return command

    def launch_spec(self, cli: str, request: RunRequest, settings: ClaudeSettings) -> processes.LaunchSpec:
        """How the direct transport starts *cli* for *request* (the prompt goes to stdin as it starts)."""
        env = {k: v for k, v in os.environ.items() if k != "CLAUDECODE"}
        env.update(self._env(request, settings))
        env["PWD"] = str(request.cwd)
        return processes.LaunchSpec(
            tuple(self.cli_command(cli, request, settings)),
            cwd=str(request.cwd),
            env=env,
            stdin=request.prompt.encode("utf-8"),
        )

    async def _stream_cli(self, request: RunRequest, settings: ClaudeSettings) -> AsyncIterator[BackendEvent]:
        cli = find_cli(settings)
        if cli is None:
            yield _failure(_not_found("no bundled CLI and no claude on PATH"), "CLINotFoundError")
            return
        try:
            process = await processes.start(self.launch_spec(cli, request, settings))
        except FileNotFoundError as exc:
            if not os.path.isdir(request.cwd):
                yield _failure(
                    f"Claude Code failed: the working directory {request.cwd} does not exist", "setup"
                )
            else:
                yield _failure(
                    _not_found(f"Claude Code not found at: {cli} ({exc.strerror})"), "CLINotFoundError"
                )
            return
        except OSError as exc:
            yield _failure(self._explain_text(f"could not start {cli}: {exc}"), type(exc).__name__)
            return
        self._pid, self._stopped = process.pid, False
        self._remember(process.pid)  # it has started nothing yet: no need to look for its children
        stderr_task = asyncio.create_task(self._read_stderr(process.stderr))
        mapper = ClaudeStreamMapper()
        done = False
        try:
            if request.session_id or request.resume_session_id:
                # The session is under way: the runner records the CLI's process at once.
                yield BackendEvent(session_id=request.session_id or request.resume_session_id)
            assert process.stdout is not None
            read = process.stdout.read
            pending = b""
            while not done:
                chunk = await read(1 << 16)
                if not chunk:
                    break
                lines = (pending + chunk).split(b"\n")
                pending = lines.pop()
                for line in lines:
                    for event in self._feed_line(mapper, line):
                        done = done or event.done
                        yield event
                    if done:
                        break
            if not done and pending:
                for event in self._feed_line(mapper, pending):
                    done = done or event.done
                    yield event
            if not done:
                for event in mapper.finish():
                    yield event
                code = await process.wait()
                await asyncio.wait({stderr_task}, timeout=2.0)
                reason = "the CLI ended without a result" + (f" (exit code {code})" if code else "")
                if not self._stopped:  # stopped by the runner (a signal, a limit): not the CLI's failure
                    yield _failure(self._explain_text(reason), "no_result")
        finally:
            if process.returncode is None:
                # After its result the CLI exits by itself; give it a moment before stopping it.
                with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(asyncio.shield(process.wait()), 5.0 if done else 0.1)
            if process.returncode is None:
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await self.stop()
                    await asyncio.wait_for(process.wait(), 5.0)
            stderr_task.cancel()
            with contextlib.suppress(BaseException):
                await stderr_task

    def _feed_line(self, mapper: ClaudeStreamMapper, line: bytes) -> list[BackendEvent]:
        line = line.strip()
        if not line:
            return []
        if line.startswith(_STREAM_EVENT_PREFIX) and any(k in line for k in _SKIPPED_STREAM_EVENTS):
            return []
        if line[:1] != b"{":
            # Not a message (some CLI builds print diagnostics on stdout): keep it with stderr.
            self.stderr_tail.append(line.decode("utf-8", "replace")[:2000])
            return []
        try:
            data = json.loads(line)
        except ValueError:
            data = line.decode("utf-8", "replace")
        return mapper.feed(data)

    async def _read_stderr(self, stream: asyncio.StreamReader | None) -> None:
        if stream is None:
            return
        while True:
            line = await stream.readline()
            if not line:
                return
            text = line.decode("utf-8", "replace").rstrip()
            if text:
                self.stderr_tail.append(text[:2000])

    # -- the SDK transport ------------------------------------------------------------------------

    def _options(self, request: RunRequest, settings: ClaudeSettings) -> Any:
        from claude_agent_sdk import ClaudeAgentOptions

        extra_prompt = self._extra_prompt(request, settings)
        kwargs: dict[str, Any] = {
            "cwd": str(request.cwd),
            "model": resolve_model(request.model, settings.models),
            "permission_mode": settings.permission_mode,
            "allowed_tools": list(settings.allowed_tools),
            "disallowed_tools": list(settings.disallowed_tools),
            "env": self._env(request, settings),
            "stderr": self.stderr_tail.append,
            "include_partial_messages": True,
            "resume": request.resume_session_id,
            "session_id": None if request.resume_session_id else request.session_id,
            "extra_args": dict(settings.extra_args),
        }
        if settings.cli_path:
            kwargs["cli_path"] = settings.cli_path
        # Claude Code's own system prompt (the SDK's default is an empty one), plus any extra instructions.
        kwargs["system_prompt"] = {"type": "preset", "preset": "claude_code"}
        if extra_prompt:
            kwargs["system_prompt"]["append"] = extra_prompt
        if request.options.get("mcp_servers"):
            kwargs["mcp_servers"] = request.options["mcp_servers"]
        if request.tool_guard is not None:
            from claude_agent_sdk import HookMatcher

            guard = _pre_tool_use(request.tool_guard)
            kwargs["hooks"] = {"PreToolUse": [HookMatcher(matcher=None, hooks=[guard])]}
        return ClaudeAgentOptions(**kwargs)

    def _explain(self, exc: BaseException) -> str:
        """One line for a failure, with the CLI's last stderr line when it says more."""
        from claude_agent_sdk import CLINotFoundError

        if isinstance(exc, CLINotFoundError):
            return _not_found(str(exc))
        return self._explain_text(str(exc) or type(exc).__name__)

    async def _stream_sdk(self, request: RunRequest, settings: ClaudeSettings) -> AsyncIterator[BackendEvent]:
        try:
            import logging

            # The SDK logs "Fatal error in message reader" when a stopped CLI exits; the run records it.
            logging.getLogger("claude_agent_sdk").addHandler(logging.NullHandler())
            options = self._options(request, settings)
            from claude_agent_sdk import ClaudeSDKClient
        except ImportError as exc:
            yield _failure(f"claude-agent-sdk is not installed: {exc}", "setup")
            return

        mapper = ClaudeStreamMapper()
        client = ClaudeSDKClient(options)
        done = False
        watchdog = None
        try:
            try:
                await client.connect()
                transport = getattr(client, "_transport", None)
                process = getattr(transport, "_process", None)
                self._pid, self._stopped = getattr(process, "pid", None), False
                self.child_pids()
                # The SDK started the CLI, without the parent-death signal: a watchdog stands in.
                watchdog = await processes.watchdog(self._pid) if self._pid is not None else None
                if request.session_id or request.resume_session_id:
                    yield BackendEvent(session_id=request.session_id or request.resume_session_id)
                await client.query(request.prompt)
                receive = client._query.receive_messages()  # raw stream-json dicts, before parsing
                try:
                    async for data in receive:
                        for event in mapper.feed(data):
                            done = done or event.done
                            yield event
                        if done:
                            break
                finally:
                    await receive.aclose()
            except Exception as exc:
                from claude_agent_sdk import ResultError

                # ResultError follows an error result the mapper already turned into the done event.
                if not (isinstance(exc, ResultError) and mapper.result is not None):
                    for event in mapper.finish():
                        yield event
                    if not done:
                        done = True
                        if not self._stopped:
                            yield _failure(self._explain(exc), type(exc).__name__)
            if not done:
                for event in mapper.finish():
                    yield event
                if not self._stopped:  # stopped by the runner (a signal, a limit): not the CLI's failure
                    yield _failure(self._explain(RuntimeError("the CLI ended without a result")), "no_result")
        finally:
            query = getattr(client, "_query", None)
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(client.disconnect(), 10.0)
            if query is not None:
                # disconnect() closes it only when it completes; a stopped run must not leak it either.
                with contextlib.suppress(Exception):
                    query.close_receive_stream()
            if self._pid is not None:
                await self.stop()
            if watchdog is not None:
                with contextlib.suppress(ProcessLookupError):
                    watchdog.kill()
                await watchdog.wait()


def _pre_tool_use(guard: ToolGuard) -> Any:
    """A PreToolUse hook callback for the SDK that asks *guard* (see the module doc)."""

    async def pre_tool_use(hook_input: Any, tool_use_id: str | None, context: Any) -> dict[str, Any]:
        data = hook_input if isinstance(hook_input, Mapping) else {}
        try:
            decision = guard(str(data.get("tool_name") or "?"), data.get("tool_input"), tool_use_id)
        except Exception as exc:  # the guard never raises; if it did, the call must not run
            decision = ToolDecision.stop(f"the tool guard failed: {type(exc).__name__}: {exc}")
        if decision.action == "allow":
            return {}  # no opinion: Claude Code's permission settings decide
        output: dict[str, Any] = {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": decision.reason,
            }
        }
        if decision.action == "stop":
            output.update(continue_=False, stopReason=decision.reason)
        return output

    return pre_tool_use


def _sdk_server(toolset: Toolset) -> Any:
    """*toolset* as an in-process MCP server of claude-agent-sdk."""
    from claude_agent_sdk import create_sdk_mcp_server, tool

    def make(definition: Tool) -> Any:
        @tool(definition.name, definition.description, definition.input_schema)
        async def handler(args: dict[str, Any]) -> dict[str, Any]:
            result = await definition.handler(dict(args or {}))
            text = json.dumps(result, ensure_ascii=False, indent=1)
            return {"content": [{"type": "text", "text": text}], "is_error": "error" in result}

        return handler

    return create_sdk_mcp_server(
        name=toolset.name, version="1.0.0", tools=[make(definition) for definition in toolset.tools]
    )
