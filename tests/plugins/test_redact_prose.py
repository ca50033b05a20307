"""The built-in redactor on credentials people hand over in the text they write about work (issue
and review threads, chat lines and exports, e-mail, wikis, runbooks, tickets), in English and other
languages: a password after a label with markup around it, a table row's label of several words, a
sentence that links a password's name to its value, a login written as ``user / password``; and the
look-alikes of the same world that must stay (a password manager's name, ids, dates, placeholders)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

from autopilot.plugins.redact.engine import redact_text

WORDS = ("harbor", "copper", "falcon", "orchid", "maple", "cobalt", "velvet", "glacier", "walnut", "otter")
SYMBOLS = "!#%*+?@^~"


def human_password(rng: random.Random) -> str:
    """A password as people make one: words, digits and a symbol (`Falcon#Maple42`)."""
    first, second = rng.choice(WORDS).capitalize(), rng.choice(WORDS)
    return f"{first}{rng.choice(SYMBOLS)}{second}{rng.randint(10, 9999)}"


def passphrase(rng: random.Random) -> str:
    """Four words joined by hyphens, as password managers generate them."""
    return "-".join(rng.sample(WORDS, 4))


def generated(rng: random.Random) -> str:
    return rs.body(rng, rng.choice((24, 32, 40)))


PASSWORDS = st.sampled_from([human_password, passphrase, generated])
SEEDS = st.integers(min_value=0, max_value=2**32)


def _goes(template: str, make: object, seed: int) -> None:
    secret = make(random.Random(seed))  # type: ignore[operator]
    rs.goes(template.format(secret=secret), secret)


# -- a label with markup around it, or a table row's label of several words ------------------------


@given(
    make=PASSWORDS,
    seed=SEEDS,
    template=st.sampled_from(
        [
            "**Password:** {secret}\n",
            "**Kennwort:** {secret}\n\nBei Ausfall bitte zuerst anrufen.\n",
            "- **Admin password**: {secret}\n",
            "* User: <code>root</code>\n* Password: <code>{secret}</code>\n",
            "| Setting | Value |\n|---|---|\n| Admin password | {secret} |\n| Port | 8443 |\n",
        ]
    ),
)
def test_a_labelled_password_goes_whatever_the_markup(make: object, seed: int, template: str) -> None:
    _goes(template, make, seed)


@given(
    seed=SEEDS,
    template=st.sampled_from(
        [
            "| Setting | Value |\n|---|---|\n| Pre-shared key | `{secret}` |\n",
            "| API key | `{secret}` |\n",
            "**Deploy token**: {secret}\n",
        ]
    ),
)
def test_a_labelled_key_goes_whatever_the_markup(seed: int, template: str) -> None:
    _goes(template, generated, seed)


@pytest.mark.parametrize(
    "text",
    [
        "| Public key | `AAAAC3NzaC1lZDI1NTE5AAAAIGx7Qm9vK2pL` |\n",
        "| Primary key | `user_id` |\n",
        "**Password:** stored in 1Password, item *Ops*\n",
        "* Password: <code>see the vault</code>\n",
        "| Password policy | 14 characters |\n",
    ],
)
def test_a_label_that_names_no_password_value_stays(text: str) -> None:
    rs.survives(text)


# -- a sentence linking a password's name to its value -------------------------------------------------


@given(
    make=PASSWORDS,
    seed=SEEDS,
    template=st.sampled_from(
        [
            "> Done — the shared mailbox password was reset to {secret}\n> It's set to never expire.\n",
            "new pw for the shared test account is {secret}",
            "the jitsi moderator password for tomorrow is <code>{secret}</code>",
            "grafana admin pw after the reset: {secret}\n",
            "Het wachtwoord voor de gedeelde mailbox is gereset naar {secret}. Wil je het wijzigen?\n",
            "Amara (15:13): Das WLAN-Passwort im Besprechungsraum lautet übrigens {secret}\n"
            "Yuki (15:14): Danke!\n",
        ]
    ),
)
def test_a_password_handed_over_in_a_sentence_goes(make: object, seed: int, template: str) -> None:
    _goes(template, make, seed)


@given(seed=SEEDS)
def test_a_key_handed_over_in_another_language_goes(seed: int) -> None:
    secret = rs.body(random.Random(seed), 40, rs.HEX)
    rs.goes(f"La chiave API per l'integrazione con il magazzino è {secret}.\n\nA presto,\n", secret)


@pytest.mark.parametrize(
    "text",
    [
        "The new password is stored in Vault at secret/data/prod/reporting-db (version 7).",
        "the token is in 1Password, item 'Stripe live'",
        "The token was revoked on 2025-04-25 and replaced by a URL-restricted public token.",
        "bot won't start, token is correct I swear",
        "the password is changed to OPS-1234 per the ticket",
        "the token hash is 9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c and the key fingerprint is SHA256:abc",
    ],
)
def test_a_sentence_about_a_password_without_one_stays(text: str) -> None:
    rs.survives(text)


# -- a login written as user / password -----------------------------------------------------------------


@given(
    make=PASSWORDS,
    seed=SEEDS,
    template=st.sampled_from(
        [
            "Admin panel of the router if it acts up: admin / {secret}\n",
            "- Guest Wi-Fi: `guest-net` / `{secret}`\n",
            "1. The old Jenkins box still runs the export. Admin: `admin` / `{secret}`\n",
            "<tr><td><p>INT</p></td><td><p>admin / <code>{secret}</code></p></td></tr>\n",
            "Connected to the replica with readonly / {secret} — replication lag is 0.",
            "the harbor robot account: robot$ci / {secret}",
        ]
    ),
)
def test_a_login_written_as_user_slash_password_loses_the_password(
    make: object, seed: int, template: str
) -> None:
    _goes(template, make, seed)


@pytest.mark.parametrize(
    "text",
    [
        "Open ports: TCP / UDP 443, read / write for the admin group",
        "Log in as admin / changeme and change it at once.",
        "root / <your password>",
        "admin login: admin / ******** (in 1Password)",
        "Builds for amd64 / arm64 are pushed by the CI account.",
        "The account's quota went from 2024-01-01 / 2024-06-30 to the new plan.",
    ],
)
def test_slashes_between_words_stay(text: str) -> None:
    rs.survives(text)


# -- look-alikes in the same world ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # a commit's subject after its scope, as `git log` prints it
        "commit 895580a6b10a9624b62fdb25806d4872f63f3964\nDate:   2025-09-10\n\n"
        "    auth: stop logging the Authorization header\n\n    The header was logged at DEBUG.\n",
        # the first four fields of .pgpass lines: no password printed
        "$ cat ~/.pgpass | cut -d: -f1-4\ndb-prod.internal:5432:billing:deploy_ro\n",
        # a listing's date and time beside a secret's name
        "Name                Updated                    Enabled\n"
        "------------------  -------------------------  ---------\n"
        "sql-admin-password  2025-02-26T12:13:11+00:00  True\n",
        # a JSON Web Token's id, a bundle's file name, a public key named after a secret
        "the job fails with `token expired` — token jti is `e32a5ac1-0e5c-40b0-84d2-11ad4eed473d`, issued",
        "The researcher found a Mapbox **secret** token in `main.d203ab53.js` (truncated in the report).",
        "not the client secret or the public key "
        "`3fec56aa14e4dc745dc009860a39f1e8510bf5fec727bc20510f26989221b650` from General Information",
    ],
)
def test_ids_dates_and_names_in_the_same_world_stay(text: str) -> None:
    rs.survives(text)


@given(seed=SEEDS)
def test_a_pgpass_line_with_its_password_still_loses_it(seed: int) -> None:
    secret = human_password(random.Random(seed))
    rs.goes(f"$ cat ~/.pgpass\ndb-prod.internal:5432:billing:deploy:{secret}\n", secret)


# -- wiki pages in HTML, rich text exports --------------------------------------------------------------


@given(
    make=PASSWORDS,
    seed=SEEDS,
    template=st.sampled_from(
        [
            "<table><tr><th>Password</th><td>{secret}</td></tr></table>",
            "<tr><td><p>Admin password</p></td><td><p><code>{secret}</code></p></td></tr>",
            "<p><strong>Password:</strong> {secret}</p>",
            "<p><b>Password</b>: {secret}</p>",
            "Temporary password: {secret}&x\n\nSign in at https://portal.example.com\n",
        ]
    ),
)
def test_a_password_in_a_wiki_pages_html_goes(make: object, seed: int, template: str) -> None:
    _goes(template, make, seed)


@given(
    make=PASSWORDS,
    seed=SEEDS,
    template=st.sampled_from(
        [
            # Slack's rich text blocks: the label and the value are elements of one block
            '{{"type": "rich_text_section", "elements": [\n'
            '  {{"type": "text", "text": "new pw for the shared test account is "}},\n'
            '  {{"type": "text", "text": "{secret}", "style": {{"code": true}}}}\n]}}',
            # Jira's ADF
            '{{"type":"paragraph","content":[{{"type":"text","text":"Password: "}},'
            '{{"type":"text","text":"{secret}","marks":[{{"type":"code"}}]}}]}}',
        ]
    ),
)
def test_a_password_in_the_next_rich_text_element_goes(make: object, seed: int, template: str) -> None:
    _goes(template, make, seed)


@given(seed=SEEDS)
def test_a_webhook_in_a_slack_export_with_escaped_slashes_goes(seed: int) -> None:
    rng = random.Random(seed)
    secret = rs.body(rng, 24)
    team, channel = (
        rs.body(rng, 10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
        rs.body(rng, 12, rs.ALNUM.upper()),
    )
    url = rf"https:\/\/hooks.slack.com\/services\/T{team}\/B{channel}\/{secret}"
    text = (
        '{"type":"message","subtype":"bot_message","text":"configured a new incoming webhook: <' + url + '>"}'
    )
    for form in (text, rs.forms(text)[1]):
        assert secret not in redact_text(form), form


@pytest.mark.parametrize(
    "text",
    [
        "<tr><td>Password</td><td>Used for the admin UI</td></tr>",
        "<tr><th>Password</th><th>URL</th></tr>",
        "<tr><td><p>Public key</p></td><td>AAAAC3NzaC1lZDI1NTE5AAAAIGx7Qm9vK2pL</td></tr>",
        '{"type":"paragraph","content":[{"type":"text","text":"Password: "},'
        '{"type":"text","text":"in 1Password"}]}',
        r'{"text":"docs: <https:\/\/api.slack.com\/messaging\/webhooks>"}',
    ],
)
def test_html_and_rich_text_without_a_credential_stay(text: str) -> None:
    rs.survives(text)


# -- keys given in prose, chat and code cells -----------------------------------------------------------


@given(
    seed=SEEDS,
    template=st.sampled_from(
        [
            ":key: Rotated `auth` service key.\nNew key: `{secret}`\nOld key id `d83c6b12`.\n",
            "Hi, we get 401 with our key {secret} since yesterday. Can you check?",
            "- The default JWT signing secret used when `JWT_SECRET` was unset (`{secret}`) is gone.",
            'co = cohere.Client("{secret}")\nemb = co.embed(texts=docs)\n',
            "Yuki (11:36): Und hast du noch den API-Schlüssel für die Wetterdaten?\n"
            "Diego (16:08): Klar: {secret} – aber bitte nicht ins Repo committen\n",
        ]
    ),
)
def test_a_key_given_in_prose_chat_or_a_code_cell_goes(seed: int, template: str) -> None:
    _goes(template, generated, seed)


@given(make=PASSWORDS, seed=SEEDS)
def test_a_password_given_to_nickserv_goes(make: object, seed: int) -> None:
    _goes(
        "[15:15] <tk> /msg NickServ IDENTIFY {secret}\n[15:16] <tk> wrong window, ignore that\n", make, seed
    )
    _goes("/msg NickServ IDENTIFY tk {secret}\n", make, seed)


@given(seed=SEEDS)
def test_a_bitbucket_app_password_goes_by_its_prefix(seed: int) -> None:
    secret = (
        "AT"
        + "BB"
        + rs.body(random.Random(seed), 32)
        + rs.body(random.Random(seed + 1), 8, "0123456789ABCDEF")
    )
    rs.goes(
        f"the old pipeline used my app password as `BB_AUTH` — `svc-ci:{secret}`. I'll revoke it.", secret
    )


@pytest.mark.parametrize(
    "text",
    [
        "The key `user_id` is the primary one; the new key is stored in Vault.",
        'client = Client("localhost:7233")',
        "what token does CI use?\nsee commit: 895580a6b10a9624b62fdb25806d4872f63f3964\n",
        "use /msg NickServ IDENTIFY <password> to log in",
        "the token format (`ghp_…`) changed in March",
    ],
)
def test_keys_named_in_prose_without_one_stay(text: str) -> None:
    rs.survives(text)
