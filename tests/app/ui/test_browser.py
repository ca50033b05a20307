"""The web UI in a real browser: Playwright driving headless Chromium (Debian's ``chromium``).

Skipped only when no Chromium can be found (``apt-get install chromium``; CI installs it). A few
screenshots are kept under pytest's temporary directory as artifacts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.app.ui.conftest import Repo, fix_script
from tests.trajectory_builders import Script

from autopilot.app.ui.server import UiServer
from autopilot.testing import ScriptedAnthropic

#: Chromium's flags for this sandbox: no GPU, no calls home (they would be refused, over and over).
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: Milliseconds Playwright waits for an element or a text.
WAIT_MS = 20_000


def chromium_path() -> str | None:
    for candidate in (os.environ.get("AUTOPILOT_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium, shared by the tests of this module."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium not found (apt-get install chromium, or set AUTOPILOT_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_FLAGS))
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """A fresh page; console errors and page errors are collected in ``page.problems``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(WAIT_MS)
    opened.problems = []
    opened.on("console", lambda m: m.type == "error" and opened.problems.append(m.text))
    opened.on("pageerror", lambda e: opened.problems.append(str(e)))
    try:
        yield opened
    finally:
        context.close()


def shoot(page: Any, tmp_path: Path, name: str) -> None:
    """Keep a screenshot as a test artifact (under pytest's temporary directory, never committed)."""
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def _two_runs(repo: Repo) -> None:
    repo.record("fix", fix_script())
    other = Script(prompt="fix the failing test")
    other.user("fix the failing test")
    read = other.call("Read", {"file_path": "/work/repo/greet.py"}, input_tokens=1200, output_tokens=30)
    other.result(read, "same file")
    status = other.call("Bash", {"command": "git status"}, input_tokens=1300, output_tokens=20)
    other.result(status, "clean")
    other.assistant("Nothing to do.", input_tokens=1400, output_tokens=10)
    repo.record("other", other, status="max_turns")


def test_runs_list_and_compare_two_runs(repo: Repo, server: UiServer, page: Any, tmp_path: Path) -> None:
    """The runs list shows both runs; ticking two offers a comparison that marks where they diverge."""
    _two_runs(repo)

    page.goto(server.url + "/runs")
    rows = page.locator("tr.run").count()
    page.locator("input.pick").nth(0).check()
    page.locator("input.pick").nth(1).check()
    shoot(page, tmp_path, "runs")
    page.locator("#compare-selected").click()
    page.wait_for_url("**/compare?*")
    divergence = page.locator("#divergence")
    shoot(page, tmp_path, "compare")

    assert rows == 2
    assert "first diverge after 1 identical tool call" in page.locator("#first-divergence").inner_text()
    assert divergence.is_visible()
    assert page.problems == []


def test_run_page_shows_a_tool_call_its_result_and_the_chart(
    repo: Repo, server: UiServer, page: Any, tmp_path: Path
) -> None:
    """A run page shows the Bash call with its failed result, raw JSON on request, and the turn chart."""
    repo.record("fix", fix_script())

    page.goto(f"{server.url}/runs/{repo.key('fix')}")
    call = page.locator("#step-6")
    raw = call.locator(":scope > details.raw")
    raw.locator("summary").click()
    bars = page.evaluate("Chart.getChart(document.getElementById('turn-chart')).data.datasets[0].data")
    shoot(page, tmp_path, "run")

    assert "pytest -q" in call.locator(".summary").inner_text()
    assert "1 failed, 3 passed" in call.locator(".result").inner_text()
    assert "is-error" in call.get_attribute("class")
    assert '"command": "pytest -q"' in raw.locator("pre").inner_text()
    assert bars == [1200, 1400, 1500, 1600]
    assert page.problems == []


def test_issue_board(repo: Repo, server: UiServer, page: Any, tmp_path: Path) -> None:
    """The board shows each issue in its column."""
    from autopilot.core.config import load_config

    store = repo.hooks.store_select(config=load_config(repo.path))
    first = store.create_issue("Set up CI", accept=["pytest -q"])
    blocked = store.create_issue("Ship it", depends_on=[first.id])
    store.set_status(blocked.id, "blocked", by="alice", reason="waits for CI")

    page.goto(server.url + "/issues")
    shoot(page, tmp_path, "issues")

    columns = {
        name: page.locator(f'section[data-column="{name}"] article').all_inner_texts()
        for name in ("open", "blocked")
    }
    assert ["Set up CI" in text for text in columns["open"]] == [True]
    assert ["Ship it" in text for text in columns["blocked"]] == [True]
    assert page.problems == []


def test_costs_chart(repo: Repo, server: UiServer, page: Any, tmp_path: Path) -> None:
    """The costs page draws cost per day and per model."""
    _two_runs(repo)
    day = repo.runs["fix"].run.started_at[:10]

    page.goto(server.url + "/costs")
    labels = page.evaluate("Chart.getChart(document.getElementById('chart-day')).data.labels")
    models = page.evaluate("Chart.getChart(document.getElementById('chart-model')).data.labels")
    shoot(page, tmp_path, "costs")

    assert (labels, models) == ([day], ["claude-sonnet-4-5"])
    assert page.problems == []


def _journal(logs: Path, deadline: float) -> Path:
    """The journal of the run that has just started (waits for the run to create it)."""
    while time.monotonic() < deadline:
        found = list(logs.rglob("*.journal.jsonl")) if logs.is_dir() else []
        if found:
            return found[0]
        time.sleep(0.05)
    raise AssertionError("the run wrote no journal")


@pytest.mark.integration
def test_live_page_receives_the_steps_of_a_real_run(
    scripted_anthropic: ScriptedAnthropic, git_repo: Path, browser: Any, page: Any, hooks: Any, tmp_path: Path
) -> None:
    """A run of the real Claude Code CLI (scripted model) appears step by step on the live page,
    which then shows how it ended."""
    from autopilot.app.ui.server import make_site

    go = tmp_path / "go"
    scripted_anthropic.script(
        [
            {"tool_use": {"name": "Bash", "input": {"command": f"while [ ! -e {go} ]; do sleep 0.05; done"}}},
            {"text": "The signal file is **there**."},
        ]
    )
    env = {**os.environ, **scripted_anthropic.env, "AUTOPILOT_MODEL": "claude-sonnet-4-5"}
    with (
        UiServer(make_site(git_repo, hooks)) as server,
        subprocess.Popen(
            [sys.executable, "-m", "autopilot", "run", "wait for the signal file", "--quiet"],
            cwd=git_repo,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ) as process,
    ):
        journal = _journal(git_repo / "docs" / "logs", time.monotonic() + 120)
        key = str(journal.relative_to(git_repo / "docs" / "logs")).removesuffix(".journal.jsonl")
        page.goto(f"{server.url}/runs/{key}/live")
        call = page.locator("li.item-tool_call", has_text="while [ ! -e")
        call.wait_for()
        go.touch()
        page.locator("li.item-assistant", has_text="The signal file is there.").wait_for()
        page.locator("#end-status .status-success").wait_for()
        shoot(page, tmp_path, "live")
        process.wait(timeout=120)

    assert process.returncode == 0
    assert "ended" in page.locator("#end-status").inner_text()
    assert call.locator(".result").count() == 1
    assert page.problems == []
