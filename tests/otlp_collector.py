"""An in-process OTLP/HTTP collector on 127.0.0.1 for tests, and a reader of OTLP JSON lines.

The collector decodes each ``POST /v1/traces`` body with ``opentelemetry-proto`` (as a real collector
does) and keeps the spans, their request headers, and answers with an empty
``ExportTraceServiceResponse``. Spans from either source come out as :class:`SpanRecord`, so tests can
compare what was sent with what was written.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)


@dataclass(frozen=True)
class SpanRecord:
    """One received span, with ids as hex and attribute values as Python values."""

    trace_id: str
    span_id: str
    parent_id: str
    name: str
    kind: int
    start: int
    end: int
    attributes: dict[str, Any] = field(hash=False)
    status: int = 0

    @property
    def operation(self) -> str:
        return str(self.attributes.get("gen_ai.operation.name"))


def _proto_value(value: Any) -> Any:
    kind = value.WhichOneof("value")
    return getattr(value, kind) if kind else None


def spans_of_request(request: ExportTraceServiceRequest) -> list[SpanRecord]:
    return [
        SpanRecord(
            span.trace_id.hex(),
            span.span_id.hex(),
            span.parent_span_id.hex(),
            span.name,
            span.kind,
            span.start_time_unix_nano,
            span.end_time_unix_nano,
            {a.key: _proto_value(a.value) for a in span.attributes},
            span.status.code,
        )
        for resource in request.resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    ]


_JSON_VALUE = {"stringValue": str, "intValue": int, "doubleValue": float, "boolValue": bool}


def _json_value(value: dict[str, Any]) -> Any:
    for key, convert in _JSON_VALUE.items():
        if key in value:
            return convert(value[key])
    return None


def spans_of_json_lines(text: str) -> list[list[SpanRecord]]:
    """The spans of each line of an OTLP JSON lines file (one export request per line)."""
    lines = []
    for line in text.splitlines():
        if not line.strip():
            continue
        lines.append(
            [
                SpanRecord(
                    span["traceId"],
                    span["spanId"],
                    span.get("parentSpanId", ""),
                    span["name"],
                    span["kind"],
                    int(span["startTimeUnixNano"]),
                    int(span["endTimeUnixNano"]),
                    {a["key"]: _json_value(a["value"]) for a in span.get("attributes", [])},
                    int(span.get("status", {}).get("code", 0)),
                )
                for resource in json.loads(line)["resourceSpans"]
                for scope in resource["scopeSpans"]
                for span in scope["spans"]
            ]
        )
    return lines


class Collector:
    """What the collector received: ``requests`` (spans of each), ``headers`` (of each request)."""

    def __init__(self) -> None:
        self.requests: list[list[SpanRecord]] = []
        self.headers: list[dict[str, str]] = []
        self.paths: list[str] = []
        self.received = threading.Event()
        self.url = ""

    @property
    def spans(self) -> list[SpanRecord]:
        return [span for request in self.requests for span in request]


def _handler(collector: Collector) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            collector.paths.append(self.path)
            collector.headers.append({k.lower(): v for k, v in self.headers.items()})
            collector.requests.append(spans_of_request(request))
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            collector.received.set()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def serve() -> Iterator[Collector]:
    """A collector on a free port of 127.0.0.1 while the generator is open (a fixture body)."""
    collector = Collector()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(collector))
    collector.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield collector
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def read_spans(path: Path) -> list[SpanRecord]:
    """Every span of an OTLP JSON lines file."""
    return [span for line in spans_of_json_lines(path.read_text(encoding="utf-8")) for span in line]
