"""A third labelled redaction corpus, written blind to the redactor (issue 15).

Written without reading the redaction rules, their tests, their docs or the two earlier corpora:
only from what real tools print and read (Terraform, Helm, kubectl, docker, CI logs, cloud CLIs,
framework config files, HTTP dumps, database clients, agent logs).
``bench/redact_quality.py --corpus fresh`` measures the redactor on it.

Labelling policy.
A *secret* is a value that grants access by itself or with public information: passwords,
API keys and tokens of any provider, OAuth client secrets and refresh/access tokens, session
cookies, signed JWTs that look real, private keys (PEM, OpenSSH, PuTTY, PGP, JWK ``d``), the
signature of a SAS URL, the base64 of ``user:password`` (HTTP Basic, docker ``auth``) and the
base64 of a password in a Kubernetes ``Secret``.
Each document lists the exact substrings that must not survive (as they appear in the text:
indented, base64'd or JSON-escaped if the document holds them so).
*Not* secrets (documents made only of them are negatives): identifiers that are public or useless
alone (AWS access key ids without their secret, Twilio account SIDs, OAuth client ids, Algolia
application ids, Stripe object ids, message/request/trace ids, UUIDs), digests and checksums
(git SHAs, sha256/sha512, lockfile integrity, go.sum, Nix hashes), public keys, certificates and
fingerprints, encrypted-at-rest values meant to be committed (Ansible Vault, SOPS, Sealed
Secrets), values masked by a tool (``***``, ``****``, ``(sensitive value)``, ``[REDACTED]``,
``<redacted>``, ``**********`` from SecretStr), placeholders and references (``<token>``,
``your-api-key-here``, ``${{ secrets.X }}``, ``$TOKEN``, ``%(password)s``, ``{{ .Values.x }}``,
``os.environ["X"]``, ``op://``, ``secretKeyRef``, ``arn:...:secret:...``), documented public
example keys, code that handles secrets without holding one, resource names containing
"secret"/"key"/"token", and CLI help text.
Where a reviewer could reasonably go either way (a Stripe publishable key, a Firebase web
``apiKey``, a bcrypt hash, ``changeme``) the case is left out rather than guessed.

How it is made.
Every value is random and built at run time from parts (no secret-shaped literal is in this
file): provider prefixes are split ("gh" + "p_"), PEM armour words are joined at run time, and key
bodies are random bytes behind a real DER or OpenSSH header.
Each template is instantiated ``copies`` times in its own context and ``copies`` more times inside an
agent-log envelope that holds it JSON-escaped (Claude Code stream-json ``tool_result``, a Claude
transcript line, a Codex rollout ``function_call_output`` whose output is itself a JSON string, a
``codex exec --json`` item, an MCP text result holding a JSON document); those count as ``json``.
About one template in three is ``holdout``, chosen by a stable hash of the template text.
"""

# ruff: noqa: E501, RUF003 - templates read better on one line; « » and ‹ › mark their slots
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

CONTEXTS = ("plain", "shell", "yaml", "source", "url", "json")


@dataclass(frozen=True)
class Document:
    text: str
    secrets: list[str]
    context: str
    kind: str
    split: str
    template: str = field(default="", repr=False)


# ---------------------------------------------------------------- random parts

ALNUM = string.ascii_letters + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
Rng = random.Random


def rs(r: Rng, n: int, alphabet: str = ALNUM) -> str:
    return "".join(r.choice(alphabet) for _ in range(n))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def rbytes(r: Rng, n: int) -> bytes:
    return bytes(r.getrandbits(8) for _ in range(n))


def cat(*parts: str) -> str:
    return "".join(parts)


WORDS = [
    "tundra",
    "quiver",
    "maple",
    "falcon",
    "orbit",
    "cobalt",
    "lantern",
    "meadow",
    "zephyr",
    "basalt",
    "willow",
    "ember",
    "glacier",
    "harbor",
    "nimbus",
    "saffron",
    "thistle",
    "walnut",
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
    "oscar",
    "peggy",
    "trent",
    "victor",
    "wendy",
]


def password(r: Rng) -> str:
    style = r.randrange(4)
    if style == 0:
        return rs(r, r.randint(14, 24), ALNUM + "!@%^*_-+=")
    if style == 1:
        return (
            "-".join(r.choice(WORDS).capitalize() if i % 2 else r.choice(WORDS) for i in range(3))
            + str(r.randint(10, 99))
            + r.choice("!@%*")
        )
    if style == 2:
        return rs(r, r.randint(16, 32), ALNUM)
    return (
        rs(r, 4, string.ascii_uppercase)
        + rs(r, 6, string.digits)
        + rs(r, 6, string.ascii_lowercase)
        + r.choice("!@%^")
    )


def url_password(r: Rng) -> str:
    return rs(r, r.randint(14, 26), ALNUM + "-_.~")


def jwt(r: Rng, claims: dict | None = None, alg: str = "HS256") -> str:
    now = r.randint(1_700_000_000, 1_790_000_000)
    header = {"alg": alg, "typ": "JWT"}
    if alg.startswith("RS"):
        header["kid"] = rs(r, 20, B64URL)
    body = claims or {
        "sub": str(r.randint(10**5, 10**9)),
        "iss": r.choice(
            [
                "https://auth.acme-corp.io/",
                "https://login.microsoftonline.com/" + _uuid(r) + "/v2.0",
                "accounts.example-sso.net",
            ]
        ),
        "aud": r.choice(["api", "https://graph.microsoft.com", "orders-service"]),
        "iat": now,
        "exp": now + 3600,
        "scope": r.choice(["read write", "openid profile email", "repo admin:org"]),
    }
    sig = rbytes(r, 256 if alg.startswith("RS") else 32)
    return ".".join(
        [
            b64url(json.dumps(header, separators=(",", ":")).encode()),
            b64url(json.dumps(body, separators=(",", ":")).encode()),
            b64url(sig),
        ]
    )


def supabase_jwt(r: Rng) -> str:
    now = r.randint(1_650_000_000, 1_720_000_000)
    return jwt(
        r,
        {
            "iss": "supabase",
            "ref": rs(r, 20, string.ascii_lowercase),
            "role": "service_role",
            "iat": now,
            "exp": now + 315_360_000,
        },
    )


def _uuid(r: Rng) -> str:
    h = rs(r, 32, HEX)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{r.choice('89ab')}{h[17:20]}-{h[20:]}"


def _lines(text: str, width: int = 64) -> str:
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def armour(label: str, body: str) -> str:
    dash = "-" * 5
    return f"{dash}{'BEG' + 'IN'} {label}{dash}\n{body}\n{dash}{'E' + 'ND'} {label}{dash}"


PRIV = "PRIV" + "ATE KEY"


def pem_rsa(r: Rng) -> str:
    der = bytes.fromhex("308204a40201000282010100") + rbytes(r, 1180)
    return armour("RSA " + PRIV, _lines(b64(der)))


def pem_pkcs8(r: Rng) -> str:
    der = bytes.fromhex(
        "308204bd020100300d06092a864886f70d0101010500048204a7308204a30201000282010100"
    ) + rbytes(r, 1180)
    return armour(PRIV, _lines(b64(der)))


def pem_ec(r: Rng) -> str:
    der = (
        bytes.fromhex("30770201010420")
        + rbytes(r, 32)
        + bytes.fromhex("a00a06082a8648ce3d030107a14403420004")
        + rbytes(r, 64)
    )
    return armour("EC " + PRIV, _lines(b64(der)))


def _sshstr(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def openssh_key(r: Rng) -> str:
    pub = rbytes(r, 32)
    blob = b"openssh-key-v1\x00" + _sshstr(b"none") + _sshstr(b"none") + _sshstr(b"") + (1).to_bytes(4, "big")
    blob += _sshstr(_sshstr(b"ssh-ed25519") + _sshstr(pub))
    check = rbytes(r, 4)
    inner = (
        check
        + check
        + _sshstr(b"ssh-ed25519")
        + _sshstr(pub)
        + _sshstr(rbytes(r, 32) + pub)
        + _sshstr(b"dev@laptop")
        + b"\x01\x02\x03"
    )
    blob += _sshstr(inner)
    return armour("OPENSSH " + PRIV, _lines(b64(blob), 70))


def putty_key(r: Rng) -> str:
    pub = b64(_sshstr(b"ssh-ed25519") + _sshstr(rbytes(r, 32)))
    priv = b64(_sshstr(rbytes(r, 32)))
    return "\n".join(
        [
            "PuTTY-User-Key-File-3: ssh-ed25519",
            "Encryption: none",
            "Comment: eddsa-key-" + str(r.randint(20200101, 20261231)),
            "Public-Lines: 2",
            _lines(pub),
            "Private-Lines: 1",
            priv,
            "Private-MAC: " + rs(r, 64, HEX),
        ]
    )


def pgp_key(r: Rng) -> str:
    body = _lines(b64(bytes.fromhex("9505d8") + rbytes(r, 1300)))
    return armour("PGP " + "PRIVATE KEY BLOCK", "\n" + body + "\n=" + rs(r, 4, B64))


def aws_session(r: Rng) -> str:
    return "IQoJb3JpZ2luX2Vj" + rs(r, r.randint(560, 900), B64)


def sas_sig(r: Rng) -> str:
    return urllib.parse.quote(b64(rbytes(r, 32)), safe="")


def basic(r: Rng) -> str:
    return b64(f"{r.choice(FIRST)}:{password(r)}".encode())


# Secret generators, by the name a template uses between « and ».
SECRETS: dict[str, Callable[[Rng], str]] = {
    "pw": password,
    "upw": url_password,
    "b64pw": lambda r: b64(password(r).encode()),
    "basic": basic,
    "dockerauth": lambda r: b64(f"{r.choice(FIRST)}:{'dckr' + '_pat_' + rs(r, 27, B64URL)}".encode()),
    "hexkey": lambda r: rs(r, 32, HEX),
    "hex40": lambda r: rs(r, 40, HEX),
    "hex64": lambda r: rs(r, 64, HEX),
    "b64key": lambda r: b64(rbytes(r, 32)),
    "b64key48": lambda r: b64(rbytes(r, 48)),
    "django": lambda r: (
        "django-" + "insecure-" + rs(r, 50, string.ascii_lowercase + string.digits + "!@#%^&*(-_=+)")
    ),
    "rails_master": lambda r: rs(r, 32, HEX),
    "rails_secret_base": lambda r: rs(r, 128, HEX),
    "session_cookie": lambda r: (
        b64url(rbytes(r, 24)) + "." + b64url(rbytes(r, 6)) + "." + b64url(rbytes(r, 20))
    ),
    "opaque": lambda r: rs(r, r.randint(32, 48), B64URL),
    "jwt": jwt,
    "jwt_rs": lambda r: jwt(r, alg="RS256"),
    "sb_service": supabase_jwt,
    "ghp": lambda r: "gh" + "p_" + rs(r, 36),
    "gho": lambda r: "gh" + "o_" + rs(r, 36),
    "ghs": lambda r: "gh" + "s_" + rs(r, 36),
    "ghu": lambda r: "gh" + "u_" + rs(r, 36),
    "ghr": lambda r: "gh" + "r_" + rs(r, 76),
    "ghfg": lambda r: "github" + "_pat_" + rs(r, 22, UPPER_ALNUM) + "_" + rs(r, 59),
    "glpat": lambda r: "glp" + "at-" + rs(r, 20, B64URL),
    "glrt": lambda r: "glr" + "t-" + rs(r, 20, B64URL),
    "gldt": lambda r: "gld" + "t-" + rs(r, 20, B64URL),
    "glcbt": lambda r: "glcb" + "t-64_" + rs(r, 20, B64URL),
    "xoxb": lambda r: (
        "xo" + "xb-" + rs(r, 12, string.digits) + "-" + rs(r, 13, string.digits) + "-" + rs(r, 24)
    ),
    "xoxp": lambda r: (
        "xo"
        + "xp-"
        + rs(r, 12, string.digits)
        + "-"
        + rs(r, 12, string.digits)
        + "-"
        + rs(r, 13, string.digits)
        + "-"
        + rs(r, 32, HEX)
    ),
    "xapp": lambda r: (
        "xa" + "pp-1-A0" + rs(r, 9, UPPER_ALNUM) + "-" + rs(r, 13, string.digits) + "-" + rs(r, 64, HEX)
    ),
    "slack_hook": lambda r: (
        "https://hooks.slack.com/"
        + "services/T"
        + rs(r, 8, UPPER_ALNUM)
        + "/B"
        + rs(r, 10, UPPER_ALNUM)
        + "/"
        + rs(r, 24)
    ),
    "discord_hook": lambda r: (
        "https://discord.com/api/" + "webhooks/" + rs(r, 19, string.digits) + "/" + rs(r, 68, B64URL)
    ),
    "sk_live": lambda r: "sk" + "_live_" + rs(r, r.choice([24, 99])),
    "rk_live": lambda r: "rk" + "_live_" + rs(r, 99),
    "whsec": lambda r: "wh" + "sec_" + rs(r, 32),
    "twilio_token": lambda r: rs(r, 32, HEX),
    "sendgrid": lambda r: "S" + "G." + rs(r, 22, B64URL) + "." + rs(r, 43, B64URL),
    "mailgun": lambda r: "ke" + "y-" + rs(r, 32, HEX),
    "mailgun2": lambda r: rs(r, 32, HEX) + "-" + rs(r, 8, HEX) + "-" + rs(r, 8, HEX),
    "npm": lambda r: "np" + "m_" + rs(r, 36),
    "pypi": lambda r: "py" + "pi-AgEIcHlwaS5vcmc" + rs(r, r.randint(140, 180), B64URL),
    "dckr": lambda r: "dckr" + "_pat_" + rs(r, 27, B64URL),
    "hvs": lambda r: "hv" + "s." + rs(r, 24) if r.random() < 0.4 else "hv" + "s.CAESI" + rs(r, 90, B64URL),
    "tfc": lambda r: rs(r, 14) + ".atlas" + "v1." + rs(r, 67),
    "dd_api": lambda r: rs(r, 32, HEX),
    "dd_app": lambda r: rs(r, 40, HEX),
    "nrak": lambda r: "NR" + "AK-" + rs(r, 27, UPPER_ALNUM),
    "nr_license": lambda r: rs(r, 36, HEX) + "NR" + "AL",
    "sntrys": lambda r: (
        "sntr"
        + "ys_"
        + b64url(
            json.dumps(
                {
                    "iat": r.randint(1_700_000_000, 1_790_000_000),
                    "url": "https://sentry.io",
                    "region_url": "https://us.sentry.io",
                    "org": "acme",
                }
            ).encode()
        )
        + "_"
        + rs(r, 43, B64URL)
    ),
    "sntryu": lambda r: "sntr" + "yu_" + rs(r, 64, HEX),
    "shpat": lambda r: "shp" + "at_" + rs(r, 32, HEX),
    "shpss": lambda r: "shp" + "ss_" + rs(r, 32, HEX),
    "square": lambda r: "EA" + "AA" + rs(r, 60, B64URL),
    "sq0csp": lambda r: "sq0" + "csp-" + rs(r, 43, B64URL),
    "atlassian": lambda r: "ATATT" + "3xFfGF0" + rs(r, 170, B64URL) + "=" + rs(r, 8, HEX.upper()),
    "linear": lambda r: "lin" + "_api_" + rs(r, 40),
    "notion": lambda r: "nt" + "n_" + rs(r, 46) if r.random() < 0.5 else "sec" + "ret_" + rs(r, 43),
    "airtable": lambda r: "pa" + "t" + rs(r, 14) + "." + rs(r, 64, HEX),
    "openai": lambda r: (
        "sk" + "-proj-" + rs(r, 156, B64URL)
        if r.random() < 0.6
        else "sk" + "-" + rs(r, 20) + "T3Blbk" + "FJ" + rs(r, 20)
    ),
    "anthropic": lambda r: "sk" + "-ant-api03-" + rs(r, 93, B64URL) + "AA",
    "google_api": lambda r: "AI" + "za" + rs(r, 35, B64URL),
    "gocspx": lambda r: "GOC" + "SPX-" + rs(r, 28, B64URL),
    "g_refresh": lambda r: "1//0" + rs(r, 1) + rs(r, 98, B64URL),
    "ya29": lambda r: "ya" + "29.a0A" + rs(r, 220, B64URL),
    "azure_storage": lambda r: b64(rbytes(r, 64)),
    "sas": sas_sig,
    "azure_secret": lambda r: rs(r, 3) + "8Q" + "~" + rs(r, 31, ALNUM + "-_.~"),
    "aws_secret": lambda r: rs(r, 40, B64),
    "aws_session": aws_session,
    "cf_token": lambda r: rs(r, 40, B64URL),
    "cf_global": lambda r: rs(r, 37, HEX),
    "do": lambda r: "do" + "p_v1_" + rs(r, 64, HEX),
    "fcm": lambda r: "AA" + "AA" + rs(r, 7, B64URL) + ":APA91b" + rs(r, 134, B64URL),
    "algolia_admin": lambda r: rs(r, 32, HEX),
    "heroku": lambda r: "HR" + "KU-AA" + rs(r, 58, B64URL),
    "heroku_uuid": _uuid,
    "fly": lambda r: "FlyV1 " + "fm2_" + rs(r, 300, B64URL) + "," + "fm2_" + rs(r, 200, B64URL),
    "vercel": lambda r: rs(r, 24),
    "netlify": lambda r: "nf" + "p_" + rs(r, 36),
    "telegram": lambda r: rs(r, 10, string.digits) + ":AA" + rs(r, 33, B64URL),
    "discord_bot": lambda r: (
        b64url(rs(r, 18, string.digits).encode()) + "." + rs(r, 6, B64URL) + "." + rs(r, 38, B64URL)
    ),
    "mapbox_sk": lambda r: "sk" + ".eyJ1Ijoi" + rs(r, 40, B64URL) + "." + rs(r, 22, B64URL),
    "postman": lambda r: "PM" + "AK-" + rs(r, 24, HEX) + "-" + rs(r, 34, HEX),
    "grafana": lambda r: "gl" + "sa_" + rs(r, 32) + "_" + rs(r, 8, HEX),
    "pscale": lambda r: "pscale" + "_tkn_" + rs(r, 43, B64URL),
    "doppler": lambda r: "dp" + ".st.prd." + rs(r, 40),
    "pulumi": lambda r: "pu" + "l-" + rs(r, 40, HEX),
    "okta": lambda r: "00" + rs(r, 40, B64URL),
    "databricks": lambda r: "da" + "pi" + rs(r, 32, HEX),
    "hf": lambda r: "h" + "f_" + rs(r, 34, string.ascii_letters),
    "replicate": lambda r: "r" + "8_" + rs(r, 37),
    "groq": lambda r: "gs" + "k_" + rs(r, 52),
    "age": lambda r: "AGE-" + "SECRET-KEY-1" + rs(r, 58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"),
    "jenkins": lambda r: "11" + rs(r, 32, HEX),
    "circleci": lambda r: "CCI" + "PAT_" + rs(r, 22) + "_" + rs(r, 40, HEX),
    "buildkite": lambda r: "bk" + "ua_" + rs(r, 40, HEX),
    "sonar": lambda r: "sq" + "u_" + rs(r, 40, HEX),
    "ado_pat": lambda r: rs(r, 52, string.ascii_lowercase + "234567"),
    "bitbucket": lambda r: "AT" + "BB" + rs(r, 32) + rs(r, 8, HEX.upper()),
    "render": lambda r: "rn" + "d_" + rs(r, 32),
    "resend": lambda r: "r" + "e_" + rs(r, 8) + "_" + rs(r, 24),
    "mailchimp": lambda r: rs(r, 32, HEX) + "-us" + str(r.randint(1, 21)),
    "contentful": lambda r: "CFP" + "AT-" + rs(r, 43, B64URL),
    "figma": lambda r: "fig" + "d_" + rs(r, 40, B64URL),
    "clerk": lambda r: "sk" + "_live_" + rs(r, 40),
    "pagerduty": lambda r: "u+" + rs(r, 18, B64URL),
    "dropbox": lambda r: "sl" + ".B" + rs(r, 140, B64URL),
    "cio": lambda r: "ci" + "o" + rs(r, 32),
    "pem_rsa": pem_rsa,
    "pem_pkcs8": pem_pkcs8,
    "pem_ec": pem_ec,
    "openssh": openssh_key,
    "putty": putty_key,
    "pgp": pgp_key,
    "jwk_d": lambda r: b64url(rbytes(r, 32)),
    "vault_unseal": lambda r: b64(rbytes(r, 33)),
    "nuget": lambda r: "oy2" + rs(r, 43, string.ascii_lowercase + string.digits),
    "sumo": lambda r: "su" + rs(r, 12) + rs(r, 52, B64URL),
    "launchdarkly": lambda r: "sdk-" + _uuid(r),
    "hmac": lambda r: rs(r, 64, HEX),
    "webhook_secret": lambda r: rs(r, 40, B64URL),
    "totp_seed": lambda r: rs(r, 32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
    "wp_salt": lambda r: rs(r, 64, ALNUM + "!@#%^&*()-_[]{}<>~+=,.;:/?|"),
}


def _akid(r: Rng) -> str:
    return r.choice(["AK", "AS"]) + "IA" + rs(r, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def _sha256(r: Rng) -> str:
    return rs(r, 64, HEX)


def _ssh_pub(r: Rng) -> str:
    if r.random() < 0.5:
        return (
            "ssh-ed25519 "
            + b64(_sshstr(b"ssh-ed25519") + _sshstr(rbytes(r, 32)))
            + f" {r.choice(FIRST)}@{r.choice(['laptop', 'build-01', 'ci'])}"
        )
    return (
        "ssh-rsa "
        + b64(_sshstr(b"ssh-rsa") + _sshstr(b"\x01\x00\x01") + _sshstr(b"\x00" + rbytes(r, 256)))
        + f" {r.choice(FIRST)}@workstation"
    )


def _cert(r: Rng) -> str:
    der = bytes.fromhex("3082038a30820300a003020102") + rbytes(r, 900)
    return armour("CERTIFICATE", _lines(b64(der)))


def _pubkey_pem(r: Rng) -> str:
    der = (
        bytes.fromhex("30820122300d06092a864886f70d01010105000382010f003082010a0282010100")
        + rbytes(r, 256)
        + bytes.fromhex("0203010001")
    )
    return armour("PUBLIC KEY", _lines(b64(der)))


def _png(r: Rng) -> str:
    return b64(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rbytes(r, r.randint(300, 900)))


def _woff2(r: Rng) -> str:
    return b64(b"wOF2\x00\x01\x00\x00" + rbytes(r, r.randint(600, 1400)))


def _minjs(r: Rng) -> str:
    names = [rs(r, 1, string.ascii_lowercase) + rs(r, r.randint(0, 2), ALNUM) for _ in range(8)]
    parts = []
    for _ in range(r.randint(6, 12)):
        a, b, c = r.sample(names, 3)
        parts.append(
            r.choice(
                [
                    f"function {a}({b},{c}){{return {b}&&{c}.{rs(r, 5, string.ascii_lowercase)}?{b}:{c}||null}}",
                    f'var {a}=Object.defineProperty,{b}=({c})=>{a}({c},"__esModule",{{value:!0}});',
                    f"{a}.prototype.{rs(r, 6, string.ascii_lowercase)}=function(){{return this.{b}.slice(0,{r.randint(2, 64)})}};",
                    f'const {a}="{rs(r, 8, string.ascii_lowercase)}",{b}=[{r.randint(0, 9)},{r.randint(10, 99)}],{c}=e=>e.map(t=>t*{r.randint(2, 9)});',
                ]
            )
        )
    return "".join(parts)


def _integrity(r: Rng) -> str:
    return "sha512-" + b64(rbytes(r, 64))


HOSTS = [
    "db-prod-3.internal",
    "pg-main.c9akciq32.eu-west-1.rds.amazonaws.com",
    "mysql-primary.svc.cluster.local",
    "10.20.3.14",
    "orders-db.postgres.database.azure.com",
    "redis-master.cache.svc",
    "sql-prod-01.corp.example.net",
]

# Non-secret fillers, by the name a template uses between ‹ and ›.
FILLERS: dict[str, Callable[[Rng], str]] = {
    "user": lambda r: (
        r.choice(
            ["app", "svc_orders", "deploy", "admin", "billing_rw", "postgres", "root", "jenkins", "ci-bot"]
        )
        + r.choice(["", str(r.randint(1, 9))])
    ),
    "name": lambda r: r.choice(FIRST),
    "email": lambda r: (
        f"{r.choice(FIRST)}.{r.choice(WORDS)}@{r.choice(['acme.io', 'example.com', 'corp.example.net'])}"
    ),
    "host": lambda r: r.choice(HOSTS),
    "domain": lambda r: r.choice(["acme.io", "shop.example.com", "internal.corp.net", "api.tenant-7.dev"]),
    "ip": lambda r: f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
    "pubip": lambda r: f"{r.randint(34, 203)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
    "port": lambda r: str(r.choice([5432, 3306, 6379, 27017, 5672, 1433, 8080, 9092])),
    "db": lambda r: r.choice(["orders", "app_production", "billing", "inventory", "analytics", "users"]),
    "word": lambda r: r.choice(WORDS),
    "int": lambda r: str(r.randint(2, 9999)),
    "acct": lambda r: rs(r, 12, string.digits),
    "region": lambda r: r.choice(["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1"]),
    "date": lambda r: f"20{r.randint(23, 26)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
    "ts": lambda r: (
        f"20{r.randint(23, 26)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}.{r.randint(0, 999):03d}Z"
    ),
    "epoch": lambda r: str(r.randint(1_700_000_000, 1_790_000_000)),
    "sha": lambda r: rs(r, 40, HEX),
    "sha7": lambda r: rs(r, 7, HEX),
    "sha256": _sha256,
    "md5": lambda r: rs(r, 32, HEX),
    "hex40": lambda r: rs(r, 40, HEX),
    "hex64": lambda r: rs(r, 64, HEX),
    "uuid": _uuid,
    "akid": _akid,
    "twsid": lambda r: "AC" + rs(r, 32, HEX),
    "appid": lambda r: rs(r, 10, UPPER_ALNUM),
    "clientid": lambda r: (
        rs(r, 12, string.digits) + "-" + rs(r, 32, LOWER_ALNUM) + ".apps.googleusercontent.com"
    ),
    "sshpub": _ssh_pub,
    "cert": _cert,
    "pubpem": _pubkey_pem,
    "png": _png,
    "woff2": _woff2,
    "minjs": _minjs,
    "integrity": _integrity,
    "sha1b64": lambda r: "sha1-" + b64(rbytes(r, 20)),
    "gosum": lambda r: "h1:" + b64(rbytes(r, 32)),
    "nixhash": lambda r: rs(r, 32, "0123456789abcdfghijklmnpqrsvwxyz"),
    "b32": lambda r: rs(r, 26, "0123456789abcdefghjkmnpqrstvwxyz"),
    "fp": lambda r: "SHA256:" + b64(rbytes(r, 32)).rstrip("="),
    "gpgfp": lambda r: rs(r, 40, HEX.upper()),
    "toolu": lambda r: "toolu_01" + rs(r, 22),
    "msgid": lambda r: "msg_01" + rs(r, 22),
    "reqid": lambda r: "req_011C" + rs(r, 20),
    "callid": lambda r: "call_" + rs(r, 24),
    "chatcmpl": lambda r: "chatcmpl-" + rs(r, 29),
    "stripe_id": lambda r: (
        r.choice(["cus_", "pi_", "ch_", "sub_", "in_", "price_", "prod_", "evt_"]) + rs(r, r.choice([14, 24]))
    ),
    "nodeid": lambda r: (
        r.choice(["I_kwDO", "PR_kwDO", "MDQ6VXNlcj", "R_kgDO"]) + rs(r, r.choice([8, 14]), B64URL)
    ),
    "traceid": lambda r: rs(r, 32, HEX),
    "spanid": lambda r: rs(r, 16, HEX),
    "amzreq": lambda r: (
        rs(r, 8, HEX) + "-" + rs(r, 4, HEX) + "-" + rs(r, 4, HEX) + "-" + rs(r, 4, HEX) + "-" + rs(r, 12, HEX)
    ),
    "s3ver": lambda r: rs(r, 32, B64URL.replace("-", "")),
    "podhash": lambda r: (
        rs(r, 10, "bcdfghjklmnpqrstvwxz2456789") + "-" + rs(r, 5, "bcdfghjklmnpqrstvwxz2456789")
    ),
    "containerid": lambda r: rs(r, 64, HEX),
    "chunk": lambda r: rs(r, 8, HEX),
    "b64json": lambda r: b64(
        json.dumps(
            {"page": r.randint(1, 90), "sort": "created_at", "after": r.randint(10**6, 10**9)}
        ).encode()
    ),
    "nonce": lambda r: b64(rbytes(r, 16)),
    "b64u32": lambda r: b64url(rbytes(r, 32)),
    "slackid": lambda r: r.choice("CUGW") + rs(r, 10, UPPER_ALNUM),
    "sentryevt": lambda r: rs(r, 32, HEX),
    "b64bin": lambda r: b64(rbytes(r, r.randint(120, 400))),
    "vaultenc": lambda r: "\n".join(rs(r, 80, HEX) for _ in range(r.randint(4, 8))),
    "sopsenc": lambda r: (
        f"ENC[AES256_GCM,data:{b64(rbytes(r, r.randint(8, 40)))},iv:{b64(rbytes(r, 32))},tag:{b64(rbytes(r, 16))},type:str]"
    ),
    "sealed": lambda r: "AgB" + rs(r, r.randint(600, 700), B64).rstrip("=") + "==",
}

# ---------------------------------------------------------------- templates

MARK = re.compile(
    r"«([a-z0-9_]+)(#\d+)?(?:\|(indent\d+|jsonesc|urlenc|b64))?»|‹([a-z0-9_]+)(#\d+)?(?:\|(indent\d+|jsonesc|urlenc|b64))?›"
)


def _transform(value: str, how: str | None) -> str:
    if not how:
        return value
    if how.startswith("indent"):
        return value.replace("\n", "\n" + " " * int(how[6:]))
    if how == "jsonesc":
        return json.dumps(value)[1:-1]
    if how == "urlenc":
        return urllib.parse.quote(value, safe="")
    return b64(value.encode())


def instantiate(template: str, r: Rng) -> tuple[str, list[str]]:
    """The template with every marker filled, and the secret substrings as they appear in it."""
    values: dict[str, str] = {}
    secrets: list[str] = []

    def fill(m: re.Match[str]) -> str:
        if m.group(1):
            key = f"S{m.group(1)}{m.group(2) or ''}"
            if key not in values:
                values[key] = SECRETS[m.group(1)](r)
            shown = _transform(values[key], m.group(3))
            if shown not in secrets:
                secrets.append(shown)
            return shown
        key = f"F{m.group(4)}{m.group(5) or ''}"
        if key not in values:
            values[key] = FILLERS[m.group(4)](r)
        return _transform(values[key], m.group(6))

    return MARK.sub(fill, template), secrets


# (kind, context, template). «name» is a secret, ‹name› a filler; «name#2» is a second value.
POSITIVE: list[tuple[str, str, str]] = [
    # ---- Terraform
    (
        "terraform-plan-db-password",
        "plain",
        """Terraform will perform the following actions:

  # aws_db_instance.main will be created
  + resource "aws_db_instance" "main" {
      + allocated_storage     = 100
      + engine                = "postgres"
      + engine_version        = "15.4"
      + identifier            = "‹db›-prod"
      + instance_class        = "db.r6g.large"
      + password              = "«pw»"
      + username              = "‹user›"
    }

Plan: 1 to add, 0 to change, 0 to destroy.""",
    ),
    (
        "terraform-state-rds",
        "json",
        """{
  "version": 4,
  "terraform_version": "1.7.5",
  "serial": ‹int›,
  "lineage": "‹uuid›",
  "resources": [
    {
      "mode": "managed",
      "type": "aws_db_instance",
      "name": "main",
      "provider": "provider[\\"registry.terraform.io/hashicorp/aws\\"]",
      "instances": [
        {
          "schema_version": 2,
          "attributes": {
            "address": "‹host›",
            "arn": "arn:aws:rds:‹region›:‹acct›:db:‹db›",
            "password": "«pw»",
            "username": "‹user›",
            "port": ‹port›
          },
          "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]]
        }
      ]
    }
  ]
}""",
    ),
    (
        "terraform-tfvars",
        "plain",
        """# prod.auto.tfvars
region              = "‹region›"
cluster_name        = "prod-eks"
db_master_username  = "‹user›"
db_master_password  = "«pw»"
datadog_api_key     = "«dd_api»"
cloudflare_api_token = "«cf_token»"
""",
    ),
    (
        "terraform-output-json",
        "shell",
        """$ terraform output -json
{
  "db_endpoint": {"sensitive": false, "type": "string", "value": "‹host›:‹port›"},
  "db_password": {"sensitive": true, "type": "string", "value": "«pw»"},
  "redis_auth_token": {"sensitive": true, "type": "string", "value": "«upw»"}
}""",
    ),
    (
        "terraform-provider-block",
        "source",
        """provider "github" {
  owner = "acme-platform"
  token = "«ghp»"
}

provider "datadog" {
  api_key = "«dd_api»"
  app_key = "«dd_app»"
}""",
    ),
    (
        "terraform-tfc-credentials",
        "json",
        """{
  "credentials": {
    "app.terraform.io": {
      "token": "«tfc»"
    }
  }
}""",
    ),
    (
        "terraform-debug-log-header",
        "plain",
        """2026-02-11T10:04:12.118Z [DEBUG] provider.terraform-provider-aws_v5.31.0_x5: HTTP Request Sent: tf_provider_addr=registry.terraform.io/hashicorp/aws
POST / HTTP/1.1
Host: sts.‹region›.amazonaws.com
Authorization: AWS4-HMAC-SHA256 Credential=‹akid›/20260211/‹region›/sts/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=‹sha256›
X-Amz-Security-Token: «aws_session»""",
    ),
    # ---- Helm / Kubernetes
    (
        "helm-values-inline-secrets",
        "yaml",
        """# values-prod.yaml
image:
  repository: ghcr.io/acme/orders
  tag: "‹sha7›"
postgresql:
  auth:
    username: ‹user›
    password: "«pw»"
    postgresPassword: «pw#2»
redis:
  auth:
    enabled: true
    password: «upw»
smtp:
  host: smtp.sendgrid.net
  user: apikey
  password: «sendgrid»
""",
    ),
    (
        "kubectl-get-secret-yaml",
        "yaml",
        """apiVersion: v1
data:
  DATABASE_PASSWORD: «b64pw»
  STRIPE_SECRET_KEY: «sk_live|b64»
kind: Secret
metadata:
  creationTimestamp: "‹ts›"
  name: orders-env
  namespace: prod
  resourceVersion: "‹int›"
  uid: ‹uuid›
type: Opaque
""",
    ),
    (
        "kubectl-secret-stringdata",
        "yaml",
        """apiVersion: v1
kind: Secret
metadata:
  name: grafana-admin
  namespace: monitoring
type: Opaque
stringData:
  admin-user: admin
  admin-password: «pw»
""",
    ),
    (
        "kubectl-secret-json-jsonpath",
        "shell",
        """$ kubectl -n prod get secret app-env -o json | jq .data
{
  "API_TOKEN": "«b64pw»",
  "DB_URL_PASSWORD": "«b64pw#2»"
}
$ kubectl -n prod get secret app-env -o jsonpath='{.data.API_TOKEN}' | base64 -d
«pw»""",
    ),
    (
        "kubeconfig-token-and-key",
        "yaml",
        """apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ‹b64bin›
    server: https://‹pubip›:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: deployer
  name: prod
current-context: prod
kind: Config
users:
- name: deployer
  user:
    token: «jwt_rs»
- name: admin
  user:
    client-certificate-data: ‹b64bin›
    client-key-data: «pem_ec|b64»
""",
    ),
    (
        "k8s-dockerconfigjson",
        "yaml",
        """apiVersion: v1
kind: Secret
metadata:
  name: regcred
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: «dockerauth|b64»
""",
    ),
    (
        "k8s-deployment-env-literal",
        "yaml",
        """spec:
  containers:
    - name: api
      image: acme/api:‹sha7›
      env:
        - name: NODE_ENV
          value: production
        - name: OPENAI_API_KEY
          value: "«openai»"
        - name: JWT_SECRET
          value: «hex64»
""",
    ),
    (
        "kubectl-describe-pod-env",
        "plain",
        """Containers:
  worker:
    Container ID:   containerd://‹containerid›
    Image:          ‹acct›.dkr.ecr.‹region›.amazonaws.com/worker:‹sha7›
    State:          Running
    Environment:
      QUEUE_URL:              amqp://worker:«upw»@rabbitmq.prod.svc:5672/jobs
      SENTRY_AUTH_TOKEN:      «sntryu»
      LOG_LEVEL:              info
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-‹podhash› (ro)""",
    ),
    (
        "helm-install-set",
        "shell",
        """$ helm upgrade --install gitlab-runner gitlab/gitlab-runner -n ci \\
    --set gitlabUrl=https://gitlab.‹domain›/ \\
    --set runnerToken=«glrt» \\
    --set rbac.create=true
Release "gitlab-runner" has been upgraded. Happy Helming!""",
    ),
    (
        "argocd-repo-secret",
        "yaml",
        """apiVersion: v1
kind: Secret
metadata:
  name: private-repo
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  type: git
  url: https://github.com/acme/deploy-config
  username: x-access-token
  password: «ghs»
""",
    ),
    # ---- Docker
    (
        "docker-inspect-env",
        "json",
        """[
    {
        "Id": "‹containerid›",
        "Created": "‹ts›",
        "Config": {
            "Hostname": "‹chunk›",
            "Env": [
                "POSTGRES_USER=‹user›",
                "POSTGRES_PASSWORD=«pw»",
                "MINIO_ROOT_PASSWORD=«upw»",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
            ],
            "Image": "postgres:16"
        }
    }
]""",
    ),
    (
        "docker-compose-config",
        "yaml",
        """name: shop
services:
  db:
    environment:
      MYSQL_DATABASE: ‹db›
      MYSQL_ROOT_PASSWORD: «pw»
    image: mysql:8.4
  app:
    environment:
      DATABASE_URL: mysql://root:«upw»@db:3306/‹db›
      MAILGUN_API_KEY: «mailgun»
    image: shop/app:latest
""",
    ),
    (
        "docker-config-json",
        "json",
        """{
	"auths": {
		"https://index.docker.io/v1/": {
			"auth": "«dockerauth»"
		},
		"ghcr.io": {
			"auth": "«basic»"
		}
	},
	"credsStore": ""
}""",
    ),
    (
        "docker-login-cli",
        "shell",
        """$ echo «dckr» | docker login -u ‹user› --password-stdin
Login Succeeded
$ docker login -u AWS -p «jwt» ‹acct›.dkr.ecr.‹region›.amazonaws.com
WARNING! Using --password via the CLI is insecure. Use --password-stdin.""",
    ),
    (
        "docker-run-e-flags",
        "shell",
        """$ docker run -d --name pg -e POSTGRES_PASSWORD=«pw» -e PGDATA=/var/lib/postgresql/data/pgdata -p 5432:5432 postgres:16
‹containerid›""",
    ),
    (
        "dockerfile-arg-env",
        "source",
        """FROM node:20-alpine
ARG NPM_TOKEN=«npm»
ENV SENTRY_AUTH_TOKEN=«sntrys»
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
""",
    ),
    # ---- env dumps
    (
        "printenv-dump",
        "shell",
        """$ printenv | sort
AWS_ACCESS_KEY_ID=‹akid›
AWS_DEFAULT_REGION=‹region›
AWS_SECRET_ACCESS_KEY=«aws_secret»
AWS_SESSION_TOKEN=«aws_session»
HOME=/home/runner
HOSTNAME=‹chunk›
LANG=C.UTF-8
PATH=/usr/local/bin:/usr/bin:/bin
PWD=/workspace
SHLVL=1""",
    ),
    (
        "env-dump-mixed",
        "shell",
        """$ env
SHELL=/bin/bash
GITHUB_TOKEN=«ghp»
NPM_CONFIG_USERCACHE=/home/dev/.npm
ANTHROPIC_API_KEY=«anthropic»
TERM=xterm-256color
HF_TOKEN=«hf»
_=/usr/bin/env""",
    ),
    (
        "bash-set-dump",
        "shell",
        """$ set | grep -i -E 'key|token|pass'
DB_PASS='«pw»'
SLACK_BOT_TOKEN=«xoxb»
STRIPE_API_KEY=«sk_live»
""",
    ),
    (
        "dotenv-file",
        "plain",
        """# .env.production
APP_ENV=production
APP_KEY=base64:«b64key»
DB_CONNECTION=pgsql
DB_HOST=‹host›
DB_PASSWORD="«pw»"
MAIL_PASSWORD=«mailgun2»
PUSHER_APP_SECRET=«hexkey»
""",
    ),
    (
        "powershell-env",
        "shell",
        """PS C:\\src\\api> Get-ChildItem Env: | Where-Object Name -like '*AZURE*'

Name                           Value
----                           -----
AZURE_CLIENT_ID                ‹uuid›
AZURE_CLIENT_SECRET            «azure_secret»
AZURE_TENANT_ID                ‹uuid#2›""",
    ),
    (
        "cmd-set",
        "shell",
        """C:\\> set SQLCMDPASSWORD=«pw»
C:\\> sqlcmd -S ‹host› -U sa -Q "SELECT @@VERSION"
""",
    ),
    # ---- CI logs
    (
        "gha-log-leaked-echo",
        "plain",
        """2026-03-02T08:11:40.1234567Z ##[group]Run ./scripts/deploy.sh
2026-03-02T08:11:40.1234567Z ./scripts/deploy.sh
2026-03-02T08:11:40.1240000Z shell: /usr/bin/bash -e {0}
2026-03-02T08:11:40.1240000Z ##[endgroup]
2026-03-02T08:11:41.5512345Z + curl -sf -H 'Authorization: token «ghs»' https://api.github.com/repos/acme/app/deployments
2026-03-02T08:11:42.0023456Z Deploying with key «do»""",
    ),
    (
        "gitlab-ci-job-log",
        "plain",
        """Running with gitlab-runner 17.2.0 (‹chunk›)
  on docker-autoscaler ‹chunk#2›, system ID: s_‹md5›
Preparing the "docker" executor
$ echo "Using registry password $CI_REGISTRY_PASSWORD"
Using registry password «glcbt»
$ docker login -u gitlab-ci-token -p «glcbt» registry.gitlab.com
Login Succeeded""",
    ),
    (
        "jenkins-console-withenv",
        "plain",
        """[Pipeline] withEnv
[Pipeline] {
[Pipeline] sh
+ curl -u ‹user›:«jenkins» https://jenkins.‹domain›/job/release/buildWithParameters?token=«opaque»
Started by user ‹name›""",
    ),
    (
        "circleci-config-env",
        "yaml",
        """version: 2.1
jobs:
  deploy:
    docker:
      - image: cimg/python:3.12
        auth:
          username: ‹user›
          password: «dckr»
    environment:
      HEROKU_API_KEY: «heroku»
    steps:
      - checkout
      - run: git push https://heroku:$HEROKU_API_KEY@git.heroku.com/acme-api.git HEAD:main
""",
    ),
    (
        "gha-workflow-hardcoded",
        "yaml",
        """name: release
on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    env:
      TWINE_USERNAME: __token__
      TWINE_PASSWORD: «pypi»
    steps:
      - uses: actions/checkout@v4
      - run: python -m build && twine upload dist/*
""",
    ),
    (
        "azure-pipelines-var",
        "yaml",
        """variables:
  - name: sonarToken
    value: «sonar»
  - name: System.AccessToken
    value: «ado_pat»
steps:
  - script: dotnet test --logger trx
""",
    ),
    (
        "buildkite-pipeline-env",
        "yaml",
        """steps:
  - label: ":rocket: deploy"
    command: ./deploy.sh
    env:
      BUILDKITE_API_TOKEN: «buildkite»
      PULUMI_ACCESS_TOKEN: «pulumi»
""",
    ),
    # ---- Ansible
    (
        "ansible-group-vars",
        "yaml",
        """---
# group_vars/dbservers.yml
postgresql_version: 15
postgresql_users:
  - name: ‹user›
    password: "«pw»"
ansible_become_password: «pw#2»
""",
    ),
    (
        "ansible-verbose-output",
        "plain",
        """TASK [mysql : create application user] *****************************************
changed: [db1.‹domain›] => {"changed": true, "user": "‹user›", "password": "«pw»", "priv": "‹db›.*:ALL"}
ok: [db2.‹domain›]""",
    ),
    (
        "ansible-vault-password-file",
        "shell",
        """$ cat ~/.vault_pass.txt
«pw»
$ ansible-playbook site.yml --vault-password-file ~/.vault_pass.txt""",
    ),
    # ---- Java / Spring / .NET
    (
        "spring-application-yml",
        "yaml",
        """spring:
  datasource:
    url: jdbc:postgresql://‹host›:5432/‹db›
    username: ‹user›
    password: «pw»
  mail:
    host: smtp.mailgun.org
    password: «mailgun»
jwt:
  secret: «b64key48»
""",
    ),
    (
        "java-properties",
        "plain",
        """# application-prod.properties
server.port=8080
spring.datasource.url=jdbc:mysql://‹host›:3306/‹db›?useSSL=true
spring.datasource.username=‹user›
spring.datasource.password=«pw»
spring.rabbitmq.password=«upw»
aws.secretKey=«aws_secret»
""",
    ),
    (
        "jdbc-url-password-param",
        "url",
        """jdbc:postgresql://‹host›:5432/‹db›?user=‹user›&password=«upw»&sslmode=require""",
    ),
    (
        "jdbc-sqlserver",
        "url",
        """jdbc:sqlserver://‹host›:1433;databaseName=‹db›;user=‹user›;password=«upw»;encrypt=true;trustServerCertificate=false""",
    ),
    (
        "dotnet-appsettings",
        "json",
        """{
  "Logging": { "LogLevel": { "Default": "Information" } },
  "ConnectionStrings": {
    "DefaultConnection": "Server=tcp:‹host›,1433;Initial Catalog=‹db›;Persist Security Info=False;User ID=‹user›;Password=«pw»;MultipleActiveResultSets=False;Encrypt=True;Connection Timeout=30;"
  },
  "AzureAd": { "ClientId": "‹uuid›", "ClientSecret": "«azure_secret»" },
  "AllowedHosts": "*"
}""",
    ),
    (
        "dotnet-user-secrets-list",
        "shell",
        """$ dotnet user-secrets list
Stripe:SecretKey = «sk_live»
ConnectionStrings:Redis = ‹host›:6380,password=«b64key»,ssl=True,abortConnect=False""",
    ),
    (
        "azure-storage-connection-string",
        "plain",
        """DefaultEndpointsProtocol=https;AccountName=acmeprod‹int›;AccountKey=«azure_storage»;EndpointSuffix=core.windows.net""",
    ),
    (
        "azure-servicebus-connection",
        "plain",
        """Endpoint=sb://acme-events.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«b64key»""",
    ),
    (
        "csharp-source",
        "source",
        """public static class Secrets
{
    // TODO move to Key Vault
    public const string SendGridKey = "«sendgrid»";
    private static readonly string ConnStr = "Data Source=‹host›;Initial Catalog=‹db›;User Id=‹user›;Password=«pw»;";
}""",
    ),
    (
        "kotlin-source",
        "source",
        """object BuildConfig {
    const val MAPBOX_TOKEN = "«mapbox_sk»"
    val client = OkHttpClient.Builder().addInterceptor { chain ->
        chain.proceed(chain.request().newBuilder().header("Authorization", "Bearer «opaque»").build())
    }.build()
}""",
    ),
    (
        "swift-source",
        "source",
        """enum Keys {
    static let algoliaAdmin = "«algolia_admin»"
}
let config = URLSessionConfiguration.default
config.httpAdditionalHeaders = ["X-Api-Key": "«hex40»"]""",
    ),
    (
        "go-source",
        "source",
        """package main

const (
	stripeKey   = "«sk_live»"
	dsn         = "postgres://‹user›:«upw»@‹host›:5432/‹db›?sslmode=disable"
)

func client() *github.Client {
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "«ghp»"})
	return github.NewClient(oauth2.NewClient(context.Background(), ts))
}""",
    ),
    (
        "rust-source",
        "source",
        """let client = reqwest::Client::new();
let resp = client
    .post("https://api.anthropic.com/v1/messages")
    .header("x-api-key", "«anthropic»")
    .header("anthropic-version", "2023-06-01")
    .json(&body)
    .send()
    .await?;""",
    ),
    (
        "python-source",
        "source",
        """import openai
import boto3

openai.api_key = "«openai»"
s3 = boto3.client(
    "s3",
    aws_access_key_id="‹akid›",
    aws_secret_access_key="«aws_secret»",
)""",
    ),
    (
        "python-django-settings",
        "source",
        """SECRET_KEY = '«django»'
DEBUG = False
DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.postgresql',
        'NAME': '‹db›',
        'USER': '‹user›',
        'PASSWORD': '«pw»',
        'HOST': '‹host›',
    }
}
EMAIL_HOST_PASSWORD = '«sendgrid»'""",
    ),
    (
        "js-source",
        "source",
        """const Stripe = require('stripe');
const stripe = Stripe('«sk_live»');
const twilio = require('twilio')('‹twsid›', '«twilio_token»');
export const firebaseAdmin = { privateKey: "«pem_pkcs8|jsonesc»" };""",
    ),
    (
        "ts-config-object",
        "source",
        """export const config = {
  supabaseUrl: 'https://‹word›.supabase.co',
  supabaseServiceRoleKey: '«sb_service»',
  resendApiKey: '«resend»',
} as const;""",
    ),
    (
        "ruby-source",
        "source",
        """Sidekiq.configure_server do |config|
  config.redis = { url: "redis://:«upw»@‹host›:6379/0" }
end
Shopify::Context.setup(api_key: "‹md5›", api_secret_key: "«shpss»", host: "https://‹domain›")""",
    ),
    (
        "php-wp-config",
        "source",
        """define( 'DB_NAME', '‹db›' );
define( 'DB_USER', '‹user›' );
define( 'DB_PASSWORD', '«pw»' );
define( 'DB_HOST', 'localhost' );
define( 'AUTH_KEY',         '«wp_salt»' );
define( 'SECURE_AUTH_KEY',  '«wp_salt#2»' );""",
    ),
    (
        "php-laravel-config",
        "source",
        """<?php
return [
    'stripe' => [
        'secret' => env('STRIPE_SECRET', '«sk_live»'),
    ],
    'mailgun' => ['domain' => 'mg.‹domain›', 'secret' => '«mailgun»'],
];""",
    ),
    (
        "rails-database-yml",
        "yaml",
        """production:
  adapter: postgresql
  encoding: unicode
  database: ‹db›
  username: ‹user›
  password: «pw»
  host: ‹host›
""",
    ),
    (
        "rails-credentials-show",
        "shell",
        """$ bin/rails credentials:show
secret_key_base: «rails_secret_base»
aws:
  access_key_id: ‹akid›
  secret_access_key: «aws_secret»
stripe:
  secret_key: «rk_live»""",
    ),
    (
        "rails-master-key",
        "shell",
        """$ cat config/master.key
«rails_master»""",
    ),
    (
        "java-source-jdbc",
        "source",
        """public class Db {
    private static final String URL = "jdbc:mysql://‹host›:3306/‹db›";
    private static final String PASS = "«pw»";
    public Connection open() throws SQLException {
        return DriverManager.getConnection(URL, "‹user›", PASS);
    }
}""",
    ),
    (
        "jupyter-notebook-cell",
        "json",
        """{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 3,
   "metadata": {},
   "outputs": [],
   "source": [
    "import os\\n",
    "os.environ[\\"OPENAI_API_KEY\\"] = \\"«openai»\\"\\n",
    "hf_token = \\"«hf»\\"\\n"
   ]
  }
 ],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}""",
    ),
    (
        "jupyter-output-printed",
        "json",
        """{"cell_type": "code", "execution_count": 7, "metadata": {}, "outputs": [{"name": "stdout", "output_type": "stream", "text": ["Connected with token «databricks»\\n"]}], "source": ["print(f\\"Connected with token {token}\\")"]}""",
    ),
    # ---- HTTP
    (
        "http-request-dump-bearer",
        "plain",
        """> GET /v2/accounts/me HTTP/2
> Host: api.‹domain›
> User-Agent: curl/8.5.0
> Accept: */*
> Authorization: Bearer «jwt»
>
< HTTP/2 200
< content-type: application/json""",
    ),
    (
        "http-basic-auth",
        "plain",
        """POST /api/v1/deploy HTTP/1.1
Host: ci.‹domain›
Authorization: Basic «basic»
Content-Type: application/json
Content-Length: 58""",
    ),
    (
        "http-cookie-set-cookie",
        "plain",
        """GET /dashboard HTTP/1.1
Host: app.‹domain›
Cookie: _ga=GA1.2.‹int›.‹epoch›; session=«session_cookie»; theme=dark

HTTP/1.1 302 Found
Set-Cookie: sessionid=«opaque»; expires=Thu, 01 Jan 2027 00:00:00 GMT; HttpOnly; Path=/; SameSite=Lax; Secure
Location: /login""",
    ),
    (
        "http-x-api-key",
        "shell",
        """$ curl -s https://api.‹domain›/v1/search -H "x-api-key: «hex40»" -H 'Content-Type: application/json' -d '{"q":"shoes"}'
{"hits": [], "took": 3}""",
    ),
    (
        "python-requests-debug",
        "plain",
        """send: b'POST /oauth/token HTTP/1.1\\r\\nHost: auth.‹domain›\\r\\nContent-Type: application/x-www-form-urlencoded\\r\\n\\r\\ngrant_type=client_credentials&client_id=‹uuid›&client_secret=«opaque»'
reply: 'HTTP/1.1 200 OK\\r\\n'""",
    ),
    (
        "oauth-token-response",
        "json",
        """{
  "access_token": "«ya29»",
  "expires_in": 3599,
  "refresh_token": "«g_refresh»",
  "scope": "https://www.googleapis.com/auth/drive.readonly",
  "token_type": "Bearer"
}""",
    ),
    (
        "har-entry",
        "json",
        """{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "entries": [{"startedDateTime": "‹ts›", "request": {"method": "GET", "url": "https://api.‹domain›/me", "httpVersion": "http/2.0", "headers": [{"name": "accept", "value": "application/json"}, {"name": "authorization", "value": "Bearer «jwt»"}, {"name": "cookie", "value": "__Host-session=«opaque»"}], "queryString": [], "cookies": []}, "response": {"status": 200}}]}}""",
    ),
    (
        "curl-verbose-proxy-auth",
        "shell",
        """$ curl -v -x http://‹user›:«upw»@proxy.corp.example.net:3128 https://pypi.org/simple/
*   Trying 10.0.0.5:3128...
* Proxy auth using Basic with user '‹user›'""",
    ),
    (
        "httpie-output",
        "shell",
        """$ http POST https://api.linear.app/graphql Authorization:«linear» query='{ viewer { id } }'
HTTP/1.1 200 OK
{"data": {"viewer": {"id": "‹uuid›"}}}""",
    ),
    (
        "websocket-url-token",
        "url",
        """wss://realtime.‹domain›/socket/websocket?apikey=«sb_service»&vsn=1.0.0""",
    ),
    # ---- SQL
    (
        "sql-create-user",
        "plain",
        """mysql> CREATE USER '‹user›'@'%' IDENTIFIED BY '«pw»';
Query OK, 0 rows affected (0.02 sec)
mysql> GRANT SELECT, INSERT ON ‹db›.* TO '‹user›'@'%';""",
    ),
    (
        "sql-alter-role",
        "plain",
        """postgres=# ALTER ROLE ‹user› WITH LOGIN PASSWORD '«pw»';
ALTER ROLE
postgres=# CREATE ROLE reporting LOGIN PASSWORD '«pw#2»' VALID UNTIL '2027-01-01';
CREATE ROLE""",
    ),
    (
        "sql-mssql-login",
        "source",
        """CREATE LOGIN [etl_service] WITH PASSWORD = N'«pw»', CHECK_POLICY = ON;
GO
ALTER LOGIN [sa] WITH PASSWORD = N'«pw#2»';
GO""",
    ),
    (
        "sql-oracle-identified",
        "plain",
        """SQL> ALTER USER app_owner IDENTIFIED BY "«pw»" ACCOUNT UNLOCK;
User altered.""",
    ),
    (
        "psql-cli-pgpassword",
        "shell",
        """$ PGPASSWORD='«pw»' psql -h ‹host› -U ‹user› -d ‹db› -c '\\dt'
            List of relations
 Schema |   Name    | Type  | Owner
--------+-----------+-------+-------""",
    ),
    (
        "mysql-cli-p",
        "shell",
        """$ mysql -h ‹host› -u ‹user› -p«pw» ‹db› -e 'SHOW TABLES'
mysql: [Warning] Using a password on the command line interface can be insecure.""",
    ),
    (
        "pgpass-file",
        "plain",
        """# ~/.pgpass
‹host›:5432:‹db›:‹user›:«pw»
localhost:5432:*:postgres:«pw#2»""",
    ),
    (
        "my-cnf",
        "plain",
        """[client]
user=‹user›
password="«pw»"
host=‹host›""",
    ),
    # ---- connection strings
    (
        "mongo-srv-url",
        "url",
        """mongodb+srv://‹user›:«upw»@cluster0.‹chunk›.mongodb.net/‹db›?retryWrites=true&w=majority&appName=Cluster0""",
    ),
    (
        "mongo-shell",
        "shell",
        """$ mongosh "mongodb://admin:«upw»@‹ip›:27017/admin?authSource=admin"
Current Mongosh Log ID: ‹chunk›‹chunk#2›‹chunk#3›
Connecting to: mongodb://<credentials>@‹ip›:27017/admin""",
    ),
    ("redis-url", "url", """rediss://default:«upw»@‹word›-‹int›.upstash.io:6379"""),
    (
        "redis-cli-a",
        "shell",
        """$ redis-cli -h ‹host› -p 6379 -a «upw» --no-auth-warning INFO keyspace
# Keyspace
db0:keys=‹int›,expires=12,avg_ttl=0""",
    ),
    ("amqp-url", "url", """amqps://‹user›:«upw»@b-‹uuid›.mq.‹region›.amazonaws.com:5671/%2f"""),
    (
        "postgres-url-in-prose",
        "plain",
        """I updated DATABASE_URL to postgresql://‹user›:«upw»@‹host›:5432/‹db› and reran the migrations; all 42 applied.""",
    ),
    (
        "odbc-connection",
        "plain",
        """Driver={ODBC Driver 18 for SQL Server};Server=tcp:‹host›,1433;Database=‹db›;Uid=‹user›;Pwd={«pw»};Encrypt=yes;TrustServerCertificate=no;""",
    ),
    (
        "ado-connection-odd-order",
        "source",
        """var cs = "Password=«pw»;Persist Security Info=True;User ID=‹user›;Initial Catalog=‹db›;Data Source=‹host›";""",
    ),
    (
        "kafka-sasl-jaas",
        "plain",
        """sasl.mechanism=PLAIN
security.protocol=SASL_SSL
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="‹appid›" password="«b64key»";""",
    ),
    (
        "elasticsearch-url",
        "url",
        """https://elastic:«upw»@‹word›.es.‹region›.aws.found.io:9243/_cluster/health""",
    ),
    ("clickhouse-dsn", "url", """clickhouse://default:«upw»@‹host›:9440/‹db›?secure=true"""),
    (
        "snowflake-connector",
        "source",
        """conn = snowflake.connector.connect(
    user="‹user›",
    password="«pw»",
    account="xy‹int›.‹region›",
    warehouse="COMPUTE_WH",
)""",
    ),
    # ---- errors and traces echoing config
    (
        "python-traceback-locals",
        "plain",
        """Traceback (most recent call last):
  File "/app/worker.py", line 88, in connect
    return psycopg.connect(conninfo)
psycopg.OperationalError: connection failed: FATAL:  password authentication failed for user "‹user›"
Local variables:
    conninfo = 'host=‹host› port=5432 dbname=‹db› user=‹user› password=«pw»'""",
    ),
    (
        "java-exception-props",
        "plain",
        """org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'dataSource': Invocation of init method failed; nested exception is java.lang.IllegalStateException: Failed to connect with properties {url=jdbc:postgresql://‹host›/‹db›, username=‹user›, password=«pw»}
	at org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.initializeBean(AbstractAutowireCapableBeanFactory.java:1804)""",
    ),
    (
        "node-error-config-dump",
        "plain",
        """Error: getaddrinfo ENOTFOUND ‹host›
    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26) {
  errno: -3008,
  code: 'ENOTFOUND',
  config: { host: '‹host›', user: '‹user›', password: '«pw»', database: '‹db›' }
}""",
    ),
    (
        "go-panic-struct",
        "plain",
        """panic: dial tcp: lookup ‹host›: no such host

goroutine 1 [running]:
main.mustConnect({Host:‹host› User:‹user› Password:«pw» DB:‹db›})
	/src/cmd/api/main.go:41 +0x1c5""",
    ),
    ("ruby-inspect-config", "plain", """#<Config::Options host="‹host›", api_key="«hex40»", timeout=30>"""),
    (
        "pydantic-repr-plain-str",
        "plain",
        """Settings(env='production', database_url='postgresql://‹user›:«upw»@‹host›/‹db›', openai_api_key='«openai»', debug=False)""",
    ),
    # ---- cloud CLIs
    (
        "aws-credentials-file",
        "plain",
        """[default]
aws_access_key_id = ‹akid›
aws_secret_access_key = «aws_secret»

[prod]
aws_access_key_id = ‹akid#2›
aws_secret_access_key = «aws_secret#2»
aws_session_token = «aws_session»""",
    ),
    (
        "aws-sts-assume-role",
        "json",
        """{
    "Credentials": {
        "AccessKeyId": "‹akid›",
        "SecretAccessKey": "«aws_secret»",
        "SessionToken": "«aws_session»",
        "Expiration": "‹ts›"
    },
    "AssumedRoleUser": {
        "AssumedRoleId": "AROA‹appid›:ci-session",
        "Arn": "arn:aws:sts::‹acct›:assumed-role/deploy/ci-session"
    }
}""",
    ),
    (
        "aws-secretsmanager-get",
        "json",
        """{
    "ARN": "arn:aws:secretsmanager:‹region›:‹acct›:secret:prod/orders/db-‹appid›",
    "Name": "prod/orders/db",
    "VersionId": "‹uuid›",
    "SecretString": "{\\"username\\":\\"‹user›\\",\\"password\\":\\"«pw»\\",\\"host\\":\\"‹host›\\"}",
    "VersionStages": ["AWSCURRENT"]
}""",
    ),
    (
        "aws-ssm-get-parameter",
        "shell",
        """$ aws ssm get-parameter --name /prod/stripe/secret --with-decryption --query Parameter.Value --output text
«sk_live»""",
    ),
    (
        "aws-export-credentials",
        "shell",
        """$ aws configure export-credentials --format env
export AWS_ACCESS_KEY_ID=‹akid›
export AWS_SECRET_ACCESS_KEY=«aws_secret»
export AWS_SESSION_TOKEN=«aws_session»
export AWS_CREDENTIAL_EXPIRATION=‹ts›""",
    ),
    (
        "gcloud-print-access-token",
        "shell",
        """$ gcloud auth print-access-token
«ya29»""",
    ),
    (
        "gcp-service-account-json",
        "json",
        """{
  "type": "service_account",
  "project_id": "acme-prod-‹int›",
  "private_key_id": "‹hex40›",
  "private_key": "«pem_pkcs8|jsonesc»",
  "client_email": "deployer@acme-prod-‹int›.iam.gserviceaccount.com",
  "client_id": "‹acct›‹int›",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token"
}""",
    ),
    (
        "gcloud-adc-file",
        "json",
        """{
  "client_id": "‹clientid›",
  "client_secret": "«gocspx»",
  "refresh_token": "«g_refresh»",
  "type": "authorized_user"
}""",
    ),
    (
        "az-get-access-token",
        "json",
        """{
  "accessToken": "«jwt_rs»",
  "expiresOn": "2026-04-01 10:22:31.000000",
  "subscription": "‹uuid›",
  "tenant": "‹uuid#2›",
  "tokenType": "Bearer"
}""",
    ),
    (
        "az-sp-create",
        "json",
        """{
  "appId": "‹uuid›",
  "displayName": "github-deployer",
  "password": "«azure_secret»",
  "tenant": "‹uuid#2›"
}""",
    ),
    (
        "az-storage-keys-list",
        "shell",
        """$ az storage account keys list -g rg-prod -n acmeprodsa -o table
KeyName    Permissions    Value
---------  -------------  ----------------------------------------------------------------------------------------
key1       FULL           «azure_storage»
key2       FULL           «azure_storage#2»""",
    ),
    (
        "azure-sas-url",
        "url",
        """https://acmeprodsa.blob.core.windows.net/backups/db-‹date›.bak?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-12-31T00:00:00Z&st=‹date›T00:00:00Z&spr=https&sig=«sas»""",
    ),
    (
        "doctl-config",
        "yaml",
        """access-token: «do»
context: default
output: text
auth-contexts:
  staging: «do#2»
""",
    ),
    (
        "heroku-netrc",
        "plain",
        """machine api.heroku.com
  login ‹email›
  password «heroku»
machine git.heroku.com
  login ‹email›
  password «heroku»""",
    ),
    (
        "heroku-config",
        "shell",
        """$ heroku config -a acme-api
=== acme-api Config Vars
DATABASE_URL:        postgres://‹user›:«upw»@ec2-‹ip›.compute-1.amazonaws.com:5432/‹chunk›
PAPERTRAIL_API_TOKEN: «opaque»
REDIS_URL:           rediss://:«upw#2»@ec2-‹ip#2›.compute-1.amazonaws.com:‹port›""",
    ),
    (
        "fly-tokens-create",
        "shell",
        """$ fly tokens create deploy -a acme-api
«fly»""",
    ),
    (
        "vercel-auth-json",
        "json",
        """{
  "// Note": "This is your Vercel credentials file. DO NOT SHARE!",
  "// Docs": "https://vercel.com/docs/projects/project-configuration/global-configuration#auth.json",
  "token": "«vercel»"
}""",
    ),
    (
        "netlify-config-json",
        "json",
        """{"telemetryDisabled": true, "userId": "‹md5›", "users": {"‹md5›": {"id": "‹md5›", "name": "‹name›", "email": "‹email›", "auth": {"token": "«netlify»", "github": {}}}}}""",
    ),
    (
        "wrangler-toml-and-config",
        "plain",
        """# ~/.wrangler/config/default.toml
oauth_token = "«opaque»"
refresh_token = "«opaque#2»"
expiration_time = "‹ts›"
scopes = ["account:read", "workers:write"]""",
    ),
    (
        "wrangler-secret-put",
        "shell",
        """$ echo "«cf_token»" | npx wrangler secret put CF_API_TOKEN
 ⛅️ wrangler 3.78.2
🌀 Creating the secret for the Worker "edge-router"
✨ Success! Uploaded secret CF_API_TOKEN""",
    ),
    (
        "cloudflared-tunnel-token",
        "shell",
        """$ cloudflared service install «b64key48»
2026-01-12T09:10:11Z INF Using Systemd""",
    ),
    (
        "supabase-status",
        "shell",
        """$ supabase status
         API URL: http://127.0.0.1:54321
          DB URL: postgresql://postgres:«upw»@db.‹word›.supabase.co:5432/postgres
service_role key: «sb_service»""",
    ),
    (
        "firebase-fcm-server-key",
        "json",
        """{"to": "/topics/news", "notification": {"title": "hi"}, "_debug_headers": {"Authorization": "key=«fcm»"}}""",
    ),
    # ---- token carriers (registries, git)
    (
        "npmrc",
        "plain",
        """registry=https://registry.npmjs.org/
//registry.npmjs.org/:_authToken=«npm»
@acme:registry=https://npm.pkg.github.com
//npm.pkg.github.com/:_authToken=«ghp»
always-auth=true""",
    ),
    (
        "yarnrc-yml",
        "yaml",
        """nodeLinker: node-modules
npmScopes:
  acme:
    npmRegistryServer: "https://acme.jfrog.io/artifactory/api/npm/npm-local/"
    npmAuthToken: "«jwt»"
""",
    ),
    (
        "pypirc",
        "plain",
        """[distutils]
index-servers = pypi testpypi

[pypi]
username = __token__
password = «pypi»""",
    ),
    (
        "pip-conf-index-url",
        "plain",
        """[global]
index-url = https://‹user›:«upw»@nexus.‹domain›/repository/pypi-all/simple
trusted-host = nexus.‹domain›""",
    ),
    (
        "poetry-http-basic",
        "shell",
        """$ poetry config http-basic.acme ‹user› «upw»
$ poetry config pypi-token.pypi «pypi»""",
    ),
    (
        "cargo-credentials",
        "plain",
        """# ~/.cargo/credentials.toml
[registry]
token = "«cio»"

[registries.acme]
token = "Bearer «jwt»\"""",
    ),
    (
        "nuget-config",
        "source",
        """<packageSourceCredentials>
  <acme>
    <add key="Username" value="‹user›" />
    <add key="ClearTextPassword" value="«ado_pat»" />
  </acme>
</packageSourceCredentials>""",
    ),
    (
        "maven-settings-xml",
        "source",
        """<settings>
  <servers>
    <server>
      <id>ossrh</id>
      <username>‹user›</username>
      <password>«pw»</password>
    </server>
  </servers>
</settings>""",
    ),
    (
        "gradle-properties",
        "plain",
        """org.gradle.jvmargs=-Xmx4g
signing.keyId=‹chunk›
signing.password=«pw»
ossrhUsername=‹user›
ossrhPassword=«upw»""",
    ),
    (
        "git-remote-v",
        "shell",
        """$ git remote -v
origin	https://x-access-token:«ghs»@github.com/acme/api.git (fetch)
origin	https://x-access-token:«ghs»@github.com/acme/api.git (push)""",
    ),
    (
        "git-clone-gitlab-oauth",
        "shell",
        """$ git clone https://oauth2:«glpat»@gitlab.com/acme/infra.git
Cloning into 'infra'...
remote: Enumerating objects: ‹int›, done.""",
    ),
    (
        "git-credentials-file",
        "plain",
        """https://‹user›:«ghfg»@github.com
https://‹user›:«bitbucket»@bitbucket.org""",
    ),
    (
        "git-config-extraheader",
        "plain",
        """[http "https://github.com/"]
	extraheader = AUTHORIZATION: basic «basic»
[remote "origin"]
	url = https://github.com/acme/web.git""",
    ),
    (
        "go-netrc-goprivate",
        "shell",
        """$ cat ~/.netrc
machine github.com login ‹user› password «ghp»
$ GOPRIVATE=github.com/acme go mod download""",
    ),
    (
        "gh-hosts-yml",
        "yaml",
        """github.com:
    users:
        ‹user›:
            oauth_token: «gho»
    git_protocol: https
    oauth_token: «gho»
    user: ‹user›
""",
    ),
    (
        "glab-config",
        "yaml",
        """hosts:
  gitlab.com:
    token: «glpat»
    api_host: gitlab.com
    git_protocol: ssh
""",
    ),
    # ---- private keys
    (
        "pem-rsa-cat",
        "shell",
        """$ cat deploy_key.pem
«pem_rsa»""",
    ),
    (
        "pem-ec-in-yaml-block",
        "yaml",
        """tls:
  enabled: true
  certificate: |
    ‹cert|indent4›
  key: |
    «pem_ec|indent4»
""",
    ),
    (
        "openssh-key-cat",
        "shell",
        """$ cat ~/.ssh/id_ed25519
«openssh»
$ ssh-keygen -lf ~/.ssh/id_ed25519""",
    ),
    ("putty-ppk", "plain", """«putty»"""),
    (
        "pgp-export-secret",
        "shell",
        """$ gpg --armor --export-secret-keys ‹gpgfp›
«pgp»""",
    ),
    (
        "jwk-private-json",
        "json",
        """{"keys": [{"kty": "EC", "crv": "P-256", "kid": "‹chunk›", "use": "sig", "x": "‹b64u32›", "y": "‹b64u32#2›", "d": "«jwk_d»"}]}""",
    ),
    (
        "pem-in-json-env",
        "json",
        """{"GITHUB_APP_ID": "‹int›", "GITHUB_APP_PRIVATE_KEY": "«pem_rsa|jsonesc»", "GITHUB_WEBHOOK_SECRET": "«webhook_secret»"}""",
    ),
    (
        "pem-in-python-string",
        "source",
        """PRIVATE_KEY = \"\"\"«pem_pkcs8»\"\"\"
signer = jwt.encode(payload, PRIVATE_KEY, algorithm="RS256")""",
    ),
    (
        "age-key-file",
        "plain",
        """# created: ‹ts›
# public key: age1‹b32›‹b32#2›
«age»""",
    ),
    # ---- prose by an agent
    (
        "agent-prose-password",
        "plain",
        """I reset the staging admin account. The new password is «pw» — please rotate it after the demo.""",
    ),
    (
        "agent-prose-token-found",
        "plain",
        """Found the cause: `config/deploy.rb` hard-codes the GitLab token «glpat» on line 12, and CI uses it to push tags.""",
    ),
    (
        "agent-prose-creds-list",
        "plain",
        """Credentials for the test tenant:
- user: ‹email›
- password: «pw»
- API key: «hex40»""",
    ),
    (
        "agent-prose-key-inline",
        "plain",
        """Use `«anthropic»` as ANTHROPIC_API_KEY when you run the smoke test locally.""",
    ),
    (
        "agent-prose-db-login",
        "plain",
        """Logged into psql as ‹user› (pw `«pw»`) and confirmed the `orders` table has the new index.""",
    ),
    (
        "commit-message-leak",
        "plain",
        """commit ‹sha›
Author: ‹name› <‹email›>
Date:   Mon Feb 3 10:12:44 2026 +0100

    temp: hardcode slack token «xoxb» until vault is fixed""",
    ),
    (
        "diff-adding-secret",
        "plain",
        """diff --git a/config/prod.env b/config/prod.env
index ‹sha7›..‹sha7#2› 100644
--- a/config/prod.env
+++ b/config/prod.env
@@ -3,4 +3,5 @@ LOG_LEVEL=info
-SENDGRID_API_KEY=
+SENDGRID_API_KEY=«sendgrid»
+TWILIO_AUTH_TOKEN=«twilio_token»""",
    ),
    (
        "grep-output-secrets",
        "shell",
        """$ grep -rn "token" config/
config/slack.yml:4:  bot_token: «xoxb»
config/notion.yml:2:token: «notion»
config/README.md:10:Tokens live in Vault.""",
    ),
    # ---- webhooks and misc URLs
    (
        "slack-webhook-curl",
        "shell",
        """$ curl -X POST -H 'Content-type: application/json' --data '{"text":"deploy done"}' «slack_hook»
ok""",
    ),
    ("discord-webhook-url", "url", """«discord_hook»"""),
    # The URL's prefix is public: the secrets are the webhook key and its signature.
    (
        "teams-webhook-url",
        "url",
        """https://acme.webhook.office.com/webhookb2/‹uuid›@‹uuid#2›/IncomingWebhook/«hexkey»/‹uuid#3›/V2«opaque»""",
    ),
    (
        "telegram-bot-url",
        "url",
        """https://api.telegram.org/bot«telegram»/sendMessage?chat_id=-100‹int›&text=build+ok""",
    ),
    (
        "url-query-api-key",
        "url",
        """https://maps.googleapis.com/maps/api/geocode/json?address=1600+Amphitheatre&key=«google_api»""",
    ),
    (
        "url-access-token-param",
        "url",
        """https://graph.facebook.com/v19.0/me/accounts?access_token=EAA«opaque»&fields=id,name""",
    ),
    ("url-userinfo-ftp", "url", """ftp://‹user›:«upw»@files.‹domain›/exports/‹date›.csv"""),
    (
        "url-sentry-auth-header-style",
        "url",
        """https://sentry.io/api/0/projects/acme/web/releases/?auth_token=«sntryu»""",
    ),
    (
        "url-signed-gcs",
        "url",
        """https://storage.googleapis.com/acme-exports/report.csv?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=exporter%40acme.iam.gserviceaccount.com%2F‹date›%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20260101T000000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=«hex64»‹hex64›""",
    ),
    (
        "url-presigned-s3-session",
        "url",
        """https://acme-uploads.s3.‹region›.amazonaws.com/u/‹uuid›.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=‹akid›%2F‹date›%2F‹region›%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-Security-Token=«aws_session|urlenc»&X-Amz-Signature=‹sha256›&X-Amz-SignedHeaders=host""",
    ),
    ("url-git-https-bitbucket", "url", """https://x-token-auth:«opaque»@bitbucket.org/acme/mobile.git"""),
    ("url-basic-in-registry", "url", """https://‹user›:«npm»@registry.npmjs.org/@acme%2fui/-/ui-2.4.1.tgz"""),
    # ---- observability / misc config
    (
        "datadog-agent-yaml",
        "yaml",
        """## datadog.yaml
api_key: «dd_api»
site: datadoghq.eu
logs_enabled: true
apm_config:
  enabled: true
""",
    ),
    (
        "newrelic-yml",
        "yaml",
        """common: &default_settings
  license_key: '«nr_license»'
  app_name: Orders API
production:
  <<: *default_settings
""",
    ),
    (
        "sentry-cli-rc",
        "plain",
        """[auth]
token=«sntrys»

[defaults]
org=acme
project=web""",
    ),
    (
        "grafana-provisioning",
        "yaml",
        """apiVersion: 1
datasources:
  - name: Prometheus
    type: prometheus
    url: http://prometheus:9090
  - name: Postgres
    type: postgres
    url: ‹host›:5432
    user: grafana
    secureJsonData:
      password: «pw»
""",
    ),
    (
        "vault-token-file-and-login",
        "shell",
        """$ vault login -method=userpass username=‹user›
Password (will be hidden):
Success! You are now authenticated.
Key                    Value
---                    -----
token                  «hvs»
token_accessor         ‹b32›
token_duration         768h
token_renewable        true""",
    ),
    (
        "vault-operator-init",
        "plain",
        """Unseal Key 1: «vault_unseal»
Unseal Key 2: «vault_unseal#2»
Unseal Key 3: «vault_unseal#3»

Initial Root Token: «hvs»

Vault initialized with 5 key shares and a key threshold of 3.""",
    ),
    (
        "vault-kv-get-json",
        "json",
        """{"request_id": "‹uuid›", "lease_id": "", "lease_duration": 0, "renewable": false, "data": {"data": {"api_key": "«hex40»", "password": "«pw»"}, "metadata": {"created_time": "‹ts›", "version": 3}}}""",
    ),
    (
        "traefik-basic-auth-label",
        "yaml",
        """services:
  whoami:
    labels:
      - "traefik.http.middlewares.auth.forwardauth.address=https://auth.‹domain›/?token=«opaque»"
""",
    ),
    (
        "nginx-proxy-header",
        "plain",
        """location /api/ {
    proxy_pass https://upstream.‹domain›;
    proxy_set_header Authorization "Bearer «opaque»";
    proxy_set_header X-Api-Key «hexkey»;
}""",
    ),
    (
        "systemd-unit-env",
        "plain",
        """[Service]
ExecStart=/usr/local/bin/exporter
Environment=EXPORTER_PASSWORD=«pw»
Environment="NEW_RELIC_API_KEY=«nrak»\"""",
    ),
    (
        "crontab-line",
        "shell",
        """$ crontab -l
*/15 * * * * curl -fsS -m 10 --retry 5 -o /dev/null "https://hc-ping.com/‹uuid›" && PGPASSWORD=«pw» pg_dump -h ‹host› -U ‹user› ‹db› | gzip > /backups/‹db›.gz""",
    ),
    (
        "rclone-conf",
        "plain",
        """[b2]
type = b2
account = ‹chunk›‹int›
key = «b64key»

[s3prod]
type = s3
access_key_id = ‹akid›
secret_access_key = «aws_secret»""",
    ),
    (
        "restic-env",
        "shell",
        """$ export RESTIC_PASSWORD='«pw»'
$ export RESTIC_REPOSITORY=s3:s3.amazonaws.com/acme-backups
$ restic snapshots""",
    ),
    (
        "wireguard-conf",
        "plain",
        """[Interface]
PrivateKey = «b64key»
Address = 10.8.0.2/24

[Peer]
PublicKey = ‹nonce›‹nonce#2›
Endpoint = ‹pubip›:51820""",
    ),
    (
        "openvpn-auth-file",
        "shell",
        """$ cat /etc/openvpn/auth.txt
‹user›
«pw»""",
    ),
    (
        "wpa-supplicant",
        "plain",
        """network={
    ssid="ACME-Office"
    psk="«pw»"
}""",
    ),
    (
        "smtp-log-auth",
        "plain",
        """<- 250-AUTH PLAIN LOGIN
-> AUTH PLAIN «basic»
<- 235 2.7.0 Authentication successful""",
    ),
    (
        "totp-otpauth-url",
        "url",
        """otpauth://totp/ACME:‹email›?secret=«totp_seed»&issuer=ACME&algorithm=SHA1&digits=6&period=30""",
    ),
    (
        "mcp-config-json",
        "json",
        """{
  "mcpServers": {
    "github": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "«ghfg»"}
    },
    "linear": {"url": "https://mcp.linear.app/sse", "headers": {"Authorization": "Bearer «linear»"}}
  }
}""",
    ),
    (
        "codex-config-toml",
        "plain",
        """model = "gpt-5-codex"
[model_providers.azure]
name = "Azure"
base_url = "https://acme-openai.openai.azure.com/openai"
env_key = "AZURE_OPENAI_API_KEY"
query_params = { api-version = "2025-04-01-preview" }
http_headers = { "api-key" = "«hexkey»" }""",
    ),
    (
        "claude-settings-env",
        "json",
        """{"env": {"ANTHROPIC_AUTH_TOKEN": "«anthropic»", "CLAUDE_CODE_USE_BEDROCK": "0"}, "permissions": {"allow": ["Bash(npm test:*)"]}}""",
    ),
    (
        "postman-env-export",
        "json",
        """{"id": "‹uuid›", "name": "prod", "values": [{"key": "baseUrl", "value": "https://api.‹domain›", "enabled": true}, {"key": "apiKey", "value": "«postman»", "type": "secret", "enabled": true}], "_postman_variable_scope": "environment"}""",
    ),
    (
        "stripe-cli-config",
        "plain",
        """[default]
device_name = "‹name›-mbp"
live_mode_api_key = "«rk_live»"
live_mode_key_expires_at = "‹date›"
""",
    ),
    (
        "twilio-cli-env",
        "shell",
        """$ export TWILIO_ACCOUNT_SID=‹twsid›
$ export TWILIO_AUTH_TOKEN=«twilio_token»
$ twilio api:core:messages:list --limit 1""",
    ),
    (
        "openai-curl",
        "shell",
        """$ curl https://api.openai.com/v1/chat/completions \\
  -H "Content-Type: application/json" \\
  -H "Authorization: Bearer «openai»" \\
  -d '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "ping"}]}'""",
    ),
    (
        "anthropic-python-client",
        "source",
        """client = anthropic.Anthropic(api_key="«anthropic»")
message = client.messages.create(model="claude-sonnet-4-5", max_tokens=256, messages=[{"role": "user", "content": "hi"}])""",
    ),
    (
        "shopify-admin-curl",
        "shell",
        """$ curl -X GET "https://acme-store.myshopify.com/admin/api/2024-10/orders.json?status=any" -H "X-Shopify-Access-Token: «shpat»\"""",
    ),
    (
        "square-env",
        "plain",
        """SQUARE_ENVIRONMENT=production
SQUARE_ACCESS_TOKEN=«square»
SQUARE_APPLICATION_SECRET=«sq0csp»""",
    ),
    (
        "atlassian-curl",
        "shell",
        """$ curl -s -u ‹email›:«atlassian» -H "Accept: application/json" https://acme.atlassian.net/rest/api/3/myself""",
    ),
    ("airtable-sdk", "source", """const base = new Airtable({ apiKey: '«airtable»' }).base('app‹appid›');"""),
    (
        "okta-ssws",
        "shell",
        """$ curl -H "Authorization: SSWS «okta»" https://acme.okta.com/api/v1/users?limit=1""",
    ),
    (
        "databricks-cfg",
        "plain",
        """[DEFAULT]
host  = https://adb-‹acct›.‹int›.azuredatabricks.net
token = «databricks»""",
    ),
    (
        "hf-cli-login",
        "shell",
        """$ huggingface-cli login --token «hf» --add-to-git-credential
Token is valid (permission: write).
Your token has been saved to /root/.cache/huggingface/token""",
    ),
    (
        "grafana-cloud-curl",
        "shell",
        """$ curl -H "Authorization: Bearer «grafana»" https://acme.grafana.net/api/dashboards/uid/‹chunk›""",
    ),
    (
        "planetscale-connect",
        "plain",
        """DATABASE_URL='mysql://‹b32›:«pscale»@aws.connect.psdb.cloud/‹db›?sslaccept=strict'""",
    ),
    (
        "doppler-env",
        "shell",
        """$ export DOPPLER_TOKEN=«doppler»
$ doppler run -- npm start""",
    ),
    ("launchdarkly-sdk-key", "source", """ld_client = ldclient.LDClient(Config("«launchdarkly»"))"""),
    (
        "mailchimp-python",
        "source",
        """client = MailchimpMarketing.Client()
client.set_config({"api_key": "«mailchimp»", "server": "us6"})""",
    ),
    ("contentful-management", "shell", """$ contentful login --management-token «contentful»"""),
    (
        "figma-api-curl",
        "shell",
        """$ curl -H 'X-Figma-Token: «figma»' 'https://api.figma.com/v1/files/‹chunk›‹chunk#2›'""",
    ),
    (
        "replicate-groq-env",
        "plain",
        """REPLICATE_API_TOKEN=«replicate»
GROQ_API_KEY=«groq»""",
    ),
    (
        "dropbox-token-json",
        "json",
        """{"access_token": "«dropbox»", "token_type": "bearer", "expires_in": 14400, "scope": "files.content.read", "uid": "‹int›", "account_id": "dbid:‹b64u32›"}""",
    ),
    (
        "webhook-signing-secret",
        "yaml",
        """webhooks:
  stripe:
    endpoint: /hooks/stripe
    signing_secret: «whsec»
  github:
    secret: «webhook_secret»
""",
    ),
    ("mapbox-env", "plain", """MAPBOX_DOWNLOADS_TOKEN=«mapbox_sk»"""),
    ("discord-bot-token-source", "source", """client.run('«discord_bot»')"""),
    (
        "circleci-cli-config",
        "yaml",
        """host: https://circleci.com
endpoint: graphql-unstable
token: «circleci»
""",
    ),
    (
        "render-yaml-env",
        "yaml",
        """services:
  - type: web
    name: api
    envVars:
      - key: RENDER_API_KEY
        value: «render»
      - key: SESSION_SECRET
        value: «hex64»
""",
    ),
    (
        "pagerduty-terraform",
        "source",
        """provider "pagerduty" {
  token = "«pagerduty»"
}""",
    ),
    (
        "nuget-api-key-cli",
        "shell",
        """$ dotnet nuget push bin/Release/Acme.Core.2.1.0.nupkg --api-key «nuget» --source https://api.nuget.org/v3/index.json""",
    ),
    (
        "hmac-secret-env",
        "plain",
        """SIGNING_KEY=«hmac»
ENCRYPTION_KEY=«b64key»""",
    ),
    (
        "sops-decrypted-output",
        "shell",
        """$ sops -d secrets/prod.enc.yaml
db:
    password: «pw»
api:
    token: «hex40»""",
    ),
    (
        "sealed-secrets-raw-before-seal",
        "shell",
        """$ kubectl create secret generic api --dry-run=client --from-literal=token=«opaque» -o yaml | kubeseal -o yaml > sealed.yaml""",
    ),
    (
        "ini-service-config",
        "plain",
        """[database]
host = ‹host›
user = ‹user›
passwd = «pw»

[smtp]
username = apikey
secret = «sendgrid»""",
    ),
    (
        "xml-connection-strings",
        "source",
        """<connectionStrings>
  <add name="Main" connectionString="Data Source=‹host›;Initial Catalog=‹db›;User ID=‹user›;Password=«pw»" providerName="System.Data.SqlClient" />
</connectionStrings>""",
    ),
    (
        "toml-app-config",
        "plain",
        """[server]
port = 8443

[auth]
jwt_secret = "«hex64»"
admin_password = "«pw»\"""",
    ),
    (
        "hcl-nomad-template",
        "plain",
        """env {
  CONSUL_HTTP_TOKEN = "«heroku_uuid»"
  NOMAD_TOKEN = "«heroku_uuid#2»"
}""",
    ),
    (
        "consul-acl-bootstrap",
        "shell",
        """$ consul acl bootstrap
AccessorID:       ‹uuid›
SecretID:         «heroku_uuid»
Description:      Bootstrap Token (Global Management)
Local:            false""",
    ),
    ("snyk-config", "json", """{"api": "«heroku_uuid»", "org": "acme"}"""),
    (
        "jwt-in-localstorage-dump",
        "json",
        """{"persist:root": "{\\"auth\\":\\"{\\\\\\"token\\\\\\":\\\\\\"«jwt»\\\\\\"}\\"}"}""",
    ),
    (
        "graphql-request-with-key",
        "json",
        """{"operationName": "Viewer", "query": "query Viewer { viewer { login } }", "variables": {}, "extensions": {"headers": {"Authorization": "bearer «gho»"}}}""",
    ),
    (
        "ssh-command-sshpass",
        "shell",
        """$ sshpass -p '«pw»' ssh -o StrictHostKeyChecking=no ‹user›@‹ip› 'systemctl restart app'""",
    ),
    (
        "windows-cmdkey",
        "shell",
        """C:\\> cmdkey /generic:TERMSRV/‹host› /user:ACME\\‹user› /pass:«pw»
CMDKEY: Credential added successfully.""",
    ),
    (
        "net-use",
        "shell",
        """C:\\> net use Z: \\\\fs01\\share /user:ACME\\‹user› «pw»
The command completed successfully.""",
    ),
    (
        "ldap-bind",
        "shell",
        """$ ldapsearch -x -H ldaps://ldap.‹domain› -D "cn=admin,dc=acme,dc=io" -w «pw» -b "ou=people,dc=acme,dc=io" "(uid=‹name›)\"""",
    ),
    (
        "keycloak-admin-cli",
        "shell",
        """$ /opt/keycloak/bin/kcadm.sh config credentials --server http://localhost:8080 --realm master --user admin --password «pw»
Logging into http://localhost:8080 as user admin of realm master""",
    ),
    (
        "minio-mc-alias",
        "shell",
        """$ mc alias set prod https://minio.‹domain› ‹appid› «b64key»
Added `prod` successfully.""",
    ),
    (
        "gitlab-runner-config-toml",
        "plain",
        """[[runners]]
  name = "docker-runner-‹int›"
  url = "https://gitlab.‹domain›/"
  token = "«glrt»"
  executor = "docker\"""",
    ),
    (
        "gitlab-deploy-token-use",
        "shell",
        """$ helm registry login registry.gitlab.com -u gitlab+deploy-token-‹int› -p «gldt»""",
    ),
    (
        "ghr-app-refresh",
        "json",
        """{"access_token": "«ghu»", "expires_in": 28800, "refresh_token": "«ghr»", "refresh_token_expires_in": 15811200, "token_type": "bearer", "scope": ""}""",
    ),
    (
        "sendgrid-curl-data",
        "shell",
        """$ curl --request POST --url https://api.sendgrid.com/v3/mail/send --header "Authorization: Bearer «sendgrid»" --header 'Content-Type: application/json' --data @mail.json""",
    ),
]

# Documents without a secret: nothing in them may change.
NEGATIVE: list[tuple[str, str, str]] = [
    # ---- masked / sensitive values shown by tools
    (
        "neg-terraform-plan-sensitive",
        "plain",
        """  # aws_db_instance.main will be updated in-place
  ~ resource "aws_db_instance" "main" {
        id                = "‹db›-prod"
      ~ password          = (sensitive value)
        tags              = {}
        # (41 unchanged attributes hidden)
    }

  # random_password.db will be created
  + resource "random_password" "db" {
      + id          = (known after apply)
      + length      = 32
      + result      = (sensitive value)
      + special     = true
    }

Plan: 1 to add, 1 to change, 0 to destroy.""",
    ),
    (
        "neg-terraform-output-sensitive",
        "shell",
        """$ terraform output
db_endpoint = "‹host›:‹port›"
db_password = <sensitive>
vpc_id = "vpc-‹chunk›‹chunk#2›\"""",
    ),
    (
        "neg-gha-masked-env",
        "plain",
        """2026-03-02T08:11:40.1234567Z ##[group]Run npm publish --provenance
2026-03-02T08:11:40.1234567Z npm publish --provenance
2026-03-02T08:11:40.1240000Z shell: /usr/bin/bash -e {0}
2026-03-02T08:11:40.1240000Z env:
2026-03-02T08:11:40.1240000Z   NODE_AUTH_TOKEN: ***
2026-03-02T08:11:40.1240000Z   GITHUB_TOKEN: ***
2026-03-02T08:11:40.1240000Z ##[endgroup]
2026-03-02T08:11:44.9912345Z + @acme/ui@2.4.1""",
    ),
    (
        "neg-gitlab-masked",
        "plain",
        """$ echo "deploying with $DEPLOY_TOKEN"
deploying with [MASKED]
$ curl --header "PRIVATE-TOKEN: [MASKED]" "https://gitlab.‹domain›/api/v4/projects/‹int›/releases"
Job succeeded""",
    ),
    (
        "neg-jenkins-masked",
        "plain",
        """[Pipeline] withCredentials
Masking supported pattern matches of $REGISTRY_PASS
[Pipeline] {
[Pipeline] sh
+ docker login -u ‹user› -p **** registry.‹domain›
WARNING! Using --password via the CLI is insecure. Use --password-stdin.
Login Succeeded""",
    ),
    (
        "neg-circleci-masked",
        "plain",
        """#!/bin/bash -eo pipefail
echo "Using token ${CIRCLE_TOKEN}"
Using token ********************
CircleCI received exit code 0""",
    ),
    (
        "neg-kubectl-describe-secret",
        "plain",
        """Name:         orders-env
Namespace:    prod
Labels:       app.kubernetes.io/name=orders
Annotations:  <none>

Type:  Opaque

Data
====
DATABASE_PASSWORD:  24 bytes
STRIPE_SECRET_KEY:  107 bytes
tls.crt:            1164 bytes""",
    ),
    (
        "neg-docker-compose-redacted",
        "yaml",
        """services:
  db:
    environment:
      POSTGRES_PASSWORD: '[REDACTED]'
      POSTGRES_USER: ‹user›
""",
    ),
    (
        "neg-pydantic-secretstr",
        "plain",
        """Settings(env='production', database_password=SecretStr('**********'), openai_api_key=SecretStr('**********'), debug=False)""",
    ),
    (
        "neg-sqlalchemy-masked-url",
        "plain",
        """sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "‹host›" (‹ip›), port 5432 failed: FATAL:  password authentication failed for user "‹user›"

(Background on this error at: https://sqlalche.me/e/20/e3q8)
engine url: postgresql+psycopg2://‹user›:***@‹host›:5432/‹db›""",
    ),
    (
        "neg-mongosh-credentials-placeholder",
        "shell",
        """$ mongosh "$MONGO_URI"
Current Mongosh Log ID: ‹chunk›‹chunk#2›‹chunk#3›
Connecting to:          mongodb+srv://<credentials>@cluster0.‹chunk›.mongodb.net/?appName=mongosh+2.2.5
Using MongoDB:          7.0.12""",
    ),
    (
        "neg-heroku-config-masked",
        "shell",
        """$ heroku config:get DATABASE_URL -a acme-api --shell
DATABASE_URL=postgres://****:****@ec2-‹ip›.compute-1.amazonaws.com:5432/‹chunk›""",
    ),
    (
        "neg-aws-configure-list",
        "shell",
        """$ aws configure list
      Name                    Value             Type    Location
      ----                    -----             ----    --------
   profile                 deploy           manual    --profile
access_key     ****************‹appid›              shared-credentials-file
secret_key     ****************‹chunk›              shared-credentials-file
    region                ‹region›      config-file    ~/.aws/config""",
    ),
    (
        "neg-vault-token-lookup-accessor",
        "plain",
        """Key                 Value
---                 -----
accessor            ‹b32›
creation_time       ‹epoch›
display_name        userpass-‹name›
entity_id           ‹uuid›
expire_time         ‹ts›
policies            [default deployer]
ttl                 767h59m12s""",
    ),
    (
        "neg-redacted-agent-prose",
        "plain",
        """I found a hard-coded token in `config/deploy.rb` (shown here as <redacted>) and replaced it with `ENV.fetch("GITLAB_TOKEN")`. You should rotate the old one.""",
    ),
    # ---- placeholders, references
    (
        "neg-helm-values-refs",
        "yaml",
        """postgresql:
  auth:
    existingSecret: orders-db
    secretKeys:
      adminPasswordKey: postgres-password
      userPasswordKey: password
env:
  - name: DB_PASSWORD
    valueFrom:
      secretKeyRef:
        name: orders-db
        key: password
  - name: API_TOKEN
    value: {{ .Values.apiToken | quote }}
""",
    ),
    (
        "neg-helm-template-secret",
        "yaml",
        """apiVersion: v1
kind: Secret
metadata:
  name: {{ include "orders.fullname" . }}
type: Opaque
data:
  password: {{ .Values.auth.password | b64enc | quote }}
  api-key: {{ required "apiKey is required" .Values.apiKey | b64enc }}
""",
    ),
    (
        "neg-gha-workflow-secrets-refs",
        "yaml",
        """jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    env:
      AWS_REGION: ‹region›
      SLACK_WEBHOOK_URL: ${{ secrets.SLACK_WEBHOOK_URL }}
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::‹acct›:role/gha-deploy
          aws-region: ${{ env.AWS_REGION }}
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
""",
    ),
    (
        "neg-gitlab-ci-vars-refs",
        "yaml",
        """deploy:
  stage: deploy
  image: alpine:3.20
  script:
    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
    - curl --fail -H "PRIVATE-TOKEN: ${RELEASE_TOKEN}" "$CI_API_V4_URL/projects/$CI_PROJECT_ID/releases"
  rules:
    - if: $CI_COMMIT_TAG
""",
    ),
    (
        "neg-jenkinsfile-credentials",
        "source",
        """pipeline {
  agent any
  environment {
    REGISTRY_CREDS = credentials('registry-creds')
  }
  stages {
    stage('push') {
      steps {
        withCredentials([string(credentialsId: 'sonar-token', variable: 'SONAR_TOKEN')]) {
          sh 'sonar-scanner -Dsonar.login=$SONAR_TOKEN'
        }
      }
    }
  }
}""",
    ),
    (
        "neg-docker-compose-env-refs",
        "yaml",
        """services:
  app:
    image: acme/app:${TAG:-latest}
    environment:
      DATABASE_URL: postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/${POSTGRES_DB}
      SECRET_KEY_BASE: ${SECRET_KEY_BASE:?set it in .env}
    secrets:
      - stripe_key
secrets:
  stripe_key:
    file: ./secrets/stripe_key.txt
""",
    ),
    (
        "neg-dotenv-example",
        "plain",
        """# .env.example - copy to .env and fill in
DATABASE_URL=postgres://user:password@localhost:5432/app_dev
OPENAI_API_KEY=your-api-key-here
STRIPE_SECRET_KEY=<your-stripe-secret-key>
SLACK_BOT_TOKEN=
SENTRY_DSN=""",
    ),
    (
        "neg-spring-placeholders",
        "yaml",
        """spring:
  datasource:
    url: ${JDBC_URL}
    username: ${DB_USER}
    password: ${DB_PASSWORD}
  cloud:
    vault:
      token: ${VAULT_TOKEN:}
""",
    ),
    (
        "neg-python-configparser-interp",
        "plain",
        """[db]
user = app
password = %(DB_PASSWORD)s
url = postgresql://%(user)s:%(password)s@localhost/app""",
    ),
    (
        "neg-ansible-vault-encrypted",
        "yaml",
        """---
db_user: ‹user›
db_password: !vault |
          $ANSIBLE_VAULT;1.1;AES256
          ‹vaultenc|indent10›
api_token: "{{ vault_api_token }}"
""",
    ),
    (
        "neg-ansible-vault-file",
        "plain",
        """$ANSIBLE_VAULT;1.2;AES256;prod
‹vaultenc›""",
    ),
    (
        "neg-sops-encrypted-yaml",
        "yaml",
        """db:
    password: ‹sopsenc›
api:
    token: ‹sopsenc#2›
sops:
    kms:
        - arn: arn:aws:kms:‹region›:‹acct›:key/‹uuid›
          created_at: "‹ts›"
          enc: ‹b64bin›
          aws_profile: ""
    lastmodified: "‹ts#2›"
    mac: ‹sopsenc#3›
    version: 3.9.0
""",
    ),
    (
        "neg-sealed-secret",
        "yaml",
        """apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: api
  namespace: prod
spec:
  encryptedData:
    token: ‹sealed›
  template:
    metadata:
      name: api
""",
    ),
    (
        "neg-external-secret",
        "yaml",
        """apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: orders-db
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: aws-secrets-manager
    kind: ClusterSecretStore
  target:
    name: orders-db
  data:
    - secretKey: password
      remoteRef:
        key: prod/orders/db
        property: password
""",
    ),
    (
        "neg-1password-refs",
        "plain",
        """# .env.tpl, used with `op run --env-file=.env.tpl -- npm start`
DATABASE_PASSWORD=op://Engineering/orders-db/password
STRIPE_SECRET_KEY=op://Engineering/Stripe/secret key
GITHUB_TOKEN=op://Private/GitHub PAT/credential""",
    ),
    (
        "neg-vault-agent-template",
        "plain",
        """{{ with secret "secret/data/prod/orders" }}
DB_PASSWORD={{ .Data.data.password }}
API_KEY={{ .Data.data.api_key }}
{{ end }}""",
    ),
    (
        "neg-gcp-secret-manager-ref",
        "yaml",
        """env:
  - name: STRIPE_KEY
    valueFrom:
      secretKeyRef:
        name: stripe
        key: latest
# Cloud Run: --set-secrets=STRIPE_KEY=projects/‹int›/secrets/stripe-key/versions/latest
""",
    ),
    (
        "neg-aws-secret-arn",
        "json",
        """{
    "ARN": "arn:aws:secretsmanager:‹region›:‹acct›:secret:prod/orders/db-‹appid›",
    "Name": "prod/orders/db",
    "LastChangedDate": "‹ts›",
    "RotationEnabled": true,
    "RotationLambdaARN": "arn:aws:lambda:‹region›:‹acct›:function:rotate-db",
    "VersionIdsToStages": {"‹uuid›": ["AWSCURRENT"]}
}""",
    ),
    (
        "neg-k8s-secret-list",
        "shell",
        """$ kubectl get secrets -n prod
NAME                         TYPE                                  DATA   AGE
default-token-‹podhash›      kubernetes.io/service-account-token   3      412d
orders-db                    Opaque                                2      37d
regcred                      kubernetes.io/dockerconfigjson        1      200d
tls-acme-io                  kubernetes.io/tls                     2      12d""",
    ),
    (
        "neg-placeholders-readme",
        "plain",
        """## Configuration

Set `GITHUB_TOKEN` to a personal access token with the `repo` scope, e.g.

    export GITHUB_TOKEN=<token>
    export OPENAI_API_KEY=sk-...
    export ANTHROPIC_API_KEY="YOUR_API_KEY"

Never commit the real values; `.env` is in `.gitignore`.""",
    ),
    (
        "neg-xxx-placeholders",
        "plain",
        """aws_access_key_id = XXXXXXXXXXXXXXXXXXXX
aws_secret_access_key = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
token: xxxx-xxxx-xxxx-xxxx""",
    ),
    (
        "neg-aws-docs-example-keys",
        "plain",
        """$ aws configure
AWS Access Key ID [None]: AKIAIOSFODNN7"""
        + "EXAMPLE"
        + """
AWS Secret Access Key [None]: wJalrXUtnFEMI/K7MDENG/bPxRfiCY"""
        + "EXAMPLEKEY"
        + """
Default region name [None]: us-west-2
Default output format [None]: json""",
    ),
    (
        "neg-shell-vars",
        "shell",
        """$ export PGPASSWORD="$(aws secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text | jq -r .password)"
$ psql -h "$DB_HOST" -U "$DB_USER" -d orders -c 'select 1'
 ?column?
----------
        1""",
    ),
    (
        "neg-docker-secret-file",
        "shell",
        """$ docker run -d --name db -e POSTGRES_PASSWORD_FILE=/run/secrets/pg -v ./secrets/pg.txt:/run/secrets/pg:ro postgres:16
‹containerid›""",
    ),
    (
        "neg-password-prompt",
        "shell",
        """$ ssh ‹user›@‹ip›
‹user›@‹ip›'s password:
Permission denied, please try again.
$ sudo -k; sudo true
[sudo] password for ‹user›:
Sorry, try again.""",
    ),
    # ---- code that handles secrets
    (
        "neg-python-env-lookups",
        "source",
        """import os
from getpass import getpass

API_KEY = os.environ["OPENAI_API_KEY"]
db_password = os.getenv("DB_PASSWORD") or getpass("Database password: ")
token = os.environ.get("GITHUB_TOKEN", "")
if not token:
    raise SystemExit("error: GITHUB_TOKEN is not set")""",
    ),
    (
        "neg-python-hmac-verify",
        "source",
        """def verify_signature(payload: bytes, header: str, secret: bytes) -> bool:
    \"\"\"Check a webhook's X-Hub-Signature-256 header.\"\"\"
    expected = "sha256=" + hmac.new(secret, payload, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)""",
    ),
    (
        "neg-go-token-source",
        "source",
        """func tokenFromEnv() (string, error) {
	token, ok := os.LookupEnv("GITHUB_TOKEN")
	if !ok || token == "" {
		return "", errors.New("GITHUB_TOKEN not set")
	}
	return token, nil
}

type Credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
	APIKey   string `json:"api_key,omitempty"`
}""",
    ),
    (
        "neg-rust-secrecy",
        "source",
        """use secrecy::{ExposeSecret, SecretString};

pub struct Config {
    pub api_key: SecretString,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let api_key = std::env::var("API_KEY").context("API_KEY must be set")?;
        Ok(Self { api_key: SecretString::from(api_key) })
    }
}""",
    ),
    (
        "neg-ts-password-hashing",
        "source",
        """export async function setPassword(user: User, password: string): Promise<void> {
  if (password.length < 12) throw new Error('password too short');
  user.passwordHash = await bcrypt.hash(password, 12);
  user.passwordChangedAt = new Date();
}""",
    ),
    (
        "neg-csharp-keyvault",
        "source",
        """var client = new SecretClient(new Uri("https://acme-kv.vault.azure.net/"), new DefaultAzureCredential());
KeyVaultSecret secret = await client.GetSecretAsync("StripeSecretKey");
services.Configure<StripeOptions>(o => o.SecretKey = secret.Value);""",
    ),
    (
        "neg-kotlin-buildconfig-field",
        "source",
        """android {
    defaultConfig {
        buildConfigField("String", "MAPS_API_KEY", "\\"${project.findProperty("MAPS_API_KEY") ?: ""}\\"")
    }
    signingConfigs {
        create("release") {
            storePassword = System.getenv("KEYSTORE_PASSWORD")
            keyPassword = System.getenv("KEY_PASSWORD")
        }
    }
}""",
    ),
    (
        "neg-php-env-calls",
        "source",
        """'mysql' => [
    'driver' => 'mysql',
    'host' => env('DB_HOST', '127.0.0.1'),
    'username' => env('DB_USERNAME', 'forge'),
    'password' => env('DB_PASSWORD', ''),
],""",
    ),
    (
        "neg-django-settings-env",
        "source",
        """SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DATABASES = {"default": dj_database_url.config(conn_max_age=600)}
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]""",
    ),
    (
        "neg-rails-credentials-access",
        "source",
        """Stripe.api_key = Rails.application.credentials.dig(:stripe, :secret_key)
config.secret_key_base = ENV.fetch("SECRET_KEY_BASE") { Rails.application.credentials.secret_key_base }""",
    ),
    (
        "neg-swift-keychain",
        "source",
        """func savePassword(_ password: String, account: String) throws {
    let query: [String: Any] = [
        kSecClass as String: kSecClassGenericPassword,
        kSecAttrAccount as String: account,
        kSecValueData as String: password.data(using: .utf8)!,
    ]
    let status = SecItemAdd(query as CFDictionary, nil)
    guard status == errSecSuccess else { throw KeychainError(status: status) }
}""",
    ),
    (
        "neg-sql-password-param",
        "source",
        """cur.execute(
    "INSERT INTO users (email, password_hash) VALUES (%(email)s, %(password_hash)s)",
    {"email": email, "password_hash": hasher.hash(password)},
)""",
    ),
    (
        "neg-sql-create-user-vars",
        "plain",
        """-- run with: psql -v app_password="$APP_DB_PASSWORD" -f create_roles.sql
CREATE ROLE app LOGIN PASSWORD :'app_password';
GRANT CONNECT ON DATABASE orders TO app;""",
    ),
    (
        "neg-test-fixture-factory",
        "source",
        """@pytest.fixture
def api_token() -> str:
    \"\"\"A random token of the right shape, made for each test.\"\"\"
    return "tok_" + secrets.token_hex(16)""",
    ),
    # ---- resource names containing secret / key / token
    (
        "neg-terraform-secret-resources",
        "source",
        """resource "aws_secretsmanager_secret" "db_password" {
  name                    = "prod/orders/db-password"
  recovery_window_in_days = 7
  kms_key_id              = aws_kms_key.secrets.arn
}

resource "aws_secretsmanager_secret_version" "db_password" {
  secret_id     = aws_secretsmanager_secret.db_password.id
  secret_string = random_password.db.result
}

resource "random_password" "db" {
  length  = 32
  special = true
}""",
    ),
    (
        "neg-kms-key-describe",
        "json",
        """{
    "KeyMetadata": {
        "AWSAccountId": "‹acct›",
        "KeyId": "‹uuid›",
        "Arn": "arn:aws:kms:‹region›:‹acct›:key/‹uuid›",
        "CreationDate": "‹ts›",
        "Enabled": true,
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeyState": "Enabled",
        "KeySpec": "SYMMETRIC_DEFAULT"
    }
}""",
    ),
    (
        "neg-iam-list-access-keys",
        "json",
        """{
    "AccessKeyMetadata": [
        {
            "UserName": "ci-deployer",
            "AccessKeyId": "‹akid›",
            "Status": "Active",
            "CreateDate": "‹ts›"
        }
    ]
}""",
    ),
    (
        "neg-gh-secret-list",
        "shell",
        """$ gh secret list --repo acme/api
NAME                 UPDATED
AWS_ROLE_ARN         about 2 months ago
NPM_TOKEN            about 5 days ago
SLACK_WEBHOOK_URL    about 1 year ago
SONAR_TOKEN          about 3 months ago""",
    ),
    (
        "neg-token-names-log",
        "plain",
        """INFO  token_refresh_scheduler: refreshed 3 tokens (next run in 3600s)
INFO  api_key_rotation: rotated key "billing-export" (id ‹uuid›), old key disabled at ‹ts›
WARN  secret_cache: miss for "prod/orders/db-password", fetching from Secrets Manager""",
    ),
    (
        "neg-key-vault-list",
        "shell",
        """$ az keyvault secret list --vault-name acme-kv -o table
Name                    ContentType    Enabled    Expires
----------------------  -------------  ---------  -------------------------
StripeSecretKey                        True       2027-01-01T00:00:00+00:00
SqlAdminPassword                       True""",
    ),
    # ---- CLI help text
    (
        "neg-cli-help-password",
        "plain",
        """Usage: pg_dump [OPTION]... [DBNAME]

Connection options:
  -d, --dbname=DBNAME      database to dump
  -h, --host=HOSTNAME      database server host or socket directory
  -U, --username=NAME      connect as specified database user
  -w, --no-password        never prompt for password
  -W, --password           force password prompt (should happen automatically)""",
    ),
    (
        "neg-cli-help-token",
        "plain",
        """Options:
  --token TEXT          API token (default: $ACME_TOKEN). Prefer the environment
                        variable; tokens on the command line end up in shell history.
  --api-key-file PATH   Read the API key from this file.
  --password-stdin      Take the password from stdin
  -h, --help            Show this message and exit.""",
    ),
    (
        "neg-docker-login-help",
        "plain",
        """Usage:  docker login [OPTIONS] [SERVER]

Authenticate to a registry.

Options:
  -p, --password string   Password or Personal Access Token (PAT)
      --password-stdin    Take the Password or Personal Access Token (PAT) from stdin
  -u, --username string   Username""",
    ),
    (
        "neg-man-page-ssh-keygen",
        "plain",
        """     -N new_passphrase
             Provides the new passphrase.

     -P passphrase
             Provides the (old) passphrase.

     -p      Requests changing the passphrase of a private key file instead of creating a new private key.""",
    ),
    # ---- public keys, certificates, fingerprints
    (
        "neg-authorized-keys",
        "plain",
        """# ~/.ssh/authorized_keys
‹sshpub›
‹sshpub#2›""",
    ),
    (
        "neg-public-key-pem",
        "plain",
        """$ openssl rsa -in key.pem -pubout
writing RSA key
‹pubpem›""",
    ),
    (
        "neg-certificate-pem",
        "plain",
        """$ openssl s_client -connect ‹domain›:443 -showcerts </dev/null 2>/dev/null | sed -n '/BEGIN/,/END/p'
‹cert›""",
    ),
    (
        "neg-tls-secret-crt-only",
        "yaml",
        """apiVersion: v1
kind: ConfigMap
metadata:
  name: ca-bundle
data:
  ca.crt: |
    ‹cert|indent4›
""",
    ),
    (
        "neg-ssh-host-fingerprint",
        "plain",
        """The authenticity of host '‹domain› (‹pubip›)' can't be established.
ED25519 key fingerprint is ‹fp›.
This key is not known by any other names.
Are you sure you want to continue connecting (yes/no/[fingerprint])? yes
Warning: Permanently added '‹domain›' (ED25519) to the list of known hosts.""",
    ),
    ("neg-known-hosts", "plain", """|1|‹nonce›|‹nonce#2› ‹sshpub›"""),
    (
        "neg-ssh-keygen-output",
        "shell",
        """$ ssh-keygen -t ed25519 -C "‹email›" -f ~/.ssh/id_deploy -N ''
Generating public/private ed25519 key pair.
Your identification has been saved in /home/dev/.ssh/id_deploy
Your public key has been saved in /home/dev/.ssh/id_deploy.pub
The key fingerprint is:
‹fp› ‹email›
The key's randomart image is:
+--[ED25519 256]--+
|      .o+*=.     |
|       .=+o.     |
+----[SHA256]-----+""",
    ),
    (
        "neg-gpg-list-keys",
        "shell",
        """$ gpg --list-secret-keys --keyid-format=long
/home/dev/.gnupg/pubring.kbx
----------------------------
sec   ed25519/‹chunk›‹chunk#2› 2024-05-01 [SC]
      ‹gpgfp›
uid                 [ultimate] ‹name› <‹email›>
ssb   cv25519/‹chunk#3›‹chunk› 2024-05-01 [E]""",
    ),
    (
        "neg-jwks-public",
        "json",
        """{"keys": [{"kty": "RSA", "use": "sig", "kid": "‹chunk›", "alg": "RS256", "n": "‹b64u32›‹b64u32#2›‹b64u32#3›‹b64u32#4›", "e": "AQAB"}]}""",
    ),
    (
        "neg-age-public-recipient",
        "plain",
        """# .sops.yaml
creation_rules:
  - path_regex: secrets/.*\\.yaml$
    age: age1‹b32›‹b32#2›""",
    ),
    (
        "neg-wireguard-public",
        "plain",
        """[Peer]
PublicKey = ‹nonce›
AllowedIPs = 10.8.0.0/24
Endpoint = ‹pubip›:51820""",
    ),
    # ---- digests, hashes, ids
    (
        "neg-git-log",
        "shell",
        """$ git log --oneline -5
‹sha7› Fix token refresh race in the session middleware
‹sha7#2› Rotate the secret-scanning allowlist
‹sha7#3› Bump pg from 8.11.3 to 8.12.0
$ git rev-parse HEAD
‹sha›""",
    ),
    (
        "neg-git-show-header",
        "plain",
        """commit ‹sha›
Merge: ‹sha7› ‹sha7#2›
Author: ‹name› <‹email›>
Date:   Tue Feb 4 16:02:11 2026 +0000

    Merge pull request #‹int› from acme/fix/api-key-header""",
    ),
    (
        "neg-diff-index",
        "plain",
        """diff --git a/src/auth/token.py b/src/auth/token.py
index ‹sha7›..‹sha7#2› 100644
--- a/src/auth/token.py
+++ b/src/auth/token.py
@@ -10,7 +10,7 @@ def refresh(token: str) -> str:
-    return _client.refresh(token, timeout=5)
+    return _client.refresh(token, timeout=10)""",
    ),
    (
        "neg-docker-images-digests",
        "shell",
        """$ docker images --digests
REPOSITORY          TAG       DIGEST                                                                    IMAGE ID       CREATED       SIZE
acme/api            latest    sha256:‹sha256›   ‹chunk›‹chunk#2›   2 days ago    187MB
$ docker pull postgres:16@sha256:‹sha256#2›""",
    ),
    (
        "neg-pip-hashes",
        "plain",
        """certifi==2024.8.30 \\
    --hash=sha256:‹sha256› \\
    --hash=sha256:‹sha256#2›
requests==2.32.3 \\
    --hash=sha256:‹sha256#3›""",
    ),
    (
        "neg-package-lock",
        "json",
        """{
  "name": "web",
  "lockfileVersion": 3,
  "packages": {
    "node_modules/jsonwebtoken": {
      "version": "9.0.2",
      "resolved": "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz",
      "integrity": "‹integrity›",
      "dependencies": {"jws": "^3.2.2"}
    },
    "node_modules/jws": {
      "version": "3.2.2",
      "resolved": "https://registry.npmjs.org/jws/-/jws-3.2.2.tgz",
      "integrity": "‹sha1b64›"
    }
  }
}""",
    ),
    (
        "neg-yarn-lock",
        "plain",
        """"@auth/core@^0.34.0":
  version "0.34.2"
  resolved "https://registry.yarnpkg.com/@auth/core/-/core-0.34.2.tgz#‹hex40›"
  integrity ‹integrity›""",
    ),
    (
        "neg-pnpm-lock",
        "yaml",
        """packages:
  /secure-json-parse@2.7.0:
    resolution: {integrity: ‹integrity›}
    dev: false
  /keygrip@1.1.0:
    resolution: {integrity: ‹integrity#2›}
""",
    ),
    (
        "neg-go-sum",
        "plain",
        """github.com/golang-jwt/jwt/v5 v5.2.1 ‹gosum›
github.com/golang-jwt/jwt/v5 v5.2.1/go.mod ‹gosum#2›
golang.org/x/crypto v0.31.0 ‹gosum#3›""",
    ),
    (
        "neg-cargo-lock",
        "plain",
        """[[package]]
name = "ring"
version = "0.17.8"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "‹sha256›"
dependencies = [
 "cc",
 "getrandom",
]""",
    ),
    (
        "neg-poetry-lock",
        "plain",
        """[[package]]
name = "cryptography"
version = "43.0.1"
files = [
    {file = "cryptography-43.0.1-cp39-abi3-manylinux_2_28_x86_64.whl", hash = "sha256:‹sha256›"},
    {file = "cryptography-43.0.1.tar.gz", hash = "sha256:‹sha256#2›"},
]""",
    ),
    (
        "neg-uv-lock",
        "plain",
        """[[package]]
name = "pyjwt"
version = "2.9.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/‹chunk›/‹sha256›/pyjwt-2.9.0.tar.gz", hash = "sha256:‹sha256#2›", size = 78313 }""",
    ),
    (
        "neg-gemfile-lock-checksums",
        "plain",
        """CHECKSUMS
  jwt (2.8.2) sha256=‹sha256›
  bcrypt (3.1.20) sha256=‹sha256#2›""",
    ),
    (
        "neg-nix-store",
        "shell",
        """$ nix-store -q --references $(which openssl)
/nix/store/‹nixhash›-openssl-3.0.14
/nix/store/‹nixhash#2›-glibc-2.39-52
$ nix hash path ./src
sha256-‹nonce›‹nonce#2›""",
    ),
    (
        "neg-sha256sum",
        "shell",
        """$ sha256sum dist/*
‹sha256›  dist/acme-2.4.1-py3-none-any.whl
‹sha256#2›  dist/acme-2.4.1.tar.gz
$ md5sum backup.tar
‹md5›  backup.tar""",
    ),
    (
        "neg-git-lfs-pointer",
        "plain",
        """version https://git-lfs.github.com/spec/v1
oid sha256:‹sha256›
size ‹int›‹int#2›""",
    ),
    (
        "neg-uuids-k8s-events",
        "shell",
        """$ kubectl get pod api-‹podhash› -o jsonpath='{.metadata.uid}'
‹uuid›
$ kubectl get events --field-selector involvedObject.uid=‹uuid›
LAST SEEN   TYPE     REASON    OBJECT                  MESSAGE
12s         Normal   Pulled    pod/api-‹podhash›   Container image "acme/api@sha256:‹sha256›" already present on machine""",
    ),
    (
        "neg-docker-ps",
        "shell",
        """$ docker ps --no-trunc --format '{{.ID}} {{.Image}} {{.Names}}'
‹containerid› redis:7 cache
‹containerid#2› acme/api:‹sha7› api""",
    ),
    (
        "neg-aws-request-ids",
        "plain",
        """An error occurred (AccessDenied) when calling the GetSecretValue operation: User: arn:aws:sts::‹acct›:assumed-role/ci/‹int› is not authorized to perform: secretsmanager:GetSecretValue on resource: prod/orders/db because no identity-based policy allows the secretsmanager:GetSecretValue action
RequestId: ‹amzreq›""",
    ),
    (
        "neg-s3-list-versions",
        "json",
        """{
    "Versions": [
        {"ETag": "\\"‹md5›\\"", "Size": ‹int›, "Key": "exports/‹date›.csv", "VersionId": "‹s3ver›", "IsLatest": true, "LastModified": "‹ts›"},
        {"ETag": "\\"‹md5#2›-4\\"", "Size": ‹int#2›, "Key": "exports/‹date›.csv", "VersionId": "‹s3ver#2›", "IsLatest": false, "LastModified": "‹ts#2›"}
    ]
}""",
    ),
    (
        "neg-opentelemetry-span",
        "json",
        """{"traceId": "‹traceid›", "spanId": "‹spanid›", "parentSpanId": "‹spanid#2›", "name": "POST /v1/tokens", "kind": 2, "startTimeUnixNano": "‹epoch›000000000", "attributes": [{"key": "http.status_code", "value": {"intValue": "201"}}, {"key": "auth.method", "value": {"stringValue": "api_key"}}]}""",
    ),
    (
        "neg-traceparent-headers",
        "plain",
        """HTTP/1.1 200 OK
Content-Type: application/json
ETag: W/"‹md5›"
traceparent: 00-‹traceid›-‹spanid›-01
X-Request-Id: ‹uuid›
X-Amz-Cf-Id: ‹s3ver›==
Strict-Transport-Security: max-age=63072000""",
    ),
    (
        "neg-csp-nonce",
        "plain",
        """Content-Security-Policy: default-src 'self'; script-src 'self' 'nonce-‹nonce›' 'strict-dynamic'; object-src 'none'
Content-Security-Policy-Report-Only: require-trusted-types-for 'script'""",
    ),
    (
        "neg-sri-script-tag",
        "source",
        """<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js" integrity="sha384-‹nonce›‹nonce#2›‹chunk›" crossorigin="anonymous"></script>""",
    ),
    (
        "neg-stripe-object-ids",
        "json",
        """{"id": "‹stripe_id›", "object": "payment_intent", "amount": 2000, "currency": "usd", "customer": "‹stripe_id#2›", "latest_charge": "‹stripe_id#3›", "status": "succeeded", "livemode": true}""",
    ),
    (
        "neg-github-api-ids",
        "json",
        """{"id": ‹int›‹int#2›, "node_id": "‹nodeid›", "number": ‹int#3›, "title": "Rotate the deploy key", "user": {"login": "‹name›", "id": ‹int›, "node_id": "‹nodeid#2›"}, "head": {"sha": "‹sha›", "ref": "chore/rotate-key"}}""",
    ),
    (
        "neg-slack-api-ids",
        "json",
        """{"ok": true, "channel": "‹slackid›", "ts": "‹epoch›.‹int›", "message": {"type": "message", "user": "‹slackid#2›", "text": "deploy of ‹sha7› finished", "team": "T‹appid›"}}""",
    ),
    (
        "neg-sentry-event-ids",
        "plain",
        """Sentry: captured event ‹sentryevt› (release web@‹sha›)
See https://acme.sentry.io/issues/?query=‹sentryevt›""",
    ),
    (
        "neg-openai-response-ids",
        "json",
        """{"id": "‹chatcmpl›", "object": "chat.completion", "created": ‹epoch›, "model": "gpt-4o-mini-2024-07-18", "system_fingerprint": "fp_‹chunk›‹int›", "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}}""",
    ),
    (
        "neg-anthropic-response-ids",
        "json",
        """{"id": "‹msgid›", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929", "content": [{"type": "tool_use", "id": "‹toolu›", "name": "Bash", "input": {"command": "git status"}}], "stop_reason": "tool_use", "usage": {"input_tokens": 1432, "output_tokens": 61, "cache_read_input_tokens": 0}}""",
    ),
    (
        "neg-twilio-sid-only",
        "json",
        """{"account_sid": "‹twsid›", "api_version": "2010-04-01", "body": "Your code is ready", "sid": "SM‹md5›", "status": "queued", "to": "+1555010‹int›"}""",
    ),
    (
        "neg-oauth-client-id-only",
        "json",
        """{"installed": {"client_id": "‹clientid›", "project_id": "acme-cli", "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token", "redirect_uris": ["http://localhost"]}}""",
    ),
    (
        "neg-algolia-app-id-search-only",
        "source",
        """const searchClient = algoliasearch('‹appid›', process.env.NEXT_PUBLIC_ALGOLIA_SEARCH_KEY);
const index = searchClient.initIndex('products_‹word›');""",
    ),
    (
        "neg-azure-ids",
        "json",
        """[{"cloudName": "AzureCloud", "homeTenantId": "‹uuid›", "id": "‹uuid#2›", "isDefault": true, "name": "Production", "state": "Enabled", "tenantId": "‹uuid›", "user": {"name": "‹email›", "type": "user"}}]""",
    ),
    (
        "neg-gcp-project-info",
        "shell",
        """$ gcloud projects describe acme-prod-‹int›
createTime: '‹ts›'
lifecycleState: ACTIVE
name: acme-prod
projectId: acme-prod-‹int›
projectNumber: '‹acct›'""",
    ),
    (
        "neg-idempotency-key",
        "shell",
        """$ curl https://api.stripe.com/v1/refunds -u "$STRIPE_KEY:" -H "Idempotency-Key: ‹uuid›" -d payment_intent=‹stripe_id›
{"id": "re_‹chunk›‹chunk#2›", "object": "refund", "status": "succeeded"}""",
    ),
    (
        "neg-cache-keys-ci",
        "plain",
        """Received 104857600 of 284327531 (36.9%), 99.8 MBs/sec
Cache restored successfully
Cache restored from key: node-cache-Linux-x64-npm-‹sha256›
Post job cleanup.
Cache hit occurred on the primary key node-cache-Linux-x64-npm-‹sha256›, not saving cache.""",
    ),
    (
        "neg-terraform-lock-hcl",
        "plain",
        """provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.31.0"
  constraints = "~> 5.0"
  hashes = [
    "h1:‹nonce›‹nonce#2›=",
    "zh:‹sha256›",
    "zh:‹sha256#2›",
  ]
}""",
    ),
    (
        "neg-terraform-state-ids",
        "json",
        """{"version": 4, "terraform_version": "1.7.5", "serial": ‹int›, "lineage": "‹uuid›", "outputs": {"bucket": {"value": "acme-exports-‹chunk›", "type": "string"}}, "resources": [{"mode": "managed", "type": "aws_s3_bucket", "name": "exports", "instances": [{"attributes": {"id": "acme-exports-‹chunk›", "arn": "arn:aws:s3:::acme-exports-‹chunk›", "hosted_zone_id": "Z3AQBSTGFYJSTF"}}]}]}""",
    ),
    # ---- binary-ish and generated content
    (
        "neg-data-uri-png",
        "source",
        """.logo {
  background-image: url("data:image/png;base64,‹png›");
  background-size: contain;
}""",
    ),
    (
        "neg-font-face-woff2",
        "source",
        """@font-face {
  font-family: "Inter";
  src: url(data:font/woff2;base64,‹woff2›) format("woff2");
  font-display: swap;
}""",
    ),
    ("neg-minified-js", "source", """/*! app.‹chunk›.js */‹minjs›"""),
    (
        "neg-source-map",
        "json",
        """{"version": 3, "file": "app.‹chunk›.js", "sources": ["webpack://web/./src/auth/token.ts"], "names": ["refreshToken", "apiKey"], "mappings": "AAAA,SAASA,EAAaC,GACpB,OAAOA,EAAE;‹b64bin›"}""",
    ),
    (
        "neg-webpack-assets",
        "plain",
        """asset main.‹chunk›.js 412 KiB [emitted] [immutable] [minimized] (name: main)
asset vendors.‹chunk#2›.js 1.2 MiB [emitted] [immutable] [minimized] (name: vendors)
asset secret-settings.‹chunk#3›.css 12 KiB [emitted] [immutable]
webpack 5.94.0 compiled successfully in 18342 ms""",
    ),
    (
        "neg-base64-protobuf-blob",
        "json",
        """{"kind": "ConfigMap", "binaryData": {"schema.pb": "‹b64bin›"}, "metadata": {"name": "grpc-descriptors"}}""",
    ),
    (
        "neg-jupyter-image-output",
        "json",
        """{"cell_type": "code", "execution_count": 12, "metadata": {}, "outputs": [{"data": {"image/png": "‹png›", "text/plain": ["<Figure size 640x480 with 1 Axes>"]}, "metadata": {}, "output_type": "display_data"}], "source": ["df.plot()"]}""",
    ),
    (
        "neg-pagination-cursor",
        "json",
        """{"data": [{"id": "‹uuid›"}], "next_cursor": "‹b64json›", "has_more": true}""",
    ),
    (
        "neg-base64-config",
        "shell",
        """$ echo ‹b64json› | base64 -d
{"page": 3, "sort": "created_at", "after": 1234567}""",
    ),
    (
        "neg-k8s-configmap-data",
        "yaml",
        """apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "new-checkout,token-refresh-v2"
  CACHE_KEY_PREFIX: "v3:‹chunk›"
  PUBLIC_URL: https://‹domain›
""",
    ),
    (
        "neg-k8s-sa-token-projection",
        "yaml",
        """volumes:
  - name: kube-api-access
    projected:
      sources:
        - serviceAccountToken:
            expirationSeconds: 3607
            path: token
        - configMap:
            name: kube-root-ca.crt
            items:
              - key: ca.crt
                path: ca.crt
""",
    ),
    (
        "neg-openapi-security-scheme",
        "yaml",
        """components:
  securitySchemes:
    ApiKeyAuth:
      type: apiKey
      in: header
      name: X-API-Key
    bearerAuth:
      type: http
      scheme: bearer
      bearerFormat: JWT
security:
  - ApiKeyAuth: []
""",
    ),
    (
        "neg-http-401",
        "plain",
        """HTTP/1.1 401 Unauthorized
WWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="The access token expired"
Content-Type: application/json

{"error": "invalid_token", "message": "Provide a valid API key in the X-API-Key header."}""",
    ),
    (
        "neg-http-request-no-auth",
        "plain",
        """GET /v1/health HTTP/1.1
Host: api.‹domain›
User-Agent: kube-probe/1.29
Accept: */*
X-Forwarded-For: ‹pubip›
If-None-Match: "‹md5›\"""",
    ),
    (
        "neg-cookie-consent-only",
        "plain",
        """Cookie: _ga=GA1.1.‹int›.‹epoch›; cookie_consent=accepted; theme=dark; lang=en-GB""",
    ),
    ("neg-url-with-sha-query", "url", """https://github.com/acme/api/compare/‹sha7›...‹sha›?diff=split"""),
    ("neg-url-ghcr-digest", "url", """https://ghcr.io/v2/acme/api/manifests/sha256:‹sha256›"""),
    (
        "neg-url-s3-public-object",
        "url",
        """https://acme-public.s3.‹region›.amazonaws.com/releases/v2.4.1/acme_‹sha7›_linux_amd64.tar.gz""",
    ),
    (
        "neg-url-oauth-authorize",
        "url",
        """https://github.com/login/oauth/authorize?client_id=Iv1.‹chunk›‹chunk#2›&redirect_uri=https%3A%2F%2F‹domain›%2Fcallback&scope=read%3Auser&state=‹uuid›""",
    ),
    ("neg-url-placeholder-creds", "url", """postgres://USER:PASSWORD@HOST:5432/DBNAME"""),
    (
        "neg-url-env-creds",
        "url",
        """postgresql://${PGUSER}:${PGPASSWORD}@${PGHOST}:5432/${PGDATABASE}?sslmode=require""",
    ),
    (
        "neg-url-tracking-params",
        "url",
        """https://www.‹domain›/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=spring&mc_eid=‹md5›&_gl=1*‹chunk›*_ga*‹int›""",
    ),
    ("neg-url-youtube-ids", "url", """https://www.youtube.com/watch?v=‹chunk›&list=PL‹b64u32›&index=3"""),
    (
        "neg-url-docs-token-path",
        "url",
        """https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens#creating-a-fine-grained-personal-access-token""",
    ),
    (
        "neg-url-pr-files",
        "url",
        """https://gitlab.‹domain›/acme/infra/-/merge_requests/‹int›/diffs?commit_id=‹sha›""",
    ),
    ("neg-url-gravatar", "url", """https://www.gravatar.com/avatar/‹md5›?s=80&d=identicon"""),
    (
        "neg-url-maven-central",
        "url",
        """https://repo1.maven.org/maven2/io/jsonwebtoken/jjwt-api/0.12.6/jjwt-api-0.12.6.jar.sha1""",
    ),
    ("neg-url-jwks", "url", """https://login.microsoftonline.com/‹uuid›/discovery/v2.0/keys"""),
    (
        "neg-url-signed-out",
        "url",
        """https://app.‹domain›/auth/callback?code=&error=access_denied&error_description=The+user+denied+the+request&state=‹uuid›""",
    ),
    # ---- agent prose about secrets, no secret
    (
        "neg-agent-prose-rotation",
        "plain",
        """I rotated the Stripe key in the dashboard and stored the new value in AWS Secrets Manager under `prod/stripe/secret`; the app reads it at start-up, so no code change is needed.""",
    ),
    (
        "neg-agent-prose-password-policy",
        "plain",
        """The password validator now requires at least 12 characters, one digit and one symbol. Existing passwords keep working until the next reset.""",
    ),
    (
        "neg-agent-prose-token-expired",
        "plain",
        """The deploy failed because the GitHub token had expired (HTTP 401 "Bad credentials"). Please create a new fine-grained token with `contents: write` and save it as the `DEPLOY_TOKEN` repository secret.""",
    ),
    (
        "neg-agent-prose-found-nothing",
        "plain",
        """I ran `gitleaks detect --no-git -v` over the repo: 0 leaks found. The only matches for "password" are in `docs/setup.md` and the login form's label.""",
    ),
    (
        "neg-gitleaks-report-redacted",
        "json",
        """[{"Description": "GitHub Personal Access Token", "StartLine": 12, "Match": "token: REDACTED", "Secret": "REDACTED", "File": "config/deploy.yml", "Commit": "‹sha›", "Entropy": 4.8, "RuleID": "github-pat", "Fingerprint": "‹sha›:config/deploy.yml:github-pat:12"}]""",
    ),
    (
        "neg-trufflehog-summary",
        "plain",
        """🐷🔑🐷  TruffleHog. Unearth your secrets. 🐷🔑🐷

2026-01-12T09:10:11Z	info-0	trufflehog	finished scanning	{"chunks": 4215, "bytes": 18393021, "verified_secrets": 0, "unverified_secrets": 0, "scan_duration": "3.21s"}""",
    ),
    (
        "neg-pytest-output",
        "plain",
        """tests/auth/test_tokens.py::test_expired_token_is_rejected PASSED          [ 40%]
tests/auth/test_tokens.py::test_refresh_rotates_secret PASSED             [ 60%]
tests/auth/test_passwords.py::test_password_too_short FAILED              [ 80%]
E       AssertionError: expected ValidationError for password of length 8""",
    ),
    (
        "neg-mypy-errors",
        "plain",
        """src/auth/keys.py:41: error: Argument 1 to "load_pem_private_key" has incompatible type "str"; expected "bytes"  [arg-type]
src/auth/keys.py:58: error: Item "None" of "Optional[SecretStr]" has no attribute "get_secret_value"  [union-attr]
Found 2 errors in 1 file (checked 87 source files)""",
    ),
    (
        "neg-eslint-rule",
        "json",
        """{"rules": {"no-secrets/no-secrets": ["error", {"tolerance": 4.2, "ignoreContent": ["^https://"]}], "security/detect-possible-timing-attacks": "warn"}}""",
    ),
    (
        "neg-gitignore",
        "plain",
        """# secrets
.env
.env.*
!.env.example
*.pem
*.key
credentials.json
.vault_pass.txt""",
    ),
    (
        "neg-precommit-config",
        "yaml",
        """repos:
  - repo: https://github.com/gitleaks/gitleaks
    rev: v8.21.2
    hooks:
      - id: gitleaks
  - repo: https://github.com/Yelp/detect-secrets
    rev: v1.5.0
    hooks:
      - id: detect-secrets
        args: ["--baseline", ".secrets.baseline"]
""",
    ),
    (
        "neg-detect-secrets-baseline",
        "json",
        """{"version": "1.5.0", "results": {"tests/fixtures/config.yml": [{"type": "Secret Keyword", "filename": "tests/fixtures/config.yml", "hashed_secret": "‹hex40›", "is_verified": false, "line_number": 4}]}, "generated_at": "‹ts›"}""",
    ),
    # ---- misc real output
    (
        "neg-ls-la-secrets-dir",
        "shell",
        """$ ls -la ~/.ssh
total 24
drwx------  2 dev dev 4096 Feb  3 10:12 .
-rw-------  1 dev dev  411 Feb  3 10:12 id_ed25519
-rw-r--r--  1 dev dev  102 Feb  3 10:12 id_ed25519.pub
-rw-r--r--  1 dev dev 2216 Jan 20 09:01 known_hosts""",
    ),
    (
        "neg-openssl-genrsa-cmd",
        "shell",
        """$ openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out tls.key
$ openssl req -new -key tls.key -subj "/CN=‹domain›" -out tls.csr
$ chmod 600 tls.key""",
    ),
    (
        "neg-cert-text",
        "plain",
        """Certificate:
    Data:
        Version: 3 (0x2)
        Serial Number:
            ‹chunk›:‹chunk#2›:‹int›
        Signature Algorithm: sha256WithRSAEncryption
        Issuer: C = US, O = Let's Encrypt, CN = R11
        Subject: CN = ‹domain›
        X509v3 Subject Key Identifier:
            ‹gpgfp›
        X509v3 Authority Key Identifier:
            ‹gpgfp#2›""",
    ),
    (
        "neg-certbot-output",
        "plain",
        """Successfully received certificate.
Certificate is saved at: /etc/letsencrypt/live/‹domain›/fullchain.pem
Key is saved at:         /etc/letsencrypt/live/‹domain›/privkey.pem
This certificate expires on ‹date›.""",
    ),
    (
        "neg-npm-audit",
        "plain",
        """# npm audit report

jsonwebtoken  <=8.5.1
Severity: high
jsonwebtoken unrestricted key type could lead to legacy keys usage - https://github.com/advisories/GHSA-8cf7-32gw-wr33
fix available via `npm audit fix --force`""",
    ),
    (
        "neg-pip-install-log",
        "plain",
        """Collecting keyring>=24
  Downloading keyring-25.4.1-py3-none-any.whl.metadata (20 kB)
Collecting SecretStorage>=3.2 (from keyring>=24)
  Using cached SecretStorage-3.3.3-py3-none-any.whl (15 kB)
Successfully installed SecretStorage-3.3.3 jeepney-0.8.0 keyring-25.4.1""",
    ),
    (
        "neg-systemd-creds",
        "plain",
        """[Service]
ExecStart=/usr/local/bin/exporter --password-file=${CREDENTIALS_DIRECTORY}/db-password
LoadCredentialEncrypted=db-password:/etc/credstore.encrypted/db-password""",
    ),
    (
        "neg-nginx-auth-request",
        "plain",
        """location /private/ {
    auth_request /auth;
    auth_request_set $auth_status $upstream_status;
    proxy_set_header Authorization $http_authorization;
}""",
    ),
    (
        "neg-postgres-hba",
        "plain",
        """# TYPE  DATABASE        USER            ADDRESS                 METHOD
local   all             postgres                                peer
host    all             all             10.0.0.0/8              scram-sha-256
hostssl replication     replicator      ‹ip›/32                 scram-sha-256""",
    ),
    (
        "neg-redis-conf-ref",
        "plain",
        """# requirepass is set from the environment by the entrypoint
# requirepass foobared
aclfile /etc/redis/users.acl
protected-mode yes""",
    ),
    (
        "neg-mysql-error-denied",
        "plain",
        """ERROR 1045 (28000): Access denied for user '‹user›'@'‹ip›' (using password: YES)""",
    ),
    (
        "neg-ssh-config",
        "plain",
        """Host bastion
  HostName ‹pubip›
  User ‹user›
  IdentityFile ~/.ssh/id_ed25519
  IdentitiesOnly yes
Host *.internal
  ProxyJump bastion""",
    ),
    (
        "neg-git-config-credential-helper",
        "plain",
        """[credential]
	helper = osxkeychain
[credential "https://dev.azure.com"]
	useHttpPath = true
[user]
	signingkey = ‹gpgfp›""",
    ),
    (
        "neg-npmrc-env-ref",
        "plain",
        """@acme:registry=https://npm.pkg.github.com
//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}
engine-strict=true""",
    ),
    (
        "neg-pip-conf-env",
        "plain",
        """[global]
index-url = https://${ARTIFACTORY_USER}:${ARTIFACTORY_TOKEN}@acme.jfrog.io/artifactory/api/pypi/pypi/simple""",
    ),
    (
        "neg-docker-config-credstore",
        "json",
        """{
	"auths": {
		"‹acct›.dkr.ecr.‹region›.amazonaws.com": {},
		"ghcr.io": {}
	},
	"credsStore": "desktop",
	"credHelpers": {"‹acct›.dkr.ecr.‹region›.amazonaws.com": "ecr-login"}
}""",
    ),
    (
        "neg-kubeconfig-exec",
        "yaml",
        """users:
- name: arn:aws:eks:‹region›:‹acct›:cluster/prod
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args:
        - eks
        - get-token
        - --cluster-name
        - prod
""",
    ),
    (
        "neg-gh-auth-status",
        "shell",
        """$ gh auth status
github.com
  ✓ Logged in to github.com account ‹name› (keyring)
  - Active account: true
  - Git operations protocol: https
  - Token: gho_************************************
  - Token scopes: 'gist', 'read:org', 'repo', 'workflow'""",
    ),
    (
        "neg-vercel-env-ls",
        "shell",
        """$ vercel env ls
> Environment Variables found for acme/web [312ms]

 name                  value               environments                        created
 DATABASE_URL          Encrypted           Production, Preview                 12d ago
 STRIPE_SECRET_KEY     Encrypted           Production                          40d ago""",
    ),
    (
        "neg-fly-secrets-list",
        "shell",
        """$ fly secrets list -a acme-api
NAME            DIGEST                  CREATED AT
DATABASE_URL    ‹chunk›‹chunk#2›        2024-05-01T10:00:00Z
SECRET_KEY_BASE ‹chunk#3›‹chunk›        2024-05-01T10:00:00Z""",
    ),
    (
        "neg-wrangler-secret-list",
        "json",
        """[
  {"name": "CF_API_TOKEN", "type": "secret_text"},
  {"name": "STRIPE_WEBHOOK_SECRET", "type": "secret_text"}
]""",
    ),
    (
        "neg-doctl-account",
        "shell",
        """$ doctl account get
User Email          Team       Droplet Limit    Email Verified    User UUID                               Status
‹email›   ACME       25               true              ‹uuid›    active""",
    ),
    (
        "neg-heroku-auth-whoami",
        "shell",
        """$ heroku auth:whoami
‹email›
$ heroku apps:info -a acme-api
=== acme-api
Git URL:        https://git.heroku.com/acme-api.git
Region:         eu
Stack:          heroku-24""",
    ),
    (
        "neg-gcloud-auth-list",
        "shell",
        """$ gcloud auth list
      Credentialed Accounts
ACTIVE  ACCOUNT
*       deployer@acme-prod-‹int›.iam.gserviceaccount.com
        ‹email›""",
    ),
    (
        "neg-az-account-show",
        "json",
        """{"environmentName": "AzureCloud", "id": "‹uuid›", "isDefault": true, "name": "Production", "tenantId": "‹uuid#2›", "user": {"name": "‹uuid#3›", "type": "servicePrincipal"}}""",
    ),
    (
        "neg-aws-sts-caller",
        "json",
        """{
    "UserId": "AROA‹appid›‹chunk›:botocore-session-‹epoch›",
    "Account": "‹acct›",
    "Arn": "arn:aws:sts::‹acct›:assumed-role/deploy/botocore-session-‹epoch›"
}""",
    ),
    (
        "neg-access-key-id-alone",
        "plain",
        """2026-02-01T10:00:00Z CloudTrail ConsoleLogin userIdentity.accessKeyId=‹akid› sourceIPAddress=‹pubip› eventName=GetCallerIdentity""",
    ),
    (
        "neg-dotnet-appsettings-clean",
        "json",
        """{
  "Logging": {"LogLevel": {"Default": "Information", "Microsoft.AspNetCore": "Warning"}},
  "ConnectionStrings": {"DefaultConnection": "Server=(localdb)\\\\mssqllocaldb;Database=aspnet-Acme-‹uuid›;Trusted_Connection=True;MultipleActiveResultSets=true"},
  "KeyVault": {"VaultUri": "https://acme-kv.vault.azure.net/"},
  "AllowedHosts": "*"
}""",
    ),
    (
        "neg-mssql-integrated-auth",
        "plain",
        """Server=tcp:‹host›,1433;Database=‹db›;Authentication=Active Directory Default;Encrypt=True;""",
    ),
    (
        "neg-jdbc-iam-auth",
        "url",
        """jdbc:postgresql://‹host›:5432/‹db›?sslmode=verify-full&wrapperPlugins=iam&user=‹user›""",
    ),
    ("neg-redis-url-no-auth", "url", """redis://‹host›:6379/2"""),
    (
        "neg-mongo-x509",
        "url",
        """mongodb+srv://cluster0.‹chunk›.mongodb.net/?authSource=%24external&authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=%2Fetc%2Fcerts%2Fclient.pem""",
    ),
    ("neg-amqp-guest-local", "url", """amqp://localhost:5672/%2f"""),
    (
        "neg-spring-actuator-env-masked",
        "json",
        """{"activeProfiles": ["prod"], "propertySources": [{"name": "applicationConfig: [classpath:/application-prod.yml]", "properties": {"spring.datasource.password": {"value": "******"}, "spring.datasource.url": {"value": "jdbc:postgresql://‹host›/‹db›"}}}]}""",
    ),
    (
        "neg-rails-filtered-params",
        "plain",
        """Started POST "/users/sign_in" for ‹pubip› at 2026-02-03 10:12:44 +0000
Processing by Devise::SessionsController#create as HTML
  Parameters: {"authenticity_token"=>"[FILTERED]", "user"=>{"email"=>"‹email›", "password"=>"[FILTERED]", "remember_me"=>"0"}, "commit"=>"Log in"}
Completed 302 Found in 212ms""",
    ),
    (
        "neg-django-debug-masked",
        "plain",
        """SECRET_KEY = '********************'
DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'HOST': '‹host›', 'NAME': '‹db›', 'PASSWORD': '********************', 'USER': '‹user›'}}""",
    ),
    (
        "neg-laravel-log",
        "plain",
        """[2026-02-03 10:12:44] production.ERROR: SQLSTATE[HY000] [2002] Connection refused (Connection: mysql, SQL: select * from `sessions` where `id` = ‹chunk›‹chunk#2› limit 1) {"exception":"[object] (Illuminate\\\\Database\\\\QueryException(code: 2002))"}""",
    ),
    (
        "neg-ansible-no-log",
        "plain",
        """TASK [mysql : create application user] *****************************************
changed: [db1.‹domain›] => {"censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result", "changed": true}""",
    ),
    (
        "neg-go-struct-tags",
        "source",
        """type DBConfig struct {
	Host     string `env:"DB_HOST" envDefault:"localhost"`
	Password string `env:"DB_PASSWORD,required" json:"-"`
	Token    string `env:"API_TOKEN,unset"`
}""",
    ),
    (
        "neg-java-annotation-value",
        "source",
        """@Value("${stripe.secret-key}")
private String stripeSecretKey;

@Bean
public PasswordEncoder passwordEncoder() {
    return new BCryptPasswordEncoder(12);
}""",
    ),
    (
        "neg-python-keyring",
        "source",
        """import keyring

def get_token(service: str = "acme-cli") -> str | None:
    return keyring.get_password(service, "default")""",
    ),
    (
        "neg-swift-info-plist-ref",
        "source",
        """<key>API_BASE_URL</key>
<string>$(API_BASE_URL)</string>
<key>ApiKey</key>
<string>$(ACME_API_KEY)</string>""",
    ),
    (
        "neg-csharp-user-secrets-init",
        "shell",
        """$ dotnet user-secrets init
Set UserSecretsId to '‹uuid›' for MSBuild project '/src/Acme.Api/Acme.Api.csproj'.""",
    ),
    (
        "neg-notebook-getpass",
        "json",
        """{"cell_type": "code", "execution_count": 2, "metadata": {}, "outputs": [{"name": "stdin", "output_type": "stream", "text": ["OpenAI API key: ········\\n"]}], "source": ["import getpass, os\\n", "os.environ[\\"OPENAI_API_KEY\\"] = getpass.getpass(\\"OpenAI API key: \\")"]}""",
    ),
    (
        "neg-har-no-auth",
        "json",
        """{"log": {"version": "1.2", "entries": [{"request": {"method": "GET", "url": "https://cdn.‹domain›/app.‹chunk›.js", "headers": [{"name": "accept-encoding", "value": "gzip, deflate, br"}, {"name": "if-none-match", "value": "W/\\"‹md5›\\""}]}, "response": {"status": 304, "headers": [{"name": "etag", "value": "W/\\"‹md5›\\""}, {"name": "x-cache", "value": "Hit from cloudfront"}]}}]}}""",
    ),
    (
        "neg-cloudformation-noecho",
        "yaml",
        """Parameters:
  DBPassword:
    Type: String
    NoEcho: true
    MinLength: 16
Resources:
  DB:
    Type: AWS::RDS::DBInstance
    Properties:
      MasterUserPassword: !Ref DBPassword
      MasterUsername: '{{resolve:secretsmanager:prod/db:SecretString:username}}'
""",
    ),
    (
        "neg-pulumi-secret-output",
        "shell",
        """$ pulumi stack output
Current stack outputs (3):
    OUTPUT          VALUE
    dbEndpoint      ‹host›
    dbPassword      [secret]
    kubeconfig      [secret]""",
    ),
    (
        "neg-argocd-app",
        "yaml",
        """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: orders
spec:
  source:
    repoURL: https://github.com/acme/deploy-config
    targetRevision: ‹sha›
    path: apps/orders
    helm:
      valueFiles: [values-prod.yaml]
""",
    ),
    (
        "neg-ssh-agent-list",
        "shell",
        """$ ssh-add -l
256 ‹fp› ‹email› (ED25519)
3072 ‹fp#2› deploy@ci (RSA)""",
    ),
    (
        "neg-tpm-pcr-values",
        "plain",
        """sha256:
  0 : 0x‹sha256›
  7 : 0x‹sha256#2›""",
    ),
    (
        "neg-bitcoin-tx-hash",
        "plain",
        """Transaction ‹sha256› confirmed in block ‹int›‹int#2› (fee 0.00012 BTC)""",
    ),
]

# ---------------------------------------------------------------- one provider format in several carriers

# (secret name, environment variable, config key)
FORMATS: list[tuple[str, str, str]] = [
    ("ghp", "GITHUB_TOKEN", "github_token"),
    ("ghfg", "GH_PAT", "github_pat"),
    ("ghs", "GITHUB_APP_TOKEN", "installation_token"),
    ("glpat", "GITLAB_TOKEN", "gitlab_token"),
    ("xoxb", "SLACK_BOT_TOKEN", "slack_bot_token"),
    ("xapp", "SLACK_APP_TOKEN", "app_level_token"),
    ("sk_live", "STRIPE_SECRET_KEY", "stripe_secret_key"),
    ("rk_live", "STRIPE_RESTRICTED_KEY", "stripe_key"),
    ("whsec", "STRIPE_WEBHOOK_SECRET", "webhook_secret"),
    ("twilio_token", "TWILIO_AUTH_TOKEN", "auth_token"),
    ("sendgrid", "SENDGRID_API_KEY", "sendgrid_api_key"),
    ("mailgun", "MAILGUN_API_KEY", "mailgun_key"),
    ("npm", "NPM_TOKEN", "npm_token"),
    ("pypi", "PYPI_API_TOKEN", "pypi_token"),
    ("dckr", "DOCKERHUB_TOKEN", "dockerhub_token"),
    ("hvs", "VAULT_TOKEN", "vault_token"),
    ("tfc", "TF_TOKEN_app_terraform_io", "terraform_cloud_token"),
    ("dd_api", "DD_API_KEY", "datadog_api_key"),
    ("dd_app", "DD_APP_KEY", "datadog_app_key"),
    ("nrak", "NEW_RELIC_API_KEY", "newrelic_api_key"),
    ("nr_license", "NEW_RELIC_LICENSE_KEY", "license_key"),
    ("sntrys", "SENTRY_AUTH_TOKEN", "sentry_auth_token"),
    ("shpat", "SHOPIFY_ACCESS_TOKEN", "shopify_admin_token"),
    ("square", "SQUARE_ACCESS_TOKEN", "square_token"),
    ("atlassian", "JIRA_API_TOKEN", "jira_token"),
    ("linear", "LINEAR_API_KEY", "linear_api_key"),
    ("notion", "NOTION_TOKEN", "notion_token"),
    ("airtable", "AIRTABLE_PAT", "airtable_token"),
    ("openai", "OPENAI_API_KEY", "openai_api_key"),
    ("anthropic", "ANTHROPIC_API_KEY", "anthropic_api_key"),
    ("google_api", "GOOGLE_MAPS_API_KEY", "maps_api_key"),
    ("gocspx", "GOOGLE_CLIENT_SECRET", "client_secret"),
    ("azure_storage", "AZURE_STORAGE_KEY", "storage_account_key"),
    ("azure_secret", "AZURE_CLIENT_SECRET", "client_secret"),
    ("aws_secret", "AWS_SECRET_ACCESS_KEY", "secret_access_key"),
    ("cf_token", "CLOUDFLARE_API_TOKEN", "cloudflare_api_token"),
    ("cf_global", "CF_API_KEY", "cloudflare_global_key"),
    ("do", "DIGITALOCEAN_TOKEN", "do_token"),
    ("sb_service", "SUPABASE_SERVICE_ROLE_KEY", "service_role_key"),
    ("algolia_admin", "ALGOLIA_ADMIN_KEY", "algolia_admin_api_key"),
    ("heroku", "HEROKU_API_KEY", "heroku_api_key"),
    ("vercel", "VERCEL_TOKEN", "vercel_token"),
    ("netlify", "NETLIFY_AUTH_TOKEN", "netlify_token"),
    ("telegram", "TELEGRAM_BOT_TOKEN", "bot_token"),
    ("postman", "POSTMAN_API_KEY", "postman_api_key"),
    ("grafana", "GRAFANA_SERVICE_ACCOUNT_TOKEN", "grafana_token"),
    ("hf", "HUGGING_FACE_HUB_TOKEN", "hf_token"),
    ("databricks", "DATABRICKS_TOKEN", "databricks_token"),
    ("age", "SOPS_AGE_KEY", "age_key"),
    ("jwt", "API_JWT", "access_token"),
    ("pw", "ADMIN_PASSWORD", "admin_password"),
    ("sonar", "SONAR_TOKEN", "sonar_token"),
]

_SOURCE_FORMS = [
    '{env} = "{s}"',
    'var {camel} = "{s}"',
    "const {camel} = '{s}';",
    "{env} = '{s}'.freeze",
    'private static final String {env} = "{s}";',
    'const {env}: &str = "{s}";',
    'private const string {pascal} = "{s}";',
    "$config['{key}'] = '{s}';",
    'val {camel} = "{s}"',
    'let {camel} = "{s}"',
]

_CARRIERS: dict[str, str] = {
    "shell": "$ export {env}={s}\n$ ./scripts/smoke-test.sh\nsmoke test passed (3/3)",
    "yaml": "{service}:\n  enabled: true\n  {key}: {s}\n  timeout_seconds: 30\n",
    "json": '{{"service": "{service}", "{key}": "{s}", "region": "‹region›"}}',
    "url": "https://{service}.‹domain›/v1/export?format=csv&{key}={s}",
    "plain": "{env}={s}",
    "source": "",
}


def _carrier_templates() -> list[tuple[str, str, str]]:
    order = list(_CARRIERS)
    out = []
    for i, (name, env, key) in enumerate(FORMATS):
        s = f"«{name}»"
        service = key.split("_")[0]
        words = key.split("_")
        camel = words[0] + "".join(w.capitalize() for w in words[1:])
        for context in (order[i % 6], order[(i + 3) % 6]):
            if context == "source":
                text = _SOURCE_FORMS[i % len(_SOURCE_FORMS)].format(
                    env=env, camel=camel, pascal=camel[0].upper() + camel[1:], key=key, s=s
                )
            else:
                text = _CARRIERS[context].format(env=env, key=key, s=s, service=service)
            out.append((f"{name}-{context}", context, text))
    return out


# (filler name, config key): values that look random but are not secrets
NON_SECRET_VALUES: list[tuple[str, str]] = [
    ("sha", "commit_sha"),
    ("sha256", "image_digest"),
    ("uuid", "request_id"),
    ("containerid", "container_id"),
    ("traceid", "trace_id"),
    ("md5", "etag"),
    ("integrity", "integrity"),
    ("stripe_id", "customer_id"),
    ("nodeid", "node_id"),
    ("msgid", "message_id"),
    ("toolu", "tool_use_id"),
    ("callid", "call_id"),
    ("s3ver", "version_id"),
    ("gpgfp", "signing_key_fingerprint"),
    ("fp", "host_key_fingerprint"),
    ("akid", "access_key_id"),
    ("twsid", "account_sid"),
    ("clientid", "client_id"),
    ("b64json", "next_page_token"),
    ("sentryevt", "event_id"),
    ("sha256", "cache_key"),
    ("uuid", "idempotency_key"),
    ("sshpub", "public_key"),
    ("gosum", "module_hash"),
    ("nixhash", "store_hash"),
]

_NEG_CARRIERS: dict[str, str] = {
    "shell": "$ export {env}={v}\n$ make release\nrelease built",
    "yaml": "build:\n  {key}: {v}\n  cached: true\n",
    "json": '{{"{key}": "{v}", "status": "ok"}}',
    "source": '{key} = "{v}"  # from the last run',
    "plain": 'level=info msg="step finished" {key}={v} duration=1.2s',
    "url": "https://ci.‹domain›/runs?{key}={v}&page=2",
}


def _neg_carrier_templates() -> list[tuple[str, str, str]]:
    order = list(_NEG_CARRIERS)
    out = []
    for i, (name, key) in enumerate(NON_SECRET_VALUES):
        v = f"‹{name}›"
        contexts = ("yaml", "json") if name == "sshpub" else (order[i % 6], order[(i + 2) % 6])
        for context in contexts:
            text = _NEG_CARRIERS[context].format(env=key.upper(), key=key, v=v)
            out.append((f"neg-{key}-{context}", context, text))
    return out


POSITIVE_TEMPLATES = POSITIVE + _carrier_templates()
NEGATIVE_TEMPLATES = NEGATIVE + _neg_carrier_templates()

# ---------------------------------------------------------------- agent-log envelopes


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _claude_stream_tool_result(r: Rng, text: str) -> str:
    return _dumps(
        {
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {
                        "tool_use_id": FILLERS["toolu"](r),
                        "type": "tool_result",
                        "content": text,
                        "is_error": False,
                    }
                ],
            },
            "parent_tool_use_id": None,
            "session_id": _uuid(r),
            "uuid": _uuid(r),
        }
    )


def _claude_transcript_line(r: Rng, text: str) -> str:
    return _dumps(
        {
            "parentUuid": _uuid(r),
            "isSidechain": False,
            "userType": "external",
            "cwd": "/home/dev/src/" + r.choice(["api", "web", "infra"]),
            "sessionId": _uuid(r),
            "version": "2.0." + str(r.randint(1, 40)),
            "gitBranch": r.choice(["main", "fix/deploy", "feat/billing"]),
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {
                        "tool_use_id": FILLERS["toolu"](r),
                        "type": "tool_result",
                        "content": text,
                        "is_error": False,
                    }
                ],
            },
            "uuid": _uuid(r),
            "timestamp": FILLERS["ts"](r),
            "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
        }
    )


def _claude_assistant_text(r: Rng, text: str) -> str:
    return _dumps(
        {
            "parentUuid": _uuid(r),
            "isSidechain": False,
            "sessionId": _uuid(r),
            "type": "assistant",
            "message": {
                "id": FILLERS["msgid"](r),
                "type": "message",
                "role": "assistant",
                "model": "claude-sonnet-4-5-20250929",
                "content": [{"type": "text", "text": text}],
                "stop_reason": None,
                "usage": {
                    "input_tokens": r.randint(3, 9),
                    "cache_creation_input_tokens": r.randint(100, 4000),
                    "cache_read_input_tokens": r.randint(1000, 90000),
                    "output_tokens": r.randint(20, 800),
                },
            },
            "requestId": FILLERS["reqid"](r),
            "uuid": _uuid(r),
            "timestamp": FILLERS["ts"](r),
        }
    )


def _codex_rollout_output(r: Rng, text: str) -> str:
    # The output of a shell call is itself a JSON document held in a string: doubly escaped.
    inner = _dumps(
        {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(r.uniform(0.01, 4), 1)}}
    )
    return _dumps(
        {
            "timestamp": FILLERS["ts"](r),
            "type": "response_item",
            "payload": {"type": "function_call_output", "call_id": FILLERS["callid"](r), "output": inner},
        }
    )


def _codex_rollout_plain_output(r: Rng, text: str) -> str:
    out = f"Exit code: 0\nWall time: {r.uniform(0.1, 3):.1f} seconds\nOutput:\n{text}"
    return _dumps(
        {
            "timestamp": FILLERS["ts"](r),
            "type": "response_item",
            "payload": {"type": "function_call_output", "call_id": FILLERS["callid"](r), "output": out},
        }
    )


def _codex_exec_item(r: Rng, text: str) -> str:
    return _dumps(
        {
            "type": "item.completed",
            "item": {
                "id": f"item_{r.randint(1, 60)}",
                "type": "command_execution",
                "command": "bash -lc "
                + r.choice(
                    [
                        "'cat .env'",
                        "'env | sort'",
                        "'kubectl get secret -o yaml'",
                        "'sed -n 1,80p config.yml'",
                    ]
                ),
                "aggregated_output": text,
                "exit_code": 0,
                "status": "completed",
            },
        }
    )


def _codex_exec_message(r: Rng, text: str) -> str:
    return _dumps(
        {
            "type": "item.completed",
            "item": {"id": f"item_{r.randint(1, 60)}", "type": "agent_message", "text": text},
        }
    )


def _claude_mcp_json_result(r: Rng, text: str) -> str:
    # An MCP tool returning a JSON document as text: the document is a string inside the line.
    inner = _dumps({"stdout": text, "stderr": "", "exitCode": 0})
    return _dumps(
        {
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {
                        "tool_use_id": FILLERS["toolu"](r),
                        "type": "tool_result",
                        "content": [{"type": "text", "text": inner}],
                    }
                ],
            },
            "parent_tool_use_id": None,
            "session_id": _uuid(r),
            "uuid": _uuid(r),
        }
    )


ENVELOPES = [
    _claude_stream_tool_result,
    _claude_transcript_line,
    _codex_rollout_output,
    _codex_exec_item,
    _claude_mcp_json_result,
    _codex_rollout_plain_output,
]
PROSE_ENVELOPES = [_claude_assistant_text, _codex_exec_message]

# ---------------------------------------------------------------- the corpus


def _split(template: str) -> str:
    return "holdout" if int(hashlib.sha256(template.encode()).hexdigest(), 16) % 3 == 0 else "dev"


def corpus(seed: int = 31, copies: int = 6) -> list[Document]:
    """Each template ``copies`` times in its context and ``copies`` times inside agent-log lines."""
    r = random.Random(seed)
    documents = []
    for number, (kind, context, template) in enumerate(POSITIVE_TEMPLATES + NEGATIVE_TEMPLATES):
        split = _split(template)
        prose = kind.startswith(("agent-prose", "neg-agent-prose"))
        for _ in range(copies):
            text, secrets = instantiate(template, r)
            documents.append(Document(text, secrets, context, kind, split, template))
        for i in range(copies):
            text, secrets = instantiate(template, r)
            envelopes = ENVELOPES + PROSE_ENVELOPES if prose else ENVELOPES
            wrap = envelopes[(number + i) % len(envelopes)]
            documents.append(Document(wrap(r, text), secrets, "json", kind, split, template))
    return documents


def _escaped(text: str) -> tuple[str, str, str]:
    once = json.dumps(text)[1:-1]
    return text, once, json.dumps(once)[1:-1]


def leaked(secret: str, output: str) -> bool:
    """Whether at least half of the secret (any run of len//2 characters) survives, raw or JSON-escaped once or twice."""
    width = max(1, len(secret) // 2)
    for start in range(len(secret) - width + 1):
        window = secret[start : start + width]
        if any(form in output for form in _escaped(window)):
            return True
    return False


if __name__ == "__main__":
    docs = corpus()
    print(
        f"{len(POSITIVE_TEMPLATES)} positive and {len(NEGATIVE_TEMPLATES)} negative templates, {len(docs)} documents"
    )
