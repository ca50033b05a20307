"""git-autopilot: run AI coding agents unattended in any git repository and keep everything they did.

The stable API is exactly ``__all__``; everything else (``autopilot.core.*`` included) is internal.
"""

from __future__ import annotations

import importlib.metadata

import pluggy

from autopilot.core.errors import AutopilotError, ExitCode, PluginError, StopRun, TrajectoryError
from autopilot.core.models import (
    Backend,
    BackendEvent,
    ImportedRun,
    Run,
    RunRequest,
    Step,
    Tool,
    ToolDecision,
    ToolGuard,
    Toolset,
    TrajectoryWriter,
    Usage,
)

__all__ = [
    "AutopilotError",
    "Backend",
    "BackendEvent",
    "ExitCode",
    "ImportedRun",
    "PluginError",
    "Run",
    "RunRequest",
    "Step",
    "StopRun",
    "Tool",
    "ToolDecision",
    "ToolGuard",
    "Toolset",
    "TrajectoryError",
    "TrajectoryWriter",
    "Usage",
    "__version__",
    "hookimpl",
]


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed metadata the first time it is asked for: parsing the
    metadata costs about 2 ms, which commands that never name the version (``redact``, ``issue``, the
    pre-commit check) need not pay."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        version = importlib.metadata.version("git-autopilot")
    except importlib.metadata.PackageNotFoundError:  # running from a source tree that is not installed
        version = "0.0.0"
    globals()["__version__"] = version  # read once: later lookups find it without this function
    return version


#: Marks a function as a hook implementation (``@autopilot.hookimpl``).
hookimpl = pluggy.HookimplMarker("autopilot")
