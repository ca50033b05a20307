"""A tenth labelled redaction corpus, written blind to the redactor's rules and to the other corpora.

Issue 15: the redactor is judged on labelled text nobody on the project has seen, so each labelled corpus
is written apart from the rules to give an honest first-sight estimate. This one is weighted towards the
shapes of terminal and tool output as an agent really captures it, where the same secret arrives wrapped
in rendering: ANSI colours, cursor codes and OSC hyperlinks, carriage-return progress output and CRLF
lines, box-drawing and ASCII tables, ``set -x`` traces and CI log prefixes, REPL sessions and debugger
variable dumps, language reprs and object dumps, structured logs and HTTP traces, environment dumps
(``/proc/<pid>/environ`` with NULs, ``docker inspect``, ``systemctl show``) and truncated or folded
lines. Its negatives are mostly the hard ones of the same shapes: escape codes next to ids and hashes,
masked values, tables of ids and digests, object addresses, hex views, base64 of non-secret payloads,
references and placeholders.

Each template is instantiated ``copies`` times in its own context and ``copies`` more times JSON-escaped
in an agent-log line (Claude Code stream-json, a Claude transcript line, a Codex rollout
``function_call_output`` whose output is itself a JSON string, a ``codex exec --json`` item, an MCP
text result); those count as context ``json``. Every value is made at run time from parts, so the file
holds no secret-shaped literal.

Run: ``uv run python bench/redact_corpus_tenth.py`` (prints the counts);
``uv run python bench/redact_quality.py --corpus tenth [--kinds K]`` measures the redactor on it.
"""

# ruff: noqa: E501 - generated-data templates read better on one line
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
import textwrap
import urllib.parse
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
    """True if at least half of the secret (any run of len//2 characters) survives, raw or JSON-escaped."""
    once = json.dumps(secret)[1:-1]
    for form in (secret, once, json.dumps(once)[1:-1]):
        run = max(1, len(form) // 2)
        if any(form[i : i + run] in output for i in range(len(form) - run + 1)):
            return True
    return False


# --- value makers: every value is random at run time, provider prefixes are joined from parts ---------

AN = string.ascii_letters + string.digits
LOW = string.ascii_lowercase + string.digits
UP = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = AN + "+/"
B64U = AN + "-_"
WORDS = (
    "amber",
    "falcon",
    "river",
    "copper",
    "meadow",
    "tundra",
    "violet",
    "harbor",
    "cobalt",
    "maple",
    "saffron",
    "glacier",
    "orchid",
    "pepper",
    "quartz",
    "willow",
    "ember",
    "lagoon",
    "juniper",
    "sierra",
)
USERS = (
    "alice",
    "bob",
    "deploy",
    "svc_app",
    "admin",
    "ci-bot",
    "grafana",
    "postgres",
    "mlee",
    "jsmith",
    "app_rw",
    "backup",
)
HOSTS = (
    "db.internal",
    "10.0.3.17",
    "pg-prod.cluster-c1x2.eu-west-1.rds.amazonaws.com",
    "mysql.svc.cluster.local",
    "redis-master.cache",
    "api.example.com",
    "build-07.ci.local",
    "staging.acme.io",
)
ARMOUR = ("-----" + "BEGIN ", "-----" + "END ", " PRIVATE" + " KEY-----")


def _r(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _password(rng: random.Random) -> str:
    body = _r(rng, AN + "!@#%^*-_+=", rng.randint(14, 22))
    return rng.choice(string.ascii_letters) + body + rng.choice("!%*#") + rng.choice(string.digits)


def _human_password(rng: random.Random) -> str:
    return (
        rng.choice(WORDS).capitalize()
        + rng.choice("-_.!")
        + rng.choice(WORDS)
        + str(rng.randint(10, 9999))
        + rng.choice("!#$%*")
    )


def _jwt(rng: random.Random, alg: str = "HS256") -> str:
    header = _b64u(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
    iat = rng.randint(1_750_000_000, 1_790_000_000)
    claims = {
        "sub": _r(rng, LOW, 12),
        "iat": iat,
        "exp": iat + 3600,
        "scope": rng.choice(["read", "admin", "repo write"]),
    }
    payload = _b64u(json.dumps(claims, separators=(",", ":")).encode())
    signature = _b64u(rng.randbytes(256 if alg.startswith("RS") else 32))
    return f"{header}.{payload}.{signature}"


def _pem(rng: random.Random, label: str, nbytes: int) -> str:
    body = base64.b64encode(rng.randbytes(nbytes)).decode()
    lines = textwrap.wrap(body, 64)
    return f"{ARMOUR[0]}{label}{ARMOUR[2]}\n" + "\n".join(lines) + f"\n{ARMOUR[1]}{label}{ARMOUR[2]}"


def _pgp(rng: random.Random) -> str:
    body = base64.b64encode(b"\x95\x03\xc6" + rng.randbytes(900)).decode()
    label = "PGP" + " PRIVATE KEY BLOCK-----"
    return (
        f"-----BEGIN {label}\n\n"
        + "\n".join(textwrap.wrap(body, 64))
        + f"\n={_r(rng, B64, 4)}\n-----END {label}"
    )


def _openssh(rng: random.Random) -> str:
    body = base64.b64encode(b"openssh-key-v1\x00" + rng.randbytes(380)).decode()
    label = "OPENSSH"
    return (
        f"{ARMOUR[0]}{label}{ARMOUR[2]}\n"
        + "\n".join(textwrap.wrap(body, 70))
        + f"\n{ARMOUR[1]}{label}{ARMOUR[2]}"
    )


def _certificate(rng: random.Random) -> str:
    body = base64.b64encode(b"0\x82\x03" + rng.randbytes(700)).decode()
    return (
        "-----BEGIN CERTIFICATE-----\n" + "\n".join(textwrap.wrap(body, 64)) + "\n-----END CERTIFICATE-----"
    )


def _sas(rng: random.Random) -> str:
    return urllib.parse.quote(base64.b64encode(rng.randbytes(32)).decode(), safe="")


def _vault_blob(rng: random.Random) -> str:
    hexed = (rng.randbytes(160)).hex()
    return "$ANSIBLE_VAULT;1.1;AES256\n" + "\n".join(textwrap.wrap(hexed, 80))


def _sops(rng: random.Random) -> str:
    data = base64.b64encode(rng.randbytes(24)).decode()
    iv = base64.b64encode(rng.randbytes(32)).decode()
    tag = base64.b64encode(rng.randbytes(16)).decode()
    return f"ENC[AES256_GCM,data:{data},iv:{iv},tag:{tag},type:str]"


def _ts(rng: random.Random) -> str:
    return f"2026-0{rng.randint(1, 9)}-{rng.randint(10, 28)}T{rng.randint(10, 23)}:{rng.randint(10, 59)}:{rng.randint(10, 59)}.{rng.randint(100, 999)}Z"


MAKERS = {
    # secrets
    "ghp": lambda r: "gh" + "p_" + _r(r, AN, 36),
    "gho": lambda r: "gh" + "o_" + _r(r, AN, 36),
    "ghs": lambda r: "gh" + "s_" + _r(r, AN, 36),
    "ghpat": lambda r: "github" + "_pat_" + _r(r, UP, 22) + "_" + _r(r, AN, 59),
    "glpat": lambda r: "gl" + "pat-" + _r(r, AN + "-_", 20),
    "awssk": lambda r: _r(r, B64, 40),
    "awssts": lambda r: "IQoJb3JpZ2luX2Vj" + _r(r, B64, 340) + "==",
    "xoxb": lambda r: (
        "xo" + "xb-" + _r(r, string.digits, 12) + "-" + _r(r, string.digits, 13) + "-" + _r(r, AN, 24)
    ),
    "xoxp": lambda r: (
        "xo"
        + "xp-"
        + _r(r, string.digits, 11)
        + "-"
        + _r(r, string.digits, 12)
        + "-"
        + _r(r, string.digits, 13)
        + "-"
        + _r(r, HEX, 32)
    ),
    "sklive": lambda r: "sk" + "_live_" + _r(r, AN, r.choice([24, 99])),
    "rklive": lambda r: "rk" + "_live_" + _r(r, AN, 99),
    "sktest": lambda r: "sk" + "_test_" + _r(r, AN, 99),
    "whsec": lambda r: "wh" + "sec_" + _r(r, AN, 32),
    "openai": lambda r: "sk-" + "proj-" + _r(r, B64U, 120) + "T3Blbk" + "FJ" + _r(r, B64U, 30),
    "anthropic": lambda r: "sk-" + "ant-" + "api03-" + _r(r, B64U, 93) + "AA",
    "gapi": lambda r: "AI" + "za" + _r(r, B64U, 35),
    "npm": lambda r: "np" + "m_" + _r(r, AN, 36),
    "pypi": lambda r: "py" + "pi-" + "AgEIcHlwaS5vcmc" + _r(r, B64U, 140),
    "sendgrid": lambda r: "SG" + "." + _r(r, B64U, 22) + "." + _r(r, B64U, 43),
    "hex32": lambda r: _r(r, HEX, 32),
    "hex40": lambda r: _r(r, HEX, 40),
    "hex64": lambda r: _r(r, HEX, 64),
    "an32": lambda r: _r(r, AN, 32),
    "an40": lambda r: _r(r, AN, 40),
    "an24": lambda r: _r(r, AN, 24),
    "jwt": _jwt,
    "jwtrs": lambda r: _jwt(r, "RS256"),
    "pw": _password,
    "pwu": lambda r: (
        r.choice(string.ascii_letters) + _r(r, AN + "-_.~", r.randint(15, 24)) + r.choice(string.digits)
    ),
    "pwh": _human_password,
    "b64pw": lambda r: base64.b64encode(_password(r).encode()).decode(),
    "basic": lambda r: base64.b64encode(f"{r.choice(USERS)}:{_password(r)}".encode()).decode(),
    "cookie": lambda r: _r(r, AN, r.choice([32, 48, 64])),
    "flasksess": lambda r: "eyJ" + _r(r, B64U, 60) + "." + _r(r, B64U, 6) + "." + _r(r, B64U, 27),
    "rsa": lambda r: _pem(r, "RSA", 1190),
    "ec": lambda r: _pem(r, "EC", 121),
    "pkcs8": lambda r: (
        _pem(r, "", 1218).replace("BEGIN  PRIVATE", "BEGIN PRIVATE").replace("END  PRIVATE", "END PRIVATE")
    ),
    "openssh": _openssh,
    "sas": _sas,
    "azkey": lambda r: base64.b64encode(r.randbytes(64)).decode(),
    "azsecret": lambda r: _r(r, AN, 3) + "8Q~" + _r(r, AN + "~._-", 34),
    "hvs": lambda r: "hv" + "s." + _r(r, AN, 24),
    "hvslong": lambda r: "hv" + "s.CAESI" + _r(r, B64U, 84),
    "hf": lambda r: "h" + "f_" + _r(r, AN, 34),
    "mailgun": lambda r: "key" + "-" + _r(r, HEX, 32),
    "dop": lambda r: "do" + "p_v1_" + _r(r, HEX, 64),
    "shpat": lambda r: "shp" + "at_" + _r(r, HEX, 32),
    "discord": lambda r: _r(r, B64U, 24) + "." + _r(r, B64U, 6) + "." + _r(r, B64U, 38),
    "telegram": lambda r: str(r.randint(1_000_000_000, 7_999_999_999)) + ":" + "AA" + _r(r, B64U, 33),
    "linear": lambda r: "lin" + "_api_" + _r(r, AN, 40),
    "atlassian": lambda r: "ATATT" + "3xFfGF0" + _r(r, B64U, 170) + "=" + _r(r, UP, 8),
    "pmak": lambda r: "PM" + "AK-" + _r(r, HEX, 24) + "-" + _r(r, HEX, 34),
    "cftoken": lambda r: _r(r, B64U, 40),
    "doppler": lambda r: "dp" + ".st.prd." + _r(r, AN, 40),
    "gocspx": lambda r: "GOC" + "SPX-" + _r(r, B64U, 28),
    "ya29": lambda r: "ya" + "29." + _r(r, B64U, 160),
    "refresh": lambda r: "1" + "//0" + _r(r, B64U, 100),
    "jwkd": lambda r: _b64u(r.randbytes(32)),
    "uuidsecret": lambda r: str(_uuid(r)),
    "tfc": lambda r: _r(r, AN, 14) + ".at" + "lasv1." + _r(r, AN, 67),
    "sentryauth": lambda r: "sntr" + "ys_" + _r(r, B64U, 160),
    "dd": lambda r: _r(r, HEX, 32),
    "nrkey": lambda r: "NR" + "AK-" + _r(r, UP, 27),
    "sq": lambda r: "sq" + "p_" + _r(r, HEX, 40),
    "pulumi": lambda r: "pu" + "l-" + _r(r, HEX, 40),
    "grafana": lambda r: "gl" + "sa_" + _r(r, AN, 32) + "_" + _r(r, HEX, 8),
    "databricks": lambda r: "dap" + "i" + _r(r, HEX, 32),
    "figma": lambda r: "fig" + "d_" + _r(r, B64U, 40),
    "dockercfg": lambda r: base64.b64encode(
        json.dumps(
            {
                "auths": {
                    "ghcr.io": {
                        "auth": base64.b64encode(f"{r.choice(USERS)}:{_password(r)}".encode()).decode()
                    }
                }
            }
        ).encode()
    ).decode(),
    "mapboxsk": lambda r: "sk" + ".eyJ1IjoiYWNtZSIsImEiOiJ" + _r(r, B64U, 30) + "." + _r(r, B64U, 22),
    "cfsig": lambda r: _r(r, AN + "-~_", 172),
    "hex128": lambda r: _r(r, HEX, 128),
    "discordhook": lambda r: _r(r, B64U, 68),
    "nuget": lambda r: "oy" + "2" + _r(r, LOW, 43),
    "flytok": lambda r: "fm2" + "_" + _r(r, B64, 200),
    "heroku": lambda r: "HRKU" + "-AA" + _r(r, B64U, 58),
    "b64key": lambda r: base64.b64encode(r.randbytes(r.choice([32, 48]))).decode(),
    "pgp": lambda r: _pgp(r),
    # not secrets
    "uuid": lambda r: str(_uuid(r)),
    "skx": lambda r: "sk" + "_live_" + "x" * 24,
    "age": lambda r: "age1" + _r(r, "qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58),
    "sha1": lambda r: _r(r, HEX, 40),
    "short": lambda r: _r(r, HEX, 7),
    "sha256": lambda r: _r(r, HEX, 64),
    "md5": lambda r: _r(r, HEX, 32),
    "trace": lambda r: _r(r, HEX, 32),
    "span": lambda r: _r(r, HEX, 16),
    "addr": lambda r: "0x7f" + _r(r, HEX, 10),
    "akid": lambda r: "AK" + "IA" + _r(r, string.ascii_uppercase + "234567", 16),
    "asiaid": lambda r: "AS" + "IA" + _r(r, string.ascii_uppercase + "234567", 16),
    "digest": lambda r: "sha256:" + _r(r, HEX, 64),
    "cid": lambda r: _r(r, HEX, 12),
    "ts": _ts,
    "int": lambda r: str(r.randint(2, 99999)),
    "port": lambda r: str(r.choice([5432, 3306, 6379, 8080, 443, 27017, 9200])),
    "user": lambda r: r.choice(USERS),
    "host": lambda r: r.choice(HOSTS),
    "word": lambda r: r.choice(WORDS),
    "ip": lambda r: f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
    "b64data": lambda r: base64.b64encode(
        json.dumps({"page": r.randint(1, 9), "size": 50, "sort": r.choice(WORDS)}).encode()
    ).decode(),
    "b64cursor": lambda r: base64.urlsafe_b64encode(
        f"cursor:v1:{r.randint(10**6, 10**9)}:{r.choice(WORDS)}".encode()
    ).decode(),
    "sshpub": lambda r: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + _r(r, B64, 43),
    "rsapub": lambda r: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ" + _r(r, B64, 360),
    "sshfp": lambda r: "SHA256:" + _r(r, B64, 43),
    "cert": _certificate,
    "vault": _vault_blob,
    "sops": _sops,
    "sealed": lambda r: "AgB" + _r(r, B64, 420) + "==",
    "integrity": lambda r: "sha512-" + _r(r, B64, 86) + "==",
    "twiliosid": lambda r: "AC" + _r(r, HEX, 32),
    "gclientid": lambda r: (
        str(r.randint(10**11, 10**12 - 1)) + "-" + _r(r, LOW, 32) + ".apps.googleusercontent.com"
    ),
    "reqid": lambda r: "req_" + _r(r, AN, 14),
    "etag": lambda r: _r(r, HEX, 32),
    "ksuid": lambda r: _r(r, AN, 27),
    "ulid": lambda r: "01J" + _r(r, "0123456789ABCDEFGHJKMNPQRSTVWXYZ", 23),
    "objectid": lambda r: _r(r, HEX, 24),
    "toolu": lambda r: "toolu_01" + _r(r, AN, 22),
    "callid": lambda r: "call_" + _r(r, AN, 24),
    "pid": lambda r: str(r.randint(300, 65000)),
    "rsan": lambda r: _b64u(r.randbytes(256)),
    "hexdump": lambda r: " ".join(_r(r, HEX, 2) for _ in range(16)),
}


def _uuid(rng: random.Random) -> str:
    h = _r(rng, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


def _pem_body(text: str) -> str:
    """The key material of a PEM or OpenSSH block (without its armour lines), as it appears in the text."""
    start = text.index("-----", text.index("BEGIN")) + 5
    end = text.rindex("-----END")
    body = text[start:end]
    while True:
        stripped = body.strip(" \t\r\n")
        for escape in ("\\r\\n", "\\n"):
            stripped = stripped.removeprefix(escape).removesuffix(escape)
        if stripped == body:
            return body
        body = stripped


PEM_MAKERS = {"rsa", "ec", "pkcs8", "openssh", "pgp"}

MODS = {
    "b64": lambda v: base64.b64encode(v.encode()).decode(),
    "url": lambda v: urllib.parse.quote(v, safe=""),
    "json": lambda v: json.dumps(v)[1:-1],
    "fold80": lambda v: "\n".join(v[i : i + 80] for i in range(0, len(v), 80)),
    "crlf": lambda v: v.replace("\n", "\r\n"),
    "nul": lambda v: v.replace("\n", "\x00"),
}

PLACEHOLDER = re.compile(r"\[\[(S|N):(\w+)(?:=([\w,]+))?(?:#(\w+))?((?:/\w+)*)\]\]")


def _mod(value: str, name: str) -> str:
    if name.startswith("indent"):
        return value.replace("\n", "\n" + " " * int(name[6:]))
    return MODS[name](value)


def instantiate(template: str, rng: random.Random) -> tuple[str, list[str]]:
    """Fill a template's placeholders; the secrets are the filled ``[[S:...]]`` values as they appear."""
    values: dict[str, str] = {}
    secrets: list[str] = []

    def fill(match: re.Match[str]) -> str:
        tag, maker, args, ident, mods = match.groups()
        if maker == "cat":
            value = ":".join(values[a] for a in args.split(","))
        elif ident and ident in values:
            value = values[ident]
        else:
            value = MAKERS[maker](rng)
            if ident:
                values[ident] = value
        for name in filter(None, mods.split("/")):
            value = _mod(value, name)
        if tag == "S":
            secret = _pem_body(value) if maker in PEM_MAKERS and "BEGIN" in value else value
            if secret not in secrets:
                secrets.append(secret)
        return value

    return PLACEHOLDER.sub(fill, template), secrets


# --- agent-log envelopes: the same text as an agent's log holds it, JSON-escaped ---------------------


def _envelope(text: str, rng: random.Random, which: int) -> str:
    ts = _ts(rng)
    session = _uuid(rng)
    if which == 0:  # Claude Code --output-format stream-json, a tool result
        line = {
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {
                        "tool_use_id": MAKERS["toolu"](rng),
                        "type": "tool_result",
                        "content": text,
                        "is_error": False,
                    }
                ],
            },
            "parent_tool_use_id": None,
            "session_id": session,
        }
    elif which == 1:  # a line of a Claude Code transcript (~/.claude/projects/<dir>/<session>.jsonl)
        line = {
            "parentUuid": _uuid(rng),
            "isSidechain": False,
            "userType": "external",
            "cwd": "/home/dev/app",
            "sessionId": session,
            "version": "2.0.14",
            "gitBranch": "main",
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {
                        "tool_use_id": MAKERS["toolu"](rng),
                        "type": "tool_result",
                        "content": [{"type": "text", "text": text}],
                    }
                ],
            },
            "uuid": _uuid(rng),
            "timestamp": ts,
        }
    elif which == 2:  # a Codex rollout line: the output is itself a JSON string (doubly escaped)
        inner = json.dumps(
            {
                "output": text,
                "metadata": {"exit_code": 0, "duration_seconds": round(rng.uniform(0.1, 9.0), 1)},
            }
        )
        line = {
            "timestamp": ts,
            "type": "response_item",
            "payload": {"type": "function_call_output", "call_id": MAKERS["callid"](rng), "output": inner},
        }
    elif which == 3:  # codex exec --json, a finished command
        line = {
            "type": "item.completed",
            "item": {
                "id": f"item_{rng.randint(1, 40)}",
                "type": "command_execution",
                "command": "bash -lc 'cat out.log'",
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
    return json.dumps(line)


def _split(template: str) -> str:
    return "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"


def templates() -> list[tuple[str, str, str]]:
    """Every template as (context, kind, text)."""
    out = []
    for context, group in (
        ("plain", PLAIN),
        ("shell", SHELL),
        ("yaml", YAML),
        ("source", SOURCE),
        ("url", URL),
        ("json", JSONC),
    ):
        for kind, text in group:
            out.append((context, kind, text.removeprefix("\n")))
    return out


def corpus(seed: int = 73, copies: int = 6) -> list[Document]:
    """Each template ``copies`` times in its own context and ``copies`` times inside an agent-log line."""
    documents = []
    for index, (context, kind, template) in enumerate(templates()):
        rng = random.Random(seed * 1_000_003 + index)
        split = _split(template)
        for _ in range(copies):
            text, secrets = instantiate(template, rng)
            documents.append(Document(text, secrets, context, kind, split, template))
        for copy in range(copies):
            text, secrets = instantiate(template, rng)
            documents.append(Document(_envelope(text, rng, copy % 5), secrets, "json", kind, split, template))
    return documents


def main() -> None:
    rows = Counter()
    for context, _kind, text in templates():
        rows[(context, "[[S:" in text)] += 1
    print(f"{'context':8} {'positive':>9} {'negative':>9}  (templates)")
    for context in CONTEXTS:
        print(f"{context:8} {rows[(context, True)]:9d} {rows[(context, False)]:9d}")
    print(
        f"{'all':8} {sum(v for (c, p), v in rows.items() if p):9d} {sum(v for (c, p), v in rows.items() if not p):9d}"
    )
    documents = corpus()
    split = Counter(d.split for d in documents)
    print(
        f"documents: {len(documents)} ({split['dev']} dev, {split['holdout']} holdout), secrets planted: {sum(len(d.secrets) for d in documents)}"
    )


# --- templates ----------------------------------------------------------------------------------------
# Placeholders: [[S:maker]] is a secret, [[N:maker]] a value that is not; "#id" reuses a value within the
# document, "[[S:cat=a,b/b64]]" joins earlier values with ":", and "/mod" suffixes transform the value
# (b64, url, json, indentN, fold80, crlf, nul).

# plain: terminal and tool output as captured (colours, tables, progress, environment dumps, pagers)
PLAIN = [
    (
        "grep --color env dump: GitHub and npm tokens",
        """
$ env | grep --color=always TOKEN
GITHUB_\x1b[01;31m\x1b[KTOKEN\x1b[m\x1b[K=[[S:ghp]]
NPM_\x1b[01;31m\x1b[KTOKEN\x1b[m\x1b[K=[[S:npm]]
""",
    ),
    (
        "printenv: AWS secret key beside its public key id",
        """
SHELL=/bin/bash
AWS_ACCESS_KEY_ID=[[N:akid]]
AWS_SECRET_ACCESS_KEY=[[S:awssk]]
AWS_DEFAULT_REGION=eu-west-1
PWD=/home/dev/app
SHLVL=2
""",
    ),
    (
        "/proc environ via cat -v: DSN password between ^@",
        """
$ sudo cat -v /proc/[[N:pid]]/environ
PATH=/usr/local/bin:/usr/bin^@HOSTNAME=api-7d9f^@DATABASE_URL=postgres://app:[[S:pwu]]@db.internal:5432/app^@NODE_ENV=production^@HOME=/root^@
""",
    ),
    (
        "/proc environ raw NULs: Stripe key",
        """
PATH=/usr/local/sbin:/usr/local/bin:/usr/bin\x00LANG=C.UTF-8\x00STRIPE_SECRET_KEY=[[S:sklive]]\x00PORT=8080\x00
""",
    ),
    (
        "ps eww: environment of a node process",
        """
    PID TTY      STAT   TIME COMMAND
  [[N:pid]] pts/0    Sl+    0:03 node dist/server.js PATH=/usr/bin:/bin OPENAI_API_KEY=[[S:openai]] NODE_ENV=production PORT=3000
""",
    ),
    (
        "heroku config: DSN password, Redis password and SendGrid key",
        """
=== acme-api Config Vars
DATABASE_URL:     postgres://u[[N:cid]]:[[S:pwu]]@ec2-3-91-17-4.compute-1.amazonaws.com:5432/d[[N:cid]]
REDIS_URL:        rediss://:[[S:pwu]]@ec2-52-1-9-80.compute-1.amazonaws.com:28920
SENDGRID_API_KEY: [[S:sendgrid]]
WEB_CONCURRENCY:  2
""",
    ),
    (
        "systemctl show Environment= line: API token",
        """
$ systemctl show worker.service -p Environment
Environment=NODE_ENV=production WORKER_QUEUE=default API_TOKEN=[[S:an40]] LOG_LEVEL=info
""",
    ),
    (
        "kubectl exec env: database password and JWT secret",
        """
$ kubectl exec deploy/api -- env
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HOSTNAME=api-6c8b7f9d4-x2kqp
DB_PASSWORD=[[S:pw]]
JWT_SECRET=[[S:hex64]]
KUBERNETES_SERVICE_HOST=10.96.0.1
""",
    ),
    (
        "rich table of settings: password cell",
        """
\x1b[3m                 Effective settings                  \x1b[0m
┏━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃\x1b[1m \x1b[0m\x1b[1mname            \x1b[0m\x1b[1m \x1b[0m┃\x1b[1m \x1b[0m\x1b[1mvalue                           \x1b[0m\x1b[1m \x1b[0m┃
┡━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ db_host          │ db.internal                      │
│ db_user          │ app                              │
│ db_password      │ [[S:pw]]                 │
│ debug            │ False                            │
└──────────────────┴──────────────────────────────────┘
""",
    ),
    (
        "psql unicode table: integration api keys",
        """
app=# SELECT provider, api_key FROM integrations;
 provider │              api_key
──────────┼──────────────────────────────────────
 mailgun  │ [[S:mailgun]]
 datadog  │ [[S:dd]]
(2 rows)
""",
    ),
    (
        "mysql ASCII table: secret settings row",
        """
mysql> SELECT name, value FROM settings WHERE name LIKE 'stripe%';
+-----------------+------------------------------------------------------------+
| name            | value                                                      |
+-----------------+------------------------------------------------------------+
| stripe_mode     | live                                                       |
| stripe_secret   | [[S:sklive]] |
+-----------------+------------------------------------------------------------+
2 rows in set (0.00 sec)
""",
    ),
    (
        "sqlite .mode box: stored refresh token",
        """
sqlite> .mode box
sqlite> SELECT provider, refresh_token FROM oauth_accounts LIMIT 1;
┌──────────┬──────────────────────────────────────────────────────────────┐
│ provider │                        refresh_token                          │
├──────────┼──────────────────────────────────────────────────────────────┤
│ google   │ [[S:refresh]] │
└──────────┴──────────────────────────────────────────────────────────────┘
""",
    ),
    (
        "tabulate fancy_grid: service account passwords",
        """
╒════════════╤══════════════════════════╕
│ account    │ password                 │
╞════════════╪══════════════════════════╡
│ svc_report │ [[S:pw]]     │
├────────────┼──────────────────────────┤
│ svc_etl    │ [[S:pwh]]         │
╘════════════╧══════════════════════════╛
""",
    ),
    (
        "aws --output table: CreateAccessKey",
        """
-------------------------------------------------------------------------------------------------
|                                        CreateAccessKey                                        |
+-----------------------------------------------------------------------------------------------+
||                                          AccessKey                                          ||
|+----------------------+--------------------------------------------+---------+---------------+|
||      AccessKeyId     |              SecretAccessKey               | Status  |   UserName    ||
|+----------------------+--------------------------------------------+---------+---------------+|
||  [[N:akid]]  |  [[S:awssk]]  |  Active |  ci-deployer  ||
|+----------------------+--------------------------------------------+---------+---------------+|
""",
    ),
    (
        "kubectl view-secret: decoded values",
        """
$ kubectl view-secret app-secrets --all
POSTGRES_PASSWORD='[[S:pw]]'
SESSION_SECRET='[[S:hex64]]'
""",
    ),
    (
        "cmd set output with CRLF: Azure client secret",
        """
C:\\work\\api>set AZURE\r
AZURE_CLIENT_ID=[[N:uuid]]\r
AZURE_CLIENT_SECRET=[[S:azsecret]]\r
AZURE_TENANT_ID=[[N:uuid]]\r
""",
    ),
    (
        "vault login table output: token",
        """
Success! You are now authenticated. The token information displayed below
is already stored in the token helper. You do NOT need to run "vault login"
again. Future Vault requests will automatically use this token.

Key                  Value
---                  -----
token                [[S:hvslong]]
token_accessor       [[N:ksuid]]
token_duration       768h
token_renewable      true
token_policies       ["default" "deploy"]
""",
    ),
    (
        "tmux capture-pane: cat .env with coloured prompt",
        """
\x1b[1;32mdev@box\x1b[0m:\x1b[1;34m~/app\x1b[0m$ cat .env
APP_ENV=local
ANTHROPIC_API_KEY=[[S:anthropic]]
LOG_LEVEL=debug
\x1b[1;32mdev@box\x1b[0m:\x1b[1;34m~/app\x1b[0m$
""",
    ),
    (
        "script typescript: export of PGPASSWORD with CRLF and title OSC",
        """
Script started on 2026-03-14 09:12:44+00:00 [TERM="xterm-256color" TTY="/dev/pts/3" COLUMNS="120" LINES="40"]
\x1b]0;dev@box: ~/app\x07\x1b[?2004hdev@box:~/app$ export PGPASSWORD='[[S:pw]]'\r
\x1b[?2004l\r\x1b[?2004hdev@box:~/app$ psql -h db.internal -U app -c 'select 1'\r
""",
    ),
    (
        "spinner with carriage returns, then a Fly deploy token",
        """
⠋ Creating token...\r⠙ Creating token...\r⠹ Creating token...\r\x1b[2K✓ Token created
FlyV1 [[S:flytok]]
""",
    ),
    (
        "npm token create table",
        """
┌────────────────┬──────────────────────────────────────────┐
│ token          │ [[S:npm]] │
├────────────────┼──────────────────────────────────────────┤
│ readonly       │ false                                    │
├────────────────┼──────────────────────────────────────────┤
│ cidr_whitelist │                                          │
├────────────────┼──────────────────────────────────────────┤
│ created        │ [[N:ts]]                 │
└────────────────┴──────────────────────────────────────────┘
""",
    ),
    (
        "less pager over .env.production",
        """
DATABASE_URL=mysql://app:[[S:pwu]]@mysql.svc.cluster.local:3306/shop
MAILGUN_API_KEY=[[S:mailgun]]
SENTRY_ENVIRONMENT=production
\x1b[7m.env.production lines 1-3/3 (END)\x1b[27m\x1b[K
""",
    ),
    (
        "more pager prompt after a config with a password",
        """
[smtp]
host = smtp.sendgrid.net
user = apikey
password = [[S:sendgrid]]
port = 587
--More--(62%)
""",
    ),
    (
        "tool output truncated after a whole token line",
        """
2026-02-03 10:01:12 INFO  bootstrap: loaded credentials from env
2026-02-03 10:01:12 DEBUG bootstrap: GITLAB_TOKEN=[[S:glpat]]
2026-02-03 10:01:13 DEBUG http: GET https://gitlab.example.com/api/v4/projects?per_page=100&page=1&order_by=last_activity_at&sort=desc&simple=true&membership=true&archived=false&with_issues_enabled=tr… [truncated 4,211 chars]
""",
    ),
    (
        "output cut with (+N chars) after a whole Slack token",
        """
[bot] starting with token=[[S:xoxb]] channel=C0[[N:cid]] mode=socket ... (+1843 chars)
""",
    ),
    (
        "aws sts assume-role --output text: tab-separated credentials",
        """
arn:aws:sts::[[N:int]]:assumed-role/deploy/ci	[[N:asiaid]]:ci
CREDENTIALS	[[N:asiaid]]	2026-05-01T12:00:00+00:00	[[S:awssk]]	[[S:awssts]]
""",
    ),
    (
        "1Password CLI item output",
        """
ID:          [[N:ksuid]]
Title:       Prod Postgres
Vault:       Infra ([[N:ksuid]])
Created:     8 months ago
Updated:     3 days ago by Dana
Favorite:    false
Version:     4
Category:    DATABASE
Fields:
  type:        postgresql
  server:      pg-prod.internal
  port:        5432
  username:    app_rw
  password:    [[S:pw]]
""",
    ),
    (
        "git config --list --show-origin: token in remote URL",
        """
file:/etc/gitconfig	credential.helper=store
file:.git/config	core.repositoryformatversion=0
file:.git/config	remote.origin.url=https://x-access-token:[[S:ghs]]@github.com/acme/api.git
file:.git/config	remote.origin.fetch=+refs/heads/*:refs/remotes/origin/*
""",
    ),
    (
        "git remote -v with ANSI: GitLab token in URL",
        """
\x1b[33morigin\x1b[m	https://oauth2:[[S:glpat#t]]@gitlab.com/acme/infra.git (fetch)
\x1b[33morigin\x1b[m	https://oauth2:[[S:glpat#t]]@gitlab.com/acme/infra.git (push)
""",
    ),
    (
        "cat ~/.netrc",
        """
machine api.heroku.com
  login dana@example.com
  password [[S:heroku]]
machine git.heroku.com
  login dana@example.com
  password [[S:heroku]]
""",
    ),
    (
        "cat ~/.pgpass",
        """
# hostname:port:database:username:password
db.internal:5432:*:app:[[S:pw]]
pg-replica.internal:5432:reports:readonly:[[S:pwh]]
""",
    ),
    (
        "cat -A of a CRLF env file: ^M$ line ends",
        """
$ cat -A .env
DB_HOST=db.internal^M$
DB_PASSWORD=[[S:pw]]^M$
REDIS_PASSWORD=[[S:pwu]]^M$
""",
    ),
    (
        "form-feed paged listing of a credentials file",
        """
credentials.ini                                               Page 1
\f
[default]
aws_access_key_id = [[N:akid]]
aws_secret_access_key = [[S:awssk]]
""",
    ),
    (
        "cat of an OpenSSH private key after a coloured prompt",
        """
\x1b[01;32mroot@bastion\x1b[00m:\x1b[01;34m~\x1b[00m# cat .ssh/id_ed25519
[[S:openssh]]
""",
    ),
    (
        "terraform output with colour: database password",
        """
\x1b[0m\x1b[1m\x1b[32mOutputs:\x1b[0m

db_endpoint = "[[N:host]]"
db_password = "[[S:pw]]"
""",
    ),
    (
        "pulumi stack output --show-secrets",
        """
Current stack outputs (3):
    OUTPUT          VALUE
    apiUrl          https://api.staging.acme.io
    dbPassword      [[S:pw]]
    grafanaToken    [[S:grafana]]
""",
    ),
    (
        "heroku auth:token with coloured warning",
        """
\x1b[33m ›\x1b[39m   Warning: token will expire 04/12/2027
\x1b[33m ›\x1b[39m   Use heroku authorizations:create to generate a long-term token
[[S:heroku]]
""",
    ),
    (
        "gh auth status -t with check marks",
        """
github.com
  \x1b[0;32m✓\x1b[0m Logged in to github.com account dana (keyring)
  - Active account: \x1b[1mtrue\x1b[0m
  - Git operations protocol: https
  - Token: [[S:gho]]
  - Token scopes: 'gist', 'read:org', 'repo', 'workflow'
""",
    ),
    (
        "syslog lines: app logs a password",
        """
Mar 14 09:12:01 web-1 app[2211]: connecting to db.internal as app with password=[[S:pw]]
Mar 14 09:12:01 web-1 app[2211]: pool ready (10 connections)
""",
    ),
    (
        "syslog with coloured levels: bearer token",
        """
Mar 14 09:13:44 web-1 api[981]: \x1b[36mDEBUG\x1b[0m outgoing request headers={'Authorization': 'Bearer [[S:an40]]', 'Accept': 'application/json'}
""",
    ),
    (
        "openssl genrsa output then the key",
        """
$ openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null | tee key.pem
[[S:pkcs8]]
""",
    ),
    (
        "PuTTY key file content",
        """
PuTTY-User-Key-File-3: ssh-ed25519
Encryption: none
Comment: ed25519-key-20260114
Public-Lines: 2
AAAAC3NzaC1lZDI1NTE5AAAAI[[N:b64key]]
[[N:b64key]]
Private-Lines: 1
[[S:b64key]]
Private-MAC: [[N:sha256]]
""",
    ),
    (
        "gpg --export-secret-keys --armor",
        """
$ gpg --export-secret-keys --armor 0x[[N:span]]
[[S:pgp]]
""",
    ),
    (
        "watch output with cursor codes: Redis URL with password",
        """
\x1b[H\x1b[2JEvery 2.0s: cat /run/app/config.env                 web-1: Sat Mar 14 09:20:11 2026

REDIS_URL=redis://default:[[S:pwu]]@redis-master.cache:6379/0
QUEUE=critical
""",
    ),
    (
        "OSC 8 hyperlink around a URL with a SAS signature",
        """
Upload complete: \x1b]8;;https://acmeprod.blob.core.windows.net/exports/report.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-06-01T00:00:00Z&sig=[[S:sas]]\x1b\\report.csv\x1b]8;;\x1b\\
""",
    ),
    (
        "docker ps --no-trunc wrapped: password flag in command",
        """
CONTAINER ID                                                       IMAGE          COMMAND
[[N:sha256]]   mysql:8.0      "docker-entrypoint.sh mysqld --default-authentication-plugin=mysql_native_password"
[[N:sha256]]   acme/backup    "/bin/sh -c 'mysqldump -h mysql -u root --password=[[S:pw]] --all-databases'"
""",
    ),
    (
        "ls-style aligned column output from a secrets tool",
        """
$ doppler secrets --only-names=false --plain
NAME                  VALUE
DOPPLER_CONFIG        prd
DOPPLER_PROJECT       api
DATABASE_PASSWORD     [[S:pw]]
STRIPE_WEBHOOK_SECRET [[S:whsec]]
""",
    ),
    (
        "CSV export of an API client table",
        """
id,name,client_id,client_secret,created_at
17,reporting,[[N:uuid]],[[S:an40]],2026-01-04
18,billing-sync,[[N:uuid]],[[S:an40]],2026-02-11
""",
    ),
    (
        "kubectl get secret decoded by a go-template",
        """
$ kubectl get secret registry-creds -o go-template='{{range $k,$v := .data}}{{$k}}: {{$v|base64decode}}{{"\\n"}}{{end}}'
password: [[S:pw]]
username: robot$ci
""",
    ),
    (
        "wget progress bar, then the response body with a token",
        """
--2026-03-14 09:31:02--  https://auth.example.com/oauth/token
Resolving auth.example.com... 203.0.113.10
HTTP request sent, awaiting response... 200 OK
Length: 312 [application/json]
token.json          100%[===================>]     312  --.-KB/s    in 0s
\r
{"access_token":"[[S:jwt]]","token_type":"Bearer","expires_in":3600}
""",
    ),
    (
        "Windows tool output with CRLF: connection string",
        """
Microsoft (R) Build Engine version 17.8.3\r
Reading appsettings.Production.json...\r
  ConnectionStrings:Default = Server=tcp:acme.database.windows.net,1433;Initial Catalog=shop;User ID=app;Password=[[S:pw]];Encrypt=True;\r
""",
    ),
    (
        "progress bar overwritten by a login result with a Discord bot token",
        """
Connecting [=====     ] 50%\rConnecting [==========] 100%\r\x1b[K
Logged in as acme-bot#4012 using token [[S:discord]]
""",
    ),
]
PLAIN += [
    (
        "grep --color env dump: masked values",
        """
$ env | grep --color=always TOKEN
GITHUB_\x1b[01;31m\x1b[KTOKEN\x1b[m\x1b[K=***
NPM_\x1b[01;31m\x1b[KTOKEN\x1b[m\x1b[K=<redacted>
SLACK_BOT_\x1b[01;31m\x1b[KTOKEN\x1b[m\x1b[K=[Filtered]
""",
    ),
    (
        "printenv: access key id, region and profile only",
        """
AWS_ACCESS_KEY_ID=[[N:akid]]
AWS_DEFAULT_REGION=us-east-1
AWS_PROFILE=staging
AWS_SDK_LOAD_CONFIG=1
HOME=/home/runner
""",
    ),
    (
        "/proc environ via cat -v: build ids and commit",
        """
PATH=/usr/local/bin:/usr/bin^@HOSTNAME=runner-[[N:cid]]^@GIT_COMMIT=[[N:sha1]]^@BUILD_ID=[[N:uuid]]^@CI_PIPELINE_ID=[[N:int]]^@HOME=/root^@
""",
    ),
    (
        "docker ps: container ids and images",
        """
CONTAINER ID   IMAGE                     COMMAND                  CREATED        STATUS                  PORTS                    NAMES
[[N:cid]]   postgres:16               "docker-entrypoint.s…"   2 hours ago    Up 2 hours (healthy)    0.0.0.0:5432->5432/tcp   app-db-1
[[N:cid]]   redis:7-alpine            "docker-entrypoint.s…"   2 hours ago    Up 2 hours              6379/tcp                 app-cache-1
[[N:cid]]   ghcr.io/acme/api@sha256:[[N:sha256]]   "node dist/server.js"   2 hours ago   Up 2 hours   0.0.0.0:3000->3000/tcp   app-api-1
""",
    ),
    (
        "git log --oneline --color: short and full SHAs",
        """
\x1b[33m[[N:short]]\x1b[m\x1b[33m (\x1b[m\x1b[1;36mHEAD -> \x1b[m\x1b[1;32mmain\x1b[m\x1b[33m)\x1b[m Rotate the session token signing key reference
\x1b[33m[[N:short]]\x1b[m Move API_KEY lookup to the secret manager
\x1b[33mcommit [[N:sha1]]\x1b[m
Merge: [[N:short]] [[N:short]]
""",
    ),
    (
        "rich table of runs: UUIDs, durations, costs",
        """
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━┓
┃ run id                               ┃ status  ┃  turns ┃    cost ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━┩
│ [[N:uuid]] │ \x1b[32mok\x1b[0m      │     12 │ $0.4120 │
│ [[N:uuid]] │ \x1b[31mfailed\x1b[0m  │      3 │ $0.0310 │
└──────────────────────────────────────┴─────────┴────────┴─────────┘
""",
    ),
    (
        "psql unicode table: orders with UUIDs",
        """
shop=# SELECT id, customer_id, status FROM orders ORDER BY created_at DESC LIMIT 2;
                  id                  │             customer_id              │  status
──────────────────────────────────────┼──────────────────────────────────────┼──────────
 [[N:uuid]] │ [[N:uuid]] │ shipped
 [[N:uuid]] │ [[N:uuid]] │ pending
(2 rows)
""",
    ),
    (
        "mysql table of migration checksums",
        """
mysql> SELECT version, description, checksum FROM flyway_schema_history;
+---------+---------------------------+-------------+
| version | description               | checksum    |
+---------+---------------------------+-------------+
| 1       | init                      | -1742216313 |
| 2       | add api key table         |   887133409 |
| 3       | token expiry index        | -1059918277 |
+---------+---------------------------+-------------+
""",
    ),
    (
        "sqlite .mode box: request ids and timestamps",
        """
┌──────────────────────────────────┬─────────────────────────────┬────────┐
│            request_id            │         received_at         │ status │
├──────────────────────────────────┼─────────────────────────────┼────────┤
│ [[N:trace]] │ [[N:ts]]    │ 200    │
│ [[N:trace]] │ [[N:ts]]    │ 401    │
└──────────────────────────────────┴─────────────────────────────┴────────┘
""",
    ),
    (
        "aws iam list-access-keys table: ids and status only",
        """
---------------------------------------------------------------------
|                          ListAccessKeys                           |
+-------------------------------------------------------------------+
||                        AccessKeyMetadata                        ||
|+----------------------------+------------------------+-----------+|
||         AccessKeyId        |      CreateDate        |  Status   ||
|+----------------------------+------------------------+-----------+|
||  [[N:akid]]      |  2025-11-02T10:14:31Z  |  Active   ||
||  [[N:akid]]      |  2024-03-19T08:02:11Z  |  Inactive ||
|+----------------------------+------------------------+-----------+|
""",
    ),
    (
        "vercel env ls: values shown as Encrypted",
        """
> Environment Variables found for acme/web [212ms]

 name                  value               environments                        created
 DATABASE_URL          Encrypted           Production, Preview                 14d ago
 STRIPE_SECRET_KEY     Encrypted           Production                          30d ago
 NEXT_PUBLIC_APP_URL   https://acme.io     Production, Preview, Development    90d ago
""",
    ),
    (
        "gh secret list",
        """
NAME                   UPDATED
AWS_SECRET_ACCESS_KEY  about 2 months ago
NPM_TOKEN              about 9 days ago
SLACK_WEBHOOK_URL      about 1 year ago
""",
    ),
    (
        "kubectl get secrets and describe secret: sizes only",
        """
NAME                  TYPE                                  DATA   AGE
app-secrets           Opaque                                3      41d
default-token-x7k2q   kubernetes.io/service-account-token   3      212d
tls-acme-io           kubernetes.io/tls                     2      9d

Name:         app-secrets
Namespace:    default
Type:  Opaque

Data
====
DB_PASSWORD:     24 bytes
JWT_SECRET:      64 bytes
""",
    ),
    (
        "npm token list: truncated token column",
        """
┌────────┬─────────┬────────────┬──────────┬────────────────┐
│ id     │ token   │ created    │ readonly │ CIDR whitelist │
├────────┼─────────┼────────────┼──────────┼────────────────┤
│ [[N:short]] │ npm_4f… │ 2026-01-12 │ no       │                │
├────────┼─────────┼────────────┼──────────┼────────────────┤
│ [[N:short]] │ npm_a1… │ 2025-07-30 │ yes      │                │
└────────┴─────────┴────────────┴──────────┴────────────────┘
""",
    ),
    (
        "docker images --digests",
        """
REPOSITORY          TAG       DIGEST                                                                    IMAGE ID       CREATED        SIZE
ghcr.io/acme/api    1.42.0    sha256:[[N:sha256]]   [[N:cid]]   3 days ago     187MB
python              3.12      sha256:[[N:sha256]]   [[N:cid]]   2 weeks ago    1.02GB
""",
    ),
    (
        "sha256sum output",
        """
[[N:sha256]]  dist/acme-1.42.0-py3-none-any.whl
[[N:sha256]]  dist/acme-1.42.0.tar.gz
""",
    ),
    (
        "pip download progress with carriage returns and hashes",
        """
Collecting cryptography==43.0.1 (from -r requirements.txt (line 4))
  Downloading cryptography-43.0.1-cp39-abi3-manylinux_2_28_x86_64.whl (4.0 MB)
\r     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 1.2/4.0 MB 8.1 MB/s eta 0:00:01\r     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 4.0/4.0 MB 9.4 MB/s eta 0:00:00
Saved ./wheels/cryptography-43.0.1-cp39-abi3-manylinux_2_28_x86_64.whl
  --hash=sha256:[[N:sha256]]
""",
    ),
    (
        "pytest coloured output: test names about tokens and keys",
        """
tests/test_auth.py::test_refresh_token_expired \x1b[32mPASSED\x1b[0m\x1b[32m                    [ 12%]\x1b[0m
tests/test_auth.py::test_api_key_rotation \x1b[32mPASSED\x1b[0m\x1b[32m                         [ 25%]\x1b[0m
tests/test_auth.py::test_password_reset_sends_mail \x1b[31mFAILED\x1b[0m\x1b[31m                [ 37%]\x1b[0m
\x1b[31m\x1b[1m_________________ test_password_reset_sends_mail _________________\x1b[0m
E   AssertionError: expected 1 mail, got 0
""",
    ),
    (
        "ls -la ~/.ssh: key file names",
        """
total 24
drwx------  2 dev dev 4096 Mar 14 09:00 .
-rw-------  1 dev dev  411 Jan 14 10:02 id_ed25519
-rw-r--r--  1 dev dev  102 Jan 14 10:02 id_ed25519.pub
-rw-------  1 dev dev 2602 Jan 02 08:44 deploy_key
-rw-r--r--  1 dev dev 1324 Mar 10 17:31 known_hosts
""",
    ),
    (
        "ssh-keygen -lv: fingerprint and randomart",
        """
256 [[N:sshfp]] dev@box (ED25519)
+--[ED25519 256]--+
|      .o+=*B=o.  |
|       .+=*=+o   |
|        o=.+o..  |
|       . .o.+ .  |
|        S  o o   |
+----[SHA256]-----+
""",
    ),
    (
        "ssh-add -L and authorized_keys",
        """
$ ssh-add -L
[[N:sshpub]] dev@box
[[N:rsapub]] deploy@ci
""",
    ),
    (
        "openssl x509 text and certificate PEM",
        """
Certificate:
    Data:
        Version: 3 (0x2)
        Serial Number:
            04:[[N:span]]:3b:9c
        Issuer: C = US, O = Let's Encrypt, CN = R11
        Subject: CN = api.acme.io
[[N:cert]]
""",
    ),
    (
        "hexdump -C of a PNG header",
        """
00000000  89 50 4e 47 0d 0a 1a 0a  00 00 00 0d 49 48 44 52  |.PNG........IHDR|
00000010  [[N:hexdump]]  |................|
00000020  [[N:hexdump]]  |................|
""",
    ),
    (
        "base64 of a non-secret pagination cursor",
        """
$ echo -n '{"page": 2, "size": 50, "sort": "created"}' | base64
eyJwYWdlIjogMiwgInNpemUiOiA1MCwgInNvcnQiOiAiY3JlYXRlZCJ9
$ curl -s "$API/items?cursor=[[N:b64data]]" | jq length
50
""",
    ),
    (
        "cat of an Ansible Vault file",
        """
$ cat group_vars/prod/vault.yml
[[N:vault]]
""",
    ),
    (
        "gpg --list-secret-keys: ids and fingerprints",
        """
/home/dev/.gnupg/pubring.kbx
----------------------------
sec   ed25519 2025-01-14 [SC] [expires: 2027-01-14]
      [[N:sha1]]
uid           [ultimate] Dana Lee <dana@example.com>
ssb   cv25519 2025-01-14 [E] [expires: 2027-01-14]
""",
    ),
    (
        "systemctl show: environment file references only",
        """
$ systemctl show api.service -p EnvironmentFiles -p Environment -p InvocationID
Environment=NODE_ENV=production PORT=8080
EnvironmentFiles=/etc/api/secrets.env (ignore_errors=no)
InvocationID=[[N:md5]]
""",
    ),
    (
        "terraform plan with colour: sensitive values hidden",
        """
  \x1b[32m+\x1b[0m\x1b[0m resource "aws_db_instance" "main" {
      \x1b[32m+\x1b[0m\x1b[0m address        = (known after apply)
      \x1b[32m+\x1b[0m\x1b[0m password       = (sensitive value)
      \x1b[32m+\x1b[0m\x1b[0m username       = "app"
      \x1b[32m+\x1b[0m\x1b[0m kms_key_id     = "arn:aws:kms:eu-west-1:[[N:int]]:key/[[N:uuid]]"
    }
""",
    ),
    (
        "journalctl plain: systemd invocation and boot ids",
        """
Mar 14 09:00:02 web-1 systemd[1]: Started api.service - ACME API.
Mar 14 09:00:02 web-1 systemd[1]: api.service: Invocation ID [[N:md5]]
Mar 14 09:00:03 web-1 api[1443]: listening on :8080 (boot [[N:md5]])
""",
    ),
    (
        "docker history: layer ids",
        """
IMAGE          CREATED        CREATED BY                                      SIZE      COMMENT
[[N:cid]]   3 days ago     CMD ["node" "dist/server.js"]                   0B        buildkit.dockerfile.v0
<missing>      3 days ago     RUN /bin/sh -c npm ci --omit=dev # buildkit     41.2MB    buildkit.dockerfile.v0
<missing>      3 days ago     ARG NPM_TOKEN                                   0B        buildkit.dockerfile.v0
""",
    ),
    (
        "CSV of trace and span ids",
        """
trace_id,span_id,service,duration_ms
[[N:trace]],[[N:span]],checkout,182
[[N:trace]],[[N:span]],payments,77
""",
    ),
    (
        "pmap output: addresses",
        """
[[N:pid]]:   /usr/bin/python3 worker.py
000055d4c8a3e000     4K r---- python3.12
[[N:addr]]   1024K rw---   [ anon ]
[[N:addr]]    132K rw---   [ stack ]
 total          214220K
""",
    ),
    (
        "less pager over a changelog about token handling",
        """
## 1.42.0
- Refresh tokens are now rotated on every use.
- `API_KEY` may be given as `op://Infra/api/credential` (1Password reference).
- The session secret is read from `$SESSION_SECRET_FILE`.
\x1b[7mCHANGELOG.md lines 1-6/212 3%\x1b[27m\x1b[K
""",
    ),
    (
        "truncated lockfile line with an integrity hash",
        """
    "node_modules/lodash": {
      "version": "4.17.21",
      "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz",
      "integrity": "[[N:integrity]]",
… [truncated 18,204 chars]
""",
    ),
    (
        "docker compose ps with CR progress",
        """
[+] Running 3/3\r ✔ Container app-db-1     Healthy                      1.2s \r ✔ Container app-cache-1  Started                      0.4s
 ✔ Container app-api-1    Started                                                0.9s
NAME          IMAGE         SERVICE   STATUS         PORTS
app-api-1     acme/api:dev  api       Up 1 second    0.0.0.0:3000->3000/tcp
""",
    ),
    (
        "kubectl get pods wide aligned columns",
        """
NAME                   READY   STATUS    RESTARTS   AGE   IP           NODE
api-6c8b7f9d4-x2kqp    1/1     Running   0          41m   [[N:ip]]   ip-10-0-3-17.eu-west-1.compute.internal
worker-59d7c9c-8fjq2   1/1     Running   2          3h    [[N:ip]]   ip-10-0-1-44.eu-west-1.compute.internal
""",
    ),
    (
        "xxd of a gzip file",
        """
00000000: 1f8b 0808 [[N:span]] 0003 6170 692e  ........S.....api.
00000010: 6a73 6f6e 00[[N:hexdump]]  json.....
""",
    ),
    (
        "watch output: uptime and queue depths with cursor codes",
        """
\x1b[H\x1b[2JEvery 5.0s: redis-cli llen queue:default                 web-1: Sat Mar 14 09:20:11 2026

(integer) [[N:int]]
""",
    ),
    (
        "OSC 8 hyperlink to a CI run",
        """
Build \x1b]8;;https://github.com/acme/api/actions/runs/[[N:int]]/job/[[N:int]]\x1b\\#[[N:int]]\x1b]8;;\x1b\\ finished: \x1b[32msuccess\x1b[0m (commit [[N:short]])
""",
    ),
]

# shell: commands as run and echoed (xtrace, make, npm, PowerShell transcripts, CI logs, history)
SHELL = [
    (
        "bash -x: curl with a bearer GitHub token",
        """
+ curl -sS -H 'Authorization: Bearer [[S:ghp]]' -H 'Accept: application/vnd.github+json' https://api.github.com/user
{"login":"dana","id":[[N:int]]}
""",
    ),
    (
        "bash -x ++ export from eval of exported credentials",
        """
+ eval '$(aws configure export-credentials --profile ci --format env)'
++ export AWS_ACCESS_KEY_ID=[[N:asiaid]]
++ AWS_ACCESS_KEY_ID=[[N:asiaid]]
++ export AWS_SECRET_ACCESS_KEY=[[S:awssk#k]]
++ AWS_SECRET_ACCESS_KEY=[[S:awssk#k]]
""",
    ),
    (
        "set -x: mysql -p password glued to the flag",
        """
+ mysql -h mysql.svc.cluster.local -u root '-p[[S:pw]]' -e 'SHOW DATABASES'
mysql: [Warning] Using a password on the command line interface can be insecure.
""",
    ),
    (
        "make echoing docker login with -p",
        """
make[1]: Entering directory '/builds/acme/api'
docker login -u ci-robot -p [[S:pwu]] registry.acme.io
WARNING! Using --password via the CLI is insecure. Use --password-stdin.
Login Succeeded
""",
    ),
    (
        "npm run echo: inline Netlify auth token",
        """

> web@2.3.0 deploy
> NETLIFY_AUTH_TOKEN=[[S:cftoken]] netlify deploy --prod --dir=dist

Deploy path: /home/dev/web/dist
""",
    ),
    (
        "PowerShell transcript with CRLF: storage account key",
        """
**********************\r
Windows PowerShell transcript start\r
Start time: 20260314091200\r
Username: ACME\\dana\r
Machine: BUILD-07 (Microsoft Windows NT 10.0.20348.0)\r
**********************\r
PS C:\\repo> $env:AZURE_STORAGE_KEY = "[[S:azkey]]"\r
PS C:\\repo> az storage blob list --account-name acmeprod --container-name exports -o table\r
""",
    ),
    (
        "PowerShell Write-Verbose: client secret",
        """
VERBOSE: Loading configuration from C:\\deploy\\settings.psd1
VERBOSE: Connecting to tenant [[N:uuid]] with client [[N:uuid]] and secret [[S:azsecret]]
VERBOSE: Token acquired, expires 2026-03-14T10:12:00Z
""",
    ),
    (
        "GitHub Actions log with timestamps: curl -u in a group",
        """
2026-03-14T09:12:01.1234567Z ##[group]Run ./scripts/publish.sh
2026-03-14T09:12:01.1235012Z ./scripts/publish.sh
2026-03-14T09:12:01.1301234Z shell: /usr/bin/bash -e {0}
2026-03-14T09:12:01.1302211Z ##[endgroup]
2026-03-14T09:12:01.4402113Z + curl -fsS -u admin:[[S:pw]] -T dist/app.tgz https://nexus.acme.io/repository/raw/app.tgz
""",
    ),
    (
        "GitLab CI section markers: PRIVATE-TOKEN header",
        """
section_start:1773479521:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting "step_script" stage of the job script\x1b[0;m
\x1b[32;1m$ curl --fail --header "PRIVATE-TOKEN: [[S:glpat]]" "https://gitlab.acme.io/api/v4/projects/42/releases"\x1b[0;m
section_end:1773479524:step_script\r\x1b[0K
""",
    ),
    (
        "Jenkins console: gradle publish with password property",
        """
[Pipeline] sh
+ ./gradlew publish -PsonatypeUsername=acme-ci -PsonatypePassword=[[S:pw]]
> Task :publishMavenPublicationToSonatypeRepository
""",
    ),
    (
        "bash -x writing .npmrc with the token",
        """
+ echo //registry.npmjs.org/:_authToken=[[S:npm]]
+ npm publish --access public
""",
    ),
    (
        "set -x psql with a URL password",
        """
+ psql 'postgresql://app:[[S:pwu]]@pg-prod.internal:5432/shop?sslmode=require' -c 'select count(*) from orders'
 count
-------
 18234
""",
    ),
    (
        "zsh xtrace: export of a Vault token",
        """
+deploy.sh:12> export VAULT_ADDR=https://vault.acme.io:8200
+deploy.sh:13> export VAULT_TOKEN=[[S:hvs]]
+deploy.sh:14> vault kv get -field=url secret/api/db
""",
    ),
    (
        "redis-cli -a in xtrace with its warning",
        """
+ redis-cli -h redis-master.cache -a '[[S:pw]]' PING
Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.
PONG
""",
    ),
    (
        "make echoing docker run -e POSTGRES_PASSWORD",
        """
docker run -d --name pg -e POSTGRES_USER=app -e POSTGRES_PASSWORD=[[S:pw]] -p 5432:5432 postgres:16
[[N:sha256]]
""",
    ),
    (
        "bash history: kubectl create secret --from-literal",
        """
  498  kubectl config use-context prod
  499  kubectl -n shop create secret generic db --from-literal=username=app --from-literal=password='[[S:pw]]'
  500  kubectl -n shop rollout restart deploy/api
""",
    ),
    (
        "history: export of an OpenAI key",
        """
  501  cd ~/src/agent
  502  export OPENAI_API_KEY=[[S:openai]]
  503  python run.py --model gpt-4.1
""",
    ),
    (
        "zsh extended history file: Hugging Face token",
        """
: 1773479001:0;huggingface-cli whoami
: 1773479012:0;export HF_TOKEN=[[S:hf]]
: 1773479020:0;python train.py --push-to-hub
""",
    ),
    (
        "sshpass -p in a deploy trace",
        """
+ sshpass -p '[[S:pw]]' ssh -o StrictHostKeyChecking=no deploy@10.0.4.21 'sudo systemctl restart api'
""",
    ),
    (
        "git clone with token in URL and CR progress",
        """
+ git clone https://dana:[[S:ghpat]]@github.com/acme/private-infra.git
Cloning into 'private-infra'...
remote: Enumerating objects: 1204, done.
Receiving objects:  37% (446/1204)\rReceiving objects:  81% (976/1204)\rReceiving objects: 100% (1204/1204), 2.31 MiB | 8.12 MiB/s, done.
""",
    ),
    (
        "CircleCI step: export of a PyPI token",
        """
#!/bin/bash -eo pipefail
export TWINE_USERNAME=__token__
export TWINE_PASSWORD=[[S:pypi]]
python -m twine upload dist/*
Uploading distributions to https://upload.pypi.org/legacy/
""",
    ),
    (
        "Azure DevOps log: az login with a service principal secret",
        """
2026-03-14T09:20:11.0821411Z ##[section]Starting: Deploy
2026-03-14T09:20:11.0823910Z ==============================================================================
2026-03-14T09:20:12.5521000Z + az login --service-principal -u [[N:uuid]] -p [[S:azsecret]] --tenant [[N:uuid]]
2026-03-14T09:20:15.1123001Z [
""",
    ),
    (
        "Buildkite log: export of a Datadog key",
        """
~~~ Running commands
$ export DATADOG_API_KEY=[[S:dd]]
$ datadog-ci sourcemaps upload dist --service web --release-version 2.3.0
""",
    ),
    (
        "mongosh with a SRV URL in xtrace",
        """
+ mongosh 'mongodb+srv://reporting:[[S:pwu]]@cluster0.x7kq2.mongodb.net/analytics' --eval 'db.events.countDocuments()'
""",
    ),
    (
        "PowerShell transcript: ConvertTo-SecureString",
        """
PS C:\\deploy> $pw = ConvertTo-SecureString "[[S:pw]]" -AsPlainText -Force
PS C:\\deploy> $cred = New-Object System.Management.Automation.PSCredential("ACME\\svc_deploy", $pw)
PS C:\\deploy> Invoke-Command -ComputerName web01 -Credential $cred -ScriptBlock { iisreset }
""",
    ),
    (
        "PowerShell transcript: Invoke-RestMethod bearer header",
        """
PS> Invoke-RestMethod -Uri https://api.linear.app/graphql -Method Post -Headers @{ Authorization = "[[S:linear]]" } -Body $query
""",
    ),
    (
        "cmd echo of set NuGet key",
        """
C:\\build>set NUGET_API_KEY=[[S:nuget]] \r
\r
C:\\build>dotnet nuget push bin\\Release\\Acme.Core.1.4.0.nupkg -k %NUGET_API_KEY% -s https://api.nuget.org/v3/index.json \r
""",
    ),
    (
        "make echoing twine upload with a token",
        """
twine upload -u __token__ -p [[S:pypi]] dist/*
Uploading acme-1.4.0-py3-none-any.whl
100% ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 41.2/41.2 kB • 00:00 • 12.1 MB/s
""",
    ),
    (
        "ansible-playbook -e with a password in xtrace",
        """
+ ansible-playbook -i inventories/prod site.yml -e 'db_password=[[S:pw]]' --limit db
PLAY [db] **********************************************************************
""",
    ),
    (
        "terraform -var with a DigitalOcean token",
        """
+ terraform apply -auto-approve -var 'do_token=[[S:dop]]' -var region=ams3
""",
    ),
    (
        "helm install --set with a password",
        """
+ helm upgrade --install redis bitnami/redis --namespace cache --set auth.password=[[S:pw]] --set architecture=standalone
Release "redis" has been upgraded. Happy Helming!
""",
    ),
    (
        "gh secret set --body in a trace",
        """
+ gh secret set NPM_TOKEN --repo acme/web --body [[S:npm]]
✓ Set Actions secret NPM_TOKEN for acme/web
""",
    ),
    (
        "vault kv put with an api key",
        """
$ vault kv put secret/payments stripe_key=[[S:sklive]] webhook_secret=[[S:whsec]]
====== Secret Path ======
secret/data/payments
""",
    ),
    (
        "aws configure set in a setup script trace",
        """
+ aws configure set aws_access_key_id [[N:akid]] --profile ci
+ aws configure set aws_secret_access_key [[S:awssk]] --profile ci
""",
    ),
    (
        "heroku config:set",
        """
$ heroku config:set STRIPE_SECRET_KEY=[[S:sklive]] -a acme-api
Setting STRIPE_SECRET_KEY and restarting ⬢ acme-api... done, v214
""",
    ),
    (
        "fly secrets set with a DSN",
        """
$ fly secrets set DATABASE_URL=postgres://postgres:[[S:pwu]]@acme-db.flycast:5432/acme -a acme-api
Updating existing machines in 'acme-api' with rolling strategy
""",
    ),
    (
        "xtrace of a pipe into wrangler secret put",
        """
+ echo [[S:anthropic]]
+ npx wrangler secret put ANTHROPIC_API_KEY
✨ Success! Uploaded secret ANTHROPIC_API_KEY
""",
    ),
    (
        "xtrace of command substitution: Google access token",
        """
++ gcloud auth print-access-token
+ TOKEN=[[S:ya29#x]]
+ curl -s -H 'Authorization: Bearer [[S:ya29#x]]' https://storage.googleapis.com/storage/v1/b?project=acme
""",
    ),
    (
        "xtrace of a jq-extracted JWT",
        """
++ curl -s -X POST https://auth.acme.io/login -d @creds.json
++ jq -r .token
+ TOKEN=[[S:jwt]]
""",
    ),
    (
        "xtrace echo of a Basic auth value",
        """
++ base64 -w0 /run/secrets/registry-auth
+ AUTH=[[S:basic#b]]
+ curl -H 'Authorization: Basic [[S:basic#b]]' https://registry.acme.io/v2/_catalog
""",
    ),
    (
        "timestamp and level prefix on every line: Sentry auth token",
        """
[09:12:01] INFO  running release step
[09:12:01] DEBUG + export SENTRY_AUTH_TOKEN=[[S:sentryauth]]
[09:12:02] DEBUG + sentry-cli releases new 2.3.0
""",
    ),
    (
        "BuildKit output echoing an npm token in a RUN step",
        """
#7 [builder 3/6] RUN echo "//registry.npmjs.org/:_authToken=[[S:npm]]" > .npmrc && npm ci
#7 0.412 npm warn deprecated inflight@1.0.6
#7 DONE 21.4s
""",
    ),
    (
        "expect script trace: send of a password",
        """
spawn ssh admin@10.0.9.2\r
admin@10.0.9.2's password: \r
expect: does "admin@10.0.9.2's password: " (spawn_id exp4) match glob pattern "*password:"? yes
send: sending "[[S:pw]]\\r" to { exp4 }
""",
    ),
    (
        "PGPASSWORD prefix in xtrace",
        """
+ PGPASSWORD='[[S:pw]]'
+ pg_dump -h db.internal -U app -Fc shop -f /backups/shop.dump
""",
    ),
    (
        "lftp -u user,password",
        """
+ lftp -u 'upload,[[S:pwu]]' -e 'mirror -R build /www; quit' ftp.acme.io
""",
    ),
    (
        "smbclient -U with domain and password",
        """
+ smbclient //fs01/builds -U 'ACME\\svc_build%[[S:pwu]]' -c 'put app.zip'
""",
    ),
    (
        "openssl pkcs12 -passout",
        """
+ openssl pkcs12 -export -in cert.pem -inkey key.pem -out bundle.p12 -passout 'pass:[[S:pw]]'
""",
    ),
    (
        "xtrace ++ export of a Cloudflare token from a dotenv",
        """
++ export TF_VAR_cloudflare_api_token=[[S:cftoken#c]]
++ TF_VAR_cloudflare_api_token=[[S:cftoken#c]]
+ terraform plan
""",
    ),
    (
        "curl to the Telegram bot API: token in the path",
        """
$ curl -s "https://api.telegram.org/bot[[S:telegram]]/getMe"
{"ok":true,"result":{"id":[[N:int]],"is_bot":true,"first_name":"acme-alerts"}}
""",
    ),
    (
        "Makefile recipe echo: Slack webhook curl",
        """
curl -X POST -H 'Content-type: application/json' --data '{"text":"deployed"}' https://hooks.slack.com/services/T[[N:cid]]/B[[N:cid]]/[[S:an24]]
ok
""",
    ),
    (
        "Shopify CLI theme push with an access token in xtrace",
        """
+ shopify theme push --store acme-shop.myshopify.com --password [[S:shpat]] --allow-live
""",
    ),
]
SHELL += [
    (
        "bash -x: masked bearer token (GitHub Actions ***)",
        """
+ curl -sS -H 'Authorization: Bearer ***' -H 'Accept: application/vnd.github+json' https://api.github.com/repos/acme/api/releases/latest
{"tag_name":"v1.42.0","id":[[N:int]],"target_commitish":"[[N:sha1]]"}
""",
    ),
    (
        "GitLab CI: [MASKED] values in section output",
        """
section_start:1773479521:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting "step_script" stage of the job script\x1b[0;m
\x1b[32;1m$ docker login -u gitlab-ci-token -p [MASKED] $CI_REGISTRY\x1b[0;m
Login Succeeded
\x1b[32;1m$ docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA\x1b[0;m
[[N:short]]: digest: sha256:[[N:sha256]] size: 2204
section_end:1773479524:step_script\r\x1b[0K
""",
    ),
    (
        "make echo: shell variable references only",
        """
docker build --secret id=npm,env=NPM_TOKEN --build-arg GIT_SHA=[[N:sha1]] -t acme/web:[[N:short]] .
curl -fsS -H "Authorization: token $GITHUB_TOKEN" https://api.github.com/repos/acme/web/statuses/[[N:sha1]]
""",
    ),
    (
        "npm run echo: env reference in a script",
        """

> web@2.3.0 deploy
> netlify deploy --prod --auth ${NETLIFY_AUTH_TOKEN} --site ${NETLIFY_SITE_ID}

""",
    ),
    (
        "PowerShell: PSCredential shows SecureString",
        """
PS C:\\deploy> $cred = Get-Credential ACME\\svc_deploy
PS C:\\deploy> $cred

UserName                           Password
--------                           --------
ACME\\svc_deploy System.Security.SecureString

PS C:\\deploy> Get-Secret -Name StripeKey -Vault Prod | Get-Member -MemberType Property
""",
    ),
    (
        "Write-Verbose with request and correlation ids",
        """
VERBOSE: POST https://management.azure.com/subscriptions/[[N:uuid]]/resourceGroups/rg-prod/providers/Microsoft.Web/sites/acme-api/restart?api-version=2022-03-01 with 0-byte payload
VERBOSE: received 200-byte response of content type application/json; x-ms-request-id: [[N:uuid]]; x-ms-correlation-request-id: [[N:uuid]]
""",
    ),
    (
        "GitHub Actions: checkout pinned by SHA, masked token input",
        """
2026-03-14T09:12:00.9012345Z ##[group]Run actions/checkout@[[N:sha1]]
2026-03-14T09:12:00.9013000Z with:
2026-03-14T09:12:00.9013400Z   repository: acme/api
2026-03-14T09:12:00.9013800Z   token: ***
2026-03-14T09:12:00.9014100Z   ssh-strict: true
2026-03-14T09:12:00.9014500Z ##[endgroup]
""",
    ),
    (
        "bash -x of sha256sum -c",
        """
+ curl -fsSLO https://releases.hashicorp.com/terraform/1.9.5/terraform_1.9.5_linux_amd64.zip
+ echo '[[N:sha256]]  terraform_1.9.5_linux_amd64.zip'
+ sha256sum -c -
terraform_1.9.5_linux_amd64.zip: OK
""",
    ),
    (
        "xtrace of git checkout and rev-parse",
        """
+ git fetch origin [[N:sha1]]
+ git checkout -q [[N:sha1]]
++ git rev-parse --short HEAD
+ SHORT=[[N:short]]
""",
    ),
    (
        "BuildKit output: image and layer digests",
        """
#12 exporting to image
#12 exporting layers 2.1s done
#12 writing image sha256:[[N:sha256]] done
#12 naming to ghcr.io/acme/api:[[N:short]] done
#12 DONE 2.2s
""",
    ),
    (
        "xtrace of aws sts get-caller-identity",
        """
+ aws sts get-caller-identity --output text
[[N:int]]	arn:aws:sts::[[N:int]]:assumed-role/ci-deploy/botocore-session-[[N:int]]	AROA[[N:cid]]:botocore-session-[[N:int]]
""",
    ),
    (
        "kubectl create secret from env references (dry run)",
        """
$ kubectl create secret generic db --from-literal=password="$DB_PASSWORD" --dry-run=client -o name
secret/db
""",
    ),
    (
        "history with 1Password references",
        """
  610  op signin --account acme
  611  export DATABASE_URL="$(op read 'op://Infra/prod-db/connection string')"
  612  op run --env-file=.env.tpl -- npm start
""",
    ),
    (
        "ssh-keygen output: fingerprint and randomart",
        """
$ ssh-keygen -t ed25519 -C dana@acme.io -f ~/.ssh/acme
Generating public/private ed25519 key pair.
Your identification has been saved in /home/dana/.ssh/acme
Your public key has been saved in /home/dana/.ssh/acme.pub
The key fingerprint is:
[[N:sshfp]] dana@acme.io
""",
    ),
    (
        "gpg --verify output",
        """
+ gpg --verify SHA256SUMS.sig SHA256SUMS
gpg: Signature made Fri 13 Mar 2026 18:02:11 UTC
gpg:                using EDDSA key [[N:sha1]]
gpg: Good signature from "Release Signing <release@acme.io>" [unknown]
""",
    ),
    (
        "cat deploy.sh: tokens from env variables",
        """
#!/usr/bin/env bash
set -euo pipefail
: "${GH_TOKEN:?GH_TOKEN must be set}"
curl -fsS -H "Authorization: token ${GH_TOKEN}" \\
  -d "{\\"ref\\":\\"$(git rev-parse HEAD)\\"}" \\
  https://api.github.com/repos/acme/api/deployments
""",
    ),
    (
        "CircleCI config: export from project variable",
        """
#!/bin/bash -eo pipefail
export TWINE_USERNAME=__token__
export TWINE_PASSWORD="${PYPI_API_TOKEN}"
python -m twine upload --skip-existing dist/*
""",
    ),
    (
        "Jenkins withCredentials: masked ****",
        """
[Pipeline] withCredentials
Masking supported pattern matches of $NEXUS_PASSWORD
[Pipeline] {
[Pipeline] sh
+ ./gradlew publish -PnexusUsername=ci -PnexusPassword=****
""",
    ),
    (
        "Azure DevOps debug lines with ids and ***",
        """
2026-03-14T09:20:11.1021411Z ##[debug]Evaluating condition for step: 'Deploy'
2026-03-14T09:20:11.1023910Z ##[debug]system.jobId=[[N:uuid]]
2026-03-14T09:20:11.1024001Z ##[debug]ARM_CLIENT_SECRET=***
2026-03-14T09:20:11.1024500Z ##[debug]build.sourceVersion=[[N:sha1]]
""",
    ),
    (
        "cat .env.example: placeholders",
        """
$ cat .env.example
OPENAI_API_KEY=your-openai-api-key-here
STRIPE_SECRET_KEY=[[N:skx]]
DATABASE_URL=postgres://USER:PASSWORD@localhost:5432/app
SESSION_SECRET=<generate with: openssl rand -hex 32>
""",
    ),
    (
        "uuidgen and date in a script trace",
        """
++ uuidgen
+ RUN_ID=[[N:uuid]]
++ date -u +%Y%m%dT%H%M%SZ
+ STAMP=20260314T091201Z
+ echo 'run [[N:uuid]] started at 20260314T091201Z'
""",
    ),
    (
        "npm ci output: audit and funding",
        """
added 812 packages, and audited 813 packages in 21s

142 packages are looking for funding
  run `npm fund` for details

3 moderate severity vulnerabilities
""",
    ),
    (
        "timestamp and level on every line: build ids",
        """
2026-03-14 09:12:01.114 INFO  [build] id=[[N:uuid]] commit=[[N:sha1]] branch=main
2026-03-14 09:12:01.115 INFO  [build] cache key=node-modules-[[N:sha256]]
2026-03-14 09:12:44.902 INFO  [build] finished in 43.8s
""",
    ),
    (
        "docker login --password-stdin",
        """
$ echo "$CR_PAT" | docker login ghcr.io -u dana --password-stdin
WARNING! Your password will be stored unencrypted in /home/dana/.docker/config.json.
Configure a credential helper to remove this warning. See
https://docs.docker.com/engine/reference/commandline/login/#credential-stores

Login Succeeded
""",
    ),
    (
        "PowerShell Get-ChildItem Env: with masked values",
        """
PS C:\\> Get-ChildItem Env: | Where-Object Name -like '*KEY*'

Name                           Value
----                           -----
AZURE_STORAGE_KEY              ********
OPENAI_API_KEY                 ********
""",
    ),
    (
        "cmd echo of an unset variable",
        """
C:\\build>echo %NUGET_API_KEY%\r
%NUGET_API_KEY%\r
\r
C:\\build>if "%NUGET_API_KEY%"=="" echo NUGET_API_KEY is not set\r
""",
    ),
    (
        "bash -x of an empty-variable check",
        """
+ [[ -z '' ]]
+ echo 'error: API_KEY is not set; export it or add it to .env'
error: API_KEY is not set; export it or add it to .env
+ exit 1
""",
    ),
    (
        "GitLab section markers with job ids and SHAs",
        """
section_start:1773479001:prepare_script\r\x1b[0K\x1b[0K\x1b[36;1mPreparing environment\x1b[0;m
Running on runner-[[N:cid]]-project-42-concurrent-0 via gitlab-runner-7f9...
Fetching changes with git depth set to 20...
Checking out [[N:short]] as detached HEAD (ref is refs/merge-requests/118/head)...
section_end:1773479004:prepare_script\r\x1b[0K
""",
    ),
    (
        "helm upgrade with an image digest",
        """
+ helm upgrade --install api charts/api --set image.repository=ghcr.io/acme/api --set image.digest=sha256:[[N:sha256]] --wait
Release "api" has been upgraded. Happy Helming!
REVISION: 87
""",
    ),
    (
        "sops decrypt through exec-env (no values shown)",
        """
+ sops exec-env secrets.enc.env 'env | cut -d= -f1 | sort'
API_TOKEN
DB_PASSWORD
SESSION_SECRET
""",
    ),
    (
        "git log --format with SHAs and authors",
        """
$ git log --format='%H %an %s' -3
[[N:sha1]] Dana Lee Read SLACK_BOT_TOKEN from the secret store
[[N:sha1]] Sam Ortiz Add password reset flow
[[N:sha1]] Dana Lee Bump jsonwebtoken to 9.0.2
""",
    ),
    (
        "make -n: dry run with make variable references",
        """
$ make -n release
git tag -a v1.42.0 -m "release v1.42.0"
gh release create v1.42.0 --notes-file CHANGES.md
echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc
""",
    ),
    (
        "Buildkite agent: token from a secrets hook reference",
        """
~~~ Preparing plugins
# Fetching secrets from s3://acme-buildkite-secrets/api/env
~~~ Running commands
$ export BUILDKITE_S3_SECRETS_BUCKET=acme-buildkite-secrets
$ echo "agent token file: /etc/buildkite-agent/token (0600)"
""",
    ),
    (
        "openssl dgst output",
        """
+ openssl dgst -sha256 -hex dist/app.tgz
SHA2-256(dist/app.tgz)= [[N:sha256]]
+ md5sum dist/app.tgz
[[N:md5]]  dist/app.tgz
""",
    ),
    (
        "xtrace of gcloud with a key file path",
        """
+ gcloud auth activate-service-account deployer@acme-prod.iam.gserviceaccount.com --key-file=/run/secrets/gcp-sa.json
Activated service account credentials for: [deployer@acme-prod.iam.gserviceaccount.com]
""",
    ),
    (
        "CR progress of a terraform init download",
        """
Initializing provider plugins...
- Finding hashicorp/aws versions matching "~> 5.0"...
- Installing hashicorp/aws v5.64.0...\r- Installed hashicorp/aws v5.64.0 (signed by HashiCorp)
Terraform has created a lock file .terraform.lock.hcl
""",
    ),
    (
        "ssh-agent start output",
        """
$ eval "$(ssh-agent -s)"
Agent pid [[N:pid]]
$ ssh-add ~/.ssh/acme
Identity added: /home/dana/.ssh/acme (dana@acme.io)
""",
    ),
]

# yaml: configuration files and YAML dumps, as read, printed in colour, paged or numbered
YAML = [
    (
        "yq -C coloured output: database password",
        """
$ yq -C '.database' config/prod.yaml
\x1b[36mhost\x1b[0m: \x1b[32mpg-prod.internal\x1b[0m
\x1b[36mport\x1b[0m: \x1b[35m5432\x1b[0m
\x1b[36muser\x1b[0m: \x1b[32mapp\x1b[0m
\x1b[36mpassword\x1b[0m: \x1b[32m[[S:pw]]\x1b[0m
""",
    ),
    (
        "kubectl get secret -o yaml: base64 password",
        """
apiVersion: v1
data:
  password: [[S:b64pw]]
  username: YXBw
kind: Secret
metadata:
  creationTimestamp: "2026-01-14T10:02:11Z"
  name: db-creds
  namespace: shop
  resourceVersion: "[[N:int]]"
  uid: [[N:uuid]]
type: Opaque
""",
    ),
    (
        "kubeconfig user with a bearer token",
        """
users:
- name: ci-deployer
  user:
    token: [[S:jwtrs]]
contexts:
- context:
    cluster: prod
    user: ci-deployer
  name: prod
""",
    ),
    (
        "kubeconfig client-key-data (base64 of a PEM key)",
        """
users:
- name: kubernetes-admin
  user:
    client-certificate-data: [[N:cert/b64]]
    client-key-data: [[S:rsa/b64]]
""",
    ),
    (
        "docker compose config: postgres password",
        """
$ docker compose config
name: app
services:
  db:
    environment:
      POSTGRES_DB: app
      POSTGRES_PASSWORD: [[S:pw]]
      POSTGRES_USER: app
    image: postgres:16
""",
    ),
    (
        "helm get values: root password",
        """
$ helm get values mysql -n data
USER-SUPPLIED VALUES:
auth:
  database: shop
  rootPassword: [[S:pw]]
  username: shop
primary:
  persistence:
    size: 20Gi
""",
    ),
    (
        "ansible debug output in YAML callback with colour",
        """
TASK [debug db settings] *******************************************************
\x1b[0;32mok: [db1] => \x1b[0m
\x1b[0;32m  db_settings:\x1b[0m
\x1b[0;32m    host: 10.0.3.17\x1b[0m
\x1b[0;32m    password: [[S:pw]]\x1b[0m
\x1b[0;32m    user: app\x1b[0m
""",
    ),
    (
        "GitHub Actions workflow with a hardcoded token",
        """
name: release
on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    env:
      NODE_AUTH_TOKEN: [[S:npm]]
    steps:
      - uses: actions/checkout@v4
      - run: npm publish
""",
    ),
    (
        "GitLab CI variables with a hardcoded token",
        """
variables:
  DOCKER_DRIVER: overlay2
  SONAR_TOKEN: "[[S:sq]]"
sonarqube-check:
  image: sonarsource/sonar-scanner-cli:latest
  script:
    - sonar-scanner -Dsonar.host.url=https://sonar.acme.io
""",
    ),
    (
        "serverless.yml environment with a Stripe key",
        """
provider:
  name: aws
  runtime: nodejs20.x
  environment:
    STRIPE_SECRET_KEY: [[S:sklive]]
    TABLE_NAME: orders-${sls:stage}
""",
    ),
    (
        "Spring application.yml datasource password",
        """
spring:
  datasource:
    url: jdbc:postgresql://pg-prod.internal:5432/shop
    username: shop_app
    password: "[[S:pw]]"
  jpa:
    open-in-view: false
""",
    ),
    (
        "rails credentials:show output",
        """
$ EDITOR=cat bin/rails credentials:show
secret_key_base: [[S:hex64]][[S:hex64]]
aws:
  access_key_id: [[N:akid]]
  secret_access_key: [[S:awssk]]
""",
    ),
    (
        "bat output with grid and line numbers",
        """
───────┬────────────────────────────────────────────────────────────────
       │ File: config/settings.yaml
───────┼────────────────────────────────────────────────────────────────
   1   │ slack:
   2   │   bot_token: [[S:xoxb]]
   3   │   channel: "#deploys"
───────┴────────────────────────────────────────────────────────────────
""",
    ),
    (
        "cat -n of a YAML file",
        """
     1	smtp:
     2	  host: smtp.mailgun.org
     3	  port: 587
     4	  username: postmaster@mg.acme.io
     5	  password: [[S:pw]]
""",
    ),
    (
        "YAML with CRLF line endings",
        """
mqtt:\r
  broker: tcp://10.0.0.5:1883\r
  username: sensor\r
  password: "[[S:pw]]"\r
""",
    ),
    (
        "compose DATABASE_URL with a password",
        """
services:
  web:
    build: .
    environment:
      - DATABASE_URL=postgres://app:[[S:pwu]]@db:5432/app
      - RAILS_ENV=production
""",
    ),
    (
        "Kubernetes Secret with stringData",
        """
apiVersion: v1
kind: Secret
metadata:
  name: api-keys
stringData:
  OPENAI_API_KEY: [[S:openai]]
  ANTHROPIC_API_KEY: [[S:anthropic]]
""",
    ),
    (
        "netplan wifi password",
        """
network:
  version: 2
  wifis:
    wlan0:
      dhcp4: true
      access-points:
        "acme-office":
          password: "[[S:pwh]]"
""",
    ),
    (
        "Home Assistant secrets.yaml",
        """
# Use this file to store secrets like usernames and passwords.
mqtt_password: [[S:pwh]]
spotify_client_secret: [[S:hex32]]
latitude: 52.37
""",
    ),
    (
        "Prometheus scrape config with basic auth and bearer token",
        """
scrape_configs:
  - job_name: node
    basic_auth:
      username: prom
      password: [[S:pw]]
  - job_name: api
    authorization:
      credentials: [[S:an40]]
""",
    ),
    (
        "Alertmanager Slack webhook",
        """
receivers:
  - name: ops
    slack_configs:
      - api_url: https://hooks.slack.com/services/T[[N:cid]]/B[[N:cid]]/[[S:an24]]
        channel: '#alerts'
""",
    ),
    (
        "Grafana datasource secureJsonData",
        """
apiVersion: 1
datasources:
  - name: Postgres
    type: postgres
    url: pg-prod.internal:5432
    user: grafana
    secureJsonData:
      password: "[[S:pw]]"
""",
    ),
    (
        "Drone pipeline with a hardcoded password setting",
        """
kind: pipeline
name: default
steps:
  - name: publish
    image: plugins/docker
    settings:
      repo: acme/api
      username: acme
      password: [[S:pw]]
""",
    ),
    (
        "Ansible host_vars become password",
        """
---
ansible_host: 10.0.4.21
ansible_user: deploy
ansible_become_password: "[[S:pw]]"
""",
    ),
    (
        "cloud-init with chpasswd and an SSH private key",
        """
#cloud-config
chpasswd:
  list: |
    ubuntu:[[S:pw]]
  expire: false
ssh_keys:
  ed25519_private: |
    [[S:openssh/indent4]]
""",
    ),
    (
        "Concourse params with an indented private key",
        """
resources:
- name: repo
  type: git
  source:
    uri: git@github.com:acme/api.git
    private_key: |
      [[S:rsa/indent6]]
""",
    ),
    (
        "MCP server config in YAML with a fine-grained PAT",
        """
mcpServers:
  github:
    command: docker
    args: [run, -i, --rm, -e, GITHUB_PERSONAL_ACCESS_TOKEN, ghcr.io/github/github-mcp-server]
    env:
      GITHUB_PERSONAL_ACCESS_TOKEN: [[S:ghpat]]
""",
    ),
    (
        "Argo CD repository secret",
        """
apiVersion: v1
kind: Secret
metadata:
  name: private-repo
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  url: https://github.com/acme/deploy
  username: acme-bot
  password: [[S:ghp]]
""",
    ),
    (
        "ConfigMap holding an API key by mistake",
        """
$ kubectl get cm app-config -o yaml
apiVersion: v1
data:
  LOG_LEVEL: info
  MAPS_API_KEY: [[S:gapi]]
kind: ConfigMap
metadata:
  name: app-config
""",
    ),
    (
        "dependabot.yml registry with a hardcoded token",
        """
version: 2
registries:
  npm-github:
    type: npm-registry
    url: https://npm.pkg.github.com
    token: [[S:ghp]]
""",
    ),
    (
        ".yarnrc.yml npmAuthToken",
        """
nodeLinker: node-modules
npmScopes:
  acme:
    npmRegistryServer: "https://npm.pkg.github.com"
    npmAuthToken: "[[S:ghp]]"
""",
    ),
    (
        "CircleCI config environment with a key",
        """
jobs:
  deploy:
    docker:
      - image: cimg/node:20.11
    environment:
      HEROKU_API_KEY: [[S:uuidsecret]]
""",
    ),
    (
        "Bitbucket pipelines with a hardcoded password",
        """
pipelines:
  default:
    - step:
        script:
          - docker login -u acme -p [[S:pw]] registry.acme.io
""",
    ),
    (
        "codecov.yml with an upload token",
        """
codecov:
  token: [[S:uuidsecret]]
  require_ci_to_pass: yes
""",
    ),
    (
        "gh hosts.yml",
        """
$ cat ~/.config/gh/hosts.yml
github.com:
    users:
        dana:
            oauth_token: [[S:gho]]
    git_protocol: https
    oauth_token: [[S:gho]]
    user: dana
""",
    ),
    (
        "glab config token",
        """
hosts:
  gitlab.com:
    token: [[S:glpat]]
    api_host: gitlab.com
    git_protocol: ssh
""",
    ),
    (
        "kubeconfig auth-provider with access and refresh tokens",
        """
- name: gke_acme_europe-west1_prod
  user:
    auth-provider:
      config:
        access-token: [[S:ya29]]
        cmd-path: /usr/lib/google-cloud-sdk/bin/gcloud
        expiry: "2026-03-14T10:12:00Z"
        refresh-token: [[S:refresh]]
      name: gcp
""",
    ),
    (
        "compose pgAdmin default password",
        """
  pgadmin:
    image: dpage/pgadmin4:8
    environment:
      PGADMIN_DEFAULT_EMAIL: admin@acme.io
      PGADMIN_DEFAULT_PASSWORD: [[S:pwh]]
""",
    ),
    (
        "helm template: rendered Secret with base64 data",
        """
---
# Source: api/templates/secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: api
type: Opaque
data:
  jwt-secret: [[S:b64pw]]
""",
    ),
    (
        "Azure pipelines variables with a hardcoded PAT",
        """
variables:
  buildConfiguration: Release
  AZURE_DEVOPS_EXT_PAT: [[S:an32]][[S:an24]]
steps:
- script: az devops configure --defaults organization=https://dev.azure.com/acme
""",
    ),
    (
        "Rails database.yml password",
        """
production:
  adapter: postgresql
  encoding: unicode
  database: shop_production
  username: shop
  password: <%= ENV.fetch("DB_PASSWORD") { "[[S:pw]]" } %>
""",
    ),
    (
        "application-prod.yml JWT secret",
        """
security:
  jwt:
    secret: [[S:b64key]]
    expiration: 86400
""",
    ),
    (
        "ansible --diff output with colour: a password added",
        """
TASK [template : render app.env] ***********************************************
\x1b[0;31m--- before: /etc/app/app.env\x1b[0m
\x1b[0;32m+++ after: /home/deploy/.ansible/tmp/app.env.j2\x1b[0m
\x1b[0;36m@@ -1,2 +1,3 @@\x1b[0m
 LOG_LEVEL: info
\x1b[0;32m+smtp_password: [[S:pw]]\x1b[0m
""",
    ),
    (
        "values.yaml in less with a pager prompt",
        """
postgresql:
  auth:
    username: app
    password: [[S:pw]]
    database: app
\x1b[7mvalues.yaml (END)\x1b[27m
""",
    ),
    (
        "dockerconfigjson Secret",
        """
apiVersion: v1
kind: Secret
type: kubernetes.io/dockerconfigjson
metadata:
  name: ghcr-pull
data:
  .dockerconfigjson: [[S:dockercfg]]
""",
    ),
    (
        "ansible-inventory --list --yaml with a password var",
        """
all:
  children:
    db:
      hosts:
        db1:
          ansible_host: 10.0.3.17
          postgres_password: [[S:pw]]
""",
    ),
    (
        "CloudFormation parameter default password",
        """
Parameters:
  DBPassword:
    Type: String
    NoEcho: true
    Default: "[[S:pw]]"
""",
    ),
    (
        "YAML printed then truncated after the secret line",
        """
smtp:
  user: apikey
  pass: [[S:sendgrid]]
  from: noreply@acme.io
  templates:
    welcome: d-[[N:md5]]
    reset: d-[[N:md5]]
... (truncated, 312 more lines)
""",
    ),
    (
        "JWK set in YAML with a private d",
        """
keys:
  - kty: EC
    crv: P-256
    kid: [[N:short]]
    x: [[N:jwkd]]
    y: [[N:jwkd]]
    d: [[S:jwkd]]
""",
    ),
    (
        "app config YAML with a Flask secret key",
        """
flask:
  SECRET_KEY: "[[S:hex32]]"
  SESSION_COOKIE_SECURE: true
""",
    ),
]
YAML += [
    (
        "SealedSecret encryptedData",
        """
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: db-creds
  namespace: shop
spec:
  encryptedData:
    password: [[N:sealed]]
    username: [[N:sealed]]
""",
    ),
    (
        "SOPS-encrypted YAML with metadata",
        """
db:
    password: [[N:sops]]
    user: [[N:sops]]
sops:
    age:
        - recipient: [[N:age]]
    lastmodified: "2026-03-01T10:12:44Z"
    mac: [[N:sops]]
    version: 3.9.0
""",
    ),
    (
        "Ansible inline vault value",
        """
db_user: app
db_password: !vault |
          [[N:vault/indent10]]
""",
    ),
    (
        "GitHub Actions with secrets references",
        """
      - name: Publish
        run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
          SENTRY_AUTH_TOKEN: ${{ secrets.SENTRY_AUTH_TOKEN }}
      - uses: docker/login-action@[[N:sha1]] # v3.3.0
        with:
          password: ${{ secrets.GITHUB_TOKEN }}
""",
    ),
    (
        "GitLab CI with predefined variable references",
        """
build:
  script:
    - docker login -u gitlab-ci-token -p "$CI_JOB_TOKEN" "$CI_REGISTRY"
    - docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" .
""",
    ),
    (
        "Deployment env with secretKeyRef",
        """
        env:
          - name: DB_PASSWORD
            valueFrom:
              secretKeyRef:
                name: db-creds
                key: password
          - name: API_TOKEN
            valueFrom:
              secretKeyRef: {name: api-keys, key: token}
""",
    ),
    (
        "ExternalSecret referencing remote keys",
        """
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: api-keys
spec:
  refreshInterval: 1h
  secretStoreRef: {name: aws-secrets-manager, kind: ClusterSecretStore}
  data:
    - secretKey: STRIPE_SECRET_KEY
      remoteRef: {key: prod/payments, property: stripe_secret_key}
""",
    ),
    (
        "helm values with existingSecret",
        """
auth:
  existingSecret: redis-auth
  existingSecretPasswordKey: redis-password
  usePasswordFiles: true
""",
    ),
    (
        "compose with required variables and secret files",
        """
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
      POSTGRES_USER: ${POSTGRES_USER:?set POSTGRES_USER}
    secrets: [db_password]
secrets:
  db_password:
    file: ./secrets/db_password.txt
""",
    ),
    (
        "Spring placeholders",
        """
spring:
  datasource:
    url: jdbc:postgresql://${DB_HOST:localhost}:5432/shop
    username: ${DB_USER}
    password: ${DB_PASSWORD}
""",
    ),
    (
        "kubeconfig with exec plugin and CA data",
        """
clusters:
- cluster:
    certificate-authority-data: [[N:cert/b64]]
    server: https://[[N:md5]].gr7.eu-west-1.eks.amazonaws.com
  name: prod
users:
- name: prod
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, prod]
""",
    ),
    (
        "kubectl get pod -o yaml status with ids and digests",
        """
  containerStatuses:
  - containerID: containerd://[[N:sha256]]
    image: ghcr.io/acme/api:1.42.0
    imageID: ghcr.io/acme/api@sha256:[[N:sha256]]
    name: api
    ready: true
  podIP: [[N:ip]]
  uid: [[N:uuid]]
""",
    ),
    (
        "Argo CD Application pinned to a commit",
        """
spec:
  source:
    repoURL: https://github.com/acme/deploy
    targetRevision: [[N:sha1]]
    path: apps/api
status:
  sync:
    revision: [[N:sha1]]
    status: Synced
""",
    ),
    (
        "yq coloured output of a deployment image",
        """
\x1b[36mimage\x1b[0m: \x1b[32mghcr.io/acme/api@sha256:[[N:sha256]]\x1b[0m
\x1b[36mimagePullPolicy\x1b[0m: \x1b[32mIfNotPresent\x1b[0m
\x1b[36mname\x1b[0m: \x1b[32mapi\x1b[0m
""",
    ),
    (
        "OpenAPI security scheme and example placeholder",
        """
components:
  securitySchemes:
    ApiKeyAuth:
      type: apiKey
      in: header
      name: X-API-Key
      description: "Send your key as `X-API-Key: <your-api-key>`."
""",
    ),
    (
        "Prometheus config with credential files",
        """
scrape_configs:
  - job_name: node
    basic_auth:
      username: prom
      password_file: /etc/prometheus/secrets/node-password
    authorization:
      credentials_file: /etc/prometheus/secrets/api-token
""",
    ),
    (
        "cloud-init with authorized public keys",
        """
#cloud-config
users:
  - name: deploy
    groups: sudo
    ssh_authorized_keys:
      - [[N:sshpub]] dana@acme.io
      - [[N:rsapub]] ci@acme.io
""",
    ),
    (
        "CloudFormation dynamic references",
        """
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      MasterUsername: '{{resolve:secretsmanager:prod/db:SecretString:username}}'
      MasterUserPassword: '{{resolve:secretsmanager:prod/db:SecretString:password}}'
""",
    ),
    (
        "serverless.yml SSM references",
        """
  environment:
    STRIPE_SECRET_KEY: ${ssm:/prod/payments/stripe-secret-key}
    JWT_SECRET: ${env:JWT_SECRET}
""",
    ),
    (
        "ansible copy output with checksum and md5sum",
        """
TASK [copy app config] *********************************************************
\x1b[0;33mchanged: [web1] => \x1b[0m
\x1b[0;33m  checksum: [[N:sha1]]\x1b[0m
\x1b[0;33m  dest: /etc/app/app.yml\x1b[0m
\x1b[0;33m  md5sum: [[N:md5]]\x1b[0m
\x1b[0;33m  mode: '0600'\x1b[0m
""",
    ),
    (
        "ansible no_log censored result",
        """
TASK [set database password] ***************************************************
\x1b[0;33mchanged: [db1] => \x1b[0m
\x1b[0;33m  censored: 'the output has been hidden due to the fact that ''no_log: true'' was specified for this result'\x1b[0m
""",
    ),
    (
        "Rails credentials.yml.enc content (encrypted)",
        """
$ cat config/credentials/production.yml.enc
[[N:b64key]][[N:b64key]]--[[N:b64data]]--[[N:b64key]]
""",
    ),
    (
        "pre-commit config pinned revs",
        """
repos:
  - repo: https://github.com/gitleaks/gitleaks
    rev: v8.21.2
    hooks:
      - id: gitleaks
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: [[N:sha1]]  # frozen: v0.6.9
    hooks:
      - id: ruff
""",
    ),
    (
        "pnpm-lock.yaml integrity entries",
        """
packages:
  /jsonwebtoken@9.0.2:
    resolution: {integrity: [[N:integrity]]}
    engines: {node: '>=12', npm: '>=6'}
  /secure-random-password@0.2.3:
    resolution: {integrity: [[N:integrity]]}
""",
    ),
    (
        "conda env export with build strings",
        """
name: ml
dependencies:
  - python=3.11.9=hab00c5b_0_cpython
  - openssl=3.3.2=hb9d3cd8_0
  - pip:
    - tokenizers==0.20.1
""",
    ),
    (
        "dependabot registries with secret references",
        """
registries:
  npm-github:
    type: npm-registry
    url: https://npm.pkg.github.com
    token: ${{secrets.DEPENDABOT_NPM_TOKEN}}
""",
    ),
    (
        "kustomization secretGenerator from a file",
        """
secretGenerator:
  - name: api-keys
    envs:
      - secrets.env
    options:
      disableNameSuffixHash: true
""",
    ),
    (
        "bat output of YAML with references",
        """
───────┬────────────────────────────────────────────────────────────────
       │ File: config/settings.yaml
───────┼────────────────────────────────────────────────────────────────
   1   │ slack:
   2   │   bot_token: !env SLACK_BOT_TOKEN
   3   │   signing_secret: !env SLACK_SIGNING_SECRET
───────┴────────────────────────────────────────────────────────────────
""",
    ),
    (
        "OpenTelemetry collector env references",
        """
exporters:
  datadog:
    api:
      key: ${env:DD_API_KEY}
      site: datadoghq.eu
processors:
  batch: {timeout: 10s}
""",
    ),
    (
        "Grafana datasource file reference",
        """
    secureJsonData:
      password: $__file{/run/secrets/grafana-db-password}
      tlsClientKey: $__file{/etc/grafana/tls/client.key}
""",
    ),
    (
        "Keycloak client export with masked secret",
        """
clients:
  - clientId: web
    publicClient: false
    secret: '**********'
    redirectUris: ['https://acme.io/*']
""",
    ),
    (
        "Argo CD diff masking Secret data",
        """
===== /Secret shop/db-creds ======
data:
  password: ++++++++
  username: ++++++++
""",
    ),
    (
        "ServiceAccount token Secret metadata only",
        """
apiVersion: v1
kind: Secret
metadata:
  annotations:
    kubernetes.io/service-account.name: deployer
    kubernetes.io/service-account.uid: [[N:uuid]]
  name: deployer-token
type: kubernetes.io/service-account-token
""",
    ),
    (
        "YAML with CRLF and variable references",
        """
mqtt:\r
  broker: tcp://10.0.0.5:1883\r
  username: sensor\r
  password: !secret mqtt_password\r
""",
    ),
    (
        "helm get manifest ConfigMap with UUIDs and checksums",
        """
metadata:
  annotations:
    checksum/config: [[N:sha256]]
    deployment.kubernetes.io/revision: "87"
  labels:
    app.kubernetes.io/instance: api
  uid: [[N:uuid]]
""",
    ),
    (
        "Terraform Cloud workspace vars listed as sensitive",
        """
- key: TF_VAR_db_password
  category: env
  sensitive: true
  value: null
- key: region
  category: terraform
  sensitive: false
  value: eu-west-1
""",
    ),
    (
        "compose config with healthcheck and image digest",
        """
  api:
    image: ghcr.io/acme/api@sha256:[[N:sha256]]
    healthcheck:
      test: [CMD, curl, -f, http://localhost:3000/healthz]
      interval: 10s
    labels:
      com.docker.compose.config-hash: [[N:sha256]]
""",
    ),
]

# source: REPLs, debuggers, notebooks, language reprs and object dumps, and code
SOURCE = [
    (
        "Python REPL: os.environ lookup echoes an OpenAI key",
        """
>>> import os
>>> os.environ["OPENAI_API_KEY"]
'[[S:openai]]'
""",
    ),
    (
        "Python REPL dict repr with a DSN password",
        """
>>> from app.config import settings
>>> settings
{'db_url': 'postgresql://app:[[S:pwu]]@pg-prod.internal:5432/shop', 'debug': False, 'workers': 4}
""",
    ),
    (
        "IPython: boto3 credentials secret_key",
        """
\x1b[32mIn [\x1b[1;32m3\x1b[0;32m]:\x1b[0m creds = boto3.Session(profile_name="prod").get_credentials()

\x1b[32mIn [\x1b[1;32m4\x1b[0;32m]:\x1b[0m creds.secret_key
\x1b[31mOut[\x1b[1;31m4\x1b[0;31m]:\x1b[0m '[[S:awssk]]'
""",
    ),
    (
        "pprint of a nested config",
        """
>>> pprint.pprint(cfg)
{'database': {'host': 'db.internal',
              'password': '[[S:pw]]',
              'port': 5432},
 'sentry': {'dsn': None, 'traces_sample_rate': 0.1}}
""",
    ),
    (
        "rich inspect box with attribute values",
        """
╭────────────── <class 'app.clients.SlackClient'> ──────────────╮
│ ╭──────────────────────────────────────────────────────────╮ │
│ │ <app.clients.SlackClient object at 0x7f3a1c2b9e50>       │ │
│ ╰──────────────────────────────────────────────────────────╯ │
│                                                              │
│ channel = '#deploys'                                         │
│   token = '[[S:xoxb]]'                     │
╰──────────────────────────────────────────────────────────────╯
""",
    ),
    (
        "dataclass repr with a password",
        """
>>> load_config()
DatabaseConfig(host='db.internal', port=5432, user='app', password='[[S:pw]]', sslmode='require')
""",
    ),
    (
        "pydantic repr: plain str URL with password beside a SecretStr",
        """
>>> Settings()
Settings(database_url='postgresql+asyncpg://app:[[S:pwu]]@db:5432/app', api_key=SecretStr('**********'), debug=False)
""",
    ),
    (
        "Node REPL: process.env lookup",
        """
Welcome to Node.js v20.11.1.
Type ".help" for more information.
> process.env.STRIPE_SECRET_KEY
'[[S:sklive]]'
""",
    ),
    (
        "console.log of an object with [Object]",
        """
{
  apiKey: '[[S:sendgrid]]',
  from: 'noreply@acme.io',
  retry: { attempts: 3, backoff: [Object] },
  templates: [Array]
}
""",
    ),
    (
        "util.inspect with colours",
        """
{ token: \x1b[32m'[[S:ghp]]'\x1b[39m, owner: \x1b[32m'acme'\x1b[39m, perPage: \x1b[33m100\x1b[39m }
""",
    ),
    (
        "Go %+v struct",
        """
2026/03/14 09:12:01 config: {Host:pg-prod.internal Port:5432 User:app Password:[[S:pw]] SSLMode:require}
""",
    ),
    (
        "Go %#v struct",
        """
main.Config{APIKey:"[[S:dd]]", Site:"datadoghq.eu", Timeout:30000000000}
""",
    ),
    (
        "Rust {:?} debug print",
        """
[2026-03-14T09:12:01Z DEBUG acme_api] loaded Config { api_key: "[[S:anthropic]]", endpoint: "https://api.anthropic.com", max_retries: 3 }
""",
    ),
    (
        "Rust {:#?} pretty debug print",
        """
Credentials {
    username: "svc_etl",
    password: "[[S:pw]]",
    host: "warehouse.acme.io",
}
""",
    ),
    (
        "Java toString with a password",
        """
2026-03-14 09:12:01.114  INFO 1 --- [main] c.a.config.DataSourceConfig : DataSourceProperties{url='jdbc:mysql://mysql:3306/shop', username='shop', password='[[S:pw]]'}
""",
    ),
    (
        "PHP var_dump of an array",
        """
array(3) {
  ["db_host"]=>
  string(11) "db.internal"
  ["db_password"]=>
  string(20) "[[S:pw]]"
  ["debug"]=>
  bool(false)
}
""",
    ),
    (
        "PHP print_r of config",
        """
Array
(
    [mailgun_domain] => mg.acme.io
    [mailgun_secret] => [[S:mailgun]]
)
""",
    ),
    (
        "irb: ENV lookup",
        """
irb(main):001:0> ENV["SHOPIFY_ACCESS_TOKEN"]
=> "[[S:shpat]]"
""",
    ),
    (
        "Ruby pp of an object with ivars",
        """
#<Acme::Client:0x000055d1c8a3e2f8
 @base_url="https://api.acme.io",
 @timeout=30,
 @token="[[S:an40]]">
""",
    ),
    (
        "Perl Data::Dumper",
        """
$VAR1 = {
          'dbuser' => 'report',
          'dbpass' => '[[S:pw]]',
          'dsn' => 'DBI:mysql:database=reports;host=db.internal'
        };
""",
    ),
    (
        "Elixir IO.inspect of a map and struct",
        """
%{api_key: "[[S:an32]]", base_url: "https://api.acme.io", retries: 3}
%MyApp.Repo.Config{hostname: "db.internal", password: "[[S:pw]]", username: "app"}
""",
    ),
    (
        "C# anonymous object ToString",
        """
{ ConnectionString = Server=sql01;Database=Shop;User Id=shop;Password=[[S:pw]];TrustServerCertificate=True, CommandTimeout = 30 }
""",
    ),
    (
        "pdb printing a token attribute",
        """
> /app/notify.py(42)send()
-> resp = self.session.post(url, json=payload)
(Pdb) p self.token
'[[S:xoxb]]'
(Pdb) c
""",
    ),
    (
        "pdb pp locals()",
        """
(Pdb) pp locals()
{'password': '[[S:pw]]',
 'retries': 0,
 'self': <app.db.Pool object at 0x7f3a1c2b9e50>,
 'user': 'app'}
""",
    ),
    (
        "ipdb with colours showing a variable",
        """
\x1b[1;32m     41 \x1b[0m    \x1b[0mheaders\x1b[0m \x1b[0;34m=\x1b[0m \x1b[0;34m{\x1b[0m\x1b[0;34m"Authorization"\x1b[0m\x1b[0;34m:\x1b[0m \x1b[0;34mf"Bearer {token}"\x1b[0m\x1b[0;34m}\x1b[0m
ipdb> token
'[[S:jwt]]'
""",
    ),
    (
        "gdb print of a C struct",
        """
(gdb) print *cfg
$1 = {host = 0x55555555a2a0 "db.internal", port = 5432, user = 0x55555555a2c0 "app", password = 0x55555555a2e0 "[[S:pw]]"}
""",
    ),
    (
        "lldb frame variable",
        """
(lldb) frame variable
(std::string) host = "redis-master.cache"
(std::string) password = "[[S:pw]]"
(int) db = 0
""",
    ),
    (
        "Jupyter cell output: token response dict",
        """
In [7]: resp.json()
Out[7]:
{'access_token': '[[S:jwt]]',
 'token_type': 'Bearer',
 'expires_in': 3600}
""",
    ),
    (
        "redis-cli CONFIG GET requirepass",
        """
127.0.0.1:6379> CONFIG GET requirepass
1) "requirepass"
2) "[[S:pw]]"
127.0.0.1:6379>
""",
    ),
    (
        "mongosh findOne with an apiKey field",
        """
acme> db.integrations.findOne({ name: "hubspot" })
{
  _id: ObjectId('[[N:objectid]]'),
  name: 'hubspot',
  apiKey: '[[S:uuidsecret]]',
  createdAt: ISODate('2026-01-04T10:00:00.000Z')
}
""",
    ),
    (
        "rich traceback with locals",
        """
│ /app/llm.py:31 in complete                                                          │
│                                                                                      │
│ ❱ 31 │   resp = client.messages.create(model=model, messages=messages)                 │
│                                                                                      │
│ ╭─────────────────────────────── locals ───────────────────────────────╮             │
│ │  api_key = '[[S:anthropic]]' │
│ │    model = 'claude-sonnet-4-5'                                      │             │
│ ╰──────────────────────────────────────────────────────────────────────╯             │
""",
    ),
    (
        "Django shell: settings lookup",
        """
>>> from django.conf import settings
>>> settings.AWS_SECRET_ACCESS_KEY
'[[S:awssk]]'
""",
    ),
    (
        "Rails console credentials lookup",
        """
irb(main):002> Rails.application.credentials.dig(:stripe, :secret_key)
=> "[[S:sklive]]"
""",
    ),
    (
        "Python log of request headers dict",
        """
DEBUG:app.http:request headers {'User-Agent': 'python-requests/2.32.3', 'Accept': '*/*', 'Authorization': 'Bearer [[S:an40]]'}
""",
    ),
    (
        "httpx Headers repr",
        """
>>> r.request.headers
Headers({'host': 'api.github.com', 'accept': 'application/vnd.github+json', 'authorization': 'token [[S:ghp]]'})
""",
    ),
    (
        "Java Properties toString",
        """
{db.user=app, db.password=[[S:pw]], db.url=jdbc:postgresql://db:5432/app}
""",
    ),
    (
        "Kotlin data class toString",
        """
ApiConfig(baseUrl=https://api.acme.io, apiKey=[[S:an40]], timeoutMs=5000)
""",
    ),
    (
        "Swift dump of a struct",
        """
▿ Config
  - baseURL: "https://api.acme.io"
  - apiKey: "[[S:hex40]]"
  - timeout: 30.0
""",
    ),
    (
        "axios error dump with config headers",
        """
AxiosError: Request failed with status code 403
    at settle (/app/node_modules/axios/lib/core/settle.js:19:12) {
  code: 'ERR_BAD_REQUEST',
  config: {
    url: 'https://api.hubapi.com/crm/v3/objects/contacts',
    method: 'get',
    headers: Object [AxiosHeaders] {
      Accept: 'application/json, text/plain, */*',
      Authorization: 'Bearer [[S:an40]]',
      'User-Agent': 'axios/1.7.7'
    },
""",
    ),
    (
        "Go %v pointer struct without field names",
        """
2026/03/14 09:12:01 starting with &{https://api.acme.io [[S:an40]] 30s true}
""",
    ),
    (
        "argparse Namespace repr",
        """
Namespace(host='db.internal', user='app', password='[[S:pw]]', dry_run=False)
""",
    ),
    (
        "sys.argv printed",
        """
['deploy.py', '--env', 'prod', '--token', '[[S:ghp]]']
""",
    ),
    (
        "os.environ repr",
        """
environ({'PATH': '/usr/local/bin:/usr/bin', 'HOSTNAME': 'worker-1', 'AWS_SESSION_TOKEN': '[[S:awssts]]', 'LANG': 'C.UTF-8'})
""",
    ),
    (
        "Python bytes repr of a JSON body",
        """
b'{"grant_type": "client_credentials", "client_id": "[[N:uuid]]", "client_secret": "[[S:azsecret]]"}'
""",
    ),
    (
        "Node Map inspect",
        """
Map(3) {
  'stripe' => '[[S:sklive]]',
  'region' => 'eu',
  'retries' => 3
}
""",
    ),
    (
        "Python repr of a PEM string with escaped newlines",
        """
>>> key
'[[S:ec/json]]\\n'
""",
    ),
    (
        "IPython %env output",
        """
In [2]: %env
Out[2]:
{'HOME': '/home/jovyan',
 'HF_TOKEN': '[[S:hf]]',
 'JUPYTER_PORT': '8888'}
""",
    ),
    (
        "Clojure map printed",
        """
user=> (config/load)
{:db {:host "db.internal", :password "[[S:pw]]"}, :port 8080}
""",
    ),
    (
        "Elixir Req struct headers",
        """
%Req.Request{
  method: :post,
  url: URI.parse("https://api.openai.com/v1/chat/completions"),
  headers: %{"authorization" => ["Bearer [[S:openai]]"]},
  ...
}
""",
    ),
    (
        "Go %+v of http.Request header map",
        """
req: &{Method:GET URL:https://registry.acme.io/v2/_catalog Header:map[Authorization:[Basic [[S:basic]]] User-Agent:[Go-http-client/1.1]] ...}
""",
    ),
    (
        "Jest snapshot with a token",
        """
exports[`client sends auth header 1`] = `
Object {
  "headers": Object {
    "Authorization": "token [[S:ghp]]",
  },
}
`;
""",
    ),
]
SOURCE += [
    (
        "pydantic SecretStr masked repr",
        """
>>> Settings()
Settings(database_url='postgresql+asyncpg://db:5432/app', api_key=SecretStr('**********'), debug=False)
>>> type(settings.api_key)
<class 'pydantic.types.SecretStr'>
""",
    ),
    (
        "dataclass repr without secret fields",
        """
>>> load_config()
DatabaseConfig(host='db.internal', port=5432, user='app', sslmode='require')
""",
    ),
    (
        "Python object reprs with addresses",
        """
>>> session.get_credentials()
<botocore.credentials.RefreshableCredentials object at [[N:addr]]>
>>> client
<botocore.client.SecretsManager object at [[N:addr]]>
""",
    ),
    (
        "console.log with [Object] and [Function]",
        """
{
  name: 'stripe',
  getToken: [Function: getToken],
  options: { apiVersion: '2024-06-20', telemetry: false, retry: [Object] },
  keys: [Array]
}
""",
    ),
    (
        "Go %+v with pointers and a redacted field",
        """
config: {Host:pg-prod.internal Port:5432 User:app Password:REDACTED Pool:0xc000124f00 Logger:0xc0000a2000}
""",
    ),
    (
        "Rust secrecy Secret debug output",
        """
Config { api_key: Secret([REDACTED alloc::string::String]), endpoint: "https://api.anthropic.com", max_retries: 3 }
""",
    ),
    (
        "Java toString with masked password",
        """
DataSourceProperties{url='jdbc:mysql://mysql:3306/shop', username='shop', password='****'}
""",
    ),
    (
        "PHP SensitiveParameterValue in a stack trace",
        """
PHP Fatal error:  Uncaught PDOException: SQLSTATE[HY000] [2002] Connection refused in /var/www/src/Db.php:14
Stack trace:
#0 /var/www/src/Db.php(14): PDO->__construct('mysql:host=db;d...', 'shop', Object(SensitiveParameterValue))
#1 /var/www/public/index.php(9): App\\Db::connect()
""",
    ),
    (
        "Rails filtered attributes in inspect",
        """
irb(main):003> User.first
=> #<User id: 42, email: "dana@acme.io", encrypted_password: [FILTERED], otp_secret: [FILTERED], created_at: "2025-11-02 10:14:31.000000000 +0000">
""",
    ),
    (
        "Perl Data::Dumper of ids",
        """
$VAR1 = [
          '[[N:uuid]]',
          '[[N:uuid]]'
        ];
""",
    ),
    (
        "Elixir redacted struct inspect",
        """
#MyApp.Accounts.User<
  __meta__: #Ecto.Schema.Metadata<:loaded, "users">,
  id: 42,
  email: "dana@acme.io",
  ...
>
""",
    ),
    (
        "gdb x/16xb memory dump",
        """
(gdb) x/16xb buf
0x5555555592a0:	0x7b	0x22	0x69	0x64	0x22	0x3a	0x20	0x34
0x5555555592a8:	0x32	0x2c	0x20	0x22	0x6f	0x6b	0x22	0x3a
(gdb) info frame
Stack level 0, frame at [[N:addr]]:
""",
    ),
    (
        "lldb memory read",
        """
(lldb) memory read --size 4 --format x --count 8 [[N:addr]]
[[N:addr]]: 0x00000000 0x00000001 0x5f6b6f74 0x00006e65
[[N:addr]]: 0x00000000 0x00000000 0x00000000 0x00000000
""",
    ),
    (
        "pdb locals with ids and paths",
        """
(Pdb) pp locals()
{'path': '/var/lib/app/uploads/[[N:uuid]].png',
 'request_id': '[[N:trace]]',
 'self': <app.storage.Uploader object at [[N:addr]]>}
""",
    ),
    (
        "Jupyter DataFrame output with hashes",
        """
In [12]: df.head(3)
Out[12]:
                                 sha256                                   file  size
0  [[N:sha256]]  data/a.parquet  1024
1  [[N:sha256]]  data/b.parquet  2048
""",
    ),
    (
        "Python REPL hashlib and uuid",
        """
>>> hashlib.sha256(b"release-1.42.0.tar.gz").hexdigest()
'[[N:sha256]]'
>>> uuid.uuid4()
UUID('[[N:uuid]]')
""",
    ),
    (
        "Node REPL randomUUID and Buffer inspect",
        """
> crypto.randomUUID()
'[[N:uuid]]'
> fs.readFileSync('logo.png').subarray(0, 16)
<Buffer 89 50 4e 47 0d 0a 1a 0a 00 00 00 0d 49 48 44 52>
""",
    ),
    (
        "Python bytes repr of a PNG",
        """
>>> open("logo.png", "rb").read(24)
b'\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR\\x00\\x00\\x02\\x00\\x00\\x00\\x02\\x00'
""",
    ),
    (
        "IPython %who listing variable names",
        """
In [9]: %who
api_key	 client	 df	 password_hash_fn	 secret_name	 token_url
""",
    ),
    (
        "mongosh ObjectIds and dates",
        """
acme> db.orders.find({}, {_id: 1, createdAt: 1}).limit(2)
[
  { _id: ObjectId('[[N:objectid]]'), createdAt: ISODate('2026-03-01T10:00:00.000Z') },
  { _id: ObjectId('[[N:objectid]]'), createdAt: ISODate('2026-03-02T11:30:00.000Z') }
]
""",
    ),
    (
        "redis-cli KEYS of session names",
        """
127.0.0.1:6379> KEYS session:*
1) "session:[[N:uuid]]"
2) "session:[[N:uuid]]"
127.0.0.1:6379> TTL session:[[N:uuid]]
(integer) 1742
""",
    ),
    (
        "Django shell model repr",
        """
>>> ApiKey.objects.filter(revoked=False).values_list("name", "prefix", "created")
<QuerySet [('ci', 'ak_7Fq2', datetime.datetime(2026, 1, 4, 10, 0, tzinfo=datetime.timezone.utc))]>
""",
    ),
    (
        "Python traceback with ids",
        """
Traceback (most recent call last):
  File "/app/worker.py", line 88, in handle
    job = Job.objects.get(pk="[[N:uuid]]")
app.models.Job.DoesNotExist: Job matching query does not exist. (request [[N:trace]])
""",
    ),
    (
        "Python code reading a token from the environment",
        """
def github_headers() -> dict[str, str]:
    token = os.environ["GITHUB_TOKEN"]
    return {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json"}
""",
    ),
    (
        "JS code reading a key from the environment",
        """
const apiKey = process.env.OPENAI_API_KEY ?? missing("OPENAI_API_KEY");
const client = new OpenAI({ apiKey, maxRetries: 2 });
""",
    ),
    (
        "Go code reading a Slack token",
        """
token := os.Getenv("SLACK_BOT_TOKEN")
if token == "" {
	log.Fatal("SLACK_BOT_TOKEN is required")
}
api := slack.New(token, slack.OptionDebug(false))
""",
    ),
    (
        "Rust code reading a secret with secrecy",
        """
let api_key = SecretString::new(std::env::var("ANTHROPIC_API_KEY")?.into());
let client = Client::new(api_key.expose_secret());
""",
    ),
    (
        "Java @Value injection",
        """
@Value("${stripe.secret-key}")
private String stripeSecretKey;

@Value("${spring.datasource.password}")
private String dbPassword;
""",
    ),
    (
        "C# configuration lookup",
        """
var conn = builder.Configuration.GetConnectionString("Default")
    ?? throw new InvalidOperationException("Connection string 'Default' not found.");
var apiKey = builder.Configuration["OpenAI:ApiKey"];
""",
    ),
    (
        "Python REPL: base64 of a non-secret payload",
        """
>>> base64.b64encode(json.dumps({"page": 2, "size": 50}).encode())
b'eyJwYWdlIjogMiwgInNpemUiOiA1MH0='
>>> next_cursor
'[[N:b64cursor]]'
""",
    ),
    (
        "Swift dump with ids",
        """
▿ Order
  - id: "[[N:uuid]]"
  - total: 41.5
  - paymentIntentId: "pi_[[N:ksuid]]"
""",
    ),
    (
        "requests Response and headers with ids",
        """
>>> r
<Response [200]>
>>> r.headers
{'Content-Type': 'application/json', 'ETag': 'W/"[[N:etag]]"', 'X-Request-Id': '[[N:uuid]]', 'X-RateLimit-Remaining': '4987'}
""",
    ),
    (
        "code generating a token (no value)",
        """
def new_api_key() -> str:
    \"\"\"A fresh random key; only its SHA-256 is stored.\"\"\"
    key = secrets.token_urlsafe(32)
    ApiKey.objects.create(digest=hashlib.sha256(key.encode()).hexdigest())
    return key
""",
    ),
    (
        "public JWK repr without a private part",
        """
>>> jwk.export_public(as_dict=True)
{'kty': 'EC', 'crv': 'P-256', 'kid': '[[N:short]]', 'x': '[[N:jwkd]]', 'y': '[[N:jwkd]]'}
""",
    ),
    (
        "Kotlin data class with masked secret",
        """
ApiConfig(baseUrl=https://api.acme.io, apiKey=***, timeoutMs=5000)
""",
    ),
    (
        "ipdb where with frame addresses",
        """
ipdb> w
  /usr/lib/python3.12/threading.py(1012)_bootstrap_inner()
-> self.run()
> /app/tasks.py(57)refresh_token()
     56         token_url = settings.TOKEN_URL
---> 57         resp = session.post(token_url, data={"grant_type": "refresh_token"})
""",
    ),
    (
        "C# object dump with ids",
        """
{ OrderId = [[N:uuid]], CustomerId = [[N:uuid]], Status = Shipped, TrackingNumber = 1Z999AA10123456784 }
""",
    ),
]

# url: URLs, HTTP traces, access logs, proxies and network captures
URL = [
    (
        "curl -v request: bearer header",
        """
*   Trying 140.82.112.6:443...
* Connected to api.github.com (140.82.112.6) port 443
> GET /user/repos?per_page=100 HTTP/1.1
> Host: api.github.com
> User-Agent: curl/8.5.0
> Accept: */*
> Authorization: Bearer [[S:ghp]]
>
< HTTP/1.1 200 OK
""",
    ),
    (
        "curl -v request: Basic auth header",
        """
> GET /service/rest/v1/repositories HTTP/1.1
> Host: nexus.acme.io
> Authorization: Basic [[S:basic]]
> User-Agent: curl/8.5.0
>
< HTTP/1.1 200 OK
""",
    ),
    (
        "curl -v response Set-Cookie session",
        """
< HTTP/2 302
< location: /dashboard
< set-cookie: _acme_session=[[S:cookie]]; path=/; secure; HttpOnly; SameSite=Lax
< x-request-id: [[N:uuid]]
""",
    ),
    (
        "nginx access log with access_token in the query",
        """
10.0.3.17 - - [14/Mar/2026:09:12:01 +0000] "GET /api/v1/export?format=csv&access_token=[[S:jwt]] HTTP/1.1" 200 48213 "-" "python-requests/2.32.3"
""",
    ),
    (
        "nginx access log with a Google API key",
        """
203.0.113.9 - - [14/Mar/2026:09:13:44 +0000] "GET /maps/api/geocode/json?address=Damrak+1&key=[[S:gapi]] HTTP/1.1" 200 1822 "https://acme.io/checkout" "Mozilla/5.0"
""",
    ),
    (
        "Apache combined log with a download token",
        """
198.51.100.23 - - [14/Mar/2026:09:20:11 +0000] "GET /files/report.pdf?token=[[S:an40]] HTTP/1.1" 200 281330 "-" "curl/8.5.0"
""",
    ),
    (
        "httpie coloured request with a token",
        """
\x1b[38;5;64mGET\x1b[39m \x1b[38;5;33m/repos/acme/api/actions/secrets\x1b[39m \x1b[38;5;245mHTTP\x1b[39m/1.1
\x1b[38;5;33mAccept\x1b[39m: application/json, */*;q=0.5
\x1b[38;5;33mAuthorization\x1b[39m: token [[S:ghp]]
\x1b[38;5;33mHost\x1b[39m: api.github.com
""",
    ),
    (
        "mitmproxy flow dump: Stripe bearer key",
        """
>> POST https://api.stripe.com/v1/payment_intents
   Host: api.stripe.com
   Authorization: Bearer [[S:sklive]]
   Content-Type: application/x-www-form-urlencoded
   amount=2000&currency=eur
<< 200 OK 1.2k
""",
    ),
    (
        "Wireshark Follow TCP stream: form login with CRLF",
        """
POST /login HTTP/1.1\r
Host: intranet.acme.local\r
Content-Type: application/x-www-form-urlencoded\r
Content-Length: 44\r
\r
username=admin&password=[[S:pwu]]&remember=1HTTP/1.1 302 Found\r
Location: /home\r
""",
    ),
    (
        "grpcurl -v request metadata",
        """
Resolved method descriptor:
rpc ListOrders ( .acme.orders.v1.ListOrdersRequest ) returns ( .acme.orders.v1.ListOrdersResponse );

Request metadata to send:
authorization: Bearer [[S:jwt]]
x-request-id: [[N:uuid]]

Response headers received:
content-type: application/grpc
""",
    ),
    (
        "OAuth implicit redirect fragment with an access token",
        """
Navigated to https://acme.io/oauth/callback#access_token=[[S:ya29]]&token_type=Bearer&expires_in=3599&scope=email%20profile
""",
    ),
    (
        "S3 presigned URL with security token and signature",
        """
https://acme-exports.s3.eu-west-1.amazonaws.com/reports/2026-03.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=[[N:asiaid]]%2F20260314%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20260314T091201Z&X-Amz-Expires=3600&X-Amz-Security-Token=[[S:awssts/url]]&X-Amz-SignedHeaders=host&X-Amz-Signature=[[S:hex64]]
""",
    ),
    (
        "Azure blob SAS URL",
        """
https://acmeprod.blob.core.windows.net/backups/db-2026-03-14.bak?sp=r&st=2026-03-14T09:00:00Z&se=2026-03-15T09:00:00Z&spr=https&sv=2022-11-02&sr=b&sig=[[S:sas]]
""",
    ),
    (
        "GCS signed URL",
        """
https://storage.googleapis.com/acme-artifacts/build.zip?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=deployer%40acme-prod.iam.gserviceaccount.com%2F20260314%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20260314T091201Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=[[S:hex128]][[S:hex128]]
""",
    ),
    (
        "git error message with a token in the URL",
        """
fatal: unable to access 'https://dana:[[S:ghp]]@github.com/acme/api.git/': Could not resolve host: github.com
""",
    ),
    (
        "urllib3 debug line with a token query",
        """
DEBUG:urllib3.connectionpool:Starting new HTTPS connection (1): sonar.acme.io:443
DEBUG:urllib3.connectionpool:https://sonar.acme.io:443 "GET /api/issues/search?componentKeys=api&token=[[S:sq]] HTTP/1.1" 200 9123
""",
    ),
    (
        "Discord webhook URL",
        """
POST https://discord.com/api/webhooks/[[N:int]][[N:int]][[N:int]]/[[S:discordhook]] -> 204 No Content
""",
    ),
    (
        "Slack webhook in curl -v",
        """
> POST /services/T[[N:cid]]/B[[N:cid]]/[[S:an24]] HTTP/2
> Host: hooks.slack.com
> content-type: application/json
""",
    ),
    (
        "AMQP URL with a password in a log",
        """
2026-03-14 09:12:01,114 INFO kombu: Connected to amqps://orders:[[S:pwu]]@b-1f2e.mq.eu-west-1.amazonaws.com:5671//
""",
    ),
    (
        "MongoDB URI in an error",
        """
MongoServerSelectionError: connection <monitor> to 10.0.5.12:27017 closed
    uri: mongodb://root:[[S:pwu]]@mongo-0.mongo:27017,mongo-1.mongo:27017/?replicaSet=rs0&authSource=admin
""",
    ),
    (
        "JDBC URL with a password parameter",
        """
Caused by: java.sql.SQLException: Access denied for user 'shop'@'10.0.3.17' (using password: YES)
	url=jdbc:mysql://mysql:3306/shop?user=shop&password=[[S:pwu]]&useSSL=true
""",
    ),
    (
        "Elasticsearch URL with credentials",
        """
[2026-03-14T09:12:01,114][WARN ][logstash.outputs.elasticsearch] Attempted to resurrect connection to dead ES instance, but got an error {:url=>"https://elastic:[[S:pwu]]@es.acme.io:9200/", :exception=>LogStash::Outputs::ElasticSearch::HttpClient::Pool::HostUnreachableError}
""",
    ),
    (
        "curl -v OAuth refresh request body",
        """
> POST /token HTTP/1.1
> Host: oauth2.googleapis.com
> Content-Type: application/x-www-form-urlencoded
> Content-Length: 268
>
} [268 bytes data]
client_id=[[N:gclientid]]&client_secret=[[S:gocspx]]&refresh_token=[[S:refresh/url]]&grant_type=refresh_token
""",
    ),
    (
        "curl -v HTTP/2 header frames",
        """
* [HTTP/2] [1] OPENED stream for https://api.anthropic.com/v1/messages
* [HTTP/2] [1] [:method: POST]
* [HTTP/2] [1] [:authority: api.anthropic.com]
* [HTTP/2] [1] [x-api-key: [[S:anthropic]]]
* [HTTP/2] [1] [anthropic-version: 2023-06-01]
""",
    ),
    (
        "raw request over nc with CRLF: key in query",
        """
GET /v1/forecast?lat=52.37&lon=4.89&apikey=[[S:hex32]] HTTP/1.1\r
Host: api.weather.example\r
Connection: close\r
\r
""",
    ),
    (
        "proxy variables with credentials",
        """
HTTP_PROXY=http://svc_proxy:[[S:pwu#p]]@proxy.acme.io:3128
HTTPS_PROXY=http://svc_proxy:[[S:pwu#p]]@proxy.acme.io:3128
NO_PROXY=localhost,127.0.0.1,.acme.internal
""",
    ),
    (
        "Mapbox secret token in an upload URL",
        """
POST https://api.mapbox.com/uploads/v1/acme/credentials?access_token=[[S:mapboxsk]]
""",
    ),
    (
        "OSC 8 hyperlink: magic login link",
        """
Open this link to sign in: \x1b]8;;https://app.acme.io/auth/magic?token=[[S:an40#m]]\x1b\\https://app.acme.io/auth/magic?token=[[S:an40#m]]\x1b]8;;\x1b\\
""",
    ),
    (
        "mail log: password reset link",
        """
[mailer] to=dana@acme.io subject="Reset your password" body_excerpt="...click https://acme.io/users/password/edit?reset_password_token=[[S:an24]] within 6 hours..."
""",
    ),
    (
        "CloudFront signed URL",
        """
https://d1x2y3z4.cloudfront.net/videos/intro.mp4?Expires=1773482400&Signature=[[S:cfsig]]&Key-Pair-Id=K[[N:cid]]
""",
    ),
    (
        "curl -v Cookie header with a session id",
        """
> GET /admin/users HTTP/1.1
> Host: staging.acme.io
> Cookie: theme=dark; _session_id=[[S:cookie]]
> User-Agent: curl/8.5.0
""",
    ),
    (
        "Apache log with a logged Authorization header",
        """
10.0.9.4 - deploy [14/Mar/2026:09:20:11 +0000] "PUT /artifacts/app.tgz HTTP/1.1" 201 0 "Basic [[S:basic]]"
""",
    ),
    (
        "nginx error log with an apikey request",
        """
2026/03/14 09:12:01 [error] 31#31: *8812 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.3.17, server: api.acme.io, request: "GET /v2/search?q=shoes&apikey=[[S:an32#k]] HTTP/1.1", upstream: "http://10.0.4.2:8080/v2/search?q=shoes&apikey=[[S:an32#k]]"
""",
    ),
    (
        "Loki logfmt export with a signed URL",
        """
ts=2026-03-14T09:12:01.114Z level=info msg="fetched artifact" url="https://acmeprod.blob.core.windows.net/a/b.zip?sv=2022-11-02&sr=b&sig=[[S:sas]]" bytes=12044
""",
    ),
    (
        "Sentry breadcrumb style line with a token URL",
        """
[http] GET https://api.acme.io/v1/me?api_token=[[S:hex40]] [200] (142ms)
""",
    ),
    (
        "Playwright trace navigating with basic auth in the URL",
        """
  pw:api navigating to "https://admin:[[S:pwu]]@staging.acme.io/", waiting until "load" +0ms
""",
    ),
    (
        "nodemailer SMTP URL",
        """
[2026-03-14 09:12:01] DEBUG [nodemailer] Creating transport: smtp://apikey:[[S:sendgrid]]@smtp.sendgrid.net:587
""",
    ),
    (
        "wget log with FTP credentials",
        """
--2026-03-14 09:31:02--  ftp://mirror:[[S:pwu]]@ftp.acme.io/pub/dump.sql.gz
           => 'dump.sql.gz'
Resolving ftp.acme.io (ftp.acme.io)... 203.0.113.44
""",
    ),
    (
        "httpie --auth request print",
        """
POST /api/v1/token HTTP/1.1
Accept: application/json, */*;q=0.5
Authorization: Basic [[S:basic]]
Host: registry.acme.io
""",
    ),
    (
        "Wireshark stream: response Set-Cookie with CRLF",
        """
HTTP/1.1 200 OK\r
Server: nginx\r
Set-Cookie: PHPSESSID=[[S:cookie]]; path=/; HttpOnly\r
Content-Type: text/html; charset=UTF-8\r
\r
""",
    ),
    (
        "Telegram bot sendMessage in an access log",
        """
149.154.167.220 - - [14/Mar/2026:09:12:01 +0000] "POST /bot[[S:telegram]]/sendMessage HTTP/1.1" 200 311
""",
    ),
    (
        "Redis URL in a worker start line",
        """
[2026-03-14 09:12:01,114: INFO/MainProcess] Connected to rediss://default:[[S:pwu]]@redis-prod.acme.io:6380/0
""",
    ),
    (
        "Jupyter server URL with its token",
        """
    To access the server, open this file in a browser:
        file:///home/jovyan/.local/share/jupyter/runtime/jpserver-7-open.html
    Or copy and paste one of these URLs:
        http://127.0.0.1:8888/lab?token=[[S:hex32]][[S:hex32]]
""",
    ),
    (
        "Azure DevOps git URL with a PAT",
        """
remote: TF401019: The Git repository with name or identifier api does not exist or you do not have permissions
fatal: repository 'https://acme:[[S:an32]][[S:an24]]@dev.azure.com/acme/shop/_git/api/' not found
""",
    ),
    (
        "Grafana API call with a service account token",
        """
> GET /api/dashboards/uid/ops HTTP/1.1
> Host: grafana.acme.io
> Authorization: Bearer [[S:grafana]]
""",
    ),
    (
        "Vault HTTP API trace with X-Vault-Token",
        """
> GET /v1/secret/data/api HTTP/1.1
> Host: vault.acme.io:8200
> X-Vault-Token: [[S:hvslong]]
< HTTP/1.1 200 OK
""",
    ),
    (
        "Datadog intake URL with an API key query",
        """
POST https://http-intake.logs.datadoghq.eu/api/v2/logs?dd-api-key=[[S:dd]]&ddsource=nodejs -> 202
""",
    ),
    (
        "Postman console request",
        """
POST https://api.hubapi.com/crm/v3/objects/deals
Request Headers
  Authorization: Bearer [[S:an40]]
  User-Agent: PostmanRuntime/7.42.0
  Postman-Token: [[N:uuid]]
""",
    ),
    (
        "Atlassian API basic auth user and token in a URL",
        """
GET https://dana%40acme.io:[[S:atlassian]]@acme.atlassian.net/rest/api/3/myself -> 200
""",
    ),
]
URL += [
    (
        "curl -v with request ids and rate limits only",
        """
> GET /repos/acme/api HTTP/2
> Host: api.github.com
> User-Agent: curl/8.5.0
>
< HTTP/2 200
< etag: W/"[[N:etag]]"
< x-github-request-id: [[N:cid]]:[[N:cid]]:[[N:cid]]
< x-ratelimit-remaining: 59
""",
    ),
    (
        "nginx access log with UUID paths and a cursor",
        """
10.0.3.17 - - [14/Mar/2026:09:12:01 +0000] "GET /api/v1/orders/[[N:uuid]]/items?cursor=[[N:b64cursor]]&limit=50 HTTP/1.1" 200 3321 "-" "okhttp/4.12.0"
""",
    ),
    (
        "access log with commit and utm parameters",
        """
198.51.100.7 - - [14/Mar/2026:09:13:44 +0000] "GET /release-notes?sha=[[N:sha1]]&utm_source=newsletter&utm_medium=email HTTP/2.0" 200 9122 "-" "Mozilla/5.0"
""",
    ),
    (
        "S3 object URL with a version id",
        """
https://acme-public.s3.eu-west-1.amazonaws.com/downloads/cli-1.42.0.tar.gz?versionId=[[N:ksuid]]
""",
    ),
    (
        "URL whose key parameter is an object name",
        """
GET https://cdn.acme.io/image?key=uploads%2Favatars%2F[[N:uuid]].png&w=128&h=128&fit=cover 200
""",
    ),
    (
        "mitmproxy flow with trace headers",
        """
>> GET https://api.acme.io/healthz
   traceparent: 00-[[N:trace]]-[[N:span]]-01
   x-request-id: [[N:uuid]]
<< 200 OK 17b
""",
    ),
    (
        "grpc metadata with ids",
        """
Response headers received:
content-type: application/grpc
grpc-accept-encoding: identity, deflate, gzip
x-request-id: [[N:uuid]]
x-envoy-upstream-service-time: 12
""",
    ),
    (
        "Wireshark stream: GET to a public API with CRLF",
        """
GET /v1/status HTTP/1.1\r
Host: status.acme.io\r
Accept: */*\r
\r
HTTP/1.1 200 OK\r
ETag: "[[N:md5]]"\r
\r
""",
    ),
    (
        "pip with a masked index URL",
        """
Looking in indexes: https://pypi.org/simple, https://deploy:****@nexus.acme.io/repository/pypi/simple
Collecting acme-core==1.4.0
""",
    ),
    (
        "SQLAlchemy URL masked with ***",
        """
2026-03-14 09:12:01,114 INFO sqlalchemy.engine.Engine [raw sql] () -- postgresql+psycopg://app:***@db.internal:5432/app
""",
    ),
    (
        "Redis URL without credentials",
        """
[2026-03-14 09:12:01,114: INFO/MainProcess] Connected to redis://redis-master.cache:6379/0
[2026-03-14 09:12:01,201: INFO/MainProcess] mingle: searching for neighbors
""",
    ),
    (
        "URL template with a variable reference",
        """
curl -s "https://api.telegram.org/bot${TELEGRAM_BOT_TOKEN}/sendMessage" -d chat_id="$CHAT_ID" -d text="deploy ok"
""",
    ),
    (
        "OAuth authorize URL: client id, state and PKCE challenge",
        """
https://accounts.google.com/o/oauth2/v2/auth?client_id=[[N:gclientid]]&redirect_uri=http%3A%2F%2Flocalhost%3A8085%2Fcallback&response_type=code&scope=openid%20email&state=[[N:md5]]&code_challenge=[[N:jwkd]]&code_challenge_method=S256
""",
    ),
    (
        "GitHub Link pagination header",
        """
< link: <https://api.github.com/repositories/[[N:int]]/issues?page=2>; rel="next", <https://api.github.com/repositories/[[N:int]]/issues?page=14>; rel="last"
""",
    ),
    (
        "registry manifest URL with a digest",
        """
GET https://ghcr.io/v2/acme/api/manifests/sha256:[[N:sha256]] -> 200 application/vnd.oci.image.manifest.v1+json
""",
    ),
    (
        "CDN asset URLs with content hashes",
        """
GET https://cdn.acme.io/assets/app.[[N:short]].js?v=[[N:md5]] 200 (from disk cache)
GET https://cdn.acme.io/assets/vendor.[[N:short]].css 200
""",
    ),
    (
        "Gravatar URL with an email hash",
        """
<img src="https://www.gravatar.com/avatar/[[N:md5]]?s=80&d=identicon" alt="dana">
""",
    ),
    (
        "webhook delivery with HMAC signature and delivery id",
        """
POST /webhooks/github HTTP/1.1
X-GitHub-Delivery: [[N:uuid]]
X-GitHub-Event: push
X-Hub-Signature-256: sha256=[[N:sha256]]
User-Agent: GitHub-Hookshot/[[N:short]]
""",
    ),
    (
        "Stripe-Signature header",
        """
POST /webhooks/stripe HTTP/1.1
Stripe-Signature: t=1773479521,v1=[[N:sha256]],v0=[[N:sha256]]
Content-Type: application/json; charset=utf-8
""",
    ),
    (
        "curl -I of a public download",
        """
HTTP/2 200
content-type: application/gzip
content-length: 18203311
etag: "[[N:md5]]"
x-amz-version-id: [[N:ksuid]]
x-amz-request-id: [[N:cid]][[N:short]]
""",
    ),
    (
        "HTTP 401 with WWW-Authenticate",
        """
< HTTP/1.1 401 Unauthorized
< WWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="The access token expired"
< x-request-id: [[N:uuid]]
""",
    ),
    (
        "URL-encoded redirect target",
        """
302 Found -> https://acme.io/login?next=%2Fsettings%2Fapi-keys%3Ftab%3Dtokens&reason=session_expired
""",
    ),
    (
        "Postman request with template variables",
        """
GET https://api.acme.io/v1/me
Authorization: Bearer {{accessToken}}
X-Api-Key: {{apiKey}}
""",
    ),
    (
        "docs URL about API keys",
        """
See https://docs.acme.io/authentication/api-keys#rotating-a-key and https://docs.acme.io/reference/tokens?lang=python
""",
    ),
    (
        "OSC 8 link to docs",
        """
Read the guide: \x1b]8;;https://docs.acme.io/secrets/rotate-session-secret\x1b\\Rotating the session secret\x1b]8;;\x1b\\
""",
    ),
    (
        "curl -v TLS details and certificate fingerprint",
        """
* SSL connection using TLSv1.3 / TLS_AES_128_GCM_SHA256
* Server certificate:
*  subject: CN=api.acme.io
*  start date: Feb 10 00:00:00 2026 GMT
*  issuer: C=US; O=Let's Encrypt; CN=R11
*  SHA256 fingerprint: [[N:sha256]]
""",
    ),
    (
        "git ls-remote output",
        """
$ git ls-remote https://github.com/acme/api.git
[[N:sha1]]	HEAD
[[N:sha1]]	refs/heads/main
[[N:sha1]]	refs/tags/v1.42.0
""",
    ),
    (
        "Jaeger trace URL",
        """
trace: https://jaeger.acme.io/trace/[[N:trace]]?uiFind=[[N:span]]
""",
    ),
    (
        "access log with empty auth fields",
        """
10.0.3.17 - - [14/Mar/2026:09:12:01 +0000] "POST /api/login HTTP/1.1" 401 59 "-" "curl/8.5.0" "-" rt=0.004 uct=0.001
""",
    ),
    (
        "Cloudflare cf-ray and cache headers",
        """
< cf-cache-status: HIT
< cf-ray: [[N:span]]-AMS
< age: 1841
< server: cloudflare
""",
    ),
    (
        "signed-looking but public: Google Fonts and jsDelivr URLs with SRI",
        """
<link href="https://fonts.googleapis.com/css2?family=Inter:wght@400;600&display=swap" rel="stylesheet">
<script src="https://cdn.jsdelivr.net/npm/htmx.org@2.0.3/dist/htmx.min.js" integrity="[[N:integrity]]" crossorigin="anonymous"></script>
""",
    ),
    (
        "AWS console URL with account and resource ids",
        """
https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-0[[N:cid]]
https://[[N:int]].signin.aws.amazon.com/console
""",
    ),
    (
        "health-check log lines",
        """
2026-03-14T09:12:01.114Z GET /healthz 200 1.2ms ua=kube-probe/1.30 req=[[N:uuid]]
2026-03-14T09:12:11.114Z GET /readyz 200 0.9ms ua=kube-probe/1.30 req=[[N:uuid]]
""",
    ),
    (
        "npm registry tarball URL and shasum",
        """
npm http fetch GET 200 https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz 41ms (cache miss)
npm info shasum [[N:sha1]]
""",
    ),
    (
        "GitHub compare URL with SHAs",
        """
https://github.com/acme/api/compare/[[N:sha1]]...[[N:sha1]]
""",
    ),
    (
        "curl -v to an API with a key placeholder",
        """
$ curl -v -H "X-Api-Key: YOUR_API_KEY" https://api.acme.io/v1/ping
> GET /v1/ping HTTP/1.1
> X-Api-Key: YOUR_API_KEY
< HTTP/1.1 401 Unauthorized
""",
    ),
]

# json: JSON output of tools and JSON-per-line logs (escapes as they hold them, \\u001b included)
JSONC = [
    (
        "docker inspect Env array",
        """
[
    {
        "Id": "[[N:sha256]]",
        "Config": {
            "Hostname": "[[N:cid]]",
            "Env": [
                "POSTGRES_USER=app",
                "POSTGRES_PASSWORD=[[S:pw]]",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "PG_VERSION=16.4"
            ],
            "Image": "postgres:16"
        }
    }
]
""",
    ),
    (
        "journalctl -o json: MESSAGE with a password",
        """
{"__CURSOR":"s=[[N:md5]];i=1a2f;b=[[N:md5]];m=4c1d2e;t=61f0a2b3c4d5e;x=[[N:span]]","__REALTIME_TIMESTAMP":"1773479521114000","_BOOT_ID":"[[N:md5]]","_HOSTNAME":"web-1","SYSLOG_IDENTIFIER":"app","_PID":"2211","MESSAGE":"connecting to db.internal as app with password=[[S:pw]]","PRIORITY":"6"}
""",
    ),
    (
        "pino JSON log with an authorization header",
        """
{"level":30,"time":1773479521114,"pid":41,"hostname":"api-6c8b7f9d4-x2kqp","reqId":"req-1f","req":{"method":"GET","url":"/v1/me","headers":{"host":"api.acme.io","authorization":"Bearer [[S:jwt]]","user-agent":"okhttp/4.12.0"}},"msg":"incoming request"}
""",
    ),
    (
        "structlog JSON with \\u001b colour codes in the event",
        """
{"event": "\\u001b[1mloaded provider\\u001b[0m \\u001b[36mopenai\\u001b[0m key=\\u001b[32m[[S:openai]]\\u001b[0m", "level": "debug", "timestamp": "2026-03-14T09:12:01.114Z"}
""",
    ),
    (
        "aws logs filter-log-events output",
        """
{
    "events": [
        {
            "logStreamName": "2026/03/14/[$LATEST][[N:md5]]",
            "timestamp": 1773479521114,
            "message": "INFO\\tCalling Slack with token [[S:xoxb]]\\n",
            "ingestionTime": 1773479521200,
            "eventId": "38512345678901234567890123456789012345678901234567890123"
        }
    ]
}
""",
    ),
    (
        "Datadog log export row",
        """
{"id":"AQAAAY[[N:ksuid]]","attributes":{"service":"billing","status":"error","timestamp":"2026-03-14T09:12:01.114Z","message":"stripe call failed using key [[S:rklive]]","attributes":{"dd":{"trace_id":"[[N:int]][[N:int]]"}}}}
""",
    ),
    (
        "HAR entry with Authorization and cookies",
        """
{
  "request": {
    "method": "GET",
    "url": "https://app.acme.io/api/projects",
    "headers": [
      {"name": "Authorization", "value": "Bearer [[S:jwt]]"},
      {"name": "Cookie", "value": "acme_session=[[S:cookie#c]]"}
    ],
    "cookies": [{"name": "acme_session", "value": "[[S:cookie#c]]", "httpOnly": true}]
  }
}
""",
    ),
    (
        "az ad sp create-for-rbac output",
        """
{
  "appId": "[[N:uuid]]",
  "displayName": "github-deployer",
  "password": "[[S:azsecret]]",
  "tenant": "[[N:uuid]]"
}
""",
    ),
    (
        "aws sts assume-role JSON credentials",
        """
{
    "Credentials": {
        "AccessKeyId": "[[N:asiaid]]",
        "SecretAccessKey": "[[S:awssk]]",
        "SessionToken": "[[S:awssts]]",
        "Expiration": "2026-03-14T10:12:01+00:00"
    },
    "AssumedRoleUser": {"AssumedRoleId": "AROA[[N:cid]]:ci", "Arn": "arn:aws:sts::[[N:int]]:assumed-role/deploy/ci"}
}
""",
    ),
    (
        "GCP service account key file",
        """
{
  "type": "service_account",
  "project_id": "acme-prod",
  "private_key_id": "[[N:sha1]]",
  "private_key": "[[S:pkcs8/json]]\\n",
  "client_email": "deployer@acme-prod.iam.gserviceaccount.com",
  "client_id": "[[N:int]][[N:int]][[N:int]]"
}
""",
    ),
    (
        "docker config.json auths",
        """
{
	"auths": {
		"ghcr.io": {
			"auth": "[[S:basic]]"
		},
		"registry.acme.io": {
			"auth": "[[S:basic]]"
		}
	}
}
""",
    ),
    (
        "terraform output -json with a sensitive value",
        """
{
  "db_password": {
    "sensitive": true,
    "type": "string",
    "value": "[[S:pw]]"
  },
  "endpoint": {"sensitive": false, "type": "string", "value": "[[N:host]]"}
}
""",
    ),
    (
        "kubectl get secret -o json",
        """
{
    "apiVersion": "v1",
    "data": {
        "api-key": "[[S:hex40/b64]]",
        "password": "[[S:b64pw]]"
    },
    "kind": "Secret",
    "metadata": {"name": "api", "namespace": "default", "uid": "[[N:uuid]]"}
}
""",
    ),
    (
        "composer auth.json",
        """
{
    "github-oauth": {
        "github.com": "[[S:ghp]]"
    },
    "http-basic": {
        "repo.packagist.com": {"username": "token", "password": "[[S:hex64]]"}
    }
}
""",
    ),
    (
        ".mcp.json with a literal token",
        """
{
  "mcpServers": {
    "linear": {
      "type": "http",
      "url": "https://mcp.linear.app/mcp",
      "headers": {"Authorization": "Bearer [[S:linear]]"}
    }
  }
}
""",
    ),
    (
        "Claude Code settings.json env",
        """
{
  "env": {
    "ANTHROPIC_API_KEY": "[[S:anthropic]]",
    "DISABLE_TELEMETRY": "1"
  },
  "permissions": {"allow": ["Bash(npm run test:*)"]}
}
""",
    ),
    (
        "Keycloak client JSON with its secret",
        """
{"id":"[[N:uuid]]","clientId":"billing-service","enabled":true,"clientAuthenticatorType":"client-secret","secret":"[[S:an32]]","serviceAccountsEnabled":true}
""",
    ),
    (
        "heroku config --json",
        """
{
  "DATABASE_URL": "postgres://u[[N:cid]]:[[S:pwu]]@ec2-3-91-17-4.compute-1.amazonaws.com:5432/d[[N:cid]]",
  "PAPERTRAIL_API_TOKEN": "[[S:an24]]",
  "WEB_CONCURRENCY": "2"
}
""",
    ),
    (
        "vault read -format=json",
        """
{
  "request_id": "[[N:uuid]]",
  "lease_id": "",
  "lease_duration": 2764800,
  "renewable": false,
  "data": {
    "data": {"password": "[[S:pw]]", "username": "app"},
    "metadata": {"created_time": "2026-03-01T10:00:00Z", "version": 4}
  }
}
""",
    ),
    (
        "op item get --format json",
        """
{
  "id": "[[N:ksuid]]",
  "title": "Stripe live",
  "category": "API_CREDENTIAL",
  "fields": [
    {"id": "username", "type": "STRING", "label": "username", "value": "acme"},
    {"id": "credential", "type": "CONCEALED", "label": "credential", "value": "[[S:sklive]]"}
  ]
}
""",
    ),
    (
        "GitHub App installation token response",
        """
{
  "token": "[[S:ghs]]",
  "expires_at": "2026-03-14T10:12:01Z",
  "permissions": {"contents": "write", "pull_requests": "write"},
  "repository_selection": "selected"
}
""",
    ),
    (
        "JWK with a private d",
        """
{"keys":[{"kty":"EC","crv":"P-256","kid":"[[N:short]]","use":"sig","x":"[[N:jwkd]]","y":"[[N:jwkd]]","d":"[[S:jwkd]]"}]}
""",
    ),
    (
        "jq -C coloured output with a token",
        """
\x1b[1;39m{
  \x1b[0m\x1b[34;1m"token"\x1b[0m\x1b[1;39m:\x1b[0m\x1b[0;32m"[[S:npm]]"\x1b[0m\x1b[1;39m,
  \x1b[0m\x1b[34;1m"readonly"\x1b[0m\x1b[1;39m:\x1b[0m\x1b[0;39mfalse\x1b[0m\x1b[1;39m
\x1b[1;39m}\x1b[0m
""",
    ),
    (
        "Loki query JSON with a log line holding a password",
        """
{"status":"success","data":{"resultType":"streams","result":[{"stream":{"app":"etl","namespace":"data"},"values":[["1773479521114000000","level=debug msg=\\"connecting\\" dsn=\\"postgres://etl:[[S:pwu]]@warehouse:5432/dw\\""]]}]}}
""",
    ),
    (
        "GCP Cloud Logging entry with a key in the request URL",
        """
{"insertId":"[[N:ksuid]]","httpRequest":{"requestMethod":"GET","requestUrl":"https://acme-api.run.app/v1/geo?key=[[S:gapi]]","status":200,"latency":"0.142s"},"resource":{"type":"cloud_run_revision"},"timestamp":"2026-03-14T09:12:01.114Z","trace":"projects/acme/traces/[[N:trace]]"}
""",
    ),
    (
        "winston JSON with an env dump",
        """
{"level":"error","message":"boot failed","meta":{"env":{"NODE_ENV":"production","DATABASE_URL":"mysql://shop:[[S:pwu]]@mysql:3306/shop","PORT":"3000"}},"timestamp":"2026-03-14T09:12:01.114Z"}
""",
    ),
    (
        "docker inspect Cmd with a password argument",
        """
"Path": "/usr/local/bin/redis-server",
"Args": [
    "--requirepass",
    "[[S:pw]]",
    "--appendonly",
    "yes"
],
""",
    ),
    (
        "journalctl -o json _CMDLINE with a token flag",
        """
{"_SYSTEMD_UNIT":"agent.service","_COMM":"agent","_CMDLINE":"/usr/local/bin/agent --server https://ci.acme.io --token=[[S:an40]] --name build-07","MESSAGE":"registered","_PID":"881"}
""",
    ),
    (
        "OpenTelemetry span attributes with an authorization header",
        """
{"traceId":"[[N:trace]]","spanId":"[[N:span]]","name":"POST /v1/charges","attributes":[{"key":"http.request.method","value":{"stringValue":"POST"}},{"key":"http.request.header.authorization","value":{"arrayValue":{"values":[{"stringValue":"Bearer [[S:sklive]]"}]}}}]}
""",
    ),
    (
        "secretsmanager get-secret-value with an escaped JSON string",
        """
{
    "ARN": "arn:aws:secretsmanager:eu-west-1:[[N:int]]:secret:prod/db-[[N:short]]",
    "Name": "prod/db",
    "VersionId": "[[N:uuid]]",
    "SecretString": "{\\"username\\":\\"app\\",\\"password\\":\\"[[S:pw]]\\"}",
    "CreatedDate": "2026-03-01T10:00:00+00:00"
}
""",
    ),
    (
        "ssm get-parameter --with-decryption",
        """
{
    "Parameter": {
        "Name": "/prod/payments/stripe-secret-key",
        "Type": "SecureString",
        "Value": "[[S:sklive]]",
        "Version": 7
    }
}
""",
    ),
    (
        "ECS task definition environment",
        """
"environment": [
    {"name": "NODE_ENV", "value": "production"},
    {"name": "SENDGRID_API_KEY", "value": "[[S:sendgrid]]"},
    {"name": "PORT", "value": "3000"}
],
""",
    ),
    (
        "Lambda function configuration environment",
        """
{
    "FunctionName": "thumbnailer",
    "Environment": {
        "Variables": {
            "BUCKET": "acme-images",
            "CLOUDINARY_API_SECRET": "[[S:an24]]"
        }
    },
    "CodeSha256": "[[N:b64key]]"
}
""",
    ),
    (
        "gcloud config config-helper JSON",
        """
{
  "configuration": {"active_configuration": "prod"},
  "credential": {
    "access_token": "[[S:ya29]]",
    "token_expiry": "2026-03-14T10:12:01Z"
  }
}
""",
    ),
    (
        "Postman environment export",
        """
{
  "id": "[[N:uuid]]",
  "name": "prod",
  "values": [
    {"key": "baseUrl", "value": "https://api.acme.io", "enabled": true},
    {"key": "apiKey", "value": "[[S:pmak]]", "type": "secret", "enabled": true}
  ]
}
""",
    ),
    (
        "package.json script with an inline token",
        """
  "scripts": {
    "build": "vite build",
    "sentry:upload": "SENTRY_AUTH_TOKEN=[[S:sentryauth]] sentry-cli sourcemaps upload dist"
  },
""",
    ),
    (
        "VS Code launch.json env",
        """
{
  "version": "0.2.0",
  "configurations": [
    {
      "type": "node",
      "request": "launch",
      "name": "API",
      "env": {"DB_PASSWORD": "[[S:pw]]", "LOG_LEVEL": "debug"}
    }
  ]
}
""",
    ),
    (
        "JSON log line with escaped CRLF and a token",
        """
{"ts":"2026-03-14T09:12:01.114Z","lvl":"warn","msg":"upstream said:\\r\\nHTTP/1.1 401\\r\\nrequest had X-Api-Key: [[S:hex32]]\\r\\n","svc":"gateway"}
""",
    ),
    (
        "Slack oauth.v2.access response",
        """
{"ok":true,"app_id":"A[[N:cid]]","authed_user":{"id":"U[[N:cid]]"},"scope":"chat:write,channels:read","token_type":"bot","access_token":"[[S:xoxb]]","bot_user_id":"U[[N:cid]]","team":{"id":"T[[N:cid]]","name":"Acme"}}
""",
    ),
    (
        "Auth0 token response",
        """
{"access_token":"[[S:jwtrs]]","refresh_token":"[[S:an40]]","id_token":"[[S:jwtrs]]","scope":"openid profile offline_access","expires_in":86400,"token_type":"Bearer"}
""",
    ),
    (
        "Stripe webhook endpoint created",
        """
{
  "id": "we_[[N:ksuid]]",
  "object": "webhook_endpoint",
  "url": "https://acme.io/webhooks/stripe",
  "secret": "[[S:whsec]]",
  "status": "enabled"
}
""",
    ),
    (
        "Twilio account JSON",
        """
{"sid":"[[N:twiliosid]]","friendly_name":"Acme","status":"active","auth_token":"[[S:hex32]]","type":"Full"}
""",
    ),
    (
        "Firebase service account snippet",
        """
{"type":"service_account","project_id":"acme-app","private_key":"[[S:rsa/json]]\\n","client_email":"firebase-adminsdk-x1@acme-app.iam.gserviceaccount.com"}
""",
    ),
    (
        "docker logs JSON file line with colour escapes",
        """
{"log":"\\u001b[32minfo\\u001b[39m: mongo connected mongodb://app:[[S:pwu]]@mongo:27017/app\\n","stream":"stdout","time":"2026-03-14T09:12:01.114Z"}
""",
    ),
    (
        "Sentry event with request cookies",
        """
{"event_id":"[[N:md5]]","request":{"url":"https://app.acme.io/settings","method":"POST","cookies":{"sessionid":"[[S:an32]]"},"headers":{"User-Agent":"Mozilla/5.0"}},"level":"error"}
""",
    ),
    (
        "npm whoami JSON with a token in the registry config",
        """
{
  "//registry.npmjs.org/:_authToken": "[[S:npm]]",
  "registry": "https://registry.npmjs.org/",
  "user-agent": "npm/10.8.2 node/v20.17.0 linux x64"
}
""",
    ),
    (
        "Databricks CLI profile JSON",
        """
{"profiles":[{"name":"DEFAULT","host":"https://adb-[[N:int]].azuredatabricks.net","token":"[[S:databricks]]","valid":true}]}
""",
    ),
    (
        "HuggingFace token in a JSON settings dump",
        """
{"hub": {"endpoint": "https://huggingface.co", "token": "[[S:hf]]", "cache_dir": "/data/hf"}}
""",
    ),
    (
        "Pulumi config JSON with a secret shown",
        """
{
  "aws:region": {"value": "eu-west-1", "secret": false},
  "acme:dbPassword": {"value": "[[S:pw]]", "secret": true}
}
""",
    ),
    (
        "Figma API token in a plugin settings export",
        """
{"plugin":"tokens-sync","figmaToken":"[[S:figma]]","fileKey":"[[N:ksuid]]","lastSync":"2026-03-14T09:12:01Z"}
""",
    ),
]
JSONC += [
    (
        "docker inspect with ids, digests and plain env",
        """
[
    {
        "Id": "[[N:sha256]]",
        "Image": "sha256:[[N:sha256]]",
        "Config": {
            "Env": [
                "NODE_ENV=production",
                "GIT_SHA=[[N:sha1]]",
                "PATH=/usr/local/bin:/usr/bin:/bin"
            ]
        }
    }
]
""",
    ),
    (
        "journalctl -o json system fields",
        """
{"__CURSOR":"s=[[N:md5]];i=9a1;b=[[N:md5]];m=1f2e3d;t=61f0a2b3c4d5e;x=[[N:span]]","_BOOT_ID":"[[N:md5]]","_MACHINE_ID":"[[N:md5]]","_SYSTEMD_INVOCATION_ID":"[[N:md5]]","MESSAGE":"Started api.service - ACME API.","PRIORITY":"6"}
""",
    ),
    (
        "pino JSON with a redacted authorization header",
        """
{"level":30,"time":1773479521114,"reqId":"req-2a","req":{"method":"GET","url":"/v1/me","headers":{"authorization":"[Redacted]","cookie":"[Redacted]"}},"msg":"incoming request"}
""",
    ),
    (
        "structlog JSON with \\u001b colour codes around ids",
        """
{"event": "\\u001b[1mjob finished\\u001b[0m id=\\u001b[36m[[N:uuid]]\\u001b[0m sha=\\u001b[33m[[N:sha1]]\\u001b[0m", "level": "info", "timestamp": "2026-03-14T09:12:01.114Z"}
""",
    ),
    (
        "CloudWatch events with ids only",
        """
{"events":[{"logStreamName":"ecs/api/[[N:md5]]","timestamp":1773479521114,"message":"GET /healthz 200 1ms","eventId":"38512345678901234567890123456789012345678901234567890123"}],"searchedLogStreams":[]}
""",
    ),
    (
        "Datadog export with trace and span ids",
        """
{"id":"AQAAAY[[N:ksuid]]","attributes":{"service":"checkout","status":"info","message":"order placed","attributes":{"dd":{"trace_id":"[[N:int]][[N:int]]","span_id":"[[N:int]]"},"order_id":"[[N:uuid]]"}}}
""",
    ),
    (
        "HAR entry with analytics cookies and etags",
        """
{
  "request": {"method": "GET", "url": "https://acme.io/pricing", "headers": [{"name": "Accept", "value": "text/html"}]},
  "response": {"status": 200, "headers": [{"name": "ETag", "value": "\\"[[N:md5]]\\""}, {"name": "X-Request-Id", "value": "[[N:uuid]]"}]}
}
""",
    ),
    (
        "az account show",
        """
{
  "environmentName": "AzureCloud",
  "id": "[[N:uuid]]",
  "isDefault": true,
  "name": "acme-prod",
  "tenantId": "[[N:uuid]]",
  "user": {"name": "dana@acme.io", "type": "user"}
}
""",
    ),
    (
        "aws sts get-caller-identity JSON",
        """
{
    "UserId": "AIDA[[N:cid]]",
    "Account": "[[N:int]]",
    "Arn": "arn:aws:iam::[[N:int]]:user/ci-deployer"
}
""",
    ),
    (
        "gcloud iam service-accounts keys list",
        """
[
  {"keyAlgorithm": "KEY_ALG_RSA_2048", "keyOrigin": "GOOGLE_PROVIDED", "keyType": "USER_MANAGED", "name": "projects/acme-prod/serviceAccounts/deployer@acme-prod.iam.gserviceaccount.com/keys/[[N:sha1]]", "validAfterTime": "2026-01-04T10:00:00Z"}
]
""",
    ),
    (
        "docker config.json with a credential helper",
        """
{
	"auths": {"ghcr.io": {}, "registry.acme.io": {}},
	"credsStore": "desktop",
	"currentContext": "desktop-linux"
}
""",
    ),
    (
        "terraform plan JSON with sensitive markers",
        """
{"address":"aws_db_instance.main","change":{"actions":["create"],"after":{"username":"app","engine":"postgres"},"after_sensitive":{"password":true},"after_unknown":{"id":true,"password":false}}}
""",
    ),
    (
        ".mcp.json with environment references",
        """
{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN}"}
    }
  }
}
""",
    ),
    (
        "Claude Code settings with an apiKeyHelper",
        """
{
  "apiKeyHelper": "~/bin/get-anthropic-key.sh",
  "env": {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_PROFILE": "bedrock"}
}
""",
    ),
    (
        "JWKS public keys",
        """
{"keys":[{"kty":"RSA","kid":"[[N:short]]","use":"sig","alg":"RS256","n":"[[N:rsan]]","e":"AQAB"}]}
""",
    ),
    (
        "jq -C coloured ids",
        """
\x1b[1;39m{
  \x1b[0m\x1b[34;1m"id"\x1b[0m\x1b[1;39m:\x1b[0m\x1b[0;32m"[[N:uuid]]"\x1b[0m\x1b[1;39m,
  \x1b[0m\x1b[34;1m"sha"\x1b[0m\x1b[1;39m:\x1b[0m\x1b[0;32m"[[N:sha1]]"\x1b[0m\x1b[1;39m
\x1b[1;39m}\x1b[0m
""",
    ),
    (
        "OpenTelemetry span with ids",
        """
{"traceId":"[[N:trace]]","spanId":"[[N:span]]","parentSpanId":"[[N:span]]","name":"SELECT orders","kind":3,"startTimeUnixNano":"1773479521114000000","attributes":[{"key":"db.system","value":{"stringValue":"postgresql"}}]}
""",
    ),
    (
        "package-lock.json entries",
        """
    "node_modules/jsonwebtoken": {
      "version": "9.0.2",
      "resolved": "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz",
      "integrity": "[[N:integrity]]",
      "license": "MIT"
    },
""",
    ),
    (
        "npm audit --json summary",
        """
{"auditReportVersion":2,"vulnerabilities":{"jsonwebtoken":{"name":"jsonwebtoken","severity":"moderate","via":[{"source":1097690,"title":"jsonwebtoken unrestricted key type"}]}},"metadata":{"vulnerabilities":{"moderate":1,"total":1}}}
""",
    ),
    (
        "aws kms encrypt output: ciphertext blob",
        """
{
    "CiphertextBlob": "AQICAH[[N:sealed]]",
    "KeyId": "arn:aws:kms:eu-west-1:[[N:int]]:key/[[N:uuid]]",
    "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"
}
""",
    ),
    (
        "secretsmanager describe-secret (no value)",
        """
{
    "ARN": "arn:aws:secretsmanager:eu-west-1:[[N:int]]:secret:prod/db-[[N:short]]",
    "Name": "prod/db",
    "RotationEnabled": true,
    "VersionIdsToStages": {"[[N:uuid]]": ["AWSCURRENT"], "[[N:uuid]]": ["AWSPREVIOUS"]}
}
""",
    ),
    (
        "GitHub Actions repository public key",
        """
{
  "key_id": "[[N:int]][[N:int]]",
  "key": "[[N:b64key]]"
}
""",
    ),
    (
        "Sentry event with filtered headers",
        """
{"event_id":"[[N:md5]]","request":{"url":"https://app.acme.io/settings","headers":{"Authorization":"[Filtered]","Cookie":"[Filtered]"}},"level":"error"}
""",
    ),
    (
        "ECS task definition secrets from ARNs",
        """
"secrets": [
    {"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:eu-west-1:[[N:int]]:secret:prod/db-[[N:short]]:password::"},
    {"name": "STRIPE_SECRET_KEY", "valueFrom": "arn:aws:ssm:eu-west-1:[[N:int]]:parameter/prod/stripe"}
],
""",
    ),
    (
        "Lambda configuration with KMS and SSM names",
        """
{"FunctionName":"billing","KMSKeyArn":"arn:aws:kms:eu-west-1:[[N:int]]:key/[[N:uuid]]","Environment":{"Variables":{"STRIPE_KEY_PARAM":"/prod/stripe/secret-key"}},"CodeSha256":"[[N:b64key]]","RevisionId":"[[N:uuid]]"}
""",
    ),
    (
        "Postman environment with empty secret values",
        """
{"name":"prod","values":[{"key":"apiKey","value":"","type":"secret","enabled":true},{"key":"baseUrl","value":"https://api.acme.io","type":"default"}]}
""",
    ),
    (
        "Keycloak export with a masked secret",
        """
{"clientId":"billing-service","enabled":true,"clientAuthenticatorType":"client-secret","secret":"**********","redirectUris":["https://billing.acme.io/*"]}
""",
    ),
    (
        "gh api commit JSON",
        """
{"sha":"[[N:sha1]]","node_id":"C_kwDOA[[N:ksuid]]","commit":{"message":"Rotate the webhook secret reference","tree":{"sha":"[[N:sha1]]"}},"parents":[{"sha":"[[N:sha1]]"}]}
""",
    ),
    (
        "Slack chat.postMessage response",
        """
{"ok":true,"channel":"C[[N:cid]]","ts":"1773479521.114019","message":{"bot_id":"B[[N:cid]]","type":"message","text":"deploy [[N:short]] finished"}}
""",
    ),
    (
        "OCI image manifest",
        """
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:[[N:sha256]]","size":7023},"layers":[{"digest":"sha256:[[N:sha256]]","size":31457280}]}
""",
    ),
    (
        "composer.lock entries",
        """
{"name":"firebase/php-jwt","version":"v6.10.1","source":{"type":"git","url":"https://github.com/firebase/php-jwt.git","reference":"[[N:sha1]]"},"dist":{"shasum":"","reference":"[[N:sha1]]"}}
""",
    ),
    (
        "launch.json with an env file reference",
        """
{"type":"python","request":"launch","name":"worker","program":"${workspaceFolder}/worker.py","envFile":"${workspaceFolder}/.env.local"}
""",
    ),
    (
        "Auth0 error response",
        """
{"error":"invalid_grant","error_description":"Unknown or invalid refresh token.","trace_id":"[[N:trace]]"}
""",
    ),
    (
        "JSON log with hashed token and masked email",
        """
{"ts":"2026-03-14T09:12:01.114Z","msg":"api key used","key_prefix":"ak_7Fq2","key_sha256":"[[N:sha256]]","user":"d***@acme.io"}
""",
    ),
    (
        "Loki query result with trace ids",
        """
{"status":"success","data":{"resultType":"streams","result":[{"stream":{"app":"api"},"values":[["1773479521114000000","level=info msg=done trace_id=[[N:trace]] took=12ms"]]}]}}
""",
    ),
    (
        "docker logs JSON file line with colour escapes and ids",
        """
{"log":"\\u001b[32minfo\\u001b[39m: job [[N:uuid]] done in 1.2s\\n","stream":"stdout","time":"2026-03-14T09:12:01.114Z"}
""",
    ),
    (
        "Vault sys/mounts JSON",
        """
{"secret/":{"accessor":"kv_[[N:span]]","type":"kv","options":{"version":"2"},"uuid":"[[N:uuid]]"},"sys/":{"accessor":"system_[[N:span]]","type":"system"}}
""",
    ),
]


if __name__ == "__main__":
    main()
