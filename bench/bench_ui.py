"""The web UI's speed targets: the runs page over 1,000 runs, a 10,000-step run, the live page.

Run: ``uv run python bench/bench_ui.py [--runs 1000] [--steps 40] [--long 10000] [--repeat 30]
[--no-browser]``

Generates a repository whose ``docs/logs`` holds ``--runs`` runs of ``--steps`` steps and one run of
``--long`` steps, each written exactly as autopilot writes them (``write_json_trajectory``), then
starts ``autopilot ui`` on it as a separate process (so the client below does not share its
interpreter) and measures:

- runs page: time to the first byte of ``GET /runs``, cold (the first request, which reads every
  trajectory) and warm (median, p95 and max of ``--repeat`` requests; target: warm ≤ 0.3 s);
- the long run: ``GET`` of its first page, a middle page and ``?step=<last>`` (a page of 100 steps
  each), then every page in turn, with the server's resident memory (RSS) before and after: it stays
  flat because a page reads only its own steps, by offset;
- live: a step journaled by a recorder in this process, until the server-sent event carrying it
  arrives (median and max over ``--repeat`` steps; target ≤ 0.5 s); and, unless ``--no-browser``
  or Chromium is missing, until it is on the live page in headless Chromium.
"""

from __future__ import annotations

import argparse
import http.client
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_analyze import generate_run

from autopilot.core.hooks import Hooks
from autopilot.core.models import Run, Step, Usage
from autopilot.core.pluginmanager import make_plugin_manager
from autopilot.core.recorder import Recorder
from autopilot.core.trajectory.files import write_json_trajectory


def write_repository(root: Path, runs: int, steps: int, long: int, seed: int) -> str:
    """A repository with *runs* runs and one long one; returns the long run's key."""
    rng = random.Random(seed)
    (root / ".autopilot").mkdir(parents=True)
    (root / ".autopilot" / "config.yaml").write_text('schema_version: 1\ncommit: "off"\n')
    logs = root / "docs" / "logs"
    models = ["claude-sonnet-4-5", "claude-opus-4-5", "gpt-5-codex", "claude-haiku-4-5"]
    for number in range(runs):
        run = generate_run(rng, steps, rng.choice(models))
        day = logs / run.started_at[:10].replace("-", "")
        day.mkdir(parents=True, exist_ok=True)
        write_json_trajectory(run, day / f"{number:06d}-bench.json")
    run = generate_run(rng, long, "claude-sonnet-4-5")
    day = logs / "20261231"
    day.mkdir(parents=True, exist_ok=True)
    write_json_trajectory(run, day / "235959-long.json")
    return "20261231/235959-long"


def first_byte(port: int, path: str) -> tuple[float, int]:
    """Seconds until the response's status line and headers arrived; the body is then read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        start = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        seconds = time.perf_counter() - start
        response.read()
        return seconds, response.status
    finally:
        connection.close()


def figures(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    median, worst = statistics.median(ordered), ordered[-1]
    return f"median {median * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  max {worst * 1000:6.1f} ms"


def start_ui(repo: Path) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "autopilot", "ui", "--no-browser"],
        cwd=repo,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if match:
            return process, int(match.group(1))
    raise SystemExit("autopilot ui did not start")


def rss_mb(process: subprocess.Popen[str]) -> float:
    return psutil.Process(process.pid).memory_info().rss / 2**20


class LiveRun:
    """A run being recorded in this process, whose steps the server follows."""

    def __init__(self, logs: Path) -> None:
        hooks = Hooks(make_plugin_manager(load_local=False, blocked=("console",)))
        self.run = Run(prompt="a live run", agent="claude", model="claude-sonnet-4-5", cwd="/repo")
        day = logs / "20270101"
        self.recorder = Recorder(hooks, self.run, day / "000000-live")
        self.recorder.start()
        self.recorder.add(Step("user", text="a live run"))
        self.key = "20270101/000000-live"

    def add(self, number: int) -> None:
        usage = Usage(input_tokens=100, output_tokens=20, cost_usd=0.001)
        self.recorder.add(Step("assistant", text=f"live step {number}", usage=usage))


def sse_latencies(port: int, live: LiveRun, repeat: int) -> list[float]:
    """Seconds from journaling a step to the arrival of its event."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", f"/api/runs/{live.key}/events?from={len(live.run.steps)}")
    response = connection.getresponse()
    response.readline()  # retry:
    latencies = []
    for number in range(repeat):
        start = time.perf_counter()
        live.add(number)
        while True:
            line = response.readline().decode()
            if line.startswith("data: ") and f"live step {number}" in line:
                break
        latencies.append(time.perf_counter() - start)
    connection.close()
    return latencies


def browser_latencies(port: int, live: LiveRun, repeat: int) -> list[float] | None:
    """Seconds from journaling a step to its appearing on the live page in headless Chromium."""
    executable = shutil.which("chromium")
    if executable is None:
        return None
    from playwright.sync_api import sync_playwright

    flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
    flags += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    latencies = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=flags)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/runs/{live.key}/live")
        page.wait_for_selector("#timeline")
        time.sleep(0.5)  # let the event stream connect before the first step
        for number in range(repeat):
            next_step = len(live.run.steps)
            start = time.perf_counter()
            live.add(1000 + number)
            page.wait_for_selector(f"#step-{next_step}", timeout=10_000)
            latencies.append(time.perf_counter() - start)
        browser.close()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--long", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-browser", action="store_true", help="skip the live page in Chromium")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="bench-ui-"))
    repo = root / "repo"
    process: subprocess.Popen[str] | None = None
    try:
        start = time.perf_counter()
        long_key = write_repository(repo, args.runs, args.steps, args.long, args.seed)
        size = sum(p.stat().st_size for p in (repo / "docs" / "logs").rglob("*.json")) / 1e6
        print(
            f"corpus: {args.runs} runs x {args.steps} steps + 1 run x {args.long} steps, {size:.1f} MB"
            f" (generated in {time.perf_counter() - start:.1f}s)"
        )
        process, port = start_ui(repo)
        cold, status = first_byte(port, "/runs")
        assert status == 200, status
        print(f"runs page, cold (reads every run):  {cold:6.2f} s")
        warm = [first_byte(port, "/runs")[0] for _ in range(args.repeat)]
        print(f"runs page, warm ({args.runs + 1} runs):   {figures(warm)}  (target: <= 300 ms)")
        filtered = [first_byte(port, "/runs?model=claude-opus-4-5&sort=cost")[0] for _ in range(args.repeat)]
        print(f"runs page, filtered and sorted:    {figures(filtered)}")

        before = rss_mb(process)
        pages = -(-args.long // 100)
        for label, path in (
            ("first page", f"/runs/{long_key}"),
            ("middle page", f"/runs/{long_key}?page={pages // 2}"),
            ("jump to last step", f"/runs/{long_key}?step={args.long - 1}"),
        ):
            seconds, status = first_byte(port, path)
            assert status == 200, (path, status)
            print(f"{args.long}-step run, {label:<18} {seconds * 1000:7.1f} ms")
        after_three = rss_mb(process)
        every = [first_byte(port, f"/runs/{long_key}?page={page}")[0] for page in range(1, pages + 1)]
        after_all = rss_mb(process)
        print(f"{args.long}-step run, each of its {pages} pages: {figures(every)}")
        print(
            f"server RSS: {before:.0f} MiB before opening it, {after_three:.0f} MiB after 3 pages,"
            f" {after_all:.0f} MiB after all {pages} pages"
        )

        live = LiveRun(repo / "docs" / "logs")
        first_byte(port, "/runs")  # the index learns about the live run
        sse = sse_latencies(port, live, args.repeat)
        print(f"live: journaled step -> event:     {figures(sse)}  (target: <= 500 ms)")
        shown = None if args.no_browser else browser_latencies(port, live, args.repeat)
        if shown is not None:
            print(f"live: journaled step -> on page:   {figures(shown)}  (headless Chromium)")
        live.recorder.finish(status="success")
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
