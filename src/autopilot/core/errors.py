"""Errors shown to users, and the process exit codes."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the ``autopilot`` command (documented in docs/reference/cli.md)."""

    OK = 0
    FAILURE = 1  # the command ran, but what it checked or ran failed
    BAD_INPUT = 2  # unreadable, malformed or invalid input, or a usage error
    CONFLICT = 3  # lost a race (e.g. an issue claimed by someone else)
    INTERRUPTED = 130  # SIGINT
    TERMINATED = 143  # SIGTERM


class AutopilotError(Exception):
    """An error with a message meant for the user; the CLI prints ``error: <message>``."""

    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str, *, exit_code: ExitCode | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class BadInputError(AutopilotError):
    """A file or argument the user gave cannot be used; names the file and what is wrong."""

    exit_code = ExitCode.BAD_INPUT


class TrajectoryError(BadInputError):
    """A trajectory or journal file is truncated, not JSON, or does not match the schema."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class ConfigError(BadInputError):
    """``.autopilot/config.yaml`` (or an environment variable) holds a value we cannot use."""


class PluginError(AutopilotError):
    """A plugin failed while a hook was called; names the plugin and the hook."""

    def __init__(self, plugin: str, hook: str, problem: str) -> None:
        super().__init__(f"plugin {plugin!r} failed in hook {hook!r}: {problem}")
        self.plugin = plugin
        self.hook = hook


class RedactionError(PluginError):
    """A redactor raised or returned a non-string: nothing was written (the chain fails closed)."""

    def __init__(self, plugin: str, hook: str, problem: str, *, summary: str | None = None) -> None:
        super().__init__(plugin, hook, problem)
        #: What can be shown though nothing can be redacted: the problem without any text it may quote.
        self.summary = f"plugin {plugin!r} failed in hook {hook!r}: {summary or problem}"


class StopRun(Exception):
    """Raised by a ``before_step`` implementation to end the run cleanly (status ``stopped``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
