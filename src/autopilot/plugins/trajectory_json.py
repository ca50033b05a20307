"""Built-in writer: the append-only journal during the run, the atomic ``.json`` at the end.

Each journal record is one line, written and flushed before the step is reported as recorded, so a
run killed at any instant reads back to its last flushed step. Set ``plugins: {trajectory_json:
{fsync: true}}`` in ``.autopilot/config.yaml`` (or ``AUTOPILOT_FSYNC=1``) to also survive power loss,
at the cost of one fsync per step. Once the ``.json`` is in place the journal is removed: the
``.json`` holds everything the journal did.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from autopilot import hookimpl
from autopilot.core.models import Run, Step
from autopilot.core.trajectory import JOURNAL_SUFFIX, JSON_SUFFIX, atomic_write_text, dumps


class JsonTrajectoryWriter:
    """Journal (``.journal.jsonl``) while running, final ``.json`` when done."""

    name = "trajectory_json"

    def __init__(self, *, fsync: bool = False) -> None:
        self.fsync = fsync
        self.journal_path: Path | None = None
        self.json_path: Path | None = None

    def _append(self, record: dict[str, Any]) -> None:
        # Opened per record so no handle outlives a crashed or abandoned run; one line per write()
        # call, so a kill can only ever tear the last line.
        assert self.journal_path is not None, "writer used before open()"
        with self.journal_path.open("a", encoding="utf-8") as handle:
            handle.write(dumps(record) + "\n")
            handle.flush()
            if self.fsync:
                os.fsync(handle.fileno())

    def open(self, run: Run, base: Path, *, resume: bool) -> None:
        self.journal_path = base.with_name(base.name + JOURNAL_SUFFIX)
        self.json_path = base.with_name(base.name + JSON_SUFFIX)
        base.parent.mkdir(parents=True, exist_ok=True)
        existing = resume and self.journal_path.exists()
        if existing:
            self._repair_tail(self.journal_path)
        else:
            self.journal_path.write_text("", encoding="utf-8")
        if existing:
            self._append({"record": "header", "resume": True, "run": run.header()})
            return
        self._append({"record": "header", "run": run.header()})
        # Resuming a finished run: the journal starts again from every earlier step.
        for step in run.steps:
            self._append({"record": "step", "step": step.to_dict()})

    @staticmethod
    def _repair_tail(path: Path) -> None:
        """End a torn last line (from a killed run) so appended records start on a line of their own."""
        with path.open("rb+") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() == 0:
                return
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                handle.write(b"\n")

    def write_step(self, run: Run, step: Step) -> None:
        self._append({"record": "step", "step": step.to_dict()})

    def update(self, run: Run, changes: dict[str, Any]) -> None:
        self._append({"record": "update", "changes": changes})

    def close(self, run: Run) -> None:
        self._append(
            {
                "record": "end",
                "ended_at": run.ended_at,
                "result": run.result.to_dict(),
                "usage": run.usage.to_dict(),
            }
        )
        assert self.json_path is not None and self.journal_path is not None
        atomic_write_text(self.json_path, dumps_pretty(run.to_dict()))
        self.journal_path.unlink(missing_ok=True)


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
