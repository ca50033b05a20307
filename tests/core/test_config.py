"""Configuration: file, environment and flag precedence; clear errors naming file and field."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from autopilot.core.config import Config, load_config
from autopilot.core.errors import ConfigError


def _write(project: Path, text: str) -> Path:
    path = project / ".autopilot" / "config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_without_a_config_file(tmp_path: Path) -> None:
    """A project without .autopilot/config.yaml gets the documented defaults."""
    config = load_config(tmp_path, environ={})

    assert (config.agent, config.max_budget_usd, config.output_dir, config.commit) == (
        "claude",
        5.0,
        "docs/logs",
        "commit",
    )


def test_precedence_is_flag_then_environment_then_file(tmp_path: Path) -> None:
    """A CLI flag beats AUTOPILOT_*, which beats the file, which beats the default."""
    _write(tmp_path, "model: from-file\nmax_budget_usd: 2.5\nmax_turns: 7\n")
    environ = {"AUTOPILOT_MODEL": "from-env"}

    config = load_config(tmp_path, environ=environ, max_turns=3)

    assert (config.model, config.max_budget_usd, config.max_turns) == ("from-env", 2.5, 3)


def test_the_project_is_found_from_a_subdirectory(tmp_path: Path) -> None:
    """Settings apply anywhere inside the repository."""
    _write(tmp_path, "agent: codex\n")
    nested = tmp_path / "src" / "deep"
    nested.mkdir(parents=True)

    config = load_config(nested, environ={})

    assert (config.agent, config.project_dir) == ("codex", tmp_path.resolve())


def test_an_empty_git_directory_above_does_not_claim_the_project(tmp_path: Path) -> None:
    """A stray empty `.git` directory in a parent (git ignores it) does not make that parent the
    project, so settings, issues and logs stay in the directory the user works in."""
    (tmp_path / ".git").mkdir()
    here = tmp_path / "mine"
    here.mkdir()

    config = load_config(here, environ={})

    assert config.project_dir == here.resolve()


def test_a_real_git_repository_above_is_the_project(tmp_path: Path) -> None:
    """From a subdirectory of a git repository (`git init`), the repository's top is the project."""
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    nested = tmp_path / "src"
    nested.mkdir()

    config = load_config(nested, environ={})

    assert config.project_dir == tmp_path.resolve()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("max_budget_usd: lots\n", r"config.yaml: max_budget_usd: must be a number \(got 'lots'\)$"),
        ("max_turns: many\n", r"config.yaml: max_turns: must be a whole number \(got 'many'\)$"),
        ("max_turns: 2.5\n", r"config.yaml: max_turns: must be a whole number \(got 2.5\)$"),
        ("max_budget_usd: -1\n", r"max_budget_usd: must not be negative"),
        ("max_budget_usd: 0\n", r"config.yaml: max_budget_usd: must be more than 0 \(got 0\)$"),
        ("max_turns: 0\n", r"config.yaml: max_turns: must be more than 0 \(got 0\)$"),
        ("commit: sometimes\n", r"commit: must be one of commit, stage, off"),
        ("colour: blue\n", r"unknown setting 'colour' \(known: agent, "),
        ("max_budget: 2\n", r"unknown setting 'max_budget' \(did you mean 'max_budget_usd'\? known: agent, "),
        ("model: [unclosed\n", r"config.yaml:\d+: not valid YAML"),
        ("- a list\n", r"must be a mapping of settings"),
        (
            "plugins:\n  backend_codex: true\n",
            r"config.yaml: plugins.backend_codex: must be a mapping of settings \(got True\)$",
        ),
        ('output_dir: ""\n', r"config.yaml: output_dir: must not be empty \(got ''\)$"),
        ("schema_version: 2\n", r"config.yaml: schema_version 2 is newer than this autopilot understands"),
        (
            "schema_version: one\n",
            r"config.yaml: schema_version: must be a whole number from 1 \(got 'one'\)$",
        ),
    ],
)
def test_bad_config_names_the_file_and_field(tmp_path: Path, text: str, message: str) -> None:
    """Every bad value gives one error naming the file (and line or field)."""
    _write(tmp_path, text)

    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path, environ={})


def test_a_config_yml_is_an_error_not_ignored(tmp_path: Path) -> None:
    """`.autopilot/config.yml` (not .yaml) is refused by name: its budget would be ignored otherwise."""
    (tmp_path / ".autopilot").mkdir()
    (tmp_path / ".autopilot" / "config.yml").write_text("max_budget_usd: 1\n")

    with pytest.raises(ConfigError, match=r"config.yml: not read: the configuration file is config.yaml"):
        load_config(tmp_path, environ={})


def test_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    """An unusable AUTOPILOT_* value names the variable."""
    with pytest.raises(ConfigError, match="AUTOPILOT_MAX_BUDGET: max_budget_usd"):
        load_config(tmp_path, environ={"AUTOPILOT_MAX_BUDGET": "free"})


@pytest.mark.parametrize("variable", ["AUTOPILOT_MAX_BUDGET", "AUTOPILOT_MAX_TURNS"])
def test_a_zero_limit_in_the_environment_is_refused(tmp_path: Path, variable: str) -> None:
    """AUTOPILOT_MAX_BUDGET=0 or AUTOPILOT_MAX_TURNS=0 is an error, as -b 0 is, not a run that starts."""
    with pytest.raises(ConfigError, match=rf"^{variable}: \w+: must be more than 0 \(got '0'\)$"):
        load_config(tmp_path, environ={variable: "0"})


def test_plugin_settings_are_per_plugin(tmp_path: Path) -> None:
    """plugins: {name: {...}} is handed to the named plugin only."""
    _write(tmp_path, "plugins:\n  trajectory_json:\n    fsync: true\n")
    config = load_config(tmp_path, environ={})

    assert (config.plugin_config("trajectory_json"), config.plugin_config("other")) == ({"fsync": True}, {})


def test_the_projects_own_config_file_loads() -> None:
    """The repository's own .autopilot/config.yaml is valid (its documented defaults load)."""
    root = Path(__file__).resolve().parents[2]

    assert isinstance(load_config(root, environ={}), Config)


def test_every_setting_has_its_environment_variable(tmp_path: Path) -> None:
    """Each AUTOPILOT_* variable overrides its setting, converted to the setting's type."""
    environ = {
        "AUTOPILOT_AGENT": "codex",
        "AUTOPILOT_MODEL": "gpt-5.5",
        "AUTOPILOT_MAX_BUDGET": "2.5",
        "AUTOPILOT_MAX_TURNS": "7",
        "AUTOPILOT_IDLE_TIMEOUT": "30",
        "AUTOPILOT_TIMEOUT": "60",
        "AUTOPILOT_OUTPUT_DIR": "logs",
        "AUTOPILOT_MIN_FREE_MEMORY_MB": "0",
        "AUTOPILOT_COMMIT": "off",
    }
    config = load_config(tmp_path, environ=environ)

    expected = ("codex", "gpt-5.5", 2.5, 7, 30.0, 60.0, "logs", 0, "off")
    assert expected == (
        config.agent,
        config.model,
        config.max_budget_usd,
        config.max_turns,
        config.idle_timeout,
        config.timeout,
        config.output_dir,
        config.min_free_memory_mb,
        config.commit,
    )


def test_an_empty_turn_limit_means_no_limit(tmp_path: Path) -> None:
    """An empty AUTOPILOT_MAX_TURNS (or `max_turns:` with no value) lifts the limit set elsewhere."""
    _write(tmp_path, "max_turns: 4\n")
    from_environment = load_config(tmp_path, environ={"AUTOPILOT_MAX_TURNS": ""})
    _write(tmp_path, "max_turns:\n")
    from_file = load_config(tmp_path, environ={})

    assert (from_environment.max_turns, from_file.max_turns) == (None, None)


def test_a_bare_repository_is_refused_not_written_into(tmp_path: Path) -> None:
    """In a bare repository (no working tree) autopilot says so instead of writing among git's files."""
    bare = tmp_path / "shared.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)

    with pytest.raises(
        ConfigError, match=r"shared.git: a bare git repository has no working tree; run autopilot in a clone"
    ):
        load_config(bare / "refs", environ={})
    assert not (bare / ".autopilot").exists()
