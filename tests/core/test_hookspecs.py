"""Meta-tests that keep the plugin surface honest (datasette's habit)."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autopilot.core import hookspecs
from autopilot.core.hooks import Hooks

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import gen_hook_docs  # noqa: E402

HOOKS = gen_hook_docs.hook_names()
REQUIRED_PARTS = ("Args:", "Returns:", "Call semantics:", "Default:", "Errors:", "Since:")


def test_the_four_fixed_hooks_exist() -> None:
    """The hook names fixed on the design card are all present."""
    assert {"before_step", "redact", "on_issue_complete", "backend_select"} <= set(HOOKS)


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_a_complete_docstring(name: str) -> None:
    """Each hookspec documents when it is called, args, returns, semantics, default, errors, since."""
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    missing = [part for part in REQUIRED_PARTS if part not in doc]

    assert doc and "Called" in doc, f"{name} has no docstring saying when it is called"
    assert missing == [], f"{name} docstring lacks {missing}"


@pytest.mark.parametrize("name", HOOKS)
def test_hook_documents_every_argument(name: str) -> None:
    """Every parameter of a hookspec is described under Args."""
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    params = inspect.signature(getattr(hookspecs, name)).parameters

    assert [p for p in params if not re.search(rf"^\s+{p}:", doc, re.M)] == []


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_a_test(name: str) -> None:
    """Every hook is exercised by a `test_hook_<name>` somewhere in tests/plugins."""
    sources = [p.read_text() for p in (ROOT / "tests" / "plugins").glob("test_*.py")]

    assert any(f"def test_hook_{name}" in text for text in sources), f"no test_hook_{name} in tests/plugins"


def test_facade_has_exactly_one_method_per_hook() -> None:
    """The typed facade wraps every hook and nothing else that looks like one."""
    methods = {n for n, v in vars(Hooks).items() if callable(v) and not n.startswith("_")}
    helpers = {"redact_obj", "implemented", "suspects"}

    assert methods - helpers == set(HOOKS)


def test_hook_reference_is_up_to_date() -> None:
    """docs/plugins/hooks.md is what tools/gen_hook_docs.py generates from the docstrings."""
    expected = gen_hook_docs.render()

    assert (ROOT / "docs" / "plugins" / "hooks.md").read_text() == expected, (
        "run: uv run python tools/gen_hook_docs.py"
    )


@pytest.mark.parametrize("name", HOOKS)
def test_hook_reference_shows_the_exact_signature(name: str) -> None:
    """Each hook's section heading is its exact signature."""
    assert f"## `{gen_hook_docs.signature(name)}`" in (ROOT / "docs" / "plugins" / "hooks.md").read_text()


def test_import_contracts_hold() -> None:
    """The import-linter contracts hold: layers cli > app > plugins > core, and no import cycles."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stdout + result.stderr


def test_public_api_exports_every_model_a_plugin_receives_or_returns() -> None:
    """Each class of core.models in a hook's or a backend's signature, or in a RunRequest, is importable
    from `autopilot` itself (plugin authors never need the internal `autopilot.core.models`)."""
    import autopilot
    from autopilot.core import models

    annotations = [
        str(p.annotation)
        for name in HOOKS
        for p in inspect.signature(getattr(hookspecs, name)).parameters.values()
    ]
    annotations += [str(inspect.signature(getattr(hookspecs, name)).return_annotation) for name in HOOKS]
    for request_part in (models.RunRequest, models.Toolset):
        annotations += [str(f.type) for f in request_part.__dataclass_fields__.values()]
    annotations += [str(inspect.signature(models.Backend.stream).return_annotation)]
    named = {word for text in annotations for word in re.findall(r"[A-Za-z_]\w*", text)}
    model_classes = {name for name in named if inspect.isclass(getattr(models, name, None))}
    model_classes -= {"Path", "Any", "Callable", "AsyncIterator", "Mapping"}

    assert model_classes - set(autopilot.__all__) == set()
    assert {"Tool", "Toolset", "ImportedRun"} <= model_classes
