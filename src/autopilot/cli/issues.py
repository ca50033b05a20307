"""``autopilot issue …``, ``autopilot project …``, ``autopilot session …`` and ``autopilot merge-driver``.

Thin: every command turns its arguments into one store call and renders the result (plain text, or
JSON with ``--json``). The store comes from the ``store_select`` hook (``store_yaml`` by default).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from cyclopts import App, Parameter

from autopilot.cli import context
from autopilot.core.errors import BadInputError, ExitCode
from autopilot.core.issues import (
    FINISHED,
    STATUSES,
    Issue,
    IssueNotFoundError,
    IssueStore,
    Priority,
    Project,
    Session,
    claim_active,
    default_holder,
    forget_project,
    now_utc,
    ready_sort_key,
    remember_project,
    resolve_id,
)

Json = Annotated[bool, Parameter(name="--json", negative="", help="Print JSON instead of text.")]
IssueSort = Literal["priority", "created", "updated", "id"]

issue_app = App(name="issue", help="Create, list, claim and finish issues kept in `.autopilot/issues/`.")
project_app = App(name="project", help="Group issues into projects with their own run defaults.")
session_app = App(name="session", help="One record per run: issue, status, cost, trajectory.")

#: Lease for claims made by hand (a person is slower than an agent, who renews every few minutes).
MANUAL_LEASE_SECONDS = 4 * 60 * 60


# ------------------------------------------------------------------------------------------------
# Plumbing


def open_store() -> IssueStore:
    """The project's store, as chosen by the ``store_select`` hook."""
    return context.hooks().store_select(config=context.config())


def report(store: IssueStore) -> None:
    """Print, once each, the files the store could not read and any commit trouble."""
    for problem in store.problems:
        context.warning(problem.message)
    for message in store.warnings:
        context.warning(message)
    store.problems, store.warnings = [], []


def _emit_json(data: Any) -> None:
    context.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _issue_json(issue: Issue, store: IssueStore | None = None) -> dict[str, Any]:
    data = issue.to_dict()
    data.pop("schema_version", None)
    data["path"] = issue.source
    return data


def _one_line(issue: Issue, now: Any, status_of: Mapping[str, str] | None = None) -> str:
    """One issue per line; with *status_of* (id -> status), its dependencies and their statuses."""
    claim = f"  [{issue.claim.holder}]" if issue.claim and claim_active(issue, now) else ""
    labels = f"  #{' #'.join(issue.labels)}" if issue.labels else ""
    project = f"  ({issue.project})" if issue.project else ""
    depends = ""
    if status_of is not None and issue.depends_on:
        depends = "  depends on " + ", ".join(
            f"{dep} ({status_of.get(dep, 'missing')})" for dep in issue.depends_on
        )
    return (
        f"{issue.id}  {issue.priority:<6}  {issue.status:<11}  {issue.title}{project}{labels}{claim}{depends}"
    )


def _print_issues(
    issues: list[Issue], *, as_json: bool, empty: str, status_of: Mapping[str, str] | None = None
) -> None:
    if as_json:
        _emit_json({"issues": [_issue_json(i) for i in issues]})
        return
    if not issues:
        context.echo(empty)
        return
    now = now_utc()
    for issue in issues:
        context.echo(_one_line(issue, now, status_of))


def _print_issue(issue: Issue, *, as_json: bool, verb: str | None = None) -> None:
    if as_json:
        _emit_json(_issue_json(issue))
    elif verb:
        context.echo(f"{verb} {issue.id}: {issue.title} ({issue.status})")
    else:
        _view(issue)


def _view(issue: Issue) -> None:
    lines = [
        f"{issue.id}  {issue.title}",
        f"status:     {issue.status}",
        f"priority:   {issue.priority}",
    ]
    if issue.labels:
        lines.append(f"labels:     {', '.join(issue.labels)}")
    if issue.project:
        lines.append(f"project:    {issue.project}")
    if issue.depends_on:
        lines.append(f"depends on: {', '.join(issue.depends_on)}")
    if issue.claim:
        lines.append(
            f"claim:      {issue.claim.holder}"
            + (f" run {issue.claim.run_id}" if issue.claim.run_id else "")
            + f" until {issue.claim.expires}"
            + ("" if claim_active(issue, now_utc()) else " (expired)")
        )
    for command in issue.accept:
        lines.append(f"accept:     {command}")
    lines.append(f"created:    {issue.created}")
    lines.append(f"file:       {issue.source}")
    if issue.body.strip():
        lines += ["", *issue.body.rstrip().splitlines()]
    if issue.events:
        lines += ["", "events:"]
        for event in issue.events:
            extra = ", ".join(f"{k}={_short(v)}" for k, v in event.data.items())
            who = f" by {event.by}" if event.by else ""
            lines.append(f"  {event.at}  {event.kind}{who}" + (f"  {extra}" if extra else ""))
    for line in lines:
        context.echo(line)


def _short(value: Any, limit: int = 80) -> str:
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        value = ", ".join(str(v) for v in value)  # fields=labels, priority
    elif isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False, default=str)  # not Python's repr
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_project(store: IssueStore, name: str | None, used: Iterable[str | None]) -> None:
    """Refuse a ``--project`` filter naming no project (a typo would otherwise list nothing, silently);
    a removed project whose records remain (*used*) still filters them."""
    if name is not None and name not in set(used):
        store.get_project(name)  # IssueNotFoundError: no project 'x' (see `autopilot project list`)


# ------------------------------------------------------------------------------------------------
# issue


@issue_app.command(name="create")
def issue_create(
    title: str,
    *,
    body: str = "",
    priority: Priority = "medium",
    label: Annotated[list[str] | None, Parameter(negative="")] = None,
    depends_on: Annotated[list[str] | None, Parameter(negative="")] = None,
    accept: Annotated[list[str] | None, Parameter(negative="")] = None,
    project: str | None = None,
    json_output: Json = False,
) -> int:
    """Create an open issue.

    Parameters
    ----------
    title
        One line saying what to do.
    body
        The details (Markdown). `-` reads it from standard input.
    priority
        How urgent the issue is (`issue ready` takes the most urgent first).
    label
        A label (repeatable).
    depends_on
        An issue that must be done first (repeatable).
    accept
        A shell command that must succeed for the issue to count as done (repeatable).
    project
        The project the issue belongs to.
    """
    store = open_store()
    if body == "-":
        body = sys.stdin.read()
    issue = store.create_issue(
        title,
        body=body,
        priority=priority,
        labels=label or (),
        depends_on=depends_on or (),
        accept=accept or (),
        project=project,
        by=default_holder(),
    )
    report(store)
    _print_issue(issue, as_json=json_output, verb="created")
    return 0


@issue_app.command(name="list")
def issue_list(
    *,
    status: str | None = None,
    label: str | None = None,
    project: str | None = None,
    all_issues: Annotated[bool, Parameter(name="--all", negative="")] = False,
    sort: IssueSort = "priority",
    json_output: Json = False,
) -> int:
    """List issues (open, in progress and blocked ones unless --status or --all), urgent first.

    Each line ends with the issue's dependencies and their statuses (``depends on k3x9q2ab (open)``).

    Parameters
    ----------
    status
        Only issues with this status (open, in_progress, blocked, done, closed).
    label
        Only issues with this label.
    project
        Only issues of this project.
    all_issues
        Include done and closed issues.
    sort
        priority: urgent first, then oldest, as `issue ready` orders them; created: oldest first;
        updated: most recently changed first; id.
    """
    if status is not None and status not in STATUSES:
        raise BadInputError(f"--status: {status!r} is not one of {', '.join(STATUSES)}")
    store = open_store()
    every = store.list_issues()
    issues = list(every)
    status_of = {issue.id: issue.status for issue in every}
    if status:
        issues = [i for i in issues if i.status == status]
    elif not all_issues:
        issues = [i for i in issues if i.status not in ("done", "closed")]
    if label:
        issues = [i for i in issues if label in i.labels]
    if project:
        _check_project(store, project, (i.project for i in every))
        issues = [i for i in issues if i.project == project]
    if sort == "priority":
        issues.sort(key=ready_sort_key)
    elif sort == "created":
        issues.sort(key=lambda i: (i.created, i.id))
    elif sort == "updated":
        issues.sort(key=lambda i: (i.updated or i.created, i.id), reverse=True)
    else:
        issues.sort(key=lambda i: i.id)
    report(store)
    _print_issues(issues, as_json=json_output, empty="no issues", status_of=status_of)
    return 0


@issue_app.command(name="ready")
def issue_ready(
    *,
    project: str | None = None,
    limit: int | None = None,
    json_output: Json = False,
) -> int:
    """List issues an agent can start now, in the order it should take them.

    Ready means open (or an expired claim), not claimed, and every `depends_on` done;
    ordered by priority, then age.

    Parameters
    ----------
    project
        Only issues of this project.
    limit
        Show at most this many.
    """
    store = open_store()
    issues = store.ready()
    if project:
        _check_project(store, project, (i.project for i in store.list_issues()))
        issues = [i for i in issues if i.project == project]
    if limit is not None:
        issues = issues[:limit]
    report(store)
    empty = "nothing is ready"
    if not issues and not json_output:
        # Say what is left, so "nothing is ready" is not read as "nothing is left to do".
        left = Counter(
            i.status
            for i in store.list_issues()
            if i.status in ("open", "in_progress", "blocked") and (not project or i.project == project)
        )
        if left:
            counts = ", ".join(f"{n} {status}" for status, n in sorted(left.items()))
            empty += f" (not done: {counts}; `autopilot issue list` shows what each waits on)"
    _print_issues(issues, as_json=json_output, empty=empty)
    return 0


@issue_app.command(name="view", alias="show")
def issue_view(issue_id: str, *, json_output: Json = False) -> int:
    """Show one issue with its history.

    Parameters
    ----------
    issue_id
        The issue id (a unique prefix of at least 3 characters is enough).
    """
    store = open_store()
    issue = store.get_issue(issue_id)
    report(store)
    _print_issue(issue, as_json=json_output)
    return 0


@issue_app.command(name="claim")
def issue_claim(
    issue_id: str,
    *,
    holder: str | None = None,
    run_id: str | None = None,
    lease: float = MANUAL_LEASE_SECONDS,
    json_output: Json = False,
) -> int:
    """Claim an issue so nobody else starts it. Exits 3 if someone else holds a live claim.

    Parameters
    ----------
    issue_id
        The issue id.
    holder
        Who claims (default: your git identity, "Name <email>").
    run_id
        The run working on it, if any.
    lease
        Seconds until the claim expires unless renewed.
    """
    store = open_store()
    issue = store.claim(issue_id, holder=holder or default_holder(), run_id=run_id, lease_seconds=lease)
    report(store)
    _print_issue(issue, as_json=json_output, verb="claimed")
    return 0


@issue_app.command(name="release")
def issue_release(issue_id: str, *, reason: str | None = None, json_output: Json = False) -> int:
    """Drop an issue's claim (e.g. of a crashed run) and put it back to open.

    Parameters
    ----------
    issue_id
        The issue id.
    reason
        Why, recorded in the issue's events.
    """
    store = open_store()
    issue = store.release(issue_id, by=default_holder(), reason=reason)
    report(store)
    _print_issue(issue, as_json=json_output, verb="released")
    return 0


def _set_status(issue_id: str, status: str, reason: str | None, as_json: bool, verb: str) -> int:
    store = open_store()
    issue = store.set_status(issue_id, status, by=default_holder(), reason=reason)
    report(store)
    _print_issue(issue, as_json=as_json, verb=verb)
    return 0


@issue_app.command(name="complete")
def issue_complete(issue_id: str, *, reason: str | None = None, json_output: Json = False) -> int:
    """Mark an issue done (issues that depend on it become ready).

    Parameters
    ----------
    issue_id
        The issue id.
    reason
        A note recorded in the issue's events.
    """
    return _set_status(issue_id, "done", reason, json_output, "completed")


@issue_app.command(name="block")
def issue_block(issue_id: str, *, reason: str, json_output: Json = False) -> int:
    """Mark an issue blocked, saying why.

    Parameters
    ----------
    issue_id
        The issue id.
    reason
        What blocks it.
    """
    return _set_status(issue_id, "blocked", reason, json_output, "blocked")


@issue_app.command(name="reopen")
def issue_reopen(issue_id: str, *, reason: str | None = None, json_output: Json = False) -> int:
    """Put an issue back to open (from blocked, done or closed).

    Parameters
    ----------
    issue_id
        The issue id.
    reason
        A note recorded in the issue's events.
    """
    return _set_status(issue_id, "open", reason, json_output, "reopened")


@issue_app.command(name="close")
def issue_close(issue_id: str, *, reason: str | None = None, json_output: Json = False) -> int:
    """Close an issue without doing it (won't fix, duplicate, ...).

    Parameters
    ----------
    issue_id
        The issue id.
    reason
        Why it is closed.
    """
    store = open_store()
    issue = store.set_status(issue_id, "closed", by=default_holder(), reason=reason)
    report(store)
    # Only `done` satisfies a dependency: say at once which issues now wait for ever.
    waiting = [i.id for i in store.list_issues() if issue.id in i.depends_on and i.status not in FINISHED]
    if waiting:
        context.warning(
            f"{', '.join(waiting)} {'waits' if len(waiting) == 1 else 'wait'} on {issue.id}, which will "
            f"never be ready now that it is closed (`autopilot issue edit ID --remove-depends-on {issue.id}`)"
        )
    _print_issue(issue, as_json=json_output, verb="closed")
    return 0


@issue_app.command(name="edit")
def issue_edit(
    issue_id: str,
    *,
    title: str | None = None,
    body: str | None = None,
    priority: Priority | None = None,
    add_label: Annotated[list[str] | None, Parameter(negative="")] = None,
    remove_label: Annotated[list[str] | None, Parameter(negative="")] = None,
    add_depends_on: Annotated[list[str] | None, Parameter(negative="")] = None,
    remove_depends_on: Annotated[list[str] | None, Parameter(negative="")] = None,
    add_accept: Annotated[list[str] | None, Parameter(negative="")] = None,
    clear_accept: Annotated[bool, Parameter(negative="")] = False,
    project: str | None = None,
    json_output: Json = False,
) -> int:
    """Change an issue's fields (comments in its file are kept).

    Parameters
    ----------
    issue_id
        The issue id.
    title
        New title.
    body
        New body (`-` reads standard input).
    priority
        How urgent the issue is (`issue ready` takes the most urgent first).
    add_label
        Add a label (repeatable).
    remove_label
        Remove a label (repeatable).
    add_depends_on
        Add a dependency (repeatable); cycles are refused.
    remove_depends_on
        Remove a dependency (repeatable).
    add_accept
        Add an acceptance command (repeatable).
    clear_accept
        Remove every acceptance command (before --add-accept).
    project
        Move to this project (`""` for none).
    """
    store = open_store()
    current = store.get_issue(issue_id)
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = title
    if body is not None:
        changes["body"] = sys.stdin.read() if body == "-" else body
    if priority is not None:
        changes["priority"] = priority
    if add_label or remove_label:
        changes["labels"] = _edit_list(current.labels, add_label, remove_label)
    if add_depends_on or remove_depends_on:
        removed = {_full_id(current.depends_on, d) for d in remove_depends_on or ()}
        changes["depends_on"] = _edit_list(current.depends_on, add_depends_on, removed)
    if clear_accept or add_accept:
        changes["accept"] = [*(() if clear_accept else current.accept), *(add_accept or ())]
    if project is not None:
        changes["project"] = project or None
    if not changes:
        raise BadInputError("nothing to change: give at least one of --title, --body, --priority, ...")
    issue = store.update_issue(current.id, changes)
    report(store)
    _print_issue(issue, as_json=json_output, verb="edited")
    return 0


def _full_id(known: Iterable[str], wanted: str) -> str:
    """*wanted* completed to one of *known* ids when it is a unique prefix (the issue may be gone).

    Raises AmbiguousIdError when it is a prefix of several of them.
    """
    try:
        return resolve_id(known, wanted)
    except IssueNotFoundError:
        return wanted


def _edit_list(current: Iterable[str], add: Iterable[str] | None, remove: Iterable[str] | None) -> list[str]:
    gone = set(remove or ())
    return [v for v in dict.fromkeys([*current, *(add or ())]) if v not in gone]


# ------------------------------------------------------------------------------------------------
# project


def _project_json(project: Project) -> dict[str, Any]:
    data = project.to_dict()
    data.pop("schema_version", None)
    data["path"] = project.source
    return data


@project_app.command(name="create")
def project_create(
    name: str,
    *,
    description: str = "",
    agent: str | None = None,
    model: str | None = None,
    max_budget: float | None = None,
    working_dir: str | None = None,
    json_output: Json = False,
) -> int:
    """Create a project: a name plus defaults for runs on its issues.

    Parameters
    ----------
    name
        Letters, digits, '.', '_' and '-'.
    description
        What the project is about.
    agent
        Default backend for its runs (claude, codex).
    model
        Default model for its runs.
    max_budget
        Default budget per run in USD.
    working_dir
        Directory runs start in, relative to the repository root.
    """
    if agent:
        backends = context.hooks().backend_register()
        if agent not in backends:
            raise BadInputError(
                f"--agent: unknown agent {agent!r} (available: {', '.join(sorted(backends))})"
            )
    if working_dir and not (context.config().project_dir / working_dir).is_dir():
        raise BadInputError(
            f"--working-dir {working_dir}: no such directory in {context.config().project_dir}"
        )
    store = open_store()
    project = store.save_project(
        Project(
            name=name,
            description=description,
            agent=agent,
            model=model,
            max_budget_usd=max_budget,
            working_dir=working_dir,
        ),
        create=True,
    )
    remember_project(name, context.config().project_dir)
    report(store)
    if json_output:
        _emit_json(_project_json(project))
    else:
        context.echo(f"created project {project.name}")
    return 0


@project_app.command(name="list")
def project_list(*, json_output: Json = False) -> int:
    """List projects with their open issue counts."""
    store = open_store()
    issues = store.list_issues()  # first: reading the issues starts the store's list of problems afresh
    projects = store.list_projects()
    counts = {
        p.name: sum(1 for i in issues if i.project == p.name and i.status not in ("done", "closed"))
        for p in projects
    }
    report(store)
    if json_output:
        _emit_json({"projects": [{**_project_json(p), "open_issues": counts[p.name]} for p in projects]})
        return 0
    if not projects:
        context.echo("no projects")
    for project in projects:
        context.echo(f"{project.name}  {counts[project.name]} open  {project.description}".rstrip())
    return 0


@project_app.command(name="view", alias="show")
def project_view(name: str, *, json_output: Json = False) -> int:
    """Show a project's settings and its issues.

    Parameters
    ----------
    name
        The project name.
    """
    store = open_store()
    project = store.get_project(name)
    issues = [i for i in store.list_issues() if i.project == name]
    report(store)
    if json_output:
        _emit_json({**_project_json(project), "issues": [_issue_json(i) for i in issues]})
        return 0
    for key, value in project.to_dict().items():
        if key != "schema_version" and value not in (None, ""):
            context.echo(f"{key + ':':<16}{value}")
    now = now_utc()
    status_of = {issue.id: issue.status for issue in store.list_issues()}
    for issue in sorted(issues, key=ready_sort_key):
        context.echo("  " + _one_line(issue, now, status_of))
    return 0


@project_app.command(name="remove")
def project_remove(name: str, *, force: Annotated[bool, Parameter(negative="")] = False) -> int:
    """Remove a project (its issues stay; refused while unfinished issues use it, unless --force).

    Parameters
    ----------
    name
        The project name.
    force
        Remove even though unfinished issues still name it.
    """
    store = open_store()
    store.get_project(name)
    unfinished = [
        i.id for i in store.list_issues() if i.project == name and i.status not in ("done", "closed")
    ]
    if unfinished and not force:
        raise BadInputError(
            f"project {name!r} still has {len(unfinished)} unfinished issue(s) "
            f"({', '.join(unfinished[:5])}); "
            "use --force to remove it anyway"
        )
    store.remove_project(name)
    forget_project(name)
    report(store)
    context.echo(f"removed project {name}")
    return 0


# ------------------------------------------------------------------------------------------------
# session


def _session_json(session: Session) -> dict[str, Any]:
    data = session.to_dict()
    data.pop("schema_version", None)
    data["path"] = session.source
    return data


@session_app.command(name="list")
def session_list(*, project: str | None = None, issue: str | None = None, json_output: Json = False) -> int:
    """List recorded runs, newest first: run id, status, cost, issue, start and trajectory.

    ``replay``, ``compare``, ``analyze``, ``export`` and ``resume -t`` take the run id (or a unique
    prefix of it) wherever they take a trajectory.

    Parameters
    ----------
    project
        Only runs of this project.
    issue
        Only runs on this issue (a unique prefix of its id will do).
    """
    store = open_store()
    recorded = store.list_sessions()
    _check_project(store, project, (s.project for s in recorded))
    if issue is not None:  # a unique prefix, as everywhere; an issue may be gone and its runs remain
        known = {i.id for i in store.list_issues()} | {s.issue for s in recorded if s.issue}
        issue = resolve_id(sorted(known), issue)
    sessions = sorted(
        store.list_sessions(project=project, issue=issue), key=lambda s: s.started_at, reverse=True
    )
    report(store)
    verdicts = _issue_verdicts(store, sessions)
    if json_output:
        _emit_json(
            {"sessions": [{**_session_json(s), "issue_outcome": verdicts.get(s.run_id)} for s in sessions]}
        )
        return 0
    if not sessions:
        context.echo("no sessions")
    issue_width = max((len(s.issue or "-") for s in sessions), default=1)  # columns line up
    for s in sessions:
        # The trajectory's path (relative to the repository) carries the run's slug (its prompt or
        # issue), which tells runs apart, and says where the run's files are.
        notes = [note for note in (s.project, verdicts.get(s.run_id)) if note]
        context.echo(
            f"{s.run_id}  {s.status:<16}  ${s.cost_usd:.4f}  issue {s.issue or '-':<{issue_width}}  "
            f"{s.started_at}  "
            f"{s.trajectory or '-'}" + (f"  ({', '.join(notes)})" if notes else "")
        )
    return 0


#: What the queue made of a run on an issue, by the event it recorded for the run.
_VERDICTS = {
    "completed": "accepted",
    "acceptance_failed": "acceptance failed",
    "commit_failed": "commit failed",
}


def _issue_verdicts(store: IssueStore, sessions: list[Session]) -> dict[str, str]:
    """run id -> accepted, acceptance failed or commit failed, for the runs of *sessions* the queue
    judged: a run's own status is the agent's (``success`` when it finished), not the issue's."""
    wanted = {s.run_id for s in sessions if s.issue}
    verdicts: dict[str, str] = {}
    if wanted:
        for issue in store.list_issues():
            for event in issue.events:  # in order: a commit that failed after acceptance wins
                if event.kind in _VERDICTS and event.data.get("run_id") in wanted:
                    verdicts[str(event.data["run_id"])] = _VERDICTS[event.kind]
    return verdicts


@session_app.command(name="view", alias="show")
def session_view(run_id: str, *, json_output: Json = False) -> int:
    """Show one run's record.

    Parameters
    ----------
    run_id
        The run id (a unique prefix of at least 3 characters is enough).
    """
    store = open_store()
    session = store.get_session(run_id)
    report(store)
    if json_output:
        _emit_json(_session_json(session))
        return 0
    for label, value in _session_fields(session):
        context.echo(f"{label + ':':<18}{value}")
    return 0


#: How `session view` names the token counters (others are shown by their key).
_TOKEN_NAMES = {
    "input_tokens": "input",
    "output_tokens": "output",
    "cache_read_tokens": "cache read",
    "cache_creation_tokens": "cache write",
}


def _session_fields(session: Session) -> list[tuple[str, str]]:
    """The session's non-empty fields as ``(label, text)`` for people."""
    tokens = "  ".join(f"{_TOKEN_NAMES.get(key, key)} {count:,}" for key, count in session.tokens.items())
    fields = [
        ("run", session.run_id),
        ("issue", session.issue),
        ("project", session.project),
        ("status", session.status),
        ("agent", session.agent),
        ("model", session.model),
        ("cost", f"${session.cost_usd:.4f}"),
        ("tokens", tokens),
        ("started", session.started_at),
        ("ended", session.ended_at),
        ("trajectory", session.trajectory),
        ("parent", session.parent),
        ("backend sessions", ", ".join(session.backend_session_ids)),
        ("file", session.source),
    ]
    return [(label, value) for label, value in fields if value]


# ------------------------------------------------------------------------------------------------
# merge driver


def merge_driver(base: Path, ours: Path, theirs: Path, path: str = "", /) -> int:
    """Git merge driver for `.autopilot/**/*.yaml` (`autopilot merge-driver %O %A %B %P`).

    Merges field by field: event lists by union, labels and dependencies as sets, `updated` by the
    later time. Writes the result to the "ours" file. Conflicting values keep ours, are named on
    standard error and in a comment in the file, and the exit code is 1 so git marks the conflict.

    Parameters
    ----------
    base
        The common ancestor's version (%O).
    ours
        Our version; the result is written here (%A).
    theirs
        Their version (%B).
    path
        The file's path in the repository (%P), for messages.
    """
    from autopilot.core.trajectory.files import atomic_write_text
    from autopilot.plugins.store_yaml.store import merge_documents

    name = path or str(ours)
    texts = []
    for file in (base, ours, theirs):
        try:
            texts.append(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise BadInputError(f"{file}: cannot read: {exc.strerror}") from None
    merged, conflicts = merge_documents(*texts, path=name)
    atomic_write_text(ours, context.hooks().redact(text=merged))
    for conflict in conflicts:
        context.error(f"{name}: merge conflict in {conflict}")
    return int(ExitCode.FAILURE) if conflicts else 0


# ------------------------------------------------------------------------------------------------
# `hooks install`: the merge driver


GITATTRIBUTES_LINE = ".autopilot/**/*.yaml merge=autopilot"


def merge_driver_command() -> str:
    """The driver line for git config (this interpreter, so it works without autopilot on PATH)."""
    import shlex

    return f"{shlex.quote(sys.executable)} -m autopilot merge-driver %O %A %B %P"


def install_merge_driver(setup: Any) -> str:
    """Register the field-aware merge driver for `.autopilot/**/*.yaml` (idempotent)."""
    from autopilot.core.git import Repository

    root = Path(setup.repo_root)
    attributes = root / ".gitattributes"
    text = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    if GITATTRIBUTES_LINE not in text.splitlines():
        prefix = "" if not text or text.endswith("\n") else "\n"
        attributes.write_text(f"{text}{prefix}{GITATTRIBUTES_LINE}\n", encoding="utf-8")
    with Repository.open(root) as repo:
        repo.set_config("merge.autopilot.name", "autopilot: field-aware merge of .autopilot/ YAML files")
        repo.set_config("merge.autopilot.driver", merge_driver_command())
    return f"merge driver: .autopilot/**/*.yaml merged field by field ({attributes.name} + git config)"


def uninstall_merge_driver(setup: Any) -> str:
    """Remove the merge driver's git config and .gitattributes line."""
    from autopilot.core.git import Repository

    root = Path(setup.repo_root)
    attributes = root / ".gitattributes"
    if attributes.exists():
        lines = attributes.read_text(encoding="utf-8").splitlines()
        kept = [line for line in lines if line.strip() != GITATTRIBUTES_LINE]
        if kept != lines:
            if kept:
                attributes.write_text("\n".join(kept) + "\n", encoding="utf-8")
            else:
                attributes.unlink()
    with Repository.open(root) as repo:
        repo.remove_config_section("merge.autopilot")
    return "merge driver: removed"
