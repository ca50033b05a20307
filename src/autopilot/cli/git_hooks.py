"""``autopilot hooks install [--force]`` and ``autopilot hooks uninstall``: git integration.

``install`` runs every entry of :data:`INSTALLERS` in order, ``uninstall`` undoes them in reverse.
The built-in entry installs a git ``pre-commit`` hook (in the directory git uses for hooks, so
``core.hooksPath`` is honoured) that runs ``autopilot redact --check`` on the staged files under the
trajectory folder (config ``output_dir``, default ``docs/logs``) and ``.autopilot/``, and refuses the
commit if any holds a secret.

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

import shlex
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Final

from cyclopts import App, Parameter

from autopilot.cli import context
from autopilot.cli.issues import install_merge_driver, uninstall_merge_driver
from autopilot.core.config import CONFIG_DIR
from autopilot.core.errors import AutopilotError, BadInputError, ExitCode

hooks_app = App(name="hooks", help="Install or remove autopilot's git hooks (secret check before commit).")

HOOK_MARKER: Final = "# autopilot pre-commit hook"
CHAINED_SUFFIX: Final = ".autopilot-chained"


@dataclass(frozen=True)
class GitSetup:
    """What an installer needs to know about the repository."""

    repo_root: Path
    hooks_dir: Path
    output_dir: str
    force: bool


@dataclass(frozen=True)
class Installer:
    """One piece of git integration: a name and how to install and uninstall it."""

    name: str
    install: Callable[[GitSetup], str]
    uninstall: Callable[[GitSetup], str]


def _git(repo: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise AutopilotError(f"cannot run git: {exc}") from None
    if result.returncode != 0:
        raise BadInputError(f"not a git repository (git {' '.join(args)}: {result.stderr.strip()})")
    return result.stdout.strip()


def _setup(force: bool) -> GitSetup:
    cwd = Path.cwd()
    root = Path(_git(cwd, "rev-parse", "--show-toplevel"))
    # --git-path resolves core.hooksPath and worktrees the way git itself does.
    hooks_dir = Path(_git(root, "rev-parse", "--git-path", "hooks"))
    if not hooks_dir.is_absolute():
        hooks_dir = root / hooks_dir
    return GitSetup(root, hooks_dir, context.config().output_dir, force)


def hook_script(output_dir: str, python: str | None = None) -> str:
    """The pre-commit hook: check staged files under *output_dir* and ``.autopilot/`` for secrets."""
    python = python or sys.executable
    folders = " ".join(shlex.quote(folder.rstrip("/")) for folder in (output_dir, CONFIG_DIR))
    return f"""#!/bin/sh
{HOOK_MARKER} (written by `autopilot hooks install`; remove with `autopilot hooks uninstall`).
# Refuses a commit that adds a secret under the trajectory folder or {CONFIG_DIR}/.
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
files=$(git diff --cached --name-only --diff-filter=ACMR -- {folders})
[ -z "$files" ] && exit 0
git diff --cached --name-only -z --diff-filter=ACMR -- {folders} | xargs -0 "$@" redact --check
status=$?
if [ $status -ne 0 ]; then
    echo "autopilot: secrets found in staged files (see above); commit refused." >&2
    echo "Redact them with: autopilot redact FILE > FILE.clean && mv FILE.clean FILE" >&2
    exit 1
fi
"""


def _install_pre_commit(setup: GitSetup) -> str:
    hook = setup.hooks_dir / "pre-commit"
    chained = hook.with_name(hook.name + CHAINED_SUFFIX)
    note = ""
    if hook.exists():
        current = hook.read_text(encoding="utf-8", errors="replace")
        if HOOK_MARKER not in current:
            if not setup.force:
                raise AutopilotError(
                    f"{hook}: a pre-commit hook that autopilot did not write exists; "
                    f"rerun with --force to keep it (renamed {chained.name}, run first) and add autopilot's"
                )
            if chained.exists():
                raise AutopilotError(f"{chained}: exists already; move it away first")
            hook.rename(chained)
            note = f" (your hook now runs first, as {chained.name})"
        else:
            note = " (updated)"
    setup.hooks_dir.mkdir(parents=True, exist_ok=True)
    hook.write_text(hook_script(setup.output_dir), encoding="utf-8")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return f"pre-commit hook installed at {hook}{note}"


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


@hooks_app.command(name="install")
def install(*, force: Annotated[bool, Parameter(name="--force", negative="")] = False) -> int:
    """Install the git pre-commit hook that refuses commits of secrets (and other git integration).

    Parameters
    ----------
    force
        Keep an existing foreign pre-commit hook by chaining it (it runs first) instead of refusing.
    """
    setup = _setup(force)
    for installer in INSTALLERS:
        context.echo(installer.install(setup))
    return int(ExitCode.OK)


@hooks_app.command(name="uninstall")
def uninstall() -> int:
    """Remove what `autopilot hooks install` set up (a chained earlier hook is put back)."""
    setup = _setup(False)
    for installer in reversed(INSTALLERS):
        context.echo(installer.uninstall(setup))
    return int(ExitCode.OK)


__all__ = ["INSTALLERS", "GitSetup", "Installer", "hook_script", "hooks_app", "install", "uninstall"]
