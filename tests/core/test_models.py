"""The models and the JSON Schema agree on step types and run statuses."""

from __future__ import annotations

from autopilot.core.models import RUN_STATUSES, STEP_TYPES, Run, RunResult, Step, Usage
from autopilot.core.trajectory.files import trajectory_schema


def test_schema_lists_exactly_the_model_step_types_and_statuses() -> None:
    """A status or step type added to the models is also accepted by the schema (and vice versa)."""
    schema = trajectory_schema()

    assert set(schema["$defs"]["step"]["properties"]["type"]["enum"]) == set(STEP_TYPES)
    assert set(schema["properties"]["result"]["properties"]["status"]["enum"]) == set(RUN_STATUSES)


def test_run_round_trips_through_a_dict() -> None:
    """Run.from_dict(run.to_dict()) gives the same run back."""
    run = Run(prompt="p", agent="claude", model="m", cwd="/r", session_ids=["a", "b"], issue_id="x1")
    run.steps = [
        Step(
            "tool_call", tool="Bash", tool_use_id="t", input={"command": "ls"}, usage=Usage(1, 2, 3, 4, 0.5)
        ),
        Step("tool_result", tool_use_id="t", output="out", is_error=True, raw={"k": [1]}),
    ]
    run.result = RunResult(success=False, status="max_turns", duration_ms=5, num_turns=2, stop_reason="max")
    run.usage = Usage(1, 2, 3, 4, 0.5)

    assert Run.from_dict(run.to_dict()).to_dict() == run.to_dict()
