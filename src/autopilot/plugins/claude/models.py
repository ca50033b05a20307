"""Model aliases accepted by ``--model`` / ``AUTOPILOT_MODEL`` for the claude backend (data), and the
name a fast-mode response is priced under.

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

#: Added to the model of a fast-mode response (``usage.speed == "fast"``, Claude Code's ``/fast``):
#: the price table prices ``<model>-fast`` at the model's fast-mode rates (ccusage names it so too).
FAST_SUFFIX = "-fast"


def priced_model(model: str, speed: object) -> str:
    """The model a response of *model* is priced as: ``<model>-fast`` when its usage's *speed* is
    ``fast``; a model without fast-mode rates in the price table falls back to its own."""
    return model + FAST_SUFFIX if speed == "fast" and model != "<synthetic>" else model
