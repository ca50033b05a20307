"""Built-in writer: the append-only journal during the run, the atomic ``.json`` at the end.

The journal is kept open for the run; each record is one line, written and flushed before the step
is reported as recorded, so a run killed at any instant reads back to its last flushed step. Set
``plugins: {trajectory_json: {fsync: true}}`` in ``.autopilot/config.yaml`` (or ``AUTOPILOT_FSYNC=1``)
to also survive power loss, at the cost of one fsync per step. The final ``.json`` is streamed step
by step (one compact line per step) into a temporary file renamed into place; once it is there the
journal is removed: the ``.json`` holds everything the journal did.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from autopilot import hookimpl
from autopilot.core.models import Run, Step
from autopilot.core.trajectory.files import (
    JOURNAL_SUFFIX,
    JSON_SUFFIX,
    LineAppender,
    dumps,
    end_torn_line,
    write_json_trajectory,
)


class JsonTrajectoryWriter:
    """Journal (``.journal.jsonl``) while running, final ``.json`` when done."""

    name = "trajectory_json"

    def __init__(self, *, fsync: bool = False) -> None:
        self.fsync = fsync
        self.journal_path: Path | None = None
        self.json_path: Path | None = None
        self._journal: LineAppender | None = None

    def _append(self, record: dict[str, Any]) -> None:
        assert self._journal is not None, "writer used before open()"
        self._journal.write(dumps(record))

    def open(self, run: Run, base: Path, *, resume: bool) -> None:
        self.journal_path = base.with_name(base.name + JOURNAL_SUFFIX)
        self.json_path = base.with_name(base.name + JSON_SUFFIX)
        base.parent.mkdir(parents=True, exist_ok=True)
        existing = resume and self.journal_path.exists()
        if existing:
            end_torn_line(self.journal_path)
        else:
            self.journal_path.write_text("", encoding="utf-8")
        # Kept open for the run: one write and a flush per record, so a kill can only tear the last line.
        self._journal = LineAppender(self.journal_path, fsync=self.fsync)
        if existing:
            self._append({"record": "header", "resume": True, "run": run.header()})
            return
        self._append({"record": "header", "run": run.header()})
        # Resuming a finished run: the journal starts again from every earlier step.
        for line in run.steps.iter_json():
            self._journal.write(_STEP_RECORD + line + "}")

    def write_step(self, run: Run, step: Step) -> None:
        assert self._journal is not None, "writer used before open()"
        # Encoded once: the step log reuses this text for its spill file and the final .json.
        self._journal.write(_STEP_RECORD + run.steps.json_of(step) + "}")

    def update(self, run: Run, changes: dict[str, Any]) -> None:
        self._append({"record": "update", "changes": changes})

    def close(self, run: Run) -> None:
        assert self.json_path is not None and self.journal_path is not None and self._journal is not None
        try:
            self._append(
                {
                    "record": "end",
                    "ended_at": run.ended_at,
                    "result": run.result.to_dict(),
                    "usage": run.usage.to_dict(),
                }
            )
        finally:
            self._journal.close()
        # The run's earlier steps are read from the .json from now on; its spill file is released.
        write_json_trajectory(run, self.json_path, adopt=True)
        self.journal_path.unlink(missing_ok=True)


# A journal step record is ``{"record":"step","step":<the step's compact JSON>}``.
_STEP_RECORD = '{"record":"step","step":'


def dumps_pretty(data: Any) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


@hookimpl
def trajectory_writer_register(register: Any, config: Any) -> None:
    settings = config.plugin_config("trajectory_json") if config is not None else {}
    fsync = bool(settings.get("fsync", False)) or os.environ.get("AUTOPILOT_FSYNC", "") not in (
        "",
        "0",
        "false",
        "no",
    )
    register(JsonTrajectoryWriter(fsync=fsync))
