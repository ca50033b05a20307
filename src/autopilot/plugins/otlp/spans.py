"""A run as OpenTelemetry spans, by the GenAI semantic conventions: the one place they are built.

``autopilot export --format otlp`` feeds a recorded run through :class:`SpanBuilder` at once
(:func:`build_spans`); the live exporter (:mod:`.live`) feeds it each step as the run is recorded. The
same steps in the same order give the same spans, ids included (:class:`SeededIds`), so the two cannot
drift apart.

The trace of one run:

- ``invoke_agent {agent}`` (INTERNAL), the root, from the run's start to its end: the agent, the
  conversation (session) id, the run's model, its total usage and the ``autopilot.*`` attributes
  (run id, status, issue, branch, commit, project, cost);
- ``chat {model}`` (CLIENT), one per model call: the steps of one model turn (``Step.turn``), from the
  step before the turn (the moment the model had its input) to the turn's last step, with the call's
  usage. A usage step without a turn (a later delta of the same response, or usage reported after the
  turn) joins the call before it, so the tokens add up to the run's;
- ``execute_tool {tool}`` (INTERNAL), one per tool call, from the ``tool_call`` step to its
  ``tool_result``; an error result sets the span's status to ERROR (``error.type`` ``tool_error``).

``gen_ai.usage.input_tokens`` counts every input token, cache reads and writes included, as the
conventions ask; ``gen_ai.usage.cache_read.input_tokens`` and ``cache_creation.input_tokens`` say how many
of them were cached. Every string attribute (and so every span name) goes through the ``redact`` chain
before it is set. Tool arguments and results are opt-in (``capture_content``), as the conventions
have them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import SpanKind, Status, StatusCode

from autopilot.core.models import Run, Step, Usage, parse_ts

#: The instrumentation scope of every span.
SCOPE: Final = "autopilot"

OPERATION: Final = "gen_ai.operation.name"
PROVIDER: Final = "gen_ai.provider.name"
#: The provider's name before semantic conventions 1.37, still read by many back ends.
SYSTEM: Final = "gen_ai.system"
AGENT_NAME: Final = "gen_ai.agent.name"
CONVERSATION: Final = "gen_ai.conversation.id"
REQUEST_MODEL: Final = "gen_ai.request.model"
RESPONSE_MODEL: Final = "gen_ai.response.model"
INPUT_TOKENS: Final = "gen_ai.usage.input_tokens"
OUTPUT_TOKENS: Final = "gen_ai.usage.output_tokens"
CACHE_READ_TOKENS: Final = "gen_ai.usage.cache_read.input_tokens"
CACHE_CREATION_TOKENS: Final = "gen_ai.usage.cache_creation.input_tokens"
TOOL_NAME: Final = "gen_ai.tool.name"
TOOL_CALL_ID: Final = "gen_ai.tool.call.id"
TOOL_ARGUMENTS: Final = "gen_ai.tool.call.arguments"
TOOL_RESULT: Final = "gen_ai.tool.call.result"
ERROR_TYPE: Final = "error.type"

#: Run statuses that mark the ``invoke_agent`` span as failed (``error.type`` is the status).
FAILED_STATUSES: Final = frozenset(
    {"error", "timeout", "memory", "interrupted", "budget_exhausted", "max_turns"}
)

_PROVIDERS: Final = {"claude": "anthropic", "codex": "openai"}
_MODEL_PREFIXES: Final = (
    ("claude", "anthropic"),
    ("gpt", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("codex", "openai"),
    ("gemini", "gcp.gemini"),
)
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

Redact = Callable[[list[str]], list[str]]


def provider_of(agent: str, model: str | None) -> str | None:
    """``gen_ai.provider.name``: from the agent (``claude``, ``codex``), else from the model's name."""
    if agent in _PROVIDERS:
        return _PROVIDERS[agent]
    name = (model or "").lower().rsplit("/", 1)[-1]
    return next((provider for prefix, provider in _MODEL_PREFIXES if name.startswith(prefix)), agent or None)


def nanoseconds(timestamp: str | None) -> int | None:
    """An ISO 8601 time as nanoseconds since the epoch (None when it is missing or unreadable)."""
    if not timestamp:
        return None
    try:
        moment = parse_ts(timestamp)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return (moment - _EPOCH) // dt.timedelta(microseconds=1) * 1000


def _digest(data: bytes, size: int) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=size).digest(), "big") or 1


class SeededIds(IdGenerator):
    """Trace and span ids derived from a seed (the run id), so the same run always gets the same ids.

    Exporting a run twice, or exporting a run the live exporter already sent, gives spans a back end
    recognises as the same ones. Each span takes the next id of the sequence, in the order spans are
    started; *segment* tells the spans of a resumption apart from the first segment's.
    """

    def __init__(self, seed: str, *, segment: str = "") -> None:
        self._trace = seed.encode("utf-8", "surrogatepass")
        # A resumed run keeps its trace; its new spans take ids of their own.
        self._spans = self._trace + segment.encode("utf-8", "surrogatepass")
        self._count = 0

    def generate_trace_id(self) -> int:
        return _digest(self._trace + b"/trace", 16)

    def generate_span_id(self) -> int:
        self._count += 1
        return _digest(self._spans + b"/span/%d" % self._count, 8)


@dataclass
class _Call:
    """The open ``chat`` span of one model turn."""

    span: Any
    turn: int | None
    end: int
    model: str | None
    usage: Usage = field(default_factory=Usage)


def usage_attributes(usage: Usage) -> dict[str, int]:
    """The ``gen_ai.usage.*`` attributes of *usage* (input counts cached tokens too)."""
    return {
        INPUT_TOKENS: usage.input_tokens + usage.cache_read_tokens + usage.cache_creation_tokens,
        OUTPUT_TOKENS: usage.output_tokens,
        CACHE_READ_TOKENS: usage.cache_read_tokens,
        CACHE_CREATION_TOKENS: usage.cache_creation_tokens,
    }


class SpanBuilder:
    """Turns one run, step by step, into spans on *tracer*.

    Call :meth:`start` once, :meth:`add` for every step in order, then :meth:`finish` once. A span is
    ended (and so handed to the tracer's processors) as soon as it is complete: a tool call at its
    result, a model call when the next turn starts, the run's span last.

    Args:
        tracer: An OpenTelemetry tracer (its provider decides where spans go).
        redact: The ``redact`` chain over a batch of strings (``hooks.redact_batch``).
        capture_content: Also record tool arguments and results.
    """

    def __init__(self, tracer: Any, redact: Redact, *, capture_content: bool = False) -> None:
        self._tracer = tracer
        self._redact = redact
        self._capture_content = capture_content
        self._root: Any = None
        self._context: Context | None = None
        self._start = 0
        self._last = 0
        self._call: _Call | None = None
        self._tools: dict[str, Any] = {}
        self._orphans: list[Any] = []
        self._usage = Usage()
        self._segment = False

    # -- the run ----------------------------------------------------------------------------------

    def start(self, run: Run, *, at: str | None = None) -> None:
        """Open the run's ``invoke_agent`` span at *at* (default: the run's start; a resumption
        starts later)."""
        self._segment = at is not None
        self._start = self._last = nanoseconds(at or run.started_at) or 0
        attributes = self._clean(
            {
                OPERATION: "invoke_agent",
                PROVIDER: provider_of(run.agent, run.model),
                SYSTEM: provider_of(run.agent, run.model),
                AGENT_NAME: run.agent,
                REQUEST_MODEL: run.model,
                "autopilot.run.id": run.run_id,
            }
        )
        name = f"invoke_agent {attributes[AGENT_NAME]}" if attributes.get(AGENT_NAME) else "invoke_agent"
        self._root = self._tracer.start_span(
            name, context=Context(), kind=SpanKind.INTERNAL, attributes=attributes, start_time=self._start
        )
        self._context = trace.set_span_in_context(self._root)

    def add(self, run: Run, step: Step) -> None:
        """Account for *step*: it may open or extend a model call, open or end a tool call."""
        # Logs without times (stream-json) give steps the time they were read: keep them in the run.
        when = max(nanoseconds(step.ts) or self._last, self._start)
        call = self._call
        if step.turn is not None and (call is None or call.turn != step.turn):
            self._end_call(run)
            call = self._begin_call(run, step)
        elif step.usage is not None and call is None:
            call = self._begin_call(run, step)
        if call is not None and (step.turn == call.turn if step.turn is not None else step.usage is not None):
            call.end = max(call.end, when)
            call.model = step.model or call.model
            if step.usage is not None:
                call.usage = call.usage + step.usage
        if step.type == "tool_call":
            self._begin_tool(step, when)
        elif step.type == "tool_result":
            self._end_tool(step, when)
        self._last = when

    def finish(self, run: Run) -> None:
        """End every open span, then the run's, with the run's result and total usage."""
        end = max(nanoseconds(run.ended_at) or self._last, self._last)
        self._end_call(run)
        if self._usage.total_tokens == 0 and run.usage.total_tokens and not self._segment:
            # Old trajectories and backends that report only totals: one call over the whole run.
            self._call = _Call(self._open_chat(run, run.model, self._start), None, end, run.model, run.usage)
            self._end_call(run)
        for span in [*self._tools.values(), *self._orphans]:
            span.end(end_time=max(end, span.start_time or 0))
        self._tools.clear()
        self._orphans.clear()
        status = run.result.status
        attributes: dict[str, Any] = {
            CONVERSATION: run.session_id,
            # Set again at the end: a live run learns its model (and session) after it started.
            REQUEST_MODEL: run.model,
            RESPONSE_MODEL: run.model,
            **usage_attributes(self._usage),
            "autopilot.run.status": status,
            "autopilot.run.turns": run.result.num_turns or None,
            "autopilot.cost_usd": round(self._usage.cost_usd, 10),
            "autopilot.issue": run.issue_id,
            "autopilot.branch": run.branch,
            "autopilot.commit": run.repo_sha,
            "autopilot.project": run.project,
        }
        if status in FAILED_STATUSES:
            attributes[ERROR_TYPE] = status
        self._root.set_attributes(self._clean(attributes))
        if status in FAILED_STATUSES:
            why = self._clean({"why": run.result.error or run.result.stop_reason}).get("why")
            self._root.set_status(Status(StatusCode.ERROR, why))
        self._root.end(end_time=max(end, self._start))

    # -- model calls ------------------------------------------------------------------------------

    def _open_chat(self, run: Run, model: str | None, start: int) -> Any:
        attributes = self._clean(
            {
                OPERATION: "chat",
                PROVIDER: provider_of(run.agent, model),
                SYSTEM: provider_of(run.agent, model),
                REQUEST_MODEL: run.model or model,
                AGENT_NAME: run.agent,
            }
        )
        name = f"chat {attributes[REQUEST_MODEL]}" if attributes.get(REQUEST_MODEL) else "chat"
        return self._tracer.start_span(
            name, context=self._context, kind=SpanKind.CLIENT, attributes=attributes, start_time=start
        )

    def _begin_call(self, run: Run, step: Step) -> _Call:
        model = step.model or run.model
        self._call = _Call(self._open_chat(run, model, self._last), step.turn, self._last, model)
        return self._call

    def _end_call(self, run: Run) -> None:
        call, self._call = self._call, None
        if call is None:
            return
        self._usage = self._usage + call.usage
        attributes = {
            RESPONSE_MODEL: call.model,
            CONVERSATION: run.session_id,
            **usage_attributes(call.usage),
            "autopilot.cost_usd": round(call.usage.cost_usd, 10),
        }
        call.span.set_attributes(self._clean(attributes))
        call.span.end(end_time=max(call.end, call.span.start_time or 0))

    # -- tool calls -------------------------------------------------------------------------------

    def _begin_tool(self, step: Step, when: int) -> None:
        attributes: dict[str, Any] = {
            OPERATION: "execute_tool",
            TOOL_NAME: step.tool or "?",
            TOOL_CALL_ID: step.tool_use_id,
        }
        if self._capture_content and step.input is not None:
            attributes[TOOL_ARGUMENTS] = _text(step.input)
        attributes = self._clean(attributes)
        span = self._tracer.start_span(
            f"execute_tool {attributes[TOOL_NAME]}",
            context=self._context,
            kind=SpanKind.INTERNAL,
            attributes=attributes,
            start_time=when,
        )
        key = step.tool_use_id or f"#{step.index}"
        if key in self._tools:
            self._orphans.append(self._tools[key])
        self._tools[key] = span

    def _end_tool(self, step: Step, when: int) -> None:
        span = self._tools.pop(step.tool_use_id, None) if step.tool_use_id else None
        if span is None:
            return
        if self._capture_content and step.output is not None:
            span.set_attributes(self._clean({TOOL_RESULT: _text(step.output)}))
        if step.is_error:
            span.set_attribute(ERROR_TYPE, "tool_error")
            span.set_status(Status(StatusCode.ERROR))
        span.end(end_time=max(when, span.start_time or 0))

    # -- attributes -------------------------------------------------------------------------------

    def _clean(self, attributes: dict[str, Any]) -> dict[str, Any]:
        """*attributes* without empty values, every string through the ``redact`` chain (one batch)."""
        present = {key: value for key, value in attributes.items() if value is not None and value != ""}
        keys = [key for key, value in present.items() if isinstance(value, str)]
        if keys:
            present.update(zip(keys, self._redact([present[key] for key in keys]), strict=True))
        return present


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def build_spans(run: Run, tracer: Any, redact: Redact, *, capture_content: bool = False) -> None:
    """Every span of a finished *run* on *tracer*."""
    builder = SpanBuilder(tracer, redact, capture_content=capture_content)
    builder.start(run)
    for step in run.steps:
        builder.add(run, step)
    builder.finish(run)
