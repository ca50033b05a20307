"""``autopilot export``: recorded runs (or any log ``import`` reads) as ATIF trajectories."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from cyclopts import Parameter

from autopilot.cli import context
from autopilot.core.errors import AutopilotError, BadInputError, ExitCode


def _document(path: Path) -> dict[str, Any]:
    """The ATIF document of *path*: an autopilot trajectory or journal, or another agent's log (imported
    into a temporary directory first, as ``autopilot import`` would)."""
    from autopilot import __version__
    from autopilot.core.errors import TrajectoryError
    from autopilot.core.trajectory.files import load_trajectory
    from autopilot.plugins.atif.reader import to_atif

    try:
        return to_atif(load_trajectory(path).run, version=__version__)
    except TrajectoryError:
        if not path.is_file():
            raise
    from autopilot.core.importer import import_file

    pm = context.plugin_manager()
    if pm.has_plugin("console"):
        pm.unregister(name="console")
    with tempfile.TemporaryDirectory(prefix="autopilot-export-") as tmp:
        run = import_file(context.hooks(), path, Path(tmp), config=context.config()).run
        return to_atif(run, version=__version__)


def export(
    *runs: Path,
    format: Literal["atif"] = "atif",
    output: Annotated[Path | None, Parameter(name=["--output", "-o"])] = None,
) -> int:
    """Write runs as ATIF v1.4 trajectories (Harbor's Agent Trajectory Interchange Format).

    Each RUN (an autopilot trajectory or journal, or a Claude or Codex log that ``import`` reads)
    becomes ``<run id>.trajectory.json`` in the output directory.

    Parameters
    ----------
    runs
        Trajectory or log files.
    format
        The format to write (``atif``).
    output
        The directory to write to (default: the current directory).
    """
    from autopilot.core.trajectory.files import atomic_write_text

    if not runs:
        raise BadInputError("export needs at least one RUN")
    target = output or Path.cwd()
    code = ExitCode.OK
    for path in runs:
        try:
            document = _document(path)
        except AutopilotError as exc:
            context.error(str(exc))
            code = max(code, exc.exit_code)
            continue
        written = target / f"{document['agent']['extra']['run_id']}.trajectory.json"
        atomic_write_text(written, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        context.echo(f"{path} -> {written}  ({len(document['steps'])} steps, {format})")
    return int(code)
