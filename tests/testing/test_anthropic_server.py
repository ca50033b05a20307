"""The scripted Anthropic server: protocol, turns, errors, stalls, log, and the real CLI against it."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from autopilot.testing import ScriptedAnthropic
from autopilot.testing.anthropic_server import EXHAUSTED_TEXT, SIDE_TEXT, anthropic_turn


def post(
    base: str, body: dict[str, Any], path: str = "/v1/messages?beta=true", timeout: float = 10
) -> tuple[int, str]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json", "x-api-key": "k"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def sse(text: str) -> list[tuple[str | None, dict[str, Any]]]:
    events = []
    for chunk in text.strip().split("\n\n"):
        name = None
        data = None
        for line in chunk.splitlines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
        if data is not None:
            events.append((name, data))
    return events


TOOLS = [{"name": "Bash", "input_schema": {"type": "object"}}]


def body(assistant_messages: int, *, stream: bool = True) -> dict[str, Any]:
    messages: list[dict[str, Any]] = [{"role": "user", "content": "go"}]
    for _ in range(assistant_messages):
        messages += [{"role": "assistant", "content": "x"}, {"role": "user", "content": "y"}]
    return {"model": "claude-sonnet-4-5", "messages": messages, "tools": TOOLS, "stream": stream}


def test_turn_is_the_number_of_assistant_messages() -> None:
    """The turn answered is derived from the request history alone."""
    assert anthropic_turn(body(0)) == 0
    assert anthropic_turn(body(3)) == 3


def test_streamed_tool_call_has_every_required_event(scripted_anthropic: ScriptedAnthropic) -> None:
    """A tool turn streams message_start, the block with its input_json_delta, message_delta, message_stop."""
    scripted_anthropic.script(
        [{"tool_use": {"name": "Bash", "input": {"command": "ls"}}, "input_tokens": 7, "output_tokens": 3}]
    )
    status, text = post(scripted_anthropic.base_url, body(0))
    events = sse(text)

    assert status == 200
    assert [name for name, _ in events] == [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert all(name == data["type"] for name, data in events)
    assert events[0][1]["message"]["usage"]["input_tokens"] == 7
    assert json.loads(events[2][1]["delta"]["partial_json"]) == {"command": "ls"}
    assert events[4][1]["delta"]["stop_reason"] == "tool_use"
    assert events[4][1]["usage"]["output_tokens"] == 3


def test_non_streaming_request_gets_a_whole_message(scripted_anthropic: ScriptedAnthropic) -> None:
    """``stream: false`` is answered with one JSON Message (the CLI's fallback path)."""
    scripted_anthropic.script([{"text": "first"}, {"text": "second", "output_tokens": 9}])
    status, text = post(scripted_anthropic.base_url, body(1, stream=False))
    message = json.loads(text)

    assert status == 200
    assert message["content"] == [{"type": "text", "text": "second"}]
    assert message["stop_reason"] == "end_turn"
    assert message["usage"]["output_tokens"] == 9


def test_past_the_script_and_side_requests(scripted_anthropic: ScriptedAnthropic) -> None:
    """A turn past the script says so; a request without tools gets a side answer and is not a turn."""
    scripted_anthropic.script([{"text": "only"}])
    side = {"model": "m", "messages": [{"role": "user", "content": "title?"}], "stream": False}

    exhausted = json.loads(post(scripted_anthropic.base_url, body(5, stream=False))[1])
    answer = json.loads(post(scripted_anthropic.base_url, side)[1])

    assert exhausted["content"][0]["text"] == EXHAUSTED_TEXT
    assert answer["content"][0]["text"] == SIDE_TEXT
    assert [r["kind"] for r in scripted_anthropic.requests(None)] == ["turn", "side"]


@pytest.mark.parametrize(
    ("status", "kind"), [(500, "api_error"), (529, "overloaded_error"), (401, "authentication_error")]
)
def test_http_errors_have_anthropic_error_bodies(
    scripted_anthropic: ScriptedAnthropic, status: int, kind: str
) -> None:
    """``http_error`` turns answer with that status and an Anthropic-style error body."""
    scripted_anthropic.script([{"http_error": status}])
    code, text = post(scripted_anthropic.base_url, body(0))

    assert code == status
    assert json.loads(text)["error"]["type"] == kind


def test_stall_holds_the_stream_after_message_start(scripted_anthropic: ScriptedAnthropic) -> None:
    """A stalled turn sends message_start and then nothing until the stall ends."""
    scripted_anthropic.script([{"text": "never", "stall": 0.5}])
    started = time.monotonic()
    _, text = post(scripted_anthropic.base_url, body(0))
    events = sse(text)

    assert time.monotonic() - started >= 0.45
    assert [name for name, _ in events] == ["message_start"]


def test_protocol_switches(scripted_anthropic: ScriptedAnthropic) -> None:
    """``drop_events`` omits events and ``data_only`` leaves out the ``event:`` lines."""
    scripted_anthropic.script([{"text": "hi"}], drop_events=["message_stop"], data_only=True)
    _, text = post(scripted_anthropic.base_url, body(0))
    events = sse(text)

    assert "event:" not in text
    assert "message_stop" not in [data["type"] for _, data in events]


def test_log_records_requests_without_the_key(scripted_anthropic: ScriptedAnthropic) -> None:
    """Each request is one JSON line with path, kind, turn and body; the API key is masked."""
    scripted_anthropic.script([{"text": "a"}, {"text": "b"}])
    post(scripted_anthropic.base_url, body(1))
    (record,) = scripted_anthropic.requests()

    assert record["path"] == "/v1/messages?beta=true"
    assert record["turn"] == 1
    assert record["headers"]["x-api-key"] == "<set>"
    assert record["body"]["model"] == "claude-sonnet-4-5"


def test_unknown_routes_get_json_404(scripted_anthropic: ScriptedAnthropic) -> None:
    """Anything but the Messages endpoints is a JSON 404."""
    status, text = post(scripted_anthropic.base_url, {"x": 1}, path="/v1/other")

    assert status == 404
    assert json.loads(text)["type"] == "error"


def test_runs_as_a_module_and_prints_its_port(tmp_path: Path) -> None:
    """``python -m autopilot.testing.anthropic_server`` prints ``PORT n`` and serves on it."""
    script = tmp_path / "s.json"
    script.write_text(json.dumps({"turns": [{"text": "from the module"}]}))
    with subprocess.Popen(
        [sys.executable, "-m", "autopilot.testing.anthropic_server", "--script", str(script)],
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            port = int(line.split()[1])
            _, text = post(f"http://127.0.0.1:{port}", body(0, stream=False))
        finally:
            process.terminate()
            process.wait(10)

    assert line.startswith("PORT ")
    assert json.loads(text)["content"][0]["text"] == "from the module"


@pytest.mark.parametrize("module", ["anthropic_server", "openai_server"])
@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "cannot read: No such file or directory"), ('{"turns": [', "not valid JSON: ")],
)
def test_a_script_that_cannot_be_read_stops_the_server_before_it_serves(
    module: str, content: str | None, problem: str, tmp_path: Path
) -> None:
    """A mistyped --script path or a broken script is one error line and exit 2, not a server whose
    every answer is "(script exhausted)"."""
    script = tmp_path / "script.json"
    if content is not None:
        script.write_text(content)

    done = subprocess.run(
        [sys.executable, "-m", f"autopilot.testing.{module}", "--script", str(script)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(f"error: --script {script}: {problem}")
    assert done.stderr.count("\n") == 1


@pytest.mark.integration
def test_real_claude_cli_runs_a_tool_against_the_server(
    scripted_anthropic: ScriptedAnthropic, claude_env: dict[str, str], tmp_path: Path
) -> None:
    """The bundled Claude Code CLI, driven by the SDK, really runs the scripted Bash call."""
    from claude_agent_sdk import ClaudeAgentOptions, ResultMessage, query

    repo = tmp_path / "repo"
    repo.mkdir()
    scripted_anthropic.script(
        [{"tool_use": {"name": "Bash", "input": {"command": "echo hello > out.txt"}}}, {"text": "Done"}]
    )
    options = ClaudeAgentOptions(
        cwd=str(repo),
        permission_mode="acceptEdits",
        allowed_tools=["Bash"],
        model="claude-sonnet-4-5",
        env=claude_env,
    )

    async def go() -> list[Any]:
        return [m async for m in query(prompt="create out.txt", options=options)]

    messages = asyncio.run(go())

    assert (repo / "out.txt").read_text() == "hello\n"
    assert isinstance(messages[-1], ResultMessage) and messages[-1].result == "Done"
    assert [r["turn"] for r in scripted_anthropic.requests()] == [0, 1]


def test_the_request_log_read_while_a_long_record_is_being_written_gives_the_whole_records(
    tmp_path: Path,
) -> None:
    """The server appends each request as a line, from another process; a reader that comes in the
    middle of a long one sees the records before it, never a cut line."""
    from autopilot.testing.anthropic_server import ScriptedAnthropicServer

    script = tmp_path / "script.json"
    script.write_text("[]", encoding="utf-8")
    log = tmp_path / "requests.jsonl"
    server = ScriptedAnthropicServer(script, log)
    try:
        server.log({"kind": "messages", "n": 1})
        whole = log.read_text(encoding="utf-8")
        with log.open("a", encoding="utf-8") as handle:
            handle.write('{"kind": "messages", "body": "' + "x" * 70_000)  # a record still being written
        assert [r["n"] for r in server.requests()] == [1]
        assert log.read_text(encoding="utf-8").startswith(whole)
    finally:
        server.server_close()
