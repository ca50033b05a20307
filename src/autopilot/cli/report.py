"""``autopilot report``: tokens and cost of agent logs by day, week, month, session or 5-hour block."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Literal

from cyclopts import Parameter

from autopilot.cli import context
from autopilot.cli.analyze import (
    JsonFlag,
    _console,
    _count,
    _default_directory,
    _money,
    _report_errors,
    _table,
    log_targets,
    read_sessions,
)
from autopilot.core.errors import BadInputError

Period = Literal["daily", "weekly", "monthly", "session", "blocks"]
Group = Literal["model", "agent", "issue", "label", "branch", "project"]


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    text = value.replace("-", "")
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise BadInputError(f"{option} {value!r}: expected a date, YYYYMMDD or YYYY-MM-DD") from None


def _add_labels(ledger: object) -> None:
    """Give sessions of autopilot runs the labels of their issue (from the issue store), if there is one."""
    try:
        store = context.hooks().store_select(config=context.config())
        labels = {issue.id: list(issue.labels) for issue in store.list()}
    except Exception:  # no project, no store: labels stay unknown
        return
    for session in ledger.sessions:  # type: ignore[attr-defined]
        if session.issue and session.issue in labels:
            session.labels = labels[session.issue]


def report(
    period: Period,
    *paths: Path,
    by: Group | None = None,
    since: str | None = None,
    until: str | None = None,
    claude: Annotated[bool, Parameter(negative="")] = False,
    codex: Annotated[bool, Parameter(negative="")] = False,
    json_output: JsonFlag = False,
) -> int:
    """Tokens and cost by day, week, month, session or 5-hour billing block, from any agent logs.

    Reads the same files as ``analyze`` (every format, files or directories), counting each API
    response once and pricing it with the price table. Dates are in UTC; weeks start on Monday; a block
    starts at the hour of its first call and lasts five hours (a gap of five hours starts a new one).

    Parameters
    ----------
    period
        daily, weekly, monthly, session or blocks.
    paths
        Log files or directories of them (default: the configured ``output_dir``).
    by
        Split each period by model, agent, issue, label, branch or project.
    since
        First day to count (YYYYMMDD or YYYY-MM-DD).
    until
        Last day to count.
    claude
        Also read Claude Code's transcripts where Claude Code keeps them.
    codex
        Also read Codex's rollouts where Codex keeps them.
    json_output
        Print the report as JSON.
    """
    from autopilot.core.pricing import load_price_table
    from autopilot.core.usage import report as build

    start, end = _date(since, "--since"), _date(until, "--until")
    targets = log_targets(paths, claude=claude, codex=codex) or [_default_directory()]
    errors: list[dict[str, str]] = []
    ledger = read_sessions(targets, errors)
    if by == "label":
        _add_labels(ledger)
    prices = load_price_table(context.config().project_dir)
    data = build(ledger, prices, period, by=by, since=start, until=end)
    if json_output:
        data["errors"] = errors
        context.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return _report_errors(errors)
    numeric = ("sessions", "input", "output", "cache read", "cache write", "total tokens", "cost")
    columns = ("block" if period == "blocks" else period.removesuffix("ly") if period != "daily" else "day",)
    columns += (by,) if by else ()
    table = _table(*columns, *numeric, title=f"Usage by {period}", right=numeric)
    for row in data["rows"]:
        values = [row["period"][:16].replace("T", " ")] + ([row["group"] or "-"] if by else [])
        table.add_row(
            *values,
            _count(row["sessions"]),
            _count(row["input_tokens"]),
            _count(row["output_tokens"]),
            _count(row["cache_read_tokens"]),
            _count(row["cache_creation_tokens"]),
            _count(row["total_tokens"]),
            _money(row["cost_usd"]),
        )
    totals = data["totals"]
    table.add_section()
    table.add_row(
        "total",
        *([""] if by else []),
        _count(totals["sessions"]),
        _count(totals["input_tokens"]),
        _count(totals["output_tokens"]),
        _count(totals["cache_read_tokens"]),
        _count(totals["cache_creation_tokens"]),
        _count(totals["total_tokens"]),
        _money(totals["cost_usd"]),
    )
    _console().print(table)
    return _report_errors(errors)
