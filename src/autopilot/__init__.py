"""git-autopilot: run AI coding agents unattended in any git repository and keep everything they did.

The stable API is exactly ``__all__``; everything else (``autopilot.core.*`` included) is internal.
Its names are loaded on first use, so ``import autopilot`` costs nothing on the command line's
start-up path (see ``autopilot.cli``).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

    import pluggy

    from autopilot.core.errors import AutopilotError, ExitCode, PluginError, StopRun, TrajectoryError
    from autopilot.core.models import Backend, BackendEvent, Run, RunRequest, Step, TrajectoryWriter, Usage

    __version__: str
    #: Marks a function as a hook implementation: ``@autopilot.hookimpl``.
    hookimpl: pluggy.HookimplMarker

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

_ERRORS = frozenset({"AutopilotError", "ExitCode", "PluginError", "StopRun", "TrajectoryError"})
_MODELS = frozenset({"Backend", "BackendEvent", "Run", "RunRequest", "Step", "TrajectoryWriter", "Usage"})


def _installed_version() -> str:
    from autopilot.core import distinfo

    found = distinfo.version("git-autopilot")  # without importing importlib.metadata (start-up time)
    if found is not None:
        return found
    import importlib.metadata

    try:
        return importlib.metadata.version("git-autopilot")
    except importlib.metadata.PackageNotFoundError:  # running from a source tree
        return "0.0.0"


def __getattr__(name: str) -> Any:
    if name in _ERRORS:
        from autopilot.core import errors

        value: Any = getattr(errors, name)
    elif name in _MODELS:
        from autopilot.core import models

        value = getattr(models, name)
    elif name == "hookimpl":
        import pluggy

        value = pluggy.HookimplMarker("autopilot")
    elif name == "__version__":
        value = _installed_version()
    else:
        raise AttributeError(f"module 'autopilot' has no attribute {name!r}")
    globals()[name] = value  # once loaded, a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
