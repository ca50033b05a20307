"""Redaction throughput (MB/s) of the built-in redactor against a plain many-regex redactor.

Run: ``uv run python bench/bench_redact.py [--mb 4] [--seed S]``

The input is a few MB of generated agent tool output (git logs and diffs, pytest output, JSON tool
results, npm logs, lockfiles with integrity hashes, base64 images, shell sessions, YAML, prose) with
secrets sprinkled into about 2% of the documents (bench/redact_corpus.py). Each document is redacted
separately, as the recorder does with each step.

Times are CPU seconds of the measuring process (``time.process_time``), best of three, so other load
on the machine does not distort the figures.

Baseline: every rule of the engine written as one regex and applied with ``re.sub`` one by one
(how a plain many-regex redactor works). For scale, if detect-secrets can be run from a throwaway
virtualenv (``DETECT_SECRETS_PYTHON``, default /tmp/ds-venv/bin/python; it is *not* a project
dependency), its line scanner is timed on the same documents, and its recall and false-positive rate
on them are printed as well:

    uv venv /tmp/ds-venv && uv pip install --python /tmp/ds-venv/bin/python detect-secrets
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from redact_corpus import ALL_KINDS, Document, benign, embed

from autopilot.plugins.redact.engine import redact_text

TARGET_MB_S = 50.0

# The plain many-regex redactor: the same coverage, one pattern at a time over the whole text.
_BASELINE_RULES = [
    (kind, re.compile(pattern, flags))
    for kind, pattern, flags in [
        ("private_key", r"-----BEGIN[ A-Z]*PRIVATE KEY-----[\s\S]*?-----END[ A-Z]*PRIVATE KEY-----", 0),
        ("anthropic_api_key", r"sk-ant-[A-Za-z0-9_\-]{20,}", 0),
        ("openai_api_key", r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}", 0),
        ("stripe_key", r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}", 0),
        ("stripe_webhook_secret", r"whsec_[A-Za-z0-9+/=]{24,}", 0),
        ("github_token", r"\bgh[pousr]_[A-Za-z0-9]{30,}", 0),
        ("github_token", r"github_pat_[A-Za-z0-9_]{30,}", 0),
        ("gitlab_token", r"\bgl(?:pat|dt|rt|ptt|cbt|ft|imt|agent|oas|soat)-[A-Za-z0-9_.\-]{20,}", 0),
        ("slack_token", r"\bxox[abposre]-[A-Za-z0-9\-]{10,}", 0),
        ("slack_webhook", r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_\-]{16,}", 0),
        ("google_api_key", r"AIza[0-9A-Za-z_\-]{35}", 0),
        ("google_oauth_client_secret", r"GOCSPX-[0-9A-Za-z_\-]{20,}", 0),
        ("google_oauth_token", r"ya29\.[0-9A-Za-z_\-]{20,}", 0),
        ("npm_token", r"\bnpm_[A-Za-z0-9]{36}", 0),
        ("pypi_token", r"pypi-AgE[A-Za-z0-9_\-]{40,}", 0),
        ("huggingface_token", r"\bhf_[A-Za-z0-9]{30,}", 0),
        ("sendgrid_api_key", r"SG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}", 0),
        ("aws_access_key_id", r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b", 0),
        ("twilio", r"\b(?:AC|SK)[0-9a-fA-F]{32}\b", 0),
        ("azure_client_secret", r"[A-Za-z0-9_~.\-]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34}", 0),
        ("jwt", r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*", 0),
        ("authorization", r"authorization:\s*(?:bearer\s+|basic\s+|token\s+)?[^\s\"']+", re.I),
        ("url_password", r"(?<=://)([^\s:/@]*):[^\s/@]+(?=@)", 0),
        ("password", r"(?<=\s-p)'[^']+'", 0),
        (
            "secret",
            r"[A-Za-z0-9_.\-]*(?:password|passwd|pwd|secret|token|api_?key|access_?key|auth|credential)"
            r"[A-Za-z0-9_.\-]*[\"']?\s*[:=]\s*[\"']?[^\s\"',;&]{4,}",
            re.I,
        ),
        ("bearer_token", r"bearer\s+[A-Za-z0-9._~+/=\-]{12,}", re.I),
    ]
]


def baseline_redact(text: str) -> str:
    for kind, pattern in _BASELINE_RULES:
        text = pattern.sub(f"[REDACTED:{kind}]", text)
    return text


def make_documents(megabytes: float, seed: int, *, dense: bool = False) -> list[Document]:
    rng = random.Random(seed)
    documents: list[Document] = []
    size = 0
    index = 0
    while size < megabytes * 1_000_000:
        if rng.random() < 0.02:
            doc = embed(rng, ALL_KINDS[index % len(ALL_KINDS)])
            index += 1
        else:
            doc = Document(benign(rng, dense=dense))
        documents.append(doc)
        size += len(doc.text.encode())
    return documents


def throughput(redact: Callable[[str], str], documents: list[Document], repeat: int = 3) -> float:
    size = sum(len(d.text.encode()) for d in documents)
    best = float("inf")
    for _ in range(repeat):
        # CPU time of this process: other work on the machine does not count against the redactor.
        started = time.process_time()
        for doc in documents:
            redact(doc.text)
        best = min(best, time.process_time() - started)
    return size / best / 1e6


_DETECT_SECRETS_SCRIPT = r"""
import json, sys, time
from detect_secrets.core.scan import scan_line
from detect_secrets.settings import default_settings
docs = json.load(open(sys.argv[1]))
def redact(text):
    out = []
    for line in text.splitlines(keepends=True):
        for secret in scan_line(line):
            value = secret.secret_value
            if value and len(value) >= 4:
                line = line.replace(value, "[REDACTED]")
        out.append(line)
    return "".join(out)
with default_settings():
    started = time.process_time()
    outputs = [redact(d["text"]) for d in docs]
    elapsed = time.process_time() - started
planted = sum(len(d["secrets"]) for d in docs)
found = sum(1 for d, o in zip(docs, outputs) for s in d["secrets"] if s not in o)
negatives = [(d, o) for d, o in zip(docs, outputs) if not d["secrets"]]
changed = sum(1 for d, o in negatives if d["text"] != o)
size = sum(len(d["text"].encode()) for d in docs)
print(json.dumps({"mb_s": size / elapsed / 1e6, "recall": found / max(planted, 1),
                  "fp_rate": changed / max(len(negatives), 1)}))
"""


def detect_secrets(documents: list[Document]) -> dict[str, float] | None:
    python = os.environ.get("DETECT_SECRETS_PYTHON", "/tmp/ds-venv/bin/python")
    if not Path(python).exists():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "docs.json"
        script = Path(tmp) / "ds.py"
        data.write_text(json.dumps([{"text": d.text, "secrets": d.secrets} for d in documents]))
        script.write_text(_DETECT_SECRETS_SCRIPT)
        result = subprocess.run([python, str(script), str(data)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        print(f"detect-secrets failed: {result.stderr.strip().splitlines()[-1:]}")
        return None
    return json.loads(result.stdout)


def quality(redact: Callable[[str], str], documents: list[Document]) -> tuple[float, float]:
    planted = found = changed = negatives = 0
    for doc in documents:
        output = redact(doc.text)
        if doc.secrets:
            planted += len(doc.secrets)
            found += sum(1 for s in doc.secrets if s not in output)
        else:
            negatives += 1
            changed += output != doc.text
    return found / max(planted, 1), changed / max(negatives, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=4.0, help="size of the generated input")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-detect-secrets", action="store_true")
    parser.add_argument(
        "--dense",
        action="store_true",
        help="only the keyword-dense documents of the quality corpus (worst case)",
    )
    args = parser.parse_args()

    documents = make_documents(args.mb, args.seed, dense=args.dense)
    size = sum(len(d.text.encode()) for d in documents)
    with_secrets = sum(1 for d in documents if d.secrets)
    mix = "keyword-dense documents only" if args.dense else "half everyday output, half keyword-dense"
    print(f"input: {size / 1e6:.1f} MB in {len(documents)} documents ({with_secrets} with secrets; {mix})")

    ours = throughput(redact_text, documents)
    whole = "".join(d.text for d in documents)
    started = time.process_time()
    redact_text(whole)
    ours_whole = size / (time.process_time() - started) / 1e6
    base = throughput(baseline_redact, documents, repeat=1)
    ours_recall, ours_fp = quality(redact_text, documents)
    base_recall, base_fp = quality(baseline_redact, documents)

    print(
        f"ours (redact_secrets):   {ours:8.1f} MB/s per document, {ours_whole:.1f} MB/s as one string"
        f"   recall {ours_recall:.3f}  false positives {ours_fp:.3f}"
    )
    print(
        f"baseline (many re.sub):  {base:8.1f} MB/s   recall {base_recall:.3f}  false positives {base_fp:.3f}"
    )
    print(f"ratio ours / baseline:   {ours / base:8.1f}x")
    if not args.no_detect_secrets:
        result = detect_secrets(documents)
        if result is None:
            print("detect-secrets: not measured (no throwaway venv; see this script's docstring)")
        else:
            print(
                f"detect-secrets:          {result['mb_s']:8.2f} MB/s   recall {result['recall']:.3f}"
                f"  false positives {result['fp_rate']:.3f}   (ours is {ours / result['mb_s']:.0f}x faster)"
            )
    print(f"target >= {TARGET_MB_S:.0f} MB/s: {'met' if ours >= TARGET_MB_S else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
