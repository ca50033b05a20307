"""The run recorder: every step goes through redaction, ``before_step``, every writer, ``after_step``.

Runners (and tests, and importers) create a :class:`Recorder`, call :meth:`Recorder.start`, then
:meth:`Recorder.add` for each step as it happens, and :meth:`Recorder.finish` once. Writers persist
each step before ``add`` returns, so a run killed at any instant is readable up to its last step.

While a run is recorded, ``run.steps`` keeps only the last :data:`STEP_WINDOW` steps in memory (older
ones are spilled to an anonymous file, see :mod:`autopilot.core.steplog`), so memory stays flat
however long the run; ``run.steps`` still has every step for hooks and callers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from autopilot.core.errors import AutopilotError
from autopilot.core.hooks import Hooks
from autopilot.core.models import Run, RunResult, Step, TrajectoryWriter, Usage, parse_ts, utcnow
from autopilot.core.trajectory.files import release_base_path

if TYPE_CHECKING:
    from autopilot.core.config import Config

#: Steps of a recorded run kept in memory as objects; older ones are read back from a spill file.
STEP_WINDOW: Final = 64

# Step fields that can carry text from the agent or its tools, and therefore secrets.
_TEXT_FIELDS = ("text", "tool", "input", "output", "data", "raw", "subtype", "model")


class Recorder:
    """Records one run (or one resumption of a run) through the trajectory writers."""

    def __init__(
        self,
        hooks: Hooks,
        run: Run,
        base: Path,
        *,
        resume: bool = False,
        config: Config | None = None,
        step_window: int = STEP_WINDOW,
    ) -> None:
        self.hooks = hooks
        self.config = config
        self.run = run
        self.base = base
        self.resume = resume
        self.step_window = step_window
        self.writers: list[TrajectoryWriter] = []
        self.stop_reason: str | None = None
        self._finished = False
        # A resumed run's duration is the sum of its segments, not the time since it first started.
        self._previous_ms = (run.result.duration_ms or 0) if resume else 0
        self._segment_start = utcnow() if resume else run.started_at

    @property
    def paths(self) -> dict[str, Path]:
        """Where the standard writers put this run's files."""
        return {
            "json": self.base.with_name(self.base.name + ".json"),
            "rlog": self.base.with_name(self.base.name + ".rlog"),
            "journal": self.base.with_name(self.base.name + ".journal.jsonl"),
        }

    def start(self) -> None:
        """Redact the run's metadata, open every writer and fire ``before_run``."""
        run = self.run
        run.prompt = self.hooks.redact(text=run.prompt) if run.prompt else run.prompt
        run.cwd = self.hooks.redact(text=run.cwd) if run.cwd else run.cwd
        run.limits = self.hooks.redact_obj(run.limits)
        run.resumes = self.hooks.redact_obj(run.resumes)
        if self.resume:
            run.result = RunResult(status="running", num_turns=run.result.num_turns)
            run.ended_at = None
        self.writers = self.hooks.trajectory_writer_register(config=self.config)
        # Spilled steps go beside the trajectory (real disk, unlike a tmpfs /tmp), in an unnamed file.
        run.steps.bound(self.step_window, self.base.parent)
        try:
            for writer in self.writers:
                try:
                    writer.open(run, self.base, resume=self.resume)
                except Exception as exc:
                    raise _writer_failed(writer, "open", exc) from exc
        finally:
            release_base_path(self.base)  # the run's own files hold its name from now on
        self.hooks.before_run(run=run)

    def redact_step(self, step: Step) -> Step:
        # All text fields in one redact_obj call: the built-in redactor scans the whole step at once.
        names = [name for name in _TEXT_FIELDS if getattr(step, name) is not None]
        values = self.hooks.redact_obj([getattr(step, name) for name in names])
        for name, value in zip(names, values, strict=True):
            setattr(step, name, value)
        return step

    def add(self, step: Step) -> Step:
        """Record *step*: redact, ``before_step``, write everywhere, ``after_step``.

        If a ``before_step`` implementation raised StopRun, :attr:`stop_reason` is set (the step is
        still written); the runner checks it after each step.
        """
        step.index = len(self.run.steps)
        if step.type == "tool_result" and step.is_error is None:
            step.is_error = False  # a result that does not say it failed did not (the schema wants the field)
        self.redact_step(step)
        reason = self.hooks.before_step(run=self.run, step=step)
        if reason and not self.stop_reason:
            self.stop_reason = reason
        self.run.steps.append(step)
        for writer in self.writers:
            try:
                writer.write_step(self.run, step)
            except Exception as exc:
                raise _writer_failed(writer, "write_step", exc) from exc
        self.hooks.after_step(run=self.run, step=step)
        return step

    def update(self, **changes: Any) -> None:
        """Record run metadata learned mid-run (``session_id``, ``model``, ...)."""
        changes = {k: self.hooks.redact_obj(v) for k, v in changes.items()}
        for name, value in changes.items():
            setattr(self.run, name, value)
        for writer in self.writers:
            try:
                writer.update(self.run, changes)
            except Exception as exc:
                raise _writer_failed(writer, "update", exc) from exc

    def finish(
        self,
        *,
        status: str,
        usage: Usage | None = None,
        num_turns: int | None = None,
        final_text: str | None = None,
        stop_reason: str | None = None,
        error: str | None = None,
        issues_completed: list[str] | None = None,
        ended_at: str | None = None,
        duration_ms: int | None = None,
        timed: bool = True,
    ) -> Run:
        """Close the run with its result; writes the final ``.json`` and fires ``on_run_complete``.

        *ended_at* and *duration_ms* are for runs that ended before they were recorded (imports): by
        default the run ends now and lasted since its (latest) start. ``timed=False`` (an imported log
        that records no times) leaves an unstated end and duration unknown (None).
        """
        if self._finished:
            return self.run
        self._finished = True
        run = self.run
        run.ended_at = ended_at or (utcnow() if timed else None)
        if usage is not None:
            run.usage = usage
        if duration_ms is None and timed:
            segment = parse_ts(run.ended_at) - parse_ts(self._segment_start)
            duration_ms = self._previous_ms + max(0, int(segment.total_seconds() * 1000))
        redact = self.hooks.redact
        run.result = RunResult(
            success=status == "success",
            status=status,
            duration_ms=duration_ms,
            num_turns=num_turns if num_turns is not None else run.result.num_turns,
            issues_completed=list(issues_completed or run.result.issues_completed),
            stop_reason=redact(text=stop_reason) if stop_reason else stop_reason,
            final_text=redact(text=final_text) if final_text else final_text,
            error=redact(text=error) if error else error,
        )
        failed: list[Exception] = []
        for writer in self.writers:  # every writer closes, even after one failed
            try:
                writer.close(run)
            except Exception as exc:
                failed.append(_writer_failed(writer, "close", exc))
                failed[-1].__cause__ = exc
        if failed:
            raise failed[0]
        self.hooks.on_run_complete(run=run)
        return run


def _writer_failed(writer: TrajectoryWriter, method: str, exc: Exception) -> Exception:
    """*exc* as an error naming the writer, its module and the method that raised (an
    AutopilotError, a RedactionError included, is already one; a file it could not write is the
    environment's problem, reported as that file)."""
    if isinstance(exc, AutopilotError) or (isinstance(exc, OSError) and exc.filename):
        return exc
    name = getattr(writer, "name", type(writer).__name__)
    where = f"trajectory writer {name!r} ({type(writer).__module__})"
    return AutopilotError(f"{where} failed in {method}: {type(exc).__name__}: {exc}")
