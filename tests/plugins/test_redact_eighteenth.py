"""The built-in redactor on Linux, network and infrastructure operations (the eighteenth corpus's
families): network devices' secrets in clear, NTP keys, BMC tools, Samba's hash file, and the
look-alikes of that world that must stay (public keys, one-way hashes, masks, user names)."""

from __future__ import annotations

import base64
import random
import sys
import uuid
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

SEEDS = st.integers(min_value=0, max_value=2**32)


def _password(rng: random.Random) -> str:
    """A generated password: letters of both cases, digits and a symbol."""
    return rs.body(rng, 10) + rng.choice("!#%^*-_.") + rs.body(rng, 4)


@given(
    layout=st.sampled_from(
        [
            'password manager user-name "manager" plaintext "{p}"',
            "password operator plaintext {p}",
            "user admin group administrators password plaintext {p}",
            "radius-server host 10.1.1.5 key plaintext {p}",
            "local-user ansible class manage\n password simple {p}\n service-type ssh",
            "hwtacacs scheme ops\n shared-key simple {p}",
            "snmp-agent community read simple {p}",
            'hostname "sw1"\npassword manager user-name "manager" plaintext "{p}"',
            "snmp-server user nms NMS-GRP v3 auth sha {p} priv aes 128 {q}",
            "snmp-server user nms NMS-GRP v3 auth md5 {q} priv des {p}",
            "snmp-agent usm-user v3 nms NMS simple authentication-mode sha {p} privacy-mode aes128 {q}",
            'createUser nmsuser SHA "{p}" AES "{q}"',
            "snmp-server host 192.0.2.10 version 2c {p}",
            'snmp-server community "{p}" unrestricted',
            "snmp-server host 192.0.2.10 traps version 1 {p} udp-port 162",
        ]
    ),
    seed=SEEDS,
)
def test_a_device_secret_in_clear_goes(layout: str, seed: int) -> None:
    """After a word saying it is in clear (`plaintext`, `simple`), SNMPv3 users' authentication and
    privacy passwords, a trap host's community: on their own and as a JSON list of commands."""
    rng = random.Random(seed)
    password, other = _password(rng), _password(rng)
    text = layout.format(p=password, q=other)
    rs.goes(text, password)
    if "{q}" in layout:
        rs.goes(text, other)
    command = text.replace("\n", " ").replace('"', "")
    rs.goes(f'{{"changed": true, "commands": ["{command}", "end"]}}', password)


def test_device_lines_without_a_secret_in_clear_stay() -> None:
    for text in (
        "The password is plaintext now, simple as that.",
        "snmp-server host 192.0.2.10 version 3 priv nmsuser",
        "snmp-server user nms NMS-GRP v3",
        "local-user admin class manage\n password hash $h$6$Zq2w$abcdefghijklmnopqrstuvwxyz0123456789==",
        'password manager user-name "manager" sha1 "d8e8fca2dc0f896fd7cb4cb0031ba249d8e8fca2"',
    ):
        rs.survives(text)


@given(seed=SEEDS)
def test_a_reversible_type_7_in_base64_goes(seed: int) -> None:
    """Arista's `password 7 …` is base64 (reversible, as Cisco's hex is)."""
    rng = random.Random(seed)
    encoded = base64.b64encode(rs.body(rng, 24).encode()).decode()
    rs.goes(f"router bgp 65101\n   neighbor SPINE password 7 {encoded}", encoded)
    rs.survives("Set the password 7 days before the window.")


@given(seed=SEEDS, kind=st.sampled_from(["MD5", "SHA1", "SHA256", "SHA512"]))
def test_an_ntp_key_goes(seed: int, kind: str) -> None:
    """chrony's and ntpd's key files: a number, a type, the key (maybe after `HEX:` or `ASCII:`)."""
    rng = random.Random(seed)
    ascii_key, hex_key = rs.body(rng, 20), rs.body(rng, 40, "0123456789ABCDEF")
    rs.goes(f"# /etc/chrony.keys\n1 {kind} HEX:{hex_key}\n2 {kind} {ascii_key}", hex_key)
    rs.goes(f"# ntp.keys\n 7 {kind} {ascii_key}  # {kind} key", ascii_key)


def test_md5_words_that_are_no_key_stay() -> None:
    for text in (
        "host  all  all  10.0.0.0/8  md5",
        "d41d8cd98f00b204e9800998ecf8427e  1 md5 report.txt",
        "Supported: 1 MD5 digest per file",
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            "racadm -r 192.0.2.7 -u root -p {p} --nocertwarn getsysinfo",
            "ilorest login 192.0.2.8 -u admin -p {p}",
            "redfishtool -r 192.0.2.9 -u root -p {p} Systems",
            "ipmiutil health -N 192.0.2.7 -U admin -P {p}",
            "$ echo '{p}' | sudo realm join -U svc-join corp.example.com",
            "echo -n '{p}' | sudo cryptsetup luksOpen /dev/sdb1 data --key-file=-",
        ]
    ),
    seed=SEEDS,
)
def test_a_password_given_to_a_bmc_tool_or_on_stdin_goes(layout: str, seed: int) -> None:
    password = _password(random.Random(seed))
    rs.goes(layout.format(p=password), password)


@given(seed=SEEDS)
def test_a_smbpasswd_row_loses_its_hashes(seed: int) -> None:
    """Samba's smbpasswd file: the NT hash (and an LM hash kept beside it) log in as the password."""
    rng = random.Random(seed)
    lm, nt = (rs.body(rng, 32, "0123456789ABCDEF") for _ in range(2))
    flags = rng.choice(["[U          ]", "[UX         ]", "[W          ]"])
    rs.goes(f"nagios:1001:{'X' * 32}:{nt}:{flags}:LCT-5F3A1B2C:", nt)
    text = f"oscar:1002:{lm}:{nt}:{flags}:LCT-5F3A1B2C:"
    rs.goes(text, lm)
    rs.goes(text, nt)
    rs.survives(f"nobody:65534:{'X' * 32}:{'X' * 32}:[NU         ]:LCT-00000000:")


def test_what_says_there_is_no_secret_stays() -> None:
    """`wg show`'s `(none)`, Tailscale's public keys, an `{SSHA}` hash in LDIF's base64, IKE's
    authentication methods, Ansible's `update_password` policy, a user given to `passwd`."""
    hex64 = "2f37c2df0adce2c03748ae7fd6a8de5a32db7c753651cfe23cb9e51a" + "0b1c2d3e"
    ssha = base64.b64encode(b"{SSHA}" + b"Nt4/r0YYqKgip7TVBouaLlcsG17/2fHW").decode()
    for text in (
        '{"public_key": "sYen8oT2b1dt/gBRHlzowVao4NCRQs+vub7Uhr0ZSc0=", "preshared_key": "(none)"}',
        "peer: sYen8oT2b1dt/gBRHlzowVao4NCRQs+vub7Uhr0ZSc0=\n  preshared key: (none)",
        '{"password": "<empty>", "secret": "(not configured)"}',
        f'{{"machineKey": "mkey:{hex64}", "nodeKey": "nodekey:{hex64}", "discoKey": "discokey:{hex64}"}}',
        f"dn: uid=carol,ou=people,dc=example,dc=net\nuserPassword:: {ssha}\nuid: carol",
        "remote {\n    auth = eap-tls\n}\nlocal {\n    auth = eap-mschapv2\n}",
        "  ansible.builtin.user:\n    name: judy\n    update_password: on_create",
        "$ sudo passwd admin2\nNew password:\nRetype new password:",
        "$ sudo htpasswd -B /etc/nginx/.htpasswd admin2\nNew password:",
        "root@host:~# smbpasswd -a svc_backup",
    ):
        rs.survives(text)


@given(seed=SEEDS)
def test_the_secret_look_alikes_still_go(seed: int) -> None:
    """The same names with a secret: a private Tailscale key, a password in LDIF, a password
    after `passwd` that is no user's name."""
    rng = random.Random(seed)
    password = _password(rng)
    hex64 = rs.body(rng, 64, rs.HEX)
    rs.goes(f'{{"privateNodeKey": "privkey:{hex64}"}}', hex64)
    encoded = base64.b64encode(password.encode()).decode()
    rs.goes(f"dn: uid=carol,dc=example\nuserPassword:: {encoded}\nuid: carol", encoded)
    psk = rs.body(rng, 43, rs.B64) + "="
    rs.goes(f'{{"public_key": "{rs.body(rng, 43, rs.B64)}=", "preshared_key": "{psk}"}}', psk)
    rs.goes(f"  passwd {password}", password)


@given(seed=SEEDS)
def test_a_gossip_encryption_key_printed_goes(seed: int) -> None:
    """Consul's gossip key (base64 of 32 bytes) as `consul keygen` prints it."""
    key = base64.b64encode(random.Random(seed).randbytes(32)).decode()
    rs.goes(f"$ consul keygen\n{key}\n", key)
    rs.survives('{"encrypt": true, "encrypt_verify_incoming": true, "verify_outgoing": true}')


@given(seed=SEEDS)
def test_an_snmp_community_goes_wherever_it_is_written(seed: int) -> None:
    """A community (the password of SNMP v1 and v2c) as a URL's user, under a name in any case, in
    collectd's block, as a Jinja template's default."""
    rng = random.Random(seed)
    community = rs.body(rng, 8, rs.ALNUM) + "-" + rs.body(rng, 4)
    for text in (
        f"Targets for the poller:\nsnmp://{community}@core06.lab.example.org\n",
        f"    env:\n      SNMP_COMMUNITY: {community}\n",
        f'<Host "nas13">\n    Address "10.0.0.5"\n    Community "{community}"\n</Host>',
        f"snmp-server community {{{{ snmp_ro_community | default('{community}') }}}} RO 10",
    ):
        rs.goes(text, community)


def test_communities_that_are_no_secret_stay() -> None:
    for text in (
        "snmp://public@core06.lab.example.org",
        '{"community": "65000:100", "as_path": "65001 65002"}',
        '    Community "public"',
    ):
        rs.survives(text)


@given(seed=SEEDS)
def test_a_chap_secrets_row_loses_its_secret(seed: int) -> None:
    """pppd's chap-secrets and pap-secrets: the column a header comment names `secret`."""
    rng = random.Random(seed)
    first, second = _password(rng), _password(rng)
    text = (
        "# Secrets for authentication using CHAP\n# client\tserver\tsecret\t\t\tIP addresses\n"
        f'victor\t*\t{first}\t*\nbranch-canyon\tl2tpd\t"{second}"\t10.60.0.12\n'
    )
    rs.goes(text, first)
    rs.goes(text, second)
    rs.survives("# client\tserver\tsecret\t\t\tIP addresses\nvictor\t*\t*\t*\n")


@given(seed=SEEDS)
def test_service_files_and_commands_lose_their_keys(seed: int) -> None:
    """Nagios' `$USERn$` macros, IPsec keys of `ip xfrm state`, a key given through `<(echo …)`,
    nsupdate's TSIG key, a subshell of echoes piped to `smbpasswd -s`, Samba's `net … -U user%…`,
    a password file printed with `cat`."""
    rng = random.Random(seed)
    password, other = _password(rng), _password(rng)
    hex_key = rs.body(rng, 64, rs.HEX)
    key = base64.b64encode(rng.randbytes(32)).decode()
    rs.goes(f"$USER1$=/usr/lib/nagios/plugins\n$USER3$=netadmin\n$USER4$={password}", password)
    rs.goes(f"\tauth-trunc hmac(sha256) 0x{hex_key} 128\n\tenc cbc(aes) 0x{hex_key[:32]}", hex_key)
    rs.goes(
        f"ip xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x100 enc 'cbc(aes)' 0x{hex_key[:32]}",
        hex_key[:32],
    )
    rs.goes(
        f"wg set wg0 peer {rs.body(rng, 43, rs.B64)}= preshared-key <(echo '{key}') allowed-ips 10.7.0.2/32",
        key,
    )
    rs.goes(f"nsupdate -y hmac-sha256:ddns-key:{key} <<EOF", key)
    text = f"$ (echo '{password}'; echo '{other}') | sudo smbpasswd -s -a svc_backup"
    rs.goes(text, password)
    rs.goes(text, other)
    rs.goes(f'$ sudo net ads join -U Administrator%{password} createcomputer="Servers/Linux"', password)
    rs.goes(f"# cat /etc/pve/priv/storage/nas-cifs.pw\n{password}\n", password)


def test_their_look_alikes_stay() -> None:
    for text in (
        "echo $USER is here; $USER1$=/usr/lib/nagios/plugins",
        "tx 0xe14cd908518b8096bd3ccd4efc978ec8c04a4e479746c3b794e935b8263fb5d1 mined in block 19",
        "\tproto esp spi 0x5c2d80af reqid 1 mode tunnel",
        "diff <(echo one) <(echo two)",
        "$ (echo start; date) | tee run.log",
        "$ net ads info -U Administrator",
    ):
        rs.survives(text)


@given(seed=SEEDS)
def test_provisioning_and_mail_relay_passwords_go(seed: int) -> None:
    """kickstart's `rootpw` in clear, postfix's sasl_passwd with a port named by its service."""
    password = _password(random.Random(seed))
    rs.goes(f"network --bootproto=dhcp\nrootpw --plaintext {password}\nuser --name=ops", password)
    rs.goes(f"rootpw {password}", password)
    rs.goes(f"[mail.example.net]:submission relay@example.net:{password}", password)
    rs.survives("rootpw --iscrypted $6$z4tvGSn93.KR9iyk$v3suzF84ZGRinsmpzax24CeiOFmC97MCalhxr\nrootpw --lock")


@given(seed=SEEDS)
def test_a_key_whose_type_says_pre_shared_goes(seed: int) -> None:
    """OPNsense's IPsec pre-shared keys: the lone `Key` of an object whose `keyType` is `PSK`."""
    key = rs.body(random.Random(seed), 24)
    rs.goes(
        f'{{"remote_ident": "172.16.214.57",\n  "keyType": "PSK",\n  "Key": "{key}",\n  "note": "HQ"}}',
        key,
    )
    rs.survives(f'{{"keyType": "RSA", "Key": "{key}"}}')


@given(
    layout=st.sampled_from(
        [
            "  data:\n    - secretKey: {w}\n      remoteRef:\n        key: network/snmp\n",
            "env:\n  - name: SNMP_COMMUNITY\n    secretKey: {w}\n    secretKeyRef:\n      name: snmp\n",
            "spec:\n  passwordSecret: {w}\n  secretRef:\n    name: {w}-creds\n",
        ]
    ),
    word=st.sampled_from(["community", "tacacs-key", "snmp_ro", "radius"]),
)
def test_a_key_name_beside_a_reference_stays(layout: str, word: str) -> None:
    """A secret-named key whose mapping refers to a secret kept elsewhere (`remoteRef:`,
    `secretKeyRef:`, `secretRef:` at its indentation) holds a key's name, not a secret."""
    rs.survives(layout.format(w=word))


@given(seed=SEEDS)
def test_a_secret_named_key_without_a_reference_still_goes(seed: int) -> None:
    rng = random.Random(seed)
    password = rs.body(rng, 10) + "!" + rs.body(rng, 4)  # (with a `.`, `a.B` reads as a member's path)
    rs.goes(f"  data:\n    - secretKey: {password}\n      target:\n        name: x\n", password)
    # (a reference deeper in the mapping below is another mapping's)
    rs.goes(f"auth:\n  secretKey: {password}\nother:\n  remoteRef:\n    key: x\n", password)


@given(seed=SEEDS, size=st.sampled_from([32, 40, 48]), spaced=st.booleans())
def test_a_json_rpc_session_goes(seed: int, size: int, spaced: bool) -> None:
    """A JSON-RPC login's answer: its result, a lone session id of hex digits (Zabbix's `user.login`)."""
    rng = random.Random(seed)
    session = rs.body(rng, size, "0123456789abcdef")
    sep = ", " if spaced else ","
    rs.goes(f'{{"jsonrpc":"2.0"{sep}"result":"{session}"{sep}"id":1}}', session)
    rs.goes(f'{{"result": "{session}", "id": 7, "jsonrpc": "2.0"}}', session)


def test_json_rpc_results_that_are_no_session_stay() -> None:
    block = "00000000000000000002" + "4bead8df69990852c202db0e0097c1a12ea637d7e96d"
    for text in (
        f'{{"jsonrpc":"2.0","result":"{block}","id":1}}',  # a block's hash
        '{"jsonrpc":"2.0","result":"0x' + "5ab3" * 8 + '","id":1}',  # a chain's `0x…`
        '{"jsonrpc":"2.0","result":"7.0.4","id":1}',  # apiinfo.version
        '{"result":"' + "9e107d9d372bb6826bd81d3542a419d6" + '","ok":true}',  # no JSON-RPC answer
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            '---\nsnmp_communities:\n  - name: "{p}"\n    access: ro\n  - name: {q}\n    access: rw\n',
            "snmp:\n  communities:\n  - community: {p}\n    view: all\n  - community: '{q}'\n",
            'router:\n  snmpCommunities:\n    - {p}\n    - "{q}"\n',
        ]
    ),
    seed=SEEDS,
)
def test_a_yaml_list_of_snmp_communities_goes(layout: str, seed: int) -> None:
    """Each item of a list of communities under a name or a block saying SNMP."""
    rng = random.Random(seed)
    first, second = "cm-" + rs.body(rng, 8), rs.body(rng, 6) + "-ro"
    text = layout.format(p=first, q=second)
    rs.goes(text, first)
    rs.goes(text, second)


def test_lists_of_communities_that_are_no_secret_stay() -> None:
    for text in (
        "bgp:\n  communities:\n    - 65000:100\n    - no-export\n",
        "spec:\n  communities:\n  - vpn-only\n  ipAddressPools: [first]\n",  # MetalLB's aliases
        'snmp_communities:\n  - name: public\n    access: ro\n  - name: "{{ vault_snmp_rw }}"\n',
        "snmp_communities: []\n",
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            '# tac_plus.conf\nkey = "{p}"\n\nuser = monitor {{\n    default service = permit\n}}\n',
            '# /etc/tac_plus-ng.cfg\nid = tac_plus-ng {{\n  host = world {{\n    key = "{p}"\n  }}\n}}\n',
            "# TACACS+ server for the lab switches\naccounting file = /var/log/tac.acct\nkey = '{p}'\n",
            '---\ntacacs_servers:\n  - host: 192.0.2.7\n    key: "{p}"\nntp_servers: []\n',
            "radius:\n  port: 1812\n  key: {p}\n",
        ]
    ),
    seed=SEEDS,
)
def test_a_tacacs_server_key_goes(layout: str, seed: int) -> None:
    """The key a TACACS+ server shares with its devices, as people make passwords."""
    rng = random.Random(seed)
    password = rs.body(rng, 10) + "!" + rs.body(rng, 4)  # (a bare `a.B` reads as a member's path)
    rs.goes(layout.format(p=password), password)


def test_lone_keys_away_from_tacacs_stay() -> None:
    for text in (
        'key = "Routerwinter8054?"\n',  # no TACACS+ around: a lone key that is no generated value
        "# tac_plus.conf\nkey = true\n",
        '# tacacs notes\nkey = "{{ tacacs_key }}"\n',
        "tacacs:\n  remoteRef:\n    key: network/tacacs\n",  # YAML's `key:`, a path
        "cache:\n  - host: 192.0.2.7\n    key: Xy9!v2Lk8Qw\n",  # a block not named for TACACS+
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            '{{"vpn": {{"secrets": {{"gateway": "vpn.example.net", "cookie": "{c}", "gwcert": "pin"}}}}}}',
            "Cookie: {c}\nAccept: */*\n",
            "vpn.secrets.cookie: {c}\n",
        ]
    ),
    seed=SEEDS,
    hexadecimal=st.booleans(),
)
def test_a_bare_session_cookie_goes(layout: str, seed: int, hexadecimal: bool) -> None:
    """A VPN's or a server's session cookie given with no name of its own."""
    rng = random.Random(seed)
    cookie = rs.body(rng, 64, "0123456789abcdef") if hexadecimal else rs.body(rng, 32)
    rs.goes(layout.format(c=cookie), cookie)


def test_cookie_words_that_are_no_cookie_stay() -> None:
    for text in (
        "Cookie: disabled_for_this_site\n",
        '{"cookie": "session-cookie-name-here"}',
        '{"cookie": "webvpn"}',
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            '{{\n  "datacenter": "dc1",\n  "encrypt": "{k}",\n  "server": true\n}}',
            'datacenter = "dc1"\nencrypt = "{k}"\nencrypt_verify_incoming = true',
            "consul agent -server -bootstrap-expect=3 -encrypt={k} -data-dir=/opt/consul",
            "nomad agent -server -encrypt '{k}'",
            'server {{\n  enabled = true\n  encrypt = "{k}"\n}}',
            "CONSUL_GOSSIP_ENCRYPT={k}",
        ]
    ),
    seed=SEEDS,
    size=st.sampled_from([16, 32]),
)
def test_a_gossip_encryption_key_goes(layout: str, seed: int, size: int) -> None:
    """Consul's, Nomad's and Serf's gossip key (base64 of 16 or 32 bytes) under `encrypt`."""
    key = base64.b64encode(random.Random(seed).randbytes(size)).decode()
    rs.goes(layout.format(k=key), key)


def test_encrypt_settings_that_hold_no_key_stay() -> None:
    """A switch, an algorithm's name or ciphertext of another length is no gossip key."""
    rs.survives('{"encrypt": true, "encrypt_verify_incoming": true, "encrypt_verify_outgoing": true}\n')
    rs.survives("encrypt: aes-256-gcm\nencrypt_at_rest = false\n")
    rs.survives('"encrypted": "' + base64.b64encode(bytes(range(48))).decode() + '"\n')


@given(
    layout=st.sampled_from(
        [
            '"acl": {{"enabled": true, "tokens": {{"agent": "{a}", "default": "{b}"}}}}',
            'acl {{\n  tokens {{\n    initial_management = "{a}"\n    agent = "{b}"\n  }}\n}}',
            '{{"acl": {{"tokens": {{"master": "{a}", "replication": "{b}"}}}}}}',
        ]
    ),
    seed=SEEDS,
)
def test_an_agents_acl_tokens_go(layout: str, seed: int) -> None:
    """The UUIDs of an object or a block named `tokens` (Consul's and Nomad's ACL tokens)."""
    rng = random.Random(seed)
    first, second = (str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(2))
    text = layout.format(a=first, b=second)
    rs.goes(text, first)
    rs.goes(text, second)


def test_token_counters_stay() -> None:
    """Usage counters named `tokens` hold numbers; an id beside them is no token."""
    rs.survives(
        '{"usage": {"input_tokens": 12, "tokens": {"total": 40, "cached": 3}}, '
        '"id": "c782e116-f478-4407-ac28-bd3ddacf5e04"}\n'
    )


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


_BAR = "\u2502"
_PROXMOX_TOKENS = [
    '{{"data": {{"full-tokenid": "root@pam!monitoring", "info": {{"privsep": 1}}, "value": "{v}"}}}}',
    '{{\n  "data": {{\n    "full-tokenid": "ci@pve!deploy",\n    "info": {{}},\n    "value": "{v}"\n  }}\n}}',
    f"{_BAR} full-tokenid {_BAR} root@pam!terraform {_BAR}\n{_BAR} info {_BAR} privsep 0 {_BAR}\n"
    + f"{_BAR} value {_BAR} {{v}} {_BAR}",
    "full-tokenid: root@pam!backup\ninfo:\n  privsep: 0\nvalue: {v}",
]


@given(layout=st.sampled_from(_PROXMOX_TOKENS), seed=SEEDS)
def test_a_proxmox_api_tokens_secret_goes(layout: str, seed: int) -> None:
    """`pveum user token add` and its API answer: the UUID named `value` after `full-tokenid`."""
    secret = _uuid(random.Random(seed))
    rs.goes(layout.format(v=secret), secret)


@given(seed=SEEDS, system=st.sampled_from(["PVE", "PBS", "PMG"]))
def test_a_proxmox_login_ticket_goes(seed: int, system: str) -> None:
    """A Proxmox login ticket (`PVE:user@realm:<hex>::<signature>`): the signature goes."""
    rng = random.Random(seed)
    signature = base64.b64encode(rng.randbytes(256)).decode()
    ticket = f"{system}:root@pam:{rng.getrandbits(32):08X}::{signature}"
    rs.goes(f'{{"data": {{"username": "root@pam", "ticket": "{ticket}"}}}}\n', signature)
    rs.goes(f"Cookie: {system}AuthCookie={ticket}\n", signature)


def test_ids_beside_a_proxmox_token_stay() -> None:
    """A UUID named `value` with no token's id above it, a sentence naming a ticket's user."""
    rs.survives('{"value": "c782e116-f478-4407-ac28-bd3ddacf5e04", "name": "vm-101"}\n')
    rs.survives("PVE:root@pam is the user the ticket belongs to\n")


@given(
    layout=st.sampled_from(
        [
            'it = getCmd(SnmpEngine(), CommunityData("{p}", mpModel=1), UdpTransportTarget((h, 161)))',
            "auth = UsmUserData('nms', '{p}', authProtocol=usmHMACSHAAuthProtocol)",
            'with driver("core1.example.net", "netops", "{p}", optional_args={{"port": 830}}) as dev:',
            "    password: \"{{{{ '{p}' | password_hash('sha512') }}}}\"",
            '{{% set hashed = "{p}"|password_hash("sha512") %}}',
        ]
    ),
    seed=SEEDS,
)
def test_network_automation_and_template_literals_go(layout: str, seed: int) -> None:
    """pysnmp's community and SNMPv3 key, NAPALM's password, a Jinja literal given to password_hash."""
    secret = _password(random.Random(seed))
    rs.goes(layout.format(p=secret), secret)


def test_look_alikes_of_network_automation_stay() -> None:
    """The default community, a variable before password_hash, a web driver's arguments."""
    rs.survives("CommunityData('public', mpModel=0)\n")
    rs.survives("    password: \"{{ vault_breakglass_pw | password_hash('sha512') }}\"\n")
    rs.survives('self.driver("x", "y", "chrome")\n')


@given(
    layout=st.sampled_from(
        [
            "      peers:\n        - keys:\n            public: {pub}\n            shared: {k}\n",
            "    wg0:\n      mode: wireguard\n      key:\n        private: {k}\n",
            "keys:\n  public: {pub}\n  preshared: '{k}'\n",
        ]
    ),
    seed=SEEDS,
)
def test_a_wireguard_key_in_a_keys_block_goes(layout: str, seed: int) -> None:
    """netplan's WireGuard tunnels: `private` and `shared` under `key:`/`keys:` go, `public` stays."""
    rng = random.Random(seed)
    public, key = (base64.b64encode(rng.randbytes(32)).decode() for _ in range(2))
    text = layout.format(pub=public, k=key)
    rs.goes(text, key)
    from autopilot.plugins.redact.engine import redact_text

    assert public in redact_text(text) or "{pub}" not in layout


def test_a_public_key_in_a_keys_block_stays() -> None:
    rs.survives("keys:\n  public: D1qi2SFJ7CHVIq5ydMiUHjQj2vs6pYZqviXmMa0oA/o=\n  shared: none\n")


@given(
    layout=st.sampled_from(
        [
            'user = monitor {{\n    default service = permit\n    login = cleartext "{p}"\n}}',
            "user = ops {{\n    enable = cleartext {p}\n    member = netadmins\n}}",
            'user = ppp1 {{\n    pap = cleartext "{p}"\n    chap = cleartext "{p}"\n}}',
            'id = user {{ login = cleartext "{p}" }}',
        ]
    ),
    seed=SEEDS,
)
def test_a_tacacs_users_password_in_clear_goes(layout: str, seed: int) -> None:
    """A TACACS+ users file's password in clear (`login = cleartext "…"`, `enable`, `pap`) goes."""
    rng = random.Random(seed)
    password = _password(rng)

    rs.goes(layout.format(p=password), password)


def test_tacacs_passwords_that_are_hashes_or_files_stay() -> None:
    """A TACACS+ user's one-way hash (`des`, `crypt`) or a password file stays."""
    rs.survives(
        "user = monitor {\n    login = des a1b2c3d4e5f6g\n    enable = file /etc/tacacs/passwd\n"
        '    pap = crypt "$1$abc$defghijklmnopqrstuv"\n}\n# cleartext passwords are read from the file'
    )


@given(
    layout=st.sampled_from(
        [
            "## Rack 12 BMCs\n- r12-u05  10.1.2.3  root / {q}\n- r12-u09  10.1.2.4  {u} / {p}\nTags: A1B2",
            "# temp accounts, delete monday\n# admin2 / {q}\n# {u} / {p}\nRemember: set with chpasswd",
            "Logins for the lab:\n  admin / {q}\n  {u} / {p}\n  guest / {r}",
            "| host | login |\n|---|---|\n| sw1 | admin / {q} |\n| sw2 | {u} / {p} |",
        ]
    ),
    seed=SEEDS,
)
def test_a_list_of_logins_loses_every_password(layout: str, seed: int) -> None:
    """In a list of `user / password` lines, the lines after a login's loses their passwords too."""
    rng = random.Random(seed)
    password = _password(rng)
    text = layout.format(
        q=_password(rng), p=password, r=_password(rng), u=rng.choice(["ops", "svc_ipmi", "deploy"])
    )

    rs.goes(text, password)


def test_lists_of_paths_and_pairs_that_hold_no_login_stay() -> None:
    """Lists of `a / b` pairs that hand over no login (paths, ratios, a login list cut by a blank) stay."""
    rs.survives(
        "Accounts to migrate:\n- admin / see the vault\n- ops / rotated2024\n\n"
        "- frontend / backend-services\n- r12 / r13\n- eu-west-1 / us-east-1\n"
        "src/app / tests/unit\n"
    )


@given(
    layout=st.sampled_from(
        [
            "https://awx.example.net/api/v2/job_templates/42/callback/?host_config_key={k}",
            'curl -s --data "host_config_key={k}" https://tower.example.net/api/v2/job_templates/7/callback/',
            '{{"name": "deploy", "host_config_key": "{k}", "ask_limit_on_launch": true}}',
            "host_config_key: {k}",
        ]
    ),
    seed=SEEDS,
    hexadecimal=st.booleans(),
)
def test_a_provisioning_callback_key_goes(layout: str, seed: int, hexadecimal: bool) -> None:
    """AWX's and Ansible Tower's provisioning callback key (`host_config_key`) goes wherever it is given."""
    rng = random.Random(seed)
    key = rs.body(rng, 32, rs.HEX) if hexadecimal else rs.body(rng, 20)

    rs.goes(layout.format(k=key), key)


def test_config_keys_that_are_no_callback_key_stay() -> None:
    """Other config keys and an empty callback key stay."""
    rs.survives('host_config_key: ""\nconfig_key=database.url\n{"config_key": "app.settings.timeout"}')


@given(
    layout=st.sampled_from(
        [
            '{{"id": 7, "name": "enable secret", "plaintext": "{p}", "hash": "pbkdf2_sha256$1$a$b"}}',
            '{{"KeyId": "arn:aws:kms:us-east-1:1:key/k", "Plaintext": "{b}", "EncryptionAlgorithm": "RSA"}}',
            '{{"request_id": "r", "data": {{"plaintext": "{b}"}}}}',
            '{{\n  "plaintext": "{p}",\n  "name": "enable secret"\n}}',
        ]
    ),
    seed=SEEDS,
)
def test_a_secret_returned_decrypted_goes(layout: str, seed: int) -> None:
    """A secret store's or a key service's decrypted `plaintext` member (NetBox, Vault, KMS) goes."""
    rng = random.Random(seed)
    password = _password(rng)
    encoded = base64.b64encode(password.encode()).decode()
    text = layout.format(p=password, b=encoded)

    rs.goes(text, password if "{p}" in layout else encoded)


def test_plaintext_members_that_hold_no_secret_stay() -> None:
    """An example's words, an empty or a masked plaintext stay."""
    rs.survives(
        '{"plaintext": "hello world", "ciphertext": "vault:v1:abc"}\n'
        '{"plaintext": "", "hash": "x"}\n{"plaintext": "********"}\n{"plaintext": null}'
    )


@given(
    layout=st.sampled_from(
        [
            "Apr 19 15:18:03 sshd[1]: Failed password for invalid user {p} from 172.16.1.9 port 5112 ssh2",
            "Apr 19 15:18:04 bastion01 sshd[1]: Invalid user {p} from 172.16.1.9 port 51122",
            "Apr 19 15:18:05 sshd[1]: Connection closed by invalid user {p} 172.16.1.9 port 22 [preauth]",
        ]
    ),
    seed=SEEDS,
)
def test_a_password_typed_as_the_user_in_sshd_logs_goes(layout: str, seed: int) -> None:
    """A password typed where sshd asked for the user's name (`invalid user <password>`) goes."""
    rng = random.Random(seed)
    password = _password(rng)

    rs.goes(layout.format(p=password), password)


def test_invalid_users_that_are_account_names_stay() -> None:
    """Account names a scanner tries (`admin123`, `ec2-user`, `oracle`, an e-mail address) stay."""
    rs.survives(
        "sshd[1]: Failed password for invalid user admin123 from 10.0.0.1 port 22 ssh2\n"
        "sshd[1]: Invalid user ec2-user from 10.0.0.1 port 22\n"
        "sshd[1]: Connection closed by invalid user oracle 10.0.0.1 port 22 [preauth]\n"
        "sshd[1]: Invalid user john.doe@example.com from 10.0.0.1 port 22\n"
        "sshd[1]: Invalid user svc_backup from 10.0.0.1 port 22"
    )


@given(
    layout=st.sampled_from(
        [
            '{{"data": {{"data": {{"tacacs_key": "x", "snmp_ro": "{c}", "snmp_rw": "{c}"}}}}}}',
            "SNMP_RO={c}",
            "snmp_rw_community: {c}",
            "  snmp_ro: '{c}'",
        ]
    ),
    seed=SEEDS,
)
def test_an_snmp_community_under_its_short_name_goes(layout: str, seed: int) -> None:
    """An SNMP community under `snmp_ro`/`snmp_rw` (Vault JSON, variables, environment) goes."""
    rng = random.Random(seed)
    community = rs.body(rng, 8) + rng.choice(["", "-", "_"]) + rs.body(rng, 5)

    rs.goes(layout.format(c=community), community)


def test_snmp_short_names_with_default_or_no_community_stay() -> None:
    """The default communities, a reference and names that only start like them stay."""
    rs.survives('snmp_ro: public\nsnmp_rw: "private"\nsnmp_ro: ${SNMP_RO}\nsnmp_rocks: yes')
