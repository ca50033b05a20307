"""An issue's acceptance commands: shell command lines that must all succeed before its work is committed."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from autopilot.core.processes import stop_tree

#: Seconds one acceptance command may take.
ACCEPTANCE_TIMEOUT: Final = 900.0
#: Characters of a command's output kept (the end of it).
OUTPUT_TAIL: Final = 4000


@dataclass
class AcceptanceResult:
    """How one acceptance command ended; *output* is its redacted, trimmed stdout and stderr."""

    command: str
    exit_code: int
    output: str
    duration_ms: int

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    def to_dict(self) -> dict[str, Any]:
        return {"command": self.command, "exit_code": self.exit_code, "output": self.output}


def run_acceptance(
    commands: tuple[str, ...],
    cwd: Path,
    redact: Callable[[str], str],
    timeout: float = ACCEPTANCE_TIMEOUT,
) -> list[AcceptanceResult]:
    """Run every acceptance command (a shell command line) in *cwd*; output is redacted and trimmed.

    A command that runs longer than *timeout* seconds is stopped and counts as exit code 124. Each runs
    in its own session, out of the terminal's Ctrl-C, so autopilot stops it, with everything it
    started (the shell's children too, not the shell alone), on a timeout and when autopilot itself
    is interrupted.
    """
    results = []
    for command in commands:
        started = time.monotonic()
        with subprocess.Popen(
            command,
            shell=True,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
        ) as process:
            try:
                stdout, stderr = process.communicate(timeout=timeout)
                code, output = process.returncode, stdout + stderr
            except subprocess.TimeoutExpired:
                stop_tree(process.pid, group=True)
                stdout, stderr = process.communicate()  # what it printed before it was stopped
                code, output = 124, stdout + stderr + f"\n(timed out after {timeout:.0f}s)"
            except BaseException:  # Ctrl-C or SIGTERM in autopilot
                stop_tree(process.pid, group=True)
                raise
        elapsed = int((time.monotonic() - started) * 1000)
        results.append(AcceptanceResult(command, code, redact(output[-OUTPUT_TAIL:]), elapsed))
    return results


__all__ = ["ACCEPTANCE_TIMEOUT", "OUTPUT_TAIL", "AcceptanceResult", "run_acceptance"]
