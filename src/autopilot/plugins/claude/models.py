"""Model aliases accepted by ``--model`` / ``AUTOPILOT_MODEL`` for the claude backend (data).

Values are the ids the bundled Claude Code CLI resolves each alias to, checked against its request
log for CLI version :data:`CLI_VERSION`. Any other name passes through unchanged. Override with
``plugins: {backend_claude: {models: {alias: id}}}``.
"""

CLI_VERSION = "2.1.332"

ALIASES = {
    "sonnet": "claude-sonnet-5-5",
    "opus": "claude-opus-5-5",
    "haiku": "claude-haiku-5-5",
}
