"""The live exporter: a run's spans sent while it runs, built by :mod:`.spans` from each recorded step.

It is a trajectory writer (the plugin registers one per run only when it is enabled), so it receives
every step right after redaction, in order, and the finished run; its spans are exported in the
background by the SDK's batch processor, and the last ones when the run ends. A collector that is down
never stops a run: the SDK logs the failed export and drops those spans.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from autopilot.core.hookspecs import RedactingHooks
from autopilot.core.models import Run, Step, utcnow
from autopilot.plugins.otlp.exporters import file_exporter, http_exporter, tracer_of, tracer_provider
from autopilot.plugins.otlp.settings import OtlpSettings
from autopilot.plugins.otlp.spans import SpanBuilder


class OtlpWriter:
    """Sends one run's spans to the configured endpoint and/or file as the run is recorded."""

    name = "otlp"

    def __init__(self, settings: OtlpSettings, hooks: RedactingHooks) -> None:
        self.settings = settings
        self._hooks = hooks
        self._provider: TracerProvider | None = None
        self._builder: SpanBuilder | None = None
        self._file: IO[str] | None = None

    def _redact(self, texts: list[str]) -> list[str]:
        return self._hooks.redact_batch(texts=texts)

    def open(self, run: Run, base: Path, *, resume: bool) -> None:
        settings = self.settings
        self._provider = tracer_provider(run.run_id, segment=f"/resumed/{utcnow()}" if resume else "")
        if settings.endpoint:
            self._provider.add_span_processor(BatchSpanProcessor(http_exporter(settings.endpoint)))
        if settings.file:
            settings.file.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(settings.file, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
            self._provider.add_span_processor(BatchSpanProcessor(file_exporter(self._file)))
        self._builder = SpanBuilder(
            tracer_of(self._provider), self._redact, capture_content=settings.capture_content
        )
        self._builder.start(run, at=utcnow() if resume else None)

    def write_step(self, run: Run, step: Step) -> None:
        if self._builder is not None:
            self._builder.add(run, step)

    def update(self, run: Run, changes: dict[str, Any]) -> None:
        """Nothing to do: spans read the session id and model when they end."""

    def close(self, run: Run) -> None:
        if self._builder is not None:
            self._builder.finish(run)
            self._builder = None
        if self._provider is not None:
            self._provider.shutdown()  # exports what is left, within the exporter's timeout
            self._provider = None
        if self._file is not None:
            self._file.close()
            self._file = None
