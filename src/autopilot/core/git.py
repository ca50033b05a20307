"""Git, the one way autopilot reaches it: a small :class:`Repository` over GitPython, and plain git
processes (:func:`head`, :func:`toplevel`, :func:`stage`) for what every run does, which must not pay
for GitPython's import.

Everything autopilot does with git goes through here: the commit a run starts from, what changed in
the working tree, committing or stashing exactly the paths a run changed, pushing, and the bits of
``git config`` that ``autopilot hooks install`` and the demo set, and the identity git would sign a
commit with (what the issue store records as who did something). GitPython runs the ``git`` command
for each of these, so worktrees, submodules, ``core.hooksPath`` and every ref storage behave exactly
as git itself says.

Paths given to :func:`stage`, :meth:`Repository.commit` and :meth:`Repository.stash` are literal
paths relative to the repository root (no pathspec magic, so a file named ``*.py`` is just that file).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar

from autopilot.core.errors import AutopilotError, BadInputError

if TYPE_CHECKING:
    import git

#: Attempts at an operation that found another git process holding ``index.lock``.
LOCK_RETRIES: Final = 40

T = TypeVar("T")


class GitError(AutopilotError):
    """A git command failed; the message is git's own first line."""


def _first_line(exc: git.GitCommandError) -> str:
    text = f"{exc.stderr or ''}\n{exc.stdout or ''}"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = lines[0] if lines else str(exc)
    return line.removeprefix("stderr: ").strip(" '")


def parse_status(output: str) -> dict[str, str]:
    """``git status --porcelain=v1 -z`` output as {path: two-letter status}.

    A rename or copy names both paths (the original with the same status); nothing is stripped, so
    a leading space of the status (`` M``: changed in the working tree only) is kept.
    """
    entries = output.split("\0")
    changes: dict[str, str] = {}
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        changes[path] = code
        if code[0] in "RC" and index < len(entries):
            changes[entries[index]] = code
            index += 1
    return changes


class Repository:
    """A git repository with a working tree.

    Open one with :meth:`find`, :meth:`open` or :meth:`init`, and close it when done (or use ``with``).
    """

    def __init__(self, repo: git.Repo) -> None:
        self._repo = repo

    @classmethod
    def find(cls, path: Path | str) -> Repository | None:
        """The repository holding *path*, or None when there is none (or it has no working tree)."""
        import git

        try:
            repo = git.Repo(path, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            return None
        if repo.working_tree_dir is None:  # a bare repository
            repo.close()
            return None
        return cls(repo)

    @classmethod
    def open(cls, path: Path | str) -> Repository:
        """The repository holding *path*; BadInputError when there is none."""
        repo = cls.find(path)
        if repo is None:
            raise BadInputError(f"not a git repository: {path}")
        return repo

    @classmethod
    def init(cls, path: Path | str, *, branch: str = "main") -> Repository:
        """A new repository at *path* whose first branch is *branch*."""
        import git

        return cls(git.Repo.init(path, initial_branch=branch))

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the helper processes GitPython may keep for reading objects."""
        self._repo.close()

    @property
    def root(self) -> Path:
        """The top of the working tree."""
        return Path(str(self._repo.working_tree_dir))

    # -- reading -------------------------------------------------------------------------------

    def head(self) -> tuple[str | None, str | None]:
        """(commit sha, branch name) of HEAD; None for what there is not (no commit yet, detached)."""
        sha = self._quiet(lambda: self._repo.git.rev_parse("--verify", "-q", "HEAD"))
        branch = self._quiet(lambda: self._repo.git.symbolic_ref("--short", "-q", "HEAD"))
        return sha or None, branch or None

    def operation_in_progress(self) -> str | None:
        """The git operation this working tree is in the middle of ("a merge", "a rebase",
        "a cherry-pick", "a revert"), or None.

        ``git commit PATH`` is refused during any of them, and a ``post-merge`` hook runs while git
        still holds the merge's state (``MERGE_HEAD``).
        """
        names = {
            "MERGE_HEAD": "a merge",
            "rebase-merge": "a rebase",
            "rebase-apply": "a rebase",
            "CHERRY_PICK_HEAD": "a cherry-pick",
            "REVERT_HEAD": "a revert",
        }
        args = [arg for name in names for arg in ("--git-path", name)]
        paths = self._run(lambda: self._repo.git.rev_parse(*args)).splitlines()
        for name, path in zip(names, paths, strict=True):
            if (self.root / path).exists():  # relative paths are relative to the working tree's top
                return f"{names[name]} ({path})"
        return None

    def status(self, pathspec: Sequence[str] = ()) -> dict[str, str]:
        """Changed and untracked files (every untracked file, not its directory) as {path: status}.

        *pathspec* limits the answer (git's pathspec syntax, magic included); paths are relative to
        the repository root.
        """
        output = self._run(
            lambda: self._repo.git.status("--porcelain=v1", "-z", "--untracked-files=all", "--", *pathspec)
        )
        return parse_status(output)

    def staged_blobs(self, pathspec: Sequence[str] = ()) -> Iterator[tuple[str, bytes]]:
        """(path, content) of every file ``git commit`` would record as added, copied, modified or
        type-changed: the index's blobs, not the working copy (``GIT_INDEX_FILE`` is honoured, so the
        temporary index of ``git commit -a`` or ``git commit PATH`` is the one read).

        *pathspec* is relative to the repository root; submodules have no blob and are skipped.
        """
        # --raw gives each path's staged blob id; --no-renames lists a renamed file as added.
        raw = self._run(
            lambda: self._repo.git.diff(
                "--cached", "--raw", "-z", "--no-abbrev", "--no-renames", "--diff-filter=ACMT",
                "--", *pathspec, stdout_as_string=False,
            )
        )  # fmt: skip
        fields = bytes(raw).split(b"\0")
        for header, path in zip(fields[0::2], fields[1::2], strict=False):
            # ":old_mode new_mode old_blob new_blob status"
            _old_mode, new_mode, _old_blob, blob, _status = header.decode().lstrip(":").split(" ")
            if new_mode != "160000":
                content = self._repo.odb.stream(bytes.fromhex(blob)).read()
                yield path.decode("utf-8", errors="surrogateescape"), content

    def hooks_dir(self) -> Path:
        """The directory git runs hooks from (``core.hooksPath`` and worktrees honoured)."""
        return self.git_path("hooks")

    def git_path(self, name: str) -> Path:
        """*name* in this working tree's git directory (``git rev-parse --git-path``: each linked
        worktree has its own)."""
        path = Path(self._run(lambda: self._repo.git.rev_parse("--git-path", name)))
        return path if path.is_absolute() else self.root / path

    def remotes(self) -> list[str]:
        return [remote.name for remote in self._repo.remotes]

    def trailers(self, *keys: str) -> list[tuple[str, str | None, dict[str, str]]]:
        """Every commit on a local branch whose message has one of the trailers *keys*, newest first:
        (sha, a branch holding it, {key: value}), read with one ``git log``.

        The branch is the one ``git log --branches --source`` reached the commit from: its own branch
        while that exists, the branch it was merged into once its own is deleted.
        """
        options = ",".join(f"key={key}" for key in keys)
        output = self._quiet(
            lambda: self._repo.git.log(
                "--branches", "--source", "--regexp-ignore-case", *(f"--grep=^{key}:" for key in keys),
                f"--format=%H%x1f%S%x1f%(trailers:{options},unfold,separator=%x1f)",
            )
        )  # fmt: skip
        found = []
        for line in output.splitlines():
            sha, source, *pairs = line.split("\x1f")
            values = dict(pair.split(": ", 1) for pair in pairs if ": " in pair)
            if values:
                found.append((sha, source.removeprefix("refs/heads/") or None, values))
        return found

    # -- changing ------------------------------------------------------------------------------

    def add(self, paths: Iterable[str]) -> list[str]:
        """Stage exactly *paths* (new, changed or deleted files), except those git ignores; returns
        the paths staged (see :func:`stage`)."""
        return stage(self.root, paths)

    def commit(self, paths: Iterable[str], message: str) -> str | None:
        """Stage and commit exactly *paths* (those git ignores left out); anything else that was staged
        stays staged.

        Returns the new commit's sha, or None when none of *paths* changed.
        """
        paths = self.add(paths)
        if not paths:
            return None
        if not self._run(lambda: self._literal.diff("--cached", "--name-only", "--", *paths)).strip():
            return None
        self._run(lambda: self._literal.commit("--quiet", "-m", message, "--only", "--", *paths))
        return self.head()[0]

    def stash(self, paths: Iterable[str], message: str) -> bool:
        """Put the changes to *paths* (untracked files included) aside with ``git stash``.

        Returns whether anything was stashed.
        """
        paths = [path for path in paths if path in self.status()]
        if not paths:
            return False
        self._run(
            lambda: self._literal.stash("push", "--include-untracked", "--quiet", "-m", message, "--", *paths)
        )
        return True

    def push(self) -> str | None:
        """Push the current branch to its remote (``origin`` if there are several), never forced.

        Returns a one-line problem for the user, or None when the push went through.
        """
        remotes = self.remotes()
        if not remotes:
            return "no git remote is configured; nothing was pushed"
        _, branch = self.head()
        if branch is None:
            return "HEAD is not on a branch; nothing was pushed"
        remote = "origin" if "origin" in remotes else remotes[0]
        try:
            self._run(lambda: self._repo.git.push(remote, f"HEAD:refs/heads/{branch}"))
        except GitError as exc:
            return f"git push {remote} {branch} failed: {exc}"
        return None

    def set_config(self, key: str, value: str) -> None:
        """``git config KEY VALUE`` in this repository (e.g. ``user.name`` for its commits)."""
        self._run(lambda: self._repo.git.config(key, value))

    def remove_config_section(self, name: str) -> None:
        """``git config --remove-section NAME``; nothing happens when there is no such section."""
        self._quiet(lambda: self._repo.git.config("--remove-section", name))

    # -- helpers -------------------------------------------------------------------------------

    @property
    def _literal(self) -> git.Git:
        """The git command with pathspec magic off: every path means exactly that file."""
        return self._repo.git(literal_pathspecs=True)

    @staticmethod
    def _run(operation: Callable[[], T]) -> T:
        """Run a git *operation*, waiting for another git process's ``index.lock``; GitError on failure."""
        import git

        for attempt in range(LOCK_RETRIES):
            try:
                return operation()
            except git.GitCommandError as exc:
                if "index.lock" in f"{exc.stderr}{exc.stdout}" and attempt + 1 < LOCK_RETRIES:
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise GitError(_first_line(exc)) from None
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _quiet(operation: Callable[[], str]) -> str:
        """*operation*'s output, or "" when git says no (an unknown ref, a missing section)."""
        import git

        try:
            return operation()
        except git.GitCommandError:
            return ""


def _git(root: Path | str, *args: str, ok: tuple[int, ...] = (0,)) -> str:
    """``git ARGS`` run in *root*: its output; GitError with git's first line when it fails, after
    waiting for another git process's ``index.lock``."""
    for attempt in range(LOCK_RETRIES):
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=300, check=False
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise GitError(f"cannot run git: {exc}") from None
        if done.returncode in ok:
            return done.stdout
        if "index.lock" in done.stderr and attempt + 1 < LOCK_RETRIES:
            time.sleep(0.05 * (attempt + 1))
            continue
        lines = [line.strip() for line in f"{done.stderr}\n{done.stdout}".splitlines() if line.strip()]
        raise GitError(lines[0] if lines else f"git {args[0]} failed ({done.returncode})")
    raise AssertionError("unreachable")  # pragma: no cover


def stage(root: Path | str, paths: Iterable[str]) -> list[str]:
    """Stage exactly *paths* (relative to the repository *root*; literal, no pathspec magic) with
    their deletions, except those git ignores; returns the paths staged.

    Plain git processes, like :func:`head`: the issue store stages a run's session after every run,
    and GitPython's import would cost more than the staging itself.
    """
    paths = list(paths)
    if not paths:
        return []
    # check-ignore takes plain path names (it refuses the literal-pathspec option); unquoted output,
    # so names with non-ASCII letters come back as given. Exit 1 means none is ignored.
    ignored = set(
        _git(root, "-c", "core.quotePath=false", "check-ignore", "--", *paths, ok=(0, 1)).splitlines()
    )
    paths = [path for path in paths if path not in ignored]
    if paths:
        _git(root, "--literal-pathspecs", "add", "--all", "--", *paths)
    return paths


def toplevel(path: Path | str) -> Path | None:
    """The top of the working tree holding *path*; None outside any repository or in a bare one."""
    root = _ask(path, "rev-parse", "--show-toplevel")
    return Path(root) if root else None


def is_bare(path: Path | str) -> bool:
    """Whether *path* is (inside) a bare repository: a git directory with no working tree."""
    return _ask(path, "rev-parse", "--is-bare-repository") == "true"


def _ask(path: Path | str, *args: str) -> str | None:
    """``git ARGS`` run in *path*: its output, or None when git fails (or is missing)."""
    try:
        return _git(path, *args).strip() or None
    except GitError:
        return None


def identity(path: Path | str) -> str | None:
    """``Name <email>``: who git would name as the author of a commit made in *path*; None when git
    cannot tell (no ``user.name``/``user.email`` and nothing to guess from).

    Git decides, so everything it honours applies: ``GIT_AUTHOR_NAME``/``GIT_AUTHOR_EMAIL``,
    ``author.*`` and ``user.*`` in the repository's or the user's configuration, ``EMAIL``.
    """
    ident = _ask(path, "var", "GIT_AUTHOR_IDENT")  # "Name <email> 1764000000 +0000"
    if ident is None or ">" not in ident:
        return None
    return ident[: ident.rindex(">") + 1]


def head(path: Path | str) -> tuple[str | None, str | None]:
    """(commit sha, branch) of the repository holding *path*; (None, None) outside any repository.

    Every run records these before its agent starts, so this one asks git directly instead of going
    through GitPython, whose import alone costs about 0.1 s: more than all of autopilot's own work
    on a short run.
    """

    # One process in the usual case: the commit, then the branch ("HEAD" when detached).
    both = _ask(path, "rev-parse", "HEAD", "--abbrev-ref", "HEAD")
    if both is not None and len(both.splitlines()) == 2:
        sha, branch = both.splitlines()
        return sha, None if branch == "HEAD" else branch
    return None, _ask(path, "symbolic-ref", "--short", "-q", "HEAD")  # no commit yet, or no repository


__all__ = ["GitError", "Repository", "head", "identity", "is_bare", "parse_status", "stage", "toplevel"]
