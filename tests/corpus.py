"""Where the real agent logs of ``../shared/corpus`` are, for tests that read them (skipped without them)."""

from __future__ import annotations

from pathlib import Path

import pytest


def _corpus() -> Path | None:
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "shared" / "corpus"
        if candidate.is_dir():
            return candidate
    return None


#: The corpus folder, or None when it is not beside the checkout.
CORPUS = _corpus()
#: The real Claude Code transcripts in it.
TRANSCRIPTS = CORPUS / "claude-transcript" if CORPUS else None
needs_corpus = pytest.mark.skipif(CORPUS is None, reason="../shared/corpus is not beside the checkout")
