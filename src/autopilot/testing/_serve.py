"""The command line shared by the scripted model servers (``python -m autopilot.testing.<server>``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def serve_main(make_server: Callable[..., Any], prog: str, description: str, argv: list[str] | None) -> int:
    """Parse ``--script/--log/--port``, print ``PORT <n>``, and serve until interrupted."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--script", required=True, type=Path, help="JSON script, re-read on every request")
    parser.add_argument("--log", type=Path, help="append one JSON line per request here")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    args = parser.parse_args(argv)
    server = make_server(args.script, args.log, port=args.port)
    sys.stdout.write(f"PORT {server.port}\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
