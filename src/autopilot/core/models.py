"""Trajectory models (runs, steps, usage) and the contracts backends and writers implement.

The JSON shape produced by :meth:`Run.to_dict` is the trajectory format documented in
``docs/trajectory-format.md`` and checked by ``core/schema/trajectory.schema.json``.
"""

from __future__ import annotations

import abc
import datetime as dt
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final, Literal, Protocol, get_args, runtime_checkable

from autopilot.core.steplog import StepLog

SCHEMA_VERSION: Final = 1

StepType = Literal["user", "assistant", "thinking", "tool_call", "tool_result", "system", "error"]
STEP_TYPES: Final[tuple[str, ...]] = get_args(StepType)

# How a run ended. ``running`` is only ever seen in a journal whose run never finished; ``unknown`` is
# a run imported from a log that does not say how it ended (a Claude Code transcript, an ATIF file
# without a status), where ``incomplete`` is one cut off before its end (a killed run).
RunStatus = Literal[
    "running",
    "success",
    "error",
    "budget_exhausted",
    "max_turns",
    "timeout",
    "interrupted",
    "stopped",
    "memory",
    "incomplete",
    "unknown",
]
RUN_STATUSES: Final[tuple[str, ...]] = get_args(RunStatus)


def utcnow() -> str:
    """The current time as an ISO 8601 UTC timestamp with milliseconds (``...Z``)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def epoch_ts(seconds: float) -> str:
    """*seconds* since the epoch (a file's modification time, say) as :func:`utcnow` writes a time."""
    return (
        dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def parse_ts(value: str) -> dt.datetime:
    """Parse a timestamp written by :func:`utcnow` (or any ISO 8601 form)."""
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def new_run_id() -> str:
    """A new run id: time-ordered prefix plus randomness, so ids sort by start time and never collide."""
    now = dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%S}-{os.urandom(4).hex()}"  # not uuid: it imports platform (5 ms)


#: More tokens than one model call can count in any bucket: a count above it, or below zero, is a
#: damaged log, not usage (``analyze`` and ``import`` leave such a call out, with a warning).
MAX_CALL_TOKENS: Final = 10**12


@dataclass
class Usage:
    """Token counts and cost. Per-step values are deltas; a run's value is the sum."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_creation_tokens: int = 0
    cost_usd: float = 0.0
    #: The part of ``cache_creation_tokens`` written to the one-hour cache (Anthropic's
    #: ``cache_creation.ephemeral_1h_input_tokens``), priced higher than five-minute writes.
    cache_creation_1h_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_creation_tokens + other.cache_creation_tokens,
            round(self.cost_usd + other.cost_usd, 10),
            self.cache_creation_1h_tokens + other.cache_creation_1h_tokens,
        )

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens + self.cache_read_tokens + self.cache_creation_tokens

    def impossible(self) -> str | None:
        """The first token count or cost no model call can have (``input_tokens -500``), or None."""
        for name in (
            "input_tokens",
            "output_tokens",
            "cache_read_tokens",
            "cache_creation_tokens",
            "cache_creation_1h_tokens",
        ):
            value = getattr(self, name)
            if not 0 <= value <= MAX_CALL_TOKENS:  # NaN too
                return f"{name} {value}"
        if not 0 <= self.cost_usd < float("inf"):
            return f"cost_usd {self.cost_usd}"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_read_tokens": self.cache_read_tokens,
            "cache_creation_tokens": self.cache_creation_tokens,
            "cost_usd": round(self.cost_usd, 10),
            **(
                {"cache_creation_1h_tokens": self.cache_creation_1h_tokens}
                if self.cache_creation_1h_tokens
                else {}
            ),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Usage:
        data = data or {}
        return cls(
            int(data.get("input_tokens", 0) or 0),
            int(data.get("output_tokens", 0) or 0),
            int(data.get("cache_read_tokens", 0) or 0),
            int(data.get("cache_creation_tokens", 0) or 0),
            float(data.get("cost_usd", 0.0) or 0.0),
            int(data.get("cache_creation_1h_tokens", 0) or 0),
        )


@dataclass
class Step:
    """One normalised event of a run.

    Which fields are set depends on ``type``:

    - ``user`` / ``assistant`` / ``thinking``: ``text``
    - ``tool_call``: ``tool``, ``tool_use_id``, ``input``
    - ``tool_result``: ``tool_use_id``, ``output``, ``is_error`` (``tool`` when known; recorded with
      ``is_error`` False when left None)
    - ``system``: ``subtype`` and ``data``
    - ``error``: ``text`` (the message) and optionally ``subtype``

    ``usage`` is the token delta of the model turn that produced the step (set on the last step of a
    turn); ``raw`` keeps the backend's own event when that is cheap, so nothing is lost.
    """

    type: StepType
    ts: str = field(default_factory=utcnow)
    index: int = -1
    text: str | None = None
    tool: str | None = None
    tool_use_id: str | None = None
    input: Any = None
    output: str | None = None
    is_error: bool | None = None
    subtype: str | None = None
    data: dict[str, Any] | None = None
    model: str | None = None
    usage: Usage | None = None
    turn: int | None = None
    raw: Any = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in _STEP_FIELDS:  # (called for every step written: no dataclasses.fields() per call)
            value = getattr(self, name)
            if value is None:
                continue
            out[name] = value.to_dict() if isinstance(value, Usage) else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Step:
        known = _STEP_FIELD_SET
        kwargs = {k: v for k, v in data.items() if k in known}
        if "usage" in kwargs and kwargs["usage"] is not None:
            kwargs["usage"] = Usage.from_dict(kwargs["usage"])
        return cls(**kwargs)


_STEP_FIELDS: Final = tuple(f.name for f in fields(Step))
_STEP_FIELD_SET: Final = frozenset(_STEP_FIELDS)


@dataclass
class RunResult:
    """How a run ended."""

    success: bool = False
    status: str = "running"
    #: None for a run imported from a log that records no times (its duration is not known).
    duration_ms: int | None = 0
    num_turns: int = 0
    issues_completed: list[str] = field(default_factory=list)
    stop_reason: str | None = None
    final_text: str | None = None
    error: str | None = None

    @property
    def outcome(self) -> str:
        """The status, with the stop reason when the run did not succeed and the reason says more
        (``budget_exhausted (budget: $1.0200 spent of $1.00)``; ``error``, not ``error (error)``)."""
        if self.status != "success" and self.stop_reason not in (None, "", self.status):
            return f"{self.status} ({self.stop_reason})"
        return self.status

    def to_dict(self) -> dict[str, Any]:
        return {
            "success": self.success,
            "status": self.status,
            "duration_ms": self.duration_ms,
            "num_turns": self.num_turns,
            "issues_completed": list(self.issues_completed),
            "stop_reason": self.stop_reason,
            "final_text": self.final_text,
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> RunResult:
        data = data or {}
        duration = data.get("duration_ms", 0)  # None: not known (an import of a log without times)
        return cls(
            success=bool(data.get("success", False)),
            status=str(data.get("status", "running")),
            duration_ms=None if duration is None else int(duration),
            num_turns=int(data.get("num_turns", 0) or 0),
            issues_completed=list(data.get("issues_completed") or []),
            stop_reason=data.get("stop_reason"),
            final_text=data.get("final_text"),
            error=data.get("error"),
        )


# Run fields written in the journal header (everything but steps, result and usage).
HEADER_FIELDS: Final = (
    "schema_version",
    "run_id",
    "session_id",
    "session_ids",
    "prompt",
    "model",
    "agent",
    "cwd",
    "repo_sha",
    "branch",
    "started_at",
    "ended_at",
    "slug",
    "issue_id",
    "project",
    "price_table_version",
    "autopilot_version",
    "limits",
    "resumes",
)


@dataclass
class Run:
    """A whole trajectory: metadata, steps, result and usage.

    ``steps`` is always a :class:`~autopilot.core.steplog.StepLog` (a list given here or assigned
    later is wrapped in one): while a run is recorded only its most recent steps stay in memory.
    """

    run_id: str = field(default_factory=new_run_id)
    prompt: str = ""
    agent: str = ""
    model: str | None = None
    cwd: str = ""
    repo_sha: str | None = None
    branch: str | None = None
    session_id: str | None = None
    session_ids: list[str] = field(default_factory=list)
    started_at: str = field(default_factory=utcnow)
    ended_at: str | None = None
    slug: str | None = None
    issue_id: str | None = None
    project: str | None = None
    price_table_version: str | None = None
    autopilot_version: str | None = None
    limits: dict[str, Any] = field(default_factory=dict)
    resumes: list[dict[str, Any]] = field(default_factory=list)
    steps: StepLog[Step] = field(default_factory=StepLog)
    result: RunResult = field(default_factory=RunResult)
    usage: Usage = field(default_factory=Usage)
    schema_version: int = SCHEMA_VERSION

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "steps" and not isinstance(value, StepLog):
            value = StepLog(value)
        object.__setattr__(self, name, value)

    def header(self) -> dict[str, Any]:
        """Run metadata without steps, result and usage (the journal's first record)."""
        return {name: getattr(self, name) for name in HEADER_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        """The whole run as one dict (every step in memory at once; writers stream instead)."""
        out = self.header()
        out["steps"] = [s.to_dict() for s in self.steps]
        out["result"] = self.result.to_dict()
        out["usage"] = self.usage.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Run:
        kwargs: dict[str, Any] = {k: data[k] for k in HEADER_FIELDS if k in data and data[k] is not None}
        run = cls(**kwargs)
        run.steps = StepLog(Step.from_dict(s) for s in data.get("steps") or [])
        run.result = RunResult.from_dict(data.get("result"))
        run.usage = Usage.from_dict(data.get("usage"))
        return run


# --------------------------------------------------------------------------------------------
# Contracts implemented by plugins. Hooks only register or select them; the hot path is a plain
# method call.


ToolAction = Literal["allow", "deny", "stop"]
TOOL_ACTIONS: Final[tuple[str, ...]] = get_args(ToolAction)


@dataclass(frozen=True)
class ToolDecision:
    """What a ``before_tool_use`` implementation decides about one tool call.

    Make one with :meth:`allow`, :meth:`deny` or :meth:`stop`:

    - ``allow``: no objection; the backend's own permission rules still apply (a plugin can take a
      permission away, never grant one);
    - ``deny``: the tool does not run; the agent gets an error tool result carrying *reason* and the
      run goes on (the agent may try something else);
    - ``stop``: the tool does not run and the run ends with status ``stopped`` and *reason*.

    Attributes:
        action: ``allow``, ``deny`` or ``stop``.
        reason: Why (required for ``deny`` and ``stop``): the agent reads it, and it is recorded.
    """

    action: ToolAction
    reason: str = ""

    def __post_init__(self) -> None:
        if self.action not in TOOL_ACTIONS:
            raise ValueError(f"action must be one of {', '.join(TOOL_ACTIONS)} (got {self.action!r})")
        if self.action != "allow" and not (isinstance(self.reason, str) and self.reason.strip()):
            raise ValueError(f"a {self.action} decision needs a reason (the agent reads it)")

    @classmethod
    def allow(cls) -> ToolDecision:
        """No objection: the backend's own permission rules decide."""
        return cls("allow")

    @classmethod
    def deny(cls, reason: str) -> ToolDecision:
        """The tool does not run; the agent reads *reason* as the tool's error and goes on."""
        return cls("deny", reason)

    @classmethod
    def stop(cls, reason: str) -> ToolDecision:
        """The tool does not run and the run ends (status ``stopped``) with *reason*."""
        return cls("stop", reason)


class ToolGuard(Protocol):
    """``RunRequest.tool_guard``: asks the ``before_tool_use`` hook about one tool call.

    A backend that can stop a tool before it runs (``Backend.vetoes_tool_calls``) calls it with the
    tool's name, its input exactly as the agent sent it, and the call's id, and enforces the answer.
    It never raises; a plugin failure comes back as a ``stop`` decision.
    """

    def __call__(self, tool: str, input: Any, tool_use_id: str | None) -> ToolDecision: ...


@dataclass(frozen=True)
class Tool:
    """One tool autopilot offers the agent during a run (for example the issue queue's ``issue_create``).

    Attributes:
        name: The tool's name as the agent sees it inside its toolset.
        description: What the tool does, for the model.
        input_schema: JSON Schema of the arguments (an object).
        handler: Called with the arguments; returns a JSON-serialisable dict. A dict with an ``"error"``
            key is a failed call: the agent reads the error, nothing is raised.
    """

    name: str
    description: str
    input_schema: dict[str, Any]
    handler: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Toolset:
    """Tools a run offers the agent, as one MCP server named *name* (``RunRequest.toolsets``).

    A backend whose agent runs in autopilot's process (or can call back into it) serves *tools*
    directly; one whose agent is a separate program that starts MCP servers itself runs *command*,
    a stdio MCP server serving the same tools. Either way *instructions* go into the agent's system
    prompt, and the tools are approved in advance (nobody is there to approve them during a run).

    Attributes:
        name: The MCP server name (``autopilot-issues``); tools appear as ``mcp__<name>__<tool>``.
        tools: The tools, served in-process.
        instructions: Text for the agent's system prompt: what the tools are for.
        command: A command line (program first) that serves the same tools over stdio MCP.
    """

    name: str
    tools: tuple[Tool, ...]
    instructions: str = ""
    command: tuple[str, ...] = ()


@dataclass
class RunRequest:
    """What a backend is asked to do.

    ``toolsets`` are tools the agent must be able to call during this run (see :class:`Toolset`);
    ``options`` are backend options: ``system_prompt_append``, ``mcp_servers`` and per-backend
    settings under the backend's name. ``tool_guard`` is set by the runner when a plugin implements
    ``before_tool_use``: a backend whose ``vetoes_tool_calls`` is true calls it before each tool runs.

    ``session_id`` is the id a new session must take (from :meth:`Backend.new_session_id`, already in
    the journal). ``new_session_prompt`` goes with ``resume_session_id``: when the agent cannot
    continue that session (it never wrote it, or it is gone), the backend starts a new session with
    this prompt instead (the original request and a transcript of the run so far) and reports the
    new session's id.
    """

    prompt: str
    cwd: Path
    model: str | None = None
    resume_session_id: str | None = None
    session_id: str | None = None
    new_session_prompt: str | None = None
    max_turns: int | None = None
    max_budget_usd: float | None = None
    env: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    run_id: str | None = None
    toolsets: tuple[Toolset, ...] = ()
    tool_guard: ToolGuard | None = None


@dataclass
class BackendEvent:
    """One thing a backend reports while it runs.

    ``steps`` are appended to the trajectory in order. ``usage`` is the token delta of a finished model
    turn (the runner prices it and checks the budget). ``session_id`` is set once the backend knows its
    session/thread id; ``done`` marks the backend's own end of run with its ``status``/``final_text``.
    """

    steps: list[Step] = field(default_factory=list)
    usage: Usage | None = None
    turn_complete: bool = False
    session_id: str | None = None
    model: str | None = None
    done: bool = False
    status: str | None = None
    final_text: str | None = None
    stop_reason: str | None = None
    error: str | None = None
    backend_cost_usd: float | None = None
    #: When the log reported ``usage`` (a Codex ``token_count`` event's time): the time of the model
    #: call ``analyze`` and ``report`` count; None: the time of the event's last step.
    usage_ts: str | None = None


@dataclass
class ImportedRun:
    """What a ``trajectory_import`` implementation returns: another tool's log as backend events."""

    #: The backend whose format it was (``claude``, ``codex``); becomes ``Run.agent``.
    agent: str
    events: list[BackendEvent]
    #: The prompt, if the log holds it (otherwise the first ``user`` step's text is used).
    prompt: str | None = None
    #: Working directory of the agent, if the log holds it.
    cwd: str | None = None
    #: The git branch the agent worked on, if the log names it (becomes ``Run.branch``).
    branch: str | None = None
    #: Start time (ISO 8601), if the log holds it.
    started_at: str | None = None
    #: End time (ISO 8601), if the log holds it (otherwise the last step's time, when steps have times).
    ended_at: str | None = None
    #: The run's duration as the log states it (Claude's ``result.duration_ms``).
    duration_ms: int | None = None
    #: Whether the steps carry the times the log recorded (False: the log has none, e.g. stream-json).
    timed: bool = True
    #: Whether the events' usage carries the cost the log states (SWE-agent, mini-swe-agent), kept as
    #: it is, as ``analyze`` keeps it; otherwise the usage is priced with the price table.
    stated_costs: bool = False


class Backend(abc.ABC):
    """An agent backend (Claude, Codex, ...). Registered through the ``backend_register`` hook."""

    #: Short name used by ``--agent`` and ``backend_select``.
    name: str = ""
    #: True when the backend calls ``request.tool_guard`` before each tool runs and enforces the
    #: decision. Otherwise the runner asks ``before_tool_use`` when it sees a ``tool_call`` step (the
    #: tool has already started), and ends the run on ``deny`` or ``stop``.
    vetoes_tool_calls: bool = False

    @abc.abstractmethod
    def stream(self, request: RunRequest) -> AsyncIterator[BackendEvent]:
        """Run the agent and yield events as they happen.

        The agent must be able to call the tools of ``request.toolsets`` (``run --issue`` gives it the
        issue queue that way): serve them in-process, or start each toolset's ``command``.

        The runner may stop consuming at any time (budget, turn limit, watchdog, signal) and then calls
        :meth:`stop`; the backend must not leave processes behind.
        """

    def new_session_id(self) -> str | None:
        """An id for a new session, when the agent lets the caller choose it; None when it picks its own.

        The run records it before the agent starts, so a run killed at once can still be resumed.
        """
        return None

    async def stop(self) -> None:  # noqa: B027 - optional override
        """Stop the agent process tree (called by the runner's watchdogs and signal handlers)."""

    def child_pids(self) -> list[int]:
        """Process ids the backend started (for the memory guard and leftover tracking)."""
        return []


@runtime_checkable
class TrajectoryWriter(Protocol):
    """Writes a run's trajectory somewhere as the run goes. Registered via ``trajectory_writer_register``.

    Every text a writer receives has already passed the ``redact`` chain.
    """

    name: str

    def open(self, run: Run, base: Path, *, resume: bool) -> None:
        """Start writing *run* at *base* (a path without suffix). ``resume`` reopens an earlier run."""

    def write_step(self, run: Run, step: Step) -> None:
        """Persist *step* (already appended to ``run.steps``) before returning."""

    def update(self, run: Run, changes: dict[str, Any]) -> None:
        """Record metadata learned mid-run (session id, model)."""

    def close(self, run: Run) -> None:
        """Write the finished run (result and usage are final)."""


Redactor = Callable[[str], str]
