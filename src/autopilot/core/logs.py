"""Reading agent logs of every kind, by content, fast: what ``analyze`` and ``report`` read.

A :class:`LogReader` (registered by plugins through the ``log_reader_register`` hook, plus
:class:`TrajectoryReader` for autopilot's own files) recognises its format from the first bytes of a
file and turns the file into :class:`~autopilot.core.usage.Session` objects. :func:`scan` finds the
files under the paths it is given, reads the new or changed ones on every core (a process pool) and
keeps what each file gave in a cache keyed by path, size and modification time, so the next call only
reads what changed.
"""

from __future__ import annotations

import abc
import codecs
import contextlib
import itertools
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Final

import msgspec

from autopilot.core.errors import BadInputError, TrajectoryError
from autopilot.core.trajectory.files import file_problem
from autopilot.core.usage import Call, Session, ToolStat, drop_impossible_calls

#: Bump when a reader's output changes, so cached summaries from the older code are not used.
CACHE_VERSION: Final = 17
#: How much of a file readers see to recognise it.
HEAD_BYTES: Final = 8192
#: Below this many bytes to read, one process reads them all (starting workers costs more).
PARALLEL_BYTES: Final = 8 * 1024 * 1024
#: About how many bytes of logs a worker process reads per task.
CHUNK_BYTES: Final = 2 * 1024 * 1024
#: File names looked at inside a directory (given files are always read).
LOG_SUFFIXES: Final = (".jsonl", ".json", ".ndjson", ".traj")
#: Paths looked up in the cache by one query (SQLite before 3.32 takes at most 999 parameters).
_LOOKUP_BATCH: Final = 500


class LogReader(abc.ABC):
    """One log format: how to recognise it and what sessions a file of it holds.

    Instances are sent to worker processes, so they must be picklable (a module-level class with
    plain attributes).
    """

    #: The format's name, shown as the ``kind`` of each session (``claude-transcript``).
    name: str = ""
    #: The agent that writes it (``claude``, ``codex``, ``swe-agent``, ...).
    agent: str = ""

    @abc.abstractmethod
    def sniff(self, head: bytes, path: Path) -> bool:
        """Whether the file whose first bytes are *head* is in this format."""

    @abc.abstractmethod
    def scan(self, path: Path, data: bytes) -> list[Session]:
        """The sessions in *data* (the whole file); raise ValueError with a reason if it is damaged."""

    def scan_file(self, path: Path, handle: BinaryIO) -> list[Session]:
        """The sessions in the open file *handle* (binary, at its start, after a byte order mark if the
        file has one), as :meth:`scan` reads them.

        By default the whole file is read and given to :meth:`scan`; a reader of a line-based format
        whose files grow large reads it a line at a time instead (``for line in handle``), so that its
        memory does not grow with the file.
        """
        return self.scan(path, handle.read())

    def locations(self, environ: Mapping[str, str]) -> list[Path]:
        """Where the agent keeps these logs by default (``analyze --claude`` reads them)."""
        return []


class FileResult(msgspec.Struct):
    """What one file gave: its sessions, or why it could not be read."""

    path: str
    sessions: list[Session] = msgspec.field(default_factory=list)
    error: str | None = None
    #: The file is not a log at all (empty, or in no format a reader knows), as opposed to a damaged
    #: one: inside a directory that is a warning, not an error.
    skipped: bool = False


# ------------------------------------------------------------------------------------------------
# Finding files


def discover(paths: Iterable[Path]) -> tuple[list[str], list[FileResult]]:
    """Files to read under *paths* (directories searched recursively) and the paths that do not exist.

    Inside a directory only log-like names are read (``*.jsonl``, ``*.json``, ``*.ndjson``,
    ``*.traj``), hidden files are skipped, and a journal is skipped when its run's ``.json`` exists.
    """
    files: list[str] = []
    missing: list[FileResult] = []
    for path in paths:
        if path.is_dir():
            files.extend(_walk(path))
        elif (problem := file_problem(path)) is None:
            files.append(str(path))
        else:
            missing.append(FileResult(str(path), error=f"{path}: {problem}"))
    return files, missing


def _walk(directory: Path) -> Iterator[str]:
    # Each file named as Path(root, name) names it, without building a Path per file (a third of the
    # walk's time): "DIR/…", and, under ".", without the "./" that os.walk puts in front.
    cut = 2 if str(directory) == "." else 0
    for root, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        present = set(names)
        for name in sorted(names):
            if name.startswith(".") or not name.endswith(LOG_SUFFIXES):
                continue
            if name.endswith(".journal.jsonl") and name[: -len(".journal.jsonl")] + ".json" in present:
                continue
            yield os.path.join(root, name)[cut:]


# ------------------------------------------------------------------------------------------------
# Reading


def read_file(readers: Sequence[LogReader], path: Path) -> FileResult:
    """The sessions of one file, read by the first reader that recognises it."""
    return _read(readers, path)[0]


def _read(readers: Sequence[LogReader], name: str | Path) -> tuple[FileResult, bool]:
    """What file *name* gave, and whether that may be cached (not when the file could not be opened).

    Only the first :data:`HEAD_BYTES` are read until a reader recognises the file, so a tree of
    other JSON files (configs, ``package.json``) costs a few kilobytes each.
    """
    path = Path(name)
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
            # A byte order mark (a log saved by a Windows editor or PowerShell) is no part of the log.
            bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
            head = head[bom:]
            if not head.strip():
                return FileResult(str(path), error=f"{path}: empty file", skipped=True), True
            reader = _sniff(readers, head, path)
            if reader is None:
                names = ", ".join(sorted({r.name for r in readers}))
                error = f"{path}: not a log format autopilot reads ({names})"
                return FileResult(str(path), error=error, skipped=True), True
            handle.seek(bom)
            try:
                sessions = reader.scan_file(path, handle)
            except TrajectoryError as exc:
                return FileResult(str(path), error=str(exc)), True
            except (ValueError, BadInputError, KeyError, TypeError, AttributeError) as exc:
                return FileResult(str(path), error=f"{path}: not a readable {reader.name} log: {exc}"), True
    except OSError as exc:
        return FileResult(str(path), error=f"{path}: cannot read: {exc.strerror}"), False
    for session in sessions:
        drop_impossible_calls(session)
    return FileResult(str(path), sessions=sessions), True


def log_format(readers: Sequence[LogReader], path: Path) -> str | None:
    """The name of the format *path* is in (``codex-exec-json``), by its first bytes; None when no
    reader recognises it or it is no regular file (a FIFO is never opened)."""
    if file_problem(path) is not None:
        return None
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return None
    reader = _sniff(readers, head, path)
    return None if reader is None else reader.name


def _sniff(readers: Sequence[LogReader], head: bytes, path: Path) -> LogReader | None:
    """The first reader that recognises a file by its first bytes *head*."""
    if not head.strip():
        return None
    for reader in readers:
        try:
            if reader.sniff(head, path):
                return reader
        except Exception:  # a plugin's broken sniff must not stop the others
            continue
    return None


def _read_chunk(readers: Sequence[LogReader], paths: Sequence[str]) -> list[tuple[bytes, bool]]:
    """A worker's share: each file's result as MessagePack (cheaper to send than pickled objects, and
    what the cache keeps)."""
    encode = msgspec.msgpack.encode
    return [(encode(result), cacheable) for result, cacheable in (_read(readers, p) for p in paths)]


def _chunks(paths: Sequence[str], sizes: Sequence[int], count: int) -> list[list[str]]:
    """*paths* cut, in order, into at most *count* runs of about the same number of bytes."""
    share = max(1, sum(sizes) // count)
    chunks: list[list[str]] = [[]]
    filled = 0
    for path, size in zip(paths, sizes, strict=True):
        if filled >= share:
            chunks.append([])
            filled = 0
        chunks[-1].append(path)
        filled += size
    return chunks


def _workers(paths: Sequence[str], sizes: Sequence[int]) -> int:
    """How many processes should read *paths*: 1 unless there is enough to read to pay for starting more."""
    if len(paths) < 2 or sum(sizes) < PARALLEL_BYTES or not _can_fork():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, 8, len(paths))


def _read_all(
    readers: Sequence[LogReader], paths: list[str], sizes: list[int], *, encode: bool
) -> Iterator[tuple[FileResult, bytes | None, bool]]:
    """What each of *paths* gave, in order, with its MessagePack form when *encode* (for the cache) and
    whether it may be cached. Read on every core when there is enough to read."""
    workers = _workers(paths, sizes)
    if workers == 1:
        for path in paths:
            result, cacheable = _read(readers, path)
            yield result, msgspec.msgpack.encode(result) if encode else None, cacheable
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    decode = msgspec.msgpack.Decoder(FileResult).decode
    # Many small chunks balance the load; contiguous ones keep the results in order, so each is used
    # as it arrives; and only a few are asked for ahead, so results never pile up in this process.
    chunks = _chunks(paths, sizes, max(workers * 4, sum(sizes) // CHUNK_BYTES))
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        pending = deque(pool.submit(_read_chunk, readers, chunk) for chunk in chunks[: workers * 2])
        ahead = iter(chunks[workers * 2 :])
        while pending:
            part = pending.popleft().result()
            chunk = next(ahead, None)
            if chunk is not None:
                pending.append(pool.submit(_read_chunk, readers, chunk))
            for blob, cacheable in part:
                yield decode(blob), blob, cacheable
    finally:
        pool.shutdown(cancel_futures=True)


def _can_fork() -> bool:
    """Forking is safe (and cheap) on POSIX while this process runs no other thread."""
    import threading

    return sys.platform != "win32" and hasattr(os, "fork") and threading.active_count() == 1


def default_cache_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$AUTOPILOT_HOME/cache/logs.sqlite3`` when set, else ``$XDG_CACHE_HOME/autopilot/logs.sqlite3``
    (``~/.cache`` by default)."""
    environ = os.environ if environ is None else environ
    if environ.get("AUTOPILOT_HOME"):
        return Path(environ["AUTOPILOT_HOME"]).expanduser() / "cache" / "logs.sqlite3"
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "autopilot" / "logs.sqlite3"


def scan(
    readers: Sequence[LogReader], paths: Iterable[Path], *, cache_path: Path | None = None
) -> Iterator[FileResult]:
    """What every file under *paths* gave, in a stable order, each result handed on as it is ready.

    With *cache_path*, unchanged files (same size and modification time, read by the same readers)
    are taken from that cache and the others are saved to it; a damaged cache is started afresh.
    """
    paths = list(paths)
    files, missing = discover(paths)
    yield from missing
    from autopilot import __version__  # a new release may read a format differently

    readers_key = f"{CACHE_VERSION}:{__version__}:" + ",".join(
        sorted(f"{type(r).__module__}.{type(r).__name__}" for r in readers)
    )
    cache = SummaryCache.open(cache_path) if cache_path is not None else None
    cached = cache.lookup(files, readers_key) if cache is not None else {}
    # Per file, plain values only (a Path and a stat result each would cost more than its summary).
    # size, modification time, whether to read it; or why it cannot be read
    found: list[tuple[int, int, bool] | str] = []
    todo: list[str] = []
    sizes: list[int] = []
    kept: list[str] = []
    for name in files:
        try:
            info = os.stat(name)
        except OSError:
            found.append(f"{name}: {file_problem(name) or 'cannot read'}")
            continue
        if (problem := file_problem(name, info.st_mode)) is not None:
            found.append(f"{name}: {problem}")
            continue
        read = cached.get(name) != (info.st_size, info.st_mtime_ns)
        found.append((info.st_size, info.st_mtime_ns, read))
        if read:
            todo.append(name)
            sizes.append(info.st_size)
        else:
            kept.append(name)
    fresh = _read_all(readers, todo, sizes, encode=cache is not None)
    held = cache.results(kept) if cache is not None else iter(())
    del todo, sizes, cached
    if cache is not None:
        cache.forget_deleted([p for p in paths if p.is_dir()], set(files))
    try:
        for name, entry in zip(files, found, strict=True):
            if isinstance(entry, str):
                yield FileResult(name, error=entry)
                continue
            size, mtime_ns, read = entry
            result = None if read else next(held)
            if result is None:
                if read:
                    result, blob, cacheable = next(fresh)
                else:  # the cached entry is gone, or could not be decoded after all
                    result, cacheable = _read(readers, name)
                    blob = msgspec.msgpack.encode(result) if cache is not None else None
                if cache is not None and blob is not None and cacheable:
                    cache.put(name, size, mtime_ns, readers_key, blob)
            yield result
    finally:
        fresh.close()
        if cache is not None:
            cache.close()


class SummaryCache:
    """What each log file gave, kept between calls in an SQLite file, keyed by path.

    An entry is used only while the file has the same size and modification time and the same readers
    (and reader code version, :data:`CACHE_VERSION`, and autopilot version) would read it. Only the
    files asked about are looked up, so a cache of every log ever read costs a call nothing for the
    files it does not read; a call that reads a directory drops the entries of the files deleted from it.
    The cache is only ever an optimisation: a damaged file is replaced by an empty cache, and a cache
    that cannot be opened or written (read-only, locked by another process too long) is not used.
    """

    #: The layout of the table; an older layout is dropped and started again.
    SCHEMA = 1

    def __init__(self, db: Any) -> None:
        self._db = db
        self._decode = msgspec.msgpack.Decoder(FileResult).decode

    @classmethod
    def open(cls, path: Path) -> SummaryCache | None:
        """The cache at *path* (created if missing); None if it cannot be used."""
        import sqlite3

        for _ in range(2):
            db = None
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.touch(mode=0o600)  # the user's own: it names their projects (journals copy the mode)
                db = sqlite3.connect(path, timeout=2.0)
                db.execute("PRAGMA synchronous = OFF")  # a cache needs no durability, only consistency
                if db.execute("PRAGMA user_version").fetchone()[0] != cls.SCHEMA:
                    db.executescript(
                        f"""
                        DROP TABLE IF EXISTS files;
                        CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,
                                            readers TEXT, result BLOB);
                        PRAGMA user_version = {cls.SCHEMA};
                        """
                    )
                return cls(db)
            except sqlite3.Error as exc:
                if db is not None:
                    db.close()
                damaged = (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT)
                if getattr(exc, "sqlite_errorcode", None) not in damaged:
                    return None  # locked, read-only, ...: do without the cache this time
                path.unlink(missing_ok=True)  # damaged: start again with an empty cache
            except OSError:
                return None
        return None

    def lookup(self, paths: Sequence[str], readers: str) -> dict[str, tuple[int, int]]:
        """The size and modification time each of *paths* had when the same *readers* read it (the
        paths without such an entry are left out), a few hundred paths to a query."""
        found: dict[str, tuple[int, int]] = {}
        for batch in _batches(paths):
            rows = self._all(
                f"SELECT path, size, mtime_ns FROM files WHERE readers = ? AND path IN ({_marks(batch)})",
                (readers, *batch),
            )
            found.update((path, (size, mtime_ns)) for path, size, mtime_ns in rows)
        return found

    def results(self, paths: Iterable[str]) -> Iterator[FileResult | None]:
        """The cached result of each of *paths*, in order (None: no entry, or one that cannot be
        decoded), fetched a few hundred at a time so that they are never all in memory at once."""
        for batch in _batches(paths):
            rows = dict(self._all(f"SELECT path, result FROM files WHERE path IN ({_marks(batch)})", batch))
            for path in batch:
                blob = rows.get(path)
                yield None if blob is None else self._decoded(blob)

    def _decoded(self, result: bytes) -> FileResult | None:
        try:
            return self._decode(result)
        except (msgspec.DecodeError, msgspec.ValidationError, TypeError):
            return None

    def forget_deleted(self, directories: Sequence[Path], present: set[str]) -> None:
        """Drop the entries of files under *directories* that are no longer there (*present*: the
        log files found under them now), so that the cache does not keep deleted logs for ever."""
        for directory in directories:
            # The files under it are named as discover() names them: "DIR/…" (nothing for "."), and
            # every such name sorts between "DIR/" and "DIR0" ("0" follows "/").
            prefix = str(Path(directory, "x"))[:-1]
            if not prefix.endswith(os.sep):
                continue
            rows = self._all(
                "SELECT path FROM files WHERE path >= ? AND path < ?", (prefix, prefix[:-1] + "0")
            )
            gone = [(path,) for (path,) in rows if path not in present]
            if gone:
                self._many("DELETE FROM files WHERE path = ?", gone)

    def put(self, path: str, size: int, mtime_ns: int, readers: str, result: bytes) -> None:
        """Record what *path* gave (*result*: a :class:`FileResult` as MessagePack)."""
        self._run(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", (path, size, mtime_ns, readers, result)
        )

    def close(self) -> None:
        """Save what was put and close the file."""
        if self._db is None:
            return
        import sqlite3

        with contextlib.suppress(sqlite3.Error):  # not saved: those files are read again next time
            self._db.commit()
        self._db.close()
        self._db = None

    def _run(self, sql: str, parameters: tuple[Any, ...]) -> Any:
        """The first row of *sql*; after a database error the cache is no longer used (None)."""
        return self._execute(lambda db: db.execute(sql, parameters).fetchone())

    def _all(self, sql: str, parameters: tuple[Any, ...]) -> list[Any]:
        """Every row of *sql* (none after a database error)."""
        return self._execute(lambda db: db.execute(sql, parameters).fetchall()) or []

    def _many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        self._execute(lambda db: db.executemany(sql, rows))

    def _execute(self, work: Any) -> Any:
        """*work* done on the database; after a database error the cache is no longer used (None)."""
        if self._db is None:
            return None
        import sqlite3

        try:
            return work(self._db)
        except sqlite3.Error:
            self._db.close()
            self._db = None
            return None


def _batches(paths: Iterable[str]) -> Iterator[tuple[str, ...]]:
    """*paths* in runs of :data:`_LOOKUP_BATCH`, each looked up in the cache by one query."""
    paths = iter(paths)
    while batch := tuple(itertools.islice(paths, _LOOKUP_BATCH)):
        yield batch


def _marks(batch: Sequence[str]) -> str:
    """One SQL parameter for each of *batch*: ``?, ?, ?``."""
    return ", ".join("?" * len(batch))


# ------------------------------------------------------------------------------------------------
# autopilot's own trajectories and journals


class TrajectoryReader(LogReader):
    """autopilot trajectories (``.json``) and journals of killed runs (``.journal.jsonl``)."""

    name = "autopilot"
    agent = ""

    #: A trajectory starts with its integer ``schema_version`` and names its ``run_id`` (other JSON
    #: files with a ``schema_version``, ATIF's ``"ATIF-v1.5"`` included, are not trajectories).
    _VERSION = re.compile(rb'^\s*\{\s*"schema_version"\s*:\s*\d')

    def sniff(self, head: bytes, path: Path) -> bool:
        if head.startswith(b'{"record":"header"'):
            return True
        return bool(self._VERSION.match(head)) and b'"run_id"' in head

    def scan(self, path: Path, data: bytes) -> list[Session]:
        from autopilot.core.trajectory.files import load_trajectory

        return [session_of_run(load_trajectory(path))]


def session_of_run(loaded: Any) -> Session:
    """A recorded run (a :class:`~autopilot.core.trajectory.files.LoadedRun`) as a session."""
    from autopilot.core.trajectory.analysis import tool_figures

    run = loaded.run
    calls = [
        Call(
            step.ts,
            step.model or run.model,
            step.usage.input_tokens,
            step.usage.output_tokens,
            step.usage.cache_read_tokens,
            step.usage.cache_creation_tokens,
            step.usage.cache_creation_1h_tokens,
            cost=step.usage.cost_usd,
        )
        for step in run.steps
        if step.usage is not None
    ]
    if not calls and run.usage.total_tokens:
        # Old trajectories and backends that report only totals: one call with the run's usage.
        usage = run.usage
        calls = [
            Call(
                run.started_at,
                run.model,
                usage.input_tokens,
                usage.output_tokens,
                usage.cache_read_tokens,
                usage.cache_creation_tokens,
                usage.cache_creation_1h_tokens,
                cost=usage.cost_usd,
            )
        ]
    tools = {
        name: ToolStat(figures.calls, figures.errors, tuple(figures.latencies_ms))
        for name, figures in tool_figures(run.steps).items()
    }
    return Session(
        path=str(loaded.path),
        kind=loaded.kind,
        agent=run.agent,
        session_id=run.run_id,
        calls=calls,
        model=run.model,
        started_at=run.started_at,
        ended_at=run.ended_at,
        status=run.result.status,
        cwd=run.cwd or None,
        # As an agent's own log is grouped: by the directory it worked in, when no project names it.
        project=run.project or (Path(run.cwd).name if run.cwd else None),
        branch=run.branch,
        issue=run.issue_id,
        commit=run.repo_sha,
        agent_session_ids=list(run.session_ids or ([run.session_id] if run.session_id else [])),
        duration_ms=run.result.duration_ms,
        num_turns=run.result.num_turns,
        steps=len(run.steps),
        tools=tools,
        cost_usd=None if calls else run.usage.cost_usd,
        warnings=list(loaded.warnings),
    )
