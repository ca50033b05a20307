"""An eighth labelled corpus for the redactor, written blind to its rules and to the other corpora (issue 15).

Its templates are excerpts of whole agent sessions as an outside checker would sample them: the tool
calls and results of a coding agent doing ordinary work (debugging a failing deploy, setting up CI,
migrating a database, rotating a leaked key, onboarding to a monorepo, writing integration tests
against a SaaS API, fixing a Docker build, bumping dependencies, configuring observability). Secrets
sit where they really leak in such work; at least half of the negatives are the hard negatives of the
same sessions (lockfile hashes, image digests, git output, source maps, base64 blobs, ids, public keys,
masked values, references, code that handles secrets without holding one).

Every value is drawn at run time from parts, so the file holds no secret-shaped string.
Placeholders are written ``«name»`` (``«name#2»`` for a second value of the same kind): a name in
``SECRETS`` plants a labelled secret, a name in ``PUBLIC`` a value that is no secret.

Run: ``uv run python bench/redact_corpus_eighth.py`` prints the counts per context and split.
"""

# ruff: noqa: E501, W293 - templates are realistic text (long lines, diff context lines of one space)
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

CONTEXTS = ("plain", "shell", "yaml", "source", "url", "json")

ALNUM = string.ascii_letters + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True)
class Document:
    text: str
    secrets: list[str]
    context: str
    kind: str
    split: str
    template: str


@dataclass(frozen=True)
class Template:
    context: str
    kind: str
    text: str
    numbered: str = ""  # "" | "arrow" (Read tool) | "tab" (cat -n)


# ---------------------------------------------------------------------------------------------
# value makers


def _r(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _armour(word: str, end: bool = False) -> str:
    return "-" * 5 + ("END " if end else "BEGIN ") + word + "-" * 5


_WORDS = [
    "amber",
    "basalt",
    "cobalt",
    "dune",
    "ember",
    "fjord",
    "garnet",
    "harbor",
    "indigo",
    "juniper",
    "kelp",
    "lagoon",
    "meadow",
    "nectar",
    "onyx",
    "prairie",
    "quartz",
    "raven",
    "sierra",
    "tundra",
    "umber",
    "violet",
    "willow",
    "zephyr",
]


def password(rng: random.Random) -> str:
    shape = rng.randrange(4)
    if shape == 0:
        return _r(rng, ALNUM, rng.randint(16, 24))
    if shape == 1:
        return _r(rng, ALNUM + "!#%^*-_", rng.randint(14, 20))
    if shape == 2:
        return f"{rng.choice(_WORDS).title()}{_r(rng, ALNUM, 6)}-{rng.choice(_WORDS)}{rng.randint(10, 99)}{rng.choice('!#%')}"
    return (
        _r(rng, string.ascii_lowercase, 5)
        + _r(rng, string.digits, 3)
        + _r(rng, string.ascii_uppercase, 4)
        + _r(rng, ALNUM, 6)
    )


def url_password(rng: random.Random) -> str:
    return _r(rng, ALNUM, rng.randint(16, 26))


def jwt(rng: random.Random, payload: dict | None = None, alg: str = "HS256") -> str:
    header = {"alg": alg, "typ": "JWT"}
    body = payload or {
        "sub": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "iat": 1767000000 + rng.randrange(10**6),
        "exp": 1799000000 + rng.randrange(10**6),
        "role": rng.choice(["authenticated", "service_role", "admin", "user"]),
    }
    sig = _b64url(rng.randbytes(256 if alg.startswith("RS") else 32))
    return f"{_b64url(json.dumps(header, separators=(',', ':')).encode())}.{_b64url(json.dumps(body, separators=(',', ':')).encode())}.{sig}"


def pem_body(rng: random.Random, size: int) -> list[str]:
    raw = _b64(bytes([0x30, 0x82]) + rng.randbytes(size))
    return [raw[i : i + 64] for i in range(0, len(raw), 64)]


def pem_block(rng: random.Random, word: str, size: int, indent: str = "", sep: str = "\n") -> tuple[str, str]:
    """A PEM block; returns (the block as written, its body as written: the secret)."""
    lines = pem_body(rng, size)
    body = (sep + indent).join(lines)
    return f"{_armour(word)}{sep}{indent}{body}{sep}{indent}{_armour(word, end=True)}", body


def openssh_block(rng: random.Random, indent: str = "", sep: str = "\n") -> tuple[str, str]:
    raw = _b64(b"openssh-key-v1\x00" + rng.randbytes(380))
    lines = [raw[i : i + 70] for i in range(0, len(raw), 70)]
    body = (sep + indent).join(lines)
    word = "OPENSSH PRIVATE" + " KEY"
    return f"{_armour(word)}{sep}{indent}{body}{sep}{indent}{_armour(word, end=True)}", body


def uuid4(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def ulid(rng: random.Random) -> str:
    return _r(rng, "01", 1) + _r(rng, CROCKFORD, 25)


def sha1(rng: random.Random) -> str:
    return _r(rng, HEX, 40)


def sha256(rng: random.Random) -> str:
    return _r(rng, HEX, 64)


# Secrets: each maker returns (text as written, secret substring) or the text (then it is the secret).
SecretMaker = Callable[[random.Random], "str | tuple[str, str]"]

SECRETS: dict[str, SecretMaker] = {
    "pw": password,
    "upw": url_password,
    "ghp": lambda r: "gh" + "p_" + _r(r, ALNUM, 36),
    "gho": lambda r: "gh" + "o_" + _r(r, ALNUM, 36),
    "ghs": lambda r: "gh" + "s_" + _r(r, ALNUM, 36),
    "ghfg": lambda r: "github" + "_pat_" + _r(r, UPPER_ALNUM, 22) + "_" + _r(r, ALNUM, 59),
    "glpat": lambda r: "gl" + "pat-" + _r(r, ALNUM + "-_", 20),
    "openai": lambda r: "sk-" + "proj-" + _r(r, B64URL, 58) + "T3Blbk" + "FJ" + _r(r, B64URL, 58),
    "anthropic": lambda r: "sk-" + "ant-" + "api03-" + _r(r, B64URL, 93) + "AA",
    "aws_secret": lambda r: _r(r, B64, 40),
    "aws_session": lambda r: "IQoJb3JpZ2luX2Vj" + _r(r, B64, 300),
    "stripe_sk": lambda r: "sk_" + "live_" + _r(r, ALNUM, 99),
    "stripe_rk": lambda r: "rk_" + "live_" + _r(r, ALNUM, 99),
    "stripe_test": lambda r: "sk_" + "test_" + "51" + _r(r, ALNUM, 97),
    "whsec": lambda r: "wh" + "sec_" + _r(r, ALNUM, 32),
    "slack_bot": lambda r: (
        "xo"
        + "xb-"
        + str(r.randrange(10**11, 10**12))
        + "-"
        + str(r.randrange(10**12, 10**13))
        + "-"
        + _r(r, ALNUM, 24)
    ),
    "slack_user": lambda r: (
        "xo"
        + "xp-"
        + str(r.randrange(10**11, 10**12))
        + "-"
        + str(r.randrange(10**11, 10**12))
        + "-"
        + str(r.randrange(10**12, 10**13))
        + "-"
        + _r(r, HEX, 32)
    ),
    "slack_hook_path": lambda r: (
        "T" + _r(r, UPPER_ALNUM, 10) + "/B" + _r(r, UPPER_ALNUM, 10) + "/" + _r(r, ALNUM, 24)
    ),
    "discord_hook_path": lambda r: str(r.randrange(10**17, 10**18)) + "/" + _r(r, B64URL, 68),
    "twilio_token": lambda r: _r(r, HEX, 32),
    "sendgrid": lambda r: "SG" + "." + _r(r, B64URL, 22) + "." + _r(r, B64URL, 43),
    "npm": lambda r: "np" + "m_" + _r(r, ALNUM, 36),
    "pypi": lambda r: "py" + "pi-" + "AgEIcHlwaS5vcmc" + _r(r, B64URL, 150),
    "gcp_key": lambda r: "AI" + "za" + _r(r, B64URL, 35),
    "google_secret": lambda r: "GOC" + "SPX-" + _r(r, B64URL, 28),
    "google_refresh": lambda r: "1//0" + _r(r, B64URL, 100),
    "google_access": lambda r: "ya" + "29." + _r(r, B64URL, 150),
    "azure_key": lambda r: _b64(r.randbytes(64)),
    "azure_secret": lambda r: _r(r, ALNUM, 3) + "8Q~" + _r(r, ALNUM + "~._-", 34),
    "sas_sig": lambda r: _b64(r.randbytes(32)).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D"),
    "jwt": jwt,
    "jwt_rs": lambda r: jwt(r, alg="RS256"),
    "hex32": lambda r: _r(r, HEX, 32),
    "hex40": lambda r: _r(r, HEX, 40),
    "hex64": lambda r: _r(r, HEX, 64),
    "hex128": lambda r: _r(r, HEX, 128),
    "b64_32": lambda r: _b64(r.randbytes(32)),
    "b64_48": lambda r: _b64(r.randbytes(48)),
    "opaque": lambda r: _r(r, ALNUM, 40),
    "heroku": uuid4,  # Heroku API keys, Cypress record keys and Vault AppRole secret ids are shaped like UUIDs
    "sentry_token": lambda r: "sntr" + "ys_" + _b64url(r.randbytes(120)),
    "dd_api": lambda r: _r(r, HEX, 32),
    "dd_app": lambda r: _r(r, HEX, 40),
    "nr_license": lambda r: _r(r, HEX, 36) + "NR" + "AL",
    "nr_user": lambda r: "NR" + "AK-" + _r(r, UPPER_ALNUM, 27),
    "grafana_sa": lambda r: "gl" + "sa_" + _r(r, ALNUM, 32) + "_" + _r(r, HEX, 8),
    "grafana_cloud": lambda r: (
        "gl"
        + "c_"
        + _b64(
            json.dumps(
                {
                    "o": str(r.randrange(10**5, 10**6)),
                    "n": "stack-" + str(r.randrange(10**5, 10**6)) + "-hm-write",
                    "k": _r(r, ALNUM, 24),
                    "m": {"r": "prod-us-east-0"},
                }
            ).encode()
        ).rstrip("=")
    ),
    "honeycomb": lambda r: "hc" + "aik_" + _r(r, LOWER_ALNUM, 58),
    "vault": lambda r: "hv" + "s." + _r(r, B64URL, 90),
    "tfc": lambda r: _r(r, ALNUM, 14) + ".atlas" + "v1." + _r(r, ALNUM, 67),
    "doppler": lambda r: "dp" + ".st." + "prd." + _r(r, ALNUM, 43),
    "linear": lambda r: "lin" + "_api_" + _r(r, ALNUM, 40),
    "notion": lambda r: "nt" + "n_" + _r(r, ALNUM, 46),
    "airtable": lambda r: "pat" + _r(r, ALNUM, 14) + "." + _r(r, HEX, 64),
    "shopify": lambda r: "shp" + "at_" + _r(r, HEX, 32),
    "mailgun": lambda r: "key" + "-" + _r(r, HEX, 32),
    "cloudflare": lambda r: _r(r, ALNUM + "_-", 40),
    "digitalocean": lambda r: "dop" + "_v1_" + _r(r, HEX, 64),
    "vercel": lambda r: _r(r, ALNUM, 24),
    "netlify": lambda r: "nf" + "p_" + _r(r, ALNUM, 36),
    "pulumi": lambda r: "pul" + "-" + _r(r, HEX, 40),
    "buildkite": lambda r: "bk" + "ua_" + _r(r, HEX, 40),
    "dockerhub": lambda r: "dckr" + "_pat_" + _r(r, B64URL, 27),
    "hf": lambda r: "h" + "f_" + _r(r, ALNUM, 34),
    "replicate": lambda r: "r8" + "_" + _r(r, ALNUM, 37),
    "groq": lambda r: "gs" + "k_" + _r(r, ALNUM, 52),
    "openrouter": lambda r: "sk-" + "or-v1-" + _r(r, HEX, 64),
    "atlassian": lambda r: "ATATT" + "3xFfGF0" + _r(r, B64URL, 170) + "=" + _r(r, HEX.upper(), 8),
    "okta": lambda r: "00" + _r(r, B64URL, 40),
    "auth0_secret": lambda r: _r(r, B64URL, 64),
    "posthog_personal": lambda r: "ph" + "x_" + _r(r, ALNUM, 47),
    "sonar": lambda r: "sq" + "u_" + _r(r, HEX, 40),
    "rubygems": lambda r: "ruby" + "gems_" + _r(r, HEX, 48),
    "cargo": lambda r: "cio" + _r(r, ALNUM, 32),
    "launchdarkly": lambda r: "sdk-" + uuid4(r),
    "fernet": lambda r: _b64url(r.randbytes(32)) + "=",
    "django": lambda r: (
        "django-" + "insecure-" + _r(r, string.ascii_lowercase + string.digits + "!@#$%^&*(-_=+)", 50)
    ),
    "rails_base": lambda r: _r(r, HEX, 128),
    "laravel": lambda r: "base64:" + _b64(r.randbytes(32)),
    "session_rails": lambda r: _b64(r.randbytes(180)).replace("=", "%3D") + "--" + _r(r, HEX, 40),
    "session_express": lambda r: (
        "s%3A"
        + _r(r, B64URL, 32)
        + "."
        + _b64(r.randbytes(32)).rstrip("=").replace("+", "%2B").replace("/", "%2F")
    ),
    "session_django": lambda r: _r(r, LOWER_ALNUM, 32),
    "mcp_bearer": lambda r: _r(r, ALNUM, 48),
    "age_key": lambda r: "AGE-SECRET-" + "KEY-1" + _r(r, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58),
    "wg_private": lambda r: _b64(r.randbytes(32)),
    "rsa_pem": lambda r: pem_block(r, "RSA PRIVATE" + " KEY", 1190),
    "rsa_pem_yaml4": lambda r: pem_block(r, "RSA PRIVATE" + " KEY", 1190, indent="    "),
    "ec_pem": lambda r: pem_block(r, "EC PRIVATE" + " KEY", 119),
    "pkcs8_json": lambda r: pem_block(r, "PRIVATE" + " KEY", 1214, sep="\\n"),
    "pkcs8": lambda r: pem_block(r, "PRIVATE" + " KEY", 1214),
    "pkcs8_yaml6": lambda r: pem_block(r, "PRIVATE" + " KEY", 1214, indent="      "),
    "openssh": openssh_block,
    "openssh_yaml10": lambda r: openssh_block(r, indent="          "),
    "pgp_priv": lambda r: pem_block(r, "PGP PRIVATE" + " KEY BLOCK", 2400),
    "langsmith": lambda r: "lsv2" + "_pt_" + _r(r, HEX, 32) + "_" + _r(r, HEX, 10),
    "putty_priv": lambda r: "AAAAI" + _b64(r.randbytes(33)),
    "jupyter": lambda r: _r(r, HEX, 48),
    "ngrok": lambda r: "2" + _r(r, ALNUM, 26) + "_" + _r(r, ALNUM, 21),
    "tailscale": lambda r: "tskey" + "-auth-" + _r(r, ALNUM, 17) + "-" + _r(r, ALNUM, 33),
    "influx": lambda r: _b64url(r.randbytes(64)) + "==",
    "wp_salt": lambda r: _r(r, ALNUM + "!#%&()*+,-.:;<=>?@[]^_{|}~", 64),
    "rsa_pem_py": lambda r: pem_block(r, "RSA PRIVATE" + " KEY", 1190),
    "ec_pem_go": lambda r: pem_block(r, "EC PRIVATE" + " KEY", 119),
    "pw_pct": lambda r: (
        _r(r, ALNUM, 8)
        + r.choice(["%40", "%23", "%21", "%24"])
        + _r(r, ALNUM, 8)
        + r.choice(["%2F", "%3A", "%25"])
        + _r(r, ALNUM, 4)
    ),
    "telegram": lambda r: str(r.randrange(10**9, 10**10)) + ":AA" + _r(r, B64URL, 33),
    "neon_pw": lambda r: "npg" + "_" + _r(r, ALNUM, 12),
    "pscale_pw": lambda r: "pscale" + "_pw_" + _r(r, ALNUM, 43),
    "glptt": lambda r: "glp" + "tt-" + _r(r, HEX, 40),
    "fb_token": lambda r: "EAA" + "B" + _r(r, ALNUM, 180),
    "sig43": lambda r: _b64url(r.randbytes(32)),
    "amz_sig": lambda r: _r(r, HEX, 64),
    "goog_sig": lambda r: _r(r, HEX, 512),
    "reset_token": lambda r: _r(r, B64URL, 43),
    "claude_oat": lambda r: "sk-" + "ant-" + "oat01-" + _r(r, B64URL, 93) + "AA",
    "claude_ort": lambda r: "sk-" + "ant-" + "ort01-" + _r(r, B64URL, 93) + "AA",
    "ghu": lambda r: "gh" + "u_" + _r(r, ALNUM, 36),
    "brave": lambda r: "BSA" + _r(r, ALNUM + "-_", 28),
    "jwk_d": lambda r: _b64url(r.randbytes(32)),
    "pem_b64": lambda r: _b64(pem_block(r, "RSA PRIVATE" + " KEY", 1190)[0].encode() + b"\n"),
}

# Derived secrets that depend on a user name: base64 of user:password, the basic-auth header value.
USERS = ["deploy", "ci-bot", "admin", "svc_reporting", "jenkins", "app", "registry-user", "grafana"]

PUBLIC: dict[str, Callable[[random.Random], str]] = {
    "uuid": uuid4,
    "uuid_b": uuid4,
    "ulid": ulid,
    "sha": sha1,
    "short": lambda r: _r(r, HEX, 7),
    "sha256": sha256,
    "sri512": lambda r: "sha512-" + _b64(r.randbytes(64)),
    "sri384": lambda r: "sha384-" + _b64(r.randbytes(48)),
    "sri256": lambda r: "sha256-" + _b64(r.randbytes(32)),
    "sha1b64": lambda r: "sha1-" + _b64(r.randbytes(20)),
    "gosum": lambda r: "h1:" + _b64(r.randbytes(32)),
    "nonce": lambda r: _b64(r.randbytes(16)),
    "akid": lambda r: "AK" + "IA" + _r(r, UPPER_ALNUM, 16),
    "asia": lambda r: "AS" + "IA" + _r(r, UPPER_ALNUM, 16),
    "account": lambda r: str(r.randrange(10**11, 10**12)),
    "twilio_sid": lambda r: "AC" + _r(r, HEX, 32),
    "google_client": lambda r: (
        str(r.randrange(10**11, 10**12)) + "-" + _r(r, LOWER_ALNUM, 32) + ".apps.googleusercontent.com"
    ),
    "gh_client": lambda r: "Iv1." + _r(r, HEX, 16),
    "pk_live": lambda r: "pk_" + "live_" + _r(r, ALNUM, 99),
    "posthog_project": lambda r: "ph" + "c_" + _r(r, ALNUM, 43),
    "trace": lambda r: _r(r, HEX, 32),
    "span": lambda r: _r(r, HEX, 16),
    "reqid": lambda r: _r(r, UPPER_ALNUM, 20),
    "amzn_trace": lambda r: f"Root=1-{_r(r, HEX, 8)}-{_r(r, HEX, 24)}",
    "ec2": lambda r: "i-" + _r(r, HEX, 17),
    "sg": lambda r: "sg-" + _r(r, HEX, 17),
    "vpc": lambda r: "vpc-" + _r(r, HEX, 17),
    "subnet": lambda r: "subnet-" + _r(r, HEX, 17),
    "ami": lambda r: "ami-" + _r(r, HEX, 17),
    "rv": lambda r: str(r.randrange(10**6, 10**9)),
    "pod": lambda r: _r(r, "bcdfghjklmnpqrstvwxz2456789", 10) + "-" + _r(r, "bcdfghjklmnpqrstvwxz2456789", 5),
    "ed25519_pub": lambda r: "AAAAC3NzaC1lZDI1NTE5AAAAI" + _b64(r.randbytes(32))[:43],
    "rsa_pub": lambda r: "AAAAB3NzaC1yc2EAAAADAQABAAABgQ" + _b64(r.randbytes(384))[:512],
    "ecdsa_pub": lambda r: (
        "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBB" + _b64(r.randbytes(64))[:86] + "="
    ),
    "fp": lambda r: "SHA256:" + _b64(r.randbytes(32)).rstrip("="),
    "md5fp": lambda r: ":".join(_r(r, HEX, 2) for _ in range(16)),
    "pub_pem": lambda r: pem_block(r, "PUBLIC" + " KEY", 290)[0],
    "cert_pem": lambda r: pem_block(r, "CERTIFICATE", 1100)[0],
    "cert_pem_yaml4": lambda r: pem_block(r, "CERTIFICATE", 1100, indent="    ")[0],
    "png": lambda r: "iVBORw0KGgoAAAANSUhEUgAA" + _b64(r.randbytes(330)),
    "woff2": lambda r: "d09GMgABAAAA" + _b64(r.randbytes(600)),
    "gzip": lambda r: "H4sIAAAAAAAA" + _b64(r.randbytes(240)),
    "proto": lambda r: "CiQ" + _b64(r.randbytes(90)),
    "vlq": lambda r: ";".join(
        ",".join(_r(r, "ACEGIKMOQSUWYacegikmoqsuwy", r.randint(4, 6)) for _ in range(r.randint(3, 8)))
        for _ in range(12)
    ),
    "minvar": lambda r: _r(r, string.ascii_letters, 1) + _r(r, ALNUM, 1),
    "vault_hex": lambda r: "\n".join(_r(r, HEX, 80) for _ in range(5)),
    "vault_hex10": lambda r: "\n          ".join(_r(r, HEX, 80) for _ in range(5)),
    "sops_data": lambda r: _b64(r.randbytes(r.randint(18, 40))),
    "sops_iv": lambda r: _b64(r.randbytes(32)),
    "sops_tag": lambda r: _b64(r.randbytes(16)),
    "sealed": lambda r: "AgB" + _b64(r.randbytes(520)),
    "k8s_b64_user": lambda r: _b64(r.choice(USERS).encode()),
    "digest": lambda r: "sha256:" + sha256(r),
    "etag": lambda r: '"' + _r(r, HEX, 32) + '"',
    "int": lambda r: str(r.randrange(1000, 99999)),
    "port": lambda r: str(r.choice([5432, 6379, 3306, 8080, 9090, 27017])),
    "ts": lambda r: (
        f"2026-0{r.randint(1, 9)}-{r.randint(10, 28)}T{r.randint(10, 23)}:{r.randint(10, 59)}:{r.randint(10, 59)}Z"
    ),
    "epoch": lambda r: str(1767000000 + r.randrange(10**7)),
    "ver": lambda r: f"{r.randint(1, 9)}.{r.randint(0, 30)}.{r.randint(0, 20)}",
    "user": lambda r: r.choice(USERS),
    "last4": lambda r: _r(r, LOWER_ALNUM, 4),
    "span_id": lambda r: _r(r, HEX, 16),
    "ksuid": lambda r: _r(r, ALNUM, 27),
    "stripe_obj": lambda r: _r(r, ALNUM, 24),
    "arn_suffix": lambda r: _r(r, ALNUM, 6),
    "build": lambda r: str(r.randrange(1000, 99999)),
    "example_akid": lambda r: "AK" + "IA" + "IOSFODNN7" + "EXAMPLE",
    "example_aws_secret": lambda r: "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXAMPLEKEY",
    "jwtio_example": lambda r: (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        + "."
        + "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
        + "."
        + "SflKxwRJSMeKKF2QT4fw"
        + "pMeJf36POk6yJV_adQssw5c"
    ),
    "unsigned_jwt": lambda r: (
        _b64url(b'{"alg":"none","typ":"JWT"}')
        + "."
        + _b64url(
            json.dumps(
                {"sub": "user-" + str(r.randrange(1000)), "name": "Test User", "iat": 1700000000}
            ).encode()
        )
        + "."
    ),
    "wg_pub": lambda r: _b64(r.randbytes(32)),
    "b64_public_line": lambda r: (
        "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSB" + "\n".join(_b64(r.randbytes(48)) for _ in range(4))
    ),
    "pgp_pub": lambda r: pem_block(r, "PGP PUBLIC" + " KEY BLOCK", 1200)[0],
    "b64_48pub": lambda r: _b64(r.randbytes(48)),
    "b64_64pub": lambda r: _b64(r.randbytes(64)),
    "cert_b64": lambda r: _b64(pem_block(r, "CERTIFICATE", 1100)[0].encode() + b"\n"),
    "cursor": lambda r: _b64url(
        json.dumps(
            {"id": r.randrange(10**6), "created_at": "2026-02-0" + str(r.randint(1, 9)) + "T10:00:00Z"}
        ).encode()
    ),
    "gclid": lambda r: "Cj0KCQ" + _r(r, B64URL, 80),
    "cid": lambda r: "bafy" + _r(r, "abcdefghijklmnopqrstuvwxyz234567", 55),
    "run_id": lambda r: str(r.randrange(10**10, 10**11)),
    "jwk_x": lambda r: _b64url(r.randbytes(32)),
    "jwk_n": lambda r: _b64url(r.randbytes(256)),
    "pgp_sig": lambda r: pem_block(r, "PGP SIGNATURE", 110, sep="\\n")[0],
    "chatcmpl": lambda r: "chatcmpl-" + _r(r, ALNUM, 29),
    "msg_id": lambda r: "msg_01" + _r(r, ALNUM, 22),
    "b64_32pub": lambda r: _b64(r.randbytes(32)),
    "b64url43": lambda r: _b64url(r.randbytes(32)),
    "csrf": lambda r: _r(r, ALNUM, 32),
    "csrf_masked": lambda r: "•" * 8,
}

# Derived placeholders computed from the user and a fresh password: «basic» (base64 user:pw) and «k8spw» (base64 pw).
_DERIVED = {"basic", "k8spw", "dockerauth"}

_PLACEHOLDER = re.compile(r"«([a-z0-9_]+)(#\d+)?»")


def _instantiate(template: Template, rng: random.Random) -> tuple[str, list[str]]:
    values: dict[str, str] = {}
    secrets: list[str] = []
    user = rng.choice(USERS)

    def fill(match: re.Match[str]) -> str:
        name, tag = match.group(1), match.group(2) or ""
        key = name + tag
        if key in values:
            return values[key]
        if name == "user":
            value = user
        elif name in _DERIVED:
            pw = url_password(rng)
            if name == "basic":
                value = _b64(f"{user}:{pw}".encode())
            elif name == "dockerauth":
                value = _b64(f"{user}:{'dckr' + '_pat_' + _r(rng, B64URL, 27)}".encode())
            else:
                value = _b64(pw.encode())
            secrets.append(value)
        elif name in SECRETS:
            made = SECRETS[name](rng)
            value, secret = made if isinstance(made, tuple) else (made, made)
            secrets.append(secret)
        elif name in PUBLIC:
            value = PUBLIC[name](rng)
        else:
            raise KeyError(f"unknown placeholder «{name}» in template {template.text[:60]!r}")
        values[key] = value
        return value

    text = _PLACEHOLDER.sub(fill, template.text)
    if template.numbered:
        text, secrets = _number(
            text, secrets, "→" if template.numbered == "arrow" else "\t", rng.randint(1, 40)
        )
    return text, secrets


def _number(text: str, secrets: list[str], mark: str, first: int) -> tuple[str, list[str]]:
    """Line numbers as the Read tool (arrow) or ``cat -n`` (tab) print them; secrets follow their text."""
    lines = text.split("\n")
    prefixes = [f"{first + i:>6}{mark}" for i in range(len(lines))]
    numbered = "\n".join(p + line for p, line in zip(prefixes, lines, strict=True))

    def moved(offset: int) -> int:
        line = text.count("\n", 0, offset)
        return offset + sum(len(p) for p in prefixes[: line + 1])

    out = []
    for secret in secrets:
        at = text.find(secret)
        out.append(numbered[moved(at) : moved(at + len(secret) - 1) + 1] if at >= 0 else secret)
    return numbered, out


# ---------------------------------------------------------------------------------------------
# agent-log envelopes (context "json")


def _envelope(text: str, rng: random.Random, which: int) -> str:
    def toolu() -> str:
        return "toolu_01" + _r(rng, ALNUM, 22)

    session = uuid4(rng)
    if which == 0:  # Claude Code --output-format stream-json
        return json.dumps(
            {
                "type": "user",
                "message": {
                    "role": "user",
                    "content": [{"tool_use_id": toolu(), "type": "tool_result", "content": text}],
                },
                "parent_tool_use_id": None,
                "session_id": session,
            }
        )
    if which == 1:  # a line of a Claude Code transcript (~/.claude/projects/*/<session>.jsonl)
        return json.dumps(
            {
                "parentUuid": uuid4(rng),
                "isSidechain": False,
                "userType": "external",
                "cwd": "/home/dev/src/" + rng.choice(["shop-api", "platform", "web", "infra", "billing"]),
                "sessionId": session,
                "version": f"2.0.{rng.randint(10, 60)}",
                "gitBranch": rng.choice(["main", "fix/deploy", "chore/deps", "feat/ci"]),
                "type": "user",
                "message": {
                    "role": "user",
                    "content": [
                        {"tool_use_id": toolu(), "type": "tool_result", "content": text, "is_error": False}
                    ],
                },
                "uuid": uuid4(rng),
                "timestamp": PUBLIC["ts"](rng).replace("Z", f".{rng.randint(100, 999)}Z"),
            }
        )
    if which == 2:  # Codex rollout: function_call_output whose output is itself a JSON string
        inner = json.dumps(
            {
                "output": text,
                "metadata": {
                    "exit_code": rng.choice([0, 0, 1]),
                    "duration_seconds": round(rng.random() * 3, 1),
                },
            }
        )
        return json.dumps(
            {
                "timestamp": PUBLIC["ts"](rng).replace("Z", f".{rng.randint(100, 999)}Z"),
                "type": "response_item",
                "payload": {
                    "type": "function_call_output",
                    "call_id": "call_" + _r(rng, ALNUM, 24),
                    "output": inner,
                },
            }
        )
    if which == 3:  # codex exec --json
        return json.dumps(
            {
                "type": "item.completed",
                "item": {
                    "id": f"item_{rng.randint(1, 40)}",
                    "type": "command_execution",
                    "command": "bash -lc "
                    + rng.choice(["'cat config'", "'make test'", "'git status'", "'./deploy.sh'"]),
                    "aggregated_output": text,
                    "exit_code": rng.choice([0, 1]),
                    "status": "completed",
                },
            }
        )
    # an MCP tools/call text result
    return json.dumps(
        {
            "jsonrpc": "2.0",
            "id": rng.randint(1, 300),
            "result": {"content": [{"type": "text", "text": text}], "isError": False},
        }
    )


# ---------------------------------------------------------------------------------------------
# corpus


def _split(template: Template) -> str:
    return "holdout" if int(hashlib.sha256(template.text.encode()).hexdigest(), 16) % 3 == 0 else "dev"


def corpus(seed: int = 67, copies: int = 6) -> list[Document]:
    """Every template ``copies`` times in its own context and ``copies`` times inside agent-log lines."""
    rng = random.Random(seed)
    documents = []
    for template in TEMPLATES:
        split = _split(template)
        for _ in range(copies):
            text, secrets = _instantiate(template, rng)
            documents.append(Document(text, secrets, template.context, template.kind, split, template.text))
        for i in range(copies):
            text, secrets = _instantiate(template, rng)
            documents.append(
                Document(_envelope(text, rng, i % 5), secrets, "json", template.kind, split, template.text)
            )
    return documents


def leaked(secret: str, output: str) -> bool:
    """True if at least half of the secret (any run of len//2 characters) survives, raw or JSON-escaped once or twice."""
    once = json.dumps(secret)[1:-1]
    for form in {secret, once, json.dumps(once)[1:-1]}:
        n = max(1, len(form) // 2)
        if any(form[i : i + n] in output for i in range(len(form) - n + 1)):
            return True
    return False


def _t(context: str, kind: str, text: str, numbered: str = "") -> Template:
    return Template(context, kind, text.strip("\n"), numbered)


TEMPLATES: list[Template] = []

# =============================================================================================
# plain: files the agent read (.env, ini, properties, key files), logs, errors, chat and replies
# =============================================================================================

TEMPLATES += [
    _t(
        "plain",
        ".env read with line numbers (debugging a failing deploy)",
        """
# Local development settings. Copy to .env and fill in.
NODE_ENV=development
PORT=3000
DATABASE_URL=postgres://app:«upw»@localhost:5432/shop_dev
REDIS_URL=redis://localhost:6379/0
STRIPE_SECRET_KEY=«stripe_sk»
STRIPE_PUBLISHABLE_KEY=«pk_live»
SESSION_SECRET=«hex64»
""",
        numbered="arrow",
    ),
    _t(
        "plain",
        "user pastes a new OpenAI key into chat",
        """
ok the old key got revoked after the leak. new one is «openai» — can you put it in the Vercel env for preview + prod and redeploy?
""",
    ),
    _t(
        "plain",
        "user gives staging db password in chat",
        """
The staging migration keeps failing on auth. Creds for staging are user `app_rw`, password `«pw»`, host staging-db.internal. Try running the migration with those.
""",
    ),
    _t(
        "plain",
        "agent reply quoting the key it wrote to .env.local",
        """
Done. I added the key to `.env.local`:

```
ANTHROPIC_API_KEY=«anthropic»
```

and restarted `npm run dev`; the `/api/summarize` route now returns 200.
""",
    ),
    _t(
        "plain",
        "Spring application.properties read with line numbers",
        """
spring.application.name=orders-service
server.port=8081
spring.datasource.url=jdbc:postgresql://orders-db:5432/orders
spring.datasource.username=orders
spring.datasource.password=«pw»
spring.jpa.hibernate.ddl-auto=validate
management.endpoints.web.exposure.include=health,info,prometheus
""",
        numbered="arrow",
    ),
    _t(
        "plain",
        "Laravel .env read with cat -n",
        """
APP_NAME=Billing
APP_ENV=production
APP_KEY=«laravel»
APP_DEBUG=false
APP_URL=https://billing.example.com

DB_CONNECTION=mysql
DB_HOST=127.0.0.1
DB_PORT=3306
DB_DATABASE=billing
DB_USERNAME=billing
DB_PASSWORD=«pw»

MAIL_MAILER=smtp
MAIL_HOST=smtp.mailgun.org
MAIL_USERNAME=postmaster@mg.example.com
MAIL_PASSWORD=«pw#2»
""",
        numbered="tab",
    ),
    _t(
        "plain",
        ".netrc read while debugging heroku CLI",
        """
machine api.heroku.com
  login dev@example.com
  password «heroku»
machine git.heroku.com
  login dev@example.com
  password «heroku»
""",
    ),
    _t(
        "plain",
        ".pgpass read during database migration",
        """
# hostname:port:database:username:password
localhost:5432:*:postgres:«pw»
prod-db.cluster-c9x.eu-west-1.rds.amazonaws.com:5432:shop:migrator:«pw#2»
""",
    ),
    _t(
        "plain",
        ".npmrc with auth token read while fixing npm publish",
        """
registry=https://registry.npmjs.org/
//registry.npmjs.org/:_authToken=«npm»
@acme:registry=https://npm.pkg.github.com
//npm.pkg.github.com/:_authToken=«ghp»
always-auth=true
""",
    ),
    _t(
        "plain",
        ".pypirc read while setting up release CI",
        """
[distutils]
index-servers =
    pypi
    testpypi

[pypi]
username = __token__
password = «pypi»

[testpypi]
repository = https://test.pypi.org/legacy/
username = __token__
password = «pypi#2»
""",
    ),
    _t(
        "plain",
        "gradle.properties with signing and Sonatype passwords",
        """
org.gradle.jvmargs=-Xmx2g
kotlin.code.style=official
ossrhUsername=acme-release
ossrhPassword=«pw»
signing.keyId=7A3F19C2
signing.password=«pw#2»
signing.secretKeyRingFile=/home/ci/.gnupg/secring.gpg
""",
    ),
    _t(
        "plain",
        "~/.aws/credentials read while debugging an assume-role failure",
        """
[default]
aws_access_key_id = «akid»
aws_secret_access_key = «aws_secret»
region = eu-west-1

[deploy]
role_arn = arn:aws:iam::«account»:role/deploy
source_profile = default
""",
        numbered="arrow",
    ),
    _t(
        "plain",
        "terraform.tfvars read before plan",
        """
project_id           = "acme-prod-3141"
region               = "europe-west1"
cloudflare_api_token = "«cloudflare»"
datadog_api_key      = "«dd_api»"
datadog_app_key      = "«dd_app»"
db_tier              = "db-custom-2-7680"
""",
    ),
    _t(
        "plain",
        "user asks how to purge a committed Slack bot token",
        """
I accidentally committed our Slack bot token («slack_bot») in scripts/notify.sh two commits ago and already pushed. How do I get it out of the history? Is rotating enough?
""",
    ),
    _t(
        "plain",
        "PuTTY .ppk key file read",
        """
PuTTY-User-Key-File-3: ssh-ed25519
Encryption: none
Comment: ed25519-key-20260114
Public-Lines: 2
«ed25519_pub»
Private-Lines: 1
«putty_priv»
Private-MAC: «sha256»
""",
    ),
    _t(
        "plain",
        "PGP private key export found in repo",
        """
$ cat release-signing.asc
«pgp_priv»
""",
    ),
    _t(
        "plain",
        "WireGuard config read while debugging VPN to staging",
        """
[Interface]
PrivateKey = «wg_private»
Address = 10.8.0.14/32
DNS = 10.8.0.1

[Peer]
PublicKey = «wg_pub»
Endpoint = vpn.staging.example.com:51820
AllowedIPs = 10.8.0.0/16
PersistentKeepalive = 25
""",
    ),
    _t(
        "plain",
        "age identity file read for sops",
        """
# created: 2026-01-09T10:22:41+01:00
# public key: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
«age_key»
""",
    ),
    _t(
        "plain",
        ".sentryclirc read while wiring source-map upload",
        """
[defaults]
org = acme
project = web-frontend

[auth]
token=«sentry_token»
""",
    ),
    _t(
        "plain",
        "LangChain .env read while onboarding",
        """
OPENAI_API_KEY=«openai»
LANGCHAIN_TRACING_V2=true
LANGCHAIN_ENDPOINT=https://api.smith.langchain.com
LANGCHAIN_API_KEY=«langsmith»
LANGCHAIN_PROJECT=support-bot
""",
        numbered="arrow",
    ),
    _t(
        "plain",
        "axios error dumped with request config",
        """
AxiosError: Request failed with status code 502
    at settle (/app/node_modules/axios/lib/core/settle.js:19:12)
    at IncomingMessage.handleStreamEnd (/app/node_modules/axios/lib/adapters/http.js:599:11) {
  code: 'ERR_BAD_RESPONSE',
  config: {
    method: 'post',
    url: 'https://api.partner.example.com/v2/orders',
    headers: AxiosHeaders {
      Accept: 'application/json, text/plain, */*',
      'Content-Type': 'application/json',
      Authorization: 'Bearer «opaque»',
      'User-Agent': 'axios/1.7.9'
    },
    timeout: 10000
  }
}
""",
    ),
    _t(
        "plain",
        "Go service logs its libpq DSN at start-up",
        """
2026/03/01 12:00:01 starting billing-worker version=«ver» commit=«short»
2026/03/01 12:00:01 connecting with dsn "host=pg-primary port=5432 user=billing password=«pw» dbname=billing sslmode=require"
2026/03/01 12:00:04 failed to connect: dial tcp 10.0.4.12:5432: i/o timeout
""",
    ),
    _t(
        "plain",
        "user hands over a GitLab token for API calls",
        """
use this token for the GitLab API calls, it has read_api + read_repository: «glpat»
project id is 4821337
""",
    ),
    _t(
        "plain",
        "config/master.key read while debugging credentials decryption",
        """
«hex32»
""",
        numbered="arrow",
    ),
    _t(
        "plain",
        "SMTP debug AUTH LOGIN exchange in a mailer log",
        """
send: 'ehlo worker-3.internal\\r\\n'
reply: b'250-smtp.sendgrid.net\\r\\n'
reply: b'250 AUTH PLAIN LOGIN\\r\\n'
send: 'AUTH LOGIN «k8s_b64_user»\\r\\n'
reply: b'334 UGFzc3dvcmQ6\\r\\n'
send: '«k8spw»\\r\\n'
reply: retcode (535); Msg: b'Authentication failed: Bad username / password'
""",
    ),
    _t(
        "plain",
        "Vault dev server banner in docker compose logs",
        """
vault-1  | WARNING! dev mode is enabled! In this mode, Vault runs entirely in-memory
vault-1  | and starts unsealed with a single unseal key. The root token is already
vault-1  | authenticated to the CLI, so you can immediately begin using Vault.
vault-1  |
vault-1  | Unseal Key: «b64_32»
vault-1  | Root Token: «vault»
vault-1  |
vault-1  | Development mode should NOT be used in production installations!
""",
    ),
    _t(
        "plain",
        "agent's markdown summary table of env vars it found",
        """
Here is what the service needs at runtime (values taken from the current `.env.staging`):

| Variable | Value |
|---|---|
| `DATABASE_HOST` | `staging-db.internal` |
| `DATABASE_PASSWORD` | `«pw»` |
| `SENDGRID_API_KEY` | `«sendgrid»` |
| `LOG_LEVEL` | `debug` |
""",
    ),
    _t(
        "plain",
        "supervisord program environment line",
        """
[program:web]
command=/srv/app/.venv/bin/gunicorn shop.wsgi:application -b 127.0.0.1:8000 -w 4
directory=/srv/app
user=www-data
environment=DJANGO_SETTINGS_MODULE="shop.settings.prod",DJANGO_SECRET_KEY="«django»",DATABASE_PASSWORD="«pw»"
autostart=true
""",
    ),
    _t(
        "plain",
        "cargo credentials.toml read",
        """
[registry]
token = "«cargo»"

[registries.internal]
token = "Bearer «opaque»"
""",
    ),
    _t(
        "plain",
        "rclone.conf read while fixing a backup job",
        """
[b2-backups]
type = b2
account = 0024a1f9e8c3d5e0000000003
key = K002«opaque»

[s3-archive]
type = s3
provider = AWS
access_key_id = «akid»
secret_access_key = «aws_secret»
region = eu-central-1
""",
    ),
    _t(
        "plain",
        "my.cnf client section read",
        """
[client]
user=root
password=«pw»
host=127.0.0.1

[mysqld]
innodb_buffer_pool_size=1G
""",
    ),
    _t(
        "plain",
        "redis.conf with requirepass and masterauth",
        """
bind 0.0.0.0
protected-mode yes
port 6379
requirepass «pw»
masterauth «pw»
maxmemory 512mb
maxmemory-policy allkeys-lru
""",
        numbered="tab",
    ),
    _t(
        "plain",
        "openvpn auth file read",
        """
$ cat /etc/openvpn/client/auth.txt
deploy-bot
«pw»
""",
    ),
    _t(
        "plain",
        "git diff of .env being removed after a leak",
        """
diff --git a/.env b/.env
deleted file mode 100644
index «short»..0000000
--- a/.env
+++ /dev/null
@@ -1,4 +0,0 @@
-TWILIO_ACCOUNT_SID=«twilio_sid»
-TWILIO_AUTH_TOKEN=«twilio_token»
-TWILIO_FROM=+15005550006
-SENTRY_ENVIRONMENT=production
""",
    ),
    _t(
        "plain",
        "Rails credentials shown decrypted by bin/rails credentials:show",
        """
secret_key_base: «rails_base»
aws:
  access_key_id: «akid»
  secret_access_key: «aws_secret»
stripe:
  secret_key: «stripe_sk»
""",
    ),
    _t(
        "plain",
        "user pastes a Hugging Face token to download a gated model",
        """
the model is gated, here's my HF token: «hf»
pull meta-llama/Llama-3.1-8B-Instruct into ./models and run the eval script
""",
    ),
    _t(
        "plain",
        "application log prints the full settings on boot",
        """
2026-02-11 08:03:12,551 INFO  [main] c.a.payments.Boot - effective config: {env=prod, region=eu-west-1, db.url=jdbc:postgresql://payments-db:5432/payments, db.user=payments, db.password=«pw», http.timeout=30s}
2026-02-11 08:03:12,902 INFO  [main] c.a.payments.Boot - started in 1.93s
""",
    ),
    _t(
        "plain",
        "Vercel CLI token in a crash report the agent reads",
        """
Error: An unexpected error occurred in pull: Error: Request failed
  Vercel CLI 39.1.2
  > argv: ["node","/usr/local/bin/vercel","pull","--yes","--environment=preview","--token","«vercel»"]
  > cwd: /home/runner/work/web/web
""",
    ),
    _t(
        "plain",
        "user pastes a Datadog key pair for setting up observability",
        """
Here are the Datadog keys for the new org — API key «dd_api» and application key «dd_app». Site is datadoghq.eu.
""",
    ),
    _t(
        "plain",
        "agent reply after reading a leaked Stripe restricted key",
        """
I found the problem: `scripts/backfill_refunds.py` hard-codes a restricted key, `«stripe_rk»`, which was rolled yesterday, so every call gets a 401. I switched the script to read `STRIPE_API_KEY` from the environment; please also remove this key from the Stripe dashboard since it is in git history.
""",
    ),
    _t(
        "plain",
        "s3cfg read while fixing a backup cron",
        """
[default]
access_key = «akid»
secret_key = «aws_secret»
host_base = s3.eu-west-1.amazonaws.com
host_bucket = %(bucket)s.s3.eu-west-1.amazonaws.com
use_https = True
""",
    ),
    _t(
        "plain",
        "ini file for a Flask app read with line numbers",
        """
[app]
debug = false
secret_key = «hex64»

[mail]
server = smtp.office365.com
port = 587
username = noreply@example.com
password = «pw»
""",
        numbered="arrow",
    ),
    _t(
        "plain",
        "Java keystore passwords in a properties file",
        """
server.ssl.enabled=true
server.ssl.key-store=classpath:keystore.p12
server.ssl.key-store-type=PKCS12
server.ssl.key-store-password=«pw»
server.ssl.key-alias=tomcat
""",
    ),
    _t(
        "plain",
        "Jenkins build log with a non-masked token from a shell step",
        """
[Pipeline] sh
+ export SONAR_TOKEN=«sonar»
+ sonar-scanner -Dsonar.projectKey=acme_api -Dsonar.host.url=https://sonarcloud.io
INFO: Scanner configuration file: /opt/sonar-scanner/conf/sonar-scanner.properties
INFO: SonarScanner 5.0.1.3006
""",
    ),
    _t(
        "plain",
        "pip.conf read with private index credentials",
        """
[global]
index-url = https://pypi.org/simple
extra-index-url = https://__token__:«glpat»@gitlab.example.com/api/v4/projects/112/packages/pypi/simple
timeout = 60
""",
    ),
    _t(
        "plain",
        "Okta token in an onboarding note the agent reads",
        """
## Local setup for the admin tool

1. Ask #platform for access to the dev Okta org.
2. Export the API token we share for local testing:
   OKTA_API_TOKEN=«okta»
3. Run `make seed-users`.
""",
    ),
    _t(
        "plain",
        "user pastes a PostHog personal key for a dashboard script",
        """
personal api key for posthog: «posthog_personal» (project api key is the phc_ one already in the frontend, ignore that)
""",
    ),
    _t(
        "plain",
        "NuGet.Config with a cleartext password",
        """
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="acme" value="https://pkgs.dev.azure.com/acme/_packaging/acme/nuget/v3/index.json" />
  </packageSources>
  <packageSourceCredentials>
    <acme>
      <add key="Username" value="build" />
      <add key="ClearTextPassword" value="«opaque»" />
    </acme>
  </packageSourceCredentials>
</configuration>
""",
    ),
    _t(
        "plain",
        "Maven settings.xml server password",
        """
<settings>
  <servers>
    <server>
      <id>ossrh</id>
      <username>acme-release</username>
      <password>«pw»</password>
    </server>
  </servers>
</settings>
""",
        numbered="arrow",
    ),
    _t(
        "plain",
        "agent reply showing the Slack webhook it tested",
        """
The alert works now. I posted a test message with

    curl -X POST -H 'Content-type: application/json' --data '{"text":"test from CI"}' https://hooks.slack.com/services/«slack_hook_path»

and it arrived in #deploys.
""",
    ),
    _t(
        "plain",
        "unsealed Kubernetes token printed by a setup script",
        """
==> Creating service account ci-deployer in namespace apps
serviceaccount/ci-deployer created
==> Token (valid for 8760h):
«jwt_rs»
==> Add it to the CI variables as KUBE_TOKEN.
""",
    ),
]

TEMPLATES += [
    _t(
        "plain",
        ".env.example with placeholders",
        """
# Copy to .env and fill in real values. Never commit .env.
DATABASE_URL=postgres://USER:PASSWORD@localhost:5432/shop_dev
STRIPE_SECRET_KEY=sk_live_your_key_here
OPENAI_API_KEY=
SESSION_SECRET=change-me-to-a-random-string
SENTRY_DSN=
""",
        numbered="arrow",
    ),
    _t(
        "plain",
        "GitHub Actions log with masked secrets",
        """
Run npm publish --provenance --access public
  npm publish --provenance --access public
  shell: /usr/bin/bash -e {0}
  env:
    NODE_AUTH_TOKEN: ***
    NPM_CONFIG_USERCONFIG: /home/runner/work/_temp/.npmrc
npm notice Publishing to https://registry.npmjs.org/ with tag latest and public access
+ @acme/ui@«ver»
""",
    ),
    _t(
        "plain",
        "git log while bisecting a broken deploy",
        """
commit «sha»
Author: Priya Raman <priya@example.com>
Date:   Tue Mar 3 14:02:11 2026 +0100

    Rotate Stripe webhook secret and read it from Secret Manager

commit «sha#2»
Author: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>
Date:   Mon Mar 2 06:11:45 2026 +0000

    Bump jsonwebtoken from 9.0.1 to 9.0.2
""",
    ),
    _t(
        "plain",
        "git blame on the settings module",
        """
«short» (Priya Raman   2026-01-12 10:11:02 +0100  41) SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
«short#2» (Tom Becker    2025-11-30 17:45:19 +0100  42) SESSION_COOKIE_SECURE = True
«short» (Priya Raman   2026-01-12 10:11:02 +0100  43) API_TOKEN_TTL = timedelta(hours=12)
«short#3» (Tom Becker    2025-10-02 09:01:55 +0200  44) PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
""",
    ),
    _t(
        "plain",
        "Celery worker banner with masked broker password",
        """
 -------------- celery@worker-2 v5.4.0 (opalescent)
--- ***** -----
-- ******* ---- Linux-6.8.0-1019-aws-x86_64-with-glibc2.36 2026-03-02 09:14:55
- *** --- * ---
- ** ---------- [config]
- ** ---------- .> app:         shop:0x7f3b2c1e4d90
- ** ---------- .> transport:   redis://:**@redis.internal:6379/0
- ** ---------- .> results:     redis://:**@redis.internal:6379/1
- *** --- * --- .> concurrency: 4 (prefork)
""",
    ),
    _t(
        "plain",
        "OpenAI authentication error with masked key",
        """
openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-proj-********************************************«last4». You can find your API key at https://platform.openai.com/account/api-keys.', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}
""",
    ),
    _t(
        "plain",
        "Terraform plan with sensitive values hidden",
        """
  # google_secret_manager_secret_version.db_password will be created
  + resource "google_secret_manager_secret_version" "db_password" {
      + create_time = (known after apply)
      + id          = (known after apply)
      + secret      = "projects/acme-prod-3141/secrets/db-password"
      + secret_data = (sensitive value)
      + version     = (known after apply)
    }

Plan: 1 to add, 0 to change, 0 to destroy.
""",
    ),
    _t(
        "plain",
        "kubectl describe secret shows only sizes",
        """
Name:         payments-db
Namespace:    payments
Labels:       app.kubernetes.io/name=payments
Annotations:  <none>

Type:  Opaque

Data
====
password:  24 bytes
username:  8 bytes
""",
    ),
    _t(
        "plain",
        "ssh-keygen output with fingerprint and randomart",
        """
Generating public/private ed25519 key pair.
Your identification has been saved in /home/dev/.ssh/id_ed25519_deploy
Your public key has been saved in /home/dev/.ssh/id_ed25519_deploy.pub
The key fingerprint is:
«fp» deploy@ci
The key's randomart image is:
+--[ED25519 256]--+
|        .o+*=.   |
|       . +=Bo+   |
|        *.O.B .  |
+----[SHA256]-----+
""",
    ),
    _t(
        "plain",
        "known_hosts read while fixing host key verification",
        """
github.com ssh-ed25519 «ed25519_pub»
gitlab.example.com ecdsa-sha2-nistp256 «ecdsa_pub»
|1|«nonce»|«sops_data» ssh-ed25519 «ed25519_pub#2»
""",
        numbered="arrow",
    ),
    _t(
        "plain",
        "authorized_keys read on a bastion",
        """
ssh-ed25519 «ed25519_pub» priya@laptop
ssh-rsa «rsa_pub» deploy@ci
""",
    ),
    _t(
        "plain",
        "agent reply: no hard-coded credentials found",
        """
I checked `settings.py`, `config/*.yml` and the Dockerfile. There are no hard-coded credentials: `SECRET_KEY`, `DATABASE_PASSWORD` and `STRIPE_API_KEY` are all read from the environment, and the Helm chart maps them from the `shop-secrets` Secret. The only thing I'd change is that `DEBUG` defaults to true.
""",
    ),
    _t(
        "plain",
        "user points to a 1Password reference",
        """
the deploy token lives in 1Password, vault "Platform", item "GitHub deploy PAT". don't paste it anywhere, just use `op read "op://Platform/GitHub deploy PAT/credential"` in the script
""",
    ),
    _t(
        "plain",
        "structured app log with trace, span and request ids",
        """
time=«ts» level=INFO msg="request completed" method=POST path=/v1/checkout status=201 duration_ms=184 trace_id=«trace» span_id=«span» request_id=«ulid» user_id=«uuid»
time=«ts» level=WARN msg="retrying payment provider" attempt=2 trace_id=«trace» span_id=«span#2» idempotency_key=«uuid#2»
""",
    ),
    _t(
        "plain",
        "pytest output from tests about token handling",
        """
tests/test_auth.py::test_rejects_expired_token PASSED                     [ 20%]
tests/test_auth.py::test_refresh_token_rotates PASSED                     [ 40%]
tests/test_auth.py::test_password_reset_link_single_use PASSED            [ 60%]
tests/test_auth.py::test_api_key_hash_not_plaintext FAILED                [ 80%]
tests/test_auth.py::test_secret_not_logged PASSED                         [100%]

E       AssertionError: assert 'api_key' not in record.getMessage()
""",
    ),
    _t(
        "plain",
        "Sentry issue summary copied by the agent",
        """
TypeError: Cannot read properties of undefined (reading 'token')
  Event ID: «trace»
  Release: web@«sha»
  Environment: production
  Trace: «trace#2»
  URL: https://app.example.com/settings/api-tokens
  User: id=«uuid»
""",
    ),
    _t(
        "plain",
        "gpg --list-secret-keys output (fingerprints only)",
        """
/home/dev/.gnupg/pubring.kbx
----------------------------
sec   ed25519 2025-06-01 [SC] [expires: 2027-06-01]
      «sha»
uid           [ultimate] Release Bot <release@example.com>
ssb   cv25519 2025-06-01 [E] [expires: 2027-06-01]
""",
    ),
    _t(
        "plain",
        "webpack build output with content hashes",
        """
asset main.«short».js 412 KiB [emitted] [immutable] [minimized] (name: main) 2 related assets
asset vendors.«short#2».js 1.21 MiB [emitted] [immutable] [minimized] [big] (id hint: vendors)
asset main.«short#3».css 38.2 KiB [emitted] [immutable] [minimized] (name: main)
webpack 5.97.1 compiled with 1 warning in 48211 ms
""",
    ),
    _t(
        "plain",
        "go.sum read while bumping dependencies",
        """
github.com/golang-jwt/jwt/v5 v5.2.1 «gosum»
github.com/golang-jwt/jwt/v5 v5.2.1/go.mod «gosum#2»
golang.org/x/crypto v0.31.0 «gosum#3»
golang.org/x/crypto v0.31.0/go.mod «gosum#4»
github.com/aws/aws-sdk-go-v2/credentials v1.17.47 «gosum#5»
""",
        numbered="arrow",
    ),
    _t(
        "plain",
        "Ansible Vault encrypted file read",
        """
$ANSIBLE_VAULT;1.1;AES256
«vault_hex»
""",
    ),
    _t(
        "plain",
        "age-encrypted file checked into the repo",
        """
$ head -5 secrets/prod.env.age
-----BEGIN AGE ENCRYPTED FILE-----
«b64_public_line»
-----END AGE ENCRYPTED FILE-----
""",
    ),
    _t(
        "plain",
        "PGP public key block on a keyserver page",
        """
«pgp_pub»
""",
    ),
    _t(
        "plain",
        "docker pull output with image digest",
        """
latest: Pulling from acme/api
«short»ab12: Already exists
«short#2»cd34: Pull complete
Digest: «digest»
Status: Downloaded newer image for ghcr.io/acme/api:latest
ghcr.io/acme/api:latest
""",
    ),
    _t(
        "plain",
        "agent reply describing a token rotation plan",
        """
Plan for rotating the leaked npm token:
1. Create a new granular automation token with publish rights on `@acme/*` only.
2. Store it as the `NPM_TOKEN` repository secret (Settings → Secrets → Actions).
3. Revoke the old token in npm (Access Tokens → the one ending in `«last4»`).
4. Re-run the release workflow; the log will show `NODE_AUTH_TOKEN: ***`.
""",
    ),
    _t(
        "plain",
        "Django debug page settings section with masked values",
        """
Setting                 Value
ALLOWED_HOSTS           ['*']
DATABASES               {'default': {'ENGINE': 'django.db.backends.postgresql', 'HOST': 'db', 'NAME': 'shop', 'PASSWORD': '********************', 'PORT': '5432', 'USER': 'shop'}}
EMAIL_HOST_PASSWORD     '********************'
SECRET_KEY              '********************'
STRIPE_API_KEY          '********************'
""",
    ),
    _t(
        "plain",
        "dotenv-vault encrypted file",
        """
#/-------------------.env.vault---------------------/
#/         cloud-agnostic vaulting standard         /
#/   [how it works](https://dotenv.org/env-vault)   /
#/--------------------------------------------------/

# production
DOTENV_VAULT_PRODUCTION="«sealed»"
""",
    ),
    _t(
        "plain",
        "Heroku release log with config var names only",
        """
=== shop-api Config Vars
DATABASE_URL:      [hidden, set by heroku-postgresql]
REDIS_URL:         [hidden, set by heroku-redis]
STRIPE_SECRET_KEY: [hidden]
WEB_CONCURRENCY:   4
""",
    ),
    _t(
        "plain",
        "CHANGELOG mentioning tokens and secrets",
        """
## [«ver»] - 2026-02-27
### Security
- API tokens are now hashed with SHA-256 before storage; existing tokens keep working.
- The `--password` flag is deprecated in favour of `--password-stdin`.
- Secrets are no longer written to debug logs (`LOG_LEVEL=debug`).
### Fixed
- `refresh_token` rotation could issue two valid tokens under a race (#1841).
""",
    ),
    _t(
        "plain",
        "AWS access key id alone in an IAM report",
        """
user,arn,user_creation_time,password_enabled,access_key_1_active,access_key_1_last_rotated
ci-deployer,arn:aws:iam::«account»:user/ci-deployer,2024-05-02T10:11:12+00:00,false,true,2025-11-03T08:00:00+00:00
# key in use: «akid» (last used 2026-03-01, eu-west-1, s3)
""",
    ),
    _t(
        "plain",
        "Twilio console copy with account SID only",
        """
Your Twilio trial number +15017122661 is ready.
Account SID: «twilio_sid»
Messaging Service SID: MG«trace»
Use the Auth Token from the console (click "show") to authenticate API requests.
""",
    ),
    _t(
        "plain",
        "AWS docs example keys quoted by the agent",
        """
The AWS docs use these example values, which are not real credentials:

    aws_access_key_id = «example_akid»
    aws_secret_access_key = «example_aws_secret»

Replace them with the keys from `aws configure` or, better, use SSO with `aws sso login`.
""",
    ),
    _t(
        "plain",
        "Jenkins withCredentials masked output",
        """
[Pipeline] withCredentials
Masking supported pattern matches of $REGISTRY_PASSWORD or $REGISTRY_USER
[Pipeline] {
[Pipeline] sh
+ docker login -u **** -p **** registry.example.com
WARNING! Using --password via the CLI is insecure. Use --password-stdin.
Login Succeeded
""",
    ),
    _t(
        "plain",
        "npm audit output",
        """
# npm audit report

jsonwebtoken  <=8.5.1
Severity: high
jsonwebtoken unrestricted key type could lead to legacy keys usage - https://github.com/advisories/GHSA-8cf7-32gw-wr33
fix available via `npm audit fix --force`
node_modules/jsonwebtoken

1 high severity vulnerability
""",
    ),
    _t(
        "plain",
        "openssl x509 text output of a certificate",
        """
Certificate:
    Data:
        Version: 3 (0x2)
        Serial Number:
            «md5fp»
        Signature Algorithm: sha256WithRSAEncryption
        Issuer: C=US, O=Let's Encrypt, CN=R11
        Validity
            Not Before: Feb  1 00:00:00 2026 GMT
            Not After : May  2 00:00:00 2026 GMT
        Subject: CN=api.example.com
        X509v3 Subject Key Identifier:
            «md5fp#2»
""",
    ),
    _t(
        "plain",
        "Stripe error with masked live key",
        """
stripe.error.AuthenticationError: Request req_«stripe_obj»: Invalid API Key provided: sk_live_*********************************************«last4»
""",
    ),
    _t(
        "plain",
        "agent notes on the secret manager layout",
        """
Secrets live in AWS Secrets Manager under `prod/shop/*`:
- `prod/shop/db` → JSON with `username` and `password` (rotated every 30 days by the `shop-db-rotation` Lambda)
- `prod/shop/stripe` → `secret_key`
The ECS task definition references them by ARN (`arn:aws:secretsmanager:eu-west-1:«account»:secret:prod/shop/db-«arn_suffix»`), so nothing is in the image.
""",
    ),
    _t(
        "plain",
        "Cargo.lock excerpt with checksums",
        """
[[package]]
name = "ring"
version = "0.17.8"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "«sha256»"

[[package]]
name = "jsonwebtoken"
version = "9.3.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "«sha256#2»"
""",
        numbered="tab",
    ),
]

# =============================================================================================
# shell: commands the agent ran and what they printed
# =============================================================================================

TEMPLATES += [
    _t(
        "shell",
        "curl with a GitHub token in a failing API call",
        """
$ curl -sS -H "Authorization: Bearer «ghp»" -H "Accept: application/vnd.github+json" https://api.github.com/repos/acme/platform/actions/runs?per_page=3
{
  "message": "Bad credentials",
  "documentation_url": "https://docs.github.com/rest",
  "status": "401"
}
""",
    ),
    _t(
        "shell",
        "export then run a script with the OpenAI key",
        """
$ export OPENAI_API_KEY="«openai»"
$ python scripts/eval_prompts.py --model gpt-4.1-mini --limit 20
loaded 20 cases from evals/support.jsonl
accuracy: 0.85 (17/20)
""",
    ),
    _t(
        "shell",
        "docker run with a Postgres password in -e",
        """
$ docker run -d --name pg-test -e POSTGRES_USER=app -e POSTGRES_PASSWORD=«pw» -p 5432:5432 postgres:16-alpine
«sha256»
$ docker logs pg-test 2>&1 | tail -2
2026-03-02 10:01:12.443 UTC [1] LOG:  database system is ready to accept connections
""",
    ),
    _t(
        "shell",
        "PGPASSWORD inline for a migration dry run",
        """
$ PGPASSWORD='«pw»' psql -h prod-db.internal -U migrator -d shop -c 'select version();'
                                      version
-----------------------------------------------------------------------------------
 PostgreSQL 16.4 on x86_64-pc-linux-gnu, compiled by gcc (GCC) 12.4.0, 64-bit
(1 row)
""",
    ),
    _t(
        "shell",
        "mysql -p with the password glued on",
        """
$ mysql -h 127.0.0.1 -u root -p«pw» -e "SHOW DATABASES;"
mysql: [Warning] Using a password on the command line interface can be insecure.
+--------------------+
| Database           |
+--------------------+
| billing            |
| information_schema |
+--------------------+
""",
    ),
    _t(
        "shell",
        "heroku config output with values",
        """
$ heroku config -a shop-api
=== shop-api Config Vars
DATABASE_URL:          postgres://u«short»:«upw»@ec2-34-250-1-12.eu-west-1.compute.amazonaws.com:5432/d«short#2»
SECRET_KEY_BASE:       «rails_base»
SENDGRID_API_KEY:      «sendgrid»
WEB_CONCURRENCY:       2
""",
    ),
    _t(
        "shell",
        "env | sort in a CI debug step",
        """
$ env | sort | grep -v '^_'
CI=true
GITHUB_REF=refs/heads/main
HOME=/root
NODE_VERSION=20.18.1
NPM_TOKEN=«npm»
PATH=/usr/local/bin:/usr/bin:/bin
SLACK_WEBHOOK_URL=https://hooks.slack.com/services/«slack_hook_path»
""",
    ),
    _t(
        "shell",
        "gh auth status with the token shown",
        """
$ gh auth status --show-token
github.com
  ✓ Logged in to github.com account dev-acme (keyring)
  - Active account: true
  - Git operations protocol: https
  - Token: «gho»
  - Token scopes: 'gist', 'read:org', 'repo', 'workflow'
""",
    ),
    _t(
        "shell",
        "kubectl decodes a secret value",
        """
$ kubectl -n payments get secret payments-db -o jsonpath='{.data.password}' | base64 -d; echo
«pw»
""",
    ),
    _t(
        "shell",
        "kubectl create secret from literals",
        """
$ kubectl -n shop create secret generic shop-env \\
    --from-literal=DATABASE_PASSWORD='«pw»' \\
    --from-literal=STRIPE_SECRET_KEY='«stripe_sk»' \\
    --dry-run=client -o name
secret/shop-env
""",
    ),
    _t(
        "shell",
        "docker login with the password on the command line",
        """
$ docker login -u acmebuild -p «dockerhub»
WARNING! Using --password via the CLI is insecure. Use --password-stdin.
WARNING! Your password will be stored unencrypted in /root/.docker/config.json.
Login Succeeded
""",
    ),
    _t(
        "shell",
        "npm config set with an auth token",
        """
$ npm config set //registry.npmjs.org/:_authToken=«npm»
$ npm whoami
acme-bot
""",
    ),
    _t(
        "shell",
        "twine upload with the token as -p",
        """
$ python -m twine upload -u __token__ -p «pypi» dist/*
Uploading distributions to https://upload.pypi.org/legacy/
Uploading acme_client-«ver»-py3-none-any.whl
100% ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 24.1/24.1 kB • 00:00
""",
    ),
    _t(
        "shell",
        "stripe listen prints the webhook signing secret",
        """
$ stripe listen --forward-to localhost:3000/api/webhooks/stripe
> Ready! You are using Stripe API Version [2025-02-24.acacia]. Your webhook signing secret is «whsec» (^C to quit)
2026-03-02 10:44:01   --> checkout.session.completed [evt_«stripe_obj»]
2026-03-02 10:44:01  <--  [200] POST http://localhost:3000/api/webhooks/stripe [evt_«stripe_obj»]
""",
    ),
    _t(
        "shell",
        "vault kv get output with the password",
        """
$ vault kv get -mount=secret shop/db
== Secret Path ==
secret/data/shop/db

======= Metadata =======
Key                Value
---                -----
created_time       2026-02-20T09:12:44.123456Z
version            3

====== Data ======
Key         Value
---         -----
password    «pw»
username    shop
""",
    ),
    _t(
        "shell",
        "vault login output with the token",
        """
$ vault login -method=github token=@/dev/stdin < ~/.gh-token
Success! You are now authenticated. The token information displayed below
is already stored in the token helper.

Key                    Value
---                    -----
token                  «vault»
token_accessor         «ksuid»
token_duration         768h
token_policies         ["default" "dev"]
""",
    ),
    _t(
        "shell",
        "doppler secrets download as env",
        """
$ doppler secrets download --no-file --format env --project web --config stg
DATABASE_URL="postgresql://web:«upw»@stg-db.internal:5432/web"
DOPPLER_CONFIG="stg"
DOPPLER_PROJECT="web"
NEXTAUTH_SECRET="«b64_32»"
""",
    ),
    _t(
        "shell",
        "fly secrets set with values on the command line",
        """
$ fly secrets set -a shop-api SECRET_KEY_BASE=«hex128» DATABASE_URL=postgres://shop:«upw»@shop-db.flycast:5432/shop
Updating existing machines in 'shop-api' with rolling strategy
✔ Machine 3d8d9e1b2c4f78 [app] update succeeded
""",
    ),
    _t(
        "shell",
        "gcloud prints an access token",
        """
$ gcloud auth print-access-token
«google_access»
$ gcloud auth application-default print-access-token | wc -c
223
""",
    ),
    _t(
        "shell",
        "terraform output -raw of a generated password",
        """
$ terraform output -raw db_admin_password
«pw»
$ terraform output db_endpoint
"shop-prod.c9x1kz.eu-west-1.rds.amazonaws.com:5432"
""",
    ),
    _t(
        "shell",
        "pulumi stack output with secrets shown",
        """
$ pulumi stack output --show-secrets
Current stack outputs (3):
    OUTPUT           VALUE
    bucketName       acme-assets-prod-7f3a
    dbPassword       «pw»
    redisAuthToken   «opaque»
""",
    ),
    _t(
        "shell",
        "wrangler deploy with the API token inline",
        """
$ CLOUDFLARE_API_TOKEN=«cloudflare» npx wrangler deploy
 ⛅️ wrangler 3.99.0
-------------------
Total Upload: 182.31 KiB / gzip: 41.02 KiB
Uploaded edge-api (3.21 sec)
Deployed edge-api triggers (0.41 sec)
""",
    ),
    _t(
        "shell",
        "curl with basic auth -u",
        """
$ curl -sS -u «user»:«pw» https://jenkins.internal.example.com/job/deploy-api/lastBuild/api/json | jq .result
"FAILURE"
""",
    ),
    _t(
        "shell",
        "curl to the Anthropic API with x-api-key",
        """
$ curl https://api.anthropic.com/v1/messages \\
    -H "x-api-key: «anthropic»" \\
    -H "anthropic-version: 2023-06-01" \\
    -H "content-type: application/json" \\
    -d '{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"ping"}]}'
{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}
""",
    ),
    _t(
        "shell",
        "set -x trace of a release script",
        """
+ VERSION=«ver»
+ curl -sf -X POST -H 'Authorization: token «ghs»' -H 'Accept: application/vnd.github+json' https://api.github.com/repos/acme/cli/releases -d '{"tag_name":"v«ver»"}'
curl: (22) The requested URL returned error: 422
+ exit 22
""",
    ),
    _t(
        "shell",
        "shell history shows an earlier command with a password",
        """
$ history | grep -i psql | tail -3
  812  psql "host=localhost user=postgres password=«pw» dbname=shop_dev"
  833  psql -h localhost -U postgres -c '\\l'
  841  history | grep -i psql | tail -3
""",
    ),
    _t(
        "shell",
        "redis-cli -a password",
        """
$ redis-cli -h cache.internal -a '«pw»' ping
Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.
PONG
""",
    ),
    _t(
        "shell",
        "cat of an OpenSSH private key",
        """
$ cat ~/.ssh/id_ed25519_deploy
«openssh»
$ chmod 600 ~/.ssh/id_ed25519_deploy
""",
    ),
    _t(
        "shell",
        "openssl genrsa printed to the terminal",
        """
$ openssl genrsa 2048 2>/dev/null
«rsa_pem»
""",
    ),
    _t(
        "shell",
        "printenv | grep TOKEN in a failing job",
        """
$ printenv | grep -iE 'token|key'
GITLAB_TOKEN=«glpat»
HF_TOKEN=«hf»
SSH_AUTH_SOCK=/tmp/ssh-XXXX/agent.1234
""",
    ),
    _t(
        "shell",
        "gh secret set with the value in --body",
        """
$ gh secret set NPM_TOKEN --repo acme/ui --body «npm»
✓ Set Actions secret NPM_TOKEN for acme/ui
""",
    ),
    _t(
        "shell",
        "CircleCI API call with Circle-Token",
        """
$ curl -s -H "Circle-Token: «hex40»" https://circleci.com/api/v2/project/gh/acme/api/pipeline?branch=main | jq '.items[0].state'
"errored"
""",
    ),
    _t(
        "shell",
        "sentry-cli with --auth-token",
        """
$ npx @sentry/cli --auth-token «sentry_token» sourcemaps upload --org acme --project web --release «sha» ./dist
> Found 42 files
> Analyzing 42 sources
> Uploaded files to Sentry
""",
    ),
    _t(
        "shell",
        "psql session altering a role password",
        """
$ psql -U postgres -d shop
shop=# ALTER ROLE reporting WITH LOGIN PASSWORD '«pw»';
ALTER ROLE
shop=# \\q
""",
    ),
    _t(
        "shell",
        "rabbitmqctl add_user",
        """
$ docker compose exec rabbitmq rabbitmqctl add_user orders «pw»
Adding user "orders" ...
Done. Don't forget to grant the user permissions to some virtual hosts! See 'rabbitmqctl help set_permissions' to learn more.
""",
    ),
    _t(
        "shell",
        "ngrok config add-authtoken",
        """
$ ngrok config add-authtoken «ngrok»
Authtoken saved to configuration file: /home/dev/.config/ngrok/ngrok.yml
$ ngrok http 3000
""",
    ),
    _t(
        "shell",
        "op item get with --reveal",
        """
$ op item get "Staging DB" --vault Platform --fields username,password --reveal
staging_admin,«pw»
""",
    ),
    _t(
        "shell",
        "macOS keychain lookup prints a password",
        """
$ security find-generic-password -s "acme-registry" -a ci -w
«pw»
""",
    ),
    _t(
        "shell",
        "docker build with an npm token build-arg",
        """
$ docker build --build-arg NPM_TOKEN=«npm» -t acme/web:dev .
[+] Building 41.2s (14/18)
 => [deps 4/5] RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
""",
    ),
    _t(
        "shell",
        "OAuth client-credentials call and token response",
        """
$ curl -s -X POST https://auth.example.com/oauth/token -d grant_type=client_credentials -d client_id=reporting-svc -d client_secret=«auth0_secret»
{"access_token":"«jwt»","token_type":"Bearer","expires_in":3600,"scope":"reports:read"}
""",
    ),
    _t(
        "shell",
        "minio client alias set",
        """
$ mc alias set local http://localhost:9000 minioadmin «pw»
Added `local` successfully.
$ mc ls local/uploads | head -2
""",
    ),
    _t(
        "shell",
        "influx auth create output",
        """
$ influx auth create --org acme --all-access
ID                      Description     Token                                                                                           User Name       User ID                 Permissions
0c1f«short»a2e000               «influx»        admin           0c1f«short#2»b3e000     [read:orgs/...]
""",
    ),
    _t(
        "shell",
        "tailscale up with an auth key",
        """
$ sudo tailscale up --authkey=«tailscale» --hostname=ci-runner-07 --advertise-tags=tag:ci
$ tailscale status | head -1
100.101.102.7  ci-runner-07  tagged-devices linux   -
""",
    ),
    _t(
        "shell",
        "sops -d prints the plaintext",
        """
$ sops -d deploy/secrets/prod.enc.yaml
database:
    user: shop
    password: «pw»
stripe:
    secret_key: «stripe_sk»
""",
    ),
    _t(
        "shell",
        "hf auth login with --token",
        """
$ hf auth login --token «hf» --add-to-git-credential
Token is valid (permission: read).
Your token has been saved to /home/dev/.cache/huggingface/token
Login successful.
""",
    ),
    _t(
        "shell",
        "az CLI service principal creation output",
        """
$ az ad sp create-for-rbac --name gha-deployer --role contributor --scopes /subscriptions/«uuid»/resourceGroups/web-rg
Creating 'contributor' role assignment under scope '/subscriptions/«uuid»/resourceGroups/web-rg'
{
  "appId": "«uuid#2»",
  "displayName": "gha-deployer",
  "password": "«azure_secret»",
  "tenant": "«uuid#3»"
}
""",
    ),
    _t(
        "shell",
        "git credential fill output",
        """
$ printf 'protocol=https\\nhost=github.com\\n\\n' | git credential fill
protocol=https
host=github.com
username=x-access-token
password=«ghfg»
""",
    ),
    _t(
        "shell",
        "echo of a base64 basic-auth value while testing an ingress",
        """
$ curl -sI -H "Authorization: Basic «basic»" https://grafana.internal.example.com/api/health
HTTP/2 200
content-type: application/json
""",
    ),
    _t(
        "shell",
        "gcloud creating a service account key and cat-ing it",
        """
$ gcloud iam service-accounts keys create key.json --iam-account ci@acme-prod-3141.iam.gserviceaccount.com
created key [«sha»] of type [json] as [key.json] for [ci@acme-prod-3141.iam.gserviceaccount.com]
$ jq -r .private_key key.json
«pkcs8»
""",
    ),
    _t(
        "shell",
        "linear API call with the API key header",
        """
$ curl -s https://api.linear.app/graphql -H "Content-Type: application/json" -H "Authorization: «linear»" --data '{"query":"{ viewer { id name } }"}'
{"data":{"viewer":{"id":"«uuid»","name":"CI Bot"}}}
""",
    ),
    _t(
        "shell",
        "DigitalOcean doctl auth init with token",
        """
$ doctl auth init --access-token «digitalocean» --context acme
Validating token... OK
$ doctl kubernetes cluster list
ID                                      Name         Region    Version
«uuid»    prod-fra1    fra1      1.31.1-do.5
""",
    ),
]

TEMPLATES += [
    _t(
        "shell",
        "npm view dist with integrity and shasum",
        """
$ npm view jsonwebtoken@9.0.2 dist
{
  integrity: '«sri512»',
  shasum: '«sha»',
  tarball: 'https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz',
  fileCount: 15,
  unpackedSize: 43493
}
""",
    ),
    _t(
        "shell",
        "pip install --require-hashes mismatch",
        """
$ pip install --require-hashes -r requirements.txt
ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have updated the package versions, please update the hashes. Otherwise, examine the package contents carefully; someone may have tampered with them.
    cryptography==44.0.0 from https://files.pythonhosted.org/packages/«short»/cryptography-44.0.0-cp39-abi3-manylinux_2_28_x86_64.whl:
        Expected sha256 «sha256»
             Got        «sha256#2»
""",
    ),
    _t(
        "shell",
        "uv pip compile with generated hashes",
        """
$ uv pip compile requirements.in --generate-hashes -o requirements.txt && sed -n 1,8p requirements.txt
# This file was autogenerated by uv via the following command:
#    uv pip compile requirements.in --generate-hashes -o requirements.txt
certifi==2025.1.31 \\
    --hash=sha256:«sha256» \\
    --hash=sha256:«sha256#2»
    # via requests
pyjwt==2.10.1 \\
    --hash=sha256:«sha256#3»
""",
    ),
    _t(
        "shell",
        "docker images --digests",
        """
$ docker images --digests acme/api
REPOSITORY   TAG       DIGEST                                                                    IMAGE ID       CREATED        SIZE
acme/api     «short»   «digest»   «short#2»a1b2c   2 hours ago    187MB
acme/api     latest    «digest#2»   «short#3»d4e5f   3 days ago     186MB
""",
    ),
    _t(
        "shell",
        "docker buildx imagetools inspect",
        """
$ docker buildx imagetools inspect ghcr.io/acme/api:«ver»
Name:      ghcr.io/acme/api:«ver»
MediaType: application/vnd.oci.image.index.v1+json
Digest:    «digest»

Manifests:
  Name:      ghcr.io/acme/api:«ver»@«digest#2»
  MediaType: application/vnd.oci.image.manifest.v1+json
  Platform:  linux/amd64
""",
    ),
    _t(
        "shell",
        "git log --oneline during a bisect",
        """
$ git log --oneline -6
«short» (HEAD -> fix/deploy) Read DB password from secret manager instead of env
«short#2» Bump actions/checkout from 4.1.7 to 4.2.2
«short#3» Add token refresh retry to the payments client
«short#4» Remove hard-coded API key from smoke test
«short#5» Merge pull request #412 from acme/chore/deps
«short#6» Rotate session secret (no value change in repo)
""",
    ),
    _t(
        "shell",
        "git rev-parse and ls-remote",
        """
$ git rev-parse HEAD
«sha»
$ git ls-remote origin 'refs/heads/main' 'refs/tags/v*'
«sha#2»	refs/heads/main
«sha#3»	refs/tags/v«ver»
""",
    ),
    _t(
        "shell",
        "ssh-keyscan output",
        """
$ ssh-keyscan -t ed25519,rsa github.com 2>/dev/null
github.com ssh-ed25519 «ed25519_pub»
github.com ssh-rsa «rsa_pub»
""",
    ),
    _t(
        "shell",
        "kubectl get pods and events",
        """
$ kubectl -n shop get pods -o wide
NAME                        READY   STATUS             RESTARTS      AGE   IP            NODE
api-«pod»   0/1     CrashLoopBackOff   6 (41s ago)   9m    10.42.1.17    ip-10-0-3-41.eu-west-1.compute.internal
worker-«pod#2»   1/1     Running            0             9m    10.42.2.9     ip-10-0-5-12.eu-west-1.compute.internal
$ kubectl -n shop get events --field-selector involvedObject.name=api-«pod» | tail -1
41s  Warning  BackOff  pod/api-«pod»  Back-off restarting failed container api in pod api-«pod»_shop(«uuid»)
""",
    ),
    _t(
        "shell",
        "aws configure list masks the keys",
        """
$ aws configure list
      Name                    Value             Type    Location
      ----                    -----             ----    --------
   profile                     prod           manual    --profile
access_key     ****************«last4» shared-credentials-file
secret_key     ****************«last4#2» shared-credentials-file
    region                eu-west-1      config-file    ~/.aws/config
""",
    ),
    _t(
        "shell",
        "gh auth status with the token masked",
        """
$ gh auth status
github.com
  ✓ Logged in to github.com account dev-acme (keyring)
  - Active account: true
  - Git operations protocol: ssh
  - Token: gho_************************************
  - Token scopes: 'admin:public_key', 'gist', 'read:org', 'repo'
""",
    ),
    _t(
        "shell",
        "docker login from an env variable via stdin",
        """
$ echo "$CR_PAT" | docker login ghcr.io -u dev-acme --password-stdin
Login Succeeded
$ docker push ghcr.io/acme/api:«short»
«short»: digest: «digest» size: 2412
""",
    ),
    _t(
        "shell",
        "gh secret list",
        """
$ gh secret list --repo acme/api
NAME                  UPDATED
AWS_DEPLOY_ROLE_ARN   about 2 months ago
NPM_TOKEN             about 1 day ago
SENTRY_AUTH_TOKEN     about 3 months ago
SLACK_WEBHOOK_URL     about 1 year ago
""",
    ),
    _t(
        "shell",
        "sha256sum of release artefacts",
        """
$ sha256sum dist/*
«sha256»  dist/acme-cli_«ver»_linux_amd64.tar.gz
«sha256#2»  dist/acme-cli_«ver»_darwin_arm64.tar.gz
«sha256#3»  dist/acme-cli_«ver»_windows_amd64.zip
""",
    ),
    _t(
        "shell",
        "openssl s_client certificate chain",
        """
$ openssl s_client -connect api.example.com:443 -servername api.example.com -showcerts </dev/null 2>/dev/null | sed -n '1,/END/p'
CONNECTED(00000003)
---
Certificate chain
 0 s:CN = api.example.com
   i:C = US, O = Let's Encrypt, CN = R11
«cert_pem»
""",
    ),
    _t(
        "shell",
        "ssh -v host key negotiation",
        """
$ ssh -v deploy@bastion.example.com 2>&1 | grep -E 'host key|Server accepts|Authenticated'
debug1: Server host key: ssh-ed25519 «fp»
debug1: Host 'bastion.example.com' is known and matches the ED25519 host key.
debug1: Server accepts key: /home/dev/.ssh/id_ed25519 ED25519 «fp#2» explicit agent
Authenticated to bastion.example.com ([203.0.113.10]:22) using "publickey".
""",
    ),
    _t(
        "shell",
        "terraform show with sensitive values",
        """
$ terraform show -no-color | sed -n '/aws_db_instance.main/,/^$/p'
# aws_db_instance.main:
resource "aws_db_instance" "main" {
    arn                 = "arn:aws:rds:eu-west-1:«account»:db:shop-prod"
    identifier          = "shop-prod"
    password            = (sensitive value)
    resource_id         = "db-«reqid»"
    username            = "shop"
}
""",
    ),
    _t(
        "shell",
        "cosign verify output",
        """
$ cosign verify ghcr.io/acme/api@«digest» --certificate-identity-regexp 'https://github.com/acme/.*' --certificate-oidc-issuer https://token.actions.githubusercontent.com | jq '.[0].critical'
Verification for ghcr.io/acme/api@«digest» --
The following checks were performed on each of these signatures:
  - The cosign claims were validated
  - Existence of the claims in the transparency log was verified offline
{
  "identity": {"docker-reference": "ghcr.io/acme/api"},
  "image": {"docker-manifest-digest": "«digest»"},
  "type": "cosign container image signature"
}
""",
    ),
    _t(
        "shell",
        "curl -I response headers with ids",
        """
$ curl -sI https://api.example.com/v1/health
HTTP/2 200
date: Mon, 02 Mar 2026 10:14:22 GMT
content-type: application/json
etag: W/«etag»
x-request-id: «uuid»
x-amzn-trace-id: «amzn_trace»
cf-ray: «span»-FRA
strict-transport-security: max-age=63072000; includeSubDomains; preload
""",
    ),
    _t(
        "shell",
        "go mod download -json",
        """
$ go mod download -json github.com/golang-jwt/jwt/v5@v5.2.1
{
	"Path": "github.com/golang-jwt/jwt/v5",
	"Version": "v5.2.1",
	"Info": "/home/dev/go/pkg/mod/cache/download/github.com/golang-jwt/jwt/v5/@v/v5.2.1.info",
	"Sum": "«gosum»",
	"GoModSum": "«gosum#2»"
}
""",
    ),
    _t(
        "shell",
        "openssl computing an SRI hash",
        """
$ openssl dgst -sha384 -binary dist/widget.js | openssl base64 -A; echo
«b64_48pub»
$ echo 'integrity="sha384-…" added to embed snippet'
""",
    ),
    _t(
        "shell",
        "grep for API_KEY references only",
        """
$ grep -rn "API_KEY" src/ --include=*.ts
src/config.ts:12:  openaiApiKey: process.env.OPENAI_API_KEY ?? "",
src/config.ts:13:  stripeApiKey: requireEnv("STRIPE_API_KEY"),
src/lib/llm.ts:8:const client = new OpenAI({ apiKey: config.openaiApiKey });
src/lib/llm.test.ts:5:  process.env.OPENAI_API_KEY = "test-key";
""",
    ),
    _t(
        "shell",
        "manage.py check --deploy warnings",
        """
$ python manage.py check --deploy
System check identified some issues:

WARNINGS:
?: (security.W004) You have not set a value for the SECURE_HSTS_SECONDS setting.
?: (security.W009) Your SECRET_KEY has less than 50 characters, less than 5 unique characters, or it's prefixed with 'django-insecure-' indicating that it was generated automatically by Django.
?: (security.W012) SESSION_COOKIE_SECURE is not set to True.
""",
    ),
    _t(
        "shell",
        "gh auth login --help",
        """
$ gh auth login --help
Authenticate with a GitHub host.

The default authentication mode is a web-based browser flow. After completion, an
authentication token will be stored securely in the system credential store.

Alternatively, use `--with-token` to pass in a token on standard input.
The minimum required scopes for the token are: `repo`, `read:org`, and `gist`.

FLAGS
  -p, --git-protocol string   The protocol to use for git operations on this host: {ssh|https}
      --with-token            Read token from standard input
""",
    ),
    _t(
        "shell",
        "aws ec2 describe-instances text output",
        """
$ aws ec2 describe-instances --filters Name=tag:app,Values=shop --query 'Reservations[].Instances[].[InstanceId,ImageId,SubnetId,State.Name]' --output text
«ec2»	«ami»	«subnet»	running
«ec2#2»	«ami»	«subnet#2»	stopped
""",
    ),
    _t(
        "shell",
        "gcloud secrets versions list",
        """
$ gcloud secrets versions list db-password --project acme-prod-3141
NAME  STATE     CREATED              DESTROYED
4     enabled   2026-02-28T09:12:44  -
3     disabled  2026-01-28T09:12:41  -
2     destroyed 2025-12-29T09:12:40  2026-01-29T09:13:02
""",
    ),
    _t(
        "shell",
        "env with empty and referenced secret values",
        """
$ grep -E '^(DATABASE_URL|REDIS_PASSWORD|JWT_SECRET)=' .env.ci
DATABASE_URL=${DATABASE_URL}
REDIS_PASSWORD=
JWT_SECRET=$(cat /run/secrets/jwt_secret)
""",
    ),
    _t(
        "shell",
        "gpg --verify on a release signature",
        """
$ gpg --verify acme-cli_«ver»_checksums.txt.sig acme-cli_«ver»_checksums.txt
gpg: Signature made Mon 02 Mar 2026 09:01:12 UTC
gpg:                using EDDSA key «sha»
gpg: Good signature from "Acme Release Bot <release@example.com>" [unknown]
Primary key fingerprint: «fp»
""",
    ),
    _t(
        "shell",
        "docker manifest inspect",
        """
$ docker manifest inspect -v node:20-alpine | jq '.[0].Descriptor'
{
  "mediaType": "application/vnd.oci.image.manifest.v1+json",
  "digest": "«digest»",
  "size": 1025,
  "platform": {"architecture": "amd64", "os": "linux"}
}
""",
    ),
    _t(
        "shell",
        "vault login -h help text",
        """
$ vault login -h
Usage: vault login [options] [AUTH K=V...]

  Authenticates users or machines to Vault using the provided arguments. A
  successful authentication results in a Vault token - conceptually similar to
  a session token on a website. By default, this token is cached on the local
  machine for future requests.

      $ vault login -method=userpass username=my-username
""",
    ),
    _t(
        "shell",
        "shasum -a 512 and base64 for an SRI attribute",
        """
$ cat dist/app.js | openssl dgst -sha512 -binary | base64
«b64_64pub»
$ git diff --stat
 public/index.html | 2 +-
""",
    ),
    _t(
        "shell",
        "git show --stat of a dependency bump",
        """
$ git show --stat HEAD
commit «sha» (HEAD -> chore/deps)
Author: renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>
Date:   Mon Mar 2 04:12:09 2026 +0000

    chore(deps): update dependency @aws-sdk/client-secrets-manager to v«ver»

 package.json      |  2 +-
 package-lock.json | 48 ++++++++++++++++++++++++------------------------
 2 files changed, 25 insertions(+), 25 deletions(-)
""",
    ),
    _t(
        "shell",
        "kubectl get secret -o yaml of a SealedSecret",
        """
$ kubectl -n shop get sealedsecret shop-env -o yaml | sed -n '1,12p'
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: shop-env
  namespace: shop
  uid: «uuid»
  resourceVersion: "«rv»"
spec:
  encryptedData:
    DATABASE_PASSWORD: «sealed»
    STRIPE_SECRET_KEY: «sealed#2»
""",
    ),
    _t(
        "shell",
        "helm list and history",
        """
$ helm -n shop history api --max 3
REVISION  UPDATED                   STATUS      CHART       APP VERSION  DESCRIPTION
41        Sat Feb 28 09:12:01 2026  superseded  api-«ver»   «short»      Upgrade complete
42        Mon Mar  2 10:02:44 2026  failed      api-«ver»   «short#2»    Upgrade "api" failed: context deadline exceeded
""",
    ),
    _t(
        "shell",
        "redis-cli with the password from an env var",
        """
$ redis-cli -h cache.internal --user app --pass "$REDIS_PASSWORD" --no-auth-warning info keyspace
# Keyspace
db0:keys=18422,expires=18019,avg_ttl=3591200
""",
    ),
    _t(
        "shell",
        "npx envinfo and node versions",
        """
$ npx envinfo --system --binaries
  System:
    OS: Linux 6.8 Ubuntu 24.04.1 LTS (Noble Numbat)
    CPU: (2) x64 AMD EPYC 7763 64-Core Processor
  Binaries:
    Node: 20.18.1 - /usr/local/bin/node
    npm: 10.8.2 - /usr/local/bin/npm
""",
    ),
]

# =============================================================================================
# yaml (and the other config formats agents read: TOML, HCL, INI-like lockfiles)
# =============================================================================================

TEMPLATES += [
    _t(
        "yaml",
        "docker-compose.yml with database and cache passwords",
        """
services:
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: «pw»
      POSTGRES_DB: shop
    volumes:
      - pgdata:/var/lib/postgresql/data
  api:
    build: .
    environment:
      DATABASE_URL: postgres://shop:«upw»@db:5432/shop
      JWT_SECRET: «hex64»
    depends_on: [db]
""",
        numbered="arrow",
    ),
    _t(
        "yaml",
        "Kubernetes Secret with base64 data",
        """
apiVersion: v1
kind: Secret
metadata:
  name: payments-db
  namespace: payments
type: Opaque
data:
  username: «k8s_b64_user»
  password: «k8spw»
""",
    ),
    _t(
        "yaml",
        "Kubernetes Secret with stringData",
        """
apiVersion: v1
kind: Secret
metadata:
  name: api-keys
  namespace: support-bot
type: Opaque
stringData:
  OPENAI_API_KEY: «openai»
  SLACK_BOT_TOKEN: «slack_bot»
""",
    ),
    _t(
        "yaml",
        "GitHub Actions workflow with a hard-coded token",
        """
name: e2e
on: [push]
jobs:
  e2e:
    runs-on: ubuntu-latest
    env:
      CYPRESS_RECORD_KEY: «heroku»
      API_BASE_URL: https://staging.example.com
      STAGING_ADMIN_PASSWORD: «pw»
    steps:
      - uses: actions/checkout@«sha» # v4.2.2
      - run: npx cypress run --record
""",
        numbered="arrow",
    ),
    _t(
        "yaml",
        ".gitlab-ci.yml with a token in variables",
        """
variables:
  DOCKER_DRIVER: overlay2
  SONAR_HOST_URL: https://sonar.example.com
  SONAR_TOKEN: «sonar»

sonarqube-check:
  stage: test
  image: sonarsource/sonar-scanner-cli:latest
  script:
    - sonar-scanner -Dsonar.qualitygate.wait=true
""",
    ),
    _t(
        "yaml",
        "Helm values.yaml with passwords",
        """
postgresql:
  enabled: true
  auth:
    username: keycloak
    password: «pw»
    database: keycloak
keycloak:
  adminUser: admin
  adminPassword: «pw#2»
ingress:
  enabled: true
  hostname: sso.example.com
""",
    ),
    _t(
        "yaml",
        "Spring application.yml with a datasource password",
        """
spring:
  datasource:
    url: jdbc:mysql://inventory-db:3306/inventory?useSSL=true
    username: inventory
    password: «pw»
  kafka:
    bootstrap-servers: kafka-0.kafka:9092
    properties:
      sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="inventory" password="«pw#2»";
""",
        numbered="tab",
    ),
    _t(
        "yaml",
        "kubeconfig with a bearer token",
        """
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: «cert_b64»
    server: https://10.0.0.1:6443
  name: staging
contexts:
- context:
    cluster: staging
    user: ci-deployer
  name: staging
current-context: staging
users:
- name: ci-deployer
  user:
    token: «jwt_rs»
""",
    ),
    _t(
        "yaml",
        "kubeconfig with client-key-data",
        """
users:
- name: kind-dev
  user:
    client-certificate-data: «cert_b64»
    client-key-data: «pem_b64»
""",
    ),
    _t(
        "yaml",
        "gh hosts.yml with an oauth token",
        """
github.com:
    users:
        dev-acme:
            oauth_token: «gho»
    git_protocol: https
    oauth_token: «gho»
    user: dev-acme
""",
    ),
    _t(
        "yaml",
        "Ansible group_vars with plaintext passwords",
        """
---
app_user: shop
app_db_host: db1.internal
app_db_password: «pw»
ansible_become_password: «pw#2»
nginx_worker_processes: auto
""",
    ),
    _t(
        "yaml",
        "Rails config/database.yml with a production password",
        """
production:
  <<: *default
  host: shop-prod.cluster-c9x.eu-west-1.rds.amazonaws.com
  database: shop_production
  username: shop
  password: «pw»
""",
        numbered="arrow",
    ),
    _t(
        "yaml",
        "Prometheus scrape config with basic auth and bearer token",
        """
scrape_configs:
  - job_name: rabbitmq
    static_configs:
      - targets: ['rabbitmq.internal:15692']
    basic_auth:
      username: prometheus
      password: «pw»
  - job_name: cloudflare
    bearer_token: «cloudflare»
    static_configs:
      - targets: ['cf-exporter:8080']
""",
    ),
    _t(
        "yaml",
        "Alertmanager config with Slack and PagerDuty keys",
        """
global:
  resolve_timeout: 5m
  slack_api_url: https://hooks.slack.com/services/«slack_hook_path»
receivers:
  - name: oncall
    pagerduty_configs:
      - routing_key: «hex32»
        severity: critical
route:
  receiver: oncall
""",
    ),
    _t(
        "yaml",
        "Grafana datasource provisioning with secureJsonData",
        """
apiVersion: 1
datasources:
  - name: Postgres
    type: postgres
    url: db.internal:5432
    user: grafana_ro
    jsonData:
      database: metrics
      sslmode: require
    secureJsonData:
      password: «pw»
""",
    ),
    _t(
        "yaml",
        "OpenTelemetry collector exporter headers with vendor keys",
        """
exporters:
  otlp/honeycomb:
    endpoint: api.honeycomb.io:443
    headers:
      x-honeycomb-team: «honeycomb»
  datadog:
    api:
      site: datadoghq.eu
      key: «dd_api»
service:
  pipelines:
    traces:
      exporters: [otlp/honeycomb, datadog]
""",
        numbered="arrow",
    ),
    _t(
        "yaml",
        "datadog.yaml agent config with api_key",
        """
api_key: «dd_api»
site: datadoghq.com
logs_enabled: true
apm_config:
  enabled: true
process_config:
  process_collection:
    enabled: true
""",
    ),
    _t(
        "yaml",
        "newrelic.yml with license_key",
        """
common: &default_settings
  license_key: «nr_license»
  app_name: Billing API
  distributed_tracing:
    enabled: true
production:
  <<: *default_settings
""",
    ),
    _t(
        "yaml",
        "serverless.yml with keys in provider.environment",
        """
service: image-resizer
provider:
  name: aws
  runtime: nodejs20.x
  region: eu-west-1
  environment:
    STAGE: ${sls:stage}
    CLOUDINARY_API_SECRET: «opaque»
    SENTRY_AUTH_TOKEN: «sentry_token»
functions:
  resize:
    handler: src/handler.resize
""",
    ),
    _t(
        "yaml",
        "CircleCI config with an environment block",
        """
version: 2.1
jobs:
  deploy:
    docker:
      - image: cimg/node:20.18
    environment:
      HEROKU_APP_NAME: shop-api-staging
      HEROKU_API_KEY: «heroku»
    steps:
      - checkout
      - run: npx heroku container:push web -a $HEROKU_APP_NAME
""",
    ),
    _t(
        "yaml",
        "App Engine app.yaml env_variables",
        """
runtime: python312
entrypoint: gunicorn -b :$PORT main:app
env_variables:
  FLASK_ENV: production
  SECRET_KEY: «hex64»
  MAILGUN_API_KEY: «mailgun»
""",
    ),
    _t(
        "yaml",
        "Cloud Build config with a hard-coded password",
        """
steps:
  - name: gcr.io/cloud-builders/docker
    args: ['build', '-t', 'europe-docker.pkg.dev/acme-prod-3141/web/api:$SHORT_SHA', '.']
  - name: postgres:16
    entrypoint: bash
    args: ['-c', 'PGPASSWORD=«pw» psql -h 10.20.0.3 -U migrator -d shop -f migrations/0042_orders.sql']
""",
    ),
    _t(
        "yaml",
        "Kubernetes Deployment with a plaintext env value",
        """
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:«short»
          env:
            - name: DATABASE_HOST
              value: shop-db.shop.svc
            - name: DATABASE_PASSWORD
              value: "«pw»"
            - name: REDIS_URL
              valueFrom:
                secretKeyRef: {name: redis, key: url}
""",
        numbered="arrow",
    ),
    _t(
        "yaml",
        "Argo CD repository secret",
        """
apiVersion: v1
kind: Secret
metadata:
  name: repo-platform
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  type: git
  url: https://github.com/acme/platform
  username: argocd
  password: «ghp»
""",
    ),
    _t(
        "yaml",
        "cert-manager Cloudflare token Secret",
        """
apiVersion: v1
kind: Secret
metadata:
  name: cloudflare-api-token
  namespace: cert-manager
type: Opaque
stringData:
  api-token: «cloudflare»
""",
    ),
    _t(
        "yaml",
        "Supabase config.toml with an OAuth client secret",
        """
[auth]
site_url = "http://127.0.0.1:3000"

[auth.external.github]
enabled = true
client_id = "«gh_client»"
secret = "«hex40»"
redirect_uri = "http://127.0.0.1:54321/auth/v1/callback"
""",
    ),
    _t(
        "yaml",
        "compose file for Keycloak and Hasura admin secrets",
        """
  keycloak:
    image: quay.io/keycloak/keycloak:26.0
    command: start-dev
    environment:
      KC_BOOTSTRAP_ADMIN_USERNAME: admin
      KC_BOOTSTRAP_ADMIN_PASSWORD: «pw»
  hasura:
    image: hasura/graphql-engine:v2.44.0
    environment:
      HASURA_GRAPHQL_ADMIN_SECRET: «opaque»
""",
    ),
    _t(
        "yaml",
        "Kustomize secretGenerator literals",
        """
secretGenerator:
  - name: api-env
    literals:
      - SENDGRID_API_KEY=«sendgrid»
      - TWILIO_AUTH_TOKEN=«twilio_token»
generatorOptions:
  disableNameSuffixHash: true
""",
    ),
    _t(
        "yaml",
        "Ansible inventory with ansible_password",
        """
all:
  children:
    windows:
      hosts:
        win-build-01.internal:
      vars:
        ansible_user: Administrator
        ansible_password: «pw»
        ansible_connection: winrm
        ansible_winrm_server_cert_validation: ignore
""",
    ),
    _t(
        "yaml",
        "Jenkins configuration-as-code credentials",
        """
credentials:
  system:
    domainCredentials:
      - credentials:
          - string:
              scope: GLOBAL
              id: github-token
              secret: «ghp»
          - usernamePassword:
              scope: GLOBAL
              id: nexus
              username: jenkins
              password: «pw»
""",
    ),
    _t(
        "yaml",
        "Home Assistant secrets.yaml",
        """
# Use this file to store secrets like usernames and passwords.
mqtt_password: «pw»
telegram_bot_token: «int»:AA«opaque»
latitude_home: 52.3731
""",
    ),
    _t(
        "yaml",
        "MinIO compose root password",
        """
  minio:
    image: minio/minio:RELEASE.2025-01-20T14-49-07Z
    command: server /data --console-address ":9001"
    environment:
      MINIO_ROOT_USER: minio-admin
      MINIO_ROOT_PASSWORD: «pw»
    ports: ["9000:9000", "9001:9001"]
""",
    ),
    _t(
        "yaml",
        "CI service container with a random Postgres password",
        """
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: «pw»
        options: >-
          --health-cmd pg_isready --health-interval 10s
        ports: ['5432:5432']
""",
    ),
    _t(
        "yaml",
        "Kubernetes ssh-auth Secret with an OpenSSH key",
        """
apiVersion: v1
kind: Secret
metadata:
  name: git-deploy-key
type: kubernetes.io/ssh-auth
stringData:
  ssh-privatekey: |
          «openssh_yaml10»
""",
    ),
    _t(
        "yaml",
        "Kubernetes TLS Secret with tls.key",
        """
apiVersion: v1
kind: Secret
metadata:
  name: api-tls
  namespace: shop
type: kubernetes.io/tls
data:
  tls.crt: «cert_b64»
  tls.key: «pem_b64»
""",
    ),
    _t(
        "yaml",
        "Codex config.toml MCP server env with a key",
        """
model = "gpt-5-codex"
approval_policy = "on-request"

[mcp_servers.linear]
command = "npx"
args = ["-y", "@linear/mcp-server"]
env = { LINEAR_API_KEY = "«linear»" }

[mcp_servers.github]
command = "github-mcp-server"
args = ["stdio"]
env = { GITHUB_PERSONAL_ACCESS_TOKEN = "«ghfg»" }
""",
    ),
    _t(
        "yaml",
        "netlify.toml with a build env token",
        """
[build]
  command = "npm run build"
  publish = "dist"

[build.environment]
  NODE_VERSION = "20"
  CONTENTFUL_DELIVERY_TOKEN = "«b64_32»"
  CONTENTFUL_MANAGEMENT_TOKEN = "CFPAT-«opaque»"
""",
    ),
    _t(
        "yaml",
        "Sentry self-hosted config.yml system.secret-key",
        """
system.internal-url-prefix: 'http://web:9000'
system.secret-key: '«django»'
mail.host: 'smtp.internal'
mail.password: '«pw»'
""",
    ),
    _t(
        "yaml",
        "Google service account key embedded in Helm values",
        """
gcs:
  bucket: acme-exports
  serviceAccountKey:
    type: service_account
    project_id: acme-prod-3141
    private_key_id: «sha»
    private_key: |
      «pkcs8_yaml6»
    client_email: exporter@acme-prod-3141.iam.gserviceaccount.com
""",
    ),
    _t(
        "yaml",
        "mkdocs/CI deploy with a GitLab deploy token",
        """
pages:
  stage: deploy
  variables:
    GIT_DEPLOY_TOKEN: «glpat»
  script:
    - git remote set-url origin "https://gitlab-ci-token:${GIT_DEPLOY_TOKEN}@gitlab.example.com/docs/handbook.git"
    - mkdocs gh-deploy --force
""",
    ),
    _t(
        "yaml",
        "Docker registry mirror config with a password",
        """
version: 0.1
proxy:
  remoteurl: https://registry-1.docker.io
  username: acmebuild
  password: «dockerhub»
storage:
  filesystem:
    rootdirectory: /var/lib/registry
""",
    ),
    _t(
        "yaml",
        "Fluent Bit output with an Elasticsearch password",
        """
[OUTPUT]
    Name            es
    Match           kube.*
    Host            es.logging.svc
    Port            9200
    HTTP_User       fluentbit
    HTTP_Passwd     «pw»
    tls             On
""",
    ),
    _t(
        "yaml",
        "pnpm workspace .npmrc-equivalent YAML for Yarn berry",
        """
nodeLinker: node-modules
npmScopes:
  acme:
    npmRegistryServer: "https://npm.pkg.github.com"
    npmAuthToken: «ghp»
yarnPath: .yarn/releases/yarn-4.6.0.cjs
""",
    ),
    _t(
        "yaml",
        "Twilio and Stripe keys in a Symfony parameters.yaml",
        """
parameters:
    database_host: 127.0.0.1
    database_password: «pw»
    stripe_secret_key: «stripe_sk»
    twilio_account_sid: «twilio_sid»
    twilio_auth_token: «twilio_token»
""",
    ),
    _t(
        "yaml",
        "Bitbucket Pipelines with a deploy password",
        """
pipelines:
  branches:
    main:
      - step:
          name: Deploy
          script:
            - pipe: atlassian/ftp-deploy:0.7.1
              variables:
                USER: deploy
                PASSWORD: «pw»
                SERVER: ftp.example.com
                REMOTE_PATH: /var/www/html
""",
    ),
    _t(
        "yaml",
        "Terraform Cloud credentials file (HCL)",
        """
credentials "app.terraform.io" {
  token = "«tfc»"
}
""",
    ),
    _t(
        "yaml",
        "Vault agent config with an AppRole secret id",
        """
auto_auth {
  method "approle" {
    config = {
      role_id_file_path = "/etc/vault/role-id"
      secret_id = "«heroku»"
    }
  }
}
""",
    ),
    _t(
        "yaml",
        "Airflow connection in a values file",
        """
airflow:
  connections:
    - id: warehouse
      type: postgres
      host: warehouse.internal
      login: airflow
      password: «pw»
      port: 5432
  fernetKey: «fernet»
  webserverSecretKey: «hex64»
""",
    ),
    _t(
        "yaml",
        "Pulumi stack config with an unencrypted secret",
        """
config:
  aws:region: eu-west-1
  shop:dbUser: shop
  shop:dbPassword: «pw»
  shop:stripeKey: «stripe_sk»
""",
    ),
    _t(
        "yaml",
        "Buildkite pipeline with an agent token",
        """
env:
  BUILDKITE_AGENT_TOKEN: «hex64»
  BUILDKITE_API_TOKEN: «buildkite»
steps:
  - label: ":docker: build"
    command: make image
""",
    ),
]

TEMPLATES += [
    _t(
        "yaml",
        "pnpm-lock.yaml with integrity hashes",
        """
lockfileVersion: '9.0'

packages:

  '@aws-sdk/client-secrets-manager@3.744.0':
    resolution: {integrity: «sri512»}
    engines: {node: '>=18.0.0'}

  jsonwebtoken@9.0.2:
    resolution: {integrity: «sri512#2»}
    engines: {node: '>=12', npm: '>=6'}

  jose@5.9.6:
    resolution: {integrity: «sri512#3»}
""",
        numbered="arrow",
    ),
    _t(
        "yaml",
        "yarn.lock entries",
        """
"@auth/core@0.37.4":
  version "0.37.4"
  resolved "https://registry.yarnpkg.com/@auth/core/-/core-0.37.4.tgz#«sha»"
  integrity «sri512»
  dependencies:
    jose "^5.9.6"
    oauth4webapi "^3.1.1"

bcryptjs@^2.4.3:
  version "2.4.3"
  resolved "https://registry.yarnpkg.com/bcryptjs/-/bcryptjs-2.4.3.tgz#«sha#2»"
  integrity «sha1b64»
""",
    ),
    _t(
        "yaml",
        "poetry.lock with file hashes",
        """
[[package]]
name = "cryptography"
version = "44.0.0"
description = "cryptography is a package which provides cryptographic recipes and primitives to Python developers."
optional = false
python-versions = "!=3.9.0,!=3.9.1,>=3.7"
files = [
    {file = "cryptography-44.0.0-cp37-abi3-macosx_10_9_universal2.whl", hash = "sha256:«sha256»"},
    {file = "cryptography-44.0.0-cp37-abi3-manylinux_2_28_x86_64.whl", hash = "sha256:«sha256#2»"},
]

[metadata]
lock-version = "2.0"
content-hash = "«sha256#3»"
""",
        numbered="tab",
    ),
    _t(
        "yaml",
        "uv.lock package entry",
        """
[[package]]
name = "pyjwt"
version = "2.10.1"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/«short»/pyjwt-2.10.1.tar.gz", hash = "sha256:«sha256»", size = 87785 }
wheels = [
    { url = "https://files.pythonhosted.org/packages/«short#2»/PyJWT-2.10.1-py3-none-any.whl", hash = "sha256:«sha256#2»", size = 22997 },
]
""",
    ),
    _t(
        "yaml",
        "GitHub Actions workflow using secrets and SHA-pinned actions",
        """
name: release
on:
  push:
    tags: ['v*']
permissions:
  id-token: write
  contents: read
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@«sha» # v4.2.2
      - uses: actions/setup-node@«sha#2» # v4.1.0
        with:
          node-version: 20
          registry-url: https://registry.npmjs.org
      - run: npm publish --provenance
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
""",
        numbered="arrow",
    ),
    _t(
        "yaml",
        "Deployment with secretKeyRef and an image digest",
        """
      containers:
        - name: api
          image: ghcr.io/acme/api@«digest»
          env:
            - name: DATABASE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: shop-db
                  key: password
            - name: STRIPE_SECRET_KEY
              valueFrom:
                secretKeyRef: {name: stripe, key: secret-key}
""",
    ),
    _t(
        "yaml",
        "kubectl get -o yaml metadata with uid and managedFields",
        """
metadata:
  creationTimestamp: "«ts»"
  generation: 14
  name: api-token-rotator
  namespace: platform
  resourceVersion: "«rv»"
  uid: «uuid»
  ownerReferences:
  - apiVersion: batch/v1
    kind: CronJob
    name: api-token-rotator
    uid: «uuid#2»
  managedFields:
  - manager: kube-controller-manager
    operation: Update
    time: "«ts»"
""",
    ),
    _t(
        "yaml",
        "SOPS-encrypted values file",
        """
database:
    user: ENC[AES256_GCM,data:«sops_data»,iv:«sops_iv»,tag:«sops_tag»,type:str]
    password: ENC[AES256_GCM,data:«sops_data#2»,iv:«sops_iv#2»,tag:«sops_tag#2»,type:str]
sops:
    age:
        - recipient: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
          enc: |
            -----BEGIN AGE ENCRYPTED FILE-----
            «sops_iv#3»
            -----END AGE ENCRYPTED FILE-----
    lastmodified: "«ts»"
    mac: ENC[AES256_GCM,data:«sops_iv#4»,iv:«sops_iv#5»,tag:«sops_tag#3»,type:str]
    version: 3.9.4
""",
        numbered="arrow",
    ),
    _t(
        "yaml",
        "Ansible inline vault-encrypted variable",
        """
app_db_user: shop
app_db_password: !vault |
          $ANSIBLE_VAULT;1.1;AES256
          «vault_hex10»
app_db_host: db1.internal
""",
    ),
    _t(
        "yaml",
        "ExternalSecret referencing AWS Secrets Manager",
        """
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: shop-db
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: aws-secrets-manager
    kind: ClusterSecretStore
  target:
    name: shop-db
  data:
    - secretKey: password
      remoteRef:
        key: prod/shop/db
        property: password
""",
    ),
    _t(
        "yaml",
        "cert-manager ClusterIssuer with a secret reference",
        """
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: letsencrypt-prod
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    email: ops@example.com
    privateKeySecretRef:
      name: letsencrypt-prod-account-key
    solvers:
      - dns01:
          cloudflare:
            apiTokenSecretRef:
              name: cloudflare-api-token
              key: api-token
""",
    ),
    _t(
        "yaml",
        "Helm values with existingSecret",
        """
postgresql:
  auth:
    existingSecret: keycloak-db
    secretKeys:
      adminPasswordKey: postgres-password
      userPasswordKey: password
redis:
  auth:
    enabled: true
    existingSecret: redis-auth
    existingSecretPasswordKey: redis-password
""",
    ),
    _t(
        "yaml",
        "compose file with secrets from files and required env vars",
        """
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    secrets: [db_password]
  api:
    environment:
      DATABASE_URL: postgres://shop:${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}@db:5432/shop
      OPENAI_API_KEY: ${OPENAI_API_KEY}
secrets:
  db_password:
    file: ./secrets/db_password.txt
""",
    ),
    _t(
        "yaml",
        "otel collector with env-var references",
        """
exporters:
  datadog:
    api:
      key: ${env:DD_API_KEY}
      site: ${env:DD_SITE}
  otlphttp/grafana:
    endpoint: https://otlp-gateway-prod-eu-west-2.grafana.net/otlp
    auth:
      authenticator: basicauth/grafana
extensions:
  basicauth/grafana:
    client_auth:
      username: "${env:GRAFANA_INSTANCE_ID}"
      password: "${env:GRAFANA_CLOUD_TOKEN}"
""",
        numbered="arrow",
    ),
    _t(
        "yaml",
        "dependabot.yml private registries with secret references",
        """
version: 2
registries:
  npm-github:
    type: npm-registry
    url: https://npm.pkg.github.com
    token: ${{secrets.GH_PACKAGES_TOKEN}}
updates:
  - package-ecosystem: npm
    directory: /
    registries: [npm-github]
    schedule:
      interval: weekly
""",
    ),
    _t(
        "yaml",
        "OpenAPI securitySchemes",
        """
components:
  securitySchemes:
    ApiKeyAuth:
      type: apiKey
      in: header
      name: X-API-Key
    BearerAuth:
      type: http
      scheme: bearer
      bearerFormat: JWT
security:
  - ApiKeyAuth: []
""",
    ),
    _t(
        "yaml",
        "kubeconfig for EKS with an exec credential plugin",
        """
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: «cert_b64»
    server: https://«trace».gr7.eu-west-1.eks.amazonaws.com
  name: arn:aws:eks:eu-west-1:«account»:cluster/prod
users:
- name: arn:aws:eks:eu-west-1:«account»:cluster/prod
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [--region, eu-west-1, eks, get-token, --cluster-name, prod]
""",
    ),
    _t(
        "yaml",
        "ConfigMap holding a CA certificate",
        """
apiVersion: v1
kind: ConfigMap
metadata:
  name: internal-ca
data:
  ca.crt: |
    «cert_pem_yaml4»
""",
    ),
    _t(
        "yaml",
        "GitHub Actions OIDC deploy with a role ARN",
        """
      - uses: aws-actions/configure-aws-credentials@«sha» # v4.0.2
        with:
          role-to-assume: arn:aws:iam::«account»:role/gha-deploy
          aws-region: eu-west-1
      - run: aws ecs update-service --cluster shop --service api --force-new-deployment
""",
    ),
    _t(
        "yaml",
        ".pre-commit-config.yaml with secret scanners",
        """
repos:
  - repo: https://github.com/gitleaks/gitleaks
    rev: v8.21.2
    hooks:
      - id: gitleaks
  - repo: https://github.com/Yelp/detect-secrets
    rev: «sha»
    hooks:
      - id: detect-secrets
        args: ['--baseline', '.secrets.baseline']
""",
    ),
    _t(
        "yaml",
        ".gitleaks.toml allowlist",
        """
[extend]
useDefault = true

[allowlist]
description = "test fixtures and docs"
paths = ['''tests/fixtures/.*''', '''docs/.*\\.md''']
regexes = ['''EXAMPLE''', '''dummy-token''']
""",
    ),
    _t(
        "yaml",
        ".terraform.lock.hcl provider hashes",
        """
provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.84.0"
  constraints = "~> 5.0"
  hashes = [
    "«gosum»",
    "zh:«sha256»",
    "zh:«sha256#2»",
    "zh:«sha256#3»",
  ]
}
""",
        numbered="tab",
    ),
    _t(
        "yaml",
        "nginx/ingress CSP header with script hashes",
        """
  annotations:
    nginx.ingress.kubernetes.io/configuration-snippet: |
      more_set_headers "Content-Security-Policy: default-src 'self'; script-src 'self' '«sri256»' '«sri256#2»'; style-src 'self' 'unsafe-inline'";
      more_set_headers "X-Request-Id: $req_id";
""",
    ),
    _t(
        "yaml",
        "conda environment.yml with build strings",
        """
name: ml-eval
channels:
  - conda-forge
dependencies:
  - python=3.11.11=h9e4cc4f_1_cpython
  - openssl=3.4.0=hb9d3cd8_0
  - pip:
      - openai==1.61.0
      - tiktoken==0.8.0
""",
    ),
    _t(
        "yaml",
        "Argo CD Application pinned to a commit",
        """
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: payments
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/acme/platform
    targetRevision: «sha»
    path: apps/payments
  destination:
    server: https://kubernetes.default.svc
    namespace: payments
""",
    ),
    _t(
        "yaml",
        "Prometheus alert rule about expiring tokens",
        """
groups:
  - name: credentials
    rules:
      - alert: ApiTokenExpiringSoon
        expr: (api_token_expiry_timestamp_seconds - time()) < 7 * 24 * 3600
        for: 1h
        labels:
          severity: warning
        annotations:
          summary: "API token {{ $labels.token_name }} expires in less than 7 days"
""",
    ),
    _t(
        "yaml",
        "Kubernetes projected service account token volume",
        """
      volumes:
        - name: vault-token
          projected:
            sources:
              - serviceAccountToken:
                  path: token
                  expirationSeconds: 3600
                  audience: vault
      serviceAccountName: api
""",
    ),
    _t(
        "yaml",
        "Spring application.yml with placeholders",
        """
spring:
  datasource:
    url: ${DB_URL}
    username: ${DB_USER}
    password: ${DB_PASSWORD}
  security:
    oauth2:
      client:
        registration:
          github:
            client-id: ${GITHUB_CLIENT_ID}
            client-secret: ${GITHUB_CLIENT_SECRET}
""",
        numbered="arrow",
    ),
    _t(
        "yaml",
        "GitLab CI job using CI_JOB_TOKEN and masked variables",
        """
publish:
  stage: deploy
  image: python:3.12
  script:
    - pip install build twine
    - python -m build
    - TWINE_PASSWORD=${CI_JOB_TOKEN} TWINE_USERNAME=gitlab-ci-token python -m twine upload --repository-url ${CI_API_V4_URL}/projects/${CI_PROJECT_ID}/packages/pypi dist/*
  rules:
    - if: $CI_COMMIT_TAG
""",
    ),
    _t(
        "yaml",
        "Helm chart Secret template",
        """
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "api.fullname" . }}
type: Opaque
data:
  DATABASE_PASSWORD: {{ .Values.db.password | b64enc | quote }}
  {{- if .Values.stripe.enabled }}
  STRIPE_SECRET_KEY: {{ required "stripe.secretKey is required" .Values.stripe.secretKey | b64enc | quote }}
  {{- end }}
""",
    ),
    _t(
        "yaml",
        "Renovate config in YAML",
        """
extends:
  - config:recommended
  - helpers:pinGitHubActionDigests
packageRules:
  - matchPackageNames: ["jsonwebtoken", "jose"]
    groupName: jwt libraries
hostRules:
  - matchHost: npm.pkg.github.com
    hostType: npm
    encrypted:
      token: «sealed»
""",
    ),
    _t(
        "yaml",
        "Prometheus config reading passwords from files",
        """
scrape_configs:
  - job_name: node
    basic_auth:
      username: prometheus
      password_file: /etc/prometheus/secrets/node-exporter-password
    authorization:
      credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token
    static_configs:
      - targets: ['10.0.3.41:9100', '10.0.5.12:9100']
""",
    ),
    _t(
        "yaml",
        "docker-compose with build cache and image digests",
        """
services:
  api:
    image: ghcr.io/acme/api@«digest»
    build:
      context: .
      cache_from:
        - type=registry,ref=ghcr.io/acme/api:buildcache
  worker:
    image: ghcr.io/acme/worker@«digest#2»
  otel:
    image: otel/opentelemetry-collector-contrib@«digest#3»
""",
    ),
    _t(
        "yaml",
        "Kubernetes Secret with placeholder values for docs",
        """
# Example only: replace the values before applying.
apiVersion: v1
kind: Secret
metadata:
  name: smtp
stringData:
  SMTP_USER: <your-smtp-user>
  SMTP_PASSWORD: <your-smtp-password>
""",
    ),
    _t(
        "yaml",
        "Cargo config with a credential provider",
        """
[registry]
global-credential-providers = ["cargo:token", "cargo:libsecret"]

[registries.internal]
index = "sparse+https://cargo.internal.example.com/index/"
credential-provider = "cargo:libsecret"
""",
    ),
    _t(
        "yaml",
        "feature flags mentioning tokens without values",
        """
features:
  api_tokens_v2: true
  rotate_refresh_tokens: true
  password_login: false
  show_secret_scanning_banner: true
limits:
  max_tokens_per_user: 20
  token_ttl_hours: 12
""",
    ),
    _t(
        "yaml",
        "Kubernetes audit policy omitting secrets",
        """
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets", "configmaps"]
      - group: authentication.k8s.io
        resources: ["tokenreviews"]
  - level: RequestResponse
    verbs: ["create", "update", "patch"]
""",
    ),
]

# =============================================================================================
# source: code and tests the agent read or changed, diffs, SQL, Dockerfiles, Makefiles
# =============================================================================================

TEMPLATES += [
    _t(
        "source",
        "Django settings with a hard-coded SECRET_KEY",
        """
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# SECURITY WARNING: keep the secret key used in production secret!
SECRET_KEY = "«django»"

DEBUG = False
ALLOWED_HOSTS = ["shop.example.com"]
""",
        numbered="arrow",
    ),
    _t(
        "source",
        "integration test module with a Stripe test key",
        """
import stripe
import pytest

stripe.api_key = "«stripe_test»"


@pytest.mark.integration
def test_create_refund_for_captured_payment():
    intent = stripe.PaymentIntent.create(amount=1200, currency="eur", payment_method="pm_card_visa", confirm=True)
    refund = stripe.Refund.create(payment_intent=intent.id)
    assert refund.status == "succeeded"
""",
        numbered="arrow",
    ),
    _t(
        "source",
        "Node script constructing Stripe with a live key",
        """
// scripts/backfill-invoices.js
const Stripe = require('stripe');
const stripe = Stripe('«stripe_sk»', { apiVersion: '2025-02-24.acacia' });

async function main() {
  for await (const invoice of stripe.invoices.list({ status: 'open', limit: 100 })) {
    console.log(invoice.id, invoice.amount_due);
  }
}
main();
""",
    ),
    _t(
        "source",
        "TypeScript OpenAI client with an inline key",
        """
import OpenAI from "openai";

export const openai = new OpenAI({
  apiKey: "«openai»",
  organization: "org-«stripe_obj»",
});
""",
        numbered="arrow",
    ),
    _t(
        "source",
        "Go constant with a Slack bot token",
        """
package notify

import "github.com/slack-go/slack"

const slackToken = "«slack_bot»"

func New() *slack.Client {
	return slack.New(slackToken)
}
""",
    ),
    _t(
        "source",
        "Java constants with a database password",
        """
public final class DbConfig {
    public static final String URL = "jdbc:postgresql://ledger-db:5432/ledger";
    public static final String USER = "ledger";
    public static final String PASSWORD = "«pw»";

    private DbConfig() {}
}
""",
        numbered="tab",
    ),
    _t(
        "source",
        "C# SendGrid client with a literal key",
        """
using SendGrid;
using SendGrid.Helpers.Mail;

var client = new SendGridClient("«sendgrid»");
var msg = MailHelper.CreateSingleEmail(new EmailAddress("noreply@example.com"), new EmailAddress(to), subject, text, html);
var response = await client.SendEmailAsync(msg);
""",
    ),
    _t(
        "source",
        "Ruby initializer with Stripe and Twilio keys",
        """
# config/initializers/payments.rb
Stripe.api_key = '«stripe_sk»'
TWILIO = Twilio::REST::Client.new('«twilio_sid»', '«twilio_token»')
""",
    ),
    _t(
        "source",
        "wp-config.php with DB password and salts",
        """
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp_prod' );
define( 'DB_PASSWORD', '«pw»' );
define( 'DB_HOST', 'localhost' );

define( 'AUTH_KEY',         '«wp_salt»' );
define( 'SECURE_AUTH_KEY',  '«wp_salt#2»' );
define( 'LOGGED_IN_KEY',    '«wp_salt#3»' );
""",
        numbered="arrow",
    ),
    _t(
        "source",
        "Rust test with a GitHub token literal",
        """
#[tokio::test]
#[ignore = "hits the real API"]
async fn lists_workflow_runs() {
    let token = "«ghp»";
    let octo = octocrab::Octocrab::builder().personal_token(token.to_string()).build().unwrap();
    let runs = octo.workflows("acme", "api").list_all_runs().send().await.unwrap();
    assert!(!runs.items.is_empty());
}
""",
    ),
    _t(
        "source",
        "Kotlin Gemini client with an API key",
        """
val model = GenerativeModel(
    modelName = "gemini-2.0-flash",
    apiKey = "«gcp_key»",
    generationConfig = generationConfig { temperature = 0.2f },
)
""",
    ),
    _t(
        "source",
        "boto3 client with inline keys",
        """
import boto3

s3 = boto3.client(
    "s3",
    aws_access_key_id="«akid»",
    aws_secret_access_key="«aws_secret»",
    region_name="eu-west-1",
)
s3.upload_file("report.csv", "acme-reports", "daily/report.csv")
""",
        numbered="arrow",
    ),
    _t(
        "source",
        "notebook cell setting an env var in code",
        """
import os
os.environ["OPENAI_API_KEY"] = "«openai»"
os.environ["ANTHROPIC_API_KEY"] = "«anthropic»"

from langchain_openai import ChatOpenAI
llm = ChatOpenAI(model="gpt-4.1-mini")
""",
    ),
    _t(
        "source",
        "diff of a PR that adds a hard-coded key",
        """
diff --git a/src/integrations/notion.py b/src/integrations/notion.py
index «short»..«short#2» 100644
--- a/src/integrations/notion.py
+++ b/src/integrations/notion.py
@@ -1,6 +1,7 @@
 from notion_client import Client
 
-client = Client(auth=os.environ["NOTION_TOKEN"])
+# TODO: move back to env before merging
+client = Client(auth="«notion»")
""",
    ),
    _t(
        "source",
        "diff replacing a hard-coded token with an env lookup",
        """
@@ -12,7 +12,7 @@ import { Octokit } from "@octokit/rest";
 
-const octokit = new Octokit({ auth: "«ghp»" });
+const octokit = new Octokit({ auth: process.env.GITHUB_TOKEN });
 
 export async function openIssue(title: string, body: string) {
""",
    ),
    _t(
        "source",
        "Python test calling an API with a hard-coded JWT",
        """
def test_admin_can_list_users(client):
    headers = {"Authorization": "Bearer «jwt»"}
    response = client.get("/api/admin/users", headers=headers)
    assert response.status_code == 200
""",
    ),
    _t(
        "source",
        "conftest fixture with a fixed database password",
        """
@pytest.fixture(scope="session")
def postgres():
    with PostgresContainer("postgres:16", username="test", password="«pw»", dbname="shop_test") as pg:
        yield pg.get_connection_url()
""",
    ),
    _t(
        "source",
        "SQL migration creating a reporting role",
        """
-- migrations/0042_reporting_role.sql
CREATE ROLE reporting WITH LOGIN PASSWORD '«pw»';
GRANT CONNECT ON DATABASE shop TO reporting;
GRANT USAGE ON SCHEMA public TO reporting;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting;
""",
        numbered="arrow",
    ),
    _t(
        "source",
        "Dockerfile with a token in ENV",
        """
FROM node:20-alpine AS deps
WORKDIR /app
ENV NPM_TOKEN=«npm»
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev
""",
    ),
    _t(
        "source",
        "Makefile with a registry password",
        """
REGISTRY := registry.example.com
REGISTRY_USER := ci
REGISTRY_PASSWORD := «pw»

login:
	echo $(REGISTRY_PASSWORD) | docker login $(REGISTRY) -u $(REGISTRY_USER) --password-stdin
""",
    ),
    _t(
        "source",
        "bash deploy script with an API key variable",
        """
#!/usr/bin/env bash
set -euo pipefail

API_KEY="«mailgun»"
DOMAIN="mg.example.com"

curl -s --user "api:${API_KEY}" "https://api.eu.mailgun.net/v3/${DOMAIN}/messages" \\
  -F from="Deploy Bot <deploy@${DOMAIN}>" -F to=ops@example.com -F subject="Deployed $1" -F text="ok"
""",
        numbered="tab",
    ),
    _t(
        "source",
        "Terraform resource with a literal password",
        """
resource "aws_db_instance" "main" {
  identifier        = "shop-prod"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.t4g.medium"
  username          = "shop"
  password          = "«pw»"
  allocated_storage = 50
}
""",
    ),
    _t(
        "source",
        "Jenkinsfile with credentials in a curl",
        """
pipeline {
  agent any
  stages {
    stage('Trigger') {
      steps {
        sh 'curl -X POST -u admin:«pw» https://jenkins.internal/job/deploy/buildWithParameters?ENV=prod'
      }
    }
  }
}
""",
    ),
    _t(
        "source",
        "Go test with an EC private key in a raw string",
        """
func TestSignWebhook(t *testing.T) {
	keyPEM := []byte(`«ec_pem_go»`)
	key, err := jwt.ParseECPrivateKeyFromPEM(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	_ = key
}
""",
    ),
    _t(
        "source",
        "Python test with an RSA private key literal",
        """
PRIVATE_KEY = \"\"\"«rsa_pem_py»\"\"\"


def test_github_app_jwt_roundtrip():
    token = make_app_jwt(app_id=123456, private_key=PRIVATE_KEY)
    assert jwt.decode(token, options={"verify_signature": False})["iss"] == "123456"
""",
    ),
    _t(
        "source",
        "Jest test with an HMAC secret",
        """
const jwt = require('jsonwebtoken');

const SECRET = '«hex64»';

test('rejects a token signed with another secret', () => {
  const token = jwt.sign({ sub: 'u1' }, 'other-secret');
  expect(() => jwt.verify(token, SECRET)).toThrow('invalid signature');
});
""",
    ),
    _t(
        "source",
        "Elixir prod secret config",
        """
import Config

config :shop, ShopWeb.Endpoint,
  secret_key_base: "«hex128»"

config :shop, Shop.Repo,
  username: "shop",
  password: "«pw»",
  database: "shop_prod"
""",
    ),
    _t(
        "source",
        "Play application.conf secret",
        """
play.http.secret.key = "«b64_48»"
db.default.driver = org.postgresql.Driver
db.default.url = "jdbc:postgresql://db:5432/catalog"
db.default.username = catalog
db.default.password = "«pw»"
""",
    ),
    _t(
        "source",
        "C header with an API key define",
        """
#ifndef TELEMETRY_CONFIG_H
#define TELEMETRY_CONFIG_H

#define TELEMETRY_ENDPOINT "https://ingest.example.com/v1/events"
#define TELEMETRY_API_KEY  "«opaque»"

#endif
""",
    ),
    _t(
        "source",
        "R script setting an API key",
        """
library(httr2)
Sys.setenv(OPENAI_API_KEY = "«openai»")
resp <- request("https://api.openai.com/v1/models") |> req_auth_bearer_token(Sys.getenv("OPENAI_API_KEY")) |> req_perform()
""",
    ),
    _t(
        "source",
        "PowerShell with a plaintext SecureString",
        """
$User = "CORP\\svc-backup"
$Password = ConvertTo-SecureString "«pw»" -AsPlainText -Force
$Cred = New-Object System.Management.Automation.PSCredential ($User, $Password)
Invoke-Command -ComputerName FS01 -Credential $Cred -ScriptBlock { Get-Service wbengine }
""",
    ),
    _t(
        "source",
        "Flask app config secret key",
        """
app = Flask(__name__)
app.config["SECRET_KEY"] = "«hex64»"
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
""",
    ),
    _t(
        "source",
        "Express session secret",
        """
app.use(
  session({
    store: new RedisStore({ client: redisClient }),
    secret: '«opaque»',
    resave: false,
    saveUninitialized: false,
    cookie: { secure: true, httpOnly: true, sameSite: 'lax' },
  }),
);
""",
    ),
    _t(
        "source",
        "Supabase client created with the service-role key",
        """
import { createClient } from '@supabase/supabase-js'

export const supabaseAdmin = createClient(
  'https://«ksuid».supabase.co',
  '«jwt»',
  { auth: { persistSession: false } },
)
""",
    ),
    _t(
        "source",
        "Python Slack SDK with a user token",
        """
from slack_sdk import WebClient

client = WebClient(token="«slack_user»")
client.chat_postMessage(channel="#deploys", text="Deploy finished")
""",
    ),
    _t(
        "source",
        "Java JDBC connection with literal credentials",
        """
try (Connection conn = DriverManager.getConnection(
        "jdbc:sqlserver://sql01.internal:1433;databaseName=Billing;encrypt=true", "billing_app", "«pw»")) {
    migrate(conn);
}
""",
    ),
    _t(
        "source",
        ".NET connection string in code",
        """
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddDbContext<BillingContext>(o =>
    o.UseSqlServer("Server=tcp:billing.database.windows.net,1433;Initial Catalog=billing;User ID=billing_app;Password=«pw»;Encrypt=True;"));
""",
    ),
    _t(
        "source",
        "GitHub webhook signature test with the secret",
        """
WEBHOOK_SECRET = "«hex40»"


def test_valid_signature_is_accepted(client):
    body = b'{"action":"opened"}'
    sig = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert client.post("/webhooks/github", data=body, headers={"X-Hub-Signature-256": sig}).status_code == 204
""",
    ),
    _t(
        "source",
        "SMTP login in a Python script",
        """
with smtplib.SMTP("smtp.office365.com", 587) as server:
    server.starttls()
    server.login("reports@example.com", "«pw»")
    server.send_message(msg)
""",
    ),
    _t(
        "source",
        "fetch with a Shopify access token header",
        """
const res = await fetch(`https://acme-store.myshopify.com/admin/api/2025-01/orders.json?status=any`, {
  headers: {
    'X-Shopify-Access-Token': '«shopify»',
    'Content-Type': 'application/json',
  },
});
""",
    ),
    _t(
        "source",
        "Rails seeds with an admin password",
        """
# db/seeds.rb
User.find_or_create_by!(email: "admin@example.com") do |user|
  user.password = "«pw»"
  user.role = :admin
end
""",
    ),
    _t(
        "source",
        "Android build.gradle buildConfigField with a key",
        """
android {
    defaultConfig {
        applicationId "com.acme.delivery"
        minSdk 26
        buildConfigField "String", "BACKEND_API_KEY", "\\"«opaque»\\""
    }
}
""",
    ),
    _t(
        "source",
        "pyairtable client with a PAT",
        """
from pyairtable import Api

api = Api("«airtable»")
table = api.table("app«stripe_obj»", "Leads")
""",
    ),
    _t(
        "source",
        "Replicate and Groq clients with literal keys",
        """
import replicate
from groq import Groq

rep = replicate.Client(api_token="«replicate»")
groq = Groq(api_key="«groq»")
""",
    ),
    _t(
        "source",
        "requests with Mailgun basic auth tuple",
        """
def send(to, subject, text):
    return requests.post(
        "https://api.mailgun.net/v3/mg.example.com/messages",
        auth=("api", "«mailgun»"),
        data={"from": "noreply@mg.example.com", "to": to, "subject": subject, "text": text},
    )
""",
    ),
    _t(
        "source",
        "Fernet key literal in a data pipeline",
        """
from cryptography.fernet import Fernet

# key used to encrypt PII columns before export
FERNET = Fernet(b"«fernet»")
""",
    ),
    _t(
        "source",
        "Swift app with an API secret",
        """
enum Secrets {
    static let backendBaseURL = URL(string: "https://api.example.com")!
    static let backendClientSecret = "«auth0_secret»"
}
""",
    ),
    _t(
        "source",
        "Atlassian API token in a Python script",
        """
jira = JIRA(server="https://acme.atlassian.net", basic_auth=("ops@example.com", "«atlassian»"))
issues = jira.search_issues("project = OPS AND status = 'In Progress'")
""",
    ),
    _t(
        "source",
        "Kafka JAAS config in a Java properties file",
        """
bootstrap.servers=pkc-«last4»x.eu-west-1.aws.confluent.cloud:9092
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="«reqid»" password="«b64_48»";
""",
        numbered="arrow",
    ),
]

TEMPLATES += [
    _t(
        "source",
        "Python settings reading secrets from the environment",
        """
import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DB_NAME", "shop"),
        "USER": os.environ.get("DB_USER", "shop"),
        "PASSWORD": os.environ["DB_PASSWORD"],
        "HOST": os.environ.get("DB_HOST", "localhost"),
    }
}
""",
        numbered="arrow",
    ),
    _t(
        "source",
        "Go code loading a secret from Secrets Manager",
        """
func loadDBPassword(ctx context.Context, client *secretsmanager.Client) (string, error) {
	out, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId: aws.String("prod/shop/db"),
	})
	if err != nil {
		return "", fmt.Errorf("get secret: %w", err)
	}
	var s struct{ Password string `json:"password"` }
	return s.Password, json.Unmarshal([]byte(*out.SecretString), &s)
}
""",
    ),
    _t(
        "source",
        "redaction tests asserting masking",
        """
def test_api_key_is_masked_in_logs(caplog):
    log_request(headers={"Authorization": "Bearer " + make_token()})
    assert "Bearer ***" in caplog.text
    assert "sk-" not in caplog.text


def test_mask_keeps_last_four():
    assert mask("abcdefgh1234") == "********1234"
""",
    ),
    _t(
        "source",
        "token generation code",
        """
import secrets
import hashlib


def new_api_token() -> tuple[str, str]:
    \"\"\"Return (token shown once to the user, hash stored in the database).\"\"\"
    token = "acme_" + secrets.token_urlsafe(32)
    return token, hashlib.sha256(token.encode()).hexdigest()
""",
    ),
    _t(
        "source",
        "password hashing with argon2",
        """
from argon2 import PasswordHasher

ph = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4)


def set_password(user, raw_password: str) -> None:
    user.password_hash = ph.hash(raw_password)


def check_password(user, raw_password: str) -> bool:
    return ph.verify(user.password_hash, raw_password)
""",
    ),
    _t(
        "source",
        "JWT verification against a JWKS URL",
        """
import { createRemoteJWKSet, jwtVerify } from 'jose';

const JWKS = createRemoteJWKSet(new URL('https://auth.example.com/.well-known/jwks.json'));

export async function verify(token: string) {
  const { payload } = await jwtVerify(token, JWKS, { issuer: 'https://auth.example.com/', audience: 'api' });
  return payload;
}
""",
    ),
    _t(
        "source",
        "minified JavaScript bundle excerpt",
        """
!function(){"use strict";var «minvar»=window.__APP_CONFIG__||{},«minvar#2»=function(e,t){return e.getItem(t)};function o(e){var t=«minvar#2»(localStorage,"auth.token");return fetch(e,{headers:t?{Authorization:"Bearer "+t}:{}})}var r="«short»«short#2»";window.acme={load:o,build:r,apiKeyHeader:"X-Api-Key"}}();
//# sourceMappingURL=main.«short#3».js.map
""",
    ),
    _t(
        "source",
        "inline source map as base64",
        """
export function formatPrice(cents, currency) {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100);
}
//# sourceMappingURL=data:application/json;charset=utf-8;base64,eyJ2ZXJzaW9uIjozLCJmaWxlIjoicHJpY2UuanMiLCJzb3VyY2VzIjpbInByaWNlLnRzIl0sIm1hcHBpbmdzIjoi«b64_64pub»
""",
    ),
    _t(
        "source",
        "HTML with SRI integrity and a CSP nonce",
        """
<!doctype html>
<html>
<head>
  <meta http-equiv="Content-Security-Policy" content="script-src 'self' 'nonce-«nonce»'">
  <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/css/bootstrap.min.css" integrity="«sri384»" crossorigin="anonymous">
  <script src="https://cdn.jsdelivr.net/npm/alpinejs@3.14.8/dist/cdn.min.js" integrity="«sri384#2»" crossorigin="anonymous" defer></script>
  <script nonce="«nonce»">window.__RELEASE__ = "«sha»";</script>
</head>
""",
        numbered="arrow",
    ),
    _t(
        "source",
        "CSS with base64 font and image data URIs",
        """
@font-face {
  font-family: "Inter";
  src: url(data:font/woff2;base64,«woff2») format("woff2");
  font-display: swap;
}
.logo { background-image: url("data:image/png;base64,«png»"); }
""",
    ),
    _t(
        "source",
        "Python module with an embedded base64 icon",
        """
# generated by tools/embed_icons.py; do not edit
FAVICON_PNG = (
    "«png»"
)
""",
    ),
    _t(
        "source",
        "Go download checksums table",
        """
var toolChecksums = map[string]string{
	"golangci-lint-1.63.4-linux-amd64.tar.gz": "«sha256»",
	"golangci-lint-1.63.4-darwin-arm64.tar.gz": "«sha256#2»",
	"protoc-29.3-linux-x86_64.zip": "«sha256#3»",
}
""",
    ),
    _t(
        "source",
        "Rust test vectors of a hash function",
        """
#[test]
fn sha256_known_answers() {
    assert_eq!(hex(sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_eq!(hex(sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
""",
    ),
    _t(
        "source",
        "generated protobuf Python module",
        """
# -*- coding: utf-8 -*-
# Generated by the protocol buffer compiler.  DO NOT EDIT!
# source: auth/v1/token.proto
from google.protobuf import descriptor_pool as _descriptor_pool
from google.protobuf.internal import builder as _builder

DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile(base64.b64decode("«proto»"))
_builder.BuildMessageAndEnumDescriptors(DESCRIPTOR, globals())
""",
    ),
    _t(
        "source",
        "Alembic migration header",
        """
\"\"\"add api_tokens table

Revision ID: «short»«short#2»
Revises: «short#3»«short#4»
Create Date: 2026-02-27 11:42:09.113422

\"\"\"
revision = "«short»«short#2»"
down_revision = "«short#3»«short#4»"


def upgrade():
    op.create_table("api_tokens", sa.Column("id", sa.Uuid, primary_key=True), sa.Column("token_hash", sa.String(64), nullable=False, unique=True))
""",
        numbered="arrow",
    ),
    _t(
        "source",
        "test fixtures with UUIDs and ULIDs",
        """
ORDERS = [
    {"id": "«uuid»", "customer_id": "«uuid#2»", "event_id": "«ulid»", "total_cents": 4200},
    {"id": "«uuid#3»", "customer_id": "«uuid#2»", "event_id": "«ulid#2»", "total_cents": 1999},
]
""",
    ),
    _t(
        "source",
        "TypeScript credential types",
        """
export interface ProviderCredentials {
  apiKey: string;
  apiSecret?: string;
  refreshToken?: string;
  expiresAt?: number;
}

export type TokenStore = {
  get(provider: string): Promise<ProviderCredentials | undefined>;
  set(provider: string, creds: ProviderCredentials): Promise<void>;
};
""",
    ),
    _t(
        "source",
        "password policy validator",
        """
PASSWORD_RULES = [
    (re.compile(r".{12,}"), "at least 12 characters"),
    (re.compile(r"[A-Z]"), "an upper-case letter"),
    (re.compile(r"[0-9]"), "a digit"),
    (re.compile(r"[^A-Za-z0-9]"), "a symbol"),
]


def problems(password: str) -> list[str]:
    return [msg for rule, msg in PASSWORD_RULES if not rule.search(password)]
""",
    ),
    _t(
        "source",
        "Dockerfile using a build secret mount",
        """
# syntax=docker/dockerfile:1.7
FROM node:20-alpine@«digest» AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci --omit=dev
""",
        numbered="tab",
    ),
    _t(
        "source",
        "Terraform random_password and sensitive variable",
        """
resource "random_password" "db" {
  length  = 32
  special = false
}

variable "stripe_secret_key" {
  type      = string
  sensitive = true
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = random_password.db.result
}
""",
    ),
    _t(
        "source",
        "Jenkinsfile withCredentials",
        """
stage('Publish') {
  steps {
    withCredentials([string(credentialsId: 'npm-token', variable: 'NPM_TOKEN')]) {
      sh 'echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm publish'
    }
  }
}
""",
    ),
    _t(
        "source",
        "bash script prompting for a password",
        """
#!/usr/bin/env bash
read -rsp "Vault password: " VAULT_PASSWORD; echo
export VAULT_PASSWORD
ansible-playbook -i inventories/prod site.yml --vault-password-file <(printf '%s' "$VAULT_PASSWORD")
""",
    ),
    _t(
        "source",
        "Go header-name constant with a nosec note",
        """
// #nosec G101 -- the name of the header, not a credential
const apiKeyHeader = "X-Api-Key"

const (
	tokenCookie   = "session_token"
	refreshCookie = "refresh_token"
)
""",
    ),
    _t(
        "source",
        "JWT decoder test with the jwt.io example token",
        """
// The example token from jwt.io (signed with the documented secret "your-256-bit-secret").
const EXAMPLE = "«jwtio_example»";

test('decodes the header without verifying', () => {
  expect(decodeHeader(EXAMPLE)).toEqual({ alg: 'HS256', typ: 'JWT' });
});
""",
    ),
    _t(
        "source",
        "webhook verifier with an embedded public key",
        """
# Public key published by the provider for verifying webhook signatures.
PROVIDER_PUBLIC_KEY = \"\"\"«pub_pem»\"\"\"


def verify(body: bytes, signature: bytes) -> bool:
    key = serialization.load_pem_public_key(PROVIDER_PUBLIC_KEY.encode())
    key.verify(signature, body, ec.ECDSA(hashes.SHA256()))
    return True
""",
    ),
    _t(
        "source",
        "Go test with a known_hosts line",
        """
const githubKnownHost = "github.com ssh-ed25519 «ed25519_pub»"

func TestHostKeyCallback(t *testing.T) {
	cb, err := knownhosts.New(writeTemp(t, githubKnownHost))
	require.NoError(t, err)
	_ = cb
}
""",
    ),
    _t(
        "source",
        "unit test using AWS documentation example keys",
        """
def test_signer_uses_given_credentials(monkeypatch):
    # Example credentials from the AWS documentation.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "«example_akid»")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "«example_aws_secret»")
    assert current_credentials().access_key == "«example_akid»"
""",
    ),
    _t(
        "source",
        "SQL using pgcrypto for password hashes",
        """
CREATE EXTENSION IF NOT EXISTS pgcrypto;

UPDATE users
   SET password_hash = crypt($1, gen_salt('bf', 12)),
       password_changed_at = now()
 WHERE id = $2;

SELECT id FROM users WHERE email = $1 AND password_hash = crypt($2, password_hash);
""",
    ),
    _t(
        "source",
        "frontend code with a Stripe publishable key",
        """
import { loadStripe } from '@stripe/stripe-js';

// Publishable key: safe to ship to the browser.
export const stripePromise = loadStripe('«pk_live»');
""",
    ),
    _t(
        "source",
        "logging filter that masks secrets",
        """
class SecretFilter(logging.Filter):
    PATTERN = re.compile(r"(?i)(authorization|api[_-]?key|password|token)=([^&\\s]+)")

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.PATTERN.sub(lambda m: f"{m.group(1)}=***", str(record.msg))
        return True
""",
    ),
    _t(
        "source",
        "PostHog snippet with the project key",
        """
posthog.init('«posthog_project»', {
  api_host: 'https://eu.i.posthog.com',
  person_profiles: 'identified_only',
})
""",
    ),
    _t(
        "source",
        "React component handling a password field",
        """
export function PasswordField({ value, onChange }: Props) {
  const [visible, setVisible] = useState(false);
  return (
    <label>
      Password
      <input type={visible ? 'text' : 'password'} autoComplete="current-password" value={value} onChange={(e) => onChange(e.target.value)} />
      <button type="button" onClick={() => setVisible(!visible)}>{visible ? 'Hide' : 'Show'}</button>
    </label>
  );
}
""",
    ),
    _t(
        "source",
        "diff switching to Secret Manager without values",
        """
diff --git a/app/config.py b/app/config.py
index «short»..«short#2» 100644
--- a/app/config.py
+++ b/app/config.py
@@ -8,5 +8,6 @@ class Settings(BaseSettings):
-    stripe_api_key: str = Field(alias="STRIPE_API_KEY")
+    stripe_api_key: SecretStr = Field(alias="STRIPE_API_KEY")
+    openai_api_key: SecretStr | None = None
     model_config = SettingsConfigDict(env_file=".env", secrets_dir="/run/secrets")
""",
    ),
    _t(
        "source",
        "Kotlin with request ids and UUID constants",
        """
object Ids {
    val DEFAULT_TENANT: UUID = UUID.fromString("«uuid»")
    const val TRACE_HEADER = "traceparent"
    const val EXAMPLE_TRACEPARENT = "00-«trace»-«span»-01"
}
""",
    ),
    _t(
        "source",
        "test building a fake token at run time",
        """
def test_token_not_in_error_message():
    token = "tok_" + secrets.token_hex(16)
    with pytest.raises(AuthError) as exc:
        authenticate(token)
    assert token not in str(exc.value)
""",
    ),
    _t(
        "source",
        "git merge conflict in a lockfile-adjacent file",
        """
<<<<<<< HEAD
    "version": "«ver»",
    "resolved": "https://registry.npmjs.org/undici/-/undici-6.21.1.tgz",
    "integrity": "«sri512»",
=======
    "version": "«ver»",
    "resolved": "https://registry.npmjs.org/undici/-/undici-6.21.0.tgz",
    "integrity": "«sri512#2»",
>>>>>>> origin/main
""",
    ),
]

# =============================================================================================
# url: connection strings, webhooks, git remotes, query-string and signed URLs
# =============================================================================================

TEMPLATES += [
    _t(
        "url",
        "psql connection URL in a failing migration",
        """
$ psql "postgresql://migrator:«upw»@prod-db.internal:5432/shop?sslmode=require" -f migrations/0042_orders.sql
psql: error: connection to server at "prod-db.internal" (10.0.4.12), port 5432 failed: FATAL:  no pg_hba.conf entry for host "10.0.9.3", user "migrator", database "shop", SSL off
""",
    ),
    _t(
        "url",
        "MongoDB SRV URI in a Node error",
        """
MongoServerSelectionError: connect ECONNREFUSED 127.0.0.1:27017
    at Topology.selectServer (/app/node_modules/mongodb/lib/sdam/topology.js:321:38)
  uri: 'mongodb+srv://catalog:«upw»@cluster0.a1b2c.mongodb.net/catalog?retryWrites=true&w=majority'
""",
    ),
    _t(
        "url",
        "Redis Cloud URL in an env dump",
        """
REDIS_URL=redis://default:«upw»@redis-14211.c250.eu-central-1-1.ec2.redns.redis-cloud.com:14211
""",
    ),
    _t(
        "url",
        "AMQP URL in a kombu error",
        """
[2026-03-02 10:21:44,012: ERROR/MainProcess] consumer: Cannot connect to amqps://orders:«upw»@rattlesnake.rmq.cloudamqp.com/orders: [Errno 104] Connection reset by peer.
Trying again in 4.00 seconds... (2/100)
""",
    ),
    _t(
        "url",
        "git remote -v with a token in the URL",
        """
$ git remote -v
origin	https://dev-acme:«ghp»@github.com/acme/platform.git (fetch)
origin	https://dev-acme:«ghp»@github.com/acme/platform.git (push)
""",
    ),
    _t(
        "url",
        "git clone with an oauth2 GitLab token",
        """
$ git clone https://oauth2:«glpat»@gitlab.example.com/platform/terraform-modules.git
Cloning into 'terraform-modules'...
remote: Enumerating objects: 1822, done.
""",
    ),
    _t(
        "url",
        "git push failure echoing the credential URL",
        """
$ git push origin HEAD:refs/heads/release/«ver»
fatal: unable to access 'https://x-access-token:«ghs»@github.com/acme/cli.git/': The requested URL returned error: 403
""",
    ),
    _t(
        "url",
        "Discord webhook URL in a bot config",
        """
DISCORD_ALERTS_WEBHOOK=https://discord.com/api/webhooks/«discord_hook_path»
""",
    ),
    _t(
        "url",
        "Power Automate workflow webhook with a sig",
        """
Teams alert URL (from the channel's Workflows app):
https://prod-«int».westeurope.logic.azure.com:443/workflows/«trace»/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=«sig43»
""",
    ),
    _t(
        "url",
        "Azure Blob SAS URL",
        """
Upload finished: https://acmeexports.blob.core.windows.net/exports/2026-03-02/orders.csv.gz?sv=2022-11-02&ss=b&srt=o&sp=rwdlac&se=2026-03-09T18:00:00Z&st=2026-03-02T10:00:00Z&spr=https&sig=«sas_sig»
""",
    ),
    _t(
        "url",
        "Azure storage connection string",
        """
AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=acmeexports;AccountKey=«azure_key»;EndpointSuffix=core.windows.net"
""",
    ),
    _t(
        "url",
        "S3 presigned URL in an app log",
        """
2026-03-02T10:44:12Z INFO export ready url=https://acme-exports.s3.eu-west-1.amazonaws.com/exports/«uuid».csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=«akid»%2F20260302%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20260302T104412Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature=«amz_sig»
""",
    ),
    _t(
        "url",
        "Gemini REST call with key in the query",
        """
$ curl -s "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent?key=«gcp_key»" -H 'Content-Type: application/json' -d '{"contents":[{"parts":[{"text":"ping"}]}]}' | jq -r '.error.message'
Quota exceeded for quota metric 'Generate Content API requests per minute'
""",
    ),
    _t(
        "url",
        "Telegram bot API URL",
        """
requests.exceptions.HTTPError: 400 Client Error: Bad Request for url: https://api.telegram.org/bot«telegram»/sendMessage?chat_id=-1001234567890&text=deploy+failed
""",
    ),
    _t(
        "url",
        "Jupyter server URL with token",
        """
[I 2026-03-02 10:02:11.342 ServerApp] Jupyter Server 2.15.0 is running at:
[I 2026-03-02 10:02:11.342 ServerApp] http://127.0.0.1:8888/lab?token=«jupyter»
[I 2026-03-02 10:02:11.342 ServerApp]     http://127.0.0.1:8888/lab?token=«jupyter»
""",
    ),
    _t(
        "url",
        "Elasticsearch URL with basic credentials",
        """
ELASTICSEARCH_URL=https://elastic:«upw»@acme-prod.es.eu-west-1.aws.found.io:9243
""",
    ),
    _t(
        "url",
        "SQLAlchemy URL in a traceback",
        """
  File "/app/.venv/lib/python3.12/site-packages/sqlalchemy/engine/create.py", line 617, in create_engine
    u = _url.make_url(url)
sqlalchemy.exc.ArgumentError: Could not parse SQLAlchemy URL from string 'mysql+pymysql://reports:«upw»@reports-db.internal:3306/reports?charset=utf8mb4 '
""",
    ),
    _t(
        "url",
        "JDBC URL with password parameter",
        """
Caused by: java.sql.SQLException: Access denied for user 'app'@'10.0.3.17' (using password: YES)
	url: jdbc:mysql://inventory-db:3306/inventory?user=app&password=«upw»&useSSL=true
""",
    ),
    _t(
        "url",
        ".git/config with a credentialed remote",
        """
[core]
	repositoryformatversion = 0
	filemode = true
[remote "origin"]
	url = https://ci-bot:«ghfg»@github.com/acme/infra.git
	fetch = +refs/heads/*:refs/remotes/origin/*
""",
        numbered="arrow",
    ),
    _t(
        "url",
        "requirements.txt with a credentialed index URL",
        """
--extra-index-url https://deploy:«upw»@nexus.internal.example.com/repository/pypi-internal/simple
fastapi==0.115.8
acme-billing-client==«ver»
""",
    ),
    _t(
        "url",
        "GOPROXY with a token",
        """
$ go env GOPROXY GOPRIVATE
https://ci:«glpat»@goproxy.internal.example.com,https://proxy.golang.org,direct
github.com/acme/*
""",
    ),
    _t(
        "url",
        "access log with an access_token query parameter",
        """
10.0.2.15 - - [02/Mar/2026:10:14:22 +0000] "GET /v19.0/me/accounts?access_token=«fb_token»&fields=id,name HTTP/1.1" 200 512 "-" "python-requests/2.32.3"
""",
    ),
    _t(
        "url",
        "OAuth implicit-flow redirect with an access token in the fragment",
        """
[browser console] navigated to https://app.example.com/oauth/callback#access_token=«opaque»&token_type=Bearer&expires_in=3600&state=«uuid»
""",
    ),
    _t(
        "url",
        "password reset link in a mail log",
        """
2026-03-02 10:31:02 INFO mailer: sent template=password_reset to=j.doe@example.com link=https://app.example.com/reset-password?token=«reset_token»&email=j.doe%40example.com
""",
    ),
    _t(
        "url",
        "GCS signed URL",
        """
Signed URL (valid 15 min): https://storage.googleapis.com/acme-uploads/avatars/«uuid».png?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=uploader%40acme-prod-3141.iam.gserviceaccount.com%2F20260302%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20260302T103000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=«goog_sig»
""",
    ),
    _t(
        "url",
        "Cloudinary URL",
        """
CLOUDINARY_URL=cloudinary://«int»«int#2»:«b64_32»@acme-media
""",
    ),
    _t(
        "url",
        "FTP URL in a backup script log",
        """
[backup] uploading dump-20260302.sql.gz to ftp://backup:«upw»@ftp.hosting.example.net/backups/shop/
[backup] 226 Transfer complete
""",
    ),
    _t(
        "url",
        "SMTP URL for Django EMAIL_URL",
        """
EMAIL_URL=smtp+tls://postmaster%40mg.example.com:«upw»@smtp.mailgun.org:587
""",
    ),
    _t(
        "url",
        "NATS and ClickHouse URLs in a service config dump",
        """
nats_url: nats://orders:«upw»@nats.internal:4222
clickhouse_dsn: clickhouse://default:«upw#2»@ch.eu-west-1.aws.clickhouse.cloud:9440/analytics?secure=true
""",
    ),
    _t(
        "url",
        "Snowflake SQLAlchemy URL",
        """
SNOWFLAKE_URL=snowflake://DBT_USER:«upw»@acme-xy12345/ANALYTICS/PUBLIC?warehouse=TRANSFORMING&role=TRANSFORMER
""",
    ),
    _t(
        "url",
        "Neon connection string",
        """
DATABASE_URL="postgresql://neondb_owner:«neon_pw»@ep-cool-river-a2b3c4d5-pooler.eu-central-1.aws.neon.tech/neondb?sslmode=require"
""",
    ),
    _t(
        "url",
        "PlanetScale connection string",
        """
DATABASE_URL='mysql://«ksuid»:«pscale_pw»@aws.connect.psdb.cloud/shop?sslaccept=strict'
""",
    ),
    _t(
        "url",
        "Upstash Redis URL",
        """
UPSTASH_REDIS_URL="rediss://default:«b64_32»@eu1-tender-gnat-38102.upstash.io:6379"
""",
    ),
    _t(
        "url",
        "Supabase pooler URL",
        """
DIRECT_URL="postgresql://postgres.«ksuid»:«upw»@aws-0-eu-central-1.pooler.supabase.com:5432/postgres"
""",
    ),
    _t(
        "url",
        "libSQL URL with an auth token",
        """
TURSO_DATABASE_URL=libsql://shop-acme.turso.io?authToken=«jwt»
""",
    ),
    _t(
        "url",
        "Prisma Accelerate URL with api_key",
        """
DATABASE_URL="prisma://accelerate.prisma-data.net/?api_key=«jwt»"
""",
    ),
    _t(
        "url",
        "GitLab pipeline trigger token in curl",
        """
$ curl -X POST --fail -F token=«glptt» -F ref=main https://gitlab.example.com/api/v4/projects/112/trigger/pipeline
{"id":88213,"iid":4410,"project_id":112,"sha":"«sha»","ref":"main","status":"created"}
""",
    ),
    _t(
        "url",
        "WebSocket URL with a token query parameter",
        """
WebSocket connection to 'wss://stream.example.com/v1/events?token=«opaque»' failed: Error during WebSocket handshake: Unexpected response code: 401
""",
    ),
    _t(
        "url",
        "OpenWeather API key in a URL",
        """
GET https://api.openweathermap.org/data/2.5/weather?q=Berlin&units=metric&appid=«hex32» -> 401 {"cod":401, "message": "Invalid API key. Please see https://openweathermap.org/faq#error401 for more info."}
""",
    ),
    _t(
        "url",
        "percent-encoded password in a Postgres URL",
        """
DATABASE_URL=postgres://app:«pw_pct»@db.internal:5432/app
""",
    ),
    _t(
        "url",
        "Jenkins remote trigger with user, API token and job token",
        """
curl -X POST "https://ci:«hex32»@jenkins.internal.example.com/job/deploy-api/buildWithParameters?token=«opaque»&ENV=staging"
""",
    ),
    _t(
        "url",
        "yarnrc with a credentialed registry URL",
        """
registry "https://build:«upw»@nexus.internal.example.com/repository/npm-group/"
""",
    ),
    _t(
        "url",
        "MySQL URL in a docker compose error",
        """
api-1  | Error: P1001: Can't reach database server at `mysql://root:«upw»@mysql:3306/shop`
api-1  | Please make sure your database server is running at `mysql:3306`.
""",
    ),
    _t(
        "url",
        "Sidekiq Redis URL with password in a Rails log",
        """
2026-03-02T10:14:22.123Z pid=1 tid=2x8 INFO: Booting Sidekiq 7.3.7 with Sidekiq::RedisConnection::RedisClientAdapter options {:url=>"redis://:«upw»@redis.internal:6379/2"}
""",
    ),
    _t(
        "url",
        "Google Chat incoming webhook URL",
        """
CHAT_WEBHOOK=https://chat.googleapis.com/v1/spaces/AAAA«reqid»/messages?key=«gcp_key»&token=«sig43#2»
""",
    ),
    _t(
        "url",
        "Mongo URL in a Python settings dump",
        """
>>> from django.conf import settings; settings.MONGO_URI
'mongodb://analytics:«upw»@mongo-0.mongo:27017,mongo-1.mongo:27017/analytics?replicaSet=rs0&authSource=admin'
""",
    ),
    _t(
        "url",
        "RabbitMQ management API with credentials",
        """
$ curl -s http://admin:«upw»@rabbitmq.internal:15672/api/queues/%2F/orders | jq .messages
18422
""",
    ),
    _t(
        "url",
        "Grafana Loki push URL with a cloud token",
        """
LOKI_URL=https://«int»:«grafana_cloud»@logs-prod-012.grafana.net/loki/api/v1/push
""",
    ),
    _t(
        "url",
        "helm repo add with credentials in the URL",
        """
$ helm repo add internal https://chartmuseum:«upw»@charts.internal.example.com
"internal" has been added to your repositories
""",
    ),
    _t(
        "url",
        "Kafka REST proxy URL in code comment copied to chat",
        """
the consumer still hits https://«reqid»:«b64_48»@pkc-abc12.eu-west-1.aws.confluent.cloud:443/kafka/v3/clusters/lkc-q1w2e3/topics
""",
    ),
]

TEMPLATES += [
    _t(
        "url",
        "GitHub links with commit SHAs",
        """
Regression introduced in https://github.com/acme/api/commit/«sha» (see https://github.com/acme/api/compare/«short»...«short#2»).
Blame: https://github.com/acme/api/blob/«sha#2»/src/auth/tokens.py#L41-L58
""",
    ),
    _t(
        "url",
        "npm tarball and PyPI file URLs with hashes",
        """
https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz
https://files.pythonhosted.org/packages/«short»«short#2»/«short#3»«short#4»/PyJWT-2.10.1-py3-none-any.whl#sha256=«sha256»
""",
    ),
    _t(
        "url",
        "OAuth authorize URL with PKCE parameters",
        """
Opening browser: https://github.com/login/oauth/authorize?client_id=«gh_client»&redirect_uri=http%3A%2F%2F127.0.0.1%3A8976%2Fcallback&scope=repo%20read%3Aorg&state=«b64url43»&code_challenge=«b64url43#2»&code_challenge_method=S256
""",
    ),
    _t(
        "url",
        "Grafana Tempo trace link",
        """
Slow request: https://grafana.example.com/explore?orgId=1&left=%7B%22datasource%22:%22tempo%22,%22queries%22:%5B%7B%22query%22:%22«trace»%22%7D%5D%7D
""",
    ),
    _t(
        "url",
        "Jaeger trace URL",
        """
http://jaeger.internal:16686/trace/«trace»?uiFind=«span»
""",
    ),
    _t(
        "url",
        "AWS console URLs with ARNs",
        """
https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/shop/services/api/deployments?region=eu-west-1
https://eu-west-1.console.aws.amazon.com/secretsmanager/secret?name=prod%2Fshop%2Fdb&region=eu-west-1
https://console.aws.amazon.com/iam/home#/roles/details/gha-deploy (arn:aws:iam::«account»:role/gha-deploy)
""",
    ),
    _t(
        "url",
        "S3 object URL with versionId",
        """
https://acme-assets.s3.eu-west-1.amazonaws.com/brand/logo.svg?versionId=«b64url43»
""",
    ),
    _t(
        "url",
        "Sentry issue and event URLs",
        """
https://acme.sentry.io/issues/«int»«int#2»/events/«trace»/?project=«int#3»&environment=production
""",
    ),
    _t(
        "url",
        "Datadog APM trace link",
        """
https://app.datadoghq.eu/apm/trace/«run_id»«int»?spanID=«run_id#2»&env=prod&service=checkout
""",
    ),
    _t(
        "url",
        "URL templates with token placeholders",
        """
curl "https://api.example.com/v1/reports?token=${REPORTS_TOKEN}"
curl "https://api.example.com/v1/reports?token=<YOUR_TOKEN>"
""",
    ),
    _t(
        "url",
        "connection URLs with env interpolation",
        """
DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app
REDIS_URL=redis://:${REDIS_PASSWORD}@redis:6379/0
AMQP_URL=amqp://orders:%(RABBIT_PASSWORD)s@rabbitmq:5672/orders
""",
    ),
    _t(
        "url",
        "redacted connection URLs in tool output",
        """
Connected to postgres://app:****@db.internal:5432/app (pool size 10)
Remote: https://x-access-token:***@github.com/acme/api.git
redis: redis://default:[REDACTED]@cache:6379/0
""",
    ),
    _t(
        "url",
        "connection URLs without a password",
        """
DATABASE_URL=postgresql://app@localhost/app_dev?sslmode=disable
REPLICA_URL=postgresql://readonly@replica.internal:5432/app?sslmode=verify-full&sslrootcert=/etc/ssl/rds-ca.pem
""",
    ),
    _t(
        "url",
        "git remotes over ssh and plain https",
        """
$ git remote -v
origin	git@github.com:acme/platform.git (fetch)
origin	git@github.com:acme/platform.git (push)
upstream	https://github.com/upstream-org/platform.git (fetch)
""",
    ),
    _t(
        "url",
        "marketing URL with click ids",
        """
https://www.example.com/pricing?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=«gclid»
""",
    ),
    _t(
        "url",
        "asset URLs with cache-busting hashes",
        """
<link rel="preload" href="/assets/app-«short»«short#2».css?v=«sha»" as="style">
<script type="module" src="/assets/index-«short#3».js?v=«short#4»"></script>
""",
    ),
    _t(
        "url",
        "OIDC discovery and JWKS URLs",
        """
issuer: https://token.actions.githubusercontent.com
jwks_uri: https://token.actions.githubusercontent.com/.well-known/jwks
https://login.microsoftonline.com/«uuid»/v2.0/.well-known/openid-configuration
""",
    ),
    _t(
        "url",
        "Go module proxy URLs",
        """
go: downloading github.com/golang-jwt/jwt/v5 v5.2.1
GET https://proxy.golang.org/github.com/golang-jwt/jwt/v5/@v/v5.2.1.zip
GET https://sum.golang.org/lookup/github.com/golang-jwt/jwt/v5@v5.2.1
""",
    ),
    _t(
        "url",
        "GitHub Actions run and job URLs",
        """
Workflow failed: https://github.com/acme/api/actions/runs/«run_id»/job/«run_id#2»
Artifact: https://github.com/acme/api/actions/runs/«run_id»/artifacts/«int»
""",
    ),
    _t(
        "url",
        "preview deployment URLs",
        """
✅ Preview: https://web-«ksuid»-acme.vercel.app
Inspect: https://vercel.com/acme/web/«ksuid#2»
Cloud Run: https://api-«trace»-ew.a.run.app
""",
    ),
    _t(
        "url",
        "Kubernetes watch URL with resourceVersion",
        """
I0302 10:14:22.123456       1 reflector.go:368] GET https://10.96.0.1:443/api/v1/namespaces/shop/pods?allowWatchBookmarks=true&resourceVersion=«rv»&timeoutSeconds=412&watch=true 200 OK
""",
    ),
    _t(
        "url",
        "API pagination with a base64 cursor",
        """
GET /v1/orders?limit=100&cursor=«cursor» -> 200 (100 items, next_cursor=«cursor#2»)
""",
    ),
    _t(
        "url",
        "Google API page token",
        """
GET https://www.googleapis.com/drive/v3/files?pageSize=100&pageToken=«gclid»&fields=nextPageToken,files(id,name) 200
""",
    ),
    _t(
        "url",
        "IPFS content-addressed URL",
        """
https://«cid».ipfs.w3s.link/report.pdf
""",
    ),
    _t(
        "url",
        "registry blob URL with a digest",
        """
GET https://ghcr.io/v2/acme/api/blobs/«digest» -> 307 Temporary Redirect
""",
    ),
    _t(
        "url",
        "ACME order and authorization URLs",
        """
https://acme-v02.api.letsencrypt.org/acme/order/«int»«int#2»/«run_id»
https://acme-v02.api.letsencrypt.org/acme/authz-v3/«run_id#2»
""",
    ),
    _t(
        "url",
        "Azure portal resource URL",
        """
https://portal.azure.com/#@«uuid»/resource/subscriptions/«uuid#2»/resourceGroups/web-rg/providers/Microsoft.Web/sites/acme-web/overview
""",
    ),
    _t(
        "url",
        "Stripe dashboard URLs with object ids",
        """
https://dashboard.stripe.com/payments/pi_«stripe_obj»
https://dashboard.stripe.com/customers/cus_«stripe_obj#2»
https://dashboard.stripe.com/webhooks/we_«stripe_obj#3»
""",
    ),
    _t(
        "url",
        "GCP console URL with project id",
        """
https://console.cloud.google.com/run/detail/europe-west1/api/revisions?project=acme-prod-3141&supportedpurview=project
https://console.cloud.google.com/logs/query;query=trace%3D%22projects%2Facme-prod-3141%2Ftraces%2F«trace»%22?project=acme-prod-3141
""",
    ),
    _t(
        "url",
        "npm package page and provenance links",
        """
https://www.npmjs.com/package/@acme/ui/v/«ver»
Provenance: https://search.sigstore.dev/?logIndex=«run_id»
Source commit: https://github.com/acme/ui/tree/«sha»
""",
    ),
    _t(
        "url",
        "docs URLs about tokens",
        """
See https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens and https://platform.openai.com/docs/api-reference/authentication for how to create and rotate API keys.
""",
    ),
    _t(
        "url",
        "localhost URLs with ports and ids",
        """
  ➜  Local:   http://localhost:5173/
  ➜  Network: http://192.168.1.23:5173/
GET http://localhost:3000/api/orders/«uuid»?include=items 200 in 42ms
""",
    ),
    _t(
        "url",
        "Helm repo and OCI chart URLs",
        """
helm pull oci://ghcr.io/acme/charts/api --version «ver»
Pulled: ghcr.io/acme/charts/api:«ver»
Digest: «digest»
""",
    ),
    _t(
        "url",
        "YouTube and Loom links in an onboarding doc",
        """
Architecture walkthrough: https://www.loom.com/share/«trace»
Deploy demo: https://www.youtube.com/watch?v=«ksuid»
""",
    ),
    _t(
        "url",
        "Azure Key Vault secret reference URI",
        """
@Microsoft.KeyVault(SecretUri=https://acme-kv.vault.azure.net/secrets/DbPassword/«trace»)
""",
    ),
    _t(
        "url",
        "GitHub raw URL with a commit",
        """
curl -fsSL https://raw.githubusercontent.com/acme/scripts/«sha»/install.sh | sh
""",
    ),
]

# =============================================================================================
# json: JSON files the agent read, API responses, CLI --json output, agent and MCP settings
# =============================================================================================

TEMPLATES += [
    _t(
        "json",
        ".mcp.json with a GitHub token in env",
        """
{
  "mcpServers": {
    "github": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"],
      "env": {
        "GITHUB_PERSONAL_ACCESS_TOKEN": "«ghfg»"
      }
    }
  }
}
""",
        numbered="arrow",
    ),
    _t(
        "json",
        "Claude Desktop config with MCP server keys",
        """
{
  "mcpServers": {
    "brave-search": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-brave-search"],
      "env": { "BRAVE_API_KEY": "«brave»" }
    },
    "postgres": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://readonly:«upw»@localhost:5432/shop"]
    }
  }
}
""",
    ),
    _t(
        "json",
        "Claude Code settings.local.json with env values",
        """
{
  "permissions": {
    "allow": ["Bash(npm run test:*)", "Bash(git diff:*)"]
  },
  "env": {
    "DATABASE_URL": "postgres://app:«upw»@localhost:5432/app_dev",
    "SENTRY_AUTH_TOKEN": "«sentry_token»"
  }
}
""",
    ),
    _t(
        "json",
        "GCP service account key file",
        """
{
  "type": "service_account",
  "project_id": "acme-prod-3141",
  "private_key_id": "«sha»",
  "private_key": "«pkcs8_json»\\n",
  "client_email": "ci-deployer@acme-prod-3141.iam.gserviceaccount.com",
  "client_id": "«run_id»«int»",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token"
}
""",
        numbered="arrow",
    ),
    _t(
        "json",
        "docker config.json with an auth entry",
        """
{
	"auths": {
		"https://index.docker.io/v1/": {
			"auth": "«dockerauth»"
		},
		"ghcr.io": {
			"auth": "«basic»"
		}
	},
	"credsStore": ""
}
""",
    ),
    _t(
        "json",
        "aws sts assume-role output",
        """
{
    "Credentials": {
        "AccessKeyId": "«asia»",
        "SecretAccessKey": "«aws_secret»",
        "SessionToken": "«aws_session»",
        "Expiration": "«ts»"
    },
    "AssumedRoleUser": {
        "AssumedRoleId": "AROA«reqid»:deploy-session",
        "Arn": "arn:aws:sts::«account»:assumed-role/deploy/deploy-session"
    }
}
""",
    ),
    _t(
        "json",
        "aws secretsmanager get-secret-value output",
        """
{
    "ARN": "arn:aws:secretsmanager:eu-west-1:«account»:secret:prod/shop/db-«arn_suffix»",
    "Name": "prod/shop/db",
    "VersionId": "«uuid»",
    "SecretString": "{\\"username\\":\\"shop\\",\\"password\\":\\"«pw»\\",\\"host\\":\\"shop-prod.c9x1kz.eu-west-1.rds.amazonaws.com\\"}",
    "VersionStages": ["AWSCURRENT"],
    "CreatedDate": "2026-02-28T09:12:44.511000+00:00"
}
""",
    ),
    _t(
        "json",
        "terraform.tfstate resource with a password attribute",
        """
{
  "mode": "managed",
  "type": "aws_db_instance",
  "name": "main",
  "instances": [
    {
      "schema_version": 2,
      "attributes": {
        "identifier": "shop-prod",
        "username": "shop",
        "password": "«pw»",
        "endpoint": "shop-prod.c9x1kz.eu-west-1.rds.amazonaws.com:5432"
      },
      "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]]
    }
  ]
}
""",
    ),
    _t(
        "json",
        "appsettings.json connection strings",
        """
{
  "Logging": { "LogLevel": { "Default": "Information" } },
  "ConnectionStrings": {
    "Default": "Server=sql01.internal;Database=Billing;User Id=billing_app;Password=«pw»;TrustServerCertificate=True",
    "Redis": "cache.internal:6380,password=«pw#2»,ssl=True,abortConnect=False"
  },
  "AllowedHosts": "*"
}
""",
        numbered="arrow",
    ),
    _t(
        "json",
        "package.json script with an inline token",
        """
{
  "name": "@acme/web",
  "version": "«ver»",
  "scripts": {
    "dev": "next dev",
    "build": "next build",
    "upload-sourcemaps": "sentry-cli --auth-token «sentry_token» sourcemaps upload .next"
  }
}
""",
    ),
    _t(
        "json",
        "VS Code launch.json with env values",
        """
{
  "version": "0.2.0",
  "configurations": [
    {
      "type": "debugpy",
      "request": "launch",
      "name": "worker",
      "module": "shop.worker",
      "env": {
        "STRIPE_API_KEY": "«stripe_test»",
        "OPENAI_API_KEY": "«openai»"
      }
    }
  ]
}
""",
    ),
    _t(
        "json",
        "Postman environment export with values",
        """
{
  "id": "«uuid»",
  "name": "staging",
  "values": [
    {"key": "baseUrl", "value": "https://staging-api.example.com", "enabled": true},
    {"key": "apiKey", "value": "«opaque»", "type": "secret", "enabled": true},
    {"key": "adminPassword", "value": "«pw»", "type": "secret", "enabled": true}
  ],
  "_postman_variable_scope": "environment"
}
""",
    ),
    _t(
        "json",
        "kubectl get secret -o json",
        """
{
    "apiVersion": "v1",
    "data": {
        "password": "«k8spw»",
        "username": "«k8s_b64_user»"
    },
    "kind": "Secret",
    "metadata": {
        "name": "payments-db",
        "namespace": "payments",
        "resourceVersion": "«rv»",
        "uid": "«uuid»"
    },
    "type": "Opaque"
}
""",
    ),
    _t(
        "json",
        "docker inspect Env array",
        """
        "Config": {
            "Hostname": "«short»a1b2c3",
            "Env": [
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "NODE_ENV=production",
                "DATABASE_URL=postgres://shop:«upw»@db:5432/shop",
                "SESSION_SECRET=«hex64»"
            ],
            "Image": "ghcr.io/acme/api@«digest»"
        }
""",
    ),
    _t(
        "json",
        "composer auth.json",
        """
{
    "github-oauth": {
        "github.com": "«gho»"
    },
    "http-basic": {
        "repo.packagist.com": {
            "username": "token",
            "password": "«hex64»"
        }
    }
}
""",
    ),
    _t(
        "json",
        "JWK private key",
        """
{
  "kty": "OKP",
  "crv": "Ed25519",
  "kid": "«short»-2026-02",
  "x": "«jwk_x»",
  "d": "«jwk_d»"
}
""",
    ),
    _t(
        "json",
        "OAuth token response",
        """
{
  "access_token": "«google_access»",
  "expires_in": 3599,
  "refresh_token": "«google_refresh»",
  "scope": "https://www.googleapis.com/auth/drive.readonly",
  "token_type": "Bearer"
}
""",
    ),
    _t(
        "json",
        "Google OAuth client_secret.json",
        """
{"installed":{"client_id":"«google_client»","project_id":"acme-tools","auth_uri":"https://accounts.google.com/o/oauth2/auth","token_uri":"https://oauth2.googleapis.com/token","auth_provider_x509_cert_url":"https://www.googleapis.com/oauth2/v1/certs","client_secret":"«google_secret»","redirect_uris":["http://localhost"]}}
""",
    ),
    _t(
        "json",
        "Auth0 create client response",
        """
{
  "client_id": "«ksuid»",
  "client_secret": "«auth0_secret»",
  "name": "reporting-svc",
  "app_type": "non_interactive",
  "grant_types": ["client_credentials"],
  "token_endpoint_auth_method": "client_secret_post"
}
""",
    ),
    _t(
        "json",
        "GitHub App manifest conversion response",
        """
{
  "id": «int»«int#2»,
  "slug": "acme-release-bot",
  "client_id": "«gh_client»",
  "client_secret": "«hex40»",
  "webhook_secret": "«hex40#2»",
  "pem": "«pkcs8_json»\\n"
}
""",
    ),
    _t(
        "json",
        "Vault login API response",
        """
{
  "request_id": "«uuid»",
  "lease_id": "",
  "auth": {
    "client_token": "«vault»",
    "accessor": "«ksuid»",
    "policies": ["default", "ci"],
    "lease_duration": 2764800,
    "renewable": true
  }
}
""",
    ),
    _t(
        "json",
        "az account get-access-token output",
        """
{
  "accessToken": "«jwt_rs»",
  "expiresOn": "2026-03-02 11:44:12.000000",
  "subscription": "«uuid»",
  "tenant": "«uuid#2»",
  "tokenType": "Bearer"
}
""",
    ),
    _t(
        "json",
        "gcloud application default credentials",
        """
{
  "account": "",
  "client_id": "«google_client»",
  "client_secret": "«google_secret»",
  "quota_project_id": "acme-dev-2718",
  "refresh_token": "«google_refresh»",
  "type": "authorized_user",
  "universe_domain": "googleapis.com"
}
""",
    ),
    _t(
        "json",
        "HAR entry with cookie and authorization headers",
        """
{
  "request": {
    "method": "GET",
    "url": "https://app.example.com/api/me",
    "headers": [
      {"name": "authorization", "value": "Bearer «jwt»"},
      {"name": "cookie", "value": "_app_session=«session_rails»; theme=dark"},
      {"name": "x-request-id", "value": "«uuid»"}
    ]
  }
}
""",
    ),
    _t(
        "json",
        "Playwright storageState.json",
        """
{
  "cookies": [
    {"name": "sessionid", "value": "«session_django»", "domain": "staging.example.com", "path": "/", "expires": 1799999999, "httpOnly": true, "secure": true, "sameSite": "Lax"},
    {"name": "csrftoken", "value": "«csrf»", "domain": "staging.example.com", "path": "/", "expires": 1799999999, "httpOnly": false, "secure": true, "sameSite": "Lax"}
  ],
  "origins": []
}
""",
    ),
    _t(
        "json",
        "Sentry event request with a session cookie",
        """
"request": {
  "url": "https://shop.example.com/checkout",
  "method": "POST",
  "headers": {
    "Cookie": "connect.sid=«session_express»",
    "User-Agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)"
  }
}
""",
    ),
    _t(
        "json",
        "Stripe webhook endpoint create response",
        """
{
  "id": "we_«stripe_obj»",
  "object": "webhook_endpoint",
  "api_version": "2025-02-24.acacia",
  "enabled_events": ["checkout.session.completed", "invoice.paid"],
  "livemode": true,
  "secret": "«whsec»",
  "status": "enabled",
  "url": "https://api.example.com/webhooks/stripe"
}
""",
    ),
    _t(
        "json",
        "Slack oauth.v2.access response",
        """
{
  "ok": true,
  "app_id": "A«reqid»",
  "authed_user": {"id": "U«reqid#2»"},
  "scope": "chat:write,channels:read",
  "token_type": "bot",
  "access_token": "«slack_bot»",
  "bot_user_id": "U«reqid#3»",
  "team": {"id": "T«reqid#4»", "name": "Acme"}
}
""",
    ),
    _t(
        "json",
        "LaunchDarkly server config",
        """
{
  "launchdarkly": {
    "sdkKey": "«launchdarkly»",
    "clientSideId": "«stripe_obj»",
    "offline": false
  }
}
""",
    ),
    _t(
        "json",
        "Vercel env API response with a decrypted value",
        """
{
  "envs": [
    {"type": "encrypted", "key": "DATABASE_URL", "value": "postgresql://web:«upw»@ep-still-wood.eu-central-1.aws.neon.tech/web", "target": ["production"], "id": "«ksuid»", "decrypted": true},
    {"type": "plain", "key": "NEXT_PUBLIC_SITE_URL", "value": "https://www.example.com", "target": ["production"], "id": "«ksuid#2»"}
  ]
}
""",
    ),
    _t(
        "json",
        "heroku config --json",
        """
{
  "DATABASE_URL": "postgres://u«short»:«upw»@ec2-34-250-1-12.eu-west-1.compute.amazonaws.com:5432/d«short#2»",
  "PAPERTRAIL_API_TOKEN": "«opaque»",
  "WEB_CONCURRENCY": "2"
}
""",
    ),
    _t(
        "json",
        "op item get --format json with a revealed password",
        """
{
  "id": "«ksuid»",
  "title": "Staging DB",
  "category": "DATABASE",
  "fields": [
    {"id": "username", "type": "STRING", "label": "username", "value": "staging_admin"},
    {"id": "password", "type": "CONCEALED", "label": "password", "value": "«pw»"}
  ]
}
""",
    ),
    _t(
        "json",
        "bw get item output",
        """
{"object":"item","id":"«uuid»","organizationId":null,"folderId":null,"type":1,"name":"Grafana admin","login":{"username":"admin","password":"«pw»","totp":null,"uris":[{"match":null,"uri":"https://grafana.internal.example.com"}]},"revisionDate":"«ts»"}
""",
    ),
    _t(
        "json",
        "Codex auth.json",
        """
{
  "OPENAI_API_KEY": "«openai»",
  "tokens": {
    "id_token": "«jwt_rs»",
    "access_token": "«jwt_rs#2»",
    "refresh_token": "rt_«b64_48»",
    "account_id": "«uuid»"
  },
  "last_refresh": "«ts»"
}
""",
    ),
    _t(
        "json",
        "Claude Code .credentials.json",
        """
{"claudeAiOauth":{"accessToken":"«claude_oat»","refreshToken":"«claude_ort»","expiresAt":1799999999000,"scopes":["user:inference","user:profile"],"subscriptionType":"max"}}
""",
    ),
    _t(
        "json",
        "Gemini CLI oauth_creds.json",
        """
{
  "access_token": "«google_access»",
  "scope": "https://www.googleapis.com/auth/cloud-platform openid https://www.googleapis.com/auth/userinfo.email",
  "token_type": "Bearer",
  "id_token": "«jwt_rs»",
  "expiry_date": 1799999999000,
  "refresh_token": "«google_refresh»"
}
""",
    ),
    _t(
        "json",
        "Copilot apps.json with an OAuth token",
        """
{"github.com:Iv1.b507a08c87ecfe98":{"user":"dev-acme","oauth_token":"«ghu»","githubAppId":"Iv1.b507a08c87ecfe98"}}
""",
    ),
    _t(
        "json",
        "Jupyter notebook cell with a key",
        """
 {
   "cell_type": "code",
   "execution_count": 3,
   "metadata": {},
   "outputs": [],
   "source": [
    "import os\\n",
    "os.environ[\\"HF_TOKEN\\"] = \\"«hf»\\"\\n",
    "from huggingface_hub import login; login()"
   ]
  }
""",
    ),
    _t(
        "json",
        "VS Code mcp.json with an Authorization header",
        """
{
  "servers": {
    "linear": {
      "type": "http",
      "url": "https://mcp.linear.app/mcp",
      "headers": { "Authorization": "Bearer «linear»" }
    },
    "internal-docs": {
      "type": "http",
      "url": "https://mcp.internal.example.com/mcp",
      "headers": { "X-API-Key": "«mcp_bearer»" }
    }
  }
}
""",
        numbered="arrow",
    ),
    _t(
        "json",
        "Grafana service account token create response",
        """
{"id":7,"name":"ci-dashboards","key":"«grafana_sa»"}
""",
    ),
    _t(
        "json",
        "Datadog API key create response",
        """
{"data":{"type":"api_keys","attributes":{"created_at":"«ts»","key":"«dd_api»","last4":"«last4»","name":"otel-collector"},"id":"«uuid»"}}
""",
    ),
    _t(
        "json",
        "vault operator init JSON",
        """
{
  "unseal_keys_b64": [
    "«b64_32»",
    "«b64_32#2»",
    "«b64_32#3»"
  ],
  "unseal_shares": 3,
  "unseal_threshold": 2,
  "root_token": "«vault»"
}
""",
    ),
    _t(
        "json",
        "az ad app credential reset output",
        """
{
  "appId": "«uuid»",
  "password": "«azure_secret»",
  "tenant": "«uuid#2»"
}
""",
    ),
    _t(
        "json",
        "Continue config.json with provider keys",
        """
{
  "models": [
    {"title": "Claude", "provider": "anthropic", "model": "claude-sonnet-4-5", "apiKey": "«anthropic»"},
    {"title": "OpenRouter", "provider": "openrouter", "model": "qwen/qwen3-coder", "apiKey": "«openrouter»"}
  ],
  "tabAutocompleteModel": {"title": "Codestral", "provider": "mistral", "model": "codestral-latest", "apiKey": "«hex32»"}
}
""",
    ),
    _t(
        "json",
        "structured log line with a password field",
        """
{"level":"debug","ts":"«ts»","logger":"db","msg":"opening connection","host":"pg-primary","user":"billing","password":"«pw»","sslmode":"require"}
""",
    ),
    _t(
        "json",
        "Airbyte source configuration",
        """
{
  "sourceDefinitionId": "«uuid»",
  "connectionConfiguration": {
    "host": "replica.internal",
    "port": 5432,
    "database": "shop",
    "username": "airbyte",
    "password": "«pw»",
    "ssl_mode": {"mode": "require"}
  }
}
""",
    ),
    _t(
        "json",
        "firebase-admin service account in a secrets.json",
        """
{
  "firebase": {
    "projectId": "acme-mobile",
    "clientEmail": "firebase-adminsdk-x1y2z@acme-mobile.iam.gserviceaccount.com",
    "privateKey": "«pkcs8_json»\\n"
  },
  "pushover": {"token": "«opaque»"}
}
""",
    ),
    _t(
        "json",
        "Doppler secrets --json output",
        """
{
  "DATABASE_PASSWORD": {"computed": "«pw»", "note": ""},
  "DOPPLER_ENVIRONMENT": {"computed": "stg", "note": ""},
  "RESEND_API_KEY": {"computed": "re_«opaque»", "note": "transactional mail"}
}
""",
    ),
    _t(
        "json",
        "Kubernetes service-account token Secret JSON",
        """
{
  "apiVersion": "v1",
  "kind": "Secret",
  "metadata": {"name": "ci-deployer-token", "namespace": "apps", "annotations": {"kubernetes.io/service-account.name": "ci-deployer"}},
  "type": "kubernetes.io/service-account-token",
  "data": {"namespace": "YXBwcw==", "token": "«jwt_rs»"}
}
""",
    ),
    _t(
        "json",
        "Pulumi stack export with a plaintext secret",
        """
{
  "urn": "urn:pulumi:prod::shop::random:index/randomPassword:RandomPassword::db",
  "type": "random:index/randomPassword:RandomPassword",
  "outputs": {
    "length": 32,
    "result": "«pw»",
    "special": false
  }
}
""",
    ),
    _t(
        "json",
        "Netlify CLI config.json",
        """
{
  "telemetryDisabled": false,
  "users": {
    "«stripe_obj»": {"id": "«stripe_obj»", "name": "Dev Acme", "auth": {"token": "«netlify»", "github": {}}}
  }
}
""",
    ),
    _t(
        "json",
        "Twilio credentials in a serverless .runtimeconfig.json",
        """
{
  "twilio": {
    "account_sid": "«twilio_sid»",
    "auth_token": "«twilio_token»"
  },
  "sendgrid": {"key": "«sendgrid»"}
}
""",
    ),
]

TEMPLATES += [
    _t(
        "json",
        "package-lock.json entries",
        """
    "node_modules/jsonwebtoken": {
      "version": "9.0.2",
      "resolved": "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz",
      "integrity": "«sri512»",
      "license": "MIT",
      "dependencies": {
        "jws": "^3.2.2",
        "lodash.includes": "^4.3.0"
      }
    },
    "node_modules/jws": {
      "version": "3.2.2",
      "resolved": "https://registry.npmjs.org/jws/-/jws-3.2.2.tgz",
      "integrity": "«sri512#2»"
    },
""",
        numbered="arrow",
    ),
    _t(
        "json",
        "composer.lock package",
        """
        {
            "name": "firebase/php-jwt",
            "version": "v6.10.2",
            "source": {
                "type": "git",
                "url": "https://github.com/firebase/php-jwt.git",
                "reference": "«sha»"
            },
            "dist": {
                "type": "zip",
                "url": "https://api.github.com/repos/firebase/php-jwt/zipball/«sha»",
                "reference": "«sha»",
                "shasum": ""
            }
        }
""",
    ),
    _t(
        "json",
        "source map file",
        """
{"version":3,"file":"main.«short».js","sources":["webpack://web/./src/api/client.ts","webpack://web/./src/auth/token.ts"],"names":["getToken","refreshToken","apiKey"],"mappings":"«vlq»","sourceRoot":""}
""",
    ),
    _t(
        "json",
        "aws sts get-caller-identity",
        """
{
    "UserId": "AROA«reqid»:dev@example.com",
    "Account": "«account»",
    "Arn": "arn:aws:sts::«account»:assumed-role/AWSReservedSSO_Developer_«short»«short#2»/dev@example.com"
}
""",
    ),
    _t(
        "json",
        "aws ec2 describe-security-groups",
        """
{
    "SecurityGroups": [
        {
            "GroupId": "«sg»",
            "GroupName": "api-alb",
            "OwnerId": "«account»",
            "VpcId": "«vpc»",
            "IpPermissions": [{"FromPort": 443, "IpProtocol": "tcp", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "ToPort": 443}]
        }
    ]
}
""",
    ),
    _t(
        "json",
        "kubectl get pod -o json status",
        """
    "status": {
        "containerStatuses": [
            {
                "containerID": "containerd://«sha256»",
                "image": "ghcr.io/acme/api:«short»",
                "imageID": "ghcr.io/acme/api@«digest»",
                "name": "api",
                "ready": false,
                "restartCount": 6
            }
        ],
        "podIP": "10.42.1.17"
    },
    "metadata": {"uid": "«uuid»", "resourceVersion": "«rv»"}
""",
    ),
    _t(
        "json",
        "docker inspect image",
        """
[
    {
        "Id": "«digest»",
        "RepoTags": ["acme/api:latest"],
        "RepoDigests": ["acme/api@«digest#2»"],
        "Created": "«ts»",
        "Config": {
            "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "NODE_ENV=production", "PORT=8080"]
        },
        "RootFS": {"Type": "layers", "Layers": ["«digest#3»", "«digest#4»"]}
    }
]
""",
    ),
    _t(
        "json",
        "detect-secrets baseline",
        """
{
  "version": "1.5.0",
  "results": {
    "tests/fixtures/config.yaml": [
      {
        "type": "Secret Keyword",
        "filename": "tests/fixtures/config.yaml",
        "hashed_secret": "«sha»",
        "is_verified": false,
        "line_number": 12
      }
    ]
  },
  "generated_at": "«ts»"
}
""",
        numbered="arrow",
    ),
    _t(
        "json",
        "JWKS with public keys",
        """
{
  "keys": [
    {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "«short»«short#2»", "n": "«jwk_n»", "e": "AQAB"},
    {"kty": "OKP", "crv": "Ed25519", "use": "sig", "kid": "«short#3»", "x": "«jwk_x»"}
  ]
}
""",
    ),
    _t(
        "json",
        "GitHub commit API response with a PGP signature",
        """
{
  "sha": "«sha»",
  "node_id": "C_kwDO«stripe_obj»",
  "commit": {
    "message": "Rotate webhook secret reference",
    "tree": {"sha": "«sha#2»"},
    "verification": {
      "verified": true,
      "reason": "valid",
      "signature": "«pgp_sig»"
    }
  }
}
""",
    ),
    _t(
        "json",
        "GitHub deploy keys list",
        """
[
  {"id": «int»«int#2», "key": "ssh-ed25519 «ed25519_pub»", "title": "argocd", "read_only": true, "created_at": "«ts»"},
  {"id": «int#3»«int#4», "key": "ssh-rsa «rsa_pub»", "title": "legacy-jenkins", "read_only": false, "created_at": "«ts»"}
]
""",
    ),
    _t(
        "json",
        "Stripe event JSON",
        """
{
  "id": "evt_«stripe_obj»",
  "object": "event",
  "type": "payment_intent.succeeded",
  "data": {"object": {"id": "pi_«stripe_obj#2»", "customer": "cus_«stripe_obj#3»", "amount": 4200, "currency": "eur", "latest_charge": "ch_«stripe_obj#4»"}},
  "request": {"id": "req_«stripe_obj#5»", "idempotency_key": "«uuid»"}
}
""",
    ),
    _t(
        "json",
        "OpenAI chat completion response",
        """
{
  "id": "«chatcmpl»",
  "object": "chat.completion",
  "created": «epoch»,
  "model": "gpt-4.1-mini-2025-04-14",
  "system_fingerprint": "fp_«short»«short#2»",
  "choices": [{"index": 0, "message": {"role": "assistant", "content": "The token bucket refills at 10 tokens per second."}, "finish_reason": "stop"}],
  "usage": {"prompt_tokens": 412, "completion_tokens": 14, "total_tokens": 426}
}
""",
    ),
    _t(
        "json",
        "Anthropic messages response",
        """
{"id":"«msg_id»","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Rotate the key, then update the secret in CI."}],"stop_reason":"end_turn","usage":{"input_tokens":812,"output_tokens":15,"cache_read_input_tokens":0}}
""",
    ),
    _t(
        "json",
        "MCP config with env references",
        """
{
  "inputs": [
    {"type": "promptString", "id": "github_token", "description": "GitHub Personal Access Token", "password": true}
  ],
  "servers": {
    "github": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${input:github_token}"}
    }
  }
}
""",
        numbered="arrow",
    ),
    _t(
        "json",
        "Claude Code settings.json denying reads of secrets",
        """
{
  "permissions": {
    "deny": [
      "Read(./.env)",
      "Read(./.env.*)",
      "Read(./secrets/**)",
      "Bash(cat ~/.aws/credentials)"
    ],
    "allow": ["Bash(npm run lint)", "Bash(npm run test:*)"]
  },
  "env": {"DISABLE_TELEMETRY": "1"}
}
""",
    ),
    _t(
        "json",
        "terraform show -json with sensitive markers",
        """
{"address":"aws_db_instance.main","mode":"managed","type":"aws_db_instance","name":"main","values":{"identifier":"shop-prod","username":"shop","arn":"arn:aws:rds:eu-west-1:«account»:db:shop-prod"},"sensitive_values":{"password":true}}
""",
    ),
    _t(
        "json",
        "Vercel env list without values",
        """
{"envs":[{"type":"encrypted","key":"DATABASE_URL","target":["production","preview"],"id":"«ksuid»","updatedAt":«epoch»000},{"type":"sensitive","key":"STRIPE_SECRET_KEY","target":["production"],"id":"«ksuid#2»","updatedAt":«epoch»000}]}
""",
    ),
    _t(
        "json",
        "Postman collection with variables",
        """
{
  "info": {"_postman_id": "«uuid»", "name": "Billing API", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{accessToken}}", "type": "string"}]},
  "item": [{"name": "List invoices", "request": {"method": "GET", "header": [{"key": "X-API-Key", "value": "{{apiKey}}"}], "url": "{{baseUrl}}/v1/invoices"}}]
}
""",
    ),
    _t(
        "json",
        "npm pack --json output",
        """
[
  {
    "id": "@acme/ui@«ver»",
    "name": "@acme/ui",
    "version": "«ver»",
    "size": 48211,
    "unpackedSize": 201334,
    "shasum": "«sha»",
    "integrity": "«sri512»",
    "filename": "acme-ui-«ver».tgz",
    "entryCount": 64
  }
]
""",
    ),
    _t(
        "json",
        "Sigstore bundle excerpt",
        """
{
  "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
  "verificationMaterial": {
    "tlogEntries": [{"logIndex": "«run_id»", "logId": {"keyId": "«b64_32pub»"}, "integratedTime": "«epoch»"}]
  },
  "messageSignature": {
    "messageDigest": {"algorithm": "SHA2_256", "digest": "«b64_32pub#2»"},
    "signature": "«b64_64pub»"
  }
}
""",
    ),
    _t(
        "json",
        "web app manifest with a base64 icon",
        """
{
  "name": "Acme Shop",
  "short_name": "Shop",
  "icons": [{"src": "data:image/png;base64,«png»", "sizes": "192x192", "type": "image/png"}],
  "start_url": "/",
  "display": "standalone"
}
""",
    ),
    _t(
        "json",
        "notebook output with a base64 image",
        """
   "outputs": [
    {
     "data": {
      "image/png": "«png»",
      "text/plain": ["<Figure size 640x480 with 1 Axes>"]
     },
     "metadata": {},
     "output_type": "display_data"
    }
   ]
""",
    ),
    _t(
        "json",
        "launch.json using an envFile",
        """
{
  "version": "0.2.0",
  "configurations": [
    {"type": "node", "request": "launch", "name": "api", "program": "${workspaceFolder}/src/server.ts", "envFile": "${workspaceFolder}/.env.local", "env": {"LOG_LEVEL": "debug"}}
  ]
}
""",
    ),
    _t(
        "json",
        "OpenAPI JSON example with placeholder keys",
        """
"securitySchemes": {
  "api_key": {"type": "apiKey", "name": "X-API-Key", "in": "header", "description": "Your API key, e.g. `YOUR_API_KEY`. Create one under Settings → API keys."}
},
"examples": {"token": {"value": {"access_token": "<access-token>", "refresh_token": "<refresh-token>", "expires_in": 3600}}}
""",
    ),
    _t(
        "json",
        "IAM policy document",
        """
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["secretsmanager:GetSecretValue"],
      "Resource": "arn:aws:secretsmanager:eu-west-1:«account»:secret:prod/shop/*"
    },
    {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "arn:aws:kms:eu-west-1:«account»:key/«uuid»"}
  ]
}
""",
    ),
    _t(
        "json",
        "CloudTrail event",
        """
{
  "eventVersion": "1.10",
  "userIdentity": {"type": "AssumedRole", "principalId": "AROA«reqid»:deploy", "arn": "arn:aws:sts::«account»:assumed-role/deploy/deploy", "accountId": "«account»", "accessKeyId": "«asia»"},
  "eventTime": "«ts»",
  "eventSource": "secretsmanager.amazonaws.com",
  "eventName": "GetSecretValue",
  "requestID": "«uuid»",
  "eventID": "«uuid#2»"
}
""",
    ),
    _t(
        "json",
        "app log with filtered fields",
        """
{"level":"info","ts":"«ts»","msg":"login","user_id":"«uuid»","password":"[FILTERED]","otp":"[FILTERED]","ip":"203.0.113.7","request_id":"«ulid»"}
{"level":"info","ts":"«ts»","msg":"api call","authorization":"Bearer ***","path":"/v1/orders","status":200,"trace_id":"«trace»"}
""",
    ),
    _t(
        "json",
        "SLSA provenance subject digests",
        """
{
  "_type": "https://in-toto.io/Statement/v1",
  "subject": [{"name": "ghcr.io/acme/api", "digest": {"sha256": "«sha256»"}}],
  "predicateType": "https://slsa.dev/provenance/v1",
  "predicate": {"buildDefinition": {"resolvedDependencies": [{"uri": "git+https://github.com/acme/api@refs/heads/main", "digest": {"gitCommit": "«sha»"}}]}}
}
""",
    ),
    _t(
        "json",
        "renovate.json",
        """
{
  "$schema": "https://docs.renovatebot.com/renovate-schema.json",
  "extends": ["config:recommended", ":pinDigests"],
  "packageRules": [
    {"matchDatasources": ["docker"], "pinDigests": true},
    {"matchPackageNames": ["@aws-sdk/client-secrets-manager"], "schedule": ["before 6am on monday"]}
  ]
}
""",
    ),
    _t(
        "json",
        "tsconfig and eslint rule about secrets",
        """
{
  "extends": "./tsconfig.base.json",
  "compilerOptions": {"strict": true, "noUncheckedIndexedAccess": true},
  "include": ["src"],
  "eslint": {"rules": {"no-secrets/no-secrets": ["error", {"tolerance": 4.2}]}}
}
""",
    ),
    _t(
        "json",
        "GitHub secret scanning alert (redacted by the API)",
        """
{
  "number": 14,
  "created_at": "«ts»",
  "state": "resolved",
  "resolution": "revoked",
  "secret_type": "stripe_api_key",
  "secret_type_display_name": "Stripe API Key",
  "html_url": "https://github.com/acme/api/security/secret-scanning/14",
  "push_protection_bypassed": false
}
""",
    ),
    _t(
        "json",
        "Datadog API key list (no key values)",
        """
{"data":[{"type":"api_keys","attributes":{"created_at":"«ts»","last4":"«last4»","modified_at":"«ts»","name":"otel-collector"},"id":"«uuid»"},{"type":"api_keys","attributes":{"last4":"«last4#2»","name":"ci"},"id":"«uuid#2»"}]}
""",
    ),
    _t(
        "json",
        "Kubernetes Event JSON with involved object uid",
        """
{"kind":"Event","apiVersion":"v1","metadata":{"name":"api-«pod».«span»","namespace":"shop","uid":"«uuid»","resourceVersion":"«rv»"},"involvedObject":{"kind":"Pod","name":"api-«pod»","uid":"«uuid#2»"},"reason":"BackOff","message":"Back-off restarting failed container api","count":14}
""",
    ),
    _t(
        "json",
        "ECS task definition with secret ARNs",
        """
{
  "family": "api",
  "containerDefinitions": [{
    "name": "api",
    "image": "«account».dkr.ecr.eu-west-1.amazonaws.com/api@«digest»",
    "secrets": [
      {"name": "DATABASE_PASSWORD", "valueFrom": "arn:aws:secretsmanager:eu-west-1:«account»:secret:prod/shop/db-«arn_suffix»:password::"},
      {"name": "STRIPE_SECRET_KEY", "valueFrom": "arn:aws:ssm:eu-west-1:«account»:parameter/prod/shop/stripe-secret-key"}
    ]
  }]
}
""",
    ),
    _t(
        "json",
        "unsigned JWT in an API doc example",
        """
{
  "description": "Tokens with alg none are rejected, e.g.",
  "example": "«unsigned_jwt»",
  "expected_status": 401
}
""",
    ),
]

TEMPLATES += [
    _t(
        "url",
        "Slack message permalinks",
        """
https://acme.slack.com/archives/C«reqid»/p«epoch»«int»?thread_ts=«epoch».«int#2»&cid=C«reqid»
""",
    ),
    _t(
        "url",
        "Docker Hub layer and tag URLs",
        """
https://hub.docker.com/layers/library/postgres/16-alpine/images/«digest»?context=explore
https://hub.docker.com/r/acme/api/tags?name=«short»
""",
    ),
    _t(
        "url",
        "signed-commit verification link and Rekor entry",
        """
https://github.com/acme/api/commit/«sha».patch
https://rekor.sigstore.dev/api/v1/log/entries/«sha256»«span»
""",
    ),
    _t(
        "shell",
        "git log -p of a change to an example env file",
        """
$ git log -p -1 -- .env.example
commit «sha»
Author: Priya Raman <priya@example.com>
Date:   Fri Feb 27 16:20:11 2026 +0100

    Document the new Resend key in .env.example

diff --git a/.env.example b/.env.example
@@ -4,3 +4,4 @@ STRIPE_SECRET_KEY=
 OPENAI_API_KEY=
+RESEND_API_KEY=re_xxxxxxxxxxxxxxxxxxxxxxxx
""",
    ),
    _t(
        "source",
        "settings class with SecretStr fields and no values",
        """
class Settings(BaseSettings):
    database_url: PostgresDsn
    redis_password: SecretStr | None = None
    jwt_secret: SecretStr
    api_token_ttl: timedelta = timedelta(hours=12)

    def __repr__(self) -> str:
        return f"Settings(database_url={self.database_url!r}, jwt_secret=SecretStr('**********'))"
""",
    ),
    _t(
        "plain",
        "agent reply after rotating a key, showing only the masked value",
        """
Rotation is done:
- New Anthropic key created in the console (ends in `…«last4»`) and saved as `ANTHROPIC_API_KEY` in the Vercel project (Production and Preview).
- Old key disabled; the dashboard shows its last use at 10:41 UTC today.
- Redeployed `web` (`«short»`); `/api/summarize` returns 200.
""",
    ),
    _t(
        "json",
        "GitHub Actions OIDC token claims (decoded, no signature)",
        """
{
  "jti": "«uuid»",
  "sub": "repo:acme/api:ref:refs/heads/main",
  "aud": "sts.amazonaws.com",
  "ref": "refs/heads/main",
  "sha": "«sha»",
  "repository": "acme/api",
  "run_id": "«run_id»",
  "iss": "https://token.actions.githubusercontent.com",
  "iat": «epoch»
}
""",
    ),
]


def main() -> None:
    documents = corpus()
    positives = Counter(t.context for t in TEMPLATES if _has_secret(t))
    negatives = Counter(t.context for t in TEMPLATES if not _has_secret(t))
    splits = Counter(_split(t) for t in TEMPLATES)
    print(
        f"{len(TEMPLATES)} templates ({sum(positives.values())} with secrets, {sum(negatives.values())} without); splits {dict(splits)}"
    )
    for context in CONTEXTS:
        print(
            f"  {context:7} templates: {positives[context]:4d} with secrets, {negatives[context]:4d} without"
        )
    docs = Counter((d.context, bool(d.secrets)) for d in documents)
    planted = sum(len(d.secrets) for d in documents)
    print(f"{len(documents)} documents, {planted} planted secrets")
    for context in CONTEXTS:
        print(
            f"  {context:7} documents: {docs[(context, True)]:5d} with secrets, {docs[(context, False)]:5d} without"
        )


def _has_secret(template: Template) -> bool:
    return any(m.group(1) in SECRETS or m.group(1) in _DERIVED for m in _PLACEHOLDER.finditer(template.text))


if __name__ == "__main__":
    main()
