"""The built-in redactor on the kinds of secrets a tenth corpus, written blind to the rules on the
shapes of terminal and tool output, found missed or wrongly redacted: webhooks' paths in request
lines and access logs, credentials logged without their header's name, names with a password's
short name glued on, private members of JSON Web Keys outside JSON, and object names in `?key=`."""

from __future__ import annotations

import base64
import random
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autopilot.plugins.redact.engine import redact_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _webhook_path(provider: str, rng: random.Random) -> tuple[str, str]:
    """A webhook's path without its host, and the credential in it."""
    if provider == "slack":
        secret = rs.body(rng, 24)
        team, channel = rs.body(rng, 10, UPPER_DIGITS), rs.body(rng, 10, UPPER_DIGITS)
        return f"/services/T{team}/B{channel}/{secret}", secret
    if provider == "discord":
        secret = rs.body(rng, 68, rs.URLSAFE)
        return f"/api/webhooks/{rng.randint(10**17, 10**18)}/{secret}", secret
    if provider == "telegram":
        token, secret = rs.FORMAT_SECRETS["telegram"](rng)
        return f"/bot{token}/sendMessage", secret
    if provider == "ifttt":
        secret = rs.body(rng, 22, rs.URLSAFE)
        return f"/trigger/door_open/with/key/{secret}", secret
    if provider == "mattermost":
        secret = rs.body(rng, 26, "abcdefghijklmnopqrstuvwxyz0123456789")
        return f"/hooks/{secret}", secret
    secret = rs.body(rng, 6)
    return f"/hooks/catch/{rng.randint(10**5, 10**7)}/{secret}/", secret


@given(
    provider=st.sampled_from(["slack", "discord", "telegram", "ifttt", "zapier", "mattermost"]),
    line=st.sampled_from(
        [
            "> POST {path} HTTP/2\n> Host: example.net\n",
            '10.0.0.7 - - [14/Mar/2026:09:12:01 +0000] "POST {path} HTTP/1.1" 200 2 "-" "curl/8.5.0"\n',
            "1710407521.123  120 10.0.0.5 TCP_MISS/200 311 POST https://gw.example.net{path} - DIRECT\n",
            '{{"request": {{"method": "POST", "url": "https://gw.example.net{path}?wait=true"}}}}',
            "time=2026-03-14T09:12:01Z method=POST path={path} status=200\n",
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_webhooks_path_loses_its_credential_without_its_host(provider: str, line: str, seed: int) -> None:
    """`POST /services/T…/B…/…`, `/api/webhooks/ID/…`, `/bot…/sendMessage` in curl -v and logs."""
    path, secret = _webhook_path(provider, random.Random(seed))
    rs.goes(line.format(path=path), secret)


def test_paths_that_only_look_like_a_webhooks_stay() -> None:
    """Placeholders, words and ordinary API paths keep their segments."""
    for text in (
        "> POST /services/TXXXXXXXX/BXXXXXXXX/XXXXXXXXXXXXXXXXXXXXXXXX HTTP/2",
        "GET /api/webhooks/123456789012345678/{webhook.token}",
        "GET /repos/acme/app/hooks/12345 HTTP/1.1",
        "POST /bot/sendMessage HTTP/1.1",
        "see /services/terraform/backend/README.md",
    ):
        rs.survives(text)


def _basic(rng: random.Random) -> tuple[str, str]:
    """HTTP Basic credentials: base64 of a user and a random password."""
    return base64.b64encode(f"deploy:{rs.body(rng, 14)}".encode()).decode(), ""


@given(
    template=st.sampled_from(
        [
            '10.0.0.7 - - [14/Mar/2026:09:12:01 +0000] "GET /v2/ HTTP/1.1" 401 0 "-" "docker" "Basic {v}"\n',
            "&{{Method:GET URL:https://r.example/v2/ Header:map[Authorization:[Basic {v}] Accept:[*/*]]}}",
            "headers={{Authorization=[Basic {v}], Accept=[application/json]}}\n",
            "[('authorization', 'Basic {v}'), ('accept', '*/*')]\n",
            "md: map[authorization:[Basic {v}] content-type:[application/grpc]]\n",
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_basic_credentials_logged_without_their_header_go(template: str, seed: int) -> None:
    """An access log's `"Basic …"` field, Go's header map, Java's and gRPC's dumps, Python's pairs."""
    value, _ = _basic(random.Random(seed))
    rs.goes(template.format(v=value), value)


def test_the_word_basic_before_other_words_stays() -> None:
    """Prose, a placeholder's base64 (`user:password`) and base64 without a colon keep their words."""
    placeholder = base64.b64encode(b"user:password").decode()
    for text in (
        "Use basic authentication for the registry.",
        f'"Authorization: Basic {placeholder}"',
        "basic QmFzZTY0IGZvciBUZXN0aW5nIFRleHQ=",
        "a basic configuration and a basic example",
    ):
        rs.survives(text)


@pytest.mark.parametrize(
    "template",
    [
        "$VAR1 = {{\n          'dbuser' => 'report',\n          'dbpass' => '{v}',\n        }};\n",
        "          'adminpwd' => '{v}',\n",
        '{{:rootpw=>"{v}", :host=>"db"}}\n',
        "$config['smtppass'] = '{v}';\n",
        "[database]\ndbpass = {v}\n",
        "ldappw: {v}\n",
        "MYSQLPWD={v}\n",
    ],
)
def test_a_password_named_by_a_short_name_glued_to_a_word_goes(template: str) -> None:
    """`dbpass`, `adminpwd`, `rootpw`, `smtppass` in Perl, Ruby, PHP, INI, YAML and shell."""
    secret = rs.body(random.Random(template), 16)
    rs.goes(template.format(v=secret), secret)


def test_words_that_end_in_pass_stay() -> None:
    """`bypass`, `compass`, a render pass and a filter's band are no password's names."""
    for text in (
        "bypass = cache-control-header-v2\n",
        "compass = NorthEastSouthWest2\n",
        "renderpass: ShadowDepthPrepass01\n",
        "'lowpass' => 'ButterworthOrder4x'\n",
        "passive = true\npassthrough = false\nkeyboard = us-intl\n",
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(["yaml", "yaml_item", "toml", "yaml_flow", "go_map", "python"]),
    member=st.sampled_from(["d", "p", "q", "dp", "dq", "qi", "k"]),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_json_web_keys_private_members_go_outside_json(layout: str, member: str, seed: int) -> None:
    """`d:`, `p:`, `qi:`, a symmetric `k:` beside `kty` in YAML, TOML, flow mappings, Go and Python dumps."""
    rng = random.Random(seed)
    secret, public = rs.body(rng, 43, rs.URLSAFE), rs.body(rng, 43, rs.URLSAFE)
    text = {
        "yaml": f"kty: EC\ncrv: P-256\nx: {public}\n{member}: {secret}\n",
        "yaml_item": f"keys:\n  - kty: RSA\n    n: {public}\n    {member}: {secret}\n  - kty: oct\n",
        "toml": f'[[keys]]\nkty = "EC"\nx = "{public}"\n{member} = "{secret}"\n',
        "yaml_flow": f"{{kty: EC, crv: P-256, x: {public}, {member}: {secret}}}\n",
        "go_map": f"map[crv:P-256 {member}:{secret} kty:EC x:{public}]\n",
        "python": f"{{'kty': 'OKP', 'x': '{public}', '{member}': '{secret}'}}\n",
    }[layout]
    rs.goes(text, secret)
    assert public in redact_text(text)


def test_a_json_web_keys_public_members_stay_in_yaml() -> None:
    """`n`, `e`, `x`, `y` of a public key in YAML keep their values."""
    rng = random.Random(10)
    rs.survives(f"keys:\n  - kty: EC\n    crv: P-256\n    x: {rs.body(rng, 43)}\n    y: {rs.body(rng, 43)}\n")


@pytest.mark.parametrize(
    "url",
    [
        "GET https://cdn.example.net/image?key=uploads%2Favatars%2Fc91194dc-2e81-44e5-8ab4-9f8d8d2b8a1c.png&w=128",
        "https://s3.example.net/get?key=reports/2026/q1/summary-7f3a9b.csv",
        "https://files.example.net/download?id=7&key=users%2F8f14e45f-ceea-467f-a0e6-4d5e2b3c1a9f%2Favatar",
        "https://img.example.net/t?key=thumbnails%2FA8c3F1e2b4d5Q9.webp",
    ],
)
def test_a_key_parameter_naming_an_object_stays(url: str) -> None:
    """`?key=` whose value is an object's path or a file's name is no API key."""
    rs.survives(url)


def test_a_key_parameter_holding_an_api_key_still_goes() -> None:
    """`?key=<generated>` (also with `%2F` inside a base64 key) still loses its value."""
    rng = random.Random(7)
    for secret in (rs.body(rng, 39, rs.URLSAFE), rs.body(rng, 20) + "%2F" + rs.body(rng, 20) + "%3D"):
        rs.goes(f"GET https://api.example.net/v1/items?key={secret}&page=2", secret)


@given(
    name=st.sampled_from(["sessionid", "PHPSESSID", "JSESSIONID", "ASP.NET_SessionId", "connect.sid"]),
    template=st.sampled_from(
        [
            "document.cookie: '_ga=GA1.2.3; {name}={v}; theme=dark'\n",
            "<RequestsCookieJar[<Cookie {name}={v} for .example.net/>]>\n",
            ".example.net\tTRUE\t/\tTRUE\t1767225600\t{name}\t{v}\n",
            '{{"request": {{"cookies": {{"{name}": "{v}", "csrftoken": "x"}}}}}}',
            "cookies={{'{name}': '{v}'}}\n",
            '"{name}" => "{v}",\n',
            "GET /app/cart;{name}={v}?item=7 HTTP/1.1\n",
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_frameworks_session_cookie_loses_its_value(name: str, template: str, seed: int) -> None:
    """Django's, PHP's, Java's, Express's session ids in jars, cookie strings, cookies.txt, dicts."""
    secret = rs.body(random.Random(seed), 32, "abcdefghijklmnopqrstuvwxyz0123456789")
    rs.goes(template.format(name=name, v=secret), secret)


def test_a_cookie_jars_entry_loses_a_generated_value() -> None:
    """`<Cookie NAME=VALUE for DOMAIN/>` of a requests jar, whatever the cookie's name."""
    secret = rs.body(random.Random(3), 40)
    rs.goes(f"<RequestsCookieJar[<Cookie remember_web={secret} for app.example.net/>]>", secret)


def test_session_cookie_names_in_code_and_settings_stay() -> None:
    """A setting of the cookie's name, code that reads it and a UUID stay."""
    for text in (
        "SESSION_COOKIE_NAME = 'sessionid'\n",
        "sessionid = request.COOKIES.get('sessionid')\n",
        "session.name = PHPSESSID\n",
        '{"sessionId": "9f0c1b7e-2d4a-4c8e-8b1f-3a5d6e7f8a9b"}',
        "<RequestsCookieJar[<Cookie _ga=GA1.2.3 for .example.net/>]>",
    ):
        rs.survives(text)


@given(
    template=st.sampled_from(
        [
            'spawn ssh admin@10.0.9.2\nexpect "password:"\nsend "{v}\\r"\nexpect "$ "\nsend "uptime\\r"\n',
            'expect "Password:" {{ send "{v}\\r" }}\n',
            "admin@10.0.9.2's password: \nexpect: does \"admin@10.0.9.2's password: \" (spawn_id exp4) match"
            ' glob pattern "*password:"? yes\nsend: sending "{v}\\r" to {{ exp4 }}\n',
            "child = pexpect.spawn('sudo -k true')\nchild.expect('Password:')\nchild.sendline('{v}')\n",
            "p.expect(b'Enter passphrase for key')\np.send(b'{v}\\n')\n",
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_what_a_scripted_session_sends_after_a_password_prompt_goes(template: str, seed: int) -> None:
    """expect's `send "…\\r"`, its trace's `send: sending "…"`, pexpect's `sendline('…')` after a prompt."""
    secret = rs.body(random.Random(seed), 16)
    rs.goes(template.format(v=secret), secret)


def test_what_a_scripted_session_sends_without_a_password_prompt_stays() -> None:
    """Commands sent after a login's other prompts, or after the password was already sent, stay."""
    rs.survives(
        'spawn ftp mirror.example.net\nexpect "Name:"\nsend "anonymous\\r"\nexpect "ftp>"\nsend "ls\\r"\n'
    )
    rs.survives(
        "child.expect('Password:')\nchild.sendline(PASSWORD)\nchild.expect('[$#] ')\n"
        "child.sendline('systemctl restart nginx-edge-42')\n"
    )


def test_a_generated_field_of_a_go_struct_printed_without_names_goes() -> None:
    """`&{https://api.example.net KEY 30s true}` (Go's `%v` of a pointer) loses its key; other fields stay."""
    secret = rs.body(random.Random(5), 40)
    text = f"2026/03/14 09:12:01 starting with &{{https://api.example.net {secret} 30s true}}\n"
    rs.goes(text, secret)
    assert "https://api.example.net" in redact_text(text)
    for text in (
        "x := &{ok 200 OK application/json 1234}",
        "&{0xc000123456 ReadWriteCloser k8s.io/client-go/rest 3s}",
    ):
        rs.survives(text)


def test_a_json_web_keys_yaml_read_with_line_numbers_loses_its_private_member() -> None:
    """A file reader's numbered lines (`     4→    d: …`, `cat -n`) hide no JWK member."""
    secret = rs.body(random.Random(11), 43, rs.URLSAFE)
    rs.goes(
        f"     1\u2192keys:\n     2\u2192  - kty: EC\n     3\u2192    x: 1\n     4\u2192    d: {secret}\n",
        secret,
    )
    rs.goes(f"     1\tkty: EC\n     2\tcrv: P-256\n     3\td: {secret}\n", secret)
