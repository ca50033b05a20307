"""``autopilot run``, ``resume``, ``demo`` and ``doctor``: thin renderings of the app layer.

``run`` and ``resume`` take their options as one dataclass each (:class:`~autopilot.app.runs.RunOptions`,
:class:`~autopilot.app.runs.Limits`), flattened into flags by cyclopts; the values are checked when the
dataclass is made, before any agent starts. The work happens in :mod:`autopilot.app.runs`,
:mod:`autopilot.app.queue` and :mod:`autopilot.app.doctor`; this module prints what they return.
"""

from __future__ import annotations

import contextlib
import json
import shlex
import shutil
import tempfile
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import cyclopts
from cyclopts import Parameter, default_name_transform

from autopilot.app.run_refs import resolve_run
from autopilot.app.runs import Limits, RunOptions, RunTaskResult, record_session, resume_run, run_task
from autopilot.cli import context
from autopilot.core.errors import AutopilotError, BadInputError

if TYPE_CHECKING:
    from autopilot.app.queue import IssueOutcome, QueueResult

#: Flags spelled differently from their field (and their one-letter forms).
_FLAG_NAMES = {"max_budget_usd": "max-budget"}
_SHORT_FLAGS = {"max_budget_usd": "-b", "model": "-m", "output_dir": "-o", "slug": "-s"}


def _flag_name(name: str) -> str:
    return _FLAG_NAMES.get(name) or default_name_transform(name)


def _short_flag(field: Any, used: frozenset[str]) -> str | None:
    return _SHORT_FLAGS.get(field.names[0])


def _whole(kind: Any, tokens: Any) -> Any:
    """Cyclopts' own conversion, except that a count must be written as a whole number: cyclopts rounds
    ``--max-turns 1.5`` to 2, where the configuration file refuses 1.5."""
    if int in (kind, *typing.get_args(kind)):
        for token in tokens:
            if "." in token.value:
                raise ValueError(f"{token.value!r} is not a whole number")
    return cyclopts.convert(kind, tokens)


# The option dataclasses as flags: each field is one flag (``--max-budget``/``-b``, ``--max-turns``, ...).
RunFlags = Annotated[
    RunOptions | None,
    Parameter(name="*", name_transform=_flag_name, short_alias=_short_flag, converter=_whole),
]
LimitFlags = Annotated[
    Limits | None, Parameter(name="*", name_transform=_flag_name, short_alias=_short_flag, converter=_whole)
]
JsonFlag = Annotated[
    bool, Parameter(name="--json", negative="", help="Print a JSON summary instead of progress.")
]
QuietFlag = Annotated[bool, Parameter(name=["--quiet", "-q"], negative="")]


# ------------------------------------------------------------------------------------------------
# run


def run(
    prompt: str | None = None,
    *,
    options: RunFlags = None,
    issue: str | None = None,
    project: str | None = None,
    full_auto: Annotated[bool, Parameter(negative="")] = False,
    max_issues: Annotated[int | None, Parameter(converter=_whole)] = None,
    push: Annotated[bool, Parameter(negative="")] = False,
    ui: Annotated[bool, Parameter(negative="")] = False,
    json_output: JsonFlag = False,
    quiet: QuietFlag = False,
    profile: Annotated[bool, Parameter(negative="")] = False,
) -> int:
    """Run an agent on PROMPT in this repository and record every step it takes.

    The trajectory is written as the run goes (``.journal.jsonl``, then ``.json`` and ``.rlog``) under
    the output directory. Exit codes: 0 success, 1 the run failed or hit a limit, 2 bad input,
    130/143 interrupted by SIGINT/SIGTERM.

    Parameters
    ----------
    prompt
        What the agent should do (with --issue/--project/--full-auto: extra instructions).
    issue
        Work on this issue from the queue (see ``autopilot issue``).
    project
        Work on the issues of this project (with PROMPT: one run with the project's defaults).
    full_auto
        Work through the issue queue until it is empty or the budget is spent.
    max_issues
        With --full-auto: stop after working this many issues.
    push
        With --issue/--full-auto: push each completed issue's commit to the remote (never forced).
    ui
        Serve the web UI (``autopilot ui``) beside the run and open each run's live page as it starts;
        the UI stays up after the run until Ctrl-C.
    json_output
        Print one JSON summary (run_id, trajectory, rlog, status, cost_usd, tokens, num_turns, duration_ms).
    quiet
        No live progress; only the closing summary.
    profile
        Record a CPU profile of autopilot's own process during the run, as a flamegraph SVG in
        docs/profiles/ (needs py-spy; see docs/profiling.md).
    """
    with contextlib.ExitStack() as around:
        svg = None
        if profile:
            from autopilot.app.profiling import flamegraph

            svg = around.enter_context(flamegraph(context.config().project_dir / "docs" / "profiles"))
        if ui:
            from autopilot.cli.ui import beside_run

            around.enter_context(beside_run())
        code = _run(
            prompt,
            options or RunOptions(),
            issue=issue,
            project=project,
            full_auto=full_auto,
            max_issues=max_issues,
            push=push,
            json_output=json_output,
            quiet=quiet,
        )
    if svg is not None:
        context.echo(f"autopilot: CPU profile in {svg}", err=True)
    return code


def _run(
    prompt: str | None,
    options: RunOptions,
    *,
    issue: str | None,
    project: str | None,
    full_auto: bool,
    max_issues: int | None,
    push: bool,
    json_output: bool,
    quiet: bool,
) -> int:
    """``run`` itself, inside the profiler and the UI when they were asked for."""
    if json_output or quiet:
        context.quiet()  # progress is for people: the console plugin is not loaded at all
    if issue or full_auto or (project and not prompt):
        from autopilot.app.queue import QueueRequest, work_queue

        request = QueueRequest(
            options=options,
            prompt=prompt,
            issue=issue,
            project=project,
            full_auto=full_auto,
            max_issues=max_issues,
            push=push,
        )
        queued = work_queue(request, hooks=context.hooks(), on_issue=None if json_output else _report_issue)
        return render_queue(queued, json_output=json_output)
    if not prompt:
        raise BadInputError(
            'say what the agent should do: autopilot run "PROMPT" (or --issue ID / --full-auto)'
        )
    if project:
        from autopilot.app.queue import run_in_project

        result = run_in_project(prompt, options, project, hooks=context.hooks())
    else:
        result = run_task(prompt, options, hooks=context.hooks())
    record_session(result, hooks=context.hooks())
    return render_result(result, json_output=json_output)


def _money(value: float) -> str:
    return f"${value:.4f}"


def render_result(
    result: RunTaskResult, *, json_output: bool, verb: str = "run", offer_resume: bool = True
) -> int:
    """Print the closing summary (or the JSON summary) of a run; returns its exit code.

    *offer_resume* False leaves out the ``resume with:`` line (the demo's run cannot be resumed: its
    repository and its scripted model are gone once it ends)."""
    for message in result.warnings:
        context.warning(message)
    if json_output:
        context.echo(json.dumps(result.summary(), ensure_ascii=False))
        return int(result.exit_code)
    run, usage = result.run, result.run.usage
    cache = ""
    if usage.cache_read_tokens or usage.cache_creation_tokens:
        cache = f" (cache read {usage.cache_read_tokens:,}, written {usage.cache_creation_tokens:,})"
    lines = [
        f"{verb} {run.run_id}: {run.result.outcome}",
        f"  duration {run.result.duration_ms / 1000:.1f}s · turns {run.result.num_turns}"
        f" · cost {_money(usage.cost_usd)}"
        f" · tokens in {usage.input_tokens:,} out {usage.output_tokens:,}{cache}",
        f"  trajectory {result.trajectory}",
        f"  log        {result.paths['rlog']}",
    ]
    if run.result.error:
        lines.append(f"  error      {' '.join(run.result.error.split())[:500]}")
    if result.resumable and offer_resume:
        lines.append(f"  resume with: {result.resume_command()}  (or: autopilot resume --continue)")
    if verb == "resumed run" and run.issue_id:
        # Only the queue runs acceptance commands and commits; resuming continues the agent alone.
        lines.append(
            f"  issue {run.issue_id} is unchanged: resuming runs no acceptance commands and commits "
            f"nothing (`autopilot run --issue {run.issue_id}` does)"
        )
    for line in lines:
        context.echo(line)
    if result.status == "error" and run.result.error:
        context.error(run.result.error)
    return int(result.exit_code)


def _report_issue(outcome: IssueOutcome) -> None:
    """One line per issue as it is finished: ``issue ID: OUTCOME: why (cost, continues)  title``."""
    details = [_money(outcome.cost_usd)]
    if outcome.commit:
        details.append(f"commit {outcome.commit[:10]}")
    if outcome.resumed_run:
        details.append(f"resumed its unfinished run {outcome.resumed_run}")
    if outcome.continues:
        details.append(f"continued {outcome.continues}x")
    context.echo(
        f"issue {outcome.issue_id}: {outcome.outcome}: {outcome.reason} ({', '.join(details)})"
        + (f"  {outcome.title}" if outcome.title else "")
    )
    for failure in [a for a in outcome.acceptance if not a.passed][:3]:
        context.echo(f"  failed: $ {failure.command} (exit {failure.exit_code})")
    if outcome.outcome in ("aborted", "budget_exhausted"):
        # Unfinished work is neither committed nor stashed: the issue's next run continues this run
        # (its session and trajectory) on it. Say so, and how to start over instead.
        changed = outcome.left_changes
        again = f"`autopilot run --issue {outcome.issue_id}` (or the next --full-auto)"
        if changed is None:  # no git: nothing to tell apart
            context.echo(f"  {again} resumes this run where it stopped")
        elif changed == []:
            context.echo(f"  it changed no file; {again} resumes this run where it stopped")
        else:
            named = f" ({', '.join(changed[:3])}{', ...' if len(changed) > 3 else ''})"
            # Not a plain `git stash`: it would also take the issue's record and the run's session,
            # which the store has staged, and leave the issue as if the run had never happened.
            aside = f"`git stash push --include-untracked -- {shlex.join(changed)}`"
            context.echo(
                f"  what it changed is left uncommitted{named}: {again} resumes this run on it where "
                f"it stopped; to start the issue over instead, {aside} first"
            )


def queue_summary(result: QueueResult) -> str:
    """The closing line of ``run --issue/--project/--full-auto``, in words that agree with what happened."""
    worked = len(result.issues)
    text = f"worked {worked} issue{'' if worked == 1 else 's'}, {result.completed} completed"
    text += f", {_money(result.cost_usd)}"
    empty = "nothing else is ready" if worked else "nothing is ready"
    failed = sum(1 for outcome in result.issues if outcome.outcome == "failed")
    if failed:  # open again, so `issue ready` lists them, but one queue tries an issue once
        empty += (
            f" ({failed} that failed {'is' if failed == 1 else 'are'} left for the next run of the queue)"
        )
    reasons = {
        "empty": empty,
        "budget": "the queue budget is spent",
        "max_issues": f"--max-issues {result.max_issues} reached",
        "signal": "interrupted",
        "unreached": "the agent did not reach the model (see the issue's line above)",
        "commit_failed": "the work could not be committed (see the issue's line above); "
        "fix that, then run the queue again",
    }
    if result.stop_reason in reasons:
        text += f"; stopped: {reasons[result.stop_reason]}"
    return text


def render_queue(result: QueueResult, *, json_output: bool) -> int:
    """Print the queue's warnings and closing summary (or its JSON); returns its exit code."""
    for message in result.warnings:
        context.warning(message)
    if json_output:
        context.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        context.echo(queue_summary(result))
    return int(result.exit_code)


# ------------------------------------------------------------------------------------------------
# resume


def resume(
    *,
    continue_: Annotated[bool, Parameter(name=["--continue", "-c"], negative="")] = False,
    trajectory: Annotated[str | None, Parameter(name=["--trajectory", "-t"], metavar="RUN")] = None,
    prompt: Annotated[str | None, Parameter(name=["--prompt", "-p"])] = None,
    limits: LimitFlags = None,
    json_output: JsonFlag = False,
    quiet: QuietFlag = False,
) -> int:
    """Continue an earlier run: same backend session, same run id, new steps appended to the same files.

    Works after any ending, including an interrupted run and one killed with ``kill -9`` (its journal),
    however early. When the agent cannot continue its session (it never wrote it), a new session is
    told the original request and what the trajectory recorded. The budget and turns are additional:
    what this resumption may use.

    Parameters
    ----------
    continue_
        Resume the most recent run in this repository's output directory.
    trajectory
        The run to resume: its .json, .journal.jsonl or .rlog, its run id (as ``session list`` prints
        it), a unique prefix of it, or ``last``.
    prompt
        The message that continues the session (default: a "continue where you left off" note).
    json_output
        Print one JSON summary instead of progress.
    quiet
        No live progress; only the closing summary.
    """
    if json_output or quiet:
        context.quiet()
    if continue_ and trajectory is not None:
        raise BadInputError("give either --continue or --trajectory, not both")
    result = resume_run(
        trajectory=None if trajectory is None else resolve_run(trajectory, hooks=context.hooks()),
        continue_last=continue_,
        prompt=prompt,
        limits=limits,
        hooks=context.hooks(),
    )
    record_session(result, hooks=context.hooks())
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


def demo(*, keep: bool = False, json_output: JsonFlag = False) -> int:
    """Run the whole pipeline offline: the real Claude Code CLI against a scripted model on 127.0.0.1.

    Creates a temporary git repository with a small task, runs the bundled Claude Code CLI through
    autopilot (its tools really run), then shows the trajectory, ``analyze`` and ``replay --summary``.
    Only the model is fake: its answers are scripted. The temporary directory is removed at the end;
    the trajectory goes to this project's output directory (``docs/logs``), where ``autopilot ui``,
    ``analyze`` and ``replay`` find it.

    Parameters
    ----------
    keep
        Keep the temporary directory (its path is printed) so you can look at the files.
    json_output
        Print the run's JSON summary (as ``run --json``, plus ``kept``: the directory kept, or null).
    """
    if json_output:
        context.quiet()
    if shutil.which("git") is None:
        raise AutopilotError("the demo needs git on PATH")
    root = Path(tempfile.mkdtemp(prefix="autopilot-demo-"))
    try:
        result = _run_demo(root, json_output=json_output)
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
    if json_output:
        for message in result.warnings:
            context.warning(message)
        summary = {**result.summary(), "kept": str(root) if keep else None}
        context.echo(json.dumps(summary, ensure_ascii=False))
    elif keep:
        context.echo(f"(demo files kept in {root})")
    return int(result.exit_code)


def _run_demo(root: Path, *, json_output: bool) -> RunTaskResult:
    """The demo in *root*: its repository, the scripted run, and (for people) what it did."""
    from autopilot.cli import analyze as analyze_cmd
    from autopilot.core.git import Repository
    from autopilot.core.runner import default_output_dir
    from autopilot.testing.anthropic_server import (
        offline_claude_env,
        serve_in_thread,
        stop_server,
        write_script,
    )

    say = (lambda text="": None) if json_output else context.echo
    repo = root / "repo"
    repo.mkdir()
    (repo / "greet.py").write_text(_DEMO_FILE)
    (repo / ".gitignore").write_text("__pycache__/\n")
    with Repository.init(repo) as git_repo:
        git_repo.set_config("user.name", "Autopilot Demo")
        git_repo.set_config("user.email", "demo@example.invalid")
        git_repo.commit(["greet.py", ".gitignore"], "A greeting without enthusiasm")
    script = write_script(root / "script.json", _demo_script(repo))
    server, _thread = serve_in_thread(script, root / "requests.jsonl")
    say("autopilot demo: the model is SCRIPTED (a fake Anthropic server on 127.0.0.1 answers with canned")
    say("turns); the Claude Code CLI, its tools and autopilot are real. Nothing leaves this machine.")
    say(f"repository: {repo}")
    say(f"task: {_DEMO_PROMPT}")
    say()
    # The trajectory goes where this project keeps its runs, so `autopilot ui` and `analyze` show it
    # (and it outlives the temporary directory); the agent itself works in the temporary repository.
    config = context.config()
    logs = default_output_dir(config.project_dir, config.output_dir)
    try:
        env = offline_claude_env(server.base_url, root / "claude-config", home=root / "home")
        # The CLI's own temporary files go with the demo's, and are removed with them.
        (root / "tmp").mkdir()
        env["TMPDIR"] = str(root / "tmp")
        options = RunOptions(
            agent="claude",
            model="claude-sonnet-4-5",
            cwd=repo,
            output_dir=logs,
            slug="demo",
            max_budget_usd=1.0,
            idle_timeout=60,
            timeout=300,
        )
        result = run_task(_DEMO_PROMPT, options, env=env, hooks=context.hooks())
    finally:
        stop_server(server)
    if json_output:
        return result
    say()
    render_result(result, json_output=False, offer_resume=False)
    if result.signal_name:  # Ctrl-C or SIGTERM: stop here, not after a tour of the cut-off run
        say("The demo was stopped; `autopilot demo` runs it again.")
        return result
    say()
    say(f"greet.py now reads: {(repo / 'greet.py').read_text().strip().splitlines()[-1].strip()}")
    say()
    say("$ autopilot replay --summary " + str(result.trajectory))
    analyze_cmd.replay(str(result.trajectory), summary=True)
    say()
    say("$ autopilot analyze " + str(result.trajectory))
    analyze_cmd.analyze(str(result.trajectory))
    say()
    say(f"The run is recorded in {logs}; see it in the web UI: autopilot ui")
    say("To run with a real model: set ANTHROPIC_API_KEY (or log in with Claude Code), then in your")
    say('repository: autopilot run "describe the task" --max-budget 2')
    return result


# ------------------------------------------------------------------------------------------------
# doctor


def doctor(
    *,
    clean: Annotated[bool, Parameter(negative="")] = False,
    json_output: Annotated[bool, Parameter(name="--json", negative="")] = False,
) -> int:
    """Show available memory, the limits a run gets and where each comes from, the agent CLIs runs
    use and where each finds its credentials, plugins that failed to load, processes left behind by
    earlier runs and the issue store's problems; ``--clean`` stops the leftover processes.

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
    from autopilot.app.doctor import examine

    config = context.config()
    store = context.hooks().store_select(config=config)
    report = examine(config, store, clean=clean, plugins=context.plugin_manager())
    if json_output:
        context.echo(json.dumps(report.to_dict(), indent=2))
        return int(report.exit_code)
    verdict = "ok" if report.memory_ok else "LOW: runs will refuse to start"
    context.echo(f"memory: {report.available_mb:,} MiB available, floor {report.floor_mb:,} MiB ({verdict})")
    context.echo(f"limits: {_limits_line(report.limits, config.project_dir)}")
    context.echo(f"claude CLI: {report.claude_cli}")
    context.echo(f"codex CLI: {report.codex_cli}")
    for agent, found in report.credentials.items():
        # Not "credentials: X", which reads as a secret's name and value and is redacted as one.
        context.echo(
            f"{agent}: credentials from {found['found']}" if found["found"] else f"{agent}: {found['advice']}"
        )
    failed = report.plugins["failed"]
    if failed:
        names = ", ".join(entry["name"] for entry in failed)
        warnings = "the warnings above" if len(failed) > 1 else "the warning above"
        context.echo(f"plugins: {len(failed)} failed to load ({names}: see {warnings})")
    else:
        context.echo(f"plugins: {len(report.plugins['loaded'])} loaded, none failed")
    context.echo(f"pid files: {report.autopilot_home}/pids")
    if not report.runs:
        context.echo("processes: none left behind by earlier runs")
    for entry in report.runs:
        pids = ", ".join(map(str, entry.get("stopped", entry["processes"]))) or "-"
        context.echo(
            f"  run {entry['run_id']}: {entry['state']} (autopilot pid {entry['owner_pid']};"
            f" processes {pids}) in {entry['cwd']}"
        )
    for problem in report.issues:
        context.echo(f"issues: {problem['message']}")
    if not report.issues:
        context.echo("issues: no problems found")
    if report.leftovers:
        context.echo("run `autopilot doctor --clean` to stop the leftover processes")
    return int(report.exit_code)


def _limits_line(limits: dict[str, dict[str, Any]], project_dir: Path) -> str:
    """``budget $5 per run (default), turns no limit (default), idle timeout 30 s
    (AUTOPILOT_IDLE_TIMEOUT), timeout none (.autopilot/config.yaml)``"""

    def shown(name: str, text: str) -> str:
        where = limits[name]["from"]
        with contextlib.suppress(ValueError):
            where = Path(where).relative_to(project_dir).as_posix()
        return f"{text} ({where})"

    def seconds(value: float) -> str:
        return "none" if not value else f"{value:g} s"

    budget, turns = limits["max_budget_usd"]["value"], limits["max_turns"]["value"]
    return ", ".join(
        [
            shown("max_budget_usd", f"budget ${budget:g} per run"),
            shown("max_turns", f"turns {'no limit' if turns is None else turns}"),
            shown("idle_timeout", f"idle timeout {seconds(limits['idle_timeout']['value'])}"),
            shown("timeout", f"timeout {seconds(limits['timeout']['value'])}"),
        ]
    )


__all__ = ["demo", "doctor", "queue_summary", "render_queue", "render_result", "resume", "run"]
