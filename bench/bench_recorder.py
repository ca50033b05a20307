"""Memory and end-of-run cost of recording long runs through the real Recorder and writers.

Each figure comes from a fresh child process that records N Claude-shaped steps (tool calls and tool
results, each keeping the backend's raw message as the Claude backend does, a few KiB per step)
through :class:`autopilot.core.recorder.Recorder` with the built-in writers (journal, ``.rlog``,
final ``.json``) and the built-in redaction chain, then finishes the run:

- peak RSS of the child at each N (flat in run length is the target);
- the mean cost of one ``Recorder.add`` (redaction, hooks, every writer);
- the cost of ``Recorder.finish`` (writing the final ``.json``, removing the journal), against the
  baseline of the earlier writer: ``json.dumps(run.to_dict(), indent=2)`` of the same run written
  atomically.

Usage: ``uv run python bench/bench_recorder.py [--steps 100 1000 5000] [--runs 3]``
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def child(steps: int, out: Path) -> dict[str, float]:
    from autopilot.core.hooks import Hooks
    from autopilot.core.models import Run, Step, Usage
    from autopilot.core.pluginmanager import make_plugin_manager
    from autopilot.core.recorder import Recorder
    from autopilot.core.trajectory.files import atomic_write_text, base_path_for, load_trajectory

    hooks = Hooks(make_plugin_manager(load_local=False))
    run = Run(prompt="Run the checks.", agent="claude", model="claude-sonnet-4-5", cwd=str(out), slug="bench")
    recorder = Recorder(hooks, run, base_path_for(run, out))
    recorder.start()
    listing = "\n".join(
        f"-rw-r--r-- 1 dev dev {n * 37 % 9000:>5} Jan  1 00:00 file_{n:04d}.py" for n in range(40)
    )
    adds: list[float] = []
    for number in range(steps):
        if number % 2 == 0:
            tool_id = f"toolu_{number:06d}"
            step = Step("tool_call", tool="Bash", tool_use_id=tool_id, input={"command": f"ls -la {number}"})
            step.raw = {
                "type": "assistant",
                "message": {
                    "id": f"msg_{number:08d}",
                    "model": "claude-sonnet-4-5",
                    "role": "assistant",
                    "content": [{"type": "tool_use", "id": tool_id, "name": "Bash", "input": step.input}],
                    "usage": {"input_tokens": 200, "output_tokens": 20},
                },
                "session_id": "0c7a3a5e-2f7c-4a8e-9d55-1d2f0a9b7c11",
            }
            step.usage = Usage(200, 20)
        else:
            tool_id = f"toolu_{number - 1:06d}"
            output = f"{listing}\n# step {number}"
            step = Step("tool_result", tool="Bash", tool_use_id=tool_id, output=output, is_error=False)
            step.raw = {
                "type": "user",
                "message": {
                    "role": "user",
                    "content": [{"type": "tool_result", "tool_use_id": tool_id, "content": output}],
                },
                "tool_use_result": {"stdout": output, "stderr": "", "interrupted": False},
                "session_id": "0c7a3a5e-2f7c-4a8e-9d55-1d2f0a9b7c11",
            }
        started = time.perf_counter()
        recorder.add(step)
        adds.append(time.perf_counter() - started)
    started = time.perf_counter()
    recorder.finish(status="success", usage=Usage(200 * steps, 20 * steps), num_turns=steps // 2)
    finish = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    json_path = recorder.paths["json"]
    size = json_path.stat().st_size
    # Baseline: the earlier writer's end of run on the same (loaded) run.
    loaded = load_trajectory(json_path).run
    started = time.perf_counter()
    text = json.dumps(loaded.to_dict(), ensure_ascii=False, indent=2) + "\n"
    atomic_write_text(out / "baseline.json", text)
    baseline = time.perf_counter() - started
    return {
        "peak_rss": peak,
        "add_us": statistics.mean(adds) * 1e6,
        "finish_ms": finish * 1000,
        "baseline_ms": baseline * 1000,
        "json_bytes": size,
        "steps_read_back": len(loaded.steps),
    }


def measure(steps: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="autopilot-bench-rec-") as tmp:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(steps), tmp],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise SystemExit(f"child failed for {steps} steps: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[100, 1000, 5000], help="run lengths")
    parser.add_argument("--runs", type=int, default=3, help="children per run length (medians)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(int(args.child[0]), Path(args.child[1]))))
        return 0
    smallest: float | None = None
    for steps in args.steps:
        results = [measure(steps) for _ in range(args.runs)]

        def med(key: str, results: list[dict[str, float]] = results) -> float:
            return statistics.median(r[key] for r in results)

        if any(r["steps_read_back"] != steps for r in results):
            raise SystemExit(f"{steps} steps recorded but not all read back")
        rss = med("peak_rss")
        smallest = smallest or rss
        print(
            f"{steps:>6} steps (medians of {args.runs}): peak RSS {rss / 2**20:.1f} MiB "
            f"({rss / smallest:.2f}x of {args.steps[0]} steps); add {med('add_us'):.0f} us/step; "
            f"finish {med('finish_ms'):.1f} ms vs baseline indent=2 dump {med('baseline_ms'):.1f} ms "
            f"(ratio {med('baseline_ms') / med('finish_ms'):.1f}x); "
            f".json {med('json_bytes') / 2**20:.1f} MiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
