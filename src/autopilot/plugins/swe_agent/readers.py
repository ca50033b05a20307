"""SWE-agent ``.traj`` and mini-swe-agent ``.traj.json`` trajectories, read by ``analyze`` and ``report``.

Both state their cost (``info.model_stats.instance_cost``), which is used as is: their models are
often not in autopilot's price table. SWE-agent keeps only run totals (one call per file); mini-swe-agent
keeps each response's usage (``extra.response.usage``), and its cost is shared out by tokens.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from autopilot.core.logs import LogReader
from autopilot.core.models import epoch_ts
from autopilot.core.usage import Call, Session, ToolStat


def _mtime(path: Path) -> str:
    return epoch_ts(path.stat().st_mtime)


def _object(data: bytes) -> dict[str, Any]:
    value = json.loads(data)
    if not isinstance(value, dict):
        raise ValueError("top level is not an object")
    return value


def _when(value: Any, default: str) -> str:
    """A message's ``extra.timestamp``: ISO text, or (v2) seconds since the epoch."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return epoch_ts(value)
    return default


def _actions(message: dict[str, Any]) -> int:
    """How many commands a model message asks for: its tool calls (v2), the function calls of a
    response-API message (v2), or a fenced block in its text (v1)."""
    if isinstance(message.get("tool_calls"), list):
        return len(message["tool_calls"])
    if isinstance(message.get("output"), list):
        return sum(isinstance(i, dict) and i.get("type") == "function_call" for i in message["output"])
    return int("```" in str(message.get("content") or ""))


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _duration_ms(steps: list[Any]) -> int | None:
    """The steps' ``execution_time`` summed, in ms; None when no step has one (no time is known)."""
    times = [s.get("execution_time") for s in steps if isinstance(s, dict)]
    known = [t for t in times if isinstance(t, int | float) and not isinstance(t, bool)]
    return int(sum(known) * 1000) if known else None


def _status(exit_status: Any) -> str:
    """``submitted`` (SWE-agent) or ``Submitted`` (mini) end a run well; other statuses stay as they are."""
    text = str(exit_status or "").strip()
    if not text:
        return "unknown"
    return "success" if text.lower().startswith("submitted") else text


class SweAgentReader(LogReader):
    """SWE-agent ``.traj`` files (0.x and 1.x shapes, demonstrations)."""

    name = "swe-agent"
    agent = "swe-agent"
    _KEYS = re.compile(rb'^\s*\{\s*"(environment|trajectory|history)"\s*:')
    #: A list of steps (``action``, ``observation``) or of chat messages (``role``): other JSON files
    #: starting with an ``environment`` or ``history`` key are not trajectories.
    _STEPS = re.compile(
        rb'"(trajectory|history)"\s*:\s*\[\s*\{\s*"(action|observation|thought|response|role)"'
    )

    def sniff(self, head: bytes, path: Path) -> bool:
        return bool(self._KEYS.match(head)) and bool(self._STEPS.search(head))

    def scan(self, path: Path, data: bytes) -> list[Session]:
        doc = _object(data)
        info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
        stats = info.get("model_stats") if isinstance(info.get("model_stats"), dict) else {}
        config = doc.get("replay_config")
        if isinstance(config, str):
            try:
                config = json.loads(config)
            except ValueError:
                config = None
        model = None
        if isinstance(config, dict):
            agent = config.get("agent") if isinstance(config.get("agent"), dict) else {}
            model = (agent.get("model") or {}).get("name") if isinstance(agent.get("model"), dict) else None
        when = _mtime(path)
        calls = []
        if stats:
            calls.append(
                Call(
                    when,
                    model,
                    int(_number(stats.get("tokens_sent"))),
                    int(_number(stats.get("tokens_received"))),
                    cost=_number(stats.get("instance_cost")),
                )
            )
        steps = doc.get("trajectory") if isinstance(doc.get("trajectory"), list) else []
        tools: dict[str, ToolStat] = {}
        for step in steps:
            action = str(step.get("action") or "").strip() if isinstance(step, dict) else ""
            if action:
                tools.setdefault(action.split()[0], ToolStat()).calls += 1
        history = doc.get("history") if isinstance(doc.get("history"), list) else []
        return [
            Session(
                path=str(path),
                kind=self.name,
                agent=self.agent,
                session_id=path.name.removesuffix(".traj"),
                calls=calls,
                model=model,
                started_at=when,  # the file's time: the trajectory has none
                status=_status(info.get("exit_status")),
                duration_ms=_duration_ms(steps),
                num_turns=int(_number(stats.get("api_calls"))) if stats else None,
                steps=len(steps) or len(history),
                tools=tools,
            )
        ]


class MiniSweAgentReader(LogReader):
    """mini-swe-agent trajectories (``trajectory_format`` ``mini-swe-agent-1``, and v2's
    ``mini-swe-agent-1.1``: tool calls, each call's ``extra.cost``, response-API messages)."""

    name = "mini-swe-agent"
    agent = "mini-swe-agent"
    _INFO = re.compile(rb'^\s*\{\s*"info"\s*:')
    #: What mini-swe-agent's ``info`` holds first (v1: ``exit_status``; v2: ``model_stats``); other
    #: JSON files starting with an ``info`` key (Postman collections) are not trajectories.
    _STATS = re.compile(rb'"(exit_status|model_stats|mini_version)"\s*:')

    def sniff(self, head: bytes, path: Path) -> bool:
        if b'"trajectory_format"' in head and b'"mini-swe-agent' in head:
            return True
        return bool(self._INFO.match(head)) and bool(self._STATS.search(head))

    def scan(self, path: Path, data: bytes) -> list[Session]:
        doc = _object(data)
        if not isinstance(doc.get("messages"), list):
            raise ValueError("no messages")
        info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
        stats = info.get("model_stats") if isinstance(info.get("model_stats"), dict) else {}
        when = _mtime(path)
        calls: list[Call] = []
        models: Counter[str] = Counter()
        tools: dict[str, ToolStat] = {}
        stated: list[float | None] = []
        for message in doc["messages"]:
            # A chat message of the model; with v2's response-API models, the response object itself.
            if not isinstance(message, dict) or (
                message.get("role") != "assistant" and message.get("object") != "response"
            ):
                continue
            extra = message.get("extra") if isinstance(message.get("extra"), dict) else {}
            response = extra.get("response") if isinstance(extra.get("response"), dict) else message
            usage = response.get("usage") if isinstance(response.get("usage"), dict) else {}
            # Chat completions count prompt/completion tokens, the response API input/output tokens;
            # both count cached tokens inside the prompt.
            details = usage.get("prompt_tokens_details") or usage.get("input_tokens_details")
            cached = int(_number(details.get("cached_tokens"))) if isinstance(details, dict) else 0
            prompt = int(_number(usage.get("prompt_tokens", usage.get("input_tokens"))))
            completion = int(_number(usage.get("completion_tokens", usage.get("output_tokens"))))
            model = response.get("model") if isinstance(response.get("model"), str) else None
            if model:
                models[model] += 1
            calls.append(
                Call(
                    _when(extra.get("timestamp"), when),
                    model,
                    max(0, prompt - cached),
                    completion,
                    cached,
                    message_id=response.get("id") if isinstance(response.get("id"), str) else None,
                )
            )
            # v2 states each call's cost; v1 only the run's.
            cost = extra.get("cost")
            stated.append(_number(cost) if isinstance(cost, int | float) else None)
            actions = _actions(message)
            if actions:
                tools.setdefault("bash", ToolStat()).calls += actions
        times = [call.ts for call in calls if call.ts != when]  # v2 stamps each message
        cost = _number(stats.get("instance_cost"))
        if calls and all(c is not None for c in stated):
            for call, share in zip(calls, stated, strict=True):
                call.cost = share
        else:
            tokens = sum(c.tokens for c in calls)
            for call in calls:
                call.cost = cost * call.tokens / tokens if tokens else cost / len(calls)
        return [
            Session(
                path=str(path),
                kind=self.name,
                agent=self.agent,
                session_id=str(
                    doc.get("instance_id") or path.name.removesuffix(".json").removesuffix(".traj")
                ),
                calls=calls,
                model=models.most_common(1)[0][0] if models else None,
                started_at=min(times) if times else when,
                ended_at=max(times) if times else None,
                status=_status(info.get("exit_status")),
                num_turns=len(calls),
                steps=len(doc["messages"]),
                tools=tools,
                cost_usd=None if calls else cost,
            )
        ]
