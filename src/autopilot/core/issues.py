"""The issue store contract, its plain models, and the pure rules every store shares.

A store keeps issues, projects and sessions. The built-in one (plugin ``store_yaml``) writes one YAML
file per record under ``.autopilot/`` and commits every state change; another store (a tracker, a
database) is a plugin implementing :class:`IssueStore` and returning it from the ``store_select`` hook.

The rules that decide *what* may happen live here as pure functions, so every store behaves alike:
which issues are ready and in what order (:func:`ready_issues`), whether a claim is live
(:func:`claim_active`), and whether a ``depends_on`` edit would create a cycle (:func:`find_cycle`).
"""

from __future__ import annotations

import abc
import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Final, Literal, get_args

from autopilot.core.errors import AutopilotError, BadInputError, ExitCode

SCHEMA_VERSION: Final = 1

STATUSES: Final[tuple[str, ...]] = ("open", "in_progress", "blocked", "done", "closed")
Priority = Literal["urgent", "high", "medium", "low"]
PRIORITIES: Final[tuple[str, ...]] = get_args(Priority)
#: Statuses that end work on an issue; a ``depends_on`` is satisfied only by ``done``.
FINISHED: Final[frozenset[str]] = frozenset({"done", "closed"})

#: How long a claim lives unless renewed (a running agent renews it every few minutes).
DEFAULT_LEASE_SECONDS: Final = 15 * 60

# Crockford's base32 without the letters people misread (i, l, o, u), lower case.
ID_ALPHABET: Final = "0123456789abcdefghjkmnpqrstvwxyz"
ID_LENGTH: Final = 8
_ID_PATTERN: Final = re.compile(r"^[0-9a-z][0-9a-z_-]{0,63}$")
_PROJECT_NAME: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


# ------------------------------------------------------------------------------------------------
# Errors


class IssueNotFoundError(BadInputError):
    """No issue (or project, or session) has the given id."""


class AmbiguousIdError(BadInputError):
    """An id prefix matches several records (or is too short to be trusted); names the candidates.

    Not an :class:`IssueNotFoundError`: the records exist, the prefix just does not pick one.
    """


class InvalidIssueError(BadInputError):
    """A field value is not allowed (unknown status, empty title, ...); names the field."""


class MalformedFileError(BadInputError):
    """A store file cannot be read; the message names the file and, when known, the line."""

    def __init__(self, path: object, problem: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


class DependencyCycleError(BadInputError):
    """Adding the dependency would make issues wait on each other forever."""

    def __init__(self, cycle: Sequence[str]) -> None:
        super().__init__(f"dependency cycle: {' -> '.join(cycle)} (an issue cannot wait on itself)")
        self.cycle = list(cycle)


class ClaimConflictError(AutopilotError):
    """Someone else holds a live claim on the issue (exit code 3)."""

    exit_code = ExitCode.CONFLICT


class IssueStateError(BadInputError):
    """The requested transition is not possible from the issue's current status."""


# ------------------------------------------------------------------------------------------------
# Models


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def format_ts(moment: dt.datetime) -> str:
    """ISO 8601 UTC with milliseconds and a ``Z`` (the same form as trajectories)."""
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_ts(value: Any) -> dt.datetime | None:
    """A timestamp from a store file (string or YAML timestamp); None when absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def ts_text(value: Any) -> str | None:
    """Normalise a timestamp value to the canonical string (YAML may have parsed it to a datetime)."""
    moment = parse_ts(value)
    if moment is None:
        return None if value in (None, "") else str(value)
    return format_ts(moment)


@dataclass(frozen=True)
class Claim:
    """Who works on an issue, for which run, until when (the lease)."""

    holder: str
    run_id: str | None
    expires: str

    def to_dict(self) -> dict[str, Any]:
        return {"holder": self.holder, "run_id": self.run_id, "expires": self.expires}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Claim | None:
        if not data:
            return None
        return cls(
            holder=str(data.get("holder") or ""),
            run_id=None if data.get("run_id") in (None, "") else str(data.get("run_id")),
            expires=ts_text(data.get("expires")) or "",
        )


@dataclass(frozen=True)
class Event:
    """One entry of an issue's append-only history: ``created``, ``claimed``, ``completed``, ``run``, ...

    ``data`` holds the kind's own fields (``reason``, ``run_id``, ``cost_usd``, ``output``, ...).
    """

    at: str
    kind: str
    by: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"at": self.at, "kind": self.kind}
        if self.by:
            out["by"] = self.by
        out.update(self.data)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        rest = {str(k): v for k, v in data.items() if k not in ("at", "kind", "by")}
        return cls(
            at=ts_text(data.get("at")) or "",
            kind=str(data.get("kind") or "note"),
            by=None if data.get("by") is None else str(data.get("by")),
            data=rest,
        )


@dataclass(frozen=True)
class Issue:
    """A unit of work an agent (or a person) can claim, do and complete."""

    id: str
    title: str
    body: str = ""
    status: str = "open"
    priority: str = "medium"
    labels: tuple[str, ...] = ()
    project: str | None = None
    depends_on: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    claim: Claim | None = None
    created: str = ""
    updated: str = ""
    events: tuple[Event, ...] = ()
    #: Where the issue lives (a file path for the YAML store); not part of the issue's data.
    source: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The issue as plain data, keys in the documented file order."""
        return {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "priority": self.priority,
            "labels": list(self.labels),
            "project": self.project,
            "depends_on": list(self.depends_on),
            "accept": list(self.accept),
            "claim": self.claim.to_dict() if self.claim else None,
            "created": self.created,
            "updated": self.updated,
            "body": self.body,
            "events": [e.to_dict() for e in self.events],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> Issue:
        """Build an issue from file data; raises InvalidIssueError naming the bad field."""
        _check_keys(cls, data)
        issue = cls(
            id=_text(data, "id"),
            title=_text(data, "title"),
            body=_text(data, "body"),
            status=_text(data, "status") or "open",
            priority=_text(data, "priority") or "medium",
            labels=_strings(data.get("labels"), "labels"),
            project=_optional_str(data, "project"),
            depends_on=_strings(data.get("depends_on"), "depends_on"),
            accept=_strings(data.get("accept"), "accept"),
            claim=Claim.from_dict(_mapping(data.get("claim"), "claim")),
            created=ts_text(data.get("created")) or "",
            updated=ts_text(data.get("updated")) or "",
            events=tuple(
                Event.from_dict(_mapping(e, "events") or {}) for e in _list(data.get("events"), "events")
            ),
            source=source,
        )
        validate_issue(issue)
        return issue

    @property
    def failed_attempts(self) -> int:
        """How many acceptance runs failed since the issue was last (re)opened by a person."""
        count = 0
        for event in self.events:
            if event.kind == "reopened":
                count = 0
            elif event.kind == "acceptance_failed":
                count += 1
        return count


@dataclass(frozen=True)
class Project:
    """A named group of issues with run defaults (agent, model, budget, working directory)."""

    name: str
    description: str = ""
    agent: str | None = None
    model: str | None = None
    max_budget_usd: float | None = None
    working_dir: str | None = None
    created: str = ""
    source: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "name": self.name,
            "description": self.description,
            "agent": self.agent,
            "model": self.model,
            "max_budget_usd": self.max_budget_usd,
            "working_dir": self.working_dir,
            "created": self.created,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> Project:
        _check_keys(cls, data)
        budget = data.get("max_budget_usd")
        try:
            max_budget = None if budget in (None, "") else float(budget)
        except (TypeError, ValueError):
            raise InvalidIssueError(f"max_budget_usd: not a number: {budget!r}") from None
        project = cls(
            name=_text(data, "name"),
            description=_text(data, "description"),
            agent=_optional_str(data, "agent"),
            model=_optional_str(data, "model"),
            max_budget_usd=max_budget,
            working_dir=_optional_str(data, "working_dir"),
            created=ts_text(data.get("created")) or "",
            source=source,
        )
        validate_project(project)
        return project


@dataclass(frozen=True)
class Session:
    """One run's record in the store: what it worked on, how it ended, what it cost, where it is."""

    run_id: str
    issue: str | None = None
    project: str | None = None
    status: str = "running"
    agent: str | None = None
    model: str | None = None
    cost_usd: float = 0.0
    tokens: dict[str, int] = field(default_factory=dict)
    trajectory: str | None = None
    backend_session_ids: tuple[str, ...] = ()
    started_at: str = ""
    ended_at: str | None = None
    parent: str | None = None
    source: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "run_id": self.run_id,
            "issue": self.issue,
            "project": self.project,
            "status": self.status,
            "agent": self.agent,
            "model": self.model,
            "cost_usd": round(float(self.cost_usd), 6),
            "tokens": dict(self.tokens),
            "trajectory": self.trajectory,
            "backend_session_ids": list(self.backend_session_ids),
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "parent": self.parent,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> Session:
        _check_keys(cls, data)
        run_id = str(data.get("run_id") or "")
        if not run_id:
            raise InvalidIssueError("run_id: missing")
        tokens = _mapping(data.get("tokens"), "tokens") or {}
        try:
            cost = float(data.get("cost_usd") or 0.0)
            token_counts = {str(k): int(v or 0) for k, v in tokens.items()}
        except (TypeError, ValueError) as exc:
            raise InvalidIssueError(f"cost_usd/tokens: {exc}") from None
        return cls(
            run_id=run_id,
            issue=_optional_str(data, "issue"),
            project=_optional_str(data, "project"),
            status=_text(data, "status") or "running",
            agent=_optional_str(data, "agent"),
            model=_optional_str(data, "model"),
            cost_usd=cost,
            tokens=token_counts,
            trajectory=_optional_str(data, "trajectory"),
            backend_session_ids=_strings(data.get("backend_session_ids"), "backend_session_ids"),
            started_at=ts_text(data.get("started_at")) or "",
            ended_at=ts_text(data.get("ended_at")),
            parent=_optional_str(data, "parent"),
            source=source,
        )


@dataclass(frozen=True)
class Problem:
    """Something ``autopilot doctor`` (or any listing) found wrong in the store."""

    #: malformed | duplicate_id | dangling_dependency | closed_dependency | expired_claim | dependency_cycle
    kind: str
    message: str
    path: str | None = None
    issue: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "path": self.path, "issue": self.issue}


def _check_keys(record: type, data: Mapping[str, Any]) -> None:
    """Refuse a key *record* (Issue, Project, Session) does not have: a misspelt ``acept:`` or
    ``depend_on:`` would otherwise be dropped silently, and the issue done without its checks or its
    dependencies (a session's ``trajectroy:`` would leave its run unnamed by ``replay`` and the UI)."""
    known = {f.name for f in fields(record)} - {"source"} | {"schema_version"}
    unknown = sorted(str(key) for key in data if key not in known)
    if unknown:
        raise InvalidIssueError(f"{unknown[0]}: unknown field (known: {', '.join(sorted(known))})")


def _text(data: Mapping[str, Any], name: str) -> str:
    """The text of field *name* ("" when absent); a list or mapping there (``title: [a, b]``, a
    hand edit gone wrong) is refused rather than saved as its Python spelling."""
    value = data.get(name)
    if value is None:
        return ""
    if isinstance(value, Mapping | list | tuple | set):
        raise InvalidIssueError(
            f"{name}: must be text, not a {'mapping' if isinstance(value, Mapping) else 'list'}"
        )
    return str(value)


def _optional_str(data: Mapping[str, Any], name: str) -> str | None:
    return _text(data, name) or None


def _list(value: Any, name: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable) or isinstance(value, Mapping):
        raise InvalidIssueError(f"{name}: must be a list, not {type(value).__name__}")
    return list(value)


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if isinstance(value, str):  # a person wrote `labels: bug`; accept it as one label
        return (value,) if value else ()
    return tuple(str(v) for v in _list(value, name) if v is not None and str(v) != "")


def _mapping(value: Any, name: str) -> Mapping[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidIssueError(f"{name}: must be a mapping, not {type(value).__name__}")
    return value


# ------------------------------------------------------------------------------------------------
# Validation and ids


def validate_issue(issue: Issue) -> None:
    """Raise InvalidIssueError naming the first field that is not allowed."""
    if not _ID_PATTERN.match(issue.id):
        raise InvalidIssueError(f"id: {issue.id!r} is not a valid issue id")
    if not issue.title.strip():
        raise InvalidIssueError("title: must not be empty")
    if issue.status not in STATUSES:
        raise InvalidIssueError(f"status: {issue.status!r} is not one of {', '.join(STATUSES)}")
    if issue.priority not in PRIORITIES:
        raise InvalidIssueError(f"priority: {issue.priority!r} is not one of {', '.join(PRIORITIES)}")
    if issue.id in issue.depends_on:
        raise DependencyCycleError([issue.id, issue.id])


def validate_project_name(name: str) -> None:
    if not _PROJECT_NAME.match(name):
        raise InvalidIssueError(
            f"name: {name!r} is not a valid project name (letters, digits, '.', '_', '-'; at most 64)"
        )


def validate_project(project: Project) -> None:
    """Raise InvalidIssueError naming the first field of *project* that is not allowed."""
    validate_project_name(project.name)
    if project.max_budget_usd is not None and not project.max_budget_usd > 0:
        # Every run of the project's issues would be refused, blaming a --max-budget nobody gave.
        raise InvalidIssueError(f"max_budget_usd: must be more than 0 USD (got {project.max_budget_usd:g})")


def new_issue_id(length: int = ID_LENGTH) -> str:
    """A short random id: 8 base32 characters = 40 bits, so clones never need to coordinate.

    Two clones each creating 10,000 issues collide with probability about 1e-4; the store also refuses
    to overwrite an existing file, so a collision inside one clone just draws again.
    """
    import secrets  # it loads OpenSSL (hmac, hashlib): ~3 ms that only creating an issue needs

    return "".join(secrets.choice(ID_ALPHABET) for _ in range(length))


# ------------------------------------------------------------------------------------------------
# Ready ordering, claims, dependency cycles (pure)

PRIORITY_RANK: Final = {name: rank for rank, name in enumerate(PRIORITIES)}


def claim_active(issue: Issue, now: dt.datetime) -> bool:
    """True when the issue carries a claim whose lease has not yet expired."""
    if issue.claim is None:
        return False
    expires = parse_ts(issue.claim.expires)
    return expires is not None and expires > now


def ready_sort_key(issue: Issue) -> tuple[int, str, str]:
    """Priority first (urgent before low), then age (oldest first), then id for a total order."""
    return (PRIORITY_RANK.get(issue.priority, len(PRIORITIES)), issue.created, issue.id)


def is_ready(issue: Issue, status_of: Mapping[str, str], now: dt.datetime) -> bool:
    """Open (or in progress with an expired lease), unclaimed, and every dependency done."""
    if issue.status not in ("open", "in_progress"):
        return False
    if claim_active(issue, now):
        return False
    if issue.status == "in_progress" and issue.claim is None:
        return False  # a person marked it in progress by hand without claiming it
    return all(status_of.get(dep) == "done" for dep in issue.depends_on)


def ready_issues(
    issues: Iterable[Issue], now: dt.datetime | None = None, status_of: Mapping[str, str] | None = None
) -> list[Issue]:
    """The issues an agent may start now, in the order it should take them.

    *status_of* maps every known issue id to its status (default: built from *issues*).
    """
    issues = list(issues)
    now = now or now_utc()
    if status_of is None:
        status_of = {issue.id: issue.status for issue in issues}
    return sorted((i for i in issues if is_ready(i, status_of, now)), key=ready_sort_key)


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A dependency cycle in *graph* (id -> ids it depends on) as ``[a, b, ..., a]``, or None.

    Iterative depth-first search, so 10,000-issue chains do not hit the recursion limit.
    """
    white, grey, black = 0, 1, 2
    colour: dict[str, int] = {}
    for root in sorted(graph):
        if colour.get(root, white) != white:
            continue
        stack: list[tuple[str, Any]] = [(root, iter(sorted(graph.get(root, ()))))]
        path = [root]
        colour[root] = grey
        while stack:
            node, children = stack[-1]
            for child in children:
                state = colour.get(child, white)
                if state == grey:
                    return [*path[path.index(child) :], child]
                if state == white and child in graph:
                    colour[child] = grey
                    path.append(child)
                    stack.append((child, iter(sorted(graph.get(child, ())))))
                    break
            else:
                colour[node] = black
                stack.pop()
                path.pop()
    return None


def check_dependencies(issues: Iterable[Issue], issue_id: str, depends_on: Iterable[str]) -> None:
    """Raise if giving *issue_id* these dependencies would create a cycle or name a missing issue."""
    check_dependency_graph({issue.id: tuple(issue.depends_on) for issue in issues}, issue_id, depends_on)


def check_dependency_graph(
    graph: Mapping[str, Iterable[str]], issue_id: str, depends_on: Iterable[str]
) -> None:
    """:func:`check_dependencies` on a plain graph (id -> the ids it depends on)."""
    graph = {node: tuple(deps) for node, deps in graph.items()}
    deps = tuple(depends_on)
    missing = [dep for dep in deps if dep not in graph and dep != issue_id]
    if missing:
        raise IssueNotFoundError(f"depends_on: no issue {missing[0]!r}")
    graph[issue_id] = deps
    cycle = find_cycle(graph)
    if cycle is not None:
        if issue_id in cycle[:-1]:  # start the message at the issue being changed
            start = cycle.index(issue_id)
            cycle = [*cycle[start:-1], *cycle[:start], issue_id]
        raise DependencyCycleError(cycle)


#: Prefixes shorter than this never pick a record on their own (too easy to hit by a slip).
MIN_PREFIX: Final = 3
#: How many candidates an ambiguous-prefix error names before counting the rest.
MAX_CANDIDATES_SHOWN: Final = 10


def resolve_id(candidates: Iterable[str], wanted: str) -> str:
    """The full id matching *wanted* exactly or as a unique prefix (like git's short hashes).

    Works for any kind of id (issues, sessions' run ids). Raises :class:`AmbiguousIdError` naming the
    candidates when the prefix matches several ids, or is shorter than :data:`MIN_PREFIX` characters,
    and :class:`IssueNotFoundError` when it matches none.
    """
    ids = set(candidates)
    if wanted in ids:
        return wanted
    matches = sorted(i for i in ids if i.startswith(wanted)) if wanted else []
    if len(matches) == 1 and len(wanted) >= MIN_PREFIX:
        return matches[0]
    if len(matches) == 1:
        raise AmbiguousIdError(
            f"id {wanted!r} is too short (at least {MIN_PREFIX} characters): it matches {matches[0]}"
        )
    if matches:
        shown = ", ".join(matches[:MAX_CANDIDATES_SHOWN])
        more = len(matches) - MAX_CANDIDATES_SHOWN
        rest = f" and {more} more" if more > 0 else ""
        raise AmbiguousIdError(f"id {wanted!r} is ambiguous: it matches {shown}{rest} (give more characters)")
    raise IssueNotFoundError(f"no issue {wanted!r} (see `autopilot issue list`)")


def dependency_problems(issues: Sequence[Issue], now: dt.datetime | None = None) -> list[Problem]:
    """Store-independent doctor checks: duplicate ids, dangling depends_on, unfinished issues waiting on
    a closed one, expired claims, cycles."""
    now = now or now_utc()
    problems: list[Problem] = []
    seen: dict[str, Issue] = {}
    for issue in issues:
        if issue.id in seen:
            problems.append(
                Problem(
                    "duplicate_id",
                    f"issue id {issue.id!r} is used by {seen[issue.id].source} and {issue.source}",
                    issue.source,
                    issue.id,
                )
            )
        else:
            seen[issue.id] = issue
    for issue in issues:
        for dep in issue.depends_on:
            if dep not in seen:
                problems.append(
                    Problem(
                        "dangling_dependency",
                        f"issue {issue.id} depends on {dep!r}, which does not exist",
                        issue.source,
                        issue.id,
                    )
                )
            elif seen[dep].status == "closed" and issue.status not in FINISHED:
                # Only `done` satisfies a dependency: this issue would wait for ever, never ready.
                problems.append(
                    Problem(
                        "closed_dependency",
                        f"issue {issue.id} waits on {dep}, which is closed, so it will never be ready "
                        f"(`autopilot issue edit {issue.id} --remove-depends-on {dep}`, or reopen {dep})",
                        issue.source,
                        issue.id,
                    )
                )
        if issue.claim is not None and not claim_active(issue, now) and issue.status == "in_progress":
            problems.append(
                Problem(
                    "expired_claim",
                    f"issue {issue.id}: claim by {issue.claim.holder} expired at {issue.claim.expires} "
                    f"(recover with `autopilot issue release {issue.id}`)",
                    issue.source,
                    issue.id,
                )
            )
    cycle = find_cycle({i.id: tuple(i.depends_on) for i in seen.values()})
    if cycle:
        problems.append(
            Problem("dependency_cycle", f"dependency cycle: {' -> '.join(cycle)}", None, cycle[0])
        )
    return problems


def with_event(issue: Issue, event: Event, **changes: Any) -> Issue:
    """A copy of *issue* with *event* appended and ``updated`` set to the event's time."""
    return replace(issue, events=(*issue.events, event), updated=event.at, **changes)


def default_holder(path: Path | str | None = None) -> str:
    """Who acts when nobody says: ``Name <email>`` as git would sign a commit in *path* (the working
    directory by default; see :func:`autopilot.core.git.identity`), else ``unknown``.

    It is written into committed files, so it is what the commit itself shows, never the login or the
    host name of the machine.
    """
    from autopilot.core.git import identity

    return identity(path or Path.cwd()) or "unknown"


def claim_issue(
    issue: Issue,
    *,
    holder: str,
    run_id: str | None,
    lease_seconds: float,
    now: dt.datetime,
    status_of: Mapping[str, str],
) -> Issue:
    """The issue claimed by *holder*/*run_id*, or the error that forbids it.

    A live claim by someone else is a conflict (exit code 3); the same run claiming again just renews.
    An expired claim is taken over, and the event names the previous holder.
    """
    if issue.status in FINISHED or issue.status == "blocked":
        raise IssueStateError(f"issue {issue.id} is {issue.status}; reopen it before claiming")
    previous = issue.claim
    if claim_active(issue, now) and previous is not None:
        same = previous.run_id == run_id if (previous.run_id or run_id) else previous.holder == holder
        if not same:
            raise ClaimConflictError(
                f"issue {issue.id} is already claimed by {previous.holder}"
                + (f" (run {previous.run_id})" if previous.run_id else "")
                + f" until {previous.expires}; try another issue or `autopilot issue release {issue.id}`"
            )
    waiting = [dep for dep in issue.depends_on if status_of.get(dep) != "done"]
    if waiting:
        dep = waiting[0]
        raise IssueStateError(
            f"issue {issue.id} waits on {dep} ({status_of.get(dep, 'missing')}); "
            "finish its dependencies first"
        )
    expires = format_ts(now + dt.timedelta(seconds=lease_seconds))
    data: dict[str, Any] = {"run_id": run_id, "expires": expires}
    if previous is not None and previous.holder != holder and not claim_active(issue, now):
        data["took_over_from"] = previous.holder
    event = Event(at=format_ts(now), kind="claimed", by=holder, data=data)
    return with_event(issue, event, status="in_progress", claim=Claim(holder, run_id, expires))


def renew_issue_claim(issue: Issue, *, run_id: str | None, lease_seconds: float, now: dt.datetime) -> Issue:
    """The issue with its lease extended; the claim must still belong to *run_id*.

    Renewals are not events (they would flood the history); only ``updated`` and the expiry change.
    """
    if issue.claim is None or issue.claim.run_id != run_id or issue.status != "in_progress":
        holder = issue.claim.holder if issue.claim else "nobody"
        raise ClaimConflictError(
            f"issue {issue.id}: the claim of run {run_id} was lost (now held by {holder})"
        )
    expires = format_ts(now + dt.timedelta(seconds=lease_seconds))
    return replace(issue, claim=replace(issue.claim, expires=expires), updated=format_ts(now))


#: event kind written for each status a person or the runner moves an issue to
STATUS_EVENTS: Final = {
    "open": "reopened",
    "in_progress": "started",
    "blocked": "blocked",
    "done": "completed",
    "closed": "closed",
}


def change_status(
    issue: Issue,
    status: str,
    *,
    by: str,
    now: dt.datetime,
    reason: str | None = None,
    run_id: str | None = None,
    data: Mapping[str, Any] | None = None,
    kind: str | None = None,
) -> Issue:
    """The issue moved to *status* with its claim dropped and one event recording who, why and which run."""
    if status not in STATUSES:
        raise InvalidIssueError(f"status: {status!r} is not one of {', '.join(STATUSES)}")
    event_data: dict[str, Any] = {}
    if run_id:
        event_data["run_id"] = run_id
    if reason:
        event_data["reason"] = reason
    if issue.claim is not None and status != "in_progress":
        event_data.setdefault("released_claim", issue.claim.holder)
    event_data.update(data or {})
    event = Event(at=format_ts(now), kind=kind or STATUS_EVENTS[status], by=by, data=event_data)
    return with_event(issue, event, status=status, claim=None if status != "in_progress" else issue.claim)


# ------------------------------------------------------------------------------------------------
# The contract


class IssueStore(abc.ABC):
    """Where issues, projects and sessions live. Selected through the ``store_select`` hook.

    Every method that changes state is atomic with respect to other processes on the same machine,
    saves before returning, and (depending on ``config.commit`` and ``config.commit_policy``) commits
    or stages the change.
    Reading never fails because one record is malformed: such records are skipped and reported in
    :attr:`problems`.
    """

    #: Short name (``yaml``) shown by ``autopilot doctor``.
    name: str = ""

    def __init__(self) -> None:
        #: Records that could not be read during the last listing (malformed files, newer schema).
        self.problems: list[Problem] = []
        #: Non-fatal trouble while saving (e.g. a commit that failed); the CLI prints them as warnings.
        self.warnings: list[str] = []

    # issues
    @abc.abstractmethod
    def list_issues(self) -> list[Issue]:
        """Every readable issue (malformed ones are in :attr:`problems`)."""

    @abc.abstractmethod
    def get_issue(self, issue_id: str) -> Issue:
        """The issue with this id or unique id prefix; raises IssueNotFoundError or MalformedFileError."""

    @abc.abstractmethod
    def create_issue(
        self,
        title: str,
        *,
        body: str = "",
        priority: str = "medium",
        labels: Sequence[str] = (),
        depends_on: Sequence[str] = (),
        accept: Sequence[str] = (),
        project: str | None = None,
        by: str | None = None,
    ) -> Issue:
        """Create and save a new open issue; raises DependencyCycleError / IssueNotFoundError."""

    @abc.abstractmethod
    def update_issue(self, issue_id: str, changes: Mapping[str, Any], *, event: Event | None = None) -> Issue:
        """Apply field *changes* (and append *event*) under the issue's lock; validates before saving."""

    @abc.abstractmethod
    def claim(
        self, issue_id: str, *, holder: str, run_id: str | None, lease_seconds: float = DEFAULT_LEASE_SECONDS
    ) -> Issue:
        """Claim an issue atomically; raises ClaimConflictError if another live claim holds it."""

    @abc.abstractmethod
    def renew_claim(
        self, issue_id: str, *, run_id: str | None, lease_seconds: float = DEFAULT_LEASE_SECONDS
    ) -> Issue:
        """Extend the lease of the caller's own claim; raises ClaimConflictError if it was lost."""

    @abc.abstractmethod
    def release(self, issue_id: str, *, by: str, reason: str | None = None) -> Issue:
        """Drop any claim and put the issue back to open (recovers a crashed run's claim)."""

    @abc.abstractmethod
    def set_status(
        self,
        issue_id: str,
        status: str,
        *,
        by: str,
        reason: str | None = None,
        run_id: str | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> Issue:
        """Move the issue to *status*, clearing its claim, with an event (``completed``, ``blocked``...)."""

    @abc.abstractmethod
    def add_event(self, issue_id: str, kind: str, *, by: str | None = None, **data: Any) -> Issue:
        """Append one event to the issue's history."""

    def ready(self, now: dt.datetime | None = None) -> list[Issue]:
        """Ready issues in work order (see :func:`ready_issues`)."""
        return ready_issues(self.list_issues(), now)

    # projects
    @abc.abstractmethod
    def list_projects(self) -> list[Project]: ...

    @abc.abstractmethod
    def get_project(self, name: str) -> Project: ...

    @abc.abstractmethod
    def save_project(self, project: Project, *, create: bool = False) -> Project: ...

    @abc.abstractmethod
    def remove_project(self, name: str) -> None: ...

    # sessions
    @abc.abstractmethod
    def list_sessions(self, *, project: str | None = None, issue: str | None = None) -> list[Session]: ...

    @abc.abstractmethod
    def get_session(self, run_id: str) -> Session:
        """The session with this run id or unique run id prefix (see :func:`resolve_id`); raises
        IssueNotFoundError (none), AmbiguousIdError (several, named) or MalformedFileError."""

    @abc.abstractmethod
    def save_session(self, session: Session) -> Session: ...

    # git
    def record_paths(self) -> tuple[Path, ...]:
        """Where in the repository the store keeps its records (directories or files), if it does.

        With ``commit_policy: per-issue`` the queue commits what changed there during an issue's run
        (the issue's new state, its session, issues the agent filed) together with the issue's work.
        A store that keeps nothing in the repository returns ``()`` (the default).
        """
        return ()

    # health
    def doctor(self) -> list[Problem]:
        """Everything wrong with the store: malformed files plus :func:`dependency_problems`."""
        issues = self.list_issues()
        return [*self.problems, *dependency_problems(issues)]


# ------------------------------------------------------------------------------------------------
# Where projects live (so ``run --project NAME`` works from any directory)


def _registry_path() -> Path:
    from autopilot.core.processes import autopilot_home

    return autopilot_home() / "projects.json"


def remember_project(name: str, project_dir: Path) -> None:
    """Record that project *name* lives in the repository at *project_dir* (best effort)."""
    path = _registry_path()
    try:
        known = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        if not isinstance(known, dict):
            known = {}
        known[name] = str(Path(project_dir).resolve())
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(known, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass  # only a convenience; `cd` into the repository always works


def forget_project(name: str) -> None:
    path = _registry_path()
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(known, dict) and known.pop(name, None) is not None:
            path.write_text(json.dumps(known, indent=2, sort_keys=True), encoding="utf-8")
    except (OSError, ValueError):
        pass


def project_location(name: str) -> Path | None:
    """The repository holding project *name*, as recorded by :func:`remember_project`."""
    try:
        known = json.loads(_registry_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = known.get(name) if isinstance(known, dict) else None
    return (
        Path(value)
        if value and (Path(value) / ".autopilot" / "projects" / f"{name}.yaml").is_file()
        else None
    )
