"""The built-in redactor on the families the eleventh corpus (source, build and infrastructure code)
and the sixth (encodings, tables, debug output) still missed in their holdout splits, and on the false
positives of the eleventh that were a family: Google's refresh tokens and Firebase's legacy server
keys by their format, secret lists given to a call, Jenkins' credentials and a password starting with `-`
given to sbt's, a key of key size written as its bytes, a URL's user information given apart, a lone key
in other languages, a `<value>` child of a secret element, a backslash escaped in a C string; and
Statsig's client keys, Application Insights' instrumentation key and Ansible's lookups, which stay.
Each secret goes in plain text and JSON-escaped (once and twice: `redact_strategies.goes`), each near
look-alike stays."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs
from redact_strategies import goes, survives

_SEEDS = st.integers(min_value=0, max_value=2**32)
_PUNCT = "!#%*+_~"


def _password(rng: random.Random, n: int = 14) -> str:
    """A generated password: letters of both cases, digits and a symbol."""
    return rs.body(rng, n - 1) + rng.choice(_PUNCT)


def _uuid(rng: random.Random) -> str:
    return "-".join(rs.body(rng, n, rs.HEX) for n in (8, 4, 4, 4, 12))


# --- token formats: Google's refresh tokens, Firebase Cloud Messaging's legacy server keys ---------

_GOOGLE_TOKENS = [
    'expect(OAuthMock, :refresh, fn "{t}" ->',  # Elixir
    '{{"access_token": "ya29.redacted", "refresh_token": "{t}", "scope": "openid"}}',
    "gcloud auth print-refresh-token\n{t}\n",
    "--header 'X-Goog-Refresh: {t}'",
]


@given(template=st.sampled_from(_GOOGLE_TOKENS), seed=_SEEDS)
def test_a_google_refresh_token_goes_by_its_format(template: str, seed: int) -> None:
    rng = random.Random(seed)
    token = "1//0" + rng.choice(rs.ALNUM) + rs.body(rng, rng.randint(60, 100), rs.URLSAFE)
    goes(template.format(t=token), token[4:])


_FCM = [
    "Hardcoded string 'key={k}' detected. [StringLiteralDuplication]",  # detekt
    'headers = {{"Authorization": "key={k}"}}',
    "FCM_SERVER_KEY_BACKUP <- {k}",
    "<string>{k}</string>",
]


@given(template=st.sampled_from(_FCM), seed=_SEEDS)
def test_a_firebase_legacy_server_key_goes_by_its_format(template: str, seed: int) -> None:
    rng = random.Random(seed)
    key = "AAAA" + rs.body(rng, 7, rs.URLSAFE) + ":APA91b" + rs.body(rng, 134, rs.URLSAFE)
    goes(template.format(k=key), key[12:])


@given(seed=_SEEDS)
def test_look_alikes_of_those_formats_stay(seed: int) -> None:
    rng = random.Random(seed)
    survives(f"see https://cdn.example.org/a1//0{rs.body(rng, 12)} and 1//0{rs.body(rng, 20)}\n")
    survives("registration id prefix :APA91b (legacy), 1//0 (refresh)\n")


# --- publishable keys and client-side keys ------------------------------------------------------


@given(seed=_SEEDS)
def test_a_statsig_client_key_stays_and_its_server_secret_goes(seed: int) -> None:
    rng = random.Random(seed)
    client = "client-" + rs.body(rng, 43)
    survives(f'    static let statsigClientKey = "{client}"\n')
    survives(f"STATSIG_CLIENT_KEY={client}\n")
    server = "secret-" + rs.body(rng, 43)
    goes(f'    static let statsigServerKey = "{server}"\n', server[7:])


@given(block=st.sampled_from(["ApplicationInsights", "Application", "AppTelemetry"]), seed=_SEEDS)
def test_an_instrumentation_key_in_a_block_stays(block: str, seed: int) -> None:
    rng = random.Random(seed)
    survives(
        f'  "{block}": {{ "ConnectionString": "InstrumentationKey={_uuid(rng)};'
        'IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/" }\n'
    )


# --- code: lists given to a call, credentials objects, keys as bytes ------------------------------

_LIST_CALLS = [
    "app->secrets(['{a}', '{b}']);",  # Mojolicious
    'app.set_secrets(["{a}", "{b}"])',
    "$app->secrets( [ '{a}' ] );",
]


@given(template=st.sampled_from(_LIST_CALLS), seed=_SEEDS)
def test_a_list_given_to_a_function_named_for_secrets_goes(template: str, seed: int) -> None:
    rng = random.Random(seed)
    a, b = rs.body(rng, 40), rs.body(rng, 40)
    text = template.format(a=a, b=b)
    goes(text, a)
    if b in text:
        goes(text, b)


def test_a_list_of_secret_names_given_to_a_call_stays() -> None:
    survives('list_secrets(["db/prod/password", "api-key"])\n')
    survives("app->secrets(['changeme']);\n")


_CREDENTIAL_OBJECTS = [
    'c = new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "nexus", "Nexus", "ci", "{p}")',
    "store.addCredentials(d, new UsernamePasswordCredentialsImpl(\n"
    '    CredentialsScope.GLOBAL, "npm", "", "b", "{p}"))',
    'credentials += Credentials("Sonatype Nexus Repository Manager", "nexus.example.org", "ci", "-{p}")',
    'credentials += Credentials("Artifactory Realm", "repo.example.org", "deployer", "-{p}")',
]


@given(template=st.sampled_from(_CREDENTIAL_OBJECTS), seed=_SEEDS)
def test_a_password_given_to_a_credentials_object_goes(template: str, seed: int) -> None:
    rng = random.Random(seed)
    password = _password(rng, 16)
    goes(template.format(p=password), password)


def _bytes(rng: random.Random, n: int) -> str:
    return ", ".join(f"0x{rng.randrange(256):02x}" for _ in range(n))


_KEY_BYTES = [
    "static const uint8_t kConfigKey[{n}] = {{\n    {a}\n}};",  # C
    "var fileKey = []byte{{{a}}}",  # Go
    "private static readonly byte[] MessageKey = new byte[] {{ {a} }};",  # C#
]


@given(template=st.sampled_from(_KEY_BYTES), size=st.sampled_from([16, 32]), seed=_SEEDS)
def test_a_key_of_key_size_written_as_bytes_goes_whatever_it_encrypts(
    template: str, size: int, seed: int
) -> None:
    rng = random.Random(seed)
    array = _bytes(rng, size)
    while len(set(array.split(", "))) < 4:
        array = _bytes(rng, size)
    text = template.format(n=size, a=array)
    for form in rs.forms(text):
        from autopilot.plugins.redact.engine import redact_text

        out = redact_text(form)
        elements = array.split(", ")
        assert not any(", ".join(elements[i : i + 4]) in out for i in range(len(elements) - 3)), out


def test_arrays_that_are_no_key_stay() -> None:
    survives("static const int kConfigKey[5] = {1, 2, 3, 4, 5};\n")
    survives(
        "static const uint8_t kRowKey[10] = {0x7a, 0x64, 0x38, 0x45, 0x68, 0x30, 0x46, 0x42, 0x59, 0x57};\n"
    )


# --- configuration: a URL's user information apart, a login's short fields ------------------------

_USER_INFO = [
    "basic.auth.user.info={u}:{s}",  # Confluent's clients
    "schema.registry.basic.auth.user.info={u}:{s}",
    '  "schema.registry.basic.auth.user.info": "{u}:{s}",',
    "value.converter.basic.auth.user.info = {u}:{s}",  # Kafka Connect
]


@given(template=st.sampled_from(_USER_INFO), seed=_SEEDS)
def test_the_password_of_a_user_info_setting_goes(template: str, seed: int) -> None:
    rng = random.Random(seed)
    user = rs.body(rng, 16, string_upper_digits())
    secret = rs.body(rng, 64, rs.B64)
    goes(template.format(u=user, s=secret), secret)


def string_upper_digits() -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def test_user_info_settings_without_a_password_stay() -> None:
    survives("basic.auth.credentials.source=USER_INFO\n")
    survives("basic.auth.user.info=${SR_KEY}:${SR_SECRET}\n")
    survives('  schema.registry.basic.auth.user.info: "{{ sr_key }}:{{ sr_secret }}"\n')


# --- other languages: a lone key ----------------------------------------------------------------


@given(
    word=st.sampled_from(["sleutel", "Schlüssel", "klucz", "nyckel", "avain", "nøkkel"]),
    hexadecimal=st.booleans(),
    seed=_SEEDS,
)
def test_a_lone_key_in_another_language_goes_as_a_lone_key_does(
    word: str, hexadecimal: bool, seed: int
) -> None:
    rng = random.Random(seed)
    value = rs.body(rng, 40, rs.HEX) if hexadecimal else rs.body(rng, 24)
    goes(f"[verbinding]\ngebruiker = ci-bot\n{word} = {value}\n", value)


def test_a_lone_key_of_words_in_another_language_stays() -> None:
    survives("sleutel = primaire\n")
    survives('"sleutel": "user_id"\n')


# --- markup and strings: a `<value>` child, an escaped backslash ------------------------------------


@given(comment=st.booleans(), seed=_SEEDS)
def test_the_value_child_of_a_secret_element_goes(comment: bool, seed: int) -> None:
    rng = random.Random(seed)
    key = rs.body(rng, 86, rs.B64) + "=="
    note = "\n        <!-- Warning: the key below is in an unencrypted form. -->" if comment else ""
    text = (
        '      <masterKey p4:requiresEncryption="true" xmlns:p4="http://schemas.asp.net/2015/03/dataProtection">'
        f"{note}\n        <value>{key}</value>\n      </masterKey>\n"
    )
    goes(text, key)


@given(seed=_SEEDS)
def test_the_value_child_of_another_element_stays(seed: int) -> None:
    rng = random.Random(seed)
    survives(f'<setting name="cache">\n  <value>{rs.body(rng, 40)}</value>\n</setting>\n')


@given(seed=_SEEDS)
def test_a_password_holding_an_escaped_backslash_goes_whole(seed: int) -> None:
    rng = random.Random(seed)
    head, tail = rs.body(rng, 6), str(rng.randrange(10)) + rs.body(rng, 11)  # (not `\\n`: a line break)
    text = f'static const char *db_conn = "host=localhost dbname=app user=app password={head}\\\\{tail}";\n'
    goes(text, tail)


# --- Ansible's lookups ------------------------------------------------------------------------------

_LOOKUPS = [
    "    db_password: \"{{{{ lookup('amazon.aws.aws_secret', '{p}') }}}}\"",
    "    api_token: \"{{{{ query('community.hashi_vault.vault_kv2_get', '{p}') }}}}\"",
    "    secret_key: \"{{{{ q('aws_ssm', '/{p}') }}}}\"",
]


@given(template=st.sampled_from(_LOOKUPS), seed=_SEEDS)
def test_the_path_given_to_a_secret_lookup_stays(template: str, seed: int) -> None:
    rng = random.Random(seed)
    path = "/".join(rng.choice(["orders", "billing", "prod", "db", "app", "stage"]) for _ in range(3))
    survives(template.format(p=path) + "\n  no_log: true\n")
