"""pytest fixtures for testing with the real Codex CLI against the scripted OpenAI server.

Re-exported by :mod:`autopilot.testing.fixtures` (the ``pytest11`` plugin), so they need no import:

- ``scripted_openai``: a running :class:`~autopilot.testing.openai_server.ScriptedOpenAI` server;
  ``scripted_openai.script([...turns...])`` sets the script, ``scripted_openai.requests()`` reads the log;
- ``codex_env``: ``OPENAI_BASE_URL``, ``OPENAI_API_KEY`` and a fresh ``CODEX_HOME`` for a hermetic codex run.

Example::

    def test_codex_runs_my_command(scripted_openai, codex_env, autopilot_project):
        scripted_openai.script([{"shell": "echo hi > hi.txt"}, {"text": "done"}])
        options = autopilot.app.runs.RunOptions(agent="codex", model="gpt-5.5")
        result = autopilot.app.runs.run_task("say hi", options, env=codex_env)
        assert (autopilot_project / "hi.txt").exists()
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from autopilot.testing.openai_server import ScriptedOpenAI


@pytest.fixture
def scripted_openai(tmp_path: Path) -> Iterator[ScriptedOpenAI]:
    """A scripted OpenAI Responses/Chat server on 127.0.0.1 for the duration of the test."""
    with ScriptedOpenAI(tmp_path / "scripted-openai") as server:
        yield server


@pytest.fixture
def codex_env(scripted_openai: ScriptedOpenAI, tmp_path: Path) -> dict[str, str]:
    """Environment for a hermetic codex run against ``scripted_openai`` (its own ``CODEX_HOME``)."""
    home = tmp_path / "codex-home"
    home.mkdir(exist_ok=True)
    return {**scripted_openai.env(), "CODEX_HOME": str(home)}
