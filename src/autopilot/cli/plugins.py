"""``autopilot plugins``: what is loaded, from where, implementing which hooks."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

from cyclopts import Parameter

from autopilot.cli import context


def plugins(
    *,
    json_output: Annotated[bool, Parameter(name="--json", negative="")] = False,
    all_plugins: Annotated[bool, Parameter(name="--all", negative="")] = False,
) -> int:
    """List loaded plugins: name, distribution, version and the hooks each implements.

    Parameters
    ----------
    json_output
        Print JSON instead of a table.
    all_plugins
        Also list plugins that implement no hook.
    """
    pm = context.plugin_manager()
    infos = [i for i in pm.plugin_infos() if all_plugins or i.hooks]
    failures = [
        {"name": f.name, "distribution": f.distribution, "version": f.version, "error": f.error}
        for f in pm.load_errors
    ]
    if json_output:
        context.echo(json.dumps({"plugins": [asdict(i) for i in infos], "failed": failures}, indent=2))
        return 0
    from rich.table import Table

    table = Table("name", "source", "distribution", "version", "hooks")
    for info in infos:
        table.add_row(
            info.name, info.source, info.distribution or "-", info.version or "-", ", ".join(info.hooks)
        )
    context.stdout_console().print(table)
    return 1 if failures else 0
