"""Reading and writing trajectory files: the append-only journal and the final JSON.

Files of one run share a base path, ``<output_dir>/YYYYMMDD/HHMMSS-<slug>``:

- ``.journal.jsonl``: written as the run goes, one JSON record per line, flushed per record (and
  fsynced when configured);
- ``.json``: the whole run, written atomically (temp file + rename) when the run ends, one step per
  line (:func:`write_json_trajectory`);
- ``.rlog``: the human-readable log.

Journal records (``record`` field): ``header`` (run metadata), ``step``, ``update`` (metadata learned
later, e.g. a session id), ``end`` (result and usage). A resumed run appends a new ``header`` record
with ``resume: true``. See docs/trajectory-format.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO, Final, TextIO

from autopilot.core.errors import BadInputError, TrajectoryError
from autopilot.core.models import HEADER_FIELDS, Run, RunResult, Step, Usage, parse_ts
from autopilot.core.steplog import to_utf8

JOURNAL_SUFFIX: Final = ".journal.jsonl"
JSON_SUFFIX: Final = ".json"
RLOG_SUFFIX: Final = ".rlog"


def slugify(text: str, *, max_length: int = 40) -> str:
    """A short, filesystem-safe slug of *text* (``run`` if nothing usable is left)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "run"


def base_path_for(run: Run, output_dir: Path) -> Path:
    """``<output_dir>/YYYYMMDD/HHMMSS-<slug>`` from the run's start time and slug."""
    stamp = run.started_at.replace("-", "").replace(":", "")
    day, _, rest = stamp.partition("T")
    return output_dir / day / f"{rest[:6]}-{run.slug or slugify(run.prompt)}"


def unique_base_path(run: Run, output_dir: Path) -> Path:
    """A base path no other run uses: two runs of the same second and slug get ``-2``, ``-3`` ...

    Two runs started at once in one repository never share files: the name is taken by creating a
    hidden reservation file beside it exclusively, which :func:`release_base_path` removes once the
    run's own files exist. Sets ``run.slug`` to the slug the path ends in.
    """
    slug = run.slug or slugify(run.prompt)
    base = base_path_for(run, output_dir)
    try:
        base.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next(p for p in (base.parent, *base.parent.parents) if p.exists() and not p.is_dir())
        raise BadInputError(
            f"{blocker}: a file is where the trajectory folder should be (output_dir, -o); "
            "move it or choose another folder"
        ) from None
    number = 1
    while True:
        try:
            _reservation(base).open("x").close()
        except FileExistsError:
            pass  # another run is taking this very name right now
        else:
            if not any(
                base.with_name(base.name + s).exists() for s in (JSON_SUFFIX, RLOG_SUFFIX, JOURNAL_SUFFIX)
            ):
                break
            release_base_path(base)
        number += 1
        run.slug = f"{slug}-{number}"
        base = base_path_for(run, output_dir)
    run.slug = run.slug or slug
    return base


def release_base_path(base: Path) -> None:
    """Drop the reservation :func:`unique_base_path` made for *base* (once the run's files exist)."""
    _reservation(base).unlink(missing_ok=True)


def _reservation(base: Path) -> Path:
    return base.with_name(f".{base.name}.taken")


@contextlib.contextmanager
def atomic_writer(path: Path, *, exclusive: bool = False, durable: bool = True) -> Iterator[BinaryIO]:
    """Write *path* through the yielded binary handle so readers see the old file or the new one.

    The text goes to a temporary file beside *path*, which is flushed, fsynced (unless not *durable*:
    state that means nothing after a reboot, like pid files) and renamed over *path* when the block
    ends; if the block raises, the temporary file is removed and *path* is untouched. With
    *exclusive*, fail with FileExistsError if *path* already exists (atomic create).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if exclusive:
            os.link(tmp, path)  # atomic "create unless it exists"
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _create_temporary(path: Path) -> tuple[int, str]:
    """A new file ``.<name>.<random>.tmp`` beside *path*, opened for writing, mode 0600, as
    ``tempfile.mkstemp`` makes it (without importing tempfile, shutil and random on every run)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = str(path.parent / f".{path.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, flags, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"{path.parent}: no free temporary file name")


def atomic_write_text(path: Path, text: str, *, exclusive: bool = False, durable: bool = True) -> None:
    """Write *text* to *path* so that readers see the old file or the new one, never a mix.

    With *exclusive*, fail with FileExistsError if *path* already exists (atomic create); without
    *durable*, skip the fsync (see :func:`atomic_writer`).
    """
    with atomic_writer(path, exclusive=exclusive, durable=durable) as handle:
        handle.write(text.encode("utf-8"))


class LineAppender:
    """An append-only text file kept open for a run: one ``write`` and a flush per line.

    Each line goes out in a single write call and is flushed before :meth:`write` returns, so a
    process killed at any instant leaves at most its last line torn. With *fsync*, every line is also
    forced to disk. The file is opened on first use and closed by :meth:`close`, on a write error
    (the next write reopens it, after ending a torn last line), or when the appender is
    garbage-collected, so no handle outlives an abandoned run.
    """

    def __init__(self, path: Path, *, fsync: bool = False) -> None:
        self.path = path
        self.fsync = fsync
        self._handle: TextIO | None = None
        self._closer: weakref.finalize[Any, Any] | None = None
        self._failed = False

    def _open(self) -> TextIO:
        if self._failed:
            end_torn_line(self.path)
            self._failed = False
        # backslashreplace: a lone surrogate (undecodable bytes) becomes its own JSON escape, \\udcXX.
        handle = self.path.open("a", encoding="utf-8", errors="backslashreplace", newline="\n")
        self._handle = handle
        self._closer = weakref.finalize(self, handle.close)
        return handle

    def write(self, line: str) -> None:
        """Append *line* (without its newline) and flush it."""
        handle = self._handle or self._open()
        try:
            handle.write(line + "\n")
            handle.flush()
            if self.fsync:
                os.fsync(handle.fileno())
        except BaseException:
            self._failed = True
            self.close()
            raise

    def close(self) -> None:
        """Close the file (a later :meth:`write` opens it again)."""
        closer, self._closer, self._handle = self._closer, None, None
        if closer is not None:
            closer()


def end_torn_line(path: Path) -> None:
    """End a torn last line (from a killed run) so appended lines start on a line of their own."""
    with path.open("rb+") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() == 0:
            return
        handle.seek(-1, os.SEEK_END)
        if handle.read(1) != b"\n":
            handle.write(b"\n")


def dumps(data: Any) -> str:
    """Compact, deterministic JSON for journal lines (non-ASCII kept as is)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def _pretty(data: Any, indent: str) -> bytes:
    """*data* as indented UTF-8 JSON whose lines after the first are shifted right by *indent*."""
    encoded = to_utf8(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    return encoded.replace(b"\n", b"\n" + indent.encode())


def write_json_trajectory(run: Run, path: Path, *, adopt: bool = False) -> None:
    """Write *run* as its finished ``.json``, atomically, streaming the steps.

    The top level is indented; each step is one line of compact JSON (the same encoding as the
    journal), copied as bytes from the step log's spill file for steps no longer in memory, so
    neither the whole run nor its text is ever built in memory. With *adopt*, ``run.steps`` then
    reads its spilled steps from *path* and its spill file is released (the run's own ``.json``).
    """
    with atomic_writer(path) as handle:
        write = handle.write
        head = _pretty(run.header(), "")
        head = head[: head.rindex(b"\n")] + b',\n  "steps": ['
        write(head)
        count = run.steps.write_json(write, b",\n    ", b"\n    ", at=len(head))
        write(b"\n  ],\n" if count else b"],\n")
        write(b'  "result": ' + _pretty(run.result.to_dict(), "  ") + b",\n")
        write(b'  "usage": ' + _pretty(run.usage.to_dict(), "  ") + b"\n}\n")
    if adopt:
        run.steps.adopt(path)


# ------------------------------------------------------------------------------------------------
# Reading


@dataclass
class LoadedRun:
    """A run read back from disk, with what the reader had to skip."""

    run: Run
    path: Path
    kind: str  # "json" | "journal"
    warnings: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.kind == "json" or self.run.result.status not in ("running", "incomplete")


@cache
def trajectory_schema() -> dict[str, Any]:
    """The JSON Schema every trajectory ``.json`` file conforms to."""
    from importlib import resources

    schema = resources.files("autopilot.core.trajectory").joinpath("trajectory.schema.json")
    return json.loads(schema.read_text(encoding="utf-8"))


@cache
def _schema_validator() -> Callable[[Any], Any]:
    """The trajectory schema compiled to Python once per process (fastjsonschema)."""
    import fastjsonschema

    return fastjsonschema.compile(trajectory_schema())


def schema_error(data: Any) -> str | None:
    """The first schema violation of *data*, naming the field; None when *data* is valid."""
    import fastjsonschema

    try:
        _schema_validator()(data)
    except fastjsonschema.JsonSchemaValueException as error:
        # fastjsonschema's path is ["data", "steps", "2", "type"]: show it as steps[2].type.
        where = "".join(f"[{p}]" if str(p).isdigit() else f".{p}" for p in error.path[1:])
        message = error.message.removeprefix(error.name).strip()
        return f"{where.lstrip('.') or '(top level)'}: {message}"
    return None


def read_json_trajectory(path: Path, *, validate: bool = True) -> LoadedRun:
    """Read a finished trajectory; raises TrajectoryError naming the file and the problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TrajectoryError(path, "not a text file") from None
    except OSError as exc:
        raise TrajectoryError(path, f"cannot read: {exc.strerror}") from None
    if not text.strip():
        raise TrajectoryError(path, "empty file")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = "truncated JSON" if exc.pos >= len(text.rstrip()) else "not valid JSON"
        raise TrajectoryError(path, f"{problem} (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if not isinstance(data, dict):
        raise TrajectoryError(path, f"not a trajectory: top level is {type(data).__name__}, not an object")
    if validate:
        problem = schema_error(data)
        if problem:
            raise TrajectoryError(path, f"does not match the trajectory schema: {problem}")
    return LoadedRun(Run.from_dict(data), path, "json")


def _journal_lines(path: Path) -> Iterator[tuple[int, str, bool]]:
    """Yield (line number, text, is_last) for each line, reading as it goes (OSError as TrajectoryError)."""
    try:
        handle = path.open("r", encoding="utf-8", errors="replace", newline="\n")
    except OSError as exc:
        raise TrajectoryError(path, f"cannot read: {exc.strerror}") from None
    with handle:
        previous: tuple[int, str] | None = None
        try:
            for number, line in enumerate(handle, 1):
                if previous is not None:
                    yield previous[0], previous[1], False
                previous = (number, line)
        except OSError as exc:
            raise TrajectoryError(path, f"cannot read: {exc.strerror}") from None
        if previous is not None:
            yield previous[0], previous[1], True


def read_journal(path: Path) -> LoadedRun:
    """Fold a journal back into a run.

    Every step that was flushed comes back. A torn (partly written) last line is skipped with a
    warning; a damaged line elsewhere is skipped with a warning too. Only a journal without a readable
    header raises TrajectoryError. A run without an ``end`` record gets status ``incomplete``.
    """
    warnings: list[str] = []
    run: Run | None = None
    ended = False
    # Where the current unfinished segment began (a resume starts a new one), for its duration.
    segment_start: str | None = None
    previous_ms = 0
    for number, line, is_last in _journal_lines(path):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or "record" not in record:
                raise ValueError("not a journal record")
        except ValueError:
            if is_last and not line.endswith("\n"):
                warnings.append(f"{path}:{number}: skipped a torn last line (the run was cut off mid-write)")
            else:
                warnings.append(f"{path}:{number}: skipped an unreadable line")
            continue
        kind = record["record"]
        if kind == "header":
            header = record.get("run") or {}
            if run is None:
                run = Run.from_dict(header)
                segment_start = run.started_at
            else:  # a resume: metadata may change, steps are kept
                for name in HEADER_FIELDS:
                    if header.get(name) is not None:
                        setattr(run, name, header[name])
                previous_ms = run.result.duration_ms or 0
                run.result = RunResult(
                    status="running", num_turns=run.result.num_turns, duration_ms=previous_ms
                )
                segment_start = None  # the resumed segment starts at its first step
                ended = False
        elif run is None:
            raise TrajectoryError(path, f"line {number}: journal does not start with a header record")
        elif kind == "step":
            run.steps.append(Step.from_dict(record.get("step") or {}))
            segment_start = segment_start or run.steps[-1].ts
        elif kind == "update":
            for name, value in (record.get("changes") or {}).items():
                if name in HEADER_FIELDS:
                    setattr(run, name, value)
        elif kind == "end":
            run.result = RunResult.from_dict(record.get("result"))
            run.usage = Usage.from_dict(record.get("usage"))
            run.ended_at = record.get("ended_at") or run.ended_at
            ended = True
        else:
            warnings.append(f"{path}:{number}: skipped unknown record {kind!r}")
    if run is None:
        raise TrajectoryError(path, "empty journal (no header record)")
    if not ended:
        # Usage of an unfinished run is the sum of what its steps reported.
        total = Usage()
        for step in run.steps:
            if step.usage is not None:
                total = total + step.usage
        run.usage = total
        turns = sum(1 for s in run.steps if s.usage is not None)
        duration_ms = previous_ms
        if run.steps and segment_start:
            run.ended_at = run.steps[-1].ts
            try:
                elapsed = parse_ts(run.ended_at) - parse_ts(segment_start)
                duration_ms += max(0, int(elapsed.total_seconds() * 1000))
            except (ValueError, TypeError):
                pass
        run.result = RunResult(
            status="incomplete", num_turns=max(turns, run.result.num_turns), duration_ms=duration_ms
        )
    return LoadedRun(run, path, "journal", warnings)


def file_problem(path: Path | str, mode: int | None = None) -> str | None:
    """Why *path* cannot be read as a file (``no such file or directory``, ``is a directory``, ...), or
    None for a regular file or a symbolic link to one.

    A FIFO, socket or device is refused rather than opened: reading a FIFO that nobody writes to would
    wait for ever. *mode* is the file's ``st_mode`` when the caller has it already.
    """
    if mode is None:
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            if os.path.islink(path):
                return f"broken symbolic link (to {os.readlink(path)})"
            return "no such file or directory"
        except OSError as exc:
            return f"cannot read: {exc.strerror}"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory"
    return "not a regular file (a FIFO, socket or device)"


def load_trajectory(path: Path) -> LoadedRun:
    """Read a ``.json`` trajectory or a ``.journal.jsonl`` journal (of a run that may have been killed)."""
    if path.suffix == RLOG_SUFFIX:
        raise TrajectoryError(path, "an .rlog is for people; give the .json or .journal.jsonl beside it")
    if (problem := file_problem(path)) is not None:
        raise TrajectoryError(path, problem)
    if path.name.endswith(JOURNAL_SUFFIX):
        return read_journal(path)
    return read_json_trajectory(path)


def find_trajectories(directory: Path) -> list[Path]:
    """Trajectory files under *directory*: every ``.json``, and each journal without a ``.json``."""
    found: list[Path] = []
    for path in sorted(directory.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        if path.name.endswith(JOURNAL_SUFFIX):
            final = path.with_name(path.name[: -len(JOURNAL_SUFFIX)] + JSON_SUFFIX)
            if not final.exists():
                found.append(path)
        elif path.suffix == JSON_SUFFIX:
            found.append(path)
    return found
