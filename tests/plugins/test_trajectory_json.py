"""The JSON writer: a journal kept open for the run, and a final .json streamed one step per line."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
import pytest

from autopilot.core.hooks import Hooks
from autopilot.core.models import Run, Step, Usage
from autopilot.core.recorder import Recorder
from autopilot.core.trajectory.files import base_path_for, load_trajectory, read_journal, schema_error


def _recorder(hooks: Hooks, tmp_path: Path, *, step_window: int = 8) -> Recorder:
    run = Run(prompt="fix it", agent="test", model="claude-sonnet-4-5", cwd=str(tmp_path), slug="fix")
    recorder = Recorder(hooks, run, base_path_for(run, tmp_path / "logs"), step_window=step_window)
    recorder.start()
    return recorder


def _open_files_under(directory: Path) -> list[str]:
    return [f.path for f in psutil.Process().open_files() if f.path.startswith(str(directory))]


def test_the_final_json_has_one_line_per_step_in_order_and_validates(hooks: Hooks, tmp_path: Path) -> None:
    """Each step of the finished .json is one line (greppable), in order; the file matches the schema."""
    recorder = _recorder(hooks, tmp_path)
    texts = [f"step {n} · naïve ☕" for n in range(300)]
    for text in texts:
        recorder.add(Step("assistant", text=text, usage=Usage(3, 2, cost_usd=0.001)))
    recorder.finish(status="success", usage=Usage(900, 600, cost_usd=0.3), num_turns=300, final_text="ok")
    path = recorder.paths["json"]
    lines = path.read_text(encoding="utf-8").splitlines()
    data = json.loads(path.read_text(encoding="utf-8"))

    step_lines = [line for line in lines if line.startswith('    {"type":')]
    assert [json.loads(line.rstrip(","))["text"] for line in step_lines] == texts
    assert schema_error(data) is None
    assert (data["result"]["status"], data["usage"]["input_tokens"], data["result"]["final_text"]) == (
        "success",
        900,
        "ok",
    )
    assert [s.text for s in load_trajectory(path).run.steps] == texts
    assert not recorder.paths["journal"].exists()


def test_undecodable_tool_output_is_written_as_valid_utf8(hooks: Hooks, tmp_path: Path) -> None:
    """Output with a lone surrogate (undecodable bytes) breaks neither the run nor its files."""
    odd = b"caf\xe9 \xff done".decode("utf-8", "surrogateescape")
    recorder = _recorder(hooks, tmp_path, step_window=2)
    for number in range(6):
        recorder.add(Step("tool_result", tool_use_id=f"t{number}", output=f"{number} {odd}", is_error=False))
    journal_steps = read_journal(recorder.paths["journal"]).run.steps
    recorder.finish(status="success", final_text=odd)
    raw = recorder.paths["json"].read_bytes()
    loaded = load_trajectory(recorder.paths["json"]).run

    raw.decode("utf-8")  # strict: the file is valid UTF-8
    assert [s.output for s in journal_steps] == [f"{n} {odd}" for n in range(6)]
    assert [s.output for s in loaded.steps] == [f"{n} {odd}" for n in range(6)]


def test_a_run_without_steps_writes_an_empty_step_list(hooks: Hooks, tmp_path: Path) -> None:
    """A run that ended before its first step still has a valid .json, with no steps."""
    recorder = _recorder(hooks, tmp_path)
    recorder.finish(status="error", error="no credentials")
    data = json.loads(recorder.paths["json"].read_text(encoding="utf-8"))

    assert (data["steps"], data["result"]["error"], schema_error(data)) == ([], "no credentials", None)


def test_the_run_leaves_no_file_open_once_finished(hooks: Hooks, tmp_path: Path) -> None:
    """While the run goes the journal and .rlog stay open (once each); after finish nothing under logs/ is."""
    recorder = _recorder(hooks, tmp_path, step_window=2)
    for number in range(20):
        recorder.add(Step("user", text=f"u{number}"))
    during = sorted(Path(p).name.rsplit(".", 1)[-1] for p in _open_files_under(tmp_path / "logs"))
    recorder.finish(status="success")

    assert during == ["jsonl", "rlog"]
    assert _open_files_under(tmp_path / "logs") == []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_a_finished_long_run_keeps_no_spill_file_yet_reads_every_step(hooks: Hooks, tmp_path: Path) -> None:
    """Once finished, run.steps reads its early steps from the .json: no spill file or descriptor is kept."""
    before = len(os.listdir("/proc/self/fd"))
    recorder = _recorder(hooks, tmp_path, step_window=4)
    for number in range(200):
        recorder.add(Step("user", text=f"u{number}"))
    during = len(os.listdir("/proc/self/fd"))
    run = recorder.finish(status="success")
    after = len(os.listdir("/proc/self/fd"))

    assert during == before + 3  # the journal, the .rlog and the spill file
    assert after == before
    assert [s.text for s in run.steps] == [f"u{n}" for n in range(200)]
    assert (run.steps[0].text, run.steps[150].index, run.steps[-1].text) == ("u0", 150, "u199")


def test_an_abandoned_recorder_closes_its_files_when_dropped(hooks: Hooks, tmp_path: Path) -> None:
    """A recorder dropped without finish (an embedding program gave up) releases its files, no warning."""
    recorder = _recorder(hooks, tmp_path, step_window=2)
    for number in range(20):
        recorder.add(Step("user", text=f"u{number}"))
    journal = recorder.paths["journal"]
    del recorder
    gc.collect()

    assert _open_files_under(tmp_path / "logs") == []
    assert [s.text for s in read_journal(journal).run.steps] == [f"u{n}" for n in range(20)]


def test_fsync_setting_still_writes_every_record(
    hooks: Hooks, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With AUTOPILOT_FSYNC=1 every step is still in the journal before add returns."""
    monkeypatch.setenv("AUTOPILOT_FSYNC", "1")
    recorder = _recorder(hooks, tmp_path)
    recorder.add(Step("user", text="one"))
    recorder.add(Step("assistant", text="two"))

    assert [s.text for s in read_journal(recorder.paths["journal"]).run.steps] == ["one", "two"]
    recorder.finish(status="success")
    assert [s.text for s in load_trajectory(recorder.paths["json"]).run.steps] == ["one", "two"]


_KILLED_RUN = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from autopilot.core.hooks import Hooks
    from autopilot.core.models import Run, Step
    from autopilot.core.pluginmanager import make_plugin_manager
    from autopilot.core.recorder import Recorder
    from autopilot.core.trajectory.files import base_path_for

    out = Path(sys.argv[1])
    run = Run(prompt="long", agent="test", cwd=str(out), slug="killed")
    hooks = Hooks(make_plugin_manager(load_local=False))
    recorder = Recorder(hooks, run, base_path_for(run, out), step_window=4)
    recorder.start()
    for number in range(int(sys.argv[2])):
        recorder.add(Step("tool_result", tool_use_id=f"t{number}", output="x" * 500, is_error=False))
    print(recorder.paths["journal"], flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_a_long_run_killed_with_sigkill_reads_back_every_step(tmp_path: Path) -> None:
    """kill -9 after 300 steps (most spilled from memory): the journal has all 300; no other file is left."""
    out = tmp_path / "logs"
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_RUN, str(out), "300"],
        capture_output=True,
        text=True,
        env={**os.environ, "AUTOPILOT_DISABLE_PLUGINS": "console"},
        check=False,
    )
    journal = Path(done.stdout.strip())
    loaded = load_trajectory(journal)

    assert done.returncode == -signal.SIGKILL
    assert (len(loaded.run.steps), loaded.run.result.status) == (300, "incomplete")
    assert [s.tool_use_id for s in loaded.run.steps] == [f"t{n}" for n in range(300)]
    assert sorted(p.name.split(".", 1)[1] for p in journal.parent.iterdir()) == ["journal.jsonl", "rlog"]
