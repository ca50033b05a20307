"""The ``trajectory_import`` hook: foreign agent logs recorded as trajectories that analyze can read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.corpus import CORPUS, needs_corpus

from autopilot import hookimpl
from autopilot.core.errors import BadInputError, PluginError
from autopilot.core.hooks import Hooks
from autopilot.core.importer import import_file, read_records
from autopilot.core.models import BackendEvent, ImportedRun, Step, Usage
from autopilot.core.pricing import load_price_table
from autopilot.core.trajectory.analysis import summarize
from autopilot.core.trajectory.files import load_trajectory, schema_error

CLAUDE_FILES = sorted((CORPUS / "claude-stream-json").glob("*.*json*")) if CORPUS.is_dir() else []
CODEX_FILES = sorted((CORPUS / "codex-exec-json").glob("*.jsonl")) if CORPUS.is_dir() else []


class ToyImporter:
    """Imports a tiny made-up format: records with a ``kind`` of prompt, call, result, usage, end."""

    model = "claude-haiku-4-5"

    @hookimpl
    def trajectory_import(self, path: Path, records: list[dict[str, Any]]) -> ImportedRun | None:
        if not records or records[0].get("kind") != "prompt":
            return None
        events: list[BackendEvent] = [BackendEvent(model=self.model, session_id="toy-1")]
        for record in records:
            kind = record["kind"]
            if kind == "prompt":
                events.append(BackendEvent(steps=[Step("user", text=record["text"])]))
            elif kind == "call":
                step = Step("tool_call", tool=record["tool"], tool_use_id=record["id"], input=record["input"])
                events.append(BackendEvent(steps=[step]))
            elif kind == "result":
                step = Step("tool_result", tool_use_id=record["id"], output=record["output"], is_error=False)
                events.append(BackendEvent(steps=[step]))
            elif kind == "usage":
                events.append(
                    BackendEvent(usage=Usage(record["input"], record["output"]), turn_complete=True)
                )
            elif kind == "end":
                events.append(BackendEvent(done=True, status=record["status"], final_text=record.get("text")))
        return ImportedRun("toy", events, cwd="/toy")


TOY_LOG = [
    {"kind": "prompt", "text": "list the files"},
    {"kind": "call", "tool": "Bash", "id": "c1", "input": {"command": "ls"}},
    {"kind": "usage", "input": 1200, "output": 40},
    {"kind": "result", "id": "c1", "output": "a.py\nb.py"},
    {"kind": "usage", "input": 1300, "output": 25},
    {"kind": "end", "status": "success", "text": "Two files."},
]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_hook_trajectory_import(hooks: Hooks, tmp_path: Path) -> None:
    """A plugin's events are recorded as a valid trajectory, its usage priced with the price table."""
    hooks.pm.register(ToyImporter(), name="toy_import")
    source = write_jsonl(tmp_path / "toy.jsonl", TOY_LOG)

    result = import_file(hooks, source, tmp_path / "logs")

    data = json.loads(result.paths["json"].read_text(encoding="utf-8"))
    prices = load_price_table()
    usages = [Usage(r["input"], r["output"]) for r in TOY_LOG if r["kind"] == "usage"]
    assert schema_error(data) is None
    assert (data["agent"], data["model"], data["session_id"]) == ("toy", ToyImporter.model, "toy-1")
    assert data["prompt"] == "list the files"
    assert [s["type"] for s in data["steps"]] == ["user", "tool_call", "system", "tool_result", "system"]
    assert data["usage"]["cost_usd"] == pytest.approx(sum(prices.cost(ToyImporter.model, u) for u in usages))
    assert data["result"]["status"] == "success"
    assert data["result"]["num_turns"] == len(usages)
    assert data["result"]["final_text"] == "Two files."
    assert summarize([load_trajectory(result.paths["json"])])["tools"]["Bash"]["calls"] == 1


def test_a_log_without_an_end_is_imported_as_incomplete(hooks: Hooks, tmp_path: Path) -> None:
    """A log cut off before its end (a killed agent) becomes a run with status incomplete."""
    hooks.pm.register(ToyImporter(), name="toy_import")
    source = write_jsonl(tmp_path / "toy.jsonl", TOY_LOG[:-1])

    result = import_file(hooks, source, tmp_path / "logs")

    assert result.run.result.status == "incomplete"


def test_an_unknown_format_is_one_error_naming_the_file(hooks: Hooks, tmp_path: Path) -> None:
    """When no plugin recognises the records, the error names the file and the known formats."""
    source = write_jsonl(tmp_path / "other.jsonl", [{"event": "something else"}])

    with pytest.raises(BadInputError) as raised:
        import_file(hooks, source, tmp_path / "logs")

    assert str(raised.value).startswith(f"{source}: no plugin recognises this format")


def test_an_importer_returning_the_wrong_thing_is_a_plugin_error(hooks: Hooks, tmp_path: Path) -> None:
    """A plugin that returns something other than an ImportedRun is named in a PluginError."""

    class Broken:
        @hookimpl
        def trajectory_import(self, path: Path, records: list[dict[str, Any]]) -> Any:
            return {"agent": "x"}

    hooks.pm.register(Broken(), name="broken_import")
    source = write_jsonl(tmp_path / "any.jsonl", [{"a": 1}])

    with pytest.raises(PluginError, match="broken_import"):
        import_file(hooks, source, tmp_path / "logs")


@pytest.mark.parametrize(
    ("text", "count", "warned"),
    [
        ('[{"a": 1}, {"b": 2}, 3]', 2, False),
        ('{"a": 1}', 1, False),
        ('{"a": 1}\nnot json\n{"b": 2}\n', 2, True),
        ('{"a": 1}\n{"b": 2}\n{"c": ', 2, True),
    ],
)
def test_records_are_read_from_json_or_json_lines(
    tmp_path: Path, text: str, count: int, warned: bool
) -> None:
    """A JSON array, a JSON object or JSON Lines; unreadable lines are skipped with a warning."""
    path = tmp_path / "log"
    path.write_text(text, encoding="utf-8")

    records, warnings = read_records(path)

    assert len(records) == count
    assert bool(warnings) == warned


# ------------------------------------------------------------------------------------------------
# The real formats: the claude and codex plugins' own hooks


@needs_corpus
@pytest.mark.parametrize("path", CLAUDE_FILES + CODEX_FILES, ids=lambda p: p.name)
def test_corpus_logs_import_into_valid_trajectories(hooks: Hooks, tmp_path: Path, path: Path) -> None:
    """Every sample log imports into a schema-valid trajectory with one tool call per call in the log."""
    # Each format goes through its backend plugin's own trajectory_import hook.
    text = path.read_text(encoding="utf-8")
    expected_calls = text.count('"type":"tool_use"') + text.count('"type": "tool_use"')
    if "codex" in str(path.parent):
        expected_calls = sum(
            1
            for line in text.splitlines()
            if '"item.completed"' in line and any(k in line for k in ('"command_execution"', '"file_change"'))
        )

    result = import_file(hooks, path, tmp_path / "logs")

    written = result.paths.get("json")
    assert written is not None
    assert schema_error(json.loads(written.read_text(encoding="utf-8"))) is None
    assert summarize([load_trajectory(written)])["steps"] == len(result.run.steps)
    assert sum(1 for s in result.run.steps if s.type == "tool_call") == expected_calls
    assert result.run.agent == ("codex" if "codex" in str(path.parent) else "claude")
