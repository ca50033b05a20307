"""The console plugin's live status line."""

from __future__ import annotations

import io
import threading

import pytest

from autopilot import Run
from autopilot.plugins.console import ConsoleReporter


class Terminal(io.StringIO):
    """A stream that says it is a terminal and signals when *wanted* text has been written to it."""

    def __init__(self, wanted: str) -> None:
        super().__init__()
        self.wanted = wanted
        self.seen = threading.Event()

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        written = super().write(text)
        if self.wanted in self.getvalue():
            self.seen.set()
        return written


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_status_line_clock_ticks_while_the_agent_is_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no step for 7 s, the status line on a terminal shows 7.0s by itself, so a hang looks like one."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.delenv("TTY_INTERACTIVE", raising=False)
    clock = Clock()
    terminal = Terminal(wanted="7.0s")
    reporter = ConsoleReporter(terminal, clock=clock)
    reporter.start(Run(agent="claude", cwd="/repo"))
    try:
        clock.now += 7.0

        ticked = terminal.seen.wait(timeout=10)
    finally:
        reporter.finish(Run())

    assert ticked, terminal.getvalue()[-300:]
