"""`autopilot hooks install/uninstall`: a git pre-commit hook that refuses commits of secrets."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from autopilot.cli import main
from autopilot.cli.git_hooks import HOOK_MARKER, INSTALLERS


def _commit(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-qm", "test"], cwd=repo, capture_output=True, text=True, check=False
    )


def _stage(repo: Path, relative: str, text: str) -> None:
    path = repo / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    subprocess.run(["git", "add", relative], cwd=repo, check=True)


def _secret() -> str:
    rng = random.Random(11)
    return "np" + "m_" + "".join(rng.choice("abcdefGHIJKL0123456789") for _ in range(36))


def test_install_refuses_secret_in_trajectory(git_repo: Path) -> None:
    """After install, a commit staging a secret under docs/logs is refused and names file:line."""
    assert main(["hooks", "install"]) == 0
    _stage(git_repo, "docs/logs/run.json", f'{{"out": "{_secret()}"}}\n')

    result = _commit(git_repo)

    assert result.returncode == 1
    assert "docs/logs/run.json:1: npm_token" in result.stdout + result.stderr


def test_clean_and_unrelated_files_commit(git_repo: Path) -> None:
    """Clean trajectory files commit; files outside the checked folders are not checked."""
    main(["hooks", "install"])
    _stage(git_repo, ".autopilot/issues/1.yaml", "title: fix [REDACTED:npm_token]\n")
    _stage(git_repo, "src/settings.example", f"NPM_TOKEN={_secret()}\n")

    assert _commit(git_repo).returncode == 0


def test_install_is_idempotent_and_honours_hooks_path(git_repo: Path) -> None:
    """core.hooksPath is honoured and installing twice leaves one identical hook."""
    subprocess.run(["git", "config", "core.hooksPath", ".githooks"], cwd=git_repo, check=True)
    main(["hooks", "install"])
    first = (git_repo / ".githooks" / "pre-commit").read_text()

    main(["hooks", "install"])

    assert (git_repo / ".githooks" / "pre-commit").read_text() == first
    assert HOOK_MARKER in first


def test_foreign_hook_is_not_clobbered(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An existing hook autopilot did not write makes install refuse (exit 1) unless --force."""
    hook = git_repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho mine\n")
    hook.chmod(0o755)

    assert main(["hooks", "install"]) == 1
    assert "rerun with --force" in capsys.readouterr().err
    assert hook.read_text() == "#!/bin/sh\necho mine\n"


def test_force_chains_and_uninstall_restores(git_repo: Path) -> None:
    """--force keeps the foreign hook (it runs first); uninstall puts it back."""
    hook = git_repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho mine-ran\n")
    hook.chmod(0o755)

    assert main(["hooks", "install", "--force"]) == 0
    _stage(git_repo, "docs/logs/a.txt", "fine\n")
    result = _commit(git_repo)
    assert "mine-ran" in result.stdout + result.stderr

    assert main(["hooks", "uninstall"]) == 0
    assert hook.read_text() == "#!/bin/sh\necho mine-ran\n"


def test_installers_are_extensible() -> None:
    """Other git integration plugs into `hooks install` through the INSTALLERS list."""
    assert "pre-commit" in {installer.name for installer in INSTALLERS}


def test_outside_a_repository(capsys: pytest.CaptureFixture[str]) -> None:
    """Outside a git repository install fails with one error line and exit 2."""
    assert main(["hooks", "install"]) == 2
    assert capsys.readouterr().err.startswith("error: not a git repository")
