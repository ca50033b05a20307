"""The runner: limits enforced on every event, watchdogs, memory guard, StopRun, errors; real CLI runs."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from tests.plugin_fixtures import RmGuard

from autopilot import Backend, BackendEvent, RunRequest, Step, StopRun, Usage, hookimpl
from autopilot.app.runs import RunOptions, run_task
from autopilot.core.errors import ExitCode
from autopilot.core.hooks import Hooks
from autopilot.core.models import Run
from autopilot.core.pricing import load_price_table
from autopilot.core.processes import PidFile, read_pid_files
from autopilot.core.recorder import Recorder
from autopilot.core.runner import IDLE_TOLERANCE_SECONDS, LowMemoryError, RunLimits, Runner, check_memory
from autopilot.core.trajectory.files import load_trajectory, read_journal, schema_error
from autopilot.testing import ScriptedAnthropic

MODEL = "claude-sonnet-4-5"  # $3 / $15 per million input / output tokens in the price table


class FakeBackend(Backend):
    """Yields scripted events, sleeping between them when an item is a number; nothing new once stopped."""

    name = "fake"

    def __init__(self, script: list[BackendEvent | float | Exception]) -> None:
        self.script = script
        self.stopped = False
        self.consumed = 0

    async def stream(self, request: RunRequest) -> AsyncIterator[BackendEvent]:
        for item in self.script:
            if self.stopped:  # like a killed agent process: its stream ends
                return
            if isinstance(item, float | int):
                await asyncio.sleep(item)
            elif isinstance(item, Exception):
                raise item
            else:
                self.consumed += 1
                yield item

    async def stop(self) -> None:
        self.stopped = True


def turn(tool: bool, input_tokens: int = 1000, output_tokens: int = 0) -> BackendEvent:
    step = (
        Step("tool_call", tool="Bash", tool_use_id="t", input={})
        if tool
        else Step("assistant", text="answer")
    )
    return BackendEvent(steps=[step], usage=Usage(input_tokens, output_tokens), turn_complete=True)


DONE = BackendEvent(steps=[Step("system", subtype="result")], done=True, status="success", final_text="fin")


def execute(
    hooks: Hooks, tmp_path: Path, backend: Backend, limits: RunLimits, **kwargs: Any
) -> tuple[Run, Recorder, str]:
    run = Run(prompt="task", agent=backend.name, model=MODEL, cwd=str(tmp_path))
    recorder = Recorder(hooks, run, tmp_path / "out" / "run")
    recorder.start()
    runner = Runner(
        backend,
        RunRequest("task", tmp_path, model=MODEL),
        recorder,
        limits,
        load_price_table(),
        handle_signals=False,
        **kwargs,
    )
    outcome = asyncio.run(runner.run())
    return run, recorder, outcome.status


def test_success_sums_priced_usage(hooks: Hooks, tmp_path: Path) -> None:
    """Usage deltas are priced with the price table and summed into the run."""
    backend = FakeBackend([turn(True, 1000, 100), turn(False, 2000, 10), DONE])
    run, recorder, status = execute(hooks, tmp_path, backend, RunLimits())

    assert status == "success"
    assert (run.usage.input_tokens, run.usage.output_tokens) == (3000, 110)
    assert run.usage.cost_usd == pytest.approx((3000 * 3 + 110 * 15) / 1e6)
    assert run.result.num_turns == 2 and run.result.final_text == "fin"
    assert [s.turn for s in run.steps if s.usage] == [1, 2]
    assert recorder.paths["json"].exists()


def test_budget_stops_before_the_next_tool_runs(hooks: Hooks, tmp_path: Path) -> None:
    """Crossing the budget with a tool call pending stops the run at once: status budget_exhausted."""
    backend = FakeBackend([turn(True, 200_000), turn(True, 200_000), turn(True, 200_000), DONE])
    run, _, status = execute(hooks, tmp_path, backend, RunLimits(max_budget_usd=1.0))

    assert status == "budget_exhausted"
    assert run.result.num_turns == 2  # $0.60, then $1.20 with a tool call pending: stopped
    assert backend.stopped
    assert run.usage.cost_usd == pytest.approx(1.2)


def test_a_turn_that_cannot_fit_the_budget_is_not_started(hooks: Hooks, tmp_path: Path) -> None:
    """At $0.54 of $0.58 with a 180K-token prompt, the next turn costs at least $0.054: stop."""
    backend = FakeBackend([turn(True, 180_000), turn(True, 180_000), DONE])
    run, _, status = execute(hooks, tmp_path, backend, RunLimits(max_budget_usd=0.58))

    assert status == "budget_exhausted" and run.result.num_turns == 1
    assert run.usage.cost_usd == pytest.approx(0.54)
    assert "the next turn would cost at least $0.0540" in (run.result.stop_reason or "")


def test_a_budget_below_a_cent_is_named_as_it_was_given(hooks: Hooks, tmp_path: Path) -> None:
    """A $0.005 budget is reported as $0.0050, not rounded up to a "$0.01" that $0.0090 seems within."""
    backend = FakeBackend([turn(True, 3_000), DONE])
    run, _, status = execute(hooks, tmp_path, backend, RunLimits(max_budget_usd=0.005))

    assert status == "budget_exhausted"
    assert run.result.stop_reason == "budget: $0.0090 spent of $0.0050"


def test_a_turn_that_fits_the_budget_goes_on(hooks: Hooks, tmp_path: Path) -> None:
    """At $0.54 of $0.60 with a 180K-token prompt, the next turn may cost as little as $0.054: it runs."""
    backend = FakeBackend([turn(True, 180_000), turn(False, 1_000), DONE])
    run, _, status = execute(hooks, tmp_path, backend, RunLimits(max_budget_usd=0.60))

    assert status == "success" and run.result.num_turns == 2


def test_final_answer_past_the_budget_may_still_finish(hooks: Hooks, tmp_path: Path) -> None:
    """A last turn that only answers is allowed to end the run when the backend ends right after it."""
    backend = FakeBackend([turn(False, 400_000), DONE])
    _, _, status = execute(hooks, tmp_path, backend, RunLimits(max_budget_usd=1.0))

    assert status == "success"


def test_max_turns_stops_when_the_model_wants_more(hooks: Hooks, tmp_path: Path) -> None:
    """With max_turns=2 a tool call in turn 2 stops the run: status max_turns."""
    backend = FakeBackend([turn(True), turn(True), turn(True), DONE])
    run, _, status = execute(hooks, tmp_path, backend, RunLimits(max_turns=2))

    assert status == "max_turns"
    assert run.result.num_turns == 2
    assert backend.stopped


def test_idle_watchdog(hooks: Hooks, tmp_path: Path) -> None:
    """No event for idle_timeout seconds stops the backend: status timeout, usage kept."""
    backend = FakeBackend([turn(True, 500), 30.0, DONE])
    run, _, status = execute(hooks, tmp_path, backend, RunLimits(idle_timeout=0.3))

    assert status == "timeout"
    assert run.result.stop_reason and run.result.stop_reason.startswith("idle")
    assert run.usage.input_tokens == 500


class ShiftedClock:
    """A monotonic clock a test can move forward at once (real time keeps running under it)."""

    def __init__(self) -> None:
        self.shift = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.shift


class ClockedBackend(Backend):
    """Yields each event once the clock reads its time (moving the clock there, not sleeping), then
    stays silent until stopped; remembers the clock's reading when it was stopped."""

    name = "fake"

    def __init__(self, clock: ShiftedClock, script: list[tuple[float, BackendEvent]]) -> None:
        self.clock, self.script = clock, script
        self.started_at = self.stopped_at = 0.0
        self._stopped = asyncio.Event()

    async def stream(self, request: RunRequest) -> AsyncIterator[BackendEvent]:
        self.started_at = self.clock()
        for at, event in self.script:
            self.clock.shift += max(0.0, self.started_at + at - self.clock())
            yield event
        await self._stopped.wait()

    async def stop(self) -> None:
        self.stopped_at = self.clock()
        self._stopped.set()


def retry_notice(attempt: int) -> BackendEvent:
    return BackendEvent(steps=[Step("system", subtype="api_retry", data={"attempt": attempt})])


def heartbeat(seconds: int) -> BackendEvent:
    """Claude Code's notice that a tool still runs (every 30 s)."""
    data = {"tool_name": "Bash", "elapsed_time_seconds": seconds, "heartbeat": True}
    return BackendEvent(steps=[Step("system", subtype="event:tool_progress", data=data)])


def task_started(number: int) -> BackendEvent:
    """Claude Code's notice, seconds after a Bash call, that its process started."""
    data = {"task_id": f"t{number}", "tool_use_id": "t", "task_type": "local_bash"}
    return BackendEvent(steps=[Step("system", subtype="task_started", data=data)])


@pytest.mark.parametrize(
    "notice", [retry_notice, heartbeat, task_started], ids=["retries", "heartbeats", "task-started"]
)
def test_idle_watchdog_fires_on_time_through_waiting_notices(
    hooks: Hooks, tmp_path: Path, notice: Any
) -> None:
    """The idle watchdog stops the agent within its tolerance of idle_timeout after the last progress:
    retry notices of a client that keeps failing, or the heartbeats of a hung tool, do not put it off."""
    clock = ShiftedClock()
    script = [(0.0, turn(True, 500)), (1.0, notice(1)), (2.0, notice(2)), (2.9, notice(3))]
    backend = ClockedBackend(clock, script)
    run, _, status = execute(hooks, tmp_path, backend, RunLimits(idle_timeout=3.0), clock=clock)
    fired = backend.stopped_at - backend.started_at

    assert status == "timeout"
    assert run.result.stop_reason == "idle: no progress from the agent for 3 s"
    assert 3.0 <= fired <= 3.0 + IDLE_TOLERANCE_SECONDS
    assert sum(s.type == "system" for s in run.steps) == 3


def test_a_tool_result_after_heartbeats_restarts_the_idle_clock(hooks: Hooks, tmp_path: Path) -> None:
    """Real progress (the tool's result) counts again: the watchdog then waits a whole idle_timeout."""
    clock = ShiftedClock()
    result = BackendEvent(steps=[Step("tool_result", tool="Bash", tool_use_id="t", output="ok")])
    script = [(0.0, turn(True, 500)), (2.0, heartbeat(30)), (2.9, result)]
    backend = ClockedBackend(clock, script)
    _, _, status = execute(hooks, tmp_path, backend, RunLimits(idle_timeout=3.0), clock=clock)
    fired = backend.stopped_at - backend.started_at

    assert status == "timeout"
    assert 5.9 <= fired <= 5.9 + IDLE_TOLERANCE_SECONDS


def test_total_timeout(hooks: Hooks, tmp_path: Path) -> None:
    """A run busy past ``timeout`` seconds is stopped even while events keep coming."""
    backend = FakeBackend([x for _ in range(40) for x in (0.05, turn(False, 1))] + [DONE])
    run, _, status = execute(hooks, tmp_path, backend, RunLimits(timeout=0.5, idle_timeout=5))

    assert status == "timeout"
    assert run.result.stop_reason and run.result.stop_reason.startswith("timeout")


def test_memory_guard_stops_the_run(hooks: Hooks, tmp_path: Path) -> None:
    """Available memory below the floor during a run stops it with status memory and says why."""
    readings = iter([4000, 100, 100, 100])
    backend = FakeBackend([turn(True), 3.0, DONE])
    run, _, status = execute(
        hooks, tmp_path, backend, RunLimits(min_free_memory_mb=512), memory_probe=lambda: next(readings, 100)
    )

    assert status == "memory"
    assert any(s.type == "error" and s.subtype == "memory" for s in run.steps)
    assert "below the floor of 512 MiB" in (run.result.stop_reason or "")


def test_low_memory_refuses_to_start() -> None:
    """Below the floor the run does not start, with a message naming the setting."""
    with pytest.raises(LowMemoryError, match="min_free_memory_mb"):
        check_memory(1024, lambda: 10)


def test_stoprun_from_before_step(hooks: Hooks, tmp_path: Path) -> None:
    """A before_step hook raising StopRun ends the run with status stopped and the reason."""

    class Guard:
        @hookimpl
        def before_step(self, step: Step) -> None:
            if step.type == "tool_call":
                raise StopRun("no tools today")

    hooks.pm.register(Guard(), name="guard")
    backend = FakeBackend([turn(True), turn(False), DONE])
    run, _, status = execute(hooks, tmp_path, backend, RunLimits())

    assert status == "stopped"
    assert "no tools today" in (run.result.stop_reason or "")
    assert backend.stopped


def test_backend_exception_still_writes_the_run(hooks: Hooks, tmp_path: Path) -> None:
    """A backend that raises ends the run with status error and the message; the .json is written."""
    backend = FakeBackend([turn(True), RuntimeError("socket melted")])
    run, recorder, status = execute(hooks, tmp_path, backend, RunLimits())
    data = json.loads(recorder.paths["json"].read_text())

    assert status == "error"
    assert "socket melted" in (run.result.error or "")
    assert schema_error(data) is None


def test_stream_without_done_is_an_error(hooks: Hooks, tmp_path: Path) -> None:
    """A backend whose stream ends without a done event ends the run with status error."""
    _, _, status = execute(hooks, tmp_path, FakeBackend([turn(False)]), RunLimits())

    assert status == "error"


def test_pid_file_lives_only_while_running(hooks: Hooks, tmp_path: Path) -> None:
    """The run's pid file exists during the run and is removed at the end."""
    seen: list[list[str]] = []

    class Probe:
        @hookimpl
        def after_step(self) -> None:
            seen.append([r.run_id for r in read_pid_files()])

    hooks.pm.register(Probe(), name="probe")
    pid_file = PidFile("probe-run", str(tmp_path))
    pid_file.write()
    execute(hooks, tmp_path, FakeBackend([turn(False), DONE]), RunLimits(), pid_file=pid_file)

    assert ["probe-run"] in seen
    assert read_pid_files() == []


# ------------------------------------------------------------------------------------------------
# The real Claude Code CLI against the scripted server


@pytest.fixture(params=["cli", "sdk"])
def transport(request: pytest.FixtureRequest) -> str:
    """Both transports of the Claude backend (the bundled CLI directly, or through the SDK)."""
    return str(request.param)


def real_run(
    transport: str, scripted: ScriptedAnthropic, repo: Path, turns: list[dict[str, Any]], **limits: Any
) -> Any:
    scripted.script(turns)
    return run_task(
        "do the task",
        RunOptions(agent="claude", model=MODEL, cwd=repo, **limits),
        backend_options={"claude": {"transport": transport}},
        env=scripted.env,
        handle_signals=False,
    )


def bash(command: str, **extra: Any) -> dict[str, Any]:
    return {"tool_use": {"name": "Bash", "input": {"command": command}}, **extra}


@pytest.mark.integration
def test_real_run_is_recorded_exactly(
    scripted_anthropic: ScriptedAnthropic, git_repo: Path, transport: str
) -> None:
    """Tools really run; the trajectory matches the schema and holds the exact scripted token sums."""
    result = real_run(
        transport,
        scripted_anthropic,
        git_repo,
        [
            bash("echo one > one.txt", input_tokens=1000, output_tokens=50, cache_read_input_tokens=300),
            bash("echo two > two.txt", input_tokens=1100, output_tokens=60, cache_creation_input_tokens=70),
            {"text": "Both files written.", "input_tokens": 1200, "output_tokens": 20},
        ],
    )
    data = json.loads(result.paths["json"].read_text())
    usage = data["usage"]

    assert result.status == "success" and result.exit_code == ExitCode.OK
    assert (git_repo / "one.txt").exists() and (git_repo / "two.txt").exists()
    assert schema_error(data) is None
    assert (usage["input_tokens"], usage["output_tokens"]) == (3300, 130)
    assert (usage["cache_read_tokens"], usage["cache_creation_tokens"]) == (300, 70)
    assert usage["cost_usd"] == pytest.approx((3300 * 3 + 130 * 15 + 300 * 0.3 + 70 * 3.75) / 1e6)
    assert data["result"]["num_turns"] == 3
    assert data["session_id"] and data["session_ids"] == [data["session_id"]]
    assert data["repo_sha"] and data["branch"] == "main"
    assert data["price_table_version"]
    assert [s["type"] for s in data["steps"]].count("tool_call") == 2
    assert [s for s in data["steps"] if s.get("subtype") == "usage"] == []  # usage rides on real steps
    assert not result.paths["journal"].exists()
    rlog = result.paths["rlog"].read_text()
    assert "CALL Bash" in rlog and "# end success" in rlog


@pytest.mark.integration
@pytest.mark.parametrize(
    ("prompt_tokens", "budget", "crossed"),
    [(1_000_000, 1.0, True), (180_000, 0.58, False)],
    ids=["turn-crosses-the-budget", "next-turn-cannot-fit"],
)
def test_real_budget_stop(
    scripted_anthropic: ScriptedAnthropic,
    git_repo: Path,
    transport: str,
    prompt_tokens: int,
    budget: float,
    crossed: bool,
) -> None:
    """A turn past the budget, or one under it whose prompt could not be resent within it, stops the
    run before its tool call runs on: one request reaches the model, not two."""
    result = real_run(
        transport,
        scripted_anthropic,
        git_repo,
        [
            bash('python3 -c "import time; time.sleep(6)"; touch late.txt', input_tokens=prompt_tokens),
            bash("touch second.txt"),
            {"text": "done"},
        ],
        max_budget_usd=budget,
    )

    assert result.status == "budget_exhausted"
    assert (result.run.usage.cost_usd >= budget) is crossed
    assert not (git_repo / "second.txt").exists()
    assert len(scripted_anthropic.requests()) == 1


@pytest.mark.integration
def test_real_max_turns(scripted_anthropic: ScriptedAnthropic, git_repo: Path, transport: str) -> None:
    """max_turns=2 with three scripted tool calls: status max_turns, no third request."""
    result = real_run(
        transport,
        scripted_anthropic,
        git_repo,
        # The second call is slow, so the CLI cannot race to its third request before it is stopped.
        [bash("true"), bash("sleep 5"), bash("true"), {"text": "done"}],
        max_turns=2,
    )

    assert result.status == "max_turns"
    assert result.run.result.num_turns == 2
    assert len(scripted_anthropic.requests()) <= 2


@pytest.mark.integration
def test_real_idle_timeout_on_a_stalled_stream(
    scripted_anthropic: ScriptedAnthropic, git_repo: Path, transport: str
) -> None:
    """A model stream that stalls trips the idle watchdog; the CLI is stopped and the run is written."""
    result = real_run(
        transport,
        scripted_anthropic,
        git_repo,
        [bash("true"), {"text": "never", "stall": True}],
        idle_timeout=8,
    )

    assert result.status == "timeout"
    assert "idle" in (result.run.result.stop_reason or "")
    assert result.paths["json"].exists()
    assert result.run.usage.input_tokens > 0


@pytest.mark.integration
@pytest.mark.parametrize("status", [500, 529])
def test_real_http_errors(
    scripted_anthropic: ScriptedAnthropic, git_repo: Path, status: int, transport: str
) -> None:
    """HTTP 500/529 from the API ends the run with status error naming the HTTP status."""
    result = real_run(transport, scripted_anthropic, git_repo, [{"http_error": status}])

    assert result.status == "error"
    assert str(status) in (result.run.result.error or "")
    assert result.exit_code == ExitCode.FAILURE
    assert load_trajectory(result.paths["json"]).run.result.status == "error"


@pytest.mark.integration
def test_journal_is_complete_while_running(scripted_anthropic: ScriptedAnthropic, git_repo: Path) -> None:
    """During the run every recorded step is already in the journal."""
    counts: list[tuple[int, int]] = []

    class Watch:
        @hookimpl
        def after_step(self, run: Run) -> None:
            journals = list((git_repo / "docs" / "logs").rglob("*.journal.jsonl"))
            if journals:
                counts.append((len(run.steps), len(read_journal(journals[0]).run.steps)))

    from autopilot.core.pluginmanager import make_plugin_manager

    hooks = Hooks(make_plugin_manager(load_local=False))
    hooks.pm.register(Watch(), name="watch")
    scripted_anthropic.script([bash("true"), {"text": "ok"}])
    run_task(
        "t",
        RunOptions(cwd=git_repo, model=MODEL),
        env=scripted_anthropic.env,
        hooks=hooks,
        handle_signals=False,
    )

    assert counts and all(in_memory == on_disk for in_memory, on_disk in counts)


def test_runner_never_writes_files_itself() -> None:
    """core.runner only records through the Recorder (no open/write calls in its source)."""
    source = (Path(__file__).parents[2] / "src" / "autopilot" / "core" / "runner.py").read_text()

    assert "open(" not in source and "write_text" not in source
    assert os.sep  # the check above is on the source text


class FlushOnStop(Backend):
    """Sends one tool call, then hangs; when stopped, its last buffered output (a usage) comes out."""

    name = "fake"

    def __init__(self) -> None:
        self.stopped = asyncio.Event()

    async def stream(self, request: RunRequest) -> AsyncIterator[BackendEvent]:
        yield turn(True, 1000)
        await self.stopped.wait()
        yield BackendEvent(
            steps=[Step("assistant", text="last words")], usage=Usage(500, 7), turn_complete=True
        )

    async def stop(self) -> None:
        self.stopped.set()


def test_watchdog_stop_records_what_the_agent_had_already_sent(hooks: Hooks, tmp_path: Path) -> None:
    """A run stopped from outside (here the idle watchdog) still records the usage the agent reported."""
    run, _, status = execute(hooks, tmp_path, FlushOnStop(), RunLimits(idle_timeout=0.2))

    assert status == "timeout"
    assert run.usage.input_tokens == 1500 and run.usage.output_tokens == 7
    assert [s.text for s in run.steps if s.type == "assistant"] == ["last words"]
    assert run.result.num_turns == 2


class GuardedBackend(Backend):
    """Like Claude Code: asks ``request.tool_guard`` before each scripted tool "runs", reports the call,
    then its result (an error carrying the reason when denied); a stop ends its stream with a result."""

    name = "fake"
    vetoes_tool_calls = True

    def __init__(self, commands: list[str]) -> None:
        self.commands = commands
        self.ran: list[str] = []
        self.guarded: bool | None = None

    async def stream(self, request: RunRequest) -> AsyncIterator[BackendEvent]:
        self.guarded = request.tool_guard is not None
        for number, command in enumerate(self.commands):
            call_id = f"t{number}"
            decision = (
                request.tool_guard("Bash", {"command": command}, call_id) if request.tool_guard else None
            )
            call = Step("tool_call", tool="Bash", tool_use_id=call_id, input={"command": command})
            if decision is None or decision.action == "allow":
                self.ran.append(command)
                result = Step("tool_result", tool_use_id=call_id, output="ok", is_error=False)
            else:
                result = Step("tool_result", tool_use_id=call_id, output=decision.reason, is_error=True)
            yield BackendEvent(steps=[call, result], usage=Usage(100, 10), turn_complete=True)
            if decision is not None and decision.action == "stop":
                break
        yield DONE


def test_a_backend_that_vetoes_is_offered_the_guard_only_when_a_plugin_implements_it(
    hooks: Hooks, tmp_path: Path
) -> None:
    """Without a before_tool_use plugin no guard is offered (Claude keeps its fast CLI transport)."""
    backend = GuardedBackend(["rm -rf build"])
    _, _, status = execute(hooks, tmp_path, backend, RunLimits())

    assert status == "success"
    assert backend.guarded is False
    assert backend.ran == ["rm -rf build"]


@pytest.mark.parametrize("action", ["deny", "stop"])
def test_guard_decisions_are_recorded_after_their_call_and_stop_ends_the_run(
    hooks: Hooks, tmp_path: Path, action: str
) -> None:
    """A denied call does not run and is recorded as call, decision, result; deny goes on, stop ends."""
    hooks.pm.register(RmGuard(action), name="guard")
    backend = GuardedBackend(["rm -rf build", "ls"])
    run, recorder, status = execute(hooks, tmp_path, backend, RunLimits())
    kinds = [s.subtype if s.type == "system" else s.type for s in run.steps]

    assert kinds[:3] == ["tool_call", "tool_decision", "tool_result"]
    assert schema_error(json.loads(recorder.paths["json"].read_text())) is None
    assert run.steps[1].data == {
        "tool": "Bash",
        "tool_use_id": "t0",
        "decision": action,
        "reason": RmGuard.reason,
        "tool_started": False,
    }
    if action == "deny":
        assert (status, backend.ran) == ("success", ["ls"])
    else:
        assert (status, backend.ran) == ("stopped", [])
        assert run.result.stop_reason == f"stopped by a plugin: {RmGuard.reason}"


class ShallowStop(Backend):
    """Starts a shell that starts a long sleep; its stop() ends only the shell, as a backend that kills
    its own child and nothing below it does."""

    name = "shallow"

    def __init__(self) -> None:
        self.proc: asyncio.subprocess.Process | None = None
        self.grandchild = 0

    async def stream(self, request: RunRequest) -> AsyncIterator[BackendEvent]:
        script = "sleep 300 & echo $!; wait"
        self.proc = await asyncio.create_subprocess_exec("sh", "-c", script, stdout=asyncio.subprocess.PIPE)
        assert self.proc.stdout is not None
        self.grandchild = int(await self.proc.stdout.readline())
        yield turn(True)
        await asyncio.sleep(300)

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()

    def child_pids(self) -> list[int]:
        return [self.proc.pid] if self.proc is not None else []


def test_stopping_a_backend_ends_the_processes_below_its_own(hooks: Hooks, tmp_path: Path) -> None:
    """A limit that stops a backend whose stop() ends only its child leaves no grandchild running."""
    import psutil

    backend = ShallowStop()
    pid_file = PidFile("shallow-run", str(tmp_path))
    pid_file.write()
    _, _, status = execute(hooks, tmp_path, backend, RunLimits(timeout=1.0), pid_file=pid_file)

    assert status == "timeout"
    assert backend.grandchild > 0
    try:
        left = psutil.Process(backend.grandchild).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        left = False
    if left:
        psutil.Process(backend.grandchild).kill()
    assert not left
