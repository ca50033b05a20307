"""The built-in issue store plugin: one YAML file per issue, project and session under ``.autopilot/``.

The store itself is :mod:`autopilot.plugins.store_yaml.store`; it is imported when a command first
needs it, so loading the plugin (which every command does) does not import ruamel.yaml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from autopilot import hookimpl

if TYPE_CHECKING:
    from autopilot.core.config import Config
    from autopilot.core.hooks import Hooks
    from autopilot.core.issues import IssueStore


@hookimpl(trylast=True)
def store_select(config: Config, hooks: Hooks) -> IssueStore:
    """The default store: YAML files in the project's ``.autopilot/``."""
    from autopilot.plugins.store_yaml.store import store_select as select

    return select(config, hooks)
