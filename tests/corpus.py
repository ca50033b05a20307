"""Where the real agent logs of ``../shared/corpus`` are, for tests that read them (skipped without them)."""

from __future__ import annotations

from pathlib import Path

import pytest

_CHECKOUT = Path(__file__).resolve().parents[1]


def _corpus() -> Path:
    for folder in _CHECKOUT.parents:
        candidate = folder / "shared" / "corpus"
        if candidate.is_dir():
            return candidate
    return _CHECKOUT.parent / "shared" / "corpus"  # where it would be: the tests that need it are skipped


#: The corpus folder (``shared/corpus`` beside the checkout or one of its parents).
CORPUS = _corpus()
#: The real Claude Code transcripts in it.
TRANSCRIPTS = CORPUS / "claude-transcript"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the checkout")
