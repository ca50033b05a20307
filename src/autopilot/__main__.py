from autopilot.cli import entry

entry()
