"""Token prices kept as data, so they can be updated without a release.

The packaged table is ``core/data/prices.json``. A file named by ``AUTOPILOT_PRICE_TABLE``, or
``.autopilot/prices.json`` in the project, replaces it (same format). The table's ``version`` is
recorded in every trajectory (``price_table_version``). A model id matches the longest key it starts
with followed by ``-`` (``claude-sonnet-4-5-20250929`` -> ``claude-sonnet-4-5``, but ``gpt-5.6`` is not
``gpt-5``), after dropping a provider prefix (``anthropic/``, Bedrock's ``us.anthropic.``) and reading
Vertex's ``@`` as ``-`` and dropping Claude Code's ``[1m]`` tag; an unknown model is priced with the
table's ``default`` entry, deliberately the most expensive, so budgets err on the safe side.

A model may add a ``long_context`` price (``above_prompt_tokens`` plus the four rates): a usage delta
whose prompt (input + cache read + cache write tokens) is larger than that is priced at those rates,
every token of it, as providers bill long prompts (Claude Haiku 5.5 above 100K, GPT-6 above 272K).
Other keys of a model entry (``source``) are documentation and are ignored.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from autopilot.core.errors import ConfigError
from autopilot.core.models import Usage

_MILLION = 1_000_000


@dataclass(frozen=True)
class Price:
    """USD per million tokens."""

    input: float
    output: float
    cache_read: float
    cache_write: float
    #: One-hour cache writes (Anthropic bills them at 2x the input price, five-minute writes at 1.25x);
    #: ``None``: twice the input price.
    cache_write_1h: float | None = None
    #: Rates for a request whose prompt is longer than ``LongContext.above_prompt_tokens``.
    long_context: LongContext | None = None

    def for_prompt(self, prompt_tokens: int) -> Price:
        """The rates that apply to a request of *prompt_tokens* (input + cache read + cache write)."""
        if self.long_context is not None and prompt_tokens > self.long_context.above_prompt_tokens:
            return self.long_context.price
        return self


@dataclass(frozen=True)
class LongContext:
    """Long-prompt pricing: every token of a request whose prompt exceeds the threshold."""

    above_prompt_tokens: int
    price: Price


@dataclass(frozen=True)
class PriceTable:
    version: str
    models: Mapping[str, Price]
    default: Price
    source: str
    #: What :meth:`price_for` answered for each model asked about (a log names few models, many times).
    _found: dict[str | None, tuple[Price, bool]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def price_for(self, model: str | None) -> tuple[Price, bool]:
        """The price of *model* and whether it was found (False: the default was used)."""
        found = self._found.get(model)
        if found is None:
            found = self._found[model] = self._look_up(model)
        return found

    def _look_up(self, model: str | None) -> tuple[Price, bool]:
        if model:
            name = _plain_name(model)
            if name in self.models:
                return self.models[name], True
            # Only a suffix after "-" (a date or build tag) keeps the family: "gpt-5.6" is not "gpt-5".
            matches = [key for key in self.models if name.startswith(key + "-")]
            if matches:
                return self.models[max(matches, key=len)], True
        return self.default, False

    def cost(self, model: str | None, usage: Usage) -> float:
        """The USD cost of *usage* tokens on *model*."""
        price, _ = self.price_for(model)
        price = price.for_prompt(usage.input_tokens + usage.cache_read_tokens + usage.cache_creation_tokens)
        hour = min(usage.cache_creation_1h_tokens, usage.cache_creation_tokens)
        hour_rate = price.input * 2 if price.cache_write_1h is None else price.cache_write_1h
        return round(
            (
                usage.input_tokens * price.input
                + usage.output_tokens * price.output
                + usage.cache_read_tokens * price.cache_read
                + (usage.cache_creation_tokens - hour) * price.cache_write
                + hour * hour_rate
            )
            / _MILLION,
            10,
        )


def _plain_name(model: str) -> str:
    """*model* as the price table names it: without a provider prefix (LiteLLM's and OpenRouter's
    ``anthropic/claude-…``, Bedrock's ``us.anthropic.claude-…-v1:0``), without Claude Code's
    context-window tag (``claude-opus-4-6[1m]``: the same model, priced the same) and with Vertex's
    ``claude-…@20250514`` written ``claude-…-20250514``."""
    name = model.strip().lower().rsplit("/", 1)[-1]
    if "anthropic." in name:
        name = name.split("anthropic.", 1)[1]
    if "[" in name:
        name = re.sub(r"\[[^\]]*\]", "", name)
    return name.replace("@", "-")


def _price(data: Any, where: str) -> Price:
    try:
        price = Price(
            float(data["input"]),
            float(data["output"]),
            float(data.get("cache_read", 0.0)),
            float(data.get("cache_write", 0.0)),
            None if data.get("cache_write_1h") is None else float(data["cache_write_1h"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{where}: needs numeric input and output prices ({exc})") from None
    if isinstance(data, Mapping) and "long_context" in data:
        return replace(price, long_context=_long_context(data["long_context"], f"{where}.long_context"))
    return price


def _long_context(data: Any, where: str) -> LongContext:
    threshold = data.get("above_prompt_tokens") if isinstance(data, Mapping) else None
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold <= 0:
        raise ConfigError(f"{where}: needs a positive whole 'above_prompt_tokens'")
    nested = {key: value for key, value in data.items() if key != "long_context"}
    return LongContext(threshold, _price(nested, where))


def parse_price_table(data: Any, source: str) -> PriceTable:
    """Validate a price table loaded from JSON; errors name the file and the model."""
    if not isinstance(data, Mapping) or not isinstance(data.get("models"), Mapping):
        raise ConfigError(f"{source}: a price table needs a 'models' mapping")
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise ConfigError(f"{source}: a price table needs a 'version' string")
    models = {str(k).lower(): _price(v, f"{source}: models.{k}") for k, v in data["models"].items()}
    default = (
        _price(data["default"], f"{source}: default")
        if "default" in data
        else max(models.values(), key=lambda p: p.output, default=Price(0, 0, 0, 0))
    )
    return PriceTable(version, models, default, source)


def load_price_table(project_dir: Path | None = None, environ: Mapping[str, str] | None = None) -> PriceTable:
    """The price table in effect: ``AUTOPILOT_PRICE_TABLE``, project override, or the packaged one."""
    environ = os.environ if environ is None else environ
    candidates = []
    if environ.get("AUTOPILOT_PRICE_TABLE"):
        candidates.append(Path(environ["AUTOPILOT_PRICE_TABLE"]))
    if project_dir is not None:
        local = project_dir / ".autopilot" / "prices.json"
        if local.is_file():
            candidates.append(local)
    for path in candidates:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read price table: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{exc.lineno}: price table is not valid JSON: {exc.msg}") from None
        return parse_price_table(data, str(path))
    from importlib import resources

    text = resources.files("autopilot.core").joinpath("data/prices.json").read_text(encoding="utf-8")
    return parse_price_table(json.loads(text), "builtin")
