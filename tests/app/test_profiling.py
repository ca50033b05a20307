"""``autopilot run --profile``: a flamegraph of autopilot's own process, recorded by py-spy."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import sysconfig
from datetime import datetime
from pathlib import Path

import pytest

from autopilot.app.profiling import find_py_spy, flamegraph, profile_path
from autopilot.core.errors import AutopilotError, BadInputError
from autopilot.testing import ScriptedAnthropic

MODEL = "claude-sonnet-4-5"


@pytest.mark.integration
@pytest.mark.slow
def test_run_profile_writes_a_flamegraph_of_autopilot(
    scripted_anthropic: ScriptedAnthropic, autopilot_project: Path
) -> None:
    """run --profile leaves docs/profiles/flamegraph-YYYYMMDD-HHMMSS.svg with autopilot's own frames."""
    scripted_anthropic.script(
        [{"tool_use": {"name": "Bash", "input": {"command": f"seq {n * 100}"}}} for n in range(1, 6)]
        + [{"text": "done"}]
    )
    env = {**os.environ, **scripted_anthropic.env, "AUTOPILOT_MODEL": MODEL}
    command = [sys.executable, "-m", "autopilot", "run", "count", "--profile", "--json"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)
    profiles = sorted((autopilot_project / "docs" / "profiles").iterdir())
    svg = profiles[0].read_text()

    assert result.returncode == 0, result.stderr
    assert [profiles[0].name] == [p.name for p in profiles]
    assert re.fullmatch(r"flamegraph-\d{8}-\d{6}\.svg", profiles[0].name)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "autopilot/app/runs.py" in svg
    assert f"autopilot: CPU profile in {profiles[0]}" in result.stderr
    assert '"status": "success"' in result.stdout


def test_profiler_that_cannot_attach_is_one_error(tmp_path: Path) -> None:
    """A py-spy refused access to the process: an error quoting py-spy's first line, no profile."""
    fake = tmp_path / "py-spy"
    fake.write_text(
        "#!/bin/sh\necho 'Error: Permission denied (os error 13)' >&2\necho 'backtrace' >&2\nexit 1\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)

    with pytest.raises(AutopilotError) as raised, flamegraph(tmp_path / "profiles", py_spy=str(fake)):
        pass

    assert str(raised.value) == (
        "py-spy could not profile this process: Error: Permission denied (os error 13)"
        " (see docs/profiling.md)"
    )
    assert list((tmp_path / "profiles").iterdir()) == []


def test_profiles_in_the_same_second_do_not_overwrite(tmp_path: Path) -> None:
    """A second profile started within the same second gets its own file."""
    now = datetime(2026, 12, 6, 9, 30, 5)
    first = profile_path(tmp_path, now)
    first.write_text("<svg/>")

    second = profile_path(tmp_path, now)

    assert first.name == "flamegraph-20261206-093005.svg"
    assert second.name == "flamegraph-20261206-093005-2.svg"


def test_failed_command_leaves_no_profile(tmp_path: Path) -> None:
    """A command that fails while profiled raises its own error and leaves no misleading profile."""
    with pytest.raises(BadInputError, match="no prompt"), flamegraph(tmp_path / "profiles"):
        raise BadInputError("no prompt")

    assert list((tmp_path / "profiles").iterdir()) == []


def test_missing_py_spy_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without py-spy in autopilot's environment or on PATH, --profile says how to install it."""
    monkeypatch.setattr(sysconfig, "get_path", lambda name: str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(AutopilotError) as raised:
        find_py_spy()

    assert "--profile needs py-spy: install it" in str(raised.value)
