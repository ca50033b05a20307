"""Each hook, exercised through the typed facade the core uses (one `test_hook_<name>` per hook)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from tests.fake_secrets import github_token
from tests.plugin_fixtures import RmGuard

from autopilot import Backend, StopRun, ToolDecision, hookimpl
from autopilot.core.config import load_config
from autopilot.core.errors import PluginError, RedactionError
from autopilot.core.hooks import Hooks
from autopilot.core.logs import LogReader, scan
from autopilot.core.models import Run, Step
from autopilot.core.pluginmanager import make_plugin_manager
from autopilot.core.recorder import Recorder
from autopilot.core.trajectory.files import base_path_for, load_trajectory
from autopilot.core.usage import Call, Session


def _hooks(*plugins: tuple[str, object], strict: bool = False) -> Hooks:
    return Hooks(make_plugin_manager(load_local=False, extra_plugins=plugins, strict=strict))


class _Calls:
    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []


def _record_run(hooks: Hooks, tmp_path: Path, steps: list[Step]) -> Recorder:
    run = Run(prompt="task", agent="test", cwd=str(tmp_path), slug="task")
    recorder = Recorder(hooks, run, base_path_for(run, tmp_path / "logs"))
    recorder.start()
    for step in steps:
        recorder.add(step)
    recorder.finish(status="success")
    return recorder


def test_hook_redact_chains_in_order_and_builtin_runs_last(tmp_path: Path) -> None:
    """Each redactor receives the previous one's output; the built-in one sees everything last."""
    order: list[str] = []

    token = github_token()

    class First:
        @hookimpl
        def redact(self, text: str) -> str:
            order.append("first")
            return text.replace("alpha", f"beta {token}")

    class Second:
        @hookimpl
        def redact(self, text: str) -> str:
            order.append("second")
            return text.replace("omega", "alpha")

    # Registered last, called first: second turns omega into alpha, then first glues a secret to it,
    # which the built-in redactor, called after both, removes.
    hooks = _hooks(("first", First()), ("second", Second()))

    result = hooks.redact(text="omega")

    assert result == "beta [REDACTED:github_token]"
    assert order == ["second", "first"]


def test_hook_redact_fails_closed(tmp_path: Path) -> None:
    """A raising redactor stops the write: no trajectory file gets the step."""

    class Broken:
        @hookimpl
        def redact(self, text: str) -> str:
            if "boom" in text:
                raise ValueError("cannot parse")
            return text

    hooks = _hooks(("broken", Broken()))
    run = Run(prompt="task", agent="test", cwd=str(tmp_path), slug="task")
    recorder = Recorder(hooks, run, base_path_for(run, tmp_path / "logs"))
    recorder.start()

    with pytest.raises(RedactionError, match="plugin 'broken' failed in hook 'redact'"):
        recorder.add(Step("assistant", text="boom secret"))

    journal = recorder.paths["journal"].read_text()
    assert "boom" not in journal
    assert "boom" not in recorder.paths["rlog"].read_text()


def test_hook_redact_rejects_non_string_results() -> None:
    """A redactor returning something other than str fails closed too."""

    class Wrong:
        @hookimpl
        def redact(self, text: str) -> Any:
            return None

    with pytest.raises(RedactionError, match="returned NoneType"):
        _hooks(("wrong", Wrong())).redact(text="hello")


def test_hook_before_step_sees_redacted_steps_and_can_stop_the_run(tmp_path: Path) -> None:
    """before_step gets every step already redacted, and StopRun ends the run cleanly."""
    seen: list[str] = []

    class Guard:
        @hookimpl
        def before_step(self, run: Run, step: Step) -> None:
            seen.append(step.text or "")
            if step.text and "rm -rf" in step.text:
                raise StopRun("dangerous command")

    hooks = _hooks(("guard", Guard()))
    token = github_token()
    recorder = _record_run(
        hooks, tmp_path, [Step("assistant", text=f"use {token}"), Step("assistant", text="rm -rf /")]
    )

    assert seen == ["use [REDACTED:github_token]", "rm -rf /"]
    assert recorder.stop_reason == "dangerous command"


def test_hook_redact_batch_gets_the_whole_step_and_the_builtin_still_scans_it(tmp_path: Path) -> None:
    """A redactor with redact_batch gets each step's strings in one call; the built-in one runs after it."""
    token = github_token()
    batches: list[list[str]] = []

    class Batching:
        @hookimpl
        def redact(self, text: str) -> str:
            return text.replace("alpha", token)

        @hookimpl
        def redact_batch(self, texts: list[str]) -> list[str]:
            batches.append(list(texts))
            return [text.replace("alpha", token) for text in texts]

    hooks = _hooks(("batching", Batching()))
    recorder = _record_run(
        hooks,
        tmp_path,
        [Step("tool_call", tool="Bash", tool_use_id="t1", input={"command": "echo alpha"}, text="alpha")],
    )

    step = load_trajectory(recorder.paths["json"]).run.steps[0]
    assert batches == [["alpha", "Bash", "command", "echo alpha"]]
    assert (step.text, step.input) == ("[REDACTED:github_token]", {"command": "echo [REDACTED:github_token]"})


def test_hook_redact_batch_without_redact_fails_closed() -> None:
    """A plugin with redact_batch but no redact would let single strings through: nothing is written."""

    class OnlyBatch:
        @hookimpl
        def redact_batch(self, texts: list[str]) -> list[str]:
            return texts

    with pytest.raises(RedactionError, match=r"'only_batch'.*implements redact_batch but not redact"):
        _hooks(("only_batch", OnlyBatch())).redact(text="hello")


def test_hook_before_step_wrapper_runs_around_the_other_implementations(tmp_path: Path) -> None:
    """A new-style wrapper on before_step sees every step before and after the other observers."""
    events: list[str] = []

    class Observer:
        @hookimpl
        def before_step(self, step: Step) -> None:
            events.append(f"observe {step.text}")

    class Timer:
        @hookimpl(wrapper=True)
        def before_step(self, step: Step) -> Any:
            events.append(f"enter {step.text}")
            result = yield
            events.append(f"leave {step.text}")
            return result

    hooks = _hooks(("observer", Observer()), ("timer", Timer()))
    _record_run(hooks, tmp_path, [Step("assistant", text="one"), Step("assistant", text="two")])

    assert events == ["enter one", "observe one", "leave one", "enter two", "observe two", "leave two"]
    assert hooks.warnings == []


def test_hook_before_step_wrapper_sees_stop_run_and_the_run_still_stops(tmp_path: Path) -> None:
    """StopRun from an observer passes through a wrapper (which sees it) and stops the run."""
    seen: list[str] = []

    class Guard:
        @hookimpl
        def before_step(self, step: Step) -> None:
            raise StopRun(f"no {step.text}")

    class Tracer:
        @hookimpl(wrapper=True)
        def before_step(self) -> Any:
            try:
                return (yield)
            except StopRun as signal:
                seen.append(signal.reason)
                raise

    recorder = _record_run(
        _hooks(("guard", Guard()), ("tracer", Tracer())), tmp_path, [Step("user", text="go")]
    )

    assert (seen, recorder.stop_reason) == (["no go"], "no go")


def test_hook_before_step_failure_inside_a_wrapper_names_the_failing_plugin(tmp_path: Path) -> None:
    """The warning names the observer that raised, not the wrapper its exception passed through."""

    class Flaky:
        @hookimpl
        def before_step(self) -> None:
            raise KeyError("missing")

    class Tracer:
        @hookimpl(wrapper=True)
        def before_step(self) -> Any:
            return (yield)

    hooks = _hooks(("flaky", Flaky()), ("tracer", Tracer()))
    recorder = _record_run(hooks, tmp_path, [Step("assistant", text="hello")])

    assert load_trajectory(recorder.paths["json"]).run.steps[0].text == "hello"
    assert hooks.warnings == ["plugin 'flaky' failed in hook 'before_step': KeyError: 'missing'"]


def test_hook_before_step_failure_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    """A raising observer is reported by name and skipped; the step is still written."""

    class Flaky:
        @hookimpl
        def before_step(self, step: Step) -> None:
            raise KeyError("missing")

    hooks = _hooks(("flaky", Flaky()))
    recorder = _record_run(hooks, tmp_path, [Step("assistant", text="hello")])

    assert load_trajectory(recorder.paths["json"]).run.steps[0].text == "hello"
    assert hooks.warnings == ["plugin 'flaky' failed in hook 'before_step': KeyError: 'missing'"]


def test_hook_before_step_failure_is_fatal_when_strict(tmp_path: Path) -> None:
    """In strict mode a raising observer aborts with PluginError."""

    class Flaky:
        @hookimpl
        def before_step(self) -> None:
            raise KeyError("missing")

    hooks = _hooks(("flaky", Flaky()), strict=True)
    with pytest.raises(PluginError, match="flaky"):
        _record_run(hooks, tmp_path, [Step("assistant", text="hello")])


def test_hook_before_tool_use_first_decision_wins_and_tryfirst_guards_are_asked_first() -> None:
    """A tryfirst guard is asked before other plugins; the first decision that is not None wins."""
    asked: list[str] = []

    class Lenient:
        @hookimpl
        def before_tool_use(self) -> ToolDecision:
            asked.append("lenient")
            return ToolDecision.allow()

    guard = RmGuard("deny")
    hooks = _hooks(("guard", guard), ("lenient", Lenient()))
    run = Run(prompt="task", agent="test")

    denied = hooks.before_tool_use(run=run, tool="Bash", input={"command": "rm -rf build"})
    allowed = hooks.before_tool_use(run=run, tool="Bash", input={"command": "ls"})

    assert denied == ToolDecision.deny(RmGuard.reason)
    assert allowed == ToolDecision.allow()
    assert [tool for tool, _ in guard.asked] == ["Bash", "Bash"]
    assert asked == ["lenient"]


def test_hook_before_tool_use_wrong_answer_names_the_plugin() -> None:
    """A guard answering something other than a ToolDecision is a PluginError naming it."""

    class Sloppy:
        @hookimpl
        def before_tool_use(self) -> str:
            return "deny"

    with pytest.raises(PluginError, match=r"'sloppy'.*not a ToolDecision"):
        _hooks(("sloppy", Sloppy())).before_tool_use(run=Run(), tool="Bash", input={})


def test_tool_decisions_need_a_reason_the_agent_can_read() -> None:
    """deny and stop without a reason, or an unknown action, are refused when the decision is made."""
    with pytest.raises(ValueError, match="needs a reason"):
        ToolDecision.deny(" ")
    with pytest.raises(ValueError, match="action must be one of"):
        ToolDecision("maybe", "why")  # type: ignore[arg-type]

    assert ToolDecision.stop("enough") == ToolDecision("stop", "enough")


# The real Claude Code CLI against the scripted Anthropic server. A run with a tool guard uses the SDK
# transport whatever the setting says (the PreToolUse hook calls back into this process).

MODEL = "claude-sonnet-4-5"
TRANSPORTS = pytest.mark.parametrize("transport", ["cli", "sdk"])


def _bash(command: str) -> dict[str, Any]:
    return {"tool_use": {"name": "Bash", "input": {"command": command}}}


def _guarded_claude_run(scripted: Any, repo: Path, guard: object, transport: str) -> tuple[Any, Any]:
    from autopilot.app.runs import RunOptions, run_task
    from autopilot.plugins.claude.backend import ClaudeBackend

    (repo / "keep.txt").write_text("precious\n")
    scripted.script([_bash("rm keep.txt && echo removed"), _bash("echo safe > safe.txt"), {"text": "done"}])
    backend = ClaudeBackend({"transport": transport})
    result = run_task(
        "tidy up",
        RunOptions(model=MODEL, cwd=repo),
        backend=backend,
        hooks=_hooks(("guard", guard)),
        env=scripted.env,
        handle_signals=False,
    )
    return result, backend


def _decisions(run: Run) -> list[tuple[str, str, bool]]:
    return [
        (s.data["tool"], s.data["decision"], s.data["tool_started"])
        for s in run.steps
        if s.type == "system" and s.subtype == "tool_decision" and s.data
    ]


@pytest.mark.integration
@TRANSPORTS
def test_hook_before_tool_use_denies_a_destructive_command_and_the_run_goes_on(
    scripted_anthropic: Any, git_repo: Path, transport: str
) -> None:
    """Claude: a denied rm never runs, the agent reads the reason as the tool's error, and goes on."""
    result, backend = _guarded_claude_run(scripted_anthropic, git_repo, RmGuard("deny"), transport)
    steps = list(result.run.steps)
    denied = next(s for s in steps if s.type == "tool_result")
    follow_up = json.dumps(scripted_anthropic.requests()[1]["body"]["messages"])

    assert (git_repo / "keep.txt").read_text() == "precious\n"
    assert denied.is_error and RmGuard.reason in (denied.output or "")
    assert RmGuard.reason in follow_up
    assert (git_repo / "safe.txt").read_text() == "safe\n"
    assert result.status == "success"
    assert _decisions(result.run) == [("Bash", "deny", False)]
    assert backend.transport == "sdk"


@pytest.mark.integration
@TRANSPORTS
def test_hook_before_tool_use_stop_ends_the_run_before_the_tool_runs(
    scripted_anthropic: Any, git_repo: Path, transport: str
) -> None:
    """Claude: a stop decision keeps the tool from running and ends the run with status stopped."""
    result, _ = _guarded_claude_run(scripted_anthropic, git_repo, RmGuard("stop"), transport)

    assert (git_repo / "keep.txt").read_text() == "precious\n"
    assert not (git_repo / "safe.txt").exists()
    assert result.status == "stopped"
    assert result.run.result.stop_reason == f"stopped by a plugin: {RmGuard.reason}"
    assert _decisions(result.run) == [("Bash", "stop", False)]
    assert len(scripted_anthropic.requests()) == 1


@pytest.mark.integration
def test_hook_before_tool_use_failure_fails_closed(scripted_anthropic: Any, git_repo: Path) -> None:
    """Claude: a guard that raises keeps the tool from running and ends the run with an error naming it."""

    class Broken:
        @hookimpl
        def before_tool_use(self) -> None:
            raise RuntimeError("policy server unreachable")

    result, _ = _guarded_claude_run(scripted_anthropic, git_repo, Broken(), "cli")

    assert (git_repo / "keep.txt").read_text() == "precious\n"
    assert result.status == "error"
    assert "'guard'" in (result.run.result.error or "")
    assert "policy server unreachable" in (result.run.result.error or "")


def test_hook_after_step_runs_after_the_step_is_on_disk(tmp_path: Path) -> None:
    """When after_step fires, the journal already holds the step."""
    on_disk: list[bool] = []
    holder: dict[str, Recorder] = {}

    class Check:
        @hookimpl
        def after_step(self, run: Run, step: Step) -> None:
            journal = holder["recorder"].paths["journal"].read_text()
            on_disk.append(f'"index":{step.index}' in journal and run.steps[-1] is step)

    hooks = _hooks(("check", Check()))
    run = Run(prompt="task", agent="test", cwd=str(tmp_path), slug="task")
    holder["recorder"] = recorder = Recorder(hooks, run, base_path_for(run, tmp_path / "logs"))
    recorder.start()
    recorder.add(Step("assistant", text="one"))
    recorder.add(Step("assistant", text="two"))

    assert on_disk == [True, True]


def test_hook_before_run_and_on_run_complete_bracket_the_run(tmp_path: Path) -> None:
    """before_run fires before the first step; on_run_complete after the final JSON exists."""
    events: list[str] = []
    holder: dict[str, Recorder] = {}

    class Observer:
        @hookimpl
        def before_run(self, run: Run) -> None:
            events.append(f"before_run steps={len(run.steps)}")

        @hookimpl
        def on_run_complete(self, run: Run) -> None:
            events.append(f"complete {run.result.status} json={holder['r'].paths['json'].exists()}")

    hooks = _hooks(("observer", Observer()))
    run = Run(prompt="task", agent="test", cwd=str(tmp_path), slug="task")
    holder["r"] = recorder = Recorder(hooks, run, base_path_for(run, tmp_path / "logs"))
    recorder.start()
    recorder.add(Step("assistant", text="hi"))
    recorder.finish(status="success")

    assert events == ["before_run steps=0", "complete success json=True"]


def test_hook_on_run_complete_failure_is_reported(tmp_path: Path) -> None:
    """A failing on_run_complete does not lose the run."""

    class Bad:
        @hookimpl
        def on_run_complete(self) -> None:
            raise RuntimeError("webhook down")

    hooks = _hooks(("bad", Bad()))
    recorder = _record_run(hooks, tmp_path, [Step("assistant", text="hi")])

    assert recorder.paths["json"].exists()
    assert "webhook down" in hooks.warnings[0]


def test_hook_on_issue_complete_receives_the_outcome() -> None:
    """on_issue_complete gets the issue, the outcome and the run (implementations may take a subset)."""
    seen: list[tuple[str, str]] = []

    class Notifier:
        @hookimpl
        def on_issue_complete(self, issue: dict[str, Any], outcome: str) -> None:
            seen.append((issue["id"], outcome))

    _hooks(("notify", Notifier())).on_issue_complete(issue={"id": "ab12"}, outcome="completed", run=None)

    assert seen == [("ab12", "completed")]


def test_hook_backend_select_first_answer_wins_then_default(tmp_path: Path) -> None:
    """A plugin may choose the backend (e.g. by label); otherwise --agent, project, config, 'claude'."""

    class ByLabel:
        @hookimpl
        def backend_select(self, issue: dict[str, Any] | None) -> str | None:
            if issue and "codex" in issue.get("labels", []):
                return "codex"
            return None

    config = load_config(tmp_path, environ={})
    hooks = _hooks(("by_label", ByLabel()))

    picks = [
        hooks.backend_select(agent=None, issue={"labels": ["codex"]}, project=None, config=config),
        hooks.backend_select(agent="custom", issue={"labels": []}, project=None, config=config),
        hooks.backend_select(agent=None, issue=None, project={"agent": "codex"}, config=config),
        hooks.backend_select(agent=None, issue=None, project=None, config=config),
        hooks.backend_select(
            agent=None,
            issue=None,
            project=None,
            config=load_config(tmp_path, environ={"AUTOPILOT_AGENT": "x"}),
        ),
    ]

    assert picks == ["codex", "custom", "codex", "claude", "x"]


def test_hook_backend_select_error_names_the_plugin(tmp_path: Path) -> None:
    """A raising backend_select aborts with PluginError naming the plugin."""

    class Bad:
        @hookimpl
        def backend_select(self) -> str:
            raise RuntimeError("no")

    with pytest.raises(PluginError, match="'bad' failed in hook 'backend_select'"):
        _hooks(("bad", Bad())).backend_select(
            agent=None, issue=None, project=None, config=load_config(tmp_path, environ={})
        )


def test_a_backend_without_stream_is_refused_when_registered() -> None:
    """A Backend subclass that does not implement stream() is a PluginError naming the plugin and the
    method, not a TypeError when a run starts."""

    class Unfinished(Backend):
        name = "unfinished"

    class Provider:
        @hookimpl
        def backend_register(self, register: Any) -> None:
            register(Unfinished)

    with pytest.raises(PluginError) as refused:
        _hooks(("provider", Provider())).backend_register()

    assert str(refused.value) == (
        "plugin 'provider' failed in hook 'backend_register': backend 'unfinished' does not implement stream"
    )


def test_hook_backend_register_collects_named_backends() -> None:
    """Backends registered by plugins are available by name; duplicates and non-backends are refused."""

    class Echo(Backend):
        name = "echo-test"

        def stream(self, request):  # type: ignore[no-untyped-def]
            raise AssertionError("not run here")

    class Provider:
        @hookimpl
        def backend_register(self, register: Any) -> None:
            register(Echo)

    class Duplicate:
        @hookimpl
        def backend_register(self, register: Any) -> None:
            register(Echo)

    assert _hooks(("provider", Provider())).backend_register()["echo-test"] is Echo
    with pytest.raises(PluginError, match="exists"):
        _hooks(("provider", Provider()), ("dup", Duplicate())).backend_register()

    class NotABackend:
        @hookimpl
        def backend_register(self, register: Any) -> None:
            register(dict)

    with pytest.raises(PluginError, match="'bad' failed in hook 'backend_register'"):
        _hooks(("bad", NotABackend())).backend_register()


def test_hook_backend_register_error_names_the_raising_plugin() -> None:
    """An exception inside backend_register aborts with a PluginError naming that plugin."""

    class Broken:
        @hookimpl
        def backend_register(self) -> None:
            raise ImportError("no module named 'sdk'")

    with pytest.raises(PluginError, match="plugin 'broken' failed in hook 'backend_register': ImportError"):
        _hooks(("broken", Broken())).backend_register()


def test_hook_trajectory_writer_register_adds_a_writer(tmp_path: Path) -> None:
    """A third-party writer receives every step and the final run, like the built-in ones."""
    lines: list[str] = []

    class ListWriter:
        name = "list"

        def open(self, run: Run, base: Path, *, resume: bool) -> None:
            lines.append(f"open resume={resume}")

        def write_step(self, run: Run, step: Step) -> None:
            lines.append(f"step {step.index} {step.type}")

        def update(self, run: Run, changes: dict[str, Any]) -> None:
            lines.append(f"update {sorted(changes)}")

        def close(self, run: Run) -> None:
            lines.append(f"close {run.result.status}")

    class Provider:
        @hookimpl
        def trajectory_writer_register(self, register: Any) -> None:
            register(ListWriter())

    hooks = _hooks(("lister", Provider()))
    run = Run(prompt="task", agent="test", cwd=str(tmp_path), slug="task")
    recorder = Recorder(hooks, run, base_path_for(run, tmp_path / "logs"))
    recorder.start()
    recorder.add(Step("user", text="go"))
    recorder.update(session_id="s1")
    recorder.finish(status="error", error="bad")

    assert lines == ["open resume=False", "step 0 user", "update ['session_id']", "close error"]
    assert recorder.paths["json"].exists()


def test_hook_trajectory_writer_register_refuses_a_non_writer_by_plugin() -> None:
    """Registering something that is not a writer aborts with a PluginError naming the plugin."""

    class Provider:
        @hookimpl
        def trajectory_writer_register(self, register: Any) -> None:
            register(object())

    with pytest.raises(PluginError, match="plugin 'odd' failed in hook 'trajectory_writer_register'"):
        _hooks(("odd", Provider())).trajectory_writer_register(config=None)


def test_hook_command_register_adds_a_cli_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A plugin can add a sub-command to `autopilot`."""
    from tests.plugin_fixtures import write_local_plugin

    write_local_plugin(
        Path.cwd(),
        "hello",
        """
        from autopilot import hookimpl

        @hookimpl
        def command_register(app):
            @app.command(name="hello")
            def hello(name: str = "world") -> int:
                print(f"hello {name}")
                return 0
        """,
    )
    from autopilot.cli import main
    from autopilot.cli.app import app

    try:
        code = main(["hello", "--name", "plugins"])
    finally:
        # The cyclopts app is module-global: later tests (the man page's) must not see the command.
        with contextlib.suppress(KeyError):
            del app["hello"]

    assert (code, capsys.readouterr().out) == (0, "hello plugins\n")


class _CsvReader(LogReader):
    """A made-up log format: ``csv-usage`` then one ``timestamp,model,input,output`` line per call."""

    name = "csv-usage"
    agent = "csv-agent"

    def sniff(self, head: bytes, path: Path) -> bool:
        return head.startswith(b"csv-usage\n")

    def scan(self, path: Path, data: bytes) -> list[Session]:
        lines = data.decode().split()[1:]
        calls = [Call(ts, model, int(i), int(o)) for ts, model, i, o in (line.split(",") for line in lines)]
        return [Session(path=str(path), kind=self.name, agent=self.agent, session_id=path.stem, calls=calls)]


def test_hook_log_reader_register_adds_a_format_analyze_reads(tmp_path: Path) -> None:
    """A plugin's log reader is tried after autopilot's own; its files are read and priced like any log."""

    class Provider:
        @hookimpl
        def log_reader_register(self, register: Any) -> None:
            register(_CsvReader())

    log = tmp_path / "one.jsonl"
    log.write_text("csv-usage\n2026-12-01T10:00:00Z,gpt-5,1000000,0\n", encoding="utf-8")
    readers = _hooks(("csv", Provider())).log_reader_register()

    results = list(scan(readers, [log]))

    assert type(readers[0]).__name__ == "TrajectoryReader"
    assert isinstance(readers[-1], _CsvReader)
    assert [(s.agent, [c.input for c in s.calls]) for s in results[0].sessions] == [("csv-agent", [1000000])]

    class NotAReader:
        @hookimpl
        def log_reader_register(self, register: Any) -> None:
            register(object())

    with pytest.raises(PluginError, match="'bad' failed in hook 'log_reader_register'"):
        _hooks(("bad", NotAReader())).log_reader_register()
