"""The issue queue: ``run --issue ID``, ``run --project NAME`` and ``run --full-auto``.

One issue is worked like this (:func:`work_issue`):

1. claim it (atomic; a live claim elsewhere is exit code 3) and keep the lease renewed while the run lives;
2. build the prompt from the issue, run the agent (its own trajectory, linked to the issue);
3. run the issue's acceptance commands; if they fail, or the agent stopped early, continue the same
   session a bounded number of times with the failing output;
4. all pass: commit the work, mark the issue done, fire ``on_issue_complete(outcome="completed")``;
   still failing: record the output, put the issue back to open (blocked after N failed attempts),
   and stash the attempt's changes so the next issue starts from a clean tree.

``--full-auto`` loops ready → claim → run → acceptance → commit (→ push with ``--push``) → complete → next,
and stops when nothing is ready, the whole-queue budget is spent, ``--max-issues`` is reached, or on a
signal. Every run is recorded as a session in the store.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from autopilot.app import runs as api
from autopilot.core.config import Config, load_config
from autopilot.core.errors import AutopilotError, BadInputError, ExitCode
from autopilot.core.hooks import Hooks
from autopilot.core.issues import (
    DEFAULT_LEASE_SECONDS,
    ClaimConflictError,
    Issue,
    IssueStore,
    Project,
    Session,
    default_holder,
    project_location,
)
from autopilot.core.models import new_run_id

#: Times an agent that stopped early (or whose acceptance failed) is continued within one attempt.
MAX_CONTINUES: Final = 2
#: Failed attempts after which an issue is blocked instead of reopened.
MAX_ATTEMPTS: Final = 3
ACCEPTANCE_TIMEOUT: Final = 900.0
OUTPUT_TAIL: Final = 4000
_DEFAULT_CLAUDE_TOOLS: Final = ("Bash", "Read", "Glob", "Grep")


@dataclass
class QueueSettings:
    """How to work issues; built from ``autopilot run`` flags, the project and the config."""

    agent: str | None = None
    model: str | None = None
    run_budget_usd: float | None = None
    #: True when the per-run budget came from the command line (a project's default must not override it).
    run_budget_explicit: bool = False
    queue_budget_usd: float | None = None
    max_turns: int | None = None
    output_dir: str | None = None
    cwd: Path | None = None
    project: str | None = None
    project_settings: dict[str, Any] | None = None
    idle_timeout: float | None = None
    timeout: float | None = None
    max_issues: int | None = None
    push: bool = False
    extra_prompt: str | None = None
    max_continues: int = MAX_CONTINUES
    max_attempts: int = MAX_ATTEMPTS
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    acceptance_timeout: float = ACCEPTANCE_TIMEOUT


@dataclass
class AcceptanceResult:
    command: str
    exit_code: int
    output: str
    duration_ms: int

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    def to_dict(self) -> dict[str, Any]:
        return {"command": self.command, "exit_code": self.exit_code, "output": self.output}


@dataclass
class IssueOutcome:
    """What happened to one issue."""

    issue_id: str
    title: str
    outcome: str  # completed | failed | blocked | aborted | budget_exhausted
    run_status: str | None = None
    run_ids: list[str] = field(default_factory=list)
    trajectories: list[str] = field(default_factory=list)
    cost_usd: float = 0.0
    continues: int = 0
    acceptance: list[AcceptanceResult] = field(default_factory=list)
    commit: str | None = None
    signal_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "issue": self.issue_id,
            "title": self.title,
            "outcome": self.outcome,
            "run_status": self.run_status,
            "run_ids": self.run_ids,
            "trajectories": self.trajectories,
            "cost_usd": round(self.cost_usd, 6),
            "continues": self.continues,
            "acceptance": [a.to_dict() for a in self.acceptance],
            "commit": self.commit,
        }


@dataclass
class QueueResult:
    issues: list[IssueOutcome]
    stop_reason: str  # empty | budget | max_issues | signal | single
    cost_usd: float
    exit_code: ExitCode
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "stop_reason": self.stop_reason,
            "cost_usd": round(self.cost_usd, 6),
            "issues": [i.to_dict() for i in self.issues],
            "completed": sum(i.outcome == "completed" for i in self.issues),
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


SYSTEM_NOTE: Final = (
    "You are run unattended by git-autopilot on one issue of the repository's queue. The tools of the "
    "'autopilot-issues' MCP server (issue_view, issue_ready, issue_create, issue_block, issue_complete) "
    "read and change the queue; use issue_create for follow-up work you notice but should not do now, "
    "and issue_block if the issue cannot be done."
)


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


# ------------------------------------------------------------------------------------------------
# Acceptance and git


def run_acceptance(
    commands: tuple[str, ...], cwd: Path, redact: Any, timeout: float = ACCEPTANCE_TIMEOUT
) -> list[AcceptanceResult]:
    """Run every acceptance command (a shell command line) in *cwd*; output is redacted and trimmed."""
    results = []
    for command in commands:
        started = time.monotonic()
        try:
            done = subprocess.run(
                command,
                shell=True,
                cwd=cwd,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
                start_new_session=True,
            )
            code, output = done.returncode, (done.stdout or "") + (done.stderr or "")
        except subprocess.TimeoutExpired as exc:
            code = 124
            output = f"{exc.stdout or ''}{exc.stderr or ''}\n(timed out after {timeout:.0f}s)"
            if isinstance(output, bytes):  # pragma: no cover - text=True gives str
                output = output.decode(errors="replace")
        results.append(
            AcceptanceResult(
                command, code, redact(str(output)[-OUTPUT_TAIL:]), int((time.monotonic() - started) * 1000)
            )
        )
    return results


def _git(repo_dir: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(["git", *args], cwd=repo_dir, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AutopilotError(f"git {' '.join(args[:2])} failed: {(done.stderr or done.stdout).strip()[:300]}")
    return done.stdout.strip()


def _is_repo(path: Path) -> bool:
    return subprocess.run(["git", "rev-parse", "--git-dir"], cwd=path, capture_output=True).returncode == 0


def _work_pathspec(config: Config) -> list[str]:
    """Everything but the store and the trajectories (those are committed by their owners)."""
    excludes = [":(exclude,top).autopilot"]
    out = Path(config.output_dir)
    if not out.is_absolute():
        excludes.append(f":(exclude,top){out.as_posix()}")
    return [":(top)", *excludes]


def dirty_work(config: Config) -> list[str]:
    """Uncommitted changes outside ``.autopilot/`` and the output directory."""
    status = _git(config.project_dir, "status", "--porcelain", "--", *_work_pathspec(config), check=False)
    return [line[3:] for line in status.splitlines() if line.strip()]


def commit_work(config: Config, message: str, redact: Any) -> str | None:
    """Commit the agent's work (and finished trajectories); returns the sha, None if nothing changed."""
    if config.commit == "off" or not _is_repo(config.project_dir):
        return None
    _git(config.project_dir, "add", "-A", "--", ":(top)", ":(exclude,top).autopilot")
    if config.commit == "stage":
        return None
    if not _git(config.project_dir, "diff", "--cached", "--name-only", check=False):
        return None
    _git(config.project_dir, "commit", "--quiet", "-m", redact(message))
    return _git(config.project_dir, "rev-parse", "HEAD")


def stash_work(config: Config, message: str) -> str | None:
    """Put a failed attempt's changes aside (``git stash``) so the next issue starts clean."""
    if config.commit == "off" or not _is_repo(config.project_dir) or not dirty_work(config):
        return None
    _git(
        config.project_dir,
        "stash",
        "push",
        "--include-untracked",
        "-m",
        message,
        "--",
        *_work_pathspec(config),
    )
    return message


def push(config: Config) -> str | None:
    """Push the current branch to its remote (never forced); returns a warning on failure."""
    remotes = _git(config.project_dir, "remote", check=False).split()
    if not remotes:
        return "--push: no git remote is configured; nothing was pushed"
    branch = _git(config.project_dir, "rev-parse", "--abbrev-ref", "HEAD", check=False)
    remote = "origin" if "origin" in remotes else remotes[0]
    done = subprocess.run(
        ["git", "push", remote, f"HEAD:refs/heads/{branch}"],
        cwd=config.project_dir,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return f"git push {remote} {branch} failed: {(done.stderr or done.stdout).strip()[:300]}"
    return None


# ------------------------------------------------------------------------------------------------
# One issue


@contextlib.contextmanager
def renewing(
    store: IssueStore, issue_id: str, claim_id: str, lease: float, warnings: list[str]
) -> Iterator[None]:
    """Renew the claim's lease every third of its length while the block runs."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(max(1.0, lease / 3)):
            try:
                store.renew_claim(issue_id, run_id=claim_id, lease_seconds=lease)
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


def _run_options(
    hooks: Hooks, config: Config, settings: QueueSettings, issue: Issue, tools: Any
) -> dict[str, Any]:
    options: dict[str, Any] = {}
    agent = hooks.backend_select(
        agent=settings.agent, issue=issue.to_dict(), project=settings.project_settings, config=config
    )
    if agent == "claude":
        from autopilot.app.issue_tools import SERVER_NAME, claude_issue_server

        allowed = config.plugin_config("backend_claude").get("allowed_tools") or _DEFAULT_CLAUDE_TOOLS
        options["mcp_servers"] = {SERVER_NAME: claude_issue_server(tools)}
        options["claude"] = {"allowed_tools": [*allowed, f"mcp__{SERVER_NAME}"]}
        options["system_prompt_append"] = SYSTEM_NOTE
    elif agent == "codex":
        from autopilot.app.issue_mcp import codex_issue_server
        from autopilot.app.issue_tools import SERVER_NAME

        # Codex starts MCP servers itself: a stdio server over the same store (autopilot.app.issue_mcp).
        options["mcp_servers"] = {SERVER_NAME: codex_issue_server(tools, config.project_dir)}
        options["system_prompt_append"] = SYSTEM_NOTE
    return options


def _record_session(
    store: IssueStore, result: api.RunTaskResult, issue: Issue, project: str | None, parent: str
) -> None:
    run = result.run
    trajectory = result.trajectory
    with contextlib.suppress(ValueError):
        trajectory = trajectory.relative_to(store_project_dir(store))
    store.save_session(
        Session(
            run_id=run.run_id,
            issue=issue.id,
            project=project,
            status=result.status,
            agent=run.agent,
            model=run.model,
            cost_usd=run.usage.cost_usd,
            tokens={
                "input_tokens": run.usage.input_tokens,
                "output_tokens": run.usage.output_tokens,
                "cache_read_tokens": run.usage.cache_read_tokens,
                "cache_creation_tokens": run.usage.cache_creation_tokens,
            },
            trajectory=str(trajectory),
            backend_session_ids=tuple(run.session_ids or ([run.session_id] if run.session_id else [])),
            started_at=run.started_at,
            ended_at=run.ended_at,
            parent=parent,
        )
    )


def store_project_dir(store: IssueStore) -> Path:
    return Path(getattr(store, "project_dir", Path.cwd()))


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
) -> IssueOutcome:
    """Claim, run, accept, commit and complete one issue (see the module docstring)."""
    holder = default_holder(pid=True)
    claim_id = f"{queue_id}:{issue_id}"
    issue = store.claim(issue_id, holder=holder, run_id=claim_id, lease_seconds=settings.lease_seconds)
    outcome = IssueOutcome(issue.id, issue.title, "failed")
    cwd = settings.cwd or config.project_dir
    redact = lambda text: hooks.redact(text=text)  # noqa: E731
    from autopilot.app.issue_tools import IssueTools

    tools = IssueTools(store, holder=holder, run_id=claim_id, current=issue.id)
    common: dict[str, Any] = {
        "max_turns": settings.max_turns,
        "cwd": cwd,
        "output_dir": settings.output_dir,
        "idle_timeout": settings.idle_timeout,
        "timeout": settings.timeout,
        "hooks": hooks,
        "config": config,
    }
    result: api.RunTaskResult | None = None
    try:
        with renewing(store, issue.id, claim_id, settings.lease_seconds, warnings):
            options = _run_options(hooks, config, settings, issue, tools)
            result = api.run_task(
                build_prompt(issue, settings.extra_prompt),
                agent=settings.agent,
                model=settings.model,
                max_budget_usd=budget_usd,
                slug=f"issue-{issue.id}",
                issue_id=issue.id,
                project=settings.project or issue.project,
                issue=issue.to_dict(),
                project_settings=settings.project_settings,
                options=options,
                **common,
            )
            tools.run_id = result.run.run_id
            spent = result.run.usage.cost_usd
            while True:
                outcome.run_status, outcome.signal_name = result.status, result.signal_name
                if result.status == "interrupted" or result.signal_name:
                    outcome.outcome = "aborted"
                    break
                if result.status == "budget_exhausted":
                    outcome.outcome = "budget_exhausted"
                    break
                outcome.acceptance = (
                    run_acceptance(issue.accept, cwd, redact, settings.acceptance_timeout)
                    if result.status == "success"
                    else []
                )
                failures = [a for a in outcome.acceptance if not a.passed]
                if result.status == "success" and not failures:
                    outcome.outcome = "completed"
                    break
                left = None if budget_usd is None else budget_usd - spent
                if (
                    outcome.continues >= settings.max_continues
                    or not result.run.session_id
                    or (left is not None and left <= 0.001)
                ):
                    outcome.outcome = "failed"
                    break
                outcome.continues += 1
                before = result.run.usage.cost_usd
                result = api.resume_run(
                    trajectory=result.trajectory,
                    prompt=continuation_prompt(failures, result.status),
                    max_budget_usd=left,
                    options=options,
                    **common,
                )
                spent += result.run.usage.cost_usd - before
        outcome.cost_usd = spent
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
    _finish_issue(store, issue, outcome, result, settings=settings, hooks=hooks, config=config, holder=holder)
    with contextlib.suppress(AutopilotError):
        _record_session(store, result, issue, settings.project or issue.project, queue_id)
    return outcome


def _finish_issue(
    store: IssueStore,
    issue: Issue,
    outcome: IssueOutcome,
    result: api.RunTaskResult,
    *,
    settings: QueueSettings,
    hooks: Hooks,
    config: Config,
    holder: str,
) -> None:
    run = result.run
    redact = lambda text: hooks.redact(text=text)  # noqa: E731
    store.add_event(
        issue.id,
        "run",
        by=holder,
        run_id=run.run_id,
        status=result.status,
        cost_usd=round(outcome.cost_usd, 6),
        continues=outcome.continues,
        trajectory=str(result.trajectory),
    )
    if outcome.outcome == "completed":
        message = (
            f"autopilot: {issue.title}\n\nWork on issue {issue.id}, accepted by "
            f"{len(issue.accept)} command(s).\n\nAutopilot-Issue: {issue.id}\nAutopilot-Run: {run.run_id}"
        )
        try:
            outcome.commit = commit_work(config, message, redact)
        except AutopilotError as exc:
            # e.g. a pre-commit hook refused the work: nothing is lost, the issue goes back to open.
            outcome.outcome = "failed"
            store.add_event(issue.id, "commit_failed", by=holder, run_id=run.run_id, error=str(exc))
            updated = store.release(issue.id, by=holder, reason=f"the work could not be committed: {exc}")
            hooks.on_issue_complete(issue=updated.to_dict(), outcome=outcome.outcome, run=run)
            return
        data: dict[str, Any] = {"acceptance": "passed"}
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
        stash = stash_work(config, f"autopilot: failed attempt on issue {issue.id} (run {run.run_id})")
        attempts = store.get_issue(issue.id).failed_attempts
        reason = f"acceptance failed ({attempts} attempt(s))" if failures else f"run ended {result.status}"
        if stash:
            reason += f"; changes kept in `git stash` ({stash})"
        if attempts >= settings.max_attempts:
            outcome.outcome = "blocked"
            updated = store.set_status(issue.id, "blocked", by=holder, reason=reason, run_id=run.run_id)
        else:
            updated = store.release(issue.id, by=holder, reason=reason)
    else:
        reason = "the queue budget ran out" if outcome.outcome == "budget_exhausted" else "interrupted"
        updated = store.release(issue.id, by=holder, reason=reason)
    hooks.on_issue_complete(issue=updated.to_dict(), outcome=outcome.outcome, run=run)


# ------------------------------------------------------------------------------------------------
# The queue


class _Stop:
    def __init__(self) -> None:
        self.signal_name: str | None = None


def run_queue(
    store: IssueStore,
    *,
    settings: QueueSettings,
    hooks: Hooks,
    config: Config,
    only_issue: str | None = None,
    on_issue: Any = None,
) -> QueueResult:
    """Work ready issues until a stop condition (or just *only_issue*)."""
    queue_id = new_run_id()
    warnings: list[str] = []
    outcomes: list[IssueOutcome] = []
    spent = 0.0
    tried: set[str] = set()
    stop_reason = "empty"
    if config.commit == "commit" and _is_repo(config.project_dir):
        dirty = dirty_work(config)
        if dirty:
            raise BadInputError(
                f"the working tree has uncommitted changes ({', '.join(dirty[:3])}"
                f"{', ...' if len(dirty) > 3 else ''}); commit or stash them first (autopilot commits each "
                "issue's work), or set commit: off"
            )
    while True:
        target_project: str | None = None
        if only_issue is None and settings.max_issues is not None and len(outcomes) >= settings.max_issues:
            stop_reason = "max_issues"
            break
        left = None if settings.queue_budget_usd is None else settings.queue_budget_usd - spent
        if left is not None and left <= 0.001:
            stop_reason = "budget"
            break
        if only_issue is not None:
            if outcomes:
                stop_reason = "single"
                break
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
            target, target_project = ready[0].id, ready[0].project
        tried.add(target)
        issue_settings = settings_for_issue(settings, store, target_project, config)
        budget = issue_settings.run_budget_usd
        if left is not None:
            budget = left if budget is None else min(budget, left)
        try:
            outcome = work_issue(
                store,
                target,
                settings=issue_settings,
                hooks=hooks,
                config=config,
                budget_usd=budget,
                queue_id=queue_id,
                warnings=warnings,
            )
        except ClaimConflictError:
            if only_issue is not None:
                raise
            continue  # another worker took it between `ready` and our claim
        outcomes.append(outcome)
        spent += outcome.cost_usd
        if on_issue is not None:
            on_issue(outcome)
        if outcome.outcome == "completed" and settings.push and outcome.commit:
            problem = push(config)
            if problem:
                warnings.append(problem)
        if outcome.outcome == "aborted":
            stop_reason = "signal"
            break
        if outcome.outcome == "budget_exhausted":
            stop_reason = "budget"
            break
    warnings += store.warnings
    exit_code = ExitCode.OK
    aborted = [o for o in outcomes if o.outcome == "aborted"]
    if aborted:
        exit_code = ExitCode.TERMINATED if aborted[0].signal_name == "SIGTERM" else ExitCode.INTERRUPTED
    elif any(o.outcome != "completed" for o in outcomes) or stop_reason == "budget":
        exit_code = ExitCode.FAILURE
    return QueueResult(outcomes, stop_reason, spent, exit_code, warnings)


# ------------------------------------------------------------------------------------------------
# `autopilot run --issue/--project/--full-auto`


def resolve_project(name: str, start: Path, hooks: Hooks) -> tuple[Path, Project]:
    """The repository holding project *name* (this one, else where ``project create`` recorded it)."""
    from autopilot.core.config import find_project_dir

    here = find_project_dir(start)
    if (here / ".autopilot" / "projects" / f"{name}.yaml").is_file():
        return here, hooks.store_select(config=load_config(here)).get_project(name)
    elsewhere = project_location(name)
    if elsewhere is None:
        raise BadInputError(
            f"no project {name!r} here or in the projects autopilot knows (see `autopilot project list`)"
        )
    return elsewhere, hooks.store_select(config=load_config(elsewhere)).get_project(name)


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
    except AutopilotError:
        return settings  # an issue naming a removed project runs with the queue's settings
    cwd = settings.cwd
    if cwd is None and project.working_dir:
        cwd = (config.project_dir / project.working_dir).resolve()
    budget = settings.run_budget_usd
    if project.max_budget_usd is not None and not settings.run_budget_explicit:
        budget = project.max_budget_usd
    return replace(
        settings,
        agent=settings.agent or project.agent,
        model=settings.model or project.model,
        run_budget_usd=budget,
        cwd=cwd,
        project_settings=project.to_dict(),
    )


def settings_from_arguments(arguments: Any, config: Config, project: Project | None) -> QueueSettings:
    defaults = project or Project(name="-")
    cwd = Path(arguments.cwd).expanduser().resolve() if arguments.cwd else None
    if cwd is None and defaults.working_dir:
        cwd = (config.project_dir / defaults.working_dir).resolve()
    full_auto = bool(arguments.full_auto) or (project is not None and not arguments.issue)
    run_budget = defaults.max_budget_usd if defaults.max_budget_usd is not None else config.max_budget_usd
    queue_budget = None
    if full_auto:
        queue_budget = arguments.max_budget_usd if arguments.max_budget_usd is not None else run_budget
    elif arguments.max_budget_usd is not None:
        run_budget = arguments.max_budget_usd
    max_issues = getattr(arguments, "max_issues", None)
    if project is not None and not arguments.full_auto and not arguments.issue and max_issues is None:
        max_issues = 1  # `run --project NAME` alone works the project's next ready issue
    return QueueSettings(
        agent=arguments.agent or defaults.agent,
        model=arguments.model or defaults.model,
        run_budget_usd=run_budget,
        run_budget_explicit=not full_auto and arguments.max_budget_usd is not None,
        queue_budget_usd=queue_budget,
        max_turns=arguments.max_turns,
        output_dir=arguments.output_dir,
        cwd=cwd,
        project=project.name if project else None,
        project_settings=project.to_dict() if project else None,
        idle_timeout=arguments.idle_timeout,
        timeout=arguments.timeout,
        max_issues=max_issues,
        push=bool(getattr(arguments, "push", False)),
        extra_prompt=arguments.prompt,
    )


def run_command(arguments: Any) -> int:
    """Entry point for ``autopilot run --issue/--project/--full-auto`` (called by cli/run_cmd.py)."""
    import json

    from autopilot.cli import context

    start = Path(arguments.cwd).expanduser().resolve() if arguments.cwd else Path.cwd()
    hooks = context.hooks()
    project: Project | None = None
    project_dir = None
    if arguments.project:
        project_dir, project = resolve_project(arguments.project, start, hooks)
    config = load_config(project_dir or start)
    store = hooks.store_select(config=config)
    settings = settings_from_arguments(arguments, config, project)
    if arguments.prompt and project is not None and not (arguments.issue or arguments.full_auto):
        # `run --project NAME "PROMPT"`: a plain run with the project's defaults and working dir.
        from autopilot.cli.run import render_result

        result = api.run_task(
            arguments.prompt,
            agent=settings.agent,
            model=settings.model,
            max_budget_usd=arguments.max_budget_usd
            if arguments.max_budget_usd is not None
            else settings.run_budget_usd,
            max_turns=settings.max_turns,
            cwd=settings.cwd or config.project_dir,
            output_dir=settings.output_dir,
            slug=arguments.slug,
            project=project.name,
            project_settings=settings.project_settings,
            idle_timeout=settings.idle_timeout,
            timeout=settings.timeout,
            hooks=hooks,
            config=config,
        )
        return render_result(result, json_output=arguments.json_output)

    def report(outcome: IssueOutcome) -> None:
        if arguments.json_output:
            return
        context.echo(
            f"issue {outcome.issue_id}: {outcome.outcome} ({outcome.run_status}, ${outcome.cost_usd:.4f}"
            + (f", continued {outcome.continues}x" if outcome.continues else "")
            + ")"
            + (f"  {outcome.title}" if outcome.title else "")
        )
        for failure in [a for a in outcome.acceptance if not a.passed][:3]:
            context.echo(f"  failed: $ {failure.command} (exit {failure.exit_code})")

    previous = signal.getsignal(signal.SIGTERM)
    with contextlib.suppress(ValueError):  # not the main thread: keep the default
        signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        result = run_queue(
            store,
            settings=settings,
            hooks=hooks,
            config=config,
            only_issue=arguments.issue,
            on_issue=report,
        )
    except KeyboardInterrupt:
        context.error("interrupted between runs; the issue's claim was released")
        return int(ExitCode.INTERRUPTED)
    finally:
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGTERM, previous)
    for message in result.warnings:
        context.warning(message)
    for problem in store.problems:
        context.warning(problem.message)
    if arguments.json_output:
        context.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        done = sum(o.outcome == "completed" for o in result.issues)
        reasons = {
            "empty": "nothing else is ready",
            "budget": "the queue budget is spent",
            "max_issues": "--max-issues reached",
            "signal": "interrupted",
            "single": "done",
        }
        context.echo(
            f"worked {len(result.issues)} issue(s), {done} completed, ${result.cost_usd:.4f}; "
            f"stopped: {reasons.get(result.stop_reason, result.stop_reason)}"
        )
    return int(result.exit_code)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


__all__ = ["QueueSettings", "build_prompt", "run_acceptance", "run_command", "run_queue", "work_issue"]
