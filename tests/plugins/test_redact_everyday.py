"""The built-in redactor on the everyday text an agent reads that a thirteenth corpus, written blind to
the rules, found missed or wrongly redacted: a secret repeated elsewhere in the same text, client
options in argv lists, whole Teams and Make webhook URLs, Pulumi's plaintext secrets, SQL dumps of
tables with a secret column, browser cookie exports, Basic credentials encoded by hand, Guzzle's auth
pair, app passwords, values running through punctuation in connection strings and INI files; and
one-way password hashes, substitutions and public keys that must stay."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from autopilot.plugins.redact.engine import redact_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

LOWER = "abcdefghijklmnopqrstuvwxyz"
SEEDS = st.integers(min_value=0, max_value=2**32)


def _password(rng: random.Random) -> str:
    """A generated password holding the punctuation that ends a bare value elsewhere."""
    return rs.body(rng, 8) + rng.choice("&)(|") + rs.body(rng, 8) + rng.choice("&)") + rs.body(rng, 4)


@given(seed=SEEDS)
def test_a_secret_found_once_goes_wherever_the_text_repeats_it(seed: int) -> None:
    rng = random.Random(seed)
    token = rs.body(rng, 8, rs.HEX) + "-" + rs.body(rng, 4, rs.HEX) + "-4" + rs.body(rng, 3, rs.HEX)
    rs.goes(f'level=debug msg="smtp dial" host=smtp.example.net user={token} password={token}\n', token)
    password = rs.body(rng, 20)
    compose = (
        f'    command: ["redis-server", "--requirepass", "{password}"]\n'
        f'    healthcheck:\n      test: ["CMD", "redis-cli", "--no-auth-warning", "ping", "{password}"]\n'
    )
    rs.goes(compose, password)


@given(
    seed=SEEDS,
    argv=st.sampled_from(
        [
            '["CMD", "redis-cli", "-a", "{pw}", "ping"]',
            '["mysqladmin", "ping", "-u", "root", "--password", "{pw}"]',
            "['valkey-cli', '-a', '{pw}', 'ping']",
        ]
    ),
)
def test_a_clients_option_in_an_argv_list_loses_its_value(seed: int, argv: str) -> None:
    password = rs.body(random.Random(seed), 20)
    rs.goes("    healthcheck:\n      test: " + argv.format(pw=password) + "\n", password)


def test_an_argv_lists_next_option_is_no_value() -> None:
    rs.survives('test: ["CMD", "redis-cli", "-a", "--no-auth-warning", "-h", "cache"]')


@given(seed=SEEDS)
def test_a_teams_webhook_loses_its_whole_path_and_a_make_webhook_its_token(seed: int) -> None:
    rng = random.Random(seed)
    group, tenant, owner = (
        f"{rs.body(rng, 8, rs.HEX)}-{rs.body(rng, 4, rs.HEX)}-4{rs.body(rng, 3, rs.HEX)}-"
        f"a{rs.body(rng, 3, rs.HEX)}-{rs.body(rng, 12, rs.HEX)}"
        for _ in range(3)
    )
    path = f"{group}@{tenant}/IncomingWebhook/{rs.body(rng, 32, rs.HEX)}/{owner}"
    teams = f"TEAMS_WEBHOOK_URL=https://{rs.body(rng, 8, LOWER)}.webhook.office.com/webhookb2/{path}\n"
    for secret in (group, tenant, owner):
        rs.goes(teams, secret)
    token = rs.body(rng, 32, LOWER + "0123456789")
    region = rng.choice(["eu1", "eu2", "us1", "us2"])
    rs.goes(f"curl -X POST https://hook.{region}.make.com/{token} -d @payload.json\n", token)
    rs.goes(f'"url": "https://hook.integromat.com/{token}"', token)


def test_makes_pages_are_no_webhook() -> None:
    rs.survives(
        "See https://www.make.com/en/help/tools/webhooks and https://hook.eu1.make.com/ for the docs."
    )


@given(seed=SEEDS, indent=st.sampled_from([None, 2]))
def test_a_pulumi_secrets_plaintext_goes_and_its_ciphertext_stays(seed: int, indent: int | None) -> None:
    import json

    rng = random.Random(seed)
    password = _password(rng)
    signature = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
    state = {"outputs": {"password": {**signature, "plaintext": json.dumps(password)}}}
    rs.goes(json.dumps(state, indent=indent), password)
    sealed = {"outputs": {"password": {**signature, "ciphertext": "v1:" + rs.body(rng, 40, rs.B64)}}}
    rs.survives(json.dumps(sealed, indent=indent))


@given(seed=SEEDS, column=st.sampled_from(["api_key", "password", "token", "client_secret"]))
def test_an_sql_dumps_secret_column_loses_its_cells(seed: int, column: str) -> None:
    rng = random.Random(seed)
    first, second = rs.body(rng, 40), _password(rng).replace(")", "x").replace("(", "y")
    copy = (
        f"COPY public.accounts (id, name, {column}, created_at) FROM stdin;\n"
        f"1\tbilling\t{first}\t2026-01-10 09:00:00+00\n2\tcrm\t{second}\t2026-01-12 11:30:00+00\n\\.\n"
    )
    insert = (
        f"INSERT INTO `accounts` (`id`, `name`, `{column}`) VALUES\n"
        f"(1, 'billing', '{first}'),\n(2, 'crm', '{second}');\n"
    )
    for text in (copy, insert):
        rs.goes(text, first)
        rs.goes(text, second)


@given(seed=SEEDS)
def test_an_sql_dumps_password_hashes_stay(seed: int) -> None:
    rng = random.Random(seed)
    salt, digest = rs.body(rng, 22), rs.body(rng, 43, rs.B64)
    rs.survives(
        "COPY public.auth_user (id, password, last_login, username) FROM stdin;\n"
        f"1\tpbkdf2_sha256$720000${salt}${digest}=\t\\N\tadmin\n\\.\n"
    )
    rs.survives(
        "INSERT INTO `users` (`id`, `name`, `password`, `remember_token`) VALUES\n"
        f"(1, 'Admin', '$2y$12${rs.body(rng, 53, rs.ALNUM + './')}', NULL);\n"
    )


@given(seed=SEEDS, name=st.sampled_from(["connect.sid", "sessionid", "laravel_session", "PHPSESSID"]))
def test_a_browser_cookie_exports_session_cookie_goes(seed: int, name: str) -> None:
    rng = random.Random(seed)
    value = "s%3A" + rs.body(rng, 32) + "." + rs.body(rng, 43)
    export = (
        f'[\n  {{\n    "domain": ".example.dev",\n    "hostOnly": false,\n    "name": "{name}",\n'
        f'    "path": "/",\n    "secure": true,\n    "value": "{value}"\n  }}\n]'
    )
    rs.goes(export, value)
    rs.survives(f'{{"name": "{name}_length", "value": "{rs.body(rng, 32)}"}}')


@given(
    seed=SEEDS,
    code=st.sampled_from(
        [
            'auth = base64.b64encode(b"api:{pw}").decode()',
            'const header = "Basic " + btoa("admin:{pw}");',
            'auth := base64.StdEncoding.EncodeToString([]byte("svc:{pw}"))',
            "$auth = base64_encode('deploy:{pw}');",
            'var auth = Convert.ToBase64String(Encoding.ASCII.GetBytes("svc:{pw}"));',
            'auth = Base64.strict_encode64("api:{pw}")',
        ]
    ),
)
def test_basic_credentials_encoded_by_hand_lose_their_password(seed: int, code: str) -> None:
    password = rs.body(random.Random(seed), 21)
    rs.goes(code.format(pw=password), password)


def test_basic_credentials_encoded_from_variables_stay() -> None:
    rs.survives('auth = base64.b64encode(f"{user}:{password}".encode()).decode()')
    rs.survives("$auth = base64_encode($user . ':' . $pass);")


@given(seed=SEEDS)
def test_guzzles_auth_pair_loses_its_password(seed: int) -> None:
    rng = random.Random(seed)
    user, password = rs.body(rng, 32, rs.HEX), rs.body(rng, 32, rs.HEX)
    rs.goes(f"$client->post('send', [\n    'auth' => ['{user}', '{password}'],\n]);", password)
    rs.goes(f'$client->get($url, ["auth" => ["api", "{password}", "digest"]]);', password)


def test_guzzles_auth_pair_of_variables_stays() -> None:
    rs.survives("$client->post('send', ['auth' => [$user, $password]]);")


@given(seed=SEEDS)
def test_an_app_password_without_blanks_goes_in_a_login_call(seed: int) -> None:
    rng = random.Random(seed)
    while not re.search("[bcdfghjklmnpqrstvwxz]{4}", password := rs.body(rng, 16, LOWER)):
        pass
    rs.goes(f'    smtp.login("alerts@example.com", "{password}")\n', password)


def test_a_long_word_in_a_login_call_stays() -> None:
    rs.survives('    smtp.login("alerts@example.com", "administratorabc")\n')


@given(seed=SEEDS)
def test_a_connection_strings_password_runs_to_its_semicolon(seed: int) -> None:
    password = _password(random.Random(seed))
    rs.goes(
        'options.UseSqlServer("Server=tcp:db.example.net,1433;Initial Catalog=shop;'
        f'User ID=shopadmin;Password={password};Encrypt=True;");',
        password,
    )


@given(seed=SEEDS)
def test_an_ini_value_after_blanks_runs_to_its_lines_end(seed: int) -> None:
    password = _password(random.Random(seed))
    rs.goes(f"[app]\ndebug = false\nsecret_key = {password}\n\n[mail]\nport = 587\n", password)


def test_a_settings_call_is_no_ini_value() -> None:
    rs.survives("SECRET_KEY = get_random_secret_key()\n")


@given(seed=SEEDS)
def test_htpasswd_hashes_stay_and_its_plain_passwords_go(seed: int) -> None:
    rng = random.Random(seed)
    hashed = (
        "$ cat /etc/nginx/.htpasswd\n"
        f"admin:$apr1${rs.body(rng, 8)}${rs.body(rng, 22, rs.ALNUM + './')}\n"
        f"bob:{{SHA}}{rs.body(rng, 27, rs.B64)}=\n"
    )
    rs.survives(hashed)
    password = rs.body(rng, 18)
    rs.goes(f"$ cat /etc/nginx/.htpasswd\nadmin:{password}\n", password)


def test_a_credential_file_read_into_a_substitution_prints_nothing() -> None:
    rs.survives(
        "$ PGPASSWORD=\"$(cat /run/secrets/pg_password)\" psql -h db -U app -c 'select 1'\n"
        " ?column?\n----------\n        1\n(1 row)\n"
    )


@given(seed=SEEDS)
def test_an_instrumentation_key_stays_under_its_parent(seed: int) -> None:
    rng = random.Random(seed)
    key = "-".join(rs.body(rng, n, rs.HEX) for n in (8, 4, 4, 4, 12))
    rs.survives(
        f'  "ApplicationInsights": {{ "ConnectionString": "InstrumentationKey={key};'
        'IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/" }'
    )


def test_the_redactor_is_idempotent_on_these_shapes() -> None:
    rng = random.Random(7)
    text = (
        f"COPY public.t (id, token) FROM stdin;\n1\t{rs.body(rng, 40)}\n\\.\n"
        f"user={rs.body(rng, 24)} password=same\n"
    )
    once = redact_text(text)
    assert redact_text(once) == once


@given(seed=SEEDS)
def test_a_printed_token_goes_after_the_clis_warnings(seed: int) -> None:
    rng = random.Random(seed)
    token = "-".join(rs.body(rng, n, rs.HEX) for n in (8, 4, 4, 4, 12))
    rs.goes(
        "$ heroku auth:token\n \u203a   Warning: token will expire 02/03/2027\n"
        f" \u203a   Use heroku authorizations:create to generate a long-term token\n{token}\n",
        token,
    )
    password = rs.body(rng, 18)
    rs.goes(f"$ printenv DB_PASSWORD\nWARNING: this variable is deprecated\n{password}\n", password)


@given(seed=SEEDS)
def test_a_pgp_keys_fingerprint_stays_and_a_gpg_passphrase_goes(seed: int) -> None:
    rng = random.Random(seed)
    upper_hex = "0123456789ABCDEF"
    first, second = rs.body(rng, 40, upper_hex), rs.body(rng, 40, upper_hex)
    rs.survives(f"GPG_KEY={first}\nPYTHON_VERSION=3.12.4\n")
    rs.survives(f"ENV GPG_KEYS {first} {second}\n")
    rs.goes(f"GPG_PASSPHRASE={first}\n", first)
    secret = rs.body(rng, 44)
    rs.goes(f"GPG_KEY={secret}\n", secret)
