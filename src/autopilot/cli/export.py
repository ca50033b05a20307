"""``autopilot export``: recorded runs (or any log ``import`` reads) as ATIF trajectories or OTLP spans."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from cyclopts import Parameter

from autopilot.cli import context
from autopilot.core.errors import AutopilotError, BadInputError, ExitCode

if TYPE_CHECKING:
    from autopilot.core.models import Run

#: The standard variables that name a collector when ``--endpoint`` does not.
OTLP_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")


@contextlib.contextmanager
def _loaded(reference: str) -> Iterator[tuple[Path, Run, bool]]:
    """The file *reference* names (a path, a run id or prefix, ``last``), its run, and whether the run
    was imported: an autopilot trajectory or journal, or another agent's log (imported into a
    temporary directory first, as ``autopilot import`` would)."""
    from autopilot.app.run_refs import resolve_run
    from autopilot.core.errors import TrajectoryError
    from autopilot.core.trajectory.files import load_trajectory

    path = resolve_run(reference, hooks=context.hooks())
    try:
        run = load_trajectory(path).run
    except TrajectoryError:
        if not path.is_file():
            raise
    else:
        yield path, run, False
        return
    from autopilot.core.importer import import_file

    pm = context.plugin_manager()
    # The temporary import is no run of the user's: no progress on the terminal, no live spans.
    for name in ("console", "otlp"):
        if pm.has_plugin(name):
            pm.unregister(name=name)
    with tempfile.TemporaryDirectory(prefix="autopilot-export-") as tmp:
        yield path, import_file(context.hooks(), path, Path(tmp), config=context.config()).run, True


def _in_directories(references: tuple[str, ...]) -> Iterator[str]:
    """*references*, each directory replaced by the autopilot trajectories under it (``docs/logs``);
    a directory that holds none is bad input (other agents' logs are named one by one)."""
    from autopilot.core.trajectory.files import find_trajectories

    for reference in references:
        directory = Path(reference)
        if not directory.is_dir():
            yield reference
            continue
        found = find_trajectories(directory)
        if not found:
            raise BadInputError(f"{directory}: no trajectories (*.json, *.journal.jsonl) in this directory")
        yield from map(str, found)


def _export_atif(runs: tuple[str, ...], output: Path | None) -> int:
    from autopilot import __version__
    from autopilot.core.trajectory.files import atomic_write_text
    from autopilot.plugins.atif.reader import to_atif

    target = output or Path.cwd()
    if str(target) == "-":
        raise BadInputError("-o -: atif writes one file per run, so -o names a directory")
    if target.exists() and not target.is_dir():
        raise BadInputError(f"{target}: not a directory (for atif, -o names the directory to write to)")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInputError(f"{target}: cannot create the directory: {exc.strerror}") from None
    code = ExitCode.OK
    for reference in runs:
        try:
            with _loaded(reference) as (path, run, imported):
                if imported:  # its id is new on every import: one from the log's start and path
                    run.run_id = _imported_run_id(run, path)
                document = to_atif(run, version=__version__)
        except AutopilotError as exc:
            context.error(str(exc))
            code = max(code, exc.exit_code)
            continue
        written = target / f"{document['agent']['extra']['run_id']}.trajectory.json"
        atomic_write_text(written, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        context.echo(f"{path} -> {written}  ({len(document['steps'])} steps, atif)")
    return int(code)


def _imported_run_id(run: Run, path: Path) -> str:
    """A run id (start time and 8 hex digits, as new ones are) that is the same each time the log at
    *path* is exported, so that exporting it again replaces its file rather than adding one."""
    import hashlib

    from autopilot.core.models import parse_ts

    return f"{parse_ts(run.started_at):%Y%m%dT%H%M%S}-{hashlib.sha256(bytes(path.resolve())).hexdigest()[:8]}"


class _FirstError(logging.Handler):
    """Keeps the OpenTelemetry SDK's first log message of a send (it names the cause; later ones say
    that retries ran out), for the one ``error:`` line of a failed send."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.message: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        # "..., retrying in 1.03s." would be untrue in a line printed once every retry has failed.
        self.message = self.message or _RETRYING.sub("", record.getMessage())


_RETRYING = re.compile(r",? retrying in [0-9.]+ ?s\.?$")


def _counts(spans: Any) -> str:
    kinds = [span.attributes.get("gen_ai.operation.name") for span in spans]
    return ", ".join(f"{kinds.count(kind)} {kind}" for kind in ("invoke_agent", "chat", "execute_tool"))


def _export_otlp(
    runs: tuple[str, ...], output: Path | None, endpoint: str | None, capture_content: bool
) -> int:
    from autopilot.plugins.otlp import exporters
    from autopilot.plugins.otlp.settings import traces_url
    from autopilot.plugins.otlp.spans import build_spans

    url = traces_url(endpoint) if endpoint else None
    if url is None and output is None and any(os.environ.get(name) for name in OTLP_ENDPOINT_VARIABLES):
        url = ""  # the exporter reads the standard variables
    sender = exporters.http_exporter(url or None) if url is not None else None
    where = url or "the OTEL_EXPORTER_OTLP_* endpoint"
    to_file = output is not None and str(output) != "-"
    if to_file and output is not None:
        if output.is_dir():
            raise BadInputError(f"{output}: is a directory (for otlp, -o names the file to write)")
        if not output.absolute().parent.is_dir():
            raise BadInputError(f"{output}: no such directory: {output.absolute().parent}")
    to_stdout = not to_file and (output is not None or sender is None)
    lines = io.StringIO()
    writer = None
    if to_file or to_stdout:
        writer = exporters.file_exporter(lines if to_file else sys.stdout)
    # The SDK logs each failed send (and each retry); one error line per run says it instead.
    sdk_log = logging.getLogger("opentelemetry")
    first = _FirstError()
    sdk_log.addHandler(first)
    sdk_log.propagate = False
    hooks = context.hooks()

    def redact(texts: list[str]) -> list[str]:
        return hooks.redact_batch(texts=texts)

    code = ExitCode.OK
    done: list[str] = []  # one line per run written to the file, printed once the file is written
    try:
        for reference in runs:
            try:
                with _loaded(reference) as (path, run, imported):
                    seed = run.run_id
                    if imported:
                        # An imported run's id is new on every import: the log's session names it.
                        seed = f"{run.agent}:{run.session_id or path.name}"
                        run.run_id = ""
                    spans = exporters.collect(
                        seed, lambda tracer: build_spans(run, tracer, redact, capture_content=capture_content)
                    )
            except AutopilotError as exc:
                context.error(str(exc))
                code = max(code, exc.exit_code)
                continue
            first.message = None
            if sender is not None and not exporters.send(sender, spans):
                reason = f": {first.message}" if first.message else ""
                context.error(f"{path}: could not send {len(spans)} spans to {where}{reason}")
                code = max(code, ExitCode.FAILURE)
                continue
            if writer is not None:
                exporters.send(writer, spans)
            if to_file:
                done.append(f"{path} -> {output}  ({_counts(spans)}, otlp)")
            elif not to_stdout:
                context.echo(f"{path} -> {where}  ({_counts(spans)}, otlp)")
    finally:
        sdk_log.removeHandler(first)
        sdk_log.propagate = True
        if sender is not None:
            sender.shutdown()
    if to_file and output is not None and lines.getvalue():
        from autopilot.core.trajectory.files import atomic_write_text

        try:
            atomic_write_text(output, lines.getvalue())
        except OSError as exc:
            context.error(f"{output}: cannot write: {exc.strerror or exc}")
            return int(ExitCode.FAILURE)
        for line in done:
            context.echo(line)
    return int(code)


def export(
    *runs: str,
    format: Literal["atif", "otlp"] = "atif",
    output: Annotated[Path | None, Parameter(name=["--output", "-o"], allow_leading_hyphen=True)] = None,
    endpoint: str | None = None,
    capture_content: Annotated[bool, Parameter(negative="")] = False,
) -> int:
    """Write runs as ATIF v1.4 trajectories, or send them as OpenTelemetry spans (OTLP).

    Each RUN is an autopilot trajectory or journal, a directory of them (``docs/logs``), a recorded
    run's id (as ``session list`` prints it), a unique prefix of it or ``last``, or a Claude or Codex
    log that ``import`` reads.
    ``atif`` writes ``<run id>.trajectory.json`` in the output directory. ``otlp`` builds one
    ``invoke_agent`` span per run, a ``chat`` span per model call and an ``execute_tool`` span per tool
    call (the OpenTelemetry GenAI semantic conventions) and sends them to ``--endpoint``, or writes them
    as OTLP JSON lines to ``-o FILE``; with neither, to the collector ``OTEL_EXPORTER_OTLP_ENDPOINT``
    names, else to standard output.

    Parameters
    ----------
    runs
        Trajectory or log files, directories of trajectories, or runs by id, unique id prefix or
        ``last``.
    format
        The format to write (``atif`` or ``otlp``).
    output
        ``atif``: the directory to write to, created if missing (default: the current directory).
        ``otlp``: the file to write OTLP JSON lines to, one line per run, replaced only once every run
        was read (``-`` for standard output).
    endpoint
        ``otlp``: the OTLP/HTTP collector to send to (``http://localhost:4318``; ``/v1/traces`` is added
        unless the URL ends with it). Headers, timeout and certificates come from the standard
        ``OTEL_EXPORTER_OTLP_*`` variables.
    capture_content
        ``otlp``: also record tool arguments and results (``gen_ai.tool.call.arguments`` and
        ``.result``), redacted like everything else.
    """
    if not runs:
        raise BadInputError("export needs at least one RUN")
    runs = tuple(_in_directories(runs))
    if format == "atif":
        if endpoint or capture_content:
            raise BadInputError("--endpoint and --capture-content are for --format otlp")
        return _export_atif(runs, output)
    return _export_otlp(runs, output, endpoint, capture_content)
