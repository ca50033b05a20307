"""``autopilot run``, ``resume``, ``doctor``: CLI behaviour, signals, kill -9 and resume, secrets."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import string
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from tests.trajectory_builders import record, typical_script

from autopilot.cli import context, main
from autopilot.core.hooks import Hooks
from autopilot.core.processes import read_pid_files
from autopilot.core.trajectory.files import load_trajectory, schema_error
from autopilot.testing import ScriptedAnthropic

MODEL = "claude-sonnet-4-5"


def bash(command: str, **extra: Any) -> dict[str, Any]:
    return {"tool_use": {"name": "Bash", "input": {"command": command}}, **extra}


@pytest.fixture(params=["cli", "sdk"])
def claude_transport(request: pytest.FixtureRequest) -> str:
    """Both transports of the Claude backend (the bundled CLI directly, or through the SDK)."""
    config = Path.cwd() / ".autopilot" / "config.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"schema_version: 1\nplugins:\n  backend_claude:\n    transport: {request.param}\n")
    return str(request.param)


@pytest.fixture
def offline(
    scripted_anthropic: ScriptedAnthropic, monkeypatch: pytest.MonkeyPatch, claude_transport: str
) -> ScriptedAnthropic:
    """The scripted server's environment in os.environ, so ``autopilot run`` picks it up (each transport)."""
    for name, value in scripted_anthropic.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AUTOPILOT_MODEL", MODEL)
    return scripted_anthropic


def summary_of(out: str) -> dict[str, Any]:
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.integration
def test_run_json_summary(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json prints one summary line with the documented keys and no progress at all."""
    offline.script(
        [
            bash("echo made > made.txt", input_tokens=400, output_tokens=30),
            {"text": "done", "input_tokens": 500, "output_tokens": 5},
        ]
    )
    code = main(["run", "make a file", "--json", "-s", "make-file"])
    captured = capsys.readouterr()
    summary = summary_of(captured.out)
    data = json.loads(Path(summary["trajectory"]).read_text())

    assert code == 0
    assert len(captured.out.strip().splitlines()) == 1
    assert "CALL" not in captured.err
    assert {
        "run_id",
        "trajectory",
        "rlog",
        "status",
        "cost_usd",
        "input_tokens",
        "output_tokens",
        "num_turns",
        "duration_ms",
    } <= set(summary)
    assert (summary["status"], summary["input_tokens"], summary["output_tokens"], summary["num_turns"]) == (
        "success",
        900,
        35,
        2,
    )
    assert Path(summary["trajectory"]).name.endswith("-make-file.json")
    assert Path(summary["trajectory"]).is_relative_to(git_repo / "docs" / "logs")
    assert data["run_id"] == summary["run_id"] and schema_error(data) is None
    assert (git_repo / "made.txt").exists()


@pytest.mark.integration
def test_run_json_summary_says_which_limit_stopped_the_run(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A script reading --json learns why the run stopped, not only that it did (status max_turns)."""
    offline.script([bash("echo one > one.txt"), bash("echo two > two.txt"), {"text": "done"}])
    code = main(["run", "make files", "--json", "--max-turns", "1"])
    summary = summary_of(capsys.readouterr().out)

    assert (code, summary["status"], summary["error"]) == (1, "max_turns", None)
    assert summary["stop_reason"] == "max turns: the model wanted more than 1 turn(s)"


@pytest.mark.integration
def test_run_shows_progress_and_summary(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --json people see each step on stderr and a closing summary with paths on stdout."""
    offline.script([bash("true"), {"text": "finished"}])
    code = main(["run", "do it", "-o", "runs"])
    captured = capsys.readouterr()

    assert code == 0
    assert "CALL Bash" in captured.err and "run ended: success" in captured.err
    assert ": success" in captured.out and "trajectory" in captured.out and "cost $" in captured.out
    assert list((git_repo / "runs").rglob("*.json"))


def test_run_issue_hands_over_to_the_issue_queue(capsys: pytest.CaptureFixture[str]) -> None:
    """--issue naming no issue in the queue is a clear usage error."""
    code = main(["run", "--issue", "ISSUE-1"])

    assert code == 2
    assert "no issue 'ISSUE-1'" in capsys.readouterr().err


def test_run_needs_a_prompt(capsys: pytest.CaptureFixture[str]) -> None:
    """No prompt and no issue: exit 2 with what to do."""
    code = main(["run"])

    assert code == 2
    assert "say what the agent should do" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "x", "-b", "-1"], "the budget (--max-budget) must be more than 0 USD (got -1)"),
        (["run", "x", "-b", "0"], "the budget (--max-budget) must be more than 0 USD (got 0)"),
        (["run", "x", "--max-turns", "-3"], "max turns (--max-turns) must be more than 0 (got -3)"),
        (
            ["run", "x", "--idle-timeout", "-1"],
            "the idle timeout (--idle-timeout) must be more than 0 seconds",
        ),
        (["run", "x", "--timeout", "0"], "the timeout (--timeout) must be more than 0 seconds (got 0)"),
        (["resume", "--continue", "-b", "-1"], "the budget (--max-budget) must be more than 0 USD (got -1)"),
        # cyclopts would round these to 2 turns (or issues), more than the 1.5 asked for
        (["run", "x", "--max-turns", "1.5"], "Invalid value for --max-turns: '1.5' is not a whole number"),
        (
            ["resume", "--continue", "--max-turns", "1.5"],
            "Invalid value for --max-turns: '1.5' is not a whole",
        ),
        (
            ["run", "--full-auto", "--max-issues", "2.5"],
            "Invalid value for --max-issues: '2.5' is not a whole",
        ),
    ],
)
def test_out_of_range_numbers_are_refused_before_anything_starts(
    git_repo: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """A budget, turn count or timeout of 0 or less, or a count that is not whole: one `error:` line,
    exit 2, no run recorded."""
    code = main(args)
    err = capsys.readouterr().err

    assert code == 2
    assert err.startswith(f"error: {message}") and err.count("\n") == 1
    assert not (git_repo / "docs").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [("README.md", "a file, not a directory"), ("nowhere", "no such directory")],
)
def test_cwd_that_is_not_a_directory_is_one_error_line(
    git_repo: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    """`run --cwd README.md` says the path is a file (not "no such directory"), exit 2, no run."""
    (git_repo / "README.md").write_text("# a file\n")

    code = main(["run", "x", "--cwd", name])
    err = capsys.readouterr().err

    assert code == 2
    assert err.startswith(f"error: --cwd {git_repo / name}: {message}") and err.count("\n") == 1
    assert not (git_repo / "docs").exists()


def test_unknown_agent(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown --agent names the available ones (exit 2)."""
    code = main(["run", "x", "--agent", "nobody"])

    assert code == 2
    assert capsys.readouterr().err == "error: --agent: unknown agent 'nobody' (available: claude, codex)\n"


def test_unknown_agent_in_the_config_names_the_file_and_field(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`agent: clade` in .autopilot/config.yaml: one error line naming the file and the field, exit 2."""
    config = git_repo / ".autopilot" / "config.yaml"
    config.parent.mkdir()
    config.write_text("agent: clade\n")

    code = main(["run", "x"])

    assert code == 2
    assert (
        capsys.readouterr().err
        == f"error: {config}: agent: unknown agent 'clade' (available: claude, codex)\n"
    )


def test_unknown_agent_from_a_backend_select_plugin_names_the_plugin(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A `backend_select` plugin that answers a backend nobody registered: the error names the plugin
    (it used to say only "a backend_select plugin", leaving the user to find which), exit 2."""
    from tests.plugin_fixtures import write_local_plugin

    source = "from autopilot import hookimpl\n\n@hookimpl\ndef backend_select():\n    return 'nosuch'\n"
    write_local_plugin(git_repo, "picker", source)

    code = main(["run", "x"])

    assert code == 2
    assert capsys.readouterr().err == (
        "error: backend_select (plugin local:picker): unknown agent 'nosuch' (available: claude, codex)\n"
    )


@pytest.mark.parametrize(
    ("plugin", "agent", "typo"),
    [("backend_codex", "codex", "sandbx"), ("backend_claude", "claude", "permision_mode")],
)
def test_a_typo_in_a_backends_settings_names_the_config_file(
    git_repo: Path, capsys: pytest.CaptureFixture[str], plugin: str, agent: str, typo: str
) -> None:
    """A misspelt backend setting in .autopilot/config.yaml: the error names the file and the
    setting, in `run` and in `doctor`, so the user knows where to look."""
    config = git_repo / ".autopilot" / "config.yaml"
    config.parent.mkdir()
    config.write_text(f"plugins:\n  {plugin}:\n    {typo}: x\n")

    code = main(["run", "x", "--agent", agent, "-q"])
    err = capsys.readouterr().err
    main(["doctor"])
    doctor = capsys.readouterr().out

    assert code == 1
    assert f"error: {config}: plugins.{plugin}: unknown setting '{typo}'" in err
    assert f"not usable: {config}: plugins.{plugin}: unknown setting '{typo}'" in doctor


def test_unknown_agent_of_a_project_names_the_project(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A project whose file names a mistyped agent (`project create` refuses one, a hand edit does
    not): its runs fail with an error naming the project."""
    main(["project", "create", "web", "--agent", "claude"])
    project = git_repo / ".autopilot" / "projects" / "web.yaml"
    project.write_text(project.read_text().replace("agent: claude", "agent: cladue"))
    capsys.readouterr()

    code = main(["run", "x", "--project", "web"])

    assert code == 2
    assert (
        capsys.readouterr().err
        == "error: project web: agent: unknown agent 'cladue' (available: claude, codex)\n"
    )


def test_low_memory_refuses_to_start(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Below the memory floor nothing starts and the error names the setting."""
    monkeypatch.setenv("AUTOPILOT_MIN_FREE_MEMORY_MB", str(10**9))
    code = main(["run", "x"])

    assert code == 1
    assert "min_free_memory_mb" in capsys.readouterr().err
    assert not (git_repo / "docs").exists()


def test_resume_without_runs(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """resume --continue with no earlier run is a clear usage error."""
    code = main(["resume", "--continue"])

    assert code == 2
    assert "no runs here yet" in capsys.readouterr().err


def test_resume_refuses_a_run_whose_directory_is_gone(
    git_repo: Path, hooks: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run whose working directory was removed (a finished demo's, a deleted checkout) is not
    resumed here instead: the agent would carry on its task in another directory."""
    gone = tmp_path / "removed-checkout"
    script = typical_script()
    script.cwd = str(gone)
    recorded = record(hooks, git_repo / "docs" / "logs", script, status="interrupted")

    code = main(["resume", "--continue"])
    last_line = capsys.readouterr().err.splitlines()[-1]

    assert code == 2
    assert last_line.startswith(
        f"error: {recorded.json_path}: the run worked in {gone}, which no longer exists"
    )
    assert not gone.exists()


def test_doctor_reports_memory(capsys: pytest.CaptureFixture[str]) -> None:
    """doctor --json reports available memory against the floor and no leftovers."""
    code = main(["doctor", "--json"])
    report = json.loads(capsys.readouterr().out)

    assert code == 0
    assert report["memory"]["available_mb"] > 0 and report["runs"] == []


def test_doctor_says_which_limits_a_run_gets_and_where_each_comes_from(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before spending, `doctor` shows the budget, turns and watchdogs a run would get without flags,
    each with the variable, file or default it comes from (a variable wins over the file)."""
    Path(".autopilot").mkdir()
    Path(".autopilot/config.yaml").write_text("max_budget_usd: 0.005\nmax_turns: 8\ntimeout: 0\n")
    monkeypatch.setenv("AUTOPILOT_MAX_TURNS", "3")
    monkeypatch.delenv("AUTOPILOT_MAX_BUDGET", raising=False)
    monkeypatch.delenv("AUTOPILOT_IDLE_TIMEOUT", raising=False)
    monkeypatch.delenv("AUTOPILOT_TIMEOUT", raising=False)

    main(["doctor"])
    lines = capsys.readouterr().out.splitlines()
    main(["doctor", "--json"])
    limits = json.loads(capsys.readouterr().out)["limits"]

    assert (
        "limits: budget $0.005 per run (.autopilot/config.yaml), turns 3 (AUTOPILOT_MAX_TURNS), "
        "idle timeout 900 s (default), timeout none (.autopilot/config.yaml)"
    ) in lines
    assert limits["max_turns"] == {"value": 3, "from": "AUTOPILOT_MAX_TURNS"}
    assert limits["idle_timeout"] == {"value": 900, "from": "default"}


def test_doctor_says_where_each_agent_finds_its_credentials(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Before a first real run, `doctor` says where Claude and Codex would find their credentials, or
    how to give them some, naming no secret; it is no problem (exit 0): a project may use one agent."""
    for name in (
        "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "OPENAI_API_KEY",
        "CODEX_API_KEY", "CODEX_ACCESS_TOKEN", "CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX",
        "CLAUDE_CODE_USE_FOUNDRY", "OPENAI_BASE_URL",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    claude_home, codex_home = tmp_path / "claude-config", tmp_path / "codex-home"
    claude_home.mkdir()
    codex_home.mkdir()
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(claude_home))
    monkeypatch.setenv("CODEX_HOME", str(codex_home))
    key = "sk-ant-" + os.urandom(8).hex()

    code = main(["doctor"])
    without = capsys.readouterr().out.splitlines()
    (claude_home / ".credentials.json").write_text("{}")
    monkeypatch.setenv("OPENAI_API_KEY", key)
    main(["doctor"])
    logged_in = capsys.readouterr().out
    monkeypatch.setenv("ANTHROPIC_API_KEY", key)
    main(["doctor", "--json"])
    credentials = json.loads(capsys.readouterr().out)["credentials"]

    assert code == 0
    claude_advice = "claude: no credentials found: set ANTHROPIC_API_KEY, or run `claude setup-token`"
    assert any(line.startswith(claude_advice) for line in without)
    assert any(line.startswith("codex: no credentials found: set OPENAI_API_KEY") for line in without)
    login = claude_home / ".credentials.json"
    assert f"claude: credentials from Claude Code's login ({login})" in logged_in.splitlines()
    assert "codex: credentials from OPENAI_API_KEY" in logged_in.splitlines()
    assert credentials["claude"] == {"found": "ANTHROPIC_API_KEY", "advice": None}
    assert key not in logged_in + json.dumps(credentials)


def test_doctor_names_the_claude_cli_runs_use_without_loading_the_sdk() -> None:
    """doctor names the configured Claude Code CLI (`cli_path`) as runs would use it, and answers
    without importing claude-agent-sdk, which takes seconds."""
    Path(".autopilot").mkdir()
    Path(".autopilot/config.yaml").write_text("plugins:\n  backend_claude:\n    cli_path: /usr/bin/true\n")
    probe = (
        "import sys; from autopilot.cli import main; main(['doctor']); "
        "print('claude_agent_sdk' in sys.modules)"
    )

    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)

    assert "claude CLI: /usr/bin/true" in done.stdout.splitlines()
    assert done.stdout.splitlines()[-1] == "False"


def test_doctor_names_the_codex_binary_runs_use(capsys: pytest.CaptureFixture[str]) -> None:
    """doctor says which codex `--agent codex` runs, and why it cannot when the configured one is
    missing, beside the Claude Code CLI."""
    import codex_cli_bin

    main(["doctor"])
    bundled = capsys.readouterr().out
    Path(".autopilot").mkdir()
    Path(".autopilot/config.yaml").write_text("plugins:\n  backend_codex:\n    binary: /nowhere/codex\n")
    context.reset()
    main(["doctor"])
    missing = capsys.readouterr().out

    assert "codex CLI: bundled codex " in bundled and f"({codex_cli_bin.bundled_codex_path()})" in bundled
    assert (
        "codex CLI: not usable: plugins.backend_codex.binary: codex binary '/nowhere/codex' not found "
        "or not executable"
    ) in missing.splitlines()


# ------------------------------------------------------------------------------------------------
# Real processes: signals, kill -9, resume


def start_run(repo: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "autopilot", "run", "long task", *args],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def wait_for_journal(repo: Path, needle: str, timeout: float = 90) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for journal in (repo / "docs" / "logs").rglob("*.journal.jsonl") if (repo / "docs").exists() else []:
            if needle in journal.read_text(errors="replace"):
                return journal
        time.sleep(0.1)
    raise AssertionError(f"no journal with {needle!r} within {timeout} s")


def wait_for_descendant(parent: psutil.Process, needle: str, timeout: float = 60) -> psutil.Process:
    """The first descendant of *parent* whose command line holds *needle* (waits for it to start)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in parent.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if needle in " ".join(child.cmdline()):
                    return child
        time.sleep(0.05)
    raise AssertionError(f"no process running {needle!r} within {timeout} s")


def child_pids_of_run() -> list[int]:
    records = read_pid_files()
    return [pid for record in records for pid in record.children]


@pytest.mark.integration
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_interrupts_cleanly_then_resume(
    offline: ScriptedAnthropic, git_repo: Path, signum: int, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """SIGINT/SIGTERM mid-tool: the agent's processes stop, status interrupted, exit 130/143, resumable;
    the agent's end, which autopilot caused, is not recorded as an error of the agent."""
    offline.script(
        [
            bash('python3 -c "import time; time.sleep(60)"', input_tokens=300),
            *[{"text": "resumed and finished", "input_tokens": 400}] * 2,
        ]
    )
    # Resuming an interrupted tool call, the CLI adds a synthetic assistant message: turn 1 or 2 answers.
    with start_run(git_repo) as process:
        wait_for_journal(git_repo, '"tool_call"')
        children = child_pids_of_run()
        process.send_signal(signum)
        out, _ = process.communicate(timeout=60)

    assert process.returncode == code
    assert "resume with: autopilot resume --trajectory" in out
    (final,) = (git_repo / "docs" / "logs").rglob("*.json")
    run = load_trajectory(final).run
    assert run.result.status == "interrupted"
    assert [step.type for step in run.steps if step.type == "error"] == []
    assert run.usage.input_tokens == 300
    assert children and not [
        pid
        for pid in children
        if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    ]
    assert read_pid_files() == []

    resumed = main(["resume", "--trajectory", str(final), "--json"])
    summary = summary_of(capsys.readouterr().out)
    again = load_trajectory(final).run

    assert resumed == 0 and summary["status"] == "success"
    assert again.run_id == run.run_id and summary["run_id"] == run.run_id
    assert [s.to_dict() for s in again.steps[: len(run.steps)]] == [s.to_dict() for s in run.steps]
    assert again.result.final_text == "resumed and finished"
    assert again.resumes[-1]["from_status"] == "interrupted"
    assert again.session_ids == [run.session_id]
    assert again.usage.input_tokens == 700


@pytest.mark.integration
def test_kill_9_then_analyze_doctor_and_resume(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str], claude_transport: str
) -> None:
    """After kill -9 the agent stops too (on either transport: the SDK starts the CLI itself, and a
    watchdog stops it), the journal analyzes, doctor cleans leftovers, and resume --continue finishes."""
    offline.script(
        [
            bash('python3 -c "import time; time.sleep(120)"', input_tokens=250, output_tokens=10),
            *[{"text": "picked up again", "input_tokens": 260}] * 2,
        ]
    )
    with start_run(git_repo) as process:
        journal = wait_for_journal(git_repo, '"tool_call"')
        children = psutil.Process(process.pid).children()
        (agent,) = [child for child in children if "_watch(" not in " ".join(child.cmdline())]
        wait_for_descendant(agent, "time.sleep(120)")
        process.kill()
        process.communicate(timeout=30)

    # The agent does not run on unsupervised (Linux: it is signalled when autopilot dies).
    _, alive = psutil.wait_procs(children, timeout=15)  # the agent, and its watchdog on the SDK's
    assert all(child.status() == psutil.STATUS_ZOMBIE for child in alive)

    assert main(["analyze", str(journal), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["runs"] == 1 and figures["input_tokens"] == 250
    assert figures["statuses"] == {"incomplete": 1}

    assert main(["doctor", "--clean", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [entry["state"] for entry in report["runs"]] == ["cleaned"]
    assert read_pid_files() == []
    assert not [
        p
        for p in report["runs"][0]["stopped"]
        if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE
    ]

    code = main(["resume", "--continue", "--json"])
    summary = summary_of(capsys.readouterr().out)
    run = load_trajectory(Path(summary["trajectory"])).run

    assert code == 0 and summary["status"] == "success"
    assert Path(summary["trajectory"]).name == journal.name.replace(".journal.jsonl", ".json")
    assert run.result.final_text == "picked up again"
    assert run.resumes[0]["from_status"] == "incomplete"
    assert run.usage.input_tokens == 250 + 260
    assert [s.type for s in run.steps].count("tool_call") == 1


@pytest.mark.integration
def test_secret_echoed_by_a_tool_is_written_nowhere(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A token printed by a Bash tool appears in no trajectory file, no console output and no commit."""
    secret = "ghp_" + "".join(random.choices(string.ascii_letters + string.digits, k=36))
    offline.script([bash(f"echo token={secret}"), {"text": f"I saw {secret}"}])
    code = main(["run", f"print the token {secret}"])
    captured = capsys.readouterr()
    subprocess.run(["git", "add", "-A"], cwd=git_repo, check=True)
    subprocess.run(["git", "commit", "-qm", "logs"], cwd=git_repo, check=True)
    history = subprocess.run(
        ["git", "log", "-p", "--all"], cwd=git_repo, capture_output=True, text=True, check=True
    ).stdout
    written = [p for p in (git_repo / "docs").rglob("*") if p.is_file()]

    assert code == 0
    assert len(written) == 2  # .json and .rlog
    assert all(secret not in p.read_text() for p in written)
    assert any("[REDACTED" in p.read_text() for p in written)
    assert secret not in captured.out + captured.err
    assert secret not in history


# ------------------------------------------------------------------------------------------------
# demo


@pytest.fixture
def demo_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty temporary directory the demo makes its own in (in place of the system's)."""
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


@pytest.mark.integration
def test_demo_cleans_up_after_itself(demo_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A demo leaves no temporary directory behind; `--no-keep` says the same."""
    code = main(["demo"])
    out = capsys.readouterr().out
    again = main(["demo", "--no-keep"])

    assert (code, again) == (0, 0)
    assert "greet.py now reads" in out and "kept" not in out
    assert list(demo_tmp.iterdir()) == []


@pytest.mark.integration
def test_demo_keep_keeps_the_repository_and_says_where(
    demo_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`demo --keep` leaves its repository and prints where it is."""
    code = main(["demo", "--keep"])
    out = capsys.readouterr().out
    kept = list(demo_tmp.iterdir())

    assert code == 0
    assert len(kept) == 1 and f"demo files kept in {kept[0]}" in out
    assert (kept[0] / "repo" / "greet.py").read_text().count("!") == 1


@pytest.mark.integration
def test_demo_stops_after_the_summary_on_ctrl_c(
    demo_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the demo's agent works ends the demo after the run's summary, with exit code 130:
    no replay, analysis or "greet.py now reads" of a run that was cut off."""
    import threading

    from autopilot.cli import run as run_cmd

    script = run_cmd._demo_script
    monkeypatch.setattr(run_cmd, "_demo_script", lambda repo: [{**script(repo)[0], "sleep": 30}])

    def press_ctrl_c() -> None:  # once the agent has asked the model, the run handles the signal
        deadline = time.monotonic() + 120
        while not list(demo_tmp.glob("*/requests.jsonl")) and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=press_ctrl_c, daemon=True).start()
    code = main(["demo"])
    out = capsys.readouterr().out

    assert code == 130
    assert ": interrupted" in out
    assert "greet.py now reads" not in out and "autopilot replay" not in out
    assert "resume" not in out  # its repository and its scripted model are gone
    assert list(demo_tmp.iterdir()) == []


@pytest.mark.integration
def test_demo_json_is_one_document(demo_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`demo --json` prints only the run's JSON summary, with where the files were kept (nowhere)."""
    code = main(["demo", "--json"])
    out = capsys.readouterr().out

    assert code == 0
    summary = json.loads(out)
    assert (summary["status"], summary["kept"]) == ("success", None)
    assert summary["num_turns"] == 4
    assert list(demo_tmp.iterdir()) == []


@pytest.mark.integration
@pytest.mark.slow
def test_demo_runs_where_autopilot_is_installed_without_the_test_tools(tmp_path: Path) -> None:
    """Installed as a tool (no pytest beside it, as `uv tool install` leaves it), `autopilot demo` runs."""
    from tests.installed import install_git_autopilot

    bin_dir = install_git_autopilot(tmp_path / "venv")
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    demo = subprocess.run(
        [str(bin_dir / "autopilot"), "demo", "--json"], cwd=repo, capture_output=True, text=True, timeout=300
    )

    assert demo.returncode == 0, demo.stderr
    assert json.loads(demo.stdout)["status"] == "success"


@pytest.mark.integration
def test_a_failed_run_does_not_repeat_its_status(
    git_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run that ends in an error whose reason is just "error" reads `run ID: error`, not
    `error (error)`, in the summary and in the live progress."""
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "missing"))  # the real codex refuses to start
    monkeypatch.setenv("OPENAI_API_KEY", "scripted")

    code = main(["run", "say hi", "--agent", "codex"])
    captured = capsys.readouterr()

    assert code == 1
    assert re.fullmatch(r"run \S+: error", captured.out.splitlines()[0])
    assert "autopilot: run ended: error\n" in captured.err
