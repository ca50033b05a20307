"""Built-in, essential redactor: removes secrets from everything autopilot writes or prints.

It is always registered, cannot be blocked, and always runs last in the ``redact`` chain (the core's
:meth:`autopilot.core.hooks.Hooks.redact` puts it there), so it also scans what every other redactor
returned. What it detects and how fast is documented in docs/redaction.md; the engine lives in
:mod:`autopilot.plugins.redact.engine`, its rule tables in :mod:`autopilot.plugins.redact.rules`.

``redact_batch`` is how the core redacts a whole step at once
(:meth:`autopilot.core.hooks.Hooks.redact_obj`): one scan of all its strings says which ones
``redact`` could change, and only those are redacted one by one; ``redact`` would return every other
one unchanged anyway.

The engine is imported on the first call, so that loading the plugin costs nothing until something
is redacted.
"""

from __future__ import annotations

from autopilot import hookimpl

__all__ = ["redact", "redact_batch"]


@hookimpl
def redact(text: str) -> str:
    """Replace every secret in *text* with ``[REDACTED:<kind>]`` (idempotent)."""
    from autopilot.plugins.redact.engine import redact_text

    return redact_text(text)


@hookimpl
def redact_batch(texts: list[str]) -> list[str]:
    """``[redact(text=t) for t in texts]``, scanning all of *texts* once; *texts* itself if none changes."""
    from autopilot.plugins.redact.engine import needs_redaction, redact_text

    found = needs_redaction(texts)
    if not found:
        return texts
    redacted = list(texts)
    for index in found:
        redacted[index] = redact_text(texts[index])
    return redacted
