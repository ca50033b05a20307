"""Figures over recorded runs: what ``autopilot analyze`` and ``autopilot compare`` show.

Everything here is a pure function of runs already loaded with
:func:`autopilot.core.trajectory.files.load_trajectory` (finished ``.json`` trajectories and journals of
killed runs alike); nothing reads files or prints.
The dictionaries returned are exactly the ``--json`` output, documented in docs/reference/analyze.md.

Definitions:

- cache hit rate = cache_read / (input + cache_read + cache_creation), ``None`` when no input was sent;
- a tool call's latency is the time from its ``tool_call`` step to the ``tool_result`` step with the same
  ``tool_use_id``; p50/p95 use the nearest-rank method, so they are always latencies that occurred;
- a tool error is a ``tool_result`` with ``is_error`` true, counted under the tool named by its call;
- success rate = runs with status ``success`` / runs.
"""

from __future__ import annotations

import json
import math
import re
import shlex
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from autopilot.core.models import Run, Step, Usage, parse_ts
from autopilot.core.pricing import PriceTable
from autopilot.core.trajectory.files import LoadedRun
from autopilot.core.usage import Ledger, Session, ToolStat

# ------------------------------------------------------------------------------------------------
# What we know about particular tools, kept as data so a new backend's tools are one line each.


@dataclass(frozen=True)
class ToolKnowledge:
    """How to read what a tool touched from its ``input``."""

    #: "read" or "write": what the tool does to the files it names.
    mode: str = "read"
    #: Input keys that hold one file path.
    file_keys: tuple[str, ...] = ()
    #: Input key holding a shell command (a string, or an argv list).
    command_key: str | None = None
    #: Input key holding an ``apply_patch`` patch ("" when the input itself is the patch text).
    patch_key: str | None = None
    #: Input key holding Codex ``file_change`` changes (``[{"path": ..., "kind": ...}]``).
    changes_key: str | None = None


#: Keys that name a file in the input of a tool we know nothing about.
GENERIC_FILE_KEYS: Final = ("file_path", "path", "notebook_path")

TOOLS: Final[Mapping[str, ToolKnowledge]] = {
    # Claude Code
    "Read": ToolKnowledge("read", ("file_path",)),
    "Write": ToolKnowledge("write", ("file_path",)),
    "Edit": ToolKnowledge("write", ("file_path",)),
    "MultiEdit": ToolKnowledge("write", ("file_path",)),
    "NotebookEdit": ToolKnowledge("write", ("notebook_path",)),
    "NotebookRead": ToolKnowledge("read", ("notebook_path",)),
    "Glob": ToolKnowledge("read", ("path",)),
    "Grep": ToolKnowledge("read", ("path",)),
    "LS": ToolKnowledge("read", ("path",)),
    "Bash": ToolKnowledge(command_key="command"),
    # Codex
    "command_execution": ToolKnowledge(command_key="command"),
    "shell": ToolKnowledge(command_key="command"),
    "apply_patch": ToolKnowledge("write", patch_key="input"),
    "file_change": ToolKnowledge("write", changes_key="changes"),
}

#: Input keys ignored when aligning two runs' tool calls: prose the model writes about the call.
ALIGNMENT_IGNORED_KEYS: Final = frozenset({"description"})

_PATCH_FILE = re.compile(r"^\*\*\* (?:Add|Update|Delete) File: (.+?)\s*$|^\*\*\* Move to: (.+?)\s*$", re.M)

#: The per-run and total figures, in the order tables show them.
TOKEN_KEYS: Final = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens")


# ------------------------------------------------------------------------------------------------
# Small helpers


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank *p*-th percentile of *values* (``None`` when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def cache_hit_rate(usage: Usage) -> float | None:
    """Share of prompt tokens served from the cache; ``None`` when no prompt tokens were counted."""
    prompt = usage.input_tokens + usage.cache_read_tokens + usage.cache_creation_tokens
    return usage.cache_read_tokens / prompt if prompt else None


def _ms_between(start: str, end: str) -> float | None:
    try:
        return (parse_ts(end) - parse_ts(start)).total_seconds() * 1000
    except (ValueError, TypeError, AttributeError):
        return None


def _relative(path: str, cwd: str) -> str:
    """*path* relative to the run's cwd when it lies inside it, so runs in different worktrees align."""
    if cwd and path.startswith(cwd.rstrip("/") + "/"):
        return path[len(cwd.rstrip("/")) + 1 :]
    return path


# ------------------------------------------------------------------------------------------------
# Per run


@dataclass
class ToolFigures:
    """Calls, errors and latencies of one tool."""

    calls: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)

    def merge(self, other: ToolFigures | ToolStat) -> None:
        self.calls += other.calls
        self.errors += other.errors
        self.latencies_ms.extend(other.latencies_ms)

    def to_dict(self) -> dict[str, Any]:
        p50, p95 = percentile(self.latencies_ms, 50), percentile(self.latencies_ms, 95)
        return {
            "calls": self.calls,
            "errors": self.errors,
            "p50_ms": None if p50 is None else round(p50),
            "p95_ms": None if p95 is None else round(p95),
        }


def tool_figures(steps: Iterable[Step]) -> dict[str, ToolFigures]:
    """Per tool name: calls, errors (results with ``is_error``) and call→result latencies.

    A result is matched to its call by ``tool_use_id``; an error result without a call (e.g. a journal
    cut off mid-run, or a backend that reports results only) counts under its own ``tool`` or ``?``, and
    any other result without a call adds nothing (no tool with no calls and no errors).
    """
    tally = ToolTally()
    for step in steps:
        tally.add(step)
    return tally.figures


class ToolTally:
    """:func:`tool_figures`, one step at a time (a reader that does not keep the steps)."""

    def __init__(self) -> None:
        self.figures: dict[str, ToolFigures] = {}
        #: Calls whose result has not come yet, by ``tool_use_id``.
        self._calls: dict[str, Step] = {}

    def add(self, step: Step) -> None:
        figures, calls = self.figures, self._calls
        if step.type == "tool_call":
            name = step.tool or "?"
            figures.setdefault(name, ToolFigures()).calls += 1
            if step.tool_use_id:
                calls[step.tool_use_id] = step
        elif step.type == "tool_result":
            call = calls.pop(step.tool_use_id, None) if step.tool_use_id else None
            if call is None and not step.is_error:
                return
            name = (call.tool if call is not None else step.tool) or "?"
            entry = figures.setdefault(name, ToolFigures())
            if step.is_error:
                entry.errors += 1
            if call is not None:
                latency = _ms_between(call.ts, step.ts)
                if latency is not None and latency >= 0:
                    entry.latencies_ms.append(latency)


@dataclass
class RunFigures:
    """Everything ``analyze`` reports about one run, without the run itself.

    Keeping only figures (not steps) lets ``summarize`` stream over thousands of runs in little memory.
    """

    path: str
    kind: str
    run_id: str
    agent: str
    model: str | None
    started_at: str
    status: str
    success: bool
    usage: Usage
    #: None when the log has no times.
    duration_ms: int | None
    num_turns: int
    steps: int
    #: Per tool; the figures of a log session share its :class:`~autopilot.core.usage.ToolStat`\ s.
    tools: Mapping[str, ToolFigures | ToolStat]
    warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        usage = self.usage
        return {
            "path": self.path,
            "kind": self.kind,
            "run_id": self.run_id,
            "agent": self.agent,
            "model": self.model,
            "started_at": self.started_at,
            "status": self.status,
            "success": self.success,
            "cost_usd": round(usage.cost_usd, 6),
            **{key: getattr(usage, key) for key in TOKEN_KEYS},
            "cache_hit_rate": _rate(cache_hit_rate(usage)),
            "duration_ms": self.duration_ms,
            "num_turns": self.num_turns,
            "steps": self.steps,
            "tool_calls": sum(t.calls for t in self.tools.values()),
            "tool_errors": sum(t.errors for t in self.tools.values()),
            "warnings": list(self.warnings),
        }


def run_figures(loaded: LoadedRun) -> RunFigures:
    """The figures of one loaded run."""
    run = loaded.run
    return RunFigures(
        path=str(loaded.path),
        kind=loaded.kind,
        run_id=run.run_id,
        agent=run.agent,
        model=run.model,
        started_at=run.started_at,
        status=run.result.status,
        success=run.result.success,
        usage=run.usage,
        duration_ms=run.result.duration_ms,
        num_turns=run.result.num_turns,
        steps=len(run.steps),
        tools=tool_figures(run.steps),
        warnings=list(loaded.warnings),
    )


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _known_sum(values: Iterable[int | None]) -> int | None:
    """The sum of the values that are known; None when none is."""
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def _totals(figures: Sequence[RunFigures]) -> dict[str, Any]:
    usage = Usage()
    for f in figures:
        usage = usage + f.usage
    successes = sum(1 for f in figures if f.status == "success")
    # Logs that do not say how a session ended (Claude Code transcripts) are left out of the rate.
    known = sum(1 for f in figures if f.status != "unknown")
    tools: dict[str, ToolFigures] = {}
    for f in figures:
        for name, tool in f.tools.items():
            tools.setdefault(name, ToolFigures()).merge(tool)
    return {
        "runs": len(figures),
        "cost_usd": round(usage.cost_usd, 6),
        **{key: getattr(usage, key) for key in TOKEN_KEYS},
        "cache_hit_rate": _rate(cache_hit_rate(usage)),
        "duration_ms": _known_sum(f.duration_ms for f in figures),
        "num_turns": sum(f.num_turns for f in figures),
        "steps": sum(f.steps for f in figures),
        "tools": {name: tools[name].to_dict() for name in sorted(tools, key=lambda n: (-tools[n].calls, n))},
        "success_rate": _rate(successes / known) if known else None,
        "statuses": dict(sorted(Counter(f.status for f in figures).items())),
    }


def summarize(loaded_runs: Iterable[LoadedRun]) -> dict[str, Any]:
    """Totals over *loaded_runs*, per-model totals and one entry per run (the ``analyze --json`` shape).

    *loaded_runs* may be a generator: each run is reduced to its figures before the next is read.
    """
    return summarize_figures([run_figures(loaded) for loaded in loaded_runs])


def session_figures(ledger: Ledger, prices: PriceTable) -> list[RunFigures]:
    """The figures of every session in *ledger* (its calls deduplicated and priced). A sub-agent's log
    (:attr:`~autopilot.core.usage.Session.subagent`) counts as part of its session, as ccusage counts
    it: with the log of the session itself (same agent and id), or else with the first such sub-agent
    log."""
    pairs = list(_each_session_figure(ledger, prices))
    mains = {(s.agent, s.session_id): n for n, (s, _) in enumerate(pairs) if not s.subagent}
    figures: list[RunFigures] = []
    parts: dict[int, list[RunFigures]] = {}  # what joins each figure, by its place in *pairs*
    places: dict[int, int] = {}  # place in *pairs* -> place in *figures*
    for number, (session, figure) in enumerate(pairs):
        key = (session.agent, session.session_id)
        # A sub-agent log joins its session's own log; without one, the first sub-agent log stands
        # for the session and the others join it.
        if session.subagent and mains.setdefault(key, number) != number:
            parts.setdefault(mains[key], []).append(figure)
            continue
        places[number] = len(figures)
        figures.append(figure)
    for number, joining in parts.items():
        figures[places[number]] = _joined(figures[places[number]], joining)
    return figures


def _joined(main: RunFigures, parts: list[RunFigures]) -> RunFigures:
    """*main* with the figures of its sub-agents' logs added (path and status stay main's)."""
    usage = main.usage
    tools: dict[str, ToolFigures] = {}
    for figure in (main, *parts):
        for name, tool in figure.tools.items():
            tools.setdefault(name, ToolFigures()).merge(tool)
    for part in parts:
        usage = usage + part.usage
    return replace(
        main,
        model=main.model or next((p.model for p in parts if p.model), None),
        usage=usage,
        started_at=min((f.started_at for f in (main, *parts) if f.started_at), default=""),
        # Sub-agents run within their session.
        duration_ms=max((f.duration_ms for f in (main, *parts) if f.duration_ms is not None), default=None),
        num_turns=main.num_turns + sum(p.num_turns for p in parts),
        steps=main.steps + sum(p.steps for p in parts),
        tools=tools,
        warnings=[*main.warnings, *(w for p in parts for w in p.warnings)],
    )


def _each_session_figure(ledger: Ledger, prices: PriceTable) -> Iterator[tuple[Session, RunFigures]]:
    """Each session of *ledger* with its figures, in the order the sessions were added."""
    for session, total in zip(ledger.sessions, ledger.totals(prices), strict=True):
        usage = total.usage
        if not total.calls and session.cost_usd:
            usage.cost_usd = session.cost_usd
        yield (
            session,
            RunFigures(
                path=session.path,
                kind=session.kind,
                run_id=session.session_id,
                agent=session.agent,
                model=session.model or total.model,
                started_at=session.started_at or "",
                status=session.status,
                success=session.status == "success",
                usage=usage,
                duration_ms=session.elapsed_ms(),
                num_turns=session.num_turns if session.num_turns is not None else total.calls,
                steps=session.steps,
                tools=session.tools,
                warnings=session.warnings,
            ),
        )


def summarize_figures(figures: list[RunFigures]) -> dict[str, Any]:
    """Totals over *figures*, per-model totals and one entry per run (the ``analyze --json`` shape)."""
    return {**summary_totals(figures), "files": [f.to_dict() for f in figures]}


def summary_totals(figures: list[RunFigures]) -> dict[str, Any]:
    """:func:`summarize_figures` without the entry per run (``files``), which a caller with many runs
    can then write one at a time with :meth:`RunFigures.to_dict`."""
    out = _totals(figures)
    by_model: dict[str, list[RunFigures]] = {}
    for f in figures:
        by_model.setdefault(f.model or "unknown", []).append(f)
    out["models"] = {name: _totals(by_model[name]) for name in sorted(by_model)}
    return out


# ------------------------------------------------------------------------------------------------
# What a run touched


def _as_command(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return shlex.join(value)
    return None


def touched_by(step: Step, cwd: str = "") -> tuple[dict[str, str], list[str]]:
    """Files (path → "read"/"write") and shell commands named by one ``tool_call`` step."""
    files: dict[str, str] = {}
    commands: list[str] = []
    if step.type != "tool_call":
        return files, commands
    knowledge = TOOLS.get(step.tool or "", ToolKnowledge())
    data = step.input
    if knowledge.patch_key is not None:
        patch = data.get(knowledge.patch_key) if isinstance(data, Mapping) else data
        if isinstance(patch, Mapping):
            patch = patch.get("patch")
        if isinstance(patch, str):
            for match in _PATCH_FILE.finditer(patch):
                files[_relative(match.group(1) or match.group(2), cwd)] = knowledge.mode
    if not isinstance(data, Mapping):
        return files, commands
    if knowledge.changes_key is not None:
        for change in data.get(knowledge.changes_key) or []:
            if isinstance(change, Mapping) and isinstance(change.get("path"), str):
                files[_relative(change["path"], cwd)] = knowledge.mode
    for key in knowledge.file_keys or (() if step.tool in TOOLS else GENERIC_FILE_KEYS):
        if isinstance(data.get(key), str) and data[key]:
            files[_relative(data[key], cwd)] = knowledge.mode
    if knowledge.command_key is not None:
        command = _as_command(data.get(knowledge.command_key))
        if command:
            commands.append(command)
    return files, commands


def touched(run: Run) -> dict[str, Any]:
    """``{"files": {path: "read"|"write"}, "commands": [...]}`` over the whole run (write wins over read)."""
    files: dict[str, str] = {}
    commands: list[str] = []
    for step in run.steps:
        step_files, step_commands = touched_by(step, run.cwd)
        for path, mode in step_files.items():
            if files.get(path) != "write":
                files[path] = mode
        commands.extend(step_commands)
    return {"files": dict(sorted(files.items())), "commands": commands}


# ------------------------------------------------------------------------------------------------
# Comparing two runs


def normalised_call(step: Step, cwd: str = "") -> tuple[str, str]:
    """``(tool, input)`` of a tool call in a form that is equal for the same action in two runs.

    Paths under the run's working directory become relative, model-written prose keys are dropped,
    keys are sorted and whitespace is squeezed.
    """
    data = step.input
    if isinstance(data, Mapping):
        data = {k: v for k, v in data.items() if k not in ALIGNMENT_IGNORED_KEYS}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    if cwd:
        text = text.replace(cwd.rstrip("/") + "/", "")
    return step.tool or "?", " ".join(text.split())


def _call_dict(step: Step, cwd: str) -> dict[str, Any]:
    tool, text = normalised_call(step, cwd)
    return {"step": step.index, "tool": tool, "input": text}


def _side(loaded: LoadedRun, figures: RunFigures) -> dict[str, Any]:
    summary = figures.to_dict()
    summary.update(touched(loaded.run))
    summary["tools"] = {name: tool.to_dict() for name, tool in sorted(figures.tools.items())}
    return summary


#: Figures shown side by side by ``compare``.
COMPARED_KEYS: Final = (
    "status",
    "cost_usd",
    *TOKEN_KEYS,
    "cache_hit_rate",
    "duration_ms",
    "num_turns",
    "steps",
    "tool_calls",
    "tool_errors",
)


def compare(a: LoadedRun, b: LoadedRun) -> dict[str, Any]:
    """Two runs side by side: totals, the alignment of their tool calls and what each touched.

    The alignment is :class:`difflib.SequenceMatcher` over ``(tool, normalised input)`` pairs;
    ``first_divergence`` is the first tool call where the runs stop doing the same thing
    (``None`` when both made the same calls).
    """
    import difflib

    fa, fb = run_figures(a), run_figures(b)
    side_a, side_b = _side(a, fa), _side(b, fb)
    calls_a = [s for s in a.run.steps if s.type == "tool_call"]
    calls_b = [s for s in b.run.steps if s.type == "tool_call"]
    keys_a = [normalised_call(s, a.run.cwd) for s in calls_a]
    keys_b = [normalised_call(s, b.run.cwd) for s in calls_b]
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    alignment = []
    first: dict[str, Any] | None = None
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        block = {
            "op": op,
            "a": [_call_dict(s, a.run.cwd) for s in calls_a[a0:a1]],
            "b": [_call_dict(s, b.run.cwd) for s in calls_b[b0:b1]],
        }
        alignment.append(block)
        if op != "equal" and first is None:
            first = {
                "call": a0,  # how many tool calls both runs made identically before diverging
                "a": block["a"][0] if block["a"] else None,
                "b": block["b"][0] if block["b"] else None,
            }
    files_a, files_b = set(side_a["files"]), set(side_b["files"])
    commands_a, commands_b = set(side_a["commands"]), set(side_b["commands"])
    return {
        "a": side_a,
        "b": side_b,
        "totals": {key: {"a": side_a[key], "b": side_b[key]} for key in COMPARED_KEYS},
        "similarity": round(matcher.ratio(), 4),
        "common_calls": sum(block.size for block in matcher.get_matching_blocks()),
        "first_divergence": first,
        "alignment": alignment,
        "touched": {
            "files_both": sorted(files_a & files_b),
            "files_only_a": sorted(files_a - files_b),
            "files_only_b": sorted(files_b - files_a),
            "commands_only_a": sorted(commands_a - commands_b),
            "commands_only_b": sorted(commands_b - commands_a),
        },
    }
