"""Secret-shaped test values, built at run time from parts so no literal secret is ever committed."""

from __future__ import annotations

import secrets
import string

_ALNUM = string.ascii_letters + string.digits


def random_body(length: int, alphabet: str = _ALNUM) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def github_token() -> str:
    """A classic GitHub personal access token shape with a random body."""
    return "gh" + "p_" + random_body(36)
