"""``autopilot report``: tokens and cost of agent logs by day, week, month, session or 5-hour block."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from cyclopts import Parameter

from autopilot.cli import context
from autopilot.cli.analyze import (
    JsonFlag,
    _count,
    _money,
    _print_table,
    _recorded_runs,
    _report_errors,
    _table,
    log_targets,
    read_sessions,
)
from autopilot.core.errors import AutopilotError, BadInputError

if TYPE_CHECKING:
    from autopilot.core.usage import Ledger

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


def _attribute(ledger: Ledger) -> None:
    """Give the sessions of autopilot runs their run's issue, the issue's labels and the branch of the
    run's commit.

    A session is a run's when it is the run's trajectory (its id is the run id) or one of the run's
    agent sessions (named by the run's session in the issue store, or by its trajectory among the
    logs read; a trajectory that gave way to its agent sessions left them its run id). A run's issue
    comes from the store or from the ``Autopilot-Issue`` trailer of its commits, its branch from the
    branch holding its ``Autopilot-Run`` commit.
    """
    from autopilot.core.git import Repository

    config = context.config()
    issue_of: dict[str, str] = {}  # run id -> issue id
    branch_of: dict[str, str] = {}  # run id -> branch
    run_of: dict[str, str] = {}  # agent session id -> run id
    labels: dict[str, list[str]] = {}
    try:
        store = context.hooks().store_select(config=config)
        labels = {issue.id: list(issue.labels) for issue in store.list_issues()}
        for record in store.list_sessions():
            run_of.update(dict.fromkeys(record.backend_session_ids, record.run_id))
            if record.issue:
                issue_of[record.run_id] = record.issue
    except AutopilotError as exc:  # a damaged store: the trailers still say what they can
        context.warning(f"the issue store could not be read: {exc}")
    repo = Repository.find(config.project_dir)
    if repo is not None:
        with repo:
            for _sha, branch, trailers in repo.trailers("Autopilot-Issue", "Autopilot-Run"):
                run = trailers.get("Autopilot-Run")
                if run and trailers.get("Autopilot-Issue"):
                    issue_of.setdefault(run, trailers["Autopilot-Issue"])
                if run and branch:
                    branch_of.setdefault(run, branch)
    for session in ledger.sessions:
        run_of.update(dict.fromkeys(session.agent_session_ids, session.session_id))
    for session in ledger.sessions:
        run = session.run_id or run_of.get(session.session_id, session.session_id)
        session.issue = session.issue or issue_of.get(run)
        session.branch = branch_of.get(run) or session.branch
        session.labels = labels.get(session.issue or "", session.labels)


def report(
    period: Period,
    *paths: Path,
    by: Group | None = None,
    since: str | None = None,
    until: str | None = None,
    claude: Annotated[bool, Parameter(negative="")] = False,
    codex: Annotated[bool, Parameter(negative="")] = False,
    no_cache: Annotated[bool, Parameter(negative="")] = False,
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
        Split each period by model, agent, issue, label, branch or project. The issue, its labels and
        the branch of an autopilot run's logs come from the run's commits (``Autopilot-Issue`` and
        ``Autopilot-Run`` trailers) and its session in ``.autopilot/``; ``-`` when unknown.
    since
        First day to count (YYYYMMDD or YYYY-MM-DD).
    until
        Last day to count.
    claude
        Read Claude Code's transcripts where Claude Code keeps them, besides PATHS (and instead of
        the configured output_dir; name it too to add this repository's runs).
    codex
        Read Codex's rollouts where Codex keeps them, besides PATHS (and instead of the output_dir).
    no_cache
        Read every file again instead of using the summaries cached from the last call.
    json_output
        Print the report as JSON.
    """
    from autopilot.core.config import find_project_dir
    from autopilot.core.pricing import load_price_table
    from autopilot.core.usage import report as build

    start, end = _date(since, "--since"), _date(until, "--until")
    if start and end and start > end:
        raise BadInputError(f"--since {since} is after --until {until}: no day is in that range")
    targets = log_targets(paths, claude=claude, codex=codex) or _recorded_runs()
    errors: list[dict[str, str]] = []
    unread: list[dict[str, str]] = []
    ledger = read_sessions(targets, errors, unread, cache=not no_cache)
    if by in ("issue", "label", "branch"):
        _attribute(ledger)
    prices = load_price_table(find_project_dir())
    data = build(ledger, prices, period, by=by, since=start, until=end)
    if data["untimed_calls"]:
        context.warning(
            f"{data['untimed_calls']} model call(s) in logs that record no readable time are left out "
            "(analyze counts them)"
        )
    if json_output:
        data["errors"] = errors + unread
        context.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return _report_errors(errors)
    if errors and not data["totals"]["sessions"]:
        return _report_errors(errors)  # nothing could be read: the errors, not a table of zeros
    numeric = ("sessions", "input", "output", "cache read", "cache write", "total tokens", "cost")
    columns = ("block" if period == "blocks" else period.removesuffix("ly") if period != "daily" else "day",)
    columns += (by,) if by else ()
    table = _table(*columns, *numeric, title=f"Usage by {columns[0]}", right=numeric)
    for row in data["rows"]:
        when = row["period"] if period == "session" else row["period"][:16].replace("T", " ")
        values = [when] + ([row["group"] or "-"] if by else [])
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
    _print_table(context.stdout_console(), table)
    return _report_errors(errors)
