"""A labelled redaction corpus on observability, on-call and incident response, written blind.

The twenty-third corpus written apart from the redactor's rules (issue 15): the text an agent
helping an SRE team debug production reads. Metrics and alerting configs (Prometheus scrape and
remote-write credentials, Alertmanager receivers, ``amtool``), Grafana (``grafana.ini``,
provisioning, service-account and Cloud tokens), agents and vendors (Datadog, New Relic, Dynatrace,
Elastic, Splunk, Sumo Logic, Honeycomb, Lightstep, Instana, Axiom, Logz.io), OpenTelemetry collector
configs and ``OTEL_*`` variables, log shippers (Fluent Bit, Fluentd, Vector, Logstash, Promtail,
Alloy), Sentry, status pages, on-call tools (PagerDuty, Opsgenie, incident.io, FireHydrant,
VictorOps), chatops webhooks and bot tokens, logs and traces that leak credentials, incident chat,
postmortems and runbooks, synthetic checks, SNMP and blackbox exporter configs.

Hard negatives of the same world: trace, span and request ids, metric names and PromQL or LogQL
that mention ``password`` or ``token``, alert fingerprints and group keys, dashboard UIDs, monitor,
service, incident, channel and user ids, Sentry event ids and release SHAs, masked values
(``<secret>`` as ``amtool`` and Prometheus print them, ``****abcd``, ``[Filtered]``), hashes,
references (``${DD_API_KEY}``, ``${env:X}``, ``$__file{...}``, ``{{ .Values.x }}``,
``secretKeyRef``, ``*_file:`` paths), encrypted values (SOPS, Ansible Vault, Sealed Secrets),
public certificates and the public keys of the same tools.

Labelling of the two disputed shapes:

- a Sentry DSN that holds only the public key (``https://<32 hex>@o1.ingest.sentry.io/2``) is public:
  it ships in every browser bundle, so it is a negative; the legacy DSN form with a secret part
  (``https://public:secret@host/2``) plants the secret part;
- a webhook URL whose path is the credential (Slack, Discord, Teams, Mattermost, Google Chat, Sumo
  Logic receivers, VictorOps REST endpoints, Power Automate ``sig=``) is a secret: the planted value is
  the credential part of the path (or the ``sig``/``token`` parameter), not the public host.

Template syntax:

- ``«gen»`` is a planted secret, ``‹gen›`` a value that is not a secret; both are random at run time.
- ``gen`` is a generator name with an optional argument after a colon (``«hex:32»``, ``‹digits:6›``);
  see ``GENERATORS``.
- ``#key`` after it (``«pw#a»``) reuses the same value wherever the same generator and key recur
  in the document.
- ``|transform`` after that (``«pw#a|url»``) encodes the value as the text holds it: ``url``
  (percent-encoding), ``b64`` (base64), ``json`` (JSON string body), ``indentN`` (every line after
  the first indented by N spaces), ``upper``, ``lower``. The planted secret is the encoded form.

Every value is drawn from parts at run time; provider prefixes and PEM armour are joined at run
time, so this file holds no secret-shaped literal.
"""

# ruff: noqa: E501, RUF002 - templates read better on one line; the docstring shows the guillemet placeholders
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
import textwrap
import urllib.parse
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


# ---------------------------------------------------------------------------------------------
# Value generators
# ---------------------------------------------------------------------------------------------

HEXL = "0123456789abcdef"
ALNUM = string.ascii_letters + string.digits
LOWER = string.ascii_lowercase + string.digits
UPPER = string.ascii_uppercase + string.digits
B64 = ALNUM + "+/"
B64U = ALNUM + "-_"
WORDS = [
    "summer",
    "winter",
    "autumn",
    "spring",
    "falcon",
    "dragon",
    "tiger",
    "panda",
    "orange",
    "purple",
    "silver",
    "monday",
    "friday",
    "pager",
    "oncall",
    "grafana",
    "prometheus",
    "monitor",
    "kibana",
    "splunk",
    "rocket",
    "coffee",
    "pizza",
    "soccer",
    "london",
    "berlin",
    "denver",
    "sunshine",
    "thunder",
    "phoenix",
    "maverick",
    "galaxy",
    "hunter",
    "butterfly",
    "secret",
    "welcome",
    "cheese",
    "blue",
    "green",
]
NAMES = [
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
    "walter",
]
SYMS = "!#%*-_.+=@?^~&"
SEP = "-_.!"


def _pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _int(arg: str | None, default: int) -> int:
    return int(arg) if arg else default


def _uuid(rng: random.Random) -> str:
    h = _pick(rng, HEXL, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


def _human_pw(rng: random.Random) -> str:
    shape = rng.randrange(6)
    word = rng.choice(WORDS)
    if shape == 0:
        return word.capitalize() + str(rng.randrange(1990, 2027)) + rng.choice(SYMS)
    if shape == 1:
        return word.capitalize() + rng.choice("!#@") + str(rng.randrange(10, 9999))
    if shape == 2:
        words = [rng.choice(WORDS) for _ in range(rng.randrange(3, 5))]
        return rng.choice(SEP).join(words) + str(rng.randrange(1, 99))
    if shape == 3:
        leet = word.replace("a", "@").replace("o", "0").replace("e", "3").replace("i", "1")
        return leet.capitalize() + rng.choice(SYMS) + str(rng.randrange(100, 999))
    if shape == 4:
        return (
            rng.choice(NAMES).capitalize() + rng.choice(WORDS) + str(rng.randrange(1, 99)) + rng.choice(SYMS)
        )
    return _pick(rng, ALNUM, rng.randrange(10, 14)) + rng.choice(SYMS) + _pick(rng, ALNUM, 3)


def _random_pw(rng: random.Random, n: int = 0) -> str:
    n = n or rng.randrange(16, 33)
    while True:
        value = _pick(rng, ALNUM + SYMS, n)
        if any(c.isdigit() for c in value) and any(c.isupper() for c in value) and value[0].isalnum():
            return value


def _b64_of(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _b64u_nopad(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _jwt(rng: random.Random) -> str:
    head = {"alg": rng.choice(["RS256", "HS256", "ES256"]), "typ": "JWT"}
    if head["alg"] != "HS256":
        head["kid"] = _pick(rng, B64U, 22)
    now = rng.randrange(1_760_000_000, 1_790_000_000)
    body = {
        "iss": rng.choice(
            ["https://auth.internal.example.net/", "grafana", "https://sso.corp.example.com/realms/ops"]
        ),
        "sub": rng.choice(NAMES) + "@example.com",
        "aud": rng.choice(["grafana", "alertmanager", "loki-gateway", "api://ops-portal"]),
        "iat": now,
        "exp": now + rng.choice([900, 3600, 86400]),
        "scope": rng.choice(["read:metrics", "openid profile email", "admin"]),
    }
    sig = rng.randbytes(rng.choice([32, 256, 64]))
    return (
        ".".join(
            _b64u_nopad(part)
            for part in (
                json.dumps(head, separators=(",", ":")).encode(),
                json.dumps(body, separators=(",", ":")).encode(),
            )
        )
        + "."
        + _b64u_nopad(sig)
    )


def _armour(label: str, body: bytes, width: int = 64) -> str:
    dashes = "-" * 5
    lines = textwrap.wrap(_b64_of(body), width)
    return "\n".join([f"{dashes}BEGIN {label}{dashes}", *lines, f"{dashes}END {label}{dashes}"])


def _pem(rng: random.Random, kind: str | None) -> str:
    kind = kind or rng.choice(["rsa", "pkcs8", "ec"])
    if kind == "rsa":
        return _armour(
            "RSA " + "PRIVATE KEY", b"\x30\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00" + rng.randbytes(1180)
        )
    if kind == "ec":
        return _armour(
            "EC " + "PRIVATE KEY",
            b"\x30\x77\x02\x01\x01\x04\x20"
            + rng.randbytes(32)
            + b"\xa0\x0a\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07\xa1\x44\x03\x42\x00\x04"
            + rng.randbytes(64),
        )
    if kind == "ssh":
        return _armour(
            "OPENSSH " + "PRIVATE KEY", b"openssh-key-v1\x00\x00\x00\x00\x04none" + rng.randbytes(380), 70
        )
    return _armour(
        "PRIVATE" + " KEY",
        b"\x30\x82\x04\xbe\x02\x01\x00\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00"
        + rng.randbytes(1190),
    )


def _cert(rng: random.Random) -> str:
    return _armour(
        "CERTIFICATE", b"\x30\x82\x03\x1d\x30\x82\x02\x05\xa0\x03\x02\x01\x02\x02\x14" + rng.randbytes(780)
    )


def _grafana_cloud(rng: random.Random) -> str:
    org = str(rng.randrange(100000, 999999))
    payload = {
        "o": org,
        "n": rng.choice(["stack-", "alloy-", "metrics-publisher-", "hm-write-"])
        + str(rng.randrange(100000, 999999))
        + "-"
        + rng.choice(["write", "read", "ops"]),
        "k": _pick(rng, ALNUM, 24),
        "m": {"r": rng.choice(["us", "eu", "prod-us-east-0", "prod-eu-west-2"])},
    }
    return "gl" + "c_" + _b64_of(json.dumps(payload, separators=(",", ":")).encode())


def _grafana_legacy(rng: random.Random) -> str:
    payload = {
        "k": _pick(rng, ALNUM, 32),
        "n": rng.choice(["ci-deploy", "terraform", "backup", "oncall-bot"]),
        "id": rng.randrange(1, 40),
    }
    return _b64_of(json.dumps(payload, separators=(",", ":")).encode()).rstrip("=")


def _sentry_org(rng: random.Random) -> str:
    payload = {
        "iat": rng.randrange(1_700_000_000, 1_790_000_000) + rng.random(),
        "url": "https://sentry.io",
        "region_url": rng.choice(["https://us.sentry.io", "https://de.sentry.io"]),
        "org": rng.choice(["acme", "shopfront", "payments-inc", "northwind"]),
    }
    return (
        "sntr"
        + "ys_"
        + _b64_of(json.dumps(payload, separators=(",", ":")).encode()).rstrip("=")
        + "_"
        + _pick(rng, B64U, 43)
    )


def _nr_license(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return "eu01xx" + _pick(rng, HEXL, 30) + "NR" + "AL"
    return _pick(rng, HEXL, 36) + "NR" + "AL"


def _pd_routing(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return "R0" + _pick(rng, UPPER, 30)
    return _pick(rng, HEXL, 32)


def _pd_api(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return "u" + "+" + _pick(rng, B64U, 18)
    return _pick(rng, ALNUM + "-_+", 20)


def _azure_secret(rng: random.Random) -> str:
    return _pick(rng, ALNUM, 3) + rng.choice("78") + "Q" + "~" + _pick(rng, ALNUM + "_~.-", 31)


def _basic(rng: random.Random) -> str:
    user = rng.choice(
        ["admin", "prometheus", "grafana", "elastic", "scraper", "oncall", "metrics"]
    ) + rng.choice(["", "-ro", "_svc", str(rng.randrange(1, 9))])
    return _b64_of(f"{user}:{rng.choice([_human_pw, _random_pw])(rng)}".encode())


def _es_api(rng: random.Random) -> str:
    return _b64_of(f"{_pick(rng, B64U, 20)}:{_pick(rng, B64U, 22)}".encode())


def _sops(rng: random.Random) -> str:
    return f"ENC[AES256_GCM,data:{_b64_of(rng.randbytes(rng.randrange(18, 48)))},iv:{_b64_of(rng.randbytes(32))},tag:{_b64_of(rng.randbytes(16))},type:str]"


def _vault(rng: random.Random, indent: int = 0) -> str:
    blob = rng.randbytes(rng.randrange(120, 260)).hex()
    lines = ["$ANSIBLE_VAULT;1.1;AES256", *textwrap.wrap(blob, 80)]
    return ("\n" + " " * indent).join(lines)


def _trace_ms(rng: random.Random) -> str:
    return f"{rng.randrange(1, 900)}.{rng.randrange(0, 999):03d}ms"


def _ts(rng: random.Random) -> str:
    return f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(1000):03d}Z"


def _ulid(rng: random.Random) -> str:
    return "01" + _pick(rng, "0123456789ABCDEFGHJKMNPQRSTVWXYZ", 24)


Gen = Callable[[random.Random, "str | None"], str]

GENERATORS: dict[str, Gen] = {
    # plain alphabets
    "hex": lambda r, a: _pick(r, HEXL, _int(a, 32)),
    "HEX": lambda r, a: _pick(r, "0123456789ABCDEF", _int(a, 32)),
    "alnum": lambda r, a: _pick(r, ALNUM, _int(a, 32)),
    "lower": lambda r, a: _pick(r, LOWER, _int(a, 16)),
    "upper": lambda r, a: _pick(r, UPPER, _int(a, 16)),
    "digits": lambda r, a: str(r.randrange(1, 10)) + _pick(r, string.digits, _int(a, 6) - 1),
    "b64": lambda r, a: _b64_of(r.randbytes(_int(a, 32))),
    "b64u": lambda r, a: _pick(r, B64U, _int(a, 43)),
    "uuid": lambda r, a: _uuid(r),
    "UUID": lambda r, a: _uuid(r).upper(),
    "ulid": lambda r, a: _ulid(r),
    "ts": lambda r, a: _ts(r),
    "ms": lambda r, a: _trace_ms(r),
    "epoch": lambda r, a: str(r.randrange(1_760_000_000, 1_790_000_000)),
    "epochms": lambda r, a: str(r.randrange(1_760_000_000_000, 1_790_000_000_000)),
    "ip": lambda r, a: f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}",
    "pubip": lambda r, a: (
        f"{r.choice([34, 35, 52, 54, 104, 146, 185])}.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"
    ),
    "name": lambda r, a: r.choice(NAMES),
    "word": lambda r, a: r.choice(WORDS),
    "pod": lambda r, a: (
        _pick(r, "bcdfghjklmnpqrstvwxz2456789", 10) + "-" + _pick(r, "bcdfghjklmnpqrstvwxz2456789", 5)
    ),
    # passwords
    "pw": lambda r, a: _human_pw(r),
    "rpw": lambda r, a: _random_pw(r, _int(a, 0)),
    "anypw": lambda r, a: r.choice([_human_pw, _random_pw])(r),
    "phrase": lambda r, a: "-".join(r.choice(WORDS) for _ in range(4)),
    "basic": lambda r, a: _basic(r),
    # tokens and keys
    "jwt": lambda r, a: _jwt(r),
    "pem": lambda r, a: _pem(r, a),
    "cert": lambda r, a: _cert(r),
    "bearer": lambda r, a: _pick(r, B64U, _int(a, r.choice([32, 40, 48, 64]))),
    "slackbot": lambda r, a: (
        "xo"
        + "xb-"
        + str(r.randrange(10**10, 10**12))
        + "-"
        + str(r.randrange(10**12, 10**13))
        + "-"
        + _pick(r, ALNUM, 24)
    ),
    "slackuser": lambda r, a: (
        "xo"
        + "xp-"
        + str(r.randrange(10**10, 10**12))
        + "-"
        + str(r.randrange(10**10, 10**12))
        + "-"
        + str(r.randrange(10**12, 10**13))
        + "-"
        + _pick(r, HEXL, 32)
    ),
    "slackapp": lambda r, a: (
        "xa"
        + "pp-1-A"
        + _pick(r, UPPER, 10)
        + "-"
        + str(r.randrange(10**12, 10**13))
        + "-"
        + _pick(r, HEXL, 64)
    ),
    "slackT": lambda r, a: "T0" + _pick(r, UPPER, r.choice([7, 8, 9])),
    "slackB": lambda r, a: "B0" + _pick(r, UPPER, r.choice([7, 8, 9])),
    "slackC": lambda r, a: "C0" + _pick(r, UPPER, r.choice([7, 8, 9])),
    "slackU": lambda r, a: "U0" + _pick(r, UPPER, r.choice([7, 8, 9])),
    "hook24": lambda r, a: _pick(r, ALNUM, 24),
    "discordid": lambda r, a: str(r.randrange(10**17, 10**19)),
    "discordtok": lambda r, a: _pick(r, B64U, 68),
    "mmhook": lambda r, a: _pick(r, string.ascii_lowercase + string.digits, 26),
    "teamshook": lambda r, a: _pick(r, HEXL, 32) + "/" + _uuid(r) + "/V2" + _pick(r, B64U, 43),
    "sig": lambda r, a: _pick(r, B64U, 43),
    "pdkey": lambda r, a: _pd_routing(r),
    "pdapi": lambda r, a: _pd_api(r),
    "pdid": lambda r, a: "P" + _pick(r, UPPER, 6),
    "glsa": lambda r, a: "gl" + "sa_" + _pick(r, ALNUM, 32) + "_" + _pick(r, HEXL, 8),
    "glc": lambda r, a: _grafana_cloud(r),
    "grafanakey": lambda r, a: _grafana_legacy(r),
    "ddapi": lambda r, a: _pick(r, HEXL, 32),
    "ddapp": lambda r, a: _pick(r, HEXL, 40),
    "ddpub": lambda r, a: "pu" + "b" + _pick(r, HEXL, 32),
    "nrlicense": lambda r, a: _nr_license(r),
    "nrak": lambda r, a: "NR" + "AK-" + _pick(r, UPPER, 27),
    "nrii": lambda r, a: "NR" + "II-" + _pick(r, B64U, 32),
    "nrjs": lambda r, a: "NR" + "JS-" + _pick(r, HEXL, 19),
    "dynatrace": lambda r, a: "dt0" + "c01." + _pick(r, UPPER, 24) + "." + _pick(r, UPPER, 64),
    "esapi": lambda r, a: _es_api(r),
    "esid": lambda r, a: _pick(r, B64U, 20),
    "eskey": lambda r, a: _pick(r, B64U, 22),
    "sumotok": lambda r, a: _b64_of(r.randbytes(r.choice([72, 81, 90]))).replace("+", "-").replace("/", "_"),
    "sumoid": lambda r, a: "su" + _pick(r, ALNUM, 12),
    "sumokey": lambda r, a: _pick(r, ALNUM, 64),
    "hckey": lambda r, a: _pick(r, ALNUM, 22),
    "hcingest": lambda r, a: (
        "hca" + "ik_01" + _pick(r, "0123456789abcdefghjkmnpqrstvwxyz", 25) + _pick(r, HEXL, 32)
    ),
    "lstoken": lambda r, a: _b64_of(r.randbytes(63)),
    "sntrys": lambda r, a: _sentry_org(r),
    "sntryu": lambda r, a: "sntr" + "yu_" + _pick(r, HEXL, 64),
    "instana": lambda r, a: _pick(r, B64U, 22),
    "axiom": lambda r, a: "xa" + "at-" + _uuid(r),
    "logzio": lambda r, a: _pick(r, string.ascii_letters, 32),
    "coralogix": lambda r, a: "cx" + "tp_" + _pick(r, ALNUM, 30),
    "uptimerobot": lambda r, a: (
        r.choice(["u", "m"]) + str(r.randrange(10**6, 10**7)) + "-" + _pick(r, HEXL, 24)
    ),
    "betterstack": lambda r, a: _pick(r, ALNUM, 24),
    "fhb": lambda r, a: "fh" + "b-" + _pick(r, HEXL, 32),
    "checkly": lambda r, a: "c" + "u_" + _pick(r, HEXL, 32),
    "telegram": lambda r, a: str(r.randrange(10**9, 8 * 10**9)) + ":AA" + _pick(r, B64U, 33),
    "bcrypt": lambda r, a: "$2y$10$" + _pick(r, "./" + ALNUM, 53),
    "hbp": lambda r, a: "hb" + "p_" + _pick(r, ALNUM, 36),
    "mailgun": lambda r, a: _pick(r, HEXL, 32) + "-" + _pick(r, HEXL, 8) + "-" + _pick(r, HEXL, 8),
    "whsec": lambda r, a: "wh" + "sec_" + _b64_of(r.randbytes(24)),
    "zulip": lambda r, a: _pick(r, ALNUM, 32),
    "pushover": lambda r, a: _pick(r, string.ascii_lowercase + string.digits, 30),
    "awssecret": lambda r, a: _pick(r, ALNUM + "+/", 40),
    "awsid": lambda r, a: "AK" + "IA" + _pick(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
    "ghsecret": lambda r, a: _pick(r, HEXL, 40),
    "ghp": lambda r, a: "gh" + "p_" + _pick(r, ALNUM, 36),
    "gocspx": lambda r, a: "GOC" + "SPX-" + _pick(r, B64U, 28),
    "azsecret": lambda r, a: _azure_secret(r),
    "twiliosid": lambda r, a: "A" + "C" + _pick(r, HEXL, 32),
    "cftoken": lambda r, a: _pick(r, B64U, 40),
    "sendgrid": lambda r, a: "S" + "G." + _pick(r, B64U, 22) + "." + _pick(r, B64U, 43),
    # non-secret shapes of the same world
    "trace": lambda r, a: _pick(r, HEXL, 32),
    "span": lambda r, a: _pick(r, HEXL, 16),
    "sha": lambda r, a: _pick(r, HEXL, 40),
    "sha256": lambda r, a: _pick(r, HEXL, 64),
    "fp": lambda r, a: _pick(r, HEXL, 16),
    "dashuid": lambda r, a: _pick(r, ALNUM, r.choice([9, 10, 14])),
    "age": lambda r, a: "age" + "1" + _pick(r, "qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58),
    "sops": lambda r, a: _sops(r),
    "vault": lambda r, a: _vault(r, _int(a, 0)),
    "sealed": lambda r, a: "Ag" + _pick(r, "ABCD", 1) + _b64_of(r.randbytes(r.randrange(300, 420))),
    "ageenc": lambda r, a: _armour("AGE ENCRYPTED" + " FILE", r.randbytes(r.randrange(180, 240))),
    "tfp": lambda r, a: ":".join(_pick(r, "0123456789ABCDEF", 2) for _ in range(32)),
}


def _transform(value: str, name: str) -> str:
    if name == "url":
        return urllib.parse.quote(value, safe="")
    if name == "b64":
        return _b64_of(value.encode())
    if name == "json":
        return json.dumps(value)[1:-1]
    if name == "upper":
        return value.upper()
    if name == "lower":
        return value.lower()
    if name.startswith("indent"):
        return value.replace("\n", "\n" + " " * int(name[6:]))
    raise ValueError(f"unknown transform {name!r}")


PLACEHOLDER = re.compile(
    r"([«‹])([A-Za-z0-9]+)(?::([A-Za-z0-9]+))?(?:#([A-Za-z0-9]+))?((?:\|[A-Za-z0-9]+)*)([»›])"
)


def instantiate(template: str, rng: random.Random) -> tuple[str, list[str]]:
    """The template with every placeholder filled, and the planted secrets as the text holds them."""
    shared: dict[tuple[str, str | None, str], str] = {}
    secrets: list[str] = []

    def fill(match: re.Match[str]) -> str:
        opening, gen, arg, key, transforms, closing = match.groups()
        assert (opening == "«") == (closing == "»"), match.group(0)
        if key is not None and (gen, arg, key) in shared:
            value = shared[(gen, arg, key)]
        else:
            value = GENERATORS[gen](rng, arg)
            if key is not None:
                shared[(gen, arg, key)] = value
        for name in filter(None, transforms.split("|")):
            value = _transform(value, name)
        if opening == "«" and value not in secrets:
            secrets.append(value)
        return value

    return PLACEHOLDER.sub(fill, template), secrets


# ---------------------------------------------------------------------------------------------
# Agent-log envelopes (the "json" context)
# ---------------------------------------------------------------------------------------------


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _envelope(text: str, rng: random.Random, n: int) -> str:
    shape = n % 5
    toolu = "toolu_01" + _pick(rng, ALNUM, 22)
    if shape == 0:  # Claude Code stream-json
        return _dumps(
            {
                "type": "user",
                "message": {
                    "role": "user",
                    "content": [{"tool_use_id": toolu, "type": "tool_result", "content": text}],
                },
                "parent_tool_use_id": None,
                "session_id": _uuid(rng),
            }
        )
    if shape == 1:  # Claude Code transcript
        return _dumps(
            {
                "parentUuid": _uuid(rng),
                "isSidechain": False,
                "userType": "external",
                "cwd": "/home/"
                + rng.choice(NAMES)
                + "/src/"
                + rng.choice(["platform-infra", "observability", "sre-runbooks", "helm-charts"]),
                "sessionId": _uuid(rng),
                "version": rng.choice(["2.0.28", "2.1.38", "2.1.12"]),
                "gitBranch": rng.choice(
                    ["main", "fix/alert-routing", "incident/inc-" + str(rng.randrange(1000, 9999))]
                ),
                "type": "user",
                "message": {
                    "role": "user",
                    "content": [
                        {"tool_use_id": toolu, "type": "tool_result", "content": text, "is_error": False}
                    ],
                },
                "uuid": _uuid(rng),
                "timestamp": _ts(rng),
                "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
            }
        )
    if shape == 2:  # Codex rollout: the output is itself a JSON string
        inner = _dumps(
            {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(rng.random() * 3, 1)}}
        )
        return _dumps(
            {
                "timestamp": _ts(rng),
                "type": "response_item",
                "payload": {
                    "type": "function_call_output",
                    "call_id": "call_" + _pick(rng, ALNUM, 24),
                    "output": inner,
                },
            }
        )
    if shape == 3:  # codex exec --json
        return _dumps(
            {
                "type": "item.completed",
                "item": {
                    "id": f"item_{rng.randrange(1, 60)}",
                    "type": "command_execution",
                    "command": "bash -lc "
                    + rng.choice(
                        [
                            "'cat config.yaml'",
                            "'kubectl logs deploy/api --tail=200'",
                            "'journalctl -u otelcol -n 100'",
                            "'sed -n 1,80p values.yaml'",
                        ]
                    ),
                    "aggregated_output": text,
                    "exit_code": 0,
                    "status": "completed",
                },
            }
        )
    return _dumps(
        {
            "jsonrpc": "2.0",
            "id": rng.randrange(1, 500),
            "result": {"content": [{"type": "text", "text": text}], "isError": False},
        }
    )


# ---------------------------------------------------------------------------------------------
# Templates: (context, kind, text); POSITIVE ones plant at least one «secret», NEGATIVE ones none.
# ---------------------------------------------------------------------------------------------

POSITIVE: list[tuple[str, str, str]] = []
NEGATIVE: list[tuple[str, str, str]] = []


def P(context: str, kind: str, text: str) -> None:
    POSITIVE.append((context, kind, text.strip("\n")))


def N(context: str, kind: str, text: str) -> None:
    NEGATIVE.append((context, kind, text.strip("\n")))


# ----------------------------------------------------------------------------- yaml, positives
P(
    "yaml",
    "prometheus scrape basic_auth",
    r"""
global:
  scrape_interval: 30s
  evaluation_interval: 30s
  external_labels:
    cluster: prod-eu-1
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['‹ip›:9100', '‹ip›:9100']
  - job_name: pushgateway
    honor_labels: true
    scheme: https
    basic_auth:
      username: prom-scraper
      password: «anypw»
    static_configs:
      - targets: ['pushgw.internal.example.net:443']
""",
)
P(
    "yaml",
    "prometheus scrape bearer_token",
    r"""
scrape_configs:
  - job_name: 'federate-eu'
    scrape_interval: 15s
    honor_labels: true
    metrics_path: '/federate'
    params:
      'match[]':
        - '{job="kubernetes-pods"}'
        - '{__name__=~"job:.*"}'
    bearer_token: «bearer:48»
    static_configs:
      - targets:
        - 'prometheus-eu.monitoring.svc:9090'
""",
)
P(
    "yaml",
    "prometheus authorization credentials",
    r"""
  - job_name: rabbitmq
    metrics_path: /metrics/detailed
    params:
      family: [queue_coarse_metrics]
    authorization:
      type: Bearer
      credentials: «jwt»
    tls_config:
      insecure_skip_verify: false
      ca_file: /etc/prometheus/ca.crt
    static_configs:
      - targets: ['rabbitmq-0.rabbitmq:15692']
""",
)
P(
    "yaml",
    "prometheus remote_write grafana cloud",
    r"""
remote_write:
  - url: https://prometheus-prod-24-prod-eu-west-2.grafana.net/api/prom/push
    basic_auth:
      username: "‹digits:7›"
      password: "«glc»"
    queue_config:
      capacity: 10000
      max_shards: 50
      max_samples_per_send: 2000
    write_relabel_configs:
      - source_labels: [__name__]
        regex: 'go_.*|process_.*'
        action: drop
""",
)
P(
    "yaml",
    "prometheus remote_write mimir tenant",
    r"""
remote_write:
  - url: https://mimir.obs.example.io/api/v1/push
    name: mimir-prod
    headers:
      X-Scope-OrgID: team-payments
    basic_auth:
      username: team-payments
      password: «rpw:32»
    remote_timeout: 30s
    metadata_config:
      send: true
""",
)
P(
    "yaml",
    "prometheus remote_write sigv4",
    r"""
remote_write:
  - url: https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-‹uuid›/api/v1/remote_write
    sigv4:
      region: eu-west-1
      access_key: ‹awsid›
      secret_key: «awssecret»
    queue_config:
      max_samples_per_send: 1000
      max_shards: 200
      capacity: 2500
""",
)
P(
    "yaml",
    "victoriametrics vmagent remote write",
    r"""
# vmagent values (victoria-metrics-agent chart)
remoteWriteUrls:
  - https://vm.obs.example.net/insert/0/prometheus/api/v1/write
extraArgs:
  remoteWrite.basicAuth.username: vmagent
  remoteWrite.basicAuth.password: «pw»
  remoteWrite.maxDiskUsagePerURL: 2GB
  promscrape.streamParse: "true"
  envflag.enable: "true"
""",
)
P(
    "yaml",
    "thanos objstore s3",
    r"""
type: S3
config:
  bucket: thanos-metrics-prod
  endpoint: s3.eu-central-1.amazonaws.com
  region: eu-central-1
  access_key: ‹awsid›
  secret_key: «awssecret»
  insecure: false
  signature_version2: false
  put_user_metadata:
    X-Amz-Storage-Class: STANDARD_IA
prefix: cluster-‹lower:6›
""",
)
P(
    "yaml",
    "alertmanager slack receiver",
    r"""
global:
  resolve_timeout: 5m
  slack_api_url: 'https://hooks.slack.com/services/‹slackT›/‹slackB›/«hook24»'
route:
  receiver: slack-default
  group_by: ['alertname', 'cluster', 'service']
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: slack-default
    slack_configs:
      - channel: '#alerts-prod'
        send_resolved: true
        title: '{{ template "slack.default.title" . }}'
""",
)
P(
    "yaml",
    "alertmanager pagerduty routing_key",
    r"""
receivers:
  - name: pagerduty-critical
    pagerduty_configs:
      - routing_key: «pdkey»
        severity: '{{ if eq .CommonLabels.severity "critical" }}critical{{ else }}warning{{ end }}'
        description: '{{ .CommonAnnotations.summary }}'
        details:
          firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}'
          runbook: '{{ .CommonAnnotations.runbook_url }}'
  - name: blackhole
""",
)
P(
    "yaml",
    "alertmanager pagerduty service_key",
    r"""
  - name: 'db-oncall'
    pagerduty_configs:
    - service_key: '«pdkey»'
      url: https://events.pagerduty.com/generic/2010-04-15/create_event.json
      client: 'Alertmanager (prod-us-east)'
      client_url: 'https://alertmanager.prod.example.com'
""",
)
P(
    "yaml",
    "alertmanager opsgenie receiver",
    r"""
receivers:
- name: opsgenie-sre
  opsgenie_configs:
  - api_key: «uuid»
    api_url: https://api.eu.opsgenie.com/
    message: '{{ .GroupLabels.alertname }}'
    priority: '{{ if eq .CommonLabels.severity "critical" }}P1{{ else }}P3{{ end }}'
    responders:
    - name: SRE
      type: team
    tags: 'prod,{{ .CommonLabels.service }}'
""",
)
P(
    "yaml",
    "alertmanager webhook with token",
    r"""
  - name: incident-bot
    webhook_configs:
      - url: https://incident-bot.internal.example.com/alertmanager
        send_resolved: true
        max_alerts: 20
        http_config:
          authorization:
            type: Bearer
            credentials: «bearer:40»
""",
)
P(
    "yaml",
    "alertmanager telegram receiver",
    r"""
- name: telegram-homelab
  telegram_configs:
    - bot_token: «telegram»
      chat_id: -100‹digits:10›
      api_url: https://api.telegram.org
      parse_mode: HTML
      message: '{{ template "telegram.default.message" . }}'
""",
)
P(
    "yaml",
    "alertmanager pushover",
    r"""
- name: pushover-oncall
  pushover_configs:
  - user_key: «pushover#u»
    token: «pushover#t»
    priority: '{{ if eq .Status "firing" }}2{{ else }}0{{ end }}'
    retry: 1m
    expire: 1h
""",
)
P(
    "yaml",
    "alertmanager victorops",
    r"""
global:
  victorops_api_url: https://alert.victorops.com/integrations/generic/20131114/alert/
  victorops_api_key: «uuid»
receivers:
  - name: victorops-platform
    victorops_configs:
      - routing_key: platform-team
        entity_display_name: '{{ .CommonAnnotations.summary }}'
        message_type: CRITICAL
""",
)
P(
    "yaml",
    "alertmanager discord webhook",
    r"""
- name: discord-gameops
  discord_configs:
  - webhook_url: https://discord.com/api/webhooks/‹discordid›/«discordtok»
    title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}'
    send_resolved: true
""",
)
P(
    "yaml",
    "alertmanager teams receiver",
    r"""
receivers:
  - name: msteams-ops
    msteams_configs:
      - webhook_url: 'https://contoso.webhook.office.com/webhookb2/‹uuid›@‹uuid›/IncomingWebhook/«teamshook»'
        send_resolved: true
        title: '{{ template "msteams.default.title" . }}'
""",
)
P(
    "yaml",
    "alertmanager email smtp password",
    r"""
global:
  smtp_smarthost: 'smtp.sendgrid.net:587'
  smtp_from: 'alertmanager@example.com'
  smtp_auth_username: 'apikey'
  smtp_auth_password: '«sendgrid»'
  smtp_require_tls: true
receivers:
  - name: email-dba
    email_configs:
      - to: 'dba-team@example.com'
        send_resolved: true
""",
)
P(
    "yaml",
    "alertmanager wechat and sns",
    r"""
- name: sns-escalation
  sns_configs:
    - api_url: https://sns.us-east-1.amazonaws.com
      sigv4:
        region: us-east-1
        access_key: ‹awsid›
        secret_key: «awssecret»
      topic_arn: arn:aws:sns:us-east-1:‹digits:12›:oncall-escalation
      subject: '{{ .CommonLabels.alertname }}'
""",
)
P(
    "yaml",
    "grafana datasource secureJsonData",
    r"""
apiVersion: 1
datasources:
  - name: Loki
    type: loki
    access: proxy
    url: https://logs-prod-012.grafana.net
    basicAuth: true
    basicAuthUser: ‹digits:6›
    jsonData:
      maxLines: 1000
      derivedFields:
        - datasourceUid: tempo
          matcherRegex: "traceID=(\\w+)"
          name: TraceID
          url: '$${__value.raw}'
    secureJsonData:
      basicAuthPassword: «glc»
""",
)
P(
    "yaml",
    "grafana datasource postgres password",
    r"""
apiVersion: 1
datasources:
  - name: incidents-db
    type: postgres
    url: pg-replica.internal:5432
    user: grafana_ro
    jsonData:
      database: incidents
      sslmode: require
      maxOpenConns: 10
      postgresVersion: 1500
    secureJsonData:
      password: '«pw»'
""",
)
P(
    "yaml",
    "grafana datasource elasticsearch apikey header",
    r"""
  - name: es-logs
    type: elasticsearch
    url: https://es.obs.example.net:9200
    jsonData:
      index: 'logs-*'
      timeField: '@timestamp'
      httpHeaderName1: Authorization
    secureJsonData:
      httpHeaderValue1: 'ApiKey «esapi»'
""",
)
P(
    "yaml",
    "grafana datasource prometheus bearer header",
    r"""
  - name: Thanos
    type: prometheus
    uid: thanos-global
    url: https://thanos-query.obs.example.net
    jsonData:
      httpMethod: POST
      httpHeaderName1: 'Authorization'
      timeInterval: 30s
    secureJsonData:
      httpHeaderValue1: 'Bearer «bearer:64»'
""",
)
P(
    "yaml",
    "grafana notifier contact point",
    r"""
apiVersion: 1
contactPoints:
  - orgId: 1
    name: oncall-slack
    receivers:
      - uid: ‹dashuid›
        type: slack
        settings:
          recipient: '#sre-pages'
          token: «slackbot»
          username: Grafana
        disableResolveMessage: false
""",
)
P(
    "yaml",
    "grafana contact point pagerduty",
    r"""
contactPoints:
  - orgId: 1
    name: PD payments
    receivers:
      - uid: pd-payments
        type: pagerduty
        settings:
          integrationKey: «pdkey»
          severity: critical
          class: '{{ .CommonLabels.alertname }}'
""",
)
P(
    "yaml",
    "helm values grafana adminPassword",
    r"""
grafana:
  enabled: true
  adminUser: admin
  adminPassword: «pw»
  ingress:
    enabled: true
    hosts:
      - grafana.ops.example.com
  persistence:
    enabled: true
    size: 10Gi
  sidecar:
    dashboards:
      enabled: true
      label: grafana_dashboard
""",
)
P(
    "yaml",
    "helm values datadog apiKey",
    r"""
datadog:
  apiKey: «ddapi»
  appKey: «ddapp»
  site: datadoghq.eu
  clusterName: prod-eu-1
  logs:
    enabled: true
    containerCollectAll: true
  apm:
    portEnabled: true
  processAgent:
    processCollection: true
clusterAgent:
  enabled: true
  replicas: 2
""",
)
P(
    "yaml",
    "datadog.yaml agent config",
    r"""
## Datadog Agent configuration
api_key: «ddapi»
site: datadoghq.com
hostname: ip-‹digits:3›-‹digits:2›-‹digits:2›-‹digits:2›.ec2.internal
tags:
  - env:prod
  - team:sre
  - service:checkout
logs_enabled: true
apm_config:
  enabled: true
  env: prod
process_config:
  process_collection:
    enabled: true
""",
)
P(
    "yaml",
    "datadog postgres check conf",
    r"""
init_config:

instances:
  - host: orders-db.internal
    port: 5432
    username: datadog
    password: '«pw»'
    dbname: orders
    dbm: true
    tags:
      - 'db:orders'
      - 'env:prod'
    collect_schemas:
      enabled: true
""",
)
P(
    "yaml",
    "datadog http check with auth",
    r"""
init_config:
instances:
  - name: billing-api health
    url: https://billing.internal.example.com/healthz
    timeout: 5
    username: healthcheck
    password: «rpw»
    http_response_status_code: 200
    tags:
      - 'service:billing'
""",
)
P(
    "yaml",
    "newrelic.yml license key",
    r"""
common: &default_settings
  license_key: '«nrlicense»'
  app_name: checkout-service (Production)
  distributed_tracing:
    enabled: true
  log_level: info
  application_logging:
    forwarding:
      enabled: true
development:
  <<: *default_settings
  app_name: checkout-service (Development)
production:
  <<: *default_settings
""",
)
P(
    "yaml",
    "newrelic infrastructure agent",
    r"""
license_key: «nrlicense»
display_name: db-primary-02
custom_attributes:
  environment: production
  team: data-platform
log:
  level: info
  file: /var/log/newrelic-infra/newrelic-infra.log
enable_process_metrics: true
""",
)
P(
    "yaml",
    "otel collector otlp headers",
    r"""
exporters:
  otlphttp/honeycomb:
    endpoint: https://api.honeycomb.io
    headers:
      x-honeycomb-team: «hckey»
      x-honeycomb-dataset: checkout-traces
  debug:
    verbosity: basic
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [otlphttp/honeycomb]
""",
)
P(
    "yaml",
    "otel collector datadog exporter",
    r"""
exporters:
  datadog:
    api:
      site: datadoghq.eu
      key: «ddapi»
    traces:
      span_name_as_resource_name: true
processors:
  batch:
    send_batch_size: 8192
    timeout: 10s
  resourcedetection:
    detectors: [env, ec2, system]
""",
)
P(
    "yaml",
    "otel collector new relic otlp",
    r"""
exporters:
  otlp/newrelic:
    endpoint: otlp.eu01.nr-data.net:4317
    headers:
      api-key: «nrlicense»
    compression: gzip
    sending_queue:
      enabled: true
      num_consumers: 10
""",
)
P(
    "yaml",
    "otel collector dynatrace",
    r"""
exporters:
  otlphttp/dynatrace:
    endpoint: https://‹lower:8›.live.dynatrace.com/api/v2/otlp
    headers:
      Authorization: "Api-Token «dynatrace»"
extensions:
  health_check:
    endpoint: 0.0.0.0:13133
""",
)
P(
    "yaml",
    "otel collector lightstep",
    r"""
exporters:
  otlp/lightstep:
    endpoint: ingest.lightstep.com:443
    headers:
      "lightstep-access-token": "«lstoken»"
  prometheusremotewrite:
    endpoint: https://prom.obs.example.net/api/v1/write
    auth:
      authenticator: basicauth/prw
extensions:
  basicauth/prw:
    client_auth:
      username: otel
      password: «anypw»
""",
)
P(
    "yaml",
    "otel collector splunk hec",
    r"""
exporters:
  splunk_hec:
    token: "«UUID»"
    endpoint: "https://splunk-hec.example.com:8088/services/collector"
    source: "otel"
    sourcetype: "otel"
    index: "k8s_logs"
    max_connections: 20
    disable_compression: false
    tls:
      insecure_skip_verify: false
""",
)
P(
    "yaml",
    "otel collector elasticsearch exporter",
    r"""
exporters:
  elasticsearch:
    endpoints: [https://es-01.obs.internal:9200]
    logs_index: otel-logs
    auth:
      authenticator: basicauth
extensions:
  basicauth:
    client_auth:
      username: otel_writer
      password: «pw»
""",
)
P(
    "yaml",
    "otel collector axiom",
    r"""
  otlphttp/axiom:
    compression: gzip
    endpoint: https://api.axiom.co
    headers:
      authorization: Bearer «axiom»
      x-axiom-dataset: k8s-traces
""",
)
P(
    "yaml",
    "otel collector coralogix",
    r"""
exporters:
  coralogix:
    domain: "eu2.coralogix.com"
    private_key: "«coralogix»"
    application_name: "checkout"
    subsystem_name: "otel-gateway"
    timeout: 30s
""",
)
P(
    "yaml",
    "promtail client basic auth",
    r"""
server:
  http_listen_port: 9080
  grpc_listen_port: 0
positions:
  filename: /tmp/positions.yaml
clients:
  - url: https://logs-prod-eu-west-0.grafana.net/loki/api/v1/push
    basic_auth:
      username: ‹digits:6›
      password: «glc»
scrape_configs:
  - job_name: journal
    journal:
      max_age: 12h
      labels:
        job: systemd-journal
""",
)
P(
    "yaml",
    "promtail loki tenant bearer",
    r"""
clients:
  - url: https://loki-gateway.obs.example.net/loki/api/v1/push
    tenant_id: ops
    bearer_token: «bearer:64»
    batchwait: 1s
    batchsize: 1048576
    external_labels:
      host: ‹pod›
""",
)
P(
    "yaml",
    "kubernetes secret stringData alertmanager",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: alertmanager-receivers
  namespace: monitoring
type: Opaque
stringData:
  slack-url: https://hooks.slack.com/services/‹slackT›/‹slackB›/«hook24»
  pagerduty-key: «pdkey»
""",
)
P(
    "yaml",
    "kubernetes secret data base64 dd",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: datadog-secret
  namespace: datadog
  labels:
    app.kubernetes.io/managed-by: Helm
type: Opaque
data:
  api-key: «ddapi|b64»
  app-key: «ddapp|b64»
""",
)
P(
    "yaml",
    "kubernetes secret grafana admin",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: grafana-admin
  namespace: monitoring
  annotations:
    meta.helm.sh/release-name: kube-prometheus-stack
type: Opaque
data:
  admin-user: YWRtaW4=
  admin-password: «pw|b64»
  ldap-toml: ""
""",
)
P(
    "yaml",
    "kubernetes deployment env literal",
    r"""
    spec:
      containers:
        - name: statsd-exporter
          image: prom/statsd-exporter:v0.26.1
        - name: sentry-relay
          image: getsentry/relay:24.10.0
          env:
            - name: RELAY_MODE
              value: managed
            - name: SENTRY_AUTH_TOKEN
              value: «sntryu»
            - name: RELAY_UPSTREAM_URL
              value: https://sentry.io
""",
)
P(
    "yaml",
    "blackbox exporter module basic auth",
    r"""
modules:
  http_2xx_auth:
    prober: http
    timeout: 10s
    http:
      valid_status_codes: [200, 204]
      method: GET
      preferred_ip_protocol: ip4
      basic_auth:
        username: probe
        password: «pw»
      fail_if_not_ssl: true
  tcp_connect:
    prober: tcp
""",
)
P(
    "yaml",
    "blackbox exporter bearer",
    r"""
modules:
  api_health:
    prober: http
    http:
      headers:
        Authorization: Bearer «jwt»
        Accept: application/json
      fail_if_body_not_matches_regexp:
        - '"status":"ok"'
""",
)
P(
    "yaml",
    "snmp exporter auth v3",
    r"""
auths:
  public_v2:
    community: public
    version: 2
  core_v3:
    version: 3
    username: snmp-monitor
    security_level: authPriv
    password: «pw»
    auth_protocol: SHA
    priv_protocol: AES
    priv_password: «rpw»
modules:
  if_mib:
    walk: [sysUpTime, interfaces, ifXTable]
""",
)
P(
    "yaml",
    "snmp exporter custom community",
    r"""
auths:
  dc1_switches:
    community: «lower:12»
    security_level: noAuthNoPriv
    version: 2
""",
)
P(
    "yaml",
    "fluent bit yaml output",
    r"""
pipeline:
  inputs:
    - name: tail
      path: /var/log/containers/*.log
      parser: cri
      tag: kube.*
  outputs:
    - name: es
      match: kube.*
      host: es.obs.example.net
      port: 9243
      http_user: fluentbit
      http_passwd: «anypw»
      tls: on
      suppress_type_name: on
""",
)
P(
    "yaml",
    "vector yaml sink",
    r"""
sinks:
  datadog_logs:
    type: datadog_logs
    inputs: [parse_nginx]
    default_api_key: «ddapi»
    site: datadoghq.com
    compression: gzip
  loki:
    type: loki
    inputs: [parse_nginx]
    endpoint: https://loki.obs.example.net
    auth:
      strategy: basic
      user: vector
      password: «pw»
    encoding:
      codec: json
    labels:
      source: nginx
""",
)
P(
    "yaml",
    "elastic agent output",
    r"""
outputs:
  default:
    type: elasticsearch
    hosts: ["https://‹lower:10›.es.eu-west-1.aws.found.io:443"]
    api_key: "«esid»:«eskey»"
    ssl.verification_mode: full
agent:
  monitoring:
    enabled: true
    logs: true
""",
)
P(
    "yaml",
    "filebeat output elasticsearch password",
    r"""
filebeat.inputs:
  - type: filestream
    id: nginx-access
    paths:
      - /var/log/nginx/access.log
output.elasticsearch:
  hosts: ["es-01.internal:9200", "es-02.internal:9200"]
  protocol: "https"
  username: "filebeat_writer"
  password: "«pw»"
  ssl.certificate_authorities: ["/etc/filebeat/ca.crt"]
setup.kibana:
  host: "https://kibana.internal:5601"
""",
)
P(
    "yaml",
    "metricbeat cloud auth",
    r"""
cloud.id: "prod-observability:‹b64:60›"
cloud.auth: "elastic:«rpw:24»"
metricbeat.modules:
  - module: system
    period: 10s
    metricsets: [cpu, load, memory, network]
""",
)
P(
    "yaml",
    "checkly synthetic env",
    r"""
# checkly.config.yaml generated by the CLI
projectName: storefront-synthetics
logicalId: storefront-synthetics
checks:
  locations: [eu-west-1, us-east-1]
  runtimeId: '2024.09'
  environmentVariables:
    - key: LOGIN_EMAIL
      value: synthetic-user@example.com
    - key: LOGIN_PASSWORD
      value: «pw»
      secret: false
""",
)
P(
    "yaml",
    "datadog synthetics test as yaml",
    r"""
name: "Checkout login flow"
type: browser
locations: ["aws:eu-central-1"]
config:
  variables:
    - name: USERNAME
      type: text
      example: qa-bot@example.com
    - name: PASSWORD
      type: text
      pattern: "«pw»"
options:
  tick_every: 900
""",
)
P(
    "yaml",
    "grafana agent flow river-like helm",
    r"""
alloy:
  configMap:
    content: |
      prometheus.remote_write "cloud" {
        endpoint {
          url = "https://prometheus-prod-13-prod-us-east-0.grafana.net/api/prom/push"
          basic_auth {
            username = "‹digits:7›"
            password = "«glc»"
          }
        }
      }
""",
)
P(
    "yaml",
    "tempo config s3 backend",
    r"""
storage:
  trace:
    backend: s3
    s3:
      bucket: tempo-traces-prod
      endpoint: minio.obs.svc:9000
      access_key: tempo
      secret_key: «rpw:40»
      insecure: true
    wal:
      path: /var/tempo/wal
""",
)
P(
    "yaml",
    "loki config azure storage",
    r"""
storage_config:
  azure:
    account_name: lokichunksprod
    account_key: «b64:64»
    container_name: loki
    use_managed_identity: false
    request_timeout: 30s
schema_config:
  configs:
    - from: 2024-04-01
      store: tsdb
      object_store: azure
      schema: v13
""",
)
P(
    "yaml",
    "github actions deploy marker",
    r"""
      - name: Create Datadog deployment event
        run: |
          curl -sS -X POST "https://api.datadoghq.com/api/v1/events" \
            -H "DD-API-KEY: «ddapi»" \
            -H "Content-Type: application/json" \
            -d '{"title":"Deploy ${{ github.sha }}","tags":["env:prod"]}'
""",
)
P(
    "yaml",
    "sentry helm values",
    r"""
user:
  create: true
  email: admin@sentry.local
  password: «pw»
sentry:
  web:
    replicas: 2
system:
  url: https://sentry.internal.example.com
  secretKey: '«rpw:50»'
""",
)
P(
    "yaml",
    "grafana oncall helm values",
    r"""
base_url: oncall.example.com
oncall:
  slack:
    enabled: true
    clientId: "‹digits:12›.‹digits:13›"
    clientSecret: «hex:32»
    signingSecret: «hex:32»
  telegram:
    enabled: false
grafana:
  enabled: false
externalGrafana:
  url: https://grafana.example.com
""",
)
P(
    "yaml",
    "keda scaledobject prometheus auth secret",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: keda-prom-secret
  namespace: workers
stringData:
  bearerToken: «jwt»
---
apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata:
  name: keda-prom-creds
spec:
  secretTargetRef:
    - parameter: bearerToken
      name: keda-prom-secret
      key: bearerToken
""",
)
P(
    "yaml",
    "statuspage terraform vars yaml",
    r"""
# ops/statuspage/vars.yaml
statuspage:
  page_id: ‹lower:12›
  api_key: «uuid»
  components:
    - name: API
      group: Core
    - name: Dashboard
      group: Core
""",
)
P(
    "yaml",
    "uptime kuma docker compose env",
    r"""
services:
  uptime-kuma:
    image: louislam/uptime-kuma:1
    volumes:
      - ./data:/app/data
    ports:
      - "3001:3001"
  healthchecks:
    image: healthchecks/healthchecks:v3.6
    environment:
      - DB=postgres
      - DB_HOST=db
      - DB_PASSWORD=«pw»
      - SECRET_KEY=«rpw:50»
      - SITE_ROOT=https://hc.example.com
""",
)
P(
    "yaml",
    "zabbix agent helm psk",
    r"""
zabbixAgent:
  env:
    - name: ZBX_SERVER_HOST
      value: zabbix-server.monitoring
    - name: ZBX_TLSCONNECT
      value: psk
    - name: ZBX_TLSPSKIDENTITY
      value: k8s-node-psk
    - name: ZBX_TLSPSK
      value: «hex:64»
""",
)
P(
    "yaml",
    "instana agent configuration",
    r"""
instana:
  agent:
    key: «instana»
    downloadKey: «instana»
    endpointHost: ingress-red-saas.instana.io
    endpointPort: 443
  zone:
    name: prod-eu
cluster:
  name: prod-eu-1
""",
)
P(
    "yaml",
    "sumologic collection helm",
    r"""
sumologic:
  accessId: ‹sumoid›
  accessKey: «sumokey»
  clusterName: prod-eu-1
  collectorName: k8s-prod-eu-1
  metrics:
    enabled: true
  logs:
    enabled: true
""",
)
P(
    "yaml",
    "honeycomb refinery config",
    r"""
General:
  ConfigurationVersion: 2
  MinRefineryVersion: v2.0
Network:
  ListenAddr: 0.0.0.0:8080
AccessKeys:
  ReceiveKeys:
    - «hcingest»
  AcceptOnlyListedKeys: true
Collection:
  AvailableMemory: 4Gb
""",
)
P(
    "yaml",
    "cloudflare exporter env in comment",
    r"""
  - job_name: 'cloudflare'
    scrape_interval: 60s
    static_configs:
      - targets: ['cloudflare-exporter:8080']
# cloudflare-exporter env
#   CF_API_TOKEN=«cftoken»
#   CF_ZONES=‹hex:32›
""",
)
P(
    "yaml",
    "grafana ldap toml in values",
    r"""
grafana.ini:
  auth.ldap:
    enabled: true
    config_file: /etc/grafana/ldap.toml
ldap:
  enabled: true
  config: |-
    [[servers]]
    host = "ldap.corp.example.com"
    port = 636
    use_ssl = true
    bind_dn = "cn=grafana,ou=svc,dc=corp,dc=example,dc=com"
    bind_password = "«pw»"
    search_filter = "(sAMAccountName=%s)"
    search_base_dns = ["dc=corp,dc=example,dc=com"]
""",
)
P(
    "yaml",
    "grafana oauth azuread values",
    r"""
grafana.ini:
  server:
    root_url: https://grafana.ops.example.com
  auth.azuread:
    name: Azure AD
    enabled: true
    allow_sign_up: true
    client_id: ‹uuid›
    client_secret: «azsecret»
    scopes: openid email profile
    auth_url: https://login.microsoftonline.com/‹uuid›/oauth2/v2.0/authorize
""",
)
P(
    "yaml",
    "grafana github oauth values",
    r"""
  auth.github:
    enabled: true
    client_id: Iv1.‹hex:16›
    client_secret: «ghsecret»
    allowed_organizations: acme-sre
    scopes: user:email,read:org
""",
)
P(
    "yaml",
    "logstash helm pipeline",
    r"""
logstashPipeline:
  logstash.conf: |
    input { beats { port => 5044 } }
    output {
      elasticsearch {
        hosts => ["https://es-master:9200"]
        user => "logstash_internal"
        password => "«pw»"
        index => "app-%{+YYYY.MM.dd}"
      }
    }
""",
)
P(
    "yaml",
    "opentelemetry operator collector env",
    r"""
apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata:
  name: gateway
spec:
  mode: deployment
  env:
    - name: OTEL_EXPORTER_OTLP_HEADERS
      value: "x-honeycomb-team=«hckey»"
    - name: GOMEMLIMIT
      value: 1600MiB
""",
)
P(
    "yaml",
    "private key in tls secret for exporter",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: node-exporter-tls
  namespace: monitoring
type: kubernetes.io/tls
stringData:
  tls.crt: |
    ‹cert|indent4›
  tls.key: |
    «pem:ec|indent4»
""",
)


# ----------------------------------------------------------------------------- yaml, negatives
N(
    "yaml",
    "prometheus password_file reference",
    r"""
scrape_configs:
  - job_name: pushgateway
    scheme: https
    basic_auth:
      username: prom-scraper
      password_file: /etc/prometheus/secrets/pushgw-password
    static_configs:
      - targets: ['pushgw.internal.example.net:443']
  - job_name: kubernetes-apiservers
    kubernetes_sd_configs:
      - role: endpoints
    bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
""",
)
N(
    "yaml",
    "prometheus authorization credentials_file",
    r"""
remote_write:
  - url: https://mimir.obs.example.io/api/v1/push
    headers:
      X-Scope-OrgID: team-‹word›
    authorization:
      type: Bearer
      credentials_file: /var/run/secrets/mimir/token
    queue_config:
      max_shards: 30
""",
)
N(
    "yaml",
    "prometheus recording rules auth metrics",
    r"""
groups:
  - name: auth.rules
    interval: 1m
    rules:
      - record: job:auth_token_errors:rate5m
        expr: sum by (job) (rate(auth_token_errors_total[5m]))
      - record: job:api_key_requests:rate5m
        expr: sum by (job, key_type) (rate(api_key_requests_total{key_type!="internal"}[5m]))
      - alert: PasswordResetSpike
        expr: sum(rate(password_reset_requests_total[10m])) > 5
        for: 15m
        labels:
          severity: warning
        annotations:
          summary: "Password reset requests above 5/s for 15m"
          runbook_url: https://runbooks.example.com/auth/password-reset-spike
""",
)
N(
    "yaml",
    "alertmanager config show masked secret",
    r"""
global:
  resolve_timeout: 5m
  http_config:
    follow_redirects: true
    enable_http2: true
  smtp_hello: localhost
  smtp_require_tls: true
  slack_api_url: <secret>
  pagerduty_url: https://events.pagerduty.com/v2/enqueue
  opsgenie_api_url: https://api.opsgenie.com/
  opsgenie_api_key: <secret>
route:
  receiver: pagerduty-critical
  group_by:
  - alertname
  - cluster
receivers:
- name: pagerduty-critical
  pagerduty_configs:
  - send_resolved: true
    routing_key: <secret>
    url: https://events.pagerduty.com/v2/enqueue
""",
)
N(
    "yaml",
    "alertmanager file references",
    r"""
global:
  slack_api_url_file: /etc/alertmanager/secrets/slack-url
receivers:
  - name: pagerduty-db
    pagerduty_configs:
      - routing_key_file: /etc/alertmanager/secrets/pd-routing-key
  - name: opsgenie-sre
    opsgenie_configs:
      - api_key_file: /etc/alertmanager/secrets/opsgenie-key
        responders:
          - name: SRE
            type: team
""",
)
N(
    "yaml",
    "alertmanager helm values templated",
    r"""
alertmanager:
  config:
    global:
      slack_api_url: '{{ .Values.alerting.slackWebhook }}'
    receivers:
      - name: pagerduty
        pagerduty_configs:
          - routing_key: '{{ .Values.alerting.pagerdutyRoutingKey }}'
      - name: "null"
    route:
      group_by: ['namespace']
      receiver: pagerduty
""",
)
N(
    "yaml",
    "alertmanager route tree with ids",
    r"""
route:
  receiver: default
  group_by: [alertname, service]
  routes:
    - matchers:
        - service="payments"
        - severity=~"critical|page"
      receiver: pd-payments
      continue: false
    - matchers:
        - alertname=~"Watchdog|InfoInhibitor"
      receiver: "null"
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [cluster, service]
# pd-payments -> PagerDuty service ‹pdid› (escalation policy ‹pdid›)
""",
)
N(
    "yaml",
    "grafana datasource env references",
    r"""
apiVersion: 1
datasources:
  - name: Loki
    type: loki
    url: https://logs-prod-012.grafana.net
    basicAuth: true
    basicAuthUser: ${LOKI_USER}
    secureJsonData:
      basicAuthPassword: ${GRAFANA_CLOUD_TOKEN}
  - name: Postgres
    type: postgres
    url: pg-replica.internal:5432
    user: grafana_ro
    secureJsonData:
      password: $__file{/etc/secrets/pg/password}
""",
)
N(
    "yaml",
    "grafana dashboard provider",
    r"""
apiVersion: 1
providers:
  - name: sre-dashboards
    orgId: 1
    folder: SRE
    folderUid: ‹dashuid›
    type: file
    disableDeletion: false
    updateIntervalSeconds: 30
    allowUiUpdates: true
    options:
      path: /var/lib/grafana/dashboards/sre
      foldersFromFilesStructure: true
""",
)
N(
    "yaml",
    "helm values secretKeyRef",
    r"""
datadog:
  apiKeyExistingSecret: datadog-secret
  appKeyExistingSecret: datadog-secret
  site: datadoghq.eu
  env:
    - name: DD_POSTGRES_PASSWORD
      valueFrom:
        secretKeyRef:
          name: postgres-monitoring
          key: password
    - name: DD_API_KEY
      valueFrom:
        secretKeyRef:
          name: datadog-secret
          key: api-key
""",
)
N(
    "yaml",
    "otel collector env expansion",
    r"""
exporters:
  otlphttp/honeycomb:
    endpoint: https://api.honeycomb.io
    headers:
      x-honeycomb-team: ${env:HONEYCOMB_API_KEY}
  datadog:
    api:
      site: ${env:DD_SITE}
      key: ${env:DD_API_KEY}
  otlp/newrelic:
    endpoint: otlp.nr-data.net:4317
    headers:
      api-key: ${file:/var/secrets/newrelic/license}
""",
)
N(
    "yaml",
    "otel collector attributes processor dropping auth",
    r"""
processors:
  attributes/scrub:
    actions:
      - key: http.request.header.authorization
        action: delete
      - key: db.statement
        action: hash
      - key: user.password
        action: delete
      - key: api_key
        pattern: ^.*$
        action: delete
  redaction:
    allow_all_keys: true
    blocked_values:
      - "4[0-9]{12}(?:[0-9]{3})?"
      - "(?i)bearer\\s+[a-z0-9._-]+"
""",
)
N(
    "yaml",
    "sops encrypted alertmanager",
    r"""
receivers:
    - name: pagerduty-critical
      pagerduty_configs:
        - routing_key: ‹sops›
    - name: slack
      slack_configs:
        - api_url: ‹sops›
sops:
    kms: []
    age:
        - recipient: ‹age›
          enc: |
            ‹ageenc|indent12›
    lastmodified: "‹ts›"
    mac: ENC[AES256_GCM,data:‹b64:32›,iv:‹b64:32›,tag:‹b64:16›,type:str]
    version: 3.9.1
""",
)
N(
    "yaml",
    "sealed secret opsgenie",
    r"""
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: opsgenie-key
  namespace: monitoring
spec:
  encryptedData:
    api-key: ‹sealed›
  template:
    metadata:
      name: opsgenie-key
      namespace: monitoring
""",
)
N(
    "yaml",
    "ansible vars vaulted datadog",
    r"""
datadog_site: datadoghq.eu
datadog_api_key: "{{ vault_datadog_api_key }}"
datadog_checks:
  postgres:
    instances:
      - host: localhost
        username: datadog
        password: "{{ vault_pg_datadog_password }}"
vault_pg_datadog_password: !vault |
  ‹vault:2›
""",
)
N(
    "yaml",
    "external secrets operator",
    r"""
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: grafana-cloud-token
  namespace: monitoring
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: aws-secrets-manager
    kind: ClusterSecretStore
  target:
    name: grafana-cloud-token
  data:
    - secretKey: token
      remoteRef:
        key: prod/observability/grafana-cloud
        property: write_token
""",
)
N(
    "yaml",
    "kubernetes servicemonitor",
    r"""
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: payments-api
  namespace: payments
  labels:
    release: kube-prometheus-stack
spec:
  selector:
    matchLabels:
      app: payments-api
  endpoints:
    - port: metrics
      interval: 30s
      basicAuth:
        username:
          name: payments-metrics-auth
          key: username
        password:
          name: payments-metrics-auth
          key: password
""",
)
N(
    "yaml",
    "prometheus tls config with ca cert",
    r"""
  - job_name: etcd
    scheme: https
    tls_config:
      ca: |
        ‹cert|indent8›
      cert_file: /etc/prometheus/etcd/client.crt
      key_file: /etc/prometheus/etcd/client.key
    static_configs:
      - targets: ['‹ip›:2379', '‹ip›:2379', '‹ip›:2379']
""",
)
N(
    "yaml",
    "snmp exporter default public community",
    r"""
auths:
  public_v1:
    version: 1
  public_v2:
    community: public
    version: 2
modules:
  if_mib:
    walk:
      - 1.3.6.1.2.1.2
      - 1.3.6.1.2.1.31.1.1
    lookups:
      - source_indexes: [ifIndex]
        lookup: ifAlias
""",
)
N(
    "yaml",
    "loki ruler alert logql password",
    r"""
groups:
  - name: auth-logs
    rules:
      - alert: BruteForceLogin
        expr: |
          sum by (namespace) (
            count_over_time({app="auth"} |= "invalid password" | json | status="401" [5m])
          ) > 100
        for: 10m
        labels:
          severity: page
        annotations:
          summary: More than 100 invalid password attempts in 5m in {{ $labels.namespace }}
      - alert: LeakedTokenInLogs
        expr: sum(count_over_time({namespace="prod"} |~ "(?i)(api[_-]?key|token)=[A-Za-z0-9]{20,}" [15m])) > 0
""",
)
N(
    "yaml",
    "helm values placeholders",
    r"""
# values.yaml - copy to values-prod.yaml and fill in
newrelic-infrastructure:
  licenseKey: "<YOUR_NEW_RELIC_LICENSE_KEY>"
global:
  cluster: my-cluster
sentry:
  dsn: ""
  authToken: "changeme"
pagerduty:
  routingKey: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
""",
)
N(
    "yaml",
    "github actions secrets references",
    r"""
      - name: Upload sourcemaps
        env:
          SENTRY_AUTH_TOKEN: ${{ secrets.SENTRY_AUTH_TOKEN }}
          SENTRY_ORG: acme
          SENTRY_PROJECT: storefront
        run: |
          npx @sentry/cli releases new "$GITHUB_SHA"
          npx @sentry/cli sourcemaps upload --release "$GITHUB_SHA" dist/
      - name: Notify Datadog
        run: datadog-ci deployment mark --env prod --revision ${{ github.sha }}
        env:
          DATADOG_API_KEY: ${{ secrets.DD_API_KEY }}
""",
)
N(
    "yaml",
    "promtail pipeline replace secrets",
    r"""
scrape_configs:
  - job_name: app
    static_configs:
      - targets: [localhost]
        labels:
          job: app
          __path__: /var/log/app/*.log
    pipeline_stages:
      - replace:
          expression: '(?:password|token|api_key)=(\S+)'
          replace: '****'
      - labeldrop: [filename]
""",
)
N(
    "yaml",
    "kubernetes configmap otel trace ids",
    r"""
apiVersion: v1
kind: ConfigMap
metadata:
  name: otel-sampling
  namespace: observability
  uid: ‹uuid›
  resourceVersion: "‹digits:8›"
data:
  policy.yaml: |
    keep_traces:
      - ‹trace›
      - ‹trace›
    debug_span: ‹span›
    sampling_percentage: 10
""",
)
N(
    "yaml",
    "datadog agent conf with ENC handles",
    r"""
api_key: ENC[datadog_api_key]
secret_backend_command: /opt/datadog-agent/bin/secret-backend
secret_backend_arguments:
  - --provider
  - aws-secrets-manager
instances:
  - host: orders-db.internal
    username: datadog
    password: ENC[orders_db_monitoring_password]
""",
)
N(
    "yaml",
    "vector sink env references",
    r"""
sinks:
  honeycomb:
    type: honeycomb
    inputs: [app_logs]
    api_key: "${HONEYCOMB_API_KEY}"
    dataset: app-logs
  splunk:
    type: splunk_hec_logs
    inputs: [app_logs]
    endpoint: https://splunk-hec.example.com:8088
    default_token: "${SPLUNK_HEC_TOKEN:?missing token}"
    encoding:
      codec: json
""",
)
N(
    "yaml",
    "elastic agent policy with secret ref",
    r"""
outputs:
  default:
    type: elasticsearch
    hosts: ["https://es.obs.example.net:443"]
    api_key: ${ES_API_KEY}
    ssl.certificate_authorities:
      - /etc/elastic-agent/certs/ca.crt
inputs:
  - type: system/metrics
    id: system-metrics
    use_output: default
""",
)
N(
    "yaml",
    "grafana alert rule provisioning",
    r"""
apiVersion: 1
groups:
  - orgId: 1
    name: api-latency
    folder: SRE
    interval: 1m
    rules:
      - uid: ‹dashuid›
        title: p99 above SLO
        condition: C
        data:
          - refId: A
            datasourceUid: ‹dashuid›
            model:
              expr: histogram_quantile(0.99, sum by (le) (rate(http_server_duration_seconds_bucket{route="/api/v1/token"}[5m])))
        annotations:
          __dashboardUid__: ‹dashuid›
          __panelId__: "12"
""",
)
N(
    "yaml",
    "cert-manager certificate for grafana",
    r"""
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: grafana-tls
  namespace: monitoring
spec:
  secretName: grafana-tls
  dnsNames:
    - grafana.ops.example.com
  issuerRef:
    name: letsencrypt-prod
    kind: ClusterIssuer
status:
  notAfter: "‹ts›"
  revision: 7
""",
)
N(
    "yaml",
    "runbook yaml with masked keys",
    r"""
service: checkout
oncall:
  pagerduty_service: ‹pdid›
  escalation_policy: ‹pdid›
  slack_channel: ‹slackC›
integrations:
  datadog:
    api_key: "****************************‹hex:4›"
    monitors: [‹digits:8›, ‹digits:8›]
  sentry:
    project_id: ‹digits:7›
    auth_token: "[REDACTED]"
""",
)
N(
    "yaml",
    "argo rollouts analysis template prometheus",
    r"""
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: success-rate
spec:
  args:
    - name: service-name
  metrics:
    - name: success-rate
      interval: 1m
      successCondition: result[0] >= 0.95
      provider:
        prometheus:
          address: http://prometheus.monitoring.svc:9090
          query: |
            sum(rate(http_requests_total{service="{{args.service-name}}",code!~"5.."}[2m])) /
            sum(rate(http_requests_total{service="{{args.service-name}}"}[2m]))
""",
)
N(
    "yaml",
    "docker compose observability stack refs",
    r"""
services:
  grafana:
    image: grafana/grafana:11.3.0
    environment:
      GF_SECURITY_ADMIN_PASSWORD__FILE: /run/secrets/grafana_admin
      GF_AUTH_ANONYMOUS_ENABLED: "false"
    secrets:
      - grafana_admin
  otel-collector:
    image: otel/opentelemetry-collector-contrib:0.112.0
    environment:
      - DD_API_KEY
      - HONEYCOMB_API_KEY=${HONEYCOMB_API_KEY}
secrets:
  grafana_admin:
    file: ./secrets/grafana_admin.txt
""",
)
N(
    "yaml",
    "sentry relay config public keys",
    r"""
relay:
  mode: managed
  upstream: https://sentry.io/
  host: 0.0.0.0
  port: 3000
credentials:
  # relay credentials live in credentials.json (not committed)
  public_key: ‹b64u:43›
  id: ‹uuid›
""",
)
N(
    "yaml",
    "checkly config env secret refs",
    r"""
checks:
  environmentVariables:
    - key: LOGIN_EMAIL
      value: synthetic-user@example.com
    - key: LOGIN_PASSWORD
      value: "{{LOGIN_PASSWORD}}"
      secret: true
  locations: [eu-west-1]
  tags: [storefront, login]
""",
)
N(
    "yaml",
    "opsgenie team terraform yaml export ids",
    r"""
teams:
  - name: SRE
    id: ‹uuid›
    members:
      - username: ‹name›@example.com
        role: admin
      - username: ‹name›@example.com
        role: user
heartbeats:
  - name: prometheus-watchdog
    interval: 5
    interval_unit: minutes
    owner_team_id: ‹uuid›
""",
)
N(
    "yaml",
    "kustomize secret generator from files",
    r"""
secretGenerator:
  - name: alertmanager-secrets
    namespace: monitoring
    files:
      - slack-url=secrets/slack-url.txt
      - pd-routing-key=secrets/pd-routing-key.txt
    options:
      disableNameSuffixHash: true
generatorOptions:
  labels:
    app.kubernetes.io/part-of: monitoring
""",
)
N(
    "yaml",
    "promtool test rules",
    r"""
rule_files:
  - auth.rules.yml
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'auth_token_errors_total{job="auth",reason="expired"}'
        values: '0+10x10'
      - series: 'api_key_requests_total{job="gateway",key_type="partner"}'
        values: '0+60x10'
    promql_expr_test:
      - expr: job:auth_token_errors:rate5m
        eval_time: 10m
        exp_samples:
          - labels: 'job:auth_token_errors:rate5m{job="auth"}'
            value: 0.16666666666666666
""",
)


# ----------------------------------------------------------------------------- plain, positives
P(
    "plain",
    "nginx access log token query",
    r"""
‹ip› - - [07/Dec/2026:03:14:‹digits:2› +0000] "GET /api/v2/export?format=csv&token=«bearer:40» HTTP/1.1" 200 48213 "-" "python-requests/2.32.3" rt=0.412 uct=0.001 urt=0.410
‹ip› - - [07/Dec/2026:03:14:‹digits:2› +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.30" rt=0.001
""",
)
P(
    "plain",
    "access log api_key in query",
    r"""
{"time":"‹ts›","remote_addr":"‹pubip›","method":"POST","uri":"/v1/ingest?api_key=«ddapi»&source=fluentd","status":202,"bytes":0,"request_time":0.018,"upstream":"10.2.4.17:8080"}
""",
)
P(
    "plain",
    "debug log authorization header",
    r"""
2026-12-07 03:15:22,481 DEBUG urllib3.connectionpool Starting new HTTPS connection (1): api.pagerduty.com:443
2026-12-07 03:15:22,483 DEBUG pd_client.http send: b'GET /incidents?statuses[]=triggered HTTP/1.1\r\nHost: api.pagerduty.com\r\nAuthorization: Token token=«pdapi»\r\nAccept: application/vnd.pagerduty+json;version=2\r\n\r\n'
2026-12-07 03:15:22,911 DEBUG urllib3.connectionpool https://api.pagerduty.com:443 "GET /incidents?statuses%5B%5D=triggered HTTP/1.1" 200 None
""",
)
P(
    "plain",
    "go http dump bearer",
    r"""
level=debug ts=‹ts› caller=client.go:214 msg="outgoing request" dump="POST /api/v1/push HTTP/1.1\r\nHost: mimir.obs.example.io\r\nUser-Agent: Prometheus/2.54.1\r\nAuthorization: Bearer «bearer:64»\r\nContent-Encoding: snappy\r\nX-Prometheus-Remote-Write-Version: 0.1.0\r\n"
""",
)
P(
    "plain",
    "stack trace with connection string",
    r"""
Traceback (most recent call last):
  File "/app/worker/alert_sync.py", line 88, in sync
    conn = psycopg.connect(DSN)
  File "/usr/local/lib/python3.12/site-packages/psycopg/connection.py", line 119, in connect
    raise last_ex.with_traceback(None)
psycopg.OperationalError: connection failed: connection to server at "10.4.1.9", port 5432 failed: FATAL:  password authentication failed for user "oncall"
DSN was: postgresql://oncall:«pw|url»@10.4.1.9:5432/oncall?sslmode=require
""",
)
P(
    "plain",
    "java exception jdbc url",
    r"""
2026-12-07T03:20:11.902Z ERROR 1 --- [alert-poller-1] c.e.o.AlertPoller : Failed to poll
org.postgresql.util.PSQLException: FATAL: remaining connection slots are reserved for non-replication superuser connections
	at org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)
	at com.zaxxer.hikari.pool.HikariPool.checkFailFast(HikariPool.java:562)
Caused by: config dump: spring.datasource.url=jdbc:postgresql://pg-primary:5432/alerts?user=alerts_app&password=«pw»
""",
)
P(
    "plain",
    "service prints config at startup",
    r"""
Dec 07 03:02:14 mon-01 alert-router[8812]: starting alert-router v1.9.3 (commit ‹sha›)
Dec 07 03:02:14 mon-01 alert-router[8812]: config: listen=:9095 upstream=https://events.pagerduty.com/v2/enqueue routing_key=«pdkey» dedup_window=5m
Dec 07 03:02:14 mon-01 alert-router[8812]: config: slack_webhook=https://hooks.slack.com/services/‹slackT›/‹slackB›/«hook24»
Dec 07 03:02:15 mon-01 alert-router[8812]: ready
""",
)
P(
    "plain",
    "docker logs exporter printing dsn",
    r"""
time="‹ts›" level=info msg="Starting postgres_exporter" version="(version=0.15.0, branch=HEAD, revision=‹sha›)"
time="‹ts›" level=info msg="Established new database connection" fingerprint="pg-primary:5432"
time="‹ts›" level=debug msg="DATA_SOURCE_NAME=postgresql://postgres_exporter:«anypw|url»@pg-primary:5432/postgres?sslmode=disable"
time="‹ts›" level=info msg="Listening on address" address=:9187
""",
)
P(
    "plain",
    "incident slack chat paste key",
    r"""
[03:12] ‹name›: alerts stopped arriving in #payments-alerts around 02:40
[03:14] ‹name›: alertmanager says 404 from slack, webhook got revoked?
[03:15] ‹name›: made a new one, here: https://hooks.slack.com/services/‹slackT›/‹slackB›/«hook24»
[03:15] ‹name›: ok pushing to the secret, will restart alertmanager
[03:19] ‹name›: test alert received ✅
""",
)
P(
    "plain",
    "incident chat datadog key paste",
    r"""
‹name› 02:51 AM
agent on ip-10-3-8-22 is throwing 403 forbidden from intake
‹name› 02:53 AM
yeah the old key was revoked in the rotation yesterday. new api key is «ddapi» — put it in /etc/datadog-agent/datadog.yaml and restart
‹name› 02:55 AM
👍 metrics are flowing again
""",
)
P(
    "plain",
    "postmortem timeline rotated key",
    r"""
## Timeline (UTC)
- 14:02 Sentry alert: spike of `AuthenticationError: invalid api key` in billing-worker
- 14:09 ‹name› confirms the New Relic license key was committed in `deploy/newrelic.yml` (commit ‹sha:7›)
- 14:20 key revoked; new license key `«nrlicense»` generated and stored in Vault at `secret/billing/newrelic`
- 14:31 billing-worker redeployed, errors back to baseline
""",
)
P(
    "plain",
    "postmortem pasted command",
    r"""
### What we ran
To confirm the remote-write path we pushed a test sample by hand:

    curl -u ‹digits:7›:«glc» --data-binary @sample.snappy -H 'Content-Encoding: snappy' \
      https://prometheus-prod-10-prod-us-central-0.grafana.net/api/prom/push

It returned `200`, so the credentials were valid and the problem was on the relabelling side.
""",
)
P(
    "plain",
    "datadog-agent status excerpt leaking app key",
    r"""
==============
Agent (v7.58.2)
==============
  Status date: 2026-12-07 03:30:12.441 UTC (1765078212441)
  Agent start: 2026-12-07 03:28:47.003 UTC (1765078127003)
  Pid: 1931
  Go Version: go1.22.7
  Python Version: 3.11.10
  Log Level: debug
  Config File: /etc/datadog-agent/datadog.yaml

  DD_APP_KEY (env): «ddapp»

=========
Forwarder
=========
  Transactions
  ============
    Success: 1,204
""",
)
P(
    "plain",
    "journalctl grafana reset admin password",
    r"""
Dec 07 03:41:08 grafana-0 sudo[22190]:   ‹name› : TTY=pts/0 ; PWD=/home/‹name› ; USER=root ; COMMAND=/usr/sbin/grafana-cli admin reset-admin-password «pw»
Dec 07 03:41:08 grafana-0 sudo[22190]: pam_unix(sudo:session): session opened for user root(uid=0) by ‹name›(uid=1001)
Dec 07 03:41:09 grafana-0 sudo[22190]: pam_unix(sudo:session): session closed for user root
""",
)
P(
    "plain",
    "span attributes authorization",
    r"""
Span #14
    Trace ID       : ‹trace›
    Parent ID      : ‹span›
    ID             : ‹span›
    Name           : GET /internal/metrics
    Kind           : Client
    Start time     : 2026-12-07 03:12:44.120391 +0000 UTC
    End time       : 2026-12-07 03:12:44.301876 +0000 UTC
Attributes:
     -> http.request.method: Str(GET)
     -> url.full: Str(https://metrics-proxy.internal/federate)
     -> http.request.header.authorization: Slice(["Basic «basic»"])
     -> http.response.status_code: Int(200)
""",
)
P(
    "plain",
    "span db.statement identified by",
    r"""
ResourceSpans #0
Resource attributes:
     -> service.name: Str(user-admin)
ScopeSpans #0
Span #3
    Trace ID       : ‹trace›
    ID             : ‹span›
    Name           : mysql.query
Attributes:
     -> db.system: Str(mysql)
     -> db.statement: Str(CREATE USER 'grafana_reader'@'%' IDENTIFIED BY '«pw»')
     -> db.user: Str(root)
""",
)
P(
    "plain",
    "kubectl logs vector config dump",
    r"""
2026-12-07T03:02:11.118Z  INFO vector::app: Log level is enabled. level="info"
2026-12-07T03:02:11.121Z  INFO vector::app: Loading configs. paths=["/etc/vector"]
2026-12-07T03:02:11.214Z  WARN vector::config: sink "splunk": default_token = "«UUID»" is set in plain text; consider using a secret backend
2026-12-07T03:02:11.402Z  INFO vector::topology::running: Running healthchecks.
""",
)
P(
    "plain",
    "fluent bit startup debug",
    r"""
[2026/12/07 03:05:01] [ info] [fluent bit] version=3.1.9, commit=‹sha:10›, pid=1
[2026/12/07 03:05:01] [debug] [output:splunk:splunk.0] splunk_token='Splunk «UUID»'
[2026/12/07 03:05:01] [ info] [output:splunk:splunk.0] worker #0 started
[2026/12/07 03:05:01] [ info] [sp] stream processor started
""",
)
P(
    "plain",
    "sentry-cli info output",
    r"""
Sentry Server: https://sentry.io
Default Organization: acme
Default Project: storefront

Authentication Info:
  Method: Auth Token
  User: ‹name›@example.com
  Scopes:
    - project:releases
    - org:read
  Token (from SENTRY_AUTH_TOKEN): «sntrys»
""",
)
P(
    "plain",
    "legacy sentry dsn with secret",
    r"""
2026-12-07 03:44:01 [raven] INFO Sentry is attempting to send 1 pending error messages
2026-12-07 03:44:01 [raven] DEBUG Configuring Raven for host: https://‹hex:32›:«hex:32»@sentry.internal.example.com/14
2026-12-07 03:44:02 [raven] INFO Sent event ‹hex:32›
""",
)
P(
    "plain",
    "incident doc pagerduty api key",
    r"""
Incident INC-‹digits:4› — escalation bot silent
Owner: ‹name›
Notes:
* bot uses the REST API key of the service account pd-bot@example.com
* key (until rotated): «pdapi»
* PD service ‹pdid›, escalation policy ‹pdid›
* next step: move the key to Vault path secret/oncall/pd-bot
""",
)
P(
    "plain",
    "opsgenie heartbeat curl in runbook text",
    r"""
Runbook: Watchdog heartbeat missing

1. Check that Alertmanager is up: https://alertmanager.prod.example.com/#/status
2. Ping the heartbeat by hand to reset it:
   curl -X GET 'https://api.opsgenie.com/v2/heartbeats/prometheus-watchdog/ping' --header 'Authorization: GenieKey «uuid»'
3. If the heartbeat still expires, page the platform team.
""",
)
P(
    "plain",
    "chatops bot token in error",
    r"""
2026-12-07 03:50:13 ERROR slack_sdk.web.base_client Failed to send a request to Slack API server: <urlopen error [Errno 110] Connection timed out>
2026-12-07 03:50:13 DEBUG slack_sdk.web.base_client Sending a request - url: https://slack.com/api/chat.postMessage, query_params: {}, body_params: {}, files: {}, json_body: {'channel': '‹slackC›', 'text': ':rotating_light: SEV2 declared'}, headers: {'Content-Type': 'application/json;charset=utf-8', 'Authorization': '(redacted)', 'User-Agent': 'Python/3.12.7 slackclient/3.33.1'}
2026-12-07 03:50:14 DEBUG incident_bot.config SLACK_BOT_TOKEN=«slackbot»
""",
)
P(
    "plain",
    "zulip bot zuliprc content",
    r"""
$ cat ~/.zuliprc
[api]
email=alert-bot@zulip.example.com
key=«zulip»
site=https://zulip.example.com
""",
)
P(
    "plain",
    "honeycomb key in beeline log",
    r"""
2026-12-07T03:55:21Z beeline: WriteKey=«hckey» Dataset=api-server ServiceName=api-server APIHost=https://api.honeycomb.io SampleRate=1
2026-12-07T03:55:21Z beeline: sending batch of 50 events
""",
)
P(
    "plain",
    "elastic api key created output",
    r"""
POST /_security/api_key
{
  "id" : "‹esid›",
  "name" : "filebeat-prod-writer",
  "expiration" : ‹epochms›,
  "api_key" : "«eskey»",
  "encoded" : "«esapi»"
}
""",
)
P(
    "plain",
    "splunk outputs conf pasted in ticket",
    r"""
Ticket OPS-‹digits:4›: forwarder on app-17 not sending
The outputs.conf on that host:

[tcpout]
defaultGroup = primary_indexers

[tcpout:primary_indexers]
server = idx1.splunk.internal:9997, idx2.splunk.internal:9997
sslPassword = «pw»
useACK = true
""",
)
P(
    "plain",
    "status page incident draft with api curl",
    r"""
Draft comms (do not post yet):
"We're investigating elevated error rates on the Checkout API."

to post it from the terminal:
curl https://api.statuspage.io/v1/pages/‹lower:12›/incidents -H "Authorization: OAuth «uuid»" -d "incident[name]=Elevated errors on Checkout API" -d "incident[status]=investigating"
""",
)
P(
    "plain",
    "uptime robot monitor note",
    r"""
UptimeRobot setup for the new region:
- main API key (account): «uptimerobot»
- monitors: api-eu (‹digits:9›), web-eu (‹digits:9›)
- alert contacts: sre-oncall (‹digits:7›)
""",
)
P(
    "plain",
    "better stack heartbeat",
    r"""
cron job wrapper prints on failure:
[backup.sh] pinging https://uptime.betterstack.com/api/v1/heartbeat/«betterstack»/fail
[backup.sh] exit code 3 - pg_dump: error: connection to server failed
""",
)
P(
    "plain",
    "incident.io api key in chat",
    r"""
‹name›: can someone give me an incident.io key for the status sync script?
‹name›: use the read-only one for now: «bearer:64»
‹name›: thanks, will put it in 1password after
""",
)
P(
    "plain",
    "firehydrant bot token",
    r"""
firehydrant-cli v0.4.2
Using API endpoint https://api.firehydrant.io/v1
Authenticated as bot "incident-sync" with token «fhb»
Created incident ‹uuid› (SEV2: Payments latency)
""",
)
P(
    "plain",
    "grafana server log service account",
    r"""
logger=context userId=0 orgId=1 uname= t=‹ts› level=info msg="Request Completed" method=GET path=/api/dashboards/uid/‹dashuid› status=401 remote_addr=10.1.4.8 time_ms=2 duration=2.11ms size=40 referer= handler=/api/dashboards/uid/:uid
logger=auth t=‹ts› level=debug msg="token lookup" auth_header="Bearer «glsa»" result="expired service account token"
""",
)
P(
    "plain",
    "dynatrace oneagent install log",
    r"""
2026-12-07 03:58:01 UTC [INFO] Starting OneAgent installer 1.301.41
2026-12-07 03:58:01 UTC [INFO] Command line: --set-server=https://‹lower:8›.live.dynatrace.com/communication --set-tenant=‹lower:8› --set-tenant-token=«alnum:16» --set-infra-only=false
2026-12-07 03:58:03 UTC [INFO] Downloading from https://‹lower:8›.live.dynatrace.com/api/v1/deployment/installer/agent/unix/default/latest?arch=x86 with Api-Token «dynatrace»
""",
)
P(
    "plain",
    "logstash startup config print",
    r"""
[2026-12-07T04:01:12,441][INFO ][logstash.outputs.elasticsearch][main] New Elasticsearch output {:class=>"LogStash::Outputs::ElasticSearch", :hosts=>["https://es-master:9200"]}
[2026-12-07T04:01:12,443][DEBUG][logstash.outputs.elasticsearch][main] config LogStash::Outputs::ElasticSearch/@password = "«pw»"
[2026-12-07T04:01:12,447][INFO ][logstash.outputs.elasticsearch][main] Elasticsearch pool URLs updated {:changes=>{:removed=>[], :added=>[https://logstash_internal:xxxxxx@es-master:9200/]}}
""",
)
P(
    "plain",
    "env dump of exporter pod",
    r"""
$ kubectl exec -n monitoring deploy/pagerduty-exporter -- env
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HOSTNAME=pagerduty-exporter-‹pod›
PAGERDUTY_AUTH_TOKEN=«pdapi»
PAGERDUTY_SERVICE_REGEX=.*
KUBERNETES_SERVICE_HOST=10.96.0.1
KUBERNETES_PORT_443_TCP_PORT=443
HOME=/nonexistent
""",
)
P(
    "plain",
    "amtool silence with webhook in comment",
    r"""
ID                                    Matchers                     Ends At                  Created By  Comment
‹uuid›  alertname="SlackWebhookDown"  2026-12-07 08:00:00 UTC  ‹name›      new webhook is https://hooks.slack.com/services/‹slackT›/‹slackB›/«hook24» - old one revoked
‹uuid›  service="batch"               2026-12-07 06:00:00 UTC  ‹name›      planned maintenance
""",
)
P(
    "plain",
    "mattermost webhook in chat",
    r"""
@‹name› for the build failures channel use our mattermost hook: https://chat.example.org/hooks/«mmhook»
it posts as "ci-bot", channel override is allowed
""",
)
P(
    "plain",
    "twilio auth for sms paging",
    r"""
SMS fallback paging (if PagerDuty is down):
  account: ‹twiliosid›
  auth token: «hex:32»
  from: +1 415 555 0142
  script: ops/scripts/sms_page.py --to-oncall
""",
)
P(
    "plain",
    "temporary ssh key in incident chat",
    r"""
For the bastion during the incident use this temporary key (delete after):

«pem:ssh»

user: incident, host: bastion-eu.example.net, valid until 18:00 UTC
""",
)
P(
    "plain",
    "redis password in log",
    r"""
1:C 07 Dec 2026 04:10:02.118 # Redis version=7.2.5, bits=64, commit=00000000, modified=0, pid=1, just started
1:M 07 Dec 2026 04:10:02.119 * alert-dedup cache: connecting with requirepass «anypw»
1:M 07 Dec 2026 04:10:02.120 * Ready to accept connections tcp
""",
)
P(
    "plain",
    "postmortem grafana cloud api key leak",
    r"""
Root cause: a Grafana Cloud API key with the MetricsPublisher role (`«grafanakey»`) was printed in the CI log of job #‹digits:5› when `set -x` was on in `scripts/push_dashboards.sh`. The key has been deleted; dashboards are now pushed with a service account token from the CI secret store.
""",
)
P(
    "plain",
    "instana agent log key",
    r"""
2026-12-07 04:12:33,011 | INFO  | instana-agent | AgentBootstrap | Starting Instana agent 1.0.0.0-SNAPSHOT
2026-12-07 04:12:33,040 | INFO  | instana-agent | Backend | connecting to ingress-red-saas.instana.io:443 key=«instana» zone=prod-eu
""",
)
P(
    "plain",
    "logz.io shipper log",
    r"""
2026/12/07 04:13:02 logzio-sender: sending 412 logs to https://listener-eu.logz.io:8071/?token=«logzio»&type=k8s
2026/12/07 04:13:02 logzio-sender: response 200 OK
""",
)
P(
    "plain",
    "mezmo agent conf cat",
    r"""
$ sudo cat /etc/logdna.env
MZ_INGESTION_KEY=«hex:32»
MZ_HOSTNAME=web-07
MZ_TAGS=prod,web
MZ_LOG_DIRS=/var/log,/srv/app/logs
""",
)
P(
    "plain",
    "azure monitor connection string",
    r"""
2026-12-07T04:15:21.552Z [ApplicationInsights] Using connection string: InstrumentationKey=‹uuid›;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/;ApplicationId=‹uuid›
2026-12-07T04:15:21.553Z [ApplicationInsights] AAD auth: client_id=‹uuid› client_secret=«azsecret»
""",
)
P(
    "plain",
    "prometheus config reload error shows password",
    r"""
ts=‹ts› caller=main.go:1347 level=error msg="Failed to apply configuration" err="couldn't load configuration (--config.file=\"/etc/prometheus/prometheus.yml\"): parsing YAML file /etc/prometheus/prometheus.yml: yaml: line 41: found character that cannot start any token near `password: «rpw:20»`"
""",
)
P(
    "plain",
    "grafana.ini diff in review comment",
    r"""
‹name› commented on deploy/grafana/grafana.ini line 58:
> [security]
> admin_user = admin
> admin_password = «pw»
> secret_key = «alnum:32»

please don't commit these, use GF_SECURITY_ADMIN_PASSWORD__FILE instead
""",
)
P(
    "plain",
    "slack app manifest tokens in notes",
    r"""
ChatOps app "incident-commander" credentials (workspace acme):
App ID: A0‹upper:9›
Client ID: ‹digits:12›.‹digits:13›
Client Secret: «hex:32»
Signing Secret: «hex:32»
App-Level Token (connections:write): «slackapp»
Bot User OAuth Token: «slackbot»
""",
)
P(
    "plain",
    "user oauth token in postmortem",
    r"""
Contributing factor: the `/incident` slash command was installed with a user token (`«slackuser»`) belonging to ‹name›, so when ‹name› left the company the command stopped working. Action item: reinstall with a bot token.
""",
)
P(
    "plain",
    "checkly cli whoami",
    r"""
$ npx checkly whoami
You are currently on account "Acme Production" (‹uuid›) as ‹name›@example.com.
$ cat ~/.config/checkly/config.json | grep apiKey
  "apiKey": "«checkly»",
""",
)
P(
    "plain",
    "google chat webhook in chat",
    r"""
‹name›: the GChat space for sev1s posts via https://chat.googleapis.com/v1/spaces/AAAA‹b64u:7›/messages?key=AIza‹b64u:35›&token=«b64u:43»
‹name›: nice, adding it as a contact point
""",
)
P(
    "plain",
    "human password in incident chat",
    r"""
‹name›: grafana admin login isn't working after the upgrade
‹name›: try admin / «pw» - that's what I set with grafana-cli last week
‹name›: in, thanks. will reset it to something random after
""",
)
P(
    "plain",
    "vpn creds for noc in handover",
    r"""
NOC handover 2026-12-07 night shift
- Zabbix frontend: https://zabbix.noc.example.net (user noc-shift, password «pw»)
- Open incidents: INC-‹digits:4› (degraded), INC-‹digits:4› (monitoring)
- Nothing else pending
""",
)
P(
    "plain",
    "ldap bind in grafana log",
    r"""
logger=ldap t=‹ts› level=debug msg="Initializing external user" user=‹name›
logger=ldap t=‹ts› level=error msg="Failed to bind" error="LDAP Result Code 49 \"Invalid Credentials\"" bind_dn="cn=grafana,ou=svc,dc=corp,dc=example,dc=com" bind_password="«pw»"
""",
)
P(
    "plain",
    "kafka sasl log shipper",
    r"""
[2026-12-07 04:20:02,118] INFO [Producer clientId=log-shipper] Cluster ID: ‹b64u:22›
[2026-12-07 04:20:02,119] DEBUG sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="log-shipper" password="«rpw»";
""",
)


# ----------------------------------------------------------------------------- plain, negatives
N(
    "plain",
    "access log trace and request ids",
    r"""
‹ip› - - [07/Dec/2026:03:14:‹digits:2› +0000] "GET /api/v2/orders/‹digits:8› HTTP/1.1" 200 1832 "-" "Mozilla/5.0" rt=0.091 request_id=‹hex:32› traceparent=00-‹trace›-‹span›-01
‹ip› - - [07/Dec/2026:03:14:‹digits:2› +0000] "POST /api/v2/token/refresh HTTP/1.1" 401 64 "-" "okhttp/4.12.0" rt=0.004 request_id=‹hex:32› traceparent=00-‹trace›-‹span›-01
""",
)
N(
    "plain",
    "log token rejected without value",
    r"""
2026-12-07T03:20:01.118Z WARN  auth-gateway  token rejected: signature expired (kid=‹hex:8›, sub=svc-exporter, exp=‹epoch›) request_id=‹uuid›
2026-12-07T03:20:01.119Z WARN  auth-gateway  api key rejected: key_id=key_‹lower:12› status=revoked last_used=‹ts›
2026-12-07T03:20:02.503Z INFO  auth-gateway  password check failed for user=‹name› attempts=3 locked=false
""",
)
N(
    "plain",
    "rotation notice no values",
    r"""
[03:40] ‹name›: rotated the Datadog API key "prod-agents" (key id ‹uuid›), old one revoked at 03:38
[03:41] ‹name›: new value is in Vault at secret/observability/datadog#api_key, ESO picks it up within 1h
[03:41] ‹name›: I forced a refresh: kubectl annotate externalsecret datadog-secret force-sync=$(date +%s) --overwrite
""",
)
N(
    "plain",
    "datadog agent status masked key",
    r"""
==============
Agent (v7.58.2)
==============
  Status date: 2026-12-07 03:30:12.441 UTC (1765078212441)
  Hostname: ip-10-3-8-22.ec2.internal
  API Keys status
  ===============
    API key ending with ‹hex:5›: API Key valid

  Endpoints
  =========
    https://app.datadoghq.eu - API Key ending with:
        - ‹hex:5›
""",
)
N(
    "plain",
    "datadog-agent config masked",
    r"""
$ sudo datadog-agent config | grep -E 'api_key|app_key|site|hostname'
api_key: '***************************‹hex:5›'
app_key: '***********************************‹hex:5›'
hostname: ip-10-3-8-22.ec2.internal
site: datadoghq.eu
""",
)
N(
    "plain",
    "amtool alert query output",
    r"""
Alertname                 Starts At                Summary                                              State
KubePodCrashLooping       2026-12-07 02:58:14 UTC  Pod payments/api-‹pod› is crash looping              active
TargetDown                2026-12-07 03:01:44 UTC  100% of the pushgateway targets are down             active
AuthTokenErrorsHigh       2026-12-07 03:04:02 UTC  auth_token_errors_total rate above 5/s               suppressed
""",
)
N(
    "plain",
    "amtool config show redacted",
    r"""
$ amtool --alertmanager.url=http://localhost:9093 config show
global:
  resolve_timeout: 5m
  http_config:
    follow_redirects: true
  slack_api_url: <secret>
  opsgenie_api_key: <secret>
receivers:
- name: pagerduty-critical
  pagerduty_configs:
  - send_resolved: true
    routing_key: <secret>
    client: '{{ template "pagerduty.default.client" . }}'
""",
)
N(
    "plain",
    "alert notification with fingerprint",
    r"""
[FIRING:2] TargetDown (monitoring prometheus-k8s)
Alerts Firing:
Labels:
 - alertname = TargetDown
 - job = pushgateway
 - severity = warning
Annotations:
 - summary = 100% of the pushgateway/pushgateway targets in monitoring namespace are down.
Source: http://prometheus-k8s-0:9090/graph?g0.expr=100+%2A+%28count+by%28job%29+%28up+%3D%3D+0%29%29&g0.tab=1
Fingerprint: ‹fp›
GroupKey: {}/{severity=~"warning|critical"}:{alertname="TargetDown"}
""",
)
N(
    "plain",
    "pagerduty incident summary ids",
    r"""
#‹digits:5› [TRIGGERED] High error rate on checkout-api (SEV-2)
Service: Checkout API (‹pdid›)   Escalation policy: Payments Primary (‹pdid›)
Assigned to: ‹name› (‹pdid›)   Urgency: high
Dedup key: ‹hex:32›
Incident key: checkout-api/HighErrorRate/‹fp›
Created: 2026-12-07T03:12:44Z
""",
)
N(
    "plain",
    "slack channel and user ids",
    r"""
Incident channel created: #inc-‹digits:4›-payments-latency (‹slackC›)
Members added: ‹slackU› (IC), ‹slackU› (comms), ‹slackU› (ops)
Bookmark: https://app.incident.io/acme/incidents/‹digits:4›
Workspace: ‹slackT›
""",
)
N(
    "plain",
    "sentry issue event ids",
    r"""
Sentry issue STOREFRONT-‹upper:3›: TypeError: Cannot read properties of undefined (reading 'token')
  first seen: 2026-12-07 02:51 UTC, events: 1,482, users: 311
  latest event: ‹hex:32›
  release: storefront@‹sha›
  trace: ‹trace›
  https://acme.sentry.io/issues/‹digits:10›/events/‹hex:32›/
""",
)
N(
    "plain",
    "postmortem with masked values",
    r"""
## Root cause
The Honeycomb ingest key (`hcaik_01…‹hex:4›`, last 4 shown) had been scoped to the `staging` environment, so production spans were rejected with `401 unknown API key` from 02:40 to 03:55 UTC.

## Resolution
A new key scoped to `production` was created by ‹name› and stored in Vault (`secret/observability/honeycomb`). Nobody pasted the value in the channel.
""",
)
N(
    "plain",
    "promql queries mentioning secrets",
    r"""
sum by (client_id) (rate(oauth_token_requests_total{grant_type="client_credentials",status="invalid_client"}[5m]))
histogram_quantile(0.99, sum by (le) (rate(password_hash_duration_seconds_bucket[5m])))
increase(vault_token_creation_count{policy="grafana-reader"}[1h])
topk(5, sum by (api_key_id) (rate(api_key_requests_total[10m])))
count(secret_rotation_last_success_timestamp_seconds < time() - 86400 * 30)
""",
)
N(
    "plain",
    "logql query mentioning password",
    r"""
{namespace="auth", app="login"} |= "password" != "password_reset" | logfmt | level="warn" | line_format "{{.ts}} {{.user}} {{.msg}}"
sum by (reason) (count_over_time({app="api-gateway"} | json | msg="token rejected" [5m]))
{job="nginx"} |~ "api_key=[A-Za-z0-9]+" | regexp "api_key=(?P<key>[A-Za-z0-9]{4})" | label_format key_prefix="{{.key}}"
""",
)
N(
    "plain",
    "otel debug exporter span with ids",
    r"""
Span #0
    Trace ID       : ‹trace›
    Parent ID      :
    ID             : ‹span›
    Name           : POST /v1/auth/token
    Kind           : Server
    Start time     : 2026-12-07 03:12:44.120391 +0000 UTC
    End time       : 2026-12-07 03:12:44.131876 +0000 UTC
    Status code    : Error
    Status message : invalid_grant
Attributes:
     -> http.request.method: Str(POST)
     -> http.route: Str(/v1/auth/token)
     -> http.request.header.authorization: Slice(["[REDACTED]"])
     -> enduser.id: Str(‹uuid›)
""",
)
N(
    "plain",
    "journalctl service start no secrets",
    r"""
Dec 07 03:02:14 mon-01 systemd[1]: Started Prometheus Alertmanager.
Dec 07 03:02:14 mon-01 alertmanager[8812]: ts=‹ts› caller=main.go:181 level=info msg="Starting Alertmanager" version="(version=0.27.0, branch=HEAD, revision=‹sha›)"
Dec 07 03:02:14 mon-01 alertmanager[8812]: ts=‹ts› caller=cluster.go:186 level=info component=cluster msg="setting advertise address explicitly" addr=‹ip› port=9094
Dec 07 03:02:14 mon-01 alertmanager[8812]: ts=‹ts› caller=coordinator.go:113 level=info component=configuration msg="Loading configuration file" file=/etc/alertmanager/alertmanager.yml
Dec 07 03:02:14 mon-01 alertmanager[8812]: ts=‹ts› caller=coordinator.go:126 level=info component=configuration msg="Completed loading of configuration file" file=/etc/alertmanager/alertmanager.yml
""",
)
N(
    "plain",
    "grafana log service account token masked",
    r"""
logger=serviceaccounts t=‹ts› level=info msg="Service account token created" serviceAccountId=‹digits:2› tokenId=‹digits:3› name=ci-dashboards expires=‹ts›
logger=auth t=‹ts› level=warn msg="Failed to authenticate request" error="invalid API key" key_prefix=glsa_‹alnum:4›**** client=‹ip›
""",
)
N(
    "plain",
    "kubectl describe secret sizes",
    r"""
Name:         alertmanager-main
Namespace:    monitoring
Labels:       app.kubernetes.io/component=alert-router
Annotations:  <none>

Type:  Opaque

Data
====
alertmanager.yaml:  2281 bytes
slack-url:          77 bytes
pd-routing-key:     32 bytes
""",
)
N(
    "plain",
    "sha256 hashed tokens in audit",
    r"""
2026-12-07T03:41:22Z audit action=api_key.create actor=‹name›@example.com key_id=‹uuid› key_hash=sha256:‹sha256› scopes=metrics:write
2026-12-07T03:41:58Z audit action=api_key.revoke actor=‹name›@example.com key_id=‹uuid› key_hash=sha256:‹sha256› reason="rotation INC-‹digits:4›"
""",
)
N(
    "plain",
    "runbook with placeholders",
    r"""
## Rotate the PagerDuty integration key
1. In PagerDuty: Services → Checkout API → Integrations → Events API v2 → Regenerate.
2. Store it: `vault kv put secret/alerting/pagerduty routing_key=<NEW_KEY>`
3. Check Alertmanager reloaded: `amtool config show | grep routing_key` prints `routing_key: <secret>`.
4. Send a test: `amtool alert add TestAlert severity=critical service=checkout`.
""",
)
N(
    "plain",
    "error message naming secret",
    r"""
Error: failed to start exporter: missing required setting "api_key" for exporter "datadog" (set DD_API_KEY or datadog.api.key)
Error: open /var/run/secrets/grafana/admin-password: no such file or directory
Error: environment variable SENTRY_AUTH_TOKEN is not set; run `sentry-cli login`
""",
)
N(
    "plain",
    "uptime report with monitor ids",
    r"""
Monthly availability (November)
monitor           id          uptime   incidents  MTTR
api-eu            ‹digits:9›   99.982%  2          6m
web-eu            ‹digits:9›   99.997%  1          2m
status-page       ‹digits:9›   100.000% 0          -
Statuspage component ids: ‹lower:12›, ‹lower:12›
""",
)
N(
    "plain",
    "incident timeline no secrets",
    r"""
03:02 PagerDuty #‹digits:5› triggered (checkout-api HighErrorRate)
03:04 ‹name› acknowledged
03:07 Grafana dashboard https://grafana.ops.example.com/d/‹dashuid›/checkout?orgId=1&from=now-1h&to=now&var-cluster=prod-eu-1
03:11 trace showing the slow DB call: https://ui.honeycomb.io/acme/environments/production/trace?trace_id=‹trace›
03:25 rolled back to ‹sha:12›
03:31 resolved
""",
)
N(
    "plain",
    "vector tap output ids",
    r"""
{"message":"GET /healthz 200","host":"web-07","timestamp":"‹ts›","trace_id":"‹trace›","span_id":"‹span›","request_id":"‹uuid›","source_type":"kubernetes_logs"}
{"message":"token refresh ok","host":"web-07","timestamp":"‹ts›","trace_id":"‹trace›","span_id":"‹span›","user_id":"‹uuid›","source_type":"kubernetes_logs"}
""",
)
N(
    "plain",
    "elastic api key listing without secrets",
    r"""
GET /_security/api_key?name=filebeat-*
{
  "api_keys" : [
    {
      "id" : "‹esid›",
      "name" : "filebeat-prod-writer",
      "creation" : ‹epochms›,
      "expiration" : ‹epochms›,
      "invalidated" : false,
      "username" : "elastic",
      "realm" : "reserved"
    }
  ]
}
""",
)
N(
    "plain",
    "sentry dsn public only",
    r"""
2026-12-07 03:44:01 [sentry] DEBUG Setting up integrations (with default = True)
2026-12-07 03:44:01 [sentry] DEBUG Setting SDK name to 'sentry.python.django'
2026-12-07 03:44:01 [sentry] DEBUG [Tracing] Adding `sentry-trace` header ‹trace›-‹span›-1 to outgoing request to https://o‹digits:6›.ingest.sentry.io/api/‹digits:7›/envelope/
dsn: https://‹hex:32›@o‹digits:6›.ingest.us.sentry.io/‹digits:7›
""",
)
N(
    "plain",
    "datadog rum client token public",
    r"""
RUM setup for the storefront (public values, they ship in the JS bundle):
  applicationId: ‹uuid›
  clientToken: ‹ddpub›
  site: datadoghq.eu
  service: storefront-web
  env: prod
""",
)
N(
    "plain",
    "new relic browser key public",
    r"""
The browser agent snippet on checkout pages has:
  licenseKey: "‹nrjs›"
  applicationID: "‹digits:9›"
  accountID: "‹digits:7›"
These are browser ingest values and are public by design.
""",
)
N(
    "plain",
    "cert expiry alert with fingerprint",
    r"""
[FIRING:1] SSLCertExpiringSoon blackbox (https://status.example.com)
  certificate: CN=status.example.com, issuer=R11
  not after: 2026-12-21T09:14:02Z (14 days)
  sha256 fingerprint: ‹tfp›
  serial: ‹HEX:36›
""",
)
N(
    "plain",
    "git log short of the incident fix",
    r"""
‹sha:7› fix(alerting): read PagerDuty routing key from file instead of env
‹sha:7› chore(grafana): move admin password to GF_SECURITY_ADMIN_PASSWORD__FILE
‹sha:7› revert "temporarily inline the slack webhook" (INC-‹digits:4›)
‹sha:7› feat(otel): drop http.request.header.authorization in the attributes processor
""",
)
N(
    "plain",
    "status page update prose",
    r"""
Update — 03:45 UTC
We have identified the cause of the elevated error rates on the Checkout API: an expired access token used by our payment provider integration. A new token has been issued and we are monitoring the recovery. Incident ID: ‹lower:12›.
""",
)
N(
    "plain",
    "honeycomb query result ids",
    r"""
COUNT  P99(duration_ms)  trace.trace_id                    name
1,204  1,983.2           ‹trace›  POST /v1/auth/token
  611    412.9           ‹trace›  GET /v1/users/me
  402     88.1           ‹trace›  POST /v1/api-keys/verify
Query link: https://ui.honeycomb.io/acme/environments/prod/datasets/api/result/‹alnum:11›
""",
)
N(
    "plain",
    "kubectl get events",
    r"""
LAST SEEN   TYPE      REASON             OBJECT                               MESSAGE
2m          Warning   FailedMount        pod/grafana-‹pod›           MountVolume.SetUp failed for volume "admin-password" : secret "grafana-admin" not found
90s         Normal    Pulled             pod/otel-collector-‹pod›    Container image "otel/opentelemetry-collector-contrib:0.112.0" already present on machine
45s         Warning   Unhealthy          pod/loki-write-0                     Readiness probe failed: HTTP probe failed with statuscode: 503
""",
)
N(
    "plain",
    "bcrypt htpasswd for prometheus web config",
    r"""
# web-config.yml for Prometheus (bcrypt hashes, generated with htpasswd -nBC 10)
basic_auth_users:
  admin: ‹bcrypt›
  grafana: ‹bcrypt›
""",
)
N(
    "plain",
    "splunk search with token words",
    r"""
index=k8s_logs sourcetype=kube:container:api-gateway "token rejected" OR "invalid api key"
| stats count by reason, key_id
| where count > 10
| sort - count
""",
)
N(
    "plain",
    "oncall schedule",
    r"""
Primary on-call (week 49): ‹name› (PD user ‹pdid›), secondary: ‹name› (‹pdid›)
Handoff: Mon 09:00 Europe/Berlin
Override: ‹name› covers Wed 18:00-23:00
Schedule: https://acme.pagerduty.com/schedules/‹pdid›
""",
)
N(
    "plain",
    "trace ids in error report",
    r"""
Error report #‹digits:6›
  x-request-id: ‹uuid›
  x-amzn-trace-id: Root=1-‹hex:8›-‹hex:24›;Parent=‹span›;Sampled=1
  cf-ray: ‹hex:16›-FRA
  x-datadog-trace-id: ‹digits:19›
  x-datadog-parent-id: ‹digits:19›
""",
)
N(
    "plain",
    "kubernetes secret names listing",
    r"""
NAME                          TYPE                 DATA   AGE
alertmanager-main             Opaque               3      412d
datadog-secret                Opaque               2      97d
grafana-admin                 Opaque               3      412d
honeycomb-ingest-key          Opaque               1      12d
pagerduty-routing-key         Opaque               1      3h
sentry-auth-token             Opaque               1      60d
""",
)
N(
    "plain",
    "gpg fingerprint for postmortem signing",
    r"""
Postmortem PM-‹digits:3› signed off by ‹name› (key 0x‹HEX:16›)
Fingerprint: ‹HEX:4› ‹HEX:4› ‹HEX:4› ‹HEX:4› ‹HEX:4›  ‹HEX:4› ‹HEX:4› ‹HEX:4› ‹HEX:4› ‹HEX:4›
""",
)
N(
    "plain",
    "blackbox probe debug no auth",
    r"""
Logs for the probe:
ts=‹ts› caller=main.go:190 module=http_2xx target=https://api.example.com/healthz level=info msg="Beginning probe" probe=http timeout_seconds=9.5
ts=‹ts› caller=http.go:328 module=http_2xx target=https://api.example.com/healthz level=info msg="Making HTTP request" url=https://‹pubip›/healthz host=api.example.com
ts=‹ts› caller=http.go:438 module=http_2xx target=https://api.example.com/healthz level=info msg="Received HTTP response" status_code=200
ts=‹ts› caller=main.go:190 module=http_2xx target=https://api.example.com/healthz level=info msg="Probe succeeded" duration_seconds=0.041
""",
)


# ----------------------------------------------------------------------------- shell, positives
P(
    "shell",
    "curl datadog validate api key",
    r"""
$ curl -s -X GET "https://api.datadoghq.eu/api/v1/validate" \
    -H "Accept: application/json" \
    -H "DD-API-KEY: «ddapi»"
{"valid":true}
""",
)
P(
    "shell",
    "curl datadog monitors with app key",
    r"""
$ curl -s "https://api.datadoghq.com/api/v1/monitor?monitor_tags=team:sre" -H "DD-API-KEY: «ddapi»" -H "DD-APPLICATION-KEY: «ddapp»" | jq '.[].name'
"[prod] checkout-api p99 latency"
"[prod] payments error budget burn"
""",
)
P(
    "shell",
    "export DD_API_KEY and install agent",
    r"""
$ DD_API_KEY=«ddapi» DD_SITE="datadoghq.eu" bash -c "$(curl -L https://install.datadoghq.com/scripts/install_script_agent7.sh)"
* Installing apt-transport-https, curl and gnupg
* Installing APT package sources for Datadog
* Adding your API key to the Datadog Agent configuration: /etc/datadog-agent/datadog.yaml
""",
)
P(
    "shell",
    "curl pagerduty events v2",
    r"""
$ curl -sS -X POST https://events.pagerduty.com/v2/enqueue \
  -H 'Content-Type: application/json' \
  -d '{"routing_key":"«pdkey»","event_action":"trigger","payload":{"summary":"Test from runbook","source":"mon-01","severity":"critical"}}'
{"status":"success","message":"Event processed","dedup_key":"‹hex:32›"}
""",
)
P(
    "shell",
    "curl pagerduty rest api",
    r"""
$ curl -s -H "Authorization: Token token=«pdapi»" -H "Accept: application/vnd.pagerduty+json;version=2" \
    "https://api.pagerduty.com/oncalls?escalation_policy_ids[]=‹pdid›" | jq -r '.oncalls[].user.summary'
‹name›
‹name›
""",
)
P(
    "shell",
    "curl opsgenie create alert",
    r"""
$ curl -X POST https://api.opsgenie.com/v2/alerts \
    -H "Content-Type: application/json" \
    -H "Authorization: GenieKey «uuid»" \
    -d '{"message": "Disk 95% on db-2", "priority": "P2", "tags": ["db","disk"]}'
{"result":"Request will be processed","took":0.011,"requestId":"‹uuid›"}
""",
)
P(
    "shell",
    "curl slack webhook test",
    r"""
$ curl -X POST -H 'Content-type: application/json' --data '{"text":"alertmanager test :wave:"}' https://hooks.slack.com/services/‹slackT›/‹slackB›/«hook24»
ok
""",
)
P(
    "shell",
    "curl slack chat.postMessage bot token",
    r"""
$ curl -s -H "Authorization: Bearer «slackbot»" -H 'Content-Type: application/json; charset=utf-8' \
    -d '{"channel":"‹slackC›","text":"SEV2 declared: payments latency"}' https://slack.com/api/chat.postMessage | jq .ok
true
""",
)
P(
    "shell",
    "curl discord webhook",
    r"""
$ curl -H "Content-Type: application/json" -d '{"username":"uptime","content":"api-eu is DOWN"}' "https://discord.com/api/webhooks/‹discordid›/«discordtok»"
""",
)
P(
    "shell",
    "curl teams webhook",
    r"""
$ curl -H 'Content-Type: application/json' -d '{"text":"Deploy of checkout ‹sha:7› finished"}' \
  'https://acme.webhook.office.com/webhookb2/‹uuid›@‹uuid›/IncomingWebhook/«teamshook»'
1
""",
)
P(
    "shell",
    "grafana-cli reset admin password",
    r"""
$ kubectl exec -it -n monitoring grafana-‹pod› -c grafana -- grafana-cli admin reset-admin-password '«pw»'
INFO [12-07|03:41:08] Starting Grafana                         logger=settings version=11.3.0
INFO [12-07|03:41:08] Config loaded from                       logger=settings file=/usr/share/grafana/conf/defaults.ini

Admin password changed successfully ✔
""",
)
P(
    "shell",
    "grafana api with service account token",
    r"""
$ curl -s -H "Authorization: Bearer «glsa»" https://grafana.ops.example.com/api/search?type=dash-db\&query=checkout | jq -r '.[] | "\(.uid) \(.title)"'
‹dashuid› Checkout overview
‹dashuid› Checkout SLOs
""",
)
P(
    "shell",
    "grafana api basic auth admin",
    r"""
$ curl -s -u admin:«pw» -X POST -H 'Content-Type: application/json' \
    -d '{"name":"ci-dashboards","role":"Editor"}' https://grafana.ops.example.com/api/serviceaccounts
{"id":12,"name":"ci-dashboards","login":"sa-ci-dashboards","orgId":1,"isDisabled":false,"role":"Editor","tokens":0}
""",
)
P(
    "shell",
    "grafana create service account token output",
    r"""
$ curl -s -u admin:"$GF_ADMIN_PW" -X POST -H 'Content-Type: application/json' -d '{"name":"ci-token"}' https://grafana.ops.example.com/api/serviceaccounts/12/tokens
{"id":31,"name":"ci-token","key":"«glsa»"}
""",
)
P(
    "shell",
    "kubectl create secret generic alertmanager",
    r"""
$ kubectl -n monitoring create secret generic alertmanager-receivers \
    --from-literal=slack-url='https://hooks.slack.com/services/‹slackT›/‹slackB›/«hook24»' \
    --from-literal=pagerduty-key=«pdkey» \
    --dry-run=client -o yaml | kubectl apply -f -
secret/alertmanager-receivers configured
""",
)
P(
    "shell",
    "kubectl create secret datadog",
    r"""
$ kubectl create secret generic datadog-secret -n datadog --from-literal api-key=«ddapi» --from-literal app-key=«ddapp»
secret/datadog-secret created
$ helm upgrade --install datadog-agent datadog/datadog -n datadog -f values.yaml
Release "datadog-agent" has been upgraded. Happy Helming!
""",
)
P(
    "shell",
    "helm install with set licenseKey",
    r"""
$ helm upgrade --install newrelic-bundle newrelic/nri-bundle \
   --namespace newrelic --create-namespace \
   --set global.licenseKey=«nrlicense» \
   --set global.cluster=prod-eu-1 \
   --set newrelic-infrastructure.privileged=true \
   --set kube-state-metrics.enabled=true
""",
)
P(
    "shell",
    "helm set grafana cloud token",
    r"""
helm upgrade --install k8s-monitoring grafana/k8s-monitoring -n monitoring \
  --set cluster.name=prod-us-1 \
  --set externalServices.prometheus.host=https://prometheus-prod-13-prod-us-east-0.grafana.net \
  --set externalServices.prometheus.basicAuth.username=‹digits:7› \
  --set externalServices.prometheus.basicAuth.password=«glc» \
  --set externalServices.loki.basicAuth.username=‹digits:6› \
  --set externalServices.loki.basicAuth.password=«glc»
""",
)
P(
    "shell",
    "sentry-cli with auth token flag",
    r"""
$ sentry-cli --auth-token «sntrys» releases new -p storefront storefront@‹sha:12›
Created release storefront@‹sha:12›
$ sentry-cli releases set-commits --auto storefront@‹sha:12›
""",
)
P(
    "shell",
    "export SENTRY_AUTH_TOKEN",
    r"""
$ export SENTRY_AUTH_TOKEN=«sntryu»
$ export SENTRY_ORG=acme SENTRY_PROJECT=api
$ sentry-cli debug-files upload --include-sources ./build
> Found 3 debug information files
> Uploaded 3 missing debug information files
""",
)
P(
    "shell",
    "amtool with basic auth url",
    r"""
$ amtool --alertmanager.url=https://admin:«anypw|url»@alertmanager.prod.example.com silence add alertname=TargetDown job=pushgateway -d 2h -c "pushgw migration"
‹uuid›
""",
)
P(
    "shell",
    "amtool http config file heredoc",
    r"""
$ cat > amtool-http.yml <<'YAML'
authorization:
  type: Bearer
  credentials: «bearer:48»
YAML
$ amtool --http.config.file=amtool-http.yml --alertmanager.url=https://am.obs.example.net alert query
Alertname      Starts At                Summary  State
Watchdog       2026-12-06 10:00:02 UTC           active
""",
)
P(
    "shell",
    "promtool query with bearer",
    r"""
$ promtool query instant --http.config.file=<(printf 'authorization:\n  credentials: %s\n' '«bearer:64»') https://thanos-query.obs.example.net 'up{job="pushgateway"}'
up{instance="pushgw.internal.example.net:443", job="pushgateway"} => 0 @[1765078212.441]
""",
)
P(
    "shell",
    "curl prometheus query with basic",
    r"""
$ curl -s -u ‹digits:7›:«glc» "https://prometheus-prod-24-prod-eu-west-2.grafana.net/api/prom/api/v1/query?query=up" | jq '.data.result | length'
412
""",
)
P(
    "shell",
    "curl loki push with tenant and basic",
    r"""
$ curl -s -H "Content-Type: application/json" -H "X-Scope-OrgID: ops" -u loki-writer:«rpw» -XPOST \
   "https://loki.obs.example.net/loki/api/v1/push" \
   --data-raw '{"streams":[{"stream":{"job":"test"},"values":[["‹digits:19›","hello from runbook"]]}]}'
""",
)
P(
    "shell",
    "logcli with password env",
    r"""
$ export LOKI_ADDR=https://logs-prod-eu-west-0.grafana.net
$ export LOKI_USERNAME=‹digits:6›
$ export LOKI_PASSWORD=«glc»
$ logcli query '{namespace="payments"} |= "timeout"' --since=1h --limit=20
""",
)
P(
    "shell",
    "curl honeycomb events",
    r"""
$ curl https://api.honeycomb.io/1/events/checkout -X POST \
    -H "X-Honeycomb-Team: «hckey»" \
    -d '{"method":"GET","endpoint":"/foo","shard":"users","duration_ms":32}'
""",
)
P(
    "shell",
    "curl honeycomb auth check",
    r"""
$ curl -s https://api.honeycomb.io/1/auth -H "X-Honeycomb-Team: «hcingest»" | jq
{
  "id": "‹lower:12›",
  "type": "ingest",
  "team": {"name": "Acme", "slug": "acme"},
  "environment": {"name": "production", "slug": "production"}
}
""",
)
P(
    "shell",
    "otel env exports",
    r"""
$ export OTEL_SERVICE_NAME=checkout-api
$ export OTEL_EXPORTER_OTLP_ENDPOINT=https://otlp-gateway-prod-eu-west-2.grafana.net/otlp
$ export OTEL_EXPORTER_OTLP_HEADERS="Authorization=Basic «basic»"
$ export OTEL_RESOURCE_ATTRIBUTES=deployment.environment=prod,service.version=1.42.0
$ opentelemetry-instrument python app.py
""",
)
P(
    "shell",
    "otel exporter headers api-key",
    r"""
$ OTEL_EXPORTER_OTLP_HEADERS=api-key=«nrlicense» OTEL_EXPORTER_OTLP_ENDPOINT=https://otlp.eu01.nr-data.net \
    java -javaagent:opentelemetry-javaagent.jar -jar build/libs/orders.jar
[otel.javaagent 2026-12-07 04:01:12:441 +0000] [main] INFO io.opentelemetry.javaagent.tooling.VersionLogger - opentelemetry-javaagent - version: 2.10.0
""",
)
P(
    "shell",
    "newrelic nerdgraph curl",
    r"""
$ curl https://api.newrelic.com/graphql \
  -H 'Content-Type: application/json' \
  -H 'API-Key: «nrak»' \
  --data-binary '{"query":"{ actor { user { name email } } }"}'
{"data":{"actor":{"user":{"email":"‹name›@example.com","name":"‹name›"}}}}
""",
)
P(
    "shell",
    "newrelic insights insert",
    r"""
$ gzip -c events.json | curl -X POST -H "Content-Type: application/json" -H "X-Insert-Key: «nrii»" -H "Content-Encoding: gzip" https://insights-collector.newrelic.com/v1/accounts/‹digits:7›/events --data-binary @-
{"success":true, "uuid":"‹uuid›"}
""",
)
P(
    "shell",
    "dynatrace api curl",
    r"""
$ curl -s -X GET "https://‹lower:8›.live.dynatrace.com/api/v2/problems?problemSelector=status(%22open%22)" \
    -H "Authorization: Api-Token «dynatrace»" | jq '.totalCount'
3
""",
)
P(
    "shell",
    "elasticsearch curl user password",
    r"""
$ curl -sk -u elastic:«rpw:20» "https://es-01.obs.internal:9200/_cat/indices/logs-*?v&s=store.size:desc" | head -3
health status index                       uuid                   pri rep docs.count store.size
green  open   logs-app-2026.12.07         ‹b64u:22› 3   1   48211930   61.2gb
green  open   logs-app-2026.12.06         ‹b64u:22› 3   1   51120044   64.8gb
""",
)
P(
    "shell",
    "elasticsearch curl apikey header",
    r"""
$ curl -s -H "Authorization: ApiKey «esapi»" https://‹lower:10›.es.eu-west-1.aws.found.io/_cluster/health | jq .status
"yellow"
""",
)
P(
    "shell",
    "kibana encryption keys grep",
    r"""
$ bin/kibana-keystore list
xpack.encryptedSavedObjects.encryptionKey
$ grep -n encryptionKey config/kibana.yml
41:xpack.security.encryptionKey: "«alnum:32»"
42:xpack.reporting.encryptionKey: "«alnum:32»"
""",
)
P(
    "shell",
    "splunk hec curl",
    r"""
$ curl -k https://splunk-hec.example.com:8088/services/collector/event \
    -H "Authorization: Splunk «UUID»" \
    -d '{"event": "runbook test", "sourcetype": "manual", "index": "ops"}'
{"text":"Success","code":0}
""",
)
P(
    "shell",
    "splunk cli auth",
    r"""
$ /opt/splunk/bin/splunk add forward-server idx1.splunk.internal:9997 -auth admin:«pw»
Added forwarding to: idx1.splunk.internal:9997.
$ /opt/splunk/bin/splunk list forward-server
Active forwards:
	idx1.splunk.internal:9997
""",
)
P(
    "shell",
    "sumo logic http source curl",
    r"""
$ echo '{"msg":"test from mon-01"}' | curl -s -X POST -T - https://endpoint4.collection.us2.sumologic.com/receiver/v1/http/«sumotok»
""",
)
P(
    "shell",
    "sumo logic api basic auth",
    r"""
$ curl -s -u "‹sumoid›:«sumokey»" -X GET https://api.us2.sumologic.com/api/v1/collectors?limit=5 | jq '.collectors[].name'
"k8s-prod-eu-1"
"legacy-syslog"
""",
)
P(
    "shell",
    "datadog secret backend output",
    r"""
$ sudo -u dd-agent /opt/datadog-agent/bin/secret-backend <<<'{"version":"1.0","secrets":["orders_db_monitoring_password"]}'
{"orders_db_monitoring_password":{"value":"«pw»","error":null}}
""",
)
P(
    "shell",
    "docker run datadog agent with key",
    r"""
$ docker run -d --name dd-agent \
  -e DD_API_KEY=«ddapi» \
  -e DD_SITE="datadoghq.com" \
  -e DD_LOGS_ENABLED=true \
  -v /var/run/docker.sock:/var/run/docker.sock:ro \
  -v /proc/:/host/proc/:ro \
  gcr.io/datadoghq/agent:7
‹sha256›
""",
)
P(
    "shell",
    "docker run grafana with admin password",
    r"""
docker run -d -p 3000:3000 --name=grafana \
  -e "GF_SECURITY_ADMIN_PASSWORD=«pw»" \
  -e "GF_INSTALL_PLUGINS=grafana-clock-panel" \
  -v grafana-storage:/var/lib/grafana grafana/grafana-oss:11.3.0
""",
)
P(
    "shell",
    "docker run otel collector honeycomb env",
    r"""
$ docker run --rm -p 4317:4317 -e HONEYCOMB_API_KEY=«hckey» -v $(pwd)/otel.yaml:/etc/otelcol-contrib/config.yaml otel/opentelemetry-collector-contrib:0.112.0
2026-12-07T04:22:11.118Z	info	service@v0.112.0/service.go:135	Setting up own telemetry...
""",
)
P(
    "shell",
    "vault kv put with value",
    r"""
$ vault kv put secret/observability/pagerduty routing_key=«pdkey» api_key=«pdapi»
======== Secret Path ========
secret/data/observability/pagerduty

======= Metadata =======
Key                Value
---                -----
created_time       ‹ts›
version            4
""",
)
P(
    "shell",
    "vault kv get output",
    r"""
$ vault kv get -field=token secret/observability/grafana-cloud
«glc»
$ vault kv get secret/observability/honeycomb
====== Data ======
Key          Value
---          -----
api_key      «hckey»
dataset      checkout
""",
)
P(
    "shell",
    "aws ssm get-parameter decrypted",
    r"""
$ aws ssm get-parameter --name /prod/alerting/opsgenie-api-key --with-decryption --query Parameter.Value --output text
«uuid»
""",
)
P(
    "shell",
    "gcloud secrets access",
    r"""
$ gcloud secrets versions access latest --secret=datadog-app-key --project=acme-observability
«ddapp»
""",
)
P(
    "shell",
    "op read 1password",
    r"""
$ op read "op://SRE/PagerDuty REST key/credential"
«pdapi»
$ op read "op://SRE/Statuspage/api key"
«uuid»
""",
)
P(
    "shell",
    "kubectl get secret decode",
    r"""
$ kubectl get secret -n monitoring grafana-admin -o jsonpath='{.data.admin-password}' | base64 -d; echo
«pw»
""",
)
P(
    "shell",
    "kubectl get secret yaml output",
    r"""
$ kubectl get secret -n monitoring alertmanager-receivers -o yaml
apiVersion: v1
data:
  pagerduty-key: «pdkey|b64»
  slack-token: «slackbot|b64»
kind: Secret
metadata:
  creationTimestamp: "‹ts›"
  name: alertmanager-receivers
  namespace: monitoring
  resourceVersion: "‹digits:8›"
  uid: ‹uuid›
type: Opaque
""",
)
P(
    "shell",
    "curl statuspage api",
    r"""
$ curl -s -H "Authorization: OAuth «uuid»" https://api.statuspage.io/v1/pages/‹lower:12›/components | jq -r '.[] | "\(.id) \(.name) \(.status)"'
‹lower:12› API operational
‹lower:12› Dashboard degraded_performance
""",
)
P(
    "shell",
    "curl uptimerobot getMonitors",
    r"""
$ curl -s -X POST https://api.uptimerobot.com/v2/getMonitors -d 'api_key=«uptimerobot»&format=json&logs=1' | jq '.monitors[] | {friendly_name, status}'
{"friendly_name": "api-eu", "status": 2}
""",
)
P(
    "shell",
    "curl better stack api",
    r"""
$ curl -s -H "Authorization: Bearer «betterstack»" https://uptime.betterstack.com/api/v2/monitors | jq '.data[].attributes.url'
"https://api.example.com/healthz"
""",
)
P(
    "shell",
    "curl incident.io api",
    r"""
$ curl -s https://api.incident.io/v2/incidents?page_size=5 -H "Authorization: Bearer «bearer:64»" | jq -r '.incidents[] | "\(.reference) \(.name)"'
INC-‹digits:4› Payments latency
INC-‹digits:4› Login errors in eu
""",
)
P(
    "shell",
    "curl firehydrant",
    r"""
$ curl -s -H "Authorization: «fhb»" https://api.firehydrant.io/v1/incidents?status=open | jq '.data | length'
2
""",
)
P(
    "shell",
    "curl checkly api",
    r"""
$ curl -s -H "Authorization: Bearer «checkly»" -H "X-Checkly-Account: ‹uuid›" https://api.checklyhq.com/v1/check-results/‹uuid›?limit=3 | jq '.[].hasFailures'
false
""",
)
P(
    "shell",
    "curl victorops rest endpoint",
    r"""
$ curl -X POST -d '{"message_type":"CRITICAL","entity_id":"disk/db-2","state_message":"disk 95%"}' \
  https://alert.victorops.com/integrations/generic/20131114/alert/«uuid»/platform-team
{"result":"success","entity_id":"disk/db-2"}
""",
)
P(
    "shell",
    "curl pushover",
    r"""
$ curl -s --form-string "token=«pushover#t»" --form-string "user=«pushover#u»" --form-string "message=backup failed on nas-01" https://api.pushover.net/1/messages.json
{"status":1,"request":"‹uuid›"}
""",
)
P(
    "shell",
    "telegram bot api curl",
    r"""
$ curl -s "https://api.telegram.org/bot«telegram»/sendMessage" -d chat_id=-100‹digits:10› -d text="node-exporter down on nas-01"
{"ok":true,"result":{"message_id":‹digits:4›}}
""",
)
P(
    "shell",
    "snmpwalk with community",
    r"""
$ snmpwalk -v2c -c «lower:14» 10.20.0.1 IF-MIB::ifOperStatus | head -3
IF-MIB::ifOperStatus.1 = INTEGER: up(1)
IF-MIB::ifOperStatus.2 = INTEGER: down(2)
IF-MIB::ifOperStatus.3 = INTEGER: up(1)
""",
)
P(
    "shell",
    "snmpget v3 auth priv",
    r"""
$ snmpget -v3 -l authPriv -u snmp-monitor -a SHA -A '«pw»' -x AES -X '«rpw»' 10.20.0.1 SNMPv2-MIB::sysUpTime.0
SNMPv2-MIB::sysUpTime.0 = Timeticks: (412233120) 47 days, 17:05:31.20
""",
)
P(
    "shell",
    "mysql create monitoring user",
    r"""
$ mysql -h db-primary -u root -p -e "CREATE USER 'exporter'@'10.%' IDENTIFIED BY '«pw»' WITH MAX_USER_CONNECTIONS 3; GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO 'exporter'@'10.%';"
Enter password:
""",
)
P(
    "shell",
    "psql create datadog user",
    r"""
$ psql -h orders-db.internal -U postgres -c "CREATE USER datadog WITH PASSWORD '«pw»';"
CREATE ROLE
$ psql -h orders-db.internal -U postgres -c "GRANT pg_monitor TO datadog;"
GRANT ROLE
""",
)
P(
    "shell",
    "htpasswd plaintext arg",
    r"""
$ htpasswd -nbB prometheus «pw»
prometheus:‹bcrypt›
""",
)
P(
    "shell",
    "mysqld exporter dsn env",
    r"""
$ DATA_SOURCE_NAME='exporter:«anypw»@(db-primary:3306)/' ./mysqld_exporter --web.listen-address=:9104
ts=‹ts› caller=mysqld_exporter.go:220 level=info msg="Starting mysqld_exporter" version="(version=0.15.1)"
""",
)
P(
    "shell",
    "redis-cli with password",
    r"""
$ redis-cli -h alert-dedup.cache.internal -a '«anypw»' --no-auth-warning INFO keyspace
# Keyspace
db0:keys=48211,expires=48199,avg_ttl=271882
""",
)
P(
    "shell",
    "systemctl show env with secret",
    r"""
$ systemctl show otelcol-contrib -p Environment
Environment=OTEL_RESOURCE_ATTRIBUTES=host.name=mon-01 DD_API_KEY=«ddapi» GOMEMLIMIT=800MiB
""",
)
P(
    "shell",
    "set -x trace leaking token",
    r"""
+ TOKEN=«glsa»
+ curl -sf -H 'Authorization: Bearer «glsa»' -H 'Content-Type: application/json' -X POST https://grafana.ops.example.com/api/dashboards/db -d @dashboards/checkout.json
{"id":412,"slug":"checkout-overview","status":"success","uid":"‹dashuid›","url":"/d/‹dashuid›/checkout-overview","version":31}
""",
)
P(
    "shell",
    "terraform output sensitive leak",
    r"""
$ terraform output -json | jq -r '.pagerduty_integration_key.value'
«pdkey»
$ terraform output -raw grafana_sa_token
«glsa»
""",
)
P(
    "shell",
    "curl zulip bot",
    r"""
$ curl -X POST https://zulip.example.com/api/v1/messages \
    -u alert-bot@zulip.example.com:«zulip» \
    --data-urlencode type=stream --data-urlencode 'to=ops' --data-urlencode 'topic=alerts' --data-urlencode 'content=disk 95% on db-2'
{"id":‹digits:6›,"msg":"","result":"success"}
""",
)
P(
    "shell",
    "mattermost webhook curl",
    r"""
$ curl -i -X POST -H 'Content-Type: application/json' -d '{"text": "Backup job failed :x:"}' https://mattermost.example.com/hooks/«mmhook»
HTTP/2 200
""",
)
P(
    "shell",
    "axiom cli ingest",
    r"""
$ AXIOM_TOKEN=«axiom» axiom ingest k8s-logs -f events.ndjson
Ingested 4,812 events into dataset k8s-logs (0 failed)
""",
)
P(
    "shell",
    "lightstep curl",
    r"""
$ curl -s -H "Authorization: bearer «lstoken»" "https://api.lightstep.com/public/v0.2/acme/projects/prod/streams" | jq '.data | length'
14
""",
)
P(
    "shell",
    "coralogix curl",
    r"""
$ curl -s -X POST https://ingress.eu2.coralogix.com/logs/v1/singles -H "Authorization: Bearer «coralogix»" -H 'Content-Type: application/json' -d '[{"applicationName":"ops","subsystemName":"runbook","text":"hello"}]'
""",
)
P(
    "shell",
    "cloudwatch exporter aws env",
    r"""
$ AWS_ACCESS_KEY_ID=‹awsid› AWS_SECRET_ACCESS_KEY=«awssecret» java -jar cloudwatch_exporter.jar 9106 cloudwatch.yml
2026-12-07 04:30:11 INFO  WebServer: Started on 9106
""",
)
P(
    "shell",
    "grafana cloud cli login",
    r"""
$ gcx config set-context prod --grafana.server https://acme.grafana.net --grafana.token «glsa»
Context "prod" updated.
$ gcx dashboards list | head -3
UID          TITLE
‹dashuid›   Checkout overview
""",
)
P(
    "shell",
    "curl grafana cloud api with cloud token",
    r"""
$ curl -s -H "Authorization: Bearer «glc»" https://grafana.com/api/orgs/acme/instances | jq -r '.items[] | "\(.id) \(.slug) \(.status)"'
‹digits:6› acme active
‹digits:6› acme-staging active
""",
)
P(
    "shell",
    "curl mimir rules with tenant",
    r"""
$ mimirtool rules list --address=https://mimir.obs.example.io --id=team-payments --key=«rpw:32»
Namespace      | Rule Group
payments       | payments.rules
""",
)
P(
    "shell",
    "cortextool loadgen with key",
    r"""
$ cortextool analyse prometheus --address=https://prometheus-prod-10-prod-us-central-0.grafana.net/api/prom --id=‹digits:7› --key=«glc» --grafana-metrics-file=metrics-in-grafana.json
INFO[0003] 1487 active series are being used in dashboards
""",
)
P(
    "shell",
    "datadog-ci synthetics run",
    r"""
$ DATADOG_API_KEY=«ddapi» DATADOG_APP_KEY=«ddapp» npx @datadog/datadog-ci synthetics run-tests --public-id ‹lower:3›-‹lower:3›-‹lower:3›
Waiting for 1 test result…
✓ [‹lower:3›-‹lower:3›-‹lower:3›] Checkout login flow - location: Frankfurt (AWS)
""",
)
P(
    "shell",
    "fluent-bit command line outputs",
    r"""
$ fluent-bit -i cpu -t cpu -o http -p host=http-intake.logs.datadoghq.eu -p port=443 -p tls=on -p uri=/api/v2/logs -p header="DD-API-KEY «ddapi»" -p format=json -m '*'
Fluent Bit v3.1.9
[2026/12/07 04:40:12] [ info] [output:http:http.0] worker #0 started
""",
)
P(
    "shell",
    "curl basic auth header prometheus federation",
    r"""
$ curl -s -H "Authorization: Basic «basic»" 'https://prometheus-eu.example.net/federate?match[]={job="node"}' | head -3
# TYPE node_load1 untyped
node_load1{instance="10.1.2.3:9100",job="node"} 0.42 1765078212441
""",
)
P(
    "shell",
    "nr cli profile add",
    r"""
$ newrelic profile add --profile prod --region EU --apiKey «nrak» --accountId ‹digits:7› --licenseKey «nrlicense»
[Output] Profile prod added
$ newrelic profile default --profile prod
""",
)
P(
    "shell",
    "opsgenie lamp cli",
    r"""
$ lamp createAlert --apiKey «uuid» --message "Manual page: payments DB failover" --priority P1 --teams SRE
Alert created, requestId: ‹uuid›
""",
)
P(
    "shell",
    "pagerduty cli auth",
    r"""
$ pd login --subdomain acme --token «pdapi»
Logged in to acme.pagerduty.com as ‹name›@example.com
$ pd incident list --statuses triggered
""",
)


# ----------------------------------------------------------------------------- shell, negatives
N(
    "shell",
    "curl datadog with env references",
    r"""
$ curl -s -X GET "https://api.datadoghq.eu/api/v1/validate" \
    -H "Accept: application/json" \
    -H "DD-API-KEY: ${DD_API_KEY}" \
    -H "DD-APPLICATION-KEY: $DD_APP_KEY"
{"valid":true}
""",
)
N(
    "shell",
    "kubectl create secret from file",
    r"""
$ kubectl -n monitoring create secret generic alertmanager-receivers \
    --from-file=slack-url=./secrets/slack-url \
    --from-file=pagerduty-key=./secrets/pd-routing-key \
    --dry-run=client -o yaml | kubeseal --format yaml > sealed-alertmanager-receivers.yaml
$ git add sealed-alertmanager-receivers.yaml
""",
)
N(
    "shell",
    "amtool silence query output",
    r"""
$ amtool silence query --alertmanager.url=http://localhost:9093
ID                                    Matchers                          Ends At                  Created By  Comment
‹uuid›  alertname="TargetDown" job="pushgateway"  2026-12-07 08:00:00 UTC  ‹name›      pushgw migration
‹uuid›  alertname=~"KubeJob.*" namespace="batch"  2026-12-07 06:00:00 UTC  ‹name›      nightly ETL rewrite
""",
)
N(
    "shell",
    "promtool check config output",
    r"""
$ promtool check config /etc/prometheus/prometheus.yml
Checking /etc/prometheus/prometheus.yml
 SUCCESS: 3 rule files found
 SUCCESS: /etc/prometheus/prometheus.yml is valid prometheus config file syntax

Checking /etc/prometheus/rules/auth.rules.yml
 SUCCESS: 6 rules found
""",
)
N(
    "shell",
    "promtool query instant output",
    r"""
$ promtool query instant http://localhost:9090 'topk(3, sum by (api_key_id) (rate(api_key_requests_total[5m])))'
{api_key_id="key_‹lower:12›"} => 41.2 @[1765078212.441]
{api_key_id="key_‹lower:12›"} => 12.7 @[1765078212.441]
{api_key_id="key_‹lower:12›"} => 3.05 @[1765078212.441]
""",
)
N(
    "shell",
    "vault kv get metadata only",
    r"""
$ vault kv metadata get secret/observability/pagerduty
========== Metadata Path ==========
secret/metadata/observability/pagerduty

========== Metadata ==========
Key                     Value
---                     -----
cas_required            false
created_time            ‹ts›
current_version         4
max_versions            0
updated_time            ‹ts›
""",
)
N(
    "shell",
    "grafana-cli plugins and password file",
    r"""
$ grafana-cli plugins ls
installed plugins:
grafana-clock-panel @ 2.1.8
grafana-piechart-panel @ 1.6.4
$ grafana-cli admin reset-admin-password --password-from-stdin < /run/secrets/grafana_admin
Admin password changed successfully ✔
""",
)
N(
    "shell",
    "sentry-cli info masked",
    r"""
$ sentry-cli info
Sentry Server: https://sentry.io
Default Organization: acme
Default Project: storefront

Authentication Info:
  Method: Auth Token
  User: ‹name›@example.com
  Scopes:
    - project:releases
    - org:read
""",
)
N(
    "shell",
    "sentry-cli releases list",
    r"""
$ sentry-cli releases list -p storefront
+--------------+----------------------------------------------+--------------+--------------+
| Released     | Version                                      | New Events   | Last Event   |
+--------------+----------------------------------------------+--------------+--------------+
| 2 hours ago  | storefront@‹sha›   | 1482         | 3 minutes ago |
| 1 day ago    | storefront@‹sha›   | 12           | 9 hours ago  |
+--------------+----------------------------------------------+--------------+--------------+
""",
)
N(
    "shell",
    "datadog-agent status checks",
    r"""
$ sudo datadog-agent status | sed -n '/Running Checks/,/Forwarder/p' | head -20
    Running Checks
    ==============
    postgres (22.1.0)
    -----------------
      Instance ID: postgres:‹hex:16› [OK]
      Configuration Source: file:/etc/datadog-agent/conf.d/postgres.d/conf.yaml
      Total Runs: 412
      Metric Samples: Last Run: 1,208, Total: 497,696
      Database Monitoring Query Samples: Last Run: 14, Total: 5,768
""",
)
N(
    "shell",
    "kubectl get secret jsonpath keys only",
    r"""
$ kubectl get secret datadog-secret -n datadog -o jsonpath='{.data}' | jq 'keys'
[
  "api-key",
  "app-key"
]
$ kubectl get secret datadog-secret -n datadog -o jsonpath='{.metadata.resourceVersion}'
‹digits:8›
""",
)
N(
    "shell",
    "helm template values reference",
    r"""
$ helm upgrade --install k8s-monitoring grafana/k8s-monitoring -n monitoring \
  --set cluster.name=prod-us-1 \
  --set externalServices.prometheus.secret.create=false \
  --set externalServices.prometheus.secret.name=grafana-cloud-credentials \
  --set-file externalServices.prometheus.basicAuth.password=/dev/null \
  -f values-prod.yaml
Release "k8s-monitoring" has been upgraded. Happy Helming!
""",
)
N(
    "shell",
    "curl pagerduty with env token",
    r"""
$ export PD_TOKEN="$(op read 'op://SRE/PagerDuty REST key/credential')"
$ curl -s -H "Authorization: Token token=${PD_TOKEN}" "https://api.pagerduty.com/incidents?statuses[]=triggered&service_ids[]=‹pdid›" | jq '.incidents[] | {id, incident_number, title}'
{
  "id": "‹upper:14›",
  "incident_number": ‹digits:5›,
  "title": "High error rate on checkout-api"
}
""",
)
N(
    "shell",
    "git grep secret names",
    r"""
$ git grep -n 'api_key\|routing_key\|password' -- 'deploy/monitoring/*.yaml'
deploy/monitoring/alertmanager.yaml:14:      - routing_key_file: /etc/alertmanager/secrets/pd-routing-key
deploy/monitoring/datadog-values.yaml:3:  apiKeyExistingSecret: datadog-secret
deploy/monitoring/grafana-values.yaml:22:  admin: {existingSecret: grafana-admin, userKey: admin-user, passwordKey: admin-password}
""",
)
N(
    "shell",
    "docker logs loki startup",
    r"""
$ docker logs loki 2>&1 | head -4
level=info ts=‹ts› caller=main.go:126 msg="Starting Loki" version="(version=3.2.1, branch=HEAD, revision=‹sha:10›)"
level=info ts=‹ts› caller=server.go:351 msg="server listening on addresses" http=[::]:3100 grpc=[::]:9095
level=info ts=‹ts› caller=memberlist_client.go:540 msg="memberlist fast-join starting" nodes_found=1 to_join=2
level=info ts=‹ts› caller=module_service.go:82 msg=starting module=ring
""",
)
N(
    "shell",
    "journalctl alertmanager notify errors",
    r"""
$ journalctl -u alertmanager --since "1 hour ago" | grep -i notify | tail -3
Dec 07 03:12:01 mon-01 alertmanager[8812]: ts=‹ts› caller=dispatch.go:353 level=error component=dispatcher msg="Notify for alerts failed" num_alerts=2 err="pagerduty-critical/pagerduty[0]: notify retry canceled due to unrecoverable error after 1 attempts: unexpected status code 400: {\"status\":\"invalid event\",\"message\":\"Event object is invalid\",\"errors\":[\"'routing_key' is invalid\"]}"
Dec 07 03:14:33 mon-01 alertmanager[8812]: ts=‹ts› caller=notify.go:848 level=warn component=dispatcher receiver=slack-default integration=slack[0] aggrGroup="{}:{alertname=\"TargetDown\"}" msg="Notify attempt failed, will retry later" attempts=1 err="unexpected status code 404: invalid_token"
""",
)
N(
    "shell",
    "curl opsgenie with file reference",
    r"""
$ curl -s -X GET 'https://api.opsgenie.com/v2/heartbeats/prometheus-watchdog/ping' \
    --header "Authorization: GenieKey $(cat /etc/alertmanager/secrets/opsgenie-key)"
{"result":"PONG - Heartbeat received","took":0.006,"requestId":"‹uuid›"}
""",
)
N(
    "shell",
    "sha256sum of token file",
    r"""
$ sha256sum /etc/alertmanager/secrets/*
‹sha256›  /etc/alertmanager/secrets/opsgenie-key
‹sha256›  /etc/alertmanager/secrets/pd-routing-key
‹sha256›  /etc/alertmanager/secrets/slack-url
""",
)
N(
    "shell",
    "terraform plan sensitive values",
    r"""
  # pagerduty_service_integration.events will be updated in-place
  ~ resource "pagerduty_service_integration" "events" {
        id                = "‹pdid›"
      ~ integration_key   = (sensitive value)
        name              = "Prometheus"
        service           = "‹pdid›"
        type              = "events_api_v2_inbound_integration"
    }

  # grafana_service_account_token.ci will be created
  + resource "grafana_service_account_token" "ci" {
      + id                 = (known after apply)
      + key                = (sensitive value)
      + name               = "ci-token"
      + service_account_id = "12"
    }
""",
)
N(
    "shell",
    "env listing with masked values",
    r"""
$ env | grep -E 'DD_|OTEL_|SENTRY_' | sed -E 's/(KEY|TOKEN)=.*/\1=****/'
DD_SITE=datadoghq.eu
DD_ENV=prod
DD_API_KEY=****
OTEL_SERVICE_NAME=checkout-api
OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector.observability:4317
SENTRY_AUTH_TOKEN=****
""",
)
N(
    "shell",
    "openssl cert info of grafana",
    r"""
$ echo | openssl s_client -connect grafana.ops.example.com:443 -servername grafana.ops.example.com 2>/dev/null | openssl x509 -noout -subject -issuer -dates -fingerprint -sha256
subject=CN = grafana.ops.example.com
issuer=C = US, O = Let's Encrypt, CN = R11
notBefore=Oct  8 09:14:02 2026 GMT
notAfter=Jan  6 09:14:01 2027 GMT
sha256 Fingerprint=‹tfp›
""",
)
N(
    "shell",
    "logcli query output",
    r"""
$ logcli query '{app="auth"} |= "token rejected"' --since=30m --limit=3 --quiet
2026-12-07T03:20:01Z {app="auth", pod="auth-‹pod›"} token rejected: signature expired (kid=‹hex:8›) request_id=‹uuid›
2026-12-07T03:19:44Z {app="auth", pod="auth-‹pod›"} token rejected: unknown key id (kid=‹hex:8›) request_id=‹uuid›
2026-12-07T03:19:12Z {app="auth", pod="auth-‹pod›"} token rejected: audience mismatch request_id=‹uuid›
""",
)
N(
    "shell",
    "kubectl logs otel collector startup",
    r"""
$ kubectl logs -n observability deploy/otel-gateway --tail=4
2026-12-07T04:22:11.118Z	info	service@v0.112.0/service.go:135	Setting up own telemetry...
2026-12-07T04:22:11.120Z	info	extensions/extensions.go:39	Starting extensions...	{"kind": "extension", "name": "basicauth/prw"}
2026-12-07T04:22:11.124Z	info	otlpreceiver@v0.112.0/otlp.go:112	Starting GRPC server	{"kind": "receiver", "name": "otlp", "endpoint": "0.0.0.0:4317"}
2026-12-07T04:22:11.130Z	info	service@v0.112.0/service.go:261	Everything is ready. Begin running and processing data.
""",
)
N(
    "shell",
    "dig and curl health without creds",
    r"""
$ dig +short prometheus-prod-24-prod-eu-west-2.grafana.net
‹pubip›
$ curl -s -o /dev/null -w '%{http_code}\n' https://prometheus-prod-24-prod-eu-west-2.grafana.net/api/prom/push
401
""",
)
N(
    "shell",
    "git show diff removing secret value redacted",
    r"""
$ git show --stat ‹sha:7›
commit ‹sha›
Author: ‹name› <‹name›@example.com>
Date:   Mon Dec 7 03:58:12 2026 +0000

    alerting: read the PagerDuty routing key from a mounted file

 deploy/monitoring/alertmanager.yaml | 4 ++--
 deploy/monitoring/kustomization.yaml | 6 ++++++
 2 files changed, 8 insertions(+), 2 deletions(-)
""",
)
N(
    "shell",
    "aws ssm describe parameters",
    r"""
$ aws ssm describe-parameters --parameter-filters Key=Name,Option=BeginsWith,Values=/prod/alerting/ --query 'Parameters[].[Name,Type,LastModifiedDate]' --output text
/prod/alerting/opsgenie-api-key	SecureString	‹epoch›.412
/prod/alerting/pagerduty-routing-key	SecureString	‹epoch›.118
/prod/alerting/slack-webhook-url	SecureString	‹epoch›.907
""",
)
N(
    "shell",
    "snmpwalk with default public community",
    r"""
$ snmpwalk -v2c -c public 127.0.0.1 SNMPv2-MIB::sysDescr
SNMPv2-MIB::sysDescr.0 = STRING: Linux mon-01 6.8.0-49-generic #49-Ubuntu SMP x86_64
""",
)
N(
    "shell",
    "datadog-ci with secret references",
    r"""
$ export DATADOG_API_KEY="$(vault kv get -field=api_key secret/observability/datadog)"
$ export DATADOG_APP_KEY="$(vault kv get -field=app_key secret/observability/datadog)"
$ npx @datadog/datadog-ci synthetics run-tests --config ./synthetics.json
Waiting for 4 test results…
""",
)
N(
    "shell",
    "curl grafana health and dashboards by uid",
    r"""
$ curl -s https://grafana.ops.example.com/api/health
{
  "commit": "‹sha:10›",
  "database": "ok",
  "version": "11.3.0"
}
$ curl -s -o /dev/null -w '%{http_code}' https://grafana.ops.example.com/d/‹dashuid›/checkout-overview
302
""",
)
N(
    "shell",
    "openssl rand placeholder instructions",
    r"""
$ # generate a new Grafana secret_key and store it without printing
$ openssl rand -base64 32 | vault kv put secret/grafana/prod secret_key=-
Success! Data written to: secret/grafana/prod
""",
)
N(
    "shell",
    "vector validate output",
    r"""
$ vector validate /etc/vector/vector.yaml
√ Loaded ["/etc/vector/vector.yaml"]
√ Component configuration
~ Health check "datadog_logs"
√ Health check "loki"
------------------------------------
                           Validated
""",
)
N(
    "shell",
    "fluent-bit dry run",
    r"""
$ fluent-bit -c /etc/fluent-bit/fluent-bit.conf --dry-run
Fluent Bit v3.1.9
* Copyright (C) 2015-2024 The Fluent Bit Authors
configuration test is successful
""",
)
N(
    "shell",
    "kubectl get servicemonitor and prometheusrule",
    r"""
$ kubectl get servicemonitors,prometheusrules -n payments
NAME                                                   AGE
servicemonitor.monitoring.coreos.com/payments-api      412d
servicemonitor.monitoring.coreos.com/payments-worker   97d

NAME                                                   AGE
prometheusrule.monitoring.coreos.com/payments-slo      97d
prometheusrule.monitoring.coreos.com/payments-auth     3d
""",
)
N(
    "shell",
    "curl honeycomb with placeholder",
    r"""
# Send a test event (replace YOUR_API_KEY with an ingest key from Team settings)
$ curl https://api.honeycomb.io/1/events/test-dataset -X POST \
    -H "X-Honeycomb-Team: YOUR_API_KEY" \
    -d '{"name":"test","duration_ms":1}'
""",
)
N(
    "shell",
    "ssh-keygen fingerprint of incident key",
    r"""
$ ssh-keygen -lf ~/.ssh/incident_ed25519.pub
256 SHA256:‹b64u:43› incident@bastion-eu (ED25519)
$ cat ~/.ssh/incident_ed25519.pub
ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI‹alnum:43› incident@bastion-eu
""",
)
N(
    "shell",
    "docker inspect env masked by compose",
    r"""
$ docker compose config | sed -n '/grafana:/,/image:/p'
  grafana:
    environment:
      GF_AUTH_ANONYMOUS_ENABLED: "false"
      GF_SECURITY_ADMIN_PASSWORD__FILE: /run/secrets/grafana_admin
    image: grafana/grafana:11.3.0
""",
)
N(
    "shell",
    "pagerduty cli incident list",
    r"""
$ pd incident list --statuses triggered,acknowledged
 #       Status        Urgency  Title                               Service            Created
 ‹digits:5›   triggered     high     High error rate on checkout-api     ‹pdid›            2026-12-07T03:02:44Z
 ‹digits:5›   acknowledged  low      Disk 85% on db-2                    ‹pdid›            2026-12-07T01:41:02Z
""",
)
N(
    "shell",
    "git secret scanning output masked",
    r"""
$ gitleaks detect --redact -v --no-banner | head -12
Finding:     slack_api_url: 'REDACTED'
Secret:      REDACTED
RuleID:      slack-webhook-url
Entropy:     4.891430
File:        deploy/monitoring/alertmanager.yaml
Line:        5
Commit:      ‹sha›
Author:      ‹name›
Date:        2026-12-06T22:41:09Z
Fingerprint: ‹sha›:deploy/monitoring/alertmanager.yaml:slack-webhook-url:5
""",
)
N(
    "shell",
    "curl statuspage public summary",
    r"""
$ curl -s https://status.example.com/api/v2/summary.json | jq '.status, .components[0]'
{"indicator": "minor", "description": "Minor Service Outage"}
{"id": "‹lower:12›", "name": "API", "status": "degraded_performance", "page_id": "‹lower:12›", "group_id": null}
""",
)


# ----------------------------------------------------------------------------- source, positives
P(
    "source",
    "grafana.ini security section",
    r"""
#################################### Security ####################################
[security]
# disable creation of admin user on first start of grafana
;disable_initial_admin_creation = false

# default admin user, created on startup
admin_user = admin

# default admin password, can be changed before first start of grafana,  or in profile settings
admin_password = «pw»

# used for signing
secret_key = «alnum:32»

# disable gravatar profile images
disable_gravatar = true
cookie_secure = true
""",
)
P(
    "source",
    "grafana.ini database and smtp",
    r'''
[database]
type = postgres
host = grafana-db.internal:5432
name = grafana
user = grafana
# If the password contains # or ; you have to wrap it with triple quotes. Ex """#password;"""
password = """«pw»"""
ssl_mode = require

[smtp]
enabled = true
host = smtp.mailgun.org:587
user = postmaster@mg.example.com
password = «mailgun»
from_address = grafana@example.com
''',
)
P(
    "source",
    "grafana.ini auth generic oauth",
    r"""
[auth.generic_oauth]
enabled = true
name = Keycloak
allow_sign_up = true
client_id = grafana
client_secret = «alnum:32»
scopes = openid email profile offline_access roles
auth_url = https://sso.corp.example.com/realms/ops/protocol/openid-connect/auth
token_url = https://sso.corp.example.com/realms/ops/protocol/openid-connect/token
api_url = https://sso.corp.example.com/realms/ops/protocol/openid-connect/userinfo
role_attribute_path = contains(roles[*], 'admin') && 'Admin' || 'Viewer'
""",
)
P(
    "source",
    "grafana.ini google oauth",
    r"""
[auth.google]
enabled = true
client_id = ‹digits:12›-‹lower:32›.apps.googleusercontent.com
client_secret = «gocspx»
scopes = openid email profile
allowed_domains = example.com
hosted_domain = example.com
""",
)
P(
    "source",
    "grafana ldap.toml",
    r"""
[[servers]]
host = "ldap.corp.example.com"
port = 636
use_ssl = true
start_tls = false
ssl_skip_verify = false
bind_dn = "cn=svc-grafana,ou=ServiceAccounts,dc=corp,dc=example,dc=com"
bind_password = '«pw»'
search_filter = "(sAMAccountName=%s)"
search_base_dns = ["ou=People,dc=corp,dc=example,dc=com"]

[servers.attributes]
name = "givenName"
surname = "sn"
username = "sAMAccountName"
member_of = "memberOf"
email =  "mail"
""",
)
P(
    "source",
    "fluent-bit conf es output",
    r"""
[SERVICE]
    Flush        5
    Daemon       Off
    Log_Level    info
    Parsers_File parsers.conf

[INPUT]
    Name              tail
    Tag               kube.*
    Path              /var/log/containers/*.log
    Parser            cri
    Mem_Buf_Limit     50MB

[OUTPUT]
    Name            es
    Match           kube.*
    Host            es.obs.example.net
    Port            9243
    HTTP_User       fluentbit
    HTTP_Passwd     «anypw»
    tls             On
    Logstash_Format On
    Replace_Dots    On
""",
)
P(
    "source",
    "fluent-bit conf splunk output",
    r"""
[OUTPUT]
    Name             splunk
    Match            *
    Host             splunk-hec.example.com
    Port             8088
    Splunk_Token     «UUID»
    Splunk_Send_Raw  On
    TLS              On
    TLS.Verify       Off
""",
)
P(
    "source",
    "fluent-bit conf datadog output",
    r"""
[OUTPUT]
    Name        datadog
    Match       *
    Host        http-intake.logs.datadoghq.eu
    TLS         on
    compress    gzip
    apikey      «ddapi»
    dd_service  checkout
    dd_source   nginx
    dd_tags     env:prod,team:payments
""",
)
P(
    "source",
    "fluent-bit conf loki output",
    r"""
[OUTPUT]
    name                   loki
    match                  *
    host                   logs-prod-eu-west-0.grafana.net
    port                   443
    tls                    on
    tls.verify             on
    http_user              ‹digits:6›
    http_passwd            «glc»
    labels                 job=fluentbit, cluster=prod-eu-1
""",
)
P(
    "source",
    "fluent-bit conf new relic output",
    r"""
[OUTPUT]
    Name          nrlogs
    Match         *
    license_key   «nrlicense»
    base_uri      https://log-api.eu.newrelic.com/log/v1
""",
)
P(
    "source",
    "fluentd conf elasticsearch",
    r"""
<match app.**>
  @type elasticsearch
  host es.obs.example.net
  port 9243
  scheme https
  user fluentd
  password «pw»
  logstash_format true
  logstash_prefix app
  <buffer>
    @type file
    path /var/log/fluentd/buffer/app
    flush_interval 10s
  </buffer>
</match>
""",
)
P(
    "source",
    "fluentd conf datadog",
    r"""
<match **>
  @type datadog
  @id awesome_agent
  api_key «ddapi»
  include_tag_key true
  tag_key 'tag'
  dd_source 'fluentd'
  dd_tags 'env:prod'
</match>
""",
)
P(
    "source",
    "fluentd conf sumologic",
    r"""
<match **>
  @type sumologic
  endpoint https://endpoint1.collection.eu.sumologic.com/receiver/v1/http/«sumotok»
  log_format json
  source_category prod/app
  open_timeout 10
</match>
""",
)
P(
    "source",
    "vector toml sinks",
    r"""
[sources.nginx]
type = "file"
include = ["/var/log/nginx/access.log"]

[transforms.parse_nginx]
type = "remap"
inputs = ["nginx"]
source = '. = parse_nginx_log!(.message, "combined")'

[sinks.datadog]
type = "datadog_logs"
inputs = ["parse_nginx"]
default_api_key = "«ddapi»"
site = "datadoghq.eu"

[sinks.honeycomb]
type = "honeycomb"
inputs = ["parse_nginx"]
api_key = "«hckey»"
dataset = "nginx"
""",
)
P(
    "source",
    "vector toml http sink auth",
    r"""
[sinks.archive]
type = "http"
inputs = ["app_logs"]
uri = "https://logs-archive.internal.example.com/ingest"
encoding.codec = "json"
auth.strategy = "bearer"
auth.token = "«bearer:48»"
batch.max_bytes = 1048576
""",
)
P(
    "source",
    "vector toml elasticsearch basic",
    r"""
[sinks.es]
type = "elasticsearch"
inputs = ["app_logs"]
endpoints = ["https://es-01.obs.internal:9200"]
bulk.index = "vector-%Y.%m.%d"
auth.strategy = "basic"
auth.user = "vector"
auth.password = "«pw»"
tls.ca_file = "/etc/vector/ca.crt"
""",
)
P(
    "source",
    "logstash conf pipeline",
    r"""
input {
  beats {
    port => 5044
    ssl_enabled => true
  }
}
filter {
  grok { match => { "message" => "%{COMBINEDAPACHELOG}" } }
  mutate { remove_field => ["[event][original]"] }
}
output {
  elasticsearch {
    hosts => ["https://es-01:9200", "https://es-02:9200"]
    user => "logstash_writer"
    password => "«pw»"
    ssl_certificate_authorities => ["/etc/logstash/certs/ca.crt"]
    index => "weblogs-%{+YYYY.MM.dd}"
  }
}
""",
)
P(
    "source",
    "logstash conf http output api key",
    r"""
output {
  http {
    url => "https://http-intake.logs.datadoghq.com/api/v2/logs"
    http_method => "post"
    format => "json_batch"
    headers => { "DD-API-KEY" => "«ddapi»" }
  }
  elasticsearch {
    cloud_id => "prod:‹b64:60›"
    api_key => "«esid»:«eskey»"
  }
}
""",
)
P(
    "source",
    "splunk outputs.conf",
    r"""
[tcpout]
defaultGroup = default-autolb-group

[tcpout:default-autolb-group]
server = idx1.splunk.internal:9997,idx2.splunk.internal:9997
clientCert = $SPLUNK_HOME/etc/auth/client.pem
sslPassword = «pw»
sslVerifyServerCert = true
useACK = true
""",
)
P(
    "source",
    "splunk inputs.conf hec token",
    r"""
[http]
disabled = 0
port = 8088
enableSSL = 1

[http://otel-collector]
disabled = 0
token = «UUID»
index = k8s_logs
indexes = k8s_logs,k8s_metrics
sourcetype = otel
""",
)
P(
    "source",
    "telegraf conf outputs",
    r"""
[[outputs.influxdb_v2]]
  urls = ["https://influx.obs.example.net:8086"]
  token = "«b64:64»"
  organization = "sre"
  bucket = "telegraf"

[[inputs.snmp]]
  agents = ["udp://10.20.0.1:161"]
  version = 2
  community = "«lower:12»"
""",
)
P(
    "source",
    "python sentry init legacy dsn",
    r"""
import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

sentry_sdk.init(
    dsn="https://‹hex:32›:«hex:32»@sentry.internal.example.com/7",
    integrations=[DjangoIntegration()],
    traces_sample_rate=0.2,
    environment="production",
    release="api@‹sha:12›",
)
""",
)
P(
    "source",
    "python datadog api client",
    r"""
from datadog_api_client import ApiClient, Configuration
from datadog_api_client.v1.api.monitors_api import MonitorsApi

configuration = Configuration()
configuration.api_key["apiKeyAuth"] = "«ddapi»"
configuration.api_key["appKeyAuth"] = "«ddapp»"
configuration.server_variables["site"] = "datadoghq.eu"

with ApiClient(configuration) as api_client:
    for monitor in MonitorsApi(api_client).list_monitors(tags="team:sre"):
        print(monitor.id, monitor.name, monitor.overall_state)
""",
)
P(
    "source",
    "python pagerduty events client",
    r"""
import requests

ROUTING_KEY = "«pdkey»"  # TODO move to env before merge


def page(summary: str, source: str, severity: str = "critical") -> str:
    resp = requests.post(
        "https://events.pagerduty.com/v2/enqueue",
        json={
            "routing_key": ROUTING_KEY,
            "event_action": "trigger",
            "payload": {"summary": summary, "source": source, "severity": severity},
        },
        timeout=5,
    )
    resp.raise_for_status()
    return resp.json()["dedup_key"]
""",
)
P(
    "source",
    "python slack sdk bot",
    r"""
from slack_sdk import WebClient

client = WebClient(token="«slackbot»")


def announce_incident(channel_id: str, title: str) -> None:
    client.chat_postMessage(channel=channel_id, text=f":rotating_light: {title}")
""",
)
P(
    "source",
    "python opentelemetry otlp exporter headers",
    r"""
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

exporter = OTLPSpanExporter(
    endpoint="https://api.honeycomb.io/v1/traces",
    headers={"x-honeycomb-team": "«hckey»"},
)
provider = TracerProvider(resource=Resource.create({"service.name": "checkout"}))
provider.add_span_processor(BatchSpanProcessor(exporter))
trace.set_tracer_provider(provider)
""",
)
P(
    "source",
    "go otlp grpc exporter headers",
    r"""
func newExporter(ctx context.Context) (*otlptrace.Exporter, error) {
	return otlptracegrpc.New(ctx,
		otlptracegrpc.WithEndpoint("ingest.lightstep.com:443"),
		otlptracegrpc.WithHeaders(map[string]string{
			"lightstep-access-token": "«lstoken»",
		}),
		otlptracegrpc.WithCompressor("gzip"),
	)
}
""",
)
P(
    "source",
    "go prometheus remote write client",
    r"""
	cfg := &remote.ClientConfig{
		URL:     &config_util.URL{URL: u},
		Timeout: model.Duration(30 * time.Second),
		HTTPClientConfig: config_util.HTTPClientConfig{
			BasicAuth: &config_util.BasicAuth{
				Username: "‹digits:7›",
				Password: config_util.Secret("«glc»"),
			},
		},
	}
""",
)
P(
    "source",
    "go statsd datadog client with api key",
    r"""
package main

import (
	"github.com/DataDog/datadog-go/v5/statsd"
	"gopkg.in/DataDog/dd-trace-go.v1/profiler"
)

func main() {
	_ = profiler.Start(
		profiler.WithService("ingest"),
		profiler.WithEnv("prod"),
		profiler.WithAPIKey("«ddapi»"),
		profiler.WithAgentlessUpload(),
	)
	defer profiler.Stop()
	client, _ := statsd.New("127.0.0.1:8125")
	defer client.Close()
}
""",
)
P(
    "source",
    "java newrelic yml via system props",
    r"""
public final class Telemetry {
    static {
        System.setProperty("newrelic.config.license_key", "«nrlicense»");
        System.setProperty("newrelic.config.app_name", "orders-service");
        System.setProperty("newrelic.config.distributed_tracing.enabled", "true");
    }

    private Telemetry() {}
}
""",
)
P(
    "source",
    "java sentry options",
    r"""
Sentry.init(options -> {
    options.setDsn("https://‹hex:32›@o‹digits:6›.ingest.sentry.io/‹digits:7›");
    options.setRelease("orders@‹sha:12›");
    options.setTracesSampleRate(0.1);
});
// build.gradle: sentry { authToken = "«sntrys»" ; org = "acme" ; projectName = "orders" }
""",
)
P(
    "source",
    "node winston datadog transport",
    r"""
const { createLogger, format, transports } = require('winston');

const httpTransportOptions = {
  host: 'http-intake.logs.datadoghq.com',
  path: '/api/v2/logs?dd-api-key=«ddapi»&ddsource=nodejs&service=checkout',
  ssl: true,
};

const logger = createLogger({
  level: 'info',
  format: format.json(),
  transports: [new transports.Http(httpTransportOptions)],
});
""",
)
P(
    "source",
    "node pino loki transport",
    r"""
import pino from 'pino';

const transport = pino.transport({
  target: 'pino-loki',
  options: {
    batching: true,
    interval: 5,
    host: 'https://logs-prod-eu-west-0.grafana.net',
    basicAuth: { username: '‹digits:6›', password: '«glc»' },
    labels: { app: 'storefront' },
  },
});
export const logger = pino(transport);
""",
)
P(
    "source",
    "node opsgenie sdk",
    r"""
const opsgenie = require('opsgenie-sdk');

opsgenie.configure({
  api_key: '«uuid»',
  host: 'https://api.eu.opsgenie.com',
});

module.exports.raise = (message, priority = 'P3') =>
  new Promise((resolve, reject) =>
    opsgenie.alertV2.create({ message, priority }, (err, res) => (err ? reject(err) : resolve(res))));
""",
)
P(
    "source",
    "node newrelic.js config",
    r"""
'use strict'
/**
 * New Relic agent configuration.
 */
exports.config = {
  app_name: ['storefront-web'],
  license_key: '«nrlicense»',
  logging: {
    level: 'info'
  },
  allow_all_headers: true,
  attributes: {
    exclude: [
      'request.headers.cookie',
      'request.headers.authorization',
      'request.headers.x*'
    ]
  }
}
""",
)
P(
    "source",
    "env file for monitoring stack",
    r"""
# .env (monitoring stack, local only)
GF_SECURITY_ADMIN_USER=admin
GF_SECURITY_ADMIN_PASSWORD=«pw»
DD_API_KEY=«ddapi»
SENTRY_DSN=https://‹hex:32›@o‹digits:6›.ingest.sentry.io/‹digits:7›
SENTRY_AUTH_TOKEN=«sntryu»
SLACK_WEBHOOK_URL=https://hooks.slack.com/services/‹slackT›/‹slackB›/«hook24»
PAGERDUTY_ROUTING_KEY=«pdkey»
""",
)
P(
    "source",
    "systemd unit environment",
    r"""
[Unit]
Description=OpenTelemetry Collector
After=network-online.target

[Service]
Environment=HONEYCOMB_API_KEY=«hckey»
Environment=GOMEMLIMIT=800MiB
ExecStart=/usr/bin/otelcol-contrib --config=/etc/otelcol-contrib/config.yaml
Restart=on-failure

[Install]
WantedBy=multi-user.target
""",
)
P(
    "source",
    "sentryclirc",
    r"""
[defaults]
url = https://sentry.io/
org = acme
project = storefront

[auth]
token = «sntrys»
""",
)
P(
    "source",
    "alloy config river",
    r"""
prometheus.remote_write "grafanacloud" {
  endpoint {
    url = "https://prometheus-prod-24-prod-eu-west-2.grafana.net/api/prom/push"

    basic_auth {
      username = "‹digits:7›"
      password = "«glc»"
    }
  }
}

loki.write "grafanacloud" {
  endpoint {
    url = "https://logs-prod-012.grafana.net/loki/api/v1/push"
    basic_auth {
      username = "‹digits:6›"
      password = "«glc»"
    }
  }
}
""",
)
P(
    "source",
    "alloy otelcol auth headers",
    r"""
otelcol.auth.headers "honeycomb" {
  header {
    key   = "x-honeycomb-team"
    value = "«hckey»"
  }
}

otelcol.exporter.otlp "honeycomb" {
  client {
    endpoint = "api.honeycomb.io:443"
    auth     = otelcol.auth.headers.honeycomb.handler
  }
}
""",
)
P(
    "source",
    "nagios-style check config with creds",
    r"""
define command {
    command_name    check_grafana_api
    command_line    $USER1$/check_http -H grafana.ops.example.com -S -u /api/health -a admin:«pw» -e 200
}
# resource.cfg
$USER3$=«rpw»
""",
)
P(
    "source",
    "terraform pagerduty provider",
    r"""
provider "pagerduty" {
  token = "«pdapi»"
}

resource "pagerduty_service" "checkout" {
  name                    = "Checkout API"
  escalation_policy       = pagerduty_escalation_policy.payments.id
  alert_creation          = "create_alerts_and_incidents"
  acknowledgement_timeout = 600
}
""",
)
P(
    "source",
    "terraform datadog provider",
    r"""
provider "datadog" {
  api_key = "«ddapi»"
  app_key = "«ddapp»"
  api_url = "https://api.datadoghq.eu/"
}

resource "datadog_monitor" "checkout_p99" {
  name    = "[prod] checkout-api p99 latency"
  type    = "query alert"
  query   = "avg(last_5m):p99:trace.http.request{service:checkout-api,env:prod} > 1.5"
  message = "@pagerduty-payments p99 above 1.5s"
}
""",
)
P(
    "source",
    "terraform grafana provider",
    r"""
provider "grafana" {
  url  = "https://acme.grafana.net/"
  auth = "«glsa»"
  cloud_access_policy_token = "«glc»"
}
""",
)
P(
    "source",
    "terraform opsgenie and statuspage",
    r"""
provider "opsgenie" {
  api_key = "«uuid»"
  api_url = "api.eu.opsgenie.com"
}

provider "statuspage" {
  api_key = "«uuid»"
}
""",
)
P(
    "source",
    "terraform sentry provider",
    r"""
provider "sentry" {
  token    = "«sntryu»"
  base_url = "https://sentry.io/api/"
}
""",
)
P(
    "source",
    "python uptime probe basic auth",
    r"""
import httpx

PROBES = [
    ("https://admin.example.com/healthz", ("probe", "«pw»")),
    ("https://api.example.com/healthz", None),
]

async def run() -> list[tuple[str, int]]:
    async with httpx.AsyncClient(timeout=5) as client:
        return [(url, (await client.get(url, auth=auth)).status_code) for url, auth in PROBES]
""",
)
P(
    "source",
    "checkly browser check script",
    r"""
const { expect, test } = require('@playwright/test')

test('login works', async ({ page }) => {
  await page.goto('https://app.example.com/login')
  await page.fill('#email', 'synthetic-user@example.com')
  await page.fill('#password', '«pw»')
  await page.click('button[type=submit]')
  await expect(page.locator('h1')).toHaveText('Dashboard')
})
""",
)
P(
    "source",
    "prometheus web config tls key inline",
    r"""
# web-config.yml
tls_server_config:
  cert_file: /etc/prometheus/tls/server.crt
  key_file: /etc/prometheus/tls/server.key
basic_auth_users:
  admin: ‹bcrypt›
# the key for the exporter, pasted while debugging the TLS handshake:
# «pem:rsa»
""",
)
P(
    "json",
    "gcp service account json for stackdriver exporter",
    r"""
{
  "type": "service_account",
  "project_id": "acme-observability",
  "private_key_id": "‹hex:40›",
  "private_key": "«pem:pkcs8|json»\n",
  "client_email": "stackdriver-exporter@acme-observability.iam.gserviceaccount.com",
  "client_id": "‹digits:21›",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token"
}
""",
)
P(
    "source",
    "php monolog slack handler",
    r"""
$log = new Logger('billing');
$log->pushHandler(new SlackWebhookHandler(
    'https://hooks.slack.com/services/‹slackT›/‹slackB›/«hook24»',
    '#billing-alerts',
    'monolog',
    true,
    null,
    false,
    true,
    Level::Error
));
""",
)
P(
    "source",
    "ruby sentry and honeybadger",
    r"""
Sentry.init do |config|
  config.dsn = 'https://‹hex:32›@o‹digits:6›.ingest.sentry.io/‹digits:7›'
  config.traces_sample_rate = 0.1
end

Honeybadger.configure do |config|
  config.api_key = '«hbp»'
  config.env = 'production'
end
""",
)
P(
    "source",
    "zabbix agent conf psk and server",
    r"""
Server=zabbix.noc.example.net
ServerActive=zabbix.noc.example.net
Hostname=web-07
TLSConnect=psk
TLSAccept=psk
TLSPSKIdentity=web-07-psk
# PSK copied here for the rebuild, move back to the file:
TLSPSKValue=«hex:64»
""",
)
P(
    "source",
    "pgpass for exporter",
    r"""
# ~/.pgpass of the postgres_exporter user
pg-primary.internal:5432:*:postgres_exporter:«anypw»
pg-replica.internal:5432:*:postgres_exporter:«anypw»
""",
)
P(
    "source",
    "go hardcoded slack webhook in alert relay",
    r"""
const (
	slackWebhook   = "https://hooks.slack.com/services/‹slackT›/‹slackB›/«hook24»"
	defaultChannel = "#alerts-prod"
)

func notify(ctx context.Context, text string) error {
	body, _ := json.Marshal(map[string]string{"text": text, "channel": defaultChannel})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, slackWebhook, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	_, err := http.DefaultClient.Do(req)
	return err
}
""",
)
P(
    "source",
    "rust tracing opentelemetry headers",
    r"""
let mut headers = HashMap::new();
headers.insert("x-honeycomb-team".to_string(), "«hckey»".to_string());
let exporter = opentelemetry_otlp::SpanExporter::builder()
    .with_http()
    .with_endpoint("https://api.honeycomb.io/v1/traces")
    .with_headers(headers)
    .build()?;
""",
)
P(
    "source",
    "csharp application insights and seq",
    r"""
builder.Logging.AddSeq("https://seq.ops.example.com", apiKey: "«alnum:20»");
builder.Services.AddOpenTelemetry()
    .WithTracing(t => t.AddOtlpExporter(o =>
    {
        o.Endpoint = new Uri("https://otlp.eu01.nr-data.net:4318/v1/traces");
        o.Headers = "api-key=«nrlicense»";
        o.Protocol = OtlpExportProtocol.HttpProtobuf;
    }));
""",
)


# ----------------------------------------------------------------------------- source, negatives
N(
    "source",
    "grafana.ini with env and file providers",
    r"""
[security]
admin_user = admin
admin_password = $__file{/run/secrets/grafana_admin_password}
secret_key = $__env{GF_SECRET_KEY}
cookie_secure = true

[database]
type = postgres
host = grafana-db.internal:5432
user = grafana
password = $__vault{kv:secret/grafana/db:password}
""",
)
N(
    "source",
    "grafana.ini defaults placeholders",
    r"""
[security]
# default admin user, created on startup
admin_user = admin
# default admin password, can be changed before first start of grafana, or in profile settings
admin_password = admin
# used for signing
;secret_key = <generate one with: openssl rand -base64 32>

[auth.anonymous]
enabled = false
org_role = Viewer
""",
)
N(
    "source",
    "fluent-bit conf env references",
    r"""
[OUTPUT]
    Name            es
    Match           kube.*
    Host            ${ES_HOST}
    Port            9243
    HTTP_User       ${ES_USER}
    HTTP_Passwd     ${ES_PASSWORD}
    tls             On

[OUTPUT]
    Name          splunk
    Match         audit.*
    Splunk_Token  ${SPLUNK_HEC_TOKEN}
""",
)
N(
    "source",
    "fluent-bit filter dropping secrets",
    r"""
[FILTER]
    Name          modify
    Match         kube.*
    Remove        password
    Remove        api_key
    Remove        authorization

[FILTER]
    Name    lua
    Match   kube.*
    script  /fluent-bit/scripts/scrub.lua
    call    scrub_tokens
""",
)
N(
    "source",
    "vector toml env references and vrl redact",
    r"""
[sinks.datadog]
type = "datadog_logs"
inputs = ["scrubbed"]
default_api_key = "${DD_API_KEY}"

[transforms.scrubbed]
type = "remap"
inputs = ["app_logs"]
source = '''
  .message = redact(string!(.message), filters: [r'(?i)(api[_-]?key|token|password)=\S+'])
  del(.headers.authorization)
'''
""",
)
N(
    "source",
    "logstash conf keystore references",
    r"""
output {
  elasticsearch {
    hosts => ["https://es-01:9200"]
    user => "${ES_USER}"
    password => "${ES_PWD}"
    index => "weblogs-%{+YYYY.MM.dd}"
  }
}
filter {
  mutate { gsub => ["message", "password=[^&\s]+", "password=[FILTERED]"] }
}
""",
)
N(
    "source",
    "python code reading secrets from env",
    r"""
import os

import sentry_sdk
from datadog import initialize

initialize(api_key=os.environ["DD_API_KEY"], app_key=os.environ.get("DD_APP_KEY"))
sentry_sdk.init(dsn=os.environ["SENTRY_DSN"], traces_sample_rate=0.2)
PAGERDUTY_ROUTING_KEY = os.getenv("PAGERDUTY_ROUTING_KEY", "")
if not PAGERDUTY_ROUTING_KEY:
    raise SystemExit("PAGERDUTY_ROUTING_KEY is not set")
""",
)
N(
    "source",
    "python sentry before_send scrubbing",
    r"""
SENSITIVE = {"password", "api_key", "token", "authorization", "secret", "cookie"}


def before_send(event, hint):
    headers = event.get("request", {}).get("headers", {})
    for name in list(headers):
        if name.lower() in SENSITIVE:
            headers[name] = "[Filtered]"
    return event


sentry_sdk.init(dsn=settings.SENTRY_DSN, before_send=before_send, send_default_pii=False)
""",
)
N(
    "source",
    "python sentry init public dsn",
    r"""
sentry_sdk.init(
    dsn="https://‹hex:32›@o‹digits:6›.ingest.us.sentry.io/‹digits:7›",
    environment="production",
    release="api@‹sha:12›",
    traces_sample_rate=0.2,
    profiles_sample_rate=0.1,
)
""",
)
N(
    "source",
    "go otel span attributes no secrets",
    r"""
	ctx, span := tracer.Start(ctx, "auth.VerifyToken",
		trace.WithAttributes(
			attribute.String("auth.token.kid", kid),
			attribute.String("auth.token.type", "access"),
			attribute.Bool("auth.token.expired", expired),
			attribute.Int("auth.api_key.id", keyID),
		))
	defer span.End()
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, "token rejected")
	}
""",
)
N(
    "source",
    "go metric names with secret words",
    r"""
var (
	authTokenErrors = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "auth_token_errors_total",
		Help: "Tokens rejected, by reason.",
	}, []string{"reason"})
	apiKeyRequests = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "api_key_requests_total",
		Help: "Requests authenticated with an API key, by key type.",
	}, []string{"key_type"})
	passwordHashDuration = promauto.NewHistogram(prometheus.HistogramOpts{
		Name:    "password_hash_duration_seconds",
		Buckets: prometheus.ExponentialBuckets(0.01, 2, 10),
	})
)
""",
)
N(
    "source",
    "java logback mask pattern",
    r"""
<configuration>
  <appender name="JSON" class="ch.qos.logback.core.ConsoleAppender">
    <encoder class="net.logstash.logback.encoder.LogstashEncoder">
      <jsonGeneratorDecorator class="net.logstash.logback.mask.MaskingJsonGeneratorDecorator">
        <defaultMask>****</defaultMask>
        <path>password</path>
        <path>apiKey</path>
        <value>(?i)bearer [a-z0-9._-]+</value>
      </jsonGeneratorDecorator>
    </encoder>
  </appender>
</configuration>
""",
)
N(
    "source",
    "node newrelic config env",
    r"""
'use strict'
exports.config = {
  app_name: [process.env.NEW_RELIC_APP_NAME || 'storefront-web'],
  license_key: process.env.NEW_RELIC_LICENSE_KEY,
  distributed_tracing: { enabled: true },
  attributes: {
    exclude: ['request.headers.cookie', 'request.headers.authorization', 'request.headers.x-api-key']
  }
}
""",
)
N(
    "source",
    "node datadog rum init public token",
    r"""
import { datadogRum } from '@datadog/browser-rum';

datadogRum.init({
  applicationId: '‹uuid›',
  clientToken: '‹ddpub›',
  site: 'datadoghq.eu',
  service: 'storefront-web',
  env: 'prod',
  version: '‹sha:7›',
  sessionSampleRate: 20,
  trackUserInteractions: true,
});
""",
)
N(
    "source",
    "newrelic browser snippet public",
    r"""
<script type="text/javascript">
;window.NREUM||(NREUM={});NREUM.init={distributed_tracing:{enabled:true},privacy:{cookies_enabled:true}};
;NREUM.loader_config={accountID:"‹digits:7›",trustKey:"‹digits:7›",agentID:"‹digits:9›",licenseKey:"‹nrjs›",applicationID:"‹digits:9›"};
;NREUM.info={beacon:"bam.eu01.nr-data.net",errorBeacon:"bam.eu01.nr-data.net",licenseKey:"‹nrjs›",applicationID:"‹digits:9›",sa:1};
</script>
""",
)
N(
    "source",
    "terraform with variables and data sources",
    r"""
variable "pagerduty_token" {
  type      = string
  sensitive = true
}

provider "pagerduty" {
  token = var.pagerduty_token
}

data "aws_secretsmanager_secret_version" "datadog" {
  secret_id = "prod/observability/datadog"
}

provider "datadog" {
  api_key = jsondecode(data.aws_secretsmanager_secret_version.datadog.secret_string)["api_key"]
  app_key = jsondecode(data.aws_secretsmanager_secret_version.datadog.secret_string)["app_key"]
}
""",
)
N(
    "source",
    "terraform monitor definitions",
    r"""
resource "datadog_monitor" "token_errors" {
  name    = "[prod] auth token errors"
  type    = "metric alert"
  query   = "sum(last_10m):sum:auth.token_errors{env:prod}.as_count() > 500"
  message = <<-EOT
    Token validation errors above threshold. Runbook: https://runbooks.example.com/auth/token-errors
    @pagerduty-identity @slack-‹slackC›
  EOT
  tags = ["team:identity", "service:auth"]
}
""",
)
N(
    "source",
    "env example file",
    r"""
# .env.example - copy to .env and fill in
GF_SECURITY_ADMIN_USER=admin
GF_SECURITY_ADMIN_PASSWORD=
DD_API_KEY=<your-datadog-api-key>
SENTRY_AUTH_TOKEN=sntrys_...
SLACK_WEBHOOK_URL=https://hooks.slack.com/services/<team-id>/<channel-id>/<token>
PAGERDUTY_ROUTING_KEY=changeme
""",
)
N(
    "source",
    "systemd unit with EnvironmentFile",
    r"""
[Unit]
Description=OpenTelemetry Collector
After=network-online.target

[Service]
EnvironmentFile=/etc/otelcol-contrib/otelcol-contrib.env
LoadCredential=honeycomb-key:/etc/credstore/honeycomb-key
ExecStart=/usr/bin/otelcol-contrib --config=/etc/otelcol-contrib/config.yaml
Restart=on-failure
""",
)
N(
    "source",
    "alloy config with env and file",
    r"""
prometheus.remote_write "grafanacloud" {
  endpoint {
    url = "https://prometheus-prod-24-prod-eu-west-2.grafana.net/api/prom/push"
    basic_auth {
      username = sys.env("GCLOUD_METRICS_USER")
      password = local.file.gcloud_token.content
    }
  }
}

local.file "gcloud_token" {
  filename  = "/var/lib/alloy/secrets/gcloud-token"
  is_secret = true
}
""",
)
N(
    "source",
    "splunk inputs conf with token name",
    r"""
[http://otel-collector]
disabled = 0
index = k8s_logs
sourcetype = otel
# token value lives in $SPLUNK_HOME/etc/apps/splunk_httpinput/local/inputs.conf on the HF, managed by the deployer
description = HEC input for the OTel gateway (token name: otel-collector, rotated 2026-11-30)
""",
)
N(
    "source",
    "telegraf conf env references",
    r"""
[[outputs.influxdb_v2]]
  urls = ["https://influx.obs.example.net:8086"]
  token = "$INFLUX_TOKEN"
  organization = "sre"
  bucket = "telegraf"

[[inputs.snmp]]
  agents = ["udp://10.20.0.1:161"]
  version = 2
  community = "public"
""",
)
N(
    "source",
    "python prometheus client metrics",
    r"""
from prometheus_client import Counter, Histogram

TOKEN_REFRESH = Counter("oauth_token_refresh_total", "Access-token refreshes", ["client_id", "outcome"])
PASSWORD_CHECK = Histogram("password_check_seconds", "Time spent verifying a password hash")
API_KEY_LOOKUPS = Counter("api_key_lookups_total", "API key lookups by result", ["result"])

TOKEN_REFRESH.labels(client_id="grafana", outcome="ok").inc()
""",
)
N(
    "source",
    "ruby config reading credentials",
    r"""
Sentry.init do |config|
  config.dsn = Rails.application.credentials.dig(:sentry, :dsn)
  config.traces_sample_rate = 0.1
end

Honeybadger.configure do |config|
  config.api_key = ENV.fetch('HONEYBADGER_API_KEY')
end
""",
)
N(
    "source",
    "zabbix agent conf psk file",
    r"""
Server=zabbix.noc.example.net
ServerActive=zabbix.noc.example.net
Hostname=web-07
TLSConnect=psk
TLSAccept=psk
TLSPSKIdentity=web-07-psk
TLSPSKFile=/etc/zabbix/zabbix_agentd.psk
""",
)
N(
    "source",
    "go config struct with secret fields",
    r"""
type Config struct {
	PagerDutyRoutingKey string        `envconfig:"PAGERDUTY_ROUTING_KEY" required:"true"`
	SlackWebhookURL     string        `envconfig:"SLACK_WEBHOOK_URL" required:"true"`
	OpsgenieAPIKey      string        `envconfig:"OPSGENIE_API_KEY"`
	DedupWindow         time.Duration `envconfig:"DEDUP_WINDOW" default:"5m"`
}

func (c Config) String() string {
	return fmt.Sprintf("Config{PagerDutyRoutingKey: %q, SlackWebhookURL: %q, DedupWindow: %s}", "[REDACTED]", "[REDACTED]", c.DedupWindow)
}
""",
)
N(
    "source",
    "csharp otel config from configuration",
    r"""
builder.Services.AddOpenTelemetry()
    .WithTracing(t => t.AddOtlpExporter(o =>
    {
        o.Endpoint = new Uri(builder.Configuration["Otlp:Endpoint"]!);
        o.Headers = $"api-key={builder.Configuration["NewRelic:LicenseKey"]}";
    }));
builder.Logging.AddSeq(builder.Configuration.GetSection("Seq"));
""",
)
N(
    "source",
    "prometheus web config hashes only",
    r"""
# web-config.yml
tls_server_config:
  cert_file: /etc/prometheus/tls/server.crt
  key_file: /etc/prometheus/tls/server.key
basic_auth_users:
  admin: ‹bcrypt›
  grafana: ‹bcrypt›
  federate: ‹bcrypt›
""",
)
N(
    "source",
    "dockerfile for exporter with build args",
    r"""
FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN --mount=type=secret,id=netrc,target=/root/.netrc go build -o /out/pd-exporter ./cmd/pd-exporter

FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/pd-exporter /pd-exporter
ENV PAGERDUTY_AUTH_TOKEN_FILE=/var/run/secrets/pd/token
USER nonroot
ENTRYPOINT ["/pd-exporter"]
""",
)
N(
    "source",
    "checkly browser check with env",
    r"""
test('login works', async ({ page }) => {
  await page.goto('https://app.example.com/login')
  await page.fill('#email', process.env.LOGIN_EMAIL)
  await page.fill('#password', process.env.LOGIN_PASSWORD)
  await page.click('button[type=submit]')
  await expect(page.locator('h1')).toHaveText('Dashboard')
})
""",
)
N(
    "source",
    "python hashing api keys for lookup",
    r"""
import hashlib
import hmac


def key_fingerprint(raw_key: str) -> str:
    return "sha256:" + hashlib.sha256(raw_key.encode()).hexdigest()


KNOWN = {
    "ci-dashboards": "sha256:‹sha256›",
    "oncall-bot": "sha256:‹sha256›",
}
""",
)
N(
    "source",
    "nginx conf stub_status and auth_basic file",
    r"""
server {
    listen 8080;
    location /nginx_status {
        stub_status;
        allow 10.0.0.0/8;
        deny all;
    }
    location /metrics {
        auth_basic           "metrics";
        auth_basic_user_file /etc/nginx/htpasswd.metrics;
        proxy_pass           http://127.0.0.1:9113;
    }
}
""",
)
N(
    "source",
    "promql in python notebook",
    r"""
QUERIES = {
    "token_errors": 'sum by (reason) (rate(auth_token_errors_total{env="prod"}[5m]))',
    "key_requests": 'topk(10, sum by (api_key_id) (rate(api_key_requests_total[1h])))',
    "reset_spike": 'sum(rate(password_reset_requests_total[10m]))',
}
for name, expr in QUERIES.items():
    r = requests.get(f"{PROM}/api/v1/query", params={"query": expr}, timeout=10)
    print(name, r.json()["data"]["result"][:3])
""",
)
N(
    "source",
    "sentryclirc without token",
    r"""
[defaults]
url = https://sentry.io/
org = acme
project = storefront

[http]
keepalive = true
; auth token comes from SENTRY_AUTH_TOKEN in CI
""",
)


# ----------------------------------------------------------------------------- url, positives
P(
    "url",
    "slack incoming webhook url",
    r"""
https://hooks.slack.com/services/‹slackT›/‹slackB›/«hook24»
""",
)
P(
    "url",
    "slack workflow trigger url",
    r"""
https://hooks.slack.com/triggers/‹slackT›/‹digits:13›/«hex:32»
""",
)
P(
    "url",
    "discord webhook url with query",
    r"""
https://discord.com/api/webhooks/‹discordid›/«discordtok»?wait=true
""",
)
P(
    "url",
    "discordapp legacy webhook",
    r"""
https://discordapp.com/api/webhooks/‹discordid›/«discordtok»/slack
""",
)
P(
    "url",
    "teams incoming webhook url",
    r"""
https://acme.webhook.office.com/webhookb2/‹uuid›@‹uuid›/IncomingWebhook/«teamshook»
""",
)
P(
    "url",
    "power automate teams workflow url",
    r"""
https://prod-‹digits:2›.westeurope.logic.azure.com:443/workflows/‹hex:32›/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=«sig»
""",
)
P(
    "url",
    "mattermost webhook url",
    r"""
https://mattermost.example.com/hooks/«mmhook»
""",
)
P(
    "url",
    "google chat webhook url",
    r"""
https://chat.googleapis.com/v1/spaces/AAAA‹b64u:7›/messages?key=AIza‹b64u:35›&token=«b64u:43»%3D
""",
)
P(
    "url",
    "remote write url with userinfo",
    r"""
https://‹digits:7›:«glc|url»@prometheus-prod-24-prod-eu-west-2.grafana.net/api/prom/push
""",
)
P(
    "url",
    "victoriametrics url with basic auth",
    r"""
https://vmagent:«pw|url»@vm.obs.example.net/insert/0/prometheus/api/v1/write
""",
)
P(
    "url",
    "loki push url with credentials",
    r"""
https://loki-writer:«rpw|url»@loki.obs.example.net/loki/api/v1/push
""",
)
P(
    "url",
    "elasticsearch url with password",
    r"""
https://elastic:«pw|url»@es-01.obs.internal:9200/_bulk
""",
)
P(
    "url",
    "alertmanager url with basic auth",
    r"""
https://admin:«anypw|url»@alertmanager.prod.example.com/api/v2/alerts?active=true&silenced=false
""",
)
P(
    "url",
    "prometheus federate with bearer in query",
    r"""
https://prometheus-eu.example.net/federate?match[]=%7Bjob%3D%22node%22%7D&access_token=«bearer:40»
""",
)
P(
    "url",
    "grafana dashboard link with auth token",
    r"""
https://grafana.ops.example.com/d/‹dashuid›/checkout-overview?orgId=1&kiosk&auth_token=«glsa»&from=now-6h&to=now
""",
)
P(
    "url",
    "grafana public dashboard with render api key",
    r"""
https://grafana.ops.example.com/render/d-solo/‹dashuid›/checkout?orgId=1&panelId=4&width=1000&height=500&tz=UTC&api_key=«grafanakey»
""",
)
P(
    "url",
    "datadog intake url with api key",
    r"""
https://http-intake.logs.datadoghq.eu/api/v2/logs?dd-api-key=«ddapi»&ddsource=fastly&service=cdn
""",
)
P(
    "url",
    "datadog api url with both keys",
    r"""
https://api.datadoghq.com/api/v1/query?from=‹epoch›&to=‹epoch›&query=avg:system.load.1%7Bhost:web-07%7D&api_key=«ddapi»&application_key=«ddapp»
""",
)
P(
    "url",
    "sumo logic http source url",
    r"""
https://endpoint4.collection.us2.sumologic.com/receiver/v1/http/«sumotok»
""",
)
P(
    "url",
    "sumo logic otlp url",
    r"""
https://endpoint1.collection.eu.sumologic.com/receiver/v1/otlp/«sumotok»/v1/traces
""",
)
P(
    "url",
    "logz.io listener url token",
    r"""
https://listener-eu.logz.io:8071/?token=«logzio»&type=nginx
""",
)
P(
    "url",
    "new relic log api with license key",
    r"""
https://log-api.newrelic.com/log/v1?Api-Key=«nrlicense»
""",
)
P(
    "url",
    "honeycomb events url with team key",
    r"""
https://api.honeycomb.io/1/batch/checkout?x-honeycomb-team=«hckey»
""",
)
P(
    "url",
    "uptimerobot status badge api url",
    r"""
https://api.uptimerobot.com/v2/getMonitors?api_key=«uptimerobot»&format=json&monitors=‹digits:9›
""",
)
P(
    "url",
    "better stack heartbeat url",
    r"""
https://uptime.betterstack.com/api/v1/heartbeat/«betterstack»
""",
)
P(
    "url",
    "victorops rest endpoint url",
    r"""
https://alert.victorops.com/integrations/generic/20131114/alert/«uuid»/platform-team
""",
)
P(
    "url",
    "pagerduty cloudwatch integration url",
    r"""
https://events.pagerduty.com/integration/«pdkey»/enqueue
""",
)
P(
    "url",
    "opsgenie url with apikey",
    r"""
https://api.opsgenie.com/v1/json/cloudwatch?apiKey=«uuid»
""",
)
P(
    "url",
    "telegram bot api url",
    r"""
https://api.telegram.org/bot«telegram»/getUpdates?offset=-1
""",
)
P(
    "url",
    "splunk hec url with token",
    r"""
https://splunk-hec.example.com:8088/services/collector/raw?channel=‹UUID›&token=«UUID»
""",
)
P(
    "url",
    "postgres dsn for exporter",
    r"""
postgresql://postgres_exporter:«anypw|url»@pg-primary.internal:5432/postgres?sslmode=require
""",
)
P(
    "url",
    "redis url alert dedup",
    r"""
rediss://default:«rpw|url»@alert-dedup.cache.internal:6380/0
""",
)
P(
    "url",
    "amqp url rabbitmq exporter",
    r"""
amqps://monitoring:«pw|url»@rabbitmq.internal:5671/%2F
""",
)
P(
    "url",
    "mongodb url for exporter",
    r"""
mongodb+srv://mongodb_exporter:«pw|url»@cluster0.‹lower:5›.mongodb.net/admin?retryWrites=true&w=majority
""",
)
P(
    "url",
    "kibana share link with jwt",
    r"""
https://kibana.obs.example.net/app/discover#/view/‹uuid›?_g=(time:(from:now-1h,to:now))&auth_provider_hint=jwt&access_token=«jwt»
""",
)
P(
    "url",
    "zulip incoming webhook url",
    r"""
https://zulip.example.com/api/v1/external/alertmanager?api_key=«zulip»&stream=ops&name=alertname
""",
)
P(
    "url",
    "checkly webhook with token query",
    r"""
https://incident-bot.internal.example.com/hooks/checkly?token=«bearer:32»&source=synthetics
""",
)
P(
    "url",
    "jaeger query with basic auth",
    r"""
https://jaeger:«pw|url»@jaeger.obs.example.net/api/traces/‹trace›
""",
)
P(
    "url",
    "otlp endpoint with key in query",
    r"""
https://otlp.nr-data.net:4318/v1/traces?api-key=«nrlicense»
""",
)
P(
    "url",
    "legacy sentry dsn with secret",
    r"""
https://‹hex:32›:«hex:32»@o‹digits:6›.ingest.sentry.io/‹digits:7›
""",
)
P(
    "url",
    "pushover api url",
    r"""
https://api.pushover.net/1/messages.json?token=«pushover#t»&user=«pushover#u»&message=disk%20full
""",
)
P(
    "url",
    "statuspage api url with api_key",
    r"""
https://api.statuspage.io/v1/pages/‹lower:12›/incidents.json?api_key=«uuid»
""",
)
P(
    "url",
    "snmp exporter probe url with community param",
    r"""
http://snmp-exporter.monitoring:9116/snmp?target=10.20.0.1&module=if_mib&auth=custom&community=«lower:12»
""",
)

# ----------------------------------------------------------------------------- url, negatives
N(
    "url",
    "grafana dashboard link with variables",
    r"""
https://grafana.ops.example.com/d/‹dashuid›/checkout-overview?orgId=1&from=‹epochms›&to=‹epochms›&var-cluster=prod-eu-1&var-service=checkout&viewPanel=12
""",
)
N(
    "url",
    "grafana explore link with trace id",
    r"""
https://grafana.ops.example.com/explore?schemaVersion=1&panes=%7B%22a%22:%7B%22datasource%22:%22tempo%22,%22queries%22:%5B%7B%22query%22:%22‹trace›%22%7D%5D%7D%7D&orgId=1
""",
)
N(
    "url",
    "grafana public dashboard access token",
    r"""
https://grafana.ops.example.com/public-dashboards/‹hex:32›
""",
)
N(
    "url",
    "prometheus graph link",
    r"""
https://prometheus.prod.example.com/graph?g0.expr=sum%20by%20(reason)%20(rate(auth_token_errors_total%5B5m%5D))&g0.tab=0&g0.range_input=1h
""",
)
N(
    "url",
    "alertmanager silence link",
    r"""
https://alertmanager.prod.example.com/#/silences/new?filter=%7Balertname%3D%22TargetDown%22%2C%20job%3D%22pushgateway%22%7D
""",
)
N(
    "url",
    "pagerduty incident link",
    r"""
https://acme.pagerduty.com/incidents/‹upper:14›?utm_source=slack&utm_campaign=channel
""",
)
N(
    "url",
    "sentry issue link",
    r"""
https://acme.sentry.io/issues/‹digits:10›/events/‹hex:32›/?project=‹digits:7›&environment=production&referrer=slack
""",
)
N(
    "url",
    "sentry public dsn",
    r"""
https://‹hex:32›@o‹digits:6›.ingest.us.sentry.io/‹digits:7›
""",
)
N(
    "url",
    "honeycomb trace link",
    r"""
https://ui.honeycomb.io/acme/environments/production/datasets/checkout/trace?trace_id=‹trace›&span=‹span›&trace_start_ts=‹epoch›
""",
)
N(
    "url",
    "datadog trace link",
    r"""
https://app.datadoghq.eu/apm/trace/‹digits:19›?spanID=‹digits:19›&env=prod&service=checkout-api
""",
)
N(
    "url",
    "datadog monitor link",
    r"""
https://app.datadoghq.com/monitors/‹digits:8›?view=spans&from_ts=‹epochms›&to_ts=‹epochms›&live=false
""",
)
N(
    "url",
    "kibana discover link with query",
    r"""
https://kibana.obs.example.net/app/discover#/?_g=(time:(from:now-15m,to:now))&_a=(query:(language:kuery,query:'message:"token rejected" and service.name:auth'))
""",
)
N(
    "url",
    "jaeger trace link",
    r"""
https://jaeger.obs.example.net/trace/‹trace›?uiFind=‹span›
""",
)
N(
    "url",
    "remote write url without credentials",
    r"""
https://prometheus-prod-24-prod-eu-west-2.grafana.net/api/prom/push
""",
)
N(
    "url",
    "otlp endpoint without key",
    r"""
https://otlp-gateway-prod-eu-west-2.grafana.net/otlp/v1/traces
""",
)
N(
    "url",
    "statuspage public incident link",
    r"""
https://status.example.com/incidents/‹lower:12›?u=‹lower:12›
""",
)
N(
    "url",
    "slack message permalink",
    r"""
https://acme.slack.com/archives/‹slackC›/p‹digits:16›?thread_ts=‹digits:10›.‹digits:6›&cid=‹slackC›
""",
)
N(
    "url",
    "runbook url with anchors",
    r"""
https://runbooks.example.com/alerts/auth/AuthTokenErrorsHigh.md#rotate-the-signing-key
""",
)
N(
    "url",
    "incident.io incident link",
    r"""
https://app.incident.io/acme/incidents/‹digits:4›?tab=timeline&from=slack
""",
)
N(
    "url",
    "loki query link with password word",
    r"""
https://grafana.ops.example.com/explore?left=%7B%22queries%22:%5B%7B%22expr%22:%22%7Bapp%3D%5C%22auth%5C%22%7D%20%7C%3D%20%5C%22invalid%20password%5C%22%22%7D%5D%7D
""",
)
N(
    "url",
    "webhook url with template placeholder",
    r"""
https://hooks.slack.com/services/${SLACK_TEAM_ID}/${SLACK_CHANNEL_ID}/${SLACK_WEBHOOK_TOKEN}
""",
)
N(
    "url",
    "opsgenie alert link",
    r"""
https://acme.app.eu.opsgenie.com/alert/detail/‹uuid›-‹digits:13›/details
""",
)
N(
    "url",
    "cloudwatch console link",
    r"""
https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/checkout-p99-latency?~(search~'checkout)
""",
)
N(
    "url",
    "pushgateway metrics path with labels",
    r"""
http://pushgateway.monitoring:9091/metrics/job/backup/instance/nas-01/token_rotation/success
""",
)


# ----------------------------------------------------------------------------- json, positives
P(
    "json",
    "pagerduty events v2 body",
    r"""
{
  "routing_key": "«pdkey»",
  "event_action": "trigger",
  "dedup_key": "checkout-api/HighErrorRate/‹fp›",
  "payload": {
    "summary": "High error rate on checkout-api (5.2%)",
    "source": "prometheus-k8s-0",
    "severity": "critical",
    "timestamp": "‹ts›",
    "custom_details": {"cluster": "prod-eu-1", "runbook": "https://runbooks.example.com/checkout/errors"}
  }
}
""",
)
P(
    "json",
    "grafana datasource api body",
    r"""
{
  "name": "Tempo",
  "type": "tempo",
  "access": "proxy",
  "url": "https://tempo-prod-04-prod-eu-west-0.grafana.net/tempo",
  "basicAuth": true,
  "basicAuthUser": "‹digits:6›",
  "jsonData": {"tracesToLogsV2": {"datasourceUid": "‹dashuid›"}},
  "secureJsonData": {"basicAuthPassword": "«glc»"}
}
""",
)
P(
    "json",
    "grafana contact point api body",
    r"""
{"uid":"‹dashuid›","name":"oncall-webhook","type":"webhook","settings":{"url":"https://incident-bot.internal.example.com/grafana","httpMethod":"POST","authorization_scheme":"Bearer","authorization_credentials":"«bearer:48»"},"disableResolveMessage":false}
""",
)
P(
    "json",
    "grafana service account token response",
    r"""
{"id":‹digits:2›,"name":"terraform","key":"«glsa»"}
""",
)
P(
    "json",
    "grafana legacy api key response",
    r"""
{"id":‹digits:2›,"name":"ci-deploy","key":"«grafanakey»"}
""",
)
P(
    "json",
    "datadog api key create response",
    r"""
{
  "data": {
    "type": "api_keys",
    "id": "‹uuid›",
    "attributes": {
      "created_at": "‹ts›",
      "key": "«ddapi»",
      "last4": "‹hex:4›",
      "modified_at": "‹ts›",
      "name": "prod-agents-2026-12",
      "remote_config_read_enabled": true
    },
    "relationships": {"created_by": {"data": {"type": "users", "id": "‹uuid›"}}}
  }
}
""",
)
P(
    "json",
    "datadog application key response",
    r"""
{"data":{"type":"application_keys","id":"‹uuid›","attributes":{"created_at":"‹ts›","key":"«ddapp»","last4":"‹hex:4›","name":"terraform","scopes":null}}}
""",
)
P(
    "json",
    "datadog synthetics browser test variables",
    r"""
{
  "name": "Checkout login flow",
  "type": "browser",
  "config": {
    "request": {"method": "GET", "url": "https://app.example.com/login"},
    "variables": [
      {"name": "USERNAME", "type": "text", "pattern": "qa-bot@example.com"},
      {"name": "PASSWORD", "type": "text", "pattern": "«pw»"}
    ]
  },
  "locations": ["aws:eu-central-1"],
  "options": {"tick_every": 900}
}
""",
)
P(
    "json",
    "datadog synthetics api test basic auth",
    r"""
{"name":"billing API health","type":"api","subtype":"http","config":{"request":{"method":"GET","url":"https://billing.internal.example.com/healthz","basicAuth":{"type":"web","username":"healthcheck","password":"«rpw»"}},"assertions":[{"type":"statusCode","operator":"is","target":200}]},"locations":["aws:eu-west-1"],"options":{"tick_every":60}}
""",
)
P(
    "json",
    "sentry auth token create response",
    r"""
{
  "id": "‹digits:6›",
  "token": "«sntryu»",
  "tokenLastCharacters": "‹hex:4›",
  "dateCreated": "‹ts›",
  "expiresAt": null,
  "name": "ci-release-upload",
  "scopes": ["project:releases", "org:read"]
}
""",
)
P(
    "json",
    "sentry org token response",
    r"""
{"id":"‹digits:5›","name":"github-actions","token":"«sntrys»","tokenLastCharacters":"‹alnum:4›","dateCreated":"‹ts›","dateLastUsed":null,"projectLastUsedId":null}
""",
)
P(
    "json",
    "opsgenie integration create response",
    r"""
{"data":{"id":"‹uuid›","name":"Prometheus","type":"Prometheus","apiKey":"«uuid»","enabled":true,"ownerTeam":{"id":"‹uuid›","name":"SRE"}},"took":0.121,"requestId":"‹uuid›"}
""",
)
P(
    "json",
    "pagerduty service integration response",
    r"""
{
  "integration": {
    "id": "‹pdid›",
    "type": "events_api_v2_inbound_integration",
    "summary": "Prometheus",
    "name": "Prometheus",
    "service": {"id": "‹pdid›", "type": "service_reference", "summary": "Checkout API"},
    "integration_key": "«pdkey»",
    "created_at": "‹ts›"
  }
}
""",
)
P(
    "json",
    "structured log with authorization header",
    r"""
{"level":"debug","ts":"‹ts›","logger":"http.client","msg":"request","method":"POST","url":"https://api.pagerduty.com/incidents","headers":{"Accept":["application/vnd.pagerduty+json;version=2"],"Authorization":["Token token=«pdapi»"],"From":["oncall-bot@example.com"]},"trace_id":"‹trace›"}
""",
)
P(
    "json",
    "structured log with dsn in error",
    r"""
{"@timestamp":"‹ts›","log.level":"error","message":"failed to connect to alert store","error.message":"dial tcp 10.4.1.9:5432: connect: connection refused","db.connection_string":"postgres://alerts_app:«pw|url»@10.4.1.9:5432/alerts","service.name":"alert-router","trace.id":"‹trace›"}
""",
)
P(
    "json",
    "otlp json span with authorization attribute",
    r"""
{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"metrics-proxy"}}]},"scopeSpans":[{"scope":{"name":"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"},"spans":[{"traceId":"‹trace›","spanId":"‹span›","name":"GET /federate","kind":3,"startTimeUnixNano":"‹digits:19›","endTimeUnixNano":"‹digits:19›","attributes":[{"key":"http.request.header.authorization","value":{"arrayValue":{"values":[{"stringValue":"Bearer «jwt»"}]}}},{"key":"http.response.status_code","value":{"intValue":"200"}}]}]}]}]}
""",
)
P(
    "json",
    "otlp json span db.statement",
    r"""
{"traceId":"‹trace›","spanId":"‹span›","parentSpanId":"‹span›","name":"ALTER USER","kind":3,"attributes":[{"key":"db.system","value":{"stringValue":"postgresql"}},{"key":"db.statement","value":{"stringValue":"ALTER USER grafana_ro WITH PASSWORD '«pw»'"}},{"key":"db.name","value":{"stringValue":"metrics"}}],"status":{"code":1}}
""",
)
P(
    "json",
    "kubernetes secret json",
    r"""
{
    "apiVersion": "v1",
    "data": {
        "api-key": "«ddapi|b64»",
        "token": "«hckey|b64»"
    },
    "kind": "Secret",
    "metadata": {
        "creationTimestamp": "‹ts›",
        "name": "telemetry-keys",
        "namespace": "observability",
        "resourceVersion": "‹digits:8›",
        "uid": "‹uuid›"
    },
    "type": "Opaque"
}
""",
)
P(
    "json",
    "kubernetes pod env json",
    r"""
{"name":"otel-gateway","image":"otel/opentelemetry-collector-contrib:0.112.0","env":[{"name":"GOMEMLIMIT","value":"1600MiB"},{"name":"DD_API_KEY","value":"«ddapi»"},{"name":"K8S_NODE_NAME","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}}],"ports":[{"containerPort":4317,"protocol":"TCP"}]}
""",
)
P(
    "json",
    "vscode rest client env for oncall tools",
    r"""
{
  "rest-client.environmentVariables": {
    "prod": {
      "pdToken": "«pdapi»",
      "ddApiKey": "«ddapi»",
      "ddAppKey": "«ddapp»",
      "grafanaToken": "«glsa»"
    }
  }
}
""",
)
P(
    "json",
    "slack webhook payload log with url",
    r"""
{"time":"‹ts›","level":"ERROR","msg":"slack notify failed","receiver":"slack-default","status":404,"body":"no_service","webhook":"https://hooks.slack.com/services/‹slackT›/‹slackB›/«hook24»","attempt":3}
""",
)
P(
    "json",
    "alertmanager api status config json",
    r"""
{"cluster":{"name":"‹upper:26›","status":"ready"},"config":{"original":"global:\n  resolve_timeout: 5m\n  opsgenie_api_key: «uuid»\nroute:\n  receiver: opsgenie-sre\nreceivers:\n- name: opsgenie-sre\n  opsgenie_configs:\n  - priority: P2\n"},"uptime":"‹ts›","versionInfo":{"version":"0.27.0"}}
""",
)
P(
    "json",
    "honeycomb api key create response",
    r"""
{"data":{"id":"‹lower:12›","type":"api-keys","attributes":{"key_type":"ingest","name":"otel-gateway-prod","disabled":false,"secret":"«hcingest»","permissions":{"create_datasets":true}},"relationships":{"environment":{"data":{"id":"‹lower:12›","type":"environments"}}}}}
""",
)
P(
    "json",
    "new relic nerdgraph key create response",
    r"""
{"data":{"apiAccessCreateKeys":{"createdKeys":[{"id":"‹upper:32›","key":"«nrak»","name":"oncall-bot","type":"USER"}],"errors":[]}}}
""",
)
P(
    "json",
    "dynatrace token create response",
    r"""
{"id":"dt0c01.‹upper:24›","token":"«dynatrace»","expirationDate":"‹ts›"}
""",
)
P(
    "json",
    "elastic api key create response json",
    r"""
{"id":"‹esid›","name":"otel-collector","expiration":‹epochms›,"api_key":"«eskey»","encoded":"«esapi»"}
""",
)
P(
    "json",
    "statuspage webhook config",
    r"""
{"page_id":"‹lower:12›","subscriber":{"endpoint":"https://incident-bot.internal.example.com/statuspage?secret=«hex:40»","email":"sre@example.com"},"skip_confirmation_notification":true}
""",
)
P(
    "json",
    "checkly alert channel webhook",
    r"""
{"type":"WEBHOOK","config":{"name":"incident-bot","url":"https://incident-bot.internal.example.com/checkly","method":"POST","headers":[{"key":"Authorization","value":"Bearer «bearer:48»"}],"template":"{\"check\":\"{{CHECK_NAME}}\",\"state\":\"{{ALERT_TYPE}}\"}"}}
""",
)
P(
    "json",
    "grafana oncall integration list",
    r"""
{"count":2,"results":[{"id":"‹upper:13›","name":"Alertmanager prod","link":"https://oncall-prod-eu-west-0.grafana.net/oncall/integrations/v1/alertmanager/«alnum:25»/","type":"alertmanager"},{"id":"‹upper:13›","name":"Grafana Alerting","link":"https://oncall-prod-eu-west-0.grafana.net/oncall/integrations/v1/grafana_alerting/«alnum:25»/","type":"grafana_alerting"}]}
""",
)
P(
    "json",
    "docker inspect env exporter",
    r"""
[
    {
        "Id": "‹sha256›",
        "Name": "/pd-exporter",
        "Config": {
            "Env": [
                "PAGERDUTY_AUTH_TOKEN=«pdapi»",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
            ],
            "Image": "ghcr.io/acme/pd-exporter:1.4.2"
        }
    }
]
""",
)
P(
    "json",
    "mcp settings with observability servers",
    r"""
{
  "mcpServers": {
    "grafana": {
      "command": "mcp-grafana",
      "env": {"GRAFANA_URL": "https://grafana.ops.example.com", "GRAFANA_SERVICE_ACCOUNT_TOKEN": "«glsa»"}
    },
    "sentry": {
      "command": "npx",
      "args": ["-y", "@sentry/mcp-server", "--access-token=«sntryu»"]
    },
    "pagerduty": {
      "command": "uvx",
      "args": ["pagerduty-mcp"],
      "env": {"PAGERDUTY_USER_API_KEY": "«pdapi»"}
    }
  }
}
""",
)
P(
    "json",
    "datadog webhook integration body",
    r"""
{"name":"incident-bot","url":"https://incident-bot.internal.example.com/datadog","encode_as":"json","custom_headers":"{\"Authorization\": \"Bearer «bearer:40»\"}","payload":"{\"title\": \"$EVENT_TITLE\", \"alert_id\": \"$ALERT_ID\"}"}
""",
)
P(
    "json",
    "journald json record with env",
    r"""
{"__REALTIME_TIMESTAMP":"‹digits:16›","_HOSTNAME":"mon-01","SYSLOG_IDENTIFIER":"alert-router","_PID":"8812","PRIORITY":"6","MESSAGE":"config: routing_key=«pdkey» slack_channel=#alerts-prod dedup_window=5m","_SYSTEMD_UNIT":"alert-router.service","_BOOT_ID":"‹hex:32›"}
""",
)
P(
    "json",
    "har entry with api key header",
    r"""
{"request":{"method":"GET","url":"https://api.datadoghq.eu/api/v1/dashboard/‹lower:3›-‹lower:3›-‹lower:3›","httpVersion":"HTTP/2","headers":[{"name":"DD-API-KEY","value":"«ddapi»"},{"name":"DD-APPLICATION-KEY","value":"«ddapp»"},{"name":"accept","value":"application/json"}],"queryString":[],"cookies":[]},"response":{"status":200,"statusText":"OK"},"time":212.4}
""",
)
P(
    "json",
    "har entry with grafana session cookie",
    r"""
{"request":{"method":"GET","url":"https://grafana.ops.example.com/api/user","headers":[{"name":"cookie","value":"grafana_session=«hex:32»; grafana_session_expiry=‹epoch›"}],"cookies":[{"name":"grafana_session","value":"«hex:32»"}]},"response":{"status":200}}
""",
)
P(
    "json",
    "incident.io webhook config body",
    r"""
{"name":"Status sync","url":"https://status-sync.internal.example.com/hooks/incident-io","secret":"«whsec»","event_types":["public_incident.incident_created_v2","public_incident.incident_updated_v2"]}
""",
)
P(
    "json",
    "sumo logic access key create response",
    r"""
{"id":"‹upper:16›","label":"terraform","accessId":"‹sumoid›","accessKey":"«sumokey»","createdBy":"‹upper:16›","createdAt":"‹ts›","disabled":false}
""",
)
P(
    "json",
    "vector api graphql config dump",
    r"""
{"data":{"components":{"edges":[{"node":{"componentId":"splunk","componentType":"splunk_hec_logs","config":{"endpoint":"https://splunk-hec.example.com:8088","default_token":"«UUID»","index":"k8s_logs"}}}]}}}
""",
)
P(
    "json",
    "uptime monitors export with http password",
    r"""
{"monitors":[{"name":"admin panel","url":"https://admin.example.com/login","type":"keyword","keyword":"Dashboard","http_username":"probe","http_password":"«pw»","interval":300},{"name":"api","url":"https://api.example.com/healthz","type":"http","interval":60}]}
""",
)
P(
    "json",
    "otel collector config in json",
    r"""
{"exporters":{"otlphttp/grafana":{"endpoint":"https://otlp-gateway-prod-eu-west-2.grafana.net/otlp","headers":{"Authorization":"Basic «basic»"}}},"service":{"pipelines":{"metrics":{"receivers":["otlp"],"exporters":["otlphttp/grafana"]}}}}
""",
)
P(
    "json",
    "azure monitor action group webhook",
    r"""
{"properties":{"groupShortName":"sre-page","enabled":true,"webhookReceivers":[{"name":"pagerduty","serviceUri":"https://events.pagerduty.com/integration/«pdkey»/enqueue","useCommonAlertSchema":true}],"emailReceivers":[{"name":"sre","emailAddress":"sre@example.com"}]}}
""",
)
P(
    "json",
    "slack oauth access response",
    r"""
{"ok":true,"app_id":"A0‹upper:9›","authed_user":{"id":"‹slackU›"},"scope":"chat:write,channels:read,commands","token_type":"bot","access_token":"«slackbot»","bot_user_id":"‹slackU›","team":{"id":"‹slackT›","name":"Acme"},"enterprise":null,"is_enterprise_install":false}
""",
)
P(
    "json",
    "claude code settings env with keys",
    r"""
{
  "permissions": {"allow": ["Bash(kubectl get:*)", "Bash(amtool:*)"]},
  "env": {
    "DD_API_KEY": "«ddapi»",
    "DD_APP_KEY": "«ddapp»",
    "DD_SITE": "datadoghq.eu"
  }
}
""",
)
P(
    "json",
    "grafana ldap debug response with bind password",
    r"""
{"name":"‹name›","surname":"","email":{"cfgAttrValue":"mail","ldapValue":"‹name›@corp.example.com"},"roles":[{"orgId":1,"orgRole":"Editor"}],"config":{"bind_dn":"cn=svc-grafana,ou=ServiceAccounts,dc=corp,dc=example,dc=com","bind_password":"«pw»"}}
""",
)
P(
    "json",
    "lambda env for log forwarder",
    r"""
{"FunctionName":"datadog-forwarder","Runtime":"python3.12","Environment":{"Variables":{"DD_SITE":"datadoghq.eu","DD_API_KEY":"«ddapi»","DD_TAGS":"env:prod","DD_FETCH_LAMBDA_TAGS":"true"}},"MemorySize":1024,"Timeout":120}
""",
)
P(
    "json",
    "pem private key in grafana tls json",
    r"""
{"name":"mtls-prometheus","type":"prometheus","url":"https://prometheus-mtls.internal:9090","jsonData":{"tlsAuth":true,"tlsAuthWithCACert":true},"secureJsonData":{"tlsCACert":"‹cert|json›","tlsClientCert":"‹cert|json›","tlsClientKey":"«pem:rsa|json»"}}
""",
)


# ----------------------------------------------------------------------------- json, negatives
N(
    "json",
    "alertmanager webhook payload",
    r"""
{
  "version": "4",
  "groupKey": "{}/{severity=~\"warning|critical\"}:{alertname=\"TargetDown\"}",
  "truncatedAlerts": 0,
  "status": "firing",
  "receiver": "incident-bot",
  "groupLabels": {"alertname": "TargetDown"},
  "commonLabels": {"alertname": "TargetDown", "job": "pushgateway", "severity": "warning"},
  "externalURL": "https://alertmanager.prod.example.com",
  "alerts": [
    {
      "status": "firing",
      "labels": {"alertname": "TargetDown", "instance": "pushgw.internal.example.net:443", "job": "pushgateway"},
      "annotations": {"summary": "100% of the pushgateway targets are down."},
      "startsAt": "‹ts›",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "https://prometheus.prod.example.com/graph?g0.expr=up+%3D%3D+0&g0.tab=1",
      "fingerprint": "‹fp›"
    }
  ]
}
""",
)
N(
    "json",
    "grafana datasource api response masked",
    r"""
{"id":7,"uid":"‹dashuid›","orgId":1,"name":"Loki","type":"loki","access":"proxy","url":"https://logs-prod-012.grafana.net","basicAuth":true,"basicAuthUser":"‹digits:6›","jsonData":{"maxLines":1000},"secureJsonFields":{"basicAuthPassword":true},"version":4,"readOnly":false}
""",
)
N(
    "json",
    "datadog api key list last4",
    r"""
{"data":[{"type":"api_keys","id":"‹uuid›","attributes":{"created_at":"‹ts›","last4":"‹hex:4›","modified_at":"‹ts›","name":"prod-agents-2026-12","remote_config_read_enabled":true}},{"type":"api_keys","id":"‹uuid›","attributes":{"created_at":"‹ts›","last4":"‹hex:4›","name":"ci-synthetics"}}],"meta":{"page":{"total_filtered_count":2}}}
""",
)
N(
    "json",
    "datadog monitor definition",
    r"""
{
  "id": ‹digits:8›,
  "name": "[prod] auth token errors",
  "type": "query alert",
  "query": "sum(last_10m):sum:auth.token_errors{env:prod}.as_count() > 500",
  "message": "Token validation errors above threshold. @pagerduty-identity",
  "tags": ["team:identity", "service:auth"],
  "options": {"notify_no_data": false, "thresholds": {"critical": 500, "warning": 200}},
  "overall_state": "OK",
  "creator": {"email": "‹name›@example.com", "handle": "‹name›@example.com"}
}
""",
)
N(
    "json",
    "pagerduty incident object",
    r"""
{"incident":{"id":"‹upper:14›","type":"incident","summary":"[#‹digits:5›] High error rate on checkout-api","incident_number":‹digits:5›,"status":"triggered","urgency":"high","incident_key":"‹hex:32›","service":{"id":"‹pdid›","type":"service_reference"},"escalation_policy":{"id":"‹pdid›","type":"escalation_policy_reference"},"assignments":[{"at":"‹ts›","assignee":{"id":"‹pdid›","type":"user_reference","summary":"‹name›"}}],"html_url":"https://acme.pagerduty.com/incidents/‹upper:14›"}}
""",
)
N(
    "json",
    "pagerduty events v2 response",
    r"""
{"status":"success","message":"Event processed","dedup_key":"checkout-api/HighErrorRate/‹fp›"}
""",
)
N(
    "json",
    "sentry event payload filtered",
    r"""
{
  "event_id": "‹hex:32›",
  "timestamp": "‹ts›",
  "platform": "python",
  "level": "error",
  "release": "api@‹sha›",
  "environment": "production",
  "request": {
    "url": "https://api.example.com/v1/auth/token",
    "method": "POST",
    "headers": {"Authorization": "[Filtered]", "Content-Type": "application/json", "X-Request-Id": "‹uuid›"},
    "data": {"grant_type": "password", "username": "‹name›@example.com", "password": "[Filtered]"}
  },
  "contexts": {"trace": {"trace_id": "‹trace›", "span_id": "‹span›", "op": "http.server"}}
}
""",
)
N(
    "json",
    "sentry token list masked",
    r"""
[{"id":"‹digits:6›","name":"ci-release-upload","tokenLastCharacters":"‹hex:4›","dateCreated":"‹ts›","scopes":["project:releases","org:read"],"expiresAt":null}]
""",
)
N(
    "json",
    "otlp json span ids only",
    r"""
{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"auth"}},{"key":"k8s.pod.uid","value":{"stringValue":"‹uuid›"}}]},"scopeSpans":[{"spans":[{"traceId":"‹trace›","spanId":"‹span›","parentSpanId":"‹span›","name":"POST /v1/auth/token","kind":2,"startTimeUnixNano":"‹digits:19›","endTimeUnixNano":"‹digits:19›","attributes":[{"key":"http.route","value":{"stringValue":"/v1/auth/token"}},{"key":"auth.token.kid","value":{"stringValue":"‹hex:8›"}},{"key":"http.request.header.authorization","value":{"stringValue":"[REDACTED]"}}],"status":{"code":2,"message":"invalid_grant"}}]}]}]}
""",
)
N(
    "json",
    "structured log token rejected",
    r"""
{"level":"warn","ts":"‹ts›","logger":"auth","msg":"token rejected","reason":"expired","kid":"‹hex:8›","sub":"svc-exporter","token_sha256":"‹sha256›","request_id":"‹uuid›","trace_id":"‹trace›","span_id":"‹span›"}
""",
)
N(
    "json",
    "structured log with masked key",
    r"""
{"@timestamp":"‹ts›","log.level":"info","message":"exporter configured","exporter":"datadog","api_key":"********************************","site":"datadoghq.eu","service.name":"otel-gateway","host.name":"‹pod›"}
""",
)
N(
    "json",
    "kubernetes secret with secretKeyRef pod spec",
    r"""
{"name":"grafana","image":"grafana/grafana:11.3.0","env":[{"name":"GF_SECURITY_ADMIN_USER","valueFrom":{"secretKeyRef":{"name":"grafana-admin","key":"admin-user"}}},{"name":"GF_SECURITY_ADMIN_PASSWORD","valueFrom":{"secretKeyRef":{"name":"grafana-admin","key":"admin-password"}}}],"volumeMounts":[{"name":"dashboards","mountPath":"/var/lib/grafana/dashboards"}]}
""",
)
N(
    "json",
    "kubernetes sealed secret json",
    r"""
{"apiVersion":"bitnami.com/v1alpha1","kind":"SealedSecret","metadata":{"name":"pagerduty-routing-key","namespace":"monitoring"},"spec":{"encryptedData":{"routing-key":"‹sealed›"},"template":{"metadata":{"name":"pagerduty-routing-key"},"type":"Opaque"}}}
""",
)
N(
    "json",
    "grafana dashboard json panel",
    r"""
{
  "uid": "‹dashuid›",
  "title": "Auth overview",
  "tags": ["auth", "sre"],
  "panels": [
    {
      "id": 4,
      "type": "timeseries",
      "title": "Token errors by reason",
      "datasource": {"type": "prometheus", "uid": "‹dashuid›"},
      "targets": [{"refId": "A", "expr": "sum by (reason) (rate(auth_token_errors_total[$__rate_interval]))", "legendFormat": "{{reason}}"}]
    },
    {
      "id": 5,
      "type": "logs",
      "title": "Invalid password attempts",
      "datasource": {"type": "loki", "uid": "‹dashuid›"},
      "targets": [{"refId": "A", "expr": "{app=\"auth\"} |= \"invalid password\""}]
    }
  ],
  "version": 31
}
""",
)
N(
    "json",
    "grafana alert notification webhook payload",
    r"""
{"receiver":"oncall-webhook","status":"firing","orgId":1,"alerts":[{"status":"firing","labels":{"alertname":"p99 above SLO","grafana_folder":"SRE"},"annotations":{"summary":"p99 1.9s"},"startsAt":"‹ts›","fingerprint":"‹fp›","silenceURL":"https://grafana.ops.example.com/alerting/silence/new?alertmanager=grafana&matcher=alertname%3Dp99+above+SLO","dashboardURL":"https://grafana.ops.example.com/d/‹dashuid›","panelURL":"https://grafana.ops.example.com/d/‹dashuid›?viewPanel=12","values":{"A":1.93}}],"groupKey":"{}/{}:{alertname=\"p99 above SLO\"}","title":"[FIRING:1] p99 above SLO SRE"}
""",
)
N(
    "json",
    "honeycomb api key list",
    r"""
{"data":[{"id":"‹lower:12›","type":"api-keys","attributes":{"key_type":"ingest","name":"otel-gateway-prod","disabled":false,"timestamps":{"created":"‹ts›","updated":"‹ts›"}}}],"links":{"next":null}}
""",
)
N(
    "json",
    "opsgenie alert response",
    r"""
{"data":{"id":"‹uuid›-‹digits:13›","tinyId":"‹digits:4›","alias":"‹sha256›","message":"Disk 95% on db-2","status":"open","acknowledged":false,"priority":"P2","tags":["db","disk"],"teams":[{"id":"‹uuid›"}],"createdAt":"‹ts›"},"took":0.007,"requestId":"‹uuid›"}
""",
)
N(
    "json",
    "statuspage incident response",
    r"""
{"id":"‹lower:12›","name":"Elevated errors on Checkout API","status":"investigating","impact":"minor","shortlink":"https://stspg.io/‹lower:6›","page_id":"‹lower:12›","components":[{"id":"‹lower:12›","name":"API","status":"degraded_performance"}],"incident_updates":[{"id":"‹lower:12›","body":"We're investigating elevated error rates.","status":"investigating","created_at":"‹ts›"}]}
""",
)
N(
    "json",
    "slack api response ids",
    r"""
{"ok":true,"channel":"‹slackC›","ts":"‹digits:10›.‹digits:6›","message":{"user":"‹slackU›","type":"message","text":":rotating_light: SEV2 declared: payments latency","team":"‹slackT›","bot_id":"B0‹upper:8›","app_id":"A0‹upper:9›"}}
""",
)
N(
    "json",
    "otel collector config json with env refs",
    r"""
{"exporters":{"otlphttp/honeycomb":{"endpoint":"https://api.honeycomb.io","headers":{"x-honeycomb-team":"${env:HONEYCOMB_API_KEY}"}},"datadog":{"api":{"key":"${env:DD_API_KEY}","site":"datadoghq.eu"}}},"extensions":{"basicauth/prw":{"client_auth":{"username":"otel","password":"${file:/var/secrets/prw-password}"}}}}
""",
)
N(
    "json",
    "mcp settings with env references",
    r"""
{
  "mcpServers": {
    "grafana": {
      "command": "mcp-grafana",
      "env": {"GRAFANA_URL": "https://grafana.ops.example.com", "GRAFANA_SERVICE_ACCOUNT_TOKEN": "${GRAFANA_SA_TOKEN}"}
    },
    "datadog": {
      "command": "npx",
      "args": ["-y", "@datadog/mcp-server"],
      "env": {"DD_API_KEY": "${DD_API_KEY}", "DD_APP_KEY": "${DD_APP_KEY}"}
    }
  }
}
""",
)
N(
    "json",
    "kubernetes events json",
    r"""
{"kind":"Event","apiVersion":"v1","metadata":{"name":"grafana-‹pod›.‹hex:16›","namespace":"monitoring","uid":"‹uuid›","resourceVersion":"‹digits:8›"},"involvedObject":{"kind":"Pod","name":"grafana-‹pod›","uid":"‹uuid›"},"reason":"FailedMount","message":"MountVolume.SetUp failed for volume \"admin-password\" : secret \"grafana-admin\" not found","type":"Warning","count":12}
""",
)
N(
    "json",
    "sops encrypted json",
    r"""
{
	"pagerduty_routing_key": "‹sops›",
	"slack_webhook_url": "‹sops›",
	"sops": {
		"kms": [{"arn": "arn:aws:kms:eu-west-1:‹digits:12›:key/‹uuid›", "created_at": "‹ts›", "enc": "‹b64:180›", "aws_profile": ""}],
		"lastmodified": "‹ts›",
		"mac": "‹sops›",
		"version": "3.9.1"
	}
}
""",
)
N(
    "json",
    "vault kv metadata json",
    r"""
{"request_id":"‹uuid›","lease_id":"","renewable":false,"lease_duration":0,"data":{"created_time":"‹ts›","current_version":4,"max_versions":0,"oldest_version":0,"updated_time":"‹ts›","versions":{"3":{"created_time":"‹ts›","deletion_time":"","destroyed":false},"4":{"created_time":"‹ts›","deletion_time":"","destroyed":false}}},"warnings":null}
""",
)
N(
    "json",
    "datadog rum config public",
    r"""
{"applicationId":"‹uuid›","clientToken":"‹ddpub›","site":"datadoghq.eu","service":"storefront-web","env":"prod","version":"‹sha:7›","sessionSampleRate":20}
""",
)
N(
    "json",
    "sentry project keys public dsn",
    r"""
[{"id":"‹hex:32›","name":"Default","label":"Default","public":"‹hex:32›","isActive":true,"projectId":‹digits:7›,"dsn":{"public":"https://‹hex:32›@o‹digits:6›.ingest.us.sentry.io/‹digits:7›","csp":"https://o‹digits:6›.ingest.us.sentry.io/api/‹digits:7›/security/?sentry_key=‹hex:32›","cdn":"https://js.sentry-cdn.com/‹hex:32›.min.js"},"rateLimit":null}]
""",
)
N(
    "json",
    "prometheus targets api",
    r"""
{"status":"success","data":{"activeTargets":[{"discoveredLabels":{"__address__":"pushgw.internal.example.net:443","__scheme__":"https","job":"pushgateway"},"labels":{"instance":"pushgw.internal.example.net:443","job":"pushgateway"},"scrapePool":"pushgateway","scrapeUrl":"https://pushgw.internal.example.net:443/metrics","lastError":"server returned HTTP status 401 Unauthorized","lastScrape":"‹ts›","lastScrapeDuration":0.0123,"health":"down"}]}}
""",
)
N(
    "json",
    "prometheus status config redacted",
    r"""
{"status":"success","data":{"yaml":"global:\n  scrape_interval: 30s\nscrape_configs:\n- job_name: pushgateway\n  honor_labels: true\n  scheme: https\n  basic_auth:\n    username: prom-scraper\n    password: <secret>\n  static_configs:\n  - targets:\n    - pushgw.internal.example.net:443\nremote_write:\n- url: https://mimir.obs.example.io/api/v1/push\n  authorization:\n    type: Bearer\n    credentials: <secret>\n"}}
""",
)
N(
    "json",
    "loki query range response",
    r"""
{"status":"success","data":{"resultType":"streams","result":[{"stream":{"app":"auth","namespace":"prod","pod":"auth-‹pod›"},"values":[["‹digits:19›","level=warn msg=\"token rejected\" reason=expired kid=‹hex:8› request_id=‹uuid›"],["‹digits:19›","level=warn msg=\"password check failed\" user=‹name› attempts=3"]]}],"stats":{"summary":{"bytesProcessedPerSecond":48211930,"execTime":0.412}}}}
""",
)
N(
    "json",
    "checkly check result",
    r"""
{"id":"‹uuid›","checkId":"‹uuid›","hasFailures":false,"hasErrors":false,"runLocation":"eu-west-1","responseTime":412,"startedAt":"‹ts›","stoppedAt":"‹ts›","checkRunId":‹digits:9›,"attempts":1,"resultType":"FINAL"}
""",
)
N(
    "json",
    "incident.io incident webhook",
    r"""
{"event_type":"public_incident.incident_created_v2","public_incident.incident_created_v2":{"id":"‹ulid›","reference":"INC-‹digits:4›","name":"Payments latency","severity":{"id":"‹ulid›","name":"Major"},"incident_status":{"id":"‹ulid›","name":"Investigating","category":"live"},"slack_channel_id":"‹slackC›","permalink":"https://app.incident.io/acme/incidents/‹digits:4›","created_at":"‹ts›"}}
""",
)
N(
    "json",
    "aws secrets manager describe",
    r"""
{"ARN":"arn:aws:secretsmanager:eu-west-1:‹digits:12›:secret:prod/observability/datadog-‹alnum:6›","Name":"prod/observability/datadog","Description":"Datadog API and app keys for the prod agents","KmsKeyId":"arn:aws:kms:eu-west-1:‹digits:12›:key/‹uuid›","RotationEnabled":true,"LastRotatedDate":"‹ts›","VersionIdsToStages":{"‹uuid›":["AWSCURRENT"],"‹uuid›":["AWSPREVIOUS"]}}
""",
)
N(
    "json",
    "terraform state resource sensitive removed",
    r"""
{"mode":"managed","type":"pagerduty_service_integration","name":"events","provider":"provider[\"registry.terraform.io/pagerduty/pagerduty\"]","instances":[{"schema_version":0,"attributes":{"id":"‹pdid›","name":"Prometheus","service":"‹pdid›","type":"events_api_v2_inbound_integration","html_url":"https://acme.pagerduty.com/services/‹pdid›/integrations/‹pdid›"},"sensitive_attributes":[[{"type":"get_attr","value":"integration_key"}]]}]}
""",
)
N(
    "json",
    "grafana search api response",
    r"""
[{"id":412,"uid":"‹dashuid›","title":"Checkout overview","uri":"db/checkout-overview","url":"/d/‹dashuid›/checkout-overview","slug":"","type":"dash-db","tags":["checkout","sre"],"isStarred":false,"folderUid":"‹dashuid›","folderTitle":"SRE"},{"id":413,"uid":"‹dashuid›","title":"Auth tokens","url":"/d/‹dashuid›/auth-tokens","type":"dash-db","tags":["auth"]}]
""",
)
N(
    "json",
    "elastic agent policy json with secret reference",
    r"""
{"id":"‹uuid›","name":"k8s-prod","namespace":"default","outputs":{"default":{"type":"elasticsearch","hosts":["https://es.obs.example.net:443"],"api_key":"${ES_API_KEY}"}},"inputs":[{"type":"system/metrics","id":"system-metrics","use_output":"default"}],"revision":12}
""",
)
N(
    "json",
    "datadog log event with masked header",
    r"""
{"id":"‹b64u:32›","attributes":{"service":"api-gateway","status":"warn","timestamp":"‹ts›","message":"upstream rejected api key","attributes":{"http":{"method":"GET","url_details":{"path":"/v1/orders"},"status_code":401,"headers":{"x-api-key":"[REDACTED]"}},"dd":{"trace_id":"‹digits:19›","span_id":"‹digits:19›"},"api_key_id":"key_‹lower:12›"}}}
""",
)
N(
    "json",
    "cert manager certificate status json",
    r"""
{"apiVersion":"cert-manager.io/v1","kind":"Certificate","metadata":{"name":"grafana-tls","namespace":"monitoring"},"spec":{"secretName":"grafana-tls","dnsNames":["grafana.ops.example.com"]},"status":{"conditions":[{"type":"Ready","status":"True","reason":"Ready"}],"notAfter":"‹ts›","notBefore":"‹ts›","renewalTime":"‹ts›","revision":7}}
""",
)
N(
    "json",
    "grafana tls datasource with public certs only",
    r"""
{"name":"mtls-prometheus","type":"prometheus","url":"https://prometheus-mtls.internal:9090","jsonData":{"tlsAuth":true,"tlsAuthWithCACert":true,"serverName":"prometheus-mtls.internal"},"secureJsonFields":{"tlsCACert":true,"tlsClientCert":true,"tlsClientKey":true}}
""",
)
N(
    "json",
    "uptimerobot monitors response",
    r"""
{"stat":"ok","pagination":{"offset":0,"limit":50,"total":3},"monitors":[{"id":‹digits:9›,"friendly_name":"api-eu","url":"https://api.example.com/healthz","type":1,"interval":60,"status":2,"create_datetime":‹epoch›},{"id":‹digits:9›,"friendly_name":"status-page","url":"https://status.example.com","type":1,"interval":300,"status":2}]}
""",
)


# ---------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------


def templates() -> list[tuple[str, str, str]]:
    """(context, kind, text) of every template: the positives first, then the negatives."""
    for _context, kind, text in POSITIVE:
        assert "«" in text, f"positive template without a secret: {kind}"
    for _context, kind, text in NEGATIVE:
        assert "«" not in text, f"negative template with a secret: {kind}"
    every = POSITIVE + NEGATIVE
    assert all(context in CONTEXTS for context, _, _ in every)
    assert len({text for _, _, text in every}) == len(every), "duplicate template"
    return every


def _escaped_forms(secret: str) -> tuple[str, str, str]:
    once = json.dumps(secret, ensure_ascii=False)[1:-1]
    return secret, once, json.dumps(once, ensure_ascii=False)[1:-1]


def corpus(seed: int, copies: int = 6) -> list[Document]:
    """Each template ``copies`` times in its own context, and ``copies`` times inside agent-log lines."""
    documents: list[Document] = []
    for index, (context, kind, template) in enumerate(templates()):
        rng = random.Random(seed * 1_000_003 + index)
        split = "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"
        for _ in range(copies):
            text, secrets = instantiate(template, rng)
            for secret in secrets:
                assert secret in text, (kind, secret)
            documents.append(Document(text, secrets, context, kind, split, template))
        for n in range(copies):
            text, secrets = instantiate(template, rng)
            line = _envelope(text, rng, n + index)
            for secret in secrets:
                assert any(form in line for form in _escaped_forms(secret)), (kind, secret)
            documents.append(Document(line, secrets, "json", kind, split, template))
    return documents


def main() -> None:
    every = templates()
    print(f"{'context':8} {'positive':>9} {'negative':>9}")
    for context in CONTEXTS:
        positive = sum(1 for c, _, t in POSITIVE if c == context)
        negative = sum(1 for c, _, t in NEGATIVE if c == context)
        print(f"{context:8} {positive:9d} {negative:9d}")
    print(f"{'all':8} {len(POSITIVE):9d} {len(NEGATIVE):9d}")
    documents = corpus(139)
    planted = sum(len(doc.secrets) for doc in documents)
    negatives = sum(1 for doc in documents if not doc.secrets)
    holdout = sum(1 for _, _, text in every if hashlib.sha256(text.encode()).digest()[0] % 3 == 0)
    print(
        f"{len(every)} templates ({holdout} holdout), {len(documents)} documents, {planted} planted secrets, {negatives} negative documents"
    )


if __name__ == "__main__":
    main()
