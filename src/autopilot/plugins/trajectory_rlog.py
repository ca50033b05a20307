"""Built-in writer: the ``.rlog``, a log for people.

A header (run id, agent, model, repo sha, branch, prompt), one line per step with a short prefix
(``USER ASST THNK CALL RSLT SYS ERR``), and a closing line with status, tokens and cost. Lines are
appended and flushed as the run goes (the file is kept open for the run); a resumed run adds a
``# resumed`` line and continues.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autopilot import hookimpl
from autopilot.core.models import Run, Step, utcnow
from autopilot.core.trajectory.files import RLOG_SUFFIX, LineAppender
from autopilot.core.trajectory.render import closing_line, header_lines, one_line, step_line


class RlogWriter:
    name = "trajectory_rlog"

    def __init__(self) -> None:
        self.path: Path | None = None
        self._file: LineAppender | None = None

    def _write(self, line: str) -> None:
        # Kept open for the run (closed in close(), or when the writer is dropped with its run).
        assert self._file is not None, "writer used before open()"
        self._file.write(line)

    def open(self, run: Run, base: Path, *, resume: bool) -> None:
        self.path = base.with_name(base.name + RLOG_SUFFIX)
        base.parent.mkdir(parents=True, exist_ok=True)
        self._file = LineAppender(self.path)
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
        assert self._file is not None, "writer used before open()"
        try:
            self._write(closing_line(run))
        finally:
            self._file.close()


@hookimpl
def trajectory_writer_register(register: Any) -> None:
    register(RlogWriter())
