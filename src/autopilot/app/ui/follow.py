"""Follow a run's journal as it grows: the events behind the live page.

The journal is opened once and read from where the last read stopped, so each new step costs one
small read, however long the run. When the run ends, the writer appends an ``end`` record and then
removes the journal; the open handle still reads what was written, so the end is never missed. A
journal replaced by a new one (a finished run being resumed rewrites it from its first step) is
re-read, skipping the steps already sent.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import IO, Any, Final

#: Seconds between two looks at the journal.
POLL_SECONDS: Final = 0.1
#: Seconds between two checks that the run's autopilot process is still alive.
LIVENESS_SECONDS: Final = 1.0
#: Seconds without a step after which a journal with no live owner counts as cut off.
QUIET_SECONDS: Final = 5.0


class JournalFollower:
    """The records of one run's journal from step number *start* on, as they are written.

    Args:
        journal: The run's ``.journal.jsonl``.
        final: The run's ``.json`` (where the run is once it has ended).
        start: The first step number to report (the page already shows the ones before).
        alive: Whether the run's autopilot process lives (checked about once a second).
    """

    def __init__(self, journal: Path, final: Path, *, start: int, alive: Callable[[], bool]) -> None:
        self.journal = journal
        self.final = final
        self.next_step = start
        self.alive = alive
        self._handle: IO[bytes] | None = None
        self._inode: int | None = None
        self._seen = 0  # steps read from the current journal file
        self._partial = b""

    def _open(self) -> bool:
        try:
            handle = self.journal.open("rb")
        except OSError:
            return False
        self._close()
        self._handle, self._inode = handle, os.fstat(handle.fileno()).st_ino
        self._seen, self._partial = 0, b""
        return True

    def _close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def _replaced(self) -> bool:
        try:
            return os.stat(self.journal).st_ino != self._inode
        except OSError:
            return False

    def _drain(self) -> list[dict[str, Any]]:
        """Records completed since the last read (a line still being written waits for its end)."""
        assert self._handle is not None
        data = self._partial + self._handle.read()
        lines = data.split(b"\n")
        self._partial = lines.pop()
        events: list[dict[str, Any]] = []
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if not isinstance(record, dict):
                continue
            kind = record.get("record")
            if kind == "step":
                number = self._seen
                self._seen += 1
                if number >= self.next_step and isinstance(record.get("step"), dict):
                    self.next_step = number + 1
                    events.append({"event": "step", "number": number, "step": record["step"]})
            elif kind == "update":
                events.append({"event": "update", "changes": record.get("changes") or {}})
            elif kind == "header" and record.get("resume"):
                events.append({"event": "resumed"})
            elif kind == "end":
                events.append(
                    {
                        "event": "end",
                        "result": record.get("result") or {},
                        "usage": record.get("usage") or {},
                        "ended_at": record.get("ended_at"),
                    }
                )
        return events

    def _final_end(self) -> dict[str, Any]:
        """The end of a run whose journal is already gone, from its ``.json``."""
        try:
            data = json.loads(self.final.read_bytes())
        except (OSError, ValueError):
            return {"event": "end", "result": {"status": "missing"}, "usage": {}}
        if not isinstance(data, dict):
            data = {}
        return {
            "event": "end",
            "result": data.get("result") or {},
            "usage": data.get("usage") or {},
            "ended_at": data.get("ended_at"),
        }

    async def events(self) -> AsyncIterator[dict[str, Any]]:
        """Every record from now on; ends after the run's ``end``. ``status`` events say whether the
        run is still being recorded (``live``) while no end has been written."""
        if not self._open():
            yield self._final_end()
            return
        live: bool | None = None
        last_step = time.monotonic()
        checked = 0.0
        try:
            while True:
                events = self._drain()
                if self._replaced():
                    self._open()
                    events.extend(self._drain())
                for event in events:
                    yield event
                    if event["event"] == "end":
                        return
                now = time.monotonic()
                if any(e["event"] == "step" for e in events):
                    last_step = now
                if now - checked >= LIVENESS_SECONDS:
                    checked = now
                    if not self.journal.exists() and self.final.exists():
                        # The end record was written before the journal went: the handle still reads it.
                        for event in self._drain():
                            yield event
                            if event["event"] == "end":
                                return
                        yield self._final_end()
                        return
                    state = self.alive() or now - last_step < QUIET_SECONDS
                    if state != live:
                        live = state
                        yield {"event": "status", "live": live}
                await asyncio.sleep(POLL_SECONDS)
        finally:
            self._close()
