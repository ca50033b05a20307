"""The web UI's view of the trajectory directory: run summaries, step pages, search.

:class:`RunIndex` keeps one summary per run, keyed by the run's base path relative to the directory
(``20260102/120000-fix-tests``), and refreshes itself by listing the directory and comparing each
file's (mtime, size) with what it read last: a finished run is read once, a running one again only
when its journal has grown, so listing a thousand runs never re-reads a thousand files.

:class:`StepFile` finds where each step starts in a trajectory file (the final ``.json`` has one step
per line, the journal one record per line), so a page of a 10,000-step run is read by seeking to its
first step and decoding only that page.

Nothing here opens a path taken from a URL: runs are looked up by key among the files the scan found,
and the scan keeps only files whose real path lies inside the repository (symlinks pointing outside
are skipped).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, NamedTuple

from autopilot.core.errors import TrajectoryError
from autopilot.core.processes import read_pid_files
from autopilot.core.trajectory.analysis import run_figures
from autopilot.core.trajectory.files import JOURNAL_SUFFIX, JSON_SUFFIX, load_trajectory

#: Statuses of a journal whose run has no ``end`` record.
UNFINISHED: Final = frozenset({"running", "incomplete"})
#: A journal written to this recently counts as running even without a live pid file (a run that is
#: starting writes its journal before its pid file).
FRESH_SECONDS: Final = 10.0
#: Step files whose offsets are kept (a page view of a run reuses them).
STEP_FILES_CACHED: Final = 16

_STEP_RECORD: Final = b'{"record":"step"'


class _File(NamedTuple):
    """A trajectory file found by the scan."""

    key: str
    path: str
    kind: str
    version: tuple[int, int]
    mtime: float


@dataclass(frozen=True)
class RunEntry:
    """One run as the UI lists it.

    Attributes:
        key: The run's address in the UI (its base path relative to the trajectory directory).
        path: The file read: the final ``.json``, or the journal of a run that is running, was cut off
            or is being resumed.
        kind: ``json`` or ``journal``.
        version: ``(mtime_ns, size)`` of *path* when it was read.
        summary: Redacted figures (status, agent, model, issue, cost, tokens, turns, duration, ...);
            for a broken file only ``status`` (``broken``) and ``run_id``.
        error: Why the file could not be read (redacted), or None.
    """

    key: str
    path: Path
    kind: str
    version: tuple[int, int]
    summary: dict[str, Any]
    error: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def broken(self) -> bool:
        return self.error is not None

    def get(self, name: str, default: Any = None) -> Any:
        return self.summary.get(name, default)


def _summary(loaded: Any) -> dict[str, Any]:
    """The figures the runs page shows, from a loaded run (before redaction)."""
    run = loaded.run
    figures = run_figures(loaded).to_dict()
    usage = run.usage
    return {
        "run_id": run.run_id,
        "status": run.result.status,
        "success": run.result.success,
        "agent": run.agent,
        "model": run.model,
        "issue_id": run.issue_id,
        "project": run.project,
        "prompt": run.prompt,
        "cwd": run.cwd,
        "branch": run.branch,
        "repo_sha": run.repo_sha,
        "session_id": run.session_id,
        "started_at": run.started_at,
        "ended_at": run.ended_at,
        "cost_usd": round(usage.cost_usd, 6),
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cache_read_tokens": usage.cache_read_tokens,
        "cache_creation_tokens": usage.cache_creation_tokens,
        "total_tokens": usage.total_tokens,
        "num_turns": run.result.num_turns,
        "duration_ms": run.result.duration_ms,
        "steps": figures["steps"],
        "tool_calls": figures["tool_calls"],
        "tool_errors": figures["tool_errors"],
        "stop_reason": run.result.stop_reason,
        "error": run.result.error,
        "final_text": run.result.final_text,
        "resumes": len(run.resumes),
        "imported_from": (run.limits or {}).get("imported_from"),
    }


class RunIndex:
    """Summaries of every run under *root*, refreshed from the files' (mtime, size).

    Args:
        root: The trajectory directory (``docs/logs`` or the configured output directory).
        repo: The repository; files whose real path lies outside it are never read.
        redact: Applied to every summary and error before it is kept (``Hooks.redact_obj``).
        min_interval: Seconds between two looks at every file (a journal growing in place); directories
            are looked at on every call.
    """

    def __init__(
        self,
        root: Path,
        repo: Path,
        redact: Callable[[Any], Any],
        *,
        min_interval: float = 0.5,
    ) -> None:
        self.root = root
        self.repo = repo.resolve()
        # Files are read only where their real path lies: in the repository or the trajectory directory.
        self._allowed = (self.repo, root.resolve())
        self.redact = redact
        self.min_interval = min_interval
        self._lock = threading.Lock()
        self._entries: dict[str, RunEntry] = {}
        self._ordered: list[RunEntry] = []
        self._listed_at = float("-inf")
        self._live: frozenset[str] = frozenset()
        self._mtimes: dict[str, float] = {}
        self._closed = threading.Event()
        # Directory -> (its mtime, its trajectory files, its subdirectories): see _listing.
        self._directories: dict[str, tuple[int, list[_File], list[tuple[str, str]]]] = {}

    # -- scanning -----------------------------------------------------------------------------------

    def _inside(self, path: Path) -> bool:
        try:
            real = path.resolve()
        except OSError:
            return False
        return any(real.is_relative_to(allowed) for allowed in self._allowed)

    def _listing(
        self, directory: str, prefix: str, *, restat: bool
    ) -> tuple[list[_File], list[tuple[str, str]], bool]:
        """Trajectory files and subdirectories of one directory, and whether it was read again.

        The names come from the cache while the directory's mtime holds (a file appears, goes or is
        renamed into place only by changing it); with *restat*, each file is looked at again (one
        ``stat``: a journal grows in place, a file may be edited in place).
        """
        try:
            mtime = os.stat(directory).st_mtime_ns
        except OSError:
            return [], [], True
        cached = self._directories.get(directory)
        # A directory changed in the last two seconds is read again: a filesystem with coarse
        # timestamps could show the same mtime after a second change.
        if cached is not None and cached[0] == mtime and time.time_ns() - mtime > 2_000_000_000:
            files = [f for f in map(self._restat, cached[1]) if f is not None] if restat else cached[1]
            return files, cached[2], False
        files, subdirectories = [], []
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    name = entry.name
                    if name.startswith("."):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        subdirectories.append((entry.path, prefix + name + "/"))
                        continue
                    kind = (
                        "journal"
                        if name.endswith(JOURNAL_SUFFIX)
                        else "json"
                        if name.endswith(JSON_SUFFIX)
                        else None
                    )
                    if kind is None or (entry.is_symlink() and not self._inside(Path(entry.path))):
                        continue
                    try:
                        stat = entry.stat()
                    except OSError:
                        continue
                    suffix = JOURNAL_SUFFIX if kind == "journal" else JSON_SUFFIX
                    files.append(
                        _File(
                            prefix + name[: -len(suffix)],
                            entry.path,
                            kind,
                            (stat.st_mtime_ns, stat.st_size),
                            stat.st_mtime,
                        )
                    )
        except OSError:
            return [], [], True
        self._directories[directory] = (mtime, files, subdirectories)
        return files, subdirectories, True

    @staticmethod
    def _restat(file: _File) -> _File | None:
        try:
            stat = os.stat(file.path)
        except OSError:
            return None
        return _File(file.key, file.path, file.kind, (stat.st_mtime_ns, stat.st_size), stat.st_mtime)

    def _files(self, *, restat: bool) -> tuple[dict[str, _File], bool]:
        """Every trajectory file under the root, by key (a run's journal wins over its older .json),
        and whether any directory changed since the last listing."""
        found: dict[str, _File] = {}
        if not self.root.is_dir() or not self._inside(self.root):
            return found, bool(self._directories)
        pending = [(str(self.root), "")]
        seen = set()
        changed = False
        while pending:
            directory, prefix = pending.pop()
            seen.add(directory)
            files, subdirectories, reread = self._listing(directory, prefix, restat=restat)
            changed = changed or reread
            pending.extend(subdirectories)
            for file in files:
                known = found.get(file.key)
                # A journal newer than the .json beside it is a resumption in progress (or cut off).
                if known is None or (file.kind == "journal" and file.version[0] >= known.version[0]):
                    found[file.key] = file
        for gone in set(self._directories) - seen:
            del self._directories[gone]
            changed = True
        return found, changed

    def _read(self, key: str, path: Path, kind: str, version: tuple[int, int]) -> RunEntry:
        try:
            loaded = load_trajectory(path)
        except TrajectoryError as exc:
            reason = str(exc).replace(str(self.root) + os.sep, "")
            return RunEntry(
                key,
                path,
                kind,
                version,
                {"status": "broken", "run_id": key.rsplit("/", 1)[-1]},
                error=self.redact(reason),
            )
        summary = self.redact(_summary(loaded))
        warnings = tuple(self.redact([w.replace(str(self.root) + os.sep, "") for w in loaded.warnings]))
        return RunEntry(key, path, kind, version, summary, warnings=warnings)

    def refresh(self, *, force: bool = False) -> None:
        """Bring the summaries up to date and read the files that changed.

        Every call looks at each directory (a run that was added or finished shows at once); each
        file is looked at again at most every ``min_interval`` seconds (a running journal's growth).
        """
        with self._lock:
            now = time.monotonic()
            restat = force or now - self._listed_at >= self.min_interval
            files, changed = self._files(restat=restat)
            if not restat and not changed:
                return
            entries: dict[str, RunEntry] = {}
            for key, file in files.items():
                if self._closed.is_set():
                    return  # the server is stopping: leave the rest unread
                old = self._entries.get(key)
                path = Path(file.path)
                if old is not None and old.path == path and old.version == file.version:
                    entries[key] = old
                else:
                    entries[key] = self._read(key, path, file.kind, file.version)
            if any(e.kind == "journal" for e in entries.values()):
                self._live = frozenset(r.run_id for r in read_pid_files() if r.owner_alive())
            self._entries = entries
            self._ordered = sorted(
                entries.values(), key=lambda e: (e.get("started_at") or "", e.key), reverse=True
            )
            self._mtimes = {key: file.mtime for key, file in files.items()}
            if restat:
                self._listed_at = time.monotonic()

    def close(self) -> None:
        """Stop reading: a refresh under way returns at the next file (the server is stopping)."""
        self._closed.set()

    # -- reading ------------------------------------------------------------------------------------

    @property
    def exists(self) -> bool:
        return self.root.is_dir()

    def entries(self) -> list[RunEntry]:
        """Every run, newest first."""
        self.refresh()
        return self._ordered

    def get(self, key: str) -> RunEntry | None:
        """The run at *key*, or None (the directory is listed again first if it is not known yet)."""
        self.refresh()
        entry = self._entries.get(key)
        if entry is None:
            self.refresh(force=True)
            entry = self._entries.get(key)
        return entry

    def by_run_id(self, run_id: str) -> RunEntry | None:
        """The run whose id is *run_id* (the most recent file if several claim it)."""
        for attempt in (False, True):
            self.refresh(force=attempt)
            for entry in self._ordered:
                if entry.get("run_id") == run_id and not entry.broken:
                    return entry
        return None

    def status(self, entry: RunEntry) -> str:
        """The status to show: a journal without an end record is ``running`` while its run lives."""
        status = str(entry.get("status") or "unknown")
        if entry.kind == "journal" and status in UNFINISHED:
            return "running" if self.is_live(entry) else "incomplete"
        return status

    def is_live(self, entry: RunEntry) -> bool:
        """Whether the run of a journal is still being recorded (its autopilot process lives)."""
        if entry.kind != "journal" or entry.get("status") not in UNFINISHED:
            return False
        if entry.get("run_id") in self._live:
            return True
        return time.time() - self._mtimes.get(entry.key, 0.0) < FRESH_SECONDS


def owner_alive(run_id: str) -> bool:
    """Whether an autopilot process recording *run_id* is alive (its pid file says so)."""
    return any(r.run_id == run_id and r.owner_alive() for r in read_pid_files())


# ------------------------------------------------------------------------------------------------
# Steps of one file, by offset


def _decode_step(line: bytes, kind: str) -> dict[str, Any] | None:
    """The step dict on a line of a journal or of a final ``.json`` (None when it holds no step)."""
    try:
        if kind == "journal":
            if not line.startswith(_STEP_RECORD):
                return None
            record = json.loads(line)
            step = record.get("step") if isinstance(record, dict) else None
        else:
            step = json.loads(line.rstrip().rstrip(b","))
    except ValueError:
        return None
    return step if isinstance(step, dict) else None


@dataclass
class StepFile:
    """Where each step of one trajectory file starts, and what a page of them needs.

    Built by one pass over the file (see :meth:`scan`). For a file that does not have one step per
    line (a ``.json`` written by another tool), the steps are kept in memory instead.

    Attributes:
        offsets: Byte offset of each step's line.
        results: For each step that is a tool call, the number of the step holding its result.
        turns: Per model turn: ``(step, input, output, cache_read, cache_write, cost_usd)``.
        tool_use_ids: The number of each tool call by ``tool_use_id``.
    """

    path: Path
    kind: str
    version: tuple[int, int]
    offsets: array[int] = field(default_factory=lambda: array("q"))
    results: dict[int, int] = field(default_factory=dict)
    turns: list[tuple[int, int, int, int, int, float]] = field(default_factory=list)
    in_memory: list[dict[str, Any]] | None = None

    def __len__(self) -> int:
        return len(self.in_memory) if self.in_memory is not None else len(self.offsets)

    @classmethod
    def scan(cls, path: Path, kind: str, version: tuple[int, int]) -> StepFile:
        """Read *path* once, line by line, noting each step's offset, call→result pairs and turns."""
        found = cls(path, kind, version)
        calls: dict[str, int] = {}
        with path.open("rb") as handle:
            offset = 0
            if kind == "journal":
                for line in handle:
                    start, offset = offset, offset + len(line)
                    step = _decode_step(line, kind) if line.endswith(b"\n") else None
                    if step is not None:
                        found._note(start, step, calls)
                return found
            # A final .json as autopilot writes it: ``  "steps": [`` then one step per line.
            inside = False
            for line in handle:
                start, offset = offset, offset + len(line)
                if not inside:
                    text = line.rstrip(b"\r\n")
                    if text == b'  "steps": [],':
                        return found
                    inside = text == b'  "steps": ['
                    continue
                if line.startswith(b"  ]"):
                    return found
                step = _decode_step(line, kind)
                if step is None:
                    break
                found._note(start, step, calls)
        return cls._whole(path, kind, version)

    @classmethod
    def _whole(cls, path: Path, kind: str, version: tuple[int, int]) -> StepFile:
        """A ``.json`` laid out differently: parse it whole and keep its steps."""
        found = cls(path, kind, version, in_memory=[])
        calls: dict[str, int] = {}
        try:
            data = json.loads(path.read_bytes())
        except ValueError:
            return found
        steps = data.get("steps") if isinstance(data, dict) else None
        for step in steps if isinstance(steps, list) else []:
            if isinstance(step, dict):
                found._note(0, step, calls)
        return found

    def _note(self, offset: int, step: dict[str, Any], calls: dict[str, int]) -> None:
        number = len(self)
        if self.in_memory is not None:
            self.in_memory.append(step)
        else:
            self.offsets.append(offset)
        kind = step.get("type")
        use_id = step.get("tool_use_id")
        if kind == "tool_call" and isinstance(use_id, str):
            calls[use_id] = number
        elif kind == "tool_result" and isinstance(use_id, str) and use_id in calls:
            self.results[calls.pop(use_id)] = number
        usage = step.get("usage")
        if isinstance(usage, dict):
            with contextlib.suppress(TypeError, ValueError):
                self.turns.append(
                    (
                        number,
                        int(usage.get("input_tokens") or 0),
                        int(usage.get("output_tokens") or 0),
                        int(usage.get("cache_read_tokens") or 0),
                        int(usage.get("cache_creation_tokens") or 0),
                        float(usage.get("cost_usd") or 0.0),
                    )
                )

    @property
    def calls(self) -> dict[int, int]:
        """Result step number → call step number."""
        return {result: call for call, result in self.results.items()}

    def read(self, numbers: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The steps numbered *numbers* (as stored, not yet redacted)."""
        wanted = sorted({n for n in numbers if 0 <= n < len(self)})
        if self.in_memory is not None:
            return {n: self.in_memory[n] for n in wanted}
        out: dict[int, dict[str, Any]] = {}
        with self.path.open("rb") as handle:
            for number in wanted:
                handle.seek(self.offsets[number])
                step = _decode_step(handle.readline(), self.kind)
                if step is not None:
                    out[number] = step
        return out

    def iter_range(self, start: int, stop: int) -> Iterator[tuple[int, dict[str, Any]]]:
        """Steps ``start <= n < stop`` in order."""
        steps = self.read(range(start, min(stop, len(self))))
        yield from sorted(steps.items())


class StepFiles:
    """A few recently used :class:`StepFile` objects, rebuilt when their file changes."""

    def __init__(self, size: int = STEP_FILES_CACHED) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._cache: OrderedDict[Path, StepFile] = OrderedDict()

    def get(self, path: Path, kind: str) -> StepFile:
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._cache.get(path)
            if cached is not None and cached.version == version:
                self._cache.move_to_end(path)
                return cached
        built = StepFile.scan(path, kind, version)
        with self._lock:
            self._cache[path] = built
            self._cache.move_to_end(path)
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return built


def step_text(step: dict[str, Any]) -> str:
    """The searchable text of a step: its message, tool input and output."""
    parts = [step.get("text"), step.get("output"), step.get("tool")]
    if step.get("input") is not None:
        parts.append(json.dumps(step["input"], ensure_ascii=False, default=str))
    return "\n".join(p for p in parts if isinstance(p, str))


def search_file(path: Path, kind: str, needle: str) -> tuple[int, str] | None:
    """The first step of *path* whose text contains *needle* (case-insensitive): ``(number, text)``.

    A quick test of the file's bytes first, so files without the word are not decoded.
    """
    folded = needle.casefold()
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    escaped = json.dumps(needle, ensure_ascii=False)[1:-1]
    lowered = raw.lower()
    if needle.lower().encode() not in lowered and escaped.lower().encode() not in lowered:
        return None
    number = 0
    for line in raw.splitlines():
        step = _decode_step(line, kind)
        if step is None or "type" not in step:  # a run compacted onto one line is no step
            continue
        text = step_text(step)
        if folded in text.casefold():
            return number, text
        number += 1
    if number or kind != "json":
        return None
    # A .json laid out differently (another tool's, or reformatted with an indent): parse it whole.
    steps = StepFile._whole(path, kind, (0, 0)).in_memory or []
    for number, step in enumerate(steps):
        text = step_text(step)
        if folded in text.casefold():
            return number, text
    return None


def snippet(text: str, needle: str, width: int = 80) -> str:
    """*text* around the first place *needle* occurs, on one line."""
    flat = " ".join(text.split())
    at = flat.casefold().find(needle.casefold())
    if at < 0:
        return flat[: 2 * width]
    start = max(0, at - width)
    end = min(len(flat), at + len(needle) + width)
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")
