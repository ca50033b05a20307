"""The ``autopilot`` command's argument parsing (cyclopts) and its single error boundary.

Commands live in their own modules and are registered lazily by dotted name, so start-up only imports
what the chosen command needs. :func:`dispatch` runs inside the error boundary
(``autopilot.cli.boundary``). The entry point itself is ``autopilot.cli.main``.
"""

from __future__ import annotations

from typing import Annotated

import cyclopts
from cyclopts import App, Parameter

from autopilot import __version__
from autopilot.cli import context
from autopilot.cli.boundary import guarded
from autopilot.core.errors import BadInputError

app = App(
    name="autopilot",
    help="Run AI coding agents unattended in a git repository and keep everything they did.",
    version=__version__,
    help_format="markdown",
    version_format="plaintext",  # a version number needs no markdown renderer (rich.markdown: ~0.07 s)
)

# (name, "module:function", one-line help) for every built-in command, registered lazily.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    (
        "plugins",
        "autopilot.cli.plugins:plugins_app",
        "List loaded plugins; trust or untrust project-local plugins.",
    ),
    ("run", "autopilot.cli.run:run", "Run an agent on a task and record every step."),
    ("resume", "autopilot.cli.run:resume", "Continue an earlier run in the same session and trajectory."),
    ("demo", "autopilot.cli.run:demo", "Run the real Claude Code CLI offline against a scripted model."),
    (
        "doctor",
        "autopilot.cli.run:doctor",
        "Check memory, limits, agent CLIs, plugins, leftover processes, issues.",
    ),
    ("analyze", "autopilot.cli.analyze:analyze", "Cost, tokens, turns, tools and errors of runs."),
    ("replay", "autopilot.cli.analyze:replay", "Step through a run."),
    ("compare", "autopilot.cli.analyze:compare", "Compare two runs side by side."),
    ("validate", "autopilot.cli.analyze:validate", "Check trajectory files against the schema."),
    (
        "import",
        "autopilot.cli.imports:import_logs",
        "Import Claude, Codex, ATIF or SWE-agent logs as trajectories.",
    ),
    ("report", "autopilot.cli.report:report", "Tokens and cost by day, week, month, session or block."),
    ("export", "autopilot.cli.export:export", "Write runs or agent logs as ATIF trajectories or OTLP spans."),
    ("issue", "autopilot.cli.issues:issue_app", "Create, list, claim and finish issues."),
    ("project", "autopilot.cli.issues:project_app", "Group issues into projects with run defaults."),
    ("session", "autopilot.cli.issues:session_app", "List and show recorded runs."),
    ("merge-driver", "autopilot.cli.issues:merge_driver", "Git merge driver for .autopilot/ YAML files."),
    (
        "redact",
        "autopilot.cli.redact:redact",
        "Remove secrets from a file or stdin, or --check files for them.",
    ),
    ("hooks", "autopilot.cli.git_hooks:hooks_app", "Install or remove the git pre-commit secret check."),
    (
        "completion",
        "autopilot.cli.completion:completion",
        "Print the shell completion script (bash, zsh, fish).",
    ),
    ("ui", "autopilot.cli.ui:ui", "Serve a local web UI over the runs, issues and costs."),
)

for _name, _target, _help in COMMANDS:
    app.command(_target, name=_name, help=_help)


@app.meta.default
def _meta(
    *tokens: Annotated[str, Parameter(show=False, allow_leading_hyphen=True)],
    debug: Annotated[bool, Parameter(negative="", help="Show tracebacks for unexpected errors.")] = False,
    strict_plugins: Annotated[
        bool, Parameter(negative="", help="Fail when any plugin fails to load (AUTOPILOT_STRICT_PLUGINS=1).")
    ] = False,
    disable_plugin: Annotated[
        list[str] | None, Parameter(negative="", help="Do not load this plugin (repeatable).")
    ] = None,
) -> int:
    context.configure(debug=debug, strict_plugins=strict_plugins, disabled=tuple(disable_plugin or ()))
    context.warn_untrusted(tokens[0] if tokens else None)
    result = app(tokens, result_action="return_value", exit_on_error=False, print_error=False)
    if isinstance(result, bool):
        return int(not result)
    return int(result) if isinstance(result, int) else 0


def dispatch(tokens: list[str]) -> int:
    """Parse *tokens* and run the command, inside the error boundary (``autopilot.cli.boundary``)."""

    def command() -> int:
        context.check_environment()
        try:
            context.register_plugin_commands(app, tokens)
            return int(
                app.meta(tokens, result_action="return_value", exit_on_error=False, print_error=False) or 0
            )
        except cyclopts.CycloptsError as exc:
            raise BadInputError(_cyclopts_message(exc)) from None

    return guarded(command, tokens)


#: Words of an unknown flag that mean money (``--max-cost``, ``--max-usd``, ``--spend-limit``).
_MONEY_WORDS = ("cost", "usd", "spend", "dollar", "price", "money")


def _cyclopts_message(exc: cyclopts.CycloptsError) -> str:
    """The first line of a usage error (cyclopts' own formatting may itself fail)."""
    argument = getattr(exc, "argument", None)
    if isinstance(exc, cyclopts.MissingArgumentError) and argument is not None and argument.index is not None:
        # Cyclopts names a missing positional as an option nobody typed ("parameter --b").
        command = " ".join(exc.command_chain or ())
        name = argument.field_info.names[0].upper().replace("_", "-")
        return f"{command} needs {name} (see `autopilot {command} -h`)"
    if isinstance(exc, cyclopts.UnknownOptionError):
        keyword = (exc.token.keyword or exc.token.value or "").split("=", 1)[0]
        names = {name for argument in exc.argument_collection for name in argument.names}
        if "--max-budget" in names and any(word in keyword.lower() for word in _MONEY_WORDS):
            # Cyclopts' nearest name for --max-cost is --max-turns: a spender is sent to the wrong limit.
            return f"Unknown option: {keyword}. Did you mean --max-budget (USD)?"
        if tuple(exc.command_chain or ()) == ("analyze",) and keyword in ("--since", "--until", "--by"):
            # Cyclopts' nearest name for --since is --json.
            return f"Unknown option: {keyword}. `autopilot report` has it (analyze sums whole runs)"
    try:
        text = str(exc).strip()
    except Exception:
        tokens = getattr(exc, "unused_tokens", None) or []
        text = f"unknown command or option: {' '.join(map(str, tokens))}" if tokens else type(exc).__name__
    return text.splitlines()[0] if text else type(exc).__name__
