"""The runner: drives one backend stream and enforces every limit on every event.

:class:`Runner` consumes ``backend.stream(request)`` in a task of its own and records each event
through the :class:`~autopilot.core.recorder.Recorder` (it never writes files itself). On every event,
and at least once a second while the backend is silent, it checks:

- the budget: usage deltas are priced with the price table; the run stops (status
  ``budget_exhausted``) as soon as the model asks for more work past the cap, so it ends at most one
  model turn past it, whether or not the backend has a cap of its own;
- the turn limit (``max_turns``): a turn past the limit, or a tool call in the last allowed turn;
- the watchdogs: no progress for ``idle_timeout`` seconds, or ``timeout`` seconds in all (``timeout``).
  Progress is any event but a notice that the agent is still waiting (:func:`is_progress`): a
  client that keeps retrying a failing model server, or a tool that hangs while its heartbeat
  ticks, is not making progress. The idle deadline is the last progress plus ``idle_timeout``,
  checked with a timer set for that moment (not on the once-a-second tick), so it fires within
  :data:`IDLE_TOLERANCE_SECONDS` of it unless a plugin's hook holds the event loop;
- the memory guard: available memory below ``min_free_memory_mb`` stops the backend's process tree
  (status ``memory``, resumable);
- signals: SIGINT/SIGTERM stop the backend cleanly (status ``interrupted``); a second signal kills
  the backend's processes at once;
- ``StopRun`` from a ``before_step`` hook (status ``stopped``);
- the ``before_tool_use`` hook, when a plugin implements it: a backend that can hold a tool call back
  (``Backend.vetoes_tool_calls``) asks it through ``RunRequest.tool_guard`` before each tool runs, and
  the runner ends the run on a ``stop``; for any other backend the runner asks it as soon as it sees a
  ``tool_call`` step, and ends the run (status ``stopped``) on ``deny`` or ``stop``, since the tool has
  already started. A failing plugin denies the call and ends the run with status ``error``.

Whatever happens, the run is finished (``Recorder.finish``): an unexpected exception ends it with
status ``error`` and its message.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from autopilot.core.errors import AutopilotError, ExitCode
from autopilot.core.models import Backend, BackendEvent, RunRequest, Step, ToolDecision, Usage
from autopilot.core.pricing import PriceTable
from autopilot.core.processes import (
    PidFile,
    available_memory_mb,
    own_descendants,
    process_tree,
    stop_processes,
    stop_remaining,
)
from autopilot.core.recorder import Recorder

#: Seconds between memory checks (and the longest the runner sleeps without looking around).
TICK_SECONDS: Final = 1.0
#: Seconds after a tool call when the runner looks for the tool's processes (for the pid file).
TOOL_TICK_SECONDS: Final = 0.25
#: Seconds ``backend.stop()`` may take before the runner kills the recorded processes itself.
STOP_GRACE_SECONDS: Final = 10.0
#: Seconds a stopped backend's stream may take to deliver what the agent had already sent.
DRAIN_SECONDS: Final = 3.0
#: How late the idle and total watchdogs may decide, past their deadline (docs/reference/run.md).
IDLE_TOLERANCE_SECONDS: Final = 0.1


def is_progress(event: BackendEvent) -> bool:
    """Whether *event* shows the agent getting on (resets the idle watchdog): anything but notices
    alone that say only that it is still waiting: retry notices of its client (``system`` steps with
    subtype ``api_retry``), and the notices of a tool call already recorded, Claude Code's
    ``task_started`` (seconds after the call) and the heartbeats of a running tool (``tool_progress``
    every 30 seconds, with which a hung tool would never trip the watchdog)."""
    if event.usage is not None or event.done or event.session_id or event.model or not event.steps:
        return True
    return not all(_is_waiting_notice(step) for step in event.steps)


def _is_waiting_notice(step: Step) -> bool:
    if step.type != "system":
        return False
    if step.subtype in ("api_retry", "task_started"):
        return True
    return step.subtype == "event:tool_progress" and bool((step.data or {}).get("heartbeat"))


_EXIT_CODES: Final = {
    "success": ExitCode.OK,
    "interrupted": ExitCode.INTERRUPTED,
}


class LowMemoryError(AutopilotError):
    """Less memory is available than the configured floor; the run was not started."""


@dataclass(frozen=True)
class RunLimits:
    """What one run (or one resumption) may use. None means no limit."""

    max_budget_usd: float | None = None
    max_turns: int | None = None
    idle_timeout: float | None = None
    timeout: float | None = None
    min_free_memory_mb: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "max_budget_usd": self.max_budget_usd,
            "max_turns": self.max_turns,
            "idle_timeout": self.idle_timeout,
            "timeout": self.timeout,
            "min_free_memory_mb": self.min_free_memory_mb,
        }


@dataclass
class RunOutcome:
    """How one runner execution ended."""

    status: str
    exit_code: ExitCode
    signal_name: str | None = None
    warnings: list[str] = field(default_factory=list)


def check_memory(floor_mb: int, probe: Callable[[], int] = available_memory_mb) -> None:
    """Refuse to start when less than *floor_mb* MiB is available (LowMemoryError says how much)."""
    if floor_mb <= 0:
        return
    available = probe()
    if available < floor_mb:
        raise LowMemoryError(
            f"only {available} MiB of memory is available, below the floor of {floor_mb} MiB "
            "(min_free_memory_mb in .autopilot/config.yaml, or AUTOPILOT_MIN_FREE_MEMORY_MB); "
            "free some memory or lower the floor"
        )


def _usd(amount: float) -> str:
    """A budget in dollars: cents when they say it exactly, else to the hundredth of a cent
    (a $0.005 budget is not "$0.01", which would read as a budget not yet spent)."""
    return f"${amount:.2f}" if round(amount, 2) == amount else f"${amount:.4f}"


def exit_code_for(status: str, signal_name: str | None = None) -> ExitCode:
    """The process exit code for a run that ended with *status*."""
    if status == "interrupted" and signal_name == "SIGTERM":
        return ExitCode.TERMINATED
    return _EXIT_CODES.get(status, ExitCode.FAILURE)


class Runner:
    """Runs one backend stream to its end, recording every event and enforcing the limits.

    Args:
        backend: The backend to drive.
        request: What to ask it.
        recorder: An opened recorder (``start()`` already called) for the run.
        limits: The limits of this execution (for a resume: of this resumption).
        prices: The price table usage is priced with.
        previous_turns: Model turns the run already had (a resume continues counting).
        memory_probe: Returns available memory in MiB (tests substitute their own).
        clock: Seconds on a monotonic clock, for the watchdogs (tests substitute their own).
        handle_signals: Install SIGINT/SIGTERM handlers (only possible in the main thread).
        pid_file: Where the backend's child pids are tracked, or None.
    """

    def __init__(
        self,
        backend: Backend,
        request: RunRequest,
        recorder: Recorder,
        limits: RunLimits,
        prices: PriceTable,
        *,
        previous_turns: int = 0,
        memory_probe: Callable[[], int] = available_memory_mb,
        handle_signals: bool = True,
        pid_file: PidFile | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.backend = backend
        self.clock = clock
        self.request = request
        self.recorder = recorder
        self.limits = limits
        self.prices = prices
        self.memory_probe = memory_probe
        self.handle_signals = handle_signals
        self.pid_file = pid_file
        self.previous_turns = previous_turns
        self.turns = 0
        self.previous_usage = recorder.run.usage if recorder.resume else Usage()
        self.usage = Usage()  # of this execution
        self.model = request.model or recorder.run.model
        self.final_text: str | None = None
        self.backend_error: str | None = None
        self._over_budget = False
        #: The prompt tokens of the latest model request, which the next request resends.
        self._last_prompt_tokens = 0
        self._signal: str | None = None
        self._signals_seen = 0
        #: (kind, payload, when it arrived on ``clock``): the idle watchdog counts from an event's arrival,
        #: not from when the runner got to it.
        self._queue: asyncio.Queue[tuple[str, Any, float]] = asyncio.Queue(maxsize=256)
        self._pump_task: asyncio.Task[None] | None = None
        self._stopping = False
        self._finished = False
        self._backend_done = False
        # before_tool_use: asked by the backend before a tool runs, or by the runner once it started.
        guarded = recorder.hooks.implemented("before_tool_use")
        self._ask_after_start = guarded and not backend.vetoes_tool_calls
        if guarded and backend.vetoes_tool_calls:
            self.request = replace(request, tool_guard=self._guard)
        #: How the run ends, decided by a plugin through the tool guard (outside the event stream).
        self._guard_verdict: tuple[str, str | None, str | None] | None = None
        # The guard answers before the backend reports the call: its decision step waits for the
        # call's tool_call step, so the trajectory reads call, decision, result.
        self._held_decisions: dict[str, Step] = {}
        self._calls_seen: set[str] = set()

    # -- public -------------------------------------------------------------------------------------

    async def run(self) -> RunOutcome:
        """Drive the backend to the end and finish the run; never raises for backend failures.

        When the backend reports its end, the run is finished (the trajectory written) first, and only
        then does the runner wait for the backend's process to exit, so the two overlap.
        """
        installed = self._install_signals()
        status, stop_reason, error = "error", None, None
        try:
            try:
                status, stop_reason, error = await self._drive()
            except Exception as exc:
                status, stop_reason = "error", "exception"
                error = f"{type(exc).__name__}: {exc}" if not isinstance(exc, AutopilotError) else str(exc)
                with contextlib.suppress(Exception):
                    await self._stop_backend()
            if status == "error" and error is None:
                error = self.backend_error or "the backend failed"
            for held in self._held_decisions.values():  # their calls were never reported
                self.recorder.add(held)
            self._held_decisions.clear()
            self._finished = True
            self.recorder.finish(
                status=status,
                usage=self.previous_usage + self.usage,
                num_turns=self.previous_turns + self.turns,
                final_text=self.final_text,
                stop_reason=stop_reason,
                error=error,
            )
            if self._backend_done:
                await self._finish_backend()
        finally:
            self._remove_signals(installed)
            if self.pid_file is not None:
                self.pid_file.remove()
        return RunOutcome(status, exit_code_for(status, self._signal), self._signal)

    # -- the loop -----------------------------------------------------------------------------------

    async def _pump(self) -> None:
        try:
            async for event in self.backend.stream(self.request):
                await self._queue.put(("event", event, self.clock()))
            await self._queue.put(("end", None, self.clock()))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            await self._queue.put(("crash", exc, self.clock()))

    async def _drive(self) -> tuple[str, str | None, str | None]:
        """Returns (status, stop_reason, error)."""
        clock = self.clock
        start = last_event = clock()
        next_tick = start + TICK_SECONDS
        self._pump_task = asyncio.create_task(self._pump(), name="autopilot-backend")
        idle, total = self.limits.idle_timeout, self.limits.timeout
        while True:
            now = clock()
            deadlines = [next_tick]
            if idle:
                deadlines.append(last_event + idle)
            if total:
                deadlines.append(start + total)
            try:
                # Events often arrive several at a time: take a waiting one without wait_for's timer.
                kind, payload, arrived = self._queue.get_nowait()
            except asyncio.QueueEmpty:
                try:
                    kind, payload, arrived = await asyncio.wait_for(
                        self._queue.get(), max(0.0, min(deadlines) - now)
                    )
                except TimeoutError:
                    kind, payload, arrived = "tick", None, 0.0
            now = clock()
            if kind == "event":
                if is_progress(payload):
                    last_event = max(last_event, arrived)
                verdict = self._handle(payload)
                if verdict is not None and verdict[0] != "done":
                    # A limit decided on this event: the trajectory ends here.
                    await self._stop_backend(drain=False)
                    return verdict
                if verdict is not None and self._guard_verdict is None:
                    self._backend_done = True  # run() waits for its process once the run is written
                    return payload.status or "success", payload.stop_reason, payload.error
                if any(step.type == "tool_call" for step in payload.steps):
                    # A tool is starting: record its process soon, so even a kill -9 leaves it findable.
                    next_tick = min(next_tick, now + TOOL_TICK_SECONDS)
            elif kind in ("end", "crash") and self._guard_verdict is not None:
                pass  # the plugin's stop explains the end (below)
            elif kind == "end":
                return "error", "backend_ended", self.backend_error or "the backend ended without a result"
            elif kind == "crash":
                await self._stop_backend()
                exc = payload
                return (
                    "error",
                    "backend_crashed",
                    f"backend {self.backend.name!r} failed: {type(exc).__name__}: {exc}",
                )
            elif kind == "signal":
                await self._stop_backend()
                return "interrupted", f"signal: {payload}", None
            if self._guard_verdict is not None:
                # A plugin stopped the run from the tool guard, and the agent was told to stop: record
                # what it sends until it ends by itself (or the grace runs out), then make sure it did.
                await self._drain(DRAIN_SECONDS)
                await self._stop_backend(drain=False)
                return self._guard_verdict
            if total and now - start >= total:
                await self._stop_backend()
                return "timeout", f"timeout: the run took longer than {total:g} s", None
            if idle and now - last_event >= idle:
                await self._stop_backend()
                return "timeout", f"idle: no progress from the agent for {idle:g} s", None
            if now >= next_tick:
                next_tick = now + TICK_SECONDS
                verdict = self._tick()
                if verdict is not None:
                    await self._stop_backend()
                    return verdict

    def _tick(self) -> tuple[str, str | None, str | None] | None:
        """Once a second: record new child pids, check memory."""
        if self.pid_file is not None:
            self.pid_file.update(self.backend.child_pids())
        floor = self.limits.min_free_memory_mb
        if floor > 0:
            available = self.memory_probe()
            if available < floor:
                reason = f"memory: {available} MiB available, below the floor of {floor} MiB"
                self.recorder.add(Step("error", subtype="memory", text=f"stopped the agent: {reason}"))
                return "memory", reason, None
        return None

    def _handle(self, event: BackendEvent) -> tuple[str, str | None, str | None] | None:
        """Record *event*; returns a verdict when the run must end (``("done", ...)``: the backend ended)."""
        recorder = self.recorder
        if event.session_id:
            if event.session_id != recorder.run.session_id:
                chain = list(recorder.run.session_ids)
                if event.session_id not in chain:
                    chain.append(event.session_id)
                recorder.update(session_id=event.session_id, session_ids=chain)
            # The agent has started its session (one chosen up front too): record its process now.
            if self.pid_file is not None:
                self.pid_file.update(self.backend.child_pids())
        if event.model and event.model != recorder.run.model:
            self.model = event.model
            recorder.update(model=event.model)
        steps = list(event.steps)
        if event.usage is not None:
            usage = replace(event.usage, cost_usd=self.prices.cost(self.model, event.usage))
            self.usage = self.usage + usage
            if not steps:
                steps = [Step("system", subtype="usage", data={"reason": "usage reported after the turn"})]
            steps[-1].usage = usage
            if event.turn_complete:  # a model request's first report: its whole prompt
                u = event.usage
                self._last_prompt_tokens = u.input_tokens + u.cache_read_tokens + u.cache_creation_tokens
        if event.turn_complete:
            self.turns += 1
            for step in steps:
                step.turn = self.previous_turns + self.turns
        verdict = None
        for step in steps:
            decision_step = None
            if step.type == "tool_call" and self._ask_after_start and verdict is None and not self._stopping:
                _, decision_step, verdict = self._decide(
                    step.tool or "", step.input, step.tool_use_id, started=True
                )
            recorder.add(step)
            if step.type == "tool_call" and self.request.tool_guard is not None and step.tool_use_id:
                self._calls_seen.add(step.tool_use_id)
                decision_step = self._held_decisions.pop(step.tool_use_id, None)
            if decision_step is not None:
                recorder.add(decision_step)
            if recorder.stop_reason:
                return "stopped", f"stopped by a plugin: {recorder.stop_reason}", None
        if verdict is not None:
            return verdict
        if event.done:
            self.final_text = event.final_text
            self.backend_error = event.error
            return "done", event.stop_reason, event.error
        return self._limits_verdict(event)

    # -- before_tool_use --------------------------------------------------------------------------

    def _guard(self, tool: str, input: Any, tool_use_id: str | None) -> ToolDecision:
        """``RunRequest.tool_guard``: the decision about a tool call that has not run yet.

        Called by the backend (in the event loop, outside the event stream). A ``deny`` or ``stop`` is
        recorded right after the call's ``tool_call`` step (at once if that is recorded already); a
        ``stop`` or a failing plugin also ends the run, which :meth:`_drive` sees after its current
        event.
        """
        if self._stopping or self._finished or self._guard_verdict is not None:
            return ToolDecision.deny("the run is ending")
        decision, decision_step, verdict = self._decide(tool, input, tool_use_id, started=False)
        if decision_step is not None and tool_use_id and tool_use_id not in self._calls_seen:
            self._held_decisions[tool_use_id] = decision_step
        elif decision_step is not None:
            self.recorder.add(decision_step)
        if verdict is not None and self._guard_verdict is None:
            self._guard_verdict = verdict
            with contextlib.suppress(asyncio.QueueFull):  # a full queue wakes the loop anyway
                self._queue.put_nowait(("wake", None, self.clock()))
        return decision

    def _decide(
        self, tool: str, input: Any, tool_use_id: str | None, *, started: bool
    ) -> tuple[ToolDecision, Step | None, tuple[str, str | None, str | None] | None]:
        """Ask ``before_tool_use``: the decision, the ``tool_decision`` step to record (None for allow)
        and how the run must end (None: it goes on). After the tool *started*, a deny ends the run.

        A failing plugin is a ``stop`` (the call must not run) and ends the run with status ``error``.
        """
        recorder = self.recorder
        try:
            decision = recorder.hooks.before_tool_use(run=recorder.run, tool=tool, input=input)
        except Exception as exc:  # fails closed: whatever went wrong, the call is not allowed
            message = str(exc) if isinstance(exc, AutopilotError) else f"{type(exc).__name__}: {exc}"
            message = message or "a before_tool_use plugin failed"
            decision = ToolDecision.stop(message)
            verdict: tuple[str, str | None, str | None] | None = ("error", "plugin_error", message)
        else:
            decision = decision or ToolDecision.allow()
            verdict = None
            if decision.action == "stop" or (started and decision.action == "deny"):
                late = " (the tool call had already started)" if started else ""
                verdict = ("stopped", f"stopped by a plugin: {decision.reason}{late}", None)
        if decision.action == "allow":
            return decision, None, None
        data = {
            "tool": tool,
            "tool_use_id": tool_use_id,
            "decision": decision.action,
            "reason": decision.reason,
            "tool_started": started,
        }
        return decision, Step("system", subtype="tool_decision", text=decision.reason, data=data), verdict

    def _limits_verdict(self, event: BackendEvent) -> tuple[str, str | None, str | None] | None:
        wants_more = any(step.type == "tool_call" for step in event.steps)
        budget = self.limits.max_budget_usd
        spent = self.usage.cost_usd
        if budget is not None and spent >= budget:
            # A turn that only answers may be the last one: give the backend the chance to end.
            if wants_more or self._over_budget:
                return "budget_exhausted", f"budget: ${spent:.4f} spent of {_usd(budget)}", None
            self._over_budget = True
        elif budget is not None and wants_more:
            # The next request resends at least this one's prompt: priced as cache reads, the cheapest
            # it can be, it is what the next turn costs at the least. Stop now if that cannot fit.
            floor = self.prices.cost(self.model, Usage(cache_read_tokens=self._last_prompt_tokens))
            if spent + floor > budget:
                least = f"the next turn would cost at least ${floor:.4f}"
                return "budget_exhausted", f"budget: ${spent:.4f} spent of {_usd(budget)}, {least}", None
        limit = self.limits.max_turns
        if limit is not None and (self.turns > limit or (self.turns >= limit and wants_more)):
            return "max_turns", f"max turns: the model wanted more than {limit} turn(s)", None
        return None

    # -- stopping -----------------------------------------------------------------------------------

    async def _finish_backend(self) -> None:
        """The backend reported its end: let its stream close (it cleans up its own processes)."""
        task = self._pump_task
        if task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), STOP_GRACE_SECONDS)
        except (TimeoutError, asyncio.CancelledError, Exception):
            await self._stop_backend()

    async def _stop_backend(self, *, drain: bool = True) -> None:
        """Stop the backend's process tree, record what it had already sent, then end its stream.

        When the stop comes from outside the event stream (a signal, a watchdog, low memory), events
        the agent wrote before it was stopped (a finished model call's usage, a tool call) may still be
        in the pipe or the queue: with *drain* they are recorded too, so the trajectory has the usage
        so far. A limit decided on an event (budget, turns, a plugin's StopRun) ends the trajectory at
        that event instead. Finally, recorded child processes still alive are killed.
        """
        if self._stopping:
            return
        self._stopping = True
        # What the backend started, and what those started, before it stops them: a backend that ends
        # only its own children would leave their children running, no longer below this process.
        tree = []
        with contextlib.suppress(Exception):
            tree = process_tree(set(self.backend.child_pids()) & own_descendants())
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.backend.stop(), STOP_GRACE_SECONDS)
        if drain:
            await self._drain(DRAIN_SECONDS)
        task = self._pump_task
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, STOP_GRACE_SECONDS)
        self._kill_recorded(grace=2.0)
        stop_remaining(tree, grace=2.0)

    async def _drain(self, seconds: float) -> None:
        """Record a stopped (or stopping) backend's remaining events, no limits applied, until its
        stream ends or *seconds* pass."""
        pump = self._pump_task
        if pump is None:
            return
        deadline = self.clock() + seconds
        while (remaining := deadline - self.clock()) > 0:
            if pump.done() and self._queue.empty():
                return
            try:
                kind, payload, _ = await asyncio.wait_for(self._queue.get(), remaining)
            except TimeoutError:
                return
            if kind in ("end", "crash"):
                return
            if kind == "event":
                with contextlib.suppress(Exception):
                    self._handle(payload)

    def _kill_recorded(self, *, grace: float) -> None:
        """Stop recorded child processes that are still ours (below this process, same start time)."""
        if self.pid_file is None:
            return
        mine = own_descendants()
        leftovers = [pid for pid in self.pid_file.record.alive_children() if pid in mine]
        if leftovers:
            stop_processes(leftovers, grace=grace)

    # -- signals ------------------------------------------------------------------------------------

    def _install_signals(self) -> list[signal.Signals]:
        if not self.handle_signals:
            return []
        loop = asyncio.get_running_loop()
        installed = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, self._on_signal, signum)
            except (ValueError, RuntimeError, NotImplementedError):
                continue  # not the main thread, or no signal support
            installed.append(signum)
        return installed

    def _remove_signals(self, installed: list[signal.Signals]) -> None:
        if not installed:
            return
        loop = asyncio.get_running_loop()
        for signum in installed:
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(signum)

    def _on_signal(self, signum: signal.Signals) -> None:
        self._signals_seen += 1
        if self._signals_seen == 1:
            self._signal = signal.Signals(signum).name
            self._queue.put_nowait(("signal", self._signal, self.clock()))
            return
        # A second signal: do not wait for a clean stop, kill what the backend started right now.
        pids = set(self.backend.child_pids())
        if self.pid_file is not None:
            pids.update(self.pid_file.record.alive_children())
        pids &= own_descendants()
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def default_output_dir(project_dir: Path, output_dir: str | Path) -> Path:
    """Trajectories go to *output_dir*, relative to the project (repository) root."""
    path = Path(output_dir).expanduser()
    return path if path.is_absolute() else project_dir / path
