"""The compiled schema check agrees with jsonschema on every trajectory, valid or damaged."""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autopilot.core.models import Run, RunResult, Step, Usage
from autopilot.core.trajectory.files import trajectory_schema
from autopilot.core.trajectory.schema import UnsupportedSchema, compile_schema

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


@cache
def fast() -> Any:
    return compile_schema(trajectory_schema())


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

    assert (fast()(data), slow_valid(data)) == (True, True)


@given(st.data())
def test_damaged_trajectories_get_the_same_verdict(data: st.DataObject) -> None:
    """Replacing or deleting any part of a trajectory: the compiled check and jsonschema agree."""
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

    assert fast()(copy.deepcopy(trajectory)) == slow_valid(trajectory)


def test_an_unknown_keyword_refuses_to_compile() -> None:
    """A schema keyword the compiler does not implement makes it refuse, so callers use jsonschema."""
    with pytest.raises(UnsupportedSchema):
        compile_schema({"type": "object", "additionalProperties": False})
