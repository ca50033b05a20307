"""``autopilot report --by issue|label|branch``: agent logs joined with the commit trailers and sessions of
autopilot's runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.corpus import TRANSCRIPTS, needs_corpus

from autopilot.cli import context, main
from autopilot.core.git import Repository
from autopilot.core.issues import Session
from autopilot.core.models import Run, Step, Usage
from autopilot.core.recorder import Recorder
from autopilot.core.trajectory.files import base_path_for

pytestmark = needs_corpus
#: Two real Claude Code transcripts: one becomes an autopilot run's session, the other stays a plain one.
RUN_TRANSCRIPT = "agentcmd__full-session.jsonl"  # gitBranch "main"
PLAIN_TRANSCRIPT = "spotter__tool_heavy.jsonl"  # session d6e0bada-…, gitBranch "master"
PLAIN_SESSION = "claude:d6e0bada-1959-4eec-a9d2-0bfade768d8f"


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    context.reset()
    code = main(list(args))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def _rows(capsys: pytest.CaptureFixture[str], logs: Path, by: str) -> dict[str, list[str | None]]:
    """``report session LOGS --by BY --json`` as {session: [group, ...]}."""
    report = json.loads(_cli(capsys, "report", "session", str(logs), "--by", by, "--json"))
    rows: dict[str, list[str | None]] = {}
    for row in report["rows"]:
        rows.setdefault(row["period"], []).append(row["group"])
    return {session: sorted(groups, key=str) for session, groups in rows.items()}


def _transcript(source: str, session_id: str, folder: Path) -> None:
    """A copy of a corpus transcript as Claude Code would have written it for *session_id*."""
    assert TRANSCRIPTS is not None
    folder.mkdir(parents=True, exist_ok=True)
    records = [json.loads(line) for line in (TRANSCRIPTS / source).read_text().splitlines()]
    for record in records:
        record["sessionId"] = session_id
    (folder / f"{session_id}.jsonl").write_text(
        "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
    )


def _commit_work(repo_dir: Path, branch: str, issue: str, run_id: str) -> None:
    """The commit the queue makes for a completed issue, on *branch*; HEAD goes back to main after."""
    import git

    repo = git.Repo(repo_dir)
    repo.git.checkout("-b", branch)
    (repo_dir / "login.py").write_text("fixed = True\n")
    message = (
        f"autopilot: Fix login\n\nWork on issue {issue}.\n\nAutopilot-Issue: {issue}\nAutopilot-Run: {run_id}"
    )
    with Repository.open(repo_dir) as ours:
        assert ours.commit(["login.py"], message)
    repo.git.checkout("main")
    repo.close()


def _create_issue(capsys: pytest.CaptureFixture[str], *labels: str) -> str:
    out = _cli(capsys, "issue", "create", "Fix login", *(f"--label={label}" for label in labels), "--json")
    return str(json.loads(out)["id"])


def _a_run_and_a_plain_session(
    git_repo: Path, tmp_path: Path, issue: str, agent_session: str, run_id: str
) -> Path:
    """Claude transcripts of a run on *issue* (recorded in the store, its work committed on the branch
    ``fix-login``) and of a session no run names; returns their folder."""
    store = context.hooks().store_select(config=context.config())
    store.save_session(
        Session(run_id=run_id, issue=issue, agent="claude", backend_session_ids=(agent_session,))
    )
    _commit_work(git_repo, "fix-login", issue, run_id)
    logs = tmp_path / "claude-projects"
    _transcript(RUN_TRANSCRIPT, agent_session, logs)
    _transcript(PLAIN_TRANSCRIPT, PLAIN_SESSION.removeprefix("claude:"), logs)
    return logs


def test_a_run_transcript_gets_its_issue_labels_and_the_branch_its_commit_landed_on(
    git_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A transcript whose session a run recorded in ``.autopilot/`` is grouped under the run's issue (from
    the store and the trailer), the issue's labels and the branch of the run's commit; one no run
    names falls in ``-``."""
    issue = _create_issue(capsys, "auth", "backend")
    agent_session = "5b0c2d7e-0000-4000-8000-00000000a001"
    logs = _a_run_and_a_plain_session(git_repo, tmp_path, issue, agent_session, "20261206T120000-1f2e3d4c")

    by_issue = _rows(capsys, logs, "issue")
    by_label = _rows(capsys, logs, "label")
    by_branch = _rows(capsys, logs, "branch")

    run = f"claude:{agent_session}"
    assert by_issue == {run: [issue], PLAIN_SESSION: [None]}
    assert by_label == {run: ["auth", "backend"], PLAIN_SESSION: [None]}
    assert by_branch == {run: ["fix-login"], PLAIN_SESSION: ["master"]}


def test_the_table_shows_the_issue_and_a_dash_for_runs_without_one(
    git_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In the table people read, the run's row names its issue and the other row shows ``-``."""
    issue = _create_issue(capsys)
    agent_session = "5b0c2d7e-0000-4000-8000-00000000a002"
    logs = _a_run_and_a_plain_session(git_repo, tmp_path, issue, agent_session, "20261206T120000-2f2e3d4c")

    out = _cli(capsys, "report", "session", str(logs), "--by", "issue")

    lines = {
        line.split("│")[0].strip(): line.split("│")[1].strip() for line in out.splitlines() if "│" in line
    }
    assert lines[f"claude:{agent_session}"] == issue
    assert lines[PLAIN_SESSION] == "-"


def test_a_trajectory_names_the_agent_session_when_the_store_has_no_record(
    git_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a session in ``.autopilot/``, the run's trajectory among the logs links its agent's
    transcript to the run, and the run's commit trailers give the issue and branch."""
    issue = _create_issue(capsys, "auth")
    agent_session = "5b0c2d7e-0000-4000-8000-00000000a003"
    logs = tmp_path / "logs"
    run = Run(prompt="Fix login", agent="claude", cwd=str(git_repo), session_id=agent_session,
              session_ids=[agent_session])  # fmt: skip
    recorder = Recorder(context.hooks(), run, base_path_for(run, logs / "trajectories"))
    recorder.start()
    recorder.add(Step("user", text="Fix login"))
    recorder.finish(status="success")
    _commit_work(git_repo, "fix-login", issue, run.run_id)
    _transcript(RUN_TRANSCRIPT, agent_session, logs / "claude")

    by_issue = _rows(capsys, logs, "issue")
    by_label = _rows(capsys, logs, "label")
    by_branch = _rows(capsys, logs, "branch")

    session = f"claude:{agent_session}"
    assert (by_issue, by_label, by_branch) == (
        {session: [issue]},
        {session: ["auth"]},
        {session: ["fix-login"]},
    )


def test_a_run_without_a_project_counts_under_its_directory_whether_or_not_its_transcript_is_read(
    git_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--by project` puts a plain run under the directory it worked in, as its agent's own log is:
    the same run is not `-` from its trajectory alone and the directory's name once its transcript is
    read beside it."""
    agent_session = "5b0c2d7e-0000-4000-8000-00000000a004"
    logs = tmp_path / "logs"
    run = Run(prompt="Fix login", agent="claude", cwd=str(git_repo), session_id=agent_session,
              session_ids=[agent_session])  # fmt: skip
    recorder = Recorder(context.hooks(), run, base_path_for(run, logs / "trajectories"))
    recorder.start()
    recorder.add(Step("user", text="Fix login"))
    recorder.add(Step("assistant", text="Fixed.", usage=Usage(input_tokens=100, output_tokens=10), turn=1))
    recorder.finish(status="success")
    _transcript(RUN_TRANSCRIPT, agent_session, logs / "claude")

    alone = _rows(capsys, logs / "trajectories", "project")
    beside = _rows(capsys, logs, "project")

    assert alone == {f"claude:{run.run_id}": [git_repo.name]}
    assert beside == {f"claude:{agent_session}": [git_repo.name]}
