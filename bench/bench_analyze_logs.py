"""``autopilot analyze`` on raw Claude Code transcripts against ccusage: tokens, cost, time, memory.

Run: ``uv run python bench/bench_analyze_logs.py [--sessions 500] [--scale 10] [--repeat 3]
[--ccusage PATH] [--codex-mb N]``

Builds ``--sessions`` sessions from the five real transcripts in ``../shared/corpus/claude-transcript/``
(copied round-robin into 100 project folders, each copy with fresh message ids, so no copy is a
duplicate of another), then:

- installs ccusage from npm into a temporary folder (``npm install ccusage@20.0.24``, the newest
  version whose linux-x64 binary is published), unless ``--ccusage`` names one, or skips it with a
  message when npm is missing or fails;
- compares the tokens of every session and the total cost with
  ``ccusage claude session --json --offline --mode calculate --timezone UTC``;
- times ``autopilot analyze DIR --json`` cold (``--no-cache``: every file read) and warm (the
  per-file cache filled), ccusage, and ``autopilot --version`` (the command's start-up alone), best of
  ``--repeat`` (wall and CPU seconds, the load average printed beside them);
- measures the peak RSS of ``analyze`` on the sessions and on ``--scale`` times as many.

With ``--codex-mb N``, it measures one large Codex rollout instead: built from the shapes of the real
rollouts in ``../shared/corpus/codex-rollout/`` (each model call a ``turn_context``, an
``agent_reasoning`` event, a ``token_count`` with the running totals, a ``reasoning`` item, a shell
``function_call`` and its output of about 3 KB, one in ten failing), of about N MB and of N/10 MB;
tokens and cost are compared with ``ccusage codex session --json --offline``, wall and CPU time with
it on the N MB file, and peak RSS of ``analyze FILE --json --no-cache`` on both sizes; ``autopilot
import`` of the N MB file is timed once, its peak RSS printed beside the file's size.

autopilot's modules are compiled to bytecode first, as an install does (a checkout run with
``PYTHONDONTWRITEBYTECODE`` would otherwise compile them on every call).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup_floor import COMMAND, describe


def _corpus() -> Path:
    """``shared/corpus/claude-transcript`` beside the checkout (or beside a folder above it: worktrees)."""
    for folder in Path(__file__).resolve().parents[1:]:
        candidate = folder / "shared" / "corpus" / "claude-transcript"
        if candidate.is_dir():
            return candidate
    return Path("../shared/corpus/claude-transcript")


CORPUS = _corpus()
CODEX_CORPUS = CORPUS.parent / "codex-rollout"
CCUSAGE_VERSION = "20.0.24"
_MESSAGE_ID = re.compile(rb'"msg_[A-Za-z0-9]+"')


def build(root: Path, sessions: int) -> Path:
    """*sessions* transcripts under ``root/projects``; returns the projects folder."""
    files = sorted(CORPUS.glob("*.jsonl"))
    if not files:
        sys.exit(f"no transcripts in {CORPUS}")
    projects = root / "projects"
    for number in range(sessions):
        folder = projects / f"-home-user-project{number // len(files) % 100}"
        folder.mkdir(parents=True, exist_ok=True)
        data = files[number % len(files)].read_bytes()
        tag = f"x{number:06d}".encode()
        data = _MESSAGE_ID.sub(lambda m, tag=tag: m.group(0)[:-1] + tag + b'"', data)
        (folder / f"{uuid.uuid4()}.jsonl").write_bytes(data)
    return projects


def _records(path: Path) -> dict[str, dict]:
    """The first record of each kind (``type`` or ``payload.type``) of a real rollout."""
    found: dict[str, dict] = {}
    for line in path.read_text().splitlines():
        record = json.loads(line)
        payload = record.get("payload") or {}
        found.setdefault(payload.get("type") or record["type"], record)
    return found


def build_rollout(path: Path, megabytes: float) -> int:
    """A rollout of about *megabytes* MB at *path* from the corpus rollouts' shapes; returns its calls."""
    files = sorted(CODEX_CORPUS.glob("*.jsonl"))
    if not files:
        sys.exit(f"no rollouts in {CODEX_CORPUS}")
    shapes = _records(files[-1])
    start = time.mktime(time.strptime("2025-09-25T21:12:14", "%Y-%m-%dT%H:%M:%S"))
    line = "abcdefghij klmnopqrstuvwxyz 0123456789 ./src/module/file_name.py:42 some output\n"
    total = {"input_tokens": 0, "cached_input_tokens": 0, "output_tokens": 0, "reasoning_output_tokens": 0}
    limit, size, calls = megabytes * 1e6, 0, 0
    with path.open("w") as out:

        def write(seconds: float, record: dict) -> int:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(start + seconds))
            stamp = f"{stamp}.{int(seconds * 1000) % 1000:03d}Z"
            record = {"timestamp": stamp, "type": record["type"], "payload": record["payload"]}
            text = json.dumps(record, separators=(",", ":"))  # as Codex writes it
            out.write(text + "\n")
            return len(text) + 1

        size += write(0, shapes["session_meta"])
        while size < limit:
            calls += 1
            at = calls * 2.5
            last = {"input_tokens": 3000 + calls % 500, "cached_input_tokens": 2560,
                    "output_tokens": 40 + calls % 70, "reasoning_output_tokens": calls % 30}  # fmt: skip
            total = {key: total[key] + last[key] for key in total}
            info = {
                **shapes["token_count"]["payload"]["info"],
                "total_token_usage": total,
                "last_token_usage": last,
            }
            call_id = f"call_{calls:020d}"
            output = {
                "output": line * 38,
                "metadata": {"exit_code": int(calls % 10 == 0), "duration_seconds": 0.1},
            }
            records = [
                shapes["turn_context"],
                shapes["agent_reasoning"],
                {**shapes["token_count"], "payload": {**shapes["token_count"]["payload"], "info": info}},
                shapes["reasoning"],
                {**shapes["function_call"],
                 "payload": {**shapes["function_call"]["payload"], "call_id": call_id}},
                {"type": "response_item", "payload": {"type": "function_call_output", "call_id": call_id,
                                                      "output": json.dumps(output, separators=(",", ":"))}},
            ]  # fmt: skip
            for number, record in enumerate(records):
                size += write(at + number * 0.1, record)
    return calls


def install_ccusage(where: Path) -> Path | None:
    npm = shutil.which("npm")
    if npm is None:
        print("ccusage: skipped (npm is not installed)")
        return None
    done = subprocess.run(
        [npm, "install", "--silent", "--prefix", str(where), f"ccusage@{CCUSAGE_VERSION}"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    binary = where / "node_modules" / ".bin" / "ccusage"
    if done.returncode != 0 or not binary.exists():
        print(f"ccusage: skipped (npm install failed: {done.stderr.strip()[:300]})")
        return None
    return binary


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, bytes]:
    """Wall seconds, CPU seconds (user + system, children included) and peak RSS in KiB of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 2):
        sys.exit(f"{argv[0]} failed with exit code {process.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, out


def best(repeat: int, argv: list[str], env: dict[str, str]) -> tuple[float, float, int, bytes]:
    runs = [measure(argv, env) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs), runs[-1][3]


def compile_package() -> None:
    """Write the ``.pyc`` files of the autopilot package, as installing it does."""
    spec = importlib.util.find_spec("autopilot")
    if spec is not None and spec.submodule_search_locations:
        compileall.compile_dir(spec.submodule_search_locations[0], quiet=1)


def load() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ccusage", type=Path, help="a ccusage binary to use instead of installing one")
    parser.add_argument("--codex-mb", type=float, help="measure one Codex rollout of about this many MB")
    args = parser.parse_args()
    autopilot = shutil.which("autopilot", path=str(Path(sys.executable).parent)) or "autopilot"
    compile_package()
    print(f"{os.cpu_count()} cores, {load()}")
    if args.codex_mb:
        codex(autopilot, args)
        print(load())
        return
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as tmp:
        root = Path(tmp)
        projects = build(root / "claude", args.sessions)
        size = sum(p.stat().st_size for p in projects.rglob("*.jsonl")) / 1e6
        print(f"{args.sessions} sessions, {size:.1f} MB of transcripts")
        env = {**os.environ, "AUTOPILOT_HOME": str(root / "home"), "CLAUDE_CONFIG_DIR": str(root / "claude")}
        analyze = [autopilot, "analyze", str(projects), "--json"]
        cold = best(args.repeat, [*analyze, "--no-cache"], env)
        best(1, analyze, env)  # fill the cache
        warm = best(args.repeat, analyze, env)
        start = best(args.repeat, [autopilot, "--version"], env)
        ours = json.loads(warm[3])
        print(f"autopilot cold: {cold[0]:.2f} s wall, {cold[1]:.2f} s CPU, peak RSS {cold[2] / 1024:.0f} MiB")
        print(f"autopilot warm: {warm[0]:.2f} s wall, {warm[1]:.2f} s CPU, peak RSS {warm[2] / 1024:.0f} MiB")
        print(f"autopilot --version (start-up alone): {start[0]:.2f} s wall, {start[1]:.2f} s CPU")
        print(describe(COMMAND))
        print(f"autopilot cost: {ours['cost_usd']:.2f} USD over {ours['runs']} sessions")
        binary = args.ccusage or install_ccusage(root / "npm")
        if binary is not None:
            command = [str(binary), "claude", "session", "--json", "--offline", "--mode", "calculate"]
            theirs_run = best(args.repeat, [*command, "--timezone", "UTC"], env)
            theirs = json.loads(theirs_run[3])
            print(
                f"ccusage {CCUSAGE_VERSION}: {theirs_run[0]:.2f} s wall, {theirs_run[1]:.2f} s CPU, "
                f"peak RSS {theirs_run[2] / 1024:.0f} MiB"
            )
            mine = {f["run_id"]: f for f in ours["files"]}
            keys = (
                ("inputTokens", "input_tokens"),
                ("outputTokens", "output_tokens"),
                ("cacheReadTokens", "cache_read_tokens"),
                ("cacheCreationTokens", "cache_creation_tokens"),
            )
            differ = [
                s["sessionId"]
                for s in theirs["sessions"]
                if s["sessionId"] not in mine or any(s[a] != mine[s["sessionId"]][b] for a, b in keys)
            ]
            total = theirs["totals"]["totalCost"]
            print(f"ccusage cost: {total:.2f} USD over {len(theirs['sessions'])} sessions")
            print(f"sessions whose tokens differ: {len(differ)} of {len(theirs['sessions'])}")
            print(f"cost difference: {(ours['cost_usd'] - total) / total * 100:+.3f}%")
            ratio = f"cold {cold[0] / theirs_run[0]:.2f}x, warm {warm[0] / theirs_run[0]:.2f}x"
            print(f"wall time ratio autopilot/ccusage: {ratio}")
            ratio = f"cold {cold[1] / theirs_run[1]:.2f}x, warm {warm[1] / theirs_run[1]:.2f}x"
            print(f"CPU time ratio autopilot/ccusage: {ratio}")
        bigger = build(root / "bigger", args.sessions * args.scale)
        big = best(1, [autopilot, "analyze", str(bigger), "--json", "--no-cache"], env)
        print(
            f"peak RSS on {args.sessions * args.scale} sessions: {big[2] / 1024:.0f} MiB "
            f"({big[2] / cold[2]:.2f}x the {args.sessions}-session figure), {big[0]:.2f} s wall"
        )
    print(load())


def codex(autopilot: str, args: argparse.Namespace) -> None:
    """``analyze`` on one large rollout (and one a tenth its size) against ``ccusage codex session``."""
    with tempfile.TemporaryDirectory(prefix="bench-codex-") as tmp:
        root = Path(tmp)
        sessions = root / "codex" / "sessions"
        sessions.mkdir(parents=True)
        small, big = sessions.parent / "small.jsonl", sessions / "rollout-2025-09-25T21-12-14-bench.jsonl"
        small_calls = build_rollout(small, args.codex_mb / 10)
        calls = build_rollout(big, args.codex_mb)
        env = {**os.environ, "AUTOPILOT_HOME": str(root / "home"), "CODEX_HOME": str(root / "codex")}
        for path, count in ((small, small_calls), (big, calls)):
            print(f"rollout of {path.stat().st_size / 1e6:.1f} MB, {count} calls")
        analyze = [autopilot, "analyze", "--json", "--no-cache"]
        tenth = best(args.repeat, [*analyze, str(small)], env)
        whole = best(args.repeat, [*analyze, str(big)], env)
        ours = json.loads(whole[3])
        for label, run in (("tenth", tenth), ("whole", whole)):
            rss = run[2] / 1024
            print(f"autopilot {label}: {run[0]:.2f} s wall, {run[1]:.2f} s CPU, peak RSS {rss:.0f} MiB")
        print(f"peak RSS, 10x the file: {whole[2] / tenth[2]:.2f}x")
        imported = best(1, [autopilot, "import", str(big), "--output-dir", str(root / "imported")], env)
        ratio = imported[2] * 1024 / big.stat().st_size
        print(
            f"autopilot import of the whole: {imported[0]:.2f} s wall, {imported[1]:.2f} s CPU, "
            f"peak RSS {imported[2] / 1024:.0f} MiB ({ratio:.1f}x the file)"
        )
        print(describe(COMMAND))
        print(f"autopilot: {ours['cost_usd']:.4f} USD, tokens {_tokens(ours)}")
        binary = args.ccusage or install_ccusage(root / "npm")
        if binary is None:
            return
        command = [str(binary), "codex", "session", "--json", "--offline", "--timezone", "UTC"]
        theirs_run = best(args.repeat, command, env)
        theirs = json.loads(theirs_run[3])
        print(
            f"ccusage {CCUSAGE_VERSION}: {theirs_run[0]:.2f} s wall, {theirs_run[1]:.2f} s CPU, "
            f"peak RSS {theirs_run[2] / 1024:.0f} MiB"
        )
        totals = theirs["totals"]
        print(f"ccusage: {totals['costUSD']:.4f} USD, tokens {totals}")
        print(f"wall time ratio autopilot/ccusage: {whole[0] / theirs_run[0]:.2f}x")
        print(f"CPU time ratio autopilot/ccusage: {whole[1] / theirs_run[1]:.2f}x")


def _tokens(summary: dict) -> dict[str, int]:
    usage = summary["files"][0]
    keys = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens")
    return {key: usage[key] for key in keys}


if __name__ == "__main__":
    main()
