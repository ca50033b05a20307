"""A twenty-fourth labelled corpus for the redactor: identity, access and backups.

What it covers: the text an AI coding agent reads and writes while helping an IT or platform team
with identity, access and backups.
Identity and access: Okta, Auth0, Keycloak (realm exports, ``kcadm.sh``), Microsoft Entra ID app
registrations, Google Workspace service accounts and domain-wide delegation, LDAP and Active
Directory (``ldapsearch`` binds, ``sssd.conf``, ``ldap.conf``, LDIF), SAML metadata and signing keys,
OIDC client secrets in apps and proxies (oauth2-proxy, Dex, Authelia, Authentik, Pomerium), SCIM
tokens, Kerberos (keytabs in base64, ``kinit``, ``ktutil``), SSH certificates, agents and CAs
(``ssh-keygen``, step-ca, Teleport, Boundary, Vault SSH), TOTP seeds and recovery codes, password
managers' CLIs (1Password, Bitwarden, KeePassXC), RADIUS and FreeIPA.
Backups and storage: restic, borg, rclone (obscured passwords, S3, B2, Drive, SFTP and WebDAV
remotes), duplicity and Duplicati, Velero, Kopia, MinIO, Wasabi, Backblaze B2, Cloudflare R2 and
other S3-compatible stores, rsync daemons' secrets files, SMB/CIFS credentials, NFS, Synology and
TrueNAS, database dump scripts and cron jobs, pgBackRest, WAL-G, Barman and ``mysqldump`` option
files.
Hard negatives of the same world: key ids, client ids, tenant ids, realm and user ids, SAML
certificates, JWKS public keys, SSH public keys, certificates and host-key fingerprints,
``known_hosts`` lines, restic and borg repository ids, snapshot ids and chunk hashes, password
hashes (``{SSHA}``, bcrypt, PBKDF2 and Argon2 strings, Keycloak's hashed credentials), JWE-encrypted
provisioner keys, SOPS, Ansible Vault and age ciphertext, masked values, ``--password-command``,
``*_FILE`` and ``BORG_PASSCOMMAND`` references, ``op://`` and vault paths, and placeholders in docs.

How it was written: blind to the redactor's rules, to its tests and to the other corpora, from the
public documentation of the tools concerned (as text written here, not copied).
Every value is random and generated at run time from parts, so this file holds no literal
secret-shaped string.

Labelling policy: a secret is what grants access if leaked (passwords and passphrases, API keys and
tokens, client secrets, private keys by their PEM or OpenSSH body, keytabs, TOTP seeds and unused
recovery codes, session and cookie secrets, the password part of a URL, the credential part of a
webhook URL, presigned-URL signatures).
rclone's and sssd's "obscured" passwords are labelled secrets: they are reversible without a key.
Not secrets: public keys and certificates, ids of every kind (key, client, tenant, realm, user,
repository, snapshot), usernames, one-way hashes and digests, masked values, references, encrypted
values (SOPS, Ansible Vault, age, JWE) and placeholders.
A borg keyfile is labelled a secret (it is the repository key, kept apart from the repository, like a
private key), while a restic key file's encrypted ``data`` is not (it lives inside the repository).
Documented defaults and examples (FreeRADIUS's ``testing123``, MinIO's ``minioadmin``, the AWS
documentation's example key pair, the authenticator apps' example TOTP seed) are not secrets.

Template syntax: ``{{S1:gen}}`` plants a secret made by generator ``gen`` (its first use names it;
``{{S1}}`` repeats it), ``{{N1:gen}}`` a random non-secret value the same way.
A generator may take arguments: ``{{S1:pem(RSA,4)}}`` is an RSA key whose body lines are indented
by four spaces; a PEM or OpenSSH key is labelled by its body only.
Each template is a (context, kind, text) triple; a few families are also given as the shapes an
agent sees files in (numbered ``cat -n`` lines, ``grep -rn`` hits, diff hunks, CRLF files, a fenced
block in a chat message), each such variant a template of its own.
"""

# ruff: noqa: E501 - generated-data templates read better on one line
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
import uuid
from collections import Counter
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
    twice = json.dumps(once)[1:-1]
    for form in {secret, once, twice}:
        n = max(1, len(form) // 2)
        for start in range(len(form) - n + 1):
            if form[start : start + n] in output:
                return True
    return False


# --- random parts ------------------------------------------------------------------------------

ALNUM = string.ascii_letters + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
B32 = string.ascii_uppercase + "234567"
HEX = "0123456789abcdef"
PW_SYMBOLS = "-_.!@%^*+=~"
URL_PW = ALNUM + "-_.~"
WORDS = [
    "amber",
    "anchor",
    "apple",
    "arctic",
    "badger",
    "bamboo",
    "basalt",
    "beacon",
    "birch",
    "bishop",
    "bramble",
    "breeze",
    "cactus",
    "canal",
    "candle",
    "canyon",
    "cedar",
    "cinder",
    "clover",
    "cobalt",
    "comet",
    "copper",
    "coral",
    "cotton",
    "crater",
    "cricket",
    "dagger",
    "delta",
    "desert",
    "dingo",
    "dolphin",
    "drift",
    "eagle",
    "ember",
    "falcon",
    "fennel",
    "fjord",
    "flint",
    "forest",
    "fossil",
    "garnet",
    "geyser",
    "ginger",
    "glacier",
    "granite",
    "harbor",
    "hazel",
    "heron",
    "hollow",
    "indigo",
    "island",
    "jasper",
    "juniper",
    "kettle",
    "lagoon",
    "lantern",
    "lemon",
    "lichen",
    "linen",
    "lotus",
    "magnet",
    "mango",
    "maple",
    "marble",
    "meadow",
    "mirror",
    "monsoon",
    "mosaic",
    "nectar",
    "nickel",
    "nutmeg",
    "oasis",
    "ocean",
    "olive",
    "onyx",
    "orchid",
    "otter",
    "paddle",
    "pebble",
    "pepper",
    "pigeon",
    "pilot",
    "pine",
    "plaza",
    "quartz",
    "quill",
    "rabbit",
    "raven",
    "ribbon",
    "river",
    "rocket",
    "saffron",
    "salmon",
    "sierra",
    "silver",
    "sparrow",
    "spruce",
    "summit",
    "tango",
    "thistle",
    "thunder",
    "timber",
    "tulip",
    "tundra",
    "velvet",
    "violet",
    "walnut",
    "willow",
    "zephyr",
]
FIRST = [
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
    "niaj",
    "olivia",
    "peggy",
    "rupert",
    "sybil",
    "trent",
    "victor",
    "wendy",
]
LAST = [
    "nguyen",
    "smith",
    "garcia",
    "kowalski",
    "okafor",
    "tanaka",
    "muller",
    "rossi",
    "dubois",
    "silva",
    "novak",
    "berg",
]
DOMAINS = ("example.com", "corp.example.net", "acme.example.org", "internal.example.io", "lab.example")
HOSTS = [
    "backup01",
    "nas02",
    "idp",
    "dc01",
    "dc02",
    "vault",
    "ldap01",
    "kdc",
    "sso",
    "bastion",
    "pg-primary",
    "db-replica",
    "minio01",
    "files",
    "truenas",
    "syno-ds920",
    "radius01",
    "ipa01",
    "keycloak",
    "auth",
]


def chars(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64_of(rng: random.Random, nbytes: int, urlsafe: bool = False, pad: bool = True) -> str:
    raw = bytes(rng.getrandbits(8) for _ in range(nbytes))
    out = base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)
    text = out.decode()
    return text if pad else text.rstrip("=")


def password(rng: random.Random, lo: int = 14, hi: int = 22) -> str:
    n = rng.randint(lo, hi)
    while True:
        pw = chars(rng, ALNUM + PW_SYMBOLS, n)
        if (
            any(c.isdigit() for c in pw)
            and any(c.isupper() for c in pw)
            and any(c.islower() for c in pw)
            and pw[0] not in "-=~"
        ):
            return pw


def phrase(rng: random.Random, sep: str = "-") -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(4, 6))]
    if rng.random() < 0.5:
        words = [w.capitalize() for w in words]
    return sep.join(words) + (str(rng.randint(1, 99)) if rng.random() < 0.5 else "")


def pem_block(
    rng: random.Random, label: str, first: str, lines: int, indent: str, nl: str = "\n"
) -> tuple[str, str]:
    body_lines = [first + chars(rng, B64, 64 - len(first))]
    body_lines += [chars(rng, B64, 64) for _ in range(lines - 2)]
    body_lines.append(chars(rng, B64, rng.randint(16, 60)) + rng.choice(["", "=", "=="]))
    body = (nl + indent).join(body_lines)
    block = "-----BEGIN " + label + "-----" + nl + indent + body + nl + indent + "-----END " + label + "-----"
    return block, body


PEM_LABELS = {
    "RSA": ("RSA PRIV" + "ATE KEY", "MIIEo" + "wIBAAKCAQEA", 25),
    "PKCS8": ("PRIV" + "ATE KEY", "MIIEvg" + "IBADANBgkqhkiG9w0BAQEFAASC", 26),
    "EC": ("EC PRIV" + "ATE KEY", "MHcCAQEE", 4),
    "OSSH": ("OPENSSH PRIV" + "ATE KEY", "b3BlbnNzaC1rZXktdjEAAAAA", 7),
    "PGP": ("PGP PRIV" + "ATE KEY BLOCK", "lQdGBG", 20),
}


def _pem(rng: random.Random, args: list[str]) -> tuple[str, str]:
    kind = args[0] if args else "RSA"
    indent = " " * int(args[1]) if len(args) > 1 else ""
    label, first, lines = PEM_LABELS[kind]
    if kind == "PGP":
        block, body = pem_block(rng, label, first, lines, indent)
        block = block.replace("-----" + "\n", "-----" + "\n" + indent + "\n", 1)
        return block, body
    return pem_block(rng, label, first, lines, indent)


def _pemj(rng: random.Random, args: list[str]) -> tuple[str, str]:
    """A PEM private key with literal backslash-n line breaks, as a JSON string holds it."""
    label, first, lines = PEM_LABELS[args[0] if args else "PKCS8"]
    block, body = pem_block(rng, label, first, lines, "", nl="\\n")
    return block + "\\n", body


def _cert(rng: random.Random, args: list[str]) -> tuple[str, str]:
    indent = " " * int(args[0]) if args else ""
    block, _ = pem_block(
        rng, "CERTIFICATE", "MIIC" + chars(rng, "sxz", 1) + "zCCAb" + "ugAwIBAgI", 16, indent
    )
    return block, ""


def _pubpem(rng: random.Random, args: list[str]) -> tuple[str, str]:
    indent = " " * int(args[0]) if args else ""
    block, _ = pem_block(rng, "PUBLIC KEY", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", 7, indent)
    return block, ""


def _certbody(rng: random.Random, args: list[str]) -> tuple[str, str]:
    """A certificate's base64 on one line, as SAML metadata and JWKS ``x5c`` hold it."""
    return "MIIC" + chars(rng, "sxz", 1) + "zCCAb" + "ugAwIBAgI" + chars(
        rng, B64, int(args[0]) if args else 560
    ) + "=", ""


def _jwt(rng: random.Random, args: list[str]) -> tuple[str, str]:
    iss = args[0] if args else "https://" + rng.choice(HOSTS) + "." + rng.choice(DOMAINS) + "/"
    header = {"alg": "RS256", "typ": "JWT", "kid": chars(rng, B64URL, 22)}
    payload = {
        "iss": iss,
        "sub": chars(rng, ALNUM, 24) + "@clients",
        "aud": "https://" + rng.choice(DOMAINS) + "/api/v2/",
        "iat": 1_760_000_000 + rng.randint(0, 9_000_000),
        "exp": 1_770_000_000 + rng.randint(0, 9_000_000),
        "scope": rng.choice(["read:users update:users", "openid profile email", "read:clients create:users"]),
    }

    def enc(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

    token = enc(header) + "." + enc(payload) + "." + b64_of(rng, 256, urlsafe=True, pad=False)
    return token, token


def _jwe(rng: random.Random, args: list[str]) -> tuple[str, str]:
    header = {
        "alg": "PBES2-HS256+A128KW",
        "cty": "jwk+json",
        "enc": "A256GCM",
        "p2c": 100000,
        "p2s": b64_of(rng, 16, True, False),
    }
    h = base64.urlsafe_b64encode(json.dumps(header, separators=(",", ":")).encode()).decode().rstrip("=")
    parts = [
        h,
        b64_of(rng, 40, True, False),
        b64_of(rng, 12, True, False),
        b64_of(rng, 180, True, False),
        b64_of(rng, 16, True, False),
    ]
    return ".".join(parts), ""


def _keytab(rng: random.Random, args: list[str]) -> tuple[str, str]:
    raw = b"\x05\x02" + bytes(rng.getrandbits(8) for _ in range(rng.randint(110, 200)))
    text = base64.b64encode(raw).decode()
    return text, text


def _rclone_obscured(rng: random.Random, args: list[str]) -> tuple[str, str]:
    value = b64_of(rng, 16 + rng.randint(10, 24), urlsafe=True, pad=False)
    return value, value


def _recovery(rng: random.Random, args: list[str]) -> tuple[str, str]:
    style = args[0] if args else "dash"
    if style == "dash":
        value = chars(rng, LOWER_ALNUM, 5) + "-" + chars(rng, LOWER_ALNUM, 5)
    elif style == "groups":
        value = "-".join(chars(rng, string.ascii_uppercase + string.digits, 4) for _ in range(4))
    else:
        value = chars(rng, string.digits, 8)
    return value, value


def _sec(fn):  # a secret generator: the inserted text is the secret
    def gen(rng: random.Random, args: list[str]) -> tuple[str, str]:
        value = fn(rng, args)
        return value, value

    return gen


def _pub(fn):  # a non-secret generator
    def gen(rng: random.Random, args: list[str]) -> tuple[str, str]:
        return fn(rng, args), ""

    return gen


def _n(args: list[str], default: int) -> int:
    return int(args[0]) if args else default


def _sshpub(rng: random.Random, args: list[str]) -> str:
    kind = args[0] if args else "ed25519"
    if kind == "rsa":
        return "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ" + chars(rng, B64, 371)
    if kind == "ecdsa":
        return (
            "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBB"
            + chars(rng, B64, 87)
            + "="
        )
    return "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + chars(rng, B64, 43)


def _sshcert(rng: random.Random, args: list[str]) -> str:
    return (
        "ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29t"
        + chars(rng, B64, 420)
        + "="
    )


GENERATORS = {
    # secrets
    "pw": _sec(lambda r, a: password(r, *(int(x) for x in a)) if a else password(r)),
    "upw": _sec(
        lambda r, a: chars(r, ALNUM, 3) + chars(r, URL_PW, r.randint(10, 18)) + chars(r, string.digits, 2)
    ),
    "phrase": _sec(
        lambda r, a: phrase(r, {"space": " ", "dot": ".", "none": ""}.get(a[0], a[0]) if a else "-")
    ),
    "basic": _sec(lambda r, a: base64.b64encode((r.choice(FIRST) + ":" + password(r)).encode()).decode()),
    "b64pw": _sec(
        lambda r, a: base64.b64encode((chars(r, ALNUM, 32) if a else password(r)).encode()).decode()
    ),
    "suuid": _sec(lambda r, a: str(uuid.UUID(int=r.getrandbits(128), version=4))),
    "hex": _sec(lambda r, a: chars(r, HEX, _n(a, 40))),
    "alnum": _sec(lambda r, a: chars(r, ALNUM, _n(a, 32))),
    "lalnum": _sec(lambda r, a: chars(r, LOWER_ALNUM, _n(a, 32))),
    "b64": _sec(lambda r, a: b64_of(r, _n(a, 32))),
    "b64url": _sec(lambda r, a: b64_of(r, _n(a, 32), urlsafe=True, pad=False)),
    "okta": _sec(lambda r, a: "0" + "0" + chars(r, B64URL, 40)),
    "entra": _sec(lambda r, a: chars(r, ALNUM, 3) + "8" + "Q~" + chars(r, ALNUM + "_.~-", 34)),
    "auth0": _sec(lambda r, a: chars(r, B64URL, 64)),
    "vault": _sec(lambda r, a: "hv" + "s." + "CAESI" + chars(r, B64URL, 90)),
    "ops": _sec(lambda r, a: "op" + "s_" + "eyJzaWduSW5BZGRyZXNzIjoi" + chars(r, B64URL, 300)),
    "bws": _sec(
        lambda r, a: (
            "0." + str(uuid.UUID(int=r.getrandbits(128))) + "." + chars(r, ALNUM, 30) + ":" + b64_of(r, 16)
        )
    ),
    "bwsession": _sec(lambda r, a: b64_of(r, 64)),
    "awssec": _sec(lambda r, a: chars(r, ALNUM + "+/", 40)),
    "b2key": _sec(lambda r, a: "K00" + chars(r, "0123456789", 1) + chars(r, ALNUM + "+/", 27)),
    "r2sec": _sec(lambda r, a: chars(r, HEX, 64)),
    "truenas": _sec(lambda r, a: str(r.randint(1, 40)) + "-" + chars(r, ALNUM, 64)),
    "gtoken": _sec(lambda r, a: "ya" + "29." + "a0A" + chars(r, B64URL, 150)),
    "grefresh": _sec(lambda r, a: "1" + "//0" + chars(r, B64URL, 100)),
    "gsecret": _sec(lambda r, a: "GOC" + "SPX-" + chars(r, B64URL, 28)),
    "totp": _sec(lambda r, a: chars(r, B32, _n(a, 32))),
    "teleport": _sec(lambda r, a: chars(r, HEX, 32)),
    "slackhook": _sec(lambda r, a: chars(r, ALNUM, 24)),
    "ghp": _sec(lambda r, a: "gh" + "p_" + chars(r, ALNUM, 36)),
    "authentik": _sec(lambda r, a: chars(r, ALNUM, 60)),
    "djkey": _sec(lambda r, a: chars(r, string.ascii_lowercase + string.digits + "!@#%^&*(-_=+)", 50)),
    "pem": _pem,
    "pemj": _pemj,
    "jwt": _jwt,
    "keytab": _keytab,
    "obscured": _rclone_obscured,
    "recovery": _recovery,
    # not secrets
    "uuid": _pub(lambda r, a: str(uuid.UUID(int=r.getrandbits(128), version=4))),
    "nhex": _pub(lambda r, a: chars(r, HEX, _n(a, 40))),
    "nalnum": _pub(lambda r, a: chars(r, ALNUM, _n(a, 32))),
    "nlalnum": _pub(lambda r, a: chars(r, LOWER_ALNUM, _n(a, 20))),
    "nb64": _pub(lambda r, a: b64_of(r, _n(a, 32))),
    "nb64url": _pub(lambda r, a: b64_of(r, _n(a, 32), urlsafe=True, pad=False)),
    "num": _pub(lambda r, a: str(r.randint(10 ** (_n(a, 6) - 1), 10 ** _n(a, 6) - 1))),
    "akid": _pub(lambda r, a: "AK" + "IA" + chars(r, string.ascii_uppercase + "234567", 16)),
    "b2id": _pub(
        lambda r, a: "00" + chars(r, HEX, 11) + "00000000" + chars(r, "0123456789", 2) + chars(r, HEX, 2)
    ),
    "oktaid": _pub(lambda r, a: (a[0] if a else "0oa") + chars(r, ALNUM, 17)),
    "sshpub": _pub(_sshpub),
    "sshcert": _pub(_sshcert),
    "fp": _pub(lambda r, a: "SHA256:" + chars(r, B64, 43)),
    "md5fp": _pub(lambda r, a: ":".join(chars(r, HEX, 2) for _ in range(16))),
    "thumb": _pub(lambda r, a: chars(r, "0123456789ABCDEF", 40)),
    "cert": _cert,
    "certbody": _certbody,
    "pubpem": _pubpem,
    "jwe": _jwe,
    "jwkn": _pub(lambda r, a: chars(r, B64URL, 342)),
    "jwkxy": _pub(lambda r, a: chars(r, B64URL, 43)),
    "sha256": _pub(lambda r, a: chars(r, HEX, 64)),
    "snap": _pub(lambda r, a: chars(r, HEX, 8)),
    "bcrypt": _pub(lambda r, a: "$2" + "b$12$" + chars(r, ALNUM + "./", 53)),
    "ssha": _pub(lambda r, a: "{SSHA}" + b64_of(r, 24)),
    "pbkdf2": _pub(
        lambda r, a: "$pbkdf2-sha512$310000$" + b64_of(r, 16, pad=False) + "$" + b64_of(r, 64, pad=False)
    ),
    "argon2": _pub(
        lambda r, a: (
            "$argon2id$v=19$m=65536,t=3,p=4$" + b64_of(r, 16, pad=False) + "$" + b64_of(r, 32, pad=False)
        )
    ),
    "sopsenc": _pub(
        lambda r, a: (
            "ENC[AES256_GCM,data:"
            + b64_of(r, r.randint(12, 40))
            + ",iv:"
            + b64_of(r, 32)
            + ",tag:"
            + b64_of(r, 16)
            + ",type:str]"
        )
    ),
    "vaultenc": _pub(lambda r, a: "\n".join(chars(r, HEX, 80) for _ in range(5))),
    "age": _pub(lambda r, a: "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOS" + chars(r, B64, 200)),
    "masked": _pub(lambda r, a: "*" * _n(a, 8) + chars(r, ALNUM, 4)),
    "user": _pub(lambda r, a: r.choice(FIRST) + "." + r.choice(LAST)),
    "uname": _pub(lambda r, a: r.choice(FIRST) + r.choice(["", "_adm", "-svc", ""])),
    "email": _pub(lambda r, a: r.choice(FIRST) + "." + r.choice(LAST) + "@" + r.choice(DOMAINS)),
    "host": _pub(lambda r, a: r.choice(HOSTS) + "." + r.choice(DOMAINS)),
    "dom": _pub(lambda r, a: r.choice(DOMAINS)),
    "ip": _pub(lambda r, a: f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"),
    "port": _pub(lambda r, a: str(r.choice([22, 443, 636, 873, 5432, 8000, 8200, 9000, 3306, 2222]))),
    "word": _pub(lambda r, a: r.choice(WORDS)),
    "date": _pub(lambda r, a: f"2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"),
    "ts": _pub(
        lambda r, a: (
            f"2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}Z"
        )
    ),
    "time": _pub(lambda r, a: f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"),
    "size": _pub(
        lambda r, a: f"{r.randint(1, 999)}.{r.randint(0, 999):03d} {r.choice(['MiB', 'GiB', 'KiB'])}"
    ),
    "b2fileid": _pub(
        lambda r, a: (
            "4_z"
            + chars(r, HEX, 24)
            + "_f"
            + chars(r, HEX, 15)
            + "_d20260101_m021500_c004_v0402007_t"
            + chars(r, "0123456789", 4)
            + "_u01735689300000"
        )
    ),
    "awsexample": _pub(lambda r, a: "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"),
    "akidexample": _pub(lambda r, a: "AK" + "IAIOSFODNN7" + "EXAMPLE"),
    "totpexample": _pub(lambda r, a: "JBSWY3DP" + "EHPK3PXP"),
    "shadow": _pub(lambda r, a: "$6$" + chars(r, ALNUM + "./", 16) + "$" + chars(r, ALNUM + "./", 86)),
    "htpasswd": _pub(lambda r, a: "$2" + "y$05$" + chars(r, ALNUM + "./", 53)),
    "sshab64": _pub(lambda r, a: base64.b64encode(("{SSHA}" + b64_of(r, 24)).encode()).decode()),
    "knownhash": _pub(lambda r, a: "|1|" + b64_of(r, 20) + "|" + b64_of(r, 20)),
    "sealed": _pub(lambda r, a: "AgB" + chars(r, B64, 600) + "=="),
    "walgname": _pub(lambda r, a: "base_" + chars(r, "0123456789ABCDEF", 24)),
    "kopiaid": _pub(lambda r, a: "k" + chars(r, HEX, 32)),
    "int": _pub(lambda r, a: str(r.randint(int(a[0]), int(a[1]))) if a else str(r.randint(1, 9999))),
}

PLACEHOLDER = re.compile(r"\{\{([SN]\d+)(?::([a-z0-9]+)(?:\(([^)]*)\))?)?\}\}")


def render(template: str, rng: random.Random) -> tuple[str, list[str]]:
    """The template with its placeholders filled, and the secrets planted in it (in order)."""
    values: dict[str, str] = {}
    secrets: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name, gen, args = match.group(1), match.group(2), match.group(3)
        if name in values:
            return values[name]
        if gen is None:
            raise ValueError(f"{name} used before it is defined in {template[:60]!r}")
        text, secret = GENERATORS[gen](rng, [a.strip() for a in args.split(",")] if args else [])
        values[name] = text
        if name.startswith("S"):
            if not secret:
                raise ValueError(f"{name}:{gen} is not a secret generator")
            secrets.append(secret)
        elif secret:
            raise ValueError(f"{name}:{gen} is a secret generator")
        return text

    return PLACEHOLDER.sub(fill, template), secrets


# --- templates with secrets ---------------------------------------------------------------------

SECRET_TEMPLATES: list[tuple[str, str, str]] = [
    # ---- Okta
    (
        "shell",
        "okta api token in curl header",
        r"""curl -s -H "Accept: application/json" \
  -H "Authorization: SSWS {{S1:okta}}" \
  "https://{{N1:word}}.okta.com/api/v1/users?filter=status%20eq%20%22ACTIVE%22&limit=200" | jq '.[].profile.login'""",
    ),
    (
        "shell",
        "okta api token in env",
        r"""export OKTA_ORG_URL=https://{{N1:word}}-admin.okta.com
export OKTA_API_TOKEN={{S1:okta}}
okta-cli apps list --status ACTIVE""",
    ),
    (
        "yaml",
        "okta terraform provider vars",
        r"""# terraform.tfvars.yaml (rendered by our wrapper)
okta:
  org_name: {{N1:word}}
  base_url: okta.com
  api_token: "{{S1:okta}}"
  client_id: {{N2:oktaid}}""",
    ),
    (
        "source",
        "okta sdk client config in python",
        r"""from okta.client import Client as OktaClient

config = {
    "orgUrl": "https://{{N1:word}}.okta.com",
    "token": "{{S1:okta}}",
}
okta_client = OktaClient(config)""",
    ),
    (
        "yaml",
        "okta.yaml client secret",
        r"""okta:
  client:
    orgUrl: "https://{{N1:word}}.oktapreview.com"
    token: {{S1:okta}}
  oauth2:
    issuer: https://{{N1}}.oktapreview.com/oauth2/default
    clientId: {{N2:oktaid}}
    clientSecret: {{S2:b64url(30)}}""",
    ),
    (
        "json",
        "okta oidc app create response with client secret",
        r"""{
  "id": "{{N1:oktaid}}",
  "name": "oidc_client",
  "label": "Backup Portal",
  "status": "ACTIVE",
  "credentials": {
    "oauthClient": {
      "autoKeyRotation": true,
      "client_id": "{{N1}}",
      "client_secret": "{{S1:b64url(48)}}",
      "token_endpoint_auth_method": "client_secret_basic"
    }
  }
}""",
    ),
    (
        "plain",
        "okta api token in handover note",
        r"""Okta admin token for the SCIM sync job (created by {{N1:user}}, read-only admin role):
{{S1:okta}}
Rotate before {{N2:date}}.""",
    ),
    (
        "shell",
        "okta scim bearer token test",
        r"""$ curl -sS https://scim.{{N1:dom}}/scim/v2/Users?count=1 \
    -H 'Authorization: Bearer {{S1:alnum(40)}}' -H 'Content-Type: application/scim+json'
{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":412,"Resources":[]}""",
    ),
    # ---- Auth0
    (
        "shell",
        "auth0 client credentials grant",
        r"""curl --request POST \
  --url https://{{N1:word}}.eu.auth0.com/oauth/token \
  --header 'content-type: application/json' \
  --data '{"client_id":"{{N2:nalnum(32)}}","client_secret":"{{S1:auth0}}","audience":"https://{{N1}}.eu.auth0.com/api/v2/","grant_type":"client_credentials"}'""",
    ),
    (
        "json",
        "auth0 management token response",
        r"""{"access_token":"{{S1:jwt}}","scope":"read:users update:users","expires_in":86400,"token_type":"Bearer"}""",
    ),
    (
        "shell",
        "auth0 env file",
        r"""# .env.local
AUTH0_SECRET='{{S1:hex(64)}}'
AUTH0_BASE_URL='http://localhost:3000'
AUTH0_ISSUER_BASE_URL='https://{{N1:word}}.us.auth0.com'
AUTH0_CLIENT_ID='{{N2:nalnum(32)}}'
AUTH0_CLIENT_SECRET='{{S2:auth0}}'""",
    ),
    (
        "yaml",
        "auth0 deploy cli config",
        r"""# config.json for a0deploy, converted to yaml by the pipeline
AUTH0_DOMAIN: {{N1:word}}.auth0.com
AUTH0_CLIENT_ID: {{N2:nalnum(32)}}
AUTH0_CLIENT_SECRET: {{S1:auth0}}
AUTH0_ALLOW_DELETE: false
AUTH0_KEYWORD_REPLACE_MAPPINGS:
  ENV: prod""",
    ),
    (
        "source",
        "auth0 management client in node",
        r"""const { ManagementClient } = require('auth0');

const management = new ManagementClient({
  domain: '{{N1:word}}.auth0.com',
  clientId: '{{N2:nalnum(32)}}',
  clientSecret: '{{S1:auth0}}',
});""",
    ),
    (
        "plain",
        "auth0 management token pasted in chat",
        r"""[{{N1:time}}] {{N2:uname}}: the deploy is failing with 401 on /api/v2/users, here's the token it uses
[{{N1}}] {{N2}}: {{S1:jwt}}
[{{N3:time}}] agent: That token has expired (exp is in the past); I'll fetch a fresh one with the client credentials flow.""",
    ),
    # ---- Keycloak
    (
        "json",
        "keycloak realm export client secret",
        r"""{
  "realm": "{{N1:word}}",
  "enabled": true,
  "clients": [
    {
      "clientId": "backup-portal",
      "id": "{{N2:uuid}}",
      "enabled": true,
      "clientAuthenticatorType": "client-secret",
      "secret": "{{S1:alnum(32)}}",
      "redirectUris": ["https://backup.{{N3:dom}}/oauth2/callback"],
      "publicClient": false
    }
  ]
}""",
    ),
    (
        "shell",
        "kcadm login password",
        r"""/opt/keycloak/bin/kcadm.sh config credentials --server http://localhost:8080 \
  --realm master --user admin --password '{{S1:pw}}'
/opt/keycloak/bin/kcadm.sh get realms/{{N1:word}}/clients -q clientId=grafana --fields id,clientId""",
    ),
    (
        "shell",
        "kcadm create client with secret",
        r"""kcadm.sh create clients -r {{N1:word}} -s clientId=oauth2-proxy -s enabled=true \
  -s clientAuthenticatorType=client-secret -s secret={{S1:alnum(32)}} \
  -s 'redirectUris=["https://*.{{N2:dom}}/oauth2/callback"]'""",
    ),
    (
        "shell",
        "keycloak bootstrap admin in compose env",
        r"""KC_BOOTSTRAP_ADMIN_USERNAME=admin
KC_BOOTSTRAP_ADMIN_PASSWORD={{S1:pw}}
KC_DB=postgres
KC_DB_URL=jdbc:postgresql://{{N1:host}}:5432/keycloak
KC_DB_USERNAME=keycloak
KC_DB_PASSWORD={{S2:pw}}
KC_HOSTNAME=https://sso.{{N2:dom}}""",
    ),
    (
        "yaml",
        "keycloak helm values admin password",
        r"""auth:
  adminUser: admin
  adminPassword: "{{S1:pw}}"
postgresql:
  enabled: true
  auth:
    username: bn_keycloak
    password: {{S2:pw}}
    database: bitnami_keycloak""",
    ),
    (
        "json",
        "keycloak realm export rsa key provider",
        r"""{
  "id": "{{N1:uuid}}",
  "name": "rsa-generated",
  "providerId": "rsa-generated",
  "subComponents": {},
  "config": {
    "privateKey": ["{{S1:b64(900)}}"],
    "certificate": ["{{N2:certbody}}"],
    "priority": ["100"],
    "keyUse": ["SIG"]
  }
}""",
    ),
    (
        "json",
        "keycloak token endpoint response",
        r"""{"access_token":"{{S1:jwt}}","expires_in":300,"refresh_expires_in":1800,"refresh_token":"{{S2:jwt}}","token_type":"Bearer","not-before-policy":0,"session_state":"{{N1:uuid}}","scope":"profile email"}""",
    ),
    (
        "shell",
        "keycloak direct grant with password",
        r"""curl -s -X POST "https://sso.{{N1:dom}}/realms/{{N2:word}}/protocol/openid-connect/token" \
  -d grant_type=password -d client_id=admin-cli \
  -d username={{N3:uname}} -d 'password={{S1:pw}}' | jq -r .access_token""",
    ),
    (
        "yaml",
        "keycloak ldap federation bind credential",
        r"""# keycloak-config-cli realm import
components:
  org.keycloak.storage.UserStorageProvider:
    - name: corp-ad
      providerId: ldap
      config:
        connectionUrl: ["ldaps://{{N1:host}}:636"]
        bindDn: ["CN=svc-keycloak,OU=Service Accounts,DC=corp,DC=example,DC=net"]
        bindCredential: ["{{S1:pw}}"]
        usersDn: ["OU=Staff,DC=corp,DC=example,DC=net"]
        vendor: ["ad"]""",
    ),
    # ---- Entra / Azure AD
    (
        "shell",
        "entra client secret az ad app credential reset output",
        r"""$ az ad app credential reset --id {{N1:uuid}} --display-name backup-sync --years 1
{
  "appId": "{{N1}}",
  "password": "{{S1:entra}}",
  "tenant": "{{N2:uuid}}"
}""",
    ),
    (
        "shell",
        "entra client secret in env",
        r"""export AZURE_TENANT_ID={{N1:uuid}}
export AZURE_CLIENT_ID={{N2:uuid}}
export AZURE_CLIENT_SECRET='{{S1:entra}}'
python sync_groups.py --dry-run""",
    ),
    (
        "yaml",
        "entra oidc client in app config",
        r"""authentication:
  provider: azuread
  azuread:
    tenant_id: {{N1:uuid}}
    client_id: {{N2:uuid}}
    client_secret: {{S1:entra}}
    allowed_groups:
      - {{N3:uuid}}""",
    ),
    (
        "source",
        "msal confidential client in python",
        r"""import msal

app = msal.ConfidentialClientApplication(
    client_id="{{N1:uuid}}",
    client_credential="{{S1:entra}}",
    authority="https://login.microsoftonline.com/{{N2:uuid}}",
)
result = app.acquire_token_for_client(scopes=["https://graph.microsoft.com/.default"])""",
    ),
    (
        "json",
        "entra graph addPassword response",
        r"""{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.passwordCredential",
  "customKeyIdentifier": null,
  "displayName": "scim-connector",
  "endDateTime": "{{N1:ts}}",
  "hint": "{{N2:nalnum(3)}}",
  "keyId": "{{N3:uuid}}",
  "secretText": "{{S1:entra}}",
  "startDateTime": "{{N4:ts}}"
}""",
    ),
    (
        "source",
        "entra client secret in appsettings",
        r"""{
  "AzureAd": {
    "Instance": "https://login.microsoftonline.com/",
    "Domain": "{{N1:word}}.onmicrosoft.com",
    "TenantId": "{{N2:uuid}}",
    "ClientId": "{{N3:uuid}}",
    "ClientSecret": "{{S1:entra}}",
    "CallbackPath": "/signin-oidc"
  }
}""",
    ),
    (
        "plain",
        "entra secret in ticket",
        r"""Ticket IT-{{N1:num(5)}}: App registration "Veeam M365 backup" recreated.
Application (client) ID: {{N2:uuid}}
Directory (tenant) ID: {{N3:uuid}}
Client secret value: {{S1:entra}}
Secret ID: {{N4:uuid}} (expires in 180 days)""",
    ),
    (
        "shell",
        "entra provisioning scim secret token",
        r"""# Enterprise app > Provisioning > Admin credentials
TENANT_URL="https://scim.{{N1:dom}}/scim/v2"
SECRET_TOKEN="{{S1:b64url(48)}}"
curl -s -H "Authorization: Bearer $SECRET_TOKEN" "$TENANT_URL/ServiceProviderConfig" | jq .""",
    ),
    (
        "shell",
        "azure storage key for backup container",
        r"""az storage blob upload-batch --account-name {{N1:nlalnum(12)}} \
  --account-key '{{S1:b64(64)}}' \
  -d nightly -s /var/backups/pg --overwrite""",
    ),
    (
        "url",
        "azure sas url for backup upload",
        r"""https://{{N1:nlalnum(12)}}.blob.core.windows.net/backups/pg/{{N2:date}}.dump?sv=2022-11-02&ss=b&srt=co&sp=rwlac&se=2026-12-31T23:59:59Z&st=2026-01-01T00:00:00Z&spr=https&sig={{S1:b64(32)}}""",
    ),
    # ---- Google Workspace service accounts
    (
        "json",
        "google service account key file",
        r"""{
  "type": "service_account",
  "project_id": "{{N1:word}}-admin-{{N2:num(4)}}",
  "private_key_id": "{{N3:nhex(40)}}",
  "private_key": "{{S1:pemj}}",
  "client_email": "gam-project@{{N1}}-admin-{{N2}}.iam.gserviceaccount.com",
  "client_id": "{{N4:num(21)}}",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "universe_domain": "googleapis.com"
}""",
    ),
    (
        "source",
        "google domain-wide delegation in python with inline key",
        r"""from google.oauth2 import service_account

INFO = {
    "type": "service_account",
    "client_email": "dwd-sync@{{N1:word}}-it.iam.gserviceaccount.com",
    "private_key": "{{S1:pemj}}",
    "token_uri": "https://oauth2.googleapis.com/token",
}
creds = service_account.Credentials.from_service_account_info(
    INFO, scopes=["https://www.googleapis.com/auth/admin.directory.user.readonly"]
).with_subject("{{N2:email}}")""",
    ),
    (
        "shell",
        "google oauth client secret for gam",
        r"""$ cat ~/.gam/client_secrets.json
{"installed":{"client_id":"{{N1:num(12)}}-{{N2:nlalnum(32)}}.apps.googleusercontent.com","project_id":"gam-project-{{N3:nlalnum(5)}}","auth_uri":"https://accounts.google.com/o/oauth2/auth","token_uri":"https://oauth2.googleapis.com/token","client_secret":"{{S1:gsecret}}","redirect_uris":["http://localhost"]}}""",
    ),
    (
        "json",
        "gam oauth2.txt tokens",
        r"""{"access_token": "{{S1:gtoken}}", "client_id": "{{N1:num(12)}}-{{N2:nlalnum(32)}}.apps.googleusercontent.com", "client_secret": "{{S2:gsecret}}", "refresh_token": "{{S3:grefresh}}", "token_expiry": "{{N3:ts}}", "token_uri": "https://oauth2.googleapis.com/token", "scopes": ["https://www.googleapis.com/auth/admin.directory.group"]}""",
    ),
    (
        "yaml",
        "google service account key in k8s secret stringData",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: gws-directory-sync
type: Opaque
stringData:
  credentials.json: |
    {"type": "service_account", "client_email": "dir-sync@{{N1:word}}.iam.gserviceaccount.com", "private_key_id": "{{N2:nhex(40)}}", "private_key": "{{S1:pemj}}"}""",
    ),
    # ---- LDAP / AD
    (
        "shell",
        "ldapsearch bind password on command line",
        r"""ldapsearch -H ldaps://{{N1:host}} -x -D "cn=svc-backup,ou=services,dc=corp,dc=example,dc=net" \
  -w '{{S1:pw}}' -b "ou=people,dc=corp,dc=example,dc=net" "(memberOf=cn=nas-users,ou=groups,dc=corp,dc=example,dc=net)" uid mail""",
    ),
    (
        "shell",
        "ldapmodify admin bind password",
        r"""$ ldapmodify -x -H ldap://{{N1:host}} -D cn=admin,dc=example,dc=com -w {{S1:pw}} -f add-group.ldif
modifying entry "cn=backup-operators,ou=groups,dc=example,dc=com"
""",
    ),
    (
        "shell",
        "ldap.conf bindpw",
        r"""# /etc/ldap.conf (nss_ldap / pam_ldap)
base dc=corp,dc=example,dc=net
uri ldaps://{{N1:host}}/ ldaps://{{N2:host}}/
binddn cn=nss-proxy,ou=services,dc=corp,dc=example,dc=net
bindpw {{S1:pw}}
ssl on
tls_cacertfile /etc/ssl/certs/corp-ca.pem""",
    ),
    (
        "shell",
        "sssd ldap default authtok",
        r"""[domain/corp.example.net]
id_provider = ldap
auth_provider = ldap
ldap_uri = ldaps://{{N1:host}}
ldap_search_base = dc=corp,dc=example,dc=net
ldap_default_bind_dn = cn=sssd,ou=services,dc=corp,dc=example,dc=net
ldap_default_authtok_type = password
ldap_default_authtok = {{S1:pw}}
cache_credentials = True""",
    ),
    (
        "shell",
        "sssd obfuscated authtok",
        r"""ldap_default_bind_dn = uid=sssd-bind,cn=sysaccounts,cn=etc,dc=ipa,dc=example
ldap_default_authtok_type = obfuscated_password
ldap_default_authtok = {{S1:b64(64)}}""",
    ),
    (
        "plain",
        "ldif userPassword plaintext base64",
        r"""dn: uid={{N1:uname}},ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: {{N1}}
cn: {{N2:user}}
mail: {{N3:email}}
userPassword:: {{S1:b64pw}}""",
    ),
    (
        "plain",
        "ldif userPassword cleartext",
        r"""dn: cn=svc-restic,ou=services,dc=example,dc=com
changetype: add
objectClass: simpleSecurityObject
objectClass: organizationalRole
cn: svc-restic
description: bind account for the backup host
userPassword: {{S1:pw}}""",
    ),
    (
        "source",
        "ldap3 python bind",
        r"""from ldap3 import Server, Connection, ALL

server = Server("ldaps://{{N1:host}}", get_info=ALL)
conn = Connection(server, user="CORP\\svc-sync", password="{{S1:pw}}", auto_bind=True)
conn.search("dc=corp,dc=example,dc=net", "(objectClass=person)", attributes=["sAMAccountName"])""",
    ),
    (
        "shell",
        "powershell ad credential",
        r"""$secure = ConvertTo-SecureString '{{S1:pw}}' -AsPlainText -Force
$cred = New-Object System.Management.Automation.PSCredential ('CORP\svc-backup', $secure)
Get-ADUser -Filter 'Enabled -eq $true' -Server {{N1:host}} -Credential $cred | Measure-Object""",
    ),
    (
        "shell",
        "net ads join with password",
        r"""sudo net ads join -U 'Administrator%{{S1:pw}}' -S {{N1:host}}
Using short domain name -- CORP
Joined 'FILES01' to dns domain 'corp.example.net'""",
    ),
    (
        "shell",
        "realm join password via stdin",
        r"""echo '{{S1:pw}}' | sudo realm join --user=svc-join corp.example.net
sudo realm list | grep -E 'domain-name|configured'""",
    ),
    (
        "yaml",
        "ansible ldap bind password",
        r"""ldap_server_uri: ldaps://{{N1:host}}
ldap_bind_dn: "cn=ansible,ou=services,dc=example,dc=com"
ldap_bind_pw: "{{S1:pw}}"
ldap_base: dc=example,dc=com""",
    ),
    (
        "source",
        "gitlab ldap config password",
        r"""gitlab_rails['ldap_servers'] = YAML.load <<-'EOS'
  main:
    label: 'Corp AD'
    host: '{{N1:host}}'
    port: 636
    uid: 'sAMAccountName'
    bind_dn: 'CN=svc-gitlab,OU=Service,DC=corp,DC=example,DC=net'
    password: '{{S1:pw}}'
    encryption: 'simple_tls'
EOS""",
    ),
    # ---- SAML
    (
        "plain",
        "saml sp signing private key",
        r"""$ cat /etc/shibboleth/sp-signing-key.pem
{{S1:pem(PKCS8)}}""",
    ),
    (
        "yaml",
        "saml idp signing key in helm values",
        r"""saml:
  entityId: https://sso.{{N1:dom}}/saml/metadata
  signingCert: |
    {{N2:cert(4)}}
  signingKey: |
    {{S1:pem(RSA,4)}}""",
    ),
    (
        "source",
        "python3-saml settings private key",
        r"""SAML_SETTINGS = {
    "strict": True,
    "sp": {
        "entityId": "https://apps.{{N1:dom}}/saml/metadata/",
        "assertionConsumerService": {"url": "https://apps.{{N1}}/saml/acs/"},
        "x509cert": "{{N2:certbody}}",
        "privateKey": "{{S1:b64(800)}}",
    },
}""",
    ),
    # ---- oauth2-proxy
    (
        "shell",
        "oauth2-proxy flags with secrets",
        r"""oauth2-proxy --provider=oidc \
  --oidc-issuer-url=https://sso.{{N1:dom}}/realms/ops \
  --client-id=oauth2-proxy \
  --client-secret={{S1:alnum(32)}} \
  --cookie-secret={{S2:b64url(32)}} \
  --email-domain=* --upstream=http://127.0.0.1:9000""",
    ),
    (
        "shell",
        "oauth2-proxy cfg file",
        r"""## oauth2-proxy.cfg
http_address = "0.0.0.0:4180"
provider = "keycloak-oidc"
oidc_issuer_url = "https://sso.{{N1:dom}}/realms/corp"
client_id = "minio-console"
client_secret = "{{S1:alnum(32)}}"
cookie_secret = "{{S2:b64url(32)}}"
cookie_secure = true
email_domains = ["{{N1}}"]""",
    ),
    (
        "yaml",
        "oauth2-proxy helm values",
        r"""config:
  clientID: "{{N1:uuid}}"
  clientSecret: "{{S1:entra}}"
  cookieSecret: "{{S2:b64(32)}}"
  configFile: |-
    provider = "azure"
    azure_tenant = "{{N2:uuid}}"
    email_domains = [ "*" ]""",
    ),
    (
        "shell",
        "oauth2-proxy env vars",
        r"""OAUTH2_PROXY_CLIENT_ID=restic-browser
OAUTH2_PROXY_CLIENT_SECRET={{S1:alnum(40)}}
OAUTH2_PROXY_COOKIE_SECRET={{S2:b64url(32)}}
OAUTH2_PROXY_REDIS_PASSWORD={{S3:pw}}""",
    ),
    # ---- Dex
    (
        "yaml",
        "dex static client secret",
        r"""issuer: https://dex.{{N1:dom}}/dex
storage:
  type: kubernetes
  config:
    inCluster: true
staticClients:
- id: argo-cd
  name: Argo CD
  redirectURIs:
  - https://argocd.{{N1}}/auth/callback
  secret: {{S1:b64url(24)}}""",
    ),
    (
        "yaml",
        "dex ldap connector bindPW",
        r"""connectors:
- type: ldap
  id: ldap
  name: Corp LDAP
  config:
    host: {{N1:host}}:636
    bindDN: uid=dex,cn=sysaccounts,cn=etc,dc=example,dc=com
    bindPW: {{S1:pw}}
    userSearch:
      baseDN: cn=users,cn=accounts,dc=example,dc=com
      username: uid""",
    ),
    (
        "yaml",
        "dex github connector secret",
        r"""connectors:
- type: github
  id: github
  name: GitHub
  config:
    clientID: {{N1:nhex(20)}}
    clientSecret: {{S1:hex(40)}}
    redirectURI: https://dex.{{N2:dom}}/dex/callback
    orgs:
    - name: {{N3:word}}-ops""",
    ),
    # ---- Authelia
    (
        "yaml",
        "authelia secrets in configuration.yml",
        r"""identity_validation:
  reset_password:
    jwt_secret: '{{S1:alnum(64)}}'
session:
  secret: '{{S2:alnum(64)}}'
  cookies:
    - domain: '{{N1:dom}}'
      authelia_url: 'https://auth.{{N1}}'
storage:
  encryption_key: '{{S3:alnum(64)}}'
  postgres:
    address: 'tcp://{{N2:host}}:5432'
    database: 'authelia'
    username: 'authelia'
    password: '{{S4:pw}}'""",
    ),
    (
        "yaml",
        "authelia ldap backend password",
        r"""authentication_backend:
  ldap:
    address: 'ldaps://{{N1:host}}'
    implementation: 'activedirectory'
    base_dn: 'DC=corp,DC=example,DC=net'
    user: 'CN=authelia,OU=Service,DC=corp,DC=example,DC=net'
    password: '{{S1:pw}}'""",
    ),
    (
        "yaml",
        "authelia oidc hmac secret and issuer key",
        r"""identity_providers:
  oidc:
    hmac_secret: '{{S1:alnum(64)}}'
    jwks:
      - key_id: 'main'
        algorithm: 'RS256'
        key: |
          {{S2:pem(RSA,10)}}""",
    ),
    (
        "yaml",
        "authelia smtp notifier password",
        r"""notifier:
  smtp:
    address: 'submission://smtp.{{N1:dom}}:587'
    username: 'authelia@{{N1}}'
    password: '{{S1:pw}}'
    sender: 'Authelia <authelia@{{N1}}>'""",
    ),
    # ---- Authentik
    (
        "shell",
        "authentik env secret key and bootstrap",
        r"""PG_PASS={{S1:pw}}
AUTHENTIK_SECRET_KEY={{S2:b64(45)}}
AUTHENTIK_BOOTSTRAP_PASSWORD={{S3:pw}}
AUTHENTIK_BOOTSTRAP_TOKEN={{S4:authentik}}
AUTHENTIK_EMAIL__PASSWORD={{S5:pw}}
AUTHENTIK_ERROR_REPORTING__ENABLED=false""",
    ),
    (
        "shell",
        "authentik api token curl",
        r"""curl -s -H "Authorization: Bearer {{S1:authentik}}" \
  https://authentik.{{N1:dom}}/api/v3/core/users/?page_size=5 | jq '.results[].username'""",
    ),
    (
        "yaml",
        "authentik blueprint oauth provider secret",
        r"""version: 1
entries:
  - model: authentik_providers_oauth2.oauth2provider
    identifiers:
      name: nextcloud
    attrs:
      client_type: confidential
      client_id: {{N1:nalnum(40)}}
      client_secret: {{S1:alnum(128)}}
      authorization_flow: !Find [authentik_flows.flow, [slug, default-provider-authorization-implicit-consent]]""",
    ),
    # ---- Pomerium
    (
        "yaml",
        "pomerium config secrets",
        r"""authenticate_service_url: https://authenticate.{{N1:dom}}
shared_secret: {{S1:b64(32)}}
cookie_secret: {{S2:b64(32)}}
idp_provider: google
idp_client_id: {{N2:num(12)}}-{{N3:nlalnum(32)}}.apps.googleusercontent.com
idp_client_secret: {{S3:gsecret}}
routes:
  - from: https://restic.{{N1}}
    to: http://restic-server:8000""",
    ),
    (
        "shell",
        "pomerium signing key env",
        r"""export SIGNING_KEY="{{S1:b64(220)}}"
export SHARED_SECRET="{{S2:b64(32)}}"
docker compose up -d pomerium""",
    ),
    # ---- SCIM
    (
        "yaml",
        "scim bridge token in values",
        r"""scim:
  enabled: true
  baseUrl: https://scim.{{N1:dom}}/scim/v2
  bearerToken: {{S1:b64url(64)}}
  provisioning:
    deactivateOnRemove: true""",
    ),
    (
        "json",
        "1password scim bridge bearer token",
        r"""{
  "bridgeUrl": "https://op-scim.{{N1:dom}}",
  "bearerToken": "{{S1:b64url(180)}}",
  "accountDomain": "{{N2:word}}.1password.com"
}""",
    ),
    (
        "source",
        "scim client in go with token literal",
        r"""req, _ := http.NewRequest("GET", "https://api.{{N1:dom}}/scim/v2/Groups", nil)
req.Header.Set("Authorization", "Bearer {{S1:alnum(48)}}")
req.Header.Set("Accept", "application/scim+json")
resp, err := http.DefaultClient.Do(req)""",
    ),
]
SECRET_TEMPLATES += [
    # ---- Kerberos
    (
        "shell",
        "kerberos keytab as base64 in env",
        r"""# CI variable KRB5_KEYTAB_B64 (file type was not allowed)
export KRB5_KEYTAB_B64='{{S1:keytab}}'
echo "$KRB5_KEYTAB_B64" | base64 -d > /tmp/svc.keytab
kinit -kt /tmp/svc.keytab svc-backup@CORP.EXAMPLE.NET""",
    ),
    (
        "yaml",
        "kerberos keytab in k8s secret data",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: hdfs-backup-keytab
  namespace: backup
type: Opaque
data:
  backup.keytab: {{S1:keytab}}""",
    ),
    (
        "shell",
        "kinit password piped",
        r"""echo '{{S1:pw}}' | kinit svc-nfs@CORP.EXAMPLE.NET
klist
Ticket cache: FILE:/tmp/krb5cc_0
Default principal: svc-nfs@CORP.EXAMPLE.NET""",
    ),
    (
        "shell",
        "ktutil addent password",
        r"""$ ktutil
ktutil:  addent -password -p HTTP/{{N1:host}}@CORP.EXAMPLE.NET -k 3 -e aes256-cts-hmac-sha1-96
Password for HTTP/{{N1}}@CORP.EXAMPLE.NET: {{S1:pw}}
ktutil:  wkt /etc/krb5.keytab
ktutil:  quit""",
    ),
    (
        "shell",
        "kadmin addprinc with password",
        r"""kadmin.local -q "addprinc -pw {{S1:pw}} backup/{{N1:host}}@EXAMPLE.COM"
kadmin.local -q "ktadd -k /etc/backup.keytab backup/{{N1}}@EXAMPLE.COM"
""",
    ),
    (
        "json",
        "keytab in vault kv read output",
        r"""{
  "request_id": "{{N1:uuid}}",
  "lease_duration": 2764800,
  "data": {
    "principal": "svc-sql@CORP.EXAMPLE.NET",
    "keytab": "{{S1:keytab}}",
    "kvno": 4
  }
}""",
    ),
    # ---- SSH keys, CAs, certificates
    (
        "plain",
        "openssh private key in cat output",
        r"""$ cat ~/.ssh/id_ed25519_backup
{{S1:pem(OSSH)}}
$ cat ~/.ssh/id_ed25519_backup.pub
{{N1:sshpub}} backup@{{N2:host}}""",
    ),
    (
        "plain",
        "ssh ca private key",
        r"""root@bastion:~# cat /etc/ssh/ca/user_ca
{{S1:pem(OSSH)}}
root@bastion:~# ssh-keygen -l -f /etc/ssh/ca/user_ca.pub
256 {{N1:fp}} user-ca@{{N2:dom}} (ED25519)""",
    ),
    (
        "yaml",
        "ssh deploy key in ansible vars",
        r"""borg_client_ssh_private_key: |
  {{S1:pem(OSSH,2)}}
borg_client_ssh_public_key: "{{N1:sshpub}} borg@{{N2:host}}"
""",
    ),
    (
        "yaml",
        "ssh private key in github actions secret step",
        r"""- name: Install SSH key for rsync target
  run: |
    mkdir -p ~/.ssh
    cat > ~/.ssh/id_rsa <<'EOF'
    {{S1:pem(RSA,4)}}
    EOF
    chmod 600 ~/.ssh/id_rsa""",
    ),
    (
        "shell",
        "ssh-keygen with passphrase",
        r"""ssh-keygen -t ed25519 -N '{{S1:phrase}}' -C "restic@{{N1:host}}" -f /root/.ssh/restic_sftp
ssh-keygen -p -P '{{S1}}' -N '{{S2:phrase}}' -f /root/.ssh/restic_sftp""",
    ),
    (
        "shell",
        "ssh-add passphrase via askpass",
        r"""cat > /usr/local/bin/askpass-backup <<'EOF'
#!/bin/sh
echo '{{S1:phrase}}'
EOF
chmod +x /usr/local/bin/askpass-backup
SSH_ASKPASS=/usr/local/bin/askpass-backup SSH_ASKPASS_REQUIRE=force ssh-add ~/.ssh/id_backup""",
    ),
    (
        "shell",
        "sshpass password in rsync",
        r"""sshpass -p '{{S1:pw}}' rsync -az --delete -e 'ssh -p 2222' /srv/www/ backup@{{N1:host}}:/volume1/web/""",
    ),
    (
        "shell",
        "step ca init password file contents",
        r"""$ echo '{{S1:pw}}' > /etc/step-ca/password.txt
$ step ca init --name "Corp Internal" --provisioner admin@{{N1:dom}} \
    --dns ca.{{N1}} --address :443 --password-file /etc/step-ca/password.txt""",
    ),
    (
        "shell",
        "step ca token with provisioner password",
        r"""step ca token {{N1:host}} --provisioner ops@{{N2:dom}} \
  --provisioner-password-file <(printf '%s' '{{S1:pw}}') --ca-url https://ca.{{N2}}""",
    ),
    (
        "json",
        "step ca.json db password and kms",
        r"""{
  "root": "/home/step/certs/root_ca.crt",
  "crt": "/home/step/certs/intermediate_ca.crt",
  "key": "/home/step/secrets/intermediate_ca_key",
  "db": {
    "type": "postgresql",
    "dataSource": "postgresql://step:{{S1:upw}}@{{N1:host}}:5432/stepca?sslmode=require"
  },
  "authority": {"provisioners": [{"type": "SSHPOP", "name": "sshpop"}]}
}""",
    ),
    (
        "shell",
        "step-ca docker init password",
        r"""docker run -d --name step-ca -v step:/home/step -p 9000:9000 \
  -e "DOCKER_STEPCA_INIT_NAME=Home Lab" \
  -e "DOCKER_STEPCA_INIT_DNS_NAMES=ca.{{N1:dom}},localhost" \
  -e "DOCKER_STEPCA_INIT_PASSWORD={{S1:pw}}" \
  smallstep/step-ca""",
    ),
    (
        "shell",
        "teleport join token",
        r"""$ tctl tokens add --type=node --ttl=1h
The invite token: {{S1:teleport}}
This token will expire in 60 minutes.

Run this on the new node to join the cluster:

> teleport start \
   --roles=node \
   --token={{S1}} \
   --ca-pin=sha256:{{N1:sha256}} \
   --auth-server={{N2:ip}}:3025""",
    ),
    (
        "yaml",
        "teleport node config join token",
        r"""version: v3
teleport:
  nodename: {{N1:host}}
  data_dir: /var/lib/teleport
  join_params:
    token_name: {{S1:teleport}}
    method: token
  proxy_server: teleport.{{N2:dom}}:443
ssh_service:
  enabled: "yes"
""",
    ),
    (
        "shell",
        "tsh login with password and otp in script",
        r"""# don't do this: the nightly export logs in as a human
tsh login --proxy=teleport.{{N1:dom}} --user={{N2:uname}} --auth=local <<EOF
{{S1:pw}}
EOF""",
    ),
    (
        "shell",
        "boundary password auth",
        r"""export BOUNDARY_ADDR=https://boundary.{{N1:dom}}:9200
export BOUNDARY_PASSWORD='{{S1:pw}}'
boundary authenticate password -auth-method-id ampw_{{N2:nalnum(10)}} -login-name admin -password env://BOUNDARY_PASSWORD""",
    ),
    (
        "shell",
        "boundary token in env",
        r"""BOUNDARY_TOKEN=at_{{N1:nalnum(10)}}_{{S1:b64url(90)}} boundary targets list -recursive -scope-id global""",
    ),
    (
        "shell",
        "vault token env and ssh sign",
        r"""export VAULT_ADDR=https://vault.{{N1:dom}}:8200
export VAULT_TOKEN={{S1:vault}}
vault write -field=signed_key ssh-client-signer/sign/ops public_key=@$HOME/.ssh/id_ed25519.pub > ~/.ssh/id_ed25519-cert.pub""",
    ),
    (
        "json",
        "vault approle login response",
        r"""{
  "auth": {
    "client_token": "{{S1:vault}}",
    "accessor": "{{N1:nalnum(24)}}",
    "policies": ["backup", "default"],
    "lease_duration": 3600,
    "renewable": true
  },
  "request_id": "{{N2:uuid}}"
}""",
    ),
    (
        "shell",
        "vault approle secret id",
        r"""$ vault write -f auth/approle/role/restic/secret-id
Key                   Value
---                   -----
secret_id             {{S1:suuid}}
secret_id_accessor    {{N1:uuid}}
secret_id_num_uses    0
secret_id_ttl         0s""",
    ),
    (
        "shell",
        "vault operator unseal keys",
        r"""Unseal Key 1: {{S1:b64(33)}}
Unseal Key 2: {{S2:b64(33)}}
Unseal Key 3: {{S3:b64(33)}}

Initial Root Token: {{S4:vault}}

Vault initialized with 5 key shares and a key threshold of 3.""",
    ),
    (
        "shell",
        "vault ssh otp credential",
        r"""$ vault write ssh/creds/otp_key_role ip={{N1:ip}}
Key                Value
---                -----
lease_id           ssh/creds/otp_key_role/{{N2:nalnum(24)}}
lease_duration     768h
lease_renewable    false
ip                 {{N1}}
key                {{S1:suuid}}
key_type           otp
port               22
username           ubuntu""",
    ),
    # ---- TOTP and recovery codes
    (
        "url",
        "otpauth uri with totp seed",
        r"""otpauth://totp/{{N1:word}}%20VPN:{{N2:email}}?secret={{S1:totp}}&issuer={{N1}}%20VPN&algorithm=SHA1&digits=6&period=30""",
    ),
    (
        "plain",
        "totp seed in shared admin note",
        r"""Break-glass admin for the NAS (DSM):
user: admin_{{N1:word}}
password: {{S1:pw}}
2FA secret (add to your authenticator): {{S2:totp}}""",
    ),
    (
        "source",
        "pyotp seed in test helper",
        r"""import pyotp

# shared MFA device for the backup-admin account
totp = pyotp.TOTP("{{S1:totp}}")
print(totp.now())""",
    ),
    (
        "plain",
        "recovery codes list",
        r"""Your {{N1:word}} recovery codes (each can be used once):

  {{S1:recovery(dash)}}    {{S2:recovery(dash)}}
  {{S3:recovery(dash)}}    {{S4:recovery(dash)}}
  {{S5:recovery(dash)}}    {{S6:recovery(dash)}}

Keep them somewhere safe.""",
    ),
    (
        "plain",
        "break glass recovery codes in runbook",
        r"""## Break-glass: Entra global admin
- Account: breakglass-01@{{N1:word}}.onmicrosoft.com
- Password (sealed envelope copy): {{S1:pw(20,24)}}
- FIDO key serial: {{N2:num(8)}}
- Backup codes: {{S2:recovery(groups)}}, {{S3:recovery(groups)}}""",
    ),
    (
        "json",
        "otp secret in freeipa otptoken show",
        r"""{"result": {"ipatokenuniqueid": ["{{N1:uuid}}"], "ipatokenotpkey": ["{{S1:totp(32)}}"], "ipatokenotpalgorithm": ["sha1"], "ipatokenotpdigits": ["6"], "type": ["TOTP"], "ipatokenowner": ["{{N2:uname}}"]}, "value": "{{N1}}"}""",
    ),
    (
        "yaml",
        "authelia totp seed in users db",
        r"""# seeded for the e2e test env only
users:
  {{N1:uname}}:
    displayname: "{{N2:user}}"
    password: "{{N3:argon2}}"
    email: {{N4:email}}
    totp_secret: {{S1:totp}}""",
    ),
    # ---- password managers
    (
        "shell",
        "1password service account token",
        r"""export OP_SERVICE_ACCOUNT_TOKEN={{S1:ops}}
op item get "restic repo (prod)" --vault Infra --fields label=password --reveal""",
    ),
    (
        "shell",
        "op item get reveal output",
        r"""$ op item get "LDAP bind svc-nextcloud" --vault Infra --reveal
ID:          {{N1:nlalnum(26)}}
Title:       LDAP bind svc-nextcloud
Vault:       Infra ({{N2:nlalnum(26)}})
Created:     3 months ago
Fields:
  username:    svc-nextcloud
  password:    {{S1:pw}}
  server:      ldaps://{{N3:host}}""",
    ),
    (
        "shell",
        "1password connect token",
        r"""export OP_CONNECT_HOST=http://op-connect.{{N1:dom}}:8080
export OP_CONNECT_TOKEN={{S1:jwt}}
curl -s -H "Authorization: Bearer $OP_CONNECT_TOKEN" "$OP_CONNECT_HOST/v1/vaults" | jq -r '.[].name'""",
    ),
    (
        "shell",
        "bitwarden session key",
        r"""$ bw unlock
? Master password: [hidden]
Your vault is now unlocked!

To unlock your vault, set your session key to the `BW_SESSION` environment variable. ex:
$ export BW_SESSION="{{S1:bwsession}}"
> $env:BW_SESSION="{{S1}}"
""",
    ),
    (
        "shell",
        "bitwarden api key env",
        r"""BW_CLIENTID=user.{{N1:uuid}}
BW_CLIENTSECRET={{S1:alnum(30)}}
BW_PASSWORD='{{S2:pw}}'
bw login --apikey && export BW_SESSION=$(bw unlock --passwordenv BW_PASSWORD --raw)""",
    ),
    (
        "shell",
        "bitwarden secrets manager access token",
        r"""export BWS_ACCESS_TOKEN={{S1:bws}}
bws secret list {{N1:uuid}} --output table""",
    ),
    (
        "json",
        "bw get item json",
        r"""{"object":"item","id":"{{N1:uuid}}","organizationId":"{{N2:uuid}}","folderId":null,"type":1,"name":"Synology DSM admin","notes":null,"favorite":false,"login":{"uris":[{"match":null,"uri":"https://{{N3:host}}:5001"}],"username":"dsm-admin","password":"{{S1:pw}}","totp":"{{S2:totp}}","passwordRevisionDate":null},"collectionIds":[],"revisionDate":"{{N4:ts}}"}""",
    ),
    (
        "shell",
        "keepassxc-cli password on stdin",
        r"""echo '{{S1:phrase(space)}}' | keepassxc-cli show -s -a Password ~/vaults/infra.kdbx "Backups/B2 application key"
{{S2:b2key}}""",
    ),
    (
        "shell",
        "keepassxc-cli show output",
        r"""$ keepassxc-cli show -s infra.kdbx "Network/RADIUS shared secret"
Enter password to unlock infra.kdbx:
Title: RADIUS shared secret
UserName:
Password: {{S1:pw(24,32)}}
URL:
Notes: used by the Wi-Fi controllers and the VPN""",
    ),
    (
        "shell",
        "pass show output",
        r"""$ pass show infra/borg/{{N1:host}}
{{S1:phrase}}
repo: ssh://borg@{{N2:host}}/./{{N1}}
created: {{N3:date}}""",
    ),
    # ---- RADIUS / FreeIPA
    (
        "shell",
        "freeradius clients.conf secret",
        r"""client wifi-controller {
	ipaddr = {{N1:ip}}
	secret = {{S1:pw(20,28)}}
	shortname = unifi
	nas_type = other
}""",
    ),
    (
        "shell",
        "radtest with password and secret",
        r"""$ radtest {{N1:uname}} '{{S1:pw}}' {{N2:ip}} 0 '{{S2:pw(20,24)}}'
Sent Access-Request Id 117 from 0.0.0.0:43021 to {{N2}}:1812 length 77
Received Access-Accept Id 117 from {{N2}}:1812 to 0.0.0.0:43021 length 20""",
    ),
    (
        "shell",
        "freeradius ldap module password",
        r"""ldap {
	server = 'ldaps://{{N1:host}}'
	identity = 'uid=radius,cn=sysaccounts,cn=etc,dc=ipa,dc=example'
	password = {{S1:pw}}
	base_dn = 'cn=accounts,dc=ipa,dc=example'
}""",
    ),
    (
        "shell",
        "ipa-server-install passwords",
        r"""ipa-server-install -U --realm IPA.EXAMPLE --domain ipa.example \
  --ds-password '{{S1:pw}}' --admin-password '{{S2:pw}}' \
  --setup-dns --forwarder 1.1.1.1 --no-ntp""",
    ),
    (
        "shell",
        "ipa-client-install otp",
        r"""$ ipa host-add {{N1:host}} --random
---------------------------------
Added host "{{N1}}"
---------------------------------
  Host name: {{N1}}
  Random password: {{S1:alnum(24)}}
  Password: True
  Keytab: False
$ ipa-client-install --unattended --password '{{S1}}' --domain ipa.example""",
    ),
    (
        "shell",
        "kinit admin in ipa script",
        r"""#!/bin/bash
set -euo pipefail
echo "{{S1:pw}}" | kinit admin
ipa user-add backup-bot --first=Backup --last=Bot --shell=/sbin/nologin""",
    ),
    (
        "yaml",
        "freeipa ansible vars",
        r"""ipaadmin_password: {{S1:pw}}
ipadm_password: {{S2:pw}}
ipaserver_domain: ipa.{{N1:dom}}
ipaserver_realm: IPA.EXAMPLE""",
    ),
]
SECRET_TEMPLATES += [
    # ---- restic
    (
        "shell",
        "restic repo password in env",
        r"""export RESTIC_REPOSITORY=s3:https://s3.eu-central-1.amazonaws.com/{{N1:word}}-restic/{{N2:host}}
export RESTIC_PASSWORD='{{S1:phrase}}'
export AWS_ACCESS_KEY_ID={{N3:akid}}
export AWS_SECRET_ACCESS_KEY={{S2:awssec}}
restic backup --one-file-system --exclude-caches /etc /home /srv""",
    ),
    (
        "shell",
        "restic b2 credentials in env file",
        r"""# /etc/restic/b2.env  (sourced by restic-backup.service)
RESTIC_REPOSITORY="b2:{{N1:word}}-backups:/{{N2:host}}"
RESTIC_PASSWORD="{{S1:pw(20,28)}}"
B2_ACCOUNT_ID="{{N3:b2id}}"
B2_ACCOUNT_KEY="{{S2:b2key}}"
""",
    ),
    (
        "shell",
        "restic rest-server url with password",
        r"""restic -r rest:https://{{N1:uname}}:{{S1:upw}}@{{N2:host}}:8000/{{N1}}/ snapshots --compact""",
    ),
    (
        "url",
        "restic rest repository url",
        r"""rest:https://restic:{{S1:upw}}@{{N1:host}}:8000/{{N2:word}}/""",
    ),
    (
        "shell",
        "restic password file written by script",
        r"""install -m 0600 /dev/null /etc/restic/password
echo '{{S1:phrase}}' > /etc/restic/password
restic -r sftp:backup@{{N1:host}}:/srv/restic-repo init --password-file /etc/restic/password""",
    ),
    (
        "yaml",
        "resticprofile config",
        r"""version: "1"
default:
  repository: "s3:https://{{N1:host}}/restic"
  password-file: "/etc/resticprofile/key"
  env:
    AWS_ACCESS_KEY_ID: "backup"
    AWS_SECRET_ACCESS_KEY: "{{S1:alnum(40)}}"
  backup:
    source:
      - /srv
    schedule: "*-*-* 02:15:00"
""",
    ),
    (
        "yaml",
        "autorestic config with keys",
        r"""version: 2
locations:
  home:
    from: /home
    to: [nas]
    cron: '0 3 * * *'
backends:
  nas:
    type: rest
    path: 'https://{{N1:host}}:8000/home'
    key: {{S1:alnum(64)}}
    rest:
      user: autorestic
      password: {{S2:pw}}
  b2:
    type: b2
    path: '{{N2:word}}-bucket:/home'
    key: {{S3:phrase}}
    env:
      B2_ACCOUNT_ID: {{N3:b2id}}
      B2_ACCOUNT_KEY: {{S4:b2key}}""",
    ),
    (
        "yaml",
        "k8up restic repo password secret",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: backup-repo
type: Opaque
stringData:
  password: {{S1:pw(24,32)}}
---
apiVersion: v1
kind: Secret
metadata:
  name: backup-credentials
stringData:
  username: {{N1:akid}}
  password: {{S2:awssec}}""",
    ),
    (
        "yaml",
        "restic backup in compose env",
        r"""services:
  backup:
    image: mazzolino/restic:1.7
    environment:
      RUN_ON_STARTUP: "false"
      BACKUP_CRON: "0 30 3 * * *"
      RESTIC_REPOSITORY: b2:{{N1:word}}-restic:/app
      RESTIC_PASSWORD: {{S1:phrase}}
      B2_ACCOUNT_ID: {{N2:b2id}}
      B2_ACCOUNT_KEY: {{S2:b2key}}
    volumes:
      - /srv/app:/data:ro""",
    ),
    (
        "shell",
        "restic systemd unit environment",
        r"""[Service]
Type=oneshot
Environment=RESTIC_REPOSITORY=s3:https://{{N1:nhex(32)}}.r2.cloudflarestorage.com/restic
Environment=RESTIC_PASSWORD={{S1:pw(20,28)}}
Environment=AWS_ACCESS_KEY_ID={{N2:nhex(32)}}
Environment=AWS_SECRET_ACCESS_KEY={{S2:r2sec}}
ExecStart=/usr/bin/restic backup /var/lib/postgresql/dumps""",
    ),
    (
        "plain",
        "restic key add output with new password echoed",
        r"""$ restic -r /mnt/usb/restic key add --host {{N1:host}}
enter password for repository:
repository {{N2:snap}} opened (version 2, compression level auto)
enter new password: {{S1:phrase}}
enter password again: {{S1}}
saved new key with ID {{N3:sha256}}""",
    ),
    # ---- borg
    (
        "shell",
        "borg passphrase in env",
        r"""export BORG_REPO='ssh://borg@{{N1:host}}:2222/./{{N2:host}}'
export BORG_PASSPHRASE='{{S1:phrase}}'
borg create --stats --compression zstd,6 ::'{hostname}-{now:%Y-%m-%d}' /etc /home /var/www""",
    ),
    (
        "shell",
        "borgmatic config passphrase",
        r"""# /etc/borgmatic/config.yaml
source_directories:
    - /home
    - /etc
repositories:
    - path: ssh://{{N1:nlalnum(8)}}@{{N1}}.repo.borgbase.com/./repo
      label: borgbase
encryption_passphrase: "{{S1:phrase}}"
keep_daily: 7
keep_weekly: 4""",
    ),
    (
        "yaml",
        "borgmatic with postgres password",
        r"""repositories:
  - path: /mnt/backup/borg
    label: local
encryption_passphrase: {{S1:pw(24,32)}}
postgresql_databases:
  - name: nextcloud
    hostname: {{N1:host}}
    username: nextcloud
    password: {{S2:pw}}
    format: custom""",
    ),
    (
        "shell",
        "borg init repokey with passphrase in cron",
        r"""# m h dom mon dow command
15 2 * * * root BORG_PASSPHRASE='{{S1:pw(22,30)}}' /usr/local/bin/borg-nightly.sh >> /var/log/borg.log 2>&1""",
    ),
    (
        "plain",
        "borg keyfile contents",
        r"""$ cat ~/.config/borg/keys/{{N1:host}}__srv_borg
BORG_KEY {{N2:sha256}}
{{S1:b64(520)}}""",
    ),
    (
        "yaml",
        "vorta / borg helm secret",
        r"""borg:
  repo: ssh://borg@{{N1:host}}/backups/gitea
  passphrase: "{{S1:phrase}}"
  sshKey: |
    {{S2:pem(OSSH,4)}}""",
    ),
    # ---- rclone
    (
        "shell",
        "rclone config s3 remote",
        r"""$ cat ~/.config/rclone/rclone.conf
[wasabi]
type = s3
provider = Wasabi
access_key_id = {{N1:nalnum(20)}}
secret_access_key = {{S1:alnum(40)}}
endpoint = s3.eu-central-1.wasabisys.com
acl = private""",
    ),
    (
        "shell",
        "rclone config b2 remote",
        r"""[b2-offsite]
type = b2
account = {{N1:b2id}}
key = {{S1:b2key}}
hard_delete = true""",
    ),
    (
        "shell",
        "rclone config sftp obscured pass",
        r"""[nas]
type = sftp
host = {{N1:host}}
user = rclone
port = 22
pass = {{S1:obscured}}
shell_type = unix
md5sum_command = md5sum""",
    ),
    (
        "shell",
        "rclone config drive token",
        r"""[gdrive]
type = drive
client_id = {{N1:num(12)}}-{{N2:nlalnum(32)}}.apps.googleusercontent.com
client_secret = {{S1:gsecret}}
scope = drive
token = {"access_token":"{{S2:gtoken}}","token_type":"Bearer","refresh_token":"{{S3:grefresh}}","expiry":"{{N3:ts}}"}
team_drive =""",
    ),
    (
        "shell",
        "rclone crypt remote passwords",
        r"""[secret]
type = crypt
remote = b2-offsite:{{N1:word}}-crypt
filename_encryption = standard
directory_name_encryption = true
password = {{S1:obscured}}
password2 = {{S2:obscured}}""",
    ),
    (
        "shell",
        "rclone webdav obscured password",
        r"""[nextcloud]
type = webdav
url = https://cloud.{{N1:dom}}/remote.php/dav/files/{{N2:uname}}/
vendor = nextcloud
user = {{N2}}
pass = {{S1:obscured}}""",
    ),
    (
        "shell",
        "rclone obscure on the command line",
        r"""$ rclone obscure '{{S1:pw}}'
{{S2:obscured}}
$ rclone config create nas sftp host {{N1:host}} user backup pass {{S2}}""",
    ),
    (
        "shell",
        "rclone env remote config",
        r"""export RCLONE_CONFIG_R2_TYPE=s3
export RCLONE_CONFIG_R2_PROVIDER=Cloudflare
export RCLONE_CONFIG_R2_ACCESS_KEY_ID={{N1:nhex(32)}}
export RCLONE_CONFIG_R2_SECRET_ACCESS_KEY={{S1:r2sec}}
export RCLONE_CONFIG_R2_ENDPOINT=https://{{N2:nhex(32)}}.r2.cloudflarestorage.com
rclone sync /srv/exports r2:exports --fast-list""",
    ),
    (
        "shell",
        "rclone config password env",
        r"""RCLONE_CONFIG_PASS='{{S1:phrase}}' rclone --config /etc/rclone/rclone.conf lsd secret:""",
    ),
    (
        "shell",
        "rclone serve with user and pass",
        r"""rclone serve webdav /srv/share --addr :8080 --user share --pass '{{S1:pw}}' --read-only""",
    ),
    (
        "shell",
        "rclone on the fly backend string",
        r"""rclone copy /srv/db-dumps ':s3,provider=Minio,access_key_id=backup,secret_access_key={{S1:alnum(40)}},endpoint=https://{{N1:host}}:9000:dumps/pg' -P""",
    ),
    # ---- duplicity / duplicati
    (
        "shell",
        "duplicity passphrase and b2 url",
        r"""export PASSPHRASE='{{S1:phrase}}'
duplicity --full-if-older-than 1M /home/{{N1:uname}} "b2://{{N2:b2id}}:{{S2:b2key}}@{{N3:word}}-dup/home"
unset PASSPHRASE""",
    ),
    (
        "shell",
        "duplicity ftp password",
        r"""export FTP_PASSWORD='{{S1:pw}}'
export SIGN_PASSPHRASE='{{S2:phrase}}'
duplicity --encrypt-key {{N1:thumb}} /etc ftps://backup@{{N2:host}}/etc""",
    ),
    (
        "url",
        "duplicity target url with password",
        r"""par2+sftp://backup:{{S1:upw}}@{{N1:host}}:2222//srv/duplicity/{{N2:host}}""",
    ),
    (
        "shell",
        "duplicati cli with passphrase",
        r"""duplicati-cli backup "s3://{{N1:word}}-backups/{{N2:host}}?s3-server-name=s3.wasabisys.com&auth-username={{N3:nalnum(20)}}&auth-password={{S1:alnum(40)}}" \
  /home/ --passphrase="{{S2:phrase}}" --backup-name=home --dblock-size=50mb""",
    ),
    (
        "json",
        "duplicati exported job config",
        r"""{
  "CreatedByVersion": "2.0.8.1",
  "Schedule": {"Repeat": "1D", "AllowedDays": null},
  "Backup": {
    "Name": "Photos to B2",
    "TargetURL": "b2://{{N1:word}}-photos/duplicati?auth-username={{N2:b2id}}&auth-password={{S1:b2key}}",
    "Settings": [
      {"Name": "passphrase", "Value": "{{S2:phrase}}"},
      {"Name": "encryption-module", "Value": "aes"}
    ]
  }
}""",
    ),
    (
        "shell",
        "duplicati server webservice password",
        r"""docker run -d --name duplicati -p 8200:8200 \
  -e SETTINGS_ENCRYPTION_KEY={{S1:alnum(32)}} \
  -e DUPLICATI__WEBSERVICE_PASSWORD='{{S2:pw}}' \
  -v /srv/duplicati:/config lscr.io/linuxserver/duplicati""",
    ),
    # ---- Velero / Kopia
    (
        "shell",
        "velero credentials file",
        r"""$ cat credentials-velero
[default]
aws_access_key_id = {{N1:akid}}
aws_secret_access_key = {{S1:awssec}}
$ velero install --provider aws --plugins velero/velero-plugin-for-aws:v1.10.0 \
    --bucket {{N2:word}}-velero --secret-file ./credentials-velero --backup-location-config region=eu-west-1""",
    ),
    (
        "yaml",
        "velero helm values credentials",
        r"""credentials:
  useSecret: true
  secretContents:
    cloud: |
      [default]
      aws_access_key_id={{N1:nalnum(20)}}
      aws_secret_access_key={{S1:alnum(40)}}
configuration:
  backupStorageLocation:
    - name: default
      provider: aws
      bucket: velero
      config:
        region: minio
        s3ForcePathStyle: "true"
        s3Url: http://{{N2:host}}:9000""",
    ),
    (
        "yaml",
        "velero repo password secret",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: velero-repo-credentials
  namespace: velero
type: Opaque
stringData:
  repository-password: {{S1:pw(24,32)}}""",
    ),
    (
        "shell",
        "kopia repository connect s3",
        r"""kopia repository connect s3 --bucket={{N1:word}}-kopia \
  --endpoint=s3.us-west-004.backblazeb2.com \
  --access-key={{N2:b2id}} --secret-access-key={{S1:b2key}} \
  --password='{{S2:phrase}}'""",
    ),
    (
        "shell",
        "kopia password env and server",
        r"""export KOPIA_PASSWORD='{{S1:pw(20,28)}}'
kopia server start --address=0.0.0.0:51515 --tls-generate-cert \
  --server-username=admin --server-password='{{S2:pw}}'""",
    ),
    (
        "json",
        "kopia repository config with password",
        r"""{
  "storage": {"type": "s3", "config": {"bucket": "kopia", "endpoint": "{{N1:host}}:9000", "accessKeyID": "kopia", "secretAccessKey": "{{S1:alnum(40)}}", "sessionToken": ""}},
  "caching": {"cacheDirectory": "/root/.cache/kopia/{{N2:nhex(16)}}"},
  "hostname": "{{N3:host}}",
  "username": "root",
  "description": "Repository in S3"
}""",
    ),
    # ---- MinIO / S3-compatible
    (
        "shell",
        "minio root credentials",
        r"""MINIO_ROOT_USER=minioadmin-{{N1:word}}
MINIO_ROOT_PASSWORD={{S1:pw(24,32)}}
MINIO_VOLUMES="/mnt/data{1...4}"
MINIO_OPTS="--console-address :9001"
""",
    ),
    (
        "shell",
        "mc alias set with keys",
        r"""mc alias set backup https://{{N1:host}}:9000 velero {{S1:alnum(40)}} --api S3v4
mc admin info backup""",
    ),
    (
        "json",
        "mc admin user svcacct add output",
        r"""{
 "status": "success",
 "accessKey": "{{N1:nalnum(20)}}",
 "secretKey": "{{S1:alnum(40)}}",
 "expiration": "1970-01-01T00:00:00Z"
}""",
    ),
    (
        "json",
        "minio mc config.json",
        r"""{
	"version": "10",
	"aliases": {
		"local": {
			"url": "http://localhost:9000",
			"accessKey": "admin",
			"secretKey": "{{S1:pw(24,32)}}",
			"api": "S3v4",
			"path": "auto"
		}
	}
}""",
    ),
    (
        "shell",
        "aws cli credentials for wasabi",
        r"""[wasabi]
aws_access_key_id = {{N1:nalnum(20)}}
aws_secret_access_key = {{S1:alnum(40)}}
region = us-east-1""",
    ),
    (
        "shell",
        "s3cmd config",
        r"""[default]
access_key = {{N1:akid}}
secret_key = {{S1:awssec}}
host_base = s3.{{N2:dom}}
host_bucket = s3.{{N2}}
gpg_passphrase = {{S2:phrase}}
use_https = True""",
    ),
    (
        "shell",
        "cloudflare r2 token create output",
        r"""Token value
{{S1:alnum(40)}}
Use this token for authenticating against the Cloudflare API:

Access Key ID
{{N1:nhex(32)}}
Secret Access Key
{{S2:r2sec}}
Use jurisdiction-specific endpoints for S3 clients:
https://{{N2:nhex(32)}}.r2.cloudflarestorage.com""",
    ),
    (
        "shell",
        "b2 cli authorize",
        r"""$ b2 account authorize {{N1:b2id}} {{S1:b2key}}
Using https://api.backblazeb2.com""",
    ),
    (
        "json",
        "b2 create-key output",
        r"""{
    "accountId": "{{N1:nhex(12)}}",
    "applicationKey": "{{S1:b2key}}",
    "applicationKeyId": "{{N2:b2id}}",
    "bucketId": "{{N3:nhex(24)}}",
    "capabilities": ["listBuckets", "readFiles", "writeFiles"],
    "keyName": "restic-{{N4:word}}",
    "namePrefix": null
}""",
    ),
    (
        "url",
        "presigned s3 url for backup download",
        r"""https://{{N1:word}}-backups.s3.eu-west-1.amazonaws.com/pg/{{N2:date}}/base.tar.zst?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={{N3:akid}}%2F20260101%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T021500Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature={{S1:r2sec}}""",
    ),
    (
        "source",
        "boto3 client with keys for minio",
        r"""import boto3

s3 = boto3.client(
    "s3",
    endpoint_url="https://{{N1:host}}:9000",
    aws_access_key_id="backup-writer",
    aws_secret_access_key="{{S1:alnum(40)}}",
)
s3.upload_file("/var/backups/app.tar.zst", "nightly", "app/latest.tar.zst")""",
    ),
]
SECRET_TEMPLATES += [
    # ---- rsync daemon
    (
        "shell",
        "rsyncd secrets file",
        r"""$ sudo cat /etc/rsyncd.secrets
backup:{{S1:pw}}
{{N1:uname}}:{{S2:pw}}""",
    ),
    (
        "shell",
        "rsync password env",
        r"""RSYNC_PASSWORD='{{S1:pw}}' rsync -avz --delete /srv/data/ rsync://backup@{{N1:host}}/data/""",
    ),
    ("url", "rsync url with password", r"""rsync://backup:{{S1:upw}}@{{N1:host}}:873/nightly/"""),
    (
        "shell",
        "rsync client password file echo",
        r"""echo '{{S1:pw}}' > /root/.rsync.pass && chmod 600 /root/.rsync.pass
rsync -a --password-file=/root/.rsync.pass /var/www/ backup@{{N1:host}}::www""",
    ),
    # ---- SMB / CIFS
    (
        "shell",
        "cifs credentials file",
        r"""$ cat /root/.smbcredentials
username=svc-backup
password={{S1:pw}}
domain=CORP""",
    ),
    (
        "shell",
        "mount cifs with password option",
        r"""sudo mount -t cifs //{{N1:host}}/backups /mnt/backups \
  -o username=backup,password='{{S1:pw}}',vers=3.0,uid=1000,gid=1000,file_mode=0640""",
    ),
    (
        "shell",
        "fstab cifs inline password",
        r"""# /etc/fstab
UUID={{N1:uuid}} /               ext4    errors=remount-ro 0       1
//{{N2:host}}/scans  /mnt/scans  cifs  username=scanner,password={{S1:pw}},iocharset=utf8,_netdev  0  0""",
    ),
    (
        "shell",
        "smbclient with password",
        r"""smbclient //{{N1:host}}/IT$ -U 'CORP\svc-backup%{{S1:pw}}' -c 'prompt OFF; recurse ON; mget exports'""",
    ),
    ("url", "smb url with credentials", r"""smb://CORP;svc-scan:{{S1:upw}}@{{N1:host}}/scans/incoming"""),
    (
        "yaml",
        "k8s smb csi secret",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: smbcreds
  namespace: media
type: Opaque
stringData:
  username: svc-k8s
  password: "{{S1:pw}}"
  domain: CORP""",
    ),
    (
        "shell",
        "net use with password in bat",
        r"""@echo off
net use Z: \\{{N1:host}}\backup /user:CORP\svc-backup {{S1:pw}} /persistent:no
robocopy D:\Data Z:\%COMPUTERNAME% /MIR /R:2 /W:5 /LOG:C:\logs\robocopy.log
net use Z: /delete""",
    ),
    (
        "shell",
        "smbpasswd set via stdin",
        r"""(echo '{{S1:pw}}'; echo '{{S1}}') | sudo smbpasswd -s -a timemachine""",
    ),
    # ---- NAS
    (
        "url",
        "synology auth.cgi login url",
        r"""https://{{N1:host}}:5001/webapi/auth.cgi?api=SYNO.API.Auth&version=6&method=login&account=backup-api&passwd={{S1:upw}}&session=FileStation&format=sid""",
    ),
    (
        "json",
        "synology login response sid",
        r"""{"data":{"did":"{{N1:nalnum(40)}}","is_portal_port":false,"sid":"{{S1:b64url(60)}}","synotoken":"{{N2:nalnum(16)}}"},"success":true}""",
    ),
    (
        "shell",
        "truenas api key curl",
        r"""curl -s -H "Authorization: Bearer {{S1:truenas}}" \
  https://{{N1:host}}/api/v2.0/pool/dataset?name={{N2:word}} | jq '.[].used.parsed'""",
    ),
    (
        "shell",
        "midclt cloud credential create",
        r"""midclt call cloudsync.credentials.create '{"name": "b2-offsite", "provider": "B2", "attributes": {"account": "{{N1:b2id}}", "key": "{{S1:b2key}}"}}'""",
    ),
    (
        "yaml",
        "truenas ansible vars",
        r"""truenas_host: {{N1:host}}
truenas_api_key: "{{S1:truenas}}"
truenas_replication_ssh_password: "{{S2:pw}}"
""",
    ),
    (
        "plain",
        "synology hyper backup task export",
        r"""[task_3]
name=Office to C2
target_type=cloud_image
bucket={{N1:word}}-hb
access_key={{N2:nalnum(20)}}
secret_key={{S1:alnum(40)}}
encrypt_password={{S2:pw}}""",
    ),
    (
        "shell",
        "nfs krb5 with keytab creation password",
        r"""# NFSv4 with sec=krb5p
ipa-getkeytab -s {{N1:host}} -p nfs/{{N2:host}} -k /etc/krb5.keytab -P <<< '{{S1:pw}}'
mount -t nfs4 -o sec=krb5p {{N1}}:/exports/home /home""",
    ),
    # ---- database dumps and cron
    (
        "shell",
        "pg_dump with PGPASSWORD in cron",
        r"""# /etc/cron.d/pg-dump
30 1 * * * postgres PGPASSWORD='{{S1:pw}}' pg_dump -h {{N1:host}} -U app -Fc appdb > /var/backups/pg/appdb-$(date +\%F).dump""",
    ),
    (
        "shell",
        "pgpass file",
        r"""$ cat ~/.pgpass
{{N1:host}}:5432:*:backup:{{S1:upw}}
localhost:5432:appdb:app:{{S2:upw}}""",
    ),
    (
        "shell",
        "mysqldump with password flag",
        r"""mysqldump -h {{N1:host}} -u backup -p'{{S1:pw}}' --single-transaction --routines --triggers --all-databases | zstd -T0 > /backup/mysql-$(date +%F).sql.zst""",
    ),
    (
        "shell",
        "my.cnf mysqldump section",
        r"""# /root/.my.cnf
[client]
user=root
password="{{S1:pw}}"

[mysqldump]
user=backup
password={{S2:pw}}
single-transaction""",
    ),
    (
        "shell",
        "mongodump uri",
        r"""mongodump --uri="mongodb+srv://backup:{{S1:upw}}@cluster0.{{N1:nlalnum(5)}}.mongodb.net/?authSource=admin" --gzip --archive=/backup/mongo-$(date +%F).gz""",
    ),
    (
        "url",
        "postgres connection url in dump script",
        r"""postgresql://backup_ro:{{S1:upw}}@{{N1:host}}:5432/ledger?sslmode=verify-full""",
    ),
    (
        "shell",
        "backup script with many secrets",
        r"""#!/usr/bin/env bash
# nightly.sh - dump, encrypt, ship
set -euo pipefail
export PGPASSWORD='{{S1:pw}}'
export RESTIC_PASSWORD='{{S2:phrase}}'
export AWS_ACCESS_KEY_ID={{N1:akid}}
export AWS_SECRET_ACCESS_KEY='{{S3:awssec}}'
SLACK_WEBHOOK=https://hooks.slack.com/services/T{{N2:nalnum(8)}}/B{{N3:nalnum(10)}}/{{S4:slackhook}}

pg_dumpall -h {{N4:host}} -U postgres | restic backup --stdin --stdin-filename pg_dumpall.sql
curl -s -X POST -H 'Content-type: application/json' --data '{"text":"backup ok"}' "$SLACK_WEBHOOK"
""",
    ),
    (
        "shell",
        "sqlcmd backup with sa password",
        r"""sqlcmd -S {{N1:host}} -U sa -P '{{S1:pw}}' -Q "BACKUP DATABASE [Payroll] TO DISK = N'/var/opt/mssql/backup/Payroll.bak' WITH COMPRESSION, INIT"
""",
    ),
    (
        "shell",
        "redis backup with auth",
        r"""redis-cli -h {{N1:host}} -a '{{S1:pw}}' --no-auth-warning --rdb /backup/redis/dump-$(date +%F).rdb""",
    ),
    (
        "yaml",
        "k8s cronjob with dump password",
        r"""apiVersion: batch/v1
kind: CronJob
metadata:
  name: pg-dump
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: dump
              image: postgres:16
              env:
                - name: PGPASSWORD
                  value: "{{S1:pw}}"
              command: ["sh", "-c", "pg_dump -h {{N1:host}} -U app app | gzip > /dump/app.sql.gz"]""",
    ),
    # ---- pgBackRest / WAL-G / Barman
    (
        "shell",
        "pgbackrest conf s3 key",
        r"""[global]
repo1-type=s3
repo1-s3-bucket={{N1:word}}-pgbackrest
repo1-s3-endpoint=s3.eu-west-1.amazonaws.com
repo1-s3-region=eu-west-1
repo1-s3-key={{N2:akid}}
repo1-s3-key-secret={{S1:awssec}}
repo1-cipher-type=aes-256-cbc
repo1-cipher-pass={{S2:b64(48)}}
repo1-retention-full=2

[main]
pg1-path=/var/lib/postgresql/16/main""",
    ),
    (
        "shell",
        "pgbackrest env vars",
        r"""PGBACKREST_REPO1_CIPHER_PASS={{S1:b64(48)}}
PGBACKREST_REPO1_S3_KEY_SECRET={{S2:awssec}}
PGBACKREST_STANZA=main
pgbackrest --stanza=main --type=diff backup""",
    ),
    (
        "shell",
        "wal-g env",
        r"""export WALG_S3_PREFIX=s3://{{N1:word}}-wal-g/pg16
export AWS_ACCESS_KEY_ID={{N2:akid}}
export AWS_SECRET_ACCESS_KEY={{S1:awssec}}
export WALG_LIBSODIUM_KEY={{S2:hex(64)}}
export WALG_LIBSODIUM_KEY_TRANSFORM=hex
export PGPASSWORD={{S3:pw}}
wal-g backup-push /var/lib/postgresql/16/main""",
    ),
    (
        "json",
        "wal-g json config",
        r"""{
  "WALG_GS_PREFIX": "gs://{{N1:word}}-walg/main",
  "GOOGLE_APPLICATION_CREDENTIALS": "/etc/wal-g/gcs.json",
  "WALG_COMPRESSION_METHOD": "brotli",
  "WALG_LIBSODIUM_KEY": "{{S1:b64(32)}}",
  "WALG_LIBSODIUM_KEY_TRANSFORM": "base64",
  "PGHOST": "/var/run/postgresql"
}""",
    ),
    (
        "shell",
        "wal-g pgp private key env",
        r"""export WALG_PGP_KEY="{{S1:pem(PGP)}}"
export WALG_PGP_KEY_PASSPHRASE='{{S2:phrase}}'""",
    ),
    (
        "shell",
        "barman server conf conninfo",
        r"""[pg-main]
description = "Main PostgreSQL"
conninfo = host={{N1:host}} user=barman dbname=postgres password={{S1:pw}}
streaming_conninfo = host={{N1}} user=streaming_barman password={{S2:pw}}
backup_method = postgres
streaming_archiver = on
slot_name = barman""",
    ),
    (
        "shell",
        "barman cloud env",
        r"""AWS_ACCESS_KEY_ID={{N1:akid}} AWS_SECRET_ACCESS_KEY={{S1:awssec}} \
  barman-cloud-backup --cloud-provider aws-s3 s3://{{N2:word}}-barman pg-main""",
    ),
    (
        "yaml",
        "cloudnative-pg backup credentials",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: backup-creds
stringData:
  ACCESS_KEY_ID: {{N1:akid}}
  ACCESS_SECRET_KEY: {{S1:awssec}}
---
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: app-db
spec:
  backup:
    barmanObjectStore:
      destinationPath: s3://{{N2:word}}-cnpg/
      s3Credentials:
        accessKeyId: {name: backup-creds, key: ACCESS_KEY_ID}
        secretAccessKey: {name: backup-creds, key: ACCESS_SECRET_KEY}""",
    ),
]
SECRET_TEMPLATES += [
    # ---- source code across languages
    (
        "source",
        "okta terraform provider hcl",
        r"""provider "okta" {
  org_name  = "{{N1:word}}"
  base_url  = "okta.com"
  api_token = "{{S1:okta}}"
}

resource "okta_group" "backup_admins" {
  name = "Backup Admins"
}""",
    ),
    (
        "source",
        "auth0 terraform provider hcl",
        r"""provider "auth0" {
  domain        = "{{N1:word}}.eu.auth0.com"
  client_id     = "{{N2:nalnum(32)}}"
  client_secret = "{{S1:auth0}}"
}""",
    ),
    (
        "source",
        "azuread terraform application password output in state",
        r"""resource "azuread_application_password" "backup" {
  application_id = "/applications/{{N1:uuid}}"
  display_name   = "restic-azure-blob"
}
# terraform state show azuread_application_password.backup
#   key_id = "{{N2:uuid}}"
#   value  = "{{S1:entra}}"
""",
    ),
    (
        "source",
        "keycloak admin client in java",
        r"""Keycloak keycloak = KeycloakBuilder.builder()
        .serverUrl("https://sso.{{N1:dom}}")
        .realm("master")
        .grantType(OAuth2Constants.CLIENT_CREDENTIALS)
        .clientId("realm-sync")
        .clientSecret("{{S1:alnum(32)}}")
        .build();""",
    ),
    (
        "source",
        "go ldap bind",
        r"""l, err := ldap.DialURL("ldaps://{{N1:host}}:636")
if err != nil {
	log.Fatal(err)
}
defer l.Close()
if err := l.Bind("cn=svc-gitea,ou=services,dc=example,dc=com", "{{S1:pw}}"); err != nil {
	log.Fatalf("bind: %v", err)
}""",
    ),
    (
        "source",
        "csharp directory entry credentials",
        r"""using var entry = new DirectoryEntry(
    "LDAP://{{N1:host}}/OU=Staff,DC=corp,DC=example,DC=net",
    @"CORP\svc-hrsync",
    "{{S1:pw}}",
    AuthenticationTypes.Secure);
using var searcher = new DirectorySearcher(entry, "(objectClass=user)");""",
    ),
    (
        "source",
        "node passport oidc strategy",
        r"""passport.use('oidc', new OpenIDConnectStrategy({
  issuer: 'https://{{N1:word}}.okta.com/oauth2/default',
  authorizationURL: 'https://{{N1}}.okta.com/oauth2/default/v1/authorize',
  tokenURL: 'https://{{N1}}.okta.com/oauth2/default/v1/token',
  clientID: '{{N2:oktaid}}',
  clientSecret: '{{S1:b64url(30)}}',
  callbackURL: 'https://intranet.{{N3:dom}}/auth/callback',
}, verify));""",
    ),
    (
        "source",
        "django settings oidc and ldap",
        r"""AUTHENTICATION_BACKENDS = ["mozilla_django_oidc.auth.OIDCAuthenticationBackend"]
OIDC_RP_CLIENT_ID = "intranet"
OIDC_RP_CLIENT_SECRET = "{{S1:alnum(32)}}"
OIDC_OP_TOKEN_ENDPOINT = "https://sso.{{N1:dom}}/realms/corp/protocol/openid-connect/token"
AUTH_LDAP_BIND_DN = "cn=django,ou=services,dc=corp,dc=example,dc=net"
AUTH_LDAP_BIND_PASSWORD = "{{S2:pw}}"
""",
    ),
    (
        "source",
        "flask authlib oauth register",
        r"""oauth.register(
    name="keycloak",
    client_id="wiki",
    client_secret="{{S1:alnum(32)}}",
    server_metadata_url="https://sso.{{N1:dom}}/realms/corp/.well-known/openid-configuration",
    client_kwargs={"scope": "openid email profile"},
)
app.secret_key = "{{S2:hex(48)}}"
""",
    ),
    (
        "source",
        "spring security oauth2 client properties",
        r"""spring.security.oauth2.client.registration.azure.client-id={{N1:uuid}}
spring.security.oauth2.client.registration.azure.client-secret={{S1:entra}}
spring.security.oauth2.client.provider.azure.issuer-uri=https://login.microsoftonline.com/{{N2:uuid}}/v2.0
spring.ldap.urls=ldaps://{{N3:host}}:636
spring.ldap.username=CN=svc-portal,OU=Service,DC=corp,DC=example,DC=net
spring.ldap.password={{S2:pw}}""",
    ),
    (
        "source",
        "rust restic wrapper with password literal",
        r"""let status = Command::new("restic")
    .args(["-r", "sftp:backup@{{N1:host}}:/srv/restic", "backup", "/data"])
    .env("RESTIC_PASSWORD", "{{S1:phrase}}")
    .status()?;""",
    ),
    (
        "source",
        "python paramiko sftp backup upload",
        r"""transport = paramiko.Transport(("{{N1:host}}", 22))
transport.connect(username="backup", password="{{S1:pw}}")
sftp = paramiko.SFTPClient.from_transport(transport)
sftp.put("/var/backups/site.tar.gz", "/volume1/backup/site.tar.gz")""",
    ),
    (
        "source",
        "ruby net-ldap auth hash",
        r"""ldap = Net::LDAP.new(
  host: "{{N1:host}}",
  port: 636,
  encryption: :simple_tls,
  auth: { method: :simple, username: "uid=redmine,ou=apps,dc=example,dc=com", password: "{{S1:pw}}" }
)""",
    ),
    (
        "source",
        "php ldap_bind",
        r"""$conn = ldap_connect("ldaps://{{N1:host}}");
ldap_set_option($conn, LDAP_OPT_PROTOCOL_VERSION, 3);
$ok = ldap_bind($conn, "cn=wordpress,ou=apps,dc=example,dc=com", "{{S1:pw}}");""",
    ),
    (
        "source",
        "powershell restic wrapper",
        r"""$env:RESTIC_REPOSITORY = "s3:https://s3.wasabisys.com/{{N1:word}}-pcs/$env:COMPUTERNAME"
$env:RESTIC_PASSWORD = "{{S1:phrase}}"
$env:AWS_ACCESS_KEY_ID = "{{N2:nalnum(20)}}"
$env:AWS_SECRET_ACCESS_KEY = "{{S2:alnum(40)}}"
& restic.exe backup C:\Users --exclude-file C:\restic\excludes.txt""",
    ),
    (
        "source",
        "go oauth2 clientcredentials config",
        r"""cfg := clientcredentials.Config{
	ClientID:     "{{N1:nalnum(32)}}",
	ClientSecret: "{{S1:auth0}}",
	TokenURL:     "https://{{N2:word}}.us.auth0.com/oauth/token",
	EndpointParams: url.Values{"audience": {"https://api.{{N3:dom}}"}},
}""",
    ),
    (
        "source",
        "typescript nextauth providers",
        r"""export const authOptions: NextAuthOptions = {
  secret: "{{S1:b64(32)}}",
  providers: [
    AzureADProvider({
      clientId: "{{N1:uuid}}",
      clientSecret: "{{S2:entra}}",
      tenantId: "{{N2:uuid}}",
    }),
  ],
};""",
    ),
    (
        "source",
        "ansible module call with bind password",
        r"""- name: Ensure backup operators group
  community.general.ldap_entry:
    dn: cn=backup-operators,ou=groups,dc=example,dc=com
    objectClass: groupOfNames
    attributes:
      member: uid=restic,ou=services,dc=example,dc=com
    server_uri: ldaps://{{N1:host}}
    bind_dn: cn=admin,dc=example,dc=com
    bind_pw: "{{S1:pw}}"
""",
    ),
    (
        "source",
        "salt pillar rclone credentials",
        r"""rclone:
  remotes:
    offsite:
      type: s3
      provider: Wasabi
      access_key_id: {{N1:nalnum(20)}}
      secret_access_key: {{S1:alnum(40)}}""",
    ),
    # ---- url context
    (
        "url",
        "webdav url with credentials",
        r"""https://{{N1:uname}}:{{S1:upw}}@cloud.{{N2:dom}}/remote.php/dav/files/{{N1}}/Backups/""",
    ),
    (
        "url",
        "ftp url with password in duplicity",
        r"""ftps://backup:{{S1:upw}}@{{N1:host}}/backups/{{N2:host}}/""",
    ),
    (
        "url",
        "oidc implicit callback with tokens",
        r"""https://app.{{N1:dom}}/callback#access_token={{S1:jwt}}&token_type=Bearer&expires_in=3600&state={{N2:nb64url(16)}}""",
    ),
    (
        "url",
        "ldap url with bind password in uri",
        r"""ldaps://cn=proxy,dc=example,dc=com:{{S1:upw}}@{{N1:host}}:636/dc=example,dc=com??sub?(uid=*)""",
    ),
    (
        "url",
        "vault login url with token query",
        r"""https://vault.{{N1:dom}}/ui/vault/auth?with=token&token={{S1:vault}}""",
    ),
    (
        "url",
        "mysql dsn in backup url",
        r"""mysql://backup:{{S1:upw}}@{{N1:host}}:3306/wordpress?charset=utf8mb4""",
    ),
    (
        "url",
        "minio console url with keys",
        r"""https://{{N1:host}}:9001/login?accessKey=backup&secretKey={{S1:alnum(40)}}""",
    ),
    (
        "url",
        "nas webui url with password param",
        r"""http://{{N1:host}}:8080/cgi-bin/authLogin.cgi?user=admin&pwd={{S1:b64pw}}&serviceKey=1""",
    ),
    (
        "url",
        "sftp remote url with password",
        r"""sftp://backup:{{S1:upw}}@{{N1:host}}:2222/srv/backups/{{N2:word}}""",
    ),
    ("url", "redis url with password in backup agent", r"""rediss://default:{{S1:upw}}@{{N1:host}}:6380/0"""),
    (
        "url",
        "slack webhook for backup alerts",
        r"""https://hooks.slack.com/services/T{{N1:nalnum(8)}}/B{{N2:nalnum(10)}}/{{S1:slackhook}}""",
    ),
    (
        "url",
        "scim endpoint with token in query",
        r"""https://{{N1:word}}.{{N2:dom}}/scim/v2/Users?access_token={{S1:b64url(40)}}&count=100""",
    ),
    # ---- json responses and files
    (
        "json",
        "auth0 get client with secret",
        r"""{
  "tenant": "{{N1:word}}",
  "global": false,
  "is_token_endpoint_ip_header_trusted": false,
  "name": "Backup Dashboard",
  "client_id": "{{N2:nalnum(32)}}",
  "client_secret": "{{S1:auth0}}",
  "app_type": "regular_web",
  "callbacks": ["https://backup.{{N3:dom}}/callback"],
  "signing_keys": [{"cert": "-----BEGIN CERTIFICATE-----\n{{N4:certbody(400)}}\n-----END CERTIFICATE-----\n", "pkcs7": "", "subject": "/CN={{N1}}.eu.auth0.com"}]
}""",
    ),
    ("json", "keycloak client secret endpoint", r"""{"type":"secret","value":"{{S1:alnum(32)}}"}"""),
    (
        "json",
        "okta oauth token response",
        r"""{"token_type":"Bearer","expires_in":3600,"access_token":"{{S1:jwt}}","scope":"okta.users.read okta.groups.read","id_token":"{{S2:jwt}}"}""",
    ),
    (
        "json",
        "teleport bot identity with key",
        r"""{
  "kind": "bot",
  "name": "backup-bot",
  "token": "{{S1:teleport}}",
  "roles": ["backup-reader"],
  "expires": "{{N1:ts}}"
}""",
    ),
    (
        "json",
        "dex static password entry",
        r"""{"email": "{{N1:email}}", "username": "{{N2:uname}}", "userID": "{{N3:uuid}}", "hash": "{{N4:bcrypt}}", "plaintext_for_onboarding": "{{S1:pw}}"}""",
    ),
    (
        "json",
        "velero bsl creds in aws secrets manager get",
        r"""{
    "ARN": "arn:aws:secretsmanager:eu-west-1:{{N1:num(12)}}:secret:velero/minio-{{N2:nalnum(6)}}",
    "Name": "velero/minio",
    "VersionId": "{{N3:uuid}}",
    "SecretString": "{\"aws_access_key_id\":\"velero\",\"aws_secret_access_key\":\"{{S1:alnum(40)}}\"}",
    "VersionStages": ["AWSCURRENT"]
}""",
    ),
    (
        "json",
        "bitwarden send api key in config",
        r"""{
  "bw_server": "https://vault.{{N1:dom}}",
  "bw_clientid": "organization.{{N2:uuid}}",
  "bw_clientsecret": "{{S1:alnum(30)}}",
  "collection": "Backups"
}""",
    ),
    (
        "json",
        "google oauth refresh token exchange response",
        r"""{
  "access_token": "{{S1:gtoken}}",
  "expires_in": 3599,
  "refresh_token": "{{S2:grefresh}}",
  "scope": "https://www.googleapis.com/auth/drive.file",
  "token_type": "Bearer"
}""",
    ),
    (
        "json",
        "entra msal token cache",
        r"""{"AccessToken": {"{{N1:uuid}}.{{N2:uuid}}-login.microsoftonline.com-accesstoken-{{N3:uuid}}-{{N2}}-https://graph.microsoft.com/.default--": {"credential_type": "AccessToken", "secret": "{{S1:jwt}}", "home_account_id": "{{N1}}.{{N2}}", "environment": "login.microsoftonline.com", "client_id": "{{N3}}", "target": "https://graph.microsoft.com/.default", "realm": "{{N2}}", "cached_at": "1767225600", "expires_on": "1767229200"}}, "RefreshToken": {"{{N1}}-login.microsoftonline.com-refreshtoken-{{N3}}--": {"credential_type": "RefreshToken", "secret": "{{S2:b64url(600)}}", "client_id": "{{N3}}"}}}""",
    ),
    (
        "json",
        "authentik outpost token",
        r"""{"pk": "{{N1:uuid}}", "name": "ldap-outpost", "type": "ldap", "token_identifier": "ak-outpost-{{N1}}-api", "config": {"authentik_host": "https://authentik.{{N2:dom}}/"}, "AUTHENTIK_TOKEN": "{{S1:authentik}}"}""",
    ),
    # ---- yaml
    (
        "yaml",
        "github actions env with restic secrets inline",
        r"""jobs:
  backup:
    runs-on: self-hosted
    env:
      RESTIC_REPOSITORY: s3:https://s3.amazonaws.com/{{N1:word}}-ci
      RESTIC_PASSWORD: {{S1:phrase}}
      AWS_ACCESS_KEY_ID: {{N2:akid}}
      AWS_SECRET_ACCESS_KEY: {{S2:awssec}}
    steps:
      - run: restic backup ./artifacts""",
    ),
    (
        "yaml",
        "gitlab ci variables with ldap password",
        r"""variables:
  LDAP_HOST: {{N1:host}}
  LDAP_BIND_DN: "cn=ci,ou=services,dc=example,dc=com"
  LDAP_BIND_PASSWORD: "{{S1:pw}}"
sync-users:
  script:
    - python tools/ldap_sync.py""",
    ),
    (
        "yaml",
        "docker compose for minio and restic",
        r"""services:
  minio:
    image: minio/minio:RELEASE.2025-04-22T22-12-26Z
    command: server /data --console-address ":9001"
    environment:
      MINIO_ROOT_USER: admin
      MINIO_ROOT_PASSWORD: {{S1:pw(24,32)}}
  restic:
    image: restic/restic:0.17.3
    environment:
      RESTIC_REPOSITORY: s3:http://minio:9000/restic
      RESTIC_PASSWORD: {{S2:phrase}}
      AWS_ACCESS_KEY_ID: admin
      AWS_SECRET_ACCESS_KEY: {{S1}}""",
    ),
    (
        "yaml",
        "netbox ldap config in values",
        r"""remoteAuth:
  enabled: true
  backends:
    - netbox.authentication.LDAPBackend
  ldap:
    serverUri: ldaps://{{N1:host}}
    bindDn: CN=svc-netbox,OU=Service,DC=corp,DC=example,DC=net
    bindPassword: '{{S1:pw}}'""",
    ),
    (
        "yaml",
        "pgbackrest operator repo secret in helm",
        r"""pgBackRest:
  configuration:
    - secret:
        name: pgo-s3-creds
  global:
    repo1-path: /pgbackrest/hippo/repo1
    repo1-cipher-pass: {{S1:b64(48)}}
s3:
  key: {{N1:akid}}
  keySecret: {{S2:awssec}}""",
    ),
    (
        "yaml",
        "argo cd dex oidc config",
        r"""data:
  url: https://argocd.{{N1:dom}}
  oidc.config: |
    name: Okta
    issuer: https://{{N2:word}}.okta.com
    clientID: {{N3:oktaid}}
    clientSecret: {{S1:b64url(30)}}
    requestedScopes: ["openid", "profile", "email", "groups"]""",
    ),
    (
        "yaml",
        "sssd ansible template vars",
        r"""sssd_domains:
  - name: corp.example.net
    ldap_uri: ldaps://{{N1:host}}
    ldap_default_bind_dn: cn=sssd,ou=services,dc=corp,dc=example,dc=net
    ldap_default_authtok: "{{S1:pw}}"
    ldap_tls_reqcert: demand""",
    ),
    (
        "yaml",
        "cert-manager step issuer provisioner password secret",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: step-issuer-provisioner-password
  namespace: step-issuer
type: Opaque
stringData:
  password: {{S1:pw}}""",
    ),
    # ---- plain: chat, logs, prose
    (
        "plain",
        "agent reply quoting restic password",
        r"""I've set up the nightly job. The repository is initialised at `sftp:backup@{{N1:host}}:/srv/restic/{{N2:word}}` with the password `{{S1:phrase}}`; store it in the team vault, because without it the snapshots cannot be restored.""",
    ),
    (
        "plain",
        "slack thread with ldap bind password",
        r"""{{N1:uname}} 10:42 AM
anyone know the bind pw for svc-jira? the LDAP sync broke after the AD migration
{{N2:uname}} 10:44 AM
it's {{S1:pw}} (same as before, only the DN changed to OU=Service)
{{N1}} 10:45 AM
thx""",
    ),
    (
        "plain",
        "email handover of nas credentials",
        r"""From: {{N1:email}}
To: {{N2:email}}
Subject: NAS access while I'm away

Hi, the DSM admin login is admin-{{N3:word}} / {{S1:pw}}. Hyper Backup's encryption password is {{S2:phrase}}. Please don't change either until I'm back on the {{N4:date}}.""",
    ),
    (
        "plain",
        "service log printing client secret",
        r"""{{N1:ts}} INFO  oauth2: starting with config provider=oidc issuer=https://sso.{{N2:dom}}/realms/corp client_id=grafana client_secret={{S1:alnum(32)}} scopes="openid email"
{{N1}} INFO  oauth2: discovery ok""",
    ),
    (
        "plain",
        "debug log with basic auth header for rest-server",
        r"""DEBUG http request: GET /{{N1:word}}/config HTTP/1.1
Host: {{N2:host}}:8000
Authorization: Basic {{S1:basic}}
User-Agent: restic/0.17.3""",
    ),
    (
        "plain",
        "markdown table of service accounts",
        r"""| account | system | password | owner |
|---|---|---|---|
| svc-backup | AD | {{S1:pw}} | infra |
| svc-scan | Synology | {{S2:pw}} | facilities |
| restic | rest-server | {{S3:pw}} | infra |""",
    ),
    (
        "plain",
        "incident notes with leaked b2 key",
        r"""Postmortem draft ({{N1:date}}): the B2 application key `{{S1:b2key}}` (key id {{N2:b2id}}) was committed to the public dotfiles repo at 09:14 and revoked at 09:51. No unknown downloads in the bucket's logs.""",
    ),
    (
        "plain",
        "journalctl log with borg passphrase",
        r"""{{N1:time}} {{N2:host}} borg-nightly[2211]: + export BORG_PASSPHRASE={{S1:phrase}}
{{N1}} {{N2}} borg-nightly[2211]: + borg create --stats ::{now}
{{N1}} {{N2}} borg-nightly[2211]: Creating archive at "ssh://borg@{{N3:host}}/./repo::{now}"
""",
    ),
    (
        "plain",
        "set -x trace with mysql password",
        r"""+ DB_USER=backup
+ DB_PASS={{S1:pw}}
+ mysqldump -h {{N1:host}} -u backup -p{{S1}} --all-databases
mysqldump: [Warning] Using a password on the command line interface can be insecure.""",
    ),
    (
        "plain",
        "ps output with password argument",
        r"""$ ps aux | grep -E 'rsync|restic'
root      4121  2.1  0.3 812344 60120 ?  Sl   02:15   0:41 restic backup --password-file /etc/restic/pw /srv
root      4188  0.0  0.0  12140  2300 ?  S    02:15   0:00 sshpass -p {{S1:pw}} rsync -az /srv/ backup@{{N1:host}}:/volume1/srv/""",
    ),
    (
        "plain",
        "docker inspect env with minio secret",
        r"""            "Env": [
                "MINIO_ROOT_USER=admin",
                "MINIO_ROOT_PASSWORD={{S1:pw(24,32)}}",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "MINIO_ACCESS_KEY_FILE=access_key"
            ],""",
    ),
    (
        "plain",
        "kubectl get secret decoded output",
        r"""$ kubectl -n auth get secret dex-ldap -o jsonpath='{.data.bindPW}' | base64 -d
{{S1:pw}}""",
    ),
    (
        "plain",
        "kubectl get secret yaml with base64 data",
        r"""apiVersion: v1
data:
  client-secret: {{S1:b64pw(alnum)}}
  cookie-secret: {{S2:b64(32)}}
kind: Secret
metadata:
  name: oauth2-proxy
  namespace: auth
type: Opaque""",
    ),
]


# --- templates without secrets (hard negatives of the same world) -------------------------------

NEGATIVE_TEMPLATES: list[tuple[str, str, str]] = [
    # ---- Okta / Auth0 ids, references, masked values
    (
        "shell",
        "okta token from env reference",
        r"""export OKTA_API_TOKEN="$(op read 'op://Infra/Okta SCIM sync/credential')"
curl -s -H "Authorization: SSWS ${OKTA_API_TOKEN}" "https://{{N1:word}}.okta.com/api/v1/groups?q=backup" | jq -r '.[].id'""",
    ),
    (
        "json",
        "okta user object ids",
        r"""{
  "id": "{{N1:oktaid(00u)}}",
  "status": "ACTIVE",
  "created": "{{N2:ts}}",
  "profile": {"login": "{{N3:email}}", "email": "{{N3}}", "firstName": "{{N4:word}}"},
  "credentials": {"password": {}, "provider": {"type": "OKTA", "name": "OKTA"}},
  "_links": {"self": {"href": "https://{{N5:word}}.okta.com/api/v1/users/{{N1}}"}}
}""",
    ),
    (
        "json",
        "okta group list ids",
        r"""[{"id":"{{N1:oktaid(00g)}}","type":"OKTA_GROUP","profile":{"name":"Backup Admins","description":"restic and borg operators"}},{"id":"{{N2:oktaid(00g)}}","type":"APP_GROUP","profile":{"name":"NAS Users","description":null}}]""",
    ),
    (
        "plain",
        "okta admin console token list masked",
        r"""API Tokens
Name                 Token value   Created           Last used        Network
scim-sync            {{N1:nalnum(6)}}…       {{N2:date}}        2 hours ago      Any IP
terraform            {{N3:nalnum(6)}}…       {{N4:date}}        Never            Zone: office""",
    ),
    (
        "source",
        "okta terraform provider with variable",
        r"""variable "okta_api_token" {
  type      = string
  sensitive = true
}

provider "okta" {
  org_name  = "{{N1:word}}"
  base_url  = "okta.com"
  api_token = var.okta_api_token
}""",
    ),
    (
        "yaml",
        "okta oidc app with client id only",
        r"""oidc:
  issuer: https://{{N1:word}}.okta.com/oauth2/{{N2:oktaid(aus)}}
  client_id: {{N3:oktaid}}
  client_secret_file: /run/secrets/okta_client_secret
  scopes: [openid, profile, email, groups]""",
    ),
    (
        "shell",
        "auth0 deploy keyword replacement placeholders",
        r"""# tenant.yaml uses keyword replacement, the values come from CI
AUTH0_DOMAIN=##AUTH0_DOMAIN##
AUTH0_CLIENT_ID={{N1:nalnum(32)}}
AUTH0_CLIENT_SECRET=##AUTH0_CLIENT_SECRET##
a0deploy import --config_file config.json --input_file tenant.yaml""",
    ),
    (
        "plain",
        "auth0 cli apps show masked secret",
        r"""$ auth0 apps show {{N1:nalnum(32)}}
  CLIENT ID           {{N1}}
  NAME                Backup Dashboard
  TYPE                Regular Web Application
  CLIENT SECRET       {{N2:masked(30)}}
  CALLBACKS           https://backup.{{N3:dom}}/callback
  ALLOWED LOGOUT URLS https://backup.{{N3}}/""",
    ),
    (
        "json",
        "auth0 jwks public keys",
        r"""{"keys":[{"kty":"RSA","use":"sig","n":"{{N1:jwkn}}","e":"AQAB","kid":"{{N2:nb64url(16)}}","x5t":"{{N3:nb64url(20)}}","x5c":["{{N4:certbody}}"],"alg":"RS256"}]}""",
    ),
    (
        "source",
        "auth0 sdk reading secret from env",
        r"""const auth0 = new AuthenticationClient({
  domain: process.env.AUTH0_DOMAIN,
  clientId: '{{N1:nalnum(32)}}',
  clientSecret: process.env.AUTH0_CLIENT_SECRET,
});""",
    ),
    (
        "url",
        "okta authorize url with pkce",
        r"""https://{{N1:word}}.okta.com/oauth2/default/v1/authorize?client_id={{N2:oktaid}}&response_type=code&scope=openid%20profile&redirect_uri=https%3A%2F%2Fapp.{{N3:dom}}%2Fcallback&state={{N4:nb64url(16)}}&nonce={{N5:nb64url(16)}}&code_challenge={{N6:nb64url(32)}}&code_challenge_method=S256""",
    ),
    (
        "url",
        "auth0 logout url with client id",
        r"""https://{{N1:word}}.eu.auth0.com/v2/logout?client_id={{N2:nalnum(32)}}&returnTo=https%3A%2F%2Fbackup.{{N3:dom}}%2F""",
    ),
    # ---- Keycloak
    (
        "json",
        "keycloak partial export masked client secret",
        r"""{
  "clientId": "grafana",
  "id": "{{N1:uuid}}",
  "clientAuthenticatorType": "client-secret",
  "secret": "**********",
  "redirectUris": ["https://grafana.{{N2:dom}}/login/generic_oauth"],
  "attributes": {"client.secret.creation.time": "{{N3:num(10)}}", "pkce.code.challenge.method": "S256"}
}""",
    ),
    (
        "json",
        "keycloak user export hashed credential",
        r"""{
  "username": "{{N1:uname}}",
  "id": "{{N2:uuid}}",
  "credentials": [
    {
      "id": "{{N3:uuid}}",
      "type": "password",
      "createdDate": {{N4:num(13)}},
      "secretData": "{\"value\":\"{{N5:nb64(64)}}\",\"salt\":\"{{N6:nb64(16)}}\",\"additionalParameters\":{}}",
      "credentialData": "{\"hashIterations\":210000,\"algorithm\":\"pbkdf2-sha512\",\"additionalParameters\":{}}"
    }
  ]
}""",
    ),
    (
        "json",
        "keycloak realm certs endpoint",
        r"""{"keys":[{"kid":"{{N1:nb64url(32)}}","kty":"RSA","alg":"RS256","use":"sig","n":"{{N2:jwkn}}","e":"AQAB","x5c":["{{N3:certbody}}"],"x5t":"{{N4:nb64url(20)}}","x5t#S256":"{{N5:nb64url(32)}}"}]}""",
    ),
    (
        "shell",
        "kcadm get clients ids",
        r"""$ kcadm.sh get clients -r {{N1:word}} --fields id,clientId,enabled
[ {
  "id" : "{{N2:uuid}}",
  "clientId" : "account",
  "enabled" : true
}, {
  "id" : "{{N3:uuid}}",
  "clientId" : "restic-browser",
  "enabled" : true
} ]""",
    ),
    (
        "shell",
        "keycloak env from files and vault",
        r"""KC_DB_USERNAME=keycloak
KC_DB_PASSWORD=${vault.kc_db_password}
KC_SPI_VAULT_FILE_PATH=/opt/keycloak/vault
KC_HTTPS_CERTIFICATE_FILE=/etc/x509/https/tls.crt
KC_HTTPS_CERTIFICATE_KEY_FILE=/etc/x509/https/tls.key""",
    ),
    (
        "yaml",
        "keycloak helm values existing secret",
        r"""auth:
  adminUser: admin
  existingSecret: keycloak-admin
  passwordSecretKey: admin-password
externalDatabase:
  host: {{N1:host}}
  user: keycloak
  existingSecret: keycloak-db
  existingSecretPasswordKey: password""",
    ),
    (
        "json",
        "keycloak realm public key in realm info",
        r"""{"realm":"{{N1:word}}","public_key":"{{N2:nb64(294)}}","token-service":"https://sso.{{N3:dom}}/realms/{{N1}}/protocol/openid-connect","account-service":"https://sso.{{N3}}/realms/{{N1}}/account","tokens-not-before":0}""",
    ),
    (
        "plain",
        "keycloak server log ids",
        r"""{{N1:ts}} INFO  [org.keycloak.events] (executor-thread-4) type="LOGIN", realmId="{{N2:uuid}}", realmName="corp", clientId="oauth2-proxy", userId="{{N3:uuid}}", sessionId="{{N4:uuid}}", ipAddress="{{N5:ip}}", auth_method="openid-connect", code_id="{{N4}}"
""",
    ),
    # ---- Entra
    (
        "shell",
        "az ad app show without secret value",
        r"""$ az ad app show --id {{N1:uuid}} --query '{appId:appId, passwordCredentials:passwordCredentials}'
{
  "appId": "{{N1}}",
  "passwordCredentials": [
    {
      "displayName": "backup-sync",
      "endDateTime": "{{N2:ts}}",
      "hint": "{{N3:nalnum(3)}}",
      "keyId": "{{N4:uuid}}",
      "secretText": null,
      "startDateTime": "{{N5:ts}}"
    }
  ]
}""",
    ),
    (
        "json",
        "entra app manifest key credentials public cert",
        r"""{
  "id": "{{N1:uuid}}",
  "appId": "{{N2:uuid}}",
  "signInAudience": "AzureADMyOrg",
  "keyCredentials": [
    {
      "customKeyIdentifier": "{{N3:thumb}}",
      "displayName": "CN=backup-sync",
      "endDateTime": "{{N4:ts}}",
      "key": "{{N5:certbody}}",
      "keyId": "{{N6:uuid}}",
      "type": "AsymmetricX509Cert",
      "usage": "Verify"
    }
  ]
}""",
    ),
    (
        "shell",
        "entra workload identity federation env",
        r"""AZURE_TENANT_ID={{N1:uuid}}
AZURE_CLIENT_ID={{N2:uuid}}
AZURE_FEDERATED_TOKEN_FILE=/var/run/secrets/azure/tokens/azure-identity-token
AZURE_AUTHORITY_HOST=https://login.microsoftonline.com/""",
    ),
    (
        "url",
        "entra openid configuration url",
        r"""https://login.microsoftonline.com/{{N1:uuid}}/v2.0/.well-known/openid-configuration?appid={{N2:uuid}}""",
    ),
    (
        "plain",
        "entra sign-in log entry ids",
        r"""Date: {{N1:ts}}  Request ID: {{N2:uuid}}  Correlation ID: {{N3:uuid}}
User: {{N4:email}}  Application: Veeam Backup for M365  Application ID: {{N5:uuid}}
Status: Failure  Sign-in error code: 7000215  Failure reason: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.""",
    ),
    (
        "source",
        "msal with certificate thumbprint",
        r"""app = msal.ConfidentialClientApplication(
    client_id="{{N1:uuid}}",
    authority="https://login.microsoftonline.com/{{N2:uuid}}",
    client_credential={"thumbprint": "{{N3:thumb}}", "private_key": open("/etc/backup/sync.key").read()},
)""",
    ),
    (
        "yaml",
        "azure key vault reference in values",
        r"""backup:
  azure:
    tenantId: {{N1:uuid}}
    clientId: {{N2:uuid}}
    clientSecret: "@Microsoft.KeyVault(SecretUri=https://kv-{{N3:word}}.vault.azure.net/secrets/backup-sync-secret/)"
    storageAccount: {{N4:nlalnum(12)}}""",
    ),
    # ---- Google
    (
        "shell",
        "gcloud service account keys list",
        r"""$ gcloud iam service-accounts keys list --iam-account=gam-project@{{N1:word}}-admin.iam.gserviceaccount.com
KEY_ID                                    CREATED_AT            EXPIRES_AT            DISABLED
{{N2:nhex(40)}}  {{N3:ts}}  9999-12-31T23:59:59Z  False
{{N4:nhex(40)}}  {{N5:ts}}  9999-12-31T23:59:59Z  True""",
    ),
    (
        "plain",
        "domain wide delegation scopes table",
        r"""Admin console > Security > API controls > Domain-wide delegation
Client ID              Name                  OAuth scopes
{{N1:num(21)}}  dir-sync              https://www.googleapis.com/auth/admin.directory.user.readonly, https://www.googleapis.com/auth/admin.directory.group.readonly
{{N2:num(21)}}  gam-project           https://mail.google.com/, https://www.googleapis.com/auth/admin.directory.user""",
    ),
    (
        "shell",
        "google application credentials path",
        r"""export GOOGLE_APPLICATION_CREDENTIALS=/etc/gws/sa-{{N1:nhex(12)}}.json
export GAM_CFG_DIR=/srv/gam
gam info domain""",
    ),
    (
        "json",
        "google service account resource without key",
        r"""{
  "name": "projects/{{N1:word}}-it/serviceAccounts/dir-sync@{{N1}}-it.iam.gserviceaccount.com",
  "projectId": "{{N1}}-it",
  "uniqueId": "{{N2:num(21)}}",
  "email": "dir-sync@{{N1}}-it.iam.gserviceaccount.com",
  "displayName": "Directory sync",
  "etag": "{{N3:nb64(8)}}",
  "oauth2ClientId": "{{N2}}"
}""",
    ),
    (
        "json",
        "google oauth certs public",
        r"""{
  "{{N1:nhex(40)}}": "-----BEGIN CERTIFICATE-----\n{{N2:certbody(480)}}\n-----END CERTIFICATE-----\n",
  "{{N3:nhex(40)}}": "-----BEGIN CERTIFICATE-----\n{{N4:certbody(480)}}\n-----END CERTIFICATE-----\n"
}""",
    ),
    # ---- LDAP / AD
    (
        "shell",
        "ldapsearch with password file",
        r"""ldapsearch -H ldaps://{{N1:host}} -x -D "cn=svc-backup,ou=services,dc=corp,dc=example,dc=net" \
  -y /etc/ldap/backup.secret -b "ou=people,dc=corp,dc=example,dc=net" "(uid={{N2:uname}})" dn""",
    ),
    (
        "shell",
        "ldapsearch with prompt",
        r"""$ ldapsearch -x -W -D cn=admin,dc=example,dc=com -H ldap://{{N1:host}} -b dc=example,dc=com "(objectClass=posixGroup)" cn gidNumber
Enter LDAP Password:
# backup-operators, groups, example.com
dn: cn=backup-operators,ou=groups,dc=example,dc=com
cn: backup-operators
gidNumber: {{N2:int(10000,19999)}}""",
    ),
    (
        "shell",
        "ldapsearch gssapi",
        r"""kinit -kt /etc/krb5.keytab host/{{N1:host}}@CORP.EXAMPLE.NET
ldapsearch -Y GSSAPI -H ldap://{{N2:host}} -b dc=corp,dc=example,dc=net '(sAMAccountName=svc-*)' objectSid objectGUID""",
    ),
    (
        "plain",
        "ldif with ssha password hash",
        r"""dn: uid={{N1:uname}},ou=people,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: posixAccount
uid: {{N1}}
uidNumber: {{N2:int(10000,60000)}}
gidNumber: 100
homeDirectory: /home/{{N1}}
userPassword: {{N3:ssha}}""",
    ),
    (
        "plain",
        "ldif with base64 of hashed password",
        r"""dn: uid={{N1:uname}},ou=people,dc=example,dc=com
cn: {{N2:user}}
userPassword:: {{N3:sshab64}}
sshPublicKey: {{N4:sshpub}} {{N1}}@laptop""",
    ),
    (
        "plain",
        "ad object ldif with sid and guid",
        r"""dn: CN={{N1:user}},OU=Staff,DC=corp,DC=example,DC=net
objectGUID:: {{N2:nb64(16)}}
objectSid:: {{N3:nb64(28)}}
sAMAccountName: {{N4:uname}}
userAccountControl: 512
pwdLastSet: {{N5:num(18)}}
lastLogonTimestamp: {{N6:num(18)}}""",
    ),
    (
        "shell",
        "sssd with keytab auth",
        r"""[domain/corp.example.net]
id_provider = ad
access_provider = ad
ad_domain = corp.example.net
krb5_realm = CORP.EXAMPLE.NET
krb5_keytab = /etc/krb5.keytab
ldap_id_mapping = True
fallback_homedir = /home/%u@%d""",
    ),
    (
        "shell",
        "ldap.conf tls only",
        r"""# /etc/openldap/ldap.conf
BASE    dc=example,dc=com
URI     ldaps://{{N1:host}} ldaps://{{N2:host}}
TLS_CACERT /etc/pki/tls/certs/ca-bundle.crt
TLS_REQCERT demand
SASL_MECH GSSAPI""",
    ),
    (
        "shell",
        "shadow file entries",
        r"""$ sudo grep -E '^(backup|restic):' /etc/shadow
backup:{{N1:shadow}}:20100:0:99999:7:::
restic:!:20110:0:99999:7:::""",
    ),
    (
        "yaml",
        "ldap bind password from env var",
        r"""ldap:
  url: ldaps://{{N1:host}}:636
  bind_dn: cn=nextcloud,ou=services,dc=example,dc=com
  bind_password: ${LDAP_BIND_PASSWORD}
  user_base: ou=people,dc=example,dc=com""",
    ),
    (
        "plain",
        "samba-tool user show",
        r"""$ samba-tool user show svc-backup
dn: CN=svc-backup,CN=Users,DC=corp,DC=example,DC=net
objectClass: user
cn: svc-backup
whenCreated: 20260114093011.0Z
objectGUID: {{N1:uuid}}
objectSid: S-1-5-21-{{N2:num(10)}}-{{N3:num(10)}}-{{N4:num(9)}}-1107
sAMAccountName: svc-backup
userPrincipalName: svc-backup@corp.example.net""",
    ),
    # ---- SAML
    (
        "plain",
        "saml idp metadata with certificate",
        r"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sso.{{N1:dom}}/realms/corp">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:KeyName>{{N2:nb64url(32)}}</ds:KeyName>
        <ds:X509Data><ds:X509Certificate>{{N3:certbody}}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://sso.{{N1}}/realms/corp/protocol/saml"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>""",
    ),
    (
        "plain",
        "saml signing certificate pem",
        r"""$ cat /etc/shibboleth/sp-signing-cert.pem
{{N1:cert}}
$ openssl x509 -in /etc/shibboleth/sp-signing-cert.pem -noout -fingerprint -sha256
sha256 Fingerprint={{N2:md5fp}}:{{N3:md5fp}}""",
    ),
    (
        "url",
        "saml redirect binding request",
        r"""https://sso.{{N1:dom}}/realms/corp/protocol/saml?SAMLRequest={{N2:nb64(300)}}&RelayState={{N3:nb64url(24)}}&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature={{N4:nb64(256)}}""",
    ),
    (
        "yaml",
        "saml sp config with key file references",
        r"""saml:
  sp:
    entity_id: https://wiki.{{N1:dom}}/saml/metadata
    certificate_file: /etc/wiki/saml/sp.crt
    private_key_file: /etc/wiki/saml/sp.key
  idp:
    metadata_url: https://{{N2:word}}.okta.com/app/{{N3:oktaid(exk)}}/sso/saml/metadata
    fingerprint: "{{N4:md5fp}}"
""",
    ),
]
NEGATIVE_TEMPLATES += [
    # ---- oauth2-proxy / Dex / Authelia / Authentik / Pomerium
    (
        "shell",
        "oauth2-proxy with secret files",
        r"""oauth2-proxy --provider=oidc \
  --oidc-issuer-url=https://sso.{{N1:dom}}/realms/ops \
  --client-id=oauth2-proxy \
  --client-secret-file=/run/secrets/oauth2_proxy_client_secret \
  --cookie-secret-file=/run/secrets/oauth2_proxy_cookie_secret \
  --email-domain={{N1}} --upstream=http://127.0.0.1:9000""",
    ),
    (
        "yaml",
        "oauth2-proxy helm existing secret",
        r"""config:
  existingSecret: oauth2-proxy-creds
  cookieName: _oauth2_proxy
extraArgs:
  provider: oidc
  oidc-issuer-url: https://dex.{{N1:dom}}/dex
  client-id: oauth2-proxy
  skip-provider-button: true""",
    ),
    (
        "yaml",
        "dex static client secretEnv",
        r"""staticClients:
- id: argo-cd
  name: Argo CD
  redirectURIs:
  - https://argocd.{{N1:dom}}/auth/callback
  secretEnv: ARGO_CD_CLIENT_SECRET
connectors:
- type: ldap
  id: ldap
  config:
    host: {{N2:host}}:636
    bindDN: uid=dex,cn=sysaccounts,cn=etc,dc=example,dc=com
    bindPW: $DEX_LDAP_BIND_PW""",
    ),
    (
        "yaml",
        "dex static passwords bcrypt",
        r"""enablePasswordDB: true
staticPasswords:
- email: "admin@{{N1:dom}}"
  hash: "{{N2:bcrypt}}"
  username: "admin"
  userID: "{{N3:uuid}}"
""",
    ),
    (
        "yaml",
        "authelia oidc client hashed secret",
        r"""identity_providers:
  oidc:
    clients:
      - client_id: '{{N1:nalnum(64)}}'
        client_name: 'Nextcloud'
        client_secret: '{{N2:pbkdf2}}'
        public: false
        authorization_policy: 'two_factor'
        redirect_uris:
          - 'https://cloud.{{N3:dom}}/apps/oidc_login/oidc'""",
    ),
    (
        "yaml",
        "authelia users database argon2",
        r"""users:
  {{N1:uname}}:
    disabled: false
    displayname: '{{N2:user}}'
    password: '{{N3:argon2}}'
    email: '{{N4:email}}'
    groups:
      - admins
      - backup""",
    ),
    (
        "shell",
        "authelia secrets from files env",
        r"""AUTHELIA_IDENTITY_VALIDATION_RESET_PASSWORD_JWT_SECRET_FILE=/run/secrets/authelia/jwt
AUTHELIA_SESSION_SECRET_FILE=/run/secrets/authelia/session
AUTHELIA_STORAGE_ENCRYPTION_KEY_FILE=/run/secrets/authelia/storage
AUTHELIA_STORAGE_POSTGRES_PASSWORD_FILE=/run/secrets/authelia/pg
AUTHELIA_NOTIFIER_SMTP_PASSWORD_FILE=/run/secrets/authelia/smtp""",
    ),
    (
        "yaml",
        "authelia config with template references",
        r"""storage:
  encryption_key: {{ secret "/run/secrets/authelia/storage" }}
  postgres:
    address: 'tcp://{{N1:host}}:5432'
    password: {{ env "AUTHELIA_PG_PASSWORD" }}
session:
  cookies:
    - domain: '{{N2:dom}}'
      authelia_url: 'https://auth.{{N2}}'""",
    ),
    (
        "yaml",
        "authentik blueprint env tags",
        r"""version: 1
entries:
  - model: authentik_providers_oauth2.oauth2provider
    identifiers:
      name: grafana
    attrs:
      client_type: confidential
      client_id: {{N1:nalnum(40)}}
      client_secret: !Env GRAFANA_OAUTH_SECRET
      signing_key: !Find [authentik_crypto.certificatekeypair, [name, authentik Self-signed Certificate]]""",
    ),
    (
        "shell",
        "authentik compose env file references",
        r"""PG_PASS=${PG_PASS:?database password required}
AUTHENTIK_SECRET_KEY=${AUTHENTIK_SECRET_KEY:?secret key required}
AUTHENTIK_POSTGRESQL__HOST=postgresql
AUTHENTIK_POSTGRESQL__USER=authentik
AUTHENTIK_POSTGRESQL__NAME=authentik""",
    ),
    (
        "plain",
        "authentik token list api response",
        r"""{"pagination":{"count":2},"results":[{"pk":"{{N1:uuid}}","identifier":"ak-outpost-{{N2:uuid}}-api","intent":"api","user":{{N3:int(1,99)}},"description":"autogenerated by authentik for Outpost ldap","expires":null,"expiring":false},{"pk":"{{N4:uuid}}","identifier":"ci-backup","intent":"api","user":7,"description":"","expires":"{{N5:ts}}","expiring":true}]}""",
    ),
    (
        "yaml",
        "pomerium with secret files",
        r"""authenticate_service_url: https://authenticate.{{N1:dom}}
shared_secret_file: /run/secrets/pomerium_shared_secret
cookie_secret_file: /run/secrets/pomerium_cookie_secret
idp_provider: oidc
idp_provider_url: https://sso.{{N1}}/realms/corp
idp_client_id: pomerium
idp_client_secret_file: /run/secrets/pomerium_idp_secret""",
    ),
    (
        "plain",
        "oauth2-proxy log with masked cookie",
        r"""{{N1:ts}} [oauthproxy.go:866] {{N2:ip}} - {{N3:uuid}} - {{N4:email}} [{{N1}}] [AuthSuccess] Authenticated via OAuth2: Session{email:{{N4}} user:{{N5:uuid}} PreferredUsername:{{N6:uname}} token:true id_token:true created:{{N1}} expires:{{N1}} refresh_token:true}
{{N1}} GET / "_oauth2_proxy=..." 202""",
    ),
    # ---- SCIM
    (
        "plain",
        "entra provisioning log ids",
        r"""Provisioning log  {{N1:ts}}
Action: Update  Status: Success
Source identity: {{N2:email}} (object id {{N3:uuid}})
Target identity: {{N4:nhex(24)}}
Job ID: scim.{{N5:nhex(32)}}.{{N6:uuid}}
Cycle ID: {{N7:uuid}}  Change ID: {{N8:uuid}}""",
    ),
    (
        "json",
        "scim user resource",
        r"""{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "id": "{{N1:uuid}}",
  "externalId": "{{N2:oktaid(00u)}}",
  "userName": "{{N3:email}}",
  "active": true,
  "meta": {"resourceType": "User", "version": "W/\"{{N4:nhex(8)}}\"", "location": "https://scim.{{N5:dom}}/scim/v2/Users/{{N1}}"}
}""",
    ),
    (
        "shell",
        "scim token via variable in curl",
        r"""curl -s -H "Authorization: Bearer ${SCIM_TOKEN:?}" \
  -H 'Content-Type: application/scim+json' \
  "https://scim.{{N1:dom}}/scim/v2/Users?filter=userName%20eq%20%22{{N2:uname}}%22"
""",
    ),
    # ---- Kerberos
    (
        "shell",
        "klist keytab listing",
        r"""$ sudo klist -kte /etc/krb5.keytab
Keytab name: FILE:/etc/krb5.keytab
KVNO Timestamp           Principal
---- ------------------- ------------------------------------------------------
   3 {{N1:date}} 02:10:44 host/{{N2:host}}@CORP.EXAMPLE.NET (aes256-cts-hmac-sha1-96)
   3 {{N1}} 02:10:44 host/{{N2}}@CORP.EXAMPLE.NET (aes128-cts-hmac-sha1-96)
   3 {{N1}} 02:10:44 nfs/{{N2}}@CORP.EXAMPLE.NET (aes256-cts-hmac-sha1-96)""",
    ),
    (
        "shell",
        "krb5.conf",
        r"""[libdefaults]
    default_realm = CORP.EXAMPLE.NET
    dns_lookup_kdc = true
    rdns = false
    ticket_lifetime = 24h
    default_ccache_name = KEYRING:persistent:%{uid}

[realms]
    CORP.EXAMPLE.NET = {
        kdc = {{N1:host}}
        admin_server = {{N1}}
    }""",
    ),
    (
        "shell",
        "kinit with keytab path",
        r"""kinit -kt /etc/security/keytabs/backup.service.keytab backup/{{N1:host}}@CORP.EXAMPLE.NET && klist
Ticket cache: KCM:0
Default principal: backup/{{N1}}@CORP.EXAMPLE.NET

Valid starting       Expires              Service principal
{{N2:date}} 02:00:01  {{N2}} 12:00:01  krbtgt/CORP.EXAMPLE.NET@CORP.EXAMPLE.NET""",
    ),
    (
        "yaml",
        "keytab mounted from secret reference",
        r"""volumes:
  - name: keytab
    secret:
      secretName: hdfs-backup-keytab
      items:
        - key: backup.keytab
          path: backup.keytab
env:
  - name: KRB5_CLIENT_KTNAME
    value: /etc/keytab/backup.keytab""",
    ),
    # ---- SSH
    (
        "shell",
        "known_hosts lines",
        r"""$ cat ~/.ssh/known_hosts
{{N1:host}},{{N2:ip}} {{N3:sshpub}}
{{N4:knownhash}} {{N5:sshpub(ecdsa)}}
[{{N6:host}}]:2222 {{N7:sshpub(rsa)}}""",
    ),
    (
        "shell",
        "authorized_keys with cert authority",
        r"""# /home/backup/.ssh/authorized_keys
cert-authority,principals="backup" {{N1:sshpub}} user-ca@{{N2:dom}}
command="borg serve --restrict-to-path /srv/borg/{{N3:host}}",restrict {{N4:sshpub}} root@{{N3}}""",
    ),
    (
        "plain",
        "ssh host key fingerprint prompt",
        r"""The authenticity of host '{{N1:host}} ({{N2:ip}})' can't be established.
ED25519 key fingerprint is {{N3:fp}}.
This key is not known by any other names.
Are you sure you want to continue connecting (yes/no/[fingerprint])? yes
Warning: Permanently added '{{N1}}' (ED25519) to the list of known hosts.""",
    ),
    (
        "plain",
        "ssh-keygen -L certificate details",
        r"""$ ssh-keygen -L -f ~/.ssh/id_ed25519-cert.pub
/home/{{N1:uname}}/.ssh/id_ed25519-cert.pub:
        Type: ssh-ed25519-cert-v01@openssh.com user certificate
        Public key: ED25519-CERT {{N2:fp}}
        Signing CA: ED25519 {{N3:fp}} (using ssh-ed25519)
        Key ID: "{{N1}}@{{N4:dom}}"
        Serial: {{N5:num(19)}}
        Valid: from {{N6:ts}} to {{N7:ts}}
        Principals:
                {{N1}}
                backup
        Critical Options: (none)
        Extensions:
                permit-pty""",
    ),
    (
        "shell",
        "ssh certificate file",
        r"""$ cat ~/.ssh/id_ed25519-cert.pub
{{N1:sshcert}} {{N2:uname}}@laptop""",
    ),
    (
        "shell",
        "ssh-add list fingerprints",
        r"""$ ssh-add -l
256 {{N1:fp}} {{N2:uname}}@laptop (ED25519)
3072 {{N3:fp}} deploy@ci (RSA)
256 {{N4:fp}} {{N2}}@yubikey (ECDSA-SK)""",
    ),
    (
        "shell",
        "ssh-keyscan output",
        r"""$ ssh-keyscan -p 2222 {{N1:host}}
# {{N1}}:2222 SSH-2.0-OpenSSH_9.6
[{{N1}}]:2222 {{N2:sshpub(rsa)}}
[{{N1}}]:2222 {{N3:sshpub(ecdsa)}}
[{{N1}}]:2222 {{N4:sshpub}}""",
    ),
    (
        "shell",
        "sshd_config trusted ca",
        r"""TrustedUserCAKeys /etc/ssh/user_ca.pub
HostCertificate /etc/ssh/ssh_host_ed25519_key-cert.pub
HostKey /etc/ssh/ssh_host_ed25519_key
AuthorizedPrincipalsFile /etc/ssh/principals/%u
PasswordAuthentication no""",
    ),
    (
        "shell",
        "ssh public key listing",
        r"""$ cat ~/.ssh/id_ed25519.pub ~/.ssh/id_rsa.pub
{{N1:sshpub}} {{N2:email}}
{{N3:sshpub(rsa)}} {{N2}}""",
    ),
    (
        "json",
        "step ca jwk provisioner with encrypted key",
        r"""{
  "type": "JWK",
  "name": "ops@{{N1:dom}}",
  "key": {
    "use": "sig",
    "kty": "EC",
    "kid": "{{N2:nb64url(32)}}",
    "crv": "P-256",
    "alg": "ES256",
    "x": "{{N3:jwkxy}}",
    "y": "{{N4:jwkxy}}"
  },
  "encryptedKey": "{{N5:jwe}}"
}""",
    ),
    (
        "shell",
        "step certificate inspect",
        r"""$ step certificate inspect /etc/step/certs/{{N1:host}}.crt --short
X.509v3 TLS Certificate (ECDSA P-256) [Serial: {{N2:num(38)}}]
  Subject:     {{N1}}
  Issuer:      Corp Internal Intermediate CA
  Provisioner: acme [ID: {{N3:nb64url(32)}}]
  Valid from:  {{N4:ts}}
          to:  {{N5:ts}}""",
    ),
    (
        "shell",
        "step ca bootstrap fingerprint",
        r"""step ca bootstrap --ca-url https://ca.{{N1:dom}} --fingerprint {{N2:sha256}} --install
The root certificate has been saved in /home/{{N3:uname}}/.step/certs/root_ca.crt.""",
    ),
    (
        "plain",
        "teleport tctl status and nodes",
        r"""$ tctl status
Cluster  teleport.{{N1:dom}}
Version  16.4.2
Host CA  never updated
User CA  never updated
CA pin   sha256:{{N2:sha256}}
$ tsh ls
Node Name         Address          Labels
----------------- ---------------- -----------------------
{{N3:host}}       ⟵ Tunnel         env=prod,role=backup""",
    ),
    (
        "shell",
        "teleport join with token file reference",
        r"""teleport start --roles=node --token=/var/lib/teleport/join-token \
  --ca-pin=sha256:{{N1:sha256}} --auth-server=teleport.{{N2:dom}}:443""",
    ),
    (
        "plain",
        "boundary ids listing",
        r"""$ boundary targets list -recursive
Target information:
  ID:                    ttcp_{{N1:nalnum(10)}}
    Scope ID:            p_{{N2:nalnum(10)}}
    Name:                pg-primary
    Type:                tcp
    Authorize Session:   true
  ID:                    ttcp_{{N3:nalnum(10)}}
    Scope ID:            p_{{N2}}
    Name:                nas-ssh""",
    ),
    (
        "shell",
        "boundary password from env reference",
        r"""boundary authenticate password -auth-method-id ampw_{{N1:nalnum(10)}} \
  -login-name backup-bot -password env://BOUNDARY_BACKUP_PASSWORD""",
    ),
    (
        "shell",
        "vault token lookup accessor only",
        r"""$ vault token lookup -accessor {{N1:nalnum(24)}}
Key                 Value
---                 -----
accessor            {{N1}}
creation_time       {{N2:num(10)}}
display_name        approle
entity_id           {{N3:uuid}}
expire_time         {{N4:ts}}
id                  n/a
policies            [backup default]""",
    ),
    (
        "yaml",
        "vault agent template with paths",
        r"""template:
  - contents: |
      {{ with secret "kv/data/backup/restic" }}
      RESTIC_PASSWORD={{ .Data.data.password }}
      AWS_SECRET_ACCESS_KEY={{ .Data.data.aws_secret }}
      {{ end }}
    destination: /etc/restic/env
auto_auth:
  method:
    type: approle
    config:
      role_id_file_path: /etc/vault/role-id
      secret_id_file_path: /etc/vault/secret-id""",
    ),
    (
        "shell",
        "vault ssh ca public key",
        r"""$ vault read -field=public_key ssh-client-signer/config/ca
{{N1:sshpub(rsa)}}
$ vault read ssh-client-signer/roles/ops
Key                        Value
---                        -----
allowed_users              ubuntu,backup
default_extensions         map[permit-pty:]
key_type                   ca
ttl                        30m""",
    ),
    (
        "shell",
        "vault kv get masked via field reference",
        r"""RESTIC_PASSWORD_COMMAND="vault kv get -field=password kv/backup/restic"
export RESTIC_PASSWORD_COMMAND
restic -r sftp:backup@{{N1:host}}:/srv/restic snapshots""",
    ),
    # ---- TOTP
    (
        "url",
        "otpauth uri documented example",
        r"""otpauth://totp/Example:alice@google.com?secret={{N1:totpexample}}&issuer=Example""",
    ),
    (
        "plain",
        "totp enrolment instructions placeholder",
        r"""1. Open your authenticator app and choose "Enter a setup key".
2. Account name: {{N1:email}}
3. Key: <the 32-character key shown on the enrolment page>
4. Type: Time based
Then type the 6-digit code the app shows to finish.""",
    ),
    (
        "plain",
        "mfa factor list",
        r"""$ okta factors list --user {{N1:oktaid(00u)}}
ID                      TYPE              PROVIDER  STATUS
{{N2:oktaid(mbf)}}    token:software:totp  GOOGLE    ACTIVE
{{N3:oktaid(opf)}}    push                 OKTA      ACTIVE
{{N4:oktaid(fwf)}}    webauthn             FIDO      ACTIVE""",
    ),
    # ---- password managers
    (
        "shell",
        "op run env file references",
        r"""# .env.op (committed: references only)
RESTIC_PASSWORD="op://Infra/restic-prod/password"
AWS_ACCESS_KEY_ID="op://Infra/restic-prod/access key id"
AWS_SECRET_ACCESS_KEY="op://Infra/restic-prod/secret access key"
$ op run --env-file=.env.op -- restic snapshots""",
    ),
    (
        "shell",
        "op item get without reveal",
        r"""$ op item get "LDAP bind svc-nextcloud" --vault Infra
ID:          {{N1:nlalnum(26)}}
Title:       LDAP bind svc-nextcloud
Vault:       Infra ({{N2:nlalnum(26)}})
Fields:
  username:    svc-nextcloud
  password:    [use 'op item get {{N1}} --reveal' to reveal]
  server:      ldaps://{{N3:host}}""",
    ),
    (
        "shell",
        "bw status and list ids",
        r"""$ bw status
{"serverUrl":"https://vault.{{N1:dom}}","lastSync":"{{N2:ts}}","userEmail":"{{N3:email}}","userId":"{{N4:uuid}}","status":"locked"}
$ bw list folders --session "$BW_SESSION" | jq -r '.[].id'
{{N5:uuid}}
{{N6:uuid}}""",
    ),
    (
        "shell",
        "bw unlock prompt hidden",
        r"""$ bw unlock --raw
? Master password: [hidden]
$ export BW_SESSION=$(bw unlock --passwordfile ~/.config/bw/master --raw)""",
    ),
    (
        "shell",
        "keepassxc-cli ls",
        r"""$ keepassxc-cli ls -R ~/vaults/infra.kdbx
Enter password to unlock /home/{{N1:uname}}/vaults/infra.kdbx:
Backups/
  B2 application key
  restic repo (prod)
  borg {{N2:host}}
Network/
  RADIUS shared secret
  Wi-Fi guest""",
    ),
    (
        "shell",
        "pass ls tree",
        r"""$ pass ls infra
infra
├── borg
│   ├── {{N1:host}}
│   └── {{N2:host}}
├── ldap
│   └── svc-backup
└── restic
    └── prod""",
    ),
    # ---- RADIUS / FreeIPA
    (
        "shell",
        "freeradius default testing secret",
        r"""client localhost {
	ipaddr = 127.0.0.1
	proto = *
	secret = testing123
	require_message_authenticator = no
}""",
    ),
    (
        "shell",
        "radtest with documented example",
        r"""$ radtest bob hello localhost 0 testing123
Sent Access-Request Id 214 from 0.0.0.0:51234 to 127.0.0.1:1812 length 73
	User-Name = "bob"
	User-Password = "hello"
Received Access-Accept Id 214 from 127.0.0.1:1812 to 127.0.0.1:51234 length 20""",
    ),
    (
        "plain",
        "ipa user-show",
        r"""$ ipa user-show {{N1:uname}} --all
  dn: uid={{N1}},cn=users,cn=accounts,dc=ipa,dc=example
  User login: {{N1}}
  First name: {{N2:word}}
  Home directory: /home/{{N1}}
  Login shell: /bin/bash
  Principal name: {{N1}}@IPA.EXAMPLE
  UID: {{N3:int(1000000,1999999)}}
  GID: {{N3}}
  Password: True
  Member of groups: ipausers, backup-operators
  ipauniqueid: {{N4:uuid}}
  krbextradata: {{N5:nb64(24)}}
  krblastpwdchange: 20260114093011Z""",
    ),
    (
        "shell",
        "ipa-getkeytab to file",
        r"""ipa-getkeytab -s {{N1:host}} -p HTTP/{{N2:host}}@IPA.EXAMPLE -k /etc/httpd/conf/http.keytab
Keytab successfully retrieved and stored in: /etc/httpd/conf/http.keytab""",
    ),
]
NEGATIVE_TEMPLATES += [
    # ---- restic
    (
        "shell",
        "restic snapshots output",
        r"""$ restic -r sftp:backup@{{N1:host}}:/srv/restic snapshots --compact
repository {{N2:snap}} opened (version 2, compression level auto)
ID        Time                 Host        Tags
------------------------------------------------
{{N3:snap}}  {{N4:date}} 02:15:03  {{N5:host}}  nightly
{{N6:snap}}  {{N7:date}} 02:15:07  {{N5}}  nightly
{{N8:snap}}  {{N9:date}} 02:15:01  {{N5}}  weekly
------------------------------------------------
3 snapshots""",
    ),
    (
        "shell",
        "restic init output",
        r"""$ restic init --repository-file /etc/restic/repo --password-file /etc/restic/password
created restic repository {{N1:nhex(10)}} at s3:https://s3.amazonaws.com/{{N2:word}}-restic

Please note that knowledge of your password is required to access
the repository. Losing your password means that your data is
irrecoverably lost.""",
    ),
    (
        "shell",
        "restic key list output",
        r"""$ restic key list
repository {{N1:snap}} opened (version 2, compression level auto)
 ID        User  Host              Created
------------------------------------------------------
*{{N2:snap}}  root  {{N3:host}}  {{N4:date}} 21:04:11
 {{N5:snap}}  root  {{N6:host}}  {{N7:date}} 09:33:52
------------------------------------------------------""",
    ),
    (
        "json",
        "restic cat config",
        r"""{
  "version": 2,
  "id": "{{N1:sha256}}",
  "chunker_polynomial": "{{N2:nhex(14)}}"
}""",
    ),
    (
        "json",
        "restic key file with encrypted data",
        r"""{
  "created": "{{N1:ts}}",
  "username": "root",
  "hostname": "{{N2:host}}",
  "kdf": "scrypt",
  "N": 32768,
  "r": 8,
  "p": 7,
  "salt": "{{N3:nb64(64)}}",
  "data": "{{N4:nb64(160)}}"
}""",
    ),
    (
        "shell",
        "restic password command and file",
        r"""export RESTIC_REPOSITORY_FILE=/etc/restic/repository
export RESTIC_PASSWORD_COMMAND='secret-tool lookup service restic repo prod'
export AWS_SHARED_CREDENTIALS_FILE=/etc/restic/aws-credentials
restic backup --files-from /etc/restic/includes --exclude-file /etc/restic/excludes""",
    ),
    (
        "plain",
        "restic backup summary",
        r"""Files:         112 new,   843 changed, 190211 unmodified
Dirs:           17 new,   201 changed, 30114 unmodified
Added to the repository: {{N1:size}} ({{N2:size}} stored)

processed 191166 files, {{N3:size}} in 2:41
snapshot {{N4:snap}} saved""",
    ),
    (
        "shell",
        "restic list blobs and find",
        r"""$ restic list blobs | head -n 4
data {{N1:sha256}}
data {{N2:sha256}}
tree {{N3:sha256}}
data {{N4:sha256}}
$ restic find --blob {{N1}}
Found blob {{N1}}
 ... in file /srv/www/index.html
     (tree {{N3}})
 ... in snapshot {{N5:snap}} ({{N6:ts}})""",
    ),
    (
        "json",
        "restic snapshots json",
        r"""[{"time":"{{N1:ts}}","parent":"{{N2:sha256}}","tree":"{{N3:sha256}}","paths":["/etc","/srv"],"hostname":"{{N4:host}}","username":"root","tags":["nightly"],"program_version":"restic 0.17.3","summary":{"files_new":12,"data_added":{{N5:num(8)}}},"id":"{{N6:sha256}}","short_id":"{{N7:snap}}"}]""",
    ),
    (
        "plain",
        "restic check output",
        r"""using temporary cache in /tmp/restic-check-cache-{{N1:num(9)}}
repository {{N2:snap}} opened (version 2, compression level auto)
created new cache in /tmp/restic-check-cache-{{N1}}
load indexes
check all packs
check snapshots, trees and blobs
[0:04] 100.00%  31 / 31 snapshots
no errors were found""",
    ),
    (
        "url",
        "restic repository locations",
        r"""s3:https://s3.eu-central-1.amazonaws.com/{{N1:word}}-restic/{{N2:host}}""",
    ),
    ("url", "restic rest repository without credentials", r"""rest:https://{{N1:host}}:8000/{{N2:word}}/"""),
    (
        "shell",
        "rest-server htpasswd with bcrypt",
        r"""$ cat /srv/restic/.htpasswd
{{N1:uname}}:{{N2:htpasswd}}
{{N3:host}}:{{N4:htpasswd}}
$ rest-server --path /srv/restic --private-repos --tls --listen :8000""",
    ),
    (
        "shell",
        "restic env placeholders in docs",
        r"""# Fill in and copy to /etc/restic/env
RESTIC_REPOSITORY=s3:https://s3.amazonaws.com/<bucket>/<host>
RESTIC_PASSWORD=<your-repository-password>
AWS_ACCESS_KEY_ID=<access-key-id>
AWS_SECRET_ACCESS_KEY=<secret-access-key>""",
    ),
    (
        "yaml",
        "restic k8s secret from external secrets",
        r"""apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: restic-repo
spec:
  secretStoreRef:
    kind: ClusterSecretStore
    name: vault
  target:
    name: restic-repo
  data:
    - secretKey: RESTIC_PASSWORD
      remoteRef:
        key: kv/backup/restic
        property: password""",
    ),
    # ---- borg
    (
        "plain",
        "borg info output",
        r"""$ borg info
Repository ID: {{N1:sha256}}
Location: ssh://borg@{{N2:host}}/./repo
Encrypted: Yes (repokey BLAKE2b)
Cache: /root/.cache/borg/{{N1}}
Security dir: /root/.config/borg/security/{{N1}}
------------------------------------------------------------------------------
                       Original size      Compressed size    Deduplicated size
All archives:              {{N3:size}}            {{N4:size}}             {{N5:size}}

                       Unique chunks         Total chunks
Chunk index:                  {{N6:num(6)}}              {{N7:num(7)}}""",
    ),
    (
        "plain",
        "borg create stats",
        r"""------------------------------------------------------------------------------
Repository: ssh://borg@{{N1:host}}/./repo
Archive name: {{N2:host}}-{{N3:date}}
Archive fingerprint: {{N4:sha256}}
Time (start): Mon, {{N3}} 02:15:01
Duration: 3 minutes 12.44 seconds
Number of files: 214443
------------------------------------------------------------------------------""",
    ),
    (
        "shell",
        "borg passcommand",
        r"""export BORG_REPO=ssh://borg@{{N1:host}}/./{{N2:host}}
export BORG_PASSCOMMAND="cat /root/.borg-passphrase"
export BORG_RSH="ssh -i /root/.ssh/borg_ed25519 -o BatchMode=yes"
borg list --short""",
    ),
    (
        "yaml",
        "borgmatic with passcommand",
        r"""repositories:
  - path: ssh://{{N1:nlalnum(8)}}@{{N1}}.repo.borgbase.com/./repo
    label: borgbase
encryption_passcommand: secret-tool lookup borg-repository repo-name
ssh_command: ssh -i /root/.ssh/borgbase
keep_daily: 7""",
    ),
    (
        "plain",
        "borg list archives",
        r"""$ borg list ::
{{N1:host}}-2026-03-01T02:15:01    Sun, 2026-03-01 02:15:02 [{{N2:sha256}}]
{{N1}}-2026-03-02T02:15:01    Mon, 2026-03-02 02:15:03 [{{N3:sha256}}]
{{N1}}-2026-03-03T02:15:01    Tue, 2026-03-03 02:15:01 [{{N4:sha256}}]""",
    ),
    (
        "shell",
        "borg config repository id",
        r"""$ borg config /srv/borg/{{N1:host}} id
{{N2:sha256}}
$ cat /srv/borg/{{N1}}/config
[repository]
version = 1
segments_per_dir = 1000
max_segment_size = 524288000
append_only = 0
storage_quota = 0
additional_free_space = 0
id = {{N2}}""",
    ),
    (
        "shell",
        "borg passphrase placeholder changeme",
        r"""# borg-env.example
BORG_REPO=ssh://borg@backup.example.com/./myhost
BORG_PASSPHRASE=changeme
BORG_RSH='ssh -i ~/.ssh/id_borg'""",
    ),
    # ---- rclone
    (
        "shell",
        "rclone password command",
        r"""rclone --password-command "pass show rclone/config" sync /srv/photos secret:photos --transfers 8
rclone --password-command 'secret-tool lookup rclone config' lsd b2-offsite:""",
    ),
    (
        "shell",
        "rclone config with env auth",
        r"""[s3]
type = s3
provider = AWS
env_auth = true
region = eu-west-1
location_constraint = eu-west-1
storage_class = STANDARD_IA""",
    ),
    (
        "shell",
        "rclone sftp with key file",
        r"""[nas]
type = sftp
host = {{N1:host}}
user = rclone
key_file = ~/.ssh/rclone_ed25519
known_hosts_file = ~/.ssh/known_hosts
shell_type = unix""",
    ),
    (
        "plain",
        "rclone config show redacted",
        r"""$ rclone config redacted b2-offsite
[b2-offsite]
type = b2
account = XXX
key = XXX
hard_delete = true
### Double check the config for sensitive info before posting publicly""",
    ),
    (
        "plain",
        "rclone sync log",
        r"""{{N1:date}} 03:00:01 INFO  : Starting sync of /srv/exports to r2:exports
{{N1}} 03:04:18 INFO  : invoices/{{N2:date}}.pdf: Copied (new)
{{N1}} 03:04:19 INFO  :
Transferred:   	  {{N3:size}} / {{N3}}, 100%, 2.120 MiB/s, ETA 0s
Checks:              1882 / 1882, 100%
Transferred:           17 / 17, 100%
Elapsed time:       4m18.2s""",
    ),
    (
        "shell",
        "rclone md5sum and lsjson",
        r"""$ rclone md5sum secret:photos/2026 | head -n 3
{{N1:nhex(32)}}  IMG_{{N2:num(4)}}.jpg
{{N3:nhex(32)}}  IMG_{{N4:num(4)}}.jpg
{{N5:nhex(32)}}  IMG_{{N6:num(4)}}.jpg""",
    ),
    (
        "shell",
        "rclone config pass env from keychain",
        r"""export RCLONE_CONFIG_PASS="$(security find-generic-password -a "$USER" -s rclone -w)"
rclone lsd secret:
unset RCLONE_CONFIG_PASS""",
    ),
    # ---- duplicity / duplicati
    (
        "plain",
        "duplicity collection status",
        r"""Last full backup date: Sun {{N1:date}} 02:00:04
Collection Status
-----------------
Connecting with backend: BackendWrapper
Archive dir: /root/.cache/duplicity/{{N2:nhex(32)}}

Found 0 secondary backup chains.

Found primary backup chain with matching signature chain:
-------------------------
Chain start time: Sun {{N1}} 02:00:04
Number of contained backup sets: 8
Total number of contained volumes: 212
-------------------------
No orphaned or incomplete backup sets found.""",
    ),
    (
        "shell",
        "duplicity with gpg key id",
        r"""duplicity --encrypt-key {{N1:thumb}} --sign-key {{N2:thumb}} \
  --archive-dir /var/cache/duplicity /etc "boto3+s3://{{N3:word}}-dup/etc"
gpg --list-keys {{N1}}""",
    ),
    (
        "json",
        "duplicati job export with placeholders",
        r"""{
  "Backup": {
    "Name": "Photos to B2",
    "TargetURL": "b2://{{N1:word}}-photos/duplicati?auth-username=%B2_KEY_ID%&auth-password=%B2_APP_KEY%",
    "Settings": [
      {"Name": "passphrase", "Value": "%DUPLICATI_PASSPHRASE%"},
      {"Name": "encryption-module", "Value": "aes"}
    ]
  }
}""",
    ),
    # ---- Velero / Kopia
    (
        "yaml",
        "velero backup storage location with secret ref",
        r"""apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata:
  name: default
  namespace: velero
spec:
  provider: aws
  objectStorage:
    bucket: {{N1:word}}-velero
    prefix: cluster-{{N2:word}}
  credential:
    name: cloud-credentials
    key: cloud
  config:
    region: eu-west-1""",
    ),
    (
        "plain",
        "velero backup describe",
        r"""Name:         nightly-{{N1:num(14)}}
Namespace:    velero
Labels:       velero.io/schedule-name=nightly
              velero.io/storage-location=default
Phase:  Completed
Backup Format Version:  1.1.0
Started:    {{N2:ts}}
Completed:  {{N3:ts}}
Total items to be backed up:  1822
Items backed up:              1822
Velero-Native Snapshots: <none included>
kopia Backups:
  Completed:  14""",
    ),
    (
        "plain",
        "kopia repository status",
        r"""Config file:         /root/.config/kopia/repository.config
Description:         Repository in S3
Hostname:            {{N1:host}}
Username:            root
Read-only:           false
Storage type:        s3
Unique ID:           {{N2:sha256}}
Hash:                BLAKE2B-256-128
Encryption:          AES256-GCM-HMAC-SHA256
Splitter:            DYNAMIC-4M-BUZHASH
Format version:      3""",
    ),
    (
        "plain",
        "kopia snapshot list",
        r"""root@{{N1:host}}:/srv
  {{N2:date}} 02:00:11 UTC {{N3:kopiaid}} {{N4:size}} drwxr-xr-x files:41231 dirs:2210 (latest-1,daily-1)
  {{N5:date}} 02:00:09 UTC {{N6:kopiaid}} {{N7:size}} drwxr-xr-x files:41102 dirs:2207 (daily-2)""",
    ),
    (
        "shell",
        "kopia password file reference",
        r"""kopia repository connect s3 --bucket={{N1:word}}-kopia --endpoint=s3.wasabisys.com \
  --access-key={{N2:nalnum(20)}} --secret-access-key="$(cat /run/secrets/kopia_s3_secret)" \
  --password="$(cat /run/secrets/kopia_repo_password)"
""",
    ),
    # ---- MinIO / S3 / B2 / R2
    (
        "json",
        "mc admin user svcacct list",
        r"""{"status":"success","accessKey":"{{N1:nalnum(20)}}","parentUser":"velero","accountStatus":"on","impliedPolicy":true,"expiration":"1970-01-01T00:00:00Z"}""",
    ),
    (
        "json",
        "minio bucket policy",
        r"""{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::restic", "arn:aws:s3:::restic/*"]}
  ]
}""",
    ),
    (
        "json",
        "aws sts get caller identity",
        r"""{
    "UserId": "AIDA{{N1:nalnum(17)}}",
    "Account": "{{N2:num(12)}}",
    "Arn": "arn:aws:iam::{{N2}}:user/restic-backup"
}""",
    ),
    (
        "json",
        "aws iam list access keys",
        r"""{
    "AccessKeyMetadata": [
        {"UserName": "restic-backup", "AccessKeyId": "{{N1:akid}}", "Status": "Active", "CreateDate": "{{N2:ts}}"},
        {"UserName": "restic-backup", "AccessKeyId": "{{N3:akid}}", "Status": "Inactive", "CreateDate": "{{N4:ts}}"}
    ]
}""",
    ),
    (
        "shell",
        "aws docs example credentials",
        r"""# From the AWS CLI docs: example values, not real credentials
$ aws configure
AWS Access Key ID [None]: {{N1:akidexample}}
AWS Secret Access Key [None]: {{N2:awsexample}}
Default region name [None]: us-west-2
Default output format [None]: json""",
    ),
    (
        "shell",
        "minio default credentials in quickstart",
        r"""# MinIO quickstart (local test only): the server's default root login
docker run -p 9000:9000 -p 9001:9001 quay.io/minio/minio server /data --console-address ":9001"
# then log in at http://127.0.0.1:9001 with minioadmin / minioadmin""",
    ),
    (
        "plain",
        "b2 key list",
        r"""$ b2 key list --long
{{N1:b2id}}   restic-{{N2:word}}        {{N3:word}}-backups  -  listBuckets,readFiles,writeFiles
{{N4:b2id}}   velero-prod               velero-prod        -  listBuckets,readFiles,writeFiles,deleteFiles""",
    ),
    (
        "json",
        "b2 file version info",
        r"""{
  "accountId": "{{N1:nhex(12)}}",
  "action": "upload",
  "bucketId": "{{N2:nhex(24)}}",
  "contentLength": {{N3:num(9)}},
  "contentSha1": "{{N4:nhex(40)}}",
  "fileId": "{{N5:b2fileid}}",
  "fileName": "data/{{N6:nhex(2)}}/{{N7:sha256}}",
  "uploadTimestamp": {{N8:num(13)}}
}""",
    ),
    (
        "plain",
        "r2 bucket details",
        r"""Bucket: {{N1:word}}-restic
Account ID: {{N2:nhex(32)}}
S3 API: https://{{N2}}.r2.cloudflarestorage.com/{{N1}}
Location: Western Europe (WEUR)
Public access: Disabled
API token: restic-writer (id {{N3:nhex(32)}}), permissions: Object Read & Write""",
    ),
    (
        "shell",
        "aws credentials via sso profile",
        r"""[profile backup]
sso_session = corp
sso_account_id = {{N1:num(12)}}
sso_role_name = BackupOperator
region = eu-west-1

[sso-session corp]
sso_start_url = https://{{N2:word}}.awsapps.com/start
sso_region = eu-west-1""",
    ),
    (
        "url",
        "s3 console link",
        r"""https://eu-west-1.console.aws.amazon.com/s3/buckets/{{N1:word}}-restic?region=eu-west-1&bucketType=general&prefix=data/{{N2:nhex(2)}}/&showversions=false""",
    ),
    (
        "url",
        "b2 download url for public bucket",
        r"""https://f004.backblazeb2.com/file/{{N1:word}}-public/releases/restic-{{N2:int(10,17)}}.tar.gz""",
    ),
    (
        "url",
        "backblaze file id url",
        r"""https://f004.backblazeb2.com/b2api/v1/b2_download_file_by_id?fileId={{N1:b2fileid}}""",
    ),
]
NEGATIVE_TEMPLATES += [
    # ---- rsync / SMB / NFS / NAS
    (
        "shell",
        "rsyncd.conf with secrets file reference",
        r"""# /etc/rsyncd.conf
uid = nobody
gid = nogroup
use chroot = yes
[data]
    path = /srv/data
    auth users = backup
    secrets file = /etc/rsyncd.secrets
    hosts allow = {{N1:ip}}/24
    read only = false""",
    ),
    (
        "shell",
        "rsync with password file reference",
        r"""rsync -az --delete --password-file=/root/.rsync.pass /srv/www/ rsync://backup@{{N1:host}}/www/
sent {{N2:num(7)}} bytes  received {{N3:num(4)}} bytes  {{N4:num(6)}}.00 bytes/sec
total size is {{N5:num(10)}}  speedup is 512.33""",
    ),
    (
        "shell",
        "fstab cifs with credentials file",
        r"""# /etc/fstab
//{{N1:host}}/backups  /mnt/backups  cifs  credentials=/root/.smbcredentials,vers=3.1.1,uid=0,gid=0,_netdev,x-systemd.automount  0  0
{{N2:host}}:/exports/home  /home  nfs4  sec=krb5p,_netdev  0  0""",
    ),
    (
        "shell",
        "mount cifs kerberos",
        r"""sudo mount -t cifs //{{N1:host}}/scans /mnt/scans -o sec=krb5,cruid=$(id -u),multiuser,vers=3.0""",
    ),
    (
        "plain",
        "smbstatus output",
        r"""Samba version 4.19.5
PID     Username     Group        Machine                                   Protocol Version  Encryption           Signing
----------------------------------------------------------------------------------------------------------------------------------------
41288   svc-backup   domain users {{N1:ip}} (ipv4:{{N1}}:51422)         SMB3_11           -                    partial(AES-128-GMAC)

Service      pid     Machine       Connected at                     Encryption   Signing
---------------------------------------------------------------------------------------------
backups      41288   {{N1}}  Mon Mar  2 02:15:06 AM 2026 UTC  -            -""",
    ),
    (
        "shell",
        "nfs exports and showmount",
        r"""$ cat /etc/exports
/exports/backups  {{N1:ip}}(rw,sync,no_subtree_check,root_squash) {{N2:ip}}(ro,sync)
/exports/home     *.corp.example.net(rw,sec=krb5p)
$ showmount -e {{N3:host}}
Export list for {{N3}}:
/exports/backups {{N1}},{{N2}}""",
    ),
    (
        "json",
        "truenas cloud credentials masked",
        r"""[{"id": {{N1:int(1,20)}}, "name": "b2-offsite", "provider": "B2", "attributes": {"account": "{{N2:b2id}}", "key": "********"}}, {"id": 4, "name": "nas-sftp", "provider": "SFTP", "attributes": {"host": "{{N3:host}}", "port": 22, "user": "replicator", "private_key": {{N4:int(1,9)}}}}]""",
    ),
    (
        "plain",
        "synology task scheduler listing",
        r"""Task: Nightly rsync to offsite   User: root   Schedule: Daily 02:30
Command: /volume1/scripts/offsite.sh --password-file /volume1/scripts/.rsync.secret
Last run: {{N1:ts}}  Status: Normal (0)""",
    ),
    ("url", "smb url without password", r"""smb://{{N1:host}}/backups/{{N2:host}}"""),
    (
        "url",
        "nas web ui url",
        r"""https://{{N1:host}}:5001/webman/index.cgi?launchApp=SYNO.SDS.Backup.Application""",
    ),
    # ---- databases / dumps
    (
        "shell",
        "pg_dump with pgpass file reference",
        r"""# /etc/cron.d/pg-dump
PGPASSFILE=/var/lib/postgresql/.pgpass
30 1 * * * postgres pg_dump -h {{N1:host}} -U backup -Fc appdb > /var/backups/pg/appdb-$(date +\%F).dump""",
    ),
    (
        "shell",
        "mysqldump defaults extra file",
        r"""mysqldump --defaults-extra-file=/etc/mysql/backup.cnf --single-transaction --all-databases | gzip > /backup/all.sql.gz""",
    ),
    (
        "shell",
        "mysql_config_editor print",
        r"""$ mysql_config_editor print --all
[client]
user = "root"
password = *****
host = "localhost"
[backup]
user = "backup"
password = *****
host = "{{N1:host}}"
""",
    ),
    (
        "plain",
        "pgbackrest info output",
        r"""stanza: main
    status: ok
    cipher: aes-256-cbc

    db (current)
        wal archive min/max (16): 0000000100000{{N1:nhex(3)}}000000A1/0000000100000{{N1}}000000F3

        full backup: {{N2:num(8)}}-{{N3:num(6)}}F
            timestamp start/stop: {{N4:date}} 01:00:03+00 / {{N4}} 01:14:55+00
            wal start/stop: 0000000100000{{N1}}000000A1 / 0000000100000{{N1}}000000A1
            database size: {{N5:size}}, database backup size: {{N5}}
            repo1: backup set size: {{N6:size}}, backup size: {{N6}}""",
    ),
    (
        "shell",
        "pgbackrest conf with iam auth",
        r"""[global]
repo1-type=s3
repo1-s3-bucket={{N1:word}}-pgbackrest
repo1-s3-region=eu-west-1
repo1-s3-endpoint=s3.eu-west-1.amazonaws.com
repo1-s3-key-type=auto
repo1-retention-full=2
start-fast=y""",
    ),
    (
        "plain",
        "wal-g backup list",
        r"""name                          modified             wal_segment_backup_start
{{N1:walgname}} {{N2:ts}} 0000000100000{{N3:nhex(3)}}00000042
{{N4:walgname}} {{N5:ts}} 0000000100000{{N3}}000000A7""",
    ),
    (
        "shell",
        "wal-g env with key path",
        r"""export WALG_S3_PREFIX=s3://{{N1:word}}-wal-g/pg16
export WALG_LIBSODIUM_KEY_PATH=/etc/wal-g/libsodium.key
export AWS_ROLE_ARN=arn:aws:iam::{{N2:num(12)}}:role/wal-g
export AWS_WEB_IDENTITY_TOKEN_FILE=/var/run/secrets/eks.amazonaws.com/serviceaccount/token
wal-g backup-list --detail""",
    ),
    (
        "plain",
        "barman list backups and check",
        r"""$ barman list-backups pg-main
pg-main {{N1:num(8)}}T{{N2:num(6)}} - Mon Mar  2 01:00:04 2026 - Size: {{N3:size}} - WAL Size: {{N4:size}}
$ barman check pg-main
Server pg-main:
	PostgreSQL: OK
	superuser or standard user with backup privileges: OK
	wal_level: OK
	replication slot: OK""",
    ),
    (
        "shell",
        "barman conninfo with passfile",
        r"""[pg-main]
conninfo = host={{N1:host}} user=barman dbname=postgres passfile=/var/lib/barman/.pgpass
streaming_conninfo = host={{N1}} user=streaming_barman
backup_method = postgres""",
    ),
    (
        "url",
        "postgres url with password placeholder",
        r"""postgresql://backup_ro:<password>@{{N1:host}}:5432/ledger?sslmode=verify-full""",
    ),
    ("url", "postgres url with env reference", r"""postgresql://backup:${PGPASSWORD}@{{N1:host}}:5432/app"""),
    (
        "url",
        "mongodb url masked",
        r"""mongodb+srv://backup:****@cluster0.{{N1:nlalnum(5)}}.mongodb.net/?retryWrites=true&w=majority""",
    ),
    (
        "yaml",
        "k8s cronjob password from secretKeyRef",
        r"""containers:
  - name: dump
    image: postgres:16
    env:
      - name: PGPASSWORD
        valueFrom:
          secretKeyRef:
            name: app-db-backup
            key: password
    command: ["sh", "-c", "pg_dump -h {{N1:host}} -U app app | gzip > /dump/app.sql.gz"]""",
    ),
    # ---- encrypted values
    (
        "yaml",
        "sops encrypted restic env",
        r"""RESTIC_PASSWORD: {{N1:sopsenc}}
AWS_SECRET_ACCESS_KEY: {{N2:sopsenc}}
sops:
    kms: []
    age:
        - recipient: age1{{N3:nlalnum(58)}}
          enc: |
            -----BEGIN AGE ENCRYPTED FILE-----
            {{N4:nb64(60)}}
            -----END AGE ENCRYPTED FILE-----
    lastmodified: "{{N5:ts}}"
    mac: {{N6:sopsenc}}
    version: 3.9.1""",
    ),
    (
        "yaml",
        "ansible vault encrypted bind password",
        r"""ldap_bind_dn: cn=ansible,ou=services,dc=example,dc=com
ldap_bind_pw: !vault |
          $ANSIBLE_VAULT;1.1;AES256
          {{N1:nhex(80)}}
          {{N2:nhex(80)}}
          {{N3:nhex(80)}}
          {{N4:nhex(40)}}""",
    ),
    (
        "yaml",
        "sealed secret for borg passphrase",
        r"""apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: borg-passphrase
  namespace: backup
spec:
  encryptedData:
    BORG_PASSPHRASE: {{N1:sealed}}
  template:
    metadata:
      name: borg-passphrase""",
    ),
    (
        "plain",
        "age encrypted file",
        r"""$ cat secrets/restic.env.age
-----BEGIN AGE ENCRYPTED FILE-----
{{N1:nb64(48)}}
{{N2:nb64(48)}}
{{N3:nb64(30)}}
-----END AGE ENCRYPTED FILE-----""",
    ),
    # ---- placeholders and docs
    (
        "yaml",
        "oauth2-proxy docs placeholder",
        r"""# values.yaml - replace the values in angle brackets
config:
  clientID: "<client-id-from-your-idp>"
  clientSecret: "<client-secret>"
  cookieSecret: "<output of: openssl rand -base64 32 | tr -- '+/' '-_'>"
""",
    ),
    (
        "shell",
        "ldap docs placeholder bind",
        r"""ldapsearch -x -H ldap://ldap.example.com -D "cn=admin,dc=example,dc=com" -w 'YOUR_PASSWORD' -b "dc=example,dc=com"
""",
    ),
    (
        "plain",
        "readme describing secret variables",
        r"""## Required CI variables
| Variable | Meaning |
|---|---|
| `RESTIC_PASSWORD` | the repository password (from the Infra vault, item "restic prod") |
| `B2_ACCOUNT_ID` | Backblaze key ID, e.g. `{{N1:b2id}}` |
| `B2_ACCOUNT_KEY` | the matching application key (never commit it) |
| `HEALTHCHECK_URL` | ping URL of the healthchecks.io check |""",
    ),
    (
        "source",
        "entra client secret from key vault in csharp",
        r"""var secretClient = new SecretClient(new Uri("https://kv-{{N1:word}}.vault.azure.net/"), new DefaultAzureCredential());
KeyVaultSecret secret = await secretClient.GetSecretAsync("backup-sync-client-secret");
var app = ConfidentialClientApplicationBuilder.Create("{{N2:uuid}}")
    .WithClientSecret(secret.Value)
    .WithTenantId("{{N3:uuid}}")
    .Build();""",
    ),
    (
        "source",
        "python reading restic password from env",
        r"""import os
import subprocess

env = dict(os.environ, RESTIC_PASSWORD=os.environ["RESTIC_PASSWORD"])
subprocess.run(["restic", "-r", "sftp:backup@{{N1:host}}:/srv/restic", "backup", "/data"], env=env, check=True)""",
    ),
    (
        "source",
        "go ldap bind from env",
        r"""bindPW := os.Getenv("LDAP_BIND_PASSWORD")
if bindPW == "" {
	log.Fatal("LDAP_BIND_PASSWORD is not set")
}
if err := l.Bind("cn=svc-gitea,ou=services,dc=example,dc=com", bindPW); err != nil {
	log.Fatalf("bind: %v", err)
}""",
    ),
    (
        "source",
        "password validation regex",
        r"""# A restic password must be long; we check the policy before writing the env file.
PASSWORD_RE = re.compile(r"^(?=.*[A-Z])(?=.*[a-z])(?=.*\d).{16,}$")
TOKEN_PREFIXES = ("SSWS ", "Bearer ")
if not PASSWORD_RE.match(candidate):
    raise ValueError("RESTIC_PASSWORD does not meet the policy")""",
    ),
    (
        "source",
        "java keycloak client secret from config",
        r"""Keycloak keycloak = KeycloakBuilder.builder()
        .serverUrl(config.getString("keycloak.url"))
        .realm("master")
        .grantType(OAuth2Constants.CLIENT_CREDENTIALS)
        .clientId("realm-sync")
        .clientSecret(System.getenv("KEYCLOAK_CLIENT_SECRET"))
        .build();""",
    ),
    (
        "source",
        "terraform random password resource",
        r"""resource "random_password" "restic" {
  length  = 32
  special = true
}

resource "vault_kv_secret_v2" "restic" {
  mount = "kv"
  name  = "backup/restic"
  data_json = jsonencode({ password = random_password.restic.result })
}""",
    ),
    (
        "source",
        "ansible no_log output",
        r"""TASK [borg : Write borg passphrase] ********************************************
changed: [{{N1:host}}] => (item=None)
ok: [{{N2:host}}] => {"censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result", "changed": false}""",
    ),
    (
        "plain",
        "agent reply about rotation without values",
        r"""Done. I rotated the B2 application key used by restic: the old key id {{N1:b2id}} is deleted, the new key id is {{N2:b2id}} and its secret is stored in 1Password (`op://Infra/restic-b2/credential`). The repository password did not change, and `restic check` passes.""",
    ),
    (
        "plain",
        "chat about masked client secret",
        r"""{{N1:uname}}: the Entra secret for the backup app expires Friday, can someone renew it?
{{N2:uname}}: done, new secret ID {{N3:uuid}}, value starts with {{N4:nalnum(3)}}8Q~ — it's in Key Vault as backup-sync-client-secret, the old one is deleted
{{N1}}: 👍""",
    ),
    (
        "plain",
        "backup report email",
        r"""Subject: [backup] nightly report {{N1:date}}
host              tool     status  snapshot   duration  added
{{N2:host}}  restic   OK      {{N3:snap}}   00:02:41  {{N4:size}}
{{N5:host}}  borg     OK      {{N6:nhex(8)}}   00:11:02  {{N7:size}}
{{N8:host}}  wal-g    OK      {{N9:walgname}}""",
    ),
    (
        "plain",
        "cron mail with masked passphrase",
        r"""Cron <root@{{N1:host}}> /usr/local/bin/borg-nightly.sh
+ export BORG_PASSPHRASE=********
+ borg create --stats ::{hostname}-{now}
terminating with success status, rc 0""",
    ),
    (
        "json",
        "jwks with ec key public only",
        r"""{"keys":[{"kty":"EC","crv":"P-256","kid":"{{N1:nb64url(32)}}","use":"sig","alg":"ES256","x":"{{N2:jwkxy}}","y":"{{N3:jwkxy}}"}]}""",
    ),
    (
        "json",
        "oidc discovery document",
        r"""{
  "issuer": "https://sso.{{N1:dom}}/realms/corp",
  "authorization_endpoint": "https://sso.{{N1}}/realms/corp/protocol/openid-connect/auth",
  "token_endpoint": "https://sso.{{N1}}/realms/corp/protocol/openid-connect/token",
  "jwks_uri": "https://sso.{{N1}}/realms/corp/protocol/openid-connect/certs",
  "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_basic", "client_secret_post"],
  "code_challenge_methods_supported": ["plain", "S256"]
}""",
    ),
    (
        "json",
        "id token claims decoded",
        r"""{
  "iss": "https://{{N1:word}}.okta.com/oauth2/default",
  "sub": "{{N2:oktaid(00u)}}",
  "aud": "{{N3:oktaid}}",
  "iat": {{N4:num(10)}},
  "exp": {{N5:num(10)}},
  "jti": "ID.{{N6:nb64url(32)}}",
  "amr": ["pwd", "otp"],
  "idp": "{{N7:oktaid(00o)}}",
  "auth_time": {{N4}},
  "at_hash": "{{N8:nb64url(16)}}"
}""",
    ),
    (
        "json",
        "github actions secrets reference in json config",
        r"""{
  "restic": {
    "repository": "s3:https://s3.amazonaws.com/{{N1:word}}-ci",
    "password": "${{ secrets.RESTIC_PASSWORD }}",
    "aws_access_key_id": "${{ secrets.AWS_ACCESS_KEY_ID }}",
    "aws_secret_access_key": "${{ secrets.AWS_SECRET_ACCESS_KEY }}"
  }
}""",
    ),
    (
        "yaml",
        "github actions with secrets references",
        r"""jobs:
  backup:
    runs-on: ubuntu-latest
    env:
      RESTIC_REPOSITORY: s3:https://s3.amazonaws.com/{{N1:word}}-ci
      RESTIC_PASSWORD: ${{ secrets.RESTIC_PASSWORD }}
      AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}
      AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
    steps:
      - run: restic backup ./artifacts --tag ci-${{ github.run_id }}""",
    ),
    (
        "yaml",
        "helm values with placeholder secrets",
        r"""keycloak:
  auth:
    adminUser: admin
    adminPassword: ""  # set with --set-file or an existing secret
  postgresql:
    auth:
      password: changeme
      postgresPassword: changeme""",
    ),
    (
        "shell",
        "checksums of backup artefacts",
        r"""$ sha256sum /var/backups/pg/*.dump
{{N1:sha256}}  /var/backups/pg/appdb-{{N2:date}}.dump
{{N3:sha256}}  /var/backups/pg/ledger-{{N2}}.dump
$ md5sum /var/backups/ldap/slapcat.ldif
{{N4:nhex(32)}}  /var/backups/ldap/slapcat.ldif""",
    ),
    (
        "shell",
        "gpg key listing for backup encryption",
        r"""$ gpg --list-keys backup@{{N1:dom}}
pub   ed25519 2025-11-02 [SC] [expires: 2027-11-02]
      {{N2:thumb}}
uid           [ultimate] Backup Signing <backup@{{N1}}>
sub   cv25519 2025-11-02 [E] [expires: 2027-11-02]""",
    ),
    (
        "plain",
        "systemd journal of restic unit",
        r"""{{N1:time}} {{N2:host}} systemd[1]: Starting restic-backup.service - Restic nightly backup...
{{N1}} {{N2}} restic[{{N3:int(1000,99999)}}]: using parent snapshot {{N4:snap}}
{{N1}} {{N2}} restic[{{N3}}]: snapshot {{N5:snap}} saved
{{N1}} {{N2}} systemd[1]: restic-backup.service: Deactivated successfully.
{{N1}} {{N2}} systemd[1]: restic-backup.service: Consumed 2min 13.410s CPU time.""",
    ),
]


# --- shapes an agent sees files in (each variant is a template of its own) ---------------------


def numbered(text: str) -> str:
    """``cat -n`` output."""
    return "\n".join(f"{i:6d}\t{line}" for i, line in enumerate(text.split("\n"), 1))


def grep_hits(text: str, path: str) -> str:
    """``grep -rn`` hits: only the lines holding a placeholder, and one either side."""
    lines = text.split("\n")
    keep = sorted(
        {j for i, line in enumerate(lines) if "{{" in line for j in (i - 1, i, i + 1) if 0 <= j < len(lines)}
    )
    return "\n".join(f"{path}:{j + 1}:{lines[j]}" for j in keep)


def diff_hunk(text: str, path: str) -> str:
    lines = text.split("\n")
    body = "\n".join(("+" if "{{S" in line or "{{N" in line else " ") + line for line in lines)
    return f"diff --git a/{path} b/{path}\nindex 3e1f0a2..9b7c41d 100644\n--- a/{path}\n+++ b/{path}\n@@ -1,{len(lines) - 1} +1,{len(lines)} @@\n{body}"


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n") + "\r\n"


def chat_fence(text: str, path: str) -> str:
    return f"Here's the current `{path}` from the box, can you see why the job fails?\n\n```\n{text}\n```\n\nIt worked until last week."


SHAPES = {
    "numbered": lambda t, p: f"$ cat -n {p}\n" + numbered(t),
    "grep": lambda t, p: (
        f"$ grep -rn -i -E 'pass|secret|key|token' {p.rsplit('/', 1)[0] or '.'}\n" + grep_hits(t, p)
    ),
    "diff": diff_hunk,
    "crlf": lambda t, p: crlf(t),
    "chat": chat_fence,
}

PATH_BY_CONTEXT = {
    "plain": ("notes/handover.md", "docs/runbook.md", "output.txt"),
    "shell": ("scripts/backup.sh", "/etc/cron.daily/dump-db", "bin/restore.sh", ".envrc"),
    "yaml": ("deploy/values.yaml", "config/authelia.yml", "ansible/group_vars/all.yml", "dex/config.yaml"),
    "source": ("app/settings.py", "src/auth/oidc.ts", "cmd/backup/main.go", "lib/ldap_sync.rb"),
    "url": ("etc/backup.conf", "README.md", "links.txt"),
    "json": ("realm-export.json", "sa-key.json", "config.json", "ca.json"),
}


def derive(templates: list[tuple[str, str, str]], every: int, offset: int) -> list[tuple[str, str, str]]:
    """Shape variants of every ``every``-th template (the numbered, grep, diff, CRLF and chat shapes in turn)."""
    out = []
    names = list(SHAPES)
    for k, (context, kind, text) in enumerate(templates[offset::every]):
        if "pem(" in text or "cert(" in text or "pubpem" in text or "vaultenc" in text:
            continue  # multi-line values: their lines would be split by the shape
        shape = names[k % len(names)]
        path = PATH_BY_CONTEXT[context][k % len(PATH_BY_CONTEXT[context])]
        if shape == "grep" and text.count("\n") < 2:
            shape = "diff"
        new_context = context if shape in ("crlf", "diff") else "plain"
        out.append((new_context, f"{kind} ({shape})", SHAPES[shape](text, path)))
    return out


# --- agent-log envelopes ------------------------------------------------------------------------


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _toolu(rng: random.Random) -> str:
    return "toolu_01" + chars(rng, ALNUM, 22)


def _call(rng: random.Random) -> str:
    return "call_" + chars(rng, ALNUM, 24)


def _ts(rng: random.Random) -> str:
    return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z"


def _dump(obj: object) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def _path(rng: random.Random, context: str) -> str:
    return rng.choice(PATH_BY_CONTEXT[context])


def _command(rng: random.Random, context: str) -> str:
    path = _path(rng, context)
    return rng.choice([f"cat {path}", f"sed -n '1,120p' {path}", f"head -n 80 {path}", f"sudo cat {path}"])


def env_claude_stream_result(text: str, rng: random.Random, context: str) -> str:
    return _dump(
        {
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {"tool_use_id": _toolu(rng), "type": "tool_result", "content": text, "is_error": False}
                ],
            },
            "parent_tool_use_id": None,
            "session_id": _id(rng),
            "uuid": _id(rng),
        }
    )


def env_claude_stream_bash(text: str, rng: random.Random, context: str) -> str:
    return _dump(
        {
            "type": "assistant",
            "message": {
                "id": "msg_01" + chars(rng, ALNUM, 22),
                "type": "message",
                "role": "assistant",
                "model": "claude-sonnet-4-5-20250929",
                "content": [
                    {
                        "type": "tool_use",
                        "id": _toolu(rng),
                        "name": "Bash",
                        "input": {"command": text, "description": "Run the backup step by hand"},
                    }
                ],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {
                    "input_tokens": rng.randint(3, 9),
                    "cache_read_input_tokens": rng.randint(10000, 90000),
                    "output_tokens": rng.randint(20, 400),
                },
            },
            "parent_tool_use_id": None,
            "session_id": _id(rng),
        }
    )


def env_claude_write(text: str, rng: random.Random, context: str) -> str:
    return _dump(
        {
            "parentUuid": _id(rng),
            "isSidechain": False,
            "userType": "external",
            "cwd": "/home/ops/infra",
            "sessionId": _id(rng),
            "version": "2.1.38",
            "gitBranch": "ops/" + rng.choice(WORDS),
            "type": "assistant",
            "message": {
                "id": "msg_01" + chars(rng, ALNUM, 22),
                "role": "assistant",
                "content": [
                    {
                        "type": "tool_use",
                        "id": _toolu(rng),
                        "name": "Write",
                        "input": {"file_path": "/home/ops/infra/" + _path(rng, context), "content": text},
                    }
                ],
            },
            "requestId": "req_011" + chars(rng, ALNUM, 21),
            "uuid": _id(rng),
            "timestamp": _ts(rng),
        }
    )


def env_claude_transcript_bash(text: str, rng: random.Random, context: str) -> str:
    return _dump(
        {
            "parentUuid": _id(rng),
            "isSidechain": False,
            "userType": "external",
            "cwd": "/srv/ops",
            "sessionId": _id(rng),
            "version": "2.0.28",
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {"tool_use_id": _toolu(rng), "type": "tool_result", "content": text, "is_error": False}
                ],
            },
            "uuid": _id(rng),
            "timestamp": _ts(rng),
            "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
        }
    )


def env_claude_transcript_read(text: str, rng: random.Random, context: str) -> str:
    path = "/srv/ops/" + _path(rng, context)
    lines = text.split("\n")
    shown = "\n".join(f"{i:6d}\u2192{line}" for i, line in enumerate(lines, 1))
    return _dump(
        {
            "parentUuid": _id(rng),
            "isSidechain": rng.random() < 0.2,
            "type": "user",
            "message": {
                "role": "user",
                "content": [{"tool_use_id": _toolu(rng), "type": "tool_result", "content": shown}],
            },
            "uuid": _id(rng),
            "timestamp": _ts(rng),
            "toolUseResult": {
                "type": "text",
                "file": {
                    "filePath": path,
                    "content": text,
                    "numLines": len(lines),
                    "startLine": 1,
                    "totalLines": len(lines),
                },
            },
        }
    )


def env_claude_reply(text: str, rng: random.Random, context: str) -> str:
    intro = rng.choice(
        [
            "I found the problem in this file:",
            "Here is the config as it stands now:",
            "The script currently reads:",
            "Output of the last command:",
        ]
    )
    return _dump(
        {
            "type": "assistant",
            "message": {
                "id": "msg_01" + chars(rng, ALNUM, 22),
                "role": "assistant",
                "content": [{"type": "text", "text": f"{intro}\n\n```\n{text}\n```\n"}],
            },
            "session_id": _id(rng),
        }
    )


def env_claude_mcp_nested(text: str, rng: random.Random, context: str) -> str:
    """An MCP tool's JSON result inside a Claude Code tool_result: the text is escaped twice."""
    inner = _dump({"path": _path(rng, context), "content": text, "size": len(text)})
    return _dump(
        {
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {
                        "tool_use_id": _toolu(rng),
                        "type": "tool_result",
                        "content": [{"type": "text", "text": inner}],
                    }
                ],
            },
            "session_id": _id(rng),
            "uuid": _id(rng),
        }
    )


def env_codex_function_call(text: str, rng: random.Random, context: str) -> str:
    arguments = _dump({"command": ["bash", "-lc", text], "workdir": "/srv/ops", "timeout_ms": 120000})
    return _dump(
        {
            "timestamp": _ts(rng),
            "type": "response_item",
            "payload": {
                "type": "function_call",
                "name": "shell",
                "arguments": arguments,
                "call_id": _call(rng),
            },
        }
    )


def env_codex_function_output(text: str, rng: random.Random, context: str) -> str:
    output = _dump({"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(rng.random(), 1)}})
    return _dump(
        {
            "timestamp": _ts(rng),
            "type": "response_item",
            "payload": {"type": "function_call_output", "call_id": _call(rng), "output": output},
        }
    )


def env_codex_exec_command(text: str, rng: random.Random, context: str) -> str:
    return _dump(
        {
            "type": "item.completed",
            "item": {
                "id": f"item_{rng.randint(1, 40)}",
                "type": "command_execution",
                "command": f"bash -lc '{_command(rng, context)}'",
                "aggregated_output": text,
                "exit_code": 0,
                "status": "completed",
            },
        }
    )


def env_codex_exec_mcp(text: str, rng: random.Random, context: str) -> str:
    return _dump(
        {
            "type": "item.completed",
            "item": {
                "id": f"item_{rng.randint(1, 40)}",
                "type": "mcp_tool_call",
                "server": rng.choice(["filesystem", "ssh", "files"]),
                "tool": "read_file",
                "arguments": {"path": _path(rng, context)},
                "result": {"content": [{"type": "text", "text": text}], "structured_content": None},
                "status": "completed",
            },
        }
    )


def env_codex_agent_message(text: str, rng: random.Random, context: str) -> str:
    return _dump(
        {
            "timestamp": _ts(rng),
            "type": "event_msg",
            "payload": {"type": "agent_message", "message": "Current contents:\n" + text},
        }
    )


def env_mcp_result(text: str, rng: random.Random, context: str) -> str:
    return _dump(
        {
            "jsonrpc": "2.0",
            "id": rng.randint(1, 300),
            "result": {"content": [{"type": "text", "text": text}], "isError": False},
        }
    )


def env_mcp_write(text: str, rng: random.Random, context: str) -> str:
    return _dump(
        {
            "jsonrpc": "2.0",
            "id": rng.randint(1, 300),
            "method": "tools/call",
            "params": {"name": "write_file", "arguments": {"path": _path(rng, context), "content": text}},
        }
    )


def env_codex_apply_patch(text: str, rng: random.Random, context: str) -> str:
    patch = (
        f"*** Begin Patch\n*** Add File: {_path(rng, context)}\n"
        + "\n".join("+" + line for line in text.split("\n"))
        + "\n*** End Patch\n"
    )
    return _dump(
        {
            "timestamp": _ts(rng),
            "type": "response_item",
            "payload": {
                "type": "function_call",
                "name": "apply_patch",
                "arguments": _dump({"input": patch}),
                "call_id": _call(rng),
            },
        }
    )


ENVELOPES = (
    env_claude_stream_result,
    env_claude_stream_bash,
    env_claude_write,
    env_claude_transcript_bash,
    env_claude_transcript_read,
    env_claude_reply,
    env_claude_mcp_nested,
    env_codex_function_call,
    env_codex_function_output,
    env_codex_exec_command,
    env_codex_exec_mcp,
    env_codex_agent_message,
    env_mcp_result,
    env_mcp_write,
    env_codex_apply_patch,
)


def _escaped(secret: str) -> tuple[str, str]:
    once = json.dumps(secret, ensure_ascii=False)[1:-1]
    return once, json.dumps(once, ensure_ascii=False)[1:-1]


TEMPLATES: list[tuple[str, str, str]] = (
    SECRET_TEMPLATES + derive(SECRET_TEMPLATES, 3, 1) + NEGATIVE_TEMPLATES + derive(NEGATIVE_TEMPLATES, 12, 2)
)


def corpus(seed: int, copies: int = 6) -> list[Document]:
    """``copies`` instances of every template in its own context, and ``copies`` inside agent-log lines."""
    documents: list[Document] = []
    for i, (context, kind, template) in enumerate(TEMPLATES):
        rng = random.Random(seed * 1_000_003 + i)
        split = "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"
        for _ in range(copies):
            text, secrets = render(template, rng)
            assert all(secret in text for secret in secrets), (kind, template[:60])
            documents.append(Document(text, secrets, context, kind, split, template))
        for _ in range(copies):
            text, secrets = render(template, rng)
            multiline = any("\n" in secret for secret in secrets)
            choices = [e for e in ENVELOPES if not (multiline and e is env_codex_apply_patch)]
            line = rng.choice(choices)(text, rng, context)
            for secret in secrets:
                once, twice = _escaped(secret)
                assert once in line or twice in line, (kind, template[:60])
            documents.append(Document(line, secrets, "json", kind, split, template))
    return documents


def main() -> None:
    documents = corpus(149)
    with_secrets = [t for t in TEMPLATES if "{{S" in t[2]]
    print(
        f"templates: {len(TEMPLATES)} ({len(with_secrets)} with secrets, {len(TEMPLATES) - len(with_secrets)} without)"
    )
    by_context = Counter(c for c, _, _ in TEMPLATES)
    print("templates per context: " + ", ".join(f"{c} {by_context[c]}" for c in CONTEXTS))
    holdout = {d.template for d in documents if d.split == "holdout"}
    print(f"holdout templates: {len(holdout)}")
    print(f"documents: {len(documents)}")
    docs_by_context = Counter(d.context for d in documents)
    print("documents per context: " + ", ".join(f"{c} {docs_by_context[c]}" for c in CONTEXTS))
    print(f"planted secrets: {sum(len(d.secrets) for d in documents)}")
    print(f"negatives (documents without secrets): {sum(not d.secrets for d in documents)}")
    print(f"kinds: {len({d.kind for d in documents})}")


if __name__ == "__main__":
    main()
