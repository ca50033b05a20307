"""The built-in issue store plugin: one YAML file per issue, project and session under ``.autopilot/``.

The implementation (and its description) is in :mod:`autopilot.plugins._store_yaml`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from autopilot import hookimpl

if TYPE_CHECKING:
    from autopilot.core.config import Config
    from autopilot.core.hooks import Hooks
    from autopilot.core.store import IssueStore


# The store (ruamel.yaml, the issue model) lives in ``_store_yaml`` and is imported on first use, so
# loading the plugin, which every command does, costs nothing; its names stay importable from here.
def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    from autopilot.plugins import _store_yaml

    return getattr(_store_yaml, name)


@hookimpl(trylast=True)
def store_select(config: Config, hooks: Hooks) -> IssueStore:
    """The default store: YAML files in the project's ``.autopilot/``."""
    from autopilot.plugins._store_yaml import store_select as select

    return select(config, hooks)


__all__ = ["YamlStore", "merge_documents", "store_select"]  # noqa: F822 (provided by __getattr__)
