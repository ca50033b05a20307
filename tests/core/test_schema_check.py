"""The trajectory check (fastjsonschema) agrees with jsonschema, the reference validator, on every
trajectory, valid or damaged: the schema uses only keywords fastjsonschema implements."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
from hypothesis import given
from hypothesis import strategies as st

from autopilot.core.models import Run, RunResult, Step, Usage
from autopilot.core.trajectory.files import schema_error, trajectory_schema

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(-2, 2, allow_nan=False)
    | st.sampled_from([1.0, 0.0, "", "x", "tool_call", "success", "2026-01-01T00:00:00Z", "2026-01-01"]),
    lambda inner: (
        st.lists(inner, max_size=2)
        | st.dictionaries(st.sampled_from(["a", "text", "tool"]), inner, max_size=2)
    ),
    max_leaves=4,
)


def slow_valid(data: Any) -> bool:
    return jsonschema.Draft202012Validator(trajectory_schema()).is_valid(data)


def sample_trajectory() -> dict[str, Any]:
    run = Run(prompt="p", agent="claude", model="m", cwd="/r")
    run.steps = [
        Step("user", index=0, text="hi"),
        Step("thinking", index=1, text="hmm"),
        Step(
            "tool_call",
            index=2,
            tool="Bash",
            tool_use_id="t1",
            input={"command": "ls"},
            usage=Usage(1, 2, 3, 4, 0.5),
        ),
        Step("tool_result", index=3, tool_use_id="t1", output="ok", is_error=False, raw={"any": ["thing"]}),
        Step("system", index=4, subtype="init", data={"k": 1}),
        Step("error", index=5, text="boom", subtype="api"),
        Step("assistant", index=6, text="done", model="m", turn=1),
    ]
    run.result = RunResult(success=True, status="success", duration_ms=5, num_turns=1)
    run.ended_at = run.started_at
    return json.loads(json.dumps(run.to_dict()))


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


def test_a_valid_trajectory_passes_both() -> None:
    """A well-formed trajectory with every step type is valid for both checks."""
    data = sample_trajectory()

    assert (schema_error(data), slow_valid(data)) == (None, True)


@given(st.data())
def test_damaged_trajectories_get_the_same_verdict(data: st.DataObject) -> None:
    """Replacing or deleting any part of a trajectory: our check and jsonschema agree."""
    trajectory = sample_trajectory()
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(trajectory)))
        if not path:
            trajectory = data.draw(JSON_VALUES)
            continue
        parent = trajectory
        for part in path[:-1]:
            parent = parent[part]
        if isinstance(parent, dict) and data.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(JSON_VALUES)
        if not isinstance(trajectory, dict | list):
            break

    assert (schema_error(copy.deepcopy(trajectory)) is None) == slow_valid(trajectory)


def test_a_violation_names_the_field() -> None:
    """The message of a damaged step names the step's field, as `validate` prints it."""
    data = sample_trajectory()
    data["steps"][2]["type"] = "nonsense"

    problems = schema_error(data)

    assert problems is not None and problems.startswith("steps[2].type: must be one of")
