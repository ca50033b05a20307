"""What the scripted model servers share: the server base, request plumbing and the command line."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final


def serve_main(make_server: Callable[..., Any], prog: str, description: str, argv: list[str] | None) -> int:
    """Parse ``--script/--log/--port``, print ``PORT <n>``, and serve until interrupted.

    A script that cannot be read or is not JSON is one ``error:`` line and exit code 2, before the
    port is printed (later edits are read per request, as always).
    """
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--script", required=True, type=Path, help="JSON script, re-read on every request")
    parser.add_argument("--log", type=Path, help="append one JSON line per request here")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    args = parser.parse_args(argv)
    server = make_server(args.script, args.log, port=args.port)
    try:  # a script that cannot be read would answer every request with an empty script: say so now
        server.load_script()
    except OSError as exc:
        server.server_close()
        parser.exit(2, f"error: --script {args.script}: cannot read: {exc.strerror or exc}\n")
    except ValueError as exc:
        server.server_close()
        parser.exit(2, f"error: --script {args.script}: not valid JSON: {exc}\n")
    sys.stdout.write(f"PORT {server.port}\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


# ------------------------------------------------------------------------------------------------
# What both scripted servers share: the stateless script file, the JSONL request log, stalling.

#: Request headers that carry credentials; the log says only that they were set.
SECRET_HEADERS: Final = ("x-api-key", "authorization")


class ScriptedServer(ThreadingHTTPServer):
    """A loopback server answering from a script file (re-read per request) and logging each request."""

    daemon_threads = True
    allow_reuse_address = True
    handler: type[BaseHTTPRequestHandler]

    def __init__(self, script: Path, log: Path | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), self.handler)
        self.script_path = Path(script)
        self.log_path = Path(log) if log else None
        self.closing = threading.Event()  # set on close: releases handlers that stall on purpose
        self._log_lock = threading.Lock()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def load_script(self) -> dict[str, Any]:
        data = json.loads(self.script_path.read_text(encoding="utf-8"))
        return {"turns": data} if isinstance(data, list) else data

    def log(self, record: dict[str, Any]) -> None:
        if self.log_path is None:
            return
        line = json.dumps(record, default=str)
        with self._log_lock, self.log_path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def requests(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Every logged request so far, or those of one *kind* (empty without a log file)."""
        if self.log_path is None or not self.log_path.exists():
            return []
        text = self.log_path.read_text(encoding="utf-8")
        # (the server may be writing a long record right now, in another process: only whole lines)
        lines = text[: text.rfind("\n") + 1].splitlines()
        records = [json.loads(line) for line in lines if line.strip()]
        return [r for r in records if kind is None or r.get("kind") == kind]

    def server_close(self) -> None:
        self.closing.set()
        super().server_close()


class ScriptedHandler(BaseHTTPRequestHandler):
    """Request plumbing shared by the scripted servers' handlers."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the JSONL log is the record; keep test output clean

    def _read_body(self) -> tuple[int, Any]:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return length, json.loads(raw) if raw else None
        except (ValueError, UnicodeDecodeError):
            return length, raw.decode("utf-8", "replace")

    def _logged_headers(self, masked: tuple[str, ...] = SECRET_HEADERS) -> dict[str, str]:
        """Request headers for the log; *masked* ones only say that they were set."""
        return {k.lower(): ("<set>" if k.lower() in masked else v) for k, v in self.headers.items()}
