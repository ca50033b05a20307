"""The example in autopilot.testing's docstring (shown in the API reference) runs as written."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import autopilot.testing


@pytest.mark.integration
def test_the_documented_plugin_test_passes(tmp_path: Path) -> None:
    """The docstring's example test, run by pytest with the installed fixtures, passes."""
    doc = autopilot.testing.__doc__ or ""
    example = textwrap.dedent(doc.split("Example, with", 1)[1].split("::\n", 1)[1])
    test_file = tmp_path / "test_example.py"
    test_file.write_text(example)

    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout
