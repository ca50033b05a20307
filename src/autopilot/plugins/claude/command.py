"""Settings, model aliases and the command line of the Claude Code CLI (part of ``backend_claude``).

Kept apart from the streaming code and light to import: a plain ``autopilot run`` computes the CLI's
:class:`~autopilot.core.launch.LaunchSpec` with :func:`launch_spec` while it is still starting up,
and starts the CLI before loading the rest of autopilot (see ``autopilot.core.launch``). The backend
computes its spec with the same function, so the two can only agree or the early process is dropped.
"""

from __future__ import annotations

import os

from autopilot.core.configfile import FrozenSettings, is_mapping
from autopilot.core.launch import LaunchSpec

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from autopilot.core.models import RunRequest

PLUGIN_NAME = "backend_claude"
TRANSPORTS = ("auto", "sdk", "cli")
PERMISSION_MODES = ("default", "acceptEdits", "plan", "bypassPermissions", "dontAsk", "auto")
DEFAULT_PERMISSION_MODE = "acceptEdits"
DEFAULT_ALLOWED_TOOLS = ("Bash", "Read", "Glob", "Grep")
#: The settings and their defaults.
_DEFAULTS: dict[str, Any] = {
    "permission_mode": DEFAULT_PERMISSION_MODE,
    "allowed_tools": DEFAULT_ALLOWED_TOOLS,
    "disallowed_tools": (),
    "cli_path": None,
    "system_prompt_append": None,
    "models": {},
    "extra_args": {},
    "env": {},
    "transport": "auto",
}
_SETTINGS = tuple(_DEFAULTS)


class ClaudeSetupError(Exception):
    """A setting or the environment makes a run impossible; the message says which."""


# ------------------------------------------------------------------------------------------------
# Settings and models


def model_aliases() -> dict[str, str]:
    """Alias -> model id, as the bundled CLI resolves them (``sonnet``, ``opus``, ``haiku``)."""
    from autopilot.plugins.claude.models import ALIASES

    return dict(ALIASES)


def resolve_model(name: str | None, extra: Mapping[str, str] | None = None) -> str | None:
    """The model id for *name*: aliases resolve, any other name passes through, None stays None."""
    if not name:
        return None
    aliases = {**model_aliases(), **(extra or {})}
    return aliases.get(name.strip().lower(), name.strip())


class ClaudeSettings(FrozenSettings):
    """The backend's settings (``plugins.backend_claude`` merged with ``RunRequest.options["claude"]``).

    Immutable and compared by value; build them with :meth:`from_mapping`.
    """

    DEFAULTS = _DEFAULTS
    __slots__ = _SETTINGS
    __hash__ = None  # type: ignore[assignment]  # the mappings make them unhashable

    if TYPE_CHECKING:
        permission_mode: str
        allowed_tools: tuple[str, ...]
        disallowed_tools: tuple[str, ...]
        cli_path: str | None
        system_prompt_append: str | None
        models: Mapping[str, str]
        extra_args: Mapping[str, str | None]
        env: Mapping[str, str]
        transport: str

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = f"plugins.{PLUGIN_NAME}") -> ClaudeSettings:
        unknown = sorted(set(data) - set(_SETTINGS))
        if unknown:
            raise ClaudeSetupError(f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(_SETTINGS)})")
        mode = str(data.get("permission_mode") or DEFAULT_PERMISSION_MODE)
        if mode not in PERMISSION_MODES:
            raise ClaudeSetupError(
                f"{where}.permission_mode: must be one of {', '.join(PERMISSION_MODES)} (got {mode!r})"
            )

        transport = str(data.get("transport") or "auto")
        if transport not in TRANSPORTS:
            raise ClaudeSetupError(
                f"{where}.transport: must be one of {', '.join(TRANSPORTS)} (got {transport!r})"
            )

        def strings(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
            value = data.get(name)
            if value is None:
                return default
            if isinstance(value, str):
                value = value.replace(",", " ").split()
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise ClaudeSetupError(f"{where}.{name}: must be a list of tool names")
            return tuple(value)

        def mapping(name: str) -> dict[str, Any]:
            value = data.get(name) or {}
            if not is_mapping(value):
                raise ClaudeSetupError(f"{where}.{name}: must be a mapping")
            return {str(k): (None if v is None else str(v)) for k, v in value.items()}

        return cls(
            permission_mode=mode,
            allowed_tools=strings("allowed_tools", DEFAULT_ALLOWED_TOOLS),
            disallowed_tools=strings("disallowed_tools", ()),
            cli_path=str(data["cli_path"]) if data.get("cli_path") else None,
            system_prompt_append=str(data["system_prompt_append"])
            if data.get("system_prompt_append")
            else None,
            models={k: str(v) for k, v in mapping("models").items()},
            extra_args=mapping("extra_args"),
            env={k: str(v) for k, v in mapping("env").items()},
            transport=transport,
        )


def _is_root() -> bool:
    return hasattr(os, "getuid") and os.getuid() == 0


def bundled_cli_path() -> str | None:
    """The Claude Code binary bundled with ``claude-agent-sdk``, found without importing the SDK.

    The package is found where ``import claude_agent_sdk`` would load it (``distinfo.package_dir``).
    """
    from autopilot.core.distinfo import package_dir

    package = package_dir("claude_agent_sdk")
    if package is None:
        return None
    path = os.path.join(package, "_bundled", "claude.exe" if os.name == "nt" else "claude")
    return path if os.path.isfile(path) else None


def find_cli(settings: ClaudeSettings) -> str | None:
    """The CLI to run: ``cli_path`` if set, else the SDK's bundled one, else ``claude`` on PATH."""
    if settings.cli_path:
        return settings.cli_path
    bundled = bundled_cli_path()
    if bundled:
        return bundled
    import shutil

    return shutil.which("claude")


def _in_process_servers(servers: Any) -> bool:
    """Whether *servers* (``options["mcp_servers"]``) hold an in-process SDK server."""
    return is_mapping(servers) and any(
        is_mapping(spec) and spec.get("type") == "sdk" for spec in servers.values()
    )


def extra_prompt(request: RunRequest, settings: ClaudeSettings) -> str | None:
    """Text appended to the CLI's system prompt (the setting, else ``options["system_prompt_append"]``)."""
    extra = settings.system_prompt_append or request.options.get("system_prompt_append")
    return str(extra) if extra else None


def cli_env(request: RunRequest, settings: ClaudeSettings) -> dict[str, str]:
    """Environment the run adds for the CLI (settings, the request's own, and ``IS_SANDBOX``)."""
    env = {**settings.env, **request.env}
    if settings.permission_mode == "bypassPermissions" and _is_root():
        # The CLI refuses bypass mode as root unless told it runs in a sandbox (set for the CLI only).
        env.setdefault("IS_SANDBOX", "1")
    return env


def uses_cli(request: RunRequest, settings: ClaudeSettings) -> bool:
    """Whether *request* runs on the direct CLI transport (see ``backend_claude``)."""
    if _in_process_servers(request.options.get("mcp_servers")):
        return False
    return settings.transport in ("auto", "cli")


def request_settings(settings_data: Mapping[str, Any], request: RunRequest) -> ClaudeSettings:
    """The settings of one run: the plugin's, overridden by ``request.options["claude"]``."""
    overrides = request.options.get("claude") if is_mapping(request.options) else None
    return ClaudeSettings.from_mapping({**settings_data, **(overrides or {})})


def cli_command(cli: str, request: RunRequest, settings: ClaudeSettings) -> list[str]:
    """The command line of a direct run (the prompt goes to stdin)."""
    command = [cli, "-p", "--output-format", "stream-json", "--verbose", "--include-partial-messages"]
    extra = extra_prompt(request, settings)
    if extra:
        command += ["--append-system-prompt", extra]
    if settings.allowed_tools:
        command += ["--allowedTools", ",".join(settings.allowed_tools)]
    if settings.disallowed_tools:
        command += ["--disallowedTools", ",".join(settings.disallowed_tools)]
    model = resolve_model(request.model, settings.models)
    if model:
        command += ["--model", model]
    command += ["--permission-mode", settings.permission_mode]
    if request.resume_session_id:
        # The equals form: a value can never be taken for another flag.
        command.append(f"--resume={request.resume_session_id}")
    servers = request.options.get("mcp_servers")
    if servers:
        import json

        command += ["--mcp-config", json.dumps({"mcpServers": dict(servers)})]
    for flag, value in settings.extra_args.items():
        if value is None:
            command.append(f"--{flag}")
        elif str(value).startswith("-"):
            command.append(f"--{flag}={value}")
        else:
            command += [f"--{flag}", str(value)]
    return command


def cli_launch_spec(cli: str, request: RunRequest, settings: ClaudeSettings) -> LaunchSpec:
    """How the direct transport starts *cli* for *request*: its prompt is written to stdin later."""
    env = {k: v for k, v in os.environ.items() if k != "CLAUDECODE"}
    env.update(cli_env(request, settings))
    env["PWD"] = str(request.cwd)
    return LaunchSpec(cli_command(cli, request, settings), cwd=str(request.cwd), env=env)


def launch_spec(settings_data: Mapping[str, Any], request: RunRequest) -> LaunchSpec | None:
    """The CLI process a run of *request* starts, or None (SDK transport, no CLI, bad settings)."""
    try:
        settings = request_settings(settings_data, request)
    except ClaudeSetupError:
        return None
    if not uses_cli(request, settings):
        return None
    cli = find_cli(settings)
    return cli_launch_spec(cli, request, settings) if cli else None
