"""The example plugin in examples/ loads through its own entry point and works end to end."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from tests.fake_secrets import github_token
from tests.installed import install_git_autopilot, uv_binary
from tests.plugin_fixtures import install_example

from autopilot import ToolDecision
from autopilot.core.hooks import Hooks
from autopilot.core.models import Run
from autopilot.core.pluginmanager import make_plugin_manager

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "git-autopilot-hostnames"


@pytest.fixture
def example_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Hooks:
    """The example as a distribution on sys.path, from its own pyproject and source (fast, in-process)."""
    install_example(monkeypatch, EXAMPLE, tmp_path / "site")
    return Hooks(make_plugin_manager(load_local=False))


@pytest.mark.slow
def test_documented_install_lists_the_plugin_and_it_redacts(tmp_path: Path) -> None:
    """The documented `uv pip install -e` of the example works; `autopilot plugins` lists it; it redacts."""
    bin_dir = install_git_autopilot(tmp_path / "venv")

    install = subprocess.run(
        [uv_binary(), "pip", "install", "--offline", "--python", str(bin_dir / "python"), "-e", str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=False,
    )
    listed = run_installed(bin_dir, "plugins", "--json")
    redacted = run_installed(bin_dir, "redact", stdin="ssh build7.corp.example.com\n")

    assert install.returncode == 0, install.stderr
    plugins = {p["name"]: p for p in json.loads(listed.stdout)["plugins"]}
    assert (plugins["hostnames"]["distribution"], plugins["hostnames"]["hooks"]) == (
        "git-autopilot-hostnames",
        ["before_tool_use", "on_issue_complete", "redact"],
    )
    assert redacted.stdout == "ssh [REDACTED:hostname]\n"


def run_installed(bin_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the installed ``autopilot`` (the environment's own bin first on PATH)."""
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("VIRTUAL_ENV", None)
    result = subprocess.run(
        [str(bin_dir / "autopilot"), *args], input=stdin, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result


def test_example_plugin_redacts_before_the_builtin(example_installed: Hooks) -> None:
    """Internal host names are removed by the plugin, secrets by the built-in redactor after it."""
    token = github_token()

    text = example_installed.redact(text=f"ssh build7.corp.example.com with {token}")

    assert text == "ssh [REDACTED:hostname] with [REDACTED:github_token]"


def test_example_plugin_denies_tool_calls_that_name_an_internal_host(example_installed: Hooks) -> None:
    """before_tool_use refuses a command that reaches an internal host and has no opinion on others."""
    run = Run(prompt="task", agent="claude")

    denied = example_installed.before_tool_use(
        run=run, tool="Bash", input={"command": "ssh build7.corp.example.com uptime"}
    )
    other = example_installed.before_tool_use(run=run, tool="Bash", input={"command": "ls"})

    assert denied == ToolDecision.deny("internal hosts are off limits in unattended runs")
    assert other is None


def test_example_plugin_logs_completed_issues(example_installed: Hooks) -> None:
    """on_issue_complete appends a line per issue."""
    example_installed.on_issue_complete(
        issue={"id": "k3x9", "title": "Fix CI"}, outcome="completed", run=None
    )

    assert (Path.cwd() / ".autopilot" / "completed.log").read_text() == "k3x9 completed Fix CI\n"
