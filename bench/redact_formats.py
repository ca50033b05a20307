"""Probe: does the built-in redactor catch every provider token format of gitleaks' default rules?

Run: ``uv run python bench/redact_formats.py [--examples N] [--show K]``

For each format of ``bench/provider_formats.toml`` (the rules of gitleaks' default config with a
format of their own: a literal prefix or a fixed shape), random values are drawn from its regex
(hypothesis ``from_regex``) and placed in neutral contexts, where no name says "key" or "token":
prose, a JSON string under an innocuous key, a shell argument, a YAML value, a line of an agent log
(JSON-escaped), and also under a typical secret name. A value counts as caught when no 12
characters of its random part are left in the redacted text (raw or JSON-escaped; more often than
the rest of the text holds them). Printed: the
rules covered out of those probed and of all rules, per context, and the missed rule ids.
tests/plugins/test_redact_formats.py asserts the same for every format in every context.
"""

from __future__ import annotations

import argparse
import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from autopilot.plugins.redact.engine import redact_text
from autopilot.plugins.redact.values import is_placeholder

DATA = Path(__file__).resolve().parent / "provider_formats.toml"


@dataclass(frozen=True)
class Format:
    """A gitleaks rule's token format: its id, a regex to draw values from, its literal start."""

    id: str
    regex: str
    prefix: str
    secret: str  # a regex whose group 1 is the secret part ("" = all of it after the prefix)

    def secret_part(self, value: str) -> str:
        if self.secret:
            match = re.search(self.secret, value)
            assert match is not None, (self.id, self.secret)
            return match.group(1)
        return value[len(self.prefix) :] if value.startswith(self.prefix) else value


def _load() -> tuple[tuple[Format, ...], dict[str, list[str]]]:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    formats = tuple(
        Format(row["id"], row["regex"], row.get("prefix", ""), row.get("secret", ""))
        for row in data["format"]
    )
    return formats, data["skipped"]


FORMATS, SKIPPED = _load()


def _agent_log(value: str) -> str:
    """A Claude Code transcript line whose tool result prints *value* (JSON-escaped)."""
    result = {
        "type": "tool_result",
        "tool_use_id": "toolu_01",
        "content": f"$ cat notes.txt\nuse this: {value}\n",
    }
    return json.dumps({"type": "user", "message": {"role": "user", "content": [result]}})


#: Neutral contexts: nothing around the value says it is a credential.
NEUTRAL: dict[str, Callable[[str], str]] = {
    "prose": lambda value: f"use this: {value}",
    "json": lambda value: json.dumps({"v": value}),
    "shell": lambda value: f"./deploy.sh --region eu-west-1 {value} --verbose",
    "yaml": lambda value: f"steps:\n  - v: {value}\n",
    "agent-log": _agent_log,
}
#: Every context: the neutral ones, and a typical name.
CONTEXTS: dict[str, Callable[[str], str]] = {**NEUTRAL, "named": lambda value: f"export API_TOKEN={value}"}


def plausible(fmt: Format, value: str) -> bool:
    """A value as a provider issues it: its random part mixes two kinds of characters and repeats few
    (hypothesis likes ``AAAA…``, which the redactor rightly takes for a placeholder) and appear once
    (not a URL whose password is its user name, as in documented default credentials), and it is not
    one of the placeholders the redactor leaves alone by design (a word such as "fake", a last part of
    one repeated character: docs/redaction.md)."""
    body = fmt.secret_part(value)
    if value.count(body) > 1 or is_placeholder(value):
        return False
    kinds = any(c.islower() for c in body) + any(c.isupper() for c in body) + any(c.isdigit() for c in body)
    most = max(body.count(char) for char in set(body))
    return kinds >= 2 and len(set(body)) >= min(10, len(body) // 2) and most <= max(3, len(body) // 4)


def values(fmt: Format) -> st.SearchStrategy[str]:
    """Random values of *fmt*."""
    return st.from_regex(fmt.regex, fullmatch=True).filter(lambda value: plausible(fmt, value))


def leaked(fmt: Format, value: str, text: str, output: str) -> bool:
    """Whether 12 characters of the value's random part (or all of a shorter one) are left in the
    redacted *output* of *text* (more often than the rest of *text* holds them)."""
    body = fmt.secret_part(value)
    rest = text.replace(body, "").replace(json.dumps(body)[1:-1], "")
    width = min(12, len(body))
    for i in range(len(body) - width + 1):
        for window in {body[i : i + width], json.dumps(body[i : i + width])[1:-1]}:
            if output.count(window) > rest.count(window):
                return True
    return False


def misses(fmt: Format, value: str) -> list[str]:
    """The contexts in which *value* is not redacted."""
    missed = []
    for name, place in CONTEXTS.items():
        text = place(value)
        if leaked(fmt, value, text, redact_text(text)):
            missed.append(name)
    return missed


def draw(fmt: Format, count: int) -> list[str]:
    """*count* random values of *fmt* (hypothesis, outside a test)."""
    drawn: list[str] = []

    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(values(fmt))
    def collect(value: str) -> None:
        drawn.append(value)

    collect()
    return drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20, help="values drawn per format (default 20)")
    parser.add_argument("--show", type=int, default=0, help="print K missed values per context")
    args = parser.parse_args()

    missed: dict[str, dict[str, str]] = {name: {} for name in CONTEXTS}
    for fmt in FORMATS:
        for value in draw(fmt, args.examples):
            for name in misses(fmt, value):
                missed[name].setdefault(fmt.id, value)

    skipped = sum(len(ids) for ids in SKIPPED.values())
    total = len(FORMATS) + skipped
    print(
        f"gitleaks rules: {total}; probed (own format): {len(FORMATS)}; skipped: {skipped} "
        + ", ".join(f"{len(ids)} {why}" for why, ids in SKIPPED.items())
    )
    print(f"values per format: {args.examples}; a rule is covered when every value is caught")
    print()
    print("| context | covered / probed | covered / all rules | missed |")
    print("|---|---|---|---|")
    for name in CONTEXTS:
        covered = len(FORMATS) - len(missed[name])
        share = f"{covered}/{len(FORMATS)} ({covered / len(FORMATS):.3f})"
        print(f"| {name} | {share} | {covered}/{total} | {len(missed[name])} |")
    every = {rule for name in NEUTRAL for rule in missed[name]}
    print(f"| all neutral | {len(FORMATS) - len(every)}/{len(FORMATS)} | | {len(every)} |")
    print()
    for name in CONTEXTS:
        if missed[name]:
            print(f"missed in {name}: {' '.join(sorted(missed[name]))}")
            for rule in sorted(missed[name])[: args.show]:
                print(f"    {rule}: {CONTEXTS[name](missed[name][rule])!r}")


if __name__ == "__main__":
    main()
