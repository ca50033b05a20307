"""The built-in redactor on families of constructs that the eight blind corpora still found missed:
files read through a numbering file reader, argv lists, URL passwords with `/` or `+`, and the like."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

# Multi-line constructs whose rules look at the line above, a line's start or the block around.
_BLOCKS = (
    'env:\n  - name: DATABASE_PASSWORD\n    value: "{s}"\n  - name: REDIS_URL\n    value: redis://cache:6379',
    "user default off\nuser app on >{s} ~app:* &* +@read",
    "properties:\n  secrets:\n    - name: openai-key\n      value: {s}",
    "apiVersion: v1\nkind: Secret\ntype: Opaque\ndata:\n  username: YXBwX3J3\n  password: {s}",
    '"cookies": [\n  {{"name": "_app_session", "value": "{s}", "httpOnly": true}}\n]',
)


def _numbered(text: str, style: str, first: int) -> str:
    """*text* as a file reader prints it: each line after its number (`     5→`, `cat -n`'s `     5\\t`)."""
    mark = "\u2192" if style == "arrow" else "\t"
    return "\n".join(f"{n:6d}{mark}{line}" for n, line in enumerate(text.split("\n"), start=first))


@given(
    block=st.sampled_from(_BLOCKS),
    style=st.sampled_from(["arrow", "cat"]),
    first=st.integers(min_value=1, max_value=99_000),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_numbered_file_loses_what_the_file_itself_would(
    block: str, style: str, first: int, seed: int
) -> None:
    """A Kubernetes name/value pair, a Redis ACL line, a Secret's data read with line numbers before
    each line (an agent's file reader, `cat -n`), escaped once or twice, lose the secret as the file does."""
    secret = rs.body(random.Random(seed), 24)
    rs.goes(_numbered(block.format(s=secret), style, first), secret)


def test_a_numbered_file_without_a_secret_stays() -> None:
    """Numbered lines of ordinary YAML, a TSV table whose first column is a number, and a Redis ACL
    file that only references a hashed password stay as they are."""
    for text in (
        _numbered("env:\n  - name: LOG_LEVEL\n    value: debug\n  - name: PORT\n    value: 80", "arrow", 1),
        _numbered("user default off\nuser app on #5e884898da28047151d0e56f8dc629 ~app:*", "arrow", 1),
        "1\tapp\t2024-01-02\n2\tworker\t2024-01-03",
        _numbered("def token_count(text):\n    return len(text.split())", "cat", 10),
    ):
        rs.survives(text)


@given(
    scheme=st.sampled_from(["rediss", "redis", "cloudinary", "amqps", "postgres", "mongodb+srv"]),
    user=st.sampled_from(["default", "app", "4535124426", "svc.reader"]),
    host=st.sampled_from(["eu1-tender-gnat-38102.upstash.io:6379", "acme-media", "db.internal/app"]),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_base64_password_in_a_url_goes_whatever_its_slashes(
    scheme: str, user: str, host: str, seed: int
) -> None:
    """A URL's password in base64 that holds a raw `/` or `+` (`rediss://default:AbC/dE+f=@host`) goes."""
    rng = random.Random(seed)
    password = rs.body(rng, 14) + rng.choice("/+") + rs.body(rng, 20, rs.B64) + "="
    rs.goes(f'REDIS_URL="{scheme}://{user}:{password}@{host}"', password)


def test_a_port_and_a_path_before_an_at_sign_are_no_password() -> None:
    """`https://host:8080/path@x`, a profile's `/@user` and a path holding `@` stay."""
    for text in (
        "see https://host.example.com:8080/Path/To1/Thing/Here@x for it",
        "https://medium.com/@user and https://a.b:443/Users/Me/x1@y.z",
        "npm install https://registry.npmjs.org/@types/node/-/node-20.1.0.tgz",
    ):
        rs.survives(text)
