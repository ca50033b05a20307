"""`autopilot hooks install/uninstall`: a git pre-commit hook that refuses commits of secrets."""

from __future__ import annotations

import json
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


def _aws_key_pair() -> tuple[str, str]:
    rng = random.Random(23)
    key_id = "AKI" + "A" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ234567") for _ in range(16))
    secret = "".join(rng.choice("abcdefghijkLMNOPQRSTUVWXYZ0123456789/+") for _ in range(40))
    return key_id, secret


def _github_token() -> str:
    rng = random.Random(29)
    return "gh" + "p_" + "".join(rng.choice("abcdefghijkLMNOPQRST0123456789") for _ in range(36))


def test_hook_checks_the_staged_content_not_the_working_copy(git_repo: Path) -> None:
    """A secret that is staged but cleaned on disk afterwards still blocks the commit."""
    assert main(["hooks", "install"]) == 0
    key_id, secret = _aws_key_pair()
    _stage(
        git_repo,
        "docs/logs/run.env",
        f"AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\nGITHUB_TOKEN={_github_token()}\n",
    )
    (git_repo / "docs/logs/run.env").write_text("nothing to see\n")

    result = _commit(git_repo)
    output = result.stdout + result.stderr

    assert result.returncode == 1
    assert "docs/logs/run.env:1: aws_access_key_id" in output
    assert "docs/logs/run.env:3: github_token" in output
    assert key_id not in output


def test_all_files_guards_the_whole_tree(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Installed with --all-files, the hook refuses a secret staged anywhere, and says so at install."""
    assert main(["hooks", "install", "--all-files"]) == 0
    installed = capsys.readouterr().out
    _stage(git_repo, "src/settings.example", f"GITHUB_TOKEN={_github_token()}\n")

    result = _commit(git_repo)

    assert "it checks every staged file" in installed
    assert result.returncode == 1
    assert "src/settings.example:1: github_token" in result.stdout + result.stderr


def test_install_names_the_guarded_paths(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Install says which paths the hook checks: the configured output_dir and .autopilot/."""
    (git_repo / ".autopilot").mkdir()
    (git_repo / ".autopilot" / "config.yaml").write_text("output_dir: runs/traces\n")

    assert main(["hooks", "install"]) == 0

    assert "it checks staged files under runs/traces/ and .autopilot/" in capsys.readouterr().out


def test_install_and_uninstall_json(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one JSON document naming each installer, the hooks directory and the guarded paths."""
    assert main(["hooks", "install", "--json"]) == 0
    installed = json.loads(capsys.readouterr().out)
    assert main(["hooks", "uninstall", "--json"]) == 0
    removed = json.loads(capsys.readouterr().out)

    assert (installed["action"], installed["all_files"], installed["guarded_paths"]) == (
        "install",
        False,
        ["docs/logs/", ".autopilot/"],
    )
    assert installed["hooks_dir"] == str(git_repo / ".git" / "hooks")
    assert [i["name"] for i in installed["installers"]] == ["pre-commit", "merge-driver"]
    assert [i["name"] for i in removed["installers"]] == ["merge-driver", "pre-commit"]
    assert removed["installers"][1]["message"].startswith("pre-commit hook removed")
