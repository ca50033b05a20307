"""A fifteenth labelled redaction corpus: what the agent itself writes.

Written blind to the redactor's rules and to the other corpora (issue 15). The other corpora put
secrets mostly in tool OUTPUT; here they sit in the agent's own tool-call INPUTS and replies, as
trajectories record them: Claude Code ``tool_use`` inputs (Write, Edit, MultiEdit, Bash,
NotebookEdit, WebFetch, TodoWrite), Codex ``function_call`` arguments (``shell``, ``apply_patch``,
``update_plan``), ``codex exec --json`` command and file-change items, MCP ``tools/call`` arguments,
SWE-agent ``str_replace_editor`` actions, aider SEARCH/REPLACE blocks, unified diffs, heredocs,
``sed -i`` and ``echo >>`` edits, commit messages and the agent's replies. Hard negatives come from
the same world: code that reads secrets, ``.env.example`` files, patches that swap a secret for a
reference (the removed line is still a secret), obvious test fixtures, ``$VAR`` references, ids,
hashes, base64 of plain data and lockfile integrity hashes.

Template syntax. Templates live in the ``_BLOCKS`` strings below; each starts with a line
``%%% CONTEXT | KIND`` and runs to the next such line. Inside a template:

- ``«S:GEN»`` plants a secret drawn from the generator ``GEN`` (see ``_GENERATORS``);
- ``«N:GEN»`` puts a value that is not a secret (ids, hashes, placeholders, public keys ...);
- ``«S:GEN#T»`` / ``«N:GEN#T»`` with a tag ``T`` draw once and reuse the value wherever the tag
  recurs in the same instance;
- a filter after ``|`` changes how the value is written: ``url`` (percent-encoded), ``j`` (escaped
  once as inside a JSON string), ``jj`` (twice, as in a JSON string inside a JSON string), ``b64``
  (base64 of the value), ``sq`` (inside a single-quoted shell word, ``'`` as ``'\\''``), ``ind4`` /
  ``ind6`` / ``ind8`` (continuation lines indented).

A planted secret is labelled as the exact text the template writes (after its filter). A template
with no ``«S:`` is a negative and must come through redaction byte for byte. Every value is drawn at
run time from parts; provider prefixes and PEM armour are joined at run time, so this file holds no
secret-shaped literal.

Each template is instantiated ``copies`` times in its own context and ``copies`` more times inside an
agent-log line (context ``json``) on the INPUT side of a tool call, rotating between a Claude Code
stream-json ``assistant`` line, a Claude Code transcript line, a Codex rollout ``function_call``
(``arguments`` is a JSON string, so the text is escaped twice), a ``codex exec --json``
``item.started`` command and an MCP ``tools/call`` request.
"""

# ruff: noqa: E501, W293 - templates read better on one line; diff context lines keep their leading space
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
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
    """True if at least half of ``secret`` survives in ``output``, raw or JSON-escaped once or twice."""
    once = json.dumps(secret)[1:-1]
    for form in (secret, once, json.dumps(once)[1:-1]):
        run = max(1, len(form) // 2)
        if any(form[i : i + run] in output for i in range(len(form) - run + 1)):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Value generators: every one draws from parts at run time.

LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
ALNUM = LOWER + UPPER + DIGITS
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
B32 = "abcdefghijklmnopqrstuvwxyz234567"

WORDS = [
    "river",
    "maple",
    "falcon",
    "copper",
    "winter",
    "summer",
    "orange",
    "tiger",
    "harbor",
    "velvet",
    "cactus",
    "pepper",
    "marble",
    "rocket",
    "silver",
    "garden",
    "thunder",
    "monkey",
    "dragon",
    "sunshine",
    "coffee",
    "bishop",
    "castle",
    "violet",
    "ginger",
    "pirate",
    "lemon",
    "shadow",
    "bamboo",
    "meadow",
    "puzzle",
    "walrus",
    "banjo",
    "comet",
    "sierra",
    "tundra",
    "nectar",
    "quartz",
    "willow",
    "ember",
]
BIP39 = [
    "abandon",
    "ability",
    "able",
    "about",
    "above",
    "absent",
    "absorb",
    "abstract",
    "absurd",
    "abuse",
    "access",
    "accident",
    "account",
    "accuse",
    "achieve",
    "acid",
    "acoustic",
    "acquire",
    "across",
    "act",
    "action",
    "actor",
    "actress",
    "actual",
    "adapt",
    "add",
    "addict",
    "address",
    "adjust",
    "admit",
    "adult",
    "advance",
    "advice",
    "aerobic",
    "affair",
    "afford",
    "afraid",
    "again",
    "age",
    "agent",
    "agree",
    "ahead",
    "aim",
    "air",
    "airport",
    "aisle",
    "alarm",
    "album",
    "alcohol",
    "alert",
    "alien",
    "all",
    "alley",
    "allow",
    "almost",
    "alone",
    "alpha",
    "already",
    "also",
    "alter",
    "always",
    "amateur",
    "amazing",
    "among",
    "amount",
    "amused",
    "analyst",
    "anchor",
    "ancient",
    "anger",
    "angle",
    "angry",
    "animal",
    "ankle",
    "announce",
    "annual",
    "another",
    "answer",
    "antenna",
    "antique",
    "anxiety",
    "any",
    "apart",
    "apology",
    "appear",
    "apple",
    "approve",
    "april",
    "arch",
    "arctic",
    "area",
    "arena",
    "argue",
    "arm",
    "armed",
    "armor",
    "army",
    "around",
    "arrange",
    "arrest",
    "arrive",
    "arrow",
    "art",
    "artefact",
    "artist",
    "artwork",
    "ask",
    "aspect",
    "assault",
    "asset",
    "assist",
    "assume",
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
    "oscar",
    "peggy",
    "trent",
    "victor",
    "wendy",
]
SERVICES = [
    "billing",
    "orders",
    "ledger",
    "auth",
    "search",
    "inventory",
    "notify",
    "payments",
    "catalog",
    "reports",
    "gateway",
]
HOSTS = [
    "db.internal",
    "prod-db-1.cluster-c9x2.eu-west-1.rds.amazonaws.com",
    "pg.staging.svc.cluster.local",
    "10.0.3.17",
    "mysql-primary.corp.lan",
    "redis.internal",
]


def _pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _pem(rng: random.Random, label: str, lines: int) -> str:
    dashes = "-" * 5
    body = _b64(rng.randbytes(48 * lines))
    rows = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"{dashes}BEGIN {label}{dashes}", *rows, f"{dashes}END {label}{dashes}"])


def _openssh(rng: random.Random) -> str:
    dashes = "-" * 5
    label = "OPENSSH " + "PRIVATE KEY"
    magic = b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none"
    body = _b64(magic + rng.randbytes(300))
    rows = [body[i : i + 70] for i in range(0, len(body), 70)]
    return "\n".join([f"{dashes}BEGIN {label}{dashes}", *rows, f"{dashes}END {label}{dashes}"])


def _jwt(rng: random.Random, claims: dict | None = None, alg: str = "HS256") -> str:
    header = _b64url(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
    now = 1_760_000_000 + rng.randrange(10_000_000)
    body = claims or {
        "sub": str(rng.randrange(10**6, 10**7)),
        "email": f"{rng.choice(NAMES)}@example.com",
        "iat": now,
        "exp": now + 3600,
    }
    payload = _b64url(json.dumps(body, separators=(",", ":")).encode())
    sig = _b64url(rng.randbytes(32 if alg.startswith("HS") else 256))
    return f"{header}.{payload}.{sig}"


def _supabase(rng: random.Random, role: str) -> str:
    ref = _pick(rng, LOWER, 20)
    now = 1_700_000_000 + rng.randrange(10**7)
    return _jwt(rng, {"iss": "supabase", "ref": ref, "role": role, "iat": now, "exp": now + 10**9})


def _human_password(rng: random.Random) -> str:
    style = rng.randrange(5)
    w1, w2 = rng.choice(WORDS), rng.choice(WORDS)
    sym = rng.choice("!@#$%&*?.")
    if style == 0:
        return f"{w1.capitalize()}{rng.randrange(1970, 2027)}{sym}"
    if style == 1:
        return f"{w1}-{w2}-{rng.choice(WORDS)}-{rng.randrange(10, 99)}"
    if style == 2:
        leet = w1.replace("a", "@").replace("o", "0").replace("e", "3").replace("s", "$")
        return f"{leet.capitalize()}{sym}{rng.randrange(100, 999)}"
    if style == 3:
        return f"{w1.capitalize()}{w2.capitalize()}{rng.randrange(1, 99)}{sym}"
    return f"{rng.choice(NAMES).capitalize()}{sym}{w1}{rng.randrange(1000, 9999)}"


def _random_password(rng: random.Random) -> str:
    alphabet = ALNUM + "!#%*+-=?@^_~"
    while True:
        value = _pick(rng, alphabet, rng.randrange(16, 33))
        if any(c in DIGITS for c in value) and any(c in UPPER for c in value):
            return value


def _password(rng: random.Random) -> str:
    return _human_password(rng) if rng.random() < 0.5 else _random_password(rng)


def _basic(rng: random.Random) -> str:
    return _b64(f"{rng.choice(NAMES)}:{_password(rng)}".encode())


def _git_sha(rng: random.Random) -> str:
    return _pick(rng, HEX, 40)


def _ssh_ed25519_pub(rng: random.Random) -> str:
    blob = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + rng.randbytes(32)
    return f"ssh-ed25519 {_b64(blob)} {rng.choice(NAMES)}@laptop"


def _cert(rng: random.Random) -> str:
    return _pem(rng, "CERTIFICATE", 10)


def _pubkey(rng: random.Random) -> str:
    return _pem(rng, "PUBLIC KEY", 6)


def _uuid(rng: random.Random) -> str:
    h = _pick(rng, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _slack_webhook(rng: random.Random) -> str:
    return (
        "https://hooks.slack.com/services/T"
        + _pick(rng, UPPER + DIGITS, 10)
        + "/B"
        + _pick(rng, UPPER + DIGITS, 10)
        + "/"
        + _pick(rng, ALNUM, 24)
    )


def _discord_webhook(rng: random.Random) -> str:
    return f"https://discord.com/api/webhooks/{rng.randrange(10**17, 10**18)}/{_pick(rng, B64URL, 68)}"


def _teams_webhook(rng: random.Random) -> str:
    return (
        f"https://contoso.webhook.office.com/webhookb2/{_uuid(rng)}@{_uuid(rng)}/IncomingWebhook/"
        f"{_pick(rng, HEX, 32)}/{_uuid(rng)}"
    )


def _azure_sas(rng: random.Random) -> str:
    sig = urllib.parse.quote(_b64(rng.randbytes(32)), safe="")
    return f"sv=2022-11-02&ss=b&srt=sco&sp=rwdlacx&se=2026-12-31T23:59:59Z&st=2026-01-01T00:00:00Z&spr=https&sig={sig}"


def _seed_phrase(rng: random.Random) -> str:
    return " ".join(rng.choice(BIP39) for _ in range(rng.choice((12, 24))))


def _b64_plain(rng: random.Random) -> str:
    data = json.dumps(
        {
            "env": rng.choice(("prod", "staging")),
            "replicas": rng.randrange(1, 9),
            "team": rng.choice(SERVICES),
        }
    )
    return _b64(data.encode())


def _integrity(rng: random.Random) -> str:
    return "sha512-" + _b64(rng.randbytes(64))


def _placeholder(rng: random.Random) -> str:
    return rng.choice(
        (
            "<your-api-key>",
            "changeme",
            "REPLACE_ME",
            "xxxxxxxxxxxxxxxx",
            "${API_KEY}",
            "<redacted>",
            "your_token_here",
            "****",
            "[REDACTED]",
            "TODO",
            "dummy",
        )
    )


_P = {
    # Strings joined at run time so that no provider prefix sits whole in this file.
    "ghp": "gh" + "p_",
    "gho": "gh" + "o_",
    "ghs": "gh" + "s_",
    "ghpat": "github" + "_pat_",
    "glpat": "gl" + "pat-",
    "sk_live": "sk" + "_live_",
    "rk_live": "rk" + "_live_",
    "pk_live": "pk" + "_live_",
    "pk_test": "pk" + "_test_",
    "whsec": "wh" + "sec_",
    "oai": "sk-" + "proj-",
    "ant": "sk-" + "ant-" + "api03-",
    "xoxb": "xo" + "xb-",
    "xoxp": "xo" + "xp-",
    "akia": "AK" + "IA",
    "asia": "AS" + "IA",
    "aiza": "AI" + "za",
    "npm": "np" + "m_",
    "pypi": "py" + "pi-",
    "sg": "S" + "G.",
    "hf": "h" + "f_",
    "shpat": "shp" + "at_",
    "dop": "do" + "p_v1_",
    "hvs": "hv" + "s.",
    "gocspx": "GOC" + "SPX-",
    "lin": "lin" + "_api_",
    "age": "AGE-" + "SECRET-KEY-1",
    "dckr": "dckr" + "_pat_",
    "glsa": "gl" + "sa_",
    "sntrys": "sntr" + "ys_",
    "xai": "xa" + "i-",
    "gsk": "gs" + "k_",
    "pplx": "ppl" + "x-",
    "rnd": "rn" + "d_",
    "fly": "Fly" + "V1 fm2_",
    "op": "op" + "s_",
    "tfc": ".atlas" + "v1.",
}


_GENERATORS = {
    # secrets
    "pw": _password,
    "hpw": _human_password,
    "rpw": _random_password,
    "basic": _basic,
    "ghp": lambda r: _P["ghp"] + _pick(r, ALNUM, 36),
    "gho": lambda r: _P["gho"] + _pick(r, ALNUM, 36),
    "ghs": lambda r: _P["ghs"] + _pick(r, ALNUM, 36),
    "ghpat": lambda r: _P["ghpat"] + _pick(r, ALNUM, 22) + "_" + _pick(r, ALNUM, 59),
    "glpat": lambda r: _P["glpat"] + _pick(r, B64URL, 20),
    "stripe_sk": lambda r: _P["sk_live"] + _pick(r, ALNUM, r.choice((24, 99))),
    "stripe_rk": lambda r: _P["rk_live"] + _pick(r, ALNUM, 99),
    "whsec": lambda r: _P["whsec"] + _pick(r, ALNUM, 32),
    "openai": lambda r: _P["oai"] + _pick(r, B64URL, 74) + "T3Blbk" + "FJ" + _pick(r, B64URL, 74),
    "anthropic": lambda r: _P["ant"] + _pick(r, B64URL, 93) + "AA",
    "slack_bot": lambda r: (
        f"{_P['xoxb']}{r.randrange(10**11, 10**12)}-{r.randrange(10**12, 10**13)}-{_pick(r, ALNUM, 24)}"
    ),
    "slack_user": lambda r: (
        f"{_P['xoxp']}{r.randrange(10**11, 10**12)}-{r.randrange(10**11, 10**12)}-{r.randrange(10**12, 10**13)}-{_pick(r, HEX, 32)}"
    ),
    "slack_hook": _slack_webhook,
    "discord_hook": _discord_webhook,
    "teams_hook": _teams_webhook,
    "aws_secret": lambda r: _pick(r, ALNUM + "/+", 40),
    "aws_session": lambda r: "IQoJb3JpZ2luX2Vj" + _pick(r, B64, 340),
    "gcp_key": lambda r: _P["aiza"] + _pick(r, B64URL, 35),
    "gcp_sa_pem": lambda r: _pem(r, "PRIVATE " + "KEY", 26),
    "rsa_pem": lambda r: _pem(r, "RSA " + "PRIVATE KEY", 25),
    "ec_pem": lambda r: _pem(r, "EC " + "PRIVATE KEY", 3),
    "openssh": _openssh,
    "npm": lambda r: _P["npm"] + _pick(r, ALNUM, 36),
    "pypi": lambda r: _P["pypi"] + "AgEIcHlwaS5vcmc" + _pick(r, B64URL, 140),
    "sendgrid": lambda r: _P["sg"] + _pick(r, B64URL, 22) + "." + _pick(r, B64URL, 43),
    "twilio_token": lambda r: _pick(r, HEX, 32),
    "mailgun": lambda r: "key-" + _pick(r, HEX, 32),
    "hf": lambda r: _P["hf"] + _pick(r, ALNUM, 34),
    "shopify": lambda r: _P["shpat"] + _pick(r, HEX, 32),
    "do": lambda r: _P["dop"] + _pick(r, HEX, 64),
    "vault": lambda r: _P["hvs"] + _pick(r, B64URL, 90),
    "gocspx": lambda r: _P["gocspx"] + _pick(r, B64URL, 28),
    "linear": lambda r: _P["lin"] + _pick(r, ALNUM, 40),
    "age_secret": lambda r: _P["age"] + _pick(r, B32.upper(), 58),
    "dockerhub": lambda r: _P["dckr"] + _pick(r, B64URL, 27),
    "grafana_sa": lambda r: _P["glsa"] + _pick(r, ALNUM, 32) + "_" + _pick(r, HEX, 8),
    "sentry_token": lambda r: _P["sntrys"] + _pick(r, B64URL, 60),
    "xai": lambda r: _P["xai"] + _pick(r, ALNUM, 80),
    "groq": lambda r: _P["gsk"] + _pick(r, ALNUM, 52),
    "datadog_api": lambda r: _pick(r, HEX, 32),
    "datadog_app": lambda r: _pick(r, HEX, 40),
    "azure_key": lambda r: _b64(r.randbytes(64)),
    "azure_sas": _azure_sas,
    "azure_client_secret": lambda r: _pick(r, ALNUM, 3) + "8Q~" + _pick(r, ALNUM + "_-.~", 34),
    "telegram": lambda r: f"{r.randrange(10**9, 10**10)}:AA{_pick(r, B64URL, 33)}",
    "jwt": _jwt,
    "supabase_service": lambda r: _supabase(r, "service_role"),
    "session_cookie": lambda r: (
        "s%3A" + _pick(r, B64URL, 32) + "." + urllib.parse.quote(_b64(r.randbytes(32)).rstrip("="), safe="")
    ),
    "rails_cookie": lambda r: _b64(r.randbytes(96)).replace("=", "%3D") + "--" + _pick(r, HEX, 40),
    "hex32": lambda r: _pick(r, HEX, 32),
    "hex64": lambda r: _pick(r, HEX, 64),
    "token": lambda r: _pick(r, ALNUM, r.randrange(32, 48)),
    "b64secret": lambda r: _b64(r.randbytes(32)),
    "eth_priv": lambda r: "0x" + _pick(r, HEX, 64),
    "seed": _seed_phrase,
    "django_key": lambda r: (
        "django-insecure-" * (r.random() < 0.3) + _pick(r, LOWER + DIGITS + "!@#%^&*(-_=+)", 50)
    ),
    "fernet": lambda r: _b64url(r.randbytes(32)) + "=",
    "render": lambda r: _P["rnd"] + _pick(r, ALNUM, 32),
    "fly": lambda r: _P["fly"] + _b64(r.randbytes(120)),
    "tfc": lambda r: _pick(r, ALNUM, 14) + _P["tfc"] + _pick(r, ALNUM, 67),
    "groq2": lambda r: _P["gsk"] + _pick(r, ALNUM, 52),
    "jwk_d": lambda r: _b64url(r.randbytes(32)),
    "otp_secret": lambda r: _pick(r, B32.upper(), 32),
    "api_key": lambda r: _pick(r, ALNUM, r.choice((32, 40, 48))),
    "pg_pw": lambda r: _password(r),
    # not secrets
    "uuid": _uuid,
    "sha1": _git_sha,
    "short_sha": lambda r: _pick(r, HEX, 7),
    "sha256": lambda r: _pick(r, HEX, 64),
    "md5": lambda r: _pick(r, HEX, 32),
    "integrity": _integrity,
    "image_digest": lambda r: "sha256:" + _pick(r, HEX, 64),
    "aws_key_id": lambda r: _P["akia"] + _pick(r, UPPER + "234567", 16),
    "aws_account": lambda r: str(r.randrange(10**11, 10**12)),
    "stripe_pk": lambda r: _P["pk_live"] + _pick(r, ALNUM, 99),
    "stripe_pk_test": lambda r: _P["pk_test"] + _pick(r, ALNUM, 99),
    "twilio_sid": lambda r: "AC" + _pick(r, HEX, 32),
    "google_client_id": lambda r: (
        f"{r.randrange(10**11, 10**12)}-{_pick(r, LOWER + DIGITS, 32)}.apps.googleusercontent.com"
    ),
    "supabase_anon": lambda r: _supabase(r, "anon"),
    "ssh_pub": _ssh_ed25519_pub,
    "cert": _cert,
    "pubkey": _pubkey,
    "age_pub": lambda r: "age1" + _pick(r, B32[:26] + "023456789", 58),
    "eth_addr": lambda r: "0x" + _pick(r, HEX + "ABCDEF", 40),
    "tx_hash": lambda r: "0x" + _pick(r, HEX, 64),
    "b64plain": _b64_plain,
    "placeholder": _placeholder,
    "user": lambda r: r.choice(NAMES),
    "word": lambda r: r.choice(WORDS),
    "service": lambda r: r.choice(SERVICES),
    "host": lambda r: r.choice(HOSTS),
    "port": lambda r: str(r.choice((5432, 3306, 6379, 8080, 9200, 27017, 5672))),
    "int": lambda r: str(r.randrange(2, 9999)),
    "ts": lambda r: (
        f"2026-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}T{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}Z"
    ),
    "date": lambda r: f"2026-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}",
    "version": lambda r: f"{r.randrange(0, 9)}.{r.randrange(0, 30)}.{r.randrange(0, 20)}",
    "req_id": lambda r: "req_" + _pick(r, ALNUM, 24),
    "toolu": lambda r: "toolu_01" + _pick(r, ALNUM, 22),
    "call_id": lambda r: "call_" + _pick(r, ALNUM, 24),
    "kid": lambda r: _pick(r, HEX, 40),
    "key_id_gpg": lambda r: _pick(r, HEX.upper(), 16),
    "fingerprint": lambda r: "SHA256:" + _b64(r.randbytes(32)).rstrip("="),
    "vault_cipher": lambda r: "\n".join(_pick(r, DIGITS[:10] + "abcdef", 80) for _ in range(5)),
    "sops_enc": lambda r: (
        f"ENC[AES256_GCM,data:{_b64(r.randbytes(24))},iv:{_b64(r.randbytes(32))},tag:{_b64(r.randbytes(16))},type:str]"
    ),
    "sealed": lambda r: "Ag" + _pick(r, B64, 340) + "==",
    "kms_cipher": lambda r: "AQICAHh" + _pick(r, B64, 180) + "==",
    "masked": lambda r: (
        r.choice(("sk-...", "****", "********", "[REDACTED]", "xxxx", "•••••••"))
        + _pick(r, ALNUM, 4) * r.choice((0, 1))
    ),
    "hex_id": lambda r: _pick(r, HEX, 24),
    "trace_id": lambda r: _pick(r, HEX, 32),
    "alnum12": lambda r: _pick(r, ALNUM, 12),
    "bcrypt_tail": lambda r: _pick(r, ALNUM + "./", 53),
    "crypt_hash": lambda r: _pick(r, ALNUM + "./", 86),
    "pid": lambda r: str(r.randrange(1000, 65000)),
}

_ENCODINGS = {
    "url": lambda v: urllib.parse.quote(v, safe=""),
    "j": lambda v: json.dumps(v)[1:-1],
    "jj": lambda v: json.dumps(json.dumps(v)[1:-1])[1:-1],
    "b64": lambda v: _b64(v.encode()),
    "sq": lambda v: v.replace("'", "'\\''"),
    "ind2": lambda v: v.replace("\n", "\n  "),
    "ind4": lambda v: v.replace("\n", "\n    "),
    "ind6": lambda v: v.replace("\n", "\n      "),
    "ind8": lambda v: v.replace("\n", "\n        "),
}

_PLACE = re.compile(r"«([SN]):([a-z0-9_]+)(?:#(\w+))?(?:\|([a-z0-9]+))?»")


def _render(template: str, rng: random.Random) -> tuple[str, list[str]]:
    values: dict[str, str] = {}
    secrets: list[str] = []

    def fill(match: re.Match[str]) -> str:
        role, gen, tag, enc = match.groups()
        key = tag or f"@{match.start()}"
        if key not in values:
            values[key] = _GENERATORS[gen](rng)
        value = values[key]
        if enc:
            value = _ENCODINGS[enc](value)
        if role == "S" and value not in secrets:
            secrets.append(value)
        return value

    return _PLACE.sub(fill, template), secrets


# ---------------------------------------------------------------------------------------------
# Agent-log envelopes: the text goes on the INPUT side of a tool call.

_PATHS = {
    "plain": ("notes/deploy.md", "PLAN.md", "docs/setup.md", "CHANGES.txt"),
    "shell": ("scripts/setup.sh", "deploy.sh"),
    "yaml": ("config/settings.yaml", "docker-compose.yml", ".github/workflows/deploy.yml", "k8s/secret.yaml"),
    "source": ("src/config.py", "src/lib/client.ts", "internal/config/config.go", "app/services/billing.rb"),
    "url": ("",),
    "json": ("config/app.json", "fixtures/request.json"),
}


def _now(rng: random.Random) -> str:
    return f"2026-0{rng.randrange(1, 10)}-{rng.randrange(10, 29)}T{rng.randrange(10, 24)}:{rng.randrange(10, 60)}:{rng.randrange(10, 60)}.{rng.randrange(100, 999)}Z"


def _claude_input(text: str, context: str, rng: random.Random) -> tuple[str, dict]:
    path = "/home/dev/project/" + rng.choice(_PATHS[context] if context != "url" else ("x",))
    if context == "shell":
        return "Bash", {"command": text, "description": "Run the setup step"}
    if context == "url":
        return "WebFetch", {"url": text, "prompt": "Summarise the response"}
    if context == "plain" and rng.random() < 0.5:
        return "Edit", {
            "file_path": path,
            "old_string": "## Setup\n",
            "new_string": text,
            "replace_all": False,
        }
    return "Write", {"file_path": path, "content": text}


def _envelope(text: str, context: str, rng: random.Random, which: int) -> tuple[str, int, bool]:
    """The agent-log line holding ``text`` as a tool-call input; its JSON depth; whether shell-quoted."""
    session = _uuid(rng)
    if which == 0:  # Claude Code stream-json (claude -p --output-format stream-json)
        name, tool_input = _claude_input(text, context, rng)
        line = {
            "type": "assistant",
            "message": {
                "id": "msg_01" + _pick(rng, ALNUM, 22),
                "type": "message",
                "role": "assistant",
                "model": "claude-sonnet-4-5-20250929",
                "content": [
                    {
                        "type": "tool_use",
                        "id": "toolu_01" + _pick(rng, ALNUM, 22),
                        "name": name,
                        "input": tool_input,
                    }
                ],
                "stop_reason": None,
                "usage": {"input_tokens": rng.randrange(2, 9), "output_tokens": rng.randrange(20, 900)},
            },
            "parent_tool_use_id": None,
            "session_id": session,
        }
        return json.dumps(line), 1, False
    if which == 1:  # Claude Code transcript (~/.claude/projects/*.jsonl)
        name, tool_input = _claude_input(text, context, rng)
        line = {
            "parentUuid": _uuid(rng),
            "isSidechain": False,
            "userType": "external",
            "cwd": "/home/dev/project",
            "sessionId": session,
            "version": "2.0.28",
            "gitBranch": "main",
            "message": {
                "model": "claude-opus-4-1-20250805",
                "id": "msg_01" + _pick(rng, ALNUM, 22),
                "type": "message",
                "role": "assistant",
                "content": [
                    {
                        "type": "tool_use",
                        "id": "toolu_01" + _pick(rng, ALNUM, 22),
                        "name": name,
                        "input": tool_input,
                    }
                ],
                "stop_reason": None,
            },
            "requestId": "req_011C" + _pick(rng, ALNUM, 20),
            "type": "assistant",
            "uuid": _uuid(rng),
            "timestamp": _now(rng),
        }
        return json.dumps(line, separators=(",", ":")), 1, False
    if which == 2:  # Codex rollout function_call: arguments is a JSON string
        if context == "shell":
            arguments = {
                "command": ["bash", "-lc", text],
                "workdir": "/home/dev/project",
                "timeout_ms": 120000,
            }
        else:
            path = rng.choice(_PATHS[context] if context != "url" else ("fetch.sh",))
            body = text if context != "url" else f"curl -sS '{text}'"
            arguments = {
                "command": ["bash", "-lc", f"cat > {path} <<'EOF'\n{body}\nEOF"],
                "workdir": "/home/dev/project",
            }
        line = {
            "timestamp": _now(rng),
            "type": "response_item",
            "payload": {
                "type": "function_call",
                "name": "shell",
                "arguments": json.dumps(arguments),
                "call_id": "call_" + _pick(rng, ALNUM, 24),
            },
        }
        return json.dumps(line, separators=(",", ":")), 2, False
    if which == 3:  # codex exec --json: the command string of a command_execution item
        if context == "shell":
            inner = text
        elif context == "url":
            inner = f"curl -sS {text}"
        else:
            inner = f"cat > {rng.choice(_PATHS[context])} <<'EOF'\n{text}\nEOF"
        command = "bash -lc '" + inner.replace("'", "'\\''") + "'"
        line = {
            "type": "item.started",
            "item": {
                "id": f"item_{rng.randrange(1, 60)}",
                "type": "command_execution",
                "command": command,
                "aggregated_output": "",
                "status": "in_progress",
            },
        }
        return json.dumps(line), 1, True
    # MCP tools/call request
    if context == "shell":
        params = {"name": "run_command", "arguments": {"command": text, "cwd": "/home/dev/project"}}
    elif context == "url":
        params = {"name": "fetch", "arguments": {"url": text, "max_length": 5000}}
    else:
        params = {
            "name": "write_file",
            "arguments": {"path": "/home/dev/project/" + rng.choice(_PATHS[context]), "content": text},
        }
    line = {"jsonrpc": "2.0", "id": rng.randrange(1, 400), "method": "tools/call", "params": params}
    return json.dumps(line), 1, False


def _form(secret: str, depth: int, quoted: bool) -> str:
    if quoted:
        secret = secret.replace("'", "'\\''")
    for _ in range(depth):
        secret = json.dumps(secret)[1:-1]
    return secret


# ---------------------------------------------------------------------------------------------
# Templates.

_BLOCKS: list[str] = []

# Shell: commands the agent runs (Bash tool ``command``, Codex ``shell``, heredocs, sed, echo).
_BLOCKS.append(r"""
%%% shell | heredoc writing .env
cat > .env <<'EOF'
DATABASE_URL=postgres://app:«S:pw|url»@«N:host»:5432/app
REDIS_URL=redis://localhost:6379/0
STRIPE_SECRET_KEY=«S:stripe_sk»
NODE_ENV=development
EOF
%%% shell | echo append to .env
echo 'OPENAI_API_KEY=«S:openai»' >> .env && echo "added key to .env"
%%% shell | echo append anthropic key to env.local
printf 'ANTHROPIC_API_KEY=%s\n' «S:anthropic» >> .env.local
%%% shell | sed -i replacing placeholder with token
sed -i 's/GITHUB_TOKEN=changeme/GITHUB_TOKEN=«S:ghp»/' .env
%%% shell | sed -i on yaml password
sed -i.bak -e 's|password: .*|password: «S:rpw»|' config/database.yml && git diff --stat
%%% shell | export then run migrations
export PGPASSWORD='«S:pw|sq»' && psql -h «N:host» -U migrator -d orders -f db/migrations/0042_add_index.sql
%%% shell | mysql password on command line
mysql -h «N:host» -u root -p'«S:pw|sq»' -e "SHOW DATABASES;"
%%% shell | curl with bearer header
curl -sS -X POST https://api.openai.com/v1/chat/completions \
  -H "Authorization: Bearer «S:openai»" \
  -H "Content-Type: application/json" \
  -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"ping"}]}' | jq .choices[0]
%%% shell | curl with basic auth user:pass
curl -u deploy:«S:rpw» https://ci.internal.example.com/job/release/buildWithParameters?TAG=v«N:version»
%%% shell | curl x-api-key anthropic
curl https://api.anthropic.com/v1/messages -H "x-api-key: «S:anthropic»" -H "anthropic-version: 2023-06-01" -H "content-type: application/json" -d @request.json
%%% shell | gh secret set with body
gh secret set STRIPE_WEBHOOK_SECRET --body "«S:whsec»" --repo acme/«N:service»
%%% shell | gh secret set piping value
echo -n "«S:npm»" | gh secret set NPM_TOKEN --app actions
%%% shell | kubectl create secret generic
kubectl create secret generic «N:service»-db --namespace prod \
  --from-literal=username=«N:user» \
  --from-literal=password='«S:pw|sq»' --dry-run=client -o yaml | kubectl apply -f -
%%% shell | docker login with password flag
docker login registry.gitlab.com -u ci-bot -p «S:glpat»
%%% shell | docker login password-stdin from echo
echo "«S:dockerhub»" | docker login -u acmebuild --password-stdin
%%% shell | docker run with env
docker run --rm -e POSTGRES_PASSWORD=«S:hpw» -e POSTGRES_USER=app -p 5432:5432 -d postgres:16-alpine
%%% shell | aws configure set secret
aws configure set aws_access_key_id «N:aws_key_id» --profile staging
aws configure set aws_secret_access_key «S:aws_secret» --profile staging
aws sts get-caller-identity --profile staging
%%% shell | inline env before command
AWS_ACCESS_KEY_ID=«N:aws_key_id» AWS_SECRET_ACCESS_KEY=«S:aws_secret» aws s3 ls s3://acme-backups/«N:date»/
%%% shell | git remote set-url with token
git remote set-url origin https://x-access-token:«S:ghs»@github.com/acme/«N:service».git && git push origin HEAD
%%% shell | git clone with oauth2 gitlab token
git clone https://oauth2:«S:glpat»@gitlab.com/acme/platform/infra.git /tmp/infra
%%% shell | npm config set auth token
npm config set //registry.npmjs.org/:_authToken «S:npm» && npm publish --access public
%%% shell | echo npmrc line
echo "//npm.pkg.github.com/:_authToken=«S:ghp»" >> ~/.npmrc
%%% shell | twine upload with password
twine upload --repository pypi -u __token__ -p «S:pypi» dist/*
%%% shell | heredoc pypirc
cat > ~/.pypirc <<EOF
[distutils]
index-servers = pypi

[pypi]
username = __token__
password = «S:pypi»
EOF
chmod 600 ~/.pypirc
%%% shell | vercel env add
printf '%s' '«S:supabase_service»' | vercel env add SUPABASE_SERVICE_ROLE_KEY production
%%% shell | fly secrets set
fly secrets set SESSION_SECRET=«S:hex64» DATABASE_PASSWORD='«S:pw|sq»' -a «N:service»-api
%%% shell | heroku config set
heroku config:set SENDGRID_API_KEY=«S:sendgrid» -a acme-«N:service»
%%% shell | wrangler secret put via echo
echo «S:token» | npx wrangler secret put API_TOKEN --env production
%%% shell | vault kv put
vault kv put secret/«N:service»/prod db_password='«S:pw|sq»' api_key=«S:api_key»
%%% shell | az storage with account key
az storage blob upload --account-name acmeassets --account-key "«S:azure_key»" --container-name builds --file dist/app.zip --name app-«N:short_sha».zip
%%% shell | slack webhook curl
curl -X POST -H 'Content-type: application/json' --data '{"text":"Deploy «N:short_sha» finished"}' «S:slack_hook»
%%% shell | discord webhook notify
curl -H "Content-Type: application/json" -d '{"content":"build green"}' "«S:discord_hook»"
%%% shell | ssh-add from heredoc key
cat > ~/.ssh/deploy_key <<'KEY'
«S:openssh»
KEY
chmod 600 ~/.ssh/deploy_key && ssh-add ~/.ssh/deploy_key
%%% shell | writing rsa key with printf
printf '%s\n' '«S:rsa_pem»' > certs/server.key && openssl rsa -in certs/server.key -check -noout
%%% shell | htpasswd with password
htpasswd -b -c /etc/nginx/.htpasswd admin '«S:hpw|sq»'
%%% shell | redis-cli auth
redis-cli -h redis.internal -p 6379 -a '«S:rpw|sq»' --no-auth-warning INFO keyspace
%%% shell | mongosh connection string
mongosh "mongodb+srv://admin:«S:pw|url»@cluster0.«N:alnum12».mongodb.net/app?retryWrites=true&w=majority" --eval 'db.users.countDocuments()'
%%% shell | psql connection uri
psql "postgresql://postgres:«S:pw|url»@db.«N:alnum12».supabase.co:5432/postgres" -c '\dt'
%%% shell | git commit message with key
git add config/settings.py && git commit -m "Set production SECRET_KEY to «S:django_key»"
%%% shell | git commit message with token mention
git commit -am "ci: use bot token «S:ghp» for release job (temp)"
%%% shell | stripe cli with api key
stripe listen --api-key «S:stripe_sk» --forward-to localhost:3000/api/webhooks/stripe
%%% shell | env file via tee
tee config/.env.production > /dev/null <<'EOF'
APP_ENV=production
SENTRY_AUTH_TOKEN=«S:sentry_token»
LINEAR_API_KEY=«S:linear»
LOG_LEVEL=info
EOF
%%% shell | python one-liner setting keyring
python -c "import keyring; keyring.set_password('acme-cli', '«N:user»', '«S:hpw»')"
%%% shell | terraform apply with var
terraform apply -auto-approve -var "db_password=«S:rpw»" -var "environment=staging"
%%% shell | helm upgrade set secret
helm upgrade --install grafana grafana/grafana -n monitoring --set adminPassword='«S:hpw|sq»' --set persistence.enabled=true
%%% shell | openssl with passphrase
openssl pkcs12 -export -in cert.pem -inkey key.pem -out bundle.p12 -passout pass:«S:rpw»
%%% shell | http header via httpie
http POST https://api.linear.app/graphql Authorization:«S:linear» query='{ viewer { id name } }'
%%% shell | token in query string curl
curl "https://api.telegram.org/bot«S:telegram»/sendMessage?chat_id=-100«N:int»&text=deployed"
%%% shell | hf login token
huggingface-cli login --token «S:hf» --add-to-git-credential
%%% shell | doctl auth init
doctl auth init --access-token «S:do» --context acme
%%% shell | gcloud api key in curl
curl "https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key=«S:gcp_key»"
%%% shell | git credential store echo
echo "https://«N:user»:«S:ghpat»@github.com" > ~/.git-credentials && git config --global credential.helper store
%%% shell | sendgrid curl
curl --request POST --url https://api.sendgrid.com/v3/mail/send --header "Authorization: Bearer «S:sendgrid»" --header 'Content-Type: application/json' --data @mail.json
%%% shell | shopify admin api curl
curl -X GET "https://acme-store.myshopify.com/admin/api/2024-07/orders.json?status=any" -H "X-Shopify-Access-Token: «S:shopify»"
%%% shell | mailgun curl with api user
curl -s --user 'api:«S:mailgun»' https://api.mailgun.net/v3/mg.acme.io/messages -F from='ops@acme.io' -F to='«N:user»@acme.io' -F subject='test'
%%% shell | twilio curl with sid and token
curl -X POST https://api.twilio.com/2010-04-01/Accounts/«N:twilio_sid#a»/Messages.json --data-urlencode "Body=hi" -u «N:twilio_sid#a»:«S:twilio_token»
%%% shell | datadog curl headers
curl -X GET "https://api.datadoghq.eu/api/v1/monitor" -H "DD-API-KEY: «S:datadog_api»" -H "DD-APPLICATION-KEY: «S:datadog_app»"
%%% shell | rabbitmq user add
rabbitmqctl add_user «N:service»_worker '«S:hpw|sq»' && rabbitmqctl set_permissions -p / «N:service»_worker ".*" ".*" ".*"
%%% shell | create postgres role SQL via psql
psql -U postgres -c "CREATE ROLE reporting LOGIN PASSWORD '«S:hpw»';"
%%% shell | age key file heredoc
mkdir -p ~/.config/sops/age && cat > ~/.config/sops/age/keys.txt <<EOF
# created: «N:ts»
# public key: «N:age_pub»
«S:age_secret»
EOF
%%% shell | set -x style export list
export GITHUB_TOKEN=«S:gho»
export GH_HOST=github.com
export NODE_OPTIONS=--max-old-space-size=4096
pnpm run release
%%% shell | grafana api call with sa token
curl -s -H "Authorization: Bearer «S:grafana_sa»" https://grafana.acme.io/api/dashboards/uid/«N:alnum12» | jq '.dashboard.title'
%%% shell | jwt as cookie in curl
curl -b "session=«S:jwt»" https://app.acme.io/api/me -i
%%% shell | express session cookie curl
curl 'https://admin.acme.io/api/users?page=2' -H 'Cookie: connect.sid=«S:session_cookie»; theme=dark'
%%% shell | echo seed phrase to file
echo "«S:seed»" > wallet/mnemonic.txt && chmod 400 wallet/mnemonic.txt
%%% shell | cast with private key
cast send «N:eth_addr» "transfer(address,uint256)" «N:eth_addr» 1000000 --rpc-url $SEPOLIA_RPC --private-key «S:eth_priv»
%%% shell | basic auth header precomputed
curl -H "Authorization: Basic «S:basic»" https://nexus.acme.io/service/rest/v1/repositories
%%% shell | azure sp login
az login --service-principal -u «N:uuid» -p «S:azure_client_secret» --tenant «N:uuid»
%%% shell | xai curl
curl https://api.x.ai/v1/chat/completions -H "Authorization: Bearer «S:xai»" -H "Content-Type: application/json" -d '{"model":"grok-2","messages":[]}'
%%% shell | groq key export and run
export GROQ_API_KEY="«S:groq»"; python scripts/eval.py --provider groq --n 50
%%% shell | render api
curl --request GET --url 'https://api.render.com/v1/services?limit=20' --header 'Accept: application/json' --header 'Authorization: Bearer «S:render»'
%%% shell | teams webhook
curl -H 'Content-Type: application/json' -d '{"text": "nightly job failed"}' '«S:teams_hook»'
%%% shell | azure sas upload
azcopy copy ./backup.tar.gz "https://acmebackups.blob.core.windows.net/nightly/backup.tar.gz?«S:azure_sas»"
%%% shell | sqlcmd password
sqlcmd -S tcp:acme-sql.database.windows.net,1433 -d reporting -U sqladmin -P '«S:hpw|sq»' -Q "SELECT TOP 5 * FROM dbo.Invoices"
%%% shell | keytool storepass
keytool -importkeystore -srckeystore release.jks -destkeystore release.p12 -deststoretype PKCS12 -srcstorepass '«S:hpw|sq»' -deststorepass '«S:hpw|sq»'
%%% shell | ansible vault password file creation
echo '«S:rpw|sq»' > .vault_pass && chmod 600 .vault_pass && ansible-playbook site.yml --vault-password-file .vault_pass
%%% shell | docker build-arg token
docker build --build-arg NPM_TOKEN=«S:npm» -t acme/web:«N:short_sha» .
%%% shell | oauth token exchange curl
curl -X POST https://oauth2.googleapis.com/token -d client_id=«N:google_client_id» -d client_secret=«S:gocspx» -d refresh_token=1//0«S:token» -d grant_type=refresh_token
%%% shell | vault login token
vault login «S:vault»
%%% shell | terraform cloud credentials heredoc
cat > ~/.terraform.d/credentials.tfrc.json <<'EOF'
{
  "credentials": {
    "app.terraform.io": {
      "token": "«S:tfc»"
    }
  }
}
EOF
%%% shell | fly token env
FLY_API_TOKEN="«S:fly»" flyctl deploy --remote-only
%%% shell | 2fa secret into oathtool
oathtool --totp -b «S:otp_secret»
%%% shell | python requests one-liner
python3 -c 'import requests; print(requests.get("https://api.github.com/user", headers={"Authorization": "token «S:ghp»"}).json()["login"])'
%%% shell | negative: heredoc writing .env.example with placeholders
cat > .env.example <<'EOF'
DATABASE_URL=postgres://app:<password>@localhost:5432/app
STRIPE_SECRET_KEY=sk_live_...
OPENAI_API_KEY=
GITHUB_TOKEN=«N:placeholder»
EOF
%%% shell | negative: export from other variable
export PGPASSWORD="$DB_PASSWORD" && psql -h «N:host» -U migrator -d orders -c 'SELECT count(*) FROM orders'
%%% shell | negative: curl with env var bearer
curl -sS https://api.openai.com/v1/models -H "Authorization: Bearer $OPENAI_API_KEY" | jq -r '.data[].id' | head
%%% shell | negative: gh secret set from file
gh secret set STRIPE_SECRET_KEY < /dev/stdin <<< "$(op read 'op://Prod/Stripe/secret key')"
%%% shell | negative: kubectl secret from env file
kubectl create secret generic «N:service»-env --from-env-file=.env.production -n prod --dry-run=client -o yaml > k8s/secret.yaml
%%% shell | negative: docker login with env password stdin
echo "$CR_PAT" | docker login ghcr.io -u «N:user» --password-stdin
%%% shell | negative: git commit with sha in message
git commit -m "Revert «N:sha1» (token refresh loop); see «N:short_sha» for the original change"
%%% shell | negative: sed replacing key with env reference
sed -i 's/api_key = ".*"/api_key = os.environ["ACME_API_KEY"]/' src/acme/client.py
%%% shell | negative: sha256sum verification
echo "«N:sha256»  terraform_«N:version»_linux_amd64.zip" | sha256sum -c -
%%% shell | negative: aws with profile only
aws s3 cp dist/ s3://acme-web-«N:aws_account»/releases/«N:version»/ --recursive --profile prod-deploy
%%% shell | negative: aws key id in iam command
aws iam update-access-key --access-key-id «N:aws_key_id» --status Inactive --user-name ci-deployer
%%% shell | negative: vault kv get
vault kv get -field=password secret/«N:service»/prod > /dev/null && echo "secret exists"
%%% shell | negative: password prompt read
read -rsp "Database password: " DB_PASSWORD && export DB_PASSWORD && ./scripts/migrate.sh
%%% shell | negative: openssl rand into file
openssl rand -hex 32 > .session_secret && chmod 600 .session_secret && wc -c .session_secret
%%% shell | negative: git log grep token word
git log --oneline -S 'STRIPE_SECRET_KEY' -- config/ | head -20
%%% shell | negative: ssh-keygen command
ssh-keygen -t ed25519 -C "deploy@acme" -f ~/.ssh/deploy_ed25519 -N "" && cat ~/.ssh/deploy_ed25519.pub
%%% shell | negative: authorized_keys append public key
echo "«N:ssh_pub»" >> ~/.ssh/authorized_keys
%%% shell | negative: docker pull by digest
docker pull ghcr.io/acme/«N:service»@«N:image_digest» && docker inspect --format '{{.Id}}' ghcr.io/acme/«N:service»@«N:image_digest»
%%% shell | negative: npm install integrity check
npm view left-pad@1.3.0 dist.integrity  # expected «N:integrity»
%%% shell | negative: base64 of plain config
echo '«N:b64plain»' | base64 -d | jq .
%%% shell | negative: stripe cli with publishable key test
STRIPE_PUBLISHABLE_KEY=«N:stripe_pk» npm run dev -- --port 3000
%%% shell | negative: curl with request id header
curl -i https://api.acme.io/v2/orders/«N:uuid» -H "X-Request-Id: «N:req_id»" -H "Accept: application/json"
%%% shell | negative: sops decrypt command
sops --decrypt --age «N:age_pub» secrets/prod.enc.yaml > /dev/null && echo ok
%%% shell | negative: gpg import public key by id
gpg --keyserver keys.openpgp.org --recv-keys «N:key_id_gpg» && gpg --verify release.tar.gz.asc
%%% shell | negative: kubectl get secret names
kubectl get secrets -n prod -o custom-columns=NAME:.metadata.name,TYPE:.type | grep -i token
%%% shell | negative: heredoc with param expansion
cat > .env <<EOF
DATABASE_URL=postgres://app:${DB_PASSWORD}@${DB_HOST}:5432/app
SECRET_KEY=${SECRET_KEY:?missing}
EOF
%%% shell | negative: terraform var from file
terraform plan -var-file=env/staging.tfvars -out plan-«N:short_sha».tfplan
%%% shell | negative: pytest with fake password env
DB_PASSWORD=test DB_USER=test pytest tests/integration -k "login and not slow" -x
%%% shell | negative: twilio sid only listing
twilio api:core:messages:list --limit 5 --properties "sid,status" # account «N:twilio_sid»
%%% shell | negative: git push with commit sha
git push origin «N:sha1»:refs/heads/release/«N:version»
%%% shell | negative: echo masked key to log
echo "Using key ${OPENAI_API_KEY:0:7}... (masked)" && echo "key fingerprint «N:md5»"
%%% shell | negative: ssh-keyscan known_hosts
ssh-keyscan -t ed25519 github.com >> ~/.ssh/known_hosts && ssh-keygen -lf ~/.ssh/known_hosts  # «N:fingerprint»
%%% shell | negative: fly secrets list
fly secrets list -a «N:service»-api && fly secrets unset OLD_API_KEY -a «N:service»-api
%%% shell | negative: env | grep keys names
env | grep -E '^(AWS|GITHUB|OPENAI)_' | cut -d= -f1
%%% shell | negative: uuidgen and id in command
uuidgen | tr 'A-Z' 'a-z'  # reuse «N:uuid» as the idempotency key for run «N:int»
%%% shell | negative: docker secret create from file
docker secret create pg_password ./secrets/pg_password.txt && docker service update --secret-add pg_password «N:service»
%%% shell | negative: helm set from existing secret
helm upgrade --install api ./charts/api --set db.existingSecret=«N:service»-db --set db.passwordKey=password --set image.tag=«N:short_sha»
%%% shell | negative: hash a password with bcrypt for test fixture
python -c "import bcrypt; print(bcrypt.hashpw(b'test', bcrypt.gensalt()).decode())"
%%% shell | negative: sed removing secret line
sed -i '/^SENTRY_AUTH_TOKEN=/d' .env && grep -c SENTRY .env || true
%%% shell | negative: eth address lookup
cast balance «N:eth_addr» --rpc-url https://eth.llamarpc.com && cast tx «N:tx_hash»
%%% shell | negative: git clone ssh url
git clone git@github.com:acme/«N:service».git && cd «N:service» && git checkout «N:short_sha»
%%% shell | negative: doppler run with reference
doppler run --project «N:service» --config prd -- node dist/server.js
%%% shell | negative: jq pulling field names
jq -r '.credentials | keys[]' ~/.config/acme/credentials.json
%%% shell | negative: cert inspection
openssl x509 -in certs/server.crt -noout -fingerprint -sha256  # «N:fingerprint»
%%% shell | negative: awk over access log with ids
awk '$9 == 401 {print $1, $7}' /var/log/nginx/access.log | sort | uniq -c | sort -rn | head  # trace «N:trace_id»
""")

# Plain: patches, diffs, SEARCH/REPLACE blocks, editor actions, plans and the agent's replies.
_BLOCKS.append(r"""
%%% plain | assistant reply naming the key it set
I've added the Stripe key to `.env.local` so the checkout flow works locally:

    STRIPE_SECRET_KEY=«S:stripe_sk»

Restart `pnpm dev` and the `/api/checkout` route should return a session id instead of a 500.
%%% plain | assistant reply with db password
Done. I created the `reporting` role with password `«S:hpw»` and granted it SELECT on the `analytics` schema. You can connect with `psql -h «N:host» -U reporting analytics`.
%%% plain | assistant reply summarising rotated token
Summary of changes:
- Rotated the CI deploy token; the new one is «S:ghpat» (stored in the repo secret `DEPLOY_TOKEN` as well).
- Updated `.github/workflows/release.yml` to read it from `secrets.DEPLOY_TOKEN`.
- Removed the hard-coded token from `scripts/release.sh`.
%%% plain | apply_patch adding env file
*** Begin Patch
*** Add File: .env.development
+APP_URL=http://localhost:3000
+NEXTAUTH_SECRET=«S:b64secret»
+GITHUB_CLIENT_ID=Iv1.«N:hex_id»
+GITHUB_CLIENT_SECRET=«S:sha1»
*** End Patch
%%% plain | apply_patch update settings
*** Begin Patch
*** Update File: app/settings/production.py
@@ class ProductionConfig(BaseConfig):
     DEBUG = False
-    SECRET_KEY = os.environ["SECRET_KEY"]
+    SECRET_KEY = "«S:django_key»"
     ALLOWED_HOSTS = ["acme.io", "www.acme.io"]
*** End Patch
%%% plain | apply_patch removing hard-coded key (removed line is secret)
*** Begin Patch
*** Update File: src/clients/openai_client.py
@@
 from openai import OpenAI
 
-client = OpenAI(api_key="«S:openai»")
+client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
*** End Patch
%%% plain | unified diff removing token to env (removed line secret)
diff --git a/scripts/notify.sh b/scripts/notify.sh
index «N:short_sha»..«N:short_sha» 100755
--- a/scripts/notify.sh
+++ b/scripts/notify.sh
@@ -3,7 +3,7 @@ set -euo pipefail
 
-WEBHOOK="«S:slack_hook»"
+WEBHOOK="${SLACK_WEBHOOK_URL:?set SLACK_WEBHOOK_URL}"
 MESSAGE="${1:-deploy finished}"
 curl -sf -X POST -H 'Content-type: application/json' --data "{\"text\":\"$MESSAGE\"}" "$WEBHOOK"
%%% plain | unified diff adding aws credentials
--- a/deploy/credentials
+++ b/deploy/credentials
@@ -0,0 +1,4 @@
+[default]
+aws_access_key_id = «N:aws_key_id»
+aws_secret_access_key = «S:aws_secret»
+region = eu-west-1
%%% plain | aider search replace block
config/database.yml
```yaml
<<<<<<< SEARCH
production:
  <<: *default
  password: <%= ENV["DATABASE_PASSWORD"] %>
=======
production:
  <<: *default
  password: «S:hpw»
>>>>>>> REPLACE
```
%%% plain | aider search replace removing key
src/mailer.js
```javascript
<<<<<<< SEARCH
const sg = require('@sendgrid/mail');
sg.setApiKey('«S:sendgrid»');
=======
const sg = require('@sendgrid/mail');
sg.setApiKey(process.env.SENDGRID_API_KEY);
>>>>>>> REPLACE
```
%%% plain | swe-agent str_replace_editor create
str_replace_editor create /repo/tests/conftest_live.py --file_text 'import os

os.environ.setdefault("ACME_API_TOKEN", "«S:api_key»")
os.environ.setdefault("ACME_BASE_URL", "https://api.acme.io")
'
%%% plain | swe-agent str_replace action
str_replace_editor str_replace /repo/app/config.py --old_str 'REDIS_PASSWORD = None' --new_str 'REDIS_PASSWORD = "«S:rpw»"'
%%% plain | todo list with credential
TODO
- [x] Reproduce the 401 from the billing webhook
- [ ] Update webhook signing secret to «S:whsec» in staging
- [ ] Re-run `pytest tests/webhooks -k stripe`
%%% plain | update_plan step with token
Plan:
1. (completed) Locate where the Slack client is built — `notify/slack.py`
2. (in_progress) Swap the expired bot token for «S:slack_bot»
3. (pending) Send a test message to #deploys
%%% plain | commit message body with password
fix(db): point staging at the new cluster

The old instance is gone. New credentials:
  host: «N:host»
  user: app_staging
  pass: «S:hpw»

Refs: INC-«N:int»
%%% plain | markdown setup doc written by agent
## Local setup

1. Copy `.env.example` to `.env`.
2. Set `HF_TOKEN=«S:hf»` (the team read token) so the model download works.
3. Run `make dev`.
%%% plain | patch adding private key file
*** Begin Patch
*** Add File: deploy/keys/id_deploy
+«S:ec_pem»
*** End Patch
%%% plain | unified diff changing connection string
--- a/appsettings.Production.json
+++ b/appsettings.Production.json
@@ -2,5 +2,5 @@
   "ConnectionStrings": {
-    "Default": "Server=tcp:acme.database.windows.net;Database=orders;User ID=app;Password=«S:hpw»;Encrypt=True"
+    "Default": "Server=tcp:acme.database.windows.net;Database=orders;User ID=app;Password=«S:rpw»;Encrypt=True"
   },
%%% plain | assistant reply with jwt for testing
You can hit the protected endpoint with this token I minted from the dev signing key (valid for an hour):

Authorization: Bearer «S:jwt»

The 403 you saw came from the `roles` claim being missing.
%%% plain | assistant reply about webhook url
I wired the alerts to the Discord channel you linked: the webhook is «S:discord_hook». Alerts fire on `severity >= warning`.
%%% plain | assistant explanation with basic auth
The registry expects basic auth, so I put `Authorization: Basic «S:basic»` into `scripts/fetch_artifacts.sh`; that's `ci-reader` with the password from the wiki.
%%% plain | multi-edit summary with two secrets
Edits applied to `config/integrations.toml`:
  [slack] token: "xoxb-old" -> "«S:slack_bot»"
  [datadog] api_key: "" -> "«S:datadog_api»"
  [datadog] site: "datadoghq.eu" (unchanged)
%%% plain | notebook cell source with key
# Cell 3 (code)
import anthropic
client = anthropic.Anthropic(api_key="«S:anthropic»")
resp = client.messages.create(model="claude-sonnet-4-5", max_tokens=256, messages=[{"role": "user", "content": "hello"}])
%%% plain | patch to netrc
*** Begin Patch
*** Add File: .netrc
+machine api.heroku.com
+  login «N:user»@acme.io
+  password «S:uuid»
+machine git.heroku.com
+  login «N:user»@acme.io
+  password «S:uuid»
*** End Patch
%%% plain | patch updating pgpass
*** Begin Patch
*** Add File: .pgpass
+«N:host»:5432:orders:app:«S:hpw»
+localhost:5432:*:postgres:«S:rpw»
*** End Patch
%%% plain | seed phrase in assistant reply
I generated a fresh test wallet for the Sepolia deploy. Mnemonic (keep it out of git): «S:seed»
Its first address is «N:eth_addr».
%%% plain | gitlab ci variables table written by agent
| Variable | Value | Protected |
|---|---|---|
| CI_REGISTRY_USER | deploy-bot | yes |
| CI_REGISTRY_PASSWORD | «S:glpat» | yes |
| DOCKER_DRIVER | overlay2 | no |
%%% plain | changelog with leaked pypi token in diff
diff --git a/.github/workflows/publish.yml b/.github/workflows/publish.yml
@@ -20,4 +20,4 @@ jobs:
       - uses: pypa/gh-action-pypi-publish@release/v1
         with:
-          password: ${{ secrets.PYPI_TOKEN }}
+          password: «S:pypi»
%%% plain | aider block adding firebase service key
functions/src/admin.ts
```ts
<<<<<<< SEARCH
admin.initializeApp();
=======
admin.initializeApp({
  credential: admin.credential.cert({
    projectId: "acme-prod",
    clientEmail: "firebase-adminsdk-«N:alnum12»@acme-prod.iam.gserviceaccount.com",
    privateKey: "«S:gcp_sa_pem|j»",
  }),
});
>>>>>>> REPLACE
```
%%% plain | agent reply with redis url
Switched the cache to the managed Redis. Connection: `rediss://default:«S:rpw»@eu1-stable-«N:int».upstash.io:6379`. Latency from the app dropped from 40ms to 3ms.
%%% plain | patch adding htpasswd with password comment
*** Begin Patch
*** Update File: ops/README.md
@@ ## Staging basic auth
-Ask in #ops for the staging password.
+Staging is behind basic auth: user `preview`, password `«S:hpw»`.
*** End Patch
%%% plain | vault token in runbook edit
### Emergency access
If Vault's OIDC login is down, use the break-glass token: «S:vault»
(expires «N:date», owner: platform team)
%%% plain | diff in settings with mail password
@@ -41,7 +41,7 @@ EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
 EMAIL_HOST = "smtp.mailgun.org"
 EMAIL_PORT = 587
 EMAIL_HOST_USER = "postmaster@mg.acme.io"
-EMAIL_HOST_PASSWORD = ""
+EMAIL_HOST_PASSWORD = "«S:hex32»"
 EMAIL_USE_TLS = True
%%% plain | assistant reply with azure client secret
The app registration is done. Client ID: «N:uuid», tenant: «N:uuid». Client secret (shown once by Azure): `«S:azure_client_secret»` — I've put it in `local.settings.json` under `AzureAd:ClientSecret`.
%%% plain | git commit message with webhook secret
chore: configure GitHub webhook

Secret for payload signature: «S:hex64»
Endpoint: https://hooks.acme.io/github
%%% plain | agent reply recommending rotation but quoting key
Heads-up: `src/legacy/geo.js` still contains the Maps key «S:gcp_key». I moved it into `MAPS_API_KEY`, but the old value is in git history, so it should be rotated.
%%% plain | patch for pulumi config
*** Begin Patch
*** Update File: Pulumi.prod.yaml
@@
 config:
   aws:region: eu-central-1
-  acme:dbPassword: «S:hpw»
+  acme:dbPassword:
+    secure: «N:kms_cipher»
*** End Patch
%%% plain | jwk private d in edit
Replaced the JWKS fixture with a real signing key for the staging issuer:
{"kty":"OKP","crv":"Ed25519","kid":"«N:kid»","x":"«N:jwk_d»","d":"«S:jwk_d»"}
%%% plain | session cookie in bug reproduction notes
Repro steps (logged in as the support user):
1. Set cookie `_acme_session=«S:rails_cookie»` on admin.acme.io
2. Open /admin/refunds/«N:int» and click "Approve"
3. Observe 500 in Sentry issue «N:hex_id»
%%% plain | agent reply with age secret key
Created the sops key pair. Public recipient: «N:age_pub» (added to `.sops.yaml`). Private key: «S:age_secret» — save it to `~/.config/sops/age/keys.txt` on your machine.
%%% plain | diff of procfile env with token
--- a/Procfile.dev
+++ b/Procfile.dev
@@ -1,3 +1,3 @@
 web: bin/rails server -p 3000
-worker: bundle exec sidekiq
+worker: SIDEKIQ_PRO_TOKEN=«S:hex32» bundle exec sidekiq
 css: bin/rails tailwindcss:watch
%%% plain | plan text with sas url
Next steps:
- Upload the nightly dump to https://acmebackups.blob.core.windows.net/nightly/dump-«N:date».sql.gz?«S:azure_sas»
- Verify checksum «N:sha256»
%%% plain | swe-agent edit with mongodb uri
edit 12:12
MONGO_URI = "mongodb://root:«S:rpw»@mongo-0.mongo.svc:27017/admin?replicaSet=rs0"
end_of_edit
%%% plain | rollout patch with telegram token
*** Begin Patch
*** Update File: bot/config.ini
@@
 [telegram]
-token =
+token = «S:telegram»
 chat_id = -100«N:int»
*** End Patch
%%% plain | agent reply with openssh key for ci
Here's the deploy key I generated for the runner; add the public half («N:ssh_pub») to the server and store this private key as `SSH_PRIVATE_KEY` in CI:

«S:openssh»
%%% plain | diff revert leaving old key visible
--- a/src/payments/config.ts
+++ b/src/payments/config.ts
@@ -1,4 +1,4 @@
 export const stripeConfig = {
-  secretKey: "«S:stripe_rk»",
+  secretKey: process.env.STRIPE_RESTRICTED_KEY!,
   apiVersion: "2024-06-20",
 };
%%% plain | negative: apply_patch replacing literal with env
*** Begin Patch
*** Update File: src/clients/openai_client.py
@@
-client = OpenAI()
+client = OpenAI(api_key=os.environ["OPENAI_API_KEY"], timeout=30)
*** End Patch
%%% plain | negative: env example patch
*** Begin Patch
*** Add File: .env.example
+DATABASE_URL=postgres://USER:PASSWORD@localhost:5432/app
+STRIPE_SECRET_KEY=sk_test_...
+OPENAI_API_KEY=<your-openai-key>
+SLACK_WEBHOOK_URL=https://hooks.slack.com/services/XXX/YYY/ZZZ
*** End Patch
%%% plain | negative: assistant reply referencing secret names
I moved the credentials out of the code: `STRIPE_SECRET_KEY`, `OPENAI_API_KEY` and `DATABASE_PASSWORD` are now read from the environment in `src/config.ts`, and the CI workflow takes them from `secrets.*`. You'll need to set them in the repo settings before the next deploy.
%%% plain | negative: commit message with shas
fix: retry token refresh on 401

The refresh loop introduced in «N:sha1» never re-read the expiry. This restores the
behaviour of «N:short_sha» and adds a test.

Reviewed-by: «N:user»
%%% plain | negative: diff of lockfile integrity
--- a/package-lock.json
+++ b/package-lock.json
@@ -1204,9 +1204,9 @@
     "node_modules/jsonwebtoken": {
-      "version": "9.0.0",
-      "resolved": "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.0.tgz",
-      "integrity": "«N:integrity»",
+      "version": "9.0.2",
+      "resolved": "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz",
+      "integrity": "«N:integrity»",
%%% plain | negative: aider block with test fixture password
tests/test_login.py
```python
<<<<<<< SEARCH
def test_login(client):
=======
def test_login(client, user_factory):
    user_factory(email="test@example.com", password="test")
>>>>>>> REPLACE
```
%%% plain | negative: todo list naming secrets
- [x] Move `GITHUB_TOKEN` usage to the `gh` CLI auth
- [ ] Ask ops to rotate `SENDGRID_API_KEY` (key id «N:hex_id»)
- [ ] Delete the `legacy-deploy` secret from the prod namespace
%%% plain | negative: plan mentioning vault paths
Plan:
1. Read the DB password from `vault kv get -field=password secret/orders/prod`
2. Render it into the pod via the Vault agent injector annotation
3. Remove `DB_PASSWORD` from `values-prod.yaml`
%%% plain | negative: diff replacing masked value
@@ -8,3 +8,3 @@ services:
     environment:
-      - API_KEY=********
+      - API_KEY=${API_KEY}
       - LOG_LEVEL=debug
%%% plain | negative: reply with masked key
Your key looks valid: I only printed its length (164) and its first 8 characters (`sk-proj-`) to confirm it was loaded; the value itself stays in `.env`.
%%% plain | negative: sealed secret patch
*** Begin Patch
*** Add File: k8s/sealed-db.yaml
+apiVersion: bitnami.com/v1alpha1
+kind: SealedSecret
+metadata:
+  name: db-credentials
+  namespace: prod
+spec:
+  encryptedData:
+    password: «N:sealed»
*** End Patch
%%% plain | negative: swe-agent edit reading env
edit 14:15
    api_key = os.getenv("ACME_API_KEY")
    if not api_key:
        raise RuntimeError("ACME_API_KEY is not set")
end_of_edit
%%% plain | negative: public key added in patch
*** Begin Patch
*** Add File: deploy/authorized_keys
+«N:ssh_pub»
*** End Patch
%%% plain | negative: certificate in patch
*** Begin Patch
*** Add File: certs/ca.crt
+«N:cert»
*** End Patch
%%% plain | negative: reply with request and trace ids
The 502s line up with request `«N:req_id»` (trace «N:trace_id») — the upstream `«N:service»` pod restarted at «N:ts». Nothing credential-related; the token was valid.
%%% plain | negative: ansible vault cipher in diff
--- a/group_vars/prod/vault.yml
+++ b/group_vars/prod/vault.yml
@@ -1,6 +1,6 @@
 $ANSIBLE_VAULT;1.1;AES256
-«N:vault_cipher»
+«N:vault_cipher»
%%% plain | negative: sops encrypted value in patch
*** Begin Patch
*** Update File: secrets/prod.yaml
@@
-db_password: ENC[AES256_GCM,data:old,iv:old,tag:old,type:str]
+db_password: «N:sops_enc»
*** End Patch
%%% plain | negative: todo with aws key id only
1. Deactivate access key «N:aws_key_id» (owner: ci-deployer, last used «N:date»)
2. Create a new key via `aws iam create-access-key` and store it in 1Password, not in the repo
%%% plain | negative: commit message with uuid ids
feat(api): idempotency keys for POST /payments

Clients send `Idempotency-Key: «N:uuid»`; the server keeps the response for 24h.
Tested against account «N:twilio_sid» in the sandbox.
%%% plain | negative: docker digest bump diff
-FROM python:3.12-slim@«N:image_digest»
+FROM python:3.12-slim@«N:image_digest»
%%% plain | negative: reply saying key removed without value
Removed the hard-coded Slack token from `notify/slack.py`; it now comes from `SLACK_BOT_TOKEN`. The old token should be revoked in the Slack admin panel — I didn't print it here.
%%% plain | negative: supabase anon key in client setup note
The browser client only needs the public anon key, which is safe to ship:
NEXT_PUBLIC_SUPABASE_URL=https://«N:alnum12».supabase.co
NEXT_PUBLIC_SUPABASE_ANON_KEY=«N:supabase_anon»
%%% plain | negative: stripe publishable in diff
+  publishableKey: "«N:stripe_pk»",
+  // the secret key stays server-side in STRIPE_SECRET_KEY
%%% plain | negative: google oauth client id
Configured Google sign-in with client id `«N:google_client_id»`; the client secret is read from `GOOGLE_CLIENT_SECRET` at boot.
%%% plain | negative: base64 plain data in plan
Decoded the `X-Acme-Context` header from the failing request: `«N:b64plain»` → it's just the env/replicas/team JSON, no credentials.
%%% plain | negative: gpg key id in reply
Signed the tag with key «N:key_id_gpg»; `git verify-tag v«N:version»` shows a good signature.
%%% plain | negative: tx hash and address
Deployed the contract at «N:eth_addr» (tx «N:tx_hash»). Verification on Etherscan is queued.
%%% plain | negative: fake secret fixtures in tests
def test_redacts_authorization_header():
    headers = {"Authorization": "Bearer test-token", "X-Api-Key": "dummy"}
    assert scrub(headers) == {"Authorization": "Bearer [FILTERED]", "X-Api-Key": "[FILTERED]"}
%%% plain | negative: placeholder password in docs
Set the admin password with `./manage.py changepassword admin` — don't use `admin123` or `changeme` like the old README suggested.
%%% plain | negative: kms ciphertext diff
-encrypted_db_password = ""
+encrypted_db_password = "«N:kms_cipher»"
%%% plain | negative: key fingerprint reply
The server's host key fingerprint is «N:fingerprint»; it matches what `ssh-keyscan` printed, so the MITM warning was from the rebuilt bastion.
%%% plain | negative: md5 checksums list
«N:md5»  dist/acme-«N:version».tar.gz
«N:md5»  dist/acme-«N:version»-py3-none-any.whl
%%% plain | negative: jwt structure explanation without token
The token is a JWT: header `{"alg":"RS256","kid":"«N:kid»"}`, and the `exp` claim was «N:int» seconds in the past — that's why the gateway returned 401.
%%% plain | negative: otp recovery count
2FA is on for the bot account; 8 of 10 recovery codes remain (stored in the vault item `acme-bot 2FA`).
""")

# YAML: config files the agent writes (Write ``content``, heredocs, patches of YAML).
_BLOCKS.append(r"""
%%% yaml | docker compose with db password
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: «S:hpw»
      POSTGRES_DB: app
    ports:
      - "5432:5432"
  api:
    build: .
    environment:
      DATABASE_URL: postgres://app:«S:rpw|url»@db:5432/app
    depends_on: [db]
%%% yaml | k8s secret stringData
apiVersion: v1
kind: Secret
metadata:
  name: «N:service»-credentials
  namespace: prod
type: Opaque
stringData:
  STRIPE_SECRET_KEY: «S:stripe_sk»
  STRIPE_WEBHOOK_SECRET: «S:whsec»
%%% yaml | k8s secret data base64
apiVersion: v1
kind: Secret
metadata:
  name: db-auth
type: Opaque
data:
  username: «N:user#u|b64»
  password: «S:hpw|b64»
%%% yaml | github workflow with inline token
name: release
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    env:
      NPM_TOKEN: «S:npm»
    steps:
      - uses: actions/checkout@v4
      - run: npm ci && npm publish
%%% yaml | gitlab ci variables inline password
variables:
  DOCKER_TLS_CERTDIR: "/certs"
  REGISTRY_PASSWORD: "«S:glpat»"
build:
  stage: build
  script:
    - docker login -u gitlab-ci-token -p "$REGISTRY_PASSWORD" $CI_REGISTRY
    - docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA .
%%% yaml | spring application yaml datasource
spring:
  datasource:
    url: jdbc:postgresql://«N:host»:5432/orders
    username: orders_app
    password: «S:hpw»
  jpa:
    hibernate:
      ddl-auto: validate
%%% yaml | rails database yml
production:
  adapter: postgresql
  encoding: unicode
  host: «N:host»
  database: acme_production
  username: acme
  password: "«S:rpw»"
  pool: 10
%%% yaml | helm values with admin password
grafana:
  adminUser: admin
  adminPassword: «S:hpw»
  persistence:
    enabled: true
    size: 10Gi
  ingress:
    enabled: true
    hosts: [grafana.acme.io]
%%% yaml | alertmanager slack webhook
global:
  resolve_timeout: 5m
  slack_api_url: '«S:slack_hook»'
route:
  receiver: team-ops
  group_by: [alertname, cluster]
receivers:
  - name: team-ops
    slack_configs:
      - channel: '#ops-alerts'
        send_resolved: true
%%% yaml | ansible vars with plain password
---
mysql_root_password: «S:rpw»
mysql_databases:
  - name: wordpress
mysql_users:
  - name: wp
    host: "%"
    password: «S:hpw»
    priv: "wordpress.*:ALL"
%%% yaml | openai config for litellm proxy
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: «S:openai»
  - model_name: claude-sonnet
    litellm_params:
      model: anthropic/claude-sonnet-4-5
      api_key: «S:anthropic»
general_settings:
  master_key: sk-«S:token»
%%% yaml | serverless yml env
service: «N:service»-api
provider:
  name: aws
  runtime: nodejs20.x
  region: eu-west-1
  environment:
    SENDGRID_API_KEY: «S:sendgrid»
    TABLE_NAME: ${self:service}-${sls:stage}
%%% yaml | circleci context-less env
version: 2.1
jobs:
  deploy:
    docker:
      - image: cimg/python:3.12
        auth:
          username: acmebuild
          password: «S:dockerhub»
    steps:
      - checkout
      - run: make deploy
%%% yaml | traefik basic auth users
http:
  middlewares:
    dashboard-auth:
      basicAuth:
        users:
          - "admin:«S:hpw»"
  routers:
    dashboard:
      rule: Host(`traefik.acme.io`)
      middlewares: [dashboard-auth]
%%% yaml | mcp settings with env tokens
mcpServers:
  github:
    command: npx
    args: ["-y", "@modelcontextprotocol/server-github"]
    env:
      GITHUB_PERSONAL_ACCESS_TOKEN: «S:ghpat»
  linear:
    command: npx
    args: ["-y", "linear-mcp"]
    env:
      LINEAR_API_KEY: «S:linear»
%%% yaml | k8s deployment with inline env value
apiVersion: apps/v1
kind: Deployment
metadata:
  name: «N:service»
spec:
  template:
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/«N:service»:«N:short_sha»
          env:
            - name: DD_API_KEY
              value: "«S:datadog_api»"
            - name: DD_SITE
              value: datadoghq.eu
%%% yaml | github action with aws secret inline
- name: Configure AWS credentials
  uses: aws-actions/configure-aws-credentials@v4
  with:
    aws-access-key-id: «N:aws_key_id»
    aws-secret-access-key: «S:aws_secret»
    aws-region: us-east-1
%%% yaml | mkdocs deploy with token in url
site_name: Acme Docs
repo_url: https://github.com/acme/docs
remote_name: https://«S:ghp»@github.com/acme/docs.git
theme:
  name: material
%%% yaml | pgbouncer userlist via configmap
apiVersion: v1
kind: ConfigMap
metadata:
  name: pgbouncer
data:
  userlist.txt: |
    "app" "«S:hpw»"
    "readonly" "«S:rpw»"
%%% yaml | rabbitmq definitions
rabbitmq:
  auth:
    username: «N:service»
    password: «S:hpw»
    erlangCookie: «S:token»
  persistence:
    size: 8Gi
%%% yaml | jwt secret in app config
server:
  port: 8080
auth:
  jwt:
    issuer: https://auth.acme.io
    secret: «S:b64secret»
    ttl: 15m
%%% yaml | sentry and slack in config
notifications:
  slack:
    token: «S:slack_bot»
    channel: "#releases"
sentry:
  dsn_env: SENTRY_DSN
  auth_token: «S:sentry_token»
%%% yaml | ssh private key in ansible vars block
deploy_user: deploy
deploy_ssh_private_key: |
  «S:openssh|ind2»
deploy_ssh_public_key: "«N:ssh_pub»"
%%% yaml | tls secret with key
apiVersion: v1
kind: Secret
metadata:
  name: acme-tls
type: kubernetes.io/tls
stringData:
  tls.crt: |
    «N:cert|ind4»
  tls.key: |
    «S:rsa_pem|ind4»
%%% yaml | mongodb operator user password
users:
  - name: app
    db: admin
    passwordSecretRef:
      name: app-password
    roles:
      - name: readWrite
        db: app
    # temporary until the operator picks up the secret
    password: «S:hpw»
%%% yaml | dependabot registries token
version: 2
registries:
  npm-github:
    type: npm-registry
    url: https://npm.pkg.github.com
    token: «S:ghp»
updates:
  - package-ecosystem: npm
    directory: "/"
    registries: [npm-github]
    schedule:
      interval: weekly
%%% yaml | keycloak realm client secret
clients:
  - clientId: «N:service»-backend
    enabled: true
    clientAuthenticatorType: client-secret
    secret: «S:token»
    redirectUris:
      - https://«N:service».acme.io/*
%%% yaml | docker compose redis with requirepass
services:
  redis:
    image: redis:7
    command: ["redis-server", "--requirepass", "«S:rpw»", "--appendonly", "yes"]
    ports: ["6379:6379"]
%%% yaml | argo cd repo creds
apiVersion: v1
kind: Secret
metadata:
  name: private-repo
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  type: git
  url: https://github.com/acme/infra
  password: «S:ghp»
  username: not-used
%%% yaml | prometheus remote write basic auth
remote_write:
  - url: https://prometheus-prod-10-prod-eu-west-0.grafana.net/api/prom/push
    basic_auth:
      username: «N:int»
      password: «S:grafana_sa»
%%% yaml | vector sink with api key
sinks:
  datadog_logs:
    type: datadog_logs
    inputs: [app_logs]
    default_api_key: «S:datadog_api»
    site: datadoghq.eu
    compression: gzip
%%% yaml | azure pipeline with sas
variables:
  artifactUrl: https://acmeartifacts.blob.core.windows.net/drops?«S:azure_sas»
steps:
  - script: curl -fsSL "$(artifactUrl)" -o drop.zip
%%% yaml | cloud-init with user password hash and plain
#cloud-config
users:
  - name: ops
    sudo: ALL=(ALL) NOPASSWD:ALL
    ssh_authorized_keys:
      - «N:ssh_pub»
chpasswd:
  list: |
    ops:«S:hpw»
  expire: false
%%% yaml | codecov and sonar tokens in workflow env
env:
  CODECOV_TOKEN: «S:uuid»
  SONAR_TOKEN: «S:sha1»
  SONAR_HOST_URL: https://sonarcloud.io
%%% yaml | ldap bind password
ldap:
  url: ldaps://ldap.corp.acme.io:636
  bindDN: cn=svc-gitlab,ou=services,dc=acme,dc=io
  bindPassword: «S:hpw»
  userSearchBase: ou=people,dc=acme,dc=io
%%% yaml | supabase service role in edge config
supabase:
  url: https://«N:alnum12».supabase.co
  anon_key: «N:supabase_anon»
  service_role_key: «S:supabase_service»
%%% yaml | smtp relay in config
mail:
  host: smtp.sendgrid.net
  port: 587
  username: apikey
  password: «S:sendgrid»
  from: noreply@acme.io
%%% yaml | wallet config with private key
networks:
  sepolia:
    url: https://sepolia.infura.io/v3/«N:md5»
    accounts:
      - «S:eth_priv»
%%% yaml | telegram bot in compose env list
services:
  bot:
    image: acme/notify-bot:«N:version»
    environment:
      - TELEGRAM_BOT_TOKEN=«S:telegram»
      - CHAT_ID=-100«N:int»
%%% yaml | hf token in space config
env:
  HF_TOKEN: «S:hf»
  MODEL_ID: meta-llama/Llama-3.1-8B-Instruct
  MAX_NEW_TOKENS: 512
%%% yaml | oauth google client secret
oauth:
  google:
    client_id: «N:google_client_id»
    client_secret: «S:gocspx»
    redirect_uri: https://app.acme.io/auth/google/callback
%%% yaml | basic auth header in http check config
checks:
  - name: nexus-health
    url: https://nexus.acme.io/service/rest/v1/status
    headers:
      Authorization: Basic «S:basic»
    interval: 30s
%%% yaml | airflow connection uri
connections:
  warehouse:
    conn_uri: snowflake://etl_user:«S:pw|url»@acme-xy12345/analytics/public?warehouse=ETL_WH&role=TRANSFORMER
%%% yaml | do spaces keys in rclone-like yaml
storage:
  provider: digitalocean
  endpoint: fra1.digitaloceanspaces.com
  access_key: DO00«N:alnum12»
  secret_key: «S:b64secret»
  api_token: «S:do»
%%% yaml | flux git credentials
apiVersion: v1
kind: Secret
metadata:
  name: flux-system
  namespace: flux-system
stringData:
  username: git
  password: «S:glpat»
%%% yaml | vault token in config
vault:
  address: https://vault.acme.io:8200
  token: «S:vault»
  kv_mount: secret
%%% yaml | teams webhook in alert config
alerting:
  teams:
    webhook_url: «S:teams_hook»
    mention_on: critical
%%% yaml | negative: compose reading env vars
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set in .env}
      POSTGRES_USER: app
  api:
    environment:
      DATABASE_URL: postgres://app:${POSTGRES_PASSWORD}@db:5432/app
%%% yaml | negative: github workflow using secrets context
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: ./deploy.sh
        env:
          AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
          STRIPE_SECRET_KEY: ${{ secrets.STRIPE_SECRET_KEY }}
          GITHUB_TOKEN: ${{ github.token }}
%%% yaml | negative: k8s env from secretKeyRef
env:
  - name: DB_PASSWORD
    valueFrom:
      secretKeyRef:
        name: «N:service»-db
        key: password
  - name: API_TOKEN
    valueFrom:
      secretKeyRef:
        name: «N:service»-api
        key: token
%%% yaml | negative: sealed secret manifest
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: «N:service»-credentials
  namespace: prod
spec:
  encryptedData:
    STRIPE_SECRET_KEY: «N:sealed»
    DB_PASSWORD: «N:sealed»
%%% yaml | negative: sops encrypted yaml
db_password: «N:sops_enc»
api_token: «N:sops_enc»
sops:
    age:
        - recipient: «N:age_pub»
    lastmodified: "«N:ts»"
    mac: «N:sops_enc»
    version: 3.9.0
%%% yaml | negative: ansible vault encrypted variable
db_password: !vault |
  $ANSIBLE_VAULT;1.1;AES256
  «N:vault_cipher|ind2»
db_user: app
%%% yaml | negative: external secrets operator
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: «N:service»-secrets
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: aws-secrets-manager
    kind: ClusterSecretStore
  data:
    - secretKey: password
      remoteRef:
        key: prod/«N:service»/db
        property: password
%%% yaml | negative: helm values placeholders
auth:
  adminPassword: ""          # set with --set auth.adminPassword=...
  existingSecret: grafana-admin
  apiKey: <your-api-key>
smtp:
  password: changeme
%%% yaml | negative: tls secret with cert only
apiVersion: v1
kind: ConfigMap
metadata:
  name: ca-bundle
data:
  ca.crt: |
    «N:cert|ind4»
%%% yaml | negative: image pinned by digest
spec:
  containers:
    - name: app
      image: ghcr.io/acme/«N:service»@«N:image_digest»
      imagePullPolicy: IfNotPresent
  imagePullSecrets:
    - name: ghcr-pull
%%% yaml | negative: supabase anon only
supabase:
  url: https://«N:alnum12».supabase.co
  anon_key: «N:supabase_anon»
  # service_role_key lives in the server's env, never here
%%% yaml | negative: ci test db with trivial password
services:
  postgres:
    image: postgres:16
    env:
      POSTGRES_PASSWORD: postgres
      POSTGRES_USER: postgres
    options: >-
      --health-cmd pg_isready --health-interval 10s
%%% yaml | negative: authorized keys list
users:
  - name: deploy
    groups: [sudo]
    ssh_authorized_keys:
      - «N:ssh_pub»
      - «N:ssh_pub»
%%% yaml | negative: checksums in release manifest
artifacts:
  - name: acme-«N:version»-linux-amd64.tar.gz
    sha256: «N:sha256»
  - name: acme-«N:version»-darwin-arm64.tar.gz
    sha256: «N:sha256»
%%% yaml | negative: oauth client id only
oauth:
  google:
    client_id: «N:google_client_id»
    client_secret_env: GOOGLE_CLIENT_SECRET
%%% yaml | negative: stripe publishable in frontend config
stripe:
  publishable_key: «N:stripe_pk»
  price_ids:
    pro_monthly: price_«N:alnum12»
%%% yaml | negative: vault agent template
vault:
  role: «N:service»
  secrets:
    - path: secret/data/«N:service»/prod
      template: |
        {{ with secret "secret/data/«N:service»/prod" }}DB_PASSWORD={{ .Data.data.password }}{{ end }}
%%% yaml | negative: terraform cloud workspace ids
workspaces:
  - name: «N:service»-prod
    id: ws-«N:alnum12»
    run_trigger: «N:uuid»
    vcs_commit: «N:sha1»
%%% yaml | negative: aws iam role arn config
aws:
  role_arn: arn:aws:iam::«N:aws_account»:role/«N:service»-deployer
  access_key_id_ref: ssm:/ci/«N:service»/access-key-id
  region: eu-west-1
%%% yaml | negative: masked values in config dump
database:
  host: «N:host»
  user: app
  password: "********"
api:
  token: "[REDACTED]"
%%% yaml | negative: twilio sid and service sid
twilio:
  account_sid: «N:twilio_sid»
  messaging_service_sid: MG«N:md5»
  auth_token_env: TWILIO_AUTH_TOKEN
%%% yaml | negative: trivy ignore with ids
ignore:
  - id: CVE-2024-«N:int»
    paths: ["usr/lib/python3.12"]
    expires: «N:date»
    statement: not reachable, tracked in «N:uuid»
%%% yaml | negative: renovate config with encrypted token
{
  "extends": ["config:recommended"],
  "hostRules": [{"matchHost": "npm.pkg.github.com", "encrypted": {"token": "«N:kms_cipher»"}}]
}
%%% yaml | negative: docker compose secrets files
services:
  api:
    secrets: [db_password, stripe_key]
secrets:
  db_password:
    file: ./secrets/db_password.txt
  stripe_key:
    environment: STRIPE_SECRET_KEY
%%% yaml | negative: workflow with sha pinned actions
steps:
  - uses: actions/checkout@«N:sha1» # v4.2.2
  - uses: actions/setup-node@«N:sha1» # v4.1.0
    with:
      node-version: 20
%%% yaml | negative: prometheus config password file
remote_write:
  - url: https://prometheus.acme.io/api/v1/write
    basic_auth:
      username: «N:int»
      password_file: /etc/prometheus/secrets/remote-write
%%% yaml | negative: cloud-init with hashed password
users:
  - name: ops
    passwd: $6$rounds=4096$«N:alnum12»$«N:crypt_hash»
    lock_passwd: false
%%% yaml | negative: cert-manager issuer referencing secret
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: letsencrypt
spec:
  acme:
    email: ops@acme.io
    privateKeySecretRef:
      name: letsencrypt-account-key
    solvers:
      - dns01:
          cloudflare:
            apiTokenSecretRef:
              name: cloudflare-token
              key: api-token
""")

# Source: code files the agent writes or edits (Write ``content``, Edit ``new_string``, notebooks).
_BLOCKS.append(r"""
%%% source | python settings with secret key
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "«S:django_key»"
DEBUG = True
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
%%% source | python openai client literal
from openai import OpenAI

client = OpenAI(api_key="«S:openai»")


def summarise(text: str) -> str:
    resp = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": text}])
    return resp.choices[0].message.content
%%% source | typescript stripe init
import Stripe from "stripe";

export const stripe = new Stripe("«S:stripe_sk»", {
  apiVersion: "2024-06-20",
  typescript: true,
});
%%% source | go const token
package github

const (
	apiBase = "https://api.github.com"
	token   = "«S:ghp»"
)
%%% source | java jdbc connection
public class Db {
    private static final String URL = "jdbc:mysql://«N:host»:3306/shop";
    private static final String USER = "shop_rw";
    private static final String PASSWORD = "«S:hpw»";

    public static Connection open() throws SQLException {
        return DriverManager.getConnection(URL, USER, PASSWORD);
    }
}
%%% source | ruby initializer sendgrid
ActionMailer::Base.smtp_settings = {
  user_name: "apikey",
  password: "«S:sendgrid»",
  domain: "acme.io",
  address: "smtp.sendgrid.net",
  port: 587,
  authentication: :plain,
  enable_starttls_auto: true
}
%%% source | php config array
<?php
return [
    'default' => 'mysql',
    'connections' => [
        'mysql' => [
            'host' => '«N:host»',
            'database' => 'laravel',
            'username' => 'forge',
            'password' => '«S:hpw»',
        ],
    ],
];
%%% source | csharp appsettings-like const
public static class Secrets
{
    public const string StorageConnection =
        "DefaultEndpointsProtocol=https;AccountName=acmeassets;AccountKey=«S:azure_key»;EndpointSuffix=core.windows.net";
}
%%% source | rust client builder
let client = reqwest::Client::builder()
    .default_headers({
        let mut h = HeaderMap::new();
        h.insert("Authorization", HeaderValue::from_static("Bearer «S:hf»"));
        h
    })
    .build()?;
%%% source | python boto3 session
import boto3

session = boto3.Session(
    aws_access_key_id="«N:aws_key_id»",
    aws_secret_access_key="«S:aws_secret»",
    region_name="eu-west-1",
)
s3 = session.client("s3")
%%% source | node slack bolt app
const { App } = require("@slack/bolt");

const app = new App({
  token: "«S:slack_bot»",
  signingSecret: "«S:hex32»",
});
%%% source | python test hitting live api with token
def test_live_create_issue():
    client = LinearClient(api_key="«S:linear»")
    issue = client.create_issue(team="ENG", title="smoke test")
    assert issue.id
%%% source | kotlin retrofit interceptor
class AuthInterceptor : Interceptor {
    override fun intercept(chain: Interceptor.Chain): Response {
        val req = chain.request().newBuilder()
            .addHeader("Authorization", "Bearer «S:token»")
            .build()
        return chain.proceed(req)
    }
}
%%% source | swift api key constant
enum Config {
    static let baseURL = URL(string: "https://api.acme.io")!
    static let apiKey = "«S:api_key»"
}
%%% source | python firebase service account dict
SERVICE_ACCOUNT = {
    "type": "service_account",
    "project_id": "acme-prod",
    "private_key_id": "«N:kid»",
    "private_key": "«S:gcp_sa_pem|j»",
    "client_email": "backend@acme-prod.iam.gserviceaccount.com",
    "client_id": "«N:int»«N:int»",
}
%%% source | js mongoose connect string
mongoose.connect("mongodb+srv://admin:«S:pw|url»@cluster0.«N:alnum12».mongodb.net/shop?retryWrites=true", {
  serverSelectionTimeoutMS: 5000,
});
%%% source | python redis client
import redis

r = redis.Redis(host="redis.internal", port=6379, password="«S:rpw»", ssl=True)
%%% source | go smtp auth
auth := smtp.PlainAuth("", "alerts@acme.io", "«S:hpw»", "smtp.gmail.com")
if err := smtp.SendMail("smtp.gmail.com:587", auth, from, to, msg); err != nil {
	log.Fatal(err)
}
%%% source | python fixture with real looking webhook secret
@pytest.fixture
def webhook_secret():
    return "«S:whsec»"
%%% source | ts next-auth options
export const authOptions: NextAuthOptions = {
  providers: [
    GitHubProvider({
      clientId: "Iv1.«N:hex_id»",
      clientSecret: "«S:sha1»",
    }),
  ],
  secret: "«S:b64secret»",
};
%%% source | python jwt signing with hard-coded secret
import jwt

SIGNING_KEY = "«S:hex64»"


def issue(user_id: str) -> str:
    return jwt.encode({"sub": user_id}, SIGNING_KEY, algorithm="HS256")
%%% source | java spring properties edit
spring.datasource.url=jdbc:postgresql://«N:host»:5432/orders
spring.datasource.username=orders
spring.datasource.password=«S:hpw»
spring.mail.password=«S:rpw»
management.endpoints.web.exposure.include=health,info
%%% source | ini config with password
[database]
host = «N:host»
port = 5432
user = etl
password = «S:hpw»

[s3]
bucket = acme-etl
%%% source | python private key literal
PRIVATE_KEY = '''«S:rsa_pem»'''


def sign(payload: bytes) -> bytes:
    key = serialization.load_pem_private_key(PRIVATE_KEY.encode(), password=None)
    return key.sign(payload, padding.PKCS1v15(), hashes.SHA256())
%%% source | js web3 wallet from mnemonic
const wallet = ethers.Wallet.fromPhrase("«S:seed»");
console.log("deployer", wallet.address);
%%% source | python telegram bot
from telegram.ext import ApplicationBuilder

app = ApplicationBuilder().token("«S:telegram»").build()
%%% source | dotnet connection string in code
var cs = "Host=«N:host»;Port=5432;Database=billing;Username=billing_app;Password=«S:hpw»;SSL Mode=Require";
await using var conn = new NpgsqlConnection(cs);
%%% source | notebook cell with hf login
from huggingface_hub import login

login(token="«S:hf»")
model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.1-8B")
%%% source | python anthropic with env fallback literal
client = anthropic.Anthropic(api_key=os.environ.get("ANTHROPIC_API_KEY", "«S:anthropic»"))
%%% source | terraform provider with token
provider "github" {
  owner = "acme"
  token = "«S:ghp»"
}

provider "datadog" {
  api_key = "«S:datadog_api»"
  app_key = "«S:datadog_app»"
}
%%% source | terraform db instance password
resource "aws_db_instance" "main" {
  identifier        = "«N:service»-prod"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  username          = "app"
  password          = "«S:rpw»"
  allocated_storage = 50
}
%%% source | dockerfile env with token
FROM node:20-alpine
WORKDIR /app
ENV NPM_TOKEN=«S:npm»
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
COPY . .
%%% source | sql seed with admin password
INSERT INTO users (email, role, password_plain) VALUES
  ('admin@acme.io', 'admin', '«S:hpw»'),
  ('ops@acme.io', 'ops', '«S:hpw»');
%%% source | sql create user
CREATE USER 'reporting'@'%' IDENTIFIED BY '«S:rpw»';
GRANT SELECT ON analytics.* TO 'reporting'@'%';
%%% source | python requests with basic auth tuple
resp = requests.get(
    "https://jira.acme.io/rest/api/2/search",
    params={"jql": "project = OPS"},
    auth=("svc-bot@acme.io", "«S:token»"),
)
%%% source | php twilio client
$client = new Twilio\Rest\Client('«N:twilio_sid»', '«S:twilio_token»');
$client->messages->create('+4915112345678', ['from' => '+12025550123', 'body' => 'Your code is ready']);
%%% source | go aws static credentials
cfg, err := config.LoadDefaultConfig(ctx,
	config.WithRegion("us-east-1"),
	config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("«N:aws_key_id»", "«S:aws_secret»", "")),
)
%%% source | python session token creds
creds = {
    "AccessKeyId": "«N:aws_key_id»",
    "SecretAccessKey": "«S:aws_secret»",
    "SessionToken": "«S:aws_session»",
}
%%% source | js axios with cookie
const res = await axios.get("https://admin.acme.io/api/refunds", {
  headers: { Cookie: "connect.sid=«S:session_cookie»" },
});
%%% source | elixir config runtime literal
config :acme, Acme.Repo,
  username: "postgres",
  password: "«S:hpw»",
  hostname: "«N:host»",
  database: "acme_prod",
  pool_size: 10
%%% source | python mailgun
requests.post(
    "https://api.mailgun.net/v3/mg.acme.io/messages",
    auth=("api", "«S:mailgun»"),
    data={"from": "ops@acme.io", "to": ["team@acme.io"], "subject": "nightly", "text": "ok"},
)
%%% source | shopify app config ts
export const shopify = shopifyApi({
  apiKey: "«N:md5»",
  apiSecretKey: "«S:hex32»",
  adminApiAccessToken: "«S:shopify»",
  hostName: "acme-store.myshopify.com",
});
%%% source | python fernet key literal
from cryptography.fernet import Fernet

FERNET_KEY = b"«S:fernet»"
cipher = Fernet(FERNET_KEY)
%%% source | java keystore password in code
KeyStore ks = KeyStore.getInstance("PKCS12");
try (InputStream in = Files.newInputStream(Path.of("release.p12"))) {
    ks.load(in, "«S:hpw»".toCharArray());
}
%%% source | python gitlab client
gl = gitlab.Gitlab("https://gitlab.com", private_token="«S:glpat»")
project = gl.projects.get("acme/platform/infra")
%%% source | groovy jenkinsfile with credentials inline
pipeline {
  agent any
  environment {
    SONAR_TOKEN = '«S:sha1»'
  }
  stages {
    stage('scan') { steps { sh 'sonar-scanner -Dsonar.login=$SONAR_TOKEN' } }
  }
}
%%% source | c header with wifi password
#define WIFI_SSID "acme-iot"
#define WIFI_PASS "«S:hpw»"
#define MQTT_HOST "mqtt.acme.io"
%%% source | python totp secret
import pyotp

totp = pyotp.TOTP("«S:otp_secret»")
print(totp.now())
%%% source | js discord webhook const
const WEBHOOK_URL = "«S:discord_hook»";

export async function notify(content) {
  await fetch(WEBHOOK_URL, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ content }) });
}
%%% source | python groq and xai keys
PROVIDERS = {
    "groq": {"base_url": "https://api.groq.com/openai/v1", "api_key": "«S:groq»"},
    "xai": {"base_url": "https://api.x.ai/v1", "api_key": "«S:xai»"},
}
%%% source | edit new_string with vault token
VAULT_ADDR = "https://vault.acme.io:8200"
VAULT_TOKEN = "«S:vault»"
%%% source | negative: python settings reading env
import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = os.environ.get("DEBUG", "0") == "1"
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
%%% source | negative: ts reading process env
export const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!, {
  apiVersion: "2024-06-20",
});
const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET ?? "";
%%% source | negative: go reading env with error
token := os.Getenv("GITHUB_TOKEN")
if token == "" {
	return fmt.Errorf("GITHUB_TOKEN is required")
}
%%% source | negative: test with fake password fixtures
def test_login_rejects_wrong_password(client):
    user = UserFactory(email="alice@example.com", password="correct-password")
    resp = client.post("/login", data={"email": user.email, "password": "wrong-password"})
    assert resp.status_code == 401
%%% source | negative: test with placeholder stripe key
@pytest.fixture(autouse=True)
def fake_stripe(monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_fake")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_test")
%%% source | negative: java reading from vault client
String password = vault.logical()
    .read("secret/data/orders/prod")
    .getData()
    .get("password");
%%% source | negative: ruby credentials lookup
Stripe.api_key = Rails.application.credentials.dig(:stripe, :secret_key)
Sendgrid.api_key = ENV.fetch("SENDGRID_API_KEY")
%%% source | negative: terraform using variables
variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "main" {
  username = "app"
  password = var.db_password
}
%%% source | negative: secrets manager fetch in python
def db_password() -> str:
    resp = boto3.client("secretsmanager").get_secret_value(SecretId="prod/«N:service»/db")
    return json.loads(resp["SecretString"])["password"]
%%% source | negative: token regex validator
GITHUB_TOKEN_RE = re.compile(r"^(ghp|gho|ghs|ghu)_[A-Za-z0-9]{36}$")


def looks_like_github_token(value: str) -> bool:
    return bool(GITHUB_TOKEN_RE.match(value))
%%% source | negative: hashing with public test vector
def test_sha256():
    assert hashlib.sha256(b"abc").hexdigest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
%%% source | negative: public key constant
PUBLIC_KEY_PEM = '''«N:pubkey»'''

verifier = serialization.load_pem_public_key(PUBLIC_KEY_PEM.encode())
%%% source | negative: dockerfile using build secret mount
FROM node:20-alpine
WORKDIR /app
RUN --mount=type=secret,id=npm_token \
    NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci
COPY . .
%%% source | negative: go struct with secret field names
type Config struct {
	APIKey       string `env:"ACME_API_KEY,required"`
	ClientSecret string `env:"ACME_CLIENT_SECRET,required"`
	Password     string `env:"DB_PASSWORD" json:"-"`
}
%%% source | negative: error messages naming secrets
if not settings.openai_api_key:
    raise ImproperlyConfigured("OPENAI_API_KEY is missing; set it in .env or the environment")
log.warning("stripe secret key not set, payments disabled")
%%% source | negative: js publishable key
const stripe = await loadStripe("«N:stripe_pk»");
const elements = stripe.elements({ clientSecret });
%%% source | negative: supabase client with anon key
export const supabase = createClient(
  "https://«N:alnum12».supabase.co",
  "«N:supabase_anon»",
);
%%% source | negative: constants with uuid and hashes
TENANT_ID = "«N:uuid»"
SCHEMA_VERSION_HASH = "«N:sha256»"
LAST_MIGRATION = "«N:short_sha»"
%%% source | negative: python bcrypt hash fixture
ADMIN_PASSWORD_HASH = "$2b$12$«N:bcrypt_tail»"


def check(pw: str) -> bool:
    return bcrypt.checkpw(pw.encode(), ADMIN_PASSWORD_HASH.encode())
%%% source | negative: mocks with dummy tokens
jest.mock("../github", () => ({
  client: { auth: "test-token", request: jest.fn().mockResolvedValue({ data: [] }) },
}));
%%% source | negative: sql grant without password
CREATE ROLE reporting NOLOGIN;
GRANT USAGE ON SCHEMA analytics TO reporting;
ALTER ROLE reporting_login IN DATABASE analytics SET search_path = analytics;
%%% source | negative: python keyring get
password = keyring.get_password("acme-cli", getpass.getuser())
if password is None:
    password = getpass.getpass("ACME password: ")
%%% source | negative: csharp configuration binding
var apiKey = builder.Configuration["OpenAI:ApiKey"]
    ?? throw new InvalidOperationException("OpenAI:ApiKey missing");
builder.Services.AddSingleton(new OpenAIClient(apiKey));
%%% source | negative: kotlin build config from local properties
buildConfigField("String", "MAPS_API_KEY", "\"${localProperties.getProperty("MAPS_API_KEY") ?: ""}\"")
%%% source | negative: aws account and region constants
AWS_ACCOUNT_ID = "«N:aws_account»"
AWS_REGION = "eu-west-1"
ROLE_ARN = f"arn:aws:iam::{AWS_ACCOUNT_ID}:role/deployer"
%%% source | negative: base64 plain constant
DEFAULT_CONTEXT = "«N:b64plain»"  # {"env": ..., "replicas": ..., "team": ...}
%%% source | negative: jwks with public parts only
JWKS = {"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "«N:kid»", "x": "«N:jwk_d»", "use": "sig"}]}
%%% source | negative: integrity hashes in html
<script src="https://cdn.jsdelivr.net/npm/htmx.org@«N:version»/dist/htmx.min.js" integrity="«N:integrity»" crossorigin="anonymous"></script>
%%% source | negative: ini with env interpolation
[database]
host = %(DB_HOST)s
user = etl
password = %(DB_PASSWORD)s
%%% source | negative: eth address constants
TREASURY = "«N:eth_addr»"
USDC = "«N:eth_addr»"
DEPLOY_TX = "«N:tx_hash»"
%%% source | negative: php env helper
'password' => env('DB_PASSWORD'),
'api_key' => env('MAILGUN_SECRET', ''),
%%% source | negative: jenkinsfile withCredentials
withCredentials([string(credentialsId: 'sonar-token', variable: 'SONAR_TOKEN')]) {
  sh 'sonar-scanner -Dsonar.login=$SONAR_TOKEN'
}
%%% source | negative: rust env var
let token = std::env::var("HF_TOKEN").context("HF_TOKEN not set")?;
let api = ApiBuilder::new().with_token(Some(token)).build()?;
%%% source | negative: notebook cell reading getpass
import getpass, os
os.environ["OPENAI_API_KEY"] = getpass.getpass("OpenAI key: ")
%%% source | negative: swift keychain read
let query: [String: Any] = [kSecClass as String: kSecClassGenericPassword, kSecAttrAccount as String: "api-token", kSecReturnData as String: true]
SecItemCopyMatching(query as CFDictionary, &item)
%%% source | negative: c header with placeholder wifi
#define WIFI_SSID "your-ssid"
#define WIFI_PASS "your-password"
""")

# URL: what the agent fetches (WebFetch ``url``, MCP fetch, curl targets).
_BLOCKS.append(r"""
%%% url | webfetch with api key query
https://maps.googleapis.com/maps/api/place/textsearch/json?query=coffee+in+Berlin&key=«S:gcp_key»
%%% url | webfetch github api with token in userinfo
https://«N:user»:«S:ghp»@api.github.com/repos/acme/«N:service»/actions/runs?per_page=5
%%% url | telegram bot getUpdates
https://api.telegram.org/bot«S:telegram»/getUpdates?offset=-1
%%% url | azure blob sas url
https://acmebackups.blob.core.windows.net/exports/report-«N:date».csv?«S:azure_sas»
%%% url | slack webhook fetched
«S:slack_hook»
%%% url | discord webhook with wait param
«S:discord_hook»?wait=true
%%% url | db url with password
postgres://app:«S:pw|url»@«N:host»:5432/orders?sslmode=require
%%% url | redis url with password
rediss://default:«S:rpw|url»@eu2-«N:word»-«N:int».upstash.io:6379
%%% url | amqp url
amqps://«N:service»:«S:hpw|url»@b-«N:uuid».mq.eu-west-1.amazonaws.com:5671/%2F
%%% url | mongodb srv url
mongodb+srv://root:«S:pw|url»@cluster0.«N:alnum12».mongodb.net/?retryWrites=true&w=majority&appName=Cluster0
%%% url | access token in query
https://graph.facebook.com/v19.0/me/accounts?access_token=EAAB«S:token»&fields=id,name
%%% url | oauth token endpoint with client secret in query
https://oauth2.googleapis.com/token?grant_type=refresh_token&client_id=«N:google_client_id»&client_secret=«S:gocspx»&refresh_token=1%2F%2F0«S:token»
%%% url | jenkins trigger with token
https://ci.acme.io/job/deploy-prod/buildWithParameters?token=«S:hex32»&BRANCH=main
%%% url | gitlab raw file with private token
https://gitlab.com/api/v4/projects/«N:int»/repository/files/config%2Fprod.yml/raw?ref=main&private_token=«S:glpat»
%%% url | datadog api with keys in query
https://api.datadoghq.com/api/v1/query?from=«N:int»&to=«N:int»&query=avg:system.cpu.user{*}&api_key=«S:datadog_api»&application_key=«S:datadog_app»
%%% url | mailchimp style key in basic userinfo
https://anystring:«S:hex32»-us21@us21.api.mailchimp.com/3.0/lists
%%% url | teams webhook url
«S:teams_hook»
%%% url | jwt in query for sse
https://app.acme.io/api/events/stream?token=«S:jwt»
%%% url | presigned s3 url with session token
https://acme-exports.s3.eu-west-1.amazonaws.com/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=«N:aws_key_id»%2F20260101%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-Security-Token=«S:aws_session|url»&X-Amz-Signedheaders=host&X-Amz-Signature=«S:hex64»
%%% url | ftp url with password
ftp://backup:«S:hpw|url»@files.acme.io/nightly/dump-«N:date».sql.gz
%%% url | git https url with pat
https://oauth2:«S:glpat»@gitlab.acme.io/platform/infra.git
%%% url | hf resolve with token param
https://huggingface.co/acme/private-model/resolve/main/config.json?token=«S:hf»
%%% url | smtp url
smtps://postmaster%40mg.acme.io:«S:hex32»@smtp.mailgun.org:465
%%% url | webhook with secret path segment
https://hooks.zapier.com/hooks/catch/«N:int»/«S:alnum12»/
%%% url | basic auth in url for registry
https://ci-reader:«S:rpw|url»@nexus.acme.io/repository/pypi-internal/simple/
%%% url | shopify admin url with token param
https://acme-store.myshopify.com/admin/api/2024-07/products.json?access_token=«S:shopify»
%%% url | sendgrid in query (misused)
https://api.acme.io/v1/mail/test?provider=sendgrid&key=«S:sendgrid»
%%% url | openai key in url param to a proxy
http://localhost:4000/v1/models?api_key=«S:openai»
%%% url | magic link with one-time login token
https://app.acme.io/auth/magic?email=«N:user»%40acme.io&token=«S:token»
%%% url | password reset link
https://app.acme.io/reset-password?uid=«N:int»&token=«S:token»
%%% url | negative: github api url no creds
https://api.github.com/repos/acme/«N:service»/commits/«N:sha1»/check-runs
%%% url | negative: docs url about api keys
https://platform.openai.com/docs/api-reference/authentication#api-keys
%%% url | negative: s3 url without signature
https://acme-public-assets.s3.eu-west-1.amazonaws.com/releases/«N:version»/acme-«N:version».tar.gz
%%% url | negative: oauth authorize with client id and state
https://accounts.google.com/o/oauth2/v2/auth?client_id=«N:google_client_id»&redirect_uri=https%3A%2F%2Fapp.acme.io%2Fcallback&response_type=code&scope=openid%20email&state=«N:hex_id»
%%% url | negative: url with uuid and trace id
https://app.acme.io/orders/«N:uuid»?trace=«N:trace_id»&tab=payments
%%% url | negative: npm registry tarball
https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-«N:version».tgz
%%% url | negative: commit compare url
https://github.com/acme/«N:service»/compare/«N:sha1»...«N:sha1»
%%% url | negative: placeholder key in docs url
https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key=YOUR_API_KEY
%%% url | negative: db url with env reference
postgres://app:${DB_PASSWORD}@«N:host»:5432/orders
%%% url | negative: etherscan tx url
https://etherscan.io/tx/«N:tx_hash»
%%% url | negative: etherscan address url
https://sepolia.etherscan.io/address/«N:eth_addr»#code
%%% url | negative: docker hub digest url
https://hub.docker.com/layers/library/python/3.12-slim/images/«N:image_digest»
%%% url | negative: sentry issue url
https://acme.sentry.io/issues/«N:int»/events/«N:md5»/
%%% url | negative: stripe dashboard url with ids
https://dashboard.stripe.com/payments/pi_«N:alnum12»«N:alnum12»
%%% url | negative: jira search url
https://acme.atlassian.net/issues/?jql=project%20%3D%20SEC%20AND%20text%20~%20%22api%20key%22
%%% url | negative: grafana dashboard url
https://grafana.acme.io/d/«N:alnum12»/api-latency?orgId=1&from=now-6h&to=now&var-service=«N:service»
%%% url | negative: redis url without password
redis://redis.internal:6379/2
%%% url | negative: masked credential url
https://deploy:****@nexus.acme.io/repository/releases/
%%% url | negative: keys url of github user
https://github.com/«N:user».keys
%%% url | negative: pypi json api
https://pypi.org/pypi/requests/«N:version»/json
%%% url | negative: cdn with integrity hash query
https://cdn.acme.io/app.«N:short_sha».js?v=«N:md5»
""")

# JSON: tool-call lines, API bodies, configs and MCP calls whose own text is JSON.
_BLOCKS.append(r"""
%%% json | claude code Write tool_use writing .env
{"type":"tool_use","id":"«N:toolu»","name":"Write","input":{"file_path":"/home/dev/app/.env","content":"DATABASE_URL=postgres://app:«S:pw|url»@localhost:5432/app\nSTRIPE_SECRET_KEY=«S:stripe_sk»\nNODE_ENV=development\n"}}
%%% json | claude code Edit tool_use old and new strings
{"type":"tool_use","id":"«N:toolu»","name":"Edit","input":{"file_path":"/home/dev/app/src/config.ts","old_string":"apiKey: process.env.OPENAI_API_KEY,","new_string":"apiKey: \"«S:openai»\","}}
%%% json | claude code Edit removing literal (old_string is secret)
{"type":"tool_use","id":"«N:toolu»","name":"Edit","input":{"file_path":"/home/dev/app/notify.py","old_string":"SLACK_TOKEN = \"«S:slack_bot»\"","new_string":"SLACK_TOKEN = os.environ[\"SLACK_BOT_TOKEN\"]","replace_all":false}}
%%% json | claude code MultiEdit edits
{"type":"tool_use","id":"«N:toolu»","name":"MultiEdit","input":{"file_path":"/home/dev/app/config/prod.yaml","edits":[{"old_string":"password: changeme","new_string":"password: «S:hpw|j»"},{"old_string":"token: TODO","new_string":"token: «S:ghp»"}]}}
%%% json | claude code Bash tool_use with export
{"type":"tool_use","id":"«N:toolu»","name":"Bash","input":{"command":"export ANTHROPIC_API_KEY=«S:anthropic» && npm run eval -- --suite smoke","description":"Run smoke evals with the API key"}}
%%% json | claude code Bash heredoc
{"type":"tool_use","id":"«N:toolu»","name":"Bash","input":{"command":"cat > ~/.aws/credentials <<'EOF'\n[default]\naws_access_key_id = «N:aws_key_id»\naws_secret_access_key = «S:aws_secret»\nEOF","description":"Write AWS credentials"}}
%%% json | claude code WebFetch with key in url
{"type":"tool_use","id":"«N:toolu»","name":"WebFetch","input":{"url":"https://api.openweathermap.org/data/2.5/weather?q=Berlin&appid=«S:hex32»","prompt":"What is the temperature?"}}
%%% json | claude code NotebookEdit new source
{"type":"tool_use","id":"«N:toolu»","name":"NotebookEdit","input":{"notebook_path":"/home/dev/notebooks/eval.ipynb","cell_id":"cell-3","new_source":"import os\nos.environ[\"HF_TOKEN\"] = \"«S:hf»\"\nfrom datasets import load_dataset","cell_type":"code","edit_mode":"replace"}}
%%% json | claude code TodoWrite with credential
{"type":"tool_use","id":"«N:toolu»","name":"TodoWrite","input":{"todos":[{"content":"Reproduce 401 on /billing","status":"completed","activeForm":"Reproducing 401"},{"content":"Set SENDGRID_API_KEY=«S:sendgrid» in staging","status":"in_progress","activeForm":"Setting SendGrid key"}]}}
%%% json | codex function_call shell with token in arguments string
{"type":"function_call","name":"shell","arguments":"{\"command\":[\"bash\",\"-lc\",\"gh secret set NPM_TOKEN --body «S:npm»\"],\"workdir\":\"/home/dev/app\"}","call_id":"«N:call_id»"}
%%% json | codex function_call apply_patch with env
{"type":"function_call","name":"apply_patch","arguments":"{\"input\":\"*** Begin Patch\\n*** Add File: .env\\n+REDIS_URL=redis://:«S:rpw|url»@redis:6379/0\\n+SESSION_SECRET=«S:hex64»\\n*** End Patch\"}","call_id":"«N:call_id»"}
%%% json | codex function_call apply_patch update with removed secret
{"type":"function_call","name":"apply_patch","arguments":"{\"input\":\"*** Begin Patch\\n*** Update File: src/db.py\\n@@\\n-PASSWORD = \\\"«S:hpw|jj»\\\"\\n+PASSWORD = os.environ[\\\"DB_PASSWORD\\\"]\\n*** End Patch\"}","call_id":"«N:call_id»"}
%%% json | codex update_plan with secret in step
{"type":"function_call","name":"update_plan","arguments":"{\"plan\":[{\"step\":\"Configure the Linear key «S:linear» in .env\",\"status\":\"in_progress\"},{\"step\":\"Run the sync script\",\"status\":\"pending\"}]}","call_id":"«N:call_id»"}
%%% json | codex exec item.started command with password
{"type":"item.started","item":{"id":"item_«N:int»","type":"command_execution","command":"bash -lc 'PGPASSWORD=«S:rpw» psql -h «N:host» -U app -c \"select 1\"'","aggregated_output":"","status":"in_progress"}}
%%% json | codex exec item.completed command with token
{"type":"item.completed","item":{"id":"item_«N:int»","type":"command_execution","command":"bash -lc 'curl -s -H \"Authorization: token «S:ghp»\" https://api.github.com/user'","aggregated_output":"{\"login\": \"acme-bot\"}\n","exit_code":0,"status":"completed"}}
%%% json | mcp tools/call postgres query with password
{"jsonrpc":"2.0","id":«N:int»,"method":"tools/call","params":{"name":"query","arguments":{"sql":"ALTER USER reporting WITH PASSWORD '«S:hpw|j»';"}}}
%%% json | mcp tools/call http headers
{"jsonrpc":"2.0","id":«N:int»,"method":"tools/call","params":{"name":"http_request","arguments":{"method":"GET","url":"https://api.acme.io/v2/invoices","headers":{"Authorization":"Bearer «S:jwt»","Accept":"application/json"}}}}
%%% json | mcp tools/call secrets set value
{"jsonrpc":"2.0","id":«N:int»,"method":"tools/call","params":{"name":"set_secret","arguments":{"project":"«N:service»","environment":"prd","name":"STRIPE_SECRET_KEY","value":"«S:stripe_sk»"}}}
%%% json | mcp tools/call github create file content with key
{"jsonrpc":"2.0","id":«N:int»,"method":"tools/call","params":{"name":"create_or_update_file","arguments":{"owner":"acme","repo":"«N:service»","path":"config/keys.py","content":"MAPS_KEY = \"«S:gcp_key»\"\n","message":"add maps key","branch":"main"}}}
%%% json | codex exec mcp_tool_call arguments
{"type":"item.completed","item":{"id":"item_«N:int»","type":"mcp_tool_call","server":"vault","tool":"kv_put","arguments":{"path":"secret/«N:service»/prod","data":{"api_key":"«S:api_key»"}},"status":"completed"}}
%%% json | swe-agent action json
{"action":"str_replace_editor str_replace /repo/settings.py --old_str 'EMAIL_HOST_PASSWORD = \"\"' --new_str 'EMAIL_HOST_PASSWORD = \"«S:hpw|j»\"'","thought":"The SMTP password is empty, so mail fails; set it.","execution_time":0.4}
%%% json | stripe api request body logged by agent
{"method":"POST","url":"https://api.stripe.com/v1/webhook_endpoints","headers":{"Authorization":"Bearer «S:stripe_sk»","Stripe-Version":"2024-06-20"},"body":"url=https%3A%2F%2Fapi.acme.io%2Fstripe&enabled_events[]=invoice.paid"}
%%% json | service account key json
{
  "type": "service_account",
  "project_id": "acme-prod",
  "private_key_id": "«N:kid»",
  "private_key": "«S:gcp_sa_pem|j»",
  "client_email": "ci-deployer@acme-prod.iam.gserviceaccount.com",
  "client_id": "«N:int»«N:int»«N:int»",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token"
}
%%% json | mcp settings json with env
{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "«S:ghpat»"}
    },
    "postgres": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://app:«S:pw|url»@localhost:5432/app"]
    }
  }
}
%%% json | vscode settings with token
{
  "editor.formatOnSave": true,
  "sqltools.connections": [
    {"name": "prod-ro", "driver": "PostgreSQL", "server": "«N:host»", "port": 5432, "username": "readonly", "password": "«S:hpw|j»", "database": "orders"}
  ]
}
%%% json | package json script with token
{
  "name": "@acme/web",
  "scripts": {
    "deploy": "vercel deploy --prod --token «S:token»",
    "build": "next build"
  }
}
%%% json | appsettings json connection strings
{
  "Logging": {"LogLevel": {"Default": "Information"}},
  "ConnectionStrings": {
    "Default": "Server=«N:host»;Database=billing;User Id=billing;Password=«S:hpw|j»;TrustServerCertificate=True"
  },
  "Stripe": {"SecretKey": "«S:stripe_sk»"}
}
%%% json | local.settings.json azure functions
{
  "IsEncrypted": false,
  "Values": {
    "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=acmefn;AccountKey=«S:azure_key»;EndpointSuffix=core.windows.net",
    "FUNCTIONS_WORKER_RUNTIME": "python",
    "AzureAd__ClientSecret": "«S:azure_client_secret»"
  }
}
%%% json | docker config json auths
{
  "auths": {
    "ghcr.io": {"auth": "«S:basic»"},
    "registry.gitlab.com": {"auth": "«S:basic»"}
  },
  "credsStore": ""
}
%%% json | claude assistant text content with key
{"type":"text","text":"I've set `STRIPE_SECRET_KEY` to `«S:stripe_sk»` in `.env.local` and restarted the dev server. The checkout test now passes."}
%%% json | codex agent_message with password
{"type":"item.completed","item":{"id":"item_«N:int»","type":"agent_message","text":"Created the `grafana` admin user with password «S:hpw|j» and stored it in the deploy notes."}}
%%% json | openai responses message output_text with token
{"type":"message","role":"assistant","content":[{"type":"output_text","text":"The bot token is «S:telegram»; I put it into bot/config.ini and the bot answers /start now."}]}
%%% json | firebase admin config json
{
  "projectId": "acme-prod",
  "clientEmail": "firebase-adminsdk@acme-prod.iam.gserviceaccount.com",
  "privateKey": "«S:rsa_pem|j»"
}
%%% json | jwk private key set
{"keys":[{"kty":"EC","crv":"P-256","kid":"«N:kid»","x":"«N:jwk_d»","y":"«N:jwk_d»","d":"«S:jwk_d»","use":"sig","alg":"ES256"}]}
%%% json | terraform cloud credentials
{"credentials":{"app.terraform.io":{"token":"«S:tfc»"}}}
%%% json | composer auth json
{
  "github-oauth": {"github.com": "«S:gho»"},
  "http-basic": {"repo.packagist.com": {"username": "token", "password": "«S:hex32»"}}
}
%%% json | claude settings with env api key
{
  "env": {"ANTHROPIC_API_KEY": "«S:anthropic»", "DISABLE_TELEMETRY": "1"},
  "permissions": {"allow": ["Bash(npm run test:*)"], "deny": ["Read(./.env)"]}
}
%%% json | webhook subscription body
{"event":"deploy.finished","target_url":"«S:slack_hook»","active":true,"created_at":"«N:ts»"}
%%% json | wallet keystore-like with plain private key
{"address":"«N:eth_addr»","privateKey":"«S:eth_priv»","mnemonic":{"phrase":"«S:seed»","path":"m/44'/60'/0'/0/0"}}
%%% json | graphql variables with token
{"query":"mutation($input: IntegrationInput!) { createIntegration(input: $input) { id } }","variables":{"input":{"kind":"DATADOG","apiKey":"«S:datadog_api»","appKey":"«S:datadog_app»"}}}
%%% json | login request body
{"username":"admin@acme.io","password":"«S:hpw|j»","remember_me":true}
%%% json | codex function_call shell writing private key
{"type":"function_call","name":"shell","arguments":"{\"command\":[\"bash\",\"-lc\",\"printf '%s\\\\n' '«S:openssh|jj»' > ~/.ssh/id_ci && chmod 600 ~/.ssh/id_ci\"]}","call_id":"«N:call_id»"}
%%% json | claude Write k8s secret content
{"type":"tool_use","id":"«N:toolu»","name":"Write","input":{"file_path":"/home/dev/infra/k8s/secret.yaml","content":"apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  SENTRY_AUTH_TOKEN: «S:sentry_token»\n  DO_TOKEN: «S:do»\n"}}
%%% json | mcp tools/call redis set session
{"jsonrpc":"2.0","id":«N:int»,"method":"tools/call","params":{"name":"redis_set","arguments":{"key":"session:«N:uuid»","value":"{\"user_id\":«N:int»,\"access_token\":\"«S:gho»\"}"}}}
%%% json | oauth token response saved by agent
{"access_token":"«S:jwt»","token_type":"Bearer","expires_in":3600,"refresh_token":"«S:token»","scope":"openid email"}
%%% json | postman-like environment export
{"name":"prod","values":[{"key":"baseUrl","value":"https://api.acme.io","enabled":true},{"key":"apiKey","value":"«S:api_key»","type":"secret","enabled":true}]}
%%% json | codex exec file_change and command with cookie
{"type":"item.started","item":{"id":"item_«N:int»","type":"command_execution","command":"bash -lc 'curl -s https://admin.acme.io/api/users -H \"Cookie: _acme_session=«S:rails_cookie»\"'","aggregated_output":"","status":"in_progress"}}
%%% json | openai chat tool_call arguments with password
{"role":"assistant","tool_calls":[{"id":"«N:call_id»","type":"function","function":{"name":"create_db_user","arguments":"{\"username\":\"etl\",\"password\":\"«S:rpw|j»\"}"}}]}
%%% json | negative: claude Write .env.example
{"type":"tool_use","id":"«N:toolu»","name":"Write","input":{"file_path":"/home/dev/app/.env.example","content":"DATABASE_URL=postgres://user:password@localhost:5432/app\nSTRIPE_SECRET_KEY=sk_test_...\nOPENAI_API_KEY=<your-key>\n"}}
%%% json | negative: claude Edit swapping to env reference
{"type":"tool_use","id":"«N:toolu»","name":"Edit","input":{"file_path":"/home/dev/app/src/config.ts","old_string":"apiKey: \"\",","new_string":"apiKey: process.env.OPENAI_API_KEY ?? \"\","}}
%%% json | negative: claude Bash with env var
{"type":"tool_use","id":"«N:toolu»","name":"Bash","input":{"command":"curl -s -H \"Authorization: Bearer $GITHUB_TOKEN\" https://api.github.com/repos/acme/«N:service»/pulls?state=open | jq length","description":"Count open PRs"}}
%%% json | negative: codex shell git log with shas
{"type":"function_call","name":"shell","arguments":"{\"command\":[\"bash\",\"-lc\",\"git show --stat «N:sha1»\"],\"workdir\":\"/home/dev/app\"}","call_id":"«N:call_id»"}
%%% json | negative: codex apply_patch lockfile integrity
{"type":"function_call","name":"apply_patch","arguments":"{\"input\":\"*** Begin Patch\\n*** Update File: package-lock.json\\n@@\\n-      \\\"integrity\\\": \\\"«N:integrity»\\\",\\n+      \\\"integrity\\\": \\\"«N:integrity»\\\",\\n*** End Patch\"}","call_id":"«N:call_id»"}
%%% json | negative: TodoWrite naming secrets
{"type":"tool_use","id":"«N:toolu»","name":"TodoWrite","input":{"todos":[{"content":"Move STRIPE_SECRET_KEY to secrets manager","status":"pending","activeForm":"Moving key"},{"content":"Rotate GITHUB_TOKEN used by release job","status":"pending","activeForm":"Rotating token"}]}}
%%% json | negative: mcp tools/call query with ids
{"jsonrpc":"2.0","id":«N:int»,"method":"tools/call","params":{"name":"query","arguments":{"sql":"SELECT id, status FROM payments WHERE id = '«N:uuid»' AND request_id = '«N:req_id»'"}}}
%%% json | negative: mcp secrets get by name
{"jsonrpc":"2.0","id":«N:int»,"method":"tools/call","params":{"name":"get_secret","arguments":{"project":"«N:service»","environment":"prd","name":"STRIPE_SECRET_KEY"}}}
%%% json | negative: mcp http with env placeholder header
{"jsonrpc":"2.0","id":«N:int»,"method":"tools/call","params":{"name":"http_request","arguments":{"method":"GET","url":"https://api.acme.io/health","headers":{"Authorization":"Bearer ${ACME_TOKEN}","X-Request-Id":"«N:req_id»"}}}}
%%% json | negative: package lock fragment
{
  "node_modules/axios": {
    "version": "«N:version»",
    "resolved": "https://registry.npmjs.org/axios/-/axios-«N:version».tgz",
    "integrity": "«N:integrity»",
    "license": "MIT"
  }
}
%%% json | negative: mcp settings with env references
{
  "mcpServers": {
    "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"], "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN}"}},
    "sentry": {"type": "http", "url": "https://mcp.sentry.dev/mcp"}
  }
}
%%% json | negative: firebase web config public
{"apiKey":"«N:placeholder»","authDomain":"acme-prod.firebaseapp.com","projectId":"acme-prod","storageBucket":"acme-prod.appspot.com","messagingSenderId":"«N:int»","appId":"1:«N:int»:web:«N:hex_id»"}
%%% json | negative: jwks public
{"keys":[{"kty":"RSA","kid":"«N:kid»","use":"sig","alg":"RS256","n":"«N:jwk_d»«N:jwk_d»«N:jwk_d»","e":"AQAB"}]}
%%% json | negative: assistant text naming variables
{"type":"text","text":"I replaced the hard-coded key with `process.env.SENDGRID_API_KEY` and added `SENDGRID_API_KEY=` to `.env.example`. Set the real value in Vercel before deploying."}
%%% json | negative: codex agent message with commit sha
{"type":"item.completed","item":{"id":"item_«N:int»","type":"agent_message","text":"Committed as «N:short_sha» on branch fix/token-refresh; CI run «N:int» is green."}}
%%% json | negative: test fixture json with fake credentials
{"users":[{"email":"test@example.com","password":"password123","role":"admin"},{"email":"viewer@example.com","password":"test","role":"viewer"}]}
%%% json | negative: docker config with creds store
{"auths":{"ghcr.io":{},"«N:aws_account».dkr.ecr.eu-west-1.amazonaws.com":{}},"credsStore":"desktop","credHelpers":{"public.ecr.aws":"ecr-login"}}
%%% json | negative: vscode settings with no password
{"sqltools.connections":[{"name":"local","driver":"PostgreSQL","server":"localhost","port":5432,"username":"postgres","askForPassword":true,"database":"app"}]}
%%% json | negative: codex exec file_change paths
{"type":"item.completed","item":{"id":"item_«N:int»","type":"file_change","changes":[{"path":"/home/dev/app/.env.example","kind":"add"},{"path":"/home/dev/app/src/secrets.ts","kind":"update"}],"status":"completed"}}
%%% json | negative: codex update_plan about secrets
{"type":"function_call","name":"update_plan","arguments":"{\"plan\":[{\"step\":\"Find where SLACK_BOT_TOKEN is read\",\"status\":\"completed\"},{\"step\":\"Load it from AWS Secrets Manager (prod/slack)\",\"status\":\"in_progress\"}]}","call_id":"«N:call_id»"}
%%% json | negative: sealed secret json
{"apiVersion":"bitnami.com/v1alpha1","kind":"SealedSecret","metadata":{"name":"api","namespace":"prod"},"spec":{"encryptedData":{"token":"«N:sealed»"}}}
%%% json | negative: kms encrypt output
{"CiphertextBlob":"«N:kms_cipher»","KeyId":"arn:aws:kms:eu-west-1:«N:aws_account»:key/«N:uuid»","EncryptionAlgorithm":"SYMMETRIC_DEFAULT"}
%%% json | negative: stripe publishable config
{"stripe":{"publishableKey":"«N:stripe_pk»","testPublishableKey":"«N:stripe_pk_test»","secretKeyEnv":"STRIPE_SECRET_KEY"}}
%%% json | negative: login body with masked password
{"username":"admin@acme.io","password":"********","remember_me":true}
%%% json | negative: swe-agent action reading env
{"action":"str_replace_editor str_replace /repo/settings.py --old_str 'EMAIL_HOST_PASSWORD = \"\"' --new_str 'EMAIL_HOST_PASSWORD = os.environ.get(\"EMAIL_HOST_PASSWORD\", \"\")'","thought":"Read the SMTP password from the environment.","execution_time":0.3}
%%% json | negative: oauth client metadata
{"client_id":"«N:google_client_id»","redirect_uris":["https://app.acme.io/callback"],"token_endpoint_auth_method":"client_secret_post","grant_types":["authorization_code","refresh_token"]}
%%% json | negative: aws caller identity
{"UserId":"AIDA«N:alnum12»","Account":"«N:aws_account»","Arn":"arn:aws:iam::«N:aws_account»:user/ci-deployer"}
%%% json | negative: github release asset with digest
{"name":"acme-«N:version»-linux-amd64.tar.gz","digest":"sha256:«N:sha256»","size":«N:int»,"browser_download_url":"https://github.com/acme/acme/releases/download/v«N:version»/acme-«N:version»-linux-amd64.tar.gz"}
%%% json | negative: wallet public info
{"address":"«N:eth_addr»","lastTx":"«N:tx_hash»","balanceWei":"«N:int»000000000000"}
%%% json | negative: claude Write test with placeholder token
{"type":"tool_use","id":"«N:toolu»","name":"Write","input":{"file_path":"/home/dev/app/tests/test_client.py","content":"def test_auth_header():\n    c = Client(token=\"test-token\")\n    assert c.headers[\"Authorization\"] == \"Bearer test-token\"\n"}}
%%% json | negative: mcp http request with base64 plain body
{"jsonrpc":"2.0","id":«N:int»,"method":"tools/call","params":{"name":"http_request","arguments":{"method":"POST","url":"https://api.acme.io/v1/context","body":"«N:b64plain»"}}}
%%% json | negative: ssh public key upload body
{"title":"ci-runner-«N:int»","key":"«N:ssh_pub»","read_only":true}
""")

# More of the agent's own edits and replies, mostly hard negatives.
_BLOCKS.append(r"""
%%% plain | assistant reply with mongo connection string
Connected fine. For the record, the Atlas string I used is `mongodb+srv://etl:«S:pw|url»@cluster0.«N:alnum12».mongodb.net/analytics`; I put it in `.env` as `MONGO_URL`.
%%% plain | heredoc in reply showing written file
I wrote `~/.config/gh/hosts.yml`:

    github.com:
        oauth_token: «S:gho»
        user: «N:user»
        git_protocol: https
%%% plain | diff adding npmrc token
--- /dev/null
+++ b/.npmrc
@@ -0,0 +1,2 @@
+@acme:registry=https://npm.pkg.github.com
+//npm.pkg.github.com/:_authToken=«S:ghp»
%%% plain | patch moving key to env leaves removed key
*** Begin Patch
*** Update File: src/maps.js
@@
-const MAPS_KEY = '«S:gcp_key»';
+const MAPS_KEY = import.meta.env.VITE_MAPS_KEY;
*** End Patch
%%% plain | commit message quoting the removed token
security: drop hard-coded Datadog key

The key «S:datadog_api» was committed in «N:short_sha»; it is now read from DD_API_KEY.
It must be revoked in Datadog (Organization Settings > API Keys).
%%% yaml | gh hosts yml written by agent
github.com:
    user: «N:user»
    oauth_token: «S:gho»
    git_protocol: https
%%% yaml | kube config with token user
apiVersion: v1
kind: Config
clusters:
  - name: prod
    cluster:
      server: https://«N:alnum12».gr7.eu-west-1.eks.amazonaws.com
users:
  - name: ci
    user:
      token: «S:jwt»
contexts:
  - name: prod
    context: {cluster: prod, user: ci}
current-context: prod
%%% yaml | docker compose minio root password
services:
  minio:
    image: minio/minio:latest
    command: server /data --console-address ":9001"
    environment:
      MINIO_ROOT_USER: minioadmin-«N:word»
      MINIO_ROOT_PASSWORD: «S:rpw»
%%% json | claude Write .npmrc through json
{"type":"tool_use","id":"«N:toolu»","name":"Write","input":{"file_path":"/home/dev/app/.npmrc","content":"//registry.npmjs.org/:_authToken=«S:npm»\nalways-auth=true\n"}}
%%% json | mcp tools/call write env with password
{"jsonrpc":"2.0","id":«N:int»,"method":"tools/call","params":{"name":"edit_file","arguments":{"path":"/srv/app/.env","edits":[{"oldText":"SMTP_PASSWORD=","newText":"SMTP_PASSWORD=«S:hpw|j»"}]}}}
%%% plain | negative: patch adding gitignore entries for secrets
*** Begin Patch
*** Update File: .gitignore
@@
 node_modules/
+.env
+.env.*.local
+*.pem
+secrets/
*** End Patch
%%% plain | negative: aider block adding settings reader
src/settings.py
```python
<<<<<<< SEARCH
API_KEY = None
=======
API_KEY = os.environ.get("ACME_API_KEY")
>>>>>>> REPLACE
```
%%% plain | negative: reply quoting secret scanner finding ids
Gitleaks flagged 3 findings, all false positives: a test vector in `tests/crypto_test.go` (rule `generic-api-key`, fingerprint «N:sha1»:tests/crypto_test.go:generic-api-key:42), a UUID in a fixture, and the Stripe publishable key.
%%% plain | negative: diff of secret names in docs
@@ -10,6 +10,7 @@ Environment variables:
 | `DATABASE_URL` | Postgres connection string | yes |
 | `STRIPE_SECRET_KEY` | Stripe API secret key | yes |
+| `STRIPE_WEBHOOK_SECRET` | signing secret of the webhook endpoint | yes |
 | `SENTRY_DSN` | error reporting | no |
%%% plain | negative: git rebase todo with shas
pick «N:short_sha» Add token refresh
fixup «N:short_sha» fix typo in TOKEN_TTL
pick «N:short_sha» Move API key to env
%%% plain | negative: plan with vault and 1password references
1. `op read "op://Engineering/Stripe prod/secret key"` into the deploy shell only
2. `vault kv put secret/billing stripe_key=@/dev/stdin`
3. Confirm `secret/billing` has version 4 and delete the local file
%%% plain | negative: reply with uuid idempotency and hashes
I retried the payout with a new idempotency key («N:uuid»). The webhook payload hash is «N:sha256»; both signatures verified, so no secret changed.
%%% plain | negative: swe-agent create test with dummy key
str_replace_editor create /repo/tests/test_config.py --file_text 'def test_reads_key(monkeypatch):
    monkeypatch.setenv("ACME_API_KEY", "dummy-key-for-tests")
    assert load().api_key == "dummy-key-for-tests"
'
%%% shell | negative: heredoc writing config with env substitution
cat > config/prod.toml <<EOF
[database]
url = "${DATABASE_URL}"
[stripe]
secret_key_env = "STRIPE_SECRET_KEY"
EOF
%%% shell | negative: echo placeholder lines to env example
echo 'OPENAI_API_KEY=sk-...' >> .env.example && echo 'ANTHROPIC_API_KEY=' >> .env.example
%%% shell | negative: gh api with shas
gh api repos/acme/«N:service»/commits/«N:sha1»/status --jq '.state'
%%% shell | negative: git commit about rotating with key id
git commit -m "chore: rotate Stripe restricted key (old key id rk_…«N:alnum12» revoked)" -- .github/workflows/billing.yml
%%% yaml | negative: env example yaml
# copy to config/local.yaml and fill in
database:
  password: "<db-password>"
stripe:
  secret_key: "sk_live_xxx"
openai:
  api_key: ""
%%% yaml | negative: k8s secret with only names via envFrom
envFrom:
  - secretRef:
      name: «N:service»-env
  - configMapRef:
      name: «N:service»-config
%%% yaml | negative: github workflow oidc no keys
permissions:
  id-token: write
  contents: read
steps:
  - uses: aws-actions/configure-aws-credentials@v4
    with:
      role-to-assume: arn:aws:iam::«N:aws_account»:role/gha-deployer
      aws-region: eu-west-1
%%% source | negative: python loading pem from file path
with open(os.environ["SIGNING_KEY_PATH"], "rb") as fh:
    key = serialization.load_pem_private_key(fh.read(), password=None)
%%% source | negative: ts zod schema for secrets
const Env = z.object({
  STRIPE_SECRET_KEY: z.string().startsWith("sk_"),
  OPENAI_API_KEY: z.string().min(20),
  DATABASE_URL: z.string().url(),
});
%%% json | negative: claude MultiEdit to env references
{"type":"tool_use","id":"«N:toolu»","name":"MultiEdit","input":{"file_path":"/home/dev/app/config/prod.yaml","edits":[{"old_string":"password: \"\"","new_string":"password: ${DB_PASSWORD}"},{"old_string":"token: \"\"","new_string":"token: ${GH_TOKEN}"}]}}
%%% json | negative: claude WebFetch docs url
{"type":"tool_use","id":"«N:toolu»","name":"WebFetch","input":{"url":"https://docs.stripe.com/keys#obtain-api-keys","prompt":"How do restricted keys differ from secret keys?"}}
%%% json | negative: codex shell sha256sum
{"type":"function_call","name":"shell","arguments":"{\"command\":[\"bash\",\"-lc\",\"sha256sum dist/*.whl\"],\"workdir\":\"/home/dev/app\"}","call_id":"«N:call_id»"}
%%% url | negative: magic link already used placeholder
https://app.acme.io/auth/magic?email=«N:user»%40acme.io&token=<token-from-email>
%%% url | negative: webfetch of a json schema
https://json.schemastore.org/github-workflow.json
""")


def templates() -> list[tuple[str, str, str]]:
    """Every template as (context, kind, text)."""
    out: list[tuple[str, str, str]] = []
    for block in _BLOCKS:
        for chunk in block.split("\n%%% ")[1:]:
            head, _, body = chunk.partition("\n")
            context, _, kind = head.partition(" | ")
            out.append((context.strip(), kind.strip(), body.rstrip("\n")))
    return out


def _split(template: str) -> str:
    return "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"


def corpus(seed: int, copies: int = 6) -> list[Document]:
    """Each template ``copies`` times in its own context and ``copies`` times inside an agent-log line."""
    docs: list[Document] = []
    for index, (context, kind, template) in enumerate(templates()):
        rng = random.Random(seed * 1_000_003 + index)
        split = _split(template)
        for _ in range(copies):
            text, secrets = _render(template, rng)
            for secret in secrets:
                assert secret in text, (kind, secret)
            docs.append(Document(text, secrets, context, kind, split, template))
        for copy in range(copies):
            text, secrets = _render(template, rng)
            line, depth, quoted = _envelope(text, context, rng, (index + copy) % 5)
            forms = [_form(secret, depth, quoted) for secret in secrets]
            for form in forms:
                assert form in line, (kind, form)
            docs.append(Document(line, forms, "json", kind, split, template))
    return docs


def main() -> None:
    all_templates = templates()
    texts = Counter(text for _, _, text in all_templates)
    duplicates = [text[:60] for text, n in texts.items() if n > 1]
    assert not duplicates, duplicates
    per_context: dict[str, list[int]] = {c: [0, 0] for c in CONTEXTS}
    for context, kind, text in all_templates:
        assert context in CONTEXTS, (context, kind)
        positive = "«S:" in text
        assert positive != kind.startswith("negative:"), kind
        per_context[context][0 if positive else 1] += 1
    for context, (pos, neg) in per_context.items():
        print(f"{context:8} {pos:4d} with secrets {neg:4d} without")
    pos = sum(p for p, _ in per_context.values())
    neg = sum(n for _, n in per_context.values())
    print(f"templates: {pos} with secrets, {neg} without")
    docs = corpus(101)
    planted = sum(len(d.secrets) for d in docs)
    negatives = sum(not d.secrets for d in docs)
    print(f"documents: {len(docs)} ({negatives} negatives), planted secrets: {planted}")
    splits = Counter(_split(t) for _, _, t in all_templates)
    print(f"splits: {dict(splits)}")


if __name__ == "__main__":
    main()
