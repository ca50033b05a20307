"""Import another tool's agent log (Claude stream-json, Codex exec JSONL, ...) as a trajectory.

The core reads the file into JSON records and asks the ``trajectory_import`` hook which plugin
recognises them; that plugin (a backend, which already maps its own events for live runs) returns
the run as :class:`~autopilot.core.models.BackendEvent` objects (an
:class:`~autopilot.core.models.ImportedRun`). The core then records them exactly as
the runner records a live run: usage deltas are priced with the price table (unless the log states
their cost: ``ImportedRun.stated_costs``) and set on the last step of their event, session id and
model become run metadata, and the whole run goes through the Recorder, so redaction and the writers
apply as for any run.
"""

from __future__ import annotations

import codecs
import io
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from autopilot.core.errors import BadInputError
from autopilot.core.models import BackendEvent, ImportedRun, Run, Step, Usage, epoch_ts
from autopilot.core.pricing import load_price_table
from autopilot.core.recorder import Recorder
from autopilot.core.trajectory.files import slugify, unique_base_path
from autopilot.core.usage import Call, Session, ToolStat

if TYPE_CHECKING:
    from autopilot.core.config import Config
    from autopilot.core.hooks import Hooks


@dataclass
class ImportResult:
    """The recorded run, where it was written and what the reader skipped."""

    run: Run
    paths: dict[str, Path]
    warnings: list[str] = field(default_factory=list)


def read_records(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """JSON objects of *path*: a JSON array or object, or JSON Lines; plus warnings for skipped lines.

    JSON Lines are read from the file a line at a time, so only the records are held, not the file's
    bytes and text beside them as well; a file whose first line is not a JSON object (an array, a
    document over several lines) is read whole.
    """
    try:
        with open(path, "rb") as handle:
            return _records(handle, path)
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read: {exc.strerror}") from None


def parse_records(data: bytes, path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """JSON objects of *data* (the bytes of *path*), as :func:`read_records` reads them."""
    return _records(io.BytesIO(data), path)


def _records(handle: BinaryIO, path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """JSON Lines, else one JSON document, else the lines that are JSON objects (with a warning for each
    line that is not JSON).

    Bytes that are not UTF-8 (a log cut inside a character, a stray byte) are replaced, with a
    warning, rather than losing the whole file; a file that is not text at all has no JSON records.
    """
    parsed = _parse_lines(handle, path, strict=True)
    if parsed is not None:
        return parsed
    handle.seek(0)
    data = handle.read().removeprefix(codecs.BOM_UTF8)
    warnings: list[str] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        warnings.append(_not_utf8(path, exc.start))
    if not text.strip():
        raise BadInputError(f"{path}: empty file")
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, dict):
        return [whole], warnings
    if isinstance(whole, list):
        return [r for r in whole if isinstance(r, dict)], warnings
    handle.seek(0)
    records, warnings = _parse_lines(handle, path, strict=False) or ([], [])
    if not records:
        raise BadInputError(f"{path}: no JSON records (expected JSON Lines, a JSON array or a JSON object)")
    return records, warnings


def _not_utf8(path: Path, at: int) -> str:
    return f"{path}: replaced bytes that are not UTF-8 (first at byte {at})"


def _parse_lines(
    lines: Iterable[bytes], path: Path, *, strict: bool
) -> tuple[list[dict[str, Any]], list[str]] | None:
    """The JSON objects of *lines*, read one at a time, and a warning for each line that is not JSON.

    *strict*: None when the first line that is not blank is not a JSON object, or when every line is
    blank (the file is then read as one document).
    """
    import msgspec

    # msgspec makes the same values as the standard library, with one string per distinct key rather
    # than one per line (a third less memory); what it refuses (NaN, a lone surrogate escape, a
    # number too large for a float) goes to the standard library.
    decode = msgspec.json.Decoder().decode
    warnings: list[str] = []
    records: list[dict[str, Any]] = []
    replaced: str | None = None  # the warning for bytes that are not UTF-8, which comes first
    offset, seen = 0, False
    for number, raw in enumerate(lines, 1):
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)  # a byte order mark (a file saved on Windows)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.decode("utf-8", errors="replace")
            if replaced is None:
                replaced = _not_utf8(path, offset + exc.start)
        offset += len(raw)
        if not line.strip():
            continue
        try:
            record = decode(line)
        except msgspec.DecodeError:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                if strict and not seen:
                    return None
                torn = not line.endswith("\n")
                warnings.append(
                    f"{path}:{number}: skipped {'a torn last line' if torn else 'a line that is not JSON'}"
                )
                continue
        if strict and not seen and not isinstance(record, dict):
            return None
        seen = True
        if isinstance(record, dict):
            records.append(record)
    if strict and not seen:
        return None
    return records, [replaced, *warnings] if replaced else warnings


def record_imported(
    hooks: Hooks,
    imported: ImportedRun,
    output_dir: Path,
    *,
    source: Path,
    config: Config | None = None,
    model: str | None = None,
) -> tuple[Run, Recorder]:
    """Record *imported* through the Recorder under *output_dir*, pricing usage as the runner does.

    *model* (``--model``) names the model when the log does not, so its usage is priced right.
    """
    prices = load_price_table(config.project_dir if config is not None else None)
    first_user = next((s.text for e in imported.events for s in e.steps if s.type == "user" and s.text), None)
    prompt = imported.prompt or first_user or f"imported from {source.name}"
    run = Run(
        prompt=prompt,
        agent=imported.agent,
        model=model,
        cwd=imported.cwd or "",
        slug=slugify(f"import-{source.stem}"),
    )
    if imported.started_at:
        run.started_at = imported.started_at
    run.branch = imported.branch
    run.price_table_version = prices.version
    run.limits = {"imported_from": str(source)}
    recorder = Recorder(hooks, run, unique_base_path(run, output_dir), config=config)
    recorder.start()
    total, turns = Usage(), 0
    status = final_text = stop_reason = error = None
    backend_cost: float | None = None
    main_model = model or _main_model(imported.events)
    for event in imported.events:
        if event.session_id and event.session_id != run.session_id:
            chain = list(run.session_ids)
            if event.session_id not in chain:
                chain.append(event.session_id)
            recorder.update(session_id=event.session_id, session_ids=chain)
        if event.model and event.model != run.model and model is None:
            recorder.update(model=event.model)
        steps: list[Step] = list(event.steps)
        if event.usage is not None:
            cost = event.usage.cost_usd if imported.stated_costs else prices.cost(run.model, event.usage)
            usage = replace(event.usage, cost_usd=cost)
            total = total + usage
            if not steps:
                when = {"ts": event.usage_ts} if event.usage_ts else {}
                steps = [
                    Step("system", subtype="usage", data={"reason": "usage reported after the turn"}, **when)
                ]
            steps[-1].usage = usage
            if run.model != main_model:
                steps[-1].model = run.model  # a call of another model than the run's
        if event.turn_complete:
            turns += 1
            for step in steps:
                step.turn = turns
        for step in steps:
            recorder.add(step)
        if event.done:
            status, final_text, stop_reason, error = (
                event.status,
                event.final_text,
                event.stop_reason,
                event.error,
            )
            backend_cost = event.backend_cost_usd
    if backend_cost is not None and not total.cost_usd:
        # The log reported a cost but no per-turn usage: keep the backend's figure.
        total = replace(total, cost_usd=backend_cost)
    if main_model and run.model != main_model:
        recorder.update(model=main_model)
    last_ts = run.steps[-1].ts if imported.timed and len(run.steps) else None
    ended_at = imported.ended_at or last_ts or run.started_at
    recorder.finish(
        status=status or "incomplete",
        usage=total,
        num_turns=turns,
        final_text=final_text,
        stop_reason=stop_reason,
        error=error,
        ended_at=ended_at if imported.timed or imported.ended_at else None,
        duration_ms=imported.duration_ms,
        timed=imported.timed,  # a log without times has no duration unless it states one
    )
    return run, recorder


def _main_model(events: Iterable[BackendEvent]) -> str | None:
    """The model most of *events*' model calls were made with (the first of equals): the run's model,
    as ``analyze`` names a log's, not the last one named (a session switched to a mini model for its
    last turn is not the mini model's)."""
    calls: Counter[str] = Counter()
    current = None
    for event in events:
        current = event.model or current
        if event.usage is not None and current:
            calls[current] += 1
    return max(calls, key=calls.__getitem__) if calls else None


def session_of_imported(imported: ImportedRun, path: Path, kind: str, mtime: str | None = None) -> Session:
    """An imported run as a :class:`~autopilot.core.usage.Session` for ``analyze`` and ``report``.

    Usage deltas become calls at the time the log reported them (``BackendEvent.usage_ts``), else of
    the step they close (or *mtime*, the file's modification time, when the log has no times), priced
    later with the price table.
    """
    tally = SessionTally(timed=imported.timed, stated_costs=imported.stated_costs)
    for event in imported.events:
        tally.add(event)
    return tally.session(
        path,
        kind,
        imported.agent,
        started_at=imported.started_at,
        ended_at=imported.ended_at,
        cwd=imported.cwd,
        branch=imported.branch,
        duration_ms=imported.duration_ms,
        mtime=mtime,
    )


class SessionTally:
    """:func:`session_of_imported` one event at a time, keeping figures, not steps: a reader can hand
    each event on as it is made and keep only one model call's events in memory."""

    def __init__(self, *, timed: bool = True, stated_costs: bool = False) -> None:
        from autopilot.core.trajectory.analysis import ToolTally

        self.timed, self.stated_costs = timed, stated_costs
        self.calls: list[Call] = []
        self.session_id: str | None = None
        self.model: str | None = None
        self.status = "incomplete"
        self.turns = self.steps = 0
        self.cost: float | None = None
        self.first_ts: str | None = None
        self.last_ts: str | None = None
        self.tools = ToolTally()
        #: The time of the calls: of the last usage report or step; None until there is one (the
        #: session's start, known at the end).
        self._ts: str | None = None

    def add(self, event: BackendEvent) -> None:
        steps = event.steps
        if steps:
            if not self.steps:
                self.first_ts = steps[0].ts
            self.steps += len(steps)
            self.last_ts = steps[-1].ts
            for step in steps:
                self.tools.add(step)
        if self.timed and (event.usage_ts or steps):
            self._ts = event.usage_ts or steps[-1].ts
        self.session_id = self.session_id or event.session_id
        self.model = event.model or self.model
        if event.usage is not None:
            u = event.usage
            self.calls.append(
                Call(self._ts, self.model, u.input_tokens, u.output_tokens, u.cache_read_tokens,  # type: ignore[arg-type]
                     u.cache_creation_tokens, u.cache_creation_1h_tokens,
                     cost=u.cost_usd if self.stated_costs else None)
            )  # fmt: skip
        self.turns += bool(event.turn_complete)
        if event.done:
            self.status = event.status or self.status
            self.cost = event.backend_cost_usd

    def session(
        self,
        path: Path,
        kind: str,
        agent: str,
        *,
        started_at: str | None = None,
        ended_at: str | None = None,
        cwd: str | None = None,
        branch: str | None = None,
        duration_ms: int | None = None,
        mtime: str | None = None,
        default_model: str | None = None,
    ) -> Session:
        """The session, its start and end being the log's (else its first and last step's, when timed);
        *default_model* is the model of usage in a log that names none."""
        if mtime is None:
            mtime = epoch_ts(path.stat().st_mtime)
        start = started_at or mtime
        # The session's model is the one most of its calls name (the first of equals), as for a
        # Claude Code transcript: not the last one named (a Codex session switched to a mini model
        # for its last turn is not a mini model's session).
        named = Counter(call.model for call in self.calls if call.model)
        model = max(named, key=named.__getitem__) if named else self.model
        if model is None and default_model and self.calls:
            model = default_model  # no event named one: every call is the default model's
            for call in self.calls:
                call.model = model
        for call in self.calls:
            if call.ts is None:
                call.ts = start  # reported before any time of the log's
            else:
                break
        timed = self.timed and self.steps
        tools = {
            name: ToolStat(f.calls, f.errors, tuple(f.latencies_ms) if self.timed else ())
            for name, f in self.tools.figures.items()
        }
        return Session(
            path=str(path),
            kind=kind,
            agent=agent,
            session_id=self.session_id or path.stem,
            calls=self.calls,
            model=model,
            started_at=started_at or (self.first_ts if timed else mtime),
            ended_at=ended_at or (self.last_ts if timed else None),
            status=self.status,
            cwd=cwd,
            project=Path(cwd).name if cwd else None,
            branch=branch,
            duration_ms=duration_ms,
            num_turns=self.turns,
            steps=self.steps,
            tools=tools,
            cost_usd=self.cost if not self.calls else None,
        )


def import_file(
    hooks: Hooks, path: Path, output_dir: Path, *, config: Config | None = None, model: str | None = None
) -> ImportResult:
    """Convert *path* into a trajectory under *output_dir*; BadInputError if no plugin recognises it."""
    records, warnings = read_records(path)
    imported = hooks.trajectory_import(path=path, records=records)
    if imported is None:
        raise BadInputError(
            f"{path}: no plugin recognises this format "
            "(formats come from plugins implementing trajectory_import; see `autopilot plugins`)"
        )
    impossible = [e for e in imported.events if e.usage is not None and e.usage.impossible()]
    if impossible:
        first = impossible[0].usage
        warnings.append(
            f"{path}: left out the usage of {len(impossible)} model call(s) with impossible token counts "
            f"(first: {first.impossible() if first else ''})"
        )
        for event in impossible:
            event.usage = None
    for event in imported.events:
        stated = event.backend_cost_usd
        if stated is not None and not 0 <= stated < float("inf"):
            warnings.append(f"{path}: left out the cost the log states, {stated}: no run costs that")
            event.backend_cost_usd = None
    run, recorder = record_imported(hooks, imported, output_dir, source=path, config=config, model=model)
    return ImportResult(run, {k: v for k, v in recorder.paths.items() if v.exists()}, warnings)
