"""``autopilot run``, ``resume``, ``demo`` and ``doctor``: thin renderings of :mod:`autopilot.app.runs`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Annotated, Any

from cyclopts import Parameter

from autopilot.app import runs as api
from autopilot.cli import context, running
from autopilot.cli.running import render_result
from autopilot.core.errors import AutopilotError, BadInputError, ExitCode

JsonFlag = Annotated[
    bool, Parameter(name="--json", negative="", help="Print a JSON summary instead of progress.")
]


def run(
    prompt: str | None = None,
    *,
    agent: str | None = None,
    model: Annotated[str | None, Parameter(name=["--model", "-m"])] = None,
    max_budget: Annotated[float | None, Parameter(name=["--max-budget", "-b"])] = None,
    max_turns: int | None = None,
    output_dir: Annotated[str | None, Parameter(name=["--output-dir", "-o"])] = None,
    slug: Annotated[str | None, Parameter(name=["--slug", "-s"])] = None,
    cwd: str | None = None,
    issue: str | None = None,
    project: str | None = None,
    full_auto: Annotated[bool, Parameter(negative="")] = False,
    max_issues: int | None = None,
    push: Annotated[bool, Parameter(negative="")] = False,
    ui: Annotated[bool, Parameter(negative="")] = False,
    json_output: JsonFlag = False,
    quiet: Annotated[bool, Parameter(name=["--quiet", "-q"], negative="")] = False,
    idle_timeout: float | None = None,
    timeout: float | None = None,
) -> int:
    """Run an agent on PROMPT in this repository and record every step it takes.

    The trajectory is written as the run goes (``.journal.jsonl``, then ``.json`` and ``.rlog``) under
    the output directory. Exit codes: 0 success, 1 the run failed or hit a limit, 2 bad input,
    130/143 interrupted by SIGINT/SIGTERM.

    Parameters
    ----------
    prompt
        What the agent should do.
    agent
        Backend: ``claude`` or ``codex`` (default: ``agent`` in .autopilot/config.yaml, else claude).
    model
        Model id or alias (``sonnet``, ``opus``, ``haiku``); default ``AUTOPILOT_MODEL`` or the backend's.
    max_budget
        Budget in USD for this run (default 5.0), enforced by autopilot from streamed usage.
    max_turns
        Stop once the model wants more than N turns.
    output_dir
        Where trajectories go (default docs/logs, relative to the repository root).
    slug
        Short name used in the trajectory file names (default: from the prompt).
    cwd
        Directory the agent works in (default: the current directory).
    issue
        Work on this issue from the queue (see ``autopilot issue``).
    project
        Work on the issues of this project.
    full_auto
        Work through the issue queue until it is empty or the budget is spent.
    max_issues
        With --full-auto: stop after working this many issues.
    push
        With --issue/--full-auto: push each completed issue's commit to the remote (never forced).
    ui
        Open the web UI (not available yet).
    json_output
        Print one JSON summary (run_id, trajectory, rlog, status, cost_usd, tokens, num_turns, duration_ms).
    quiet
        No live progress; only the closing summary.
    idle_timeout
        Stop the run when the agent sends nothing for this many seconds (default 900).
    timeout
        Stop the run after this many seconds in all (default 7200).
    """
    return running.run(**locals())  # the same parameters, without the parser's annotations


def resume(
    *,
    continue_: Annotated[bool, Parameter(name=["--continue", "-c"], negative="")] = False,
    trajectory: Annotated[Path | None, Parameter(name=["--trajectory", "-t"])] = None,
    prompt: Annotated[str | None, Parameter(name=["--prompt", "-p"])] = None,
    max_budget: Annotated[float | None, Parameter(name=["--max-budget", "-b"])] = None,
    max_turns: int | None = None,
    json_output: JsonFlag = False,
    quiet: Annotated[bool, Parameter(name=["--quiet", "-q"], negative="")] = False,
    idle_timeout: float | None = None,
    timeout: float | None = None,
) -> int:
    """Continue an earlier run: same backend session, same run id, new steps appended to the same files.

    Works after any ending, including an interrupted run and one killed with ``kill -9`` (its journal).

    Parameters
    ----------
    continue_
        Resume the most recent run in this repository's output directory.
    trajectory
        The run to resume (its .json, .journal.jsonl or .rlog).
    prompt
        The message that continues the session (default: a "continue where you left off" note).
    max_budget
        Additional budget in USD for this resumption (default 5.0).
    max_turns
        Additional model turns allowed.
    json_output
        Print one JSON summary instead of progress.
    quiet
        No live progress; only the closing summary.
    idle_timeout
        Stop when the agent sends nothing for this many seconds.
    timeout
        Stop after this many seconds in all.
    """
    if json_output or quiet:
        context.quiet()
    if continue_ and trajectory is not None:
        raise BadInputError("give either --continue or --trajectory, not both")
    result = api.resume_run(
        trajectory=trajectory,
        continue_last=continue_,
        prompt=prompt,
        max_budget_usd=max_budget,
        max_turns=max_turns,
        idle_timeout=idle_timeout,
        timeout=timeout,
        hooks=context.hooks(),
    )
    return render_result(result, json_output=json_output, verb="resumed run")


# ------------------------------------------------------------------------------------------------
# demo

_DEMO_FILE = """\
def greet(name):
    return "Hello " + name
"""

_DEMO_PROMPT = "greet() should end with an exclamation mark. Fix it and check the result."


def _demo_script(repo: Path) -> list[dict[str, Any]]:
    greet = str(repo / "greet.py")
    return [
        {
            "tool_use": {"name": "Read", "input": {"file_path": greet}},
            "input_tokens": 1200,
            "output_tokens": 30,
        },
        {
            "tool_use": {
                "name": "Edit",
                "input": {
                    "file_path": greet,
                    "old_string": '"Hello " + name',
                    "new_string": '"Hello " + name + "!"',
                },
            },
            "input_tokens": 1400,
            "output_tokens": 60,
            "cache_read_input_tokens": 1000,
        },
        {
            "tool_use": {
                "name": "Bash",
                "input": {"command": "python3 -c 'import greet; print(greet.greet(\"world\"))'"},
            },
            "input_tokens": 1500,
            "output_tokens": 40,
            "cache_read_input_tokens": 1300,
        },
        {
            "text": "greet() now returns 'Hello world!': I added the exclamation mark and ran it.",
            "input_tokens": 1600,
            "output_tokens": 35,
            "cache_read_input_tokens": 1400,
        },
    ]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)


def demo(*, keep: Annotated[bool, Parameter(negative="")] = True) -> int:
    """Run the whole pipeline offline: the real Claude Code CLI against a scripted model on 127.0.0.1.

    Creates a temporary git repository with a small task, runs the bundled Claude Code CLI through
    autopilot (its tools really run), then shows the trajectory, ``analyze`` and ``replay --summary``.
    Only the model is fake: its answers are scripted.

    Parameters
    ----------
    keep
        Keep the temporary repository (its path is printed) so you can look at the files.
    """
    from autopilot.testing.anthropic_server import (
        offline_claude_env,
        serve_in_thread,
        stop_server,
        write_script,
    )

    if shutil.which("git") is None:
        raise AutopilotError("the demo needs git on PATH")
    root = Path(tempfile.mkdtemp(prefix="autopilot-demo-"))
    repo = root / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", "Autopilot Demo")
    _git(repo, "config", "user.email", "demo@example.invalid")
    (repo / "greet.py").write_text(_DEMO_FILE)
    (repo / ".gitignore").write_text("__pycache__/\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "A greeting without enthusiasm")
    script = write_script(root / "script.json", _demo_script(repo))
    server, _thread = serve_in_thread(script, root / "requests.jsonl")
    context.echo(
        "autopilot demo: the model is SCRIPTED (a fake Anthropic server on 127.0.0.1 answers with canned"
    )
    context.echo(
        "turns); the Claude Code CLI, its tools and autopilot are real. Nothing leaves this machine."
    )
    context.echo(f"repository: {repo}")
    context.echo(f"task: {_DEMO_PROMPT}")
    context.echo("")
    try:
        env = offline_claude_env(server.base_url, root / "claude-config", home=root / "home")
        result = api.run_task(
            _DEMO_PROMPT,
            agent="claude",
            model="claude-sonnet-4-5",
            cwd=repo,
            output_dir=repo / "docs" / "logs",
            slug="demo",
            env=env,
            max_budget_usd=1.0,
            idle_timeout=60,
            timeout=300,
            hooks=context.hooks(),
        )
    finally:
        stop_server(server)
    context.echo("")
    code = render_result(result, json_output=False)
    context.echo("")
    context.echo(f"greet.py now reads: {(repo / 'greet.py').read_text().strip().splitlines()[-1].strip()}")
    try:
        from autopilot.cli import analyze as analyze_cmd
    except ImportError:
        context.warning("analyze and replay are not available in this build")
    else:
        context.echo("")
        context.echo("$ autopilot replay --summary " + str(result.trajectory))
        analyze_cmd.replay(result.trajectory, summary=True)
        context.echo("")
        context.echo("$ autopilot analyze " + str(result.trajectory))
        analyze_cmd.analyze(result.trajectory)
    context.echo("")
    context.echo("To run with a real model: set ANTHROPIC_API_KEY (or log in with Claude Code), then in your")
    context.echo('repository: autopilot run "describe the task" --max-budget 2')
    if not keep:
        shutil.rmtree(root, ignore_errors=True)
    else:
        context.echo(f"(demo files kept in {root})")
    return code


# ------------------------------------------------------------------------------------------------
# doctor


def doctor(
    *,
    clean: Annotated[bool, Parameter(negative="")] = False,
    json_output: Annotated[bool, Parameter(name="--json", negative="")] = False,
) -> int:
    """Show available memory and processes left behind by earlier runs; ``--clean`` stops them.

    Runs record the processes they start in pid files under ``$AUTOPILOT_HOME/pids`` (default
    ``~/.local/state/autopilot``). A run whose autopilot process is gone but whose agent processes
    still live left them behind; ``--clean`` stops exactly those processes (matched by pid and start
    time, never by name) and removes stale pid files.

    Parameters
    ----------
    clean
        Stop leftover processes and remove stale pid files.
    json_output
        Print the report as JSON.
    """
    from autopilot.core.processes import autopilot_home, available_memory_mb, read_pid_files, stop_processes

    config = context.config()
    available = available_memory_mb()
    report: dict[str, Any] = {
        "memory": {
            "available_mb": available,
            "floor_mb": config.min_free_memory_mb,
            "ok": available >= config.min_free_memory_mb,
        },
        "autopilot_home": str(autopilot_home()),
        "claude_cli": _claude_cli(),
        "runs": [],
    }
    problems = 0 if report["memory"]["ok"] else 1
    for record in read_pid_files():
        alive = record.alive_children()
        running = record.owner_alive() and record.owner_pid != os.getpid()
        entry: dict[str, Any] = {
            "run_id": record.run_id,
            "owner_pid": record.owner_pid,
            "cwd": record.cwd,
            "started_at": record.started_at,
            "state": "running" if running else ("leftover" if alive else "stale"),
            "processes": alive,
        }
        if clean and not running:
            entry["stopped"] = stop_processes(alive) if alive else []
            if record.path is not None:
                record.path.unlink(missing_ok=True)
            entry["state"] = "cleaned"
        elif entry["state"] == "leftover":
            problems += 1
        report["runs"].append(entry)
    from autopilot.cli.issues import store_doctor  # the issue store's own checks

    report["issues"] = store_doctor()
    problems += len(report["issues"])
    if json_output:
        context.echo(json.dumps(report, indent=2))
        return int(ExitCode.FAILURE if problems else ExitCode.OK)
    memory = report["memory"]
    verdict = "ok" if memory["ok"] else "LOW: runs will refuse to start"
    context.echo(
        f"memory: {memory['available_mb']:,} MiB available, floor {memory['floor_mb']:,} MiB ({verdict})"
    )
    context.echo(f"claude CLI: {report['claude_cli']}")
    context.echo(f"pid files: {report['autopilot_home']}/pids")
    if not report["runs"]:
        context.echo("processes: none left behind by earlier runs")
    for entry in report["runs"]:
        pids = ", ".join(map(str, entry.get("stopped", entry["processes"]))) or "-"
        context.echo(
            f"  run {entry['run_id']}: {entry['state']} (autopilot pid {entry['owner_pid']};"
            f" processes {pids}) in {entry['cwd']}"
        )
    for problem in report["issues"]:
        context.echo(f"issues: {problem['message']}")
    if not report["issues"]:
        context.echo("issues: no problems found")
    if problems and not clean and any(entry["state"] == "leftover" for entry in report["runs"]):
        context.echo("run `autopilot doctor --clean` to stop the leftover processes")
    return int(ExitCode.FAILURE if problems else ExitCode.OK)


def _claude_cli() -> str:
    try:
        from claude_agent_sdk._cli_version import __cli_version__

        bundled = Path(__import__("claude_agent_sdk").__file__).parent / "_bundled" / "claude"
    except ImportError:
        return "claude-agent-sdk is not installed"
    if bundled.exists():
        return f"bundled Claude Code {__cli_version__} ({bundled})"
    found = shutil.which("claude")
    return f"{found} (no bundled CLI)" if found else "not found"


__all__ = ["demo", "doctor", "render_result", "resume", "run"]
