"""The command line of ``codex exec --json`` for a run: options, ``-c`` overrides (TOML values), prompt."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from autopilot.plugins.codex.settings import CodexSettings, CodexSetupError

if TYPE_CHECKING:
    from autopilot.core.models import RunRequest

PROVIDER_ID = "autopilot"
#: Claude model names that must not reach Codex (AUTOPILOT_MODEL is shared by both backends).
_CLAUDE_ALIASES = ("sonnet", "opus", "haiku")
#: Prompts longer than this go through stdin (``codex exec -``): argv strings are capped at 128 KiB.
_ARGV_PROMPT_LIMIT = 100_000


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
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{_toml_key(k)}={_toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_toml_value(v) for v in value) + "]"
    raise CodexSetupError(f"cannot pass {type(value).__name__} to codex as a setting")


_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _toml_key(key: Any) -> str:
    key = str(key)
    return key if key and _BARE_KEY.issuperset(key) else _toml_string(key)


#: Seconds codex waits for a stdio MCP server autopilot passes to start (codex's own default is 10).
MCP_STARTUP_TIMEOUT_SECONDS = 60


def mcp_overrides(servers: Mapping[str, Any]) -> list[str]:
    """``-c mcp_servers.<name>={...}`` for MCP servers given in the Claude SDK's shape.

    Stdio servers (``command``, ``args``, ``env``, ``cwd``) and HTTP servers (``url``) carry over, with
    their tools approved (``default_tools_approval_mode``, unless the spec says otherwise); in-process
    SDK servers cannot reach a separate codex process and are refused.
    """
    overrides = []
    for name, spec in servers.items():
        if not isinstance(spec, Mapping):
            raise CodexSetupError(f"MCP server {name!r}: expected a mapping, got {type(spec).__name__}")
        if spec.get("command"):
            keys = ("command", "args", "env", "cwd", "default_tools_approval_mode", "startup_timeout_sec")
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
        if spec.get("command"):
            # Codex gives a stdio server 10 s to start, then runs without its tools; a Python server
            # on a loaded machine can take longer than that (codex issue 11851).
            table.setdefault("startup_timeout_sec", MCP_STARTUP_TIMEOUT_SECONDS)
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
        if not isinstance(servers, Mapping):
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
