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
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

from autopilot import Backend, BackendEvent, RunRequest, Step, Usage
from autopilot.core import processes
from autopilot.plugins.codex.command import build_command
from autopilot.plugins.codex.events import (
    RETRY_NOTICE,
    CodexEventMapper,
    RawUsage,
    UsageTracker,
    token_count_delta,
)
from autopilot.plugins.codex.settings import (
    PLUGIN_NAME,
    CodexSettings,
    CodexSetupError,
    credentials_problem,
    find_codex_binary,
    model_endpoint,
    run_settings,
)

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
            where = f"plugins.{PLUGIN_NAME}"
            if config is not None and hasattr(config, "plugin_config"):
                data = {**config.plugin_config(PLUGIN_NAME), **data}
                where = config.plugin_where(PLUGIN_NAME)
            try:
                self.settings = CodexSettings.from_mapping(data, where)
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
                    delta = token_count_delta(tracker, info)
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
        if RETRY_NOTICE.match(message) and _CONNECTION_FAILURE.search(message):
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
