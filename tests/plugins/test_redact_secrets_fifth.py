"""The built-in redactor on the kinds of secrets a fifth corpus, written blind to the rules, found
missed: colour codes, secret-printing commands, client flags, language reprs, calls and declarations."""

from __future__ import annotations

import base64
import random
import string
import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autopilot.plugins.redact import rules
from autopilot.plugins.redact.engine import redact_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

RNG = random.Random(5)


def _secret() -> str:
    """A generated credential: letters and digits, with a dash in it."""
    return rs.body(RNG, 14) + "-" + rs.body(RNG, 8)


_CAUGHT = [
    # terminal colour codes inside a name or around a value (`env | grep --color=always pass`)
    "PG\x1b[01;31m\x1b[KPASS\x1b[m\x1b[KWORD={v}\nHOME=/root",
    "\x1b[1mapi_token\x1b[0m: {v}",
    "token=\x1b[32m{v}\x1b[0m next",
    "Key            Value\n---            -----\ndb_password    \x1b[32m{v}\x1b[0m",
    # `set -x` prints each command of a pipeline on its own line
    "+ echo {v}\n+ docker login --username ci --password-stdin registry.example.org",
    "++ printf '%s' {v}\n++ gh auth login --with-token",
    # commands that print a secret-named value on the next line
    "$ terraform output -json | jq -r '.api_gateway_key.value'\n{v}",
    '$ terraform output db_password\n"{v}"',
    "$ yq '.auth.token' config.yaml\n{v}",
    "$ lpass show --password github\n{v}",
    "$ pass show infra/db\n{v}\nlogin: admin",
    "$ aws ssm get-parameter --name /app/db --with-decryption --query Parameter.Value --output text\n{v}",
    # client flags: package feeds and stores, BMCs
    "$ dotnet nuget add source https://pkgs.example.org/index.json -n acme -u ci -p {v} "
    "--store-password-in-clear-text",
    "$ xcrun altool --upload-app -f App.ipa -u dev@example.org -p {v}",
    "$ twine upload -u __token__ -p {v} dist/*",
    "$ ipmitool -I lanplus -H 10.0.0.5 -U ADMIN -P {v} chassis status",
    # PHP's var_dump and print_r
    '  ["password"]=>\n  string(22) "{v}"\n}}',
    "Array\n(\n    [host] => db\n    [password] => {v}\n)",
    # calls that take the credential without a name, and the Authorization header built by code
    'local ok, err = red:auth("{v}")',
    'f = Fernet(b"{v}")',
    "#0 /var/www/db.php(12): PDO->__construct('pgsql:host=db;dbname=shop', 'shop', '{v}')",
    'GET(url, add_headers(Authorization = paste("Bearer", "{v}")))',
    # literals made into bytes, typed declarations, JWKs as JavaScript objects
    'var signingKey = []byte("{v}")',
    'const jwtSecret = Buffer.from("{v}", "base64");',
    "param adminPassword string = '{v}'",
    'var apiToken string = "{v}"',
    'Dim password As String = "{v}"',
    'importJWK({{ kty: "OKP", crv: "Ed25519", x: "{x}", d: "{v}" }}, "EdDSA")',
    # Erlang's cluster cookie, a token in a URL's path
    "rabbitmq:\n  erlang_cookie: {u}",
    "$ erl -sname node1 -setcookie {v}",
    "channels:\n  - https://conda.anaconda.org/t/{v}/acme",
    # a personal access token in PowerShell, a password quoted in chat, a Braintree access token
    '$pat = "{v}"\n$auth = [Convert]::ToBase64String($bytes)',
    'The login fails because the password in `.env` ("{v}") contains a "#".',
    "braintree_key     access_token$production${m}${h}",
    "[b2]\ntype = b2\nkey = K{v}",
    # LDIF's base64 values, HTTPie's headers, a password reset link
    "dn: uid=svc,ou=people,dc=example,dc=org\nuserPassword:: {b}\nobjectClass: person",
    "$ http POST api.example.org/v1/items X-API-Key:{v} name=widget",
    "Reset your password: https://app.example.org/password/reset/{v}{v}",
    # HubSpot's private app tokens and Braintree's, by their format alone
    "hubspot.Client.create(access_token=CONFIG['x'])  # was {p}",
]


@pytest.mark.parametrize("template", _CAUGHT)
def test_kinds_found_by_the_fifth_corpus_never_survive(template: str) -> None:
    """Coloured names, printed values, client flags, reprs, calls and declarations lose their
    secret, as printed and JSON-escaped once or twice."""
    value = _secret()
    upper = "".join(RNG.choice(string.ascii_uppercase) for _ in range(20))
    merchant = "".join(RNG.choice(string.ascii_lowercase + string.digits) for _ in range(16))
    hexes = "".join(RNG.choice(rs.HEX) for _ in range(32))
    encoded = base64.b64encode(value.encode()).decode()
    hubspot = "pat" + "-eu1-" + str(uuid.UUID(int=RNG.getrandbits(128)))
    text = template.format(v=value, u=upper, x=rs.body(RNG, 43), m=merchant, h=hexes, b=encoded, p=hubspot)
    fills = {"{u}": upper, "{h}": hexes, "{b}": encoded, "{p}": hubspot}
    secret = next((fill for key, fill in fills.items() if key in template), value)
    assert secret in text

    for form in rs.forms(text):
        assert secret not in redact_text(form), form


_LEFT_ALONE = [
    "+ echo building\n+ docker build -t app .",
    "$ jq -r '.items[0].name' pods.json\nweb-7f9c",
    "$ dotnet run -p src/Api",
    "$ xcrun altool --upload-app -f App.ipa -u dev@example.org -p @keychain:AC_PASSWORD",
    "Array\n(\n    [password] => Array\n        (\n        )\n)",
    "see https://discourse.example.org/t/how-to-configure-the-proxy/1234",
    "session_cookie: sessionid\nset_cookie: true",
    "{kty: 'RSA', n: 'sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri', e: 'AQAB'}",
    "password: config.db_password",
    'token := []byte(os.Getenv("TOKEN"))',
    "\x1b[1mStatus\x1b[0m: running (\x1b[32mhealthy\x1b[0m)",
    "a lone \x1b escape byte, half a code \x1b[ and \x1b[1mbold\x1b[0m",
    'export PATH="$PATH:/usr/local/bin"\n$path = "C:\\Tools\\bin"',
    'the password field ("password") is required; set it (see "docs/setup.md") first',
    "See https://docs.example.org/guides/reset-your-password-in-five-steps for help.",
    "$ http GET api.example.org/v1/items Accept:application/json",
    "apiKey :: Text\nstd::password::hash(x)",
]


@pytest.mark.parametrize("template", _LEFT_ALONE)
def test_what_the_fifth_corpus_rules_leave_alone_survives(template: str) -> None:
    """Commands that print no secret, references, nested dumps, forum links and public keys near
    the new rules stay byte for byte."""
    for form in rs.forms(template):
        assert redact_text(form) == form


_WORDS = st.text(alphabet="bcdfghjklmnprstvwxz", min_size=2, max_size=4).flatmap(
    lambda consonants: st.tuples(*(st.sampled_from("aeiou") for _ in consonants)).map(
        lambda vowels: "".join(c + v for c, v in zip(consonants, vowels, strict=True))
    )
)


@given(st.lists(_WORDS, min_size=4, max_size=6), st.sampled_from(["pgpass", "identified", "imap", "flag"]))
def test_a_passphrase_of_words_goes_where_a_password_must_be(words: list[str], where: str) -> None:
    """Words joined by hyphens (a diceware passphrase) go where the context says a password is (unless a
    word is one that marks a placeholder, as in ``paste-your-key-here``, which is left alone by design)."""
    phrase = "-".join(words)
    assume(not any(part in phrase for part in rules.PLACEHOLDER_PARTS))
    text = {
        "pgpass": f"db.example.org:5432:*:app:{phrase}",
        "identified": f"CREATE USER app IDENTIFIED BY '{phrase}';",
        "imap": f"a1 LOGIN ops@example.org {phrase}",
        "flag": f"$ clickhouse-client --user ops --password {phrase} --query 'SELECT 1'",
    }[where]

    for form in rs.forms(text):
        assert phrase not in redact_text(form), form


@given(st.sampled_from(["PASS", "WORD", "KEY"]), st.sampled_from(["01;31", "1", "32", "0;33"]))
def test_a_colour_code_anywhere_in_a_line_hides_nothing(word: str, colour: str) -> None:
    """A colour code inside a secret's name or around its value changes nothing about what goes."""
    value = _secret()
    on, off = f"\x1b[{colour}m\x1b[K", "\x1b[m\x1b[K"
    name = {"PASS": f"DB_{on}PASS{off}WORD", "WORD": f"DB_PASS{on}WORD{off}", "KEY": f"API_{on}KEY{off}"}[
        word
    ]
    text = f"{name}={on}{value}{off}\nPATH=/usr/bin"

    for form in rs.forms(text):
        redacted = redact_text(form)
        assert value not in redacted, form
        assert "PATH=/usr/bin" in redacted
