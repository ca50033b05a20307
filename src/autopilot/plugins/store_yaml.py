"""The built-in issue store: one YAML file per issue, project and session under ``.autopilot/``.

- ``.autopilot/issues/<id>.yaml``, ``.autopilot/projects/<name>.yaml``, ``.autopilot/sessions/<run>.yaml``.
- Files are edited with ruamel.yaml's round-trip mode, so a person's comments and key order survive.
- Every write is validated, redacted (the ``redact`` chain), and atomic (temp file + rename).
- Changes to one issue are serialised by an ``fcntl.flock`` on ``.autopilot/.cache/locks/<id>.lock``:
  the claim is decided on a fresh read of the file under that lock, so of N processes claiming at
  once exactly one wins.
- State changes are committed with GitPython (``commit: commit | stage | off`` in the config), with
  ``Autopilot-Issue:`` / ``Autopilot-Run:`` trailers.
- Listing 10,000 issues stays fast through ``.autopilot/.cache/issues.json``, keyed by each file's
  (mtime_ns, size, inode); the YAML files stay the truth and the cache is never committed.

The module also holds the field-aware three-way merge used by ``autopilot merge-driver``.
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
