"""Recall and false-positive rate of the built-in redactor on a large labelled corpus.

Run: ``uv run python bench/redact_quality.py [--positives N] [--negatives N] [--seed S] [--show K]``

- recall: the fraction of planted secrets whose text is gone from the redacted output;
- false-positive rate: the fraction of secret-free documents that redaction changed at all.

The bar (issue 3): recall >= 0.98 and false positives <= 2%.
"""

# ruff: noqa: E501 - generated-data templates read better on one line
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from redact_corpus import corpus

from autopilot.plugins.redact.rules import redact_text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--positives", type=int, default=5000)
    parser.add_argument("--negatives", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--show", type=int, default=0, help="print this many misses and false positives")
    args = parser.parse_args()

    positives, negatives = corpus(args.seed, positives=args.positives, negatives=args.negatives)
    planted = found = 0
    missed_by_kind: Counter[str] = Counter()
    planted_by_kind: Counter[str] = Counter()
    misses = []
    for doc in positives:
        output = redact_text(doc.text)
        for secret in doc.secrets:
            planted += 1
            planted_by_kind[doc.kind] += 1
            if secret in output:
                missed_by_kind[doc.kind] += 1
                misses.append((doc, secret, output))
            else:
                found += 1
    false_positives = []
    for doc in negatives:
        output = redact_text(doc.text)
        if output != doc.text:
            false_positives.append((doc, output))

    recall = found / planted
    fp_rate = len(false_positives) / len(negatives)
    print(
        f"corpus: {len(positives)} documents with {planted} planted secrets, {len(negatives)} without (seed {args.seed})"
    )
    print(f"recall:              {recall:.4f}  (bar >= 0.98)")
    print(f"false-positive rate: {fp_rate:.4f}  (bar <= 0.02; documents without secrets that were changed)")
    worst = sorted(planted_by_kind, key=lambda k: missed_by_kind[k] / planted_by_kind[k], reverse=True)
    print(
        "recall by kind (lowest first): "
        + ", ".join(f"{k} {1 - missed_by_kind[k] / planted_by_kind[k]:.3f}" for k in worst[:8])
    )
    for doc, secret, output in misses[: args.show]:
        print(f"\nMISSED {doc.kind} ({doc.context}): {secret[:40]!r}")
        index = output.find(secret)
        print("   ..." + repr(output[max(0, index - 120) : index + len(secret) + 40]))
    for doc, output in false_positives[: args.show]:
        index = next((i for i, (a, b) in enumerate(zip(doc.text, output, strict=False)) if a != b), 0)
        print(
            f"\nFALSE POSITIVE: {doc.text[max(0, index - 100) : index + 80]!r}\n   -> {output[max(0, index - 100) : index + 80]!r}"
        )
    ok = recall >= 0.98 and fp_rate <= 0.02
    print("\nbars met" if ok else "\nbars NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
