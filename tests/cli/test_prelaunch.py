"""Starting the agent early for a plain ``autopilot run``: same process the backend would start, or none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autopilot.cli import main, prelaunch
from autopilot.cli.app import app
from autopilot.core import launch
from autopilot.core.config import load_config
from autopilot.core.models import RunRequest
from autopilot.plugins.claude.backend import ClaudeBackend
from autopilot.plugins.codex import command as _codex_cli
from autopilot.testing import ScriptedAnthropic

MODEL = "claude-sonnet-4-5"

# -- parsing: the fast parser agrees with cyclopts on everything it accepts --------------------------

_WORDS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
)
_VALUES: dict[str, st.SearchStrategy[str]] = {
    "agent": st.sampled_from(["claude", "codex"]),
    "model": st.sampled_from(["sonnet", "opus", "gpt-5.5", "claude-haiku-4-5"]),
    "max_budget": st.sampled_from(["0.5", "2", "2.5", "10.25"]),
    "max_turns": st.sampled_from(["1", "3", "40"]),
    "output_dir": st.sampled_from(["logs", "docs/logs", "out dir"]),
    "slug": st.sampled_from(["fix-it", "a"]),
    "cwd": st.sampled_from([".", "sub"]),
    "idle_timeout": st.sampled_from(["5", "0.5"]),
    "timeout": st.sampled_from(["60", "7200"]),
}


@st.composite
def run_command_lines(draw: st.DrawFn) -> list[str]:
    """``run PROMPT`` with a random subset of the options the fast path knows, in random order/forms."""
    names = {**prelaunch.VALUE_OPTIONS, **prelaunch.FLAG_OPTIONS}
    by_key: dict[str, list[str]] = {}
    for name, key in names.items():
        by_key.setdefault(key, []).append(name)
    keys = draw(st.lists(st.sampled_from(sorted(by_key)), unique=True, max_size=6))
    parts: list[list[str]] = []
    for key in keys:
        name = draw(st.sampled_from(by_key[key]))
        if key in _VALUES:
            value = draw(_VALUES[key])
            if name.startswith("--") and draw(st.booleans()):
                parts.append([f"{name}={value}"])
            else:
                parts.append([name, value])
        else:
            parts.append([name])
    prompt = draw(_WORDS.filter(lambda w: not w.startswith("-") and w.strip() != ""))
    parts.insert(draw(st.integers(0, len(parts))), [prompt])
    return ["run", *[token for part in parts for token in part]]


@settings(max_examples=150, deadline=None)
@given(run_command_lines())
def test_fast_parser_agrees_with_cyclopts(tokens: list[str]) -> None:
    """Every command line the fast path accepts means exactly what the real parser makes of it."""
    fast = prelaunch.parse_run(tokens)
    _, bound, _ = app.parse_args(tokens)
    parsed = dict(bound.arguments)
    options = parsed.pop("options", None)  # the run options come as one dataclass: flatten it
    for name, value in (vars(options) if options is not None else {}).items():
        if value is not None:
            parsed["max_budget" if name == "max_budget_usd" else name] = value
    assert fast is not None
    assert fast == {name: str(value) if isinstance(value, Path) else value for name, value in parsed.items()}


@pytest.mark.parametrize(
    "tokens",
    [
        ["run"],
        ["run", "--help"],
        ["run", "task", "--issue", "ABC"],
        ["run", "--full-auto"],
        ["run", "task", "--ui"],
        ["run", "one", "two"],
        ["run", "task", "-m"],
        ["run", "task", "-m", "--json"],
        ["run", "task", "--max-turns", "2.5"],
        ["run", "task", "--max-budget", "-1"],
        ["run", "task", "--json", "--json"],
        ["run", "-", "task"],
        ["--debug", "run", "task"],
        ["issue", "list"],
    ],
)
def test_unusual_command_lines_take_the_normal_path(tokens: list[str]) -> None:
    """Help, issue work, global flags, odd values or repeats are never started early."""
    assert prelaunch.parse_run(tokens) is None
    assert prelaunch.plan(tokens) is None


# -- what would be started ---------------------------------------------------------------------------


def test_claude_plan_is_the_backends_own_spec(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The early Claude process is the one the backend starts itself, waiting for its prompt on stdin."""
    monkeypatch.chdir(git_repo)
    (git_repo / ".autopilot").mkdir()
    (git_repo / ".autopilot" / "config.yaml").write_text(
        "plugins:\n  backend_claude:\n    allowed_tools: [Read]\n    system_prompt_append: Be brief.\n"
    )
    spec = prelaunch.plan(["run", "fix the bug", "-m", "opus", "--max-turns", "3"])
    config = load_config(git_repo)
    backend = ClaudeBackend(config=config)
    own = backend.launch_spec(RunRequest(prompt="fix the bug", cwd=git_repo.resolve(), model="opus"))

    assert spec is not None and own is not None
    assert spec == own
    assert spec.stdin is None  # the prompt is written by the backend, after the plugins had their say
    assert "--allowedTools" in spec.argv and "Be brief." in spec.argv
    assert "fix the bug" not in " ".join(spec.argv)


def test_codex_plan_carries_the_prompt_only_when_safe(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Codex starts early (prompt included) only with nothing but the built-in plugins and enough memory."""
    monkeypatch.chdir(git_repo)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    tokens = ["run", "make out.txt", "--agent", "codex", "-m", "gpt-5.5"]
    spec = prelaunch.plan(tokens)
    config = load_config(git_repo)
    own, _ = _codex_cli.launch_spec(
        _codex_cli.CodexSettings.from_mapping(config.plugin_config("backend_codex")),
        RunRequest(prompt="make out.txt", cwd=git_repo.resolve(), model="gpt-5.5"),
        dict(os.environ),
    )
    assert spec is not None
    assert spec == own
    assert spec.argv[-1] == "make out.txt" and spec.new_session

    monkeypatch.setenv("AUTOPILOT_DISABLE_PLUGINS", "console")
    assert prelaunch.plan(tokens) is None
    monkeypatch.delenv("AUTOPILOT_DISABLE_PLUGINS")

    local = git_repo / ".autopilot" / "plugins"
    local.mkdir(parents=True)
    (local / "mine.py").write_text("")
    assert prelaunch.plan(tokens) is None
    (local / "mine.py").unlink()

    monkeypatch.setenv("AUTOPILOT_MIN_FREE_MEMORY_MB", str(10**9))
    assert prelaunch.plan(tokens) is None


@pytest.mark.parametrize("agent", ["codex", "claude"])
def test_early_start_imports_only_light_modules(agent: str, git_repo: Path) -> None:
    """Working out the early process imports autopilot's own light modules and nothing else: every
    other module (``typing``, ``dataclasses``, ``pathlib``, ``re``, ``subprocess``...) costs
    milliseconds that the agent would wait for."""
    (git_repo / ".autopilot").mkdir()
    (git_repo / ".autopilot" / "config.yaml").write_text(f"agent: {agent}\nmin_free_memory_mb: 0\n")
    probe = (
        "import sys\n"
        "started = set(sys.modules)\n"
        "from autopilot.cli import prelaunch\n"
        "spec = prelaunch.plan(['run', 'fix it', '-m', sys.argv[1]])\n"
        "print(spec is not None, ' '.join(sorted(set(sys.modules) - started)))\n"
    )
    model = "gpt-5.5" if agent == "codex" else "sonnet"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOPILOT_")}
    for _ in range(2):  # the first run parses config.yaml (ruamel) and caches it; the second is typical
        done = subprocess.run(
            [sys.executable, "-c", probe, model],
            cwd=git_repo,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    planned, modules = done.stdout.split(" ", 1)
    others = {m for m in modules.split() if m != "autopilot" and not m.startswith("autopilot.")}
    assert planned == "True"
    assert others <= {"__future__", "encodings.ascii"}, others


def test_memory_floor_reads_meminfo(tmp_path: Path) -> None:
    """The early start's memory check reads MemAvailable, keeps a margin, and says no when unsure."""
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 8000000 kB\nMemAvailable: 1048576 kB\n")
    assert prelaunch.memory_above_floor(512, str(meminfo))
    assert not prelaunch.memory_above_floor(1000, str(meminfo))  # 1024 MiB is within 10% of 1000
    assert prelaunch.memory_above_floor(0, str(tmp_path / "missing"))
    assert not prelaunch.memory_above_floor(1, str(tmp_path / "missing"))


# -- the early process is taken, or stopped --------------------------------------------------------


@pytest.fixture
def offline(scripted_anthropic: ScriptedAnthropic, monkeypatch: pytest.MonkeyPatch) -> ScriptedAnthropic:
    for name, value in scripted_anthropic.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AUTOPILOT_MODEL", MODEL)
    return scripted_anthropic


def _children() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True) if p.status() != psutil.STATUS_ZOMBIE}


@pytest.mark.integration
def test_run_takes_the_early_claude_process(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plain run uses the Claude process started before the plugins loaded, and records it all."""
    offline.script(
        [
            {"tool_use": {"name": "Bash", "input": {"command": "echo hi > hi.txt"}}, "input_tokens": 300},
            {"text": "done", "input_tokens": 400, "output_tokens": 5},
        ]
    )
    before = dict(launch.counts)
    code = main(["run", "write hi.txt", "--json"])
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])

    assert code == 0 and summary["status"] == "success"
    assert (git_repo / "hi.txt").read_text() == "hi\n"
    assert launch.counts["started"] == before["started"] + 1
    assert launch.counts["taken"] == before["taken"] + 1
    assert summary["input_tokens"] == 700
    assert len(offline.requests()) == 2  # one conversation: the early process did the work


@pytest.mark.integration
def test_early_process_is_stopped_when_the_run_never_starts(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run refused before it starts (bad output directory) leaves no early agent process behind."""
    (git_repo / "blocked").write_text("a file, not a directory")
    before, children = dict(launch.counts), _children()
    code = main(["run", "anything", "-o", "blocked/logs"])

    assert code != 0
    assert "error:" in capsys.readouterr().err
    assert launch.counts["started"] == before["started"] + 1
    assert launch.counts["dropped"] == before["dropped"] + 1
    assert launch.pending() is None
    assert _children() <= children
    assert offline.requests() == []  # it never got a prompt


@pytest.mark.integration
def test_early_process_is_replaced_when_a_plugin_changes_the_command(
    offline: ScriptedAnthropic, git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the run's own command differs from the early guess, the guess is stopped and the run is right."""
    offline.script([{"text": "done", "input_tokens": 10, "output_tokens": 1}])
    before = dict(launch.counts)
    assert prelaunch.start(["run", "hello", "-m", "opus"])
    early = launch._pending
    assert early is not None
    # The run that follows asks for another model than the early start guessed.
    code = main(["run", "hello", "-m", MODEL, "--json"])

    assert code == 0
    assert launch.counts["dropped"] >= before["dropped"] + 1
    assert early.process.poll() is not None
    models = [r["body"].get("model") for r in offline.requests() if isinstance(r.get("body"), dict)]
    assert models and set(models) == {MODEL}


def test_spawn_without_prelaunch_starts_a_process(tmp_path: Path) -> None:
    """With nothing prelaunched, spawn starts the process (early input written, stdin closed)."""
    spec = launch.LaunchSpec(["cat"], cwd=str(tmp_path), env=dict(os.environ), stdin=b"abc")
    process, early = launch.spawn(spec)
    assert process.stdout is not None and process.stderr is not None
    out = process.stdout.read()
    process.stdout.close()
    process.stderr.close()
    assert (out, early, process.wait(timeout=10)) == (b"abc", False, 0)


def test_prelaunched_spec_must_match_exactly(tmp_path: Path) -> None:
    """A prelaunched process is handed over only for an equal spec; otherwise it is killed."""
    env = dict(os.environ)
    assert launch.prelaunch(launch.LaunchSpec(["sleep", "30"], cwd=str(tmp_path), env=env))
    early = launch._pending
    assert early is not None
    process, taken = launch.spawn(launch.LaunchSpec(["sleep", "31"], cwd=str(tmp_path), env=env))
    try:
        assert not taken
        assert early.process.poll() is not None  # killed
    finally:
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream:
                stream.close()

    assert launch.prelaunch(launch.LaunchSpec(["sleep", "30"], cwd=str(tmp_path), env=env))
    process, taken = launch.spawn(launch.LaunchSpec(["sleep", "30"], cwd=str(tmp_path), env=env))
    assert taken
    launch._stop(process, False)


def test_prelaunch_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, git_repo: Path) -> None:
    """AUTOPILOT_PRELAUNCH=0 starts nothing early."""
    monkeypatch.chdir(git_repo)
    monkeypatch.setenv("AUTOPILOT_PRELAUNCH", "0")
    assert prelaunch.start(["run", "hello"]) == {"prompt": "hello"}  # still a plain run, nothing started
    assert launch.pending() is None


@pytest.mark.integration
def test_console_script_exits_with_its_code_and_output_flushed(git_repo: Path, tmp_path: Path) -> None:
    """The installed script leaves with the command's exit code and all of its output flushed."""
    script = Path(os.environ.get("VIRTUAL_ENV", "")) / "bin" / "autopilot"
    if not script.exists():
        import shutil

        found = shutil.which("autopilot")
        assert found, "the autopilot script is installed in the test environment"
        script = Path(found)
    done = subprocess.run(
        [str(script), "run", "--json"], cwd=git_repo, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    envelope: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert envelope["error"]["exit_code"] == 2
    assert done.stderr.startswith("error:")
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=120)
    assert version.returncode == 0 and version.stdout.strip()
