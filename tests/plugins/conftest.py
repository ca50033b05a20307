"""Fixtures for the plugin tests: the example echo backend installed, and a committed project."""

from __future__ import annotations

import os
from pathlib import Path

import git
import pytest
from tests.plugin_fixtures import install_example

ECHO_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "git-autopilot-echo"


@pytest.fixture
def echo_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The example echo backend as a distribution on sys.path and on PYTHONPATH (for `autopilot`
    subprocesses)."""
    site = tmp_path / "site"
    install_example(monkeypatch, ECHO_EXAMPLE, site)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])))
    return site


@pytest.fixture
def project(git_repo: Path) -> Path:
    """A committed project with autopilot's configuration (no memory floor: runs are in-process)."""
    (git_repo / ".autopilot").mkdir(exist_ok=True)
    (git_repo / ".autopilot" / "config.yaml").write_text("schema_version: 1\nmin_free_memory_mb: 0\n")
    repo = git.Repo(git_repo)
    repo.git.add(".")
    repo.index.commit("configure autopilot")
    repo.close()
    return git_repo
