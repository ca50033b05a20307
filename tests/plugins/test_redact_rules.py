"""The engine's batch check (needs_redaction): which strings of a whole step can need redacting."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from hypothesis import example, given

from autopilot.plugins.redact.engine import needs_redaction, redact_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

RNG = random.Random(11)
VALUE = "q8Zr" + "2LmX9vTa7Kd3"  # built from parts: no secret-shaped literal in this file


def _changed(texts: list[str]) -> set[int]:
    return {i for i, text in enumerate(texts) if redact_text(text) != text}


@given(rs.texts())
@example(["DB_PASSWORD", "=", VALUE])
@example(["gh", "p_" + "a1B2" * 9])
@example(["Bearer", " " + VALUE + "wQ"])
@example(["", "=".join(["password", VALUE]), ""])
@example(["\x00password", "=" + VALUE + "\x00"])
def test_every_string_redaction_would_change_is_named(texts: list[str]) -> None:
    """No string that redact_text would change is left out, whatever its neighbours (also cut secrets)."""
    assert _changed(texts) <= needs_redaction(texts)


@given(rs.texts())
def test_a_string_is_judged_as_if_it_were_alone(texts: list[str]) -> None:
    """Each string the batch names for a scan alone would be named in a batch of one... or need none."""
    batch = needs_redaction(texts)
    alone = {i for i, text in enumerate(texts) if needs_redaction([text])}

    assert alone <= batch
    assert _changed(texts) <= alone


def test_each_kind_of_secret_is_named_among_plain_strings() -> None:
    """A secret of every kind, among plain strings of a step, is named; the plain strings are not."""
    plain = ["input_tokens", "tool_use", "Hello world!", "toolu_01" + rs.body(RNG, 22), "/tmp/repo/app.py"]
    for kind, build in rs.FORMAT_SECRETS.items():
        secret, _ = build(RNG)  # type: ignore[operator]
        assert needs_redaction([*plain, secret, *plain]) == {len(plain)}, kind
    for template in rs.CONTEXT_TEMPLATES:
        text = template.format(v=rs.body(RNG, 24))
        assert needs_redaction([*plain, text, *plain]) == {len(plain)}, template


def test_everyday_step_strings_need_no_scan() -> None:
    """Keys and values of an ordinary step (usage counters, ids, prose about keys) need no full scan."""
    strings = [
        "input_tokens",
        "cache_creation_input_tokens",
        "output_tokens",
        "session_id",
        "msg_01" + rs.body(RNG, 22),
        "The key idea is to cache the token count.",
        "Author: Dev Name <dev@example.org>",
        "https://example.org/docs?page=2",
        "commit " + "".join(RNG.choice(rs.HEX) for _ in range(40)),
    ]

    assert needs_redaction(strings) == set()


def test_empty_batch_and_empty_strings() -> None:
    """An empty batch and empty strings need nothing."""
    assert needs_redaction([]) == set()
    assert needs_redaction(["", "", ""]) == set()


def test_non_ascii_strings_keep_their_positions() -> None:
    """Multi-byte text before a secret does not shift which string is named."""
    secret = "gh" + "p_" + rs.body(RNG, 36)

    assert needs_redaction(["ä✓😀" * 50, "\ud800x", "ok", secret, "é"]) == {3}
