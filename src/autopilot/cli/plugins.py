"""``autopilot plugins``: what is loaded, from where, implementing which hooks; ``plugins trust`` and
``plugins untrust`` decide which project-local plugins (``.autopilot/plugins/*.py``) may run."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

from cyclopts import App, Parameter

from autopilot.cli import context
from autopilot.core.errors import BadInputError

plugins_app = App(
    name="plugins",
    help="List loaded plugins and the hooks they implement; trust or untrust project-local plugins.",
)


@plugins_app.default
def plugins(
    *,
    json_output: Annotated[bool, Parameter(name="--json", negative="")] = False,
    all_plugins: Annotated[bool, Parameter(name="--all", negative="")] = False,
) -> int:
    """List loaded plugins: name, distribution, version and the hooks each implements.

    Plugins that failed to load are listed with the source ``failed`` and the error (exit code 1);
    project-local plugins nobody trusted yet (see ``autopilot plugins trust``) with the source
    ``untrusted``: they were not imported; plugins disabled (``--disable-plugin``,
    ``AUTOPILOT_DISABLE_PLUGINS``) with the source ``disabled``.

    Parameters
    ----------
    json_output
        Print JSON instead of a table.
    all_plugins
        Also list built-in plugins that implement no hook (any other plugin is always listed: one
        without a hook has usually lost its ``@hookimpl``).
    """
    pm = context.plugin_manager()
    infos = [i for i in pm.plugin_infos() if all_plugins or i.hooks or i.source != "builtin"]
    failures = [
        {"name": f.name, "distribution": f.distribution, "version": f.version, "error": f.error}
        for f in pm.load_errors
    ]
    untrusted = [{"name": f"local:{path.stem}", "path": str(path)} for path in pm.untrusted]
    disabled = [{"name": n, "distribution": d, "version": v} for n, d, v in pm.disabled if n != "console"]
    if json_output:
        data = {
            "plugins": [asdict(i) for i in infos],
            "failed": failures,
            "untrusted": untrusted,
            "disabled": disabled,
        }
        context.echo(json.dumps(data, indent=2))
        return 1 if failures else 0
    from rich.table import Table

    table = Table()
    for heading in ("name", "source", "distribution", "version", "hooks"):
        # A narrow terminal breaks long names over lines, never cuts them: a cut name cannot be looked up.
        table.add_column(heading, overflow="fold")
    for info in infos:
        table.add_row(
            info.name,
            info.source,
            info.distribution or "-",
            info.version or "-",
            "\n".join(info.hooks) or "none (no @hookimpl function)",
        )
    for failure in pm.load_errors:
        table.add_row(
            failure.name,
            "failed",
            failure.distribution or "-",
            failure.version or "-",
            f"not loaded: {failure.error}",
        )
    for path in pm.untrusted:
        table.add_row(f"local:{path.stem}", "untrusted", "-", "-", f"not loaded: {context.shown_path(path)}")
    for entry in disabled:
        table.add_row(
            entry["name"], "disabled", entry["distribution"] or "-", entry["version"] or "-", "not loaded"
        )
    context.stdout_console().print(table)
    return 1 if failures else 0


def _local_files(files: list[Path] | None, verb: str) -> list[Path]:
    """*files*, or every project-local plugin of the working directory (none: an error saying what to
    *verb*)."""
    from autopilot.core.pluginmanager import LOCAL_PLUGINS_DIR, local_plugin_files

    if files:
        return files
    found = local_plugin_files(context.project_dir())
    if not found:
        raise BadInputError(f"no plugins in {LOCAL_PLUGINS_DIR}/ here; name the files to {verb}")
    return found


@plugins_app.command(name="trust")
def trust(files: list[Path] | None = None, /) -> int:
    """Let project-local plugins run: record each file's sha256 outside the repository.

    A plugin under ``.autopilot/plugins/`` is code that came with the repository; autopilot imports
    it only once you have read it and trusted it. Trust is kept in
    ``$AUTOPILOT_HOME/trusted-plugins.json``, per file and content: a file that changes (a ``git pull``)
    is not loaded again until you trust it again.

    Parameters
    ----------
    files
        The plugin files to trust (default: every ``.autopilot/plugins/*.py`` of this repository, from
        any directory in it).
    """
    from autopilot.core.pluginmanager import trust_plugins

    for path, digest in trust_plugins(_local_files(files, "trust")).items():
        context.echo(f"trusted {context.shown_path(path)} (sha256 {digest[:16]})")
    return 0


@plugins_app.command(name="untrust")
def untrust(files: list[Path] | None = None, /) -> int:
    """Stop project-local plugins from running (forget their recorded trust).

    Parameters
    ----------
    files
        The plugin files to untrust (default: every ``.autopilot/plugins/*.py`` of this repository).
    """
    from autopilot.core.pluginmanager import untrust_plugins

    chosen = _local_files(files, "untrust")
    forgotten = set(untrust_plugins(chosen))
    for path in chosen:
        context.echo(f"{'untrusted' if path in forgotten else 'was not trusted:'} {context.shown_path(path)}")
    return 0
