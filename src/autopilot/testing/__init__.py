"""Test helpers for plugin authors: run the real agent CLIs against a scripted model on 127.0.0.1.

Installed with git-autopilot. Its pytest fixtures (:mod:`autopilot.testing.fixtures`) are registered
through the ``pytest11`` entry point, so they are available in any test suite without imports:

- ``scripted_anthropic``: a scripted Anthropic Messages server (:mod:`autopilot.testing.anthropic_server`);
  call ``scripted_anthropic.script([...turns...])``, pass ``scripted_anthropic.env`` to the run and
  read ``scripted_anthropic.requests()`` afterwards;
- ``claude_env``: the hermetic environment for the Claude Code CLI against that server;
- ``autopilot_project``: a fresh git repository with ``.autopilot/config.yaml``, as the working directory;
- ``scripted_openai`` and ``codex_env``: the same for Codex (:mod:`autopilot.testing.codex`).

This package itself needs no pytest: ``autopilot demo`` runs its scripted Anthropic server in an
installation without the test tools.

Example, with the plugin under test installed in the environment (the ``autopilot`` command is the
public way to drive a run; ``autopilot.app`` is internal)::

    import json
    import os
    import subprocess
    import sys

    def test_my_plugin_sees_tool_calls(scripted_anthropic, autopilot_project):
        scripted_anthropic.script([{"tool_use": {"name": "Bash", "input": {"command": "ls"}}},
                                   {"text": "done"}])
        done = subprocess.run(
            [sys.executable, "-m", "autopilot", "run", "--json", "-m", "claude-sonnet-4-5", "list files"],
            env={**os.environ, **scripted_anthropic.env}, capture_output=True, text=True,
        )
        assert json.loads(done.stdout.splitlines()[-1])["status"] == "success"
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autopilot.testing.anthropic_server import ScriptedAnthropicServer


class ScriptedAnthropic:
    """A running scripted Anthropic server plus the files it uses (see the ``scripted_anthropic`` fixture)."""

    def __init__(self, directory: Path) -> None:
        from autopilot.testing.anthropic_server import offline_claude_env, serve_in_thread, write_script

        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.script_path = write_script(directory / "script.json", [{"text": "Nothing scripted."}])
        self.log_path = directory / "requests.jsonl"
        self.server: ScriptedAnthropicServer
        self.server, self._thread = serve_in_thread(self.script_path, self.log_path)
        self.config_dir = directory / "claude-config"
        self.env: dict[str, str] = offline_claude_env(
            self.server.base_url, self.config_dir, home=directory / "home"
        )

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def script(self, turns: list[dict[str, Any]], **extra: Any) -> Path:
        """Replace the script (``{"turns": turns, **extra}``); the server re-reads it on every request."""
        self.script_path.write_text(json.dumps({"turns": turns, **extra}), encoding="utf-8")
        return self.script_path

    def requests(self, kind: str | None = "turn") -> list[dict[str, Any]]:
        """Logged requests of *kind* (``turn``, ``side``, ...; None for all)."""
        return [r for r in self.server.requests() if kind is None or r.get("kind") == kind]

    def close(self) -> None:
        from autopilot.testing.anthropic_server import stop_server

        stop_server(self.server)
