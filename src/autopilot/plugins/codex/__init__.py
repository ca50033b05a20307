"""Built-in plugin ``backend_codex``: the Codex agent (``codex exec --json``), and Codex's own logs.

The hooks below only import what they register, so loading the plugin (which every command does) costs
nothing: the backend is :mod:`.backend` (its command line in :mod:`.command`, settings in
:mod:`.settings`), the log readers :mod:`.logs`; what Codex's events mean, for both, :mod:`.events`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autopilot import hookimpl


@hookimpl
def backend_register(register: Any) -> None:
    """The ``codex`` backend."""
    from autopilot.plugins.codex.backend import CodexBackend

    register(CodexBackend)


@hookimpl
def backend_select(agent: str | None, issue: dict[str, Any] | None) -> str | None:
    """An issue labelled ``agent:codex`` runs on Codex, unless ``--agent`` names a backend."""
    if agent or not issue:
        return None
    labels = issue.get("labels") or ()
    return "codex" if "agent:codex" in labels else None


@hookimpl
def log_reader_register(register: Any) -> None:
    """Codex rollouts and ``exec --json`` output, read in place by ``analyze`` and ``report``."""
    from autopilot.plugins.codex.logs import CodexExecReader, CodexRolloutReader

    register(CodexRolloutReader())
    register(CodexExecReader())


@hookimpl
def trajectory_import(path: Path, records: list[dict[str, Any]]) -> Any:
    """Codex logs: ``codex exec --json`` stdout, and session rollouts (``$CODEX_HOME/sessions``)."""
    from autopilot.plugins.codex.logs import import_codex

    return import_codex(records)
