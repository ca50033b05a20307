"""Project configuration: ``.autopilot/config.yaml``, overridden by ``AUTOPILOT_*`` variables.

Precedence (highest first): command-line flags (applied by the CLI), environment variables,
``.autopilot/config.yaml``, built-in defaults. Every key is documented in docs/reference/config.md.
Reading and checking the values is done by ``autopilot.core.configfile`` (light, used before the
agent starts); this module wraps them in :class:`Config`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autopilot.core import configfile
from autopilot.core.configfile import CONFIG_DIR, CONFIG_FILE, ENVIRONMENT

__all__ = [
    "CONFIG_DIR",
    "CONFIG_FILE",
    "ENVIRONMENT",
    "Config",
    "default_agent",
    "find_project_dir",
    "load_config",
    "read_config_file",
]


@dataclass
class Config:
    """Resolved settings. Field names are the keys of ``.autopilot/config.yaml``."""

    #: Backend used when neither ``--agent`` nor a project/issue chooses one.
    agent: str = "claude"
    #: Model name or alias; None lets the backend choose its default.
    model: str | None = None
    #: Budget per run in USD, enforced by the runner.
    max_budget_usd: float = 5.0
    #: Model turns per run; None means no limit beyond the budget.
    max_turns: int | None = None
    #: Seconds without any backend event before the run is stopped (status ``timeout``).
    idle_timeout: float = 900.0
    #: Seconds of wall time before the run is stopped (status ``timeout``).
    timeout: float = 7200.0
    #: Where trajectories go, relative to the repository root.
    output_dir: str = "docs/logs"
    #: Refuse to start a run when less than this much memory is available (MiB).
    min_free_memory_mb: int = 512
    #: What to do with state changes and finished work: ``commit``, ``stage`` or ``off``.
    commit: str = "commit"
    #: Per-plugin settings, ``plugins: {<plugin name>: {...}}``.
    plugins: dict[str, Any] = field(default_factory=dict)
    #: The repository (or directory) the configuration belongs to. Not read from the file.
    project_dir: Path = field(default_factory=Path.cwd)

    def plugin_config(self, name: str) -> dict[str, Any]:
        """Settings for plugin *name* (an empty dict when there are none)."""
        value = self.plugins.get(name) or {}
        return dict(value) if isinstance(value, Mapping) else {}

    @property
    def autopilot_dir(self) -> Path:
        return self.project_dir / CONFIG_DIR


def default_agent(agent: str | None, project: Mapping[str, Any] | None, config: Config) -> str:
    """The backend a run uses when no ``backend_select`` plugin decides: ``--agent``, then the
    project's ``agent``, then ``agent`` in the configuration (default ``claude``)."""
    return configfile.default_agent(agent, project, config.agent)


def find_project_dir(start: Path | None = None) -> Path:
    """The nearest ancestor of *start* holding ``.autopilot/`` or ``.git``; *start* itself otherwise."""
    return Path(configfile.find_project_root(str(start) if start is not None else None))


def read_config_file(path: Path) -> dict[str, Any]:
    """Read a config file into a plain dict; a malformed file raises ConfigError naming it (cached,
    see :func:`autopilot.core.configfile.read_config_file`)."""
    return configfile.read_config_file(path)


def load_config(
    project_dir: Path | None = None, *, environ: Mapping[str, str] | None = None, **overrides: Any
) -> Config:
    """Resolve the configuration for *project_dir* (found from the working directory by default).

    Keyword *overrides* with a value other than None win over everything (they come from CLI flags).
    """
    project_dir = find_project_dir(project_dir)
    return Config(project_dir=project_dir, **configfile.resolve_values(str(project_dir), environ, overrides))
