"""The built-in redactor on the families the ninth and tenth corpora's dev splits still missed, and on
the false positives of the other corpora that were a family: passwords holding a dot or `=`, a
network device's shared keys and enable passwords, Wi-Fi join calls, Azure's primary keys, session
cookies in dicts, URLs with JSON-escaped slashes, Node's bare REPL prompt, coloured IPython output in
an agent's log; and placeholders typed in sequence or after a token's prefix, `env(NAME)`, GitHub
Actions variables, unsigned JWTs. Each secret goes in plain text and JSON-escaped (once and twice:
`redact_strategies.goes`), each near look-alike stays."""

from __future__ import annotations

import random
import string
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from autopilot.plugins.redact.engine import redact_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs
from redact_strategies import goes, survives

_SEEDS = st.integers(min_value=0, max_value=2**32)
_PUNCT = "!#%*+-_~"


def _password(rng: random.Random, n: int = 14) -> str:
    """A generated password: letters of both cases, digits and a symbol."""
    return rs.body(rng, n - 1) + rng.choice(_PUNCT)


# --- passwords holding a dot or `=` ---------------------------------------------------------------

_DOTTED = [
    "scrape_configs:\n  - job_name: node\n    basic_auth:\n      username: prom\n      password: {pw}\n",
    "[connections]\naccountname = acme-eu\nusername = ETL\npassword = {pw}\ndbname = ANALYTICS\n",
    "ibm:\n  mq:\n    queue-manager: QM1\n    user: app\n    password: {pw}\n",
    "spring.datasource.password={pw}\n",
]


def test_generated_passwords_holding_a_dot_go() -> None:
    """A generated password with a dot (`yXnKgu.aySJ8YKVaq`) is no attribute of an object: of 200
    drawn at random, at least 98% go in each file (a dot between two words that read as names may
    still pass for one)."""
    for template in _DOTTED:
        rng = random.Random(11)
        passwords = [
            rs.body(rng, rng.randint(3, 8)) + "." + rs.body(rng, rng.randint(6, 12)) for _ in range(200)
        ]
        kept = [pw for pw in passwords if pw in redact_text(template.format(pw=pw))]
        assert len(kept) <= 4, kept


def test_dotted_names_assigned_to_a_password_stay() -> None:
    """Attributes and settings of code, made of words, stay (`settings.DB_PASSWORD2`, `cfg.smtp.password`)."""
    for value in ("settings.DB_PASSWORD2", "config.smtpPassword", "process.env.DB_PASS", "cfg.smtp.password"):
        survives(f"  password: {value},\n")
        survives(f"password = {value}\n")


@given(seed=_SEEDS)
def test_a_password_holding_an_equals_sign_goes(seed: int) -> None:
    """`--password 'Ab3…=MM8'` is a password, not a mapping of a name to a reference."""
    rng = random.Random(seed)
    password = rs.body(rng, 11) + "=" + rs.body(rng, 3, string.ascii_uppercase + string.digits)
    goes(f"$ superset fab create-admin --username admin --password '{password}'\n", password)
    goes(f"password: {password}\n", password)


def test_names_mapped_to_references_stay() -> None:
    """`NAME=reference` pairs (`gcloud run deploy --set-secrets`) still name secrets kept elsewhere."""
    survives("gcloud run deploy api --set-secrets=DB_PASSWORD=projects/1/secrets/db-password:latest\n")


@given(seed=_SEEDS)
def test_a_short_password_in_a_tables_password_column_goes(seed: int) -> None:
    """A column named `password` in a table aligned with blanks loses its cell from 8 characters."""
    rng = random.Random(seed)
    password = rs.body(rng, 5) + "." + rs.body(rng, 6)
    header = "id  conn_id       conn_type  host                  login    password         port"
    row = f"12  sftp_partner  sftp       sftp.partner.example  acme_in  {password:<15}  22"
    goes(f"$ airflow connections get sftp_partner -o plain\n{header}\n{row}\n", password)


def test_a_password_columns_mask_stays() -> None:
    header = "id  conn_id       login    password         port"
    survives(
        f"{header}\n12  sftp_partner  acme_in  ********         22\n"
        "13  s3_logs       None     None             443\n"
    )
