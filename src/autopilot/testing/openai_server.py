"""A scripted OpenAI model server for testing real clients (Codex, ``openai``) offline.

The server speaks enough of the OpenAI Responses API (and Chat Completions) for the real ``codex``
binary to run a whole agent loop against it on ``127.0.0.1``. Only the model is fake: the client
really runs its shell and file tools.

The script is a JSON file, re-read on every request, so a test can change it between runs::

    {"turns": [
        {"shell": "echo hello > out.txt", "input_tokens": 200, "output_tokens": 20},
        {"text": "Done: wrote out.txt", "input_tokens": 260, "output_tokens": 8}
    ]}

The server is stateless: the turn answered is the number of model outputs already in the request's
history (``function_call`` items plus assistant messages for Responses; assistant messages for Chat),
so retries and resumed threads stay deterministic. Turn forms:

- ``{"shell": "cmd"}``: a call of whichever shell tool the request offers (``exec_command``,
  ``shell_command``, ``shell``, ``bash``), with the arguments that tool expects; offered none of them
  but Codex's JavaScript ``exec`` custom tool (the default model's shape), a ``custom_tool_call`` of
  ``exec`` whose script calls ``tools.exec_command({cmd, yield_time_ms})``;
- ``{"call": {"name": ..., "arguments": {...} | "json string"}}``: any other function call;
- ``{"text": "..."}``: an assistant message (the end of the agent's turn);
- ``{"http_error": 500, "message": "..."}``: an HTTP error with an OpenAI-style error body;
- ``{"item": {...}}``: any other output item, sent as given (``id``/``call_id`` filled in), e.g. a
  ``tool_search_call`` or a ``function_call`` with a ``namespace`` (how Codex calls MCP tools).

Extras on any turn: ``sleep`` (seconds before answering), ``stall`` (send the first events, then
hold the stream open without a byte for that many seconds, ``true`` for as long as the server runs),
``input_tokens``, ``cached_input_tokens``, ``output_tokens``, ``reasoning_tokens`` (reported in
``response.completed``; defaults come from the script's top-level ``"usage"``, then 100/0/10/0).
A request past the last turn gets the text ``"(script exhausted)"``; a request with no tools (a
"side" request such as title generation) gets ``"ok"`` and does not count. Tools are offered in the
body's ``tools`` or, as Codex sends them for its default model, in an ``additional_tools`` input item
(grouped in namespaces).

Protocol switches at the script's top level: ``"drop_events": [...]`` omits the named SSE events,
``"data_only": true`` sends no ``event:`` lines, ``"minimal": true`` sends only
``response.output_item.done`` and ``response.completed``.

Every request is appended to a JSON-lines log (method, path, headers, body length, parsed body,
kind, turn). Run it as ``python -m autopilot.testing.openai_server --script f.json [--log l.jsonl]``;
it prints ``PORT <n>`` on stdout once listening.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from autopilot.testing._serve import ScriptedHandler, ScriptedServer

SHELL_TOOLS: Final = ("exec_command", "shell_command", "shell", "bash")
#: Codex's custom tool that runs JavaScript calling nested tools (its default model has no shell function).
JS_EXEC_TOOL: Final = "exec"
DEFAULT_USAGE: Final = {
    "input_tokens": 100,
    "cached_input_tokens": 0,
    "output_tokens": 10,
    "reasoning_tokens": 0,
}
EXHAUSTED_TEXT: Final = "(script exhausted)"
SIDE_TEXT: Final = "ok"


# ------------------------------------------------------------------------------------------------
# Pure helpers (tested directly)


#: Responses input items that are model outputs (each one is an earlier turn of the script).
MODEL_OUTPUT_ITEMS: Final = ("function_call", "custom_tool_call", "tool_search_call", "local_shell_call")


def responses_turn(body: Mapping[str, Any]) -> int:
    """The turn a Responses request asks for: model outputs already in its ``input``."""
    items = body.get("input")
    if not isinstance(items, list):
        return 0
    return sum(
        1
        for item in items
        if isinstance(item, dict)
        and (item.get("type") in MODEL_OUTPUT_ITEMS or item.get("role") == "assistant")
    )


def chat_turn(body: Mapping[str, Any]) -> int:
    """The turn a Chat Completions request asks for: assistant messages already in ``messages``."""
    messages = body.get("messages")
    if not isinstance(messages, list):
        return 0
    return sum(1 for m in messages if isinstance(m, dict) and m.get("role") == "assistant")


def tool_names(body: Mapping[str, Any]) -> list[str]:
    """Names of the tools a request offers: its ``tools`` (Responses and Chat shapes), then those in
    ``additional_tools`` input items, namespaces flattened."""
    tools = list(body.get("tools") or [])
    items = body.get("input")
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("type") == "additional_tools":
            tools += item.get("tools") or []
    names = []
    while tools:
        tool = tools.pop(0)
        if not isinstance(tool, dict):
            continue
        if tool.get("type") == "namespace":
            tools[:0] = tool.get("tools") or []
            continue
        name = tool.get("name") or (tool.get("function") or {}).get("name")
        if name:
            names.append(str(name))
    return names


def is_main_request(body: Mapping[str, Any]) -> bool:
    """Whether a request is an agent turn (answered from the script), not a side request: it offers
    ``tools`` or carries an ``additional_tools`` input item."""
    items = body.get("input")
    return bool(body.get("tools")) or any(
        isinstance(item, dict) and item.get("type") == "additional_tools"
        for item in (items if isinstance(items, list) else [])
    )


def shell_call(command: str, offered: list[str]) -> tuple[str, dict[str, Any]]:
    """The (tool name, arguments) that run *command* with the shell tool the request offers."""
    for name in SHELL_TOOLS:
        if name in offered:
            break
    else:
        name = "exec_command"
    if name == "exec_command":
        return name, {"cmd": command, "yield_time_ms": 10000}
    if name == "shell":
        return name, {"command": ["bash", "-lc", command]}
    return name, {"command": command}


def exec_script(command: str) -> str:
    """JavaScript for Codex's ``exec`` tool that runs *command* through its nested ``exec_command``."""
    arguments = json.dumps({"cmd": command, "yield_time_ms": 10000})  # JSON is a JS object literal
    return f"const r = await tools.exec_command({arguments});\ntext(JSON.stringify(r));\n"


def turn_usage(turn: Mapping[str, Any], script: Mapping[str, Any]) -> dict[str, int]:
    """Token counts reported for *turn*: its own values over the script's defaults."""
    usage = dict(DEFAULT_USAGE)
    usage.update({k: int(v) for k, v in (script.get("usage") or {}).items() if k in DEFAULT_USAGE})
    usage.update({k: int(turn[k]) for k in DEFAULT_USAGE if k in turn})
    return usage


def output_item(turn: Mapping[str, Any], offered: list[str], turn_index: int) -> dict[str, Any]:
    """The complete Responses output item for a script turn."""
    if "item" in turn:
        # Any other item type, given as is (``id``/``call_id`` filled in when missing).
        raw = dict(turn["item"])
        raw.setdefault("id", f"it_{turn_index}_{uuid.uuid4().hex[:8]}")
        raw.setdefault("call_id", f"call_{turn_index}_{uuid.uuid4().hex[:8]}")
        raw.setdefault("status", "completed")
        return raw
    if "shell" in turn and JS_EXEC_TOOL in offered and not set(SHELL_TOOLS) & set(offered):
        return {
            "type": "custom_tool_call",
            "id": f"ctc_{turn_index}_{uuid.uuid4().hex[:8]}",
            "call_id": f"call_{turn_index}_{uuid.uuid4().hex[:8]}",
            "name": JS_EXEC_TOOL,
            "input": exec_script(str(turn["shell"])),
            "status": "completed",
        }
    if "shell" in turn or "call" in turn:
        if "shell" in turn:
            name, arguments = shell_call(str(turn["shell"]), offered)
        else:
            call = turn["call"]
            name, arguments = str(call["name"]), call.get("arguments", {})
        if not isinstance(arguments, str):
            arguments = json.dumps(arguments)
        return {
            "type": "function_call",
            "id": f"fc_{turn_index}_{uuid.uuid4().hex[:8]}",
            "call_id": f"call_{turn_index}_{uuid.uuid4().hex[:8]}",
            "name": name,
            "arguments": arguments,
            "status": "completed",
        }
    text = str(turn.get("text", EXHAUSTED_TEXT))
    return {
        "type": "message",
        "id": f"msg_{turn_index}_{uuid.uuid4().hex[:8]}",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }


def response_usage(usage: Mapping[str, int]) -> dict[str, Any]:
    """*usage* in the Responses API's shape."""
    return {
        "input_tokens": usage["input_tokens"],
        "input_tokens_details": {"cached_tokens": usage["cached_input_tokens"]},
        "output_tokens": usage["output_tokens"],
        "output_tokens_details": {"reasoning_tokens": usage["reasoning_tokens"]},
        "total_tokens": usage["input_tokens"] + usage["output_tokens"],
    }


def response_events(
    item: dict[str, Any], usage: Mapping[str, int], model: str, *, minimal: bool = False
) -> Iterator[dict[str, Any]]:
    """The streamed Responses event sequence for one output item, in order."""
    response_id = f"resp_{uuid.uuid4().hex[:12]}"
    base = {"id": response_id, "object": "response", "created_at": int(time.time()), "model": model}
    sequence = iter(range(10_000))

    def event(kind: str, **fields: Any) -> dict[str, Any]:
        return {"type": kind, "sequence_number": next(sequence), **fields}

    if not minimal:
        yield event("response.created", response={**base, "status": "in_progress", "output": []})
        yield event("response.in_progress", response={**base, "status": "in_progress", "output": []})
        if item["type"] == "custom_tool_call":
            yield event(
                "response.output_item.added",
                output_index=0,
                item={**item, "input": "", "status": "in_progress"},
            )
            yield event(
                "response.custom_tool_call_input.delta",
                output_index=0,
                item_id=item["id"],
                delta=item.get("input", ""),
            )
            yield event(
                "response.custom_tool_call_input.done",
                output_index=0,
                item_id=item["id"],
                input=item.get("input", ""),
            )
        elif item["type"] not in ("function_call", "message"):
            yield event("response.output_item.added", output_index=0, item={**item, "status": "in_progress"})
        elif item["type"] == "function_call":
            yield event(
                "response.output_item.added",
                output_index=0,
                item={**item, "arguments": "", "status": "in_progress"},
            )
            yield event(
                "response.function_call_arguments.delta",
                output_index=0,
                item_id=item["id"],
                delta=item["arguments"],
            )
            yield event(
                "response.function_call_arguments.done",
                output_index=0,
                item_id=item["id"],
                arguments=item["arguments"],
            )
        else:
            text = item["content"][0]["text"]
            yield event(
                "response.output_item.added",
                output_index=0,
                item={**item, "content": [], "status": "in_progress"},
            )
            part = {"type": "output_text", "text": "", "annotations": []}
            yield event(
                "response.content_part.added", output_index=0, item_id=item["id"], content_index=0, part=part
            )
            yield event(
                "response.output_text.delta", output_index=0, item_id=item["id"], content_index=0, delta=text
            )
            yield event(
                "response.output_text.done", output_index=0, item_id=item["id"], content_index=0, text=text
            )
            yield event(
                "response.content_part.done",
                output_index=0,
                item_id=item["id"],
                content_index=0,
                part={**part, "text": text},
            )
    yield event("response.output_item.done", output_index=0, item=item)
    completed = {**base, "status": "completed", "output": [item], "usage": response_usage(usage)}
    yield event("response.completed", response=completed)


def chat_message(item: dict[str, Any]) -> dict[str, Any]:
    """A Responses output item as a Chat Completions assistant message."""
    if item["type"] != "message":
        call = {
            "id": item["call_id"],
            "type": "function",
            "function": {"name": item.get("name", ""), "arguments": item.get("arguments", "{}")},
        }
        return {"role": "assistant", "content": None, "tool_calls": [call]}
    return {"role": "assistant", "content": item["content"][0]["text"]}


def chat_usage(usage: Mapping[str, int]) -> dict[str, Any]:
    return {
        "prompt_tokens": usage["input_tokens"],
        "completion_tokens": usage["output_tokens"],
        "total_tokens": usage["input_tokens"] + usage["output_tokens"],
        "prompt_tokens_details": {"cached_tokens": usage["cached_input_tokens"]},
        "completion_tokens_details": {"reasoning_tokens": usage["reasoning_tokens"]},
    }


# ------------------------------------------------------------------------------------------------
# The server


class ScriptedOpenAIServer(ScriptedServer):
    """Answers Responses and Chat Completions requests from a script file and logs each one."""


class _Handler(ScriptedHandler):
    server: ScriptedOpenAIServer

    # -- plumbing -------------------------------------------------------------------------------

    def _record(self, length: int, body: Any, kind: str, turn: int | None) -> None:
        self.server.log(
            {
                "ts": time.time(),
                "method": self.command,
                "path": self.path,
                # Tests check the fake key arrived, so nothing is masked here.
                "headers": self._logged_headers(masked=()),
                "body_length": length,
                "body": body,
                "kind": kind,
                "turn": turn,
            }
        )

    def _send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_error_turn(self, turn: Mapping[str, Any]) -> None:
        status = int(turn["http_error"])
        message = str(turn.get("message") or f"scripted HTTP {status}")
        error = {
            "message": message,
            "type": turn.get("error_type", "server_error"),
            "param": None,
            "code": None,
        }
        self._send_json(status, {"error": error})

    def _start_sse(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True

    def _sse(self, payload: dict[str, Any], *, data_only: bool, name: str | None = None) -> None:
        chunk = "" if data_only or name is None else f"event: {name}\n"
        chunk += f"data: {json.dumps(payload)}\n\n"
        self.wfile.write(chunk.encode())
        self.wfile.flush()

    def _stall(self, turn: Mapping[str, Any]) -> None:
        stall = turn.get("stall")
        seconds = None if stall is True else float(stall)
        self.server.closing.wait(seconds)

    # -- routes ---------------------------------------------------------------------------------

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self._record(0, None, "models" if path.endswith("/models") else "unknown", None)
        if path.endswith("/models"):
            model = self.server.load_script().get("model", "gpt-5.5")
            self._send_json(
                200, {"object": "list", "data": [{"id": model, "object": "model", "owned_by": "autopilot"}]}
            )
        else:
            self._send_json(404, {"error": {"message": f"no route {path}", "type": "not_found"}})

    def do_POST(self) -> None:
        length, body = self._read_body()
        path = self.path.split("?", 1)[0]
        if not isinstance(body, dict):
            self._record(length, body, "bad_request", None)
            self._send_json(
                400, {"error": {"message": "body must be a JSON object", "type": "invalid_request_error"}}
            )
            return
        if path.endswith("/responses"):
            self._answer(body, length, chat=False)
        elif path.endswith("/chat/completions"):
            self._answer(body, length, chat=True)
        else:
            self._record(length, body, "unknown", None)
            self._send_json(404, {"error": {"message": f"no route {path}", "type": "not_found"}})

    def _answer(self, body: dict[str, Any], length: int, *, chat: bool) -> None:
        script = self.server.load_script()
        offered = tool_names(body)
        model = str(body.get("model") or script.get("model") or "gpt-5.5")
        if not is_main_request(body):
            turn_index: int | None = None
            turn: dict[str, Any] = {"text": SIDE_TEXT}
            kind = "side"
        else:
            turn_index = chat_turn(body) if chat else responses_turn(body)
            turns = script.get("turns") or []
            turn = dict(turns[turn_index]) if turn_index < len(turns) else {"text": EXHAUSTED_TEXT}
            kind = "chat" if chat else "responses"
        self._record(length, body, kind, turn_index)
        if turn.get("sleep"):
            time.sleep(float(turn["sleep"]))
        if "http_error" in turn:
            self._send_error_turn(turn)
            return
        usage = turn_usage(turn, script)
        item = output_item(turn, offered, turn_index or 0)
        stream = bool(body.get("stream"))
        try:
            if chat:
                self._answer_chat(item, usage, model, stream, turn, script)
            else:
                self._answer_responses(item, usage, model, stream, turn, script)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away (killed, timed out): nothing left to do

    def _answer_responses(
        self,
        item: dict[str, Any],
        usage: dict[str, int],
        model: str,
        stream: bool,
        turn: Mapping[str, Any],
        script: Mapping[str, Any],
    ) -> None:
        events = list(response_events(item, usage, model, minimal=bool(script.get("minimal"))))
        if not stream:
            self._send_json(200, events[-1]["response"])
            return
        dropped = set(script.get("drop_events") or ())
        data_only = bool(script.get("data_only"))
        self._start_sse()
        for number, payload in enumerate(events):
            if "stall" in turn and number == 1:
                self._stall(turn)  # the stream is open and has started, then goes silent
                return
            if payload["type"] in dropped:
                continue
            self._sse(payload, data_only=data_only, name=payload["type"])

    def _answer_chat(
        self,
        item: dict[str, Any],
        usage: dict[str, int],
        model: str,
        stream: bool,
        turn: Mapping[str, Any],
        script: Mapping[str, Any],
    ) -> None:
        message = chat_message(item)
        finish = "tool_calls" if item["type"] == "function_call" else "stop"
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:12]}"
        base = {"id": completion_id, "created": int(time.time()), "model": model}
        if not stream:
            choice = {"index": 0, "message": message, "finish_reason": finish}
            self._send_json(
                200, {**base, "object": "chat.completion", "choices": [choice], "usage": chat_usage(usage)}
            )
            return
        self._start_sse()
        chunk = {**base, "object": "chat.completion.chunk"}
        delta: dict[str, Any] = {"role": "assistant"}
        if message.get("tool_calls"):
            delta["tool_calls"] = [{"index": 0, **message["tool_calls"][0]}]
        else:
            delta["content"] = message["content"]
        self._sse({**chunk, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}, data_only=True)
        if "stall" in turn:
            self._stall(turn)
            return
        self._sse({**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}, data_only=True)
        self._sse({**chunk, "choices": [], "usage": chat_usage(usage)}, data_only=True)
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


# ------------------------------------------------------------------------------------------------
# Running it


def serve_in_thread(script: Path, log: Path | None = None) -> tuple[ScriptedOpenAIServer, threading.Thread]:
    """Start a server on a free loopback port in a daemon thread; call ``shutdown()`` and
    ``server_close()`` on the server when done."""
    server = ScriptedOpenAIServer(script, log)
    thread = threading.Thread(target=server.serve_forever, name="scripted-openai", daemon=True)
    thread.start()
    return server, thread


class ScriptedOpenAI:
    """A running scripted server for tests: write the script, point a client at it, read the log.

    ``with ScriptedOpenAI(tmp_path, turns=[...]) as server:`` starts it on a free loopback port.
    ``server.env()`` gives ``OPENAI_BASE_URL``/``OPENAI_API_KEY`` for the client; ``server.requests()``
    returns the logged requests (optionally only one ``kind``: ``responses``, ``chat``, ``side``).
    """

    api_key: Final = "sk-scripted"

    def __init__(self, directory: Path, turns: list[dict[str, Any]] | None = None, **options: Any) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.script_path = self.directory / "openai-script.json"
        self.log_path = self.directory / "openai-requests.jsonl"
        self.script(turns or [], **options)
        self._server: ScriptedOpenAIServer | None = None

    def script(self, turns: list[dict[str, Any]], **options: Any) -> None:
        """Replace the script (the server re-reads it on the next request)."""
        tmp = self.script_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"turns": turns, **options}), encoding="utf-8")
        tmp.replace(self.script_path)

    def start(self) -> ScriptedOpenAI:
        if self._server is None:
            self._server, _ = serve_in_thread(self.script_path, self.log_path)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> ScriptedOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.port

    @property
    def base_url(self) -> str:
        """The URL clients use, ``/v1`` included (codex posts to ``{base_url}/responses``)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def env(self) -> dict[str, str]:
        return {"OPENAI_BASE_URL": self.base_url, "OPENAI_API_KEY": self.api_key}

    def requests(self, kind: str | None = None) -> list[dict[str, Any]]:
        if not self.log_path.exists():
            return []
        records = [
            json.loads(line)
            for line in self.log_path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        return [r for r in records if kind is None or r.get("kind") == kind]


ScriptedOpenAIServer.handler = _Handler


def main(argv: list[str] | None = None) -> int:
    from autopilot.testing._serve import serve_main

    description = (__doc__ or "").splitlines()[0]
    return serve_main(ScriptedOpenAIServer, "python -m autopilot.testing.openai_server", description, argv)


if __name__ == "__main__":
    raise SystemExit(main())
