"""SWE-agent ``.traj`` and mini-swe-agent ``.traj.json`` trajectories: read by ``analyze`` and
``report`` (the readers), and imported by ``import`` (:func:`import_trajectory`), which ``export``,
``replay`` and ``compare`` then work on.

Both state their cost (``info.model_stats.instance_cost``), which is used as is: their models are
often not in autopilot's price table. SWE-agent keeps only run totals (one call per file); mini-swe-agent
keeps each response's usage (``extra.response.usage``), and its cost is shared out by tokens. The readers
and the importer take their calls, tools and status from the same functions here, so ``analyze`` of a
file and of its import give the same tokens and cost.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from autopilot.core.logs import LogReader
from autopilot.core.models import BackendEvent, ImportedRun, Step, epoch_ts
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


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _seconds(value: Any) -> float | None:
    """An ``execution_time`` in seconds; None when absent or not a number."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _duration_ms(steps: list[Any]) -> int | None:
    """The steps' ``execution_time`` summed, in ms; None when no step has one (no time is known)."""
    known = [t for s in steps if isinstance(s, dict) and (t := _seconds(s.get("execution_time"))) is not None]
    return int(sum(known) * 1000) if known else None


def _status(exit_status: Any) -> str:
    """``submitted`` (SWE-agent) or ``Submitted`` (mini) end a run well; other statuses stay as they are."""
    text = str(exit_status or "").strip()
    if not text:
        return "unknown"
    return "success" if text.lower().startswith("submitted") else text


def _run_status(exit_status: Any) -> str:
    """The exit status as a run's status: submitted is success, ``exit_cost`` budget_exhausted, any
    other one an error; ``unknown`` when the file states none."""
    status = _status(exit_status)
    if status in ("unknown", "success"):
        return status
    return "budget_exhausted" if status == "exit_cost" else "error"


def _text(content: Any) -> str:
    """A message's content: a string, or the text parts of a list of content parts."""
    if isinstance(content, list):
        return "\n\n".join(str(p.get("text") or "") for p in content if isinstance(p, dict) and "text" in p)
    return "" if content is None else str(content)


def _arguments(raw: Any) -> Any:
    """A tool call's arguments: OpenAI's JSON text decoded (kept as text when it is not JSON)."""
    if isinstance(raw, str):
        try:
            return json.loads(raw) if raw.strip() else {}
        except ValueError:
            return raw
    return raw


def _info(doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A trajectory's ``info`` and its ``model_stats`` (empty when absent)."""
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    stats = info.get("model_stats") if isinstance(info.get("model_stats"), dict) else {}
    return info, stats


# ------------------------------------------------------------------------------------------------
# SWE-agent


def _replay_config(doc: dict[str, Any]) -> dict[str, Any]:
    """SWE-agent 1.x's ``replay_config`` (an object, or JSON text), or ``{}``."""
    config = doc.get("replay_config")
    if isinstance(config, str):
        try:
            config = json.loads(config)
        except ValueError:
            config = None
    return config if isinstance(config, dict) else {}


def swe_agent_model(doc: dict[str, Any]) -> str | None:
    """The model ``replay_config`` names (1.x); 0.x files do not name theirs."""
    agent = _replay_config(doc).get("agent")
    model = agent.get("model") if isinstance(agent, dict) else None
    name = model.get("name") if isinstance(model, dict) else None
    return name if isinstance(name, str) and name else None


def swe_agent_call(doc: dict[str, Any], when: str) -> Call | None:
    """The run's one call: its totals from ``info.model_stats`` (SWE-agent records no per-call usage),
    at *when*; None when the file has no ``model_stats`` (a demonstration)."""
    _, stats = _info(doc)
    if not stats:
        return None
    return Call(
        when,
        swe_agent_model(doc),
        int(_number(stats.get("tokens_sent"))),
        int(_number(stats.get("tokens_received"))),
        cost=_number(stats.get("instance_cost")),
    )


def _demo(message: dict[str, Any]) -> bool:
    return bool(message.get("is_demo")) or message.get("message_type") == "demonstration"


def _history(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The chat messages of the main agent, demonstrations left out."""
    history = doc.get("history") if isinstance(doc.get("history"), list) else []
    return [m for m in history if isinstance(m, dict) and not _demo(m)]


def _calls_of(message: dict[str, Any], action: str) -> list[tuple[str, str | None, Any]]:
    """A model message's tool calls as (name, id, arguments): its OpenAI ``tool_calls`` (function-calling
    runs), else its action text, named by its first word (``open``, ``edit``, ``python``)."""
    calls = []
    for call in message.get("tool_calls") or ():
        function = call.get("function") if isinstance(call, dict) else None
        if isinstance(function, dict) and function.get("name"):
            calls.append((str(function["name"]), call.get("id"), _arguments(function.get("arguments"))))
    if not calls and action.strip():
        calls.append((action.split()[0], None, {"command": action}))
    return calls


def swe_agent_turns(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Each model call of a SWE-agent trajectory: ``thought``, ``calls`` (name, id, arguments),
    ``observation`` and ``execution_time`` (seconds or None).

    The ``trajectory`` entries are the calls; the tool calls of function-calling runs come from the
    ``history`` message with the same action. A demonstration has only ``history``: its assistant
    messages are the calls, and the message after each its observation.
    """
    history = _history(doc)
    steps = doc.get("trajectory") if isinstance(doc.get("trajectory"), list) else []
    turns: list[dict[str, Any]] = []
    if steps:
        said = [m for m in history if m.get("role") == "assistant"]
        at = 0
        for step in steps:
            if not isinstance(step, dict):
                continue
            action = str(step.get("action") or "")
            match = next(
                (i for i in range(at, len(said)) if said[i].get("action") == step.get("action")), None
            )
            message = said[match] if match is not None else {}
            at = match + 1 if match is not None else at
            turns.append({
                "thought": _text(step.get("thought") or step.get("response")),
                "calls": _calls_of(message, action),
                "observation": _text(step.get("observation")),
                "execution_time": _seconds(step.get("execution_time")),
            })  # fmt: skip
        return turns
    for n, message in enumerate(history):
        if message.get("role") != "assistant":
            continue
        after = history[n + 1] if n + 1 < len(history) else {}
        answered = after.get("role") in ("tool", "user") and after.get("message_type") != "action"
        turns.append({
            "thought": _text(message.get("thought") or message.get("content")),
            "calls": _calls_of(message, str(message.get("action") or "")),
            "observation": _text(after.get("content")) if answered else None,
            "execution_time": None,
        })  # fmt: skip
    return turns


def swe_agent_tools(turns: list[dict[str, Any]]) -> dict[str, ToolStat]:
    tools: dict[str, ToolStat] = {}
    for turn in turns:
        for name, _, _ in turn["calls"]:
            tools.setdefault(name, ToolStat()).calls += 1
    return tools


# ------------------------------------------------------------------------------------------------
# mini-swe-agent


def _model_message(message: Any) -> bool:
    """A chat message of the model; with v2's response-API models, the response object itself."""
    return isinstance(message, dict) and (
        message.get("role") == "assistant" or message.get("object") == "response"
    )


def mini_calls(doc: dict[str, Any], when: str) -> list[tuple[dict[str, Any], Call]]:
    """Each model message of a mini-swe-agent trajectory with its call: tokens from its response's
    usage, time from ``extra.timestamp`` (v2; else *when*), and cost: each call's ``extra.cost`` (v2),
    else the run's ``instance_cost`` shared out by tokens."""
    _, stats = _info(doc)
    found: list[tuple[dict[str, Any], Call]] = []
    stated: list[float | None] = []
    for message in doc["messages"]:
        if not _model_message(message):
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
        found.append((
            message,
            Call(
                _when(extra.get("timestamp"), when),
                response.get("model") if isinstance(response.get("model"), str) else None,
                max(0, prompt - cached),
                completion,
                cached,
                message_id=response.get("id") if isinstance(response.get("id"), str) else None,
            ),
        ))  # fmt: skip
        # v2 states each call's cost; v1 only the run's.
        cost = extra.get("cost")
        stated.append(_number(cost) if isinstance(cost, int | float) else None)
    calls = [call for _, call in found]
    if calls and all(c is not None for c in stated):
        for call, share in zip(calls, stated, strict=True):
            call.cost = share
    else:
        cost = _number(stats.get("instance_cost"))
        tokens = sum(c.tokens for c in calls)
        for call in calls:
            call.cost = cost * call.tokens / tokens if tokens else cost / len(calls)
    return found


_FENCE = re.compile(r"```bash\s*\n(.*?)\n```", re.DOTALL)


def mini_actions(message: dict[str, Any]) -> list[tuple[str, str | None, Any]]:
    """The commands a model message asks for, as (tool, id, arguments): its tool calls (v2), the
    function calls of a response-API message (v2), or the fenced bash block of its text (v1)."""
    if isinstance(message.get("tool_calls"), list):
        return _calls_of(message, "")
    if isinstance(message.get("output"), list):
        return [
            (str(i.get("name") or "bash"), i.get("call_id"), _arguments(i.get("arguments")))
            for i in message["output"]
            if isinstance(i, dict) and i.get("type") == "function_call"
        ]
    content = _text(message.get("content"))
    if "```" not in content:
        return []
    fenced = _FENCE.search(content)
    return [("bash", None, {"command": fenced.group(1) if fenced else content})]


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
        info, _ = _info(doc)
        when = _mtime(path)
        call = swe_agent_call(doc, when)
        steps = doc.get("trajectory") if isinstance(doc.get("trajectory"), list) else []
        history = doc.get("history") if isinstance(doc.get("history"), list) else []
        turns = swe_agent_turns(doc)
        return [
            Session(
                path=str(path),
                kind=self.name,
                agent=self.agent,
                session_id=path.name.removesuffix(".traj"),
                calls=[call] if call else [],
                model=swe_agent_model(doc),
                started_at=when,  # the file's time: the trajectory has none
                status=_status(info.get("exit_status")),
                duration_ms=_duration_ms(steps),
                # The model calls the file records, as import counts them (``api_calls`` also
                # counts retries the file does not show, and is 0 in demonstrations).
                num_turns=len(turns),
                steps=len(steps) or len(history),
                tools=swe_agent_tools(turns),
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
        info, stats = _info(doc)
        when = _mtime(path)
        found = mini_calls(doc, when)
        calls = [call for _, call in found]
        models = Counter(call.model for call in calls if call.model)
        actions = sum(len(mini_actions(message)) for message, _ in found)
        times = [call.ts for call in calls if call.ts != when]  # v2 stamps each message
        return [
            Session(
                path=str(path),
                kind=self.name,
                agent=self.agent,
                session_id=_mini_session(doc, path),
                calls=calls,
                model=models.most_common(1)[0][0] if models else None,
                started_at=min(times) if times else when,
                ended_at=max(times) if times else None,
                status=_status(info.get("exit_status")),
                num_turns=len(calls),
                steps=len(doc["messages"]),
                tools={"bash": ToolStat(actions)} if actions else {},
                cost_usd=None if calls else _number(stats.get("instance_cost")),
            )
        ]


def _mini_session(doc: dict[str, Any], path: Path) -> str:
    return str(doc.get("instance_id") or path.name.removesuffix(".json").removesuffix(".traj"))


# ------------------------------------------------------------------------------------------------
# Importing


def import_trajectory(path: Path, records: list[dict[str, Any]]) -> ImportedRun | None:
    """A SWE-agent or mini-swe-agent trajectory as an :class:`~autopilot.core.models.ImportedRun`, or
    None when *records* are neither (one JSON object, recognised by its keys as the readers recognise
    its first bytes)."""
    if len(records) != 1:
        return None
    (doc,) = records
    info = doc.get("info")
    if isinstance(doc.get("messages"), list) and (
        str(doc.get("trajectory_format") or "").startswith("mini-swe-agent")
        or (isinstance(info, dict) and any(k in info for k in ("exit_status", "model_stats", "mini_version")))
    ):
        return import_mini_swe_agent(doc, path)
    entries = [e for key in ("trajectory", "history") if isinstance(doc.get(key), list) for e in doc[key][:1]]
    keys = {"action", "observation", "thought", "response", "role"}
    if "schema_version" not in doc and any(isinstance(e, dict) and keys & e.keys() for e in entries):
        return import_swe_agent(doc, path)
    return None


def _outcome(info: dict[str, Any], texts: list[str]) -> BackendEvent:
    """The run's end: its exit status as the status (also the stop reason), its submission (else the
    model's last text) as the final text."""
    submission = info.get("submission")
    exit_status = str(info.get("exit_status") or "") or None
    return BackendEvent(
        done=True,
        status=_run_status(exit_status),
        stop_reason=exit_status,
        final_text=submission
        if isinstance(submission, str) and submission
        else (texts[-1] if texts else None),
    )


def import_swe_agent(doc: dict[str, Any], path: Path) -> ImportedRun:
    """A SWE-agent ``.traj``: the first user message (the issue) as the prompt, then per model call
    its thought, tool call(s) and observation; the run's tokens and cost (``model_stats``, all SWE-agent
    records) as one usage after the last call. The file has no times: the steps take the time of the
    import, and the duration is the steps' ``execution_time`` summed, when recorded."""
    info, _ = _info(doc)
    model = swe_agent_model(doc)
    events = [BackendEvent(session_id=path.name.removesuffix(".traj"), model=model)]
    task = next((m for m in _history(doc) if m.get("role") == "user"), None)
    statement = _replay_config(doc).get("problem_statement")
    prompt = statement.get("text") if isinstance(statement, dict) else None
    if task is not None:
        events.append(BackendEvent(steps=[Step("user", text=_text(task.get("content")))]))
    texts: list[str] = []
    for n, turn in enumerate(swe_agent_turns(doc)):
        made: list[Step] = []
        if turn["thought"]:
            made.append(Step("assistant", text=turn["thought"]))
            texts.append(turn["thought"])
        ids = []
        for k, (name, call_id, arguments) in enumerate(turn["calls"]):
            ids.append((call_id or f"call_{n}_{k}", name))
            made.append(Step("tool_call", tool=name, tool_use_id=ids[-1][0], input=arguments))
        events.append(BackendEvent(steps=made, turn_complete=True, model=model))
        if turn["observation"] is not None and ids:
            # One observation answers the call(s) of the turn: it goes with the first.
            call_id, name = ids[0]
            result = Step(
                "tool_result", tool_use_id=call_id, tool=name, output=turn["observation"], is_error=False
            )
            events.append(BackendEvent(steps=[result]))
    call = swe_agent_call(doc, "")
    if call is not None:
        events.append(BackendEvent(usage=call.usage(call.cost or 0.0)))
    events.append(_outcome(info, texts))
    steps = doc.get("trajectory") if isinstance(doc.get("trajectory"), list) else []
    return ImportedRun(
        "swe-agent",
        events,
        prompt=prompt if isinstance(prompt, str) and prompt else None,
        duration_ms=_duration_ms(steps),
        timed=False,
        stated_costs=True,
    )


def _returncode(message: dict[str, Any]) -> int | None:
    """An observation's exit code: v2's ``extra.returncode``, or v1's ``<returncode>N</returncode>``."""
    extra = message.get("extra") if isinstance(message.get("extra"), dict) else {}
    if isinstance(extra.get("returncode"), int):
        return int(extra["returncode"])
    found = re.match(r"\s*<returncode>(-?\d+)</returncode>", _text(message.get("content")))
    return int(found.group(1)) if found else None


def import_mini_swe_agent(doc: dict[str, Any], path: Path) -> ImportedRun:
    """A mini-swe-agent trajectory: the first user message (the task) as the prompt, then per model
    message its text, command(s) and usage, the environment's answers as their results; each call's
    cost as ``analyze`` reads it. v2 stamps each message with its time; v1 has none, so its steps take
    the time of the import."""
    info, _ = _info(doc)
    config = info.get("config") if isinstance(info.get("config"), dict) else {}
    model_config = config.get("model") if isinstance(config.get("model"), dict) else {}
    fallback = model_config.get("model_name") if isinstance(model_config.get("model_name"), str) else None
    calls = {id(message): call for message, call in mini_calls(doc, "")}
    events = [BackendEvent(session_id=_mini_session(doc, path), model=fallback)]
    waiting: list[tuple[str, str]] = []  # (call id, tool) of the last model message, not yet answered
    texts: list[str] = []
    times: list[str] = []
    untimed = False
    for n, message in enumerate(doc["messages"]):
        if not isinstance(message, dict):
            continue
        extra = message.get("extra") if isinstance(message.get("extra"), dict) else {}
        at = _when(extra.get("timestamp"), "")
        if message.get("role") != "system":
            if at:
                times.append(at)
            else:
                untimed = True
        stamp = {"ts": at} if at else {}
        call = calls.get(id(message))
        if call is not None:
            made: list[Step] = []
            text = _text(message.get("content"))
            if text:
                made.append(Step("assistant", text=text, **stamp))
                texts.append(text)
            waiting = []
            for k, (name, call_id, arguments) in enumerate(mini_actions(message)):
                waiting.append((str(call_id or f"call_{n}_{k}"), name))
                made.append(
                    Step("tool_call", tool=name, tool_use_id=waiting[-1][0], input=arguments, **stamp)
                )
            usage = call.usage(call.cost or 0.0)
            events.append(BackendEvent(steps=made, usage=usage, turn_complete=True, model=call.model))
            continue
        role = message.get("role")
        content = _text(message.get("content"))
        if role == "tool" or (role == "user" and waiting):
            wanted = message.get("tool_call_id")
            match = next((w for w in waiting if w[0] == wanted), waiting[0] if waiting else (wanted, None))
            if match in waiting:
                waiting.remove(match)
            code = _returncode(message)
            events.append(BackendEvent(steps=[Step(
                "tool_result", tool_use_id=match[0], tool=match[1], output=content,
                is_error=code is not None and code != 0, **stamp)]))  # fmt: skip
        elif role == "user":
            events.append(BackendEvent(steps=[Step("user", text=content, **stamp)]))
        elif role not in ("system", None) and content:
            events.append(BackendEvent(steps=[Step("system", subtype=str(role), text=content, **stamp)]))
    events.append(_outcome(info, texts))
    timed = bool(times) and not untimed
    return ImportedRun(
        "mini-swe-agent",
        events,
        started_at=min(times) if timed else None,
        ended_at=max(times) if timed else None,
        timed=timed,
        stated_costs=True,
    )
