"""``autopilot hooks install [--force] [--all-files]`` and ``autopilot hooks uninstall``: git integration.

``install`` runs every entry of :data:`INSTALLERS` in order, ``uninstall`` undoes them in reverse.
The built-in entry installs a git ``pre-commit`` hook (in the directory git uses for hooks, so
``core.hooksPath`` is honoured) that runs ``autopilot redact --check --staged`` and refuses the commit
if a secret is found. It checks the staged content (the index, what the commit records), not the
working copy, of the staged files under the trajectory folder (config ``output_dir``, default
``docs/logs/``) and ``.autopilot/``; installed with ``--all-files``, of every staged file.

Extending: other git integration (for example the merge driver for ``.autopilot/`` YAML files) is
added by appending an :class:`Installer` to :data:`INSTALLERS`, so that one ``autopilot hooks install``
sets everything up::

    from autopilot.cli.git_hooks import INSTALLERS, Installer

    INSTALLERS.append(Installer("merge-driver", install_merge_driver, uninstall_merge_driver))

An installer's functions receive a :class:`GitSetup` and return one line for the user; they raise
:class:`~autopilot.core.errors.AutopilotError` to refuse (the remaining installers do not run).
Installers must be idempotent: running ``install`` twice leaves the same result as running it once.

Safety: an existing ``pre-commit`` hook that autopilot did not write is never overwritten silently.
Without ``--force`` install refuses and says so; with ``--force`` the existing hook is kept as
``pre-commit.autopilot-chained`` and runs first (``uninstall`` puts it back).
"""

from __future__ import annotations

import json
import os
import shlex
import stat
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Final

from cyclopts import App, Parameter

from autopilot.cli import context
from autopilot.cli.issues import install_merge_driver, uninstall_merge_driver
from autopilot.core.errors import AutopilotError, BadInputError, ExitCode

hooks_app = App(
    name="hooks",
    help="Install or remove autopilot's git hooks: a secret check of the staged trajectory folder and "
    ".autopilot/ (or every staged file) before each commit, and the .autopilot/ merge driver.",
)

HOOK_MARKER: Final = "# autopilot pre-commit hook"
CHAINED_SUFFIX: Final = ".autopilot-chained"


@dataclass(frozen=True)
class GitSetup:
    """What an installer needs to know about the repository."""

    repo_root: Path
    hooks_dir: Path
    #: The paths the pre-commit hook checks, relative to *repo_root* and ending in ``/``; empty with
    #: *all_files*.
    guarded: tuple[str, ...]
    force: bool
    all_files: bool = False


@dataclass(frozen=True)
class Installer:
    """One piece of git integration: a name and how to install and uninstall it."""

    name: str
    install: Callable[[GitSetup], str]
    uninstall: Callable[[GitSetup], str]


def guarded_paths(repo_root: Path) -> tuple[str, ...]:
    """The trajectory folder (``output_dir``) and ``.autopilot/`` of the project, relative to *repo_root*.

    The project may sit in a subdirectory of the repository; a folder outside the repository is left
    out (nothing there is committed).
    """
    config = context.config()
    root = repo_root.resolve()
    paths: list[str] = []
    for folder in (config.project_dir / Path(config.output_dir).expanduser(), config.autopilot_dir):
        relative = Path(os.path.relpath(folder.resolve(), root))
        if relative.parts and relative.parts[0] == "..":
            context.warning(f"{folder}: outside the repository {root}; the pre-commit hook cannot check it")
            continue
        paths.append(relative.as_posix().rstrip("/") + "/")
    return tuple(dict.fromkeys(paths))


def _setup(force: bool, all_files: bool = False) -> GitSetup:
    from autopilot.core.git import Repository

    # hooks_dir() resolves core.hooksPath and worktrees the way git itself does.
    with Repository.open(Path.cwd()) as repo:
        root, hooks_dir = repo.root, repo.hooks_dir()
    guarded = () if all_files else guarded_paths(root)
    if not all_files and not guarded:
        raise BadInputError(
            "the trajectory folder and .autopilot/ are outside the repository; use --all-files"
        )
    return GitSetup(root, hooks_dir, guarded, force, all_files)


def _describe(setup: GitSetup) -> str:
    if setup.all_files:
        return "every staged file"
    return "staged files under " + " and ".join(setup.guarded)


def hook_script(paths: Sequence[str] | None, python: str | None = None) -> str:
    """The pre-commit hook: check the staged content of *paths* (None: every staged file) for secrets.

    *paths* are git pathspecs relative to the repository root (git runs the hook there).
    """
    python = python or sys.executable
    if paths is None:
        what, pathspecs = "any staged file", ""
    else:
        what, pathspecs = " or ".join(paths), " ".join(shlex.quote(path) for path in paths)
    return f"""#!/bin/sh
{HOOK_MARKER} (written by `autopilot hooks install`; remove with `autopilot hooks uninstall`).
# Refuses a commit whose staged content (not the working copy) adds a secret to {what}.
hook_dir=$(dirname "$0")
if [ -x "$hook_dir/pre-commit{CHAINED_SUFFIX}" ]; then
    "$hook_dir/pre-commit{CHAINED_SUFFIX}" "$@" || exit $?
fi
if [ -x {shlex.quote(python)} ]; then
    set -- {shlex.quote(python)} -m autopilot
elif command -v autopilot >/dev/null 2>&1; then
    set -- autopilot
else
    echo "autopilot pre-commit hook: autopilot is not installed; cannot check for secrets" >&2
    exit 1
fi
# Nothing to check: do not start Python.
git diff --cached --quiet --no-renames --diff-filter=ACMT -- {pathspecs} && exit 0
"$@" redact --check --staged -- {pathspecs}
status=$?
if [ $status -ne 0 ]; then
    echo "autopilot: secrets found in staged files (see above); commit refused." >&2
    echo "Redact them with: autopilot redact FILE > FILE.clean && mv FILE.clean FILE && git add FILE" >&2
    exit 1
fi
"""


#: The line the pre-commit framework (pre-commit.com) writes into the hooks it installs.
PRE_COMMIT_FRAMEWORK_MARKER = "File generated by pre-commit"


def _install_pre_commit(setup: GitSetup) -> str:
    hook = setup.hooks_dir / "pre-commit"
    chained = hook.with_name(hook.name + CHAINED_SUFFIX)
    note = ""
    if hook.exists():
        current = hook.read_text(encoding="utf-8", errors="replace")
        if HOOK_MARKER not in current:
            if not setup.force:
                framework = (
                    " (the pre-commit framework's: or add the autopilot-redact-check hook to your "
                    ".pre-commit-config.yaml, see docs/redaction.md)"
                    if PRE_COMMIT_FRAMEWORK_MARKER in current
                    else ""
                )
                raise AutopilotError(
                    f"{hook}: a pre-commit hook that autopilot did not write exists; "
                    f"rerun with --force to keep it (renamed {chained.name}, run first) and add autopilot's"
                    f"{framework}"
                )
            if chained.exists():
                raise AutopilotError(f"{chained}: exists already; move it away first")
            hook.rename(chained)
            note = f" (your hook now runs first, as {chained.name})"
        else:
            note = " (updated)"
    setup.hooks_dir.mkdir(parents=True, exist_ok=True)
    hook.write_text(hook_script(None if setup.all_files else setup.guarded), encoding="utf-8")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return f"pre-commit hook installed at {hook}{note}; it checks {_describe(setup)}"


def _uninstall_pre_commit(setup: GitSetup) -> str:
    hook = setup.hooks_dir / "pre-commit"
    chained = hook.with_name(hook.name + CHAINED_SUFFIX)
    if not hook.exists() or HOOK_MARKER not in hook.read_text(encoding="utf-8", errors="replace"):
        return f"no autopilot pre-commit hook at {hook}"
    hook.unlink()
    if chained.exists():
        chained.rename(hook)
        return f"pre-commit hook removed; your earlier hook is back at {hook}"
    return f"pre-commit hook removed from {hook}"


#: Everything ``autopilot hooks install`` sets up, in order (append to extend; see module docstring).
INSTALLERS: list[Installer] = [Installer("pre-commit", _install_pre_commit, _uninstall_pre_commit)]

# The issue store's field-aware merge driver for .autopilot/**/*.yaml (docs/issues.md, "Merging").
INSTALLERS.append(Installer("merge-driver", install_merge_driver, uninstall_merge_driver))


JsonFlag = Annotated[bool, Parameter(name="--json", negative="", help="Print JSON instead of text.")]


def _run_installers(setup: GitSetup, installers: Sequence[Installer], action: str, as_json: bool) -> int:
    results = []
    for installer in installers:
        # Under --json nothing is printed until all ran, so stdout holds one JSON document.
        message = getattr(installer, action)(setup)
        results.append({"name": installer.name, "message": message})
        if not as_json:
            context.echo(message)
    if as_json:
        data = {
            "action": action,
            "repo_root": str(setup.repo_root),
            "hooks_dir": str(setup.hooks_dir),
            "all_files": setup.all_files,
            "guarded_paths": list(setup.guarded),
            "installers": results,
        }
        context.echo(json.dumps(data, indent=2, ensure_ascii=False))
    return int(ExitCode.OK)


@hooks_app.command(name="install")
def install(
    *,
    force: Annotated[bool, Parameter(name="--force", negative="")] = False,
    all_files: Annotated[bool, Parameter(name="--all-files", negative="")] = False,
    json_output: JsonFlag = False,
) -> int:
    """Install the pre-commit hook that refuses commits of secrets, and the .autopilot/ merge driver.

    The hook checks what the commit records (the staged content, not the working copy) of the
    staged files under the trajectory folder (config ``output_dir``, default ``docs/logs/``) and
    ``.autopilot/``; with ``--all-files``, of every staged file. Install again to change that.

    Parameters
    ----------
    force
        Keep an existing foreign pre-commit hook by chaining it (it runs first) instead of refusing.
    all_files
        Guard the whole tree: check every staged file, not only the trajectory folder and .autopilot/.
    json_output
        Print what was installed as JSON.
    """
    return _run_installers(_setup(force, all_files), INSTALLERS, "install", json_output)


@hooks_app.command(name="uninstall")
def uninstall(*, json_output: JsonFlag = False) -> int:
    """Remove what `autopilot hooks install` set up (a chained earlier hook is put back).

    Parameters
    ----------
    json_output
        Print what was removed as JSON.
    """
    return _run_installers(_setup(False), list(reversed(INSTALLERS)), "uninstall", json_output)


__all__ = [
    "INSTALLERS",
    "GitSetup",
    "Installer",
    "guarded_paths",
    "hook_script",
    "hooks_app",
    "install",
    "uninstall",
]
