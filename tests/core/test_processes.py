"""Finding the processes below an agent, cheaply and completely enough to track them."""

from __future__ import annotations

import contextlib
import subprocess
import time

import psutil

from autopilot.core.processes import descendants


def test_descendants_lists_children_and_grandchildren_like_psutil() -> None:
    """The whole tree below a process is found (children and grandchildren), as psutil finds it."""
    script = "sleep 30 & bash -c 'sleep 30 & wait' & wait"
    with subprocess.Popen(["bash", "-c", script]) as root:
        try:
            expected: set[int] = set()
            for _ in range(200):  # until bash has started all three sleeps
                expected = {p.pid for p in psutil.Process(root.pid).children(recursive=True)}
                if sum(psutil.Process(p).name() == "sleep" for p in expected if psutil.pid_exists(p)) == 2:
                    break
                time.sleep(0.02)
            found = descendants(root.pid)

            assert set(found) == expected
            assert len(found) == len(set(found)) == 3  # two sleeps and the inner bash
        finally:
            for pid in [*descendants(root.pid), root.pid]:
                with contextlib.suppress(psutil.Error):
                    psutil.Process(pid).kill()


def test_descendants_of_a_finished_process_is_empty() -> None:
    """A process that has ended has nothing below it (no error)."""
    done = subprocess.run(["true"], check=True)
    assert done.returncode == 0
    process = subprocess.Popen(["true"])
    process.wait()
    assert descendants(process.pid) == []


def test_start_time_and_memory_agree_with_psutil() -> None:
    """Start times and available memory read from /proc are what psutil gives (pid files stay comparable)."""
    from autopilot.core.processes import available_memory_mb, create_time

    with subprocess.Popen(["sleep", "5"]) as child:
        try:
            for pid in (child.pid, 1):
                assert create_time(pid) == psutil.Process(pid).create_time()
        finally:
            child.kill()
    assert abs(available_memory_mb() - psutil.virtual_memory().available // 2**20) < 256
    assert create_time(child.pid) is None  # gone
