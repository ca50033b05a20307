"""The built-in redactor on what an agent itself writes (tool-call inputs, patches, heredocs, commit
messages, replies), as a fifteenth corpus written blind to the rules found missed or wrongly
redacted: one-time password seeds, age identities off the bech32 alphabet, and their look-alikes."""

from __future__ import annotations

import random
import string
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

from autopilot.plugins.redact.values import is_placeholder

BASE32 = string.ascii_uppercase + "234567"
UPPER_DIGITS = string.ascii_uppercase + string.digits


def _base32(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(BASE32) for _ in range(n - 2)) + rng.choice("234567") + rng.choice("QRSTUV")


# --- one-time password seeds (TOTP/HOTP) ---------------------------------------------------------


SEEDS = st.integers(min_value=0, max_value=2**32)


@given(SEEDS, st.sampled_from([16, 26, 32]))
def test_a_totp_seed_given_to_oathtool_or_pyotp_goes(n: int, size: int) -> None:
    seed = _base32(random.Random(n), size)
    for text in (
        f"oathtool --totp -b {seed}",
        f"oathtool --totp -d 8 -b '{seed}'",
        f"oathtool -b --totp=sha256 {seed} | pbcopy",
        f'totp = pyotp.TOTP("{seed}")\nprint(totp.now())',
        f"code = pyotp.HOTP('{seed}').at(3)",
    ):
        rs.goes(text, seed)


@given(SEEDS)
def test_four_xs_drawn_inside_a_seed_do_not_make_it_a_placeholder(n: int) -> None:
    """`XXXX` typed at an end (`AKIAXXXX…`, `sk-xxxx`) is a placeholder; drawn inside random letters it
    is part of the secret (about one base32 seed of 16 in 70,000 holds it)."""
    rng = random.Random(n)
    seed = _base32(rng, 6) + "X" * 4 + _base32(rng, 6)
    rs.goes(f"oathtool --totp -b {seed}", seed)


def test_four_xs_typed_at_an_end_stay() -> None:
    for text in (
        "oathtool --totp -b XXXXXXXXXXXXXXXX",
        "api_key=sk-xxxx",
        "AWS_ACCESS_KEY_ID=AKIA" + "X" * 16,
    ):
        rs.survives(text)


def test_a_totp_seed_read_from_elsewhere_stays() -> None:
    for text in (
        'oathtool --totp -b "$MFA_SEED"',
        "oathtool --totp -b $(pass show mfa/github)",
        'totp = pyotp.TOTP(os.environ["MFA_SEED"])',
        "totp = pyotp.TOTP(pyotp.random_base32())",
        "oathtool --help",
    ):
        rs.survives(text)


# --- age identities ------------------------------------------------------------------------------


@given(SEEDS)
def test_an_age_identity_goes_even_off_the_bech32_alphabet(n: int) -> None:
    key = "AGE-SECRET-" + "KEY-1" + rs.body(random.Random(n), 58, UPPER_DIGITS)
    rs.goes(f"cat > key.txt <<EOF\n# public key: age1qqqq\n{key}\nEOF", key)
    rs.goes(f"Private key: {key} \u2014 save it to ~/.config/sops/age/keys.txt", key)


def test_an_age_identity_placeholder_stays() -> None:
    rs.survives("AGE-SECRET-" + "KEY-1" + "X" * 58)
    rs.survives("export SOPS_AGE_KEY_FILE=~/.config/sops/age/keys.txt")


# --- a cluster's shared cookie in camelCase ------------------------------------------------------


@given(SEEDS, st.sampled_from(["erlangCookie", "clusterCookie", "releaseCookie"]))
def test_a_camel_case_cookie_setting_goes(n: int, name: str) -> None:
    cookie = rs.body(random.Random(n), 40)
    rs.goes(f"rabbitmq:\n  auth:\n    username: billing\n    {name}: {cookie}\n  persistence: {{}}", cookie)
    rs.goes(f'{{"auth": {{"{name}": "{cookie}"}}}}', cookie)


def test_a_camel_case_cookie_setting_that_is_no_secret_stays() -> None:
    rs.survives("  sameSiteCookie: strict-mode-enabled\n  setCookie: true")
    rs.survives("    existingErlangSecret: rabbitmq-erlang")


# --- wallet seed phrases (BIP-39) ----------------------------------------------------------------


def _phrase(n: int) -> str:
    from mnemonic import Mnemonic

    rng = random.Random(n)
    return " ".join(rng.choice(Mnemonic("english").wordlist) for _ in range(rng.choice([12, 15, 18, 24])))


@given(SEEDS)
def test_a_seed_phrase_near_the_word_naming_it_goes(n: int) -> None:
    phrase = _phrase(n)
    for text in (
        f"Created a test wallet. Mnemonic (keep it out of git): {phrase}\nIts first address is 0xabc",
        f'const wallet = ethers.Wallet.fromPhrase("{phrase}");',
        f'let m = Mnemonic::from_phrase("{phrase}", Language::English)?;',
        f'{{"address": "0x1", "mnemonic": {{"phrase": "{phrase}", "path": "m/44\'/60\'/0\'/0/0"}}}}',
        f"echo '{phrase}' > ~/.wallet/seed.txt && chmod 600 ~/.wallet/seed.txt",
    ):
        rs.goes(text, phrase)


def test_prose_near_seed_or_phrase_stays() -> None:
    rs.survives(
        "Run the seed script to fill the tables with sample data before you start the app in dev mode"
    )
    rs.survives(
        "The phrase is used in a sentence that says nothing secret at all about any wallet or key here"
    )
    rs.survives("Enter passphrase for key '/home/dev/.ssh/id_ed25519':")


# --- a wallet's private keys in a YAML list of accounts -------------------------------------------


@given(SEEDS)
def test_private_keys_listed_under_accounts_go(n: int) -> None:
    rng = random.Random(n)
    first, second = rs.body(rng, 64, rs.HEX), rs.body(rng, 64, rs.HEX)
    text = f"networks:\n  sepolia:\n    accounts:\n      - 0x{first}\n      - '{second}'\n    gas: auto\n"
    rs.goes(text, first)
    rs.goes(text, second)


def test_an_address_listed_under_accounts_stays() -> None:
    rs.survives("    accounts:\n      - 0x" + "52908400098527886E0F7030069857D2E4169EE7" + "\n")


# --- a SealedSecret's ciphertext in a patch --------------------------------------------------------


@given(SEEDS)
def test_sealed_ciphertext_added_by_a_patch_stays_and_a_plain_password_beside_it_goes(n: int) -> None:
    rng = random.Random(n)
    sealed, plain = "Ag" + rs.body(rng, 120, rs.B64), rs.body(rng, 20)
    patch = (
        "*** Begin Patch\n*** Add File: k8s/db.yaml\n+kind: SealedSecret\n+spec:\n+  encryptedData:\n"
        f"+    password: {sealed}\n+  template:\n+    type: Opaque\n*** End Patch"
    )
    rs.survives(patch)
    diff = f"@@ -1 +1,5 @@\n+spec:\n+  encryptedData:\n+    password: {sealed}\n"
    diff += f"+stringData:\n+  password: {plain}\n"
    rs.goes(diff, plain)
    from autopilot.plugins.redact.engine import redact_text

    assert sealed in redact_text(diff)


# --- a value read from a file (`key=@/dev/stdin`) --------------------------------------------------


def test_a_value_read_from_a_file_stays() -> None:
    rs.survives("2. `vault kv put secret/billing stripe_key=@/dev/stdin`\n3. Confirm the version")
    rs.survives("vault kv put secret/app api_token=@/run/secrets/api_token db_password=@-")


@given(SEEDS)
def test_a_value_that_merely_starts_with_an_at_sign_goes(n: int) -> None:
    value = "@" + rs.body(random.Random(n), 24)
    rs.goes(f"vault kv put secret/billing stripe_key={value}", value[1:])


# --- a value echoed into a credential file ---------------------------------------------------------


@given(SEEDS, st.sampled_from([".vault_pass", "~/.ansible/vault_password.txt", "/etc/app/api_token"]))
def test_a_value_echoed_into_a_credential_file_goes(n: int, path: str) -> None:
    value = rs.body(random.Random(n), 18, rs.ALNUM + "!%^*=")
    rs.goes(f"echo '{value}' > {path} && chmod 600 {path} && ansible-playbook site.yml", value)
    rs.goes(f'echo "{value}" | sudo tee {path} > /dev/null', value)


def test_an_echo_into_a_credential_file_that_holds_no_secret_stays() -> None:
    rs.survives('echo "$VAULT_PASSWORD" > .vault_pass')
    rs.survives("echo '# vault password file' > .vault_pass")
    rs.survives("echo 'Xk93md' > notes.txt")


# --- a value changed, as an edit summary or a plan prints it -----------------------------------


@given(SEEDS)
def test_a_secret_names_new_value_after_an_arrow_goes(n: int) -> None:
    rng = random.Random(n)
    old, new = rs.body(rng, 32, rs.HEX), rs.body(rng, 32, rs.HEX)
    rs.goes(f'Applied 3 edits:\n  [datadog] api_key: "" -> "{new}"\n  [datadog] site: "datadoghq.eu"', new)
    text = f'  ~ resource "x" {{\n      ~ api_token = "{old}" -> "{new}"\n    }}'
    rs.goes(text, new)
    rs.goes(text, old)


def test_a_setting_changed_that_is_no_secret_stays() -> None:
    rs.survives('  ~ token_ttl = "1h" -> "2h"\n  [datadog] site: "datadoghq.com" -> "datadoghq.eu"')


# --- a Rails session cookie in prose ---------------------------------------------------------------


@given(SEEDS)
def test_a_rails_session_cookie_in_a_bug_report_goes(n: int) -> None:
    rng = random.Random(n)
    signed = rs.body(rng, 128, rs.B64) + "%3D--" + rs.body(rng, 40, rs.HEX)
    encrypted = "--".join(rs.body(rng, size, rs.B64) for size in (64, 16, 22)) + "%3D%3D"
    for cookie in (signed, encrypted):
        if is_placeholder(cookie):
            continue  # (parts joined by `--` may spell a placeholder's mark by chance: `…--HerE…`, `-here`)
        rs.goes(
            f"Repro:\n1. Set cookie `_acme_session={cookie}` on admin.example.com\n2. Open /refunds", cookie
        )


def test_a_session_word_that_is_no_cookie_stays() -> None:
    rs.survives("login ok user=bob session=expired--retry-later-please")


# --- a password made a char array where a call takes it (Java's key stores and ciphers) -------------


def _java_password(rng: random.Random) -> str:
    return rs.body(rng, 8) + rng.choice("!#%-_.") + rs.body(rng, 4)


@given(
    layout=st.sampled_from(
        [
            'try (InputStream in = Files.newInputStream(p12)) {{\n    ks.load(in, "{p}".toCharArray());\n}}',
            'kmf.init(ks, "{p}".toCharArray());',
            'PBEKeySpec spec = new PBEKeySpec("{p}".toCharArray(), salt, 65536, 256);',
            'Key key = keyStore.getKey("signing", "{p}".toCharArray());',
            'return new PasswordAuthentication("svc-mail", "{p}".toCharArray())',
            'keyStore.load(FileInputStream("client.jks"), "{p}".toCharArray())',
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_password_made_a_char_array_in_a_call_goes(layout: str, seed: int) -> None:
    """A literal made a char array where a call takes a password (`ks.load(in, "…".toCharArray())`) goes."""
    rng = random.Random(seed)
    password = _java_password(rng)

    rs.goes(layout.format(p=password), password)


def test_char_arrays_that_are_no_password_stay() -> None:
    """Alphabets, words and variables made char arrays stay."""
    rs.survives(
        'char[] HEX = "0123456789abcdef".toCharArray();\n'
        'for (char c : "aeiou".toCharArray()) { count(c); }\n'
        "ks.load(in, password.toCharArray());\n"
        'ks.load(in, System.getenv("KS_PASS").toCharArray());\n'
        'String.valueOf("hello".toCharArray(), 0, 3);'
    )


# --- a secret handed over in a commit message or prose after its variable's name or "the key" -----


@given(
    layout=st.sampled_from(
        [
            'git commit -m "Set production SECRET_KEY to {p}"',
            "rotate DB_PASSWORD to {p} tonight",
            "fix: set api_token to {p} for the staging job",
            "The new SMTP_PASSWORD is {p}",
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_secret_handed_over_after_its_variables_name_goes(layout: str, seed: int) -> None:
    """A value handed over after a variable's name and a linking word (`SECRET_KEY to …`) goes."""
    rng = random.Random(seed)
    secret = _java_password(rng) + rs.body(rng, 8)

    rs.goes(layout.format(p=secret), secret)


@given(
    layout=st.sampled_from(
        [
            "security: drop hard-coded Datadog key\n\nThe key {k} was committed in c4510b7.",
            "Our key {k} is the one in the vault.",
            "the rotated key {k} must be revoked",
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_hex_key_after_a_determiner_goes(layout: str, seed: int) -> None:
    """A key of 32 hex digits or more named in prose by `the key`, `our key` goes."""
    rng = random.Random(seed)
    key = rs.body(rng, 32, rs.HEX)

    rs.goes(layout.format(k=key), key)


def test_prose_about_variables_and_keys_without_a_value_stays() -> None:
    """Prose naming a variable or a key with no value after its linking word stays."""
    rs.survives(
        "we pass api_key to the client constructor\n"
        "the JWT_SECRET is still the default, see docs\n"
        "set DB_PASSWORD to the value in the vault\n"
        "the key 12345678901234567890123456789012 is a number\n"
        "the commit 3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a fixed it\n"
        "SECRET_KEY to be rotated on 2026-01-01"
    )


# --- the users a basic-auth middleware accepts, each `user:credential` (Traefik) ------------------


@given(
    layout=st.sampled_from(
        [
            "http:\n  middlewares:\n    dashboard-auth:\n      basicAuth:\n        users:\n"
            '          - "admin:{p}"\n          - "ops:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"',
            "      basicAuth:\n        users:\n          - ops:{p}\n  routers: {{}}",
            '{{"http": {{"middlewares": {{"auth": {{"basicAuth": {{"users": ["admin:{p}"]}}}}}}}}}}',
            '[http.middlewares.auth.basicAuth]\n  users = ["u2:$2y$05$abc", "admin:{p}"]',
            '  - "traefik.http.middlewares.auth.basicauth.users=admin:{p},ops:$$apr1$$a$$b"',
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_password_in_a_basic_auth_users_list_goes(layout: str, seed: int) -> None:
    """A password in clear in a basic-auth middleware's `users` list (Traefik's, any syntax) goes."""
    rng = random.Random(seed)
    password = _java_password(rng)

    rs.goes(layout.format(p=password), password)


def test_basic_auth_users_that_are_hashes_stay() -> None:
    """Users whose credentials are one-way hashes, a placeholder or a reference stay."""
    rs.survives(
        'basicAuth:\n  users:\n    - "ops:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"\n'
        '    - "test:$2y$05$abcdefghijklmnopqrstuv"\n    - "admin:changeme"\n'
        '  usersFile: "/etc/traefik/users"\n'
        "auth = HTTPBasicAuth(user, password)"
    )
