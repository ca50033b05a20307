"""A run's steps: a sequence that keeps only the most recent steps in memory while a run is recorded.

:class:`StepLog` is what ``Run.steps`` holds. It behaves like a read-mostly list of
:class:`~autopilot.core.models.Step` (``len``, indexing including negative indices and slices,
iteration, ``append``/``extend``, equality with any sequence of steps). A freshly made log keeps every
step in memory, like a list. Once :meth:`StepLog.bound` is called (the recorder does it when a run
starts), only the last ``window`` steps stay in memory as objects; older steps are encoded as one
compact JSON line each into a spill file and read back on demand, so a recorded run's memory does not
grow with its length (8 bytes per spilled step remain: its offset in the spill file).

The spill file is anonymous (created unlinked in the trajectory's directory where the platform allows
it), so nothing is left on disk whatever happens to the process; it is closed when the run's final
``.json`` has been written (:meth:`StepLog.adopt`: spilled steps are then read from that file, by
offset), when the log is garbage-collected, or when :meth:`StepLog.close` is called.
Spilled steps come back as new ``Step`` objects (``log[i] is log[i]`` holds only for the in-memory
window), as they would from the trajectory files.

A step is encoded once: :meth:`StepLog.json_of` (which the journal writer calls as it writes the
step) keeps the text, which the spill file and the final ``.json`` reuse. Steps are read-only once
recorded; a change made to a step object after it was written would not reach the files.
"""

from __future__ import annotations

import json
import weakref
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Final, Protocol, Self, TypeVar, overload

#: Spilled steps are read back in blocks of about this many bytes when iterating (small: the final
#: .json of a long run is written without a large transient buffer).
READ_BLOCK_BYTES: Final = 1 << 16


class Encodable(Protocol):
    """What the log needs of a step (:class:`~autopilot.core.models.Step`, which is not imported here:
    models imports this module)."""

    def to_dict(self) -> dict[str, Any]: ...

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self: ...


StepT = TypeVar("StepT", bound=Encodable)


def encode_step(step: Encodable) -> str:
    """A step as one line of compact JSON (non-ASCII kept as is), as in the journal and final ``.json``."""
    return json.dumps(step.to_dict(), ensure_ascii=False, separators=(",", ":"), default=str)


def to_utf8(text: str) -> bytes:
    """JSON text as UTF-8. A lone surrogate (from undecodable bytes) can only sit inside a JSON string,
    where the ``\\udcXX`` that ``backslashreplace`` writes is the JSON escape of the same character."""
    return text.encode("utf-8", "backslashreplace")


class StepLog(Sequence[StepT]):
    """The steps of a run, oldest first; see the module docstring."""

    def __init__(self, steps: Iterable[StepT] = ()) -> None:
        self._recent: deque[StepT] = deque(steps)
        # The class of the steps; spilled steps are decoded with its from_dict.
        self._kind: type[StepT] | None = None
        # The compact JSON of each in-memory step once something asked for it (json_of), else None.
        self._texts: deque[str | None] = deque(None for _ in self._recent)
        self._offsets = array("q")  # start of each spilled step's line in the spill file
        self._end = 0  # bytes in the spill file
        self._window: int | None = None
        self._directory: Path | None = None
        self._file: IO[bytes] | None = None
        self._closer: weakref.finalize[Any, Any] | None = None
        self._closed = False
        # After adopt(): spilled steps are read from this file (the run's final .json) instead.
        self._adopted: Path | None = None
        self._adopted_starts = array("q")
        self._adopted_ends = array("q")
        self._landing: tuple[array[int], array[int]] | None = None  # where write_json(at=) put them

    # -- configuration ------------------------------------------------------------------------------

    def bound(self, window: int, directory: Path | None = None) -> None:
        """Keep at most *window* steps in memory from now on; older ones go to a spill file.

        The spill file is created, unlinked, in *directory* (else the system's temporary directory)
        the first time a step has to leave memory.
        """
        if window < 1:
            raise ValueError(f"a step log window must be at least 1, not {window}")
        self._window = window
        self._directory = directory
        while len(self._recent) > window:
            self._spill_oldest()

    @property
    def window(self) -> int | None:
        """The most steps kept in memory, or None when every step is (the log is not bounded)."""
        return self._window

    @property
    def in_memory(self) -> int:
        """How many steps are held as objects right now (never more than :attr:`window`)."""
        return len(self._recent)

    @property
    def spilled(self) -> int:
        """How many of the oldest steps live in the spill file."""
        return len(self._offsets)

    def close(self) -> None:
        """Release the spill file; spilled steps can no longer be read (in-memory ones still can)."""
        self._closed = True
        if self._closer is not None:
            self._closer()

    # -- writing ------------------------------------------------------------------------------------

    def append(self, step: StepT) -> None:
        self._recent.append(step)
        self._texts.append(None)
        if self._window is not None and len(self._recent) > self._window:
            self._spill_oldest()

    def extend(self, steps: Iterable[StepT]) -> None:
        for step in steps:
            self.append(step)

    def _spill_file(self) -> IO[bytes]:
        if self._file is not None:
            return self._file
        if self._closed:
            raise ValueError("the step log was closed")
        import tempfile  # deferred: a run of at most WINDOW steps never spills (tempfile imports shutil)

        try:
            handle = tempfile.TemporaryFile(prefix=".autopilot-steps-", dir=self._directory)  # noqa: SIM115
        except OSError:  # the directory is gone or read-only: the system's temporary directory will do
            handle = tempfile.TemporaryFile(prefix=".autopilot-steps-")  # noqa: SIM115
        self._file = handle
        # Closed explicitly when the log goes away, so no file object is ever left to the collector.
        self._closer = weakref.finalize(self, handle.close)
        return handle

    def _spill_oldest(self) -> None:
        step, text = self._recent.popleft(), self._texts.popleft()
        self._kind = type(step)
        data = to_utf8((encode_step(step) if text is None else text) + "\n")
        handle = self._spill_file()
        handle.seek(self._end)
        handle.write(data)
        self._offsets.append(self._end)
        self._end += len(data)

    # -- reading ------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._offsets) + len(self._recent)

    @overload
    def __getitem__(self, index: int) -> StepT: ...

    @overload
    def __getitem__(self, index: slice) -> list[StepT]: ...

    def __getitem__(self, index: int | slice) -> StepT | list[StepT]:
        if isinstance(index, slice):
            start, stop, stride = index.indices(len(self))
            if stride == 1:
                return list(self._iter(start, stop, self._decode))
            return [self[i] for i in range(start, stop, stride)]
        size = len(self)
        position = index + size if index < 0 else index
        if not 0 <= position < size:
            raise IndexError("step index out of range")
        spilled = len(self._offsets)
        if position >= spilled:
            return self._recent[position - spilled]
        return self._decode(self._read_lines(position, position + 1)[0])

    def __iter__(self) -> Iterator[StepT]:
        return self._iter(0, None, self._decode)

    def _decode(self, text: str) -> StepT:
        assert self._kind is not None  # only steps that were appended are ever spilled
        return self._kind.from_dict(json.loads(text))

    def json_of(self, step: StepT) -> str:
        """*step* as one line of compact JSON (:func:`encode_step`), encoded once per step.

        For a step still in memory the text is kept and reused when the step is spilled and when
        the final ``.json`` is written, so a writer that calls this (the journal does) pays for the
        only encoding of the step: what the journal got is exactly what the ``.json`` gets.
        """
        recent = self._recent
        for back in range(1, min(len(recent), 4) + 1):  # the step just added, or nearly
            if recent[-back] is step:
                text = self._texts[-back]
                if text is None:
                    text = self._texts[-back] = encode_step(step)
                return text
        return encode_step(step)

    def iter_json(self) -> Iterator[str]:
        """Every step as one line of compact JSON (:func:`encode_step`), oldest first.

        Spilled steps are passed through as they were written, without decoding them.
        """
        return self._iter(0, None, None)

    def _iter(self, start: int, stop: int | None, decode: Any) -> Iterator[Any]:
        # Indices are re-checked after every yield: steps appended (and spilled) meanwhile are seen,
        # as with a list, and a step that moved from memory to the spill file is not skipped.
        position = start
        while position < (len(self) if stop is None else stop):
            spilled = len(self._offsets)
            if position < spilled:
                end = min(spilled, len(self) if stop is None else stop)
                block = self._read_block(position, end)
                for line in block:
                    yield decode(line) if decode is not None else line
                position += len(block)
            else:
                if decode is not None:
                    yield self._recent[position - spilled]
                else:
                    text = self._texts[position - spilled]
                    yield encode_step(self._recent[position - spilled]) if text is None else text
                position += 1

    def _block_end(self, start: int, end: int) -> int:
        """Where a block of spilled steps from *start* ends: about READ_BLOCK_BYTES, at least one step."""
        offsets = self._offsets
        first = offsets[start]
        last = start + 1
        while last < end and offsets[last] - first < READ_BLOCK_BYTES:
            last += 1
        return last

    def _read_block(self, start: int, end: int) -> list[str]:
        """Lines of spilled steps from *start*, as many as fit in READ_BLOCK_BYTES (at least one)."""
        return self._read_lines(start, self._block_end(start, end))

    def _read_bytes(self, start: int, end: int) -> bytes:
        """The spill file's lines of steps *start* to *end* (exclusive), newlines included."""
        if self._adopted is not None:
            return self._read_adopted(start, end)
        if self._file is None or self._closed:
            raise ValueError("the step log was closed: its spilled steps are gone")
        first = self._offsets[start]
        stop = self._offsets[end] if end < len(self._offsets) else self._end
        handle = self._file
        handle.seek(first)
        return handle.read(stop - first)

    def _read_lines(self, start: int, end: int) -> list[str]:
        return self._read_bytes(start, end).decode("utf-8").split("\n")[: end - start]

    def _read_adopted(self, start: int, end: int) -> bytes:
        assert self._adopted is not None
        starts, ends = self._adopted_starts, self._adopted_ends
        base = starts[start]
        try:
            with self._adopted.open("rb") as handle:
                handle.seek(base)
                data = handle.read(ends[end - 1] - base)
        except OSError as exc:
            raise ValueError(
                f"{self._adopted}: cannot read the run's earlier steps: {exc.strerror}"
            ) from None
        lines = [data[starts[i] - base : ends[i] - base] for i in range(start, end)]
        return b"\n".join(lines) + b"\n"

    def write_json(
        self,
        write: Callable[[bytes], object],
        separator: bytes,
        prefix: bytes = b"",
        *,
        at: int | None = None,
    ) -> int:
        """Write every step as compact UTF-8 JSON, *prefix* before the first, *separator* between.

        Returns how many steps were written. Spilled steps are copied from the spill file in blocks,
        never decoded: writing the final ``.json`` of a long run costs little more than copying its
        bytes. With *at* (the offset in the output file of the first byte written here), the log
        remembers where each spilled step landed, for :meth:`adopt`.
        """
        position = 0
        starts, ends = array("q"), array("q")
        out = at or 0
        while position < len(self):
            spilled = len(self._offsets)
            out += len(separator if position else prefix)
            if position < spilled:
                last = self._block_end(position, spilled)
                # A JSON line holds no raw newline byte (strings escape it; UTF-8 never makes one).
                piece = self._read_bytes(position, last)[:-1].replace(b"\n", separator)
                if at is not None:
                    offsets, first, grow = self._offsets, self._offsets[position], len(separator) - 1
                    for i in range(position, last):
                        begin = out + offsets[i] - first + (i - position) * grow
                        starts.append(begin)
                        ends.append(
                            begin + (offsets[i + 1] if i + 1 < spilled else self._end) - offsets[i] - 1
                        )
            else:
                last = position + 1
                text = self._texts[position - spilled]
                step = self._recent[position - spilled]
                piece = to_utf8(encode_step(step) if text is None else text)
            write(separator if position else prefix)
            write(piece)
            out += len(piece)
            position = last
        self._landing = (starts, ends) if at is not None else None
        return position

    def adopt(self, path: Path) -> None:
        """Read spilled steps from *path* from now on and release the spill file.

        *path* must hold exactly what the last ``write_json(at=...)`` wrote (the run's final
        ``.json``, renamed into place); steps are then read from it on demand, by offset. Steps
        appended later stay in memory. Nothing happens if the last write_json was not told *at*.
        """
        landing, self._landing = self._landing, None
        if landing is None or len(landing[0]) != len(self._offsets):
            return
        self._adopted_starts, self._adopted_ends = landing
        self._adopted = path
        self._window = None
        if self._closer is not None:
            self._closer()
        self._file = None

    # -- comparison ---------------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        if len(self) != len(other):
            return False
        return all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"<StepLog {len(self)} steps, {self.in_memory} in memory, window {self._window}>"
