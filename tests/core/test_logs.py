"""Reading agent logs in place: accounting as ccusage does it, formats by content, reports and ATIF."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from autopilot.cli import main
from autopilot.core.logs import scan
from autopilot.core.pricing import load_price_table
from autopilot.core.usage import dedupe, priced
from autopilot.plugins.claude.logs import ClaudeTranscriptReader


def _corpus() -> Path | None:
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "shared" / "corpus"
        if candidate.is_dir():
            return candidate
    return None


CORPUS = _corpus()
needs_corpus = pytest.mark.skipif(CORPUS is None, reason="../shared/corpus is not beside the checkout")


def _analyze(capsys: pytest.CaptureFixture[str], *args: str | Path) -> dict:
    code = main(["analyze", *map(str, args), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


def _line(
    message_id: str, output: int, *, hour: int = 0, sidechain: bool = False, request: str = "req_1"
) -> str:
    usage = {
        "input_tokens": 10,
        "output_tokens": output,
        "cache_creation_input_tokens": 1000 + hour,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 1000, "ephemeral_1h_input_tokens": hour},
    }
    return json.dumps(
        {
            "type": "assistant",
            "sessionId": "s-1",
            "requestId": request,
            "isSidechain": sidechain,
            "timestamp": "2026-11-02T10:00:00.000Z",
            "message": {"id": message_id, "model": "claude-sonnet-4-5", "usage": usage, "content": []},
        },
        separators=(",", ":"),
    )


@needs_corpus
def test_transcript_tokens_and_cost_equal_ccusage(capsys: pytest.CaptureFixture[str]) -> None:
    """The corpus transcripts give ccusage 20.0.24's tokens and cost for every session (measured with
    ``ccusage claude session --json --offline --mode calculate``)."""
    assert CORPUS is not None
    data = _analyze(capsys, CORPUS / "claude-transcript")

    keys = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens")
    got = {f["run_id"]: (*(f[k] for k in keys), round(f["cost_usd"], 6)) for f in data["files"]}
    assert got == {
        "agentcmd__full-session": (1223, 833, 185540, 21565, 0.152695),
        "agentcmd__full-session-five": (14, 12, 50325, 9289, 0.050153),
        "spotter__subagent__agent-a2898e3": (53, 136, 604156, 71257, 0.45066),
        "spotter__tool_heavy": (54, 212, 88231, 17696, 0.226645),
        "claudeless__v2.1.29_compact-command__8aa54c1d": (20, 15, 30657, 5494, 0.014149),
    }


def test_streamed_lines_count_once_with_the_most_tokens(tmp_path: Path) -> None:
    """Lines of one response (same message and request id) count once, with the largest output count."""
    log = tmp_path / "s-1.jsonl"
    log.write_text("\n".join([_line("msg_a", 25), _line("msg_a", 210), _line("msg_b", 7)]) + "\n")

    ledger = dedupe(s for r in scan([ClaudeTranscriptReader()], [log]) for s in r.sessions)

    assert sorted(c.output for c in ledger.calls) == [7, 210]


def test_a_sidechain_replay_loses_to_its_parent(tmp_path: Path) -> None:
    """A sub-agent line replaying the parent's message (same id and time, new request id) counts once."""
    parent = tmp_path / "s-1.jsonl"
    parent.write_text(_line("msg_a", 50) + "\n")
    child = tmp_path / "s-1" / "subagents" / "agent-x.jsonl"
    child.parent.mkdir(parents=True)
    child.write_text(_line("msg_a", 50, sidechain=True, request="req_2") + "\n")

    ledger = dedupe(s for r in scan([ClaudeTranscriptReader()], [tmp_path]) for s in r.sessions)

    assert [(c.output, c.sidechain) for c in ledger.calls] == [(50, False)]


def test_one_hour_cache_writes_cost_twice_the_input_price(tmp_path: Path) -> None:
    """One-hour cache writes cost 2x the input price, five-minute ones 1.25x (claude-sonnet-4-5: $3)."""
    log = tmp_path / "s-1.jsonl"
    log.write_text(_line("msg_a", 0, hour=100_000) + "\n")
    prices = load_price_table()

    (call,) = dedupe(s for r in scan([ClaudeTranscriptReader()], [log]) for s in r.sessions).calls

    expected = (10 * 3.0 + 1000 * 3.75 + 100_000 * 6.0) / 1_000_000
    assert priced(call, prices).cost_usd == pytest.approx(expected)


@needs_corpus
def test_mixed_tree_reads_every_format_and_warns_once_per_unknown_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A tree of every corpus format is analyzed by content; a file in no known format is one warning line."""
    assert CORPUS is not None
    for folder in ("claude-transcript", "claude-stream-json", "codex-rollout", "codex-exec-json",
                   "swe-agent-traj", "mini-swe-agent-traj", "atif"):  # fmt: skip
        shutil.copytree(CORPUS / folder, tmp_path / "logs" / folder, ignore=shutil.ignore_patterns("*.md"))
    (tmp_path / "logs" / "notes.json").write_text('{"hello": "world"}')

    code = main(["analyze", str(tmp_path / "logs"), "--json"])
    captured = capsys.readouterr()

    kinds = {f["kind"] for f in json.loads(captured.out)["files"]}
    assert code == 0
    assert kinds == {"claude-transcript", "claude-stream-json", "codex-rollout", "codex-exec-json",
                     "swe-agent", "mini-swe-agent", "atif"}  # fmt: skip
    assert [line for line in captured.err.splitlines() if "notes.json" in line] == [
        f"warning: {tmp_path / 'logs' / 'notes.json'}: not a log format autopilot reads "
        "(atif, autopilot, claude-stream-json, claude-transcript, codex-exec-json, codex-rollout, "
        "mini-swe-agent, swe-agent)"
    ]


@needs_corpus
def test_imported_codex_rollout_lasts_until_its_last_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An imported rollout's duration ends at its last line, not at the time of the import."""
    assert CORPUS is not None
    rollout = next((CORPUS / "codex-rollout").glob("*.jsonl"))
    lines = [json.loads(line) for line in rollout.read_text().splitlines() if line.strip()]
    first, last = (datetime.fromisoformat(lines[i]["timestamp"].replace("Z", "+00:00")) for i in (0, -1))

    code = main(["import", str(rollout), "--output-dir", str(tmp_path), "--json"])
    written = json.loads(capsys.readouterr().out)["imported"][0]["trajectory"]

    assert code == 0
    assert json.loads(Path(written).read_text())["result"]["duration_ms"] == pytest.approx(
        (last - first).total_seconds() * 1000, abs=1000
    )


@needs_corpus
def test_report_daily_sums_to_the_analyze_totals(capsys: pytest.CaptureFixture[str]) -> None:
    """``report daily --by model`` splits the same tokens and cost that ``analyze`` totals."""
    assert CORPUS is not None
    totals = _analyze(capsys, CORPUS / "claude-transcript", CORPUS / "codex-rollout")
    code = main(["report", "daily", str(CORPUS / "claude-transcript"), str(CORPUS / "codex-rollout"),
                 "--by", "model", "--json"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)

    assert code == 0
    assert sum(r["cost_usd"] for r in report["rows"]) == pytest.approx(totals["cost_usd"], abs=1e-5)
    assert report["totals"]["input_tokens"] == totals["input_tokens"]
    models = {"gpt-5-codex", "claude-sonnet-4-5-20250929", "claude-opus-4-6", "claude-haiku-4-5-20251001"}
    assert {r["group"] for r in report["rows"]} == models


@needs_corpus
@pytest.mark.parametrize(
    "log",
    [
        "claude-transcript/agentcmd__full-session.jsonl",
        "claude-stream-json/terragon__claude-json-task-test.json",
        "codex-rollout/agentcmd__rollout-2025-09-25T15-12-14-019982b8-3422-79e0-8b3b-05abaf4f3c3e.jsonl",
    ],
)
def test_export_atif_reads_back_with_the_same_cost(
    log: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``export --format atif`` writes an ATIF file whose tokens and cost analyze reads back (Harbor's
    validator checks the exports in tests/plugins/test_atif.py)."""
    assert CORPUS is not None
    original = _analyze(capsys, CORPUS / log)
    code = main(["export", "--format", "atif", "-o", str(tmp_path), str(CORPUS / log)])
    capsys.readouterr()
    (written,) = tmp_path.glob("*.trajectory.json")

    again = _analyze(capsys, written)

    assert code == 0
    assert again["cost_usd"] == pytest.approx(original["cost_usd"], abs=1e-6)
    assert again["output_tokens"] == original["output_tokens"]


def test_the_cache_rereads_only_changed_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A second analyze takes unchanged files from the cache; a changed file is read again."""
    log = tmp_path / "s-1.jsonl"
    log.write_text(_line("msg_a", 5) + "\n")
    first = _analyze(capsys, log)["output_tokens"]
    log.write_text(_line("msg_a", 5) + "\n" + _line("msg_b", 40) + "\n")

    second = _analyze(capsys, log)["output_tokens"]

    assert (first, second) == (5, 45)
