"""The recorder writes every step as it happens, resumes into the same run, and redacts everything."""

from __future__ import annotations

import gc
import json
import secrets
import string
from pathlib import Path

from autopilot import hookimpl
from autopilot.core.hooks import Hooks
from autopilot.core.models import Run, Step, Usage
from autopilot.core.recorder import STEP_WINDOW, Recorder
from autopilot.core.trajectory.files import base_path_for, load_trajectory, read_journal, schema_error


def _secret() -> str:
    body = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(36))
    return "gh" + "p_" + body


def _start(
    hooks: Hooks, tmp_path: Path, prompt: str = "fix the bug", *, step_window: int = STEP_WINDOW
) -> Recorder:
    run = Run(prompt=prompt, agent="test", model="claude-sonnet-4-5", cwd=str(tmp_path), slug="fix")
    recorder = Recorder(hooks, run, base_path_for(run, tmp_path / "logs"), step_window=step_window)
    recorder.start()
    return recorder


def test_steps_are_in_the_journal_before_add_returns(hooks: Hooks, tmp_path: Path) -> None:
    """A run killed right after a step was added still has that step on disk."""
    recorder = _start(hooks, tmp_path)
    recorder.add(Step("user", text="fix the bug"))
    recorder.add(Step("tool_call", tool="Bash", tool_use_id="t1", input={"command": "pytest"}))

    loaded = read_journal(recorder.paths["journal"])

    assert [s.type for s in loaded.run.steps] == ["user", "tool_call"]
    assert loaded.run.result.status == "incomplete"
    assert not recorder.paths["json"].exists()


def test_finish_writes_a_schema_valid_json_and_drops_the_journal(hooks: Hooks, tmp_path: Path) -> None:
    """The final .json holds everything and validates; the journal is no longer needed."""
    recorder = _start(hooks, tmp_path)
    recorder.add(Step("assistant", text="done", usage=Usage(10, 5, cost_usd=0.0001)))
    recorder.finish(status="success", usage=Usage(10, 5, cost_usd=0.0001), num_turns=1, final_text="done")

    data = json.loads(recorder.paths["json"].read_text())

    assert schema_error(data) is None
    assert (data["result"]["status"], data["usage"]["input_tokens"], data["steps"][0]["text"]) == (
        "success",
        10,
        "done",
    )
    assert not recorder.paths["journal"].exists()


def test_resume_appends_to_the_same_run(hooks: Hooks, tmp_path: Path) -> None:
    """Resuming keeps the run id, every earlier step, and appends new ones to the same files."""
    first = _start(hooks, tmp_path)
    first.add(Step("user", text="first prompt"))
    first.finish(status="interrupted", num_turns=1)
    json_path = first.paths["json"]

    loaded = load_trajectory(json_path).run
    second = Recorder(hooks, loaded, first.base, resume=True)
    second.start()
    second.add(Step("user", text="continue"))
    second.finish(status="success", num_turns=2)

    final = load_trajectory(json_path).run
    assert final.run_id == first.run.run_id
    assert [s.text for s in final.steps] == ["first prompt", "continue"]
    assert [s.index for s in final.steps] == [0, 1]
    assert final.result.status == "success"
    rlog = first.paths["rlog"].read_text()
    assert rlog.count("# end ") == 2 and "# resumed" in rlog


def test_resume_after_a_kill_continues_from_the_journal(hooks: Hooks, tmp_path: Path) -> None:
    """A killed run (journal only, maybe with a torn last line) resumes with every flushed step."""
    first = _start(hooks, tmp_path)
    first.add(Step("user", text="go"))
    first.add(Step("assistant", text="working"))
    journal = first.paths["journal"]
    with journal.open("a") as handle:  # the kill tore the next record mid-write
        handle.write('{"record":"step","step":{"type":"assist')

    loaded = read_journal(journal)
    second = Recorder(hooks, loaded.run, first.base, resume=True)
    second.start()
    second.add(Step("assistant", text="after resume"))
    second.finish(status="success")

    final = load_trajectory(first.paths["json"]).run
    assert len(loaded.warnings) == 1 and "torn last line" in loaded.warnings[0]
    assert [s.text for s in final.steps] == ["go", "working", "after resume"]
    assert schema_error(final.to_dict()) is None


def test_a_secret_reaches_no_file(hooks: Hooks, tmp_path: Path) -> None:
    """A secret in the prompt, a tool input, a tool output or the final text is in no written file."""
    secret = _secret()
    recorder = _start(hooks, tmp_path, prompt=f"deploy with {secret}")
    recorder.add(Step("tool_call", tool="Bash", tool_use_id="t1", input={"command": f"echo {secret}"}))
    recorder.add(Step("tool_result", tool_use_id="t1", output=secret, is_error=False, raw={"stdout": secret}))
    recorder.update(session_id=f"s-{secret}")
    journal_text = recorder.paths["journal"].read_text()
    recorder.finish(status="success", final_text=f"used {secret}")

    written = [p.read_text() for p in (tmp_path / "logs").rglob("*") if p.is_file()]

    assert len(written) == 2  # .json and .rlog
    assert all(secret not in text for text in [*written, journal_text])
    assert "[REDACTED:github_token]" in written[0] + written[1]


def test_duration_of_a_resumed_run_adds_segments(hooks: Hooks, tmp_path: Path) -> None:
    """A resumed run's duration counts its working time, not the pause between segments."""
    run = Run(prompt="p", agent="test", cwd=str(tmp_path), slug="old", started_at="2020-01-01T00:00:00.000Z")
    first = Recorder(hooks, run, base_path_for(run, tmp_path / "logs"))
    first.start()
    first.finish(status="interrupted")
    first_ms = first.run.result.duration_ms

    second = Recorder(hooks, load_trajectory(first.paths["json"]).run, first.base, resume=True)
    second.start()
    second.finish(status="success")

    assert first_ms > 10**9
    assert first_ms <= second.run.result.duration_ms < first_ms + 60_000


class _ContractProbe:
    """Notes what before_run / before_step / after_step see of ``run.steps`` (checked after the run)."""

    def __init__(self) -> None:
        self.seen_at_start: list[str | None] = []
        self.before_ok: list[bool] = []
        self.after_ok: list[bool] = []
        self.most_in_memory = 0

    @hookimpl
    def before_run(self, run: Run) -> None:
        self.seen_at_start = [s.text for s in run.steps]

    @hookimpl
    def before_step(self, run: Run, step: Step) -> None:
        self.before_ok.append(len(run.steps) == step.index and (not run.steps or run.steps[-1] is not step))

    @hookimpl
    def after_step(self, run: Run, step: Step) -> None:
        self.after_ok.append(run.steps[-1] is step and len(run.steps) == step.index + 1)
        self.most_in_memory = max(self.most_in_memory, run.steps.in_memory)


def test_a_long_run_keeps_few_steps_in_memory_and_writes_every_step(hooks: Hooks, tmp_path: Path) -> None:
    """A 5,000-step run holds at most STEP_WINDOW steps in memory; its .json and run.steps have all."""
    probe = _ContractProbe()
    hooks.pm.register(probe, name="probe")
    recorder = _start(hooks, tmp_path)
    count = 5000
    for number in range(count):
        recorder.add(
            Step(
                "tool_result",
                tool_use_id=f"t{number}",
                output=f"out {number}",
                is_error=False,
                raw=[number],
            )
        )
    run = recorder.finish(status="success")
    loaded = load_trajectory(recorder.paths["json"]).run

    assert probe.most_in_memory == STEP_WINDOW
    assert all(probe.before_ok) and all(probe.after_ok) and len(probe.after_ok) == count
    assert [s.output for s in loaded.steps] == [f"out {n}" for n in range(count)]
    assert [s.index for s in loaded.steps] == list(range(count))
    assert [s.to_dict() for s in run.steps] == [s.to_dict() for s in loaded.steps]  # what library callers get
    assert (run.steps[0].raw, run.steps[-1].raw, len(run.steps)) == ([0], [count - 1], count)


def test_resuming_a_spilled_run_shows_hooks_every_earlier_step(hooks: Hooks, tmp_path: Path) -> None:
    """A resumed long run gives before_run every earlier step and appends after them in the same files."""
    first = _start(hooks, tmp_path, step_window=4)
    for number in range(30):
        first.add(Step("user", text=f"first {number}"))
    first.finish(status="interrupted")

    probe = _ContractProbe()
    hooks.pm.register(probe, name="probe")
    second = Recorder(hooks, load_trajectory(first.paths["json"]).run, first.base, resume=True, step_window=4)
    second.start()
    for number in range(10):
        second.add(Step("user", text=f"second {number}"))
    second.finish(status="success")
    final = load_trajectory(first.paths["json"]).run

    expected = [f"first {n}" for n in range(30)] + [f"second {n}" for n in range(10)]
    assert probe.seen_at_start == expected[:30]
    assert all(probe.before_ok) and all(probe.after_ok) and probe.most_in_memory == 4
    assert [s.text for s in final.steps] == expected
    assert [s.index for s in final.steps] == list(range(40))
    assert schema_error(json.loads(first.paths["json"].read_text())) is None


def test_an_abandoned_long_run_reads_back_and_leaves_only_its_files(hooks: Hooks, tmp_path: Path) -> None:
    """A run never finished (its process died) has every step in its journal and no spill file beside it."""
    recorder = _start(hooks, tmp_path, step_window=3)
    for number in range(100):
        recorder.add(Step("assistant", text=f"step {number}"))
    journal = recorder.paths["journal"]
    del recorder
    gc.collect()

    loaded = read_journal(journal)
    assert [s.text for s in loaded.run.steps] == [f"step {n}" for n in range(100)]
    assert sorted(p.suffix for p in journal.parent.iterdir()) == [".jsonl", ".rlog"]
