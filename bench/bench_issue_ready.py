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
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autopilot.core.issues import PRIORITIES, Event, Issue, format_ts, new_issue_id, now_utc
from autopilot.plugins.store_yaml.store import YamlStore, dump, new_document


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


def timed(function, repeat: int) -> tuple[float, float, object]:  # type: ignore[no-untyped-def]
    """Median wall and CPU seconds of *function* (CPU time is what load on the machine cannot inflate)."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def cli_time(root: Path, *args: str, repeat: int = 5) -> tuple[float, float]:
    """Median wall and CPU (user + system of the child) seconds of one `autopilot` command."""
    binary = Path(sys.executable).parent / "autopilot"
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([str(binary), *args], cwd=root, check=True, capture_output=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


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

        baseline, baseline_cpu, ready = timed(
            lambda: YamlStore(root, commit="off", use_cache=False).ready(), 1
        )
        shutil.rmtree(cache, ignore_errors=True)
        cold, cold_cpu, _ = timed(lambda: YamlStore(root, commit="off").ready(), 1)
        warm, warm_cpu, warm_ready = timed(lambda: YamlStore(root, commit="off").ready(), 9)
        same = [i.id for i in warm_ready] == [i.id for i in ready]  # type: ignore[union-attr]
        assert same, "the cache changed the answer"

        startup, startup_cpu = cli_time(root, "--version")
        cli_warm, cli_cpu = cli_time(root, "issue", "ready", "--limit", "20")

        print(f"issues: {args.issues:,}, ready: {len(ready):,}")  # type: ignore[arg-type]
        print("                            wall      cpu")
        print(f"baseline (no cache)      {baseline:7.3f}s {baseline_cpu:7.3f}s")
        ratio = cold_cpu / baseline_cpu
        print(f"cold (build cache)       {cold:7.3f}s {cold_cpu:7.3f}s   {ratio:5.2f}x baseline cpu")
        verdict = "met" if warm <= 0.3 else "MISSED"
        print(
            f"warm (stat-keyed cache)  {warm:7.3f}s {warm_cpu:7.3f}s   "
            f"{baseline_cpu / warm_cpu:5.0f}x less cpu than baseline; target <= 0.300 s wall: {verdict}"
        )
        print(f"cli `issue ready` warm   {cli_warm:7.3f}s {cli_cpu:7.3f}s   whole process, start-up included")
        print(f"cli `--version`          {startup:7.3f}s {startup_cpu:7.3f}s   start-up floor of any command")
        print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
