"""The ``autopilot`` command (also ``git autopilot``): a thin layer over the core and plugins.

This module is the process entry point and stays light to import: a plain ``autopilot run PROMPT``
first starts the agent's process (``autopilot.cli.prelaunch``), and only then imports the plugins and
the rest while the agent boots (without the argument parser, which it does not need); every other
command line goes through the parser and commands in ``autopilot.cli.app``.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType
    from typing import NoReturn


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``autopilot`` command on *argv* (default: the process's arguments); returns the exit code."""
    tokens = list(sys.argv[1:] if argv is None else argv)
    if tokens == ["--version"]:
        # The one answer that needs neither plugins nor argument parsing.
        from autopilot import __version__

        sys.stdout.write(f"{__version__}\n")
        return 0
    from autopilot.cli import prelaunch
    from autopilot.core import launch

    plain_run = prelaunch.start(tokens)
    try:
        if plain_run is not None:
            boundary, running = _import_run_modules()

            return boundary.guarded(lambda: running.run(**plain_run), tokens)  # type: ignore[arg-type]
        from autopilot.cli.app import dispatch

        return dispatch(tokens)
    finally:
        launch.discard()  # an agent started early that the run did not take (an error, another agent)


def _import_run_modules() -> tuple[ModuleType, ModuleType]:
    """``autopilot.cli.boundary`` and ``autopilot.cli.running``, imported without the cyclic garbage
    collector, whose passes over the thousands of new objects cost about 6% of these imports (about
    90 ms of CPU, while the agent started early boots).

    Not ``gc.freeze()`` afterwards: it resets the collector's count of long-lived objects, after which
    nearly every young collection became a full one (a 50-turn run used 0.1 s more CPU).
    """
    if "autopilot.cli.running" in sys.modules:  # imported already (a second run in one process)
        from autopilot.cli import boundary, running

        return boundary, running
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        from autopilot.cli import boundary, running
    finally:
        if enabled:
            gc.enable()
    return boundary, running


def entry() -> NoReturn:
    """The ``autopilot`` and ``git-autopilot`` scripts: :func:`main`, then a quick exit.

    Once the command is done and its output flushed, the process leaves with ``os._exit`` instead of
    tearing the interpreter down module by module (tens of milliseconds that only delay the shell
    prompt), after running the ``atexit`` handlers. It exits normally if other threads still run, or
    under a profiler or debugger.
    """
    code = main()
    import threading

    if threading.active_count() > 1 or sys.getprofile() or sys.gettrace():
        sys.exit(code)  # other threads, a profiler or a debugger: leave the normal way
    import atexit

    try:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    except Exception:
        sys.exit(code)
    os._exit(code)
