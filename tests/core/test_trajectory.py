"""Reading trajectories back: journals of runs killed at any instant, schema validation, bad files."""

from __future__ import annotations

import json
import tempfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.trajectory_builders import Recorded, Script, record, resume, scripts, typical_script

from autopilot.core.errors import BadInputError, TrajectoryError
from autopilot.core.hooks import Hooks
from autopilot.core.models import Run, parse_ts
from autopilot.core.pluginmanager import make_plugin_manager
from autopilot.core.trajectory.files import (
    LineAppender,
    find_trajectories,
    load_trajectory,
    read_journal,
    schema_error,
    unique_base_path,
    write_json_trajectory,
)

STATUSES = [
    "success",
    "error",
    "budget_exhausted",
    "max_turns",
    "timeout",
    "interrupted",
    "stopped",
    "memory",
]


@cache
def shared_hooks() -> Hooks:
    """One manager for hypothesis examples (function-scoped fixtures don't mix with @given)."""
    return Hooks(make_plugin_manager(load_local=False))


def step_dicts(steps: list) -> list[dict]:
    return [s.to_dict() for s in steps]


# ------------------------------------------------------------------------------------------------
# Killed runs


def test_journal_reads_back_every_flushed_step_after_a_kill_between_steps(
    hooks: Hooks, tmp_path: Path
) -> None:
    """A run killed after any step reads back to exactly the steps recorded so far, with status incomplete."""
    recorded = record(hooks, tmp_path, typical_script(), status=None, snapshots=True)

    for count, snapshot in enumerate(recorded.snapshots):
        recorded.journal_path.write_bytes(snapshot)
        loaded = read_journal(recorded.journal_path)

        assert step_dicts(recorded.run.steps[:count]) == step_dicts(loaded.run.steps)
        assert loaded.run.result.status == "incomplete"
        assert loaded.warnings == []


# Every byte offset of the last line is tried for each example, so few examples cover a lot.
@settings(max_examples=15)
@given(script=scripts(max_steps=4))
def test_a_torn_last_line_never_raises_and_keeps_every_complete_step(script: Script) -> None:
    """Cutting a journal at every byte of its last line: no exception, every complete step kept, a warning."""
    with tempfile.TemporaryDirectory() as directory:
        recorded = record(shared_hooks(), Path(directory), script, status=None, snapshots=True)
        final = recorded.snapshots[-1]
        before, last = (
            final[: final.rstrip(b"\n").rfind(b"\n") + 1],
            final[final.rstrip(b"\n").rfind(b"\n") + 1 :],
        )
        content = last.rstrip(b"\n")
        steps = step_dicts(recorded.run.steps)

        for cut in range(len(last) + 1):
            recorded.journal_path.write_bytes(before + last[:cut])
            loaded = read_journal(recorded.journal_path)

            complete = cut >= len(content)  # the JSON is whole even if its newline is missing
            assert (steps if complete else steps[:-1]) == step_dicts(loaded.run.steps)
            torn = 0 < cut < len(content)
            assert torn == any("torn last line" in w for w in loaded.warnings), (cut, loaded.warnings)
            assert loaded.run.result.status == "incomplete"


def _crash_in_close(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the JSON writer die after the journal's end record, before the ``.json`` is in place."""
    import autopilot.plugins.trajectory_json as writer_module

    def die(run: object, path: Path, **options: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(writer_module, "write_json_trajectory", die)


def test_a_kill_while_finishing_keeps_the_final_status_in_the_journal(
    hooks: Hooks, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after the journal's end record but before the .json rename: the journal still has the result."""
    _crash_in_close(monkeypatch)
    script = typical_script()
    with pytest.raises(KeyboardInterrupt):
        record(hooks, tmp_path, script, status="max_turns")

    found = find_trajectories(tmp_path)
    loaded = load_trajectory(found[0])

    assert [p.name.endswith(".journal.jsonl") for p in found] == [True]
    assert loaded.run.result.status == "max_turns"
    assert script.total_usage.to_dict() == loaded.run.usage.to_dict()
    assert schema_error(loaded.run.to_dict()) is None


def test_a_torn_end_record_reads_as_an_incomplete_run(
    hooks: Hooks, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed while writing the end record, at any byte: every step survives, the run is incomplete."""
    _crash_in_close(monkeypatch)
    script = typical_script()
    with pytest.raises(KeyboardInterrupt):
        record(hooks, tmp_path, script, status="success")
    journal = find_trajectories(tmp_path)[0]
    full = journal.read_bytes()
    start = full.rstrip(b"\n").rfind(b"\n") + 1

    for cut in range(start + 1, len(full) - 1):
        journal.write_bytes(full[:cut])
        loaded = read_journal(journal)

        assert len(script.steps) == len(loaded.run.steps)
        assert loaded.run.result.status == "incomplete"
        assert len(loaded.warnings) == 1


def test_a_finished_run_is_listed_once_even_if_its_journal_survived(hooks: Hooks, tmp_path: Path) -> None:
    """Killed between the .json rename and the journal removal: the directory lists only the .json."""
    recorded = record(hooks, tmp_path, typical_script(), snapshots=True)
    recorded.journal_path.write_bytes(recorded.snapshots[-1])

    assert [recorded.json_path] == find_trajectories(tmp_path)


def test_an_incomplete_run_sums_step_usage_turns_and_time(hooks: Hooks, tmp_path: Path) -> None:
    """A killed run's usage is the sum of its steps' usage; its duration runs to its last step."""
    script = typical_script()
    recorded = record(hooks, tmp_path, script, status=None)

    run = read_journal(recorded.journal_path).run

    assert script.total_usage.to_dict() == run.usage.to_dict()
    assert script.turns == run.result.num_turns
    last = parse_ts(recorded.run.steps[-1].ts) - parse_ts(recorded.run.started_at)
    assert int(last.total_seconds() * 1000) == run.result.duration_ms


# ------------------------------------------------------------------------------------------------
# Schema


@given(script=scripts(), status=st.sampled_from(STATUSES))
def test_every_recorded_trajectory_matches_the_schema(script: Script, status: str) -> None:
    """Whatever a run did and however it ended, its .json validates against the trajectory schema."""
    with tempfile.TemporaryDirectory() as directory:
        recorded = record(shared_hooks(), Path(directory), script, status=status)

        data = json.loads(recorded.json_path.read_text(encoding="utf-8"))

        assert schema_error(data) is None
        assert status == data["result"]["status"]


@given(script=scripts())
def test_every_killed_run_folds_into_a_valid_trajectory(script: Script) -> None:
    """The journal of a killed run folds into a run that validates against the schema."""
    with tempfile.TemporaryDirectory() as directory:
        recorded = record(shared_hooks(), Path(directory), script, status=None)

        assert schema_error(read_journal(recorded.journal_path).run.to_dict()) is None


def _resumed(hooks: Hooks, tmp_path: Path, first: Recorded, second: Script) -> Recorded:
    previous = load_trajectory(first.path).run
    return resume(hooks, previous, first.base, second)


def test_a_resumed_finished_run_validates_and_keeps_both_segments(hooks: Hooks, tmp_path: Path) -> None:
    """Resuming a finished run appends to it; the result validates and holds both segments' steps."""
    first_script, second_script = typical_script(), typical_script(prompt="now add a changelog entry")
    first = record(hooks, tmp_path, first_script)
    second = _resumed(hooks, tmp_path, first, second_script)

    data = json.loads(second.json_path.read_text(encoding="utf-8"))

    assert schema_error(data) is None
    assert len(first_script.steps) + len(second_script.steps) == len(data["steps"])
    assert list(range(len(data["steps"]))) == [s["index"] for s in data["steps"]]
    assert (first_script.total_usage + second_script.total_usage).to_dict() == data["usage"]
    assert data["result"]["duration_ms"] >= first.run.result.duration_ms


def test_a_resumed_killed_run_validates_after_its_torn_line(hooks: Hooks, tmp_path: Path) -> None:
    """A run killed mid-line, then resumed and finished: valid, with every complete step of both segments."""
    first_script, second_script = typical_script(), typical_script(prompt="carry on")
    first = record(hooks, tmp_path, first_script, status=None)
    torn = first.journal_path.read_bytes()
    first.journal_path.write_bytes(torn[:-20])  # tear the last step's line
    second = _resumed(hooks, tmp_path, first, second_script)

    data = json.loads(second.json_path.read_text(encoding="utf-8"))

    assert schema_error(data) is None
    assert len(first_script.steps) - 1 + len(second_script.steps) == len(data["steps"])


def test_a_resumed_run_killed_again_reads_back_from_its_journal(hooks: Hooks, tmp_path: Path) -> None:
    """A killed run, resumed and killed again: its journal holds both segments and reads as incomplete."""
    first_script, second_script = typical_script(), typical_script(prompt="carry on")
    first = record(hooks, tmp_path, first_script, status=None)
    resume(hooks, load_trajectory(first.path).run, first.base, second_script, status=None)

    loaded = read_journal(first.journal_path)

    assert len(first_script.steps) + len(second_script.steps) == len(loaded.run.steps)
    assert loaded.run.result.status == "incomplete"
    assert (first_script.total_usage + second_script.total_usage).to_dict() == loaded.run.usage.to_dict()
    assert schema_error(loaded.run.to_dict()) is None


# ------------------------------------------------------------------------------------------------
# Bad files


BAD_FILES = {
    "empty": ("", "empty file"),
    "blank": ("  \n\n", "empty file"),
    "truncated": ('{"schema_version": 1, "run_id": "x", "steps": [', "truncated JSON"),
    "not json": ("run_id = x\n", "not valid JSON"),
    "a list": ("[1, 2, 3]\n", "not a trajectory"),
    "wrong schema": ('{"schema_version": 1, "run_id": "x"}\n', "does not match the trajectory schema"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_json_file_raises_one_line_naming_the_file_and_the_problem(tmp_path: Path, case: str) -> None:
    """Empty, truncated, non-JSON or wrong-schema files raise one line naming the file and the problem."""
    text, problem = BAD_FILES[case]
    path = tmp_path / "run.json"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(TrajectoryError) as raised:
        load_trajectory(path)

    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert problem in message
    assert "\n" not in message


def test_a_binary_file_is_reported_not_decoded(tmp_path: Path) -> None:
    """A file that is not text gives a TrajectoryError, not a UnicodeDecodeError."""
    path = tmp_path / "run.json"
    path.write_bytes(b"\xff\xfe\x00binary")

    with pytest.raises(TrajectoryError, match="not a text file"):
        load_trajectory(path)


def test_a_trajectory_with_a_damaged_field_names_the_field(hooks: Hooks, tmp_path: Path) -> None:
    """A real trajectory with a step of the wrong shape is rejected, naming where the problem is."""
    recorded = record(hooks, tmp_path, typical_script())
    data = json.loads(recorded.json_path.read_text(encoding="utf-8"))
    data["steps"][2]["tool"] = 7
    recorded.json_path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(TrajectoryError) as raised:
        load_trajectory(recorded.json_path)

    assert "does not match the trajectory schema: steps[2].tool: must be" in str(raised.value)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty journal"),
        (
            b'{"record": "step", "step": {"type": "user", "ts": "2026-01-01T00:00:00Z", "text": "x"}}\n',
            "does not start with a header",
        ),
        (b'{"record": "hea', "empty journal"),
    ],
)
def test_a_journal_without_a_header_is_an_error(tmp_path: Path, content: bytes, problem: str) -> None:
    """A journal whose header never made it to disk cannot be read, and says so in one line."""
    path = tmp_path / "run.journal.jsonl"
    path.write_bytes(content)

    with pytest.raises(TrajectoryError, match=problem):
        load_trajectory(path)


def test_an_rlog_is_refused_with_a_pointer_to_the_json(tmp_path: Path) -> None:
    """Giving the human log instead of the trajectory says which file to give instead."""
    path = tmp_path / "run.rlog"
    path.write_text("# autopilot run\n")

    with pytest.raises(TrajectoryError, match=r"give the \.json"):
        load_trajectory(path)


def test_the_documented_example_is_exactly_what_the_writer_writes(tmp_path: Path) -> None:
    """docs/trajectory-format.md shows the .json layout the writer really produces, byte for byte."""
    doc = (Path(__file__).parents[2] / "docs" / "trajectory-format.md").read_text(encoding="utf-8")
    start = doc.index("```json\n", doc.index("### Example")) + len("```json\n")
    example = doc[start : doc.index("```", start)]
    run = Run.from_dict(json.loads(example))

    write_json_trajectory(run, tmp_path / "example.json")

    assert (tmp_path / "example.json").read_text(encoding="utf-8") == example
    assert schema_error(json.loads(example)) is None


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_failed_append_raises_and_leaves_no_handle_open() -> None:
    """A disk-full error while appending reaches the caller and releases the file, every time."""
    import psutil

    full = LineAppender(Path("/dev/full"))
    for _ in range(2):  # the second write reopens the file (ending a torn line first) and fails again
        with pytest.raises(OSError):
            full.write("a record")
        assert "/dev/full" not in [f.path for f in psutil.Process().open_files()]


def test_two_runs_started_in_the_same_second_with_one_prompt_never_share_files(tmp_path: Path) -> None:
    """Two runs of one prompt started at once get their own files before either writes a step."""
    runs = [Run(prompt="fix it", started_at="2026-12-06T22:28:29.620Z") for _ in range(3)]

    expected = ["222829-fix-it", "222829-fix-it-2", "222829-fix-it-3"]
    bases = [unique_base_path(run, tmp_path / "logs") for run in runs]

    assert expected == [base.name for base in bases]
    assert not list((tmp_path / "logs").rglob("*.journal.jsonl"))  # nothing a reader takes for a run


@pytest.mark.parametrize("blocker", ["logs", "logs/20261206"])
def test_a_file_in_the_way_of_the_trajectory_folder_is_named(tmp_path: Path, blocker: str) -> None:
    """A file where the output folder (or its day folder) should be is one error naming it and the setting."""
    (tmp_path / blocker).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / blocker).write_text("not a folder")
    run = Run(prompt="fix it", started_at="2026-12-06T22:28:29.620Z")

    with pytest.raises(BadInputError, match=rf"^{tmp_path / blocker}: a file is where the trajectory"):
        unique_base_path(run, tmp_path / "logs")
