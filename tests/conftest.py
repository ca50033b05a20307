"""Shared fixtures. Every test runs hermetically in its own directory with a clean AUTOPILOT_ env."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from autopilot.cli import context
from autopilot.core.hooks import Hooks
from autopilot.core.pluginmanager import make_plugin_manager

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile("ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# many more draws, to look for the rare input a rule change broke before CI draws it
settings.register_profile(
    "thorough", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run in an empty directory; no AUTOPILOT_* setting, nor an OpenTelemetry collector to send spans
    to, leaks in from the caller's environment."""
    for name in list(os.environ):
        if name.startswith(("AUTOPILOT_", "OTEL_EXPORTER_OTLP_")):
            monkeypatch.delenv(name)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("AUTOPILOT_HOME", str(tmp_path / "autopilot-home"))
    context.reset()
    yield
    context.reset()


@pytest.fixture
def collector() -> Iterator[Any]:
    """An OTLP/HTTP collector on 127.0.0.1 for one test (``tests/otlp_collector.py``)."""
    from tests.otlp_collector import serve

    yield from serve()


@pytest.fixture
def hooks() -> Hooks:
    """A typed hook facade over a freshly built plugin manager (built-ins included, no local plugins)."""
    return Hooks(make_plugin_manager(load_local=False))


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """A fresh git repository with one commit, as the working directory."""
    import git

    repo_dir = Path.cwd()
    repo = git.Repo.init(repo_dir, initial_branch="main")
    with repo.config_writer() as cfg:
        cfg.set_value("user", "name", "Autopilot Test")
        cfg.set_value("user", "email", "test@example.invalid")
    (repo_dir / "README.md").write_text("test repo\n")
    repo.index.add(["README.md"])
    repo.index.commit("initial")
    repo.close()  # stops GitPython's persistent `git cat-file` processes
    return repo_dir
