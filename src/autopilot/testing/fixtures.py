"""The pytest fixtures of :mod:`autopilot.testing` (the ``pytest11`` plugin git-autopilot installs).

They need no import in a test suite; see :mod:`autopilot.testing` for what each one provides.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from autopilot.testing import ScriptedAnthropic

# Codex: the scripted OpenAI server and a hermetic codex environment (see autopilot.testing.codex).
from autopilot.testing.codex import codex_env, scripted_openai  # noqa: F401


@pytest.fixture
def scripted_anthropic(tmp_path: Path) -> Iterator[ScriptedAnthropic]:
    """A scripted Anthropic Messages server on 127.0.0.1 for the duration of the test."""
    server = ScriptedAnthropic(tmp_path / "scripted-anthropic")
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def claude_env(scripted_anthropic: ScriptedAnthropic) -> dict[str, str]:
    """Environment for a hermetic Claude Code run against ``scripted_anthropic`` (own config dir)."""
    return dict(scripted_anthropic.env)


@pytest.fixture
def autopilot_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh git repository with one commit and ``.autopilot/config.yaml``, as the working directory."""
    repo = tmp_path / "project"
    (repo / ".autopilot").mkdir(parents=True)
    (repo / ".autopilot" / "config.yaml").write_text("schema_version: 1\nmin_free_memory_mb: 0\n")
    (repo / "README.md").write_text("test project\n")
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.name", "Autopilot Test"],
        ["config", "user.email", "test@example.invalid"],
        ["add", "."],
        ["commit", "-q", "-m", "initial"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    monkeypatch.chdir(repo)
    return repo
