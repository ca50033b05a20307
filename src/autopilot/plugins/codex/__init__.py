"""plugins/codex."""
