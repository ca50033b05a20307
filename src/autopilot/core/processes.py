"""Processes autopilot started: pid files, leftovers of earlier runs, stopping a process tree, memory.

While a run is going, the runner keeps ``$AUTOPILOT_HOME/pids/<run_id>.json`` up to date with its own
pid and the pids the backend started (each with its start time, so a recycled pid is never mistaken
for ours). The file is removed when the run ends. A file whose autopilot process is gone points at
leftovers: ``autopilot doctor`` lists them and ``doctor --clean`` stops them. Processes are only
ever chosen by pid (and start time), never by name.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autopilot.core.meminfo import meminfo_available_mb
from autopilot.core.models import utcnow
from autopilot.core.trajectory.files import atomic_write_text

if TYPE_CHECKING:
    import psutil


def autopilot_home(environ: Mapping[str, str] | None = None) -> Path:
    """``AUTOPILOT_HOME``, else ``$XDG_STATE_HOME/autopilot``, else ``~/.local/state/autopilot``."""
    environ = os.environ if environ is None else environ
    if environ.get("AUTOPILOT_HOME"):
        return Path(environ["AUTOPILOT_HOME"]).expanduser()
    state = environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "autopilot"


def pid_dir(environ: Mapping[str, str] | None = None) -> Path:
    return autopilot_home(environ) / "pids"


def available_memory_mb() -> int:
    """Memory available to new processes, in MiB: what psutil calls ``available``.

    Read from ``/proc/meminfo`` where there is one (as psutil does on Linux), without importing
    psutil on every run's start-up; psutil elsewhere.
    """
    found = meminfo_available_mb()
    if found is not None:
        return found
    import psutil

    return int(psutil.virtual_memory().available // (1024 * 1024))


@functools.cache
def _boot_time() -> float | None:
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("btime "):
                    return float(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def create_time(pid: int) -> float | None:
    """When *pid* started (seconds since the epoch), as psutil's ``create_time`` computes it on Linux:
    boot time plus the start time in ``/proc/<pid>/stat``. None for a process that is gone."""
    boot = _boot_time()
    if boot is not None:
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                data = handle.read()
            # Fields after the command name (which may hold spaces or parentheses); starttime is field 22.
            return boot + int(data[data.rindex(b")") + 2 :].split()[19]) / os.sysconf("SC_CLK_TCK")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, IndexError):
            pass
    import psutil

    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def descendants(pid: int) -> list[int]:
    """Pids of every process below *pid* (parents before their children).

    On Linux this walks ``/proc/<pid>/task/<tid>/children`` down the tree, which reads a handful of
    small files instead of every process's ``stat`` the way ``psutil``'s ``children()`` does (the
    runner asks several times a second while tools run, on machines with hundreds of processes).
    Elsewhere, or without those files, it asks psutil. A process that starts or ends during the walk
    may be missed, so it is for tracking (pid files, the memory guard's list), not for a final kill.
    """
    found: list[int] = []
    queue = [pid]
    try:
        while queue:
            current = queue.pop(0)
            try:
                tasks = os.listdir(f"/proc/{current}/task")
            except FileNotFoundError:
                continue  # ended meanwhile
            for task in tasks:
                try:
                    with open(f"/proc/{current}/task/{task}/children", "rb") as handle:
                        children = [int(child) for child in handle.read().split()]
                except FileNotFoundError:
                    if not os.path.exists(f"/proc/{current}/task/{task}"):
                        continue  # the thread ended meanwhile
                    raise
                found += children
                queue += children
        return found
    except (OSError, ValueError):
        import psutil

        with contextlib.suppress(psutil.Error):
            return [child.pid for child in psutil.Process(pid).children(recursive=True)]
        return []


def own_descendants() -> set[int]:
    """Pids of every process below this one."""
    import psutil

    with contextlib.suppress(psutil.Error):
        return {p.pid for p in psutil.Process().children(recursive=True)}
    return set()


@dataclass
class PidRecord:
    """One pid file: the autopilot process of a run and the processes its backend started."""

    run_id: str
    owner_pid: int
    owner_started: float | None
    cwd: str
    started_at: str
    children: dict[int, float] = field(default_factory=dict)  # pid -> create time
    path: Path | None = None

    def owner_alive(self) -> bool:
        started = create_time(self.owner_pid)
        return started is not None and (self.owner_started is None or abs(started - self.owner_started) < 1)

    def alive_children(self) -> list[int]:
        """Recorded child pids still running with their recorded start time (so really ours)."""
        alive = []
        for pid, started in self.children.items():
            now = create_time(pid)
            if now is not None and abs(now - started) < 1:
                alive.append(pid)
        return alive

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "owner_pid": self.owner_pid,
            "owner_started": self.owner_started,
            "cwd": self.cwd,
            "started_at": self.started_at,
            "children": {str(k): v for k, v in self.children.items()},
        }


class PidFile:
    """The pid file of one running run; :meth:`update` records new child pids, :meth:`remove` ends it."""

    def __init__(self, run_id: str, cwd: str, environ: Mapping[str, str] | None = None) -> None:
        self.path = pid_dir(environ) / f"{run_id}.json"
        self.record = PidRecord(run_id, os.getpid(), create_time(os.getpid()), cwd, utcnow())

    def write(self) -> None:
        with contextlib.suppress(OSError):  # tracking is best effort; never fail a run over it
            # Atomic but not fsynced: after a power loss no process it names is alive anyway.
            atomic_write_text(self.path, json.dumps(self.record.to_dict(), indent=1), durable=False)

    def update(self, pids: Iterable[int]) -> None:
        new = False
        for pid in pids:
            if pid not in self.record.children:
                started = create_time(pid)
                if started is not None:
                    self.record.children[pid] = started
                    new = True
        if new:
            self.write()

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)


def read_pid_files(environ: Mapping[str, str] | None = None) -> list[PidRecord]:
    """Every pid file (unreadable ones are skipped)."""
    records = []
    directory = pid_dir(environ)
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            record = PidRecord(
                run_id=str(data["run_id"]),
                owner_pid=int(data["owner_pid"]),
                owner_started=data.get("owner_started"),
                cwd=str(data.get("cwd", "")),
                started_at=str(data.get("started_at", "")),
                children={int(k): float(v) for k, v in (data.get("children") or {}).items()},
                path=path,
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue
        records.append(record)
    return records


def stop_processes(pids: Iterable[int], *, grace: float = 2.0) -> list[int]:
    """SIGTERM each pid and its descendants, SIGKILL what is left after *grace* seconds.

    Returns the pids that were signalled, once they have ended (or after another *grace* seconds).
    """
    import psutil

    tree: dict[int, psutil.Process] = {}
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            proc = psutil.Process(pid)
            for member in (proc, *proc.children(recursive=True)):
                tree[member.pid] = member
    for proc in tree.values():
        with contextlib.suppress(psutil.Error):
            proc.terminate()
    _, alive = psutil.wait_procs(list(tree.values()), timeout=grace)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    if alive:  # SIGKILL is delivered asynchronously: report them stopped once they are gone
        psutil.wait_procs(alive, timeout=grace)
    return sorted(tree)
