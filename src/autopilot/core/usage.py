"""Model calls read from agent logs: deduplicated and priced as ccusage does, and summed for reports.

A log reader (:mod:`autopilot.core.logs`) turns each file into :class:`Session` objects, each with the
model :class:`Call` objects it found. :class:`Ledger` then keeps one copy of every call, by the rules
ccusage learned from Claude Code's transcripts:

- the key of a call is (message id, request id): a copy of a response in another session's file (a
  resumed session that copied its history) counts once; without a request id (older Claude Code,
  gateways) the key is (message id, session id), as distinct sessions may reuse a message id; calls
  without a message id are all kept;
- among copies of one key the copy with the most tokens wins (Claude Code writes one line per content
  block of a streamed response, the early ones with a provisional ``output_tokens``);
- a sidechain (sub-agent) line that replays its parent's message, with the same message id and time
  but a new request id, is the same call; the parent's copy wins over a sidechain copy;
- an autopilot run read twice, as its trajectory and as its agent's own logs, counts once: the
  trajectory's calls carry no message ids, so once every agent session it names was read, the
  trajectory gives way to those sessions (:meth:`Ledger.finish`).

Calls are priced with the price table (:mod:`autopilot.core.pricing`) unless the log states their cost.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec

from autopilot.core.models import MAX_CALL_TOKENS, Usage


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
    #: A tuple, so the many tools without latencies share the one empty tuple.
    latencies_ms: tuple[float, ...] = ()


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
    #: The autopilot run an agent session stands for, once its trajectory was read too
    #: (:meth:`Ledger.finish`); a trajectory's own ``session_id`` is its run id.
    run_id: str | None = None
    duration_ms: int | None = None
    num_turns: int | None = None
    steps: int = 0
    tools: dict[str, ToolStat] = msgspec.field(default_factory=dict)
    #: A cost the log states for the whole session, used when no call carries tokens or a cost.
    cost_usd: float | None = None
    #: A sub-agent's own log of the session it belongs to (Claude Code's ``<session>/subagents/*``):
    #: ``analyze`` counts it as part of the session with the same agent and id.
    subagent: bool = False
    warnings: list[str] = msgspec.field(default_factory=list)

    def elapsed_ms(self) -> int | None:
        """The stated duration, or the time from the first to the last timestamp of the log; None when
        the log has no times."""
        if self.duration_ms is not None:
            return self.duration_ms
        if self.started_at and self.ended_at:
            try:
                return max(
                    0, int((parse_time(self.ended_at) - parse_time(self.started_at)).total_seconds() * 1000)
                )
            except ValueError:
                return None
        return None


def drop_impossible_calls(session: Session) -> None:
    """Leave out the calls of *session* whose token counts or stated cost no model call can have
    (negative, above :data:`~autopilot.core.models.MAX_CALL_TOKENS`, not a number), with one warning
    naming the first."""
    if session.cost_usd is not None and not 0 <= session.cost_usd < math.inf:
        session.warnings.append(f"{session.path}: left out the cost the log states, {session.cost_usd}")
        session.cost_usd = None
    top = MAX_CALL_TOKENS
    kept = [
        c
        for c in session.calls
        if 0 <= c.input <= top
        and 0 <= c.output <= top
        and 0 <= c.cache_read <= top
        and 0 <= c.cache_write <= top
        and 0 <= c.cache_write_1h <= top
        and (c.cost is None or 0 <= c.cost < math.inf)
    ]
    if len(kept) == len(session.calls):
        return
    first = next(c for c in session.calls if c not in kept)
    dropped = len(session.calls) - len(kept)
    session.warnings.append(
        f"{session.path}: left out {dropped} model call(s) with impossible token counts "
        f"(first at {first.ts}: {first.usage(first.cost or 0.0).impossible()})"
    )
    session.calls = kept


def parse_time(value: str) -> dt.datetime:
    """An ISO 8601 timestamp (``Z`` or an offset; naive times are taken as UTC)."""
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


# ------------------------------------------------------------------------------------------------
# Deduplication


class Ledger:
    """Every call of every session added, each API response once (the rules in the module docstring).

    The ledger keeps the sessions (without their calls) and one row per counted call, in columns of
    plain numbers: as objects, the calls of a large log set would cost several times the memory. A
    call is told from another by 64-bit hashes: of its message id, and of its request id (or its
    session, without one) or, for the sidechain rule, its (session, time); two different calls would
    have to agree on two independent hashes to be taken as one. The calls' times are kept only with
    *keep_times* (``report`` groups by them; ``analyze`` does not need them).
    """

    def __init__(self, *, keep_times: bool = True) -> None:
        self.sessions: list[Session] = []
        self._keep_times = keep_times
        # One row per counted call.
        self._owner = array("q")  # the index of its session in ``sessions``
        self._tokens = array("q")  # five a row: input, output, cache read, cache write, one-hour write
        self._cost = array("d")  # the cost the log states; NaN: priced with the price table
        self._model = array("q")  # an index into ``_models``
        self._sidechain = bytearray()
        self._key = array("q")  # hash of the request id (or session); 0: a call without a message id
        self._twin = array("q")  # hash of (session, time)
        self._times: list[str] = []
        self._models: list[str | None] = []
        self._model_rows: dict[str | None, int] = {}
        #: The rows of each message id (by its hash): one row, or a list of them.
        self._by_message: dict[int, int | list[int]] = {}
        #: Further keys and twins a row answers to, once copies with other keys were folded into it
        #: (a sidechain replay and its parent, a copy in another session's file).
        self._aliases: dict[int, list[int]] = {}
        self._twin_aliases: dict[int, list[int]] = {}
        #: Set by :meth:`finish`: no more sessions, and none of what only adding needs.
        self._finished = False

    def __len__(self) -> int:
        """The number of calls that count."""
        return len(self._owner)

    def add(self, session: Session) -> None:
        """Count *session*'s calls; the ledger keeps the session, emptied of its calls."""
        if self._finished:
            raise RuntimeError("the ledger is finished: no session can be added")
        owner = len(self.sessions)
        for call in session.calls:
            self._add_call(call, owner)
        # Read from a cache or another process, equal strings are separate objects: share them.
        intern = sys.intern
        session.calls.clear()
        session.kind, session.agent = intern(session.kind), intern(session.agent)
        if session.model:
            session.model = intern(session.model)
        if session.tools:
            session.tools = {intern(name): stat for name, stat in session.tools.items()}
        self.sessions.append(session)

    def _add_call(self, call: Call, owner: int) -> None:
        if call.message_id is None:
            self._append(call, owner, 0, 0)
            return
        message = hash(call.message_id)
        key = hash(call.request_id) if call.request_id is not None else hash((None, call.session))
        twin = hash((call.session, call.ts))
        rows = self._by_message.get(message)
        row = None if rows is None else self._match(key, twin, call.sidechain, rows)
        if row is None:
            row = self._append(call, owner, key, twin)
            if rows is None:
                self._by_message[message] = row
            elif isinstance(rows, int):
                self._by_message[message] = [rows, row]
            else:
                rows.append(row)
            return
        lost_key, lost_twin = key, twin
        if self._replaces(call, row):
            # The key and twin of the copy that lost stay aliases of the row.
            lost_key, lost_twin = self._key[row], self._twin[row]
            self._set(row, call, owner, key, twin)
        self._alias(self._aliases, row, lost_key, self._key[row])
        self._alias(self._twin_aliases, row, lost_twin, self._twin[row])

    @staticmethod
    def _alias(table: dict[int, list[int]], row: int, lost: int, current: int) -> None:
        """Remember *lost* as another name of *row* (unless it is the row's own, *current*)."""
        if lost != current:
            aliases = table.setdefault(row, [])
            if lost not in aliases:
                aliases.append(lost)

    def finish(self) -> None:
        """No more sessions come: count each autopilot run once, and free what only adding needed.

        A run's trajectory and its agent's own logs (Claude Code transcripts, Codex rollouts) hold
        the same API responses, and the trajectory's copies have no message id to tell them by. When
        every agent session a trajectory names (``agent_session_ids``) is among the sessions read,
        those sessions stand for the run, as they have the ids and the exact one-hour cache writes:
        the trajectory and its calls leave the ledger, and what only it knows (the run id, issue,
        branch, commit, status and project) carries over to them. A trajectory whose agent
        sessions were only partly read (a resumed run's later transcript missing) stays as it is.
        Only the set of sessions matters, not the order they were added in.
        """
        self._finished = True
        self._by_message, self._aliases, self._twin_aliases = {}, {}, {}
        self._key, self._twin = array("q"), array("q")
        runs = [number for number, session in enumerate(self.sessions) if session.agent_session_ids]
        if not runs:
            return
        logs: dict[str, list[Session]] = {}
        for session in self.sessions:
            if not session.agent_session_ids:
                logs.setdefault(session.session_id, []).append(session)
        folded = [n for n in runs if all(name in logs for name in self.sessions[n].agent_session_ids)]
        # Two trajectories may name one session (a run, and an import of its transcript): the later
        # run id (run ids start with the time) is applied last, in whatever order they were read.
        for number in sorted(folded, key=lambda number: self.sessions[number].session_id):
            run = self.sessions[number]
            for name in run.agent_session_ids:
                for session in logs[name]:
                    session.run_id = run.session_id
                    session.status = run.status
                    session.issue = run.issue or session.issue
                    session.branch = run.branch or session.branch
                    session.commit = run.commit or session.commit
                    session.project = run.project or session.project
        if folded:
            self._drop(set(folded))

    def _drop(self, dropped: set[int]) -> None:
        """Remove the sessions numbered *dropped* and every row they own, in place."""
        renumbered = array("q")  # each session's new number; -1: dropped
        kept = 0
        for number in range(len(self.sessions)):
            renumbered.append(-1 if number in dropped else kept)
            kept += number not in dropped
        self.sessions = [s for number, s in enumerate(self.sessions) if number not in dropped]
        # The rows kept, as spans [start, end) of consecutive rows, moved down in each column.
        spans: list[list[int]] = []
        owners = self._owner
        for row, owner in enumerate(owners):
            if renumbered[owner] < 0:
                continue
            owners[row] = renumbered[owner]
            if spans and spans[-1][1] == row:
                spans[-1][1] = row + 1
            else:
                spans.append([row, row + 1])
        columns: list[tuple[Any, int]] = [(self._owner, 1), (self._tokens, 5), (self._cost, 1),
                                          (self._model, 1), (self._sidechain, 1)]  # fmt: skip
        if self._keep_times:
            columns.append((self._times, 1))
        for column, width in columns:
            filled = 0
            for start, end in spans:
                size = (end - start) * width
                if start * width != filled:
                    column[filled : filled + size] = column[start * width : end * width]
                filled += size
            del column[filled:]

    def _match(self, key: int, twin: int, sidechain: bool, rows: int | list[int]) -> int | None:
        """The row a call is a copy of: the same key, else a sidechain twin (same session and time)."""
        candidates = (rows,) if isinstance(rows, int) else rows
        for row in candidates:
            if self._key[row] == key or key in self._aliases.get(row, ()):
                return row
        for row in candidates:
            if (self._twin[row] == twin or twin in self._twin_aliases.get(row, ())) and (
                sidechain or self._sidechain[row]
            ):
                return row
        return None

    def _replaces(self, call: Call, row: int) -> bool:
        """Whether *call* wins over the copy in *row*: a parent over a sidechain, else more tokens."""
        if call.sidechain != bool(self._sidechain[row]):
            return bool(self._sidechain[row])
        return call.tokens > sum(self._tokens[row * 5 : row * 5 + 4])

    def _model_row(self, model: str | None) -> int:
        found = self._model_rows.get(model)
        if found is None:
            found = self._model_rows[model] = len(self._models)
            self._models.append(model)
        return found

    def _append(self, call: Call, owner: int, key: int, twin: int) -> int:
        row = len(self._owner)
        self._owner.append(owner)
        self._tokens.extend((call.input, call.output, call.cache_read, call.cache_write, call.cache_write_1h))
        self._cost.append(math.nan if call.cost is None else call.cost)
        self._model.append(self._model_row(call.model))
        self._sidechain.append(call.sidechain)
        self._key.append(key)
        self._twin.append(twin)
        if self._keep_times:
            self._times.append(call.ts)
        return row

    def _set(self, row: int, call: Call, owner: int, key: int, twin: int) -> None:
        self._owner[row] = owner
        self._tokens[row * 5 : row * 5 + 5] = array(
            "q", (call.input, call.output, call.cache_read, call.cache_write, call.cache_write_1h)
        )
        self._cost[row] = math.nan if call.cost is None else call.cost
        self._model[row] = self._model_row(call.model)
        self._sidechain[row] = call.sidechain
        self._key[row] = key
        self._twin[row] = twin
        if self._keep_times:
            self._times[row] = call.ts

    def _call(self, row: int) -> Call:
        cost = self._cost[row]
        return Call(
            self._times[row] if self._keep_times else "",
            self._models[self._model[row]],
            *self._tokens[row * 5 : row * 5 + 5],
            sidechain=bool(self._sidechain[row]),
            cost=None if math.isnan(cost) else cost,
        )

    @property
    def calls(self) -> list[Call]:
        """The calls that count, in the order first seen (without their ids; without times unless kept)."""
        return [self._call(row) for row in range(len(self._owner))]

    def by_session(self) -> Iterator[tuple[Session, list[Call]]]:
        """Each session with the calls that count for it, in the order the sessions were added."""
        grouped: list[list[Call]] = [[] for _ in self.sessions]
        for row, owner in enumerate(self._owner):
            grouped[owner].append(self._call(row))
        yield from zip(self.sessions, grouped, strict=True)

    def totals(self, prices: Any) -> list[SessionTotal]:
        """For each session (in the order added): its counted calls' priced usage, their number and
        the model most of them name."""
        out = [SessionTotal() for _ in self.sessions]
        tokens, costs, names = self._tokens, self._cost, self._models
        for row, (owner, model) in enumerate(zip(self._owner, self._model, strict=True)):
            first = row * 5
            usage = Usage(tokens[first], tokens[first + 1], tokens[first + 2], tokens[first + 3], 0.0,
                          tokens[first + 4])  # fmt: skip
            cost = costs[row]
            if math.isnan(cost):
                cost = prices.cost(names[model], usage)
            total = out[owner]
            total.calls += 1
            # As Usage.__add__ sums, in place.
            summed = total.usage
            summed.input_tokens += usage.input_tokens
            summed.output_tokens += usage.output_tokens
            summed.cache_read_tokens += usage.cache_read_tokens
            summed.cache_creation_tokens += usage.cache_creation_tokens
            summed.cache_creation_1h_tokens += usage.cache_creation_1h_tokens
            summed.cost_usd = round(summed.cost_usd + cost, 10)
        # Each session's calls by model, counted at once; of models named equally often, the first seen.
        most: dict[int, int] = {}
        for (owner, model), count in Counter(zip(self._owner, self._model, strict=True)).items():
            if names[model] and count > most.get(owner, 0):
                most[owner] = count
                out[owner].model = names[model]
        return out


@dataclass(slots=True)
class SessionTotal:
    """What the counted calls of one session add up to."""

    usage: Usage = field(default_factory=Usage)
    calls: int = 0
    #: The model most of the calls name.
    model: str | None = None


def dedupe(sessions: Iterable[Session]) -> Ledger:
    """A finished ledger of *sessions*."""
    ledger = Ledger()
    for session in sessions:
        ledger.add(session)
    ledger.finish()
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

    The dictionary is the ``report --json`` output: ``rows`` in time order, then ``totals``. A call
    whose own time cannot be read (a damaged log) counts at its session's start, else its end;
    ``untimed_calls`` counts those with neither, left out of the report (``analyze`` counts them).
    """
    entries: list[tuple[dt.datetime, Call, Session]] = []
    untimed = 0
    for session, calls in ledger.by_session():
        for call in calls:
            moment = _moment(call.ts) or _moment(session.started_at) or _moment(session.ended_at)
            if moment is None:
                untimed += 1
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
        "untimed_calls": untimed,
    }


def _moment(value: str | None) -> dt.datetime | None:
    """*value* as a UTC time, or None when it is missing or not an ISO 8601 time."""
    if not value:
        return None
    try:
        return parse_time(value).astimezone(dt.UTC)
    except (ValueError, TypeError, OverflowError):
        return None


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
