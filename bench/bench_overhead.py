"""Orchestration overhead of ``autopilot run`` against the bare bundled Claude Code CLI, and memory.

Both sides run the same scripted model (a loopback server, ``autopilot.testing.anthropic_server``)
and the same real CLI with the same permission settings, in fresh temporary git repositories:

- baseline: ``claude -p PROMPT --output-format stream-json --verbose`` (the bundled binary);
- autopilot: ``python -m autopilot run PROMPT --json`` (the Claude backend's default transport, which
  runs the bundled CLI directly, or ``--transport sdk`` for ``ClaudeSDKClient``; runner, recorder,
  writers, redaction);
- with ``--sdk-script``, also a minimal ``claude_agent_sdk.query()`` script doing the same run and
  printing each message (target: autopilot at most 0.6x its time).

Figures: median wall time of each over --runs repetitions for a 2-turn and a 50-turn script, and
their ratio (targets: <= 1.15x for 2 turns, <= 1.05x for 50 turns), plus the median CPU time (user +
system, the CLI included), which a loaded machine disturbs much less; then the peak RSS of the
autopilot process (not the CLI) on a 100-step and a 1,000-step run, which should be flat.

Python's bytecode cache is on for the autopilot side (``PYTHONPYCACHEPREFIX`` in the bench's temporary
directory, filled by a warm-up run), as on any normal installation; ``--no-bytecode`` measures without.

Usage: ``uv run python bench/bench_overhead.py [--runs 5] [--skip-rss] [--sdk-script]
[--transport auto|cli|sdk]``
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from autopilot.testing.anthropic_server import offline_claude_env, serve_in_thread, stop_server, write_script

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup_floor import RUN, describe

ROOT = Path(__file__).resolve().parents[1]
MODEL = "claude-sonnet-4-5"
PROMPT = "Run the checks."


def claude_binary() -> str:
    import claude_agent_sdk

    return str(Path(claude_agent_sdk.__file__).parent / "_bundled" / "claude")


def tool_turns(turns: int, calls_per_turn: int = 1) -> list[dict[str, object]]:
    """*turns* model turns: every turn but the last runs Bash ``true``; the last answers."""
    script: list[dict[str, object]] = []
    for number in range(turns - 1):
        calls = [{"name": "Bash", "input": {"command": f"true {number}-{i}"}} for i in range(calls_per_turn)]
        script.append({"tool_uses": calls, "input_tokens": 200, "output_tokens": 20})
    script.append({"text": "All checks passed.", "input_tokens": 200, "output_tokens": 10})
    return script


TRANSPORT: str | None = None


def new_repo(root: Path) -> Path:
    repo = Path(tempfile.mkdtemp(dir=root))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    if TRANSPORT:
        (repo / ".autopilot").mkdir()
        (repo / ".autopilot" / "config.yaml").write_text(
            f"schema_version: 1\nplugins:\n  backend_claude:\n    transport: {TRANSPORT}\n"
        )
    return repo


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_baseline(env: dict[str, str], repo: Path) -> tuple[float, float]:
    command = [
        claude_binary(), "-p", PROMPT, "--output-format", "stream-json", "--verbose", "--model", MODEL,
        "--permission-mode", "acceptEdits", "--allowedTools", "Bash,Read,Glob,Grep",
    ]  # fmt: skip
    cpu, started = cpu_seconds(), time.perf_counter()
    done = subprocess.run(
        command, cwd=repo, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or '"subtype":"success"' not in done.stdout:
        raise SystemExit(f"baseline run failed ({done.returncode}): {done.stderr[-500:]}")
    return elapsed, cpu_seconds() - cpu


def run_autopilot(env: dict[str, str], repo: Path, *, peak: list[int] | None = None) -> tuple[float, float]:
    command = [sys.executable, "-m", "autopilot", "run", PROMPT, "--json", "-o", "logs"]
    cpu, started = cpu_seconds(), time.perf_counter()
    with subprocess.Popen(
        command, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        sampler = None
        if peak is not None:
            stop = threading.Event()

            def sample() -> None:
                handle = psutil.Process(proc.pid)
                while not stop.is_set():
                    try:
                        peak[0] = max(peak[0], handle.memory_info().rss)
                    except psutil.Error:
                        return
                    time.sleep(0.02)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
        out, err = proc.communicate()
        elapsed = time.perf_counter() - started
        if sampler is not None:
            stop.set()
            sampler.join()
    if proc.returncode != 0 or '"status": "success"' not in out:
        raise SystemExit(f"autopilot run failed ({proc.returncode}): {out[-500:]} {err[-500:]}")
    return elapsed, cpu_seconds() - cpu


#: The minimal SDK script: what a user would write to run the same task with ``query()``.
SDK_SCRIPT = """
import sys
import anyio
from claude_agent_sdk import ClaudeAgentOptions, query

async def main():
    options = ClaudeAgentOptions(
        model=sys.argv[2], permission_mode="acceptEdits", allowed_tools=["Bash", "Read", "Glob", "Grep"]
    )
    async for message in query(prompt=sys.argv[1], options=options):
        print(message, flush=True)

anyio.run(main)
"""


def run_sdk_script(env: dict[str, str], repo: Path, script: Path) -> tuple[float, float]:
    cpu, started = cpu_seconds(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(script), PROMPT, MODEL], cwd=repo, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or "ResultMessage" not in done.stdout:
        raise SystemExit(f"query() script failed ({done.returncode}): {done.stderr[-500:]}")
    return elapsed, cpu_seconds() - cpu


BYTECODE = True


def environment(base_url: str, work: Path) -> dict[str, str]:
    env = {**os.environ, **offline_claude_env(base_url, work / "claude-config", home=work / "home")}
    env.update({"AUTOPILOT_HOME": str(work / "autopilot-home"), "AUTOPILOT_MODEL": MODEL})
    env.pop("AUTOPILOT_DISABLE_PLUGINS", None)
    if BYTECODE:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


Figure = tuple[float, float]  # median wall time, median CPU time


def compare(work: Path, turns: int, runs: int, *, sdk: bool = False) -> tuple[Figure, Figure, Figure | None]:
    script = write_script(work / f"script-{turns}.json", tool_turns(turns), log_bodies=False)
    server, _ = serve_in_thread(script, None)
    env = environment(server.base_url, work)
    sdk_script = work / "sdk_query.py"
    sdk_script.write_text(SDK_SCRIPT)
    try:
        run_baseline(env, new_repo(work))  # warm the page cache for the 400 MB binary
        run_autopilot(env, new_repo(work))  # and Python's bytecode cache
        if sdk:
            run_sdk_script(env, new_repo(work), sdk_script)
        baseline, ours, scripted = [], [], []
        for _ in range(runs):  # interleaved, so load changes hit every side alike
            baseline.append(run_baseline(env, new_repo(work)))
            ours.append(run_autopilot(env, new_repo(work)))
            if sdk:
                scripted.append(run_sdk_script(env, new_repo(work), sdk_script))
    finally:
        stop_server(server)

    def medians(pairs: list[Figure]) -> Figure:
        return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)

    return medians(baseline), medians(ours), medians(scripted) if sdk else None


def peak_rss(work: Path, steps: int) -> int:
    # Five Bash calls per turn: each turn is ten steps (five calls, five results).
    script = write_script(
        work / f"rss-{steps}.json", tool_turns(steps // 10 + 1, calls_per_turn=5), log_bodies=False
    )
    server, _ = serve_in_thread(script, None)
    try:
        peak = [0]
        run_autopilot(environment(server.base_url, work), new_repo(work), peak=peak)
    finally:
        stop_server(server)
    return peak[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions per figure (median)")
    parser.add_argument("--skip-rss", action="store_true", help="skip the 100/1,000-step memory runs")
    parser.add_argument("--no-bytecode", action="store_true", help="no bytecode cache for the autopilot side")
    parser.add_argument("--turns", type=int, nargs="*", default=[2, 50], help="script lengths to compare")
    parser.add_argument("--transport", choices=["auto", "cli", "sdk"], help="the Claude backend's transport")
    parser.add_argument("--sdk-script", action="store_true", help="also time a minimal query() script")
    args = parser.parse_args()
    global BYTECODE, TRANSPORT
    BYTECODE = not args.no_bytecode
    TRANSPORT = args.transport
    targets = {2: 1.15, 50: 1.05}
    with tempfile.TemporaryDirectory(prefix="autopilot-bench-") as tmp:
        work = Path(tmp)
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        print(f"Claude backend transport: {TRANSPORT or 'default (auto)'}")
        print(describe(RUN))
        for turns in args.turns:
            figures = compare(work, turns, args.runs, sdk=args.sdk_script)
            (base, base_cpu), (ours, ours_cpu), scripted = figures
            ratio = ours / base
            target = targets.get(turns)
            verdict = ""
            if target is not None:
                allowed = base * (target - 1)
                verdict = f" (target <= {target}x, {allowed:+.3f} s: {'ok' if ratio <= target else 'OVER'})"
            print(
                f"{turns:>3}-turn run, medians of {args.runs}: wall: bare claude {base:.3f} s, "
                f"autopilot {ours:.3f} s, ratio {ratio:.3f}x{verdict}, overhead {ours - base:+.3f} s; "
                f"CPU: {base_cpu:.3f} s vs {ours_cpu:.3f} s, ratio {ours_cpu / base_cpu:.3f}x"
            )
            if scripted is not None:
                (sdk, sdk_cpu) = scripted
                print(
                    f"{turns:>3}-turn run against a minimal query() script: {sdk:.3f} s, autopilot "
                    f"{ours / sdk:.3f}x its time (target <= 0.6x: {'ok' if ours / sdk <= 0.6 else 'OVER'}); "
                    f"CPU {sdk_cpu:.3f} s, {ours_cpu / sdk_cpu:.3f}x"
                )
        if not args.skip_rss:
            peak_rss(work, 100)  # warm-up: fills the bytecode cache, whose compiling would count at 100 steps
            small, large = peak_rss(work, 100), peak_rss(work, 1000)
            print(
                f"peak RSS of autopilot: {small / 2**20:.1f} MiB at 100 steps, "
                f"{large / 2**20:.1f} MiB at 1,000 steps (ratio {large / small:.2f}x)"
            )
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
