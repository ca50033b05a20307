"""Built-in plugin ``otlp``: a run's OpenTelemetry spans (GenAI semantic conventions), sent live.

Off by default. ``plugins.otlp.endpoint`` (or ``AUTOPILOT_OTLP_ENDPOINT``) sends each run's spans to an
OTLP/HTTP collector while it runs, ``plugins.otlp.file`` (``AUTOPILOT_OTLP_FILE``) appends them to a file
as OTLP JSON lines; docs/otlp.md has the rest. The spans are built by :mod:`.spans`, which
``autopilot export --format otlp`` uses too. The hook below reads the settings and, only when one is
set, imports the exporter (and with it OpenTelemetry): a disabled plugin costs nothing.
"""

from __future__ import annotations

from typing import Any

from autopilot import hookimpl


@hookimpl
def trajectory_writer_register(register: Any, config: Any, hooks: Any) -> None:
    """The live OTLP exporter, when an endpoint or a file is configured."""
    from autopilot.plugins.otlp.settings import OtlpSettings

    settings = OtlpSettings.from_config(config)
    if not settings.enabled:
        return
    from autopilot.plugins.otlp.live import OtlpWriter

    register(OtlpWriter(settings, hooks))
