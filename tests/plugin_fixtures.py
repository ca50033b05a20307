"""Helpers that install throwaway plugins: as a distribution on sys.path, or as a project-local file."""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest

from autopilot import ToolDecision, hookimpl


def install_distribution(
    monkeypatch: pytest.MonkeyPatch,
    root: Path,
    *,
    dist: str,
    version: str,
    entry_name: str,
    module: str,
    source: str,
) -> None:
    """Make an importable module plus a ``<dist>.dist-info`` with an ``autopilot`` entry point."""
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{module}.py").write_text(textwrap.dedent(source))
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[autopilot]\n{entry_name} = {module}\n")
    monkeypatch.syspath_prepend(str(root))


def install_example(monkeypatch: pytest.MonkeyPatch, example: Path, root: Path) -> None:
    """Install the plugin in *example* (a folder of ``examples/``) as a distribution on sys.path, from
    its own ``pyproject.toml`` and source."""
    project = tomllib.loads((example / "pyproject.toml").read_text())["project"]
    ((entry_name, module),) = project["entry-points"]["autopilot"].items()
    install_distribution(
        monkeypatch,
        root,
        dist=project["name"],
        version=project["version"],
        entry_name=entry_name,
        module=module,
        source=(example / f"{module}.py").read_text(),
    )


def write_local_plugin(project: Path, name: str, source: str, *, trust: bool = True) -> Path:
    """Write ``.autopilot/plugins/<name>.py`` in *project*, trusted (as `autopilot plugins trust` does)
    unless *trust* is False."""
    from autopilot.core.pluginmanager import trust_plugins

    path = project / ".autopilot" / "plugins" / f"{name}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    if trust:
        trust_plugins([path])
    return path


class RmGuard:
    """A guard plugin: any command that removes files gets *action* (``deny`` or ``stop``)."""

    reason = "no rm in this repository"

    def __init__(self, action: str = "deny") -> None:
        self.action = action
        self.asked: list[tuple[str, Any]] = []

    @hookimpl(tryfirst=True)
    def before_tool_use(self, tool: str, input: Any) -> ToolDecision | None:
        self.asked.append((tool, input))
        command = input.get("command") if isinstance(input, dict) else None
        if not isinstance(command, str) or "rm " not in command:
            return None
        return ToolDecision(self.action, self.reason)  # type: ignore[arg-type]
