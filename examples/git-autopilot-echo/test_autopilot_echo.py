"""The echo backend's tests, as its author writes them: the `autopilot_project` fixture that
git-autopilot installs for pytest, and the `autopilot` command itself (run with `python -m autopilot`
so that it is the one of the environment under test)."""

import json
import subprocess
import sys
from pathlib import Path


def autopilot(*args: str) -> str:
    """Run `autopilot ARGS...` in the current directory; its output (it must succeed)."""
    done = subprocess.run([sys.executable, "-m", "autopilot", *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_echo_runs_a_task(autopilot_project: Path) -> None:
    """`run --agent echo` writes the file, and the run counts both turns and their tokens."""
    summary = json.loads(autopilot("run", "--agent", "echo", "--json", "write NOTES.md").splitlines()[-1])

    assert (summary["status"], summary["num_turns"]) == ("success", 2)
    assert summary["input_tokens"] > 0 and summary["output_tokens"] == 20
    assert (autopilot_project / "NOTES.md").is_file()


def test_echo_works_an_issue_through_the_issue_tools(autopilot_project: Path) -> None:
    """`run --issue`: the agent reports the issue done with the issue tools; autopilot commits it."""
    created = autopilot("issue", "create", "write NOTES.md", "--accept", "test -f NOTES.md", "--json")
    issue = json.loads(created)["id"]

    autopilot("run", "--agent", "echo", "--issue", issue, "--quiet")
    record = json.loads(autopilot("issue", "view", issue, "--json"))
    log = ["git", "log", "-1", "--format=%(trailers:key=Autopilot-Issue,valueonly)"]
    trailer = subprocess.run(log, capture_output=True, text=True, check=True).stdout.strip()

    assert record["status"] == "done"
    assert "agent_done" in [event["kind"] for event in record["events"]]
    assert trailer == issue
