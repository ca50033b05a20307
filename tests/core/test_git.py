"""Git through one module: HEAD and branch, status, committing and stashing exactly the paths given, push."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from autopilot.core.errors import BadInputError
from autopilot.core.git import GitError, Repository, head, identity, parse_status, stage, toplevel


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def make_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "T")
    git(path, "config", "user.email", "t@example.invalid")
    return path


def commit(repo: Path, name: str) -> str:
    (repo / name).write_text(name)
    git(repo, "add", name)
    git(repo, "commit", "-qm", name)
    return git(repo, "rev-parse", "HEAD")


def test_head_matches_git(tmp_path: Path) -> None:
    """HEAD and branch as git reports them: loose refs, packed refs, subdirectories, detached HEAD."""
    repo = make_repo(tmp_path / "repo")
    assert head(repo) == (None, "main")  # no commit yet
    first = commit(repo, "a")
    (repo / "sub" / "deeper").mkdir(parents=True)
    assert head(repo / "sub" / "deeper") == (first, "main")
    git(repo, "checkout", "-q", "-b", "feature/x")
    second = commit(repo, "b")
    git(repo, "pack-refs", "--all")
    assert head(repo) == (second, "feature/x")
    git(repo, "checkout", "-q", "--detach", first)
    assert head(repo) == (first, None)
    assert head(tmp_path) == (None, None)


def test_identity_is_who_git_would_name_as_the_author(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The identity is the repository's `user.name`/`user.email`, and GIT_AUTHOR_* win, as for a commit."""
    repo = make_repo(tmp_path / "repo")

    configured = identity(repo)
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Ana Lima")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "ana@example.invalid")

    assert configured == "T <t@example.invalid>"
    assert identity(repo) == "Ana Lima <ana@example.invalid>"


def test_head_in_a_linked_worktree(tmp_path: Path) -> None:
    """A linked worktree (``.git`` is a file) reports its own branch and commit."""
    repo = make_repo(tmp_path / "repo")
    base = commit(repo, "a")
    git(repo, "worktree", "add", "-q", "-b", "side", str(tmp_path / "wt"))
    side = commit(tmp_path / "wt", "b")

    assert head(tmp_path / "wt") == (side, "side")
    assert head(repo) == (base, "main")


def test_status_keeps_every_path_whole(tmp_path: Path) -> None:
    """A file changed only in the working tree keeps its name's first letter (`` M calc.py``)."""
    repo = make_repo(tmp_path / "repo")
    commit(repo, "calc.py")
    (repo / "calc.py").write_text("changed")
    (repo / "new dir").mkdir()
    (repo / "new dir" / "notes.txt").write_text("n")

    with Repository.open(repo) as opened:
        changes = opened.status()

    assert changes == {"calc.py": " M", "new dir/notes.txt": "??"}


def test_status_names_both_sides_of_a_rename() -> None:
    """A staged rename lists the new and the old path."""
    assert parse_status("R  new.py\0old.py\0 M other.py\0") == {
        "new.py": "R ",
        "old.py": "R ",
        "other.py": " M",
    }


def test_commit_takes_exactly_the_paths_given(tmp_path: Path) -> None:
    """Only the named paths are committed; what a person had staged stays staged, the rest untouched."""
    repo = make_repo(tmp_path / "repo")
    commit(repo, "README")
    for name in ("mine.txt", "staged.txt", "*.txt", "other.txt"):
        (repo / name).write_text(name)
    git(repo, "add", "staged.txt")

    with Repository.open(repo) as opened:
        sha = opened.commit(["mine.txt", "*.txt"], "work")
        again = opened.commit(["mine.txt"], "nothing new")

    committed = git(repo, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert sha == git(repo, "rev-parse", "HEAD") and again is None
    assert sorted(committed) == ["*.txt", "mine.txt"]
    assert git(repo, "diff", "--cached", "--name-only") == "staged.txt"
    assert "?? other.txt" in git(repo, "status", "--porcelain")


def test_first_commit_of_a_new_repository(tmp_path: Path) -> None:
    """A repository made with init takes its first commit (the demo's)."""
    (tmp_path / "greet.py").write_text("x")

    with Repository.init(tmp_path) as repo:
        repo.set_config("user.name", "Demo")
        repo.set_config("user.email", "demo@example.invalid")
        sha = repo.commit(["greet.py"], "first")
        branch = repo.head()[1]

    assert (sha, branch) == (git(tmp_path, "rev-parse", "HEAD"), "main")


def test_stash_takes_exactly_the_paths_given(tmp_path: Path) -> None:
    """Stashing named paths (untracked ones included) leaves every other change where it was."""
    repo = make_repo(tmp_path / "repo")
    commit(repo, "tracked.txt")
    (repo / "tracked.txt").write_text("agent's change")
    (repo / "created.txt").write_text("agent's file")
    (repo / "keep.txt").write_text("the person's file")

    with Repository.open(repo) as opened:
        stashed = opened.stash(["tracked.txt", "created.txt"], "attempt")
        nothing = opened.stash(["tracked.txt"], "again")

    assert (stashed, nothing) == (True, False)
    assert git(repo, "status", "--porcelain") == "?? keep.txt"
    assert "attempt" in git(repo, "stash", "list")


def test_push_sends_the_branch_and_says_when_it_cannot(tmp_path: Path) -> None:
    """Without a remote push says so; with one the branch arrives there."""
    repo = make_repo(tmp_path / "repo")
    sha = commit(repo, "a")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))

    with Repository.open(repo) as opened:
        without = opened.push()
        git(repo, "remote", "add", "origin", str(remote))
        pushed = opened.push()

    assert without == "no git remote is configured; nothing was pushed"
    assert pushed is None and git(remote, "rev-parse", "main") == sha


def test_outside_a_repository(tmp_path: Path) -> None:
    """find says None and open is a usage error naming the directory."""
    assert Repository.find(tmp_path) is None
    with pytest.raises(BadInputError, match="not a git repository"):
        Repository.open(tmp_path)


def test_ignored_paths_are_left_out(tmp_path: Path) -> None:
    """A path git ignores (a gitignored trajectory folder) is skipped, not an error; deletions commit."""
    repo = make_repo(tmp_path / "repo")
    (repo / ".gitignore").write_text("logs/\n")
    commit(repo, "gone.txt")
    (repo / "gone.txt").unlink()
    (repo / "logs").mkdir()
    (repo / "logs" / "run ä.json").write_text("{}")

    with Repository.open(repo) as opened:
        sha = opened.commit(["gone.txt", "logs/run ä.json"], "work")
        nothing = opened.commit(["logs/run ä.json"], "only ignored")

    assert git(repo, "show", "--name-status", "--format=", sha or "") == "D\tgone.txt"
    assert nothing is None


def test_stage_takes_exactly_the_paths_given(tmp_path: Path) -> None:
    """stage adds the named files only (a literal ``*.txt`` too), skips ignored ones, leaves others alone."""
    repo = make_repo(tmp_path / "repo")
    (repo / ".gitignore").write_text("logs/\n")
    (repo / "sub").mkdir()
    for name in ("*.txt", "a.txt", "sub/session.yaml", "untouched.txt"):
        (repo / name).write_text(name)
    (repo / "logs").mkdir()
    (repo / "logs" / "run.json").write_text("{}")

    assert toplevel(repo / "sub") == repo.resolve()
    staged = stage(repo, ["*.txt", "sub/session.yaml", "logs/run.json"])

    assert staged == ["*.txt", "sub/session.yaml"]
    assert git(repo, "diff", "--cached", "--name-only").splitlines() == ["*.txt", "sub/session.yaml"]
    assert toplevel(tmp_path) is None


def test_stage_waits_for_another_git_and_names_a_failure(tmp_path: Path) -> None:
    """A held index.lock that goes away is waited for; a path that is not there is git's one-line error."""
    import threading

    repo = make_repo(tmp_path / "repo")
    (repo / "a.txt").write_text("a")
    lock = repo / ".git" / "index.lock"
    lock.write_text("")
    released = threading.Timer(0.3, lock.unlink)
    released.start()
    try:
        assert stage(repo, ["a.txt"]) == ["a.txt"]
    finally:
        released.join()
    with pytest.raises(GitError, match="did not match any files"):
        stage(repo, ["missing.txt"])


def test_staged_blobs_are_what_a_commit_would_record(tmp_path: Path) -> None:
    """The staged content is read, not the working copy; unstaged files and deletions are not listed."""
    repo = make_repo(tmp_path / "repo")
    commit(repo, "old.txt")
    (repo / "logs").mkdir()
    (repo / "logs" / "run.txt").write_text("staged\n")
    git(repo, "add", "logs/run.txt")
    (repo / "logs" / "run.txt").write_text("changed on disk\n")
    (repo / "unstaged.txt").write_text("not added\n")
    git(repo, "rm", "-q", "old.txt")

    with Repository.open(repo) as opened:
        staged = list(opened.staged_blobs())
        under_docs = list(opened.staged_blobs(["docs"]))

    assert staged == [("logs/run.txt", b"staged\n")]
    assert under_docs == []


def test_trailers_name_each_commit_and_the_branch_holding_it(tmp_path: Path) -> None:
    """Commits with the trailers asked for come back with their values and branch: the commit's own
    branch, then the branch it was merged into once its own is deleted."""
    repo = make_repo(tmp_path / "repo")
    commit(repo, "a")
    git(repo, "checkout", "-q", "-b", "fix")
    (repo / "b").write_text("b")
    git(repo, "add", "b")
    git(
        repo, "commit", "-qm", "autopilot: fix\n\nDone.\n\nAutopilot-Issue: i-1\nAutopilot-Run: r-1\nOther: x"
    )
    work = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "main")
    git(repo, "commit", "-q", "--allow-empty", "-m", "says Autopilot-Run: in the text only\n\nno trailer")
    git(repo, "commit", "-q", "--allow-empty", "-m", "autopilot: create issue\n\nAutopilot-Issue: i-2")
    created = git(repo, "rev-parse", "HEAD")

    with Repository.open(repo) as ours:
        before = ours.trailers("Autopilot-Issue", "Autopilot-Run")
        git(repo, "merge", "-q", "--no-ff", "fix", "-m", "merge fix")
        git(repo, "branch", "-q", "-D", "fix")
        after = ours.trailers("Autopilot-Run")

    assert {sha: (branch, values) for sha, branch, values in before} == {
        created: ("main", {"Autopilot-Issue": "i-2"}),
        work: ("fix", {"Autopilot-Issue": "i-1", "Autopilot-Run": "r-1"}),
    }
    assert after == [(work, "main", {"Autopilot-Run": "r-1"})]
