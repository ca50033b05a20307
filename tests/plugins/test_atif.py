"""ATIF: ``export --format atif`` passes Harbor's own validator; ``import`` reads ATIF back as the run."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.corpus import CORPUS, needs_corpus
from tests.trajectory_builders import record, typical_script

from autopilot.cli import context, main

#: The Harbor release whose validator the exports are checked with.
HARBOR = "harbor==0.26.0"


#: The corpus folders of logs ``export`` takes (everything ``import`` reads).
EXPORTABLE = ("claude-transcript", "claude-stream-json", "codex-rollout", "codex-exec-json", "atif",
              "swe-agent-traj", "mini-swe-agent-traj")  # fmt: skip


def _logs() -> list[Path]:
    assert CORPUS is not None
    return sorted(p for folder in EXPORTABLE for p in (CORPUS / folder).iterdir() if p.suffix != ".md")


@pytest.fixture(scope="session")
def harbor_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Python that runs Harbor's ``harbor.utils.trajectory_validator``, in a throwaway virtual environment.

    Harbor declares Python >= 3.12 and depends on a whole evaluation framework, but the validator and
    the ATIF models it checks with import only pydantic. So Harbor is installed without its
    dependencies, resolved as for 3.12 (uv's ``--python-version``: 3.11 runs the validator as well),
    then pydantic.
    """
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed (it installs Harbor's validator)")
    where = tmp_path_factory.mktemp("harbor") / "venv"
    python = where / "bin" / "python"
    install = [uv, "pip", "install", "--quiet", "--python", str(python)]
    for command in (
        [uv, "venv", "--quiet", "--python", sys.executable, str(where)],
        [*install, "--no-deps", "--python-version", "3.12", HARBOR],
        [*install, "pydantic>=2.14"],
    ):
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            pytest.skip(f"{HARBOR} could not be installed: {done.stderr.strip()[-300:]}")
    return python


def _validate(python: Path, path: Path) -> str | None:
    """Harbor's verdict on *path*: None when valid, else what its validator printed."""
    done = subprocess.run(
        [str(python), "-m", "harbor.utils.trajectory_validator", str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return None if done.returncode == 0 else (done.stdout + done.stderr).strip()


def _export(capsys: pytest.CaptureFixture[str], out: Path, *runs: Path) -> list[Path]:
    """``export --format atif -o OUT RUN...``: the files written, in the order of *runs*."""
    context.reset()
    code = main(["export", "--format", "atif", "-o", str(out), *map(str, runs)])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    return [Path(line.split(" -> ")[1].split("  (")[0]) for line in lines]


@needs_corpus
@pytest.mark.slow
def test_every_exported_corpus_log_and_run_passes_harbors_validator(
    harbor_python: Path, hooks: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every Claude, Codex, SWE-agent and mini-swe-agent log of the corpus, Harbor's own ATIF files and
    a recorded autopilot run, exported as ATIF, pass ``python -m harbor.utils.trajectory_validator``."""
    run = record(hooks, tmp_path / "runs", typical_script()).path  # type: ignore[arg-type]
    runs = [*_logs(), run]

    written = _export(capsys, tmp_path / "atif", *runs)

    verdicts = {str(log): _validate(harbor_python, path) for log, path in zip(runs, written, strict=True)}
    assert len(written) == len(runs) == 34
    assert {log: verdict for log, verdict in verdicts.items() if verdict} == {}


@needs_corpus
def test_harbors_validator_rejects_a_damaged_export(
    harbor_python: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The validator the exports pass does reject ATIF that breaks the format (a step out of sequence)."""
    assert CORPUS is not None
    (path,) = _export(capsys, tmp_path, CORPUS / "claude-transcript" / "agentcmd__full-session.jsonl")
    document = json.loads(path.read_text())
    document["steps"][1]["step_id"] = 7
    path.write_text(json.dumps(document))

    verdict = _validate(harbor_python, path)

    assert verdict is not None and "steps[1].step_id: expected 2 (sequential from 1), got 7" in verdict


@needs_corpus
@pytest.mark.parametrize(
    "log",
    [
        "claude-transcript/spotter__tool_heavy.jsonl",
        "claude-stream-json/terragon__claude-json-task-test.json",
        "codex-rollout/agentcmd__rollout-2025-09-25T15-12-14-019982b8-3422-79e0-8b3b-05abaf4f3c3e.jsonl",
        "codex-exec-json/agentcmd__stream-output-1.jsonl",
        "atif/harbor-golden__terminus_2_hello-world-context-summarization.trajectory.json",
    ],
)
def test_an_exported_log_imports_as_the_same_run(
    log: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``import`` of an exported ATIF file gives back the run: exported again, the same steps, metrics and
    session, and ``analyze`` the same tokens and cost."""
    assert CORPUS is not None
    (first,) = _export(capsys, tmp_path / "first", CORPUS / log)
    context.reset()
    assert main(["import", str(first), "--output-dir", str(tmp_path / "imported"), "--json"]) == 0
    imported = Path(json.loads(capsys.readouterr().out)["imported"][0]["trajectory"])

    (second,) = _export(capsys, tmp_path / "second", imported)

    before, after = json.loads(first.read_text()), json.loads(second.read_text())
    assert after["steps"] == before["steps"]
    assert after["final_metrics"] == before["final_metrics"]
    assert (after["session_id"], after["agent"]["name"]) == (before["session_id"], before["agent"]["name"])
    assert after["extra"]["status"] == before["extra"]["status"]


def test_an_atif_file_is_imported_as_its_agent_with_its_steps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hand-made ATIF file imports with its agent, model, session, prompt, tool call and result."""
    document = {
        "schema_version": "ATIF-v1.4",
        "session_id": "s-42",
        "agent": {"name": "terminus-2", "version": "1.0", "model_name": "claude-sonnet-4-5"},
        "steps": [
            {"step_id": 1, "timestamp": "2026-01-02T03:04:05Z", "source": "user", "message": "list files"},
            {"step_id": 2, "timestamp": "2026-01-02T03:04:07Z", "source": "agent", "message": "Listing.",
             "tool_calls": [{"tool_call_id": "c1", "function_name": "bash", "arguments": {"command": "ls"}}],
             "observation": {"results": [{"source_call_id": "c1", "content": "a.txt"}]},
             "metrics": {"prompt_tokens": 1500, "completion_tokens": 20, "cached_tokens": 1000}},
        ],
    }  # fmt: skip
    path = tmp_path / "trajectory.json"
    path.write_text(json.dumps(document))

    code = main(["import", str(path), "--output-dir", str(tmp_path / "out"), "--json"])
    run = json.loads(Path(json.loads(capsys.readouterr().out)["imported"][0]["trajectory"]).read_text())

    assert code == 0
    assert (run["agent"], run["model"], run["session_id"], run["prompt"]) == (
        "terminus-2", "claude-sonnet-4-5", "s-42", "list files")  # fmt: skip
    steps = [(s["type"], s.get("text") or s.get("output") or s.get("tool")) for s in run["steps"]]
    assert steps == [
        ("user", "list files"),
        ("assistant", "Listing."),
        ("tool_call", "bash"),
        ("tool_result", "a.txt"),
    ]
    assert (run["usage"]["input_tokens"], run["usage"]["cache_read_tokens"]) == (500, 1000)
    assert run["started_at"] == "2026-01-02T03:04:05Z"
