"""Every provider token format of gitleaks' default rules is redacted wherever it appears.

The formats (bench/provider_formats.toml) and the contexts are those of bench/redact_formats.py,
which prints the coverage; here each format is drawn at random and must be caught in every context.
"""

from __future__ import annotations

import pytest
from bench.redact_formats import FORMATS, Format, misses, values
from hypothesis import given, settings

from autopilot.plugins.redact.engine import redact_text


@pytest.mark.parametrize("fmt", FORMATS, ids=[fmt.id for fmt in FORMATS])
def test_format_is_redacted_in_every_context(fmt: Format) -> None:
    """A random value of the format leaves no 12 of its random characters, in prose, JSON, a shell
    argument, YAML, an agent log (JSON-escaped) and under a secret name alike."""

    @settings(max_examples=6)
    @given(values(fmt))
    def check(value: str) -> None:
        assert misses(fmt, value) == [], value

    check()


@pytest.mark.parametrize("fmt", FORMATS, ids=[fmt.id for fmt in FORMATS])
def test_documented_placeholders_of_a_format_survive(fmt: Format) -> None:
    """A format's prefix followed by an ellipsis, x's or stars, or a <token> placeholder, is left as
    it is in prose, JSON and a shell argument (docs and READMEs write them)."""
    prefix = fmt.prefix
    for placeholder in (
        f"{prefix}...",
        f"{prefix}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        f"{prefix}{'*' * 32}",
        "<token>",
    ):
        for text in (f"use this: {placeholder}", f'{{"v": "{placeholder}"}}', f"./deploy.sh {placeholder}"):
            assert redact_text(text) == text
