"""The ``autopilot`` command (also ``git autopilot``): a thin layer over the core and plugins.

:func:`main` hands the command line to the cyclopts app in ``autopilot.cli.app``; every command is
imported only when it is chosen.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NoReturn


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``autopilot`` command on *argv* (default: the process's arguments); returns the exit code."""
    from autopilot.cli.app import dispatch

    return dispatch(list(sys.argv[1:] if argv is None else argv))


def entry() -> NoReturn:
    """The ``autopilot`` and ``git-autopilot`` scripts."""
    sys.exit(main())
