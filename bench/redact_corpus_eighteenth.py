"""An eighteenth labelled redaction corpus: Linux, network and infrastructure operations.

Written blind to the redactor's rules and to the other corpora (issue 15). The text is what an agent
working as a sysadmin, SRE or network engineer reads and writes: network device configurations and
``show running-config`` output (Cisco IOS and NX-OS, Juniper, MikroTik, FortiGate, Arista, VyOS),
VPNs and tunnels (WireGuard, OpenVPN, strongSwan), the configuration files of Linux services (HAProxy,
Keepalived, Corosync, Postfix, Dovecot, Samba, SSSD, OpenLDAP, BIND, ISC DHCP, Chrony, Nagios,
Zabbix, Prometheus, Alertmanager, Grafana), provisioning (cloud-init, kickstart, preseed, Ansible,
Vagrant, Packer, IPMI and BMC tools), logs and process listings (syslog, journald, auth.log, shell
history, ``ps``, ``/proc/*/environ``, ``systemctl show``) and SSH keys, with the hard negatives of the
same world.

Run ``uv run python bench/redact_corpus_eighteenth.py`` for the counts; the harness is
``bench/redact_quality.py --corpus eighteenth``.

Template syntax
---------------
A template is plain text with placeholders in double square brackets:

- ``[[S:gen]]`` plants a secret drawn by the generator ``gen``; ``[[N:gen]]`` a value that is not a
  secret (an address, a hash, a public key, an id...);
- ``[[S:gen=name]]`` also binds the value to ``name``; ``[[=name]]`` repeats it (a repeated secret
  stays a secret);
- filters after ``|`` transform the value and the planted substring alike: ``url`` (percent-encoding),
  ``b64`` (base64 of the whole value), ``json`` (JSON string escaping), ``i2``/``i4``/``i6``/``i8``
  (indent every line after the first, for YAML block scalars).

Generators return a string (all of it is the planted secret) or the text together with the part of
it that is the secret (the body of a PEM block, not its armour lines). Templates of the ``json``
context are JSON themselves: every value put in them is JSON-escaped. Every value is drawn at run time
from parts; provider prefixes and PEM armour are joined at run time, so this file holds no literal
that looks like a credential.

Labelling decisions for this world
----------------------------------
Secrets (planted): plaintext passwords anywhere (device ``password 0``, ``enable password``, typed
CLI commands, ``chpasswd`` input, ``--plaintext`` kickstart, preseed, cloud-init, Ansible, IPMI and
BMC tools, ``sshpass``, ``ldapsearch -w``, command lines in ``ps`` and shell history); values that are
*reversibly* encoded with a public key or algorithm: Cisco type 7 (``password 7``), Juniper ``$9$``
strings, rclone-obscured passwords, base64 of ``user:password``; shared keys: SNMP communities other
than the factory defaults, TACACS+ and RADIUS keys, BGP and OSPF authentication keys, VRRP/Keepalived
``auth_pass``, IPsec PSKs, WireGuard private and preshared keys, OpenVPN static and tls-auth keys, TSIG
and rndc keys, OMAPI keys, NTP/Chrony keys, Corosync authkeys, Zabbix PSKs, Consul gossip keys;
tokens of every provider and tool (Vault, Consul ACL, Proxmox, NetBox, Grafana, Tailscale, k3s and
kubeadm join tokens, cloud and DNS provider tokens, webhook URLs whose path is the credential);
private keys in every format; Samba ``smbpasswd`` NT hashes (usable as they are: pass-the-hash).

Not secrets (the negatives): one-way password hashes meant to be stored (``/etc/shadow`` crypt
strings ``$1$``, ``$5$``, ``$6$``, ``$y$``, bcrypt, ``$apr1$``, Cisco type 5, 8 and 9 ``secret``
hashes, ``{SSHA}`` LDAP hashes, kickstart ``--iscrypted``, FortiGate ``ENC SH2…`` admin hashes);
the factory-default SNMP communities ``public`` and ``private``; public keys (WireGuard ``PublicKey``,
SSH ``authorized_keys`` and ``known_hosts`` lines), fingerprints, certificates, package checksums;
masked output (``(hidden)``, ``********``, ``<removed>``), placeholders and references (``${VAR}``,
``{{ vault_x }}``, ``PrivateKeyFile = /etc/...``, ``auth-user-pass /etc/openvpn/creds``,
``password_file``, ``--password-file``, ``lookup('...')``), encrypted-at-rest values (Ansible Vault,
SOPS), public identifiers (AWS access key ids alone, Kerberos principals, LDAP DNs, key ids, serial
numbers, MAC addresses, disk and machine UUIDs, ZeroTier network ids), and names of secrets.
"""

# ruff: noqa: E501 - generated-data templates read better on one line
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

CONTEXTS = ("plain", "shell", "yaml", "source", "url", "json")


@dataclass(frozen=True)
class Document:
    text: str
    secrets: list[str]
    context: str
    kind: str
    split: str
    template: str


def leaked(secret: str, output: str) -> bool:
    """True if at least half of the secret survives in output, raw or JSON-escaped once or twice."""
    once = json.dumps(secret)[1:-1]
    for form in (secret, once, json.dumps(once)[1:-1]):
        run = max(1, len(form) // 2)
        if any(form[i : i + run] in output for i in range(len(form) - run + 1)):
            return True
    return False


# --------------------------------------------------------------------------------------------------
# Value generators. Each takes a random.Random and returns a str or (text, [secret parts]).

LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
ALNUM = string.ascii_letters + string.digits
HEXL = "0123456789abcdef"
B64 = string.ascii_letters + string.digits + "+/"
B64URL = string.ascii_letters + string.digits + "-_"
SYMBOLS = "!@#%^&*-_=+.~"
WORDS = [
    "summer",
    "winter",
    "autumn",
    "spring",
    "dragon",
    "falcon",
    "tiger",
    "monkey",
    "shadow",
    "sunshine",
    "rocket",
    "router",
    "kernel",
    "penguin",
    "orange",
    "purple",
    "silver",
    "cobalt",
    "marble",
    "harbor",
    "river",
    "canyon",
    "granite",
    "thunder",
    "ocean",
    "forest",
    "maple",
    "willow",
    "cedar",
    "ember",
    "nova",
    "atlas",
    "zephyr",
    "bison",
    "lantern",
    "copper",
    "meadow",
    "glacier",
    "pepper",
    "walnut",
    "sparrow",
    "velvet",
    "comet",
    "badger",
    "tundra",
    "juniper",
    "saturn",
    "osprey",
    "quartz",
]
PEOPLE = [
    "alice",
    "bob",
    "carol",
    "dave",
    "erin",
    "frank",
    "grace",
    "heidi",
    "ivan",
    "judy",
    "mallory",
    "oscar",
    "peggy",
    "trent",
    "victor",
    "walter",
]
DASH5 = "-" * 5


def _pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def human_password(rng: random.Random) -> str:
    word = rng.choice(WORDS)
    shape = rng.randrange(6)
    if shape == 0:
        return word.capitalize() + str(rng.randrange(1990, 2027)) + rng.choice("!@#$%*.")
    if shape == 1:
        leet = word.translate(str.maketrans("aeios", "43105"))
        return (
            leet.capitalize()
            + rng.choice("#!@_-")
            + rng.choice(WORDS).capitalize()
            + str(rng.randrange(10, 99))
        )
    if shape == 2:
        return f"{word}.{rng.choice(WORDS).capitalize()}.{rng.randrange(10, 999)}"
    if shape == 3:
        return (
            rng.choice(["Ops", "Net", "Noc", "Lab", "Dc", "Infra"])
            + "-"
            + word.capitalize()
            + "_"
            + str(rng.randrange(2015, 2027))
        )
    if shape == 4:
        return word.capitalize() + rng.choice(WORDS) + str(rng.randrange(1, 9999)) + rng.choice("!?$&")
    return (
        rng.choice(PEOPLE).capitalize()
        + str(rng.randrange(1, 31)).zfill(2)
        + str(rng.randrange(1960, 2005))
        + rng.choice("!*")
    )


def random_password(rng: random.Random) -> str:
    n = rng.randrange(14, 29)
    body = [rng.choice(ALNUM)] + [rng.choice(ALNUM + SYMBOLS) for _ in range(n - 1)]
    body[rng.randrange(1, n)] = rng.choice(SYMBOLS)
    body[rng.randrange(1, n)] = rng.choice(DIGITS)
    return "".join(body)


def password(rng: random.Random) -> str:
    return human_password(rng) if rng.random() < 0.5 else random_password(rng)


def alnum_password(rng: random.Random) -> str:
    while True:
        value = _pick(rng, ALNUM, rng.randrange(16, 33))
        if any(c.isdigit() for c in value) and any(c.isupper() for c in value):
            return value


def short_password(rng: random.Random) -> str:
    """Keepalived and VRRP keys: at most eight characters."""
    return _pick(rng, ALNUM, 1) + _pick(rng, ALNUM + "!@#", rng.randrange(5, 8))


def passphrase(rng: random.Random) -> str:
    return (
        rng.choice("-. ").join(rng.sample(WORDS, rng.randrange(4, 6)))
        if rng.random() < 0.5
        else "-".join(rng.sample(WORDS, 4)) + str(rng.randrange(10, 99))
    )


def community(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return (
            rng.choice(["mon", "nms", "noc", "rd", "cm", "mgmt"])
            + rng.choice(["-", "_", ""])
            + rng.choice(WORDS)
            + str(rng.randrange(10, 9999))
        )
    return _pick(rng, ALNUM, rng.randrange(10, 21))


CISCO7_KEY = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"


def cisco7(rng: random.Random) -> str:
    """Cisco type 7: a reversible XOR with a published key, written as two digits and hex."""
    plain = rng.choice([human_password, alnum_password])(rng)[:20]
    seed = rng.randrange(0, 16)
    out = f"{seed:02d}"
    for i, ch in enumerate(plain):
        out += f"{ord(ch) ^ ord(CISCO7_KEY[(seed + i) % len(CISCO7_KEY)]):02X}"
    return out


JUNIPER9 = "QzF3n6/9CAtpu0O" + "B1IREhcSyrleKvMW8LXxdbN-jk.i2Ng4ZUDHYJsGwoqaV7fT5mP"


def juniper9(rng: random.Random) -> str:
    return "$9$" + _pick(rng, JUNIPER9, rng.choice([16, 20, 24, 28, 32, 40]))


def b64_bytes(n: int) -> Callable[[random.Random], str]:
    return lambda rng: base64.b64encode(rng.randbytes(n)).decode()


def hex_chars(n: int, alphabet: str = HEXL) -> Callable[[random.Random], str]:
    return lambda rng: _pick(rng, alphabet, n)


def alnum_chars(n: int) -> Callable[[random.Random], str]:
    return lambda rng: _pick(rng, ALNUM, n)


def a_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def pem(
    label: str, prefix: bytes, size: int, width: int = 64
) -> Callable[[random.Random], tuple[str, list[str]]]:
    def gen(rng: random.Random) -> tuple[str, list[str]]:
        body = base64.b64encode(prefix + rng.randbytes(size)).decode()
        lines = "\n".join(body[i : i + width] for i in range(0, len(body), width))
        return f"{DASH5}BEGIN {label}{DASH5}\n{lines}\n{DASH5}END {label}{DASH5}", [lines]

    return gen


PRIV = "PRIVATE" + " KEY"
RSA_DER = bytes.fromhex("308204a40201000282010100")
EC_DER = bytes.fromhex("307702010104")
PKCS8_DER = bytes.fromhex("308204bd020100300d06092a864886f70d0101010500048204a7")
OPENSSH = b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x33\x00\x00\x00\x0bssh-ed25519"
CERT_DER = bytes.fromhex("30820312308201faa003020102")


def openvpn_static(rng: random.Random) -> tuple[str, list[str]]:
    lines = "\n".join(_pick(rng, HEXL, 32) for _ in range(16))
    label = "OpenVPN Static key V1"
    return (
        f"#\n# 2048 bit OpenVPN static key\n#\n{DASH5}BEGIN {label}{DASH5}\n{lines}\n{DASH5}END {label}{DASH5}",
        [lines],
    )


def putty_key(rng: random.Random) -> tuple[str, list[str]]:
    pub = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + rng.randbytes(32)).decode()
    priv = base64.b64encode(b"\x00\x00\x00\x20" + rng.randbytes(32)).decode()
    text = (
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ed25519-key-"
        + str(rng.randrange(20200101, 20261231))
        + f"\nPublic-Lines: 2\n{pub[:64]}\n{pub[64:]}\nPrivate-Lines: 1\n{priv}\nPrivate-MAC: {_pick(rng, HEXL, 64)}"
    )
    return text, [priv]


def ssh_pubkey(rng: random.Random) -> str:
    if rng.random() < 0.5:
        blob = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + rng.randbytes(32)).decode()
        return f"ssh-ed25519 {blob} {rng.choice(PEOPLE)}@{rng.choice(WORDS)}"
    blob = base64.b64encode(
        b"\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x03\x01\x00\x01\x00\x00\x01\x01\x00" + rng.randbytes(256)
    ).decode()
    return f"ssh-rsa {blob} {rng.choice(PEOPLE)}@{rng.choice(WORDS)}"


def ssh_hostkey_blob(rng: random.Random) -> str:
    return (
        "ecdsa-sha2-nistp256 "
        + base64.b64encode(
            b"\x00\x00\x00\x13ecdsa-sha2-nistp256\x00\x00\x00\x08nistp256\x00\x00\x00\x41\x04"
            + rng.randbytes(64)
        ).decode()
    )


def crypt_hash(prefix: str, salt: int, digest: int) -> Callable[[random.Random], str]:
    alphabet = "./" + ALNUM
    return lambda rng: f"{prefix}{_pick(rng, alphabet, salt)}${_pick(rng, alphabet, digest)}"


def yescrypt(rng: random.Random) -> str:
    alphabet = "./" + ALNUM
    return f"$y$j9T${_pick(rng, alphabet, 22)}${_pick(rng, alphabet, 43)}"


def bcrypt_hash(rng: random.Random) -> str:
    return f"$2y${rng.choice(['05', '10', '12'])}${_pick(rng, './' + ALNUM, 53)}"


def ssha(rng: random.Random) -> str:
    return "{SSHA}" + base64.b64encode(rng.randbytes(24)).decode()


def forti_hash(rng: random.Random) -> str:
    return "SH2" + _pick(rng, ALNUM + "+/", 57) + "="


def cisco8(rng: random.Random) -> str:
    alphabet = "./" + ALNUM
    return f"$8${_pick(rng, alphabet, 14)}${_pick(rng, alphabet, 43)}"


def cisco9(rng: random.Random) -> str:
    alphabet = "./" + ALNUM
    return f"$9${_pick(rng, alphabet, 14)}${_pick(rng, alphabet, 43)}"


def nt_hash(rng: random.Random) -> str:
    return _pick(rng, "0123456789ABCDEF", 32)


def fingerprint(rng: random.Random) -> str:
    return "SHA256:" + base64.b64encode(rng.randbytes(32)).decode().rstrip("=")


def md5_fingerprint(rng: random.Random) -> str:
    return ":".join(_pick(rng, HEXL, 2) for _ in range(16))


def mac(rng: random.Random) -> str:
    return ":".join(_pick(rng, HEXL, 2) for _ in range(6))


def ip4(rng: random.Random) -> str:
    first = rng.choice(["10", "172.16", "192.168", "100.64"])
    return (
        first
        + "".join(f".{rng.randrange(0, 255)}" for _ in range(4 - first.count(".") - 2))
        + f".{rng.randrange(1, 254)}"
    )


def ip6(rng: random.Random) -> str:
    return (
        "2001:db8:"
        + ":".join(format(rng.randrange(0, 65536), "x") for _ in range(2))
        + "::"
        + format(rng.randrange(1, 65536), "x")
    )


def host(rng: random.Random) -> str:
    return f"{rng.choice(['core', 'edge', 'dist', 'acc', 'fw', 'lb', 'db', 'mon', 'web', 'kvm', 'nas', 'bastion'])}{rng.randrange(1, 40):02d}.{rng.choice(['fra1', 'ams2', 'dc1', 'lab', 'nyc3', 'par'])}.{rng.choice(['example.net', 'corp.example.com', 'internal', 'example.org'])}"


def user(rng: random.Random) -> str:
    return rng.choice(
        [
            "netadmin",
            "ops",
            "deploy",
            "svc_backup",
            "nagios",
            "zabbix",
            "ansible",
            "admin2",
            "monitor",
            "noc",
            *PEOPLE,
        ]
    )


def serial(rng: random.Random) -> str:
    return rng.choice(["FOC", "FDO", "JAD", "SAL", "FGT60F"]) + _pick(rng, DIGITS + UPPER, 8)


def ts(rng: random.Random) -> str:
    return f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}Z"


def sysdate(rng: random.Random) -> str:
    month = rng.choice(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
    return f"{month} {rng.randrange(1, 29):2d} {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"


def aws_key_id(rng: random.Random) -> str:
    return "AK" + "IA" + _pick(rng, UPPER + "234567", 16)


def aws_secret(rng: random.Random) -> str:
    return _pick(rng, ALNUM + "+/", 40)


def github_pat(rng: random.Random) -> str:
    return "gh" + "p_" + _pick(rng, ALNUM, 36)


def gitlab_pat(rng: random.Random) -> str:
    return "gl" + "pat-" + _pick(rng, ALNUM + "-_", 20)


def slack_bot(rng: random.Random) -> str:
    return "xo" + "xb-" + _pick(rng, DIGITS, 12) + "-" + _pick(rng, DIGITS, 13) + "-" + _pick(rng, ALNUM, 24)


def slack_webhook(rng: random.Random) -> str:
    return (
        "https://hooks.slack.com/services/T"
        + _pick(rng, UPPER + DIGITS, 10)
        + "/B"
        + _pick(rng, UPPER + DIGITS, 10)
        + "/"
        + _pick(rng, ALNUM, 24)
    )


def discord_webhook(rng: random.Random) -> str:
    return "https://discord.com/api/webhooks/" + _pick(rng, DIGITS, 19) + "/" + _pick(rng, ALNUM + "-_", 68)


def telegram_token(rng: random.Random) -> str:
    return _pick(rng, DIGITS, 10) + ":AA" + _pick(rng, ALNUM + "-_", 33)


def vault_token(rng: random.Random) -> str:
    return (
        "hv" + "s." + _pick(rng, ALNUM + "_-", 24)
        if rng.random() < 0.4
        else "hv" + "s.CAESI" + _pick(rng, ALNUM + "_-", 86)
    )


def grafana_sa(rng: random.Random) -> str:
    return "gl" + "sa_" + _pick(rng, ALNUM, 32) + "_" + _pick(rng, HEXL, 8)


def tailscale_key(rng: random.Random) -> str:
    return "ts" + "key-auth-k" + _pick(rng, ALNUM, 11) + "CNTRL-" + _pick(rng, ALNUM, 33)


def do_token(rng: random.Random) -> str:
    return "do" + "p_v1_" + _pick(rng, HEXL, 64)


def k3s_token(rng: random.Random) -> str:
    return "K10" + _pick(rng, HEXL, 64) + "::server:" + _pick(rng, HEXL, 32)


def kubeadm_token(rng: random.Random) -> str:
    return _pick(rng, LOWER + DIGITS, 6) + "." + _pick(rng, LOWER + DIGITS, 16)


def proxmox_secret(rng: random.Random) -> str:
    return a_uuid(rng)


def truenas_key(rng: random.Random) -> str:
    return str(rng.randrange(1, 20)) + "-" + _pick(rng, ALNUM, 64)


def opnsense_key(rng: random.Random) -> str:
    return _pick(rng, ALNUM + "+/", 80)


def rclone_obscured(rng: random.Random) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(rng.randrange(20, 34))).decode().rstrip("=")


def basic_b64(rng: random.Random) -> str:
    return base64.b64encode(f"{user(rng)}:{password(rng)}".encode()).decode()


def jwt(rng: random.Random) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

    head = part({"alg": "RS256", "typ": "JWT", "kid": _pick(rng, ALNUM, 12)})
    body = part(
        {
            "iss": "https://sso." + rng.choice(["example.net", "corp.example.com"]),
            "sub": user(rng),
            "exp": rng.randrange(1_780_000_000, 1_800_000_000),
            "scope": "netbox:read",
        }
    )
    return f"{head}.{body}.{_pick(rng, B64URL, 342)}"


def nagios_user_macro(rng: random.Random) -> str:
    return password(rng)


def ansible_vault(rng: random.Random) -> str:
    body = _pick(rng, HEXL, 64 * rng.randrange(5, 9))
    return "$ANSIBLE_VAULT;1.1;AES256\n" + "\n".join(body[i : i + 80] for i in range(0, len(body), 80))


def sops_value(rng: random.Random) -> str:
    return f"ENC[AES256_GCM,data:{base64.b64encode(rng.randbytes(rng.randrange(12, 30))).decode()},iv:{base64.b64encode(rng.randbytes(32)).decode()},tag:{base64.b64encode(rng.randbytes(16)).decode()},type:str]"


def sha256(rng: random.Random) -> str:
    return _pick(rng, HEXL, 64)


def commit(rng: random.Random) -> str:
    return _pick(rng, HEXL, 40)


def iface(rng: random.Random) -> str:
    return rng.choice(
        [
            "GigabitEthernet0/",
            "TenGigabitEthernet1/0/",
            "Ethernet1/",
            "ge-0/0/",
            "xe-1/0/",
            "eth",
            "ens",
            "enp3s0f",
            "bond0.",
            "ether",
        ]
    ) + str(rng.randrange(0, 48))


def principal(rng: random.Random) -> str:
    return f"{rng.choice(['host', 'nfs', 'HTTP', 'ldap', 'cifs'])}/{host(rng)}@{rng.choice(['CORP.EXAMPLE.COM', 'EXAMPLE.NET', 'LAB.INTERNAL'])}"


def words(rng: random.Random) -> str:
    return rng.choice(WORDS)


def num(rng: random.Random) -> str:
    return str(rng.randrange(100, 65000))


def seed_phrase(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(12))


GENERATORS: dict[str, Callable[[random.Random], str | tuple[str, list[str]]]] = {
    # secrets
    "pw": password,
    "hpw": human_password,
    "rpw": random_password,
    "apw": alnum_password,
    "kpw": short_password,
    "phrase": passphrase,
    "comm": community,
    "c7": cisco7,
    "j9": juniper9,
    "wg": b64_bytes(32),
    "b64_16": b64_bytes(16),
    "b64_32": b64_bytes(32),
    "b64_64": b64_bytes(64),
    "b64_128": b64_bytes(128),
    "hex32": hex_chars(32),
    "hex40": hex_chars(40),
    "hex64": hex_chars(64),
    "HEX40": hex_chars(40, "0123456789ABCDEF"),
    "alnum20": alnum_chars(20),
    "alnum32": alnum_chars(32),
    "alnum40": alnum_chars(40),
    "alnum64": alnum_chars(64),
    "uuid": a_uuid,
    "rsa": pem("RSA " + PRIV, RSA_DER, 1180),
    "ec": pem("EC " + PRIV, EC_DER, 115),
    "pkcs8": pem(PRIV, PKCS8_DER, 1195),
    "openssh": pem("OPENSSH " + PRIV, OPENSSH, 300, 70),
    "ovpn": openvpn_static,
    "putty": putty_key,
    "nthash": nt_hash,
    "awssecret": aws_secret,
    "ghp": github_pat,
    "glpat": gitlab_pat,
    "xoxb": slack_bot,
    "slackhook": slack_webhook,
    "discordhook": discord_webhook,
    "tgbot": telegram_token,
    "hvs": vault_token,
    "glsa": grafana_sa,
    "tskey": tailscale_key,
    "dop": do_token,
    "k3s": k3s_token,
    "kubeadm": kubeadm_token,
    "pvesecret": proxmox_secret,
    "truenas": truenas_key,
    "opnkey": opnsense_key,
    "rclone": rclone_obscured,
    "basic": basic_b64,
    "jwt": jwt,
    "seed": seed_phrase,
    # not secrets
    "cert": pem("CERTIFICATE", CERT_DER, 760),
    "sshpub": ssh_pubkey,
    "hostkey": ssh_hostkey_blob,
    "md5crypt": crypt_hash("$1$", 8, 22),
    "sha256crypt": crypt_hash("$5$", 16, 43),
    "sha512crypt": crypt_hash("$6$", 16, 86),
    "apr1": crypt_hash("$apr1$", 8, 22),
    "yescrypt": yescrypt,
    "bcrypt": bcrypt_hash,
    "ssha": ssha,
    "fortihash": forti_hash,
    "cisco8": cisco8,
    "cisco9": cisco9,
    "fp": fingerprint,
    "md5fp": md5_fingerprint,
    "mac": mac,
    "ip": ip4,
    "ip6": ip6,
    "host": host,
    "user": user,
    "serial": serial,
    "ts": ts,
    "sysdate": sysdate,
    "akid": aws_key_id,
    "vault": ansible_vault,
    "sops": sops_value,
    "sha256": sha256,
    "sha1": hex_chars(40),
    "md5": hex_chars(32),
    "commit": commit,
    "iface": iface,
    "principal": principal,
    "word": words,
    "num": num,
    "pid": lambda rng: str(rng.randrange(300, 99999)),
    "hex8": hex_chars(8),
    "slackdoc": lambda rng: (
        "https://hooks.slack.com/services/" + "T" + "0" * 8 + "/B" + "0" * 8 + "/" + "X" * 24
    ),
    "hex16": hex_chars(16),
}

FILTERS: dict[str, Callable[[str], str]] = {
    "url": lambda v: urllib.parse.quote(v, safe=""),
    "b64": lambda v: base64.b64encode(v.encode()).decode(),
    "json": lambda v: json.dumps(v)[1:-1],
    "i2": lambda v: v.replace("\n", "\n  "),
    "i4": lambda v: v.replace("\n", "\n    "),
    "i6": lambda v: v.replace("\n", "\n      "),
    "i8": lambda v: v.replace("\n", "\n        "),
}
LOCAL_FILTERS = {"json", "i2", "i4", "i6", "i8"}  # applied character by character: a part stays a part

PLACEHOLDER = re.compile(
    r"\[\[(?:(?P<label>[SN]):(?P<gen>\w+)(?:=(?P<bind>\w+))?|=(?P<ref>\w+))(?P<filters>(?:\|\w+)*)\]\]"
)


def render(template: str, context: str, rng: random.Random) -> tuple[str, list[str]]:
    """The template with every placeholder drawn, and the planted secrets as they appear in it."""
    bound: dict[str, tuple[str, list[str], bool]] = {}
    secrets: list[str] = []

    def draw(match: re.Match[str]) -> str:
        if match["ref"]:
            text, parts, is_secret = bound[match["ref"]]
        else:
            drawn = GENERATORS[match["gen"]](rng)
            text, parts = (drawn, [drawn]) if isinstance(drawn, str) else drawn
            is_secret = match["label"] == "S"
            if match["bind"]:
                bound[match["bind"]] = (text, parts, is_secret)  # raw: [[=name]] takes its own filters
        filters = [f for f in match["filters"].split("|") if f]
        if context == "json":
            filters.append("json")
        for name in filters:
            parts = (
                [FILTERS[name](part) for part in parts] if name in LOCAL_FILTERS else [FILTERS[name](text)]
            )
            text = FILTERS[name](text)
        if is_secret:
            secrets.extend(parts)
        return text

    text = PLACEHOLDER.sub(draw, template)
    return text, secrets


# --------------------------------------------------------------------------------------------------
# Agent-log envelopes: the text as a tool result in the logs agents write.


def _envelope(text: str, secrets: list[str], n: int, rng: random.Random) -> tuple[str, list[str]]:
    def once(s: str) -> str:
        return json.dumps(s)[1:-1]

    compact = {"separators": (",", ":")}
    tool_id = "toolu_01" + _pick(rng, ALNUM, 22)
    session = a_uuid(rng)
    kind = n % 5
    if kind == 0:  # Claude Code stream-json
        line = {
            "type": "user",
            "message": {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": tool_id, "content": text}],
            },
            "parent_tool_use_id": None,
            "session_id": session,
            "uuid": a_uuid(rng),
        }
        return json.dumps(line, **compact), [once(s) for s in secrets]
    if kind == 1:  # Claude Code transcript
        line = {
            "parentUuid": a_uuid(rng),
            "isSidechain": False,
            "userType": "external",
            "cwd": "/home/ops/" + rng.choice(["infra", "netconf", "ansible", "runbooks"]),
            "sessionId": session,
            "version": rng.choice(["2.0.28", "2.1.38", "2.1.12"]),
            "gitBranch": "main",
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {"tool_use_id": tool_id, "type": "tool_result", "content": text, "is_error": False}
                ],
            },
            "uuid": a_uuid(rng),
            "timestamp": ts(rng).replace("Z", ".123Z"),
            "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
        }
        return json.dumps(line, **compact), [once(s) for s in secrets]
    if kind == 2:  # Codex rollout: the output is itself a JSON string
        output = json.dumps(
            {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(rng.random(), 1)}},
            **compact,
        )
        line = {
            "timestamp": ts(rng).replace("Z", ".456Z"),
            "type": "response_item",
            "payload": {
                "type": "function_call_output",
                "call_id": "call_" + _pick(rng, ALNUM, 24),
                "output": output,
            },
        }
        return json.dumps(line, **compact), [once(once(s)) for s in secrets]
    if kind == 3:  # codex exec --json
        line = {
            "type": "item.completed",
            "item": {
                "id": f"item_{rng.randrange(1, 60)}",
                "type": "command_execution",
                "command": "bash -lc "
                + rng.choice(
                    [
                        "'cat config.txt'",
                        "'sudo cat /etc/config'",
                        "'ssh edge01 show run'",
                        "'journalctl -n 200'",
                    ]
                ),
                "aggregated_output": text,
                "exit_code": 0,
                "status": "completed",
            },
        }
        return json.dumps(line, **compact), [once(s) for s in secrets]
    line = {  # an MCP tools/call result
        "jsonrpc": "2.0",
        "id": rng.randrange(1, 500),
        "result": {"content": [{"type": "text", "text": text}], "isError": False},
    }
    return json.dumps(line, **compact), [once(s) for s in secrets]


# --------------------------------------------------------------------------------------------------


def templates() -> list[tuple[str, str, str]]:
    """(context, kind, text) of every template, positives first in each context."""
    out = []
    for context in CONTEXTS:
        for kind, text in POSITIVE[context] + NEGATIVE[context]:
            out.append((context, kind, text))
    return out


def _split(template: str) -> str:
    return "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"


def corpus(seed: int, copies: int = 6) -> list[Document]:
    documents = []
    for index, (context, kind, template) in enumerate(templates()):
        rng = random.Random(seed * 1_000_003 + index)
        split = _split(template)
        for n in range(copies):
            text, secrets = render(template, context, rng)
            assert all(s and s in text for s in secrets), (kind, secrets)
            documents.append(Document(text, secrets, context, kind, split, template))
            wrapped, escaped = _envelope(text, secrets, n, rng)
            assert all(s in wrapped for s in escaped), (kind, n)
            documents.append(Document(wrapped, escaped, "json", kind, split, template))
    return documents


def _check() -> None:
    seen = set()
    for context in CONTEXTS:
        for kind, text in POSITIVE[context]:
            assert "[[S:" in text, f"positive without a secret: {context} {kind}"
        for kind, text in NEGATIVE[context]:
            assert "[[S:" not in text, f"negative with a secret: {context} {kind}"
        for kind, text in POSITIVE[context] + NEGATIVE[context]:
            assert text not in seen, f"duplicate template: {kind}"
            seen.add(text)
            for match in PLACEHOLDER.finditer(text):
                assert match["ref"] or match["gen"] in GENERATORS, (
                    f"unknown generator {match['gen']} in {kind}"
                )
            leftovers = PLACEHOLDER.sub("", text)
            assert "[[S:" not in leftovers and "[[N:" not in leftovers, f"malformed placeholder in {kind}"


def main() -> None:
    _check()
    print(f"{'context':8} {'positive':>9} {'negative':>9}")
    for context in CONTEXTS:
        print(f"{context:8} {len(POSITIVE[context]):9d} {len(NEGATIVE[context]):9d}")
    print(
        f"{'all':8} {sum(len(v) for v in POSITIVE.values()):9d} {sum(len(v) for v in NEGATIVE.values()):9d}"
    )
    documents = corpus(109)
    per_context = Counter(d.context for d in documents)
    print(
        f"documents: {len(documents)} ({dict(per_context)}); planted secrets: {sum(len(d.secrets) for d in documents)}"
    )
    splits = Counter(_split(t) for _, _, t in templates())
    print(f"templates per split: {dict(splits)}")


# --------------------------------------------------------------------------------------------------
# plain: device output, logs, notes, files shown as they are

P_PLAIN: list[tuple[str, str]] = [
    (
        "cisco ios show run aaa and line",
        r"""edge01#show running-config | section username|enable|line vty
enable secret 9 [[N:cisco9]]
username [[N:user]] privilege 15 password 7 [[S:c7]]
username backup privilege 1 password 0 [[S:hpw]]
line vty 0 4
 exec-timeout 10 0
 password 7 [[S:c7]]
 login local
 transport input ssh""",
    ),
    (
        "cisco ios enable password 7",
        r"""!
hostname [[N:host]]
!
boot-start-marker
boot-end-marker
!
enable password 7 [[S:c7]]
!
no aaa new-model
clock timezone CET 1 0""",
    ),
    (
        "cisco snmp-server community",
        r"""edge02#sh run | i snmp
snmp-server community [[S:comm]] RO 10
snmp-server community [[S:comm]] RW 11
snmp-server location DC1 Row 4 Rack 12
snmp-server contact noc@example.net
snmp-server host [[N:ip]] version 2c [[S:comm]]""",
    ),
    (
        "cisco tacacs radius keys",
        r"""tacacs server TAC1
 address ipv4 [[N:ip]]
 key 0 [[S:pw]]
 timeout 5
!
radius server RAD1
 address ipv4 [[N:ip]] auth-port 1812 acct-port 1813
 key 7 [[S:c7]]
!
aaa group server tacacs+ TACGRP
 server name TAC1""",
    ),
    (
        "cisco legacy tacacs-server key",
        r"""tacacs-server host [[N:ip]]
tacacs-server host [[N:ip]]
tacacs-server directed-request
tacacs-server key [[S:pw]]
radius-server host [[N:ip]] auth-port 1645 acct-port 1646 key [[S:apw]]""",
    ),
    (
        "cisco bgp neighbor password",
        r"""router bgp 65010
 bgp router-id [[N:ip]]
 bgp log-neighbor-changes
 neighbor [[N:ip]] remote-as 64512
 neighbor [[N:ip]] description TRANSIT-A ckt [[N:serial]]
 neighbor [[N:ip]] password 7 [[S:c7]]
 neighbor [[N:ip]] remote-as 65020
 neighbor [[N:ip]] password [[S:apw]]
 !
 address-family ipv4
  network 203.0.113.0 mask 255.255.255.0""",
    ),
    (
        "cisco ospf message-digest-key",
        r"""interface [[N:iface]]
 description uplink to [[N:host]]
 ip address [[N:ip]] 255.255.255.252
 ip ospf authentication message-digest
 ip ospf message-digest-key 1 md5 [[S:apw]]
 ip ospf network point-to-point
 ip ospf cost 10""",
    ),
    (
        "cisco key chain key-string",
        r"""key chain EIGRP-KEYS
 key 1
  key-string [[S:pw]]
  accept-lifetime 00:00:00 Jan 1 2026 infinite
 key 2
  key-string 7 [[S:c7]]
!
interface Vlan200
 ip authentication mode eigrp 100 md5
 ip authentication key-chain eigrp 100 EIGRP-KEYS""",
    ),
    (
        "cisco snmpv3 user",
        r"""snmp-server group NMS-GRP v3 priv read NMS-VIEW
snmp-server view NMS-VIEW iso included
snmp-server user nmsuser NMS-GRP v3 auth sha [[S:apw]] priv aes 128 [[S:apw]]
snmp-server enable traps snmp linkdown linkup""",
    ),
    (
        "cisco wlc psk and radius",
        r"""(WLC01) >show wlan 3
WLAN Identifier.................................. 3
Profile Name..................................... CORP-GUEST
Network Name (SSID).............................. Guest-WiFi
Status........................................... Enabled
Security
   802.11 Authentication:........................ Open System
   WPA2 ......................................... Enabled
   PSK .......................................... Enabled
   PSK (ASCII) .................................. [[S:hpw]]""",
    ),
    (
        "nxos tacacs and feature",
        r"""feature tacacs+
feature bgp
tacacs-server key 7 "[[S:c7]]"
tacacs-server host [[N:ip]] key 7 "[[S:c7]]"
aaa group server tacacs+ TAC
    server [[N:ip]]
    use-vrf management
username admin password 5 [[N:sha256crypt]]  role network-admin""",
    ),
    (
        "arista eos show run secrets",
        r"""! device: [[N:host]] (DCS-7050SX3-48YC8, EOS-4.30.2F)
!
username admin privilege 15 role network-admin secret sha512 [[N:sha512crypt]]
username automation privilege 15 nopassword
!
tacacs-server key 7 [[S:c7]]
tacacs-server host [[N:ip]]
!
snmp-server community [[S:comm]] ro
!
router bgp 65101
   neighbor SPINE peer group
   neighbor SPINE password 7 [[S:apw|b64]]""",
    ),
    (
        "juniper set secrets",
        r"""set system root-authentication encrypted-password "[[N:sha512crypt]]"
set system login user netops class super-user
set system login user netops authentication encrypted-password "[[N:sha512crypt]]"
set system radius-server [[N:ip]] secret "[[S:j9]]"
set system tacplus-server [[N:ip]] secret "[[S:j9]]"
set snmp community [[S:comm]] authorization read-only""",
    ),
    (
        "juniper show configuration bgp",
        r"""netops@mx01> show configuration protocols bgp | display inheritance no-comments
group TRANSIT {
    type external;
    peer-as 174;
    authentication-key "[[S:j9]]"; ## SECRET-DATA
    neighbor [[N:ip]] {
        description "cogent ckt [[N:serial]]";
    }
}""",
    ),
    (
        "juniper ike psk",
        r"""security {
    ike {
        policy IKE-POL-AWS {
            mode main;
            proposal-set standard;
            pre-shared-key ascii-text "[[S:j9]]"; ## SECRET-DATA
        }
        gateway GW-AWS-1 {
            ike-policy IKE-POL-AWS;
            address [[N:ip]];
            external-interface ge-0/0/0.0;
        }
    }
}""",
    ),
    (
        "mikrotik export users and ppp",
        r"""# 2026-03-14 09:12:55 by RouterOS 7.14.2
# software id = [[N:hex8]]
#
# model = CCR2004-1G-12S+2XS
# serial number = [[N:serial]]
/interface wireguard
add listen-port=13231 mtu=1420 name=wg0 private-key="[[S:wg]]"
/ppp secret
add name=branch-[[N:word]] password=[[S:pw]] profile=default-encryption service=l2tp
/user
add group=full name=[[N:user]] password=[[S:hpw]]""",
    ),
    (
        "mikrotik wifi security",
        r"""/interface wifi security
add authentication-types=wpa2-psk,wpa3-psk name=sec-corp passphrase=[[S:phrase]] wps=disable
/interface wifi
set [ find default-name=wifi1 ] configuration.ssid=CORP security=sec-corp""",
    ),
    (
        "fortigate vpn psk typed",
        r"""FGT60F # config vpn ipsec phase1-interface
FGT60F (phase1-interface) # edit "to-branch-[[N:word]]"
FGT60F (to-branch) # set interface "wan1"
FGT60F (to-branch) # set peertype any
FGT60F (to-branch) # set remote-gw [[N:ip]]
FGT60F (to-branch) # set psksecret [[S:pw]]
FGT60F (to-branch) # end""",
    ),
    (
        "fortigate ldap server password",
        r"""config user ldap
    edit "AD-LDAP"
        set server "[[N:ip]]"
        set cnid "sAMAccountName"
        set dn "dc=corp,dc=example,dc=com"
        set type regular
        set username "CN=svc-fortigate,OU=Service Accounts,DC=corp,DC=example,DC=com"
        set password [[S:pw]]
    next
end""",
    ),
    (
        "vyos show configuration",
        r"""vyos@gw01:~$ show configuration commands | match 'secret|key'
set interfaces wireguard wg01 private-key '[[S:wg]]'
set interfaces wireguard wg01 peer hq preshared-key '[[S:wg]]'
set interfaces wireguard wg01 peer hq public-key '[[N:wg]]'
set protocols bgp neighbor [[N:ip]] password '[[S:apw]]'
set service snmp community [[S:comm]] authorization 'ro'""",
    ),
    (
        "hp procurve manager password",
        r"""; J9775A Configuration Editor; Created on release #YA.16.11.0008
hostname "[[N:host]]"
password manager user-name "manager" plaintext "[[S:hpw]]"
password operator user-name "operator" plaintext "[[S:hpw]]"
snmp-server community "[[S:comm]]" unrestricted""",
    ),
    (
        "ubiquiti edgeos config",
        r"""    login {
        user ubnt {
            authentication {
                encrypted-password [[N:sha512crypt]]
                plaintext-password "[[S:pw]]"
            }
            level admin
        }
    }""",
    ),
    (
        "wireguard wg0.conf",
        r"""[Interface]
Address = 10.77.0.1/24
ListenPort = 51820
PrivateKey = [[S:wg]]
PostUp = iptables -A FORWARD -i %i -j ACCEPT; iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE

[Peer]
# laptop-[[N:user]]
PublicKey = [[N:wg]]
PresharedKey = [[S:wg]]
AllowedIPs = 10.77.0.12/32""",
    ),
    (
        "wireguard client conf from qr",
        r"""[Interface]
PrivateKey = [[S:wg]]
Address = 10.8.0.5/32, fd42:42:42::5/128
DNS = 10.8.0.1

[Peer]
PublicKey = [[N:wg]]
Endpoint = vpn.[[N:host]]:51820
AllowedIPs = 0.0.0.0/0, ::/0
PersistentKeepalive = 25""",
    ),
    ("openvpn static key file", r"""[[S:ovpn]]"""),
    (
        "openvpn inline tls-auth client",
        r"""client
dev tun
proto udp
remote vpn.example.net 1194
resolv-retry infinite
nobind
remote-cert-tls server
cipher AES-256-GCM
key-direction 1
<tls-auth>
[[S:ovpn]]
</tls-auth>
<key>
[[S:pkcs8]]
</key>""",
    ),
    (
        "openvpn auth-user-pass file",
        r"""$ sudo cat /etc/openvpn/client/creds.txt
[[N:user]]
[[S:pw]]""",
    ),
    (
        "strongswan ipsec.secrets",
        r"""# /etc/ipsec.secrets - strongSwan IPsec secrets file
# This file holds shared secrets or RSA private keys for authentication.

: RSA vpn-gw.key
[[N:ip]] [[N:ip]] : PSK "[[S:pw]]"
@branch-[[N:word]].example.net : PSK "[[S:alnum32]]"
[[N:user]] : EAP "[[S:hpw]]"
""",
    ),
    (
        "swanctl secrets block",
        r"""secrets {
    ike-hq {
        id-1 = hq.example.net
        id-2 = [[N:ip]]
        secret = "[[S:alnum40]]"
    }
    eap-[[N:user]] {
        id = [[N:user]]
        secret = [[S:pw]]
    }
}""",
    ),
    (
        "shadow with plaintext note",
        r"""# temp accounts for the migration weekend, delete monday
# [[N:user]] / [[S:hpw]]
# [[N:user]] / [[S:pw]]
Remember: both were set with chpasswd on bastion01, expire with chage -d 0.""",
    ),
    (
        "chpasswd input file",
        r"""root:[[S:pw]]
[[N:user]]:[[S:hpw]]
[[N:user]]:[[S:rpw]]""",
    ),
    (
        "smbpasswd file nt hashes",
        r"""[[N:user]]:1001:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:[[S:nthash]]:[U          ]:LCT-[[N:hex8]]:
[[N:user]]:1002:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:[[S:nthash]]:[U          ]:LCT-[[N:hex8]]:""",
    ),
    (
        "cifs credentials file",
        r"""$ cat /root/.smbcredentials
username=[[N:user]]
password=[[S:pw]]
domain=CORP""",
    ),
    (
        "postfix sasl_passwd",
        r"""# /etc/postfix/sasl_passwd
[smtp.sendgrid.net]:587 apikey:SG.[[S:alnum20]].[[S:alnum40]]
[email-smtp.eu-west-1.amazonaws.com]:587 [[N:akid]]:[[S:awssecret]]
[mail.example.net]:submission relay@example.net:[[S:pw]]""",
    ),
    (
        "corosync authkey base64",
        r"""root@pve1:~# base64 /etc/corosync/authkey
[[S:b64_128]]
root@pve1:~# sha256sum /etc/corosync/authkey
[[N:sha256]]  /etc/corosync/authkey""",
    ),
    (
        "chrony keys file",
        r"""# /etc/chrony.keys
# keyid  type  key
1 SHA1 HEX:[[S:HEX40]]
2 MD5 [[S:apw]]
10 SHA256 HEX:[[S:hex64]]""",
    ),
    (
        "ntp.keys",
        r"""# ntpkeys generated by ntp-keygen
# Mon Mar  2 10:14:07 2026
 1 MD5 [[S:alnum20]]  # MD5 key
 2 SHA1 [[S:hex40]]  # SHA1 key""",
    ),
    (
        "bind rndc.key",
        r"""key "rndc-key" {
	algorithm hmac-sha256;
	secret "[[S:b64_32]]";
};""",
    ),
    (
        "bind tsig named.conf",
        r"""key "xfer-[[N:word]]." {
    algorithm hmac-sha512;
    secret "[[S:b64_64]]";
};

server [[N:ip]] {
    keys { "xfer-[[N:word]]."; };
};

zone "example.net" {
    type primary;
    file "/var/lib/bind/db.example.net";
    allow-transfer { key "xfer-[[N:word]]."; };
};""",
    ),
    (
        "dhcpd omapi key",
        r"""omapi-port 7911;
omapi-key omapi_key;

key omapi_key {
    algorithm hmac-md5;
    secret [[S:b64_64]];
}

ddns-update-style interim;""",
    ),
    (
        "nagios resource.cfg",
        r"""# Sets $USER1$ to be the path to the plugins
$USER1$=/usr/lib/nagios/plugins

# Sets $USER2$ to be the path to event handlers
$USER2$=/usr/lib/nagios/plugins/eventhandlers

# Store some usernames and passwords (hidden from the CGIs)
$USER3$=[[N:user]]
$USER4$=[[S:pw]]
$USER5$=[[S:comm]]""",
    ),
    (
        "zabbix psk file",
        r"""root@mon01:~# cat /etc/zabbix/zabbix_agent2.psk
[[S:hex64]]
root@mon01:~# grep ^TLS /etc/zabbix/zabbix_agent2.conf
TLSConnect=psk
TLSAccept=psk
TLSPSKIdentity=PSK-[[N:host]]
TLSPSKFile=/etc/zabbix/zabbix_agent2.psk""",
    ),
    (
        "htpasswd plain note",
        r"""stats page for haproxy on lb01/lb02:
  http://lb01.dc1.example.net:8404/stats
  user: stats
  pass: [[S:hpw]]
(same as keepalived auth_pass: [[S:kpw]])""",
    ),
    (
        "syslog su password typed as user",
        r"""[[N:sysdate]] bastion01 sshd[[[N:pid]]]: Failed password for invalid user [[S:pw]] from [[N:ip]] port 51122 ssh2
[[N:sysdate]] bastion01 sshd[[[N:pid]]]: Accepted password for [[N:user]] from [[N:ip]] port 51130 ssh2
[[N:sysdate]] bastion01 sshd[[[N:pid]]]: pam_unix(sshd:session): session opened for user [[N:user]](uid=1001) by (uid=0)""",
    ),
    (
        "auth.log sudo command with password",
        r"""[[N:sysdate]] db01 sudo:   [[N:user]] : TTY=pts/1 ; PWD=/home/[[N:user]] ; USER=root ; COMMAND=/usr/bin/mysql -uroot -p[[S:pw]] -e SHOW DATABASES
[[N:sysdate]] db01 sudo: pam_unix(sudo:session): session opened for user root(uid=0) by [[N:user]](uid=1001)""",
    ),
    (
        "journalctl app logs dsn",
        r"""[[N:sysdate]] app01 gunicorn[[[N:pid]]]: [INFO] Booting worker with pid: [[N:pid]]
[[N:sysdate]] app01 gunicorn[[[N:pid]]]: sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "[[N:ip]]", port 5432 failed
[[N:sysdate]] app01 gunicorn[[[N:pid]]]: (Background on this error at: https://sqlalche.me/e/20/e3q8) url=postgresql://app:[[S:apw]]@db01:5432/app""",
    ),
    (
        "ps aux with password args",
        r"""USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
root           1  0.0  0.1 169340 13020 ?        Ss   Mar02   0:41 /sbin/init
mysql        [[N:pid]]  1.2  9.8 2423412 801224 ?     Ssl  Mar02  88:12 /usr/sbin/mysqld
backup     [[N:pid]]  3.1  0.2  22840 17900 ?        S    02:00   0:09 mysqldump --all-databases -u backup --password=[[S:pw]] --single-transaction
root       [[N:pid]]  0.0  0.0   8260  3412 ?        S    02:00   0:00 /usr/bin/rsync -az --password-file=/etc/rsyncd.secret /var/backups rsync://[[N:ip]]/dumps""",
    ),
    (
        "proc environ dump",
        r"""root@app02:~# tr '\0' '\n' < /proc/[[N:pid]]/environ
LANG=C.UTF-8
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin
INVOCATION_ID=[[N:md5]]
JOURNAL_STREAM=8:[[N:num]]
DB_HOST=[[N:ip]]
DB_PASSWORD=[[S:pw]]
REDIS_URL=redis://:[[S:apw]]@[[N:ip]]:6379/0""",
    ),
    (
        "systemctl show Environment",
        r"""$ systemctl show node_exporter.service -p Environment -p ExecStart
Environment=GOMAXPROCS=2 PROXY_USER=monitor PROXY_PASS=[[S:pw]]
ExecStart={ path=/usr/local/bin/node_exporter ; argv[]=/usr/local/bin/node_exporter --web.listen-address=:9100 ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }""",
    ),
    (
        "bash history passwords",
        r"""  501  ssh [[N:user]]@[[N:host]]
  502  sudo mysql -u root -p'[[S:pw]]'
  503  ipmitool -I lanplus -H [[N:ip]] -U ADMIN -P [[S:apw]] chassis power status
  504  sshpass -p '[[S:hpw]]' scp backup.tgz [[N:user]]@[[N:ip]]:/srv/
  505  history | tail""",
    ),
    (
        "ssh private key cat",
        r"""[[N:user]]@bastion01:~$ cat ~/.ssh/id_ed25519
[[S:openssh]]
[[N:user]]@bastion01:~$ cat ~/.ssh/id_ed25519.pub
[[N:sshpub]]""",
    ),
    (
        "rsa host key",
        r"""root@kvm03:/etc/ssh# cat ssh_host_rsa_key
[[S:rsa]]""",
    ),
    (
        "putty key on jump host note",
        r"""Key for the out-of-band console server (opengear), converted for the NOC laptops:

[[S:putty]]""",
    ),
    (
        "ec private key lets encrypt",
        r"""# /etc/letsencrypt/live/vpn.example.net/privkey.pem
[[S:ec]]""",
    ),
    (
        "dmesg with module param",
        r"""[    0.000000] Linux version 6.8.0-45-generic (buildd@lcy02-amd64-075)
[    0.000000] Command line: BOOT_IMAGE=/vmlinuz-6.8.0-45-generic root=UUID=[[N:uuid]] ro quiet
[    4.812233] iscsi: registered transport (tcp)
[    5.100120] iscsistart: iSCSI session to [[N:ip]] target iqn.2026-01.net.example:storage.lun1 chap user [[N:user]] chap pass [[S:apw]]""",
    ),
    (
        "iscsi node record",
        r"""# iscsiadm -m node -T iqn.2026-01.net.example:san01.vol3 -o show | grep auth
node.session.auth.authmethod = CHAP
node.session.auth.username = [[N:user]]
node.session.auth.password = [[S:alnum20]]
node.session.auth.username_in = <empty>
node.session.auth.password_in = <empty>""",
    ),
    (
        "runbook note bmc creds",
        r"""## Rack 12 BMCs (iDRAC 9)
- r12-u05  [[N:ip]]  root / [[S:hpw]]
- r12-u07  [[N:ip]]  root / [[S:hpw]]
- r12-u09  [[N:ip]]  svc_ipmi / [[S:apw]]
Service tags: [[N:serial]], [[N:serial]], [[N:serial]]""",
    ),
    (
        "keepalived log and conf excerpt",
        r"""vrrp_instance VI_1 {
    state MASTER
    interface [[N:iface]]
    virtual_router_id 51
    priority 150
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass [[S:kpw]]
    }
    virtual_ipaddress {
        [[N:ip]]/24
    }
}""",
    ),
    (
        "k3s node token",
        r"""root@k3s-server-1:~# cat /var/lib/rancher/k3s/server/node-token
[[S:k3s]]""",
    ),
    (
        "kubeadm join printed",
        r"""Your Kubernetes control-plane has initialized successfully!

Then you can join any number of worker nodes by running the following on each as root:

kubeadm join [[N:ip]]:6443 --token [[S:kubeadm]] \
	--discovery-token-ca-cert-hash sha256:[[N:sha256]]""",
    ),
    (
        "seed phrase on hardware wallet note",
        r"""Cold-storage signer for the validator box (kept offline in safe B):
recovery words: [[S:seed]]
derivation m/44'/60'/0'/0/0, address 0x[[N:sha1]]""",
    ),
    (
        "pxe menu with preseed password",
        r"""LABEL install-ubuntu
  MENU LABEL Ubuntu 24.04 unattended
  KERNEL ubuntu/vmlinuz
  APPEND initrd=ubuntu/initrd auto=true priority=critical url=http://[[N:ip]]/preseed.cfg passwd/root-password=[[S:pw]] passwd/root-password-again=[[S:pw]] ---""",
    ),
    (
        "dovecot passwd-file",
        r"""[[N:user]]@example.net:{PLAIN}[[S:pw]]:5000:5000::/var/mail/vhosts/example.net/[[N:user]]::
[[N:user]]@example.net:{SHA512-CRYPT}[[N:sha512crypt]]:5000:5000::/var/mail/vhosts/example.net/[[N:user]]::""",
    ),
    (
        "openldap slapd.conf rootpw",
        r"""database	mdb
maxsize		1073741824
suffix		"dc=example,dc=net"
rootdn		"cn=admin,dc=example,dc=net"
rootpw		[[S:pw]]
directory	/var/lib/ldap
index	objectClass	eq""",
    ),
    (
        "tacacs+ server users file",
        r"""# tac_plus.conf
key = "[[S:pw]]"

user = [[N:user]] {
    default service = permit
    login = cleartext "[[S:hpw]]"
    member = netadmins
}""",
    ),
    (
        "freeradius clients.conf",
        r"""client core-switches {
	ipaddr = 10.20.0.0/16
	secret = [[S:apw]]
	shortname = core
	nas_type = cisco
}

client wlc01 {
	ipaddr = [[N:ip]]
	secret = [[S:pw]]
}""",
    ),
]

N_PLAIN: list[tuple[str, str]] = [
    (
        "etc shadow crypt hashes",
        r"""root:[[N:sha512crypt]]:19876:0:99999:7:::
daemon:*:19800:0:99999:7:::
bin:*:19800:0:99999:7:::
sshd:!:19800::::::
[[N:user]]:[[N:yescrypt]]:19877:0:99999:7:::
[[N:user]]:!:19879:0:99999:7:::""",
    ),
    (
        "wg show hidden keys",
        r"""interface: wg0
  public key: [[N:wg]]
  private key: (hidden)
  listening port: 51820

peer: [[N:wg]]
  preshared key: (hidden)
  endpoint: [[N:ip]]:41934
  allowed ips: 10.77.0.12/32
  latest handshake: 1 minute, 12 seconds ago
  transfer: 48.21 MiB received, 1.02 GiB sent""",
    ),
    (
        "wg showconf public only",
        r"""[Peer]
PublicKey = [[N:wg]]
AllowedIPs = 10.77.0.0/24
Endpoint = [[N:ip]]:51820
PersistentKeepalive = 25

[Peer]
PublicKey = [[N:wg]]
AllowedIPs = 10.77.1.0/24""",
    ),
    (
        "wireguard conf key from file",
        r"""[Interface]
Address = 10.77.0.1/24
ListenPort = 51820
PostUp = wg set %i private-key /etc/wireguard/%i.key
SaveConfig = false

[Peer]
PublicKey = [[N:wg]]
AllowedIPs = 10.77.0.2/32""",
    ),
    (
        "cisco show run secret hashes only",
        r"""!
hostname [[N:host]]
!
enable secret 5 [[N:md5crypt]]
!
username [[N:user]] privilege 15 secret 8 [[N:cisco8]]
username [[N:user]] privilege 15 secret 9 [[N:cisco9]]
!
aaa new-model
aaa authentication login default group tacacs+ local""",
    ),
    (
        "cisco show version serials",
        r"""Cisco IOS XE Software, Version 17.09.04a
Cisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 17.9.4a, RELEASE SOFTWARE (fc3)
[[N:host]] uptime is 41 weeks, 2 days, 7 hours, 12 minutes
System image file is "flash:packages.conf"
Base Ethernet MAC Address          : [[N:mac]]
Motherboard Serial Number          : [[N:serial]]
Model Number                       : C9300-48P
System Serial Number               : [[N:serial]]""",
    ),
    (
        "cisco snmp community default public",
        r"""snmp-server community public RO
snmp-server community private RW
snmp-server location Lab bench 3
snmp-server chassis-id [[N:serial]]""",
    ),
    (
        "cisco config with masked secrets",
        r"""Building configuration...

Current configuration : 8123 bytes
!
username [[N:user]] privilege 15 password 7 <removed>
tacacs-server key 7 <removed>
snmp-server community <removed> RO
!
! secrets stripped by rancid/oxidized before commit""",
    ),
    (
        "juniper display secrets hashes",
        r"""system {
    root-authentication {
        encrypted-password "[[N:sha512crypt]]"; ## SECRET-DATA
        ssh-ed25519 "[[N:sshpub]]"; ## SECRET-DATA
    }
    login {
        user netops {
            uid 2001;
            class super-user;
            authentication {
                encrypted-password "[[N:sha256crypt]]"; ## SECRET-DATA
            }
        }
    }
}""",
    ),
    (
        "fortigate admin ENC hash",
        r"""config system admin
    edit "admin"
        set accprofile "super_admin"
        set vdom "root"
        set password ENC [[N:fortihash]]
    next
    edit "[[N:user]]"
        set trusthost1 [[N:ip]] 255.255.255.255
        set accprofile "prof_admin"
        set password ENC [[N:fortihash]]
    next
end""",
    ),
    (
        "openvpn client conf with files",
        r"""client
dev tun
proto udp
remote vpn.example.net 1194
auth-user-pass /etc/openvpn/client/creds.txt
ca /etc/openvpn/client/ca.crt
cert /etc/openvpn/client/[[N:user]].crt
key /etc/openvpn/client/[[N:user]].key
tls-crypt /etc/openvpn/client/ta.key
verb 3""",
    ),
    (
        "ipsec statusall",
        r"""Status of IKE charon daemon (strongSwan 5.9.13, Linux 6.8.0-45-generic, x86_64):
  uptime: 3 days, since Mar 11 08:02:11 2026
Connections:
     hq-site:  [[N:ip]]...[[N:ip]]  IKEv2, dpddelay=30s
     hq-site:   local:  [hq.example.net] uses pre-shared key authentication
     hq-site:   remote: [[[N:ip]]] uses pre-shared key authentication
Security Associations (1 up, 0 connecting):
     hq-site[12]: ESTABLISHED 41 minutes ago, [[N:ip]][hq.example.net]...[[N:ip]][[[N:ip]]]
     hq-site[12]: IKEv2 SPIs: [[N:hex16]]_i* [[N:hex16]]_r, pre-shared key reauthentication in 2 hours""",
    ),
    (
        "klist -k keytab listing",
        r"""root@nfs01:~# klist -k -t /etc/krb5.keytab
Keytab name: FILE:/etc/krb5.keytab
KVNO Timestamp           Principal
---- ------------------- ------------------------------------------------------
   3 03/02/2026 10:14:07 [[N:principal]]
   3 03/02/2026 10:14:07 [[N:principal]]
   4 03/09/2026 08:55:41 [[N:principal]]""",
    ),
    (
        "ssh-keygen fingerprints",
        r"""$ for f in /etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf "$f"; done
256 [[N:fp]] root@[[N:host]] (ECDSA)
256 [[N:fp]] root@[[N:host]] (ED25519)
3072 [[N:fp]] root@[[N:host]] (RSA)""",
    ),
    (
        "known_hosts lines",
        r"""[[N:host]],[[N:ip]] [[N:hostkey]]
|1|[[N:b64_16]]=|[[N:b64_16]]= [[N:hostkey]]
[[N:host]] [[N:sshpub]]""",
    ),
    (
        "authorized_keys",
        r"""# managed by ansible - do not edit
[[N:sshpub]]
from="10.0.0.0/8",no-agent-forwarding [[N:sshpub]]
command="/usr/local/bin/backup-only",no-pty [[N:sshpub]]""",
    ),
    (
        "sha256sum of packages",
        r"""$ sha256sum *.deb
[[N:sha256]]  frr_9.1-0~ubuntu24.04.1_amd64.deb
[[N:sha256]]  frr-pythontools_9.1-0~ubuntu24.04.1_all.deb
[[N:sha256]]  wireguard-tools_1.0.20210914-1ubuntu4_amd64.deb
$ sha256sum -c SHA256SUMS 2>/dev/null | grep -c OK
3""",
    ),
    (
        "ip addr output",
        r"""2: [[N:iface]]: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9000 qdisc mq master bond0 state UP group default qlen 1000
    link/ether [[N:mac]] brd ff:ff:ff:ff:ff:ff
    altname enp65s0f0
5: wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc noqueue state UNKNOWN group default qlen 1000
    link/none
    inet 10.77.0.1/24 scope global wg0
       valid_lft forever preferred_lft forever
    inet6 [[N:ip6]]/64 scope global
       valid_lft forever preferred_lft forever""",
    ),
    (
        "iptables rules save",
        r"""# Generated by iptables-save v1.8.10 (nf_tables) on Sat Mar 14 10:02:11 2026
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [[[N:num]]:[[N:num]]]
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p udp -m udp --dport 51820 -j ACCEPT
-A INPUT -s [[N:ip]]/32 -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -m comment --comment "snmp from nms" -s [[N:ip]]/32 -p udp --dport 161 -j ACCEPT
COMMIT""",
    ),
    (
        "lsblk and blkid uuids",
        r"""NAME        FSTYPE      FSVER LABEL UUID                                 FSAVAIL FSUSE% MOUNTPOINTS
nvme0n1
├─nvme0n1p1 vfat        FAT32       [[N:hex8]]                               1G     1% /boot/efi
├─nvme0n1p2 ext4        1.0         [[N:uuid]]    1.4G    18% /boot
└─nvme0n1p3 crypto_LUKS 2           [[N:uuid]]
  └─dm_crypt-0 LVM2_member LVM2 001  [[N:hex16]]-[[N:hex8]]""",
    ),
    (
        "dmidecode serials",
        r"""# dmidecode -t system
System Information
	Manufacturer: Dell Inc.
	Product Name: PowerEdge R650
	Serial Number: [[N:serial]]
	UUID: [[N:uuid]]
	Wake-up Type: Power Switch
	SKU Number: SKU=[[N:hex8]];ModelName=PowerEdge R650""",
    ),
    (
        "ldapsearch userPassword ssha",
        r"""# [[N:user]], people, example.net
dn: uid=[[N:user]],ou=people,dc=example,dc=net
objectClass: inetOrgPerson
objectClass: posixAccount
uid: [[N:user]]
uidNumber: 10042
homeDirectory: /home/[[N:user]]
userPassword:: [[N:ssha|b64]]
sshPublicKey: [[N:sshpub]]""",
    ),
    (
        "htpasswd apr1 and bcrypt",
        r"""[[N:user]]:[[N:apr1]]
[[N:user]]:[[N:bcrypt]]
prometheus:[[N:bcrypt]]""",
    ),
    (
        "kickstart iscrypted",
        r"""# Root password
rootpw --iscrypted [[N:sha512crypt]]
user --name=[[N:user]] --groups=wheel --iscrypted --password=[[N:sha512crypt]]
sshkey --username=[[N:user]] "[[N:sshpub]]"
timezone Europe/Berlin --utc
selinux --enforcing""",
    ),
    (
        "certificate pem",
        r"""root@lb01:~# cat /etc/haproxy/certs/ca-chain.crt
[[N:cert]]
[[N:cert]]""",
    ),
    (
        "openssl x509 text",
        r"""Certificate:
    Data:
        Version: 3 (0x2)
        Serial Number:
            [[N:md5fp]]
        Signature Algorithm: sha256WithRSAEncryption
        Issuer: C = DE, O = Example Net, CN = Example Net Internal CA
        Validity
            Not Before: Mar  1 00:00:00 2026 GMT
            Not After : Mar  1 23:59:59 2027 GMT
        Subject: CN = vpn.example.net
        X509v3 Subject Key Identifier:
            [[N:md5fp]]:[[N:hex8]]""",
    ),
    (
        "ansible vault blob in notes",
        r"""group_vars/routers/vault.yml (encrypted, safe to commit):

[[N:vault]]""",
    ),
    (
        "passwd -S and chage",
        r"""# passwd -S [[N:user]]
[[N:user]] P 2026-03-02 0 99999 7 -1
# chage -l [[N:user]]
Last password change					: Mar 02, 2026
Password expires					: never
Password inactive					: never
Account expires						: never""",
    ),
    (
        "sshd journal accepted key",
        r"""[[N:sysdate]] bastion01 sshd[[[N:pid]]]: Accepted publickey for [[N:user]] from [[N:ip]] port 50312 ssh2: ED25519 [[N:fp]]
[[N:sysdate]] bastion01 sshd[[[N:pid]]]: pam_unix(sshd:session): session opened for user [[N:user]](uid=1002) by (uid=0)
[[N:sysdate]] bastion01 sshd[[[N:pid]]]: Failed password for [[N:user]] from [[N:ip]] port 50410 ssh2
[[N:sysdate]] bastion01 sshd[[[N:pid]]]: Connection closed by authenticating user root [[N:ip]] port 50412 [preauth]""",
    ),
    (
        "sudo auth failure log",
        r"""[[N:sysdate]] web01 sudo: pam_unix(sudo:auth): authentication failure; logname=[[N:user]] uid=1001 euid=0 tty=/dev/pts/0 ruser=[[N:user]] rhost=  user=[[N:user]]
[[N:sysdate]] web01 sudo: [[N:user]] : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/[[N:user]] ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx""",
    ),
    (
        "ps aux password files",
        r"""USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
backup     [[N:pid]]  2.9  0.2  22840 17900 ?        S    02:00   0:09 restic backup /srv --password-file /etc/restic/pass --repo sftp:backup@[[N:host]]:/restic
root       [[N:pid]]  0.0  0.0   8260  3412 ?        S    02:00   0:00 rsync -az --password-file=/etc/rsyncd.secret /var/backups rsync://[[N:ip]]/dumps
prometh+   [[N:pid]]  1.1  1.9 1288232 160112 ?      Ssl  Mar02  91:20 /usr/local/bin/prometheus --config.file=/etc/prometheus/prometheus.yml --web.config.file=/etc/prometheus/web.yml""",
    ),
    (
        "proc environ references only",
        r"""PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin
HOSTNAME=[[N:host]]
DB_PASSWORD_FILE=/run/secrets/db_password
CREDENTIALS_DIRECTORY=/run/credentials/app.service
VAULT_ADDR=https://vault.example.net:8200
INVOCATION_ID=[[N:md5]]""",
    ),
    (
        "systemctl show load credential",
        r"""$ systemctl show grafana-server -p LoadCredential -p Environment
LoadCredential=admin-password:/etc/credstore/grafana-admin
Environment=GF_SECURITY_ADMIN_PASSWORD__FILE=%d/admin-password GF_PATHS_DATA=/var/lib/grafana""",
    ),
    (
        "show crypto key mypubkey",
        r"""edge01#show crypto key mypubkey rsa
% Key pair was generated at: 10:14:07 CET Mar 2 2026
Key name: [[N:host]]
Key type: RSA KEYS
 Storage Device: private-config
 Usage: General Purpose Key
 Key is not exportable. Redundancy enabled.
 Key Data:
  30820122 300D0609 2A864886 F70D0101 01050003 82010F00 3082010A 02820101
  00[[N:HEX40]] [[N:hex16]] 0203 010001""",
    ),
    (
        "show ip bgp summary",
        r"""BGP router identifier [[N:ip]], local AS number 65010
BGP table version is 912231, main routing table version 912231
Neighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd
[[N:ip]]     4          174 8123412  1202231   912231    0    0 6w2d       981233
[[N:ip]]     4        65020  120122   120119   912231    0    0 6w2d            12""",
    ),
    (
        "gpg list keys",
        r"""/root/.gnupg/pubring.kbx
------------------------
pub   ed25519 2026-01-12 [SC] [expires: 2028-01-12]
      [[N:HEX40]]
uid           [ultimate] Backup Signing Key <backup@example.net>
sub   cv25519 2026-01-12 [E] [expires: 2028-01-12]""",
    ),
    (
        "zabbix agent psk reference",
        r"""### Option: TLSPSKIdentity
TLSPSKIdentity=PSK-[[N:host]]
### Option: TLSPSKFile
TLSPSKFile=/etc/zabbix/zabbix_agent2.psk
Server=[[N:ip]]
ServerActive=[[N:ip]]
Hostname=[[N:host]]""",
    ),
    (
        "runbook rotation note no values",
        r"""## Rotating the TACACS+ key
1. Generate a new key in the vault: `vault kv put secret/network/tacacs key=-` (read from stdin).
2. Push with `ansible-playbook tacacs.yml -e tacacs_key="{{ lookup('hashi_vault', 'secret/network/tacacs:key') }}"`.
3. Old key id tac-2025-11 retired; new key id tac-2026-03.
Do NOT paste the key into the ticket.""",
    ),
    (
        "mikrotik export hide-sensitive",
        r"""# 2026-03-14 09:12:55 by RouterOS 7.14.2
# software id = [[N:hex8]]
/interface wireguard
add listen-port=13231 mtu=1420 name=wg0
/interface wireguard peers
add allowed-address=10.66.0.2/32 interface=wg0 public-key="[[N:wg]]"
/ip address
add address=10.66.0.1/24 interface=wg0 network=10.66.0.0""",
    ),
    (
        "chronyc sources",
        r"""MS Name/IP address         Stratum Poll Reach LastRx Last sample
===============================================================================
^* [[N:ip]]                   2  10   377   112   -201us[ -233us] +/-   11ms
^+ [[N:ip]]                   2  10   377   640   +412us[ +381us] +/-   19ms
^- time.cloudflare.com            3  10   377   901  -1203us[-1203us] +/-   42ms""",
    ),
    (
        "keepalived status log",
        r"""[[N:sysdate]] lb01 Keepalived_vrrp[[[N:pid]]]: (VI_1) Entering BACKUP STATE (init)
[[N:sysdate]] lb01 Keepalived_vrrp[[[N:pid]]]: (VI_1) received lower priority advert, forcing new election
[[N:sysdate]] lb01 Keepalived_vrrp[[[N:pid]]]: (VI_1) Entering MASTER STATE
[[N:sysdate]] lb01 Keepalived_vrrp[[[N:pid]]]: (VI_1) Sending/queueing gratuitous ARPs on [[N:iface]] for [[N:ip]]""",
    ),
    (
        "sops encrypted file view",
        r"""bgp_passwords:
    transit_a: [[N:sops]]
    transit_b: [[N:sops]]
sops:
    age:
        - recipient: age1[[N:hex16]][[N:hex16]][[N:hex16]]
    lastmodified: "[[N:ts]]"
    mac: [[N:sops]]
    version: 3.9.1""",
    ),
    (
        "git log of config backup",
        r"""commit [[N:commit]]
Author: oxidized <oxidized@[[N:host]]>
Date:   Sat Mar 14 03:00:12 2026 +0100

    update [[N:host]] (secrets removed)

commit [[N:commit]]
Author: oxidized <oxidized@[[N:host]]>
Date:   Fri Mar 13 03:00:09 2026 +0100

    update [[N:host]]""",
    ),
]


# --------------------------------------------------------------------------------------------------
# shell: commands, scripts and sessions

P_SHELL: list[tuple[str, str]] = [
    (
        "sshpass scp",
        r"""$ sshpass -p '[[S:pw]]' scp -o StrictHostKeyChecking=no firmware-[[N:num]].bin admin@[[N:ip]]:/flash/
firmware.bin                                  100%   48MB  11.2MB/s   00:04""",
    ),
    (
        "sshpass ssh loop",
        r"""for h in $(cat switches.txt); do
  sshpass -p "[[S:hpw]]" ssh -o ConnectTimeout=5 [[N:user]]@"$h" 'show version | include uptime'
done""",
    ),
    (
        "export sshpass env",
        r"""export SSHPASS='[[S:pw]]'
sshpass -e ssh -tt [[N:user]]@[[N:host]] 'sudo systemctl restart frr'""",
    ),
    (
        "ipmitool power cycle",
        r"""$ ipmitool -I lanplus -H [[N:ip]] -U ADMIN -P '[[S:apw]]' chassis power cycle
Chassis Power Control: Cycle
$ ipmitool -I lanplus -H [[N:ip]] -U ADMIN -P '[[S:apw]]' sol activate
[SOL Session operational.  Use ~? for help]""",
    ),
    (
        "ipmitool user set password",
        r"""# ipmitool user list 1
ID  Name	     Callin  Link Auth	IPMI Msg   Channel Priv Limit
1                    true    false      false      Unknown (0x00)
2   ADMIN            false   false      true       ADMINISTRATOR
3   [[N:user]]         true    false      true       ADMINISTRATOR
# ipmitool user set password 3 [[S:apw]]
Set User Password command successful (user 3)""",
    ),
    (
        "racadm idrac",
        r"""racadm -r [[N:ip]] -u root -p [[S:hpw]] --nocertwarn getsysinfo
racadm -r [[N:ip]] -u root -p [[S:hpw]] --nocertwarn set iDRAC.Users.3.Password [[S:rpw]]
racadm -r [[N:ip]] -u root -p [[S:hpw]] --nocertwarn serveraction powercycle""",
    ),
    (
        "hpe ilo hponcfg xml heredoc",
        r"""cat > /tmp/adduser.xml <<'EOF'
<RIBCL VERSION="2.0">
  <LOGIN USER_LOGIN="Administrator" PASSWORD="[[S:alnum20]]">
    <USER_INFO MODE="write">
      <ADD_USER USER_NAME="[[N:user]]" USER_LOGIN="[[N:user]]" PASSWORD="[[S:pw]]">
        <ADMIN_PRIV value="Y"/>
      </ADD_USER>
    </USER_INFO>
  </LOGIN>
</RIBCL>
EOF
hponcfg -f /tmp/adduser.xml""",
    ),
    (
        "redfish curl basic",
        r"""$ curl -sk -u root:[[S:hpw]] https://[[N:ip]]/redfish/v1/Systems/System.Embedded.1 | jq .PowerState
"On"
$ curl -sk -u root:[[S:hpw]] -X POST https://[[N:ip]]/redfish/v1/Systems/System.Embedded.1/Actions/ComputerSystem.Reset -H 'Content-Type: application/json' -d '{"ResetType":"GracefulRestart"}'""",
    ),
    (
        "chpasswd echo",
        r"""$ echo 'root:[[S:pw]]' | sudo chpasswd
$ echo "[[N:user]]:[[S:hpw]]" | sudo chpasswd && sudo chage -d 0 [[N:user]]""",
    ),
    (
        "useradd with openssl passwd",
        r"""sudo useradd -m -s /bin/bash -G sudo [[N:user]]
sudo usermod -p "$(openssl passwd -6 '[[S:pw]]')" [[N:user]]""",
    ),
    (
        "htpasswd -b",
        r"""$ sudo htpasswd -b -c /etc/nginx/.htpasswd [[N:user]] [[S:pw]]
Adding password for user [[N:user]]
$ sudo htpasswd -bB /etc/nginx/.htpasswd prometheus '[[S:rpw]]'
Adding password for user prometheus""",
    ),
    (
        "smbpasswd -a stdin",
        r"""$ (echo '[[S:pw]]'; echo '[[S:pw]]') | sudo smbpasswd -s -a [[N:user]]
Added user [[N:user]].""",
    ),
    (
        "mount cifs password option",
        r"""$ sudo mount -t cifs //nas01/backups /mnt/backups -o username=[[N:user]],password=[[S:pw]],vers=3.0,uid=1000
$ df -h /mnt/backups
Filesystem          Size  Used Avail Use% Mounted on
//nas01/backups      11T  7.2T  3.8T  66% /mnt/backups""",
    ),
    (
        "ldapsearch -w",
        r"""$ ldapsearch -x -H ldaps://ldap01.example.net -D "cn=admin,dc=example,dc=net" -w '[[S:pw]]' -b "ou=people,dc=example,dc=net" "(uid=[[N:user]])" mail
# extended LDIF
dn: uid=[[N:user]],ou=people,dc=example,dc=net
mail: [[N:user]]@example.net""",
    ),
    (
        "ldappasswd",
        r"""ldappasswd -H ldap://localhost -x -D "cn=admin,dc=example,dc=net" -w [[S:apw]] -s '[[S:hpw]]' "uid=[[N:user]],ou=people,dc=example,dc=net"
""",
    ),
    (
        "net ads join",
        r"""$ sudo net ads join -U Administrator%[[S:pw]] createcomputer="Servers/Linux"
Using short domain name -- CORP
Joined '[[N:host]]' to dns domain 'corp.example.com'""",
    ),
    (
        "realm join stdin",
        r"""$ echo '[[S:hpw]]' | sudo realm join -U svc-join corp.example.com --computer-ou="OU=Linux,DC=corp,DC=example,DC=com"
 * Resolving: _ldap._tcp.corp.example.com
 * Successfully enrolled machine in realm""",
    ),
    (
        "kinit password pipe",
        r"""echo "[[S:pw]]" | kinit [[N:user]]@CORP.EXAMPLE.COM
klist
Ticket cache: FILE:/tmp/krb5cc_1001
Default principal: [[N:user]]@CORP.EXAMPLE.COM""",
    ),
    (
        "snmpwalk v2c",
        r"""$ snmpwalk -v2c -c [[S:comm]] [[N:ip]] IF-MIB::ifDescr
IF-MIB::ifDescr.1 = STRING: GigabitEthernet1/0/1
IF-MIB::ifDescr.2 = STRING: GigabitEthernet1/0/2""",
    ),
    (
        "snmpget v3",
        r"""snmpget -v3 -l authPriv -u nmsuser -a SHA -A '[[S:apw]]' -x AES -X '[[S:apw]]' [[N:ip]] SNMPv2-MIB::sysUpTime.0
SNMPv2-MIB::sysUpTime.0 = Timeticks: (1234567890) 142 days, 21:21:18.90""",
    ),
    (
        "mysql cli password",
        r"""$ mysql -h [[N:ip]] -u zabbix -p[[S:pw]] zabbix -e 'select count(*) from hosts'
mysql: [Warning] Using a password on the command line interface can be insecure.
+----------+
| count(*) |
+----------+
|      412 |
+----------+""",
    ),
    ("psql PGPASSWORD", r"""PGPASSWORD='[[S:pw]]' psql -h [[N:ip]] -U grafana -d grafana -c '\dt'"""),
    (
        "mysqldump cron",
        r"""# /etc/cron.d/dbbackup
15 2 * * * root mysqldump -u backup -p'[[S:hpw]]' --all-databases | gzip > /var/backups/db-$(date +\%F).sql.gz""",
    ),
    (
        "rsync password env",
        r"""RSYNC_PASSWORD='[[S:pw]]' rsync -az --delete /srv/www/ rsync://[[N:user]]@[[N:ip]]/www/
sent 12.41M bytes  received 1.92K bytes  8.27M bytes/sec""",
    ),
    (
        "restic password env",
        r"""export RESTIC_REPOSITORY=s3:https://s3.eu-central-1.amazonaws.com/[[N:word]]-backups
export AWS_ACCESS_KEY_ID=[[N:akid]]
export AWS_SECRET_ACCESS_KEY=[[S:awssecret]]
export RESTIC_PASSWORD='[[S:phrase]]'
restic snapshots --latest 3""",
    ),
    (
        "borg passphrase",
        r"""export BORG_PASSPHRASE='[[S:phrase]]'
export BORG_REPO=ssh://borg@[[N:host]]:22/./repo
borg create --stats --compression zstd ::'{hostname}-{now}' /etc /srv""",
    ),
    (
        "wg genkey session",
        r"""root@vpn01:~# wg genkey | tee /etc/wireguard/privatekey | wg pubkey > /etc/wireguard/publickey
root@vpn01:~# cat /etc/wireguard/privatekey
[[S:wg]]
root@vpn01:~# cat /etc/wireguard/publickey
[[N:wg]]""",
    ),
    (
        "wg set psk inline",
        r"""wg set wg0 peer [[N:wg]] preshared-key <(echo '[[S:wg]]') allowed-ips 10.77.0.14/32""",
    ),
    (
        "wg-quick heredoc",
        r"""sudo tee /etc/wireguard/wg1.conf >/dev/null <<EOF
[Interface]
PrivateKey = [[S:wg]]
Address = 10.99.0.2/24

[Peer]
PublicKey = [[N:wg]]
Endpoint = [[N:ip]]:51820
AllowedIPs = 10.99.0.0/24
EOF
sudo systemctl enable --now wg-quick@wg1""",
    ),
    (
        "nmcli wifi psk",
        r"""$ nmcli dev wifi connect "CORP-IOT" password "[[S:phrase]]" ifname wlan0
Device 'wlan0' successfully activated with '[[N:uuid]]'.""",
    ),
    (
        "nmcli vpn secrets",
        r"""nmcli connection modify office-vpn vpn.secrets "password=[[S:pw]]"
nmcli connection modify office-vpn +vpn.data "user=[[N:user]]"
nmcli connection up office-vpn""",
    ),
    (
        "wpa_passphrase output",
        r"""$ wpa_passphrase CORP-IOT '[[S:phrase]]'
network={
	ssid="CORP-IOT"
	#psk="[[S:phrase]]"
	psk=[[S:hex64]]
}""",
    ),
    (
        "rndc-confgen",
        r"""# rndc-confgen -a -A hmac-sha256
wrote key file "/etc/bind/rndc.key"
# cat /etc/bind/rndc.key
key "rndc-key" {
	algorithm hmac-sha256;
	secret "[[S:b64_32]]";
};""",
    ),
    (
        "nsupdate with key",
        r"""nsupdate -y hmac-sha256:ddns-key:[[S:b64_32]] <<EOF
server [[N:ip]]
zone example.net
update add [[N:word]].example.net. 300 A [[N:ip]]
send
EOF""",
    ),
    (
        "tsig-keygen",
        r"""$ tsig-keygen -a hmac-sha512 xfer-key
key "xfer-key" {
	algorithm hmac-sha512;
	secret "[[S:b64_64]]";
};""",
    ),
    (
        "corosync-keygen and copy",
        r"""root@pve1:~# corosync-keygen
Corosync Cluster Engine Authentication key generator.
Gathering 2048 bits for key from /dev/urandom.
Writing corosync key to /etc/corosync/authkey.
root@pve1:~# xxd -p /etc/corosync/authkey | head -4
[[S:hex64]]
[[S:hex64]]""",
    ),
    (
        "consul keygen and agent",
        r"""$ consul keygen
[[S:b64_32]]
$ consul agent -server -bootstrap-expect=3 -encrypt=[[S:b64_32]] -data-dir=/opt/consul -bind=[[N:ip]]""",
    ),
    (
        "consul acl token env",
        r"""export CONSUL_HTTP_ADDR=https://consul.service.dc1.consul:8501
export CONSUL_HTTP_TOKEN=[[S:uuid]]
consul members
Node      Address             Status  Type    Build   Protocol  DC   Partition  Segment
consul1   [[N:ip]]:8301   alive   server  1.18.1  2         dc1  default    <all>""",
    ),
    (
        "vault login token",
        r"""$ vault login [[S:hvs]]
Success! You are now authenticated. The token information displayed below
is already stored in the token helper.

Key                  Value
---                  -----
token                [[S:hvs]]
token_accessor       [[N:alnum20]]
token_duration       768h
token_policies       ["default" "netops"]""",
    ),
    (
        "vault operator init output",
        r"""Unseal Key 1: [[S:b64_32]]
Unseal Key 2: [[S:b64_32]]
Unseal Key 3: [[S:b64_32]]

Initial Root Token: [[S:hvs]]

Vault initialized with 5 key shares and a key threshold of 3.""",
    ),
    (
        "pvesh api token create",
        r"""root@pve1:~# pveum user token add root@pam terraform --privsep 0
┌──────────────┬──────────────────────────────────────┐
│ key          │ value                                │
╞══════════════╪══════════════════════════════════════╡
│ full-tokenid │ root@pam!terraform                   │
├──────────────┼──────────────────────────────────────┤
│ info         │ {"privsep":"0"}                      │
├──────────────┼──────────────────────────────────────┤
│ value        │ [[S:pvesecret]] │
└──────────────┴──────────────────────────────────────┘""",
    ),
    (
        "proxmox curl api token",
        r"""curl -s -H 'Authorization: PVEAPIToken=root@pam!monitoring=[[S:pvesecret]]' https://[[N:ip]]:8006/api2/json/nodes | jq '.data[].node'""",
    ),
    (
        "netbox curl token",
        r"""$ curl -s -H "Authorization: Token [[S:hex40]]" -H "Accept: application/json" "https://netbox.example.net/api/dcim/devices/?site=fra1&role=leaf" | jq '.count'
48""",
    ),
    (
        "grafana api curl",
        r"""curl -s -H "Authorization: Bearer [[S:glsa]]" https://grafana.example.net/api/search?query=node | jq -r '.[].title'""",
    ),
    (
        "grafana-cli reset admin",
        r"""$ sudo grafana-cli admin reset-admin-password '[[S:pw]]'
INFO [03-14|10:12:44] Starting Grafana                         logger=settings version=11.1.0
Admin password changed successfully ✔""",
    ),
    (
        "tailscale up authkey",
        r"""sudo tailscale up --authkey=[[S:tskey]] --advertise-routes=10.20.0.0/16 --ssh
sudo tailscale status""",
    ),
    (
        "k3s agent install",
        r"""curl -sfL https://get.k3s.io | K3S_URL=https://[[N:ip]]:6443 K3S_TOKEN=[[S:k3s]] sh -
[INFO]  Finding release for channel stable
[INFO]  Using v1.30.2+k3s1 as release""",
    ),
    (
        "kubeadm token create",
        r"""$ kubeadm token create --print-join-command
kubeadm join [[N:ip]]:6443 --token [[S:kubeadm]] --discovery-token-ca-cert-hash sha256:[[N:sha256]]""",
    ),
    (
        "doctl auth",
        r"""$ doctl auth init --access-token [[S:dop]]
Validating token... OK""",
    ),
    (
        "certbot cloudflare ini",
        r"""sudo install -m 600 /dev/null /root/.secrets/cloudflare.ini
echo 'dns_cloudflare_api_token = [[S:alnum40]]' | sudo tee /root/.secrets/cloudflare.ini
sudo certbot certonly --dns-cloudflare --dns-cloudflare-credentials /root/.secrets/cloudflare.ini -d vpn.example.net""",
    ),
    (
        "git clone with pat for ansible repo",
        r"""$ git clone https://oauth2:[[S:glpat]]@gitlab.example.net/netops/ansible-network.git
Cloning into 'ansible-network'...
remote: Enumerating objects: 4123, done.""",
    ),
    (
        "docker login registry",
        r"""$ echo '[[S:ghp]]' | docker login ghcr.io -u [[N:user]] --password-stdin
Login Succeeded
$ docker login -u deploy -p '[[S:pw]]' registry.example.net:5000
WARNING! Using --password via the CLI is insecure. Use --password-stdin.""",
    ),
    (
        "ansible-playbook extra vars",
        r"""ansible-playbook -i inventories/prod site.yml --limit routers \
  -e ansible_user=netops -e ansible_password='[[S:pw]]' -e ansible_become_password='[[S:pw]]'""",
    ),
    (
        "ansible adhoc with ssh pass",
        r"""$ ansible all -i '[[N:ip]],' -m ping -u root --extra-vars "ansible_ssh_pass=[[S:hpw]]"
[[N:ip]] | SUCCESS => {
    "changed": false,
    "ping": "pong"
}""",
    ),
    (
        "packer build var",
        r"""packer build -var 'ssh_password=[[S:pw]]' -var 'iso_checksum=sha256:[[N:sha256]]' ubuntu-2404.pkr.hcl""",
    ),
    (
        "expect script switch",
        r"""#!/usr/bin/expect -f
set timeout 20
spawn ssh [[N:user]]@[[N:ip]]
expect "Password:"
send "[[S:pw]]\r"
expect ">"
send "enable\r"
expect "Password:"
send "[[S:hpw]]\r"
expect "#"
send "copy running-config startup-config\r"
interact""",
    ),
    (
        "clish fortigate over ssh",
        r"""$ sshpass -p [[S:apw]] ssh admin@[[N:ip]] 'config system admin
edit backupadm
set password [[S:pw]]
set accprofile super_admin
end'""",
    ),
    (
        "openssl enc with pass",
        r"""tar czf - /etc/ipsec.d | openssl enc -aes-256-cbc -pbkdf2 -pass pass:[[S:phrase]] -out ipsec-backup.tgz.enc""",
    ),
    (
        "zip password",
        r"""$ zip -P '[[S:pw]]' -r configs-$(date +%F).zip configs/
  adding: configs/ (stored 0%)
  adding: configs/core01.cfg (deflated 71%)""",
    ),
    ("curl ftp upload", r"""curl -T core01-confg --user [[N:user]]:[[S:pw]] ftp://[[N:ip]]/backups/"""),
    (
        "mikrotik ssh add user",
        r"""ssh admin@[[N:ip]] '/user add name=[[N:user]] group=full password="[[S:pw]]"; /user print'""",
    ),
    (
        "influx cli token",
        r"""influx config create --config-name prod --host-url https://influx.example.net:8086 --org netops --token [[S:alnum64]]== --active""",
    ),
    (
        "telegram alert curl",
        r"""curl -s -X POST "https://api.telegram.org/bot[[S:tgbot]]/sendMessage" -d chat_id=-100[[N:num]] -d text="[[N:host]] is DOWN"
""",
    ),
    (
        "slack webhook alert",
        r"""#!/bin/bash
# notify on failed backup
WEBHOOK='[[S:slackhook]]'
curl -s -X POST -H 'Content-type: application/json' --data "{\"text\":\"backup failed on $(hostname)\"}" "$WEBHOOK"
""",
    ),
    (
        "aws configure set",
        r"""aws configure set aws_access_key_id [[N:akid]] --profile route53-certbot
aws configure set aws_secret_access_key [[S:awssecret]] --profile route53-certbot""",
    ),
    (
        "gpg batch passphrase",
        r"""gpg --batch --yes --pinentry-mode loopback --passphrase '[[S:phrase]]' -d /srv/backup/etc-[[N:num]].tar.gpg | tar tz | head""",
    ),
    (
        "echo to cryptsetup",
        r"""echo -n '[[S:phrase]]' | sudo cryptsetup luksOpen /dev/nvme1n1p1 data --key-file=-
sudo mount /dev/mapper/data /srv/data""",
    ),
    (
        "sqlcmd in linux box",
        r"""/opt/mssql-tools18/bin/sqlcmd -S [[N:ip]] -U sa -P '[[S:rpw]]' -C -Q "SELECT @@VERSION"
""",
    ),
    (
        "rclone obscured config cat",
        r"""$ cat ~/.config/rclone/rclone.conf
[nas]
type = sftp
host = [[N:ip]]
user = [[N:user]]
pass = [[S:rclone]]
shell_type = unix""",
    ),
]

P_SHELL += [
    (
        "ip xfrm state keys",
        r"""$ sudo ip xfrm state
src [[N:ip]] dst [[N:ip]]
	proto esp spi 0x[[N:hex8]] reqid 1 mode tunnel
	replay-window 0 flag af-unspec
	auth-trunc hmac(sha256) 0x[[S:hex64]] 128
	enc cbc(aes) 0x[[S:hex64]]
	anti-replay context: seq 0x0, oseq 0x2b1, bitmap 0x00000000""",
    ),
    (
        "ip xfrm add manual sa",
        r"""ip xfrm state add src [[N:ip]] dst [[N:ip]] proto esp spi 0x[[N:hex8]] mode tunnel \
  aead 'rfc4106(gcm(aes))' 0x[[S:hex40]] 128
ip xfrm policy add src 10.1.0.0/16 dst 10.2.0.0/16 dir out tmpl src [[N:ip]] dst [[N:ip]] proto esp mode tunnel""",
    ),
    (
        "dropbear keys via ssh-keygen convert",
        r"""$ ssh-keygen -p -N '' -m PEM -f /tmp/oob_rsa
Your identification has been saved with the new passphrase.
$ cat /tmp/oob_rsa
[[S:rsa]]""",
    ),
    (
        "sshd gen with passphrase",
        r"""ssh-keygen -t ed25519 -N '[[S:phrase]]' -C "deploy@[[N:host]]" -f ~/.ssh/deploy_ed25519""",
    ),
]

N_SHELL: list[tuple[str, str]] = [
    (
        "sshpass from file",
        r"""$ sshpass -f ~/.config/netops/switch.pass ssh -o StrictHostKeyChecking=accept-new [[N:user]]@[[N:ip]] 'show clock'
*10:12:44.123 CET Sat Mar 14 2026""",
    ),
    (
        "sshpass env reference",
        r"""read -rs SSHPASS; export SSHPASS
for sw in core01 core02 dist01; do sshpass -e ssh netops@"$sw" 'write memory'; done""",
    ),
    (
        "ipmitool env password",
        r"""$ export IPMI_PASSWORD="$(pass show infra/ipmi/rack12)"
$ ipmitool -I lanplus -H [[N:ip]] -U ADMIN -E sdr type Temperature
Inlet Temp       | 04h | ok  |  7.1 | 22 degrees C
Exhaust Temp     | 01h | ok  |  7.1 | 31 degrees C""",
    ),
    (
        "ipmitool password file",
        r"""ipmitool -I lanplus -H [[N:ip]] -U ADMIN -f /root/.ipmi_pass fru print 0 | grep -E 'Serial|Part'
 Board Serial          : [[N:serial]]
 Board Part Number     : X11DPi-NT
 Product Serial        : [[N:serial]]""",
    ),
    (
        "racadm with variable",
        r"""for ip in $(cat idracs.txt); do
  racadm -r "$ip" -u root -p "$IDRAC_PASS" --nocertwarn get iDRAC.Info.Version
done""",
    ),
    (
        "mkpasswd output hash",
        r"""$ mkpasswd -m sha-512
Password:
[[N:sha512crypt]]
$ mkpasswd -m yescrypt
Password:
[[N:yescrypt]]""",
    ),
    (
        "openssl passwd stdin",
        r"""$ openssl passwd -6 -stdin < /dev/tty
[[N:sha512crypt]]
$ openssl passwd -apr1 -stdin < /dev/tty
[[N:apr1]]""",
    ),
    (
        "getent shadow",
        r"""$ sudo getent shadow root [[N:user]]
root:[[N:sha512crypt]]:19876:0:99999:7:::
[[N:user]]:[[N:yescrypt]]:19877:0:99999:7:::""",
    ),
    (
        "passwd interactive",
        r"""$ sudo passwd [[N:user]]
New password:
Retype new password:
passwd: password updated successfully""",
    ),
    (
        "htpasswd prompt",
        r"""$ sudo htpasswd -B /etc/nginx/.htpasswd [[N:user]]
New password:
Re-type new password:
Adding password for user [[N:user]]
$ sudo tail -1 /etc/nginx/.htpasswd
[[N:user]]:[[N:bcrypt]]""",
    ),
    (
        "wg pubkey and show",
        r"""root@vpn01:~# wg pubkey < /etc/wireguard/privatekey
[[N:wg]]
root@vpn01:~# wg show wg0 peers
[[N:wg]]
[[N:wg]]""",
    ),
    (
        "wg show dump hidden",
        r"""$ sudo wg show all dump | cut -f1-4
wg0	(hidden)	[[N:wg]]	51820
wg0	[[N:wg]]	(none)	[[N:ip]]:51820
wg0	[[N:wg]]	(hidden)	[[N:ip]]:39211""",
    ),
    (
        "ssh-keygen new key output",
        r"""$ ssh-keygen -t ed25519 -C "[[N:user]]@[[N:host]]" -f ~/.ssh/id_ed25519 -N ''
Generating public/private ed25519 key pair.
Your identification has been saved in /home/[[N:user]]/.ssh/id_ed25519
Your public key has been saved in /home/[[N:user]]/.ssh/id_ed25519.pub
The key fingerprint is:
[[N:fp]] [[N:user]]@[[N:host]]
The key's randomart image is:
+--[ED25519 256]--+
|      .o+=B*o.   |
|       oo=*+o .  |
+----[SHA256]-----+""",
    ),
    (
        "ssh-keyscan output",
        r"""$ ssh-keyscan -t ed25519,ecdsa [[N:ip]] 2>/dev/null
[[N:ip]] [[N:hostkey]]
[[N:ip]] [[N:sshpub]]""",
    ),
    (
        "ssh-copy-id",
        r"""$ ssh-copy-id -i ~/.ssh/id_ed25519.pub [[N:user]]@[[N:host]]
/usr/bin/ssh-copy-id: INFO: Source of key(s) to be installed: "/home/[[N:user]]/.ssh/id_ed25519.pub"
/usr/bin/ssh-copy-id: INFO: attempting to log in with the new key(s), to filter out any that are already installed
Number of key(s) added: 1""",
    ),
    (
        "ansible-vault encrypt_string",
        r"""$ ansible-vault encrypt_string --vault-id prod@prompt --stdin-name tacacs_key
New vault password (prod):
Confirm new vault password (prod):
Reading plaintext input from stdin. (ctrl-d to end input, twice if your content does not already have a newline)
tacacs_key: !vault |
          $ANSIBLE_VAULT;1.2;AES256;prod
          [[N:hex64]]
          [[N:hex64]]
          [[N:hex64]]
Encryption successful""",
    ),
    (
        "vault kv get field command",
        r"""export BGP_KEY="$(vault kv get -field=password secret/network/bgp/transit-a)"
ansible-playbook bgp.yml -e "bgp_password=$BGP_KEY" --limit edge01""",
    ),
    (
        "vault status",
        r"""$ vault status
Key                     Value
---                     -----
Seal Type               shamir
Initialized             true
Sealed                  false
Total Shares            5
Threshold               3
Version                 1.17.2
Cluster Name            vault-cluster-[[N:hex8]]
Cluster ID              [[N:uuid]]
HA Enabled              true""",
    ),
    (
        "mysql defaults file",
        r"""mysqldump --defaults-extra-file=/etc/mysql/backup.cnf --all-databases --single-transaction | zstd > /var/backups/db.sql.zst
ls -l /var/backups/db.sql.zst
-rw-r----- 1 root backup 1882312211 Mar 14 02:11 /var/backups/db.sql.zst""",
    ),
    (
        "psql pgpass",
        r"""$ chmod 600 ~/.pgpass
$ PGPASSFILE=~/.pgpass psql -h [[N:ip]] -U zabbix zabbix -c 'select version()'
                                  version
--------------------------------------------------------------------------
 PostgreSQL 16.3 (Ubuntu 16.3-1.pgdg24.04+1) on x86_64-pc-linux-gnu""",
    ),
    (
        "kinit keytab",
        r"""$ kinit -kt /etc/krb5.keytab [[N:principal]]
$ klist
Ticket cache: KEYRING:persistent:0:0
Default principal: [[N:principal]]

Valid starting       Expires              Service principal
03/14/2026 10:12:44  03/14/2026 20:12:44  krbtgt/CORP.EXAMPLE.COM@CORP.EXAMPLE.COM""",
    ),
    (
        "ldapsearch prompt and file",
        r"""ldapsearch -x -H ldaps://ldap01.example.net -D "cn=readonly,dc=example,dc=net" -y /etc/ldap/readonly.pw -b "dc=example,dc=net" "(objectClass=posixGroup)" cn gidNumber
ldapsearch -x -W -D "cn=admin,dc=example,dc=net" -b "ou=people,dc=example,dc=net" uid=[[N:user]]""",
    ),
    (
        "snmpwalk public default",
        r"""$ snmpwalk -v2c -c public [[N:ip]] SNMPv2-MIB::sysDescr
SNMPv2-MIB::sysDescr.0 = STRING: Linux [[N:host]] 6.8.0-45-generic #45-Ubuntu SMP x86_64""",
    ),
    (
        "smbclient authfile",
        r"""$ smbclient -A /root/.smbauth //nas01/backups -c 'ls'
  .                                   D        0  Sat Mar 14 02:11:09 2026
  ..                                  D        0  Fri Jan  9 11:30:12 2026
  db.sql.zst                          A 1882312211  Sat Mar 14 02:11:09 2026""",
    ),
    (
        "mount cifs credentials option",
        r"""sudo mount -t cifs //nas01/media /mnt/media -o credentials=/root/.smbcredentials,uid=1000,gid=1000,vers=3.1.1
findmnt /mnt/media
TARGET     SOURCE          FSTYPE OPTIONS
/mnt/media //nas01/media   cifs   rw,relatime,vers=3.1.1,cache=strict,username=[[N:user]],uid=1000""",
    ),
    (
        "docker login stdin from file",
        r"""$ docker login registry.example.net:5000 -u deploy --password-stdin < /run/secrets/registry
Login Succeeded""",
    ),
    (
        "curl netrc",
        r"""curl --netrc-file /etc/netops/.netrc -s https://netbox.example.net/api/status/ | jq .netbox-version""",
    ),
    (
        "nmcli show hidden psk",
        r"""$ nmcli connection show CORP-IOT | grep -E 'ssid|psk|key-mgmt'
802-11-wireless.ssid:                   CORP-IOT
802-11-wireless-security.key-mgmt:      wpa-psk
802-11-wireless-security.psk:           <hidden>
802-11-wireless-security.psk-flags:     0 (none)""",
    ),
    (
        "terraform output sensitive",
        r"""$ terraform output
bastion_ip = "[[N:ip]]"
db_password = <sensitive>
vpn_psk = <sensitive>
wg_public_key = "[[N:wg]]" """,
    ),
    (
        "openssl rand to file",
        r"""umask 077
openssl rand -base64 32 > /etc/keepalived/auth.key
head -c 256 /dev/urandom > /etc/corosync/authkey && chmod 400 /etc/corosync/authkey
wg genkey > /etc/wireguard/wg0.key""",
    ),
    (
        "docker secret create from env",
        r"""printf '%s' "$DB_PASSWORD" | docker secret create zabbix_db_pw -
docker service create --name zabbix-server --secret zabbix_db_pw -e DB_SERVER_HOST=[[N:ip]] -e POSTGRES_PASSWORD_FILE=/run/secrets/zabbix_db_pw zabbix/zabbix-server-pgsql:alpine-7.0-latest""",
    ),
    (
        "ip xfrm state no keys",
        r"""$ sudo ip -s xfrm state count
	SAD count 4 Hash buckt count 1024
$ sudo ip xfrm policy
src 10.1.0.0/16 dst 10.2.0.0/16
	dir out priority 375423 ptype main
	tmpl src [[N:ip]] dst [[N:ip]]
		proto esp spi 0x[[N:hex8]] reqid 1 mode tunnel""",
    ),
    (
        "ss and lsof output",
        r"""$ sudo ss -tulpn | grep -E ':(161|1812|49|51820)'
udp   UNCONN 0      0            0.0.0.0:161       0.0.0.0:*    users:(("snmpd",pid=[[N:pid]],fd=6))
udp   UNCONN 0      0            0.0.0.0:1812      0.0.0.0:*    users:(("freeradius",pid=[[N:pid]],fd=9))
udp   UNCONN 0      0            0.0.0.0:51820     0.0.0.0:*""",
    ),
    (
        "tcpdump radius",
        r"""$ sudo tcpdump -ni [[N:iface]] -c 2 port 1812
10:12:44.123456 IP [[N:ip]].41122 > [[N:ip]].1812: RADIUS, Access-Request (1), id: 0x2a length: 112
10:12:44.130012 IP [[N:ip]].1812 > [[N:ip]].41122: RADIUS, Access-Accept (2), id: 0x2a length: 44""",
    ),
    (
        "lldpctl output",
        r"""$ lldpctl [[N:iface]]
-------------------------------------------------------------------------------
LLDP neighbors:
-------------------------------------------------------------------------------
Interface:    [[N:iface]], via: LLDP, RID: 1, Time: 41 days, 02:11:09
  Chassis:
    ChassisID:    mac [[N:mac]]
    SysName:      [[N:host]]
  Port:
    PortID:       ifname Ethernet1/12""",
    ),
    (
        "gpg recv and verify",
        r"""$ gpg --keyserver hkps://keys.openpgp.org --recv-keys [[N:HEX40]]
gpg: key [[N:hex16]]: public key "Release Signing <release@example.org>" imported
$ gpg --verify SHA256SUMS.gpg SHA256SUMS
gpg: Good signature from "Release Signing <release@example.org>" [unknown]
Primary key fingerprint: [[N:HEX40]]""",
    ),
    (
        "ansible command vault id",
        r"""ansible-playbook -i inventories/prod site.yml --vault-id prod@/etc/ansible/.vault_pass_prod --limit 'routers:&fra1' --check --diff""",
    ),
    (
        "read -s prompt script",
        r"""#!/usr/bin/env bash
set -euo pipefail
read -rsp "BMC password for $1: " BMC_PASS; echo
ipmitool -I lanplus -H "$1" -U ADMIN -P "$BMC_PASS" chassis status
unset BMC_PASS""",
    ),
    (
        "consul acl token list accessor",
        r"""$ consul acl token list -format=json | jq -r '.[] | [.AccessorID, .Description] | @tsv'
[[N:uuid]]	Master Token
[[N:uuid]]	Anonymous Token
[[N:uuid]]	prometheus read-only""",
    ),
    (
        "kubectl get secret no data",
        r"""$ kubectl -n monitoring get secret
NAME                         TYPE                DATA   AGE
alertmanager-main            Opaque              1      41d
grafana-admin                Opaque              2      41d
snmp-exporter-communities    Opaque              1      12d""",
    ),
    (
        "nft list ruleset",
        r"""table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iifname "lo" accept
		ip saddr [[N:ip]] tcp dport 22 accept
		udp dport 51820 accept
	}
}""",
    ),
]


# --------------------------------------------------------------------------------------------------
# yaml: Ansible, cloud-init, Netplan, Prometheus and friends

P_YAML: list[tuple[str, str]] = [
    (
        "ansible inventory become password",
        r"""all:
  children:
    routers:
      hosts:
        [[N:host]]:
          ansible_host: [[N:ip]]
      vars:
        ansible_network_os: cisco.ios.ios
        ansible_connection: ansible.netcommon.network_cli
        ansible_user: netops
        ansible_password: [[S:pw]]
        ansible_become: true
        ansible_become_method: enable
        ansible_become_password: [[S:hpw]]""",
    ),
    (
        "ansible host_vars ssh pass",
        r"""---
ansible_host: [[N:ip]]
ansible_user: root
ansible_ssh_pass: "[[S:pw]]"
ansible_python_interpreter: /usr/bin/python3
bmc_address: [[N:ip]]
bmc_password: "[[S:apw]]"
""",
    ),
    (
        "ansible group_vars network secrets",
        r"""---
snmp_communities:
  - name: "[[S:comm]]"
    access: ro
    acl: NMS
tacacs_servers:
  - host: [[N:ip]]
    key: "[[S:pw]]"
ntp_auth_keys:
  - id: 1
    algorithm: md5
    key: "[[S:apw]]"
""",
    ),
    (
        "ansible task with password",
        r"""- name: Create local admin on switches
  cisco.ios.ios_user:
    name: [[N:user]]
    configured_password: "[[S:pw]]"
    privilege: 15
    state: present

- name: Set enable secret
  cisco.ios.ios_config:
    lines:
      - enable secret [[S:hpw]]""",
    ),
    (
        "ansible user module with password_hash",
        r"""- name: Break-glass account
  ansible.builtin.user:
    name: breakglass
    password: "{{ '[[S:pw]]' | password_hash('sha512') }}"
    groups: sudo
    shell: /bin/bash""",
    ),
    (
        "ansible mysql_user",
        r"""- name: Zabbix DB user
  community.mysql.mysql_user:
    login_user: root
    login_password: "[[S:rpw]]"
    name: zabbix
    host: "%"
    password: "[[S:pw]]"
    priv: "zabbix.*:ALL"
""",
    ),
    (
        "ansible junos bgp",
        r"""- name: BGP to transit
  junipernetworks.junos.junos_config:
    lines:
      - set protocols bgp group TRANSIT neighbor [[N:ip]] authentication-key "[[S:j9]]"
      - set protocols bgp group TRANSIT peer-as 174
    comment: "CHG-[[N:num]] transit A"
""",
    ),
    (
        "cloud-init chpasswd list",
        r"""#cloud-config
hostname: [[N:host]]
ssh_pwauth: true
chpasswd:
  expire: false
  users:
    - name: root
      password: [[S:pw]]
      type: text
    - name: [[N:user]]
      password: [[S:hpw]]
      type: text
ssh_authorized_keys:
  - [[N:sshpub]]""",
    ),
    (
        "cloud-init legacy chpasswd list string",
        r"""#cloud-config
password: [[S:pw]]
chpasswd:
  list: |
    root:[[S:hpw]]
    ubuntu:[[S:rpw]]
  expire: False
package_update: true
packages: [qemu-guest-agent, chrony]""",
    ),
    (
        "cloud-init plain_text_passwd",
        r"""#cloud-config
users:
  - default
  - name: [[N:user]]
    groups: [adm, sudo]
    shell: /bin/bash
    lock_passwd: false
    plain_text_passwd: '[[S:pw]]'
    ssh_authorized_keys:
      - [[N:sshpub]]""",
    ),
    (
        "cloud-init write_files wireguard",
        r"""#cloud-config
write_files:
  - path: /etc/wireguard/wg0.conf
    permissions: '0600'
    content: |
      [Interface]
      PrivateKey = [[S:wg]]
      Address = 10.77.0.3/24
      [Peer]
      PublicKey = [[N:wg]]
      Endpoint = [[N:ip]]:51820
      AllowedIPs = 10.77.0.0/24
runcmd:
  - systemctl enable --now wg-quick@wg0""",
    ),
    (
        "cloud-init ssh host keys",
        r"""#cloud-config
ssh_keys:
  ed25519_private: |
    [[S:openssh|i4]]
  ed25519_public: [[N:sshpub]]
ssh_deletekeys: false""",
    ),
    (
        "cloud-init tailscale runcmd",
        r"""#cloud-config
runcmd:
  - curl -fsSL https://tailscale.com/install.sh | sh
  - tailscale up --authkey=[[S:tskey]] --hostname=[[N:host]] --ssh""",
    ),
    (
        "netplan wifi password",
        r"""network:
  version: 2
  renderer: networkd
  wifis:
    wlan0:
      dhcp4: true
      access-points:
        "CORP-IOT":
          password: "[[S:phrase]]"
""",
    ),
    (
        "netplan wireguard tunnel key",
        r"""network:
  version: 2
  tunnels:
    wg0:
      mode: wireguard
      port: 51820
      key: [[S:wg]]
      addresses: [10.77.0.1/24]
      peers:
        - keys:
            public: [[N:wg]]
            shared: [[S:wg]]
          allowed-ips: [10.77.0.2/32]
          endpoint: [[N:ip]]:51820""",
    ),
    (
        "netplan 802.1x",
        r"""network:
  version: 2
  ethernets:
    [[N:iface]]:
      dhcp4: true
      auth:
        key-management: 802.1x
        method: peap
        identity: "[[N:user]]@corp.example.com"
        password: "[[S:pw]]"
""",
    ),
    (
        "prometheus basic_auth scrape",
        r"""scrape_configs:
  - job_name: 'node'
    scheme: https
    basic_auth:
      username: prometheus
      password: [[S:pw]]
    static_configs:
      - targets: ['[[N:ip]]:9100', '[[N:ip]]:9100']
  - job_name: 'snmp'
    metrics_path: /snmp
    params:
      module: [if_mib]""",
    ),
    (
        "prometheus bearer token",
        r"""  - job_name: 'proxmox'
    metrics_path: /pve
    bearer_token: [[S:pvesecret]]
    static_configs:
      - targets: ['pve1.dc1.example.net']
  - job_name: 'federate'
    authorization:
      type: Bearer
      credentials: [[S:alnum40]]""",
    ),
    (
        "prometheus remote_write",
        r"""remote_write:
  - url: https://prometheus-prod-01-eu-west-0.grafana.net/api/prom/push
    basic_auth:
      username: "[[N:num]]"
      password: "[[S:glsa]]"
    queue_config:
      max_samples_per_send: 2000""",
    ),
    (
        "prometheus web.yml basic_auth_users plaintext note",
        r"""# web.yml for node_exporter (hash generated from '[[S:pw]]' with htpasswd -nBC 10)
tls_server_config:
  cert_file: node.crt
  key_file: node.key
basic_auth_users:
  prometheus: [[N:bcrypt]]""",
    ),
    (
        "alertmanager smtp and slack",
        r"""global:
  resolve_timeout: 5m
  smtp_smarthost: 'smtp.example.net:587'
  smtp_from: 'alertmanager@example.net'
  smtp_auth_username: 'alertmanager@example.net'
  smtp_auth_password: '[[S:pw]]'
  slack_api_url: '[[S:slackhook]]'
route:
  receiver: noc
  group_by: ['alertname', 'instance']""",
    ),
    (
        "alertmanager pagerduty opsgenie",
        r"""receivers:
  - name: noc-pager
    pagerduty_configs:
      - routing_key: [[S:hex32]]
        severity: critical
  - name: netops
    opsgenie_configs:
      - api_key: [[S:uuid]]
        responders:
          - name: NetOps
            type: team""",
    ),
    (
        "alertmanager telegram discord",
        r"""receivers:
  - name: telegram
    telegram_configs:
      - bot_token: '[[S:tgbot]]'
        chat_id: -100[[N:num]]
  - name: discord
    discord_configs:
      - webhook_url: '[[S:discordhook]]'
""",
    ),
    (
        "snmp_exporter auth",
        r"""auths:
  public_v2:
    version: 2
    community: public
  dc_v2:
    version: 2
    community: [[S:comm]]
  dc_v3:
    version: 3
    username: nmsuser
    security_level: authPriv
    password: [[S:apw]]
    auth_protocol: SHA
    priv_protocol: AES
    priv_password: [[S:apw]]""",
    ),
    (
        "blackbox and pve exporter",
        r"""default:
  user: monitoring@pve
  token_name: exporter
  token_value: [[S:pvesecret]]
  verify_ssl: false""",
    ),
    (
        "grafana provisioning datasource",
        r"""apiVersion: 1
datasources:
  - name: Zabbix
    type: alexanderzobnin-zabbix-datasource
    url: http://[[N:ip]]/api_jsonrpc.php
    jsonData:
      username: grafana
    secureJsonData:
      password: [[S:pw]]
  - name: InfluxDB
    type: influxdb
    url: http://[[N:ip]]:8086
    secureJsonData:
      token: [[S:alnum64]]""",
    ),
    (
        "grafana helm values admin",
        r"""grafana:
  adminUser: admin
  adminPassword: "[[S:pw]]"
  persistence:
    enabled: true
    size: 10Gi
  grafana.ini:
    auth.ldap:
      enabled: true""",
    ),
    (
        "loki promtail basic auth",
        r"""clients:
  - url: https://logs-prod-eu-west-0.grafana.net/loki/api/v1/push
    basic_auth:
      username: [[N:num]]
      password: [[S:glsa]]
positions:
  filename: /var/lib/promtail/positions.yaml""",
    ),
    (
        "netbox docker env yaml",
        r"""services:
  netbox:
    image: docker.io/netboxcommunity/netbox:v4.0-2.9.1
    environment:
      DB_HOST: postgres
      DB_PASSWORD: "[[S:pw]]"
      SECRET_KEY: "[[S:rpw]][[S:alnum40]]"
      SUPERUSER_API_TOKEN: "[[S:hex40]]"
      REDIS_PASSWORD: "[[S:apw]]"
""",
    ),
    (
        "docker compose zabbix",
        r"""services:
  zabbix-server:
    image: zabbix/zabbix-server-pgsql:alpine-7.0-latest
    environment:
      DB_SERVER_HOST: postgres
      POSTGRES_USER: zabbix
      POSTGRES_PASSWORD: [[S:pw]]
    ports:
      - "10051:10051"
  zabbix-web:
    environment:
      ZBX_SERVER_HOST: zabbix-server
      PHP_TZ: Europe/Berlin""",
    ),
    (
        "kubernetes secret stringData snmp",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: snmp-exporter-communities
  namespace: monitoring
type: Opaque
stringData:
  community: "[[S:comm]]"
  v3-auth: "[[S:apw]]"
""",
    ),
    (
        "kubernetes secret data base64",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: bgp-md5
  namespace: metallb-system
type: Opaque
data:
  password: [[S:pw|b64]]""",
    ),
    (
        "metallb bgp peer password",
        r"""apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: tor-a
  namespace: metallb-system
spec:
  myASN: 64512
  peerASN: 65010
  peerAddress: [[N:ip]]
  password: "[[S:apw]]"
""",
    ),
    (
        "cert-manager cloudflare secret",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: cloudflare-api-token
  namespace: cert-manager
type: Opaque
stringData:
  api-token: [[S:alnum40]]""",
    ),
    (
        "external-dns rfc2136 tsig",
        r"""provider:
  name: rfc2136
extraArgs:
  - --rfc2136-host=[[N:ip]]
  - --rfc2136-zone=k8s.example.net
  - --rfc2136-tsig-keyname=externaldns-key
  - --rfc2136-tsig-secret=[[S:b64_32]]
  - --rfc2136-tsig-secret-alg=hmac-sha256""",
    ),
    (
        "vagrant-like yaml machine list",
        r"""machines:
  - name: lab-r1
    box: generic/ubuntu2404
    ip: [[N:ip]]
    ssh_password: [[S:hpw]]
  - name: lab-r2
    box: generic/ubuntu2404
    ip: [[N:ip]]
    ssh_password: [[S:hpw]]""",
    ),
    (
        "oxidized config",
        r"""---
username: oxidized
password: [[S:pw]]
model: ios
interval: 3600
source:
  default: csv
  csv:
    file: /home/oxidized/.config/oxidized/router.db
    delimiter: !ruby/regexp /:/
    map:
      name: 0
      model: 1
output:
  default: git""",
    ),
    (
        "netbox config context yaml",
        r"""ntp:
  servers: [[[N:ip]], [[N:ip]]]
  key_id: 1
  key: [[S:apw]]
syslog:
  hosts: [[[N:ip]]]
radius:
  secret: [[S:pw]]""",
    ),
    (
        "salt pillar network",
        r"""# /srv/pillar/network/secrets.sls
snmp:
  community: [[S:comm]]
wireguard:
  wg0:
    private_key: [[S:wg]]
    peers:
      hq:
        public_key: [[N:wg]]
        preshared_key: [[S:wg]]""",
    ),
    (
        "ansible openvpn static key var",
        r"""openvpn_static_key: |
  [[S:ovpn|i2]]
openvpn_port: 1194
openvpn_proto: udp""",
    ),
    (
        "ansible ssh private key var",
        r"""deploy_ssh_private_key: |
  [[S:openssh|i2]]
deploy_ssh_public_key: "[[N:sshpub]]"
""",
    ),
    (
        "home assistant secrets",
        r"""# secrets.yaml
router_password: [[S:pw]]
mqtt_password: [[S:hpw]]
unifi_password: "[[S:pw]]"
latitude_home: 52.5200
longitude_home: 13.4050""",
    ),
    (
        "github actions with inline pass",
        r"""jobs:
  backup-configs:
    runs-on: self-hosted
    steps:
      - uses: actions/checkout@v4
      - run: ./backup.sh
        env:
          NET_USER: oxidized
          NET_PASS: [[S:pw]]
          SNMP_COMMUNITY: [[S:comm]]""",
    ),
    (
        "gitlab ci ssh key variable literal",
        r"""deploy-frr:
  stage: deploy
  variables:
    SSH_PRIVATE_KEY: |
      [[S:openssh|i6]]
  script:
    - eval $(ssh-agent -s)
    - echo "$SSH_PRIVATE_KEY" | ssh-add -
    - ansible-playbook frr.yml""",
    ),
    (
        "keepalived in ansible vars",
        r"""keepalived_instances:
  VI_1:
    interface: [[N:iface]]
    state: MASTER
    virtual_router_id: 51
    priority: 150
    authentication_password: "[[S:kpw]]"
    vips:
      - "[[N:ip]]/24"
""",
    ),
    (
        "haproxy dataplane yaml",
        r"""dataplaneapi:
  host: 0.0.0.0
  port: 5555
  user:
    - name: admin
      password: [[S:pw]]
      insecure: true
haproxy:
  config_file: /etc/haproxy/haproxy.cfg""",
    ),
    (
        "packer yaml-like autoinstall identity",
        r"""#cloud-config
autoinstall:
  version: 1
  identity:
    hostname: [[N:host]]
    username: ubuntu
    password: "[[N:sha512crypt]]"
  ssh:
    install-server: true
    allow-pw: true
  late-commands:
    - echo 'root:[[S:pw]]' | chroot /target chpasswd""",
    ),
    (
        "uptime kuma notification",
        r"""notifications:
  - name: ntfy-noc
    type: ntfy
    ntfyserverurl: https://ntfy.example.net
    ntfytopic: noc-alerts
    ntfyusername: kuma
    ntfypassword: [[S:pw]]
  - name: gotify
    type: gotify
    gotifyapplicationToken: [[S:alnum20]]""",
    ),
    (
        "ansible awx credential",
        r"""- name: Network credential
  awx.awx.credential:
    name: netops-ssh
    organization: Infra
    credential_type: Network
    inputs:
      username: netops
      password: "[[S:pw]]"
      authorize: true
      authorize_password: "[[S:hpw]]"
""",
    ),
    (
        "consul helm gossip",
        r"""global:
  name: consul
  datacenter: dc1
  gossipEncryption:
    autoGenerate: false
  acls:
    manageSystemACLs: true
    bootstrapToken:
      secretValue: [[S:uuid]]
server:
  extraConfig: |
    {"encrypt": "[[S:b64_32]]"}""",
    ),
]

N_YAML: list[tuple[str, str]] = [
    (
        "ansible inventory vault refs",
        r"""all:
  children:
    routers:
      vars:
        ansible_network_os: cisco.ios.ios
        ansible_user: netops
        ansible_password: "{{ vault_netops_password }}"
        ansible_become_password: "{{ vault_enable_secret }}"
      hosts:
        [[N:host]]:
          ansible_host: [[N:ip]]""",
    ),
    (
        "ansible vaulted variable",
        r"""---
tacacs_key: !vault |
  $ANSIBLE_VAULT;1.1;AES256
  [[N:hex64]]
  [[N:hex64]]
  [[N:hex64]]
ntp_servers:
  - [[N:ip]]""",
    ),
    (
        "ansible lookup hashi_vault",
        r"""bgp_neighbors:
  - ip: [[N:ip]]
    remote_as: 174
    password: "{{ lookup('community.hashi_vault.hashi_vault', 'secret=secret/data/network/bgp:transit_a') }}"
  - ip: [[N:ip]]
    remote_as: 65020
    password: "{{ lookup('ansible.builtin.env', 'BGP_PEER_KEY') }}"
""",
    ),
    (
        "ansible user with hash",
        r"""- name: Admin users
  ansible.builtin.user:
    name: "{{ item.name }}"
    password: "{{ item.hash }}"
    update_password: on_create
  loop:
    - name: [[N:user]]
      hash: "[[N:sha512crypt]]"
    - name: [[N:user]]
      hash: "[[N:yescrypt]]"
""",
    ),
    (
        "cloud-init hashed passwd",
        r"""#cloud-config
users:
  - name: [[N:user]]
    groups: sudo
    shell: /bin/bash
    lock_passwd: false
    passwd: "[[N:sha512crypt]]"
    ssh_authorized_keys:
      - [[N:sshpub]]
ssh_pwauth: false
disable_root: true""",
    ),
    (
        "cloud-init chpasswd hashed",
        r"""#cloud-config
chpasswd:
  expire: true
  users:
    - name: root
      password: "[[N:sha512crypt]]"
      type: hash
    - name: ubuntu
      type: RANDOM""",
    ),
    (
        "netplan wireguard key file",
        r"""network:
  version: 2
  tunnels:
    wg0:
      mode: wireguard
      port: 51820
      key: /etc/netplan/wg0.key
      addresses: [10.77.0.1/24]
      peers:
        - keys:
            public: [[N:wg]]
            shared: /etc/netplan/wg0-peer1.psk
          allowed-ips: [10.77.0.2/32]""",
    ),
    (
        "netplan static",
        r"""network:
  version: 2
  ethernets:
    [[N:iface]]:
      match:
        macaddress: "[[N:mac]]"
      set-name: lan0
      addresses: [[[N:ip]]/24, "[[N:ip6]]/64"]
      routes:
        - to: default
          via: [[N:ip]]
      nameservers:
        addresses: [[[N:ip]], [[N:ip]]]""",
    ),
    (
        "prometheus password_file",
        r"""scrape_configs:
  - job_name: 'node'
    scheme: https
    basic_auth:
      username: prometheus
      password_file: /etc/prometheus/secrets/node_password
    tls_config:
      ca_file: /etc/prometheus/ca.crt
  - job_name: 'pve'
    authorization:
      credentials_file: /etc/prometheus/secrets/pve_token""",
    ),
    (
        "prometheus web.yml hashes",
        r"""tls_server_config:
  cert_file: /etc/node_exporter/node.crt
  key_file: /etc/node_exporter/node.key
basic_auth_users:
  prometheus: [[N:bcrypt]]
  grafana: [[N:bcrypt]]""",
    ),
    (
        "prometheus rules",
        r"""groups:
  - name: network
    rules:
      - alert: BGPSessionDown
        expr: bgp_peer_up{job="snmp"} == 0
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: "BGP session {{ $labels.peer }} on {{ $labels.instance }} is down"
      - alert: SNMPAuthFailures
        expr: rate(snmp_auth_failures_total[5m]) > 0.1""",
    ),
    (
        "alertmanager env refs",
        r"""global:
  smtp_smarthost: 'smtp.example.net:587'
  smtp_auth_username: 'alertmanager@example.net'
  smtp_auth_password_file: /etc/alertmanager/secrets/smtp
  slack_api_url_file: /etc/alertmanager/secrets/slack_webhook
receivers:
  - name: noc-pager
    pagerduty_configs:
      - routing_key_file: /etc/alertmanager/secrets/pd_routing_key""",
    ),
    (
        "snmp_exporter public community",
        r"""auths:
  public_v2:
    version: 2
    community: public
  lab_v1:
    version: 1
    community: public
modules:
  if_mib:
    walk: [sysUpTime, interfaces, ifXTable]""",
    ),
    (
        "grafana provisioning env refs",
        r"""apiVersion: 1
datasources:
  - name: Prometheus
    type: prometheus
    url: http://prometheus:9090
    basicAuth: true
    basicAuthUser: grafana
    secureJsonData:
      basicAuthPassword: $PROM_PASSWORD
  - name: Loki
    type: loki
    uid: [[N:alnum20]]""",
    ),
    (
        "kubernetes external secret",
        r"""apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: snmp-communities
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: vault-backend
    kind: ClusterSecretStore
  target:
    name: snmp-exporter-communities
  data:
    - secretKey: community
      remoteRef:
        key: network/snmp
        property: community""",
    ),
    (
        "sealed secret",
        r"""apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: bgp-md5
  namespace: metallb-system
spec:
  encryptedData:
    password: Ag[[N:b64_128]]
  template:
    metadata:
      name: bgp-md5""",
    ),
    (
        "sops encrypted yaml",
        r"""wireguard_private_key: [[N:sops]]
tacacs_key: [[N:sops]]
sops:
    kms:
        - arn: arn:aws:kms:eu-central-1:[[N:num]]:key/[[N:uuid]]
          created_at: "[[N:ts]]"
          enc: [[N:b64_128]]
    lastmodified: "[[N:ts]]"
    mac: [[N:sops]]
    version: 3.9.1""",
    ),
    (
        "metallb peer password secret ref",
        r"""apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: tor-b
  namespace: metallb-system
spec:
  myASN: 64512
  peerASN: 65010
  peerAddress: [[N:ip]]
  passwordSecret:
    name: bgp-md5
    namespace: metallb-system""",
    ),
    (
        "docker compose secrets files",
        r"""services:
  netbox:
    image: docker.io/netboxcommunity/netbox:v4.0-2.9.1
    environment:
      DB_HOST: postgres
      DB_PASSWORD_FILE: /run/secrets/db_password
      SUPERUSER_API_TOKEN: ${NETBOX_TOKEN:?set in .env}
    secrets:
      - db_password
secrets:
  db_password:
    file: ./secrets/db_password.txt""",
    ),
    (
        "github actions secrets refs",
        r"""jobs:
  backup-configs:
    runs-on: self-hosted
    steps:
      - uses: actions/checkout@v4
      - run: ./backup.sh
        env:
          NET_USER: oxidized
          NET_PASS: ${{ secrets.NET_PASS }}
          SNMP_COMMUNITY: ${{ secrets.SNMP_COMMUNITY }}""",
    ),
    (
        "ansible awx credential from prompt",
        r"""- name: Network credential
  awx.awx.credential:
    name: netops-ssh
    organization: Infra
    credential_type: Network
    inputs:
      username: netops
      password: ASK
      authorize: true
      authorize_password: ASK""",
    ),
    (
        "cloud-init ssh public keys only",
        r"""#cloud-config
ssh_keys:
  ed25519_public: [[N:sshpub]]
  ecdsa_public: [[N:hostkey]] root@[[N:host]]
ssh_authorized_keys:
  - [[N:sshpub]]
  - [[N:sshpub]]""",
    ),
    (
        "ansible known_hosts task",
        r"""- name: Pin host keys of the routers
  ansible.builtin.known_hosts:
    path: /etc/ssh/ssh_known_hosts
    name: "{{ item.name }}"
    key: "{{ item.name }} {{ item.key }}"
  loop:
    - name: [[N:host]]
      key: "[[N:hostkey]]"
    - name: [[N:host]]
      key: "[[N:hostkey]]"
""",
    ),
    (
        "ansible get_url checksums",
        r"""- name: Fetch node_exporter
  ansible.builtin.get_url:
    url: https://github.com/prometheus/node_exporter/releases/download/v1.8.1/node_exporter-1.8.1.linux-amd64.tar.gz
    dest: /tmp/node_exporter.tgz
    checksum: "sha256:[[N:sha256]]"
- name: Fetch frr key
  ansible.builtin.get_url:
    url: https://deb.frrouting.org/frr/keys.gpg
    checksum: "sha256:[[N:sha256]]"
""",
    ),
    (
        "netbox device yaml export",
        r"""- name: [[N:host]]
  device_type: dcs-7050sx3-48yc8
  role: leaf
  site: fra1
  serial: [[N:serial]]
  asset_tag: AT-[[N:num]]
  primary_ip4: [[N:ip]]/24
  custom_fields:
    bmc_mac: "[[N:mac]]"
    oob_console: "opengear01:port[[N:num]]"
""",
    ),
    (
        "kubeadm config placeholders",
        r"""apiVersion: kubeadm.k8s.io/v1beta3
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: [[N:ip]]:6443
    token: ${KUBEADM_TOKEN}
    caCertHashes:
      - sha256:[[N:sha256]]
nodeRegistration:
  name: [[N:host]]""",
    ),
    (
        "helm values with existingSecret",
        r"""grafana:
  admin:
    existingSecret: grafana-admin
    userKey: admin-user
    passwordKey: admin-password
  persistence:
    enabled: true
alertmanager:
  config:
    global:
      slack_api_url: "<your-slack-webhook-url>"
""",
    ),
    (
        "snmp placeholders sample config",
        r"""# example /etc/snmp_exporter/snmp.yml (edit before use)
auths:
  my_v3:
    version: 3
    username: changeme
    password: changeme
    auth_protocol: SHA
    priv_protocol: AES
    priv_password: "<priv-password>"
""",
    ),
    (
        "ansible masked debug output",
        r"""TASK [Show generated credentials] **********************************************
ok: [[[N:host]]] => {
    "msg": "password for [[N:user]] set (value hidden by no_log)"
}
ok: [[[N:host]]] => {
    "censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result"
}""",
    ),
    (
        "tailscale acl yaml-ish",
        r"""tagOwners:
  tag:router: [autogroup:admin]
acls:
  - action: accept
    src: [group:netops]
    dst: [tag:router:22, tag:router:161]
nodeAttrs:
  - target: [nodeid:[[N:alnum20]]]
    attr: [funnel]""",
    ),
    (
        "cloud-init wireguard public only",
        r"""#cloud-config
wireguard:
  interfaces:
    - name: wg0
      config_path: /etc/wireguard/wg0.conf
      content: |
        [Interface]
        PrivateKey = ${WG_PRIVATE_KEY}
        Address = 10.77.0.9/24
        [Peer]
        PublicKey = [[N:wg]]
        AllowedIPs = 10.77.0.0/24""",
    ),
    (
        "zabbix agent2 psk reference yaml",
        r"""zabbix_agent2_tlsconnect: psk
zabbix_agent2_tlsaccept: psk
zabbix_agent2_tlspskidentity: "PSK-{{ inventory_hostname }}"
zabbix_agent2_tlspskfile: /etc/zabbix/zabbix_agent2.psk
zabbix_agent2_tlspsk_secret: "{{ vault_zabbix_psk }}"
""",
    ),
    (
        "ceph status yaml",
        r"""cluster:
  id: [[N:uuid]]
  health: HEALTH_OK
services:
  mon: 3 daemons, quorum pve1,pve2,pve3 (age 6w)
  mgr: pve1(active, since 6w), standbys: pve2, pve3
  osd: 12 osds: 12 up (since 2w), 12 in (since 5w)
data:
  pools: 3 pools, 129 pgs
  usage: 7.2 TiB used, 14 TiB / 21 TiB avail""",
    ),
]


# --------------------------------------------------------------------------------------------------
# source: configuration files, templates and tooling code

P_SOURCE: list[tuple[str, str]] = [
    (
        "haproxy userlist and stats auth",
        r"""global
    log /dev/log local0
    stats socket /run/haproxy/admin.sock mode 660 level admin

userlist ops
    group admins users [[N:user]]
    user [[N:user]] insecure-password [[S:pw]]
    user readonly password [[N:sha512crypt]]

listen stats
    bind :8404
    stats enable
    stats uri /stats
    stats auth admin:[[S:hpw]]""",
    ),
    (
        "haproxy backend auth header",
        r"""backend netbox_api
    mode http
    http-request set-header Authorization "Token [[S:hex40]]"
    server netbox1 [[N:ip]]:8080 check""",
    ),
    (
        "keepalived.conf with notify token",
        r"""global_defs {
    router_id [[N:host]]
    script_user keepalived_script
    enable_script_security
}

vrrp_instance VI_DB {
    state BACKUP
    interface [[N:iface]]
    virtual_router_id 62
    priority 100
    authentication {
        auth_type PASS
        auth_pass [[S:kpw]]
    }
    notify "/usr/local/bin/notify.sh [[S:xoxb]]"
}""",
    ),
    (
        "postfix main.cf static sasl",
        r"""relayhost = [smtp.example.net]:587
smtp_sasl_auth_enable = yes
smtp_sasl_password_maps = static:relay@example.net:[[S:pw]]
smtp_sasl_security_options = noanonymous
smtp_tls_security_level = encrypt""",
    ),
    (
        "postfix mysql map",
        r"""# /etc/postfix/mysql-virtual-mailbox-maps.cf
user = mailuser
password = [[S:pw]]
hosts = 127.0.0.1
dbname = mailserver
query = SELECT 1 FROM virtual_users WHERE email='%s'""",
    ),
    (
        "dovecot sql conf",
        r"""# /etc/dovecot/dovecot-sql.conf.ext
driver = mysql
connect = host=127.0.0.1 dbname=mailserver user=mailuser password=[[S:pw]]
default_pass_scheme = SHA512-CRYPT
password_query = SELECT email as user, password FROM virtual_users WHERE email='%u';""",
    ),
    (
        "dovecot master password static",
        r"""passdb {
  driver = static
  args = password=[[S:pw]] allow_nets=127.0.0.1/32
  master = yes
}""",
    ),
    (
        "fstab cifs password",
        r"""# /etc/fstab: static file system information.
UUID=[[N:uuid]] /               ext4    errors=remount-ro 0       1
UUID=[[N:hex8]]  /boot/efi       vfat    umask=0077      0       1
//nas01.corp.example.com/backups /mnt/backups cifs username=[[N:user]],password=[[S:pw]],domain=CORP,vers=3.0,_netdev 0 0
/dev/mapper/vg0-swap none swap sw 0 0""",
    ),
    (
        "sssd.conf authtok",
        r"""[sssd]
services = nss, pam, ssh
domains = example.net

[domain/example.net]
id_provider = ldap
auth_provider = ldap
ldap_uri = ldaps://ldap01.example.net, ldaps://ldap02.example.net
ldap_search_base = dc=example,dc=net
ldap_default_bind_dn = cn=sssd,ou=services,dc=example,dc=net
ldap_default_authtok_type = password
ldap_default_authtok = [[S:pw]]
cache_credentials = true""",
    ),
    (
        "nslcd.conf bindpw",
        r"""# /etc/nslcd.conf
uid nslcd
gid nslcd
uri ldap://ldap01.example.net/
base dc=example,dc=net
binddn cn=nslcd,ou=services,dc=example,dc=net
bindpw [[S:pw]]
ssl start_tls
tls_reqcert demand""",
    ),
    (
        "ldap.secret and pam_ldap",
        r"""# /etc/pam_ldap.conf
host ldap01.example.net
base dc=example,dc=net
rootbinddn cn=admin,dc=example,dc=net
# password for rootbinddn lives in /etc/ldap.secret:
# [[S:pw]]""",
    ),
    (
        "openldap olcRootPW ldif",
        r"""dn: olcDatabase={1}mdb,cn=config
changetype: modify
replace: olcRootPW
olcRootPW: [[S:pw]]
-
replace: olcRootDN
olcRootDN: cn=admin,dc=example,dc=net""",
    ),
    (
        "knot dns tsig",
        r"""key:
  - id: xfr.example.net
    algorithm: hmac-sha256
    secret: [[S:b64_32]]

remote:
  - id: secondary1
    address: [[N:ip]]@53
    key: xfr.example.net""",
    ),
    (
        "nsd.conf key",
        r"""key:
    name: "sec1-key"
    algorithm: hmac-sha256
    secret: "[[S:b64_32]]"

zone:
    name: "example.net"
    zonefile: "example.net.zone"
    provide-xfr: [[N:ip]] sec1-key""",
    ),
    (
        "powerdns conf",
        r"""# /etc/powerdns/pdns.conf
launch=gmysql
gmysql-host=127.0.0.1
gmysql-user=pdns
gmysql-dbname=pdns
gmysql-password=[[S:pw]]
api=yes
api-key=[[S:alnum32]]
webserver-address=127.0.0.1""",
    ),
    (
        "dhcpd ddns key",
        r"""key DHCP_UPDATER {
    algorithm hmac-sha256;
    secret "[[S:b64_32]]";
};

zone example.net. {
    primary [[N:ip]];
    key DHCP_UPDATER;
}

subnet 10.20.0.0 netmask 255.255.0.0 {
    range 10.20.10.1 10.20.19.254;
    option routers 10.20.0.1;
}""",
    ),
    (
        "zabbix_server.conf",
        r"""LogFile=/var/log/zabbix/zabbix_server.log
LogFileSize=0
PidFile=/run/zabbix/zabbix_server.pid
SocketDir=/run/zabbix
DBHost=[[N:ip]]
DBName=zabbix
DBUser=zabbix
DBPassword=[[S:pw]]
StartPollers=50
SNMPTrapperFile=/var/log/snmptrap/snmptrap.log""",
    ),
    (
        "zabbix web conf php",
        r"""<?php
// Zabbix GUI configuration file.
$DB['TYPE']     = 'POSTGRESQL';
$DB['SERVER']   = '[[N:ip]]';
$DB['PORT']     = '5432';
$DB['DATABASE'] = 'zabbix';
$DB['USER']     = 'zabbix';
$DB['PASSWORD'] = '[[S:pw]]';
$ZBX_SERVER_NAME = 'NOC';""",
    ),
    (
        "icinga2 api users",
        r"""/**
 * The ApiUser objects are used for authentication against the API.
 */
object ApiUser "root" {
  password = "[[S:hex32]]"
  permissions = [ "*" ]
}

object ApiUser "director" {
  password = "[[S:pw]]"
  permissions = [ "object/modify/*", "object/query/*", "status/query" ]
}""",
    ),
    (
        "icinga ido mysql",
        r"""library "db_ido_mysql"

object IdoMysqlConnection "ido-mysql" {
  user = "icinga2",
  password = "[[S:pw]]",
  host = "localhost",
  database = "icinga2"
}""",
    ),
    (
        "nsca.cfg",
        r"""# NSCA client config
password=[[S:alnum20]]
decryption_method=10""",
    ),
    (
        "grafana.ini",
        r"""[server]
domain = grafana.example.net
root_url = https://%(domain)s/

[database]
type = postgres
host = [[N:ip]]:5432
name = grafana
user = grafana
password = [[S:pw]]

[security]
admin_user = admin
admin_password = [[S:hpw]]
secret_key = [[S:alnum32]]""",
    ),
    (
        "grafana ldap.toml",
        r"""[[servers]]
host = "ldap01.example.net"
port = 636
use_ssl = true
bind_dn = "cn=grafana,ou=services,dc=example,dc=net"
bind_password = '[[S:pw]]'
search_filter = "(uid=%s)"
search_base_dns = ["ou=people,dc=example,dc=net"]""",
    ),
    (
        "grafana smtp ini",
        r'''[smtp]
enabled = true
host = smtp.example.net:587
user = grafana@example.net
password = """[[S:pw]]"""
from_address = grafana@example.net''',
    ),
    (
        "telegraf snmp and influx",
        r"""[[outputs.influxdb_v2]]
  urls = ["https://influx.example.net:8086"]
  token = "[[S:alnum64]]=="
  organization = "netops"
  bucket = "network"

[[inputs.snmp]]
  agents = ["udp://[[N:ip]]:161", "udp://[[N:ip]]:161"]
  version = 2
  community = "[[S:comm]]"
  interval = "60s"

  [[inputs.snmp.field]]
    oid = "RFC1213-MIB::sysUpTime.0"
    name = "uptime"
""",
    ),
    (
        "telegraf snmpv3",
        r"""[[inputs.snmp]]
  agents = ["udp://[[N:ip]]:161"]
  version = 3
  sec_name = "nmsuser"
  auth_protocol = "SHA"
  auth_password = "[[S:apw]]"
  sec_level = "authPriv"
  priv_protocol = "AES"
  priv_password = "[[S:apw]]"
""",
    ),
    (
        "collectd snmp plugin",
        r"""<Plugin snmp>
  <Host "[[N:host]]">
    Address "[[N:ip]]"
    Version 2
    Community "[[S:comm]]"
    Collect "std_traffic"
    Interval 60
  </Host>
</Plugin>""",
    ),
    (
        "squid cache_peer login",
        r"""http_port 3128
cache_peer proxy.upstream.example.com parent 8080 0 no-query default login=[[N:user]]:[[S:pw]]
never_direct allow all
acl localnet src 10.0.0.0/8""",
    ),
    (
        "apt proxy conf",
        r"""// /etc/apt/apt.conf.d/95proxy
Acquire::http::Proxy "http://[[N:user]]:[[S:apw]]@proxy.corp.example.com:3128/";
Acquire::https::Proxy "http://[[N:user]]:[[S:apw]]@proxy.corp.example.com:3128/";""",
    ),
    (
        "apt auth.conf",
        r"""# /etc/apt/auth.conf.d/artifactory.conf
machine artifactory.example.net/artifactory/api/deb/ubuntu-remote
login [[N:user]]
password [[S:alnum64]]""",
    ),
    (
        "netrc",
        r"""machine netbox.example.net login api password [[S:hex40]]
machine ftp.example.net
  login backup
  password [[S:pw]]""",
    ),
    (
        "wpa_supplicant.conf",
        r"""ctrl_interface=DIR=/var/run/wpa_supplicant GROUP=netdev
update_config=1
country=DE

network={
    ssid="CORP-IOT"
    psk="[[S:phrase]]"
    key_mgmt=WPA-PSK
}

network={
    ssid="CORP-8021X"
    key_mgmt=WPA-EAP
    eap=PEAP
    identity="[[N:user]]@corp.example.com"
    password="[[S:pw]]"
}""",
    ),
    (
        "hostapd.conf",
        r"""interface=wlan0
driver=nl80211
ssid=Lab-AP
hw_mode=g
channel=6
wpa=2
wpa_key_mgmt=WPA-PSK
wpa_passphrase=[[S:phrase]]
auth_server_addr=[[N:ip]]
auth_server_port=1812
auth_server_shared_secret=[[S:apw]]""",
    ),
    (
        "openvpn server inline secret",
        r"""dev tun
ifconfig 10.9.8.1 10.9.8.2
cipher AES-256-CBC
<secret>
[[S:ovpn]]
</secret>""",
    ),
    (
        "ppp chap-secrets",
        r"""# Secrets for authentication using CHAP
# client	server	secret			IP addresses
[[N:user]]	*	[[S:pw]]	*
branch-[[N:word]]	l2tpd	"[[S:hpw]]"	10.60.0.12""",
    ),
    (
        "libreswan secrets file",
        r"""# /etc/ipsec.d/aws-vpc.secrets
[[N:ip]] [[N:ip]]: PSK "[[S:alnum32]]"
[[N:ip]] [[N:ip]]: PSK "[[S:alnum32]]"
""",
    ),
    (
        "frr.conf passwords",
        r"""frr version 9.1
frr defaults traditional
hostname [[N:host]]
password [[S:pw]]
enable password [[S:hpw]]
!
router bgp 65010
 neighbor [[N:ip]] remote-as 64512
 neighbor [[N:ip]] password [[S:apw]]
!
interface [[N:iface]]
 ip ospf authentication message-digest
 ip ospf message-digest-key 1 md5 [[S:apw]]
!
line vty""",
    ),
    (
        "bird.conf bgp password",
        r"""protocol bgp transit_a {
    local as 65010;
    neighbor [[N:ip]] as 174;
    password "[[S:apw]]";
    ipv4 {
        import filter transit_in;
        export filter transit_out;
    };
}""",
    ),
    (
        "gobgp toml",
        r"""[global.config]
  as = 65010
  router-id = "[[N:ip]]"

[[neighbors]]
  [neighbors.config]
    neighbor-address = "[[N:ip]]"
    peer-as = 65020
    auth-password = "[[S:apw]]"
""",
    ),
    (
        "exabgp conf",
        r"""neighbor [[N:ip]] {
    router-id [[N:ip]];
    local-address [[N:ip]];
    local-as 65010;
    peer-as 65020;
    md5-password [[S:apw]];
}""",
    ),
    (
        "my.cnf client",
        r"""[client]
user=backup
password=[[S:pw]]
host=[[N:ip]]

[mysqldump]
single-transaction
quick""",
    ),
    (
        "redis.conf",
        r"""bind 127.0.0.1 -::1
port 6379
requirepass [[S:rpw]]
masterauth [[S:rpw]]
maxmemory 2gb
maxmemory-policy allkeys-lru""",
    ),
    (
        "rabbitmq.conf",
        r"""listeners.tcp.default = 5672
default_user = admin
default_pass = [[S:pw]]
management.tcp.port = 15672""",
    ),
    (
        "mosquitto bridge",
        r"""connection bridge-to-cloud
address mqtt.example.net:8883
remote_username [[N:user]]
remote_password [[S:pw]]
topic sensors/# out 1
bridge_cafile /etc/mosquitto/ca.crt""",
    ),
    (
        "postgres primary_conninfo",
        r"""# postgresql.auto.conf
primary_conninfo = 'host=[[N:ip]] port=5432 user=replicator password=[[S:pw]] application_name=[[N:host]] sslmode=require'
primary_slot_name = 'replica_2'""",
    ),
    (
        "nut upsd.users and upsmon",
        r"""# /etc/nut/upsd.users
[upsmon]
	password = [[S:pw]]
	upsmon primary

# /etc/nut/upsmon.conf
MONITOR ups-rack12@localhost 1 upsmon [[S:pw]] primary""",
    ),
    (
        "msmtprc",
        r"""defaults
auth on
tls on
tls_trust_file /etc/ssl/certs/ca-certificates.crt

account alerts
host smtp.example.net
port 587
from alerts@example.net
user alerts@example.net
password [[S:pw]]

account default : alerts""",
    ),
    (
        "ssmtp.conf",
        r"""root=postmaster
mailhub=smtp.gmail.com:587
AuthUser=noc.alerts@example.net
AuthPass=[[S:alnum20]]
UseSTARTTLS=YES""",
    ),
    (
        "fetchmailrc",
        r"""poll mail.example.net protocol IMAP
  user "[[N:user]]@example.net" there with password "[[S:pw]]" is [[N:user]] here
  ssl""",
    ),
    (
        "asterisk pjsip",
        r"""[trunk-provider]
type=auth
auth_type=userpass
username=[[N:num]]
password=[[S:apw]]

[6001]
type=auth
auth_type=userpass
username=6001
password=[[S:pw]]""",
    ),
    (
        "kickstart plaintext",
        r"""#version=RHEL9
text
lang en_US.UTF-8
keyboard us
network --bootproto=static --ip=[[N:ip]] --netmask=255.255.255.0 --gateway=[[N:ip]] --hostname=[[N:host]]
rootpw --plaintext [[S:pw]]
user --name=ansible --groups=wheel --password=[[S:hpw]] --plaintext
firewall --enabled --service=ssh
%packages
@^minimal-environment
%end""",
    ),
    (
        "preseed root password",
        r"""d-i netcfg/get_hostname string [[N:host]]
d-i passwd/root-login boolean true
d-i passwd/root-password password [[S:pw]]
d-i passwd/root-password-again password [[S:pw]]
d-i passwd/user-fullname string Ops User
d-i passwd/username string ops
d-i passwd/user-password password [[S:hpw]]
d-i passwd/user-password-again password [[S:hpw]]""",
    ),
    (
        "autoyast xml",
        r"""<users config:type="list">
  <user>
    <username>root</username>
    <user_password>[[S:pw]]</user_password>
    <encrypted config:type="boolean">false</encrypted>
  </user>
</users>""",
    ),
    (
        "vagrantfile ssh password",
        r"""Vagrant.configure("2") do |config|
  config.vm.box = "cisco/csr1000v"
  config.ssh.username = "vagrant"
  config.ssh.password = "[[S:hpw]]"
  config.vm.network "private_network", ip: "[[N:ip]]"
  config.vm.provision "shell", inline: "echo 'vagrant:[[S:pw]]' | chpasswd"
end""",
    ),
    (
        "packer hcl ssh password",
        r"""source "proxmox-iso" "ubuntu" {
  proxmox_url              = "https://[[N:ip]]:8006/api2/json"
  username                 = "packer@pve!build"
  token                    = "[[S:pvesecret]]"
  node                     = "pve1"
  ssh_username             = "ubuntu"
  ssh_password             = "[[S:pw]]"
  ssh_timeout              = "30m"
  iso_checksum             = "sha256:[[N:sha256]]"
}""",
    ),
    (
        "terraform proxmox provider",
        r"""provider "proxmox" {
  pm_api_url          = "https://[[N:ip]]:8006/api2/json"
  pm_api_token_id     = "terraform@pve!tf"
  pm_api_token_secret = "[[S:pvesecret]]"
  pm_tls_insecure     = true
}""",
    ),
    (
        "terraform netbox and routeros",
        r"""provider "netbox" {
  server_url = "https://netbox.example.net"
  api_token  = "[[S:hex40]]"
}

provider "routeros" {
  hosturl  = "https://[[N:ip]]"
  username = "terraform"
  password = "[[S:pw]]"
}""",
    ),
    (
        "systemd unit env password",
        r"""[Unit]
Description=SNMP exporter
After=network-online.target

[Service]
User=prometheus
Environment="SNMP_COMMUNITY=[[S:comm]]"
Environment="SNMP_V3_PASS=[[S:apw]]"
ExecStart=/usr/local/bin/snmp_exporter --config.file=/etc/snmp_exporter/snmp.yml
Restart=on-failure

[Install]
WantedBy=multi-user.target""",
    ),
    (
        "etc default options",
        r"""# /etc/default/pgbouncer-exporter
ARGS="--pgBouncer.connectionString=postgres://stats:[[S:apw]]@localhost:6432/pgbouncer?sslmode=disable"
""",
    ),
    (
        "nginx auth header",
        r"""location /api/ {
    proxy_pass http://[[N:ip]]:8080;
    proxy_set_header Host $host;
    proxy_set_header Authorization "Basic [[S:basic]]";
}""",
    ),
    (
        "apache ldap bind",
        r"""<Location /nagios>
    AuthType Basic
    AuthName "Nagios"
    AuthBasicProvider ldap
    AuthLDAPURL "ldaps://ldap01.example.net/ou=people,dc=example,dc=net?uid"
    AuthLDAPBindDN "cn=apache,ou=services,dc=example,dc=net"
    AuthLDAPBindPassword "[[S:pw]]"
    Require ldap-group cn=noc,ou=groups,dc=example,dc=net
</Location>""",
    ),
    (
        "pam_mysql",
        r"""auth required pam_mysql.so user=pam passwd=[[S:pw]] host=localhost db=auth table=users usercolumn=login passwdcolumn=pass crypt=1""",
    ),
    (
        "python netmiko",
        r"""from netmiko import ConnectHandler

device = {
    "device_type": "cisco_ios",
    "host": "[[N:ip]]",
    "username": "netops",
    "password": "[[S:pw]]",
    "secret": "[[S:hpw]]",
}
with ConnectHandler(**device) as conn:
    conn.enable()
    print(conn.send_command("show ip int brief"))""",
    ),
    (
        "python napalm",
        r"""from napalm import get_network_driver

driver = get_network_driver("junos")
with driver("[[N:host]]", "netops", "[[S:pw]]", optional_args={"port": 830}) as dev:
    facts = dev.get_facts()
    print(facts["serial_number"], facts["os_version"])""",
    ),
    (
        "python pysnmp",
        r"""from pysnmp.hlapi import *

iterator = getCmd(
    SnmpEngine(),
    CommunityData("[[S:comm]]", mpModel=1),
    UdpTransportTarget(("[[N:ip]]", 161)),
    ContextData(),
    ObjectType(ObjectIdentity("SNMPv2-MIB", "sysDescr", 0)),
)""",
    ),
    (
        "python pysnmp v3",
        r"""auth = UsmUserData(
    "nmsuser",
    authKey="[[S:apw]]",
    privKey="[[S:apw]]",
    authProtocol=usmHMACSHAAuthProtocol,
    privProtocol=usmAesCfb128Protocol,
)""",
    ),
    (
        "python paramiko key",
        r"""import io
import paramiko

OOB_KEY = '''[[S:openssh]]'''

client = paramiko.SSHClient()
client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
client.connect("[[N:ip]]", username="console", pkey=paramiko.Ed25519Key.from_private_key(io.StringIO(OOB_KEY)))""",
    ),
    (
        "python ncclient",
        r"""from ncclient import manager

with manager.connect(host="[[N:ip]]", port=830, username="netconf", password="[[S:pw]]",
                     hostkey_verify=False, device_params={"name": "iosxr"}) as m:
    print(m.get_config(source="running").data_xml[:200])""",
    ),
    (
        "python pynetbox",
        r"""import pynetbox

nb = pynetbox.api("https://netbox.example.net", token="[[S:hex40]]")
for device in nb.dcim.devices.filter(site="fra1", role="leaf"):
    print(device.name, device.serial)""",
    ),
    (
        "go ssh password",
        r"""config := &ssh.ClientConfig{
	User: "netops",
	Auth: []ssh.AuthMethod{
		ssh.Password("[[S:pw]]"),
	},
	HostKeyCallback: ssh.InsecureIgnoreHostKey(),
	Timeout:         5 * time.Second,
}
client, err := ssh.Dial("tcp", "[[N:ip]]:22", config)""",
    ),
    (
        "go gosnmp",
        r"""params := &gosnmp.GoSNMP{
	Target:    "[[N:ip]]",
	Port:      161,
	Community: "[[S:comm]]",
	Version:   gosnmp.Version2c,
	Timeout:   2 * time.Second,
}
if err := params.Connect(); err != nil {
	log.Fatalf("connect: %v", err)
}""",
    ),
    (
        "jinja template with default literal",
        r"""{# templates/ios/snmp.j2 #}
snmp-server community {{ snmp_ro_community | default('[[S:comm=c]]') }} RO 10
snmp-server location {{ site.location }}
{% for host in nms_hosts %}
snmp-server host {{ host }} version 2c {{ snmp_ro_community | default('[[=c]]') }}
{% endfor %}""",
    ),
    (
        "pfsense config.xml ipsec psk",
        r"""<ipsec>
  <phase1>
    <ikeid>1</ikeid>
    <iketype>ikev2</iketype>
    <interface>wan</interface>
    <remote-gateway>[[N:ip]]</remote-gateway>
    <authentication_method>pre_shared_key</authentication_method>
    <pre-shared-key>[[S:alnum40]]</pre-shared-key>
    <descr><![CDATA[HQ tunnel]]></descr>
  </phase1>
</ipsec>""",
    ),
    (
        "opnsense api key file",
        r"""key=[[N:opnkey]]
secret=[[S:opnkey]]""",
    ),
    (
        "cisco asa more system running-config",
        r"""tunnel-group [[N:ip]] type ipsec-l2l
tunnel-group [[N:ip]] ipsec-attributes
 ikev1 pre-shared-key [[S:pw]]
 ikev2 remote-authentication pre-shared-key [[S:apw]]
 ikev2 local-authentication pre-shared-key [[S:apw]]
!
aaa-server ISE (inside) host [[N:ip]]
 key [[S:pw]]""",
    ),
    (
        "hp comware local-user simple",
        r"""#
local-user [[N:user]] class manage
 password simple [[S:pw]]
 service-type ssh terminal
 authorization-attribute user-role network-admin
#
snmp-agent community read simple [[S:comm]]
#""",
    ),
    (
        "unifi controller system.properties",
        r"""## system.properties
db.mongo.local=false
db.mongo.uri=mongodb://unifi:[[S:apw]]@[[N:ip]]:27017/unifi
statdb.mongo.uri=mongodb://unifi:[[S:apw]]@[[N:ip]]:27017/unifi_stat
unifi.db.name=unifi""",
    ),
    (
        "proxmox storage pw file",
        r"""# cat /etc/pve/priv/storage/nas-cifs.pw
[[S:pw]]
# cat /etc/pve/storage.cfg
cifs: nas-cifs
	path /mnt/pve/nas-cifs
	server [[N:ip]]
	share backups
	content backup
	username [[N:user]]""",
    ),
]

N_SOURCE: list[tuple[str, str]] = [
    (
        "haproxy userlist hashed",
        r"""userlist ops
    group admins users [[N:user]],[[N:user]]
    user [[N:user]] password [[N:sha512crypt]]
    user [[N:user]] password [[N:sha256crypt]]

frontend stats
    bind :8404
    http-request auth realm ops unless { http_auth(ops) }
    stats enable
    stats uri /stats""",
    ),
    (
        "haproxy crt and acl",
        r"""frontend https_in
    bind :443 ssl crt /etc/haproxy/certs/ alpn h2,http/1.1
    acl is_api path_beg /api/
    http-request set-header X-Request-ID %[uuid()]
    use_backend netbox_api if is_api
    default_backend netbox_web

backend netbox_web
    server nb1 [[N:ip]]:8080 check inter 5s
    server nb2 [[N:ip]]:8080 check inter 5s backup""",
    ),
    (
        "keepalived auth from include",
        r"""vrrp_instance VI_1 {
    state MASTER
    interface [[N:iface]]
    virtual_router_id 51
    priority 150
    # auth_pass is set in /etc/keepalived/secrets.conf (not in git)
    include /etc/keepalived/secrets.conf
    unicast_peer {
        [[N:ip]]
    }
    track_script {
        chk_haproxy
    }
}""",
    ),
    (
        "postfix main.cf hash maps",
        r"""relayhost = [smtp.example.net]:587
smtp_sasl_auth_enable = yes
smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd
smtp_sasl_security_options = noanonymous
smtp_tls_CAfile = /etc/ssl/certs/ca-certificates.crt
smtpd_tls_cert_file = /etc/letsencrypt/live/mx.example.net/fullchain.pem
smtpd_tls_key_file = /etc/letsencrypt/live/mx.example.net/privkey.pem""",
    ),
    (
        "dovecot passdb files",
        r"""passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT username_format=%u /etc/dovecot/users
}
userdb {
  driver = static
  args = uid=vmail gid=vmail home=/var/mail/vhosts/%d/%n
}
ssl_cert = </etc/letsencrypt/live/mx.example.net/fullchain.pem
ssl_key = </etc/letsencrypt/live/mx.example.net/privkey.pem""",
    ),
    (
        "fstab credentials file",
        r"""UUID=[[N:uuid]] /               ext4    errors=remount-ro 0       1
UUID=[[N:uuid]] /srv            xfs     defaults,noatime  0       2
//nas01/backups /mnt/backups cifs credentials=/root/.smbcredentials,vers=3.1.1,_netdev,x-systemd.automount 0 0
nfs01:/export/home /home nfs4 sec=krb5p,_netdev 0 0""",
    ),
    (
        "sssd krb5 keytab",
        r"""[domain/corp.example.com]
id_provider = ad
access_provider = ad
ad_domain = corp.example.com
krb5_realm = CORP.EXAMPLE.COM
krb5_keytab = /etc/krb5.keytab
ldap_sasl_authid = [[N:host]]$@CORP.EXAMPLE.COM
ldap_id_mapping = true
cache_credentials = true
use_fully_qualified_names = false""",
    ),
    (
        "nslcd sasl gssapi",
        r"""uid nslcd
gid nslcd
uri ldaps://ldap01.example.net/
base dc=example,dc=net
sasl_mech GSSAPI
krb5_ccname FILE:/var/run/nslcd/nslcd.tkt
tls_cacertfile /etc/ssl/certs/ca-certificates.crt""",
    ),
    (
        "openldap rootpw ssha",
        r"""database	mdb
suffix		"dc=example,dc=net"
rootdn		"cn=admin,dc=example,dc=net"
rootpw		[[N:ssha]]
directory	/var/lib/ldap
access to attrs=userPassword
	by self write
	by anonymous auth
	by * none""",
    ),
    (
        "named.conf include key",
        r"""include "/etc/bind/rndc.key";
include "/etc/bind/tsig-xfer.key";

controls {
    inet 127.0.0.1 port 953 allow { 127.0.0.1; } keys { "rndc-key"; };
};

zone "example.net" {
    type primary;
    file "/var/lib/bind/db.example.net";
    allow-transfer { key "xfer-key"; };
    also-notify { [[N:ip]]; };
};""",
    ),
    (
        "bind zone file",
        r"""$ORIGIN example.net.
$TTL 3600
@       IN SOA  ns1.example.net. hostmaster.example.net. ( 2026031401 3600 900 1209600 300 )
        IN NS   ns1.example.net.
        IN NS   ns2.example.net.
ns1     IN A    [[N:ip]]
vpn     IN A    [[N:ip]]
vpn     IN SSHFP 4 2 [[N:sha256]]
_dmarc  IN TXT  "v=DMARC1; p=reject; rua=mailto:dmarc@example.net"
sel1._domainkey IN TXT "v=DKIM1; k=ed25519; p=[[N:wg]]" """,
    ),
    (
        "chrony.conf keyfile ref",
        r"""server [[N:ip]] iburst key 1 nts
server [[N:ip]] iburst key 2
keyfile /etc/chrony.keys
driftfile /var/lib/chrony/chrony.drift
makestep 1.0 3
rtcsync
allow 10.0.0.0/8""",
    ),
    (
        "ntp.conf trustedkey",
        r"""driftfile /var/lib/ntp/ntp.drift
keys /etc/ntp.keys
trustedkey 1 2
requestkey 1
controlkey 2
server [[N:ip]] key 1 iburst
restrict default kod nomodify notrap nopeer noquery""",
    ),
    (
        "zabbix conf include and empty",
        r"""DBHost=localhost
DBName=zabbix
DBUser=zabbix
### Option: DBPassword
#	Database password.
#	Comment this line if no password is used.
#
# Mandatory: no
# Default:
# DBPassword=
Include=/etc/zabbix/zabbix_server.d/*.conf
TLSCAFile=/etc/zabbix/ca.crt""",
    ),
    (
        "zabbix vault dbpassword",
        r"""VaultDBPath=secret/zabbix/database
VaultURL=https://vault.example.net:8200
VaultTLSCertFile=/etc/zabbix/vault.crt
VaultTLSKeyFile=/etc/zabbix/vault.key
DBHost=[[N:ip]]
DBName=zabbix""",
    ),
    (
        "grafana.ini file and env refs",
        r"""[database]
type = postgres
host = [[N:ip]]:5432
name = grafana
user = grafana
password = $__file{/etc/grafana/secrets/db_password}

[security]
admin_user = admin
admin_password = $__env{GF_ADMIN_PASSWORD}
secret_key = $__vault{kv:secret/grafana:secret_key}""",
    ),
    (
        "telegraf env refs",
        r"""[[outputs.influxdb_v2]]
  urls = ["https://influx.example.net:8086"]
  token = "${INFLUX_TOKEN}"
  organization = "netops"
  bucket = "network"

[[inputs.snmp]]
  agents = ["udp://[[N:ip]]:161"]
  version = 2
  community = "public"
  name = "snmp"
""",
    ),
    (
        "wpa_supplicant hashed psk ref",
        r"""network={
    ssid="CORP-8021X"
    key_mgmt=WPA-EAP
    eap=TLS
    identity="host/[[N:host]]"
    ca_cert="/etc/wpa_supplicant/ca.pem"
    client_cert="/etc/wpa_supplicant/[[N:host]].pem"
    private_key="/etc/wpa_supplicant/[[N:host]].key"
    private_key_passwd=ext:PRIVKEY_PASS
}""",
    ),
    (
        "hostapd psk file",
        r"""interface=wlan0
ssid=Lab-AP
wpa=2
wpa_key_mgmt=WPA-PSK SAE
wpa_psk_file=/etc/hostapd/hostapd.wpa_psk
sae_password_file=/etc/hostapd/sae.pw
ieee80211w=1
bssid=[[N:mac]]""",
    ),
    (
        "openvpn server files",
        r"""port 1194
proto udp
dev tun
ca /etc/openvpn/server/ca.crt
cert /etc/openvpn/server/server.crt
key /etc/openvpn/server/server.key
dh none
tls-crypt /etc/openvpn/server/ta.key
auth-user-pass-verify /etc/openvpn/server/checkpsw.sh via-file
server 10.8.0.0 255.255.255.0
push "route 10.20.0.0 255.255.0.0"
keepalive 10 120""",
    ),
    (
        "strongswan ipsec.conf",
        r"""conn hq-site
    keyexchange=ikev2
    authby=secret
    left=%defaultroute
    leftid=@hq.example.net
    leftsubnet=10.1.0.0/16
    right=[[N:ip]]
    rightsubnet=10.2.0.0/16
    ike=aes256gcm16-prfsha384-ecp384!
    esp=aes256gcm16-ecp384!
    auto=start""",
    ),
    (
        "swanctl certs only",
        r"""connections {
    rw {
        local {
            auth = pubkey
            certs = vpn.example.net.crt
            id = vpn.example.net
        }
        remote {
            auth = eap-tls
        }
        children {
            net { local_ts = 10.20.0.0/16 }
        }
        pools = rw_pool
    }
}""",
    ),
    (
        "frr.conf no passwords",
        r"""frr version 9.1
frr defaults datacenter
hostname [[N:host]]
service integrated-vtysh-config
!
router bgp 65101
 bgp router-id [[N:ip]]
 neighbor FABRIC peer-group
 neighbor FABRIC remote-as external
 neighbor swp51 interface peer-group FABRIC
 !
 address-family ipv4 unicast
  redistribute connected route-map LOOPBACKS
!
line vty""",
    ),
    (
        "python netmiko env",
        r"""import os
from getpass import getpass
from netmiko import ConnectHandler

device = {
    "device_type": "cisco_ios",
    "host": os.environ["NET_HOST"],
    "username": os.environ.get("NET_USER", "netops"),
    "password": os.environ["NET_PASS"],
    "secret": getpass("enable secret: "),
}""",
    ),
    (
        "python hvac read",
        r"""import hvac

client = hvac.Client(url="https://vault.example.net:8200")
client.auth.approle.login(role_id=os.environ["VAULT_ROLE_ID"], secret_id=os.environ["VAULT_SECRET_ID"])
secret = client.secrets.kv.v2.read_secret_version(path="network/tacacs", mount_point="secret")
tacacs_key = secret["data"]["data"]["key"]""",
    ),
    (
        "go snmp env",
        r"""params := &gosnmp.GoSNMP{
	Target:    target,
	Port:      161,
	Community: os.Getenv("SNMP_COMMUNITY"),
	Version:   gosnmp.Version2c,
	Timeout:   2 * time.Second,
}""",
    ),
    (
        "jinja template references",
        r"""{# templates/ios/aaa.j2 #}
aaa new-model
tacacs server {{ item.name }}
 address ipv4 {{ item.ip }}
 key 0 {{ tacacs_key }}
!
username {{ local_admin.name }} privilege 15 secret 9 {{ local_admin.hash }}
snmp-server community {{ snmp_ro_community }} RO 10""",
    ),
    (
        "vagrantfile env",
        r"""Vagrant.configure("2") do |config|
  config.vm.box = "generic/debian12"
  config.ssh.private_key_path = "~/.ssh/vagrant_ed25519"
  config.vm.provider :libvirt do |lv|
    lv.password = ENV.fetch("LIBVIRT_PASSWORD")
  end
end""",
    ),
    (
        "packer hcl variables",
        r"""variable "ssh_password" {
  type      = string
  sensitive = true
}

source "qemu" "debian" {
  iso_url      = "https://cdimage.debian.org/debian-cd/current/amd64/iso-cd/debian-12.5.0-amd64-netinst.iso"
  iso_checksum = "sha256:[[N:sha256]]"
  ssh_username = "root"
  ssh_password = var.ssh_password
}""",
    ),
    (
        "terraform variables sensitive",
        r"""variable "pm_api_token_secret" {
  description = "Proxmox API token secret"
  type        = string
  sensitive   = true
}

provider "proxmox" {
  pm_api_url          = "https://[[N:ip]]:8006/api2/json"
  pm_api_token_id     = "terraform@pve!tf"
  pm_api_token_secret = var.pm_api_token_secret
}""",
    ),
    (
        "preseed crypted",
        r"""d-i passwd/root-login boolean false
d-i passwd/user-fullname string Ops User
d-i passwd/username string ops
d-i passwd/user-password-crypted password [[N:sha512crypt]]
d-i preseed/late_command string in-target sh -c 'echo "[[N:sshpub]]" > /home/ops/.ssh/authorized_keys'""",
    ),
    (
        "cisco asa show run masked",
        r"""tunnel-group [[N:ip]] type ipsec-l2l
tunnel-group [[N:ip]] ipsec-attributes
 ikev1 pre-shared-key *****
 ikev2 remote-authentication pre-shared-key *****
 ikev2 local-authentication pre-shared-key *****
!
username [[N:user]] password [[N:sha512crypt]] pbkdf2 privilege 15
aaa-server ISE (inside) host [[N:ip]]
 key *****""",
    ),
    (
        "pfsense config.xml user hash",
        r"""<user>
  <name>admin</name>
  <descr><![CDATA[System Administrator]]></descr>
  <scope>system</scope>
  <groupname>admins</groupname>
  <bcrypt-hash>[[N:bcrypt]]</bcrypt-hash>
  <uid>0</uid>
  <authorizedkeys>[[N:b64_128]]</authorizedkeys>
</user>""",
    ),
    (
        "systemd unit load credential",
        r"""[Service]
User=prometheus
LoadCredential=snmp.yml:/etc/credstore/snmp_exporter.yml
ExecStart=/usr/local/bin/snmp_exporter --config.file=${CREDENTIALS_DIRECTORY}/snmp.yml
EnvironmentFile=-/etc/default/snmp_exporter
ProtectSystem=strict
NoNewPrivileges=yes""",
    ),
    (
        "sudoers file",
        r"""Defaults	env_reset
Defaults	secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
%netops ALL=(root) NOPASSWD: /usr/bin/vtysh, /usr/sbin/ip, /usr/bin/wg
[[N:user]] ALL=(ALL:ALL) ALL""",
    ),
    (
        "sshd_config",
        r"""Port 22
HostKey /etc/ssh/ssh_host_ed25519_key
HostKey /etc/ssh/ssh_host_rsa_key
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
TrustedUserCAKeys /etc/ssh/user_ca.pub
Match Group sftponly
    ChrootDirectory /srv/sftp/%u""",
    ),
    (
        "ssh config file",
        r"""Host bastion
    HostName [[N:ip]]
    User [[N:user]]
    IdentityFile ~/.ssh/id_ed25519
    IdentitiesOnly yes

Host *.dc1.example.net
    ProxyJump bastion
    User netops
    HostKeyAlgorithms ssh-ed25519
    UserKnownHostsFile ~/.ssh/known_hosts.d/dc1""",
    ),
    (
        "mosquitto password file hashes",
        r"""[[N:user]]:$7$101$[[N:b64_16]]$[[N:b64_64]]
sensors:$7$101$[[N:b64_16]]$[[N:b64_64]]""",
    ),
    (
        "redis conf acl file",
        r"""bind 127.0.0.1 -::1
port 6379
aclfile /etc/redis/users.acl
tls-port 6380
tls-cert-file /etc/redis/tls/redis.crt
tls-key-file /etc/redis/tls/redis.key""",
    ),
    (
        "redis users.acl hashes",
        r"""user default off
user sentinel on #[[N:sha256]] ~* &* +@all
user exporter on #[[N:sha256]] ~* &* +info +ping +config|get""",
    ),
    (
        "kickstart with sshkey only",
        r"""rootpw --lock
user --name=ansible --groups=wheel --lock
sshkey --username=ansible "[[N:sshpub]]"
network --bootproto=dhcp --hostname=[[N:host]]
%post
echo "ansible ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/ansible
%end""",
    ),
    (
        "icinga2 api users placeholder",
        r"""object ApiUser "director" {
  password = "<set-in-local-conf>"
  permissions = [ "object/modify/*", "object/query/*" ]
}

object ApiUser "client-pki-ticket" {
  client_cn = "[[N:host]]"
  permissions = [ "actions/generate-ticket" ]
}""",
    ),
    (
        "python passlib hashing",
        r"""from passlib.hash import sha512_crypt

def shadow_line(user: str, password: str) -> str:
    return f"{user}:{sha512_crypt.using(rounds=5000).hash(password)}:19876:0:99999:7:::"

assert shadow_line("demo", "x").startswith("demo:$6$")""",
    ),
]


# --------------------------------------------------------------------------------------------------
# url: addresses with credentials in them

P_URL: list[tuple[str, str]] = [
    ("snmp url community", r"""snmp://[[S:comm]]@[[N:ip]]:161/1.3.6.1.2.1.1"""),
    (
        "snmp target list in notes",
        r"""Targets for the new poller (LibreNMS bulk add):
snmp://[[S:comm]]@[[N:host]]
snmp://[[S:comm]]@[[N:host]]
snmp://public@lab-sw01.lab.internal""",
    ),
    (
        "ldap url with password",
        r"""LDAP_URI=ldaps://cn=svc-gitea,ou=services,dc=example,dc=net:[[S:pw|url]]@ldap01.example.net:636/dc=example,dc=net""",
    ),
    (
        "ftp url backup",
        r"""Config archive target: ftp://[[N:user]]:[[S:pw|url]]@[[N:ip]]/backups/$(hostname)-$(date +%F).cfg""",
    ),
    (
        "cisco copy tftp ftp",
        r"""edge01#copy running-config ftp://[[N:user]]:[[S:apw]]@[[N:ip]]/configs/edge01-confg
Address or name of remote host [[[N:ip]]]?
Destination filename [configs/edge01-confg]?
Writing configs/edge01-confg !
8123 bytes copied in 1.204 secs (6748 bytes/sec)""",
    ),
    (
        "cisco archive path",
        r"""archive
 path scp://[[N:user]]:[[S:pw|url]]@[[N:ip]]/archive/$h-
 write-memory
 time-period 1440""",
    ),
    (
        "juniper archive transfer",
        r"""set system archival configuration transfer-on-commit
set system archival configuration archive-sites "scp://[[N:user]]@[[N:ip]]:/var/backups/junos" password "[[S:j9]]"
set system archival configuration archive-sites "ftp://[[N:user]]:[[S:pw|url]]@[[N:ip]]/junos"
""",
    ),
    ("sftp url", r"""sftp://[[N:user]]:[[S:apw]]@backup01.dc1.example.net:22/srv/backup/switches/"""),
    ("smb url", r"""smb://CORP;[[N:user]]:[[S:pw|url]]@nas01.corp.example.com/scans"""),
    (
        "router web ui login url",
        r"""Router admin: http://[[N:ip]]/cgi-bin/luci/?luci_username=root&luci_password=[[S:pw|url]]""",
    ),
    (
        "ipmi web url basic",
        r"""BMC dashboards (bookmarks):
https://ADMIN:[[S:apw]]@[[N:ip]]/
https://ADMIN:[[S:apw]]@[[N:ip]]/redfish/v1/Managers/1""",
    ),
    (
        "redfish url in script",
        r"""REDFISH="https://root:[[S:pw|url]]@[[N:ip]]/redfish/v1"
curl -sk "$REDFISH/Systems/System.Embedded.1" | jq .Status""",
    ),
    ("rtsp camera", r"""rtsp://admin:[[S:pw|url]]@[[N:ip]]:554/Streaming/Channels/101"""),
    ("vnc url", r"""vnc://:[[S:apw]]@[[N:ip]]:5901"""),
    (
        "http proxy env",
        r"""http_proxy=http://[[N:user]]:[[S:pw|url]]@proxy.corp.example.com:3128
https_proxy=http://[[N:user]]:[[S:pw|url]]@proxy.corp.example.com:3128
no_proxy=localhost,127.0.0.1,.corp.example.com""",
    ),
    ("mysql dsn zabbix", r"""mysql://zabbix:[[S:pw|url]]@[[N:ip]]:3306/zabbix"""),
    (
        "postgres dsn netbox",
        r"""DATABASE_URL=postgresql://netbox:[[S:pw|url]]@[[N:ip]]:5432/netbox?sslmode=require""",
    ),
    ("redis url", r"""redis://:[[S:apw]]@[[N:ip]]:6379/2"""),
    ("amqp url", r"""amqps://monitoring:[[S:pw|url]]@rabbit.dc1.example.net:5671/%2Fnoc"""),
    (
        "influx url with token query",
        r"""https://influx.example.net:8086/api/v2/write?org=netops&bucket=network&precision=s&token=[[S:alnum64]]""",
    ),
    ("mongodb unifi", r"""mongodb://unifi:[[S:pw|url]]@[[N:ip]]:27017/unifi?authSource=admin"""),
    ("slack webhook url", r"""[[S:slackhook]]"""),
    ("discord webhook url", r"""[[S:discordhook]]"""),
    ("telegram bot url", r"""https://api.telegram.org/bot[[S:tgbot]]/getUpdates"""),
    (
        "teams webhook",
        r"""https://example.webhook.office.com/webhookb2/[[N:uuid]]@[[N:uuid]]/IncomingWebhook/[[S:hex32]]/[[N:uuid]]/V2[[S:alnum40]]""",
    ),
    ("gitlab clone url token", r"""https://oauth2:[[S:glpat]]@gitlab.example.net/netops/configs.git"""),
    (
        "github clone url token",
        r"""git remote set-url origin https://x-access-token:[[S:ghp]]@github.com/example-net/netops.git""",
    ),
    ("rsync url password", r"""rsync://[[N:user]]:[[S:apw]]@[[N:ip]]/configs"""),
    (
        "netbox webhook url with token",
        r"""https://awx.example.net/api/v2/job_templates/42/callback/?host_config_key=[[S:hex32]]""",
    ),
    ("uptime kuma push url", r"""https://status.example.net/api/push/[[S:alnum20]]?status=up&msg=OK&ping="""),
    ("healthchecks ping url with key", r"""https://hc-ping.com/[[S:uuid]]"""),
    (
        "prometheus pushgateway basic",
        r"""https://push:[[S:pw|url]]@pushgateway.example.net/metrics/job/backup/instance/[[N:host]]""",
    ),
    ("alertmanager webhook token", r"""http://[[N:ip]]:9087/alert/-100[[N:num]]?token=[[S:alnum32]]"""),
    ("mikrotik api url", r"""https://admin:[[S:pw|url]]@[[N:ip]]/rest/system/resource"""),
    ("opnsense api url", r"""https://[[N:opnkey|url]]:[[S:opnkey|url]]@[[N:ip]]/api/core/firmware/status"""),
    (
        "proxmox api url ticket",
        r"""https://[[N:ip]]:8006/api2/json/access/ticket?username=root@pam&password=[[S:pw|url]]""",
    ),
    (
        "s3 presigned url",
        r"""https://[[N:word]]-backups.s3.eu-central-1.amazonaws.com/switches/core01.cfg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=[[N:akid]]%2F20260314%2Feu-central-1%2Fs3%2Faws4_request&X-Amz-Date=20260314T101244Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=[[S:hex64]]""",
    ),
    (
        "azure sas url",
        r"""https://netopsbackups.blob.core.windows.net/configs/core01.cfg?sv=2022-11-02&ss=b&srt=o&sp=rl&se=2026-04-01T00:00:00Z&st=2026-03-14T00:00:00Z&spr=https&sig=[[S:b64_32|url]]""",
    ),
    (
        "grafana render url with key",
        r"""https://grafana.example.net/render/d-solo/[[N:alnum20]]/bgp?orgId=1&panelId=4&width=1000&height=500&api_key=[[S:glsa]]""",
    ),
    (
        "nagios cgi url",
        r"""http://nagiosadmin:[[S:pw|url]]@nagios.example.net/cgi-bin/nagios4/status.cgi?host=all&servicestatustypes=16""",
    ),
]

N_URL: list[tuple[str, str]] = [
    ("snmp url default public", r"""snmp://public@[[N:ip]]:161/1.3.6.1.2.1.2.2.1.2"""),
    (
        "ldap search url",
        r"""ldaps://ldap01.example.net:636/ou=people,dc=example,dc=net?uid,mail,sshPublicKey?sub?(memberOf=cn=noc,ou=groups,dc=example,dc=net)""",
    ),
    ("ftp anonymous", r"""ftp://ftp.example.org/pub/firmware/cisco/cat9k_iosxe.17.09.04a.SPA.bin"""),
    (
        "scp url without password",
        r"""archive
 path scp://[[N:user]]@[[N:ip]]/archive/$h-
 write-memory""",
    ),
    ("ssh url", r"""ssh://[[N:user]]@[[N:host]]:2222/srv/git/netops.git"""),
    ("smb url user only", r"""smb://CORP;[[N:user]]@nas01.corp.example.com/scans"""),
    (
        "http proxy no auth",
        r"""http_proxy=http://proxy.corp.example.com:3128
https_proxy=http://proxy.corp.example.com:3128
no_proxy=localhost,127.0.0.1,10.0.0.0/8,.corp.example.com""",
    ),
    (
        "proxy with env var reference",
        r"""https_proxy=http://${PROXY_USER}:${PROXY_PASS}@proxy.corp.example.com:3128""",
    ),
    ("dsn with placeholder", r"""DATABASE_URL=postgresql://netbox:<password>@[[N:ip]]:5432/netbox"""),
    ("dsn masked", r"""postgresql://netbox:****@[[N:ip]]:5432/netbox?sslmode=require"""),
    (
        "redfish urls no creds",
        r"""https://[[N:ip]]/redfish/v1/Systems/System.Embedded.1/Bios
https://[[N:ip]]/redfish/v1/Managers/iDRAC.Embedded.1/EthernetInterfaces/NIC.1
https://[[N:ip]]/restgui/start.html""",
    ),
    (
        "grafana dashboard url",
        r"""https://grafana.example.net/d/[[N:alnum20]]/node-exporter-full?orgId=1&var-job=node&var-node=[[N:ip]]:9100&from=now-6h&to=now""",
    ),
    (
        "netbox api filter url",
        r"""https://netbox.example.net/api/dcim/devices/?serial=[[N:serial]]&site=fra1&limit=50&brief=1""",
    ),
    (
        "slack webhook placeholder",
        r"""SLACK_WEBHOOK_URL=[[N:slackdoc]]  # placeholder from the README, set the real one in the vault""",
    ),
    (
        "github release url",
        r"""https://github.com/prometheus/snmp_exporter/releases/download/v0.26.0/snmp_exporter-0.26.0.linux-amd64.tar.gz""",
    ),
    ("git clone ssh", r"""git@gitlab.example.net:netops/configs.git"""),
    (
        "url with uuid and trace ids",
        r"""https://netbox.example.net/api/extras/object-changes/?request_id=[[N:uuid]]&changed_object_id=[[N:num]]""",
    ),
    (
        "s3 url without signature",
        r"""https://[[N:word]]-backups.s3.eu-central-1.amazonaws.com/switches/core01.cfg?versionId=[[N:alnum32]]""",
    ),
    (
        "ipv6 link-local url",
        r"""http://[fe80::5054:ff:fe12:3456%25eth0]:8080/metrics
http://[[[N:ip6]]]:9100/metrics""",
    ),
    (
        "mirror url with checksum fragment",
        r"""https://releases.ubuntu.com/24.04/ubuntu-24.04-live-server-amd64.iso#sha256=[[N:sha256]]""",
    ),
    ("router web ui url plain", r"""http://[[N:ip]]/cgi-bin/luci/admin/network/wireless"""),
    ("healthchecks dashboard url", r"""https://healthchecks.example.net/projects/[[N:uuid]]/checks/"""),
    (
        "oauth authorize url",
        r"""https://sso.example.net/realms/infra/protocol/openid-connect/auth?client_id=grafana&response_type=code&redirect_uri=https%3A%2F%2Fgrafana.example.net%2Flogin%2Fgeneric_oauth&scope=openid+email&state=[[N:alnum20]]""",
    ),
    (
        "git url x-access-token expression",
        r"""https://x-access-token:${{ secrets.GITHUB_TOKEN }}@github.com/example-net/netops.git""",
    ),
    (
        "librenms device url",
        r"""https://librenms.example.net/device/device=[[N:num]]/tab=port/port=[[N:num]]/""",
    ),
    (
        "proxmox console url",
        r"""https://[[N:ip]]:8006/?console=kvm&novnc=1&vmid=[[N:num]]&vmname=[[N:host]]&node=pve1&resize=off""",
    ),
]


# --------------------------------------------------------------------------------------------------
# json: Terraform state, inventory-system API bodies, tool JSON output, JSON logs

P_JSON: list[tuple[str, str]] = [
    (
        "terraform state random_password",
        r"""{
  "version": 4,
  "terraform_version": "1.8.5",
  "serial": 41,
  "lineage": "[[N:uuid]]",
  "resources": [
    {
      "mode": "managed",
      "type": "random_password",
      "name": "bgp_md5",
      "provider": "provider[\"registry.terraform.io/hashicorp/random\"]",
      "instances": [
        {
          "schema_version": 3,
          "attributes": {
            "bcrypt_hash": "[[N:bcrypt]]",
            "id": "none",
            "length": 24,
            "result": "[[S:rpw]]",
            "special": true
          },
          "sensitive_attributes": []
        }
      ]
    }
  ]
}""",
    ),
    (
        "terraform state tls private key",
        r"""{
  "mode": "managed",
  "type": "tls_private_key",
  "name": "oob",
  "provider": "provider[\"registry.terraform.io/hashicorp/tls\"]",
  "instances": [
    {
      "schema_version": 1,
      "attributes": {
        "algorithm": "RSA",
        "id": "[[N:sha1]]",
        "private_key_pem": "[[S:rsa]]\n",
        "public_key_fingerprint_md5": "[[N:md5fp]]",
        "public_key_openssh": "[[N:sshpub]]\n",
        "rsa_bits": 2048
      }
    }
  ]
}""",
    ),
    (
        "terraform state wireguard key",
        r"""{
  "type": "wireguard_asymmetric_key",
  "name": "branch",
  "instances": [
    {
      "index_key": "[[N:word]]",
      "attributes": {
        "id": "[[N:wg]]",
        "private_key": "[[S:wg]]",
        "public_key": "[[N:wg]]",
        "bind": null
      },
      "sensitive_attributes": [[{"type": "get_attr", "value": "private_key"}]]
    }
  ]
}""",
    ),
    (
        "terraform state proxmox vm cloud-init",
        r"""{
  "type": "proxmox_vm_qemu",
  "name": "dns",
  "instances": [
    {
      "attributes": {
        "ciuser": "ops",
        "cipassword": "[[S:pw]]",
        "sshkeys": "[[N:sshpub]]\n",
        "ipconfig0": "ip=[[N:ip]]/24,gw=[[N:ip]]",
        "target_node": "pve1",
        "vmid": [[N:num]]
      }
    }
  ]
}""",
    ),
    (
        "terraform show json aws vpn",
        r"""{
  "address": "aws_vpn_connection.hq",
  "type": "aws_vpn_connection",
  "values": {
    "customer_gateway_id": "cgw-[[N:hex16]]",
    "id": "vpn-[[N:hex16]]",
    "tunnel1_address": "[[N:ip]]",
    "tunnel1_preshared_key": "[[S:alnum32]]",
    "tunnel2_address": "[[N:ip]]",
    "tunnel2_preshared_key": "[[S:alnum32]]",
    "type": "ipsec.1"
  }
}""",
    ),
    (
        "netbox secrets plugin body",
        r"""{
  "id": [[N:num]],
  "url": "https://netbox.example.net/api/plugins/secrets/secrets/[[N:num]]/",
  "assigned_object_type": "dcim.device",
  "assigned_object": {"id": [[N:num]], "name": "[[N:host]]"},
  "role": {"id": 2, "name": "enable"},
  "name": "enable secret",
  "plaintext": "[[S:hpw]]",
  "hash": "pbkdf2_sha256$260000$[[N:alnum20]]$[[N:b64_32]]",
  "created": "[[N:ts]]"
}""",
    ),
    (
        "netbox token create response",
        r"""{
  "id": [[N:num]],
  "url": "https://netbox.example.net/api/users/tokens/[[N:num]]/",
  "display": "[[N:hex8]] (ansible)",
  "user": {"id": 4, "username": "ansible"},
  "created": "[[N:ts]]",
  "expires": null,
  "key": "[[S:hex40]]",
  "write_enabled": true,
  "description": "ansible inventory"
}""",
    ),
    (
        "netbox config context json",
        r"""{
  "name": "fra1-aaa",
  "weight": 1000,
  "data": {
    "tacacs": {"servers": ["[[N:ip]]", "[[N:ip]]"], "key": "[[S:pw]]"},
    "snmp": {"community_ro": "[[S:comm]]", "location": "FRA1 cage 12"},
    "ntp": {"servers": ["[[N:ip]]"], "key_id": 1, "key": "[[S:apw]]"}
  },
  "regions": [],
  "sites": [{"id": 3, "slug": "fra1"}]
}""",
    ),
    (
        "nautobot graphql response",
        r"""{
  "data": {
    "devices": [
      {
        "name": "[[N:host]]",
        "serial": "[[N:serial]]",
        "primary_ip4": {"address": "[[N:ip]]/24"},
        "cf_bmc_password": "[[S:apw]]",
        "cf_console_port": "opengear01:[[N:num]]"
      }
    ]
  }
}""",
    ),
    (
        "vault kv get json",
        r"""{
  "request_id": "[[N:uuid]]",
  "lease_id": "",
  "lease_duration": 0,
  "renewable": false,
  "data": {
    "data": {
      "tacacs_key": "[[S:pw]]",
      "radius_secret": "[[S:apw]]",
      "snmp_ro": "[[S:comm]]"
    },
    "metadata": {
      "created_time": "[[N:ts]]",
      "deletion_time": "",
      "destroyed": false,
      "version": 7
    }
  },
  "warnings": null
}""",
    ),
    (
        "vault token create json",
        r"""{
  "request_id": "[[N:uuid]]",
  "auth": {
    "client_token": "[[S:hvs]]",
    "accessor": "[[N:alnum20]]",
    "policies": ["default", "netops-read"],
    "token_policies": ["default", "netops-read"],
    "lease_duration": 2764800,
    "renewable": true,
    "entity_id": "[[N:uuid]]",
    "token_type": "service",
    "orphan": false
  }
}""",
    ),
    (
        "vault approle secret-id",
        r"""{
  "request_id": "[[N:uuid]]",
  "data": {
    "secret_id": "[[S:uuid]]",
    "secret_id_accessor": "[[N:uuid]]",
    "secret_id_num_uses": 0,
    "secret_id_ttl": 0
  }
}""",
    ),
    (
        "vault operator init json",
        r"""{
  "unseal_keys_b64": [
    "[[S:b64_32]]",
    "[[S:b64_32]]",
    "[[S:b64_32]]"
  ],
  "unseal_keys_hex": [
    "[[S:hex64]]",
    "[[S:hex64]]",
    "[[S:hex64]]"
  ],
  "unseal_shares": 3,
  "unseal_threshold": 2,
  "recovery_keys_b64": [],
  "root_token": "[[S:hvs]]"
}""",
    ),
    (
        "consul acl bootstrap",
        r"""{
    "AccessorID": "[[N:uuid]]",
    "SecretID": "[[S:uuid]]",
    "Description": "Bootstrap Token (Global Management)",
    "Policies": [
        {"ID": "00000000-0000-0000-0000-000000000001", "Name": "global-management"}
    ],
    "Local": false,
    "CreateTime": "[[N:ts]]",
    "Hash": "[[N:b64_32]]",
    "CreateIndex": 12,
    "ModifyIndex": 12
}""",
    ),
    (
        "consul agent config json",
        r"""{
  "datacenter": "dc1",
  "data_dir": "/opt/consul",
  "encrypt": "[[S:b64_32]]",
  "server": true,
  "bootstrap_expect": 3,
  "retry_join": ["[[N:ip]]", "[[N:ip]]"],
  "acl": {
    "enabled": true,
    "default_policy": "deny",
    "tokens": {"agent": "[[S:uuid]]"}
  }
}""",
    ),
    (
        "consul kv get base64",
        r"""[
  {
    "LockIndex": 0,
    "Key": "network/edge/bgp_password",
    "Flags": 0,
    "Value": "[[S:apw|b64]]",
    "CreateIndex": 4123,
    "ModifyIndex": 4123
  }
]""",
    ),
    (
        "kea dhcp ddns tsig",
        r"""{
  "DhcpDdns": {
    "ip-address": "127.0.0.1",
    "port": 53001,
    "tsig-keys": [
      {
        "name": "ddns-key",
        "algorithm": "HMAC-SHA256",
        "secret": "[[S:b64_32]]"
      }
    ],
    "forward-ddns": {"ddns-domains": [{"name": "example.net.", "key-name": "ddns-key", "dns-servers": [{"ip-address": "[[N:ip]]"}]}]}
  }
}""",
    ),
    (
        "proxmox api token json",
        r"""{
  "data": {
    "full-tokenid": "root@pam!monitoring",
    "info": {"privsep": 1, "expire": 0},
    "value": "[[S:pvesecret]]"
  }
}""",
    ),
    (
        "proxmox ticket response",
        r"""{
  "data": {
    "username": "root@pam",
    "cap": {"nodes": {"Sys.Audit": 1}},
    "ticket": "PVE:root@pam:[[N:HEX40|json]]::[[S:b64_128]]",
    "CSRFPreventionToken": "[[N:HEX40]]:[[N:b64_32]]"
  }
}""",
    ),
    (
        "grafana service account token json",
        r"""{
  "id": [[N:num]],
  "name": "sa-1-prometheus-ingest",
  "key": "[[S:glsa]]"
}""",
    ),
    (
        "grafana datasource api json",
        r"""{
  "name": "Zabbix",
  "type": "alexanderzobnin-zabbix-datasource",
  "access": "proxy",
  "url": "http://[[N:ip]]/api_jsonrpc.php",
  "basicAuth": false,
  "jsonData": {"username": "grafana", "trends": true},
  "secureJsonData": {"password": "[[S:pw]]"}
}""",
    ),
    (
        "zabbix api login",
        r"""{"jsonrpc":"2.0","method":"user.login","params":{"username":"Admin","password":"[[S:pw]]"},"id":1}""",
    ),
    ("zabbix api auth response", r"""{"jsonrpc":"2.0","result":"[[S:hex32]]","id":1}"""),
    (
        "zabbix host.create with snmp",
        r"""{
  "jsonrpc": "2.0",
  "method": "host.create",
  "params": {
    "host": "[[N:host]]",
    "interfaces": [{
      "type": 2, "main": 1, "useip": 1, "ip": "[[N:ip]]", "dns": "", "port": "161",
      "details": {"version": 3, "bulk": 1, "securityname": "nmsuser", "securitylevel": 2,
                  "authprotocol": 1, "authpassphrase": "[[S:apw]]", "privprotocol": 1, "privpassphrase": "[[S:apw]]"}
    }],
    "groups": [{"groupid": "12"}],
    "tls_connect": 2,
    "tls_psk_identity": "PSK-[[N:host]]",
    "tls_psk": "[[S:hex64]]"
  },
  "id": 3
}""",
    ),
    (
        "librenms device add api",
        r"""{"hostname": "[[N:host]]", "version": "v2c", "community": "[[S:comm]]", "port": 161, "transport": "udp", "poller_group": 0, "force_add": false}""",
    ),
    (
        "awx credential api body",
        r"""{
  "name": "netops-ssh",
  "organization": 1,
  "credential_type": 2,
  "inputs": {
    "username": "netops",
    "password": "[[S:pw]]",
    "ssh_key_data": "[[S:openssh]]",
    "authorize": true,
    "authorize_password": "[[S:hpw]]"
  }
}""",
    ),
    (
        "json log line with dsn",
        r"""{"time":"[[N:ts]]","level":"ERROR","service":"netbox-sync","msg":"cannot connect","dsn":"postgresql://netbox:[[S:apw]]@[[N:ip]]:5432/netbox","error":"connection refused","attempt":3}""",
    ),
    (
        "json log ipmi exporter config dump",
        r"""{"ts":"[[N:ts]]","caller":"main.go:112","level":"debug","msg":"loaded config","modules":{"default":{"user":"ADMIN","pass":"[[S:apw]]","driver":"LAN_2_0","privilege":"user","timeout":10000}}}""",
    ),
    (
        "journald json with command line",
        r"""{"__REALTIME_TIMESTAMP":"1773483164123456","_HOSTNAME":"[[N:host]]","SYSLOG_IDENTIFIER":"sudo","_PID":"[[N:pid]]","MESSAGE":"[[N:user]] : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/usr/bin/sshpass -p [[S:pw]] ssh admin@[[N:ip]]","PRIORITY":"5","_BOOT_ID":"[[N:md5]]"}""",
    ),
    (
        "docker inspect env",
        r"""[
    {
        "Id": "[[N:sha256]]",
        "Name": "/unifi-controller",
        "Config": {
            "Hostname": "[[N:hex8]]",
            "Env": [
                "MONGO_USER=unifi",
                "MONGO_PASS=[[S:apw]]",
                "MONGO_HOST=[[N:ip]]",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
            ],
            "Image": "lscr.io/linuxserver/unifi-network-application:8.1.113"
        }
    }
]""",
    ),
    (
        "kubectl get secret json",
        r"""{
    "apiVersion": "v1",
    "data": {
        "community": "[[S:comm|b64]]",
        "v3-auth": "[[S:apw|b64]]"
    },
    "kind": "Secret",
    "metadata": {
        "name": "snmp-exporter-communities",
        "namespace": "monitoring",
        "uid": "[[N:uuid]]"
    },
    "type": "Opaque"
}""",
    ),
    (
        "ansible json callback output",
        r"""{
  "plays": [{
    "tasks": [{
      "hosts": {
        "[[N:host]]": {
          "changed": true,
          "commands": ["username backup privilege 15 secret 0 [[S:pw=p]]", "snmp-server community [[S:comm]] RO 10"],
          "updates": ["username backup privilege 15 secret 0 [[=p]]"]
        }
      },
      "task": {"name": "Apply AAA baseline"}
    }]
  }]
}""",
    ),
    (
        "nmcli openconnect vpn secrets json",
        r"""{
  "connection": {"id": "office-vpn", "uuid": "[[N:uuid]]", "type": "vpn"},
  "vpn": {
    "service-type": "org.freedesktop.NetworkManager.openconnect",
    "data": {"gateway": "vpn.example.net", "protocol": "anyconnect"},
    "secrets": {"gateway": "vpn.example.net", "cookie": "[[S:hex64]]", "gwcert": "pin-sha256:[[N:b64_32]]"}
  }
}""",
    ),
    (
        "tailscale api key create",
        r"""{
  "id": "k[[N:alnum20]]",
  "key": "[[S:tskey]]",
  "created": "[[N:ts]]",
  "expires": "[[N:ts]]",
  "capabilities": {"devices": {"create": {"reusable": false, "ephemeral": true, "preauthorized": true, "tags": ["tag:router"]}}}
}""",
    ),
    (
        "unifi device json export",
        r"""{
  "name": "[[N:host]]",
  "mac": "[[N:mac]]",
  "model": "USW-Pro-48-PoE",
  "serial": "[[N:serial]]",
  "x_authkey": "[[S:hex32]]",
  "x_ssh_hostkey_fingerprint": "[[N:md5fp]]",
  "mgmt_network_id": "[[N:hex16]]"
}""",
    ),
    (
        "opnsense config json psk",
        r"""{
  "ipsec": {
    "preSharedKeys": {
      "preSharedKey": {
        "[[N:uuid]]": {
          "ident": "hq.example.net",
          "remote_ident": "[[N:ip]]",
          "keyType": "PSK",
          "Key": "[[S:alnum40]]",
          "description": "HQ"
        }
      }
    }
  }
}""",
    ),
    (
        "mikrotik rest api wireguard",
        r"""[
  {
    ".id": "*1",
    "disabled": "false",
    "listen-port": "13231",
    "mtu": "1420",
    "name": "wg0",
    "private-key": "[[S:wg]]",
    "public-key": "[[N:wg]]",
    "running": "true"
  }
]""",
    ),
    (
        "cloudflared tunnel credentials",
        r"""{"AccountTag":"[[N:hex32]]","TunnelSecret":"[[S:b64_32]]","TunnelID":"[[N:uuid]]"}""",
    ),
    (
        "ssh key in json api body",
        r"""{
  "name": "oob-console",
  "type": "ssh",
  "username": "console",
  "private_key": "[[S:openssh]]",
  "public_key": "[[N:sshpub]]"
}""",
    ),
    (
        "json alertmanager config api",
        r"""{
  "global": {
    "smtp_smarthost": "smtp.example.net:587",
    "smtp_auth_username": "alertmanager@example.net",
    "smtp_auth_password": "[[S:pw]]",
    "slack_api_url": "[[S:slackhook]]"
  },
  "route": {"receiver": "noc"},
  "receivers": [{"name": "noc", "pagerduty_configs": [{"routing_key": "[[S:hex32]]"}]}]
}""",
    ),
]

N_JSON: list[tuple[str, str]] = [
    (
        "ip -j addr",
        r"""[{"ifindex":2,"ifname":"[[N:iface]]","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":9000,"qdisc":"mq","operstate":"UP","group":"default","txqlen":1000,"link_type":"ether","address":"[[N:mac]]","broadcast":"ff:ff:ff:ff:ff:ff","addr_info":[{"family":"inet","local":"[[N:ip]]","prefixlen":24,"scope":"global","label":"[[N:iface]]","valid_life_time":4294967295,"preferred_life_time":4294967295}]}]""",
    ),
    (
        "ip -j route",
        r"""[{"dst":"default","gateway":"[[N:ip]]","dev":"[[N:iface]]","protocol":"static","flags":[]},{"dst":"10.77.0.0/24","dev":"wg0","protocol":"kernel","scope":"link","prefsrc":"10.77.0.1","flags":[]}]""",
    ),
    (
        "terraform state sensitive hidden",
        r"""{
  "address": "random_password.bgp_md5",
  "mode": "managed",
  "type": "random_password",
  "name": "bgp_md5",
  "values": {
    "id": "none",
    "length": 24,
    "special": true
  },
  "sensitive_values": {"result": true, "bcrypt_hash": true}
}""",
    ),
    (
        "terraform show public keys",
        r"""{
  "address": "tls_private_key.oob",
  "values": {
    "algorithm": "ED25519",
    "public_key_fingerprint_md5": "[[N:md5fp]]",
    "public_key_fingerprint_sha256": "[[N:fp]]",
    "public_key_openssh": "[[N:sshpub]]\n"
  },
  "sensitive_values": {"private_key_openssh": true, "private_key_pem": true}
}""",
    ),
    (
        "netbox device json",
        r"""{
  "id": [[N:num]],
  "url": "https://netbox.example.net/api/dcim/devices/[[N:num]]/",
  "name": "[[N:host]]",
  "device_type": {"id": 12, "model": "DCS-7050SX3-48YC8", "slug": "dcs-7050sx3-48yc8"},
  "serial": "[[N:serial]]",
  "asset_tag": null,
  "primary_ip4": {"id": [[N:num]], "address": "[[N:ip]]/24"},
  "custom_fields": {"bmc_mac": "[[N:mac]]", "warranty_end": "2029-03-31"},
  "last_updated": "[[N:ts]]"
}""",
    ),
    (
        "netbox token list masked",
        r"""{
  "count": 2,
  "results": [
    {"id": [[N:num]], "display": "[[N:hex8]] (ansible)", "user": {"username": "ansible"}, "key": "****************************************", "write_enabled": true, "last_used": "[[N:ts]]"},
    {"id": [[N:num]], "display": "[[N:hex8]] (grafana)", "user": {"username": "grafana"}, "write_enabled": false, "last_used": null}
  ]
}""",
    ),
    (
        "vault kv metadata",
        r"""{
  "request_id": "[[N:uuid]]",
  "data": {
    "cas_required": false,
    "created_time": "[[N:ts]]",
    "current_version": 7,
    "max_versions": 0,
    "versions": {
      "6": {"created_time": "[[N:ts]]", "deletion_time": "", "destroyed": false},
      "7": {"created_time": "[[N:ts]]", "deletion_time": "", "destroyed": false}
    }
  }
}""",
    ),
    (
        "vault token lookup accessor only",
        r"""{
  "request_id": "[[N:uuid]]",
  "data": {
    "accessor": "[[N:alnum20]]",
    "creation_time": 1773483164,
    "display_name": "approle",
    "entity_id": "[[N:uuid]]",
    "expire_time": "[[N:ts]]",
    "policies": ["default", "netops-read"],
    "ttl": 2591999
  }
}""",
    ),
    (
        "consul acl token list",
        r"""[
  {
    "AccessorID": "[[N:uuid]]",
    "SecretID": "<hidden>",
    "Description": "prometheus read-only",
    "Policies": [{"ID": "[[N:uuid]]", "Name": "node-read"}],
    "CreateTime": "[[N:ts]]",
    "Hash": "[[N:b64_32]]"
  }
]""",
    ),
    (
        "consul catalog services",
        r"""[
  {
    "ID": "[[N:uuid]]",
    "Node": "consul1",
    "Address": "[[N:ip]]",
    "Datacenter": "dc1",
    "ServiceName": "node-exporter",
    "ServicePort": 9100,
    "ServiceTags": ["prometheus", "dc1"],
    "ServiceMeta": {"rack": "r12"}
  }
]""",
    ),
    (
        "wireguard peers public json",
        r"""{
  "interface": "wg0",
  "public_key": "[[N:wg]]",
  "private_key": "(hidden)",
  "listen_port": 51820,
  "peers": [
    {"public_key": "[[N:wg]]", "preshared_key": "(hidden)", "endpoint": "[[N:ip]]:41934", "allowed_ips": ["10.77.0.12/32"], "latest_handshake": 1773483164},
    {"public_key": "[[N:wg]]", "preshared_key": "(none)", "endpoint": null, "allowed_ips": ["10.77.0.13/32"], "latest_handshake": 0}
  ]
}""",
    ),
    (
        "json log failed auth",
        r"""{"time":"[[N:ts]]","level":"WARN","msg":"snmp auth failure","agent":"[[N:ip]]","community":"<redacted>","request_id":"[[N:uuid]]","trace_id":"[[N:hex32]]"}""",
    ),
    (
        "json log with masked password",
        r"""{"ts":"[[N:ts]]","caller":"main.go:112","level":"debug","msg":"loaded config","modules":{"default":{"user":"ADMIN","pass":"<secret>","driver":"LAN_2_0","privilege":"user","timeout":10000}}}""",
    ),
    (
        "journald json sshd",
        r"""{"__REALTIME_TIMESTAMP":"1773483164123456","_HOSTNAME":"[[N:host]]","SYSLOG_IDENTIFIER":"sshd","_PID":"[[N:pid]]","MESSAGE":"Accepted publickey for [[N:user]] from [[N:ip]] port 50312 ssh2: ED25519 [[N:fp]]","PRIORITY":"6","_BOOT_ID":"[[N:md5]]","_MACHINE_ID":"[[N:md5]]"}""",
    ),
    (
        "docker inspect env refs",
        r"""[
    {
        "Id": "[[N:sha256]]",
        "Name": "/netbox",
        "Image": "sha256:[[N:sha256]]",
        "Config": {
            "Env": [
                "DB_HOST=postgres",
                "DB_PASSWORD_FILE=/run/secrets/db_password",
                "SUPERUSER_API_TOKEN_FILE=/run/secrets/api_token",
                "PATH=/opt/netbox/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
            ]
        }
    }
]""",
    ),
    (
        "kubectl secret sealed json",
        r"""{
  "apiVersion": "bitnami.com/v1alpha1",
  "kind": "SealedSecret",
  "metadata": {"name": "snmp-exporter-communities", "namespace": "monitoring"},
  "spec": {"encryptedData": {"community": "Ag[[N:b64_128]]"}}
}""",
    ),
    (
        "consul agent config tokens from file",
        r"""{
  "datacenter": "dc1",
  "data_dir": "/opt/consul",
  "encrypt_verify_incoming": true,
  "server": false,
  "retry_join": ["provider=aws tag_key=consul tag_value=dc1"],
  "acl": {"enabled": true, "default_policy": "deny", "enable_token_persistence": true},
  "ca_file": "/etc/consul.d/ca.pem",
  "auto_encrypt": {"tls": true}
}""",
    ),
    (
        "lsblk json",
        r"""{"blockdevices":[{"name":"nvme0n1","size":"1.7T","type":"disk","serial":"[[N:serial]]","wwn":"eui.[[N:hex32]]","children":[{"name":"nvme0n1p1","fstype":"vfat","uuid":"[[N:hex8]]"},{"name":"nvme0n1p2","fstype":"crypto_LUKS","uuid":"[[N:uuid]]"}]}]}""",
    ),
    (
        "librenms device list json",
        r"""{"status":"ok","count":2,"devices":[{"device_id":[[N:num]],"hostname":"[[N:host]]","sysName":"[[N:host]]","snmpver":"v2c","community":null,"authlevel":null,"hardware":"C9300-48P","serial":"[[N:serial]]"},{"device_id":[[N:num]],"hostname":"[[N:host]]","snmpver":"v3","authlevel":"authPriv","authname":"nmsuser","authpass":null}]}""",
    ),
    (
        "zabbix api host.get",
        r"""{"jsonrpc":"2.0","result":[{"hostid":"[[N:num]]","host":"[[N:host]]","tls_connect":"2","tls_accept":"2","tls_psk_identity":"PSK-[[N:host]]","interfaces":[{"ip":"[[N:ip]]","port":"161","details":{"version":"3","securityname":"nmsuser","securitylevel":"2"}}]}],"id":2}""",
    ),
    (
        "tailscale devices json",
        r"""{
  "devices": [
    {
      "addresses": ["100.101.[[N:num]].12", "fd7a:115c:a1e0::[[N:hex8]]"],
      "id": "[[N:num]]",
      "nodeId": "n[[N:alnum20]]",
      "hostname": "[[N:host]]",
      "machineKey": "mkey:[[N:hex64]]",
      "nodeKey": "nodekey:[[N:hex64]]",
      "os": "linux",
      "keyExpiryDisabled": true
    }
  ]
}""",
    ),
    (
        "awx credential list masked",
        r"""{
  "id": 7,
  "name": "netops-ssh",
  "credential_type": 2,
  "inputs": {
    "username": "netops",
    "password": "$encrypted$",
    "ssh_key_data": "$encrypted$",
    "authorize": true,
    "authorize_password": "$encrypted$"
  },
  "created": "[[N:ts]]"
}""",
    ),
    (
        "grafana datasource get masked",
        r"""{
  "id": 3,
  "uid": "[[N:alnum20]]",
  "name": "Zabbix",
  "type": "alexanderzobnin-zabbix-datasource",
  "url": "http://[[N:ip]]/api_jsonrpc.php",
  "jsonData": {"username": "grafana"},
  "secureJsonFields": {"password": true},
  "version": 4
}""",
    ),
    (
        "packages lock json checksums",
        r"""{
  "name": "node_exporter",
  "version": "1.8.1",
  "assets": [
    {"os": "linux", "arch": "amd64", "sha256": "[[N:sha256]]", "url": "https://github.com/prometheus/node_exporter/releases/download/v1.8.1/node_exporter-1.8.1.linux-amd64.tar.gz"},
    {"os": "linux", "arch": "arm64", "sha256": "[[N:sha256]]"}
  ]
}""",
    ),
    (
        "ssh host keys api",
        r"""{
  "hostname": "[[N:host]]",
  "host_keys": [
    {"type": "ssh-ed25519", "fingerprint": "[[N:fp]]", "key": "[[N:sshpub]]"},
    {"type": "ecdsa-sha2-nistp256", "fingerprint": "[[N:fp]]"}
  ]
}""",
    ),
    (
        "cert json api",
        r"""{
  "serial_number": "[[N:md5fp]]",
  "common_name": "vpn.example.net",
  "not_after": "2027-03-01T23:59:59Z",
  "certificate": "[[N:cert]]",
  "issuing_ca": "[[N:cert]]",
  "private_key_type": "ec"
}""",
    ),
    (
        "mikrotik rest users no password",
        r"""[{".id":"*1","name":"admin","group":"full","address":"","last-logged-in":"2026-03-14 09:12:55","disabled":"false"},{".id":"*2","name":"[[N:user]]","group":"read","address":"10.0.0.0/8","disabled":"false"}]""",
    ),
    (
        "json ansible masked",
        r"""{
  "[[N:host]]": {
    "changed": true,
    "censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result"
  },
  "[[N:host]]": {
    "changed": false,
    "msg": "All items completed"
  }
}""",
    ),
    (
        "kea config ddns key ref",
        r"""{
  "DhcpDdns": {
    "ip-address": "127.0.0.1",
    "port": 53001,
    "tsig-keys": [
      {"name": "ddns-key", "algorithm": "HMAC-SHA256", "secret-file": "/etc/kea/tsig/ddns-key.secret"}
    ]
  }
}""",
    ),
    (
        "cloudflared config no secret",
        r"""{"tunnel":"[[N:uuid]]","credentials-file":"/etc/cloudflared/[[N:uuid]].json","ingress":[{"hostname":"grafana.example.net","service":"http://[[N:ip]]:3000"},{"service":"http_status:404"}]}""",
    ),
]


POSITIVE: dict[str, list[tuple[str, str]]] = {
    "plain": P_PLAIN,
    "shell": P_SHELL,
    "yaml": P_YAML,
    "source": P_SOURCE,
    "url": P_URL,
    "json": P_JSON,
}
NEGATIVE: dict[str, list[tuple[str, str]]] = {
    "plain": N_PLAIN,
    "shell": N_SHELL,
    "yaml": N_YAML,
    "source": N_SOURCE,
    "url": N_URL,
    "json": N_JSON,
}


if __name__ == "__main__":
    main()
