"""Benchmark `issue ready` on 10,000 issues: cold (no cache) and warm (stat-keyed cache) vs no cache.

Run: uv run python bench/bench_issue_ready.py [--issues N] [--keep DIR]

Figures printed:
- baseline: the YAML store with its cache turned off (every file parsed on every call);
- cold: the first call with the cache enabled (parses every file and writes the cache);
- warm: later calls (stat every file, read the cache); the target is <= 0.3 s;
- cli warm: the whole `autopilot issue ready` command in a fresh process (interpreter start-up,
  plugin loading and printing included), next to `autopilot --version` as the start-up floor.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autopilot.core.store import PRIORITIES, Event, Issue, format_ts, new_issue_id, now_utc
from autopilot.plugins.store_yaml import YamlStore, dump, new_document


def generate(root: Path, count: int, seed: int = 7) -> None:
    """Write *count* realistic issue files (a third depend on an earlier one, some claimed or done)."""
    rng = random.Random(seed)
    issues_dir = root / ".autopilot" / "issues"
    issues_dir.mkdir(parents=True)
    ids: list[str] = []
    start = now_utc().timestamp() - count * 60
    for n in range(count):
        issue_id = new_issue_id()
        created = format_ts(now_utc().fromtimestamp(start + n * 60, tz=now_utc().tzinfo))
        deps = (rng.choice(ids),) if ids and rng.random() < 0.33 else ()
        issue = Issue(
            id=issue_id,
            title=f"Issue number {n}: fix the {rng.choice(['parser', 'cache', 'cli', 'docs'])}",
            body="Steps to reproduce:\n1. run it\n2. see it fail\n",
            status=rng.choice(["open"] * 6 + ["done"] * 3 + ["blocked"]),
            priority=rng.choice(PRIORITIES),
            labels=tuple(rng.sample(["bug", "feature", "docs", "perf", "ui"], k=rng.randint(0, 2))),
            depends_on=deps,
            accept=("uv run pytest -q",),
            created=created,
            updated=created,
            events=(Event(at=created, kind="created", by="bench"),),
        )
        (issues_dir / f"{issue_id}.yaml").write_text(dump(new_document(issue.to_dict())), encoding="utf-8")
        ids.append(issue_id)


def timed(function, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def cli_time(root: Path, *args: str, repeat: int = 5) -> float:
    binary = Path(sys.executable).parent / "autopilot"
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([str(binary), *args], cwd=root, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-issues-"))
    try:
        if not (root / ".autopilot" / "issues").is_dir():
            started = time.perf_counter()
            generate(root, args.issues)
            print(f"generated {args.issues:,} issues in {time.perf_counter() - started:.1f}s under {root}")
        cache = root / ".autopilot" / ".cache"

        baseline, ready = timed(lambda: YamlStore(root, commit="off", use_cache=False).ready(), 1)
        shutil.rmtree(cache, ignore_errors=True)
        cold, _ = timed(lambda: YamlStore(root, commit="off").ready(), 1)
        warm, warm_ready = timed(lambda: YamlStore(root, commit="off").ready(), 7)
        assert [i.id for i in warm_ready] == [i.id for i in ready], "cache changed the answer"  # type: ignore[union-attr]

        startup = cli_time(root, "--version")
        cli_warm = cli_time(root, "issue", "ready", "--limit", "20")

        print(f"issues: {args.issues:,}, ready: {len(ready):,}")  # type: ignore[arg-type]
        print(f"baseline (no cache)       {baseline:7.3f} s")
        print(f"cold (build cache)        {cold:7.3f} s   {cold / baseline:5.2f}x baseline")
        print(
            f"warm (stat-keyed cache)   {warm:7.3f} s   {baseline / warm:5.1f}x faster than baseline"
            f"   target <= 0.300 s: {'met' if warm <= 0.3 else 'MISSED'}"
        )
        print(f"cli `issue ready` warm    {cli_warm:7.3f} s   (`autopilot --version` alone: {startup:.3f} s)")
        print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
