"""Project configuration: ``.autopilot/config.yaml``, overridden by ``AUTOPILOT_*`` variables.

Precedence (highest first): command-line flags (applied by the CLI), environment variables,
``.autopilot/config.yaml``, built-in defaults. Every key is documented in docs/reference/config.md.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final

from autopilot.core.errors import ConfigError

CONFIG_DIR: Final = ".autopilot"
CONFIG_FILE: Final = "config.yaml"


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


# environment variable -> config field
ENVIRONMENT: Final = {
    "AUTOPILOT_AGENT": "agent",
    "AUTOPILOT_MODEL": "model",
    "AUTOPILOT_MAX_BUDGET": "max_budget_usd",
    "AUTOPILOT_MAX_TURNS": "max_turns",
    "AUTOPILOT_IDLE_TIMEOUT": "idle_timeout",
    "AUTOPILOT_TIMEOUT": "timeout",
    "AUTOPILOT_OUTPUT_DIR": "output_dir",
    "AUTOPILOT_MIN_FREE_MEMORY_MB": "min_free_memory_mb",
    "AUTOPILOT_COMMIT": "commit",
}

_CHOICES: Final = {"commit": ("commit", "stage", "off")}


def default_agent(agent: str | None, project: Mapping[str, Any] | None, config: Config) -> str:
    """The backend a run uses when no ``backend_select`` plugin decides: ``--agent``, then the
    project's ``agent``, then ``agent`` in the configuration (default ``claude``)."""
    if agent:
        return agent
    if project and project.get("agent"):
        return str(project["agent"])
    return config.agent or "claude"


def find_project_dir(start: Path | None = None) -> Path:
    """The nearest ancestor of *start* holding ``.autopilot/`` or ``.git``; *start* itself otherwise."""
    start = (start or Path.cwd()).resolve()
    for candidate in (start, *start.parents):
        if (candidate / CONFIG_DIR).is_dir() or (candidate / ".git").exists():
            return candidate
    return start


def _coerce(name: str, value: Any, source: str) -> Any:
    """Convert *value* to the type of field *name*, or raise ConfigError naming *source*."""
    kinds = {f.name: f.type for f in fields(Config)}
    kind = str(kinds[name])
    try:
        if value is None:
            if "None" in kind:
                return None
            raise ValueError("must not be empty")
        if kind.startswith("float"):
            result: Any = float(value)
            if result < 0:
                raise ValueError("must not be negative")
        elif kind.startswith("int"):
            if isinstance(value, str) and value.strip().lower() in ("", "none", "null"):
                return None
            result = int(value)
            if result < 0:
                raise ValueError("must not be negative")
        elif kind.startswith("dict"):
            if not isinstance(value, Mapping):
                raise ValueError("must be a mapping")
            result = dict(value)
        else:
            result = str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{source}: {name}: {exc} (got {value!r})") from None
    if name in _CHOICES and result not in _CHOICES[name]:
        raise ConfigError(f"{source}: {name}: must be one of {', '.join(_CHOICES[name])} (got {result!r})")
    return result


def read_config_file(path: Path) -> dict[str, Any]:
    """Read a config file into a plain dict; a malformed file raises ConfigError naming it.

    The parsed settings are cached in ``.autopilot/.cache/config.marshal`` (never committed), keyed by
    the file's path, size, mtime and inode, so commands do not import the YAML parser on every start.
    """
    cached = _cached_config(path)
    if cached is not None:
        return cached
    from ruamel.yaml import YAML  # deferred: only a project with a config file pays for it
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}{where}: not valid YAML: {problem}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"{path}: must be a mapping of settings, not {type(data).__name__}")
    data = dict(data)
    _cache_config(path, data)
    return data


def _config_cache_key(path: Path) -> tuple[str, int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (str(path.resolve()), info.st_size, info.st_mtime_ns, info.st_ino)


def _cached_config(path: Path) -> dict[str, Any] | None:
    import marshal

    key = _config_cache_key(path)
    try:
        with open(path.parent / ".cache" / "config.marshal", "rb") as handle:
            stored_key, data = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return data if key is not None and tuple(stored_key) == key and isinstance(data, dict) else None


def _cache_config(path: Path, data: dict[str, Any]) -> None:
    """Best effort: a cache that cannot be written (read-only checkout, odd values) is skipped."""
    import marshal

    key = _config_cache_key(path)
    if key is None:
        return
    cache = path.parent / ".cache"
    try:
        blob = marshal.dumps((key, data))
        if not cache.is_dir():
            cache.mkdir(parents=True, exist_ok=True)
            (cache / ".gitignore").write_text("*\n", encoding="utf-8")
        temporary = cache / f"config.marshal.{os.getpid()}"
        temporary.write_bytes(blob)
        os.replace(temporary, cache / "config.marshal")
    except (OSError, ValueError):
        return


def load_config(
    project_dir: Path | None = None, *, environ: Mapping[str, str] | None = None, **overrides: Any
) -> Config:
    """Resolve the configuration for *project_dir* (found from the working directory by default).

    Keyword *overrides* with a value other than None win over everything (they come from CLI flags).
    """
    project_dir = find_project_dir(project_dir)
    environ = os.environ if environ is None else environ
    known = {f.name for f in fields(Config)} - {"project_dir"}
    values: dict[str, Any] = {}

    path = project_dir / CONFIG_DIR / CONFIG_FILE
    if path.is_file():
        for key, value in read_config_file(path).items():
            if key == "schema_version":
                continue
            if key not in known:
                raise ConfigError(f"{path}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
            values[key] = _coerce(key, value, str(path))
    for variable, name in ENVIRONMENT.items():
        if variable in environ:
            values[name] = _coerce(name, environ[variable], variable)
    for name, value in overrides.items():
        if name not in known:
            raise TypeError(f"unknown config override {name!r}")
        if value is not None:
            values[name] = _coerce(name, value, f"--{name.replace('_', '-')}")
    return Config(project_dir=project_dir, **values)
