"""`autopilot issue|project|session …`: the commands people and scripts use on the issue queue."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autopilot.cli import context, main


@pytest.fixture(autouse=True)
def _project_here() -> None:
    """Make the test directory the project, so no command wanders up to a parent's `.autopilot/`."""
    Path(".autopilot").mkdir(exist_ok=True)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    context.reset()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _create(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = _run(capsys, "issue", "create", *args, "--json")
    assert code == 0, err
    return str(json.loads(out)["id"])


def test_create_list_view_round_trip(capsys: pytest.CaptureFixture[str]) -> None:
    """An issue created with every option shows up in list and view, as text and JSON."""
    issue_id = _create(
        capsys,
        "Fix login",
        "--body",
        "It fails.\nAlways.",
        "--priority",
        "high",
        "--label",
        "bug",
        "--label",
        "auth",
        "--accept",
        "true",
    )

    code, out, _ = _run(capsys, "issue", "list")
    assert code == 0 and issue_id in out and "Fix login" in out and "#bug #auth" in out
    code, out, _ = _run(capsys, "issue", "view", issue_id[:5], "--json")
    data = json.loads(out)
    assert (data["title"], data["priority"], data["labels"], data["accept"]) == (
        "Fix login",
        "high",
        ["bug", "auth"],
        ["true"],
    )
    assert data["body"].startswith("It fails.\nAlways.")
    code, out, _ = _run(capsys, "issue", "view", issue_id)
    assert "status:     open" in out and "It fails." in out and "created" in out


def test_ready_orders_by_priority_and_waits_for_dependencies(capsys: pytest.CaptureFixture[str]) -> None:
    """`issue ready` lists urgent before low, and an issue appears once its dependency is done."""
    low = _create(capsys, "low one", "--priority", "low")
    urgent = _create(capsys, "urgent one", "--priority", "urgent")
    waiting = _create(capsys, "after low", "--depends-on", low)

    _, out, _ = _run(capsys, "issue", "ready", "--json")
    assert [i["id"] for i in json.loads(out)["issues"]] == [urgent, low]
    assert _run(capsys, "issue", "complete", low)[0] == 0
    _, out, _ = _run(capsys, "issue", "ready", "--json")
    assert [i["id"] for i in json.loads(out)["issues"]] == [urgent, waiting]


def test_second_claim_exits_3_with_a_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    """Claiming an issue someone else holds fails with exit code 3 and names the holder."""
    issue_id = _create(capsys, "contested")
    assert _run(capsys, "issue", "claim", issue_id, "--holder", "alice")[0] == 0

    code, _, err = _run(capsys, "issue", "claim", issue_id, "--holder", "bob")

    assert code == 3
    assert err.startswith(f"error: issue {issue_id} is already claimed by alice")
    assert len(err.splitlines()) == 1


def test_release_block_reopen_close_cycle(capsys: pytest.CaptureFixture[str]) -> None:
    """Each transition command changes the status and records an event."""
    issue_id = _create(capsys, "moving")
    _run(capsys, "issue", "claim", issue_id)
    assert _run(capsys, "issue", "release", issue_id, "--reason", "crashed")[1].startswith("released")
    assert _run(capsys, "issue", "block", issue_id, "--reason", "needs a key")[0] == 0
    assert _run(capsys, "issue", "reopen", issue_id)[0] == 0
    assert _run(capsys, "issue", "close", issue_id, "--reason", "dup")[0] == 0

    _, out, _ = _run(capsys, "issue", "view", issue_id, "--json")
    kinds = [e["kind"] for e in json.loads(out)["events"]]
    assert kinds == ["created", "claimed", "released", "blocked", "reopened", "closed"]
    assert json.loads(out)["status"] == "closed"


def test_closing_an_issue_others_depend_on_warns_that_they_will_never_be_ready(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`issue close` on an issue an open one depends on says, in one warning, that the dependent will
    never become ready (only done satisfies a dependency) and how to free it."""
    first = _create(capsys, "first")
    waiting = _create(capsys, "after first", "--depends-on", first)
    finished = _create(capsys, "done already", "--depends-on", first)
    _run(capsys, "issue", "complete", finished)

    code, out, err = _run(capsys, "issue", "close", first)

    assert code == 0 and out.startswith(f"closed {first}")
    assert err.count("warning:") == 1 and waiting in err and finished not in err
    assert "never be ready" in err and f"--remove-depends-on {first}" in err


def test_view_shows_event_details_as_text_not_python_reprs(capsys: pytest.CaptureFixture[str]) -> None:
    """The events of `issue view` list edited fields plainly and structured details as JSON."""
    issue_id = _create(capsys, "edited", "--accept", "true")
    _run(capsys, "issue", "edit", issue_id, "--priority", "high", "--add-label", "bug")

    out = _run(capsys, "issue", "view", issue_id)[1]

    assert "fields=labels, priority" in out and "['" not in out


def test_block_requires_a_reason(capsys: pytest.CaptureFixture[str]) -> None:
    """`issue block` without --reason is a usage error (exit 2)."""
    issue_id = _create(capsys, "x")

    assert _run(capsys, "issue", "block", issue_id)[0] == 2


def test_edit_changes_fields_and_rejects_cycles(capsys: pytest.CaptureFixture[str]) -> None:
    """`issue edit` changes labels and priority; a dependency cycle is refused with exit code 2."""
    first = _create(capsys, "first")
    second = _create(capsys, "second", "--depends-on", first)

    code, out, _ = _run(capsys, "issue", "edit", first, "--priority", "urgent", "--add-label", "x", "--json")
    assert code == 0 and json.loads(out)["priority"] == "urgent" and json.loads(out)["labels"] == ["x"]
    code, _, err = _run(capsys, "issue", "edit", first, "--add-depends-on", second)
    assert code == 2
    assert f"dependency cycle: {first} -> {second} -> {first}" in err


BAD_PRIORITY = 'error: Invalid value "p0" for --priority. Choose from: "urgent", "high", "medium", "low".\n'


def test_unknown_issue_and_bad_priority_are_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    """Bad input is one `error:` line and exit code 2."""
    code, _, err = _run(capsys, "issue", "view", "nope")
    assert (code, err.splitlines()) == (2, ["error: no issue 'nope' (see `autopilot issue list`)"])
    code, _, err = _run(capsys, "issue", "create", "x", "--priority", "p0")
    assert (code, err) == (2, BAD_PRIORITY)
    issue_id = _create(capsys, "y")
    code, _, err = _run(capsys, "issue", "edit", issue_id, "--priority", "p0")
    assert (code, err) == (2, BAD_PRIORITY)


def test_malformed_file_warns_once_and_other_issues_work(capsys: pytest.CaptureFixture[str]) -> None:
    """A broken issue file is named once with its line; listing and claiming others still work."""
    good = _create(capsys, "good")
    bad = Path(".autopilot/issues/bad12345.yaml")
    bad.write_text("id: bad12345\ntitle: 'unterminated\n")
    before = bad.read_text()

    code, out, err = _run(capsys, "issue", "list")
    claim_code = _run(capsys, "issue", "claim", good)[0]

    assert code == 0 and good in out
    assert [line for line in err.splitlines() if "bad12345.yaml" in line] == [
        line for line in err.splitlines() if line.startswith("warning:")
    ]
    assert len(err.splitlines()) == 1 and ":3:" in err
    assert claim_code == 0
    assert bad.read_text() == before


def test_nothing_ready_says_what_is_left(capsys: pytest.CaptureFixture[str]) -> None:
    """When the queue is stuck (one issue blocked, one waiting on it), `issue ready` says so instead of
    a bare "nothing is ready", which reads as "nothing left to do"."""
    first = _create(capsys, "first")
    _create(capsys, "second", "--depends-on", first)
    assert _run(capsys, "issue", "block", first, "--reason", "needs a key")[0] == 0

    code, out, _ = _run(capsys, "issue", "ready")

    assert code == 0
    assert (
        out
        == "nothing is ready (not done: 1 blocked, 1 open; `autopilot issue list` shows what each waits on)\n"
    )


def test_a_misspelt_field_is_named_not_dropped(capsys: pytest.CaptureFixture[str]) -> None:
    """`acept:` for `accept:` in an issue file is a warning naming the file and key; the issue is not
    worked (it would be done with no acceptance command), and the file is left as it is."""
    issue_id = _create(capsys, "checked")
    path = Path(f".autopilot/issues/{issue_id}.yaml")
    path.write_text(path.read_text() + "acept: [uv run pytest -q]\n")
    before = path.read_text()

    code, out, err = _run(capsys, "issue", "ready")
    view_code, _, view_err = _run(capsys, "issue", "view", issue_id)

    assert code == 0 and issue_id not in out
    assert err.startswith(f"warning: {path.resolve()}: acept: unknown field (known: accept, ")
    assert view_code == 2 and view_err.startswith(f"error: {path.resolve()}: acept: unknown field")
    assert before == path.read_text()


def test_a_misspelt_session_field_is_named_not_dropped(capsys: pytest.CaptureFixture[str]) -> None:
    """`trajectroy:` for `trajectory:` in a session file is a warning naming the file and key in
    `session list`, and `session view` of that run is an error naming them; the file is left alone."""
    from autopilot.cli.issues import open_store
    from autopilot.core.issues import Session

    open_store().save_session(Session("20260101T000000-abcd", status="success", started_at="2026-01-01"))
    open_store().save_session(Session("20260102T000000-ef01", status="success", started_at="2026-01-02"))
    path = Path(".autopilot/sessions/20260101T000000-abcd.yaml")
    path.write_text(path.read_text() + "trajectroy: docs/logs/20260101/000000-x.json\n")
    before = path.read_text()

    code, out, err = _run(capsys, "session", "list")
    view_code, _, view_err = _run(capsys, "session", "view", "20260101T000000-abcd")

    assert code == 0
    assert "20260102T000000-ef01" in out and "20260101T000000-abcd" not in out
    assert err.startswith(f"warning: {path.resolve()}: trajectroy: unknown field (known: agent, ")
    assert view_code == 2
    assert view_err.startswith(f"error: {path.resolve()}: trajectroy: unknown field")
    assert before == path.read_text()


def test_a_title_edited_into_a_list_is_named_not_shown_as_python(capsys: pytest.CaptureFixture[str]) -> None:
    """`title: [a, b]` (a hand edit gone wrong) is a warning naming the file and field, not a title
    listed as "['a', 'b']"; a command aimed at the issue is an error, and the file is left alone."""
    issue_id = _create(capsys, "a title")
    path = Path(f".autopilot/issues/{issue_id}.yaml")
    path.write_text(path.read_text().replace("title: a title", "title: [a, b]"))
    before = path.read_text()

    code, out, err = _run(capsys, "issue", "list")
    view_code, _, view_err = _run(capsys, "issue", "view", issue_id)

    assert code == 0 and "['a', 'b']" not in out
    assert err == f"warning: {path.resolve()}: title: must be text, not a list\n"
    assert view_code == 2 and view_err == f"error: {path.resolve()}: title: must be text, not a list\n"
    assert before == path.read_text()


@pytest.mark.parametrize("budget", ["0", "-2"])
def test_a_project_budget_of_zero_or_less_is_refused_when_made(
    budget: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`project create --max-budget 0` is one error naming the field, not a project whose every run fails."""
    code, _, err = _run(capsys, "project", "create", "web", "--max-budget", budget)

    assert (code, err.splitlines()) == (2, [f"error: max_budget_usd: must be more than 0 USD (got {budget})"])
    assert not Path(".autopilot/projects/web.yaml").exists()


def test_a_file_in_place_of_the_issues_folder_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    """`issue create` with a file at .autopilot/issues names it, instead of blaming id collisions."""
    Path(".autopilot").mkdir(exist_ok=True)
    Path(".autopilot/issues").write_text("")

    code, _, err = _run(capsys, "issue", "create", "x")

    assert code == 2
    assert [
        f"error: {Path('.autopilot/issues').resolve()}: a file is where the issues folder should be; move it"
    ] == (err.splitlines())


def test_projects_and_sessions(capsys: pytest.CaptureFixture[str]) -> None:
    """Projects are created, listed with open counts, viewed and removed; sessions list empty at first."""
    assert _run(capsys, "project", "create", "web", "--description", "the site", "--max-budget", "2")[0] == 0
    _create(capsys, "page", "--project", "web")

    _, out, _ = _run(capsys, "project", "list", "--json")
    assert [(p["name"], p["open_issues"], p["max_budget_usd"]) for p in json.loads(out)["projects"]] == [
        ("web", 1, 2.0)
    ]
    code, _, err = _run(capsys, "project", "remove", "web")
    assert code == 2 and "unfinished issue" in err
    assert _run(capsys, "project", "remove", "web", "--force")[0] == 0
    assert _run(capsys, "session", "list", "--json")[1].strip().startswith('{\n  "sessions": []')
    assert _run(capsys, "session", "view", "nothing")[0] == 2


def test_claim_race_between_cli_processes(tmp_path: Path) -> None:
    """Four `autopilot issue claim` processes on one issue: exactly one exits 0, the rest exit 3."""
    binary = Path(sys.executable).parent / "autopilot"
    created = subprocess.run(
        [binary, "issue", "create", "race", "--json"], capture_output=True, text=True, check=True
    )
    issue_id = json.loads(created.stdout)["id"]

    procs = [
        subprocess.Popen(
            [binary, "issue", "claim", issue_id, "--holder", f"p{n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    codes = sorted(p.returncode for p in procs)
    errors = [err for _, err in outputs if err]

    assert codes == [0, 3, 3, 3]
    assert len(errors) == 3 and all("is already claimed by p" in err for err in errors)


def test_doctor_lists_store_problems(capsys: pytest.CaptureFixture[str]) -> None:
    """`autopilot doctor` names a dangling dependency and a malformed issue file, and exits 1."""
    first = _create(capsys, "first")
    dependent = _create(capsys, "second", "--depends-on", first)
    Path(f".autopilot/issues/{first}.yaml").unlink()
    Path(".autopilot/issues/broken1.yaml").write_text("title: [\n")

    code, out, _ = _run(capsys, "doctor", "--json")
    kinds = sorted((p["kind"], p["issue"]) for p in json.loads(out)["issues"])

    assert code == 1
    assert kinds == [("dangling_dependency", dependent), ("malformed", "broken1")]


def test_list_warns_about_an_id_edited_away_from_its_file_name(capsys: pytest.CaptureFixture[str]) -> None:
    """An issue file whose `id:` was edited by hand is listed with a warning naming the file, since
    `issue view <that id>` cannot find it (commands find issues by file name)."""
    issue_id = _create(capsys, "first")
    path = Path(f".autopilot/issues/{issue_id}.yaml")
    path.write_text(path.read_text().replace(f"id: {issue_id}", "id: renamed"))

    code, out, err = _run(capsys, "issue", "list")

    assert code == 0 and "renamed" in out
    assert err.splitlines() == [f"warning: {path.resolve()}: id 'renamed' does not match the file name"]


def test_list_warns_about_a_hand_written_yml_issue_file(capsys: pytest.CaptureFixture[str]) -> None:
    """An issue written by hand as `fix-login.yml` is not read, and `issue list` says so instead of
    leaving it out without a word."""
    _create(capsys, "first")
    path = Path(".autopilot/issues/fix-login.yml")
    path.write_text("title: Fix the login\n")

    code, out, err = _run(capsys, "issue", "list")

    assert code == 0 and "first" in out
    assert err.splitlines() == [
        f"warning: {path.resolve()}: not read: issue files end in .yaml (rename it fix-login.yaml)"
    ]


def test_merge_driver_installer_is_idempotent_and_reversible(git_repo: Path) -> None:
    """Installing twice writes one .gitattributes line and the git config; uninstall removes both."""
    from types import SimpleNamespace

    from autopilot.cli.issues import GITATTRIBUTES_LINE, install_merge_driver, uninstall_merge_driver

    setup = SimpleNamespace(repo_root=git_repo)
    install_merge_driver(setup)
    install_merge_driver(setup)
    driver = subprocess.run(
        ["git", "config", "merge.autopilot.driver"], capture_output=True, text=True
    ).stdout

    assert (git_repo / ".gitattributes").read_text().splitlines() == [GITATTRIBUTES_LINE]
    assert driver.strip().endswith("-m autopilot merge-driver %O %A %B %P")
    uninstall_merge_driver(setup)
    assert not (git_repo / ".gitattributes").exists()
    assert subprocess.run(["git", "config", "merge.autopilot.driver"], capture_output=True).returncode == 1


def test_hooks_install_registers_the_merge_driver(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`autopilot hooks install` also sets up the merge driver; `uninstall` removes it."""
    code, out, err = _run(capsys, "hooks", "install")
    driver = subprocess.run(
        ["git", "config", "merge.autopilot.driver"], capture_output=True, text=True
    ).stdout
    attributes = (git_repo / ".gitattributes").read_text()

    assert code == 0, err
    assert "merge driver" in out
    assert "merge-driver %O %A %B %P" in driver
    assert ".autopilot/**/*.yaml merge=autopilot" in attributes
    assert _run(capsys, "hooks", "uninstall")[0] == 0
    assert subprocess.run(["git", "config", "merge.autopilot.driver"], capture_output=True).returncode == 1


def test_an_ambiguous_session_prefix_lists_the_candidates(capsys: pytest.CaptureFixture[str]) -> None:
    """`session view` with a prefix of several run ids says it is ambiguous and names them (exit 2)."""
    from autopilot.cli.issues import open_store
    from autopilot.core.issues import Session

    store = open_store()
    for run_id in ("20260101T000000-aaaa", "20260101T000000-bbbb"):
        store.save_session(Session(run_id, status="success", started_at="2026-01-01T00:00:00.000Z"))

    code, _, err = _run(capsys, "session", "view", "20260101")

    assert (code, err.splitlines()) == (
        2,
        [
            "error: id '20260101' is ambiguous: it matches 20260101T000000-aaaa, 20260101T000000-bbbb "
            "(give more characters)"
        ],
    )


def _write_issue(issue_id: str, *depends_on: str) -> None:
    deps = f"depends_on: [{', '.join(depends_on)}]\n" if depends_on else ""
    Path(".autopilot/issues").mkdir(parents=True, exist_ok=True)
    Path(f".autopilot/issues/{issue_id}.yaml").write_text(
        f"schema_version: 1\nid: {issue_id}\ntitle: do {issue_id}\nstatus: open\npriority: medium\n"
        f"{deps}created: '2026-01-01T00:00:00.000Z'\n"
    )


def test_an_ambiguous_issue_prefix_lists_the_candidates(capsys: pytest.CaptureFixture[str]) -> None:
    """`issue view` with a short prefix of several issue ids names the candidates instead of "no issue"."""
    for issue_id in ("abcd1234", "abce5678", "zzzz0000"):
        _write_issue(issue_id)

    code, _, err = _run(capsys, "issue", "view", "ab")

    assert (code, err) == (
        2,
        "error: id 'ab' is ambiguous: it matches abcd1234, abce5678 (give more characters)\n",
    )


def test_removing_an_ambiguous_dependency_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """`issue edit --remove-depends-on` with a prefix of two dependencies names both and changes nothing."""
    _write_issue("abcd1234")
    _write_issue("abce5678")
    _write_issue("zzzz0000", "abcd1234", "abce5678")

    code, _, err = _run(capsys, "issue", "edit", "zzzz0000", "--remove-depends-on", "abc")

    assert (code, err) == (
        2,
        "error: id 'abc' is ambiguous: it matches abcd1234, abce5678 (give more characters)\n",
    )
    assert "abce5678" in Path(".autopilot/issues/zzzz0000.yaml").read_text()


def test_list_sorts_like_ready_and_shows_dependencies(capsys: pytest.CaptureFixture[str]) -> None:
    """`issue list` puts urgent before low (oldest first within a priority) and names each dependency."""
    low = _create(capsys, "low one", "--priority", "low")
    urgent = _create(capsys, "urgent one", "--priority", "urgent")
    waiting = _create(capsys, "after low", "--priority", "urgent", "--depends-on", low)

    _, out, _ = _run(capsys, "issue", "list")
    _, as_json, _ = _run(capsys, "issue", "list", "--json")

    assert [line.split()[0] for line in out.splitlines()] == [urgent, waiting, low]
    assert [i["id"] for i in json.loads(as_json)["issues"]] == [urgent, waiting, low]
    waiting_line = next(line for line in out.splitlines() if line.startswith(waiting))
    assert waiting_line.endswith(f"  depends on {low} (open)")


def test_list_sort_created(capsys: pytest.CaptureFixture[str]) -> None:
    """`issue list --sort created` lists oldest first whatever the priority; a bad key is exit 2."""
    low = _create(capsys, "low one", "--priority", "low")
    urgent = _create(capsys, "urgent one", "--priority", "urgent")

    _, out, _ = _run(capsys, "issue", "list", "--sort", "created")
    code, _, err = _run(capsys, "issue", "list", "--sort", "size")

    assert [line.split()[0] for line in out.splitlines()] == [low, urgent]
    assert code == 2 and err.startswith("error:")


def test_session_view_prints_readable_fields(capsys: pytest.CaptureFixture[str]) -> None:
    """`session view` shows tokens, cost and backend sessions as plain fields, not Python reprs."""
    from autopilot.cli.issues import open_store
    from autopilot.core.issues import Session

    open_store().save_session(
        Session(
            "20260101T000000-abcd",
            issue="k3x9q2ab",
            status="success",
            agent="claude",
            cost_usd=0.01234,
            tokens={"input_tokens": 1200, "output_tokens": 345, "cache_read_tokens": 67890},
            backend_session_ids=("s-1", "s-2"),
            started_at="2026-01-01T00:00:00.000Z",
        )
    )

    code, out, _ = _run(capsys, "session", "view", "20260101T000000-abcd")
    _, as_json, _ = _run(capsys, "session", "view", "20260101T000000-abcd", "--json")

    assert code == 0
    lines = out.splitlines()
    assert f"{'tokens:':<18}input 1,200  output 345  cache read 67,890" in lines
    assert f"{'backend sessions:':<18}s-1, s-2" in lines
    assert f"{'cost:':<18}$0.0123" in lines
    assert not any(char in out for char in "{}[]")
    assert json.loads(as_json)["tokens"]["cache_read_tokens"] == 67890


def test_show_is_another_name_for_view(capsys: pytest.CaptureFixture[str]) -> None:
    """`issue show ID` prints what `issue view ID` prints (as `project show`, `session show`)."""
    issue_id = _create(capsys, "the one to show")

    shown = _run(capsys, "issue", "show", issue_id, "--json")
    viewed = _run(capsys, "issue", "view", issue_id, "--json")

    assert shown == viewed and shown[0] == 0
    assert json.loads(shown[1])["title"] == "the one to show"


def test_list_with_an_unknown_status_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    """`issue list --status finished` names the statuses instead of printing "no issues"."""
    _create(capsys, "something")

    code, out, err = _run(capsys, "issue", "list", "--status", "finished")

    assert (code, out) == (2, "")
    assert err.strip() == (
        "error: --status: 'finished' is not one of open, in_progress, blocked, done, closed"
    )


def test_project_create_refuses_an_unknown_agent(capsys: pytest.CaptureFixture[str]) -> None:
    """`project create --agent` with a backend nobody provides is refused at once, not at the first run."""
    code, _, err = _run(capsys, "project", "create", "web", "--agent", "claud")
    listed = _run(capsys, "project", "list")[1]

    assert code == 2
    assert err.strip() == "error: --agent: unknown agent 'claud' (available: claude, codex)"
    assert listed.strip() == "no projects"


def test_project_create_refuses_a_missing_working_dir(capsys: pytest.CaptureFixture[str]) -> None:
    """`project create --working-dir` names a directory that does not exist: refused, naming it."""
    code, _, err = _run(capsys, "project", "create", "web", "--working-dir", "frontend")
    Path("frontend").mkdir()
    created = _run(capsys, "project", "create", "web", "--working-dir", "frontend")[0]

    assert code == 2
    assert err.startswith("error: --working-dir frontend: no such directory in ")
    assert created == 0


def test_a_projects_vanished_working_dir_is_named_as_the_projects(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`run --project P` whose working_dir was removed blames the project's setting, not --cwd."""
    Path("frontend").mkdir()
    _run(capsys, "project", "create", "web", "--working-dir", "frontend")
    Path("frontend").rmdir()

    code, _, err = _run(capsys, "run", "--project", "web", "build it")

    assert code == 2
    assert err.startswith("error: project web: working_dir frontend: no such directory")


def test_project_list_warns_about_a_project_file_it_cannot_read(capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed `.autopilot/projects/*.yaml` is a warning naming the file, not silently left out."""
    _run(capsys, "project", "create", "web")
    broken = Path(".autopilot/projects/broken.yaml")
    broken.write_text("name: [\n")

    code, out, err = _run(capsys, "project", "list")

    assert code == 0 and out.split() == ["web", "0", "open"]
    assert err.startswith(f"warning: {broken.resolve()}:2: not valid YAML")


def test_session_list_columns_line_up_with_and_without_an_issue(capsys: pytest.CaptureFixture[str]) -> None:
    """A run without an issue (`issue -`) does not shift its start time and trajectory left of the
    other rows'."""
    from autopilot.cli.issues import open_store
    from autopilot.core.issues import Session

    issue_id = _create(capsys, "worked")
    for run_id, issue in (("20260101T000000-aaaa", issue_id), ("20260102T000000-bbbb", None)):
        day = run_id[6:8]
        open_store().save_session(
            Session(run_id, issue=issue, status="success", started_at=f"2026-01-{day}T00:00:00.000Z")
        )

    code, out, _ = _run(capsys, "session", "list")
    starts = {line.index("2026-01-") for line in out.splitlines()}

    assert code == 0 and len(out.splitlines()) == 2 and len(starts) == 1


def test_session_list_takes_an_issue_prefix_and_refuses_unknown_filters(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`session list --issue` takes a unique prefix like every command; a project or issue that does
    not exist is one `error:` line and exit 2, not an empty listing that looks like no runs."""
    from autopilot.cli.issues import open_store
    from autopilot.core.issues import Session

    issue_id = _create(capsys, "worked")
    _run(capsys, "project", "create", "web")
    open_store().save_session(
        Session(
            "20260101T000000-abcd", issue=issue_id, status="success", started_at="2026-01-01T00:00:00.000Z"
        )
    )

    listed = _run(capsys, "session", "list", "--issue", issue_id[:4])
    wrong_project = [_run(capsys, *command, "--project", "wbe") for command in (
        ("session", "list"), ("issue", "list"), ("issue", "ready"),
    )]  # fmt: skip
    wrong_issue = _run(capsys, "session", "list", "--issue", "zzzz")

    assert listed[0] == 0 and "20260101T000000-abcd" in listed[1]
    for code, out, err in [*wrong_project, wrong_issue]:
        assert (code, out) == (2, "") and err.count("error:") == 1 and "Traceback" not in err
    assert "no project 'wbe'" in wrong_project[0][2] and "no issue 'zzzz'" in wrong_issue[2]
    assert _run(capsys, "issue", "list", "--project", "web")[0] == 0
