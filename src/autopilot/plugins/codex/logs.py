"""Codex's own logs, read in place: session rollouts (``$CODEX_HOME/sessions``) and ``codex exec --json``.

Usage comes from the running totals Codex writes, as per-call deltas (a total that drops is a new
process; a forked session's replayed history is not counted again): see ``rollout_events``.

Older Codex builds wrote other shapes, read here too:

- rollouts from before the record envelope (mid 2025): a bare header line ``{id, timestamp,
  instructions, ...}``, ``{"record_type": "state"}`` markers and bare response items, without usage;
- ``codex exec --json`` before ``thread.started`` (up to 0.3x): a configuration line naming the model,
  a ``{"prompt": ...}`` line, then ``{"id": ..., "msg": {"type": ...}}`` events, whose ``token_count``
  holds the running totals (``info``) or, in the oldest builds, one call's counts.

A log with usage that names no model (``codex exec --json``, rollouts from before ``turn_context``) is
taken as :data:`FALLBACK_MODEL`'s, as ccusage does, by ``analyze``, ``report``, ``import`` (unless
``--model`` names one) and ``export`` alike.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, BinaryIO, Final

import msgspec

from autopilot.core.logs import LogReader
from autopilot.core.usage import Session

#: The model of Codex usage whose log names none (ccusage's ``LEGACY_FALLBACK_MODEL``).
FALLBACK_MODEL: Final = "gpt-5"

#: Response items a rollout from before the record envelope holds as bare lines.
_ITEM_TYPES: Final = frozenset(
    {"message", "reasoning", "function_call", "function_call_output", "custom_tool_call"}
    | {"custom_tool_call_output", "local_shell_call", "local_shell_call_output", "web_search_call"}
)


#: The record types of a rollout's envelope (``{timestamp, type, payload}``).
_ENVELOPE_TYPES: Final = frozenset(
    {"session_meta", "turn_context", "event_msg", "response_item", "compacted"}
)


def _with_model(events: list[Any]) -> list[Any]:
    """*events*, led by the fallback model when they hold usage but name no model."""
    from autopilot.core.models import BackendEvent

    if any(e.usage is not None for e in events) and not any(e.model for e in events):
        events.insert(0, BackendEvent(model=FALLBACK_MODEL))
    return events


class CodexRolloutReader(LogReader):
    """Codex session rollouts (``rollout-*.jsonl``), with or without the record envelope."""

    name = "codex-rollout"
    agent = "codex"
    #: A record of the envelope; a rollout need not open with ``session_meta`` (ccusage reads one
    #: that opens with ``turn_context``), so any of Codex's record types, with a payload, will do.
    _ENVELOPE = re.compile(rb'"type"\s*:\s*"(?:%s)"' % "|".join(sorted(_ENVELOPE_TYPES)).encode())
    #: The header line of a rollout from before the envelope: its id, then its time.
    _LEGACY = re.compile(rb'^\s*\{\s*"id"\s*:\s*"[^"]*"\s*,\s*"timestamp"\s*:\s*"')

    def sniff(self, head: bytes, path: Path) -> bool:
        if head.lstrip()[:1] != b"{":
            return False
        if self._ENVELOPE.search(head) and b'"payload"' in head:
            return True
        return bool(self._LEGACY.match(head)) and (b'"record_type"' in head or b'"instructions"' in head)

    def locations(self, environ: Mapping[str, str]) -> list[Path]:
        """``$CODEX_HOME/sessions`` (``~/.codex/sessions`` by default); like ccusage, ``$CODEX_HOME``
        may list several homes separated by commas."""
        homes = [h.strip() for h in (environ.get("CODEX_HOME") or "").split(",") if h.strip()]
        homes = homes or [str(Path(environ.get("HOME") or Path.home()) / ".codex")]
        return [Path(home).expanduser() / "sessions" for home in homes]

    def scan(self, path: Path, data: bytes) -> list[Session]:
        return self.scan_file(path, io.BytesIO(data))

    def scan_file(self, path: Path, handle: BinaryIO) -> list[Session]:
        """The session, read a line at a time from *handle* by :func:`scan_rollout` (so memory does not
        grow with the file); a rollout from before the envelope, or a file whose first line is not a
        JSON record, is read whole."""
        session = scan_rollout(path, handle, self.name)
        if session is None:
            from autopilot.core.importer import session_of_imported

            handle.seek(0)
            session = session_of_imported(self.read(path, handle.read()), path, self.name)
        return [session]

    def read(self, path: Path, data: bytes) -> Any:
        from autopilot.core.importer import parse_records

        records, _ = parse_records(data, path)
        return rollout_run(records)


class _Envelope(msgspec.Struct):
    """A rollout line, its payload left undecoded."""

    timestamp: Any = None
    type: Any = None
    payload: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET


class _Item(msgspec.Struct):
    """What ``analyze`` reads of a ``response_item``: not its encrypted reasoning, nor the text of an
    assistant message (a user message's is read, for whether it is the prompt), nor a tool's input."""

    type: Any = None
    role: Any = None
    content: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    summary: Any = None
    name: Any = None
    arguments: Any = None
    input: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    call_id: Any = None
    id: Any = None
    action: Any = None
    output: Any = None


class _Event(msgspec.Struct):
    """An ``event_msg``: its ``type``, and a ``token_count``'s ``info`` (not its rate limits)."""

    type: Any = None
    info: Any = None


#: The ``response_item`` types :class:`_Item` holds all that is counted of; any other is read whole.
_ITEMS: Final = frozenset(
    {"message", "reasoning", "function_call", "custom_tool_call", "local_shell_call", "web_search_call"}
    | {"function_call_output", "custom_tool_call_output", "local_shell_call_output"}
)
#: The ``event_msg`` types that count (the others repeat response items for the UI).
_EVENTS: Final = frozenset({"token_count", "turn_aborted", "task_complete"})
_DECODE_ENVELOPE = msgspec.json.Decoder(_Envelope).decode
_DECODE_ITEM = msgspec.json.Decoder(_Item).decode
_DECODE_EVENT = msgspec.json.Decoder(_Event).decode
_DECODE = msgspec.json.Decoder().decode


def _payload(kind: Any, raw: msgspec.Raw) -> dict[str, Any]:
    """What :class:`~autopilot.plugins.codex.backend.RolloutEvents` reads of a payload (an object)."""
    if kind == "response_item":
        item = _DECODE_ITEM(raw)
        if item.type in _ITEMS:
            content = None
            if item.role == "user" and item.content is not msgspec.UNSET:
                content = _DECODE(item.content)
            lean = {
                "type": item.type, "role": item.role, "content": content, "summary": item.summary,
                "name": item.name, "arguments": item.arguments, "call_id": item.call_id, "id": item.id,
                "action": item.action, "output": item.output,
            }  # fmt: skip
            if item.input is not msgspec.UNSET:
                lean["input"] = None
            return lean
    elif kind == "event_msg":
        event = _DECODE_EVENT(raw)
        if event.type == "token_count":
            return {"type": "token_count", "info": event.info}
        if event.type not in _EVENTS:
            return {"type": event.type}
    elif kind not in _ENVELOPE_TYPES and kind != "token_usage_record":
        return {}  # a record of a kind nothing reads
    return _DECODE(raw)


def _line_record(line: bytes) -> dict[str, Any] | None:
    """One rollout line as a record whose payload holds what ``analyze`` reads; None if it is not a
    JSON object. A line msgspec refuses (a lone surrogate escape, bytes that are not UTF-8, ``NaN``) is
    read as the standard library reads the whole file (:func:`~autopilot.core.importer.parse_records`)."""
    try:
        envelope = _DECODE_ENVELOPE(line)
        record = {"timestamp": envelope.timestamp, "type": envelope.type}
        raw = envelope.payload
        if raw is not msgspec.UNSET:
            record["payload"] = _payload(envelope.type, raw) if memoryview(raw)[:1] == b"{" else raw
        return record
    except (msgspec.DecodeError, msgspec.ValidationError):
        pass
    try:
        record = json.loads(line.decode("utf-8", errors="replace"))
    except json.JSONDecodeError:
        return None
    return record if isinstance(record, dict) else None


def scan_rollout(path: Path, lines: Iterable[bytes], kind: str) -> Session | None:
    """The session of the rollout whose *lines* are given (an open binary file), read one at a time
    into the figures ``analyze`` keeps (the same
    :class:`~autopilot.plugins.codex.backend.RolloutEvents` as ``import``, with only the steps'
    types, times and tools); None for a rollout from before the envelope or a file whose first line
    is not a JSON record (a JSON document over several lines), which are read whole."""
    from autopilot.core.importer import SessionTally
    from autopilot.plugins.codex.backend import RolloutEvents

    tally = SessionTally(timed=True)
    reader = RolloutEvents(tally.add, figures=True)
    first, last = None, None
    seen = False
    for line in lines:
        if not line.strip():
            continue
        record = _line_record(line)
        if not seen:
            if record is None or "payload" not in record:
                return None
            seen = True
        if record is None:
            continue
        ts = record.get("timestamp")
        if isinstance(ts, str):
            if first is None or ts < first:
                first = ts
            if last is None or ts > last:
                last = ts
        reader.feed(record)
    if not seen:
        return None
    reader.finish()
    meta = reader.meta
    return tally.session(
        path,
        kind,
        "codex",
        started_at=meta.get("started_at") or first,
        ended_at=last,
        cwd=meta.get("cwd"),
        default_model=FALLBACK_MODEL,
    )


def enveloped(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """*records* as ``{timestamp, type, payload}`` records: a rollout from before the envelope gets one
    (its header becomes the ``session_meta``; its items, which have no time, take the header's)."""
    if not records or "payload" in records[0]:
        return records
    out: list[dict[str, Any]] = []
    started: Any = None
    for record in records:
        if "payload" in record or "record_type" in record:
            if "payload" in record:
                out.append(record)
            continue
        if "type" not in record and "id" in record and "timestamp" in record:
            started = started or record["timestamp"]
            out.append({"timestamp": record["timestamp"], "type": "session_meta", "payload": record})
        elif record.get("type") in _ITEM_TYPES:
            ts = record.get("timestamp") or started
            out.append({"timestamp": ts, "type": "response_item", "payload": record})
    return out


def rollout_run(records: list[dict[str, Any]]) -> Any:
    """A rollout's records as an :class:`~autopilot.core.models.ImportedRun` that ends at its last line."""
    from autopilot.core.models import ImportedRun
    from autopilot.plugins.codex.backend import rollout_events

    legacy = bool(records) and "payload" not in records[0]
    records = enveloped(records)
    events, meta = rollout_events(records)
    _with_model(events)
    times = [r["timestamp"] for r in records if isinstance(r.get("timestamp"), str)]
    # Before the envelope only the header has a time: when the session ended is not known.
    return ImportedRun(
        "codex",
        events,
        prompt=meta.get("prompt"),
        cwd=meta.get("cwd"),
        started_at=meta.get("started_at") or (min(times) if times else None),
        ended_at=max(times) if times and not legacy else None,
        timed=not legacy,
    )


class CodexExecReader(LogReader):
    """``codex exec --json`` output (thread events, or the older ``msg`` events; no times)."""

    name = "codex-exec-json"
    agent = "codex"
    _STARTED = re.compile(rb'"type"\s*:\s*"thread\.started"')
    #: An event of the older output: ``{"id": "0", "msg": {"type": ...}}``.
    _MSG = re.compile(rb'\{\s*"id"\s*:\s*"[^"]*"\s*,\s*"msg"\s*:\s*\{\s*"type"\s*:')

    def sniff(self, head: bytes, path: Path) -> bool:
        if head.lstrip()[:1] != b"{":
            return False
        return bool(self._STARTED.search(head)) or bool(self._MSG.search(head))

    def scan(self, path: Path, data: bytes) -> list[Session]:
        from autopilot.core.importer import session_of_imported

        return [session_of_imported(self.read(path, data), path, self.name)]

    def read(self, path: Path, data: bytes) -> Any:
        from autopilot.core.importer import parse_records

        records, _ = parse_records(data, path)
        return exec_run(records)


def exec_run(records: list[dict[str, Any]]) -> Any:
    """``codex exec --json`` output, of either shape, as an ImportedRun."""
    from autopilot.core.models import BackendEvent, ImportedRun
    from autopilot.plugins.codex.backend import exec_log_events

    if any(isinstance(r.get("msg"), dict) for r in records[:50]):
        converted, model, unreported = legacy_exec_events(records)
        events = exec_log_events(converted)
        if unreported is not None:  # killed before its task_complete: what it used so far
            events.insert(-1, BackendEvent(usage=unreported.to_usage(), turn_complete=True))
        if model:
            events.insert(0, BackendEvent(model=model))
        return ImportedRun("codex", _with_model(events), timed=False)
    return ImportedRun("codex", _with_model(exec_log_events(records)), timed=False)


def legacy_exec_events(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str | None, Any]:
    """Older ``codex exec --json`` output as the thread events Codex prints now, the model its
    configuration line names, and the usage no ``task_complete`` reported (RawUsage or None)."""
    from autopilot.plugins.codex.backend import RawUsage

    out: list[dict[str, Any]] = []
    model: str | None = None
    total = reported = RawUsage()
    begun: dict[str, dict[str, Any]] = {}

    def item(phase: str, body: dict[str, Any]) -> None:
        out.append({"type": f"item.{phase}", "item": body})

    for record in records:
        msg = record.get("msg")
        if not isinstance(msg, dict):
            if isinstance(record.get("model"), str) and not model:
                model = record["model"]  # the configuration summary printed first
            continue
        kind = msg.get("type")
        call = str(msg.get("call_id") or "")
        if kind == "session_configured":
            if isinstance(msg.get("model"), str):
                model = msg["model"]
            if msg.get("session_id"):
                out.append({"type": "thread.started", "thread_id": str(msg["session_id"])})
        elif kind == "task_started":
            out.append({"type": "turn.started"})
        elif kind == "agent_message":
            item("completed", {"id": f"msg_{len(out)}", "type": "agent_message", "text": msg.get("message")})
        elif kind == "agent_reasoning":
            item("completed", {"id": f"rs_{len(out)}", "type": "reasoning", "text": msg.get("text")})
        elif kind == "exec_command_begin":
            begun[call] = {"id": call, "type": "command_execution", "command": msg.get("command")}
            item("started", {**begun[call], "status": "in_progress"})
        elif kind == "exec_command_end":
            output = msg.get("aggregated_output")
            if output is None:
                output = "".join(str(msg.get(k) or "") for k in ("stdout", "stderr"))
            code = msg.get("exit_code")
            status = "completed" if code == 0 else "failed"
            body = begun.pop(call, {"id": call, "type": "command_execution", "command": None})
            item("completed", {**body, "aggregated_output": output, "exit_code": code, "status": status})
        elif kind == "patch_apply_begin":
            changes = msg.get("changes") if isinstance(msg.get("changes"), dict) else {}
            listed = [{"path": p, "kind": next(iter(c), "update") if isinstance(c, dict) else "update"}
                      for p, c in changes.items()]  # fmt: skip
            begun[call] = {"id": call, "type": "file_change", "changes": listed}
        elif kind == "patch_apply_end":
            body = begun.pop(call, {"id": call, "type": "file_change", "changes": []})
            item("completed", {**body, "status": "completed" if msg.get("success") else "failed"})
        elif kind == "mcp_tool_call_begin":
            invocation = msg.get("invocation") if isinstance(msg.get("invocation"), dict) else {}
            begun[call] = {"id": call, "type": "mcp_tool_call", "server": invocation.get("server"),
                           "tool": invocation.get("tool"),
                           "arguments": invocation.get("arguments")}  # fmt: skip
        elif kind == "mcp_tool_call_end":
            body = begun.pop(call, {"id": call, "type": "mcp_tool_call"})
            result = msg.get("result")
            failed = isinstance(result, dict) and "Err" in result
            item("completed", {**body, "result": result, "status": "failed" if failed else "completed"})
        elif kind == "web_search_end":
            item("completed", {"id": call, "type": "web_search", "query": msg.get("query")})
        elif kind == "token_count":
            info = msg.get("info")
            if isinstance(info, dict) and isinstance(info.get("total_token_usage"), dict):
                total = RawUsage.from_codex(info["total_token_usage"])
            elif isinstance(info, dict) and isinstance(info.get("last_token_usage"), dict):
                total = total + RawUsage.from_codex(info["last_token_usage"])
            elif "input_tokens" in msg or "output_tokens" in msg:
                total = total + RawUsage.from_codex(msg)  # the oldest builds: one call's counts
        elif kind == "task_complete":
            out.append({"type": "turn.completed", "usage": total.to_codex()})
            reported = total
        elif kind in ("error", "stream_error"):
            out.append({"type": "error", "message": msg.get("message")})
        elif kind == "turn_aborted":
            out.append({"type": "turn.failed", "error": {"message": f"turn aborted: {msg.get('reason')}"}})
    unreported = total - reported
    return out, model, (None if unreported.empty or not unreported.covers(RawUsage()) else unreported)


def import_codex(records: list[dict[str, Any]]) -> Any:
    """A rollout or ``codex exec --json`` output (any shape) as an ImportedRun, or None if *records*
    are neither."""
    from autopilot.plugins.codex.backend import _EXEC_TYPES

    head = records[:20]
    if any(r.get("type") in _ENVELOPE_TYPES and isinstance(r.get("payload"), dict) for r in head):
        return rollout_run(records)
    first = records[0] if records else {}
    if (
        "type" not in first
        and "id" in first
        and "timestamp" in first
        and ("instructions" in first or any("record_type" in r for r in head))
    ):
        return rollout_run(records)  # from before the record envelope
    if any(isinstance(r.get("msg"), dict) and isinstance(r["msg"].get("type"), str) for r in head):
        return exec_run(records)
    types = {r.get("type") for r in records}
    if "thread.started" in types and types <= _EXEC_TYPES | {None}:
        return exec_run(records)
    return None
