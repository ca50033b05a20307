"""The built-in redactor on the families the ninth and tenth corpora's dev splits still missed, and on
the false positives of the other corpora that were a family: passwords holding a dot or `=`, a
network device's shared keys and enable passwords, Wi-Fi join calls, Azure's primary keys, session
cookies in dicts, URLs with JSON-escaped slashes, Node's bare REPL prompt, coloured IPython output in
an agent's log; and placeholders typed in sequence or after a token's prefix, `env(NAME)`, GitHub
Actions variables, unsigned JWTs. Each secret goes in plain text and JSON-escaped (once and twice:
`redact_strategies.goes`), each near look-alike stays."""

from __future__ import annotations

import base64
import json
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


# --- network devices -------------------------------------------------------------------------------

_AAA = [
    "radius server NPS01\n address ipv4 10.10.1.30 auth-port 1812 acct-port 1813\n key {pw}\n",
    "tacacs server ISE\n address ipv4 10.10.1.20\n timeout 5\n key {pw}\n",
    "aaa-server ISE protocol radius\naaa-server ISE (inside) host 10.1.1.9\n key {pw}\n",
    "radius-server host 10.1.1.5 auth-port 1645 acct-port 1646 key {pw}\n",
    "tacacs-server key {pw}\n",
]


@given(template=st.sampled_from(_AAA), seed=_SEEDS)
def test_a_radius_or_tacacs_servers_shared_key_goes(template: str, seed: int) -> None:
    """The `key` of a RADIUS or TACACS+ server (IOS, NX-OS, ASA blocks; the global commands) goes."""
    password = _password(random.Random(seed))
    goes(template.format(pw=password), password)


def test_other_keys_of_a_devices_configuration_stay() -> None:
    survives("interface Gi0/1\n description uplink\n key chain OSPF-KEYS\n")
    survives("radius server NPS01\n address ipv4 10.10.1.30\n key 6 encrypted-by-the-master-key\n")
    survives("crypto key generate rsa modulus 2048\n")


@given(seed=_SEEDS, layout=st.sampled_from(["global", "group"]))
def test_oxidizeds_enable_password_goes(seed: int, layout: str) -> None:
    """Oxidized's `vars: enable:`, the password of a device's privileged mode (its configuration's, a
    group's or a model's vars)."""
    password = _password(random.Random(seed))
    text = {
        "global": f"username: oxidized\nmodel: ios\nvars:\n  enable: {password}\ninput:\n  default: ssh\n",
        "group": f"groups:\n  ios:\n    vars:\n      enable: {password}\n      remove_secret: true\n",
    }[layout]
    goes(text, password)


def test_enable_settings_stay() -> None:
    """`enable:` under another block, or Oxidized's `enable: true` (no password), stays."""
    survives("vars:\n  enable: true\n")
    survives("- hosts: routers\n  vars:\n    enable: yes\n")
    survives("linters:\n  enable:\n    - errcheck\n    - gosec\n")
    survives("features:\n  enable: Metrics2Export\n")


@given(seed=_SEEDS, braces=st.booleans())
def test_rancids_cloginrc_passwords_go(seed: int, braces: bool) -> None:
    """RANCID's `.cloginrc`: `add password GLOB {vty} {enable}` and `add enablepassword GLOB {…}`."""
    rng = random.Random(seed)
    vty, enable = _password(rng), _password(rng)
    wrap = (lambda pw: "{" + pw + "}") if braces else (lambda pw: pw)
    text = f"add user * rancid\nadd password core-* {wrap(vty)} {wrap(enable)}\nadd method * ssh\n"
    goes(text, vty)
    goes(text, enable)
    goes(f"add enablepassword sw-* {wrap(enable)}\n", enable)


def test_adding_files_named_password_stays() -> None:
    survives("$ git add password.py api.py v2_helpers.py\n")


# --- Wi-Fi join calls -------------------------------------------------------------------------------

_WIFI = [
    '  WiFi.begin("Home-IoT", "{pw}");\n',
    '  WiFi.softAP("esp-setup", "{pw}");\n',
    '  wifiMulti.addAP("Office", "{pw}");\n',
    "wlan.connect('Home', '{pw}')\n",
    'wifi.radio.connect("Home", "{pw}")\n',
]


@given(template=st.sampled_from(_WIFI), seed=_SEEDS, words=st.booleans())
def test_a_wifi_passphrase_given_to_a_join_call_goes(template: str, seed: int, words: bool) -> None:
    """The passphrase after the network's name (Arduino and ESP cores, MicroPython, CircuitPython),
    whatever it looks like."""
    rng = random.Random(seed)
    passphrase = " ".join(rng.choice(["amber", "falcon", "river", "copper", "meadow"]) for _ in range(3))
    password = passphrase if words else _password(rng)
    goes(template.format(pw=password), password)


def test_other_begin_and_connect_calls_stay() -> None:
    survives('  WiFi.begin(ssid, pass);\n  Serial.begin(115200);\n  tx.begin("orders", "read-committed");\n')


# --- Azure's primary keys ---------------------------------------------------------------------------


def _azure_key(rng: random.Random) -> str:
    return base64.b64encode(rng.randbytes(32)).decode()


@given(
    seed=_SEEDS,
    template=st.sampled_from(
        [
            '{{"keyName": "RootManageSharedAccessKey", "primaryKey": "{k}", "secondaryKey": "{k2}"}}',
            '"authentication": {{\n  "symmetricKey": {{\n    "primaryKey": "{k}",\n'
            '    "secondaryKey": "{k2}"\n  }}\n}}',
            "symmetricKey:\n  primaryKey: {k}\n  secondaryKey: {k2}\n",
            "$ az iot hub device-identity create -n hub -d pump-14 --primary-key {k} --secondary-key {k2}\n",
            "IOTHUB_DEVICE_PRIMARY_KEY={k}\n",
        ]
    ),
)
def test_an_azure_primary_key_goes(seed: int, template: str) -> None:
    """Azure's `primaryKey` (IoT Hub, Event Hubs, Service Bus), a key where a primary key elsewhere
    indexes data."""
    rng = random.Random(seed)
    key, other = _azure_key(rng), _azure_key(rng)
    goes(template.format(k=key, k2=other), key)


def test_a_tables_primary_key_stays() -> None:
    survives('{"primaryKey": "id", "primary_key": "V1StGXR8_Z5jdHi6B-myT", "sortKey": "createdAt"}')
    survives("  t.primary_key = :account_id\nprimary_key: [tenant_id, id]\n")


# --- session cookies in dicts and JSON ---------------------------------------------------------------


@given(
    seed=_SEEDS,
    name=st.sampled_from(["_gitlab_session", "laravel_session", "ci_session", "_shop_session"]),
    quote=st.sampled_from(['"', "'"]),
)
def test_a_frameworks_session_cookie_in_a_dict_goes(seed: int, name: str, quote: str) -> None:
    """`{"_gitlab_session": "…"}`, `cookies={'laravel_session': '…'}`: the cookie's value goes."""
    value = rs.body(random.Random(seed), 32)
    goes(
        f"cookies = {{{quote}{name}{quote}: {quote}{value}{quote}, {quote}theme{quote}: {quote}dark{quote}}}",
        value,
    )


def test_other_session_keys_stay() -> None:
    survives('{"session_id": "5d9ad4d9-6c4e-4a8e-9c1e-1a2b3c4d5e6f", "user_session": {"id": 4}}')
    survives('{"chat_session": "active", "parent_session": "5d9ad4d9-6c4e-4a8e-9c1e-1a2b3c4d5e6f"}')


# --- URLs whose slashes are JSON-escaped --------------------------------------------------------------


@given(seed=_SEEDS)
def test_a_urls_password_goes_with_escaped_slashes(seed: int) -> None:
    r"""`https:\/\/user:…@host` (PHP's `json_encode`) loses its password, as `https://` does."""
    password = rs.body(random.Random(seed), 16)
    goes('{"remote":"https:\\/\\/deploy:' + password + '@git.example.com\\/acme\\/api.git"}', password)


def test_urls_with_escaped_slashes_and_no_password_stay() -> None:
    survives('{"remote":"https:\\/\\/git.example.com:8443\\/acme\\/api.git","mail":"ops@example.com"}')


# --- interactive shells ---------------------------------------------------------------------------


@given(
    seed=_SEEDS, expression=st.sampled_from(["cfg.stripe.secretKey", "db.password", "process.env.API_TOKEN"])
)
def test_nodes_bare_prompt_evaluating_a_secret_name_loses_the_value(seed: int, expression: str) -> None:
    """Node's REPL prompt (`> ` alone) evaluating a secret-named expression: the string printed."""
    secret = rs.body(random.Random(seed), 24)
    goes(
        "Welcome to Node.js v20.11.1.\n> const cfg = require('./config')\nundefined\n"
        f"> {expression}\n'{secret}'\n",
        secret,
    )


def test_nodes_prompt_evaluating_other_things_stays() -> None:
    survives("> cfg.port\n3000\n> cfg.host\n'db.internal'\n")
    survives("$ cat notes.md\n> Remember the api key rotation\n'documentation'\n")


@given(seed=_SEEDS)
def test_coloured_ipython_output_goes_in_an_agents_log(seed: int) -> None:
    """IPython's coloured `Out[4]:` after a secret-named expression, also inside a Codex rollout's
    output (JSON-escaped twice)."""
    secret = rs.body(random.Random(seed), 40, rs.ALNUM + "+")
    text = (
        "\x1b[32mIn [\x1b[1;32m4\x1b[0;32m]:\x1b[0m creds.secret_key\n"
        f"\x1b[31mOut[\x1b[1;31m4\x1b[0;31m]:\x1b[0m '{secret}'\n"
    )
    goes(text, secret)
    rollout = json.dumps({"type": "function_call_output", "output": json.dumps({"output": text})})
    assert secret not in redact_text(rollout)


# --- placeholders, references and public values -------------------------------------------------------


def test_values_typed_in_sequence_stay() -> None:
    """`s.ABCDEFGHIJKLMNOPQRSTUVWX` in `vault login`'s help, `abcdef0123456789`: typed for a document."""
    survives(
        "  If a token is provided, it is used to authenticate:\n\n"
        "      $ vault login s.ABCDEFGHIJKLMNOPQRSTUVWX\n"
    )
    survives("API_KEY=abcdef0123456789\n")


@given(seed=_SEEDS)
def test_a_generated_value_after_the_same_command_goes(seed: int) -> None:
    token = "s." + rs.body(random.Random(seed), 24)
    goes(f"$ vault login {token}\n", token)


def test_a_tokens_prefix_and_a_placeholder_word_stay() -> None:
    survives(
        '    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")\n'
        '    monkeypatch.setenv("SLACK_TOKEN", "xoxb-fake")\n'
    )


@given(seed=_SEEDS)
def test_a_tokens_prefix_and_a_generated_body_go(seed: int) -> None:
    secret = rs.body(random.Random(seed), 32)
    goes(f'    monkeypatch.setenv("OPENAI_API_KEY", "sk-{secret}")\n', secret)


def test_an_environment_variables_reference_stays() -> None:
    """Supabase's `env(NAME)` (and Laravel's `env('NAME')`) reads the secret from the environment."""
    survives('[auth.external.google]\nclient_id = "env(GOOGLE_CLIENT_ID)"\nsecret = "env(GOOGLE_SECRET)"\n')
    survives("'password' => env('DB_PASSWORD'),\n")


def test_a_github_actions_variable_stays_and_a_secret_goes() -> None:
    survives("gh variable set NEXT_PUBLIC_APP_URL --body https://acme.io\n")
    secret = rs.body(random.Random(3), 32)
    goes(f"gh secret set API_TOKEN --body {secret}\n", secret)


def _jwt(header: dict[str, str], signature: bytes) -> str:
    def part(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    claims = {"sub": "user-" + str(random.Random(5).randrange(1000)), "name": "Test User", "iat": 1700000000}
    return part(json.dumps(header).encode()) + "." + part(json.dumps(claims).encode()) + "." + part(signature)


def test_an_unsigned_jwt_stays_and_a_signed_one_goes() -> None:
    """A JWT with `"alg": "none"` and no signature grants nothing: anybody can make one."""
    survives(json.dumps({"example": _jwt({"alg": "none", "typ": "JWT"}, b""), "expected_status": 401}))
    signed = _jwt({"alg": "HS256", "typ": "JWT"}, random.Random(7).randbytes(32))
    goes(json.dumps({"example": signed}), signed)
    forged = _jwt({"alg": "none", "typ": "JWT"}, random.Random(8).randbytes(32))
    goes(json.dumps({"token": forged}), forged)
