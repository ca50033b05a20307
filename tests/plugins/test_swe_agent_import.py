"""SWE-agent and mini-swe-agent trajectories: ``import`` records them as runs with steps, and ``export``,
``replay`` and ``compare`` work on them, with the tokens and cost ``analyze`` reads from the files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.corpus import CORPUS, needs_corpus
from tests.otlp_collector import read_spans

from autopilot.cli import context, main

#: Every SWE-agent and mini-swe-agent file of the corpus.
FILES = (
    sorted(
        str(p.relative_to(CORPUS))
        for folder in ("swe-agent-traj", "mini-swe-agent-traj")
        for p in (CORPUS / folder).iterdir()
        if p.suffix != ".md"
    )
    if CORPUS.is_dir()
    else []
)
SWE_1X = "swe-agent-traj/6e44b9__sweagenttestrepo-1c2844.traj"
SWE_0X = "swe-agent-traj/pydicom__pydicom-1458.traj"
DEMO = "swe-agent-traj/demo__function_calling_simple.traj"
MINI = "mini-swe-agent-traj/gemini3pro_v1.15.0__django__django-10999.traj.json"
TOTALS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens", "cost_usd")


def _cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Any:
    """``autopilot ARGS --json``: its JSON output (exit 0 asserted)."""
    context.reset()
    code = main([*map(str, args), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def _import(capsys: pytest.CaptureFixture[str], source: Path, out: Path) -> Path:
    """``import SOURCE``: the trajectory written."""
    (item,) = _cli(capsys, "import", source, "--output-dir", out)["imported"]
    return Path(item["trajectory"])


def _run(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _steps(run: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [s for s in run["steps"] if s["type"] == kind]


@needs_corpus
@pytest.mark.parametrize("log", FILES)
def test_an_imported_file_has_the_tokens_and_cost_analyze_reads(
    log: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``analyze`` of the file and of its import give the same tokens and cost, and the imported run's
    own usage is that total."""
    assert CORPUS is not None
    source = _cli(capsys, "analyze", CORPUS / log, "--no-cache")
    imported = _import(capsys, CORPUS / log, tmp_path)

    again = _cli(capsys, "analyze", imported, "--no-cache")

    assert {k: again[k] for k in TOTALS} == {k: source[k] for k in TOTALS}
    usage = _run(imported)["usage"]
    usage["cost_usd"] = round(usage["cost_usd"], 6)  # analyze prints cost to the millionth
    assert {k: usage[k] for k in TOTALS} == {k: source[k] for k in TOTALS}


@needs_corpus
def test_a_swe_agent_1x_file_imports_each_call_with_its_tool_call_and_observation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each trajectory entry is a model turn: its thought, its function call (name, id and arguments
    from the history) and its observation; the issue is the prompt, the submission the final text."""
    assert CORPUS is not None
    doc = json.loads((CORPUS / SWE_1X).read_text())

    run = _run(_import(capsys, CORPUS / SWE_1X, tmp_path))

    calls, results = _steps(run, "tool_call"), _steps(run, "tool_result")
    assert (run["agent"], run["model"], run["session_id"]) == (
        "swe-agent",
        "gpt-4o",
        Path(SWE_1X).name.removesuffix(".traj"),
    )
    assert run["prompt"].startswith("We're currently solving the following issue")
    assert [s["text"] for s in _steps(run, "assistant")] == [e["thought"] for e in doc["trajectory"]]
    assert [c["tool"] for c in calls] == ["find_file", "open", "edit", "bash", "submit"]
    assert calls[0]["tool_use_id"] == doc["history"][2]["tool_calls"][0]["id"]
    assert calls[0]["input"] == {"file_name": "missing_colon.py"}
    assert [r["output"] for r in results] == [e["observation"] for e in doc["trajectory"]]
    assert [r["tool_use_id"] for r in results] == [c["tool_use_id"] for c in calls]
    assert (run["result"]["status"], run["result"]["num_turns"]) == ("success", 5)
    assert run["result"]["final_text"] == doc["info"]["submission"]
    assert run["result"]["duration_ms"] == int(sum(e["execution_time"] for e in doc["trajectory"]) * 1000)


@needs_corpus
def test_a_swe_agent_0x_file_names_each_tool_by_its_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 0.x file has no function calls: each action is a call of its first word, with the whole
    action as the command; the demonstration in its history is not a step."""
    assert CORPUS is not None
    doc = json.loads((CORPUS / SWE_0X).read_text())

    run = _run(_import(capsys, CORPUS / SWE_0X, tmp_path))

    calls = _steps(run, "tool_call")
    assert [c["input"]["command"] for c in calls] == [e["action"] for e in doc["trajectory"]]
    assert [c["tool"] for c in calls] == [e["action"].split()[0] for e in doc["trajectory"]]
    assert "DEMONSTRATION" not in json.dumps(run["steps"])
    assert run["usage"]["cost_usd"] == pytest.approx(1.26719)
    assert run["result"]["num_turns"] == 12


@needs_corpus
def test_a_demonstration_is_imported_from_its_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A demonstration holds only ``history``: its assistant messages are the calls, the tool messages
    their results; with no ``info`` it has no usage and no stated outcome (unknown)."""
    assert CORPUS is not None

    run = _run(_import(capsys, CORPUS / DEMO, tmp_path))

    assert [c["tool"] for c in _steps(run, "tool_call")] == ["find_file", "open", "edit", "bash", "submit"]
    assert len(_steps(run, "tool_result")) == 5
    assert (run["result"]["status"], run["usage"]["cost_usd"]) == ("unknown", 0.0)


@needs_corpus
def test_a_mini_swe_agent_v1_file_imports_each_call_with_its_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each assistant message is a turn with its own tokens and bash command, the next user message its
    result; the run's cost is shared out by tokens; v1 records no times, so its duration is unknown."""
    assert CORPUS is not None
    doc = json.loads((CORPUS / MINI).read_text())
    said = [m for m in doc["messages"] if m["role"] == "assistant"]

    run = _run(_import(capsys, CORPUS / MINI, tmp_path))

    calls, results = _steps(run, "tool_call"), _steps(run, "tool_result")
    usages = [s["usage"] for s in run["steps"] if s.get("usage")]
    assert (run["agent"], run["model"], run["session_id"]) == (
        "mini-swe-agent", "google/gemini-3-pro-preview", "django__django-10999")  # fmt: skip
    assert run["prompt"] == doc["messages"][1]["content"]
    assert len(calls) == len(results) == len(usages) == len(said) == run["result"]["num_turns"]
    assert calls[0]["input"]["command"] in said[0]["content"]
    assert results[0]["output"] == doc["messages"][3]["content"]
    assert [u["output_tokens"] for u in usages] == [
        m["extra"]["response"]["usage"]["completion_tokens"] for m in said
    ]
    assert sum(u["cost_usd"] for u in usages) == pytest.approx(doc["info"]["model_stats"]["instance_cost"])
    assert run["result"]["final_text"] == doc["info"]["submission"]
    assert run["result"]["duration_ms"] is None  # not known, not zero


def _v2(tmp_path: Path) -> Path:
    """A mini-swe-agent v2 run (``mini-swe-agent-1.1``): tool calls, each call's cost and time."""

    def call(n: int, command: str) -> dict[str, Any]:
        usage = {
            "prompt_tokens": 500 * n,
            "completion_tokens": 10,
            "prompt_tokens_details": {"cached_tokens": 100},
        }
        return {"role": "assistant", "content": f"step {n}",
                "tool_calls": [{"id": f"t{n}", "type": "function",
                                "function": {"name": "bash", "arguments": json.dumps({"command": command})}}],
                "extra": {"response": {"id": f"r{n}", "model": "gpt-5-mini", "usage": usage},
                          "cost": 0.01 * n, "timestamp": 1764547200.0 + 10 * n}}  # fmt: skip

    def answer(n: int, code: int) -> dict[str, Any]:
        return {"role": "tool", "tool_call_id": f"t{n}", "content": f"out {n}",
                "extra": {"returncode": code, "timestamp": 1764547205.0 + 10 * n}}  # fmt: skip

    messages = [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "fix the bug", "extra": {"timestamp": 1764547200.0}},
        call(1, "ls"), answer(1, 0), call(2, "false"), answer(2, 1),
    ]  # fmt: skip
    info = {"model_stats": {"instance_cost": 0.03, "api_calls": 2}, "exit_status": "LimitsExceeded",
            "submission": "", "mini_version": "2.0.0"}  # fmt: skip
    path = tmp_path / "v2.traj.json"
    path.write_text(
        json.dumps({"info": info, "messages": messages, "trajectory_format": "mini-swe-agent-1.1"})
    )
    return path


def test_a_mini_swe_agent_v2_run_keeps_its_times_costs_and_failures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """v2 tool calls keep their ids and commands, each call its stated cost, each step the time the file
    records; a failed command is an error result, and an exit other than Submitted an error run."""
    run = _run(_import(capsys, _v2(tmp_path), tmp_path / "out"))

    calls, results = _steps(run, "tool_call"), _steps(run, "tool_result")
    assert [(c["tool_use_id"], c["input"]) for c in calls] == [
        ("t1", {"command": "ls"}),
        ("t2", {"command": "false"}),
    ]
    assert [(r["tool_use_id"], r["is_error"]) for r in results] == [("t1", False), ("t2", True)]
    assert [s["usage"]["cost_usd"] for s in run["steps"] if s.get("usage")] == [0.01, 0.02]
    assert run["started_at"] == "2025-12-01T00:00:00.000Z"
    assert [s["ts"] for s in results] == ["2025-12-01T00:00:15.000Z", "2025-12-01T00:00:25.000Z"]
    assert run["result"]["duration_ms"] == 25_000
    assert (run["result"]["status"], run["result"]["stop_reason"]) == ("error", "LimitsExceeded")


def test_a_json_object_of_another_kind_is_not_taken_for_a_trajectory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JSON object with an ``info`` or ``history`` key of another kind is no format import knows."""
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"info": {"name": "collection"}, "history": [{"date": "2025-01-01"}]}))

    context.reset()
    code = main(["import", str(path), "--output-dir", str(tmp_path / "out")])

    assert code == 2
    assert "no plugin recognises this format" in capsys.readouterr().err


@needs_corpus
@pytest.mark.parametrize("log", FILES)
def test_otlp_export_has_a_chat_span_per_call_and_the_files_totals(
    log: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``export --format otlp`` of the file: a chat span per model call, a tool span per tool call, and
    the tokens and cost ``analyze`` reads from the file on the run's span."""
    assert CORPUS is not None
    figures = _cli(capsys, "analyze", CORPUS / log, "--no-cache")
    run = _run(_import(capsys, CORPUS / log, tmp_path / "imported"))
    out = tmp_path / "spans.jsonl"
    context.reset()

    code = main(["export", "--format", "otlp", "-o", str(out), str(CORPUS / log)])

    capsys.readouterr()
    spans = read_spans(out)
    (root,) = [s for s in spans if not s.parent_id]
    kinds = [s.operation for s in spans]
    assert code == 0
    assert kinds.count("chat") == run["result"]["num_turns"]
    assert kinds.count("execute_tool") == len(_steps(run, "tool_call"))
    assert root.attributes["gen_ai.usage.output_tokens"] == figures["output_tokens"]
    assert root.attributes["autopilot.cost_usd"] == pytest.approx(figures["cost_usd"], abs=1e-6)


@needs_corpus
def test_replay_and_compare_read_imported_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``replay`` steps through an imported run; ``compare`` of a SWE-agent run and the demonstration
    of the same issue finds where they part (both first look for the file, then open it differently)."""
    assert CORPUS is not None
    first = _import(capsys, CORPUS / SWE_1X, tmp_path)
    second = _import(capsys, CORPUS / DEMO, tmp_path)

    replayed = _cli(capsys, "replay", first, "--summary")
    compared = _cli(capsys, "compare", first, second)

    assert [s["type"] for s in replayed["steps"][:4]] == ["user", "assistant", "tool_call", "tool_result"]
    assert replayed["figures"]["tool_calls"] == 5
    assert compared["first_divergence"]["call"] == 1
    assert (compared["first_divergence"]["a"]["tool"], compared["first_divergence"]["b"]["tool"]) == (
        "open",
        "open",
    )
