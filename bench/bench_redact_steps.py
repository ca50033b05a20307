"""CPU cost of redacting recorded steps: one batch per step against every string one by one.

Run: ``uv run python bench/bench_redact_steps.py [--steps 1000] [--corpus DIR] [--secret-rate 0.02]``

The steps are real: the Claude and Codex logs of the sample corpus (``../shared/corpus`` beside this
repository, or ``--corpus``) converted by the backends' ``trajectory_import`` exactly as
``autopilot import`` does, so each step has the fields a live run records (text, tool input, output,
system data and the whole raw CLI message). ``--steps`` of them are drawn (seeded); a share of them
(``--secret-rate``) get a document with a secret (bench/redact_corpus.py) in their tool output or input.

- batched (what the recorder does): ``Recorder.redact_step``, one ``Hooks.redact_obj`` call per step;
  the built-in redactor's ``redact_batch`` scans all the step's strings at once (``needs_redaction``)
  and only the strings it names are redacted one by one.
- baseline: every non-empty string (keys included) through ``Hooks.redact`` one by one, per field,
  which is what ``redact_step`` did before batching.

Both run on fresh copies of the same steps; the results are checked to be identical. Times are CPU
seconds of this process (``time.process_time``), best of --repeat, so other load on the machine
disturbs them little. The same is measured with one third-party redactor in the chain (it has no
``redact_batch``, so it gets every string through ``redact`` either way; only the built-in one is batched).

``--live N``: also N real 50-turn runs (``autopilot run`` driving the bundled Claude CLI against the
scripted model server, as in bench/bench_overhead.py) per mode, alternating, with the CPU time spent in
``Recorder.redact_step`` summed inside the autopilot process; the per-string mode patches the
previous code back in for that process only.
"""

from __future__ import annotations

import argparse
import copy
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from redact_corpus import ALL_KINDS, embed

from autopilot import hookimpl
from autopilot.core.hooks import Hooks
from autopilot.core.importer import read_records
from autopilot.core.models import Run, Step
from autopilot.core.pluginmanager import make_plugin_manager
from autopilot.core.recorder import _TEXT_FIELDS, Recorder
from autopilot.plugins.redact.engine import needs_redaction

ROOT = Path(__file__).resolve().parents[1]


class _Passthrough:
    """A third-party redactor that changes nothing (the cost of the chain itself)."""

    @hookimpl
    def redact(self, text: str) -> str:
        return text


def load_steps(corpus: Path, hooks: Hooks) -> list[Step]:
    """Every step of every log in *corpus* that a backend's ``trajectory_import`` recognises."""
    steps: list[Step] = []
    for path in sorted(corpus.glob("*/*")):
        if path.suffix not in (".json", ".jsonl", ".ndjson"):
            continue
        try:
            records, _ = read_records(path)
            imported = hooks.trajectory_import(path=path, records=records)
        except Exception:
            continue
        if imported is not None:
            steps.extend(step for event in imported.events for step in event.steps)
    return steps


def plant(steps: list[Step], rate: float, rng: random.Random) -> int:
    """Put a secret into the output (or the tool input) of about *rate* of the steps."""
    planted = 0
    for step in steps:
        if rng.random() >= rate:
            continue
        line = embed(rng, rng.choice(ALL_KINDS)).text
        if step.output is not None:
            step.output = f"{step.output}\n{line}\n"
        elif isinstance(step.input, dict):
            step.input = {**step.input, "command": f"echo '{line}'"}
        else:
            step.text = f"{step.text or ''}\n{line}"
        planted += 1
    return planted


def each(hooks: Hooks, value: Any) -> Any:
    """The baseline: Hooks.redact on every non-empty string, keys included (tuples become lists)."""
    if isinstance(value, str):
        return hooks.redact(text=value) if value else value
    if isinstance(value, dict):
        return {each(hooks, k): each(hooks, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [each(hooks, v) for v in value]
    return value


def baseline_step(hooks: Hooks, step: Step) -> Step:
    for name in _TEXT_FIELDS:
        value = getattr(step, name)
        if value is not None:
            setattr(step, name, each(hooks, value))
    return step


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings(k), *strings(v))]
    if isinstance(value, list | tuple):
        return [s for v in value for s in strings(v)]
    return []


def best_cpu(steps: list[Step], redact: Callable[[Step], Step], repeat: int) -> tuple[float, list[Step]]:
    """Best CPU seconds over *repeat* passes over fresh copies of *steps*, and the last pass's steps."""
    best = float("inf")
    done: list[Step] = []
    for _ in range(repeat):
        fresh = copy.deepcopy(steps)
        start = time.process_time()
        for step in fresh:
            redact(step)
        best = min(best, time.process_time() - start)
        done = fresh
    return best, done


def measure(hooks: Hooks, steps: list[Step], repeat: int, label: str) -> float:
    recorder = Recorder(hooks, Run(prompt="bench", agent="claude"), ROOT / "unused")
    batched, got = best_cpu(steps, recorder.redact_step, repeat)
    baseline, expected = best_cpu(steps, lambda s: baseline_step(hooks, s), repeat)
    same = [g.to_dict() for g in got] == [e.to_dict() for e in expected]
    n = len(steps)
    print(
        f"{label:<34} batched {batched / n * 1e6:7.1f} µs/step   "
        f"baseline {baseline / n * 1e6:7.1f} µs/step   {baseline / batched:4.1f}x   "
        f"identical results: {'yes' if same else 'NO'}"
    )
    if not same:
        raise SystemExit("batched and per-string redaction differ")
    return batched / n


# Runs autopilot with redact_step timed (and, for "per-string", the previous per-string code).
_WRAPPER = """
import atexit, os, sys, time
from autopilot.core import recorder as R
if os.environ["REDACT_MODE"] == "per-string":
    def each(hooks, value):
        if isinstance(value, str):
            return hooks.redact(text=value) if value else value
        if isinstance(value, dict):
            return {each(hooks, k): each(hooks, v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [each(hooks, v) for v in value]
        return value
    def inner(self, step):
        for name in R._TEXT_FIELDS:
            value = getattr(step, name)
            if value is not None:
                setattr(step, name, each(self.hooks, value))
        return step
else:
    inner = R.Recorder.redact_step
total = [0.0, 0]
def timed(self, step):
    started = time.process_time()
    try:
        return inner(self, step)
    finally:
        total[0] += time.process_time() - started
        total[1] += 1
R.Recorder.redact_step = timed
atexit.register(lambda: open(os.environ["REDACT_OUT"], "w").write(f"{total[0]} {total[1]}"))
sys.argv = ["autopilot", *sys.argv[1:]]
from autopilot.cli import entry
entry()
"""


def live(runs: int, turns: int = 50) -> None:
    """CPU in redact_step during real scripted runs, per mode (medians over *runs*)."""
    import bench_overhead as overhead

    from autopilot.testing.anthropic_server import serve_in_thread, stop_server, write_script

    work = Path(tempfile.mkdtemp(prefix="bench-redact-live-"))
    wrapper = work / "wrapper.py"
    wrapper.write_text(_WRAPPER)
    script = write_script(work / "script.json", overhead.tool_turns(turns), log_bodies=False)
    server, _ = serve_in_thread(script, None)
    env = overhead.environment(server.base_url, work)
    spent: dict[str, list[tuple[float, int]]] = {"per-string": [], "batched": []}
    try:
        for number in range(runs):
            for mode in spent:
                out = work / f"{mode}-{number}.txt"
                done = subprocess.run(
                    [sys.executable, str(wrapper), "run", overhead.PROMPT, "--json", "-o", "logs"],
                    cwd=overhead.new_repo(work),
                    env={**env, "REDACT_MODE": mode, "REDACT_OUT": str(out)},
                    capture_output=True,
                    text=True,
                )
                if done.returncode != 0:
                    raise SystemExit(f"autopilot run failed: {done.stderr[-500:]}")
                seconds, steps = out.read_text().split()
                spent[mode].append((float(seconds), int(steps)))
    finally:
        stop_server(server)
    for mode, rows in spent.items():
        cpu = statistics.median(seconds for seconds, _ in rows)
        steps = rows[0][1]
        print(f"{turns}-turn run, {mode:<10}  redact_step {cpu * 1e3:5.1f} ms CPU for {steps} steps "
              f"({cpu / steps * 1e6:.0f} µs/step), median of {len(rows)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--secret-rate", type=float, default=0.02)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--live", type=int, default=0, metavar="N", help="also N real 50-turn runs per mode")
    args = parser.parse_args()

    hooks = Hooks(make_plugin_manager(load_local=False))
    source = load_steps(args.corpus, hooks)
    if not source:
        raise SystemExit(f"no importable logs under {args.corpus} (pass --corpus DIR)")
    rng = random.Random(args.seed)
    order = [i % len(source) for i in range(max(args.steps, len(source)))]
    rng.shuffle(order)
    steps = [copy.deepcopy(source[i]) for i in order[: args.steps]]
    planted = plant(steps, args.secret_rate, rng)

    texts = [strings([getattr(s, f) for f in _TEXT_FIELDS]) for s in steps]
    count = sum(map(len, texts))
    size = sum(len(t.encode("utf-8", "surrogatepass")) for group in texts for t in group)
    scanned = sum(len(needs_redaction(group)) for group in texts)
    print(
        f"{len(steps)} steps ({len(source)} distinct, from {args.corpus}), {planted} with a secret; "
        f"{count / len(steps):.0f} strings and {size / len(steps) / 1024:.1f} KiB of text per step; "
        f"needs_redaction sends {scanned} of {count} strings ({scanned / count:.2%}) to a full scan"
    )
    measure(hooks, steps, args.repeat, "built-in redactor only")
    measure(
        Hooks(make_plugin_manager(load_local=False, extra_plugins=[("passthrough", _Passthrough())])),
        steps,
        args.repeat,
        "plus one third-party redactor",
    )
    if args.live:
        live(args.live)


if __name__ == "__main__":
    main()
