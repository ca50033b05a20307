"""Settings and the command line of ``codex exec`` (part of ``backend_codex``).

Kept apart from the streaming code and light to import: a plain ``autopilot run --agent codex`` may
compute the process's :class:`~autopilot.core.launch.LaunchSpec` with :func:`launch_spec` while it is
still starting up and start codex at once (see ``autopilot.core.launch`` and ``autopilot.cli.prelaunch``
for when). The backend computes its spec with the same function, and uses the early process only when
the two are equal.
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

PLUGIN_NAME = "backend_codex"
PROVIDER_ID = "autopilot"
SANDBOX_MODES = ("read-only", "workspace-write", "danger-full-access")
APPROVAL_POLICIES = ("never", "on-request", "on-failure", "untrusted")
#: Claude model names that must not reach Codex (AUTOPILOT_MODEL is shared by both backends).
_CLAUDE_ALIASES = ("sonnet", "opus", "haiku")
#: Prompts longer than this go through stdin (``codex exec -``): argv strings are capped at 128 KiB.
_ARGV_PROMPT_LIMIT = 100_000


class CodexSetupError(Exception):
    """A setting or the environment makes it impossible to start codex (the message says which)."""


# ------------------------------------------------------------------------------------------------
# Settings and the command line

#: ``plugins.backend_codex`` settings and their defaults (the safe unattended policy).
SETTINGS: dict[str, Any] = {
    #: Path of the codex binary; default: ``AUTOPILOT_CODEX_BIN``, the bundled binary, ``codex`` on PATH.
    "binary": None,
    #: Sandbox for the commands the agent runs: ``read-only``, ``workspace-write``, ``danger-full-access``.
    "sandbox": "workspace-write",
    #: When codex asks before running a command; unattended runs need ``never``.
    "approval": "never",
    #: ``--dangerously-bypass-approvals-and-sandbox``: no sandbox at all. Only when set explicitly.
    "bypass": False,
    #: Let sandboxed commands use the network (``sandbox_workspace_write.network_access``).
    "network_access": False,
    #: Model used when the run names none (codex's own default otherwise).
    "model": None,
    #: ``model_reasoning_effort`` (``minimal``, ``low``, ``medium``, ``high``), if set.
    "reasoning_effort": None,
    #: Turn codex's plugin sync (a git clone from github.com at start-up) and analytics off.
    "disable_plugins": True,
    "disable_analytics": True,
    #: Let codex wait for the network forever (its ``unbounded_connection_retries`` feature). Off: an
    #: unreachable model server fails the run after codex's retries instead of hanging until the timeout.
    "wait_for_network": False,
    #: Retries of the custom provider used with ``OPENAI_BASE_URL`` (None: codex's defaults).
    "request_max_retries": None,
    "stream_max_retries": None,
    #: Extra ``-c key=value`` overrides and extra CLI arguments, passed as given.
    "config": (),
    "extra_args": (),
}


class CodexSettings(FrozenSettings):
    """``plugins.backend_codex`` settings, validated (see :data:`SETTINGS`), immutable.

    A plain class rather than a dataclass: it is built before codex starts, when importing
    ``dataclasses`` (about 10 ms) would delay the agent.
    """

    DEFAULTS = SETTINGS
    __slots__ = tuple(SETTINGS)

    if TYPE_CHECKING:
        binary: str | None
        sandbox: str
        approval: str
        bypass: bool
        network_access: bool
        model: str | None
        reasoning_effort: str | None
        disable_plugins: bool
        disable_analytics: bool
        wait_for_network: bool
        request_max_retries: int | None
        stream_max_retries: int | None
        config: tuple[str, ...]
        extra_args: tuple[str, ...]

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any] | None, where: str = f"plugins.{PLUGIN_NAME}"
    ) -> CodexSettings:
        """Validate a settings mapping; errors name the setting."""
        data = dict(data or {})
        known = set(SETTINGS)
        unknown = sorted(set(data) - known)
        if unknown:
            raise CodexSetupError(
                f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(known))})"
            )
        values: dict[str, Any] = {}
        for name, value in data.items():
            if value is None:
                continue
            default = SETTINGS[name]
            if isinstance(default, bool):
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


def find_codex_binary(settings: CodexSettings, environ: Mapping[str, str]) -> str:
    """The codex executable: the setting, ``AUTOPILOT_CODEX_BIN``, the bundled binary, then PATH."""
    for configured, where in (
        (settings.binary, f"plugins.{PLUGIN_NAME}.binary"),
        (environ.get("AUTOPILOT_CODEX_BIN"), "AUTOPILOT_CODEX_BIN"),
    ):
        if configured:
            import shutil

            path = shutil.which(configured) or (configured if os.access(configured, os.X_OK) else None)
            if not path:
                raise CodexSetupError(f"{where}: codex binary {configured!r} not found or not executable")
            return path
    bundled = bundled_codex()
    if bundled is not None:
        return bundled
    import shutil

    on_path = shutil.which("codex", path=environ.get("PATH"))
    if on_path:
        return on_path
    raise CodexSetupError(
        "codex binary not found: install openai-codex-cli-bin (a dependency of git-autopilot), "
        f"put `codex` on PATH, or set plugins.{PLUGIN_NAME}.binary"
    )


def bundled_codex() -> str | None:
    """The codex binary of the ``openai-codex-cli-bin`` package (``codex_cli_bin``), if installed.

    Found as ``codex_cli_bin.bundled_codex_path()`` finds it (tested equal), without importing the
    package (it imports ``pathlib``), because this runs before codex starts.
    """
    from autopilot.core.distinfo import package_dir

    package = package_dir("codex_cli_bin")
    if package is None or not os.path.isfile(os.path.join(package, "codex-package.json")):
        return None
    binary = os.path.join(os.path.realpath(package), "bin", "codex.exe" if os.name == "nt" else "codex")
    return binary if os.path.isfile(binary) and os.access(binary, os.X_OK) else None


#: Characters a TOML basic string must escape, and their escapes.
_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_string(value: str) -> str:
    """*value* as a TOML basic string (quotes, backslashes and control characters escaped)."""
    if value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'
    out = []
    for char in value:
        escaped = _TOML_ESCAPES.get(char)
        if escaped is None and (char < " " or char == "\x7f"):
            escaped = f"\\u{ord(char):04x}"
        out.append(escaped or char)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    """*value* as a TOML inline value (strings, numbers, booleans, lists, tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if is_mapping(value):
        return "{" + ",".join(f"{_toml_key(k)}={_toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_toml_value(v) for v in value) + "]"
    raise CodexSetupError(f"cannot pass {type(value).__name__} to codex as a setting")


_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _toml_key(key: Any) -> str:
    key = str(key)
    return key if key and _BARE_KEY.issuperset(key) else _toml_string(key)


def mcp_overrides(servers: Mapping[str, Any]) -> list[str]:
    """``-c mcp_servers.<name>={...}`` for MCP servers given in the Claude SDK's shape.

    Stdio servers (``command``, ``args``, ``env``, ``cwd``) and HTTP servers (``url``) carry over, with
    their tools approved (``default_tools_approval_mode``, unless the spec says otherwise); in-process
    SDK servers cannot reach a separate codex process and are refused.
    """
    overrides = []
    for name, spec in servers.items():
        if not is_mapping(spec):
            raise CodexSetupError(f"MCP server {name!r}: expected a mapping, got {type(spec).__name__}")
        if spec.get("command"):
            keys = ("command", "args", "env", "cwd", "default_tools_approval_mode")
        elif spec.get("url"):
            keys = ("url", "bearer_token_env_var", "http_headers", "default_tools_approval_mode")
        else:
            kind = spec.get("type", "unknown")
            raise CodexSetupError(
                f"MCP server {name!r} ({kind}) cannot be used by codex: give a command or url"
            )
        table = {k: spec[k] for k in keys if spec.get(k) is not None}
        # Nobody is there to approve a tool call in an unattended run (approval "never" turns every
        # MCP call that needs approval into an error), so servers autopilot passes are pre-approved.
        table.setdefault("default_tools_approval_mode", "approve")
        overrides.append(f"mcp_servers.{_toml_key(name)}={_toml_value(table)}")
    return overrides


def provider_overrides(base_url: str, settings: CodexSettings) -> list[str]:
    """``-c`` overrides that point codex at *base_url* with the key in ``OPENAI_API_KEY``."""
    fields = [
        f"name={_toml_string('autopilot (OPENAI_BASE_URL)')}",
        f"base_url={_toml_string(base_url.rstrip('/'))}",
        'env_key="OPENAI_API_KEY"',
        'wire_api="responses"',
    ]
    if settings.request_max_retries is not None:
        fields.append(f"request_max_retries={settings.request_max_retries}")
    if settings.stream_max_retries is not None:
        fields.append(f"stream_max_retries={settings.stream_max_retries}")
    return [
        f"model_providers.{PROVIDER_ID}={{{','.join(fields)}}}",
        f"model_provider={_toml_string(PROVIDER_ID)}",
    ]


def build_command(
    binary: str, request: RunRequest, settings: CodexSettings, environ: Mapping[str, str]
) -> tuple[list[str], bool]:
    """The codex argv for *request*, and whether the prompt goes through stdin.

    Every option comes before ``resume`` (codex parses ``exec resume``'s own options separately).
    """
    model = request.model or settings.model
    if model and (model.lower().startswith("claude") or model.lower() in _CLAUDE_ALIASES):
        raise CodexSetupError(
            f"model {model!r} is a Claude model; give Codex an OpenAI model (e.g. -m gpt-5.5)"
        )
    argv = [binary, "exec", "--json", "--skip-git-repo-check", "-C", str(request.cwd)]
    if settings.bypass:
        argv.append("--dangerously-bypass-approvals-and-sandbox")
    else:
        argv += ["-s", settings.sandbox, "-c", f"approval_policy={_toml_string(settings.approval)}"]
        if settings.network_access and settings.sandbox == "workspace-write":
            argv += ["-c", "sandbox_workspace_write.network_access=true"]
    if model:
        argv += ["-m", model]
    overrides: list[str] = []
    if settings.reasoning_effort:
        overrides.append(f"model_reasoning_effort={_toml_string(settings.reasoning_effort)}")
    if settings.disable_plugins:
        overrides.append("features.plugins=false")
    if settings.disable_analytics:
        overrides.append("analytics.enabled=false")
    if not settings.wait_for_network:
        overrides.append("features.unbounded_connection_retries=false")
    if environ.get("OPENAI_BASE_URL"):
        overrides += provider_overrides(environ["OPENAI_BASE_URL"], settings)
    instructions = request.options.get("system_prompt_append")
    if instructions:
        overrides.append(f"developer_instructions={_toml_string(str(instructions))}")
    servers = request.options.get("mcp_servers")
    if servers:
        if not is_mapping(servers):
            raise CodexSetupError("mcp_servers: expected a mapping of server name to settings")
        overrides += mcp_overrides(servers)
    overrides += settings.config
    for override in overrides:
        argv += ["-c", override]
    argv += settings.extra_args
    via_stdin = len(request.prompt.encode()) > _ARGV_PROMPT_LIMIT
    prompt = "-" if via_stdin else request.prompt
    if request.resume_session_id:
        argv += ["resume", request.resume_session_id]
    if prompt.startswith("-") and prompt != "-":
        argv.append("--")  # a prompt that looks like an option
    argv.append(prompt)
    return argv, via_stdin


def _plugin_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Per-run overrides: ``RunRequest.options["codex"]`` (a mapping of settings)."""
    value = options.get("codex") if is_mapping(options) else None
    return dict(value) if is_mapping(value) else {}


def run_settings(settings: CodexSettings, options: Mapping[str, Any]) -> CodexSettings:
    """The settings of one run: the plugin's, overridden by ``RunRequest.options["codex"]``."""
    return CodexSettings.from_mapping({**settings.as_dict(), **_plugin_options(options)})


def launch_spec(
    settings: CodexSettings, request: RunRequest, environ: Mapping[str, str]
) -> tuple[LaunchSpec, CodexSettings]:
    """The codex process a run of *request* starts, in its own session, and the run's settings.

    The prompt is in the arguments, or written to stdin (``codex exec -``) when it is too long for
    them; either way stdin is closed at once (codex reads piped stdin to its end before starting).
    Raises CodexSetupError for bad settings or a missing binary.
    """
    settings = run_settings(settings, request.options)
    binary = find_codex_binary(settings, environ)
    argv, via_stdin = build_command(binary, request, settings, environ)
    stdin = request.prompt.encode() if via_stdin else b""
    return LaunchSpec(argv, cwd=str(request.cwd), env=environ, stdin=stdin, new_session=True), settings
