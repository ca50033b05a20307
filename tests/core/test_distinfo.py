"""Entry points and versions read from ``*.dist-info`` agree with importlib.metadata (start-up path)."""

from __future__ import annotations

import importlib.metadata as metadata
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autopilot.core import distinfo


@pytest.mark.parametrize("group", ["autopilot", "console_scripts", "pytest11"])
def test_entry_points_match_importlib_metadata(group: str) -> None:
    """Every group reads the same entry points, distributions and versions as importlib.metadata."""
    fast = distinfo.entry_points(group)
    expected = {
        (ep.name, ep.value, distinfo.normalize(ep.dist.name), ep.dist.version)
        for ep in metadata.entry_points(group=group)
        if ep.dist is not None
    }

    assert fast is not None
    assert {(ep.name, ep.value, distinfo.normalize(n), v) for ep, n, v in fast} == expected


def test_versions_match_importlib_metadata() -> None:
    """Installed versions are the same; a missing distribution is None."""
    for name in ("git-autopilot", "pluggy", "claude-agent-sdk", "ruamel.yaml"):
        assert distinfo.version(name) == metadata.version(name)
    assert distinfo.version("no-such-distribution-xyz") is None


def test_entry_point_loads_its_object() -> None:
    """load() imports the module and follows the attribute path."""
    ep = distinfo.EntryPoint("main", "autopilot.cli:main", "console_scripts")
    from autopilot.cli import main

    assert ep.load() is main


def test_unusual_layouts_defer_to_importlib_metadata(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An .egg-info directory or a zip file on sys.path makes the reader step aside (None)."""
    (tmp_path / "old.egg-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    assert distinfo.entry_points("autopilot") is None

    archive = tmp_path / "lib.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    monkeypatch.setattr(sys, "path", [str(archive)])
    assert distinfo.version("git-autopilot") is None


@given(st.text(alphabet=st.sampled_from("aZ09-_.~ é"), max_size=20))
def test_normalize_is_pep_503(name: str) -> None:
    """Distribution names compare as PEP 503's regular expression says."""
    assert distinfo.normalize(name) == re.sub(r"[-_.]+", "-", name).lower()


def test_package_dir_is_where_import_finds_the_package() -> None:
    """A package is found in the directory `import` would load it from, without importing it."""
    import importlib.util

    for name in ("claude_agent_sdk", "codex_cli_bin", "autopilot"):
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.submodule_search_locations
        assert distinfo.package_dir(name) == next(iter(spec.submodule_search_locations))
    assert distinfo.package_dir("no_such_package_here") is None
