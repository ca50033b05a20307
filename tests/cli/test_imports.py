"""``autopilot import``: foreign agent logs become trajectories that analyze reads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tests.corpus import CORPUS, needs_corpus
from tests.plugins.test_trajectory_import import TOY_LOG, ToyImporter, write_jsonl

from autopilot.cli import context, main
from autopilot.core.models import Usage
from autopilot.core.pricing import load_price_table


@pytest.fixture
def toy_plugin() -> None:
    """Register the toy importer on the CLI's plugin manager."""
    context.plugin_manager().register(ToyImporter(), name="toy_import")


def test_import_then_analyze(toy_plugin: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An imported log lands in the output directory and analyze reports it."""
    source = write_jsonl(tmp_path / "toy.jsonl", TOY_LOG)
    logs = tmp_path / "logs"

    code = main(["import", str(source), "--output-dir", str(logs), "--json"])
    imported = json.loads(capsys.readouterr().out)["imported"]
    main(["analyze", str(logs), "--json"])
    summary = json.loads(capsys.readouterr().out)

    assert code == 0
    assert [(i["source"], i["agent"], i["status"]) for i in imported] == [(str(source), "toy", "success")]
    assert summary["runs"] == 1
    assert summary["files"][0]["path"] == imported[0]["trajectory"]


def test_import_a_mix_of_good_and_unknown_files(
    toy_plugin: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Good files are imported; each unknown or missing one is one error line; exit 2."""
    good = write_jsonl(tmp_path / "toy.jsonl", TOY_LOG)
    unknown = write_jsonl(tmp_path / "other.jsonl", [{"event": "x"}])
    missing = tmp_path / "missing.jsonl"

    code = main(["import", str(good), str(unknown), str(missing), "--output-dir", str(tmp_path / "logs")])
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if line.startswith("error:")]

    assert code == 2
    assert f"{good} -> " in out
    assert len(errors) == 2
    assert any(str(unknown) in e for e in errors) and any(str(missing) in e for e in errors)


def test_import_model_names_the_model_for_pricing(
    toy_plugin: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--model overrides the log's model, and usage is priced for it."""
    source = write_jsonl(tmp_path / "toy.jsonl", TOY_LOG)
    prices = load_price_table()
    usages = [Usage(r["input"], r["output"]) for r in TOY_LOG if r["kind"] == "usage"]

    code = main(["import", str(source), "--output-dir", str(tmp_path / "logs"), "--model", "gpt-5", "--json"])
    imported = json.loads(capsys.readouterr().out)["imported"][0]

    assert code == 0
    assert imported["model"] == "gpt-5"
    assert imported["cost_usd"] == pytest.approx(sum(prices.cost("gpt-5", u) for u in usages), abs=1e-6)


@needs_corpus
def test_two_logs_of_the_same_second_and_name_both_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two logs that started in the same second under the same file name become two trajectories, not one."""
    assert CORPUS is not None
    rollout = sorted((CORPUS / "codex-rollout").rglob("*.jsonl"))[0]
    first, second = tmp_path / "a" / rollout.name, tmp_path / "b" / rollout.name
    for copy in (first, second):
        copy.parent.mkdir()
        shutil.copyfile(rollout, copy)
    logs = tmp_path / "logs"

    code = main(["import", str(first), str(second), "--output-dir", str(logs), "--json"])
    imported = json.loads(capsys.readouterr().out)["imported"]
    main(["analyze", str(logs), "--json"])
    summary = json.loads(capsys.readouterr().out)

    assert code == 0
    assert len({entry["trajectory"] for entry in imported}) == 2
    assert all(Path(entry["trajectory"]).is_file() for entry in imported)
    assert summary["runs"] == 2


TOKENS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens")


def _importable_logs() -> list[Path]:
    """Every log of the corpus that ``import`` reads (the SDK's fixture files are test data, no logs)."""
    return sorted(
        p
        for p in CORPUS.rglob("*")
        if p.is_file() and p.suffix != ".md" and p.parent.name != "claude-agent-sdk-fixtures"
    )


def _counted(summary: dict[str, object]) -> tuple[object, ...]:
    """What ``analyze`` counts in a run: tokens, cost, turns and each tool's calls and errors."""
    tools = summary["tools"]
    assert isinstance(tools, dict)
    return (
        summary["runs"],
        summary["statuses"],
        *(
            summary[k]
            for k in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens")
        ),
        round(float(summary["cost_usd"]), 9),  # type: ignore[arg-type]
        summary["num_turns"],
        {name: (t["calls"], t["errors"]) for name, t in tools.items()},
    )


@needs_corpus
@pytest.mark.parametrize("log", _importable_logs(), ids=lambda p: f"{p.parent.name}/{p.name[:40]}")
def test_a_log_counts_the_same_read_in_place_and_imported(
    log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``analyze`` of a real agent log and of its import agree on tokens, cost, turns, tool calls and
    duration (unknown in both when the log records no times)."""
    assert main(["analyze", str(log), "--json", "--no-cache"]) == 0
    in_place = json.loads(capsys.readouterr().out)
    context.reset()
    assert main(["import", str(log), "--output-dir", str(tmp_path / "logs")]) == 0
    capsys.readouterr()
    context.reset()
    assert main(["analyze", str(tmp_path / "logs"), "--json", "--no-cache"]) == 0
    imported = json.loads(capsys.readouterr().out)

    assert _counted(imported) == _counted(in_place)
    assert imported["duration_ms"] == in_place["duration_ms"]  # None both where the log has no times
