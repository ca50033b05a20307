"""``autopilot ui`` and ``autopilot run --ui``: the command line around the web UI."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import pytest

from autopilot.cli import main
from autopilot.testing import ScriptedAnthropic

#: Seconds to wait for a line or an event before failing.
WAIT = 120.0


def test_ui_on_a_missing_directory_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A PATH that does not exist is one error line and exit 2."""
    code = main(["ui", str(tmp_path / "nowhere"), "--no-browser"])

    assert code == 2
    assert capsys.readouterr().err.strip() == f"error: {tmp_path / 'nowhere'}: no such directory"


def test_ui_on_a_port_out_of_range_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    """`ui --port 99999` is one error line naming the option and the range, exit 2."""
    code = main(["ui", "--port", "99999", "--no-browser"])

    assert code == 2
    assert capsys.readouterr().err.strip() == 'error: Invalid value "99999" for --port. Must be <= 65535.'


def test_a_second_ctrl_c_while_the_ui_stops_does_not_interrupt_the_shutdown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Under `git autopilot ui` Ctrl-C arrives twice (git passes it on): the second, while the server
    stops, is absorbed instead of aborting Python ("FATAL: exception not rethrown")."""
    from autopilot.cli.ui import wait_for_stop

    original = signal.getsignal(signal.SIGINT)

    class Server:
        stopped = False

        def stop(self) -> None:
            os.kill(os.getpid(), signal.SIGINT)  # the second Ctrl-C, during the shutdown
            self.stopped = True

    def first_ctrl_c() -> None:
        deadline = time.monotonic() + WAIT
        while signal.getsignal(signal.SIGINT) is original and time.monotonic() < deadline:
            time.sleep(0.01)  # until wait_for_stop handles the signal
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=first_ctrl_c, daemon=True).start()
    server = Server()
    wait_for_stop("autopilot ui: waiting", server)  # type: ignore[arg-type]

    assert (server.stopped, signal.getsignal(signal.SIGINT) is original) == (True, True)


def _lines_until(stream: IO[str], pattern: str) -> re.Match[str]:
    """Read *stream* line by line until one matches *pattern* (the process's output is small)."""
    seen = []
    for line in stream:
        seen.append(line)
        match = re.search(pattern, line)
        if match:
            return match
    raise AssertionError(f"no line matching {pattern!r} in:\n{''.join(seen)}")


def _get(url: str) -> tuple[int, dict[str, str], str]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=WAIT)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def test_ui_serves_until_interrupted(git_repo: Path) -> None:
    """`autopilot ui --no-browser` prints its 127.0.0.1 URL, serves the runs page, exits 0 on Ctrl-C."""
    with subprocess.Popen(
        [sys.executable, "-m", "autopilot", "ui", "--no-browser"],
        cwd=git_repo,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stderr is not None
        url = _lines_until(process.stderr, r"(http://127\.0\.0\.1:\d+/runs)").group(1)
        status, _headers, body = _get(url)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=WAIT)

    assert (status, "No runs yet" in body, process.returncode) == (200, True, 0)


def test_ui_without_a_display_starts_no_terminal_browser(git_repo: Path, tmp_path: Path) -> None:
    """Over ssh (no display, only a terminal browser such as lynx), `autopilot ui` prints its URL and
    leaves the terminal alone: it never starts the terminal browser."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    started = tmp_path / "browser-started"
    browser = bin_dir / "www-browser"
    browser.write_text(f'#!/bin/sh\necho "$1" > {started}\n')
    browser.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER")}
    env.update(TERM="xterm", PATH=f"{bin_dir}{os.pathsep}{env['PATH']}")
    with _serve([sys.executable, "-m", "autopilot", "ui"], git_repo, env) as process:
        assert process.stderr is not None
        url = _lines_until(process.stderr, r"(http://127\.0\.0\.1:\d+/runs)").group(1)
        status = _get(url)[0]
        process.send_signal(signal.SIGINT)
        process.wait(timeout=WAIT)

    assert (status, started.exists(), process.returncode) == (200, False, 0)


def _events(url: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Server-sent events from *url*, as (name, data)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=WAIT)
    connection.request("GET", f"{parts.path}?{parts.query}")
    response = connection.getresponse()
    name = ""
    try:
        while True:
            line = response.readline().decode()
            if not line:
                return
            if line.startswith("event: "):
                name = line[7:].strip()
            elif line.startswith("data: "):
                yield name, json.loads(line[6:])
    finally:
        connection.close()


@pytest.mark.integration
def test_run_with_ui_shows_the_run_live(
    scripted_anthropic: ScriptedAnthropic, git_repo: Path, tmp_path: Path
) -> None:
    """`run --ui` serves the UI, names the run's live page, streams its steps and its end, and keeps
    serving until Ctrl-C; the exit code is the run's."""
    go = tmp_path / "go"
    scripted_anthropic.script(
        [
            {"tool_use": {"name": "Bash", "input": {"command": f"while [ ! -e {go} ]; do sleep 0.05; done"}}},
            {"text": "waited for the signal file"},
        ]
    )
    env = {**os.environ, **scripted_anthropic.env, "AUTOPILOT_MODEL": "claude-sonnet-4-5", "BROWSER": "true"}
    with subprocess.Popen(
        [sys.executable, "-m", "autopilot", "run", "wait for the file", "--ui", "--quiet"],
        cwd=git_repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as process:
        assert process.stderr is not None and process.stdout is not None
        live = _lines_until(process.stderr, r"live at (http://127\.0\.0\.1:\d+/runs/by-id/\S+/live)").group(1)
        status, headers, _body = _get(live)
        key = headers["location"].removeprefix("/runs/").removesuffix("/live")
        page_status, _headers, page = _get(live.split("/runs/")[0] + headers["location"])
        seen: list[str] = []
        for name, data in _events(f"{live.split('/runs/')[0]}/api/runs/{key}/events?from=0"):
            if name == "step":
                seen.append(data["step"]["type"])
                if data["step"]["type"] == "tool_call":
                    go.touch()
            if name == "end":
                seen.append(data["result"]["status"])
                break
        _lines_until(process.stderr, r"Ctrl-C to stop")
        process.send_signal(signal.SIGINT)
        out = process.stdout.read()
        process.wait(timeout=WAIT)

    assert (status, page_status, process.returncode) == (303, 200, 0)
    assert "wait for the file" in page
    assert seen[-1] == "success" and "tool_call" in seen and "tool_result" in seen
    assert ": success" in out


def _serve(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(command, cwd=cwd, stderr=subprocess.PIPE, text=True, env=env)


@pytest.mark.slow
def test_the_installed_wheel_serves_its_pages_and_static_files(tmp_path: Path) -> None:
    """The installed wheel (no build step) serves its templates, script and chart library."""
    from tests.installed import install_git_autopilot

    bin_dir = install_git_autopilot(tmp_path / "venv")
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    with _serve([str(bin_dir / "autopilot"), "ui", "--no-browser"], repo) as process:
        assert process.stderr is not None
        url = _lines_until(process.stderr, r"(http://127\.0\.0\.1:\d+)/runs").group(1)
        statuses = [
            _get(url + path)[0] for path in ("/runs", "/static/app.js", "/static/vendor/chart.umd.min.js")
        ]
        process.send_signal(signal.SIGINT)
        process.wait(timeout=WAIT)

    assert statuses == [200, 200, 200]


@pytest.mark.integration
def test_the_demo_run_is_in_the_ui(git_repo: Path) -> None:
    """After `autopilot demo` in a repository, `autopilot ui` there lists the demo's run."""
    demo = subprocess.run(
        [sys.executable, "-m", "autopilot", "demo"], cwd=git_repo, capture_output=True, text=True, timeout=300
    )
    assert demo.returncode == 0, demo.stderr
    with _serve([sys.executable, "-m", "autopilot", "ui", "--no-browser"], git_repo) as process:
        assert process.stderr is not None
        url = _lines_until(process.stderr, r"(http://127\.0\.0\.1:\d+)/runs").group(1)
        _status, _headers, body = _get(url + "/api/runs")
        process.send_signal(signal.SIGINT)
        process.wait(timeout=WAIT)

    runs = json.loads(body)["runs"]
    assert [(r["status"], r["prompt"].split("(")[0]) for r in runs] == [("success", "greet")]
