"""Built-in plugin ``swe_agent``: SWE-agent and mini-swe-agent trajectories, read by ``analyze`` and
``report`` (the readers are in :mod:`.readers`, imported when needed)."""

from __future__ import annotations

from typing import Any

from autopilot import hookimpl


@hookimpl
def log_reader_register(register: Any) -> None:
    """SWE-agent ``.traj`` and mini-swe-agent ``.traj.json`` files."""
    from autopilot.plugins.swe_agent.readers import MiniSweAgentReader, SweAgentReader

    register(SweAgentReader())
    register(MiniSweAgentReader())
