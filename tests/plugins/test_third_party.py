"""A third-party plugin author's view: plugins installed as distributions (the example echo backend,
a redactor, a trajectory writer) taking part in `run` and `run --issue` as built-in ones do."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest
from tests.fake_secrets import github_token
from tests.plugin_fixtures import install_distribution

from autopilot.cli import context, main


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    context.reset()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_secret_in_the_task_stays_out_of_the_file_names(
    echo_installed: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The trajectory files are named after the redacted task, so no secret reaches a file name."""
    token = github_token()
    code, _, err = _cli(capsys, "run", "--agent", "echo", "--quiet", f"write NOTES.md using {token}")
    names = [path.name for path in (project / "docs" / "logs").rglob("*")]
    sessions = "".join(path.read_text() for path in (project / ".autopilot" / "sessions").glob("*.yaml"))

    assert code == 0, err
    assert any(name.endswith("-write-notes-md-using-redacted-github-tok.json") for name in names), names
    assert not any(token[4:16].lower() in name for name in names)
    assert token[4:16].lower() not in sessions.lower()


def test_doctor_reports_the_plugins_that_failed_to_load(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`doctor` counts a plugin that failed to load as a problem, in its report and its exit code."""
    install_distribution(
        monkeypatch,
        tmp_path / "broken",
        dist="git-autopilot-broken",
        version="0.3",
        entry_name="broken",
        module="autopilot_broken_for_doctor",
        source="import not_a_module_anywhere\n",
    )
    code, out, _ = _cli(capsys, "doctor")
    json_code, json_out, _ = _cli(capsys, "doctor", "--json")
    report = json.loads(json_out)

    assert (code, json_code) == (1, 1)
    assert "plugins: 1 failed to load (broken: see the warning above)" in out.splitlines()
    assert report["plugins"]["failed"] == [
        {
            "name": "broken",
            "distribution": "git-autopilot-broken",
            "version": "0.3",
            "error": "ModuleNotFoundError: No module named 'not_a_module_anywhere'",
        }
    ]
    assert "echo" not in report["plugins"]["loaded"] and "redact_secrets" in report["plugins"]["loaded"]


TEXT_WRITER = """
from pathlib import Path

from autopilot import hookimpl


class TextWriter:
    name = "text"

    def open(self, run, base, *, resume):
        self.path = Path(str(base) + ".txt")

    def write_step(self, run, step):
        with self.path.open("a") as out:
            out.write(f"{step.type}\\n")

    def update(self, run, changes):
        pass

    def close(self, run):
        pass


@hookimpl
def trajectory_writer_register(register):
    register(TextWriter())
"""


def test_an_issue_commit_holds_what_every_trajectory_writer_wrote(
    echo_installed: Path,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`run --issue` commits a third-party writer's file beside the run's .json and .rlog."""
    install_distribution(
        monkeypatch,
        tmp_path / "writer",
        dist="git-autopilot-text",
        version="0.1",
        entry_name="text",
        module="autopilot_text_writer",
        source=TEXT_WRITER,
    )
    code, out, err = _cli(
        capsys, "issue", "create", "write NOTES.md", "--accept", "test -f NOTES.md", "--json"
    )
    assert code == 0, err
    code, _, err = _cli(capsys, "run", "--agent", "echo", "--issue", json.loads(out)["id"], "--quiet")
    repo = git.Repo(project)
    committed = repo.git.show("--name-only", "--format=", "HEAD").splitlines()
    untracked = repo.untracked_files
    repo.close()

    assert code == 0, err
    assert {Path(name).suffix for name in committed if name.startswith("docs/logs/")} == {
        ".json",
        ".rlog",
        ".txt",
    }
    assert untracked == []


@pytest.mark.parametrize("method", ["write_step", "close"])
def test_a_writer_that_raises_is_one_error_naming_it(
    method: str,
    echo_installed: Path,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A trajectory writer that raises ends the run with an error naming the writer, its module and
    the method; the run's own .json is still written."""
    broken = TEXT_WRITER.replace(
        f"    def {method}(self, run",
        f"    def {method}(self, run, *rest):\n        raise OSError('disk on fire')\n\n"
        f"    def unused_{method}(self, run",
    )
    install_distribution(
        monkeypatch,
        tmp_path / "writer",
        dist="git-autopilot-text",
        version="0.1",
        entry_name="text",
        module=f"autopilot_broken_{method}",
        source=broken,
    )
    code, _, err = _cli(capsys, "run", "--agent", "echo", "--quiet", "write NOTES.md")

    assert code == 1
    assert err.splitlines()[-1].startswith(
        f"error: trajectory writer 'text' (autopilot_broken_{method}) failed in {method}: "
        "OSError: disk on fire"
    )
    assert list((project / "docs" / "logs").rglob("*.json"))
