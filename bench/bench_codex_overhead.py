"""Orchestration overhead of ``autopilot run --agent codex`` against bare ``codex exec --json``.

Both run the same scripted task (shell commands, then the answer: 2 turns, and 50 with ``--turns``)
with the same codex binary, the same command-line options (sandbox, provider, ``-c`` overrides) and
the same scripted Responses server on 127.0.0.1. Runs alternate between the variants so machine
drift hits them alike.

Printed figures (wall time per run, medians, and the ratio of medians; targets <= 1.35x for 2 turns,
<= 1.05x for 50 turns):

- ``bare``: ``codex exec --json`` as a subprocess, stdout read to the end;
- ``autopilot (CLI)``: ``autopilot run --agent codex --json`` as a subprocess (Python start-up, imports,
  plugin loading, trajectory writing, and codex);
- ``autopilot (in-process)``: :func:`autopilot.app.runs.run_task` in this process (the orchestration alone,
  without interpreter start-up).

Python's bytecode cache is on for the CLI side (``PYTHONPYCACHEPREFIX`` in the bench's temporary
directory, filled by a warm-up run), as on any normal installation.

Codex runs the shell command with ``bash -lc``, so the user's shell start-up files are part of both
runs; ``--empty-home`` points ``HOME`` at an empty directory instead (a shorter Codex run, on which
autopilot's fixed cost weighs more).

Usage: ``uv run python bench/bench_codex_overhead.py [--runs 7] [--turns 2 50] [--empty-home]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autopilot import RunRequest
from autopilot.plugins.codex.command import build_command
from autopilot.plugins.codex.settings import CodexSettings, find_codex_binary
from autopilot.testing.openai_server import ScriptedOpenAI

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup_floor import RUN, describe

TARGETS = {2: 1.35, 50: 1.05}


def script(turns: int) -> list[dict[str, object]]:
    """*turns* model turns: every turn but the last runs a shell command; the last answers."""
    commands: list[dict[str, object]] = [
        {
            "shell": f"echo {n} >> out.txt",
            "input_tokens": 1200,
            "cached_input_tokens": 200,
            "output_tokens": 40,
        }
        for n in range(turns - 1)
    ]
    answer = {
        "text": "Done: wrote out.txt",
        "input_tokens": 1500,
        "cached_input_tokens": 1000,
        "output_tokens": 12,
    }
    return [*commands, answer]


PROMPT = "Please create out.txt"
MODEL = "gpt-5.5"
SETTINGS = {"request_max_retries": 0, "stream_max_retries": 0}


def make_repo(root: Path) -> Path:
    repo = root / "repo"
    (repo / ".autopilot").mkdir(parents=True)
    (repo / ".autopilot" / "config.yaml").write_text(
        "schema_version: 1\nmin_free_memory_mb: 0\ncommit: off\n"
        "plugins:\n  backend_codex:\n    request_max_retries: 0\n    stream_max_retries: 0\n"
    )
    for args in (
        ["init", "-q", "-b", "main"],
        ["-c", "user.name=b", "-c", "user.email=b@x", "commit", "-q", "--allow-empty", "-m", "init"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True)
    return repo


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or '"turn.failed"' in done.stdout:
        command = " ".join(argv[:4])
        raise SystemExit(
            f"run failed ({done.returncode}): {command}...\n{done.stdout[-800:]}\n{done.stderr[-800:]}"
        )
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each variant (default 7)")
    parser.add_argument("--turns", type=int, nargs="*", default=[2], help="script lengths (default 2)")
    parser.add_argument(
        "--empty-home", action="store_true", help="run both with HOME set to an empty directory"
    )
    args = parser.parse_args()
    for turns in args.turns:
        compare(turns, args.runs, empty_home=args.empty_home)
    return 0


def compare(turns: int, runs: int, *, empty_home: bool) -> None:
    from autopilot.app import runs as api
    from autopilot.core.hooks import Hooks
    from autopilot.core.pluginmanager import make_plugin_manager

    root = Path(tempfile.mkdtemp(prefix="bench-codex-"))
    try:
        repo = make_repo(root)
        home = root / "codex-home"
        home.mkdir()
        with ScriptedOpenAI(root / "server", script(turns)) as server:
            env = {**os.environ, **server.env(), "CODEX_HOME": str(home)}
            if empty_home:
                (root / "home").mkdir()
                env["HOME"] = str(root / "home")
            env.pop("VIRTUAL_ENV", None)
            # Python's bytecode cache on, as on a normal installation (this machine may set
            # PYTHONDONTWRITEBYTECODE); the warm-up run below fills it.
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
            settings = CodexSettings.from_mapping(SETTINGS)
            request = RunRequest(prompt=PROMPT, cwd=repo, model=MODEL)
            bare, _ = build_command(find_codex_binary(settings, env), request, settings, env)
            autopilot_bin = Path(sys.executable).with_name("autopilot")
            cli = [str(autopilot_bin), "run", "--agent", "codex", "-m", MODEL, "--json", PROMPT]

            times: dict[str, list[float]] = {"bare": [], "autopilot (CLI)": [], "autopilot (in-process)": []}
            timed(bare, repo, env)  # warm-up: page cache, codex's first-run files
            timed(cli, repo, env)  # and Python's bytecode cache
            for _ in range(runs):
                times["bare"].append(timed(bare, repo, env))
                times["autopilot (CLI)"].append(timed(cli, repo, env))
                os.environ.update(
                    {
                        k: v
                        for k, v in env.items()
                        if k in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "CODEX_HOME", "HOME")
                    }
                )
                started = time.perf_counter()
                # As `run --json` does: no console plugin, so nothing is printed.
                hooks = Hooks(make_plugin_manager(project_dir=repo, blocked=("console",)))
                options = api.RunOptions(agent="codex", model=MODEL, cwd=repo)
                result = api.run_task(PROMPT, options, hooks=hooks, handle_signals=False)
                times["autopilot (in-process)"].append(time.perf_counter() - started)
                if result.status != "success":
                    raise SystemExit(f"in-process run ended {result.status}: {result.run.result.error}")
    finally:
        shutil.rmtree(root, ignore_errors=True)

    base = statistics.median(times["bare"])
    where = "an empty HOME" if empty_home else "the user's HOME"
    print(
        f"codex exec --json vs autopilot run --agent codex, scripted {turns}-turn run, "
        f"{runs} runs each, {where}, load average {os.getloadavg()[0]:.2f}"
    )
    for name, values in times.items():
        median = statistics.median(values)
        spread = f"{min(values):.3f}-{max(values):.3f}"
        print(f"  {name:24} median {median:.3f} s  (range {spread} s)  ratio {median / base:.2f}x")
    ratio = statistics.median(times["autopilot (CLI)"]) / base
    target = TARGETS.get(turns)
    allowed = f"  (target <= {target}x: {base * (target - 1):+.3f} s over bare)" if target else ""
    print(f"ratio of medians (CLI / bare): {ratio:.2f}x{allowed}")
    print(describe(RUN))


if __name__ == "__main__":
    raise SystemExit(main())
