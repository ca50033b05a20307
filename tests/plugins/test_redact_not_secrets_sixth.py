"""What the sixth blind corpus found changed without a secret, by family: template tags and format
fields, views and parts of a ciphertext named like secrets, messages for people, endpoints, settings,
CSV rows and the names of headers and prefixes. Each stays, and the secrets beside them still go."""

from __future__ import annotations

import base64
import random
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.plugins.redact_strategies import body, goes, survives

RNG = random.Random(61)
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


def _hex(n: int = 32) -> str:
    return "".join(RNG.choice(HEX) for _ in range(n))


_LEFT_ALONE = [
    # a template's tag where the value will be (Insomnia, Django, Jinja, Liquid)
    '{{"_type": "environment", "data": {{"token": "{{% prompt \'API token\', \'\', \'\', \'\', true %}}"}}}}',
    "token: \"{{% response 'body', 'req_1', 'b64::JC5hY2Nlc3M=::46b', 'never' %}}\"",
    '<input type="hidden" name="csrfmiddlewaretoken" value="{{% csrf_token %}}">',
    "password = \"{{%- vault_secret 'db/password' -%}}\"",
    "password: \"[[ .Data.password ]]\"\ndb_password: %{{lookup('profile::db::password')}}",
    # a format's field filled in later, where a URL's password is
    'let url = format!("postgres://app:{{}}@db/app", password.expose_secret());',
    'var url = string.Format("amqp://app:{{0}}@mq:5672/", password);',
    'dsn := fmt.Sprintf("redis://:%s@%s/0", password, host)',
    'String url = String.format("jdbc:mysql://root:%1$s@db:3306/app", pw);',
    'url = "postgresql://app:{{0:s}}@db/app".format(pw)',
    "DATABASE_URL=postgres://app:[password]@db:5432/app",
    # a view of a secret shown to tell it apart
    '{{"id": 1, "token_last_eight": "{h8}", "hashed_token": "{h64}", "scopes": ["repo"]}}',
    "key_last_four: {h4}",
    # the authentication tag beside a ciphertext (a Chef encrypted data bag, AES-GCM in code)
    '{{\n  "id": "mysql",\n  "root_password": {{\n    "encrypted_data": "{b64}",\n    "iv": "{iv}",\n'
    '    "auth_tag": "{tag}",\n    "version": 3,\n    "cipher": "aes-256-gcm"\n  }}\n}}',
    'authTag: "{tag}"',
    # what `openssl enc -a` writes: ciphertext, whatever its name
    "secret_key_enc: U2FsdGVkX1{tag}",
    # messages for people about a secret, in any language
    "'haslo' => 'Hasło musi mieć co najmniej :min znaków.',\n'token' => 'Nieprawidłowy token.',",
    "'password' => 'The provided password is incorrect.',",
    '{{"password": "Das Passwort ist falsch", "token": "Ungültiges Token."}}',
    'password: "Contraseña incorrecta"',
    "'password' => 'Le mot de passe est incorrect',",
    '"token": "Token inválido"',
    "password: '密码 错误'",
    # the end of a path is an endpoint, not a name before its value
    "trace_id={h} span_id={h16} http.route=/oauth/token http.status_code=200",
    "method=POST path=/api/v1/auth/token status=200 duration=12ms",
    "url.path=/account/password user_agent.name=curl",
    # settings below a line that mentions passwords
    "# passwords come from ORG_GRADLE_PROJECT_signingPassword in CI\nmavenCentralUsername=pkuser\n"
    "sonatypeStagingProfileId={h12}\n",
    "# the password is read from the keychain\nsigning.keyId=24875D73\n",
    # a URL, then an address, in a CSV row
    "folder,favorite,type,name,login_uri,login_username,login_password\n"
    "Work,,login,AWS console,https://signin.aws.amazon.com,ana@corp.example,********\n",
    "name,url,username,password\nGitLab,https://gitlab.example.org:8443,li.wei@acme.io,\n",
    # the settings beside a Kubernetes Secret's credential (an Argo CD repository), plain or base64
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: private-repo\n  labels:\n"
    "    argocd.argoproj.io/secret-type: repository\nstringData:\n  type: git\n"
    "  url: https://github.com/acme/private-repo\n  project: default\n",
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: repo\ndata:\n  url: {url64}\n  type: Z2l0\n",
    # the name of a header, and a token's prefix alone, as constants
    'const (\n\tHeaderAPIKey = "X-Api-Key"\n\tEnvGitHubToken = "GITHUB_TOKEN"\n'
    '\tTokenPrefixLive = "sk_live_"\n\tPasswordMinLength = 12\n)',
    'API_KEY_HEADER = "X-API-KEY"\nTOKEN_PREFIX = "ghp_"',
    'private static final String AUTH_TOKEN_HEADER = "X-Auth-Token";',
]


@pytest.mark.parametrize("template", _LEFT_ALONE)
def test_what_the_sixth_corpus_found_changed_without_a_secretsurvives(template: str) -> None:
    """Template tags, format fields, views of a secret, authentication tags, messages, endpoints,
    settings, CSV rows, header names and prefixes stay byte for byte, plain and JSON-escaped."""
    fills = {
        "h": _hex(),
        "h4": _hex(4),
        "h8": _hex(8),
        "h12": _hex(12),
        "h16": _hex(16),
        "h64": _hex(64),
        "b64": body(RNG, 60, ALNUM + "+/") + "==",
        "iv": body(RNG, 44, ALNUM + "+/") + "=",
        "tag": body(RNG, 44, ALNUM + "+/") + "=",
        "url64": base64.b64encode(b"https://github.com/acme/private-repo").decode(),
    }
    survives(template.format(**fills))


_STILL_CAUGHT = [
    # a real password in a URL, in code and in a template
    'let url = format!("postgres://app:{v}@db/app");',
    "DATABASE_URL=postgres://app:{v}@db:5432/app",
    # a real value beside a template tag
    '{{"token": "{v}", "refresh": "{{% prompt \'refresh\' %}}"}}',
    # secrets named like views or tags only in part
    "API_KEY_TWO={v}",
    "auth_token={v}",
    '"secret_tag_value": "{v}"',
    # a token in a URL's user, and one in a CSV row after a URL
    "git clone https://{v}@github.com/acme/app.git",
    "name,url,token\nci,https://ci.example.org,{v}\n",
    # a password on the line below one announcing it
    "The new password for the admin user is:\n{v}\n",
    # a token after an endpoint's path, named
    "POST /oauth/token client_secret={v}",
    # a Kubernetes Secret's credential beside its settings, a URL's password in base64, a random path
    "apiVersion: v1\nkind: Secret\nstringData:\n  type: git\n  url: https://github.com/acme/app\n"
    "  password: {v}\n",
    "apiVersion: v1\nkind: Secret\ndata:\n  url: {v64}\n  type: Z2l0\n",
    "apiVersion: v1\nkind: Secret\nstringData:\n  url: https://hooks.acme.io/in/{v}\n",
    # a header's value, not its name
    'req.Header.Set("X-Api-Key", "{v}")',
]


@pytest.mark.parametrize("template", _STILL_CAUGHT)
def test_secrets_beside_what_the_sixth_corpus_leaves_alone_still_go(template: str) -> None:
    """Real passwords in URLs and templates, secrets whose names only start like a view or a tag,
    tokens in URLs and CSV rows, announced passwords and header values still go."""
    secret = body(RNG, 20) + "-" + body(RNG, 8)
    encoded = base64.b64encode(f"https://ci:{secret}@github.com/acme/app".encode()).decode()
    goes(template.format(v=secret, v64=encoded), encoded if "{v64}" in template else secret)


_LETTERS = "abcdefghijklmnopqrstuvwxyzàéíóúäöüßçñąęłńśźżčšž"
_WORD = st.text(alphabet=_LETTERS, min_size=2, max_size=10)


@given(st.lists(_WORD, min_size=2, max_size=8), st.sampled_from(["password", "token", "haslo", "api_key"]))
def test_a_sentence_given_to_a_secret_namesurvives(words: list[str], name: str) -> None:
    """Words of any alphabet ending in a full stop, given to a secret's name, are a message."""
    text = " ".join(words).capitalize() + "."
    survives(f"'{name}' => '{text}',")
    survives(f'{{"{name}": "{text}"}}')


_PLAIN_WORDS = [
    "ability",
    "artist",
    "arena",
    "castle",
    "alpha",
    "alarm",
    "bronze",
    "acoustic",
    "acid",
    "border",
    "ankle",
    "river",
    "orbit",
    "velvet",
    "ember",
    "lunar",
    "maple",
    "quiet",
    "tiger",
    "copper",
    "window",
    "garden",
    "silver",
    "pocket",
    "rocket",
    "candle",
    "meadow",
    "harbor",
]


@given(st.lists(st.sampled_from(_PLAIN_WORDS), min_size=4, max_size=12, unique=True))
def test_a_passphrase_of_words_stillgoes(words: list[str]) -> None:
    """Words without a full stop and without a word naming a secret are a passphrase: they go."""
    phrase = " ".join(words)
    goes(f'password: "{phrase}"', phrase)
    goes(f"'password' => '{phrase}',", phrase)
