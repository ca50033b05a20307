"""The configuration's values, read without building :class:`~autopilot.core.config.Config`.

This is the part of ``autopilot.core.config`` that the early start of a run needs (see
``autopilot.cli.prelaunch``): find the project, read ``.autopilot/config.yaml`` (through its parsed
cache), apply ``AUTOPILOT_*`` variables, check and convert each value. It imports only ``os`` and
``marshal`` (no ``dataclasses``, ``pathlib`` or ``typing``), because it runs before the agent has
started. ``load_config`` builds its :class:`~autopilot.core.config.Config` from :func:`resolve_values`,
so both read the same values and report the same errors.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, ClassVar

CONFIG_DIR = ".autopilot"
CONFIG_FILE = "config.yaml"

#: Each setting -> (its type as ``Config`` annotates it, its default). ``Config``'s fields match
#: these (tested); ``project_dir`` is not a setting.
FIELDS: dict[str, tuple[str, Any]] = {
    "agent": ("str", "claude"),
    "model": ("str | None", None),
    "max_budget_usd": ("float", 5.0),
    "max_turns": ("int | None", None),
    "idle_timeout": ("float", 900.0),
    "timeout": ("float", 7200.0),
    "output_dir": ("str", "docs/logs"),
    "min_free_memory_mb": ("int", 512),
    "commit": ("str", "commit"),
    "plugins": ("dict[str, Any]", {}),  # a new empty dict each time (see setting)
}

# environment variable -> setting
ENVIRONMENT = {
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

CHOICES = {"commit": ("commit", "stage", "off")}


def _config_error(message: str) -> Exception:
    from autopilot.core.errors import ConfigError  # deferred: errors imports enum

    return ConfigError(message)


def find_project_root(start: str | None = None) -> str:
    """The nearest ancestor of *start* (default: the working directory) holding ``.autopilot/`` or
    ``.git``, as an absolute path with symlinks resolved; *start* itself otherwise."""
    start = os.path.realpath(start or os.getcwd())
    candidate = start
    while True:
        if os.path.isdir(os.path.join(candidate, CONFIG_DIR)) or os.path.exists(
            os.path.join(candidate, ".git")
        ):
            return candidate
        parent = os.path.dirname(candidate)
        if parent == candidate:
            return start
        candidate = parent


def coerce(name: str, value: Any, source: str) -> Any:
    """Convert *value* to the type of setting *name*, or raise ConfigError naming *source*."""
    kind = FIELDS[name][0]
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
            if not is_mapping(value):
                raise ValueError("must be a mapping")
            result = dict(value)
        else:
            result = str(value)
    except (TypeError, ValueError) as exc:
        raise _config_error(f"{source}: {name}: {exc} (got {value!r})") from None
    if name in CHOICES and result not in CHOICES[name]:
        raise _config_error(f"{source}: {name}: must be one of {', '.join(CHOICES[name])} (got {result!r})")
    return result


def is_mapping(value: Any) -> bool:
    """``isinstance(value, collections.abc.Mapping)``, importing ``collections.abc`` (2 ms before
    the agent starts) only for values that are not dicts."""
    if isinstance(value, dict):
        return True
    if value is None or isinstance(value, str | bytes | int | float | list | tuple):
        return False
    from collections.abc import Mapping

    return isinstance(value, Mapping)


class FrozenSettings:
    """Base of a plugin's validated settings: immutable, compared by value, listed in ``DEFAULTS``.

    A light stand-in for a frozen dataclass: settings are built before the agent starts, when
    importing ``dataclasses`` (about 10 ms) would delay it. A subclass sets ``DEFAULTS`` (name ->
    default) and ``__slots__ = tuple(DEFAULTS)``; its constructor takes the settings as keywords.
    """

    __slots__ = ()
    DEFAULTS: ClassVar[dict[str, Any]] = {}

    def __init__(self, **values: Any) -> None:
        unknown = sorted(set(values) - set(self.DEFAULTS))
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown setting {unknown[0]!r}")
        for name, default in self.DEFAULTS.items():
            value = values[name] if name in values else _fresh(default)
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (cannot set {name!r})")

    def as_dict(self) -> dict[str, Any]:
        """The settings as a mapping of name to value."""
        return {name: getattr(self, name) for name in self.DEFAULTS}

    def __reduce__(self) -> tuple[Any, ...]:
        # copy, deepcopy and pickle rebuild through the constructor (__setattr__ refuses them).
        return (_rebuild_settings, (type(self), self.as_dict()))

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.as_dict() == other.as_dict()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(tuple(self.as_dict().values()))

    def __repr__(self) -> str:
        changed = ", ".join(f"{k}={v!r}" for k, v in self.as_dict().items() if v != self.DEFAULTS[k])
        return f"{type(self).__name__}({changed})"


def read_config_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a config file into a plain dict; a malformed file raises ConfigError naming it.

    The parsed settings are cached in ``.autopilot/.cache/config.marshal`` (never committed), keyed by
    the file's path, size, mtime and inode, so commands do not import the YAML parser on every start.
    """
    path = os.fspath(path)
    cached = _cached_config(path)
    if cached is not None:
        return cached
    from ruamel.yaml import YAML  # deferred: only a project with a config file pays for it
    from ruamel.yaml.error import YAMLError

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        data = YAML(typ="safe").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _config_error(f"{path}{where}: not valid YAML: {problem}") from None
    except OSError as exc:
        raise _config_error(f"{path}: cannot read: {exc.strerror}") from None
    if data is None:
        return {}
    if not is_mapping(data):
        raise _config_error(f"{path}: must be a mapping of settings, not {type(data).__name__}")
    data = dict(data)
    _cache_config(path, data)
    return data


def _config_cache_key(path: str) -> tuple[str, int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (os.path.realpath(path), info.st_size, info.st_mtime_ns, info.st_ino)


def _cache_file(path: str) -> str:
    return os.path.join(os.path.dirname(path), ".cache", "config.marshal")


def _cached_config(path: str) -> dict[str, Any] | None:
    import marshal

    key = _config_cache_key(path)
    try:
        with open(_cache_file(path), "rb") as handle:
            stored_key, data = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return data if key is not None and tuple(stored_key) == key and isinstance(data, dict) else None


def _cache_config(path: str, data: dict[str, Any]) -> None:
    """Best effort: a cache that cannot be written (read-only checkout, odd values) is skipped."""
    import marshal

    key = _config_cache_key(path)
    if key is None:
        return
    target = _cache_file(path)
    cache = os.path.dirname(target)
    try:
        blob = marshal.dumps((key, data))
        if not os.path.isdir(cache):
            os.makedirs(cache, exist_ok=True)
            with open(os.path.join(cache, ".gitignore"), "w", encoding="utf-8") as handle:
                handle.write("*\n")
        temporary = f"{target}.{os.getpid()}"
        with open(temporary, "wb") as handle:
            handle.write(blob)
        os.replace(temporary, target)
    except (OSError, ValueError):
        return


def _fresh(default: Any) -> Any:
    """A default as a new object when it is a mutable container (no instance shares another's)."""
    return type(default)(default) if isinstance(default, dict | list | set) else default


def _rebuild_settings(cls: type[FrozenSettings], values: dict[str, Any]) -> FrozenSettings:
    return cls(**values)


def resolve_values(
    project_dir: str, environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The settings given for the project at *project_dir* (defaults left out): its config file,
    overridden by ``AUTOPILOT_*`` variables, overridden by the *overrides* that are not None (flags).

    Each value is checked and converted; a bad one raises ConfigError naming its file or variable.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = os.path.join(project_dir, CONFIG_DIR, CONFIG_FILE)
    if os.path.isfile(path):
        for key, value in read_config_file(path).items():
            if key == "schema_version":
                continue
            if key not in FIELDS:
                known = ", ".join(sorted(FIELDS))
                raise _config_error(f"{path}: unknown setting {key!r} (known: {known})")
            values[key] = coerce(key, value, path)
    for variable, name in ENVIRONMENT.items():
        if variable in environ:
            values[name] = coerce(name, environ[variable], variable)
    for name, value in (overrides or {}).items():
        if name not in FIELDS:
            raise TypeError(f"unknown config override {name!r}")
        if value is not None:
            values[name] = coerce(name, value, f"--{name.replace('_', '-')}")
    return values


def setting(values: Mapping[str, Any], name: str) -> Any:
    """Setting *name* from :func:`resolve_values`'s *values*, or its default."""
    return values[name] if name in values else _fresh(FIELDS[name][1])


def plugin_settings(values: Mapping[str, Any], name: str) -> dict[str, Any]:
    """Settings for plugin *name* (an empty dict when there are none), as ``Config.plugin_config``."""
    value = setting(values, "plugins").get(name) or {}
    return dict(value) if is_mapping(value) else {}


def default_agent(agent: str | None, project: Mapping[str, Any] | None, configured: str | None) -> str:
    """The backend a run uses when no ``backend_select`` plugin decides: ``--agent``, then the
    project's ``agent``, then *configured* (``agent`` in the configuration; default ``claude``)."""
    if agent:
        return agent
    if project and project.get("agent"):
        return str(project["agent"])
    return configured or "claude"
