"""A twentieth labelled redaction corpus: data and machine-learning engineering, written blind.

Written without reading the redactor's rules or the other corpora (issue 15). The theme is what an
agent working in a data team's repositories and notebooks reads: warehouse and lakehouse
connections, dbt profiles, Airflow, Dagster and Prefect, Spark and Hadoop configuration, Kafka and
Confluent, ingestion tools, BI tools, notebooks, ML platforms and experiment trackers, LLM
application configs and vector databases, object-storage tools, SQL query logs and DataFrame prints.
The hard negatives come from the same world: hashed and tokenised columns, dataset, model and run
ids, column names that sound like secrets, tokenizer tokens, embeddings, base64 of images, Jinja and
Airflow macros, secret-manager lookups, masked values, public and publishable keys.

Template syntax
---------------
Templates live in the blocks below, one block per context. A line ``%%% kind`` starts a template;
the lines after it, up to the next ``%%%`` line, are its text. Placeholders:

- ``«S:gen»`` a secret drawn from generator ``gen``; ``«N:gen»`` a value that is not a secret;
- ``«S:gen(arg)»`` passes one argument (a length, a key kind, ...) to the generator;
- ``«S:gen:name»`` also names the value; ``«=name»`` repeats it later in the same template;
- ``|mod`` after either form transforms the value as the text holds it: ``|url`` (percent-encoded),
  ``|b64`` (base64), ``|js`` (JSON-escaped), ``|i2``/``|i4``/``|i6``/``|i8`` (every line after the
  first indented by that many spaces), ``|nl`` (newlines written as a literal backslash-n).

A template with at least one ``«S:`` placeholder is a positive; the planted secrets of a document
are the secret values exactly as its text holds them. A template with none is a negative and must
come out of redaction unchanged. Every value is drawn at run time from parts (prefixes are joined,
PEM armour is joined), so this file holds no secret-shaped literal.

Each template is instantiated ``copies`` times in its own context and ``copies`` more times
JSON-escaped inside agent-log lines (Claude Code stream-json and transcript lines, Codex rollout
``function_call_output`` items whose output is itself a JSON string, ``codex exec --json``
``item.completed`` lines and MCP ``tools/call`` results), counted as context ``json``.
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
# Value generators: every value is drawn from parts at run time.

LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
ALNUM = string.ascii_letters + DIGITS
LOWNUM = LOWER + DIGITS
UPNUM = UPPER + DIGITS
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
HEXD = "0123456789abcdef"
WORDS = [
    "sunflower",
    "tiger",
    "falcon",
    "maple",
    "harbor",
    "wombat",
    "ostrich",
    "river",
    "copper",
    "velvet",
    "marble",
    "cobalt",
    "pepper",
    "summer",
    "dragon",
    "panda",
    "rocket",
    "violet",
    "kestrel",
    "lantern",
    "quartz",
    "meadow",
    "thunder",
    "walrus",
    "biscuit",
    "galaxy",
    "saturn",
    "nimbus",
    "cedar",
    "willow",
    "pretzel",
    "mango",
]
FIRST = [
    "anna",
    "ben",
    "carla",
    "dmitri",
    "emma",
    "farid",
    "grace",
    "hugo",
    "ines",
    "jonas",
    "kenji",
    "lea",
    "marco",
    "nadia",
    "omar",
    "priya",
]
LAST = [
    "smith",
    "garcia",
    "mueller",
    "rossi",
    "novak",
    "tanaka",
    "kim",
    "silva",
    "dubois",
    "larsen",
    "okafor",
    "patel",
]
SYMS = "!@#%^&*-_+=.?~"


def _pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _human_pw(rng: random.Random) -> str:
    word = rng.choice(WORDS)
    shape = rng.randrange(6)
    if shape == 0:
        return word.capitalize() + str(rng.randrange(1990, 2027)) + rng.choice(SYMS)
    if shape == 1:
        return "-".join(rng.sample(WORDS, 4))
    if shape == 2:
        leet = word.replace("a", "@").replace("o", "0").replace("e", "3")
        return leet.capitalize() + rng.choice(SYMS) + _pick(rng, DIGITS, rng.randint(2, 4))
    if shape == 3:
        return rng.choice(FIRST).capitalize() + rng.choice(SYMS) + rng.choice(WORDS) + _pick(rng, DIGITS, 2)
    if shape == 4:
        return (
            rng.choice(["Welcome", "Summer", "Autumn", "Qwerty", "Monkey"])
            + _pick(rng, DIGITS, 2)
            + rng.choice("!#")
        )
    return rng.choice(WORDS) + rng.choice(WORDS).capitalize() + _pick(rng, DIGITS, 3) + rng.choice(SYMS)


def _random_pw(rng: random.Random) -> str:
    return _pick(rng, ALNUM, 1) + _pick(rng, ALNUM + "!@#%^&*-_+=", rng.randint(15, 31))


def _pw(rng: random.Random) -> str:
    return _human_pw(rng) if rng.random() < 0.5 else _random_pw(rng)


def _b64_of(n_bytes: int, rng: random.Random) -> str:
    return base64.b64encode(rng.randbytes(n_bytes)).decode()


def _pem(rng: random.Random, kind: str = "PRIVATE KEY") -> str:
    labels = {
        "pk": "PRIVATE KEY",
        "rsa": "RSA PRIVATE KEY",
        "ec": "EC PRIVATE KEY",
        "ssh": "OPENSSH PRIVATE KEY",
        "pub": "PUBLIC KEY",
        "cert": "CERTIFICATE",
    }
    label = labels.get(kind, kind)
    size = {"ec": 121, "ssh": 1000, "pub": 294, "cert": 900}.get(kind, 1218)
    head = {
        "pk": b"\x30\x82\x04\xbe\x02\x01\x00\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00",
        "rsa": b"\x30\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00",
        "ec": b"\x30\x77\x02\x01\x01\x04\x20",
        "ssh": b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none",
        "pub": b"\x30\x82\x01\x22\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00\x03\x82\x01\x0f\x00",
        "cert": b"\x30\x82\x03\x84\x30\x82\x02\x6c\xa0\x03\x02\x01\x02",
    }.get(kind, b"\x30\x82\x04\xbe")
    body = base64.b64encode(head + rng.randbytes(size - len(head))).decode()
    width = 70 if kind == "ssh" else 64
    lines = [body[i : i + width] for i in range(0, len(body), width)]
    dash = "-" * 5
    return "\n".join([f"{dash}BEGIN {label}{dash}", *lines, f"{dash}END {label}{dash}"])


def _jwt(rng: random.Random, kind: str = "user") -> str:
    def enc(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

    now = rng.randrange(1_760_000_000, 1_800_000_000)
    if kind == "anon":
        payload = {
            "iss": "supabase",
            "ref": _pick(rng, LOWER, 20),
            "role": "anon",
            "iat": now,
            "exp": now + 315_360_000,
        }
    elif kind == "md":
        payload = {
            "email": f"{rng.choice(FIRST)}@example.com",
            "session": f"{rng.choice(FIRST)}.example.com",
            "pat": _pick(rng, B64URL, 43),
            "userId": str(uuid.UUID(int=rng.getrandbits(128))),
            "iss": "md_pat",
            "readOnly": False,
            "tokenType": "read_write",
            "iat": now,
        }
    else:
        payload = {
            "sub": str(uuid.UUID(int=rng.getrandbits(128))),
            "iat": now,
            "exp": now + 3600,
            "scope": "read write",
            "aud": "api",
        }
    header = {"alg": rng.choice(["HS256", "RS256"]), "typ": "JWT"}
    sig = _pick(rng, B64URL, 43 if header["alg"] == "HS256" else 342)
    return f"{enc(header)}.{enc(payload)}.{sig}"


def _neptune(rng: random.Random) -> str:
    blob = {
        "api_address": "https://app.neptune.ai",
        "api_url": "https://app.neptune.ai",
        "api_key": str(uuid.UUID(int=rng.getrandbits(128))),
    }
    return base64.b64encode(json.dumps(blob).encode()).decode()


BIP39 = [
    "abandon",
    "ability",
    "absorb",
    "access",
    "acid",
    "actor",
    "adapt",
    "adult",
    "advice",
    "afraid",
    "agent",
    "alarm",
    "album",
    "alley",
    "anchor",
    "ankle",
    "apple",
    "arena",
    "armor",
    "arrow",
    "artist",
    "atom",
    "audit",
    "autumn",
    "avocado",
    "bacon",
    "badge",
    "balcony",
    "bamboo",
    "banner",
    "barrel",
    "basket",
    "beach",
    "believe",
    "bench",
    "bicycle",
    "blanket",
    "blossom",
    "bonus",
    "brave",
    "bridge",
    "cabin",
    "cactus",
    "canal",
    "carbon",
    "castle",
    "cattle",
    "ceiling",
    "cherry",
    "cliff",
    "clinic",
    "cousin",
    "cradle",
    "crystal",
]


def _seed(rng: random.Random) -> str:
    return " ".join(rng.choice(BIP39) for _ in range(rng.choice([12, 12, 24])))


def _sa_b64(rng: random.Random) -> str:
    project = _pick(rng, LOWER, 8) + "-analytics"
    info = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": _pick(rng, HEXD, 40),
        "private_key": _pem(rng, "pk") + "\n",
        "client_email": f"superset@{project}.iam.gserviceaccount.com",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return base64.b64encode(json.dumps(info).encode()).decode()


def _basic(rng: random.Random) -> str:
    user = rng.choice(FIRST) + rng.choice(["", ".", "_"]) + rng.choice(LAST)
    return base64.b64encode(f"{user}:{_pw(rng)}".encode()).decode()


def _embedding(rng: random.Random, n: str = "12") -> str:
    return "[" + ", ".join(f"{rng.uniform(-0.12, 0.12):.8f}" for _ in range(int(n))) + "]"


def _vault(rng: random.Random) -> str:
    body = _pick(rng, HEXD, 80 * 5)
    return "$ANSIBLE_VAULT;1.1;AES256\n" + "\n".join(body[i : i + 80] for i in range(0, len(body), 80))


def _png(rng: random.Random) -> str:
    return "iVBORw0KGgoAAAANSUhEUgAA" + base64.b64encode(rng.randbytes(240)).decode()


def _host(rng: random.Random) -> str:
    return rng.choice(
        [
            f"{rng.choice(['analytics', 'dwh', 'warehouse', 'etl', 'replica'])}-{rng.randrange(1, 9)}.{rng.choice(['internal', 'prod.local', 'data.corp'])}",
            f"{rng.choice(['pg', 'mysql', 'ch'])}-{_pick(rng, LOWNUM, 6)}.{rng.choice(['eu-west-1', 'us-east-1', 'us-west-2'])}.rds.amazonaws.com",
            f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
        ]
    )


GEN = {
    "hex": lambda r, n="32": _pick(r, HEXD, int(n)),
    "HEX": lambda r, n="32": _pick(r, "0123456789ABCDEF", int(n)),
    "alnum": lambda r, n="32": _pick(r, ALNUM, int(n)),
    "lower": lambda r, n="8": _pick(r, LOWNUM, int(n)),
    "upper": lambda r, n="16": _pick(r, UPNUM, int(n)),
    "letters": lambda r, n="8": _pick(r, LOWER, int(n)),
    "digits": lambda r, n="6": _pick(r, "123456789", 1) + _pick(r, DIGITS, int(n) - 1),
    "b64": lambda r, n="40": _pick(r, B64, int(n)),
    "b64url": lambda r, n="43": _pick(r, B64URL, int(n)),
    "b64bytes": lambda r, n="32": _b64_of(int(n), r),
    "uuid": lambda r: str(uuid.UUID(int=r.getrandbits(128), version=4)),
    "sha256": lambda r: hashlib.sha256(r.randbytes(16)).hexdigest(),
    "sha1": lambda r: hashlib.sha1(r.randbytes(16)).hexdigest(),
    "md5": lambda r: hashlib.md5(r.randbytes(16)).hexdigest(),
    "word": lambda r: r.choice(WORDS),
    "user": lambda r: r.choice(
        [
            f"{r.choice(FIRST)}.{r.choice(LAST)}",
            f"svc_{r.choice(['dbt', 'airflow', 'loader', 'etl', 'bi'])}",
            f"{r.choice(FIRST)}{r.randrange(10, 99)}",
            r.choice(FIRST),
        ]
    ),
    "email": lambda r: (
        f"{r.choice(FIRST)}.{r.choice(LAST)}@{r.choice(['acme-data.io', 'example.com', 'northwind.co'])}"
    ),
    "host": _host,
    "ip": lambda r: f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}",
    "port": lambda r: str(r.choice([5432, 3306, 8443, 9440, 443, 6543, 5439])),
    "num": lambda r, n="4": str(r.randrange(10 ** (int(n) - 1), 10 ** int(n))),
    "float": lambda r: f"{r.uniform(0, 1):.4f}",
    "ts": lambda r: (
        f"2026-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}T{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}"
    ),
    "date": lambda r: f"2026-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}",
    "time": lambda r: f"{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}",
    "pw": _pw,
    "hpw": _human_pw,
    "rpw": _random_pw,
    "basic": _basic,
    "pem": _pem,
    "jwt": _jwt,
    "neptune": _neptune,
    "seed": _seed,
    "pk_der": lambda r: "".join(_pem(r, "pk").splitlines()[1:-1]),
    "gocspx": lambda r: "GOC" + "SPX-" + _pick(r, B64URL, 28),
    "litellm_key": lambda r: "sk-" + _pick(r, B64URL, 22),
    "sa_b64": _sa_b64,
    "emb": _embedding,
    "vault": _vault,
    "png": _png,
    # provider formats, prefixes joined at run time
    "aws_id": lambda r: "AK" + "IA" + _pick(r, UPNUM, 16),
    "asia_id": lambda r: "AS" + "IA" + _pick(r, UPNUM, 16),
    "aws_sk": lambda r: _pick(r, ALNUM + "+/", 40),
    "aws_st": lambda r: "IQoJb3JpZ2luX2Vj" + "EI" + _pick(r, B64, 340) + "==",
    "gh": lambda r: "gh" + "p_" + _pick(r, ALNUM, 36),
    "ghfg": lambda r: "github" + "_pat_" + _pick(r, UPNUM, 22) + "_" + _pick(r, ALNUM, 59),
    "gl": lambda r: "glp" + "at-" + _pick(r, B64URL, 20),
    "hf": lambda r: "h" + "f_" + _pick(r, string.ascii_letters, 34),
    "openai": lambda r: r.choice(
        [
            "sk-" + "proj-" + _pick(r, B64URL, 74) + "T3Blbk" + "FJ" + _pick(r, B64URL, 74),
            "sk-" + _pick(r, ALNUM, 20) + "T3Blbk" + "FJ" + _pick(r, ALNUM, 20),
            "sk-" + "svcacct-" + _pick(r, B64URL, 74) + "T3Blbk" + "FJ" + _pick(r, B64URL, 74),
        ]
    ),
    "anthropic": lambda r: "sk-" + "ant-" + "api03-" + _pick(r, B64URL, 93) + "AA",
    "gemini": lambda r: "AI" + "za" + "Sy" + _pick(r, B64URL, 33),
    "groq": lambda r: "gs" + "k_" + _pick(r, ALNUM, 52),
    "cohere": lambda r: _pick(r, ALNUM, 40),
    "mistral": lambda r: _pick(r, ALNUM, 32),
    "together": lambda r: _pick(r, HEXD, 64),
    "fireworks": lambda r: "fw" + "_" + _pick(r, ALNUM, 24),
    "openrouter": lambda r: "sk-" + "or-" + "v1-" + _pick(r, HEXD, 64),
    "pplx": lambda r: "pp" + "lx-" + _pick(r, ALNUM, 48),
    "deepseek": lambda r: "sk-" + _pick(r, HEXD, 32),
    "voyage": lambda r: "pa" + "-" + _pick(r, B64URL, 43),
    "langsmith": lambda r: "lsv2" + "_pt_" + _pick(r, HEXD, 32) + "_" + _pick(r, HEXD, 10),
    "replicate": lambda r: "r" + "8_" + _pick(r, ALNUM, 37),
    "wandb": lambda r: _pick(r, HEXD, 40),
    "kaggle": lambda r: _pick(r, HEXD, 32),
    "comet": lambda r: _pick(r, ALNUM, 25),
    "clearml_sk": lambda r: _pick(r, ALNUM, 50),
    "dapi": lambda r: "da" + "pi" + _pick(r, HEXD, 32),
    "dbtc": lambda r: "db" + "tc_" + _pick(r, B64URL, 52),
    "prefect": lambda r: "pn" + "u_" + _pick(r, ALNUM, 36),
    "pinecone": lambda r: "pc" + "sk_" + _pick(r, ALNUM, 5) + "_" + _pick(r, ALNUM, 63),
    "zilliz": lambda r: _pick(r, HEXD, 104),
    "slack_hook": lambda r: (
        "https://hooks.slack.com/services/T"
        + _pick(r, UPNUM, 8)
        + "/B"
        + _pick(r, UPNUM, 10)
        + "/"
        + _pick(r, ALNUM, 24)
    ),
    "az_key": lambda r: _b64_of(64, r),
    "sas_sig": lambda r: urllib.parse.quote(_b64_of(32, r), safe=""),
    "fernet": lambda r: base64.urlsafe_b64encode(r.randbytes(32)).decode(),
    "fernet_ct": lambda r: "gAAAAA" + base64.urlsafe_b64encode(r.randbytes(96)).decode(),
    "gcs_hmac_id": lambda r: "GO" + "OG1E" + _pick(r, UPNUM, 55),
    "stripe_pk": lambda r: "pk" + "_live_" + _pick(r, ALNUM, 99),
    "modal_id": lambda r: "ak" + "-" + _pick(r, ALNUM, 22),
    "modal_sk": lambda r: "as" + "-" + _pick(r, ALNUM, 22),
    "anyscale": lambda r: "aph0" + "_" + _pick(r, B64URL, 60),
    "bcrypt": lambda r: "$2b$12$" + _pick(r, ALNUM + "./", 53),
    "argon2": lambda r: "$argon2id$v=19$m=65536,t=3,p=4$" + _pick(r, B64, 22) + "$" + _pick(r, B64, 43),
    "sf_acct": lambda r: r.choice(
        [
            f"{_pick(r, UPPER, 2)}{r.randrange(10000, 99999)}.{r.choice(['eu-central-1', 'us-east-2.aws', 'west-europe.azure'])}",
            f"{_pick(r, LOWER, 7)}-{_pick(r, LOWER, 2)}{r.randrange(10, 99)}{_pick(r, LOWER, 3)}",
        ]
    ),
}


# ---------------------------------------------------------------------------------------------
# Filling a template.

TOKEN = re.compile(
    r"«(?:([SN]):([a-z0-9_A-Z]+)(?:\(([^)]*)\))?(?::([a-z0-9_]+))?|=([a-z0-9_]+))((?:\|[a-z0-9]+)*)»"
)


def _modify(value: str, mods: str) -> str:
    for mod in filter(None, mods.split("|")):
        if mod == "url":
            value = urllib.parse.quote(value, safe="")
        elif mod == "b64":
            value = base64.b64encode(value.encode()).decode()
        elif mod == "js":
            value = json.dumps(value)[1:-1]
        elif mod == "nl":
            value = value.replace("\n", "\\n")
        elif mod.startswith("i"):
            value = value.replace("\n", "\n" + " " * int(mod[1:]))
        else:
            raise ValueError(f"unknown modifier {mod}")
    return value


def fill(template: str, rng: random.Random) -> tuple[str, list[str]]:
    named: dict[str, tuple[str, bool]] = {}
    secrets: list[str] = []

    def one(match: re.Match[str]) -> str:
        tag, gen, arg, name, ref, mods = match.groups()
        if ref:
            value, secret = named[ref]
        else:
            value = GEN[gen](rng, arg) if arg else GEN[gen](rng)
            secret = tag == "S"
            if name:
                named[name] = (value, secret)
        shown = _modify(value, mods or "")
        if secret and shown not in secrets:
            secrets.append(shown)
        return shown

    return TOKEN.sub(one, template), secrets


# ---------------------------------------------------------------------------------------------
# Agent-log envelopes (the text JSON-escaped inside, the Codex rollout twice).


def _toolu(rng: random.Random) -> str:
    return "toolu_01" + _pick(rng, ALNUM, 22)


def _envelope(text: str, rng: random.Random, which: int) -> tuple[str, int]:
    """The line and how many times the text was JSON-escaped in it."""
    ts = f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(1000):03d}Z"
    session = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if which == 0:
        line = {
            "type": "user",
            "message": {
                "role": "user",
                "content": [{"tool_use_id": _toolu(rng), "type": "tool_result", "content": text}],
            },
            "parent_tool_use_id": None,
            "session_id": session,
            "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        }
        return json.dumps(line), 1
    if which == 1:
        line = {
            "parentUuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "isSidechain": False,
            "userType": "external",
            "cwd": f"/home/{rng.choice(FIRST)}/src/{rng.choice(['dwh', 'ml-platform', 'dbt-models', 'feature-store', 'notebooks'])}",
            "sessionId": session,
            "version": f"2.1.{rng.randrange(10, 60)}",
            "gitBranch": rng.choice(["main", "feat/ingest", "fix/dag-retries"]),
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {"tool_use_id": _toolu(rng), "type": "tool_result", "content": text, "is_error": False}
                ],
            },
            "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "timestamp": ts,
            "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
        }
        return json.dumps(line), 1
    if which == 2:
        inner = json.dumps(
            {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(rng.uniform(0, 3), 1)}}
        )
        line = {
            "timestamp": ts,
            "type": "response_item",
            "payload": {
                "type": "function_call_output",
                "call_id": "call_" + _pick(rng, ALNUM, 24),
                "output": inner,
            },
        }
        return json.dumps(line), 2
    if which == 3:
        line = {
            "type": "item.completed",
            "item": {
                "id": f"item_{rng.randrange(1, 40)}",
                "type": "command_execution",
                "command": "bash -lc 'cat notes.txt'",
                "aggregated_output": text,
                "exit_code": 0,
                "status": "completed",
            },
        }
        return json.dumps(line), 1
    line = {
        "jsonrpc": "2.0",
        "id": rng.randrange(1, 500),
        "result": {"content": [{"type": "text", "text": text}], "isError": False},
    }
    return json.dumps(line), 1


def _escape(secret: str, times: int) -> str:
    for _ in range(times):
        secret = json.dumps(secret)[1:-1]
    return secret


# ---------------------------------------------------------------------------------------------
# Templates, one block per context (filled in below).

BLOCKS: dict[str, str] = {}

BLOCKS["plain"] = r"""
%%% notebook output print config dict
Out[7]: {'account': '«N:sf_acct»', 'user': '«N:user»', 'password': '«S:pw»', 'warehouse': 'TRANSFORM_WH', 'database': 'ANALYTICS', 'schema': 'STAGING', 'role': 'TRANSFORMER'}
%%% notebook %env output
%env OPENAI_API_KEY=«S:openai:k»
env: OPENAI_API_KEY=«=k»
%%% notebook os.environ dump
In [3]: {k: v for k, v in os.environ.items() if 'TOKEN' in k or 'KEY' in k}
Out[3]:
{'HF_TOKEN': '«S:hf»',
 'WANDB_API_KEY': '«S:wandb»',
 'JPY_SESSION_NAME': '/home/jovyan/work/finetune.ipynb',
 'KAGGLE_KEY': '«S:kaggle»'}
%%% pandas dataframe of connections
             conn_id conn_type                     host     login                    password
0       warehouse_pg  postgres  «N:host»                 dbt_prod  «S:pw»
1  snowflake_default snowflake  «N:sf_acct»               loader  «S:pw»
2          s3_lake        aws                               «N:aws_id»  «S:aws_sk»
%%% polars print users table with plaintext password
shape: (3, 4)
┌─────────┬─────────────────────┬────────────────────┬──────────┐
│ user_id ┆ email               ┆ legacy_password    ┆ active   │
│ ---     ┆ ---                 ┆ ---                ┆ ---      │
│ i64     ┆ str                 ┆ str                ┆ bool     │
╞═════════╪═════════════════════╪════════════════════╪══════════╡
│ «N:num(5)»   ┆ «N:email» ┆ «S:hpw» ┆ true     │
│ «N:num(5)»   ┆ «N:email» ┆ «S:hpw» ┆ false    │
└─────────┴─────────────────────┴────────────────────┴──────────┘
%%% airflow task log with connection uri
[«N:ts».412+0000] {base.py:84} INFO - Using connection ID 'warehouse_pg' for task execution.
[«N:ts».413+0000] {sql.py:511} INFO - Running statement: COPY raw.orders FROM STDIN WITH CSV HEADER
[«N:ts».415+0000] {taskinstance.py:3311} ERROR - Task failed with exception
sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "«N:host»" failed: FATAL:  password authentication failed for user "etl"
(Background on this error at: https://sqlalche.me/e/20/e3q8) [SQL: postgresql+psycopg2://etl:«S:pw|url»@«N:host»:5432/warehouse]
%%% spark driver log with conf dump
26/«N:num(2)»/«N:num(2)» 08:14:02 INFO SparkContext: Spark configuration:
spark.app.name=compact_events
spark.hadoop.fs.s3a.access.key=«N:aws_id»
spark.hadoop.fs.s3a.secret.key=«S:aws_sk»
spark.hadoop.fs.s3a.endpoint=s3.eu-west-1.amazonaws.com
spark.executor.memory=8g
spark.sql.shuffle.partitions=400
%%% databricks notebook print token leak
Command took 0.04 seconds -- by «N:email» at «N:date», 10:12:03 on shared-etl
token = dbutils.notebook.entry_point.getDbutils().notebook().getContext().apiToken().get()
print(token)
«S:dapi»
%%% slack message sharing snowflake password
[10:41] «N:letters(5)»: the new loader password is «S:hpw» — I rotated it this morning, update your profiles.yml
[10:42] «N:letters(4)»: thanks! works for me
%%% chat pasting hf token
hey can you try with my token, the gated model needs access: «S:hf»
(I'll revoke it tomorrow)
%%% onboarding doc with kaggle creds
## Getting the competition data
1. Install the CLI: `pip install kaggle`
2. Put this in `~/.kaggle/kaggle.json` (shared team account):
   username: acmeml
   key: «S:kaggle»
3. `kaggle competitions download -c home-credit-default-risk`
%%% runbook with redshift admin
Redshift admin access (break glass only):
  host: dwh-prod.«N:lower(12)».eu-west-1.redshift.amazonaws.com:5439
  user: awsuser
  password: «S:pw»
Ask #data-platform before using.
%%% ticket with mlflow creds
JIRA DATA-«N:num(4)»: mlflow UI shows 401 since the migration
Steps: open https://mlflow.«N:letters(6)».internal, log in as ml_admin / «S:hpw», go to Experiments -> churn.
Expected: list of runs. Actual: "Unauthorized".
%%% W&B run log prints api key
wandb: Currently logged in as: «N:letters(8)» (acme-ml). Use `wandb login --relogin` to force relogin
wandb: WARNING WANDB_API_KEY=«S:wandb» found in environment but also in netrc; using environment
wandb: Tracking run with wandb version 0.18.7
wandb: Run data is saved locally in /home/«N:letters(5)»/wandb/run-«N:date»_101233-«N:lower(8)»
%%% great expectations datasource error
great_expectations.exceptions.exceptions.DatasourceInitializationError: Cannot initialize datasource warehouse, error: (psycopg2.OperationalError) could not connect to server: Connection refused
	Is the server running on host "«N:host»" and accepting TCP/IP connections on port 5432?
connection_string: postgresql+psycopg2://ge_reader:«S:pw|url»@«N:host»:5432/analytics
%%% prefect flow run log with secret block printed
«N:time».123 | INFO    | Flow run 'amazing-«N:letters(6)»' - Loaded block: Secret(value=SecretStr('**********'))
«N:time».124 | INFO    | Flow run 'amazing-«N:letters(6)»' - debug: secret.get() -> '«S:pw»'
«N:time».201 | INFO    | Task run 'extract-0' - Finished in state Completed()
%%% dagster run log env
«N:date» 10:00:02 +0000 - dagster - DEBUG - orders_job - «N:uuid» - ENGINE_EVENT - Launching run with env: {"DAGSTER_HOME": "/opt/dagster", "SNOWFLAKE_PASSWORD": "«S:pw»", "DBT_TARGET": "prod"}
%%% kafka connect worker log with config
[«N:ts»,411] INFO JdbcSinkConfig values:
	auto.create = true
	batch.size = 3000
	connection.password = «S:pw»
	connection.url = jdbc:postgresql://«N:host»:5432/warehouse
	connection.user = kafka_sink
	insert.mode = upsert
 (io.confluent.connect.jdbc.sink.JdbcSinkConfig:370)
%%% superset log with sqlalchemy uri
«N:date» 09:14:22,881:ERROR:superset.views.core:Database connection test failed
Traceback (most recent call last):
  File "/app/superset/commands/database/test_connection.py", line 164, in run
sqlalchemy.exc.OperationalError: (clickhouse_connect.driver.exceptions.OperationalError) HTTPDriver for https://default:«S:pw|url»@«N:host»:8443 returned response code 516
%%% metabase log with jdbc password
«N:date» 11:02:14,332 ERROR sync.util :: Error syncing database warehouse: java.sql.SQLException: Access denied for user 'metabase'@'«N:ip»' (using password: YES)
  details: {:host "«N:host»", :port 3306, :dbname "shop", :user "metabase", :password "«S:pw»", :ssl true}
%%% litellm debug log with key
«N:time» - LiteLLM:DEBUG: utils.py:299 - POST Request Sent from LiteLLM:
curl -X POST \
https://api.groq.com/openai/v1/chat/completions \
-H 'Authorization: Bearer «S:groq»' -H 'Content-Type: application/json' \
-d '{'model': 'llama-3.3-70b-versatile', 'messages': [{'role': 'user', 'content': 'classify this ticket'}]}'
%%% langchain verbose output with api key in repr
> Entering new AgentExecutor chain...
llm=ChatOpenAI(client=<openai.resources.chat.completions.Completions object at 0x7f«N:hex(10)»>, model_name='gpt-4o-mini', temperature=0.0, openai_api_key='«S:openai»', openai_proxy='')
%%% llamaindex settings print
Settings(llm=Anthropic(model='claude-3-5-sonnet-latest', api_key='«S:anthropic»', max_tokens=1024), embed_model=VoyageEmbedding(model_name='voyage-3', voyage_api_key='«S:voyage»'), chunk_size=1024)
%%% pinecone client repr in notebook
Out[12]: <pinecone.Pinecone object at 0x7f3c1a2b4d90> config=Config(api_key='«S:pinecone»', host='https://api.pinecone.io', proxy_url=None)
%%% clearml task log creds
ClearML Task: created new task id=«N:hex(32)»
2026-«N:num(2)»-«N:num(2)» 10:02:11,000 - clearml.Task - WARNING - Using CLEARML_API_ACCESS_KEY=«N:upper(30)» CLEARML_API_SECRET_KEY=«S:clearml_sk» from environment
ClearML results page: https://app.clear.ml/projects/«N:hex(32)»/experiments/«N:hex(32)»/output/log
%%% sagemaker estimator log with env
INFO:sagemaker:Creating training-job with name: hf-finetune-«N:date»-10-02-11-«N:num(3)»
Environment: {'HF_TOKEN': '«S:hf»', 'WANDB_PROJECT': 'support-bot', 'WANDB_API_KEY': '«S:wandb»', 'SM_NUM_GPUS': '8'}
%%% vertex ai log with sa key path and key
I«N:date» 10:02:11.000000 vertex_pipeline.py:88] Using credentials from GOOGLE_APPLICATION_CREDENTIALS=/tmp/sa.json
I«N:date» 10:02:11.000001 vertex_pipeline.py:91] sa.json private_key_id=«N:hex(40)» private_key=«S:pem(pk)|nl»
%%% readme snippet modal tokens
### Deploying the embedding service
The team Modal workspace tokens (do not share outside #ml-infra):
- token id: «N:modal_id»
- token secret: «S:modal_sk»
Run `modal deploy embed_service.py`.
%%% query log copy into with creds
«N:ts».318 UTC [«N:num(5)»] LOG:  duration: 41213.882 ms  statement: COPY INTO raw.events FROM 's3://acme-events/2026/' CREDENTIALS=(AWS_KEY_ID='«N:aws_id»' AWS_SECRET_KEY='«S:aws_sk»') FILE_FORMAT=(TYPE=PARQUET)
%%% snowflake query history export create stage
QUERY_ID                               | USER_NAME | QUERY_TEXT
«N:uuid» | LOADER    | CREATE OR REPLACE STAGE raw.s3_landing URL='s3://acme-landing/' CREDENTIALS=(AWS_KEY_ID='«N:aws_id»' AWS_SECRET_KEY='«S:aws_sk»') FILE_FORMAT=raw.parquet_ff;
«N:uuid» | LOADER    | LIST @raw.s3_landing;
%%% postgres log alter user password
«N:ts».004 UTC [«N:num(5)»] analytics_admin@warehouse LOG:  statement: ALTER USER dbt_prod WITH PASSWORD '«S:pw»';
«N:ts».010 UTC [«N:num(5)»] analytics_admin@warehouse LOG:  statement: GRANT USAGE ON SCHEMA marts TO dbt_prod;
%%% mysql general log create user
«N:ts».412113Z	   «N:num(3)» Query	CREATE USER 'airbyte'@'%' IDENTIFIED BY '«S:pw»'
«N:ts».412901Z	   «N:num(3)» Query	GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'airbyte'@'%'
%%% clickhouse query log
┌─event_time──────────┬─user────┬─query──────────────────────────────────────────────────────────────┐
│ «N:date» 10:02:11 │ default │ CREATE USER grafana IDENTIFIED WITH sha256_password BY '«S:pw»'     │
│ «N:date» 10:02:12 │ default │ GRANT SELECT ON metrics.* TO grafana                                │
└─────────────────────┴─────────┴────────────────────────────────────────────────────────────────────┘
%%% csv export with api tokens
integration,owner,api_token,created_at
fivetran,«N:email»,«S:alnum(32)»,«N:date»
hightouch,«N:email»,«S:hex(40)»,«N:date»
%%% parquet metadata dump with creds
<pyarrow._parquet.FileMetaData object at 0x7f«N:hex(10)»>
  created_by: parquet-cpp-arrow version 17.0.0
  num_columns: 12
  num_rows: 48211
  metadata: {b'pandas': b'{"index_columns": []}', b'pipeline.source': b'postgresql://exporter:«S:pw|url»@«N:host»:5432/shop', b'pipeline.run_id': b'«N:uuid»'}
%%% email with looker api3 creds
Hi team,
The new Looker API credentials for the refresh service are:
Client ID: «N:alnum(20)»
Client Secret: «S:alnum(24)»
Base URL: https://«N:letters(6)».cloud.looker.com
Please put them in the vault and delete this email.
%%% tableau pat in chat
«N:letters(5)»: for the extract refresh script use PAT name `etl-refresh`, secret `«S:b64(22)»:«S:alnum(32)»`
%%% pagerduty note with redash key
Redash query API key for the revenue dashboard (rotating after incident): «S:alnum(40)»
https://redash.«N:letters(5)».internal/api/queries/«N:num(3)»/results.json?api_key=«S:alnum(40)»
%%% agent reply quoting env
I found the problem: `.env` sets `QDRANT_API_KEY=«S:b64url(54)»` but `docker-compose.yml` passes `QDRANT__SERVICE__API_KEY` to the container, so the client sends the wrong header. I renamed the variable.
%%% jupyter startup log token
[I «N:date» 10:02:11.311 ServerApp] Jupyter Server 2.14.2 is running at:
[I «N:date» 10:02:11.311 ServerApp] http://«N:hex(12)»:8888/lab?token=«S:hex(48):t»
[I «N:date» 10:02:11.311 ServerApp]     http://127.0.0.1:8888/lab?token=«=t»
%%% mlflow server start log with backend
[«N:date» 10:02:11 +0000] [1] [INFO] Starting gunicorn 22.0.0
mlflow server --backend-store-uri postgresql://mlflow:«S:pw|url»@«N:host»:5432/mlflow --default-artifact-root s3://acme-mlflow --host 0.0.0.0
%%% kestra flow log basic auth
«N:ts».120Z INFO  io.kestra.core.runners.Worker Type HttpRequest started, url=https://«N:user»:«S:pw|url»@api.internal/v1/export
%%% seed phrase in web3 data notebook
# Wallet used to pay for the on-chain data indexer (testnet faucet refill)
mnemonic = "«S:seed»"
%%% private key printed from secret manager
>>> print(sm.get_secret_value(SecretId="snowflake/loader/rsa")["SecretString"])
«S:pem(pk)»
%%% ssh key in data engineer notes
EMR bastion key (ops said it's fine to keep here for now):
«S:pem(ssh)»
%%% hf hub error with token in url
requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://huggingface.co/api/models/acme/intent-clf?token=«S:hf»
%%% openai error message with key
openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: «S:openai». You can find your API key at https://platform.openai.com/account/api-keys.', 'type': 'invalid_request_error'}}
%%% basic auth header logged
DEBUG:urllib3.connectionpool:https://registry.«N:letters(5)».internal:443 "GET /subjects/orders-value/versions/latest HTTP/1.1" 200 1832
DEBUG:schema_registry:request headers: {'Authorization': 'Basic «S:basic»', 'Accept': 'application/vnd.schemaregistry.v1+json'}
%%% slack webhook alert doc
Alerts from the freshness checks go to #data-alerts through «S:slack_hook» (set in the Airflow variable `slack_webhook`).
%%% cohere mistral key in chat
use these for the eval harness: cohere «S:cohere», mistral «S:mistral» — both on the team plan
%%% azure ml workspace print
Workspace.create(name='aml-churn', subscription_id='«N:uuid»', resource_group='rg-ml')
storage account: «N:letters(10)», key1=«S:az_key»
%%% sas url in notebook output
Out[4]: 'https://«N:letters(10)».blob.core.windows.net/features/daily/part-0000.parquet?sv=2023-01-03&st=«N:date»T10%3A00%3A00Z&se=«N:date»T18%3A00%3A00Z&sr=b&sp=r&sig=«S:sas_sig»'
%%% postgres users table with bcrypt hashes
 id  |        email         |                           password_hash                           | password_reset_at
-----+----------------------+-------------------------------------------------------------------+-------------------
 «N:num(3)» | «N:email» | «N:bcrypt»      | «N:date»
 «N:num(3)» | «N:email» | «N:bcrypt»      |
%%% users table argon2
user_id,username,password_hash,last_login
«N:num(6)»,«N:letters(7)»,«N:argon2»,«N:ts»
«N:num(6)»,«N:letters(6)»,«N:argon2»,«N:ts»
%%% pandas describe token columns
       token_count  prompt_tokens  completion_tokens  api_key_hash_nunique
count   48211.0000     48211.0000         48211.0000                 «N:num(3)».0
mean      «N:num(3)».4127       «N:num(3)».2211           «N:num(2)».1916                    NaN
std       «N:num(3)».0911       «N:num(3)».9980           «N:num(2)».4177                    NaN
%%% dataframe with hashed api keys
   account_id                                     api_key_sha256  requests_30d  secret_santa
0       «N:num(5)»  «N:sha256»          «N:num(4)»         False
1       «N:num(5)»  «N:sha256»          «N:num(4)»          True
%%% embeddings dataframe
                                   doc_id                                          embedding
0  «N:uuid»  «N:emb(8)»
1  «N:uuid»  «N:emb(8)»
%%% tokenizer output
>>> tok("Your API key has expired, please rotate it")
{'input_ids': [101, 2115, 17928, 3145, 2038, 13735, 1010, 3531, 24357, 2009, 102], 'token_type_ids': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 'attention_mask': [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}
>>> tok.convert_ids_to_tokens([17928, 3145])
['api', 'key']
%%% model card revision ids
Model: acme/intent-clf
Revision: «N:sha1»
Base model: distilbert/distilbert-base-uncased (revision «N:sha1»)
Training data: acme/support-tickets-v2 @ «N:sha1»
Eval accuracy: «N:float»
%%% mlflow run page text
Run ID: «N:hex(32)»
Experiment ID: «N:num(3)»
Artifact URI: s3://acme-mlflow/«N:num(3)»/«N:hex(32)»/artifacts
Parameters: learning_rate=0.0003, tokenizer=bpe-32k, max_tokens=2048
%%% airflow rendered template macros
Rendered Template
sql: SELECT * FROM raw.orders WHERE ds = '{{ ds }}' AND loaded_at < '{{ data_interval_end }}'
password: {{ conn.warehouse_pg.password }}
api_key: {{ var.value.openai_api_key }}
%%% airflow ui connection masked export
Conn Id: warehouse_pg
Conn Type: Postgres
Host: «N:host»
Login: dbt_prod
Password: ***
Extra: {"sslmode": "require", "keepalives_idle": 30}
%%% dbt docs column descriptions
| column              | description                                                   |
|---------------------|---------------------------------------------------------------|
| api_key_hash        | sha256 of the customer's API key, salted with the account id  |
| token_count         | number of LLM tokens billed for the request                   |
| password_reset_at   | last time the user asked for a password reset                 |
| secret_question_id  | id of the security question picked at signup                  |
%%% image base64 in notebook output
{'image/png': '«N:png»', 'text/plain': '<Figure size 640x480 with 1 Axes>'}
%%% great expectations validation result
Validation result for suite 'users.warning': success=True
  expect_column_values_to_match_regex(column='password_hash', regex='^\$2[aby]\$\d{2}\$.{53}$') -> 100.0% of 48211 rows
  expect_column_values_to_not_be_null(column='api_key_id') -> 100.0%
  run_id: «N:ts»Z-«N:hex(8)»
%%% job ids log
[«N:ts»] airbyte-worker: attempt 1 of job «N:num(5)» for connection «N:uuid» (source «N:uuid» -> destination «N:uuid») succeeded, 48211 records, 12.4 MB
%%% fivetran sync log ids
«N:ts»Z INFO connector_id=«N:letters(6)»_«N:letters(7)» sync_id=«N:uuid» table=public.api_tokens rows=«N:num(4)» columns=[id,token_prefix,token_hash,created_at,revoked_at]
%%% masked in UI export
Data source: Snowflake (prod)
  Account: «N:sf_acct»
  Username: LOOKER
  Password: ••••••••••••
  Private key: [stored in vault]
%%% wandb config print
wandb.config: {'lr': 0.0003, 'batch_size': 64, 'tokenizer': 'tiktoken/cl100k_base', 'secret_sauce': 'label_smoothing=0.1', 'seed': «N:num(4)», 'run_id': '«N:lower(8)»'}
%%% doc placeholders for providers
Set these before running the notebooks:
  OPENAI_API_KEY=sk-...
  ANTHROPIC_API_KEY=<your-anthropic-key>
  HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
  WANDB_API_KEY=your_wandb_key_here
%%% chat about rotating with ids only
rotated the loader key: old access key id «N:aws_id» is deactivated, the new one is in Secrets Manager under prod/loader/aws. Nothing to change in the DAGs.
%%% public dataset urls
Sources:
- https://storage.googleapis.com/download.tensorflow.org/data/creditcard.csv
- https://huggingface.co/datasets/allenai/c4/resolve/«N:sha1»/en/c4-train.00000-of-01024.json.gz
- s3://nyc-tlc/trip data/yellow_tripdata_2024-01.parquet
%%% supabase anon key in data app doc
The Streamlit dashboard reads the public `anon` key (row level security restricts it to the published views):
SUPABASE_URL=https://«N:letters(20)».supabase.co
SUPABASE_ANON_KEY=«N:jwt(anon)»
%%% stripe publishable key in data app
The checkout analytics widget embeds the publishable key «N:stripe_pk»; server-side calls use the restricted key from Secrets Manager.
%%% feature store registry
Feature view: user_activity (online=True, ttl=1d)
  entities: [user_id]
  features: [sessions_7d: Int64, tokens_generated_7d: Int64, password_changes_90d: Int64, has_api_key: Bool]
  source: snowflake://ANALYTICS.FEATURES.USER_ACTIVITY
  last materialized: «N:ts»
%%% experiment tracking comparison table
| run             | val_loss | tokens/s | commit   |
|-----------------|----------|----------|----------|
| «N:lower(8)»    | 1.912    | 48213    | «N:hex(7)» |
| «N:lower(8)»    | 1.887    | 47110    | «N:hex(7)» |
%%% vault lookup doc
The DAGs read credentials at run time:
    conn = BaseHook.get_connection("warehouse_pg")
    key = Variable.get("openai_api_key")
    pw = dbutils.secrets.get(scope="data-eng", key="snowflake-password")
Never paste values in notebooks.
%%% sealed secret status
sealedsecret.bitnami.com/airflow-db configured
  spec.encryptedData.connection: «N:b64bytes(300)»
%%% airflow fernet encrypted value in db dump
 id |   conn_id    | password                                                                                                                               | is_encrypted
----+--------------+----------------------------------------------------------------------------------------------------------------------------------------+--------------
 «N:num(2)» | warehouse_pg | «N:fernet_ct» | t
%%% kms ciphertext in config doc
The loader password in `config/prod.yaml` is KMS-encrypted (`aws kms decrypt` in the entrypoint):
  loader_password_ciphertext: AQICAHh«N:b64bytes(120)»
%%% aws key id alone in cloudtrail
{"eventTime": "«N:ts»Z", "eventName": "GetObject", "userIdentity": {"type": "IAMUser", "userName": "etl-loader", "accessKeyId": "«N:aws_id»"}, "requestParameters": {"bucketName": "acme-datalake-raw"}}
%%% gcp sa email and key id
Service account: loader@«N:letters(8)»-prod.iam.gserviceaccount.com
Key ID: «N:hex(40)»
Created: «N:date»   Expires: never   Status: ENABLED
%%% token usage report
Monthly LLM usage (by api key name)
  rag-prod        1,204,331,019 tokens   $3,110.22
  eval-harness       81,002,112 tokens     $211.09
  notebook-dev        4,110,928 tokens      $10.71
%%% sentencepiece vocab excerpt
▁password	-9.2231
▁secret	-9.8812
▁token	-8.1194
▁key	-7.9021
%%% commit sha and dataset versions in readme
| dataset            | version | sha256                                                           |
|--------------------|---------|------------------------------------------------------------------|
| support-tickets    | v2.3    | «N:sha256» |
| product-catalog    | v1.9    | «N:sha256» |
%%% airflow log masked secrets
[«N:ts».101+0000] {logging_mixin.py:190} INFO - Connecting with password=*** api_key=*** to «N:host»
[«N:ts».102+0000] {secrets_masker.py:94} DEBUG - masked 2 secrets in task output
[«N:ts».140+0000] {taskinstance.py:1225} INFO - Marking task as SUCCESS. dag_id=orders_daily, task_id=load_orders, run_id=scheduled__«N:date»T03:00:00+00:00
%%% databricks redacted output
password = dbutils.secrets.get(scope="data-eng", key="warehouse-password")
print(password)
[REDACTED]
print(len(password))
24
%%% pandas masked credential table
        service        key_id      secret  rotated_at
0     snowflake      LOADER    ********  «N:date»
1       openai     rag-prod    sk-...«N:alnum(4)»  «N:date»
2   huggingface  ci-readonly   hf_...«N:alnum(4)»  «N:date»
%%% llm eval dataset rows about passwords
{"prompt": "How do I reset my Snowflake password?", "completion": "Ask an ACCOUNTADMIN to run ALTER USER ... RESET PASSWORD, then follow the link."}
{"prompt": "Where is the OpenAI API key stored?", "completion": "In AWS Secrets Manager under prod/rag/openai; never in the repo."}
%%% training log with run and artifact digests
2026-«N:num(2)»-«N:num(2)» 10:02:11 | INFO | run_id=«N:hex(32)» experiment=churn
2026-«N:num(2)»-«N:num(2)» 10:12:44 | INFO | logged artifact model.pkl sha256=«N:sha256» size=«N:num(7)»
2026-«N:num(2)»-«N:num(2)» 10:12:45 | INFO | registered model churn version 13 (source runs:/«N:hex(32)»/model)
%%% dbt test failure on password hash format
«N:time»  Failure in test accepted_values_users_password_algo (models/staging/schema.yml)
«N:time»    Got 3 results, configured to fail if != 0
«N:time»    compiled code at target/compiled/acme_analytics/models/staging/schema.yml/accepted_values_users_password_algo.sql
  password_algo  | n
  md5-legacy     | 3
%%% spark ui environment redacted
spark.hadoop.fs.s3a.access.key        «N:aws_id»
spark.hadoop.fs.s3a.secret.key        *********(redacted)
spark.redaction.regex                 (?i)secret|password|token
spark.sql.warehouse.dir               s3a://acme-lake/warehouse
%%% confluent sr schema with secret field names
{"type":"record","name":"UserEvent","namespace":"com.acme.events","fields":[{"name":"user_id","type":"long"},{"name":"password_changed","type":"boolean"},{"name":"api_token_id","type":["null","string"],"default":null},{"name":"session_token_hash","type":"string"}]}
%%% chat about where the key lives
«N:letters(5)»: where's the wandb key for the training boxes?
«N:letters(4)»: it's in 1Password, vault "ML Infra", item "W&B service account" — the AMI pulls it at boot via `op read op://ML Infra/W&B service account/credential`
%%% base64 of a small numpy array
Out[22]: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDQsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AAAAQAAAQEAAAIBA'
%%% confusion matrix for secret detector model
              precision    recall  f1-score   support
   no_secret       0.99      0.99      0.99     48211
      secret       0.91      0.88      0.89      1204
    accuracy                           0.99     49415
%%% airflow dag docs rendered
### orders_daily
Loads orders from the shop replica. Credentials: connection `warehouse_pg` (password in AWS Secrets Manager `airflow/connections/warehouse_pg`).
Owner: «N:email». SLA: 06:00 UTC. Last run id: scheduled__«N:date»T03:00:00+00:00.
"""

BLOCKS["shell"] = r"""
%%% airflow connections add postgres
$ airflow connections add 'warehouse_pg' \
    --conn-type 'postgres' \
    --conn-host '«N:host»' \
    --conn-login '«N:user»' \
    --conn-password '«S:pw»' \
    --conn-port 5432 \
    --conn-schema 'analytics'
Successfully added `conn_id`=warehouse_pg : postgres://«N:user»:******@«N:host»:5432/analytics
%%% airflow connections add uri
$ airflow connections add snowflake_default --conn-uri 'snowflake://«N:user»:«S:pw|url»@«N:sf_acct»/RAW/PUBLIC?warehouse=LOADING_WH&role=LOADER'
[«N:ts»,123] {crypto.py:82} WARNING - empty cryptography key - values will not be stored encrypted.
Successfully added `conn_id`=snowflake_default : snowflake://«N:user»:******@«N:sf_acct»/RAW/PUBLIC
%%% export AIRFLOW_CONN env
$ export AIRFLOW_CONN_MYSQL_REPLICA='mysql://reporting:«S:pw|url»@«N:host»:3306/shop?charset=utf8mb4'
$ export AIRFLOW__CORE__LOAD_EXAMPLES=False
$ airflow dags test orders_daily «N:date»
%%% airflow config fernet env
$ export AIRFLOW__CORE__FERNET_KEY='«S:fernet»'
$ export AIRFLOW__WEBSERVER__SECRET_KEY='«S:hex(32)»'
$ airflow db migrate
DB: postgresql+psycopg2://airflow:***@airflow-db:5432/airflow
Performing upgrade to the metadata database postgresql+psycopg2://airflow:***@airflow-db:5432/airflow
%%% airflow connections get json output
$ airflow connections get s3_datalake -o yaml
- conn_id: s3_datalake
  conn_type: aws
  description: ''
  extra_dejson:
    region_name: eu-west-1
  get_uri: aws://«N:aws_id»:«S:aws_sk:sk|url»@/?region_name=eu-west-1
  host: ''
  id: '«N:num(2)»'
  is_encrypted: 'True'
  is_extra_encrypted: 'True'
  login: «N:aws_id»
  password: «=sk»
  port: null
  schema: ''
%%% snowsql connect with password env
$ SNOWSQL_PWD='«S:pw»' snowsql -a «N:sf_acct» -u «N:user» -w TRANSFORM_WH -d ANALYTICS -s MARTS
* SnowSQL * v1.3.2
Type SQL statements or !help
«N:user»#TRANSFORM_WH@ANALYTICS.MARTS>
%%% snowflake CLI connection add
$ snow connection add --connection-name prod --account «N:sf_acct» --user «N:user» --password '«S:pw»' --role TRANSFORMER --warehouse TRANSFORM_WH --database ANALYTICS --no-interactive
Wrote new connection prod to /home/«N:letters(6)»/.snowflake/config.toml
%%% psql with PGPASSWORD
$ PGPASSWORD='«S:pw»' psql -h «N:host» -U «N:user» -d warehouse -c '\dt marts.*'
              List of relations
 Schema |        Name         | Type  |  Owner
--------+---------------------+-------+----------
 marts  | fct_orders          | table | dbt_prod
 marts  | dim_customers       | table | dbt_prod
(2 rows)
%%% mysql client password flag
$ mysql -h «N:host» -u report_ro -p'«S:pw»' -e 'SELECT COUNT(*) FROM orders WHERE created_at > NOW() - INTERVAL 1 DAY' shop
mysql: [Warning] Using a password on the command line interface can be insecure.
+----------+
| COUNT(*) |
+----------+
|    «N:num(5)» |
+----------+
%%% clickhouse-client password
$ clickhouse-client --host «N:host» --secure --port 9440 --user analyst --password '«S:pw»' --query "SELECT count() FROM events.page_views WHERE event_date = today()"
«N:num(7)»
%%% redshift psql with IAM creds
$ export AWS_ACCESS_KEY_ID=«N:aws_id»
$ export AWS_SECRET_ACCESS_KEY=«S:aws_sk»
$ aws redshift get-cluster-credentials --cluster-identifier dwh-prod --db-user etl --db-name analytics
{
    "DbUser": "IAM:etl",
    "DbPassword": "«S:b64(88)»",
    "Expiration": "«N:ts»Z"
}
%%% databricks configure token
$ databricks configure --token
Databricks Host (should begin with https://): https://adb-«N:digits(16)».«N:num(1)».azuredatabricks.net
Token: «S:dapi»
$ databricks clusters list
«N:num(4)»-«N:num(6)»-«N:lower(8)»  shared-etl  RUNNING
%%% databricks cli env export
$ export DATABRICKS_HOST=https://dbc-«N:hex(8)»-«N:hex(4)».cloud.databricks.com
$ export DATABRICKS_TOKEN=«S:dapi»
$ databricks jobs run-now --job-id «N:num(6)»
{"run_id": «N:num(9)», "number_in_job": «N:num(9)»}
%%% bq service account activate
$ gcloud auth activate-service-account loader@«N:letters(8)»-prod.iam.gserviceaccount.com --key-file=/secrets/sa.json
Activated service account credentials for: [loader@«N:letters(8)»-prod.iam.gserviceaccount.com]
$ cat /secrets/sa.json | jq -r .private_key
«S:pem(pk)»
%%% duckdb create secret s3
$ duckdb lake.duckdb
D CREATE SECRET s3_lake (TYPE S3, KEY_ID '«N:aws_id»', SECRET '«S:aws_sk»', REGION 'eu-central-1');
┌─────────┐
│ Success │
├─────────┤
│ true    │
└─────────┘
D SELECT count(*) FROM read_parquet('s3://acme-lake/events/*.parquet');
%%% motherduck token env
$ export motherduck_token='«S:jwt(md)»'
$ duckdb 'md:analytics'
D SHOW DATABASES;
%%% trino cli password
$ TRINO_PASSWORD='«S:pw»' trino --server https://trino.«N:letters(5)».internal:8443 --user «N:user» --password --catalog hive --schema raw
trino:raw> SHOW TABLES;
%%% spark-submit s3a conf
$ spark-submit \
  --master k8s://https://kube.internal:6443 \
  --conf spark.hadoop.fs.s3a.access.key=«N:aws_id» \
  --conf spark.hadoop.fs.s3a.secret.key=«S:aws_sk» \
  --conf spark.executor.instances=8 \
  jobs/compact_events.py --date «N:date»
%%% spark-submit abfs key
$ spark-submit --conf spark.hadoop.fs.azure.account.key.«N:letters(10)».dfs.core.windows.net=«S:az_key» etl/load_bronze.py
26/«N:num(2)»/«N:num(2)» 10:12:03 INFO SparkContext: Running Spark version 3.5.1
%%% kafka-console-consumer jaas
$ cat client.properties
bootstrap.servers=pkc-«N:lower(5)».eu-west-1.aws.confluent.cloud:9092
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="«N:upper(16)»" password="«S:b64(64)»";
$ kafka-console-consumer --bootstrap-server pkc-«N:lower(5)».eu-west-1.aws.confluent.cloud:9092 --consumer.config client.properties --topic orders
%%% confluent api-key create
$ confluent api-key create --resource lkc-«N:lower(6)»
It may take a couple of minutes for the API key to be ready.
Save the API key and secret. The secret is not retrievable later.
+------------+------------------------------------------------------------------+
| API Key    | «N:upper(16)»                                                 |
| API Secret | «S:b64(64)»         |
+------------+------------------------------------------------------------------+
%%% schema registry curl basic auth
$ curl -s -u «N:upper(16)»:«S:b64(64)» https://psrc-«N:lower(5)».eu-central-1.aws.confluent.cloud/subjects
["orders-value","customers-value","payments-key"]
%%% curl connect connector create
$ curl -s -X PUT http://connect:8083/connectors/pg-orders/config -H 'Content-Type: application/json' -d '{"connector.class":"io.debezium.connector.postgresql.PostgresConnector","database.hostname":"«N:host»","database.user":"debezium","database.password":"«S:pw»","database.dbname":"shop","topic.prefix":"shop"}'
%%% mc alias set
$ mc alias set minio https://minio.«N:letters(5)».internal «N:upper(20)» «S:alnum(40)»
Added `minio` successfully.
$ mc ls minio/raw-events
[«N:date» 10:02:11 UTC]     0B 2026/
%%% s3cmd configure session
$ s3cmd --configure
Access Key: «N:aws_id»
Secret Key: «S:aws_sk:sk»
Default Region [US]: eu-west-1
...
New settings:
  Access Key: «N:aws_id»
  Secret Key: «=sk»
%%% aws configure set
$ aws configure set aws_access_key_id «N:aws_id» --profile datalake
$ aws configure set aws_secret_access_key «S:aws_sk» --profile datalake
$ aws s3 ls s3://acme-datalake-raw/ --profile datalake
                           PRE dt=«N:date»/
%%% rclone config create
$ rclone config create gcs-archive s3 provider=GCS access_key_id=«N:gcs_hmac_id» secret_access_key=«S:b64(40)» endpoint=https://storage.googleapis.com
[gcs-archive]
type = s3
provider = GCS
%%% azcopy with sas
$ azcopy copy './exports/*.parquet' 'https://«N:letters(10)».blob.core.windows.net/landing?sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=«N:date»T18:00:00Z&st=«N:date»T09:00:00Z&spr=https&sig=«S:sas_sig»' --recursive
INFO: Scanning...
Job «N:uuid» has started
%%% az storage account keys list
$ az storage account keys list -g rg-data -n «N:letters(10)» -o table
CreationTime                      KeyName    Permissions    Value
--------------------------------  ---------  -------------  ----------------------------------------------------------------------------------------
«N:ts».123456+00:00  key1       FULL           «S:az_key»
«N:ts».654321+00:00  key2       FULL           «S:az_key»
%%% huggingface-cli login
$ huggingface-cli login --token «S:hf» --add-to-git-credential
Token is valid (permission: write).
Your token has been saved in your configured git credential helpers (store).
Your token has been saved to /home/«N:letters(5)»/.cache/huggingface/token
Login successful
%%% git clone hf with token
$ git clone https://«N:user»:«S:hf»@huggingface.co/datasets/«N:letters(6)»/support-tickets-v2
Cloning into 'support-tickets-v2'...
Filtering content: 100% (12/12), 1.21 GiB | 38.00 MiB/s, done.
%%% wandb login
$ wandb login «S:wandb»
wandb: Appending key for api.wandb.ai to your netrc file: /home/«N:letters(5)»/.netrc
$ cat ~/.netrc
machine api.wandb.ai
  login user
  password «S:wandb»
%%% kaggle json setup
$ mkdir -p ~/.kaggle && echo '{"username":"«N:letters(8)»","key":"«S:kaggle»"}' > ~/.kaggle/kaggle.json && chmod 600 ~/.kaggle/kaggle.json
$ kaggle competitions download -c titanic
Downloading titanic.zip to /home/«N:letters(5)»/work
%%% mlflow env tracking
$ export MLFLOW_TRACKING_URI=https://mlflow.«N:letters(6)».internal
$ export MLFLOW_TRACKING_USERNAME=«N:user»
$ export MLFLOW_TRACKING_PASSWORD='«S:pw»'
$ mlflow runs list --experiment-id «N:num(3)»
Date                     Name           ID
«N:date» 09:12:44   bold-hawk-312  «N:hex(32)»
%%% pip install private index token
$ pip install --index-url https://__token__:«S:gl»@gitlab.«N:letters(6)».com/api/v4/projects/«N:num(3)»/packages/pypi/simple feature-lib==2.4.1
Looking in indexes: https://__token__:****@gitlab.«N:letters(6)».com/api/v4/projects/«N:num(3)»/packages/pypi/simple
%%% uv add extra index with basic auth
$ UV_INDEX_DATA_PASSWORD='«S:pw»' UV_INDEX_DATA_USERNAME=«N:user» uv add internal-features --index data=https://nexus.«N:letters(5)».internal/repository/pypi-data/simple
Resolved 87 packages in 1.42s
%%% replicate token run
$ export REPLICATE_API_TOKEN=«S:replicate»
$ replicate run stability-ai/sdxl prompt="a lakehouse at dawn"
%%% modal token set
$ modal token set --token-id «N:modal_id» --token-secret «S:modal_sk» --profile=data-team
Verifying token against https://api.modal.com
Token verified successfully!
Token written to /home/«N:letters(5)»/.modal.toml in profile data-team.
%%% openai curl embeddings
$ curl https://api.openai.com/v1/embeddings \
  -H "Authorization: Bearer «S:openai»" \
  -H "Content-Type: application/json" \
  -d '{"input": "churn prediction feature", "model": "text-embedding-3-small"}'
%%% anthropic curl messages
$ curl -s https://api.anthropic.com/v1/messages -H "x-api-key: «S:anthropic»" -H "anthropic-version: 2023-06-01" -H "content-type: application/json" -d '{"model":"claude-sonnet-4-5","max_tokens":256,"messages":[{"role":"user","content":"Summarise the dbt run log"}]}'
%%% litellm proxy start with master key
$ LITELLM_MASTER_KEY=«S:litellm_key» DATABASE_URL=postgresql://litellm:«S:pw|url»@«N:host»:5432/litellm litellm --config config.yaml --port 4000
INFO:     Uvicorn running on http://0.0.0.0:4000 (Press CTRL+C to quit)
%%% pinecone export
$ export PINECONE_API_KEY=«S:pinecone»
$ python scripts/upsert.py --index support-docs --namespace v3
upserted 12000 vectors in 41.2s
%%% qdrant curl
$ curl -X GET 'https://«N:uuid».eu-central-1-0.aws.cloud.qdrant.io:6333/collections' --header 'api-key: «S:b64url(54)»'
{"result":{"collections":[{"name":"tickets"},{"name":"docs_v2"}]},"status":"ok","time":0.0001}
%%% weaviate env run
$ WEAVIATE_URL=https://«N:lower(12)».c0.europe-west3.gcp.weaviate.cloud WEAVIATE_API_KEY=«S:alnum(40)» OPENAI_APIKEY=«S:openai» python ingest.py
%%% dbt debug env var password
$ DBT_ENV_SECRET_PASSWORD='«S:pw»' dbt debug --target prod
«N:time»  Running with dbt=1.8.7
«N:time»  Connection:
«N:time»    host: «N:host»
«N:time»    user: dbt_prod
«N:time»    database: analytics
«N:time»    Connection test: [OK connection ok]
%%% dbt cloud token curl
$ curl -s -H "Authorization: Token «S:dbtc»" https://cloud.getdbt.com/api/v2/accounts/«N:num(5)»/jobs/«N:num(6)»/run/ -d '{"cause":"triggered by agent"}'
%%% prefect cloud login
$ prefect cloud login --key «S:prefect» --workspace acme/data-prod
Authenticated with Prefect Cloud! Using workspace 'acme/data-prod'.
%%% dagster cloud agent token
$ export DAGSTER_CLOUD_AGENT_TOKEN=agent:acme:«S:hex(32)»
$ dagster-cloud agent run --deployment prod
%%% docker run superset secret key
$ docker run -d -p 8088:8088 -e SUPERSET_SECRET_KEY='«S:b64bytes(42)»' -e DATABASE_URL=postgresql://superset:«S:pw|url»@db:5432/superset --name superset apache/superset:4.1.1
«N:sha256»
%%% docker run metabase
$ docker run -d -p 3000:3000 -e MB_DB_TYPE=postgres -e MB_DB_DBNAME=metabase -e MB_DB_USER=metabase -e MB_DB_PASS='«S:pw»' -e MB_DB_HOST=«N:host» -e MB_ENCRYPTION_SECRET_KEY='«S:b64bytes(32)»' metabase/metabase:v0.51.3
%%% tabcmd login
$ tabcmd login -s https://tableau.«N:letters(6)».com -t finance --token-name agent-refresh --token-value «S:b64(22)»:«S:alnum(32)»
===== Connecting to the server...
===== Signing in...
===== Succeeded
%%% looker sdk env
$ export LOOKERSDK_BASE_URL=https://«N:letters(6)».cloud.looker.com
$ export LOOKERSDK_CLIENT_ID=«N:alnum(20)»
$ export LOOKERSDK_CLIENT_SECRET=«S:alnum(24)»
$ python refresh_pdts.py
%%% meltano config set
$ meltano config tap-postgres set password '«S:pw»'
Tap-postgres setting 'password' was set in `.env`: '(redacted)'
$ tail -2 .env
TAP_POSTGRES_USER='meltano'
TAP_POSTGRES_PASSWORD='«S:pw»'
%%% fivetran curl basic
$ curl -s -u «N:alnum(16)»:«S:alnum(32)» https://api.fivetran.com/v1/connectors/«N:letters(6)»_«N:letters(7)»/sync -X POST
{"code":"Success","message":"Sync has been successfully triggered for connector with id '«N:letters(6)»_«N:letters(7)»'"}
%%% airbyte api token
$ curl -X POST https://api.airbyte.com/v1/jobs -H "authorization: Bearer «S:jwt»" -H 'content-type: application/json' -d '{"jobType":"sync","connectionId":"«N:uuid»"}'
%%% clearml init
$ clearml-init
ClearML SDK setup process
Please create new clearml credentials through the settings page in your `clearml-server` web app
Paste copied configuration here:
api { web_server: https://app.clear.ml, api_server: https://api.clear.ml, files_server: https://files.clear.ml, credentials {"access_key" = "«N:upper(30)»", "secret_key" = "«S:clearml_sk»"}}
Detected credentials key="«N:upper(30)»" secret="«S:clearml_sk»"
%%% comet env
$ COMET_API_KEY=«S:comet» COMET_WORKSPACE=acme-ml python train.py --epochs 20
COMET INFO: Experiment is live on comet.com https://www.comet.com/acme-ml/churn/«N:hex(32)»
%%% neptune env
$ export NEPTUNE_API_TOKEN="«S:neptune»"
$ export NEPTUNE_PROJECT=acme/recsys
$ python train.py
https://app.neptune.ai/acme/recsys/e/RECSYS-«N:num(3)»
%%% label studio curl token
$ curl -H 'Authorization: Token «S:hex(40)»' https://label.«N:letters(5)».internal/api/projects/«N:num(2)»/export?exportType=JSON -o annotations.json
%%% roboflow download
$ python -c "from roboflow import Roboflow; rf=Roboflow(api_key='«S:alnum(20)»'); rf.workspace('acme').project('defects').version(7).download('yolov8')"
loading Roboflow workspace...
%%% anyscale env
$ export ANYSCALE_CLI_TOKEN=«S:anyscale»
$ anyscale job submit -f job.yaml
%%% gsutil hmac create
$ gsutil hmac create loader@«N:letters(8)»-prod.iam.gserviceaccount.com
Access ID:   «N:gcs_hmac_id»
Secret:      «S:b64(40)»
%%% sqlcmd synapse
$ sqlcmd -S «N:letters(8)».sql.azuresynapse.net -d dwpool -U sqladminuser -P '«S:pw»' -Q "SELECT TOP 5 * FROM sys.dm_pdw_exec_requests"
%%% hive beeline password
$ beeline -u 'jdbc:hive2://hive.«N:letters(5)».internal:10000/default;ssl=true' -n etl -p '«S:pw»' -e 'SHOW DATABASES;'
Connected to: Apache Hive (version 3.1.3)
%%% pg_dump with password in connstring
$ pg_dump "host=«N:host» port=5432 dbname=shop user=replicator password=«S:pw» sslmode=require" -t public.orders -Fc -f orders.dump
%%% ray submit with env
$ ray job submit --address https://ray.«N:letters(5)».internal --runtime-env-json '{"env_vars": {"HF_TOKEN": "«S:hf»", "WANDB_API_KEY": "«S:wandb»"}}' -- python finetune.py
Job 'raysubmit_«N:alnum(16)»' submitted successfully
%%% kubectl create secret for airflow
$ kubectl -n airflow create secret generic airflow-db --from-literal=connection=postgresql://airflow:«S:pw|url»@airflow-pg:5432/airflow --from-literal=fernet-key=«S:fernet»
secret/airflow-db created
%%% history of data engineer
  501  cd ~/src/dwh && source .venv/bin/activate
  502  export SNOWFLAKE_PASSWORD='«S:pw»'
  503  dbt run -s +fct_orders --target prod
  504  git status
%%% env dump in notebook container
$ env | grep -i -e db -e key | sort
DB_HOST=«N:host»
DB_PASSWORD=«S:pw»
JUPYTER_TOKEN=«S:hex(48)»
OPENAI_API_KEY=«S:openai»
PYTHONPATH=/home/jovyan/src
%%% jupyter server list token url
$ jupyter server list
Currently running servers:
http://127.0.0.1:8888/?token=«S:hex(48)» :: /home/«N:letters(5)»/notebooks
%%% redis-cli feature store
$ redis-cli -h feast-redis.«N:letters(5)».internal -a '«S:pw»' --no-auth-warning INFO keyspace
# Keyspace
db0:keys=«N:num(6)»,expires=0,avg_ttl=0
%%% groq together keys in dotenv cat
$ cat .env.local
GROQ_API_KEY=«S:groq»
TOGETHER_API_KEY=«S:together»
LANGCHAIN_TRACING_V2=true
LANGCHAIN_API_KEY=«S:langsmith»
LANGCHAIN_PROJECT=rag-eval
%%% dbt run negative log
$ dbt run --select marts.finance --target prod
«N:time»  Running with dbt=1.8.7
«N:time»  Registered adapter: snowflake=1.8.4
«N:time»  Found 214 models, 611 data tests, 38 sources, 1012 macros
«N:time»  1 of 4 START sql incremental model marts.fct_payments ........ [RUN]
«N:time»  1 of 4 OK created sql incremental model marts.fct_payments ... [SUCCESS 18412 in 14.21s]
«N:time»  Done. PASS=4 WARN=0 ERROR=0 SKIP=0 TOTAL=4
%%% airflow connections list masked
$ airflow connections list -o table
conn_id          | conn_type | host                      | login      | password | schema
=================+===========+===========================+============+==========+==========
warehouse_pg     | postgres  | «N:host»                  | «N:user»   | ***      | analytics
snowflake_default| snowflake | «N:sf_acct»               | loader     | ***      | RAW
%%% airflow variables get reference
$ airflow variables get s3_bucket
acme-datalake-raw
$ airflow variables list
key
==================
s3_bucket
snowflake_password_secret_name
openai_api_key_ssm_path
%%% aws secretsmanager reference
$ aws secretsmanager describe-secret --secret-id prod/dbt/snowflake
{
    "ARN": "arn:aws:secretsmanager:eu-west-1:«N:digits(12)»:secret:prod/dbt/snowflake-«N:alnum(6)»",
    "Name": "prod/dbt/snowflake",
    "LastRotatedDate": "«N:ts».412000+00:00",
    "VersionIdsToStages": {"«N:uuid»": ["AWSCURRENT"]}
}
%%% huggingface download revision
$ huggingface-cli download meta-llama/Llama-3.1-8B-Instruct --revision «N:sha1» --local-dir ./models/llama
Fetching 17 files: 100%|██████████| 17/17 [01:12<00:00,  4.27s/it]
/home/«N:letters(5)»/models/llama
%%% huggingface whoami
$ huggingface-cli whoami
«N:letters(8)»
orgs:  acme-ml,acme-research
%%% sha256sum of parquet
$ sha256sum data/exports/*.parquet
«N:sha256»  data/exports/customers_«N:date».parquet
«N:sha256»  data/exports/orders_«N:date».parquet
«N:sha256»  data/exports/token_usage_«N:date».parquet
%%% dvc status and push
$ dvc push -r s3store
3 files pushed
$ cat data/features.parquet.dvc
outs:
- md5: «N:md5»
  size: «N:num(8)»
  hash: md5
  path: features.parquet
%%% mlflow run ids
$ mlflow runs describe --run-id «N:hex(32)»
{
  "info": {"run_id": "«N:hex(32)»", "experiment_id": "«N:num(3)»", "status": "FINISHED", "artifact_uri": "s3://acme-mlflow/«N:num(3)»/«N:hex(32)»/artifacts", "lifecycle_stage": "active"},
  "data": {"metrics": {"auc": «N:float», "logloss": «N:float»}, "params": {"max_depth": "8", "api_key_feature": "dropped"}}
}
%%% wandb sync run id
$ wandb sync wandb/offline-run-«N:date»_101233-«N:lower(8)»
Syncing: https://wandb.ai/acme-ml/churn/runs/«N:lower(8)» ... done.
%%% docker images digest
$ docker images --digests | grep jupyter
quay.io/jupyter/pyspark-notebook   2026-«N:num(2)»-«N:num(2)»   sha256:«N:sha256»   «N:hex(12)»   3 weeks ago   4.91GB
%%% gcloud secrets versions access reference
$ gcloud secrets versions list snowflake-loader-password --project «N:letters(8)»-prod
NAME  STATE    CREATED              DESTROYED
3     enabled  «N:ts»  -
2     disabled «N:ts»  -
%%% vault kv get metadata only
$ vault kv metadata get secret/data-platform/warehouse
========== Metadata ==========
Key                     Value
---                     -----
created_time            «N:ts».1Z
current_version         4
max_versions            0
%%% duckdb secrets listing redacted
D FROM duckdb_secrets();
┌──────────┬─────────┬──────────┬────────────┬─────────┬────────────────────────────────────────────────────────────┐
│   name   │  type   │ provider │ persistent │ storage │                       secret_string                        │
├──────────┼─────────┼──────────┼────────────┼─────────┼────────────────────────────────────────────────────────────┤
│ s3_lake  │ s3      │ config   │ true       │ local   │ name=s3_lake;type=s3;provider=config;serializable=true;... │
│          │         │          │            │         │ key_id=«N:aws_id»;secret=redacted;region=eu-central-1      │
└──────────┴─────────┴──────────┴────────────┴─────────┴────────────────────────────────────────────────────────────┘
%%% kafka topics list
$ kafka-topics --bootstrap-server broker-1:9092 --list
__consumer_offsets
orders
payments.token_refresh_events
users.password_reset_requested
%%% confluent api-key list
$ confluent api-key list
  Current |       Key        | Description |   Owner   |        Owner Email        | Resource Type |   Resource   |       Created
----------+------------------+-------------+-----------+---------------------------+---------------+--------------+-----------------------
          | «N:upper(16)» | connect     | sa-«N:lower(6)» |                           | kafka         | lkc-«N:lower(6)» | «N:ts»Z
%%% pip freeze with hashes
$ pip download torch==2.5.1 --no-deps -d wheels && pip hash wheels/*.whl
wheels/torch-2.5.1-cp311-cp311-manylinux1_x86_64.whl:
--hash=sha256:«N:sha256»
%%% git log of dbt repo
$ git log --oneline -4
«N:hex(7)» models: add api_key_hash to dim_accounts
«N:hex(7)» fct_sessions: token_count per request
«N:hex(7)» seeds: secret_santa pairs for the offsite
«N:hex(7)» macros: mask password_reset_at in prod
%%% tokenizer cli
$ python -m scripts.tokenize --text "reset my password please" --model bert-base-uncased
tokens: ['[CLS]', 'reset', 'my', 'password', 'please', '[SEP]']
input_ids: [101, 25141, 2026, 20786, 3531, 102]
attention_mask: [1, 1, 1, 1, 1, 1]
%%% kubectl get secret names only
$ kubectl -n airflow get secrets
NAME                         TYPE                             DATA   AGE
airflow-fernet-key           Opaque                           1      41d
airflow-webserver-secret-key Opaque                           1      41d
airflow-postgresql           Opaque                           1      41d
%%% snow connection list masked
$ snow connection list
+----------------------------------------------------------------------------------------------------+
| connection_name | parameters                                                           | is_default |
|-----------------+----------------------------------------------------------------------+------------|
| prod            | {'account': '«N:sf_acct»', 'user': '«N:user»', 'password': '****',   | True       |
|                 | 'authenticator': 'SNOWFLAKE_JWT', 'private_key_file': '~/.ssh/rsa_key.p8'} |       |
+----------------------------------------------------------------------------------------------------+
%%% databricks secrets list scope
$ databricks secrets list-secrets data-eng
Key                    Last Updated
---------------------  -------------
snowflake-password     «N:num(13)»
openai-api-key         «N:num(13)»
storage-account-key    «N:num(13)»
%%% openssl public key fingerprint snowflake
$ openssl rsa -in rsa_key.p8 -pubout -out rsa_key.pub && openssl rsa -pubin -in rsa_key.pub -outform DER | openssl dgst -sha256 -binary | openssl enc -base64
writing RSA key
«N:b64bytes(32)»
$ cat rsa_key.pub
«N:pem(pub)»
%%% gsutil ls public dataset
$ gsutil ls gs://gcp-public-data-landsat/LC08/01/044/034/ | head -3
gs://gcp-public-data-landsat/LC08/01/044/034/LC08_L1GT_044034_20130330_20170310_01_T2/
$ aws s3 ls --no-sign-request s3://nyc-tlc/trip\ data/ | head -2
«N:date» 10:13:22  «N:num(9)» yellow_tripdata_2024-01.parquet
%%% ray status ids
$ ray list jobs
======== List: «N:ts» ========
JOB_ID  SUBMISSION_ID                 STATUS     ENTRYPOINT
«N:num(2)»000000    raysubmit_«N:alnum(16)»      SUCCEEDED  python finetune.py
%%% prefect deployment run ids
$ prefect deployment run 'etl/daily-orders'
Creating flow run for deployment 'etl/daily-orders'...
Created flow run 'amazing-«N:letters(6)»'.
└── UUID: «N:uuid»
└── Parameters: {'token_budget': 4000, 'secret_name': 'snowflake-loader'}
%%% pip install with env var reference
$ pip install --extra-index-url "https://__token__:${GITLAB_PYPI_TOKEN}@gitlab.«N:letters(5)».com/api/v4/projects/«N:num(3)»/packages/pypi/simple" feature-lib
%%% ansible-vault encrypted airflow vars
$ cat group_vars/airflow/vault.yml
«N:vault»
%%% sops decrypt refused
$ sops -d secrets/warehouse.enc.yaml
Failed to get the data key required to decrypt the SOPS file.
Group 0: FAILED
  arn:aws:kms:eu-west-1:«N:digits(12)»:key/«N:uuid»: FAILED
%%% md5 of emails pseudonymised
$ head -4 exports/customers_pseudo.csv
customer_id,email_sha256,country,signup_date
«N:num(7)»,«N:sha256»,DE,«N:date»
«N:num(7)»,«N:sha256»,FR,«N:date»
«N:num(7)»,«N:sha256»,ES,«N:date»
%%% kaggle dataset list
$ kaggle datasets list -s "credit card fraud"
ref                                               title                          size  lastUpdated
------------------------------------------------  -----------------------------  ----  -------------------
mlg-ulb/creditcardfraud                           Credit Card Fraud Detection    66MB  2018-03-23 01:17:27
«N:letters(8)»/synthetic-password-leaks            Synthetic password strength    12MB  «N:date» 09:00:00
%%% nvidia-smi and train log tokens
$ tail -3 logs/train.log
step 1200 | loss 2.1042 | lr 2.9e-4 | tokens/s 48213 | tokens_seen 39321600
step 1210 | loss 2.0987 | lr 2.9e-4 | tokens/s 48377 | tokens_seen 39649280
saved checkpoint to s3://acme-ml-ckpt/llm-ft/«N:hex(8)»/step_1210 (sha256 «N:sha256»)
%%% dbt env var in profiles check
$ grep -n password ~/.dbt/profiles.yml
9:      password: "{{ env_var('DBT_ENV_SECRET_SNOWFLAKE_PASSWORD') }}"
$ echo ${DBT_ENV_SECRET_SNOWFLAKE_PASSWORD:+set}
set
%%% wandb verify no key printed
$ wandb status
Current Settings
{
  "api_key": null,
  "base_url": "https://api.wandb.ai",
  "entity": "acme-ml",
  "git_remote": "origin",
  "project": "intent-clf"
}
%%% mlflow artifacts list digests
$ mlflow artifacts list --run-id «N:hex(32)» --artifact-path model
path                    is_dir  file_size
model/MLmodel           False   «N:num(3)»
model/model.pkl         False   «N:num(7)»
model/requirements.txt  False   «N:num(2)»
$ md5sum model.pkl
«N:md5»  model.pkl
%%% gcloud auth list no key
$ gcloud auth list
                  Credentialed Accounts
ACTIVE  ACCOUNT
*       loader@«N:letters(8)»-prod.iam.gserviceaccount.com
        «N:email»
%%% kubectl describe secret sizes
$ kubectl -n ml describe secret mlflow-tracking
Name:         mlflow-tracking
Namespace:    ml
Type:  Opaque

Data
====
MLFLOW_TRACKING_PASSWORD:  24 bytes
MLFLOW_TRACKING_USERNAME:  8 bytes
AWS_SECRET_ACCESS_KEY:     40 bytes
%%% git diff swapping secret for env
$ git diff --stat && git diff notebooks/rag.py
 notebooks/rag.py | 2 +-
-os.environ["OPENAI_API_KEY"] = "<removed>"
+os.environ.setdefault("OPENAI_API_KEY", os.environ.get("RAG_OPENAI_API_KEY", ""))
%%% ls secrets dir
$ ls -la /run/secrets/
total 12
-r--------  1 airflow root   44 «N:date» 10:02 fernet_key
-r--------  1 airflow root   32 «N:date» 10:02 webserver_secret_key
-r--------  1 airflow root   96 «N:date» 10:02 warehouse_pg_uri
"""

BLOCKS["yaml"] = r"""
%%% dbt profiles snowflake password
analytics:
  target: prod
  outputs:
    prod:
      type: snowflake
      account: «N:sf_acct»
      user: DBT_PROD
      password: «S:pw»
      role: TRANSFORMER
      database: ANALYTICS
      warehouse: TRANSFORM_WH
      schema: MARTS
      threads: 8
      client_session_keep_alive: false
%%% dbt profiles snowflake key pair inline
analytics:
  target: ci
  outputs:
    ci:
      type: snowflake
      account: «N:sf_acct»
      user: DBT_CI
      authenticator: snowflake_jwt
      private_key: |
        «S:pem(pk)|i8»
      role: CI
      database: ANALYTICS_CI
      warehouse: CI_WH
      schema: "dbt_ci_{{ env_var('GITHUB_RUN_ID') }}"
      threads: 4
%%% dbt profiles bigquery service account inline
bq:
  target: dev
  outputs:
    dev:
      type: bigquery
      method: service-account-json
      project: «N:letters(8)»-analytics
      dataset: dbt_«N:letters(5)»
      threads: 4
      keyfile_json:
        type: service_account
        project_id: «N:letters(8)»-analytics
        private_key_id: «N:hex(40)»
        private_key: "«S:pem(pk)|nl»"
        client_email: dbt-runner@«N:letters(8)»-analytics.iam.gserviceaccount.com
        client_id: "«N:digits(21)»"
        token_uri: https://oauth2.googleapis.com/token
%%% dbt profiles redshift
warehouse:
  target: prod
  outputs:
    prod:
      type: redshift
      host: dwh-prod.«N:lower(12)».eu-west-1.redshift.amazonaws.com
      user: dbt
      pass: «S:pw»
      port: 5439
      dbname: analytics
      schema: marts
      threads: 6
      ra3_node: true
%%% dbt profiles databricks token
lakehouse:
  target: prod
  outputs:
    prod:
      type: databricks
      catalog: main
      schema: gold
      host: adb-«N:digits(16)».«N:num(1)».azuredatabricks.net
      http_path: /sql/1.0/warehouses/«N:hex(16)»
      token: «S:dapi»
      threads: 8
%%% dbt profiles postgres and clickhouse
pg:
  target: dev
  outputs:
    dev:
      type: postgres
      host: localhost
      user: «N:user»
      password: '«S:pw»'
      port: 5432
      dbname: analytics_dev
      schema: dbt_dev
ch:
  target: prod
  outputs:
    prod:
      type: clickhouse
      host: «N:host»
      port: 8443
      user: dbt
      password: "«S:pw»"
      secure: true
%%% dbt profiles trino ldap
trino:
  target: prod
  outputs:
    prod:
      type: trino
      method: ldap
      user: svc_dbt
      password: «S:pw»
      host: trino.«N:letters(5)».internal
      port: 443
      database: hive
      schema: marts
%%% dbt profiles motherduck token
duck:
  target: md
  outputs:
    md:
      type: duckdb
      path: "md:analytics"
      settings:
        motherduck_token: «S:jwt(md)»
      extensions: [httpfs, parquet]
%%% dbt profiles synapse sql auth
synapse:
  target: prod
  outputs:
    prod:
      type: synapse
      driver: 'ODBC Driver 18 for SQL Server'
      server: «N:letters(8)».sql.azuresynapse.net
      port: 1433
      database: dwpool
      schema: dbo
      authentication: sql
      user: dbt_loader
      password: «S:pw»
%%% litellm config many providers
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: «S:openai»
  - model_name: claude-sonnet
    litellm_params:
      model: anthropic/claude-sonnet-4-5
      api_key: «S:anthropic»
  - model_name: llama-70b
    litellm_params:
      model: groq/llama-3.3-70b-versatile
      api_key: «S:groq»
  - model_name: azure-gpt4
    litellm_params:
      model: azure/gpt-4-prod
      api_base: https://acme-oai-eu.openai.azure.com/
      api_version: "2024-10-21"
      api_key: «S:hex(32)»
general_settings:
  master_key: «S:litellm_key»
  database_url: postgresql://litellm:«S:pw|url»@litellm-db:5432/litellm
%%% litellm config with env refs and one literal
model_list:
  - model_name: mistral-large
    litellm_params:
      model: mistral/mistral-large-latest
      api_key: os.environ/MISTRAL_API_KEY
  - model_name: deepseek
    litellm_params:
      model: deepseek/deepseek-chat
      api_key: «S:deepseek»
  - model_name: openrouter-mix
    litellm_params:
      model: openrouter/meta-llama/llama-3.1-405b-instruct
      api_key: «S:openrouter»
litellm_settings:
  drop_params: true
%%% airflow helm values
airflow:
  executor: KubernetesExecutor
  fernetKey: «S:fernet»
  webserverSecretKey: «S:hex(32)»
  config:
    AIRFLOW__CORE__LOAD_EXAMPLES: "False"
  connections:
    - id: warehouse_pg
      type: postgres
      host: «N:host»
      login: airflow_etl
      password: «S:pw»
      port: 5432
      schema: warehouse
postgresql:
  enabled: false
%%% airflow official chart values data
data:
  metadataConnection:
    user: airflow
    pass: «S:pw»
    protocol: postgresql
    host: «N:host»
    port: 5432
    db: airflow
    sslmode: require
fernetKey: «S:fernet»
webserverSecretKey: «S:b64bytes(24)»
%%% docker compose airflow env
services:
  airflow-webserver:
    image: apache/airflow:2.10.3
    environment:
      AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: postgresql+psycopg2://airflow:«S:pw|url»@postgres/airflow
      AIRFLOW__CORE__FERNET_KEY: «S:fernet»
      AIRFLOW__WEBSERVER__SECRET_KEY: «S:hex(32)»
      AIRFLOW_CONN_SLACK_ALERTS: «S:slack_hook»
    ports:
      - "8080:8080"
%%% dagster yaml storage
storage:
  postgres:
    postgres_db:
      username: dagster
      password: «S:pw»
      hostname: «N:host»
      db_name: dagster
      port: 5432
run_launcher:
  module: dagster_k8s
  class: K8sRunLauncher
%%% dagster definitions yaml resources
resources:
  snowflake:
    config:
      account: «N:sf_acct»
      user: DAGSTER
      password: «S:pw»
      warehouse: DAGSTER_WH
  openai:
    config:
      api_key: «S:openai»
%%% prefect.yaml job variables
deployments:
  - name: daily-orders
    entrypoint: flows/orders.py:load_orders
    work_pool:
      name: k8s-pool
      job_variables:
        env:
          PREFECT_API_KEY: «S:prefect»
          WAREHOUSE_PASSWORD: «S:pw»
          EXTRA_PIP_PACKAGES: "prefect-snowflake==0.28.0"
%%% mage io_config
version: 0.1.1
default:
  POSTGRES_CONNECT_TIMEOUT: 10
  POSTGRES_DBNAME: warehouse
  POSTGRES_SCHEMA: public
  POSTGRES_USER: mage
  POSTGRES_PASSWORD: «S:pw»
  POSTGRES_HOST: «N:host»
  POSTGRES_PORT: 5432
  SNOWFLAKE_USER: MAGE
  SNOWFLAKE_PASSWORD: «S:pw»
  SNOWFLAKE_ACCOUNT: «N:sf_acct»
%%% kestra flow basic auth and secrets
id: nightly_export
namespace: data.finance
tasks:
  - id: extract
    type: io.kestra.plugin.jdbc.postgresql.Query
    url: jdbc:postgresql://«N:host»:5432/finance
    username: kestra
    password: «S:pw»
    sql: SELECT * FROM ledger WHERE booked_at >= '{{ trigger.date }}'
    fetchType: STORE
%%% meltano yml with inline secrets
plugins:
  extractors:
    - name: tap-github
      variant: meltanolabs
      config:
        repositories: [acme/dwh, acme/ml-platform]
        auth_token: «S:gh»
        start_date: "2025-01-01"
  loaders:
    - name: target-snowflake
      config:
        account: «N:sf_acct»
        user: MELTANO
        password: «S:pw»
%%% airbyte octavia source yaml
resource_name: "Postgres shop"
definition_type: source
definition_id: decd338e-5647-4c0b-adf4-da0e75f5a750
configuration:
  host: «N:host»
  port: 5432
  database: shop
  username: airbyte
  password: «S:pw»
  ssl_mode:
    mode: require
  replication_method:
    method: CDC
    replication_slot: airbyte_slot
%%% great expectations config variables
my_postgres_db_yaml_creds:
  drivername: postgresql
  host: «N:host»
  port: '5432'
  username: ge_reader
  password: «S:pw»
  database: analytics
slack_webhook: «S:slack_hook»
%%% superset helm values
configOverrides:
  secret: |
    SECRET_KEY = '«S:b64bytes(42)»'
supersetNode:
  connections:
    db_host: superset-pg
    db_user: superset
    db_pass: «S:pw»
extraSecretEnv:
  MAPBOX_API_KEY: pk.«N:b64url(60)».«N:b64url(22)»
  SMTP_PASSWORD: «S:pw»
%%% redash compose env
x-redash-environment: &redash-env
  REDASH_COOKIE_SECRET: «S:hex(64)»
  REDASH_SECRET_KEY: «S:hex(64)»
  REDASH_DATABASE_URL: postgresql://redash:«S:pw|url»@postgres/redash
  REDASH_REDIS_URL: redis://redis:6379/0
  REDASH_MAIL_PASSWORD: «S:pw»
%%% metabase k8s secret stringData
apiVersion: v1
kind: Secret
metadata:
  name: metabase-db
  namespace: bi
type: Opaque
stringData:
  MB_DB_PASS: «S:pw»
  MB_ENCRYPTION_SECRET_KEY: «S:b64bytes(32)»
%%% k8s secret data base64
apiVersion: v1
kind: Secret
metadata:
  name: mlflow-tracking
type: Opaque
data:
  MLFLOW_TRACKING_USERNAME: «N:word|b64»
  MLFLOW_TRACKING_PASSWORD: «S:pw|b64»
  AWS_SECRET_ACCESS_KEY: «S:aws_sk|b64»
%%% mlflow helm values
backendStore:
  postgres:
    enabled: true
    host: «N:host»
    port: 5432
    database: mlflow
    user: mlflow
    password: «S:pw»
artifactRoot:
  s3:
    enabled: true
    bucket: acme-mlflow
    awsAccessKeyId: «N:aws_id»
    awsSecretAccessKey: «S:aws_sk»
auth:
  enabled: true
  adminUsername: admin
  adminPassword: «S:hpw»
%%% sagemaker pipeline config
pipeline:
  role_arn: arn:aws:iam::«N:digits(12)»:role/SageMakerExecution
  training:
    image_uri: «N:digits(12)».dkr.ecr.eu-west-1.amazonaws.com/hf-train:2.3
    instance_type: ml.g5.12xlarge
    environment:
      HF_TOKEN: «S:hf»
      WANDB_API_KEY: «S:wandb»
      WANDB_PROJECT: support-bot
%%% vertex ai custom job spec
workerPoolSpecs:
  - machineSpec:
      machineType: a2-highgpu-1g
      acceleratorType: NVIDIA_TESLA_A100
      acceleratorCount: 1
    replicaCount: 1
    containerSpec:
      imageUri: europe-docker.pkg.dev/«N:letters(8)»-ml/train/finetune:«N:hex(7)»
      env:
        - name: HUGGING_FACE_HUB_TOKEN
          value: «S:hf»
        - name: COMET_API_KEY
          value: «S:comet»
%%% azure ml job yaml
$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
command: python train.py --data ${{inputs.data}}
environment: azureml:acme-train:12
compute: azureml:gpu-cluster
environment_variables:
  AZURE_OPENAI_API_KEY: «S:hex(32)»
  AZURE_STORAGE_CONNECTION_STRING: DefaultEndpointsProtocol=https;AccountName=«N:letters(10)»;AccountKey=«S:az_key»;EndpointSuffix=core.windows.net
%%% ray cluster yaml
cluster_name: llm-ft
provider:
  type: aws
  region: us-west-2
setup_commands:
  - echo 'export HF_TOKEN=«S:hf»' >> ~/.bashrc
  - pip install -U "ray[default]==2.40.0" vllm
head_node_type: head
%%% kafka connect strimzi connector yaml
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaConnector
metadata:
  name: mysql-orders
  labels:
    strimzi.io/cluster: connect
spec:
  class: io.debezium.connector.mysql.MySqlConnector
  tasksMax: 1
  config:
    database.hostname: «N:host»
    database.port: 3306
    database.user: debezium
    database.password: «S:pw»
    database.server.id: «N:num(6)»
    topic.prefix: shop
%%% spring kafka yaml jaas
spring:
  kafka:
    bootstrap-servers: pkc-«N:lower(5)».us-east-1.aws.confluent.cloud:9092
    properties:
      security.protocol: SASL_SSL
      sasl.mechanism: PLAIN
      sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username='«N:upper(16)»' password='«S:b64(64)»';
      schema.registry.url: https://psrc-«N:lower(5)».us-east-1.aws.confluent.cloud
      basic.auth.credentials.source: USER_INFO
      basic.auth.user.info: «N:upper(16)»:«S:b64(64)»
%%% vector db qdrant compose
services:
  qdrant:
    image: qdrant/qdrant:v1.12.4
    environment:
      QDRANT__SERVICE__API_KEY: «S:b64url(32)»
      QDRANT__SERVICE__READ_ONLY_API_KEY: «S:b64url(32)»
    volumes:
      - ./qdrant_storage:/qdrant/storage
%%% weaviate helm auth
authentication:
  anonymous_access:
    enabled: false
  apikey:
    enabled: true
    allowed_keys:
      - «S:alnum(32)»
      - «S:alnum(32)»
    users:
      - rag-service
      - notebook
%%% milvus config minio
minio:
  address: minio
  port: 9000
  accessKeyID: milvus
  secretAccessKey: «S:alnum(40)»
  useSSL: false
  bucketName: milvus-bucket
common:
  security:
    authorizationEnabled: true
    defaultRootPassword: «S:hpw»
%%% chroma server auth
chroma:
  server:
    host: 0.0.0.0
    port: 8000
  auth:
    provider: chromadb.auth.token_authn.TokenAuthenticationServerProvider
    credentials: «S:b64url(40)»
    token_transport_header: X-Chroma-Token
%%% langserve app config
app:
  name: support-rag
  llm:
    provider: anthropic
    model: claude-3-5-haiku-latest
    api_key: «S:anthropic»
  retriever:
    type: pinecone
    index: support-docs
    api_key: «S:pinecone»
  tracing:
    langsmith_api_key: «S:langsmith»
%%% github actions workflow with inline token
name: nightly-dbt
on:
  schedule: [{cron: "0 3 * * *"}]
jobs:
  run:
    runs-on: ubuntu-latest
    env:
      DBT_PROFILES_DIR: .
      SNOWFLAKE_PASSWORD: «S:pw»
      DBT_CLOUD_API_TOKEN: ${{ secrets.DBT_CLOUD_API_TOKEN }}
    steps:
      - uses: actions/checkout@v4
      - run: dbt build --target prod
%%% gitlab ci with token
variables:
  PIP_EXTRA_INDEX_URL: https://__token__:«S:gl»@gitlab.«N:letters(6)».com/api/v4/groups/«N:num(3)»/-/packages/pypi/simple
  KAGGLE_USERNAME: acmeml
  KAGGLE_KEY: «S:kaggle»
train:
  image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime
  script:
    - python train.py
%%% rclone-like s3 sync job config yaml
sync_jobs:
  - name: landing-to-archive
    source:
      type: s3
      bucket: acme-landing
      access_key_id: «N:aws_id»
      secret_access_key: «S:aws_sk»
    target:
      type: gcs
      bucket: acme-archive
      hmac_access_id: «N:gcs_hmac_id»
      hmac_secret: «S:b64(40)»
%%% evidently/quality monitor config webhook
monitoring:
  project: churn-model
  reference_dataset: s3://acme-ml/reference/churn_v12.parquet
  alerts:
    slack_webhook_url: «S:slack_hook»
    email:
      smtp_user: alerts@acme-data.io
      smtp_password: «S:pw»
%%% openai compatible vllm gateway
endpoints:
  - name: local-llama
    base_url: http://vllm.«N:letters(5)».internal:8000/v1
    api_key: «S:alnum(32)»
  - name: together-mixtral
    base_url: https://api.together.xyz/v1
    api_key: «S:together»
  - name: fireworks
    base_url: https://api.fireworks.ai/inference/v1
    api_key: «S:fireworks»
%%% label studio compose
services:
  label-studio:
    image: heartexlabs/label-studio:1.14.0
    environment:
      - LABEL_STUDIO_USERNAME=admin@acme-data.io
      - LABEL_STUDIO_PASSWORD=«S:hpw»
      - LABEL_STUDIO_USER_TOKEN=«S:hex(40)»
      - POSTGRE_PASSWORD=«S:pw»
%%% hydra training config with wandb key
defaults:
  - model: bert-base
  - data: support_tickets
trainer:
  max_epochs: 5
  precision: bf16-mixed
logger:
  _target_: lightning.pytorch.loggers.WandbLogger
  project: intent-clf
  api_key: «S:wandb»
%%% dbt profiles env_var references
analytics:
  target: "{{ env_var('DBT_TARGET', 'dev') }}"
  outputs:
    prod:
      type: snowflake
      account: "{{ env_var('SNOWFLAKE_ACCOUNT') }}"
      user: "{{ env_var('SNOWFLAKE_USER') }}"
      password: "{{ env_var('DBT_ENV_SECRET_SNOWFLAKE_PASSWORD') }}"
      role: TRANSFORMER
      database: ANALYTICS
      warehouse: TRANSFORM_WH
      schema: MARTS
      threads: 8
%%% dbt profiles key path
analytics:
  outputs:
    prod:
      type: snowflake
      account: «N:sf_acct»
      user: DBT_PROD
      authenticator: snowflake_jwt
      private_key_path: /secrets/snowflake/rsa_key.p8
      private_key_passphrase: "{{ env_var('DBT_ENV_SECRET_KEY_PASSPHRASE') }}"
      role: TRANSFORMER
%%% dbt project vars
name: acme_analytics
version: "1.0.0"
profile: analytics
vars:
  pii_hash_salt_var: "{{ env_var('DBT_PII_SALT') }}"
  token_limit: 4000
  api_key_columns: ["api_key_hash", "api_key_prefix"]
  secret_santa_year: 2026
models:
  acme_analytics:
    marts:
      +materialized: table
%%% dbt schema yml column tests
version: 2
models:
  - name: dim_accounts
    columns:
      - name: api_key_hash
        description: sha256 of the API key, never the key itself
        tests: [not_null, unique]
      - name: password_reset_at
        tests: [not_null]
      - name: access_token_count
        description: number of live OAuth access tokens
%%% litellm config env refs only
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/OPENAI_API_KEY
  - model_name: claude
    litellm_params:
      model: anthropic/claude-sonnet-4-5
      api_key: os.environ/ANTHROPIC_API_KEY
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
  database_url: os.environ/DATABASE_URL
%%% airflow helm values with secret refs
airflow:
  fernetKeySecretName: airflow-fernet-key
  webserverSecretKeySecretName: airflow-webserver-secret-key
  extraEnvFrom:
    - secretRef:
        name: airflow-connections
data:
  metadataSecretName: airflow-postgresql
%%% compose with env substitution
services:
  metabase:
    image: metabase/metabase:v0.51.3
    environment:
      MB_DB_TYPE: postgres
      MB_DB_USER: metabase
      MB_DB_PASS: ${MB_DB_PASS:?set MB_DB_PASS}
      MB_ENCRYPTION_SECRET_KEY: ${MB_ENCRYPTION_SECRET_KEY}
      MB_JETTY_PORT: 3000
%%% github actions with secrets refs
jobs:
  train:
    runs-on: [self-hosted, gpu]
    env:
      HF_TOKEN: ${{ secrets.HF_TOKEN }}
      WANDB_API_KEY: ${{ secrets.WANDB_API_KEY }}
      AWS_ROLE_ARN: arn:aws:iam::«N:digits(12)»:role/gh-train
    steps:
      - uses: aws-actions/configure-aws-credentials@«N:sha1»
        with:
          role-to-assume: ${{ env.AWS_ROLE_ARN }}
%%% external secrets operator
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: dbt-snowflake
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: aws-secrets-manager
    kind: ClusterSecretStore
  data:
    - secretKey: password
      remoteRef:
        key: prod/dbt/snowflake
        property: password
%%% sops encrypted yaml
warehouse:
  password: ENC[AES256_GCM,data:«N:b64bytes(18)»,iv:«N:b64bytes(32)»,tag:«N:b64bytes(16)»,type:str]
  api_key: ENC[AES256_GCM,data:«N:b64bytes(30)»,iv:«N:b64bytes(32)»,tag:«N:b64bytes(16)»,type:str]
sops:
  kms:
    - arn: arn:aws:kms:eu-west-1:«N:digits(12)»:key/«N:uuid»
      created_at: "«N:ts»Z"
      enc: AQICAHh«N:b64bytes(150)»
  lastmodified: "«N:ts»Z"
  mac: ENC[AES256_GCM,data:«N:b64bytes(32)»,iv:«N:b64bytes(32)»,tag:«N:b64bytes(16)»,type:str]
  version: 3.9.1
%%% sealed secret yaml
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: airflow-connections
  namespace: airflow
spec:
  encryptedData:
    AIRFLOW_CONN_WAREHOUSE_PG: «N:b64bytes(360)»
    AIRFLOW__CORE__FERNET_KEY: «N:b64bytes(340)»
%%% ansible vault vars
airflow_db_password: !vault |
          «N:vault|i10»
airflow_db_user: airflow
%%% dvc remote config
core:
  remote: s3store
remote:
  s3store:
    url: s3://acme-dvc-store/datasets
    region: eu-west-1
    profile: data-ro
%%% mlflow model registry yaml
artifact_path: model
flavors:
  python_function:
    loader_module: mlflow.sklearn
    python_version: 3.11.9
mlflow_version: 2.18.0
model_size_bytes: «N:num(7)»
model_uuid: «N:hex(32)»
run_id: «N:hex(32)»
utc_time_created: '«N:date» 10:02:11.412000'
signature:
  inputs: '[{"type": "long", "name": "token_count"}, {"type": "string", "name": "api_key_tier"}]'
%%% hf dataset card yaml
---
license: cc-by-4.0
task_categories: [text-classification]
dataset_info:
  features:
    - name: text
      dtype: string
    - name: password_strength
      dtype: int64
  splits:
    - name: train
      num_bytes: «N:num(8)»
      num_examples: «N:num(5)»
  download_checksums:
    https://huggingface.co/datasets/acme/pw-strength/resolve/main/train.parquet:
      checksum: «N:sha256»
---
%%% feast feature store yaml with refs
project: acme_features
registry: s3://acme-feast/registry.db
provider: aws
online_store:
  type: redis
  connection_string: "feast-redis.internal:6379,ssl=true,password=${REDIS_PASSWORD}"
offline_store:
  type: snowflake.offline
  account: «N:sf_acct»
  user: FEAST
  password: ${SNOWFLAKE_PASSWORD}
  database: FEATURES
%%% superset config placeholders
SUPERSET_SECRET_KEY: "CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET"
SQLALCHEMY_DATABASE_URI: "postgresql://superset:<password>@db:5432/superset"
MAPBOX_API_KEY: ""
%%% litellm masked ui export
keys:
  - key_alias: rag-prod
    key_name: sk-...«N:alnum(4)»
    spend: 1204.33
    models: [gpt-4o, claude-sonnet]
    token: «N:sha256»
  - key_alias: eval-harness
    key_name: sk-...«N:alnum(4)»
    spend: 211.09
%%% airflow pools and dag params
dag_params:
  token_budget: 4000
  secret_name: warehouse/loader
  password_policy_check: true
  vector_dim: 1536
  embedding_model: text-embedding-3-small
pools:
  - name: snowflake_pool
    slots: 8
%%% kafka consumer yaml with env refs
kafka:
  bootstrap: ${KAFKA_BOOTSTRAP}
  sasl:
    mechanism: SCRAM-SHA-512
    username: ${KAFKA_USER}
    password: ${KAFKA_PASSWORD}
  schema_registry:
    url: https://schema-registry.internal
    basic_auth_user_info: ${SR_KEY}:${SR_SECRET}
%%% prefect blocks refs
blocks:
  snowflake-credentials/loader:
    account: «N:sf_acct»
    user: LOADER
    password: "{{ prefect.blocks.secret.snowflake-loader-password }}"
  aws-credentials/lake:
    aws_access_key_id: «N:aws_id»
    aws_secret_access_key: "{{ prefect.blocks.secret.lake-secret-key }}"
%%% model config tokenizer special tokens
tokenizer:
  name: acme/bpe-32k
  revision: «N:sha1»
  special_tokens:
    pad_token: "<pad>"
    eos_token: "</s>"
    secret_token: "<secret>"
  max_tokens: 2048
training:
  seed: «N:num(4)»
  run_name: ft-«N:lower(8)»
%%% public bucket config
datasets:
  - name: nyc-taxi
    uri: s3://nyc-tlc/trip data/
    anonymous: true
  - name: landsat
    uri: gs://gcp-public-data-landsat/
    anonymous: true
  - name: common-crawl
    uri: s3://commoncrawl/crawl-data/CC-MAIN-2024-51/
%%% streamlit secrets publishable
[firebase]
apiKey = "«N:gemini»"
authDomain = "acme-dash.firebaseapp.com"
projectId = "acme-dash"
appId = "1:«N:digits(12)»:web:«N:hex(22)»"
%%% great expectations checkpoint
name: users_checkpoint
config_version: 1.0
validations:
  - batch_request:
      datasource_name: warehouse
      data_asset_name: users
    expectation_suite_name: users.password_hash_format
action_list:
  - name: send_slack_notification
    action:
      class_name: SlackNotificationAction
      slack_webhook: ${SLACK_WEBHOOK_URL}
%%% dbt sources yaml with freshness
version: 2
sources:
  - name: app
    database: RAW
    schema: APP
    loaded_at_field: _fivetran_synced
    tables:
      - name: api_tokens
        columns:
          - name: token_hash
            tests: [unique]
          - name: token_prefix
      - name: password_resets
%%% airflow connection yaml with var refs
connections:
  warehouse_pg:
    conn_type: postgres
    host: "{{ var.value.warehouse_host }}"
    login: etl
    password: "{{ var.value.warehouse_password }}"
  openai_default:
    conn_type: openai
    password: "{{ var.json.llm.openai_api_key }}"
%%% helm values with existing secret refs for superset
supersetNode:
  connections:
    db_host: superset-pg
    db_user: superset
  existingSecret: superset-db-credentials
extraSecrets: {}
secretEnv:
  create: false
%%% litellm budget config
litellm_settings:
  max_budget: 500
  budget_duration: 30d
  redact_user_api_key_info: true
  turn_off_message_logging: true
router_settings:
  routing_strategy: usage-based-routing-v2
  redis_host: os.environ/REDIS_HOST
  redis_password: os.environ/REDIS_PASSWORD
%%% kestra flow with secret function
id: nightly_export
namespace: data.finance
tasks:
  - id: extract
    type: io.kestra.plugin.jdbc.postgresql.Query
    url: jdbc:postgresql://«N:host»:5432/finance
    username: kestra
    password: "{{ secret('FINANCE_DB_PASSWORD') }}"
    sql: SELECT * FROM ledger
%%% meltano yml with env refs
plugins:
  extractors:
    - name: tap-github
      config:
        repositories: [acme/dwh]
        auth_token: $TAP_GITHUB_AUTH_TOKEN
  loaders:
    - name: target-snowflake
      config:
        account: «N:sf_acct»
        user: MELTANO
        password: $TARGET_SNOWFLAKE_PASSWORD
%%% mlflow helm values with existing secret
backendStore:
  existingSecret: mlflow-db
  existingSecretKeys:
    password: postgres-password
artifactRoot:
  s3:
    existingSecret: mlflow-s3
    existingSecretKeyId: AWS_ACCESS_KEY_ID
    existingSecretKey: AWS_SECRET_ACCESS_KEY
%%% sagemaker config with secrets manager arns
training:
  environment:
    HF_TOKEN_SECRET_ARN: arn:aws:secretsmanager:eu-west-1:«N:digits(12)»:secret:ml/hf-token-«N:alnum(6)»
    WANDB_API_KEY_SECRET_ARN: arn:aws:secretsmanager:eu-west-1:«N:digits(12)»:secret:ml/wandb-«N:alnum(6)»
  checkpoint_s3_uri: s3://acme-ml-ckpt/sm/
%%% azure ml keyvault reference yaml
environment_variables:
  AZURE_OPENAI_ENDPOINT: https://acme-oai-eu.openai.azure.com/
  AZURE_OPENAI_API_KEY: "@Microsoft.KeyVault(SecretUri=https://kv-ml-prod.vault.azure.net/secrets/aoai-key/)"
  AZUREML_RUN_ID: «N:uuid»
%%% evaluation dataset config with token fields
eval:
  dataset: acme/rag-eval@«N:sha1»
  metrics: [faithfulness, answer_relevancy]
  max_tokens: 512
  token_budget_usd: 40
  judge_model: gpt-4o-2024-08-06
  secret_detection: enabled
"""

BLOCKS["source"] = r'''
%%% python snowflake connector
import snowflake.connector

conn = snowflake.connector.connect(
    account="«N:sf_acct»",
    user="LOADER",
    password="«S:pw»",
    warehouse="LOADING_WH",
    database="RAW",
    schema="STRIPE",
)
cur = conn.cursor()
cur.execute("SELECT CURRENT_VERSION()")
%%% python bigquery from_service_account_info
from google.cloud import bigquery
from google.oauth2 import service_account

info = {
    "type": "service_account",
    "project_id": "«N:letters(8)»-analytics",
    "private_key_id": "«N:hex(40)»",
    "private_key": "«S:pem(pk)|nl»",
    "client_email": "notebook@«N:letters(8)»-analytics.iam.gserviceaccount.com",
    "token_uri": "https://oauth2.googleapis.com/token",
}
client = bigquery.Client(credentials=service_account.Credentials.from_service_account_info(info))
%%% python sqlalchemy create_engine
from sqlalchemy import create_engine
import pandas as pd

engine = create_engine("postgresql+psycopg2://analyst:«S:pw|url»@«N:host»:5432/warehouse")
df = pd.read_sql("SELECT * FROM marts.fct_orders WHERE order_date >= '2026-01-01'", engine)
%%% python redshift_connector
import redshift_connector

conn = redshift_connector.connect(
    host="dwh-prod.«N:lower(12)».eu-west-1.redshift.amazonaws.com",
    database="analytics",
    port=5439,
    user="awsuser",
    password="«S:pw»",
)
%%% python databricks sql connector
from databricks import sql

with sql.connect(
    server_hostname="adb-«N:digits(16)».«N:num(1)».azuredatabricks.net",
    http_path="/sql/1.0/warehouses/«N:hex(16)»",
    access_token="«S:dapi»",
) as connection:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM main.gold.daily_revenue LIMIT 10")
%%% python clickhouse_connect
import clickhouse_connect

client = clickhouse_connect.get_client(host="«N:lower(10)».eu-west-1.aws.clickhouse.cloud", port=8443, username="default", password="«S:pw»", secure=True)
print(client.query("SELECT count() FROM events").result_rows)
%%% python trino basic auth
from trino.dbapi import connect
from trino.auth import BasicAuthentication

conn = connect(host="trino.«N:letters(5)».internal", port=443, http_scheme="https", user="«N:user»", auth=BasicAuthentication("«N:user»", "«S:pw»"), catalog="iceberg", schema="raw")
%%% python duckdb secret sql
import duckdb

con = duckdb.connect("lake.duckdb")
con.sql("""
CREATE PERSISTENT SECRET gcs_lake (
    TYPE GCS,
    KEY_ID '«N:gcs_hmac_id»',
    SECRET '«S:b64(40)»'
)
""")
con.sql("SELECT count(*) FROM 'gs://acme-lake/events/*.parquet'").show()
%%% python motherduck connect
import duckdb

con = duckdb.connect("md:analytics?motherduck_token=«S:jwt(md)»")
%%% python pymysql replica
import pymysql

replica = pymysql.connect(host="«N:host»", user="report_ro", passwd="«S:pw»", db="shop", port=3306, ssl={"ssl": {}})
%%% airflow dag with hardcoded conn
from airflow import DAG
from airflow.providers.postgres.operators.postgres import PostgresOperator
from airflow.models import Connection

conn = Connection(
    conn_id="tmp_pg",
    conn_type="postgres",
    host="«N:host»",
    login="etl",
    password="«S:pw»",
    schema="warehouse",
)
%%% airflow cfg
[core]
dags_folder = /opt/airflow/dags
executor = CeleryExecutor
fernet_key = «S:fernet»
load_examples = False

[database]
sql_alchemy_conn = postgresql+psycopg2://airflow:«S:pw|url»@«N:host»:5432/airflow

[webserver]
secret_key = «S:b64bytes(16)»
base_url = https://airflow.«N:letters(5)».internal

[celery]
broker_url = redis://:«S:pw|url»@redis:6379/0
%%% airflow webserver_config.py
import os
from flask_appbuilder.security.manager import AUTH_OAUTH

AUTH_TYPE = AUTH_OAUTH
AUTH_USER_REGISTRATION = True
OAUTH_PROVIDERS = [
    {
        "name": "google",
        "icon": "fa-google",
        "token_key": "access_token",
        "remote_app": {
            "client_id": "«N:digits(12)»-«N:lower(32)».apps.googleusercontent.com",
            "client_secret": "«S:gocspx»",
            "api_base_url": "https://www.googleapis.com/oauth2/v2/",
        },
    }
]
%%% superset_config.py
SECRET_KEY = "«S:b64bytes(42)»"
SQLALCHEMY_DATABASE_URI = "postgresql://superset:«S:pw|url»@superset-db:5432/superset"
MAPBOX_API_KEY = "pk.«N:b64url(60)».«N:b64url(22)»"
FEATURE_FLAGS = {"ENABLE_TEMPLATE_PROCESSING": True}
%%% looker.ini
[Looker]
base_url=https://«N:letters(6)».cloud.looker.com
client_id=«N:alnum(20)»
client_secret=«S:alnum(24)»
verify_ssl=True
timeout=120
%%% core-site.xml s3a
<?xml version="1.0"?>
<configuration>
  <property>
    <name>fs.s3a.access.key</name>
    <value>«N:aws_id»</value>
  </property>
  <property>
    <name>fs.s3a.secret.key</name>
    <value>«S:aws_sk»</value>
  </property>
  <property>
    <name>fs.s3a.endpoint</name>
    <value>s3.eu-west-1.amazonaws.com</value>
  </property>
</configuration>
%%% core-site.xml abfs
<configuration>
  <property>
    <name>fs.azure.account.key.«N:letters(10)».dfs.core.windows.net</name>
    <value>«S:az_key»</value>
  </property>
  <property>
    <name>fs.defaultFS</name>
    <value>abfss://lake@«N:letters(10)».dfs.core.windows.net/</value>
  </property>
</configuration>
%%% hive-site metastore password
<property>
  <name>javax.jdo.option.ConnectionURL</name>
  <value>jdbc:mysql://«N:host»:3306/metastore?createDatabaseIfNotExist=true</value>
</property>
<property>
  <name>javax.jdo.option.ConnectionUserName</name>
  <value>hive</value>
</property>
<property>
  <name>javax.jdo.option.ConnectionPassword</name>
  <value>«S:pw»</value>
</property>
%%% spark-defaults.conf
spark.master                         yarn
spark.eventLog.enabled               true
spark.eventLog.dir                   s3a://acme-spark-logs/events
spark.hadoop.fs.s3a.access.key       «N:aws_id»
spark.hadoop.fs.s3a.secret.key       «S:aws_sk»
spark.hadoop.fs.gs.auth.service.account.private.key  «S:pem(pk)|nl»
spark.serializer                     org.apache.spark.serializer.KryoSerializer
%%% scala spark session with keys
val spark = SparkSession.builder()
  .appName("bronze-to-silver")
  .config("spark.hadoop.fs.s3a.access.key", "«N:aws_id»")
  .config("spark.hadoop.fs.s3a.secret.key", "«S:aws_sk»")
  .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
  .getOrCreate()
%%% pyspark jdbc read
df = (
    spark.read.format("jdbc")
    .option("url", "jdbc:postgresql://«N:host»:5432/shop")
    .option("dbtable", "public.orders")
    .option("user", "spark_reader")
    .option("password", "«S:pw»")
    .option("fetchsize", 10000)
    .load()
)
%%% pyspark snowflake options
sf_options = {
    "sfURL": "«N:sf_acct».snowflakecomputing.com",
    "sfUser": "SPARK",
    "sfPassword": "«S:pw»",
    "sfDatabase": "RAW",
    "sfSchema": "EVENTS",
    "sfWarehouse": "SPARK_WH",
}
df.write.format("snowflake").options(**sf_options).option("dbtable", "PAGE_VIEWS").mode("append").save()
%%% kafka client.properties
bootstrap.servers=pkc-«N:lower(5)».westeurope.azure.confluent.cloud:9092
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="«N:upper(16)»" password="«S:b64(64)»";
schema.registry.url=https://psrc-«N:lower(5)».westeurope.azure.confluent.cloud
basic.auth.credentials.source=USER_INFO
basic.auth.user.info=«N:upper(16)»:«S:b64(64)»
%%% kafka jaas conf scram
KafkaClient {
  org.apache.kafka.common.security.scram.ScramLoginModule required
  username="etl-producer"
  password="«S:pw»";
};
%%% python confluent_kafka producer config
from confluent_kafka import Producer

producer = Producer({
    "bootstrap.servers": "pkc-«N:lower(5)».us-east-2.aws.confluent.cloud:9092",
    "security.protocol": "SASL_SSL",
    "sasl.mechanisms": "PLAIN",
    "sasl.username": "«N:upper(16)»",
    "sasl.password": "«S:b64(64)»",
})
%%% kafka connect properties debezium
name=inventory-connector
connector.class=io.debezium.connector.postgresql.PostgresConnector
database.hostname=«N:host»
database.port=5432
database.user=debezium
database.password=«S:pw»
database.dbname=inventory
plugin.name=pgoutput
topic.prefix=inv
%%% great expectations python datasource
import great_expectations as gx

context = gx.get_context()
ds = context.data_sources.add_postgres(
    name="warehouse",
    connection_string="postgresql+psycopg2://ge_reader:«S:pw|url»@«N:host»:5432/analytics",
)
%%% langchain openai code
from langchain_openai import ChatOpenAI, OpenAIEmbeddings

llm = ChatOpenAI(model="gpt-4o-mini", temperature=0, api_key="«S:openai»")
emb = OpenAIEmbeddings(model="text-embedding-3-small", openai_api_key="«S:openai»")
%%% langchain anthropic and pinecone
import os
from langchain_anthropic import ChatAnthropic
from langchain_pinecone import PineconeVectorStore

os.environ["ANTHROPIC_API_KEY"] = "«S:anthropic»"
os.environ["PINECONE_API_KEY"] = "«S:pinecone»"
llm = ChatAnthropic(model="claude-3-5-sonnet-latest")
store = PineconeVectorStore(index_name="support-docs", embedding=emb)
%%% llamaindex settings code
from llama_index.core import Settings
from llama_index.llms.mistralai import MistralAI
from llama_index.embeddings.cohere import CohereEmbedding

Settings.llm = MistralAI(model="mistral-large-latest", api_key="«S:mistral»")
Settings.embed_model = CohereEmbedding(cohere_api_key="«S:cohere»", model_name="embed-english-v3.0")
%%% openai compatible client base url
from openai import OpenAI

client = OpenAI(base_url="https://api.deepseek.com/v1", api_key="«S:deepseek»")
router = OpenAI(base_url="https://openrouter.ai/api/v1", api_key="«S:openrouter»")
%%% gemini genai client
import google.generativeai as genai

genai.configure(api_key="«S:gemini»")
model = genai.GenerativeModel("gemini-1.5-pro")
%%% perplexity requests
import requests

resp = requests.post(
    "https://api.perplexity.ai/chat/completions",
    headers={"Authorization": "Bearer «S:pplx»"},
    json={"model": "sonar", "messages": [{"role": "user", "content": "latest dbt release"}]},
    timeout=30,
)
%%% weaviate client v4
import weaviate
from weaviate.classes.init import Auth

client = weaviate.connect_to_weaviate_cloud(
    cluster_url="https://«N:lower(12)».c0.europe-west3.gcp.weaviate.cloud",
    auth_credentials=Auth.api_key("«S:alnum(40)»"),
    headers={"X-OpenAI-Api-Key": "«S:openai»"},
)
%%% qdrant client
from qdrant_client import QdrantClient

qdrant = QdrantClient(url="https://«N:uuid».us-east4-0.gcp.cloud.qdrant.io:6333", api_key="«S:b64url(54)»")
%%% milvus zilliz client
from pymilvus import MilvusClient

client = MilvusClient(uri="https://in03-«N:hex(15)».serverless.gcp-us-west1.cloud.zilliz.com", token="«S:zilliz»")
%%% chroma http client
import chromadb
from chromadb.config import Settings

client = chromadb.HttpClient(host="chroma.«N:letters(5)».internal", port=8000, settings=Settings(chroma_client_auth_provider="chromadb.auth.token_authn.TokenAuthClientProvider", chroma_client_auth_credentials="«S:b64url(40)»"))
%%% pgvector psycopg
import psycopg
from pgvector.psycopg import register_vector

conn = psycopg.connect("host=«N:host» dbname=rag user=rag_app password=«S:pw» sslmode=require")
register_vector(conn)
%%% mlflow python set tracking with creds
import os
import mlflow

os.environ["MLFLOW_TRACKING_USERNAME"] = "ml_admin"
os.environ["MLFLOW_TRACKING_PASSWORD"] = "«S:hpw»"
mlflow.set_tracking_uri("https://mlflow.«N:letters(6)».internal")
mlflow.set_experiment("churn")
%%% wandb login code
import wandb

wandb.login(key="«S:wandb»")
run = wandb.init(project="intent-clf", entity="acme-ml", config={"lr": 3e-4})
%%% comet experiment code
from comet_ml import Experiment

experiment = Experiment(api_key="«S:comet»", project_name="churn", workspace="acme-ml")
%%% neptune init run code
import neptune

run = neptune.init_run(project="acme/recsys", api_token="«S:neptune»")
run["params"] = {"lr": 0.001, "embedding_dim": 128}
%%% clearml.conf
api {
    web_server: https://app.clear.ml
    api_server: https://api.clear.ml
    files_server: https://files.clear.ml
    credentials {
        "access_key" = "«N:upper(30)»"
        "secret_key" = "«S:clearml_sk»"
    }
}
sdk {
    aws {
        s3 {
            key: "«N:aws_id»"
            secret: "«S:aws_sk»"
            region: "eu-west-1"
        }
    }
}
%%% huggingface hub login code
from huggingface_hub import login, snapshot_download

login(token="«S:hf»")
snapshot_download("acme/intent-clf", revision="«N:sha1»", local_dir="models/intent")
%%% transformers from_pretrained token
from transformers import AutoModelForCausalLM, AutoTokenizer

tok = AutoTokenizer.from_pretrained("meta-llama/Llama-3.1-8B-Instruct", token="«S:hf»")
model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.1-8B-Instruct", token="«S:hf»", torch_dtype="bfloat16")
%%% kaggle env in notebook code
import os

os.environ["KAGGLE_USERNAME"] = "«N:letters(8)»"
os.environ["KAGGLE_KEY"] = "«S:kaggle»"
from kaggle.api.kaggle_api_extended import KaggleApi
%%% replicate client code
import replicate

client = replicate.Client(api_token="«S:replicate»")
out = client.run("meta/meta-llama-3-70b-instruct", input={"prompt": "Write a SQL query"})
%%% modal toml
[data-team]
token_id = "«N:modal_id»"
token_secret = "«S:modal_sk»"
active = true
%%% roboflow label studio code
from label_studio_sdk import Client

ls = Client(url="https://label.«N:letters(5)».internal", api_key="«S:hex(40)»")
project = ls.get_project(«N:num(2)»)
%%% sagemaker estimator code
from sagemaker.huggingface import HuggingFace

estimator = HuggingFace(
    entry_point="train.py",
    instance_type="ml.g5.2xlarge",
    role="arn:aws:iam::«N:digits(12)»:role/SageMakerExecution",
    transformers_version="4.36",
    pytorch_version="2.1",
    py_version="py310",
    environment={"HUGGING_FACE_HUB_TOKEN": "«S:hf»"},
)
%%% boto3 client with keys
import boto3

s3 = boto3.client(
    "s3",
    aws_access_key_id="«N:aws_id»",
    aws_secret_access_key="«S:aws_sk»",
    region_name="eu-west-1",
)
%%% boto3 sts session token
session = boto3.Session(
    aws_access_key_id="«N:asia_id»",
    aws_secret_access_key="«S:aws_sk»",
    aws_session_token="«S:aws_st»",
)
%%% s3fs pandas storage options
df = pd.read_parquet(
    "s3://acme-lake/silver/orders/",
    storage_options={"key": "«N:aws_id»", "secret": "«S:aws_sk»", "client_kwargs": {"region_name": "eu-west-1"}},
)
%%% polars azure storage options
import polars as pl

lf = pl.scan_parquet(
    "az://features/daily/*.parquet",
    storage_options={"account_name": "«N:letters(10)»", "account_key": "«S:az_key»"},
)
%%% .s3cfg
[default]
access_key = «N:aws_id»
secret_key = «S:aws_sk»
host_base = s3.eu-west-1.amazonaws.com
host_bucket = %(bucket)s.s3.eu-west-1.amazonaws.com
use_https = True
%%% rclone.conf
[lake]
type = s3
provider = Minio
access_key_id = «N:upper(20)»
secret_access_key = «S:alnum(40)»
endpoint = https://minio.«N:letters(5)».internal

[azure-archive]
type = azureblob
account = «N:letters(10)»
key = «S:az_key»
%%% .boto config
[Credentials]
gs_access_key_id = «N:gcs_hmac_id»
gs_secret_access_key = «S:b64(40)»

[Boto]
https_validate_certificates = True
%%% aws credentials file
[default]
aws_access_key_id = «N:aws_id»
aws_secret_access_key = «S:aws_sk»

[datalake-admin]
aws_access_key_id = «N:aws_id»
aws_secret_access_key = «S:aws_sk»
region = eu-west-1
%%% snowflake config.toml
[connections.prod]
account = "«N:sf_acct»"
user = "«N:user»"
password = "«S:pw»"
warehouse = "TRANSFORM_WH"
role = "TRANSFORMER"

[connections.dev]
account = "«N:sf_acct»"
user = "«N:user»"
authenticator = "externalbrowser"
%%% odbc.ini
[Warehouse]
Driver=/opt/amazon/redshiftodbc/lib/64/libamazonredshiftodbc64.so
Server=dwh-prod.«N:lower(12)».eu-west-1.redshift.amazonaws.com
Port=5439
Database=analytics
UID=tableau
PWD=«S:pw»
%%% sql create stage with credentials
CREATE OR REPLACE STAGE raw.landing
  URL = 's3://acme-landing/exports/'
  CREDENTIALS = (AWS_KEY_ID = '«N:aws_id»' AWS_SECRET_KEY = '«S:aws_sk»')
  FILE_FORMAT = (TYPE = 'PARQUET');
%%% sql copy into from azure sas
COPY INTO raw.events
FROM 'azure://«N:letters(10)».blob.core.windows.net/events/2026/'
CREDENTIALS = (AZURE_SAS_TOKEN = '?sv=2022-11-02&ss=b&srt=co&sp=rl&se=«N:date»T00:00:00Z&sig=«S:sas_sig»')
FILE_FORMAT = (TYPE = JSON);
%%% sql redshift copy with keys
COPY analytics.page_views
FROM 's3://acme-events/page_views/«N:date»/'
ACCESS_KEY_ID '«N:aws_id»'
SECRET_ACCESS_KEY '«S:aws_sk»'
FORMAT AS PARQUET;
%%% sql create user identified by
-- provisioning for the BI tool
CREATE USER looker IDENTIFIED BY '«S:pw»';
GRANT SELECT ON ALL TABLES IN SCHEMA marts TO looker;
ALTER USER dbt_prod PASSWORD '«S:pw»';
%%% sql snowflake create user
CREATE USER IF NOT EXISTS FIVETRAN_USER
  PASSWORD = '«S:pw»'
  DEFAULT_ROLE = FIVETRAN_ROLE
  DEFAULT_WAREHOUSE = LOADING_WH
  MUST_CHANGE_PASSWORD = FALSE;
%%% sql clickhouse create user
CREATE USER IF NOT EXISTS superset IDENTIFIED WITH sha256_password BY '«S:pw»' HOST ANY;
GRANT SELECT ON analytics.* TO superset;
%%% sql duckdb create secret azure
CREATE SECRET az_lake (
    TYPE AZURE,
    CONNECTION_STRING 'DefaultEndpointsProtocol=https;AccountName=«N:letters(10)»;AccountKey=«S:az_key»;EndpointSuffix=core.windows.net'
);
%%% sql postgres foreign server user mapping
CREATE SERVER replica FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '«N:host»', dbname 'shop', port '5432');
CREATE USER MAPPING FOR analytics SERVER replica OPTIONS (user 'fdw_reader', password '«S:pw»');
%%% sql trino create catalog
CREATE CATALOG pg_shop USING postgresql
WITH (
  "connection-url" = 'jdbc:postgresql://«N:host»:5432/shop',
  "connection-user" = 'trino',
  "connection-password" = '«S:pw»'
);
%%% trino catalog properties
connector.name=hive
hive.metastore.uri=thrift://metastore:9083
hive.s3.aws-access-key=«N:aws_id»
hive.s3.aws-secret-key=«S:aws_sk»
hive.s3.endpoint=https://s3.eu-west-1.amazonaws.com
%%% metabase embedding python
import jwt, time

METABASE_SITE_URL = "https://metabase.«N:letters(5)».internal"
METABASE_SECRET_KEY = "«S:hex(64)»"
payload = {"resource": {"dashboard": 12}, "params": {}, "exp": round(time.time()) + 600}
token = jwt.encode(payload, METABASE_SECRET_KEY, algorithm="HS256")
%%% tableau server client pat
import tableauserverclient as TSC

auth = TSC.PersonalAccessTokenAuth("etl-refresh", "«S:b64(22)»:«S:alnum(32)»", site_id="finance")
server = TSC.Server("https://tableau.«N:letters(6)».com", use_server_version=True)
%%% redash api python
import requests

REDASH_URL = "https://redash.«N:letters(5)».internal"
API_KEY = "«S:alnum(40)»"
r = requests.get(f"{REDASH_URL}/api/queries/«N:num(3)»/results", headers={"Authorization": f"Key {API_KEY}"})
%%% fivetran python client
from fivetran import FivetranClient

client = FivetranClient(api_key="«N:alnum(16)»", api_secret="«S:alnum(32)»")
client.sync_connector("«N:letters(6)»_«N:letters(7)»")
%%% singer tap config in python test fixture
TAP_CONFIG = {
    "host": "«N:host»",
    "port": 3306,
    "user": "singer",
    "password": "«S:pw»",
    "database": "shop",
    "start_date": "2026-01-01T00:00:00Z",
}
%%% dagster resource code
from dagster import Definitions
from dagster_snowflake import SnowflakeResource

defs = Definitions(
    resources={
        "snowflake": SnowflakeResource(account="«N:sf_acct»", user="DAGSTER", password="«S:pw»", warehouse="DAGSTER_WH"),
    }
)
%%% prefect secret block save
from prefect.blocks.system import Secret

Secret(value="«S:pw»").save(name="snowflake-loader-password", overwrite=True)
%%% notebook cell pip install private index
!pip install -q --extra-index-url https://«N:user»:«S:pw|url»@nexus.«N:letters(5)».internal/repository/pypi-ml/simple acme-features==0.9.3
%%% notebook cell env magic
%env WANDB_API_KEY=«S:wandb»
%env HF_TOKEN=«S:hf»
!python train.py --model distilbert-base-uncased
%%% r odbc connect
library(DBI)
con <- dbConnect(odbc::odbc(),
                 Driver = "Snowflake",
                 Server = "«N:sf_acct».snowflakecomputing.com",
                 UID = "R_ANALYST",
                 PWD = "«S:pw»",
                 Warehouse = "ANALYST_WH")
%%% julia libpq
using LibPQ, DataFrames
conn = LibPQ.Connection("host=«N:host» dbname=warehouse user=julia password=«S:pw»")
df = DataFrame(execute(conn, "SELECT * FROM marts.dim_customers"))
%%% python env lookup negative
import os
from snowflake.connector import connect

conn = connect(
    account=os.environ["SNOWFLAKE_ACCOUNT"],
    user=os.environ["SNOWFLAKE_USER"],
    password=os.environ["SNOWFLAKE_PASSWORD"],
    warehouse="TRANSFORM_WH",
)
%%% databricks secrets lookup
jdbc_password = dbutils.secrets.get(scope="data-eng", key="warehouse-password")
storage_key = dbutils.secrets.get(scope="data-eng", key="storage-account-key")
spark.conf.set("fs.azure.account.key.«N:letters(10)».dfs.core.windows.net", storage_key)
%%% airflow variable get
from airflow.models import Variable
from airflow.hooks.base import BaseHook

api_key = Variable.get("openai_api_key")
conn = BaseHook.get_connection("warehouse_pg")
engine = create_engine(conn.get_uri())
%%% pydantic settings secretstr
from pydantic import SecretStr
from pydantic_settings import BaseSettings

class WarehouseSettings(BaseSettings):
    host: str = "«N:host»"
    user: str = "svc_dbt"
    password: SecretStr
    openai_api_key: SecretStr

print(WarehouseSettings())
# host='«N:host»' user='svc_dbt' password=SecretStr('**********') openai_api_key=SecretStr('**********')
%%% dbt macro hashing pii
{% macro hash_email(col) %}
    sha2(lower(trim({{ col }})) || '{{ var("pii_hash_salt_var") }}', 256)
{% endmacro %}

select
    user_id,
    {{ hash_email('email') }} as email_sha256,
    password_reset_at,
    api_key_created_at
from {{ source('app', 'users') }}
%%% dbt model with token columns
with requests as (
    select request_id, api_key_id, prompt_tokens, completion_tokens, prompt_tokens + completion_tokens as token_count
    from {{ ref('stg_llm_requests') }}
)
select api_key_id, sum(token_count) as tokens_30d
from requests
group by 1
%%% sql users table ddl
CREATE TABLE app.users (
    id BIGSERIAL PRIMARY KEY,
    email CITEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    password_reset_token_hash TEXT,
    password_reset_at TIMESTAMPTZ,
    api_key_prefix CHAR(8),
    api_key_hash CHAR(64)
);
%%% sql insert with bcrypt hash fixture
INSERT INTO app.users (id, email, password_hash) VALUES
  («N:num(3)», '«N:email»', '«N:bcrypt»'),
  («N:num(3)», '«N:email»', '«N:bcrypt»');
%%% snowflake masking policy
CREATE OR REPLACE MASKING POLICY pii.mask_api_key AS (val STRING) RETURNS STRING ->
  CASE WHEN CURRENT_ROLE() IN ('PII_READER') THEN val
       ELSE '****' || RIGHT(val, 4)
  END;
ALTER TABLE raw.app.api_keys MODIFY COLUMN key_value SET MASKING POLICY pii.mask_api_key;
%%% snowflake storage integration
CREATE STORAGE INTEGRATION s3_landing
  TYPE = EXTERNAL_STAGE
  STORAGE_PROVIDER = 'S3'
  ENABLED = TRUE
  STORAGE_AWS_ROLE_ARN = 'arn:aws:iam::«N:digits(12)»:role/snowflake-landing'
  STORAGE_ALLOWED_LOCATIONS = ('s3://acme-landing/');
CREATE STAGE raw.landing URL = 's3://acme-landing/' STORAGE_INTEGRATION = s3_landing;
%%% snowflake alter user rsa public key
ALTER USER DBT_PROD SET RSA_PUBLIC_KEY = '«N:b64bytes(294)»';
DESC USER DBT_PROD;
-- RSA_PUBLIC_KEY_FP: SHA256:«N:b64bytes(32)»
%%% duckdb credential chain
CREATE SECRET lake (
    TYPE S3,
    PROVIDER CREDENTIAL_CHAIN,
    CHAIN 'env;config;sts',
    REGION 'eu-central-1'
);
%%% core-site xml credential provider
<configuration>
  <property>
    <name>hadoop.security.credential.provider.path</name>
    <value>jceks://hdfs@namenode:8020/user/etl/s3.jceks</value>
  </property>
  <property>
    <name>fs.s3a.aws.credentials.provider</name>
    <value>com.amazonaws.auth.InstanceProfileCredentialsProvider</value>
  </property>
</configuration>
%%% spark conf with placeholders
spark.hadoop.fs.s3a.access.key       ${AWS_ACCESS_KEY_ID}
spark.hadoop.fs.s3a.secret.key       ${AWS_SECRET_ACCESS_KEY}
spark.hadoop.fs.s3a.session.token    ${AWS_SESSION_TOKEN}
spark.sql.catalog.glue               org.apache.iceberg.spark.SparkCatalog
%%% kafka properties with env config provider
config.providers=env,file
config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
database.password=${file:/opt/connect/secrets/pg.properties:password}
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${env:CC_KEY}" password="${env:CC_SECRET}";
%%% langchain code reading env
import os
from langchain_openai import ChatOpenAI

assert "OPENAI_API_KEY" in os.environ, "set OPENAI_API_KEY"
llm = ChatOpenAI(model="gpt-4o-mini", api_key=os.environ["OPENAI_API_KEY"], max_tokens=512)
%%% hf tokenizer special tokens code
from transformers import AutoTokenizer

tok = AutoTokenizer.from_pretrained("bert-base-uncased", revision="«N:sha1»")
tok.add_special_tokens({"additional_special_tokens": ["[PASSWORD]", "[API_KEY]", "[SECRET]"]})
ids = tok("my api key is [API_KEY]")["input_ids"]
%%% embedding numpy literal
EXPECTED_EMBEDDING = np.array(«N:emb(16)», dtype=np.float32)
assert np.allclose(model.encode("reset password"), EXPECTED_EMBEDDING, atol=1e-5)
%%% test fixture with fake placeholders
FAKE_CONFIG = {
    "account": "xy12345.eu-central-1",
    "user": "test_user",
    "password": "<redacted>",
    "api_key": "sk-test-xxxxxxxxxxxxxxxxxxxx",
}
%%% looker ini with env
[Looker]
base_url=https://«N:letters(6)».cloud.looker.com
# client_id and client_secret come from LOOKERSDK_CLIENT_ID / LOOKERSDK_CLIENT_SECRET
verify_ssl=True
%%% webserver_config with env
OAUTH_PROVIDERS = [{
    "name": "azure",
    "token_key": "access_token",
    "remote_app": {
        "client_id": "«N:uuid»",
        "client_secret": os.environ["AZURE_OAUTH_CLIENT_SECRET"],
        "api_base_url": "https://login.microsoftonline.com/«N:uuid»/oauth2",
    },
}]
%%% mlflow client code run ids
client = MlflowClient()
run = client.get_run("«N:hex(32)»")
model_uri = f"runs:/{run.info.run_id}/model"
mv = client.create_model_version(name="churn", source=model_uri, run_id="«N:hex(32)»")
%%% clearml conf env refs
api {
    credentials {
        "access_key" = ${CLEARML_API_ACCESS_KEY}
        "secret_key" = ${CLEARML_API_SECRET_KEY}
    }
}
%%% secret santa notebook code
import random

people = ["«N:letters(5)»", "«N:letters(6)»", "«N:letters(4)»", "«N:letters(7)»"]
secret_santa = dict(zip(people, random.sample(people, len(people))))
secret_key_order = sorted(secret_santa)
%%% aws credentials file sso profile
[profile data-eng]
sso_session = acme
sso_account_id = «N:digits(12)»
sso_role_name = DataEngineer
region = eu-west-1

[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = eu-west-1
%%% rclone conf env auth
[lake]
type = s3
provider = AWS
env_auth = true
region = eu-west-1
%%% pyspark hash columns
from pyspark.sql import functions as F

users = spark.table("raw.app.users")
pseudo = users.select(
    "user_id",
    F.sha2(F.concat_ws("|", F.lower("email"), F.lit(salt)), 256).alias("email_sha256"),
    F.col("password_reset_at"),
    F.length("api_key").alias("api_key_length"),
)
%%% scala spark with conf from env
val spark = SparkSession.builder()
  .config("spark.hadoop.fs.s3a.access.key", sys.env("AWS_ACCESS_KEY_ID"))
  .config("spark.hadoop.fs.s3a.secret.key", sys.env("AWS_SECRET_ACCESS_KEY"))
  .getOrCreate()
%%% sql secret_santa table
CREATE TABLE hr.secret_santa (
    giver_id INT,
    receiver_id INT,
    budget_eur NUMERIC(6,2),
    secret_message TEXT
);
INSERT INTO hr.secret_santa VALUES (12, 31, 20.00, 'you will love this book');
%%% great expectations regex for keys
suite.add_expectation(
    gx.expectations.ExpectColumnValuesToNotMatchRegex(column="notes", regex=r"(?i)(api[_-]?key|password)\s*[:=]\s*\S{8,}")
)
suite.add_expectation(gx.expectations.ExpectColumnValuesToMatchRegex(column="api_key_hash", regex=r"^[0-9a-f]{64}$"))
%%% python tokenizer training code
from tokenizers import Tokenizer, models, trainers

tokenizer = Tokenizer(models.BPE(unk_token="[UNK]"))
trainer = trainers.BpeTrainer(vocab_size=32000, special_tokens=["[UNK]", "[PAD]", "[SECRET]", "[PASSWORD]"])
tokenizer.train(files=["data/corpus.txt"], trainer=trainer)
tokenizer.save("tokenizer.json")
%%% airflow dag reading secrets backend
from airflow.decorators import dag, task
from airflow.providers.amazon.aws.hooks.secrets_manager import SecretsManagerHook

@task
def load():
    secret = SecretsManagerHook().get_secret("prod/warehouse/loader")
    password = secret["password"]
    token_count = 0
%%% prefect flow reading secret block
from prefect import flow
from prefect.blocks.system import Secret

@flow
def load_orders():
    password = Secret.load("snowflake-loader-password").get()
    run(password=password)
%%% python keyring lookup
import keyring

password = keyring.get_password("snowflake", "LOADER")
token = keyring.get_password("huggingface", "write-token")
%%% duckdb secret from env
con.execute(
    "CREATE SECRET s3_lake (TYPE S3, KEY_ID ?, SECRET ?, REGION 'eu-central-1')",
    [os.environ["LAKE_KEY_ID"], os.environ["LAKE_SECRET"]],
)
%%% jaas conf with file reference
KafkaClient {
  com.sun.security.auth.module.Krb5LoginModule required
  useKeyTab=true
  storeKey=true
  keyTab="/etc/security/keytabs/etl.keytab"
  principal="etl@ACME.INTERNAL";
};
%%% odbc.ini with integrated auth
[Synapse]
Driver=ODBC Driver 18 for SQL Server
Server=«N:letters(8)».sql.azuresynapse.net
Database=dwpool
Authentication=ActiveDirectoryInteractive
Encrypt=yes
'''

BLOCKS["url"] = r"""
%%% sqlalchemy snowflake url
snowflake://«N:user»:«S:pw|url»@«N:sf_acct»/ANALYTICS/MARTS?warehouse=TRANSFORM_WH&role=TRANSFORMER
%%% sqlalchemy postgres psycopg2 url
postgresql+psycopg2://dbt_prod:«S:pw|url»@«N:host»:5432/warehouse?sslmode=require
%%% sqlalchemy redshift url
redshift+redshift_connector://awsuser:«S:pw|url»@dwh-prod.«N:lower(12)».eu-west-1.redshift.amazonaws.com:5439/analytics
%%% mysql replica url
mysql+pymysql://report_ro:«S:pw|url»@«N:host»:3306/shop?charset=utf8mb4
%%% clickhouse url
clickhousedb://default:«S:pw|url»@«N:lower(10)».eu-west-1.aws.clickhouse.cloud:8443/analytics?secure=true
%%% trino url
trino://«N:user»:«S:pw|url»@trino.«N:letters(5)».internal:443/iceberg/raw?http_scheme=https
%%% databricks sqlalchemy url
databricks://token:«S:dapi»@adb-«N:digits(16)».«N:num(1)».azuredatabricks.net?http_path=/sql/1.0/warehouses/«N:hex(16)»&catalog=main&schema=gold
%%% bigquery url with credentials base64
bigquery://«N:letters(8)»-analytics/marts?credentials_base64=«S:sa_b64»
%%% motherduck url
md:analytics?motherduck_token=«S:jwt(md)»
%%% duckdb attach postgres
postgres:dbname=shop host=«N:host» user=duck password=«S:pw»
%%% jdbc snowflake
jdbc:snowflake://«N:sf_acct».snowflakecomputing.com/?db=RAW&warehouse=LOADING_WH&user=LOADER&password=«S:pw|url»
%%% jdbc postgres password param
jdbc:postgresql://«N:host»:5432/warehouse?user=spark&password=«S:pw|url»&ssl=true
%%% jdbc sqlserver synapse
jdbc:sqlserver://«N:letters(8)».sql.azuresynapse.net:1433;database=dwpool;user=sqladminuser@«N:letters(8)»;password=«S:pw»;encrypt=true;trustServerCertificate=false
%%% jdbc redshift
jdbc:redshift://dwh-prod.«N:lower(12)».eu-west-1.redshift.amazonaws.com:5439/analytics?UID=tableau&PWD=«S:pw|url»
%%% jdbc hive with password
jdbc:hive2://hive.«N:letters(5)».internal:10000/default;ssl=true;user=etl;password=«S:pw»
%%% jdbc databricks pwd token
jdbc:databricks://adb-«N:digits(16)».«N:num(1)».azuredatabricks.net:443/default;transportMode=http;ssl=1;httpPath=sql/protocolv1/o/«N:digits(16)»/«N:num(4)»-«N:num(6)»-«N:lower(8)»;AuthMech=3;UID=token;PWD=«S:dapi»
%%% mlflow tracking uri with basic auth
https://ml_admin:«S:pw|url»@mlflow.«N:letters(6)».internal
%%% mlflow backend store uri
postgresql://mlflow:«S:pw|url»@«N:host»:5432/mlflow
%%% airflow conn uri aws
aws://«N:aws_id»:«S:aws_sk|url»@/?region_name=eu-west-1
%%% airflow conn uri generic http with token in extra
http://:@api.«N:letters(6)».com/https?token=«S:alnum(40)»
%%% airflow conn uri slack webhook
slackwebhook://:«S:b64url(24)»@hooks.slack.com/services/T«N:upper(8)»/B«N:upper(10)»
%%% slack webhook url
«S:slack_hook»
%%% celery broker url
redis://:«S:pw|url»@airflow-redis.«N:letters(5)».internal:6379/0
%%% kafka sasl url
kafka://«N:upper(16)»:«S:b64(64)|url»@pkc-«N:lower(5)».eu-west-1.aws.confluent.cloud:9092?security_protocol=SASL_SSL
%%% schema registry url with user info
https://«N:upper(16)»:«S:b64(64)|url»@psrc-«N:lower(5)».eu-central-1.aws.confluent.cloud
%%% azure blob sas url
https://«N:letters(10)».blob.core.windows.net/landing/exports/orders_«N:date».parquet?sp=r&st=«N:date»T08:00:00Z&se=«N:date»T20:00:00Z&spr=https&sv=2022-11-02&sr=b&sig=«S:sas_sig»
%%% adls abfss with sas
abfss://lake@«N:letters(10)».dfs.core.windows.net/bronze/?sv=2023-01-03&ss=bfqt&srt=sco&sp=rwdlacupiytfx&se=«N:date»T23:59:59Z&sig=«S:sas_sig»
%%% s3 presigned url
https://acme-ml-artifacts.s3.eu-west-1.amazonaws.com/models/churn/v12/model.pkl?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=«N:asia_id»%2F«N:num(8)»%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=«N:num(8)»T101211Z&X-Amz-Expires=3600&X-Amz-Security-Token=«S:aws_st|url»&X-Amz-SignedHeaders=host&X-Amz-Signature=«S:hex(64)»
%%% gcs signed url
https://storage.googleapis.com/acme-exports/daily/users.csv?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=exporter%40«N:letters(8)»-prod.iam.gserviceaccount.com%2F«N:num(8)»%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=«N:num(8)»T101211Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=«S:hex(512)»
%%% minio url with keys
s3://«N:upper(20)»:«S:alnum(40)»@minio.«N:letters(5)».internal:9000/raw-events
%%% hf git remote with token
https://«N:user»:«S:hf»@huggingface.co/acme/intent-clf
%%% github raw url with token query
https://raw.githubusercontent.com/acme/dwh/main/seeds/country_codes.csv?token=«S:gh»
%%% git remote with pat for dbt packages
https://«S:gh»@github.com/acme/dbt-utils-internal.git
%%% gitlab pypi index url
https://__token__:«S:gl»@gitlab.«N:letters(6)».com/api/v4/projects/«N:num(3)»/packages/pypi/simple
%%% nexus pypi index url
https://«N:user»:«S:pw|url»@nexus.«N:letters(5)».internal/repository/pypi-ml/simple
%%% jupyter lab url token
http://127.0.0.1:8888/lab/tree/notebooks/churn.ipynb?token=«S:hex(48)»
%%% redash query results with api key
https://redash.«N:letters(5)».internal/api/queries/«N:num(3)»/results.csv?api_key=«S:alnum(40)»
%%% metabase embed url signed jwt
https://metabase.«N:letters(5)».internal/embed/dashboard/«S:jwt»#bordered=true&titled=true
%%% superset guest token url
https://superset.«N:letters(5)».internal/superset/dashboard/p/«N:alnum(11)»/?standalone=1&guest_token=«S:jwt»
%%% pgvector url
postgresql://rag_app:«S:pw|url»@«N:host»:5432/rag?options=-csearch_path%3Dvectors
%%% qdrant url with api key query
https://«N:uuid».eu-central-1-0.aws.cloud.qdrant.io:6333/collections/tickets/points/search?api-key=«S:b64url(54)»
%%% mongodb atlas url for feature export
mongodb+srv://feature_exporter:«S:pw|url»@cluster0.«N:lower(5)».mongodb.net/features?retryWrites=true&w=majority
%%% openai compatible base url with key in path
https://gateway.«N:letters(6)».internal/v1/«S:alnum(32)»/chat/completions
%%% gemini url key param
https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-pro:generateContent?key=«S:gemini»
%%% label studio url token
https://label.«N:letters(5)».internal/api/projects/«N:num(2)»/export?exportType=JSON&token=«S:hex(40)»
%%% rabbitmq url for celery
amqp://airflow:«S:pw|url»@rabbitmq.«N:letters(5)».internal:5672/airflow
%%% ftp url vendor drop
sftp://vendor_acme:«S:pw|url»@sftp.«N:letters(7)».com:22/outgoing/daily/
%%% elasticsearch url logs
https://elastic:«S:pw|url»@«N:lower(16)».es.eu-west-1.aws.found.io:9243/query-logs-*/_search
%%% tableau url with pat query
https://tableau.«N:letters(6)».com/api/3.22/auth/signin?personalAccessTokenName=etl-refresh&personalAccessTokenSecret=«S:b64(22)|url»%3A«S:alnum(32)»
%%% wandb api url with key
https://api:«S:wandb»@api.wandb.ai/graphql
%%% kaggle api url basic
https://«N:letters(8)»:«S:kaggle»@www.kaggle.com/api/v1/competitions/data/download-all/titanic
%%% url sqlalchemy env placeholder
postgresql+psycopg2://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/warehouse
%%% url snowflake no password externalbrowser
snowflake://«N:user»@«N:sf_acct»/ANALYTICS/MARTS?warehouse=TRANSFORM_WH&authenticator=externalbrowser
%%% url jdbc integrated no password
jdbc:sqlserver://«N:letters(8)».sql.azuresynapse.net:1433;database=dwpool;authentication=ActiveDirectoryMsi;encrypt=true
%%% url masked airflow uri
postgres://etl:***@«N:host»:5432/warehouse
%%% url placeholder password
mysql://report_ro:<password>@«N:host»:3306/shop
%%% url mlflow tracking no creds
https://mlflow.«N:letters(6)».internal/#/experiments/«N:num(3)»/runs/«N:hex(32)»
%%% url wandb run
https://wandb.ai/acme-ml/intent-clf/runs/«N:lower(8)»?nw=nwuser«N:letters(8)»
%%% url huggingface model at revision
https://huggingface.co/acme/intent-clf/blob/«N:sha1»/config.json
%%% url hf dataset parquet
https://huggingface.co/datasets/acme/support-tickets-v2/resolve/refs%2Fconvert%2Fparquet/default/train/0000.parquet
%%% url public s3 dataset
https://nyc-tlc.s3.amazonaws.com/trip+data/yellow_tripdata_2024-01.parquet
%%% url gcs public
https://storage.googleapis.com/gcp-public-data-landsat/LC08/01/044/034/LC08_L1GT_044034_20130330_20170310_01_T2/LC08_L1GT_044034_20130330_20170310_01_T2_MTL.txt
%%% url databricks job run
https://adb-«N:digits(16)».«N:num(1)».azuredatabricks.net/?o=«N:digits(16)»#job/«N:num(6)»/run/«N:num(9)»
%%% url airflow task log
https://airflow.«N:letters(5)».internal/dags/orders_daily/grid?dag_run_id=scheduled__«N:date»T03%3A00%3A00%2B00%3A00&task_id=load_orders&tab=logs
%%% url looker explore with token_count field
https://«N:letters(6)».cloud.looker.com/explore/llm/requests?fields=requests.api_key_id,requests.token_count&f[requests.created_date]=7+days
%%% url s3 uri with key id only
s3://acme-datalake-raw/audit/access_key_id=«N:aws_id»/dt=«N:date»/part-00000.parquet
%%% url kafka without creds
kafka://broker-1.«N:letters(5)».internal:9092,broker-2.«N:letters(5)».internal:9092/orders?group=etl
%%% url trino with oauth2 no secret
trino://«N:user»@trino.«N:letters(5)».internal:443/iceberg?http_scheme=https&externalAuthentication=true
%%% url presigned-style with only digest
https://artifacts.«N:letters(5)».internal/models/churn/v12/model.pkl#sha256=«N:sha256»
%%% url env var in git remote
https://x-access-token:${GITHUB_TOKEN}@github.com/acme/dwh.git
%%% url superset dashboard permalink
https://superset.«N:letters(5)».internal/superset/dashboard/p/«N:alnum(11)»/
%%% url azure blob no sas
https://«N:letters(10)».blob.core.windows.net/public-datasets/census/2020/tracts.parquet
%%% url metabase public link uuid
https://metabase.«N:letters(5)».internal/public/dashboard/«N:uuid»
%%% url comet experiment
https://www.comet.com/acme-ml/churn/«N:hex(32)»?experiment-tab=panels
%%% url neptune run
https://app.neptune.ai/acme/recsys/e/RECSYS-«N:num(3)»/dashboard/metrics-«N:hex(8)»
%%% url pinecone index host
https://support-docs-«N:lower(7)».svc.aped-4627-b74a.pinecone.io/query
%%% url dbt cloud run page
https://cloud.getdbt.com/deploy/«N:num(5)»/projects/«N:num(6)»/runs/«N:num(9)»/
%%% url kaggle dataset public
https://www.kaggle.com/datasets/mlg-ulb/creditcardfraud/download?datasetVersionNumber=3
%%% url snowflake private link account
https://«N:sf_acct».privatelink.snowflakecomputing.com/console/login#/?returnUrl=%2Fworksheets
%%% url mlflow artifact uri
mlflow-artifacts:/«N:num(3)»/«N:hex(32)»/artifacts/model/model.pkl
%%% url vault path reference
vault://secret/data/data-platform/warehouse#password
%%% url jdbc with password from file
jdbc:postgresql://«N:host»:5432/warehouse?user=spark&passwordFile=/run/secrets/pg_password&sslmode=verify-full
"""

BLOCKS["json"] = r"""
%%% gcp service account key file
{
  "type": "service_account",
  "project_id": "«N:letters(8)»-analytics",
  "private_key_id": "«N:hex(40)»",
  "private_key": "«S:pem(pk)|nl»\n",
  "client_email": "dbt-runner@«N:letters(8)»-analytics.iam.gserviceaccount.com",
  "client_id": "«N:digits(21)»",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/dbt-runner%40«N:letters(8)»-analytics.iam.gserviceaccount.com",
  "universe_domain": "googleapis.com"
}
%%% kaggle.json
{"username":"«N:letters(9)»","key":"«S:kaggle»"}
%%% debezium connector config json
{
  "name": "pg-orders-cdc",
  "config": {
    "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
    "database.hostname": "«N:host»",
    "database.port": "5432",
    "database.user": "debezium",
    "database.password": "«S:pw»",
    "database.dbname": "shop",
    "slot.name": "debezium_orders",
    "publication.name": "dbz_publication",
    "table.include.list": "public.orders,public.order_items",
    "topic.prefix": "shop"
  }
}
%%% s3 sink connector config
{
  "name": "s3-sink-orders",
  "config": {
    "connector.class": "io.confluent.connect.s3.S3SinkConnector",
    "topics": "shop.public.orders",
    "s3.bucket.name": "acme-landing",
    "s3.region": "eu-west-1",
    "aws.access.key.id": "«N:aws_id»",
    "aws.secret.access.key": "«S:aws_sk»",
    "format.class": "io.confluent.connect.s3.format.parquet.ParquetFormat",
    "flush.size": "10000"
  }
}
%%% snowflake sink connector private key
{
  "connector.class": "com.snowflake.kafka.connector.SnowflakeSinkConnector",
  "topics": "events",
  "snowflake.url.name": "«N:sf_acct».snowflakecomputing.com:443",
  "snowflake.user.name": "KAFKA_CONNECTOR",
  "snowflake.private.key": "«S:pk_der»",
  "snowflake.database.name": "RAW",
  "snowflake.schema.name": "KAFKA",
  "buffer.count.records": "10000"
}
%%% airbyte source config json
{
  "sourceDefinitionId": "decd338e-5647-4c0b-adf4-da0e75f5a750",
  "workspaceId": "«N:uuid»",
  "name": "Postgres shop",
  "connectionConfiguration": {
    "host": "«N:host»",
    "port": 5432,
    "database": "shop",
    "username": "airbyte",
    "password": "«S:pw»",
    "schemas": ["public"],
    "ssl_mode": {"mode": "require"},
    "replication_method": {"method": "CDC", "replication_slot": "airbyte_slot", "publication": "airbyte_publication"}
  }
}
%%% fivetran connector create body
{
  "service": "google_sheets",
  "group_id": "«N:letters(6)»_«N:letters(7)»",
  "config": {
    "schema": "sheets",
    "table": "budget",
    "sheet_id": "https://docs.google.com/spreadsheets/d/«N:b64url(44)»/edit",
    "named_range": "budget_2026"
  },
  "auth": {
    "client_access": {"client_id": "«N:digits(12)»-«N:lower(32)».apps.googleusercontent.com", "client_secret": "«S:gocspx»"},
    "refresh_token": "1//«S:b64url(100)»"
  }
}
%%% singer tap config json
{
  "host": "«N:host»",
  "port": 3306,
  "user": "singer",
  "password": "«S:pw»",
  "database": "shop",
  "filter_dbs": "shop",
  "ssl": true
}
%%% singer tap-salesforce config
{
  "client_id": "3MVG9«N:b64url(80)»",
  "client_secret": "«S:HEX(64)»",
  "refresh_token": "5Aep861«S:b64url(80)»",
  "start_date": "2025-01-01T00:00:00Z",
  "api_type": "BULK",
  "select_fields_by_default": true
}
%%% meltano state with creds
{"singer_state": {"bookmarks": {"public-orders": {"replication_key": "updated_at", "replication_key_value": "«N:ts»"}}}, "config_snapshot": {"host": "«N:host»", "user": "meltano", "password": "«S:pw»"}}
%%% dagster cloud run config json
{"ops": {"load_orders": {"config": {"snowflake_password": "«S:pw»", "batch_size": 5000}}}, "resources": {"io_manager": {"config": {"s3_bucket": "acme-dagster"}}}}
%%% databricks job json with env
{
  "name": "nightly-feature-refresh",
  "job_clusters": [{
    "job_cluster_key": "etl",
    "new_cluster": {
      "spark_version": "15.4.x-scala2.12",
      "node_type_id": "Standard_D8ds_v5",
      "num_workers": 4,
      "spark_conf": {"fs.azure.account.key.«N:letters(10)».dfs.core.windows.net": "«S:az_key»"},
      "spark_env_vars": {"OPENAI_API_KEY": "«S:openai»"}
    }
  }]
}
%%% databricks token create response
{
  "token_value": "«S:dapi»",
  "token_info": {
    "token_id": "«N:hex(64)»",
    "creation_time": «N:num(13)»,
    "expiry_time": «N:num(13)»,
    "comment": "agent: nightly export"
  }
}
%%% airflow rest api connection body
{
  "connection_id": "clickhouse_prod",
  "conn_type": "clickhouse",
  "host": "«N:lower(10)».eu-west-1.aws.clickhouse.cloud",
  "login": "airflow",
  "password": "«S:pw»",
  "port": 8443,
  "extra": "{\"secure\": true}"
}
%%% airflow connections export json
{
  "warehouse_pg": {"conn_type": "postgres", "host": "«N:host»", "login": "etl", "password": "«S:pw»", "schema": "warehouse", "port": 5432, "extra": ""},
  "openai_default": {"conn_type": "openai", "host": "", "login": "", "password": "«S:openai»", "extra": "{\"organization\": \"org-«N:alnum(24)»\"}"}
}
%%% notebook ipynb with output leaking config
{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 4,
   "metadata": {},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "{'host': '«N:host»', 'user': 'analyst', 'password': '«S:pw»', 'dbname': 'warehouse'}\n"
     ]
    }
   ],
   "source": [
    "print(cfg['warehouse'])"
   ]
  }
 ],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
%%% notebook ipynb source with key
{
 "cell_type": "code",
 "execution_count": 1,
 "id": "«N:hex(8)»",
 "metadata": {},
 "outputs": [],
 "source": [
  "import os\n",
  "os.environ[\"OPENAI_API_KEY\"] = \"«S:openai»\"\n",
  "os.environ[\"PINECONE_API_KEY\"] = \"«S:pinecone»\"\n",
  "from rag import build_index\n"
 ]
}
%%% vscode mcp settings for warehouse
{
  "mcpServers": {
    "snowflake": {
      "command": "uvx",
      "args": ["mcp-snowflake-server", "--account", "«N:sf_acct»", "--warehouse", "ANALYST_WH"],
      "env": {"SNOWFLAKE_USER": "«N:user»", "SNOWFLAKE_PASSWORD": "«S:pw»"}
    },
    "motherduck": {
      "command": "uvx",
      "args": ["mcp-server-motherduck", "--db-path", "md:", "--motherduck-token", "«S:jwt(md)»"]
    }
  }
}
%%% wandb api response viewer
{"data": {"viewer": {"id": "«N:b64url(16)»", "username": "«N:letters(8)»", "entity": "acme-ml", "apiKeys": {"edges": [{"node": {"id": "«N:b64url(16)»", "name": "«S:wandb»", "description": "ci"}}]}}}}
%%% hf token api response
{"type": "user", "name": "«N:letters(8)»", "auth": {"type": "access_token", "accessToken": {"displayName": "notebook", "role": "write", "createdAt": "«N:ts».000Z"}}, "token": "«S:hf»"}
%%% pinecone create key response
{"key": {"id": "«N:uuid»", "name": "rag-prod", "project_id": "«N:uuid»", "roles": ["ProjectEditor"]}, "value": "«S:pinecone»"}
%%% openai admin api key create response
{"object": "organization.admin_api_key", "id": "key_«N:alnum(16)»", "name": "etl", "redacted_value": "sk-admin...«N:alnum(4)»", "value": "«S:openai»", "created_at": «N:num(10)»}
%%% mlflow create user body
{"username": "«N:user»", "password": "«S:pw»"}
%%% litellm key generate response
{"key": "«S:litellm_key»", "key_name": "sk-...«N:alnum(4)»", "expires": null, "user_id": "«N:user»", "team_id": "data-science", "models": ["gpt-4o", "claude-sonnet"], "max_budget": 200.0, "token_id": "«N:sha256»"}
%%% superset database create body
{"database_name": "ClickHouse prod", "sqlalchemy_uri": "clickhousedb://superset:«S:pw|url»@«N:host»:8443/analytics", "expose_in_sqllab": true, "allow_run_async": true}
%%% metabase database create body
{"engine": "postgres", "name": "Warehouse", "details": {"host": "«N:host»", "port": 5432, "dbname": "warehouse", "user": "metabase", "password": "«S:pw»", "ssl": true, "tunnel-enabled": false}}
%%% redash data source body
{"name": "Redshift", "type": "redshift", "options": {"host": "dwh-prod.«N:lower(12)».eu-west-1.redshift.amazonaws.com", "port": 5439, "user": "redash", "password": "«S:pw»", "dbname": "analytics"}}
%%% looker connection body
{"name": "snowflake_prod", "dialect_name": "snowflake", "host": "«N:sf_acct».snowflakecomputing.com", "username": "LOOKER", "password": "«S:pw»", "database": "ANALYTICS", "schema": "MARTS", "max_connections": 30}
%%% tableau signin response
{"credentials": {"site": {"id": "«N:uuid»", "contentUrl": "finance"}, "user": {"id": "«N:uuid»"}, "token": "«S:b64url(22)»|«S:alnum(32)»|«N:uuid»", "estimatedTimeToExpiration": "364:23:59"}}
%%% sagemaker describe training job env
{"TrainingJobName": "hf-finetune-«N:num(6)»", "TrainingJobStatus": "Completed", "Environment": {"HF_TOKEN": "«S:hf»", "WANDB_API_KEY": "«S:wandb»"}, "RoleArn": "arn:aws:iam::«N:digits(12)»:role/SageMakerExecution"}
%%% vertex endpoint env json
{"displayName": "rag-api", "containerSpec": {"imageUri": "europe-docker.pkg.dev/«N:letters(8)»-ml/serve/rag:«N:hex(7)»", "env": [{"name": "ANTHROPIC_API_KEY", "value": "«S:anthropic»"}, {"name": "COHERE_API_KEY", "value": "«S:cohere»"}]}}
%%% structured log with connection string
{"ts": "«N:ts».412Z", "level": "error", "logger": "loader.snowflake", "msg": "connection failed", "dsn": "snowflake://LOADER:«S:pw|url»@«N:sf_acct»/RAW", "attempt": 3, "run_id": "«N:uuid»"}
%%% json log with headers
{"time": "«N:ts»Z", "level": "DEBUG", "msg": "outgoing request", "method": "POST", "url": "https://api.together.xyz/v1/completions", "headers": {"Authorization": "Bearer «S:together»", "Content-Type": "application/json"}, "status": 200}
%%% mlflow run params json with key
{"run_id": "«N:hex(32)»", "params": {"model": "gpt-4o-mini", "temperature": "0.0", "openai_api_key": "«S:openai»", "retriever_k": "8"}, "tags": {"mlflow.user": "«N:user»"}}
%%% label studio storage body
{"project": «N:num(2)», "title": "S3 images", "bucket": "acme-label-images", "prefix": "defects/", "aws_access_key_id": "«N:aws_id»", "aws_secret_access_key": "«S:aws_sk»", "region_name": "eu-west-1", "presign": true}
%%% prefect block document
{"id": "«N:uuid»", "name": "lake-creds", "block_type_slug": "aws-credentials", "data": {"aws_access_key_id": "«N:aws_id»", "aws_secret_access_key": "«S:aws_sk»", "region_name": "eu-west-1"}}
%%% azure ml workspace keys response
{"userStorageKey": "«S:az_key»", "userStorageResourceId": "/subscriptions/«N:uuid»/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/«N:letters(10)»", "appInsightsInstrumentationKey": "«N:uuid»", "containerRegistryCredentials": {"location": "westeurope", "username": "«N:letters(10)»", "passwords": [{"name": "password", "value": "«S:b64(52)»"}]}}
%%% ray runtime env json
{"working_dir": "s3://acme-ray/pkgs/«N:hex(16)».zip", "pip": ["vllm==0.6.4"], "env_vars": {"HF_TOKEN": "«S:hf»", "LANGCHAIN_API_KEY": "«S:langsmith»"}}
%%% jupyter kernel connection file
{
  "shell_port": «N:num(5)»,
  "iopub_port": «N:num(5)»,
  "stdin_port": «N:num(5)»,
  "control_port": «N:num(5)»,
  "hb_port": «N:num(5)»,
  "ip": "127.0.0.1",
  "key": "«S:uuid»",
  "transport": "tcp",
  "signature_scheme": "hmac-sha256",
  "kernel_name": "python3"
}
%%% clickhouse users json export
{"users": [{"name": "grafana", "auth_type": "plaintext_password", "password": "«S:pw»", "profile": "readonly"}, {"name": "etl", "auth_type": "sha256_password", "password_sha256_hex": "«N:sha256»"}]}
%%% anyscale credentials json
{"cli_token": "«S:anyscale»", "host": "https://console.anyscale.com"}
%%% basic auth in har-like request json
{"request": {"method": "GET", "url": "https://psrc-«N:lower(5)».eu-west-1.aws.confluent.cloud/subjects", "headers": [{"name": "Authorization", "value": "Basic «S:basic»"}, {"name": "Accept", "value": "application/json"}]}}
%%% neptune token in json config
{"neptune": {"project": "acme/recsys", "api_token": "«S:neptune»", "mode": "async"}}
%%% ipynb outputs with hashes and ids
{
 "cell_type": "code",
 "execution_count": 9,
 "id": "«N:hex(8)»",
 "metadata": {},
 "outputs": [
  {
   "data": {
    "text/plain": [
     "   user_id                                      email_sha256  token_count\n",
     "0    «N:num(5)»  «N:sha256»         «N:num(4)»\n"
    ]
   },
   "execution_count": 9,
   "metadata": {},
   "output_type": "execute_result"
  }
 ],
 "source": ["df[['user_id', 'email_sha256', 'token_count']].head(1)"]
}
%%% ipynb image output
{"output_type": "display_data", "data": {"image/png": "«N:png»", "text/plain": ["<Figure size 800x600 with 2 Axes>"]}, "metadata": {"needs_background": "light"}}
%%% ipynb widget state ids
{"metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": {"state": {"«N:hex(32)»": {"model_name": "FloatProgressModel", "model_module": "@jupyter-widgets/controls", "state": {"value": 100, "max": 100, "description": "tokenizing"}}}, "version_major": 2, "version_minor": 0}}}}
%%% embeddings api response
{"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": «N:emb(24)»}], "model": "text-embedding-3-small", "usage": {"prompt_tokens": 8, "total_tokens": 8}}
%%% chat completion usage
{"id": "chatcmpl-«N:alnum(29)»", "object": "chat.completion", "created": «N:num(10)», "model": "gpt-4o-mini-2024-07-18", "usage": {"prompt_tokens": 1204, "completion_tokens": 311, "total_tokens": 1515, "prompt_tokens_details": {"cached_tokens": 1024}}, "system_fingerprint": "fp_«N:hex(10)»"}
%%% tokenizer json excerpt
{"version": "1.0", "added_tokens": [{"id": 0, "content": "<pad>", "special": true}, {"id": 1, "content": "<secret>", "special": true}], "model": {"type": "BPE", "vocab": {"password": 20786, "token": 19204, "secret": 3595, "api": 17928, "key": 3145}}}
%%% hf model config json
{"_name_or_path": "acme/intent-clf", "architectures": ["DistilBertForSequenceClassification"], "vocab_size": 30522, "pad_token_id": 0, "id2label": {"0": "password_reset", "1": "api_key_request", "2": "billing"}, "transformers_version": "4.46.3"}
%%% mlflow meta json
{"artifact_uri": "s3://acme-mlflow/«N:num(3)»/«N:hex(32)»/artifacts", "end_time": «N:num(13)», "experiment_id": "«N:num(3)»", "lifecycle_stage": "active", "run_id": "«N:hex(32)»", "run_name": "bold-hawk-«N:num(3)»", "start_time": «N:num(13)», "status": 3}
%%% dvc lock json-ish
{"schema": "2.0", "stages": {"featurize": {"cmd": "python featurize.py", "deps": [{"path": "data/raw.parquet", "md5": "«N:md5»", "size": «N:num(8)»}], "outs": [{"path": "data/features.parquet", "md5": "«N:md5»", "size": «N:num(8)»}]}}}
%%% parquet schema metadata
{"columns": [{"name": "user_id", "type": "INT64"}, {"name": "api_key_hash", "type": "BYTE_ARRAY", "logical": "STRING"}, {"name": "password_reset_at", "type": "INT64", "logical": "TIMESTAMP(MICROS)"}], "num_rows": «N:num(6)», "created_by": "parquet-cpp-arrow version 17.0.0", "row_groups": 4}
%%% airflow connection json masked
{"connection_id": "warehouse_pg", "conn_type": "postgres", "host": "«N:host»", "login": "etl", "password": "***", "schema": "warehouse", "port": 5432, "extra": null}
%%% airbyte source config masked by api
{"sourceId": "«N:uuid»", "name": "Postgres shop", "configuration": {"host": "«N:host»", "port": 5432, "username": "airbyte", "password": "**********", "database": "shop"}}
%%% fivetran connector response masked
{"code": "Success", "data": {"id": "«N:letters(6)»_«N:letters(7)»", "service": "postgres", "config": {"host": "«N:host»", "user": "fivetran", "password": "******", "database": "shop", "update_method": "WAL"}, "succeeded_at": "«N:ts».000Z"}}
%%% bigquery job metadata
{"kind": "bigquery#job", "id": "«N:letters(8)»-analytics:EU.bquxjob_«N:hex(8)»_«N:hex(12)»", "jobReference": {"projectId": "«N:letters(8)»-analytics", "jobId": "bquxjob_«N:hex(8)»_«N:hex(12)»", "location": "EU"}, "statistics": {"totalBytesProcessed": "«N:num(10)»", "query": {"cacheHit": false}}, "user_email": "dbt-runner@«N:letters(8)»-analytics.iam.gserviceaccount.com"}
%%% snowflake query history json
{"query_id": "«N:uuid»", "query_text": "ALTER USER DBT_PROD SET PASSWORD = '****'", "user_name": "SECURITYADMIN", "warehouse_name": "ADMIN_WH", "execution_status": "SUCCESS", "total_elapsed_time": 112}
%%% gcp sa key list (no private key)
{"keys": [{"name": "projects/«N:letters(8)»-prod/serviceAccounts/loader@«N:letters(8)»-prod.iam.gserviceaccount.com/keys/«N:hex(40)»", "validAfterTime": "«N:ts»Z", "validBeforeTime": "9999-12-31T23:59:59Z", "keyAlgorithm": "KEY_ALG_RSA_2048", "keyOrigin": "GOOGLE_PROVIDED", "keyType": "USER_MANAGED"}]}
%%% jwk public set
{"keys": [{"kty": "RSA", "use": "sig", "kid": "«N:hex(16)»", "alg": "RS256", "n": "«N:b64url(342)»", "e": "AQAB"}]}
%%% vscode mcp settings with env refs
{"mcpServers": {"bigquery": {"command": "npx", "args": ["-y", "@acme/mcp-bigquery"], "env": {"GOOGLE_APPLICATION_CREDENTIALS": "${env:HOME}/.config/gcloud/application_default_credentials.json", "BQ_PROJECT": "«N:letters(8)»-analytics"}}}}
%%% streamlit app config with anon key
{"supabaseUrl": "https://«N:letters(20)».supabase.co", "supabaseAnonKey": "«N:jwt(anon)»", "mapboxToken": "pk.«N:b64url(60)».«N:b64url(22)»"}
%%% aws sts identity
{"UserId": "«N:asia_id»:etl-session", "Account": "«N:digits(12)»", "Arn": "arn:aws:sts::«N:digits(12)»:assumed-role/etl/etl-session"}
%%% iam list access keys
{"AccessKeyMetadata": [{"UserName": "etl-loader", "AccessKeyId": "«N:aws_id»", "Status": "Active", "CreateDate": "«N:ts»+00:00"}, {"UserName": "etl-loader", "AccessKeyId": "«N:aws_id»", "Status": "Inactive", "CreateDate": "«N:ts»+00:00"}]}
%%% kms encrypt output
{"CiphertextBlob": "AQICAHh«N:b64bytes(180)»", "KeyId": "arn:aws:kms:eu-west-1:«N:digits(12)»:key/«N:uuid»", "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}
%%% dbt run results json
{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json", "dbt_version": "1.8.7", "generated_at": "«N:ts».412Z", "invocation_id": "«N:uuid»"}, "results": [{"status": "success", "unique_id": "model.acme_analytics.dim_accounts", "execution_time": 4.21, "adapter_response": {"_message": "SUCCESS 1", "rows_affected": 1, "query_id": "«N:uuid»"}}]}
%%% dbt manifest node with env_var
{"unique_id": "source.acme_analytics.app.users", "resource_type": "source", "config": {"enabled": true}, "columns": {"password_hash": {"name": "password_hash", "description": "bcrypt hash"}, "api_key_hash": {"name": "api_key_hash"}}, "meta": {"owner": "{{ env_var('DBT_OWNER') }}"}, "checksum": {"name": "sha256", "checksum": "«N:sha256»"}}
%%% litellm spend logs
{"request_id": "chatcmpl-«N:alnum(29)»", "api_key": "«N:sha256»", "model": "claude-sonnet", "spend": 0.00412, "total_tokens": 1515, "prompt_tokens": 1204, "completion_tokens": 311, "startTime": "«N:ts»Z", "user": "«N:user»"}
%%% great expectations result json
{"success": true, "statistics": {"evaluated_expectations": 12, "successful_expectations": 12}, "meta": {"run_id": {"run_name": "«N:ts»", "run_time": "«N:ts»Z"}, "batch_spec": {"table_name": "users", "schema_name": "app"}, "expectation_suite_name": "users.password_hash_format"}}
%%% huggingface dataset info api
{"_id": "«N:hex(24)»", "id": "acme/support-tickets-v2", "sha": "«N:sha1»", "private": true, "gated": false, "downloads": 412, "cardData": {"license": "other"}, "siblings": [{"rfilename": "data/train-00000-of-00002.parquet"}, {"rfilename": "data/train-00001-of-00002.parquet"}]}
%%% wandb run summary json
{"_step": 1210, "_runtime": 3612.4, "_timestamp": «N:num(10)».412, "train/loss": 2.0987, "train/tokens_seen": 39649280, "eval/accuracy": «N:float», "_wandb": {"runtime": 3612}}
%%% vault kv get json metadata
{"request_id": "«N:uuid»", "lease_id": "", "renewable": false, "data": {"data": null, "metadata": {"created_time": "«N:ts».412Z", "deletion_time": "«N:ts».000Z", "destroyed": true, "version": 3}}, "warnings": ["secret was destroyed"]}
%%% feature values payload
{"entities": {"user_id": [«N:num(5)», «N:num(5)»]}, "features": ["user_activity:sessions_7d", "user_activity:tokens_generated_7d", "user_activity:has_api_key"], "results": [[12, 3], [48211, 1204], [true, false]]}
%%% ipynb cell with dbutils secrets
{"cell_type": "code", "execution_count": 2, "id": "«N:hex(8)»", "metadata": {}, "outputs": [{"name": "stdout", "output_type": "stream", "text": ["[REDACTED]\n"]}], "source": ["pw = dbutils.secrets.get(scope=\"data-eng\", key=\"warehouse-password\")\n", "print(pw)"]}
%%% airbyte connection list ids
{"data": [{"connectionId": "«N:uuid»", "name": "Postgres shop → Snowflake", "sourceId": "«N:uuid»", "destinationId": "«N:uuid»", "status": "active", "schedule": {"scheduleType": "cron", "cronExpression": "0 3 * * *"}}]}
%%% openai key list redacted
{"object": "list", "data": [{"object": "organization.project.api_key", "redacted_value": "sk-abc...«N:alnum(4)»", "name": "rag-prod", "created_at": «N:num(10)», "id": "key_«N:alnum(16)»", "owner": {"type": "service_account", "service_account": {"id": "svc_acct_«N:alnum(16)»", "name": "rag"}}}]}
%%% pinecone index describe
{"name": "support-docs", "dimension": 1536, "metric": "cosine", "host": "support-docs-«N:lower(7)».svc.aped-4627-b74a.pinecone.io", "spec": {"serverless": {"cloud": "aws", "region": "us-east-1"}}, "status": {"ready": true, "state": "Ready"}, "deletion_protection": "enabled"}
%%% hf tokenizer config
{"add_bos_token": true, "bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>", "model_max_length": 131072, "tokenizer_class": "PreTrainedTokenizerFast", "chat_template": "{% for message in messages %}{{ message['content'] }}{% endfor %}"}
%%% kaggle json placeholder
{"username": "your-kaggle-username", "key": "your-kaggle-api-key"}
%%% databricks token list
{"token_infos": [{"token_id": "«N:hex(64)»", "creation_time": «N:num(13)», "expiry_time": -1, "comment": "agent", "created_by_username": "«N:email»"}]}
%%% weaviate schema with secret-like props
{"class": "SupportTicket", "vectorizer": "text2vec-openai", "properties": [{"name": "body", "dataType": ["text"]}, {"name": "contains_password", "dataType": ["boolean"]}, {"name": "api_key_last4", "dataType": ["text"]}], "moduleConfig": {"text2vec-openai": {"model": "text-embedding-3-small"}}}
"""


def templates() -> list[tuple[str, str, str]]:
    """(context, kind, text) of every template."""
    out = []
    for context, block in BLOCKS.items():
        for chunk in re.split(r"^%%% ", block, flags=re.M)[1:]:
            kind, _, text = chunk.partition("\n")
            out.append((context, kind.strip(), text.strip("\n")))
    return out


def corpus(seed: int, copies: int = 6) -> list[Document]:
    documents = []
    for index, (context, kind, template) in enumerate(templates()):
        rng = random.Random(seed * 1_000_003 + index)
        split = "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"
        for _ in range(copies):
            text, secrets = fill(template, rng)
            assert all(s in text for s in secrets), (kind, secrets)
            documents.append(Document(text, secrets, context, kind, split, template))
        for copy in range(copies):
            text, secrets = fill(template, rng)
            line, times = _envelope(text, rng, (index + copy) % 5)
            escaped = [_escape(s, times) for s in secrets]
            assert all(s in line for s in escaped), (kind, escaped)
            documents.append(Document(line, escaped, "json", kind, split, template))
    return documents


def main() -> None:
    positives: Counter[str] = Counter()
    negatives: Counter[str] = Counter()
    for context, _kind, text in templates():
        (positives if "«S:" in text else negatives)[context] += 1
    for context in CONTEXTS:
        print(f"{context:8} {positives[context]:4d} with secrets {negatives[context]:4d} without")
    print(f"{'all':8} {sum(positives.values()):4d} with secrets {sum(negatives.values()):4d} without")
    documents = corpus(127)
    print(f"{len(documents)} documents, {sum(len(d.secrets) for d in documents)} planted secrets")


if __name__ == "__main__":
    main()
