"""Built-in plugin ``swe_agent``: SWE-agent and mini-swe-agent trajectories, read by ``analyze`` and
``report`` and imported by ``import`` (the readers and the importer are in :mod:`.readers`, imported
when needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autopilot import hookimpl


@hookimpl
def log_reader_register(register: Any) -> None:
    """SWE-agent ``.traj`` and mini-swe-agent ``.traj.json`` files."""
    from autopilot.plugins.swe_agent.readers import MiniSweAgentReader, SweAgentReader

    register(SweAgentReader())
    register(MiniSweAgentReader())


@hookimpl
def trajectory_import(path: Path, records: list[dict[str, Any]]) -> Any:
    """SWE-agent ``.traj`` and mini-swe-agent trajectories."""
    from autopilot.plugins.swe_agent.readers import import_trajectory

    return import_trajectory(path, records)
