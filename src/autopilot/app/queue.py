"""The issue queue: ``run --issue ID``, ``run --project NAME`` and ``run --full-auto``.

One issue is worked like this (:func:`work_issue`):

1. claim it (atomic; a live claim elsewhere is exit code 3) and keep the lease renewed while the run lives;
2. choose its backend once (``backend_select``), build the prompt from the issue, and run the agent with
   the issue tools (its own trajectory, linked to the issue); when the issue's last run was stopped
   before it finished (Ctrl-C, the budget: :func:`unfinished_run`), resume that run instead (the same
   run, session and trajectory), unless its work was put aside (:func:`continuation_of`);
3. run the issue's acceptance commands; if they fail, or the agent stopped early, continue the same
   session a bounded number of times with the failing output;
4. all pass: mark the issue done and commit what the agent changed since the run started, with the
   run's own trajectory (and, with ``commit_policy: per-issue``, the issue's new state and its
   session: one commit per issue), fire ``on_issue_complete(outcome="completed")``;
   still failing: record the output, put the issue back to open (blocked after N failed attempts), and
   stash what the agent changed, so the next issue starts from the tree this one started from.

Only the run's own changes are committed or stashed: files that were untracked before the run and that
it did not touch stay as they are, and so do other runs' trajectories.

``--full-auto`` loops ready → claim → run → acceptance → commit (→ push with ``--push``) → complete → next,
and stops when nothing is ready, the whole-queue budget is spent, ``--max-issues`` is reached, or on a
signal. Every run is recorded as a session in the store. :func:`work_queue` does all of this for one
:class:`QueueRequest` and returns a :class:`QueueResult`; the command line only renders it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from autopilot.app.acceptance import ACCEPTANCE_TIMEOUT, AcceptanceResult, run_acceptance
from autopilot.app.runs import (
    Limits,
    RunOptions,
    RunTaskResult,
    in_repository,
    resume_run,
    run_task,
    select_backend,
    session_record,
    trajectory_paths,
)
from autopilot.core.config import Config, find_project_dir, load_config
from autopilot.core.errors import AutopilotError, BadInputError, ExitCode
from autopilot.core.git import Repository, identity
from autopilot.core.hooks import Hooks
from autopilot.core.issues import (
    DEFAULT_LEASE_SECONDS,
    ClaimConflictError,
    Issue,
    IssueNotFoundError,
    IssueStore,
    Project,
    default_holder,
    project_location,
)
from autopilot.core.models import new_run_id

#: Times an agent that stopped early (or whose acceptance failed) is continued within one attempt.
MAX_CONTINUES: Final = 2
#: Failed attempts after which an issue is blocked instead of reopened.
MAX_ATTEMPTS: Final = 3


@dataclass(frozen=True)
class QueueRequest:
    """What ``autopilot run --issue/--project/--full-auto`` asked for.

    Attributes:
        options: The run options; with ``full_auto`` (or a project alone), ``max_budget_usd`` is the
            whole queue's budget instead of one run's.
        prompt: Extra instructions appended to each issue's prompt.
        issue: Work this issue only.
        project: Take the project's defaults (agent, model, budget, working directory), from any
            directory; without ``issue`` or ``full_auto``, work the project's next ready issue.
        full_auto: Work ready issues until a stop condition.
        max_issues: With ``full_auto``: stop after working this many issues (at least 1).
        push: Push each completed issue's commit to the remote (never forced).
    """

    options: RunOptions = field(default_factory=RunOptions)
    prompt: str | None = None
    issue: str | None = None
    project: str | None = None
    full_auto: bool = False
    max_issues: int | None = None
    push: bool = False

    def __post_init__(self) -> None:
        if self.max_issues is not None and self.max_issues < 1:
            raise BadInputError(f"--max-issues must be at least 1 (got {self.max_issues})")
        if not (self.issue or self.project or self.full_auto):
            raise BadInputError("say which issues to work: --issue ID, --project NAME or --full-auto")


@dataclass(frozen=True)
class QueueSettings:
    """How to work issues; built from a :class:`QueueRequest`, the project and the config.

    ``run`` holds each issue's run options; a None field takes the issue's project's value, else the
    configuration's.
    """

    run: RunOptions = field(default_factory=RunOptions)
    queue_budget_usd: float | None = None
    project: str | None = None
    project_settings: dict[str, Any] | None = None
    max_issues: int | None = None
    #: Stop after the first issue worked (``run --project NAME`` alone: its next ready issue).
    single: bool = False
    push: bool = False
    extra_prompt: str | None = None
    max_continues: int = MAX_CONTINUES
    max_attempts: int = MAX_ATTEMPTS
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    acceptance_timeout: float = ACCEPTANCE_TIMEOUT


@dataclass
class IssueOutcome:
    """What happened to one issue.

    ``outcome`` is completed, failed, blocked, aborted, budget_exhausted or unreached (the agent never
    reached the model: no credentials, no network; no attempt is counted against the issue);
    ``reason`` says why in words (``2 of 3 acceptance commands failed``), and ``run_status`` is how
    the last run ended.
    """

    issue_id: str
    title: str
    outcome: str
    reason: str = ""
    run_status: str | None = None
    run_ids: list[str] = field(default_factory=list)
    trajectories: list[str] = field(default_factory=list)
    cost_usd: float = 0.0
    continues: int = 0
    acceptance: list[AcceptanceResult] = field(default_factory=list)
    commit: str | None = None
    signal_name: str | None = None
    #: For an unfinished issue (aborted, budget_exhausted): what its runs changed and left in the
    #: working tree, uncommitted; None when git is not used (``commit: off``, no repository).
    left_changes: list[str] | None = None
    #: The accepted work could not be committed (a hook refused it): the queue stops there.
    commit_failed: bool = False
    #: The unfinished run (interrupted, out of budget) of the issue this work continued, or None.
    resumed_run: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "issue": self.issue_id,
            "title": self.title,
            "outcome": self.outcome,
            "reason": self.reason,
            "run_status": self.run_status,
            "run_ids": self.run_ids,
            "trajectories": self.trajectories,
            "cost_usd": round(self.cost_usd, 6),
            "continues": self.continues,
            "acceptance": [a.to_dict() for a in self.acceptance],
            "commit": self.commit,
            "resumed_run": self.resumed_run,
        }


@dataclass
class QueueResult:
    """What the queue did: each issue's outcome and why it stopped.

    ``stop_reason``: ``empty`` (nothing else ready), ``budget`` (the queue budget is spent),
    ``max_issues`` (``--max-issues`` reached), ``signal`` (SIGINT/SIGTERM), ``single`` (the one issue
    asked for was worked), ``unreached`` (a run never reached the model: every other issue would fail
    the same way), ``commit_failed`` (an issue's accepted work could not be committed: the next
    issue's would not be either).
    """

    issues: list[IssueOutcome]
    stop_reason: str
    cost_usd: float
    exit_code: ExitCode
    max_issues: int | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def completed(self) -> int:
        return sum(i.outcome == "completed" for i in self.issues)

    def to_dict(self) -> dict[str, Any]:
        return {
            "stop_reason": self.stop_reason,
            "cost_usd": round(self.cost_usd, 6),
            "issues": [i.to_dict() for i in self.issues],
            "completed": self.completed,
        }


# ------------------------------------------------------------------------------------------------
# Prompt


def build_prompt(issue: Issue, extra: str | None = None) -> str:
    """The task an agent gets for *issue*."""
    lines = [f"Work on issue {issue.id} from this repository's autopilot queue.", "", f"# {issue.title}", ""]
    if issue.body.strip():
        lines += [issue.body.strip(), ""]
    if issue.labels:
        lines += [f"Labels: {', '.join(issue.labels)}", ""]
    if issue.accept:
        lines.append("When you finish, autopilot runs these acceptance commands; all of them must succeed:")
        lines += [f"    $ {command}" for command in issue.accept]
        lines.append("")
    lines += [
        "Do not commit: autopilot commits your work once the acceptance commands pass.",
        "Do not edit files under .autopilot/ by hand. If you cannot finish, say why in your last message.",
    ]
    if extra:
        lines += ["", extra.strip()]
    return "\n".join(lines)


def continuation_prompt(failures: list[AcceptanceResult], status: str) -> str:
    if not failures:
        return (
            f"Your previous turn ended with status {status} before the issue was finished. "
            "Continue where you left off and finish it."
        )
    parts = ["The acceptance commands failed. Fix the problem, then stop. Failing commands:"]
    for failure in failures:
        parts += [f"$ {failure.command}  (exit {failure.exit_code})", failure.output[-1500:] or "(no output)"]
    return "\n".join(parts)


#: Run statuses that leave an issue's work unfinished: the issue's next run continues that run.
UNFINISHED_STATUSES: Final = ("interrupted", "budget_exhausted")
#: Events that may follow an unfinished run without deciding anything about its work.
_NEUTRAL_EVENTS: Final = frozenset({"released", "claimed", "edited", "note"})

#: What the agent is told when the queue continues its unfinished run.
RESUME_UNFINISHED_PROMPT: Final = (
    "Your work on this issue was stopped before you finished ({why}). Continue where you left off "
    "and finish the issue as first asked. The working tree may have changed since you were stopped "
    "(someone may have committed your changes, or put them aside): check it (git status, git diff) "
    "before you go on."
)


def unfinished_run(issue: Issue) -> dict[str, Any] | None:
    """The data of *issue*'s last ``run`` event when that run was stopped before it finished (a
    signal, the budget: :data:`UNFINISHED_STATUSES`) and nothing was decided about the issue since
    (only releases, claims and edits followed); None otherwise."""
    for event in reversed(issue.events):
        if event.kind == "run":
            data = event.data
            unfinished = data.get("status") in UNFINISHED_STATUSES and data.get("trajectory")
            return dict(data) if unfinished else None
        if event.kind not in _NEUTRAL_EVENTS:
            return None
    return None


@dataclass(frozen=True)
class Continuation:
    """An issue's unfinished run that its next run continues (see :func:`continuation_of`)."""

    trajectory: Path
    run_id: str
    #: What the run had cost before (the resumed run's totals include it).
    cost_usd: float
    #: What it left changed in the working tree (committed with the work the continuation finishes).
    left_changes: tuple[str, ...]
    #: How it was stopped, in words for the agent.
    why: str


def continuation_of(
    issue: Issue, config: Config, backend_name: str, repo: Repository | None
) -> tuple[Continuation | None, str | None]:
    """*issue*'s unfinished run to continue (None: start afresh), and a note saying why an unfinished
    run is not continued (None when there was none, or it is continued).

    Not continued: its trajectory or directory is gone, it was another agent's, or its work was put
    aside (the files it left changed are all back as they were and the branch has not moved since:
    the way to start an issue over after Ctrl-C is to stash or discard what it changed)."""
    from autopilot.core.trajectory.files import load_trajectory

    data = unfinished_run(issue)
    if data is None:
        return None, None
    run_id = str(data.get("run_id") or "?")
    path = Path(str(data["trajectory"]))
    if not path.is_absolute():
        path = config.project_dir / path
    try:
        run = load_trajectory(path).run
    except (AutopilotError, OSError, ValueError):
        return None, f"its unfinished run {run_id} is not continued: {path} cannot be read; it starts afresh"
    if run.cwd and not Path(run.cwd).is_dir():
        return None, f"its unfinished run {run_id} worked in {run.cwd}, which is gone: it starts afresh"
    if run.agent and run.agent != backend_name:
        return None, (
            f"its unfinished run {run_id} was {run.agent}'s, and this run is {backend_name}'s: "
            "it starts afresh"
        )
    left = [str(p) for p in data.get("left_changes") or []]
    if repo is not None and left and data.get("head"):
        still = tree_state(repo, config)
        if not any(p in still for p in left) and repo.head()[0] == data["head"]:
            return None, (
                f"what its unfinished run {run_id} changed was put aside (stashed or undone): "
                "it starts afresh"
            )
    why = "the budget ran out" if data.get("status") == "budget_exhausted" else "you were interrupted"
    return Continuation(path, run.run_id, run.usage.cost_usd, tuple(left), why), None


# ------------------------------------------------------------------------------------------------
# The run's own changes


def _work_pathspec(config: Config) -> list[str]:
    """Everything but the store and the trajectories (the store commits its own files; a run's
    trajectory is committed with its work, by path)."""
    excludes = [":(exclude,top).autopilot"]
    out = Path(config.output_dir)
    if not out.is_absolute():
        excludes.append(f":(exclude,top){out.as_posix()}")
    return [":(top)", *excludes]


#: A changed or untracked path's status and (size, mtime in ns); None when it is gone.
PathState = tuple[str, tuple[int, int] | None]


def _state(repo: Repository, pathspec: list[str]) -> dict[str, PathState]:
    state: dict[str, PathState] = {}
    for path, code in repo.status(pathspec).items():
        try:
            info = (repo.root / path).lstat()
        except OSError:
            state[path] = (code, None)
        else:
            state[path] = (code, (info.st_size, info.st_mtime_ns))
    return state


def tree_state(repo: Repository, config: Config) -> dict[str, PathState]:
    """Every changed or untracked file outside ``.autopilot/`` and the output directory, with its
    status and size and modification time: what a run's own changes are told apart from."""
    return _state(repo, _work_pathspec(config))


def changed_since(repo: Repository, config: Config, before: dict[str, PathState]) -> list[str]:
    """The paths whose state differs from *before*: what the agent changed since the run started."""
    return sorted(path for path, state in tree_state(repo, config).items() if before.get(path) != state)


def _records_pathspec(repo: Repository, store: IssueStore) -> list[str]:
    pathspec = []
    for path in store.record_paths():
        with contextlib.suppress(ValueError):
            relative = Path(path).resolve().relative_to(repo.root.resolve()).as_posix()
            pathspec.append(f":(top,literal){relative}")
    return pathspec


def records_state(repo: Repository, store: IssueStore) -> dict[str, PathState]:
    """:func:`tree_state` of the store's records in the repository (``IssueStore.record_paths``)."""
    pathspec = _records_pathspec(repo, store)
    return _state(repo, pathspec) if pathspec else {}


def records_changed_since(repo: Repository, store: IssueStore, before: dict[str, PathState]) -> list[str]:
    """The store's records changed since *before*: the issue's new state, its session, the issues the
    agent filed."""
    return sorted(path for path, state in records_state(repo, store).items() if before.get(path) != state)


def tracked_changes(repo: Repository, config: Config) -> list[str]:
    """Uncommitted changes to tracked files outside ``.autopilot/`` and the output directory."""
    return [path for path, code in repo.status(_work_pathspec(config)).items() if code != "??"]


def save(repo: Repository | None, config: Config, paths: list[str], message: str) -> str | None:
    """Commit exactly *paths* (``commit: stage`` only stages them, ``off`` does nothing); the sha or None."""
    if repo is None or config.commit == "off" or not paths:
        return None
    if config.commit == "stage":
        repo.add(paths)
        return None
    return repo.commit(paths, message)


# ------------------------------------------------------------------------------------------------
# One issue


@contextlib.contextmanager
def renewing(
    store: IssueStore, issue_id: str, run_id: str, lease: float, warnings: list[str]
) -> Iterator[None]:
    """Renew the claim's lease every third of its length while the block runs."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(max(1.0, lease / 3)):
            try:
                store.renew_claim(issue_id, run_id=run_id, lease_seconds=lease)
            except AutopilotError as exc:
                warnings.append(f"issue {issue_id}: {exc}")
                return

    thread = threading.Thread(target=loop, name=f"lease-{issue_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _record_session(
    store: IssueStore,
    result: RunTaskResult,
    issue: Issue,
    settings: QueueSettings,
    parent: str,
    config: Config,
    warnings: list[str],
) -> None:
    project = settings.project or issue.project
    record = session_record(result, config, issue=issue.id, project=project, parent=parent)
    try:
        store.save_session(record)
    except AutopilotError as exc:
        warnings.append(f"run {record.run_id} was not recorded as a session: {exc}")


def work_issue(
    store: IssueStore,
    issue_id: str,
    *,
    settings: QueueSettings,
    hooks: Hooks,
    config: Config,
    budget_usd: float | None,
    queue_id: str,
    warnings: list[str],
    repo: Repository | None = None,
) -> IssueOutcome:
    """Claim, run, accept, commit and complete one issue (see the module docstring)."""
    from autopilot.app.issue_tools import IssueTools, issue_toolset

    holder = default_holder(config.project_dir)
    current = store.get_issue(issue_id)
    # Chosen once: every run of this issue (and its continuations) uses the same backend.
    backend = select_backend(
        hooks, config, agent=settings.run.agent, issue=current.to_dict(), project=settings.project_settings
    )
    # An unfinished run (Ctrl-C, the budget) is continued: the same run, session and trajectory.
    continued, note = continuation_of(current, config, backend.name, repo)
    if note:
        warnings.append(f"issue {current.id}: {note}")
    # The run's id is chosen first, so the claim, every event and every trailer carry the run's own id
    # (and the issue's whole id, whatever prefix was typed).
    run_id = continued.run_id if continued is not None else new_run_id()
    issue = store.claim(current.id, holder=holder, run_id=run_id, lease_seconds=settings.lease_seconds)
    outcome = IssueOutcome(issue.id, issue.title, "failed")
    cwd = settings.run.cwd or config.project_dir
    options = replace(settings.run, cwd=cwd, max_budget_usd=budget_usd, slug=f"issue-{issue.id}")
    redact = lambda text: hooks.redact(text=text)  # noqa: E731
    tools = IssueTools(store, holder=holder, run_id=run_id, current=issue.id)
    result: RunTaskResult | None = None
    before: dict[str, PathState] = {}
    records_before: dict[str, PathState] = {}
    try:
        with renewing(store, issue.id, run_id, settings.lease_seconds, warnings):
            if repo is not None and config.commit != "off":
                before = tree_state(repo, config)
                records_before = records_state(repo, store)
                for path in continued.left_changes if continued is not None else ():
                    before.pop(path, None)  # the unfinished run's changes are part of this work
            common: dict[str, Any] = {
                "backend": backend,
                "toolsets": (issue_toolset(tools, config.project_dir),),
                "hooks": hooks,
                "config": config,
            }
            if continued is not None:
                outcome.resumed_run = continued.run_id
                result = resume_run(
                    trajectory=continued.trajectory,
                    prompt=RESUME_UNFINISHED_PROMPT.format(why=continued.why),
                    limits=Limits(
                        max_budget_usd=budget_usd,
                        max_turns=options.max_turns,
                        idle_timeout=options.idle_timeout,
                        timeout=options.timeout,
                    ),
                    cwd=cwd,
                    output_dir=options.output_dir,
                    **common,
                )
                spent = result.run.usage.cost_usd - continued.cost_usd
            else:
                result = run_task(
                    build_prompt(issue, settings.extra_prompt),
                    options,
                    issue_id=issue.id,
                    project=settings.project or issue.project,
                    issue=issue.to_dict(),
                    project_settings=settings.project_settings,
                    run_id=run_id,
                    **common,
                )
                spent = result.run.usage.cost_usd
            while True:
                outcome.run_status, outcome.signal_name = result.status, result.signal_name
                if result.status == "interrupted" or result.signal_name:
                    outcome.outcome = "aborted"
                    outcome.reason = f"interrupted by {result.signal_name or 'a signal'}"
                    if repo is not None and config.commit != "off":
                        outcome.left_changes = changed_since(repo, config, before)
                    break
                if result.status == "budget_exhausted":
                    outcome.outcome = "budget_exhausted"
                    outcome.reason = "the budget ran out before the issue was finished"
                    if repo is not None and config.commit != "off":
                        outcome.left_changes = changed_since(repo, config, before)
                    break
                if not result.reached_model and result.status != "success":
                    # Credentials, network, the model server: nothing the issue is to blame for.
                    outcome.outcome = "unreached"
                    error = result.run.result.error or result.status
                    outcome.reason = f"the agent did not reach the model: {error}"
                    break
                try:
                    outcome.acceptance = (
                        run_acceptance(issue.accept, cwd, redact, settings.acceptance_timeout)
                        if result.status == "success"
                        else []
                    )
                except KeyboardInterrupt as signalled:
                    # The run is over and paid for: record it (session, cost, the issue's run event)
                    # as an interrupted attempt, as a signal during the run would be.
                    outcome.outcome, outcome.signal_name = "aborted", str(signalled) or "SIGINT"
                    outcome.reason = f"interrupted by {outcome.signal_name} while its acceptance commands ran"
                    if repo is not None and config.commit != "off":
                        outcome.left_changes = changed_since(repo, config, before)
                    break
                failures = [a for a in outcome.acceptance if not a.passed]
                if result.status == "success" and not failures:
                    outcome.outcome = "completed"
                    outcome.reason = (
                        f"{len(issue.accept)} acceptance command(s) passed"
                        if issue.accept
                        else "the agent finished (no acceptance commands)"
                    )
                    break
                error = result.run.result.error
                why = f"{result.status}: {error}" if error else result.status
                outcome.reason = (
                    f"{len(failures)} of {len(outcome.acceptance)} acceptance command(s) failed"
                    if failures
                    else f"the agent stopped before finishing (run {why})"
                )
                left = None if budget_usd is None else budget_usd - spent
                if outcome.continues >= settings.max_continues or (left is not None and left <= 0.001):
                    outcome.outcome = "failed"
                    break
                outcome.continues += 1
                before_cost = result.run.usage.cost_usd
                result = resume_run(
                    trajectory=result.trajectory,
                    prompt=continuation_prompt(failures, result.status),
                    limits=Limits(
                        max_budget_usd=left,
                        max_turns=options.max_turns,
                        idle_timeout=options.idle_timeout,
                        timeout=options.timeout,
                    ),
                    cwd=cwd,
                    output_dir=options.output_dir,
                    **common,
                )
                spent += result.run.usage.cost_usd - before_cost
        outcome.cost_usd = spent
        warnings.extend(message for message in result.warnings if message not in warnings)
    except BaseException:
        # Never leave a claim behind when we crash or are interrupted between runs.
        with contextlib.suppress(Exception):
            store.release(issue.id, by=holder, reason="autopilot stopped before the issue was finished")
        raise
    finally:
        if result is not None:
            outcome.run_ids = [result.run.run_id]
            outcome.trajectories = [str(result.trajectory)]
    assert result is not None
    _finish_issue(
        store,
        issue,
        outcome,
        result,
        settings=settings,
        hooks=hooks,
        config=config,
        holder=holder,
        repo=repo,
        before=before,
        records_before=records_before,
        queue_id=queue_id,
        warnings=warnings,
    )
    return outcome


def _finish_issue(
    store: IssueStore,
    issue: Issue,
    outcome: IssueOutcome,
    result: RunTaskResult,
    *,
    settings: QueueSettings,
    hooks: Hooks,
    config: Config,
    holder: str,
    repo: Repository | None,
    before: dict[str, PathState],
    records_before: dict[str, PathState],
    queue_id: str,
    warnings: list[str],
) -> None:
    """Record how the issue ended, and commit it as ``commit_policy`` says.

    ``per-issue``: the store only stages its changes; one commit at the end holds the work (when it
    was accepted), the run's trajectory, and the store's records changed during the run (the issue's
    new state, its session, issues the agent filed). A run stopped by budget or signal leaves its
    records staged and makes no commit. ``per-change``: the store commits each change itself, the
    work and the trajectory are committed as they are known.
    """
    run = result.run
    per_issue = config.commit_policy == "per-issue"
    unfinished: dict[str, Any] = {}
    if outcome.outcome in ("aborted", "budget_exhausted") and outcome.left_changes is not None:
        # What the next run of the issue needs to continue this one (see continuation_of).
        unfinished["left_changes"] = outcome.left_changes
        if repo is not None:
            unfinished["head"] = repo.head()[0]
    store.add_event(
        issue.id,
        "run",
        by=holder,
        run_id=run.run_id,
        status=result.status,
        cost_usd=round(outcome.cost_usd, 6),
        continues=outcome.continues,
        trajectory=in_repository(result.trajectory, config),
        **({"resumed": True} if outcome.resumed_run else {}),
        **unfinished,
    )
    changed: list[str] = []
    trajectory: list[str] = []
    if repo is not None and config.commit != "off":
        changed = changed_since(repo, config, before)
        trajectory = trajectory_paths(repo, result)
    trailers = f"Autopilot-Issue: {issue.id}\nAutopilot-Run: {run.run_id}"
    final: list[str] | None = None  # with per-issue: the work to commit at the end
    message = ""
    if outcome.outcome == "completed":
        message = (
            f"autopilot: {issue.title}\n\nWork on issue {issue.id}, accepted by "
            f"{len(issue.accept)} command(s).\n\n{trailers}"
        )
        data: dict[str, Any] = {"acceptance": "passed"}
        if per_issue:
            final = [*changed, *trajectory]
        else:
            try:
                outcome.commit = save(repo, config, [*changed, *trajectory], hooks.redact(text=message))
            except AutopilotError as exc:
                updated = _commit_failed(store, issue, outcome, run.run_id, holder, exc, reopen=False)
                _record_session(store, result, issue, settings, queue_id, config, warnings)
                hooks.on_issue_complete(issue=updated.to_dict(), outcome=outcome.outcome, run=run)
                return
            if outcome.commit:
                data["commit"] = outcome.commit
        updated = store.set_status(issue.id, "done", by=holder, run_id=run.run_id, data=data)
    elif outcome.outcome == "failed":
        failures = [a.to_dict() for a in outcome.acceptance if not a.passed]
        store.add_event(
            issue.id,
            "acceptance_failed",
            by=holder,
            run_id=run.run_id,
            run_status=result.status,
            failures=failures,
        )
        attempts = store.get_issue(issue.id).failed_attempts
        reason = f"acceptance failed ({attempts} attempt(s))" if failures else f"run ended {result.status}"
        stash = f"autopilot: failed attempt on issue {issue.id} (run {run.run_id})"
        if repo is not None and config.commit != "off" and repo.stash(changed, stash):
            reason += f"; changes kept in `git stash` ({stash})"
        # The attempt's record is kept, in a commit of its own (never inside another issue's work).
        message = f"{stash}\n\n{outcome.reason}.\n\n{trailers}"
        if per_issue:
            final = trajectory
        else:
            with contextlib.suppress(AutopilotError):
                save(repo, config, trajectory, hooks.redact(text=message))
        if attempts >= settings.max_attempts:
            outcome.outcome = "blocked"
            outcome.reason += f"; blocked after {attempts} failed attempt(s)"
            updated = store.set_status(issue.id, "blocked", by=holder, reason=reason, run_id=run.run_id)
        else:
            updated = store.release(issue.id, by=holder, reason=reason)
    else:
        reason = {"budget_exhausted": "the queue budget ran out", "unreached": outcome.reason}
        updated = store.release(issue.id, by=holder, reason=reason.get(outcome.outcome, "interrupted"))
        if repo is not None and trajectory:
            # Staged beside the issue's record and the session that names it, so the next commit
            # holds them together, never a session whose trajectory is in no commit.
            repo.add(trajectory)
    _record_session(store, result, issue, settings, queue_id, config, warnings)
    if final is not None and repo is not None:
        paths = [*final, *records_changed_since(repo, store, records_before)]
        try:
            sha = save(repo, config, paths, hooks.redact(text=message))
        except AutopilotError as exc:
            if outcome.outcome != "completed":
                warnings.append(f"issue {issue.id}: the failed attempt's record was not committed: {exc}")
            else:
                updated = _commit_failed(store, issue, outcome, run.run_id, holder, exc, reopen=True)
        else:
            if outcome.outcome == "completed":
                outcome.commit = sha
    hooks.on_issue_complete(issue=updated.to_dict(), outcome=outcome.outcome, run=run)


def _commit_failed(
    store: IssueStore,
    issue: Issue,
    outcome: IssueOutcome,
    run_id: str,
    holder: str,
    exc: AutopilotError,
    *,
    reopen: bool,
) -> Issue:
    """The accepted work could not be committed (say a pre-commit hook refused it): nothing is lost,
    the work stays in the tree and the issue goes back to open (*reopen*: it was already done)."""
    outcome.outcome = "failed"
    outcome.reason = f"the work could not be committed: {exc}"
    outcome.commit_failed = True
    store.add_event(issue.id, "commit_failed", by=holder, run_id=run_id, error=str(exc))
    if reopen:
        return store.set_status(issue.id, "open", by=holder, reason=outcome.reason, run_id=run_id)
    return store.release(issue.id, by=holder, reason=outcome.reason)


# ------------------------------------------------------------------------------------------------
# The queue


def run_queue(
    store: IssueStore,
    *,
    settings: QueueSettings,
    hooks: Hooks,
    config: Config,
    only_issue: str | None = None,
    on_issue: Callable[[IssueOutcome], None] | None = None,
) -> QueueResult:
    """Work ready issues until a stop condition (or just *only_issue*)."""
    repo = Repository.find(config.project_dir) if config.commit != "off" else None
    try:
        with contextlib.nullcontext() if repo is None else _one_queue_per_tree(repo):
            return _run_queue(store, repo, settings, hooks, config, only_issue, on_issue)
    finally:
        if repo is not None:
            repo.close()


class QueueBusyError(AutopilotError):
    """Another queue holds this working tree."""

    exit_code = ExitCode.CONFLICT


@contextlib.contextmanager
def _one_queue_per_tree(repo: Repository) -> Iterator[None]:
    """Hold this working tree for one queue: each issue's commit (or stash) takes what changed in
    the tree while its run lived, so a second queue's agent working beside it would have its work
    committed under the wrong issue, or stashed away. Another worktree of the repository is free."""
    path = repo.git_path("autopilot-queue.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise QueueBusyError(
                f"another autopilot queue (pid {holder}) is working issues in {repo.root}; wait for it "
                "to finish, or work in another worktree (`git worktree add`)"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _run_queue(
    store: IssueStore,
    repo: Repository | None,
    settings: QueueSettings,
    hooks: Hooks,
    config: Config,
    only_issue: str | None,
    on_issue: Callable[[IssueOutcome], None] | None,
) -> QueueResult:
    queue_id = new_run_id()
    warnings: list[str] = []
    outcomes: list[IssueOutcome] = []
    spent = 0.0
    tried: set[str] = set()
    stop_reason = "empty"
    interrupted = False
    if repo is not None and config.commit == "commit":
        # What unfinished runs left is no obstacle: their issues' next runs continue that work.
        left = {
            str(path)
            for issue in store.list_issues()
            if issue.status == "open"
            for path in (unfinished_run(issue) or {}).get("left_changes") or ()
        }
        dirty = [path for path in tracked_changes(repo, config) if path not in left]
        if dirty:
            raise BadInputError(
                f"tracked files have uncommitted changes ({', '.join(dirty[:3])}"
                f"{', ...' if len(dirty) > 3 else ''}); commit or stash them first (autopilot commits each "
                "issue's work), or set commit: off"
            )
        operation = repo.operation_in_progress()
        if operation is not None:
            # git refuses `git commit PATH` then, so every issue's work would fail to commit.
            raise BadInputError(
                f"the repository is in the middle of {operation}; finish or abort it first (autopilot "
                "commits each issue's work), or set commit: off"
            )
        sha, branch = repo.head()
        if sha is not None and branch is None:
            # Commits on a detached HEAD belong to no branch: the next checkout leaves them behind.
            raise BadInputError(
                f"HEAD is detached (at {sha[:10]}); check out a branch first (autopilot commits each "
                "issue's work), or set commit: off"
            )
        if identity(repo.root) is None:
            # Otherwise every issue is worked (and paid for) and then fails to commit.
            raise BadInputError(
                "git does not know who you are (no user.name/user.email): set them with "
                "`git config --global user.name NAME` and `git config --global user.email EMAIL` "
                "(autopilot commits each issue's work as you), or set commit: off"
            )
    single = only_issue is not None or settings.single
    while True:
        target_project: str | None = None
        if single and outcomes:
            stop_reason = "single"
            break
        if not single and settings.max_issues is not None and len(outcomes) >= settings.max_issues:
            stop_reason = "max_issues"
            break
        left = None if settings.queue_budget_usd is None else settings.queue_budget_usd - spent
        if left is not None and left <= 0.001:
            stop_reason = "budget"
            break
        try:
            if only_issue is not None:
                target = only_issue
                with contextlib.suppress(AutopilotError):
                    target_project = store.get_issue(target).project
            else:
                ready = [
                    i
                    for i in store.ready()
                    if i.id not in tried and (not settings.project or i.project == settings.project)
                ]
                if not ready:
                    stop_reason = "empty"
                    break
                # An unfinished run is continued first: its changes are in the tree.
                ready.sort(key=lambda issue: unfinished_run(issue) is None)
                target, target_project = ready[0].id, ready[0].project
            tried.add(target)
            issue_settings = settings_for_issue(settings, store, target_project, config)
            budget = issue_settings.run.max_budget_usd
            if left is not None:
                budget = min(config.max_budget_usd if budget is None else budget, left)
            outcome = work_issue(
                store,
                target,
                settings=issue_settings,
                hooks=hooks,
                config=config,
                budget_usd=budget,
                queue_id=queue_id,
                warnings=warnings,
                repo=repo,
            )
        except ClaimConflictError:
            if only_issue is not None:
                raise
            continue  # another worker took it between `ready` and our claim
        except KeyboardInterrupt:
            # Between runs (a run handles its own signals): work_issue released the claim.
            stop_reason, interrupted = "signal", True
            warnings.append("interrupted between runs; the issue's claim was released")
            break
        outcomes.append(outcome)
        spent += outcome.cost_usd
        if on_issue is not None:
            on_issue(outcome)
        if outcome.outcome == "completed" and settings.push and outcome.commit and repo is not None:
            problem = repo.push()
            if problem:
                warnings.append(f"--push: {problem}")
        if outcome.outcome == "aborted":
            stop_reason = "signal"
            break
        if outcome.outcome == "budget_exhausted":
            stop_reason = "budget"
            break
        if outcome.outcome == "unreached":
            stop_reason = "unreached"
            break
        if outcome.commit_failed:
            # A hook or git refused the commit: the next issue's would be refused the same way,
            # after its run was paid for, and its work would mix with this one's, left in the tree.
            stop_reason = "commit_failed"
            break
    warnings += store.warnings
    exit_code = ExitCode.OK
    aborted = [o for o in outcomes if o.outcome == "aborted"]
    if aborted:
        exit_code = ExitCode.TERMINATED if aborted[0].signal_name == "SIGTERM" else ExitCode.INTERRUPTED
    elif interrupted:
        exit_code = ExitCode.INTERRUPTED
    elif any(o.outcome != "completed" for o in outcomes) or stop_reason == "budget":
        exit_code = ExitCode.FAILURE
    return QueueResult(outcomes, stop_reason, spent, exit_code, settings.max_issues, warnings)


# ------------------------------------------------------------------------------------------------
# Projects and settings


def resolve_project(name: str, start: Path, hooks: Hooks) -> tuple[Path, Project]:
    """The repository holding project *name* (this one, else where ``project create`` recorded it)."""
    here = find_project_dir(start)
    if (here / ".autopilot" / "projects" / f"{name}.yaml").is_file():
        return here, hooks.store_select(config=load_config(here)).get_project(name)
    elsewhere = project_location(name)
    if elsewhere is None:
        raise BadInputError(
            f"no project {name!r} here or in the projects autopilot knows (see `autopilot project list`)"
        )
    return elsewhere, hooks.store_select(config=load_config(elsewhere)).get_project(name)


def with_project_defaults(options: RunOptions, project: Project, project_dir: Path) -> RunOptions:
    """*options* with the project's agent, model, budget and working directory where they are None."""
    cwd = options.cwd
    if cwd is None and project.working_dir:
        cwd = (project_dir / project.working_dir).resolve()
        if not cwd.is_dir():
            raise BadInputError(
                f"project {project.name}: working_dir {project.working_dir}: no such directory ({cwd})"
            )
    return replace(
        options,
        agent=options.agent or project.agent,
        model=options.model or project.model,
        max_budget_usd=project.max_budget_usd if options.max_budget_usd is None else options.max_budget_usd,
        cwd=cwd,
    )


def settings_for_issue(
    settings: QueueSettings, store: IssueStore, project_name: str | None, config: Config
) -> QueueSettings:
    """*settings* with the issue's own project defaults, when the queue was not started for one project.

    Flags given on the command line still win; the project fills in agent, model, budget and working dir.
    """
    if settings.project is not None or not project_name:
        return settings
    try:
        project = store.get_project(project_name)
    except IssueNotFoundError:
        return settings  # an issue naming a removed project runs with the queue's settings
    # A project file that cannot be read is an error (MalformedFileError), not a project to ignore:
    # its issues would run without its budget, agent and working directory.
    return replace(
        settings,
        run=with_project_defaults(settings.run, project, config.project_dir),
        project_settings=project.to_dict(),
    )


def settings_from_request(request: QueueRequest, config: Config, project: Project | None) -> QueueSettings:
    """The queue's settings: the request's flags, then the project's defaults, then the config's."""
    full_auto = request.full_auto or (project is not None and not request.issue)
    run = request.options
    queue_budget = None
    if full_auto:
        # --max-budget is the whole queue's; each issue gets its project's (or the config's) per-run budget.
        run = replace(run, max_budget_usd=None)
        default = project.max_budget_usd if project and project.max_budget_usd is not None else None
        queue_budget = request.options.max_budget_usd
        if queue_budget is None:
            queue_budget = config.max_budget_usd if default is None else default
    if project is not None:
        run = with_project_defaults(run, project, config.project_dir)
    return QueueSettings(
        run=run,
        queue_budget_usd=queue_budget,
        project=project.name if project else None,
        project_settings=project.to_dict() if project else None,
        max_issues=request.max_issues,
        single=project is not None and not request.full_auto and not request.issue,
        push=request.push,
        extra_prompt=request.prompt,
    )


# ------------------------------------------------------------------------------------------------
# Entry points of `autopilot run --issue/--project/--full-auto`


def work_queue(
    request: QueueRequest, *, hooks: Hooks, on_issue: Callable[[IssueOutcome], None] | None = None
) -> QueueResult:
    """Work the issues *request* asks for; *on_issue* is called as each one is finished."""
    start = Path(request.options.cwd).expanduser().resolve() if request.options.cwd else Path.cwd()
    project: Project | None = None
    project_dir = None
    if request.project:
        project_dir, project = resolve_project(request.project, start, hooks)
    config = load_config(project_dir or start)
    store = hooks.store_select(config=config)
    settings = settings_from_request(request, config, project)
    previous = signal.getsignal(signal.SIGTERM)
    with contextlib.suppress(ValueError):  # not the main thread: keep the default
        signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        result = run_queue(
            store, settings=settings, hooks=hooks, config=config, only_issue=request.issue, on_issue=on_issue
        )
    finally:
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGTERM, previous)
    result.warnings += [problem.message for problem in store.problems]
    return result


def run_in_project(prompt: str, options: RunOptions, project_name: str, *, hooks: Hooks) -> RunTaskResult:
    """``run --project NAME "PROMPT"``: one plain run with the project's defaults, in its repository."""
    start = Path(options.cwd).expanduser().resolve() if options.cwd else Path.cwd()
    project_dir, project = resolve_project(project_name, start, hooks)
    config = load_config(project_dir)
    options = with_project_defaults(options, project, project_dir)
    return run_task(
        prompt,
        replace(options, cwd=options.cwd or project_dir),
        project=project.name,
        project_settings=project.to_dict(),
        hooks=hooks,
        config=config,
    )


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


__all__ = [
    "IssueOutcome",
    "QueueRequest",
    "QueueResult",
    "QueueSettings",
    "build_prompt",
    "run_in_project",
    "run_queue",
    "work_issue",
    "work_queue",
]
