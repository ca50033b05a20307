"""Processes autopilot starts: starting an agent, pid files, leftovers of earlier runs, stopping a
process tree, memory.

Backends start their agent with :func:`start` (``asyncio.create_subprocess_exec``, in its own session
when asked). On Linux the agent is told to end with autopilot (``PR_SET_PDEATHSIG``): if autopilot is
killed, even by SIGKILL or the OOM killer, its agent gets SIGTERM instead of running on unsupervised,
past every budget and turn limit (what the agent itself started may outlive it: ``doctor --clean``).
An agent another library starts (claude-agent-sdk starts its CLI itself) gets a :func:`watchdog`: a
small process of autopilot's, told to end with autopilot, that stops the agent's tree when it is.

While a run is going, the runner keeps ``$AUTOPILOT_HOME/pids/<run_id>.json`` up to date with its own
pid and the pids the backend started (each with its start time, so a recycled pid is never mistaken
for ours). The file is removed when the run ends. A file whose autopilot process is gone points at
leftovers: ``autopilot doctor`` lists them and ``doctor --clean`` stops them. Processes are only ever
chosen by pid (and start time), never by name. psutil answers every question about processes and
memory.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from autopilot.core.models import utcnow
from autopilot.core.trajectory.files import atomic_write_text

if TYPE_CHECKING:
    import asyncio

    import psutil


#: prctl(2) option: the signal a process gets when its parent dies.
PR_SET_PDEATHSIG: Final = 1


@dataclass(frozen=True)
class LaunchSpec:
    """Everything that decides what a started agent process does."""

    argv: tuple[str, ...]
    cwd: str
    env: Mapping[str, str]
    #: Written to the process's stdin at once, which is then closed; None keeps stdin open as a pipe.
    stdin: bytes | None = None
    #: Start it in its own session (and process group), away from the terminal's signals.
    new_session: bool = False


async def start(spec: LaunchSpec, *, limit: int = 1 << 16) -> asyncio.subprocess.Process:
    """Start *spec*'s process with pipes for stdin, stdout and stderr.

    Raises OSError (FileNotFoundError for a missing program or directory) as ``subprocess.Popen`` does.
    """
    import asyncio

    process = await asyncio.create_subprocess_exec(
        *spec.argv,
        cwd=spec.cwd,
        env=dict(spec.env),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=spec.new_session,
        preexec_fn=_end_with_parent(),
        limit=limit,
    )
    if spec.stdin is not None:
        assert process.stdin is not None
        with contextlib.suppress(OSError):  # it exited at once; its stderr will say why
            process.stdin.write(spec.stdin)
            await process.stdin.drain()
        process.stdin.close()
    return process


def _end_with_parent(*, hold: bool = False) -> Callable[[], None] | None:
    """What the child runs before its program (Linux): SIGTERM for it when this process dies.

    The function is looked up here, in the parent, so the child only makes the call; and a parent
    that died before the call was made is noticed at once. With *hold*, SIGTERM is blocked (exec keeps
    the mask): it waits until the program unblocks it, having put its handler in place.
    """
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import signal

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def arm() -> None:
        if hold:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)

    return arm


async def watchdog(pid: int) -> asyncio.subprocess.Process | None:
    """(Linux) For an agent autopilot did not start itself, and so cannot tell to end with it: a
    process that is told so (it runs :func:`_watch`) and, when autopilot dies, stops *pid* and everything
    below it, if *pid* is still the process it was. None elsewhere or when *pid* is gone. The caller
    kills it once the agent has ended."""
    arm = _end_with_parent(hold=True)
    started = create_time(pid) if arm is not None else None
    if started is None:
        return None
    import asyncio

    code = f"from autopilot.core.processes import _watch; _watch({pid}, {started!r})"
    return await asyncio.create_subprocess_exec(
        *(sys.executable, "-c", code),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C at the terminal is for autopilot, not for the watchdog
        preexec_fn=arm,
    )


def _watch(pid: int, started: float) -> None:
    """The watchdog's own code: wait for the SIGTERM it gets when autopilot dies, then stop the agent.
    SIGTERM is held from its start until the handler is in place, so one that came while Python was
    starting (or before the signal was asked for: autopilot already gone) is handled here."""
    import signal

    def stop(*_: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: another SIGTERM must not interrupt it
        stop_tree(pid, started=started)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    while True:
        signal.pause()


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
    """Memory available to new processes, in MiB (psutil's ``available``)."""
    import psutil

    return int(psutil.virtual_memory().available // (1024 * 1024))


def create_time(pid: int) -> float | None:
    """When *pid* started (seconds since the epoch), or None for a process that is gone."""
    import psutil

    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def descendants(pid: int) -> list[int]:
    """Pids of every process below *pid* (empty when it is gone).

    A process that starts or ends meanwhile may be missed, so it is for tracking (pid files, the
    memory guard's list), not for a final kill.
    """
    import psutil

    with contextlib.suppress(psutil.Error):
        return [child.pid for child in psutil.Process(pid).children(recursive=True)]
    return []


def own_descendants() -> set[int]:
    """Pids of every process below this one."""
    return set(descendants(os.getpid()))


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


def process_tree(pids: Iterable[int]) -> list[psutil.Process]:
    """Each pid and every process below it, as handles that keep their start time: taken before a
    process is stopped, they still reach the processes below it once it is gone, and never a pid
    that was recycled meanwhile."""
    import psutil

    tree: dict[int, psutil.Process] = {}
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            proc = psutil.Process(pid)
            for member in (proc, *proc.children(recursive=True)):
                tree[member.pid] = member
    return list(tree.values())


def stop_processes(pids: Iterable[int], *, grace: float = 2.0) -> list[int]:
    """SIGTERM each pid and its descendants, SIGKILL what is left after *grace* seconds.

    Returns the pids that were signalled, once they have ended (or after another *grace* seconds).
    """
    return _stop(process_tree(pids), grace=grace)


def stop_remaining(tree: list[psutil.Process], *, grace: float = 2.0) -> list[int]:
    """Stop the members of *tree* (from :func:`process_tree`) that still run, as :func:`stop_processes`."""
    return _stop(_wait_gone(tree, 0), grace=grace)


def stop_tree(
    pid: int, *, started: float | None = None, group: bool = False, grace: float = 2.0
) -> list[int]:
    """Stop the process *pid* (if it still is the one that started at *started*) and everything below it.

    SIGTERM, then SIGKILL after *grace* seconds; with *group*, the process group *pid* leads (a process
    started in its own session) is signalled too, which also reaches members that left the tree.
    Returns the pids that were signalled. Blocks up to twice *grace*: call it in a thread from asyncio.
    """
    import signal

    import psutil

    try:
        root = psutil.Process(pid)
        if started is not None and abs(root.create_time() - started) >= 1:
            return []  # a recycled pid: not ours
        tree = [root, *root.children(recursive=True)]
    except psutil.Error:
        return []
    # The group only while its leader runs: once it is gone, its pid (and group id) may be reused.
    if group and root.is_running():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGTERM)
    stopped = _stop(tree, grace=grace)
    if group and root.is_running():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    return stopped


def _stop(tree: list[psutil.Process], *, grace: float) -> list[int]:
    import psutil

    for proc in tree:
        with contextlib.suppress(psutil.Error):
            proc.terminate()
    alive = _wait_gone(tree, grace)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    if alive:  # SIGKILL is delivered asynchronously: report them stopped once they are gone
        _wait_gone(alive, grace)
    return sorted(proc.pid for proc in tree)


def _wait_gone(tree: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    """Wait up to *timeout* seconds for *tree* to end; returns the processes still running.

    Not ``psutil.wait_procs``: it reaps this process's own children with ``waitpid``, which is the job
    of whoever started them (asyncio's child watcher reports an exit status it could not read as 255,
    with a warning). A zombie counts as ended.
    """
    import time

    import psutil

    def running(proc: psutil.Process) -> bool:
        try:
            return proc.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False
        except psutil.Error:
            return True

    deadline = time.monotonic() + timeout
    alive = [proc for proc in tree if running(proc)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.02)
        alive = [proc for proc in alive if running(proc)]
    return alive
