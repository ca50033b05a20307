"""Harbor's ATIF (Agent Trajectory Interchange Format): read by ``analyze``/``report``, written by ``export``.

Reading takes each agent step's ``metrics`` (``prompt_tokens`` includes the cached tokens; a
``cache_creation_input_tokens`` in ``metrics.extra`` is a cache write) and its stated ``cost_usd``.
Writing (:func:`to_atif`) turns a recorded run into ATIF v1.4: one agent step per model turn, with its
thinking (``reasoning_content``), tool calls and their results (``observation``), and the turn's
tokens and cost (``metrics``); user prompts and system events become user and system steps.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from autopilot.core.logs import LogReader
from autopilot.core.models import Run, Step
from autopilot.core.usage import Call, Session, ToolStat

ATIF_VERSION: Final = "ATIF-v1.4"


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


class AtifReader(LogReader):
    """ATIF ``trajectory.json`` files (any v1.x)."""

    name = "atif"
    agent = "atif"
    _VERSION = re.compile(rb'"schema_version"\s*:\s*"ATIF-v1\.')

    def sniff(self, head: bytes, path: Path) -> bool:
        return bool(self._VERSION.search(head))

    def scan(self, path: Path, data: bytes) -> list[Session]:
        from autopilot.core.importer import _iso

        doc = json.loads(data)
        if not isinstance(doc, dict) or not isinstance(doc.get("steps"), list):
            raise ValueError("no steps")
        agent = doc.get("agent") if isinstance(doc.get("agent"), dict) else {}
        when = _iso(path.stat().st_mtime)
        calls: list[Call] = []
        tools: dict[str, ToolStat] = {}
        times: list[str] = []
        for step in doc["steps"]:
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
            extra = metrics.get("extra") if isinstance(metrics.get("extra"), dict) else {}
            cached = _int(metrics.get("cached_tokens"))
            written = _int(extra.get("cache_creation_input_tokens"))
            cost = metrics.get("cost_usd")
            calls.append(
                Call(
                    step.get("timestamp") if isinstance(step.get("timestamp"), str) else when,
                    step.get("model_name") or agent.get("model_name"),
                    max(0, _int(metrics.get("prompt_tokens")) - cached - written),
                    _int(metrics.get("completion_tokens")),
                    cached,
                    written,
                    cost=float(cost)
                    if isinstance(cost, int | float) and not isinstance(cost, bool)
                    else None,
                )
            )
        final = doc.get("final_metrics") if isinstance(doc.get("final_metrics"), dict) else {}
        if not calls and final:
            cached = _int(final.get("total_cached_tokens"))
            cost = final.get("total_cost_usd")
            calls.append(
                Call(
                    when,
                    agent.get("model_name"),
                    max(0, _int(final.get("total_prompt_tokens")) - cached),
                    _int(final.get("total_completion_tokens")),
                    cached,
                    cost=float(cost)
                    if isinstance(cost, int | float) and not isinstance(cost, bool)
                    else None,
                )
            )
        return [
            Session(
                path=str(path),
                kind=self.name,
                agent=str(agent.get("name") or self.agent),
                session_id=str(doc.get("session_id") or doc.get("trajectory_id") or path.stem),
                calls=calls,
                model=agent.get("model_name"),
                started_at=min(times) if times else when,
                ended_at=max(times) if times else when,
                num_turns=len(calls),
                steps=len(doc["steps"]),
                tools=tools,
            )
        ]


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
    by_call: dict[str, dict[str, Any]] = {}

    def add(source: str, message: str, ts: str, **fields: Any) -> dict[str, Any]:
        entry = {"step_id": len(steps) + 1, "timestamp": ts, "source": source, "message": message, **fields}
        steps.append(entry)
        return entry

    def agent(step: Step) -> dict[str, Any]:
        nonlocal agent_step
        if agent_step is None:
            agent_step = add("agent", "", step.ts, model_name=step.model or run.model or "unknown")
        return agent_step

    for step in run.steps:
        if step.type == "user":
            agent_step = None
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
            if owner is None:
                owner = add("system", f"result of {step.tool or 'a tool call'}", step.ts)
            else:
                result = {"source_call_id": step.tool_use_id, **result}
            owner.setdefault("observation", {"results": []})["results"].append(result)
        elif step.type in ("system", "error"):
            if step.type == "system" and step.subtype == "usage" and step.usage is None:
                continue
            if step.usage is None or agent_step is None:
                message = (
                    step.text if step.type == "error" else f"{step.subtype or 'system'}: {_text(step.data)}"
                )
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
            for key, value in (("branch", run.branch), ("commit", run.repo_sha), ("issue", run.issue_id))
            if value
        },
    }
