"""Starting agent processes: the posix_spawn path starts the same process subprocess.Popen would."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from autopilot.core import launch

# The shell prints its open descriptors, its ignored signals (hex mask), its session id, its pid and
# its directory; then echoes stdin, writes to stderr and exits 3.
_PROBE = (
    'echo "$(ls /proc/$$/fd | tr "\\n" ,) $(grep SigIgn /proc/$$/status | cut -f2)'
    ' $(cut -d" " -f6 /proc/$$/stat) $$ $(pwd -P)"; cat; echo; echo to stderr >&2; exit 3'
)


def _run(process: launch.Process) -> tuple[list[str], str, int]:
    assert process.stdout is not None and process.stderr is not None
    out = process.stdout.read().decode().splitlines()
    err = process.stderr.read().decode()
    process.stdout.close()
    process.stderr.close()
    return out, err, process.wait(timeout=30)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_posix_spawn_starts_what_popen_would(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same pipes, input, exit code, session, signals and (no) leaked descriptors on both paths."""
    monkeypatch.chdir(tmp_path)
    shell = subprocess.run(["sh", "-c", "command -v sh"], capture_output=True, text=True).stdout.strip()
    leaked_read, leaked_write = os.pipe()
    os.dup2(leaked_write, 100)  # inheritable: a descriptor autopilot inherited must not reach the agent
    old_pipe = signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as Python sets it
    try:
        results = []
        for cwd in (str(tmp_path), str(tmp_path / "..")):  # the second cannot use posix_spawn
            spec = launch.LaunchSpec(
                [shell, "-c", _PROBE], cwd=cwd, env=dict(os.environ), stdin=b"prompt", new_session=True
            )
            process = launch._start(spec)
            kind = type(process).__name__
            out, err, code = _run(process)
            results.append((kind, out, err, code))
    finally:
        signal.signal(signal.SIGPIPE, old_pipe)
        for fd in (leaked_read, leaked_write, 100):
            os.close(fd)

    (spawned, *spawned_out), (popen, *popen_out) = results
    assert (spawned, popen) == ("SpawnedProcess", "Popen")
    for (out, err, code), cwd in ((spawned_out, tmp_path), (popen_out, tmp_path.parent)):
        fds, ignored, session, pid, directory = out[0].split(" ", 4)
        assert "100" not in fds.split(",")
        assert not int(ignored, 16) & (1 << (signal.SIGPIPE - 1))  # back at its default
        assert session == pid  # its own session
        assert directory == str(cwd.resolve())
        assert out[1] == "prompt" and err == "to stderr\n" and code == 3
    assert spawned_out[0][0].split(" ")[0] == popen_out[0][0].split(" ")[0]  # the same descriptors
    # The same ignored signals, but for glibc's two internal ones (32, 33), which its posix_spawn
    # leaves ignored and every glibc program sets up again when it starts.
    internal = (1 << 31) | (1 << 32)
    masks = [int(out[0].split(" ")[1], 16) & ~internal for out, _, _ in (spawned_out, popen_out)]
    assert masks[0] == masks[1]


def test_spawned_process_waits_times_out_and_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """poll/wait/kill behave as Popen's: None while running, TimeoutExpired, then -SIGKILL."""
    monkeypatch.chdir(tmp_path)
    sleep = subprocess.run(["sh", "-c", "command -v sleep"], capture_output=True, text=True).stdout.strip()
    process = launch._start(launch.LaunchSpec([sleep, "30"], cwd=str(tmp_path), env=dict(os.environ)))
    try:
        assert process.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(timeout=0.05)
    finally:
        process.kill()
    assert process.wait() == -signal.SIGKILL and process.poll() == -signal.SIGKILL
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def test_a_missing_program_raises_oserror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Starting a program that does not exist fails as Popen does, with nothing left open."""
    monkeypatch.chdir(tmp_path)
    before = set(os.listdir("/proc/self/fd"))
    with pytest.raises(FileNotFoundError):
        launch._start(launch.LaunchSpec([str(tmp_path / "missing")], cwd=str(tmp_path), env={}))
    assert set(os.listdir("/proc/self/fd")) == before


def test_a_dropped_running_process_is_reaped_later(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A started process dropped without a wait does not stay a zombie once the next one starts."""
    monkeypatch.chdir(tmp_path)
    true = subprocess.run(["sh", "-c", "command -v true"], capture_output=True, text=True).stdout.strip()
    sleep = subprocess.run(["sh", "-c", "command -v sleep"], capture_output=True, text=True).stdout.strip()
    process = launch._start(launch.LaunchSpec([sleep, "0.2"], cwd=str(tmp_path), env={}))
    assert isinstance(process, launch.SpawnedProcess)
    pid = process.pid
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()
    del process  # still running: nobody waits for it
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # it has exited (a zombie until reaped)
    other = launch._start(launch.LaunchSpec([true], cwd=str(tmp_path), env={}))
    assert other.wait(timeout=10) == 0
    for stream in (other.stdin, other.stdout, other.stderr):
        if stream is not None:
            stream.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped already
