"""Sphinx configuration of the documentation site (MyST Markdown, furo theme).

Build it with ``uv run sphinx-build -W --keep-going -n docs build/docs`` (CONTRIBUTING.md, "Docs site");
``tests/test_docs.py`` runs the same strict build, so a broken link or reference fails CI.
"""

from __future__ import annotations

import re

project = "git-autopilot"
author = "git-autopilot contributors"
copyright = "git-autopilot contributors"

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
source_suffix = {".md": "markdown"}

html_theme = "furo"
html_title = "git-autopilot"

# Markdown links to a section (`file.md#a-heading`) resolve like GitHub's anchors, and are checked.
myst_heading_anchors = 4

# Every cross-reference must resolve (-n), except two kinds that have no page to point at:
# names from outside autopilot (the standard library, pluggy, pytest: no inventory offline), and
# autopilot's internal modules and private names, which docstrings may name but the reference
# leaves out on purpose.
nitpick_ignore_regex = [
    (r"py:.*", r"(?!autopilot\b).*"),
    (r"py:.*", r"autopilot\.(app|cli|plugins)\b.*"),
    (r"py:.*", r"autopilot\.core\b(?!\.hookspecs\b).*"),
    (r"py:.*", r"autopilot\..*\._\w+"),  # private names
]

autodoc_member_order = "bysource"
autodoc_typehints = "description"

# Hook specs end with one-line fields after Google-style sections ("Call semantics: ...",
# "Default: ...", "Errors: ...", "Since: ..."; CONTRIBUTING.md, "Adding a hook"): render them as a
# field list, their indented continuation lines included.
HOOK_FIELDS = re.compile(r"^(Call semantics|Default|Errors|Since): ")


def hook_fields(app, what, name, obj, options, lines):  # noqa: ARG001 (Sphinx passes them all)
    for number, line in enumerate(lines):
        lines[number] = HOOK_FIELDS.sub(r":\1: ", line)


def setup(app):
    app.connect("autodoc-process-docstring", hook_fields)
