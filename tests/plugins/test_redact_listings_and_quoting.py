"""The built-in redactor on credentials that reach a log with little around them: a password that
starts with `$`, a password quoted again inside `bash -c '…'`, credentials listed under their
provider's name in notes, a provider's key id next to its secret."""

from __future__ import annotations

import base64
import random
import string
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
        f"echo {quoted} > .vault_pass && chmod 600 .vault_pass",
    ):
        rs.goes(f"bash -lc '{command}'", password)


def test_words_quoted_again_inside_a_quoted_command_stay() -> None:
    for text in (
        "bash -lc 'grep -rn '\\''password'\\'' src/ | head'",
        "bash -lc 'git log --format='\\''%h %s'\\'' -3'",
        "bash -lc 'mysql -u root -p'\\''$MYSQL_ROOT_PASSWORD'\\'' -e status'",
    ):
        rs.survives(text)


# --- credentials listed under their provider's name ----------------------------------------------

UPPER_DIGITS = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"


@given(SEEDS, st.sampled_from(["vultr", "Hetzner", "linode", "vercel", "zendesk:", "- cohere", "* snyk"]))
def test_a_value_listed_after_a_provider_name_goes(n: int, provider: str) -> None:
    rng = random.Random(n)
    first = rs.body(rng, 36, UPPER_DIGITS)
    second = rs.body(rng, 40)
    rs.goes(f"infra tokens\n{provider}    {first}\nnotes    see wiki", first)
    rs.goes(f"{provider}  {second} (agent@example.com/token)\n", second)


@given(SEEDS, st.sampled_from(["mistral (la plateforme)", "cohere prod", "deepgram"]))
def test_a_value_listed_before_a_provider_name_goes(n: int, provider: str) -> None:
    key = rs.body(random.Random(n), 32)
    rs.goes(f"Team keys:\n* {key} \u2014 {provider}\n* see the vault for the rest", key)
    rs.goes(f"- {key} - {provider}", key)


@given(SEEDS, st.sampled_from(["deepgram", "mistral", "cohere"]))
def test_a_value_in_a_provider_object_goes(n: int, provider: str) -> None:
    key = rs.body(random.Random(n), 40, HEX)
    rs.goes(f'{{"providers": [{{"name": "{provider}", "k": "{key}"}}]}}', key)
    rs.goes(f'{{"provider":"{provider}","value":"{key}","enabled":true}}', key)
    rs.goes(f"export const upstream = {{\n  name: '{provider}',\n  value: '{key}',\n}};", key)


def test_a_provider_name_with_words_or_ids_stays() -> None:
    for text in (
        "vercel deploy --prebuilt --prod",
        "snyk test --all-projects --severity-threshold=high",
        "mistral-large-latest answered in 2.1 s",
        "curl https://api.mistral.ai/v1/models",
        "zendesk: https://acme.zendesk.com/agent/tickets/4821",
        "vultr    region ewr, plan vc2-1c-1gb",
        "linode   g6-standard-2    us-east",
        'vercel   "production" alias points at acme-web-git-main-acme.vercel.app',
        '{"name": "cohere", "model": "command-r-plus-08-2024"}',
        "- cohere \u2014 embeddings for search",
        "build 4f3c2a1b9e8d7c6f5a4b3c2d1e0f9a8b7c6d5e4f \u2014 vercel preview",
    ):
        rs.survives(text)


# --- a YAML block list under a secret name -------------------------------------------------------


@given(SEEDS, st.sampled_from(["credentials", "api_keys", "secrets", "passwords"]))
def test_a_yaml_list_under_a_secret_name_loses_its_generated_items(n: int, name: str) -> None:
    rng = random.Random(n)
    first, second = rs.body(rng, 32), rs.body(rng, 24)
    text = f'sms:\n  {name}:\n    - {first}\n    - "{second}"\n  region: us-east-1\n'
    rs.goes(text, first)
    rs.goes(text, second)


def test_a_yaml_list_of_words_under_a_secret_name_stays() -> None:
    for text in (
        "secrets:\n  - db-password\n  - stripe-api-key\n",
        "credentials:\n  - name: registry\n    from: vault\n",
        "tokens:\n  - us-east-1\n  - eu-west-2\n",
    ):
        rs.survives(text)


# --- a credential piped into base64, and what base64 prints --------------------------------------


@given(SEEDS)
def test_a_credential_encoded_with_base64_goes_with_its_encoding(n: int) -> None:
    rng = random.Random(n)
    password = rs.body(rng, 10) + rng.choice("!#%@") + str(rng.randrange(10, 99))
    encoded = base64.b64encode(password.encode()).decode()
    text = f"$ echo -n '{password}' | base64\n{encoded}\n$ kubectl apply -f secret.yaml"
    rs.goes(text, password)
    rs.goes(text, encoded)
    with_newline = base64.b64encode(f"admin:{password}\n".encode()).decode()
    rs.goes(f'echo "admin:{password}" | base64 -w0\n{with_newline}', with_newline)


def test_words_encoded_or_decoded_with_base64_stay() -> None:
    for text in (
        "$ echo -n 'hello world' | base64\naGVsbG8gd29ybGQ=",
        'echo -n "$USER:$PASSWORD" | base64',
        "echo 'aGVsbG8gd29ybGQ=' | base64 -d\nhello world",
        "echo -n release-notes | base64",
    ):
        rs.survives(text)


# --- a URL's password holding the `#` and `?` that URLs reserve ----------------------------------


@given(SEEDS, st.sampled_from(["#", "?", "?#", "@", "#="]), st.sampled_from(["start", "middle", "end"]))
def test_a_url_password_with_reserved_characters_goes(n: int, marks: str, where: str) -> None:
    rng = random.Random(n)
    head, tail = rs.body(rng, 8), rs.body(rng, 6)
    password = {"start": marks + head + tail, "middle": head + marks + tail, "end": head + tail + marks}[
        where
    ]
    for url in (
        f"mysql://wp:{password}@127.0.0.1:3306/wordpress?charset=utf8mb4",
        f"ftp://backup:{password}@files.example.dev/backups/nightly/",
    ):
        rs.goes(url, password)


def test_a_port_before_a_query_or_fragment_stays() -> None:
    for text in (
        "open http://localhost:3000?email=dev@example.com to sign in",
        "http://host:8080#section@anchor",
        "https://user:@host/",
    ):
        rs.survives(text)


# --- a personal access token in a dotted setting -------------------------------------------------


@given(SEEDS, st.sampled_from(["azure-devops.pat", "gitea.pat", "ado_pat", "sourcegraph-pat"]))
def test_a_pat_setting_goes(n: int, name: str) -> None:
    token = rs.body(random.Random(n), 52, "abcdefghijklmnopqrstuvwxyz234567")
    rs.goes(f'{{"azure-devops.organization": "acme", "{name}": "{token}", "git.autofetch": true}}', token)


def test_words_ending_in_pat_stay() -> None:
    for text in (
        '{"compat": "es2020", "spat": "sparrow-hawk-99"}',
        '{"azure-devops.pat": "${env:ADO_PAT}"}',
        '{"path": "/usr/local/bin"}',
    ):
        rs.survives(text)


# --- Zendesk's `email/token:…` login ------------------------------------------------------------


@given(SEEDS, st.sampled_from(["carol@acme.io", "agent.two@support.example.com"]))
def test_a_zendesk_email_token_login_goes(n: int, email: str) -> None:
    token = rs.body(random.Random(n), 40)
    rs.goes(f"integrations:\n  zendesk: {email}/token:{token}\n", token)
    rs.goes(f"curl -u {email}/token:{token} https://acme.zendesk.com/api/v2/tickets.json", token)


def test_a_path_ending_in_token_stays() -> None:
    for text in ("GET /oauth/token:refresh", "see docs/token:42", "route /api/token:issue 200 OK"):
        rs.survives(text)


# --- the data of an object typed as a credential -------------------------------------------------


@given(SEEDS, st.sampled_from(["credential", "credentials", "secret"]), st.sampled_from(["data", "value"]))
def test_the_data_of_a_credential_object_goes(n: int, kind: str, member: str) -> None:
    secret = rs.body(random.Random(n), 48)
    rs.goes(f'{{"id": "7f3c", "type": "{kind}", "{member}": "{secret}", "created_at": "2026-12-15"}}', secret)


def test_the_data_of_other_objects_stays() -> None:
    for text in (
        '{"type": "credential", "data": "password-reset-flow"}',
        '{"type": "credential_request", "data": "c3f1a9e2b7d4"}',
        '{"type": "event", "data": "Xk29fLq8Rm4TzW7pNc3V"}',
    ):
        rs.survives(text)


# --- a provider's key id and its secret beside it ------------------------------------------------


@given(SEEDS)
def test_a_tencent_or_alibaba_secret_beside_its_key_id_goes(n: int) -> None:
    rng = random.Random(n)
    tencent_id, tencent_key = "AK" + "ID" + rs.body(rng, 32), rs.body(rng, 32)
    alibaba_id, alibaba_secret = "LT" + "AI" + rs.body(rng, 20), rs.body(rng, 30)
    text = f"shanghai\n{tencent_id}\n{tencent_key}\n{alibaba_id}\n{alibaba_secret}\n"
    for secret in (tencent_id, tencent_key, alibaba_id, alibaba_secret):
        rs.goes(text, secret)


def test_a_digest_beside_a_key_id_stays() -> None:
    from autopilot.plugins.redact.engine import redact_text

    key_id = "AK" + "ID" + "Xk29fLq8Rm4TzW7pNc3V" + "b6Yh1Ju5Kd0Ps9Qe"
    digest = "9e107d9d372bb6826bd81d3542a419d6"
    for form in rs.forms(f"{key_id}\nmd5 {digest}"):
        assert digest in redact_text(form), form
