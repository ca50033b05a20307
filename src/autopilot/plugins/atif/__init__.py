"""Built-in plugin ``atif``: Harbor's Agent Trajectory Interchange Format, read by ``analyze`` and
``report`` and imported by ``import`` (the reader, the importer and the writer ``export`` uses are in
:mod:`.reader`, imported when needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autopilot import hookimpl


@hookimpl
def log_reader_register(register: Any) -> None:
    """ATIF trajectories."""
    from autopilot.plugins.atif.reader import AtifReader

    register(AtifReader())


@hookimpl
def trajectory_import(path: Path, records: list[dict[str, Any]]) -> Any:
    """ATIF trajectories (``schema_version: ATIF-v1.x``)."""
    from autopilot.plugins.atif.reader import import_atif

    return import_atif(records)
