"""The built-in redactor on text inside the containers other tools write (terminal recordings, tmux
dumps, CI logs, request collections, Kubernetes manifests), as a sixteenth corpus written blind to the
rules found wrongly redacted or missed, and their look-alikes."""

from __future__ import annotations

import base64
import json
import random
import sys
from pathlib import Path

from hypothesis import assume, given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

from autopilot.plugins.redact.engine import redact_text
from autopilot.plugins.redact.values import is_placeholder

SEEDS = st.integers(min_value=0, max_value=2**32)
PROMPT = "\x1b[?2004h\x1b[01;32mdev@box\x1b[00m:\x1b[01;34m~/api\x1b[00m$ "


# --- a terminal's codes on a line of their own --------------------------------------------------


def test_a_line_of_terminal_codes_after_a_length_check_stays() -> None:
    rs.survives(f"{PROMPT}echo ${{#GITHUB_TOKEN}}\r\n\x1b[?2004l\r\n40\r\n{PROMPT}exit\r\n")


@given(SEEDS)
def test_a_secret_echoed_after_a_line_of_terminal_codes_goes(n: int) -> None:
    token = rs.body(random.Random(n), 32)
    rs.goes(f"{PROMPT}echo $GITHUB_TOKEN\n\x1b[?2004l\n{token}\n{PROMPT}exit\n", token)


# --- names, options and variables that stand where a value would --------------------------------


def test_names_listed_under_a_secret_keyword_stay() -> None:
    rs.survives(
        "vars {\n  baseUrl: https://api.example.io\n}\nvars:secret [\n  password,\n  accessToken\n]\n"
    )


def test_fetch_credentials_option_stays() -> None:
    for option in ("include", "omit", "same-origin"):
        rs.survives(f'fetch(url, {{\n  "method": "GET",\n  "credentials": "{option}"\n}});\n')


def test_a_restclient_variable_after_bearer_stays() -> None:
    rs.survives(':token := (getenv "API_TOKEN")\n\nGET :host/v1/users\nAuthorization: Bearer :token\n')


@given(SEEDS)
def test_a_bearer_token_in_a_request_file_goes(n: int) -> None:
    token = rs.body(random.Random(n), 32)
    rs.goes(f"GET https://api.example.io/v1/users\nAuthorization: Bearer {token}\n", token)


def test_a_sed_pattern_masking_a_password_stays() -> None:
    rs.survives("git credential fill | sed 's/^password=.*/password=<hidden>/'\nusername=dev\n")
    rs.survives("env | sed 's/TOKEN=.+/TOKEN=***/'")


@given(SEEDS)
def test_a_password_beside_a_sed_line_goes(n: int) -> None:
    password = rs.body(random.Random(n), 16)
    rs.goes(f"git credential fill | sed 's/x/y/'\npassword={password}\n", password)


# --- what a filter prints -------------------------------------------------------------------------


def test_a_key_id_printed_by_jq_stays() -> None:
    kid = "jTt7o3ybTdnGmFAT_002hUI67LzcM74llsQbF-3I"
    rs.survives(f"$ curl -s https://sso.example.io/certs | jq -r '.keys[0].kid'\n{kid}\n")
    rs.survives(f"$ jq -r '.token_endpoint' openid.json\n{kid}\n")


@given(SEEDS)
def test_a_key_printed_by_jq_goes(n: int) -> None:
    key = rs.body(random.Random(n), 40)
    rs.goes(f"$ az storage account keys list -n st | jq -r '.keys[0].value'\n{key}\n", key)


# --- keys made for browsers -----------------------------------------------------------------------


@given(SEEDS)
def test_a_search_only_key_stays_and_an_admin_key_goes(n: int) -> None:
    key = rs.body(random.Random(n), 32, rs.HEX)
    for name in ("search_only_api_key", "searchOnlyApiKey", "ALGOLIA_SEARCH_ONLY_KEY"):
        rs.survives(f"extra:\n  algolia:\n    app_id: UBN01R4YTO\n    {name}: {key}\n")
    rs.goes(f"extra:\n  algolia:\n    app_id: UBN01R4YTO\n    admin_api_key: {key}\n", key)
    rs.goes(f"BRAVE_SEARCH_API_KEY={key}", key)


# --- a Kubernetes Secret holding public material --------------------------------------------------


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _armoured(label: str, body: str) -> str:
    dashes = "-" * 5
    return f"{dashes}BEGIN {label}{dashes}\n{body}\n{dashes}END {label}{dashes}\n"


def _secret(items: dict[str, str]) -> str:
    lines = "".join(f"  {key}: {value}\n" for key, value in items.items())
    return f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-tls\ntype: Opaque\ndata:\n{lines}"


@given(SEEDS)
def test_a_certificate_public_key_and_fingerprint_in_a_secret_stay(n: int) -> None:
    rng = random.Random(n)
    cert = _armoured("CERTIFICATE", rs.body(rng, 64, rs.B64))
    public = _armoured("PUBLIC KEY", rs.body(rng, 64, rs.B64))
    digest = rs.body(rng, 64, rs.HEX)
    rs.survives(_secret({"ca.crt": _b64(cert), "cosign.pub": _b64(public), "fingerprint": _b64(digest)}))


@given(SEEDS)
def test_a_private_key_or_password_beside_a_certificate_in_a_secret_goes(n: int) -> None:
    rng = random.Random(n)
    cert = _armoured("CERTIFICATE", rs.body(rng, 64, rs.B64))
    key = _b64(_armoured("PRIVATE KEY", rs.body(rng, 64, rs.B64)))
    bundle = _b64(cert + _armoured("PRIVATE KEY", rs.body(rng, 64, rs.B64)))
    password = _b64(rs.body(rng, 20))
    digest = _b64(rs.body(rng, 64, rs.HEX))
    text = _secret(
        {"tls.crt": _b64(cert), "tls.key": key, "tls.pem": bundle, "password": password, "salt": digest}
    )
    # (base64 of a whole PEM may spell a placeholder's word by chance, `dummy`: such a value stays)
    assume(not any(is_placeholder(value) for value in (key, bundle, password, digest)))
    for secret in (key, bundle, password, digest):
        rs.goes(text, secret)


# --- a token's short form -------------------------------------------------------------------------


@given(SEEDS)
def test_a_token_shown_by_its_short_form_stays_and_a_whole_token_goes(n: int) -> None:
    rng = random.Random(n)
    line = 'Uploading artifacts as "junit" to coordinator... 201 Created  id=2082050905'
    rs.survives(f"{line} token={rs.body(rng, 8)}\n")
    token = rs.body(rng, 20)
    rs.goes(f"{line} token={token}\n", token)


# --- an asciinema cast's output cut at write boundaries -------------------------------------------


def _cast(*chunks: str) -> str:
    header = json.dumps({"version": 2, "width": 80, "height": 24, "env": {"TERM": "xterm-256color"}})
    events = "".join(
        json.dumps([round(1.5 + index / 10, 6), "o", chunk]) + "\n" for index, chunk in enumerate(chunks)
    )
    return header + "\n" + events


def _gone(text: str, *pieces: str) -> None:
    """Each piece is gone from the cast as written and as an agent's log holds it, escaped once (a
    terminal's line break escaped twice, `\\\\r\\\\n` in the text, ends no line the rules read)."""
    for form in rs.forms(text)[:2]:
        redacted = redact_text(form)
        assert not any(piece in redacted for piece in pieces), form


@given(SEEDS, st.integers(min_value=3, max_value=13))
def test_a_password_cut_across_a_casts_events_goes(n: int, cut: int) -> None:
    password = rs.body(random.Random(n), 16, rs.ALNUM + "!#%*+~")  # (`a=b` reads as a setting)
    command = "$ kubectl get secret grafana -o jsonpath='{.data.admin-password}' | base64 -d; echo\r\n"
    _gone(_cast(command, password[:cut], password[cut:] + "\r\n", "$ "), password[:cut], password[cut:])


@given(SEEDS, st.integers(min_value=4, max_value=30))
def test_a_key_cut_after_its_name_in_a_cast_goes(n: int, cut: int) -> None:
    key = rs.body(random.Random(n), 40)
    text = _cast(
        "$ cat .env\r\n", "\u001b[38;5;203mDB_PASSWORD\u001b[0m=", key[:cut], key[cut:] + "\r\n", "$ "
    )
    _gone(text, key[:cut], key[cut:])
    assert all(
        json.loads(line)[1] == "o" for line in redact_text(text).splitlines()[1:]
    )  # each event stays one


def test_a_casts_output_without_a_secret_stays() -> None:
    digest = "sha256:" + "0123456789abcdef" * 4
    rs.survives(
        _cast("$ docker pull nginx\r\n", "latest: Pulling from library/nginx\r\n", f"Digest: {digest}\r\n")
    )
    rs.survives(_cast("$ echo ${#GITHUB_TOKEN}\r\n", "40", "\r\n", "$ "))


# --- masks, refused values and names that tools print ---------------------------------------------


def test_masks_refused_values_and_variable_names_stay() -> None:
    rs.survives("users:\n- name: admin\n  user:\n    client-key-data: DATA+OMITTED\n    token: REDACTED\n")
    rs.survives('resp = client.post("/login", data={"username": "alice", "password": "wrong"})')
    rs.survives('assert login("alice", password="incorrect") is False')
    rs.survives("--2024-03-01 10:00:00--  ftp://backup:*password*@ftp.example.com/dump.sql")
    rs.survives("direnv: export +AWS_ACCESS_KEY_ID +AWS_SECRET_ACCESS_KEY +DATABASE_PASSWORD ~PATH")
    rs.survives("oathtool --totp=sha256 -b $MFA_SEED")


@given(SEEDS)
def test_a_password_beside_those_look_alikes_goes(n: int) -> None:
    rng = random.Random(n)
    password, other = rs.body(rng, 14), rs.body(rng, 14)
    rs.goes(f"ftp://backup:{password}@ftp.example.com/dump.sql", password)
    rs.goes(f"export DATABASE_PASSWORD=+{other}", other)


# --- Robot Framework's variable table --------------------------------------------------------------


@given(SEEDS, st.sampled_from(["${PASSWORD}", "${API_TOKEN}", "${db password}", "&{ADMIN_SECRET}"]))
def test_a_secret_variable_of_a_robot_suite_goes(n: int, name: str) -> None:
    value = rs.body(random.Random(n), 18)
    suite = (
        "*** Settings ***\nLibrary    SeleniumLibrary\n\n*** Variables ***\n${USER}    qa-bot\n"
        f"{name}    {value}\n\n*** Test Cases ***\nLogin\n    Input Password    id:pass    {name}\n"
    )
    rs.goes(suite, value)


def test_robot_variables_that_hold_no_secret_stay() -> None:
    rs.survives(
        "*** Variables ***\n${BASE_URL}       https://crm.example.com\n${USERNAME}       qa-bot\n"
        "${PASSWORD}       %{ROBOT_PASSWORD}\n${TOKEN}    ${EMPTY}\n\n*** Test Cases ***\n"
    )


# --- a one-time password's seed ------------------------------------------------------------------


@given(SEEDS)
def test_a_totp_seed_in_a_password_managers_item_goes(n: int) -> None:
    rng = random.Random(n)
    seed = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(32))
    assume(not is_placeholder(seed))
    rs.goes(f'{{"login": {{"username": "relay@example.eu", "totp": "{seed}", "uris": []}}}}', seed)


def test_a_totp_code_or_setting_stays() -> None:
    rs.survives('{"totp": null, "totp_enabled": true}\ntotp: 482913\nauth:\n  totp: true\n')


# --- an element in a namespace, fields a password manager reveals, a seed phrase on its own line ---


@given(SEEDS)
def test_a_password_in_a_namespaced_xml_element_goes(n: int) -> None:
    password = rs.body(random.Random(n), 18)
    rs.goes(
        f"      <con:credentials>\n          <con:username>merchant_4711</con:username>\n"
        f"          <con:password>{password}</con:password>\n      </con:credentials>\n",
        password,
    )


def test_a_namespaced_element_that_holds_no_password_stays() -> None:
    rs.survives(
        "<con:credentials>\n  <con:password/>\n  <con:authType>Preemptive</con:authType>\n</con:credentials>"
    )


@given(SEEDS)
def test_fields_revealed_by_op_item_get_go(n: int) -> None:
    password = rs.body(random.Random(n), 20)
    command = '~ ❯ op item get "Prod DB" --vault Infra --fields label=username,label=password --reveal'
    rs.goes(f"{command}\npostgres,{password}\n~ ❯ ", password)


def test_fields_that_hold_no_secret_printed_by_op_stay() -> None:
    rs.survives(
        '~ ❯ op item get "Prod DB" --fields label=username,label=server --reveal\npostgres,db.internal\n'
    )


@given(SEEDS)
def test_a_seed_phrase_on_the_line_after_its_announcement_goes(n: int) -> None:
    from autopilot.plugins.redact.patterns import _bip39_words

    rng = random.Random(n)
    phrase = " ".join(rng.sample(sorted(w.decode() for w in _bip39_words()), 12))
    text = f"Save this seed phrase to recover your new keypair:\r\n{phrase}\r\n{'=' * 40}\r\n"
    rs.goes(text, phrase)


def test_words_after_a_line_naming_a_phrase_stay() -> None:
    rs.survives(
        "Enter the passphrase for your key:\r\nthe agent will keep it for this login session only\r\n"
    )


# --- what Bitwarden's CLI prints -----------------------------------------------------------------


@given(SEEDS)
def test_a_password_printed_by_bw_get_goes_and_the_items_name_stays(n: int) -> None:
    password = rs.body(random.Random(n), 18)
    text = f'$ bw get password "Prod DB"\n{password}\n$ '
    rs.goes(text, password)
    assert "Prod DB" in redact_text(text)


@given(SEEDS)
def test_what_a_get_subcommand_prints_on_the_next_line_still_goes(n: int) -> None:
    """A secret's name after `get` names an item, but the command's output below it is the value."""
    value = base64.b64encode(rs.body(random.Random(n), 14).encode()).decode()
    text = f"$ kubectl get secret db-creds -o jsonpath='{{.data.password}}'\n{value}\n$ "
    rs.goes(text, value)


# --- a password typed by a driven browser ----------------------------------------------------------


@given(SEEDS)
def test_a_password_typed_into_a_password_field_goes(n: int) -> None:
    password = rs.body(random.Random(n), 16)
    for line in (
        f"await page.fill('#password', '{password}');",
        f"await page.getByLabel('Password').fill('{password}');",
        f"cy.get('input[name=password]').type('{password}')",
        f'driver.find_element(By.ID, "password").send_keys("{password}")',
        f"await $('#password').setValue('{password}')",
    ):
        rs.goes(line, password)


def test_what_is_typed_into_other_fields_or_read_from_elsewhere_stays() -> None:
    rs.survives(
        "await page.fill('#email', 'ana@example.com');\n"
        "await page.getByLabel('Email').fill('Qp4rT8vW2yZn5Ls');\n"
        "await page.fill('#password', process.env.E2E_PASSWORD);\n"
        "cy.get('input[name=password]').type(Cypress.env('PASSWORD'))\n"
        "cy.get('#password').type('{enter}')\n"
    )


# --- a connection token and a log's signature in a URL --------------------------------------------


@given(SEEDS)
def test_a_connection_token_and_a_log_urls_signature_go(n: int) -> None:
    rng = random.Random(n)
    token, signature = rs.body(rng, 32, rs.HEX), rs.body(rng, 43, rs.B64)
    rs.goes(f"Web UI available at http://localhost:3000/?tkn={token}", token)
    url = "https://pipelines.actions.githubusercontent.com/logs/1?urlExpires=2024-01-01T00%3A00%3A00Z"
    rs.goes(f"{url}&urlSigningMethod=HMACV1&urlSignature={signature}%3D", signature)


def test_a_url_without_its_token_or_signature_stays() -> None:
    rs.survives(
        "http://localhost:3000/?folder=/home/dev/app\nhttps://x.example.net/logs/1?urlExpires=2024&urlSigningMethod=HMACV1"
    )
