"""Starting agent processes, finding the processes below them, and stopping whole trees."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from autopilot.core.processes import LaunchSpec, create_time, descendants, start, stop_tree


def _wait_for_descendants(pid: int, count: int) -> list[int]:
    """The descendants of *pid* once there are *count* of them (bash starts them one by one)."""
    deadline = time.monotonic() + 10
    found = descendants(pid)
    while len(found) < count and time.monotonic() < deadline:
        time.sleep(0.02)
        found = descendants(pid)
    return found


def test_descendants_lists_children_and_grandchildren() -> None:
    """The whole tree below a process is found: children and grandchildren."""
    script = "sleep 30 & bash -c 'sleep 30 & wait' & wait"
    with subprocess.Popen(["bash", "-c", script]) as root:
        try:
            found = _wait_for_descendants(root.pid, 3)

            assert sorted(psutil.Process(pid).name() for pid in found) == ["bash", "sleep", "sleep"]
        finally:
            stop_tree(root.pid)


def test_descendants_of_a_finished_process_is_empty() -> None:
    """A process that has ended has nothing below it (no error)."""
    process = subprocess.Popen(["true"])
    process.wait()

    assert descendants(process.pid) == []
    assert create_time(process.pid) is None


def test_stop_tree_stops_every_process_below_and_leaves_the_exit_status_to_the_parent() -> None:
    """Stopping an agent ends its whole tree, and whoever started it still reads its real exit status."""
    with subprocess.Popen(["bash", "-c", "sleep 30 & sleep 30 & wait"]) as root:
        tree = [root.pid, *_wait_for_descendants(root.pid, 2)]
        stopped = stop_tree(root.pid, grace=5)

        assert sorted(tree) == stopped
        assert root.wait(timeout=10) == -signal.SIGTERM
        assert not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie" for pid in tree)


def test_stop_tree_leaves_a_recycled_pid_alone() -> None:
    """A pid that now belongs to another process (another start time) is not signalled."""
    with subprocess.Popen(["sleep", "30"]) as other:
        try:
            started = create_time(other.pid)
            assert started is not None

            assert stop_tree(other.pid, started=started - 100) == []
            assert other.poll() is None
        finally:
            other.kill()


def test_start_writes_early_input_and_can_use_its_own_session(tmp_path: Path) -> None:
    """A started process gets its input, runs in its directory, and in its own session when asked."""
    script = 'cat; echo; echo "$(pwd -P) $(ps -o sid= -p $$ | tr -d " ") $$"; echo warn >&2'

    async def go() -> tuple[bytes, bytes, int]:
        spec = LaunchSpec(
            ("bash", "-c", script), cwd=str(tmp_path), env=dict(os.environ), stdin=b"hi", new_session=True
        )
        process = await start(spec)
        out, err = await process.communicate()
        return out, err, await process.wait()

    out, err, code = asyncio.run(go())
    text, where = out.decode().splitlines()
    directory, session, pid = where.split()

    assert ("hi", str(tmp_path.resolve()), pid, b"warn\n", 0) == (text, directory, session, err, code)


def test_start_reports_a_missing_program(tmp_path: Path) -> None:
    """A program that does not exist fails to start with FileNotFoundError, as subprocess does."""
    spec = LaunchSpec((str(tmp_path / "missing"),), cwd=str(tmp_path), env={})

    with pytest.raises(FileNotFoundError):
        asyncio.run(start(spec))


@pytest.fixture(autouse=True)
def _no_leftovers() -> object:
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    yield
    for child in psutil.Process().children(recursive=True):
        if child.pid not in before:
            with contextlib.suppress(psutil.Error):
                child.kill()
