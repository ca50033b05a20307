"""Redacting a stream piece by piece with bounded memory: what can be written out now.

``autopilot redact -`` and ``autopilot redact FILE`` read their input as it comes and write each
complete line out as soon as it is safe: once no later line can turn it (or a secret starting on
it) into something the redactor would treat differently. Lines are held back only while they may be
the start of a secret that spans lines:

- a private key whose ``-----END …-----`` line has not come yet;
- a Kubernetes manifest (``apiVersion:`` at the start of a line, or its JSON form) whose document
  has not ended: a Secret's ``data:`` may come before its ``kind: Secret``;
- a command continued on the next line (a line ending in a backslash).

A piece held longer than :data:`HOLD_LIMIT` is written out anyway (the engine redacts a private key
without its END line up to the end of its body, so that fails closed). The rules that look back (a
password announced on the line before, the output of ``kubectl get secret … | base64 -d``) see the
last :data:`CONTEXT_LINES` lines already written through :func:`engine.redact_after`.

When more input is already waiting (a big file, a fast pipe) and the built-in redactor is the whole
chain, pieces of about :data:`PIECE` bytes are redacted on every CPU: by a pool of worker processes,
one for each CPU but one, and by this process, which takes a piece itself when the workers have
:data:`QUEUED` each already (it also reads, cuts and writes, so it takes fewer). At most that many
pieces per CPU are in flight, and they are written out in their order; the look-back across
pieces stays in this process, so the output is the same as without workers. As soon as no input is waiting,
every piece still in flight is written out before the next read, so a line typed into the pipe is
not held back; then, and at the end of the input, this process redacts its share of the pieces
still queued for the workers (the newest) instead of waiting for the workers to reach them (at the
end, only those no worker has taken yet: the pool finishes the others before it stops).
"""

from __future__ import annotations

import os
import re
import signal
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Final

from ahocorasick_rs import BytesAhoCorasick

from autopilot.plugins.redact.engine import redact_bytes, redact_bytes_after

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

#: The most bytes held back for a secret that may span lines.
HOLD_LIMIT: Final = 1 << 20
#: A line longer than this is cut at a blank, a quote or a comma and written out in pieces.
MAX_LINE: Final = 4 << 20
#: Lines already written that the next piece is redacted in the light of.
CONTEXT_LINES: Final = 8
_CONTEXT_BYTES: Final = 16 * 1024
#: With input waiting, how many bytes make one piece for a worker process.
PIECE: Final = 1 << 20
#: Worker processes start only once more than this much input has come with more waiting: small
#: inputs are redacted before a pool would be up, and the first piece is redacted by this process,
#: so that the forked workers share the patterns and searches it compiled (each would compile its
#: own otherwise, about as long as redacting half a piece).
PARALLEL_AFTER: Final = 1 << 20
#: Pieces each worker may have waiting or under way (more keeps it busy while this process redacts a
#: piece of its own; three balanced the two processes on two CPUs best).
QUEUED: Final = 3

# Where a YAML document ends: a line `---` or `...`, or a line at the start that is no YAML key.
_YAML_DOCUMENT_END: Final = re.compile(rb"\n(?:(?:---|\.\.\.)[ \t]*\r?\n|[^\s#\-\n][^:\n]*\r?\n)")


def flushable(pending: bytes | bytearray, *, final: bool = False) -> int:
    """How many bytes at the start of *pending* can be redacted and written out now."""
    if final:
        return len(pending)
    complete = pending.rfind(b"\n") + 1
    if not complete:
        return _cut_long_line(pending) if len(pending) > MAX_LINE else 0
    held = _held_from(pending, complete)
    return complete if complete - held > HOLD_LIMIT else held


def _held_from(pending: bytes | bytearray, complete: int) -> int:
    """Where the lines that must wait start (*complete* if none must)."""
    held = complete
    # A command continued on the next line: from the first of its lines.
    line_end = complete - 1
    while line_end > 0 and (pending[line_end - 1] == 0x5C or pending[line_end - 2 : line_end] == b"\\\r"):
        held = pending.rfind(b"\n", 0, line_end) + 1
        line_end = held - 1
    # Where the rarer constructs may start; most pieces have none of them.
    found = _last_hold_anchors(pending, complete)
    # A private key without its END line yet.
    begin = found.get(0, -1)
    if (
        begin != -1
        and any(label in pending[begin : begin + 64] for label in _ARMOURED_LABELS)
        and pending.find(b"-----END", begin, complete) == -1
    ):
        held = min(held, pending.rfind(b"\n", 0, begin) + 1)
    # A Kubernetes manifest whose document has not ended (YAML, or kubectl's JSON).
    manifest = found.get(1, -1) + 1 or (0 if pending.startswith(b"apiVersion:") else -1)
    if manifest > -1 and _YAML_DOCUMENT_END.search(pending, manifest, complete) is None:
        held = min(held, manifest)
    field = found.get(2, -1)
    if field != -1:
        opening = pending.rfind(b"\n{", 0, field) + 1 or (0 if pending.startswith(b"{") else -1)
        if opening != -1 and pending.find(b"\n}", field, complete) == -1:
            held = min(held, opening)
    return held


# The labels of armoured secrets (private keys, OpenVPN static keys, NATS nkey seeds).
_ARMOURED_LABELS: Final = (b"PRIVATE KEY", b"Static key V", b"NKEY SEED")
_HOLD_ANCHORS: Final = (b"-----BEGIN", b"\napiVersion:", b'"apiVersion"')
# A search for each: one for a single literal runs at memory speed, one for the three together stops
# at every line break and quote (their first bytes), which are everywhere in agent logs (8x slower).
_HOLD_SEARCHES: Final = tuple(BytesAhoCorasick([anchor]).find_matches_as_indexes for anchor in _HOLD_ANCHORS)


def _last_hold_anchors(pending: bytes | bytearray, complete: int) -> dict[int, int]:
    """Where the last of each of _HOLD_ANCHORS found in the complete lines starts, by its number."""
    found: dict[int, int] = {}
    view = memoryview(pending)[:complete]
    try:
        for number, search in enumerate(_HOLD_SEARCHES):
            if matches := search(view):
                found[number] = matches[-1][1]
    finally:
        view.release()
    return found


def _cut_long_line(pending: bytes | bytearray) -> int:
    """Where to cut a line longer than MAX_LINE: after the last blank, quote or comma well before its
    end (a token is not cut), or all of it if there is none."""
    end = len(pending) - 4096
    cut = max(pending.rfind(separator, 0, end) for separator in (b" ", b'"', b",", b"\t")) + 1
    return cut or len(pending)


def context_tail(before: bytes, text: bytes) -> bytes:
    """The last CONTEXT_LINES lines of *before* followed by *text* (at most 16 KiB)."""
    position = len(text)
    for _ in range(CONTEXT_LINES + 1):
        position = text.rfind(b"\n", 0, position)
        if position == -1:
            break
    else:
        return text[position + 1 :][-_CONTEXT_BYTES:]
    return (before + text)[-_CONTEXT_BYTES:]


def available_cpus() -> int:
    """How many CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _redact_piece(piece: bytes) -> bytes | None:
    """A worker's job: *piece* redacted, or None if nothing changes (nothing to send back)."""
    redacted = redact_bytes(piece)
    return None if redacted is piece else redacted


class StreamRedactor:
    """Feeds bytes in, gets redacted bytes out as soon as they are safe to write.

    *redact* redacts one piece of text (the whole ``redact`` chain); every piece is a run of whole
    lines (but for lines longer than MAX_LINE), and the built-in redactor also sees the lines before
    it through :func:`engine.redact_bytes_after`. Without *redact* (the built-in redactor is the
    whole chain) the pieces go to the engine as bytes, which gives the same output without decoding
    and encoding them, and, with *workers* above 1, to that many worker processes while more input
    is waiting (see the module's doc). Use it as a context manager when it may start workers: leaving
    the block stops them.
    """

    def __init__(self, redact: Callable[[str], str] | None = None, *, workers: int = 1) -> None:
        self._redact = redact
        self._pending = bytearray()
        self._context = b""
        self._workers = workers if redact is None else 1
        self._seen = 0
        self._pool: ProcessPoolExecutor | None = None
        self._in_pool = 0  # pieces sent to the workers and not yet back
        # Pieces in order, each with its result: redacted bytes, or a worker's result to come.
        self._running: deque[tuple[bytes, bytes | Future[bytes | None]]] = deque()

    def __enter__(self) -> StreamRedactor:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop_workers()

    def _stop_workers(self) -> None:
        """Stop the worker processes: pieces not begun are dropped, one under way is finished."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def feed(self, chunk: bytes, *, waiting: bool = False) -> bytes:
        """Take *chunk*; the redacted bytes that can be written now (maybe none). *waiting*: more
        input is already there to read, so what is ready may be written out by a later call."""
        self._pending += chunk
        self._seen += len(chunk)
        if waiting and self._parallel():
            if len(self._pending) < PIECE:
                return self._done(block=False)
            cut = flushable(self._pending)
            if cut:
                piece = self._take(cut)
                if self._in_pool < QUEUED * (self._workers - 1):
                    self._running.append((piece, self._pool.submit(_redact_piece, piece)))  # type: ignore[union-attr]
                    self._in_pool += 1
                else:
                    self._running.append((piece, redact_bytes(piece)))  # the workers are busy: take it
            return self._done(block=False)
        return self._flush(flushable(self._pending))

    def close(self) -> bytes:
        """The end of the input: everything still held, redacted."""
        out = self._flush(len(self._pending), final=True)
        self._stop_workers()  # every result is in
        return out

    def _flush(self, cut: int, *, final: bool = False) -> bytes:
        """The first *cut* bytes held, and every piece still in flight before them, redacted."""
        if self._running:  # only pieces of the built-in redactor alone are ever in flight
            return self._finish(cut, final=final)
        return self._emit(self._take(cut)) if cut else b""

    def _finish(self, cut: int, *, final: bool = False) -> bytes:
        """With no more input to read now: the first *cut* bytes held and every piece in flight,
        redacted. This process redacts the new piece and the newest pieces still with the workers
        (its share of what is left) while the workers finish the older ones, so that all end
        together; a piece taken back is cancelled (a worker already at it finishes it for nothing).
        At the *final* end of the input, only a piece no worker has taken yet is taken back: the
        workers finish the pieces they have before they stop, so redacting one here too would only
        cost its time twice."""
        if cut:
            piece = self._take(cut)
            self._running.append((piece, redact_bytes(piece)))
        waiting = [index for index, (_, result) in enumerate(self._running) if not isinstance(result, bytes)]
        for index in reversed(waiting[len(waiting) - len(waiting) // self._workers :]):
            piece, result = self._running[index]
            if not result.done() and (result.cancel() or not final):  # type: ignore[union-attr]
                self._running[index] = (piece, redact_bytes(piece))
                self._in_pool -= 1
        return self._done(block=True)

    def _parallel(self) -> bool:
        """Whether pieces go to worker processes (starting them once enough input has come)."""
        if self._pool is None:
            if self._workers < 2 or self._seen <= PARALLEL_AFTER:
                return False
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            if "fork" not in multiprocessing.get_all_start_methods():
                self._workers = 1  # a worker would import everything again: not worth it
                return False
            # Forked workers share the compiled rule tables; the engine holds no other state. They
            # leave Ctrl-C to this process, which stops them (no traceback from each worker).
            self._pool = ProcessPoolExecutor(
                self._workers - 1,
                mp_context=multiprocessing.get_context("fork"),
                initializer=signal.signal,
                initargs=(signal.SIGINT, signal.SIG_IGN),
            )
        return True

    def _done(self, *, block: bool) -> bytes:
        """The pieces redacted, in order: those done, then (*block*) all the others; also the oldest
        while more than QUEUED per CPU are in flight."""
        out = b""
        running = self._running
        while running:
            piece, result = running[0]
            if not isinstance(result, bytes):
                if not (block or result.done() or len(running) > QUEUED * self._workers):
                    break
                result = result.result()
                self._in_pool -= 1
            running.popleft()
            out += self._after(piece if result is None else result)
        return out

    def _take(self, cut: int) -> bytes:
        """The first *cut* bytes held, no longer held (one copy)."""
        with memoryview(self._pending) as view:
            piece = bytes(view[:cut])
        del self._pending[:cut]
        return piece

    def _emit(self, piece: bytes) -> bytes:
        if self._redact is None:
            return self._after(redact_bytes(piece))
        text = self._redact(piece.decode("utf-8", "surrogateescape"))
        return self._after(text.encode("utf-8", "surrogateescape"))

    def _after(self, redacted: bytes) -> bytes:
        """*redacted* in the light of the lines written before it; remembers its end for the next."""
        redacted = redact_bytes_after(self._context, redacted)
        self._context = context_tail(self._context, redacted)
        return redacted
