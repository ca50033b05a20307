"""Run options: one declaration, checked when made, resolved against the configuration."""

from __future__ import annotations

import shlex
from dataclasses import replace
from pathlib import Path

import pytest

from autopilot.app.runs import Limits, RunOptions, RunTaskResult
from autopilot.core.config import Config
from autopilot.core.errors import BadInputError, ExitCode
from autopilot.core.models import Run


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("max_budget_usd", -1.0, "the budget (--max-budget) must be more than 0 USD (got -1)"),
        ("max_budget_usd", 0.0, "the budget (--max-budget) must be more than 0 USD (got 0)"),
        ("max_turns", -3, "max turns (--max-turns) must be more than 0 (got -3)"),
        ("idle_timeout", -1.0, "the idle timeout (--idle-timeout) must be more than 0 seconds (got -1)"),
        ("timeout", 0.0, "the timeout (--timeout) must be more than 0 seconds (got 0)"),
    ],
)
def test_out_of_range_values_are_refused_when_made(field: str, value: float, message: str) -> None:
    """A budget, turn count or timeout of 0 or less is bad input, for the library as for the CLI."""
    with pytest.raises(BadInputError) as caught:
        RunOptions(**{field: value})

    assert str(caught.value) == message


def test_replacing_a_value_checks_it_again() -> None:
    """Options derived from good ones (as the queue does per issue) are checked too."""
    with pytest.raises(BadInputError, match="budget"):
        replace(RunOptions(max_budget_usd=2.0), max_budget_usd=-0.5)


def test_unset_limits_take_the_configuration() -> None:
    """None takes the config's value; a config timeout of 0 means no timeout."""
    config = Config(max_budget_usd=3.0, max_turns=7, idle_timeout=0.0, timeout=60.0, project_dir=Path.cwd())

    resolved = Limits(max_turns=2).resolve(config)

    assert (resolved.max_budget_usd, resolved.max_turns, resolved.idle_timeout, resolved.timeout) == (
        3.0,
        2,
        None,
        60.0,
    )


def test_the_resume_hint_can_be_pasted_into_a_shell_when_the_path_has_spaces(tmp_path: Path) -> None:
    """`resume with:` quotes a trajectory path with spaces and non-ASCII, so pasting it resumes that run."""
    json_path = tmp_path / "my repo ü" / "docs" / "logs" / "20261206" / "222307-fix.json"
    json_path.parent.mkdir(parents=True)
    json_path.write_text("{}")
    paths = {"json": json_path, "rlog": json_path.with_suffix(".rlog"), "journal": json_path}
    result = RunTaskResult(
        run=Run(prompt="fix"), paths=paths, status="interrupted", exit_code=ExitCode.INTERRUPTED
    )

    assert ["autopilot", "resume", "--trajectory", str(json_path)] == shlex.split(result.resume_command())
