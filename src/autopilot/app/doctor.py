"""``autopilot doctor``: available memory, the agent CLIs runs use, the plugins that failed to load,
processes left behind by earlier runs and the issue store's own checks. ``autopilot doctor --clean``
stops the leftovers.

Runs record the processes they start in pid files under ``$AUTOPILOT_HOME/pids``. A run whose autopilot
process is gone but whose agent processes still live left them behind; cleaning stops exactly those
processes (matched by pid and start time, never by name) and removes stale pid files.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autopilot.core.config import Config, setting_sources
from autopilot.core.errors import ExitCode
from autopilot.core.issues import IssueStore
from autopilot.core.pluginmanager import AutopilotPluginManager
from autopilot.core.processes import autopilot_home, available_memory_mb, read_pid_files, stop_processes


@dataclass
class DoctorReport:
    """What ``doctor`` found. ``runs`` entries have a ``state``: running, leftover, stale or cleaned."""

    available_mb: int
    floor_mb: int
    autopilot_home: Path
    claude_cli: str
    codex_cli: str = ""
    #: Per agent (``claude``, ``codex``): ``found`` (where its credentials come from, or None) and
    #: ``advice`` (how to provide them, when none were found). Not counted as a problem: a project may
    #: use only one agent.
    credentials: dict[str, dict[str, str | None]] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    #: The limits a run gets unless its flags say otherwise: {setting: {"value", "from"}}, where
    #: ``from`` is the ``AUTOPILOT_*`` variable, the configuration file or ``default``.
    limits: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: ``loaded`` (names), ``failed`` (name, distribution, version, error) and ``untrusted`` (paths).
    plugins: dict[str, list[Any]] = field(
        default_factory=lambda: {"loaded": [], "failed": [], "untrusted": []}
    )

    @property
    def memory_ok(self) -> bool:
        return self.available_mb >= self.floor_mb

    @property
    def leftovers(self) -> bool:
        return any(entry["state"] == "leftover" for entry in self.runs)

    @property
    def problems(self) -> int:
        """Low memory, each plugin that failed to load, each run that left processes behind, each
        problem of the issue store."""
        leftovers = sum(e["state"] == "leftover" for e in self.runs)
        return (not self.memory_ok) + len(self.plugins["failed"]) + leftovers + len(self.issues)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FAILURE if self.problems else ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` report."""
        return {
            "memory": {"available_mb": self.available_mb, "floor_mb": self.floor_mb, "ok": self.memory_ok},
            "autopilot_home": str(self.autopilot_home),
            "claude_cli": self.claude_cli,
            "codex_cli": self.codex_cli,
            "credentials": self.credentials,
            "limits": self.limits,
            "plugins": self.plugins,
            "runs": self.runs,
            "issues": self.issues,
        }


def examine(
    config: Config,
    store: IssueStore,
    *,
    clean: bool = False,
    plugins: AutopilotPluginManager | None = None,
) -> DoctorReport:
    """Look at memory, the *plugins* loaded, leftover processes and *store*; with *clean*, stop the
    leftovers first."""
    report = DoctorReport(
        available_mb=available_memory_mb(),
        floor_mb=config.min_free_memory_mb,
        autopilot_home=autopilot_home(),
        claude_cli=claude_cli(config),
        codex_cli=codex_cli(config),
        credentials={"claude": claude_credentials(config), "codex": codex_credentials(config)},
    )
    sources = setting_sources(config)
    report.limits = {
        name: {"value": getattr(config, name), "from": sources[name]}
        for name in ("max_budget_usd", "max_turns", "idle_timeout", "timeout")
    }
    if plugins is not None:
        report.plugins = {
            "loaded": [info.name for info in plugins.plugin_infos()],
            "failed": [
                {"name": f.name, "distribution": f.distribution, "version": f.version, "error": f.error}
                for f in plugins.load_errors
            ],
            "untrusted": [str(path) for path in plugins.untrusted],
        }
    for record in read_pid_files():
        alive = record.alive_children()
        running = record.owner_alive() and record.owner_pid != os.getpid()
        entry: dict[str, Any] = {
            "run_id": record.run_id,
            "owner_pid": record.owner_pid,
            "cwd": record.cwd,
            "started_at": record.started_at,
            "state": "running" if running else ("leftover" if alive else "stale"),
            "processes": alive,
        }
        if clean and not running:
            entry["stopped"] = stop_processes(alive) if alive else []
            if record.path is not None:
                record.path.unlink(missing_ok=True)
            entry["state"] = "cleaned"
        report.runs.append(entry)
    report.issues = [problem.to_dict() for problem in store.doctor()]
    return report


def claude_cli(config: Config) -> str:
    """Which Claude Code CLI runs use, found as the Claude backend finds it (``cli_path``, else the one
    bundled with claude-agent-sdk, else ``claude`` on PATH), without importing the SDK (seconds)."""
    from autopilot.plugins.claude.settings import (
        PLUGIN_NAME,
        ClaudeSettings,
        ClaudeSetupError,
        bundled_cli_path,
        find_cli,
    )

    try:
        cli = find_cli(
            ClaudeSettings.from_mapping(config.plugin_config(PLUGIN_NAME), config.plugin_where(PLUGIN_NAME))
        )
    except ClaudeSetupError as exc:
        return f"not usable: {exc}"
    if cli is None:
        return "not found: claude-agent-sdk has no bundled CLI and there is no claude on PATH"
    if cli == bundled_cli_path():
        # The SDK's build writes the bundled CLI's version beside it: "2.1.332 (Claude Code)".
        with contextlib.suppress(OSError, IndexError):
            version = Path(cli).with_name("claude.version").read_text(encoding="utf-8").split()[0]
            return f"bundled Claude Code {version} ({cli})"
    return cli


def codex_cli(config: Config) -> str:
    """Which codex binary ``--agent codex`` runs use, found as the Codex backend finds it."""
    from autopilot.plugins.codex.settings import (
        PLUGIN_NAME,
        CodexSettings,
        CodexSetupError,
        bundled_codex,
        find_codex_binary,
    )

    try:
        binary = find_codex_binary(
            CodexSettings.from_mapping(config.plugin_config(PLUGIN_NAME), config.plugin_where(PLUGIN_NAME)),
            os.environ,
        )
    except CodexSetupError as exc:
        return f"not usable: {exc}"
    if binary == bundled_codex():
        from importlib.metadata import PackageNotFoundError, version

        with contextlib.suppress(PackageNotFoundError):
            return f"bundled codex {version('openai-codex-cli-bin')} ({binary})"
    return binary


def claude_credentials(config: Config) -> dict[str, str | None]:
    """Where a Claude run finds its credentials (``found``), or how to give it some (``advice``)."""
    from autopilot.plugins.claude.settings import (
        PLUGIN_NAME,
        ClaudeSettings,
        ClaudeSetupError,
        credentials_source,
    )

    try:
        settings = ClaudeSettings.from_mapping(
            config.plugin_config(PLUGIN_NAME), config.plugin_where(PLUGIN_NAME)
        )
    except ClaudeSetupError:
        return {"found": None, "advice": "see the claude CLI line"}
    found = credentials_source(settings, os.environ)
    advice = None
    if found is None:
        advice = (
            "no credentials found: set ANTHROPIC_API_KEY, or run `claude setup-token` and set "
            "CLAUDE_CODE_OAUTH_TOKEN, or log in with `claude` (a login kept in the macOS keychain "
            "is not seen here)"
        )
    return {"found": found, "advice": advice}


def codex_credentials(config: Config) -> dict[str, str | None]:
    """Where a Codex run finds its credentials (``found``), or how to give it some (``advice``)."""
    from autopilot.plugins.codex.backend import codex_home
    from autopilot.plugins.codex.settings import (
        AUTH_VARIABLES,
        PLUGIN_NAME,
        CodexSettings,
        CodexSetupError,
        credentials_problem,
    )

    try:
        settings = CodexSettings.from_mapping(
            config.plugin_config(PLUGIN_NAME), config.plugin_where(PLUGIN_NAME)
        )
    except CodexSetupError:
        return {"found": None, "advice": "see the codex CLI line"}
    home = codex_home(os.environ)
    problem = credentials_problem(settings, os.environ, home)
    if problem is not None:
        return {
            "found": None,
            "advice": problem.replace("codex has no credentials", "no credentials found", 1),
        }
    named = next((name for name in AUTH_VARIABLES if os.environ.get(name)), None)
    if os.environ.get("OPENAI_BASE_URL"):
        found = "OPENAI_API_KEY (for OPENAI_BASE_URL)"
    elif named:
        found = named
    elif (home / "auth.json").exists():
        found = f"codex's login ({home / 'auth.json'})"
    else:
        found = "the model provider configured for codex"
    return {"found": found, "advice": None}


__all__ = ["DoctorReport", "claude_cli", "claude_credentials", "codex_cli", "codex_credentials", "examine"]
