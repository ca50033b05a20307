"""Built-in writer: the ``.rlog``, a log for people.

A header (run id, agent, model, repo sha, branch, prompt), one line per step with a short prefix
(``USER ASST THNK CALL RSLT SYS ERR``), and a closing line with status, tokens and cost. Lines are
appended and flushed as the run goes; a resumed run adds a ``# resumed`` line and continues.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autopilot import hookimpl
from autopilot.core.models import Run, Step, utcnow
from autopilot.core.render import closing_line, header_lines, one_line, step_line
from autopilot.core.trajectory import RLOG_SUFFIX


class RlogWriter:
    name = "trajectory_rlog"

    def __init__(self) -> None:
        self.path: Path | None = None

    def _write(self, line: str) -> None:
        # Opened per line so no handle outlives a crashed or abandoned run.
        assert self.path is not None, "writer used before open()"
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def open(self, run: Run, base: Path, *, resume: bool) -> None:
        self.path = base.with_name(base.name + RLOG_SUFFIX)
        base.parent.mkdir(parents=True, exist_ok=True)
        if resume and self.path.exists():
            self._write(f"# resumed {utcnow()}  prompt: {one_line(run.prompt, 300)}")
            return
        self.path.write_text("", encoding="utf-8")
        for line in header_lines(run):
            self._write(line)
        for step in run.steps:
            self._write(step_line(run, step))

    def write_step(self, run: Run, step: Step) -> None:
        self._write(step_line(run, step))

    def update(self, run: Run, changes: dict[str, Any]) -> None:
        shown = {k: v for k, v in changes.items() if k in ("session_id", "model")}
        if shown:
            self._write("# " + "  ".join(f"{k} {v}" for k, v in shown.items()))

    def close(self, run: Run) -> None:
        self._write(closing_line(run))


@hookimpl
def trajectory_writer_register(register: Any) -> None:
    register(RlogWriter())
