"""``autopilot redact [FILE|-]``, ``autopilot redact --check FILE...`` and ``redact --check --staged``.

Without ``--check`` the command is a filter: it prints the text with every secret replaced by
``[REDACTED:<kind>]`` (through the whole ``redact`` chain, so project and third-party redactors apply
too). It reads its input as it comes and writes each line out as soon as it is safe, with bounded
memory (``autopilot.plugins.redact.stream``), so ``tail -f log | autopilot redact -`` shows lines as
they come. What it writes is the chain's output, written as is: it has been redacted already.
Input that starts as binary (a NUL byte in its first 8000 bytes, as git and grep decide) is refused
with exit 2 and nothing written: a secret inside compressed or UTF-16 data would pass unseen.

With ``--check`` it changes nothing and prints ``file:line: <kind>`` for every secret found (never
the secret). Exit codes: 0 clean, 1 secrets found, 2 a file could not be read.
``.pre-commit-hooks.yaml`` uses this form (the pre-commit framework stashes unstaged changes first).

With ``--staged`` it checks what ``git commit`` would record, not the working copy: the staged blob
of every added, copied, modified or type-changed path in the index (all of them, or those under the
FILE arguments, which are git pathspecs). The git pre-commit hook (``autopilot hooks install``) uses
this form, so cleaning a file on disk after ``git add`` does not hide the secret that was staged.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import re
import select
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Annotated

from cyclopts import Parameter

from autopilot.cli import context
from autopilot.core.errors import BadInputError, ExitCode
from autopilot.plugins.redact.engine import find_secrets

_MARKER = re.compile(r"\[REDACTED:([A-Za-z0-9_.\-]+)\]")


def redact(
    *files: Annotated[Path, Parameter(allow_leading_hyphen=True)],
    check: Annotated[bool, Parameter(name="--check", negative="")] = False,
    staged: Annotated[bool, Parameter(name="--staged", negative="")] = False,
) -> int:
    """Remove secrets from a file or standard input, or check files for secrets.

    Parameters
    ----------
    files
        The file to filter (``-`` or nothing: standard input); with ``--check``, the files to check;
        with ``--staged``, git pathspecs limiting the check (nothing: every staged file).
    check
        Print ``file:line: kind`` for each secret and exit 1 if any was found; change nothing.
    staged
        Check the staged content (the git index), as ``git commit`` would record it, instead of the
        working copy; implies ``--check``.
    """
    if staged:
        return _report(_staged_texts(files))
    if check:
        if not files:
            raise BadInputError("redact --check needs at least one FILE")
        return _report(_working_copy_texts(files))
    if len(files) > 1:
        raise BadInputError("redact filters one FILE (or stdin); use --check for several files")
    _filter(files[0] if files else Path("-"))
    return int(ExitCode.OK)


# How much is read at a time: a read returns what is there already, up to this much.
_CHUNK = 1 << 20
# A NUL byte among the first this many bytes makes the input binary (git's and grep's rule).
_BINARY_PROBE = 8000


def _filter(path: Path) -> None:
    """Redact *path* (``-``: standard input) to standard output, piece by piece as it comes."""
    from autopilot.plugins.redact.stream import StreamRedactor, available_cpus

    hooks = context.hooks()
    chain = [impl.plugin_name for impl in hooks.pm.hook.redact.get_hookimpls()]
    if chain == ["redact_secrets"]:
        # The built-in redactor is the whole chain: bytes straight to it, on every CPU for big input.
        redactor = StreamRedactor(workers=available_cpus())
    else:
        redactor = StreamRedactor(lambda text: hooks.redact(text=text))
    sink = getattr(sys.stdout, "buffer", None)
    write = sink.write if sink is not None else _text_writer(sys.stdout)
    flush = sink.flush if sink is not None else sys.stdout.flush
    with _source(path) as source, redactor:
        read = getattr(source, "read1", source.read)  # what is there already: no wait for a full chunk
        first = read(_CHUNK)
        if b"\0" in first[:_BINARY_PROBE]:
            name = "standard input" if str(path) == "-" else str(path)
            raise BadInputError(
                f"{name}: binary data (a NUL byte near the start), and redact filters text: "
                "nothing was written (decompress or convert it to UTF-8 first)"
            )
        for chunk in itertools.chain([first], iter(lambda: read(_CHUNK), b"")):
            if out := redactor.feed(chunk, waiting=_waiting(source)):
                write(out)
                flush()
        write(redactor.close())
    flush()


def _waiting(source: IO[bytes]) -> bool:
    """Whether more of *source* can be read at once (a file always can, a pipe when it holds more)."""
    try:
        return bool(select.select([source], [], [], 0)[0])
    except (OSError, ValueError):  # no file descriptor (a test's stdin), or not one select takes
        return False


def _source(path: Path) -> contextlib.AbstractContextManager[IO[bytes]]:
    """The input as bytes: standard input (left open; also when tests replace it with text), or the file."""
    if str(path) == "-":
        stdin = sys.stdin
        buffer = getattr(stdin, "buffer", None)
        if buffer is None:
            buffer = io.BytesIO(stdin.read().encode("utf-8", "surrogateescape"))
        return contextlib.nullcontext(buffer)
    try:
        return path.open("rb")
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _text_writer(stream: IO[str]) -> Callable[[bytes], object]:
    return lambda data: stream.write(data.decode("utf-8", "surrogateescape"))


def _read(path: Path) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _working_copy_texts(files: Iterable[Path]) -> Iterator[tuple[str, str | None]]:
    """``(path, text)`` of each file; text None (after an ``error:`` line) when it cannot be read."""
    for path in files:
        try:
            yield str(path), _read(path)
        except BadInputError as exc:
            context.error(str(exc))
            yield str(path), None


def _staged_texts(pathspecs: Iterable[Path]) -> Iterator[tuple[str, str]]:
    """``(path, text)`` of every staged blob that would be committed, paths relative to the repository.

    The index is git's (``GIT_INDEX_FILE`` included, so ``git commit -a`` and ``git commit PATH``, which
    use a temporary index, are checked as committed). Submodules have no blob and are skipped.
    """
    from autopilot.core.git import GitError, Repository

    repo = Repository.find(Path.cwd())
    if repo is None:
        raise BadInputError("redact --staged: not a git repository (run it inside one)")
    # The pathspecs were given relative to the current directory; git is asked from the root.
    relative = [os.path.relpath(Path(spec).absolute(), repo.root) for spec in pathspecs]
    with repo:
        try:
            for path, content in repo.staged_blobs(relative):
                yield path, content.decode("utf-8", errors="surrogateescape")
        except GitError as exc:
            raise BadInputError(f"redact --staged: {exc}") from None


def _report(texts: Iterable[tuple[str, str | None]]) -> int:
    """Print ``name:line: kind`` for every secret in each ``(name, text)``; the exit code.

    A text of None is a file that could not be read (already reported): exit 2 at the end.
    """
    found = unreadable = 0
    hooks = context.hooks()
    for path, text in texts:
        if text is None:
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
    import difflib  # only `--check` comes here, when another redactor in the chain changed a text

    before, after = text.splitlines(), redacted.splitlines()
    findings: list[tuple[int, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a_start, _a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        kinds = _MARKER.findall("\n".join(after[b_start:b_end])) or ["secret"]
        findings.append((a_start + 1, ",".join(dict.fromkeys(kinds))))
    return findings
