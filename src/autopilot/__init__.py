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

try:
    __version__ = importlib.metadata.version("git-autopilot")
except importlib.metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

#: Marks a function as a hook implementation (``@autopilot.hookimpl``).
hookimpl = pluggy.HookimplMarker("autopilot")
