"""Built-in plugin ``backend_claude``: the Claude Code agent, and Claude Code's own logs.

The hooks below only import what they register, so loading the plugin (which every command does) costs
nothing: the backend is :mod:`.backend` (settings in :mod:`.settings`), the log readers :mod:`.logs`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autopilot import hookimpl


@hookimpl
def backend_register(register: Any) -> None:
    """The ``claude`` backend."""
    from autopilot.plugins.claude.backend import ClaudeBackend

    register(ClaudeBackend)


@hookimpl
def log_reader_register(register: Any) -> None:
    """Claude Code transcripts and stream-json output, read in place by ``analyze`` and ``report``."""
    from autopilot.plugins.claude.logs import ClaudeStreamReader, ClaudeTranscriptReader

    register(ClaudeTranscriptReader())
    register(ClaudeStreamReader())


@hookimpl
def trajectory_import(path: Path, records: list[dict[str, Any]]) -> Any:
    """Claude Code logs: session transcripts and ``stream-json`` output (``claude -p``)."""
    from autopilot.plugins.claude.logs import import_claude

    return import_claude(records)
