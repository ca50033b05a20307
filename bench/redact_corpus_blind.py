"""A second labelled redaction corpus, written blind to the redactor's rules (issue 15).

Its author wrote these templates from what real tools print and read (command lines and their
output, config files, source code, URLs, agent logs) without reading the redactor's rules or the
other corpora, so that it measures what the redactor misses on text nobody tuned it to.

A template holds placeholders: ``«name»`` is a random value that is not a secret, ``«!name»`` a
random secret, labelled as such; ``«!name:2»`` is a second, different value of the same kind, and a
placeholder repeated as is repeats its value. ``«!name|b64»`` is the same value transformed (``b64``,
``url`` percent-encoding, ``esc`` for ``\\n``-escaped lines, ``i2``/``i4``/``i6``/``i8`` to indent
continuation lines); the label is the text as it appears. Every secret value is built at run time
from parts, never written here (``«PK»`` spells the words of a PEM private-key header, for the same
reason). A template with no ``«!`` is a negative: nothing in it should change.

Each template is instantiated ``copies`` times in its own context (plain, shell, yaml, source, url,
json) and ``copies`` more times inside an agent-log envelope (a Claude Code stream-json line or
transcript line, a Codex rollout or ``codex exec --json`` line), where the text appears JSON-escaped,
once or twice over; those count under the ``json`` context. About one template in three (by a hash of
its text) is ``holdout``.
"""

# ruff: noqa: E501 - templates read better on one line
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
import textwrap
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote

CONTEXTS = ("plain", "shell", "yaml", "source", "url", "json")


@dataclass(frozen=True)
class Document:
    """One labelled text: the secrets that must not survive redaction (none for a negative)."""

    text: str
    secrets: list[str]
    context: str
    kind: str
    split: str
    template: str = field(default="", repr=False)


def _t(text: str) -> str:
    """A multi-line template written indented in this file."""
    return textwrap.dedent(text).strip("\n")


# --------------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------------

ALNUM = string.ascii_letters + string.digits
LOWER = string.ascii_lowercase + string.digits
UPPER = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
B32 = string.ascii_uppercase + "234567"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
PW_PUNCT = "-_.!%^+="
PWS_PUNCT = "!@#$%^&*()-_=+[]{}<>?/|:;,.~"

WORDS = (
    "atlas", "billing", "cobalt", "delta", "ember", "falcon", "gateway", "harbor", "ingest", "juniper",
    "kestrel", "ledger", "marigold", "nimbus", "orchid", "payments", "quartz", "relay", "sentinel",
    "tundra", "uplink", "vector", "warden", "xenon", "yarrow", "zephyr", "orders", "search", "reports",
    "checkout", "inventory", "metrics", "notifier", "scheduler", "webapp", "worker", "frontend", "mobile",
)  # fmt: skip
HUMAN = (
    "Summer", "Winter", "Dragon", "Monkey", "Sunshine", "Football", "Princess", "Shadow", "Maple",
    "Copper", "Tiger", "Rocket", "Orange", "Purple", "Falcon", "Coffee", "Pepper", "Harbor",
)  # fmt: skip
FIRST = ("jane", "omar", "li", "priya", "marco", "sofia", "ken", "amara", "lukas", "noor", "tomas")
LAST = ("doe", "haddad", "wei", "raman", "rossi", "berg", "tanaka", "okafor", "meyer", "khan")
USERS = ("deploy", "app", "svc_billing", "jenkins", "admin", "ci-bot", "etl_user", "wp_admin", "appuser", "reporting", "root")  # fmt: skip
DBS = ("orders", "app_production", "analytics", "billing", "users", "inventory", "warehouse", "crm")
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ca-central-1")
TLDS = ("com", "io", "dev", "net", "co", "app")


def _s(r: random.Random, chars: str, n: int) -> str:
    return "".join(r.choice(chars) for _ in range(n))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _wrap(body: str, width: int) -> str:
    return "\n".join(body[i : i + width] for i in range(0, len(body), width))


def _pem_body(r: random.Random, prefix: str, length: int, width: int = 64) -> str:
    body = prefix + _b64(r.randbytes(length * 3 // 4))[len(prefix) :]
    return _wrap(body[:length], width)


def _pw(r: random.Random) -> str:
    while True:
        n = r.randint(12, 20)
        value = r.choice(string.ascii_letters) + _s(r, ALNUM + PW_PUNCT, n - 1)
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return value


def _pws(r: random.Random) -> str:
    while True:
        value = r.choice(string.ascii_letters) + _s(r, ALNUM + PWS_PUNCT, r.randint(13, 24))
        if sum(c in PWS_PUNCT for c in value) >= 2 and not re.search(r"[$%#]\{|\{\{|\}\}", value):
            return value


def _pwq(r: random.Random) -> str:
    return r.choice(string.ascii_letters) + _s(r, ALNUM + "-_.~", r.randint(13, 23))


def _pwh(r: random.Random) -> str:
    """A password a person chose: low entropy, dictionary words."""
    a, b = r.sample(HUMAN, 2)
    return r.choice(
        (
            f"{a}{b}{r.randint(10, 99)}{r.choice('!@#$')}",
            f"{a.lower()}-{b.lower()}-{r.choice(WORDS)}-{r.randint(1, 9)}",
            f"{a}{r.randint(1990, 2025)}{r.choice('!?.')}",
            f"{a}@{r.randint(1000, 9999)}",
        )
    )


def _jwt(r: random.Random, alg: str = "HS256") -> str:
    header = {"alg": alg, "typ": "JWT"}
    if alg == "RS256":
        header["kid"] = _s(r, B64URL, 43)
    payload = {
        "sub": str(uuid.UUID(int=r.getrandbits(128), version=4)),
        "iss": r.choice(
            (
                "https://auth.example-idp.com/",
                "kubernetes/serviceaccount",
                "supabase",
                "https://accounts.google.com",
            )
        ),
        "iat": 1_700_000_000 + r.randint(0, 60_000_000),
        "exp": 1_760_000_000 + r.randint(0, 60_000_000),
        "role": r.choice(("authenticated", "service_role", "admin", "user")),
    }
    sig = _b64url(r.randbytes(256 if alg == "RS256" else 32))

    def enc(obj: dict) -> str:
        return _b64url(json.dumps(obj, separators=(",", ":")).encode())

    return f"{enc(header)}.{enc(payload)}.{sig}"


def _pem_text(r: random.Random, label: str) -> str:
    return f"-----BEGIN {label}-----\n{_pem_body(r, 'MIIEpAIBAAKCAQEA', 1588)}\n-----END {label}-----\n"


def _secret_generators() -> dict[str, object]:
    gh = "gh"
    return {
        # passwords
        "pw": _pw,
        "pws": _pws,
        "pwq": _pwq,
        "pwh": _pwh,
        "pwquote": lambda r: (lambda p: p[:6] + '"' + p[6:])(_pw(r)),
        "userpw": lambda r: f"{r.choice(USERS)}:{_pw(r)}",
        "smtpplain": lambda r: _b64(f"\0{r.choice(FIRST)}@{r.choice(WORDS)}.com\0{_pw(r)}".encode()),
        # GitHub / GitLab / Bitbucket
        "ghp": lambda r: gh + "p_" + _s(r, ALNUM, 36),
        "gho": lambda r: gh + "o_" + _s(r, ALNUM, 36),
        "ghs": lambda r: gh + "s_" + _s(r, ALNUM, 36),
        "ghu": lambda r: gh + "u_" + _s(r, ALNUM, 36),
        "ghr": lambda r: gh + "r_" + _s(r, ALNUM, 76),
        "ghfine": lambda r: "github" + "_pat_" + _s(r, UPPER, 22) + "_" + _s(r, ALNUM, 59),
        "glpat": lambda r: "gl" + "pat-" + _s(r, ALNUM + "-_", 20),
        "glpat2": lambda r: "gl" + "pat-" + _s(r, B64URL, 38) + ".01." + _s(r, LOWER, 9),
        "glrt": lambda r: "gl" + "rt-" + _s(r, B64URL, 20),
        "gldt": lambda r: "gl" + "dt-" + _s(r, B64URL, 20),
        "glptt": lambda r: "gl" + "ptt-" + _s(r, HEX, 40),
        "atbb": lambda r: "AT" + "BB" + _s(r, ALNUM, 28) + _s(r, UPPER, 8),
        # Slack / Discord / Telegram / chat webhooks
        "xoxb": lambda r: (
            "xo" + "xb-" + _s(r, "0123456789", 12) + "-" + _s(r, "0123456789", 13) + "-" + _s(r, ALNUM, 24)
        ),
        "xoxp": lambda r: (
            "xo" + "xp-" + "-".join(_s(r, "0123456789", n) for n in (12, 12, 13)) + "-" + _s(r, HEX, 32)
        ),
        "xapp": lambda r: (
            "xa" + "pp-1-A" + _s(r, UPPER, 10) + "-" + _s(r, "0123456789", 13) + "-" + _s(r, HEX, 64)
        ),
        "slackhook": lambda r: _s(r, ALNUM, 24),
        "discordbot": lambda r: (
            _b64(str(r.randint(10**17, 10**19)).encode()).rstrip("=")
            + "."
            + _s(r, B64URL, 6)
            + "."
            + _s(r, B64URL, 38)
        ),
        "discordhook": lambda r: _s(r, B64URL, 68),
        "telegram": lambda r: str(r.randint(10**9, 8 * 10**9)) + ":AA" + _s(r, B64URL, 33),
        "gchattoken": lambda r: _s(r, B64URL, 43) + "%3D",
        # payments / mail / SaaS
        "sklive": lambda r: "sk" + "_live_" + _s(r, ALNUM, r.choice((24, 99))),
        "rklive": lambda r: "rk" + "_live_" + _s(r, ALNUM, 99),
        "sktest": lambda r: "sk" + "_test_" + _s(r, ALNUM, 99),
        "whsec": lambda r: "wh" + "sec_" + _s(r, ALNUM, 32),
        "sg": lambda r: "SG" + "." + _s(r, B64URL, 22) + "." + _s(r, B64URL, 43),
        "mailgun": lambda r: "key" + "-" + _s(r, HEX, 32),
        "mailchimp": lambda r: _s(r, HEX, 32) + "-us" + str(r.randint(2, 21)),
        "brevo": lambda r: "xkey" + "sib-" + _s(r, HEX, 64) + "-" + _s(r, ALNUM, 16),
        "resend": lambda r: "re" + "_" + _s(r, ALNUM, 8) + "_" + _s(r, ALNUM, 24),
        "shpat": lambda r: "sh" + "pat_" + _s(r, HEX, 32),
        "square": lambda r: "EA" + "AA" + _s(r, B64URL, 60),
        "linear": lambda r: "lin" + "_api_" + _s(r, ALNUM, 40),
        "notion": lambda r: "nt" + "n_" + _s(r, "0123456789", 11) + _s(r, ALNUM, 35),
        "postman": lambda r: "PM" + "AK-" + _s(r, HEX, 24) + "-" + _s(r, HEX, 34),
        "atlassian": lambda r: "ATA" + "TT3xFfGF0" + _s(r, B64URL, 170) + "=" + _s(r, UPPER[:16], 8),
        "figd": lambda r: "fi" + "gd_" + _s(r, B64URL, 40),
        "fbtoken": lambda r: "EA" + "AG" + _s(r, ALNUM, 180),
        # AI providers
        "oai": lambda r: "sk" + "-" + _s(r, ALNUM, 20) + "T3Blbk" + "FJ" + _s(r, ALNUM, 20),
        "oaiproj": lambda r: "sk" + "-proj-" + _s(r, B64URL, 74) + "T3Blbk" + "FJ" + _s(r, B64URL, 74),
        "oaisvc": lambda r: "sk" + "-svcacct-" + _s(r, B64URL, 74) + "T3Blbk" + "FJ" + _s(r, B64URL, 74),
        "ant": lambda r: "sk" + "-ant-api03-" + _s(r, B64URL, 93) + "AA",
        "antadmin": lambda r: "sk" + "-ant-admin01-" + _s(r, B64URL, 93) + "AA",
        "antoat": lambda r: "sk" + "-ant-oat01-" + _s(r, B64URL, 93) + "AA",
        "antort": lambda r: "sk" + "-ant-ort01-" + _s(r, B64URL, 93) + "AA",
        "hf": lambda r: "h" + "f_" + _s(r, string.ascii_letters, 34),
        "r8": lambda r: "r8" + "_" + _s(r, ALNUM, 37),
        "gsk": lambda r: "gs" + "k_" + _s(r, ALNUM, 52),
        "pplx": lambda r: "pp" + "lx-" + _s(r, ALNUM, 48),
        "xai": lambda r: "xa" + "i-" + _s(r, ALNUM, 80),
        "orv1": lambda r: "sk" + "-or-v1-" + _s(r, HEX, 64),
        "lsv2": lambda r: "lsv2" + "_pt_" + _s(r, HEX, 32) + "_" + _s(r, HEX, 10),
        "pcsk": lambda r: "pc" + "sk_" + _s(r, ALNUM, 5) + "_" + _s(r, ALNUM, 63),
        "e2b": lambda r: "e2" + "b_" + _s(r, HEX, 40),
        # cloud
        "akid": lambda r: "AK" + "IA" + _s(r, B32, 16),
        "asia": lambda r: "AS" + "IA" + _s(r, B32, 16),
        "awssecret": lambda r: _s(r, B64, 40),
        "awssess": lambda r: "IQoJb3JpZ2luX2Vj" + _s(r, B64, 600) + "==",
        "azkey": lambda r: _b64(r.randbytes(64)),
        "azsecret": lambda r: _s(r, ALNUM, 3) + "8Q" + "~" + _s(r, ALNUM + "_.~-", 31),
        "azsig": lambda r: quote(_b64(r.randbytes(32)), safe=""),
        "azsbkey": lambda r: _b64(r.randbytes(32)),
        "azdevops": lambda r: _s(r, "abcdefghijklmnopqrstuvwxyz234567", 52),
        "gcpkey": lambda r: "AI" + "za" + _s(r, B64URL, 35),
        "gocspx": lambda r: "GOC" + "SPX-" + _s(r, B64URL, 28),
        "ya29": lambda r: "ya" + "29." + _s(r, B64URL, 180),
        "gcprefresh": lambda r: "1//" + "0" + _s(r, B64URL, 100),
        "dop": lambda r: "do" + "p_v1_" + _s(r, HEX, 64),
        "cf": lambda r: _s(r, B64URL, 40),
        "dapi": lambda r: "da" + "pi" + _s(r, HEX, 32),
        "sbp": lambda r: "sb" + "p_" + _s(r, HEX, 40),
        "tskey": lambda r: "tskey" + "-auth-" + _s(r, ALNUM, 11) + "CNTRL-" + _s(r, ALNUM, 33),
        "okta": lambda r: "00" + _s(r, B64URL, 40),
        "pscale": lambda r: "pscale" + "_pw_" + _s(r, B64URL, 43),
        "doppler": lambda r: "dp" + ".st.prd." + _s(r, ALNUM, 40),
        "neonpw": lambda r: "np" + "g_" + _s(r, ALNUM, 12),
        "ngrok": lambda r: str(r.randint(1, 2)) + _s(r, ALNUM, 26) + "_" + _s(r, ALNUM, 21),
        "tfc": lambda r: _s(r, ALNUM, 14) + ".atlas" + "v1." + _s(r, ALNUM, 67),
        "pulumi": lambda r: "pu" + "l-" + _s(r, HEX, 40),
        "hvs": lambda r: "hv" + "s." + "CAESI" + _s(r, B64URL, 86),
        "jfrog": lambda r: "AK" + "Cp" + _s(r, ALNUM, 69),
        "esapikey": lambda r: _b64(f"{_s(r, ALNUM, 20)}:{_s(r, B64URL, 22)}".encode()),
        # registries / dev tools
        "npm": lambda r: "np" + "m_" + _s(r, ALNUM, 36),
        "pypi": lambda r: "py" + "pi-AgEIcHlwaS5vcmc" + _s(r, B64URL, 160),
        "dckr": lambda r: "dckr" + "_pat_" + _s(r, B64URL, 27),
        "crates": lambda r: "ci" + "o" + _s(r, ALNUM, 32),
        "sntryu": lambda r: "sntr" + "yu_" + _s(r, HEX, 64),
        "nrak": lambda r: "NR" + "AK-" + _s(r, UPPER, 27),
        "nrlicense": lambda r: _s(r, HEX, 36) + "NR" + "AL",
        "glsa": lambda r: "gl" + "sa_" + _s(r, ALNUM, 32) + "_" + _s(r, HEX, 8),
        "squ": lambda r: "sq" + "u_" + _s(r, HEX, 40),
        "agekey": lambda r: "AGE-SECRET" + "-KEY-1" + _s(r, BECH32.upper(), 58),
        # tokens, keys, cookies
        "jwt": _jwt,
        "jwtrs": lambda r: _jwt(r, "RS256"),
        "tok": lambda r: _s(r, B64URL, r.randint(32, 48)),
        "djangokey": lambda r: _s(r, string.ascii_lowercase + string.digits + "!@#%^&*(-_=+)", 50),
        "djangoins": lambda r: (
            "django-insecure-" + _s(r, string.ascii_lowercase + string.digits + "!@#%^&*(-_=+)", 50)
        ),
        "djsess": lambda r: _s(r, string.ascii_lowercase + string.digits, 32),
        "railskey": lambda r: _s(r, HEX, 128),
        "laravelkey": lambda r: "base64:" + _b64(r.randbytes(32)),
        "wpsalt": lambda r: _s(r, ALNUM + "!@#$%^&*()-_[]{}<>~+=,.;:/?|", 64),
        "wg": lambda r: _b64(r.randbytes(32)),
        "consid": lambda r: (
            "s%3A" + _s(r, B64URL, 32) + "." + quote(_b64(r.randbytes(32)).rstrip("="), safe="")
        ),
        "ghsess": lambda r: quote(_b64(r.randbytes(330)), safe=""),
        # private keys (the body between the BEGIN and END lines)
        "rsa": lambda r: _pem_body(r, "MIIEpAIBAAKCAQEA", 1588),
        "pk8": lambda r: _pem_body(r, "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQ", 1624),
        "ec": lambda r: _pem_body(r, "MHcCAQEEI", 164),
        "encpk": lambda r: _pem_body(r, "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI", 1752),
        "openssh": lambda r: _pem_body(r, "b3BlbnNzaC1rZXktdjEAAAAA", 387, 70),
        "pgp": lambda r: _pem_body(r, "lQOYBG", 1300) + "\n=" + _s(r, B64, 4),
        "keyb64": lambda r: _b64(_pem_text(r, "RSA PRIVATE" + " KEY").encode()),
    }


def _public_generators() -> dict[str, object]:
    def host(r: random.Random) -> str:
        w = r.choice(WORDS)
        return r.choice(
            (
                f"db.{w}.internal",
                f"{w}-prod.{_s(r, LOWER, 12)}.{r.choice(REGIONS)}.rds.amazonaws.com",
                f"{w}.{r.choice(WORDS)}.{r.choice(TLDS)}",
                f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
                f"{w}-{r.randint(1, 9)}.svc.cluster.local",
            )
        )

    def ts(r: random.Random) -> str:
        return f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}.{r.randint(0, 999):03d}Z"

    return {
        "host": host,
        "domain": lambda r: f"{r.choice(WORDS)}.{r.choice(TLDS)}",
        "user": lambda r: r.choice(USERS),
        "db": lambda r: r.choice(DBS),
        "org": lambda r: r.choice(
            ("acme", "globex", "initech", "umbrella", "hooli", "stark-labs", "wayne-ent")
        ),
        "repo": lambda r: r.choice(WORDS) + r.choice(("", "-api", "-service", "-web", "-infra", "-cli")),
        "word": lambda r: r.choice(WORDS),
        "name": lambda r: f"{r.choice(FIRST).title()} {r.choice(LAST).title()}",
        "email": lambda r: f"{r.choice(FIRST)}.{r.choice(LAST)}@{r.choice(WORDS)}.{r.choice(TLDS)}",
        "ip": lambda r: (
            f"{r.choice((10, 172, 192, 203))}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
        ),
        "region": lambda r: r.choice(REGIONS),
        "acct": lambda r: _s(r, "0123456789", 12),
        "uuid": lambda r: str(uuid.UUID(int=r.getrandbits(128), version=4)),
        "sha40": lambda r: _s(r, HEX, 40),
        "sha7": lambda r: _s(r, HEX, 7),
        "ver": lambda r: f"{r.randint(0, 5)}.{r.randint(0, 30)}.{r.randint(0, 20)}",
        "ts": ts,
        "date": lambda r: f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
        "epoch": lambda r: str(r.randint(1_700_000_000, 1_780_000_000)),
        "mongoid": lambda r: _s(r, string.ascii_lowercase + string.digits, 5),
        "slackT": lambda r: "T" + _s(r, UPPER, r.choice((8, 10))),
        "slackB": lambda r: "B" + _s(r, UPPER, r.choice((8, 10))),
        "twsid": lambda r: "AC" + _s(r, HEX, 32),
        "toolu": lambda r: "toolu_01" + _s(r, ALNUM, 22),
        "callid": lambda r: "call_" + _s(r, ALNUM, 24),
        "msgid": lambda r: "msg_01" + _s(r, ALNUM, 22),
        "pod": lambda r: (
            f"{r.choice(WORDS)}-{_s(r, 'bcdfghjklmnpqrstvwxz2456789', 10)}-{_s(r, 'bcdfghjklmnpqrstvwxz2456789', 5)}"
        ),
        "agepub": lambda r: "age1" + _s(r, BECH32, 58),
        "xghp": lambda r: "gh" + "p_" + "x" * 36,
        "xslack": lambda r: "T00000000/B00000000/" + "X" * 24,
        "xstripe": lambda r: "sk" + "_live_" + "x" * 24,
        "PK": lambda r: "PRIVATE" + " KEY",
        "awsexid": lambda r: "AKIA" + "IOSFODNN7" + "EXAMPLE",
        "awsexsecret": lambda r: "wJalrXUtnFEMI/K7MDENG/bPxRfi" + "CY" + "EXAMPLEKEY",
        "png": lambda r: "iVBORw0KGgoAAAANSUhEUgAA" + _b64(r.randbytes(r.randint(180, 600))),
        "cert": lambda r: _pem_body(r, "MIIDdzCCAl+gAwIBAgIE", 1180),
        "certb64": lambda r: _b64(
            f"-----BEGIN CERTIFICATE-----\n{_pem_body(r, 'MIIC/jCCAeagAwIBAgIB', 1020)}\n-----END CERTIFICATE-----\n".encode()
        ),
        "sshed": lambda r: "AAAAC3NzaC1lZDI1NTE5AAAAI" + _s(r, B64, 43),
        "sshrsa": lambda r: "AAAAB3NzaC1yc2EAAAADAQABAAABgQ" + _s(r, B64, 514),
        "pgppub": lambda r: _pem_body(r, "mQINBG", 1100) + "\n=" + _s(r, B64, 4),
        "fernet": lambda r: "gAAAAAB" + _b64url(r.randbytes(900)),
        "vlq": lambda r: ";".join(
            ",".join(_s(r, ALNUM + "+/", r.randint(4, 6)) for _ in range(r.randint(3, 9))) for _ in range(14)
        ),
        "emptysha": lambda r: hashlib.sha256(b"").hexdigest(),
        "b64text": lambda r: _b64(
            json.dumps(
                {
                    "service": r.choice(WORDS),
                    "replicas": r.randint(1, 9),
                    "region": r.choice(REGIONS),
                    "features": ["audit", "sso"],
                }
            ).encode()
        ),
        "fp": lambda r: ":".join(_s(r, "0123456789ABCDEF", 2) for _ in range(32)),
        "randomart": lambda r: "\n".join("|" + _s(r, " .o+=*BOX@%&E", 17) + "|" for _ in range(9)),
    }


_FAMILY = re.compile(r"^(hex|HEX|alnum|lower|UP|n|b64_|b64url|b32|digits)(\d+)$")


def _family(name: str, r: random.Random) -> str:
    match = _FAMILY.match(name)
    if not match:
        raise KeyError(f"no generator for placeholder {name!r}")
    kind, n = match.group(1), int(match.group(2))
    if kind == "b64_":
        return _b64(r.randbytes(n * 3 // 4 + 1))[:n]
    chars = {
        "hex": HEX,
        "HEX": HEX.upper(),
        "alnum": ALNUM,
        "lower": LOWER,
        "UP": UPPER,
        "n": "0123456789",
        "digits": "0123456789",
        "b64url": B64URL,
        "b32": B32,
    }[kind]
    return _s(r, chars, n)


def _transform(value: str, op: str) -> str:
    if op == "b64":
        return _b64(value.encode())
    if op == "url":
        return quote(value, safe="")
    if op == "esc":
        return value.replace("\n", "\\n")
    if op in ("i2", "i4", "i6", "i8"):
        return value.replace("\n", "\n" + " " * int(op[1:]))
    if op == "last4":
        return value[-4:]
    raise KeyError(f"unknown transform {op!r}")


_PLACEHOLDER = re.compile(r"«(!?)([A-Za-z0-9_]+)(?::([A-Za-z0-9_]+))?((?:\|[a-z0-9]+)*)»")


class _Filler:
    """Fills one template with fresh values, remembering which are secrets."""

    def __init__(self, rng: random.Random, secret_gens: dict, public_gens: dict) -> None:
        self.rng = rng
        self.secret_gens = secret_gens
        self.public_gens = public_gens

    def fill(self, template: str) -> tuple[str, list[str]]:
        base: dict[tuple[str, str], str] = {}
        secrets: list[str] = []

        def value(match: re.Match) -> str:
            secret, name, instance, ops = match.group(1), match.group(2), match.group(3) or "", match.group(4)
            key = (name, instance)
            if key not in base:
                gen = self.secret_gens.get(name) or self.public_gens.get(name)
                base[key] = gen(self.rng) if gen else _family(name, self.rng)
            text = base[key]
            for op in filter(None, ops.split("|")):
                text = _transform(text, op)
            if secret and text not in secrets:
                secrets.append(text)
            return text

        return _PLACEHOLDER.sub(value, template), secrets


# --------------------------------------------------------------------------------------------------
# Templates: (kind, text) per context. A template with «!...» is a positive.
# --------------------------------------------------------------------------------------------------

SHELL: list[tuple[str, str]] = [
    # ---- positives
    ("mysql -p password", "mysql -h «host» -u «user» -p«!pw» «db» -e 'SELECT COUNT(*) FROM orders;'"),
    (
        "mysqldump --password=",
        "mysqldump --user=«user» --password='«!pws»' --single-transaction «db» > /tmp/«db».sql",
    ),
    ("PGPASSWORD env prefix", "PGPASSWORD='«!pws»' psql -h «host» -U «user» -d «db» -c '\\dt'"),
    (
        "psql URI with password",
        'psql "postgresql://«user»:«!pwq»@«host»:5432/«db»?sslmode=require" -c "select now()"',
    ),
    (
        "docker login -p",
        _t("""
        $ docker login -u «user» -p «!pw» registry.«domain»
        WARNING! Using --password via the CLI is insecure. Use --password-stdin.
        Login Succeeded"""),
    ),
    ("echo token | docker login", 'echo "«!dckr»" | docker login -u «user» --password-stdin'),
    ("curl -u user:password", "curl -fsS -u «user»:«!pw» https://«host»/api/v1/status"),
    (
        "anthropic x-api-key header",
        """curl https://api.anthropic.com/v1/messages -H "x-api-key: «!ant»" -H "anthropic-version: 2023-06-01" -H "content-type: application/json" -d '{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"ping"}]}'""",
    ),
    (
        "openai bearer header",
        'curl -s https://api.openai.com/v1/models -H "Authorization: Bearer «!oaiproj»" | jq ".data[].id"',
    ),
    (
        "github token header",
        'curl -sH "Authorization: token «!ghp»" "https://api.github.com/repos/«org»/«repo»/actions/runs?per_page=5"',
    ),
    (
        "aws secret in env export",
        _t("""
        export AWS_ACCESS_KEY_ID=«akid»
        export AWS_SECRET_ACCESS_KEY=«!awssecret»
        export AWS_DEFAULT_REGION=«region»"""),
    ),
    (
        "aws session token export",
        'export AWS_ACCESS_KEY_ID=«asia»\nexport AWS_SECRET_ACCESS_KEY="«!awssecret»"\nexport AWS_SESSION_TOKEN="«!awssess»"',
    ),
    ("aws configure set secret", "aws configure set aws_secret_access_key «!awssecret» --profile «word»"),
    ("sshpass -p", "sshpass -p '«!pws»' ssh -o StrictHostKeyChecking=no «user»@«ip» 'uptime'"),
    ("redis-cli -a", "redis-cli -h «host» -p 6379 -a «!pw» --no-auth-warning INFO keyspace"),
    (
        "mongosh srv URI",
        "mongosh \"mongodb+srv://«user»:«!pwq»@cluster0.«mongoid».mongodb.net/«db»\" --eval 'db.stats()'",
    ),
    ("git clone x-access-token", "git clone https://x-access-token:«!ghs»@github.com/«org»/«repo».git"),
    (
        "git clone oauth2 gitlab",
        "git clone --depth 1 https://oauth2:«!glpat»@gitlab.com/«org»/«repo».git /tmp/«repo»",
    ),
    (
        "git remote set-url fine-grained PAT",
        "git remote set-url origin https://«user»:«!ghfine»@github.com/«org»/«repo».git",
    ),
    ("gh auth login here-string", "gh auth login --hostname github.com --with-token <<< «!gho»"),
    ("npm config set _authToken", "npm config set //registry.npmjs.org/:_authToken «!npm»"),
    ("twine upload -p pypi token", "twine upload --non-interactive -u __token__ -p «!pypi» dist/*"),
    (
        "pip index-url with password",
        "pip install --index-url https://«user»:«!pwq»@«host»/simple/ internal-lib==«ver»",
    ),
    (
        "helm repo add --password",
        "helm repo add «word» https://charts.«domain» --username «user» --password «!pw»",
    ),
    (
        "kubectl --from-literal password",
        "kubectl create secret generic «word»-db --from-literal=username=«user» --from-literal=password='«!pws»' -n «word:2»",
    ),
    (
        "kubectl docker-registry secret",
        "kubectl create secret docker-registry regcred --docker-server=ghcr.io --docker-username=«user» --docker-password=«!ghp» --docker-email=«email»",
    ),
    (
        "vault login token",
        _t("""
        $ vault login «!hvs»
        Success! You are now authenticated. The token information displayed below
        is already stored in the token helper. You do NOT need to run "vault login"
        again. Future Vault requests will automatically use this token.

        Key                  Value
        ---                  -----
        token                «!hvs»
        token_accessor       «alnum24»
        token_duration       768h
        token_renewable      true
        token_policies       ["default" "«word»-read"]"""),
    ),
    (
        "terraform -var password",
        'terraform apply -auto-approve -var "db_password=«!pw»" -var "region=«region»"',
    ),
    (
        "az login service principal secret",
        "az login --service-principal -u «uuid» -p «!azsecret» --tenant «uuid:2»",
    ),
    ("heroku config:set stripe key", "heroku config:set STRIPE_SECRET_KEY=«!sklive» -a «word»-api"),
    (
        "fly secrets set",
        "fly secrets set DATABASE_URL=postgres://«user»:«!pwq»@«host»:5432/«db» SESSION_SECRET=«!hex64»",
    ),
    ("gh secret set --body", 'gh secret set SLACK_BOT_TOKEN --body "«!xoxb»" --repo «org»/«repo»'),
    (
        "bash xtrace bearer",
        "+ curl -s -X POST -H 'Authorization: Bearer «!tok»' https://«host»/deploy\n+ echo done\ndone",
    ),
    (
        "cat .env database url and key",
        _t("""
        $ cat .env
        DATABASE_URL=postgres://«user»:«!pwq»@localhost:5432/«db»
        SECRET_KEY=«!hex64»
        DEBUG=false
        SENTRY_ENVIRONMENT=production"""),
    ),
    (
        ".env AI provider keys",
        "OPENAI_API_KEY=«!oai»\nANTHROPIC_API_KEY=«!ant»\nMODEL=gpt-4o-mini\nMAX_TOKENS=2048",
    ),
    (
        "env | grep token output",
        "$ env | grep -i token\nGITHUB_TOKEN=«!ghs»\nHF_TOKEN=«!hf»\nTOKENIZERS_PARALLELISM=false",
    ),
    (
        "docker run -e POSTGRES_PASSWORD",
        "docker run -d --name pg -e POSTGRES_PASSWORD=«!pw» -p 5432:5432 postgres:16",
    ),
    (
        "docker run -e MYSQL_ROOT_PASSWORD",
        "docker run --rm -e MYSQL_ROOT_PASSWORD='«!pws»' -e MYSQL_DATABASE=«db» mysql:8.4",
    ),
    ("htpasswd -b password", "htpasswd -bc /etc/nginx/.htpasswd «user» «!pw»"),
    ("openssl -passout pass:", "openssl genrsa -aes256 -passout pass:«!pw» -out server.key 4096"),
    ("zip -P password", "zip -r -P '«!pws»' backup-«date».zip ./data"),
    ("smbclient user%password", "smbclient //«ip»/share -U «user»%«!pw» -c 'ls'"),
    (
        "ldapsearch -w",
        'ldapsearch -x -H ldaps://«host» -D "cn=admin,dc=«word»,dc=com" -w \'«!pws»\' -b "dc=«word»,dc=com" "(uid=«user»)"',
    ),
    ("wget --password", "wget --user=«user» --password='«!pws»' https://«host»/dist/«word»-«ver».tar.gz"),
    ("RSYNC_PASSWORD prefix", "RSYNC_PASSWORD=«!pw» rsync -av rsync://«user»@«host»/backup/ ./backup/"),
    ("stripe cli --api-key", "stripe listen --api-key «!rklive» --forward-to localhost:3000/webhooks/stripe"),
    ("huggingface-cli login --token", "huggingface-cli login --token «!hf» --add-to-git-credential"),
    ("ngrok authtoken", "ngrok config add-authtoken «!ngrok»"),
    ("doctl auth init token", "doctl auth init --access-token «!dop»"),
    ("cloudflare token env prefix", "CLOUDFLARE_API_TOKEN=«!cf» npx wrangler deploy --env production"),
    ("sentry auth token env prefix", "SENTRY_AUTH_TOKEN=«!sntryu» sentry-cli releases new «ver»"),
    ("echo export to bashrc", "echo 'export OPENAI_API_KEY=\"«!oaiproj»\"' >> ~/.bashrc && source ~/.bashrc"),
    (
        "datadog api key install",
        'DD_API_KEY=«!hex32» DD_SITE="datadoghq.eu" bash -c "$(curl -L https://install.datadoghq.com/scripts/install_script_agent7.sh)"',
    ),
    ("tailscale up --authkey", "sudo tailscale up --authkey=«!tskey» --hostname=«word»-01"),
    (
        "mysql -e CREATE USER IDENTIFIED BY",
        "mysql -uroot -e \"CREATE USER '«user»'@'%' IDENTIFIED BY '«!pw»'; GRANT ALL ON «db».* TO '«user»'@'%';\"",
    ),
    ("psql -c ALTER USER PASSWORD", "psql -U postgres -c \"ALTER USER «user» WITH PASSWORD '«!pw»';\""),
    ("git-credentials via echo", 'echo "https://«user»:«!ghp»@github.com" > ~/.git-credentials'),
    (
        "az storage --account-key",
        "az storage blob upload --account-name «word»store --account-key «!azkey» -c «word» -f build.zip -n build.zip",
    ),
    ("gcloud print-access-token output", "$ gcloud auth print-access-token\n«!ya29»"),
    ("gh auth token output", "$ gh auth token\n«!gho»"),
    (
        "printenv slack webhook",
        "$ printenv SLACK_WEBHOOK_URL\nhttps://hooks.slack.com/services/«slackT»/«slackB»/«!slackhook»",
    ),
    ("7z -p password", "7z a -p«!pw» -mhe=on secrets.7z ./keys"),
    ("mc alias set minio keys", "mc alias set myminio http://«ip»:9000 «UP20» «!alnum40»"),
    ("NPM_TOKEN env prefix", "NPM_TOKEN=«!npm» npm publish --access public"),
    (
        "gitlab-runner register token",
        "gitlab-runner register --non-interactive --url https://gitlab.com --token «!glrt» --executor docker --docker-image alpine:3.20",
    ),
    (
        "sendgrid curl bearer",
        "curl --request POST --url https://api.sendgrid.com/v3/mail/send --header \"Authorization: Bearer «!sg»\" --header 'Content-Type: application/json' --data @mail.json",
    ),
    (
        "twilio curl -u sid:token",
        'curl -X POST https://api.twilio.com/2010-04-01/Accounts/«twsid»/Messages.json --data-urlencode "Body=deploy done" -u «twsid»:«!hex32»',
    ),
    (
        "mailgun curl api:key",
        "curl -s --user 'api:«!mailgun»' https://api.mailgun.net/v3/«domain»/messages -F from='ops@«domain»' -F to=«email» -F subject='build'",
    ),
    (
        "telegram bot token in URL",
        'curl -s "https://api.telegram.org/bot«!telegram»/sendMessage" -d chat_id=«n9» -d text="deployed"',
    ),
    (
        "stripe curl -u sk_live",
        "curl https://api.stripe.com/v1/charges -u «!sklive»: -d amount=2000 -d currency=usd",
    ),
    (".pgpass line via echo", 'echo "«host»:5432:«db»:«user»:«!pw»" >> ~/.pgpass && chmod 600 ~/.pgpass'),
    ("powershell env token", '$env:GITHUB_TOKEN = "«!ghp»"\ngh repo list «org» --limit 5'),
    (
        "windows set azure key",
        "C:\\src\\«repo»> set AZURE_OPENAI_API_KEY=«!hex32»\nC:\\src\\«repo»> python app.py",
    ),
    (
        "laravel .env",
        "APP_NAME=«word»\nAPP_ENV=production\nAPP_KEY=«!laravelkey»\nDB_CONNECTION=mysql\nDB_HOST=«host»\nDB_USERNAME=«user»\nDB_PASSWORD=«!pw»",
    ),
    (
        "mysql --password= in docker exec",
        "docker exec -it «word»-db mysql -u«user» --password=«!pw» -e 'SHOW DATABASES;'",
    ),
    (
        "curl PRIVATE-TOKEN gitlab",
        'curl --header "PRIVATE-TOKEN: «!glpat2»" "https://gitlab.com/api/v4/projects/«n8»/pipelines?status=failed"',
    ),
    ("export groq key", "export GROQ_API_KEY=«!gsk»"),
    ("export replicate token", "export REPLICATE_API_TOKEN=«!r8»\npython predict.py --model «word»"),
    (
        ".env private key \\n-escaped",
        'GITHUB_APP_ID=«n6»\nGITHUB_APP_PRIVATE_KEY="-----BEGIN RSA «PK»-----\\n«!rsa|esc»\\n-----END RSA «PK»-----\\n"',
    ),
    ("curl cookie session JWT", 'curl -s -H "Cookie: session=«!jwt»" https://«host»/api/me | jq .'),
    (
        "curl basic auth header",
        "curl -s -H 'Authorization: Basic «!userpw|b64»' https://«host»/api/v2/export -o export.csv",
    ),
    ("az devops login PAT", "echo «!azdevops» | az devops login --organization https://dev.azure.com/«org»"),
    ("docker build-arg token", "docker build --build-arg NPM_TOKEN=«!npm» -t «org»/«repo»:«sha7» ."),
    (
        "git -c extraHeader bearer",
        'git -c http.extraHeader="Authorization: Bearer «!ghs»" clone https://github.com/«org»/«repo».git',
    ),
    # ---- negatives
    (
        "mysql -p prompt",
        "$ mysql -h «host» -u «user» -p «db»\nEnter password: \nWelcome to the MySQL monitor.  Commands end with ; or \\g.",
    ),
    ("password from env var", 'mysql -u «user» -p"$MYSQL_PASSWORD" «db» < migrations/«n4»_add_index.sql'),
    ("PGPASSWORD from file", 'PGPASSWORD="$(cat /run/secrets/pg_password)" psql -h «host» -U «user» «db»'),
    (
        "docker login --password-stdin from var",
        'echo "$CR_PAT" | docker login ghcr.io -u «user» --password-stdin\nLogin Succeeded',
    ),
    (
        "docker login warning output",
        _t("""
        WARNING! Your password will be stored unencrypted in /home/«user»/.docker/config.json.
        Configure a credential helper to remove this warning. See
        https://docs.docker.com/engine/reference/commandline/login/#credential-stores

        Login Succeeded"""),
    ),
    (
        "bearer from env var",
        'curl -sH "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/user | jq .login',
    ),
    (
        "placeholder <your-api-key>",
        "export OPENAI_API_KEY=<your-api-key>\nexport ANTHROPIC_API_KEY=<your-anthropic-key>",
    ),
    ("placeholder sk-ant-...", 'export ANTHROPIC_API_KEY="sk-ant-..."  # paste your key here'),
    (
        "secret from command substitution",
        "export AWS_SECRET_ACCESS_KEY=$(aws configure get aws_secret_access_key --profile «word»)",
    ),
    (
        "aws configure list (masked)",
        _t("""
        $ aws configure list
              Name                    Value             Type    Location
              ----                    -----             ----    --------
           profile                «word»           manual    --profile
        access_key     ****************«UP4» shared-credentials-file
        secret_key     ****************«alnum4» shared-credentials-file
            region                «region»      config-file    ~/.aws/config"""),
    ),
    (
        "gh auth status (masked)",
        _t("""
        $ gh auth status
        github.com
          ✓ Logged in to github.com account «user» (keyring)
          - Active account: true
          - Git operations protocol: https
          - Token: gho_************************************
          - Token scopes: 'gist', 'read:org', 'repo', 'workflow'"""),
    ),
    (
        "git log --oneline",
        "$ git log --oneline -5\n«sha7» Rotate token handling in CI\n«sha7:2» Read API key from env, not config\n«sha7:3» Bump «word» to «ver»\n«sha7:4» Fix password reset email\n«sha7:5» Merge pull request #«n3» from «org»/secrets-doc",
    ),
    ("git rev-parse HEAD", "$ git rev-parse HEAD\n«sha40»\n$ git describe --tags\nv«ver»-«n2»-g«sha7»"),
    (
        "docker pull digests",
        "$ docker pull «word»:«ver»\n«ver»: Pulling from library/«word»\n«hex12»: Pull complete\n«hex12:2»: Pull complete\nDigest: sha256:«hex64»\nStatus: Downloaded newer image for «word»:«ver»",
    ),
    (
        "docker ps container ids",
        '$ docker ps\nCONTAINER ID   IMAGE          COMMAND                  STATUS        NAMES\n«hex12»   postgres:16    "docker-entrypoint.s…"   Up 2 hours    pg\n«hex12:2»   redis:7        "redis-server"           Up 2 hours    cache',
    ),
    (
        "kubectl get secrets listing",
        "$ kubectl get secrets -n «word»\nNAME                    TYPE                             DATA   AGE\n«word»-db-credentials   Opaque                           2      41d\n«word»-tls              kubernetes.io/tls                2      12d\nregcred                 kubernetes.io/dockerconfigjson   1      90d",
    ),
    (
        "kubectl describe secret (sizes only)",
        "$ kubectl describe secret «word»-db\nName:         «word»-db\nNamespace:    default\nType:  Opaque\n\nData\n====\npassword:  24 bytes\nusername:  8 bytes",
    ),
    (
        "sha256sum output",
        "$ sha256sum dist/*\n«hex64»  dist/«word»-«ver».tar.gz\n«hex64:2»  dist/«word»-«ver»-py3-none-any.whl",
    ),
    (
        "ssh-keygen output",
        "$ ssh-keygen -t ed25519 -C «email» -f ~/.ssh/id_ed25519 -N ''\nGenerating public/private ed25519 key pair.\nYour identification has been saved in /home/«user»/.ssh/id_ed25519\nYour public key has been saved in /home/«user»/.ssh/id_ed25519.pub\nThe key fingerprint is:\nSHA256:«b64_43» «email»\nThe key's randomart image is:\n+--[ED25519 256]--+\n«randomart»\n+----[SHA256]-----+",
    ),
    ("cat ssh public key", "$ cat ~/.ssh/id_ed25519.pub\nssh-ed25519 «sshed» «email»"),
    (
        "npm config list (protected)",
        '$ npm config list\n; "user" config from /home/«user»/.npmrc\n\n//registry.npmjs.org/:_authToken = (protected)\n@«org»:registry = "https://npm.pkg.github.com"\n\n; node bin location = /usr/bin/node\n; node version = v20.«n2».0',
    ),
    (
        "pip --hash requirements",
        "requests==2.32.3 \\\n    --hash=sha256:«hex64» \\\n    --hash=sha256:«hex64:2»\nurllib3==2.2.«n1» \\\n    --hash=sha256:«hex64:3»",
    ),
    ("uuid run id", "$ export RUN_ID=$(uuidgen)\n$ echo $RUN_ID\n«uuid»"),
    (
        "aws sts get-caller-identity",
        '$ aws sts get-caller-identity\n{\n    "UserId": "AIDA«UP17»",\n    "Account": "«acct»",\n    "Arn": "arn:aws:iam::«acct»:user/«user»"\n}',
    ),
    (
        "secret name in secretsmanager call",
        "aws secretsmanager get-secret-value --secret-id prod/«word»/db-password --query SecretString --output text > /dev/null && echo ok",
    ),
    (
        "terraform plan sensitive value",
        '  # aws_db_instance.main will be created\n  + resource "aws_db_instance" "main" {\n      + engine   = "postgres"\n      + password = (sensitive value)\n      + username = "«user»"\n    }\n\nPlan: 1 to add, 0 to change, 0 to destroy.',
    ),
    (
        "kubectl get pods hash names",
        "$ kubectl get pods\nNAME                            READY   STATUS    RESTARTS   AGE\n«pod»   1/1     Running   0          3h\n«pod:2»   1/1     Running   2          3h",
    ),
    (
        "env vars with secret-ish names, no values",
        "export PASSWORD_MIN_LENGTH=12\nexport TOKEN_TTL_SECONDS=3600\nexport SECRET_NAME=«word»-db-creds\nexport API_KEY_HEADER=X-Api-Key",
    ),
    (
        "read -s secret prompt",
        'read -rsp "Vault token: " VAULT_TOKEN && export VAULT_TOKEN\nvault kv get -field=url secret/«word»/db',
    ),
    ("sshpass -f file", "sshpass -f ~/.ssh/pass.txt ssh «user»@«ip» 'sudo systemctl restart «word»'"),
    (
        "git clone ssh",
        "$ git clone git@github.com:«org»/«repo».git\nCloning into '«repo»'...\nremote: Enumerating objects: «n4», done.\nReceiving objects: 100% («n4»/«n4»), 1.21 MiB | 8.4 MiB/s, done.",
    ),
    (
        "git remote -v no credentials",
        "$ git remote -v\norigin\thttps://github.com/«org»/«repo».git (fetch)\norigin\thttps://github.com/«org»/«repo».git (push)\nupstream\tgit@github.com:«org»/«repo».git (fetch)",
    ),
    (
        "htpasswd interactive",
        "$ htpasswd -B /etc/nginx/.htpasswd «user»\nNew password: \nRe-type new password: \nAdding password for user «user»",
    ),
    (
        "kubectl secret from file",
        "kubectl create secret generic «word» --from-file=password=./secrets/db_password.txt --dry-run=client -o yaml | kubeseal > sealed.yaml",
    ),
    (
        "docker run password from var/file",
        "docker run -d -e POSTGRES_PASSWORD_FILE=/run/secrets/pg -e POSTGRES_USER=$PG_USER -v pgdata:/var/lib/postgresql/data postgres:16",
    ),
    (
        "placeholder changeme",
        "export DJANGO_SECRET_KEY=changeme\nexport DB_PASSWORD=changeme\npython manage.py runserver",
    ),
    (
        "curl -u from env vars",
        'curl -u "$JENKINS_USER:$JENKINS_TOKEN" -X POST https://«host»/job/«word»/build',
    ),
    (
        "openssl fingerprint",
        "$ openssl x509 -in cert.pem -noout -fingerprint -sha256\nsha256 Fingerprint=«fp»",
    ),
    ("md5sum output", "$ md5sum «word».iso\n«hex32»  «word».iso"),
    (
        "gpg list secret keys (fingerprint)",
        "$ gpg --list-secret-keys --keyid-format=long\nsec   ed25519/«HEX16» 2024-03-11 [SC]\n      «HEX40»\nuid                 [ultimate] «name» <«email»>\nssb   cv25519/«HEX16:2» 2024-03-11 [E]",
    ),
    (
        "git credential helper config",
        "$ git config --global credential.helper store\n$ git config --get credential.helper\nstore",
    ),
    (
        "ls ~/.aws",
        "$ ls -la ~/.aws\ntotal 16\ndrwx------  2 «user» «user» 4096 Mar  3 10:12 .\n-rw-------  1 «user» «user»  116 Mar  3 10:12 config\n-rw-------  1 «user» «user»  232 Mar  3 10:12 credentials",
    ),
    (
        "key from password manager",
        "export OPENAI_API_KEY=$(op read op://Private/OpenAI/credential)\nexport GITHUB_TOKEN=$(gh auth token)",
    ),
    (
        "pytest output about tokens",
        "tests/test_auth.py::test_rejects_expired_token PASSED           [ 40%]\ntests/test_auth.py::test_password_reset_sends_email PASSED      [ 60%]\ntests/test_auth.py::test_api_key_rotation PASSED                [ 80%]",
    ),
    (
        "ecr get-login-password pipe",
        "aws ecr get-login-password --region «region» | docker login --username AWS --password-stdin «acct».dkr.ecr.«region».amazonaws.com",
    ),
    (
        "ssh-add -l fingerprint",
        "$ ssh-add -l\n256 SHA256:«b64_43» «email» (ED25519)\n3072 SHA256:«b64_43:2» deploy@«word» (RSA)",
    ),
    ("base64 -d of a config", '$ echo "«b64text»" | base64 -d\n{"service": "«word»", "replicas": 3}'),
    (
        ".env.example placeholders",
        "# copy to .env and fill in\nDATABASE_URL=postgres://user:password@localhost:5432/app\nSTRIPE_SECRET_KEY=«xstripe»\nSLACK_BOT_TOKEN=xoxb-your-token\nAWS_SECRET_ACCESS_KEY=\nSENTRY_DSN=",
    ),
    (
        "gitlab ci job token var",
        'docker login -u gitlab-ci-token -p "$CI_JOB_TOKEN" "$CI_REGISTRY"\ndocker push "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA"',
    ),
    (
        "openssl rand to file (no value shown)",
        "openssl rand -hex 32 > .secret_key && chmod 600 .secret_key\nls -l .secret_key",
    ),
    (
        "export commit and build ids",
        "export GIT_COMMIT=«sha40» BUILD_ID=«n6» BUILD_URL=https://ci.«domain»/job/«word»/«n4»/",
    ),
    (
        "gh secret list names",
        "$ gh secret list\nNAME                   UPDATED\nAWS_SECRET_ACCESS_KEY  about 2 months ago\nNPM_TOKEN              about 5 days ago\nSLACK_WEBHOOK_URL      about 1 year ago",
    ),
    (
        "vault kv metadata",
        "$ vault kv metadata get secret/«word»/db\n======= Metadata Path =======\nsecret/metadata/«word»/db\n\n========== Metadata ==========\nKey                     Value\n---                     -----\ncreated_time            «ts»\ncurrent_version         3\nmax_versions            0",
    ),
    (
        "find files named secret",
        "$ find . -name '*secret*' -o -name '*.pem'\n./config/secrets.example.yaml\n./deploy/k8s/sealed-secret.yaml\n./certs/ca.pem",
    ),
    (
        "pip download wheel hash",
        "Collecting «word»==«ver»\n  Downloading «word»-«ver»-py3-none-any.whl («n2».4 kB)\nSaved ./«word»-«ver»-py3-none-any.whl\nSuccessfully downloaded «word»",
    ),
    (
        "kubectl create token usage",
        "$ kubectl create token «word»-sa --duration=1h > /tmp/sa.token\n$ wc -c /tmp/sa.token\n«n3» /tmp/sa.token",
    ),
    (
        "powershell env from secret store",
        '$env:GITHUB_TOKEN = (Get-Secret -Name GitHubToken -AsPlainText)\n$env:AZURE_CLIENT_ID = "«uuid»"',
    ),
    ("windows set placeholder", "C:\\> set OPENAI_API_KEY=your_api_key_here\nC:\\> python chat.py"),
    (
        "docker image ls ids",
        "$ docker image ls\nREPOSITORY   TAG       IMAGE ID       CREATED        SIZE\n«word»       latest    «hex12»   2 days ago     187MB\n«word:2»     «ver»     «hex12:2»   3 weeks ago    92.4MB",
    ),
    (
        "ps output no secrets",
        "$ ps aux | grep gunicorn\n«user»  «n4»  1.2  0.8 243112 68220 ?  S  10:02  0:03 gunicorn app:app --workers 4 --bind 0.0.0.0:8000",
    ),
]

PLAIN: list[tuple[str, str]] = [
    # ---- positives
    (
        "aws configure interactive",
        "AWS Access Key ID [None]: «akid»\nAWS Secret Access Key [None]: «!awssecret»\nDefault region name [None]: «region»\nDefault output format [None]: json",
    ),
    (
        ".netrc heroku api key",
        "machine api.heroku.com\n  login «email»\n  password «!uuid»\nmachine git.heroku.com\n  login «email»\n  password «!uuid»",
    ),
    (".netrc github token", "machine github.com login «user» password «!ghp»"),
    (".pgpass lines", "«host»:5432:«db»:«user»:«!pw»\n*:*:*:replicator:«!pw:2»"),
    (".git-credentials file", "https://«user»:«!ghp»@github.com\nhttps://oauth2:«!glpat»@gitlab.«domain»"),
    (
        "stripe listen webhook secret",
        "> Ready! You are using Stripe API Version [2024-06-20]. Your webhook signing secret is «!whsec» (^C to quit)",
    ),
    (
        "log line with DB URI password",
        "2025-03-02 10:11:12,345 DEBUG sqlalchemy.engine.Engine connecting to postgresql://«user»:«!pwq»@«host»:5432/«db»",
    ),
    ("log line password=", "«ts» ERROR [auth] login failed for user=«user» password=«!pw» ip=«ip»"),
    (
        "HTTP request dump bearer JWT",
        "GET /api/v2/items?page=2 HTTP/1.1\nHost: «host»\nUser-Agent: python-requests/2.32.3\nAuthorization: Bearer «!jwt»\nAccept: */*",
    ),
    (
        "curl -v basic auth header",
        "* Connected to «host» («ip») port 443\n> GET /v1/projects HTTP/2\n> Host: «host»\n> Authorization: Basic «!userpw|b64»\n> user-agent: curl/8.5.0\n> accept: */*",
    ),
    (
        "curl -v session cookie",
        "> GET /admin HTTP/1.1\n> Host: «host»\n> Cookie: sessionid=«!djsess»; csrftoken=«alnum32»\n>\n< HTTP/1.1 200 OK",
    ),
    (
        "set-cookie github session",
        "< HTTP/2 200\n< server: GitHub.com\n< set-cookie: _gh_sess=«!ghsess»; path=/; secure; HttpOnly; SameSite=Lax\n< set-cookie: _octo=GH1.1.«n9».«epoch»; Path=/; Domain=github.com",
    ),
    (
        "set-cookie connect.sid",
        "HTTP/1.1 302 Found\nLocation: /dashboard\nSet-Cookie: connect.sid=«!consid»; Path=/; HttpOnly\nDate: Tue, 04 Mar 2025 10:00:00 GMT",
    ),
    ("cookie JSESSIONID", "Cookie: JSESSIONID=«!HEX32»; Path=/«word»; Secure"),
    (
        "gh auth status --show-token",
        "github.com\n  ✓ Logged in to github.com account «user» (/home/«user»/.config/gh/hosts.yml)\n  - Active account: true\n  - Git operations protocol: https\n  - Token: «!gho»",
    ),
    (
        "heroku config output",
        "=== «word»-api Config Vars\nDATABASE_URL:   postgres://«lower14»:«!hex64»@ec2-«n2»-«n3»-«n2:2»-«n3:2».compute-1.amazonaws.com:5432/«lower14:2»\nREDIS_URL:      rediss://:«!pwq»@ec2-«n2:3»-«n3:3».compute-1.amazonaws.com:«n5»\nWEB_CONCURRENCY: 2",
    ),
    (
        "vault kv get table",
        "====== Secret Path ======\nsecret/data/«word»/db\n\n====== Data ======\nKey         Value\n---         -----\npassword    «!pws»\nusername    «user»",
    ),
    (
        "vault token create output",
        'Key                  Value\n---                  -----\ntoken                «!hvs»\ntoken_accessor       «alnum24»\ntoken_duration       768h\ntoken_renewable      true\ntoken_policies       ["default"]',
    ),
    (
        "kubectl decode secret output",
        "$ kubectl get secret «word»-db -o jsonpath='{.data.password}' | base64 -d\n«!pw»",
    ),
    (
        "jenkins log docker login",
        "[Pipeline] sh\n+ docker login -u «user» -p «!pw» registry.«domain»\nWARNING! Using --password via the CLI is insecure. Use --password-stdin.\nLogin Succeeded",
    ),
    (
        "CI log unmasked gitlab token",
        'Run curl --fail -H "PRIVATE-TOKEN: «!glpat»" https://gitlab.com/api/v4/projects/«n8»/trigger/pipeline\n{"id":«n9»,"status":"created"}',
    ),
    ("RSA private key PEM", "-----BEGIN RSA «PK»-----\n«!rsa»\n-----END RSA «PK»-----"),
    (
        "OpenSSH private key",
        "$ cat ~/.ssh/id_ed25519\n-----BEGIN OPENSSH «PK»-----\n«!openssh»\n-----END OPENSSH «PK»-----",
    ),
    ("EC private key PEM", "-----BEGIN EC «PK»-----\n«!ec»\n-----END EC «PK»-----"),
    (
        "encrypted private key PEM",
        "-----BEGIN ENCRYPTED «PK»-----\n«!encpk»\n-----END ENCRYPTED «PK»-----",
    ),
    (
        "PGP private key block",
        "-----BEGIN PGP «PK» BLOCK-----\n\n«!pgp»\n-----END PGP «PK» BLOCK-----",
    ),
    ("age identity file", "# created: «ts»\n# public key: «agepub»\n«!agekey»"),
    (
        "wireguard private key",
        "[Interface]\nPrivateKey = «!wg»\nAddress = 10.8.0.2/32\nDNS = 1.1.1.1\n\n[Peer]\nPublicKey = «wg:pub»\nPresharedKey = «!wg:psk»\nEndpoint = «ip»:51820\nAllowedIPs = 0.0.0.0/0",
    ),
    (
        "openai error with full key",
        "openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: «!oai». You can find your API key at https://platform.openai.com/account/api-keys.', 'type': 'invalid_request_error', 'code': 'invalid_api_key'}}",
    ),
    (
        "python repr of config dict",
        "Traceback (most recent call last):\n  File \"/app/db.py\", line 41, in connect\n    raise ConnectionError(f\"cannot connect with {cfg}\")\nConnectionError: cannot connect with {'host': '«host»', 'port': 5432, 'user': '«user»', 'password': '«!pws»'}",
    ),
    (
        "debug log headers dict",
        "DEBUG:urllib3.connectionpool:https://«host»:443 \"POST /v1/events HTTP/1.1\" 401 52\nDEBUG:client:request headers={'User-Agent': 'python-requests/2.31.0', 'Authorization': 'Bearer «!tok»', 'Content-Type': 'application/json'}",
    ),
    (
        "slack bot token in log",
        "«ts» INFO slack_bolt.App: Initialising with bot token «!xoxb» for team «slackT»",
    ),
    (
        "prose with groq key",
        "I tried again with my key «!gsk» and it still returns 401 from /openai/v1/chat/completions, any idea?",
    ),
    (
        "README line with replicate token",
        "Set `REPLICATE_API_TOKEN=«!r8»` before running `python predict.py`.",
    ),
    ("rails master.key", "$ cat config/master.key\n«!hex32»"),
    (
        "SMTP AUTH PLAIN",
        "C: EHLO «word».local\nS: 250-smtp.«domain»\nC: AUTH PLAIN «!smtpplain»\nS: 235 2.7.0 Authentication successful",
    ),
    ("IMAP LOGIN", "* OK IMAP4rev1 Service Ready\na001 LOGIN «email» «!pw»\na001 OK LOGIN completed"),
    (
        "FTP PASS",
        "220 ProFTPD Server ready.\nUSER «user»\n331 Password required for «user»\nPASS «!pw»\n230 User «user» logged in",
    ),
    (
        "git credential fill output",
        "$ printf 'protocol=https\\nhost=github.com\\n\\n' | git credential fill\nprotocol=https\nhost=github.com\nusername=«user»\npassword=«!gho»",
    ),
    (
        "ps aux with password arg",
        "«user»  «n4»  0.3  1.2 java -Xmx512m -jar app.jar --spring.datasource.password=«!pw» --server.port=8080",
    ),
    (
        "circleci token env listing",
        "CIRCLE_BRANCH=main\nCIRCLE_BUILD_NUM=«n4»\nCIRCLE_TOKEN=«!hex40»\nCIRCLE_PROJECT_REPONAME=«repo»",
    ),
    ("discord bot static token log", "«ts» INFO discord.client logging in using static token «!discordbot»"),
    (
        "login output with tokens",
        "Login OK for «email».\naccess_token: «!jwt»\nrefresh_token: «!b64url64»\nexpires_in: 3600",
    ),
    ("postman api key in log", "Using Postman API key «!postman» to sync collection «uuid»"),
    ("twilio auth token in console", "Account SID: «twsid»\nAuth Token:  «!hex32»\nPhone: +1555«n7»"),
    ("chat message with anthropic key", "here's the key for staging, please don't commit it: «!ant»"),
    ("huggingface login output", "$ huggingface-cli whoami\n«user»\n$ cat ~/.cache/huggingface/token\n«!hf»"),
    (
        "okta token in curl -v",
        "> GET /api/v1/users?limit=25 HTTP/1.1\n> Host: «word».okta.com\n> Authorization: SSWS «!okta»\n> Accept: application/json",
    ),
    ("pulumi access token in log", "Logging in using access token from PULUMI_ACCESS_TOKEN: «!pulumi»"),
    ("linear key pasted", "LINEAR_API_KEY is «!linear» (workspace «word»)"),
    (
        "kafka sasl jaas with secret",
        'sasl.mechanism=PLAIN\nsecurity.protocol=SASL_SSL\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="«UP16»" password="«!b64_64»";',
    ),
    ("python -c print env", "$ python -c 'import os; print(os.environ[\"SENDGRID_API_KEY\"])'\n«!sg»"),
    ("terraform output -raw", "$ terraform output -raw db_password\n«!pws»"),
    ("dropbox / figma token note", "figma token for the design sync job: «!figd» (read-only)"),
    (
        "authorization header in nginx log",
        '«ip» - - [04/Mar/2025:10:12:01 +0000] "GET /api/export HTTP/1.1" 200 512 "-" "curl/8.5.0" auth="Bearer «!jwt»"',
    ),
    # ---- negatives
    (
        "GitHub Actions masked ***",
        'Run curl -H "Authorization: Bearer ***" https://api.«domain»/deploy\n  curl -H "Authorization: Bearer ***" https://api.«domain»/deploy\n  shell: /usr/bin/bash -e {0}\n  env:\n    DEPLOY_TOKEN: ***',
    ),
    (
        "git log with commit hashes",
        "commit «sha40»\nAuthor: «name» <«email»>\nDate:   Tue Mar 4 10:12:01 2025 +0100\n\n    Read the API token from the secret store instead of config\n\ncommit «sha40:2»\nMerge: «sha7» «sha7:2»",
    ),
    (
        "structured log request ids",
        "«ts» INFO request_id=«uuid» trace_id=«hex32» span_id=«hex16» method=GET path=/api/v1/users status=200 duration_ms=«n2»",
    ),
    (
        "AWS error with secret ARN",
        "An error occurred (AccessDeniedException) when calling the GetSecretValue operation: User: arn:aws:iam::«acct»:user/«user» is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:«region»:«acct»:secret:prod/«word»/api-key-«alnum6»",
    ),
    (
        "S3 response headers ids",
        '< HTTP/1.1 200 OK\n< x-amz-id-2: «b64_76»\n< x-amz-request-id: «HEX16»\n< ETag: "«hex32»"\n< x-amz-version-id: «b64url32»\n< Content-Type: application/octet-stream',
    ),
    (
        "stripe object ids in log",
        "Created PaymentIntent pi_«alnum24» for customer cus_«alnum14» (amount=4200 usd), charge ch_«alnum24», event evt_«alnum24»",
    ),
    (
        "LLM API response ids",
        "response id=chatcmpl-«alnum29» model=gpt-4o-2024-08-06 system_fingerprint=fp_«hex10» usage={prompt_tokens: 512, completion_tokens: 88}\nanthropic message id=«msgid» stop_reason=end_turn",
    ),
    (
        "password policy prose",
        "Passwords must be at least 12 characters and include a number. Access tokens expire after 30 days; rotate your API key from Settings → Security → API keys.",
    ),
    (
        "README placeholders",
        'Set your keys before running:\n\n    export OPENAI_API_KEY="sk-..."\n    export ANTHROPIC_API_KEY="<your-anthropic-key>"\n    export HF_TOKEN=hf_xxx',
    ),
    (
        "masked key in error",
        "Incorrect API key provided: sk-proj-********************************************«alnum4». You can find your API key at https://platform.openai.com/account/api-keys.",
    ),
    (
        "[REDACTED] values in log",
        "«ts» WARN db: connect retry user=«user» password=[REDACTED] host=«host» token=<redacted>",
    ),
    (
        "image digest reference",
        'Successfully pulled image "ghcr.io/«org»/«repo»@sha256:«hex64»" in 2.1s (2.1s including waiting)',
    ),
    (
        "ssh host fingerprint prompt",
        "The authenticity of host '«host» («ip»)' can't be established.\nED25519 key fingerprint is SHA256:«b64_43».\nThis key is not known by any other names.\nAre you sure you want to continue connecting (yes/no/[fingerprint])?",
    ),
    ("known_hosts lines", "«host» ssh-ed25519 «sshed»\n«ip» ssh-rsa «sshrsa»"),
    ("certificate PEM", "-----BEGIN CERTIFICATE-----\n«cert»\n-----END CERTIFICATE-----"),
    (
        "PGP public key block",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n«pgppub»\n-----END PGP PUBLIC KEY BLOCK-----",
    ),
    ("ssh-rsa public key", "ssh-rsa «sshrsa» «email»"),
    ("UUIDs in prose", "Created workspace «uuid» (owner «uuid:2»); migration «uuid:3» applied."),
    (
        "sentry DSN (public by design)",
        "Sentry initialised: dsn=https://«hex32»@o«n6».ingest.us.sentry.io/«n7» environment=production release=«sha7»",
    ),
    ("data URI png", '<img src="data:image/png;base64,«png»" alt="logo" width="32">'),
    (
        "changelog mentioning tokens",
        "### Fixed\n- `--password-stdin` now works with registries that need a token.\n- The `token` field of the webhook payload was renamed to `access_token`.\n- API keys are now hashed at rest.",
    ),
    (
        "diff switching to env var",
        '-    api_key = ""\n+    api_key = os.environ["OPENAI_API_KEY"]\n-    password = config.get("password")\n+    password = secrets_manager.get("db/password")',
    ),
    ("CI cache key hash", "Cache restored from key: Linux-node-«hex64»\nCache Size: ~«n2» MB (52428800 B)"),
    (
        "git push output",
        "remote: Resolving deltas: 100% (3/3), completed with 3 local objects.\nTo github.com:«org»/«repo».git\n   «sha7»..«sha7:2»  main -> main",
    ),
    (
        "vault path prose",
        "The app reads secret/data/«word»/prod/database (key: password) with the «word»-read policy; rotate via database/rotate-root/«word».",
    ),
    (
        "AWS docs example keys",
        "For example:\n[default]\naws_access_key_id = «awsexid»\naws_secret_access_key = «awsexsecret»",
    ),
    ("placeholder ghp_xxx", "Paste a classic token (it looks like «xghp») into the GITHUB_TOKEN field."),
    ("slack ids", "Posted to channel C«UP10» (ts=«epoch».«n6») by U«UP10:2» in team «slackT»"),
    ("model checksum", "model.safetensors: sha256 «hex64» (4.9 GB)\ntokenizer.json: sha256 «hex64:2»"),
    (
        "pypi upload output",
        "Uploading distributions to https://upload.pypi.org/legacy/\nUploading «word»-«ver»-py3-none-any.whl\n100% ━━━━━━━━━━━━━━━━━━━━ 12.3/12.3 kB • 00:00\nView at:\nhttps://pypi.org/project/«word»/«ver»/",
    ),
    (
        "mysql cli warning",
        "mysql: [Warning] Using a password on the command line interface can be insecure.\n+----------+\n| COUNT(*) |\n+----------+\n|     «n4» |\n+----------+",
    ),
    (
        "service account token path",
        "Mounting /var/run/secrets/kubernetes.io/serviceaccount/token (projected, expires in 3607s) into pod «pod»",
    ),
    (
        "go test output",
        "ok  \tgithub.com/«org»/«repo»/internal/auth\t0.412s\nok  \tgithub.com/«org»/«repo»/internal/token\t0.128s\n--- PASS: TestSecretRotation (0.01s)",
    ),
    ("cf-ray and request id", "error code: 1020\nRay ID: «hex16»\nx-request-id: «uuid»"),
    ("token revoked message", "Token «n7» revoked by «email» at «ts». Remaining active tokens: 2."),
    (
        "issue text about leaked-key handling",
        "We rotate keys when one leaks: revoke it in the console, create a new one, and update the CI secret. Never paste the key into an issue.",
    ),
    (
        "hash in lockfile diff",
        '-  resolved "https://registry.yarnpkg.com/«word»/-/«word»-«ver».tgz#«sha40»"\n-  integrity sha512-«b64_86»==',
    ),
    ("masked token suffix", "Using token ****«alnum4» (expires «date»)"),
    (
        "hidden password prompt",
        "Password for 'https://«user»@github.com': (hidden)\nremote: Support for password authentication was removed on August 13, 2021.",
    ),
    ("cron id / job ids", "job «uuid» scheduled (cron «n2» * * * *), previous run «hex24» succeeded"),
    ("base64 of plain config", "config (base64): «b64text»"),
    (
        "k8s event uid",
        "Event: «pod».17f«hex13» Normal Scheduled uid=«uuid» Successfully assigned «word»/«pod» to node-«n2»",
    ),
    (
        "azure resource id with secret path",
        "/subscriptions/«uuid»/resourceGroups/rg-«word»/providers/Microsoft.KeyVault/vaults/kv-«word»/secrets/db-password/«hex32»",
    ),
    (
        "git commit message words secret token",
        "fix(auth): don't log the bearer token; mask secrets in debug output (#«n4»)",
    ),
    (
        "actions checkout extraheader masked",
        "[command]/usr/bin/git config --local http.https://github.com/.extraheader AUTHORIZATION: basic ***\n[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune --depth=1 origin +«sha40»:refs/remotes/origin/main",
    ),
    (
        "two-factor recovery instructions",
        "Store your recovery codes somewhere safe. If you lose your device and your codes, you will lose access to your account.",
    ),
]

YAML: list[tuple[str, str]] = [
    # ---- positives
    (
        "k8s Secret data base64",
        _t("""
        apiVersion: v1
        kind: Secret
        metadata:
          name: «word»-db
          namespace: «word:2»
        type: Opaque
        data:
          username: «user|b64»
          password: «!pw|b64»"""),
    ),
    (
        "k8s Secret stringData",
        _t("""
        apiVersion: v1
        kind: Secret
        metadata:
          name: «word»-env
        stringData:
          DATABASE_URL: postgres://«user»:«!pwq»@«host»:5432/«db»
          API_KEY: «!alnum40»"""),
    ),
    (
        "kubectl get secret -o yaml",
        _t("""
        apiVersion: v1
        data:
          token: «!tok|b64»
          ca.crt: «certb64»
        kind: Secret
        metadata:
          creationTimestamp: "«ts»"
          name: «word»-api-token
          namespace: default
          resourceVersion: "«n7»"
          uid: «uuid»
        type: Opaque"""),
    ),
    (
        "compose environment map",
        _t("""
        services:
          db:
            image: postgres:16
            environment:
              POSTGRES_USER: «user»
              POSTGRES_PASSWORD: «!pw»
              POSTGRES_DB: «db»"""),
    ),
    (
        "compose environment list",
        _t("""
        services:
          mysql:
            image: mysql:8.4
            environment:
              - MYSQL_ROOT_PASSWORD=«!pw»
              - MYSQL_DATABASE=«db»
            ports:
              - "3306:3306\""""),
    ),
    (
        "helm values passwords",
        _t("""
        postgresql:
          auth:
            username: «user»
            postgresPassword: "«!pws»"
            password: "«!pws:2»"
            database: «db»"""),
    ),
    (
        "workflow env hardcoded npm token",
        _t("""
        jobs:
          publish:
            runs-on: ubuntu-latest
            env:
              NPM_TOKEN: «!npm»
            steps:
              - uses: actions/checkout@v4
              - run: npm publish"""),
    ),
    (
        "gitlab ci DOCKER_AUTH_CONFIG",
        'variables:\n  DOCKER_AUTH_CONFIG: \'{"auths":{"registry.«domain»":{"auth":"«!userpw|b64»"}}}\'',
    ),
    (
        "spring application.yml password",
        _t("""
        spring:
          datasource:
            url: jdbc:postgresql://«host»:5432/«db»
            username: «user»
            password: «!pw»
          jpa:
            hibernate:
              ddl-auto: validate"""),
    ),
    (
        "rails database.yml password",
        "production:\n  adapter: postgresql\n  database: «db»\n  username: «user»\n  password: «!pw»\n  host: «host»",
    ),
    (
        "kubeconfig user token",
        _t("""
        users:
        - name: «word»-admin
          user:
            token: «!jwtrs»"""),
    ),
    (
        "kubeconfig client-key-data",
        _t("""
        users:
        - name: kubernetes-admin
          user:
            client-certificate-data: «certb64»
            client-key-data: «!keyb64»"""),
    ),
    (
        "gh hosts.yml oauth_token",
        _t("""
        github.com:
            users:
                «user»:
                    oauth_token: «!gho»
            git_protocol: https
            oauth_token: «!gho»
            user: «user»"""),
    ),
    (
        "ansible become password",
        "all:\n  vars:\n    ansible_user: «user»\n    ansible_become_password: «!pw»\n    ansible_ssh_pass: «!pw:2»",
    ),
    (
        "netplan wifi password",
        _t("""
        network:
          version: 2
          wifis:
            wlan0:
              dhcp4: true
              access-points:
                "«word»-5G":
                  password: "«!pwh»\""""),
    ),
    (
        "alertmanager slack api_url",
        _t("""
        receivers:
          - name: oncall
            slack_configs:
              - api_url: https://hooks.slack.com/services/«slackT»/«slackB»/«!slackhook»
                channel: '#alerts'
                send_resolved: true"""),
    ),
    (
        "prometheus basic_auth",
        "scrape_configs:\n  - job_name: «word»\n    basic_auth:\n      username: «user»\n      password: «!pw»\n    static_configs:\n      - targets: ['«host»:9100']",
    ),
    (
        "grafana datasource secureJsonData",
        "datasources:\n  - name: Postgres\n    type: postgres\n    url: «host»:5432\n    user: «user»\n    secureJsonData:\n      password: «!pw»",
    ),
    (
        "circleci env aws secret",
        "jobs:\n  deploy:\n    docker:\n      - image: cimg/python:3.12\n    environment:\n      AWS_ACCESS_KEY_ID: «akid»\n      AWS_SECRET_ACCESS_KEY: «!awssecret»",
    ),
    (
        "compose JWT_SECRET",
        "  api:\n    build: .\n    environment:\n      JWT_SECRET: «!b64_64»\n      NODE_ENV: production",
    ),
    (
        "serverless env stripe key",
        "provider:\n  name: aws\n  runtime: nodejs20.x\n  environment:\n    STRIPE_SECRET_KEY: «!sklive»\n    STAGE: ${sls:stage}",
    ),
    (
        "supabase service role key",
        "env:\n  SUPABASE_URL: https://«lower20».supabase.co\n  SUPABASE_SERVICE_ROLE_KEY: «!jwt»",
    ),
    (
        "azure storage connection string",
        "variables:\n  AZURE_STORAGE_CONNECTION_STRING: DefaultEndpointsProtocol=https;AccountName=«word»store;AccountKey=«!azkey»;EndpointSuffix=core.windows.net",
    ),
    (
        "manifest env mongodb uri",
        "applications:\n- name: «word»\n  env:\n    MONGODB_URI: mongodb+srv://«user»:«!pwq»@«word».«mongoid».mongodb.net/«db»?retryWrites=true&w=majority",
    ),
    (
        "home assistant secrets.yaml",
        "wifi_ssid: «word»-home\nwifi_password: «!pwh»\nmqtt_password: «!pw»\nlatitude: 52.37",
    ),
    (
        "argocd repo secret",
        _t("""
        apiVersion: v1
        kind: Secret
        metadata:
          name: private-repo
          labels:
            argocd.argoproj.io/secret-type: repository
        stringData:
          type: git
          url: https://github.com/«org»/«repo»
          username: «user»
          password: «!ghp»"""),
    ),
    (
        "workflow step with: token",
        "      - uses: «org»/release-action@v2\n        with:\n          token: «!ghp»\n          tag: v«ver»",
    ),
    (
        "dependabot registry token",
        "registries:\n  npm-github:\n    type: npm-registry\n    url: https://npm.pkg.github.com\n    token: «!ghp»",
    ),
    ("codecov token (uuid)", "codecov:\n  token: «!uuid»\n  require_ci_to_pass: true"),
    (
        "datadog.yaml api_key",
        "api_key: «!hex32»\nsite: datadoghq.eu\nlogs_enabled: true\nhostname: «word»-«n2»",
    ),
    (
        "newrelic license_key",
        "common: &default_settings\n  license_key: «!nrlicense»\n  app_name: «word»\n  distributed_tracing:\n    enabled: true",
    ),
    (
        "smtp sendgrid password",
        "smtp:\n  address: smtp.sendgrid.net\n  port: 587\n  user_name: apikey\n  password: «!sg»",
    ),
    (
        "oauth client-secret",
        _t("""
        spring:
          security:
            oauth2:
              client:
                registration:
                  google:
                    client-id: «n12»-«lower32».apps.googleusercontent.com
                    client-secret: «!gocspx»"""),
    ),
    (
        "debezium database.password",
        "config:\n  database.hostname: «host»\n  database.user: «user»\n  database.password: «!pw»\n  topic.prefix: «word»",
    ),
    (
        "cloud-init chpasswd",
        "#cloud-config\nchpasswd:\n  list: |\n    ubuntu:«!pw»\n  expire: false\nssh_pwauth: true",
    ),
    (
        "cloud-init private key block",
        "#cloud-config\nssh_keys:\n  rsa_private: |\n    -----BEGIN RSA «PK»-----\n    «!rsa|i4»\n    -----END RSA «PK»-----\n  rsa_public: ssh-rsa «sshrsa» root@«word»",
    ),
    (
        "travis deploy api_key",
        "deploy:\n  provider: releases\n  api_key: «!ghp»\n  file: dist/«word».tar.gz\n  on:\n    tags: true",
    ),
    ("elastic api_key", 'output.elasticsearch:\n  hosts: ["https://«host»:9200"]\n  api_key: «!esapikey»'),
    ("yaml single-quoted password with quote", "redis:\n  host: «host»\n  password: '«!pwquote»'"),
    (
        "compose anthropic key",
        "services:\n  agent:\n    image: «org»/agent:latest\n    environment:\n      ANTHROPIC_API_KEY: «!ant»\n      LOG_LEVEL: info",
    ),
    (
        "k8s configmap with leaked token",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: «word»-config\ndata:\n  SLACK_APP_TOKEN: «!xapp»\n  LOG_FORMAT: json",
    ),
    (
        "helm values sentry + linear",
        "integrations:\n  linear:\n    apiKey: «!linear»\n  sentry:\n    authToken: «!sntryu»",
    ),
    (
        "gitlab ci hardcoded trigger token",
        "trigger_downstream:\n  script:\n    - curl -X POST --fail -F token=«!glptt» -F ref=main https://gitlab.com/api/v4/projects/«n8»/trigger/pipeline",
    ),
    (
        "mailchimp key in config",
        "newsletter:\n  provider: mailchimp\n  api_key: «!mailchimp»\n  list_id: «hex10»",
    ),
    (
        "docker compose redis requirepass",
        "  redis:\n    image: redis:7\n    command: redis-server --requirepass «!pw»",
    ),
    # ---- negatives
    (
        "workflow ${{ secrets.X }}",
        _t("""
        - name: Deploy
          env:
            AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}
            AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
          run: |
            curl -H "Authorization: Bearer ${{ secrets.DEPLOY_TOKEN }}" https://«host»/deploy"""),
    ),
    (
        "k8s secretKeyRef",
        _t("""
        env:
          - name: DB_PASSWORD
            valueFrom:
              secretKeyRef:
                name: «word»-db
                key: password
          - name: API_TOKEN
            valueFrom:
              secretKeyRef:
                name: «word»-api
                key: token"""),
    ),
    (
        "helm template expression",
        'password: {{ .Values.postgresql.auth.password | quote }}\napiKey: {{ required "apiKey is required" .Values.apiKey | b64enc }}',
    ),
    (
        "compose ${VAR:?} interpolation",
        "    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}\n      REDIS_PASSWORD: ${REDIS_PASSWORD}",
    ),
    (
        "compose secrets file",
        "secrets:\n  db_password:\n    file: ./secrets/db_password.txt\n  api_key:\n    external: true",
    ),
    (
        "database.yml ERB env",
        "production:\n  <<: *default\n  database: «db»\n  username: <%= ENV['DB_USER'] %>\n  password: <%= ENV['DB_PASSWORD'] %>",
    ),
    (
        "deployment with image digest and uid",
        _t("""
        metadata:
          name: «word»
          uid: «uuid»
          resourceVersion: "«n7»"
          annotations:
            checksum/config: «hex64»
        spec:
          template:
            spec:
              containers:
                - name: «word»
                  image: ghcr.io/«org»/«repo»@sha256:«hex64:2»"""),
    ),
    (
        "pnpm-lock integrity",
        "  /«word»@«ver»:\n    resolution: {integrity: sha512-«b64_86»==}\n    engines: {node: '>=18'}\n    dev: false",
    ),
    (
        "pulumi secure ciphertext",
        "config:\n  aws:region: «region»\n  «word»:dbPassword:\n    secure: v1:«b64_16»:«b64_60»",
    ),
    (
        "sops encrypted values",
        _t("""
        password: ENC[AES256_GCM,data:«b64_20»,iv:«b64_43»=,tag:«b64_22»==,type:str]
        sops:
            age:
                - recipient: «agepub»
            lastmodified: "«ts»"
            mac: ENC[AES256_GCM,data:«b64_88»,iv:«b64_43:2»=,tag:«b64_22:2»==,type:str]
            version: 3.9.1"""),
    ),
    (
        "external secret remoteRef",
        "spec:\n  secretStoreRef:\n    name: aws-secrets\n    kind: ClusterSecretStore\n  data:\n    - secretKey: password\n      remoteRef:\n        key: prod/«word»/db\n        property: password",
    ),
    (
        "sealed secret ciphertext",
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: «word»-db\nspec:\n  encryptedData:\n    password: AgB«b64_340»",
    ),
    (
        "openapi security schemes",
        "components:\n  securitySchemes:\n    bearerAuth:\n      type: http\n      scheme: bearer\n      bearerFormat: JWT\n    apiKey:\n      type: apiKey\n      in: header\n      name: X-API-Key",
    ),
    (
        "ansible vault ciphertext",
        "db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  «n64»\n  «n64:2»\n  «hex64»\n  «hex64:2»",
    ),
    (
        "ansible lookup",
        "db_password: \"{{ lookup('community.hashi_vault.hashi_vault', 'secret=secret/data/«word»:password') }}\"",
    ),
    (
        "cache key hashFiles",
        "      - uses: actions/cache@v4\n        with:\n          path: ~/.cache/pip\n          key: ${{ runner.os }}-pip-${{ hashFiles('**/requirements.txt') }}",
    ),
    (
        "serviceaccount secrets names",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: «word»\nautomountServiceAccountToken: false\nsecrets:\n  - name: «word»-token-«lower5»",
    ),
    (
        "cert-manager certificate",
        "spec:\n  secretName: «word»-tls\n  issuerRef:\n    name: letsencrypt-prod\n    kind: ClusterIssuer\n  dnsNames:\n    - «word».«domain»",
    ),
    ("placeholder values", 'api_key: <your-api-key>\nsecret: changeme\npassword: ""\ntoken: TODO'),
    ("masked password", "database:\n  user: «user»\n  password: '********'\n  host: «host»"),
    (
        "argocd app pinned revision",
        "spec:\n  source:\n    repoURL: https://github.com/«org»/«repo».git\n    targetRevision: «sha40»\n    path: deploy/overlays/prod",
    ),
    (
        "gitlab ci job token",
        "build:\n  script:\n    - docker login -u gitlab-ci-token -p $CI_JOB_TOKEN $CI_REGISTRY\n    - docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA .",
    ),
    (
        "conda env build strings",
        "dependencies:\n  - python=3.11.9=hab00c5b_0_cpython\n  - numpy=1.26.4=py311h64a7726_0\n  - pip:\n      - «word»==«ver»",
    ),
    (
        "otel headers from env",
        "exporters:\n  otlphttp:\n    endpoint: https://otlp.nr-data.net\n    headers:\n      api-key: ${env:NEW_RELIC_LICENSE_KEY}",
    ),
    (
        "workflow pinned action SHAs",
        "    steps:\n      - uses: actions/checkout@«sha40» # v4.1.7\n      - uses: actions/setup-python@«sha40:2» # v5.1.0",
    ),
    (
        "existingSecret names",
        "auth:\n  existingSecret: «word»-credentials\n  secretKeys:\n    adminPasswordKey: admin-password\n    userPasswordKey: user-password",
    ),
    (
        "vault agent annotations",
        'annotations:\n  vault.hashicorp.com/agent-inject: "true"\n  vault.hashicorp.com/role: «word»\n  vault.hashicorp.com/agent-inject-secret-db: database/creds/«word»-readonly',
    ),
    (
        "spring placeholders",
        "spring:\n  datasource:\n    url: ${DB_URL}\n    username: ${DB_USER:app}\n    password: ${DB_PASSWORD:}",
    ),
    (
        "test fixtures fake passwords",
        "fixtures:\n  - username: alice\n    password: test-password\n  - username: bob\n    password: not-a-real-secret",
    ),
    (
        "kustomize secretGenerator",
        "secretGenerator:\n  - name: «word»-secrets\n    envs:\n      - secrets.env\ngeneratorOptions:\n  disableNameSuffixHash: true",
    ),
    (
        "configmap binaryData logo",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: «word»-assets\nbinaryData:\n  logo.png: «png»",
    ),
    (
        "kubeconfig exec plugin no token",
        _t("""
        clusters:
        - cluster:
            certificate-authority-data: «certb64»
            server: https://«HEX32».gr7.«region».eks.amazonaws.com
          name: «word»
        users:
        - name: «word»
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              command: aws
              args: ["eks", "get-token", "--cluster-name", "«word»"]"""),
    ),
    (
        "OIDC role assumption",
        "permissions:\n  id-token: write\n  contents: read\nsteps:\n  - uses: aws-actions/configure-aws-credentials@v4\n    with:\n      role-to-assume: arn:aws:iam::«acct»:role/«word»-deploy\n      aws-region: «region»",
    ),
    (
        "Chart.lock digest",
        'dependencies:\n- name: postgresql\n  repository: oci://registry-1.docker.io/bitnamicharts\n  version: «ver»\ndigest: sha256:«hex64»\ngenerated: "«ts»"',
    ),
    (".sops.yaml age recipients", "creation_rules:\n  - path_regex: secrets/.*\\.yaml\n    age: «agepub»"),
    (
        "compose env_file",
        "services:\n  web:\n    build: .\n    env_file:\n      - .env\n    depends_on: [db]",
    ),
    (
        "k8s probe and resources",
        "livenessProbe:\n  httpGet:\n    path: /healthz\n    port: 8080\n  initialDelaySeconds: 10\nresources:\n  limits:\n    memory: 512Mi",
    ),
    (
        "mkdocs config",
        "site_name: «word» docs\ntheme:\n  name: material\nplugins:\n  - search\nmarkdown_extensions:\n  - admonition",
    ),
    (
        "renovate config with tokens word",
        'packageRules:\n  - matchPackageNames: ["jsonwebtoken", "passport-http-bearer"]\n    groupName: auth libraries',
    ),
    (
        "keys as labels",
        "labels:\n  app.kubernetes.io/name: «word»\n  pod-template-hash: «lower10»\n  controller-revision-hash: «lower10:2»",
    ),
    (
        "GitHub issue form yaml",
        "body:\n  - type: input\n    id: token\n    attributes:\n      label: API token name\n      description: The *name* of the token you used (never paste the token itself).",
    ),
    (
        "workflow with GITHUB_TOKEN",
        "      - run: gh release create v${{ github.ref_name }} dist/*\n        env:\n          GH_TOKEN: ${{ github.token }}",
    ),
    (
        "uid and node ids",
        "nodeInfo:\n  bootID: «uuid»\n  machineID: «hex32»\n  systemUUID: «uuid:2»\n  kernelVersion: 6.8.0-«n2»-generic",
    ),
]

SOURCE: list[tuple[str, str]] = [
    # ---- positives
    (
        "python openai key constant",
        'from openai import OpenAI\n\nOPENAI_API_KEY = "«!oaiproj»"\nclient = OpenAI(api_key=OPENAI_API_KEY)',
    ),
    (
        "python anthropic client key",
        'import anthropic\n\nclient = anthropic.Anthropic(api_key="«!ant»")\nmsg = client.messages.create(model="claude-sonnet-4-5", max_tokens=256, messages=[{"role": "user", "content": "hi"}])',
    ),
    (
        "django insecure SECRET_KEY",
        "# SECURITY WARNING: keep the secret key used in production secret!\nSECRET_KEY = '«!djangoins»'\n\nDEBUG = True",
    ),
    ("django SECRET_KEY", 'SECRET_KEY = "«!djangokey»"\nALLOWED_HOSTS = ["«domain»"]'),
    (
        "django DATABASES password",
        "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',\n        'NAME': '«db»',\n        'USER': '«user»',\n        'PASSWORD': '«!pws»',\n        'HOST': '«host»',\n        'PORT': '5432',\n    }\n}",
    ),
    (
        "flask secret key",
        'app = Flask(__name__)\napp.config["SECRET_KEY"] = "«!hex32»"\napp.config["SESSION_COOKIE_SECURE"] = True',
    ),
    (
        "sqlalchemy URL with password",
        'engine = create_engine("postgresql+psycopg2://«user»:«!pwq»@«host»/«db»", pool_pre_ping=True)',
    ),
    (
        "boto3 keys in code",
        's3 = boto3.client(\n    "s3",\n    aws_access_key_id="«akid»",\n    aws_secret_access_key="«!awssecret»",\n    region_name="«region»",\n)',
    ),
    (
        "python requests bearer",
        'resp = requests.get(url, headers={"Authorization": "Bearer «!tok»"}, timeout=10)',
    ),
    (
        "slack sdk token",
        'from slack_sdk import WebClient\n\nclient = WebClient(token="«!xoxb»")\nclient.chat_postMessage(channel="#deploys", text="done")',
    ),
    ("stripe api_key python", 'import stripe\nstripe.api_key = "«!sklive»"'),
    (
        "python dict redis password",
        'CONFIG = {\n    "redis_host": "«host»",\n    "redis_password": "«!pw»",\n    "redis_db": 0,\n}',
    ),
    ("telebot token", 'bot = telebot.TeleBot("«!telegram»", parse_mode="HTML")'),
    (
        "psycopg2.connect password kwarg",
        'conn = psycopg2.connect(host="«host»", dbname="«db»", user="«user»", password="«!pws»")',
    ),
    ("huggingface login token", 'from huggingface_hub import login\nlogin(token="«!hf»")'),
    ("node stripe require", "const stripe = require('stripe')('«!sklive»');"),
    ("node openai apiKey", 'const openai = new OpenAI({ apiKey: "«!oai»" });'),
    (
        "mongoose connect srv",
        "mongoose.connect('mongodb+srv://«user»:«!pwq»@cluster0.«mongoid».mongodb.net/«db»?retryWrites=true&w=majority');",
    ),
    ("octokit auth", "const octokit = new Octokit({ auth: '«!ghp»' });"),
    ("js default jwt secret", "const JWT_SECRET = process.env.JWT_SECRET || '«!b64_48»';"),
    ("axios default auth header", "axios.defaults.headers.common['Authorization'] = 'Bearer «!jwt»';"),
    (
        "ts config object sendgrid",
        'export const config = {\n  sendgridKey: "«!sg»",\n  from: "noreply@«domain»",\n};',
    ),
    (
        "go token const",
        'const apiToken = "«!dop»"\n\nfunc newClient() *godo.Client {\n\treturn godo.NewFromToken(apiToken)\n}',
    ),
    ("go mysql DSN", 'db, err := sql.Open("mysql", "«user»:«!pw»@tcp(«host»:3306)/«db»?parseTime=true")'),
    ("go header api key", 'req.Header.Set("X-Api-Key", "«!alnum40»")'),
    ("java DB_PASSWORD constant", 'private static final String DB_PASSWORD = "«!pws»";'),
    (
        "java DriverManager password",
        'Connection conn = DriverManager.getConnection("jdbc:mysql://«host»:3306/«db»", "«user»", "«!pw»");',
    ),
    (
        "spring application.properties",
        "spring.datasource.url=jdbc:postgresql://«host»:5432/«db»\nspring.datasource.username=«user»\nspring.datasource.password=«!pw»\nspring.mail.password=«!pw:2»",
    ),
    ("ruby stripe key", "Stripe.api_key = '«!sklive»'"),
    (
        "rails smtp settings",
        "config.action_mailer.smtp_settings = {\n  address: 'smtp.sendgrid.net',\n  user_name: 'apikey',\n  password: '«!sg»',\n  port: 587\n}",
    ),
    (
        "wp-config DB_PASSWORD and salt",
        "define( 'DB_NAME', '«db»' );\ndefine( 'DB_USER', '«user»' );\ndefine( 'DB_PASSWORD', '«!pws»' );\ndefine( 'AUTH_KEY',         '«!wpsalt»' );",
    ),
    (
        "laravel config default password",
        "'mysql' => [\n    'driver' => 'mysql',\n    'host' => env('DB_HOST', '«host»'),\n    'password' => env('DB_PASSWORD', '«!pw»'),\n],",
    ),
    ("rust api key const", 'const API_KEY: &str = "«!gsk»";\n\nlet client = reqwest::Client::new();'),
    (
        "csharp connection string",
        'var conn = "Server=«host»;Database=«db»;User Id=sa;Password=«!pw»;TrustServerCertificate=True";',
    ),
    (
        "aws credentials ini",
        "[default]\naws_access_key_id = «akid»\naws_secret_access_key = «!awssecret»\n\n[«word»]\naws_access_key_id = «asia»\naws_secret_access_key = «!awssecret:2»\naws_session_token = «!awssess»",
    ),
    (
        ".pypirc token",
        "[distutils]\nindex-servers =\n    pypi\n\n[pypi]\nusername = __token__\npassword = «!pypi»",
    ),
    (
        ".npmrc authTokens",
        "//registry.npmjs.org/:_authToken=«!npm»\n@«org»:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=«!ghp»",
    ),
    (".npmrc legacy _auth", "registry=https://«host»/repository/npm/\n_auth=«!userpw|b64»\nalways-auth=true"),
    (
        "pip.conf index-url creds",
        "[global]\nindex-url = https://«user»:«!pwq»@«host»/repository/pypi/simple\ntimeout = 60",
    ),
    ("cargo credentials token", '[registry]\ntoken = "«!crates»"'),
    ("poetry http-basic", '[http-basic.«word»]\nusername = "«user»"\npassword = "«!pw»"'),
    (
        "terraform.tfvars secrets",
        'region               = "«region»"\ndb_password          = "«!pws»"\ncloudflare_api_token = "«!cf»"',
    ),
    ("terraform provider token", 'provider "github" {\n  token = "«!ghp»"\n  owner = "«org»"\n}'),
    (".sentryclirc token", "[defaults]\norg = «org»\nproject = «repo»\n\n[auth]\ntoken=«!sntryu»"),
    (
        "maven settings.xml password",
        "<servers>\n  <server>\n    <id>«word»-releases</id>\n    <username>«user»</username>\n    <password>«!pw»</password>\n  </server>\n</servers>",
    ),
    (
        "NuGet ClearTextPassword",
        '<packageSourceCredentials>\n  <«word»>\n    <add key="Username" value="«user»" />\n    <add key="ClearTextPassword" value="«!pw»" />\n  </«word»>\n</packageSourceCredentials>',
    ),
    (
        "gradle.properties passwords",
        "org.gradle.jvmargs=-Xmx2g\nossrhUsername=«user»\nossrhPassword=«!pw»\nsigning.keyId=«HEX8»\nsigning.password=«!pw:2»",
    ),
    ("my.cnf client password", "[client]\nuser=«user»\npassword=«!pws»\nhost=«host»"),
    ("redis.conf requirepass", "bind 0.0.0.0\nport 6379\nrequirepass «!b64_32»\nmasterauth «!b64_32»"),
    (
        "git config extraheader basic",
        '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic «!userpw|b64»',
    ),
    (
        "notebook os.environ assignment",
        'import os\nos.environ["OPENAI_API_KEY"] = "«!oai»"\nos.environ["LANGCHAIN_API_KEY"] = "«!lsv2»"',
    ),
    ("gemini configure api_key", 'import google.generativeai as genai\ngenai.configure(api_key="«!gcpkey»")'),
    ("pinecone client key", 'pc = Pinecone(api_key="«!pcsk»")\nindex = pc.Index("«word»")'),
    ("openrouter key constant", 'OPENROUTER_API_KEY = "«!orv1»"'),
    ("kotlin api key", 'object Secrets {\n    const val MAPS_KEY = "«!gcpkey»"\n}'),
    (
        "dockerfile ENV token",
        "FROM node:20-alpine\nWORKDIR /app\nENV NPM_TOKEN=«!npm»\nCOPY package*.json ./\nRUN npm ci",
    ),
    (
        "makefile bearer token",
        "deploy:\n\tcurl -fsS -X POST -H 'Authorization: Bearer «!tok»' https://«host»/hooks/deploy",
    ),
    (
        "sql CREATE USER WITH PASSWORD",
        "CREATE USER «user» WITH PASSWORD '«!pws»';\nGRANT CONNECT ON DATABASE «db» TO «user»;",
    ),
    (
        "js service account private key escaped",
        'admin.initializeApp({\n  credential: admin.credential.cert({\n    projectId: "«word»-«n6»",\n    clientEmail: "firebase-adminsdk-«lower5»@«word»-«n6».iam.gserviceaccount.com",\n    privateKey: "-----BEGIN «PK»-----\\n«!pk8|esc»\\n-----END «PK»-----\\n",\n  }),\n});',
    ),
    (
        "python default kwarg api key",
        'def client(api_key: str = "«!pplx»") -> Perplexity:\n    return Perplexity(api_key=api_key)',
    ),
    (
        "go struct literal secret",
        'cfg := Config{\n\tUser:     "«user»",\n\tPassword: "«!pws»",\n\tHost:     "«host»",\n}',
    ),
    (
        "php array api keys",
        "return [\n    'stripe' => [\n        'secret' => '«!sklive»',\n        'webhook_secret' => '«!whsec»',\n    ],\n];",
    ),
    (
        "shopify token in ruby",
        "ShopifyAPI::Context.setup(api_key: '«hex32»', api_secret_key: '«!hex32:2»', host: 'https://«word».myshopify.com')\nsession = ShopifyAPI::Auth::Session.new(shop: '«word».myshopify.com', access_token: '«!shpat»')",
    ),
    (
        "java properties kafka jaas",
        "bootstrap.servers=pkc-«lower5».«region».aws.confluent.cloud:9092\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username='«UP16»' password='«!b64_64»';",
    ),
    (
        "xml connectionStrings",
        '<connectionStrings>\n  <add name="Default" connectionString="Data Source=«host»;Initial Catalog=«db»;User ID=«user»;Password=«!pw»" providerName="System.Data.SqlClient" />\n</connectionStrings>',
    ),
    (
        "swift api key constant",
        'let apiKey = "«!xai»"\nvar request = URLRequest(url: URL(string: "https://api.x.ai/v1/chat/completions")!)',
    ),
    ("python jwt signing secret", 'token = jwt.encode({"sub": user_id}, "«!b64url43»", algorithm="HS256")'),
    ("rails secret_key_base", "production:\n  secret_key_base: «!railskey»"),
    (
        "brevo key in php",
        "$config = SendinBlue\\Client\\Configuration::getDefaultConfiguration()->setApiKey('api-key', '«!brevo»');",
    ),
    ("resend key in ts", "const resend = new Resend('«!resend»');"),
    ("python discord bot run", 'client.run("«!discordbot»")'),
    (
        "python basic auth header dict",
        'headers = {"Authorization": "Basic «!userpw|b64»", "Accept": "application/json"}',
    ),
    # ---- negatives
    ("os.environ lookup", 'api_key = os.environ["OPENAI_API_KEY"]\nclient = OpenAI(api_key=api_key)'),
    (
        "os.getenv default empty",
        'token = os.getenv("GITHUB_TOKEN", "")\nif not token:\n    raise SystemExit("error: GITHUB_TOKEN is not set")',
    ),
    (
        "function named get_secret_key",
        'def get_secret_key(settings: Settings) -> str:\n    """Return the signing key from the configured secret store."""\n    return settings.secret_store.get("signing-key")',
    ),
    (
        "django env SECRET_KEY",
        'SECRET_KEY = env("DJANGO_SECRET_KEY")\nDATABASES = {"default": env.db("DATABASE_URL")}',
    ),
    (
        "getpass prompt",
        'password = getpass.getpass("Password: ")\nconn = connect(user=args.user, password=password)',
    ),
    (
        "process.env lookup",
        "const apiKey = process.env.STRIPE_SECRET_KEY!;\nconst stripe = new Stripe(apiKey, { apiVersion: '2024-06-20' });",
    ),
    (
        "go os.Getenv",
        'apiKey := os.Getenv("DO_TOKEN")\nif apiKey == "" {\n\tlog.Fatal("DO_TOKEN not set")\n}',
    ),
    (
        "java System.getenv",
        'String password = System.getenv("DB_PASSWORD");\nDataSource ds = pool(url, user, password);',
    ),
    ("rust env::var", 'let token = std::env::var("GH_TOKEN").expect("GH_TOKEN not set");'),
    (
        "pydantic password field",
        'class SignupForm(BaseModel):\n    email: EmailStr\n    password: SecretStr = Field(..., min_length=12, description="Account password")',
    ),
    (
        "ts credentials interface",
        "interface Credentials {\n  accessKeyId: string;\n  secretAccessKey: string;\n  sessionToken?: string;\n}",
    ),
    (
        "test wrong-password",
        'def test_login_rejects_wrong_password(client):\n    """A wrong password answers 401."""\n    resp = client.post("/login", json={"user": "alice", "password": "wrong-password"})\n    assert resp.status_code == 401',
    ),
    (
        "sql migration password_hash column",
        "ALTER TABLE users ADD COLUMN password_hash VARCHAR(255) NOT NULL;\nCREATE INDEX idx_api_tokens_user ON api_tokens(user_id);\nCOMMENT ON COLUMN api_tokens.token_digest IS 'sha256 of the token';",
    ),
    (
        "go.sum hashes",
        "github.com/«org»/«repo» v«ver» h1:«b64_43»=\ngithub.com/«org»/«repo» v«ver»/go.mod h1:«b64_43:2»=",
    ),
    (
        "Cargo.lock checksum",
        '[[package]]\nname = "«word»"\nversion = "«ver»"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "«hex64»"',
    ),
    (
        "uv.lock wheel hash",
        'wheels = [\n    { url = "https://files.pythonhosted.org/packages/«hex2»/«hex2:2»/«hex60»/«word»-«ver»-py3-none-any.whl", hash = "sha256:«hex64»", size = «n5» },\n]',
    ),
    ("hex constants", 'MAGIC = 0x«HEX8»\nSHA256_OF_EMPTY = "«emptysha»"\nCRC_SEED = 0x«HEX8:2»'),
    (
        "css base64 font",
        "@font-face {\n  font-family: 'Inter';\n  src: url(data:font/woff2;base64,«b64_240») format('woff2');\n}",
    ),
    (
        "webpack chunk names",
        'import("./pages/settings.«hex8».js");\n<link rel="stylesheet" href="/static/css/main.«hex8:2».css">',
    ),
    (
        "expected digest in test",
        'def test_archive_digest():\n    digest = hashlib.sha256(Path("fixtures/sample.tar.gz").read_bytes()).hexdigest()\n    assert digest == "«hex64»"',
    ),
    (
        "token regex in code",
        'GITHUB_TOKEN_RE = re.compile(r"gh[pousr]_[A-Za-z0-9]{36}")\nAWS_KEY_RE = re.compile(r"AKIA[0-9A-Z]{16}")',
    ),
    ("placeholder YOUR_API_KEY", 'client = OpenAI(api_key="YOUR_API_KEY")  # replace with your key'),
    ("placeholder sk_test_...", 'stripe.api_key = "sk_test_..."  # set from the dashboard'),
    (
        "string constants naming fields",
        'PASSWORD_FIELD = "password"\nTOKEN_HEADER = "X-Auth-Token"\nSECRET_PREFIX = "projects/«word»/secrets/"',
    ),
    ("logging key id", 'logger.info("Rotated API key for %s (key id %s)", user_id, key_id)'),
    ("spring @Value placeholder", '@Value("${spring.datasource.password}")\nprivate String dbPassword;'),
    (
        "properties ${} placeholders",
        "spring.datasource.password=${DB_PASSWORD}\nspring.datasource.username=${DB_USER:app}\nmanagement.endpoints.web.exposure.include=health",
    ),
    (
        "terraform var refs",
        'resource "aws_db_instance" "main" {\n  username = var.db_username\n  password = var.db_password\n}\n\nprovider "github" {\n  token = data.vault_generic_secret.gh.data["token"]\n}',
    ),
    ("terraform sensitive variable", 'variable "db_password" {\n  type      = string\n  sensitive = true\n}'),
    (
        "php getenv",
        "define( 'DB_PASSWORD', getenv('WORDPRESS_DB_PASSWORD') );\ndefine( 'AUTH_KEY', getenv('WORDPRESS_AUTH_KEY') );",
    ),
    (
        "csharp configuration lookup",
        'var key = builder.Configuration["Stripe:SecretKey"];\nservices.AddSingleton(new StripeClient(key));',
    ),
    (
        "rails credentials dig",
        "Aws.config.update(credentials: Aws::Credentials.new(\n  Rails.application.credentials.dig(:aws, :access_key_id),\n  Rails.application.credentials.dig(:aws, :secret_access_key)\n))",
    ),
    (
        "git diff index line",
        "diff --git a/src/auth.py b/src/auth.py\nindex «hex7»..«hex7:2» 100644\n--- a/src/auth.py\n+++ b/src/auth.py\n@@ -12,7 +12,7 @@ def load_token():",
    ),
    ("uuid namespace constant", 'NAMESPACE = uuid.UUID("«uuid»")\nrun_id = uuid.uuid5(NAMESPACE, repo_url)'),
    (
        "jwt decode with public key",
        'claims = jwt.decode(token, key=public_key, algorithms=["RS256"], audience="«word»-api")',
    ),
    ("base64 test of hello world", 'assert base64.b64encode(b"hello world") == b"aGVsbG8gd29ybGQ="'),
    (
        "obviously fake test key",
        'FAKE_KEY = "test-key-not-real"\n\ndef test_client_sends_key(httpx_mock):\n    Client(api_key=FAKE_KEY).ping()',
    ),
    (
        "maven ${env.X}",
        "<server>\n  <id>nexus</id>\n  <username>${env.NEXUS_USER}</username>\n  <password>${env.NEXUS_PASSWORD}</password>\n</server>",
    ),
    ("my.cnf commented password", "[client]\nuser=«user»\n# password=\nsocket=/var/run/mysqld/mysqld.sock"),
    ("expected sha comment", 'EXPECTED_SHA256 = "«hex64»"  # sha256 of fixtures/«word».tar.gz'),
    (
        "parametrized request ids",
        '@pytest.mark.parametrize("request_id", ["«uuid»", "«hex32»"])\ndef test_request_id_is_echoed(client, request_id): ...',
    ),
    ("secrets.token_urlsafe call", "def new_api_key() -> str:\n    return secrets.token_urlsafe(32)"),
    (
        "swift keychain query",
        "let query: [String: Any] = [\n    kSecClass as String: kSecClassGenericPassword,\n    kSecAttrAccount as String: account,\n    kSecReturnData as String: true,\n]",
    ),
    (".pypirc placeholder", "[pypi]\nusername = __token__\npassword = <PyPI token, starts with pypi->"),
    (
        "dockerfile secret mount",
        "# syntax=docker/dockerfile:1\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\nARG GITHUB_TOKEN",
    ),
    (
        "go struct tags",
        'type Login struct {\n\tUser     string `json:"user"`\n\tPassword string `json:"password" yaml:"password"`\n\tToken    string `json:"token,omitempty"`\n}',
    ),
    ("kotlin BuildConfig", "val token = BuildConfig.API_TOKEN\nval client = ApiClient(token)"),
    (
        "nginx auth config",
        'location /admin {\n    auth_basic "Restricted";\n    auth_basic_user_file /etc/nginx/.htpasswd;\n    proxy_set_header Authorization $http_authorization;\n}',
    ),
    (
        "aws docs example keys in code",
        'session = boto3.Session(aws_access_key_id="«awsexid»", aws_secret_access_key="«awsexsecret»")  # from the AWS docs',
    ),
    ("repr masking", "def __repr__(self) -> str:\n    return f\"Token(value='***{self.value[-4:]}')\""),
    (
        "html SRI integrity",
        '<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js" integrity="sha384-«b64_64»" crossorigin="anonymous"></script>',
    ),
    (
        "python hashlib of password",
        "salt = os.urandom(16)\ndigest = hashlib.pbkdf2_hmac('sha256', password.encode(), salt, 600_000)",
    ),
    (
        "ini placeholder values",
        "[database]\nhost = localhost\nuser = app\npassword = ${DB_PASSWORD}\n\n[api]\nkey = %(API_KEY)s",
    ),
    ("color palette", ":root {\n  --primary: #«hex6»;\n  --accent: #«hex6:2»;\n  --bg: #«hex6:3»;\n}"),
    (
        "redux action types with token",
        "export const REFRESH_TOKEN_REQUEST = 'auth/refreshTokenRequest';\nexport const SET_ACCESS_TOKEN = 'auth/setAccessToken';",
    ),
    (
        "secret manager client call",
        'name = f"projects/{project}/secrets/{secret_id}/versions/latest"\npayload = client.access_secret_version(request={"name": name}).payload.data.decode()',
    ),
    (
        "typescript env schema",
        "const env = z.object({\n  DATABASE_URL: z.string().url(),\n  OPENAI_API_KEY: z.string().startsWith('sk-'),\n}).parse(process.env);",
    ),
    (
        "sql seed with uuids",
        "INSERT INTO accounts (id, name, created_at) VALUES\n  ('«uuid»', '«word»', '«date»'),\n  ('«uuid:2»', '«word:2»', '«date:2»');",
    ),
    (
        "java test placeholder",
        'when(secretClient.getSecret("db-password")).thenReturn(new KeyVaultSecret("db-password", "dummy"));',
    ),
    (
        "python password check",
        "if len(password) < 12 or password.lower() == password:\n    raise ValueError('password too weak')",
    ),
    (
        "c hash table constants",
        "static const uint32_t K[4] = { 0x«hex8», 0x«hex8:2», 0x«hex8:3», 0x«hex8:4» };",
    ),
    (
        "lorem",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Token-based authentication is described in section 4.2.",
    ),
]

URL: list[tuple[str, str]] = [
    # ---- positives
    ("postgres URI password", "postgres://«user»:«!pwq»@«host»:5432/«db»"),
    ("postgresql+asyncpg URI", "postgresql+asyncpg://«user»:«!pws|url»@«host»:5432/«db»?ssl=require"),
    ("mysql URI password", "mysql://«user»:«!pwq»@«host»:3306/«db»?charset=utf8mb4"),
    (
        "mongodb+srv URI",
        "mongodb+srv://«user»:«!pwq»@cluster0.«mongoid».mongodb.net/«db»?retryWrites=true&w=majority&appName=Cluster0",
    ),
    (
        "mongodb replica set URI",
        "mongodb://«user»:«!pws|url»@mongo-0.«domain»:27017,mongo-1.«domain»:27017,mongo-2.«domain»:27017/«db»?replicaSet=rs0&authSource=admin",
    ),
    ("redis URI password only", "redis://:«!pwq»@«host»:6379/0"),
    ("rediss upstash URI", "rediss://default:«!b64url34»@«word»-«n5».upstash.io:6379"),
    ("amqp URI", "amqp://«user»:«!pwq»@«host»:5672/«word»"),
    ("amqps cloudamqp URI", "amqps://«lower8»:«!b64url32»@«word».rmq.cloudamqp.com/«lower8»"),
    ("https token in git URL", "https://«user»:«!ghp»@github.com/«org»/«repo».git"),
    ("gitlab oauth2 URL", "https://oauth2:«!glpat2»@gitlab.com/«org»/«repo».git"),
    ("bitbucket x-token-auth URL", "https://x-token-auth:«!atbb»@bitbucket.org/«org»/«repo».git"),
    ("ftp URI password", "ftp://«user»:«!pwq»@«host»/incoming/«word».csv"),
    ("slack webhook URL", "https://hooks.slack.com/services/«slackT»/«slackB»/«!slackhook»"),
    ("discord webhook URL", "https://discord.com/api/webhooks/«n19»/«!discordhook»"),
    (
        "teams webhook URL",
        "https://«word».webhook.office.com/webhookb2/«uuid»@«uuid:2»/IncomingWebhook/«!hex32»/«uuid:3»/V2«b64url43»",
    ),
    (
        "google chat webhook token",
        "https://chat.googleapis.com/v1/spaces/AAAA«b64url7»/messages?key=«gcpkey»&token=«!gchattoken»",
    ),
    ("telegram bot URL", "https://api.telegram.org/bot«!telegram»/getUpdates?offset=«n6»"),
    ("api_key query param", "https://api.«domain»/v1/data?api_key=«!hex32»&format=json&limit=100"),
    ("access_token query facebook", "https://graph.facebook.com/v19.0/me/accounts?access_token=«!fbtoken»"),
    (
        "azure SAS URL sig",
        "https://«word»store.blob.core.windows.net/backups/db-«date».tar.gz?sv=2022-11-02&ss=b&srt=co&sp=rwdlacupiytfx&se=2026-01-01T00:00:00Z&st=«date»T00:00:00Z&spr=https&sig=«!azsig»",
    ),
    (
        "s3 presigned URL signature",
        "https://«word»-artifacts.s3.«region».amazonaws.com/builds/«sha7».zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=«akid»%2F20250304%2F«region»%2Fs3%2Faws4_request&X-Amz-Date=20250304T101200Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=«!hex64»",
    ),
    (
        "jdbc postgres password param",
        "jdbc:postgresql://«host»:5432/«db»?user=«user»&password=«!pwq»&ssl=true",
    ),
    (
        "jdbc sqlserver password",
        "jdbc:sqlserver://«host»:1433;databaseName=«db»;user=sa;password=«!pw»;encrypt=true",
    ),
    (
        "snowflake URI",
        "snowflake://«user»:«!pwq»@«lower7»-«lower7:2»/«db»/public?warehouse=COMPUTE_WH&role=ANALYST",
    ),
    ("clickhouse URI", "clickhouse://default:«!pwq»@«host»:9000/«db»"),
    ("elastic basic URL", "https://elastic:«!alnum24»@«word».es.«region».aws.found.io:9243"),
    ("http proxy with credentials", "http_proxy=http://«user»:«!pwq»@proxy.«domain»:3128"),
    ("cloudinary URL", "cloudinary://«n15»:«!b64url27»@«word»"),
    ("smtp URL sendgrid key", "smtp://apikey:«!sg»@smtp.sendgrid.net:587"),
    (
        "neon postgres URL",
        "postgresql://neondb_owner:«!neonpw»@ep-«word»-«word:2»-«lower8».us-east-2.aws.neon.tech/neondb?sslmode=require",
    ),
    (
        "supabase pooler URL",
        "postgresql://postgres.«lower20»:«!pwq»@aws-0-«region».pooler.supabase.com:6543/postgres",
    ),
    ("jfrog pypi index URL", "https://«user»:«!jfrog»@«word».jfrog.io/artifactory/api/pypi/pypi/simple"),
    ("zapier catch hook", "https://hooks.zapier.com/hooks/catch/«n7»/«!lower7»/"),
    ("mattermost hook", "https://chat.«domain»/hooks/«!lower26»"),
    ("jenkins webhook token param", "https://«host»/generic-webhook-trigger/invoke?token=«!alnum32»"),
    ("tomcat manager basic URL", "http://admin:«!pwq»@«ip»:8080/manager/text/list"),
    ("jupyter token URL", "http://127.0.0.1:8888/lab?token=«!hex48»"),
    ("azure devops PAT git URL", "https://«org»:«!azdevops»@dev.azure.com/«org»/«word»/_git/«repo»"),
    ("login URL with password param", "https://«host»/login?username=«user»&password=«!pwq»&remember=1"),
    (
        "heroku postgres URL",
        "postgres://«lower14»:«!hex64»@ec2-«n2»-«n3»-«n2:2»-«n3:2».compute-1.amazonaws.com:5432/«lower14:2»",
    ),
    (
        "git URL with gitlab deploy token",
        "https://gitlab+deploy-token-«n7»:«!gldt»@gitlab.com/«org»/«repo».git",
    ),
    ("webhook with signing secret param", "https://«host»/webhooks/stripe?secret=«!whsec»"),
    (
        "google maps key in URL",
        "https://maps.googleapis.com/maps/api/geocode/json?address=1600+Amphitheatre+Parkway&key=«!gcpkey»",
    ),
    # ---- negatives
    ("github repo URL", "https://github.com/«org»/«repo».git"),
    ("postgres URI without credentials", "postgres://localhost:5432/«db»"),
    ("postgres URI user only", "postgresql://«user»@«host»:5432/«db»?sslmode=verify-full"),
    ("doc placeholder user:password", "postgres://user:password@localhost:5432/mydb"),
    ("URI with ${} placeholders", "postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/${DB_NAME}"),
    (
        "mongodb <password> placeholder",
        "mongodb+srv://<username>:<password>@cluster0.«mongoid».mongodb.net/?retryWrites=true&w=majority",
    ),
    ("redis localhost", "redis://localhost:6379/0"),
    ("rabbitmq default guest", "amqp://guest:guest@localhost:5672/"),
    ("sentry DSN URL", "https://«hex32»@o«n6».ingest.sentry.io/«n7»"),
    ("commit URL", "https://github.com/«org»/«repo»/commit/«sha40»"),
    ("blob URL at sha", "https://github.com/«org»/«repo»/blob/«sha40»/src/auth/token.py#L42"),
    ("registry manifest digest URL", "https://ghcr.io/v2/«org»/«repo»/manifests/sha256:«hex64»"),
    ("google docs URL", "https://docs.google.com/document/d/«b64url44»/edit?usp=sharing"),
    ("youtube URL", "https://www.youtube.com/watch?v=«b64url11»&t=42s"),
    (
        "pythonhosted file URL",
        "https://files.pythonhosted.org/packages/«hex2»/«hex2:2»/«hex60»/«word»-«ver».tar.gz",
    ),
    ("npm tarball URL", "https://registry.npmjs.org/«word»/-/«word»-«ver».tgz"),
    (
        "oauth authorize URL state",
        "https://github.com/login/oauth/authorize?client_id=Iv1.«hex16»&redirect_uri=https%3A%2F%2F«word».«domain»%2Fcallback&state=«hex32»&scope=repo%20read%3Aorg",
    ),
    (
        "PKCE authorize URL",
        "https://auth.«domain»/authorize?response_type=code&client_id=«alnum32»&code_challenge=«b64url43»&code_challenge_method=S256&nonce=«hex16»",
    ),
    (
        "utm gclid URL",
        "https://«domain»/pricing?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=«b64url90»",
    ),
    (
        "aws console secret URL",
        "https://«region».console.aws.amazon.com/secretsmanager/secret?name=prod%2F«word»%2Fapi-key&region=«region»",
    ),
    ("vault UI path URL", "https://vault.«domain»/ui/vault/secrets/secret/show/«word»/prod/db"),
    ("jira URL", "https://«word».atlassian.net/browse/«UP3»-«n4»"),
    (
        "grafana dashboard uid URL",
        "https://grafana.«domain»/d/«alnum9»/«word»-overview?orgId=1&from=now-6h&to=now",
    ),
    ("slack permalink", "https://«word».slack.com/archives/C«UP10»/p«n16»"),
    ("ssh git URLs", "git@gitlab.com:«org»/«repo».git\nssh://git@«host»:2222/«org»/«repo».git"),
    ("password reset path", "https://«domain»/account/password/reset?next=%2Fsettings%2Ftokens"),
    ("s3 object URL", "https://«word»-data.s3.«region».amazonaws.com/exports/«date»/«hex32».parquet"),
    ("docs anchor URL", "https://docs.«domain»/api#authentication-bearer-token"),
    ("app URL with uuid", "https://app.«domain»/runs/«uuid»/steps/«n3»"),
    ("stripe dashboard id URL", "https://dashboard.stripe.com/payments/pi_«alnum24»"),
    ("OIDC discovery URL", "https://token.actions.githubusercontent.com/.well-known/openid-configuration"),
    ("slack webhook placeholder", "https://hooks.slack.com/services/«xslack»"),
    ("user without password", "https://«user»@bitbucket.org/«org»/«repo».git"),
    ("basic auth from env vars", "https://$NEXUS_USER:$NEXUS_PASS@nexus.«domain»/repository/pypi/simple"),
    ("git lfs object URL", "https://github.com/«org»/«repo».git/info/lfs/objects/«hex64»"),
    ("cdn URL with content hash", "https://cdn.«domain»/assets/app.«hex20».js"),
    (
        "maps URL with coordinates",
        "https://www.openstreetmap.org/?mlat=52.37«n3»&mlon=4.89«n3»#map=15/52.37/4.89",
    ),
    (
        "archive.org URL with timestamp",
        "https://web.archive.org/web/2024«n10»/https://«domain»/docs/security",
    ),
    ("gist URL", "https://gist.github.com/«user»/«hex32»"),
    ("colab / drive file id URL", "https://drive.google.com/file/d/«b64url33»/view?usp=drive_link"),
    ("pull request files URL", "https://github.com/«org»/«repo»/pull/«n4»/files#diff-«hex64»"),
    (
        "signed-out redirect URL",
        "https://login.microsoftonline.com/«uuid»/oauth2/v2.0/logout?post_logout_redirect_uri=https%3A%2F%2F«domain»%2F",
    ),
    ("arxiv / doi links", "https://doi.org/10.1145/«n7».«n7:2» and https://arxiv.org/abs/2403.«n5»"),
]

JSON: list[tuple[str, str]] = [
    # ---- positives
    (
        "aws sts session credentials",
        '{\n    "Credentials": {\n        "AccessKeyId": "«asia»",\n        "SecretAccessKey": "«!awssecret»",\n        "SessionToken": "«!awssess»",\n        "Expiration": "«ts»"\n    }\n}',
    ),
    (
        "aws iam create-access-key",
        '{\n    "AccessKey": {\n        "UserName": "«user»",\n        "AccessKeyId": "«akid»",\n        "Status": "Active",\n        "SecretAccessKey": "«!awssecret»",\n        "CreateDate": "«ts»"\n    }\n}',
    ),
    (
        "az ad sp create-for-rbac",
        '{\n  "appId": "«uuid»",\n  "displayName": "«word»-ci",\n  "password": "«!azsecret»",\n  "tenant": "«uuid:2»"\n}',
    ),
    (
        "gcp service account key file",
        '{\n  "type": "service_account",\n  "project_id": "«word»-«n6»",\n  "private_key_id": "«hex40»",\n  "private_key": "-----BEGIN «PK»-----\\n«!pk8|esc»\\n-----END «PK»-----\\n",\n  "client_email": "«word»@«word»-«n6».iam.gserviceaccount.com",\n  "client_id": "«n21»",\n  "token_uri": "https://oauth2.googleapis.com/token"\n}',
    ),
    (
        "docker config.json auths",
        '{\n\t"auths": {\n\t\t"https://index.docker.io/v1/": {\n\t\t\t"auth": "«!userpw|b64»"\n\t\t},\n\t\t"ghcr.io": {\n\t\t\t"auth": "«!userpw:2|b64»"\n\t\t}\n\t}\n}',
    ),
    (
        "docker inspect Env",
        '"Env": [\n    "POSTGRES_PASSWORD=«!pw»",\n    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",\n    "PG_MAJOR=16",\n    "PGDATA=/var/lib/postgresql/data"\n]',
    ),
    (
        "oauth token response",
        '{"access_token": "«!ya29»", "expires_in": 3599, "refresh_token": "«!gcprefresh»", "scope": "https://www.googleapis.com/auth/drive.readonly", "token_type": "Bearer"}',
    ),
    (
        "continue config apiKey",
        '{\n  "models": [\n    {"title": "GPT-4o", "provider": "openai", "model": "gpt-4o", "apiKey": "«!oaiproj»"}\n  ]\n}',
    ),
    (
        "mcp server env token",
        '{\n  "mcpServers": {\n    "github": {\n      "command": "npx",\n      "args": ["-y", "@modelcontextprotocol/server-github"],\n      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "«!ghp»"}\n    }\n  }\n}',
    ),
    (
        "appsettings connection string",
        '{\n  "ConnectionStrings": {\n    "Default": "Server=«host»;Database=«db»;User Id=«user»;Password=«!pw»;"\n  },\n  "Logging": {"LogLevel": {"Default": "Information"}}\n}',
    ),
    (
        "azure functions local.settings",
        '{\n  "IsEncrypted": false,\n  "Values": {\n    "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=«word»;AccountKey=«!azkey»;EndpointSuffix=core.windows.net",\n    "ServiceBus": "Endpoint=sb://«word».servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«!azsbkey»",\n    "FUNCTIONS_WORKER_RUNTIME": "python"\n  }\n}',
    ),
    (
        "kubectl get secret -o json",
        '{\n    "apiVersion": "v1",\n    "data": {\n        "api-key": "«!sg|b64»",\n        "username": "«user|b64»"\n    },\n    "kind": "Secret",\n    "metadata": {"name": "«word»", "uid": "«uuid»"}\n}',
    ),
    (
        "vault read -format=json",
        '{\n  "request_id": "«uuid»",\n  "lease_id": "",\n  "data": {\n    "data": {"password": "«!pws»", "username": "«user»"},\n    "metadata": {"created_time": "«ts»", "version": 4}\n  }\n}',
    ),
    (
        "terraform state access key",
        '{\n  "type": "aws_iam_access_key",\n  "name": "ci",\n  "instances": [\n    {"attributes": {"id": "«akid»", "secret": "«!awssecret»", "ses_smtp_password_v4": "«!b64_44»", "user": "ci"}}\n  ]\n}',
    ),
    (
        "package.json script with token",
        '{\n  "name": "«word»",\n  "scripts": {\n    "deploy": "vercel --token «!alnum24» --prod --yes"\n  }\n}',
    ),
    (
        "composer auth.json",
        '{\n    "github-oauth": {"github.com": "«!gho»"},\n    "http-basic": {"repo.packagist.com": {"username": "token", "password": "«!hex40»"}}\n}',
    ),
    (
        "vscode launch env",
        '{\n  "configurations": [\n    {"type": "debugpy", "request": "launch", "program": "app.py",\n     "env": {"DATABASE_URL": "postgres://«user»:«!pwq»@localhost:5432/«db»"}}\n  ]\n}',
    ),
    (
        "postman environment secret",
        '{\n  "name": "prod",\n  "values": [\n    {"key": "baseUrl", "value": "https://api.«domain»", "enabled": true},\n    {"key": "apiKey", "value": "«!tok»", "type": "secret", "enabled": true}\n  ]\n}',
    ),
    (
        "github installation token response",
        '{"token": "«!ghs»", "expires_at": "«ts»", "permissions": {"contents": "read", "metadata": "read"}, "repository_selection": "selected"}',
    ),
    (
        "slack oauth response",
        '{"ok": true, "app_id": "A«UP10»", "access_token": "«!xoxb»", "token_type": "bot", "scope": "chat:write,channels:read", "bot_user_id": "U«UP10:2»", "team": {"id": "«slackT»", "name": "«word»"}}',
    ),
    (
        "stripe webhook endpoint secret",
        '{\n  "id": "we_«alnum24»",\n  "object": "webhook_endpoint",\n  "enabled_events": ["charge.succeeded"],\n  "secret": "«!whsec»",\n  "url": "https://«domain»/webhooks/stripe"\n}',
    ),
    (
        "private JWK",
        '{"kty": "RSA", "kid": "«b64url43»", "n": "«b64url342»", "e": "AQAB", "d": "«!b64url342:2»", "p": "«!b64url171»", "q": "«!b64url171:2»"}',
    ),
    (
        "auth0 client credentials",
        '{"client_id": "«alnum32»", "client_secret": "«!b64url64»", "audience": "https://api.«domain»/", "grant_type": "client_credentials"}',
    ),
    (
        "claude code credentials file",
        '{"claudeAiOauth": {"accessToken": "«!antoat»", "refreshToken": "«!antort»", "expiresAt": «epoch»000, "scopes": ["user:inference", "user:profile"], "subscriptionType": "max"}}',
    ),
    (
        "codex auth.json tokens",
        '{\n  "OPENAI_API_KEY": null,\n  "tokens": {\n    "id_token": "«!jwtrs»",\n    "access_token": "«!jwtrs:2»",\n    "refresh_token": "«!b64url64»",\n    "account_id": "«uuid»"\n  },\n  "last_refresh": "«ts»"\n}',
    ),
    (
        "npm token create --json",
        '{"token": "«!npm»", "cidr_whitelist": [], "readonly": false, "automation": true, "created": "«ts»"}',
    ),
    (
        "sendgrid api key creation",
        '{"api_key": "«!sg»", "api_key_id": "«b64url22»", "name": "ci-mailer", "scopes": ["mail.send"]}',
    ),
    (
        "HAR request headers",
        '{"request": {"method": "GET", "url": "https://api.«domain»/v1/me", "headers": [{"name": "authorization", "value": "Bearer «!jwt»"}, {"name": "cookie", "value": "session=«!b64url48»; theme=dark"}]}}',
    ),
    (
        "settings.json anthropic key",
        '{\n  "env": {\n    "ANTHROPIC_API_KEY": "«!ant»",\n    "DISABLE_TELEMETRY": "1"\n  }\n}',
    ),
    (
        "firebase admin env json",
        '{"FIREBASE_PROJECT_ID": "«word»-«n6»", "FIREBASE_PRIVATE_KEY": "-----BEGIN «PK»-----\\n«!pk8|esc»\\n-----END «PK»-----\\n"}',
    ),
    ("tfc credentials json", '{\n  "credentials": {\n    "app.terraform.io": {"token": "«!tfc»"}\n  }\n}'),
    (
        "databricks profile json",
        '{"host": "https://dbc-«hex8»-«hex4».cloud.databricks.com", "token": "«!dapi»"}',
    ),
    (
        "cursor mcp env keys",
        '{"mcpServers": {"supabase": {"command": "npx", "args": ["-y", "@supabase/mcp-server-supabase@latest", "--access-token", "«!sbp»"]}}}',
    ),
    # ---- negatives
    (
        "package-lock integrity",
        '"node_modules/«word»": {\n  "version": "«ver»",\n  "resolved": "https://registry.npmjs.org/«word»/-/«word»-«ver».tgz",\n  "integrity": "sha512-«b64_86»==",\n  "license": "MIT"\n}',
    ),
    (
        "docker inspect image ids",
        '[{"Id": "sha256:«hex64»", "RepoTags": ["«word»:«ver»"], "RepoDigests": ["«word»@sha256:«hex64:2»"], "Created": "«ts»"}]',
    ),
    (
        "sts caller identity json",
        '{"UserId": "AROA«UP17»:«user»", "Account": "«acct»", "Arn": "arn:aws:sts::«acct»:assumed-role/«word»-ci/«user»"}',
    ),
    (
        "service account keys list",
        '[\n  {"keyAlgorithm": "KEY_ALG_RSA_2048", "keyOrigin": "GOOGLE_PROVIDED", "keyType": "USER_MANAGED", "name": "projects/«word»/serviceAccounts/ci@«word».iam.gserviceaccount.com/keys/«hex40»", "validAfterTime": "«ts»"}\n]',
    ),
    (
        "github api repo json",
        '{"id": «n9», "node_id": "R_kgDO«b64url8»", "full_name": "«org»/«repo»", "private": false, "default_branch": "main", "pushed_at": "«ts»"}',
    ),
    (
        "describe-secret json",
        '{\n  "ARN": "arn:aws:secretsmanager:«region»:«acct»:secret:prod/«word»/db-«alnum6»",\n  "Name": "prod/«word»/db",\n  "RotationEnabled": true,\n  "VersionIdsToStages": {"«uuid»": ["AWSCURRENT"], "«uuid:2»": ["AWSPREVIOUS"]}\n}',
    ),
    (
        "tsconfig",
        '{\n  "compilerOptions": {"target": "ES2022", "module": "NodeNext", "strict": true, "outDir": "dist"},\n  "include": ["src"]\n}',
    ),
    (
        "openai completion response",
        '{"id": "chatcmpl-«alnum29»", "object": "chat.completion", "created": «epoch», "model": "gpt-4o-2024-08-06", "system_fingerprint": "fp_«hex10»", "choices": [{"index": 0, "message": {"role": "assistant", "content": "Use a secret manager."}}]}',
    ),
    (
        "anthropic message response",
        '{"id": "«msgid»", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929", "content": [{"type": "text", "text": "Rotate the token."}], "usage": {"input_tokens": «n3», "output_tokens": «n2»}}',
    ),
    (
        "masked values json",
        '{"password": "********", "token": "[REDACTED]", "apiKey": "sk-...«alnum4»", "secret": "<hidden>"}',
    ),
    (
        "mcp env placeholders",
        '{"mcpServers": {"github": {"command": "docker", "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"], "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN}"}}}}',
    ),
    (
        "public JWKS",
        '{"keys": [{"kty": "RSA", "e": "AQAB", "use": "sig", "kid": "«b64url43»", "alg": "RS256", "n": "«b64url342»"}]}',
    ),
    (
        "terraform plan sensitive json",
        '{"resource_changes": [{"address": "aws_db_instance.main", "change": {"actions": ["create"], "after": {"username": "«user»"}, "after_sensitive": {"password": true}}}]}',
    ),
    (
        "npm audit json",
        '{"advisories": {"«n7»": {"github_advisory_id": "GHSA-«lower4»-«lower4:2»-«lower4:3»", "cves": ["CVE-2024-«n5»"], "module_name": "jsonwebtoken", "severity": "high"}}}',
    ),
    (
        "source map mappings",
        '{"version": 3, "file": "app.«hex8».js", "sources": ["src/index.ts", "src/auth/token.ts"], "names": [], "mappings": "«vlq»"}',
    ),
    (
        "notebook image output",
        '{"cell_type": "code", "id": "«hex8»", "outputs": [{"data": {"image/png": "«png»", "text/plain": ["<Figure size 640x480 with 1 Axes>"]}, "output_type": "display_data"}]}',
    ),
    (
        "composer.lock reference",
        '{"name": "«org»/«word»", "version": "v«ver»", "source": {"type": "git", "url": "https://github.com/«org»/«word».git", "reference": "«sha40»"}, "dist": {"shasum": ""}}',
    ),
    (
        "Pipfile.lock hashes",
        '"«word»": {\n    "hashes": [\n        "sha256:«hex64»",\n        "sha256:«hex64:2»"\n    ],\n    "version": "==«ver»"\n}',
    ),
    (
        "github actions run json",
        '{"id": «n10», "name": "CI", "head_sha": "«sha40»", "run_attempt": 1, "check_suite_node_id": "CS_kwDO«b64url20»", "status": "completed"}',
    ),
    (
        "structured log json",
        '{"level": "info", "ts": «epoch».«n6», "trace_id": "«hex32»", "span_id": "«hex16»", "msg": "token refreshed", "user_id": "«uuid»", "expires_in": 3600}',
    ),
    (
        "stripe customer object",
        '{"id": "cus_«alnum14»", "object": "customer", "invoice_prefix": "«UP8»", "default_source": "card_«alnum24»", "livemode": true}',
    ),
    (
        "json schema password field",
        '{"type": "object", "properties": {"username": {"type": "string"}, "password": {"type": "string", "writeOnly": true, "minLength": 12}, "apiToken": {"type": "string", "description": "Personal access token"}}}',
    ),
    (
        "vscode extension config",
        '{"contributes": {"configuration": {"properties": {"«word».apiKey": {"type": "string", "default": "", "markdownDescription": "Your API key. Stored in the OS keychain."}}}}}',
    ),
    (
        "mcp tools list",
        '{"tools": [{"name": "get_secret", "description": "Fetch a secret by name from the vault", "inputSchema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}}]}',
    ),
    (
        "OIDC discovery doc",
        '{"issuer": "https://token.actions.githubusercontent.com", "jwks_uri": "https://token.actions.githubusercontent.com/.well-known/jwks", "id_token_signing_alg_values_supported": ["RS256"]}',
    ),
    (
        "kms encrypt output",
        '{"CiphertextBlob": "AQICAH«b64_200»", "KeyId": "arn:aws:kms:«region»:«acct»:key/«uuid»", "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}',
    ),
    (
        "codex reasoning encrypted_content",
        '{"type": "reasoning", "summary": [{"type": "summary_text", "text": "**Checking config**"}], "content": null, "encrypted_content": "«fernet»"}',
    ),
    (
        "docker manifest list",
        '{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [{"digest": "sha256:«hex64»", "size": 1613, "platform": {"architecture": "amd64", "os": "linux"}}]}',
    ),
    (
        "azure keyvault secret list",
        '[{"attributes": {"enabled": true, "created": "«ts»"}, "id": "https://kv-«word».vault.azure.net/secrets/db-password", "name": "db-password", "contentType": null}]',
    ),
    (
        "eslint config",
        '{"extends": ["eslint:recommended"], "rules": {"no-unused-vars": "warn"}, "ignorePatterns": ["dist/"]}',
    ),
    (
        "gh run list json",
        '[{"databaseId": «n10», "headSha": "«sha40»", "status": "completed", "conclusion": "success", "workflowName": "release"}]',
    ),
    (
        "k8s secret list names only",
        '{"items": [{"metadata": {"name": "«word»-db", "uid": "«uuid»"}, "type": "Opaque"}, {"metadata": {"name": "«word»-tls", "uid": "«uuid:2»"}, "type": "kubernetes.io/tls"}]}',
    ),
]


# --------------------------------------------------------------------------------------------------
# Agent-log envelopes for the json context
# --------------------------------------------------------------------------------------------------


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _numbered(text: str) -> str:
    """The Read tool's view of a file: each line behind its number."""
    return "\n".join(f"{i:>6}→{line}" for i, line in enumerate(text.split("\n"), 1))


_READ_PATHS = {
    "yaml": ("deploy/values.yaml", "docker-compose.yml", ".github/workflows/ci.yml", "k8s/secret.yaml"),
    "source": ("src/settings.py", "config/database.php", "src/client.ts", ".npmrc", "main.go"),
    "json": ("config.json", "tmp/response.json", ".vscode/settings.json", "credentials.json"),
}


def _envelope(r: random.Random, context: str, text: str) -> str:
    """Embed ``text`` in one line of an agent log, as the agent would have seen or written it."""
    session = str(uuid.UUID(int=r.getrandbits(128), version=4))
    toolu = "toolu_01" + _s(r, ALNUM, 22)
    call = "call_" + _s(r, ALNUM, 24)
    ts = f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}.{r.randint(0, 999):03d}Z"
    choices = ["claude_result", "codex_output", "codex_exec", "transcript"]
    if context == "shell":
        choices += ["claude_bash", "codex_call"]
    if context in ("yaml", "source", "json"):
        choices += ["claude_read", "claude_write"]
    style = r.choice(choices)
    if style == "claude_bash":
        return _dumps(
            {
                "type": "assistant",
                "message": {
                    "id": "msg_01" + _s(r, ALNUM, 22),
                    "type": "message",
                    "role": "assistant",
                    "model": "claude-sonnet-4-5-20250929",
                    "content": [
                        {
                            "type": "tool_use",
                            "id": toolu,
                            "name": "Bash",
                            "input": {"command": text, "description": "Run the command"},
                        }
                    ],
                    "stop_reason": None,
                    "usage": {"input_tokens": r.randint(3, 9), "output_tokens": r.randint(20, 400)},
                },
                "parent_tool_use_id": None,
                "session_id": session,
            }
        )
    if style == "codex_call":
        return _dumps(
            {
                "timestamp": ts,
                "type": "response_item",
                "payload": {
                    "type": "function_call",
                    "name": "shell",
                    "arguments": _dumps({"command": ["bash", "-lc", text], "workdir": "/home/dev/src/app"}),
                    "call_id": call,
                },
            }
        )
    if style == "claude_write":
        path = r.choice(_READ_PATHS[context])
        return _dumps(
            {
                "type": "assistant",
                "message": {
                    "id": "msg_01" + _s(r, ALNUM, 22),
                    "type": "message",
                    "role": "assistant",
                    "model": "claude-opus-4-1-20250805",
                    "content": [
                        {
                            "type": "tool_use",
                            "id": toolu,
                            "name": "Write",
                            "input": {"file_path": f"/home/dev/src/app/{path}", "content": text},
                        }
                    ],
                    "stop_reason": None,
                },
                "parent_tool_use_id": None,
                "session_id": session,
            }
        )
    if style == "claude_read":
        return _dumps(
            {
                "type": "user",
                "message": {
                    "role": "user",
                    "content": [{"tool_use_id": toolu, "type": "tool_result", "content": _numbered(text)}],
                },
                "parent_tool_use_id": None,
                "session_id": session,
                "uuid": str(uuid.UUID(int=r.getrandbits(128), version=4)),
            }
        )
    if style == "claude_result":
        return _dumps(
            {
                "type": "user",
                "message": {
                    "role": "user",
                    "content": [
                        {"tool_use_id": toolu, "type": "tool_result", "content": text, "is_error": False}
                    ],
                },
                "parent_tool_use_id": None,
                "session_id": session,
                "uuid": str(uuid.UUID(int=r.getrandbits(128), version=4)),
            }
        )
    if style == "codex_output":
        inner = _dumps(
            {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(r.uniform(0.01, 3), 1)}}
        )
        return _dumps(
            {
                "timestamp": ts,
                "type": "response_item",
                "payload": {"type": "function_call_output", "call_id": call, "output": inner},
            }
        )
    if style == "codex_exec":
        command = r.choice(
            (
                "bash -lc 'cat .env'",
                "bash -lc 'kubectl get secret app -o yaml'",
                "bash -lc ls",
                "bash -lc 'cat config/settings.yaml'",
                "bash -lc 'tail -n 50 logs/app.log'",
            )
        )
        return _dumps(
            {
                "type": "item.completed",
                "item": {
                    "id": f"item_{r.randint(0, 40)}",
                    "type": "command_execution",
                    "command": command,
                    "aggregated_output": text,
                    "exit_code": 0,
                    "status": "completed",
                },
            }
        )
    return _dumps(
        {
            "parentUuid": str(uuid.UUID(int=r.getrandbits(128), version=4)),
            "isSidechain": False,
            "userType": "external",
            "cwd": "/home/dev/src/app",
            "sessionId": session,
            "version": "2.0.28",
            "gitBranch": "main",
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {"tool_use_id": toolu, "type": "tool_result", "content": text, "is_error": False}
                ],
            },
            "uuid": str(uuid.UUID(int=r.getrandbits(128), version=4)),
            "timestamp": ts,
            "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
        }
    )


# --------------------------------------------------------------------------------------------------
# Corpus and measure
# --------------------------------------------------------------------------------------------------

TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "plain": PLAIN,
    "shell": SHELL,
    "yaml": YAML,
    "source": SOURCE,
    "url": URL,
    "json": JSON,
}


def split_of(template: str) -> str:
    """``holdout`` for about one template in three, by a hash of its text; else ``dev``."""
    return "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"


def corpus(seed: int = 23, copies: int = 6) -> list[Document]:
    """Every template ``copies`` times in its own context and ``copies`` times in an agent-log line."""
    rng = random.Random(seed)
    filler = _Filler(rng, _secret_generators(), _public_generators())
    documents: list[Document] = []
    for context, templates in TEMPLATES.items():
        for kind, template in templates:
            split = split_of(template)
            for _ in range(copies):
                text, secrets = filler.fill(template)
                documents.append(Document(text, secrets, context, kind, split, template))
            for _ in range(copies):
                text, secrets = filler.fill(template)
                documents.append(
                    Document(_envelope(rng, context, text), secrets, "json", kind, split, template)
                )
    return documents


def _forms(secret: str) -> list[str]:
    once = json.dumps(secret, ensure_ascii=False)[1:-1]
    twice = json.dumps(once, ensure_ascii=False)[1:-1]
    return list(dict.fromkeys((secret, once, twice)))


def leaked(secret: str, output: str) -> bool:
    """Whether the secret, raw or JSON-escaped (once or twice), survives in ``output``.

    A secret of up to 16 characters leaks if it survives whole; a longer one if any run of half
    its length (at least 16, at most 40 characters) survives, so that a redaction that leaves
    most of a long key, or whole lines of a private key, still counts as a leak.
    """
    for form in _forms(secret):
        if form in output:
            return True
        if len(form) <= 16:
            continue
        width = max(16, min(len(form) // 2, 40))
        if any(form[i : i + width] in output for i in range(len(form) - width + 1)):
            return True
    return False


def counts() -> dict[str, tuple[int, int]]:
    """(positive, negative) template counts per context."""
    return {
        context: (sum("«!" in t for _, t in templates), sum("«!" not in t for _, t in templates))
        for context, templates in TEMPLATES.items()
    }


if __name__ == "__main__":
    for context, (pos, neg) in counts().items():
        print(f"{context:8} {pos:4d} positive {neg:4d} negative templates")
    docs = corpus()
    print(f"{len(docs)} documents, {sum(len(d.secrets) for d in docs)} planted secrets")
