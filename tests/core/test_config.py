"""Configuration: file, environment and flag precedence; clear errors naming file and field."""

from __future__ import annotations

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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("max_budget_usd: lots\n", r"config.yaml: max_budget_usd: could not convert"),
        ("max_budget_usd: -1\n", r"max_budget_usd: must not be negative"),
        ("commit: sometimes\n", r"commit: must be one of commit, stage, off"),
        ("colour: blue\n", r"unknown setting 'colour'"),
        ("model: [unclosed\n", r"config.yaml:\d+: not valid YAML"),
        ("- a list\n", r"must be a mapping of settings"),
    ],
)
def test_bad_config_names_the_file_and_field(tmp_path: Path, text: str, message: str) -> None:
    """Every bad value gives one error naming the file (and line or field)."""
    _write(tmp_path, text)

    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path, environ={})


def test_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    """An unusable AUTOPILOT_* value names the variable."""
    with pytest.raises(ConfigError, match="AUTOPILOT_MAX_BUDGET: max_budget_usd"):
        load_config(tmp_path, environ={"AUTOPILOT_MAX_BUDGET": "free"})


def test_plugin_settings_are_per_plugin(tmp_path: Path) -> None:
    """plugins: {name: {...}} is handed to the named plugin only."""
    _write(tmp_path, "plugins:\n  trajectory_json:\n    fsync: true\n")
    config = load_config(tmp_path, environ={})

    assert (config.plugin_config("trajectory_json"), config.plugin_config("other")) == ({"fsync": True}, {})


def test_the_projects_own_config_file_loads() -> None:
    """The repository's own .autopilot/config.yaml is valid (its documented defaults load)."""
    root = Path(__file__).resolve().parents[2]

    assert isinstance(load_config(root, environ={}), Config)


def test_parsed_config_is_cached_and_follows_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parsed config is reused until the file changes, and the cache is never committed."""
    from autopilot.core import config as config_module

    settings = tmp_path / ".autopilot" / "config.yaml"
    settings.parent.mkdir()
    settings.write_text("model: opus\nplugins:\n  backend_claude:\n    allowed_tools: [Read]\n")
    first = load_config(tmp_path)
    cache = tmp_path / ".autopilot" / ".cache"
    assert (cache / "config.marshal").is_file()
    assert (cache / ".gitignore").read_text() == "*\n"

    calls: list[object] = []
    monkeypatch.setattr("ruamel.yaml.YAML.load", lambda self, text: calls.append(text) or {"model": "x"})
    again = load_config(tmp_path)
    assert calls == []  # the YAML parser was not needed
    assert (again.model, again.plugins) == (first.model, first.plugins) == ("opus", first.plugins)

    monkeypatch.undo()
    settings.write_text("model: haiku\n")
    assert load_config(tmp_path).model == "haiku"
    assert config_module.read_config_file(settings) == {"model": "haiku"}


def test_config_fields_are_the_light_readers_settings() -> None:
    """Config (what commands use) and configfile (what the early start reads) know the same settings,
    with the same types and defaults, so both resolve a project to the same values."""
    from dataclasses import MISSING, fields

    from autopilot.core.configfile import FIELDS

    declared = {}
    for f in fields(Config):
        if f.name == "project_dir":
            continue
        default = f.default_factory() if f.default is MISSING else f.default  # type: ignore[misc]
        declared[f.name] = (str(f.type), default)
    assert declared == FIELDS
    assert Config().plugins == {}


def test_light_reader_resolves_what_load_config_does(tmp_path: Path) -> None:
    """The values the early start reads equal the Config a command loads, file and environment alike."""
    from autopilot.core import configfile

    (tmp_path / ".autopilot").mkdir()
    (tmp_path / ".autopilot" / "config.yaml").write_text(
        "agent: codex\nmax_turns: 7\nplugins:\n  backend_codex:\n    sandbox: read-only\n"
    )
    (tmp_path / "sub").mkdir()
    environ = {"AUTOPILOT_MODEL": "gpt-5.5", "AUTOPILOT_MAX_BUDGET": "2.5"}
    root = configfile.find_project_root(str(tmp_path / "sub"))
    values = configfile.resolve_values(root, environ)
    config = load_config(tmp_path / "sub", environ=environ)

    assert Path(root) == config.project_dir == tmp_path.resolve()
    for name in configfile.FIELDS:
        assert configfile.setting(values, name) == getattr(config, name), name
    assert configfile.plugin_settings(values, "backend_codex") == config.plugin_config("backend_codex")
    assert configfile.plugin_settings(values, "other") == config.plugin_config("other") == {}
