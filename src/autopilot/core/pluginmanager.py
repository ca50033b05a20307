"""Build the plugin manager: built-ins, installed plugins, then project-local plugins.

Nothing happens at import time; call :func:`make_plugin_manager`. Load order (the plugin registered
last is called first, so later layers override earlier ones):

1. built-in plugins: entry points of the ``autopilot`` group that belong to the ``git-autopilot``
   distribution, registered exactly like third-party plugins;
2. installed third-party plugins (every other distribution's ``autopilot`` entry points);
3. project-local plugins, ``.autopilot/plugins/*.py``, but only those the user trusts;
4. ``check_pending()``, which rejects any ``@hookimpl`` that has no hookspec (usually a typo).

Project-local plugins are code that arrives with ``git clone``, so, like git with its hooks, autopilot
does not run them until the user says so: ``autopilot plugins trust`` records each file's sha256 in
``$AUTOPILOT_HOME/trusted-plugins.json`` (outside the repository, keyed by the file's absolute path).
A file that is not recorded, or whose content changed since, is not imported; it is listed in
:attr:`AutopilotPluginManager.untrusted` (the CLI prints one warning naming them).

A plugin that fails to load is recorded in :attr:`AutopilotPluginManager.load_errors` (the CLI prints a
warning naming it) and the rest keep working, unless *strict* (``AUTOPILOT_STRICT_PLUGINS=1``).
"""

from __future__ import annotations

import importlib
import json
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
from autopilot.core.errors import AutopilotError, BadInputError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

DISTRIBUTION: Final = "git-autopilot"
ENTRY_POINT_GROUP: Final = hookspecs.PROJECT_NAME

#: Plugins that can never be blocked. The redactor is what keeps secrets out of every written byte.
ESSENTIAL_PLUGINS: Final[Mapping[str, str]] = {"redact_secrets": "autopilot.plugins.redact"}

#: Where project-local plugins live, relative to the project directory.
LOCAL_PLUGINS_DIR: Final = Path(".autopilot") / "plugins"
#: The record of trusted project-local plugins, under ``$AUTOPILOT_HOME``.
TRUST_FILE: Final = "trusted-plugins.json"


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
        #: Project-local plugin files that were not imported because the user does not trust them.
        self.untrusted: list[Path] = []
        #: Plugins not loaded because they are disabled: (name, distribution, version).
        self.disabled: list[tuple[str, str | None, str | None]] = []
        #: Names the user disabled that no plugin has (a typo, or a plugin that is not installed).
        self.unknown_disabled: list[str] = []
        self.strict = strict
        # plugin name -> (distribution, version, source)
        self.origins: dict[str, tuple[str | None, str | None, str]] = {}
        #: Every plugin name installed or in the project, loaded or not (blocked, untrusted, failed).
        self.known_names: set[str] = set(ESSENTIAL_PLUGINS)
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

    def unknown_setting_names(self, names: Iterable[str]) -> list[tuple[str, str | None]]:
        """The names in *names* (keys of ``plugins:`` in the configuration) that no plugin has, each
        with the closest plugin name when one is close (``claude`` -> ``backend_claude``)."""
        known = self.known_names | {name for name, _ in self.list_name_plugin()}
        unknown = [name for name in names if name not in known]
        if not unknown:
            return []
        import difflib

        return [
            (name, next(iter(difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)), None))
            for name in unknown
        ]


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
    if isinstance(exc, NameTaken):
        error = str(exc)
    elif isinstance(exc, pluggy.PluginValidationError):
        error = _bad_arguments_message(pm, exc.plugin) or " ".join(str(exc).split())
    else:
        error = f"{type(exc).__name__}: {exc}"
    failure = LoadFailure(name, distribution, version, error, location)
    if pm.strict or name in ESSENTIAL_PLUGINS:
        raise AutopilotError(failure.message) from exc
    pm.load_errors.append(failure)


class NameTaken(Exception):
    """An entry point whose name another distribution's plugin already has."""

    def __init__(self, name: str, taken: tuple[str | None, str | None, str]) -> None:
        distribution, version, source = taken
        if source == "builtin":
            by, fix = f"the built-in plugin {name!r}", "rename the entry point"
        else:
            by = f"the plugin from distribution {distribution} {version}"
            fix = "rename one of the entry points"
        super().__init__(f"its name is taken by {by} ({fix})")


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


# ------------------------------------------------------------------------------------------------
# Trust in project-local plugins


def local_plugin_files(project_dir: Path) -> list[Path]:
    """The project-local plugin files of *project_dir* (``.autopilot/plugins/*.py``), sorted."""
    return sorted((project_dir / LOCAL_PLUGINS_DIR).glob("*.py"))


def trust_file(environ: Mapping[str, str] | None = None) -> Path:
    """``$AUTOPILOT_HOME/trusted-plugins.json``: {absolute path: sha256 of the trusted content}."""
    from autopilot.core.processes import autopilot_home

    return autopilot_home(environ) / TRUST_FILE


def trusted_files(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every trusted file's absolute path and the sha256 it was trusted with (none when unreadable)."""
    try:
        data = json.loads(trust_file(environ).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(path): str(digest) for path, digest in data.items()} if isinstance(data, dict) else {}


def _key(path: Path) -> str:
    return str(path.expanduser().resolve())


def _sha256(content: bytes) -> str:
    import hashlib  # only projects with local plugins pay for loading OpenSSL (~3 ms)

    return hashlib.sha256(content).hexdigest()


def is_trusted(path: Path, trusted: Mapping[str, str], content: bytes | None = None) -> bool:
    """Whether *path* (holding *content*, read from the file when not given) is trusted as it is now."""
    try:
        content = path.read_bytes() if content is None else content
    except OSError:
        return False
    return trusted.get(_key(path)) == _sha256(content)


def _save_trusted(trusted: Mapping[str, str], environ: Mapping[str, str] | None) -> None:
    from autopilot.core.trajectory.files import atomic_write_text

    path = trust_file(environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(dict(sorted(trusted.items())), indent=2) + "\n")


def trust_plugins(paths: Iterable[Path], *, environ: Mapping[str, str] | None = None) -> dict[Path, str]:
    """Trust *paths* as they are now; returns each file's sha256. A missing file, or one autopilot would
    never load (not a ``.autopilot/plugins/*.py``), is bad input, and nothing is trusted."""
    trusted = trusted_files(environ)
    recorded: dict[Path, str] = {}
    for path in paths:
        try:
            digest = _sha256(path.read_bytes())
        except OSError as exc:
            raise BadInputError(f"{path}: cannot read it: {exc.strerror or exc}") from None
        if path.suffix != ".py" or Path(_key(path)).parent.parts[-2:] != LOCAL_PLUGINS_DIR.parts:
            raise BadInputError(
                f"{path}: not a project plugin (autopilot loads only {LOCAL_PLUGINS_DIR}/*.py)"
            )
        trusted[_key(path)] = recorded[path] = digest
    _save_trusted(trusted, environ)
    return recorded


def untrust_plugins(paths: Iterable[Path], *, environ: Mapping[str, str] | None = None) -> list[Path]:
    """Forget *paths*; returns those that were trusted."""
    trusted = trusted_files(environ)
    forgotten = [path for path in paths if trusted.pop(_key(path), None) is not None]
    if forgotten:
        _save_trusted(trusted, environ)
    return forgotten


def _load_local(pm: AutopilotPluginManager, files: list[Path], environ: Mapping[str, str]) -> None:
    trusted = trusted_files(environ)
    for path in files:
        name = f"local:{path.stem}"
        pm.known_names.update((name, path.stem))
        if pm.is_blocked(name) or pm.is_blocked(path.stem):
            pm.disabled.append((name, None, None))
            continue
        module_name = f"autopilot_local_plugins.{path.stem}"
        try:
            # The content checked is the content run: read once, so the file cannot change in between.
            content = path.read_bytes()
            if not is_trusted(path, trusted, content):
                pm.untrusted.append(path)
                continue
            module = ModuleType(module_name)
            module.__file__ = str(path)
            sys.modules[module_name] = module
            exec(compile(content, str(path), "exec", dont_inherit=True), module.__dict__)
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
        load_local: Load the trusted ``.autopilot/plugins/*.py`` (the others are listed in
            :attr:`AutopilotPluginManager.untrusted`).
        blocked: Plugin names never to register (plus ``AUTOPILOT_DISABLE_PLUGINS``).
        allowed: If given, only these non-essential plugins load (plus ``AUTOPILOT_LOAD_PLUGINS``).
        strict: Re-raise plugin load failures (default: ``AUTOPILOT_STRICT_PLUGINS=1``).
        extra_plugins: ``(name, plugin)`` pairs registered after everything else (tests, embedding).
        environ: The environment to read (``os.environ`` by default; ``AUTOPILOT_HOME`` says where the
            trusted plugins are recorded).

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
            pm.known_names.add(ep.name)
            if allow is not None and ep.name not in allow and ep.name not in ESSENTIAL_PLUGINS:
                continue
            if pm.is_blocked(ep.name):
                pm.disabled.append((ep.name, distribution, version))
                continue
            if pm.has_plugin(ep.name):
                taken = pm.origins.get(ep.name)
                if taken is not None and taken[0] != distribution:  # not the same one listed twice
                    _fail(pm, ep.name, distribution, version, NameTaken(ep.name, taken))
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

    if load_local and (allow is None or "local" in allow):
        files = local_plugin_files(project_dir or Path.cwd())
        if files:
            _load_local(pm, files, environ)

    for name, plugin in extra_plugins:
        _register(pm, plugin, name, (None, None, "extra"))

    if load_entrypoints:
        known = {name for name, plugin in pm.list_name_plugin() if plugin is not None}
        known |= {name for name, _, _ in pm.disabled}
        known |= {failure.name for failure in pm.load_errors} | {f"local:{p.stem}" for p in pm.untrusted}
        known |= {name.removeprefix("local:") for name in known}
        pm.unknown_disabled = sorted(blocked_names - known)
    _check_pending(pm)
    return pm


def _check_pending(pm: AutopilotPluginManager) -> None:
    """Reject hook implementations without a spec; an offending local plugin is dropped with a warning."""
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) or "?"
        distribution, version, source = pm.origins.get(name, (None, None, "local"))
        error = _unknown_hooks_message(pm, exc.plugin) or str(exc)
        location = getattr(exc.plugin, "__file__", None) if source == "local" else None
        failure = LoadFailure(name, distribution, version, error, location)
        if pm.strict or source == "builtin" or name in ESSENTIAL_PLUGINS:
            raise AutopilotError(failure.message) from exc  # where it comes from, as the warning says
        pm.unregister(exc.plugin)
        pm.load_errors.append(failure)
        _check_pending(pm)


def _unknown_hooks_message(pm: AutopilotPluginManager, plugin: object) -> str | None:
    """What ``check_pending`` found in *plugin*, in words: each ``@hookimpl`` that is not a hook, with
    the hook it was probably meant to be (pluggy names the plugin by its repr and suggests nothing)."""
    import difflib

    specs = sorted(name for name, caller in vars(pm.hook).items() if caller.has_spec())
    unknown = sorted(caller.name for caller in pm.get_hookcallers(plugin) or () if not caller.has_spec())
    if not unknown:
        return None
    parts = []
    for hook in unknown:
        close = difflib.get_close_matches(hook, specs, n=1)
        parts.append(f"{hook!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    return (
        f"@hookimpl {', '.join(parts)} {'is not a hook' if len(unknown) == 1 else 'are not hooks'}; "
        "the hooks are listed in docs/plugins/hooks.md"
    )


def _bad_arguments_message(pm: AutopilotPluginManager, plugin: object) -> str | None:
    """Each ``@hookimpl`` of *plugin* that takes an argument its hook does not offer, in one line (pluggy
    says it over three, naming the arguments as a set)."""
    import inspect

    parts = []
    for attribute in dir(plugin):
        function = getattr(plugin, attribute, None)
        options = getattr(function, f"{hookspecs.PROJECT_NAME}_impl", None)
        caller = getattr(pm.hook, (options or {}).get("specname") or attribute, None)
        if not callable(function) or options is None or caller is None or caller.spec is None:
            continue
        arguments = list(inspect.signature(function).parameters)
        offered = caller.spec.argnames
        extra = [argument for argument in arguments if argument not in offered]
        if extra:
            parts.append(
                f"{attribute}({', '.join(arguments)}): {', '.join(map(repr, extra))} "
                f"{'is not an argument' if len(extra) == 1 else 'are not arguments'} of the hook "
                f"{caller.name} (it offers {', '.join(offered)})"
            )
    return "; ".join(parts) or None


def _version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # running from a source tree without installed metadata
        return None
