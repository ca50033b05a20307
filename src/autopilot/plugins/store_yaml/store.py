"""The YAML issue store's implementation (loaded by :mod:`autopilot.plugins.store_yaml` on first use).

The built-in issue store: one YAML file per issue, project and session under ``.autopilot/``.

- ``.autopilot/issues/<id>.yaml``, ``.autopilot/projects/<name>.yaml``, ``.autopilot/sessions/<run>.yaml``.
- Files are edited with ruamel.yaml's round-trip mode, so a person's comments and key order survive.
- Every write is validated, redacted (the ``redact`` chain), and atomic (temp file + rename).
- Changes to one issue are serialised by an ``fcntl.flock`` on ``.autopilot/.cache/locks/<id>.lock``:
  the claim is decided on a fresh read of the file under that lock, so of N processes claiming at
  once exactly one wins.
- State changes are staged, or with ``commit_policy: per-change`` committed one by one with
  ``Autopilot-Issue:`` / ``Autopilot-Run:`` trailers (``commit: off`` leaves git alone); with the
  default ``per-issue`` the queue commits them with each issue's work.
- Listing 10,000 issues stays fast through ``.autopilot/.cache/issues.marshal``, keyed by each file's
  (mtime_ns, size, inode); the YAML files stay the truth and the cache is never committed.

The module also holds the field-aware three-way merge used by ``autopilot merge-driver``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import io
import json
import marshal
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from autopilot.core.errors import AutopilotError, BadInputError
from autopilot.core.issues import (
    DEFAULT_LEASE_SECONDS,
    PRIORITIES,
    SCHEMA_VERSION,
    Claim,
    Event,
    InvalidIssueError,
    Issue,
    IssueNotFoundError,
    IssueStateError,
    IssueStore,
    MalformedFileError,
    Problem,
    Project,
    Session,
    change_status,
    check_dependencies,
    check_dependency_graph,
    claim_issue,
    format_ts,
    new_issue_id,
    now_utc,
    ready_issues,
    renew_issue_claim,
    resolve_id,
    ts_text,
    validate_issue,
    validate_project,
    validate_project_name,
)
from autopilot.core.trajectory.files import atomic_write_text

if TYPE_CHECKING:
    from autopilot.core.config import Config
    from autopilot.core.hooks import Hooks

CACHE_VERSION: Final = 2
CACHE_FILE: Final = "issues.marshal"


# ------------------------------------------------------------------------------------------------
# YAML helpers


def _rt_yaml() -> YAML:
    yaml = YAML()  # round-trip: comments, key order and quoting survive
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


_SAFE = YAML(typ="safe", pure=True)


def plain(value: Any) -> Any:
    """Round-trip (or safe) YAML data as plain JSON-able Python: dicts, lists, str, numbers, None."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return ts_text(value)
    if isinstance(value, str):
        return str(value)
    return value


def _yaml_error(path: Path, exc: YAMLError) -> MalformedFileError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return MalformedFileError(path, f"not valid YAML: {problem}", line)


def load_rt(path: Path, text: str | None = None) -> CommentedMap:
    """Read a store file for editing; raises MalformedFileError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8") if text is None else text
        data = _rt_yaml().load(text)
    except YAMLError as exc:
        raise _yaml_error(path, exc) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MalformedFileError(path, f"cannot read: {exc}") from None
    if not isinstance(data, CommentedMap):
        raise MalformedFileError(path, f"must be a mapping, not {type(data).__name__}", 1)
    _check_schema(path, data)
    return data


def load_plain(path: Path) -> dict[str, Any]:
    """Read a store file for listing (no comments kept); raises MalformedFileError."""
    try:
        data = _SAFE.load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        raise _yaml_error(path, exc) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MalformedFileError(path, f"cannot read: {exc}") from None
    if not isinstance(data, Mapping):
        raise MalformedFileError(path, f"must be a mapping, not {type(data).__name__}", 1)
    _check_schema(path, data)
    return plain(data)


def _check_schema(path: Path, data: Mapping[str, Any]) -> None:
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or version < 1:
        raise MalformedFileError(path, f"schema_version: {version!r} is not a positive integer")
    if version > SCHEMA_VERSION:
        raise MalformedFileError(
            path,
            f"schema_version {version} is newer than this autopilot understands ({SCHEMA_VERSION}); "
            "perhaps it was written by a later version: upgrade git-autopilot",
        )


def _yaml_value(value: Any) -> Any:
    """A plain value as a nicely dumped YAML node (multi-line strings as ``|`` blocks)."""
    if isinstance(value, str) and "\n" in value:
        return _literal(value)
    if isinstance(value, Mapping):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _yaml_value(v)
        return out
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_yaml_value(v) for v in value)
        if not value:
            seq.fa.set_flow_style()
        return seq
    return value


def _literal(value: str) -> str:
    """A ``|`` block for multi-line text when YAML can keep it exactly; a quoted string otherwise."""
    block = LiteralScalarString(value)
    try:
        if _SAFE.load(dump({"v": block})) == {"v": value}:
            return block
    except YAMLError:
        pass
    return value


def _same(old: Any, new: Any) -> bool:
    return bool(plain(old) == plain(new))


def apply_changes(doc: CommentedMap, data: Mapping[str, Any]) -> None:
    """Make *doc* hold *data*, touching only keys whose value changed (comments and order survive).

    Lists that only grew at the end (the append-only ``events``) are appended to in place.
    """
    for key, value in data.items():
        if key in doc and _same(doc[key], value):
            continue
        old = doc.get(key)
        if (
            isinstance(old, CommentedSeq)
            and isinstance(value, list)
            and len(value) >= len(old)
            and all(_same(a, b) for a, b in zip(old, value, strict=False))
        ):
            for item in value[len(old) :]:
                old.append(_yaml_value(item))
            if old and old.fa.flow_style():
                old.fa.set_block_style()
            continue
        if isinstance(old, CommentedMap) and isinstance(value, Mapping):
            apply_changes(old, value)
            for stale in [k for k in old if k not in value]:
                del old[stale]
            continue
        doc[key] = _yaml_value(value)


def new_document(data: Mapping[str, Any]) -> CommentedMap:
    doc = CommentedMap()
    for key, value in data.items():
        doc[key] = _yaml_value(value)
    return doc


def dump(doc: Any) -> str:
    stream = io.StringIO()
    _rt_yaml().dump(doc, stream)
    return stream.getvalue()


def redact_document(doc: Any, redact: Callable[[str], str]) -> Any:
    """Redact every string value of *doc* in place (keeping its YAML style), returning *doc*."""
    if isinstance(doc, CommentedMap):
        for key in list(doc):
            doc[key] = redact_document(doc[key], redact)
        return doc
    if isinstance(doc, CommentedSeq):
        for index, item in enumerate(doc):
            doc[index] = redact_document(item, redact)
        return doc
    if isinstance(doc, str) and doc:
        cleaned = redact(str(doc))
        if cleaned == str(doc):
            return doc
        return LiteralScalarString(cleaned) if isinstance(doc, LiteralScalarString) else cleaned
    return doc


def render(doc: CommentedMap, path: Path, redact: Callable[[str], str]) -> str:
    """The file text for *doc*, redacted: values one by one, then the whole text (comments too)."""
    redact_document(doc, redact)
    text = dump(doc)
    cleaned = redact(text)
    if cleaned != text:
        # A secret outside the values (a comment, a key): keep the redacted text if it is still the
        # same YAML, else refuse rather than write a secret or a broken file.
        try:
            _SAFE.load(cleaned)
        except YAMLError:
            raise AutopilotError(f"{path}: a secret in a comment or key cannot be redacted safely") from None
        text = cleaned
    return text


# ------------------------------------------------------------------------------------------------
# The store


# A cached issue is a plain tuple (fast to unmarshal, cheap to turn into an Issue):
# (id, title, body, status, priority, labels, project, depends_on, accept, claim, created, updated, events)
# with claim = (holder, run_id, expires) | None and events = ((at, kind, by, data), ...).
Record = tuple[Any, ...]
#: What `ready` decides on: (id, status, claim expiry or None, depends_on).
Summary = tuple[str, str, str | None, tuple[str, ...]]


def issue_to_record(issue: Issue) -> Record:
    claim = (issue.claim.holder, issue.claim.run_id, issue.claim.expires) if issue.claim else None
    return (
        issue.id,
        issue.title,
        issue.body,
        issue.status,
        issue.priority,
        issue.labels,
        issue.project,
        issue.depends_on,
        issue.accept,
        claim,
        issue.created,
        issue.updated,
        tuple((e.at, e.kind, e.by, e.data) for e in issue.events),
    )


def issue_from_record(record: Record, source: str) -> Issue:
    """An Issue from a cached record (validated when it was cached, so no checks here)."""
    claim, events = record[9], record[12]
    return Issue(
        *record[:9],
        Claim(*claim) if claim else None,
        record[10],
        record[11],
        tuple(Event(*e) for e in events),
        source,
    )


class YamlStore(IssueStore):
    """Issues, projects and sessions as YAML files in a directory (normally the repo's ``.autopilot/``)."""

    name = "yaml"

    def __init__(
        self,
        project_dir: Path,
        *,
        redact: Callable[[str], str] = lambda text: text,
        commit: str = "commit",
        policy: str = "per-issue",
        use_cache: bool = True,
    ) -> None:
        super().__init__()
        self.project_dir = Path(project_dir)
        self.root = self.project_dir / ".autopilot"
        self.issues_dir = self.root / "issues"
        self.projects_dir = self.root / "projects"
        self.sessions_dir = self.root / "sessions"
        self.cache_dir = self.root / ".cache"
        self.redact = redact
        self.commit_mode = commit
        self.policy = policy
        self.use_cache = use_cache
        self._cache: dict[str, tuple[Any, ...]] | None = None
        self._root: Path | Literal[False] | None = None
        #: ``.yml`` files in the issues folder the last scan skipped (issue files end in ``.yaml``).
        self._misnamed: list[str] = []

    # -- paths and locks -------------------------------------------------------------------------

    def issue_path(self, issue_id: str) -> Path:
        return self.issues_dir / f"{issue_id}.yaml"

    def _ensure_cache_dir(self) -> Path:
        if not self.cache_dir.is_dir():
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            # The cache and lock files are local machine state: never committed.
            (self.cache_dir / ".gitignore").write_text("*\n", encoding="utf-8")
        return self.cache_dir

    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """An exclusive, process-wide lock (released by the kernel if the process dies)."""
        locks = self._ensure_cache_dir() / "locks"
        locks.mkdir(exist_ok=True)
        fd = os.open(locks / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    # -- reading issues --------------------------------------------------------------------------

    def _load_cache(self) -> dict[str, tuple[Any, ...]]:
        """name -> (stat key, summary, record blob, (problem, line) | None), from ``.cache/issues.marshal``.

        marshal (not pickle) because it loads only plain values, never code, and is several times faster
        than JSON for 10,000 issues. A cache from another Python version, or damaged, is rebuilt.
        """
        if self._cache is not None:
            return self._cache
        self._cache = {}
        if not self.use_cache:
            return self._cache
        try:
            raw = marshal.loads((self.cache_dir / CACHE_FILE).read_bytes())
            if isinstance(raw, tuple) and raw[0] == (CACHE_VERSION, sys.version_info[:2]):
                self._cache = raw[1]
        except (OSError, ValueError, EOFError, TypeError, IndexError):
            self._cache = {}
        return self._cache

    def _save_cache(self, cache: dict[str, tuple[Any, ...]]) -> None:
        if not self.use_cache:
            return
        try:
            self._ensure_cache_dir()
            payload = marshal.dumps(((CACHE_VERSION, sys.version_info[:2]), cache))
            fd, tmp = tempfile.mkstemp(prefix=".issues.", suffix=".tmp", dir=self.cache_dir)
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.replace(tmp, self.cache_dir / CACHE_FILE)
        except (OSError, ValueError):
            pass  # the cache is an optimisation; a read-only checkout still lists issues

    def _scan(self) -> list[tuple[str, Summary | None, bytes | None, tuple[str, int | None] | None]]:
        """(path, summary, record blob, error) for every issue file, parsing only files whose stat changed.

        The summary ``(id, status, claim expiry or None, depends_on)`` is all `ready` needs; the full
        record stays marshalled until an Issue is actually built, so listing 10,000 issues decodes only
        what it returns.
        """
        self._misnamed = []
        if not self.issues_dir.is_dir():
            return []
        cache = self._load_cache()
        fresh: dict[str, tuple[Any, ...]] = {}
        changed = False
        with os.scandir(self.issues_dir) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(".yml") and not name.startswith("."):
                    self._misnamed.append(entry.path)
                if not name.endswith(".yaml") or name.startswith("."):
                    continue
                try:
                    st = entry.stat()
                except FileNotFoundError:
                    continue
                key = (st.st_mtime_ns, st.st_size, st.st_ino)
                cached = cache.get(name)
                if cached is None or cached[0] != key:
                    changed = True
                    cached = (key, *self._parse_issue(Path(entry.path)))
                fresh[name] = cached
        if changed or len(fresh) != len(cache):
            self._save_cache(fresh)
        self._cache = fresh
        prefix = str(self.issues_dir) + os.sep
        return [(prefix + name, *fresh[name][1:]) for name in sorted(fresh)]

    @staticmethod
    def _parse_issue(path: Path) -> tuple[Summary | None, bytes | None, tuple[str, int | None] | None]:
        try:
            data = load_plain(path)
            data.setdefault("id", path.stem)
            issue = Issue.from_dict(data)
        except MalformedFileError as exc:
            return None, None, (exc.problem, exc.line)
        except InvalidIssueError as exc:
            return None, None, (str(exc), None)
        summary = (issue.id, issue.status, issue.claim.expires if issue.claim else None, issue.depends_on)
        return summary, marshal.dumps(issue_to_record(issue)), None

    def _malformed(self, path: str, error: tuple[str, int | None]) -> None:
        problem = MalformedFileError(path, error[0], error[1])
        self.problems.append(Problem("malformed", str(problem), path, Path(path).stem))

    def list_issues(self) -> list[Issue]:
        self.problems = []
        issues = []
        for path, summary, blob, error in self._scan():
            if error is not None:
                self._malformed(path, error)
                continue
            if summary is not None and summary[0] != Path(path).stem:
                # Listed, but commands find an issue by its file name: say why `view <id>` fails.
                message = f"{path}: id {summary[0]!r} does not match the file name"
                self.problems.append(Problem("malformed", message, path, summary[0]))
            issues.append(issue_from_record(marshal.loads(blob), path))  # type: ignore[arg-type]
        for path in self._misnamed:
            message = f"{path}: not read: issue files end in .yaml (rename it {Path(path).stem}.yaml)"
            self.problems.append(Problem("malformed", message, path, Path(path).stem))
        return issues

    def ready(self, now: dt.datetime | None = None) -> list[Issue]:
        """Ready issues in work order; decided on the cached summaries, so only ready issues are built."""
        now = now or now_utc()
        self.problems = []
        scanned = self._scan()
        status_of = {
            summary[0]: summary[1] for _path, summary, _blob, _error in scanned if summary is not None
        }
        # Canonical timestamps (same format, UTC) compare correctly as strings.
        now_text = format_ts(now)
        candidates = []
        for path, summary, blob, error in scanned:
            if error is not None:
                self._malformed(path, error)
                continue
            _id, status, expires, deps = summary  # type: ignore[misc]
            if status not in ("open", "in_progress"):
                continue
            if expires is not None and expires > now_text:
                continue
            if status == "in_progress" and expires is None:
                continue
            if all(status_of.get(dep) == "done" for dep in deps):
                candidates.append(issue_from_record(marshal.loads(blob), path))  # type: ignore[arg-type]
        return ready_issues(candidates, now, status_of)

    def _resolve(self, issue_id: str) -> str:
        if self.issue_path(issue_id).is_file():
            return issue_id
        names = [p.stem for p in self.issues_dir.glob("*.yaml")] if self.issues_dir.is_dir() else []
        return resolve_id(names, issue_id)

    def _read_issue(self, path: Path) -> tuple[CommentedMap, Issue]:
        doc = load_rt(path)
        data = plain(doc)
        data.setdefault("id", path.stem)
        try:
            return doc, Issue.from_dict(data, source=str(path))
        except InvalidIssueError as exc:
            raise MalformedFileError(path, str(exc)) from None

    def get_issue(self, issue_id: str) -> Issue:
        issue_id = self._resolve(issue_id)
        return self._read_issue(self.issue_path(issue_id))[1]

    # -- writing issues --------------------------------------------------------------------------

    def _status_of(self) -> dict[str, str]:
        return {
            summary[0]: summary[1] for _path, summary, _blob, _error in self._scan() if summary is not None
        }

    def _graph(self) -> dict[str, tuple[str, ...]]:
        return {summary[0]: tuple(summary[3]) for _path, summary, _blob, _error in self._scan() if summary}

    def _modify(
        self,
        issue_id: str,
        change: Callable[[Issue], Issue],
        *,
        verb: str,
        run_id: str | None = None,
        detail: str = "",
    ) -> Issue:
        """Read, change and save one issue under its lock, then commit."""
        issue_id = self._resolve(issue_id)
        path = self.issue_path(issue_id)
        with self.lock(f"issue-{issue_id}"):
            doc, current = self._read_issue(path)
            updated = change(current)
            if updated == current:
                return current
            validate_issue(updated)
            apply_changes(doc, updated.to_dict())
            atomic_write_text(path, render(doc, path, self.redact))
        self._commit(
            [path], f"{verb} issue {issue_id}: {updated.title}", issue=issue_id, run=run_id, detail=detail
        )
        return replace(updated, source=str(path))

    def create_issue(
        self,
        title: str,
        *,
        body: str = "",
        priority: str = "medium",
        labels: Sequence[str] = (),
        depends_on: Sequence[str] = (),
        accept: Sequence[str] = (),
        project: str | None = None,
        by: str | None = None,
    ) -> Issue:
        now = format_ts(now_utc())
        graph = self._graph()
        deps = tuple(dict.fromkeys(resolve_id(graph, dep) for dep in depends_on))
        if project is not None:
            self.get_project(project)
        for _attempt in range(20):
            issue = Issue(
                id=new_issue_id(),
                title=" ".join(title.split()),
                body=body,
                priority=priority,
                labels=tuple(dict.fromkeys(labels)),
                project=project,
                depends_on=deps,
                accept=tuple(accept),
                created=now,
                updated=now,
                events=(Event(at=now, kind="created", by=by),),
            )
            validate_issue(issue)
            check_dependency_graph(graph, issue.id, issue.depends_on)
            path = self.issue_path(issue.id)
            try:
                atomic_write_text(
                    path, render(new_document(issue.to_dict()), path, self.redact), exclusive=True
                )
            except FileExistsError:
                if not self.issues_dir.is_dir():  # the folder itself is in the way, not a collision
                    raise BadInputError(
                        f"{self.issues_dir}: a file is where the issues folder should be; move it"
                    ) from None
                continue  # 40 random bits collided with an existing file: draw again
            self._commit([path], f"create issue {issue.id}: {issue.title}", issue=issue.id)
            return replace(issue, source=str(path))
        raise AutopilotError("could not find a free issue id after 20 attempts")  # pragma: no cover

    def update_issue(self, issue_id: str, changes: Mapping[str, Any], *, event: Event | None = None) -> Issue:
        allowed = {"title", "body", "priority", "labels", "project", "depends_on", "accept"}
        unknown = sorted(set(changes) - allowed)
        if unknown:
            raise InvalidIssueError(
                f"{unknown[0]}: cannot be edited this way (editable: {', '.join(sorted(allowed))})"
            )
        issues = self.list_issues()
        resolved = self._resolve(issue_id)
        values = dict(changes)
        if "depends_on" in values:
            ids = [i.id for i in issues]
            values["depends_on"] = tuple(dict.fromkeys(resolve_id(ids, d) for d in values["depends_on"]))
            check_dependencies([i for i in issues if i.id != resolved], resolved, values["depends_on"])
        for name in ("labels", "accept"):
            if name in values:
                values[name] = tuple(dict.fromkeys(values[name]))
        if values.get("project"):
            self.get_project(values["project"])
        if "priority" in values and values["priority"] not in PRIORITIES:
            raise InvalidIssueError(f"priority: {values['priority']!r} is not one of {', '.join(PRIORITIES)}")
        if "title" in values:
            values["title"] = " ".join(str(values["title"]).split())

        def change(issue: Issue) -> Issue:
            changed = replace(issue, **values)
            if changed == issue:
                return issue
            note = event or Event(at=format_ts(now_utc()), kind="edited", data={"fields": sorted(values)})
            return replace(changed, events=(*issue.events, note), updated=note.at)

        return self._modify(resolved, change, verb="edit")

    def claim(
        self, issue_id: str, *, holder: str, run_id: str | None, lease_seconds: float = DEFAULT_LEASE_SECONDS
    ) -> Issue:
        status_of = self._status_of()
        return self._modify(
            issue_id,
            lambda issue: claim_issue(
                issue,
                holder=holder,
                run_id=run_id,
                lease_seconds=lease_seconds,
                now=now_utc(),
                status_of=status_of,
            ),
            verb="claim",
            run_id=run_id,
            detail=f"Claimed by {holder}.",
        )

    def renew_claim(
        self, issue_id: str, *, run_id: str | None, lease_seconds: float = DEFAULT_LEASE_SECONDS
    ) -> Issue:
        # Renewals change only the lease; they are saved but not committed (one commit per renewal
        # would bury the history).
        issue_id = self._resolve(issue_id)
        path = self.issue_path(issue_id)
        with self.lock(f"issue-{issue_id}"):
            doc, current = self._read_issue(path)
            updated = renew_issue_claim(current, run_id=run_id, lease_seconds=lease_seconds, now=now_utc())
            apply_changes(doc, updated.to_dict())
            atomic_write_text(path, render(doc, path, self.redact))
        return updated

    def release(self, issue_id: str, *, by: str, reason: str | None = None) -> Issue:
        def change(issue: Issue) -> Issue:
            if issue.claim is None and issue.status != "in_progress":
                raise IssueStateError(
                    f"issue {issue.id} is {issue.status} and not claimed; nothing to release"
                )
            return change_status(issue, "open", by=by, now=now_utc(), reason=reason, kind="released")

        return self._modify(issue_id, change, verb="release", detail=reason or "")

    def set_status(
        self,
        issue_id: str,
        status: str,
        *,
        by: str,
        reason: str | None = None,
        run_id: str | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> Issue:
        verbs = {
            "done": "complete",
            "blocked": "block",
            "open": "reopen",
            "closed": "close",
            "in_progress": "start",
        }

        def change(issue: Issue) -> Issue:
            if status == issue.status and status != "open":
                raise IssueStateError(f"issue {issue.id} is already {status}")
            return change_status(issue, status, by=by, now=now_utc(), reason=reason, run_id=run_id, data=data)

        return self._modify(
            issue_id, change, verb=verbs.get(status, status), run_id=run_id, detail=reason or ""
        )

    def add_event(self, issue_id: str, kind: str, *, by: str | None = None, **data: Any) -> Issue:
        run_id = data.get("run_id")

        def change(issue: Issue) -> Issue:
            event = Event(at=format_ts(now_utc()), kind=kind, by=by, data=dict(data))
            return replace(issue, events=(*issue.events, event), updated=event.at)

        return self._modify(issue_id, change, verb=f"record {kind} on", run_id=run_id)

    # -- projects ----------------------------------------------------------------------------------

    def _read_records(self, directory: Path, build: Callable[[dict[str, Any], str], Any]) -> list[Any]:
        records = []
        if not directory.is_dir():
            return records
        for path in sorted(directory.glob("*.yaml")):
            try:
                records.append(build(load_plain(path), str(path)))
            except MalformedFileError as exc:
                self.problems.append(Problem("malformed", str(exc), str(path)))
            except InvalidIssueError as exc:
                self.problems.append(Problem("malformed", f"{path}: {exc}", str(path)))
        return records

    def list_projects(self) -> list[Project]:
        return self._read_records(
            self.projects_dir, lambda data, source: Project.from_dict(data, source=source)
        )

    def get_project(self, name: str) -> Project:
        validate_project_name(name)
        path = self.projects_dir / f"{name}.yaml"
        if not path.is_file():
            raise IssueNotFoundError(f"no project {name!r} (see `autopilot project list`)")
        try:
            return Project.from_dict(load_plain(path), source=str(path))
        except InvalidIssueError as exc:
            raise MalformedFileError(path, str(exc)) from None

    def save_project(self, project: Project, *, create: bool = False) -> Project:
        validate_project(project)
        path = self.projects_dir / f"{project.name}.yaml"
        with self.lock(f"project-{project.name}"):
            if create:
                if path.exists():
                    raise InvalidIssueError(f"name: project {project.name!r} already exists ({path})")
                project = replace(project, created=project.created or format_ts(now_utc()))
                atomic_write_text(
                    path, render(new_document(project.to_dict()), path, self.redact), exclusive=True
                )
            else:
                doc = load_rt(path) if path.is_file() else CommentedMap()
                apply_changes(doc, project.to_dict())
                atomic_write_text(path, render(doc, path, self.redact))
        self._commit([path], f"{'create' if create else 'update'} project {project.name}")
        return replace(project, source=str(path))

    def remove_project(self, name: str) -> None:
        project = self.get_project(name)
        path = Path(project.source or "")
        path.unlink()
        self._commit([path], f"remove project {name}")

    # -- sessions ----------------------------------------------------------------------------------

    def list_sessions(self, *, project: str | None = None, issue: str | None = None) -> list[Session]:
        sessions: list[Session] = self._read_records(
            self.sessions_dir, lambda data, source: Session.from_dict(data, source=source)
        )
        return [
            s
            for s in sessions
            if (project is None or s.project == project) and (issue is None or s.issue == issue)
        ]

    def get_session(self, run_id: str) -> Session:
        names = [p.stem for p in self.sessions_dir.glob("*.yaml")] if self.sessions_dir.is_dir() else []
        try:
            run_id = resolve_id(names, run_id)
        except IssueNotFoundError:
            raise IssueNotFoundError(f"no session {run_id!r} (see `autopilot session list`)") from None
        path = self.sessions_dir / f"{run_id}.yaml"
        try:
            return Session.from_dict(load_plain(path), source=str(path))
        except InvalidIssueError as exc:
            raise MalformedFileError(path, str(exc)) from None

    def save_session(self, session: Session) -> Session:
        path = self.sessions_dir / f"{session.run_id}.yaml"
        with self.lock(f"session-{session.run_id}"):
            doc = load_rt(path) if path.is_file() else CommentedMap()
            apply_changes(doc, session.to_dict())
            atomic_write_text(path, render(doc, path, self.redact))
        self._commit(
            [path],
            f"record session {session.run_id} ({session.status})",
            issue=session.issue,
            run=session.run_id,
        )
        return replace(session, source=str(path))

    # -- health ------------------------------------------------------------------------------------

    def doctor(self) -> list[Problem]:
        problems = super().doctor()
        self.list_projects()
        self.list_sessions()
        seen = {p.message for p in problems}
        problems += [p for p in self.problems if p.message not in seen]
        return problems

    # -- git ---------------------------------------------------------------------------------------

    def record_paths(self) -> tuple[Path, ...]:
        return (self.issues_dir, self.projects_dir, self.sessions_dir)

    def _git_root(self) -> Path | None:
        if self._root is None:
            from autopilot.core.git import toplevel

            self._root = toplevel(self.project_dir) or False
        return self._root or None

    def _commit(
        self,
        paths: Sequence[Path],
        subject: str,
        *,
        issue: str | None = None,
        run: str | None = None,
        detail: str = "",
    ) -> None:
        """Stage *paths* only, never anything else; commit them too with ``commit: commit`` and
        ``commit_policy: per-change`` (what a person had staged stays staged)."""
        if self.commit_mode == "off":
            return
        root = self._git_root()
        if root is None:
            return
        from autopilot.core.git import GitError, Repository, stage

        relative = [os.path.relpath(p, root) for p in paths]
        trailers = [f"Autopilot-Issue: {issue}"] if issue else []
        if run:
            trailers.append(f"Autopilot-Run: {run}")
        message = f"autopilot: {subject}"[:200]
        if detail:
            message += f"\n\n{detail}"
        if trailers:
            message += "\n\n" + "\n".join(trailers)
        message = self.redact(message)
        # One git operation at a time per repository: concurrent claims would otherwise fight over
        # .git/index.lock. The flock is released by the kernel if we crash.
        with self.lock("git"):
            try:
                if self.commit_mode == "commit" and self.policy == "per-change":
                    with Repository.open(root) as repo:
                        repo.commit(relative, message)
                else:
                    stage(root, relative)  # without GitPython: this runs after every run
            except GitError as exc:
                self.warnings.append(f"saved {', '.join(relative)} but could not commit: {exc}")


# ------------------------------------------------------------------------------------------------
# Field-aware three-way merge (``autopilot merge-driver``)

#: Lists merged as sets: additions and removals from both sides are kept.
_SET_FIELDS: Final = frozenset({"labels", "depends_on", "accept", "backend_session_ids"})
#: Lists merged as an append-only union, ordered by time.
_UNION_FIELDS: Final = frozenset({"events"})
#: Timestamps where the later one wins.
_LATEST_FIELDS: Final = frozenset({"updated", "ended_at"})
#: Timestamps where the earlier one wins: both clones creating a project of the same name (an add/add
#: merge, no base) is one record that began at the first creation, not a conflict over when.
_EARLIEST_FIELDS: Final = frozenset({"created", "started_at"})


@dataclass(frozen=True)
class MergeConflict:
    field: str
    ours: Any
    theirs: Any

    def __str__(self) -> str:
        return f"{self.field}: ours {self.ours!r}, theirs {self.theirs!r}"


def _key(value: Any) -> str:
    return json.dumps(plain(value), sort_keys=True, default=str)


def merge_values(base: Any, ours: Any, theirs: Any, field: str) -> tuple[Any, list[MergeConflict]]:
    """Three-way merge of one field's plain values."""
    if _key(ours) == _key(theirs):
        return ours, []
    if _key(base) == _key(ours):
        return theirs, []
    if _key(base) == _key(theirs):
        return ours, []
    if field in _UNION_FIELDS and isinstance(ours, list) and isinstance(theirs, list):
        merged, seen = [], set()
        for item in [*ours, *theirs]:
            key = _key(item)
            if key not in seen:
                seen.add(key)
                merged.append(item)
        merged.sort(key=lambda e: str(e.get("at", "")) if isinstance(e, Mapping) else "")
        return merged, []
    if field in _SET_FIELDS and isinstance(ours, list) and isinstance(theirs, list):
        base_keys = {_key(v) for v in (base or [])}
        theirs_keys = {_key(v) for v in theirs}
        ours_keys = {_key(v) for v in ours}
        removed = {k for k in base_keys if k not in ours_keys or k not in theirs_keys}
        merged = [v for v in ours if _key(v) not in removed]
        merged += [v for v in theirs if _key(v) not in ours_keys and _key(v) not in removed]
        return merged, []
    if field in _LATEST_FIELDS and isinstance(ours, str) and isinstance(theirs, str):
        return max(ours, theirs), []
    if field in _EARLIEST_FIELDS and isinstance(ours, str) and isinstance(theirs, str):
        return min(ours, theirs), []
    if isinstance(ours, Mapping) and isinstance(theirs, Mapping):
        base_map = base if isinstance(base, Mapping) else {}
        out: dict[str, Any] = {}
        conflicts: list[MergeConflict] = []
        for key in dict.fromkeys([*ours, *theirs]):
            name = f"{field}.{key}" if field else str(key)
            value, found = merge_values(base_map.get(key), ours.get(key), theirs.get(key), name)
            conflicts += found
            if value is not None or key in ours:
                out[key] = value
        return out, conflicts
    return ours, [MergeConflict(field, ours, theirs)]


def merge_documents(
    base_text: str, ours_text: str, theirs_text: str, path: str = "file"
) -> tuple[str, list[MergeConflict]]:
    """Merge three versions of a store file; returns the merged text (ours' layout) and conflicts.

    Conflicting scalar fields keep our value and are listed, and a comment at the top of the file names
    them, so the result is still valid YAML that every command can read.
    """
    base = load_rt(Path(f"{path} (base)"), base_text) if base_text.strip() else CommentedMap()
    ours = load_rt(Path(f"{path} (ours)"), ours_text) if ours_text.strip() else CommentedMap()
    theirs = load_rt(Path(f"{path} (theirs)"), theirs_text) if theirs_text.strip() else CommentedMap()
    merged, conflicts = merge_values(plain(base), plain(ours), plain(theirs), "")
    apply_changes(ours, merged)
    for stale in [k for k in ours if k not in merged]:
        del ours[stale]
    if conflicts:
        note = "autopilot merge conflict (kept ours): " + "; ".join(str(c) for c in conflicts)
        ours.yaml_set_start_comment(note)
    return dump(ours), conflicts


# ------------------------------------------------------------------------------------------------
# Hook implementations


def store_select(config: Config, hooks: Hooks) -> IssueStore:
    """The default store: YAML files in the project's ``.autopilot/``."""
    return YamlStore(
        config.project_dir,
        redact=lambda text: hooks.redact(text=text),
        commit=config.commit,
        policy=config.commit_policy,
    )


__all__ = ["YamlStore", "merge_documents", "store_select"]
