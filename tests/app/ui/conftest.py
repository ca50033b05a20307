"""Fixtures for the web UI: a repository with recorded runs, a test client and a real server."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from tests.trajectory_builders import Recorded, Script, record

from autopilot.app.ui.server import Site, UiServer, create_app, make_site
from autopilot.core.hooks import Hooks


@dataclass
class Repo:
    """A repository with a trajectory directory, and the runs recorded in it so far."""

    path: Path
    hooks: Hooks
    runs: dict[str, Recorded]

    @property
    def logs(self) -> Path:
        return self.path / "docs" / "logs"

    def record(self, name: str, script: Script, **kwargs: object) -> Recorded:
        recorded = record(self.hooks, self.logs, script, **kwargs)  # type: ignore[arg-type]
        self.runs[name] = recorded
        return recorded

    def key(self, name: str) -> str:
        """The run's address in the UI: its base path relative to docs/logs."""
        return self.runs[name].base.relative_to(self.logs).as_posix()

    def site(self) -> Site:
        return make_site(self.path, self.hooks)


def fix_script(*, model: str = "claude-sonnet-4-5", prompt: str = "fix the failing test") -> Script:
    """A short run: read a file, edit it, run the tests (which fail), answer."""
    script = Script(prompt=prompt, model=model)
    script.user(prompt)
    script.thinking("The test expects an exclamation mark.")
    read = script.call("Read", {"file_path": "/work/repo/greet.py"}, input_tokens=1200, output_tokens=30)
    script.result(read, "def greet(name):\n    return 'Hello ' + name\n")
    edit = script.call(
        "Edit",
        {
            "file_path": "/work/repo/greet.py",
            "old_string": "'Hello ' + name",
            "new_string": "'Hello ' + name + '!'",
        },
        input_tokens=1400,
        output_tokens=60,
    )
    script.result(edit, "The file has been updated.")
    bash = script.call("Bash", {"command": "pytest -q"}, input_tokens=1500, output_tokens=40)
    script.result(bash, "1 failed, 3 passed", is_error=True)
    script.assistant(
        "The **greeting** is fixed; one unrelated test fails.", input_tokens=1600, output_tokens=35
    )
    return script


@pytest.fixture
def repo(tmp_path: Path, hooks: Hooks) -> Repo:
    """An empty repository (``.autopilot/`` with commits off) whose trajectories go to docs/logs."""
    path = tmp_path / "repo"
    (path / ".autopilot").mkdir(parents=True)
    (path / ".autopilot" / "config.yaml").write_text('schema_version: 1\ncommit: "off"\n')
    return Repo(path, hooks, {})


@pytest.fixture
def client(repo: Repo) -> Iterator[TestClient]:
    """A test client of the UI over *repo* (its Host header is the one allowed)."""
    app = create_app(repo.site(), allowed_hosts={"testserver"})
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def server(repo: Repo) -> Iterator[UiServer]:
    """The UI really served on 127.0.0.1 (a free port)."""
    with UiServer(repo.site()) as running:
        yield running


def raw_get(server: UiServer, path: str, host: str | None = None) -> tuple[int, bytes]:
    """GET *path* exactly as written (no client-side normalisation of ``..`` or ``%2e``)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host or f"127.0.0.1:{server.port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
