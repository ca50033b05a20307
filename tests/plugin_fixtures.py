"""Helpers that install throwaway plugins: as a distribution on sys.path, or as a project-local file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest


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


def write_local_plugin(project: Path, name: str, source: str) -> Path:
    """Write ``.autopilot/plugins/<name>.py`` in *project*."""
    path = project / ".autopilot" / "plugins" / f"{name}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return path
