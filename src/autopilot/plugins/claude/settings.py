"""The Claude backend's settings (``plugins.backend_claude``), model aliases and where its CLI is."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

PLUGIN_NAME = "backend_claude"
TRANSPORTS = ("auto", "sdk", "cli")
PERMISSION_MODES = ("default", "acceptEdits", "plan", "bypassPermissions", "dontAsk", "auto")
DEFAULT_PERMISSION_MODE = "acceptEdits"
DEFAULT_ALLOWED_TOOLS = ("Bash", "Read", "Glob", "Grep")


class ClaudeSetupError(Exception):
    """A setting or the environment makes a run impossible; the message says which."""


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


@dataclass(frozen=True)
class ClaudeSettings:
    """The backend's settings (``plugins.backend_claude`` merged with ``RunRequest.options["claude"]``).

    Build them from configuration with :meth:`from_mapping`, which checks every value.
    """

    permission_mode: str = DEFAULT_PERMISSION_MODE
    allowed_tools: tuple[str, ...] = DEFAULT_ALLOWED_TOOLS
    disallowed_tools: tuple[str, ...] = ()
    cli_path: str | None = None
    system_prompt_append: str | None = None
    models: Mapping[str, str] = field(default_factory=dict)
    extra_args: Mapping[str, str | None] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    transport: str = "auto"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = f"plugins.{PLUGIN_NAME}") -> ClaudeSettings:
        """Validate a settings mapping; errors name the setting."""
        known = [f.name for f in fields(cls)]
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ClaudeSetupError(f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(known)})")
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

        def mapping(name: str) -> dict[str, str | None]:
            value = data.get(name) or {}
            if not isinstance(value, Mapping):
                raise ClaudeSetupError(f"{where}.{name}: must be a mapping")
            return {str(k): (None if v is None else str(v)) for k, v in value.items()}

        return cls(
            permission_mode=mode,
            allowed_tools=strings("allowed_tools", DEFAULT_ALLOWED_TOOLS),
            disallowed_tools=strings("disallowed_tools", ()),
            cli_path=str(data["cli_path"]) if data.get("cli_path") else None,
            system_prompt_append=(
                str(data["system_prompt_append"]) if data.get("system_prompt_append") else None
            ),
            models={k: str(v) for k, v in mapping("models").items()},
            extra_args=mapping("extra_args"),
            env={k: str(v) for k, v in mapping("env").items()},
            transport=transport,
        )


def bundled_cli_path() -> str | None:
    """The Claude Code binary bundled with ``claude-agent-sdk``, where ``import claude_agent_sdk``
    would load the package from (found without importing the SDK, which takes over a second)."""
    import importlib.util

    spec = importlib.util.find_spec("claude_agent_sdk")
    if spec is None or not spec.submodule_search_locations:
        return None
    package = next(iter(spec.submodule_search_locations))
    path = os.path.join(package, "_bundled", "claude.exe" if os.name == "nt" else "claude")
    return path if os.path.isfile(path) else None


def find_cli(settings: ClaudeSettings) -> str | None:
    """The CLI to run: ``cli_path`` if set, else the SDK's bundled one, else ``claude`` on PATH."""
    return settings.cli_path or bundled_cli_path() or shutil.which("claude")


#: Variables Claude Code takes credentials from, in the order it prefers them.
AUTH_VARIABLES = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN")
#: Variables that send Claude Code to a cloud provider, which brings credentials of its own.
PROVIDER_VARIABLES = ("CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX", "CLAUDE_CODE_USE_FOUNDRY")


def credentials_source(settings: ClaudeSettings, environ: Mapping[str, str]) -> str | None:
    """Where Claude Code will find credentials for a run (a variable, a cloud provider, its own login
    file), or None when autopilot sees none. Read from the environment and files only, never by
    starting the CLI; a login kept in the macOS keychain is not seen."""
    merged = {**environ, **settings.env}
    for name in AUTH_VARIABLES:
        if merged.get(name):
            return name
    for name in PROVIDER_VARIABLES:
        if merged.get(name, "").strip().lower() not in ("", "0", "false", "no"):
            return f"{name} (the cloud provider's own credentials)"
    folders = [p.strip() for p in merged.get("CLAUDE_CONFIG_DIR", "").split(",") if p.strip()]
    for folder in folders or [os.path.join(os.path.expanduser("~"), ".claude")]:
        login = os.path.join(os.path.expanduser(folder), ".credentials.json")
        if os.path.isfile(login):
            return f"Claude Code's login ({login})"
    return None
