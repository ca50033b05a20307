"""The built-in redactor on the kinds of secrets an eighth corpus, written blind to the rules as whole
agent sessions, found missed or wrongly redacted: lists under secret names, keys named in prose,
and the public blocks and ids around them."""

from __future__ import annotations

import base64
import json
import random
import sys
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from autopilot.plugins.redact.engine import redact_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

RNG = random.Random(8)


def _b64_key() -> str:
    """A 32-byte key in base64, as Vault prints its unseal keys."""
    return base64.b64encode(RNG.randbytes(32)).decode()


@given(
    name=st.sampled_from(["unseal_keys_b64", "recovery_keys_b64", "api_keys", "private_keys", "passwords"]),
    count=st.integers(min_value=1, max_value=4),
    layout=st.sampled_from(["json", "json_lines", "python", "yaml_flow"]),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_every_string_of_a_list_under_a_secret_name_goes(
    name: str, count: int, layout: str, seed: int
) -> None:
    """`"unseal_keys_b64": ["…", "…"]` loses each key, on one line or one per line, escaped or not."""
    rng = random.Random(seed)
    values = [rs.body(rng, 20) + base64.b64encode(rng.randbytes(12)).decode() for _ in range(count)]
    if layout == "json":
        text = json.dumps({name: values, "unseal_shares": 3})
    elif layout == "json_lines":
        text = json.dumps({name: values, "unseal_shares": 3}, indent=2)
    elif layout == "python":
        text = f"{name.upper()} = [" + ", ".join(repr(value) for value in values) + "]"
    else:
        text = f"{name}: [" + ", ".join(values) + "]\nshares: 3"
    for value in values:
        rs.goes(text, value)


def test_a_list_under_a_secret_name_keeps_what_is_no_credential() -> None:
    """A linter's options under a secret-named rule, an empty list, objects and `[]byte(…)` stay."""
    for text in (
        '"eslint": {"rules": {"no-secrets/no-secrets": ["error", {"tolerance": 4.2}]}}',
        '{"api_keys": [], "passwords": ["required", "min-length"]}',
        '{"api_keys": [{"id": "cd785e9b", "name": "otel-collector"}]}',
        '"keys": ["kid-2024-01", "kid-2024-02"]',
        'token := []byte(os.Getenv("TOKEN"))',
    ):
        rs.survives(text)


@pytest.mark.parametrize(
    "template",
    [
        "vault-1  | Unseal Key: {k}\nvault-1  | Root Token: hvs.x",
        "Unseal Key 1: {k}\nUnseal Key 2: {k2}",
        "Recovery Key 1: {k}",
        "unseal_key = '{k}'",
    ],
)
def test_the_keys_that_open_a_sealed_store_go(template: str) -> None:
    """Vault's unseal and recovery keys, as its banner and `operator init` print them, lose their value."""
    key, other = _b64_key(), _b64_key()
    text = template.format(k=key, k2=other)
    rs.goes(text, key)
    if "{k2}" in template:
        rs.goes(text, other)


@pytest.mark.parametrize(
    "sentence",
    [
        "Here are the keys for the new org: API key {h} and application key {g}. Site is eu.",
        "the license key {g} is for the build agents",
        "use access key {h} with it",
    ],
)
def test_a_key_named_in_prose_without_a_colon_goes(sentence: str) -> None:
    """`API key <value> and application key <value>` in chat loses both generated values."""
    hexes = "".join(RNG.choice(rs.HEX) for _ in range(32))
    other = rs.body(RNG, 40)
    text = sentence.format(h=hexes, g=other)
    for value in (hexes, other):
        if value in text:
            rs.goes(text, value)
    assert redact_text(text).endswith(text[-8:])  # the sentence after the value stays


def test_prose_about_keys_without_one_stays() -> None:
    """Sentences naming an API key before words, dates or short ids are left alone."""
    for text in (
        "the API key rotation happened on 2024-01-01 and the api key e2e-tests-for-the-thing works",
        "Use the license key ABCD-1234 for it, and the API key field stays empty.",
        "The public key 0x1234 and the private key file were both moved.",
    ):
        rs.survives(text)


def test_posthog_personal_keys_go_by_their_format() -> None:
    """PostHog's personal (`phx_`) and secure (`phs_`) keys go anywhere; its project key `phc_` stays."""
    for prefix in ("ph" + "x_", "ph" + "s_"):
        key = prefix + rs.body(RNG, 43)
        rs.goes(f"personal api key for posthog: {key} (read-only)", key)
        rs.goes(f"POSTHOG={key}", key)
    rs.survives("posthog.init('ph" + "c_" + rs.body(RNG, 43) + "')")


@pytest.mark.parametrize(
    "template",
    [
        "GET https://api.openweathermap.org/data/2.5/weather?q=Berlin&appid={h} -> 401",
        'curl "https://maps.example.com/api/geocode?key={v}&address=Berlin"',
        "https://api.example.com/v1/search?q=x&key={v}#results",
    ],
)
def test_query_parameters_that_providers_name_for_their_key_go(template: str) -> None:
    """OpenWeather's `appid=` and the `key=` of many APIs lose a generated value in a URL."""
    hexes = "".join(RNG.choice(rs.HEX) for _ in range(31)) + "7"
    value = rs.body(RNG, 32)
    text = template.format(h=hexes, v=value)
    rs.goes(text, hexes if "{h}" in template else value)


def test_query_keys_that_are_no_credential_stay() -> None:
    """A digest or a numeric app id under `appid`, and an object key that is a path, stay."""
    digest = "".join(RNG.choice(rs.HEX) for _ in range(64))
    rs.survives(f"https://cache.example.com/get?appid={digest}&x=1")
    rs.survives("https://api.example.com/get?appid=1234567890")
    rs.survives("https://s3.example.com/bucket?key=uploads/2024/report-final.png&x=1")


def test_a_base64_password_in_a_url_goes() -> None:
    """`https://KEY:SECRET@pkc-….confluent.cloud`: a secret with `/` and `+` pasted unencoded goes."""
    user = "".join(RNG.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
    secret = rs.body(RNG, 20) + "/" + rs.body(RNG, 20) + "+" + rs.body(RNG, 22)
    text = (
        f"the consumer still hits https://{user}:{secret}@pkc-abc12.eu-west-1.aws.confluent.cloud:443/kafka"
    )
    rs.goes(text, secret)
    rs.survives(
        "see http://registry.example.com:8080/v2/library/app@sha256 and https://github.com/a/b/blob/main/x.py"
    )


def test_a_public_key_block_keeps_its_body_and_a_private_one_loses_it() -> None:
    """An armoured public key without a blank line after its header stays; a private one goes."""
    lines = [base64.b64encode(RNG.randbytes(48)).decode() for _ in range(4)]
    public = (
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n" + "\n".join(lines) + "\n-----END PGP PUBLIC KEY BLOCK-----"
    )
    rs.survives(public)
    private = public.replace("PUBLIC", "PRIVATE")
    for line in lines:
        rs.goes(private, line)


def test_a_markdown_table_row_with_code_spans_loses_its_value() -> None:
    """`| \\`DATABASE_PASSWORD\\` | \\`…\\` |` in an agent's summary table loses the value, not the name."""
    value = rs.body(RNG, 14) + "%" + rs.body(RNG, 3)
    text = (
        "| Variable | Value |\n|---|---|\n| `DATABASE_HOST` | `staging-db.internal` |\n"
        f"| `DATABASE_PASSWORD` | `{value}` |\n| `LOG_LEVEL` | `debug` |"
    )
    rs.goes(text, value)
    for form in rs.forms(text):
        out = redact_text(form)
        assert "DATABASE_PASSWORD" in out and "staging-db.internal" in out and "debug" in out


def test_a_cookie_list_escaped_in_an_agent_log_loses_its_values() -> None:
    """Playwright's storageState.json (`{"name": "sessionid", "value": "…"}`) loses the session."""
    session = rs.body(RNG, 32)
    text = json.dumps(
        {
            "cookies": [
                {"name": "sessionid", "value": session, "domain": "staging.example.com", "path": "/"},
                {"name": "theme", "value": "dark", "domain": "staging.example.com", "path": "/"},
            ],
            "origins": [],
        },
        indent=2,
    )
    rs.goes(text, session)
    for form in rs.forms(text):
        assert "dark" in redact_text(form)


@pytest.mark.parametrize(
    "template",
    [
        "Boot - effective config: {{env=prod, db.user=payments, db.password={v}, http.timeout=30s}}",
        "spring.datasource.password={v}\nspring.datasource.username=app",
    ],
)
def test_letters_drawn_at_random_after_a_dotted_name_go(template: str) -> None:
    """A settings dump (`{…, db.password=…, …}`) or a properties file loses a password of letters alone."""
    value = "".join(RNG.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(17))
    rs.goes(template.format(v=value), value)


def test_names_assigned_in_code_after_a_dot_stay() -> None:
    """`client.password=userPassword`, `f(api_key=settingsValue)`: code handing a secret on stays."""
    rs.survives("client.password=userPassword\nf(api_key=settingsValue, token=accessToken)")
    rs.survives('PASSWORD_HASHERS = [\n    "django.contrib.auth.hashers.Argon2PasswordHasher",\n]')


def test_a_secret_column_of_a_table_aligned_with_blanks_loses_its_cells() -> None:
    """`influx auth create` prints `ID  Description  Token  User Name …`: each row's token goes."""
    tokens = [rs.body(RNG, 40, rs.URLSAFE) + "==" for _ in range(2)]
    header = f"{'ID':<24}{'Description':<16}{'Token':<96}{'User Name':<16}{'User ID':<24}Permissions"
    rows = [
        f"{'0c1f6623d72a2e00' + str(i):<24}{'':<16}{token:<96}{'admin':<16}{'0c1f4d3122eb3e0':<24}[read]"
        for i, token in enumerate(tokens)
    ]
    text = "$ influx auth create --org acme --all-access\n" + "\n".join([header, *rows])
    for token in tokens:
        rs.goes(text, token)
    for form in rs.forms(text):
        assert "0c1f4d3122eb3e0" in redact_text(form)


def test_tables_aligned_with_blanks_without_a_credential_stay() -> None:
    """A secret-named column holding a mask or a date, and tables naming no secret, stay."""
    rs.survives("NAME        TOKEN                 EXPIRES\nrunner-1    masked                2024-01-01")
    rs.survives("NAME      TYPE      DATA   AGE\napi-token Opaque    3      5d")


@given(seed=st.integers(min_value=0, max_value=2**32))
@example(seed=14942)  # a key holding `XXxX`, once taken for an `xxxx` placeholder
def test_a_base64_key_that_starts_with_a_slash_is_no_path(seed: int) -> None:
    """One key in 64 starts with `/` in base64 (`Unseal Key: /wA8…=`): it goes as any other."""
    rng = random.Random(seed)
    key = "/" + base64.b64encode(bytes([rng.randrange(0, 4)]) + rng.randbytes(31)).decode()[1:]
    if not (
        any(c.isdigit() for c in key) and any(c.isupper() for c in key) and any(c.islower() for c in key)
    ):
        return
    rs.goes(f"vault-1  | Unseal Key: {key}\nvault-1  | Root Token: hvs.x", key)
    rs.survives("cache: /usr/local/lib/Python3/site+packages\nlog: /var/log/App2024/out+err")


def test_a_secret_names_own_object_loses_its_computed_value() -> None:
    """`doppler secrets --json` (`{"DB_PASSWORD": {"computed": "…", "raw": "…"}}`) loses the values."""
    password = rs.body(RNG, 15) + "#" + rs.body(RNG, 3)
    key = "re_" + rs.body(RNG, 36)
    text = json.dumps(
        {
            "DATABASE_PASSWORD": {"computed": password, "note": "", "raw": password},
            "DOPPLER_ENVIRONMENT": {"computed": "stg", "note": ""},
            "RESEND_API_KEY": {"computed": key, "note": "transactional mail"},
        },
        indent=2,
    )
    rs.goes(text, password)
    rs.goes(text, key)
    for form in rs.forms(text):
        assert '"stg' in redact_text(form).replace("\\", "")


def test_a_json_api_resource_of_keys_loses_its_key() -> None:
    """Datadog's `{"type": "api_keys", "attributes": {"key": "…", "last4": …}}` loses the key, escaped too."""
    key = "".join(RNG.choice(rs.HEX) for _ in range(31)) + "a"
    body = {"created_at": "2026-01-25T10:45:23Z", "key": key, "last4": key[-4:], "name": "otel"}
    rs.goes(json.dumps({"data": {"type": "api_keys", "attributes": body, "id": "cd785e9b"}}), key)
    article = {"data": {"type": "articles", "attributes": {"key": key, "title": "x"}}}
    rs.survives(json.dumps(article))
