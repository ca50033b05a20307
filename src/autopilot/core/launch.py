"""Starting a backend's agent process, possibly before the rest of autopilot has loaded (prelaunch).

An agent CLI needs a while to boot before it reads its prompt (the bundled Claude Code CLI about
0.2 s), and autopilot needs about as long to import its plugins and open the trajectory. For a plain
``autopilot run PROMPT`` the command line starts the agent first (:func:`prelaunch`) and loads the rest
while it boots; when the backend reaches the point where it would start its process, it asks for one
with :func:`spawn`, which hands over the prelaunched process only if it was started with exactly the
same :class:`LaunchSpec` (program, arguments, directory, environment, early input). Anything else —
another backend chosen by a plugin, other options, an error before the run — and the prelaunched
process is stopped before it has done anything, and a fresh one is started as before. With no
prelaunch at all (library use, tests, ``AUTOPILOT_PRELAUNCH=0``) :func:`spawn` simply starts the process.

A spec without ``stdin`` data keeps the agent waiting for its prompt, so a prelaunched agent does no
work until the backend writes it. A spec *with* ``stdin`` data (or a prompt in its arguments) starts
the agent's work at once; the command line only prelaunches such specs when nothing but autopilot's
own plugins could change or veto the run (see ``autopilot.cli.prelaunch``).

This module imports only ``os`` at import time: it is on the start-up path of every run, before the
agent has started (``subprocess``, ``signal`` and the rest are imported when first needed).
"""

from __future__ import annotations

import _thread
import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    import asyncio
    import subprocess
    from collections.abc import Mapping, Sequence
    from typing import Any, TypeAlias

    #: A started agent process: a ``subprocess.Popen``, or the same interface over ``posix_spawn``.
    Process: TypeAlias = "subprocess.Popen[bytes] | SpawnedProcess"

#: Set to ``0`` to never start an agent before autopilot has loaded.
PRELAUNCH_VARIABLE = "AUTOPILOT_PRELAUNCH"


class LaunchSpec:
    """Everything that decides what a started agent process does: equal specs, equal processes."""

    __slots__ = ("argv", "cwd", "env", "new_session", "stdin")

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cwd: str,
        env: Mapping[str, str],
        stdin: bytes | None = None,
        new_session: bool = False,
    ) -> None:
        self.argv = tuple(argv)
        self.cwd = str(cwd)
        self.env = dict(env)
        #: Written to the process's stdin at once, which is then closed; None keeps stdin a pipe.
        self.stdin = stdin
        self.new_session = new_session

    def _key(self) -> tuple[Any, ...]:
        return (self.argv, self.cwd, self.env, self.stdin, self.new_session)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LaunchSpec) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LaunchSpec({list(self.argv)!r}, cwd={self.cwd!r})"


class _Prelaunched:
    __slots__ = ("process", "spec")

    def __init__(self, spec: LaunchSpec, process: Process) -> None:
        self.spec = spec
        self.process = process


_pending: _Prelaunched | None = None
#: What happened to prelaunched processes in this process: ``started``, ``taken``, ``dropped``.
counts = {"started": 0, "taken": 0, "dropped": 0}


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether prelaunching is allowed (``AUTOPILOT_PRELAUNCH`` is not ``0``/``false``/``no``)."""
    value = (os.environ if environ is None else environ).get(PRELAUNCH_VARIABLE, "")
    return value.strip().lower() not in ("0", "false", "no", "off")


def _start(spec: LaunchSpec) -> Process:
    if _unreaped:
        _reap_dropped()
    process = _posix_spawn(spec)
    if process is None:
        import subprocess

        process = subprocess.Popen(
            spec.argv,
            cwd=spec.cwd,
            env=spec.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=spec.new_session,
        )
    if spec.stdin is not None:
        assert process.stdin is not None
        try:
            process.stdin.write(spec.stdin)
            process.stdin.close()
        except OSError:
            pass  # it exited at once; its stderr will say why
    return process


def _posix_spawn(spec: LaunchSpec) -> SpawnedProcess | None:
    """*spec*'s process started with ``os.posix_spawn``, or None where that cannot do what
    ``subprocess.Popen`` would (then Popen starts it).

    The same process as Popen's (pipes for stdin, stdout and stderr; no other inherited descriptor;
    SIGPIPE and SIGXFSZ back to their defaults; its own session if asked), without importing
    ``subprocess``, which costs about 12 ms before the agent could start. It needs ``posix_spawn``, an
    absolute program path (Popen looks a bare name up on the spec's PATH), the spec's directory being
    the current one (posix_spawn cannot change directory) and ``/proc/self/fd`` to list descriptors.
    """
    spawn = getattr(os, "posix_spawn", None)
    if spawn is None or not spec.argv or not os.path.isabs(spec.argv[0]):
        return None
    try:
        if os.path.realpath(spec.cwd) != os.path.realpath(os.getcwd()):
            return None
        inherited = [fd for fd in map(int, os.listdir("/proc/self/fd")) if fd > 2 and _inheritable(fd)]
    except (OSError, ValueError):
        return None
    # glibc's posix_spawn leaves its two internal signals (32, 33) ignored in the new process, which
    # Popen does not; they cannot be named in setsigdef, and the C library of the program started
    # sets them up again at its start, so the difference does not reach the agent's own code.
    import _signal

    pipes = [os.pipe() for _ in range(3)]  # not inheritable: the child sees only what is dup2'ed
    child_ends = (pipes[0][0], pipes[1][1], pipes[2][1])
    actions = [(os.POSIX_SPAWN_DUP2, fd, target) for target, fd in enumerate(child_ends)]
    actions += [(os.POSIX_SPAWN_CLOSE, fd) for fd in inherited]
    try:
        pid = spawn(
            spec.argv[0],
            spec.argv,
            spec.env,
            file_actions=actions,
            setsid=spec.new_session,
            setsigdef=(_signal.SIGPIPE, _signal.SIGXFSZ),
        )
    except BaseException as exc:
        for read_end, write_end in pipes:
            os.close(read_end)
            os.close(write_end)
        if isinstance(exc, NotImplementedError):  # no setsid support in this libc: Popen will do
            return None
        raise
    for fd in child_ends:
        os.close(fd)
    return SpawnedProcess(
        pid, spec.argv, open(pipes[0][1], "wb"), open(pipes[1][0], "rb"), open(pipes[2][0], "rb")
    )


def _inheritable(fd: int) -> bool:
    try:
        return os.get_inheritable(fd)
    except OSError:  # the descriptor listdir itself used, closed by now
        return False


class SpawnedProcess:
    """A process started by :func:`_posix_spawn`: the part of ``subprocess.Popen``'s interface that
    autopilot uses (``pid``, ``args``, ``returncode``, the three pipes, ``poll``, ``wait``,
    ``send_signal``, ``terminate``, ``kill``), with Popen's behaviour."""

    def __init__(self, pid: int, args: Sequence[str], stdin: Any, stdout: Any, stderr: Any) -> None:
        self.pid = pid
        self.args = list(args)
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.returncode: int | None = None
        self._lock = _thread.allocate_lock()  # as Popen's: one waitpid at a time

    def _reap(self, block: bool) -> int | None:
        if self.returncode is not None:
            return self.returncode
        if not self._lock.acquire(blocking=block):
            return None  # another thread is waiting for it (as Popen.poll does then)
        try:
            if self.returncode is None:
                try:
                    pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
                except ChildProcessError:  # reaped elsewhere (SIGCHLD ignored): status unknown
                    pid, status = self.pid, 0
                if pid == self.pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        finally:
            self._lock.release()
        return self.returncode

    def poll(self) -> int | None:
        """The exit code, or None while it runs."""
        return self._reap(block=False)

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the process to end; raises ``subprocess.TimeoutExpired`` after *timeout* s."""
        if timeout is None:
            code = self._reap(block=True)
            assert code is not None
            return code
        import time

        deadline = time.monotonic() + timeout
        delay = 0.0005
        while (code := self.poll()) is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                import subprocess

                raise subprocess.TimeoutExpired(self.args, timeout)
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 0.05)
        return code

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            import contextlib

            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def terminate(self) -> None:
        import _signal

        self.send_signal(_signal.SIGTERM)

    def kill(self) -> None:
        import _signal

        self.send_signal(_signal.SIGKILL)

    def __repr__(self) -> str:
        return f"<SpawnedProcess: returncode: {self.returncode} args: {self.args!r}>"

    def __del__(self) -> None:
        # Like Popen: a process dropped while it still runs is reaped later (by the next _start),
        # so it does not stay a zombie for the life of a long autopilot process (full-auto).
        if self.returncode is None and self.poll() is None:
            _unreaped.append(self.pid)


#: Pids of dropped SpawnedProcesses that had not exited yet; reaped when the next process starts.
_unreaped: list[int] = []


def _reap_dropped() -> None:
    for pid in list(_unreaped):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _unreaped.remove(pid)


def prelaunch(spec: LaunchSpec) -> bool:
    """Start *spec*'s process now, for a later :func:`spawn` of the same spec. False if it could not."""
    global _pending
    discard()
    try:
        _pending = _Prelaunched(spec, _start(spec))
    except Exception:  # OSError, ValueError, SubprocessError: no early start, the run starts its own
        return False
    counts["started"] += 1
    return True


def pending() -> LaunchSpec | None:
    """The spec of a prelaunched process nobody has claimed yet."""
    return _pending.spec if _pending is not None else None


def spawn(spec: LaunchSpec) -> tuple[Process, bool]:
    """A process for *spec*: the prelaunched one if its spec is equal, else a new one.

    Returns (process, whether it was prelaunched). Raises OSError like :class:`subprocess.Popen`.
    """
    global _pending
    early, _pending = _pending, None
    if early is not None:
        if early.spec == spec and early.process.poll() is None:
            counts["taken"] += 1
            return early.process, True
        _drop(early)
    return _start(spec), False


def discard() -> None:
    """Stop a prelaunched process nobody claimed (the run did not happen, or chose another agent)."""
    global _pending
    early, _pending = _pending, None
    if early is not None:
        _drop(early)


def _drop(early: _Prelaunched) -> None:
    counts["dropped"] += 1
    _stop(early.process, early.spec.new_session)


def _stop(process: Process, own_group: bool) -> None:
    import contextlib
    import signal
    import subprocess

    if process.poll() is None:
        try:
            if own_group:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
        except OSError:
            pass
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


# ------------------------------------------------------------------------------------------------
# asyncio access to a started process


class AsyncProcess:
    """A started :class:`subprocess.Popen` driven from asyncio, like ``asyncio.subprocess.Process``.

    ``stdin`` is an ``asyncio.StreamWriter`` (None when the spec wrote and closed it at start),
    ``stdout``/``stderr`` are ``asyncio.StreamReader``s, :meth:`wait` waits without blocking the loop,
    :attr:`returncode` is None while the process runs. :meth:`close` releases the pipes.
    """

    def __init__(self, popen: Process) -> None:
        self.popen = popen
        self.pid = popen.pid
        self.stdin: asyncio.StreamWriter | None = None
        self.stdout: asyncio.StreamReader | None = None
        self.stderr: asyncio.StreamReader | None = None
        self._transports: list[asyncio.BaseTransport] = []
        self._exited: asyncio.Future[int] | None = None

    @property
    def returncode(self) -> int | None:
        return self.popen.poll()

    async def wait(self) -> int:
        """The exit code, once the process has ended."""
        import asyncio

        code = self.popen.poll()
        if code is not None:
            return code
        if self._exited is None:
            self._exited = _exit_future(self.popen)
        return await asyncio.shield(self._exited)

    def close(self) -> None:
        """Close the pipes (the process itself is left alone)."""
        for transport in self._transports:
            transport.close()
        self._transports.clear()


def _exit_future(popen: Process) -> asyncio.Future[int]:
    """A future set when *popen* exits: a pidfd watched by the loop, else a thread in waitpid."""
    import asyncio

    loop = asyncio.get_running_loop()
    try:
        fd = os.pidfd_open(popen.pid)
    except (AttributeError, OSError):
        return asyncio.ensure_future(asyncio.to_thread(popen.wait))
    future: asyncio.Future[int] = loop.create_future()

    def exited() -> None:
        loop.remove_reader(fd)
        os.close(fd)
        if not future.done():
            future.set_result(popen.wait())

    loop.add_reader(fd, exited)
    return future


async def adopt(popen: Process, *, limit: int = 1 << 16) -> AsyncProcess:
    """Wrap *popen*'s pipes in asyncio streams (the pipes now belong to the event loop)."""
    import asyncio

    loop = asyncio.get_running_loop()
    process = AsyncProcess(popen)

    async def reader(pipe: Any) -> asyncio.StreamReader | None:
        if pipe is None or pipe.closed:
            return None
        stream = asyncio.StreamReader(limit=limit, loop=loop)
        transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(stream, loop=loop), pipe
        )
        process._transports.append(transport)
        return stream

    if popen.stdin is not None and not popen.stdin.closed:
        transport, protocol = await loop.connect_write_pipe(_write_protocol(), popen.stdin)
        process._transports.append(transport)
        process.stdin = asyncio.StreamWriter(transport, protocol, None, loop)
    process.stdout = await reader(popen.stdout)
    process.stderr = await reader(popen.stderr)
    return process


def _write_protocol() -> type:
    """The protocol class for a StreamWriter on a pipe (built once, on first use: asyncio loads late)."""
    if "class" not in _write_protocol_class:
        _write_protocol_class["class"] = _make_write_protocol()
    return _write_protocol_class["class"]


_write_protocol_class: dict[str, type] = {}


def _make_write_protocol() -> type:
    import asyncio

    class WriteProtocol(asyncio.streams.FlowControlMixin, asyncio.Protocol):
        """Flow control for a StreamWriter on a pipe, and the close waiter ``wait_closed`` needs."""

        def __init__(self) -> None:
            super().__init__()
            self._closed = asyncio.get_running_loop().create_future()

        def connection_lost(self, exc: Exception | None) -> None:
            super().connection_lost(exc)
            if not self._closed.done():
                self._closed.set_result(None)

        def _get_close_waiter(self, stream: Any) -> Any:
            return self._closed

    return WriteProtocol
