"""Throughput of ``autopilot analyze`` over a directory of generated trajectories.

Run: ``uv run python bench/bench_analyze.py [--runs 1000] [--steps 200] [--journals 0.1] [--repeat 3]``

Generates ``--runs`` runs of ``--steps`` steps each (user prompt, thinking, tool calls and results
with realistic outputs, assistant turns with token usage) in a temporary directory, written exactly as
the JSON writer writes them; a ``--journals`` share of them are left as journals of killed runs. Then
times, over the whole directory:

- baseline: ``json.loads`` of every file (reading the bytes and parsing them: the floor for any reader);
- load: ``find_trajectories`` + ``load_trajectory`` (parsing, schema validation with fastjsonschema,
  building the models);
- analyze: ``load`` plus ``core.analysis.summarize`` (what ``autopilot analyze DIR --json`` computes);

and prints runs/s, MB/s (best of ``--repeat`` timings) and each figure's ratio to the baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

from autopilot.core.models import Run, RunResult, Step, Usage
from autopilot.core.pricing import load_price_table
from autopilot.core.trajectory.analysis import summarize
from autopilot.core.trajectory.files import JOURNAL_SUFFIX, dumps, find_trajectories, load_trajectory
from autopilot.plugins.trajectory_json import dumps_pretty

TOOLS = [
    ("Read", lambda r: {"file_path": f"/repo/src/mod{r.randint(0, 50)}.py"}),
    (
        "Edit",
        lambda r: {
            "file_path": f"/repo/src/mod{r.randint(0, 50)}.py",
            "old_string": "a" * 40,
            "new_string": "b" * 60,
        },
    ),
    ("Bash", lambda r: {"command": r.choice(["pytest -q", "git status", "ruff check .", "ls -la src"])}),
    ("Grep", lambda r: {"pattern": "def test_", "path": "/repo/tests"}),
]


def _ts(start: dt.datetime, ms: int) -> str:
    return (start + dt.timedelta(milliseconds=ms)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def generate_run(rng: random.Random, steps: int, model: str) -> Run:
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randint(0, 40_000))
    prices = load_price_table()
    run = Run(prompt="fix the failing test in the parser module", agent="claude", model=model, cwd="/repo")
    run.started_at = _ts(start, 0)
    clock = 0
    run.steps.append(Step("user", ts=_ts(start, clock), index=0, text=run.prompt))
    total = Usage()
    turns = 0
    while len(run.steps) < steps:
        clock += rng.randint(200, 4000)
        usage = Usage(
            rng.randint(10, 3000), rng.randint(20, 800), rng.randint(0, 40_000), rng.randint(0, 2000)
        )
        usage.cost_usd = prices.cost(model, usage)
        total, turns = total + usage, turns + 1
        if rng.random() < 0.3:
            run.steps.append(
                Step("thinking", ts=_ts(start, clock), text="Let me think about this. " * rng.randint(1, 20))
            )
        tool, make_input = rng.choice(TOOLS)
        call_id = f"toolu_{len(run.steps):05d}"
        run.steps.append(
            Step(
                "tool_call",
                ts=_ts(start, clock),
                tool=tool,
                tool_use_id=call_id,
                input=make_input(rng),
                usage=usage,
            )
        )
        clock += rng.randint(5, 5000)
        output = "\n".join(f"line {i}: " + "x" * rng.randint(10, 80) for i in range(rng.randint(1, 40)))
        run.steps.append(
            Step(
                "tool_result",
                ts=_ts(start, clock),
                tool_use_id=call_id,
                output=output,
                is_error=rng.random() < 0.08,
            )
        )
    run.steps = run.steps[:steps]
    for index, step in enumerate(run.steps):
        step.index = index
    run.usage = total
    run.ended_at = _ts(start, clock)
    status = rng.choices(["success", "error", "max_turns", "budget_exhausted"], [80, 10, 5, 5])[0]
    run.result = RunResult(success=status == "success", status=status, duration_ms=clock, num_turns=turns)
    return run


def write_corpus(directory: Path, runs: int, steps: int, journals: float, seed: int) -> int:
    rng = random.Random(seed)
    models = ["claude-sonnet-4-5", "claude-opus-4-5", "gpt-5-codex", "claude-haiku-4-5"]
    size = 0
    for number in range(runs):
        run = generate_run(rng, steps, rng.choice(models))
        day = directory / run.started_at[:10].replace("-", "")
        day.mkdir(exist_ok=True)
        base = day / f"{number:06d}-bench"
        if rng.random() < journals:
            lines = [dumps({"record": "header", "run": run.header()})]
            lines += [dumps({"record": "step", "step": s.to_dict()}) for s in run.steps]
            path = base.with_name(base.name + JOURNAL_SUFFIX)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        else:
            path = base.with_name(base.name + ".json")
            path.write_text(dumps_pretty(run.to_dict()), encoding="utf-8")
        size += path.stat().st_size
    return size


def timed(function):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--journals", type=float, default=0.1, help="share of runs left as journals")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--repeat", type=int, default=3, help="time each figure this many times, keep the best"
    )
    args = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="bench-analyze-"))
    try:
        seconds, size = timed(
            lambda: write_corpus(directory, args.runs, args.steps, args.journals, args.seed)
        )
        mb = size / 1e6
        print(f"corpus: {args.runs} runs x {args.steps} steps, {mb:.1f} MB (generated in {seconds:.1f}s)")

        def baseline() -> int:
            count = 0
            for path in sorted(directory.rglob("*")):
                if path.is_file():
                    text = path.read_text(encoding="utf-8")
                    if path.name.endswith(JOURNAL_SUFFIX):
                        for line in text.splitlines():
                            json.loads(line)
                    else:
                        json.loads(text)
                    count += 1
            return count

        def load() -> int:
            count = 0
            for path in find_trajectories(directory):
                load_trajectory(path)
                count += 1
            return count

        def analyze() -> dict:
            # As `autopilot analyze DIR` does: a generator, so runs are not all held in memory.
            return summarize(load_trajectory(path) for path in find_trajectories(directory))

        results = {}
        for name, function in (
            ("baseline json.loads", baseline),
            ("load + validate", load),
            ("analyze", analyze),
        ):
            # Best of --repeat: the machine may be busy; the minimum is the least disturbed run.
            seconds = min(timed(function)[0] for _ in range(args.repeat))
            results[name] = seconds
            print(f"{name:<22} {seconds:7.2f}s  {args.runs / seconds:8.0f} runs/s  {mb / seconds:7.1f} MB/s")
        summary = analyze()
        assert summary["runs"] == args.runs, summary["runs"]
        base = results["baseline json.loads"]
        load, analyzed = results["load + validate"] / base, results["analyze"] / base
        print(f"ratio to baseline: load {load:.1f}x, analyze {analyzed:.1f}x")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
