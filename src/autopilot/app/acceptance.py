"""An issue's acceptance commands: shell command lines that must all succeed before its work is committed."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

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

    A command that runs longer than *timeout* seconds is stopped and counts as exit code 124.
    """
    results = []
    for command in commands:
        started = time.monotonic()
        try:
            done = subprocess.run(
                command,
                shell=True,
                cwd=cwd,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
                start_new_session=True,
            )
            code, output = done.returncode, (done.stdout or "") + (done.stderr or "")
        except subprocess.TimeoutExpired as exc:
            code = 124
            # What the command printed before it was stopped comes as bytes, whatever text= says.
            output = _text(exc.stdout) + _text(exc.stderr) + f"\n(timed out after {timeout:.0f}s)"
        elapsed = int((time.monotonic() - started) * 1000)
        results.append(AcceptanceResult(command, code, redact(output[-OUTPUT_TAIL:]), elapsed))
    return results


def _text(data: str | bytes | None) -> str:
    return data.decode(errors="replace") if isinstance(data, bytes) else data or ""


__all__ = ["ACCEPTANCE_TIMEOUT", "OUTPUT_TAIL", "AcceptanceResult", "run_acceptance"]
