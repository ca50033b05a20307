"""A run read twice, as autopilot's trajectory and as its agent's own log, counts once in ``analyze`` and
``report``, and keeps what only the trajectory knows (issue, branch, status)."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from tests.corpus import TRANSCRIPTS, needs_corpus

from autopilot.cli import context, main
from autopilot.core.models import Run, Step, Usage
from autopilot.core.pricing import load_price_table
from autopilot.core.recorder import Recorder
from autopilot.core.trajectory.files import base_path_for
from autopilot.plugins.claude.logs import ClaudeTranscriptReader
from autopilot.testing import ScriptedAnthropic

MODEL = "claude-sonnet-4-5"
TOKENS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens")


#: A real Claude Code transcript with one-hour cache writes, on gitBranch "master".
SESSION = "d6e0bada-1959-4eec-a9d2-0bfade768d8f"
SOURCE = "spotter__tool_heavy.jsonl"
ISSUE = "7f3k9q2a"


def _cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> str:
    context.reset()
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def _analyze(capsys: pytest.CaptureFixture[str], *paths: str | Path) -> dict[str, Any]:
    return dict(json.loads(_cli(capsys, "analyze", *paths, "--json")))


def _figures(summary: dict[str, Any]) -> tuple[Any, ...]:
    """The runs, statuses, tokens and cost of an ``analyze --json`` summary."""
    return (
        summary["runs"],
        summary["statuses"],
        *(summary[k] for k in TOKENS),
        round(summary["cost_usd"], 9),
    )


def _report(capsys: pytest.CaptureFixture[str], *args: str | Path) -> dict[str, Any]:
    return dict(json.loads(_cli(capsys, "report", "session", *args, "--by", "issue", "--json")))


@pytest.fixture
def offline(
    scripted_anthropic: ScriptedAnthropic, git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> ScriptedAnthropic:
    """The real Claude Code CLI against the scripted server, its transcripts in the server's config dir."""
    (git_repo / ".autopilot").mkdir(exist_ok=True)
    (git_repo / ".autopilot" / "config.yaml").write_text(
        "schema_version: 1\nmin_free_memory_mb: 0\nplugins:\n  backend_claude:\n    transport: cli\n"
    )
    for name, value in scripted_anthropic.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AUTOPILOT_MODEL", MODEL)
    return scripted_anthropic


@pytest.mark.integration
def test_a_recorded_run_and_its_claude_transcript_count_once(
    offline: ScriptedAnthropic,
    git_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A real ``run --issue`` leaves a trajectory and Claude Code's transcript: read together, in either
    order, they give the transcript's tokens and cost once, one run and one session, the run's status,
    and report rows under the run's issue (also where no issue store or trailer could say it)."""
    offline.script(
        [
            {"tool_use": {"name": "Bash", "input": {"command": "echo ok > result.txt"}},
             "input_tokens": 900, "output_tokens": 40, "cache_creation_input_tokens": 3000},
            {"text": "done", "input_tokens": 50, "output_tokens": 9, "cache_read_input_tokens": 3000},
        ]
    )  # fmt: skip
    created = _cli(
        capsys, "issue", "create", "Write result.txt", "--accept", "grep -q ok result.txt", "--json"
    )
    issue = json.loads(created)["id"]
    _cli(capsys, "run", "--issue", issue, "--json")
    logs = git_repo / "docs" / "logs"
    transcripts = offline.config_dir / "projects"
    assert len(list(transcripts.rglob("*.jsonl"))) == 1

    trajectory_alone = _analyze(capsys, logs)
    transcript_alone = _analyze(capsys, transcripts)
    together = _analyze(capsys, logs, transcripts)
    reversed_order = _analyze(capsys, transcripts, logs)
    by_issue = _report(capsys, "--claude", logs)

    tokens = [900 + 50, 40 + 9, 3000, 3000]  # as scripted
    assert [trajectory_alone[k] for k in TOKENS] == [transcript_alone[k] for k in TOKENS] == tokens
    assert _figures(together) == _figures(reversed_order)
    assert _figures(together) == (1, {"success": 1}, *_figures(transcript_alone)[2:])
    assert transcript_alone["statuses"] == {"unknown": 1}
    assert [(row["group"], row["sessions"], row["total_tokens"]) for row in by_issue["rows"]] == [
        (issue, 1, sum(transcript_alone[k] for k in TOKENS))
    ]
    assert by_issue["totals"]["sessions"] == 1

    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    away = _report(capsys, logs, transcripts)
    assert [row["group"] for row in away["rows"]] == [issue]


def _copy_transcript(folder: Path) -> Path:
    """The corpus transcript, named as Claude Code names it: by its session id."""
    assert TRANSCRIPTS is not None
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(TRANSCRIPTS / SOURCE, folder / f"{SESSION}.jsonl"))


def _record_run(transcript: Path, folder: Path, session_ids: list[str]) -> Path:
    """The trajectory autopilot would have recorded while driving the transcript's session: one step per
    API response, priced as a trajectory made before one-hour cache writes were told apart."""
    prices = load_price_table()
    run = Run(prompt="Fix login", agent="claude", model=MODEL, cwd="/home/me/web", branch="fix-login",
              issue_id=ISSUE, session_id=session_ids[-1], session_ids=session_ids)  # fmt: skip
    recorder = Recorder(context.hooks(), run, base_path_for(run, folder))
    recorder.start()
    recorder.add(Step("user", text="Fix login"))
    (session,) = ClaudeTranscriptReader().scan(transcript, transcript.read_bytes())
    for call in session.calls:
        usage = Usage(call.input, call.output, call.cache_read, call.cache_write)
        recorder.add(Step("assistant", ts=call.ts, text="...", model=call.model,
                          usage=replace(usage, cost_usd=prices.cost(call.model, usage))))  # fmt: skip
    recorder.finish(status="success")
    (path,) = folder.rglob("*.json")
    return path


@needs_corpus
def test_a_trajectory_gives_way_to_the_transcript_of_its_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Read together, in either order, a run's trajectory and its session's transcript are one run with
    the transcript's tokens and cost (its one-hour cache writes priced as such) and the run's status."""
    transcript = _copy_transcript(tmp_path / "logs" / "claude")
    trajectory = _record_run(transcript, tmp_path / "logs" / "runs", [SESSION])

    transcript_alone = _analyze(capsys, transcript)
    trajectory_alone = _analyze(capsys, trajectory)
    together = _analyze(capsys, tmp_path / "logs")
    either_order = [_analyze(capsys, transcript, trajectory), _analyze(capsys, trajectory, transcript)]

    assert [trajectory_alone[k] for k in TOKENS] == [transcript_alone[k] for k in TOKENS]
    assert trajectory_alone["cost_usd"] < transcript_alone["cost_usd"]
    assert _figures(together) == (1, {"success": 1}, *_figures(transcript_alone)[2:])
    assert [_figures(summary) for summary in either_order] == [_figures(together)] * 2


@needs_corpus
def test_report_rows_of_the_transcript_keep_the_runs_issue_and_branch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``report --by issue`` and ``--by branch`` count the session once, under the run's issue and the
    branch autopilot recorded (not the transcript's ``gitBranch``)."""
    transcript = _copy_transcript(tmp_path / "logs" / "claude")
    _record_run(transcript, tmp_path / "logs" / "runs", [SESSION])

    by_issue = _report(capsys, tmp_path / "logs")
    by_branch = json.loads(_cli(capsys, "report", "session", tmp_path / "logs", "--by", "branch", "--json"))

    rows = [(r["period"], r["group"], r["sessions"]) for r in by_issue["rows"]]
    assert rows == [(f"claude:{SESSION}", ISSUE, 1)]
    assert [r["group"] for r in by_branch["rows"]] == ["fix-login"]
    assert by_issue["totals"] == by_branch["totals"] == _report(capsys, transcript)["totals"]


@needs_corpus
def test_a_run_whose_second_session_was_not_read_is_counted_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A resumed run whose later session's transcript is missing keeps its trajectory: the transcript
    read is counted beside it (the documented limit: its calls cannot be told apart from the run's)."""
    transcript = _copy_transcript(tmp_path / "logs" / "claude")
    trajectory = _record_run(transcript, tmp_path / "logs" / "runs", [SESSION, "0c1d2e3f-gone"])

    together = _analyze(capsys, tmp_path / "logs")
    apart = [_analyze(capsys, transcript), _analyze(capsys, trajectory)]

    assert together["runs"] == 2
    assert [together[k] for k in TOKENS] == [apart[0][k] + apart[1][k] for k in TOKENS]
