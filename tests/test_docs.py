"""The documentation site: a strict Sphinx build of docs/ (what CI runs), and that strictness itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def sphinx_build(source: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """The build CONTRIBUTING.md documents: warnings are errors (-W), every reference must resolve (-n)."""
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q", "-E", "-b", "html"]
    return subprocess.run([*command, str(source), str(out)], capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_docs_site_builds_in_strict_mode(tmp_path: Path) -> None:
    """docs/ builds without a warning: getting-started pages, profiling, hooks and the API reference."""
    result = sphinx_build(ROOT / "docs", tmp_path / "site")
    api = (tmp_path / "site" / "reference" / "api.html").read_text()

    assert result.returncode == 0, result.stderr
    for page in ("index", "getting-started/troubleshooting", "profiling", "plugins/hooks"):
        assert (tmp_path / "site" / f"{page}.html").is_file(), page
    for name in (
        "autopilot.Backend",
        "autopilot.core.hookspecs.backend_select",
        "autopilot.testing.fixtures.scripted_anthropic",
    ):
        assert f'id="{name}"' in api, name


@pytest.mark.slow
def test_strict_build_fails_on_broken_links_and_references(tmp_path: Path) -> None:
    """A link to a missing page, a missing section, or an unknown autopilot name fails the build."""
    source = tmp_path / "docs"
    source.mkdir()
    shutil.copy(ROOT / "docs" / "conf.py", source / "conf.py")
    (source / "index.md").write_text(
        "# Home\n\n"
        "See [the guide](guide.md), [a section](index.md#no-such-section)"
        " and {py:class}`autopilot.NoSuchThing`.\n"
    )

    result = sphinx_build(source, tmp_path / "site")

    assert result.returncode != 0
    assert "guide.md" in result.stderr
    assert "no-such-section" in result.stderr
    assert "autopilot.NoSuchThing" in result.stderr
