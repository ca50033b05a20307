"""Figures over recorded runs (analyze) and the comparison of two runs (compare)."""

from __future__ import annotations

import math
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from tests.trajectory_builders import Recorded, Script, record, typical_script

from autopilot.core.hooks import Hooks
from autopilot.core.models import Step, Usage
from autopilot.core.trajectory import analysis
from autopilot.core.trajectory.files import LoadedRun, find_trajectories, load_trajectory


def load_all(directory: Path) -> list[LoadedRun]:
    return [load_trajectory(path) for path in find_trajectories(directory)]


def hit_rate(usage: Usage) -> float:
    return usage.cache_read_tokens / (
        usage.input_tokens + usage.cache_read_tokens + usage.cache_creation_tokens
    )


# ------------------------------------------------------------------------------------------------
# Totals


def test_totals_are_the_sums_of_what_the_runs_used(hooks: Hooks, tmp_path: Path) -> None:
    """Cost, the four token buckets, turns, duration and steps add up over every run in a directory."""
    scripts = [typical_script(), typical_script("gpt-5"), typical_script("claude-haiku-4-5")]
    recorded = [record(hooks, tmp_path, s) for s in scripts]
    usage = sum((s.total_usage for s in scripts), Usage())

    summary = analysis.summarize(load_all(tmp_path))

    assert len(scripts) == summary["runs"]
    assert round(usage.cost_usd, 6) == summary["cost_usd"]
    for key in analysis.TOKEN_KEYS:
        assert getattr(usage, key) == summary[key], key
    assert round(hit_rate(usage), 4) == summary["cache_hit_rate"]
    assert sum(s.turns for s in scripts) == summary["num_turns"]
    assert sum(r.run.result.duration_ms for r in recorded) == summary["duration_ms"]
    assert sum(len(s.steps) for s in scripts) == summary["steps"]


def test_the_json_shape_has_every_documented_key(hooks: Hooks, tmp_path: Path) -> None:
    """The summary carries the keys docs/reference/analyze.md promises, at the top and per model and tool."""
    record(hooks, tmp_path, typical_script())

    summary = analysis.summarize(load_all(tmp_path))

    top = {
        "runs",
        "cost_usd",
        "input_tokens",
        "output_tokens",
        "cache_read_tokens",
        "cache_creation_tokens",
        "cache_hit_rate",
        "duration_ms",
        "num_turns",
        "tools",
        "success_rate",
        "statuses",
        "models",
        "files",
    }
    assert top <= set(summary)
    assert top - {"models", "files"} <= set(summary["models"]["claude-sonnet-4-5"])
    assert {"calls", "errors", "p50_ms", "p95_ms"} == set(summary["tools"]["Bash"])
    assert {"path", "run_id", "status", "cost_usd", "tool_calls", "tool_errors"} <= set(summary["files"][0])


def test_status_counts_and_success_rate(hooks: Hooks, tmp_path: Path) -> None:
    """Statuses are counted per status; the success rate is the share of runs that succeeded."""
    endings = ["success", "success", "error", "budget_exhausted", None, "success"]
    for status in endings:
        record(hooks, tmp_path, typical_script(), status=status)
    statuses = ["incomplete" if s is None else s for s in endings]

    summary = analysis.summarize(load_all(tmp_path))

    assert {s: statuses.count(s) for s in set(statuses)} == summary["statuses"]
    assert round(statuses.count("success") / len(statuses), 4) == summary["success_rate"]


def test_per_model_figures_split_the_totals(hooks: Hooks, tmp_path: Path) -> None:
    """Each model's runs, cost and tokens are those of its own runs, and they add up to the totals."""
    models = ["gpt-5", "claude-sonnet-4-5", "gpt-5"]
    scripts = [typical_script(m) for m in models]
    for script in scripts:
        record(hooks, tmp_path, script)

    summary = analysis.summarize(load_all(tmp_path))

    for model in set(models):
        mine = [s for s in scripts if s.model == model]
        figures = summary["models"][model]
        assert len(mine) == figures["runs"]
        assert round(sum(s.total_usage.cost_usd for s in mine), 6) == figures["cost_usd"]
        assert sum(s.total_usage.output_tokens for s in mine) == figures["output_tokens"]
    assert summary["runs"] == sum(m["runs"] for m in summary["models"].values())


def test_a_killed_run_is_analyzed_from_its_journal(hooks: Hooks, tmp_path: Path) -> None:
    """A run killed mid-way counts as incomplete, with the tokens and cost its recorded steps used."""
    script = typical_script()
    record(hooks, tmp_path, script, status=None)

    summary = analysis.summarize(load_all(tmp_path))

    assert summary["statuses"] == {"incomplete": 1}
    assert summary["files"][0]["kind"] == "journal"
    assert round(script.total_usage.cost_usd, 6) == summary["cost_usd"]
    assert script.total_usage.input_tokens == summary["input_tokens"]


def test_no_runs_give_zero_totals_and_no_rates() -> None:
    """An empty selection has zero totals and no success or cache hit rate (not a division by zero)."""
    summary = analysis.summarize([])

    assert (
        summary["runs"],
        summary["success_rate"],
        summary["cache_hit_rate"],
        summary["tools"],
    ) == (0, None, None, {})


# ------------------------------------------------------------------------------------------------
# Tools


def test_tool_calls_errors_and_latency_percentiles(hooks: Hooks, tmp_path: Path) -> None:
    """Per tool: calls, errors, and nearest-rank p50/p95 of the call-to-result latencies."""
    script = Script()
    script.user("go")
    latencies = [(i * 37) % 101 * 10 + 10 for i in range(1, 41)]  # 40 distinct-ish latencies
    failing = {3, 17, 29}
    for i, latency in enumerate(latencies):
        script.tool("Bash", {"command": f"echo {i}"}, latency_ms=latency, is_error=i in failing)
    script.tool("Read", {"file_path": "a.py"}, latency_ms=5)
    record(hooks, tmp_path, script)

    tools = analysis.summarize(load_all(tmp_path))["tools"]

    ordered = sorted(latencies)
    assert len(latencies) == tools["Bash"]["calls"]
    assert len(failing) == tools["Bash"]["errors"]
    assert ordered[math.ceil(0.50 * len(ordered)) - 1] == tools["Bash"]["p50_ms"]
    assert ordered[math.ceil(0.95 * len(ordered)) - 1] == tools["Bash"]["p95_ms"]
    assert tools["Read"] == {"calls": 1, "errors": 0, "p50_ms": 5, "p95_ms": 5}


def test_results_are_matched_to_calls_by_id_even_out_of_order(hooks: Hooks, tmp_path: Path) -> None:
    """Parallel calls answered in reverse order: each error and latency goes to the tool that was called."""
    script = Script()
    script.user("go")
    grep = script.call("Grep", {"pattern": "x"})
    bash = script.call("Bash", {"command": "make"}, after_ms=50)
    script.result(bash, "boom", after_ms=300, is_error=True)
    script.result(grep, "found", after_ms=200)
    record(hooks, tmp_path, script)

    tools = analysis.summarize(load_all(tmp_path))["tools"]

    assert tools["Bash"] == {"calls": 1, "errors": 1, "p50_ms": 300, "p95_ms": 300}
    assert tools["Grep"] == {"calls": 1, "errors": 0, "p50_ms": 550, "p95_ms": 550}


def test_a_call_without_result_counts_without_latency() -> None:
    """A call never answered (killed run) has no latency; a result without its call counts as '?'."""
    steps = [
        Step("tool_call", ts="2026-01-01T00:00:00.000Z", tool="Bash", tool_use_id="a", input={}),
        Step("tool_result", ts="2026-01-01T00:00:01.000Z", tool_use_id="zzz", output="x", is_error=True),
    ]

    figures = {name: f.to_dict() for name, f in analysis.tool_figures(steps).items()}

    assert figures["Bash"] == {"calls": 1, "errors": 0, "p50_ms": None, "p95_ms": None}
    assert figures["?"] == {"calls": 0, "errors": 1, "p50_ms": None, "p95_ms": None}


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1), st.floats(1, 100))
def test_percentile_is_an_observed_value_with_enough_values_below(values: list[float], p: float) -> None:
    """The nearest-rank percentile is one of the values, with at least p% of the values at or below it."""
    result = analysis.percentile(values, p)

    assert result in values
    assert sum(v <= result for v in values) >= p / 100 * len(values)


# ------------------------------------------------------------------------------------------------
# What a run touched


def _call(tool: str, tool_input: object) -> Step:
    return Step("tool_call", tool=tool, tool_use_id="t", input=tool_input)


def test_files_and_commands_each_tool_touched() -> None:
    """Files and commands are read from the inputs of the tools in the data table, paths made relative."""
    cwd = "/repo"
    patch = (
        "*** Begin Patch\n*** Update File: src/a.py\n@@\n-x\n+y\n"
        "*** Add File: docs/new.md\n+hi\n*** End Patch\n"
    )
    cases = [
        (_call("Read", {"file_path": "/repo/README.md"}), {"README.md": "read"}, []),
        (_call("Write", {"file_path": "/repo/out.txt", "content": "x"}), {"out.txt": "write"}, []),
        (_call("Edit", {"file_path": "/elsewhere/x.py"}), {"/elsewhere/x.py": "write"}, []),
        (_call("NotebookEdit", {"notebook_path": "/repo/n.ipynb"}), {"n.ipynb": "write"}, []),
        (_call("Bash", {"command": "pytest -q", "description": "run"}), {}, ["pytest -q"]),
        (_call("command_execution", {"command": ["bash", "-lc", "ls -la"]}), {}, ["bash -lc 'ls -la'"]),
        (_call("apply_patch", {"input": patch}), {"src/a.py": "write", "docs/new.md": "write"}, []),
        (_call("apply_patch", patch), {"src/a.py": "write", "docs/new.md": "write"}, []),
        (
            _call("file_change", {"changes": [{"path": "/repo/hello.txt", "kind": "add"}]}),
            {"hello.txt": "write"},
            [],
        ),
        (_call("mcp__fs__read", {"path": "/repo/cfg.toml"}), {"cfg.toml": "read"}, []),
        (_call("WebFetch", {"url": "https://example.invalid"}), {}, []),
    ]

    for step, files, commands in cases:
        assert (files, commands) == analysis.touched_by(step, cwd), step.tool


def test_a_file_written_anywhere_in_the_run_counts_as_written(hooks: Hooks, tmp_path: Path) -> None:
    """A file first read and later edited is reported once, as written; commands keep their order."""
    record(hooks, tmp_path, typical_script())

    touched = analysis.touched(load_all(tmp_path)[0].run)

    assert touched["files"] == {"tests/test_app.py": "read", "src/app.py": "write"}
    assert touched["commands"] == ["pytest -q", "pytest -q"]


# ------------------------------------------------------------------------------------------------
# compare


def _two(hooks: Hooks, tmp_path: Path, a: Script, b: Script) -> tuple[Recorded, Recorded, dict]:
    ra, rb = record(hooks, tmp_path, a), record(hooks, tmp_path, b)
    result = analysis.compare(load_trajectory(ra.path), load_trajectory(rb.path))
    return ra, rb, result


def test_identical_runs_in_different_worktrees_do_not_diverge(hooks: Hooks, tmp_path: Path) -> None:
    """Same calls in two checkouts (different cwd, different descriptions): similarity 1, no divergence."""
    a, b = typical_script(), typical_script()
    b.cwd = "/tmp/other-worktree"
    for step in b.steps:
        if isinstance(step.input, dict):
            step.input = {
                k: (v.replace(a.cwd, b.cwd) if isinstance(v, str) else v) for k, v in step.input.items()
            }
            step.input.pop("description", None)

    _, _, result = _two(hooks, tmp_path, a, b)

    assert None is result["first_divergence"]
    assert result["similarity"] == 1.0
    assert [block["op"] for block in result["alignment"]] == ["equal"]


def test_the_first_divergence_names_the_calls_where_the_runs_part(hooks: Hooks, tmp_path: Path) -> None:
    """Runs that agree on k calls and then differ report the divergence at call k with both steps."""
    a, b = Script(), Script()
    for script in (a, b):
        script.user("go")
        script.tool("Read", {"file_path": f"{script.cwd}/a.py"})
        script.tool("Read", {"file_path": f"{script.cwd}/b.py"})
    edit_a, _ = a.tool("Edit", {"file_path": f"{a.cwd}/c.py", "old_string": "1", "new_string": "2"})
    bash_b, _ = b.tool("Bash", {"command": "rm -rf build"})
    for script in (a, b):
        script.tool("Bash", {"command": "pytest"})

    _, _, result = _two(hooks, tmp_path, a, b)

    first = result["first_divergence"]
    assert first["call"] == 2
    assert ("Edit", a.steps.index(edit_a)) == (first["a"]["tool"], first["a"]["step"])
    assert ("Bash", b.steps.index(bash_b)) == (first["b"]["tool"], first["b"]["step"])
    assert result["common_calls"] == 3
    assert result["touched"]["files_only_a"] == ["c.py"]
    assert result["touched"]["commands_only_b"] == ["rm -rf build"]


def test_compare_shows_totals_side_by_side(hooks: Hooks, tmp_path: Path) -> None:
    """Each compared figure holds A's and B's value."""
    a, b = typical_script(), typical_script("gpt-5")

    _, _, result = _two(hooks, tmp_path, a, b)

    assert round(a.total_usage.cost_usd, 6) == result["totals"]["cost_usd"]["a"]
    assert round(b.total_usage.cost_usd, 6) == result["totals"]["cost_usd"]["b"]
    assert (len(a.steps), len(b.steps)) == (result["totals"]["steps"]["a"], result["totals"]["steps"]["b"])
