"""``autopilot import``: turn another tool's agent log into a trajectory that analyze/replay/compare read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from cyclopts import Parameter

from autopilot.cli import context
from autopilot.core.errors import AutopilotError, BadInputError, ExitCode


def import_logs(
    *paths: Path,
    output_dir: Path | None = None,
    model: str | None = None,
    json_output: Annotated[bool, Parameter(name="--json", negative="")] = False,
) -> int:
    """Import agent logs (Claude Code transcripts and ``stream-json``, Codex rollouts and ``exec --json``,
    ATIF trajectories, SWE-agent and mini-swe-agent trajectories) as trajectories.

    Each file becomes a run in the output directory, recorded like a live run (usage priced with the
    price table, redacted, written by every trajectory writer), so ``analyze``, ``replay`` and
    ``compare`` work on it. Which formats are understood depends on the plugins implementing the
    ``trajectory_import`` hook.

    Parameters
    ----------
    paths
        Log files to import.
    output_dir
        Where to write the trajectories (default: the configured ``output_dir``, ``docs/logs``).
    model
        The model the log was made with, when the log does not say (Codex ``exec --json`` logs
        don't); usage is priced for it.
    json_output
        Print one JSON document, ``{"imported": [...]}``, with an entry per imported file (source,
        trajectory, agent, model, steps, status, cost_usd).
    """
    from autopilot.core.importer import import_file
    from autopilot.core.trajectory.files import file_problem

    if not paths:
        raise BadInputError("import needs at least one FILE")
    config = context.config()
    target = output_dir or (config.project_dir / config.output_dir)
    pm = context.plugin_manager()
    if pm.has_plugin("console"):
        # An import is not a live run: printing each of its steps as progress is only noise.
        pm.unregister(name="console")
    code = ExitCode.OK
    results = []
    for path in paths:
        try:
            if (problem := file_problem(path)) is not None:
                raise BadInputError(f"{path}: {problem}")
            imported = import_file(context.hooks(), path, target, config=config, model=model)
        except AutopilotError as exc:
            context.error(str(exc))
            code = max(code, exc.exit_code)
            continue
        for message in imported.warnings:
            context.warning(message)
        run = imported.run
        written = imported.paths.get("json") or imported.paths.get("journal")
        results.append(
            {
                "source": str(path),
                "trajectory": str(written),
                "agent": run.agent,
                "model": run.model,
                "steps": len(run.steps),
                "status": run.result.status,
                "cost_usd": round(run.usage.cost_usd, 6),
            }
        )
        if not json_output:
            context.echo(
                f"{path} -> {written}  ({run.agent}, {run.model or '-'}, {len(run.steps)} steps, "
                f"{run.result.status}, ${run.usage.cost_usd:.4f})"
            )
    if json_output:
        context.echo(json.dumps({"imported": results}, indent=2, ensure_ascii=False))
    return int(code)
