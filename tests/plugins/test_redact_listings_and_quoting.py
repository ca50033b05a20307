"""The built-in redactor on credentials that reach a log with little around them: a password that
starts with `$`, a password quoted again inside `bash -c '…'`, credentials listed under their
provider's name in notes, a provider's key id next to its secret."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

SEEDS = st.integers(min_value=0, max_value=2**32)
WORDS = ("silver", "sunshine", "shadow", "sierra", "summer", "sparrow", "mistral")


def _leet(rng: random.Random) -> str:
    word = rng.choice(WORDS).replace("a", "@").replace("o", "0").replace("e", "3").replace("s", "$")
    return word + rng.choice("!#%&^~") + str(rng.randrange(100, 999))


# --- a password that starts with `$` -------------------------------------------------------------


@given(SEEDS)
def test_a_password_starting_with_a_dollar_goes(n: int) -> None:
    password = _leet(random.Random(n))
    rs.goes(f"grafana:\n  adminUser: admin\n  adminPassword: {password}\n", password)
    rs.goes(f'{{"username": "admin@example.com", "password": "{password}"}}', password)


def test_a_reference_to_a_variable_stays() -> None:
    for text in (
        "adminPassword: $GRAFANA_PASSWORD",
        "database_url: $DATABASE_URL?sslmode=require",
        "PASSWORD=$USER@$HOST",
        "ssl_key: $HOME/.ssh/*.pem",
        'password: "${DB_PASSWORD}"',
    ):
        rs.survives(text)


# --- a password quoted again inside `bash -c '…'` ------------------------------------------------


@given(SEEDS)
def test_a_password_quoted_again_inside_a_quoted_command_goes(n: int) -> None:
    rng = random.Random(n)
    password = rs.body(rng, 12) + rng.choice("!%&@") + rs.body(rng, 6)
    quoted = "'\\''" + password + "'\\''"
    for command in (
        f"redis-cli -h cache.internal -a {quoted} --no-auth-warning INFO",
        f"mysql -h db.internal -u root -p{quoted} -e 'SHOW DATABASES;'",
        f'psql -U postgres -c "ALTER USER reporting WITH PASSWORD {quoted};"',
    ):
        rs.goes(f"bash -lc '{command}'", password)


def test_words_quoted_again_inside_a_quoted_command_stay() -> None:
    for text in (
        "bash -lc 'grep -rn '\\''password'\\'' src/ | head'",
        "bash -lc 'git log --format='\\''%h %s'\\'' -3'",
        "bash -lc 'mysql -u root -p'\\''$MYSQL_ROOT_PASSWORD'\\'' -e status'",
    ):
        rs.survives(text)
