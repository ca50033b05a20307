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

import contextlib
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Final

import msgspec

from autopilot.core.logs import LogReader
from autopilot.core.models import BackendEvent, ImportedRun, Step, Usage, epoch_ts
from autopilot.core.usage import Session
from autopilot.plugins.codex.events import (
    CodexEventMapper,
    RawUsage,
    UsageTracker,
    token_count_delta,
    unwrap_shell,
)

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
        start = handle.tell()
        session = scan_rollout(path, handle, self.name)
        if session is None:
            from autopilot.core.importer import session_of_imported

            handle.seek(start)
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
    """What :class:`RolloutEvents` reads of a payload (an object)."""
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
    :class:`RolloutEvents` as ``import``, with only the steps'
    types, times and tools); None for a rollout from before the envelope or a file whose first line
    is not a JSON record (a JSON document over several lines), which are read whole."""
    from autopilot.core.importer import SessionTally

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
        branch=meta.get("branch"),
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
        branch=meta.get("branch"),
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


# ------------------------------------------------------------------------------------------------
# Codex logs as a run's events (``import``, and ``analyze`` through the same accounting)

_EXEC_TYPES: Final = frozenset(
    {"thread.started", "turn.started", "turn.completed", "turn.failed", "item.started", "item.updated"}
    | {"item.completed", "error"}
)


_SHELL_FUNCTIONS: Final = frozenset({"shell", "shell_command", "exec_command", "bash", "local_shell_call"})


_INJECTED: Final = re.compile(
    r"^\s*<(environment_context|user_instructions|INSTRUCTIONS|permissions instructions)\b"
)


_EXIT_CODE: Final = re.compile(r"Process exited with code (-?\d+)")
#: The time a newer build states for a command (``Wall time: 1.8645 seconds``).
_WALL_TIME: Final = re.compile(r"Wall time: (\d+(?:\.\d+)?) seconds")


def exec_log_events(records: list[dict[str, Any]]) -> list[BackendEvent]:
    """A saved ``codex exec --json`` stdout as backend events (usage from each turn's running total)."""
    mapper = CodexEventMapper()
    tracker = UsageTracker()
    events: list[BackendEvent] = []
    for record in records:
        event = mapper.feed(record)
        if record.get("type") == "turn.completed" and mapper.completed_usage is not None:
            delta = tracker.snapshot(mapper.completed_usage)
            if delta is not None:
                # The log has no per-call figures: the turn's usage goes on its last step.
                target = next((e for e in reversed(events) if e.steps and e.usage is None), None)
                if target is None:
                    events.append(target := BackendEvent())
                target.usage, target.turn_complete = delta.to_usage(), True
        if event is not None:
            events.append(event)
    if mapper.failed is not None:
        status, error = "error", mapper.failed
    else:
        status, error = ("success" if mapper.turns_completed else "incomplete"), None
    events.append(BackendEvent(done=True, status=status, final_text=mapper.final_text, error=error))
    return events


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts = [str(c.get("text", "")) for c in content or [] if isinstance(c, dict) and "text" in c]
    return "\n".join(parts)


class _ShellOutput(msgspec.Struct):
    """A ``function_call_output`` whose output is a JSON object (``{output, metadata}``), the output
    left undecoded."""

    output: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    metadata: Any = None


_DECODE_SHELL_OUTPUT = msgspec.json.Decoder(_ShellOutput).decode


def _function_output(output: Any, *, text_needed: bool = True) -> tuple[str | None, bool]:
    """A rollout ``function_call_output``: the text and whether it reports a failure. Without
    *text_needed* the text is None when the output states its exit code (what ``analyze`` reads)."""
    text, failed, _ = _function_result(output, text_needed=text_needed)
    return text, failed


def _function_result(output: Any, *, text_needed: bool = True) -> tuple[str | None, bool, float | None]:
    """:func:`_function_output`, and the seconds the call took as the output states them (the
    ``metadata.duration_seconds`` of older builds, the ``Wall time: … seconds`` line of newer ones),
    or None."""
    seconds: Any = None
    if isinstance(output, dict):
        text, exit_code = str(output.get("content") or output), None
    else:
        text, exit_code = str(output or ""), None
        try:
            # msgspec first: it reads the exit code without decoding the output's text.
            shell = _DECODE_SHELL_OUTPUT(text)
        except (ValueError, msgspec.ValidationError):
            # Not a JSON object, or one msgspec refuses (NaN, a lone surrogate): as json reads it.
            shell = None
            with contextlib.suppress(ValueError):
                decoded = json.loads(text)
                if isinstance(decoded, dict) and "output" in decoded:
                    text = str(decoded["output"])
                    metadata = decoded.get("metadata") or {}
                    exit_code, seconds = metadata.get("exit_code"), metadata.get("duration_seconds")
        if shell is not None and shell.output is not msgspec.UNSET:
            metadata = shell.metadata if isinstance(shell.metadata, dict) else {}
            exit_code, seconds = metadata.get("exit_code"), metadata.get("duration_seconds")
            if text_needed or exit_code is None:
                text = str(msgspec.json.decode(shell.output))
            else:
                return None, isinstance(exit_code, int) and exit_code != 0, _seconds(seconds)
    head = text[:400]
    if exit_code is None:
        match = _EXIT_CODE.search(head)
        exit_code = int(match.group(1)) if match else None
    if seconds is None and "Wall time" in head:
        match = _WALL_TIME.search(head)
        seconds = float(match.group(1)) if match else None
    return text, isinstance(exit_code, int) and exit_code != 0, _seconds(seconds)


def _seconds(value: Any) -> float | None:
    """A stated duration in seconds: a finite number from 0 to a day, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if 0 <= value <= 86_400 else None


def _rollout_call(payload: Mapping[str, Any], *, inputs: bool = True) -> tuple[str, Any]:
    """(tool, input) of a rollout ``function_call`` / ``custom_tool_call`` / ``local_shell_call``;
    without *inputs*, the input is None (``analyze`` counts only the tool)."""
    name = str(payload.get("name") or payload.get("type") or "?")
    if "input" in payload and payload.get("type") == "custom_tool_call":
        return name, {"input": payload["input"]} if inputs else None
    arguments: Any = payload.get("arguments")
    if isinstance(arguments, str):
        with contextlib.suppress(ValueError):
            arguments = json.loads(arguments)
    if payload.get("type") == "local_shell_call":
        arguments = (payload.get("action") or {}).get("exec") or arguments
    if name in _SHELL_FUNCTIONS or payload.get("type") == "local_shell_call":
        command = arguments.get("cmd") or arguments.get("command") if isinstance(arguments, dict) else None
        if command is not None:
            if not inputs:
                return "command_execution", None
            return "command_execution", {
                "command": unwrap_shell(command),
                "argv": command,
                "arguments": arguments,
            }
    return name, arguments if inputs else None


def _model_name(payload: Mapping[str, Any]) -> str | None:
    """The model a ``turn_context`` or ``token_count`` info names (``model``, ``model_name``)."""
    for key in ("model", "model_name"):
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _uuid7_time(value: Any) -> float | None:
    """The creation time (seconds since the epoch) of a UUIDv7 such as Codex's session and turn ids."""
    text = str(value or "").replace("-", "")
    if len(text) != 32 or text[12] != "7":
        return None
    try:
        return int(text[:12], 16) / 1000
    except ValueError:
        return None


def _epoch(value: Any) -> float | None:
    """An ISO 8601 timestamp in seconds since the epoch, or None."""
    from autopilot.core.usage import parse_time

    try:
        return parse_time(str(value)).timestamp() if value else None
    except ValueError:
        return None


@dataclass
class _Replay:
    """Where a forked or sub-agent session's copy of its parent's history ends.

    Codex copies the parent's records in one burst when the session is made, keeping their old times
    or stamping them within the second the fork was made. The session's own records start with the
    first ``turn_context`` whose turn id (a UUIDv7) was minted at or after the session's own, or with
    the first record stamped a second or more after the fork.
    """

    session: str | None
    timestamp: str

    def __post_init__(self) -> None:
        # Turn ids are compared with the session id, record times with the session_meta's time.
        by_id, by_time = _uuid7_time(self.session), _epoch(self.timestamp)
        self.made_id = by_id if by_id is not None else by_time
        self.made_at = by_time if by_time is not None else by_id

    def ends_at(self, kind: Any, payload: Mapping[str, Any], ts: str | None) -> bool:
        if self.made_at is None or self.made_id is None:
            return True  # no time to tell the copy by: count everything, as before forks existed
        if kind == "turn_context":
            turn = _uuid7_time(payload.get("turn_id"))
            if turn is not None:
                return turn >= self.made_id
        moment = _epoch(ts)
        return moment is not None and moment >= self.made_at + 1


def _lean_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """*record* without what would be stored twice or is opaque: tool output (the step's ``output``),
    encrypted reasoning and injected instructions (``base_instructions``)."""
    payload = record.get("payload")
    if not isinstance(payload, dict):
        return dict(record)
    drop = {"encrypted_content", "base_instructions", "instructions"}
    if payload.get("type") in ("function_call_output", "custom_tool_call_output", "local_shell_call_output"):
        drop.add("output")
    lean = {k: ("(omitted)" if k in drop and v else v) for k, v in payload.items()}
    return {**record, "payload": lean}


def rollout_events(records: Iterable[Mapping[str, Any]]) -> tuple[list[BackendEvent], dict[str, Any]]:
    """A Codex session rollout as backend events, plus ``prompt``/``cwd``/``branch``/``started_at`` when known
    (see :class:`RolloutEvents`)."""
    events: list[BackendEvent] = []
    reader = RolloutEvents(events.append)
    for record in records:
        reader.feed(record)
    reader.finish()
    return events, reader.meta


def full_step(step_type: Any, ts: str | None, record: Mapping[str, Any], **fields: Any) -> Step:
    """A step of a rollout record, with everything it holds (what ``import`` records)."""
    created = Step(step_type, raw=_lean_record(record), **fields)
    if ts:
        created.ts = ts
    return created


def figures_step(
    step_type: Any,
    ts: str | None,
    record: Mapping[str, Any],
    *,
    tool: str | None = None,
    tool_use_id: str | None = None,
    is_error: bool | None = None,
    **_: Any,
) -> Step:
    """A step of a rollout record with only what ``analyze`` counts (its type, time and tool)."""
    if ts:
        return Step(step_type, ts, tool=tool, tool_use_id=tool_use_id, is_error=is_error)
    return Step(step_type, tool=tool, tool_use_id=tool_use_id, is_error=is_error)


class RolloutEvents:
    """How a Codex session rollout's records become backend events: the one home of how a rollout's
    usage, models, tools and forks are counted, for ``import`` (every step) and ``analyze`` (only what
    it counts, :func:`figures_step`) alike.

    Records are fed in order (``{timestamp, type, payload}``); each event goes to *emit* once it can no
    longer change, so only the events of the model call being read are held. With *figures*, steps
    hold only their type, time and tool (:func:`figures_step`), and what only the other fields need
    (tool inputs, output texts) is not worked out.

    Model output items (reasoning, assistant messages, tool calls) of one model call become one event;
    each call's usage (the running total's change, or a per-call record) goes on that event, with the
    time of the record that reported it (``usage_ts``), whether the rollout writes it before the items
    (older builds) or after them (newer ones). A ``token_count``
    without a running total counts its ``last_token_usage``.

    A forked session (``session_meta.forked_from_id``) and a sub-agent's session (a second
    ``session_meta`` of another session right after its own) start by replaying the parent's history:
    that replay is skipped (its usage only sets the baseline of the running total), as :class:`_Replay`
    tells where it ends.
    """

    def __init__(self, emit: Callable[[BackendEvent], Any], *, figures: bool = False) -> None:
        self._emit = emit
        #: Whether steps hold everything (``import``), or only what ``analyze`` counts.
        self._full = not figures
        self._make_step = figures_step if figures else full_step
        self.tracker = UsageTracker()
        #: ``prompt``, ``cwd`` and ``started_at``, once known.
        self.meta: dict[str, Any] = {}
        #: Events that may still change (from the open model call on), not emitted yet.
        self._events: list[BackendEvent] = []
        self._pending: list[tuple[Usage, str | None]] = []  # usage reported before its call's items
        self._group: BackendEvent | None = None
        self._names: dict[str, str] = {}
        #: Calls whose output has not come yet: their step, and the event of their model call.
        self._calls: dict[str, tuple[Step, BackendEvent]] = {}
        self._ending: str | None = None
        self._final_text: str | None = None
        self._own_id: str | None = None
        self._replay: _Replay | None = None
        self._started = False  # a record of the session's own after its session_meta
        self._model: str | None = None
        self._inherited: str | None = None  # the model the replayed history last named
        self._ts: str | None = None
        self._record: Mapping[str, Any] = {}

    def _close(self) -> None:
        self._group = None

    def _step(self, step_type: Any, **fields: Any) -> Step:
        return self._make_step(step_type, self._ts, self._record, **fields)

    def _add_usage(self, delta: RawUsage | None, when: str | None) -> None:
        if delta is None:
            return
        group = self._group
        if group is not None and group.usage is None:
            group.usage, group.turn_complete, group.usage_ts = delta.to_usage(), True, when
        else:
            self._close()
            self._pending.append((delta.to_usage(), when))

    def _use_model(self, name: Any) -> None:
        if isinstance(name, str) and name.strip() and name.strip() != self._model:
            self._model = name.strip()
            group = self._group
            if group is not None and group.usage is None and group.model is None:
                group.model = self._model
            else:
                # Usage reported before the switch was the previous model's (newer builds report a
                # call's usage after its items, so it is still waiting for the next call's items).
                self._events.extend(
                    BackendEvent(usage=u, turn_complete=True, usage_ts=at) for u, at in self._pending
                )
                self._pending.clear()
                self._events.append(BackendEvent(model=self._model))

    def feed(self, record: Mapping[str, Any]) -> None:
        """Read one record."""
        self._read(record)
        if self._group is None and self._events:
            for event in self._events:
                self._emit(event)
            self._events.clear()

    def finish(self) -> None:
        """The end of the rollout: the usage still waiting for its items, and the run's end."""
        self._events += [BackendEvent(usage=u, turn_complete=True, usage_ts=at) for u, at in self._pending]
        self._pending.clear()
        status = self._ending or ("success" if self._final_text is not None else "incomplete")
        self._events.append(BackendEvent(done=True, status=status, final_text=self._final_text))
        for event in self._events:
            self._emit(event)
        self._events.clear()

    def _read(self, record: Mapping[str, Any]) -> None:
        kind, payload = record.get("type"), record.get("payload")
        if not isinstance(payload, dict):
            return
        ts = str(record.get("timestamp") or "") or None
        self._ts, self._record = ts, record
        meta, events, step = self.meta, self._events, self._step
        if self._replay is not None and self._replay.ends_at(kind, payload, ts):
            self._replay = None
        if kind == "session_meta":
            session = str(payload.get("id") or "") or None
            if self._own_id is None:
                self._own_id = session
                if payload.get("forked_from_id"):
                    self._replay = _Replay(self._own_id, str(payload.get("timestamp") or ts or ""))
            elif session != self._own_id:
                # Another session's header: the start of the history this one replays (a sub-agent's
                # session names no forked_from_id), or a stray one later on: either way not ours.
                if not self._started and self._replay is None:
                    self._replay = _Replay(self._own_id, str(meta.get("started_at") or ""))
                return
            meta.setdefault("cwd", payload.get("cwd"))
            meta.setdefault("started_at", payload.get("timestamp") or ts)
            git = payload.get("git")
            branch = git.get("branch") if isinstance(git, dict) else None
            meta.setdefault("branch", branch if isinstance(branch, str) and branch else None)
            data = {
                k: payload.get(k)
                for k in ("id", "originator", "cli_version", "git", "source")
                if k in payload
            }
            events.append(
                BackendEvent(steps=[step("system", subtype="init", data=data)], session_id=payload.get("id"))
            )
            return
        if self._replay is not None:
            # The parent's history: its running totals are the baseline, its model carries on.
            if kind == "event_msg" and payload.get("type") == "token_count":
                token_count_delta(self.tracker, payload.get("info"))
            elif kind == "turn_context":
                self._inherited = _model_name(payload) or self._inherited
            return
        if not self._started and self._model is None and self._inherited:
            self._use_model(self._inherited)
        self._started = True
        if kind == "turn_context":
            self._close()
            self._use_model(_model_name(payload))
        elif kind == "token_usage_record" and isinstance(payload.get("usage"), dict):
            usage = RawUsage.from_codex(payload["usage"])
            self._add_usage(self.tracker.record(usage, payload.get("response_id")), ts)
        elif kind == "event_msg":
            subtype = payload.get("type")
            if subtype == "token_count":
                info = payload.get("info")
                if isinstance(info, dict):
                    self._use_model(_model_name(info))
                self._add_usage(token_count_delta(self.tracker, info), ts)
            elif subtype in ("turn_aborted", "task_complete"):
                self._close()
                self._ending = "interrupted" if subtype == "turn_aborted" else "success"
                data = {k: v for k, v in payload.items() if k != "type"}
                events.append(BackendEvent(steps=[step("system", subtype=str(subtype), data=data)]))
            # Other event_msg entries (user_message, agent_message, agent_reasoning, ...) repeat
            # response items for the UI; the response items are the record.
        elif kind == "compacted":
            self._close()
            events.append(
                BackendEvent(
                    steps=[step("system", subtype="compacted", data={"message": payload.get("message")})]
                )
            )
        elif kind == "response_item":
            self._item(payload)

    def _item(self, payload: Mapping[str, Any]) -> None:
        item_type = payload.get("type")
        step = self._step
        steps: list[Step] = []
        output_item = True
        if item_type == "message":
            text = _content_text(payload.get("content"))
            role = payload.get("role")
            if role == "assistant":
                steps, self._final_text = [step("assistant", text=text)], text
                self._ending = None
            else:
                output_item = False
                if role == "user" and not _INJECTED.match(text):
                    self.meta.setdefault("prompt", text)
                    steps = [step("user", text=text)]
                    self._ending = None
                else:
                    steps = [step("system", subtype=f"{role}_context", data={"text": text})]
        elif item_type == "reasoning":
            summary = payload.get("summary") or []
            text = "\n".join(str(p.get("text", "")) for p in summary if isinstance(p, dict))
            steps = [step("thinking", text=text)] if text else []
        elif item_type in ("function_call", "custom_tool_call", "local_shell_call", "web_search_call"):
            call_id = str(payload.get("call_id") or payload.get("id") or "")
            tool, tool_input = _rollout_call(payload, inputs=self._full)
            if item_type == "web_search_call":
                tool, tool_input = "web_search", payload.get("action")
            self._names[call_id] = tool
            steps = [step("tool_call", tool=tool, tool_use_id=call_id, input=tool_input)]
        elif item_type in ("function_call_output", "custom_tool_call_output", "local_shell_call_output"):
            output_item = False
            call_id = str(payload.get("call_id") or "")
            text, failed, seconds = _function_result(payload.get("output"), text_needed=self._full)
            self._stated_duration(call_id, seconds)
            steps = [
                step(
                    "tool_result",
                    tool=self._names.get(call_id),
                    tool_use_id=call_id,
                    output=text,
                    is_error=failed,
                )
            ]
        else:
            output_item = False
            steps = [step("system", subtype=f"item:{item_type}", data=dict(payload))]
        if not steps:
            return
        events = self._events
        if not output_item:
            self._close()
            events.append(BackendEvent(steps=steps))
            return
        group = self._group
        if group is None:
            group = self._group = BackendEvent(steps=[])
            events.append(group)
            pending = self._pending
            if pending:
                events[-1:-1] = [
                    BackendEvent(usage=u, turn_complete=True, usage_ts=at) for u, at in pending[:-1]
                ]
                group.usage, group.usage_ts = pending[-1]
                group.turn_complete = True
                pending.clear()
        group.steps += steps
        if steps[-1].type == "tool_call" and steps[-1].tool_use_id:
            self._calls[steps[-1].tool_use_id] = (steps[-1], group)

    def _stated_duration(self, call_id: str, seconds: float | None) -> None:
        """A call's output states how long it ran: when the rollout's own times show less (older
        builds write a call and its output together, once the command is over), the call's step
        is dated back to when it started, the output's time less the stated duration, and so are
        the model call's earlier steps (its reasoning) that are dated after that, so ``analyze``
        and ``import`` give the call its real latency, not 0 ms."""
        found = self._calls.pop(call_id, None)
        if found is None or not seconds or not self._ts:
            return
        call, group = found
        ended, began = _epoch(self._ts), _epoch(call.ts)
        if ended is None or began is None or began <= ended - seconds:
            return  # the rollout's times already show it (newer builds write the call first)
        start = ended - seconds
        stamp = epoch_ts(start)
        for step in group.steps:
            if step is call:
                step.ts = stamp
                break
            moment = _epoch(step.ts) if step.type != "tool_call" else None
            if moment is not None and moment > start:
                step.ts = stamp
