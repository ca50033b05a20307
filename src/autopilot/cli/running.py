"""``autopilot run`` without the argument parser: what :func:`autopilot.cli.run.run` does.

Kept free of cyclopts so that a plain ``autopilot run PROMPT`` (parsed by ``autopilot.cli.prelaunch``,
whose parser is tested to agree with cyclopts) goes straight here while its agent boots.
"""

from __future__ import annotations

import importlib
import json

from autopilot.app import runs as api
from autopilot.cli import context
from autopilot.core.errors import BadInputError


def _money(value: float) -> str:
    return f"${value:.4f}"


def render_result(result: api.RunTaskResult, *, json_output: bool, verb: str = "run") -> int:
    """Print the closing summary (or the JSON summary) of a run; returns its exit code."""
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
        f"{verb} {run.run_id}: {result.status}"
        + (f" ({run.result.stop_reason})" if run.result.stop_reason and result.status != "success" else ""),
        f"  duration {run.result.duration_ms / 1000:.1f}s · turns {run.result.num_turns}"
        f" · cost {_money(usage.cost_usd)}"
        f" · tokens in {usage.input_tokens:,} out {usage.output_tokens:,}{cache}",
        f"  trajectory {result.trajectory}",
        f"  log        {result.paths['rlog']}",
    ]
    if run.result.error:
        lines.append(f"  error      {' '.join(run.result.error.split())[:500]}")
    if result.resumable:
        lines.append(f"  resume with: {result.resume_command()}  (or: autopilot resume --continue)")
    for line in lines:
        context.echo(line)
    if result.status == "error" and run.result.error:
        context.error(run.result.error)
    return int(result.exit_code)


def run(
    prompt: str | None = None,
    *,
    agent: str | None = None,
    model: str | None = None,
    max_budget: float | None = None,
    max_turns: int | None = None,
    output_dir: str | None = None,
    slug: str | None = None,
    cwd: str | None = None,
    issue: str | None = None,
    project: str | None = None,
    full_auto: bool = False,
    max_issues: int | None = None,
    push: bool = False,
    ui: bool = False,
    json_output: bool = False,
    quiet: bool = False,
    idle_timeout: float | None = None,
    timeout: float | None = None,
) -> int:
    """``autopilot run`` (the options are documented on :func:`autopilot.cli.run.run`)."""
    if ui:
        raise BadInputError(
            "--ui is not available yet; the run's .rlog and `autopilot replay` show it as text"
        )
    if json_output or quiet:
        context.quiet()  # progress is for people: the console plugin is not loaded at all
    if issue or project or full_auto:
        arguments = api.RunArguments(
            prompt=prompt,
            agent=agent,
            model=model,
            max_budget_usd=max_budget,
            max_turns=max_turns,
            output_dir=output_dir,
            slug=slug,
            cwd=cwd,
            issue=issue,
            project=project,
            full_auto=full_auto,
            max_issues=max_issues,
            push=push,
            json_output=json_output,
            quiet=quiet,
            idle_timeout=idle_timeout,
            timeout=timeout,
        )
        try:
            queue = importlib.import_module("autopilot.app.queue")  # the issue queue (its own module)
        except ModuleNotFoundError as exc:
            if exc.name != "autopilot.app.queue":
                raise
            raise BadInputError("run --issue/--project/--full-auto is not available yet") from None
        return int(queue.run_command(arguments))
    if not prompt:
        raise BadInputError(
            'say what the agent should do: autopilot run "PROMPT" (or --issue ID / --full-auto)'
        )
    result = api.run_task(
        prompt,
        agent=agent,
        model=model,
        max_budget_usd=max_budget,
        max_turns=max_turns,
        cwd=cwd,
        output_dir=output_dir,
        slug=slug,
        idle_timeout=idle_timeout,
        timeout=timeout,
        hooks=context.hooks(),
    )
    return render_result(result, json_output=json_output)
