"""Process-wide state of one CLI invocation: global flags, plugin manager, hooks, config, output.

Everything the CLI prints goes through :func:`stdout_console` / :func:`error`, whose streams pass the
``redact`` chain line by line, so no secret reaches the terminal either.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from autopilot.core.config import CONFIG_FILE, ENVIRONMENT, Config, load_config, misspelt_variables
from autopilot.core.hooks import Hooks
from autopilot.core.pluginmanager import AutopilotPluginManager, make_plugin_manager


@dataclass
class _Options:
    debug: bool = False
    strict_plugins: bool = False
    disabled: tuple[str, ...] = ()
    quiet: bool = False
    pm: AutopilotPluginManager | None = None
    hooks: Hooks | None = None
    warned: set[str] = field(default_factory=set)


_options = _Options()


def configure(*, debug: bool, strict_plugins: bool, disabled: tuple[str, ...]) -> None:
    """Apply the global flags; rebuilds the plugin manager if they change what loads."""
    changed = (strict_plugins, disabled) != (_options.strict_plugins, _options.disabled)
    _options.debug, _options.strict_plugins, _options.disabled = debug, strict_plugins, disabled
    if changed:
        _options.pm = _options.hooks = None


def reset() -> None:
    """Forget the plugin manager and flags (tests call this between invocations)."""
    global _options
    _options = _Options()


def project_dir() -> Path:
    """The project the working directory is in: the top of its repository (or the nearest directory
    with ``.autopilot/``), as the configuration finds it; the working directory where there is none."""
    from autopilot.core.config import find_project_dir
    from autopilot.core.errors import ConfigError

    try:
        return find_project_dir()
    except ConfigError:  # a bare repository: the command that needs a project says so
        return Path.cwd()


def plugin_manager() -> AutopilotPluginManager:
    if _options.pm is None:
        _options.pm = make_plugin_manager(
            # Its .autopilot/plugins/ even from a subdirectory: a guard must not depend on where you stand.
            project_dir=project_dir(),
            blocked=(*_options.disabled, "console") if _options.quiet else _options.disabled,
            strict=_options.strict_plugins or None,
        )
        for failure in _options.pm.load_errors:
            warning(failure.message)
        if _options.pm.unknown_disabled:
            names = ", ".join(repr(name) for name in _options.pm.unknown_disabled)
            warning(f"no plugin is named {names}, which is disabled (`autopilot plugins` lists the names)")
    return _options.pm


def warn_untrusted(command: str | None) -> None:
    """The one warning naming the project plugins that were not loaded, before *command* runs; not for
    ``plugins``, which lists them itself (and whose ``trust`` is what the warning asks for)."""
    pm = plugin_manager()
    if pm.untrusted and command != "plugins":
        warning(untrusted_message(pm.untrusted))


def shown_path(path: Path) -> str:
    """*path* relative to the working directory when it is inside it, else as it is."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def untrusted_message(files: Sequence[Path]) -> str:
    """The one warning line about project-local plugins that were not loaded; a file trusted before
    (with other content: a pull, an edit) says so, or the user wonders why it stopped running."""
    from autopilot.core.pluginmanager import trusted_files

    before = trusted_files()
    names = ", ".join(
        shown_path(path) + (" (changed since it was trusted)" if str(path.resolve()) in before else "")
        for path in files
    )
    many = len(files) > 1
    return (
        f"not loading untrusted project plugin{'s' if many else ''} {names} "
        f"(read {'them' if many else 'it'}, then `autopilot plugins trust`)"
    )


#: Every ``AUTOPILOT_*`` variable autopilot and its built-in plugins read, besides the settings' own
#: (``ENVIRONMENT``); docs/reference/config.md lists them all.
VARIABLES: tuple[str, ...] = (
    *ENVIRONMENT,
    "AUTOPILOT_HOME",
    "AUTOPILOT_DEBUG",
    "AUTOPILOT_STRICT_PLUGINS",
    "AUTOPILOT_DISABLE_PLUGINS",
    "AUTOPILOT_LOAD_PLUGINS",
    "AUTOPILOT_PRICE_TABLE",
    "AUTOPILOT_FSYNC",
    "AUTOPILOT_CODEX_BIN",
    "AUTOPILOT_OTLP_ENDPOINT",
    "AUTOPILOT_OTLP_FILE",
    "AUTOPILOT_OTLP_CAPTURE_CONTENT",
)


def check_environment(environ: Mapping[str, str] | None = None) -> None:
    """A ``warning:`` (once) for each ``AUTOPILOT_*`` variable that is set but read by nothing, naming
    the variable it is close to: a typo such as ``AUTOPILOT_BUGDET_USD`` would be ignored silently."""
    for name, close in misspelt_variables(os.environ if environ is None else environ, VARIABLES):
        warning(
            f"{name} is set, but autopilot reads no such variable, so it is ignored (did you mean {close}?)"
        )


def quiet() -> None:
    """No live progress (``--json``, ``--quiet``): the console plugin is not loaded, or is unloaded."""
    _options.quiet = True
    if _options.pm is not None:
        _options.pm.set_blocked("console")


def hooks() -> Hooks:
    if _options.hooks is None:
        _options.hooks = Hooks(plugin_manager())
    return _options.hooks


def config(**overrides: Any) -> Config:
    loaded = load_config(Path.cwd(), **overrides)
    if loaded.plugins:
        # Settings under `plugins.<name>` that no plugin has would silently do nothing: one warning each
        # (printed once), from the commands that read the configuration.
        path = shown_path(loaded.autopilot_dir / CONFIG_FILE)
        for name, close in plugin_manager().unknown_setting_names(loaded.plugins):
            hint = f" (did you mean {close}?)" if close else " (see `autopilot plugins`)"
            warning(
                f"{path}: plugins.{name}: no plugin is named {name!r}, so these settings are unused{hint}"
            )
    return loaded


def flush_hook_warnings() -> None:
    """Print warnings collected from observe hooks (plugins that raised), once each."""
    if _options.hooks is None:
        return
    for message in _options.hooks.warnings:
        warning(message)
    _options.hooks.warnings.clear()


def register_plugin_commands(app: Any, tokens: Sequence[str]) -> None:
    """Let plugins add commands (skipped for ``--help``/``--version`` speed only if no plugin does)."""
    if "--strict-plugins" in tokens:
        _options.strict_plugins = True
    if "--disable-plugin" in tokens:
        index = list(tokens).index("--disable-plugin")
        if index + 1 < len(tokens):
            _options.disabled = (*_options.disabled, tokens[index + 1])
    hooks().command_register(app)


# ------------------------------------------------------------------------------------------------
# Output


class RedactingStream:
    """A text stream that redacts whole lines before passing them on (fails closed on errors)."""

    def __init__(self, target: IO[str], redact: Callable[[str], str]) -> None:
        self.target = target
        self.redact = redact
        self._buffer = ""

    def write(self, text: str) -> int:
        self._buffer += text
        if "\n" in self._buffer:
            complete, _, self._buffer = self._buffer.rpartition("\n")
            self.target.write(self.redact(complete + "\n"))
        return len(text)

    def flush(self) -> None:
        if self._buffer:
            self.target.write(self.redact(self._buffer))
            self._buffer = ""
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self.target, "encoding", "utf-8")


def _safe_hooks() -> Hooks:
    """The full hook chain, or, if plugins cannot even load, the essential redactor alone."""
    try:
        return hooks()
    except Exception:
        return Hooks(make_plugin_manager(load_entrypoints=False, load_local=False, environ={}))


def _redactor() -> Callable[[str], str]:
    h = _safe_hooks()
    return lambda text: h.redact(text=text)


def stdout_stream() -> RedactingStream:
    return RedactingStream(sys.stdout, _redactor())


def stdout_console(**kwargs: Any) -> Any:
    """A rich console on redacted stdout (plain when piped).

    Piped output is read by scripts and by people in wide viewers, so tables are not wrapped at 80
    columns there: the console is 200 wide unless *kwargs* give a width.
    """
    from rich.console import Console

    if not sys.stdout.isatty():
        kwargs.setdefault("width", 200)
    return Console(file=stdout_stream(), highlight=False, soft_wrap=False, **kwargs)


def echo(text: str = "", *, err: bool = False) -> None:
    """Print one redacted line to stdout (or stderr).

    Raises:
        RedactionError: the ``redact`` chain failed; only a line saying that output was withheld is
            printed, never the text.
    """
    target = sys.stderr if err else sys.stdout
    try:
        redacted = _safe_hooks().redact(text=text)
    except Exception:
        # Never print unredacted text: say only that something was withheld, and fail the command.
        target.write("[output withheld: the redactor failed]\n")
        target.flush()
        raise
    target.write(redacted + "\n")
    target.flush()


def echo_essential(text: str, *, err: bool = False) -> None:
    """Print a line redacted by the essential redactor alone: for what is said when the ``redact``
    chain failed (built from plugin and hook names, never from the text being redacted)."""
    essential = Hooks(make_plugin_manager(load_entrypoints=False, load_local=False, environ={}))
    target = sys.stderr if err else sys.stdout
    target.write(essential.redact(text=text) + "\n")
    target.flush()


def error(message: str) -> None:
    """``error: <message>`` on stderr, one line (withheld if it cannot be redacted)."""
    with contextlib.suppress(Exception):  # echo has said that the line was withheld
        echo(f"error: {' '.join(message.split()) if message else 'unknown error'}", err=True)


def warning(message: str) -> None:
    """``warning: <message>`` on stderr, once per message (withheld if it cannot be redacted)."""
    if message in _options.warned:
        return
    _options.warned.add(message)
    with contextlib.suppress(Exception):
        echo(f"warning: {' '.join(message.split())}", err=True)


def debug_enabled() -> bool:
    return _options.debug or os.environ.get("AUTOPILOT_DEBUG") == "1"
