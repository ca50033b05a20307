"""The `autopilot` command shell: plugins listing, errors, exit codes, `git autopilot`, redacted output."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.fake_secrets import github_token
from tests.plugin_fixtures import write_local_plugin

from autopilot.cli import context, main

BIN = Path(sys.executable).parent


def test_plugins_json_lists_builtins_with_hooks(capsys: pytest.CaptureFixture[str]) -> None:
    """`autopilot plugins --json` lists name, distribution, version and hooks."""
    code = main(["plugins", "--json"])
    data = json.loads(capsys.readouterr().out)
    by_name = {p["name"]: p for p in data["plugins"]}

    assert code == 0
    assert by_name["redact_secrets"]["hooks"] == ["redact", "redact_batch"]
    assert by_name["trajectory_json"]["distribution"] == "git-autopilot"
    assert data["failed"] == []


def test_broken_local_plugin_warns_once_and_other_commands_work(capsys: pytest.CaptureFixture[str]) -> None:
    """A plugin that fails to load is a one-line warning naming it; the command still runs."""
    write_local_plugin(Path.cwd(), "broken", "raise ImportError('needs requests')\n")

    code = main(["plugins", "--json"])
    captured = capsys.readouterr()

    assert code == 1  # as the table: a plugin that did not load is a failure to report, in JSON too
    assert captured.err.splitlines() == [
        f"warning: plugin 'local:broken' ({Path.cwd() / '.autopilot' / 'plugins' / 'broken.py'}) "
        "failed to load: ImportError: needs requests"
    ]
    assert json.loads(captured.out)["failed"][0]["name"] == "local:broken"


MARKING_PLUGIN = """
from pathlib import Path
from autopilot import hookimpl

Path(__file__).with_suffix(".ran").write_text("imported")

@hookimpl
def redact(text):
    return text
"""


def test_settings_for_a_plugin_that_does_not_exist_are_one_warning_naming_the_right_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`plugins: {claude: ...}` (the backend is `backend_claude`) warns that it is unused, not ignored."""
    config = Path.cwd() / ".autopilot" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.write_text(
        "plugins:\n  claude:\n    cli_path: /opt/claude\n  trajectory_json:\n    fsync: false\n"
    )

    expected = [
        "warning: .autopilot/config.yaml: plugins.claude: no plugin is named 'claude', "
        "so these settings are unused (did you mean backend_claude?)"
    ]
    code = main(["issue", "list"])
    captured = capsys.readouterr()

    assert code == 0
    assert expected == captured.err.splitlines()


def test_a_misspelt_environment_variable_is_one_warning_naming_the_right_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`AUTOPILOT_BUGDET_USD` (a typo) is one warning naming the variable and the one it is close to; a
    variable close to none (a third-party plugin's own) is left alone."""
    monkeypatch.setenv("AUTOPILOT_BUGDET_USD", "1")
    monkeypatch.setenv("AUTOPILOT_MAX_BUDGET_USD", "1")
    monkeypatch.setenv("AUTOPILOT_SLACK_WEBHOOK", "https://example.invalid/hook")

    expected = [
        "warning: AUTOPILOT_BUGDET_USD is set, but autopilot reads no such variable, so it is ignored "
        "(did you mean AUTOPILOT_MAX_BUDGET?)",
        "warning: AUTOPILOT_MAX_BUDGET_USD is set, but autopilot reads no such variable, so it is "
        "ignored (did you mean AUTOPILOT_MAX_BUDGET?)",
    ]
    code = main(["session", "list"])  # reads the configuration more than once
    captured = capsys.readouterr()

    assert code == 0
    assert expected == captured.err.splitlines()


def test_every_variable_autopilot_reads_is_known_and_documented() -> None:
    """Each `AUTOPILOT_*` name the code reads is in the list typos are checked against (no false
    warning for a real variable), and in docs/reference/config.md or its backend's page."""
    import re

    root = Path(__file__).resolve().parents[2]
    named = set()
    for path in (root / "src" / "autopilot").rglob("*.py"):
        named |= set(re.findall(r"[\"'](AUTOPILOT_[A-Z_]*[A-Z])[\"']", path.read_text(encoding="utf-8")))
    docs = "".join(p.read_text(encoding="utf-8") for p in (root / "docs").rglob("*.md"))
    unknown = named - set(context.VARIABLES)
    undocumented = [name for name in context.VARIABLES if f"`{name}" not in docs]

    assert not unknown, unknown
    assert not undocumented, undocumented


def test_untrusted_local_plugins_are_one_warning_and_never_run(capsys: pytest.CaptureFixture[str]) -> None:
    """Right after a clone, `issue list` imports none of the repository's plugins and says so in one line."""
    first = write_local_plugin(Path.cwd(), "alpha", MARKING_PLUGIN, trust=False)
    second = write_local_plugin(Path.cwd(), "beta", MARKING_PLUGIN, trust=False)

    code = main(["issue", "list"])
    err = capsys.readouterr().err

    assert code == 0
    assert err.splitlines() == [
        "warning: not loading untrusted project plugins .autopilot/plugins/alpha.py, "
        ".autopilot/plugins/beta.py (read them, then `autopilot plugins trust`)"
    ]
    assert not first.with_suffix(".ran").exists() and not second.with_suffix(".ran").exists()


def test_a_plugin_changed_since_it_was_trusted_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    """After a pull changed a trusted plugin, the one warning says that it changed, which is why it no
    longer runs, and asks to read *it*: one file."""
    path = write_local_plugin(Path.cwd(), "alpha", MARKING_PLUGIN)
    path.write_text(path.read_text() + "# changed upstream\n")

    code = main(["issue", "list"])

    assert code == 0
    assert capsys.readouterr().err.splitlines() == [
        "warning: not loading untrusted project plugin .autopilot/plugins/alpha.py "
        "(changed since it was trusted) (read it, then `autopilot plugins trust`)"
    ]


def test_plugins_trust_and_untrust(capsys: pytest.CaptureFixture[str]) -> None:
    """`plugins` lists an untrusted file as such; `plugins trust` lets it load; `untrust` undoes that."""
    path = write_local_plugin(Path.cwd(), "alpha", MARKING_PLUGIN, trust=False)

    main(["plugins", "--json"])
    before = json.loads(capsys.readouterr().out)
    context.reset()
    trusted = main(["plugins", "trust"])
    trust_out = capsys.readouterr().out
    context.reset()
    main(["plugins", "--json"])
    after = json.loads(capsys.readouterr().out)
    context.reset()
    main(["plugins", "untrust", str(path)])
    untrust_out = capsys.readouterr().out
    context.reset()
    main(["plugins", "--json"])
    again = json.loads(capsys.readouterr().out)

    assert before["untrusted"] == [{"name": "local:alpha", "path": str(path)}]
    assert "local:alpha" not in [p["name"] for p in before["plugins"]]
    assert trusted == 0 and trust_out.startswith("trusted .autopilot/plugins/alpha.py (sha256 ")
    assert after["untrusted"] == [] and "local:alpha" in [p["name"] for p in after["plugins"]]
    assert untrust_out == "untrusted .autopilot/plugins/alpha.py\n"
    assert again["untrusted"] == [{"name": "local:alpha", "path": str(path)}]


def test_project_plugins_load_from_a_subdirectory(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a subdirectory of the repository, its trusted plugins load (a `before_tool_use` guard did
    not, so `autopilot run` there ran without it), and `plugins trust` finds them."""
    subprocess.run(["git", "init", "-q"], check=True)
    write_local_plugin(
        Path.cwd(), "guard", "from autopilot import hookimpl\n\n@hookimpl\ndef before_run(run):\n    pass\n"
    )
    write_local_plugin(Path.cwd(), "other", MARKING_PLUGIN, trust=False)
    subdirectory = Path("src", "deep")
    subdirectory.mkdir(parents=True)
    monkeypatch.chdir(subdirectory)

    main(["plugins", "--json"])
    listed = json.loads(capsys.readouterr().out)
    context.reset()
    trusted = main(["plugins", "trust"])
    out = capsys.readouterr().out

    assert "local:guard" in [p["name"] for p in listed["plugins"]]
    assert [p["name"] for p in listed["untrusted"]] == ["local:other"]
    assert trusted == 0 and out.count("trusted ") == 2


def test_plugins_trust_does_not_warn_about_the_files_it_trusts(capsys: pytest.CaptureFixture[str]) -> None:
    """`plugins trust` prints what it trusted and no "not loading untrusted ... trust them" warning."""
    write_local_plugin(Path.cwd(), "alpha", MARKING_PLUGIN, trust=False)

    code = main(["plugins", "trust"])
    captured = capsys.readouterr()

    assert code == 0 and captured.out.startswith("trusted .autopilot/plugins/alpha.py")
    assert captured.err == ""


def test_a_plugin_without_hookimpl_is_listed_with_no_hooks(capsys: pytest.CaptureFixture[str]) -> None:
    """A plugin whose functions lost their `@hookimpl` loads and does nothing: `autopilot plugins`
    lists it, saying so, rather than leaving its author to wonder whether it was loaded at all."""
    write_local_plugin(Path.cwd(), "bare", "def before_step(run, step):\n    raise RuntimeError\n")

    main(["plugins", "--json"])
    listed = {p["name"]: p["hooks"] for p in json.loads(capsys.readouterr().out)["plugins"]}
    context.reset()
    main(["plugins"])
    rows = [line.split("│") for line in capsys.readouterr().out.splitlines() if line.startswith("│")]

    assert listed["local:bare"] == []
    assert [row[5].strip() for row in rows if row[1].strip() == "local:bare"] == [
        "none (no @hookimpl function)"
    ]


def test_plugins_table_shows_failed_plugins_and_whole_hook_names(capsys: pytest.CaptureFixture[str]) -> None:
    """The table lists a plugin that failed to load, with its error, and cuts no hook name short."""
    write_local_plugin(Path.cwd(), "broken", "raise ImportError('needs requests')\n")

    code = main(["plugins"])
    table = capsys.readouterr().out
    rows = [line.split("│") for line in table.splitlines() if line.startswith("│")]

    assert code == 1
    assert "…" not in table
    assert [row[2].strip() for row in rows if row[1].strip() == "local:broken"] == ["failed"]
    assert "".join(row[5].strip() for row in rows).count("trajectory_writer_register") == 3


def test_piped_plugin_table_keeps_each_hook_name_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Piped (as here), the table is not folded at 80 columns: every hook name is whole on its line."""
    code = main(["plugins"])
    rows = [line.split("│") for line in capsys.readouterr().out.splitlines() if line.startswith("│")]

    assert code == 0
    assert [row[5].strip() for row in rows].count("trajectory_writer_register") == 3


def test_trusting_a_missing_file_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    """`plugins trust FILE` with no such file is one `error:` line and exit 2; nothing is recorded."""
    code = main(["plugins", "trust", "nowhere.py"])
    err = capsys.readouterr().err

    assert code == 2
    assert err.startswith("error: nowhere.py: cannot read it") and len(err.splitlines()) == 1


def test_trusting_a_file_autopilot_never_loads_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    """`plugins trust README.md` (or a .py outside .autopilot/plugins/) trusts nothing: autopilot would
    never load it, so the user has named the wrong file. One `error:` line, exit 2."""
    write_local_plugin(Path.cwd(), "alpha", MARKING_PLUGIN, trust=False)
    Path("README.md").write_text("hello\n")
    Path("tool.py").write_text("print('hi')\n")

    codes = [
        main(["plugins", "trust", ".autopilot/plugins/alpha.py", name]) for name in ("README.md", "tool.py")
    ]
    err = capsys.readouterr().err
    context.reset()
    main(["plugins", "--json"])

    assert codes == [2, 2]
    assert err.splitlines() == [
        f"error: {name}: not a project plugin (autopilot loads only .autopilot/plugins/*.py)"
        for name in ("README.md", "tool.py")
    ]
    assert json.loads(capsys.readouterr().out)["untrusted"][0]["name"] == "local:alpha"


@pytest.mark.parametrize("verb", ["trust", "untrust"])
def test_trusting_without_plugins_says_what_to_name(verb: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`plugins trust`/`untrust` where there are no project plugins: one error line, in its own words."""
    code = main(["plugins", verb])

    assert code == 2
    assert (
        capsys.readouterr().err
        == f"error: no plugins in .autopilot/plugins/ here; name the files to {verb}\n"
    )


def test_strict_plugins_flag_makes_it_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    """With --strict-plugins, a broken plugin is one `error:` line and exit code 1."""
    write_local_plugin(Path.cwd(), "broken", "raise ImportError('needs requests')\n")

    code = main(["--strict-plugins", "plugins"])
    err = capsys.readouterr().err

    assert code == 1
    assert err.startswith("error: plugin 'local:broken'") and len(err.splitlines()) == 1


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown command gives one error line and exit code 2."""
    code = main(["frobnicate"])
    err = capsys.readouterr().err

    assert code == 2
    assert err.startswith("error:") and "frobnicate" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("flag", ["--max-cost", "--max-usd", "--spend-limit"])
def test_a_cost_flag_by_another_name_points_at_the_budget(
    flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --max-cost 2` names --max-budget, not the nearest spelling cyclopts finds (--max-turns)."""
    code = main(["run", flag, "2", "fix it"])
    err = capsys.readouterr().err

    assert code == 2
    assert err == f"error: Unknown option: {flag}. Did you mean --max-budget (USD)?\n"


@pytest.mark.parametrize("flag", ["--since", "--by"])
def test_a_report_flag_given_to_analyze_points_at_report(
    flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`analyze --since D` names `autopilot report`, not --json (cyclopts' nearest spelling)."""
    code = main(["analyze", flag, "x"])
    err = capsys.readouterr().err

    assert code == 2
    assert err == f"error: Unknown option: {flag}. `autopilot report` has it (analyze sums whole runs)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["replay"], "replay needs RUN (see `autopilot replay -h`)"),
        (["compare", "last"], "compare needs B (see `autopilot compare -h`)"),
        (["issue", "view"], "issue view needs ISSUE-ID (see `autopilot issue view -h`)"),
    ],
)
def test_a_missing_argument_is_named_as_the_usage_line_names_it(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """A missing positional argument is named as `-h` shows it (RUN, B), not as an option nobody
    typed (cyclopts' "parameter --b requires an argument")."""
    code = main(args)

    assert (code, capsys.readouterr().err) == (2, f"error: {message}\n")


def test_disabling_the_redactor_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """--disable-plugin redact_secrets is an error, not a silent leak."""
    code = main(["--disable-plugin", "redact_secrets", "plugins"])

    assert code == 1
    assert "essential and cannot be disabled" in capsys.readouterr().err


def test_console_output_is_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    """Even an error message quoting a secret is redacted before it reaches the terminal."""
    token = github_token()
    code = main(["analyze", f"missing-{token}.json"])
    err = capsys.readouterr().err

    assert code == 2
    assert token not in err and "[REDACTED:github_token]" in err


def test_git_autopilot_runs_as_a_git_subcommand(tmp_path: Path) -> None:
    """`git autopilot --version` works in a repository (the git-autopilot script is on PATH)."""
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}

    result = subprocess.run(
        ["git", "autopilot", "--version"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    from autopilot import __version__

    assert result.stdout.strip() == __version__


def test_redact_starts_without_openssl(tmp_path: Path) -> None:
    """`autopilot redact --check` (what the pre-commit check runs) loads no OpenSSL (hashlib), which
    only a local plugin's digest and a new issue's id need."""
    clean = tmp_path / "notes.txt"
    clean.write_text("nothing secret here\n")
    probe = (
        "import sys; from autopilot.cli import main; code = main(['redact', '--check', sys.argv[1]]); "
        "print(code, 'hashlib' in sys.modules)"
    )

    done = subprocess.run(
        [sys.executable, "-c", probe, str(clean)], capture_output=True, text=True, timeout=120, check=False
    )

    assert done.stdout.split() == ["0", "False"], done.stderr


def test_errors_under_json_also_come_as_a_json_envelope(capsys: pytest.CaptureFixture[str]) -> None:
    """With --json, a failing command prints a JSON error with a stable code, besides the error line."""
    code = main(["compare", "nowhere.json", "other.json", "--json"])
    captured = capsys.readouterr()
    envelope = json.loads(captured.out.strip().splitlines()[-1])

    assert code == 2
    assert envelope["error"]["code"] == "bad_input" and "nowhere.json" in envelope["error"]["message"]
    assert captured.err.startswith("error:")


def test_console_script_exits_with_the_commands_code_and_its_output(git_repo: Path) -> None:
    """The installed `autopilot` script leaves with the command's exit code, its output all written."""
    done = subprocess.run(
        [str(BIN / "autopilot"), "run", "--json"], cwd=git_repo, capture_output=True, text=True, timeout=120
    )
    envelope = json.loads(done.stdout.strip().splitlines()[-1])

    assert (done.returncode, envelope["error"]["exit_code"]) == (2, 2)
    assert done.stderr.startswith("error:")


def test_a_file_it_cannot_write_is_one_error_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    """An output directory that cannot be made (a file is in the way) is `error: PATH: reason` naming
    the file and the setting, exit 2, not an "unexpected" error asking for a traceback."""
    Path(".autopilot").mkdir()
    Path(".autopilot/config.yaml").write_text("output_dir: taken/logs\n")
    Path("taken").write_text("a file, not a directory\n")

    code = main(["run", "say hi", "-q"])
    err = capsys.readouterr().err

    assert code == 2
    assert err.strip().splitlines()[-1] == (
        f"error: {Path.cwd() / 'taken'}: a file is where the trajectory folder should be (output_dir, -o); "
        "move it or choose another folder"
    )
    assert "unexpected" not in err


FAILING_REDACTOR = """
from autopilot import hookimpl

@hookimpl
def redact(text):
    raise ValueError("cannot redact " + text)
"""


@pytest.mark.parametrize("command", [["issue", "list"], ["plugins"], ["redact", "-"]])
def test_a_redactor_that_raises_is_one_error_naming_it(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A `redact` plugin that raises fails the command with one error naming it, quoting no text."""
    write_local_plugin(Path.cwd(), "leaky", FAILING_REDACTOR)
    monkeypatch.setattr(sys, "stdin", io.StringIO("a line to redact\n"))

    code = main(command)
    captured = capsys.readouterr()

    assert code == 1
    assert captured.err.splitlines()[-1] == (
        "error: plugin 'local:leaky' failed in hook 'redact': ValueError "
        "(its message is withheld: it may quote the text being redacted)"
    )
    assert "cannot redact" not in captured.out + captured.err


def test_disabled_plugins_are_listed_and_a_name_no_plugin_has_is_a_warning(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`autopilot plugins` lists a disabled plugin as `disabled`; disabling a misspelt name warns."""
    monkeypatch.setenv("AUTOPILOT_DISABLE_PLUGINS", "otlp,otpl")

    code = main(["plugins", "--json"])
    captured = capsys.readouterr()
    data = json.loads(captured.out)

    assert code == 0
    assert data["disabled"] == [
        {"name": "otlp", "distribution": "git-autopilot", "version": data["plugins"][0]["version"]}
    ]
    assert "otlp" not in [p["name"] for p in data["plugins"]]
    assert captured.err.splitlines() == [
        "warning: no plugin is named 'otpl', which is disabled (`autopilot plugins` lists the names)"
    ]
