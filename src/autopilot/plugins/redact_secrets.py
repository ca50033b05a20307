"""Built-in, essential redactor (placeholder rules until the full secret redactor lands).

It is always registered and always runs last in the ``redact`` chain.
"""

from __future__ import annotations

import re

from autopilot import hookimpl

_RULES = [
    ("anthropic_key", re.compile(r"sk-ant-[A-Za-z0-9_\-]{20,}")),
    ("openai_key", re.compile(r"sk-(?:proj-)?[A-Za-z0-9_\-]{20,}")),
    ("github_token", re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b|github_pat_[A-Za-z0-9_]{22,}")),
    ("aws_access_key_id", re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")),
]


@hookimpl
def redact(text: str) -> str:
    for kind, pattern in _RULES:
        text = pattern.sub(f"[REDACTED:{kind}]", text)
    return text
