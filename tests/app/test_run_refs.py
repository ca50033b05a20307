"""Commands that take a run take it by path, by run id (or a unique prefix of one) or as ``last``.

The runs are real: the Claude Code CLI against the scripted model, recorded by ``autopilot run``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from autopilot.cli import context, main
from autopilot.core.trajectory.files import load_trajectory
from autopilot.testing import ScriptedAnthropic

pytestmark = pytest.mark.integration

MODEL = "claude-sonnet-4-5"


def bash(command: str) -> dict[str, Any]:
    return {"tool_use": {"name": "Bash", "input": {"command": command}}}


@dataclass(frozen=True)
class Project:
    """A repository with two recorded runs, the older first."""

    repo: Path
    older: dict[str, Any]  # each run's `run --json` summary
    newer: dict[str, Any]

    @property
    def shared(self) -> str:
        """The longest prefix both run ids share (ambiguous)."""
        older, newer = self.older["run_id"], self.newer["run_id"]
        return str(older[: next(i for i, (a, b) in enumerate(zip(older, newer, strict=True)) if a != b)])

    def unique(self, summary: dict[str, Any]) -> str:
        """The shortest prefix of the run's id that names it alone."""
        return str(summary["run_id"])[: len(self.shared) + 1]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """Two runs recorded by `autopilot run` in a fresh repository, shared by this module's tests
    (which only read them)."""
    root = tmp_path_factory.mktemp("run-refs")
    repo = root / "project"
    repo.mkdir()
    identity = ["-c", "user.name=Autopilot Test", "-c", "user.email=test@example.invalid"]
    for args in (["init", "-q", "-b", "main"], [*identity, "commit", "-q", "--allow-empty", "-m", "initial"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    server = ScriptedAnthropic(root / "scripted-anthropic")
    env = {name: value for name, value in os.environ.items() if not name.startswith("AUTOPILOT_")}
    env.update(server.env, AUTOPILOT_MODEL=MODEL, AUTOPILOT_HOME=str(root / "home"))
    env["AUTOPILOT_MIN_FREE_MEMORY_MB"] = "0"
    summaries = []
    try:
        for slug, command in (("older", "echo one > one.txt"), ("newer", "ls")):
            server.script([bash(command), {"text": f"the {slug} run is done"}])
            done = subprocess.run(
                [sys.executable, "-m", "autopilot", "run", f"the {slug} task", "--json", "-s", slug],
                cwd=repo, env=env, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
            summaries.append(json.loads(done.stdout.strip().splitlines()[-1]))
        yield Project(repo, *summaries)
    finally:
        server.close()


@pytest.fixture
def in_project(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The shared project as the working directory."""
    monkeypatch.chdir(project.repo)
    return project


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
    """Exit code, stdout and the ``error:`` lines of stderr of one `autopilot` invocation."""
    context.reset()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, [line for line in err.splitlines() if line.startswith("error:")]


def reference(project: Project, kind: str) -> str:
    """The newer run named as *kind*: its full id, a unique prefix, ``last`` or its trajectory's path."""
    return {
        "id": project.newer["run_id"],
        "prefix": project.unique(project.newer),
        "last": "last",
        "path": project.newer["trajectory"],
    }[kind]


# ------------------------------------------------------------------------------------------------
# Each command takes each form


def test_session_list_shows_where_each_runs_trajectory_is(
    in_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """`session list` shows each run's id and its trajectory's path, in text and in JSON."""
    _, text, _ = cli(capsys, "session", "list")
    _, listed, _ = cli(capsys, "session", "list", "--json")
    runs = [in_project.newer, in_project.older]
    expected = [
        (run["run_id"], Path(run["trajectory"]).relative_to(in_project.repo).as_posix()) for run in runs
    ]

    assert [(line.split()[0], line.split()[-1]) for line in text.splitlines()] == expected
    assert [(s["run_id"], s["trajectory"]) for s in json.loads(listed)["sessions"]] == expected


@pytest.mark.parametrize("kind", ["id", "prefix", "last", "path"])
def test_replay_takes_a_run_by_id_prefix_last_or_path(
    in_project: Project, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`replay` shows the run named by its id, a unique prefix of it, `last` or its file."""
    code, out, errors = cli(capsys, "replay", reference(in_project, kind), "--json")

    assert (code, errors) == (0, [])
    assert json.loads(out)["run"]["run_id"] == in_project.newer["run_id"]


@pytest.mark.parametrize("kind", ["id", "prefix", "last", "path"])
def test_analyze_takes_a_run_by_id_prefix_last_or_path(
    in_project: Project, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`analyze` reads the run named by its id, a unique prefix of it, `last` or its file."""
    code, out, errors = cli(capsys, "analyze", reference(in_project, kind), "--json")

    assert (code, errors) == (0, [])
    assert [f["run_id"] for f in json.loads(out)["files"]] == [in_project.newer["run_id"]]


@pytest.mark.parametrize("kind", ["id", "prefix", "last", "path"])
def test_export_takes_a_run_by_id_prefix_last_or_path(
    in_project: Project, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`export --format atif` writes the run named by its id, a unique prefix of it, `last` or its file."""
    code, _, errors = cli(
        capsys, "export", "--format", "atif", "-o", str(tmp_path / "atif"), reference(in_project, kind)
    )

    assert (code, errors) == (0, [])
    assert [p.name for p in (tmp_path / "atif").iterdir()] == [
        f"{in_project.newer['run_id']}.trajectory.json"
    ]


def test_compare_takes_two_runs_by_id_and_prefix(
    in_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """`compare` takes one run by its full id and the other by a unique prefix, in that order."""
    older, newer = in_project.older, in_project.newer
    code, out, errors = cli(capsys, "compare", older["run_id"], in_project.unique(newer), "--json")
    result = json.loads(out)

    assert (code, errors) == (0, [])
    assert (result["a"]["run_id"], result["b"]["run_id"]) == (older["run_id"], newer["run_id"])


def test_validate_takes_a_run_by_id(in_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """`validate` checks the trajectory of the run its id names."""
    code, out, errors = cli(capsys, "validate", in_project.older["run_id"], "--json")

    assert (code, errors) == (0, [])
    assert [Path(f["path"]).resolve() for f in json.loads(out)["files"]] == [
        Path(in_project.older["trajectory"]).resolve()
    ]


# ------------------------------------------------------------------------------------------------
# References that name no single run

#: Every command that takes a run, with the run given as ``{}``.
COMMANDS = [
    ("replay", "{}"),
    ("compare", "last", "{}"),
    ("export", "--format", "atif", "{}"),
    ("analyze", "{}"),
    ("validate", "{}"),
    ("resume", "-t", "{}"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_an_ambiguous_prefix_is_one_error_naming_the_candidates(
    in_project: Project, command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """A prefix two runs share is refused with one error line naming both; nothing is done."""
    args = [arg.format(in_project.shared) for arg in command]
    code, out, errors = cli(capsys, *args)

    assert (code, out) == (2, "")
    assert len(errors) == 1
    assert in_project.older["run_id"] in errors[0] and in_project.newer["run_id"] in errors[0]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_an_unknown_id_is_one_error_naming_it(
    in_project: Project, command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """An id no run has (and no file has as its name) is one error line naming it; exit 2."""
    code, out, errors = cli(capsys, *[arg.format("19990101T000000-ffffffff") for arg in command])

    assert (code, out) == (2, "")
    assert errors == [
        "error: 19990101T000000-ffffffff: no such file, and no recorded run has this id "
        "(see `autopilot session list`)"
    ]


def test_a_file_named_last_is_read_as_a_file(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file called `last` in the working directory wins over the project's newest run."""
    copy = tmp_path / "copy"
    shutil.copytree(project.repo, copy)
    shutil.copy(project.older["trajectory"], copy / "last")
    monkeypatch.chdir(copy)

    code, out, _ = cli(capsys, "replay", "last", "--json")

    assert code == 0
    assert json.loads(out)["run"]["run_id"] == project.older["run_id"]


def test_a_run_whose_trajectory_is_gone_names_the_run_and_the_path(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A recorded run whose trajectory was deleted is one error line naming its id and the missing file."""
    copy = tmp_path / "copy"
    shutil.copytree(project.repo, copy)
    gone = copy / Path(project.older["trajectory"]).relative_to(project.repo)
    gone.unlink()
    monkeypatch.chdir(copy)

    code, _, errors = cli(capsys, "replay", project.older["run_id"])

    assert code == 2
    assert errors == [
        f"error: run {project.older['run_id']}: its trajectory {gone} is missing (moved or deleted)"
    ]


# ------------------------------------------------------------------------------------------------
# resume


@pytest.mark.parametrize("kind", ["id", "prefix", "last"])
def test_resume_takes_a_run_by_id_prefix_or_last(
    offline: ScriptedAnthropic, git_repo: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`resume -t` continues the run named by its id, a unique prefix of it or `last`, in its own file."""
    offline.script([bash("true"), {"text": "done"}, {"text": "resumed"}])
    code, out, _ = cli(capsys, "run", "a task", "--json", "-s", "task")
    ran = json.loads(out.strip().splitlines()[-1])
    named = {"id": ran["run_id"], "prefix": ran["run_id"][:10], "last": "last"}[kind]

    code, out, errors = cli(capsys, "resume", "-t", named, "--json")
    resumed = json.loads(out.strip().splitlines()[-1])
    run = load_trajectory(Path(ran["trajectory"])).run

    assert (code, errors) == (0, [])
    assert (resumed["run_id"], resumed["trajectory"]) == (ran["run_id"], ran["trajectory"])
    assert (len(run.resumes), run.result.final_text) == (1, "resumed")
