"""Install git-autopilot from this checkout into a throwaway virtual environment, as a user has it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: uv's hint when a package is missing from its cache and the network is off.
OFFLINE_HINT = "network was disabled"


def uv_binary() -> str:
    """The ``uv`` executable (the test is skipped without one)."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed")
    return uv


def install_git_autopilot(venv: Path) -> Path:
    """Create *venv* with git-autopilot built as a wheel from this checkout (not editable, so its data
    files such as the man page are installed) and its locked dependencies; return its ``bin`` directory.

    Offline: ``uv sync --frozen`` takes every dependency from uv.lock's URLs, which uv's cache holds after
    any ``uv sync`` (``uv pip install .`` would also need the package index's pages, which it may not).
    The test is skipped only when a package is missing from the cache.
    """
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv)}
    env.pop("VIRTUAL_ENV", None)
    command = [uv_binary(), "sync", "--frozen", "--offline", "--no-dev", "--no-editable", "--quiet"]
    # --no-config: no bytecode compilation (pyproject's tool.uv), seconds saved; the rebuild of
    # git-autopilot: uv caches a local project's wheel by its pyproject.toml, not by its sources.
    command += ["--no-config", "--reinstall-package", "git-autopilot"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0 and OFFLINE_HINT in result.stderr:
        pytest.skip(f"a dependency is not in uv's cache and the network is off: {result.stderr[-300:]}")
    assert result.returncode == 0, result.stderr
    return venv / "bin"
