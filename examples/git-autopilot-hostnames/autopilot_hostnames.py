"""Example plugin: redact internal host names, keep the agent away from internal hosts, and keep a
line per finished issue.

Settings (``.autopilot/config.yaml``)::

    plugins:
      hostnames:
        domains: [corp.example.com]
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from autopilot import ToolDecision, hookimpl

# Domains whose host names must never reach a trajectory or a commit (AUTOPILOT_HOSTNAMES_DOMAINS overrides).
DOMAINS = [d for d in os.environ.get("AUTOPILOT_HOSTNAMES_DOMAINS", "corp.example.com").split(",") if d]
_DOMAIN = "|".join(map(re.escape, DOMAINS))
_PATTERN = re.compile(r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:" + _DOMAIN + r")\b", re.I)


@hookimpl
def redact(text: str) -> str:
    """Replace ``host.corp.example.com`` with ``[REDACTED:hostname]``."""
    return _PATTERN.sub("[REDACTED:hostname]", text)


@hookimpl(tryfirst=True)
def before_tool_use(input: Any) -> ToolDecision | None:
    """Deny any tool call that names an internal host (``ssh build7.corp.example.com``, a URL, ...).

    The input is not redacted (``redact`` above would have hidden the very host names looked for).
    """
    if _PATTERN.search(json.dumps(input, default=str)):
        return ToolDecision.deny("internal hosts are off limits in unattended runs")
    return None


@hookimpl
def on_issue_complete(issue: dict[str, Any], outcome: str) -> None:
    """Append ``<id> <outcome> <title>`` to ``.autopilot/completed.log``."""
    log = Path.cwd() / ".autopilot" / "completed.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"{issue.get('id')} {outcome} {issue.get('title', '')}\n")
