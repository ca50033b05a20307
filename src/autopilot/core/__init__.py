"""The core of git-autopilot: hook specifications, the plugin manager, models and the run recorder.

Nothing in this package imports :mod:`autopilot.plugins`; built-in plugins are found through the
``autopilot`` entry-point group like any third-party plugin (an import-linter contract enforces it).
"""
