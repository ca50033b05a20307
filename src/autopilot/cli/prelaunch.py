"""Start the agent of a plain ``autopilot run PROMPT`` before the rest of autopilot is loaded.

The agent CLI boots while autopilot imports its plugins and opens the trajectory (see
``autopilot.core.launch``). Only the simplest, most common command line takes this path: ``run``
first, one prompt, and only the options below; anything else (``--issue``, ``--help``, a global
flag, an odd value) leaves the work to the normal path, which starts the agent itself. A plain run
also skips the argument parser (cyclopts): :func:`parse_run` is tested to agree with it on every
command line it accepts, and ``autopilot.cli.running`` does the rest.

- Claude Code reads its prompt from stdin after about 0.2 s of booting, so its process is started
  with nothing on stdin; the backend writes the prompt once the plugins have been loaded and
  consulted, exactly as without a prelaunch.
- Codex reads its prompt at once and starts working, so it is started early only when nothing but
  autopilot's own plugins is installed or enabled (no other distribution's ``autopilot`` entry
  points, no ``.autopilot/plugins/*.py``, no plugin environment variables): then no plugin can choose
  another backend, change the command or veto the run before it starts, and the memory floor was
  checked here first.

In both cases the backend only takes the early process if its own :class:`LaunchSpec` is equal; if
not, or if the run fails before it starts, the early process is killed. ``AUTOPILOT_PRELAUNCH=0``
turns all of this off. Nothing here prints or raises: any doubt means no prelaunch.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

    from autopilot.core.launch import LaunchSpec

# run options that take a value -> their canonical name (cyclopts' names, see cli/run_cmd.py)
VALUE_OPTIONS = {
    "--agent": "agent",
    "--model": "model",
    "-m": "model",
    "--max-budget": "max_budget",
    "-b": "max_budget",
    "--max-turns": "max_turns",
    "--output-dir": "output_dir",
    "-o": "output_dir",
    "--slug": "slug",
    "-s": "slug",
    "--cwd": "cwd",
    "--idle-timeout": "idle_timeout",
    "--timeout": "timeout",
}
FLAG_OPTIONS = {"--json": "json_output", "--quiet": "quiet", "-q": "quiet"}
_NUMBERS = {"max_budget": float, "max_turns": int, "idle_timeout": float, "timeout": float}
#: The agents that can be started early (built-in backends), by name.
AGENTS = ("claude", "codex")


def parse_run(tokens: Sequence[str]) -> dict[str, object] | None:
    """The arguments of ``run PROMPT [options]`` as ``run()`` receives them, or None if unusual.

    None for anything but one prompt and the options this module knows, each at most once, with
    plain values (no value starting with ``-``, numbers as plain decimals).
    """
    if not tokens or tokens[0] != "run":
        return None
    parsed: dict[str, object] = {}
    prompt: str | None = None
    rest = list(tokens[1:])
    while rest:
        token = rest.pop(0)
        name, eq, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        if name in FLAG_OPTIONS and not eq:
            key: str = FLAG_OPTIONS[name]
            if key in parsed:
                return None
            parsed[key] = True
            continue
        if name in VALUE_OPTIONS:
            key = VALUE_OPTIONS[name]
            if key in parsed:
                return None
            if eq:
                value = inline
            elif rest:
                value = rest.pop(0)
            else:
                return None
            if not value or value.startswith("-"):
                return None
            if key in _NUMBERS:
                if not _plain_number(value) or (_NUMBERS[key] is int and "." in value):
                    return None
                parsed[key] = _NUMBERS[key](value)
            else:
                parsed[key] = value
            continue
        if token.startswith("-") or prompt is not None or not token.strip():
            return None
        prompt = token
    if prompt is None:
        return None
    parsed["prompt"] = prompt
    return parsed


def _plain_number(text: str) -> bool:
    """``re.fullmatch(r"\\d+(\\.\\d+)?", text)`` for ASCII digits, without importing ``re``."""
    whole, dot, fraction = text.partition(".")
    return _digits(whole) and (not dot or _digits(fraction))


def _digits(text: str) -> bool:
    return bool(text) and text.isascii() and text.isdigit()


def start(tokens: Sequence[str]) -> dict[str, object] | None:
    """The arguments of a plain run (see :func:`parse_run`), its agent started early if that is safe.

    None when *tokens* are not a plain run. Never raises.
    """
    args = parse_run(tokens)
    if args is None:
        return None
    try:
        from autopilot.core import launch

        if launch.enabled():
            spec = plan_parsed(args)
            if spec is not None:
                launch.prelaunch(spec)
    except Exception:
        pass
    return args


def plan(tokens: Sequence[str], environ: Mapping[str, str] | None = None) -> LaunchSpec | None:
    """The process to start early for *tokens*, or None (not a plain run, or not safe to)."""
    args = parse_run(tokens)
    return plan_parsed(args, environ) if args is not None else None


def plan_parsed(args: Mapping[str, object], environ: Mapping[str, str] | None = None) -> LaunchSpec | None:
    """The process to start early for a plain run's parsed *args*, or None (not safe to).

    Computed with the light modules only (``configfile``, ``_claude_cli``, ``_codex_cli``, ``launch``:
    no ``pathlib``, ``dataclasses``, ``re`` or ``subprocess``), because the agent waits for this.
    """
    environ = os.environ if environ is None else environ
    from autopilot.core import configfile

    workdir = os.path.realpath(os.path.expanduser(str(args.get("cwd") or os.getcwd())))
    if not os.path.isdir(workdir):
        return None
    project_dir = configfile.find_project_root(workdir)
    values = configfile.resolve_values(project_dir, environ)
    agent = configfile.default_agent(args.get("agent"), None, configfile.setting(values, "agent"))  # type: ignore[arg-type]
    if agent not in AGENTS:
        return None
    model = str(args["model"]) if args.get("model") else configfile.setting(values, "model")
    # What api.run_task builds, as far as a launch spec reads it (RunRequest's fields and defaults,
    # without importing the models here; tests check both give the same spec).
    request: Any = _Request(prompt=str(args["prompt"]), cwd=workdir, model=model)
    if agent == "claude":
        from autopilot.plugins.claude.command import PLUGIN_NAME, launch_spec

        return launch_spec(configfile.plugin_settings(values, PLUGIN_NAME), request)
    floor = configfile.setting(values, "min_free_memory_mb")
    if not only_builtin_plugins(project_dir, environ) or not memory_above_floor(floor):
        return None
    from autopilot.plugins.codex import command as _codex_cli

    try:
        settings = _codex_cli.CodexSettings.from_mapping(
            configfile.plugin_settings(values, _codex_cli.PLUGIN_NAME)
        )
        spec, _ = _codex_cli.launch_spec(settings, request, dict(environ))
    except _codex_cli.CodexSetupError:
        return None
    return spec


class _Request:
    """The fields of a ``RunRequest`` a launch spec reads, with its defaults (no models import)."""

    __slots__ = ("cwd", "env", "model", "options", "prompt", "resume_session_id")

    def __init__(self, *, prompt: str, cwd: str, model: str | None) -> None:
        self.prompt = prompt
        self.cwd = cwd
        self.model = model
        self.resume_session_id: str | None = None
        self.env: dict[str, str] = {}
        self.options: dict[str, object] = {}


def only_builtin_plugins(project_dir: str, environ: Mapping[str, str]) -> bool:
    """Whether only git-autopilot's own plugins would load, with nothing disabled or added."""
    if any(name in environ for name in ("AUTOPILOT_DISABLE_PLUGINS", "AUTOPILOT_LOAD_PLUGINS")):
        return False
    from autopilot.core.configfile import CONFIG_DIR

    local = os.path.join(project_dir, CONFIG_DIR, "plugins")
    try:
        if any(name.endswith(".py") for name in os.listdir(local)):
            return False
    except OSError:
        pass  # no plugin directory
    from autopilot.core import distinfo

    points = distinfo.entry_points("autopilot")
    if points is None:  # an unusual installation: cannot tell cheaply
        return False
    return all(distinfo.normalize(distribution) == "git-autopilot" for _, distribution, _ in points)


def memory_above_floor(floor_mb: int, meminfo: str = "/proc/meminfo") -> bool:
    """Whether available memory is clearly above the run's floor (10% margin; unknown means no)."""
    if floor_mb <= 0:
        return True
    from autopilot.core.meminfo import meminfo_available_mb

    available = meminfo_available_mb(meminfo)
    return available is not None and available >= floor_mb * 1.1
