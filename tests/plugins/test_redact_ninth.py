"""The built-in redactor on the kinds of secrets a ninth corpus, written blind to the rules on mobile,
desktop, data, enterprise, network-device, IoT and crypto stacks, found missed or wrongly redacted:
wallets' keys and seed phrases, RPC providers' keys in URL paths, network devices' configurations,
passwords given positionally to CLIs, XML name/value pairs, and the public values around them."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from autopilot.plugins.redact.engine import redact_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

# Words of the BIP-39 list (3 to 8 lower-case letters), from which a seed phrase is drawn.
SEED_WORDS = (  # noqa: SIM905 (a list of words, as they are written)
    "abandon ability able about above absent absorb abstract absurd abuse access accident account "
    "accuse achieve acid acoustic acquire across action actor actress actual adapt addict address "
    "adjust admit adult advance advice aerobic affair afford afraid again agent agree ahead aim air "
    "airport aisle alarm album alcohol alert alien allow almost alone alpha already also alter always"
).split()


def _password(rng: random.Random) -> str:
    """A generated password: letters of both cases and digits."""
    return rs.body(rng, 14) + "7q"


def _hex(rng: random.Random, size: int) -> str:
    return rng.randbytes(size).hex()


def _seed_phrase(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(SEED_WORDS) for _ in range(count))


@given(
    layout=st.sampled_from(
        [
            'accounts: ["0x{k}"],',
            '"accounts": ["0x{k}", "0x{k2}"]',
            "accounts: [\n  '0x{k}',\n  '0x{k2}'\n]",
            '  from_key: "0x{k}"',
            'acct = Account.from_key("{k}")',
            'const wallet = new ethers.Wallet("0x{k}", provider);',
            "const account = privateKeyToAccount('0x{k}')",
            "$ cast send 0xabc --private-key 0x{k}",
            "PRIVATE_KEY=0x{k}",
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_wallets_private_key_goes_where_a_key_is_meant(layout: str, seed: int) -> None:
    """An EVM private key (64 hex digits) goes in a Hardhat/Brownie config, a signer's call or a flag."""
    rng = random.Random(seed)
    key, key2 = _hex(rng, 32), _hex(rng, 32)
    text = layout.format(k=key, k2=key2)
    rs.goes(text, key)
    if "{k2}" in layout:
        rs.goes(text, key2)


def test_addresses_hashes_and_hashed_passwords_stay() -> None:
    """Addresses (0x + 40 hex), transaction hashes without a key's context and crypt(3) hashes stay."""
    rng = random.Random(9)
    address, tx = _hex(rng, 20), _hex(rng, 32)
    salt, digest = rs.body(rng, 16), rs.body(rng, 43)
    for text in (
        f"Token deployed to: 0x{address}",
        f'export const TOKEN_ADDRESS = "0x{address}";',
        f'"transactionHash": "0x{tx}", "accounts": ["0x{address}"]',
        f'"accounts": [{{"persistent_account_id": "{tx}"}}]',
        f"tx hash 0x{tx}",
        f'set system login user ops authentication encrypted-password "$6${salt}${digest}"',
        f"root:$y$j9T${salt}${digest}:19700:0:99999:7:::",
    ):
        rs.survives(text)


@given(
    count=st.sampled_from([12, 15, 18, 21, 24]),
    layout=st.sampled_from(
        [
            'MNEMONIC="{p}"',
            "const mnemonic = '{p}';",
            '{{"wallet": {{"mnemonic": "{p}"}}}}',
            '$ cast wallet address --mnemonic "{p}" --mnemonic-index 0',
            '  from_mnemonic: "{p}"',
            'SEED_PHRASE="{p}"',
            'new HDWalletProvider("{p}", "https://rpc.example.org")',
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_seed_phrase_under_its_name_goes(count: int, layout: str, seed: int) -> None:
    """12 to 24 BIP-39 words go after `mnemonic`, `seed_phrase`, `--mnemonic` or in HDWalletProvider."""
    phrase = _seed_phrase(random.Random(seed), count)
    rs.goes(layout.format(p=phrase), phrase)


def test_a_key_written_as_its_bytes_goes() -> None:
    """Zigbee's `network_key: [1, 3, …]` and a printed Solana keypair file (64 numbers) lose their bytes."""
    rng = random.Random(11)
    network = ", ".join(str(byte) for byte in rng.randbytes(16))
    rs.goes(f"advanced:\n  network_key: [{network}]\n  pan_id: 5129\n", network)
    keypair = "[" + ",".join(str(byte) for byte in rng.randbytes(64)) + "]"
    rs.goes(f"$ cat ~/.config/solana/id.json\n{keypair}\n$ solana address\n", keypair)
    rs.survives("advanced:\n  network_key: GENERATE\n  channel: 11\n")


@given(
    url=st.sampled_from(
        [
            "https://mainnet.infura.io/v3/{h32}",
            "wss://sepolia.infura.io/ws/v3/{h32}",
            "https://eth-mainnet.g.alchemy.com/v2/{k}",
            "https://rpc.ankr.com/eth/{h64}",
            "https://nd-123-456-789.p2pify.com/{h32}",
            "https://little-wild-sea.quiknode.pro/{h40}/",
            "https://ha.example.net/api/webhook/{k}",
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_an_rpc_providers_key_in_the_path_goes(url: str, seed: int) -> None:
    """Infura's, Alchemy's, Ankr's, Chainstack's and QuickNode's keys in the endpoint's path go."""
    rng = random.Random(seed)
    parts = {"h32": _hex(rng, 16), "h40": _hex(rng, 20), "h64": _hex(rng, 32), "k": rs.body(rng, 32)}
    text = "rpc: " + url.format(**parts)
    secret = next(value for name, value in parts.items() if "{" + name + "}" in url)
    rs.goes(text, secret)


def test_a_public_rpc_endpoint_stays() -> None:
    """An endpoint without a key (Ankr's public one, Infura's docs' placeholder) stays."""
    rs.survives("url: https://rpc.ankr.com/eth\nother: https://mainnet.infura.io/v3/YOUR_PROJECT_ID\n")


@given(
    line=st.sampled_from(
        [
            "username netops privilege 15 password 7 {h}",
            " key 7 {h}",
            " key 0 {p}",
            "enable password 0 {p}",
            "username admin secret 0 {p}",
            " ppp chap password 0 {p}",
            " wpa-psk ascii 0 {p}",
            "crypto isakmp key {p} address 10.0.0.1",
            " pre-shared-key address 10.0.0.1 key {p}",
            " key-string 7 {h}",
            "snmp-server community {p} RO 10",
            "set snmp community {p} authorization read-only",
            "auths:\n  public_v2:\n    community: {p}\n    version: 2",
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_network_devices_secret_goes(line: str, seed: int) -> None:
    """Cisco's type 7 and type 0 passwords and keys, pre-shared keys and SNMP communities go."""
    rng = random.Random(seed)
    hex_value, password = _hex(rng, 10).upper(), _password(rng)
    text = "!\n" + line.format(h=hex_value, p=password) + "\n!\n"
    rs.goes(text, hex_value if "{h}" in line else password)


def test_device_like_prose_stays() -> None:
    """Prose holding the same words, and Cisco's one-way hashes, stay."""
    rs.survives("Press key 0 to continue, then key 7 to go back.\n")
    rs.survives("Download the community edition 2024 from the site.\n")
    rs.survives("enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0\n")


@given(
    command=st.sampled_from(
        [
            "jarsigner -keystore $(Agent.TempDirectory)/release.jks -storepass {p} -keypass {p} app.apk",
            "mqsisetdbparms -n mq::QM1 -u app -p {p}",
            "beeline -u 'jdbc:hive2://hive:10000/default' -n etl -p '{p}' -e 'show databases;'",
            "sudo mosquitto_passwd -b /etc/mosquitto/passwd sensor-hall {p}",
            "steamcmd +login builder '{p}' +run_app_build /b/app.vdf +quit",
            "wpa_passphrase Lab-IoT '{p}'",
            "security add-generic-password -a ci -s deploy -w '{p}'",
            "C:\\> %windir%\\system32\\inetsrv\\appcmd set apppool /processModel.password:{p}",
            "echo '{p}' | kinit svc-etl@CORP.EXAMPLE.COM",
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_password_given_positionally_or_by_an_unusual_flag_goes(command: str, seed: int) -> None:
    """keytool/jarsigner, beeline, mosquitto_passwd, steamcmd, wpa_passphrase, security, appcmd, kinit."""
    password = _password(random.Random(seed))
    rs.goes("$ " + command.format(p=password) + "\n", password)


def test_steamcmds_anonymous_login_stays() -> None:
    """`steamcmd +login anonymous +app_update …` holds no password."""
    rs.survives("$ steamcmd +login anonymous +app_update 740 validate +quit\n")


def test_a_message_naming_a_secret_setting_loses_its_value() -> None:
    """wp-cli's `Updated the constant 'DB_PASSWORD' … with the value '…'` loses it; WP_DEBUG's stays."""
    password = _password(random.Random(4))
    rs.goes(
        "Success: Updated the constant 'DB_PASSWORD' in the 'wp-config.php' file "
        f"with the value '{password}'.",
        password,
    )
    rs.survives("Success: Updated the constant 'WP_DEBUG' in the 'wp-config.php' file with the value 'true'.")


@given(
    layout=st.sampled_from(
        [
            "<AdministratorPassword>\n  <Value>{p}</Value>\n  <PlainText>true</PlainText>\n"
            "</AdministratorPassword>",
            "<Password>\n  <Value>{p}</Value>\n  <PlainText>false</PlainText>\n</Password>",
            "<property>\n  <name>javax.jdo.option.ConnectionPassword</name>\n"
            "  <value>{p}</value>\n</property>",
            "<property><name>fs.s3a.secret.key</name><value>{p}</value></property>",
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_an_xml_value_named_by_its_element_goes(layout: str, seed: int) -> None:
    """unattend.xml's `<Password><Value>` and Hadoop's `<name>…password</name><value>` lose the value."""
    password = _password(random.Random(seed))
    rs.goes(layout.format(p=password), password)


def test_an_xml_value_of_a_setting_stays() -> None:
    """Other Hadoop settings, and a password file's path, stay."""
    rs.survives(
        "<property>\n  <name>fs.s3a.endpoint</name>\n  <value>s3.eu-west-1.amazonaws.com</value>\n</property>"
    )
    rs.survives(
        "<property><name>hive.metastore.password.file</name><value>/etc/hive/pw.jceks</value></property>"
    )


def test_names_and_objects_that_make_a_key_secret() -> None:
    """kaggle.json's `key`, Databricks' `string_value`, a class constant, a login's `key=`, ck_/cs_ keys."""
    rng = random.Random(5)
    hex_key, password, token = _hex(rng, 16), _password(rng), _hex(rng, 20)
    rs.goes(json.dumps({"username": "erinml", "key": hex_key}), hex_key)
    rs.goes(
        "$ databricks secrets put-secret --json "
        + json.dumps({"scope": "etl", "key": "pg_password", "string_value": password}),
        password,
    )
    rs.goes(f'cf.setStringProperty(WMQConstants.PASSWORD, "{password}");', password)
    rs.goes(f'wandb.login(key="{token}")', token)
    consumer, secret = "ck_" + _hex(rng, 20), "cs_" + _hex(rng, 20)
    for value in (consumer, secret):
        rs.goes(f"$ curl -u {consumer}:{secret} https://shop.example.com/wp-json/wc/v3/orders", value)
    rs.survives('{"username": "bob", "key": "primary"}')
    rs.survives('log.debug(Messages.USER, "ready")')


def test_a_device_web_interfaces_session_and_login_go() -> None:
    """OpenWrt's `;stok=…` and an IP camera's `loginpas=…` go."""
    rng = random.Random(6)
    stok, password = _hex(rng, 16), _password(rng)
    rs.goes(f"http://192.168.1.1/cgi-bin/luci/;stok={stok}/admin/network/wireless", stok)
    rs.goes(f"http://192.168.1.30/cgi-bin/snapshot.cgi?loginuse=admin&loginpas={password}", password)


def test_public_values_that_looked_like_secrets_stay() -> None:
    """A WireGuard public key, a boxed table's border, a Vault KV path and a codex envelope stay."""
    rng = random.Random(7)
    public = rs.body(rng, 43, rs.B64) + "="
    rs.survives(f"$ wg pubkey < /etc/wireguard/privatekey\n{public}\n$ sudo wg show\n")
    border = "┌" + "─" * 20 + "┬" + "─" * 9 + "┐"
    rs.survives(f"$ eas secret:list\nSecrets for this account and project:\n{border}\n│ Name │ Scope │\n")
    rs.survives(
        "ansible_password: \"{{ lookup('community.hashi_vault.hashi_vault', "
        "'secret=kv/data/network/snmp:ro') }}\""
    )
    call_id = "call_" + rs.body(rng, 22) + "Pw"
    inner = json.dumps({"output": "apiVersion: v1\nkind: ConfigMap\n", "metadata": {"exit_code": 0}})
    envelope = json.dumps(
        {"type": "function_call_output", "call_id": call_id, "output": inner}, separators=(",", ":")
    )
    assert redact_text(envelope) == envelope


@given(
    call=st.sampled_from(
        [
            'git_basic_authorization("{p}")',
            'client.username_pw_set("gateway-07", "{p}")',
            'acct = Account.from_key("{p}")',
            'conn = mysqli_connect("db", "app", "{p}")',
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_call_taking_a_credential_on_a_line_after_another_goes(call: str, seed: int) -> None:
    """A credential call on its own line goes also JSON-escaped, right after an escaped line break."""
    password = _password(random.Random(seed))
    rs.goes('storage_mode("git")\n' + call.format(p=password) + "\n", password)
