"""The command line's single error boundary: every error becomes one ``error:`` line and an exit code.

Under ``--json`` an error also prints a JSON envelope (``{"error": {"code", "exit_code", "message"}}``)
on stdout. Tracebacks are shown only with ``--debug`` (or ``AUTOPILOT_DEBUG=1``).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Sequence

from autopilot.cli import context
from autopilot.core.errors import AutopilotError, ExitCode, RedactionError


def guarded(command: Callable[[], int], tokens: Sequence[str]) -> int:
    """Run *command* (the parsed command line *tokens*) and turn every failure into an exit code."""
    debug = "--debug" in tokens or os.environ.get("AUTOPILOT_DEBUG") == "1"
    as_json = "--json" in tokens
    try:
        code = command()
        context.flush_hook_warnings()
        return code
    except RedactionError as exc:
        # The chain cannot redact this error either: say which redactor failed, quoting no text.
        return fail(exc.summary, exc.exit_code, as_json=as_json, emit=context.echo_essential)
    except AutopilotError as exc:
        return fail(str(exc), exc.exit_code, as_json=as_json)
    except KeyboardInterrupt:
        context.error("interrupted")
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); nothing more to say.
        return int(ExitCode.OK)
    except Exception as exc:
        if debug:
            raise
        if isinstance(exc, OSError) and exc.filename:
            # A file autopilot could not read or write (a read-only or missing directory, a full
            # disk): the user's environment, not a bug, so the file and the reason.
            return fail(f"{exc.filename}: {exc.strerror or exc}", ExitCode.FAILURE, as_json=as_json)
        context.error(f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)")
        return int(ExitCode.FAILURE)


def fail(message: str, code: ExitCode, *, as_json: bool, emit: Callable[..., None] | None = None) -> int:
    """Report an error: one ``error:`` line on stderr, plus a JSON envelope on stdout under ``--json``.

    *emit* prints a line instead of the redacting :func:`context.echo` (whose errors are reported as
    withheld output).
    """
    if emit is None:
        context.error(message)
    else:
        emit(f"error: {' '.join(message.split())}", err=True)
    if as_json:
        envelope = {
            "error": {"code": ExitCode(code).name.lower(), "exit_code": int(code), "message": message}
        }
        with contextlib.suppress(Exception):
            (emit or context.echo)(json.dumps(envelope))
    return int(code)
