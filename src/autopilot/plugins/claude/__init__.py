"""plugins/claude."""
