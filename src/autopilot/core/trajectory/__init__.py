"""core/trajectory."""
