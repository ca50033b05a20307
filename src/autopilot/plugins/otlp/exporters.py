"""Where spans go: OTLP/HTTP (protobuf) to a collector, or OTLP JSON lines to a file, with the official
OpenTelemetry SDK exporters; and the tracer provider of one run.

The HTTP exporter reads the standard ``OTEL_EXPORTER_OTLP_*`` variables itself (headers, timeout,
compression, certificates; the endpoint when none is given). The file exporter writes what the
OpenTelemetry Collector's file exporter writes: one ``ExportTraceServiceRequest`` in OTLP JSON per line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from autopilot.plugins.otlp.spans import SCOPE, SeededIds

#: The ``service.name`` of every span autopilot sends.
SERVICE_NAME = "git-autopilot"


def resource() -> Resource:
    """The resource of autopilot's spans (``service.name``, ``service.version``)."""
    from autopilot import __version__

    return Resource.create({"service.name": SERVICE_NAME, "service.version": __version__})


def tracer_provider(seed: str, *, segment: str = "") -> TracerProvider:
    """A tracer provider for one run, with ids seeded by *seed* (see :class:`~.spans.SeededIds`)."""
    return TracerProvider(resource=resource(), id_generator=SeededIds(seed, segment=segment))


def tracer_of(provider: TracerProvider) -> Any:
    from autopilot import __version__

    return provider.get_tracer(SCOPE, __version__)


def http_exporter(endpoint: str | None) -> SpanExporter:
    """OTLP/HTTP (protobuf) to *endpoint*, a traces URL; None: where ``OTEL_EXPORTER_OTLP_*`` says."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter(endpoint=endpoint)


def file_exporter(stream: IO[str]) -> SpanExporter:
    """OTLP JSON lines on *stream* (an open text file, or standard output)."""
    from opentelemetry.exporter.otlp.json.file.trace_exporter import FileSpanExporter

    return FileSpanExporter(stream=stream)


def collect(seed: str, build: Any) -> Sequence[ReadableSpan]:
    """The spans *build* (called with a tracer) makes, on a provider seeded with *seed*."""
    provider = tracer_provider(seed)
    collected = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(collected))
    build(tracer_of(provider))
    provider.shutdown()
    return collected.get_finished_spans()


def send(exporter: SpanExporter, spans: Sequence[ReadableSpan]) -> bool:
    """Export *spans* in one request (one line of a file); whether it succeeded."""
    return exporter.export(spans) is SpanExportResult.SUCCESS
