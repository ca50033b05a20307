"""Typed facade over the plugin manager: the only place the core calls hooks.

Each hookspec has exactly one method here (a meta-test checks it). Pluggy calls every hook
(``pm.hook.<name>(...)``), so new-style wrappers work, except the ``redact`` chain, which the facade
walks itself. Pluggy stops a call at the first exception and does not say which plugin raised; the
facade finds the plugin in the traceback and applies the error policy of the hook's family:

- contribute: the host validates what was registered; a problem, or an exception, is a PluginError
  naming the plugin;
- decide: an exception aborts the operation as a PluginError naming the plugin (the runner turns one
  from ``before_tool_use`` into a denied call and a run ending with status ``error``);
- observe: an exception is recorded in :attr:`Hooks.warnings` as a PluginError message naming the
  plugin, and the command goes on, unless the manager is strict (then the PluginError propagates);
  ``StopRun`` from ``before_step`` stops the run;
- chain (``redact``, ``redact_batch``): fails closed: any problem aborts the write as RedactionError.
"""

from __future__ import annotations

import inspect
import operator
import traceback
from collections.abc import Callable, Iterable, Iterator
from itertools import repeat
from types import FrameType
from typing import TYPE_CHECKING, Any, NamedTuple

from autopilot.core.errors import AutopilotError, PluginError, RedactionError, StopRun
from autopilot.core.models import Backend, ImportedRun, Run, Step, ToolDecision, TrajectoryWriter
from autopilot.core.pluginmanager import ESSENTIAL_PLUGINS, AutopilotPluginManager

if TYPE_CHECKING:
    from pathlib import Path

    from autopilot.core.config import Config
    from autopilot.core.issues import IssueStore
    from autopilot.core.logs import LogReader


class Hooks:
    """Typed, policy-enforcing calls of every hook."""

    def __init__(self, pm: AutopilotPluginManager) -> None:
        self.pm = pm
        self.warnings: list[str] = []
        self._backends: dict[str, type[Backend]] | None = None
        self._redactors: list[_Redactor] | None = None

    # -- contribute ---------------------------------------------------------------------------

    def backend_register(self) -> dict[str, type[Backend]]:
        """Every registered backend class by name (collected once per manager)."""
        if self._backends is None:
            backends: dict[str, type[Backend]] = {}

            def register(cls: type[Backend]) -> None:
                if not (isinstance(cls, type) and issubclass(cls, Backend)) or not cls.name:
                    raise self._refusal("backend_register", f"{cls!r} is not a named Backend")
                if inspect.isabstract(cls):
                    missing = ", ".join(sorted(cls.__abstractmethods__))
                    raise self._refusal(
                        "backend_register", f"backend {cls.name!r} does not implement {missing}"
                    )
                if cls.name in backends:
                    raise self._refusal("backend_register", f"backend {cls.name!r} exists")
                backends[cls.name] = cls

            self._call("backend_register", register=register)
            self._backends = backends
        return self._backends

    def trajectory_writer_register(self, *, config: Config | None = None) -> list[TrajectoryWriter]:
        """Fresh writer instances for one run, in plugin registration order."""
        writers: list[TrajectoryWriter] = []

        def register(writer: TrajectoryWriter) -> None:
            if not isinstance(writer, TrajectoryWriter):
                raise self._refusal("trajectory_writer_register", f"{writer!r} is not a writer")
            writers.append(writer)

        self._call("trajectory_writer_register", register=register, config=config, hooks=self)
        writers.reverse()  # pluggy calls the plugin registered last first
        return writers

    def log_reader_register(self) -> list[LogReader]:
        """Every registered log reader, in registration order, after autopilot's own trajectory reader."""
        from autopilot.core.logs import LogReader, TrajectoryReader

        readers: list[LogReader] = []

        def register(reader: LogReader) -> None:
            if not isinstance(reader, LogReader):
                raise self._refusal("log_reader_register", f"{reader!r} is not a LogReader")
            readers.append(reader)

        self._call("log_reader_register", register=register)
        readers.reverse()  # pluggy calls the plugin registered last first
        return [TrajectoryReader(), *readers]

    def command_register(self, app: Any) -> None:
        """Let plugins add CLI commands; a failing plugin is a warning (fatal when strict)."""
        self._observe("command_register", app=app)

    # -- decide -------------------------------------------------------------------------------

    def backend_select(
        self,
        *,
        agent: str | None,
        issue: dict[str, Any] | None,
        project: dict[str, Any] | None,
        config: Config,
    ) -> str:
        """The backend name for a run: the first non-None answer, else the documented default."""
        chosen = self._call("backend_select", agent=agent, issue=issue, project=project, config=config)
        if chosen is not None:
            return str(chosen)
        from autopilot.core.config import default_agent

        return default_agent(agent, project, config)

    def store_select(self, *, config: Config) -> IssueStore:
        """The issue store for this project: the first plugin's non-None answer."""
        from autopilot.core.issues import IssueStore

        store = self._call("store_select", config=config, hooks=self)
        if store is None:
            raise AutopilotError("no issue store is available (is the store_yaml plugin disabled?)")
        if not isinstance(store, IssueStore):
            raise PluginError(
                self.suspects("store_select"), "store_select", f"returned {store!r}, not an IssueStore"
            )
        return store

    def trajectory_import(self, *, path: Path, records: list[dict[str, Any]]) -> ImportedRun | None:
        """The first plugin's conversion of *records* (read from *path*), or None if none knows them."""
        imported = self._call("trajectory_import", path=path, records=records)
        if imported is not None and not isinstance(imported, ImportedRun):
            raise PluginError(
                self.suspects("trajectory_import"),
                "trajectory_import",
                f"returned {imported!r}, not an ImportedRun",
            )
        return imported

    def before_tool_use(self, *, run: Run, tool: str, input: Any) -> ToolDecision | None:
        """The first plugin's decision about a tool call, or None when no plugin objects or allows."""
        decision = self._call("before_tool_use", run=run, tool=tool, input=input)
        if decision is not None and not isinstance(decision, ToolDecision):
            raise PluginError(
                self.suspects("before_tool_use"),
                "before_tool_use",
                f"returned {decision!r}, not a ToolDecision",
            )
        return decision

    # -- observe ------------------------------------------------------------------------------

    def before_run(self, *, run: Run) -> None:
        self._observe("before_run", run=run)

    def before_step(self, *, run: Run, step: Step) -> str | None:
        """Call the implementations; returns the reason if one raised StopRun."""
        try:
            self._observe("before_step", keep=(StopRun,), run=run, step=step)
        except StopRun as signal:
            return signal.reason
        return None

    def after_step(self, *, run: Run, step: Step) -> None:
        self._observe("after_step", run=run, step=step)

    def on_run_complete(self, *, run: Run) -> None:
        self._observe("on_run_complete", run=run)

    def on_issue_complete(self, *, issue: dict[str, Any], outcome: str, run: Run | None) -> None:
        self._observe("on_issue_complete", issue=issue, outcome=outcome, run=run)

    # -- chain --------------------------------------------------------------------------------

    def redact(self, *, text: str) -> str:
        """Apply every redactor in order. Fails closed: any problem raises RedactionError."""
        for redactor in self._redactor_chain():
            text = _call_redactor(redactor.plugin, redactor.redact, text)
        return text

    def redact_batch(self, *, texts: list[str]) -> list[str]:
        """What :meth:`redact` gives for each of *texts*, through each redactor's batch form if it has one.

        Fails closed like :meth:`redact`. A redactor without ``redact_batch`` receives every string,
        one by one and in order.
        """
        for redactor in self._redactor_chain():
            if redactor.batch is None:
                texts = [_call_redactor(redactor.plugin, redactor.redact, text) for text in texts]
            else:
                texts = _call_batch(redactor.plugin, redactor.batch, texts)
        return texts

    def redact_obj(self, value: Any) -> Any:
        """Redact every string (keys included) inside nested dicts, lists and tuples.

        The result is what calling :meth:`redact` on each non-empty string gives (tuples become lists),
        but all the strings go through :meth:`redact_batch` at once, so the built-in redactor scans
        them in one pass.
        """
        texts: list[str] = []
        copy = _gather(value, texts)
        if not texts:
            return copy
        # A copy goes out, so a redactor that edits its argument in place cannot hide a change.
        redacted = self.redact_batch(texts=list(texts))
        if not any(map(operator.is_not, redacted, texts)):
            return copy
        # Rebuild from the original, so that keys redacted to the same text collide as they do per string.
        return _replace(value, iter(redacted))

    def _redactor_chain(self) -> list[_Redactor]:
        if self._redactors is None:
            batches = {i.plugin_name: i.function for i in self.pm.hook.redact_batch.get_hookimpls()}
            impls = self.pm.hook.redact.get_hookimpls()[::-1]  # pluggy's call order
            for impl in (*impls, *self.pm.hook.redact_batch.get_hookimpls()):
                if impl.wrapper or impl.hookwrapper:
                    raise RedactionError(impl.plugin_name, "redact", "wrappers cannot take part in the chain")
            missing = set(batches) - {i.plugin_name for i in impls}
            if missing:
                raise RedactionError(min(missing), "redact_batch", "implements redact_batch but not redact")
            essential = [i for i in impls if i.plugin_name in ESSENTIAL_PLUGINS]
            others = [i for i in impls if i.plugin_name not in ESSENTIAL_PLUGINS]
            if not essential:
                raise RedactionError("redact_secrets", "redact", "the built-in redactor is not registered")
            # The essential redactor runs last so it also scans every other redactor's output.
            self._redactors = [
                _Redactor(i.plugin_name, i.function, batches.get(i.plugin_name))
                for i in (*others, *essential)
            ]
        return self._redactors

    # -- calling ------------------------------------------------------------------------------

    def implemented(self, hook: str) -> bool:
        """Whether any registered plugin implements *hook* (the runner asks before offering a guard)."""
        return bool(getattr(self.pm.hook, hook).get_hookimpls())

    def _call(self, hook: str, *, keep: tuple[type[Exception], ...] = (), **kwargs: Any) -> Any:
        """``pm.hook.<hook>(**kwargs)``; an implementation's exception becomes a PluginError naming it.

        PluginError (from a ``register`` callback or a nested hook call) and the *keep* exceptions
        pass unchanged. An exception no implementation's frame is found for is a bug of the core's and
        also passes unchanged.
        """
        caller = getattr(self.pm.hook, hook)
        try:
            return caller(**kwargs)
        except (PluginError, *keep):
            raise
        except Exception as exc:
            frames = [frame for frame, _ in traceback.walk_tb(exc.__traceback__)]
            plugin = _plugin_in(reversed(frames), caller.get_hookimpls())
            if plugin is None:
                raise
            raise PluginError(plugin, hook, f"{type(exc).__name__}: {exc}") from exc

    def _observe(self, hook: str, *, keep: tuple[type[Exception], ...] = (), **kwargs: Any) -> None:
        try:
            self._call(hook, keep=keep, **kwargs)
        except PluginError as error:
            if self.pm.strict:
                raise
            self.warnings.append(str(error))

    def _refusal(self, hook: str, problem: str) -> PluginError:
        """A PluginError for what a ``register`` callback was given, naming the plugin that called it."""
        frames = (frame for frame, _ in traceback.walk_stack(inspect.currentframe()))
        return PluginError(
            _plugin_in(frames, getattr(self.pm.hook, hook).get_hookimpls()) or "?", hook, problem
        )

    def suspects(self, hook: str) -> str:
        """The plugins that may have returned a result of a firstresult hook (pluggy does not say which).

        Built-in implementations are tested to return the right type, so they are left out, unless
        only built-ins implement the hook.
        """
        names = [impl.plugin_name for impl in getattr(self.pm.hook, hook).get_hookimpls()[::-1]]
        outside = [name for name in names if self.pm.origins.get(name, (None, None, ""))[2] != "builtin"]
        return ", ".join(outside or names)


class _Redactor(NamedTuple):
    """One plugin's place in the ``redact`` chain: its ``redact`` and, if it has one, ``redact_batch``."""

    plugin: str
    redact: Callable[..., Any]
    batch: Callable[..., Any] | None


def _plugin_in(frames: Iterable[FrameType], impls: list[Any]) -> str | None:
    """The plugin of the first of *frames* that runs one of *impls*, else of the first in its module.

    *frames* go from the innermost outwards, so a plugin whose implementation calls another plugin's
    code is not blamed for it. Matching the module is the fallback for decorated implementations.
    """
    codes: dict[Any, str] = {}
    modules: dict[str, str | None] = {}
    for impl in impls:
        function = inspect.unwrap(getattr(impl.function, "__func__", impl.function))
        code = getattr(function, "__code__", None)
        if code is not None:
            codes[code] = impl.plugin_name
        module = getattr(impl.function, "__module__", None)
        if module is not None:
            # A module that holds several plugins' implementations names none of them.
            modules[module] = (
                impl.plugin_name if modules.get(module, impl.plugin_name) == impl.plugin_name else None
            )
    by_module: str | None = None
    for frame in frames:
        plugin = codes.get(frame.f_code)
        if plugin is not None:
            return plugin
        if by_module is None:
            by_module = modules.get(frame.f_globals.get("__name__", ""))
    return by_module


# Types that hold no text: kept as they are without a call.
_SCALARS: frozenset[type] = frozenset({int, float, bool, type(None)})


def _gather(value: Any, texts: list[str]) -> Any:
    """A copy of *value* (tuples as lists); each non-empty string is collected in *texts*.

    Dict keys come before their values, in the order a dict comprehension evaluates them. Strings and
    scalars inside dicts and lists are handled inline (most of a step is short strings and numbers),
    everything else by recursion.
    """
    if isinstance(value, str):
        if value:
            texts.append(value)
        return value
    if isinstance(value, dict):
        copy: dict[Any, Any] = {}
        for key, item in value.items():
            if type(key) is str:
                if key:
                    texts.append(key)
            elif type(key) not in _SCALARS:
                key = _gather(key, texts)
            kind = type(item)
            if kind is str:
                if item:
                    texts.append(item)
                copy[key] = item
            elif kind in _SCALARS:
                copy[key] = item
            else:
                copy[key] = _gather(item, texts)
        return copy
    if isinstance(value, list | tuple):
        items: list[Any] = []
        for item in value:
            kind = type(item)
            if kind is str:
                if item:
                    texts.append(item)
                items.append(item)
            elif kind in _SCALARS:
                items.append(item)
            else:
                items.append(_gather(item, texts))
        return items
    return value


def _replace(value: Any, texts: Iterator[str]) -> Any:
    """A copy of *value* with its non-empty strings taken from *texts*, in :func:`_gather`'s order."""
    if isinstance(value, str):
        return next(texts) if value else value
    if isinstance(value, dict):
        return {_replace(k, texts): _replace(v, texts) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_replace(v, texts) for v in value]
    return value


def _withheld(exc: Exception) -> str:
    return f"{type(exc).__name__} (its message is withheld: it may quote the text being redacted)"


def _call_redactor(plugin: str, function: Callable[..., Any], text: str) -> str:
    """*function*'s redaction of *text*; any failure or a non-string result is a RedactionError."""
    try:
        result = function(text=text)
    except Exception as exc:
        raise RedactionError(
            plugin, "redact", f"{type(exc).__name__}: {exc}", summary=_withheld(exc)
        ) from exc
    if not isinstance(result, str):
        raise RedactionError(plugin, "redact", f"returned {type(result).__name__}, not str")
    return result


def _call_batch(plugin: str, function: Callable[..., Any], texts: list[str]) -> list[str]:
    """*function*'s redaction of *texts*; a failure, or anything but as many strings, is a RedactionError."""
    try:
        result = function(texts=texts)
    except Exception as exc:
        raise RedactionError(
            plugin, "redact_batch", f"{type(exc).__name__}: {exc}", summary=_withheld(exc)
        ) from exc
    if not isinstance(result, list) or len(result) != len(texts):
        raise RedactionError(
            plugin, "redact_batch", f"returned {type(result).__name__}, not {len(texts)} strings"
        )
    if not all(map(isinstance, result, repeat(str))):
        raise RedactionError(plugin, "redact_batch", "returned a list holding something other than str")
    return result
