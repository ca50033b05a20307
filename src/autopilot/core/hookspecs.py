"""Hook specifications: every extension point of git-autopilot.

Hooks are grouped by lifecycle phase. Implementations are marked with :data:`autopilot.hookimpl` and
may accept any subset of a hook's arguments; the core always calls hooks with keyword arguments.
The typed facade in :mod:`autopilot.core.hooks` is the only caller.

Pluggy calls every hook except the ``redact`` chain (``pm.hook.<name>(...)``), in pluggy's call order
(the plugin registered last first, ``tryfirst``/``trylast`` respected), so new-style wrappers
(``@hookimpl(wrapper=True)``) work on them. Pluggy stops a call at the first exception: the
implementations after the raising one are not called for that event. It does not say which plugin
raised; the facade finds it in the traceback and names it in a :class:`~autopilot.PluginError`.

Families (see CONTRIBUTING.md, "Adding a hook"):

- *contribute* (``<thing>_register``): the host passes a ``register`` callback; collect-all.
- *decide* (``<thing>_select``, ``trajectory_import``, ``before_tool_use``): ``firstresult``; raising
  aborts the command (``before_tool_use``: the tool call, and the run).
- *observe* (``before_<event>`` but ``before_tool_use``, ``after_<event>``, ``on_<event>_complete``):
  collect-all, return None; a raising implementation is reported as a warning naming it and the
  command goes on (fatal with ``AUTOPILOT_STRICT_PLUGINS=1``).
- *chain* (``redact``, with its batch form ``redact_batch``): the one exception: the facade calls the
  implementations itself, one at a time, each receiving the previous output; it fails closed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import pluggy

if TYPE_CHECKING:
    from pathlib import Path

    from autopilot.core.config import Config
    from autopilot.core.issues import IssueStore
    from autopilot.core.logs import LogReader
    from autopilot.core.models import Backend, ImportedRun, Run, Step, ToolDecision, TrajectoryWriter

PROJECT_NAME = "autopilot"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)


class RedactingHooks(Protocol):
    """What ``store_select`` and ``trajectory_writer_register`` pass as *hooks*: the hook facade
    (:class:`autopilot.core.hooks.Hooks`).

    Declared here by the methods a store or a writer needs, because the facade's module imports the
    plugin manager, which imports this one.
    """

    def redact(self, *, text: str) -> str: ...

    def redact_batch(self, *, texts: list[str]) -> list[str]: ...


# ------------------------------------------------------------------------------------------------
# Registration (contribute)


@hookspec
def backend_register(register: Callable[[type[Backend]], None]) -> None:
    """Contribute agent backends.

    Called once per plugin manager, the first time a backend is needed.

    Args:
        register: Call it with a :class:`~autopilot.core.models.Backend` subclass whose ``name``
            is unique (``claude``, ``codex``, ...).

    Returns:
        Nothing; use *register*.

    Call semantics: collect-all, called by pluggy (wrappers allowed).
    Default: the built-in backend plugins register ``claude`` and ``codex``.
    Errors: registering a name twice, a class that is not a Backend, or one that does not implement
        ``stream``, raises PluginError naming the plugin; raising inside the hook aborts the command
        with a PluginError naming the plugin.
    Since: 0.1
    """


@hookspec
def trajectory_writer_register(
    register: Callable[[TrajectoryWriter], None], config: Config | None, hooks: RedactingHooks
) -> None:
    """Contribute trajectory writers, which persist every step of a run as it happens.

    Called once at the start of every run (and every resume, and every ``autopilot import``).

    Args:
        register: Call it with a fresh :class:`~autopilot.core.models.TrajectoryWriter` instance.
        config: The resolved configuration (read your settings with ``config.plugin_config(name)``),
            or None when recording outside a project (importers, tests).
        hooks: The typed hook facade (:class:`autopilot.core.hooks.Hooks`). Steps reach a writer
            redacted; pass anything else it sends out through ``hooks.redact(text=...)`` or
            ``hooks.redact_batch(texts=...)``.

    Returns:
        Nothing; use *register*.

    Call semantics: collect-all, called by pluggy (wrappers allowed); every registered writer receives
        every step, in the order the writers were registered.
    Default: ``trajectory_json`` (journal + final ``.json``) and ``trajectory_rlog`` (``.rlog``);
        ``otlp`` registers its live OpenTelemetry exporter when it is configured.
    Errors: registering something that is not a TrajectoryWriter, or raising, aborts the run before it
        starts with a PluginError naming the plugin. A writer method that raises ends the run with an
        error naming the writer, its module and the method (on ``close``, the other writers still
        close, so the ``.json`` is written).
    Since: 0.1 (*hooks*: 0.2)
    """


@hookspec
def log_reader_register(register: Callable[[LogReader], None]) -> None:
    """Contribute readers of agent log formats, which ``analyze`` and ``report`` read in place.

    Called once per plugin manager, the first time logs are read.

    Args:
        register: Call it with a :class:`~autopilot.core.logs.LogReader` instance (picklable: files
            are read in worker processes). A file goes to the first reader whose ``sniff`` accepts
            its first bytes; autopilot's own trajectories are tried first. A reader implements
            ``sniff(head, path)`` and ``scan(path, data)`` (the whole file's bytes), and may override
            ``scan_file(path, handle)`` to read a large line-based file a line at a time, so its
            memory does not grow with the file.

    Returns:
        Nothing; use *register*.

    Call semantics: collect-all, called by pluggy (wrappers allowed); readers are tried in the order
        they were registered.
    Default: the Claude plugin registers transcripts and stream-json, the Codex plugin rollouts and
        ``exec --json`` output, ``swe_agent`` SWE-agent and mini-swe-agent trajectories, ``atif``
        Harbor's ATIF.
    Errors: registering something that is not a LogReader, or raising, aborts the command with a
        PluginError naming the plugin.
    Since: 0.2
    """


@hookspec
def command_register(app: Any) -> None:
    """Contribute CLI sub-commands.

    Called once when the ``autopilot`` command starts, before arguments are parsed (for every command
    line, ``autopilot run PROMPT`` included). A plugin cannot replace a built-in command: registering
    a name that exists (``run``, ``issue``, ...) raises cyclopts' CommandCollisionError.

    Args:
        app: The root :class:`cyclopts.App`; call ``app.command(func, name=...)``.

    Returns:
        Nothing.

    Call semantics: collect-all, called by pluggy (wrappers allowed).
    Default: none; the built-in commands are part of :mod:`autopilot.cli`.
    Errors: raising is reported as a warning naming the plugin and the command line still runs;
        pluggy does not call the implementations after the raising one, so their commands are
        missing (fatal with ``AUTOPILOT_STRICT_PLUGINS=1``).
    Since: 0.1
    """


# ------------------------------------------------------------------------------------------------
# Choosing (decide)


@hookspec(firstresult=True)
def backend_select(
    agent: str | None, issue: dict[str, Any] | None, project: dict[str, Any] | None, config: Config
) -> str | None:
    """Choose which backend runs a task.

    Called once per run (for ``--full-auto``, once per issue), before ``before_run``.

    Args:
        agent: The ``--agent`` value the user gave, or None.
        issue: The issue being worked (a plain dict: ``id``, ``title``, ``labels``, ...), or None.
        project: The project's settings, or None.
        config: The resolved configuration.

    Returns:
        A registered backend name, or None to defer to the next implementation.

    Call semantics: firstresult, called by pluggy; stops at the first non-None result.
    Default: when every implementation returns None, the core takes *agent*, then
        ``project["agent"]``, then ``config.agent`` (``AUTOPILOT_AGENT``), then ``"claude"``.
    Errors: raising aborts the run with a PluginError naming the plugin; an unknown name is a usage
        error naming the implementations not shipped with git-autopilot (pluggy does not say which
        one answered).
    Since: 0.1
    """


@hookspec(firstresult=True)
def store_select(config: Config, hooks: RedactingHooks) -> IssueStore | None:
    """Choose where issues, projects and sessions are kept.

    Called once per command that reads or changes issues (``issue``, ``project``, ``session``,
    ``run --issue``/``--full-auto``, ``doctor``), before anything is read.

    Args:
        config: The resolved configuration (``config.project_dir``, ``config.commit``, and your
            settings in ``config.plugin_config(name)``).
        hooks: The typed hook facade (:class:`autopilot.core.hooks.Hooks`); a store must pass
            everything it writes through ``hooks.redact(text=...)``.

    Returns:
        An :class:`~autopilot.core.issues.IssueStore` instance, or None to defer to the next plugin.

    Call semantics: firstresult, called by pluggy; stops at the first non-None result.
    Default: ``store_yaml`` (trylast) returns the YAML store in ``.autopilot/``.
    Errors: raising aborts the command with a PluginError naming the plugin. A result that is not an
        IssueStore is a PluginError too; pluggy does not say which implementation returned it, so
        the error names every implementation not shipped with git-autopilot.
    Since: 0.1
    """


@hookspec(firstresult=True)
def trajectory_import(path: Path, records: list[dict[str, Any]]) -> ImportedRun | None:
    """Convert another tool's agent log into a run (``autopilot import FILE``).

    Called once per imported file, after the file was read into JSON records.

    Args:
        path: The file being imported (for messages; it has already been read).
        records: Its JSON objects in order: one per line of a JSON Lines file, the items of a JSON
            array, or the single object of a JSON file.

    Returns:
        An :class:`~autopilot.core.models.ImportedRun` (the backend name and the run as
        :class:`~autopilot.core.models.BackendEvent` objects, exactly as the backend would stream them
        live), or None when the records are not in this plugin's format.

    Call semantics: firstresult, called by pluggy; stops at the first non-None result. The core records
        the events the way the runner does (usage priced with the price table, redaction, every
        writer).
    Default: none; a backend plugin implements it for its own log format.
    Errors: raising aborts the import with a PluginError naming the plugin. A result that is not an
        ImportedRun is a PluginError too, naming every implementation not shipped with git-autopilot
        (pluggy does not say which one returned it).
    Since: 0.1
    """


# ------------------------------------------------------------------------------------------------
# A tool call (decide)


@hookspec(firstresult=True)
def before_tool_use(run: Run, tool: str, input: Any) -> ToolDecision | None:
    """Allow, deny or stop a tool call before the tool runs: the hook for guards.

    Called once per tool call the agent makes, before the tool runs where the backend can hold it
    back, and only when some plugin implements this hook:

    - ``claude``: from Claude Code's PreToolUse hook, for every tool (Bash, Write, Edit, MCP tools,
      subagents' tools, ...), before its permission rules. Such runs use the SDK transport.
    - ``codex``: ``codex exec`` cannot hold a tool call for autopilot, so the hook is called when
      Codex reports the call (a command when it starts, a file change when it is done): **the tool
      has already started or run**; ``deny`` or ``stop`` then ends the run (status ``stopped``),
      which stops Codex and the command if it is still running. See docs/backends/codex.md.
    - any other backend: as for ``codex``, unless its ``vetoes_tool_calls`` is true.

    Args:
        run: The run so far (its recorded steps; the call itself may not be recorded yet).
        tool: The tool's name as the backend reports it: ``Bash``, ``Write``, ``mcp__<server>__<tool>``
            for Claude; ``command_execution``, ``file_change``, ``mcp__<server>__<tool>`` for Codex.
        input: The tool's input exactly as the agent sent it, not redacted (decide on what will
            really run; pass anything you log through redaction yourself). Claude: the tool's
            arguments (``{"command": ...}`` for Bash); Codex: the ``tool_call`` step's input
            (``{"command": ..., "argv": ...}`` for a command).

    Returns:
        A :class:`autopilot.ToolDecision` (``ToolDecision.allow()``, ``.deny(reason)``,
        ``.stop(reason)``), or None to defer to the next implementation. ``allow`` only means "no
        objection": the backend's own permission rules still apply.

    Call semantics: firstresult, called by pluggy; stops at the first non-None result, so mark a
        guard ``@hookimpl(tryfirst=True)`` to be asked before other plugins. A ``deny`` or ``stop``
        is recorded as a ``system`` step (subtype ``tool_decision``). The call blocks the agent
        while it runs: keep it fast.
    Default: when every implementation returns None, the call is allowed.
    Errors: fails closed. Raising, or returning something other than a ToolDecision, denies the
        call and ends the run with status ``error`` and a PluginError naming the plugin.
    Since: 0.1
    """


# ------------------------------------------------------------------------------------------------
# A run (observe)


@hookspec
def before_run(run: Run) -> None:
    """Observe a run that is about to start (or to resume).

    Called once, after the trajectory writers have opened and before the backend starts.

    Args:
        run: The run; ``run.steps`` is empty for a new run and holds the earlier steps on resume.

    Returns:
        Nothing.

    Call semantics: collect-all, called by pluggy in call order (last registered first; wrappers
        allowed).
    Default: none.
    Errors: reported as a warning naming the plugin, and the command goes on (pluggy does not call
        the implementations after the raising one for this event); a PluginError in strict mode.
    Since: 0.1
    """


@hookspec
def before_step(run: Run, step: Step) -> None:
    """Observe a step as it is recorded, before any writer sees it.

    Called for every step, after redaction. This is observation of a step that already happened:
    when a ``tool_call`` step arrives here the tool may already be running, or finished (Claude Code
    runs a tool as soon as its call is complete; Codex reports a command when it starts). Raising
    StopRun ends the run, it does not undo the call. To stop a tool before it runs, implement
    ``before_tool_use``.

    Args:
        run: The run so far (``run.steps`` does not yet include *step*).
        step: The redacted step. Treat it as read-only.

    Returns:
        Nothing.

    Call semantics: collect-all, called by pluggy in call order (last registered first). A new-style
        wrapper (``@hookimpl(wrapper=True)``) runs around all the other implementations, for timing,
        tracing or budget checks; it sees their exception (StopRun included) at its ``yield``.
    Default: none.
    Errors: raising :class:`autopilot.StopRun` ends the run cleanly with status ``stopped`` (the step is
        still written). Any other exception is reported as a warning naming the plugin, and the run
        goes on; a PluginError in strict mode. Either way pluggy does not call the implementations
        after the raising one for this step.
    Since: 0.1
    """


@hookspec
def after_step(run: Run, step: Step) -> None:
    """Observe a step after every writer has persisted it.

    Called for every step, right after the last writer returned.

    Args:
        run: The run; ``run.steps[-1] is step``.
        step: The step just written.

    Returns:
        Nothing.

    Call semantics: collect-all, called by pluggy in call order (wrappers allowed).
    Default: the console plugin updates the live progress display.
    Errors: reported as a warning naming the plugin, and the command goes on (pluggy does not call
        the implementations after the raising one for this event); a PluginError in strict mode.
    Since: 0.1
    """


@hookspec
def on_run_complete(run: Run) -> None:
    """Observe a run that has ended, whatever its status.

    Called once, after the writers closed (the final ``.json`` exists).

    Args:
        run: The finished run; ``run.result.status`` says how it ended.

    Returns:
        Nothing.

    Call semantics: collect-all, called by pluggy in call order (wrappers allowed).
    Default: none.
    Errors: reported as a warning naming the plugin, and the command goes on (pluggy does not call
        the implementations after the raising one for this event); a PluginError in strict mode.
    Since: 0.1
    """


@hookspec
def on_issue_complete(issue: dict[str, Any], outcome: str, run: Run | None) -> None:
    """Observe the end of work on an issue.

    Called once per issue worked by ``run --issue`` or ``--full-auto``, after acceptance checks and
    after the issue's status was saved (and committed, when committing is on).

    Args:
        issue: The issue as a plain dict (``id``, ``title``, ``status``, ``labels``, ...).
        outcome: ``completed``, ``failed``, ``blocked``, ``aborted``, ``budget_exhausted`` or
            ``unreached`` (the run never reached the model; the issue stays open).
        run: The run that worked on it, or None if no run started.

    Returns:
        Nothing.

    Call semantics: collect-all, called by pluggy in call order (wrappers allowed).
    Default: none.
    Errors: reported as a warning naming the plugin, and the command goes on (pluggy does not call
        the implementations after the raising one for this event); a PluginError in strict mode.
    Since: 0.1
    """


# ------------------------------------------------------------------------------------------------
# Output (chain)


@hookspec
def redact(text: str) -> str:
    """Remove secrets from *text* before it is written anywhere or printed.

    Called on every string autopilot persists or shows: trajectory steps and metadata, ``.rlog`` lines,
    YAML files, commit messages and console output.

    Args:
        text: The text so far (already processed by the redactors called before this one).

    Returns:
        The text with secrets replaced by markers such as ``[REDACTED:github_token]``.

    Call semantics: a chain, not collect-all, and the one hook pluggy does not call: the core walks the
        implementations itself, one at a time in call order (last registered first), each receiving
        the previous one's output (so wrappers do not apply). The essential built-in redactor
        ``redact_secrets`` always runs last, so it also scans every other redactor's output, and it
        cannot be disabled.
    Default: ``redact_secrets``.
    Errors: fails closed. If an implementation raises or returns a non-string, RedactionError is raised
        and nothing is written.
    Since: 0.1
    """


@hookspec
def redact_batch(texts: list[str]) -> list[str]:
    """Remove secrets from many strings at once: the batch form of ``redact``, for speed.

    Called once per recorded step (on all its strings: text, tool input and output, raw message) and
    for other nested values the core writes, instead of calling ``redact`` on each string, for the
    plugins that implement it.

    Args:
        texts: The non-empty strings so far (already processed by the redactors called before this
            one), keys of nested dicts included. Do not change the list; return a new one.

    Returns:
        A list of the same length: exactly ``[redact(text=t) for t in texts]``. Returning *texts*
        itself says that nothing changed.

    Call semantics: part of the ``redact`` chain and walked by the core in the same order: a plugin
        that implements ``redact_batch`` receives the whole batch, every other one receives each
        string through ``redact``. A plugin implementing ``redact_batch`` must implement ``redact``
        too (single strings always go through ``redact``).
    Default: ``redact_secrets``: one scan of all the strings finds the few that could hold a secret,
        and only those are redacted one by one.
    Errors: fails closed. Raising, or returning anything but a list of as many strings, raises
        RedactionError and nothing is written; so does a plugin with ``redact_batch`` but no
        ``redact``.
    Since: 0.1
    """
