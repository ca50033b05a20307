"""The example backend in examples/git-autopilot-echo (the one docs/plugins/writing-plugins.md shows)
loads through its own entry point and takes part in `run`, `run --issue` and `run --full-auto`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import git
import pytest

from autopilot.cli import context, main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "git-autopilot-echo"


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    context.reset()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _create(capsys: pytest.CaptureFixture[str], title: str, accept: str) -> str:
    code, out, err = _cli(capsys, "issue", "create", title, "--accept", accept, "--json")
    assert code == 0, err
    return str(json.loads(out)["id"])


def test_autopilot_plugins_lists_the_example_backend(
    echo_installed: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`autopilot plugins --json` names the plugin, its distribution and its one hook."""
    code, out, _ = _cli(capsys, "plugins", "--json")
    plugins = {p["name"]: p for p in json.loads(out)["plugins"]}

    assert code == 0
    assert (plugins["echo"]["distribution"], plugins["echo"]["hooks"]) == (
        "git-autopilot-echo",
        ["backend_register"],
    )


def test_run_with_the_example_backend_counts_turns_and_tokens(
    echo_installed: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --agent echo`: the file is written; the trajectory has the tool call, both turns, the tokens."""
    code, out, err = _cli(capsys, "run", "--agent", "echo", "--json", "write NOTES.md")
    summary = json.loads(out.strip().splitlines()[-1])
    steps = json.loads(Path(summary["trajectory"]).read_text())["steps"]

    assert code == 0, err
    assert (summary["status"], summary["num_turns"], summary["output_tokens"]) == ("success", 2, 20)
    assert [s["type"] for s in steps] == ["user", "assistant", "tool_call", "tool_result", "assistant"]
    assert (project / "NOTES.md").is_file()


def test_a_result_that_says_nothing_of_an_error_is_a_valid_trajectory(
    echo_installed: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example's tool results leave `is_error` unset, as a backend author would: the run is still
    a valid trajectory (`validate` accepts it, the web UI does not list it as broken)."""
    code, out, err = _cli(capsys, "run", "--agent", "echo", "--json", "write NOTES.md")
    trajectory = json.loads(out.strip().splitlines()[-1])["trajectory"]
    results = [s for s in json.loads(Path(trajectory).read_text())["steps"] if s["type"] == "tool_result"]

    assert code == 0, err
    assert [s["is_error"] for s in results] == [False]
    assert _cli(capsys, "validate", trajectory)[0] == 0


def test_run_issue_with_the_example_backend_completes_it_through_the_issue_tools(
    echo_installed: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --issue --agent echo`: the agent calls issue_complete; the work is committed with trailers."""
    issue = _create(capsys, "write NOTES.md", "test -f NOTES.md")

    code, out, err = _cli(capsys, "run", "--agent", "echo", "--issue", issue, "--json")
    result = json.loads(out.strip().splitlines()[-1])["issues"][0]
    record = json.loads(_cli(capsys, "issue", "view", issue, "--json")[1])
    commit = git.Repo(project).head.commit

    assert code == 0, err
    assert (result["outcome"], record["status"]) == ("completed", "done")
    assert [e["note"] for e in record["events"] if e["kind"] == "agent_done"] == [""]
    assert "NOTES.md" in commit.stats.files
    assert commit.trailers_dict["Autopilot-Issue"] == [issue]
    assert commit.trailers_dict["Autopilot-Run"] == result["run_ids"]


def test_full_auto_with_the_example_backend_works_the_whole_queue(
    echo_installed: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --full-auto --agent echo` completes every ready issue, one commit each."""
    first = _create(capsys, "write A.md", "test -f A.md")
    second = _create(capsys, "write B.md", "test -f B.md")

    code, out, err = _cli(capsys, "run", "--full-auto", "--agent", "echo", "--json")
    summary = json.loads(out.strip().splitlines()[-1])
    issues = [c.trailers_dict.get("Autopilot-Issue") for c in git.Repo(project).iter_commits(max_count=2)]

    assert code == 0, err
    assert {(i["issue"], i["outcome"]) for i in summary["issues"]} == {
        (first, "completed"),
        (second, "completed"),
    }
    assert sorted(issues) == sorted([[first], [second]])


@pytest.mark.slow
def test_the_examples_own_tests_pass(echo_installed: Path, tmp_path: Path) -> None:
    """The author's test file in the example passes with only the public API and autopilot.testing."""
    (tmp_path / "suite").mkdir()
    test_file = tmp_path / "suite" / "test_autopilot_echo.py"
    test_file.write_text((EXAMPLE / "test_autopilot_echo.py").read_text())

    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
        cwd=tmp_path / "suite",
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 passed" in done.stdout
