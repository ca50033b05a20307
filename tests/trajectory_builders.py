"""Build real trajectories for tests: scripted steps recorded through the real Recorder and writers.

Tests describe a run (steps with timestamps, per-turn token usage, how it ended) and record it with
:func:`record`; expected figures are then computed from the script, never hard-coded. A run can also
be left unfinished (``status=None``) to get the journal a killed run leaves behind, and
:attr:`Recorded.snapshots` holds the journal bytes after every step (a crash at each instant).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from autopilot.core.hooks import Hooks
from autopilot.core.models import Run, Step, Usage, utcnow
from autopilot.core.pricing import load_price_table
from autopilot.core.recorder import Recorder
from autopilot.core.trajectory.files import base_path_for, slugify

_counter = itertools.count(1)


def iso(moment: dt.datetime) -> str:
    """The timestamp format the recorder writes (milliseconds, ``Z``)."""
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Script:
    """A run described step by step; every method advances a clock by *after_ms* first."""

    model: str = "claude-sonnet-4-5"
    prompt: str = "fix the failing test"
    agent: str = "claude"
    cwd: str = "/work/repo"
    start: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    steps: list[Step] = field(default_factory=list)
    clock_ms: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _ts(self, after_ms: int) -> str:
        self.clock_ms += after_ms
        return iso(self.start + dt.timedelta(milliseconds=self.clock_ms))

    def _add(self, step: Step) -> Step:
        self.steps.append(step)
        return step

    def user(self, text: str, *, after_ms: int = 0) -> Step:
        return self._add(Step("user", ts=self._ts(after_ms), text=text))

    def assistant(self, text: str, *, after_ms: int = 100, **tokens: int) -> Step:
        """An assistant message closing a model turn that used *tokens* (input_tokens=..., ...)."""
        return self._add(Step("assistant", ts=self._ts(after_ms), text=text, usage=self.usage(**tokens)))

    def thinking(self, text: str, *, after_ms: int = 100) -> Step:
        return self._add(Step("thinking", ts=self._ts(after_ms), text=text))

    def call(
        self,
        tool: str,
        tool_input: Any,
        *,
        after_ms: int = 100,
        tool_use_id: str | None = None,
        **tokens: int,
    ) -> Step:
        """A tool call; with *tokens* it also closes the model turn that asked for it."""
        step = Step(
            "tool_call",
            ts=self._ts(after_ms),
            tool=tool,
            tool_use_id=tool_use_id or f"toolu_{next(self._ids):04d}",
            input=tool_input,
            usage=self.usage(**tokens) if tokens else None,
        )
        return self._add(step)

    def result(self, call: Step, output: str = "ok", *, after_ms: int = 100, is_error: bool = False) -> Step:
        """The result of *call*, *after_ms* later (its latency)."""
        assert call.tool_use_id is not None
        step = Step(
            "tool_result",
            ts=self._ts(after_ms),
            tool_use_id=call.tool_use_id,
            output=output,
            is_error=is_error,
        )
        return self._add(step)

    def tool(
        self, tool: str, tool_input: Any, output: str = "ok", *, latency_ms: int = 100, is_error: bool = False
    ) -> tuple[Step, Step]:
        call = self.call(tool, tool_input)
        return call, self.result(call, output, after_ms=latency_ms, is_error=is_error)

    def system(self, subtype: str, data: dict[str, Any] | None = None, *, after_ms: int = 10) -> Step:
        return self._add(Step("system", ts=self._ts(after_ms), subtype=subtype, data=data))

    def error(self, text: str, *, after_ms: int = 10) -> Step:
        return self._add(Step("error", ts=self._ts(after_ms), text=text))

    def usage(self, **tokens: int) -> Usage:
        """A usage delta priced with the packaged price table, as the runner prices it."""
        usage = Usage(**tokens)  # type: ignore[arg-type]
        usage.cost_usd = load_price_table().cost(self.model, usage)
        return usage

    # Figures the script implies, for assertions.

    @property
    def total_usage(self) -> Usage:
        total = Usage()
        for step in self.steps:
            if step.usage is not None:
                total = total + step.usage
        return total

    @property
    def turns(self) -> int:
        return sum(1 for step in self.steps if step.usage is not None)


@dataclass
class Recorded:
    """What :func:`record` produced."""

    run: Run
    base: Path
    recorder: Recorder
    #: Journal bytes after the header and after each step (index i+1 = after step i).
    snapshots: list[bytes]

    @property
    def json_path(self) -> Path:
        return self.recorder.paths["json"]

    @property
    def journal_path(self) -> Path:
        return self.recorder.paths["journal"]

    @property
    def rlog_path(self) -> Path:
        return self.recorder.paths["rlog"]

    @property
    def path(self) -> Path:
        """The file ``analyze`` reads: the ``.json`` if the run finished, else its journal."""
        return self.json_path if self.json_path.exists() else self.journal_path


def _shifted(step: Step, shift: dt.timedelta) -> Step:
    """A copy of *step* (the recorder numbers and redacts it in place) moved by *shift*."""
    copy = Step.from_dict(step.to_dict())
    copy.ts = iso(dt.datetime.fromisoformat(step.ts.replace("Z", "+00:00")) + shift)
    return copy


def record(
    hooks: Hooks,
    output_dir: Path,
    script: Script,
    *,
    status: str | None = "success",
    error: str | None = None,
    snapshots: bool = False,
) -> Recorded:
    """Record *script* with the real Recorder under *output_dir*.

    ``status=None`` leaves the run unfinished, exactly like a run killed after its last step.
    """
    # Shift the script so its last step happened just now: the recorder measures the duration up to
    # finish() on the real clock, and a run should not appear to have lasted an hour.
    shift = dt.datetime.now(dt.UTC) - (script.start + dt.timedelta(milliseconds=script.clock_ms))
    run = Run(
        prompt=script.prompt,
        agent=script.agent,
        model=script.model,
        cwd=script.cwd,
        started_at=iso(script.start + shift),
        slug=f"{slugify(script.prompt, max_length=20)}-{next(_counter)}",
    )
    run.price_table_version = load_price_table().version
    recorder = Recorder(hooks, run, base_path_for(run, output_dir))
    recorder.start()
    journal = recorder.paths["journal"]
    taken = [journal.read_bytes()] if snapshots else []
    for step in script.steps:
        recorder.add(_shifted(step, shift))
        if snapshots:
            taken.append(journal.read_bytes())
    if status is not None:
        recorder.finish(status=status, usage=script.total_usage, num_turns=script.turns, error=error)
    return Recorded(run, recorder.base, recorder, taken)


def resume(
    hooks: Hooks, previous: Run, base: Path, script: Script, *, status: str | None = "success"
) -> Recorded:
    """Continue *previous* (as loaded from disk) at *base* with the steps of *script*."""
    run = previous
    run.resumes.append({"at": utcnow(), "prompt": script.prompt})
    recorder = Recorder(hooks, run, base, resume=True)
    recorder.start()
    shift = dt.datetime.now(dt.UTC) - (script.start + dt.timedelta(milliseconds=script.clock_ms))
    for step in script.steps:
        recorder.add(_shifted(step, shift))
    if status is not None:
        usage = previous.usage + script.total_usage
        recorder.finish(status=status, usage=usage, num_turns=previous.result.num_turns + script.turns)
    return Recorded(run, base, recorder, [])


def typical_script(model: str = "claude-sonnet-4-5", *, prompt: str = "fix the failing test") -> Script:
    """A small, realistic run: read, edit, test (one failing try), answer."""
    s = Script(model=model, prompt=prompt)
    s.user(prompt)
    s.thinking("look at the test first")
    read = s.call("Read", {"file_path": f"{s.cwd}/tests/test_app.py"}, input_tokens=1200, output_tokens=80)
    s.result(read, "def test_app(): ...", after_ms=40)
    edit = s.call(
        "Edit",
        {"file_path": f"{s.cwd}/src/app.py", "old_string": "a", "new_string": "b"},
        input_tokens=300,
        cache_read_tokens=1200,
        output_tokens=120,
    )
    s.result(edit, "edited", after_ms=60)
    first = s.call("Bash", {"command": "pytest -q", "description": "run tests"}, cache_read_tokens=1500)
    s.result(first, "1 failed", after_ms=2500, is_error=True)
    second = s.call(
        "Bash", {"command": "pytest -q"}, input_tokens=50, cache_read_tokens=1600, output_tokens=30
    )
    s.result(second, "1 passed", after_ms=2100)
    s.assistant("Fixed: the test passes now.", input_tokens=40, cache_creation_tokens=500, output_tokens=60)
    return s


# ------------------------------------------------------------------------------------------------
# Hypothesis strategies for random but well-formed scripts

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
_TOOLS = st.sampled_from(["Read", "Write", "Edit", "Bash", "Grep", "command_execution", "mcp__x__y"])


@st.composite
def scripts(draw: st.DrawFn, *, max_steps: int = 12) -> Script:
    """A random script: user prompt, then any mix of messages, tool exchanges, system and error steps."""
    s = Script(prompt=draw(_TEXT) or "p")
    s.user(s.prompt)
    for _ in range(draw(st.integers(0, max_steps))):
        kind = draw(st.sampled_from(["assistant", "thinking", "tool", "call", "system", "error"]))
        after = draw(st.integers(0, 5000))
        tokens = {
            "input_tokens": draw(st.integers(0, 5000)),
            "output_tokens": draw(st.integers(0, 2000)),
            "cache_read_tokens": draw(st.integers(0, 5000)),
        }
        if kind == "assistant":
            s.assistant(draw(_TEXT), after_ms=after, **tokens)
        elif kind == "thinking":
            s.thinking(draw(_TEXT), after_ms=after)
        elif kind in ("tool", "call"):
            call = s.call(draw(_TOOLS), {"file_path": draw(_TEXT), "n": after}, after_ms=after, **tokens)
            if kind == "tool":
                s.result(call, draw(_TEXT), after_ms=draw(st.integers(0, 5000)), is_error=draw(st.booleans()))
        elif kind == "system":
            s.system(
                draw(st.sampled_from(["init", "compact", "notice"])), {"note": draw(_TEXT)}, after_ms=after
            )
        else:
            s.error(draw(_TEXT) or "boom", after_ms=after)
    return s
