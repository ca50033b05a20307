"""The example plugin in examples/ loads through its own entry point and works end to end."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from tests.fake_secrets import github_token
from tests.plugin_fixtures import install_distribution

from autopilot.core.hooks import Hooks
from autopilot.core.pluginmanager import make_plugin_manager

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "git-autopilot-hostnames"


@pytest.fixture
def example_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Hooks:
    """Install the example as a distribution, from its own pyproject and source."""
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["project"]
    ((entry_name, module),) = project["entry-points"]["autopilot"].items()
    install_distribution(
        monkeypatch,
        tmp_path / "site",
        dist=project["name"],
        version=project["version"],
        entry_name=entry_name,
        module=module,
        source=(EXAMPLE / f"{module}.py").read_text(),
    )
    return Hooks(make_plugin_manager(load_local=False))


def test_example_plugin_is_listed_with_its_hooks(example_installed: Hooks) -> None:
    """`autopilot plugins` would show the example with its distribution and both hooks."""
    info = {i.name: i for i in example_installed.pm.plugin_infos()}["hostnames"]

    assert (info.distribution, info.hooks) == ("git-autopilot-hostnames", ("on_issue_complete", "redact"))


def test_example_plugin_redacts_before_the_builtin(example_installed: Hooks) -> None:
    """Internal host names are removed by the plugin, secrets by the built-in redactor after it."""
    token = github_token()

    text = example_installed.redact(text=f"ssh build7.corp.example.com with {token}")

    assert text == "ssh [REDACTED:hostname] with [REDACTED:github_token]"


def test_example_plugin_logs_completed_issues(example_installed: Hooks) -> None:
    """on_issue_complete appends a line per issue."""
    example_installed.on_issue_complete(
        issue={"id": "k3x9", "title": "Fix CI"}, outcome="completed", run=None
    )

    assert (Path.cwd() / ".autopilot" / "completed.log").read_text() == "k3x9 completed Fix CI\n"
