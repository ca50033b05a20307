"""Which run a command means: a file, a run id (or a unique prefix of one), or ``last``.

Every command that takes a recorded run (``replay``, ``compare``, ``export``, ``analyze``,
``validate``, ``resume --trajectory``) passes its argument through :func:`resolve_run`, so the run id
``session list`` prints works wherever a trajectory's path does::

    resolve_run("docs/logs/20261206/050049-fix-it.json", hooks=hooks)  # a path: as it is
    resolve_run("20261206T050049-3f9a", hooks=hooks)  # that run's trajectory, from its session
    resolve_run("last", hooks=hooks)  # the newest run of the project, as `resume --continue` finds it

Also here: finding the newest run (:func:`find_latest_run`) and the freshest file of a run
(:func:`freshest`), which ``resume`` uses too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

from autopilot.core.errors import BadInputError
from autopilot.core.trajectory.files import JOURNAL_SUFFIX, JSON_SUFFIX, RLOG_SUFFIX, find_trajectories

if TYPE_CHECKING:
    from autopilot.core.config import Config
    from autopilot.core.hooks import Hooks

#: The name of the project's newest run (a file of that name wins).
LAST: Final = "last"


def resolve_run(reference: str, *, hooks: Hooks, config: Config | None = None) -> Path:
    """The file *reference* names: a path, a run id or unique prefix of one, or ``last``.

    A file or directory that exists is taken as it is (one named ``last`` included); so is anything
    written as a path (holding a ``/`` or a ``.``; run ids hold neither), for the command to report
    when it is missing. Otherwise *reference* is ``last``, the newest run under the configured
    ``output_dir``, or a run id (or a unique prefix of at least three characters) of a session in the
    store, whose recorded trajectory is returned. A run's journal wins over its ``.json`` when it is
    newer (a resumption that was cut off), as for ``resume``.

    Args:
        reference: What the user typed.
        hooks: The hook facade (the store comes from ``store_select``).
        config: The project's configuration (default: loaded for the current directory, and only
            when *reference* is no path).

    Raises:
        BadInputError: An id no session has; a prefix that matches several (the error names them);
            a session whose trajectory was moved or deleted (the error names the run and the path).
    """
    path = Path(reference)
    if path.exists() or path.is_symlink() or "/" in reference or "." in reference:
        return path
    from autopilot.core.config import load_config
    from autopilot.core.issues import IssueNotFoundError

    config = config or load_config(Path.cwd())
    if reference == LAST:
        from autopilot.core.runner import default_output_dir

        return freshest(find_latest_run(default_output_dir(config.project_dir, config.output_dir)))
    try:
        session = hooks.store_select(config=config).get_session(reference)
    except IssueNotFoundError:
        raise BadInputError(
            f"{reference}: no such file, and no recorded run has this id (see `autopilot session list`)"
        ) from None
    if not session.trajectory:
        raise BadInputError(f"run {session.run_id}: its session records no trajectory")
    recorded = config.project_dir / session.trajectory
    try:
        return freshest(recorded)
    except BadInputError:
        raise BadInputError(
            f"run {session.run_id}: its trajectory {recorded} is missing (moved or deleted)"
        ) from None


def find_latest_run(output_dir: Path) -> Path:
    """The most recently written trajectory (``.json`` or journal) under *output_dir*."""
    if not output_dir.is_dir():
        raise BadInputError(f"{output_dir}: no runs here yet")
    candidates = find_trajectories(output_dir)
    journals = [p for p in output_dir.rglob("*" + JOURNAL_SUFFIX) if p.is_file()]
    candidates = list({*candidates, *journals})
    if not candidates:
        raise BadInputError(f"{output_dir}: no runs here yet")
    return max(candidates, key=lambda p: p.stat().st_mtime)


def base_of(path: Path) -> Path:
    """The base path a run's files share (*path* without ``.journal.jsonl``, ``.json`` or ``.rlog``)."""
    for suffix in (JOURNAL_SUFFIX, JSON_SUFFIX, RLOG_SUFFIX):
        if path.name.endswith(suffix):
            return path.with_name(path.name[: -len(suffix)])
    return path


def freshest(path: Path) -> Path:
    """The file of *path*'s run to read: its journal when newer than its ``.json`` (a resumption that
    was cut off), else its ``.json``; raises BadInputError when neither exists."""
    base = base_of(path)
    journal = base.with_name(base.name + JOURNAL_SUFFIX)
    final = base.with_name(base.name + JSON_SUFFIX)
    if journal.exists() and (not final.exists() or journal.stat().st_mtime >= final.stat().st_mtime):
        return journal
    if final.exists():
        return final
    raise BadInputError(f"{base}: no trajectory (.json or .journal.jsonl) found")
