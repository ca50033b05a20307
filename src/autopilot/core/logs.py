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
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import msgspec

from autopilot.core.errors import BadInputError, TrajectoryError
from autopilot.core.usage import Call, Session, ToolStat

#: Bump when a reader's output changes, so cached summaries from the older code are not used.
CACHE_VERSION: Final = 2
#: How much of a file readers see to recognise it.
HEAD_BYTES: Final = 8192
#: Below this many bytes to read, one process reads them all (starting workers costs more).
PARALLEL_BYTES: Final = 8 * 1024 * 1024
#: File names looked at inside a directory (given files are always read).
LOG_SUFFIXES: Final = (".jsonl", ".json", ".ndjson", ".traj")


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

    def locations(self, environ: Mapping[str, str]) -> list[Path]:
        """Where the agent keeps these logs by default (``analyze --claude`` reads them)."""
        return []


class FileResult(msgspec.Struct):
    """What one file gave: its sessions, or why it could not be read."""

    path: str
    sessions: list[Session] = msgspec.field(default_factory=list)
    error: str | None = None


class _CacheEntry(msgspec.Struct, array_like=True):
    size: int
    mtime_ns: int
    result: FileResult


class _Cache(msgspec.Struct):
    key: str
    files: dict[str, _CacheEntry] = msgspec.field(default_factory=dict)


# ------------------------------------------------------------------------------------------------
# Finding files


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[FileResult]]:
    """Files to read under *paths* (directories searched recursively) and the paths that do not exist.

    Inside a directory only log-like names are read (``*.jsonl``, ``*.json``, ``*.ndjson``,
    ``*.traj``), hidden files are skipped, and a journal is skipped when its run's ``.json`` exists.
    """
    files: list[Path] = []
    missing: list[FileResult] = []
    for path in paths:
        if path.is_dir():
            files.extend(_walk(path))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(FileResult(str(path), error=f"{path}: no such file or directory"))
    return files, missing


def _walk(directory: Path) -> Iterator[Path]:
    for root, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        present = set(names)
        for name in sorted(names):
            if name.startswith(".") or not name.endswith(LOG_SUFFIXES):
                continue
            if name.endswith(".journal.jsonl") and name[: -len(".journal.jsonl")] + ".json" in present:
                continue
            yield Path(root, name)


# ------------------------------------------------------------------------------------------------
# Reading


def read_file(readers: Sequence[LogReader], path: Path) -> FileResult:
    """The sessions of one file, read by the first reader that recognises it."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return FileResult(str(path), error=f"{path}: cannot read: {exc.strerror}")
    if not data.strip():
        return FileResult(str(path), error=f"{path}: empty file")
    head = data[:HEAD_BYTES]
    for reader in readers:
        try:
            recognised = reader.sniff(head, path)
        except Exception:
            recognised = False
        if not recognised:
            continue
        try:
            sessions = reader.scan(path, data)
        except TrajectoryError as exc:
            return FileResult(str(path), error=str(exc))
        except (ValueError, BadInputError, KeyError, TypeError, AttributeError) as exc:
            return FileResult(str(path), error=f"{path}: not a readable {reader.name} log: {exc}")
        return FileResult(str(path), sessions=sessions)
    names = ", ".join(sorted({r.name for r in readers}))
    return FileResult(str(path), error=f"{path}: not a log format autopilot reads ({names})")


def _read_chunk(readers: Sequence[LogReader], paths: Sequence[Path]) -> list[FileResult]:
    return [read_file(readers, path) for path in paths]


def _chunks(paths: Sequence[Path], sizes: Sequence[int], count: int) -> list[list[Path]]:
    """*paths* split into about *count* lists of similar total size, largest files first."""
    bins: list[list[Path]] = [[] for _ in range(count)]
    totals = [0] * count
    for size, path in sorted(zip(sizes, paths, strict=True), key=lambda item: -item[0]):
        smallest = totals.index(min(totals))
        bins[smallest].append(path)
        totals[smallest] += size
    return [b for b in bins if b]


def _read_all(readers: Sequence[LogReader], paths: list[Path], sizes: list[int]) -> dict[Path, FileResult]:
    workers = min(os.cpu_count() or 1, 8)
    if workers > 1 and sum(sizes) >= PARALLEL_BYTES and len(paths) > 1 and _can_fork():
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        chunks = _chunks(paths, sizes, workers * 4)
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = [r for part in pool.map(_read_chunk, [readers] * len(chunks), chunks) for r in part]
        return {Path(r.path): r for r in results}
    return {path: read_file(readers, path) for path in paths}


def _can_fork() -> bool:
    """Forking is safe (and cheap) on POSIX while this process runs no other thread."""
    import threading

    return sys.platform != "win32" and hasattr(os, "fork") and threading.active_count() == 1


def default_cache_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$AUTOPILOT_HOME/cache/logs.msgpack`` when set, else ``$XDG_CACHE_HOME/autopilot/logs.msgpack``
    (``~/.cache`` by default)."""
    environ = os.environ if environ is None else environ
    if environ.get("AUTOPILOT_HOME"):
        return Path(environ["AUTOPILOT_HOME"]).expanduser() / "cache" / "logs.msgpack"
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "autopilot" / "logs.msgpack"


def scan(
    readers: Sequence[LogReader],
    paths: Iterable[Path],
    *,
    cache_path: Path | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> Iterator[FileResult]:
    """What every file under *paths* gave, in a stable order (cached results for unchanged files).

    With *cache_path*, results are taken from and saved to that cache; a damaged cache is ignored.
    """
    files, missing = discover(paths)
    yield from missing
    key = f"{CACHE_VERSION}:" + ",".join(sorted(f"{type(r).__module__}.{type(r).__name__}" for r in readers))
    cache = _load_cache(cache_path, key)
    stats: dict[Path, os.stat_result] = {}
    todo: list[Path] = []
    for path in files:
        try:
            stats[path] = path.stat()
        except OSError:
            continue
        entry = cache.files.get(str(path))
        if entry is None or entry.size != stats[path].st_size or entry.mtime_ns != stats[path].st_mtime_ns:
            todo.append(path)
    fresh = _read_all(readers, todo, [stats[p].st_size for p in todo]) if todo else {}
    changed = False
    for path in files:
        if path not in stats:
            yield FileResult(str(path), error=f"{path}: cannot read")
            continue
        result = fresh.get(path)
        if result is None:
            result = cache.files[str(path)].result
        else:
            stat = stats[path]
            cache.files[str(path)] = _CacheEntry(stat.st_size, stat.st_mtime_ns, result)
            changed = True
        yield result
    if cache_path is not None and changed:
        _save_cache(cache_path, cache)


def _load_cache(path: Path | None, key: str) -> _Cache:
    if path is None:
        return _Cache(key)
    try:
        cache = msgspec.msgpack.decode(path.read_bytes(), type=_Cache)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return _Cache(key)
    return cache if cache.key == key else _Cache(key)


def _save_cache(path: Path, cache: _Cache) -> None:
    from autopilot.core.trajectory.files import atomic_writer

    try:
        with atomic_writer(path, durable=False) as handle:
            handle.write(msgspec.msgpack.encode(cache))
    except OSError:
        pass  # a cache that cannot be written only costs time next call


# ------------------------------------------------------------------------------------------------
# autopilot's own trajectories and journals


class TrajectoryReader(LogReader):
    """autopilot trajectories (``.json``) and journals of killed runs (``.journal.jsonl``)."""

    name = "autopilot"
    agent = ""

    def sniff(self, head: bytes, path: Path) -> bool:
        if head.startswith(b'{"record":"header"'):
            return True
        return b'"schema_version"' in head and b'"ATIF-v' not in head

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
        name: ToolStat(figures.calls, figures.errors, figures.latencies_ms)
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
        project=run.project,
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
