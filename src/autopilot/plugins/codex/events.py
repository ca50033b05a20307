"""What Codex's events mean for a run: its usage counters as per-call deltas, and ``codex exec --json``
events as trajectory steps.

Pure functions of what Codex prints and writes, shared by the live backend (:mod:`.backend`) and by
the readers of Codex's own logs (:mod:`.logs`, for ``analyze`` and ``import``); nothing here starts a
process or waits for one.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from autopilot import BackendEvent, Step, Usage

_SHELLS: Final = ("bash", "zsh", "sh", "dash", "fish", "ksh")


RETRY_NOTICE: Final = re.compile(r"^(Reconnecting|Retrying)\b", re.IGNORECASE)


def _count(value: Any) -> int:
    """A token counter as Codex wrote it: an int (a float is cut to one), else 0."""
    if type(value) is int:
        return value
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


@dataclass(frozen=True, slots=True)
class RawUsage:
    """Codex token counters (``cached`` is part of ``input``; ``reasoning`` is part of ``output``)."""

    input: int = 0
    cached: int = 0
    cache_write: int = 0
    output: int = 0
    reasoning: int = 0

    @classmethod
    def from_codex(cls, data: Mapping[str, Any] | None) -> RawUsage:
        if not data:
            return cls()
        get = data.get
        return cls(
            _count(get("input_tokens")),
            # Some writers (and ccusage's fixtures) name the cached part as Anthropic does.
            _count(get("cached_input_tokens")) or _count(get("cache_read_input_tokens")),
            _count(get("cache_write_input_tokens")),
            _count(get("output_tokens")),
            _count(get("reasoning_output_tokens")),
        )

    def to_codex(self) -> dict[str, int]:
        """The counters as Codex names them (what :meth:`from_codex` reads)."""
        return {
            "input_tokens": self.input,
            "cached_input_tokens": self.cached,
            "cache_write_input_tokens": self.cache_write,
            "output_tokens": self.output,
            "reasoning_output_tokens": self.reasoning,
        }

    def __add__(self, other: RawUsage) -> RawUsage:
        return RawUsage(
            self.input + other.input,
            self.cached + other.cached,
            self.cache_write + other.cache_write,
            self.output + other.output,
            self.reasoning + other.reasoning,
        )

    def __sub__(self, other: RawUsage) -> RawUsage:
        return RawUsage(
            self.input - other.input,
            self.cached - other.cached,
            self.cache_write - other.cache_write,
            self.output - other.output,
            self.reasoning - other.reasoning,
        )

    def covers(self, other: RawUsage) -> bool:
        """Every counter is at least *other*'s (a running total that did not restart)."""
        return (
            self.input >= other.input
            and self.cached >= other.cached
            and self.cache_write >= other.cache_write
            and self.output >= other.output
            and self.reasoning >= other.reasoning
        )

    @property
    def empty(self) -> bool:
        return not (self.input or self.cached or self.cache_write or self.output or self.reasoning)

    def to_usage(self) -> Usage:
        """Our buckets: uncached input, cache reads, cache writes, output (reasoning included, as billed)."""
        return Usage(
            input_tokens=max(0, self.input - self.cached - self.cache_write),
            output_tokens=self.output,
            cache_read_tokens=self.cached,
            cache_creation_tokens=self.cache_write,
        )


class UsageTracker:
    """Turns Codex's per-call records and running totals into deltas that add up exactly.

    ``record`` takes one model call's usage; ``snapshot`` takes a running total for the thread
    (rollout ``token_count`` or ``turn.completed``) and returns what the records did not cover. A
    total below the last one is a restart (older codex builds restart counting in a new process),
    and so is one that grew by less than the last call it names (a resumed session's new process,
    whose first call alone exceeds the old total): the delta is then the new total minus the records
    seen since the last snapshot.

    A rollout may write a call's record after the ``token_count`` whose total already holds it: a
    record equal to the ``last`` usage of a snapshot that counted it adds nothing.
    """

    def __init__(self, baseline: RawUsage | None = None) -> None:
        self.total = baseline or RawUsage()
        self._since_snapshot = RawUsage()
        self._seen: set[str] = set()
        #: The last calls of snapshots that counted them, their records not read yet.
        self._counted: deque[RawUsage] = deque(maxlen=8)

    def record(self, usage: RawUsage, key: str | None = None) -> RawUsage | None:
        if key is not None:
            if key in self._seen:
                return None
            self._seen.add(key)
        if usage in self._counted:
            self._counted.remove(usage)
            return None  # the running total before it held this call already
        self.total = self.total + usage
        self._since_snapshot = self._since_snapshot + usage
        return None if usage.empty else usage

    def snapshot(self, cumulative: RawUsage, last: RawUsage | None = None) -> RawUsage | None:
        grown = cumulative - self.total
        if cumulative.covers(self.total) and not self._restarted(grown, last):
            delta = grown
        else:
            rest = cumulative - self._since_snapshot
            delta = rest if rest.covers(RawUsage()) else RawUsage()
        self.total = cumulative
        self._since_snapshot = RawUsage()
        if last is not None and not last.empty and delta.covers(last):
            self._counted.append(last)
        return None if delta.empty else delta

    def _restarted(self, grown: RawUsage, last: RawUsage | None) -> bool:
        """Whether a total that grew by *grown* is a new process's, counted from zero: it grew by less
        than its own last call (*last*), which a total that kept counting always holds. (A resumed
        session's first call re-sends the whole conversation, so its total can exceed the old one.)
        Told only without per-call records since the last total, which need not be in it."""
        return last is not None and self._since_snapshot.empty and not grown.empty and not grown.covers(last)


def token_count_delta(tracker: UsageTracker, info: Any) -> RawUsage | None:
    """What a rollout ``token_count`` adds: the change of its running total, or (no total) its
    ``last_token_usage``."""
    if not isinstance(info, dict):
        return None  # info is null before the first model call
    if isinstance(info.get("total_token_usage"), dict):
        last = info.get("last_token_usage")
        return tracker.snapshot(
            RawUsage.from_codex(info["total_token_usage"]),
            RawUsage.from_codex(last) if isinstance(last, dict) else None,
        )
    if isinstance(info.get("last_token_usage"), dict):
        return tracker.record(RawUsage.from_codex(info["last_token_usage"]))
    return None


def unwrap_shell(command: Any) -> str:
    """The command a shell wrapper runs: ``/bin/bash -lc 'ls -la'`` -> ``ls -la``."""
    if isinstance(command, list):
        parts = [str(p) for p in command]
    elif isinstance(command, str):
        try:
            parts = shlex.split(command)
        except ValueError:
            return command
    else:
        return ""
    if len(parts) == 3 and Path(parts[0]).name in _SHELLS and parts[1] in ("-c", "-lc", "-l -c"):
        return parts[2]
    return command if isinstance(command, str) else shlex.join(parts)


def _mcp_output(item: Mapping[str, Any]) -> str:
    error = item.get("error")
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    result = item.get("result")
    if not isinstance(result, dict):
        return "" if result is None else json.dumps(result)
    texts = [
        str(c.get("text", "")) for c in result.get("content") or [] if isinstance(c, dict) and "text" in c
    ]
    if texts:
        return "\n".join(texts)
    structured = result.get("structured_content")
    return json.dumps(structured) if structured is not None else ""


@dataclass
class CodexEventMapper:
    """State of one ``codex exec --json`` stream while its events become trajectory steps.

    :meth:`feed` maps one parsed JSONL event to a :class:`BackendEvent` (or None when the event carries
    nothing to record). ``segment`` prefixes ``tool_use_id`` because codex numbers items from
    ``item_0`` again in every process, and a resumed run must not reuse ids.
    """

    segment: str = field(default_factory=lambda: os.urandom(3).hex())
    keep_raw: bool = True
    thread_id: str | None = None
    final_text: str | None = None
    turns_started: int = 0
    turns_completed: int = 0
    failed: str | None = None
    last_error: str | None = None
    completed_usage: RawUsage | None = None
    _called: set[str] = field(default_factory=set)
    _todo: dict[str, Any] = field(default_factory=dict)

    def _id(self, item: Mapping[str, Any]) -> str:
        return f"{self.segment}:{item.get('id', '?')}"

    def _raw(self, event: Mapping[str, Any]) -> Any:
        if not self.keep_raw:
            return None
        raw = dict(event)
        item = raw.get("item")
        if isinstance(item, dict) and item.get("aggregated_output"):
            # A command's output is the step's ``output`` already; don't store it twice.
            raw["item"] = {**item, "aggregated_output": "(see output)"}
        return raw

    def feed(self, event: Mapping[str, Any]) -> BackendEvent | None:
        kind = event.get("type")
        if kind == "thread.started":
            self.thread_id = str(event.get("thread_id") or "") or None
            step = Step(
                "system",
                subtype="init",
                data={"thread_id": self.thread_id, "agent": "codex"},
                raw=self._raw(event),
            )
            return BackendEvent(steps=[step], session_id=self.thread_id)
        if kind == "turn.started":
            self.turns_started += 1
            return None
        if kind == "turn.completed":
            self.turns_completed += 1
            self.completed_usage = RawUsage.from_codex(event.get("usage"))
            return None  # usage is reconciled by the backend (it also reads the rollout)
        if kind == "turn.failed":
            error = event.get("error")
            message = str(error.get("message") if isinstance(error, dict) else error or "turn failed")
            self.failed = message
            return BackendEvent(
                steps=[Step("error", text=message, subtype="turn_failed", raw=self._raw(event))]
            )
        if kind == "error":
            message = str(event.get("message") or "")
            if RETRY_NOTICE.match(message):
                return BackendEvent(
                    steps=[
                        Step("system", subtype="api_retry", data={"message": message}, raw=self._raw(event))
                    ]
                )
            self.last_error = message
            return BackendEvent(
                steps=[Step("error", text=message, subtype="stream_error", raw=self._raw(event))]
            )
        if kind in ("item.started", "item.updated", "item.completed"):
            item = event.get("item")
            if isinstance(item, dict):
                steps = self._item(str(kind).split(".", 1)[1], item, event)
                return BackendEvent(steps=steps) if steps else None
            return None
        # Newer event kinds (item.plan.delta, request_user_input, ...) are kept, not interpreted.
        return BackendEvent(
            steps=[Step("system", subtype=str(kind or "unknown"), data=dict(event), raw=None)]
        )

    def _item(self, phase: str, item: dict[str, Any], event: Mapping[str, Any]) -> list[Step]:
        kind = item.get("type")
        raw = self._raw(event)
        if kind == "agent_message":
            if phase != "completed":
                return []
            self.final_text = str(item.get("text") or "")
            return [Step("assistant", text=self.final_text, raw=raw)]
        if kind == "reasoning":
            return (
                [Step("thinking", text=str(item.get("text") or ""), raw=raw)] if phase == "completed" else []
            )
        if kind == "todo_list":
            items = item.get("items") or []
            if self._todo.get(str(item.get("id"))) == items:
                return []
            self._todo[str(item.get("id"))] = items
            return [Step("system", subtype="todo_list", data={"items": items, "phase": phase}, raw=raw)]
        if kind == "error":
            if phase != "completed":
                return []
            return [Step("error", text=str(item.get("message") or ""), subtype="item_error", raw=raw)]
        call = self._call(kind, item)
        if call is None:
            if phase != "completed":
                return []
            return [Step("system", subtype=f"item:{kind}", data=item, raw=raw)]
        steps: list[Step] = []
        tool_use_id = self._id(item)
        if tool_use_id not in self._called:
            self._called.add(tool_use_id)
            tool, tool_input = call
            steps.append(Step("tool_call", tool=tool, tool_use_id=tool_use_id, input=tool_input, raw=raw))
        if phase == "completed":
            output, is_error = self._result(kind, item)
            steps.append(
                Step(
                    "tool_result",
                    tool=call[0],
                    tool_use_id=tool_use_id,
                    output=output,
                    is_error=is_error,
                    raw=raw,
                )
            )
        return steps

    @staticmethod
    def _call(kind: Any, item: Mapping[str, Any]) -> tuple[str, Any] | None:
        if kind == "command_execution":
            return "command_execution", {
                "command": unwrap_shell(item.get("command")),
                "argv": item.get("command"),
            }
        if kind == "file_change":
            changes = [
                {"path": c.get("path"), "kind": c.get("kind")}
                for c in item.get("changes") or []
                if isinstance(c, dict)
            ]
            return "file_change", {"changes": changes}
        if kind == "mcp_tool_call":
            return f"mcp__{item.get('server', '?')}__{item.get('tool', '?')}", item.get("arguments")
        if kind == "web_search":
            return "web_search", {"query": item.get("query"), "action": item.get("action")}
        if kind == "collab_tool_call":
            keys = ("tool", "sender_thread_id", "receiver_thread_ids", "prompt")
            return f"collab:{item.get('tool', '?')}", {k: item.get(k) for k in keys if k in item}
        return None

    @staticmethod
    def _result(kind: Any, item: Mapping[str, Any]) -> tuple[str, bool]:
        status = item.get("status")
        failed = status in ("failed", "declined")
        if kind == "command_execution":
            exit_code = item.get("exit_code")
            return str(item.get("aggregated_output") or ""), failed or (
                isinstance(exit_code, int) and exit_code != 0
            )
        if kind == "file_change":
            lines = [
                f"{c.get('kind')} {c.get('path')}" for c in item.get("changes") or [] if isinstance(c, dict)
            ]
            return "\n".join(lines) + (f"\n({status})" if failed else ""), failed
        if kind == "mcp_tool_call":
            return _mcp_output(item), failed or bool(item.get("error"))
        if kind == "web_search":
            return json.dumps({"query": item.get("query"), "action": item.get("action")}), failed
        return json.dumps({k: v for k, v in item.items() if k not in ("id", "type")}), failed


def map_exec_events(
    events: Iterable[Mapping[str, Any]], *, keep_raw: bool = True
) -> tuple[list[Step], Usage]:
    """Steps and total usage of a complete ``codex exec --json`` stream (importers, tests)."""
    mapper = CodexEventMapper(keep_raw=keep_raw)
    tracker = UsageTracker()
    steps: list[Step] = []
    usage = Usage()
    for event in events:
        out = mapper.feed(event)
        if out is not None:
            steps.extend(out.steps)
        if event.get("type") == "turn.completed" and mapper.completed_usage is not None:
            delta = tracker.snapshot(mapper.completed_usage)
            if delta is not None:
                usage = usage + delta.to_usage()
    return steps, usage
