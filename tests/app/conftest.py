"""Fixtures shared by the app-layer tests."""

from __future__ import annotations

import pytest

from autopilot.testing import ScriptedAnthropic

#: The model the scripted runs of these tests name ($3 per million input tokens in the price table).
MODEL = "claude-sonnet-4-5"


@pytest.fixture
def offline(scripted_anthropic: ScriptedAnthropic, monkeypatch: pytest.MonkeyPatch) -> ScriptedAnthropic:
    """The scripted server's environment in os.environ, so `autopilot run` picks it up."""
    for name, value in scripted_anthropic.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AUTOPILOT_MODEL", MODEL)
    monkeypatch.setenv("AUTOPILOT_MIN_FREE_MEMORY_MB", "0")
    return scripted_anthropic
