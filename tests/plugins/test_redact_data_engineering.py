"""The built-in redactor on data and machine-learning engineering (the twentieth corpus's families):
query engines' and BI servers' login objects, Hadoop's per-account Azure settings, lists of keys a
server accepts, and the look-alikes of that world that must stay (ciphertext, column names that
sound like secrets, listings of secrets' names, SQL statements about a secret as an object)."""

from __future__ import annotations

import base64
import json
import random
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from autopilot.plugins.redact.engine import redact_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

SEEDS = st.integers(min_value=0, max_value=2**32)


def _password(rng: random.Random) -> str:
    """A generated password: letters of both cases, digits and a symbol."""
    return rs.body(rng, 10) + rng.choice("!#%^*-_") + rs.body(rng, 4)


@given(
    layout=st.sampled_from(
        [
            'conn = connect(host="trino.internal", user="lea", auth=BasicAuthentication("lea", "{p}"))',
            'auth=prestodb.auth.BasicAuthentication("svc", "{p}")',
            'auth = TSC.PersonalAccessTokenAuth("etl-refresh", "{p}", site_id="finance")',
            'auth = TSC.TableauAuth("etl", "{p}", site_id="finance")',
            'auth = httpx.DigestAuth("svc", "{p}")',
            'req.SetBasicAuth("admin", "{p}")',
        ]
    ),
    seed=SEEDS,
)
def test_a_login_object_given_its_password_loses_it(layout: str, seed: int) -> None:
    rng = random.Random(seed)
    password = _password(rng)
    rs.goes(layout.format(p=password), password)


def test_a_login_object_given_variables_stays() -> None:
    rs.survives(
        "auth = BasicAuthentication(user, password)\n"
        'auth = TSC.PersonalAccessTokenAuth(name, os.environ["PAT"])'
    )


@given(
    layout=st.sampled_from(
        [
            "spark-submit --conf spark.hadoop.fs.azure.account.key.{a}.dfs.core.windows.net={k} etl/load.py",
            '{{"spark_conf": {{"fs.azure.account.key.{a}.dfs.core.windows.net": "{k}"}}}}',
            'spark.conf.set("fs.azure.account.key.{a}.blob.core.windows.net", "{k}")',
            "fs.azure.account.oauth2.client.secret.{a}.dfs.core.windows.net {k}",
            "spark.hadoop.fs.azure.sas.raw.{a}.blob.core.chinacloudapi.cn: {k}",
        ]
    ),
    seed=SEEDS,
)
def test_an_azure_setting_named_by_its_account_loses_its_key(layout: str, seed: int) -> None:
    """Hadoop's ABFS and WASB settings end in the account's host, after the secret word."""
    rng = random.Random(seed)
    account = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 24)))
    key = base64.b64encode(rs.body(rng, 64).encode()[:64]).decode()
    rs.goes(layout.format(a=account, k=key), key)


def test_an_azure_setting_given_a_reference_stays() -> None:
    rs.survives(
        'spark.conf.set("fs.azure.account.key.lake.dfs.core.windows.net", dbutils.secrets.get("s", "k"))\n'
        'spark.conf.set("fs.azure.account.key.lake.dfs.core.windows.net", storage_key)\n'
        "spark.hadoop.fs.azure.account.key.lake.dfs.core.windows.net {{secrets/lake/storage-key}}"
    )


@given(seed=SEEDS, layout=st.sampled_from(["yaml", "env", "flow"]))
def test_the_keys_a_server_accepts_go(seed: int, layout: str) -> None:
    """Weaviate's `allowed_keys` and the like: each generated key of the list goes."""
    rng = random.Random(seed)
    first, second = rs.body(rng, 32), rs.body(rng, 32)
    text = {
        "yaml": f"apikey:\n  enabled: true\n  allowed_keys:\n    - {first}\n    - {second}\n  users: [rag]",
        "env": f"AUTHENTICATION_APIKEY_ALLOWED_KEYS: '{first},{second}'",
        "flow": f"accepted_keys: [{first}, {second}]",
    }[layout]
    rs.goes(text, first)
    rs.goes(text, second)


def test_a_list_of_allowed_dictionary_keys_stays() -> None:
    rs.survives('allowed_keys = ["name", "email", "created_at"]\nvalid_key: true')


@given(seed=SEEDS)
def test_ciphertext_under_a_password_name_stays(seed: int) -> None:
    """A Fernet token (Airflow's encrypted connections) and an AWS KMS ciphertext blob are what
    was made to be stored; the key that decrypts them is elsewhere."""
    rng = random.Random(seed)

    def drawn(prefix: str, encode: Callable[[bytes], bytes], size: int) -> str:
        # (random base64 may hold a token's format by chance, `…-r8_…`: those go wherever they are)
        while True:
            value = prefix + encode(rng.randbytes(size)).decode()
            if redact_text(value) == value:
                return value

    fernet = drawn("gAAAAA", base64.urlsafe_b64encode, 96)
    kms = drawn("AQICAHh", base64.b64encode, 150)
    rs.survives(
        " id |   conn_id    | password | is_encrypted\n"
        "----+--------------+----------+-------------\n"
        f" 37 | warehouse_pg | {fernet} | t"
    )
    rs.survives(f"password: {fernet}")
    rs.survives(f"The loader password is KMS-encrypted:\n  loader_password_ciphertext: {kms}")


def test_columns_and_features_that_sound_like_secrets_stay() -> None:
    rs.survives(
        "| column              | description                                   |\n"
        "|---------------------|-----------------------------------------------|\n"
        "| password_reset_at   | last time the user asked for a password reset |\n"
        "| token_refreshed_at  | when the refresh token was last refreshed     |"
    )
    rs.survives("features: [sessions_7d: Int64, password_changes_90d: Int64, has_api_key: Bool]")
    rs.survives("eval:\n  judge_model: gpt-4o\n  secret_detection: enabled\n  secret_scanning: disabled")
    rs.survives(
        " id  |  email  |  password_hash  | password_reset_at\n"
        "-----+---------+-----------------+------------------\n"
        " 177 | a@b.io  | $2b$12$abc      | 2026-06-01"
    )


@given(seed=SEEDS)
def test_a_password_named_with_a_window_still_goes(seed: int) -> None:
    password = _password(random.Random(seed))
    rs.goes(f"password_90d: {password}", password)


def test_a_listing_of_secrets_names_and_dates_stays() -> None:
    """`databricks secrets list-secrets` prints the names and when each was updated."""
    rs.survives(
        "$ databricks secrets list-secrets data-eng\n"
        "Key                    Last Updated\n"
        "---------------------  -------------\n"
        "snowflake-password     2498506202174\n"
        "openai-api-key         4479675123425"
    )


@given(seed=SEEDS)
def test_a_listing_with_values_still_loses_them(seed: int) -> None:
    password = _password(random.Random(seed))
    rs.goes(f"NAME           VALUE\ndb_password    {password}", password)


def test_sql_about_a_secret_object_stays() -> None:
    rs.survives(
        'con.execute("CREATE SECRET s3_lake (TYPE S3, KEY_ID ?, SECRET ?, REGION ?)", [a, b, c])\n'
        "CREATE OR REPLACE PERSISTENT SECRET gcs_lake (TYPE GCS);\n"
        "CREATE TEMPORARY SECRET s3_tmp (TYPE S3, PROVIDER credential_chain);\n"
        "DROP SECRET IF EXISTS s3_lake;"
    )


@given(seed=SEEDS)
def test_sql_creating_a_secret_with_its_value_loses_it(seed: int) -> None:
    value = rs.body(random.Random(seed), 24)
    rs.goes(f"CREATE OR REPLACE SECRET gh_token TYPE = GENERIC_STRING SECRET_STRING = '{value}';", value)
    rs.goes(f"CREATE SECRET s3_lake (TYPE S3, KEY_ID 'AKIDEXAMPLE', SECRET '{value}');", value)


@given(
    layout=st.sampled_from(
        [
            "postgres:dbname=shop host=10.1.2.3 user=duck password={p}",
            'conn = LibPQ.Connection("host=db.internal dbname=warehouse user=julia password={p}")',
            "\tconnection.password = {p}\n\tconnection.url = jdbc:postgresql://dwh:5432/shop",
            "export PGPASSWORD={p}",
        ]
    ),
    seed=SEEDS,
)
def test_a_password_holding_an_ampersand_goes_whole(layout: str, seed: int) -> None:
    """Outside a URL's query an `&` is part of the value (libpq's conninfo, a properties file)."""
    rng = random.Random(seed)
    password = rs.body(rng, 6) + "&" + rs.body(rng, 5) + rng.choice("&^+") + rs.body(rng, 4)
    text = layout.format(p=password)
    for form in rs.forms(text):
        redacted = redact_text(form)
        assert all(part not in redacted for part in password.split("&")), form


def test_an_ampersand_that_starts_another_thing_stays() -> None:
    assert redact_text("https://x.io/cb?password=Hx8kq2Lm9v&next=/home").endswith("&next=/home")
    assert redact_text("export PASSWORD=Hx8kq2Lm9v&& ./run").endswith("&& ./run")
    rs.survives(
        "Rails.application.config.x.webhook_secret = Rails.application.credentials.stripe&.webhook_secret"
    )


@given(seed=SEEDS, name=st.sampled_from(["Hugo", "Lea", "Marta", "Copper"]))
def test_a_password_of_a_name_a_dot_and_a_word_with_digits_goes(seed: int, name: str) -> None:
    rng = random.Random(seed)
    word = rng.choice(["marble", "mango", "river", "Nebula", "granite"])
    password = f"{name}.{word}{rng.randint(10, 99)}"
    rs.goes(f"postgres_db:\n  username: dagster\n  password: {password}\n  hostname: 10.70.1.3", password)
    rs.survives("password = np.float64\npassword: Config.db_password")


@given(seed=SEEDS)
def test_a_secret_block_given_its_value_loses_it(seed: int) -> None:
    """Prefect's `Secret(value="…")`, pydantic's `SecretStr(value="…")`: a generated value."""
    value = rs.body(random.Random(seed), 28)
    rs.goes(f'Secret(value="{value}").save(name="snowflake-loader-password", overwrite=True)', value)
    rs.goes(f'api_key = SecretStr(value="{value}")', value)
    rs.survives(
        'Secret(value=os.environ["LOADER_PASSWORD"]).save(name="loader")\nSecret(value="hello world")'
    )


@given(seed=SEEDS, arrow=st.sampled_from(["->", "=>"]), method=st.sampled_from(["get", "value", "reveal"]))
def test_what_a_secrets_method_returned_in_a_debug_line_goes(seed: int, arrow: str, method: str) -> None:
    password = _password(random.Random(seed))
    rs.goes(
        "21:33:51.123 | INFO | Flow run 'otter' - Loaded block: Secret(value=SecretStr('**********'))\n"
        f"02:02:50.124 | INFO | Flow run 'otter' - debug: secret.{method}() {arrow} '{password}'",
        password,
    )
    rs.survives('secret.then(() => "abc")\nsecret.get() -> None\nconst t = token.split(".")')


@given(seed=SEEDS)
def test_a_jupyter_kernels_connection_key_goes(seed: int) -> None:
    """The HMAC key of a kernel's connection file (its messages are signed with it)."""
    rng = random.Random(seed)
    key = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    text = json.dumps(
        {"shell_port": 59492, "iopub_port": 21788, "hb_port": 84807, "ip": "127.0.0.1", "key": key,
         "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "python3"},
        indent=rng.choice([None, 1, 2]),
    )  # fmt: skip
    rs.goes(text, key)
    rs.survives(json.dumps({"key": key, "name": "x", "transport": "tcp"}))


@given(seed=SEEDS)
def test_a_firebase_web_config_stays_when_escaped_too(seed: int) -> None:
    """A Firebase web app's `apiKey` is public by design, also in a JSON-escaped TOML file."""
    key = "AIza" + rs.body(random.Random(seed), 35, rs.URLSAFE)
    rs.survives(
        f'[firebase]\napiKey = "{key}"\nauthDomain = "acme-dash.firebaseapp.com"\nprojectId = "acme-dash"'
    )


@given(seed=SEEDS, last=st.booleans())
def test_a_dataframe_printed_loses_its_password_column(seed: int, last: bool) -> None:
    """pandas aligns a DataFrame's columns with blanks (two at least), Polars draws a box with `┆`
    between cells, Spark's `show()` with bars: the cells under a password's column go."""
    rng = random.Random(seed)
    first, second = _password(rng), _password(rng)
    width = max(len(first), len(second), len("password"))
    if last:
        pandas = (
            f"   id  username  {'password':>{width}}\n"
            f"0   1     alice  {first:>{width}}\n"
            f"1   2       bob  {second:>{width}}"
        )
    else:
        pandas = (
            f"   id  {'password':>{width}}  username\n"
            f"0   1  {first:>{width}}     alice\n"
            f"1   2  {second:>{width}}       bob"
        )
    polars = (
        "shape: (2, 3)\n"
        f"┌─────┬──────────┬─{'─' * width}─┐\n"
        f"│ id  ┆ username ┆ {'password':<{width}} │\n"
        f"│ --- ┆ ---      ┆ {'---':<{width}} │\n"
        f"│ i64 ┆ str      ┆ {'str':<{width}} │\n"
        f"╞═════╪══════════╪═{'═' * width}═╡\n"
        f"│ 1   ┆ alice    ┆ {first:<{width}} │\n"
        f"│ 2   ┆ bob      ┆ {second:<{width}} │\n"
        f"└─────┴──────────┴─{'─' * width}─┘"
    )
    spark = (
        f"+---+--------+{'-' * width}+\n| id|username|{'password':>{width}}|\n|  1|   alice|{first:>{width}}|"
    )
    for text in (pandas, polars):
        rs.goes(text, first)
        rs.goes(text, second)
    rs.goes(spark, first)


def test_a_dataframe_without_secrets_stays() -> None:
    rs.survives(
        "   id  username    password_reset_at  token_count\n"
        "0   1     alice  2026-01-01 10:00:00         1204\n"
        "1   2       bob  2026-02-03 11:30:00           88"
    )
    rs.survives(
        "┌─────┬──────────────────────┐\n"
        "│ id  ┆ password_changes_90d │\n"
        "│ --- ┆ ---                  │\n"
        "│ i64 ┆ i64                  │\n"
        "╞═════╪══════════════════════╡\n"
        "│ 1   ┆ 3                    │\n"
        "└─────┴──────────────────────┘"
    )


@given(
    layout=st.sampled_from(
        [
            '{{"request_id": "chatcmpl-{r}", "api_key": "{h}", "model": "claude-sonnet", "spend": 0.00412}}',
            "keys:\n  - key_alias: rag-prod\n    key_name: sk-...{m}\n    spend: 12.5\n    token: {h}",
            "keys:\n  - key_alias: rag-prod\n    key_name: sk-...{m}\n    token: {h}",
            '{{"key": "{h}", "info": {{"key_name": "sk-...{m}", "spend": 0.0, "max_budget": 50}}}}',
            '{{"token": "{h}", "key_alias": "eval", "key_name": "sk-…{m}", "models": []}}',
        ]
    ),
    seed=SEEDS,
)
def test_a_gateway_key_record_keeps_the_keys_digest(layout: str, seed: int) -> None:
    """LiteLLM's key lists and spend logs name a key by its SHA-256: that digest is no key and stays."""
    rng = random.Random(seed)
    digest = rs.body(rng, 64, rs.HEX)
    masked = rs.body(rng, 4)
    if masked.lower() == digest[-4:]:
        masked = "Zz" + masked[2:]

    rs.survives(layout.format(r=rs.body(rng, 29), h=digest, m=masked))


@given(
    layout=st.sampled_from(
        [
            '{{"api_key": "{h}", "model": "gpt-4o"}}',
            "keys:\n  - key_alias: rag-prod\n    key_name: sk-...{m}\n    token: {h}",
            '{{"key": "sk-{k}", "key_name": "sk-...{t}", "spend": 0.0, "token": "{h}"}}',
        ]
    ),
    seed=SEEDS,
)
def test_a_key_of_hex_digits_goes_unless_a_gateway_record_shows_it_masked(layout: str, seed: int) -> None:
    """A 64-hex key goes unless a record shows it as a digest (its masked name ends otherwise)."""
    rng = random.Random(seed)
    key = rs.body(rng, 64, rs.HEX)
    gateway_key = rs.body(rng, 22, rs.URLSAFE)
    text = layout.format(h=key, m=key[-4:], k=gateway_key, t=gateway_key[-4:])

    rs.goes(text, gateway_key if "sk-{k}" in layout else key)
