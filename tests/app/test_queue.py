"""`autopilot run --issue/--full-auto/--project`: the issue queue end to end with the real Claude CLI."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import git
import pytest

from autopilot.app.queue import build_prompt, continuation_prompt, run_acceptance
from autopilot.cli import context, main
from autopilot.core.issues import Issue
from autopilot.core.pluginmanager import trust_plugins
from autopilot.testing import ScriptedAnthropic

MODEL = "claude-sonnet-4-5"  # $3 per million input tokens in the price table

RECORDER = """
import json
from pathlib import Path
from autopilot import hookimpl

@hookimpl
def on_issue_complete(issue, outcome, run):
    with open(Path(__file__).parent / "outcomes.jsonl", "a") as handle:
        handle.write(json.dumps({"id": issue["id"], "outcome": outcome, "status": issue["status"],
                                 "run": run.run_id if run else None}) + "\\n")
"""


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    context.reset()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _create(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = _cli(capsys, "issue", "create", *args, "--json")
    assert code == 0, err
    return str(json.loads(out)["id"])


def _issue(capsys: pytest.CaptureFixture[str], issue_id: str) -> dict[str, Any]:
    return dict(json.loads(_cli(capsys, "issue", "view", issue_id, "--json")[1]))


def _bash(command: str) -> dict[str, Any]:
    return {"tool_use": {"name": "Bash", "input": {"command": command}}}


def test_prompt_names_the_issue_and_its_acceptance_commands() -> None:
    """The agent's task carries the title, body and every acceptance command."""
    issue = Issue(id="abc12345", title="Fix it", body="Details here.", accept=("make test", "make lint"))

    prompt = build_prompt(issue, "Be brief.")

    assert "issue abc12345" in prompt and "# Fix it" in prompt and "Details here." in prompt
    assert "$ make test" in prompt and "$ make lint" in prompt and prompt.endswith("Be brief.")


def test_acceptance_commands_report_exit_code_and_redacted_output(tmp_path: Path) -> None:
    """Each command's exit code and output tail are recorded; output passes the redactor."""
    results = run_acceptance(
        ("echo fine", "echo SECRET >&2; exit 3"), tmp_path, lambda t: t.replace("SECRET", "[R]")
    )

    assert [(r.command, r.exit_code, r.output.strip()) for r in results] == [
        ("echo fine", 0, "fine"),
        ("echo SECRET >&2; exit 3", 3, "[R]"),
    ]
    assert "exit 3" in continuation_prompt([results[1]], "success")


@pytest.mark.integration
def test_run_issue_completes_commits_and_records_a_session(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --issue` claims, runs, passes acceptance, commits the work, completes the issue."""
    offline.script([_bash("echo ok > result.txt"), {"text": "done"}])
    issue_id = _create(capsys, "Write result.txt", "--accept", "grep -q ok result.txt")

    code, out, err = _cli(capsys, "run", "--issue", issue_id, "--json")
    summary = json.loads(out.strip().splitlines()[-1])
    issue = _issue(capsys, issue_id)
    repo = git.Repo(git_repo)
    work_commit = repo.commit(summary["issues"][0]["commit"])
    sessions = json.loads(_cli(capsys, "session", "list", "--json")[1])["sessions"]

    assert code == 0, err
    assert issue["status"] == "done" and issue["claim"] is None
    assert [e["kind"] for e in issue["events"]][-3:] == ["claimed", "run", "completed"]
    assert "result.txt" in work_commit.stats.files
    assert f"Autopilot-Issue: {issue_id}" in work_commit.message
    assert [(s["issue"], s["status"]) for s in sessions] == [(issue_id, "success")]
    assert Path(git_repo / sessions[0]["trajectory"]).exists()
    assert not repo.is_dirty(untracked_files=False)


@pytest.mark.integration
def test_full_auto_queue_with_failing_acceptance_and_budget_exhaustion(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Full-auto works issues by priority: one completes, one fails acceptance (continued, then reopened
    with the failing output), and the queue budget runs out in the middle of the third."""
    # Each model turn costs 100k input tokens = $0.30: the first issue takes 2 turns, the failing one
    # 2 + 2 continuations, so a $2.00 queue has $0.20 left for the third, which its first turn exceeds.
    offline.script([_bash("echo ok >> work.txt"), {"text": "done"}], usage={"input_tokens": 100_000})
    plugins = git_repo / ".autopilot" / "plugins"
    plugins.mkdir(parents=True)
    (plugins / "record.py").write_text(RECORDER)
    trust_plugins([plugins / "record.py"])
    first = _create(capsys, "passes", "--priority", "urgent", "--accept", "test -f work.txt")
    failing = _create(capsys, "never passes", "--priority", "high", "--accept", "echo broken-build; false")
    third = _create(capsys, "runs out of money", "--priority", "medium", "--accept", "true")
    later = _create(capsys, "never reached", "--priority", "low")
    repo = git.Repo(git_repo)
    repo.git.add(".autopilot/plugins")
    repo.index.commit("local plugin")

    code, out, err = _cli(capsys, "run", "--full-auto", "--max-budget", "2.0", "--json")
    summary = json.loads(out.strip().splitlines()[-1])
    outcomes = [json.loads(line) for line in (plugins / "outcomes.jsonl").read_text().splitlines()]
    failed = _issue(capsys, failing)
    budget = _issue(capsys, third)

    assert code == 1, err
    assert summary["stop_reason"] == "budget"
    assert [(i["issue"], i["outcome"]) for i in summary["issues"]] == [
        (first, "completed"),
        (failing, "failed"),
        (third, "budget_exhausted"),
    ]
    assert [(o["id"], o["outcome"]) for o in outcomes] == [
        (first, "completed"),
        (failing, "failed"),
        (third, "budget_exhausted"),
    ]
    assert summary["issues"][1]["continues"] == 2
    assert _issue(capsys, first)["status"] == "done"
    assert failed["status"] == "open" and failed["claim"] is None
    failure = next(e for e in failed["events"] if e["kind"] == "acceptance_failed")
    assert "broken-build" in failure["failures"][0]["output"]
    assert budget["status"] == "open" and budget["claim"] is None
    assert any(e["kind"] == "run" and e["status"] == "budget_exhausted" for e in budget["events"])
    assert _issue(capsys, later)["status"] == "open"
    assert summary["cost_usd"] <= 2.0 + 0.31  # the runner stops within the turn that crossed the budget
    assert len(json.loads(_cli(capsys, "session", "list", "--json")[1])["sessions"]) == 3
    assert "work.txt" in repo.commit(summary["issues"][0]["commit"]).stats.files
    assert repo.git.stash("list").count(f"failed attempt on issue {failing}") == 1


@pytest.mark.integration
@pytest.mark.parametrize("transport", ["auto", "sdk"])
def test_agent_files_a_follow_up_issue_through_the_mcp_tools(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str], transport: str
) -> None:
    """During `run --issue` the real Claude CLI calls issue_create on the issue tools' MCP server: the
    stdio server it starts itself (the direct transport), or in-process (``transport: sdk``)."""
    (git_repo / ".autopilot").mkdir(exist_ok=True)
    (git_repo / ".autopilot" / "config.yaml").write_text(
        f"schema_version: 1\nplugins:\n  backend_claude:\n    transport: {transport}\n"
    )
    tool = {"name": "mcp__autopilot-issues__issue_create", "input": {"title": "follow-up found by the agent"}}
    offline.script([{"tool_use": tool}, {"text": "filed it"}])
    issue_id = _create(capsys, "look around", "--accept", "true")

    code, _, err = _cli(capsys, "run", "--issue", issue_id, "--json")
    titles = [i["title"] for i in json.loads(_cli(capsys, "issue", "list", "--all", "--json")[1])["issues"]]
    results = [r for r in offline.requests() if "follow-up" in json.dumps(r.get("body", ""))]

    assert code == 0, err
    assert "follow-up found by the agent" in titles
    assert results, "the tool's answer went back to the model"


@pytest.mark.integration
def test_run_project_from_another_directory_uses_its_working_dir(
    offline: ScriptedAnthropic,
    git_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`run --project NAME` finds the project's repository from anywhere and runs in its working_dir."""
    offline.script([_bash("pwd > where.txt"), {"text": "done"}])
    (git_repo / "web").mkdir()
    (git_repo / "web" / ".keep").write_text("")
    repo = git.Repo(git_repo)
    repo.index.add(["web/.keep"])
    repo.index.commit("web dir")
    assert (
        _cli(capsys, "project", "create", "web-elsewhere", "--working-dir", "web", "--max-budget", "1.5")[0]
        == 0
    )
    issue_id = _create(capsys, "in web", "--project", "web-elsewhere", "--accept", "test -f where.txt")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    code, out, err = _cli(capsys, "run", "--project", "web-elsewhere", "--json")
    assert code == 0, err
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["issues"], (summary, err)
    trajectory = json.loads(Path(git_repo / summary["issues"][0]["trajectories"][0]).read_text())

    assert code == 0, err
    assert [(i["issue"], i["outcome"]) for i in summary["issues"]] == [(issue_id, "completed")]
    assert (git_repo / "web" / "where.txt").read_text().strip() == str(git_repo / "web")
    assert (trajectory["project"], trajectory["issue_id"]) == ("web-elsewhere", issue_id)
    assert trajectory["limits"]["max_budget_usd"] == 1.5


@pytest.mark.integration
def test_push_sends_the_completed_work_to_the_remote(
    offline: ScriptedAnthropic, git_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --push the issue's commit reaches the branch on the remote (a plain, non-forced push)."""
    remote = tmp_path / "remote.git"
    git.Repo.init(remote, bare=True)
    repo = git.Repo(git_repo)
    repo.create_remote("origin", str(remote))
    offline.script([_bash("echo pushed > pushed.txt"), {"text": "done"}])
    issue_id = _create(capsys, "push me", "--accept", "test -f pushed.txt")

    code, out, err = _cli(capsys, "run", "--issue", issue_id, "--push", "--json")
    commit = json.loads(out.strip().splitlines()[-1])["issues"][0]["commit"]

    assert code == 0, err
    assert git.Repo(remote).commit("main").hexsha in {commit, repo.head.commit.hexsha}
    assert "pushed.txt" in git.Repo(remote).commit("main").tree


@pytest.mark.integration
def test_issue_is_blocked_after_the_last_failed_attempt(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """When the attempts run out, the issue is blocked with the reason, not reopened."""
    from autopilot.app.queue import QueueSettings, run_queue
    from autopilot.app.runs import RunOptions
    from autopilot.core.config import load_config

    offline.script([{"text": "I did nothing"}])
    issue_id = _create(capsys, "impossible", "--accept", "false")
    context.reset()
    hooks = context.hooks()
    config = load_config(git_repo)
    store = hooks.store_select(config=config)

    result = run_queue(
        store,
        settings=QueueSettings(run=RunOptions(model=MODEL), max_continues=0, max_attempts=1),
        hooks=hooks,
        config=config,
        only_issue=issue_id,
    )
    issue = _issue(capsys, issue_id)

    assert [o.outcome for o in result.issues] == ["blocked"]
    assert issue["status"] == "blocked"
    assert "acceptance failed (1 attempt(s))" in issue["events"][-1]["reason"]


@pytest.mark.integration
def test_sigint_stops_the_queue_and_releases_the_claim(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SIGINT during an issue's run ends full-auto with exit 130; the issue is open and unclaimed."""
    import os
    import signal
    import subprocess
    import sys
    import time

    offline.script([{"text": "thinking...", "stall": True}])
    issue_id = _create(capsys, "slow one", "--accept", "true")
    proc = subprocess.Popen(
        [sys.executable, "-m", "autopilot", "run", "--full-auto", "--json"],
        cwd=git_repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not offline.requests():
        time.sleep(0.2)
    while time.monotonic() < deadline and _issue(capsys, issue_id)["status"] != "in_progress":
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    issue = _issue(capsys, issue_id)

    assert proc.returncode == 130, err
    assert json.loads(out.strip().splitlines()[-1])["stop_reason"] == "signal"
    assert issue["status"] == "open" and issue["claim"] is None
    assert issue["events"][-1]["kind"] == "released"


def _sleepers(marker: str) -> list[Any]:
    """Processes running the scripted `time.sleep(MARKER)` (Claude Code refuses a long plain `sleep`)."""
    import psutil

    wanted = f"time.sleep({marker})"
    return [p for p in psutil.process_iter(["cmdline"]) if wanted in " ".join(p.info.get("cmdline") or [])]


@pytest.mark.integration
def test_full_auto_after_ctrl_c_resumes_the_interrupted_run(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C during an issue's run, then `--full-auto` again: the interrupted run is resumed (the same
    run, session and trajectory, its history sent to the model again), not started over, and the
    work it had left in the tree is committed with the rest."""
    import signal
    import subprocess
    import sys
    import time

    marker = f"{os.getpid() % 97 + 30}.{os.getpid() % 1000:03d}"
    offline.script(
        [
            _bash("echo started >> README.md"),
            _bash(f"python3 -c 'import time; time.sleep({marker})'"),
            # The resumed session's history may end with the interrupted call, or with a note of
            # the interruption after it: either way its next turn finishes the work.
            _bash("grep -q finished README.md || echo finished >> README.md"),
            _bash("grep -q finished README.md || echo finished >> README.md"),
            {"text": "done"},
            {"text": "done"},
        ]
    )
    issue_id = _create(capsys, "two steps", "--accept", "grep -q finished README.md")
    git.Repo(git_repo).index.commit("the issue")
    proc = subprocess.Popen(
        [sys.executable, "-m", "autopilot", "run", "--full-auto", "--json"],
        cwd=git_repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _sleepers(marker):
        time.sleep(0.1)
    if not _sleepers(marker):
        proc.kill()
        raise AssertionError(f"the agent never started the scripted command: {proc.communicate()}")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    first = json.loads(out.strip().splitlines()[-1])["issues"][0]
    asked = len(offline.requests())

    code, again, _ = _cli(capsys, "run", "--full-auto", "--json")

    second = json.loads(again.strip().splitlines()[-1])["issues"][0]
    resumed = [r for r in offline.requests()[asked:] if r.get("kind") == "turn"]
    runs = [e for e in _issue(capsys, issue_id)["events"] if e["kind"] == "run"]
    committed = git.Repo(git_repo).git.show("--name-only", "--format=", "HEAD").splitlines()
    assert proc.returncode == 130, err
    assert first["outcome"] == "aborted"
    assert code == 0, again
    assert (second["outcome"], second["resumed_run"]) == ("completed", first["run_ids"][0])
    assert second["run_ids"] == first["run_ids"]
    assert [(r["run_id"], r["status"]) for r in runs] == [
        (first["run_ids"][0], "interrupted"),
        (first["run_ids"][0], "success"),
    ]
    assert resumed[0]["turn"] >= 2  # the model was sent the interrupted run's history
    assert (git_repo / "README.md").read_text() == "test repo\nstarted\nfinished\n"
    assert "README.md" in committed


def test_lease_is_renewed_while_the_work_runs(hooks: object) -> None:
    """While the work runs, a claim's 2-second lease is pushed past its first expiry and stays live."""
    import time

    from autopilot.app.queue import renewing
    from autopilot.core.issues import claim_active, now_utc, parse_ts
    from autopilot.plugins.store_yaml.store import YamlStore

    store = YamlStore(Path.cwd(), commit="off")
    issue = store.create_issue("long work")
    store.claim(issue.id, holder="me", run_id="q:1", lease_seconds=2)
    first = parse_ts(store.get_issue(issue.id).claim.expires)
    warnings: list[str] = []

    with renewing(store, issue.id, "q:1", 2, warnings):
        deadline = time.monotonic() + 30
        while parse_ts(store.get_issue(issue.id).claim.expires) == first and time.monotonic() < deadline:
            time.sleep(0.05)
        renewed = store.get_issue(issue.id)

    assert parse_ts(renewed.claim.expires) > first
    assert claim_active(renewed, now_utc()) and warnings == []


def test_an_issue_gets_its_projects_defaults_unless_flags_say_otherwise(hooks: object) -> None:
    """In a queue not started for one project, each issue's project fills in model, budget and working dir."""
    from autopilot.app.queue import QueueSettings, settings_for_issue
    from autopilot.app.runs import RunOptions
    from autopilot.core.config import load_config
    from autopilot.core.issues import Project
    from autopilot.plugins.store_yaml.store import YamlStore

    store = YamlStore(Path.cwd(), commit="off")
    store.save_project(Project("api", model="opus", max_budget_usd=0.5, working_dir="svc"), create=True)
    (Path.cwd() / "svc").mkdir()  # a project's working dir must exist
    config = load_config(Path.cwd())

    chosen = settings_for_issue(QueueSettings(), store, "api", config).run
    flagged = settings_for_issue(
        QueueSettings(run=RunOptions(model="haiku", max_budget_usd=2.0)), store, "api", config
    ).run

    assert (chosen.model, chosen.max_budget_usd, chosen.cwd) == ("opus", 0.5, (Path.cwd() / "svc").resolve())
    assert (flagged.model, flagged.max_budget_usd) == ("haiku", 2.0)
    assert settings_for_issue(QueueSettings(), store, "gone", config) == QueueSettings()


# ------------------------------------------------------------------------------------------------
# A third-party backend (a local plugin, no agent CLI): what the queue commits, stashes and says

SCRIPTED_BACKEND = """
import json
import subprocess
from pathlib import Path

from autopilot import Backend, BackendEvent, Step, Usage, hookimpl

HERE = Path(__file__).parent


class Scripted(Backend):
    \"\"\"Each run takes the next turn of script.json: a shell command, tool calls, a final answer.\"\"\"

    name = "scripted"

    async def stream(self, request):
        script = HERE / "script.json"
        turns = json.loads(script.read_text()) if script.exists() else []
        turn = turns.pop(0) if turns else {}
        script.write_text(json.dumps(turns))
        seen = {"toolsets": [t.name for t in request.toolsets], "resume": request.resume_session_id,
                "instructions": [t.instructions for t in request.toolsets]}
        with open(HERE / "requests.jsonl", "a") as log:
            log.write(json.dumps(seen) + "\\n")
        if "error" in turn:  # what a backend says when it cannot start, e.g. without credentials
            yield BackendEvent(done=True, status="error", error=turn["error"])
            return
        if "shell" in turn:
            subprocess.run(turn["shell"], shell=True, cwd=request.cwd, check=True)
        tools = {tool.name: tool for toolset in request.toolsets for tool in toolset.tools}
        for name, arguments in turn.get("tools", {}).items():
            await tools[name].handler(arguments)
        yield BackendEvent(session_id="session-1", steps=[Step("assistant", text="done")],
                           usage=Usage(input_tokens=100), turn_complete=True)
        yield BackendEvent(done=True, status="success", final_text="done")


@hookimpl
def backend_register(register):
    register(Scripted)


@hookimpl
def backend_select(agent, issue, project, config):
    with open(HERE / "selects.txt", "a") as log:
        log.write((issue or {}).get("id", "-") + "\\n")
    return None
"""


@pytest.fixture
def scripted(git_repo: Path) -> Path:
    """The `scripted` backend as a project-local plugin (committed, so the tree starts clean)."""
    plugins = git_repo / ".autopilot" / "plugins"
    plugins.mkdir(parents=True)
    (plugins / "scripted.py").write_text(SCRIPTED_BACKEND)
    trust_plugins([plugins / "scripted.py"])
    (git_repo / ".autopilot" / "config.yaml").write_text("schema_version: 1\nmin_free_memory_mb: 0\n")
    (git_repo / "calc.py").write_text("x = 1\n")
    repo = git.Repo(git_repo)
    repo.git.add(".")
    repo.index.commit("plugin and code")
    repo.close()
    return plugins


def _script(plugins: Path, *turns: dict[str, Any]) -> None:
    (plugins / "script.json").write_text(json.dumps(list(turns)))


def _committed(repo_dir: Path, sha: str) -> list[str]:
    return sorted(git.Repo(repo_dir).git.show("--name-only", "--format=", sha).splitlines())


def test_third_party_backend_works_an_issue_with_the_issue_tools(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --issue --agent scripted`: the plugin's backend gets the issue toolset and files a follow-up."""
    _script(scripted, {"shell": "echo ok > result.txt", "tools": {"issue_create": {"title": "follow-up"}}})
    issue_id = _create(capsys, "write result", "--accept", "test -f result.txt")

    code, out, err = _cli(capsys, "run", "--issue", issue_id, "--agent", "scripted")
    titles = [i["title"] for i in json.loads(_cli(capsys, "issue", "list", "--json")[1])["issues"]]
    seen = json.loads((scripted / "requests.jsonl").read_text().splitlines()[0])

    assert code == 0, err
    assert f"issue {issue_id}: completed: 1 acceptance command(s) passed" in out
    assert titles == ["follow-up"]
    assert seen["toolsets"] == ["autopilot-issues"] and "issue_create" in seen["instructions"][0]


def test_claims_events_and_trailers_carry_the_full_issue_id_and_the_real_run_id(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --issue PREFIX` records the whole issue id and the run's own id in the claim, every event
    and every commit trailer, so `git log --grep` and `session view` agree."""
    (git_repo / ".autopilot" / "config.yaml").write_text(
        "schema_version: 1\nmin_free_memory_mb: 0\ncommit_policy: per-change\n"
    )
    _script(scripted, {"shell": "echo ok > result.txt"})
    issue_id = _create(capsys, "write result", "--accept", "test -f result.txt")
    repo = git.Repo(git_repo)
    start = repo.head.commit.hexsha

    code, out, err = _cli(capsys, "run", "--issue", issue_id[:4], "--agent", "scripted", "--json")
    run_id = json.loads(out.strip().splitlines()[-1])["issues"][0]["run_ids"][0]
    events = _issue(capsys, issue_id)["events"]
    messages = [c.message for c in repo.iter_commits(f"{start}..HEAD")]

    assert code == 0, err
    assert {e["run_id"] for e in events if "run_id" in e} == {run_id}
    assert next(e["kind"] for e in events if "run_id" in e) == "claimed"
    assert messages and {tuple(m.strip().splitlines()[-2:]) for m in messages} == {
        (f"Autopilot-Issue: {issue_id}", f"Autopilot-Run: {run_id}")
    }


def test_committed_records_hold_no_machine_paths_or_login_names(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue and session files name people by their git identity and trajectories by their path in
    the repository: nothing of the machine that ran them (its directories, its login and host name)."""
    import getpass
    import socket

    _script(scripted, {"shell": "echo ok > result.txt"})
    issue_id = _create(capsys, "write result", "--accept", "test -f result.txt")

    code, out, err = _cli(capsys, "run", "--issue", issue_id, "--agent", "scripted", "--json")
    run_id = json.loads(out.strip().splitlines()[-1])["issues"][0]["run_ids"][0]
    issue_file = (git_repo / ".autopilot" / "issues" / f"{issue_id}.yaml").read_text()
    session_file = (git_repo / ".autopilot" / "sessions" / f"{run_id}.yaml").read_text()
    events = _issue(capsys, issue_id)["events"]
    run_event = next(e for e in events if e["kind"] == "run")

    assert code == 0, err
    assert {e.get("by") for e in events} == {"Autopilot Test <test@example.invalid>"}
    assert (git_repo / run_event["trajectory"]).is_file() and not Path(run_event["trajectory"]).is_absolute()
    for text in (issue_file, session_file):
        assert str(git_repo) not in text
        assert f"{getpass.getuser()}@{socket.gethostname()}" not in text


def test_run_issue_is_one_commit_by_default(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the default `commit_policy: per-issue`, creating and working an issue adds one commit: the
    work, its trajectory, the issue's new state and its session, with the issue's trailers."""
    _script(scripted, {"shell": "echo ok > result.txt", "tools": {"issue_create": {"title": "follow-up"}}})
    repo = git.Repo(git_repo)
    start = repo.head.commit.hexsha
    issue_id = _create(capsys, "write result", "--accept", "test -f result.txt")
    after_create = repo.head.commit.hexsha

    code, out, err = _cli(capsys, "run", "--issue", issue_id, "--agent", "scripted", "--json")
    outcome = json.loads(out.strip().splitlines()[-1])["issues"][0]
    commits = list(repo.iter_commits(f"{start}..HEAD"))
    follow_up = json.loads(_cli(capsys, "issue", "list", "--json")[1])["issues"][0]["id"]

    assert code == 0, err
    assert after_create == start
    assert [c.hexsha for c in commits] == [outcome["commit"]]
    assert commits[0].message.strip().splitlines()[-2:] == [
        f"Autopilot-Issue: {issue_id}",
        f"Autopilot-Run: {outcome['run_ids'][0]}",
    ]
    assert {
        f".autopilot/issues/{issue_id}.yaml",
        f".autopilot/issues/{follow_up}.yaml",
        f".autopilot/sessions/{outcome['run_ids'][0]}.yaml",
        "result.txt",
    } <= set(_committed(git_repo, outcome["commit"]))
    assert repo.git.status("--porcelain", "--", ".autopilot/issues", ".autopilot/sessions") == ""


def test_refused_commit_reopens_the_issue_and_keeps_the_work(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """When a pre-commit hook refuses the issue's commit, the issue goes back to open with a
    `commit_failed` event, the run says why, and the agent's work stays in the tree."""
    _script(scripted, {"shell": "echo ok > result.txt"})
    issue_id = _create(capsys, "write result", "--accept", "test -f result.txt")
    hook = git_repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'refused by policy' >&2\nexit 1\n")
    hook.chmod(0o755)

    code, out, err = _cli(capsys, "run", "--issue", issue_id, "--agent", "scripted", "--json")
    outcome = json.loads(out.strip().splitlines()[-1])["issues"][0]
    issue = _issue(capsys, issue_id)

    assert code == 1, err
    assert (outcome["outcome"], outcome["commit"]) == ("failed", None)
    assert outcome["reason"].startswith("the work could not be committed")
    assert issue["status"] == "open" and issue["claim"] is None
    assert [e["kind"] for e in issue["events"]][-2:] == ["commit_failed", "reopened"]
    assert (git_repo / "result.txt").read_text() == "ok\n"


def test_a_refused_commit_stops_the_queue_before_the_next_issue(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --full-auto, a hook that refuses the first issue's commit (say one that forbids commits
    on main) stops the queue: the next issue is neither run nor paid for, and stays open."""
    _script(scripted, {"shell": "echo ok > result.txt"})
    first, second = (_create(capsys, name, "--accept", "true") for name in ("first", "second"))
    hook = git_repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'no commits to main' >&2\nexit 1\n")
    hook.chmod(0o755)

    code, out, err = _cli(capsys, "run", "--full-auto", "--agent", "scripted", "--json")
    summary = json.loads(out.strip().splitlines()[-1])

    assert code == 1, err
    assert summary["stop_reason"] == "commit_failed"
    assert [o["outcome"] for o in summary["issues"]] == ["failed"]
    assert [_issue(capsys, i)["status"] for i in (first, second)] == ["open", "open"]


def test_per_change_policy_commits_every_state_change(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`commit_policy: per-change` keeps one commit per state change: create, claim, run, work,
    completion and session."""
    (git_repo / ".autopilot" / "config.yaml").write_text(
        "schema_version: 1\nmin_free_memory_mb: 0\ncommit_policy: per-change\n"
    )
    _script(scripted, {"shell": "echo ok > result.txt"})
    repo = git.Repo(git_repo)
    start = repo.head.commit.hexsha

    issue_id = _create(capsys, "write result", "--accept", "test -f result.txt")
    code, _, err = _cli(capsys, "run", "--issue", issue_id, "--agent", "scripted")
    subjects = [c.summary for c in repo.iter_commits(f"{start}..HEAD", reverse=True)]

    assert code == 0, err
    assert [s.split(" issue ")[0].split(" session ")[0] for s in subjects] == [
        "autopilot: create",
        "autopilot: claim",
        "autopilot: record run on",
        "autopilot: write result",
        "autopilot: complete",
        "autopilot: record",
    ]


def test_a_run_that_failed_to_start_says_why_in_the_issues_line(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An issue whose run never reached the model (no credentials, say): its line gives the run's
    error, and the issue is open again with no failed attempt counted against it."""
    _script(scripted, {"error": "scripted has no credentials: set SCRIPTED_KEY"})
    issue_id = _create(capsys, "needs a key", "--accept", "true")

    code, out, err = _cli(capsys, "run", "--issue", issue_id, "--agent", "scripted", "--quiet")

    assert code == 1, err
    assert (
        f"issue {issue_id}: unreached: the agent did not reach the model: "
        "scripted has no credentials: set SCRIPTED_KEY"
    ) in out
    issue = _issue(capsys, issue_id)
    assert issue["status"] == "open"
    assert [e for e in issue["events"] if e["kind"] == "acceptance_failed"] == []
    assert "did not reach the model" in issue["events"][-1]["reason"]


def test_full_auto_stops_when_the_agent_cannot_reach_the_model(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without credentials, --full-auto stops at the first issue instead of failing (and in the end
    blocking) every issue in the queue; all of them stay open."""
    no_key = {"error": "scripted has no credentials: set SCRIPTED_KEY"}
    _script(scripted, no_key, no_key, no_key)
    issues = [_create(capsys, f"task {n}", "--accept", "true") for n in range(3)]

    code, out, err = _cli(capsys, "run", "--full-auto", "--agent", "scripted", "--json")
    summary = json.loads(out.strip().splitlines()[-1])

    assert code == 1, err
    assert summary["stop_reason"] == "unreached"
    assert [o["outcome"] for o in summary["issues"]] == ["unreached"]
    assert [_issue(capsys, i)["status"] for i in issues] == ["open"] * 3


def test_the_backend_is_chosen_once_per_issue(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An issue continued after failing acceptance asks backend_select once; every run gets the tools."""
    _script(scripted, {"shell": "touch first.txt"}, {"shell": "touch second.txt"})
    issue_id = _create(capsys, "two steps", "--accept", "test -f second.txt")

    code, out, err = _cli(capsys, "run", "--issue", issue_id, "--agent", "scripted", "--json")
    summary = json.loads(out.strip().splitlines()[-1])
    requests = [json.loads(line) for line in (scripted / "requests.jsonl").read_text().splitlines()]

    assert code == 0, err
    assert (summary["issues"][0]["outcome"], summary["issues"][0]["continues"]) == ("completed", 1)
    assert (scripted / "selects.txt").read_text().split() == [issue_id]
    assert [(r["toolsets"], r["resume"]) for r in requests] == [
        (["autopilot-issues"], None),
        (["autopilot-issues"], "session-1"),
    ]


def test_a_detached_head_refuses_the_queue_and_leaves_the_issue_open(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a detached HEAD the queue refuses to start, since its commits would belong to no branch."""
    issue_id = _create(capsys, "anything", "--accept", "true")
    git.Repo(git_repo).index.commit("the issue")
    git.Repo(git_repo).git.checkout("--detach")

    code, _, err = _cli(capsys, "run", "--issue", issue_id, "--agent", "scripted")
    status = _cli(capsys, "issue", "view", issue_id, "--json")[1]

    assert code == 2
    assert err.count("error:") == 1 and "HEAD is detached" in err and "check out a branch" in err
    assert (json.loads(status)["status"], json.loads(status)["claim"]) == ("open", None)


def test_no_git_identity_refuses_the_queue_before_any_run(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without user.name/user.email the queue refuses to start (one error line, exit 2): it used to
    work, and pay for, every issue and then fail to commit each one."""
    issue_id = _create(capsys, "anything", "--accept", "true")
    git.Repo(git_repo).index.commit("the issue")
    for args in (["--unset", "user.name"], ["--unset", "user.email"], ["user.useConfigOnly", "true"]):
        subprocess.run(["git", "config", *args], cwd=git_repo, check=True)
    monkeypatch.setenv("HOME", str(git_repo.parent / "empty-home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)

    code, _, err = _cli(capsys, "run", "--issue", issue_id, "--agent", "scripted")
    status = _cli(capsys, "issue", "view", issue_id, "--json")[1]

    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: git does not know who you are")
    assert (json.loads(status)["status"], json.loads(status)["claim"]) == ("open", None)
    assert not (scripted / "requests.jsonl").exists()


def test_a_queue_started_by_a_post_merge_hook_refuses_while_git_holds_the_merge(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A post-merge hook runs while git still records the merge, when `git commit PATH` is refused:
    the queue it starts says so in one line and exits 2, before claiming (and failing) an issue."""
    import sys

    _script(scripted, {"shell": "echo ok > result.txt"})
    issue_id = _create(capsys, "anything", "--accept", "true")
    repo = git.Repo(git_repo)
    repo.git.add("-A")
    repo.index.commit("the issue")
    repo.git.checkout("-b", "other")
    (git_repo / "theirs.txt").write_text("theirs\n")
    repo.git.add("theirs.txt")
    repo.index.commit("their work")
    repo.git.checkout("main")
    (git_repo / "ours.txt").write_text("ours\n")
    repo.git.add("ours.txt")
    repo.index.commit("our work")
    hook = git_repo / ".git" / "hooks" / "post-merge"
    hook.write_text(
        f"#!/bin/sh\n{sys.executable} -m autopilot run --full-auto --agent scripted 2> hook.err\n"
        "echo $? > hook.rc\n"
    )
    hook.chmod(0o755)

    repo.git.merge("other", "--no-ff", "--no-edit")
    issue = _issue(capsys, issue_id)
    err = (git_repo / "hook.err").read_text()

    assert (git_repo / "hook.rc").read_text().strip() == "2", err
    assert err.count("error:") == 1 and "in the middle of a merge" in err and "Traceback" not in err
    assert (issue["status"], issue["claim"], [e["kind"] for e in issue["events"]]) == (
        "open",
        None,
        ["created"],
    )


def test_dirty_tree_error_names_whole_paths(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Uncommitted changes to tracked files refuse the queue, naming each path in full."""
    issue_id = _create(capsys, "anything", "--accept", "true")
    (git_repo / "calc.py").write_text("x = 2\n")

    code, _, err = _cli(capsys, "run", "--issue", issue_id, "--agent", "scripted")

    assert code == 2
    assert "uncommitted changes (calc.py)" in err and err.count("error:") == 1


def test_a_second_queue_in_the_same_working_tree_is_refused(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two `run --full-auto` in one working tree would commit (or stash) each other's work under the
    wrong issue: while one queue holds the tree, another exits 3 naming it, before claiming anything."""
    issue_id = _create(capsys, "anything", "--accept", "true")
    git.Repo(git_repo).index.commit("the issue")
    _script(scripted, {"text": "nothing to do"})
    held = os.open(git_repo / ".git" / "autopilot-queue.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # what a running queue holds
        os.write(held, b"4242")
        code, _, err = _cli(capsys, "run", "--full-auto", "--agent", "scripted")
        status = _issue(capsys, issue_id)
    finally:
        os.close(held)
    again, out, _ = _cli(capsys, "run", "--full-auto", "--agent", "scripted")

    assert code == 3 and err.count("error:") == 1
    assert err.startswith(f"error: another autopilot queue (pid 4242) is working issues in {git_repo}")
    assert (status["status"], status["claim"]) == ("open", None)
    assert again == 0 and "worked 1 issue, 1 completed" in out


def test_an_issue_whose_project_file_is_broken_is_not_worked_without_its_defaults(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hand edit that breaks the project's file (`max_budget_usd: lots`) stops the queue with one
    error naming the file and field, before the issue runs without the project's budget."""
    assert _cli(capsys, "project", "create", "web", "--max-budget", "0.5")[0] == 0
    issue_id = _create(capsys, "web work", "--project", "web", "--accept", "true")
    project = git_repo / ".autopilot" / "projects" / "web.yaml"
    project.write_text(project.read_text().replace("max_budget_usd: 0.5", "max_budget_usd: lots"))
    repo = git.Repo(git_repo)
    repo.git.add(".")
    repo.index.commit("the issue and a broken project")
    _script(scripted, {"text": "nothing to do"})

    code, _, err = _cli(capsys, "run", "--full-auto", "--agent", "scripted")
    status = _issue(capsys, issue_id)

    assert code == 2
    assert err == f"error: {project.resolve()}: max_budget_usd: not a number: 'lots'\n"
    assert (status["status"], status["claim"], status["events"][-1]["kind"]) == ("open", None, "created")


def test_ctrl_c_during_the_acceptance_commands_keeps_the_paid_run(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SIGINT while an issue's acceptance commands run (the agent's run is over and paid for): exit
    130, and the run is still counted (its cost, its session, the issue's `run` event), not
    "worked 0 issues, $0.0000" with no trace of it."""
    import signal
    import sys
    import time

    issue_id = _create(capsys, "slow check", "--accept", "sleep 60 & echo $! > accepting; wait")
    git.Repo(git_repo).index.commit("the issue")
    _script(scripted, {"text": "done"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "autopilot", "run", "--full-auto", "--agent", "scripted", "--json"],
        cwd=git_repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    accepting = git_repo / "accepting"
    while time.monotonic() < deadline and not (accepting.exists() and accepting.read_text().strip()):
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    queue = json.loads(out.strip().splitlines()[-1])
    issue = _issue(capsys, issue_id)
    sessions = json.loads(_cli(capsys, "session", "list", "--json")[1])["sessions"]

    assert proc.returncode == 130, err
    assert [(o["outcome"], o["cost_usd"] > 0) for o in queue["issues"]] == [("aborted", True)]
    assert queue["cost_usd"] > 0
    assert [s["issue"] for s in sessions] == [issue_id]
    assert [e["kind"] for e in issue["events"]][-2:] == ["run", "released"]
    assert (issue["status"], issue["claim"]) == ("open", None)
    # The command runs in its own session, out of the terminal's Ctrl-C: autopilot stopped it.
    assert _gone(int(accepting.read_text()))


def _gone(pid: int, wait: float = 5.0) -> bool:
    """Whether process *pid* has ended (a zombie counts as ended), waiting up to *wait* seconds."""
    import time

    import psutil

    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False


def test_an_acceptance_command_that_times_out_is_stopped_with_what_it_started(tmp_path: Path) -> None:
    """A timed-out command counts as exit 124, and the processes its shell started are stopped too,
    not left running (a test suite behind `sh -c`)."""
    results = run_acceptance(("sleep 60 & echo $! > sleeper; wait",), tmp_path, str, timeout=1)

    assert [(r.exit_code, "(timed out after 1s)" in r.output) for r in results] == [(124, True)]
    assert _gone(int((tmp_path / "sleeper").read_text()))


def test_work_commit_holds_only_the_runs_own_changes(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Untracked files the run does not touch neither block it nor enter its commit, nor do other runs'
    trajectories: the commit is the agent's change, this run's .json and .rlog, the issue and the session."""
    (git_repo / "notes.txt").write_text("mine, not committed\n")
    earlier = git_repo / "docs" / "logs" / "20250101"
    earlier.mkdir(parents=True)
    (earlier / "000000-earlier.json").write_text("{}")
    _script(scripted, {"shell": "echo ok > result.txt && echo 'x = 3' > calc.py"})
    issue_id = _create(capsys, "write result", "--accept", "test -f result.txt")

    code, out, err = _cli(capsys, "run", "--issue", issue_id, "--agent", "scripted", "--json")
    outcome = json.loads(out.strip().splitlines()[-1])["issues"][0]
    trajectory = Path(outcome["trajectories"][0]).relative_to(git_repo)
    status = git.Repo(git_repo).git.status("--porcelain", "--untracked-files=all", "--", ":!.autopilot")

    assert code == 0, err
    assert _committed(git_repo, outcome["commit"]) == sorted(
        [
            "calc.py",
            "result.txt",
            str(trajectory),
            str(trajectory.with_suffix(".rlog")),
            f".autopilot/issues/{issue_id}.yaml",
            f".autopilot/sessions/{outcome['run_ids'][0]}.yaml",
        ]
    )
    assert status.splitlines() == ["?? docs/logs/20250101/000000-earlier.json", "?? notes.txt"]


def test_a_failed_issue_keeps_to_itself(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A failed issue's changes are stashed and its trajectory committed on its own; the next issue's
    commit holds only that issue's work and trajectory. The summary says why each ended."""
    # The failing issue's run and its two continuations, then the passing issue's run.
    _script(scripted, {"shell": "echo broken > broken.txt"}, {}, {}, {"shell": "echo ok > good.txt"})
    failing = _create(capsys, "never passes", "--priority", "urgent", "--accept", "echo nope; false")
    passing = _create(capsys, "passes", "--priority", "low", "--accept", "test -f good.txt")
    repo = git.Repo(git_repo)

    code, out, err = _cli(capsys, "run", "--full-auto", "--agent", "scripted", "--max-budget", "5")
    commits = {c.summary: c.hexsha for c in repo.iter_commits() if "Autopilot-Run" in c.message}
    failed_record = _committed(
        git_repo, commits[next(s for s in commits if s.startswith("autopilot: failed"))]
    )
    work = _committed(git_repo, commits["autopilot: passes"])

    assert code == 1, err
    assert f"issue {failing}: failed: 1 of 1 acceptance command(s) failed" in out
    assert "success" not in out.split(f"issue {failing}:")[1].splitlines()[0]
    assert f"issue {passing}: completed" in out
    assert "worked 2 issues, 1 completed" in out
    # The failed issue is open again (`issue ready` lists it), but this queue does not try it twice.
    assert out.endswith(
        "stopped: nothing else is ready (1 that failed is left for the next run of the queue)\n"
    )
    assert [Path(p).suffix for p in failed_record if not p.startswith(".autopilot/")] == [".json", ".rlog"]
    assert f".autopilot/issues/{failing}.yaml" in failed_record
    assert "good.txt" in work and "broken.txt" not in work
    assert [Path(p).suffix for p in work if not p.startswith((".autopilot/", "good"))] == [".json", ".rlog"]
    assert f".autopilot/issues/{passing}.yaml" in work
    assert not set(failed_record) & set(work)
    assert "broken.txt" in repo.git.stash("show", "--include-untracked", "--name-only", "stash@{0}")


def test_project_alone_says_it_worked_the_next_issue(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --project NAME` works one issue and never claims --max-issues stopped it; --max-issues does."""
    _script(scripted, {}, {})
    assert _cli(capsys, "project", "create", "web")[0] == 0
    _create(capsys, "first", "--project", "web")
    _create(capsys, "second", "--project", "web")

    code, out, err = _cli(capsys, "run", "--project", "web", "--agent", "scripted")
    limited = _cli(capsys, "run", "--full-auto", "--max-issues", "1", "--agent", "scripted")

    assert code == 0, err
    assert out.strip().splitlines()[-1].startswith("worked 1 issue, 1 completed, $")
    assert "max-issues" not in out
    assert limited[1].strip().endswith("stopped: --max-issues 1 reached")


@pytest.mark.parametrize(
    "flags",
    [
        ["--full-auto", "--max-budget", "-5"],
        ["--full-auto", "--max-issues", "0"],
        ["--issue", "x", "-b", "0"],
    ],
)
def test_out_of_range_queue_flags_are_refused_before_anything_runs(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str], flags: list[str]
) -> None:
    """A negative queue budget or no issues at all is one `error:` line and exit 2; nothing ran."""
    _create(capsys, "untouched")

    code, _, err = _cli(capsys, "run", "--agent", "scripted", *flags)

    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1 and "must be" in err
    assert not (scripted / "requests.jsonl").exists()


def test_project_with_a_prompt_is_one_run_with_its_defaults(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --project NAME PROMPT` is a plain run in the project's working dir, under its budget."""
    _script(scripted, {"shell": "pwd > where.txt"})
    (git_repo / "web").mkdir()
    assert _cli(capsys, "project", "create", "web", "--working-dir", "web", "--max-budget", "1.5")[0] == 0

    code, out, err = _cli(capsys, "run", "--project", "web", "look around", "--agent", "scripted", "--json")
    trajectory = json.loads(Path(json.loads(out)["trajectory"]).read_text())

    assert code == 0, err
    assert (git_repo / "web" / "where.txt").read_text().strip() == str(git_repo / "web")
    assert (trajectory["project"], trajectory["prompt"]) == ("web", "look around")
    assert trajectory["limits"]["max_budget_usd"] == 1.5


def test_a_plain_run_and_its_resumption_are_one_session(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`autopilot run PROMPT` is recorded as a session like an issue's run; `resume` updates the same one."""
    _script(scripted, {"shell": "echo one > one.txt"}, {"shell": "echo two > two.txt"})

    code, out, err = _cli(capsys, "run", "look around", "--agent", "scripted", "--json")
    summary = json.loads(out)
    resumed = _cli(capsys, "resume", "--trajectory", summary["trajectory"], "--json")
    sessions = json.loads(_cli(capsys, "session", "list", "--json")[1])["sessions"]

    assert code == 0 and resumed[0] == 0, err + resumed[2]
    assert [(s["run_id"], s["issue"], s["status"]) for s in sessions] == [
        (summary["run_id"], None, "success")
    ]
    assert sessions[0]["trajectory"] == str(Path(summary["trajectory"]).relative_to(git_repo))
    assert len(sessions[0]["backend_session_ids"]) == 1


def test_a_run_without_a_store_still_runs_and_says_so(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the store plugin disabled, the run succeeds and one warning says it has no session."""
    _script(scripted, {"shell": "echo one > one.txt"})

    code, out, err = _cli(
        capsys, "--disable-plugin", "store_yaml", "run", "look around", "--agent", "scripted", "--json"
    )

    assert code == 0, err
    assert json.loads(out)["status"] == "success"
    assert [line for line in err.splitlines() if "session" in line] == [
        "warning: the run was not recorded as a session: no issue store is available "
        "(is the store_yaml plugin disabled?)"
    ]


def test_an_unknown_model_is_one_warning(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A model the price table does not know is priced at its (highest) default rates, and one
    warning says so; a known model gets none."""
    _script(scripted, {}, {})

    code, _, err = _cli(capsys, "run", "look around", "--agent", "scripted", "-m", "mystery-model-9")
    known = _cli(capsys, "run", "look again", "--agent", "scripted", "-m", MODEL)

    assert (code, known[0]) == (0, 0), err
    assert [line for line in err.splitlines() if line.startswith("warning:")] == [
        "warning: model 'mystery-model-9' is not in the price table: its cost is estimated at the "
        "table's default rates, the highest (add it to .autopilot/prices.json; see docs/reference/config.md)"
    ]
    assert "warning:" not in known[2]


def test_a_run_outside_a_git_repository_is_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside any git repository the run still works, and one warning says nothing tracks its changes."""
    plain = tmp_path / "plain"
    (plain / ".autopilot" / "plugins").mkdir(parents=True)
    (plain / ".autopilot" / "plugins" / "scripted.py").write_text(SCRIPTED_BACKEND)
    (plain / ".autopilot" / "config.yaml").write_text("schema_version: 1\nmin_free_memory_mb: 0\n")
    trust_plugins([plain / ".autopilot" / "plugins" / "scripted.py"])
    monkeypatch.chdir(plain)

    code, out, err = _cli(capsys, "run", "look around", "--agent", "scripted", "-m", MODEL, "--json")

    assert code == 0, err
    assert json.loads(out)["status"] == "success"
    assert [line for line in err.splitlines() if line.startswith("warning:")] == [
        f"warning: {plain} is not in a git repository: nothing records what the agent changes "
        "(`git init` first to review and undo its work)"
    ]


def test_session_list_tells_runs_apart_by_their_trajectory(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`session list` names each run's trajectory (its slug says what the run was about)."""
    _script(scripted, {"shell": "true"})
    issue_id = _create(capsys, "first", "--accept", "true")
    assert _cli(capsys, "run", "--issue", issue_id, "--agent", "scripted", "--quiet")[0] == 0

    code, out, _ = _cli(capsys, "session", "list")

    assert code == 0
    assert out.count("\n") == 1 and f"-issue-{issue_id}" in out


def test_session_list_says_what_the_queue_made_of_each_run(
    scripted: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An agent that finished is `success` whether or not its issue's acceptance passed: `session list`
    says which, so a queue's failed attempts do not read as successes."""
    passing = _create(capsys, "passes", "--accept", "true", "--priority", "high")
    failing = _create(capsys, "fails", "--accept", "false")
    git.Repo(git_repo).index.commit("the issues")
    assert _cli(capsys, "run", "--full-auto", "--agent", "scripted", "--quiet")[0] == 1

    out = _cli(capsys, "session", "list")[1]
    listed = json.loads(_cli(capsys, "session", "list", "--json")[1])["sessions"]

    lines = {line.split()[4]: line for line in out.splitlines()}
    assert lines[passing].startswith(listed[1]["run_id"]) and lines[passing].endswith("(accepted)")
    assert lines[failing].endswith("(acceptance failed)") and " success " in lines[failing]
    assert [(s["issue"], s["status"], s["issue_outcome"]) for s in listed] == [
        (failing, "success", "acceptance failed"),
        (passing, "success", "accepted"),
    ]


@pytest.mark.integration
def test_an_unfinished_issue_says_what_to_do_with_its_changes(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An issue whose run ran out of budget says that its next run resumes it on what it changed,
    which is left uncommitted; the command it gives to start over puts the work aside and keeps the
    issue's record of the run, and the issue's next run then starts afresh, saying why."""
    import subprocess

    offline.script(
        [
            {**_bash("echo started >> README.md"), "input_tokens": 100},
            {**_bash("true"), "input_tokens": 200_000},  # the budget runs out here
            {"text": "done"},
        ]
    )
    issue_id = _create(capsys, "too big", "--accept", "true")
    git.Repo(git_repo).index.commit("the issue")

    code, out, _ = _cli(capsys, "run", "--issue", issue_id, "--max-budget", "0.5")
    hint = (
        f"  what it changed is left uncommitted (README.md): `autopilot run --issue {issue_id}` (or the "
        "next --full-auto) resumes this run on it where it stopped; to start the issue over instead, "
        "`git stash push --include-untracked -- README.md` first"
    )
    command = hint.split("`")[3]
    subprocess.run(command, shell=True, cwd=git_repo, check=True)  # as a user would paste it
    issue = _issue(capsys, issue_id)
    readme = (git_repo / "README.md").read_text()
    sessions = json.loads(_cli(capsys, "session", "list", "--json")[1])["sessions"]
    again, _, err = _cli(capsys, "run", "--issue", issue_id, "--max-budget", "0.5", "--json")

    assert code == 1
    assert f"issue {issue_id}: budget_exhausted:" in out
    assert hint in out.splitlines()
    # Putting the work aside kept the issue's record of the run, which the store had staged.
    assert readme == "test repo\n"
    assert [e["status"] for e in issue["events"] if e["kind"] == "run"] == ["budget_exhausted"]
    assert len(sessions) == 1
    # The issue's next run starts afresh: a run of its own, and a warning that says why.
    assert "was put aside (stashed or undone): it starts afresh" in err
    runs = [e["run_id"] for e in _issue(capsys, issue_id)["events"] if e["kind"] == "run"]
    assert again == 1 and len(set(runs)) == 2


@pytest.mark.integration
def test_an_unfinished_run_leaves_its_trajectory_staged_with_its_session(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run stopped by its budget commits nothing; the next `git commit` holds its session together
    with the trajectory the session names, not a session pointing at a file in no commit."""
    offline.script([_bash("git status --short"), {"text": "done"}], usage={"input_tokens": 200_000})
    issue_id = _create(capsys, "too big", "--accept", "true")
    repo = git.Repo(git_repo)
    repo.index.commit("the issue")

    code, out, _ = _cli(capsys, "run", "--issue", issue_id, "--max-budget", "0.5", "--json")
    trajectory = json.loads(out.strip().splitlines()[-1])["issues"][0]["trajectories"][0]
    repo.git.commit("-q", "-m", "what the team commits next")
    committed = repo.git.show("--name-only", "--format=", "HEAD").splitlines()
    session = next(p for p in committed if p.startswith(".autopilot/sessions/"))

    assert code == 1
    assert f".autopilot/issues/{issue_id}.yaml" in committed
    named = (git_repo / session).read_text().split("trajectory: ")[1].split()[0]
    assert named in committed and Path(trajectory).name in named


@pytest.mark.integration
def test_an_unfinished_issue_that_changed_nothing_says_so(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An issue whose run ran out of budget before it changed a file says so, instead of telling the
    user to commit or stash changes that do not exist."""
    offline.script([_bash("git status --short"), {"text": "done"}], usage={"input_tokens": 200_000})
    issue_id = _create(capsys, "too big", "--accept", "true")
    git.Repo(git_repo).index.commit("the issue")

    code, out, _ = _cli(capsys, "run", "--issue", issue_id, "--max-budget", "0.5")

    assert code == 1
    assert f"issue {issue_id}: budget_exhausted:" in out
    assert (
        f"  it changed no file; `autopilot run --issue {issue_id}` (or the next --full-auto) resumes this "
        "run where it stopped"
    ) in out.splitlines()


@pytest.mark.integration
def test_resuming_an_issue_run_says_the_issue_is_left_as_it_was(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`resume --continue` after an issue's run ran out of budget continues the agent, and says that
    the issue's acceptance commands and commit are `run --issue`'s to do."""
    offline.script([_bash("echo started >> notes.txt"), {"text": "done"}], usage={"input_tokens": 200_000})
    issue_id = _create(capsys, "too big", "--accept", "true")
    git.Repo(git_repo).index.commit("the issue")
    _cli(capsys, "run", "--issue", issue_id, "--max-budget", "0.5")

    code, out, _ = _cli(capsys, "resume", "--continue", "--max-budget", "5")

    assert code == 0
    assert (
        f"  issue {issue_id} is unchanged: resuming runs no acceptance commands and commits nothing "
        f"(`autopilot run --issue {issue_id}` does)"
    ) in out.splitlines()
    assert _issue(capsys, issue_id)["status"] == "open"


@pytest.mark.integration
def test_resuming_an_unfinished_issue_run_stages_its_trajectory_again(
    offline: ScriptedAnthropic, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The unfinished run left its trajectory staged beside its session; `resume` updates both, and
    the next `git commit` holds the resumed trajectory, not the staged half of the first attempt."""
    offline.script([_bash("git status --short"), {"text": "done"}], usage={"input_tokens": 200_000})
    issue_id = _create(capsys, "too big", "--accept", "true")
    repo = git.Repo(git_repo)
    repo.index.commit("the issue")
    _cli(capsys, "run", "--issue", issue_id, "--max-budget", "0.5")

    code, out, _ = _cli(capsys, "resume", "--continue", "--max-budget", "5", "--json")
    trajectory = Path(json.loads(out.strip().splitlines()[-1])["trajectory"])
    repo.git.commit("-q", "-m", "what the team commits next")
    committed = json.loads(repo.git.show(f"HEAD:{trajectory.relative_to(git_repo).as_posix()}"))

    assert code == 0
    assert committed["result"]["status"] == "success" and committed["resumes"]
    assert not repo.git.status("--porcelain", "--", str(trajectory.parent))
