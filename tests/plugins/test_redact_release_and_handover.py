"""The built-in redactor on the families the ninth corpus's holdout (release tooling, Windows
administration, CMS and commerce, IoT) and the twelfth's (text people write about work: chat, e-mail,
wikis, runbooks) found missed or wrongly redacted, each with a near look-alike that must stay."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

SEEDS = st.integers(min_value=0, max_value=2**32)


def _password(rng: random.Random) -> str:
    """A generated password: letters of both cases, digits and a symbol."""
    return rs.body(rng, 12) + rng.choice("!#%^*") + rs.body(rng, 3)


def _hex(rng: random.Random, size: int) -> str:
    return rs.body(rng, size, rs.HEX)


@given(
    layout=st.sampled_from(
        [
            "$ security create-keychain -p {p} build.keychain",
            "$ security unlock-keychain -p '{p}' ~/Library/Keychains/ci.keychain-db",
            "security set-keychain-password -o {p} -p {p} login.keychain",
            "$ security import dist.p12 -k build.keychain -P {p} -T /usr/bin/codesign",
            "C:\\> ktpass /princ HTTP/web01@CORP.EXAMPLE /mapuser CORP\\svc /pass {p} /out w.keytab",
            "ktpass -princ host/db01@CORP -pass {p} -out db01.keytab",
            "netdom join WS-042 /domain:corp.example /userd:corp\\admin /passwordd:{p}",
        ]
    ),
    seed=SEEDS,
)
def test_a_password_given_to_a_keychain_or_a_windows_admin_tool_goes(layout: str, seed: int) -> None:
    """macOS's `security` keychain commands, `ktpass /pass`, `netdom /passwordd:`."""
    password = _password(random.Random(seed))
    rs.goes(layout.format(p=password), password)


def test_the_same_commands_asking_for_the_password_stay() -> None:
    for text in (
        '$ security unlock-keychain -p "$KEYCHAIN_PASSWORD" build.keychain',
        "$ security find-generic-password -s ci -w",
        "ktpass /princ HTTP/web01@CORP /mapuser CORP\\svc /pass * /out web01.keytab",
        "netdom join WS-042 /domain:corp.example /userd:corp\\admin /passwordd:*",
        "$ wandb login --host=https://wandb.example.com",
        "$ wandb login --relogin",
    ):
        rs.survives(text)


@given(relogin=st.booleans(), seed=SEEDS)
def test_a_key_given_to_a_login_command_goes(relogin: bool, seed: int) -> None:
    """Weights & Biases' `wandb login KEY` (40 hex digits), as cargo's and ngrok's tokens go."""
    key = _hex(random.Random(seed), 40)
    rs.goes(f"$ wandb login {'--relogin ' if relogin else ''}{key}\nwandb: Appending key", key)


@given(seed=SEEDS)
def test_literals_joined_into_a_password_go(seed: int) -> None:
    """Salesforce's password and security token given as one (`setPassword("…" + "…")`), and a
    password given to an MQTT connect message's `authenticateAs(user, "…")`."""
    rng = random.Random(seed)
    password, token = _password(rng), rs.body(rng, 25)
    text = f'config.setUsername("integration@example.com");\nconfig.setPassword("{password}" + "{token}");'
    rs.goes(text, password)
    rs.goes(text, token)
    rs.goes(f"    .authenticateAs('field-app', '{password}')\n    .startClean();", password)


def test_a_password_call_with_names_stays() -> None:
    for text in (
        "config.setPassword(password + securityToken);",
        'config.setPassword(System.getenv("SF_PASSWORD") + System.getenv("SF_TOKEN"));',
        ".authenticateAs('field-app', password)",
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            '<machineKey validationKey="{H}" decryptionKey="{h}" validation="HMACSHA256" />',
            "$settings['hash_salt'] = '{b}';",
            "    'crypt' => ['key' => '{h}'],",
            "[2025-07-20 04:35] Chloe: it's the Azure one – key1: {h}  region: westeurope",
            '{{"key1": "{h}", "key2": "{h2}"}}',
            "KEY2={b}",
            "[core]\nexecutor = CeleryExecutor\nfernet_key = -{b}=\n",
            "AES_KEY={b}",
        ]
    ),
    seed=SEEDS,
)
def test_keys_and_salts_their_frameworks_name_so_go(layout: str, seed: int) -> None:
    """ASP.NET's `validationKey`, Drupal's `hash_salt`, Magento's `crypt` key (a PHP array's name
    qualifies its `key` as a JSON object's does), Azure's numbered pair `key1`/`key2`, keys named for
    their cipher (Airflow's `fernet_key`, base64url that may start with `-`; `AES_KEY`)."""
    rng = random.Random(seed)
    h, h2, b = _hex(rng, 32), _hex(rng, 32), rs.body(rng, 43)
    text = layout.format(H=_hex(rng, 64).upper(), h=h, h2=h2, b=b)
    for secret in (h, h2, b):
        if secret in text:
            rs.goes(text, secret)
    if "validationKey" in layout:
        rs.goes(text, text.split('"')[1])


def test_the_same_names_without_a_secret_stay() -> None:
    for text in (
        '<machineKey validationKey="AutoGenerate,IsolateApps" decryptionKey="AutoGenerate,IsolateApps" />',
        "$settings['hash_salt'] = file_get_contents('/home/example/salt.txt');",
        "    'cache' => ['key' => 'product_listing_page_v2'],",
        '{"key1": "value1", "key2": "value2"}',
        "redis-cli SET key1 hello",
        "fernet_key = {{ var.value.fernet }}",
        "aes_key_size = 256",
    ):
        rs.survives(text)


@given(seed=SEEDS)
def test_a_salesforce_consumer_key_stays_and_its_secret_goes(seed: int) -> None:
    """A connected app's consumer key (`3MVG9…`) is its OAuth client id; the consumer secret goes."""
    rng = random.Random(seed)
    client_id = "3MVG9" + rs.body(rng, 80, rs.URLSAFE)
    secret = _hex(rng, 64).upper()
    rs.survives(f'salesforce:\n  consumerKey: "{client_id}"\n')
    rs.goes(f'salesforce:\n  consumerKey: "{client_id}"\n  consumerSecret: "{secret}"\n', secret)


@given(
    layout=st.sampled_from(
        [
            "| Variable | Value | Notes |\n| --- | --- | --- |\n| `PORT` | 8080 |  |\n"
            "| `ALGOLIA_ADMIN_KEY` | {h} | server only |",
            "| `SENDGRID_API_KEY` | `{b}` | rotate yearly |",
            "| DB_PASSWORD | {p} | prod only |",
            "My `config/master.key` is `{h}` and I'm sure it's the one from the original machine.",
            "our secrets/signing.key is {b} (don't ask)",
            "      parameters:\n        - in: header\n          name: X-API-Key\n          example: {b}\n",
            '{{"in": "header", "name": "X-Api-Key", "example": "{b}"}}',
            "   - password: {p}\n   - MFA recovery code: {r}\n2. Log every action.",
            'recovery_codes: ["{r}", "{r2}"]',
            "I created an app password on scanner@example.com:\n\n    {a}\n\nEnter it in the printer.",
            "Here is the new app password:\n    {a}\n",
        ]
    ),
    seed=SEEDS,
)
def test_credentials_handed_over_in_notes_tables_and_api_descriptions_go(layout: str, seed: int) -> None:
    """A table row of a name, its value and a note; a key file said to be a value; an OpenAPI example
    of a secret header; recovery codes; an app password on its own line below its announcement."""
    rng = random.Random(seed)
    values = {
        "h": _hex(rng, 32),
        "b": rs.body(rng, 32),
        "p": _password(rng),
        "r": _hex(rng, 5) + "-" + _hex(rng, 5),
        "r2": _hex(rng, 5) + "-" + _hex(rng, 5),
        "a": " ".join("".join(rng.choice("bcdfghjkmnpqrstvwxz") for _ in range(4)) for _ in range(4)),
    }
    text = layout.format(**values)
    for key, secret in values.items():
        if "{" + key + "}" in layout:
            rs.goes(text, secret)


def test_prose_and_records_about_credentials_without_one_stay() -> None:
    """A note's amount after a key's mention, a webhook's signature labelled with its algorithm, an
    alert's grouping key, a docs table of types, a key file's path, recovery codes spoken of."""
    rng = random.Random(5)
    digest, incident = _hex(rng, 64), _hex(rng, 32)
    for text in (
        "- The leaked OpenAI key (key name `eval-runner`) was revoked; usage during that window: $0.12.",
        "- Rotating the key cost us: 12.5% of the quota.",
        f'assert verify(payload, "sha256={digest}", load_secret()) is False',
        f"X-Hub-Signature-256: sha256={digest}",
        f'    "incident_key": "{incident}",',
        "| Name | Type | Notes |\n| --- | --- | --- |\n| `API_TOKEN` | string | from the settings |",
        "The key in /etc/ssl/private/server.key is read by nginx.",
        "My `config/master.key` is `missing` after the clone.",
        "Save your recovery codes in a safe place.",
        "The recovery code was used on 2025-03-01.",
        "        - in: header\n          name: X-API-Key\n          example: YOUR_API_KEY\n",
        "        - in: header\n          name: X-Request-Id\n          example: " + rs.body(rng, 24) + "\n",
        "Reset your password:\n\n    see the wiki page for the steps\n",
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            "C:\\> net use Z: \\\\fs01\\projects /user:CORP\\svc-gw {a}&{b} /persistent:yes",
            "openssl pkcs12 -export -out w.pfx -inkey w.key -in w.crt -passout pass:{a}&{b}",
            "> **Note** the key below is the *shared key*, rate limited:\n> `{u}` (env `us-east-1`)",
            "> the new password is:\n> {a}{b}\n",
            "The key for staging:\n`{a}{b}` (expires Friday)\n",
        ]
    ),
    seed=SEEDS,
)
def test_a_password_holding_an_ampersand_and_a_value_quoted_below_its_announcement_go(
    layout: str, seed: int
) -> None:
    """An `&` glued inside a client's password ends no command; a value announced on the line before,
    in a quoted reply (`> `) or in inline code with an aside after it, goes."""
    rng = random.Random(seed)
    a, b = rs.body(rng, 8), _password(rng)
    u = "-".join(_hex(rng, n) for n in (8, 4, 4, 4, 12))
    text = layout.format(a=a, b=b, u=u)
    for secret in (a, b, u):
        if secret in text:
            rs.goes(text, secret)


def test_commands_after_a_password_and_words_below_an_announcement_stay() -> None:
    for text in (
        'mysql -u root -p"$DB_PASSWORD" && echo ok',
        "Your password:\n> see the vault entry (vault/prod/db)\n",
        "Set the key:\n> `config/settings.yaml` (see docs)\n",
    ):
        rs.survives(text)


@given(seed=SEEDS)
def test_a_password_starting_with_a_bang_goes_and_yaml_tags_stay(seed: int) -> None:
    """A password may start with `!` (`Passcode: !…~…`); a YAML tag (`!Ref`, `!Sub`) is no value."""
    rng = random.Random(seed)
    password = "!" + rs.body(rng, 6) + rng.choice("~#%^*") + rs.body(rng, 3)
    rs.goes(f"Recording: https://example.zoom.us/rec/share/abc\nPasscode: {password}\n", password)
    rs.survives("MasterUserPassword: !Ref DbPassword\nDB_PASSWORD: !GetAtt Secret.Arn\n")
    rs.survives("password: !Sub '{{resolve:secretsmanager:db}}'\n")


@given(account=st.sampled_from(["root", "admin", "Administrator", "apc", "ubnt", "pi", "sa"]), seed=SEEDS)
def test_a_row_of_logins_without_a_header_loses_its_passwords(account: str, seed: int) -> None:
    """A transcribed sticky note or a hand-over list: a device, an administrator's account and its
    password, aligned with blanks, no header and no word naming a credential."""
    rng = random.Random(seed)
    first, second = (
        _password(rng),
        rs.body(rng, 6, "abcdefghijkmnpqrstuvwxyz0123456789") + "-" + rs.body(rng, 6),
    )
    text = (
        "Transcribed from the note on the rack (photo in the ticket):\n\n"
        f"  iDRAC r740-01  {account}  {first}\n  UPS mgmt       {account}   {second}\n\nRemoved the note."
    )
    rs.goes(text, first)
    rs.goes(text, second)


def test_listings_with_an_administrators_account_stay() -> None:
    for text in (
        "drwxr-xr-x  5 root  wheel  160 Dec  7 10:00 dir",
        "root         1  0.0  0.1 167M  11M ?        Ss   Dec07   0:02 /sbin/init",
        "web01  admin  enabled\ndb01  postgres  /var/lib/postgresql/16/main",
        "sw01  cisco  2025-03-01T10:00:00Z",
        "| r740-01 | root | see the vault |",
    ):
        rs.survives(text)


@given(letter=st.sampled_from("PcXk"), seed=SEEDS)
def test_a_password_with_a_letter_before_an_equals_sign_is_no_setting(letter: str, seed: int) -> None:
    """`drush user:password admin 'P=…'`: a letter alone before `=` names no setting."""
    password = letter + "=" + rs.body(random.Random(seed), 16)
    rs.goes(f"$ drush user:password admin '{password}'\n [success] Changed password for admin.\n", password)
    rs.survives("the password rule is PASSWORD_MIN_LENGTH=12 now")


def test_a_password_drawn_at_random_that_holds_a_secret_word_is_no_secrets_name() -> None:
    """`ue36ck-HFPwd8` holds `Pwd` by chance: letters drawn at random, a password, not the name of
    one (`db-password`, which stays where a name is meant)."""
    password = "ue" + "36" + "ck-" + "HF" + "Pwd" + "8"
    rs.goes(f"  UPS mgmt       root   {password}\n", password)
    rs.goes(f"region,secret\nregion-0,{password}\n", password)
    rs.survives("  password_ref: db-password\n")
