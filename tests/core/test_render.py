"""Plain-text renderings of steps: the transcript a new session is told."""

from __future__ import annotations

from autopilot.core.models import Step
from autopilot.core.trajectory.render import transcript


def test_transcript_keeps_the_conversation_without_thinking_or_system_events() -> None:
    """A transcript has one line per user message, answer, tool call, tool result and error."""
    steps = [
        Step("user", text="fix the test"),
        Step("thinking", text="let me look"),
        Step("system", subtype="init"),
        Step("tool_call", tool="Bash", tool_use_id="t1", input={"command": "pytest -q"}),
        Step("tool_result", tool="Bash", tool_use_id="t1", output="1 failed\n", is_error=True),
        Step("error", subtype="api_error", text="overloaded"),
        Step("assistant", text="fixed"),
    ]

    lines = transcript(steps).splitlines()

    assert lines == [
        "user: fix the test",
        'tool call: Bash {"command": "pytest -q"}',
        "tool result: Bash error: 1 failed",
        "error: [api_error] overloaded",
        "assistant: fixed",
    ]


def test_a_long_transcript_keeps_the_most_recent_steps_and_says_how_many_it_left_out() -> None:
    """Past the limit the oldest lines give way to the newest, and the first line counts them."""
    steps = [Step("assistant", text=f"answer {i}") for i in range(100)]

    lines = transcript(steps, limit=100).splitlines()

    assert lines == ["(96 earlier steps left out)", *(f"assistant: answer {i}" for i in range(96, 100))]
