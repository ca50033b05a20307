"""The documentation's commands work as written, run the way a new user would run them."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TOOL_PYTHON = '"$(uv tool dir)/git-autopilot/bin/python"'


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _offline_recipe(tmp_path: Path) -> str:
    """The bash blocks of demo.md's "Your own repository, still offline", made runnable here: the
    installed tool's Python is this one, /tmp/ is the test's directory, the ports are free ones, and
    each server runs in the background until it has printed its port."""
    page = (ROOT / "docs" / "getting-started" / "demo.md").read_text()
    section = page.split("## Your own repository, still offline", 1)[1].split("\nNext:", 1)[0]
    script = "\n".join(re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL))
    assert TOOL_PYTHON in script and "8765" in script and "8766" in script
    # /tmp/ first: the Python put in next may itself live under /tmp/ (a clone there)
    script = script.replace("/tmp/", f"{tmp_path}/").replace(TOOL_PYTHON, shlex.quote(sys.executable))
    script = script.replace("8765", str(_free_port())).replace("8766", str(_free_port()))
    lines = ["set -e", "trap 'kill $(jobs -p) 2>/dev/null' EXIT"]
    for number, line in enumerate(script.splitlines()):
        if "-m autopilot.testing." in line:
            started = tmp_path / f"server-{number}.out"
            died = f"{{ cat {started} >&2; exit 1; }}"
            lines += [
                f"{line} > {started} 2>&1 &",
                f"until grep -q PORT {started}; do kill -0 $! || {died}; sleep 0.1; done",
            ]
        else:
            lines.append(line)
    return "\n".join(lines)


@pytest.mark.integration
def test_the_offline_recipe_runs_claude_and_codex_in_your_own_repository(
    tmp_path: Path, git_repo: Path
) -> None:
    """Copied from the getting-started page, the scripted-model commands give a successful Claude run
    and a successful Codex run, recorded in the user's repository."""
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": str(home)}
    if hasattr(os, "getuid") and os.getuid() == 0:
        env["IS_SANDBOX"] = "1"

    done = subprocess.run(
        ["bash", "-c", _offline_recipe(tmp_path)],
        cwd=git_repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    runs = sorted((git_repo / "docs" / "logs").glob("*/*.json"))
    summaries = [json.loads(path.read_text()) for path in runs]

    assert done.returncode == 0, done.stderr
    assert [(s["agent"], s["result"]["status"]) for s in summaries] == [
        ("claude", "success"),
        ("codex", "success"),
    ]


def test_the_price_table_copy_command_gives_the_table_the_docs_name(tmp_path: Path) -> None:
    """config.md's command for starting a project price table writes the packaged table, and the page
    names that table's version."""
    page = (ROOT / "docs" / "reference" / "config.md").read_text()
    block = page.split("so start from a copy of it:", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    command = block.replace(TOOL_PYTHON, shlex.quote(sys.executable))

    subprocess.run(["bash", "-ec", command], cwd=tmp_path, check=True, timeout=60)
    table = json.loads((tmp_path / ".autopilot" / "prices.json").read_text())

    assert f"(`version` `{table['version']}`)" in page
