"""The live exporter's settings (``plugins.otlp`` in ``.autopilot/config.yaml``, ``AUTOPILOT_OTLP_*``).

Read on every run, so this module imports nothing of OpenTelemetry: with no endpoint and no file the
plugin registers nothing and costs nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from autopilot.core.errors import BadInputError, ConfigError

PLUGIN_NAME: Final = "otlp"
#: Environment variable -> the setting it overrides.
ENVIRONMENT: Final = {
    "AUTOPILOT_OTLP_ENDPOINT": "endpoint",
    "AUTOPILOT_OTLP_FILE": "file",
    "AUTOPILOT_OTLP_CAPTURE_CONTENT": "capture_content",
}
#: Where OTLP/HTTP takes traces, below the collector's base URL.
TRACES_PATH: Final = "/v1/traces"
_TRUE: Final = ("1", "true", "yes", "on")
_FALSE: Final = ("", "0", "false", "no", "off")


def traces_url(endpoint: str, where: str = "--endpoint") -> str:
    """The traces URL of an OTLP/HTTP *endpoint*: ``/v1/traces`` is added to a base URL (as for
    ``OTEL_EXPORTER_OTLP_ENDPOINT``), a URL ending in it is kept. BadInputError naming *where* if
    *endpoint* is not an http(s) URL."""
    text = endpoint.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise BadInputError(f"{where}: not a valid URL: {endpoint!r} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInputError(f"{where}: not an http:// or https:// URL: {endpoint!r}")
    path = parts.path.rstrip("/")
    if path.endswith(TRACES_PATH):
        return text
    return parts._replace(path=path + TRACES_PATH).geturl()


def _flag(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{where}: must be true or false (got {value!r})")


@dataclass(frozen=True)
class OtlpSettings:
    """Where the live exporter sends a run's spans, and whether tool arguments and results go too.

    Attributes:
        endpoint: The OTLP/HTTP traces URL (``/v1/traces`` added to a base URL), or None.
        file: A file to append OTLP JSON lines to, or None.
        capture_content: Also record tool arguments and results (opt-in, as the conventions say).
    """

    endpoint: str | None = None
    file: Path | None = None
    capture_content: bool = False

    @property
    def enabled(self) -> bool:
        return bool(self.endpoint or self.file)

    @classmethod
    def from_config(cls, config: Any, environ: Mapping[str, str] | None = None) -> OtlpSettings:
        """``plugins.otlp`` of *config* (None: none), overridden by ``AUTOPILOT_OTLP_*``; checked."""
        environ = os.environ if environ is None else environ
        data: dict[str, Any] = dict(config.plugin_config(PLUGIN_NAME)) if config is not None else {}
        where = {name: f"plugins.{PLUGIN_NAME}.{name}" for name in ("endpoint", "file", "capture_content")}
        unknown = sorted(set(data) - set(where))
        if unknown:
            raise ConfigError(
                f"plugins.{PLUGIN_NAME}: unknown setting {unknown[0]!r} (known: {', '.join(where)})"
            )
        for variable, name in ENVIRONMENT.items():
            if variable in environ:
                data[name] = environ[variable]
                where[name] = variable
        endpoint = str(data.get("endpoint") or "").strip()
        file = str(data.get("file") or "").strip()
        base = Path(config.project_dir) if config is not None else Path.cwd()
        return cls(
            endpoint=traces_url(endpoint, where["endpoint"]) if endpoint else None,
            file=base / Path(file).expanduser() if file else None,
            capture_content=_flag(data.get("capture_content", False), where["capture_content"]),
        )
