"""Built-in backend ``codex``: the real Codex agent, run as ``codex exec --json``.

Why the CLI and not the ``openai-codex`` SDK: the SDK drives a long-lived ``codex app-server`` over
JSON-RPC, which we would have to supervise anyway; ``codex exec --json`` is one process per run (or
resumption) that we start in its own session, so the runner's watchdogs, signals and memory guard
can stop the whole process tree, and its stdout is a documented, stable JSON-lines event stream.
Both ship the same binary (``openai-codex-cli-bin``).

Usage is the subtle part. ``turn.completed.usage`` is a running total for the *thread* (it includes
earlier ``exec`` processes of a resumed thread) and arrives once per ``exec``, after every model
call of the turn. To give the runner per-model-call deltas (so the budget stops a run at most one
model call past the cap), we also read the thread's rollout file in ``$CODEX_HOME/sessions`` as it
grows: each ``token_usage_record`` (or, in older builds, each ``token_count`` running total) becomes
one delta. ``turn.completed`` then reconciles: whatever the rollout did not account for is emitted
then, so the deltas always add up exactly to what Codex reported for this process.

Settings (``plugins: {backend_codex: {...}}`` in ``.autopilot/config.yaml``) are documented in
docs/backends/codex.md; :class:`CodexSettings` holds them. A run's toolsets (``RunRequest.toolsets``,
e.g. the issue tools of ``run --issue``) reach codex as stdio MCP servers it starts itself (each
toolset's ``command``), their tools pre-approved.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shlex
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import msgspec

from autopilot import Backend, BackendEvent, RunRequest, Step, Usage
from autopilot.core import processes
from autopilot.plugins.codex.command import build_command
from autopilot.plugins.codex.settings import (
    PLUGIN_NAME,
    CodexSettings,
    CodexSetupError,
    credentials_problem,
    find_codex_binary,
    model_endpoint,
    run_settings,
)

_SHELLS: Final = ("bash", "zsh", "sh", "dash", "fish", "ksh")
_RETRY_NOTICE: Final = re.compile(r"^(Reconnecting|Retrying)\b", re.IGNORECASE)
#: A retry notice for a request that got no answer at all (refused, unresolvable, unreachable).
_CONNECTION_FAILURE: Final = re.compile(
    r"Connection failed|error sending request|failed to lookup address|Connection refused|dns error",
    re.IGNORECASE,
)
#: Retry notices for connection failures in a row before a run gives up (codex retries each request
#: several times before one notice, then reconnects five times: about half a minute in all).
UNREACHABLE_NOTICES: Final = 2
_STDERR_NOISE: Final = ("Reading additional input from stdin", "could not create PATH aliases")


def codex_home(environ: Mapping[str, str]) -> Path:
    """Where codex keeps config and sessions: ``CODEX_HOME`` or ``~/.codex``."""
    value = environ.get("CODEX_HOME")
    return Path(value).expanduser() if value else Path.home() / ".codex"


def find_rollout(home: Path, thread_id: str) -> Path | None:
    """The rollout file of *thread_id* under ``$CODEX_HOME/sessions`` (newest first), or None."""
    if not re.fullmatch(r"[0-9A-Za-z-]+", thread_id):
        return None
    matches = sorted((home / "sessions").glob(f"*/*/*/rollout-*-{thread_id}.jsonl"), reverse=True)
    return matches[0] if matches else None


# ------------------------------------------------------------------------------------------------
# Usage: Codex's cumulative counters -> per-call deltas in our buckets


def _count(value: Any) -> int:
    """A token counter as Codex wrote it: an int (a float is cut to one), else 0."""
    if type(value) is int:
        return value
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


@dataclass(frozen=True, slots=True)
class RawUsage:
    """Codex token counters (``cached`` is part of ``input``; ``reasoning`` is part of ``output``)."""

    input: int = 0
    cached: int = 0
    cache_write: int = 0
    output: int = 0
    reasoning: int = 0

    @classmethod
    def from_codex(cls, data: Mapping[str, Any] | None) -> RawUsage:
        if not data:
            return cls()
        get = data.get
        return cls(
            _count(get("input_tokens")),
            # Some writers (and ccusage's fixtures) name the cached part as Anthropic does.
            _count(get("cached_input_tokens")) or _count(get("cache_read_input_tokens")),
            _count(get("cache_write_input_tokens")),
            _count(get("output_tokens")),
            _count(get("reasoning_output_tokens")),
        )

    def to_codex(self) -> dict[str, int]:
        """The counters as Codex names them (what :meth:`from_codex` reads)."""
        return {
            "input_tokens": self.input,
            "cached_input_tokens": self.cached,
            "cache_write_input_tokens": self.cache_write,
            "output_tokens": self.output,
            "reasoning_output_tokens": self.reasoning,
        }

    def __add__(self, other: RawUsage) -> RawUsage:
        return RawUsage(
            self.input + other.input,
            self.cached + other.cached,
            self.cache_write + other.cache_write,
            self.output + other.output,
            self.reasoning + other.reasoning,
        )

    def __sub__(self, other: RawUsage) -> RawUsage:
        return RawUsage(
            self.input - other.input,
            self.cached - other.cached,
            self.cache_write - other.cache_write,
            self.output - other.output,
            self.reasoning - other.reasoning,
        )

    def covers(self, other: RawUsage) -> bool:
        """Every counter is at least *other*'s (a running total that did not restart)."""
        return (
            self.input >= other.input
            and self.cached >= other.cached
            and self.cache_write >= other.cache_write
            and self.output >= other.output
            and self.reasoning >= other.reasoning
        )

    @property
    def empty(self) -> bool:
        return not (self.input or self.cached or self.cache_write or self.output or self.reasoning)

    def to_usage(self) -> Usage:
        """Our buckets: uncached input, cache reads, cache writes, output (reasoning included, as billed)."""
        return Usage(
            input_tokens=max(0, self.input - self.cached - self.cache_write),
            output_tokens=self.output,
            cache_read_tokens=self.cached,
            cache_creation_tokens=self.cache_write,
        )


class UsageTracker:
    """Turns Codex's per-call records and running totals into deltas that add up exactly.

    ``record`` takes one model call's usage; ``snapshot`` takes a running total for the thread
    (rollout ``token_count`` or ``turn.completed``) and returns what the records did not cover. A
    total below the last one is a restart (older codex builds restart counting in a new process):
    the delta is then the new total minus the records seen since the last snapshot.

    A rollout may write a call's record after the ``token_count`` whose total already holds it: a
    record equal to the ``last`` usage of a snapshot that counted it adds nothing.
    """

    def __init__(self, baseline: RawUsage | None = None) -> None:
        self.total = baseline or RawUsage()
        self._since_snapshot = RawUsage()
        self._seen: set[str] = set()
        #: The last calls of snapshots that counted them, their records not read yet.
        self._counted: deque[RawUsage] = deque(maxlen=8)

    def record(self, usage: RawUsage, key: str | None = None) -> RawUsage | None:
        if key is not None:
            if key in self._seen:
                return None
            self._seen.add(key)
        if usage in self._counted:
            self._counted.remove(usage)
            return None  # the running total before it held this call already
        self.total = self.total + usage
        self._since_snapshot = self._since_snapshot + usage
        return None if usage.empty else usage

    def snapshot(self, cumulative: RawUsage, last: RawUsage | None = None) -> RawUsage | None:
        if cumulative.covers(self.total):
            delta = cumulative - self.total
        else:
            rest = cumulative - self._since_snapshot
            delta = rest if rest.covers(RawUsage()) else RawUsage()
        self.total = cumulative
        self._since_snapshot = RawUsage()
        if last is not None and not last.empty and delta.covers(last):
            self._counted.append(last)
        return None if delta.empty else delta


def rollout_baseline(path: Path) -> tuple[RawUsage, int]:
    """The thread's running total at the end of rollout *path*, and the file size (where to tail from)."""
    total = RawUsage()
    size = 0
    with contextlib.suppress(OSError), path.open("rb") as handle:
        for line in handle:
            size += len(line)
            usage = _rollout_total(line)
            if usage is not None:
                total = usage
    return total, size


def _rollout_total(line: bytes) -> RawUsage | None:
    if b'"token_count"' not in line:
        return None
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    payload = entry.get("payload") or {}
    info = payload.get("info") if payload.get("type") == "token_count" else None
    if isinstance(info, dict) and isinstance(info.get("total_token_usage"), dict):
        return RawUsage.from_codex(info["total_token_usage"])
    return None


class RolloutTail:
    """Reads a growing rollout file: per-call usage and the model, as codex writes them."""

    def __init__(
        self, home: Path, thread_id: str | None = None, path: Path | None = None, offset: int = 0
    ) -> None:
        self.home = home
        self.thread_id = thread_id
        self.path = path
        self.offset = offset
        self._partial = b""
        self._next_search = 0.0

    def poll(self) -> Iterator[dict[str, Any]]:
        """Complete new entries since the last poll (nothing when the file is not there yet)."""
        if self.path is None:
            if not self.thread_id or time.monotonic() < self._next_search:
                return
            self.path = find_rollout(self.home, self.thread_id)
            if self.path is None:
                self._next_search = (
                    time.monotonic() + 0.1
                )  # codex creates it lazily; don't walk sessions/ per line
                return
        try:
            with self.path.open("rb") as handle:
                handle.seek(self.offset)
                data = handle.read()
        except OSError:
            return
        if not data:
            return
        self.offset += len(data)
        data = self._partial + data
        *lines, self._partial = data.split(b"\n")
        for line in lines:
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                yield entry


# ------------------------------------------------------------------------------------------------
# Mapping codex exec --json events to steps (pure; tested on the real corpus)


def unwrap_shell(command: Any) -> str:
    """The command a shell wrapper runs: ``/bin/bash -lc 'ls -la'`` -> ``ls -la``."""
    if isinstance(command, list):
        parts = [str(p) for p in command]
    elif isinstance(command, str):
        try:
            parts = shlex.split(command)
        except ValueError:
            return command
    else:
        return ""
    if len(parts) == 3 and Path(parts[0]).name in _SHELLS and parts[1] in ("-c", "-lc", "-l -c"):
        return parts[2]
    return command if isinstance(command, str) else shlex.join(parts)


def _mcp_output(item: Mapping[str, Any]) -> str:
    error = item.get("error")
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    result = item.get("result")
    if not isinstance(result, dict):
        return "" if result is None else json.dumps(result)
    texts = [
        str(c.get("text", "")) for c in result.get("content") or [] if isinstance(c, dict) and "text" in c
    ]
    if texts:
        return "\n".join(texts)
    structured = result.get("structured_content")
    return json.dumps(structured) if structured is not None else ""


@dataclass
class CodexEventMapper:
    """State of one ``codex exec --json`` stream while its events become trajectory steps.

    :meth:`feed` maps one parsed JSONL event to a :class:`BackendEvent` (or None when the event carries
    nothing to record). ``segment`` prefixes ``tool_use_id`` because codex numbers items from
    ``item_0`` again in every process, and a resumed run must not reuse ids.
    """

    segment: str = field(default_factory=lambda: os.urandom(3).hex())
    keep_raw: bool = True
    thread_id: str | None = None
    final_text: str | None = None
    turns_started: int = 0
    turns_completed: int = 0
    failed: str | None = None
    last_error: str | None = None
    completed_usage: RawUsage | None = None
    _called: set[str] = field(default_factory=set)
    _todo: dict[str, Any] = field(default_factory=dict)

    def _id(self, item: Mapping[str, Any]) -> str:
        return f"{self.segment}:{item.get('id', '?')}"

    def _raw(self, event: Mapping[str, Any]) -> Any:
        if not self.keep_raw:
            return None
        raw = dict(event)
        item = raw.get("item")
        if isinstance(item, dict) and item.get("aggregated_output"):
            # A command's output is the step's ``output`` already; don't store it twice.
            raw["item"] = {**item, "aggregated_output": "(see output)"}
        return raw

    def feed(self, event: Mapping[str, Any]) -> BackendEvent | None:
        kind = event.get("type")
        if kind == "thread.started":
            self.thread_id = str(event.get("thread_id") or "") or None
            step = Step(
                "system",
                subtype="init",
                data={"thread_id": self.thread_id, "agent": "codex"},
                raw=self._raw(event),
            )
            return BackendEvent(steps=[step], session_id=self.thread_id)
        if kind == "turn.started":
            self.turns_started += 1
            return None
        if kind == "turn.completed":
            self.turns_completed += 1
            self.completed_usage = RawUsage.from_codex(event.get("usage"))
            return None  # usage is reconciled by the backend (it also reads the rollout)
        if kind == "turn.failed":
            error = event.get("error")
            message = str(error.get("message") if isinstance(error, dict) else error or "turn failed")
            self.failed = message
            return BackendEvent(
                steps=[Step("error", text=message, subtype="turn_failed", raw=self._raw(event))]
            )
        if kind == "error":
            message = str(event.get("message") or "")
            if _RETRY_NOTICE.match(message):
                return BackendEvent(
                    steps=[
                        Step("system", subtype="api_retry", data={"message": message}, raw=self._raw(event))
                    ]
                )
            self.last_error = message
            return BackendEvent(
                steps=[Step("error", text=message, subtype="stream_error", raw=self._raw(event))]
            )
        if kind in ("item.started", "item.updated", "item.completed"):
            item = event.get("item")
            if isinstance(item, dict):
                steps = self._item(str(kind).split(".", 1)[1], item, event)
                return BackendEvent(steps=steps) if steps else None
            return None
        # Newer event kinds (item.plan.delta, request_user_input, ...) are kept, not interpreted.
        return BackendEvent(
            steps=[Step("system", subtype=str(kind or "unknown"), data=dict(event), raw=None)]
        )

    def _item(self, phase: str, item: dict[str, Any], event: Mapping[str, Any]) -> list[Step]:
        kind = item.get("type")
        raw = self._raw(event)
        if kind == "agent_message":
            if phase != "completed":
                return []
            self.final_text = str(item.get("text") or "")
            return [Step("assistant", text=self.final_text, raw=raw)]
        if kind == "reasoning":
            return (
                [Step("thinking", text=str(item.get("text") or ""), raw=raw)] if phase == "completed" else []
            )
        if kind == "todo_list":
            items = item.get("items") or []
            if self._todo.get(str(item.get("id"))) == items:
                return []
            self._todo[str(item.get("id"))] = items
            return [Step("system", subtype="todo_list", data={"items": items, "phase": phase}, raw=raw)]
        if kind == "error":
            if phase != "completed":
                return []
            return [Step("error", text=str(item.get("message") or ""), subtype="item_error", raw=raw)]
        call = self._call(kind, item)
        if call is None:
            if phase != "completed":
                return []
            return [Step("system", subtype=f"item:{kind}", data=item, raw=raw)]
        steps: list[Step] = []
        tool_use_id = self._id(item)
        if tool_use_id not in self._called:
            self._called.add(tool_use_id)
            tool, tool_input = call
            steps.append(Step("tool_call", tool=tool, tool_use_id=tool_use_id, input=tool_input, raw=raw))
        if phase == "completed":
            output, is_error = self._result(kind, item)
            steps.append(
                Step(
                    "tool_result",
                    tool=call[0],
                    tool_use_id=tool_use_id,
                    output=output,
                    is_error=is_error,
                    raw=raw,
                )
            )
        return steps

    @staticmethod
    def _call(kind: Any, item: Mapping[str, Any]) -> tuple[str, Any] | None:
        if kind == "command_execution":
            return "command_execution", {
                "command": unwrap_shell(item.get("command")),
                "argv": item.get("command"),
            }
        if kind == "file_change":
            changes = [
                {"path": c.get("path"), "kind": c.get("kind")}
                for c in item.get("changes") or []
                if isinstance(c, dict)
            ]
            return "file_change", {"changes": changes}
        if kind == "mcp_tool_call":
            return f"mcp__{item.get('server', '?')}__{item.get('tool', '?')}", item.get("arguments")
        if kind == "web_search":
            return "web_search", {"query": item.get("query"), "action": item.get("action")}
        if kind == "collab_tool_call":
            keys = ("tool", "sender_thread_id", "receiver_thread_ids", "prompt")
            return f"collab:{item.get('tool', '?')}", {k: item.get(k) for k in keys if k in item}
        return None

    @staticmethod
    def _result(kind: Any, item: Mapping[str, Any]) -> tuple[str, bool]:
        status = item.get("status")
        failed = status in ("failed", "declined")
        if kind == "command_execution":
            exit_code = item.get("exit_code")
            return str(item.get("aggregated_output") or ""), failed or (
                isinstance(exit_code, int) and exit_code != 0
            )
        if kind == "file_change":
            lines = [
                f"{c.get('kind')} {c.get('path')}" for c in item.get("changes") or [] if isinstance(c, dict)
            ]
            return "\n".join(lines) + (f"\n({status})" if failed else ""), failed
        if kind == "mcp_tool_call":
            return _mcp_output(item), failed or bool(item.get("error"))
        if kind == "web_search":
            return json.dumps({"query": item.get("query"), "action": item.get("action")}), failed
        return json.dumps({k: v for k, v in item.items() if k not in ("id", "type")}), failed


def map_exec_events(
    events: Iterable[Mapping[str, Any]], *, keep_raw: bool = True
) -> tuple[list[Step], Usage]:
    """Steps and total usage of a complete ``codex exec --json`` stream (importers, tests)."""
    mapper = CodexEventMapper(keep_raw=keep_raw)
    tracker = UsageTracker()
    steps: list[Step] = []
    usage = Usage()
    for event in events:
        out = mapper.feed(event)
        if out is not None:
            steps.extend(out.steps)
        if event.get("type") == "turn.completed" and mapper.completed_usage is not None:
            delta = tracker.snapshot(mapper.completed_usage)
            if delta is not None:
                usage = usage + delta.to_usage()
    return steps, usage


class UsageJoiner:
    """Puts each model call's usage on the event holding that call's steps.

    Codex writes a call's usage to the rollout just *before* it prints a tool call (the command starts
    after the response completed), but just *after* it prints a final message. So usage that arrives
    first waits for the next event with steps, and a message or reasoning step waits for its usage;
    either waits at most ``hold`` seconds, so the runner sees usage promptly even when codex is quiet.
    Each usage delta stays its own model turn (``turn_complete``).
    """

    def __init__(self, hold: float) -> None:
        self.hold = hold
        self._pending: list[Usage] = []
        self._pending_since = 0.0
        self._held: BackendEvent | None = None
        self._held_since = 0.0

    def usage(self, usage: Usage, now: float) -> list[BackendEvent]:
        """A model call's usage arrived; returns what can be yielded now."""
        if self._held is not None:
            held, self._held = self._held, None
            held.usage, held.turn_complete = usage, True
            return [held]
        if not self._pending:
            self._pending_since = now
        self._pending.append(usage)
        return []

    def event(self, event: BackendEvent, now: float) -> list[BackendEvent]:
        """An event from stdout; returns what can be yielded now, in order."""
        out: list[BackendEvent] = []
        if self._held is not None:
            out.append(self._held)  # its usage never came before the next event: it goes without
            self._held = None
        if not event.steps:
            return [*out, event]
        if self._pending:
            out += self._standalone(self._pending[:-1])
            event.usage, event.turn_complete = self._pending[-1], True
            self._pending = []
            return [*out, event]
        if event.usage is None and all(step.type in ("assistant", "thinking") for step in event.steps):
            self._held, self._held_since = event, now
            return out
        return [*out, event]

    def tick(self, now: float) -> list[BackendEvent]:
        """Release whatever waited longer than ``hold``."""
        out: list[BackendEvent] = []
        if self._held is not None and now - self._held_since >= self.hold:
            out.append(self._held)
            self._held = None
        if self._pending and now - self._pending_since >= self.hold:
            out += self._standalone(self._pending)
            self._pending = []
        return out

    def flush(self) -> list[BackendEvent]:
        """Release everything (the turn or the stream ended)."""
        out = [self._held] if self._held is not None else []
        self._held = None
        out += self._standalone(self._pending)
        self._pending = []
        return out

    @staticmethod
    def _standalone(usages: list[Usage]) -> list[BackendEvent]:
        return [BackendEvent(usage=usage, turn_complete=True) for usage in usages]


# ------------------------------------------------------------------------------------------------
# The backend


class CodexBackend(Backend):
    """Runs ``codex exec --json`` (or ``exec resume``) and streams its events as steps."""

    name = "codex"

    #: Seconds between rollout-file polls while codex is silent (a long command, a slow model).
    poll_interval: float = 0.1
    #: Seconds a model call's steps wait for its usage (and usage for its steps) before going alone.
    hold_seconds: float = 0.3

    def __init__(self, settings: Mapping[str, Any] | CodexSettings | None = None, config: Any = None) -> None:
        if isinstance(settings, CodexSettings):
            self._settings_error = None
            self.settings = settings
        else:
            data = dict(settings or {})
            if config is not None and hasattr(config, "plugin_config"):
                data = {**config.plugin_config(PLUGIN_NAME), **data}
            try:
                self.settings = CodexSettings.from_mapping(data)
                self._settings_error: str | None = None
            except CodexSetupError as exc:
                self.settings = CodexSettings()
                self._settings_error = str(exc)
        self._process: asyncio.subprocess.Process | None = None
        self._known_pids: set[int] = set()
        self.stderr_tail: deque[str] = deque(maxlen=40)

    # -- process control ------------------------------------------------------------------------

    def child_pids(self) -> list[int]:
        """The codex process and every descendant still alive."""
        process = self._process
        if process is None or process.returncode is not None:
            return []
        pids = [process.pid, *processes.descendants(process.pid)]
        self._known_pids.update(pids)
        return pids

    async def stop(self) -> None:
        """Stop codex and everything it started: SIGTERM to the tree, SIGKILL after a grace period."""
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            # Commands run by codex may sit in their own sessions: each process of the tree is
            # signalled, and codex's own process group (it runs in its own session) too.
            await asyncio.to_thread(processes.stop_tree, process.pid, group=True)
        with contextlib.suppress(asyncio.TimeoutError, ProcessLookupError):
            await asyncio.wait_for(process.wait(), 5.0)

    # -- the run --------------------------------------------------------------------------------

    def _environment(self, request: RunRequest) -> dict[str, str]:
        return {**os.environ, **request.env}

    @staticmethod
    def with_toolsets(request: RunRequest) -> RunRequest:
        """*request* with its toolsets as stdio MCP servers codex starts itself (their ``command``), and
        their instructions added to codex's developer instructions."""
        if not request.toolsets:
            return request
        servers = dict(request.options.get("mcp_servers") or {})
        notes = [request.options.get("system_prompt_append")]
        for toolset in request.toolsets:
            if not toolset.command:
                raise CodexSetupError(
                    f"toolset {toolset.name!r} has no command: codex runs MCP servers as processes of its own"
                )
            servers[toolset.name] = {"command": toolset.command[0], "args": list(toolset.command[1:])}
            notes.append(toolset.instructions)
        instructions = "\n\n".join(str(note) for note in notes if note) or None
        return replace(
            request, options={**request.options, "mcp_servers": servers, "system_prompt_append": instructions}
        )

    def launch_spec(
        self, request: RunRequest, environ: Mapping[str, str]
    ) -> tuple[processes.LaunchSpec, CodexSettings]:
        """The codex process a run of *request* starts, in its own session, and the run's settings.

        The prompt is in the arguments, or written to stdin (``codex exec -``) when it is too long for
        them; either way stdin is closed at once (codex reads piped stdin to its end before starting).
        Raises CodexSetupError for bad settings or a missing binary.
        """
        if self._settings_error:
            raise CodexSetupError(self._settings_error)
        settings = run_settings(self.settings, request.options)
        binary = find_codex_binary(settings, environ)
        argv, via_stdin = build_command(binary, request, settings, environ)
        stdin = request.prompt.encode() if via_stdin else b""
        spec = processes.LaunchSpec(
            tuple(argv), cwd=str(request.cwd), env=environ, stdin=stdin, new_session=True
        )
        return spec, settings

    async def stream(self, request: RunRequest) -> AsyncIterator[BackendEvent]:
        """Run codex for *request*; yields steps, usage deltas, the thread id and a final done event.

        A thread to resume that codex does not have (no rollout in ``$CODEX_HOME/sessions``) is
        replaced by a new thread told ``request.new_session_prompt``. Missing credentials fail the run
        before codex starts, and a model server that cannot be reached fails it within seconds.
        """
        environ = self._environment(request)
        home = codex_home(environ)
        lost = request.resume_session_id
        if lost and request.new_session_prompt and find_rollout(home, lost) is None:
            request = replace(
                request, prompt=request.new_session_prompt, resume_session_id=None, new_session_prompt=None
            )
        else:
            lost = None
        try:
            request = self.with_toolsets(request)
            spec, settings = self.launch_spec(request, environ)
            problem = credentials_problem(settings, environ, home)
            if problem:
                raise CodexSetupError(problem)
        except CodexSetupError as exc:
            yield _failure(str(exc), "setup")
            return
        if lost:
            note = (
                f"codex has no thread {lost} (no rollout in {home / 'sessions'}): "
                "a new thread is told the original request and the recorded steps"
            )
            yield BackendEvent(steps=[Step("system", subtype="new_session", text=note)])

        tracker = UsageTracker()
        tail = RolloutTail(home)
        if request.resume_session_id:
            path = find_rollout(home, request.resume_session_id)
            if path is not None:
                baseline, size = rollout_baseline(path)
                tracker = UsageTracker(baseline)
                tail = RolloutTail(home, request.resume_session_id, path, size)
        model = request.model or settings.model
        if model:
            yield BackendEvent(model=model)

        try:
            # In its own session (spec.new_session): terminal signals reach only the runner.
            self._process = process = await processes.start(spec)
        except OSError as exc:
            yield _failure(f"cannot start codex ({spec.argv[0]}): {exc.strerror or exc}", "setup")
            return
        self._known_pids.add(process.pid)
        stderr_task = asyncio.create_task(self._drain_stderr(process))
        mapper = CodexEventMapper()
        joiner = UsageJoiner(hold=self.hold_seconds)
        seen_model = model
        usage_closed = False
        calls_seen = 0
        unreachable = 0
        next_line: asyncio.Future[bytes | None] | None = None
        try:
            assert process.stdout is not None
            lines = _read_lines(process.stdout)
            while True:
                if next_line is None:
                    next_line = asyncio.ensure_future(anext(lines, None))
                done, _ = await asyncio.wait({next_line}, timeout=self.poll_interval)
                out_events: list[BackendEvent] = []
                if not usage_closed:
                    # Usage the rollout shows now belongs to the model call whose output is (or is
                    # about to be) on stdout; the joiner attaches it to those steps.
                    for event in self._rollout_events(tail, tracker, seen_model):
                        if event.model:
                            seen_model = event.model
                            out_events.append(event)
                        if event.usage is not None:
                            calls_seen += 1
                            out_events += joiner.usage(event.usage, time.monotonic())
                if not done:
                    out_events += joiner.tick(time.monotonic())
                    for event in out_events:
                        yield event
                    continue
                line = next_line.result()
                next_line = None
                if line is None:
                    for event in [*out_events, *joiner.flush()]:
                        yield event
                    break
                try:
                    parsed = json.loads(line)
                except ValueError:
                    text = line.decode("utf-8", "replace").strip()
                    parsed = {"type": "stdout", "line": text[:4000]} if text else None
                if not isinstance(parsed, dict):
                    for event in out_events:
                        yield event
                    continue
                if parsed.get("type") == "thread.started" and tail.thread_id is None:
                    tail.thread_id = str(parsed.get("thread_id") or "") or None
                unreachable = _count_unreachable(parsed, unreachable)
                out = mapper.feed(parsed) or BackendEvent()
                if parsed.get("type") == "turn.completed" and mapper.completed_usage is not None:
                    usage_closed = True  # codex exec runs one turn; its total closes the books
                    out_events += joiner.flush()
                    rest = tracker.snapshot(mapper.completed_usage)
                    if rest is not None:
                        # Without a readable rollout this is the whole turn's usage: count it as a turn.
                        out.usage = rest.to_usage()
                        out.turn_complete = calls_seen == 0
                    out_events.append(out)
                else:
                    out_events += joiner.event(out, time.monotonic())
                for event in out_events:
                    if event.steps or event.usage is not None or event.session_id or event.model:
                        yield event
                if unreachable >= UNREACHABLE_NOTICES:
                    reason = str(parsed.get("message") or "").partition("(")[2].rstrip(")") or "no connection"
                    where = model_endpoint(settings, environ, home)
                    yield _failure(
                        f"codex cannot reach the model server at {where}: {reason} "
                        f"({unreachable} retries); check that it is running and reachable",
                        "unreachable",
                    )
                    return  # codex is stopped on the way out
            returncode = await process.wait()
            await stderr_task
            yield self._done(mapper, returncode)
        finally:
            if next_line is not None and not next_line.done():
                next_line.cancel()
            if process.returncode is None:
                await self.stop()
            if not stderr_task.done():
                stderr_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await stderr_task

    def _rollout_events(
        self, tail: RolloutTail, tracker: UsageTracker, model: str | None
    ) -> Iterator[BackendEvent]:
        for entry in tail.poll():
            payload = entry.get("payload") if isinstance(entry.get("payload"), dict) else {}
            kind = entry.get("type")
            if kind == "turn_context" and payload.get("model") and payload.get("model") != model:
                model = str(payload["model"])
                yield BackendEvent(model=model)
            elif kind == "token_usage_record" and isinstance(payload.get("usage"), dict):
                delta = tracker.record(
                    RawUsage.from_codex(payload["usage"]), str(payload.get("response_id") or "") or None
                )
                if delta is not None:
                    yield BackendEvent(usage=delta.to_usage(), turn_complete=True)
            elif kind == "event_msg" and payload.get("type") == "token_count":
                info = payload.get("info")
                if isinstance(info, dict) and isinstance(info.get("total_token_usage"), dict):
                    delta = _token_count(tracker, info)
                    if delta is not None:
                        yield BackendEvent(usage=delta.to_usage(), turn_complete=True)

    async def _drain_stderr(self, process: asyncio.subprocess.Process) -> None:
        assert process.stderr is not None
        async for raw in _read_lines(process.stderr):
            text = raw.decode("utf-8", "replace").rstrip()
            if text and not any(noise in text for noise in _STDERR_NOISE):
                self.stderr_tail.append(text)

    def _done(self, mapper: CodexEventMapper, returncode: int) -> BackendEvent:
        if mapper.failed is None and returncode == 0 and mapper.turns_completed:
            return BackendEvent(
                done=True, status="success", final_text=mapper.final_text, stop_reason="end_turn"
            )
        message = mapper.failed or mapper.last_error
        if not message:
            detail = " | ".join(list(self.stderr_tail)[-3:])
            message = f"codex exited with code {returncode}" + (f": {detail}" if detail else "")
            if returncode == 0 and not mapper.turns_completed:
                message = "codex ended without completing its turn" + (f": {detail}" if detail else "")
        return BackendEvent(
            done=True,
            status="error",
            final_text=mapper.final_text,
            stop_reason="error",
            error=f"codex: {message}",
        )


def _count_unreachable(event: Mapping[str, Any], count: int) -> int:
    """Connection-failure retry notices in a row, after *event* (anything the model produced resets it)."""
    kind = event.get("type")
    if kind == "error":
        message = str(event.get("message") or "")
        if _RETRY_NOTICE.match(message) and _CONNECTION_FAILURE.search(message):
            return count + 1
        return count
    item = event.get("item")
    answered = isinstance(item, Mapping) and item.get("type") != "error"
    return 0 if kind in ("item.started", "item.completed") and answered else count


def _failure(message: str, reason: str) -> BackendEvent:
    return BackendEvent(
        steps=[Step("error", text=message, subtype=reason)],
        done=True,
        status="error",
        stop_reason=reason,
        error=message,
    )


async def _read_lines(reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
    """Lines of any length (asyncio's readline caps a line at the reader's limit)."""
    buffer = bytearray()
    while True:
        chunk = await reader.read(1 << 16)
        if not chunk:
            if buffer:
                yield bytes(buffer)
            return
        start = len(buffer)
        buffer += chunk
        newline = buffer.find(b"\n", start)
        while newline >= 0:
            yield bytes(buffer[:newline])
            del buffer[: newline + 1]
            newline = buffer.find(b"\n")


# ------------------------------------------------------------------------------------------------
# Importing Codex logs (``autopilot import``)

_EXEC_TYPES: Final = frozenset(
    {"thread.started", "turn.started", "turn.completed", "turn.failed", "item.started", "item.updated"}
    | {"item.completed", "error"}
)
_SHELL_FUNCTIONS: Final = frozenset({"shell", "shell_command", "exec_command", "bash", "local_shell_call"})
_INJECTED: Final = re.compile(
    r"^\s*<(environment_context|user_instructions|INSTRUCTIONS|permissions instructions)\b"
)
_EXIT_CODE: Final = re.compile(r"Process exited with code (-?\d+)")


def exec_log_events(records: list[dict[str, Any]]) -> list[BackendEvent]:
    """A saved ``codex exec --json`` stdout as backend events (usage from each turn's running total)."""
    mapper = CodexEventMapper()
    tracker = UsageTracker()
    events: list[BackendEvent] = []
    for record in records:
        event = mapper.feed(record)
        if record.get("type") == "turn.completed" and mapper.completed_usage is not None:
            delta = tracker.snapshot(mapper.completed_usage)
            if delta is not None:
                # The log has no per-call figures: the turn's usage goes on its last step.
                target = next((e for e in reversed(events) if e.steps and e.usage is None), None)
                if target is None:
                    events.append(target := BackendEvent())
                target.usage, target.turn_complete = delta.to_usage(), True
        if event is not None:
            events.append(event)
    if mapper.failed is not None:
        status, error = "error", mapper.failed
    else:
        status, error = ("success" if mapper.turns_completed else "incomplete"), None
    events.append(BackendEvent(done=True, status=status, final_text=mapper.final_text, error=error))
    return events


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts = [str(c.get("text", "")) for c in content or [] if isinstance(c, dict) and "text" in c]
    return "\n".join(parts)


class _ShellOutput(msgspec.Struct):
    """A ``function_call_output`` whose output is a JSON object (``{output, metadata}``), the output
    left undecoded."""

    output: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    metadata: Any = None


_DECODE_SHELL_OUTPUT = msgspec.json.Decoder(_ShellOutput).decode


def _function_output(output: Any, *, text_needed: bool = True) -> tuple[str | None, bool]:
    """A rollout ``function_call_output``: the text and whether it reports a failure. Without
    *text_needed* the text is None when the output states its exit code (what ``analyze`` reads)."""
    if isinstance(output, dict):
        text, exit_code = str(output.get("content") or output), None
    else:
        text, exit_code = str(output or ""), None
        try:
            # msgspec first: it reads the exit code without decoding the output's text.
            shell = _DECODE_SHELL_OUTPUT(text)
        except (ValueError, msgspec.ValidationError):
            # Not a JSON object, or one msgspec refuses (NaN, a lone surrogate): as json reads it.
            shell = None
            with contextlib.suppress(ValueError):
                decoded = json.loads(text)
                if isinstance(decoded, dict) and "output" in decoded:
                    text = str(decoded["output"])
                    exit_code = (decoded.get("metadata") or {}).get("exit_code")
        if shell is not None and shell.output is not msgspec.UNSET:
            exit_code = (shell.metadata or {}).get("exit_code")
            if text_needed or exit_code is None:
                text = str(msgspec.json.decode(shell.output))
            else:
                return None, isinstance(exit_code, int) and exit_code != 0
    if exit_code is None:
        match = _EXIT_CODE.search(text[:400])
        exit_code = int(match.group(1)) if match else None
    return text, isinstance(exit_code, int) and exit_code != 0


def _rollout_call(payload: Mapping[str, Any], *, inputs: bool = True) -> tuple[str, Any]:
    """(tool, input) of a rollout ``function_call`` / ``custom_tool_call`` / ``local_shell_call``;
    without *inputs*, the input is None (``analyze`` counts only the tool)."""
    name = str(payload.get("name") or payload.get("type") or "?")
    if "input" in payload and payload.get("type") == "custom_tool_call":
        return name, {"input": payload["input"]} if inputs else None
    arguments: Any = payload.get("arguments")
    if isinstance(arguments, str):
        with contextlib.suppress(ValueError):
            arguments = json.loads(arguments)
    if payload.get("type") == "local_shell_call":
        arguments = (payload.get("action") or {}).get("exec") or arguments
    if name in _SHELL_FUNCTIONS or payload.get("type") == "local_shell_call":
        command = arguments.get("cmd") or arguments.get("command") if isinstance(arguments, dict) else None
        if command is not None:
            if not inputs:
                return "command_execution", None
            return "command_execution", {
                "command": unwrap_shell(command),
                "argv": command,
                "arguments": arguments,
            }
    return name, arguments if inputs else None


def _token_count(tracker: UsageTracker, info: Any) -> RawUsage | None:
    """What a rollout ``token_count`` adds: the change of its running total, or (no total) its
    ``last_token_usage``."""
    if not isinstance(info, dict):
        return None  # info is null before the first model call
    if isinstance(info.get("total_token_usage"), dict):
        last = info.get("last_token_usage")
        return tracker.snapshot(
            RawUsage.from_codex(info["total_token_usage"]),
            RawUsage.from_codex(last) if isinstance(last, dict) else None,
        )
    if isinstance(info.get("last_token_usage"), dict):
        return tracker.record(RawUsage.from_codex(info["last_token_usage"]))
    return None


def _model_name(payload: Mapping[str, Any]) -> str | None:
    """The model a ``turn_context`` or ``token_count`` info names (``model``, ``model_name``)."""
    for key in ("model", "model_name"):
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _uuid7_time(value: Any) -> float | None:
    """The creation time (seconds since the epoch) of a UUIDv7 such as Codex's session and turn ids."""
    text = str(value or "").replace("-", "")
    if len(text) != 32 or text[12] != "7":
        return None
    try:
        return int(text[:12], 16) / 1000
    except ValueError:
        return None


def _epoch(value: Any) -> float | None:
    """An ISO 8601 timestamp in seconds since the epoch, or None."""
    from autopilot.core.usage import parse_time

    try:
        return parse_time(str(value)).timestamp() if value else None
    except ValueError:
        return None


@dataclass
class _Replay:
    """Where a forked or sub-agent session's copy of its parent's history ends.

    Codex copies the parent's records in one burst when the session is made, keeping their old times
    or stamping them within the second the fork was made. The session's own records start with the
    first ``turn_context`` whose turn id (a UUIDv7) was minted at or after the session's own, or with
    the first record stamped a second or more after the fork.
    """

    session: str | None
    timestamp: str

    def __post_init__(self) -> None:
        # Turn ids are compared with the session id, record times with the session_meta's time.
        by_id, by_time = _uuid7_time(self.session), _epoch(self.timestamp)
        self.made_id = by_id if by_id is not None else by_time
        self.made_at = by_time if by_time is not None else by_id

    def ends_at(self, kind: Any, payload: Mapping[str, Any], ts: str | None) -> bool:
        if self.made_at is None or self.made_id is None:
            return True  # no time to tell the copy by: count everything, as before forks existed
        if kind == "turn_context":
            turn = _uuid7_time(payload.get("turn_id"))
            if turn is not None:
                return turn >= self.made_id
        moment = _epoch(ts)
        return moment is not None and moment >= self.made_at + 1


def _lean_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """*record* without what would be stored twice or is opaque: tool output (the step's ``output``),
    encrypted reasoning and injected instructions (``base_instructions``)."""
    payload = record.get("payload")
    if not isinstance(payload, dict):
        return dict(record)
    drop = {"encrypted_content", "base_instructions", "instructions"}
    if payload.get("type") in ("function_call_output", "custom_tool_call_output", "local_shell_call_output"):
        drop.add("output")
    lean = {k: ("(omitted)" if k in drop and v else v) for k, v in payload.items()}
    return {**record, "payload": lean}


def rollout_events(records: Iterable[Mapping[str, Any]]) -> tuple[list[BackendEvent], dict[str, Any]]:
    """A Codex session rollout as backend events, plus ``prompt``/``cwd``/``started_at`` when known
    (see :class:`RolloutEvents`)."""
    events: list[BackendEvent] = []
    reader = RolloutEvents(events.append)
    for record in records:
        reader.feed(record)
    reader.finish()
    return events, reader.meta


def full_step(step_type: Any, ts: str | None, record: Mapping[str, Any], **fields: Any) -> Step:
    """A step of a rollout record, with everything it holds (what ``import`` records)."""
    created = Step(step_type, raw=_lean_record(record), **fields)
    if ts:
        created.ts = ts
    return created


def figures_step(
    step_type: Any,
    ts: str | None,
    record: Mapping[str, Any],
    *,
    tool: str | None = None,
    tool_use_id: str | None = None,
    is_error: bool | None = None,
    **_: Any,
) -> Step:
    """A step of a rollout record with only what ``analyze`` counts (its type, time and tool)."""
    if ts:
        return Step(step_type, ts, tool=tool, tool_use_id=tool_use_id, is_error=is_error)
    return Step(step_type, tool=tool, tool_use_id=tool_use_id, is_error=is_error)


class RolloutEvents:
    """How a Codex session rollout's records become backend events: the one home of how a rollout's
    usage, models, tools and forks are counted, for ``import`` (every step) and ``analyze`` (only what
    it counts, :func:`figures_step`) alike.

    Records are fed in order (``{timestamp, type, payload}``); each event goes to *emit* once it can no
    longer change, so only the events of the model call being read are held. With *figures*, steps
    hold only their type, time and tool (:func:`figures_step`), and what only the other fields need
    (tool inputs, output texts) is not worked out.

    Model output items (reasoning, assistant messages, tool calls) of one model call become one event;
    each call's usage (the running total's change, or a per-call record) goes on that event, with the
    time of the record that reported it (``usage_ts``), whether the rollout writes it before the items
    (older builds) or after them (newer ones). A ``token_count``
    without a running total counts its ``last_token_usage``.

    A forked session (``session_meta.forked_from_id``) and a sub-agent's session (a second
    ``session_meta`` of another session right after its own) start by replaying the parent's history:
    that replay is skipped (its usage only sets the baseline of the running total), as :class:`_Replay`
    tells where it ends.
    """

    def __init__(self, emit: Callable[[BackendEvent], Any], *, figures: bool = False) -> None:
        self._emit = emit
        #: Whether steps hold everything (``import``), or only what ``analyze`` counts.
        self._full = not figures
        self._make_step = figures_step if figures else full_step
        self.tracker = UsageTracker()
        #: ``prompt``, ``cwd`` and ``started_at``, once known.
        self.meta: dict[str, Any] = {}
        #: Events that may still change (from the open model call on), not emitted yet.
        self._events: list[BackendEvent] = []
        self._pending: list[tuple[Usage, str | None]] = []  # usage reported before its call's items
        self._group: BackendEvent | None = None
        self._names: dict[str, str] = {}
        self._ending: str | None = None
        self._final_text: str | None = None
        self._own_id: str | None = None
        self._replay: _Replay | None = None
        self._started = False  # a record of the session's own after its session_meta
        self._model: str | None = None
        self._inherited: str | None = None  # the model the replayed history last named
        self._ts: str | None = None
        self._record: Mapping[str, Any] = {}

    def _close(self) -> None:
        self._group = None

    def _step(self, step_type: Any, **fields: Any) -> Step:
        return self._make_step(step_type, self._ts, self._record, **fields)

    def _add_usage(self, delta: RawUsage | None, when: str | None) -> None:
        if delta is None:
            return
        group = self._group
        if group is not None and group.usage is None:
            group.usage, group.turn_complete, group.usage_ts = delta.to_usage(), True, when
        else:
            self._close()
            self._pending.append((delta.to_usage(), when))

    def _use_model(self, name: Any) -> None:
        if isinstance(name, str) and name.strip() and name.strip() != self._model:
            self._model = name.strip()
            group = self._group
            if group is not None and group.usage is None and group.model is None:
                group.model = self._model
            else:
                # Usage reported before the switch was the previous model's (newer builds report a
                # call's usage after its items, so it is still waiting for the next call's items).
                self._events.extend(
                    BackendEvent(usage=u, turn_complete=True, usage_ts=at) for u, at in self._pending
                )
                self._pending.clear()
                self._events.append(BackendEvent(model=self._model))

    def feed(self, record: Mapping[str, Any]) -> None:
        """Read one record."""
        self._read(record)
        if self._group is None and self._events:
            for event in self._events:
                self._emit(event)
            self._events.clear()

    def finish(self) -> None:
        """The end of the rollout: the usage still waiting for its items, and the run's end."""
        self._events += [BackendEvent(usage=u, turn_complete=True, usage_ts=at) for u, at in self._pending]
        self._pending.clear()
        status = self._ending or ("success" if self._final_text is not None else "incomplete")
        self._events.append(BackendEvent(done=True, status=status, final_text=self._final_text))
        for event in self._events:
            self._emit(event)
        self._events.clear()

    def _read(self, record: Mapping[str, Any]) -> None:
        kind, payload = record.get("type"), record.get("payload")
        if not isinstance(payload, dict):
            return
        ts = str(record.get("timestamp") or "") or None
        self._ts, self._record = ts, record
        meta, events, step = self.meta, self._events, self._step
        if self._replay is not None and self._replay.ends_at(kind, payload, ts):
            self._replay = None
        if kind == "session_meta":
            session = str(payload.get("id") or "") or None
            if self._own_id is None:
                self._own_id = session
                if payload.get("forked_from_id"):
                    self._replay = _Replay(self._own_id, str(payload.get("timestamp") or ts or ""))
            elif session != self._own_id:
                # Another session's header: the start of the history this one replays (a sub-agent's
                # session names no forked_from_id), or a stray one later on: either way not ours.
                if not self._started and self._replay is None:
                    self._replay = _Replay(self._own_id, str(meta.get("started_at") or ""))
                return
            meta.setdefault("cwd", payload.get("cwd"))
            meta.setdefault("started_at", payload.get("timestamp") or ts)
            data = {
                k: payload.get(k)
                for k in ("id", "originator", "cli_version", "git", "source")
                if k in payload
            }
            events.append(
                BackendEvent(steps=[step("system", subtype="init", data=data)], session_id=payload.get("id"))
            )
            return
        if self._replay is not None:
            # The parent's history: its running totals are the baseline, its model carries on.
            if kind == "event_msg" and payload.get("type") == "token_count":
                _token_count(self.tracker, payload.get("info"))
            elif kind == "turn_context":
                self._inherited = _model_name(payload) or self._inherited
            return
        if not self._started and self._model is None and self._inherited:
            self._use_model(self._inherited)
        self._started = True
        if kind == "turn_context":
            self._close()
            self._use_model(_model_name(payload))
        elif kind == "token_usage_record" and isinstance(payload.get("usage"), dict):
            usage = RawUsage.from_codex(payload["usage"])
            self._add_usage(self.tracker.record(usage, payload.get("response_id")), ts)
        elif kind == "event_msg":
            subtype = payload.get("type")
            if subtype == "token_count":
                info = payload.get("info")
                if isinstance(info, dict):
                    self._use_model(_model_name(info))
                self._add_usage(_token_count(self.tracker, info), ts)
            elif subtype in ("turn_aborted", "task_complete"):
                self._close()
                self._ending = "interrupted" if subtype == "turn_aborted" else "success"
                data = {k: v for k, v in payload.items() if k != "type"}
                events.append(BackendEvent(steps=[step("system", subtype=str(subtype), data=data)]))
            # Other event_msg entries (user_message, agent_message, agent_reasoning, ...) repeat
            # response items for the UI; the response items are the record.
        elif kind == "compacted":
            self._close()
            events.append(
                BackendEvent(
                    steps=[step("system", subtype="compacted", data={"message": payload.get("message")})]
                )
            )
        elif kind == "response_item":
            self._item(payload)

    def _item(self, payload: Mapping[str, Any]) -> None:
        item_type = payload.get("type")
        step = self._step
        steps: list[Step] = []
        output_item = True
        if item_type == "message":
            text = _content_text(payload.get("content"))
            role = payload.get("role")
            if role == "assistant":
                steps, self._final_text = [step("assistant", text=text)], text
                self._ending = None
            else:
                output_item = False
                if role == "user" and not _INJECTED.match(text):
                    self.meta.setdefault("prompt", text)
                    steps = [step("user", text=text)]
                    self._ending = None
                else:
                    steps = [step("system", subtype=f"{role}_context", data={"text": text})]
        elif item_type == "reasoning":
            summary = payload.get("summary") or []
            text = "\n".join(str(p.get("text", "")) for p in summary if isinstance(p, dict))
            steps = [step("thinking", text=text)] if text else []
        elif item_type in ("function_call", "custom_tool_call", "local_shell_call", "web_search_call"):
            call_id = str(payload.get("call_id") or payload.get("id") or "")
            tool, tool_input = _rollout_call(payload, inputs=self._full)
            if item_type == "web_search_call":
                tool, tool_input = "web_search", payload.get("action")
            self._names[call_id] = tool
            steps = [step("tool_call", tool=tool, tool_use_id=call_id, input=tool_input)]
        elif item_type in ("function_call_output", "custom_tool_call_output", "local_shell_call_output"):
            output_item = False
            call_id = str(payload.get("call_id") or "")
            text, failed = _function_output(payload.get("output"), text_needed=self._full)
            steps = [
                step(
                    "tool_result",
                    tool=self._names.get(call_id),
                    tool_use_id=call_id,
                    output=text,
                    is_error=failed,
                )
            ]
        else:
            output_item = False
            steps = [step("system", subtype=f"item:{item_type}", data=dict(payload))]
        if not steps:
            return
        events = self._events
        if not output_item:
            self._close()
            events.append(BackendEvent(steps=steps))
            return
        group = self._group
        if group is None:
            group = self._group = BackendEvent(steps=[])
            events.append(group)
            pending = self._pending
            if pending:
                events[-1:-1] = [
                    BackendEvent(usage=u, turn_complete=True, usage_ts=at) for u, at in pending[:-1]
                ]
                group.usage, group.usage_ts = pending[-1]
                group.turn_complete = True
                pending.clear()
        group.steps += steps
