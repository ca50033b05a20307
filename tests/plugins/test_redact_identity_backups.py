"""The built-in redactor in identity, access and backups (the twenty-fourth corpus's families): a
patch's lines read as the file they change, keytabs, credentials fed to a tool's standard input, a
process substitution or an askpass helper, join tokens and one-time keys in node configs and tables,
a key beside its account; and the look-alikes of that world that must stay (documented defaults,
deploy-time keywords, YAML tags, key ids and fingerprints, a token's name)."""

from __future__ import annotations

import base64
import random
import string
import sys
import uuid
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

SEEDS = st.integers(min_value=0, max_value=2**32)
UPPER_HEX = "0123456789ABCDEF"
WORDS = ["Monsoon", "spruce", "Birch", "pigeon", "quill", "Lantern", "cedar", "pepper", "coral", "ember"]


def _password(rng: random.Random) -> str:
    return rs.body(rng, rng.randint(14, 22), rs.ALNUM + "#%@^*=~") + rng.choice("#%@")


def _passphrase(rng: random.Random) -> str:
    return "-".join(rng.sample(WORDS, 4))


def _b2_key(rng: random.Random) -> str:
    return "K00" + rng.choice("0123456789") + rs.body(rng, 27, rs.B64)


def _b2_id(rng: random.Random) -> str:
    return "00" + rs.body(rng, 11, rs.HEX) + "0000000" + rs.body(rng, 5, rs.HEX)


# -- a patch's lines ----------------------------------------------------------------------------


def _hunk(lines: list[str], *, codex: bool) -> str:
    """*lines* (each with its mark: kept, added, removed) as a unified diff, or as the file an
    `apply_patch` adds (every line added)."""
    if codex:
        added = "\n".join("+" + line[1:] for line in lines if not line.startswith("-"))
        return "*** Begin Patch\n*** Add File: config/backup.conf\n" + added
    head = "diff --git a/.envrc b/.envrc\nindex 3e1f0a2..9b7c41d 100644\n--- a/.envrc\n+++ b/.envrc\n"
    return head + f"@@ -1,{len(lines) - 1} +1,{len(lines)} @@\n" + "\n".join(lines)


@given(codex=st.booleans(), seed=SEEDS)
def test_a_key_on_a_line_a_patch_adds_goes(codex: bool, seed: int) -> None:
    """rclone's `key = …` in an added line: the `+` is the patch's mark, not part of the file's line."""
    rng = random.Random(seed)
    key = _b2_key(rng).replace("+", "x").replace("/", "y")
    lines = [
        " [b2-offsite]",
        " type = b2",
        f"+account = {_b2_id(rng)}",
        f"+key = {key}",
        " hard_delete = true",
    ]
    rs.goes(_hunk(lines, codex=codex), key)


@given(codex=st.booleans(), seed=SEEDS)
def test_a_client_command_a_patch_adds_loses_its_password(codex: bool, seed: int) -> None:
    """`+redis-cli -a '…'` in a diff or an `apply_patch` file: the client's password option."""
    rng = random.Random(seed)
    password = rs.body(rng, 18)
    line = f"+redis-cli -h cache01.example.net -a '{password}' --no-auth-warning --rdb /backup/dump.rdb"
    rs.goes(_hunk([line], codex=codex), password)


def test_a_patch_without_secrets_stays() -> None:
    rs.survives(
        _hunk([" [b2-offsite]", " type = b2", "-hard_delete = false", "+hard_delete = true"], codex=False)
    )
    rs.survives(_hunk(["+key = ${B2_APPLICATION_KEY}", "+account = 0015566a6785000000000277e"], codex=True))


# -- keytabs ------------------------------------------------------------------------------------


@given(
    layout=st.sampled_from(
        [
            '{{"data": {{"principal": "svc-sql@CORP.EXAMPLE.NET", "keytab": "{k}", "kvno": 4}}}}',
            "export KRB5_KEYTAB_B64='{k}'",
            "  backup.keytab: {k}",
            "KEYTAB={k}",
        ]
    ),
    seed=SEEDS,
)
def test_a_keytab_in_base64_goes(layout: str, seed: int) -> None:
    """A keytab holds a principal's keys: named `keytab`, its base64 is a secret."""
    rng = random.Random(seed)
    keytab = base64.b64encode(b"\x05\x02" + rng.randbytes(rng.randint(110, 200))).decode()
    rs.goes(layout.format(k=keytab), keytab[:40])


def test_where_a_keytab_is_kept_stays() -> None:
    rs.survives("keytab: /etc/krb5.keytab")
    rs.survives('keytab = "/etc/security/keytabs/hdfs.keytab"')
    rs.survives("client_keytab: FILE:/var/lib/krb5/user/%{euid}/client.keytab")
    rs.survives("default_keytab_name = FILE:/etc/krb5.keytab")
    rs.survives("default_ccache_name = KEYRING:persistent:%{uid}")
    rs.survives('"keytab": "${KEYTAB_B64}"')


# -- what a tool reads on its standard input, a process substitution, an askpass helper ----------


@given(
    layout=st.sampled_from(
        [
            "echo '{p}' | keepassxc-cli show -s -a Password ~/vaults/infra.kdbx",
            'echo "{p}" | bw unlock --raw',
            "printf '%s' '{p}' | openssl pkcs12 -in client.p12 -passin stdin -nodes",
            "echo '{p}' | gpg --batch --passphrase-fd 0 -d secrets.gpg",
            "echo '{p}' | htpasswd -i -c /etc/nginx/.htpasswd admin",
            "echo '{p}' | op signin --raw",
        ]
    ),
    phrase=st.booleans(),
    seed=SEEDS,
)
def test_a_password_piped_to_a_tool_that_reads_it_goes(layout: str, phrase: bool, seed: int) -> None:
    """Password managers' CLIs and tools told to read a passphrase on their standard input."""
    rng = random.Random(seed)
    password = _passphrase(rng) if phrase else rs.body(rng, 18)
    rs.goes(layout.format(p=password), password)


@given(
    layout=st.sampled_from(
        [
            "step ca token host.example.net --provisioner ops@example.net \\\n"
            "  --provisioner-password-file <(printf '%s' '{p}') --ca-url https://ca.example.net",
            'step crypto jwk create pub.json priv.json --password-file=<(echo "{p}")',
            "borg key export --passphrase-file <(echo -n '{p}') /srv/borg",
        ]
    ),
    seed=SEEDS,
)
def test_a_literal_given_as_a_password_file_goes(layout: str, seed: int) -> None:
    """`--password-file <(printf '%s' '…')`: the substitution's literal is the password."""
    rng = random.Random(seed)
    password = rs.body(rng, 18)
    rs.goes(layout.format(p=password), password)


@given(
    layout=st.sampled_from(
        [
            "cat > /usr/local/bin/askpass-backup <<'EOF'\n#!/bin/sh\necho '{p}'\nEOF\n"
            "chmod +x /usr/local/bin/askpass-backup\n"
            "SSH_ASKPASS=/usr/local/bin/askpass-backup SSH_ASKPASS_REQUIRE=force ssh-add ~/.ssh/id_backup",
            'cat > ~/.git-askpass.sh <<EOF\n#!/bin/bash\nexec echo "{p}"\nEOF',
        ]
    ),
    phrase=st.booleans(),
    seed=SEEDS,
)
def test_what_an_askpass_helper_echoes_goes(layout: str, phrase: bool, seed: int) -> None:
    """An askpass helper written by a heredoc prints the passphrase ssh-add, sudo or git asks for."""
    rng = random.Random(seed)
    password = _passphrase(rng) if phrase else rs.body(rng, 18)
    rs.goes(layout.format(p=password), password)


def test_echoes_that_feed_no_password_stay() -> None:
    rs.survives("diff <(echo 'abc') <(echo 'def')")
    rs.survives('echo "$KEEPASS_PW" | keepassxc-cli show infra.kdbx entry')
    rs.survives('cat > /tmp/askpass <<EOF\n#!/bin/sh\necho "$SSH_PASSPHRASE"\nEOF')


# -- join tokens, one-time keys, a key beside its account -----------------------------------------


@given(numbered=st.booleans(), seed=SEEDS)
def test_a_teleport_join_token_goes(numbered: bool, seed: int) -> None:
    """Teleport's `join_params: token_name:` with the `token` method is the join token itself (32 hex
    digits, as `tctl tokens add` makes it), also in a file reader's numbered lines."""
    rng = random.Random(seed)
    token = rs.body(rng, 32, rs.HEX)
    lines = [
        "version: v3",
        "teleport:",
        "  nodename: node01.example.net",
        "  join_params:",
        f"    token_name: {token}",
        "    method: token",
    ]
    if numbered:
        lines = [f"{i:6d}\t{line}" for i, line in enumerate(lines, 1)]
    rs.goes("\n".join(lines), token)


def test_a_join_token_s_name_stays() -> None:
    rs.survives("teleport:\n  join_params:\n    token_name: iam-token\n    method: iam\n")


@given(seed=SEEDS)
def test_a_vault_one_time_key_row_goes(seed: int) -> None:
    """`vault write ssh/creds/…`: the `key` row of the table under its lease is the one-time password."""
    rng = random.Random(seed)
    key = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    table = (
        "Key                Value\n---                -----\n"
        f"lease_id           ssh/creds/otp_key_role/{rs.body(rng, 24)}\n"
        "lease_duration     768h\nlease_renewable    false\nip                 10.0.4.7\n"
        f"key                {key}\nkey_type           otp\nport               22\nusername           ubuntu"
    )
    rs.goes(table, key)


@given(seed=SEEDS)
def test_a_key_beside_its_account_goes(seed: int) -> None:
    """`{"account": "…", "key": "…"}` (TrueNAS's cloud credentials for Backblaze B2): the account's key."""
    rng = random.Random(seed)
    key = _b2_key(rng).replace("/", "x")
    command = (
        'midclt call cloudsync.credentials.create \'{"name": "b2-offsite", "provider": "B2", '
        f'"attributes": {{"account": "{_b2_id(rng)}", "key": "{key}"}}}}\''
    )
    rs.goes(command, key)


def test_an_account_s_setting_named_key_stays() -> None:
    rs.survives('{"account": "ops", "key": "settings.theme"}')


# -- look-alikes --------------------------------------------------------------------------------


def test_documented_defaults_stay() -> None:
    """Google Authenticator's example seed and FreeRADIUS's shipped `testing123` are everybody's."""
    rs.survives("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example")
    rs.survives("client localhost {\n\tipaddr = 127.0.0.1\n\tsecret = testing123\n}")
    rs.survives("$ radtest bob hello localhost 0 testing123")


@given(seed=SEEDS)
def test_a_seed_of_the_documented_shape_still_goes(seed: int) -> None:
    rng = random.Random(seed)
    seed_value = rs.body(rng, 16, string.ascii_uppercase + "234567")
    rs.goes(f"otpauth://totp/Acme:ops@example.net?secret={seed_value}&issuer=Acme", seed_value)


def test_deploy_time_keywords_stay() -> None:
    """The Auth0 Deploy CLI's keyword replacement (`##NAME##`): filled in by CI."""
    rs.survives("AUTH0_DOMAIN=##AUTH0_DOMAIN##\nAUTH0_CLIENT_SECRET=##AUTH0_CLIENT_SECRET##")
    rs.survives('{"clientSecret": "##clientSecret##", "password": "##DbPassword##"}')


@given(seed=SEEDS)
def test_a_random_value_between_hashes_still_goes(seed: int) -> None:
    rng = random.Random(seed)
    value = rs.body(rng, 18)
    rs.goes(f"AUTH0_CLIENT_SECRET=##{value}##", value)


def test_yaml_tags_with_arguments_stay() -> None:
    """authentik's blueprint tags (`!Find [model, [name, …]]`, `!Env NAME`) where a secret's value is."""
    rs.survives(
        "attrs:\n  client_secret: !Env GRAFANA_OAUTH_SECRET\n"
        "  signing_key: !Find [authentik_crypto.certificatekeypair,"
        " [name, authentik Self-signed Certificate]]\n"
    )
    rs.survives('  api_key: !Format ["%s-key", !Env PREFIX]')


@given(seed=SEEDS)
def test_key_ids_and_fingerprints_given_to_options_stay(seed: int) -> None:
    """duplicity's `--encrypt-key`/`--sign-key` and git's `user.signingkey` name a key of the keyring;
    an S3 client's `--access-key` before its `--secret-access-key` is the key's id."""
    rng = random.Random(seed)
    first, second = rs.body(rng, 40, UPPER_HEX), rs.body(rng, 40, UPPER_HEX)
    rs.survives(f"duplicity --encrypt-key {first} --sign-key {second} /etc boto3+s3://backups/etc")
    rs.survives(f"git config --global user.signingkey {second[:16]}")
    key_id = rs.body(rng, 20)
    rs.survives(
        "kopia repository connect s3 --bucket=home-kopia --endpoint=s3.wasabisys.com \\\n"
        f'  --access-key={key_id} --secret-access-key="$(cat /run/secrets/kopia_s3_secret)"'
    )


@given(seed=SEEDS)
def test_the_secret_beside_a_key_id_option_still_goes(seed: int) -> None:
    rng = random.Random(seed)
    key_id, secret = rs.body(rng, 20), rs.body(rng, 40)
    rs.goes(f"kopia repository connect s3 --access-key={key_id} --secret-access-key={secret}", secret)
    rs.goes(f"export SIGNING_KEY={rs.body(rng, 40, UPPER_HEX)}{secret}", secret)


@given(seed=SEEDS)
def test_a_token_s_name_before_its_id_stays(seed: int) -> None:
    """`API token: restic-writer (id …)`: the token's name, then its id (Cloudflare R2's dashboard)."""
    rng = random.Random(seed)
    rs.survives(f"API token: restic-writer (id {rs.body(rng, 32, rs.HEX)}), permissions: Object Read & Write")


# -- recovery and backup codes --------------------------------------------------------------------


@given(
    layout=st.sampled_from(
        [
            "- Recovery codes: {a}, {b}",
            "recovery codes: {a} {b}",
            "Recovery codes (one use each): {a}, {b}",
            'recovery_codes: ["{a}", "{b}"]',
        ]
    ),
    groups=st.booleans(),
    seed=SEEDS,
)
def test_every_code_of_a_list_of_recovery_codes_goes(layout: str, groups: bool, seed: int) -> None:
    """An account's unused recovery codes, each a password: every one of the list."""
    rng = random.Random(seed)

    def code() -> str:
        if groups:
            return "-".join(rs.body(rng, 4, string.ascii_uppercase + string.digits) for _ in range(4))
        return rs.body(rng, 5, string.ascii_lowercase + string.digits) + "-" + rs.body(rng, 5, rs.HEX)

    first, second = code(), code()
    text = layout.format(a=first, b=second)
    rs.goes(text, first)
    rs.goes(text, second)


def test_words_about_recovery_codes_stay() -> None:
    rs.survives("Recovery codes: none left, ask IT")
    rs.survives("Open the recovery codes page and print a new set.")


@given(seed=SEEDS)
def test_a_key_announced_in_grep_hits_goes(seed: int) -> None:
    """`grep -rn` output: the key on the hit after the one announcing it (a borg keyfile in a runbook),
    each line after the file's path and line number."""
    rng = random.Random(seed)
    key = rs.body(rng, 120, rs.B64)
    hits = (
        "$ grep -rn -i -E 'pass|secret|key|token' docs\n"
        "docs/runbook.md:1:$ cat ~/.config/borg/keys/backup01.example.net__srv_borg\n"
        f"docs/runbook.md:2:BORG_KEY {rs.body(rng, 64, rs.HEX)}\n"
        f"docs/runbook.md:3:{key}"
    )
    rs.goes(hits, key[:60])


def test_a_path_in_grep_hits_stays() -> None:
    rs.survives("docs/keys.md:4:Public key: see /etc/wireguard/publickey\ndocs/keys.md:5:rotate it yearly")


def test_a_keytab_s_file_before_a_principal_stays() -> None:
    rs.survives("$ kinit -kt /etc/krb5.keytab nfs/lb24.fra1.corp.example.com@LAB.INTERNAL\n$ klist")
    rs.survives("$ kinit -kt /etc/krb5.keytab host/core36.par.internal@LAB.INTERNAL\n$ klist")


def test_types_in_a_patch_s_lines_stay() -> None:
    """Read as the file's lines, a patch's TypeScript types are still code (`singleKey: QueryKey;`)."""
    rs.survives(
        "*** Begin Patch\n*** Update File: src/teams.ts\n@@\n   previousTeam?: TeamWithStats;\n"
        "-  listKey: unknown[];\n-  singleKey: unknown[];\n"
        "+  listKey: QueryKey;\n+  singleKey: QueryKey;\n };"
    )


@given(seed=SEEDS)
def test_a_passphrase_a_password_manager_prints_goes(seed: int) -> None:
    """`pass show …` prints the password on its first line: words joined by hyphens, in any case."""
    rng = random.Random(seed)
    phrase = _passphrase(rng)
    rs.goes(
        f"$ pass show infra/borg/backup01.example.net\n{phrase}\nrepo: ssh://borg@nas01/./backup01", phrase
    )
