"""Prices come from a data table that can be replaced without a release."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from autopilot.core.errors import ConfigError
from autopilot.core.models import Usage
from autopilot.core.pricing import load_price_table

#: The model the bundled Codex CLI (openai-codex-cli-bin 0.163.0) requests when the run names none.
CODEX_DEFAULT_MODEL = "gpt-6.1-sol"


def test_cost_uses_all_four_token_buckets() -> None:
    """Input, output, cache read and cache write are each priced at their own rate."""
    table = load_price_table(environ={})
    price, found = table.price_for("claude-sonnet-4-5")
    usage = Usage(input_tokens=1000, output_tokens=200, cache_read_tokens=5000, cache_creation_tokens=300)

    expected = (
        1000 * price.input + 200 * price.output + 5000 * price.cache_read + 300 * price.cache_write
    ) / 1e6

    assert found
    assert table.cost("claude-sonnet-4-5", usage) == pytest.approx(expected)


def test_dated_model_ids_match_their_family() -> None:
    """A dated id is priced like the longest table key it starts with."""
    table = load_price_table(environ={})

    assert table.price_for("claude-sonnet-4-5-20250929") == (table.price_for("claude-sonnet-4-5")[0], True)


@pytest.mark.parametrize(
    "model",
    [
        "us.anthropic.claude-opus-4-5-20251101-v1:0",  # Amazon Bedrock's inference profile id
        "anthropic.claude-opus-4-5-20251101-v1:0",
        "claude-opus-4-5@20251101",  # Google Vertex AI's id
        "anthropic/claude-opus-4-5-20251101",  # LiteLLM's and OpenRouter's id
    ],
)
def test_provider_model_ids_are_priced_as_their_model(model: str) -> None:
    """Bedrock, Vertex and LiteLLM spellings of a model get its price, not an older family's."""
    table = load_price_table(environ={})

    assert table.price_for(model) == (table.price_for("claude-opus-4-5")[0], True)


def test_a_newer_version_is_not_priced_as_an_older_family() -> None:
    """`gpt-5.6` is unknown (priced at the safe default), not silently `gpt-5`."""
    table = load_price_table(environ={})

    assert table.price_for("gpt-5.6") == (table.default, False)


def test_unknown_models_are_priced_conservatively() -> None:
    """An unknown model uses the default price, at least as high as every listed model's standard rates."""
    table = load_price_table(environ={})
    price, found = table.price_for("some-future-model")
    # not fast mode's, nor OpenAI's pro models': premium tiers named as such
    standard = [p for name, p in table.models.items() if not name.endswith(("-fast", "-pro"))]

    assert not found
    assert all(price.output >= p.output and price.input >= p.input for p in standard)


def test_openai_pro_models_are_priced_as_pro_not_as_their_base_model() -> None:
    """`gpt-5.2-pro` costs its own rates (12x `gpt-5.2`'s), with no discount on cached input."""
    table = load_price_table(environ={})
    pro, found = table.price_for("gpt-5.2-pro-2025-12-11")
    base, _ = table.price_for("gpt-5.2")

    assert found
    assert (pro.input, pro.output) == (21.0, 168.0)
    assert pro.cache_read == pro.input
    assert pro.output == 12 * base.output


def test_a_project_table_replaces_the_builtin_one(tmp_path: Path) -> None:
    """.autopilot/prices.json overrides the packaged table, and its version is reported."""
    path = tmp_path / ".autopilot" / "prices.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"version": "local-7", "models": {"m": {"input": 2, "output": 4}}}))

    table = load_price_table(tmp_path, environ={})

    assert (table.version, table.cost("m", Usage(input_tokens=10**6, output_tokens=10**6))) == (
        "local-7",
        6.0,
    )


def test_environment_table_wins(tmp_path: Path) -> None:
    """AUTOPILOT_PRICE_TABLE names a table that wins over the project's."""
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"version": "env-1", "models": {}}))

    assert load_price_table(tmp_path, environ={"AUTOPILOT_PRICE_TABLE": str(path)}).version == "env-1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", r"prices.json:1: price table is not valid JSON"),
        ('{"models": {}}', r"needs a 'version' string"),
        ('{"version": "v", "models": {"m": {"input": "x"}}}', r"models.m: needs numeric input and output"),
    ],
)
def test_bad_price_tables_name_the_file(tmp_path: Path, content: str, message: str) -> None:
    """A broken price table is an error naming the file (and model)."""
    path = tmp_path / "prices.json"
    path.write_text(content)

    with pytest.raises(ConfigError, match=message):
        load_price_table(environ={"AUTOPILOT_PRICE_TABLE": str(path)})


def test_a_long_prompt_is_priced_at_the_long_context_rates(tmp_path: Path) -> None:
    """Above `above_prompt_tokens` (input + cache read + cache write) every token costs the long rates."""
    path = tmp_path / "prices.json"
    long_context = {"above_prompt_tokens": 1000, "input": 10, "output": 20, "cache_read": 1, "cache_write": 5}
    model = {"input": 1, "output": 2, "cache_read": 0.1, "cache_write": 0.5, "long_context": long_context}
    path.write_text(json.dumps({"version": "t", "models": {"m": model}}))
    table = load_price_table(environ={"AUTOPILOT_PRICE_TABLE": str(path)})
    at_threshold = Usage(input_tokens=400, cache_read_tokens=500, cache_creation_tokens=100, output_tokens=10)
    above = Usage(input_tokens=400, cache_read_tokens=500, cache_creation_tokens=101, output_tokens=10)

    assert table.cost("m", at_threshold) == pytest.approx((400 * 1 + 500 * 0.1 + 100 * 0.5 + 10 * 2) / 1e6)
    assert table.cost("m", above) == pytest.approx((400 * 10 + 500 * 1 + 101 * 5 + 10 * 20) / 1e6)


@pytest.mark.parametrize(
    "long_context",
    [
        {"input": 1, "output": 2},
        {"above_prompt_tokens": 0, "input": 1, "output": 2},
        {"above_prompt_tokens": 5},
    ],
)
def test_a_broken_long_context_price_names_the_model(tmp_path: Path, long_context: object) -> None:
    """A long_context price needs a positive token threshold and numeric rates; the error names the model."""
    path = tmp_path / "prices.json"
    path.write_text(
        json.dumps({"version": "v", "models": {"m": {"input": 1, "output": 2, "long_context": long_context}}})
    )

    with pytest.raises(ConfigError, match=r"models\.m\.long_context"):
        load_price_table(environ={"AUTOPILOT_PRICE_TABLE": str(path)})


def test_every_packaged_price_names_its_source() -> None:
    """Each model in the packaged table says where its figures come from."""
    text = resources.files("autopilot.core").joinpath("data/prices.json").read_text(encoding="utf-8")
    data = json.loads(text)

    unsourced = [name for name, entry in data["models"].items() if not str(entry.get("source", "")).strip()]

    assert unsourced == []


def test_the_backends_default_models_have_real_prices() -> None:
    """The `sonnet`/`opus`/`haiku` alias targets and the bundled Codex default model have real prices."""
    from autopilot.plugins.claude.models import ALIASES

    table = load_price_table(environ={})
    defaults = [*ALIASES.values(), CODEX_DEFAULT_MODEL]

    assert [model for model in defaults if not table.price_for(model)[1]] == []


def test_claude_codes_context_window_tag_keeps_the_models_price() -> None:
    """``claude-opus-4-6[1m]`` (Claude Code's 1M-context model name) is priced as ``claude-opus-4-6``."""
    table = load_price_table(environ={})
    usage = Usage(input_tokens=4, output_tokens=50, cache_read_tokens=2000, cache_creation_tokens=1000)

    assert table.price_for("claude-opus-4-6[1m]")[1]
    assert table.cost("claude-opus-4-6[1m]", usage) == table.cost("claude-opus-4-6", usage) == 0.00852
