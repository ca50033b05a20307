"""A CPU profile of autopilot's own process, as a flamegraph SVG (``autopilot run --profile``).

py-spy samples this process from outside (``py-spy record --pid``), so nothing in autopilot changes
while it is measured; see docs/profiling.md for reading the result.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sysconfig
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO

from autopilot.core.errors import AutopilotError

#: Samples per second: py-spy's default, enough for runs of a few seconds and more.
DEFAULT_RATE = 100


def find_py_spy() -> str:
    """The py-spy executable of this environment (or on PATH); AutopilotError if it is not installed."""
    beside = Path(sysconfig.get_path("scripts")) / "py-spy"
    found = str(beside) if beside.is_file() else shutil.which("py-spy")
    if found is None:
        raise AutopilotError(
            "--profile needs py-spy: install it in autopilot's environment (pip install py-spy; "
            "see docs/profiling.md)"
        )
    return found


def profile_path(directory: Path, now: datetime | None = None) -> Path:
    """``directory/flamegraph-YYYYMMDD-HHMMSS.svg`` (``-2``, ``-3``, … if that second is taken)."""
    stem = f"flamegraph-{(now or datetime.now()):%Y%m%d-%H%M%S}"
    path, number = directory / f"{stem}.svg", 1
    while path.exists():
        number += 1
        path = directory / f"{stem}-{number}.svg"
    return path


@contextmanager
def flamegraph(directory: Path, *, py_spy: str | None = None, rate: int = DEFAULT_RATE) -> Iterator[Path]:
    """Sample this process with py-spy while the block runs, then write the flamegraph; yields its path.

    Sampling has begun when the block starts. py-spy leaves out threads it sees sleeping, so the
    graph shows where autopilot works rather than where it waits for the agent (docs/profiling.md).
    Raises AutopilotError when py-spy is missing or cannot read this process (its message says why).
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = profile_path(directory)
    command = [py_spy or find_py_spy(), "record", "--pid", str(os.getpid())]
    command += ["--format", "flamegraph", "--output", str(path), "--rate", str(rate)]
    # --nonblocking: never pause autopilot to take a sample (its timings stay its own);
    # --function: one box per function, not per line, which reads better at a few hundred samples.
    command += ["--nonblocking", "--function"]
    # Its own session: a Ctrl-C meant for the run must not stop the profiler before the run has ended.
    # Its messages go to a file: nobody reads a pipe while the run goes on.
    with (
        tempfile.TemporaryFile("w+") as messages,
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=messages, text=True, start_new_session=True
        ) as process,
    ):
        assert process.stdout is not None
        for line in process.stdout:  # wait until py-spy samples, so the profile covers the whole block
            if "Sampling process" in line:
                break
        else:
            process.wait()
            raise AutopilotError(
                f"py-spy could not profile this process: {_first_line(messages)} (see docs/profiling.md)"
            )
        try:
            yield path
        except BaseException:
            _stop(process)
            path.unlink(missing_ok=True)  # the command failed: its profile would only mislead
            raise
        _stop(process)
        if not path.is_file():
            raise AutopilotError(f"py-spy wrote no profile: {_first_line(messages)}")


def _stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)  # py-spy writes the flamegraph when interrupted
    process.communicate()


def _first_line(messages: IO[str]) -> str:
    """py-spy's message, without its backtrace."""
    messages.seek(0)
    return next((line.strip() for line in messages if line.strip()), "no message")
