"""The scripted OpenAI server: turn counting, the streamed Responses protocol, errors, the log."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from autopilot.testing.openai_server import (
    ScriptedOpenAI,
    output_item,
    responses_turn,
    shell_call,
    tool_names,
)

SHELL_TOOL = {"type": "function", "name": "exec_command", "parameters": {}}


def post(url: str, body: dict[str, Any], timeout: float = 5.0) -> tuple[int, str]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"content-type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def sse_events(text: str) -> list[dict[str, Any]]:
    return [json.loads(line[len("data: ") :]) for line in text.splitlines() if line.startswith("data: ")]


def test_turn_counts_model_outputs_in_history() -> None:
    """The turn answered is the number of function calls and assistant messages already in `input`."""
    body = {
        "input": [
            {"role": "user", "content": "go"},
            {"type": "function_call", "name": "exec_command", "arguments": "{}", "call_id": "a"},
            {"type": "function_call_output", "call_id": "a", "output": "ok"},
            {"type": "message", "role": "assistant", "content": []},
            {"role": "user", "content": "again"},
        ]
    }

    assert responses_turn(body) == 2


@pytest.mark.parametrize(
    ("offered", "expected_name", "key"),
    [
        (["write_stdin", "exec_command"], "exec_command", "cmd"),
        (["shell_command"], "shell_command", "command"),
        (["shell"], "shell", "command"),
        (["bash"], "bash", "command"),
    ],
)
def test_shell_turn_uses_the_offered_shell_tool(offered: list[str], expected_name: str, key: str) -> None:
    """`{"shell": cmd}` becomes a call of whichever shell tool the request offers."""
    name, arguments = shell_call("echo hi", offered)

    assert name == expected_name
    assert "echo hi" in json.dumps(arguments[key])


def test_call_turn_serialises_arguments() -> None:
    """A `call` turn's arguments reach the client as a JSON string, as the Responses API sends them."""
    item = output_item({"call": {"name": "get_goal", "arguments": {"x": 1}}}, ["get_goal"], 0)

    assert (item["type"], item["name"], json.loads(item["arguments"])) == (
        "function_call",
        "get_goal",
        {"x": 1},
    )


def test_tool_names_reads_both_api_shapes() -> None:
    """Tool names come from Responses (`name`) and Chat (`function.name`) tool lists."""
    body = {"tools": [{"type": "function", "name": "a"}, {"type": "function", "function": {"name": "b"}}]}

    assert tool_names(body) == ["a", "b"]


def test_streamed_response_has_the_full_event_sequence(tmp_path: Path) -> None:
    """A streamed turn sends created, in_progress, item added/done and completed with the scripted usage."""
    turns = [{"shell": "ls", "input_tokens": 123, "cached_input_tokens": 23, "output_tokens": 7}]
    with ScriptedOpenAI(tmp_path, turns) as server:
        status, text = post(
            server.base_url + "/responses", {"stream": True, "input": [], "tools": [SHELL_TOOL]}
        )

    kinds = [e["type"] for e in sse_events(text)]
    completed = sse_events(text)[-1]["response"]
    assert status == 200
    assert kinds[:3] == ["response.created", "response.in_progress", "response.output_item.added"]
    assert kinds[-2:] == ["response.output_item.done", "response.completed"]
    assert "response.function_call_arguments.done" in kinds
    assert completed["usage"]["input_tokens"] == 123
    assert completed["usage"]["input_tokens_details"]["cached_tokens"] == 23
    assert completed["usage"]["output_tokens"] == 7


def test_text_turn_streams_content_parts(tmp_path: Path) -> None:
    """A text turn streams content_part/output_text events and ends in an assistant message item."""
    with ScriptedOpenAI(tmp_path, [{"text": "all done"}]) as server:
        _, text = post(server.base_url + "/responses", {"stream": True, "input": [], "tools": [SHELL_TOOL]})

    events = sse_events(text)
    assert "response.output_text.delta" in [e["type"] for e in events]
    assert events[-2]["item"]["content"][0]["text"] == "all done"


def test_protocol_switches_drop_events_and_minimal(tmp_path: Path) -> None:
    """`drop_events` omits named events; `minimal` sends only output_item.done and completed."""
    with ScriptedOpenAI(tmp_path, [{"text": "x"}], drop_events=["response.created"]) as server:
        _, dropped = post(
            server.base_url + "/responses", {"stream": True, "input": [], "tools": [SHELL_TOOL]}
        )
        server.script([{"text": "x"}], minimal=True)
        _, minimal = post(
            server.base_url + "/responses", {"stream": True, "input": [], "tools": [SHELL_TOOL]}
        )

    assert "response.created" not in [e["type"] for e in sse_events(dropped)]
    assert [e["type"] for e in sse_events(minimal)] == ["response.output_item.done", "response.completed"]


def test_http_error_turn(tmp_path: Path) -> None:
    """An `http_error` turn answers with that status and an OpenAI-style error body."""
    with ScriptedOpenAI(tmp_path, [{"http_error": 429, "message": "slow down"}]) as server:
        status, text = post(
            server.base_url + "/responses", {"stream": True, "input": [], "tools": [SHELL_TOOL]}
        )

    assert status == 429
    assert json.loads(text)["error"]["message"] == "slow down"


def test_side_request_and_exhausted_script(tmp_path: Path) -> None:
    """A request without tools is a side request; one past the last turn gets the exhausted text."""
    with ScriptedOpenAI(tmp_path, []) as server:
        _, side = post(server.base_url + "/responses", {"input": []})
        _, past = post(server.base_url + "/responses", {"input": [], "tools": [SHELL_TOOL]})
        kinds = [r["kind"] for r in server.requests()]

    assert json.loads(side)["output"][0]["content"][0]["text"] == "ok"
    assert json.loads(past)["output"][0]["content"][0]["text"] == "(script exhausted)"
    assert kinds == ["side", "responses"]


def test_chat_completions_streamed_and_plain(tmp_path: Path) -> None:
    """Chat Completions answers a tool call (streamed, ending in [DONE]) and text (plain) from one script."""
    chat_tool = {"type": "function", "function": {"name": "bash", "parameters": {}}}
    with ScriptedOpenAI(tmp_path, [{"shell": "ls"}, {"text": "fin", "output_tokens": 3}]) as server:
        _, streamed = post(
            server.base_url + "/chat/completions", {"stream": True, "messages": [], "tools": [chat_tool]}
        )
        history = [{"role": "assistant", "content": None}]
        _, plain = post(server.base_url + "/chat/completions", {"messages": history, "tools": [chat_tool]})

    assert streamed.rstrip().endswith("data: [DONE]")
    assert '"name": "bash"' in streamed
    assert json.loads(plain)["choices"][0]["message"]["content"] == "fin"
    assert json.loads(plain)["usage"]["completion_tokens"] == 3


def test_stall_holds_the_stream_open(tmp_path: Path) -> None:
    """A `stall` turn starts the stream, then sends nothing more until the stall ends."""
    with ScriptedOpenAI(tmp_path, [{"text": "late", "stall": 0.5}]) as server:
        _, text = post(server.base_url + "/responses", {"stream": True, "input": [], "tools": [SHELL_TOOL]})

    assert [e["type"] for e in sse_events(text)] == ["response.created"]


def test_script_is_reread_and_requests_are_logged(tmp_path: Path) -> None:
    """The script is re-read per request, and the log records path, headers, body, kind and turn."""
    with ScriptedOpenAI(tmp_path, [{"text": "one"}]) as server:
        post(server.base_url + "/responses", {"input": [], "tools": [SHELL_TOOL]})
        server.script([{"text": "two"}])
        _, text = post(server.base_url + "/responses", {"input": [], "tools": [SHELL_TOOL]})
        log = server.requests("responses")

    assert json.loads(text)["output"][0]["content"][0]["text"] == "two"
    assert [(r["path"], r["turn"], r["body"]["tools"][0]["name"]) for r in log] == [
        ("/v1/responses", 0, "exec_command")
    ] * 2
    assert log[0]["headers"]["content-type"] == "application/json"


def test_runs_as_a_module_and_prints_its_port(tmp_path: Path) -> None:
    """`python -m autopilot.testing.openai_server --script f` prints `PORT n` and serves on it."""
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"turns": [{"text": "from the module"}]}))
    with subprocess.Popen(
        [sys.executable, "-m", "autopilot.testing.openai_server", "--script", str(script)],
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            port = int(line.split()[1])
            _, text = post(f"http://127.0.0.1:{port}/v1/responses", {"input": [], "tools": [SHELL_TOOL]})
        finally:
            process.terminate()
            process.wait(5)

    assert line.startswith("PORT ")
    assert "from the module" in text


def test_a_stalled_request_does_not_block_others(tmp_path: Path) -> None:
    """While one request stalls, the server still answers another (one thread per request)."""
    with ScriptedOpenAI(tmp_path, [{"text": "stuck", "stall": True}, {"text": "free"}]) as server:
        stalled = threading.Thread(
            target=post,
            args=(server.base_url + "/responses", {"stream": True, "input": [], "tools": [SHELL_TOOL]}),
        )
        stalled.start()
        history = [{"type": "message", "role": "assistant", "content": []}]
        status, text = post(
            server.base_url + "/responses", {"input": history, "tools": [SHELL_TOOL]}, timeout=3
        )

    stalled.join(5)
    assert status == 200
    assert "free" in text
    assert not stalled.is_alive()


def test_item_turn_sends_any_output_item(tmp_path: Path) -> None:
    """An `item` turn streams the given item (ids filled in), and it counts as a model output."""
    item = {"type": "function_call", "namespace": "mcp__issues", "name": "issue_ready", "arguments": "{}"}
    with ScriptedOpenAI(tmp_path, [{"item": item}]) as server:
        _, text = post(server.base_url + "/responses", {"stream": True, "input": [], "tools": [SHELL_TOOL]})

    done = sse_events(text)[-2]["item"]
    assert (done["namespace"], done["name"]) == ("mcp__issues", "issue_ready")
    assert done["call_id"] and done["id"]
    assert responses_turn({"input": [{"type": "tool_search_call"}, {"type": "custom_tool_call"}]}) == 2


#: The default Codex model's request shape: no `tools`, the tools in an `additional_tools` input item,
#: and a JavaScript `exec` custom tool instead of a shell function (testing-real-clients §3.6a).
LITE_TOOLS = {
    "type": "additional_tools",
    "role": "developer",
    "tools": [
        {
            "type": "namespace",
            "name": "functions",
            "tools": [{"type": "custom", "name": "exec"}, {"type": "function", "name": "wait"}],
        },
        {"type": "namespace", "name": "clock", "tools": [{"type": "function", "name": "sleep"}]},
    ],
}


def test_additional_tools_request_is_a_main_request(tmp_path: Path) -> None:
    """A request whose tools come in an `additional_tools` input item is answered from the script."""
    with ScriptedOpenAI(tmp_path, [{"text": "scripted answer"}]) as server:
        _, text = post(server.base_url + "/responses", {"input": [LITE_TOOLS]})
        kinds = [(r["kind"], r["turn"]) for r in server.requests()]

    assert json.loads(text)["output"][0]["content"][0]["text"] == "scripted answer"
    assert kinds == [("responses", 0)]


def test_shell_turn_through_the_exec_custom_tool(tmp_path: Path) -> None:
    """Offered only the JS `exec` tool, a shell turn is a custom_tool_call whose script runs the command."""
    command = "echo 'it''s' \"quoted\" > out.txt"
    with ScriptedOpenAI(tmp_path, [{"shell": command}, {"text": "done"}]) as server:
        _, text = post(server.base_url + "/responses", {"stream": True, "input": [LITE_TOOLS]})
        events = sse_events(text)
        call = events[-2]["item"]
        history = [LITE_TOOLS, call, {"type": "custom_tool_call_output", "call_id": call["call_id"]}]
        _, second = post(server.base_url + "/responses", {"input": history})

    script = call["input"]
    argument = script[script.index("tools.exec_command(") + len("tools.exec_command(") : script.index(");")]
    assert (call["type"], call["name"], call["status"]) == ("custom_tool_call", "exec", "completed")
    assert json.loads(argument) == {"cmd": command, "yield_time_ms": 10000}
    assert "response.custom_tool_call_input.done" in [e["type"] for e in events]
    assert json.loads(second)["output"][0]["content"][0]["text"] == "done"


def test_tool_names_include_additional_tools() -> None:
    """Tools offered inside `additional_tools` namespaces count as offered tools."""
    assert tool_names({"input": [LITE_TOOLS]}) == ["exec", "wait", "sleep"]
