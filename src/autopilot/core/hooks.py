"""Typed facade over the plugin manager: the only place the core calls hooks.

Each hookspec has exactly one method here (a meta-test checks it). Error policy per family:

- contribute: the host validates what was registered and names the plugin;
- decide: raising aborts the operation as PluginError;
- observe: implementations are called one by one; a raising one is recorded in :attr:`Hooks.warnings`
  and skipped, unless the manager is strict (then PluginError propagates);
- chain (``redact``): fails closed: any exception aborts the write as RedactionError.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from autopilot.core.errors import AutopilotError, PluginError, RedactionError, StopRun
from autopilot.core.models import Backend, Run, Step, TrajectoryWriter
from autopilot.core.pluginmanager import ESSENTIAL_PLUGINS, AutopilotPluginManager, plugin_error

if TYPE_CHECKING:
    from pathlib import Path

    from autopilot.core.config import Config
    from autopilot.core.issues import IssueStore
    from autopilot.core.trajectory.importer import ImportedRun


class Hooks:
    """Typed, policy-enforcing calls of every hook."""

    def __init__(self, pm: AutopilotPluginManager) -> None:
        self.pm = pm
        self.warnings: list[str] = []
        self._backends: dict[str, type[Backend]] | None = None
        self._redactors: list[tuple[str, Callable[..., Any]]] | None = None
        self._redact_filter: Callable[[list[str]], Any] | None = None

    # -- contribute ---------------------------------------------------------------------------

    def backend_register(self) -> dict[str, type[Backend]]:
        """Every registered backend class by name (collected once per manager)."""
        if self._backends is None:
            backends: dict[str, type[Backend]] = {}
            for impl in reversed(self.pm.hook.backend_register.get_hookimpls()):

                def register(cls: type[Backend], _plugin: str = impl.plugin_name) -> None:
                    if not (isinstance(cls, type) and issubclass(cls, Backend)) or not cls.name:
                        raise PluginError(_plugin, "backend_register", f"{cls!r} is not a named Backend")
                    if cls.name in backends:
                        raise PluginError(_plugin, "backend_register", f"backend {cls.name!r} exists")
                    backends[cls.name] = cls

                self._call_one(impl, "backend_register", {"register": register}, observe=False)
            self._backends = backends
        return self._backends

    def trajectory_writer_register(self, *, config: Config | None = None) -> list[TrajectoryWriter]:
        """Fresh writer instances for one run, in plugin registration order."""
        writers: list[TrajectoryWriter] = []
        for impl in reversed(self.pm.hook.trajectory_writer_register.get_hookimpls()):

            def register(writer: TrajectoryWriter, _plugin: str = impl.plugin_name) -> None:
                if not isinstance(writer, TrajectoryWriter):
                    raise PluginError(_plugin, "trajectory_writer_register", f"{writer!r} is not a writer")
                writers.append(writer)

            self._call_one(
                impl, "trajectory_writer_register", {"register": register, "config": config}, observe=False
            )
        return writers

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
        kwargs = {"agent": agent, "issue": issue, "project": project, "config": config}
        for impl in self.pm.hook.backend_select.get_hookimpls()[::-1]:
            result = self._call_one(impl, "backend_select", kwargs, observe=False)
            if result is not None:
                return str(result)
        from autopilot.core.config import default_agent

        return default_agent(agent, project, config)

    def store_select(self, *, config: Config) -> IssueStore:
        """The issue store for this project: the first plugin's non-None answer."""
        from autopilot.core.issues import IssueStore

        kwargs = {"config": config, "hooks": self}
        for impl in self.pm.hook.store_select.get_hookimpls()[::-1]:
            result = self._call_one(impl, "store_select", kwargs, observe=False)
            if result is None:
                continue
            if not isinstance(result, IssueStore):
                raise PluginError(impl.plugin_name, "store_select", f"returned {result!r}, not an IssueStore")
            return result
        raise AutopilotError("no issue store is available (is the store_yaml plugin disabled?)")

    def trajectory_import(self, *, path: Path, records: list[dict[str, Any]]) -> ImportedRun | None:
        """The first plugin's conversion of *records* (read from *path*), or None if none knows them."""
        from autopilot.core.trajectory.importer import ImportedRun

        kwargs = {"path": path, "records": records}
        for impl in self.pm.hook.trajectory_import.get_hookimpls()[::-1]:
            result = self._call_one(impl, "trajectory_import", kwargs, observe=False)
            if result is None:
                continue
            if not isinstance(result, ImportedRun):
                raise PluginError(
                    impl.plugin_name, "trajectory_import", f"returned {result!r}, not an ImportedRun"
                )
            return result
        return None

    # -- observe ------------------------------------------------------------------------------

    def before_run(self, *, run: Run) -> None:
        self._observe("before_run", run=run)

    def before_step(self, *, run: Run, step: Step) -> str | None:
        """Call every implementation; returns the reason if one raised StopRun."""
        return self._observe("before_step", run=run, step=step)

    def after_step(self, *, run: Run, step: Step) -> None:
        self._observe("after_step", run=run, step=step)

    def on_run_complete(self, *, run: Run) -> None:
        self._observe("on_run_complete", run=run)

    def on_issue_complete(self, *, issue: dict[str, Any], outcome: str, run: Run | None) -> None:
        self._observe("on_issue_complete", issue=issue, outcome=outcome, run=run)

    # -- chain --------------------------------------------------------------------------------

    def _redactor_chain(self) -> list[tuple[str, Callable[..., Any]]]:
        if self._redactors is None:
            impls = self.pm.hook.redact.get_hookimpls()[::-1]  # pluggy's call order
            essential = [i for i in impls if i.plugin_name in ESSENTIAL_PLUGINS]
            others = [i for i in impls if i.plugin_name not in ESSENTIAL_PLUGINS]
            if not essential:
                raise RedactionError("redact_secrets", "redact", "the built-in redactor is not registered")
            # The essential redactor runs last so it also scans every other redactor's output.
            self._redactors = [(i.plugin_name, i.function) for i in (*others, *essential)]
            # Batching (redact_obj) is trusted only from the essential redactor, and only when it is
            # the single one: its ``needs_redaction(texts)`` names the texts its ``redact`` could change.
            found = getattr(essential[0].plugin, "needs_redaction", None) if len(essential) == 1 else None
            self._redact_filter = found if callable(found) else None
        return self._redactors

    def redact(self, *, text: str) -> str:
        """Apply every redactor in order. Fails closed: any problem raises RedactionError."""
        for plugin, function in self._redactor_chain():
            text = _call_redactor(plugin, function, text)
        return text

    def redact_obj(self, value: Any) -> Any:
        """Redact every string (keys included) inside nested dicts, lists and tuples.

        The result is what calling :meth:`redact` on each non-empty string gives (tuples become lists),
        but the essential redactor decides for all strings at once, in one scan, which of them it could
        change, and is called only on those. Every other redactor still receives every string, one by
        one and in the same order, before the essential one sees its output.
        """
        chain = self._redactor_chain()
        check = self._redact_filter
        if check is None:
            return self._redact_each(value)
        others = chain[:-1]
        texts: list[str] = []
        copy = _gather(value, texts, self._chain_of(others) if others else None)
        if not texts:
            return copy
        plugin, function = chain[-1]
        try:
            indexes = check(texts)
            todo = sorted(indexes)
        except Exception as exc:
            raise RedactionError(plugin, "redact", f"{type(exc).__name__}: {exc}") from exc
        if not todo:
            return copy
        if not all(type(i) is int for i in todo) or todo[0] < 0 or todo[-1] >= len(texts):
            raise RedactionError(plugin, "redact", f"needs_redaction returned bad indexes {todo[:3]!r}")
        changed = False
        for index in todo:
            before = texts[index]
            after = _call_redactor(plugin, function, before)
            if after is not before:
                texts[index] = after
                changed = True
        if not changed:
            return copy
        # Rebuild from the original, so that keys redacted to the same text collide as they do per string.
        return _replace(value, iter(texts))

    def _chain_of(self, chain: list[tuple[str, Callable[..., Any]]]) -> Callable[[str], str]:
        def apply(text: str) -> str:
            for plugin, function in chain:
                text = _call_redactor(plugin, function, text)
            return text

        return apply

    def _redact_each(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.redact(text=value) if value else value
        if isinstance(value, dict):
            return {self._redact_each(k): self._redact_each(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self._redact_each(v) for v in value]
        return value

    # -- helpers ------------------------------------------------------------------------------

    def _call_one(self, impl: Any, hook: str, kwargs: dict[str, Any], *, observe: bool) -> Any:
        args = {name: kwargs[name] for name in impl.argnames if name in kwargs}
        try:
            return impl.function(**args)
        except (PluginError, StopRun):
            raise
        except Exception as exc:
            error = plugin_error(impl, hook, exc)
            if observe and not self.pm.strict:
                self.warnings.append(str(error))
                return None
            raise error from exc

    def _observe(self, hook: str, **kwargs: Any) -> str | None:
        stop: str | None = None
        for impl in getattr(self.pm.hook, hook).get_hookimpls()[::-1]:
            if impl.wrapper or impl.hookwrapper:
                continue  # observe hooks are called one by one; wrappers would need pluggy's call loop
            try:
                self._call_one(impl, hook, kwargs, observe=True)
            except StopRun as signal:
                stop = stop or signal.reason
            except PluginError as error:
                if self.pm.strict:
                    raise
                self.warnings.append(str(error))
        return stop


# Types that hold no text: kept as they are without a call.
_SCALARS: frozenset[type] = frozenset({int, float, bool, type(None)})


def _gather(value: Any, texts: list[str], apply: Callable[[str], str] | None) -> Any:
    """A copy of *value* (tuples as lists) with *apply* run on each non-empty string, collected in *texts*.

    Dict keys come before their values, in the order a dict comprehension evaluates them. Without
    *apply*, strings and scalars inside dicts and lists are handled inline (most of a step is short
    strings and numbers), everything else by recursion.
    """
    if isinstance(value, str):
        if value:
            if apply is not None:
                value = apply(value)
            texts.append(value)
        return value
    if isinstance(value, dict):
        if apply is not None:
            return {_gather(k, texts, apply): _gather(v, texts, apply) for k, v in value.items()}
        copy: dict[Any, Any] = {}
        for key, item in value.items():
            if type(key) is str:
                if key:
                    texts.append(key)
            elif type(key) not in _SCALARS:
                key = _gather(key, texts, None)
            kind = type(item)
            if kind is str:
                if item:
                    texts.append(item)
                copy[key] = item
            elif kind in _SCALARS:
                copy[key] = item
            else:
                copy[key] = _gather(item, texts, None)
        return copy
    if isinstance(value, list | tuple):
        if apply is not None:
            return [_gather(item, texts, apply) for item in value]
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
                items.append(_gather(item, texts, None))
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


def _call_redactor(plugin: str, function: Callable[..., Any], text: str) -> str:
    """*function*'s redaction of *text*; any failure or a non-string result is a RedactionError."""
    try:
        result = function(text=text)
    except Exception as exc:
        raise RedactionError(plugin, "redact", f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(result, str):
        raise RedactionError(plugin, "redact", f"returned {type(result).__name__}, not str")
    return result
