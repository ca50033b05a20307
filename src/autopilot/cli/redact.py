"""``autopilot redact [FILE|-]`` and ``autopilot redact --check FILE...``.

Without ``--check`` the command is a filter: it prints the text with every secret replaced by
``[REDACTED:<kind>]`` (through the whole ``redact`` chain, so project and third-party redactors apply
too). Its output is printed through the redacting console as well; redaction is idempotent, so that
second pass changes nothing.

With ``--check`` it changes nothing and prints ``file:line: <kind>`` for every secret found (never
the secret). Exit codes: 0 clean, 1 secrets found, 2 a file could not be read. The git pre-commit
hook (``autopilot hooks install``) and ``.pre-commit-hooks.yaml`` use this form.
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path
from typing import Annotated

from cyclopts import Parameter

from autopilot.cli import context
from autopilot.core.errors import BadInputError, ExitCode
from autopilot.plugins.redact.rules import find_secrets

_MARKER = re.compile(r"\[REDACTED:([A-Za-z0-9_.\-]+)\]")


def redact(
    *files: Annotated[Path, Parameter(allow_leading_hyphen=True)],
    check: Annotated[bool, Parameter(name="--check", negative="")] = False,
) -> int:
    """Remove secrets from a file or standard input, or check files for secrets.

    Parameters
    ----------
    files
        The file to filter (``-`` or nothing: standard input); with ``--check``, the files to check.
    check
        Print ``file:line: kind`` for each secret and exit 1 if any was found; change nothing.
    """
    if check:
        return _check(files)
    if len(files) > 1:
        raise BadInputError("redact filters one FILE (or stdin); use --check for several files")
    text = _read(files[0] if files else Path("-"))
    redacted = context.hooks().redact(text=text)
    stream = context.stdout_stream()
    stream.write(redacted)
    stream.flush()
    return int(ExitCode.OK)


def _read(path: Path) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _check(files: tuple[Path, ...]) -> int:
    if not files:
        raise BadInputError("redact --check needs at least one FILE")
    found = unreadable = 0
    hooks = context.hooks()
    for path in files:
        try:
            text = _read(path)
        except BadInputError as exc:
            context.error(str(exc))
            unreadable += 1
            continue
        findings = sorted({(f.line, f.kind) for f in find_secrets(text)})
        if not findings:
            # Other redactors in the chain (project or third-party plugins) may still change the text.
            findings = _chain_findings(text, hooks.redact(text=text))
        for line, kind in findings:
            context.echo(f"{path}:{line}: {kind}")
        found += len(findings)
    if unreadable:
        return int(ExitCode.BAD_INPUT)
    return int(ExitCode.FAILURE if found else ExitCode.OK)


def _chain_findings(text: str, redacted: str) -> list[tuple[int, str]]:
    """Lines of *text* that the redact chain changed, with the kinds of the markers it put there."""
    if redacted == text:
        return []
    before, after = text.splitlines(), redacted.splitlines()
    findings: list[tuple[int, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a_start, _a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        kinds = _MARKER.findall("\n".join(after[b_start:b_end])) or ["secret"]
        findings.append((a_start + 1, ",".join(dict.fromkeys(kinds))))
    return findings
