"""The live ``otlp`` plugin: a run's spans sent while it is recorded, the same spans ``export`` makes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from tests.corpus import CORPUS, needs_corpus
from tests.fake_secrets import github_token
from tests.otlp_collector import Collector, read_spans, spans_of_json_lines

from autopilot.cli import main
from autopilot.core.config import load_config
from autopilot.core.hooks import Hooks
from autopilot.core.models import Run, Step, Usage
from autopilot.core.recorder import Recorder
from autopilot.core.trajectory.files import base_path_for, load_trajectory
from autopilot.testing import ScriptedAnthropic

TRANSCRIPT = CORPUS / "claude-transcript" / "spotter__tool_heavy.jsonl"
ROLLOUT = (
    CORPUS
    / "codex-rollout"
    / "agentcmd__rollout-2025-09-25T15-12-14-019982b8-3422-79e0-8b3b-05abaf4f3c3e.jsonl"
)


def _import(capsys: pytest.CaptureFixture[str], log: Path, out: Path) -> tuple[int, Path | None, str]:
    code = main(["import", "--output-dir", str(out), "--json", str(log)])
    captured = capsys.readouterr()
    trajectories = list(out.rglob("*.json"))
    return code, trajectories[0] if trajectories else None, captured.err


@needs_corpus
@pytest.mark.parametrize("log", [TRANSCRIPT, ROLLOUT], ids=["claude", "codex"])
def test_live_spans_are_the_spans_export_makes(
    log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Spans sent while a run is recorded equal, ids and times included, those export makes of it later."""
    live = tmp_path / "live.jsonl"
    monkeypatch.setenv("AUTOPILOT_OTLP_FILE", str(live))
    code, trajectory, err = _import(capsys, log, tmp_path / "runs")
    monkeypatch.delenv("AUTOPILOT_OTLP_FILE")
    assert (code, err) == (0, "") and trajectory is not None
    exported = tmp_path / "exported.jsonl"
    main(["export", "--format", "otlp", "-o", str(exported), str(trajectory)])

    live_spans = sorted(read_spans(live), key=lambda s: s.span_id)
    exported_spans = sorted(read_spans(exported), key=lambda s: s.span_id)

    assert len(live_spans) > 10
    assert live_spans == exported_spans


@needs_corpus
def test_live_spans_reach_the_collector(
    collector: Collector, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With AUTOPILOT_OTLP_ENDPOINT the spans go to the collector's /v1/traces as the run is recorded."""
    monkeypatch.setenv("AUTOPILOT_OTLP_ENDPOINT", collector.url)

    code, trajectory, err = _import(capsys, TRANSCRIPT, tmp_path / "runs")
    run = json.loads(trajectory.read_text()) if trajectory else {}
    operations = sorted(s.operation for s in collector.spans)

    assert (code, err) == (0, "")
    assert set(collector.paths) == {"/v1/traces"}
    assert operations == ["chat"] * 4 + ["execute_tool"] * 6 + ["invoke_agent"]
    (root,) = [s for s in collector.spans if s.operation == "invoke_agent"]
    assert root.attributes["autopilot.run.id"] == run["run_id"]
    assert root.attributes["gen_ai.usage.output_tokens"] == run["usage"]["output_tokens"]


def test_settings_from_the_config_file(
    git_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """plugins.otlp in .autopilot/config.yaml turns the exporter on; a relative file is in the project."""
    config = git_repo / ".autopilot" / "config.yaml"
    config.parent.mkdir(exist_ok=True)
    config.write_text(
        "schema_version: 1\nplugins:\n  otlp:\n    file: spans/run.jsonl\n    capture_content: true\n"
    )
    secret = github_token()
    log = tmp_path / "exec.jsonl"
    log.write_text(
        "\n".join(
            json.dumps(line)
            for line in [
                {"type": "thread.started", "thread_id": "thread-1"},
                {"type": "turn.started"},
                {
                    "type": "item.completed",
                    "item": {
                        "id": "item_1",
                        "type": "command_execution",
                        "command": f"deploy --token {secret}",
                        "aggregated_output": "deployed",
                        "exit_code": 0,
                        "status": "completed",
                    },
                },
                {
                    "type": "turn.completed",
                    "usage": {"input_tokens": 50, "cached_input_tokens": 0, "output_tokens": 9},
                },
            ]
        )
        + "\n"
    )

    code, _, err = _import(capsys, log, tmp_path / "runs")
    spans = read_spans(git_repo / "spans" / "run.jsonl")
    (tool,) = [s for s in spans if s.operation == "execute_tool"]

    assert (code, err) == (0, "")
    assert "deploy --token [REDACTED" in tool.attributes["gen_ai.tool.call.arguments"]
    assert secret not in (git_repo / "spans" / "run.jsonl").read_text()


@needs_corpus
def test_a_collector_that_is_down_never_fails_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing listens at the endpoint: the run is recorded all the same, exit 0."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AUTOPILOT_OTLP_ENDPOINT", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "1")

    code, trajectory, _ = _import(capsys, TRANSCRIPT, tmp_path / "runs")

    assert code == 0 and trajectory is not None


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "AUTOPILOT_OTLP_ENDPOINT",
            "collector:4318",
            "AUTOPILOT_OTLP_ENDPOINT: not an http:// or https:// URL",
        ),
        ("AUTOPILOT_OTLP_CAPTURE_CONTENT", "maybe", "AUTOPILOT_OTLP_CAPTURE_CONTENT: must be true or false"),
    ],
)
def test_a_bad_setting_is_one_error_line(
    variable: str,
    value: str,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A bad AUTOPILOT_OTLP_* value stops the run before it starts, with one line naming the variable."""
    monkeypatch.setenv("AUTOPILOT_OTLP_FILE", str(tmp_path / "spans.jsonl"))
    monkeypatch.setenv(variable, value)
    log = tmp_path / "exec.jsonl"
    log.write_text(json.dumps({"type": "thread.started", "thread_id": "t"}) + "\n")

    code, _, err = _import(capsys, log, tmp_path / "runs")

    assert code != 0
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and message in err


def test_off_by_default_and_free() -> None:
    """Without a setting the plugin registers no writer and OpenTelemetry is never imported."""
    script = (
        "import json, sys\n"
        "from autopilot.core.config import load_config\n"
        "from autopilot.core.hooks import Hooks\n"
        "from autopilot.core.pluginmanager import make_plugin_manager\n"
        "hooks = Hooks(make_plugin_manager(load_local=False))\n"
        "writers = hooks.trajectory_writer_register(config=load_config())\n"
        "loaded = any(name.startswith('opentelemetry') for name in sys.modules)\n"
        "print(json.dumps([sorted(w.name for w in writers), loaded]))\n"
    )

    def writers(**environ: str) -> list:
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, **environ},
        )
        return json.loads(done.stdout)

    assert writers() == [["trajectory_json", "trajectory_rlog"], False]
    assert writers(AUTOPILOT_OTLP_ENDPOINT="http://127.0.0.1:4318") == [
        ["otlp", "trajectory_json", "trajectory_rlog"],
        True,
    ]


@pytest.mark.integration
def test_a_real_run_sends_its_spans(
    scripted_anthropic: ScriptedAnthropic,
    collector: Collector,
    git_repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A real Claude Code run against the scripted model: its spans reach the collector when it ends."""
    for name, value in scripted_anthropic.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AUTOPILOT_MODEL", "claude-sonnet-4-5")
    monkeypatch.setenv("AUTOPILOT_OTLP_ENDPOINT", collector.url)
    scripted_anthropic.script(
        [
            {"tool_use": {"name": "Bash", "input": {"command": "echo hi > hi.txt"}}, "input_tokens": 400},
            {"text": "done", "input_tokens": 500, "output_tokens": 7},
        ]
    )

    code = main(["run", "write hi", "--json"])
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    spans = collector.spans
    (root,) = [s for s in spans if s.operation == "invoke_agent"]
    chats = [s for s in spans if s.operation == "chat"]
    (tool,) = [s for s in spans if s.operation == "execute_tool"]

    assert code == 0
    assert len(chats) == summary["num_turns"] == 2
    assert {s.parent_id for s in spans if s is not root} == {root.span_id}
    assert tool.attributes["gen_ai.tool.name"] == "Bash"
    assert sum(s.attributes["gen_ai.usage.output_tokens"] for s in chats) == summary["output_tokens"]
    assert root.attributes["autopilot.run.id"] == summary["run_id"]
    assert root.attributes["autopilot.run.status"] == "success"
    assert root.attributes["autopilot.branch"] == "main"
    assert root.attributes["gen_ai.conversation.id"]


def test_a_resumed_run_adds_its_part_to_the_same_trace(
    hooks: Hooks, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Resuming sends a second invoke_agent span in the run's trace, with span ids of its own."""
    spans_file = tmp_path / "spans.jsonl"
    monkeypatch.setenv("AUTOPILOT_OTLP_FILE", str(spans_file))
    config = load_config(tmp_path)
    run = Run(prompt="p", agent="claude", model="claude-sonnet-4-5", cwd=str(tmp_path))
    first = Recorder(hooks, run, base_path_for(run, tmp_path / "logs"), config=config)
    first.start()
    first.add(Step("assistant", text="working", turn=1, usage=Usage(input_tokens=10, output_tokens=2)))
    first.finish(status="interrupted")
    second = Recorder(hooks, load_trajectory(first.paths["json"]).run, first.base, resume=True, config=config)
    second.start()
    second.add(Step("assistant", text="done", turn=2, usage=Usage(input_tokens=20, output_tokens=3)))
    second.finish(status="success")

    before, after = spans_of_json_lines(spans_file.read_text())
    roots = [s for s in before + after if s.operation == "invoke_agent"]

    assert [r.attributes["autopilot.run.status"] for r in roots] == ["interrupted", "success"]
    assert {s.trace_id for s in before + after} == {roots[0].trace_id}
    assert not {s.span_id for s in before} & {s.span_id for s in after}
    assert [s.attributes.get("gen_ai.usage.output_tokens") for s in after if s.operation == "chat"] == [3]
