"""The YAML issue store: round-trips, comments kept, redaction, atomic claims, commits, cache, merges."""

from __future__ import annotations

import json
import os
import random
import string
import subprocess
import sys
import time
from pathlib import Path

import git
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autopilot import hookimpl
from autopilot.core.config import load_config
from autopilot.core.hooks import Hooks
from autopilot.core.issues import (
    PRIORITIES,
    ClaimConflictError,
    DependencyCycleError,
    IssueStore,
    MalformedFileError,
    Project,
    Session,
    ready_issues,
)
from autopilot.core.pluginmanager import make_plugin_manager
from autopilot.plugins.store_yaml.store import YamlStore, load_plain, merge_documents

ROOT = Path(__file__).resolve().parents[2]


def _store(
    hooks: Hooks, commit: str = "off", project_dir: Path | None = None, policy: str = "per-change"
) -> YamlStore:
    return YamlStore(
        project_dir or Path.cwd(), redact=lambda text: hooks.redact(text=text), commit=commit, policy=policy
    )


def _secret() -> str:
    return "ghp_" + "".join(random.choices(string.ascii_letters + string.digits, k=36))


def test_hook_store_select(hooks: Hooks) -> None:
    """The YAML store is the default; a plugin returning its own store takes precedence."""

    class OtherStore(YamlStore):
        name = "other"

    class Plugin:
        @hookimpl
        def store_select(self, config: object) -> IssueStore:
            return OtherStore(Path.cwd())

    config = load_config(Path.cwd())
    custom = Hooks(make_plugin_manager(load_local=False, extra_plugins=[("other", Plugin())]))

    assert type(hooks.store_select(config=config)) is YamlStore
    assert custom.store_select(config=config).name == "other"


plain_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\x85\u2028\u2029"), max_size=60
)
multiline = st.lists(plain_text, min_size=1, max_size=4).map("\n".join)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=25)
@given(
    title=plain_text.filter(lambda t: t.strip() != ""),
    body=st.one_of(plain_text, multiline),
    labels=st.lists(plain_text.filter(lambda t: t.strip() != ""), max_size=3),
    priority=st.sampled_from(PRIORITIES),
    accept=st.lists(plain_text.filter(bool), max_size=2),
)
def test_issue_round_trips_through_yaml(
    hooks: Hooks, title: str, body: str, labels: list[str], priority: str, accept: list[str]
) -> None:
    """Whatever text an issue holds, reading its file back gives the same issue."""
    store = _store(hooks)

    created = store.create_issue(title, body=body, labels=labels, priority=priority, accept=accept)
    loaded = store.get_issue(created.id)

    assert loaded == created
    assert loaded.body.rstrip("\n") == body.rstrip("\n")


comment_text = (
    st.text(string.ascii_letters + string.digits + " .,:-", min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=20)
@given(top=comment_text, inline=comment_text, new_title=comment_text)
def test_comments_and_key_order_survive_edits(hooks: Hooks, top: str, inline: str, new_title: str) -> None:
    """A person's comments and key order are kept through edits, claims and completion."""
    store = _store(hooks)
    issue = store.create_issue("original")
    path = store.issue_path(issue.id)
    lines = path.read_text().splitlines()
    lines.insert(0, f"# {top}")
    lines = [f"{line}  # {inline}" if line.startswith("priority:") else line for line in lines]
    path.write_text("\n".join(lines) + "\n")
    keys_before = [line.split(":")[0] for line in lines if line and not line.startswith((" ", "#"))]

    store.update_issue(issue.id, {"title": new_title, "labels": ["x"]})
    store.claim(issue.id, holder="me", run_id="r1")
    store.set_status(issue.id, "done", by="me")
    text = path.read_text()

    assert text.startswith(f"# {top}\n")
    assert f"# {inline}" in text
    assert [
        line.split(":")[0] for line in text.splitlines() if line and not line.startswith((" ", "#"))
    ] == keys_before
    assert store.get_issue(issue.id).title == " ".join(new_title.split())


def test_secrets_are_redacted_in_files_and_commit_messages(hooks: Hooks, git_repo: Path) -> None:
    """A token in a title or body never reaches the YAML file or the git history."""
    token = _secret()
    store = _store(hooks, commit="commit")

    issue = store.create_issue(f"rotate {token}", body=f"the key is {token}\nsecond line")
    text = store.issue_path(issue.id).read_text()
    log = git.Repo(git_repo).git.log("-p")

    assert token not in text and "[REDACTED:github_token]" in text
    assert token not in log


def test_commits_carry_trailers_and_only_store_files(hooks: Hooks, git_repo: Path) -> None:
    """Each change is one commit with Autopilot-Issue/Run trailers; a person's staged work stays staged."""
    repo = git.Repo(git_repo)
    (git_repo / "mine.txt").write_text("work in progress\n")
    repo.index.add(["mine.txt"])
    store = _store(hooks, commit="commit")

    issue = store.create_issue("fix the thing")
    store.claim(issue.id, holder="me", run_id="run-42")
    message = repo.head.commit.message

    assert message.startswith(f"autopilot: claim issue {issue.id}: fix the thing")
    assert f"Autopilot-Issue: {issue.id}" in message and "Autopilot-Run: run-42" in message
    assert [d.a_path for d in repo.index.diff("HEAD")] == ["mine.txt"]
    assert store.warnings == []


def test_per_issue_policy_stages_state_changes_for_the_next_commit(hooks: Hooks, git_repo: Path) -> None:
    """With the default `commit_policy: per-issue`, creating and claiming an issue makes no commit:
    the file is staged, to go in with the work (or the person's next commit)."""
    repo = git.Repo(git_repo)
    head = repo.head.commit.hexsha
    store = _store(hooks, commit="commit", policy="per-issue")

    issue = store.create_issue("staged, not committed")
    store.claim(issue.id, holder="me", run_id="run-42")

    assert repo.head.commit.hexsha == head
    assert [d.a_path for d in repo.index.diff("HEAD")] == [f".autopilot/issues/{issue.id}.yaml"]
    assert repo.index.diff(None) == []


def test_stage_mode_stages_without_committing(hooks: Hooks, git_repo: Path) -> None:
    """With `commit: stage` the change is staged for the person to commit."""
    repo = git.Repo(git_repo)
    head = repo.head.commit.hexsha
    store = _store(hooks, commit="stage")

    issue = store.create_issue("staged only")

    assert repo.head.commit.hexsha == head
    assert [d.a_path for d in repo.index.diff("HEAD")] == [f".autopilot/issues/{issue.id}.yaml"]


def test_writes_are_atomic_and_leave_no_temp_files(hooks: Hooks) -> None:
    """After many writes the issues directory holds exactly the issue files."""
    store = _store(hooks)
    ids = [store.create_issue(f"issue {n}").id for n in range(5)]
    for issue_id in ids:
        store.claim(issue_id, holder="me", run_id=None)

    assert sorted(p.name for p in store.issues_dir.iterdir()) == sorted(f"{i}.yaml" for i in ids)


def test_malformed_file_is_reported_with_line_and_left_untouched(hooks: Hooks) -> None:
    """A broken issue file is named with its line; other issues keep working; the file is not rewritten."""
    store = _store(hooks)
    good = store.create_issue("good one")
    bad = store.issues_dir / "broken1.yaml"
    broken = "schema_version: 1\nid: broken1\ntitle: [unclosed\nstatus: open\n"
    bad.write_text(broken)

    issues = store.list_issues()
    ready = store.ready()
    store.claim(good.id, holder="me", run_id=None)

    assert [i.id for i in issues] == [good.id]
    assert [i.id for i in ready] == [good.id]
    assert len(store.problems) == 1
    assert str(bad) in store.problems[0].message and ":4:" in store.problems[0].message
    assert bad.read_text() == broken
    with pytest.raises(MalformedFileError, match=r"broken1.yaml:4"):
        store.get_issue("broken1")


def test_invalid_field_and_newer_schema_are_reported(hooks: Hooks) -> None:
    """An unknown status or a newer schema_version is a named problem, not a crash."""
    store = _store(hooks)
    store.issues_dir.mkdir(parents=True)
    (store.issues_dir / "aaa11111.yaml").write_text("id: aaa11111\ntitle: t\nstatus: doing\n")
    (store.issues_dir / "bbb22222.yaml").write_text("schema_version: 99\nid: bbb22222\ntitle: t\n")

    assert store.list_issues() == []
    messages = sorted(p.message for p in store.problems)
    assert "status: 'doing' is not one of" in messages[0]
    assert "schema_version 99 is newer" in messages[1] and "upgrade git-autopilot" in messages[1]


def test_cache_sees_hand_edits_and_survives_corruption(hooks: Hooks) -> None:
    """The stat-keyed cache never hides an edit, and a damaged cache is rebuilt from the YAML."""
    store = _store(hooks)
    issue = store.create_issue("before")
    store.list_issues()
    path = store.issue_path(issue.id)
    path.write_text(path.read_text().replace("title: before", "title: after the edit"))
    cache = store.cache_dir / "issues.marshal"
    cache.write_bytes(b"\x00garbage")

    titles = [i.title for i in YamlStore(Path.cwd(), commit="off").list_issues()]
    again = [i.title for i in YamlStore(Path.cwd(), commit="off").list_issues()]

    assert titles == again == ["after the edit"]
    assert cache.read_bytes() != b"\x00garbage"
    assert (store.cache_dir / ".gitignore").read_text() == "*\n"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=15)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(PRIORITIES), st.sampled_from(["open", "claim", "done", "block"]), st.booleans()
        ),
        min_size=1,
        max_size=8,
    )
)
def test_cached_ready_matches_the_rule_on_full_issues(
    hooks: Hooks, plan: list[tuple[str, str, bool]]
) -> None:
    """The store's fast `ready` (decided on cached records) equals the pure rule applied to every issue."""
    import shutil

    shutil.rmtree(".autopilot", ignore_errors=True)
    store = _store(hooks)
    ids: list[str] = []
    for priority, action, depend in plan:
        issue = store.create_issue("t", priority=priority, depends_on=ids[-1:] if depend else [])
        ids.append(issue.id)
        if action == "claim" and not depend:
            store.claim(issue.id, holder="me", run_id=None)
        elif action == "done":
            store.set_status(issue.id, "done", by="me")
        elif action == "block":
            store.set_status(issue.id, "blocked", by="me", reason="r")

    fast = [i.id for i in YamlStore(Path.cwd(), commit="off").ready()]

    assert fast == [i.id for i in ready_issues(store.list_issues())]


def test_dependency_cycle_through_edit_is_rejected(hooks: Hooks) -> None:
    """Editing depends_on so two issues wait on each other fails and changes nothing."""
    store = _store(hooks)
    first = store.create_issue("first")
    second = store.create_issue("second", depends_on=[first.id])
    before = store.issue_path(first.id).read_text()

    with pytest.raises(DependencyCycleError, match=f"{first.id} -> {second.id} -> {first.id}"):
        store.update_issue(first.id, {"depends_on": [second.id]})

    assert store.issue_path(first.id).read_text() == before


def test_release_recovers_a_claim_and_reopen_counts(hooks: Hooks) -> None:
    """`release` puts a claimed issue back to open so another run can take it."""
    store = _store(hooks)
    issue = store.create_issue("work")
    store.claim(issue.id, holder="crashed", run_id="r1")

    released = store.release(issue.id, by="me", reason="run crashed")
    taken = store.claim(issue.id, holder="other", run_id="r2")

    assert released.status == "open" and released.claim is None
    assert released.events[-1].kind == "released" and released.events[-1].data["reason"] == "run crashed"
    assert taken.claim is not None and taken.claim.holder == "other"


def test_renew_claim_extends_the_lease_without_an_event(hooks: Hooks) -> None:
    """A live run keeps its claim alive; the history does not grow with every renewal."""
    store = _store(hooks)
    issue = store.create_issue("long job")
    claimed = store.claim(issue.id, holder="me", run_id="r1", lease_seconds=5)

    renewed = store.renew_claim(issue.id, run_id="r1", lease_seconds=3600)

    assert renewed.claim is not None and claimed.claim is not None
    assert renewed.claim.expires > claimed.claim.expires
    assert len(store.get_issue(issue.id).events) == len(claimed.events)
    with pytest.raises(ClaimConflictError):
        store.renew_claim(issue.id, run_id="someone-else")


def test_projects_and_sessions_are_files(hooks: Hooks) -> None:
    """Projects and sessions are saved, listed, viewed and removed as YAML files."""
    store = _store(hooks)
    store.save_project(Project("web", "the site", model="sonnet", max_budget_usd=2.0), create=True)
    store.save_session(Session("20260101T000000-abcd", issue="x1", project="web", status="running"))
    store.save_session(
        Session("20260101T000000-abcd", issue="x1", project="web", status="success", cost_usd=0.5)
    )

    assert [p.name for p in store.list_projects()] == ["web"]
    assert store.get_project("web").max_budget_usd == 2.0
    assert store.get_session("20260101T000000").status == "success"
    assert [s.cost_usd for s in store.list_sessions(project="web")] == [0.5]
    store.remove_project("web")
    assert store.list_projects() == []


def test_doctor_finds_store_problems(hooks: Hooks) -> None:
    """doctor names malformed files, dangling dependencies, expired claims and mismatched ids."""
    store = _store(hooks)
    issue = store.create_issue("a")
    store.claim(issue.id, holder="ghost", run_id="r", lease_seconds=-1)
    dep = store.create_issue("b", depends_on=[issue.id])
    path = store.issue_path(dep.id)
    path.write_text(path.read_text().replace(f"- {issue.id}", "- missing1"))
    (store.issues_dir / "copy1234.yaml").write_text(store.issue_path(issue.id).read_text())
    (store.issues_dir / "bad.yaml").write_text("title: [\n")

    kinds = sorted(p.kind for p in store.doctor())

    assert kinds == [
        "dangling_dependency",
        "duplicate_id",
        "expired_claim",
        "expired_claim",
        "malformed",
        "malformed",
    ]


# ------------------------------------------------------------------------------------------------
# Claims race: N processes, the same issues, exactly one winner each.

RACER = """
import json, sys, time
from pathlib import Path
from autopilot.core.issues import ClaimConflictError
from autopilot.plugins.store_yaml.store import YamlStore

root, start, ids, me = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3].split(","), sys.argv[4]
store = YamlStore(root, commit=sys.argv[5], policy="per-change")
while time.time() < start:
    time.sleep(0.001)
won, lost = [], []
for issue_id in ids:
    try:
        store.claim(issue_id, holder=me, run_id=me, lease_seconds=600)
        won.append(issue_id)
    except ClaimConflictError:
        lost.append(issue_id)
print(json.dumps({"won": won, "lost": lost, "warnings": store.warnings}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("commit", ["off", "commit"])
def test_concurrent_claims_have_exactly_one_winner(hooks: Hooks, git_repo: Path, commit: str) -> None:
    """8 processes claiming the same 6 issues at once: each issue is won exactly once, never twice."""
    store = _store(hooks, commit="commit")
    ids = [store.create_issue(f"race {n}").id for n in range(6)]
    start = time.time() + 1.5
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(git_repo), str(start), ",".join(ids), f"racer{n}", commit],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(8)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(json.loads(out))

    wins = [issue_id for r in results for issue_id in r["won"]]
    assert sorted(wins) == sorted(ids)
    for issue_id in ids:
        holder = store.get_issue(issue_id).claim
        winners = [f"racer{n}" for n, r in enumerate(results) if issue_id in r["won"]]
        assert holder is not None and [holder.holder] == winners
    assert all(r["warnings"] == [] for r in results)
    if commit == "commit":
        subjects = git.Repo(git_repo).git.log("--format=%s").splitlines()
        assert sum(s.startswith("autopilot: claim issue") for s in subjects) == 6


# ------------------------------------------------------------------------------------------------
# Merge driver


BASE = """\
# a person's note
schema_version: 1
id: abc12345
title: merge me
status: open
priority: medium
labels: [a]
updated: '2026-01-01T00:00:00.000Z'
events:
  - at: '2026-01-01T00:00:00.000Z'
    kind: created
"""


def test_merge_unions_events_and_merges_label_sets() -> None:
    """Both sides' events are kept in time order, label edits from both sides apply, comments stay."""
    ours = BASE.replace("labels: [a]", "labels: [a, ours]") + (
        "  - at: '2026-01-02T00:00:00.000Z'\n    kind: note\n    by: ours\n"
    )
    theirs = (
        BASE.replace("labels: [a]", "labels: [theirs]").replace(
            "updated: '2026-01-01T00:00:00.000Z'", "updated: '2026-01-03T00:00:00.000Z'"
        )
        + "  - at: '2026-01-01T12:00:00.000Z'\n    kind: note\n    by: theirs\n"
    )

    text, conflicts = merge_documents(BASE, ours, theirs, "x.yaml")
    data = load_plain_text(text)

    assert conflicts == []
    assert text.startswith("# a person's note\n")
    assert [e.get("by") for e in data["events"]] == [None, "theirs", "ours"]
    assert data["labels"] == ["ours", "theirs"]
    assert data["updated"] == "2026-01-03T00:00:00.000Z"


def test_merge_reports_scalar_conflicts_and_keeps_valid_yaml() -> None:
    """Both sides changing the status is a named conflict; the result keeps ours and still parses."""
    ours = BASE.replace("status: open", "status: done")
    theirs = BASE.replace("status: open", "status: blocked")

    text, conflicts = merge_documents(BASE, ours, theirs, "x.yaml")

    assert [str(c) for c in conflicts] == ["status: ours 'done', theirs 'blocked'"]
    assert load_plain_text(text)["status"] == "done"
    assert "autopilot merge conflict" in text


def load_plain_text(text: str) -> dict[str, object]:
    path = Path("merged.yaml")
    path.write_text(text)
    return load_plain(path)


def test_git_merge_uses_the_driver_for_store_files(hooks: Hooks, git_repo: Path) -> None:
    """With the driver registered, git merges two branches' edits of one issue without a conflict."""
    repo = git.Repo(git_repo)
    autopilot = Path(sys.executable).parent / "autopilot"
    repo.git.config("merge.autopilot.driver", f"{autopilot} merge-driver %O %A %B %P")
    (git_repo / ".gitattributes").write_text(".autopilot/**/*.yaml merge=autopilot\n")
    repo.index.add([".gitattributes"])
    repo.index.commit("attributes")
    store = _store(hooks, commit="commit")
    issue = store.create_issue("shared", labels=["base"])
    repo.git.checkout("-b", "other")
    store.add_event(issue.id, "note", by="other-branch")
    store.update_issue(issue.id, {"labels": ["base", "theirs"]})
    repo.git.checkout("main")
    store.add_event(issue.id, "note", by="main-branch")

    repo.git.merge("other", "--no-edit")
    merged = store.get_issue(issue.id)

    assert {e.by for e in merged.events if e.kind == "note"} == {"other-branch", "main-branch"}
    assert merged.labels == ("base", "theirs")
    _ = os.environ


@st.composite
def event_histories(
    draw: st.DrawFn,
) -> tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, str]]]:
    """A shared history plus what each side appended after it (events are distinct, in time order)."""
    kinds = draw(st.lists(comment_text, unique=True, max_size=9))
    events = [{"at": f"2026-01-01T00:00:{n:02d}.000Z", "kind": kind} for n, kind in enumerate(kinds)]
    cut = draw(st.integers(0, len(events)))
    shared, later = events[:cut], events[cut:]
    mine = draw(st.lists(st.sampled_from(later), unique_by=lambda e: e["kind"])) if later else []
    others = [e for e in later if e not in mine]
    return shared, sorted(mine, key=lambda e: e["at"]), others


@given(event_histories())
def test_merged_events_are_the_union_of_both_sides(
    history: tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, str]]],
) -> None:
    """Event lists merge without conflict: every event of either side is kept once, in time order."""
    from autopilot.plugins.store_yaml.store import merge_values

    base, ours_extra, theirs_extra = history
    ours, theirs = base + ours_extra, base + theirs_extra

    merged, conflicts = merge_values(base, ours, theirs, "events")

    assert conflicts == []
    assert sorted(merged, key=lambda e: e["at"]) == merged
    assert sorted(e["kind"] for e in merged) == sorted(e["kind"] for e in base + ours_extra + theirs_extra)


@given(
    st.recursive(st.none() | st.booleans() | comment_text, lambda c: st.lists(c, max_size=3), max_leaves=6)
)
def test_merging_a_value_with_itself_changes_nothing(value: object) -> None:
    """merge(x, x, x) is x, and a side that did not change yields the other side's value."""
    from autopilot.plugins.store_yaml.store import merge_values

    assert merge_values(value, value, value, "title") == (value, [])
    assert merge_values(value, value, "changed", "title") == ("changed", [])


def test_a_project_created_in_both_clones_conflicts_only_where_they_disagree() -> None:
    """Two clones creating one project (git's add/add, no base) conflict on the differing budget
    alone, not on when each was created; the earlier creation time is kept."""
    project = "schema_version: 1\nname: web\nmax_budget_usd: {}\ncreated: '2026-01-01T10:00:0{}.000Z'\n"
    first, second = project.format("3.0", 0), project.format("1.0", 5)

    text, conflicts = merge_documents("", second, first, "web.yaml")

    assert [str(c) for c in conflicts] == ["max_budget_usd: ours 1.0, theirs 3.0"]
    assert load_plain_text(text)["created"] == "2026-01-01T10:00:00.000Z"
