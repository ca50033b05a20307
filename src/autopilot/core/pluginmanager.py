"""Build the plugin manager: built-ins, installed plugins, then project-local plugins.

Nothing happens at import time; call :func:`make_plugin_manager`. Load order (the plugin registered
last is called first, so later layers override earlier ones):

1. built-in plugins: entry points of the ``autopilot`` group that belong to the ``git-autopilot``
   distribution, registered exactly like third-party plugins;
2. installed third-party plugins (every other distribution's ``autopilot`` entry points);
3. project-local plugins, ``.autopilot/plugins/*.py``;
4. ``check_pending()``, which rejects any ``@hookimpl`` that has no hookspec (usually a typo).

A plugin that fails to load is recorded in :attr:`AutopilotPluginManager.load_errors` (the CLI prints a
warning naming it) and the rest keep working, unless *strict* (``AUTOPILOT_STRICT_PLUGINS=1``).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Final

import pluggy

from autopilot.core import hookspecs
from autopilot.core.errors import AutopilotError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

DISTRIBUTION: Final = "git-autopilot"
ENTRY_POINT_GROUP: Final = hookspecs.PROJECT_NAME

#: Plugins that can never be blocked. The redactor is what keeps secrets out of every written byte.
ESSENTIAL_PLUGINS: Final[Mapping[str, str]] = {"redact_secrets": "autopilot.plugins.redact"}


@dataclass(frozen=True)
class PluginInfo:
    """What ``autopilot plugins`` shows for one registered plugin."""

    name: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]
    source: str  # builtin | installed | local


@dataclass
class LoadFailure:
    """A plugin that could not be loaded; the message names it and its distribution."""

    name: str
    distribution: str | None
    version: str | None
    error: str
    location: str | None = None  # the file of a project-local plugin

    @property
    def message(self) -> str:
        if self.distribution:
            where = f" from distribution {self.distribution} {self.version}"
        elif self.location:
            where = f" ({self.location})"
        else:
            where = ""
        return f"plugin {self.name!r}{where} failed to load: {self.error}"


class AutopilotPluginManager(pluggy.PluginManager):
    """A pluggy manager that remembers where each plugin came from and what failed to load."""

    def __init__(self, *, strict: bool = False) -> None:
        super().__init__(hookspecs.PROJECT_NAME)
        self.load_errors: list[LoadFailure] = []
        self.strict = strict
        # plugin name -> (distribution, version, source)
        self.origins: dict[str, tuple[str | None, str | None, str]] = {}
        self.add_hookspecs(hookspecs)

    def plugin_infos(self) -> list[PluginInfo]:
        """Every registered plugin with its distribution, version and implemented hooks."""
        infos = []
        for name, plugin in self.list_name_plugin():
            if plugin is None:
                continue
            hooks = tuple(sorted(caller.name for caller in self.get_hookcallers(plugin) or ()))
            distribution, version, source = self.origins.get(name, (None, None, "local"))
            infos.append(PluginInfo(name, distribution, version, hooks, source))
        return infos


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _fail(
    pm: AutopilotPluginManager,
    name: str,
    distribution: str | None,
    version: str | None,
    exc: BaseException,
    location: str | None = None,
) -> None:
    failure = LoadFailure(name, distribution, version, f"{type(exc).__name__}: {exc}", location)
    if pm.strict or name in ESSENTIAL_PLUGINS:
        raise AutopilotError(failure.message) from exc
    pm.load_errors.append(failure)


def _register(
    pm: AutopilotPluginManager,
    module: ModuleType | object,
    name: str,
    origin: tuple[str | None, str | None, str],
) -> None:
    if pm.is_blocked(name) or pm.has_plugin(name):
        return
    pm.register(module, name=name)
    pm.origins[name] = origin


def _entry_points() -> list[tuple[EntryPoint, str | None, str | None]]:
    """(entry point, distribution name, version) of every plugin, in load order."""
    from importlib.metadata import entry_points

    found = []
    # Each ``dist.name``/``dist.version`` parses the distribution's METADATA again: read it once per
    # distribution (the entry points of one distribution share its object).
    names: dict[int, tuple[str | None, str | None]] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.dist is not None and id(ep.dist) not in names:
            meta = ep.dist.metadata
            names[id(ep.dist)] = (meta["Name"], meta["Version"])
        found.append((ep, *names.get(id(ep.dist), (None, None))))
    # Built-ins first, then others by distribution and name, so the load order is deterministic.
    return sorted(found, key=lambda item: (not _is_ours(item[1]), item[1] or "", item[0].name))


def _is_ours(distribution: str | None) -> bool:
    """Whether *distribution* is git-autopilot (names compare normalised, as in PEP 503)."""
    return re.sub(r"[-_.]+", "-", distribution or "").lower() == DISTRIBUTION


def _load_local(pm: AutopilotPluginManager, plugins_dir: Path) -> None:
    for path in sorted(plugins_dir.glob("*.py")):
        name = f"local:{path.stem}"
        if pm.is_blocked(name) or pm.is_blocked(path.stem):
            continue
        module_name = f"autopilot_local_plugins.{path.stem}"
        try:
            spec = importlib.util.spec_from_file_location(module_name, path)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot import {path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            spec.loader.exec_module(module)
            _register(pm, module, name, (None, None, "local"))
        except Exception as exc:
            sys.modules.pop(module_name, None)
            _fail(pm, name, None, None, exc, location=str(path))


def make_plugin_manager(
    *,
    project_dir: Path | None = None,
    load_entrypoints: bool = True,
    load_local: bool = True,
    blocked: Iterable[str] = (),
    allowed: Iterable[str] | None = None,
    strict: bool | None = None,
    extra_plugins: Iterable[tuple[str, object]] = (),
    environ: Mapping[str, str] | None = None,
) -> AutopilotPluginManager:
    """Create a plugin manager with every plugin loaded.

    Args:
        project_dir: Where ``.autopilot/plugins/`` is looked for (the working directory by default).
        load_entrypoints: Load installed plugins (built-ins included). Tests may turn this off.
        load_local: Load ``.autopilot/plugins/*.py``.
        blocked: Plugin names never to register (plus ``AUTOPILOT_DISABLE_PLUGINS``).
        allowed: If given, only these non-essential plugins load (plus ``AUTOPILOT_LOAD_PLUGINS``).
        strict: Re-raise plugin load failures (default: ``AUTOPILOT_STRICT_PLUGINS=1``).
        extra_plugins: ``(name, plugin)`` pairs registered after everything else (tests, embedding).
        environ: The environment to read (``os.environ`` by default).

    Raises:
        AutopilotError: when an essential plugin is blocked or cannot load, or in strict mode.
    """
    environ = os.environ if environ is None else environ
    if strict is None:
        strict = environ.get("AUTOPILOT_STRICT_PLUGINS", "") not in ("", "0", "false", "no")
    pm = AutopilotPluginManager(strict=strict)

    blocked_names = set(blocked) | set(_split(environ.get("AUTOPILOT_DISABLE_PLUGINS")))
    refused = sorted(blocked_names & set(ESSENTIAL_PLUGINS))
    if refused:
        raise AutopilotError(
            f"plugin {refused[0]!r} is essential and cannot be disabled "
            "(it keeps secrets out of everything autopilot writes)"
        )
    allow: set[str] | None = set(allowed) if allowed is not None else None
    if "AUTOPILOT_LOAD_PLUGINS" in environ:
        allow = (allow or set()) | set(_split(environ["AUTOPILOT_LOAD_PLUGINS"]))
    for name in blocked_names:
        pm.set_blocked(name)

    if load_entrypoints:
        for ep, distribution, version in _entry_points():
            source = "builtin" if _is_ours(distribution) else "installed"
            if allow is not None and ep.name not in allow and ep.name not in ESSENTIAL_PLUGINS:
                continue
            if pm.is_blocked(ep.name) or pm.has_plugin(ep.name):
                continue
            try:
                _register(pm, ep.load(), ep.name, (distribution, version, source))
            except Exception as exc:
                _fail(pm, ep.name, distribution, version, exc)

    # The essential plugins are registered even when entry points are off or missing (for example
    # when running from a source tree without installed metadata): the redactor must always be there.
    for name, dotted in ESSENTIAL_PLUGINS.items():
        if not pm.has_plugin(name):
            try:
                _register(pm, importlib.import_module(dotted), name, (DISTRIBUTION, _version(), "builtin"))
            except Exception as exc:
                _fail(pm, name, DISTRIBUTION, _version(), exc)

    if load_local:
        plugins_dir = (project_dir or Path.cwd()) / ".autopilot" / "plugins"
        if plugins_dir.is_dir() and (allow is None or "local" in allow):
            _load_local(pm, plugins_dir)

    for name, plugin in extra_plugins:
        _register(pm, plugin, name, (None, None, "extra"))

    _check_pending(pm)
    return pm


def _check_pending(pm: AutopilotPluginManager) -> None:
    """Reject hook implementations without a spec; an offending local plugin is dropped with a warning."""
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) or "?"
        distribution, version, source = pm.origins.get(name, (None, None, "local"))
        if pm.strict or source == "builtin" or name in ESSENTIAL_PLUGINS:
            raise AutopilotError(f"plugin {name!r}: {exc}") from exc
        pm.unregister(exc.plugin)
        pm.load_errors.append(LoadFailure(name, distribution, version, str(exc)))
        _check_pending(pm)


def _version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # running from a source tree without installed metadata
        return None
