"""Both backends fail fast and say why: a model server that is down, credentials that are missing."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from autopilot.cli import main
from autopilot.core.trajectory.files import load_trajectory
from autopilot.plugins.claude.backend import UNREACHABLE_ATTEMPTS
from autopilot.plugins.codex.backend import UNREACHABLE_NOTICES
from autopilot.plugins.codex.settings import CodexSettings, credentials_problem
from autopilot.testing import ScriptedAnthropic

#: Credentials either agent could pick up from the caller's environment.
AMBIENT_CREDENTIALS = (
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "CLAUDE_CODE_OAUTH_TOKEN",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "CODEX_API_KEY",
    "CODEX_ACCESS_TOKEN",
)


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def project(git_repo: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    """The repository, with no credentials in the environment and the agents' default retries."""
    transport = getattr(request, "param", "cli")
    (git_repo / ".autopilot").mkdir(exist_ok=True)
    (git_repo / ".autopilot" / "config.yaml").write_text(
        f"schema_version: 1\nmin_free_memory_mb: 0\nplugins:\n  backend_claude:\n    transport: {transport}\n"
    )
    for name in AMBIENT_CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    return git_repo


def claude_env(server: ScriptedAnthropic, monkeypatch: pytest.MonkeyPatch, **changes: str | None) -> None:
    """The scripted server's hermetic Claude environment in os.environ, with Claude Code's own retries."""
    env: dict[str, Any] = {**server.env, **changes}
    env.pop("CLAUDE_CODE_MAX_RETRIES")
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("AUTOPILOT_MODEL", "claude-sonnet-4-5")


def codex_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> Path:
    home = tmp_path / "codex-home"
    home.mkdir()
    monkeypatch.setenv("CODEX_HOME", str(home))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AUTOPILOT_AGENT", "codex")
    monkeypatch.setenv("AUTOPILOT_MODEL", "gpt-5.5")
    return home


def run_human(capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str, Any]:
    """`autopilot run` as a person sees it: exit code, stdout, stderr, and the recorded run."""
    code = main(["run", "say hi"])
    captured = capsys.readouterr()
    (final,) = (Path.cwd() / "docs" / "logs").rglob("*.json")
    return code, captured.out, captured.err, load_trajectory(final).run


def retries(run: Any) -> int:
    return sum(1 for step in run.steps if step.subtype == "api_retry")


@pytest.mark.integration
@pytest.mark.parametrize("project", ["cli", "sdk"], indirect=True)
def test_claude_fails_within_a_few_attempts_when_the_model_server_is_down(
    scripted_anthropic: ScriptedAnthropic,
    project: Path,
    closed_port: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Connection refused: Claude stops after a few attempts (not ten) and the error names the URL."""
    url = f"http://127.0.0.1:{closed_port}"
    claude_env(scripted_anthropic, monkeypatch, ANTHROPIC_BASE_URL=url)

    code, out, err, run = run_human(capsys)

    assert code == 1
    assert f"error: Claude Code cannot reach the model server at {url} (ANTHROPIC_BASE_URL)" in err
    assert retries(run) == UNREACHABLE_ATTEMPTS
    assert "resume with" not in out


@pytest.mark.integration
def test_codex_fails_within_a_few_attempts_when_the_model_server_is_down(
    project: Path,
    closed_port: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Connection refused: codex stops after a few retries (not five rounds) and the error names the URL."""
    url = f"http://127.0.0.1:{closed_port}/v1"
    codex_env(tmp_path, monkeypatch, OPENAI_BASE_URL=url, OPENAI_API_KEY="sk-" + "scripted")

    code, out, err, run = run_human(capsys)

    assert code == 1
    assert f"error: codex cannot reach the model server at {url} (OPENAI_BASE_URL)" in err
    assert retries(run) == UNREACHABLE_NOTICES
    assert "resume with" not in out


@pytest.mark.integration
def test_claude_without_credentials_says_which_variable_or_login_to_provide(
    scripted_anthropic: ScriptedAnthropic,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No API key and no login: the error names ANTHROPIC_API_KEY and `claude setup-token`, no resume hint."""
    claude_env(scripted_anthropic, monkeypatch, ANTHROPIC_API_KEY=None)

    code, out, err, _ = run_human(capsys)

    assert code == 1
    assert "error: Claude Code has no credentials: set ANTHROPIC_API_KEY" in err
    assert "`claude setup-token`" in err and "CLAUDE_CODE_OAUTH_TOKEN" in err
    assert "resume with" not in out
    assert scripted_anthropic.requests() == []


@pytest.mark.integration
def test_codex_without_credentials_says_which_variable_or_login_to_provide(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No API key and no `codex login`: the error names OPENAI_API_KEY and `codex login`, no resume hint."""
    home = codex_env(tmp_path, monkeypatch)

    code, out, err, _ = run_human(capsys)

    assert code == 1
    assert "error: codex has no credentials: set OPENAI_API_KEY" in err
    assert f"`CODEX_HOME={home} codex login`" in err
    assert "resume with" not in out


@pytest.mark.parametrize(
    ("env", "files", "reported"),
    [
        ({}, {}, "codex has no credentials"),
        ({"OPENAI_API_KEY": "k"}, {}, ""),
        ({"CODEX_API_KEY": "k"}, {}, ""),
        ({}, {"auth.json": "{}"}, ""),
        ({}, {"config.toml": 'model_provider = "ollama"\n'}, ""),
        ({"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}, {}, "OPENAI_API_KEY is not"),
        ({"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "k"}, {}, ""),
    ],
)
def test_codex_credentials_are_judged_before_codex_starts(
    env: dict[str, str], files: dict[str, str], reported: str, tmp_path: Path
) -> None:
    """Missing codex credentials are found in the environment and CODEX_HOME; a custom provider is trusted."""
    for name, text in files.items():
        (tmp_path / name).write_text(text)

    problem = credentials_problem(CodexSettings(), env, tmp_path) or ""

    assert bool(reported) == bool(problem) and reported in problem
