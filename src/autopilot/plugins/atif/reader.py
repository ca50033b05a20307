"""Harbor's ATIF (Agent Trajectory Interchange Format): read by ``analyze``/``report``, written by ``export``.

Reading takes each agent step's ``metrics`` (``prompt_tokens`` includes the cached tokens; a
``cache_creation_input_tokens`` in ``metrics.extra`` is a cache write) and its stated ``cost_usd``.
Writing (:func:`to_atif`) turns a recorded run into ATIF v1.4: one agent step per model turn, with its
thinking (``reasoning_content``), tool calls and their results (``observation``), and the turn's
tokens and cost (``metrics``); user prompts and system events become user and system steps.
Importing (:func:`import_atif`, ``autopilot import``) maps the steps back, so an exported run imports
as the run it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from autopilot.core.logs import LogReader
from autopilot.core.models import RUN_STATUSES, BackendEvent, ImportedRun, Run, Step, Usage, epoch_ts
from autopilot.core.usage import Call, Session, ToolStat

ATIF_VERSION: Final = "ATIF-v1.4"


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _usage(metrics: Mapping[str, Any]) -> Usage:
    """An agent step's ``metrics`` as autopilot's usage (ATIF counts cached tokens inside the prompt)."""
    extra = metrics.get("extra") if isinstance(metrics.get("extra"), dict) else {}
    cached = _int(metrics.get("cached_tokens"))
    written = _int(extra.get("cache_creation_input_tokens"))
    return Usage(
        input_tokens=max(0, _int(metrics.get("prompt_tokens")) - cached - written),
        output_tokens=_int(metrics.get("completion_tokens")),
        cache_read_tokens=cached,
        cache_creation_tokens=written,
        cache_creation_1h_tokens=_int(extra.get("cache_creation_1h_input_tokens")),
    )


class AtifReader(LogReader):
    """ATIF ``trajectory.json`` files (any v1.x)."""

    name = "atif"
    agent = "atif"
    _VERSION = re.compile(rb'"schema_version"\s*:\s*"ATIF-v1\.')

    def sniff(self, head: bytes, path: Path) -> bool:
        return bool(self._VERSION.search(head))

    def scan(self, path: Path, data: bytes) -> list[Session]:
        doc = json.loads(data)
        if not isinstance(doc, dict) or not isinstance(doc.get("steps"), list):
            raise ValueError("no steps")
        agent = _agent(doc)
        when = epoch_ts(path.stat().st_mtime)
        calls: list[Call] = []
        tools: dict[str, ToolStat] = {}
        times: list[str] = []
        steps = 0
        for trajectory in _trajectories(doc):
            model = _agent(trajectory).get("model_name") or agent.get("model_name")
            own: list[Call] = []
            steps += len(trajectory["steps"])
            for step in trajectory["steps"]:
                if not isinstance(step, dict) or step.get("is_copied_context"):
                    continue
                if isinstance(step.get("timestamp"), str):
                    times.append(step["timestamp"])
                for call in step.get("tool_calls") or ():
                    if isinstance(call, dict):
                        tools.setdefault(str(call.get("function_name") or "?"), ToolStat()).calls += 1
                metrics = step.get("metrics")
                if step.get("source") != "agent" or not isinstance(metrics, dict):
                    continue
                at = step.get("timestamp") if isinstance(step.get("timestamp"), str) else when
                cost = metrics.get("cost_usd")
                own.append(_call(at, step.get("model_name") or model, _usage(metrics), cost))
            final = trajectory.get("final_metrics")
            if not own and isinstance(final, dict):
                own.append(_call(when, model, _final_usage(final), final.get("total_cost_usd")))
            calls += own
        return [
            Session(
                path=str(path),
                kind=self.name,
                agent=str(agent.get("name") or self.agent),
                session_id=str(doc.get("session_id") or doc.get("trajectory_id") or path.stem),
                calls=calls,
                model=agent.get("model_name"),
                started_at=min(times) if times else when,
                ended_at=max(times) if times else None,
                num_turns=len(calls),
                steps=steps,
                tools=tools,
            )
        ]


def _agent(trajectory: Mapping[str, Any]) -> Mapping[str, Any]:
    agent = trajectory.get("agent")
    return agent if isinstance(agent, dict) else {}


def _trajectories(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """*doc* and, depth first, the sub-agent trajectories embedded in it (v1.7 ``subagent_trajectories``),
    whose steps and tokens are the run's too."""
    found = [doc]
    for child in doc.get("subagent_trajectories") or ():
        if isinstance(child, dict) and isinstance(child.get("steps"), list):
            found += _trajectories(child)
    return found


def _final_usage(final: Mapping[str, Any]) -> Usage:
    """A trajectory's ``final_metrics`` totals as one usage (for a trajectory whose steps have no metrics)."""
    cached = _int(final.get("total_cached_tokens"))
    return Usage(
        input_tokens=max(0, _int(final.get("total_prompt_tokens")) - cached),
        output_tokens=_int(final.get("total_completion_tokens")),
        cache_read_tokens=cached,
    )


def _cost(value: Any) -> float | None:
    """A stated ``cost_usd`` / ``total_cost_usd``, or None when the file states none."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _call(ts: str, model: Any, usage: Usage, cost: Any) -> Call:
    return Call(
        ts,
        model if isinstance(model, str) else None,
        usage.input_tokens,
        usage.output_tokens,
        usage.cache_read_tokens,
        usage.cache_creation_tokens,
        usage.cache_creation_1h_tokens,
        cost=_cost(cost),
    )


# ------------------------------------------------------------------------------------------------
# Writing


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _metrics(step: Step) -> dict[str, Any] | None:
    usage = step.usage
    if usage is None:
        return None
    metrics: dict[str, Any] = {
        # ATIF counts cached tokens inside the prompt; Anthropic's input_tokens does not.
        "prompt_tokens": usage.input_tokens + usage.cache_read_tokens + usage.cache_creation_tokens,
        "completion_tokens": usage.output_tokens,
        "cached_tokens": usage.cache_read_tokens,
        "cost_usd": round(usage.cost_usd, 10),
    }
    if usage.cache_creation_tokens:
        metrics["extra"] = {
            "cache_creation_input_tokens": usage.cache_creation_tokens,
            "cache_creation_1h_input_tokens": usage.cache_creation_1h_tokens,
        }
    return metrics


def to_atif(run: Run, *, version: str = "0") -> dict[str, Any]:
    """*run* as an ATIF v1.4 trajectory (a dict ready for ``json.dumps``)."""
    steps: list[dict[str, Any]] = []
    agent_step: dict[str, Any] | None = None
    #: The agent step a result without a call id belongs to (the latest since the last user step).
    last_agent: dict[str, Any] | None = None
    by_call: dict[str, dict[str, Any]] = {}

    def add(source: str, message: str, ts: str, **fields: Any) -> dict[str, Any]:
        entry = {"step_id": len(steps) + 1, "timestamp": ts, "source": source, "message": message, **fields}
        steps.append(entry)
        return entry

    def agent(step: Step) -> dict[str, Any]:
        nonlocal agent_step, last_agent
        if agent_step is None:
            agent_step = add("agent", "", step.ts, model_name=step.model or run.model or "unknown")
        last_agent = agent_step
        return agent_step

    for step in run.steps:
        if step.type == "user":
            agent_step = last_agent = None
            add("user", _text(step.text), step.ts)
        elif step.type == "assistant":
            current = agent(step)
            current["message"] = "\n\n".join(filter(None, [current["message"], _text(step.text)]))
        elif step.type == "thinking":
            current = agent(step)
            reasoning = current.get("reasoning_content")
            current["reasoning_content"] = "\n\n".join(filter(None, [reasoning, _text(step.text)]))
        elif step.type == "tool_call":
            current = agent(step)
            call_id = step.tool_use_id or f"call_{step.index}"
            arguments = step.input if isinstance(step.input, Mapping) else {"input": step.input}
            current.setdefault("tool_calls", []).append(
                {"tool_call_id": call_id, "function_name": step.tool or "?", "arguments": dict(arguments)}
            )
            by_call[call_id] = current
        elif step.type == "tool_result":
            owner = by_call.get(step.tool_use_id or "")
            result: dict[str, Any] = {"content": _text(step.output)}
            if owner is not None:
                result = {"source_call_id": step.tool_use_id, **result}
            elif not step.tool_use_id and last_agent is not None:
                owner = last_agent  # what the environment answered to the agent's last step
            else:
                owner = add("system", f"result of {step.tool or 'a tool call'}", step.ts)
            owner.setdefault("observation", {"results": []})["results"].append(result)
        elif step.type in ("system", "error"):
            if step.type == "system" and step.subtype == "usage":
                pass  # usage reported after its turn: only its metrics are written
            elif step.usage is None or agent_step is None:
                message = step.text or f"{step.subtype or 'system'}: {_text(step.data)}"
                add("system", _text(message)[:10000], step.ts)
        if step.usage is not None:
            current = agent_step if agent_step is not None else agent(step)
            metrics = _metrics(step)
            if metrics is not None:
                current["metrics"] = metrics
            agent_step = None
    usage = run.usage
    return {
        "schema_version": ATIF_VERSION,
        "session_id": run.session_id or run.run_id,
        "agent": {
            "name": run.agent or "autopilot",
            "version": run.autopilot_version or version,
            "model_name": run.model or "unknown",
            "extra": {"recorded_by": "git-autopilot", "run_id": run.run_id},
        },
        "steps": steps,
        "notes": f"Exported by git-autopilot from run {run.run_id} (status {run.result.status}).",
        "final_metrics": {
            "total_prompt_tokens": usage.input_tokens + usage.cache_read_tokens + usage.cache_creation_tokens,
            "total_completion_tokens": usage.output_tokens,
            "total_cached_tokens": usage.cache_read_tokens,
            "total_cost_usd": round(usage.cost_usd, 10),
            "total_steps": len(steps),
        },
        "extra": {
            key: value
            for key, value in (
                ("status", run.result.status),
                ("branch", run.branch),
                ("commit", run.repo_sha),
                ("issue", run.issue_id),
            )
            if value
        },
    }


# ------------------------------------------------------------------------------------------------
# Importing


def _content(value: Any) -> str:
    """A message or observation content: a string, or the text parts of a list of content parts."""
    if isinstance(value, list):
        return "\n\n".join(str(p["text"]) for p in value if isinstance(p, dict) and p.get("type") == "text")
    return _text(value)


def _arguments(call: Mapping[str, Any]) -> Any:
    """A tool call's input: its ``arguments``, or what :func:`to_atif` wrapped as ``{"input": ...}``."""
    arguments = call.get("arguments")
    if (
        isinstance(arguments, dict)
        and list(arguments) == ["input"]
        and not isinstance(arguments["input"], dict)
    ):
        return arguments["input"]
    return arguments


def _turn(step: Mapping[str, Any], at: dict[str, str]) -> list[BackendEvent]:
    """One ATIF step as backend events: its own steps (with an agent step's usage), then its results."""
    message = _content(step.get("message"))
    made: list[Step] = []
    usage = None
    if step.get("source") == "agent":
        if step.get("reasoning_content"):
            made.append(Step("thinking", text=_text(step["reasoning_content"]), **at))
        if message:
            made.append(Step("assistant", text=message, **at))
        for call in step.get("tool_calls") or ():
            if isinstance(call, dict):
                name, call_id = str(call.get("function_name") or "?"), call.get("tool_call_id")
                made.append(Step("tool_call", tool=name, tool_use_id=call_id, input=_arguments(call), **at))
        metrics = step.get("metrics")
        usage = None
        if isinstance(metrics, dict):
            usage = _usage(metrics)
            usage.cost_usd = _cost(metrics.get("cost_usd")) or 0.0
        if usage is not None and not made:  # a turn known only by its tokens, at the step's time
            made.append(Step("system", subtype="usage", **at))
    else:
        source = "user" if step.get("source") == "user" else "system"
        made.append(Step(source, text=message, subtype="message" if source == "system" else None, **at))
    events = [
        BackendEvent(steps=made, usage=usage, turn_complete=usage is not None, model=step.get("model_name"))
    ]
    names = {s.tool_use_id: s.tool for s in made if s.type == "tool_call"}
    observation = step.get("observation") if isinstance(step.get("observation"), dict) else {}
    results = []
    for result in observation.get("results") or ():
        if isinstance(result, dict):
            call_id = result.get("source_call_id") or ""
            output = _content(result.get("content"))
            results.append(
                Step(
                    "tool_result",
                    tool_use_id=call_id,
                    tool=names.get(call_id),
                    output=output,
                    is_error=False,
                    **at,
                )
            )
    if results:
        events.append(BackendEvent(steps=results))
    return events


def import_atif(records: list[dict[str, Any]]) -> ImportedRun | None:
    """An ATIF trajectory (any v1.x) as an :class:`~autopilot.core.models.ImportedRun`, or None.

    Each agent step is one model turn: its reasoning, message and tool calls, then its observation's
    results; user and system steps stay user and system steps. Steps Harbor copied from an earlier
    file (``is_copied_context``) and content parts other than text are left out; the run's status is
    ``extra.status`` (``export`` writes it), else ``unknown``. When every model call states its cost
    (``metrics.cost_usd``, or ``final_metrics.total_cost_usd`` for a trajectory known only by its totals),
    those costs are kept, as ``analyze`` keeps them; otherwise the usage is priced with the price table.
    """
    doc = records[0] if len(records) == 1 else {}
    if not str(doc.get("schema_version", "")).startswith("ATIF-v1.") or not isinstance(
        doc.get("steps"), list
    ):
        return None
    steps: list[Mapping[str, Any]] = []
    events: list[BackendEvent] = []
    stated: list[bool] = []  # per counted model call: whether the file states its cost
    for trajectory in _trajectories(doc):
        own = [s for s in trajectory["steps"] if isinstance(s, dict) and not s.get("is_copied_context")]
        made = [
            e
            for s in own
            for e in _turn(s, {"ts": s["timestamp"]} if isinstance(s.get("timestamp"), str) else {})
        ]
        model = _agent(trajectory).get("model_name")
        final = trajectory.get("final_metrics")
        stated += [
            _cost(s["metrics"].get("cost_usd")) is not None
            for s in own
            if s.get("source") == "agent" and isinstance(s.get("metrics"), dict)
        ]
        if not any(e.usage is not None for e in made) and isinstance(final, dict):
            # Tokens known only as the trajectory's totals: one turn of them, as analyze counts them.
            usage = _final_usage(final)
            cost = _cost(final.get("total_cost_usd"))
            usage.cost_usd = cost or 0.0
            stated.append(cost is not None)
            made.append(BackendEvent(steps=[Step("system", subtype="usage")], usage=usage,
                                     turn_complete=True))  # fmt: skip
        if trajectory is not doc and isinstance(model, str):
            for event in made:  # a sub-agent's turns are its model's
                event.model = event.model or model
        steps += own
        events += made
    times = [s["timestamp"] for s in steps if isinstance(s.get("timestamp"), str)]
    if not events:
        return None
    agent = _agent(doc)
    extra = doc.get("extra") if isinstance(doc.get("extra"), dict) else {}
    events[0].session_id = doc.get("session_id") if isinstance(doc.get("session_id"), str) else None
    events[0].model = events[0].model or agent.get("model_name")
    texts = [s.text for e in events for s in e.steps if s.type == "assistant"]
    status = extra.get("status") if extra.get("status") in RUN_STATUSES else "unknown"
    # The run is the main agent's, whose model it names again after its sub-agents' turns.
    model = agent.get("model_name") if isinstance(agent.get("model_name"), str) else None
    final_text = texts[-1] if texts else None
    events.append(BackendEvent(done=True, status=status, final_text=final_text, model=model))
    return ImportedRun(
        str(agent.get("name") or "atif"),
        events,
        started_at=min(times) if times else None,
        ended_at=max(times) if times else None,
        timed=len(times) == len(steps),
        stated_costs=bool(stated) and all(stated),
    )
