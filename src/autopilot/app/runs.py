"""Library entry points: run a task, resume a run. The CLI only renders what these return.

``run_task`` and ``resume_run`` are what ``autopilot run`` and ``autopilot resume`` call, and what the
issue queue (``run --issue`` / ``--full-auto``) calls once per issue::

    from autopilot.app.runs import RunOptions, run_task

    result = run_task("Fix the failing test", RunOptions(agent="claude", max_budget_usd=2.0, cwd=repo),
                      issue_id="ISSUE-7", backend_options={"system_prompt_append": "Work on ISSUE-7 only."})
    result.status        # "success", "budget_exhausted", "max_turns", "timeout", "interrupted", ...
    result.paths["json"] # the trajectory
    result.exit_code     # what the command should exit with

:class:`RunOptions` (and its part :class:`Limits`, all ``autopilot resume`` takes) is the one
declaration of a run's options: the ``run`` command's flags are its fields, the queue keeps one per
issue, and it checks its values when it is made.

Both return a :class:`RunTaskResult` and raise only :class:`~autopilot.AutopilotError` subclasses
(bad input, low memory, unknown agent) before a run starts; once a run has started it is always
finished and written, whatever happens.

Every run is also a session in the issue store (``autopilot session list``): :func:`record_session`
saves one through the store plugin. ``autopilot run`` and ``resume`` call it after the run, the issue
queue once per issue (with the issue and the queue it belongs to).
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autopilot import __version__
from autopilot.app.run_refs import base_of, find_latest_run, freshest
from autopilot.core.config import CONFIG_FILE, Config, load_config
from autopilot.core.errors import AutopilotError, BadInputError, ExitCode
from autopilot.core.git import Repository
from autopilot.core.hooks import Hooks
from autopilot.core.issues import Session
from autopilot.core.models import Backend, Run, RunRequest, Step, Toolset, utcnow
from autopilot.core.pricing import PriceTable, load_price_table
from autopilot.core.processes import PidFile, available_memory_mb, read_pid_files, stop_processes
from autopilot.core.recorder import Recorder
from autopilot.core.runner import RunLimits, Runner, check_memory, default_output_dir
from autopilot.core.trajectory.files import load_trajectory, slugify, unique_base_path
from autopilot.core.trajectory.render import transcript

DEFAULT_RESUME_PROMPT = (
    "Continue the task from where you left off. The previous session ended with status {status}{reason}. "
    "Check the current state of the repository, then finish the original request."
)

#: What a new session is told when the run's own session cannot be resumed (the agent never wrote it,
#: or it is gone): the original request, what the trajectory recorded, then the resume prompt.
NEW_SESSION_PROMPT = """\
You are taking over a task from an earlier session whose conversation is not available any more.

The original request was:
{request}

What the earlier session did, as recorded (oldest first, long lines cut):
{transcript}

{prompt}"""


@dataclass(frozen=True)
class Limits:
    """What one run (or one resumption) may use; None means the configuration's value.

    Every value must be positive: a budget of 0 or a timeout of 0 is refused (bad input, exit 2),
    checked when the options are made, before any agent starts.

    Attributes:
        max_budget_usd: Budget in USD, enforced by autopilot from streamed usage (config ``max_budget_usd``,
            default 5.0). For ``resume``: the additional budget; for ``--full-auto``: the whole queue's.
        max_turns: Stop once the model wants more than N turns (config ``max_turns``, default no limit).
            For ``resume``: the additional turns.
        idle_timeout: Stop when the agent sends nothing but retry notices and tool heartbeats for
            this many seconds (config ``idle_timeout``, default 900).
        timeout: Stop after this many seconds in all (config ``timeout``, default 7200).
    """

    max_budget_usd: float | None = None
    max_turns: int | None = None
    idle_timeout: float | None = None
    timeout: float | None = None

    def __post_init__(self) -> None:
        for value, what, unit in (
            (self.max_budget_usd, "the budget (--max-budget)", " USD"),
            (self.max_turns, "max turns (--max-turns)", ""),
            (self.idle_timeout, "the idle timeout (--idle-timeout)", " seconds"),
            (self.timeout, "the timeout (--timeout)", " seconds"),
        ):
            if value is not None and not value > 0:
                raise BadInputError(f"{what} must be more than 0{unit} (got {value:g})")

    def resolve(self, config: Config) -> RunLimits:
        """The limits a run enforces: these values, else the configuration's (where 0 means none)."""
        return RunLimits(
            max_budget_usd=config.max_budget_usd if self.max_budget_usd is None else self.max_budget_usd,
            max_turns=config.max_turns if self.max_turns is None else self.max_turns,
            idle_timeout=(config.idle_timeout if self.idle_timeout is None else self.idle_timeout) or None,
            timeout=(config.timeout if self.timeout is None else self.timeout) or None,
            min_free_memory_mb=config.min_free_memory_mb,
        )


@dataclass(frozen=True)
class RunOptions(Limits):
    """The options of one run: ``autopilot run``'s flags, ``run_task``'s argument, the queue's per issue.

    None means the project's value (for issues of a project), else the configuration's.

    Attributes:
        agent: Backend: ``claude``, ``codex`` or a backend plugin's name (config ``agent``, default
            claude; a ``backend_select`` plugin may choose).
        model: Model id or alias (``sonnet``, ``opus``, ``haiku``); default ``AUTOPILOT_MODEL`` or the
            backend's.
        cwd: Directory the agent works in (default: the current directory).
        output_dir: Where trajectories go (default docs/logs, relative to the repository root).
        slug: Short name used in the trajectory file names (default: from the redacted prompt).
    """

    agent: str | None = None
    model: str | None = None
    cwd: Path | None = None
    output_dir: Path | None = None
    slug: str | None = None


@dataclass
class RunTaskResult:
    """A finished run (or resumption) and where it was written.

    Attributes:
        run: The whole run as recorded (steps, result, usage).
        paths: ``json``, ``rlog`` and ``journal`` paths (the journal is gone once the ``.json`` exists).
        status: ``run.result.status``.
        exit_code: What ``autopilot run`` exits with (0 success, 130/143 interrupted, 1 otherwise).
        signal_name: ``SIGINT``/``SIGTERM`` when a signal stopped the run.
        warnings: Plugin warnings collected during the run.
    """

    run: Run
    paths: dict[str, Path]
    status: str
    exit_code: ExitCode
    signal_name: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def trajectory(self) -> Path:
        """The ``.json`` when it exists, else the journal (a run that was cut off)."""
        return self.paths["json"] if self.paths["json"].exists() else self.paths["journal"]

    @property
    def reached_model(self) -> bool:
        """The model answered at least once (a run that failed before, e.g. without credentials or
        with the model server down, has nothing to continue: it is run again once the cause is fixed)."""
        return self.run.result.num_turns > 0 or self.run.usage.total_tokens > 0

    @property
    def resumable(self) -> bool:
        """Worth resuming: the run did not succeed, and it reached the model."""
        return self.status != "success" and self.reached_model

    def resume_command(self) -> str:
        """The command that resumes this run, quoted for a POSIX shell (paths may hold spaces)."""
        import shlex

        return shlex.join(["autopilot", "resume", "--trajectory", str(self.trajectory)])

    def summary(self) -> dict[str, Any]:
        """The ``--json`` summary of ``autopilot run`` / ``resume``."""
        run = self.run
        return {
            "run_id": run.run_id,
            "trajectory": str(self.trajectory),
            "rlog": str(self.paths["rlog"]),
            "status": self.status,
            "cost_usd": round(run.usage.cost_usd, 6),
            "input_tokens": run.usage.input_tokens,
            "output_tokens": run.usage.output_tokens,
            "cache_read_tokens": run.usage.cache_read_tokens,
            "cache_creation_tokens": run.usage.cache_creation_tokens,
            "num_turns": run.result.num_turns,
            "duration_ms": run.result.duration_ms,
            "session_id": run.session_id,
            "stop_reason": run.result.stop_reason,
            "error": run.result.error,
        }


def in_repository(path: Path, config: Config) -> str:
    """*path* relative to the project's directory (what committed records hold), else as it is."""
    try:
        return path.resolve().relative_to(config.project_dir.resolve()).as_posix()
    except ValueError:
        return str(path)


def session_record(
    result: RunTaskResult,
    config: Config,
    *,
    issue: str | None = None,
    project: str | None = None,
    parent: str | None = None,
) -> Session:
    """The store's record of *result*: what it worked on, how it ended, what it cost, where it is."""
    run = result.run
    return Session(
        run_id=run.run_id,
        issue=issue or run.issue_id,
        project=project or run.project,
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
        trajectory=in_repository(result.trajectory, config),
        backend_session_ids=tuple(run.session_ids or ([run.session_id] if run.session_id else [])),
        started_at=run.started_at,
        ended_at=run.ended_at,
        parent=parent,
    )


def trajectory_paths(repo: Repository, result: RunTaskResult) -> list[str]:
    """The run's own trajectory files inside the repository, relative to its root: the ``.json``, the
    ``.rlog`` and what any other trajectory writer put beside them (``<base>.<suffix>``), not the
    journal of a run that is still open."""
    json_path = result.paths["json"]
    base = json_path.name.removesuffix(".json")
    journal = result.paths.get("journal")
    paths = []
    for path in sorted(json_path.parent.glob(f"{glob.escape(base)}.*")):
        with contextlib.suppress(ValueError):
            if path.is_file() and path != journal:
                paths.append(path.resolve().relative_to(repo.root.resolve()).as_posix())
    return paths


def record_session(result: RunTaskResult, *, hooks: Hooks, config: Config | None = None) -> Session | None:
    """Save *result* (a plain run or a resumption) as a session through the store plugin.

    A resumption updates its run's session and keeps what the session was part of (its issue, its
    queue). The run never fails for this: when the store cannot be reached or refuses, the reason is
    added to ``result.warnings`` and None is returned.
    """
    config = config or load_config(Path(result.run.cwd) if result.run.cwd else None)
    try:
        store = hooks.store_select(config=config)
        parent = None
        with contextlib.suppress(AutopilotError):
            parent = store.get_session(result.run.run_id).parent
        saved = store.save_session(session_record(result, config, parent=parent))
    except (AutopilotError, OSError) as exc:
        result.warnings.append(f"the run was not recorded as a session: {exc}")
        return None
    result.warnings += store.warnings
    if config.commit != "off":
        _restage_trajectory(result, config)
    return saved


def _restage_trajectory(result: RunTaskResult, config: Config) -> None:
    """Stage the trajectory again when git already has it (an unfinished issue run left it staged
    beside its session, or it was committed) and a resumption changed it: its session is staged
    with the new figures, and the next commit should not pair it with the trajectory's old half."""
    repo = Repository.find(config.project_dir)
    if repo is None:
        return
    try:
        paths = trajectory_paths(repo, result)
        known = [path for path, code in repo.status(paths).items() if code != "??"] if paths else []
        if known:
            repo.add(known)
    except AutopilotError as exc:
        result.warnings.append(f"the trajectory was not staged again: {exc}")
    finally:
        repo.close()


def _plugin_hooks(config: Config) -> Hooks:
    from autopilot.core.pluginmanager import make_plugin_manager

    return Hooks(make_plugin_manager(project_dir=config.project_dir))


def select_backend(
    hooks: Hooks,
    config: Config,
    *,
    agent: str | None,
    issue: dict[str, Any] | None = None,
    project: dict[str, Any] | None = None,
) -> Backend:
    """The backend that runs a task: ``backend_select`` chooses a name, the registered class is built.

    The queue calls this once per issue and passes the backend to every run of the issue.
    """
    name = hooks.backend_select(agent=agent, issue=issue, project=project, config=config)
    backends = hooks.backend_register()
    if name not in backends:
        known = ", ".join(sorted(backends)) or "none (are the backend plugins disabled?)"
        source = _agent_source(hooks, name, agent, project, config)
        raise BadInputError(f"{source}: unknown agent {name!r} (available: {known})")
    cls = backends[name]
    try:
        return cls(config=config)  # type: ignore[call-arg]
    except TypeError:
        return cls()


def _agent_source(
    hooks: Hooks, name: str, agent: str | None, project: Mapping[str, Any] | None, config: Config
) -> str:
    """Where the agent *name* came from, for an error about it: ``--agent``, the project, the
    environment, the configuration file, or else a ``backend_select`` plugin (named: pluggy does not
    say which implementation answered, so every one not shipped with git-autopilot)."""
    if project and project.get("agent") == name:
        return f"project {project.get('name')}: agent"
    if agent == name:
        return "--agent"
    if os.environ.get("AUTOPILOT_AGENT") == name:
        return "AUTOPILOT_AGENT"
    if config.agent == name:
        return f"{config.autopilot_dir / CONFIG_FILE}: agent"
    suspects = hooks.suspects("backend_select")
    return f"backend_select (plugin{'s' if ', ' in suspects else ''} {suspects})"


async def _execute(
    hooks: Hooks,
    config: Config,
    backend: Backend,
    recorder: Recorder,
    request: RunRequest,
    limits: RunLimits,
    *,
    first_step: Step,
    previous_turns: int,
    memory_probe: Callable[[], int],
    handle_signals: bool,
    warnings: Sequence[str] = (),
) -> RunTaskResult:
    run = recorder.run
    pid_file = PidFile(run.run_id, str(request.cwd))
    try:
        prices = load_price_table(config.project_dir)
        if not recorder.resume or not run.price_table_version:
            run.price_table_version = prices.version
        recorder.add(first_step)
        pid_file.write()
        runner = Runner(
            backend,
            request,
            recorder,
            limits,
            prices,
            previous_turns=previous_turns,
            memory_probe=memory_probe,
            handle_signals=handle_signals,
            pid_file=pid_file,
        )
        outcome = await runner.run()
    except BaseException as exc:
        # Never leave a run unwritten: record what went wrong, then let the caller see it.
        message = str(exc) if isinstance(exc, AutopilotError) else f"{type(exc).__name__}: {exc}"
        with contextlib.suppress(Exception):
            recorder.finish(status="error", error=message, stop_reason="exception")
        pid_file.remove()
        if isinstance(exc, AutopilotError | KeyboardInterrupt | asyncio.CancelledError):
            raise
        raise AutopilotError(f"the run failed: {message} (trajectory: {recorder.paths['json']})") from exc
    return RunTaskResult(
        run=run,
        paths=recorder.paths,
        status=outcome.status,
        exit_code=outcome.exit_code,
        signal_name=outcome.signal_name,
        warnings=[*warnings, *_price_warnings(run, prices), *hooks.warnings],
    )


def _price_warnings(run: Run, prices: PriceTable) -> list[str]:
    """One warning when the run's model is not in the price table (its cost is then a guess)."""
    _, known = prices.price_for(run.model)
    if known or not run.model:
        return []
    return [
        f"model {run.model!r} is not in the price table: its cost is estimated at the table's default "
        "rates, the highest (add it to .autopilot/prices.json; see docs/reference/config.md)"
    ]


async def run_task_async(
    prompt: str,
    options: RunOptions | None = None,
    *,
    issue_id: str | None = None,
    project: str | None = None,
    issue: dict[str, Any] | None = None,
    project_settings: dict[str, Any] | None = None,
    backend: Backend | None = None,
    backend_options: Mapping[str, Any] | None = None,
    toolsets: Sequence[Toolset] = (),
    env: Mapping[str, str] | None = None,
    hooks: Hooks | None = None,
    config: Config | None = None,
    memory_probe: Callable[[], int] = available_memory_mb,
    handle_signals: bool = True,
    run_id: str | None = None,
) -> RunTaskResult:
    """The async form of :func:`run_task` (same arguments)."""
    options = options or RunOptions()
    if not prompt or not prompt.strip():
        raise BadInputError("the prompt is empty; say what the agent should do")
    workdir = Path(options.cwd or Path.cwd()).expanduser().resolve()
    if workdir.exists() and not workdir.is_dir():
        raise BadInputError(
            f"--cwd {workdir}: a file, not a directory (give the directory the agent works in)"
        )
    if not workdir.is_dir():
        raise BadInputError(f"--cwd {workdir}: no such directory")
    config = config or load_config(workdir)
    hooks = hooks or _plugin_hooks(config)
    limits = options.resolve(config)
    check_memory(limits.min_free_memory_mb, memory_probe)
    backend = backend or select_backend(
        hooks, config, agent=options.agent, issue=issue, project=project_settings
    )
    model = options.model or config.model
    from autopilot.core import git

    sha, branch = git.head(workdir)
    warnings: list[str] = []
    if sha is None and branch is None:
        warnings.append(
            f"{workdir} is not in a git repository: nothing records what the agent changes "
            "(`git init` first to review and undo its work)"
        )
    # Where the agent lets us choose its session id, the journal has it before the agent starts.
    session_id = backend.new_session_id()
    run = Run(
        **({"run_id": run_id} if run_id else {}),
        prompt=prompt,
        agent=backend.name,
        model=model,
        session_id=session_id,
        session_ids=[session_id] if session_id else [],
        cwd=str(workdir),
        repo_sha=sha,
        branch=branch,
        # Named after the redacted task: file names are not redacted afterwards.
        slug=slugify(options.slug or hooks.redact(text=prompt)),
        issue_id=issue_id,
        project=project,
        autopilot_version=__version__,
        limits=limits.to_dict(),
    )
    out = default_output_dir(config.project_dir, options.output_dir or config.output_dir)
    recorder = Recorder(hooks, run, unique_base_path(run, out), config=config)
    request = RunRequest(
        prompt=prompt,
        cwd=workdir,
        model=model,
        max_turns=limits.max_turns,
        max_budget_usd=limits.max_budget_usd,
        env=dict(env or {}),
        options=dict(backend_options or {}),
        run_id=run.run_id,
        toolsets=tuple(toolsets),
        session_id=session_id,
    )
    recorder.start()
    return await _execute(
        hooks,
        config,
        backend,
        recorder,
        request,
        limits,
        first_step=Step("user", text=prompt),
        previous_turns=0,
        memory_probe=memory_probe,
        handle_signals=handle_signals,
        warnings=warnings,
    )


def run_task(prompt: str, options: RunOptions | None = None, **kwargs: Any) -> RunTaskResult:
    """Run an agent on *prompt* in a git repository and record everything it does.

    Args:
        prompt: What the agent should do.
        options: Agent, model, limits, working and output directories, slug (:class:`RunOptions`;
            None fields take the configuration's values).
        issue_id: The issue this run works on (recorded in the trajectory).
        project: The project name (recorded in the trajectory).
        issue: The issue as a dict, passed to ``backend_select``.
        project_settings: The project's settings as a dict, passed to ``backend_select``.
        backend: The backend to run (default: chosen by ``backend_select``, see :func:`select_backend`).
        backend_options: ``system_prompt_append`` (str), ``mcp_servers`` (dict), and per-backend
            settings under the backend's name (``{"claude": {...}}``, ``{"codex": {...}}``).
        toolsets: Tools the agent can call during the run (:class:`~autopilot.core.models.Toolset`).
        env: Extra environment variables for the agent process.
        hooks: The hook facade (the CLI passes its own; default: a fresh plugin manager).
        config: The resolved configuration (default: loaded for the working directory).
        memory_probe: Returns available memory in MiB (tests substitute their own).
        handle_signals: Stop cleanly on SIGINT/SIGTERM (main thread only).
        run_id: The run's id (default: a new one); the queue chooses it first, to claim the issue with it.

    Returns:
        The finished run and its paths. Raises AutopilotError only before the run starts.
    """
    return asyncio.run(run_task_async(prompt, options, **kwargs))


# ------------------------------------------------------------------------------------------------
# Resume


async def resume_run_async(
    *,
    trajectory: Path | str | None = None,
    continue_last: bool = False,
    prompt: str | None = None,
    limits: Limits | None = None,
    cwd: Path | str | None = None,
    output_dir: Path | str | None = None,
    backend: Backend | None = None,
    backend_options: Mapping[str, Any] | None = None,
    toolsets: Sequence[Toolset] = (),
    env: Mapping[str, str] | None = None,
    hooks: Hooks | None = None,
    config: Config | None = None,
    memory_probe: Callable[[], int] = available_memory_mb,
    handle_signals: bool = True,
) -> RunTaskResult:
    """The async form of :func:`resume_run` (same arguments)."""
    here = Path(cwd or Path.cwd()).expanduser().resolve()
    config = config or load_config(here)
    if trajectory is None and not continue_last:
        raise BadInputError("say which run to resume: --continue (the latest) or --trajectory RUN")
    if trajectory is not None:
        given = Path(trajectory).expanduser()
        if not given.exists():
            raise BadInputError(f"{given}: no such file")
        path = freshest(given.resolve())
    else:
        latest = find_latest_run(default_output_dir(config.project_dir, output_dir or config.output_dir))
        path = freshest(latest)
    loaded = load_trajectory(path)
    run = loaded.run
    for record in read_pid_files():
        if record.run_id != run.run_id or record.owner_pid == os.getpid():
            continue
        if record.owner_alive():
            raise AutopilotError(f"run {run.run_id} is still running (autopilot pid {record.owner_pid})")
        # The run was killed: its agent may still be running on the same session; stop it first.
        leftovers = record.alive_children()
        if leftovers:
            stop_processes(leftovers)
        if record.path is not None:
            record.path.unlink(missing_ok=True)
    if run.cwd and not Path(run.cwd).is_dir():
        raise BadInputError(
            f"{path}: the run worked in {run.cwd}, which no longer exists; resuming elsewhere would "
            "let the agent carry on in another directory: start a new run instead"
        )
    workdir = Path(run.cwd) if run.cwd else here
    hooks = hooks or _plugin_hooks(config)
    resolved = (limits or Limits()).resolve(config)
    check_memory(resolved.min_free_memory_mb, memory_probe)
    backend = backend or select_backend(hooks, config, agent=run.agent or None)
    previous = run.result
    reason = f" ({previous.stop_reason})" if previous.stop_reason else ""
    text = prompt or DEFAULT_RESUME_PROMPT.format(status=previous.status, reason=reason)
    # For an agent that cannot continue the session (or a run killed before it had one): a new
    # session that is told the original request and what the trajectory recorded.
    earlier = transcript(s for s in run.steps if not (s.type == "user" and s.text == run.prompt))
    fresh = NEW_SESSION_PROMPT.format(request=run.prompt, transcript=earlier or "(nothing)", prompt=text)
    resumed_session = run.session_id
    run.resumes = [
        *run.resumes,
        {
            "at": utcnow(),
            "from_status": previous.status,
            "session_id": resumed_session,
            "prompt": text,
            "max_budget_usd": resolved.max_budget_usd,
            "max_turns": resolved.max_turns,
        },
    ]
    new_session = None if resumed_session else backend.new_session_id()
    if new_session:  # recorded before the agent starts, as for a new run
        run.session_id = new_session
        run.session_ids = [*run.session_ids, new_session]
    elif run.session_id and not run.session_ids:
        run.session_ids = [run.session_id]
    recorder = Recorder(hooks, run, base_of(path), resume=True, config=config)
    request = RunRequest(
        prompt=text if resumed_session else fresh,
        cwd=workdir,
        model=run.model,
        resume_session_id=resumed_session,
        session_id=new_session,
        new_session_prompt=fresh if resumed_session else None,
        max_turns=resolved.max_turns,
        max_budget_usd=resolved.max_budget_usd,
        env=dict(env or {}),
        options=dict(backend_options or {}),
        run_id=run.run_id,
        toolsets=tuple(toolsets),
    )
    recorder.start()
    return await _execute(
        hooks,
        config,
        backend,
        recorder,
        request,
        resolved,
        first_step=Step(
            "user", text=text, subtype="resume", data=None if resumed_session else {"new_session": True}
        ),
        previous_turns=previous.num_turns,
        memory_probe=memory_probe,
        handle_signals=handle_signals,
    )


def resume_run(**kwargs: Any) -> RunTaskResult:
    """Continue an earlier run's backend session and append to the same trajectory.

    When the agent cannot continue the session (it never wrote it, or it is gone), or the run was
    killed before it had one, a new session in the same run is told the original request and a compact
    transcript of the recorded steps (:data:`NEW_SESSION_PROMPT`), and its id joins ``session_ids``.

    Args:
        trajectory: A ``.json``, ``.journal.jsonl`` or ``.rlog`` of the run (a journal newer than the
            ``.json`` wins: it holds a resumption that was cut off).
        continue_last: Resume the most recent run in the project's output directory instead.
        prompt: The message that continues the session (default: a "continue where you left off" note).
        limits: Additional budget and turns for this resumption, and its timeouts (:class:`Limits`).
        cwd: Where to look for the project (default: the current directory); the agent works where
            the run worked.
        output_dir: Where ``continue_last`` looks for runs (default ``config.output_dir``).
        Other arguments: as for :func:`run_task`.

    Returns:
        The run with every earlier step kept, the same ``run_id``, the new steps appended, and
        ``session_ids`` / ``resumes`` extended.
    """
    return asyncio.run(resume_run_async(**kwargs))
