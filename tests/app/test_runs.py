"""Library entry points: the repository facts a run records (HEAD and branch), read without gitpython."""

from __future__ import annotations

import subprocess
from pathlib import Path

from autopilot.app.runs import _repo_info


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


def test_repo_info_matches_git(tmp_path: Path) -> None:
    """HEAD and branch as git reports them: loose refs, packed refs, subdirectories, detached HEAD."""
    repo = make_repo(tmp_path / "repo")
    assert _repo_info(repo) == (None, "main")  # no commit yet
    first = commit(repo, "a")
    (repo / "sub" / "deeper").mkdir(parents=True)
    assert _repo_info(repo / "sub" / "deeper") == (first, "main")
    git(repo, "checkout", "-q", "-b", "feature/x")
    second = commit(repo, "b")
    git(repo, "pack-refs", "--all")
    assert _repo_info(repo) == (second, "feature/x")
    git(repo, "checkout", "-q", "--detach", first)
    assert _repo_info(repo) == (first, None)
    assert _repo_info(tmp_path) == (None, None)


def test_repo_info_in_a_linked_worktree(tmp_path: Path) -> None:
    """A linked worktree (``.git`` is a file) reports its own branch and commit."""
    repo = make_repo(tmp_path / "repo")
    base = commit(repo, "a")
    git(repo, "worktree", "add", "-q", "-b", "side", str(tmp_path / "wt"))
    side = commit(tmp_path / "wt", "b")

    assert _repo_info(tmp_path / "wt") == (side, "side")
    assert _repo_info(repo) == (base, "main")
