"""Built-in plugin ``atif``: Harbor's Agent Trajectory Interchange Format, read by ``analyze`` and
``report`` (the reader and the writer ``export`` uses are in :mod:`.reader`, imported when needed)."""

from __future__ import annotations

from typing import Any

from autopilot import hookimpl


@hookimpl
def log_reader_register(register: Any) -> None:
    """ATIF trajectories."""
    from autopilot.plugins.atif.reader import AtifReader

    register(AtifReader())
