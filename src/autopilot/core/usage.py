"""Model calls read from agent logs: deduplicated and priced as ccusage does, and summed for reports.

A log reader (:mod:`autopilot.core.logs`) turns each file into :class:`Session` objects, each with the
model :class:`Call` objects it found. :class:`Ledger` then keeps one copy of every call, by the rules
ccusage learned from Claude Code's transcripts:

- the key of a call is (message id, request id, session id); calls without a message id are all kept;
- among copies of one key the copy with the most tokens wins (Claude Code writes one line per content
  block of a streamed response, the early ones with a provisional ``output_tokens``);
- a sidechain (sub-agent) line that replays its parent's message, with the same message id and time
  but a new request id, is the same call; the parent's copy wins over a sidechain copy.

Calls are priced with the price table (:mod:`autopilot.core.pricing`) unless the log states their cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import msgspec

from autopilot.core.models import Usage


class Call(msgspec.Struct, array_like=True, gc=False):
    """One model call (API request) and its tokens, as the log recorded them."""

    ts: str
    model: str | None = None
    input: int = 0
    output: int = 0
    cache_read: int = 0
    #: Every cache write, five-minute and one-hour alike.
    cache_write: int = 0
    #: The one-hour part of ``cache_write``.
    cache_write_1h: int = 0
    message_id: str | None = None
    request_id: str | None = None
    #: The session the log line names (a sub-agent file's lines name the parent's session).
    session: str | None = None
    sidechain: bool = False
    #: The cost the log states for this call; ``None``: priced with the price table.
    cost: float | None = None

    @property
    def tokens(self) -> int:
        return self.input + self.output + self.cache_read + self.cache_write

    def usage(self, cost: float = 0.0) -> Usage:
        return Usage(self.input, self.output, self.cache_read, self.cache_write, cost, self.cache_write_1h)


class ToolStat(msgspec.Struct, array_like=True, gc=False):
    """Calls, errors and call-to-result latencies of one tool in one session."""

    calls: int = 0
    errors: int = 0
    latencies_ms: list[float] = msgspec.field(default_factory=list)


class Session(msgspec.Struct, kw_only=True):
    """One agent session (run) found in a log file."""

    path: str
    #: The format it was read from (``claude-transcript``, ``codex-rollout``, ``json``, ...).
    kind: str
    agent: str
    session_id: str
    calls: list[Call] = msgspec.field(default_factory=list)
    model: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    #: How the session ended; ``unknown`` when the log does not say (Claude Code transcripts).
    status: str = "unknown"
    cwd: str | None = None
    project: str | None = None
    branch: str | None = None
    issue: str | None = None
    labels: list[str] = msgspec.field(default_factory=list)
    commit: str | None = None
    #: An autopilot run's agent sessions (the Claude or Codex session ids its trajectory names).
    agent_session_ids: list[str] = msgspec.field(default_factory=list)
    duration_ms: int | None = None
    num_turns: int | None = None
    steps: int = 0
    tools: dict[str, ToolStat] = msgspec.field(default_factory=dict)
    #: A cost the log states for the whole session, used when no call carries tokens or a cost.
    cost_usd: float | None = None
    warnings: list[str] = msgspec.field(default_factory=list)

    def elapsed_ms(self) -> int:
        """The stated duration, or the time from the first to the last timestamp of the log."""
        if self.duration_ms is not None:
            return self.duration_ms
        if self.started_at and self.ended_at:
            try:
                return max(
                    0, int((parse_time(self.ended_at) - parse_time(self.started_at)).total_seconds() * 1000)
                )
            except ValueError:
                return 0
        return 0


def parse_time(value: str) -> dt.datetime:
    """An ISO 8601 timestamp (``Z`` or an offset; naive times are taken as UTC)."""
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


# ------------------------------------------------------------------------------------------------
# Deduplication


class Ledger:
    """Every call of every session added, each API response once (the rules in the module docstring)."""

    def __init__(self) -> None:
        self.sessions: list[Session] = []
        #: The winning copy of each call and the index of the session that holds it.
        self.calls: list[Call] = []
        self.owners: list[int] = []
        self._exact: dict[tuple[str, str | None, str | None], int] = {}
        self._by_message: dict[tuple[str, str | None], list[int]] = {}

    def add(self, session: Session) -> None:
        owner = len(self.sessions)
        self.sessions.append(session)
        for call in session.calls:
            self._add_call(call, owner)

    def _add_call(self, call: Call, owner: int) -> None:
        if call.message_id is None:
            self.calls.append(call)
            self.owners.append(owner)
            return
        exact = (call.message_id, call.request_id, call.session)
        index = self._exact.get(exact)
        if index is None:
            for candidate in self._by_message.get((call.message_id, call.session), ()):
                other = self.calls[candidate]
                if other.ts == call.ts and (call.sidechain or other.sidechain):
                    index = candidate
                    break
        if index is not None:
            if _replaces(call, self.calls[index]):
                self.calls[index] = call
                self.owners[index] = owner
            self._exact.setdefault(exact, index)
            return
        index = len(self.calls)
        self.calls.append(call)
        self.owners.append(owner)
        self._exact[exact] = index
        self._by_message.setdefault((call.message_id, call.session), []).append(index)

    def by_session(self) -> Iterator[tuple[Session, list[Call]]]:
        """Each session with the calls that count for it, in the order the sessions were added."""
        grouped: list[list[Call]] = [[] for _ in self.sessions]
        for call, owner in zip(self.calls, self.owners, strict=True):
            grouped[owner].append(call)
        yield from zip(self.sessions, grouped, strict=True)


def _replaces(candidate: Call, existing: Call) -> bool:
    if candidate.sidechain != existing.sidechain:
        return existing.sidechain
    return candidate.tokens > existing.tokens


def dedupe(sessions: Iterable[Session]) -> Ledger:
    """A ledger of *sessions*."""
    ledger = Ledger()
    for session in sessions:
        ledger.add(session)
    return ledger


def priced(call: Call, prices: Any) -> Usage:
    """The call's tokens with their cost: the cost the log states, or the price table's."""
    usage = call.usage()
    usage.cost_usd = call.cost if call.cost is not None else prices.cost(call.model, usage)
    return usage


# ------------------------------------------------------------------------------------------------
# Reports

#: The periods ``autopilot report`` groups by.
PERIODS = ("daily", "weekly", "monthly", "session", "blocks")
#: What a report row may be split by.
GROUPS = ("model", "agent", "issue", "label", "branch", "project")
#: A billing block (ccusage's ``blocks``): five hours from the hour of its first call.
BLOCK = dt.timedelta(hours=5)


def _group_values(by: str | None, session: Session, call: Call) -> list[str]:
    if by is None:
        return [""]
    if by == "model":
        return [call.model or session.model or "unknown"]
    if by == "label":
        return list(session.labels) or [""]
    value = getattr(session, by, None)
    return [str(value) if value else ""]  # "": not known (null in JSON, "-" in the table)


def _blocks(times: list[dt.datetime]) -> list[dt.datetime]:
    """The start of the block of each time in *times* (sorted)."""
    starts: list[dt.datetime] = []
    start = last = None
    for moment in times:
        if start is None or last is None or moment >= start + BLOCK or moment - last > BLOCK:
            start = moment.replace(minute=0, second=0, microsecond=0)
        starts.append(start)
        last = moment
    return starts


def report(
    ledger: Ledger,
    prices: Any,
    period: str,
    *,
    by: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> dict[str, Any]:
    """Tokens and cost per *period* (and per *by* value), over the calls in *ledger* (dates in UTC).

    The dictionary is the ``report --json`` output: ``rows`` in time order, then ``totals``.
    """
    entries: list[tuple[dt.datetime, Call, Session]] = []
    for session, calls in ledger.by_session():
        for call in calls:
            try:
                moment = parse_time(call.ts).astimezone(dt.UTC)
            except ValueError:
                continue
            if (since and moment.date() < since) or (until and moment.date() > until):
                continue
            entries.append((moment, call, session))
    entries.sort(key=lambda item: item[0])
    starts = _blocks([e[0] for e in entries]) if period == "blocks" else []
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    total = Usage()
    for number, (moment, call, session) in enumerate(entries):
        if period == "daily":
            key = moment.date().isoformat()
        elif period == "weekly":
            key = (moment.date() - dt.timedelta(days=moment.weekday())).isoformat()
        elif period == "monthly":
            key = moment.strftime("%Y-%m")
        elif period == "session":
            key = f"{session.agent}:{session.session_id}"
        else:
            key = starts[number].isoformat().replace("+00:00", "Z")
        usage = priced(call, prices)
        total = total + usage
        for group in _group_values(by, session, call):
            row = rows.setdefault(
                (key, group),
                {"period": key, "group": group or None, "first": call.ts, "last": call.ts, "sessions": set(),
                 "usage": Usage()},
            )  # fmt: skip
            row["usage"] = row["usage"] + usage
            row["last"] = call.ts
            row["sessions"].add((session.agent, session.session_id))
    out_rows = []
    for row in rows.values():
        usage = row.pop("usage")
        out_rows.append({**row, "sessions": len(row["sessions"]), **_usage_dict(usage)})
    return {
        "period": period,
        "by": by,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "rows": out_rows,
        "totals": {"sessions": len({(s.agent, s.session_id) for _, _, s in entries}), **_usage_dict(total)},
    }


def _usage_dict(usage: Usage) -> dict[str, Any]:
    return {
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cache_read_tokens": usage.cache_read_tokens,
        "cache_creation_tokens": usage.cache_creation_tokens,
        "cache_creation_1h_tokens": usage.cache_creation_1h_tokens,
        "total_tokens": usage.total_tokens,
        "cost_usd": round(usage.cost_usd, 6),
    }
