"""A scripted Anthropic Messages server for running the real Claude Code CLI offline.

Only the model is fake: the CLI (bundled with ``claude-agent-sdk``) really runs its Bash, Read, Write
and Edit tools. The script is a JSON file, re-read on every request, so a test can change it between
runs::

    {"turns": [
        {"tool_use": {"name": "Bash", "input": {"command": "echo hello > out.txt"}},
         "input_tokens": 200, "output_tokens": 40},
        {"text": "Done: wrote out.txt"}
    ]}

The server is stateless: the turn answered is the number of assistant messages already in the
request's ``messages``, so retries, resume and the CLI's non-streaming fallback stay deterministic (a
resumed session simply continues at the next turn). Turn forms:

- ``{"tool_use": {"name": "Bash", "input": {...}}}``: one tool call (``"tool_uses": [...]`` for several
  in one response);
- ``{"text": "..."}``: a final answer (``end_turn``); ``"thinking": "..."`` adds a thinking block first;
- ``{"http_error": 500, "error_type": "api_error", "message": "..."}``: an HTTP error with an
  Anthropic-style error body (529 defaults to ``overloaded_error``).

Extras on any turn: ``sleep`` (seconds before answering), ``stall`` (send ``message_start``, then hold
the stream open without another byte for that many seconds, ``true`` for as long as the server runs:
for idle-timeout tests), ``input_tokens``, ``output_tokens``, ``cache_read_input_tokens``,
``cache_creation_input_tokens`` (defaults come from the script's top-level ``"usage"``, then 100/20/0/0).
A request past the last turn gets the text ``"(script exhausted)"``; a request without ``tools`` (a
"side" request such as title generation) gets a short text and does not count as a turn.

Protocol switches at the script's top level: ``"drop_events": [...]`` omits the named SSE events and
``"data_only": true`` sends no ``event:`` lines (both break the CLI on purpose).

Every request is appended to a JSON-lines log (method, path, headers with the key masked, body length,
parsed body, kind, turn); ``"log_bodies": false`` in the script leaves bodies out (benchmarks). Run it
as ``python -m autopilot.testing.anthropic_server --script f.json [--log l.jsonl]``; it prints
``PORT <n>`` on stdout once listening.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from autopilot.testing._serve import ScriptedHandler, ScriptedServer

DEFAULT_MODEL: Final = "claude-sonnet-4-5"
SIDE_TEXT: Final = "Scripted session"
EXHAUSTED_TEXT: Final = "(script exhausted)"
_DEFAULT_USAGE: Final = {
    "input_tokens": 100,
    "output_tokens": 20,
    "cache_read_input_tokens": 0,
    "cache_creation_input_tokens": 0,
}
_ERROR_TYPES: Final = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def anthropic_turn(body: Mapping[str, Any]) -> int:
    """The 0-based turn a request asks for: how many assistant messages its history holds."""
    return sum(
        1 for m in body.get("messages") or () if isinstance(m, Mapping) and m.get("role") == "assistant"
    )


def turn_usage(turn: Mapping[str, Any], script: Mapping[str, Any]) -> dict[str, int]:
    """The usage a turn reports: its own numbers, then the script's ``usage``, then the defaults."""
    defaults = {**_DEFAULT_USAGE, **(script.get("usage") or {})}
    return {name: int(turn.get(name, defaults[name])) for name in _DEFAULT_USAGE}


def content_blocks(turn: Mapping[str, Any], turn_index: int) -> tuple[list[dict[str, Any]], str]:
    """The assistant content of a scripted turn and its stop reason."""
    blocks: list[dict[str, Any]] = []
    if turn.get("thinking"):
        blocks.append({"type": "thinking", "thinking": str(turn["thinking"]), "signature": "scripted"})
    calls = list(turn.get("tool_uses") or [])
    if turn.get("tool_use"):
        calls.insert(0, turn["tool_use"])
    if turn.get("text") is not None or not calls:
        text = turn.get("text")
        blocks.append({"type": "text", "text": str(text if text is not None else EXHAUSTED_TEXT)})
    for number, call in enumerate(calls):
        blocks.append(
            {
                "type": "tool_use",
                "id": call.get("id") or f"toolu_{turn_index:04d}_{number}",
                "name": call["name"],
                "input": call.get("input") or {},
            }
        )
    return blocks, "tool_use" if calls else "end_turn"


def message_json(
    model: str, blocks: list[dict[str, Any]], stop_reason: str, usage: dict[str, int]
) -> dict[str, Any]:
    """A complete (non-streaming) Messages API response."""
    return {
        "id": f"msg_{uuid.uuid4().hex[:24]}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": blocks,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": usage,
    }


def stream_events(message: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The SSE events (name, payload) that stream *message*, as the real API sends them."""
    usage = message["usage"]
    start_usage = {**usage, "output_tokens": 0}
    head = {**message, "content": [], "stop_reason": None, "usage": start_usage}
    events: list[tuple[str, dict[str, Any]]] = [("message_start", {"type": "message_start", "message": head})]
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            start, delta = {"type": "text", "text": ""}, {"type": "text_delta", "text": block["text"]}
        elif block["type"] == "thinking":
            start, delta = (
                {"type": "thinking", "thinking": ""},
                {"type": "thinking_delta", "thinking": block["thinking"]},
            )
        else:
            start = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
            delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
        events.append(
            ("content_block_start", {"type": "content_block_start", "index": index, "content_block": start})
        )
        events.append(
            ("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})
        )
        if block["type"] == "thinking":
            signature = {"type": "signature_delta", "signature": block["signature"]}
            events.append(
                ("content_block_delta", {"type": "content_block_delta", "index": index, "delta": signature})
            )
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    events.append(
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                "usage": {"output_tokens": usage["output_tokens"]},
            },
        )
    )
    events.append(("message_stop", {"type": "message_stop"}))
    return events


# ------------------------------------------------------------------------------------------------
# The server


class ScriptedAnthropicServer(ScriptedServer):
    """Answers Messages requests from a script file and logs each one."""

    @property
    def base_url(self) -> str:
        """The value for ``ANTHROPIC_BASE_URL`` (no ``/v1``: the CLI adds it)."""
        return f"http://127.0.0.1:{self.port}"


class _Handler(ScriptedHandler):
    server: ScriptedAnthropicServer

    def _record(self, length: int, body: Any, kind: str, turn: int | None, script: Mapping[str, Any]) -> None:
        if self.server.log_path is None:
            return
        headers = self._logged_headers()
        record = {
            "ts": time.time(),
            "method": self.command,
            "path": self.path,
            "headers": headers,
            "body_length": length,
            "kind": kind,
            "turn": turn,
        }
        if script.get("log_bodies", True):
            record["body"] = body
        self.server.log(record)

    def _send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("request-id", f"req_{uuid.uuid4().hex[:24]}")
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        script = self._script_or_empty()
        self._record(0, None, "models" if path == "/v1/models" else "unknown", None, script)
        if path == "/v1/models":
            model = script.get("model", DEFAULT_MODEL)
            self._send_json(
                200, {"data": [{"id": model, "type": "model", "display_name": model}], "has_more": False}
            )
        else:
            self._send_json(
                404, {"type": "error", "error": {"type": "not_found_error", "message": f"no route {path}"}}
            )

    def _script_or_empty(self) -> dict[str, Any]:
        try:
            return self.server.load_script()
        except (OSError, ValueError):
            return {}

    def do_POST(self) -> None:
        length, body = self._read_body()
        path = self.path.split("?", 1)[0]  # the CLI posts to /v1/messages?beta=true
        script = self._script_or_empty()
        if not isinstance(body, dict):
            self._record(length, body, "bad_request", None, script)
            error = {"type": "invalid_request_error", "message": "body must be a JSON object"}
            self._send_json(400, {"type": "error", "error": error})
            return
        if path == "/v1/messages/count_tokens":
            self._record(length, body, "count_tokens", None, script)
            self._send_json(200, {"input_tokens": int(script.get("count_tokens", 100))})
            return
        if path != "/v1/messages":
            self._record(length, body, "unknown", None, script)
            self._send_json(
                404, {"type": "error", "error": {"type": "not_found_error", "message": f"no route {path}"}}
            )
            return
        model = str(body.get("model") or DEFAULT_MODEL)
        if not body.get("tools"):
            self._record(length, body, "side", None, script)
            usage = {**_DEFAULT_USAGE, "input_tokens": 10, "output_tokens": 5}
            self._answer(
                body,
                message_json(model, [{"type": "text", "text": SIDE_TEXT}], "end_turn", usage),
                script,
                {},
            )
            return
        index = anthropic_turn(body)
        turns = script.get("turns") or []
        turn: Mapping[str, Any] = turns[index] if index < len(turns) else {"text": EXHAUSTED_TEXT}
        self._record(length, body, "turn", index, script)
        if turn.get("sleep"):
            time.sleep(float(turn["sleep"]))
        if turn.get("http_error"):
            status = int(turn["http_error"])
            kind = str(turn.get("error_type") or _ERROR_TYPES.get(status, "api_error"))
            message = str(turn.get("message") or f"scripted HTTP {status}")
            self._send_json(status, {"type": "error", "error": {"type": kind, "message": message}})
            return
        blocks, stop_reason = content_blocks(turn, index)
        self._answer(body, message_json(model, blocks, stop_reason, turn_usage(turn, script)), script, turn)

    def _answer(
        self,
        body: Mapping[str, Any],
        message: dict[str, Any],
        script: Mapping[str, Any],
        turn: Mapping[str, Any],
    ) -> None:
        if not body.get("stream"):
            self._send_json(200, message)
            return
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.send_header("request-id", f"req_{uuid.uuid4().hex[:24]}")
        self.end_headers()
        self.close_connection = True
        drop = set(script.get("drop_events") or ())
        data_only = bool(script.get("data_only"))
        for number, (name, payload) in enumerate(stream_events(message)):
            if name in drop:
                continue
            chunk = "" if data_only else f"event: {name}\n"
            chunk += f"data: {json.dumps(payload)}\n\n"
            try:
                self.wfile.write(chunk.encode())
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return  # the client went away (a stopped run); nothing to clean up
            if number == 0 and turn.get("stall"):
                stall = turn["stall"]
                self.server.closing.wait(None if stall is True else float(stall))
                return


# ------------------------------------------------------------------------------------------------
# Running it


def serve_in_thread(
    script: Path, log: Path | None = None
) -> tuple[ScriptedAnthropicServer, threading.Thread]:
    """Start a server on a free loopback port in a daemon thread.

    Call ``server.shutdown()`` and ``server.server_close()`` when done (or use :func:`stop_server`).
    """
    server = ScriptedAnthropicServer(script, log)
    thread = threading.Thread(target=server.serve_forever, name="scripted-anthropic", daemon=True)
    thread.start()
    return server, thread


def stop_server(server: ScriptedAnthropicServer) -> None:
    """Stop a server started by :func:`serve_in_thread`."""
    server.closing.set()
    server.shutdown()
    server.server_close()


def write_script(path: Path, turns: list[dict[str, Any]], **extra: Any) -> Path:
    """Write a script file (``{"turns": [...], **extra}``) and return its path."""
    path.write_text(json.dumps({"turns": turns, **extra}, indent=1), encoding="utf-8")
    return path


def offline_claude_env(
    base_url: str, config_dir: Path, *, api_key: str = "sk-ant-scripted", home: Path | None = None
) -> dict[str, str]:
    """Environment for a hermetic Claude Code run against a scripted server.

    ``CLAUDE_CONFIG_DIR`` isolates sessions and settings (nothing is written to ``~/.claude``); the
    switches turn off every request but the model calls, and make API errors fail at once. With
    *home*, ``HOME`` points there too, so the CLI's Bash tool does not source the user's shell
    start-up files (slow, and not hermetic).
    """
    env = {
        "ANTHROPIC_BASE_URL": base_url,
        "ANTHROPIC_API_KEY": api_key,
        "CLAUDE_CONFIG_DIR": str(config_dir),
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_AUTOUPDATER": "1",
        "DISABLE_ERROR_REPORTING": "1",
        "CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK": "1",
        "CLAUDE_CODE_MAX_RETRIES": "0",
    }
    if home is not None:
        home.mkdir(parents=True, exist_ok=True)
        env["HOME"] = str(home)
    if hasattr(os, "getuid") and os.getuid() == 0:
        # The CLI refuses bypassPermissions as root unless it is told it runs in a sandbox.
        env["IS_SANDBOX"] = "1"
    return env


ScriptedAnthropicServer.handler = _Handler


def main(argv: list[str] | None = None) -> int:
    from autopilot.testing._serve import serve_main

    description = (__doc__ or "").splitlines()[0]
    return serve_main(
        ScriptedAnthropicServer, "python -m autopilot.testing.anthropic_server", description, argv
    )


if __name__ == "__main__":
    raise SystemExit(main())
