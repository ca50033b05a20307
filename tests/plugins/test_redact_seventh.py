"""The built-in redactor on the kinds a seventh corpus, written blind to the rules and pointed at the
mainstream of today's agent work, found missed or changed without a secret: keys named by the block
that holds them, API answers that create a token, SDK clients, URL parameters and passwords, key
listings and Supabase's secret keys; and Firebase's app config, placeholders in a Secret, CI
keywords, templates, public keys in DER and base64 blobs that only look like names."""

from __future__ import annotations

import base64
import json
import random
import string
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.plugins.redact_strategies import B64, URLSAFE, body, goes, survives

from autopilot.plugins.redact.engine import redact_text

RNG = random.Random(7)


def _secret() -> str:
    """A generated credential: letters and digits, with a dash in it."""
    return body(RNG, 22) + "-" + body(RNG, 10)


def _google_key() -> str:
    return "AI" + "za" + "Sy" + body(RNG, 33, URLSAFE)


_CAUGHT = [
    # a generic member name qualified by the object, block or section that holds it
    '{{\n  "Jwt": {{ "Issuer": "https://api.acme.io", "Key": "{v}" }},\n  "Logging": {{}}\n}}',
    '"JwtSettings": {{\n    "Issuer": "acme",\n    "Key": "{v}"\n  }}',
    "active_record_encryption:\n  primary_key: {v}\n  key_derivation_salt: x",
    "exporters:\n  datadog:\n    api:\n      site: datadoghq.eu\n      key: {v}",
    '[signing]\nissuer = "acme"\nkey = "{v}"',
    "const config = {{ stripe: {{ key: '{v}' }} }};",
    # the token an API returns when it creates one (Cloudflare's v4 envelope)
    '{{\n  "result": {{\n    "id": "{h}",\n    "name": "ci",\n    "policies": [{{"effect": "allow"}}],\n'
    '    "value": "{v}"\n  }},\n  "success": true\n}}',
    # SDK clients given a credential that has no format of its own (a Postmark token is a UUID)
    'const client = new postmark.ServerClient("{u}");',
    'client = PostmarkClient("{u}")',
    # a URL's `key` parameter, and a password holding a raw `#`
    "https://rest.ably.io/channels/orders/messages?key=appid.keyid:{v}",
    "https://api.example.org/v1/items?format=json&key={v}",
    "postgresql://postgres.abcdefghijk:{p}@aws-0-us-east-1.pooler.supabase.com:6543/postgres",
    # base64 that starts with a slash is no path (an Azure storage key, one in 64 of them)
    "$ az storage account keys list -g rg -n st -o table\nKeyName    Permissions    Value\n"
    "key1       FULL           /{b}",
    # Supabase's secret API keys, by their format
    "SUPABASE_SERVICE_ROLE_KEY={sb}\n... [truncated 214 lines]",
    "use {sb} on the server only",
]


@pytest.mark.parametrize("template", _CAUGHT)
def test_kinds_found_by_the_seventh_corpus_never_survive(template: str) -> None:
    """Nested keys, created tokens, SDK clients, URL keys and passwords, key listings and Supabase's
    secret keys lose their secret, as printed and JSON-escaped once or twice."""
    fills = {
        "v": _secret(),
        "h": "".join(RNG.choice("0123456789abcdef") for _ in range(32)),
        "u": str(uuid.UUID(int=RNG.getrandbits(128))),
        "p": body(RNG, 10) + "#" + body(RNG, 9),
        "b": body(RNG, 60, B64) + "==",
        "sb": "sb_" + "secret_" + body(RNG, 31, URLSAFE),
    }
    text = template.format(**fills)
    secret = next(fills[key] for key in ("sb", "b", "p", "u", "v") if "{" + key + "}" in template)
    goes(text, secret)


@given(
    st.sampled_from(["jwt", "Jwt", "api", "signing", "JwtSettings", "active_record_encryption", "stripe"]),
    st.sampled_from(["key", "Key", "primary_key", "secondaryKey"]),
    st.sampled_from(["json", "yaml", "toml", "js"]),
    st.integers(min_value=0, max_value=2**32),
)
def test_a_key_named_by_its_block_goes_in_any_syntax(parent: str, child: str, syntax: str, seed: int) -> None:
    """A generically named key holds a secret when the block around it names one, in JSON, YAML,
    TOML and JavaScript."""
    value = body(random.Random(seed), 32, URLSAFE)
    text = {
        "json": f'{{\n  "{parent}": {{\n    "issuer": "acme",\n    "{child}": "{value}"\n  }}\n}}',
        "yaml": f"{parent}:\n  issuer: acme\n  {child}: {value}\n",
        "toml": f'[{parent}]\nissuer = "acme"\n{child} = "{value}"\n',
        "js": f'export default {{ {parent}: {{ issuer: "acme", {child}: "{value}" }} }};',
    }[syntax]
    goes(text, value)


@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=1, max_value=11), st.booleans())
def test_a_url_password_holding_a_hash_goes(seed: int, where: int, twice: bool) -> None:
    """A URL's password keeps going when it holds a raw ``#``, which URLs reserve for a fragment."""
    password = body(random.Random(seed), 12)
    password = password[:where] + "#" + password[where:]
    if twice:
        password += "#x"
    goes(f"curl -s https://admin:{password}@grafana.example.internal/api/health", password)


_LEFT_ALONE = [
    # Firebase's app config: its API key is public by design (its documentation says so)
    'const firebaseConfig = {{\n  apiKey: "{g}",\n  authDomain: "acme-web.firebaseapp.com",\n'
    '  projectId: "acme-web",\n  messagingSenderId: "123456789012",\n}};',
    '{{\n  "apiKey": "{g}",\n  "authDomain": "acme-web.firebaseapp.com",\n  "projectId": "acme-web"\n}}',
    '{{ "client_info": {{ "mobilesdk_app_id": "1:1234:android:ab12" }},\n'
    '  "api_key": [ {{ "current_key": "{g}" }} ] }}',
    "NEXT_PUBLIC_FIREBASE_API_KEY={g}\nNEXT_PUBLIC_FIREBASE_PROJECT_ID=acme-web",
    "VITE_FIREBASE_API_KEY={g}",
    "<key>API_KEY</key>\n<string>{g}</string>\n<key>GCM_SENDER_ID</key>\n<string>1234</string>",
    # a Secret whose values are all placeholders
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-env\ntype: Opaque\nstringData:\n"
    '  OPENAI_API_KEY: "<your-openai-key>"\n  DATABASE_URL: "postgres://user:password@host:5432/db"\n',
    # GitHub Actions passing every secret on to a reusable workflow
    "jobs:\n  deploy:\n    uses: acme/.github/.github/workflows/deploy.yml@main\n    secrets: inherit\n"
    "    with:\n      environment: production\n",
    # a template's expression where a URL's password will be
    "REDIS_URL=redis://default:{{{{ .Values.redis.password }}}}@redis-master:6379/0",
    "DB_URL=postgres://app:{{{{ db_password }}}}@db:5432/app",
    "DB_URL=postgres://app:${{{{ secrets.DB_PASSWORD }}}}@db:5432/app",
    # public keys: an SSH public key whose base64 holds `Pw…=`, and DER of a public key in base64
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ{b1}Pw{b2}= deploy@ci",
    '{{\n  "manifest_version": 3,\n'
    '  "key": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA{b1}Pwd{b2}=IDAQAB"\n}}',
    "JWT_VERIFY_KEY=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA{b1}{b2}IDAQAB",
    # a URL's `key` that is a path or a word, and a key that no block qualifies
    "https://uploads.example.org/put?key=uploads/2024/report.pdf&acl=private",
    "https://cache.example.org/get?key=user-profile-42",
    '{{"cache": {{"key": "{h}"}}, "users": {{"primary_key": "id"}}}}',
    # Supabase's publishable key
    "NEXT_PUBLIC_SUPABASE_ANON_KEY={pub}",
]


@pytest.mark.parametrize("template", _LEFT_ALONE)
def test_what_the_seventh_corpus_found_changed_without_a_secret_survives(template: str) -> None:
    """Firebase's app config, placeholders in a Secret, `secrets: inherit`, templates in URLs, public
    keys and base64 blobs, path-like URL keys and publishable keys stay byte for byte."""
    survives(
        template.format(
            g=_google_key(),
            b1="".join(RNG.choice(B64) for _ in range(120)),
            b2="".join(RNG.choice(B64) for _ in range(60)),
            h="".join(RNG.choice("0123456789abcdef") for _ in range(40)),
            pub="sb_" + "publishable_" + body(RNG, 31, URLSAFE),
        )
    )


_STILL_CAUGHT = [
    # Google API keys that are not Firebase's app config, even next to one
    "GEMINI_API_KEY={g}\nNEXT_PUBLIC_FIREBASE_AUTH_DOMAIN=acme-web.firebaseapp.com",
    "GOOGLE_API_KEY={g}",
    'const maps = {{ apiKey: "{g}", region: "eu" }};',
    "curl 'https://generativelanguage.googleapis.com/v1beta/models?key={g}'",
    # a Secret's real credential beside a placeholder, and its URL's password
    'apiVersion: v1\nkind: Secret\nstringData:\n  OPENAI_API_KEY: "<your-openai-key>"\n'
    "  DATABASE_URL: postgres://app:{v}@db:5432/app\n",
    'apiVersion: v1\nkind: Secret\nstringData:\n  TOKEN: "<your-token>"\n  API_KEY: {v}\n',
    # a real password beside a template, and after a secret name
    "DB_URL=postgres://app:{v}@db:5432/app # was {{{{ .Values.db.password }}}}",
    "password {v}",
    # a private key in DER (PKCS#8), base64, under a key's name
    "JWT_SIGNING_KEY=MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ{v}",
]


@pytest.mark.parametrize("template", _STILL_CAUGHT)
def test_secrets_beside_what_the_seventh_corpus_leaves_alone_still_go(template: str) -> None:
    """Google API keys outside Firebase's config, real values in a Secret or beside a template, and
    private keys in DER still go."""
    google, value = _google_key(), _secret()
    text = template.format(g=google, v=value)
    goes(text, google if "{g}" in template else value)


def test_a_json_text_inside_a_result_keeps_its_own_values() -> None:
    """Only the ``"value"`` of a ``"result"`` object goes, not one of a JSON text quoted inside it
    (an MCP tool's result)."""
    inner = json.dumps({"name": "x-request-id", "value": _secret()})
    text = json.dumps({"jsonrpc": "2.0", "id": 3, "result": {"content": [{"type": "text", "text": inner}]}})
    assert redact_text(text) == text


def test_a_keyword_inside_base64_names_nothing() -> None:
    """A secret word inside a base64 blob followed by ``=`` and a word is no assignment."""
    blob = "".join(RNG.choice(string.ascii_letters) for _ in range(30)) + "PwD9" + body(RNG, 20)
    survives(f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{blob}= dana@laptop")
    encoded = base64.b64encode(RNG.randbytes(48)).decode()
    survives(f"ED25519_VERIFY_KEY=MCowBQYDK2VwAyEA{encoded[:43]}=")


@pytest.mark.parametrize("prefix", ["IQoJ" + "b3JpZ2luX2Vj", "Fwo" + "GZXIvYXdzE", "AQo" + "DYXdzE"])
def test_an_aws_session_token_goes_wherever_it_is_printed(prefix: str) -> None:
    """An STS session token goes by its format, and the secret key beside it in a text row goes
    also where the row's tabs are JSON-escaped."""
    key_id = "AS" + "IA" + "".join(RNG.choice(string.ascii_uppercase + "234567") for _ in range(16))
    secret = body(RNG, 40, B64)
    token = prefix + body(RNG, 300, B64) + "="
    row = f"CREDENTIALS\t{key_id}\t2025-11-14T18:22:41+00:00\t{secret}\t{token}"
    text = f"$ aws sts assume-role --role-arn arn:aws:iam::123456789012:role/ci --output text\n{row}\n"
    goes(text, secret)
    goes(text, token[:40])
    goes(f"# note for later: {token} (expires in an hour)", token[:40])
