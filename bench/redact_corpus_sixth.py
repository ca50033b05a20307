"""A sixth labelled corpus of secrets and look-alikes, written blind to the redaction rules (issue 15).

Run: ``uv run python bench/redact_corpus_sixth.py`` prints the template and document counts.
``bench/redact_quality.py --corpus sixth`` measures the redactor on it.

Weighted towards what earlier corpora under-sampled: encodings other than one level of JSON
(URL-encoded query strings and form bodies, HTML/XML entities, YAML block scalars, shell ``$'...'``
quoting, C and Python escapes, ``\\u00XX`` JSON, base64 of whole files, quoted-printable mail),
tables and columns (SQL clients, markdown, CSV exports, ``kubectl``/``aws`` tables, password-manager
CLIs, environment dumps), non-English keys and chat, debug and trace output (pytest locals, Sentry
events, strace, HTTP client debug logs, database and Redis logs, access logs), API-client exports
(Postman, Insomnia, Bruno, HAR, OpenAPI, ``.http`` files, GraphQL, gRPC metadata) and the credential
files of package managers and tools.

Template syntax: ``{@gen}`` is a secret drawn from generator ``gen`` (listed in the document's
secrets as it appears), ``{=gen}`` a value that is not one; ``{@gen#t}`` names a second value of the
same generator; ``|filter`` transforms the value (``url``, ``html``, ``b64``, ...); ``{!WORDS}`` is
PEM armour (``-----WORDS-----``) joined at run time. No literal secret-shaped string is in this file.
"""

# ruff: noqa: E501 - templates read better on one line
from __future__ import annotations

import base64
import hashlib
import html
import json
import quopri
import random
import re
import string
import sys
import urllib.parse
from collections import Counter
from dataclasses import dataclass

CONTEXTS = ("plain", "shell", "yaml", "source", "url", "json")

ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
HEX = "0123456789abcdef"
UPPER_DIGITS = string.ascii_uppercase + string.digits
SYMBOLS = "!#%+-_.@*=/~^"


@dataclass(frozen=True)
class Document:
    text: str
    secrets: list[str]
    context: str
    kind: str
    split: str
    template: str


def _s(rng: random.Random, n: int, alphabet: str = ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _password(rng: random.Random, extra: str = "") -> str:
    chars = list(_s(rng, rng.randint(11, 17)) + rng.choice(string.digits) + _s(rng, 2, SYMBOLS) + extra)
    rng.shuffle(chars)
    if not chars[0].isalnum():
        chars.insert(0, rng.choice(string.ascii_letters))
    return "".join(chars)


def _pem_body(rng: random.Random, head: str, length: int, width: int = 64) -> str:
    body = head + _s(rng, length - len(head), B64)
    lines = [body[i : i + width] for i in range(0, len(body), width)]
    return "\n".join(lines)


def _jwt(rng: random.Random, alg: str = "HS256") -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

    now = rng.randint(1_700_000_000, 1_800_000_000)
    payload = {
        "sub": str(rng.randint(1000, 99999)),
        "iat": now,
        "exp": now + 3600,
        "scope": rng.choice(["read write", "admin", "api"]),
    }
    return (
        part({"alg": alg, "typ": "JWT"})
        + "."
        + part(payload)
        + "."
        + _s(rng, 43 if alg.startswith("HS") else 86, B64URL)
    )


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


USERS = [
    "deploy",
    "admin",
    "ci-bot",
    "svc_app",
    "jenkins",
    "marta.k",
    "jdoe",
    "backup",
    "etl_user",
    "reporter",
    "ops",
    "app_rw",
    "pkuser",
    "integration",
    "builder",
]
HOSTS = [
    "db.internal",
    "db-prod-2.corp.lan",
    "10.20.3.14",
    "pg.example.net",
    "cache-01.svc",
    "mq.internal.acme.io",
    "172.16.9.40",
    "mongo-0.mongo.default.svc.cluster.local",
    "nexus.acme.dev",
    "registry.corp.example",
]


def _gen_table(rng: random.Random) -> dict:
    g = {
        # secrets (or secret-shaped values when used with "=")
        "pw": lambda: _password(rng),
        "pwa": lambda: _s(rng, rng.randint(16, 24)),
        "pwx": lambda: _password(rng, rng.choice('&<>"')),
        "pwq": lambda: _password(rng, rng.choice("\"'\\")),
        "pwu": lambda: _password(rng, rng.choice(["ü", "é", "ñ", "ø", "ç", "ß"])),
        "hex32": lambda: _s(rng, 32, HEX),
        "hex40": lambda: _s(rng, 40, HEX),
        "hex64": lambda: _s(rng, 64, HEX),
        "tok32": lambda: _s(rng, 32),
        "tok40": lambda: _s(rng, 40),
        "awssk": lambda: _s(rng, 40, B64),
        "ghp": lambda: "gh" + "p_" + _s(rng, 36),
        "gho": lambda: "gh" + "o_" + _s(rng, 36),
        "ghs": lambda: "gh" + "s_" + _s(rng, 36),
        "ghpat": lambda: "github_" + "pat_" + _s(rng, 22) + "_" + _s(rng, 59),
        "glpat": lambda: "gl" + "pat-" + _s(rng, 20, B64URL),
        "gldeploy": lambda: "gl" + "dt-" + _s(rng, 20, B64URL),
        "xoxb": lambda: (
            "xo" + "xb-" + _s(rng, 11, string.digits) + "-" + _s(rng, 13, string.digits) + "-" + _s(rng, 24)
        ),
        "xoxp": lambda: (
            "xo"
            + "xp-"
            + _s(rng, 11, string.digits)
            + "-"
            + _s(rng, 12, string.digits)
            + "-"
            + _s(rng, 13, string.digits)
            + "-"
            + _s(rng, 32, HEX)
        ),
        "slackhook": lambda: _s(rng, 24),
        "sklive": lambda: "sk_" + "live_" + _s(rng, rng.choice([24, 99])),
        "rklive": lambda: "rk_" + "live_" + _s(rng, 99),
        "whsec": lambda: "wh" + "sec_" + _s(rng, 32),
        "openai": lambda: "sk-" + "proj-" + _s(rng, 74, B64URL) + "T3Blbk" + "FJ" + _s(rng, 74, B64URL),
        "anthropic": lambda: "sk-" + "ant-api03-" + _s(rng, 93, B64URL) + "AA",
        "google": lambda: "AI" + "za" + _s(rng, 35, B64URL),
        "npm": lambda: "np" + "m_" + _s(rng, 36),
        "pypi": lambda: "py" + "pi-" + "AgEIcHlwaS5vcmc" + _s(rng, 120, B64URL),
        "sendgrid": lambda: "SG." + _s(rng, 22, B64URL) + "." + _s(rng, 43, B64URL),
        "mailgun": lambda: "key-" + _s(rng, 32, HEX),
        "hf": lambda: "h" + "f_" + _s(rng, 34),
        "dop": lambda: "do" + "p_v1_" + _s(rng, 64, HEX),
        "shpat": lambda: "shp" + "at_" + _s(rng, 32, HEX),
        "atlassian": lambda: (
            "ATA" + "TT3xFfGF0" + _s(rng, 170, B64URL) + "=" + _s(rng, 8, "0123456789ABCDEF")
        ),
        "hvs": lambda: "hv" + "s." + _s(rng, 90, B64URL),
        "dapi": lambda: "da" + "pi" + _s(rng, 32, HEX),
        "glsa": lambda: "gl" + "sa_" + _s(rng, 32) + "_" + _s(rng, 8, HEX),
        "linear": lambda: "lin_" + "api_" + _s(rng, 40),
        "notion": lambda: "nt" + "n_" + _s(rng, 11, string.digits) + _s(rng, 35),
        "pulumi": lambda: "pu" + "l-" + _s(rng, 40, HEX),
        "tfc": lambda: _s(rng, 14) + ".atlas" + "v1." + _s(rng, 67),
        "rubygems": lambda: "rubygems_" + _s(rng, 48, HEX),
        "crates": lambda: "cio" + _s(rng, 32),
        "dckr": lambda: "dckr_" + "pat_" + _s(rng, 27, B64URL),
        "azkey": lambda: _s(rng, 86, B64) + "==",
        "sassig": lambda: urllib.parse.quote(base64.b64encode(rng.randbytes(32)).decode(), safe=""),
        "jwt": lambda: _jwt(rng),
        "jwtrs": lambda: _jwt(rng, "RS256"),
        "okta": lambda: "00" + _s(rng, 40, B64URL),
        "telegram": lambda: _s(rng, 10, string.digits) + ":AA" + _s(rng, 33, B64URL),
        "discord": lambda: (
            _b64(str(rng.randint(10**17, 10**18))).rstrip("=")
            + "."
            + _s(rng, 6, B64URL)
            + "."
            + _s(rng, 38, B64URL)
        ),
        "openrouter": lambda: "sk-" + "or-v1-" + _s(rng, 64, HEX),
        "groq": lambda: "gs" + "k_" + _s(rng, 52),
        "replicate": lambda: "r8" + "_" + _s(rng, 37),
        "postman": lambda: "PM" + "AK-" + _s(rng, 24, HEX) + "-" + _s(rng, 34, HEX),
        "age": lambda: "AGE-" + "SECRET-KEY-1" + _s(rng, 58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"),
        "nrak": lambda: "NR" + "AK-" + _s(rng, 27, UPPER_DIGITS),
        "sentry": lambda: "sntr" + "ys_" + _s(rng, 60, B64URL) + "_" + _s(rng, 43, B64URL),
        "mapbox": lambda: "s" + "k.eyJ1Ijoi" + _s(rng, 40) + "." + _s(rng, 22, B64URL),
        "fcm": lambda: "AAAA" + _s(rng, 7, B64URL) + ":APA91b" + _s(rng, 134, B64URL),
        "square": lambda: "EAAA" + _s(rng, 60, B64URL),
        "doppler": lambda: "dp" + ".st." + "prd." + _s(rng, 40),
        "cfapi": lambda: _s(rng, 40, B64URL),
        "uuidsecret": lambda: _uuid(rng),
        "gocspx": lambda: "GOC" + "SPX-" + _s(rng, 28, B64URL),
        "ya29": lambda: "ya" + "29." + _s(rng, 150, B64URL),
        "grefresh": lambda: "1//0" + _s(rng, 98, B64URL),
        "awssession": lambda: "IQoJb3JpZ2luX2Vj" + _s(rng, 340, B64),
        "azpat": lambda: _s(rng, 52, "abcdefghijklmnopqrstuvwxyz234567"),
        "ccipat": lambda: "CCI" + "PAT_" + _s(rng, 22) + "_" + _s(rng, 40, HEX),
        "sonar": lambda: "sq" + "u_" + _s(rng, 40, HEX),
        "dwebhook": lambda: _s(rng, 68, B64URL),
        "nkeyseed": lambda: "SU" + _s(rng, 56, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
        "b2key": lambda: "K00" + _s(rng, 28),
        "basic": lambda: _b64(rng.choice(USERS) + ":" + _password(rng)),
        "dockerauth": lambda: _b64(rng.choice(USERS) + ":" + "dckr_" + "pat_" + _s(rng, 27, B64URL)),
        "envfile": lambda: _b64(
            f"DATABASE_URL=postgres://app:{_password(rng)}@db:5432/app\nSECRET_KEY_BASE={_s(rng, 64, HEX)}\nLOG_LEVEL=info\n"
        ),
        "cfgjson": lambda: _b64(
            json.dumps({"auths": {"ghcr.io": {"auth": _b64("bot:" + "gh" + "p_" + _s(rng, 36))}}})
        ),
        "rsakey": lambda: _pem_body(rng, "MIIEpAIBAAKCAQEA", 1588),
        "pk8": lambda: _pem_body(rng, "MIIEvgIBADANBgkqhkiG9w0BAQEFAASC", 1624),
        "eckey": lambda: _pem_body(rng, "MHcCAQEEI", 160),
        "openssh": lambda: _pem_body(
            rng, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", 396, 70
        ),
        "pgpkey": lambda: _pem_body(rng, "lQdGBG", 1200),
        "ppk": lambda: _pem_body(rng, "AAABAQ", 440),
        "djangokey": lambda: _s(rng, 50, string.ascii_lowercase + string.digits + "!@#%^&*(-_=+)"),
        "railskey": lambda: _s(rng, 128, HEX),
        "fernet": lambda: base64.urlsafe_b64encode(rng.randbytes(32)).decode(),
        # not secrets
        "uuid": lambda: _uuid(rng),
        "sha1": lambda: _s(rng, 40, HEX),
        "sha256": lambda: _s(rng, 64, HEX),
        "md5": lambda: _s(rng, 32, HEX),
        "short": lambda: _s(rng, 7, HEX),
        "akid": lambda: "AK" + "IA" + _s(rng, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
        "asia": lambda: "AS" + "IA" + _s(rng, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
        "twsid": lambda: "AC" + _s(rng, 32, HEX),
        "gcid": lambda: (
            _s(rng, 12, string.digits)
            + "-"
            + _s(rng, 32, string.ascii_lowercase + string.digits)
            + ".apps.googleusercontent.com"
        ),
        "ghclient": lambda: "Iv1." + _s(rng, 16, HEX),
        "sshpub": lambda: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + _s(rng, 47, B64),
        "rsapub": lambda: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ" + _s(rng, 500, B64),
        "cert": lambda: _pem_body(rng, "MIIDazCCAlOgAwIBAgIU", 1200),
        "pubkey": lambda: _pem_body(rng, "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", 392),
        "fp": lambda: "SHA256:" + _s(rng, 43, B64),
        "vault": lambda: "\n".join(_s(rng, 80, "0123456789abcdef") for _ in range(rng.randint(4, 8))),
        "sops": lambda: (
            "ENC[AES256_GCM,data:"
            + _s(rng, rng.randint(16, 40), B64)
            + "=,iv:"
            + _s(rng, 43, B64)
            + "=,tag:"
            + _s(rng, 22, B64)
            + "==,type:str]"
        ),
        "sealed": lambda: "AgB" + _s(rng, 600, B64) + "==",
        "integrity": lambda: "sha512-" + _s(rng, 86, B64) + "==",
        "digest": lambda: "sha256:" + _s(rng, 64, HEX),
        "sri": lambda: "sha384-" + _s(rng, 64, B64),
        "pklive": lambda: "pk_" + "live_" + _s(rng, 24),
        "trace": lambda: _s(rng, 32, HEX),
        "span": lambda: _s(rng, 16, HEX),
        "reqid": lambda: _s(rng, 8, UPPER_DIGITS) + _s(rng, 8, UPPER_DIGITS),
        "user": lambda: rng.choice(USERS),
        "host": lambda: rng.choice(HOSTS),
        "ip": lambda: f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        "port": lambda: str(rng.choice([5432, 3306, 6379, 27017, 9200, 5672, 8080, 8443, 9092, 4222])),
        "int": lambda: str(rng.randint(2, 99999)),
        "pid": lambda: str(rng.randint(300, 65000)),
        "ts": lambda: (
            f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
        ),
        "date": lambda: f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "email": lambda: (
            rng.choice(["ana", "li.wei", "o.petrov", "sam", "k.tanaka", "jmueller"])
            + "@"
            + rng.choice(["acme.io", "example.com", "corp.example"])
        ),
        "acct": lambda: _s(rng, 12, string.digits),
        "ntlm": lambda: _s(rng, 32, HEX),
    }
    return g


def _uuid(rng: random.Random) -> str:
    h = _s(rng, 32, HEX)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


def _u00(value: str) -> str:
    return "".join(c if c.isalnum() and c.isascii() else f"\\u{ord(c):04x}" for c in value)


def _cesc(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'")


def _ansi_c(value: str) -> str:
    return "".join(
        f"\\x{b:02x}" if b > 127 else ("\\" + chr(b) if chr(b) in "'\\" else chr(b)) for b in value.encode()
    )


FILTERS = {
    "url": lambda v: urllib.parse.quote(v, safe=""),
    "urlp": lambda v: urllib.parse.quote_plus(v, safe=""),
    "html": lambda v: html.escape(v, quote=True),
    "b64": _b64,
    "b64u": lambda v: base64.urlsafe_b64encode(v.encode()).decode().rstrip("="),
    "json": lambda v: json.dumps(v)[1:-1],
    "u00": _u00,
    "cesc": _cesc,
    "ansic": _ansi_c,
    "pyb": lambda v: repr(v.encode())[2:-1],
    "qp": lambda v: quopri.encodestring(v.encode()).decode().rstrip("\n"),
    "nl": lambda v: v.replace("\n", "\\n"),
    "ind2": lambda v: v.replace("\n", "\n  "),
    "ind4": lambda v: v.replace("\n", "\n    "),
    "ind6": lambda v: v.replace("\n", "\n      "),
    "ind8": lambda v: v.replace("\n", "\n        "),
    "last4": lambda v: v[-4:],
    "pfx": lambda v: v[:7],
    "upper": str.upper,
    "md5": lambda v: hashlib.md5(v.encode()).hexdigest(),
    "sha256": lambda v: hashlib.sha256(v.encode()).hexdigest(),
    "len": lambda v: str(len(v)),
    "stars": lambda v: "*" * len(v),
}

PLACEHOLDER = re.compile(r"\{([@=])([a-z0-9]+)(?:#(\w+))?((?:\|[a-z0-9]+)*)\}|\{!([A-Z][A-Z0-9 ]+)\}")


def render(template: str, rng: random.Random) -> tuple[str, list[str]]:
    """The template with every placeholder filled in, and the secrets as they appear in it."""
    gens = _gen_table(rng)
    values: dict[tuple[str, str], str] = {}
    secrets: list[str] = []

    def fill(match: re.Match[str]) -> str:
        if match.group(5):
            return "-----" + match.group(5) + "-----"
        sigil, gen, tag, filters = match.group(1), match.group(2), match.group(3) or "", match.group(4)
        key = (gen, tag)
        if key not in values:
            values[key] = gens[gen]()
        value = values[key]
        for name in filter(None, filters.split("|")):
            value = FILTERS[name](value)
        if sigil == "@" and value not in secrets:
            secrets.append(value)
        return value

    return PLACEHOLDER.sub(fill, template), secrets


# --- agent-log envelopes: the rendered text JSON-escaped inside one line -------------------------


def _envelope(text: str, rng: random.Random, which: int) -> str:
    sid = _uuid(rng)
    if which == 0:  # Claude Code --output-format stream-json, a tool_result
        line = {
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {
                        "tool_use_id": "toolu_01" + _s(rng, 22),
                        "type": "tool_result",
                        "content": text,
                        "is_error": False,
                    }
                ],
            },
            "parent_tool_use_id": None,
            "session_id": sid,
        }
    elif which == 1:  # a Claude Code transcript line (~/.claude/projects/*.jsonl)
        line = {
            "parentUuid": _uuid(rng),
            "isSidechain": False,
            "userType": "external",
            "cwd": "/home/dev/src/app",
            "sessionId": sid,
            "version": "2.0.14",
            "gitBranch": "main",
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {
                        "tool_use_id": "toolu_01" + _s(rng, 22),
                        "type": "tool_result",
                        "content": [{"type": "text", "text": text}],
                    }
                ],
            },
            "uuid": _uuid(rng),
            "timestamp": "2026-03-04T10:11:12.345Z",
            "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
        }
    elif which == 2:  # a Codex rollout function_call_output, its output itself a JSON string
        inner = json.dumps(
            {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(rng.random(), 1)}}
        )
        line = {
            "timestamp": "2026-03-04T10:11:12.345Z",
            "type": "response_item",
            "payload": {"type": "function_call_output", "call_id": "call_" + _s(rng, 24), "output": inner},
        }
    elif which == 3:  # codex exec --json, a finished command
        line = {
            "type": "item.completed",
            "item": {
                "id": f"item_{rng.randint(1, 40)}",
                "type": "command_execution",
                "command": "bash -lc 'cat notes.txt'",
                "aggregated_output": text,
                "exit_code": 0,
                "status": "completed",
            },
        }
    else:  # an MCP tools/call text result
        line = {
            "jsonrpc": "2.0",
            "id": rng.randint(1, 500),
            "result": {"content": [{"type": "text", "text": text}], "isError": False},
        }
    return json.dumps(line, ensure_ascii=rng.random() < 0.5)


def _split(template: str) -> str:
    return "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"


def corpus(seed: int = 59, copies: int = 6) -> list[Document]:
    """Each template ``copies`` times in its own context and ``copies`` times inside an agent-log line."""
    rng = random.Random(seed)
    documents = []
    for context, kind, template in TEMPLATES:
        split = _split(template)
        for _ in range(copies):
            text, secrets = render(template, rng)
            documents.append(Document(text, secrets, context, kind, split, template))
        for i in range(copies):
            text, secrets = render(template, rng)
            documents.append(Document(_envelope(text, rng, i % 5), secrets, "json", kind, split, template))
    return documents


def leaked(secret: str, output: str) -> bool:
    """True if at least half of the secret (any run of len//2 characters) survives, raw or JSON-escaped once or twice."""
    once = json.dumps(secret)[1:-1]
    forms = {secret, once, json.dumps(once)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    for form in forms:
        n = max(1, len(form) // 2)
        if any(form[i : i + n] in output for i in range(len(form) - n + 1)):
            return True
    return False


# --- templates: (context, kind, text) -------------------------------------------------------------

TEMPLATES: list[tuple[str, str, str]] = []

# Credential files of package managers and tools.
TEMPLATES += [
    (
        "shell",
        "npmrc _authToken",
        "$ cat ~/.npmrc\nregistry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={@npm}\nfund=false\n",
    ),
    (
        "shell",
        "npmrc _auth base64",
        "$ cat .npmrc\nregistry=https://nexus.acme.dev/repository/npm-group/\n_auth={@basic}\nalways-auth=true\nemail={=email}\n",
    ),
    (
        "shell",
        "npmrc _password base64",
        "$ cat ~/.npmrc\n@acme:registry=https://pkgs.dev.azure.com/acme/_packaging/feed/npm/registry/\n//pkgs.dev.azure.com/acme/_packaging/feed/npm/registry/:username=acme\n//pkgs.dev.azure.com/acme/_packaging/feed/npm/registry/:_password={@pwa#p|b64}\n//pkgs.dev.azure.com/acme/_packaging/feed/npm/registry/:email=npm requires email to be set but doesn't use the value\n",
    ),
    (
        "yaml",
        "yarnrc npmAuthToken",
        '# .yarnrc.yml\nnodeLinker: node-modules\nnpmScopes:\n  acme:\n    npmRegistryServer: "https://npm.pkg.github.com"\n    npmAlwaysAuth: true\n    npmAuthToken: {@ghp}\nyarnPath: .yarn/releases/yarn-4.1.0.cjs\n',
    ),
    (
        "source",
        "pip.conf index-url creds",
        "[global]\ntimeout = 60\nindex-url = https://{=user}:{@pw|url}@nexus.acme.dev/repository/pypi-all/simple\ntrusted-host = nexus.acme.dev\n",
    ),
    (
        "source",
        "pypirc password",
        "[distutils]\nindex-servers =\n    pypi\n    testpypi\n\n[pypi]\nusername = __token__\npassword = {@pypi}\n\n[testpypi]\nrepository = https://test.pypi.org/legacy/\nusername = __token__\npassword = {@pypi#t}\n",
    ),
    (
        "yaml",
        "gem credentials",
        "$ cat ~/.gem/credentials\n---\n:rubygems_api_key: {@rubygems}\n:github: Bearer {@ghp}\n",
    ),
    (
        "source",
        "cargo credentials.toml",
        '# ~/.cargo/credentials.toml\n[registry]\ntoken = "{@crates}"\n\n[registries.acme]\ntoken = "Bearer {@tok40}"\n',
    ),
    (
        "json",
        "composer auth.json",
        '{\n    "http-basic": {\n        "repo.packagist.com": {\n            "username": "token",\n            "password": "{@hex40}"\n        }\n    },\n    "github-oauth": {\n        "github.com": "{@gho}"\n    },\n    "gitlab-token": {\n        "gitlab.com": "{@glpat}"\n    }\n}\n',
    ),
    (
        "source",
        "maven settings.xml server",
        "<settings>\n  <servers>\n    <server>\n      <id>acme-releases</id>\n      <username>{=user}</username>\n      <password>{@pwx|html}</password>\n    </server>\n  </servers>\n</settings>\n",
    ),
    (
        "source",
        "gradle.properties",
        "org.gradle.jvmargs=-Xmx2g\nandroid.useAndroidX=true\nartifactoryUser={=user}\nartifactoryPassword={@pw}\nsigning.keyId=24875D73\nsigning.password={@pw#s}\nsigning.secretKeyRingFile=/home/ci/.gnupg/secring.gpg\n",
    ),
    (
        "source",
        "NuGet.config ClearTextPassword",
        '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <packageSources>\n    <add key="acme" value="https://pkgs.dev.azure.com/acme/_packaging/main/nuget/v3/index.json" />\n  </packageSources>\n  <packageSourceCredentials>\n    <acme>\n      <add key="Username" value="az" />\n      <add key="ClearTextPassword" value="{@azpat}" />\n    </acme>\n  </packageSourceCredentials>\n</configuration>\n',
    ),
    (
        "shell",
        "git-credentials",
        "$ cat ~/.git-credentials\nhttps://{=user}:{@ghp}@github.com\nhttps://oauth2:{@glpat}@gitlab.acme.dev\n",
    ),
    (
        "yaml",
        "gh hosts.yml",
        "$ cat ~/.config/gh/hosts.yml\ngithub.com:\n    users:\n        {=user}:\n            oauth_token: {@gho}\n    git_protocol: https\n    oauth_token: {@gho}\n    user: {=user}\n",
    ),
    (
        "json",
        "docker config.json auth",
        '$ cat ~/.docker/config.json\n{\n\t"auths": {\n\t\t"https://index.docker.io/v1/": {\n\t\t\t"auth": "{@dockerauth}"\n\t\t},\n\t\t"ghcr.io": {\n\t\t\t"auth": "{@basic}"\n\t\t}\n\t},\n\t"currentContext": "default"\n}\n',
    ),
    (
        "source",
        "s3cfg",
        "[default]\naccess_key = {=akid}\nsecret_key = {@awssk}\nhost_base = s3.amazonaws.com\nhost_bucket = %(bucket)s.s3.amazonaws.com\nuse_https = True\ngpg_passphrase = {@pw}\n",
    ),
    (
        "source",
        "rclone.conf",
        '[b2]\ntype = b2\naccount = 0025{=short}0000000003\nkey = {@b2key}\n\n[gdrive]\ntype = drive\nscope = drive\ntoken = {"access_token":"{@ya29}","token_type":"Bearer","refresh_token":"{@grefresh}","expiry":"{=ts}"}\n',
    ),
    (
        "source",
        "boto config",
        "$ cat ~/.boto\n[Credentials]\naws_access_key_id = {=akid}\naws_secret_access_key = {@awssk}\ngs_oauth2_refresh_token = {@grefresh}\n\n[Boto]\nhttps_validate_certificates = True\n",
    ),
    ("shell", "pgpass", "$ cat ~/.pgpass\n{=host}:5432:app:{=user}:{@pw}\n*:*:*:replicator:{@pwa}\n"),
    (
        "source",
        "my.cnf client",
        '# ~/.my.cnf\n[client]\nuser=root\npassword="{@pw}"\nhost=127.0.0.1\n\n[mysqldump]\nsingle-transaction\n',
    ),
    (
        "shell",
        "netrc",
        "$ cat ~/.netrc\nmachine api.heroku.com\n  login {=email}\n  password {@uuidsecret}\nmachine git.heroku.com\n  login {=email}\n  password {@uuidsecret}\nmachine artifactory.acme.dev login ci password {@pw}\n",
    ),
    (
        "yaml",
        "helm repositories.yaml",
        'apiVersion: ""\ngenerated: "0001-01-01T00:00:00Z"\nrepositories:\n- caFile: ""\n  certFile: ""\n  insecure_skip_tls_verify: false\n  keyFile: ""\n  name: acme-charts\n  pass_credentials_all: false\n  password: {@pw}\n  url: https://charts.acme.dev\n  username: {=user}\n',
    ),
    (
        "yaml",
        "argocd repo secret",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: private-repo\n  namespace: argocd\n  labels:\n    argocd.argoproj.io/secret-type: repository\nstringData:\n  type: git\n  url: https://github.com/acme/deploy\n  password: {@ghp}\n  username: not-used\n",
    ),
    (
        "yaml",
        "flux git secret base64",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: flux-system\n  namespace: flux-system\ntype: Opaque\ndata:\n  username: {=user|b64}\n  password: {@ghp|b64}\n",
    ),
    (
        "yaml",
        "kubeconfig user token",
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: {=cert|b64}\n    server: https://{=ip}:6443\n  name: prod\nusers:\n- name: ci\n  user:\n    token: {@jwtrs}\ncontexts:\n- context: {cluster: prod, user: ci}\n  name: prod\ncurrent-context: prod\n",
    ),
    (
        "yaml",
        "kubeconfig client-key-data",
        "users:\n- name: kubernetes-admin\n  user:\n    client-certificate-data: {=cert|b64}\n    client-key-data: {@rsakey|b64}\n",
    ),
    (
        "source",
        "terraformrc credentials",
        '# ~/.terraformrc\ncredentials "app.terraform.io" {\n  token = "{@tfc}"\n}\nplugin_cache_dir = "$HOME/.terraform.d/plugin-cache"\n',
    ),
    (
        "json",
        "terraform credentials.tfrc.json",
        '{\n  "credentials": {\n    "app.terraform.io": {\n      "token": "{@tfc}"\n    }\n  }\n}\n',
    ),
    (
        "yaml",
        "pulumi credentials",
        '$ cat ~/.pulumi/credentials.json\n{\n    "current": "https://api.pulumi.com",\n    "accessTokens": {\n        "https://api.pulumi.com": "{@pulumi}"\n    },\n    "accounts": {"https://api.pulumi.com": {"accessToken": "{@pulumi}", "username": "{=user}"}}\n}\n',
    ),
    (
        "source",
        "aws credentials file",
        "$ cat ~/.aws/credentials\n[default]\naws_access_key_id = {=akid}\naws_secret_access_key = {@awssk}\n\n[prod-sso]\naws_access_key_id = {=asia}\naws_secret_access_key = {@awssk#2}\naws_session_token = {@awssession}\n",
    ),
    (
        "yaml",
        "hub config",
        "$ cat ~/.config/hub\ngithub.com:\n- user: {=user}\n  oauth_token: {@ghp}\n  protocol: https\n",
    ),
    (
        "source",
        "glab config",
        "hosts:\n    gitlab.com:\n        token: {@glpat}\n        api_host: gitlab.com\n        git_protocol: ssh\n        api_protocol: https\n        user: {=user}\n",
    ),
    (
        "source",
        "circleci cli.yml",
        "host: https://circleci.com\nendpoint: graphql-unstable\ntoken: {@ccipat}\nrest_endpoint: api/v2\n",
    ),
    (
        "source",
        "bundler config",
        '$ cat ~/.bundle/config\n---\nBUNDLE_GEMS__CONTRIBSYS__COM: "{=hex32}:{@hex32#2}"\nBUNDLE_RUBYGEMS__PKG__GITHUB__COM: "{=user}:{@ghp}"\nBUNDLE_PATH: "vendor/bundle"\n',
    ),
    (
        "source",
        "poetry auth.toml",
        '[http-basic.acme]\nusername = "{=user}"\npassword = "{@pw}"\n\n[pypi-token]\npypi = "{@pypi}"\n',
    ),
    (
        "source",
        "conda condarc channel token",
        "channels:\n  - https://conda.anaconda.org/t/{@tok32}/acme\n  - conda-forge\nchannel_priority: strict\n",
    ),
    (
        "source",
        "sbt credentials",
        "realm=Sonatype Nexus Repository Manager\nhost=nexus.acme.dev\nuser={=user}\npassword={@pw}\n",
    ),
    (
        "source",
        "ivy/ant build.properties",
        "# build.properties\nkeystore.path=release.jks\nkeystore.password={@pw}\nkey.alias=upload\nkey.password={@pw#k}\n",
    ),
    (
        "shell",
        "gcloud application_default_credentials",
        '$ cat ~/.config/gcloud/application_default_credentials.json\n{\n  "account": "",\n  "client_id": "{=gcid}",\n  "client_secret": "GOCSPX-{@gocspx}",\n  "quota_project_id": "acme-prod",\n  "refresh_token": "{@grefresh}",\n  "type": "authorized_user"\n}\n',
    ),
    (
        "json",
        "gcp service account key",
        '{\n  "type": "service_account",\n  "project_id": "acme-data",\n  "private_key_id": "{=sha1}",\n  "private_key": "{!BEGIN PRIVATE KEY}\\n{@pk8|nl}\\n{!END PRIVATE KEY}\\n",\n  "client_email": "etl@acme-data.iam.gserviceaccount.com",\n  "client_id": "1{=acct}",\n  "token_uri": "https://oauth2.googleapis.com/token"\n}\n',
    ),
    (
        "source",
        "azure devops PAT in .netrc-like git config",
        '[credential "https://dev.azure.com"]\n\tusername = build\n\thelper = store\n[http "https://dev.azure.com/acme/"]\n\textraheader = AUTHORIZATION: Basic {@basic}\n',
    ),
    (
        "shell",
        "git remote -v token",
        "$ git remote -v\norigin\thttps://x-access-token:{@ghs}@github.com/acme/api.git (fetch)\norigin\thttps://x-access-token:{@ghs}@github.com/acme/api.git (push)\n",
    ),
    (
        "shell",
        "git config --list token url",
        "$ git config --list --show-origin | grep url\nfile:.git/config\tremote.origin.url=https://gitlab-ci-token:{@glpat}@gitlab.acme.dev/platform/infra.git\nfile:.git/config\tbranch.main.remote=origin\n",
    ),
    (
        "source",
        "vscode settings with token",
        '{\n  "editor.formatOnSave": true,\n  "sonarlint.connectedMode.connections.sonarqube": [\n    { "serverUrl": "https://sonar.acme.dev", "token": "{@sonar}" }\n  ],\n  "github.copilot.enable": {"*": true}\n}\n',
    ),
    (
        "source",
        "jfrog cli config",
        '{\n  "servers": [\n    {\n      "url": "https://acme.jfrog.io/",\n      "user": "{=user}",\n      "accessToken": "{@jwtrs}",\n      "serverId": "acme",\n      "isDefault": true\n    }\n  ],\n  "version": "6"\n}\n',
    ),
    (
        "source",
        "sentryclirc",
        "[defaults]\nurl = https://sentry.io/\norg = acme\nproject = web\n\n[auth]\ntoken = {@sentry}\n",
    ),
    (
        "source",
        "wrangler/ cloudflare toml",
        'name = "edge-api"\nmain = "src/index.ts"\ncompatibility_date = "2025-01-01"\naccount_id = "{=md5}"\n\n# TODO move to wrangler secret\n[vars]\nCF_API_TOKEN = "{@cfapi}"\n',
    ),
    ("source", "vault agent token file cat", "$ cat ~/.vault-token\n{@hvs}\n"),
    (
        "shell",
        "ssh-agent ppk file",
        "$ cat deploy.ppk\nPuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: deploy@ci\nPublic-Lines: 6\n{=rsapub}\nPrivate-Lines: 7\n{@ppk}\nPrivate-MAC: {=sha256}\n",
    ),
]

# Credential files without a secret: references, placeholders, public material.
TEMPLATES += [
    (
        "shell",
        "npmrc env reference",
        "$ cat .npmrc\n@acme:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}\nalways-auth=true\n",
    ),
    (
        "yaml",
        "yarnrc env reference",
        'npmScopes:\n  acme:\n    npmAlwaysAuth: true\n    npmAuthToken: "${NPM_TOKEN:-}"\n    npmRegistryServer: "https://npm.pkg.github.com"\n',
    ),
    (
        "source",
        "pypirc keyring",
        "[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\n# password is read from the system keyring (keyring set https://upload.pypi.org/legacy/ __token__)\n",
    ),
    (
        "source",
        "settings.xml env placeholders",
        "<servers>\n  <server>\n    <id>github</id>\n    <username>${env.GITHUB_ACTOR}</username>\n    <password>${env.GITHUB_TOKEN}</password>\n  </server>\n</servers>\n",
    ),
    (
        "source",
        "settings.xml maven encrypted",
        "<server>\n  <id>nexus</id>\n  <username>{=user}</username>\n  <!-- encrypted with mvn --encrypt-password, master key in settings-security.xml -->\n  <password>{{=tok40|b64}}</password>\n</server>\n",
    ),
    (
        "source",
        "NuGet.config env vars",
        '<packageSourceCredentials>\n  <acme>\n    <add key="Username" value="%NUGET_USER%" />\n    <add key="ClearTextPassword" value="%NUGET_PAT%" />\n  </acme>\n</packageSourceCredentials>\n',
    ),
    (
        "shell",
        "git-credential fill cache helper",
        "$ git config --global credential.helper\ncache --timeout=3600\n$ git config --get-regexp 'credential.*'\ncredential.helper cache --timeout=3600\ncredential.https://github.com.username {=user}\ncredential.useHttpPath true\n",
    ),
    (
        "yaml",
        "gh hosts.yml keyring",
        'github.com:\n    users:\n        {=user}:\n    git_protocol: ssh\n    user: {=user}\n# token stored in the system keyring (gh auth status shows "Token: gho_************************************")\n',
    ),
    (
        "json",
        "docker config credsStore",
        '{\n  "auths": {\n    "https://index.docker.io/v1/": {},\n    "{=acct}.dkr.ecr.eu-west-1.amazonaws.com": {}\n  },\n  "credsStore": "desktop",\n  "credHelpers": {"public.ecr.aws": "ecr-login"}\n}\n',
    ),
    (
        "source",
        "aws config profiles only",
        "$ cat ~/.aws/config\n[profile prod]\nsso_session = acme\nsso_account_id = {=acct}\nsso_role_name = AdministratorAccess\nregion = eu-central-1\n[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_registration_scopes = sso:account:access\n",
    ),
    (
        "shell",
        "aws configure list masked",
        "$ aws configure list\n      Name                    Value             Type    Location\n      ----                    -----             ----    --------\n   profile                <not set>             None    None\naccess_key     ****************{=akid|last4} shared-credentials-file\nsecret_key     ****************{=hex32|last4} shared-credentials-file\n    region             eu-west-1      config-file    ~/.aws/config\n",
    ),
    (
        "yaml",
        "kubeconfig exec plugin",
        "users:\n- name: arn:aws:eks:eu-west-1:{=acct}:cluster/prod\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n      args: [--region, eu-west-1, eks, get-token, --cluster-name, prod, --output, json]\n      env:\n      - name: AWS_PROFILE\n        value: prod\n",
    ),
    (
        "yaml",
        "kubeconfig cert only",
        "clusters:\n- cluster:\n    certificate-authority-data: {=cert|b64}\n    server: https://prod.k8s.acme.dev:6443\n    tls-server-name: kubernetes\n  name: prod\n",
    ),
    (
        "source",
        "pgpass with wildcard only",
        '# ~/.pgpass format: hostname:port:database:username:password\n# the password field is filled by the vault-agent template at boot, see /etc/vault/pgpass.ctmpl\n# {{ with secret "database/creds/app" }}*:*:*:{{ .Data.username }}:{{ .Data.password }}{{ end }}\n',
    ),
    (
        "source",
        "my.cnf login-path",
        '$ mysql_config_editor print --all\n[client]\nuser = "root"\npassword = *****\nhost = "localhost"\n[remote]\nuser = "{=user}"\npassword = *****\nhost = "{=host}"\n',
    ),
    (
        "source",
        "cargo config no token",
        '# .cargo/config.toml\n[registries.acme]\nindex = "sparse+https://cargo.acme.dev/index/"\ncredential-provider = ["cargo:token-from-stdout", "op", "read", "op://dev/cargo-acme/credential"]\n\n[registry]\nglobal-credential-providers = ["cargo:token", "cargo:libsecret"]\n',
    ),
    (
        "json",
        "composer auth.json placeholders",
        '{\n  "http-basic": {\n    "repo.packagist.com": {\n      "username": "token",\n      "password": "%env(PACKAGIST_TOKEN)%"\n    }\n  },\n  "bearer": {"satis.acme.dev": "${SATIS_TOKEN}"}\n}\n',
    ),
    (
        "source",
        "gradle.properties refs",
        "org.gradle.caching=true\nsigning.keyId=24875D73\nsigning.secretKeyRingFile=../secring.gpg\n# passwords come from ORG_GRADLE_PROJECT_signingPassword / ORG_GRADLE_PROJECT_mavenCentralPassword in CI\nmavenCentralUsername={=user}\nsonatypeStagingProfileId={=short}{=short}\n",
    ),
    (
        "shell",
        "netrc public example",
        "$ man netrc | sed -n '/EXAMPLE/,/^$/p'\nEXAMPLE\n       machine example.com login daniel password qwerty\n       default login anonymous password user@site\n",
    ),
    (
        "yaml",
        "helm repo list",
        "$ helm repo list\nNAME        \tURL\nbitnami     \thttps://charts.bitnami.com/bitnami\nacme-charts \thttps://charts.acme.dev\njetstack    \thttps://charts.jetstack.io\n",
    ),
    (
        "source",
        "rclone env_auth",
        "[s3]\ntype = s3\nprovider = AWS\nenv_auth = true\nregion = eu-west-1\nacl = private\n",
    ),
    (
        "shell",
        "docker login output",
        '$ echo "$CR_PAT" | docker login ghcr.io -u {=user} --password-stdin\nWARNING! Your password will be stored unencrypted in /home/{=user}/.docker/config.json.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/engine/reference/commandline/login/#credential-stores\n\nLogin Succeeded\n',
    ),
    (
        "shell",
        "ssh public key and fingerprint",
        "$ cat ~/.ssh/id_ed25519.pub\n{=sshpub} {=email}\n$ ssh-keygen -lf ~/.ssh/id_ed25519.pub\n256 {=fp} {=email} (ED25519)\n",
    ),
    (
        "shell",
        "known_hosts",
        "$ cat ~/.ssh/known_hosts\ngithub.com {=sshpub}\n|1|{=tok32|b64}|{=sha1|b64} {=rsapub}\n",
    ),
]

# Encodings and escapes beyond one level of JSON.
TEMPLATES += [
    (
        "url",
        "oauth token form body urlencoded",
        "POST /oauth/token HTTP/1.1\nHost: login.acme.io\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=password&username={=email|url}&password={@pw|url}&client_id={=uuid}&scope=openid%20offline_access\n",
    ),
    (
        "url",
        "refresh_token form body",
        "grant_type=refresh_token&refresh_token={@grefresh|url}&client_id={=gcid|url}&client_secret={@gocspx|url}\n",
    ),
    (
        "url",
        "client_credentials urlencoded",
        "curl -s -X POST https://login.microsoftonline.com/{=uuid}/oauth2/v2.0/token -d 'client_id={=uuid#c}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&client_secret={@pw#cs|url}&grant_type=client_credentials'\n",
    ),
    (
        "url",
        "sas url encoded sig",
        "https://acmeprod.blob.core.windows.net/backups/db-2026-03-01.bak?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-04-01T00%3A00%3A00Z&st=2026-03-01T00%3A00%3A00Z&spr=https&sig={@sassig}\n",
    ),
    (
        "url",
        "double-encoded redirect with token",
        "GET /login/callback?next=%2Fapi%2Fexport%3Faccess_token%3D{@tok40}%26format%3Dcsv HTTP/1.1\n",
    ),
    (
        "url",
        "query api_key in nginx log",
        '{=ip} - - [04/Mar/2026:10:11:12 +0000] "GET /v1/forecast?lat=52.5&lon=13.4&apikey={@hex32} HTTP/1.1" 200 5123 "-" "python-requests/2.32.3"\n',
    ),
    (
        "url",
        "urlencoded password in jdbc url param",
        "jdbc:sqlserver://sql.acme.local:1433;databaseName=erp;user=erp_app;password={@pw};encrypt=true;trustServerCertificate=false\n",
    ),
    (
        "url",
        "mongodb srv uri encoded pw",
        "mongodb+srv://{=user}:{@pw|url}@cluster0.ab1cd.mongodb.net/shop?retryWrites=true&w=majority&appName=Cluster0\n",
    ),
    ("url", "amqps uri", "amqps://{=user}:{@pw|url}@b-{=uuid}.mq.eu-west-1.amazonaws.com:5671/%2Fprod\n"),
    (
        "url",
        "redis url with password only",
        "rediss://:{@pwa}@cache-prod.abc123.ng.0001.euw1.cache.amazonaws.com:6380/0\n",
    ),
    (
        "url",
        "webhook url slack",
        'POST https://hooks.slack.com/services/T0{=reqid|upper}/B0{=reqid#2|upper}/{@slackhook}\nContent-type: application/json\n{"text":"deploy finished"}\n',
    ),
    ("url", "discord webhook", "https://discord.com/api/webhooks/{=acct}{=int}/{@dwebhook}\n"),
    (
        "url",
        "telegram bot api url",
        'curl -s "https://api.telegram.org/bot{@telegram}/sendMessage?chat_id=-100{=acct}&text=backup%20ok"\n',
    ),
    (
        "url",
        "signed s3 url",
        "https://acme-exports.s3.eu-west-1.amazonaws.com/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={=asia}%2F20260304%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20260304T101112Z&X-Amz-Expires=3600&X-Amz-Security-Token={@awssession|url}&X-Amz-SignedHeaders=host&X-Amz-Signature={@hex64}\n",
    ),
    (
        "url",
        "git url basic with encoded token",
        "https://build%40acme.io:{@pw|url}@bitbucket.org/acme/mobile.git\n",
    ),
    ("url", "ftp url creds", "ftp://{=user}:{@pw|url}@ftp.partner-logistics.de/outgoing/\n"),
    (
        "url",
        "ldap bind url style",
        "ldaps://ldap.acme.local:636/ou=people,dc=acme,dc=local?uid?sub?(objectClass=person) bindDN=cn=svc-ldap,ou=svc,dc=acme,dc=local bindPassword={@pw}\n",
    ),
    ("url", "websocket url token", "wss://stream.acme.io/v2/ws?token={@jwt}&channels=orders%2Cfills\n"),
    (
        "url",
        "utm and access token in referer",
        "Referer: https://app.acme.io/share?utm_source=mail&utm_medium=email&access_token={@tok40}\n",
    ),
    (
        "url",
        "url-encoded json cookie",
        "Set-Cookie: session=%7B%22uid%22%3A{=int}%2C%22token%22%3A%22{@tok40}%22%7D; Path=/; HttpOnly; Secure\n",
    ),
    (
        "url",
        "form body plus-encoded password",
        "POST /wp-login.php HTTP/1.1\nHost: blog.acme.io\nContent-Type: application/x-www-form-urlencoded\n\nlog={=user}&pwd={@pw|urlp}&wp-submit=Log+In&redirect_to=%2Fwp-admin%2F&testcookie=1\n",
    ),
    ("url", "smtp uri", "MAIL_URL=smtps://postmaster%40mg.acme.io:{@pw|url}@smtp.mailgun.org:465\n"),
    (
        "url",
        "elastic cloud url creds",
        "https://elastic:{@pwa}@acme-prod.es.eu-central-1.aws.cloud.es.io:9243/_cat/indices?v\n",
    ),
    (
        "url",
        "clickhouse http password param",
        "curl 'https://ch.acme.dev:8443/?user=default&password={@pw|url}&query=SELECT%20count()%20FROM%20events'\n",
    ),
    (
        "url",
        "snowflake connection url",
        "snowflake://{=user}:{@pw|url}@acme-xy12345/ANALYTICS/PUBLIC?warehouse=COMPUTE_WH&role=TRANSFORMER\n",
    ),
    ("url", "nats url creds", "nats://{=user}:{@pwa}@nats-0.nats.svc:4222\n"),
    (
        "url",
        "kafka bootstrap with sasl in url (rare)",
        "kafka+ssl://{=user}:{@pw|url}@pkc-4nym6.eu-central-1.aws.confluent.cloud:9092\n",
    ),
    (
        "source",
        "html entity escaped password",
        '<input type="hidden" name="db_password" value="{@pwx|html}">\n<input type="hidden" name="db_user" value="{=user}">\n',
    ),
    (
        "source",
        "xml attribute entity escaped",
        '<connectionStrings>\n  <add name="Main" connectionString="Server=sql01;Database=Shop;User Id=shop;Password={@pwx|html};" providerName="System.Data.SqlClient" />\n</connectionStrings>\n',
    ),
    (
        "source",
        "xml-escaped json in html data attribute",
        '<div id="app" data-config="{&quot;apiBase&quot;:&quot;/api&quot;,&quot;stripeSecret&quot;:&quot;{@sklive}&quot;}"></div>\n',
    ),
    (
        "yaml",
        "yaml literal block private key",
        "ssh:\n  known_hosts: github.com {=sshpub}\n  private_key: |\n    {!BEGIN OPENSSH PRIVATE KEY}\n    {@openssh|ind4}\n    {!END OPENSSH PRIVATE KEY}\n",
    ),
    ("yaml", "yaml folded token", "deploy:\n  token: >-\n    {@jwt}\n  url: https://deploy.acme.io\n"),
    ("yaml", "yaml folded multiline password", "auth:\n  password: >\n    {@pwa}\n  user: {=user}\n"),
    (
        "yaml",
        "yaml block env file",
        "files:\n  .env: |\n    APP_ENV=production\n    DB_PASSWORD={@pw}\n    STRIPE_KEY={@sklive}\n    LOG_CHANNEL=stack\n",
    ),
    ("shell", "ansi-c quoted password", "$ mysql -h {=host} -u root -p$'{@pwq|ansic}' -e 'show databases'\n"),
    (
        "shell",
        "ansi-c quoted with utf8",
        "export SMB_PASS=$'{@pwu|ansic}'\nsmbclient //nas/backup -U backup%\"$SMB_PASS\"\n",
    ),
    (
        "source",
        "C string escaped password",
        'static const char *db_conn = "host=localhost dbname=app user=app password={@pwq|cesc}";\n',
    ),
    (
        "source",
        "Java escaped string",
        '    private static final String KEYSTORE_PASS = "{@pwq|cesc}";\n    private static final String ALIAS = "tls";\n',
    ),
    (
        "source",
        "python bytes repr password",
        ">>> conn._params\n{'user': b'{=user}', 'password': b'{@pw|pyb}', 'database': b'app'}\n",
    ),
    (
        "source",
        "python bytes repr token in headers",
        "[(b'host', b'api.acme.io'), (b'authorization', b'Bearer {@tok40}'), (b'user-agent', b'httpx/0.27')]\n",
    ),
    (
        "json",
        "u00 escaped json password",
        '{"db":{"user":"{=user}","password":"{@pw|u00}","host":"{=host}"}}\n',
    ),
    ("json", "u00 escaped unicode password", '{"kennwort": "{@pwu|u00}", "benutzer": "{=user}"}\n'),
    (
        "yaml",
        "k8s secret base64 .env file",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-env\ntype: Opaque\ndata:\n  .env: {@envfile}\n",
    ),
    (
        "yaml",
        "k8s secret dockerconfigjson",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {@cfgjson}\n",
    ),
    (
        "shell",
        "kubectl get secret jsonpath base64",
        "$ kubectl get secret db-creds -o jsonpath='{.data.password}'\n{@pw|b64}\n$ kubectl get secret db-creds -o jsonpath='{.data.username}'\n{=user|b64}\n",
    ),
    (
        "yaml",
        "k8s secret base64 tls key",
        "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata:\n  name: web-tls\ndata:\n  tls.crt: {=cert|b64}\n  tls.key: {@eckey|b64}\n",
    ),
    (
        "plain",
        "quoted-printable mail body",
        'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: quoted-printable\n\nHallo Jan,\n\ndein neues VPN-Passwort lautet: {@pw|qp}\nBitte nach der ersten Anmeldung =C3=A4ndern.\n',
    ),
    ("shell", "basic auth header decoded by agent", "$ echo '{@basic}' | base64 -d\n{=user}:***\n"),
    (
        "source",
        "php escaped single quotes",
        "<?php\n$config['db_pass'] = '{@pw}';\n$config['smtp_pass'] = \"{@pwa}\";\n",
    ),
    ("source", "go raw string dsn", "\tdsn := `{=user}:{@pw}@tcp(mysql:3306)/orders?parseTime=true`\n"),
    ("source", "rust byte string key", 'const HMAC_KEY: &[u8] = b"{@hex64}";\n'),
    (
        "json",
        "json in json string (env var value)",
        '{"Env": ["APP_CONFIG={\\"db\\":{\\"password\\":\\"{@pw}\\"},\\"port\\":8080}", "PATH=/usr/local/bin:/usr/bin"]}\n',
    ),
    (
        "source",
        "csharp verbatim string",
        'var cs = @"Server=tcp:acme.database.windows.net,1433;Initial Catalog=shop;User ID=shopadmin;Password={@pw};Encrypt=True;";\n',
    ),
    (
        "source",
        "kotlin raw string",
        'val props = """\n    sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="{=user}" password="{@pw}";\n""".trimIndent()\n',
    ),
    (
        "url",
        "javascript encodeURIComponent log",
        "fetch('/api/login?u=' + encodeURIComponent(u) + '&p=' + encodeURIComponent(p))\n// network tab: GET /api/login?u={=email|url}&p={@pw|url} 200\n",
    ),
]
# Encoded text without a secret.
TEMPLATES += [
    (
        "url",
        "encoded redirect uri with client id and state",
        "https://accounts.google.com/o/oauth2/v2/auth?client_id={=gcid|url}&redirect_uri=https%3A%2F%2Fapp.acme.io%2Fauth%2Fcallback&response_type=code&scope=openid%20email%20profile&state={=md5}&nonce={=hex32}&code_challenge_method=S256&code_challenge={=sha256|b64u}\n",
    ),
    (
        "url",
        "presigned-looking url without creds",
        "https://cdn.acme.io/assets/app.{=short}.js?v={=sha1}&integrity={=sri|url}\n",
    ),
    (
        "url",
        "sas url with sig placeholder",
        "https://acmeprod.blob.core.windows.net/uploads?sv=2022-11-02&sp=racwl&se=2026-04-01T00%3A00%3A00Z&sig=<SAS-SIGNATURE>\n",
    ),
    (
        "url",
        "password reset route template",
        "GET /accounts/password/reset/key/{uidb36}-{key}/ -> accounts.views.password_reset_from_key\nGET /api/v1/tokens/{token_id}/revoke\n",
    ),
    (
        "url",
        "encoded search query about passwords",
        "GET /search?q=how%20to%20reset%20my%20password%3F&lang=en&page=2 HTTP/1.1\n",
    ),
    ("url", "url with masked password", "postgres://{=user}:****@{=host}:5432/app?sslmode=require\n"),
    (
        "url",
        "url with env placeholders",
        "DATABASE_URL=postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@${POSTGRES_HOST}:5432/${POSTGRES_DB}\n",
    ),
    ("url", "tracking url with ids", "https://t.acme.io/c/{=uuid}?u={=md5}&m={=int}&sig_v=2&ts=1741082400\n"),
    ("url", "github compare url with shas", "https://github.com/acme/api/compare/{=sha1}...{=sha1#2}\n"),
    (
        "url",
        "oauth authorize url with code_challenge",
        "GET /authorize?response_type=code&client_id=acme-cli&code_challenge={=sha256|b64u}&code_challenge_method=S256&redirect_uri=http%3A%2F%2F127.0.0.1%3A8085%2F HTTP/1.1\n",
    ),
    (
        "source",
        "html form with password input",
        '<form method="post" action="/login">\n  <label for="pw">Mot de passe&nbsp;:</label>\n  <input id="pw" type="password" name="password" autocomplete="current-password" required minlength="12">\n  <input type="hidden" name="csrfmiddlewaretoken" value="{{ csrf_token }}">\n</form>\n',
    ),
    (
        "source",
        "xml with entity-escaped placeholder",
        '<add key="ConnectionString" value="Server=sql01;User Id=shop;Password=&lt;from-keyvault&gt;;" />\n',
    ),
    (
        "yaml",
        "yaml block of public cert",
        "tls:\n  caBundle: |\n    {!BEGIN CERTIFICATE}\n    {=cert|ind4}\n    {!END CERTIFICATE}\n",
    ),
    (
        "yaml",
        "yaml block ssh public keys",
        "users:\n  - name: deploy\n    ssh_authorized_keys:\n      - >-\n        {=sshpub} deploy@ci\n",
    ),
    (
        "yaml",
        "k8s configmap base64 binaryData",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ca-bundle\nbinaryData:\n  ca.crt: {=cert|b64}\ndata:\n  LOG_LEVEL: info\n",
    ),
    (
        "yaml",
        "yq keys of a secret",
        "kubectl get secret db-creds -o yaml | yq '.data | keys'\n- host\n- password\n- port\n- username\n",
    ),
    (
        "shell",
        "ansi-c quoted newline format",
        "$ printf $'%s\\t%s\\n' user {=user} host {=host}\nuser\t{=user}\nhost\t{=host}\n",
    ),
    (
        "source",
        "C escapes no secret",
        'fprintf(stderr, "error: password for \\"%s\\" rejected (attempt %d of %d)\\n", user, n, max);\n',
    ),
    (
        "source",
        "python bytes repr of digest",
        ">>> hashlib.sha256(b'data').digest()\nb'\\x3a\\x6e\\xb0y\\x0f9\\xacB\\xd6\\x10\\x97\\x01\\xc5\\x06\\x90\\x18'\n>>> hashlib.sha256(b'data').hexdigest()\n'{=sha256}'\n",
    ),
    (
        "json",
        "u00 escaped html in json",
        '{"message":"\\u003cb\\u003ePassword changed\\u003c/b\\u003e for {=email}","id":"{=uuid}","ts":"{=ts}"}\n',
    ),
    (
        "plain",
        "quoted-printable newsletter",
        "Content-Transfer-Encoding: quoted-printable\n\nWir haben Ihr Passwort zur=C3=BCckgesetzt. Falls Sie das nicht waren, =\nkontaktieren Sie uns unter https://acme.io/hilfe?ref=3D{=md5}\n",
    ),
    ("shell", "base64 of a public config", "$ base64 -d <<< '{=uuid|b64}'\n{=uuid}\n"),
    (
        "json",
        "docker config with identitytoken placeholder",
        '{\n  "auths": {"registry.acme.dev": {"auth": "", "email": "{=email}"}},\n  "credsStore": "pass",\n  "HttpHeaders": {"User-Agent": "Docker-Client/24.0.7 (linux)"}\n}\n',
    ),
    (
        "url",
        "jwks url and kid",
        'GET https://login.acme.io/.well-known/jwks.json -> {"keys":[{"kty":"RSA","kid":"{=md5}","use":"sig","alg":"RS256","e":"AQAB","n":"{=pubkey|b64u}"}]}\n',
    ),
]

# Tables and columns.
TEMPLATES += [
    (
        "plain",
        "psql users table with plaintext passwords",
        "app=# SELECT id, email, api_token FROM integrations LIMIT 3;\n id |        email         |                api_token\n----+----------------------+------------------------------------------\n  1 | {=email}     | {@hex40}\n  2 | {=email#2}     | {@hex40#2}\n  3 | ops@acme.io          | \n(3 rows)\n",
    ),
    (
        "plain",
        "mysql boxed table with credentials",
        "mysql> SELECT name, smtp_user, smtp_password FROM mail_settings;\n+---------+-----------------+----------------------+\n| name    | smtp_user       | smtp_password        |\n+---------+-----------------+----------------------+\n| default | apikey          | {@sendgrid} |\n| backup  | postmaster      | {@pw}   |\n+---------+-----------------+----------------------+\n2 rows in set (0.00 sec)\n",
    ),
    (
        "plain",
        "sqlite column output",
        "sqlite> .mode column\nsqlite> select key, value from settings where key like '%secret%';\nkey                    value\n---------------------  ----------------------------------\noauth_client_secret    {@gocspx}\nwebhook_secret         {@whsec}\n",
    ),
    (
        "plain",
        "psql expanded display",
        "app=# \\x\nExpanded display is on.\napp=# SELECT * FROM oauth_apps WHERE id = 7;\n-[ RECORD 1 ]-+----------------------------------------\nid            | 7\nname          | zapier\nclient_id     | {=uuid}\nclient_secret | {@tok40}\ncreated_at    | {=ts}\n",
    ),
    (
        "plain",
        "markdown table in agent reply",
        "I found these credentials hard-coded in the repo:\n\n| File | Variable | Value |\n|---|---|---|\n| `config/prod.py` | `STRIPE_SECRET` | `{@sklive}` |\n| `scripts/sync.sh` | `GH_TOKEN` | `{@ghp}` |\n| `.env.example` | `DB_PASSWORD` | `changeme` |\n\nI recommend rotating the first two.\n",
    ),
    (
        "plain",
        "markdown table env vars with values",
        "| Name | Value | Scope |\n| ---- | ----- | ----- |\n| OPENAI_API_KEY | {@openai} | production |\n| NODE_ENV | production | all |\n",
    ),
    (
        "plain",
        "bitwarden csv export",
        "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\nWork,,login,AWS console,,,0,https://signin.aws.amazon.com,{=email},{@pw},\nWork,1,login,GitLab,,,0,https://gitlab.acme.dev,{=user},{@pw#2},otpauth://totp/GitLab?secret={@tok32|upper}\n",
    ),
    (
        "plain",
        "chrome passwords csv",
        "name,url,username,password,note\nacme.atlassian.net,https://id.atlassian.com/login,{=email},{@pw},\n192.168.1.1,http://192.168.1.1/,admin,{@pwa},\n",
    ),
    (
        "plain",
        "1password csv export",
        'Title,Website,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes\n"Prod DB","{=host}","{=user}","{@pw}","",false,false,"infra","rotated quarterly"\n',
    ),
    (
        "plain",
        "keepass csv export",
        '"Group","Title","Username","Password","URL","Notes"\n"Root/Server","iLO","Administrator","{@pw}","https://10.0.0.5",""\n"Root/Server","ESXi","root","{@pw#2}","https://esx01",""\n',
    ),
    (
        "plain",
        "tsv user export with password column",
        "username\temail\tpassword\trole\n{=user}\t{=email}\t{@pw}\tadmin\nguest\tguest@acme.io\t{@pw#2}\tviewer\n",
    ),
    (
        "shell",
        "vault kv get table",
        "$ vault kv get secret/prod/payments\n======== Secret Path ========\nsecret/data/prod/payments\n\n======= Metadata =======\nKey                Value\n---                -----\ncreated_time       {=ts}\nversion            4\n\n====== Data ======\nKey               Value\n---               -----\nstripe_key        {@sklive}\nwebhook_secret    {@whsec}\n",
    ),
    (
        "shell",
        "vault read database creds",
        "$ vault read database/creds/readonly\nKey                Value\n---                -----\nlease_id           database/creds/readonly/{=tok32}\nlease_duration     1h\nlease_renewable    true\npassword           {@pwa}\nusername           v-token-readonly-{=tok32#u|upper}\n",
    ),
    (
        "shell",
        "vault token create",
        '$ vault token create -policy=ci -ttl=24h\nKey                  Value\n---                  -----\ntoken                {@hvs}\ntoken_accessor       {=tok32}\ntoken_duration       24h\ntoken_renewable      true\ntoken_policies       ["ci" "default"]\n',
    ),
    (
        "shell",
        "op item get",
        '$ op item get "Prod Postgres" --reveal\nID:          {=tok32|upper}\nTitle:       Prod Postgres\nVault:       Infra ({=tok32#v|upper})\nCategory:    DATABASE\nFields:\n  type:        postgresql\n  server:      {=host}\n  port:        5432\n  database:    app\n  username:    {=user}\n  password:    {@pw}\n',
    ),
    (
        "json",
        "bw get item json",
        '{"object":"item","id":"{=uuid}","organizationId":null,"folderId":null,"type":1,"name":"npm publish","login":{"uris":[{"match":null,"uri":"https://www.npmjs.com"}],"username":"{=user}","password":"{@pw}","totp":null},"fields":[{"name":"token","value":"{@npm}","type":1}]}\n',
    ),
    (
        "shell",
        "lpass show",
        "$ lpass show --all Shared-Infra/jenkins\nShared-Infra/jenkins [id: {=acct}]\nUsername: admin\nPassword: {@pw}\nURL: https://jenkins.acme.dev\nNotes: API token {@hex32}\n",
    ),
    (
        "shell",
        "env | sort",
        "$ env | sort\nHOME=/home/runner\nHOSTNAME=runner-7f9c\nLANG=C.UTF-8\nNPM_TOKEN={@npm}\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin\nPWD=/builds/acme/web\nSENTRY_AUTH_TOKEN={@sentry}\nSHLVL=1\n",
    ),
    (
        "json",
        "docker inspect Env",
        '$ docker inspect --format \'{{json .Config.Env}}\' api\n["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin","POSTGRES_PASSWORD={@pw}","REDIS_URL=redis://:{@pwa}@redis:6379/0","LANG=C.UTF-8"]\n',
    ),
    (
        "shell",
        "systemctl show Environment",
        "$ systemctl show -p Environment grafana-server\nEnvironment=GF_SECURITY_ADMIN_PASSWORD={@pw} GF_DATABASE_URL=mysql://grafana:{@pwa}@127.0.0.1:3306/grafana GF_PATHS_DATA=/var/lib/grafana\n",
    ),
    (
        "shell",
        "ps eww",
        "$ ps eww -o pid,command -p {=pid}\n    PID COMMAND\n  {=pid} node dist/server.js PATH=/usr/bin HOSTNAME=web-1 NODE_ENV=production JWT_SECRET={@hex64} DATABASE_URL=postgres://web:{@pw|url}@db:5432/web HOME=/app\n",
    ),
    (
        "shell",
        "proc environ tr nul",
        "$ tr '\\0' '\\n' < /proc/{=pid}/environ\nLANG=C.UTF-8\nAWS_ACCESS_KEY_ID={=akid}\nAWS_SECRET_ACCESS_KEY={@awssk}\nAWS_REGION=eu-west-1\n",
    ),
    (
        "shell",
        "proc environ raw nul",
        "$ cat /proc/{=pid}/environ\nPATH=/usr/bin\u0000HOME=/root\u0000GITHUB_TOKEN={@ghs}\u0000RUNNER_OS=Linux\u0000",
    ),
    (
        "shell",
        "kubectl get secrets -o wide decoded",
        "$ kubectl get secret api-keys -o go-template='{{range $k,$v := .data}}{{$k}}={{$v|base64decode}}{{\"\\n\"}}{{end}}'\nANTHROPIC_API_KEY={@anthropic}\nLOG_LEVEL=debug\n",
    ),
    (
        "shell",
        "kubectl describe pod env",
        "$ kubectl describe pod worker-6d5f8-abcde | sed -n '/Environment:/,/Mounts:/p'\n    Environment:\n      QUEUE_URL:        amqp://worker:{@pw|url}@rabbitmq:5672/\n      HF_TOKEN:         {@hf}\n      DB_PASSWORD:      <set to the key 'password' in secret 'db'>  Optional: false\n    Mounts:\n",
    ),
    (
        "shell",
        "aws secretsmanager get-secret-value table",
        '$ aws secretsmanager get-secret-value --secret-id prod/api --output table\n-------------------------------------------------------------------------\n|                           GetSecretValue                              |\n+-------------+---------------------------------------------------------+\n|  ARN        |  arn:aws:secretsmanager:eu-west-1:{=acct}:secret:prod/api-AbCdEf\n|  Name       |  prod/api                                               |\n|  SecretString|  {"password":"{@pw}","username":"api"}                |\n|  VersionId  |  {=uuid}                    |\n+-------------+---------------------------------------------------------+\n',
    ),
    (
        "shell",
        "aws iam create-access-key table",
        "$ aws iam create-access-key --user-name ci --output table\n--------------------------------------------------------------------------\n|                            CreateAccessKey                             |\n+------------------------------------------------------------------------+\n||                               AccessKey                              ||\n|+------------------+---------------------------------------------------+|\n||  AccessKeyId     |  {=akid}                               ||\n||  SecretAccessKey |  {@awssk}         ||\n||  Status          |  Active                                           ||\n||  UserName        |  ci                                               ||\n|+------------------+---------------------------------------------------+|\n",
    ),
    (
        "shell",
        "aws ssm get-parameters text output",
        "$ aws ssm get-parameter --name /prod/db/password --with-decryption --output text\nPARAMETER\tarn:aws:ssm:eu-west-1:{=acct}:parameter/prod/db/password\t{=date}T10:00:00.000000+00:00\t/prod/db/password\tSecureString\t{@pw}\t7\n",
    ),
    (
        "shell",
        "gcloud secrets access",
        "$ gcloud secrets versions access latest --secret=slack-bot-token\n{@xoxb}\n",
    ),
    (
        "shell",
        "heroku config",
        "$ heroku config -a acme-api\n=== acme-api Config Vars\nDATABASE_URL:     postgres://u{=short}:{@hex64}@ec2-3-248-1-1.eu-west-1.compute.amazonaws.com:5432/d{=short}\nMAILGUN_API_KEY:  {@mailgun}\nWEB_CONCURRENCY:  2\n",
    ),
    (
        "shell",
        "fly secrets list vs env",
        "$ fly ssh console -C 'printenv DATABASE_URL OPENAI_API_KEY'\npostgres://postgres:{@pwa}@acme-db.flycast:5432/acme?sslmode=disable\n{@openai}\n",
    ),
    (
        "shell",
        "doppler secrets table",
        "$ doppler secrets --only-names=false\n┌─────────────────────┬──────────────────────────────────────────┐\n│ NAME                │ VALUE                                    │\n├─────────────────────┼──────────────────────────────────────────┤\n│ DOPPLER_ENVIRONMENT │ prd                                      │\n│ GROQ_API_KEY        │ {@groq} │\n│ DB_PASSWORD         │ {@pw}                     │\n└─────────────────────┴──────────────────────────────────────────┘\n",
    ),
    ("shell", "gh secret not readable; gh auth token", "$ gh auth token\n{@gho}\n"),
    (
        "shell",
        "gh auth status --show-token",
        "$ gh auth status --show-token\ngithub.com\n  ✓ Logged in to github.com account {=user} (keyring)\n  - Active account: true\n  - Git operations protocol: https\n  - Token: {@gho}\n  - Token scopes: 'gist', 'read:org', 'repo', 'workflow'\n",
    ),
    (
        "plain",
        "csv of api keys export",
        "key_id,name,secret,created\n{=uuid},ci,{@tok40},{=date}\n{=uuid#2},zapier,{@tok40#2},{=date#2}\n",
    ),
    (
        "plain",
        "redis-cli hgetall",
        '127.0.0.1:6379> HGETALL session:{=uuid}\n1) "user_id"\n2) "{=int}"\n3) "oauth_access_token"\n4) "{@ya29}"\n5) "expires"\n6) "1741086000"\n',
    ),
    (
        "plain",
        "cqlsh table",
        "cqlsh:auth> SELECT username, salted_hash, api_key FROM users LIMIT 2;\n\n username | salted_hash | api_key\n----------+-------------+--------------------------------------------------\n {=user}  |        null | {@tok40}\n\n(1 rows)\n",
    ),
    (
        "plain",
        "clickhouse pretty format",
        "SELECT name, auth_type, password FROM system.integrations FORMAT PrettyCompact\n┌─name────┬─auth_type─┬─password─────────────┐\n│ s3_sink │ static    │ {@awssk} │\n└─────────┴───────────┴──────────────────────┘\n",
    ),
    (
        "plain",
        "mongo shell document",
        "test> db.integrations.findOne({name: 'twilio'})\n{\n  _id: ObjectId('{=md5|pfx}{=sha1|pfx}ab12'),\n  name: 'twilio',\n  accountSid: '{=twsid}',\n  authToken: '{@hex32}',\n  enabled: true\n}\n",
    ),
    (
        "shell",
        "kubectl get cm wide with token value",
        "$ kubectl get configmap app-config -o custom-columns=KEY:.data\nKEY\nmap[API_URL:https://api.acme.io LOG_LEVEL:info SLACK_BOT_TOKEN:{@xoxb}]\n",
    ),
]
# Tables and columns without a secret.
TEMPLATES += [
    (
        "plain",
        "psql table with hashes",
        "app=# SELECT id, email, password_hash FROM users LIMIT 2;\n id |      email       |                         password_hash\n----+------------------+----------------------------------------------------------------\n  1 | {=email} | pbkdf2_sha256$600000${=md5|pfx}${=sha256|b64}\n  2 | {=email#2} | pbkdf2_sha256$600000${=md5#2|pfx}${=sha256#2|b64}\n(2 rows)\n",
    ),
    (
        "plain",
        "mysql table with ids and digests",
        "+----+--------------------------------------+------------------------------------------+\n| id | request_id                           | checksum                                 |\n+----+--------------------------------------+------------------------------------------+\n|  1 | {=uuid} | {=sha1} |\n|  2 | {=uuid#2} | {=sha1#2} |\n+----+--------------------------------------+------------------------------------------+\n",
    ),
    (
        "plain",
        "markdown table of env vars without values",
        "| Variable | Required | Description |\n|---|---|---|\n| `DATABASE_URL` | yes | Postgres connection string, e.g. `postgres://user:password@localhost/app` |\n| `STRIPE_SECRET_KEY` | yes | Secret key from the Stripe dashboard (`sk_live_...`) |\n| `SESSION_SECRET` | yes | 32+ random bytes; generate with `openssl rand -hex 32` |\n",
    ),
    (
        "plain",
        "bitwarden csv header only and masked",
        "folder,favorite,type,name,login_uri,login_username,login_password\nWork,,login,AWS console,https://signin.aws.amazon.com,{=email},********\n",
    ),
    (
        "shell",
        "vault kv metadata only",
        "$ vault kv metadata get secret/prod/payments\n========== Metadata Path ==========\nsecret/metadata/prod/payments\n\n========== Metadata ==========\nKey                     Value\n---                     -----\ncas_required            false\ncreated_time            {=ts}\ncurrent_version         4\nmax_versions            0\nupdated_time            {=ts#2}\n",
    ),
    (
        "shell",
        "op item get concealed",
        "$ op item get \"Prod Postgres\"\nID:          {=tok32|upper}\nTitle:       Prod Postgres\nCategory:    DATABASE\nFields:\n  username:    {=user}\n  password:    [use 'op item get {=tok32|upper} --reveal' to reveal]\n",
    ),
    (
        "shell",
        "env | sort without secrets",
        "$ env | sort\nCI=true\nGITHUB_ACTIONS=true\nGITHUB_REF=refs/heads/main\nGITHUB_RUN_ID={=acct}\nGITHUB_SHA={=sha1}\nGITHUB_TOKEN=***\nRUNNER_TEMP=/home/runner/work/_temp\n",
    ),
    (
        "json",
        "docker inspect Env without secrets",
        '["PATH=/usr/local/bin:/usr/bin","NODE_VERSION=20.11.1","YARN_VERSION=1.22.19","APP_BUILD_SHA={=sha1}","PASSWORD_MIN_LENGTH=12"]\n',
    ),
    (
        "shell",
        "kubectl get secrets list",
        "$ kubectl get secrets -n prod -o wide\nNAME                  TYPE                                  DATA   AGE\ndb-credentials        Opaque                                2      41d\ngithub-token          Opaque                                1      12d\nregcred               kubernetes.io/dockerconfigjson        1      300d\nweb-tls               kubernetes.io/tls                     2      88d\n",
    ),
    (
        "shell",
        "aws iam list-access-keys table",
        "$ aws iam list-access-keys --user-name ci --output table\n---------------------------------------------------------------\n|                       ListAccessKeys                        |\n+-------------------------------------------------------------+\n||                     AccessKeyMetadata                     ||\n|+-----------------------+------------------------+-----------+|\n||      AccessKeyId      |      CreateDate        |  Status   ||\n|+-----------------------+------------------------+-----------+|\n||  {=akid} |  {=ts}  |  Active   ||\n|+-----------------------+------------------------+-----------+|\n",
    ),
    (
        "shell",
        "aws secretsmanager list-secrets",
        "$ aws secretsmanager list-secrets --query 'SecretList[].[Name,ARN]' --output text\nprod/api\tarn:aws:secretsmanager:eu-west-1:{=acct}:secret:prod/api-AbCdEf\nprod/db-password\tarn:aws:secretsmanager:eu-west-1:{=acct}:secret:prod/db-password-XyZ123\n",
    ),
    (
        "shell",
        "heroku config masked",
        "$ heroku config -a acme-api --shell | sed 's/=.*/=<redacted>/'\nDATABASE_URL=<redacted>\nMAILGUN_API_KEY=<redacted>\nWEB_CONCURRENCY=<redacted>\n",
    ),
    (
        "shell",
        "doppler secrets names only",
        "$ doppler secrets --only-names\n┌─────────────────────┐\n│ NAME                │\n├─────────────────────┤\n│ DB_PASSWORD         │\n│ GROQ_API_KEY        │\n│ STRIPE_SECRET_KEY   │\n└─────────────────────┘\n",
    ),
    (
        "shell",
        "gh secret list",
        "$ gh secret list\nNAME                 UPDATED\nAWS_SECRET_ACCESS_KEY  about 2 months ago\nNPM_TOKEN              about 5 days ago\nSLACK_WEBHOOK_URL      about 1 year ago\n",
    ),
    (
        "shell",
        "gh auth status masked",
        "$ gh auth status\ngithub.com\n  ✓ Logged in to github.com account {=user} (keyring)\n  - Active account: true\n  - Git operations protocol: ssh\n  - Token: gho_************************************\n  - Token scopes: 'admin:public_key', 'gist', 'read:org', 'repo'\n",
    ),
    (
        "plain",
        "csv of commits",
        "sha,author,date,subject\n{=sha1},{=email},{=date},Rotate API token for billing (#412)\n{=sha1#2},{=email#2},{=date#2},Remove hard-coded password from tests\n",
    ),
    (
        "plain",
        "redis hgetall session ids",
        '127.0.0.1:6379> HGETALL session:{=uuid}\n1) "user_id"\n2) "{=int}"\n3) "csrf_digest"\n4) "{=sha256}"\n5) "expires"\n6) "1741086000"\n',
    ),
    (
        "plain",
        "ps aux without env",
        "$ ps aux | grep -i [p]assword\nroot       {=pid}  0.0  0.1  12345  2345 ?  Ss   10:00   0:00 /usr/sbin/sshd -o PasswordAuthentication=no\n{=user}   {=pid#2}  0.0  0.0   6543   876 pts/0 S+ 10:01   0:00 vim docs/password-policy.md\n",
    ),
    (
        "shell",
        "systemctl show environment files",
        "$ systemctl show -p EnvironmentFiles -p Environment grafana-server\nEnvironment=GF_PATHS_DATA=/var/lib/grafana GF_PATHS_LOGS=/var/log/grafana\nEnvironmentFiles=/etc/default/grafana-server (ignore_errors=no)\n",
    ),
    (
        "plain",
        "sqlite api_keys with prefixes and hashes",
        "sqlite> select id, prefix, key_hash, last_used from api_keys;\n1|ak_live_{=short}|{=sha256}|{=ts}\n2|ak_test_{=short#2}|{=sha256#2}|\n",
    ),
    (
        "plain",
        "cloud console iam table",
        "| Principal | Role | Key ID | Created |\n|---|---|---|---|\n| etl@acme-data.iam.gserviceaccount.com | roles/bigquery.dataEditor | {=sha1} | {=date} |\n| ci@acme-data.iam.gserviceaccount.com | roles/storage.admin | {=sha1#2} | {=date#2} |\n",
    ),
]

# Non-English keys, comments and chat.
TEMPLATES += [
    (
        "source",
        "german ini Passwort",
        "[Datenbank]\n; Zugangsdaten für die Produktionsdatenbank\nBenutzer = {=user}\nPasswort = {@pw}\nServer = {=host}\n",
    ),
    (
        "yaml",
        "german yaml Kennwort",
        'smtp:\n  server: mail.firma.de\n  benutzername: rechnungen@firma.de\n  kennwort: "{@pw}"  # nicht ins Repo committen!\n',
    ),
    (
        "source",
        "french properties mot_de_passe",
        "# Paramètres de connexion\nutilisateur={=user}\nmot_de_passe={@pw}\nhote={=host}\n",
    ),
    (
        "json",
        "french json jeton",
        '{\n  "service": "facturation",\n  "jeton_api": "{@tok40}",\n  "identifiant_client": "{=uuid}"\n}\n',
    ),
    (
        "yaml",
        "spanish yaml contraseña",
        "base_de_datos:\n  usuario: {=user}\n  contraseña: {@pw}\n  servidor: {=host}\n  puerto: 5432\n",
    ),
    (
        "source",
        "spanish env clave",
        "# configuración de producción\nCLAVE_SECRETA={@hex64}\nUSUARIO_BD={=user}\nCLAVE_BD={@pw}\n",
    ),
    (
        "source",
        "portuguese senha",
        "# credenciais do banco\nDB_USUARIO={=user}\nDB_SENHA={@pw}\nCHAVE_API={@tok40}\n",
    ),
    ("json", "portuguese json senha", '{"usuario": "{=user}", "senha": "{@pw}", "servidor": "{=host}"}\n'),
    (
        "yaml",
        "italian yaml parola d'ordine",
        "posta:\n  utente: notifiche@azienda.it\n  password_posta: {@pw}\n  chiave_api: {@sendgrid}\n",
    ),
    (
        "source",
        "dutch wachtwoord",
        "[verbinding]\ngebruiker = {=user}\nwachtwoord = {@pw}\nsleutel = {@hex40}\n",
    ),
    (
        "source",
        "polish haslo",
        "# dane dostępowe do bazy\nUZYTKOWNIK={=user}\nHASLO={@pw}\nhasło_smtp={@pwa}\n",
    ),
    (
        "yaml",
        "russian yaml пароль",
        'база_данных:\n  пользователь: {=user}\n  пароль: "{@pw}"\n  хост: {=host}\n',
    ),
    (
        "source",
        "russian comment and key",
        "# Пароль от тестового стенда, не менять без согласования\nSTAND_PASSWORD={@pw}\n",
    ),
    ("yaml", "chinese yaml 密码", "数据库:\n  用户名: {=user}\n  密码: {@pw}\n  地址: {=host}\n"),
    (
        "source",
        "chinese comment api key",
        "# 阿里云 AccessKey（请勿泄露）\nALIYUN_ACCESS_KEY_ID=LTAI{=tok32|pfx}{=short}x\nALIYUN_ACCESS_KEY_SECRET={@tok32}\n",
    ),
    (
        "yaml",
        "japanese yaml パスワード",
        "接続:\n  ユーザー: {=user}\n  パスワード: {@pw}\n  トークン: {@ghp}\n",
    ),
    ("source", "korean env 비밀번호", "# 운영 DB 비밀번호\nDB_USER={=user}\nDB_비밀번호={@pw}\n"),
    ("json", "korean json 비밀번호", '{"아이디": "{=user}", "비밀번호": "{@pw}"}\n'),
    (
        "plain",
        "german chat quoting password",
        "Ich habe das Passwort für den Staging-Server gefunden: {@pw} – es steht im Klartext in deploy/staging.sh, Zeile 14. Sollen wir es rotieren?\n",
    ),
    (
        "plain",
        "french chat token",
        "Le jeton GitHub utilisé par la CI est {@ghp} ; il apparaît dans .github/workflows/release.yml. Je vous conseille de le révoquer.\n",
    ),
    (
        "plain",
        "spanish chat password",
        "La contraseña del usuario admin de Grafana es `{@pw}` (la encontré en docker-compose.override.yml).\n",
    ),
    (
        "plain",
        "portuguese chat api key",
        "Encontrei a chave da OpenAI no arquivo src/ia/cliente.py: `{@openai}`. Recomendo movê-la para uma variável de ambiente.\n",
    ),
    (
        "plain",
        "russian chat",
        "Нашёл токен бота Telegram в config.py: {@telegram}. Его нужно отозвать через @BotFather.\n",
    ),
    ("plain", "chinese chat", "我在 settings.py 里发现了数据库密码：{@pw}，建议改为从环境变量读取。\n"),
    (
        "plain",
        "japanese chat",
        "`.env` にSlackのトークン `{@xoxb}` がそのまま書かれています。すぐに再発行してください。\n",
    ),
    ("plain", "korean chat", "배포 스크립트에 AWS 시크릿 키가 하드코딩되어 있습니다: {@awssk}\n"),
    (
        "plain",
        "italian chat",
        "Ho trovato la password di root di MySQL nel file docker-compose.yml: {@pw}. Meglio spostarla in un secret.\n",
    ),
    ("plain", "dutch chat", "Het wachtwoord van de SFTP-gebruiker staat in scripts/upload.sh: {@pw}\n"),
    ("plain", "polish chat", "W pliku config/local.php jest hasło do bazy: '{@pw}'. Trzeba je zmienić.\n"),
    ("source", "turkish sifre", "# Veritabanı ayarları\nkullanici_adi={=user}\nsifre={@pw}\n"),
    ("yaml", "vietnamese mat khau", "co_so_du_lieu:\n  ten_dang_nhap: {=user}\n  mat_khau: {@pw}\n"),
    (
        "source",
        "german xml Passwort attribute",
        '<Verbindung Server="{=host}" Benutzer="{=user}" Passwort="{@pwx|html}" />\n',
    ),
    (
        "source",
        "french php mot de passe",
        "<?php\n// Connexion à la base\n$utilisateur = '{=user}';\n$motDePasse = '{@pw}';\n$pdo = new PDO('mysql:host=localhost;dbname=boutique', $utilisateur, $motDePasse);\n",
    ),
    (
        "shell",
        "german shell prompt output",
        "$ ./setup.sh\nInstallation abgeschlossen.\nAdmin-Benutzer: admin\nInitiales Passwort: {@pw}\nBitte ändern Sie das Passwort nach der ersten Anmeldung.\n",
    ),
    (
        "shell",
        "spanish tool output",
        "Usuario creado correctamente.\n  usuario: {=user}\n  contraseña temporal: {@pw}\n  expira: {=date}\n",
    ),
    (
        "shell",
        "japanese tool output",
        "初期管理者アカウントを作成しました\nユーザー名: admin\n初期パスワード: {@pw}\n",
    ),
    ("plain", "hindi chat", "मुझे config.yaml में डेटाबेस का पासवर्ड मिला: {@pw} — इसे हटाना चाहिए।\n"),
    (
        "json",
        "i18n json with actual credential (arabic)",
        '{"اسم_المستخدم": "{=user}", "كلمة_المرور": "{@pw}"}\n',
    ),
]
# Non-English text without a secret.
TEMPLATES += [
    (
        "source",
        "german i18n strings",
        "login.passwort = Passwort\nlogin.passwort_vergessen = Passwort vergessen?\nlogin.fehler = Benutzername oder Passwort ist falsch.\nlogin.passwort_regeln = Mindestens 12 Zeichen, eine Zahl und ein Sonderzeichen.\n",
    ),
    (
        "json",
        "french i18n json",
        '{\n  "mot_de_passe": "Mot de passe",\n  "mot_de_passe_oublie": "Mot de passe oublié ?",\n  "jeton_expire": "Votre jeton a expiré, veuillez vous reconnecter.",\n  "cle_api": "Clé API"\n}\n',
    ),
    (
        "yaml",
        "spanish rails locale",
        'es:\n  devise:\n    passwords:\n      send_instructions: "Recibirás un correo con instrucciones para restablecer tu contraseña."\n      updated: "Tu contraseña se ha cambiado correctamente."\n    failure:\n      invalid: "Correo o contraseña no válidos."\n',
    ),
    (
        "source",
        "portuguese env placeholders",
        "# copie para .env e preencha\nDB_USUARIO=\nDB_SENHA=<sua-senha-aqui>\nCHAVE_API=${CHAVE_API}\n",
    ),
    (
        "yaml",
        "russian yaml with vault ref",
        "база_данных:\n  пользователь: {=user}\n  пароль: \"{{ vault('secret/data/db', 'password') }}\"\n",
    ),
    (
        "yaml",
        "chinese yaml placeholders",
        "数据库:\n  用户名: root\n  密码: ${DB_PASSWORD}   # 从环境变量读取\n  地址: 127.0.0.1\n",
    ),
    (
        "plain",
        "german chat about rotation no value",
        "Ich habe das Datenbank-Passwort rotiert und den neuen Wert im Vault unter secret/prod/db abgelegt. Der alte Token ist widerrufen; bitte `vault kv get` verwenden.\n",
    ),
    (
        "plain",
        "japanese chat no secret",
        "APIキーは環境変数 `OPENAI_API_KEY` から読み込むように修正しました。`.env` は `.gitignore` に追加済みです。\n",
    ),
    (
        "plain",
        "chinese chat no secret",
        '已将硬编码的密码替换为 os.environ["DB_PASSWORD"]，并在 README 中说明如何设置。令牌请在控制台重新生成。\n',
    ),
    (
        "plain",
        "korean chat no secret",
        "비밀번호는 이제 AWS Secrets Manager(`prod/db`)에서 읽어옵니다. 토큰 값은 로그에 남기지 않도록 마스킹했습니다(****).\n",
    ),
    (
        "plain",
        "spanish chat masked",
        "La contraseña aparece enmascarada en el log (`contraseña=********`), así que no hay fuga. El token termina en ...{=hex32|last4}.\n",
    ),
    (
        "plain",
        "russian chat about password policy",
        "Пароль должен содержать не менее 12 символов. Токен доступа действует 15 минут, refresh-токен — 30 дней.\n",
    ),
    (
        "source",
        "polish validation messages",
        "'haslo' => 'Hasło musi mieć co najmniej :min znaków.',\n'haslo_potwierdzenie' => 'Hasła nie są zgodne.',\n'token' => 'Nieprawidłowy token.',\n",
    ),
    (
        "source",
        "italian form labels",
        '<label for="password">Parola d\'ordine</label>\n<input type="password" id="password" name="password" placeholder="La tua password">\n',
    ),
    (
        "shell",
        "german tool output masked",
        "Verbindung zu {=host} wird hergestellt...\nBenutzer: {=user}\nPasswort: ********\nAnmeldung erfolgreich (Sitzung {=uuid}).\n",
    ),
    (
        "plain",
        "french commit message",
        "Suppression du mot de passe codé en dur dans config/prod.php (#{=int})\n\nLe mot de passe est désormais lu depuis la variable d'environnement DB_MOT_DE_PASSE.\n",
    ),
    (
        "yaml",
        "dutch yaml with sops",
        'gebruiker: {=user}\nwachtwoord: {=sops}\nsops:\n  kms: []\n  age:\n    - recipient: age1{=tok32|upper}\n  lastmodified: "{=ts}"\n  mac: {=sops}\n',
    ),
]

# Debug and trace output.
TEMPLATES += [
    (
        "source",
        "pytest showlocals frame",
        "    def connect(self):\n>       return psycopg.connect(self.dsn, connect_timeout=3)\nE       psycopg.OperationalError: connection failed: FATAL:  password authentication failed for user \"{=user}\"\n\nself       = <app.db.Database object at 0x7f3a2c1d9e50>\ndsn        = 'postgresql://{=user}:{@pw|url}@{=host}:5432/app'\npassword   = '{@pw}'\n\napp/db.py:41: OperationalError\n",
    ),
    (
        "source",
        "pytest -l locals with token",
        "client = <httpx.Client object at 0x7f0c>\nheaders = {'Authorization': 'Bearer {@tok40}', 'Accept': 'application/json'}\nresp = <Response [401 Unauthorized]>\n\ntests/test_api.py:88: AssertionError\n",
    ),
    (
        "source",
        "rich traceback locals",
        "╭─────────────────── locals ───────────────────╮\n│   api_key = '{@anthropic}' │\n│     model = 'claude-sonnet-4-5'                │\n│   retries = 3                                  │\n╰────────────────────────────────────────────────╯\nAuthenticationError: Error code: 401\n",
    ),
    (
        "json",
        "sentry event extra and request",
        '{"event_id":"{=hex32}","level":"error","platform":"python","request":{"url":"https://api.acme.io/v1/charge","method":"POST","headers":{"Authorization":"Bearer {@tok40}","User-Agent":"okhttp/4.12.0"},"env":{"REMOTE_ADDR":"{=ip}"}},"extra":{"stripe_key":"{@sklive}"},"contexts":{"trace":{"trace_id":"{=trace}","span_id":"{=span}"}}}\n',
    ),
    (
        "json",
        "rollbar item with locals",
        '{"data":{"environment":"production","body":{"trace":{"frames":[{"filename":"/app/billing.rb","lineno":42,"method":"charge","locals":{"api_key":"{@sklive}","amount":"1999"}}],"exception":{"class":"Stripe::AuthenticationError","message":"Invalid API Key provided"}}},"uuid":"{=uuid}"}}\n',
    ),
    (
        "plain",
        "django debug page settings",
        "Settings\nUsing settings module acme.settings.prod\nSetting\tValue\nALLOWED_HOSTS\t['*']\nAWS_SECRET_ACCESS_KEY\t'{@awssk}'\nDATABASES\t{'default': {'ENGINE': 'django.db.backends.postgresql', 'HOST': '{=host}', 'NAME': 'acme', 'PASSWORD': '{@pw}', 'USER': '{=user}'}}\nDEBUG\tTrue\n",
    ),
    (
        "plain",
        "werkzeug debugger console dump",
        ">>> app.config\n<Config {'DEBUG': True, 'TESTING': False, 'SECRET_KEY': '{@hex64}', 'SQLALCHEMY_DATABASE_URI': 'mysql+pymysql://{=user}:{@pw|url}@{=host}/shop', 'SESSION_COOKIE_NAME': 'session'}>\n",
    ),
    (
        "plain",
        "laravel ignition env dump",
        "Environment\nAPP_ENV\tlocal\nAPP_KEY\tbase64:{@fernet}\nDB_PASSWORD\t{@pw}\nMAIL_PASSWORD\t{@pwa}\n",
    ),
    (
        "shell",
        "strace write password",
        '$ strace -f -s 256 -e trace=write,connect psql -h db\nconnect(3, {sa_family=AF_INET, sin_port=htons(5432), sin_addr=inet_addr("{=ip}")}, 16) = 0\nwrite(3, "\\0\\0\\0(\\0\\3\\0\\0user\\0{=user}\\0database\\0app\\0\\0", 40) = 40\nwrite(3, "p\\0\\0\\0\\25{@pwa}\\0", 22) = 22\n',
    ),
    (
        "shell",
        "strace http auth header",
        'sendto(5, "GET /v2/ HTTP/1.1\\r\\nHost: registry.acme.dev\\r\\nAuthorization: Basic {@basic}\\r\\nUser-Agent: docker/24.0\\r\\n\\r\\n", 128, MSG_NOSIGNAL, NULL, 0) = 128\n',
    ),
    (
        "shell",
        "ltrace strcmp password",
        '$ ltrace ./licensecheck\nstrlen("{=user}") = 6\nstrcmp("guess", "{@pw}") = -1\nputs("access denied") = 14\n',
    ),
    (
        "shell",
        "gdb print struct",
        '(gdb) print *cfg\n$1 = {host = 0x5555555592a0 "{=host}", port = 5432, user = 0x5555555592c0 "{=user}", password = 0x5555555592e0 "{@pw}", timeout = 30}\n',
    ),
    (
        "shell",
        "gdb print std::string token",
        '(gdb) p token_\n$2 = "{@tok40}"\n(gdb) p expires_\n$3 = 1741086000\n',
    ),
    (
        "plain",
        "urllib3 debug log",
        "DEBUG:urllib3.connectionpool:Starting new HTTPS connection (1): api.acme.io:443\nsend: b'POST /v1/login HTTP/1.1\\r\\nHost: api.acme.io\\r\\nAuthorization: Basic {@basic}\\r\\nContent-Length: 0\\r\\n\\r\\n'\nreply: 'HTTP/1.1 200 OK\\r\\n'\nheader: Set-Cookie: sid={@tok40}; Path=/; HttpOnly\n",
    ),
    (
        "plain",
        "http.client debuglevel body",
        'send: b\'{"username": "{=user}", "password": "{@pw}"}\'\nreply: \'HTTP/1.1 201 Created\\r\\n\'\n',
    ),
    (
        "shell",
        "curl trace-ascii",
        "$ curl --trace-ascii - -u {=user}:x https://api.acme.io/me\n== Info: Connected to api.acme.io (10.0.0.7) port 443\n=> Send header, 147 bytes (0x93)\n0000: GET /me HTTP/2\n0010: Host: api.acme.io\n0023: authorization: Basic {@basic}\n0059: user-agent: curl/8.5.0\n",
    ),
    (
        "shell",
        "curl -v bearer",
        '$ curl -v -H "Authorization: Bearer $TOKEN" https://api.github.com/user\n> GET /user HTTP/2\n> Host: api.github.com\n> User-Agent: curl/8.5.0\n> Accept: */*\n> Authorization: Bearer {@ghp}\n>\n< HTTP/2 200\n< x-github-request-id: {=reqid}:{=reqid#2}\n',
    ),
    (
        "plain",
        "okhttp logging interceptor",
        'I/okhttp.OkHttpClient: --> POST https://api.acme.io/v2/session\nI/okhttp.OkHttpClient: Content-Type: application/json\nI/okhttp.OkHttpClient: X-Api-Key: {@tok32}\nI/okhttp.OkHttpClient: {"refreshToken":"{@jwt}"}\nI/okhttp.OkHttpClient: --> END POST (312-byte body)\n',
    ),
    (
        "plain",
        "go httputil DumpRequest",
        'POST /api/v1/events HTTP/1.1\r\nHost: ingest.acme.io\r\nAuthorization: Splunk {@uuidsecret}\r\nContent-Type: application/json\r\n\r\n{"event":"deploy"}\n',
    ),
    (
        "plain",
        "node NODE_DEBUG=http",
        "HTTP 4182: call onSocket 0 0\nHTTP 4182: outgoing message end.\nHTTP 4182: AGENT incoming response!\n  headers: [ 'authorization', 'token {@ghp}', 'user-agent', 'octokit-rest.js/20.0.2' ]\n",
    ),
    (
        "plain",
        "mysql general log SET PASSWORD",
        "2026-03-04T10:11:12.123456Z\t   42 Connect\troot@localhost on  using Socket\n2026-03-04T10:11:12.124001Z\t   42 Query\tCREATE USER 'report'@'%' IDENTIFIED BY '{@pw}'\n2026-03-04T10:11:12.125101Z\t   42 Query\tALTER USER 'app'@'%' IDENTIFIED BY '{@pw#2}'\n",
    ),
    (
        "plain",
        "postgres log ALTER ROLE password",
        "2026-03-04 10:11:12.345 UTC [812] postgres@app LOG:  statement: ALTER ROLE app WITH LOGIN PASSWORD '{@pw}';\n",
    ),
    (
        "plain",
        "mysql slow log",
        "# Time: 2026-03-04T10:11:12.123Z\n# User@Host: app[app] @  [{=ip}]  Id: 9181\n# Query_time: 2.311  Lock_time: 0.000 Rows_sent: 1  Rows_examined: 120411\nSELECT * FROM users WHERE api_token = '{@hex40}';\n",
    ),
    (
        "plain",
        "redis MONITOR",
        '1741082400.123456 [0 {=ip}:51234] "AUTH" "{@pwa}"\n1741082400.124001 [0 {=ip}:51234] "SELECT" "2"\n1741082400.125100 [2 {=ip}:51234] "SET" "session:{=uuid}" "{\\"token\\":\\"{@tok40}\\"}" "EX" "3600"\n',
    ),
    (
        "plain",
        "redis MONITOR AUTH user pass",
        '1741082401.000001 [0 127.0.0.1:40012] "AUTH" "default" "{@pw}"\n1741082401.000120 [0 127.0.0.1:40012] "PING"\n',
    ),
    (
        "plain",
        "apache access log token query",
        '{=ip} - - [04/Mar/2026:10:11:12 +0000] "GET /export.php?user={=user}&token={@hex40}&format=xlsx HTTP/1.1" 200 88211 "https://intranet.acme.local/" "Mozilla/5.0"\n',
    ),
    (
        "plain",
        "nginx log password query",
        '{=ip} - - [04/Mar/2026:10:11:12 +0000] "GET /api/login?username={=user}&password={@pw|url} HTTP/1.1" 302 0 "-" "curl/8.5.0"\n',
    ),
    (
        "plain",
        "syslog sudo with password on cmdline",
        "Mar  4 10:11:12 web-1 sudo:   {=user} : TTY=pts/0 ; PWD=/home/{=user} ; USER=root ; COMMAND=/usr/bin/mysql -uroot -p{@pw} -e SHOW\\x20DATABASES\n",
    ),
    (
        "plain",
        "journald unit logging token",
        "Mar 04 10:11:12 build-3 runner[{=pid}]: 2026/03/04 10:11:12 registering runner with token {@glpat} at https://gitlab.acme.dev\n",
    ),
    (
        "plain",
        "auditd execve argv",
        'type=EXECVE msg=audit(1741082400.123:4411): argc=4 a0="curl" a1="-u" a2="admin:{@pw}" a3="https://jenkins.acme.dev/api/json"\n',
    ),
    (
        "shell",
        "set -x trace",
        "+ export AWS_SECRET_ACCESS_KEY={@awssk}\n+ AWS_SECRET_ACCESS_KEY={@awssk}\n+ aws s3 cp dist/ s3://acme-web/ --recursive\n",
    ),
    (
        "shell",
        "bash -x curl with token",
        "++ cat /run/secrets/api_token\n+ TOKEN={@tok40}\n+ curl -fsS -H 'X-Auth-Token: {@tok40}' https://api.acme.io/v1/health\n",
    ),
    (
        "plain",
        "java stack trace with jdbc url",
        'org.postgresql.util.PSQLException: FATAL: password authentication failed for user "app"\n\tat org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)\nCaused by: config dump: HikariConfig{jdbcUrl=jdbc:postgresql://{=host}:5432/app, username=app, password={@pw}, maximumPoolSize=10}\n',
    ),
    (
        "plain",
        "spring boot env actuator unmasked",
        '{"activeProfiles":["prod"],"propertySources":[{"name":"applicationConfig: [classpath:/application-prod.yml]","properties":{"spring.datasource.password":{"value":"{@pw}"},"spring.datasource.username":{"value":"app"}}}]}\n',
    ),
    (
        "plain",
        "rails log filtered only partially",
        'Started POST "/api/v1/webhooks" for {=ip} at 2026-03-04 10:11:12 +0000\nProcessing by WebhooksController#create as JSON\n  Parameters: {"secret"=>"[FILTERED]", "signing_key"=>"{@whsec}", "event"=>"invoice.paid"}\n',
    ),
    (
        "plain",
        "dotnet exception with connection string",
        "Unhandled exception. System.Data.SqlClient.SqlException (0x80131904): Login failed for user 'shop'.\n   ConnectionString: Data Source=sql01;Initial Catalog=Shop;User ID=shop;Password={@pw};\n   at System.Data.SqlClient.SqlInternalConnection.OnError(SqlException exception)\n",
    ),
    (
        "plain",
        "php fatal with PDO args",
        "PHP Fatal error:  Uncaught PDOException: SQLSTATE[HY000] [1045] Access denied for user 'shop'@'172.18.0.5' (using password: YES) in /var/www/db.php:12\nStack trace:\n#0 /var/www/db.php(12): PDO->__construct('mysql:host=db;d...', 'shop', '{@pw}')\n#1 {main}\n",
    ),
    (
        "plain",
        "elixir ecto config inspect",
        '** (DBConnection.ConnectionError) connection not available\n[hostname: "{=host}", username: "postgres", password: "{@pw}", database: "acme_prod", pool_size: 10]\n',
    ),
    (
        "plain",
        "go panic with struct %+v",
        "panic: dial tcp: lookup redis: no such host\nconfig: {Addr:redis:6379 Username: Password:{@pwa} DB:0 PoolSize:10}\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:42 +0x1d4\n",
    ),
    (
        "plain",
        "rust debug print of config",
        '[2026-03-04T10:11:12Z DEBUG app] loaded Settings { database_url: "postgres://app:{@pw|url}@db/app", jwt_secret: "{@hex64}", port: 8080 }\n',
    ),
]
# Debug and trace output without a secret.
TEMPLATES += [
    (
        "source",
        "pytest locals without secret",
        "self       = <app.client.Client object at 0x7f3a2c1d9e50>\nurl        = 'https://api.acme.io/v1/items?page=2'\ntoken_name = 'API_TOKEN'\nheaders    = {'Accept': 'application/json', 'X-Request-Id': '{=uuid}'}\n\napp/client.py:57: HTTPError\n",
    ),
    (
        "json",
        "sentry event with filtered fields",
        '{"event_id":"{=hex32}","request":{"headers":{"Authorization":"[Filtered]","Cookie":"[Filtered]"}},"extra":{"password":"[Filtered]","api_key":"[Filtered]"},"contexts":{"trace":{"trace_id":"{=trace}","span_id":"{=span}"}},"release":"web@{=sha1}"}\n',
    ),
    (
        "plain",
        "django debug page hidden settings",
        "SECRET_KEY\t'********************'\nDATABASES\t{'default': {'ENGINE': 'django.db.backends.postgresql', 'HOST': '{=host}', 'NAME': 'acme', 'PASSWORD': '********************', 'USER': '{=user}'}}\nSTRIPE_SECRET_KEY\t'********************'\n",
    ),
    (
        "shell",
        "strace open and read of config path only",
        'openat(AT_FDCWD, "/etc/app/secrets.yaml", O_RDONLY|O_CLOEXEC) = 3\nread(3, "", 4096)                       = 0\nopenat(AT_FDCWD, "/home/{=user}/.netrc", O_RDONLY) = -1 ENOENT (No such file or directory)\n',
    ),
    (
        "plain",
        "urllib3 debug without auth",
        'DEBUG:urllib3.connectionpool:https://pypi.org:443 "GET /simple/requests/ HTTP/1.1" 200 None\nDEBUG:urllib3.connectionpool:https://files.pythonhosted.org:443 "GET /packages/{=md5|pfx}/{=sha256}/requests-2.32.3-py3-none-any.whl HTTP/1.1" 200 64928\n',
    ),
    (
        "shell",
        "curl -v redacted authorization",
        '> GET /user HTTP/2\n> Host: api.github.com\n> Authorization: Bearer [REDACTED]\n> Accept: application/vnd.github+json\n< HTTP/2 200\n< etag: W/"{=sha256}"\n< x-github-request-id: {=reqid}:{=reqid#2}\n',
    ),
    (
        "plain",
        "mysql general log with hashed password",
        "2026-03-04T10:11:12.124001Z\t   42 Query\tCREATE USER 'report'@'%' IDENTIFIED WITH caching_sha2_password BY <secret>\n2026-03-04T10:11:12.125000Z\t   42 Query\tGRANT SELECT ON shop.* TO 'report'@'%'\n",
    ),
    (
        "plain",
        "redis monitor without auth",
        '1741082400.123456 [0 {=ip}:51234] "GET" "rate:{=md5}"\n1741082400.124001 [0 {=ip}:51234] "INCR" "rate:{=md5}"\n1741082400.125100 [0 {=ip}:51234] "EXPIRE" "rate:{=md5}" "60"\n',
    ),
    (
        "plain",
        "nginx access log ids only",
        '{=ip} - - [04/Mar/2026:10:11:12 +0000] "GET /api/v1/orders/{=uuid}?include=items&trace={=trace} HTTP/1.1" 200 1532 "-" "okhttp/4.12.0" rt=0.041 req_id={=hex32}\n',
    ),
    (
        "plain",
        "auditd ssh login",
        'type=USER_AUTH msg=audit(1741082400.123:4412): pid={=pid} uid=0 auid=4294967295 ses=4294967295 msg=\'op=PAM:authentication grantors=pam_unix acct="{=user}" exe="/usr/sbin/sshd" hostname={=ip} addr={=ip} terminal=ssh res=success\'\n',
    ),
    (
        "plain",
        "journald failed password",
        "Mar 04 10:11:12 web-1 sshd[{=pid}]: Failed password for invalid user admin from {=ip} port 51234 ssh2\nMar 04 10:11:13 web-1 sshd[{=pid}]: Accepted publickey for {=user} from {=ip} port 51240 ssh2: ED25519 {=fp}\n",
    ),
    (
        "shell",
        "set -x with masked values",
        "+ echo '::add-mask::***'\n+ export NPM_TOKEN=***\n+ npm publish --access public\nnpm notice Publishing to https://registry.npmjs.org/ with tag latest\n",
    ),
    (
        "plain",
        "java stack trace without secret",
        "java.lang.IllegalStateException: Missing required property 'spring.datasource.password'\n\tat com.acme.config.DataSourceConfig.dataSource(DataSourceConfig.java:31)\n\tat com.acme.Application.main(Application.java:12)\n",
    ),
    (
        "plain",
        "spring actuator env sanitized",
        '{"propertySources":[{"name":"systemEnvironment","properties":{"DB_PASSWORD":{"value":"******","origin":"System Environment Property \\"DB_PASSWORD\\""},"JAVA_HOME":{"value":"/opt/java/openjdk"}}}]}\n',
    ),
    (
        "plain",
        "rails log filtered",
        'Started POST "/users/sign_in" for {=ip} at 2026-03-04 10:11:12 +0000\nProcessing by Devise::SessionsController#create as HTML\n  Parameters: {"authenticity_token"=>"[FILTERED]", "user"=>{"email"=>"{=email}", "password"=>"[FILTERED]"}, "commit"=>"Log in"}\n',
    ),
    (
        "shell",
        "gdb print struct no secret",
        '(gdb) p *req\n$1 = {method = 0x55555555a0a0 "GET", path = 0x55555555a0c0 "/healthz", content_length = 0, request_id = "{=uuid}"}\n',
    ),
    (
        "plain",
        "go panic no secret",
        "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x{=span}]\n\ngoroutine 42 [running]:\ngithub.com/acme/auth/token.(*Store).Get(0x0, {0xc000012345, 0x24})\n\t/src/token/store.go:88 +0x1f\n",
    ),
]

# API-client and tool exports.
TEMPLATES += [
    (
        "json",
        "postman collection bearer auth",
        '{\n  "info": {"_postman_id": "{=uuid}", "name": "Billing API", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},\n  "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{@sklive}", "type": "string"}]},\n  "item": [{"name": "List invoices", "request": {"method": "GET", "url": "{{baseUrl}}/v1/invoices"}}]\n}\n',
    ),
    (
        "json",
        "postman environment values",
        '{\n  "id": "{=uuid}",\n  "name": "prod",\n  "values": [\n    {"key": "baseUrl", "value": "https://api.acme.io", "enabled": true},\n    {"key": "apiKey", "value": "{@tok40}", "type": "secret", "enabled": true},\n    {"key": "password", "value": "{@pw}", "type": "default", "enabled": true}\n  ],\n  "_postman_variable_scope": "environment"\n}\n',
    ),
    (
        "json",
        "postman basic auth item",
        '{"name": "Login", "request": {"auth": {"type": "basic", "basic": [{"key": "password", "value": "{@pw}", "type": "string"}, {"key": "username", "value": "{=user}", "type": "string"}]}, "method": "POST", "header": [{"key": "X-Api-Key", "value": "{@hex32}"}], "url": {"raw": "{{host}}/login"}}}\n',
    ),
    (
        "json",
        "postman oauth2 auth",
        '"auth": {"type": "oauth2", "oauth2": [{"key": "clientSecret", "value": "{@tok40}", "type": "string"}, {"key": "clientId", "value": "{=uuid}", "type": "string"}, {"key": "accessTokenUrl", "value": "https://login.acme.io/oauth/token", "type": "string"}, {"key": "grant_type", "value": "client_credentials", "type": "string"}]}\n',
    ),
    (
        "json",
        "insomnia export",
        '{"_type": "export", "__export_format": 4, "resources": [{"_id": "env_{=hex32}", "_type": "environment", "name": "Production", "data": {"base_url": "https://api.acme.io", "token": "{@jwt}"}}, {"_id": "req_{=hex32#2}", "_type": "request", "method": "GET", "url": "{{ _.base_url }}/me", "authentication": {"type": "bearer", "token": "{{ _.token }}"}}]}\n',
    ),
    (
        "source",
        "bruno .bru request",
        "meta {\n  name: create-order\n  type: http\n  seq: 2\n}\n\npost {\n  url: {{baseUrl}}/orders\n  body: json\n  auth: bearer\n}\n\nauth:bearer {\n  token: {@tok40}\n}\n\nheaders {\n  x-api-key: {@hex32}\n}\n",
    ),
    (
        "source",
        "bruno environment file",
        "vars {\n  baseUrl: https://api.acme.io\n  username: {=user}\n}\nvars:secret [\n  password\n]\n# inline for now\nvars {\n  password: {@pw}\n}\n",
    ),
    (
        "json",
        "har request headers and cookies",
        '{"request": {"method": "GET", "url": "https://app.acme.io/api/me", "httpVersion": "HTTP/2", "headers": [{"name": "authorization", "value": "Bearer {@jwt}"}, {"name": "cookie", "value": "_ga=GA1.1.{=int}.{=int#2}; session_id={@tok40}"}], "cookies": [{"name": "session_id", "value": "{@tok40}", "httpOnly": true}], "queryString": []}}\n',
    ),
    (
        "json",
        "har response set-cookie",
        '{"response": {"status": 200, "headers": [{"name": "set-cookie", "value": "connect.sid=s%3A{@tok32}.{=sha256|b64u}; Path=/; HttpOnly"}, {"name": "x-request-id", "value": "{=uuid}"}], "content": {"mimeType": "application/json", "text": "{\\"access_token\\":\\"{@ya29}\\",\\"expires_in\\":3599}"}}}\n',
    ),
    (
        "json",
        "har postData form",
        '{"postData": {"mimeType": "application/x-www-form-urlencoded", "text": "username={=user}&password={@pw|url}", "params": [{"name": "username", "value": "{=user}"}, {"name": "password", "value": "{@pw|url}"}]}}\n',
    ),
    (
        "yaml",
        "openapi example with live-looking key",
        "components:\n  securitySchemes:\n    ApiKeyAuth:\n      type: apiKey\n      in: header\n      name: X-API-Key\n  examples:\n    authHeader:\n      summary: key used by the staging smoke test\n      value: {@tok40}\n",
    ),
    (
        "source",
        ".http REST client file",
        '@host = https://api.acme.io\n@token = {@jwt}\n\n### Get profile\nGET {{host}}/me\nAuthorization: Bearer {{token}}\n\n### Login\nPOST {{host}}/login\nContent-Type: application/json\n\n{"email": "{=email}", "password": "{@pw}"}\n',
    ),
    (
        "source",
        "intellij http-client.private.env.json",
        '{\n  "prod": {\n    "client_secret": "{@tok40}",\n    "password": "{@pw}"\n  }\n}\n',
    ),
    (
        "json",
        "thunder client env",
        '{"_id": "{=uuid}", "name": "Prod", "default": false, "data": [{"name": "url", "value": "https://api.acme.io"}, {"name": "apiKey", "value": "{@dapi}"}]}\n',
    ),
    (
        "json",
        "graphql request with variables",
        '{"operationName": "Login", "query": "mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { token } }", "variables": {"email": "{=email}", "password": "{@pw}"}}\n',
    ),
    (
        "json",
        "graphql response token",
        '{"data": {"login": {"token": "{@jwt}", "refreshToken": "{@tok40}", "user": {"id": "{=uuid}"}}}}\n',
    ),
    (
        "shell",
        "grpcurl with metadata",
        "$ grpcurl -H 'authorization: Bearer {@tok40}' -d '{\"id\": \"{=uuid}\"}' api.acme.io:443 orders.v1.OrderService/GetOrder\n",
    ),
    (
        "plain",
        "grpc metadata dump",
        "metadata: map[:authority:[api.acme.io] authorization:[Bearer {@jwt}] content-type:[application/grpc] user-agent:[grpc-go/1.62.0] x-request-id:[{=uuid}]]\n",
    ),
    (
        "plain",
        "websocket frame auth",
        '⇧ {"action":"auth","params":"{@tok32}"}\n⇩ {"success":true,"ret_msg":"","op":"auth","conn_id":"{=uuid}"}\n',
    ),
    (
        "plain",
        "websocket STOMP connect frame",
        "CONNECT\naccept-version:1.2\nhost:broker.acme.io\nlogin:{=user}\npasscode:{@pw}\nheart-beat:10000,10000\n\n\u0000",
    ),
    (
        "source",
        "httpie session file",
        '{\n    "__meta__": {"about": "HTTPie session file", "httpie": "3.2.2"},\n    "auth": {"password": "{@pw}", "type": "basic", "username": "{=user}"},\n    "cookies": [{"name": "sessionid", "value": "{@tok32}", "domain": "app.acme.io"}],\n    "headers": []\n}\n',
    ),
    (
        "shell",
        "httpie verbose",
        '$ http -v POST api.acme.io/v1/tokens Authorization:\'Token {@hex40}\' name=ci\nPOST /v1/tokens HTTP/1.1\nAccept: application/json, */*;q=0.5\nAuthorization: Token {@hex40}\nContent-Type: application/json\nHost: api.acme.io\n\n{"name": "ci"}\n',
    ),
    (
        "plain",
        "raw http request basic",
        "GET /api/v1/repos HTTP/1.1\r\nHost: gitea.acme.dev\r\nAuthorization: Basic {@basic}\r\nAccept: */*\r\n\r\n",
    ),
    (
        "plain",
        "raw http response with token body",
        'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n\r\n{"access_token":"{@tok40}","token_type":"bearer","expires_in":7200,"refresh_token":"{@tok40#r}","scope":"read"}\n',
    ),
    (
        "plain",
        "browser devtools copied as fetch",
        'fetch("https://app.acme.io/api/graphql", {\n  "headers": {\n    "accept": "*/*",\n    "authorization": "Bearer {@jwt}",\n    "x-csrf-token": "{=hex32}"\n  },\n  "body": "{\\"query\\":\\"{ me { id } }\\"}",\n  "method": "POST"\n});\n',
    ),
    (
        "shell",
        "copied as curl with cookie",
        "curl 'https://acme.atlassian.net/rest/api/3/myself' \\\n  -H 'accept: application/json' \\\n  -H 'cookie: atlassian.xsrf.token={=uuid}_lin; tenant.session.token={@jwt}' \\\n  --compressed\n",
    ),
    (
        "shell",
        "curl -u basic password",
        "$ curl -s -u {=user}:{@pw} https://nexus.acme.dev/service/rest/v1/repositories | jq length\n12\n",
    ),
    (
        "shell",
        "curl atlassian api token basic",
        "curl -s --user '{=email}:{@atlassian}' -H 'Accept: application/json' https://acme.atlassian.net/rest/api/3/issue/OPS-12\n",
    ),
    (
        "source",
        "k6 script with token",
        "import http from 'k6/http';\nconst TOKEN = '{@tok40}';\nexport default function () {\n  http.get('https://api.acme.io/items', { headers: { Authorization: `Bearer ${TOKEN}` } });\n}\n",
    ),
    (
        "source",
        "locustfile credentials",
        'class User(HttpUser):\n    def on_start(self):\n        self.client.post("/login", json={"username": "loadtest", "password": "{@pw}"})\n',
    ),
]
# API-client exports without a secret.
TEMPLATES += [
    (
        "json",
        "postman collection with variables",
        '{\n  "info": {"_postman_id": "{=uuid}", "name": "Billing API"},\n  "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{stripe_secret_key}}", "type": "string"}]},\n  "variable": [{"key": "baseUrl", "value": "https://api.stripe.com"}]\n}\n',
    ),
    (
        "json",
        "postman environment empty secrets",
        '{"id": "{=uuid}", "name": "prod", "values": [{"key": "apiKey", "value": "", "type": "secret", "enabled": true}, {"key": "baseUrl", "value": "https://api.acme.io", "enabled": true}], "_postman_exported_using": "Postman/11.2.0"}\n',
    ),
    (
        "json",
        "insomnia with template refs",
        '{"_type": "environment", "data": {"token": "{% prompt \'API token\', \'\', \'\', \'\', true, true %}", "base_url": "https://api.acme.io"}}\n',
    ),
    (
        "json",
        "har entry without credentials",
        '{"request": {"method": "GET", "url": "https://cdn.acme.io/app.{=short}.js", "headers": [{"name": "if-none-match", "value": "W/\\"{=sha1}\\""}, {"name": "sec-ch-ua", "value": "\\"Chromium\\";v=\\"122\\""}]}, "response": {"status": 304, "headers": [{"name": "x-amz-cf-id", "value": "{=sha256|b64u}"}]}, "timings": {"wait": 31.2}}\n',
    ),
    (
        "yaml",
        "openapi with placeholder examples",
        'components:\n  securitySchemes:\n    bearerAuth:\n      type: http\n      scheme: bearer\n      bearerFormat: JWT\n  parameters:\n    ApiKey:\n      in: header\n      name: X-API-Key\n      schema: {type: string}\n      example: YOUR_API_KEY\n    Password:\n      in: query\n      name: password\n      example: "<password>"\n',
    ),
    (
        "yaml",
        "openapi example with ids",
        "  /orders/{orderId}:\n    get:\n      parameters:\n        - name: orderId\n          in: path\n          example: {=uuid}\n      responses:\n        '200':\n          content:\n            application/json:\n              example: {id: {=uuid}, checksum: {=sha256}, etag: \"{=md5}\"}\n",
    ),
    (
        "source",
        ".http file with env refs",
        '@host = {{$dotenv API_HOST}}\n@token = {{$dotenv API_TOKEN}}\n\nGET {{host}}/me\nAuthorization: Bearer {{token}}\n\n### login\n# @prompt password\nPOST {{host}}/login\n\n{"email": "{=email}", "password": "{{password}}"}\n',
    ),
    (
        "json",
        "graphql introspection about tokens",
        '{"data": {"__type": {"name": "AuthPayload", "fields": [{"name": "token", "type": {"name": "String"}}, {"name": "refreshToken", "type": {"name": "String"}}, {"name": "passwordResetRequired", "type": {"name": "Boolean"}}]}}}\n',
    ),
    (
        "json",
        "graphql request with variables no password",
        '{"operationName": "RotateKey", "query": "mutation RotateKey($id: ID!) { rotateApiKey(id: $id) { id lastFour createdAt } }", "variables": {"id": "{=uuid}"}}\n',
    ),
    (
        "plain",
        "grpc metadata without auth",
        "metadata: map[:authority:[api.acme.io] content-type:[application/grpc] grpc-accept-encoding:[gzip] traceparent:[00-{=trace}-{=span}-01] user-agent:[grpc-go/1.62.0]]\n",
    ),
    (
        "plain",
        "websocket frames ids",
        '⇧ {"op":"subscribe","args":["orderbook.50.BTCUSDT"],"req_id":"{=uuid}"}\n⇩ {"success":true,"op":"subscribe","conn_id":"{=uuid#2}","checksum":"{=md5}"}\n',
    ),
    (
        "plain",
        "raw http 401 response",
        'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="The access token expired"\r\nX-Request-Id: {=uuid}\r\nContent-Length: 0\r\n\r\n',
    ),
    (
        "plain",
        "raw http request with csrf and etag",
        'POST /settings/password HTTP/1.1\r\nHost: app.acme.io\r\nX-CSRF-Token: {{ csrf_token }}\r\nIf-Match: "{=sha1}"\r\nContent-Type: application/json\r\n\r\n{"current_password": "<redacted>", "new_password": "<redacted>"}\n',
    ),
    (
        "shell",
        "curl netrc-file usage",
        '$ curl --netrc-file ~/.config/acme/netrc -sS https://nexus.acme.dev/service/rest/v1/status\n{"edition":"OSS","version":"3.66.0-02"}\n',
    ),
    (
        "source",
        "k6 script env token",
        "const TOKEN = __ENV.API_TOKEN;\nexport default function () {\n  http.get(`${__ENV.BASE_URL}/items`, { headers: { Authorization: `Bearer ${TOKEN}` } });\n}\n",
    ),
]

# CI systems, IaC, data stores, languages, providers' SDK calls.
TEMPLATES += [
    (
        "source",
        "Jenkinsfile hard-coded token",
        "pipeline {\n  agent any\n  environment {\n    SONAR_TOKEN = '{@sonar}'\n  }\n  stages {\n    stage('scan') { steps { sh 'sonar-scanner -Dsonar.login=$SONAR_TOKEN' } }\n  }\n}\n",
    ),
    (
        "source",
        "jenkins credentials.xml",
        "<com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>\n  <scope>GLOBAL</scope>\n  <id>nexus</id>\n  <username>{=user}</username>\n  <password>{@pw}</password>\n</com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>\n",
    ),
    (
        "yaml",
        "circleci config env",
        "version: 2.1\njobs:\n  deploy:\n    docker:\n      - image: cimg/node:20.11\n        auth:\n          username: {=user}\n          password: {@dckr}\n    environment:\n      HEROKU_API_KEY: {@uuidsecret}\n    steps: [checkout, run: npm run deploy]\n",
    ),
    (
        "yaml",
        "buildkite pipeline env",
        'steps:\n  - label: ":rocket: deploy"\n    command: ./deploy.sh\n    env:\n      DATADOG_API_KEY: "{@hex32}"\n      BUILDKITE_ANALYTICS_TOKEN: "{@tok32}"\n',
    ),
    (
        "yaml",
        "drone secret inline",
        "kind: pipeline\nname: default\nsteps:\n- name: publish\n  image: plugins/docker\n  settings:\n    repo: acme/api\n    username: {=user}\n    password: {@dckr}\n",
    ),
    (
        "yaml",
        "azure pipelines variables",
        "variables:\n  buildConfiguration: Release\n  AZURE_STORAGE_KEY: '{@azkey}'\nsteps:\n- script: az storage blob upload-batch -d web -s dist --account-name acmeweb --account-key $(AZURE_STORAGE_KEY)\n",
    ),
    (
        "yaml",
        "gitlab-ci variables",
        'variables:\n  DOCKER_DRIVER: overlay2\n  CI_REGISTRY_PASSWORD: "{@gldeploy}"\n  SNYK_TOKEN: "{@uuidsecret}"\nbuild:\n  script: docker login -u gitlab+deploy-token-12 -p "$CI_REGISTRY_PASSWORD" $CI_REGISTRY\n',
    ),
    (
        "yaml",
        "bitbucket pipelines",
        "pipelines:\n  default:\n    - step:\n        script:\n          - pipe: atlassian/aws-s3-deploy:1.1.0\n            variables:\n              AWS_ACCESS_KEY_ID: '{=akid}'\n              AWS_SECRET_ACCESS_KEY: '{@awssk}'\n              S3_BUCKET: 'acme-web'\n",
    ),
    (
        "yaml",
        "github actions hard-coded",
        "jobs:\n  release:\n    runs-on: ubuntu-latest\n    env:\n      NPM_TOKEN: {@npm}\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm publish\n",
    ),
    (
        "yaml",
        "pulumi stack config plaintext",
        "config:\n  aws:region: eu-west-1\n  acme:dbPassword: {@pw}\n  acme:datadogApiKey:\n    secure: v1:{=tok32|b64}\n",
    ),
    (
        "yaml",
        "ansible vars plaintext",
        '# group_vars/db.yml\npostgresql_users:\n  - name: app\n    password: "{@pw}"\n    encrypted: true\nmysql_root_password: {@pw#2}\n',
    ),
    (
        "source",
        "chef data bag json",
        '{\n  "id": "mysql",\n  "root_password": "{@pw}",\n  "repl_password": "{@pwa}"\n}\n',
    ),
    (
        "yaml",
        "salt pillar",
        "# /srv/pillar/api.sls\napi:\n  secret_key: {@hex64}\n  smtp:\n    password: {@pw}\n",
    ),
    (
        "yaml",
        "cloudformation NoEcho default",
        "Parameters:\n  DBPassword:\n    Type: String\n    NoEcho: true\n    Default: '{@pw}'\nResources:\n  DB:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      MasterUserPassword: !Ref DBPassword\n",
    ),
    (
        "source",
        "bicep param default",
        "@secure()\nparam adminPassword string = '{@pw}'\nparam location string = resourceGroup().location\n",
    ),
    (
        "source",
        "nomad job env",
        'job "api" {\n  group "web" {\n    task "server" {\n      driver = "docker"\n      env {\n        DATABASE_URL = "postgres://api:{@pw|url}@db.service.consul:5432/api"\n        REDIS_PASSWORD = "{@pwa}"\n      }\n    }\n  }\n}\n',
    ),
    (
        "source",
        "terraform tfvars",
        'region      = "eu-west-1"\ndb_password = "{@pw}"\ncloudflare_api_token = "{@cfapi}"\n',
    ),
    (
        "shell",
        "terraform state show sensitive revealed",
        '$ terraform state pull | jq \'.resources[] | select(.type=="random_password") | .instances[0].attributes.result\'\n"{@pw}"\n',
    ),
    (
        "source",
        "kafka jaas config",
        'KafkaClient {\n  org.apache.kafka.common.security.scram.ScramLoginModule required\n  username="{=user}"\n  password="{@pw}";\n};\n',
    ),
    (
        "source",
        "kafka client properties",
        "bootstrap.servers=pkc-4nym6.eu-central-1.aws.confluent.cloud:9092\nsecurity.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username='{=tok32|upper}' password='{@tok40}';\n",
    ),
    (
        "source",
        "rabbitmq.conf default pass",
        "default_vhost = /\ndefault_user = admin\ndefault_pass = {@pw}\nloopback_users.guest = false\n",
    ),
    (
        "source",
        "nats creds file",
        "-----BEGIN NATS USER JWT-----\n{@jwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n{@nkeyseed}\n------END USER NKEY SEED------\n",
    ),
    (
        "source",
        "mongod keyfile style + uri",
        "security:\n  authorization: enabled\n# admin: {@pw}\nnet:\n  bindIp: 0.0.0.0\n",
    ),
    (
        "source",
        "cassandra yaml",
        "authenticator: PasswordAuthenticator\n# cqlshrc\n[authentication]\nusername = cassandra\npassword = {@pw}\n",
    ),
    (
        "yaml",
        "elasticsearch keystore dump / filebeat",
        'output.elasticsearch:\n  hosts: ["https://es01:9200"]\n  username: "elastic"\n  password: "{@pwa}"\n  api_key: "{=tok32|pfx}x:{@tok32}"\n',
    ),
    (
        "source",
        "snowflake connections.toml",
        '[connections.prod]\naccount = "acme-xy12345"\nuser = "{=user}"\npassword = "{@pw}"\nwarehouse = "COMPUTE_WH"\nrole = "TRANSFORMER"\n',
    ),
    (
        "yaml",
        "dbt profiles.yml",
        'acme:\n  target: prod\n  outputs:\n    prod:\n      type: snowflake\n      account: acme-xy12345\n      user: {=user}\n      password: "{@pw}"\n      role: TRANSFORMER\n      database: ANALYTICS\n',
    ),
    (
        "source",
        "clickhouse users.xml",
        "<clickhouse>\n  <users>\n    <writer>\n      <password>{@pwx|html}</password>\n      <networks><ip>::/0</ip></networks>\n    </writer>\n  </users>\n</clickhouse>\n",
    ),
    (
        "source",
        "ruby sdk call",
        "Stripe.api_key = '{@sklive}'\nStripe::Charge.create(amount: 2000, currency: 'eur', source: params[:token])\n",
    ),
    (
        "source",
        "elixir config runtime",
        'config :acme, Acme.Mailer,\n  adapter: Swoosh.Adapters.Mailgun,\n  api_key: "{@mailgun}",\n  domain: "mg.acme.io"\n',
    ),
    (
        "source",
        "scala application.conf",
        'db.default {\n  driver = org.postgresql.Driver\n  url = "jdbc:postgresql://{=host}/app"\n  username = app\n  password = "{@pw}"\n}\nplay.http.secret.key = "{@hex64}"\n',
    ),
    (
        "source",
        "csharp appsettings.json",
        '{\n  "ConnectionStrings": {\n    "Default": "Host={=host};Database=shop;Username=shop;Password={@pw}"\n  },\n  "SendGrid": { "ApiKey": "{@sendgrid}" }\n}\n',
    ),
    (
        "source",
        "swift hard-coded key",
        'enum Secrets {\n    static let revenueCatKey = "sk_{@tok32}"\n    static let openAIKey = "{@openai}"\n}\n',
    ),
    (
        "source",
        "ios Info.plist secret",
        "<key>API_BASE_URL</key>\n<string>https://api.acme.io</string>\n<key>ALGOLIA_ADMIN_KEY</key>\n<string>{@hex32}</string>\n",
    ),
    (
        "source",
        "lua nginx openresty",
        'local redis = require "resty.redis"\nlocal red = redis:new()\nred:connect("127.0.0.1", 6379)\nlocal ok, err = red:auth("{@pwa}")\n',
    ),
    ("source", "R Renviron", "GITHUB_PAT={@ghp}\nOPENAI_API_KEY={@openai}\nR_LIBS_USER=~/R/library\n"),
    ("source", "julia ENV assignment", 'ENV["HF_TOKEN"] = "{@hf}"\nusing HuggingFaceApi\n'),
    (
        "source",
        "perl DBI connect",
        'my $dbh = DBI->connect("DBI:mysql:database=crm;host={=host}", "crm", "{@pw}", { RaiseError => 1 });\n',
    ),
    (
        "source",
        "powershell ConvertTo-SecureString",
        "$password = ConvertTo-SecureString '{@pw}' -AsPlainText -Force\n$cred = New-Object System.Management.Automation.PSCredential('ACME\\svc-deploy', $password)\nInvoke-Command -ComputerName web01 -Credential $cred -ScriptBlock { iisreset }\n",
    ),
    (
        "source",
        "batch file net use",
        "@echo off\nnet use Z: \\\\fileserver\\share /user:ACME\\backup {@pw}\nrobocopy C:\\data Z:\\data /MIR\n",
    ),
    (
        "source",
        "Makefile with token",
        "REGISTRY := ghcr.io/acme\nCR_PAT := {@ghp}\n\nlogin:\n\techo $(CR_PAT) | docker login ghcr.io -u acme-bot --password-stdin\n",
    ),
    (
        "source",
        "Dockerfile ARG default",
        "FROM python:3.12-slim\nARG PIP_EXTRA_INDEX_URL=https://__token__:{@glpat}@gitlab.acme.dev/api/v4/projects/42/packages/pypi/simple\nRUN pip install --extra-index-url $PIP_EXTRA_INDEX_URL acme-core\n",
    ),
    (
        "source",
        "nix config secret inline",
        '{\n  services.grafana.settings.security.admin_password = "{@pw}";\n  services.grafana.enable = true;\n}\n',
    ),
    (
        "source",
        "hcl vault provider token",
        'provider "vault" {\n  address = "https://vault.acme.dev:8200"\n  token   = "{@hvs}"\n}\n',
    ),
    (
        "source",
        "android gradle signingConfigs",
        'android {\n    signingConfigs {\n        release {\n            storeFile file("release.keystore")\n            storePassword "{@pw}"\n            keyAlias "upload"\n            keyPassword "{@pw#k}"\n        }\n    }\n}\n',
    ),
    (
        "source",
        "electron app settings json",
        '{\n  "updater": {"provider": "github", "owner": "acme", "repo": "desktop", "token": "{@ghpat}"},\n  "windowState": {"width": 1280, "height": 800}\n}\n',
    ),
    (
        "source",
        "python sdk anthropic",
        'import anthropic\n\nclient = anthropic.Anthropic(api_key="{@anthropic}")\nmsg = client.messages.create(model="claude-sonnet-4-5", max_tokens=512, messages=[{"role": "user", "content": "hi"}])\n',
    ),
    (
        "source",
        "node sdk replicate groq",
        'const replicate = new Replicate({ auth: "{@replicate}" });\nconst groq = new Groq({ apiKey: "{@groq}" });\n',
    ),
    (
        "source",
        "go sdk openrouter",
        'client := openai.NewClientWithConfig(openai.DefaultConfig("{@openrouter}"))\n',
    ),
    (
        "source",
        "java sdk twilio",
        'Twilio.init("{=twsid}", "{@hex32}");\nMessage.creator(new PhoneNumber("+4915112345678"), new PhoneNumber("+4930123456"), "Ihr Code: 482913").create();\n',
    ),
    ("source", "kotlin mapbox token", 'MapboxOptions.accessToken = "{@mapbox}"\n'),
    (
        "source",
        "env with many providers",
        "LINEAR_API_KEY={@linear}\nNOTION_TOKEN={@notion}\nGRAFANA_SA_TOKEN={@glsa}\nNEW_RELIC_API_KEY={@nrak}\nPOSTMAN_API_KEY={@postman}\n",
    ),
    (
        "source",
        "env with more providers",
        "DIGITALOCEAN_TOKEN={@dop}\nSHOPIFY_ADMIN_TOKEN={@shpat}\nDATABRICKS_TOKEN={@dapi}\nDOPPLER_TOKEN={@doppler}\nFCM_SERVER_KEY={@fcm}\n",
    ),
    (
        "source",
        "age key file",
        "# created: 2026-03-04T10:11:12Z\n# public key: age1{=tok32}{=short}\n{@age}\n",
    ),
    (
        "source",
        "square and discord in toml",
        '[square]\naccess_token = "{@square}"\n[discord]\nbot_token = "{@discord}"\n',
    ),
    (
        "source",
        "okta terraform",
        'provider "okta" {\n  org_name  = "acme"\n  base_url  = "okta.com"\n  api_token = "{@okta}"\n}\n',
    ),
    (
        "source",
        "rails secrets/credentials decrypted",
        "$ bin/rails credentials:show\nsecret_key_base: {@railskey}\naws:\n  access_key_id: {=akid}\n  secret_access_key: {@awssk}\n",
    ),
    (
        "source",
        "django settings secret key",
        "SECRET_KEY = '{@djangokey}'\nDEBUG = False\nALLOWED_HOSTS = ['acme.io']\n",
    ),
    (
        "source",
        "fernet key in env",
        "AIRFLOW__CORE__FERNET_KEY={@fernet}\nAIRFLOW__WEBSERVER__SECRET_KEY={@hex32}\n",
    ),
    (
        "shell",
        "private key cat rsa",
        "$ cat deploy_key\n{!BEGIN RSA PRIVATE KEY}\n{@rsakey}\n{!END RSA PRIVATE KEY}\n",
    ),
    (
        "plain",
        "pgp private key block",
        "{!BEGIN PGP PRIVATE KEY BLOCK}\n\n{@pgpkey}\n={=tok32|pfx}\n{!END PGP PRIVATE KEY BLOCK}\n",
    ),
    (
        "json",
        "jwk with d",
        '{"kty": "EC", "crv": "P-256", "kid": "{=md5}", "x": "{=sha256|b64u}", "y": "{=sha256#2|b64u}", "d": "{@fernet}"}\n',
    ),
]

# Hard negatives: references, encrypted values, public material, digests, ids, help text, code.
TEMPLATES += [
    (
        "yaml",
        "github actions secret refs",
        "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    permissions: {id-token: write, contents: read}\n    steps:\n      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502\n        with:\n          role-to-assume: arn:aws:iam::{=acct}:role/gha-deploy\n          aws-region: eu-west-1\n      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n",
    ),
    (
        "source",
        "Jenkinsfile withCredentials",
        "withCredentials([usernamePassword(credentialsId: 'nexus', usernameVariable: 'NEXUS_USER', passwordVariable: 'NEXUS_PASS'), string(credentialsId: 'sonar-token', variable: 'SONAR_TOKEN')]) {\n  sh 'mvn -s settings.xml deploy -Dsonar.login=$SONAR_TOKEN'\n}\n",
    ),
    (
        "yaml",
        "drone from_secret",
        "steps:\n- name: publish\n  image: plugins/docker\n  settings:\n    repo: acme/api\n    username:\n      from_secret: docker_username\n    password:\n      from_secret: docker_password\n",
    ),
    (
        "yaml",
        "azure pipelines variable group",
        "variables:\n- group: prod-secrets\n- name: buildConfiguration\n  value: Release\nsteps:\n- task: AzureKeyVault@2\n  inputs:\n    azureSubscription: acme-prod\n    KeyVaultName: kv-acme-prod\n    SecretsFilter: 'DbPassword,StorageKey'\n- script: ./deploy.sh --password \"$(DbPassword)\"\n",
    ),
    (
        "yaml",
        "gitlab-ci masked vars refs",
        'deploy:\n  stage: deploy\n  script:\n    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"\n    - vault kv get -field=token secret/ci/deploy > /tmp/token\n  id_tokens:\n    VAULT_ID_TOKEN:\n      aud: https://vault.acme.dev\n',
    ),
    (
        "yaml",
        "circleci contexts",
        "workflows:\n  deploy:\n    jobs:\n      - deploy:\n          context:\n            - aws-prod\n            - slack-secrets\n",
    ),
    (
        "yaml",
        "ansible vault inline",
        "db_user: app\ndb_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  {=vault|ind2}\n",
    ),
    (
        "shell",
        "ansible vault file cat",
        "$ cat group_vars/prod/vault.yml\n$ANSIBLE_VAULT;1.2;AES256;prod\n{=vault}\n",
    ),
    (
        "yaml",
        "sops encrypted yaml",
        'database:\n  user: {=sops}\n  password: {=sops#2}\napi_token: {=sops#3}\nsops:\n  kms:\n    - arn: arn:aws:kms:eu-west-1:{=acct}:key/{=uuid}\n      created_at: "{=ts}"\n      enc: AQICAH{=sealed|pfx}\n  lastmodified: "{=ts#2}"\n  mac: {=sops#4}\n  version: 3.8.1\n',
    ),
    (
        "yaml",
        "sealed secret",
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db-creds\n  namespace: prod\nspec:\n  encryptedData:\n    password: {=sealed}\n    username: {=sealed#2}\n",
    ),
    (
        "yaml",
        "external secret",
        "apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: api-keys\nspec:\n  secretStoreRef: {name: aws-sm, kind: ClusterSecretStore}\n  target: {name: api-keys}\n  data:\n    - secretKey: OPENAI_API_KEY\n      remoteRef: {key: prod/openai, property: api_key}\n",
    ),
    (
        "yaml",
        "k8s secretKeyRef",
        "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-credentials\n        key: password\n  - name: API_TOKEN\n    valueFrom:\n      secretKeyRef: {name: api-token, key: token}\n",
    ),
    (
        "yaml",
        "cloudformation dynamic refs",
        "MasterUsername: admin\nMasterUserPassword: '{{resolve:secretsmanager:prod/rds/master:SecretString:password}}'\nKmsKeyId: !Ref DbKey\nApiKey: '{{resolve:ssm-secure:/prod/api/key:3}}'\n",
    ),
    (
        "yaml",
        "pulumi config secure",
        "config:\n  aws:region: eu-west-1\n  acme:dbPassword:\n    secure: v1:{=sops|b64}\n  acme:datadogApiKey:\n    secure: v1:{=tok40|b64}\nencryptionsalt: v1:{=md5|b64}\n",
    ),
    (
        "source",
        "terraform sensitive variable",
        'variable "db_password" {\n  type      = string\n  sensitive = true\n}\n\nresource "aws_db_instance" "main" {\n  password = var.db_password\n  username = "app"\n}\n\nresource "aws_secretsmanager_secret" "api_token" {\n  name = "prod/api-token"\n}\n',
    ),
    (
        "shell",
        "terraform plan sensitive",
        '  # aws_db_instance.main will be updated in-place\n  ~ resource "aws_db_instance" "main" {\n        id       = "acme-prod"\n      ~ password = (sensitive value)\n        # (41 unchanged attributes hidden)\n    }\n\nPlan: 0 to add, 1 to change, 0 to destroy.\n',
    ),
    (
        "source",
        "bicep keyvault reference",
        "@secure()\nparam adminPassword string\n\nmodule sql 'sql.bicep' = {\n  name: 'sql'\n  params: {\n    adminPassword: kv.getSecret('sql-admin-password')\n  }\n}\n",
    ),
    (
        "source",
        "nomad template from vault",
        'template {\n  data = <<EOH\n{{ with secret "database/creds/api" }}\nDATABASE_URL=postgres://{{ .Data.username }}:{{ .Data.password }}@db.service.consul:5432/api\n{{ end }}\nEOH\n  destination = "secrets/db.env"\n  env         = true\n}\n',
    ),
    (
        "source",
        "chef encrypted data bag",
        '{\n  "id": "mysql",\n  "root_password": {\n    "encrypted_data": "{=sealed|pfx}{=tok40|b64}",\n    "iv": "{=md5|b64}",\n    "auth_tag": "{=md5#2|b64}",\n    "version": 3,\n    "cipher": "aes-256-gcm"\n  }\n}\n',
    ),
    (
        "yaml",
        "salt pillar gpg",
        "#!yaml|gpg\napi:\n  secret_key: |\n    {!BEGIN PGP MESSAGE}\n\n    {=cert|ind4}\n    {!END PGP MESSAGE}\n",
    ),
    (
        "source",
        "kafka jaas with env refs",
        'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${file:/opt/secrets/kafka.properties:username}" password="${file:/opt/secrets/kafka.properties:password}";\n',
    ),
    (
        "source",
        "spring config placeholders",
        "spring:\n  datasource:\n    url: jdbc:postgresql://${DB_HOST:localhost}:5432/app\n    username: ${DB_USER}\n    password: ${DB_PASSWORD}\n  security.oauth2.client.registration.github.client-secret: ${GITHUB_CLIENT_SECRET}\n",
    ),
    (
        "source",
        "dotnet user-secrets list masked",
        "$ dotnet user-secrets list\nConnectionStrings:Default = Host=localhost;Database=shop;Username=shop;Password=***\nSendGrid:ApiKey = ***\n",
    ),
    (
        "source",
        "python reads secret from env",
        'import os\n\nSTRIPE_SECRET_KEY = os.environ["STRIPE_SECRET_KEY"]\nDATABASE_PASSWORD = os.getenv("DATABASE_PASSWORD", "")\nif not STRIPE_SECRET_KEY.startswith("sk_"):\n    raise SystemExit("error: STRIPE_SECRET_KEY must start with sk_")\n',
    ),
    (
        "source",
        "python keyring usage",
        'import keyring\n\ntoken = keyring.get_password("acme-cli", username)\nif token is None:\n    token = getpass.getpass("API token: ")\n    keyring.set_password("acme-cli", username, token)\n',
    ),
    (
        "source",
        "go reads secret file",
        'func loadToken() (string, error) {\n\tb, err := os.ReadFile("/var/run/secrets/kubernetes.io/serviceaccount/token")\n\tif err != nil {\n\t\treturn "", fmt.Errorf("read token: %w", err)\n\t}\n\treturn strings.TrimSpace(string(b)), nil\n}\n',
    ),
    (
        "source",
        "rust secrecy crate",
        'use secrecy::{ExposeSecret, SecretString};\n\nlet password: SecretString = std::env::var("DB_PASSWORD")?.into();\nlet url = format!("postgres://app:{}@db/app", password.expose_secret());\n',
    ),
    (
        "source",
        "java password hashing",
        'String hash = BCrypt.hashpw(rawPassword, BCrypt.gensalt(12));\nif (!BCrypt.checkpw(candidate, hash)) {\n    throw new BadCredentialsException("Invalid password");\n}\n',
    ),
    (
        "source",
        "php password_verify",
        "if (!password_verify($_POST['password'], $user['password_hash'])) {\n    http_response_code(401);\n    exit('Mot de passe incorrect');\n}\n",
    ),
    (
        "source",
        "ruby credentials access",
        'Stripe.api_key = Rails.application.credentials.dig(:stripe, :secret_key)\nOctokit.configure { |c| c.access_token = ENV.fetch("GITHUB_TOKEN") }\n',
    ),
    (
        "source",
        "csharp secret manager",
        'var client = new SecretClient(new Uri("https://kv-acme-prod.vault.azure.net/"), new DefaultAzureCredential());\nKeyVaultSecret secret = await client.GetSecretAsync("DbPassword");\nvar cs = $"Host=db;Username=shop;Password={secret.Value}";\n',
    ),
    (
        "source",
        "powershell Get-Credential",
        "$cred = Get-Credential -UserName 'ACME\\svc-deploy' -Message 'Deployment account'\n$pw = Read-Host -AsSecureString 'Passwort'\nInvoke-Command -ComputerName web01 -Credential $cred -ScriptBlock { iisreset }\n",
    ),
    (
        "source",
        "swift keychain access",
        'let query: [String: Any] = [\n    kSecClass as String: kSecClassGenericPassword,\n    kSecAttrService as String: "io.acme.app",\n    kSecAttrAccount as String: "api-token",\n    kSecReturnData as String: true\n]\nlet status = SecItemCopyMatching(query as CFDictionary, &item)\n',
    ),
    (
        "source",
        "kotlin BuildConfig from properties",
        'buildConfigField("String", "MAPS_API_KEY", "\\"${localProperties.getProperty("MAPS_API_KEY") ?: ""}\\"")\nsigningConfigs { create("release") { storePassword = System.getenv("KEYSTORE_PASSWORD") } }\n',
    ),
    (
        "source",
        "Makefile with env refs",
        'login:\n\t@echo "$$CR_PAT" | docker login ghcr.io -u $(GITHUB_ACTOR) --password-stdin\n\npush: login\n\tdocker push ghcr.io/acme/api:$(shell git rev-parse --short HEAD)\n',
    ),
    (
        "source",
        "Dockerfile build secret mount",
        "# syntax=docker/dockerfile:1.7\nFROM python:3.12-slim\nRUN --mount=type=secret,id=pip_token,env=PIP_TOKEN \\\n    pip install --extra-index-url https://__token__:${PIP_TOKEN}@gitlab.acme.dev/api/v4/projects/42/packages/pypi/simple acme-core\n",
    ),
    (
        "source",
        "nix agenix reference",
        '{\n  age.secrets.grafana-admin.file = ../secrets/grafana-admin.age;\n  services.grafana.settings.security.admin_password = "$__file{${config.age.secrets.grafana-admin.path}}";\n}\n',
    ),
    (
        "source",
        "lua reads env",
        'local token = os.getenv("API_TOKEN")\nif not token then error("API_TOKEN is not set") end\n',
    ),
    (
        "source",
        "perl reads password from file",
        "open(my $fh, '<', '/run/secrets/db_password') or die \"cannot read password: $!\";\nchomp(my $password = <$fh>);\n",
    ),
    (
        "source",
        "batch reads env",
        '@echo off\nif "%DEPLOY_PASSWORD%"=="" (echo error: DEPLOY_PASSWORD is not set & exit /b 1)\nnet use Z: \\\\fileserver\\share /user:ACME\\backup %DEPLOY_PASSWORD%\n',
    ),
    (
        "source",
        "R Sys.getenv",
        'token <- Sys.getenv("GITHUB_PAT")\nif (!nzchar(token)) stop("set GITHUB_PAT in ~/.Renviron")\n',
    ),
    (
        "source",
        "elixir runtime env",
        'config :acme, Acme.Repo,\n  password: System.fetch_env!("DB_PASSWORD"),\n  hostname: System.get_env("DB_HOST", "localhost")\n',
    ),
    (
        "source",
        "scala conf env substitution",
        "db.default.password = ${?DB_PASSWORD}\nplay.http.secret.key = ${?APPLICATION_SECRET}\n",
    ),
    (
        "source",
        ".env.example placeholders",
        "# copy to .env\nOPENAI_API_KEY=sk-...\nANTHROPIC_API_KEY=your-anthropic-key\nDATABASE_URL=postgres://user:password@localhost:5432/app\nSTRIPE_SECRET_KEY=sk_test_xxx\nJWT_SECRET=change-me-to-a-random-string\n",
    ),
    (
        "yaml",
        "docker compose secrets files",
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n    secrets: [db_password]\nsecrets:\n  db_password:\n    file: ./secrets/db_password.txt\n",
    ),
    (
        "yaml",
        "helm values with existingSecret",
        "postgresql:\n  auth:\n    existingSecret: db-credentials\n    secretKeys:\n      adminPasswordKey: postgres-password\n      userPasswordKey: password\nredis:\n  auth:\n    enabled: true\n    existingSecret: redis-auth\n",
    ),
    (
        "yaml",
        "helm template values refs",
        'env:\n  - name: API_KEY\n    value: {{ .Values.apiKey | quote }}\n  - name: DB_PASSWORD\n    value: "{{ required \\"db password\\" .Values.db.password }}"\n',
    ),
    (
        "yaml",
        "vault agent template",
        'template {\n  contents = "{{ with secret \\"secret/data/api\\" }}{{ .Data.data.token }}{{ end }}"\n  destination = "/etc/api/token"\n}\n',
    ),
]

TEMPLATES += [
    (
        "shell",
        "openssl x509 text",
        "$ openssl x509 -in server.crt -noout -subject -issuer -fingerprint -sha256 -serial\nsubject=CN = api.acme.io\nissuer=C = US, O = Let's Encrypt, CN = R11\nsha256 Fingerprint={=sha256|upper}\nserial={=sha1|upper}\n",
    ),
    (
        "shell",
        "cat certificate",
        "$ cat /etc/ssl/certs/acme-root.pem\n{!BEGIN CERTIFICATE}\n{=cert}\n{!END CERTIFICATE}\n",
    ),
    (
        "shell",
        "cat public key pem",
        "$ openssl rsa -in key.pem -pubout 2>/dev/null | tee key.pub\n{!BEGIN PUBLIC KEY}\n{=pubkey}\n{!END PUBLIC KEY}\n",
    ),
    (
        "shell",
        "gpg list keys",
        "$ gpg --list-secret-keys --keyid-format=long\n/home/{=user}/.gnupg/pubring.kbx\n-------------------------------\nsec   ed25519/{=span|upper} 2024-01-10 [SC]\n      {=sha1|upper}\nuid                 [ultimate] Dev <{=email}>\nssb   cv25519/{=span#2|upper} 2024-01-10 [E]\n",
    ),
    (
        "plain",
        "git commit gpgsig",
        "commit {=sha1}\ngpgsig {!BEGIN PGP SIGNATURE}\n \n {=cert|ind2}\n {!END PGP SIGNATURE}\nAuthor: {=email}\nDate:   Tue Mar 4 10:11:12 2026 +0000\n\n    Rotate webhook secret handling\n",
    ),
    (
        "plain",
        "dkim signature header",
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=acme.io; s=google; t=1741082400;\n\th=from:to:subject:date:message-id;\n\tbh={=sha256|b64};\n\tb={=pubkey|b64}\nMessage-ID: <{=uuid}@mail.acme.io>\n",
    ),
    (
        "yaml",
        "authorized keys cloud-init",
        "#cloud-config\nusers:\n  - name: {=user}\n    ssh_authorized_keys:\n      - {=sshpub} {=email}\n      - {=rsapub} ci@acme\n",
    ),
    (
        "json",
        "jwks public",
        '{"keys": [{"kty": "RSA", "use": "sig", "kid": "{=sha1}", "alg": "RS256", "n": "{=pubkey|b64u}", "e": "AQAB"}, {"kty": "EC", "crv": "P-256", "kid": "{=md5}", "x": "{=sha256|b64u}", "y": "{=sha256#2|b64u}"}]}\n',
    ),
    (
        "json",
        "package-lock integrity",
        '"node_modules/jsonwebtoken": {\n  "version": "9.0.2",\n  "resolved": "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz",\n  "integrity": "{=integrity}",\n  "dependencies": {"jws": "^3.2.2"}\n}\n',
    ),
    (
        "plain",
        "go.sum lines",
        "golang.org/x/crypto v0.21.0 h1:{=sha256|b64}\ngolang.org/x/crypto v0.21.0/go.mod h1:{=sha256#2|b64}\ngithub.com/golang-jwt/jwt/v5 v5.2.1 h1:{=sha256#3|b64}\n",
    ),
    (
        "source",
        "Cargo.lock checksums",
        '[[package]]\nname = "secrecy"\nversion = "0.8.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "{=sha256}"\n',
    ),
    (
        "source",
        "requirements with hashes",
        "cryptography==42.0.5 \\\n    --hash=sha256:{=sha256} \\\n    --hash=sha256:{=sha256#2}\npyjwt==2.8.0 \\\n    --hash=sha256:{=sha256#3}\n",
    ),
    (
        "source",
        "poetry.lock files hashes",
        '[[package]]\nname = "keyring"\nversion = "25.0.0"\nfiles = [\n    {file = "keyring-25.0.0-py3-none-any.whl", hash = "sha256:{=sha256}"},\n    {file = "keyring-25.0.0.tar.gz", hash = "sha256:{=sha256#2}"},\n]\n',
    ),
    (
        "shell",
        "docker images digests",
        "$ docker images --digests\nREPOSITORY          TAG       DIGEST                                                                    IMAGE ID       CREATED\nghcr.io/acme/api    1.42.0    {=digest}   {=short}{=short|last4}   2 days ago\npostgres            16        {=digest#2}   {=short#2}{=short#2|last4}   3 weeks ago\n",
    ),
    (
        "shell",
        "sha256sum output",
        "$ sha256sum dist/*\n{=sha256}  dist/acme-cli-linux-amd64\n{=sha256#2}  dist/acme-cli-darwin-arm64\n{=sha256#3}  dist/acme-cli-windows-amd64.exe\n",
    ),
    (
        "shell",
        "git log oneline",
        "$ git log --oneline -5\n{=short} Remove leaked token from fixtures\n{=short#2} Rotate SECRET_KEY_BASE\n{=short#3} Add password strength meter\n{=short#4} Bump jsonwebtoken to 9.0.2\n",
    ),
    (
        "shell",
        "kubectl get pods",
        "$ kubectl get pods -n prod -o wide\nNAME                           READY   STATUS    RESTARTS   AGE   IP            NODE\napi-7d9f8c6b5d-x2k9p           1/1     Running   0          3d    {=ip}   ip-10-0-1-23\ntoken-refresher-5f6d7c-9zq8w   1/1     Running   2          12d   {=ip}   ip-10-0-2-41\n",
    ),
    (
        "shell",
        "kubectl describe secret",
        "$ kubectl describe secret db-credentials\nName:         db-credentials\nNamespace:    prod\nType:  Opaque\n\nData\n====\npassword:  24 bytes\nusername:  3 bytes\n",
    ),
    (
        "shell",
        "aws sts get-caller-identity",
        '$ aws sts get-caller-identity\n{\n    "UserId": "AROA{=akid|last4}{=tok32|upper|pfx}:{=email}",\n    "Account": "{=acct}",\n    "Arn": "arn:aws:sts::{=acct}:assumed-role/AdministratorAccess/{=email}"\n}\n',
    ),
    (
        "plain",
        "aws documented example keys",
        "For example, to configure the CLI non-interactively:\n\n    aws configure set aws_access_key_id AKIAIOSFO"
        "DNN7EXAMPLE\n    aws configure set aws_secret_access_key wJalrXUtnFEMI/"
        "K7MDENG/bPxRfiCYEXAMPLEKEY\n\n(These are the example values from the AWS documentation.)\n",
    ),
    (
        "plain",
        "aws access key id alone in error",
        "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid. (access key {=akid}, request id {=uuid})\n",
    ),
    (
        "plain",
        "twilio sid and message sid",
        "Message sent: sid=SM{=hex32} account_sid={=twsid} status=queued to=+4915112345678 messaging_service_sid=MG{=hex32#2}\n",
    ),
    (
        "source",
        "oauth client ids config",
        "GOOGLE_CLIENT_ID={=gcid}\nGITHUB_APP_ID={=int}\nGITHUB_APP_CLIENT_ID={=ghclient}\nAZURE_TENANT_ID={=uuid}\nAZURE_CLIENT_ID={=uuid#2}\n",
    ),
    (
        "source",
        "stripe publishable key frontend",
        "// Publishable key: safe to ship in the browser bundle\nconst stripe = Stripe('{=pklive}');\nconst elements = stripe.elements({ clientSecret: await fetchClientSecret() });\n",
    ),
    (
        "plain",
        "uuids in log",
        "2026-03-04T10:11:12Z INFO request_id={=uuid} session={=uuid#2} user={=int} token_id={=uuid#3} action=token.rotate status=ok\n",
    ),
    (
        "plain",
        "otel trace ids",
        "trace_id={=trace} span_id={=span} parent_span_id={=span#2} trace_flags=01 service.name=auth-api http.route=/oauth/token http.status_code=200\n",
    ),
    (
        "plain",
        "s3 object etags",
        '2026-03-04 10:11:12   1048576 backups/db-{=date}.sql.gz\n$ aws s3api head-object --bucket acme-backups --key backups/db-{=date}.sql.gz --query ETag\n"\\"{=md5}\\""\n',
    ),
    (
        "shell",
        "ssh-keygen fingerprint randomart",
        "$ ssh-keygen -t ed25519 -C {=email} -f ~/.ssh/id_ed25519 -N ''\nGenerating public/private ed25519 key pair.\nYour identification has been saved in /home/{=user}/.ssh/id_ed25519\nYour public key has been saved in /home/{=user}/.ssh/id_ed25519.pub\nThe key fingerprint is:\n{=fp} {=email}\n",
    ),
    (
        "shell",
        "cli help text password flags",
        "$ psql --help | grep -i pass\n  -w, --no-password        never prompt for password\n  -W, --password           force password prompt (should happen automatically)\n$ mysql --help | grep -A1 -- '--password'\n  -p, --password[=name]\n                      Password to use when connecting to server.\n",
    ),
    (
        "shell",
        "gh auth login help",
        "$ gh auth login --help\nAuthenticate with a GitHub host.\n\nAlternatively, use `--with-token` to pass in a token on standard input.\nThe minimum required scopes for the token are: `repo`, `read:org`, and `gist`.\n\nFLAGS\n  -p, --git-protocol string   The protocol to use for git operations: {ssh|https}\n  -h, --hostname string       The hostname of the GitHub instance to authenticate with\n      --with-token            Read token from standard input\n",
    ),
    (
        "shell",
        "vault login help",
        "$ vault login -h\nUsage: vault login [options] [AUTH K=V...]\n\n  Authenticates users or machines to Vault using the provided arguments.\n\n      $ vault login -method=userpass username=my-username\n\n  If you do not provide a token, Vault will prompt for it. The token will be\n  stored in the token helper (~/.vault-token by default).\n",
    ),
    (
        "shell",
        "npm token list",
        "$ npm token list\n┌────────┬─────────┬────────────┬──────────┬────────────────┐\n│ id     │ token   │ created    │ readonly │ CIDR whitelist │\n├────────┼─────────┼────────────┼──────────┼────────────────┤\n│ {=short|pfx} │ npm_Ab… │ {=date} │ no       │                │\n└────────┴─────────┴────────────┴──────────┴────────────────┘\n",
    ),
    (
        "plain",
        "masked key in agent reply",
        "The request failed with `401 invalid_api_key` for key `sk-proj-...{=hex32|last4}`. The key in your shell (`OPENAI_API_KEY`) seems to be revoked; please create a new one in the dashboard.\n",
    ),
    (
        "plain",
        "redacted values in log",
        "2026-03-04 10:11:12 INFO  connecting to postgres://app:[REDACTED]@{=host}:5432/app\n2026-03-04 10:11:12 INFO  using api key ****{=hex32|last4} (len 40)\n2026-03-04 10:11:12 DEBUG headers={'Authorization': '<redacted>', 'X-Request-Id': '{=uuid}'}\n",
    ),
    (
        "plain",
        "data uri png",
        '<img alt="logo" src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAA{=cert|nl|pfx}{=sha256|b64}{=sha256#2|b64}">\n',
    ),
    (
        "plain",
        "source map mappings",
        '{"version":3,"file":"app.{=short}.js","sources":["src/auth/token.ts","src/auth/password.ts"],"names":["token","password","refreshToken"],"mappings":"AAAA,SAASA,EAAaC,GAC3B,OAAOA,EAAQC,MAAM;AACzB,SAASC,KAAKC"}\n',
    ),
    (
        "plain",
        "windows guids and sids",
        "Product code: {{=uuid|upper}}\nUser SID: S-1-5-21-{=acct}-{=int}-{=int#2}-1001\nCLSID: {{=uuid#2|upper}}\n",
    ),
    (
        "plain",
        "nginx config with auth_basic file",
        'location /admin {\n    auth_basic "Restricted";\n    auth_basic_user_file /etc/nginx/.htpasswd;\n    proxy_set_header Authorization $http_authorization;\n    proxy_pass http://admin:8080;\n}\n',
    ),
    (
        "plain",
        "password policy config",
        "password_policy:\n  min_length: 14\n  require_digit: true\n  require_symbol: true\n  max_age_days: 90\n  history: 12\ntoken_ttl: 900\nrefresh_token_ttl: 2592000\n",
    ),
    (
        "plain",
        "sql with bind parameters",
        "UPDATE users SET password_hash = $1, password_changed_at = now() WHERE id = $2;\nALTER ROLE app WITH PASSWORD :'new_password';\nCREATE USER report WITH PASSWORD NULL;\n",
    ),
    (
        "plain",
        "agent prose about credential handling",
        "I moved the token out of the code: `src/client.ts` now reads `process.env.GITHUB_TOKEN`, and the workflow passes `${{ secrets.GITHUB_TOKEN }}`. I also added `.env` to `.gitignore`. No secret values were committed.\n",
    ),
    (
        "plain",
        "agent prose about rotation steps",
        'To rotate the Slack bot token: open api.slack.com/apps, select the app, go to OAuth & Permissions, click "Reinstall", copy the new xoxb token into the `slack-bot-token` secret in Secrets Manager, and restart the `notifier` deployment.\n',
    ),
    (
        "plain",
        "prose with keyword-dense identifiers",
        "The `token_refresh_interval_seconds`, `password_reset_token_ttl` and `api_key_header_name` settings moved from `AuthConfig` to `SecuritySettings` in v3.2; `SECRET_KEY_FALLBACKS` is now read from `settings.py`.\n",
    ),
    (
        "source",
        "code constants naming secrets",
        'const (\n\tHeaderAPIKey       = "X-Api-Key"\n\tEnvGitHubToken     = "GITHUB_TOKEN"\n\tSecretNameDBPass   = "prod/db/password"\n\tTokenPrefixLive    = "sk_live_"\n\tPasswordMinLength  = 12\n)\n',
    ),
    (
        "source",
        "regex for secret scanning",
        'PATTERNS = {\n    "github_pat": re.compile(r"gh[pousr]_[A-Za-z0-9]{36}"),\n    "aws_secret": re.compile(r"(?i)aws(.{0,20})?[\'\\"][0-9a-zA-Z/+]{40}[\'\\"]"),\n    "slack": re.compile(r"xox[baprs]-[0-9A-Za-z-]{10,48}"),\n}\n',
    ),
    (
        "source",
        "test using fake token factory",
        "def test_rejects_expired_token(make_token):\n    token = make_token(exp=datetime.now(UTC) - timedelta(minutes=1))\n    with pytest.raises(TokenExpired):\n        verify(token, key=public_key)\n",
    ),
    (
        "shell",
        "openssl rand command only",
        "$ openssl rand -hex 32 > .secrets/session_key   # written to a file, not printed\n$ chmod 600 .secrets/session_key\n$ ls -l .secrets/\n-rw------- 1 {=user} {=user} 65 Mar  4 10:11 session_key\n",
    ),
    (
        "shell",
        "ls of secret files",
        "$ ls -la ~/.ssh ~/.aws\n/home/{=user}/.ssh:\n-rw------- 1 {=user} {=user}  411 Jan 10 id_ed25519\n-rw-r--r-- 1 {=user} {=user}   97 Jan 10 id_ed25519.pub\n/home/{=user}/.aws:\n-rw------- 1 {=user} {=user}  116 Feb  2 credentials\n",
    ),
    (
        "shell",
        "docker secret ls",
        "$ docker secret ls\nID                          NAME              DRIVER    CREATED       UPDATED\n{=tok32|pfx}{=short}{=short#2}x   db_password                 3 weeks ago   3 weeks ago\n{=tok32#2|pfx}{=short#3}{=short#4}y   stripe_api_key              2 days ago    2 days ago\n",
    ),
    (
        "json",
        "aws secretsmanager describe-secret",
        '{\n    "ARN": "arn:aws:secretsmanager:eu-west-1:{=acct}:secret:prod/db-password-{=short|pfx}",\n    "Name": "prod/db-password",\n    "RotationEnabled": true,\n    "RotationLambdaARN": "arn:aws:lambda:eu-west-1:{=acct}:function:rotate-db",\n    "VersionIdsToStages": {"{=uuid}": ["AWSCURRENT"]}\n}\n',
    ),
    (
        "json",
        "github api token metadata",
        '{"id": {=int}, "url": "https://api.github.com/authorizations/{=int}", "token_last_eight": "{=hex32|last4}{=md5|last4}", "hashed_token": "{=sha256}", "note": "ci", "scopes": ["repo"], "fingerprint": null}\n',
    ),
    (
        "json",
        "oauth token introspection without token",
        '{"active": true, "client_id": "{=uuid}", "username": "{=user}", "scope": "read write", "sub": "{=int}", "aud": "https://api.acme.io", "iss": "https://login.acme.io/", "exp": 1741086000, "jti": "{=uuid#2}"}\n',
    ),
    (
        "json",
        "decoded jwt payload only",
        '{\n  "header": {"alg": "RS256", "kid": "{=md5}", "typ": "JWT"},\n  "payload": {"iss": "https://login.acme.io/", "sub": "auth0|{=md5#2}", "aud": ["https://api.acme.io"], "exp": 1741086000, "scope": "openid profile"}\n}\n',
    ),
    (
        "yaml",
        "cert-manager certificate",
        "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: api-tls\nspec:\n  secretName: api-tls\n  privateKey:\n    algorithm: ECDSA\n    size: 256\n    rotationPolicy: Always\n  dnsNames: [api.acme.io]\n  issuerRef: {name: letsencrypt, kind: ClusterIssuer}\n",
    ),
    (
        "yaml",
        "argocd repo without creds",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: public-charts\n  labels:\n    argocd.argoproj.io/secret-type: repository\nstringData:\n  type: helm\n  name: bitnami\n  url: https://charts.bitnami.com/bitnami\n",
    ),
    (
        "yaml",
        "kustomize secretGenerator files",
        "secretGenerator:\n  - name: api-keys\n    envs: [secrets.env]\n    options:\n      disableNameSuffixHash: true\n  - name: tls\n    files: [tls.crt, tls.key]\n",
    ),
    (
        "yaml",
        "prometheus alert about tokens",
        'groups:\n- name: auth\n  rules:\n  - alert: TokenRefreshFailures\n    expr: rate(oauth_token_refresh_errors_total[5m]) > 0.1\n    annotations:\n      summary: "Refresh token failures on {{ $labels.instance }}"\n',
    ),
    (
        "url",
        "url with key placeholder docs",
        "https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key=YOUR_API_KEY\nhttps://api.openweathermap.org/data/2.5/weather?q=Paris&appid={API key}\n",
    ),
    (
        "url",
        "github raw url with sha",
        "https://raw.githubusercontent.com/acme/infra/{=sha1}/scripts/rotate-token.sh\n",
    ),
    (
        "url",
        "gitlab pipeline url ids",
        "https://gitlab.acme.dev/platform/infra/-/pipelines/{=int}?sha={=sha1}&ref=main\n",
    ),
    (
        "url",
        "url-encoded form without password",
        "POST /search HTTP/1.1\nContent-Type: application/x-www-form-urlencoded\n\nq=token+refresh+error&sort=recent&filter%5Bstatus%5D=open&session_id={=uuid}\n",
    ),
    (
        "url",
        "oidc discovery urls",
        "GET https://login.acme.io/.well-known/openid-configuration\n  authorization_endpoint: https://login.acme.io/authorize\n  token_endpoint: https://login.acme.io/oauth/token\n  jwks_uri: https://login.acme.io/.well-known/jwks.json\n",
    ),
    (
        "url",
        "docker registry token endpoint no token",
        "GET https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Fpostgres%3Apull HTTP/1.1\n",
    ),
    (
        "url",
        "link with state and code_verifier placeholder",
        "http://127.0.0.1:8085/callback?state={=md5}&iss=https%3A%2F%2Flogin.acme.io&session_state={=uuid}\n",
    ),
]


def main() -> int:
    positives = Counter(c for c, _, t in TEMPLATES if "{@" in t)
    negatives = Counter(c for c, _, t in TEMPLATES if "{@" not in t)
    print(f"{sum(positives.values())} templates with secrets, {sum(negatives.values())} without")
    for context in CONTEXTS:
        print(f"  {context:7} {positives[context]:4d} with, {negatives[context]:4d} without")
    docs = corpus()
    holdout = sum(1 for _, _, t in TEMPLATES if _split(t) == "holdout")
    print(
        f"{len(docs)} documents, {sum(len(d.secrets) for d in docs)} planted secrets; {holdout} holdout templates"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
