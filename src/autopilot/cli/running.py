"""The plain ``autopilot run PROMPT`` of the early-start path (``autopilot.cli.prelaunch``).

``autopilot run`` lives in :mod:`autopilot.cli.run`; this only turns the fast parser's flat arguments
into its options. It goes away with ``cli/prelaunch.py``.
"""

from __future__ import annotations

from typing import Any


def run(
    *,
    prompt: str,
    max_budget: float | None = None,
    json_output: bool = False,
    quiet: bool = False,
    **fields: Any,
) -> int:
    """``autopilot run`` with the arguments :func:`autopilot.cli.prelaunch.parse_run` gives."""
    from autopilot.app.runs import RunOptions
    from autopilot.cli.run import run as run_command

    options = RunOptions(max_budget_usd=max_budget, **fields)
    return run_command(prompt, options=options, json_output=json_output, quiet=quiet)
