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

This module imports nothing heavy at import time: it is on the start-up path of every run.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio

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
        return (self.argv, self.cwd, sorted(self.env.items()), self.stdin, self.new_session)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LaunchSpec) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LaunchSpec({list(self.argv)!r}, cwd={self.cwd!r})"


class _Prelaunched:
    __slots__ = ("process", "spec", "started")

    def __init__(self, spec: LaunchSpec, process: subprocess.Popen[bytes]) -> None:
        self.spec = spec
        self.process = process
        self.started = time.monotonic()


_pending: _Prelaunched | None = None
#: What happened to prelaunched processes in this process: ``started``, ``taken``, ``dropped``.
counts = {"started": 0, "taken": 0, "dropped": 0}


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether prelaunching is allowed (``AUTOPILOT_PRELAUNCH`` is not ``0``/``false``/``no``)."""
    value = (os.environ if environ is None else environ).get(PRELAUNCH_VARIABLE, "")
    return value.strip().lower() not in ("0", "false", "no", "off")


def _start(spec: LaunchSpec) -> subprocess.Popen[bytes]:
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
        with contextlib.suppress(OSError):  # it exited at once; its stderr will say why
            process.stdin.write(spec.stdin)
            process.stdin.close()
    return process


def prelaunch(spec: LaunchSpec) -> bool:
    """Start *spec*'s process now, for a later :func:`spawn` of the same spec. False if it could not."""
    global _pending
    discard()
    try:
        _pending = _Prelaunched(spec, _start(spec))
    except (OSError, ValueError, subprocess.SubprocessError):
        return False
    counts["started"] += 1
    return True


def pending() -> LaunchSpec | None:
    """The spec of a prelaunched process nobody has claimed yet."""
    return _pending.spec if _pending is not None else None


def spawn(spec: LaunchSpec) -> tuple[subprocess.Popen[bytes], bool]:
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


def _stop(process: subprocess.Popen[bytes], own_group: bool) -> None:
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

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
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


def _exit_future(popen: subprocess.Popen[bytes]) -> asyncio.Future[int]:
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


async def adopt(popen: subprocess.Popen[bytes], *, limit: int = 1 << 16) -> AsyncProcess:
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


@functools.cache
def _write_protocol() -> type:
    """The protocol class for a StreamWriter on a pipe (built on first use: asyncio loads late)."""
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
