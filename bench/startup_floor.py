"""The start-up floor of a command built on the libraries this project chose.

Every ``autopilot`` command starts an interpreter and imports at least ``importlib.metadata`` (the
plugins' entry points), pluggy (the plugin manager) and cyclopts (the command-line parser); ``run``
also imports asyncio and psutil. No autopilot code can make a command start faster than importing
those libraries does, so the benches print this floor beside bars that leave less time than that.

Run alone: ``uv run python bench/startup_floor.py``. Times are the best wall time of several
``python -c "import ..."`` processes, with Python's bytecode cache on (in a temporary
``PYTHONPYCACHEPREFIX``, filled by a first run that is not counted), as the benches run autopilot.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

#: What every command imports, and what ``autopilot run`` imports on top.
COMMAND: tuple[str, ...] = ("importlib.metadata", "pluggy", "cyclopts")
RUN: tuple[str, ...] = (*COMMAND, "asyncio", "psutil")


def floor(modules: tuple[str, ...] = COMMAND, runs: int = 7) -> float:
    """Best wall seconds of a fresh interpreter importing *modules* (none: the bare interpreter)."""
    code = f"import {', '.join(modules)}" if modules else "pass"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory(prefix="floor-pycache-") as cache:
        env["PYTHONPYCACHEPREFIX"] = cache
        subprocess.run([sys.executable, "-c", code], check=True, env=env)  # fills the bytecode cache
        best = float("inf")
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=env)
            best = min(best, time.perf_counter() - start)
    return best


def describe(modules: tuple[str, ...] = COMMAND) -> str:
    """One line: the bare interpreter's start and the floor for *modules*."""
    return (
        f"start-up floor: the interpreter alone {floor(()):.3f} s; importing {', '.join(modules)} "
        f"{floor(modules):.3f} s"
    )


if __name__ == "__main__":
    print(describe(COMMAND))
    print(describe(RUN))
