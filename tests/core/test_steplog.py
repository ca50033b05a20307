"""A run's step log behaves like a list of steps while keeping only a bounded window in memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autopilot.core.models import Run, Step, Usage
from autopilot.core.steplog import StepLog, encode_step

texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
steps = st.builds(
    Step,
    type=st.sampled_from(["user", "assistant", "tool_call", "tool_result"]),
    text=st.none() | texts,
    tool=st.none() | st.sampled_from(["Bash", "Read"]),
    input=st.none() | st.dictionaries(st.sampled_from(["command", "path"]), texts, max_size=2),
    output=st.none() | texts,
    is_error=st.none() | st.booleans(),
    usage=st.none() | st.builds(Usage, st.integers(0, 10**6), st.integers(0, 10**6)),
    raw=st.none() | st.dictionaries(texts, texts | st.integers(), max_size=3),
)
ends = st.integers(-60, 60)
# (operation, argument): append (and encode, as the journal does), read an index, a slice, iterate.
operations = st.lists(
    st.one_of(
        st.tuples(st.just("append"), steps),
        st.tuples(st.just("written"), steps),
        st.tuples(st.just("index"), st.integers(-60, 60)),
        st.tuples(
            st.just("slice"), st.tuples(st.integers(-60, 60), st.integers(-60, 60), st.sampled_from([1, 2]))
        ),
        st.tuples(st.just("iter"), st.none()),
        st.tuples(st.just("json"), st.none()),
        st.tuples(st.just("bytes"), st.none()),
        st.tuples(st.just("adopt"), st.none()),
    ),
    max_size=80,
)


def dicts(items: object) -> list[dict]:
    return [s.to_dict() for s in items]  # type: ignore[attr-defined]


@given(initial=st.lists(steps, max_size=10), window=st.none() | st.integers(1, 6), ops=operations)
def test_a_bounded_step_log_reads_exactly_like_a_list(
    tmp_path_factory: pytest.TempPathFactory, initial: list[Step], window: int | None, ops: list
) -> None:
    """Whatever is appended and read, the step log answers as a plain list of the same steps would."""
    log = StepLog(initial)
    model = list(initial)
    if window is not None:
        log.bound(window, tmp_path_factory.mktemp("spill"))
    try:
        for kind, argument in ops:
            if kind in ("append", "written"):
                log.append(argument)
                model.append(argument)
                if kind == "written":  # as the journal writer does: encoded once, reused later
                    assert log.json_of(argument) == encode_step(argument)
            elif kind == "index":
                if -len(model) <= argument < len(model):
                    assert log[argument].to_dict() == model[argument].to_dict()
                else:
                    with pytest.raises(IndexError):
                        log[argument]
            elif kind == "slice":
                part = slice(*argument)
                assert dicts(log[part]) == dicts(model[part])
            elif kind == "iter":
                assert dicts(log) == dicts(model)
            elif kind == "json":
                assert dicts(map(Step.from_dict, map(_loads, log.iter_json()))) == dicts(model)
            elif kind == "bytes":  # the final .json's way: bytes copied from the spill file
                parts: list[bytes] = []
                assert log.write_json(parts.append, b",", b"") == len(model)
                assert _loads(b"[" + b"".join(parts) + b"]") == [_loads(encode_step(s)) for s in model]
            else:  # adopt: the final .json was written; spilled steps are read from it from now on
                target = tmp_path_factory.mktemp("final") / "run.json"
                with target.open("wb") as handle:
                    handle.write(b'{"steps": [')
                    log.write_json(handle.write, b",\n    ", b"\n    ", at=len(b'{"steps": ['))
                    handle.write(b"]}")
                log.adopt(target)
                window = None
                assert dicts(map(Step.from_dict, _loads(target.read_bytes())["steps"])) == dicts(model)
            assert len(log) == len(model)
            assert log.in_memory <= (window or len(model))
        assert log[-1] is model[-1] if model else not log
    finally:
        log.close()


def _loads(text: str | bytes) -> Any:
    return json.loads(text)


def test_iterating_while_appending_sees_every_step_once(tmp_path: Path) -> None:
    """Steps appended (and spilled) during an iteration are seen once each, in order, as with a list."""
    log = StepLog()
    log.bound(3, tmp_path)
    for number in range(5):
        log.append(Step("user", text=str(number)))
    seen = []
    for step in log:
        seen.append(step.text)
        if len(log) < 12:
            log.append(Step("user", text=str(len(log))))
    log.close()

    assert seen == [str(n) for n in range(12)]


def test_spilled_steps_leave_no_file_behind(tmp_path: Path) -> None:
    """Spilling to disk creates no visible file in the trajectory directory, even before the log closes."""
    directory = tmp_path / "logs"
    directory.mkdir()
    log = StepLog()
    log.bound(2, directory)
    for number in range(50):
        log.append(Step("tool_result", tool_use_id=f"t{number}", output="x" * 1000))

    assert (log.spilled, log.in_memory) == (48, 2)
    assert list(directory.iterdir()) == []
    log.close()


def test_non_ascii_and_odd_text_round_trip_through_the_spill_file(tmp_path: Path) -> None:
    """Text in any script, newlines and lone surrogates come back from disk exactly as they went in."""
    odd = [
        "naïve café ☕",
        "line one\nline two\r\n",
        "tab\tand \u2028 separator",
        "lone \udc80 surrogate",
        "",
    ]
    log = StepLog()
    log.bound(1, tmp_path)
    for text in odd:
        log.append(Step("assistant", text=text, data={"nested": [text]}))
    log.append(Step("user", text="last"))

    assert [s.text for s in log][:-1] == odd
    assert [log[i].data for i in range(len(odd))] == [{"nested": [t]} for t in odd]
    log.close()


def test_a_closed_log_refuses_spilled_steps_but_keeps_its_window(tmp_path: Path) -> None:
    """After close() the in-memory steps still read; older ones raise a clear error instead of garbage."""
    log = StepLog()
    log.bound(2, tmp_path)
    for number in range(5):
        log.append(Step("user", text=str(number)))
    log.close()

    assert [log[-1].text, log[-2].text] == ["4", "3"]
    with pytest.raises(ValueError, match="closed"):
        log[0]


def test_a_run_always_holds_a_step_log() -> None:
    """A list given to Run, or assigned later, becomes a step log that compares equal to the list."""
    first = [Step("user", text="a")]
    run = Run(steps=first)  # type: ignore[arg-type]
    assert isinstance(run.steps, StepLog) and run.steps == first
    run.steps = [Step("user", text="b"), Step("assistant", text="c")]  # type: ignore[assignment]
    assert isinstance(run.steps, StepLog) and [s.text for s in run.steps] == ["b", "c"]
    assert Run.from_dict(run.to_dict()) == run
