"""What the web UI's pages show, as plain data for the templates (no HTTP here).

Every text that reaches a page has passed the redaction chain: run summaries when the index read
them, steps, issues and sessions here, just before they are shown.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final
from urllib.parse import quote

from autopilot.app.ui.index import RunEntry, RunIndex, StepFile
from autopilot.core.errors import BadInputError
from autopilot.core.issues import PRIORITIES
from autopilot.core.trajectory.render import one_line

#: Steps on one page of a run.
PAGE_STEPS: Final = 100
#: Runs on one page of the runs list.
PAGE_RUNS: Final = 200
#: Output longer than this (lines or characters) is folded, its beginning shown.
FOLD_LINES: Final = 12
FOLD_CHARS: Final = 2000

#: Columns the runs list sorts by, and the summary field each one reads.
SORT_KEYS: Final = {
    "started": "started_at",
    "cost": "cost_usd",
    "tokens": "total_tokens",
    "turns": "num_turns",
    "duration": "duration_ms",
    "status": "status",
    "agent": "agent",
    "model": "model",
    "issue": "issue_id",
    "steps": "steps",
}

#: The issue board's columns and the statuses each shows.
BOARD: Final = (
    ("open", ("open",)),
    ("in progress", ("in_progress",)),
    ("blocked", ("blocked",)),
    ("done", ("done", "closed")),
)

Redact = Callable[[Any], Any]

_PRIORITY: Final = {name: rank for rank, name in enumerate(PRIORITIES)}


@cache
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    # Raw HTML in a message is shown as text, never rendered; links are checked by markdown-it.
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def markdown(text: str | None) -> str:
    """*text* rendered as HTML, with any HTML it contains escaped."""
    return _markdown().render(text or "")


# ------------------------------------------------------------------------------------------------
# Formatting helpers (also Jinja filters)


#: What the compare page calls a total whose key names its unit (the value is shown in a better one).
TOTAL_LABELS: Final = {
    "cost_usd": "cost",
    "duration_ms": "duration",
    "num_turns": "turns",
    "cache_creation_tokens": "cache write tokens",
}


def label(name: str) -> str:
    """A total's key as a row heading: ``duration_ms`` is "duration" (shown as 4.5s, not in ms)."""
    return TOTAL_LABELS.get(name, name.replace("_", " "))


def urlkey(key: str) -> str:
    """A run's key as it goes into a URL: a file named ``a#b`` or ``q?x`` must not end the path."""
    return quote(key, safe="/")


def money(value: Any) -> str:
    try:
        number = float(value or 0)
    except (TypeError, ValueError):
        return "-"
    return f"${number:,.4f}" if number < 100 else f"${number:,.2f}"


def count(value: Any) -> str:
    try:
        return f"{int(value or 0):,}"
    except (TypeError, ValueError):
        return "-"


def duration(ms: Any) -> str:
    if ms is None:
        return "-"
    try:
        seconds = float(ms) / 1000
    except (TypeError, ValueError):
        return "-"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, seconds = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def when(value: Any) -> str:
    """An ISO timestamp as ``2026-01-02 12:00:03`` (UTC)."""
    if not value:
        return "-"
    text = str(value).replace("T", " ")
    return text[:19]


def _parse(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None


def elapsed(start: Any, moment: Any) -> str:
    """``mm:ss`` from *start* to *moment*."""
    a, b = _parse(start), _parse(moment)
    if a is None or b is None:
        return ""
    seconds = max(0.0, (b - a).total_seconds())
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes):02d}:{rest:04.1f}"


def pretty(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def fold(text: str | None) -> tuple[str, str | None]:
    """``(shown, rest)``: the first lines of a long text and the rest (None when it is short)."""
    text = text or ""
    lines = text.splitlines(keepends=True)
    if len(lines) <= FOLD_LINES and len(text) <= FOLD_CHARS:
        return text, None
    head = "".join(lines[:FOLD_LINES])[:FOLD_CHARS]
    return head, text[len(head) :]


# ------------------------------------------------------------------------------------------------
# Steps


def _lines(text: Any) -> list[str]:
    return str(text or "").splitlines()


def edit_diff(tool: str | None, data: Any) -> list[tuple[str, str]] | None:
    """A file edit's input as diff lines ``(kind, text)``, kind one of ``add del hunk file ctx``.

    Knows Claude Code's ``Edit``, ``MultiEdit``, ``Write`` and ``NotebookEdit`` and Codex's
    ``apply_patch``; None for anything else.
    """
    out: list[tuple[str, str]] = []
    if tool == "apply_patch":
        patch = data.get("input") or data.get("patch") if isinstance(data, Mapping) else data
        if not isinstance(patch, str):
            return None
        for line in patch.splitlines():
            kind = {"+": "add", "-": "del", "@": "hunk", "*": "file"}.get(line[:1], "ctx")
            out.append((kind, line))
        return out
    if not isinstance(data, Mapping):
        return None
    path = str(data.get("file_path") or data.get("notebook_path") or "")
    if tool in ("Edit", "MultiEdit"):
        edits = data.get("edits") if tool == "MultiEdit" else [data]
        out.append(("file", path))
        for edit in edits if isinstance(edits, list) else []:
            if not isinstance(edit, Mapping):
                continue
            diff = difflib.unified_diff(
                _lines(edit.get("old_string")), _lines(edit.get("new_string")), lineterm="", n=3
            )
            for line in list(diff)[2:]:  # drop the ---/+++ header: the file is named above
                kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "ctx")
                out.append((kind, line))
        return out
    if tool == "Write":
        out.append(("file", f"{path} (new content)"))
        out.extend(("add", "+" + line) for line in _lines(data.get("content")))
        return out
    if tool == "NotebookEdit":
        out.append(("file", path))
        out.extend(("add", "+" + line) for line in _lines(data.get("new_source")))
        return out
    return None


def call_summary(tool: str | None, data: Any) -> str:
    """One line saying what a tool call does (the command, the file, the pattern)."""
    if isinstance(data, Mapping):
        command = data.get("command")
        if isinstance(command, list) and all(isinstance(c, str) for c in command):
            return shlex.join(command)
        for key in ("command", "file_path", "notebook_path", "pattern", "path", "url", "query"):
            if isinstance(data.get(key), str) and data[key]:
                return one_line(data[key], 200)
    return one_line(data, 200)


@dataclass
class StepItem:
    """One entry of a run's timeline: a step, with its tool result when it is a call."""

    number: int
    step: dict[str, Any]
    elapsed: str
    result: dict[str, Any] | None = None
    result_number: int | None = None
    diff: list[tuple[str, str]] | None = None
    summary: str = ""
    html: str = ""
    output: tuple[str, str | None] = ("", None)
    result_output: tuple[str, str | None] = ("", None)

    @property
    def type(self) -> str:
        return str(self.step.get("type") or "system")

    @property
    def is_error(self) -> bool:
        return bool(self.step.get("is_error")) or bool(self.result and self.result.get("is_error"))

    @property
    def raw(self) -> str:
        return pretty(self.step)

    @property
    def raw_result(self) -> str:
        return pretty(self.result) if self.result is not None else ""


def step_item(
    number: int,
    step: dict[str, Any],
    started_at: Any,
    *,
    result: dict[str, Any] | None = None,
    result_number: int | None = None,
) -> StepItem:
    """A redacted step (and its result) ready for the ``step`` template."""
    item = StepItem(number, step, elapsed(started_at, step.get("ts")), result, result_number)
    kind = item.type
    if kind in ("user", "assistant"):
        item.html = markdown(step.get("text"))
    elif kind == "tool_call":
        item.summary = call_summary(step.get("tool"), step.get("input"))
        item.diff = edit_diff(step.get("tool"), step.get("input"))
        if result is not None:
            item.result_output = fold(result.get("output"))
    elif kind == "tool_result":
        item.output = fold(step.get("output"))
    elif kind in ("thinking", "error"):
        item.output = fold(step.get("text"))
    return item


def page_items(
    steps: StepFile, start: int, stop: int, started_at: Any, redact: Redact
) -> tuple[list[StepItem], int]:
    """The timeline of steps ``start <= n < stop``: each call with its result (read from wherever it
    is), results shown with their call left out. Returns the items and the steps read."""
    numbers = list(range(start, min(stop, len(steps))))
    calls_of = steps.calls
    wanted = set(numbers)
    wanted.update(steps.results[n] for n in numbers if n in steps.results)
    raw = steps.read(sorted(wanted))
    redacted = dict(zip(raw, redact(list(raw.values())), strict=True))
    items = []
    for number in numbers:
        step = redacted.get(number)
        if step is None:
            continue
        if number in calls_of:  # a result: shown with its call
            continue
        result_number = steps.results.get(number)
        result = redacted.get(result_number) if result_number is not None else None
        items.append(step_item(number, step, started_at, result=result, result_number=result_number))
    return items, len(numbers)


def turn_series(steps: StepFile) -> dict[str, list[Any]]:
    """Per model turn: the step that closed it, its tokens and cost (the run page's chart)."""
    series: dict[str, list[Any]] = {
        "step": [],
        "input": [],
        "output": [],
        "cache_read": [],
        "cache_write": [],
        "cost": [],
    }
    for number, tokens_in, tokens_out, cache_read, cache_write, cost in steps.turns:
        series["step"].append(number)
        series["input"].append(tokens_in)
        series["output"].append(tokens_out)
        series["cache_read"].append(cache_read)
        series["cache_write"].append(cache_write)
        series["cost"].append(round(cost, 6))
    return series


# ------------------------------------------------------------------------------------------------
# The runs list


def day_param(query: Mapping[str, str], name: str) -> str:
    """The date *name* of a query as ``YYYY-MM-DD``, or "" when not given; anything else is bad
    input naming the parameter (not a filter that silently matches nothing)."""
    value = query.get(name, "").strip()
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise BadInputError(f"{name}={value!r}: not a date (give YYYY-MM-DD)") from None


@dataclass(frozen=True)
class RunFilter:
    """The runs list's query: filters, search, sort and page (each a URL parameter)."""

    status: str = ""
    agent: str = ""
    model: str = ""
    issue: str = ""
    label: str = ""
    since: str = ""
    until: str = ""
    q: str = ""
    sort: str = "started"
    order: str = "desc"
    page: int = 1

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> RunFilter:
        sort = query.get("sort", "started")
        try:
            page = max(1, int(query.get("page", "1")))
        except ValueError:
            page = 1
        return cls(
            status=query.get("status", "").strip(),
            agent=query.get("agent", "").strip(),
            model=query.get("model", "").strip(),
            issue=query.get("issue", "").strip(),
            label=query.get("label", "").strip(),
            since=day_param(query, "since"),
            until=day_param(query, "until"),
            q=query.get("q", "").strip(),
            sort=sort if sort in SORT_KEYS else "started",
            order="asc" if query.get("order") == "asc" else "desc",
            page=page,
        )

    def params(self, **changes: Any) -> dict[str, str]:
        """The non-default parameters, with *changes* applied (for links that keep the filters)."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__} | changes
        defaults = RunFilter()
        return {k: str(v) for k, v in values.items() if v != getattr(defaults, k)}


@dataclass
class RunRow:
    entry: RunEntry
    status: str
    match: tuple[int, str] | None = None


def select_runs(
    index: RunIndex,
    wanted: RunFilter,
    *,
    labels_of: Callable[[], Mapping[str, Sequence[str]]] = dict,
) -> tuple[list[RunRow], int]:
    """The rows of one page of the runs list, and how many runs match in all."""
    labels = labels_of() if wanted.label else {}
    rows: list[RunRow] = []
    for entry in index.entries():
        status = index.status(entry)
        if wanted.status and status != wanted.status:
            continue
        if wanted.agent and entry.get("agent") != wanted.agent:
            continue
        if wanted.model and entry.get("model") != wanted.model:
            continue
        if wanted.issue and entry.get("issue_id") != wanted.issue:
            continue
        if wanted.label and wanted.label not in labels.get(entry.get("issue_id") or "", ()):
            continue
        day = str(entry.get("started_at") or "")[:10]
        if wanted.since and day < wanted.since:
            continue
        if wanted.until and day > wanted.until:
            continue
        rows.append(RunRow(entry, status))
    if wanted.q:
        rows = _search(rows, wanted.q, index.redact)
    field = SORT_KEYS[wanted.sort]

    def key(row: RunRow) -> tuple[int, Any]:
        value = row.status if field == "status" else row.entry.get(field)
        return (0, value) if value is not None else (1, 0) if wanted.order == "asc" else (-1, 0)

    rows.sort(key=key, reverse=wanted.order == "desc")
    total = len(rows)
    start = (min(wanted.page, last_page(total)) - 1) * PAGE_RUNS  # past the end: the last page
    return rows[start : start + PAGE_RUNS], total


def last_page(total: int) -> int:
    """The number of pages of the runs list for *total* runs (at least one)."""
    return max(1, -(-total // PAGE_RUNS))


def _search(rows: list[RunRow], needle: str, redact: Redact) -> list[RunRow]:
    """Rows whose prompt or step text contains *needle*, each with the first matching step."""
    from autopilot.app.ui.index import search_file, snippet

    folded = needle.casefold()
    found = []
    for row in rows:
        entry = row.entry
        if entry.broken:
            continue
        if folded in str(entry.get("prompt") or "").casefold():
            row.match = (0, snippet(str(entry.get("prompt")), needle))
            found.append(row)
            continue
        hit = search_file(entry.path, entry.kind, needle)
        if hit is None:
            continue
        text = redact(hit[1])
        if folded not in text.casefold():
            continue  # it matched only inside a secret, which is not shown
        row.match = (hit[0], snippet(text, needle))
        found.append(row)
    return found


def choices(index: RunIndex) -> dict[str, list[str]]:
    """The values the runs list's filters offer."""
    entries = index.entries()

    def values(name: str) -> list[str]:
        return sorted({str(e.get(name)) for e in entries if e.get(name)})

    return {
        "status": sorted({index.status(e) for e in entries}),
        "agent": values("agent"),
        "model": values("model"),
        "issue": values("issue_id"),
    }


# ------------------------------------------------------------------------------------------------
# Costs


def _bucket() -> dict[str, Any]:
    return {"runs": 0, "cost_usd": 0.0, "input_tokens": 0, "output_tokens": 0, "cache_tokens": 0}


def costs(entries: Iterable[RunEntry], *, since: str = "", until: str = "") -> dict[str, Any]:
    """Cost and tokens by day, model, agent and issue (the costs page and ``/api/costs``)."""
    groups: dict[str, dict[str, dict[str, Any]]] = {"day": {}, "model": {}, "agent": {}, "issue": {}}
    total = _bucket()
    for entry in entries:
        if entry.broken:
            continue
        day = str(entry.get("started_at") or "")[:10] or "unknown"
        if (since and day < since) or (until and day > until):
            continue
        names = {
            "day": day,
            "model": entry.get("model") or "unknown",
            "agent": entry.get("agent") or "unknown",
            "issue": entry.get("issue_id") or "(no issue)",
        }
        for bucket in (total, *(groups[g].setdefault(str(n), _bucket()) for g, n in names.items())):
            bucket["runs"] += 1
            bucket["cost_usd"] += float(entry.get("cost_usd") or 0)
            bucket["input_tokens"] += int(entry.get("input_tokens") or 0)
            bucket["output_tokens"] += int(entry.get("output_tokens") or 0)
            bucket["cache_tokens"] += int(entry.get("cache_read_tokens") or 0) + int(
                entry.get("cache_creation_tokens") or 0
            )

    def rows(group: str) -> list[dict[str, Any]]:
        items = list(groups[group].items())
        if group == "day":
            items.sort()
        else:
            items.sort(key=lambda item: (-item[1]["cost_usd"], item[0]))
        return [{"name": name, **bucket, "cost_usd": round(bucket["cost_usd"], 6)} for name, bucket in items]

    total["cost_usd"] = round(total["cost_usd"], 6)
    return {"total": total, **{group: rows(group) for group in groups}}


# ------------------------------------------------------------------------------------------------
# Issues


def board(
    issues: Sequence[Any], sessions: Sequence[Any], index: RunIndex, redact: Redact, *, project: str = ""
) -> dict[str, Any]:
    """The issue board: columns of redacted issue cards with their runs and cost."""
    by_run_id = {e.get("run_id"): e for e in index.entries() if not e.broken}
    runs_of: dict[str, list[dict[str, Any]]] = {}
    for session in sessions:
        if not session.issue:
            continue
        entry = by_run_id.get(session.run_id)
        runs_of.setdefault(session.issue, []).append(
            {
                "run_id": session.run_id,
                "status": session.status,
                "cost_usd": session.cost_usd,
                "started_at": session.started_at,
                "key": entry.key if entry is not None else None,
            }
        )
    columns: list[dict[str, Any]] = []
    statuses = {status: name for name, group in BOARD for status in group}
    cards: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in BOARD}
    for issue in issues:
        if project and issue.project != project:
            continue
        data = redact(issue.to_dict())
        runs = redact(sorted(runs_of.get(issue.id, []), key=lambda r: r["started_at"] or ""))
        data["runs"] = runs
        data["cost_usd"] = round(sum(float(r["cost_usd"] or 0) for r in runs), 6)
        cards[statuses.get(issue.status, "open")].append(data)
    for name, _group in BOARD:
        ordered = sorted(cards[name], key=lambda c: (_PRIORITY.get(c.get("priority"), 9), c["id"]))
        columns.append({"name": name, "issues": ordered})
    return {"columns": columns}
