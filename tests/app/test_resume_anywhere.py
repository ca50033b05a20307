"""A run can be resumed from any instant: kill -9 at chosen moments, agent sessions that are gone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from autopilot.cli import main
from autopilot.core.processes import read_pid_files
from autopilot.core.trajectory.files import load_trajectory
from autopilot.testing import ScriptedAnthropic
from autopilot.testing.openai_server import ScriptedOpenAI

MODEL = "claude-sonnet-4-5"
STEPS = 7
TASK = "make the step files"
STEP_FILES = [f"step{i}.txt" for i in range(STEPS)]


def command(turn: int) -> str:
    """Turn *turn*'s tool command: it logs the turn and makes every step file, so whichever tool call
    runs to its end after a kill, the task is done (a scripted model cannot redo an interrupted one)."""
    return f"echo {turn} >> turns.log && touch {' '.join(STEP_FILES)}"


def claude_turns() -> list[dict[str, Any]]:
    calls = [{"tool_use": {"name": "Bash", "input": {"command": command(i)}}} for i in range(STEPS)]
    return [*calls, {"text": "all done"}]


def codex_turns() -> list[dict[str, Any]]:
    return [*({"shell": command(i)} for i in range(STEPS)), {"text": "all done"}]


@pytest.fixture
def project(git_repo: Path) -> Path:
    """The repository, with the Claude backend on its direct CLI transport and no memory floor."""
    (git_repo / ".autopilot").mkdir(exist_ok=True)
    (git_repo / ".autopilot" / "config.yaml").write_text(
        "schema_version: 1\nmin_free_memory_mb: 0\nplugins:\n  backend_claude:\n    transport: cli\n"
    )
    return git_repo


@pytest.fixture
def claude_offline(
    scripted_anthropic: ScriptedAnthropic, project: Path, monkeypatch: pytest.MonkeyPatch
) -> ScriptedAnthropic:
    for name, value in scripted_anthropic.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AUTOPILOT_MODEL", MODEL)
    scripted_anthropic.script(claude_turns())
    return scripted_anthropic


@pytest.fixture
def codex_offline(
    scripted_openai: ScriptedOpenAI, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> ScriptedOpenAI:
    home = tmp_path / "codex-home"
    home.mkdir()
    for name, value in {**scripted_openai.env(), "CODEX_HOME": str(home)}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AUTOPILOT_AGENT", "codex")
    monkeypatch.setenv("AUTOPILOT_MODEL", "gpt-5.5")
    scripted_openai.script(codex_turns())
    return scripted_openai


def journal_text(repo: Path) -> str:
    logs = repo / "docs" / "logs"
    journals = list(logs.rglob("*.journal.jsonl")) if logs.is_dir() else []
    return journals[0].read_text(errors="replace") if journals else ""


def journal_header(repo: Path) -> dict[str, Any]:
    (journal,) = (repo / "docs" / "logs").rglob("*.journal.jsonl")
    return json.loads(journal.read_text().splitlines()[0])["run"]


def run_killed_when(repo: Path, ready: Callable[[], bool], timeout: float = 120) -> None:
    """Start ``autopilot run`` and kill -9 it as soon as *ready()* holds (checked every 10 ms)."""
    with subprocess.Popen(
        [sys.executable, "-m", "autopilot", "run", TASK],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    ) as process:
        deadline = time.monotonic() + timeout
        while not ready():
            if process.poll() is not None:
                raise AssertionError(f"the run ended before the instant: {process.stderr.read()[-2000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the instant did not come within {timeout} s")
            time.sleep(0.01)
        process.kill()
        process.communicate(timeout=30)


def resume_json(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main(["resume", "--continue", "--json"])
    return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


CLAUDE_INSTANTS: dict[str, Callable[[Path, ScriptedAnthropic], bool]] = {
    "journal written, agent not started": lambda repo, server: bool(journal_text(repo)),
    "first model request, no output yet": lambda repo, server: bool(server.requests()),
    "first tool call recorded": lambda repo, server: '"tool_call"' in journal_text(repo),
    "third tool result recorded": lambda repo, server: journal_text(repo).count('"tool_result"') >= 3,
}


@pytest.mark.integration
@pytest.mark.parametrize("instant", list(CLAUDE_INSTANTS))
def test_claude_run_killed_at_any_instant_resumes_and_finishes(
    instant: str, claude_offline: ScriptedAnthropic, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """kill -9 at any instant of a Claude run: `resume --continue` finishes the task in the same run."""
    run_killed_when(project, lambda: CLAUDE_INSTANTS[instant](project, claude_offline))
    header = journal_header(project)

    code, summary = resume_json(capsys)

    run = load_trajectory(Path(summary["trajectory"])).run
    assert header["session_id"]  # chosen and written before Claude Code started
    assert (code, summary["status"], summary["error"]) == (0, "success", None)
    assert run.run_id == header["run_id"]
    assert run.resumes[0]["from_status"] == "incomplete"
    assert sorted(p.name for p in project.glob("step*.txt")) == STEP_FILES
    assert read_pid_files() == []


CODEX_INSTANTS: dict[str, Callable[[Path, ScriptedOpenAI], bool]] = {
    "journal written, agent not started": lambda repo, server: bool(journal_text(repo)),
    "first tool call recorded": lambda repo, server: '"tool_call"' in journal_text(repo),
}


@pytest.mark.integration
@pytest.mark.parametrize("instant", list(CODEX_INSTANTS))
def test_codex_run_killed_at_any_instant_resumes_and_finishes(
    instant: str, codex_offline: ScriptedOpenAI, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """kill -9 at any instant of a codex run, even before codex named its thread: resume finishes it."""
    run_killed_when(project, lambda: CODEX_INSTANTS[instant](project, codex_offline))
    header = journal_header(project)

    code, summary = resume_json(capsys)

    run = load_trajectory(Path(summary["trajectory"])).run
    assert (code, summary["status"], summary["error"]) == (0, "success", None)
    assert run.run_id == header["run_id"]
    assert run.session_id
    assert sorted(p.name for p in project.glob("step*.txt")) == STEP_FILES
    assert read_pid_files() == []


def first_run_stopped_after_three_turns(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = main(["run", TASK, "--max-turns", "3", "--json"])
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (code, summary["status"]) == (1, "max_turns")
    return summary


def user_text(body: dict[str, Any]) -> str:
    """Everything the user said in a request (Anthropic messages or Responses input)."""
    items = body.get("messages") or body.get("input") or []
    return json.dumps([item for item in items if item.get("role") == "user"])


@pytest.mark.integration
def test_claude_session_gone_resumes_in_a_new_session_told_what_was_recorded(
    claude_offline: ScriptedAnthropic, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """When Claude Code cannot find the run's session, resume starts a new one told the request and steps."""
    first = first_run_stopped_after_three_turns(capsys)
    shutil.rmtree(claude_offline.config_dir / "projects")  # Claude Code's sessions are gone
    before = len(claude_offline.requests())

    code, summary = resume_json(capsys)

    run = load_trajectory(Path(summary["trajectory"])).run
    told = user_text(claude_offline.requests()[before]["body"])
    assert (code, summary["status"]) == (0, "success")
    assert run.run_id == first["run_id"]
    assert run.session_ids[0] == first["session_id"] != run.session_id == run.session_ids[-1]
    assert [s.subtype for s in run.steps if s.subtype == "new_session"] == ["new_session"]
    assert TASK in told and command(1) in told
    assert sorted(p.name for p in project.glob("step*.txt")) == STEP_FILES


@pytest.mark.integration
def test_codex_thread_gone_resumes_in_a_new_thread_told_what_was_recorded(
    codex_offline: ScriptedOpenAI, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """When codex has no rollout of the run's thread, resume starts a new one told the request and steps."""
    first = first_run_stopped_after_three_turns(capsys)
    shutil.rmtree(tmp_path / "codex-home" / "sessions")  # codex's threads are gone
    before = len(codex_offline.requests("responses"))

    code, summary = resume_json(capsys)

    run = load_trajectory(Path(summary["trajectory"])).run
    told = user_text(codex_offline.requests("responses")[before]["body"])
    assert (code, summary["status"]) == (0, "success")
    assert run.run_id == first["run_id"]
    assert run.session_ids[0] == first["session_id"] != run.session_id == run.session_ids[-1]
    assert [s.subtype for s in run.steps if s.subtype == "new_session"] == ["new_session"]
    assert TASK in told and command(1) in told
    assert sorted(p.name for p in project.glob("step*.txt")) == STEP_FILES


def test_a_run_that_never_reached_the_model_is_not_offered_for_resume() -> None:
    """A run that failed before the model answered gets no `resume with` hint; one that got further does."""
    from autopilot.app.runs import RunTaskResult
    from autopilot.core.errors import ExitCode
    from autopilot.core.models import Run, RunResult, Usage

    def resumable(turns: int, tokens: int) -> bool:
        run = Run(session_id="s", result=RunResult(status="error", num_turns=turns), usage=Usage(tokens))
        return RunTaskResult(run=run, paths={}, status="error", exit_code=ExitCode.FAILURE).resumable

    assert [resumable(0, 0), resumable(1, 100), resumable(0, 100)] == [False, True, True]
