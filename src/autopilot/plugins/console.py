"""Built-in plugin ``console``: live progress of a run for people, on stderr.

One line per step (elapsed time, step number, kind, tool and a short summary) and, on a terminal, a
status line underneath with the current step, the tool being run, tokens and cost so far and the
elapsed time, which keeps ticking while the agent is silent. Everything shown comes from the run and
its steps after the ``redact`` chain (the recorder redacts before any hook sees a step), so no secret
reaches the terminal.

The CLI blocks this plugin under ``--json`` and ``--quiet``; ``--disable-plugin console`` (or
``AUTOPILOT_DISABLE_PLUGINS=console``) silences it anywhere.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import IO, Any

from autopilot import Run, Step, Usage, hookimpl
from autopilot.core.trajectory.render import PREFIXES, step_summary


class ConsoleReporter:
    """Renders one run at a time; a rich status line on terminals, plain lines otherwise."""

    def __init__(self, stream: IO[str] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self.usage = Usage()
        self.started = clock()
        self.step_count = 0
        self.current_tool: str | None = None
        self._live: Any = None
        self._console: Any = None

    @property
    def stream(self) -> IO[str]:
        return self._stream or sys.stderr

    def _status(self) -> str:
        elapsed = self._clock() - self.started
        tool = f"running {self.current_tool}" if self.current_tool else "thinking"
        u = self.usage
        return (
            f"step {self.step_count} · {tool} · tokens in "
            f"{u.input_tokens + u.cache_read_tokens + u.cache_creation_tokens:,} "
            f"out {u.output_tokens:,} · ${u.cost_usd:.4f} · {elapsed:.1f}s"
        )

    def start(self, run: Run) -> None:
        self.usage = Usage()
        self.started = self._clock()
        self.step_count = len(run.steps)
        self.current_tool = None
        for step in run.steps:
            if step.usage is not None:
                self.usage = self.usage + step.usage
        verb = "resuming" if run.resumes and run.steps else "starting"
        model = f" ({run.model})" if run.model else ""
        self._print(f"autopilot: {verb} run {run.run_id} with {run.agent or 'the agent'}{model} in {run.cwd}")
        if self.stream.isatty():
            from rich.console import Console
            from rich.live import Live

            self._console = Console(file=self.stream, highlight=False)
            # Live calls _status on every refresh (4 a second), so the clock ticks while the agent is silent.
            self._live = Live(
                get_renderable=self._status, console=self._console, refresh_per_second=4, transient=True
            )
            self._live.start()

    def step(self, run: Run, step: Step) -> None:
        self.step_count = step.index + 1
        if step.usage is not None:
            self.usage = self.usage + step.usage
        if step.type == "tool_call":
            self.current_tool = step.tool
        elif step.type in ("tool_result", "assistant"):
            self.current_tool = None
        if step.type == "system" and step.subtype in ("usage", "init"):
            return
        width = 200
        if self._console is not None:
            width = max(40, self._console.width - 20)
        elapsed = self._clock() - self.started
        prefix = PREFIXES.get(step.type, step.type[:4])
        line = f"[{elapsed:6.1f}s] #{step.index:<3} {prefix} {step_summary(step, width)}"
        self._print(line)

    def finish(self, run: Run) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
        self._print(f"autopilot: run ended: {run.result.outcome}")

    def _print(self, line: str) -> None:
        if self._live is not None:
            self._live.console.print(line, markup=False, highlight=False, soft_wrap=True)
            self._live.refresh()
            return
        self.stream.write(line + "\n")
        self.stream.flush()


_reporter = ConsoleReporter()


@hookimpl
def before_run(run: Run) -> None:
    _reporter.start(run)


@hookimpl
def after_step(run: Run, step: Step) -> None:
    _reporter.step(run, step)


@hookimpl
def on_run_complete(run: Run) -> None:
    _reporter.finish(run)
