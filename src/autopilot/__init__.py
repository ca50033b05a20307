"""git-autopilot: run AI coding agents unattended in any git repository and keep everything they did.

The stable API is exactly ``__all__``; everything else (``autopilot.core.*`` included) is internal.
"""

from __future__ import annotations

import pluggy

from autopilot.core import distinfo
from autopilot.core.errors import AutopilotError, ExitCode, PluginError, StopRun, TrajectoryError
from autopilot.core.models import Backend, BackendEvent, Run, RunRequest, Step, TrajectoryWriter, Usage


def _installed_version() -> str:
    found = distinfo.version("git-autopilot")  # without importing importlib.metadata (start-up time)
    if found is not None:
        return found
    import importlib.metadata

    try:
        return importlib.metadata.version("git-autopilot")
    except importlib.metadata.PackageNotFoundError:  # running from a source tree
        return "0.0.0"


__version__ = _installed_version()

#: Marks a function as a hook implementation: ``@autopilot.hookimpl``.
hookimpl = pluggy.HookimplMarker("autopilot")

__all__ = [
    "AutopilotError",
    "Backend",
    "BackendEvent",
    "ExitCode",
    "PluginError",
    "Run",
    "RunRequest",
    "Step",
    "StopRun",
    "TrajectoryError",
    "TrajectoryWriter",
    "Usage",
    "__version__",
    "hookimpl",
]
