"""The plugin manager: load order, failures, blocking, strict mode and pending-hook checks."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from tests.plugin_fixtures import install_distribution, write_local_plugin

from autopilot.core.errors import AutopilotError
from autopilot.core.pluginmanager import make_plugin_manager, trust_plugins, untrust_plugins

GOOD_PLUGIN = """
    from autopilot import hookimpl

    @hookimpl
    def redact(text):
        return text.replace("internal-hostname", "[REDACTED:hostname]")
"""


def _unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def test_builtins_come_from_the_entry_point_group() -> None:
    """Built-in plugins are registered through the `autopilot` entry-point group with our distribution."""
    pm = make_plugin_manager(load_local=False)
    infos = {info.name: info for info in pm.plugin_infos()}

    assert {"redact_secrets", "trajectory_json", "trajectory_rlog"} <= set(infos)
    assert infos["trajectory_json"].distribution == "git-autopilot"
    assert infos["trajectory_json"].source == "builtin"
    assert pm.load_errors == []


def test_third_party_plugin_loads_with_its_distribution(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An installed plugin's distribution and version are reported, and its hooks are listed."""
    module = _unique("autopilot_hostnames")
    install_distribution(
        monkeypatch,
        tmp_path / "site",
        dist="git-autopilot-hostnames",
        version="1.2",
        entry_name="hostnames",
        module=module,
        source=GOOD_PLUGIN,
    )
    pm = make_plugin_manager(load_local=False)
    info = {i.name: i for i in pm.plugin_infos()}["hostnames"]

    assert (info.distribution, info.version, info.source, info.hooks) == (
        "git-autopilot-hostnames",
        "1.2",
        "installed",
        ("redact",),
    )


def test_broken_plugin_warns_and_the_rest_keep_working(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A plugin that raises on import is reported by name and distribution; the others still load."""
    module = _unique("autopilot_broken")
    install_distribution(
        monkeypatch,
        tmp_path / "site",
        dist="git-autopilot-broken",
        version="0.3",
        entry_name="broken",
        module=module,
        source="raise RuntimeError('boom at import')\n",
    )
    pm = make_plugin_manager(load_local=False)

    assert [f.message for f in pm.load_errors] == [
        "plugin 'broken' from distribution git-autopilot-broken 0.3 failed to load: "
        "RuntimeError: boom at import"
    ]
    assert pm.has_plugin("trajectory_json")


def test_two_plugins_with_one_name_warn_instead_of_dropping_one_silently(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A second distribution whose entry point reuses a taken name is a load failure naming both."""
    name = _unique("hostnames")
    for dist in ("git-autopilot-aaa", "git-autopilot-bbb"):
        install_distribution(
            monkeypatch,
            tmp_path / dist,
            dist=dist,
            version="1.0",
            entry_name=name,
            module=_unique("autopilot_dup"),
            source=GOOD_PLUGIN,
        )
    pm = make_plugin_manager(load_local=False)

    assert [f.message for f in pm.load_errors] == [
        f"plugin {name!r} from distribution git-autopilot-bbb 1.0 failed to load: its name is taken by "
        f"the plugin from distribution git-autopilot-aaa 1.0 (rename one of the entry points)"
    ]
    assert {i.name: i.distribution for i in pm.plugin_infos()}[name] == "git-autopilot-aaa"


def test_a_plugin_cannot_take_a_builtin_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An installed plugin named like a built-in one is reported, not silently left out."""
    install_distribution(
        monkeypatch,
        tmp_path / "site",
        dist="git-autopilot-myconsole",
        version="0.1",
        entry_name="console",
        module=_unique("autopilot_console"),
        source=GOOD_PLUGIN,
    )
    pm = make_plugin_manager(load_local=False)

    assert [f.message for f in pm.load_errors] == [
        "plugin 'console' from distribution git-autopilot-myconsole 0.1 failed to load: its name is taken "
        "by the built-in plugin 'console' (rename the entry point)"
    ]


def test_strict_mode_makes_a_broken_plugin_fatal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """AUTOPILOT_STRICT_PLUGINS=1 turns a load failure into an error naming the plugin."""
    module = _unique("autopilot_broken")
    install_distribution(
        monkeypatch,
        tmp_path / "site",
        dist="git-autopilot-broken",
        version="0.3",
        entry_name="broken",
        module=module,
        source="raise RuntimeError('boom')\n",
    )
    monkeypatch.setenv("AUTOPILOT_STRICT_PLUGINS", "1")

    with pytest.raises(AutopilotError, match="plugin 'broken' from distribution git-autopilot-broken"):
        make_plugin_manager(load_local=False)


def test_disabled_plugins_are_not_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """AUTOPILOT_DISABLE_PLUGINS blocks the named plugins."""
    monkeypatch.setenv("AUTOPILOT_DISABLE_PLUGINS", "trajectory_rlog")
    pm = make_plugin_manager(load_local=False)

    assert not pm.has_plugin("trajectory_rlog")
    assert pm.has_plugin("trajectory_json")


def test_the_builtin_redactor_cannot_be_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocking redact_secrets is refused with a message saying why."""
    monkeypatch.setenv("AUTOPILOT_DISABLE_PLUGINS", "redact_secrets")

    with pytest.raises(AutopilotError, match="essential and cannot be disabled"):
        make_plugin_manager(load_local=False)


def test_the_redactor_is_registered_even_without_entry_points() -> None:
    """With entry points off (tests, embedding), the essential redactor is still there."""
    pm = make_plugin_manager(load_entrypoints=False, load_local=False)

    assert pm.has_plugin("redact_secrets")
    assert not pm.has_plugin("trajectory_json")


def test_allowlist_loads_only_named_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """AUTOPILOT_LOAD_PLUGINS is an allowlist; the essential redactor always loads."""
    monkeypatch.setenv("AUTOPILOT_LOAD_PLUGINS", "trajectory_json")
    pm = make_plugin_manager(load_local=False)

    assert pm.has_plugin("trajectory_json") and pm.has_plugin("redact_secrets")
    assert not pm.has_plugin("trajectory_rlog")


def test_local_plugins_load_from_the_project(tmp_path: Path) -> None:
    """`.autopilot/plugins/*.py` are registered as `local:<name>`."""
    write_local_plugin(tmp_path, "hostnames", GOOD_PLUGIN)
    pm = make_plugin_manager(project_dir=tmp_path, load_entrypoints=False)

    assert pm.has_plugin("local:hostnames")


def test_broken_local_plugin_is_a_warning(tmp_path: Path) -> None:
    """A local plugin with a syntax error is reported with its file; others keep working."""
    write_local_plugin(tmp_path, "broken", "def oops(:\n")
    write_local_plugin(tmp_path, "hostnames", GOOD_PLUGIN)
    pm = make_plugin_manager(project_dir=tmp_path, load_entrypoints=False)

    assert [f.name for f in pm.load_errors] == ["local:broken"]
    assert "SyntaxError" in pm.load_errors[0].error
    assert pm.has_plugin("local:hostnames")


def test_misspelled_hook_in_a_local_plugin_is_dropped_with_a_warning(tmp_path: Path) -> None:
    """check_pending() rejects an implementation without a spec; the local plugin is unregistered."""
    write_local_plugin(
        tmp_path,
        "typo",
        """
        from autopilot import hookimpl

        @hookimpl
        def before_stpe(run, step):
            pass
        """,
    )
    pm = make_plugin_manager(project_dir=tmp_path, load_entrypoints=False)

    assert not pm.has_plugin("local:typo")
    assert "before_stpe" in pm.load_errors[0].error


def test_misspelled_hook_names_the_plugin_its_file_and_the_hook_it_meant(tmp_path: Path) -> None:
    """The warning names the plugin and its file, and suggests the hook a typo was meant to be."""
    path = write_local_plugin(
        tmp_path,
        "typo",
        "from autopilot import hookimpl\n\n@hookimpl\ndef on_issue_completed(issue):\n    pass\n",
    )
    pm = make_plugin_manager(project_dir=tmp_path, load_entrypoints=False)

    assert pm.load_errors[0].message == (
        f"plugin 'local:typo' ({path}) failed to load: @hookimpl 'on_issue_completed' "
        "(did you mean 'on_issue_complete'?) is not a hook; the hooks are listed in docs/plugins/hooks.md"
    )


def test_an_argument_the_hook_does_not_offer_is_named_in_one_line(tmp_path: Path) -> None:
    """`def before_step(run, stepp)`: the warning names the function, the argument and what the hook
    offers, in one line (pluggy's own message is three lines that the plugins table shows one of)."""
    path = write_local_plugin(
        tmp_path,
        "sig",
        "from autopilot import hookimpl\n\n@hookimpl\ndef before_step(run, stepp):\n    pass\n",
    )
    pm = make_plugin_manager(project_dir=tmp_path, load_entrypoints=False)

    assert not pm.has_plugin("local:sig")
    assert pm.load_errors[0].message == (
        f"plugin 'local:sig' ({path}) failed to load: before_step(run, stepp): 'stepp' is not an "
        "argument of the hook before_step (it offers run, step)"
    )


def test_misspelled_hook_is_fatal_in_strict_mode(tmp_path: Path) -> None:
    """In strict mode an unknown hook implementation is an error."""
    write_local_plugin(
        tmp_path,
        "typo",
        "from autopilot import hookimpl\n\n@hookimpl\ndef befor_run(run):\n    pass\n",
    )
    with pytest.raises(AutopilotError, match="befor_run") as raised:
        make_plugin_manager(project_dir=tmp_path, load_entrypoints=False, strict=True)
    # As in the warning without strict mode: the plugin's file (or distribution) says where to look.
    assert str(raised.value).startswith(
        f"plugin 'local:typo' ({tmp_path / '.autopilot' / 'plugins' / 'typo.py'}) "
    )


MARKING_PLUGIN = """
    from pathlib import Path

    Path(__file__).with_suffix(".ran").write_text("imported")
"""


def test_an_untrusted_local_plugin_is_never_imported(tmp_path: Path) -> None:
    """A plugin file fresh from a clone is not run: it is listed as untrusted instead."""
    path = write_local_plugin(tmp_path, "fresh", MARKING_PLUGIN, trust=False)

    pm = make_plugin_manager(project_dir=tmp_path, load_entrypoints=False)

    assert pm.untrusted == [path]
    assert not pm.has_plugin("local:fresh")
    assert not path.with_suffix(".ran").exists()


def test_a_changed_plugin_needs_trust_again(tmp_path: Path) -> None:
    """Trust covers the content it was given: an edited file is untrusted until trusted again."""
    path = write_local_plugin(tmp_path, "edited", GOOD_PLUGIN)
    path.write_text(path.read_text() + "\n# changed upstream\n")

    before = make_plugin_manager(project_dir=tmp_path, load_entrypoints=False)
    trust_plugins([path])
    after = make_plugin_manager(project_dir=tmp_path, load_entrypoints=False)

    assert (before.untrusted, before.has_plugin("local:edited")) == ([path], False)
    assert (after.untrusted, after.has_plugin("local:edited")) == ([], True)


def test_untrusting_a_plugin_stops_it_loading(tmp_path: Path) -> None:
    """`untrust` forgets the file: the next manager leaves it out again."""
    path = write_local_plugin(tmp_path, "hostnames", GOOD_PLUGIN)

    forgotten = untrust_plugins([path])
    pm = make_plugin_manager(project_dir=tmp_path, load_entrypoints=False)

    assert forgotten == [path]
    assert (pm.untrusted, pm.has_plugin("local:hostnames")) == ([path], False)


def test_nothing_is_loaded_at_import_time() -> None:
    """Importing the core creates no plugin manager (no module-level registry)."""
    import autopilot.core.pluginmanager as module

    managers = [v for v in vars(module).values() if type(v).__name__ == "AutopilotPluginManager"]

    assert managers == []
