"""``autopilot analyze``, ``replay``, ``compare`` and ``validate`` from the command line."""

from __future__ import annotations

import json
import random
import re
import string
from pathlib import Path

import pytest
from tests.trajectory_builders import Script, record, typical_script

from autopilot.cli import main
from autopilot.cli.analyze import interactive
from autopilot.core.hooks import Hooks
from autopilot.core.trajectory.files import load_trajectory


def run_cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, list[str], list[str]]:
    """Exit code, stdout, and the ``error:`` and ``warning:`` lines of stderr."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    lines = err.splitlines()
    return (
        code,
        out,
        [line for line in lines if line.startswith("error:")],
        [line for line in lines if line.startswith("warning:")],
    )


@pytest.mark.parametrize("columns", [60, 80])
def test_analyze_on_a_narrow_terminal_keeps_every_figure_whole(
    hooks: Hooks,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    columns: int,
) -> None:
    """On a 60- or 80-column terminal no cost, count or heading is cut in pieces (`$0.000` over `6`):
    text columns fold, and a table that still does not fit is left to the terminal to wrap."""
    for model in ("claude-sonnet-4-5", "claude-opus-4-1"):
        record(hooks, tmp_path / "runs", typical_script(model))
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)

    for args in (["analyze", tmp_path / "runs"], ["report", "daily", "--by", "model", tmp_path / "runs"]):
        code, out, errors, _ = run_cli(capsys, *args)
        plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
        cells = {cell.strip() for line in plain.splitlines() for cell in line.replace("┃", "│").split("│")}

        assert (code, errors) == (0, [])
        money = [cell for cell in cells if cell.startswith("$")]
        assert money and all(len(cell) >= len("$0.0000") for cell in money), money
        assert {"cost", "cache write", "duration" if args[0] == "analyze" else "total tokens"} <= cells


def bad_files(directory: Path, good: Path) -> list[Path]:
    """A truncated copy of a real trajectory, a non-JSON file and a JSON file of the wrong shape."""
    directory.mkdir(parents=True, exist_ok=True)
    truncated = directory / "truncated.json"
    text = good.read_text(encoding="utf-8")
    truncated.write_text(text[: len(text) // 2], encoding="utf-8")
    not_json = directory / "notes.json"
    not_json.write_text("this is not json\n", encoding="utf-8")
    wrong = directory / "wrong.json"
    wrong.write_text(json.dumps({"schema_version": 1, "run_id": "x", "steps": "none"}), encoding="utf-8")
    return [truncated, not_json, wrong]


# ------------------------------------------------------------------------------------------------
# analyze


def test_analyze_json_reports_the_runs_figures(
    hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``analyze FILE --json`` prints the documented keys with the run's own cost, tokens and tools."""
    script = typical_script()
    recorded = record(hooks, tmp_path, script)

    code, out, errors, _ = run_cli(capsys, "analyze", recorded.json_path, "--json")

    data = json.loads(out)
    assert (code, errors) == (0, [])
    for key in (
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
    ):
        assert key in data, key
    assert data["cost_usd"] == round(script.total_usage.cost_usd, 6)
    assert data["output_tokens"] == script.total_usage.output_tokens
    calls = [s for s in script.steps if s.type == "tool_call"]
    assert data["tools"]["Bash"]["calls"] == sum(1 for s in calls if s.tool == "Bash")
    assert data["errors"] == []


def test_analyze_prints_tables_for_people(
    hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --json, analyze prints totals and a per-tool table."""
    script = typical_script()
    recorded = record(hooks, tmp_path, script)

    code, out, _, _ = run_cli(capsys, "analyze", recorded.json_path)

    assert code == 0
    assert "Totals" in out
    assert f"${script.total_usage.cost_usd:,.4f}" in out
    assert all(tool in out for tool in ("Bash", "Edit", "Read"))


def test_the_success_rate_says_it_leaves_out_runs_of_unknown_ending(
    hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Beside "success 1, unknown 1" (a log that does not say how it ended), the table's rate reads
    "100.0% of 1", not a bare 100.0% of the two runs."""
    record(hooks, tmp_path / "a", typical_script())
    record(hooks, tmp_path / "b", typical_script(), status="unknown")

    code, out, _, _ = run_cli(capsys, "analyze", tmp_path)
    rows = {
        line.split("│")[0].strip(): line.split("│")[1].strip() for line in out.splitlines() if "│" in line
    }

    assert code == 0
    assert (rows["success rate"], rows["statuses"]) == ("100.0% of 1", "success 1, unknown 1")


def test_analyze_a_directory_with_good_and_bad_files(
    hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Good runs in a directory are analyzed; each damaged run or file in no known format found there
    gets one warning line naming it (exit 0), and the damaged ones are listed in the JSON errors."""
    logs = tmp_path / "logs"
    good = [record(hooks, logs, typical_script()), record(hooks, logs, typical_script("gpt-5"), status=None)]
    truncated, not_json, wrong = bad_files(logs / "broken", good[0].json_path)

    code, out, errors, warnings = run_cli(capsys, "analyze", logs, "--json")

    data = json.loads(out)
    assert code == 0
    assert data["runs"] == len(good)
    assert set(data["models"]) == {"claude-sonnet-4-5", "gpt-5"}
    assert errors == []
    for path in (truncated, wrong, not_json):
        assert sum(str(path) in line for line in warnings) == 1, path
    assert len(warnings) == 3
    assert sorted(e["path"] for e in data["errors"]) == sorted(str(p) for p in (truncated, wrong))


def test_analyze_a_directory_prints_its_tables_and_names_each_bad_file(
    hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """People get the tables for the good runs, and one warning line for each file found unreadable."""
    logs = tmp_path / "logs"
    good = [record(hooks, logs, typical_script()) for _ in range(2)]
    bad_files(logs, good[0].json_path)

    code, out, errors, warnings = run_cli(capsys, "analyze", logs)

    assert code == 0
    assert f"(files under {logs}" in out
    assert all(g.json_path.name in out for g in good)
    assert (len(errors), len(warnings)) == (0, 3)


def test_a_damaged_log_named_directly_is_an_error(
    hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A damaged log named on the command line is one error line and exit 2; the others are analyzed."""
    logs = tmp_path / "logs"
    good = record(hooks, logs, typical_script())
    truncated, _, _ = bad_files(logs / "broken", good.json_path)

    code, out, errors, _ = run_cli(capsys, "analyze", good.json_path, truncated, "--json")

    assert code == 2
    assert json.loads(out)["runs"] == 1
    assert len(errors) == 1 and str(truncated) in errors[0]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "empty file"),
        ('{"schema_version": 1, "run_id": "abc", "steps": [{"type": ', "truncated JSON"),
        ("<html>not json</html>", "not valid JSON"),
        ('{"schema_version": 1, "run_id": "abc"}', "does not match the trajectory schema"),
    ],
)
def test_a_bad_file_gives_exactly_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, problem: str
) -> None:
    """A truncated, non-JSON, empty or wrong-schema file: one error line naming file and problem; exit 2."""
    path = tmp_path / "run.json"
    path.write_text(content, encoding="utf-8")

    for command in (["analyze"], ["analyze", "--json"], ["replay"], ["validate"]):
        code, _, errors, _ = run_cli(capsys, *command, path)
        # analyze reads every log format: a file in none of them is named as such.
        expected = "not a log format" if command[0] == "analyze" and "html" in content else problem

        assert code == 2, command
        assert len(errors) == 1, (command, errors)
        assert str(path) in errors[0] and expected in errors[0], errors[0]


def test_analyze_without_arguments_reads_the_configured_output_dir(
    hooks: Hooks, capsys: pytest.CaptureFixture[str]
) -> None:
    """``analyze`` alone analyzes docs/logs of the project, recursively."""
    # Mark the working directory as the project, so a stray .autopilot/ in an ancestor cannot claim it.
    (Path.cwd() / ".autopilot").mkdir()
    record(hooks, Path.cwd() / "docs" / "logs", typical_script())
    record(hooks, Path.cwd() / "docs" / "logs", typical_script(), status="error")

    code, out, _, _ = run_cli(capsys, "analyze", "--json")

    assert code == 0
    assert json.loads(out)["statuses"] == {"error": 1, "success": 1}


def test_analyze_a_missing_path_is_one_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path that does not exist is named in one error line; exit 2."""
    code, _, errors, _ = run_cli(capsys, "analyze", tmp_path / "nope")

    assert code == 2
    assert len(errors) == 1 and "nope" in errors[0]


def test_a_torn_journal_is_analyzed_with_a_warning(
    hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A journal of a run killed mid-write: a warning about the torn line; its complete steps analyzed."""
    script = typical_script()
    recorded = record(hooks, tmp_path, script, status=None)
    content = recorded.journal_path.read_bytes()
    recorded.journal_path.write_bytes(content[:-15])

    code, out, errors, warnings = run_cli(capsys, "analyze", recorded.journal_path, "--json")

    assert (code, errors) == (0, [])
    assert [w for w in warnings if "torn last line" in w and str(recorded.journal_path) in w]
    assert json.loads(out)["steps"] == len(script.steps) - 1


# ------------------------------------------------------------------------------------------------
# replay


def test_replay_piped_lists_every_step_in_order(
    hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Piped, replay prints the header, every step in order and the closing line, without prompting."""
    script = typical_script()
    recorded = record(hooks, tmp_path, script)

    code, out, _, _ = run_cli(capsys, "replay", recorded.json_path)

    numbers = [line.split()[1] for line in out.splitlines() if line.startswith("[")]
    assert code == 0
    assert numbers == [f"#{i}" for i in range(len(script.steps))]
    assert out.startswith("# autopilot run")
    assert "# end success" in out
    assert "[n]ext" not in out


def test_replay_summary_is_one_line_per_step(
    hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--summary prints the header, one line per step, the closing line and a totals line."""
    script = typical_script()
    script.assistant("line one\nline two\n" * 5, output_tokens=10)
    recorded = record(hooks, tmp_path, script)

    code, out, _, _ = run_cli(capsys, "replay", recorded.json_path, "--summary")

    lines = out.splitlines()
    assert code == 0
    assert sum(line.startswith("[") for line in lines) == len(script.steps)
    assert len(lines) == len(script.steps) + 4 + 2  # 4 header lines, closing line, totals line
    assert lines[-1].startswith(f"# {len(script.steps)} steps")


def test_replay_one_step_shows_every_field(
    hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--step N prints all of step N: its fields, its input as pretty JSON and the backend's raw event."""
    script = typical_script()
    call = script.call("Write", {"file_path": "notes.md", "content": "x"}, output_tokens=5)
    call.raw = {"type": "tool_use", "id": call.tool_use_id, "name": "Write"}
    recorded = record(hooks, tmp_path, script)
    index = script.steps.index(call)

    code, out, _, _ = run_cli(capsys, "replay", recorded.json_path, "--step", str(index))

    assert code == 0
    assert f"#{index}" in out.splitlines()[0]
    assert f"tool_use_id: {call.tool_use_id}" in out
    assert '      "file_path": "notes.md",' in out  # pretty-printed, indented JSON
    assert "raw event:" in out and '"name": "Write"' in out
    assert "output_tokens" in out


def test_replay_a_step_that_does_not_exist(
    hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--step beyond the run is one error line saying how many steps there are; exit 2."""
    script = typical_script()
    recorded = record(hooks, tmp_path, script)

    code, _, errors, _ = run_cli(capsys, "replay", recorded.json_path, "--step", str(len(script.steps)))

    assert code == 2
    assert len(errors) == 1 and f"has {len(script.steps)} steps" in errors[0]


@pytest.mark.parametrize("command", ["replay", "compare"])
def test_replay_and_compare_of_another_agents_log_say_to_import_it(
    command: str, hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Codex log given to replay or compare (which read trajectories) is one error line naming its
    format and the import command, not a JSON parse error about its second line; exit 2."""
    log = tmp_path / "codex run.jsonl"
    events = [
        {"type": "thread.started", "thread_id": "0199"},
        {"type": "turn.started"},
        {"type": "turn.completed", "usage": {"input_tokens": 10, "output_tokens": 2}},
    ]
    log.write_text("".join(json.dumps(event) + "\n" for event in events))
    other = [record(hooks, tmp_path, typical_script()).json_path] if command == "compare" else []

    code, _, errors, _ = run_cli(capsys, command, *other, log)

    assert code == 2
    assert errors == [
        f"error: {log}: a log in the codex-exec-json format, not an autopilot trajectory; "
        f"`autopilot import '{log}'` makes one of it (analyze, report and export read the log as it is)"
    ]


def test_interactive_replay_moves_next_previous_and_jumps(hooks: Hooks, tmp_path: Path) -> None:
    """Keys n, p, j N and q move through the steps; unknown keys and moves past the ends say so."""
    script = typical_script()
    loaded = load_trajectory(record(hooks, tmp_path, script).json_path)
    keys = iter(["p", "n", "", "p", f"j {len(script.steps) - 1}", "n", "j 99", "what", "j 1", "q"])
    output: list[str] = []

    interactive(loaded, lambda: next(keys, None), output.append)

    shown = [int(line.split()[1][1:]) for line in output if line.startswith("[")]
    last = len(script.steps) - 1
    assert shown == [0, 1, 2, 1, last, 1]
    assert any("first step" in line for line in output)
    assert any("is the last" in line for line in output)
    assert output[-1].startswith("# end success")


def test_interactive_replay_stops_at_end_of_input(hooks: Hooks, tmp_path: Path) -> None:
    """When stdin closes, the interactive view ends instead of looping."""
    loaded = load_trajectory(record(hooks, tmp_path, typical_script()).json_path)
    output: list[str] = []

    interactive(loaded, lambda: None, output.append)

    assert sum(line.startswith("[") for line in output) == 1


def _long_output_run(hooks: Hooks, tmp_path: Path) -> tuple[Path, int]:
    """A run whose one tool result has 40 lines of output and a raw event; returns its path and step."""
    script = typical_script()
    call = script.call("Bash", {"command": "seq 40"}, output_tokens=5)
    result = script.result(call, "\n".join(f"line {n}" for n in range(1, 41)))
    result.raw = {"type": "tool_result", "marker": "raw-event-marker"}
    return record(hooks, tmp_path, script).json_path, script.steps.index(result)


def test_interactive_replay_shows_a_compact_step_and_raw_json_on_demand(hooks: Hooks, tmp_path: Path) -> None:
    """A step shows its line and 12 lines of a long output; `f` shows every field, `r` the raw event."""
    path, index = _long_output_run(hooks, tmp_path)
    keys = iter(["j", "r", "f", "q"])
    output: list[str] = []

    interactive(load_trajectory(path), lambda: next(keys, None), output.append, lambda prompt: str(index))

    start = next(n for n, line in enumerate(output) if line.startswith("[") and f" #{index} " in line)
    step_view = output[start:]
    compact = step_view[: step_view.index("raw event of step " + str(index) + ":")]
    assert "    line 12" in compact and "    line 13" not in compact
    assert "    … 28 more lines of output (f: all)" in compact
    assert not any("raw-event-marker" in line for line in compact)
    raw = step_view[len(compact) :]
    assert any('"marker": "raw-event-marker"' in line for line in raw)
    assert "    line 40" in raw  # `f`: the whole output
    assert output[-1].startswith("# end success")


def test_replay_on_a_terminal_takes_single_keys(hooks: Hooks, tmp_path: Path) -> None:
    """On a terminal each key acts at once, without Enter: `n` shows the next step, `q` quits."""
    import os
    import pty
    import select
    import subprocess
    import sys
    import time

    path = record(hooks, tmp_path, typical_script()).json_path
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "autopilot", "replay", str(path)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
    )
    os.close(slave)
    seen = b""

    def read_until(marker: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while marker not in seen and time.monotonic() < deadline:
            if select.select([master], [], [], 1)[0]:
                try:
                    seen += os.read(master, 4096)
                except OSError:  # the child closed the terminal
                    break

    try:
        read_until(b"[q]uit")
        os.write(master, b"n")
        read_until(b"#1 ")
        os.write(master, b"q")
        read_until(b"# end success")
        code = process.wait(timeout=60)
    finally:
        process.kill()
        os.close(master)

    assert code == 0
    assert b"#1 " in seen and b"# end success" in seen


def test_replay_json(hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints the run without steps, its figures and every step; --step N keeps only step N."""
    script = typical_script()
    path = record(hooks, tmp_path, script).json_path

    code, out, _, _ = run_cli(capsys, "replay", path, "--json")
    data = json.loads(out)
    _, one, _, _ = run_cli(capsys, "replay", path, "--step", "2", "--json")
    _, summary, _, _ = run_cli(capsys, "replay", path, "--summary", "--json")

    assert code == 0
    assert sorted(data) == ["figures", "run", "steps"]
    assert "steps" not in data["run"] and data["run"]["result"]["status"] == "success"
    assert data["figures"]["steps"] == len(script.steps) == len(data["steps"])
    assert [s["index"] for s in json.loads(one)["steps"]] == [2]
    assert sorted(json.loads(summary)["steps"][0]) == ["index", "summary", "ts", "type"]


def test_replay_output_is_redacted(hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A secret that reached a trajectory file by other means is not printed by replay."""
    recorded = record(hooks, tmp_path, typical_script())
    secret = "ghp_" + "".join(random.choices(string.ascii_letters + string.digits, k=36))
    data = json.loads(recorded.json_path.read_text(encoding="utf-8"))
    data["steps"][0]["text"] = f"use token {secret} please"
    recorded.json_path.write_text(json.dumps(data), encoding="utf-8")

    code, out, _, _ = run_cli(capsys, "replay", recorded.json_path, "--step", "0")

    assert code == 0
    assert secret not in out
    assert "use token" in out


# ------------------------------------------------------------------------------------------------
# compare


def _diverging(hooks: Hooks, tmp_path: Path) -> tuple[Path, Path]:
    a, b = typical_script(), typical_script("gpt-5")
    a.tool("Write", {"file_path": f"{a.cwd}/CHANGELOG.md", "content": "x"})
    b.tool("Bash", {"command": "git status"})
    return record(hooks, tmp_path, a).json_path, record(hooks, tmp_path, b, status="error").json_path


def test_compare_json_shows_totals_divergence_and_what_each_touched(
    hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """compare --json: both totals, the first divergent calls, files and commands only one run touched."""
    path_a, path_b = _diverging(hooks, tmp_path)

    code, out, _, _ = run_cli(capsys, "compare", path_a, path_b, "--json")

    data = json.loads(out)
    assert code == 0
    assert data["totals"]["status"] == {"a": "success", "b": "error"}
    assert data["first_divergence"]["a"]["tool"] == "Write"
    assert data["first_divergence"]["b"]["tool"] == "Bash"
    assert data["touched"]["files_only_a"] == ["CHANGELOG.md"]
    assert data["touched"]["commands_only_b"] == ["git status"]


def test_compare_for_people(hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """compare prints the figures side by side, the first divergence and the alignment."""
    path_a, path_b = _diverging(hooks, tmp_path)

    code, out, _, _ = run_cli(capsys, "compare", path_a, path_b)

    assert code == 0
    assert "first divergence after 4 identical call(s)" in out
    assert "  - #" in out and "Write" in out
    assert "  + #" in out and "git status" in out
    assert "CHANGELOG.md" in out


def test_compare_with_a_bad_file(hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """compare names the unreadable file in one error line; exit 2."""
    good = record(hooks, tmp_path, typical_script()).json_path
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")

    code, _, errors, _ = run_cli(capsys, "compare", good, bad)

    assert code == 2
    assert len(errors) == 1 and str(bad) in errors[0]


# ------------------------------------------------------------------------------------------------
# validate


def test_validate_good_files(hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Finished trajectories and journals of killed runs validate: one ok line each, exit 0."""
    paths = [
        record(hooks, tmp_path, typical_script()).path,
        record(hooks, tmp_path, Script(), status=None).path,
    ]

    code, out, errors, _ = run_cli(capsys, "validate", *paths)

    assert (code, errors) == (0, [])
    assert [line.split()[1] for line in out.splitlines()] == [str(p) for p in paths]


def test_validate_a_mix_exits_2_with_one_line_per_bad_file(
    hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate DIR checks every file; each invalid one is one error line; exit 2."""
    good = record(hooks, tmp_path, typical_script()).json_path
    bad = bad_files(tmp_path / "bad", good)

    code, out, errors, _ = run_cli(capsys, "validate", tmp_path)

    assert code == 2
    assert f"ok: {good}" in out
    assert sorted(errors) == sorted(e for e in errors if any(str(p) in e for p in bad))
    assert len(errors) == len(bad)


def test_validate_names_another_agents_log_for_what_it_is(
    hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Codex log among the trajectories (found in a directory, or named) is one error line saying
    what it is and how to import it, as analyze says, not a schema error listing every missing field;
    the other files are still checked."""
    good = record(hooks, tmp_path, typical_script()).json_path
    events = [{"type": "thread.started", "thread_id": "0199"}, {"type": "turn.started"}]
    lines = "".join(json.dumps(event) + "\n" for event in events)
    (tmp_path / "codex.json").write_text(lines)
    named = tmp_path / "named" / "codex.jsonl"
    named.parent.mkdir()
    named.write_text(lines)

    code, out, errors, _ = run_cli(capsys, "validate", tmp_path, named)

    assert code == 2
    assert f"ok: {good}" in out
    assert [error.split(": a log in the ")[1].split(" format")[0] for error in errors] == [
        "codex-exec-json"
    ] * 2
    assert all("`autopilot import " in error for error in errors)


def test_validate_without_arguments_checks_the_configured_output_dir(
    hooks: Hooks, capsys: pytest.CaptureFixture[str]
) -> None:
    """``validate`` alone checks docs/logs of the project, as ``analyze`` and ``report`` read it; before
    the first run it says there is nothing recorded yet."""
    (Path.cwd() / ".autopilot").mkdir()
    before = run_cli(capsys, "validate")
    good = record(hooks, Path.cwd() / "docs" / "logs", typical_script()).json_path

    code, out, errors, _ = run_cli(capsys, "validate")

    assert before[0] == 2 and "no runs recorded yet" in before[2][0]
    assert (code, errors) == (0, [])
    assert [line.split(" (")[0] for line in out.splitlines()] == [f"ok: {good}"]


def test_validate_json(hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """validate --json lists each file as ok (kind, steps, status) or with its error; exit 2 if any is bad."""
    good = record(hooks, tmp_path, typical_script()).json_path
    bad = tmp_path / "bad" / "notes.json"
    bad.parent.mkdir()
    bad.write_text("not json\n")

    code, out, errors, _ = run_cli(capsys, "validate", good, bad, "--json")
    data = json.loads(out)

    assert code == 2 and len(errors) == 1
    assert (data["valid"], data["invalid"]) == (1, 1)
    assert data["files"][0] == {
        "path": str(good),
        "ok": True,
        "kind": "json",
        "steps": len(load_trajectory(good).run.steps),
        "status": "success",
    }
    assert data["files"][1]["path"] == str(bad) and data["files"][1]["ok"] is False
    assert data["files"][1]["error"].startswith(f"{bad}: ")


@pytest.mark.parametrize("command", [["analyze"], ["analyze", "--json"], ["report", "daily"]])
def test_before_the_first_run_there_is_nothing_to_analyze_and_no_error(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """In a project with no runs yet, analyze and report say so in one line and exit 0."""
    (Path.cwd() / ".autopilot").mkdir()

    code = main(command)
    captured = capsys.readouterr()

    assert code == 0
    assert captured.err.startswith("no runs recorded yet:") and "docs/logs" in captured.err
    assert "error" not in captured.err


def test_report_of_a_missing_file_is_only_the_error(capsys: pytest.CaptureFixture[str]) -> None:
    """`report daily nowhere.json` is the one error line and exit 2, without a table of zeros before it."""
    code, out, errors, _ = run_cli(capsys, "report", "daily", "nowhere.json")

    assert (code, out) == (2, "")
    assert errors == ["error: nowhere.json: no such file or directory"]
