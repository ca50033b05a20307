"""The built-in redactor on the kinds of secrets the tuned corpora's dev splits still missed, each
as its family: connection calls naming a data source, package managers' per-host credentials,
listings and text outputs of secret stores, trace tools' strings, values that merely look like an
address, a word or code."""

from __future__ import annotations

import random
import string
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs
from redact_strategies import goes, survives

RNG = random.Random(15)


def _letters(n: int = 18, rng: random.Random = RNG) -> str:
    """Random letters of both cases, no digit, in humps of one or two letters (`iWpkQtrOeQixde`), as
    some generators make passwords."""
    text = rng.choice(string.ascii_lowercase)
    while len(text) < n:
        text += rng.choice(string.ascii_uppercase) + rng.choice(["", *string.ascii_lowercase])
    return text


def _passphrase() -> str:
    """Made-up words joined by hyphens."""
    return "-".join(
        "".join(RNG.choice("bdfgklmnprstvz") + RNG.choice("aeiou") for _ in range(2)) for _ in range(4)
    )


# --- connection calls whose first argument names a data source ----------------------------------

_DSNS = [
    "DBI:mysql:database=crm;host=db.internal",
    "dbi:Pg:dbname=ledger;host=db6.svc.cluster.local",
    "pgsql:host=db.example.com;dbname=shop",
    "mysql:host=127.0.0.1;port=3306;dbname=app",
    "Driver={ODBC Driver 18 for SQL Server};Server=db;Database=app",
]
_CALLS = [
    "my $dbh = DBI->connect({q}{dsn}{q}, {q}crm{q}, {q}{pw}{q}, {{ RaiseError => 1 }});",
    "#0 /var/www/html/db.php(12): PDO->__construct({q}{dsn}{q}, {q}backup{q}, {q}{pw}{q})",
    "conn = driver.connect({q}{dsn}{q}, {q}svc{q}, {q}{pw}{q})",
]


@given(
    dsn=st.sampled_from(_DSNS),
    call=st.sampled_from(_CALLS),
    quote=st.sampled_from(["'", '"']),
    shape=st.sampled_from(["passphrase", "address", "letters"]),
    seed=st.integers(0, 2**16),
)
def test_a_connect_call_naming_a_data_source_loses_its_password_whatever_it_looks_like(
    dsn: str, call: str, quote: str, shape: str, seed: int
) -> None:
    """A connect call or constructor given (dsn, user, password) loses the password, even words or an @."""
    rng = random.Random(seed)
    password = {
        "passphrase": "-".join(
            rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") + rng.choice("nrst") for _ in range(5)
        ),
        "address": rs.body(rng, 7) + "@" + rs.body(rng, 10) + "." + rng.choice("wxyz"),
        "letters": _letters(rng=rng),
    }[shape]
    if quote == '"' and '"' in dsn:
        return
    goes(call.format(q=quote, dsn=dsn, pw=password), password)


def test_a_connect_call_without_a_data_source_keeps_its_words() -> None:
    """A generic connect() whose first argument names no database keeps plain words."""
    survives('client.connect("chat-room", "alice", "hello-there-my-friend")')


def test_a_fernet_key_starting_with_a_dash_goes() -> None:
    """A literal given to Fernet() is the key, even when its base64url starts with a dash."""
    key = "-" + rs.body(RNG, 42, rs.URLSAFE) + "="
    goes(f'f = Fernet(b"{key}")\nprint(f.decrypt(token))', key)


def test_a_go_dsn_password_holding_an_at_sign_goes() -> None:
    """A Go MySQL DSN's password is all of it up to the last @ before tcp(, @ and # included."""
    password = rs.body(RNG, 6) + "#" + rs.body(RNG, 4) + "@" + rs.body(RNG, 6)
    goes(f"\tdsn := `app_rw:{password}@tcp(mysql:3306)/orders?parseTime=true`", password)


def test_a_password_shaped_like_an_address_goes_but_an_address_stays() -> None:
    """A password column's value holding @ and a dot goes; a real address in the email column stays."""
    password = rs.body(RNG, 6) + "@" + rs.body(RNG, 3) + "." + "eQN"
    text = f"username\temail\tpassword\trole\nsvc_app\tsam@example.com\t{password}\tadmin\n"
    goes(text, password)
    survives("username\temail\trole\nsvc_app\tsam@example.com\tadmin\n")


@pytest.mark.parametrize(
    "template",
    [
        "jdbc:sqlserver://db1.corp.local:1433;databaseName=Orders;user=admin;password={s};encrypt=true",
        'The connection fails because the password in `.env` ("{s}") contains a character to escape',
    ],
)
def test_a_password_of_random_letters_alone_goes(template: str) -> None:
    """Letters of both cases drawn at random (many one- and two-letter humps) are no identifier."""
    secret = _letters()
    goes(template.format(s=secret), secret)


def test_identifiers_in_camel_case_stay() -> None:
    """Names made of words in camel case are still names after a secret's name."""
    survives('strcmp("readWriteMode", "getHttpResponseCode") = 0\nsigning.keyId=mavenCentralUsername\n')


# --- package managers' per-host credentials ------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        '---\nBUNDLE_GEMS__CONTRIBSYS__COM: "{u}:{s}"\nBUNDLE_PATH: "vendor/bundle"\n',
        "export BUNDLE_RUBYGEMS__PKG__GITHUB__COM={u}:{s}\n",
        "$ bundle config set --global gems.contribsys.com {u}:{s}\n",
        "$ bundle config https://gems.example.com/ {u}:{s}\n",
    ],
)
def test_bundler_host_credentials_lose_their_password(template: str) -> None:
    """Bundler's BUNDLE_<HOST> setting and `bundle config HOST user:pass` lose the password."""
    secret = rs.body(RNG, 32, rs.HEX)
    goes(template.format(u="svc_app", s=secret), secret)


def test_bundler_settings_that_hold_no_credential_stay() -> None:
    """Bundler's own settings and a mirror's URL are no credentials."""
    survives(
        'BUNDLE_PATH: "vendor/bundle"\nBUNDLE_JOBS: "4"\n'
        'BUNDLE_MIRROR__RUBYGEMS__ORG: "https://mirror.example.com/rubygems"\n'
    )


# --- secret stores' listings and text outputs ----------------------------------------------------


def test_an_ssm_securestring_value_goes_in_text_and_json_output() -> None:
    """`aws ssm get-parameter(s)` prints a SecureString's value after its type: tab-separated or JSON."""
    secret = rs.body(RNG, 10) + "~!" + rs.body(RNG, 4)
    row = (
        "PARAMETER\tarn:aws:ssm:us-east-1:123456789012:parameter/prod/db/pw\t2026-02-16T10:00:00+00:00"
        f"\t/prod/db/pw\tSecureString\t{secret}\t7\n"
    )
    goes("$ aws ssm get-parameters --names /prod/db/pw --with-decryption --output text\n" + row, secret)
    goes(
        f'{{"Parameter": {{"Name": "/prod/db/pw", "Type": "SecureString", '
        f'"Value": "{secret}", "Version": 7}}}}',
        secret,
    )


def test_a_plain_ssm_string_parameter_stays() -> None:
    """A String parameter's value (a region, a flag) is no secret."""
    survives(
        "PARAMETER\tarn:aws:ssm:us-east-1:123456789012:parameter/app/region\t2026-02-16\t/app/region\tString\teu-west-1\t3\n"
    )


def test_a_listing_row_of_random_letters_under_a_secret_name_goes() -> None:
    """A `KEY  VALUE` listing's row (pulumi config --show-secrets) loses a value of random letters."""
    secret = _letters(27)
    text = (
        "$ pulumi config --show-secrets\nKEY                     VALUE\n"
        f"aws:region              eu-west-1\napp:dbPassword          {secret}\n"
    )
    goes(text, secret)
    survives("KEY                     VALUE\naws:region              eu-west-1\napp:dbPasswordLength    32\n")


# --- trace tools ---------------------------------------------------------------------------------


def test_ltrace_string_comparisons_lose_the_credential() -> None:
    """ltrace's strcmp()/strncmp() of a guess against the stored password loses the password only."""
    secret = rs.body(RNG, 6) + "." + rs.body(RNG, 12)
    text = (
        f'$ ltrace ./licensecheck\nstrlen("ops") = 3\nstrcmp("guess", "{secret}") = -1\n'
        'puts("access denied") = 14\n'
    )
    goes(text, secret)
    assert '"guess"' in rs.forms(text)[0]
    survives('strcmp(ext, ".png") = 0\nstrncmp(line, "Content-Type", 12) = 0\n')


def test_strace_writes_of_database_and_cache_logins_lose_the_password() -> None:
    """strace's write() of PostgreSQL's PasswordMessage and of Redis's AUTH loses the password."""
    secret = rs.body(RNG, 17)
    goes(
        "connect(3, {sa_family=AF_INET, sin_port=htons(5432)}, 16) = 0\n"
        'write(3, "\\0\\0\\0(\\0\\3\\0\\0user\\0jdoe\\0database\\0app\\0\\0", 40) = 40\n'
        f'write(3, "p\\0\\0\\0\\25{secret}\\0", 22) = 22\n',
        secret,
    )
    goes(f'sendto(5, "*2\\r\\n$4\\r\\nAUTH\\r\\n$17\\r\\n{secret}\\r\\n", 35, 0, NULL, 0) = 35\n', secret)
    goes(f'write(5, "*3\\r\\n$4\\r\\nAUTH\\r\\n$3\\r\\napp\\r\\n$17\\r\\n{secret}\\r\\n", 44) = 44\n', secret)
    survives('write(3, "\\0\\0\\0(\\0\\3\\0\\0user\\0jdoe\\0database\\0app\\0\\0", 40) = 40\n')


# --- other leftovers -----------------------------------------------------------------------------


def test_a_login_session_id_in_a_log_line_goes_but_a_uuid_stays() -> None:
    """`session=` in an auth log line loses a generated id; a UUID there is a trace's id and stays."""
    secret = rs.body(RNG, 32, string.ascii_lowercase + string.digits)
    goes(f"Mar  3 10:11:12 api[912]: login ok user=svc session={secret} ip=10.35.75.95\n", secret)
    survives("Mar  3 10:11:12 api[912]: turn done session=4f1c2a9e-8b7d-4c3e-9a1f-2b3c4d5e6f70\n")


def test_an_algolia_key_named_without_the_word_key_goes() -> None:
    """A variable named for Algolia holding 32 hex digits loses them; the app id and search key stay."""
    secret = rs.body(RNG, 32, rs.HEX)
    goes(f'enum Keys {{\n    static let algoliaAdmin = "{secret}"\n}}\n', secret)
    goes(f"ALGOLIA_WRITE={secret}\n", secret)
    survives(f'let algoliaSearchOnly = "{secret}"\nlet algoliaAppId = "{secret}"\n')


def test_a_wordpress_salt_starting_with_a_bracket_goes() -> None:
    """A generated salt may start with `(` and hold quotes and backticks of every kind."""
    secret = "(." + rs.body(RNG, 20) + "?|:>-j=`%*G]#&" + rs.body(RNG, 20) + "%*+"
    goes(f"define( 'LOGGED_IN_SALT',   '{secret}' );", secret)


def test_redis_monitor_auth_of_a_passphrase_goes() -> None:
    """Redis MONITOR's quoted `"AUTH" "…"` loses a passphrase of words."""
    secret = _passphrase()
    goes(f'1741000272.123456 [0 10.0.2.14:51822] "AUTH" "{secret}"\n', secret)


def test_a_lone_key_of_random_letters_in_an_ini_section_goes() -> None:
    """rclone's `key = …` of 24 or more random letters and dashes (no digit) is a key."""
    secret = "K" + _letters(15) + "-" + _letters(14)
    goes(f"[b2]\ntype = b2\naccount = 785f560b43ce\nkey = {secret}\nhard_delete = true\n", secret)


# --- the same families' other members -------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "op read op://prod/db/password",
        "vault kv get -field=password secret/db",
        "vault read -field=secret_id auth/approle/role/ci/secret-id",
    ],
)
def test_secret_store_reads_print_a_secret_on_the_next_line(command: str) -> None:
    """1Password's `op read` and Vault's `-field=` of a secret-named field print the secret alone."""
    secret = rs.body(RNG, 20)
    goes(f"$ {command}\n{secret}\n", secret)


@pytest.mark.parametrize(
    "template",
    [
        "DATABASE=app:{s}@db.internal:5432/app\n",
        "$ mysqlsh root:{s}@127.0.0.1:3306\n",
        'redis_url: "default:{s}@cache:6379"\n',
        "mongo_uri=svc:{s}@mongo-0.mongo:27017/admin\n",
    ],
)
def test_a_schemeless_dsn_before_a_database_port_loses_its_password(template: str) -> None:
    """`user:password@host:PORT` without a scheme loses the password before a database's port."""
    secret = rs.body(RNG, 14)
    goes(template.format(s=secret), secret)
    survives("listening on db.internal:5432/app and 10:00:00@db:3306\n")


def test_ltrace_getpass_return_value_goes() -> None:
    """ltrace prints what getpass() returned: the password typed at the prompt."""
    secret = rs.body(RNG, 15)
    goes(f'getpass("Password: ") = "{secret}"\n', secret)


def test_an_ssm_securestring_in_table_output_goes() -> None:
    """`--output table` draws the SecureString's value in the cell after its type."""
    secret = rs.body(RNG, 15)
    goes(f"||  /prod/db/pw | SecureString |  {secret} | 1 ||\n", secret)


def test_an_oracle_connect_with_the_dsn_last_loses_the_password() -> None:
    """cx_Oracle's connect(user, password, "host:port/service") loses the second argument."""
    secret = rs.body(RNG, 15)
    goes(f'conn = cx_Oracle.connect("scott", "{secret}", "db:1521/orcl")\n', secret)
