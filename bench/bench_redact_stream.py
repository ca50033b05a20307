"""``autopilot redact -`` end to end: throughput with process start, peak memory, and line latency.

Run: ``uv run python bench/bench_redact_stream.py [--mb 32] [--big-mb 320] [--runs 3] [--logs DIR]``

Inputs (written once to a temporary directory):

- the real agent logs of the sample corpus (``../shared/corpus``: Claude and Codex transcripts,
  stream-json, SWE-agent trajectories …) concatenated and repeated to ``--mb`` MiB;
- generated mixed tool output (bench/redact_corpus.py, secrets in 2% of the documents) of the same
  size;
- the real logs repeated to ``--big-mb`` MiB, for memory.

For each: ``autopilot redact - < file > /dev/null`` (the installed console script, so process
start, cyclopts and plugin loading are included), best wall time of ``--runs`` runs, the CPU time
of that run (user + system, worker processes included), MB/s (10^6 bytes) on both, the peak RSS
(``ru_maxrss``: of the largest process), and what is left of the wall time once start-up is taken
off. Start-up alone is ``autopilot redact - < /dev/null``.

Python's bytecode cache is on (in a temporary ``PYTHONPYCACHEPREFIX``, warmed by one run first), as
for an installed project from its second start on; with ``PYTHONDONTWRITEBYTECODE`` set and no
cache, every start compiles the project's own modules again, and the script prints that start-up
too. The load average before and after is printed: on a shared machine, compare CPU times.

Latency: ``autopilot redact -`` reads from a pipe that stays open; the script writes one line at a
time and waits (with ``select``, no fixed sleep) until it comes out on the command's stdout.

Bars (issue 15): >= 50 MB/s end to end on both inputs, peak RSS <= 100 MB on 32 and 320 MiB, a line
out within 0.2 s while the input stays open.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from redact_corpus import ALL_KINDS, benign, embed
from redact_quality import REAL_LOGS
from startup_floor import COMMAND, describe

MIB = 1 << 20


def _autopilot() -> str:
    found = shutil.which("autopilot", path=str(Path(sys.executable).parent)) or shutil.which("autopilot")
    if found is None:
        raise SystemExit("error: the autopilot console script is not installed (uv sync)")
    return found


def _repeat(source: bytes, size: int, path: Path) -> Path:
    with path.open("wb") as out:
        written = 0
        while written < size:
            out.write(source)
            written += len(source)
    return path


def _real_logs(folder: Path) -> bytes:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".md")
    if not files:
        raise SystemExit(f"error: no logs under {folder}")
    return b"".join(p.read_bytes() for p in files)


def _generated(size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        text = (
            embed(rng, rng.choice(ALL_KINDS)).text
            if rng.random() < 0.02
            else benign(rng, dense=rng.random() < 0.5)
        )
        parts.append(text + "\n")
        total += len(parts[-1])
    return "".join(parts).encode("utf-8", "surrogateescape")


def _run(
    command: list[str], path: Path | None, env: dict[str, str] | None = None
) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in bytes) of one run with *path* on stdin."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with path.open("rb") if path else open(os.devnull, "rb") as stdin, open(os.devnull, "wb") as stdout:
        start = time.perf_counter()
        subprocess.run(command, stdin=stdin, stdout=stdout, check=True, env=env)
        wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss * 1024


def _measure(
    command: list[str], path: Path | None, runs: int, env: dict[str, str] | None = None
) -> tuple[float, float, int]:
    results = [_run(command, path, env) for _ in range(runs)]
    wall, cpu, _ = min(results)
    return wall, cpu, max(rss for _, _, rss in results)


def _latency(command: list[str], env: dict[str, str], lines: int = 20) -> list[float]:
    """Seconds from writing each line to the pipe until it comes out, with the pipe kept open."""
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    assert process.stdin is not None and process.stdout is not None
    delays = []
    try:
        # The first line also waits for start-up: not counted.
        for number in range(lines + 1):
            line = f"line {number}: nothing secret here, token count {number}\n".encode()
            start = time.perf_counter()
            process.stdin.write(line)
            process.stdin.flush()
            received = b""
            while not received.endswith(b"\n"):
                ready, _, _ = select.select([process.stdout], [], [], 30)
                if not ready:
                    raise SystemExit(f"error: line {number} did not come out within 30 s")
                received += os.read(process.stdout.fileno(), 65536)
            if number:
                delays.append(time.perf_counter() - start)
    finally:
        process.stdin.close()
        process.wait(timeout=30)
    return delays


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=32)
    parser.add_argument("--big-mb", type=int, default=320)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--logs", type=Path, default=REAL_LOGS)
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args()

    command = [_autopilot(), "redact", "-"]
    ok = True
    print("load average: " + " ".join(f"{load:.2f}" for load in os.getloadavg()))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cached = {**os.environ, "PYTHONPYCACHEPREFIX": str(folder / "pycache")}
        cached.pop("PYTHONDONTWRITEBYTECODE", None)
        inputs = {
            f"real logs, {args.mb} MiB": _repeat(_real_logs(args.logs), args.mb * MIB, folder / "real.log"),
            f"generated mixed, {args.mb} MiB": _repeat(
                _generated(4 * MIB, args.seed), args.mb * MIB, folder / "gen.log"
            ),
        }
        if args.big_mb:
            inputs[f"real logs, {args.big_mb} MiB"] = _repeat(
                _real_logs(args.logs), args.big_mb * MIB, folder / "big.log"
            )
        if os.environ.get("PYTHONDONTWRITEBYTECODE"):
            wall, cpu, _ = _measure(command, None, args.runs)
            print(
                f"start-up without a bytecode cache (PYTHONDONTWRITEBYTECODE): {wall:.3f} s wall, "
                f"{cpu:.3f} s CPU"
            )
        _run(command, None, cached)  # fills the bytecode cache
        startup, startup_cpu, rss = _measure(command, None, args.runs, cached)
        print(
            f"start-up (empty input): {startup:.3f} s wall, {startup_cpu:.3f} s CPU, "
            f"peak RSS {rss / 1e6:.0f} MB"
        )
        print(describe(COMMAND))
        for label, path in inputs.items():
            runs = args.runs if path.stat().st_size <= 64 * MIB else 1
            wall, cpu, rss = _measure(command, path, runs, cached)
            size = path.stat().st_size
            print(
                f"{label}: {size / 1e6 / wall:.1f} MB/s wall ({wall:.2f} s), {size / 1e6 / cpu:.1f} MB/s CPU "
                f"({cpu:.2f} s), peak RSS {rss / 1e6:.0f} MB; after start-up {wall - startup:.2f} s wall, "
                f"{cpu - startup_cpu:.2f} s CPU"
            )
            ok = ok and size / 1e6 / wall >= 50 and rss <= 100e6
        delays = _latency(command, cached)
        print(
            f"latency, pipe kept open: median {sorted(delays)[len(delays) // 2] * 1000:.1f} ms, "
            f"max {max(delays) * 1000:.1f} ms over {len(delays)} lines"
        )
        ok = ok and max(delays) <= 0.2
    print("load average: " + " ".join(f"{load:.2f}" for load in os.getloadavg()))
    print("bars met" if ok else "bars NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
