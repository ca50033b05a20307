"""Plain-text renderings of runs and steps, shared by the ``.rlog`` writer and ``replay``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Final

from autopilot.core.models import Run, Step, parse_ts

#: Short, fixed-width prefixes, one per step type (documented in docs/trajectory-format.md).
PREFIXES: Final = {
    "user": "USER",
    "assistant": "ASST",
    "thinking": "THNK",
    "tool_call": "CALL",
    "tool_result": "RSLT",
    "system": "SYS ",
    "error": "ERR ",
}


#: How each step type reads in a transcript for a new session (thinking and system events are left out).
TRANSCRIPT_LABELS: Final = {
    "user": "user",
    "assistant": "assistant",
    "tool_call": "tool call",
    "tool_result": "tool result",
    "error": "error",
}


def one_line(value: Any, limit: int = 160) -> str:
    """*value* squeezed onto one line and cut to *limit* characters."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def elapsed(run: Run, step: Step) -> str:
    """``mm:ss.s`` since the run started (``--:--.-`` if a timestamp is unreadable)."""
    try:
        seconds = (parse_ts(step.ts) - parse_ts(run.started_at)).total_seconds()
    except ValueError:
        return "--:--.-"
    minutes, seconds = divmod(max(seconds, 0.0), 60)
    return f"{int(minutes):02d}:{seconds:04.1f}"


def step_summary(step: Step, limit: int = 160) -> str:
    """What happened in *step*, in one line without prefix."""
    if step.type == "tool_call":
        return f"{step.tool or '?'} {one_line(step.input, limit)}"
    if step.type == "tool_result":
        status = "error" if step.is_error else "ok"
        name = f"{step.tool} " if step.tool else ""
        return f"{name}{status}: {one_line(step.output, limit)}"
    if step.type == "system":
        detail = one_line(step.text or step.data, limit)
        return f"{step.subtype or 'event'} {detail}".rstrip()
    if step.type == "error":
        kind = f"[{step.subtype}] " if step.subtype else ""
        return f"{kind}{one_line(step.text, limit)}"
    return one_line(step.text, limit)


def step_line(run: Run, step: Step, limit: int = 160) -> str:
    """``[mm:ss.s] #n PREFIX summary``: one ``.rlog`` line."""
    return (
        f"[{elapsed(run, step)}] #{step.index:<3} {PREFIXES.get(step.type, step.type[:4])} "
        + step_summary(step, limit)
    )


def header_lines(run: Run) -> list[str]:
    sha = (run.repo_sha or "-")[:12]
    lines = [
        f"# autopilot run {run.run_id}  started {run.started_at}",
        f"# agent {run.agent or '-'}  model {run.model or '-'}  repo {sha}  branch {run.branch or '-'}",
        f"# cwd {run.cwd or '-'}",
        f"# prompt: {one_line(run.prompt, 400)}",
    ]
    if run.issue_id:
        lines.append(f"# issue {run.issue_id}")
    return lines


def _seconds(ms: int | None) -> str:
    return "-" if ms is None else f"{ms / 1000:.1f}s"


def closing_line(run: Run) -> str:
    u, r = run.usage, run.result
    return (
        f"# end {r.status}  turns {r.num_turns}  duration {_seconds(r.duration_ms)}  "
        f"tokens in {u.input_tokens} out {u.output_tokens} cache_read {u.cache_read_tokens} "
        f"cache_write {u.cache_creation_tokens}  cost ${u.cost_usd:.4f}"
        + (f"  error: {one_line(r.error, 300)}" if r.error else "")
    )


def transcript(steps: Iterable[Step], *, limit: int = 20_000, line_limit: int = 400) -> str:
    """The conversation in *steps* as compact text, one line per step, oldest first.

    User messages, answers, tool calls and results and errors are kept, each cut to *line_limit*
    characters; thinking and system events are left out. When the lines add up to more than *limit*
    characters, the oldest give way to the most recent, and a first line says how many were left out.
    This is what a new session is told when the agent's own session of a run cannot be resumed.
    """
    lines = [
        f"{TRANSCRIPT_LABELS[step.type]}: {step_summary(step, line_limit)}"
        for step in steps
        if step.type in TRANSCRIPT_LABELS
    ]
    kept: list[str] = []
    size = 0
    for line in reversed(lines):
        size += len(line) + 1
        if size > limit:
            break
        kept.append(line)
    kept.reverse()
    if len(kept) < len(lines):
        kept.insert(0, f"({len(lines) - len(kept)} earlier steps left out)")
    return "\n".join(kept)
