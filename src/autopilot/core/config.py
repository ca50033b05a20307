"""Project configuration: ``.autopilot/config.yaml``, overridden by ``AUTOPILOT_*`` variables.

Precedence (highest first): command-line flags (applied by the CLI), environment variables,
``.autopilot/config.yaml``, built-in defaults. Every key is documented in docs/reference/config.md.
Each field of :class:`Config` is declared once: its type, its default and (in its metadata) the
environment variable that overrides it and the values it may take.
"""

from __future__ import annotations

import difflib
import functools
import os
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from autopilot.core.errors import ConfigError

__all__ = [
    "CONFIG_DIR",
    "CONFIG_FILE",
    "ENVIRONMENT",
    "Config",
    "default_agent",
    "find_project_dir",
    "load_config",
    "misspelt_variables",
    "read_config_file",
    "setting_sources",
]

CONFIG_DIR = ".autopilot"
CONFIG_FILE = "config.yaml"
#: The newest ``schema_version`` of config.yaml this autopilot reads (the key may be left out).
CONFIG_SCHEMA_VERSION = 1


@dataclass
class Config:
    """Resolved settings. Field names are the keys of ``.autopilot/config.yaml``."""

    #: Backend used when neither ``--agent`` nor a project/issue chooses one.
    agent: str = field(default="claude", metadata={"env": "AUTOPILOT_AGENT"})
    #: Model name or alias; None lets the backend choose its default.
    model: str | None = field(default=None, metadata={"env": "AUTOPILOT_MODEL"})
    #: Budget per run in USD, enforced by the runner; more than 0.
    max_budget_usd: float = field(default=5.0, metadata={"env": "AUTOPILOT_MAX_BUDGET", "positive": True})
    #: Model turns per run, more than 0; None means no limit beyond the budget.
    max_turns: int | None = field(default=None, metadata={"env": "AUTOPILOT_MAX_TURNS", "positive": True})
    #: Seconds without progress from the agent (any event but a retry notice or a tool's heartbeat)
    #: before the run is stopped (status ``timeout``).
    idle_timeout: float = field(default=900.0, metadata={"env": "AUTOPILOT_IDLE_TIMEOUT"})
    #: Seconds of wall time before the run is stopped (status ``timeout``).
    timeout: float = field(default=7200.0, metadata={"env": "AUTOPILOT_TIMEOUT"})
    #: Where trajectories go, relative to the repository root.
    output_dir: str = field(default="docs/logs", metadata={"env": "AUTOPILOT_OUTPUT_DIR"})
    #: Refuse to start a run when less than this much memory is available (MiB).
    min_free_memory_mb: int = field(default=512, metadata={"env": "AUTOPILOT_MIN_FREE_MEMORY_MB"})
    #: What to do with state changes and finished work: ``commit``, ``stage`` or ``off``.
    commit: str = field(
        default="commit", metadata={"env": "AUTOPILOT_COMMIT", "choices": ("commit", "stage", "off")}
    )
    #: With ``commit: commit``, which commits autopilot makes: ``per-issue`` (one per issue worked:
    #: the work, its trajectory and the issue's new state; other state changes are only staged) or
    #: ``per-change`` (one per state change: claim, run, completion, session, issue edits).
    commit_policy: str = field(
        default="per-issue",
        metadata={"env": "AUTOPILOT_COMMIT_POLICY", "choices": ("per-issue", "per-change")},
    )
    #: Per-plugin settings, ``plugins: {<plugin name>: {...}}``.
    plugins: dict[str, Any] = field(default_factory=dict)
    #: The repository (or directory) the configuration belongs to. Not read from the file.
    project_dir: Path = field(default_factory=Path.cwd)

    def plugin_config(self, name: str) -> dict[str, Any]:
        """Settings for plugin *name* (an empty dict when there are none)."""
        value = self.plugins.get(name) or {}
        return dict(value) if isinstance(value, Mapping) else {}

    def plugin_where(self, name: str) -> str:
        """How errors name plugin *name*'s settings: ``<config.yaml>: plugins.<name>`` when the file
        holds them, else ``plugins.<name>``."""
        if name in self.plugins:
            return f"{self.autopilot_dir / CONFIG_FILE}: plugins.{name}"
        return f"plugins.{name}"

    @property
    def autopilot_dir(self) -> Path:
        return self.project_dir / CONFIG_DIR


#: Environment variable -> the setting it overrides.
ENVIRONMENT: dict[str, str] = {f.metadata["env"]: f.name for f in fields(Config) if f.metadata.get("env")}


#: The prefix of every variable autopilot reads.
VARIABLE_PREFIX = "AUTOPILOT_"


def misspelt_variables(environ: Mapping[str, str], known: Iterable[str]) -> list[tuple[str, str]]:
    """``AUTOPILOT_*`` variables in *environ* that autopilot does not read (*known*) but whose names are
    close to one it does, each with that one: ``AUTOPILOT_BUGDET_USD`` -> ``AUTOPILOT_MAX_BUDGET``.

    A typo is otherwise ignored without a word. Names are compared without the prefix (every name
    shares it, so whole names all look alike), and a setting's variable is also found by its key
    (``AUTOPILOT_MAX_BUDGET_USD``). A variable close to none (a third-party plugin's own) is left alone.
    Costs a scan of *environ*'s names when every ``AUTOPILOT_*`` variable is known.
    """
    known = set(known)
    unknown = [name for name in environ if name.startswith(VARIABLE_PREFIX) and name not in known]
    if not unknown:
        return []
    size = len(VARIABLE_PREFIX)
    # What a name may be mistaken for (without the prefix) -> the variable to suggest.
    targets = {name[size:]: name for name in known if name.startswith(VARIABLE_PREFIX)}
    for variable, setting in ENVIRONMENT.items():
        targets.setdefault(setting.upper(), variable)
    found = []
    for name in sorted(unknown):
        close = difflib.get_close_matches(name[size:], sorted(targets), n=1, cutoff=0.6)
        if close:
            found.append((name, targets[close[0]]))
    return found


@functools.cache
def _settings() -> dict[str, tuple[Any, Any]]:
    """Each setting (every field but ``project_dir``) -> (its type, its field)."""
    hints = typing.get_type_hints(Config)
    return {f.name: (hints[f.name], f) for f in fields(Config) if f.name != "project_dir"}


def _convert(kind: Any, value: Any) -> Any:
    """*value* as type *kind* (``str``, ``float``, ``int``, ``dict[...]``, or one of them ``| None``)."""
    members = typing.get_args(kind) if isinstance(kind, types.UnionType) else (kind,)
    optional = type(None) in members
    base = next(member for member in members if member is not type(None))
    if value is None:
        if optional:
            return None
        raise ValueError("must not be empty")
    base = typing.get_origin(base) or base
    if base is dict:
        if not isinstance(value, Mapping):
            raise ValueError("must be a mapping")
        return dict(value)
    if base in (int, float):
        if optional and isinstance(value, str) and value.strip().lower() in ("", "none", "null"):
            return None  # an empty AUTOPILOT_MAX_TURNS means no limit
        if base is int and isinstance(value, float) and not value.is_integer():
            raise ValueError("must be a whole number")  # int() would silently drop the fraction
        try:
            number = base(value)
        except (TypeError, ValueError):
            raise ValueError("must be a number" if base is float else "must be a whole number") from None
        if number < 0:
            raise ValueError("must not be negative")
        return number
    if not optional and not str(value).strip():
        raise ValueError("must not be empty")  # `output_dir: ""` would put runs at the repository's root
    return str(value)


def _coerce(name: str, value: Any, source: str) -> Any:
    """*value* converted for setting *name*; a bad one raises ConfigError naming *source*."""
    kind, spec = _settings()[name]
    try:
        result = _convert(kind, value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{source}: {name}: {exc} (got {value!r})") from None
    if spec.metadata.get("positive") and result is not None and result <= 0:
        # A budget or turn limit of 0 would let the agent start and spend a turn; 0 is no "none" here.
        raise ConfigError(f"{source}: {name}: must be more than 0 (got {value!r})")
    choices = spec.metadata.get("choices")
    if choices and result not in choices:
        raise ConfigError(f"{source}: {name}: must be one of {', '.join(choices)} (got {result!r})")
    if name == "plugins":
        for plugin, settings in result.items():
            if settings is not None and not isinstance(settings, Mapping):
                # Otherwise `backend_codex: yes` would be dropped without a word.
                raise ConfigError(
                    f"{source}: plugins.{plugin}: must be a mapping of settings (got {settings!r})"
                )
    return result


def default_agent(agent: str | None, project: Mapping[str, Any] | None, config: Config) -> str:
    """The backend a run uses when no ``backend_select`` plugin decides: ``--agent``, then the
    project's ``agent``, then ``agent`` in the configuration (default ``claude``)."""
    if agent:
        return agent
    if project and project.get("agent"):
        return str(project["agent"])
    return config.agent or "claude"


def find_project_dir(start: Path | None = None) -> Path:
    """The nearest ancestor of *start* (default: the working directory) holding ``.autopilot/`` or a
    git repository, with symlinks resolved; *start* itself otherwise. Inside a bare repository it
    raises ConfigError."""
    start = Path(start or Path.cwd()).resolve()
    for candidate in (start, *start.parents):
        if (candidate / CONFIG_DIR).is_dir() or _holds_git_repository(candidate):
            return candidate
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            from autopilot.core.git import is_bare  # only where a git directory is likely

            if is_bare(candidate):
                # Its issues, sessions and trajectories would land among git's own files.
                raise ConfigError(
                    f"{candidate}: a bare git repository has no working tree; run autopilot in a clone of it"
                )
    return start


def _holds_git_repository(directory: Path) -> bool:
    """Whether *directory* is a git work tree's top: its ``.git`` is a repository (a ``HEAD`` inside)
    or a ``gitdir:`` file (worktrees, submodules). A stray empty ``.git`` directory, which git itself
    ignores, does not make a parent directory the project."""
    dot_git = directory / ".git"
    return dot_git.is_file() or (dot_git / "HEAD").is_file()


def read_config_file(path: Path) -> dict[str, Any]:
    """Read a config file into a plain dict; a malformed file raises ConfigError naming it."""
    from ruamel.yaml import YAML  # only a project with a config file pays for the YAML parser
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(Path(path).read_text(encoding="utf-8"))
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
    return dict(data)


def _check_schema_version(version: Any, path: Path) -> None:
    """A config written by a later autopilot (or a version that is no number) is refused, not half-read."""
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ConfigError(f"{path}: schema_version: must be a whole number from 1 (got {version!r})")
    if version > CONFIG_SCHEMA_VERSION:
        raise ConfigError(
            f"{path}: schema_version {version} is newer than this autopilot understands "
            f"({CONFIG_SCHEMA_VERSION}); it was written by a later version: upgrade git-autopilot"
        )


def setting_sources(config: Config, *, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Where each setting of *config* (loaded without flags) came from: its ``AUTOPILOT_*`` variable,
    the configuration file, or ``default``; the same precedence as :func:`load_config`."""
    environ = os.environ if environ is None else environ
    path = config.autopilot_dir / CONFIG_FILE
    in_file = read_config_file(path) if path.is_file() else {}
    variables = {name: variable for variable, name in ENVIRONMENT.items()}
    sources = {}
    for name in _settings():
        variable = variables.get(name)
        if variable is not None and variable in environ:
            sources[name] = variable
        elif name in in_file:
            sources[name] = str(path)
        else:
            sources[name] = "default"
    return sources


def load_config(
    project_dir: Path | None = None, *, environ: Mapping[str, str] | None = None, **overrides: Any
) -> Config:
    """Resolve the configuration for *project_dir* (found from the working directory by default).

    Keyword *overrides* with a value other than None win over everything (they come from CLI flags).
    Each value is checked and converted; a bad one raises ConfigError naming its file or variable.
    """
    environ = os.environ if environ is None else environ
    project_dir = find_project_dir(project_dir)
    settings = _settings()
    values: dict[str, Any] = {}
    path = project_dir / CONFIG_DIR / CONFIG_FILE
    misnamed = path.with_suffix(".yml")
    if misnamed.is_file():
        # Its settings (a budget, say) would be ignored without a word.
        raise ConfigError(
            f"{misnamed}: not read: the configuration file is {CONFIG_FILE}; rename (or merge) it"
        )
    if path.is_file():
        for key, value in read_config_file(path).items():
            if key == "schema_version":
                _check_schema_version(value, path)
                continue
            if key not in settings:
                close = difflib.get_close_matches(str(key), sorted(settings), n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise ConfigError(
                    f"{path}: unknown setting {key!r} ({hint}known: {', '.join(sorted(settings))})"
                )
            values[key] = _coerce(key, value, str(path))
    for variable, name in ENVIRONMENT.items():
        if variable in environ:
            values[name] = _coerce(name, environ[variable], variable)
    for name, value in overrides.items():
        if name not in settings:
            raise TypeError(f"unknown config override {name!r}")
        if value is not None:
            values[name] = _coerce(name, value, f"--{name.replace('_', '-')}")
    return Config(project_dir=project_dir, **values)
