"""The store contract's pure rules: ready ordering, claims, cycles, ids, models, doctor checks."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autopilot.core.errors import ExitCode
from autopilot.core.issues import (
    ID_ALPHABET,
    PRIORITIES,
    PRIORITY_RANK,
    STATUSES,
    AmbiguousIdError,
    Claim,
    ClaimConflictError,
    DependencyCycleError,
    Event,
    InvalidIssueError,
    Issue,
    IssueNotFoundError,
    IssueStateError,
    Project,
    Session,
    change_status,
    check_dependencies,
    claim_active,
    claim_issue,
    dependency_problems,
    find_cycle,
    format_ts,
    new_issue_id,
    ready_issues,
    renew_issue_claim,
    resolve_id,
)

NOW = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def _ts(minutes: int) -> str:
    return format_ts(NOW + dt.timedelta(minutes=minutes))


def _issue(issue_id: str, **kwargs: object) -> Issue:
    kwargs.setdefault("created", _ts(0))
    return Issue(id=issue_id, title=f"do {issue_id}", **kwargs)  # type: ignore[arg-type]


texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@st.composite
def issue_sets(draw: st.DrawFn) -> list[Issue]:
    count = draw(st.integers(1, 12))
    ids = [f"i{n:02d}" for n in range(count)]
    issues = []
    for index, issue_id in enumerate(ids):
        # Dependencies only on earlier issues, so the set is acyclic.
        deps = draw(st.lists(st.sampled_from(ids[:index]), unique=True, max_size=3)) if index else []
        claim = draw(
            st.one_of(
                st.none(),
                st.builds(Claim, st.just("someone"), st.just("run"), st.integers(-60, 60).map(_ts)),
            )
        )
        issues.append(
            _issue(
                issue_id,
                status=draw(st.sampled_from(STATUSES)),
                priority=draw(st.sampled_from(PRIORITIES)),
                created=_ts(draw(st.integers(-1000, 0))),
                depends_on=tuple(deps),
                claim=claim,
            )
        )
    return issues


@given(issue_sets())
def test_ready_issues_are_startable_and_ordered_by_priority_then_age(issues: list[Issue]) -> None:
    """Ready = open (or expired claim), unclaimed, dependencies done; urgent first, then oldest."""
    status_of = {i.id: i.status for i in issues}

    ready = ready_issues(issues, NOW)
    keys = [(PRIORITY_RANK[i.priority], i.created, i.id) for i in ready]

    assert keys == sorted(keys)
    for issue in ready:
        assert issue.status in ("open", "in_progress")
        assert not claim_active(issue, NOW)
        assert all(status_of[d] == "done" for d in issue.depends_on)
    for issue in issues:
        startable = (
            issue.status == "open"
            and not claim_active(issue, NOW)
            and all(status_of[d] == "done" for d in issue.depends_on)
        )
        if startable:
            assert issue in ready


def test_expired_claim_makes_an_in_progress_issue_ready_again() -> None:
    """A crashed run's claim stops blocking the issue once its lease expires."""
    stale = _issue("a", status="in_progress", claim=Claim("ghost", "r1", _ts(-1)))
    live = _issue("b", status="in_progress", claim=Claim("alive", "r2", _ts(5)))

    assert [i.id for i in ready_issues([stale, live], NOW)] == ["a"]


@st.composite
def dags(draw: st.DrawFn) -> dict[str, tuple[str, ...]]:
    count = draw(st.integers(1, 15))
    ids = [f"n{n}" for n in range(count)]
    return {
        node: tuple(draw(st.lists(st.sampled_from(ids[:i]), unique=True, max_size=3)) if i else ())
        for i, node in enumerate(ids)
    }


@given(dags())
def test_acyclic_graphs_have_no_cycle(graph: dict[str, tuple[str, ...]]) -> None:
    """Dependencies that only point backwards never form a cycle."""
    assert find_cycle(graph) is None


@given(dags(), st.data())
def test_a_back_edge_is_found_as_a_real_cycle(graph: dict[str, tuple[str, ...]], data: st.DataObject) -> None:
    """An edge closing a loop is detected, and the reported path follows real edges back to its start."""
    target = data.draw(st.sampled_from(sorted(graph)))
    # Every node that (transitively) depends on target, target itself included, closes a loop.
    closer = data.draw(st.sampled_from(sorted(n for n in graph if _reaches(graph, n, target))))
    graph = {**graph, target: (*graph[target], closer)}

    cycle = find_cycle(graph)

    assert cycle is not None and cycle[0] == cycle[-1]
    assert all(b in graph[a] for a, b in itertools.pairwise(cycle))


def _reaches(graph: dict[str, tuple[str, ...]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return False


def test_dependency_cycle_is_rejected_with_the_cycle_named() -> None:
    """Making a depend on b when b already depends on a is refused, naming the loop."""
    issues = [_issue("aaa"), _issue("bbb", depends_on=("aaa",))]

    with pytest.raises(DependencyCycleError) as caught:
        check_dependencies(issues, "aaa", ["bbb"])

    assert "dependency cycle: aaa -> bbb -> aaa" in str(caught.value)
    assert caught.value.exit_code == ExitCode.BAD_INPUT


def test_dependency_on_a_missing_issue_is_rejected() -> None:
    """A depends_on naming no issue is an error, not a silent forever-wait."""
    with pytest.raises(IssueNotFoundError, match="no issue 'zzz'"):
        check_dependencies([_issue("aaa")], "aaa", ["zzz"])


def test_long_dependency_chain_does_not_recurse() -> None:
    """A 5,000-issue chain is checked without hitting Python's recursion limit."""
    graph = {f"n{i}": ((f"n{i - 1}",) if i else ()) for i in range(5000)}
    graph["n0"] = ("n4999",)

    cycle = find_cycle(graph)

    assert cycle is not None and len(cycle) == 5001


def test_claim_by_someone_else_conflicts_with_exit_code_3() -> None:
    """A live claim cannot be taken; the error says who holds it and how to recover."""
    issue = _issue("abc", status="in_progress", claim=Claim("alice@box", "r1", _ts(10)))

    with pytest.raises(ClaimConflictError) as caught:
        claim_issue(issue, holder="bob@box", run_id="r2", lease_seconds=60, now=NOW, status_of={})

    assert caught.value.exit_code == ExitCode.CONFLICT == 3
    assert "already claimed by alice@box (run r1)" in str(caught.value)
    assert "autopilot issue release abc" in str(caught.value)


def test_expired_claim_is_taken_over_and_recorded() -> None:
    """After the lease runs out, a new claimant wins and the event names the previous holder."""
    issue = _issue("abc", status="in_progress", claim=Claim("alice@box", "r1", _ts(-1)))

    claimed = claim_issue(issue, holder="bob@box", run_id="r2", lease_seconds=60, now=NOW, status_of={})

    assert claimed.claim == Claim("bob@box", "r2", _ts(1))
    assert claimed.events[-1].data["took_over_from"] == "alice@box"


def test_claim_waits_for_dependencies() -> None:
    """An issue whose dependency is not done cannot be claimed."""
    issue = _issue("abc", depends_on=("dep",))

    with pytest.raises(IssueStateError, match="waits on dep"):
        claim_issue(issue, holder="me", run_id=None, lease_seconds=60, now=NOW, status_of={"dep": "open"})


def test_done_issue_cannot_be_claimed() -> None:
    """Claiming a finished issue is refused until it is reopened."""
    with pytest.raises(IssueStateError, match="reopen"):
        claim_issue(
            _issue("abc", status="done"), holder="me", run_id=None, lease_seconds=60, now=NOW, status_of={}
        )


def test_renew_extends_own_lease_and_refuses_a_lost_claim() -> None:
    """A run renews only its own claim; if another run took it, renewal raises a conflict."""
    issue = _issue("abc", status="in_progress", claim=Claim("me", "r1", _ts(1)))

    renewed = renew_issue_claim(issue, run_id="r1", lease_seconds=600, now=NOW)

    assert renewed.claim is not None and renewed.claim.expires == _ts(10)
    assert renewed.events == issue.events
    with pytest.raises(ClaimConflictError):
        renew_issue_claim(issue, run_id="r9", lease_seconds=600, now=NOW)


def test_status_change_drops_the_claim_and_records_why() -> None:
    """Completing or blocking an issue releases its claim and appends one event with the reason."""
    issue = _issue("abc", status="in_progress", claim=Claim("me", "r1", _ts(5)))

    blocked = change_status(issue, "blocked", by="me", now=NOW, reason="needs a key", run_id="r1")

    assert (blocked.status, blocked.claim) == ("blocked", None)
    assert blocked.events[-1] == Event(
        _ts(0), "blocked", "me", {"run_id": "r1", "reason": "needs a key", "released_claim": "me"}
    )
    assert blocked.updated == _ts(0)


issue_strategy = st.builds(
    Issue,
    id=st.text(ID_ALPHABET, min_size=8, max_size=8),
    title=texts.filter(lambda t: t.strip() != ""),
    body=texts,
    status=st.sampled_from(STATUSES),
    priority=st.sampled_from(PRIORITIES),
    labels=st.lists(texts.filter(bool), max_size=3).map(tuple),
    project=st.none() | st.just("web"),
    depends_on=st.just(()),
    accept=st.lists(texts.filter(bool), max_size=2).map(tuple),
    claim=st.none() | st.builds(Claim, texts.filter(bool), st.none() | st.just("r1"), st.just(_ts(3))),
    created=st.just(_ts(0)),
    updated=st.just(_ts(1)),
    events=st.lists(
        st.builds(
            Event,
            st.just(_ts(0)),
            st.sampled_from(["created", "note"]),
            st.none() | st.just("me"),
            st.dictionaries(st.sampled_from(["reason", "cost_usd"]), texts, max_size=2),
        ),
        max_size=3,
    ).map(tuple),
)


@given(issue_strategy)
def test_issue_round_trips_through_plain_data(issue: Issue) -> None:
    """Issue.from_dict(issue.to_dict()) gives back the same issue."""
    assert Issue.from_dict(issue.to_dict()) == issue


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("status", "doing", "status: 'doing' is not one of"),
        ("priority", "p0", "priority: 'p0' is not one of"),
        ("title", "  ", "title: must not be empty"),
        ("labels", {"a": 1}, "labels: must be a list"),
        ("title", ["a", "b"], "title: must be text, not a list"),
        ("project", {"name": "web"}, "project: must be text, not a mapping"),
        ("depend_on", ["abc"], r"depend_on: unknown field \(known: accept, body, "),
    ],
)
def test_invalid_field_is_named(field: str, value: object, message: str) -> None:
    """A bad field value raises an error naming the field and what is allowed."""
    data = {**_issue("abc").to_dict(), field: value}

    with pytest.raises(InvalidIssueError, match=message):
        Issue.from_dict(data)


def test_project_and_session_round_trip() -> None:
    """Projects and sessions survive to_dict/from_dict unchanged."""
    project = Project("web", "the site", "claude", "sonnet", 2.5, "web/", _ts(0))
    session = Session(
        "r1",
        "abc",
        "web",
        "success",
        "claude",
        "m",
        0.25,
        {"input_tokens": 5},
        "docs/logs/x.json",
        ("s1",),
        _ts(0),
        _ts(1),
        None,
    )

    assert Project.from_dict(project.to_dict()) == project
    assert Session.from_dict(session.to_dict()) == session


def test_new_ids_are_short_distinct_and_readable() -> None:
    """Ids are 8 characters of unambiguous base32; 10,000 of them never repeat."""
    ids = {new_issue_id() for _ in range(10_000)}

    assert len(ids) == 10_000
    assert all(len(i) == 8 and set(i) <= set(ID_ALPHABET) for i in ids)


def test_ids_resolve_by_unique_prefix() -> None:
    """A unique prefix of three or more characters finds the issue; an unknown one is not found."""
    ids = ["abcd1234", "abce5678", "zzzz0000"]

    assert resolve_id(ids, "zzz") == "zzzz0000"
    with pytest.raises(IssueNotFoundError, match="no issue 'qqq'"):
        resolve_id(ids, "qqq")


@pytest.mark.parametrize("prefix", ["abc", "ab", "a"])
def test_an_ambiguous_prefix_names_every_candidate(prefix: str) -> None:
    """A prefix matching several ids, however short, says it is ambiguous and lists them all."""
    ids = ["abcd1234", "abce5678", "abcf9999", "zzzz0000"]

    with pytest.raises(AmbiguousIdError) as raised:
        resolve_id(ids, prefix)

    assert str(raised.value) == (
        f"id {prefix!r} is ambiguous: it matches abcd1234, abce5678, abcf9999 (give more characters)"
    )


def test_a_long_candidate_list_is_cut_with_a_count() -> None:
    """Beyond ten candidates the message names the first ten and counts the rest."""
    ids = [f"2026{n:04d}" for n in range(25)]

    with pytest.raises(AmbiguousIdError, match=r"20260009 and 15 more \(give more characters\)$"):
        resolve_id(ids, "2026")


def test_a_too_short_unique_prefix_names_its_match() -> None:
    """A one- or two-character prefix is refused even when unique, naming the id it would match."""
    with pytest.raises(AmbiguousIdError) as raised:
        resolve_id(["abcd1234", "zzzz0000"], "ab")

    assert str(raised.value) == "id 'ab' is too short (at least 3 characters): it matches abcd1234"


def test_doctor_names_an_issue_that_waits_on_a_closed_one() -> None:
    """An open issue depending on a closed one can never become ready: doctor says so and how to
    fix it; a finished dependent is no problem."""
    issues = [
        _issue("won", status="closed"),
        _issue("wait", depends_on=("won",)),
        _issue("over", status="done", depends_on=("won",)),
    ]

    problems = dependency_problems(issues, NOW)

    assert [(p.kind, p.issue) for p in problems] == [("closed_dependency", "wait")]
    assert "never be ready" in problems[0].message and "--remove-depends-on won" in problems[0].message


def test_doctor_rules_find_duplicates_dangling_dependencies_expired_claims() -> None:
    """The store-independent checks report each problem once with the issue it concerns."""
    issues = [
        replace(_issue("aaa"), source="a.yaml"),
        replace(_issue("aaa"), source="copy.yaml"),
        _issue("bbb", depends_on=("gone",)),
        _issue("ccc", status="in_progress", claim=Claim("ghost", "r", _ts(-5))),
    ]

    problems = dependency_problems(issues, NOW)

    assert sorted((p.kind, p.issue) for p in problems) == [
        ("dangling_dependency", "bbb"),
        ("duplicate_id", "aaa"),
        ("expired_claim", "ccc"),
    ]


def test_failed_attempts_count_resets_when_reopened() -> None:
    """Failed acceptance runs are counted since the last reopen (for blocking after N failures)."""
    events = tuple(
        Event(_ts(i), kind)
        for i, kind in enumerate(["acceptance_failed", "reopened", "acceptance_failed", "acceptance_failed"])
    )

    assert _issue("abc", events=events).failed_attempts == 2
