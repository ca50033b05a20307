"""``autopilot analyze``, ``replay``, ``compare`` and ``validate``: reading recorded runs.

The figures come from :mod:`autopilot.core.trajectory.analysis`; this module loads files, renders and picks
the exit code. A file named on the command line that cannot be read gives one ``error:`` line naming
it and exit 2 at the end; ``analyze`` gives a bad file found in a directory one ``warning:`` line
(``validate`` an ``error:``); the good files are analyzed either way.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any

from cyclopts import Parameter

from autopilot.app.run_refs import resolve_run
from autopilot.cli import context
from autopilot.core.errors import BadInputError, ExitCode, TrajectoryError
from autopilot.core.models import Run, Step
from autopilot.core.trajectory import analysis
from autopilot.core.trajectory.files import (
    LoadedRun,
    find_trajectories,
    load_trajectory,
    read_json_trajectory,
    schema_error,
)
from autopilot.core.trajectory.render import (
    closing_line,
    header_lines,
    one_line,
    step_line,
    step_summary,
)

JsonFlag = Annotated[bool, Parameter(name="--json", negative="")]


# ------------------------------------------------------------------------------------------------
# Loading


def _expand(paths: Sequence[Path]) -> tuple[list[Path], list[dict[str, str]]]:
    """Files to read: each FILE as given, each DIR searched recursively; problems as ``{path, error}``."""
    files: list[Path] = []
    problems: list[dict[str, str]] = []
    for path in paths:
        if path.is_dir():
            found = find_trajectories(path)
            if not found:
                context.warning(f"{path}: no trajectories (*.json, *.journal.jsonl) in this directory")
            files.extend(found)
        elif not path.exists():
            problems.append({"path": str(path), "error": f"{path}: no such file or directory"})
        else:
            files.append(path)
    return files, problems


def _run_paths(references: Iterable[str], errors: list[dict[str, str]] | None = None) -> list[Path]:
    """The files the command line names: paths, run ids (or unique prefixes) and ``last``.

    A reference that names no run raises BadInputError, or with *errors* goes there as ``{path,
    error}`` (an ``error:`` line and exit 2 later, as for a file that cannot be read).
    """
    paths = []
    for reference in references:
        try:
            paths.append(resolve_run(reference, hooks=context.hooks()))
        except BadInputError as exc:
            if errors is None:
                raise
            errors.append({"path": reference, "error": str(exc)})
    return paths


def _another_agents_log(path: Path) -> BadInputError | None:
    """The error for *path* when it is another agent's log (a format a log reader knows), saying how to
    make a trajectory of it; None otherwise."""
    from autopilot.core.logs import TrajectoryReader, log_format

    kind = log_format(context.hooks().log_reader_register(), path)
    if kind is None or kind == TrajectoryReader.name:
        return None
    command = f"autopilot import {shlex.quote(str(path))}"
    return BadInputError(
        f"{path}: a log in the {kind} format, not an autopilot trajectory; `{command}` makes one "
        "of it (analyze, report and export read the log as it is)"
    )


def _load_one(path: Path) -> LoadedRun:
    try:
        loaded = load_trajectory(path)
    except TrajectoryError:
        foreign = _another_agents_log(path)
        if foreign is None:
            raise
        raise foreign from None
    for message in loaded.warnings:
        context.warning(message)
    return loaded


def _report_errors(errors: Iterable[dict[str, str]]) -> int:
    """One ``error:`` line per bad file; the exit code."""
    code = ExitCode.OK
    for item in errors:
        context.error(item["error"])
        code = ExitCode.BAD_INPUT
    return int(code)


def _output_dir() -> Path:
    """This project's trajectory folder (``output_dir``, default ``docs/logs``)."""
    config = context.config()
    return config.project_dir / Path(config.output_dir).expanduser()


def _recorded_runs() -> list[Path]:
    """Where this project's runs are recorded (``output_dir``), when no log was named; none, with a
    note saying so, before the first run has made the directory."""
    directory = _output_dir()
    if directory.exists():
        return [directory]
    context.echo(
        f"no runs recorded yet: {directory} does not exist (`autopilot run` records runs there; "
        "or name log files or directories, or read the agents' own logs with --claude / --codex)",
        err=True,
    )
    return []


# ------------------------------------------------------------------------------------------------
# Formatting


def _money(value: float) -> str:
    return f"${value:,.4f}"


def _count(value: int) -> str:
    return f"{value:,}"


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _duration(ms: int | float | None) -> str:
    if ms is None:
        return "-"
    if ms < 1000:
        return f"{ms:.0f}ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.1f}s" if seconds < 10 else f"{seconds:.0f}s"
    minutes, seconds = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def _statuses(statuses: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in statuses.items()) or "-"


def _table(*columns: str, title: str | None = None, right: Iterable[str] = ()) -> Any:
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    aligned = set(right)
    for column in columns:
        if column in aligned:  # figures are never cut in pieces (see _print_table)
            table.add_column(column, justify="right", no_wrap=True)
        else:
            table.add_column(column, overflow="fold")
    return table


#: Text columns of a table fold (wrap, inside words if need be) down to this width, no narrower.
_TEXT_MIN_WIDTH = 10


def _print_table(console: Any, table: Any) -> None:
    """Print a :func:`_table`. Text columns fold to fit the terminal, down to ``_TEXT_MIN_WIDTH``;
    figures never do. A terminal too narrow even so (``COLUMNS=60``) gets the table wider than itself,
    lines wrapped by the terminal, rather than numbers and headings cut in pieces."""
    from rich.cells import cell_len

    needed = 3 * (len(table.columns) - 1)  # " ┃ " between columns; no edges (see _table)
    for column in table.columns:
        texts = [str(column.header), *(str(cell) for cell in column.cells)]
        natural = max(cell_len(line) for text in texts for line in text.splitlines() or [""])
        if not column.no_wrap:
            column.min_width = min(natural, _TEXT_MIN_WIDTH)
        needed += natural if column.no_wrap else column.min_width
    if needed <= console.width:
        console.print(table)
        return
    width = console.width
    console.width = needed
    try:
        console.print(table)
    finally:
        console.width = width


_NUMERIC = (
    "runs",
    "success",
    "cost",
    "in",
    "out",
    "cache read",
    "cache write",
    "hit rate",
    "turns",
    "duration",
)


def _success_rate(summary: dict[str, Any]) -> str:
    """The rate, saying how many runs it is of when logs that do not say how they ended are left out
    (``100.0% of 22``, beside ``success 22, unknown 11``)."""
    unknown = summary["statuses"].get("unknown", 0)
    if not unknown or summary["success_rate"] is None:
        return _rate(summary["success_rate"])
    return f"{_rate(summary['success_rate'])} of {summary['runs'] - unknown:,}"


def _render_summary(summary: dict[str, Any]) -> None:
    console = context.stdout_console()
    if summary["runs"] == 1:
        one = summary["files"][0]
        who = f"{one['agent'] or '-'} {one['model'] or '-'}"
        context.echo(f"run {one['run_id']}  {who}  {one['status']}  {one['path']}")
    totals = _table("figure", "value", title="Totals", right=("value",))
    rows = [
        ("runs", _count(summary["runs"])),
        ("success rate", _success_rate(summary)),
        ("statuses", _statuses(summary["statuses"])),
        ("cost", _money(summary["cost_usd"])),
        ("input tokens", _count(summary["input_tokens"])),
        ("output tokens", _count(summary["output_tokens"])),
        ("cache read tokens", _count(summary["cache_read_tokens"])),
        ("cache write tokens", _count(summary["cache_creation_tokens"])),
        ("cache hit rate", _rate(summary["cache_hit_rate"])),
        ("duration", _duration(summary["duration_ms"])),
        ("turns", _count(summary["num_turns"])),
        ("steps", _count(summary["steps"])),
    ]
    for name, value in rows:
        totals.add_row(name, value)
    _print_table(console, totals)
    if summary["tools"]:
        tools = _table(
            "tool", "calls", "errors", "p50", "p95", title="Tools", right=("calls", "errors", "p50", "p95")
        )
        for name, tool in summary["tools"].items():
            tools.add_row(
                name,
                _count(tool["calls"]),
                _count(tool["errors"]),
                _duration(tool["p50_ms"]),
                _duration(tool["p95_ms"]),
            )
        console.print()
        _print_table(console, tools)
    if summary["runs"] > 1:
        models = _table("model", *_NUMERIC, title="Models", right=_NUMERIC)
        for name, m in summary["models"].items():
            models.add_row(
                name,
                _count(m["runs"]),
                _rate(m["success_rate"]),
                _money(m["cost_usd"]),
                _count(m["input_tokens"]),
                _count(m["output_tokens"]),
                _count(m["cache_read_tokens"]),
                _count(m["cache_creation_tokens"]),
                _rate(m["cache_hit_rate"]),
                _count(m["num_turns"]),
                _duration(m["duration_ms"]),
            )
        console.print()
        _print_table(console, models)
        # Paths relative to the directory all runs share keep the table narrow.
        common = os.path.commonpath([str(Path(f["path"]).parent) for f in summary["files"]])
        runs = _table(
            "started", "status", "model", "cost", "turns", "tools", "errors", "duration", "file",
            title="Runs", right=("cost", "turns", "tools", "errors", "duration"),
        )  # fmt: skip
        for f in summary["files"]:
            runs.add_row(
                f["started_at"][:19].replace("T", " "),
                f["status"],
                f["model"] or "-",
                _money(f["cost_usd"]),
                _count(f["num_turns"]),
                _count(f["tool_calls"]),
                _count(f["tool_errors"]),
                _duration(f["duration_ms"]),
                os.path.relpath(f["path"], common),
            )
        console.print()
        _print_table(console, runs)
        context.echo(f"(files under {common})")


# ------------------------------------------------------------------------------------------------
# analyze


def log_targets(paths: Sequence[Path], *, claude: bool, codex: bool) -> list[Path]:
    """*paths* plus the default log folders of the agents asked for (those that exist).

    An agent whose folders are all missing is one ``warning:`` line when there is something else to
    read, and a BadInputError (exit 2) when there is nothing at all.
    """
    targets = list(paths)
    wanted = {name for name, flag in (("claude", claude), ("codex", codex)) if flag}
    if not wanted:
        return targets
    readers = context.hooks().log_reader_register()
    for reader in readers:
        if reader.agent in wanted:
            found = [p for p in reader.locations(os.environ) if p.is_dir()]
            targets += [p for p in found if p not in targets]
            if found:
                wanted.discard(reader.agent)
    for agent in sorted(wanted):
        where = ", ".join(str(p) for r in readers if r.agent == agent for p in r.locations(os.environ))
        message = f"no {agent} logs found (looked in {where or 'nowhere'})"
        if not targets:
            raise BadInputError(message)
        context.warning(message)
    return targets


def read_sessions(
    targets: Sequence[Path],
    errors: list[dict[str, str]],
    unread: list[dict[str, str]],
    *,
    cache: bool = True,
    keep_times: bool = True,
) -> Any:
    """Every session in the logs under *targets*, deduplicated (a finished Ledger, keeping each call's
    time with *keep_times*). A file named in *targets* that cannot be read goes to *errors* (an
    ``error:`` line and exit 2 later); a damaged log found inside a directory is one warning line now
    and goes to *unread* (listed in the JSON output), and one that is no log at all (empty, in no known
    format) only a warning line; the rest is read."""
    from autopilot.core import logs
    from autopilot.core.usage import Ledger

    readers = context.hooks().log_reader_register()
    given = {str(p) for p in targets}
    ledger = Ledger(keep_times=keep_times)
    cache_path = logs.default_cache_path() if cache else None
    for result in logs.scan(readers, targets, cache_path=cache_path):
        if result.error is not None:
            problem = {"path": result.path, "error": result.error}
            if result.path in given:
                errors.append(problem)
                continue
            context.warning(result.error)
            if not result.skipped:
                unread.append(problem)
            continue
        for session in result.sessions:
            for message in session.warnings:
                context.warning(message)
            ledger.add(session)
    ledger.finish()  # an autopilot run read both as its trajectory and as its agent's logs counts once
    return ledger


def analyze(
    *paths: str,
    claude: Annotated[bool, Parameter(negative="")] = False,
    codex: Annotated[bool, Parameter(negative="")] = False,
    no_cache: Annotated[bool, Parameter(negative="")] = False,
    json_output: JsonFlag = False,
) -> int:
    """Cost, tokens, cache hit rate, turns, tool calls, errors and latency of agent runs and logs.

    Reads, by content, autopilot trajectories and journals, Claude Code transcripts and stream-json
    output, Codex rollouts and ``exec --json`` output, SWE-agent and mini-swe-agent trajectories and
    ATIF files: files or whole directory trees, mixed. Each API response counts once (as ccusage
    counts it) and is priced with the price table; a run read both as its trajectory and as its
    agent's own logs counts once, as those logs with the run's issue and status. Without an
    argument, the configured ``output_dir`` (``docs/logs``) is analyzed; a recorded run may also be
    named by its run id (as ``session list`` prints it), a unique prefix of it, or ``last``. A file
    named here that cannot be read is one ``error:`` line (exit code 2); one found in a directory
    (damaged, empty or in no known format) is one ``warning:`` line; the rest is still analyzed.

    Parameters
    ----------
    paths
        Log files or directories of them, or runs by id, unique id prefix or ``last`` (default: this
        repository's runs, unless --claude or --codex).
    claude
        Read Claude Code's transcripts where Claude Code keeps them (``$CLAUDE_CONFIG_DIR/projects``,
        several directories separated by commas, else ``~/.config/claude/projects`` and
        ``~/.claude/projects``), besides PATHS; name ``docs/logs`` too to add this repository's runs.
    codex
        Read Codex's rollouts where Codex keeps them (``$CODEX_HOME/sessions``, several homes
        separated by commas, else ``~/.codex/sessions``), besides PATHS.
    no_cache
        Read every file again instead of using the summaries cached from the last call.
    json_output
        Print the figures as JSON (keys documented in docs/reference/analyze.md).
    """
    from autopilot.core.config import find_project_dir
    from autopilot.core.pricing import load_price_table

    errors: list[dict[str, str]] = []
    named = _run_paths(paths, errors)
    targets = log_targets(named, claude=claude, codex=codex) or ([] if paths else _recorded_runs())
    unread: list[dict[str, str]] = []
    ledger = read_sessions(targets, errors, unread, cache=not no_cache, keep_times=False)
    # Only the project's price table (.autopilot/prices.json) is wanted, not its config file.
    prices = load_price_table(find_project_dir())
    figures = analysis.session_figures(ledger, prices)
    del ledger  # the figures hold all that is printed
    summary = analysis.summary_totals(figures)
    if json_output:
        _echo_json(summary, "files", (f.to_dict() for f in figures), {"errors": errors + unread})
    elif summary["runs"] or (targets and not errors):
        summary["files"] = [f.to_dict() for f in figures]
        _render_summary(summary)
    return _report_errors(errors)


def _echo_json(head: dict[str, Any], key: str, items: Iterable[Any], tail: dict[str, Any]) -> None:
    """Print ``{**head, key: [*items], **tail}`` as JSON indented by two spaces, the items encoded one
    at a time (the list of thousands of runs is never one text) and printed in chunks."""
    import msgspec

    def formatted(value: Any, depth: int) -> str:
        text = msgspec.json.format(msgspec.json.encode(value), indent=2).decode()
        return text.replace("\n", "\n" + "  " * depth)

    def members(mapping: dict[str, Any]) -> list[str]:
        return [f"  {formatted(name, 0)}: {formatted(value, 1)}" for name, value in mapping.items()]

    lines = ["{", *(member + "," for member in members(head))]
    end = object()
    items = iter(items)
    item = next(items, end)
    if item is end:
        lines.append(f"  {formatted(key, 0)}: [],")
    else:
        lines.append(f"  {formatted(key, 0)}: [")
        size = 0
        while item is not end:
            following = next(items, end)
            line = "    " + formatted(item, 2) + ("," if following is not end else "")
            lines.append(line)
            size += len(line)
            if size > 65536:
                context.echo("\n".join(lines))
                lines, size = [], 0
            item = following
        lines.append("  ],")
    tail_members = members(tail)
    lines += [member + "," for member in tail_members[:-1]] + tail_members[-1:]
    lines.append("}")
    context.echo("\n".join(lines))


# ------------------------------------------------------------------------------------------------
# replay


def _pretty(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _indented(text: str, prefix: str = "    ") -> list[str]:
    return [prefix + line for line in text.splitlines()] or [prefix]


def step_detail(run: Run, step: Step, *, raw: bool = True) -> list[str]:
    """Every field of *step*: JSON values pretty-printed, the backend's raw event last (unless not *raw*)."""
    lines = [step_line(run, step)]
    data = step.to_dict()
    raw_event = data.pop("raw", None)
    for name, value in data.items():
        if name in ("index",):
            continue
        text = _pretty(value)
        if "\n" in text or len(text) > 100:
            lines.append(f"  {name}:")
            lines.extend(_indented(text))
        else:
            lines.append(f"  {name}: {text}")
    if raw and raw_event is not None:
        lines.append("  raw event:")
        lines.extend(_indented(_pretty(raw_event)))
    return lines


def raw_event_lines(step: Step) -> list[str]:
    """The backend's raw event of *step*, pretty-printed JSON."""
    if step.raw is None:
        return [f"(step {step.index} has no raw event)"]
    return [f"raw event of step {step.index}:", *_indented(_pretty(step.raw))]


def _listing_lines(run: Run, step: Step, max_lines: int | None = None) -> list[str]:
    """One ``.rlog``-style line, plus the full text when it does not fit on that line.

    With *max_lines*, each text, input or output shown below the line is cut to that many lines.
    """
    lines = [step_line(run, step)]
    for name in ("text", "input", "output"):
        value = getattr(step, name)
        if value is None:
            continue
        compact = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        cut = one_line(value) != " ".join(compact.split())
        if cut or (isinstance(value, str) and "\n" in value.strip()):
            body = _indented(_pretty(value))
            if max_lines is not None and len(body) > max_lines:
                hidden = len(body) - max_lines
                body = [
                    *body[:max_lines],
                    f"    … {hidden} more line{'s' * (hidden != 1)} of {name} (f: all)",
                ]
            lines.extend(body)
    return lines


def step_compact(run: Run, step: Step) -> list[str]:
    """The interactive view of a step: its ``.rlog`` line and at most 12 lines of each long field."""
    return _listing_lines(run, step, max_lines=COMPACT_LINES)


#: Lines of a step's text, input or output the interactive replay shows before ``f`` is pressed.
COMPACT_LINES = 12

REPLAY_KEYS = "n/Space/Enter next, p previous, j jump to a step, f every field, r raw event, q quit"


def _totals_line(loaded: LoadedRun) -> str:
    f = analysis.run_figures(loaded).to_dict()
    return (
        f"# {f['steps']} steps  {f['tool_calls']} tool calls  {f['tool_errors']} tool errors  "
        f"cache hit rate {_rate(f['cache_hit_rate'])}"
    )


def interactive(
    loaded: LoadedRun,
    read_key: Callable[[], str | None],
    write: Callable[[str], None],
    read_line: Callable[[str], str | None] = lambda prompt: None,
) -> None:
    """Step through a run, one key per command (see :data:`REPLAY_KEYS`).

    *read_key* returns the next key (None at end of input); ``j`` asks *read_line* for the step number
    unless the key came with it (``"j 5"``). Each step is shown compactly (:func:`step_compact`).
    """
    run = loaded.run
    for line in header_lines(run):
        write(line)
    if not run.steps:
        write("(no steps)")
        write(closing_line(run))
        return
    position = 0
    show = True
    last = len(run.steps) - 1
    while True:
        if show:
            for line in step_compact(run, run.steps[position]):
                write(line)
        show = True
        answer = read_key()
        if answer is None:
            return
        # Space, Enter and the arrow keys arrive as " ", "\n", "\x1b[C" / "\x1b[D".
        command = answer.strip().lower()
        if command in ("", "n", "next", "\x1b[c"):
            if position == last:
                write(f"(step {position} is the last; p previous, j jump, q quit)")
                show = False
            else:
                position += 1
        elif command in ("p", "b", "prev", "previous", "\x1b[d"):
            if position == 0:
                write("(this is the first step)")
                show = False
            else:
                position -= 1
        elif command.startswith("j"):
            target = command[1:].strip() or (read_line(f"jump to step (0-{last}): ") or "").strip()
            if target.isdigit() and 0 <= int(target) <= last:
                position = int(target)
            else:
                write(f"(jump to a step between 0 and {last})")
                show = False
        elif command == "f":
            for line in step_detail(run, run.steps[position], raw=False):
                write(line)
            show = False
        elif command == "r":
            for line in raw_event_lines(run.steps[position]):
                write(line)
            show = False
        elif command in ("q", "quit", "exit", "\x04"):
            write(closing_line(run))
            return
        else:
            write(f"({REPLAY_KEYS})")
            show = False


class _Terminal:
    """The terminal in cbreak mode while the interactive replay runs: keys arrive without Enter.

    cbreak (not raw) keeps Ctrl-C working and output newlines as they are; :meth:`line` restores the
    normal mode while a step number is typed.
    """

    def __enter__(self) -> _Terminal:
        import termios
        import tty

        self.fd = sys.stdin.fileno()
        self.saved = termios.tcgetattr(self.fd)
        # Before the first prompt is shown, so a key pressed as soon as it appears is not lost.
        tty.setcbreak(self.fd)
        self.cbreak = termios.tcgetattr(self.fd)
        return self

    def __exit__(self, *exc_info: object) -> None:
        import termios

        termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)

    def key(self) -> str | None:
        """One key press; an arrow key arrives as one escape sequence and is read whole."""
        data = os.read(self.fd, 8)
        return data.decode("utf-8", errors="replace") if data else None

    def line(self, show_prompt: Callable[[], None]) -> str | None:
        """One line typed in the terminal's normal mode (echoed, editable), after *show_prompt*."""
        import termios

        termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)
        try:
            show_prompt()
            data = os.read(self.fd, 1024)
        finally:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self.cbreak)
        return data.decode("utf-8", errors="replace") if data else None


def _replay_json(loaded: LoadedRun, steps: Iterable[Step], *, summary: bool) -> dict[str, Any]:
    run = loaded.run.to_dict()
    run.pop("steps")
    if summary:
        items = [{"index": s.index, "type": s.type, "ts": s.ts, "summary": step_summary(s)} for s in steps]
    else:
        items = [s.to_dict() for s in steps]
    return {"run": run, "figures": analysis.run_figures(loaded).to_dict(), "steps": items}


def replay(
    run: str,
    *,
    summary: Annotated[bool, Parameter(negative="")] = False,
    step: int | None = None,
    json_output: JsonFlag = False,
) -> int:
    """Step through a recorded run.

    On a terminal the view is interactive, one key per command: n, Space or Enter next, p previous,
    j jump to a step, f every field of the step, r its raw event, q quit. When piped, every step is
    listed in full.

    Parameters
    ----------
    run
        A trajectory (``.json``), the journal of a killed run (``.journal.jsonl``), or a recorded
        run's id (as ``session list`` prints it), a unique prefix of it, or ``last`` (the newest run).
    summary
        Print the header, one line per step and the totals.
    step
        Show only step N (numbered from 0, as in the ``#N`` column) with every field.
    json_output
        Print the run, its figures and its steps (or only step N) as JSON (docs/reference/analyze.md).
    """
    (path,) = _run_paths([run])
    loaded = _load_one(path)
    recorded = loaded.run
    if step is not None and not 0 <= step < len(recorded.steps):
        raise BadInputError(
            f"{path}: no step {step} (the run has {len(recorded.steps)} steps, numbered from 0)"
        )
    if json_output:
        steps = recorded.steps if step is None else [recorded.steps[step]]
        context.echo(json.dumps(_replay_json(loaded, steps, summary=summary), indent=2, ensure_ascii=False))
        return 0
    if step is not None:
        for line in step_detail(recorded, recorded.steps[step]):
            context.echo(line)
        return 0
    if summary:
        for line in header_lines(recorded):
            context.echo(line)
        for item in recorded.steps:
            context.echo(step_line(recorded, item))
        context.echo(closing_line(recorded))
        context.echo(_totals_line(loaded))
        return 0
    if sys.stdin.isatty() and sys.stdout.isatty():
        stream = context.stdout_stream()
        with _Terminal() as terminal:

            def read_key() -> str | None:
                stream.write("[n]ext [p]rev [j]ump [f]ields [r]aw [q]uit ")
                stream.flush()
                key = terminal.key()
                stream.write("\r\x1b[2K")  # erase the prompt: the steps read as one listing
                stream.flush()
                return key

            def read_line(prompt: str) -> str | None:
                def show_prompt() -> None:
                    stream.write(prompt)
                    stream.flush()

                return terminal.line(show_prompt)

            interactive(loaded, read_key, context.echo, read_line)
        return 0
    for line in header_lines(recorded):
        context.echo(line)
    for item in recorded.steps:
        for line in _listing_lines(recorded, item):
            context.echo(line)
    context.echo(closing_line(recorded))
    context.echo(_totals_line(loaded))
    return 0


# ------------------------------------------------------------------------------------------------
# compare


def _value(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key == "cost_usd":
        return _money(value)
    if key == "cache_hit_rate":
        return _rate(value)
    if key == "duration_ms":
        return _duration(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return _count(value)
    return str(value)


def _delta(key: str, a: Any, b: Any) -> str:
    if not isinstance(a, int | float) or not isinstance(b, int | float) or isinstance(a, bool):
        return "" if a == b else "≠"
    diff = b - a
    if diff == 0:
        return "="
    if key == "cost_usd":
        return f"{'+' if diff > 0 else '-'}{_money(abs(diff))}"
    if key == "cache_hit_rate":
        return f"{diff * 100:+.1f} pt"
    if key == "duration_ms":
        return f"{'+' if diff > 0 else '-'}{_duration(abs(diff))}"
    return f"{diff:+,}"


def _call_text(call: dict[str, Any] | None, width: int = 100) -> str:
    if call is None:
        return "(no further tool calls)"
    return f"#{call['step']} {call['tool']} {one_line(call['input'], width)}"


def _render_compare(result: dict[str, Any], path_a: Path, path_b: Path) -> None:
    console = context.stdout_console()
    context.echo(f"A: {path_a}  ({result['a']['run_id']}, {result['a']['model'] or '-'})")
    context.echo(f"B: {path_b}  ({result['b']['run_id']}, {result['b']['model'] or '-'})")
    table = _table("figure", "A", "B", "B - A", right=("A", "B", "B - A"))
    for key, pair in result["totals"].items():
        table.add_row(key, _value(key, pair["a"]), _value(key, pair["b"]), _delta(key, pair["a"], pair["b"]))
    _print_table(console, table)
    echo = context.echo
    echo()
    a_calls, b_calls = result["a"]["tool_calls"], result["b"]["tool_calls"]
    echo(
        f"tool calls: {result['common_calls']} in common (A {a_calls}, B {b_calls}), "
        f"similarity {result['similarity']:.2f}"
    )
    first = result["first_divergence"]
    if first is None:
        echo("the runs made the same tool calls in the same order")
    else:
        echo(f"first divergence after {first['call']} identical call(s):")
        echo(f"  A {_call_text(first['a'])}")
        echo(f"  B {_call_text(first['b'])}")
    echo()
    echo("alignment (= both, - only A, + only B):")
    for block in result["alignment"]:
        if block["op"] == "equal":
            calls = block["a"]
            if len(calls) > 4:
                echo(f"  = {_call_text(calls[0], 80)}")
                echo(f"  = ... {len(calls) - 2} more in common ...")
                echo(f"  = {_call_text(calls[-1], 80)}")
            else:
                for call in calls:
                    echo(f"  = {_call_text(call, 80)}")
            continue
        for call in block["a"]:
            echo(f"  - {_call_text(call, 80)}")
        for call in block["b"]:
            echo(f"  + {_call_text(call, 80)}")
    files_a, files_b = result["a"]["files"], result["b"]["files"]
    echo()
    if files_a or files_b:
        files = _table("file", "A", "B", title="Files read or written by file tools")
        for name in sorted(set(files_a) | set(files_b)):
            files.add_row(name, files_a.get(name, "-"), files_b.get(name, "-"))
        _print_table(console, files)
    else:
        echo("files read or written by file tools: none (what shell commands changed is not known here)")
    touched = result["touched"]
    for side, key in (("A", "commands_only_a"), ("B", "commands_only_b")):
        if touched[key]:
            echo(f"commands only in {side}:")
            for command in touched[key]:
                echo(f"  $ {one_line(command, 120)}")
    common = sorted(set(result["a"]["commands"]) & set(result["b"]["commands"]))
    if common:
        echo(f"commands in both: {len(common)}")


def compare(a: str, b: str, *, json_output: JsonFlag = False) -> int:
    """Compare two runs: totals side by side, where their tool calls diverge, files and commands each touched.

    Parameters
    ----------
    a
        The first run: its ``.json`` or ``.journal.jsonl``, or its run id (as ``session list`` prints
        it), a unique prefix of it, or ``last``.
    b
        The second run, named the same way.
    json_output
        Print the comparison as JSON.
    """
    path_a, path_b = _run_paths([a, b])
    result = analysis.compare(_load_one(path_a), _load_one(path_b))
    if json_output:
        context.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        _render_compare(result, path_a, path_b)
    return 0


# ------------------------------------------------------------------------------------------------
# validate


def _check(path: Path) -> LoadedRun:
    """The run in a valid file; raises TrajectoryError naming the first problem."""
    if path.suffix == ".json":
        return read_json_trajectory(path, validate=True)
    loaded = _load_one(path)
    problem = schema_error(loaded.run.to_dict())
    if problem:
        raise TrajectoryError(path, f"journal does not fold into a valid trajectory: {problem}")
    return loaded


def validate(*paths: str, json_output: JsonFlag = False) -> int:
    """Check trajectory files against the trajectory JSON Schema; exit 2 if any is invalid.

    Journals are checked by folding them into a run first; a torn last line is a warning, not a problem.

    Parameters
    ----------
    paths
        Trajectory files or directories of them (default: the configured output_dir), or runs by id,
        unique id prefix or ``last``.
    json_output
        Print one result per file as JSON (docs/reference/analyze.md); errors still go to stderr too.
    """
    errors: list[dict[str, str]] = []
    targets = _run_paths(paths, errors)
    if not paths:
        directory = _output_dir()
        if not directory.is_dir():
            raise BadInputError(
                f"validate: no runs recorded yet ({directory} does not exist); name FILE or DIR"
            )
        targets = [directory]
    files, problems = _expand(targets)
    errors += problems
    results: list[dict[str, Any]] = []
    for path in files:
        try:
            loaded = _check(path)
        except BadInputError as exc:
            # Another agent's log fails the schema on every field: say what it is instead.
            foreign = _another_agents_log(path) if isinstance(exc, TrajectoryError) else None
            message = str(foreign or exc)
            errors.append({"path": str(path), "error": message})
            results.append({"path": str(path), "ok": False, "error": message})
            continue
        run = loaded.run
        results.append(
            {
                "path": str(path),
                "ok": True,
                "kind": loaded.kind,
                "steps": len(run.steps),
                "status": run.result.status,
            }
        )
        if not json_output:
            context.echo(f"ok: {path} ({loaded.kind}, {len(run.steps)} steps, status {run.result.status})")
    if json_output:
        checked = {item["path"] for item in results}
        results += [{**item, "ok": False} for item in errors if item["path"] not in checked]
        valid = sum(1 for item in results if item["ok"])
        data = {"valid": valid, "invalid": len(results) - valid, "files": results}
        context.echo(json.dumps(data, indent=2, ensure_ascii=False))
    return _report_errors(errors)
