"""`git autopilot -h` and `git autopilot --help` (the man page) work after installation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.installed import ROOT, install_git_autopilot

sys.path.insert(0, str(ROOT / "tools"))
import gen_man_page

COMMANDS = ("run", "resume", "analyze", "issue", "merge-driver")


@pytest.fixture(scope="module")
def installed_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin directory of a fresh environment with git-autopilot installed from this checkout."""
    return install_git_autopilot(tmp_path_factory.mktemp("installed") / "venv")


def git_autopilot(bin_dir: Path, repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `git autopilot ARGS` in *repo* as a user does: the environment's bin on PATH, no MANPATH."""
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "MANWIDTH": "100"}
    env.pop("MANPATH", None)
    env.pop("VIRTUAL_ENV", None)
    # git's defaults (help.format=man), whatever this machine's git configuration says.
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return subprocess.run(
        ["git", "autopilot", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_git_autopilot_h_lists_the_commands(installed_bin: Path, tmp_path: Path) -> None:
    """`git autopilot -h` prints the usage and every command, and exits 0."""
    result = git_autopilot(installed_bin, tmp_path / "repo", "-h")

    assert result.returncode == 0, result.stderr
    assert "Usage: autopilot COMMAND" in result.stdout
    assert all(f" {name} " in result.stdout for name in COMMANDS)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("man") is None, reason="man is not installed")
def test_git_autopilot_help_opens_the_man_page(installed_bin: Path, tmp_path: Path) -> None:
    """`git autopilot --help` opens the installed git-autopilot(1) page: every command and its options."""
    result = git_autopilot(installed_bin, tmp_path / "repo", "--help")

    assert result.returncode == 0, result.stderr
    assert "GIT-AUTOPILOT(1)" in result.stdout
    assert all(f"autopilot {name}" in result.stdout for name in COMMANDS)
    assert "--max-budget" in result.stdout


def test_man_page_is_up_to_date() -> None:
    """man/git-autopilot.1 is what tools/gen_man_page.py generates from the commands' help."""
    expected = gen_man_page.render()

    assert (ROOT / "man" / "git-autopilot.1").read_text() == expected, (
        "run: uv run python tools/gen_man_page.py"
    )
