"""Codex's own logs, read in place: session rollouts (``$CODEX_HOME/sessions``) and ``codex exec --json``.

Usage comes from the running totals Codex writes, as per-call deltas (a total that drops is a new
process; a forked session's replayed history is not counted again): see ``rollout_events``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from autopilot.core.logs import LogReader
from autopilot.core.usage import Session


class CodexRolloutReader(LogReader):
    """Codex session rollouts (``rollout-*.jsonl``)."""

    name = "codex-rollout"
    agent = "codex"
    _META = re.compile(rb'"type"\s*:\s*"session_meta"')

    def sniff(self, head: bytes, path: Path) -> bool:
        return head.lstrip()[:1] == b"{" and bool(self._META.search(head))

    def locations(self, environ: Mapping[str, str]) -> list[Path]:
        """``$CODEX_HOME/sessions`` (``~/.codex/sessions`` by default)."""
        home = environ.get("CODEX_HOME") or str(Path(environ.get("HOME") or Path.home()) / ".codex")
        return [Path(home).expanduser() / "sessions"]

    def scan(self, path: Path, data: bytes) -> list[Session]:
        from autopilot.core.importer import session_of_imported

        session = session_of_imported(self.read(path, data), path, self.name)
        return [session]

    def read(self, path: Path, data: bytes) -> Any:
        from autopilot.core.importer import parse_records

        records, _ = parse_records(data, path)
        return rollout_run(records)


def rollout_run(records: list[dict[str, Any]]) -> Any:
    """A rollout's records as an :class:`~autopilot.core.models.ImportedRun` that ends at its last line."""
    from autopilot.core.models import ImportedRun
    from autopilot.plugins.codex.backend import rollout_events

    events, meta = rollout_events(records)
    times = [r["timestamp"] for r in records if isinstance(r.get("timestamp"), str)]
    return ImportedRun(
        "codex",
        events,
        prompt=meta.get("prompt"),
        cwd=meta.get("cwd"),
        started_at=meta.get("started_at") or (min(times) if times else None),
        ended_at=max(times) if times else None,
    )


class CodexExecReader(LogReader):
    """``codex exec --json`` output (thread events; no times, no model)."""

    name = "codex-exec-json"
    agent = "codex"
    _STARTED = re.compile(rb'"type"\s*:\s*"thread\.started"')

    def sniff(self, head: bytes, path: Path) -> bool:
        return head.lstrip()[:1] == b"{" and bool(self._STARTED.search(head))

    def scan(self, path: Path, data: bytes) -> list[Session]:
        from autopilot.core.importer import session_of_imported

        return [session_of_imported(self.read(path, data), path, self.name)]

    def read(self, path: Path, data: bytes) -> Any:
        from autopilot.core.importer import parse_records
        from autopilot.core.models import ImportedRun
        from autopilot.plugins.codex.backend import exec_log_events

        records, _ = parse_records(data, path)
        return ImportedRun("codex", exec_log_events(records), timed=False)


def import_codex(records: list[dict[str, Any]]) -> Any:
    """A rollout or ``codex exec --json`` output as an ImportedRun, or None if *records* are neither."""
    from autopilot.core.models import ImportedRun
    from autopilot.plugins.codex.backend import _EXEC_TYPES, exec_log_events

    head = records[:20]
    if any(r.get("type") == "session_meta" and isinstance(r.get("payload"), dict) for r in head):
        return rollout_run(records)
    types = {r.get("type") for r in records}
    if "thread.started" in types and types <= _EXEC_TYPES | {None}:
        return ImportedRun("codex", exec_log_events(records), timed=False)
    return None
