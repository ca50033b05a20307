"""The Codex backend's settings (``plugins.backend_codex``) and where its codex binary is."""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PLUGIN_NAME = "backend_codex"
SANDBOX_MODES = ("read-only", "workspace-write", "danger-full-access")
#: What ``codex exec`` accepts as ``approval_policy`` (0.163.0 refuses "untrusted": "no longer supported").
APPROVAL_POLICIES = ("never", "on-request", "on-failure")


class CodexSetupError(Exception):
    """A setting or the environment makes it impossible to start codex (the message says which)."""


@dataclass(frozen=True)
class CodexSettings:
    """``plugins.backend_codex`` settings, with the safe unattended policy as defaults.

    Build them from configuration with :meth:`from_mapping`, which checks every value.
    """

    #: Path of the codex binary; default: ``AUTOPILOT_CODEX_BIN``, the bundled binary, ``codex`` on PATH.
    binary: str | None = None
    #: Sandbox for the commands the agent runs: ``read-only``, ``workspace-write``, ``danger-full-access``.
    sandbox: str = "workspace-write"
    #: When codex asks before running a command; unattended runs need ``never``.
    approval: str = "never"
    #: ``--dangerously-bypass-approvals-and-sandbox``: no sandbox at all. Only when set explicitly.
    bypass: bool = False
    #: Let sandboxed commands use the network (``sandbox_workspace_write.network_access``).
    network_access: bool = False
    #: Model used when the run names none (codex's own default otherwise).
    model: str | None = None
    #: ``model_reasoning_effort`` (``minimal``, ``low``, ``medium``, ``high``), if set.
    reasoning_effort: str | None = None
    #: Turn codex's plugin sync (a git clone from github.com at start-up) and analytics off.
    disable_plugins: bool = True
    disable_analytics: bool = True
    #: Let codex wait for the network forever (its ``unbounded_connection_retries`` feature). Off: an
    #: unreachable model server fails the run after codex's retries instead of hanging until the timeout.
    wait_for_network: bool = False
    #: Retries of the custom provider used with ``OPENAI_BASE_URL`` (None: codex's defaults).
    request_max_retries: int | None = None
    stream_max_retries: int | None = None
    #: Extra ``-c key=value`` overrides and extra CLI arguments, passed as given.
    config: tuple[str, ...] = ()
    extra_args: tuple[str, ...] = ()

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any] | None, where: str = f"plugins.{PLUGIN_NAME}"
    ) -> CodexSettings:
        """Validate a settings mapping; errors name the setting."""
        defaults = {f.name: f.default for f in dataclasses.fields(cls)}
        data = dict(data or {})
        unknown = sorted(set(data) - set(defaults))
        if unknown:
            raise CodexSetupError(
                f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(defaults))})"
            )
        values: dict[str, Any] = {}
        for name, value in data.items():
            if value is None:
                continue
            if isinstance(defaults[name], bool):
                if not isinstance(value, bool):
                    raise CodexSetupError(f"{where}.{name}: must be true or false (got {value!r})")
            elif name in ("request_max_retries", "stream_max_retries"):
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise CodexSetupError(f"{where}.{name}: must be a whole number >= 0 (got {value!r})")
            elif name in ("config", "extra_args"):
                if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                    raise CodexSetupError(f"{where}.{name}: must be a list of strings")
                value = tuple(value)
            else:
                value = str(value)
            values[name] = value
        settings = cls(**values)
        if settings.sandbox not in SANDBOX_MODES:
            raise CodexSetupError(
                f"{where}.sandbox: must be one of {', '.join(SANDBOX_MODES)} (got {settings.sandbox!r})"
            )
        if settings.approval not in APPROVAL_POLICIES:
            raise CodexSetupError(
                f"{where}.approval: must be one of {', '.join(APPROVAL_POLICIES)} (got {settings.approval!r})"
            )
        return settings


def run_settings(settings: CodexSettings, options: Mapping[str, Any]) -> CodexSettings:
    """The settings of one run: the plugin's, overridden by ``RunRequest.options["codex"]``."""
    overrides = options.get("codex")
    overrides = dict(overrides) if isinstance(overrides, Mapping) else {}
    return CodexSettings.from_mapping({**dataclasses.asdict(settings), **overrides})


def find_codex_binary(settings: CodexSettings, environ: Mapping[str, str]) -> str:
    """The codex executable: the setting, ``AUTOPILOT_CODEX_BIN``, the bundled binary, then PATH."""
    for configured, where in (
        (settings.binary, f"plugins.{PLUGIN_NAME}.binary"),
        (environ.get("AUTOPILOT_CODEX_BIN"), "AUTOPILOT_CODEX_BIN"),
    ):
        if configured:
            path = shutil.which(configured) or (configured if os.access(configured, os.X_OK) else None)
            if not path:
                raise CodexSetupError(f"{where}: codex binary {configured!r} not found or not executable")
            return path
    bundled = bundled_codex()
    if bundled is not None:
        return bundled
    on_path = shutil.which("codex", path=environ.get("PATH"))
    if on_path:
        return on_path
    raise CodexSetupError(
        "codex binary not found: install openai-codex-cli-bin (a dependency of git-autopilot), "
        f"put `codex` on PATH, or set plugins.{PLUGIN_NAME}.binary"
    )


#: Environment variables codex takes credentials from (as ``codex doctor`` lists them).
AUTH_VARIABLES = ("OPENAI_API_KEY", "CODEX_API_KEY", "CODEX_ACCESS_TOKEN")


def _chooses_provider(settings: CodexSettings, home: Path) -> bool:
    """Whether the configuration picks a model provider other than codex's default (whose credentials
    autopilot cannot judge): ``model_provider`` or a profile in ``config.toml`` or the settings,
    ``--oss``, or credentials kept somewhere other than ``auth.json``."""
    passed = " ".join((*settings.config, *settings.extra_args))
    if "model_provider" in passed or "profile" in passed or "--oss" in settings.extra_args:
        return True
    import tomllib

    try:
        config = tomllib.loads((home / "config.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False  # no file; a broken one codex reports itself
    profiles = config.get("profiles")
    return (
        "model_provider" in config
        or "profile" in config
        or bool(profiles and isinstance(profiles, Mapping))
        or config.get("cli_auth_credentials_store", "file") != "file"
    )


def credentials_problem(settings: CodexSettings, environ: Mapping[str, str], home: Path) -> str | None:
    """What codex lacks to authenticate, and how to provide it; None when it has credentials (or
    uses a provider autopilot cannot judge). Checked before codex starts: without credentials codex
    does not say so, it tries api.openai.com unauthenticated."""
    if environ.get("OPENAI_BASE_URL"):
        if environ.get("OPENAI_API_KEY"):
            return None
        return (
            "OPENAI_BASE_URL is set but OPENAI_API_KEY is not: codex sends OPENAI_API_KEY to that server "
            "as its key; set it (to any value if the server needs none)"
        )
    if any(environ.get(name) for name in AUTH_VARIABLES) or (home / "auth.json").exists():
        return None
    if _chooses_provider(settings, home):
        return None
    login = f"CODEX_HOME={home} codex login" if environ.get("CODEX_HOME") else "codex login"
    return (
        "codex has no credentials: set OPENAI_API_KEY (or CODEX_API_KEY) to an OpenAI API key, "
        f"or run `{login}` (it saves them in {home / 'auth.json'})"
    )


def model_endpoint(settings: CodexSettings, environ: Mapping[str, str], home: Path) -> str:
    """Where codex sends model requests, and which setting says so."""
    if environ.get("OPENAI_BASE_URL"):
        return f"{environ['OPENAI_BASE_URL']} (OPENAI_BASE_URL)"
    if _chooses_provider(settings, home):
        return f"the model provider configured for codex ({home / 'config.toml'} or plugins.{PLUGIN_NAME})"
    return "OpenAI's API (codex's default provider; OPENAI_BASE_URL sets another server)"


def bundled_codex() -> str | None:
    """The codex binary of the ``openai-codex-cli-bin`` package (``codex_cli_bin``), if installed."""
    try:
        import codex_cli_bin

        return str(codex_cli_bin.bundled_codex_path())
    except (ImportError, FileNotFoundError):
        return None
