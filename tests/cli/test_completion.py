"""``autopilot completion bash|zsh|fish``: scripts that install as docs/reference/cli.md says."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autopilot.cli import main


def script(shell: str, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["completion", shell])
    out = capsys.readouterr().out
    assert code == 0
    return out


def bash_complete(script_path: Path, *words: str) -> list[str]:
    """What bash offers for the last of *words*, with the script loaded (as ``source`` does)."""
    array = " ".join(f"'{word}'" for word in ("autopilot", *words))
    program = (
        f'source "{script_path}"; COMP_WORDS=({array}); COMP_CWORD={len(words)}; '
        '_autopilot; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    result = subprocess.run(["bash", "-c", program], capture_output=True, text=True, check=True)
    return result.stdout.split()


def test_bash_script_is_valid_and_completes_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bash script parses (bash -n) and completes command names, options and the shell choices."""
    path = tmp_path / "autopilot"
    path.write_text(script("bash", capsys))

    syntax = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)

    assert syntax.returncode == 0, syntax.stderr
    assert bash_complete(path, "ru") == ["run"]
    assert bash_complete(path, "issue", "cr") == ["create"]
    assert bash_complete(path, "run", "--max-t") == ["--max-turns"]
    assert bash_complete(path, "completion", "") == ["bash", "zsh", "fish"]


def test_unknown_shell_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    """A shell without a script is one error line naming the choices, exit 2."""
    code = main(["completion", "tcsh"])
    err = capsys.readouterr().err

    assert code == 2
    assert err.strip().splitlines() == [
        'error: Invalid value "tcsh" for SHELL. Choose from: "bash", "zsh", "fish".'
    ]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_script_installed_in_fpath_completes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Saved as _cyclopts_autopilot in a directory on fpath, the zsh script completes a sub-command."""
    functions = tmp_path / "zfunc"
    functions.mkdir()
    (functions / "_cyclopts_autopilot").write_text(script("zsh", capsys))
    # An interactive zsh in a pseudo-terminal: type the words and Tab, then a key that prints the line.
    driver = tmp_path / "drive.zsh"
    driver.write_text(
        "zmodload zsh/zpty\n"
        "zpty z zsh -f -i\n"
        f"zpty -w z 'fpath=({functions} $fpath); autoload -Uz compinit; compinit -u -D; "
        'show() { print -r -- "LINE=[$BUFFER]" }; zle -N show; bindkey "^X" show\'\n'
        "zpty -w -n z $'autopilot issue cr\\t\\C-x'\n"
        "zpty -r z line '*LINE=\\[autopilot*\\]*'\n"
        'print -r -- "$line"\n'
        "zpty -d z\n"
    )

    result = subprocess.run(["zsh", "-f", str(driver)], capture_output=True, text=True, timeout=60)

    assert "LINE=[autopilot issue create ]" in result.stdout, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_script_installed_in_config_completes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Saved in ~/.config/fish/completions/autopilot.fish, the fish script completes a sub-command."""
    completions = tmp_path / "home" / ".config" / "fish" / "completions"
    completions.mkdir(parents=True)
    (completions / "autopilot.fish").write_text(script("fish", capsys))
    # fish loads a command's completions once the command is on PATH (as after installing autopilot).
    env = {
        **os.environ,
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }

    result = subprocess.run(
        ["fish", "-c", 'complete -C "autopilot issue cr"'],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["create"]
