"""Built-in plugins. Each is registered through the ``autopilot`` entry-point group, like any other."""
