"""The redactor's compiled-pattern cache and the byte tables every part of it shares.

Each pattern is kept as its source in the module that uses it and compiled on its first use
(``_rx[_NAME]``): every command redacts what it prints, and most texts need few of the patterns. The
redactor's modules share names with a leading underscore among themselves; only :mod:`.engine`'s
public functions (and :func:`.values.is_placeholder`, :func:`.names.secret_name_kind`) are for use
outside ``autopilot.plugins.redact``.
"""

from __future__ import annotations

import re
from typing import Any, Final


class _Compiled(dict[str | bytes, "re.Pattern[Any]"]):
    """The engine's patterns by their sources, each compiled on its first use (``_rx[_NAME]``): every
    command redacts what it prints, and most texts need few of the patterns."""

    def __missing__(self, source: str | bytes) -> re.Pattern[Any]:
        pattern = self[source] = re.compile(source)
        return pattern


_rx: Final = _Compiled()

MARKER_PREFIX: Final = "[REDACTED:"
_MARKER_PREFIX_B: Final = MARKER_PREFIX.encode()

#: Shortest run of token characters that can hold a token-format secret (a JWT header is 19).
MIN_RUN: Final = 18
_TOKEN_CHARS: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_RUN_TABLE: Final = bytes(0x61 if c in _TOKEN_CHARS else 0x2E for c in range(256))
_LONG_RUN: Final = b"a" * MIN_RUN
_DOT: Final = b"."
# How far before a prefix anchor the start of its run is looked for.
_RUN_LOOKBACK: Final = 600
