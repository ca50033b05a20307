"""The built-in redactor leaves alone what only names, points to, fetches, encrypts or shows a secret."""

from __future__ import annotations

import base64
import json
import random
import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from tests.plugins.redact_strategies import goes, survives

from autopilot.plugins.redact import rules
from autopilot.plugins.redact.engine import redact_text
from autopilot.plugins.redact.names import secret_name_kind

RNG = random.Random(41)
ALNUM = string.ascii_letters + string.digits


def _random(n: int, alphabet: str = ALNUM) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


# ------------------------------------------------------------------------------------------------
# References and names: what names, configures or looks up a secret, never the secret itself

_NAMES_AND_LOOKUPS = [
    # where secrets are kept or checked
    "$ env | grep -i secret\nSECRETS_BACKEND=vault\nAWS_SECRET_ACCESS_KEY_FILE=/run/secrets/aws_secret_key",
    "AUTH_BACKEND=ldap",
    "SecretsFilter: prod-*",
    '{"SecretsFilter": "shop/*", "TokenIssuer": "https://login.example.org"}',
    "AUTH0_DOMAIN=dev-shop.eu.auth0.com\nAUTH_PROVIDER=okta\nTOKEN_AUDIENCE=api://orders",
    # a secret's name, given where a pipeline takes one from its store
    "settings:\n  username:\n    from_secret: docker_username\n  password:\n    from_secret: docker_password",
    "token:\n  fromSecret: deploy_token",
    # a batch file's prompt
    "@echo off\nset /p DB_PASS=Enter database password: \nsqlcmd -U app -P %DB_PASS%",
    "SET /P API_TOKEN=Paste the token and press Enter: ",
    # a command that gives the secret, as a setting's value
    'passwordeval "pass show mail/work"',
    'remotepasseval = "gopass show -o mail/work"',
    'set imap_pass = "`pass show mail/work`"',
    "source-cred-cmd = security find-generic-password -s imap -w",
    'password_command = "op read op://Private/imap/password"',
    "tokenfile: ~/.config/hub/token",
    # a call that looks the secret up, in a language whose syntax looks like YAML
    'config :shop, ShopWeb.Endpoint,\n  secret_key_base: System.fetch_env!("SECRET_KEY_BASE")\nend',
    "  credentials: Aws::Credentials.new(\n    Rails.application.credentials.dig(:aws, :access_key_id),\n  )",
    '  api_key: ENV.fetch("STRIPE_KEY")\n',
    '  password: System.get_env("DB_PASSWORD")\n',
    'token: Deno.env.get("GITHUB_TOKEN")',
    'password: os.getenv("DB_PASSWORD")',
    # a signature left as a template
    "https://acct.blob.core.windows.net/c/report.csv?sv=2022-11-02&sr=b&sp=r&sig={signature}",
    "https://acct.blob.core.windows.net/c/report.csv?sv=2022-11-02&sig=%7Bsignature%7D",
    "https://acct.blob.core.windows.net/c/report.csv?sv=2022-11-02&sig=${SAS_SIGNATURE}",
]


@pytest.mark.parametrize("text", _NAMES_AND_LOOKUPS)
def test_names_prompts_and_lookups_of_secrets_survive(text: str) -> None:
    """Where secrets are kept, a pipeline's secret names, prompts, fetching commands and lookup calls stay."""
    survives(text)


_LOOKUP_CALLS = st.sampled_from(
    [
        'System.fetch_env!("{n}")',
        'System.get_env("{n}")',
        'ENV.fetch("{n}")',
        'ENV.fetch("{n}", nil)',
        'os.getenv("{n}")',
        'os.environ.get("{n}")',
        'Deno.env.get("{n}")',
        "Rails.application.credentials.dig(:{l})",
        "Rails.application.credentials[:{l}]",
        'Environment.GetEnvironmentVariable("{n}")',
        'System.getenv("{n}")',
    ]
)


@given(
    st.sampled_from(["password", "secret_key_base", "api_key", "token", "client_secret", "DB_PASSWORD"]),
    _LOOKUP_CALLS,
    st.sampled_from(["{c}", "{c},", "{c})", "{c};"]),
    st.sampled_from(["", "  ", "    "]),
    st.sampled_from(["STRIPE_KEY", "DB_PASSWORD", "GITHUB_TOKEN"]),
)
def test_a_lookup_call_after_a_secret_name_and_a_colonsurvives(
    name: str, call: str, ending: str, indent: str, variable: str
) -> None:
    """`name: Module.lookup("VAR")` (Ruby, Elixir, JavaScript objects) looks a secret up: it stays."""
    value = ending.format(c=call.format(n=variable, l=variable.lower()))
    survives(f"{indent}{name}: {value}\n")


_STILL_CAUGHT = [
    "SECRETS_BACKEND_TOKEN={v}",
    "from: ci\npassword: {v}",
    "set DB_PASS={v}",
    "set /p DB_HOST=Host: \nset DB_PASS={v}",
    "  password: {v}\n  host: db\n",
    "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig={v}%3D",
]


@pytest.mark.parametrize("template", _STILL_CAUGHT)
def test_secrets_beside_names_and_lookups_still_go(template: str) -> None:
    """Next to those look-alikes a literal secret is still redacted."""
    secret = _random(12) + "7Qx" + _random(8)
    goes(template.format(v=secret), secret)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SECRETS_BACKEND", None),
        ("SecretsFilter", None),
        ("from_secret", None),
        ("passwordeval", None),
        ("remotepasseval", None),
        ("tokenfile", None),
        ("AUTH0_DOMAIN", None),
        ("TOKEN_ISSUER", None),
        ("DB_PASSWORD", "password"),
        ("SECRETS_BACKEND_TOKEN", "secret"),
        ("passcode", "password"),  # STOMP's and phone systems' password
    ],
)
def test_names_of_where_secrets_are_kept(name: str, expected: str | None) -> None:
    """Names that say where a secret is kept, checked or fetched from are not secret names."""
    assert secret_name_kind(name) == expected


# ------------------------------------------------------------------------------------------------
# Ciphertext made to be committed

B64 = ALNUM + "+/"


def _b64(n: int) -> str:
    return _random(n, B64)


_CIPHERTEXT_DOCUMENTS = [
    # Renovate's encrypted host rules, YAML and JSON
    "hostRules:\n  - matchHost: npm.pkg.github.com\n    encrypted:\n      token: {c}\n      password: {c2}\n"
    "packageRules:\n  - groupName: auth",
    '{{"hostRules": [{{"matchHost": "npm.pkg.github.com",'
    ' "encrypted": {{"token": "{c}", "npmToken": "{c2}"}}}}]}}',
    # a SealedSecret's encryptedData, with or without its kind (a chart's values)
    "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nspec:\n  encryptedData:\n    password: AgB{c}",
    "sealed:\n  encryptedData:\n    api_key: AgB{c}\n    token: AgB{c2}",
    '{{"spec": {{"encryptedData": {{"password": "AgB{c}"}}}}}}',
    # the key that encrypts a Pulumi stack's secrets
    "secretsprovider: awskms://alias/pulumi-prod\nencryptedkey: AgB{c}",
    "secretsprovider: gcpkms://projects/shop/locations/global/keyRings/pulumi/cryptoKeys/stack",
    "secretsprovider: hashivault://pulumi-stack",
    # ciphertext by its shape, under a secret's name
    '{{"_public_key": "{h}", "database_password": "EJ[1:{e1}:{e2}:{e3}]"}}',
    'spring.datasource.password="ENC({e1})"',
    "password: ENC({e1})",
    "DB_PASSWORD=ENC[AES256_GCM,data:{e2},iv:{e1},tag:{e3},type:str]",
    '"api_key": "ENC[PKCS7,MIIBiQYJKoZIhvcNAQcDoIIBejCCAXYCAQAx{c}]"',
    "$ cat group_vars/prod/vault.yml\n$ANSIBLE_VAULT;1.1;AES256\n{h}\n{h}",
    # an OpenPGP message (Terraform's encrypted_secret, Renovate), and names that say ciphertext
    '"encrypted_secret": "wcFMA{c}"',
    'aws_secret = "hQEMA{c}"',
    'encrypted_password: "$2a$12${h}"',
    "ENCRYPTED_SES_SMTP_PASSWORD_V4=wV4D{c}",
]


@pytest.mark.parametrize("template", _CIPHERTEXT_DOCUMENTS)
def test_ciphertext_made_to_be_committedsurvives(template: str) -> None:
    """Renovate's `encrypted:`, SealedSecrets, SOPS, EJSON, Jasypt, Ansible Vault and OpenPGP
    ciphertext, KMS key URIs and names that say their value is encrypted stay byte for byte."""
    text = template.format(
        c=_b64(120), c2=_b64(160), h=_random(64, "0123456789abcdef"), e1=_b64(48), e2=_b64(32), e3=_b64(24)
    )
    survives(text)


_NEXT_TO_CIPHERTEXT = [
    "xpack.encryptedSavedObjects.encryptionKey: {v}",
    "ENCRYPTION_KEY={v}",
    "encrypted: true\npassword: {v}",
    "hostRules:\n  - encrypted:\n      token: {c}\n    password: {v}",
    '{{"encrypted": {{"token": "{c}"}}, "password": "{v}"}}',
    "unencrypted:\n  token: {v}",
    "api_key: wcFMA{v}",
]


@pytest.mark.parametrize("template", _NEXT_TO_CIPHERTEXT)
def test_keys_that_encrypt_and_secrets_beside_ciphertext_still_go(template: str) -> None:
    """The key that encrypts, a secret after a block of ciphertext or beside a flag, still goes."""
    secret = _random(14) + "7Qx" + _random(9)
    goes(template.format(v=secret, c=_b64(120)), secret)


# ------------------------------------------------------------------------------------------------
# Sample credentials of providers' documentation, exactly

_EXAMPLES = sorted(rules.DOCUMENTED_EXAMPLES)
_EXAMPLE_CONTEXTS = [
    "{x}",
    "For the unit test I used the well-known example from the docs:\n{x}\nIt decodes fine.",
    'token: "{x}"',
    "Authorization: Bearer {x}",
    "curl https://api.example.org/v1/charges -u {x}:",
    "curl --user 'api:{x}' https://api.example.org/v3/samples",
    '{{\n  "description": "example from the docs, used only to test parsing",\n  "token": "{x}"\n}}',
]


@given(st.sampled_from(_EXAMPLES), st.sampled_from(_EXAMPLE_CONTEXTS))
def test_documented_sample_credentials_survive(example: str, context: str) -> None:
    """jwt.io's example token, Stripe's and Mailgun's documented sample keys, reCAPTCHA's and
    Turnstile's test secrets stay where they are quoted."""
    survives(context.format(x=example))


# Mailgun's documented sample is not hex: it does not have the format of a Mailgun key at all; nor
# are Cloudflare Turnstile's dummy keys (31 zeros) shaped like a generated key.
_FORMATTED_EXAMPLES = [
    example for example in _EXAMPLES if not example.startswith("key-") and "0" * 20 not in example
]


@given(st.sampled_from(_FORMATTED_EXAMPLES), st.sampled_from(_EXAMPLE_CONTEXTS[2:]), st.integers(0, 2**32))
def test_a_key_shaped_like_a_documented_sample_stillgoes(example: str, context: str, seed: int) -> None:
    """Only the exact documented value is left: the same value with one character changed, given as a
    credential, is a secret."""
    # curl's user with no password is a key only by a token format (Stripe's `-u sk_test_…:`)
    assume("-u {x}:" not in context or example.startswith("sk_"))
    rng = random.Random(seed)
    at = rng.randrange(len(example) - 12, len(example))
    other = example[:at] + rng.choice([c for c in "Qx7Kp2" if c != example[at]]) + example[at + 1 :]
    goes(context.format(x=other), other)


# ------------------------------------------------------------------------------------------------
# Keys made to be published, and masks in URLs


def _jwt(claims: dict) -> str:
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return part({"alg": "HS256", "typ": "JWT"}) + "." + part(claims) + "." + _random(43, ALNUM + "-_")


def _supabase_key(role: str) -> str:
    return _jwt({"iss": "supabase", "ref": _random(20).lower(), "role": role, "iat": 1700000000})


def _publishable() -> list[str]:
    return [
        "pk_" + RNG.choice(["live", "test"]) + "_51" + _random(60),
        "pk" + ".eyJ1Ijoi" + _random(30, ALNUM + "-_") + "." + _random(22, ALNUM + "-_"),
        "ph" + "c_" + _random(43),
        "pub" + _random(32, "0123456789abcdef"),  # Datadog's browser client token
        RNG.choice(["sandbox", "production"]) + "_" + _random(8).lower() + "_" + _random(16).lower(),
        _supabase_key("anon"),
    ]


_PUBLISHED_CONTEXTS = [
    "STRIPE_KEY={k}",
    "stripe:\n  publishable_key: {k}\n  account_country: DE",
    "StripeCheckout.configure({{ key: '{k}' }})",
    "mapboxgl.accessToken = '{k}';",
    "map:\n  access_token: {k}\n  zoom: 11",
    "https://api.mapbox.com/styles/v1/mapbox/streets-v12/tiles/1/2/3?access_token={k}",
    '{{"stripePublishableKey": "{k}", "mapboxToken": "{k}", "posthogKey": "{k}"}}',
    "datadogRum.init({{ applicationId: 'app', clientToken: '{k}', site: 'datadoghq.eu' }});",
    "braintree.client.create({{ authorization: '{k}' }})",
    "NEXT_PUBLIC_SUPABASE_ANON_KEY={k}\n        anon key: {k}",
]


@pytest.mark.parametrize("context", _PUBLISHED_CONTEXTS)
def test_publishable_keys_survive_whatever_their_name(context: str) -> None:
    """Stripe's publishable keys, Mapbox's public tokens and PostHog's project keys are made to be
    published in a web page: they stay, even under a secret's name."""
    for key in _publishable():
        survives(context.format(k=key))


@pytest.mark.parametrize(
    "context",
    [
        "STRIPE_KEY={k}",
        "mapboxgl.accessToken = '{k}';",
        "map:\n  access_token: {k}\n  zoom: 11",
        "https://api.mapbox.com/styles/v1/mapbox/streets-v12/tiles/1/2/3?access_token={k}",
        '{{"mapboxToken": "{k}"}}',
    ],
)
def test_secret_keys_beside_publishable_ones_still_go(context: str) -> None:
    """Their secret counterparts (`sk_live_…`, Mapbox's `sk.eyJ…`, Supabase's service_role key)
    under the same names still go."""
    for key in (
        "sk_" + "live_51" + _random(60),
        "sk" + ".eyJ1Ijoi" + _random(30) + "." + _random(22),
        _supabase_key("service_role"),
    ):
        goes(context.format(k=key), key)


@pytest.mark.parametrize(
    "url",
    [
        "amqp://guest:**@localhost:5672//",
        "[config]\n.> transport:   amqp://celery:**@rabbit.internal:5672/prod",
        "redis://default:*@redis-primary:6379/0",
        "postgres://app:%2A%2A%2A@db:5432/app",
        "https://deploy:•••••@git.example.org/shop.git",
    ],
)
def test_masked_passwords_in_urls_survive(url: str) -> None:
    """A URL whose password a tool printed as a mask (`**`, `*`, percent-encoded `***`, `•••`) stays."""
    survives(url)


def test_a_percent_encoded_password_in_a_url_stillgoes() -> None:
    """A real password, percent-encoded, still goes from a URL."""
    secret = _random(10) + "%40" + _random(8)
    goes(f"postgres://app:{secret}@db:5432/app", secret)


# ------------------------------------------------------------------------------------------------
# Agent logs: a file reader's line numbers, and an empty value that ends a JSON string


def test_an_announced_value_after_a_line_number_is_judged_without_it() -> None:
    """A file reader's line number (`     2→`) is not part of the word after an announcing line."""
    example = sorted(rules.DOCUMENTED_EXAMPLES)[0]
    survives(f"Example token from the docs (secret `your-256-bit-secret`):\n     2→{example}\n     3→Done.")
    secret = _random(16) + "7Qx" + _random(8)
    goes(f"The staging password is below:\n     2→{secret}\n     3→Done.", secret)


def test_an_empty_assignment_at_the_end_of_a_json_stringsurvives() -> None:
    """`set DB_PASS=` ending a tool result: the quote after it closes the JSON string, no value."""
    line = json.dumps({"type": "tool_result", "content": "@echo off\nset DB_PASS="}) + "\n"
    assert redact_text(line) == line
    secret = _random(16) + "7Qx"
    line = json.dumps({"type": "tool_result", "content": f'@echo off\nset DB_PASS="{secret}"'})
    assert secret not in redact_text(line)


# ------------------------------------------------------------------------------------------------
# Settings that name how to authenticate, and keys public by design


@pytest.mark.parametrize("mechanism", ["oauth2", "XOAUTH2", "scram-sha-256", "ntlm", "kerberos5", "cram-md5"])
@pytest.mark.parametrize(
    "template",
    ['imap.auth = "{m}"', "auth: {m}", "SMTP_AUTH={m}", '{{"auth": "{m}", "host": "smtp.example.org"}}'],
)
def test_an_authentication_mechanism_is_no_secret(template: str, mechanism: str) -> None:
    """`auth: oauth2` names how to log in; a credential under the same name still goes."""
    survives(template.format(m=mechanism))
    secret = _random(28)
    goes(template.format(m=secret), secret)


@pytest.mark.parametrize(
    "name", ["recaptchaSiteKey", "HCAPTCHA_SITE_KEY", "turnstile_site_key", "SUPABASE_ANON_KEY"]
)
def test_a_key_public_by_design_is_left_alone(name: str) -> None:
    """A captcha's site key or Supabase's anon key is put in web pages; its secret twin still goes."""
    value = "6L" + _random(38, ALNUM + "_-")
    survives(f'"{name}": "{value}"')
    twin = (
        name.replace("Site", "Secret")
        .replace("SITE", "SECRET")
        .replace("site", "secret")
        .replace("ANON", "SERVICE_ROLE")
    )
    goes(f'"{twin}": "{value}"', value)


# ------------------------------------------------------------------------------------------------
# What the fifth corpus found changed without a secret: mail authentication results, ids of Twilio's
# resources, cut or masked values, placeholders in prose, parts of a key, Sentry's public key, files
# encrypted at rest. Each family with the secret beside it that must still go.


def _hex(n: int = 32) -> str:
    return _random(n, "0123456789abcdef")


_FIFTH_LEFT_ALONE = [
    # `pass` as the verdict of a mail check, not a password: Authentication-Results and ARC
    "Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=ops@example.org; dkim=pass",
    "ARC-Authentication-Results: i=1; mx.google.com; dkim=pass header.i=@example.org header.s=s1"
    " header.b={r8}; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.org",
    "Authentication-Results: spf=pass (sender IP is 40.107.22.53) smtp.mailfrom=contoso.com;"
    " dkim=pass (signature was verified) header.d=contoso.com;dmarc=pass action=none",
    # the SIDs of a Twilio message, messaging service and call: ids, whatever the account's SID does
    '{{"sid": "SM{h}", "messaging_service_sid": "MG{h2}", "call_sid": "CA{h3}", "status": "queued"}}',
    "MessageSid=SM{h}&SmsSid=SM{h}&MessagingServiceSid=MG{h2}&From=%2B15551234567",
    # values cut short or masked, also with the ellipsis JSON-escaped in the text itself
    "  stripe: {{ secretKey: 'sk_live_\u2026', webhookSecret: undefined }},",
    "  stripe: {{ secretKey: 'sk_live_\\u2026', webhookSecret: undefined }},",
    "STRIPE_SECRET_KEY=sk_live_\\u2026{r4}\nOPENAI_API_KEY=sk-proj-\\u2022\\u2022\\u2022{r4}",
    # placeholders in prose, and settings that ask the framework to generate the key
    "define( 'AUTH_KEY',         'put your unique phrase here' );\n"
    "define( 'NONCE_SALT',       'put your unique phrase here' );",
    'API_TOKEN="paste your token here"\nDB_PASSWORD="enter your password"',
    '<machineKey validation="HMACSHA256" validationKey="AutoGenerate,IsolateApps"'
    ' decryptionKey="AutoGenerate,IsolateApps" />',
    # what a tool prints where a credential is missing or refused
    "X-CSRF-Token: missing\nX-Auth-Token: expired\nX-Api-Key: invalid",
    # a part of a key, shown to tell keys apart
    "SELECT id FROM users WHERE api_key_last4 = '{h4}' AND token_version > 2;",
    "card_last4=4242 token_preview=sk-...{r4} key_last_four={h4} secret_first4={h4}",
    # Sentry's public DSN key, in a CSP report URI, an envelope URL and its auth header
    "report-uri https://o123.ingest.sentry.io/api/456/security/?sentry_key={h}",
    "curl 'https://o123.ingest.sentry.io/api/456/envelope/?sentry_key={h}&sentry_version=7'",
    "X-Sentry-Auth: Sentry sentry_version=7, sentry_client=raven-js/3.27.0, sentry_key={h}",
    # files encrypted at rest, printed
    "$ cat config/credentials/production.yml.enc\n{b}",
    "$ cat secrets/api_token.txt.gpg | base64\n{b}",
    # more of a mail's headers and a mail server's log: verdicts, whom it authenticated, log levels
    "X-Spam-Auth: dkim=pass; spf=softfail\nX-Auth-Result: PASS",
    "X-MS-Exchange-CrossTenant-AuthAs: Internal\nX-MS-Exchange-Organization-AuthAs: Anonymous",
    "Mar  3 10:11:12 mail dovecot: auth: Debug: passwd-file(ops@example.com,203.0.113.7): lookup",
    # masks that say so in words
    'password: "*** hidden ***"\nsecret: "[FILTERED]"\ntoken: "(omitted)"\napi_key: "{{scrubbed}}"',
    # references and values to be replaced; a login command's usage line
    "password: '%env(DB_PASSWORD)%'\nsecret_key_base: {r4}_replace_in_production",
    "SECRET_KEY=please-change-this-secret\nJWT_SECRET=change_this_{r4}",
    "Usage: vault login [options] [AUTH K=V...]\n  $ vault login -method=userpass username=ops",
    # a usage line, and the settings under it
    "Usage: git credential (fill|approve|reject)\n   protocol=https\n   host=example.com",
    # a reference to a Keybase user's public key (Terraform's `pgp_key`)
    '"attributes": {{ "user": "ci", "pgp_key": "keybase:ops_team" }}\npgp_key = "keybase:ops"',
    # Basic authentication of a user and a placeholder, as documentation shows the scheme
    "Authorization: Basic dXNlcjpwYXNzd29yZA==\ncurl -H 'Authorization: Basic YWRtaW46Y2hhbmdlbWU=' {u}",
]


_EXAMPLE_TOKENS = [
    "gh" + "p_" + _random(36),
    "sk_" + "test_" + "51" + _random(40),
    "sk-" + "proj-" + _random(40),
    "xox" + "b-" + "1234567890-" + _random(24),
]
_HELP_TEXTS = [
    "  -t, --token TOKEN     API token (e.g. {t})",
    "  -k, --api-key KEY     the key, for example --api-key {t}",
    "Set it in the environment, e.g. API_TOKEN={t}",
    "Usage:\n  tool [command]\n\nExamples:\n  tool login --api-key {t}\n  tool whoami",
    "EXAMPLES\n  # read the token from the environment\n  $ GH_TOKEN={t} gh repo list",
]


@given(st.sampled_from(_EXAMPLE_TOKENS), st.sampled_from(_HELP_TEXTS))
def test_a_token_a_help_text_shows_as_an_examplesurvives(token: str, text: str) -> None:
    """A token after "e.g." or "for example", or on an indented line under an "Examples:" heading
    of a help text, is an example, plain and JSON-escaped."""
    survives(text.format(t=token))


@given(
    st.sampled_from(_EXAMPLE_TOKENS),
    st.sampled_from(
        [
            "$ export API_TOKEN={t}",
            "  git push https://{t}@github.com/org/repo.git",
            "spec:\n  examples:\n    - token: {t}",
            "Example output follows.\nexport API_TOKEN={t}",
            "The example failed:\n  API_TOKEN={t}",
        ]
    ),
)
def test_a_token_near_the_word_example_but_not_shown_as_one_stillgoes(token: str, text: str) -> None:
    """Only the cue right before the value or an "Examples:" heading over indented lines makes an
    example: a nested YAML `examples:` key, a heading not alone on its line or an indented line
    under other text still lose the token."""
    goes(text.format(t=token), token)


@pytest.mark.parametrize("template", _FIFTH_LEFT_ALONE)
def test_what_the_fifth_corpus_found_changed_without_a_secretsurvives(template: str) -> None:
    """Mail verdicts, Twilio resource SIDs, cut and masked values, placeholders, parts of keys,
    Sentry's public key and encrypted files stay byte for byte, plain and JSON-escaped."""
    fills = {"h": _hex(), "h2": _hex(), "h3": _hex(), "h4": _hex(4), "r4": _random(4), "r8": _random(8)}
    fills["u"] = "https://api.example.org/v1/status"
    survives(template.format(b=_random(120, ALNUM + "+/") + "--" + _random(24), **fills))


_FIFTH_STILL_CAUGHT = [
    # a Twilio auth token beside the account's SID, on its line or the next, also after `\n`
    "account_sid={sid} auth_token {v}",
    "TWILIO_ACCOUNT_SID={sid}\n{v}",
    # POP3's and FTP's PASS, and a directive's value, still go
    "USER ops\nPASS {v}\n+OK Logged in.",
    "requirepass {v}",
    # a legacy Sentry DSN's secret, in the auth header too
    "X-Sentry-Auth: Sentry sentry_version=5, sentry_key={h}, sentry_secret={v}",
    # an ellipsis inside a quoted value does not hide the rest of a real one in prose
    "STRIPE_SECRET_KEY={v}",
    # the key that decrypts Rails' credentials, and a credential file that is not encrypted
    "$ cat config/master.key\n{v}",
    "$ cat ~/.config/app/api_token.txt\n{v}",
    # a key's value that only looks like a part of one is still a key
    "api_key = '{v}'\nlast_login = '2025-03-03'",
    # Basic authentication of a user and a real password
    "Authorization: Basic {b64}",
    # a token given to `vault login`, after its options too
    "$ vault login {v}",
    "$ vault login -method=token -no-print=true {v}",
]


@pytest.mark.parametrize("template", _FIFTH_STILL_CAUGHT)
def test_secrets_beside_what_the_fifth_corpus_leaves_alone_still_go(template: str) -> None:
    """Twilio tokens beside a SID, PASS commands, a legacy Sentry secret, Rails' master key and
    plain credential files still go, plain and JSON-escaped."""
    secret = _hex() if "sid" in template else _random(20) + "-" + _random(8)
    sid = "AC" + _hex()
    basic = base64.b64encode(f"ops:{secret}".encode()).decode()
    goes(template.format(v=secret, h=_hex(), sid=sid, b64=basic), basic if "{b64}" in template else secret)
