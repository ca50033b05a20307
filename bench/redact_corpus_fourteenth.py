"""A fourteenth labelled redaction corpus: token formats without a name, and their look-alikes.

Written apart from the redactor's rules (issue 15). Credentials here mostly reach the text with no
secret-sounding name next to them: alone on a line, in a table cell or CSV column, as a positional
command-line argument, in a list or array, in a log or error message, in a URL path or fragment, in a
commit message or chat line, in a generic field (``value``, ``data``, ``v``, ``arg``). The negatives
are the public or harmless twins of the same formats in the same positions: publishable keys, client
and app ids, key ids, account SIDs, public keys, wallet addresses, transaction hashes, commit SHAs,
UUIDs, digests, integrity hashes, object and request ids that share a prefix, masked and truncated
tokens, documented placeholders, encrypted-at-rest values.

Template syntax. A template is text with placeholders:

- ``{S:gen}`` a secret drawn from generator ``gen`` (it must not survive redaction);
- ``{N:gen}`` a value that is not a secret (ids, hashes, public keys, noise such as timestamps);
- ``@tag`` after the name (``{S:password@a}``) reuses one value wherever the same tag appears in a
  document; ``|filter`` at the end applies ``url`` (percent-encoding), ``b64`` (base64), ``json``
  (escaped for a JSON string), ``upper``, or ``indent4`` / ``indent6`` (continuation lines indented
  for a YAML block) to the value, and the secret is recorded in that form.

Generators live in ``SECRET`` and ``PUBLIC``; every value is random at run time, made of parts, so
this file holds no secret-shaped literal (provider prefixes and PEM armour are joined at run time).
Templates are written in blocks: a line ``@@ context | kind`` opens a template, the lines up to the
next ``@@`` are its text.

Each template is instantiated in its own context and, as many times again, JSON-escaped inside an
agent-log line (Claude Code stream-json and transcript, Codex rollout (doubly escaped) and
``codex exec --json``, MCP ``tools/call`` result), counted as context ``json``.

Run ``uv run python bench/redact_corpus_fourteenth.py`` for the counts; measure with
``uv run python bench/redact_quality.py --corpus fourteenth --kinds 40``.
"""

# ruff: noqa: E501 - templates read better on one line
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

CONTEXTS = ("plain", "shell", "yaml", "source", "url", "json")

UP = string.ascii_uppercase
LOW = string.ascii_lowercase
DIG = string.digits
LET = string.ascii_letters
B62 = LET + DIG
B64 = B62 + "+/"
B64U = B62 + "-_"
HEX = "0123456789abcdef"
HEXU = HEX.upper()
B32L = LOW + "234567"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
CROCK = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LOWDIG = LOW + DIG
UPDIG = UP + DIG


def dash(*parts: str) -> str:
    """Join parts at run time, so no provider prefix or armour line sits whole in this file."""
    return "".join(parts)


class Gen:
    """Random parts for one document."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def r(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def d(self, n: int) -> str:
        return str(self.rng.randint(1, 9)) + self.r(DIG, n - 1)

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)

    def uuid(self) -> str:
        h = self.r(HEX, 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{self.pick('8', '9', 'a', 'b')}{h[17:20]}-{h[20:]}"

    def b64(self, nbytes: int, alphabet: str = "std") -> str:
        raw = bytes(self.rng.getrandbits(8) for _ in range(nbytes))
        if alphabet == "url":
            return base64.urlsafe_b64encode(raw).decode().rstrip("=")
        return base64.b64encode(raw).decode()

    def pem(self, label: str, nbytes: int) -> str:
        body = self.b64(nbytes)
        lines = [body[i : i + 64] for i in range(0, len(body), 64)]
        armour = "-----"
        return "\n".join([f"{armour}BEGIN {label}{armour}", *lines, f"{armour}END {label}{armour}"])

    def jwt(self, claims: dict, alg: str = "HS256") -> str:
        def part(obj: dict) -> str:
            return (
                base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")
            )

        sig = self.b64(64 if alg in ("RS256", "ES512") else 32, "url")
        return f"{part({'alg': alg, 'typ': 'JWT'})}.{part(claims)}.{sig}"

    def now(self) -> int:
        return self.rng.randint(1_735_000_000, 1_790_000_000)


WORDS = [
    "summer",
    "winter",
    "autumn",
    "tiger",
    "dragon",
    "falcon",
    "maple",
    "river",
    "ocean",
    "sunset",
    "purple",
    "orange",
    "banana",
    "monkey",
    "soccer",
    "hockey",
    "pepper",
    "ginger",
    "shadow",
    "silver",
    "golden",
    "cookie",
    "butter",
    "coffee",
    "mango",
    "rocket",
    "pirate",
    "wizard",
    "ninja",
    "panda",
    "koala",
    "lemon",
    "cherry",
    "thunder",
    "storm",
    "blizzard",
    "harbor",
    "meadow",
    "canyon",
    "violet",
    "crystal",
    "phoenix",
    "matrix",
    "galaxy",
    "cosmos",
    "biscuit",
    "pickle",
    "waffle",
    "muffin",
    "penguin",
    "dolphin",
    "otter",
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
    "bacon",
    "badge",
    "bag",
    "balance",
    "balcony",
    "ball",
    "bamboo",
    "banana",
    "banner",
    "bar",
    "barely",
    "bargain",
    "barrel",
    "base",
    "basic",
    "basket",
    "battle",
    "beach",
    "bean",
    "beauty",
    "because",
    "become",
    "beef",
    "before",
    "begin",
    "behave",
    "behind",
    "believe",
    "below",
    "cabbage",
    "cabin",
    "cable",
    "cactus",
    "cage",
    "cake",
    "call",
    "calm",
    "camera",
    "camp",
    "canal",
    "cancel",
    "candy",
    "cannon",
    "canoe",
    "canvas",
    "canyon",
    "capable",
    "capital",
    "captain",
    "car",
    "carbon",
    "card",
    "cargo",
    "carpet",
    "carry",
    "cart",
    "case",
    "cash",
    "casino",
    "dad",
    "damage",
    "damp",
    "dance",
    "danger",
    "daring",
    "dash",
    "daughter",
    "dawn",
    "day",
    "deal",
    "debate",
    "debris",
    "decade",
    "december",
    "eager",
    "eagle",
    "early",
    "earn",
    "earth",
    "easily",
    "east",
    "easy",
    "echo",
    "ecology",
    "economy",
    "edge",
    "edit",
    "educate",
    "effort",
    "fabric",
    "face",
    "faculty",
    "fade",
    "faint",
    "faith",
    "fall",
    "false",
    "fame",
    "family",
    "famous",
    "fan",
    "fancy",
    "fantasy",
    "farm",
    "gadget",
    "gain",
    "galaxy",
    "gallery",
    "game",
    "gap",
    "garage",
    "garbage",
    "garden",
    "garlic",
    "garment",
    "gas",
    "gasp",
    "gate",
    "gather",
]
USERS = [
    "deploy",
    "ci",
    "admin",
    "svc-backup",
    "jenkins",
    "app_rw",
    "root",
    "postgres",
    "grafana",
    "mlops",
    "release",
    "bot",
    "ops",
]
HOSTS = [
    "api.internal",
    "build-07",
    "db-prod-2",
    "staging.acme.io",
    "ci-runner-3",
    "edge-eu1",
    "mq01",
    "vault.corp",
]


def human_password(g: Gen) -> str:
    w = [g.rng.choice(WORDS) for _ in range(4)]
    year = str(g.rng.randint(1985, 2026))
    sym = g.pick("!", "@", "#", "$", "%", "&", "*", "?", ".")
    return g.pick(
        w[0].capitalize() + year + sym,
        w[0].capitalize() + sym + w[1].capitalize() + g.r(DIG, 2),
        "-".join(w),
        w[0].capitalize() + w[1] + g.r(DIG, 3) + sym + sym,
        w[0].replace("o", "0").replace("a", "@").capitalize() + g.r(DIG, 4),
        w[0].capitalize() + "_" + w[1].capitalize() + "_" + year,
    )


def random_password(g: Gen) -> str:
    return g.r(LET, 1) + g.r(B62 + "!#%*+-.=?@^_~", g.rng.randint(15, 27))


def seed_phrase(g: Gen) -> str:
    return " ".join(g.rng.choice(BIP39) for _ in range(g.rng.choice((12, 24))))


def gcp_sa_json(g: Gen) -> str:
    project = g.rng.choice(WORDS) + "-" + g.d(6)
    doc = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": g.r(HEX, 40),
        "private_key": g.pem(dash("PRIVATE", " KEY"), 1190) + "\n",
        "client_email": f"{g.rng.choice(USERS)}@{project}.iam.gserviceaccount.com",
        "client_id": g.d(21),
    }
    return json.dumps(doc, indent=2)


def discord_bot(g: Gen) -> str:
    ident = base64.b64encode(g.d(19).encode()).decode().rstrip("=")
    return f"{ident}.{g.r(B64U, 6)}.{g.r(B64U, 38)}"


def slack_hook_token(g: Gen) -> str:
    return g.r(B62, 24)


def supabase_jwt(g: Gen, role: str) -> str:
    iat = g.now()
    return g.jwt({"iss": "supabase", "ref": g.r(LOW, 20), "role": role, "iat": iat, "exp": iat + 315_360_000})


def user_jwt(g: Gen) -> str:
    iat = g.now()
    return g.jwt(
        {
            "sub": g.uuid(),
            "email": f"{g.rng.choice(USERS)}@acme.io",
            "scope": "read write",
            "iat": iat,
            "exp": iat + 3600,
        },
        g.pick("HS256", "RS256"),
    )


SECRET: dict[str, Callable[[Gen], str]] = {
    # source hosts
    "ghp": lambda g: dash("gh", "p_") + g.r(B62, 36),
    "gho": lambda g: dash("gh", "o_") + g.r(B62, 36),
    "ghu": lambda g: dash("gh", "u_") + g.r(B62, 36),
    "ghs": lambda g: dash("gh", "s_") + g.r(B62, 36),
    "ghr": lambda g: dash("gh", "r_") + g.r(B62, 76),
    "github_pat": lambda g: dash("github", "_pat_") + "11" + g.r(UPDIG, 20) + "_" + g.r(B62, 59),
    "glpat": lambda g: dash("gl", "pat-") + g.r(B64U, 20),
    "gldt": lambda g: dash("gl", "dt-") + g.r(B64U, 20),
    "glrt": lambda g: dash("gl", "rt-") + g.r(B64U, 20),
    "glrunreg": lambda g: dash("GR13", "48941") + g.r(B64U, 20),
    "glcbt": lambda g: dash("gl", "cbt-") + g.pick("64", "1", "2") + "_" + g.r(B64U, 20),
    "glft": lambda g: dash("gl", "ft-") + g.r(B64U, 20),
    "glimt": lambda g: dash("gl", "imt-") + g.r(B64U, 25),
    "glsoat": lambda g: dash("gl", "soat-") + g.r(B64U, 20),
    "glagent": lambda g: dash("gl", "agent-") + g.r(B64U, 50),
    "gloas": lambda g: dash("gl", "oas-") + g.r(HEX, 64),
    "bb_app": lambda g: dash("AT", "BB") + g.r(B62, 24) + g.r(HEXU, 8),
    "atlassian": lambda g: dash("ATATT", "3xFfGF0") + g.r(B64U, 170) + "=" + g.r(HEXU, 8),
    "bb_repo": lambda g: dash("ATCTT", "3xFfGN0") + g.r(B64U, 170) + "=" + g.r(HEXU, 8),
    "ado_pat": lambda g: g.r(B32L, 52),
    "ado_pat84": lambda g: g.r(B62, 76) + dash("AZ", "DO") + g.r(B62, 4),
    "gitea": lambda g: g.r(HEX, 40),
    # clouds
    "aws_secret": lambda g: g.r(B62 + "/+", 40),
    "aws_session": lambda g: (
        dash("IQoJb3JpZ2lu", "X2VjE") + g.r(B64, 3) + "aCXVzLWVhc3QtMSJ" + g.r(B64, 330) + "="
    ),
    "gcp_sa_b64": lambda g: base64.b64encode(gcp_sa_json(g).encode()).decode(),
    "ya29": lambda g: dash("ya", "29.") + "a0A" + g.r(B64U, 170),
    "g_refresh": lambda g: dash("1//", "0") + g.r(B64U, 100),
    "aiza": lambda g: dash("AI", "za", "Sy") + g.r(B64U, 33),
    "azure_storage": lambda g: g.b64(64),
    "sas_sig": lambda g: urllib.parse.quote(g.b64(32), safe=""),
    "azure_cs": lambda g: g.r(B62, 3) + g.r(DIG, 1) + "Q~" + g.r(B62 + "_.~-", 34),
    "do_pat": lambda g: dash("do", "p_v1_") + g.r(HEX, 64),
    "do_oauth": lambda g: dash("do", "o_v1_") + g.r(HEX, 64),
    "linode": lambda g: g.r(HEX, 64),
    "vultr": lambda g: g.r(UPDIG, 36),
    "hetzner": lambda g: g.r(B62, 64),
    "scw_secret": lambda g: g.uuid(),
    "oci_auth": lambda g: (
        g.r(B62, 6) + g.r("()<>;:+.-_[]", 2) + g.r(B62, 8) + g.r("()<>;:+.-_", 1) + g.r(B62, 3)
    ),
    "ibm": lambda g: g.r(B64U, 44),
    "ali_secret": lambda g: g.r(B62, 30),
    "tencent_secret": lambda g: g.r(B62, 32),
    "cloudflare": lambda g: g.r(B64U, 40),
    "cf_origin": lambda g: dash("v1", ".0-") + g.r(HEX, 24) + "-" + g.r(HEX, 146),
    # AI providers
    "openai_proj": lambda g: dash("sk-", "proj-") + g.r(B64U, 74) + dash("T3Blbk", "FJ") + g.r(B64U, 74),
    "openai_svc": lambda g: dash("sk-", "svcacct-") + g.r(B64U, 74) + dash("T3Blbk", "FJ") + g.r(B64U, 74),
    "openai_admin": lambda g: dash("sk-", "admin-") + g.r(B64U, 74) + dash("T3Blbk", "FJ") + g.r(B64U, 74),
    "openai_legacy": lambda g: "sk-" + g.r(B62, 20) + dash("T3Blbk", "FJ") + g.r(B62, 20),
    "anthropic": lambda g: dash("sk-", "ant-", "api03-") + g.r(B64U, 93) + "AA",
    "anthropic_admin": lambda g: dash("sk-", "ant-", "admin01-") + g.r(B64U, 93) + "AA",
    "anthropic_oat": lambda g: dash("sk-", "ant-", "oat01-") + g.r(B64U, 93) + "AA",
    "mistral": lambda g: g.r(B62, 32),
    "cohere": lambda g: g.r(B62, 40),
    "groq": lambda g: dash("gs", "k_") + g.r(B62, 52),
    "together": lambda g: dash("tgp", "_v1_") + g.r(B64U, 43),
    "fireworks": lambda g: dash("fw", "_") + g.r(B62, 24),
    "pplx": lambda g: dash("pp", "lx-") + g.r(B62, 48),
    "xai": lambda g: dash("x", "ai-") + g.r(B62, 80),
    "deepseek": lambda g: "sk-" + g.r(HEX, 32),
    "openrouter": lambda g: dash("sk-", "or-v1-") + g.r(HEX, 64),
    "replicate": lambda g: dash("r8", "_") + g.r(B62, 37),
    "hf": lambda g: dash("h", "f_") + g.r(LET, 34),
    "stability": lambda g: "sk-" + g.r(B62, 48),
    "elevenlabs": lambda g: dash("s", "k_") + g.r(HEX, 48),
    "assemblyai": lambda g: g.r(HEX, 32),
    "deepgram": lambda g: g.r(HEX, 40),
    "pinecone": lambda g: dash("pc", "sk_") + g.r(B62, 5) + "_" + g.r(B62, 63),
    "langsmith": lambda g: dash("lsv2", "_", g.pick("pt", "sk"), "_") + g.r(HEX, 32) + "_" + g.r(HEX, 10),
    "langfuse_sk": lambda g: dash("sk-", "lf-") + g.uuid(),
    # dev tools and SaaS
    "npm": lambda g: dash("np", "m_") + g.r(B62, 36),
    "pypi": lambda g: dash("pypi-", "AgEIcHlwaS5vcmc") + g.r(B64U, 150),
    "rubygems": lambda g: dash("rubygems", "_") + g.r(HEX, 48),
    "crates": lambda g: dash("ci", "o") + g.r(B62, 32),
    "nuget": lambda g: dash("oy", "2") + g.r(B32L, 43),
    "dockerhub": lambda g: dash("dckr", "_pat_") + g.r(B64U, 27),
    "dockerhub_org": lambda g: dash("dckr", "_oat_") + g.r(B64U, 32),
    "jfrog_ref": lambda g: dash("cmVmdGtu", "OjAxOj") + g.r(B62, 58),
    "jfrog_api": lambda g: dash("AK", "Cp") + g.r(B62, 69),
    "snyk": lambda g: g.uuid(),
    "sonar": lambda g: dash("sq", g.pick("u", "p", "a"), "_") + g.r(HEX, 40),
    "sentry_user": lambda g: dash("sntry", "u_") + g.r(HEX, 64),
    "sentry_org": lambda g: dash("sntry", "s_") + "eyJpYXQiOj" + g.r(B64, 150) + "_" + g.r(B64U, 43),
    "dd_api": lambda g: g.r(HEX, 32),
    "dd_app": lambda g: g.r(HEX, 40),
    "nr_user": lambda g: dash("NR", "AK-") + g.r(UPDIG, 27),
    "nr_license": lambda g: g.r(HEX, 36) + dash("NR", "AL"),
    "grafana_cloud": lambda g: dash("gl", "c_") + "eyJvIjoi" + g.r(B64, 140) + "=",
    "grafana_sa": lambda g: dash("gl", "sa_") + g.r(B62, 32) + "_" + g.r(HEX, 8),
    "pagerduty": lambda g: dash("u", "+") + g.r(B64U, 18),
    "pd_routing": lambda g: g.r(HEX, 32),
    "honeycomb": lambda g: dash("hca", "ik_") + g.r(LOWDIG, 58),
    "vercel": lambda g: g.r(B62, 24),
    "netlify": lambda g: dash("nf", "p_") + g.r(B62, 36),
    "heroku": lambda g: dash("HR", "KU-") + "AA" + g.r(B64U, 58),
    "fly": lambda g: (
        dash("fm", "2_") + "lJPE" + g.r(B64, 280) + "," + dash("fm", "2_") + "lJPE" + g.r(B64, 110)
    ),
    "render": lambda g: dash("rn", "d_") + g.r(B62, 32),
    "railway": lambda g: g.uuid(),
    "supabase_service": lambda g: supabase_jwt(g, "service_role"),
    "supabase_secret": lambda g: dash("sb_", "secret_") + g.r(B64U, 31),
    "supabase_pat": lambda g: dash("sb", "p_") + g.r(HEX, 40),
    "neon": lambda g: dash("na", "pi_") + g.r(LOWDIG, 64),
    "pscale": lambda g: dash("pscale", "_", g.pick("tkn", "pw"), "_") + g.r(B64U, 43),
    "turso": lambda g: g.jwt({"a": "rw", "iat": g.now(), "id": g.uuid()}, "EdDSA"),
    "upstash": lambda g: "A" + g.r(B62, 3) + "AAIncDE" + g.r(HEX, 32) + "cDE" + g.r(B62, 12),
    "doppler": lambda g: (
        dash("dp.", g.pick("st", "pt", "sa", "ct"), ".") + g.pick("prd.", "dev.", "") + g.r(B62, 43)
    ),
    "op_sa": lambda g: dash("op", "s_") + "eyJzaWduSW5BZGRyZXNzIjoi" + g.r(B64, 560),
    "op_connect": lambda g: g.jwt(
        {"aud": ["com.1password.connect"], "sub": g.r(UPDIG, 26), "iat": g.now()}, "ES256"
    ),
    "vault": lambda g: dash("hv", "s.") + g.r(B62, 24),
    "vault_ent": lambda g: dash("hv", "s.") + "CAESI" + g.r(B64U, 86),
    "vault_batch": lambda g: dash("hv", "b.") + "AAAAAQ" + g.r(B64U, 120),
    "vault_old": lambda g: dash("s", ".") + g.r(B62, 24),
    "tfc": lambda g: g.r(B62, 14) + dash(".atlas", "v1.") + g.r(B62, 67),
    "pulumi": lambda g: dash("pu", "l-") + g.r(HEX, 40),
    "postman": lambda g: dash("PM", "AK-") + g.r(HEX, 24) + "-" + g.r(HEX, 34),
    "linear": lambda g: dash("lin", "_api_") + g.r(B62, 40),
    "notion": lambda g: dash("secret", "_") + g.r(B62, 43),
    "notion_ntn": lambda g: dash("nt", "n_") + g.r(DIG, 11) + g.r(B62, 35),
    "airtable": lambda g: dash("pa", "t") + g.r(B62, 14) + "." + g.r(HEX, 64),
    "asana": lambda g: "2/" + g.d(16) + "/" + g.d(16) + ":" + g.r(HEX, 32),
    "figma": lambda g: dash("fig", "d_") + g.r(B64U, 40),
    "slack_bot": lambda g: dash("xo", "xb-") + g.d(12) + "-" + g.d(13) + "-" + g.r(B62, 24),
    "slack_user": lambda g: dash("xo", "xp-") + g.d(12) + "-" + g.d(12) + "-" + g.d(13) + "-" + g.r(HEX, 32),
    "slack_app": lambda g: dash("xa", "pp-1-") + "A" + g.r(UPDIG, 10) + "-" + g.d(13) + "-" + g.r(HEX, 64),
    "slack_config": lambda g: dash("xo", "xe.", "xo", "xp-1-") + g.r(B62, 160),
    "slack_refresh": lambda g: dash("xo", "xe-1-") + g.r(B62, 140),
    "slack_hook": slack_hook_token,
    "discord_bot": discord_bot,
    "discord_hook": lambda g: g.r(B64U, 68),
    "telegram": lambda g: g.d(10) + ":AA" + g.r(B64U, 33),
    "twilio_auth": lambda g: g.r(HEX, 32),
    "twilio_secret": lambda g: g.r(B62, 32),
    "sendgrid": lambda g: dash("S", "G.") + g.r(B64U, 22) + "." + g.r(B64U, 43),
    "mailgun": lambda g: dash("ke", "y-") + g.r(HEX, 32),
    "mailgun_new": lambda g: g.r(HEX, 32) + "-" + g.r(HEX, 8) + "-" + g.r(HEX, 8),
    "mailchimp": lambda g: g.r(HEX, 32) + "-us" + str(g.rng.randint(1, 21)),
    "postmark": lambda g: g.uuid(),
    "resend": lambda g: dash("r", "e_") + g.r(B62, 8) + "_" + g.r(B62, 24),
    "stripe_sk": lambda g: dash("s", "k_", "live_") + "51" + g.r(B62, 97),
    "stripe_rk": lambda g: dash("r", "k_", "live_") + "51" + g.r(B62, 97),
    "stripe_whsec": lambda g: dash("wh", "sec_") + g.r(B62, 32),
    "braintree": lambda g: dash("access_token", "$production$") + g.r(LOWDIG, 16) + "$" + g.r(HEX, 32),
    "square": lambda g: dash("EA", "AA") + g.r(B64U, 60),
    "square_secret": lambda g: dash("sq0", "csp-") + g.r(B64U, 43),
    "shopify": lambda g: dash("shp", g.pick("at", "ca", "pa"), "_") + g.r(HEX, 32),
    "shopify_ss": lambda g: dash("shp", "ss_") + g.r(HEX, 32),
    "adyen": lambda g: dash("AQ", "E") + g.r(B64, 60) + "=-" + g.r(B64, 44) + "=-" + g.r(B62, 16),
    "plaid_secret": lambda g: g.r(HEX, 30),
    "plaid_access": lambda g: dash("access-", "production-") + g.uuid(),
    "coinbase_ec": lambda g: g.pem(dash("EC PRIVATE", " KEY"), 121),
    "okta": lambda g: "00" + g.r(B64U, 40),
    "auth0_secret": lambda g: g.r(B64U, 64),
    "clerk_sk": lambda g: dash("s", "k_", "live_") + g.r(B62, 40),
    "fcm": lambda g: dash("AA", "AA") + g.r(B64U, 7) + dash(":APA", "91b") + g.r(B64U, 134),
    "algolia_admin": lambda g: g.r(HEX, 32),
    "mapbox_sk": lambda g: (
        dash("s", "k.eyJ1Ijoi") + g.r(B64, 30) + "IiwiYSI6I" + g.r(B64, 40) + "." + g.r(B64U, 22)
    ),
    "intercom": lambda g: base64.b64encode(f"tok:{g.uuid()}:1:0".encode()).decode(),
    "zendesk": lambda g: g.r(B62, 40),
    "hubspot": lambda g: dash("pa", "t-", g.pick("na1", "eu1"), "-") + g.uuid(),
    "salesforce": lambda g: "00D" + g.r(B62, 12) + "!AQ" + g.r(B62, 2) + "AQ" + g.r(B62 + "._", 96),
    "dropbox": lambda g: dash("s", "l.") + g.pick("u.", "") + g.r(B64U, 138),
    "box": lambda g: g.r(B62, 32),
    "age": lambda g: dash("AGE-SECRET", "-KEY-1") + g.r(BECH.upper(), 58),
    "nsec": lambda g: dash("ns", "ec1") + g.r(BECH, 58),
    "eth_priv": lambda g: g.r(HEX, 64),
    "btc_wif": lambda g: g.pick("K", "L") + g.r(B58, 51),
    "seed": seed_phrase,
    "cloudinary_secret": lambda g: g.r(B64U, 27),
    "mongodb_atlas_priv": lambda g: g.uuid(),
    "fastly": lambda g: g.r(B64U, 32),
    "launchdarkly": lambda g: dash("sdk", "-") + g.uuid(),
    # generic shapes
    "password": human_password,
    "randpw": random_password,
    "jwt": user_jwt,
    "basic": lambda g: base64.b64encode(f"{g.rng.choice(USERS)}:{random_password(g)}".encode()).decode(),
    "pem_rsa": lambda g: g.pem(dash("RSA PRIVATE", " KEY"), 1190),
    "pem_pkcs8": lambda g: g.pem(dash("PRIVATE", " KEY"), 1216),
    "openssh": lambda g: g.pem(dash("OPENSSH PRIVATE", " KEY"), 300),
    "hex32": lambda g: g.r(HEX, 32),
    "b62_40": lambda g: g.r(B62, 40),
    "sig_hex64": lambda g: g.r(HEX, 64),
    "jupyter": lambda g: g.r(HEX, 48),
    "ifttt": lambda g: g.r(B64U, 22),
    "mattermost": lambda g: g.r(LOWDIG, 26),
    "jwk_d": lambda g: g.b64(32, "url"),
    "pgp": lambda g: g.pem(dash("PGP PRIVATE", " KEY BLOCK"), 900),
    "putty_priv": lambda g: g.b64(48),
}


def masked(g: Gen) -> str:
    prefix = g.pick(
        dash("gh", "p_"),
        dash("sk-", "proj-"),
        dash("xo", "xb-"),
        dash("gl", "pat-"),
        dash("np", "m_"),
        dash("s", "k_live_"),
        dash("h", "f_"),
        "",
    )
    return g.pick(
        prefix + "*" * g.rng.randint(8, 36) + g.r(B62, 4),
        prefix + "…" + g.r(B62, 4),
        prefix + "..." + g.r(B62, 4),
        prefix + g.r(B62, 4) + "…" + g.r(B62, 4),
        "•" * g.rng.randint(8, 16),
        g.pick("[REDACTED]", "<redacted>", "***", "(hidden)", "********"),
    )


def placeholder(g: Gen) -> str:
    return g.pick(
        dash("gh", "p_") + "x" * 36,
        dash("sk-", "proj-") + "...",
        "sk-...",
        "<your-token>",
        "YOUR_API_KEY",
        "${GITHUB_TOKEN}",
        "$OPENAI_API_KEY",
        "REPLACE_ME",
        "changeme",
        dash("xo", "xb-") + "your-bot-token",
        "<TOKEN>",
        "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
        dash("h", "f_") + "XXXXXXXXXXXXXXXXXXXX",
        "{{ api_key }}",
    )


def x509(g: Gen) -> str:
    return g.pem("CERTIFICATE", 900)


PUBLIC: dict[str, Callable[[Gen], str]] = {
    # noise
    "ts": lambda g: (
        f"2026-{g.rng.randint(1, 12):02d}-{g.rng.randint(1, 28):02d}T{g.rng.randint(0, 23):02d}:{g.rng.randint(0, 59):02d}:{g.rng.randint(0, 59):02d}Z"
    ),
    "date": lambda g: f"2026-{g.rng.randint(1, 12):02d}-{g.rng.randint(1, 28):02d}",
    "time": lambda g: f"{g.rng.randint(0, 23):02d}:{g.rng.randint(0, 59):02d}:{g.rng.randint(0, 59):02d}",
    "epoch": lambda g: str(g.now()),
    "int": lambda g: str(g.rng.randint(2, 9999)),
    "port": lambda g: str(g.rng.choice([443, 5432, 6379, 8080, 8443, 3306, 9200, 27017])),
    "ms": lambda g: str(g.rng.randint(3, 2400)),
    "user": lambda g: g.rng.choice(USERS),
    "host": lambda g: g.rng.choice(HOSTS),
    "word": lambda g: g.rng.choice(WORDS),
    "name": lambda g: g.pick(
        "alice", "bob", "carol", "dmitri", "eun-ji", "farah", "gustavo", "hana", "ivan", "jules"
    ),
    "email": lambda g: (
        f"{g.pick('alice', 'bob', 'ops', 'carol', 'dev')}@{g.pick('acme.io', 'example.com', 'corp.test')}"
    ),
    "ip": lambda g: f"10.{g.rng.randint(0, 255)}.{g.rng.randint(0, 255)}.{g.rng.randint(1, 254)}",
    "ver": lambda g: f"{g.rng.randint(0, 9)}.{g.rng.randint(0, 40)}.{g.rng.randint(0, 20)}",
    "region": lambda g: g.pick("us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1"),
    "path": lambda g: g.pick("/srv/app", "/home/dev/src/api", "/opt/build", "/var/lib/ci", "/workspace/repo"),
    "branch": lambda g: g.pick("main", "feat/billing-v2", "fix/oauth-refresh", "chore/deps", "release/3.2"),
    # ids and hashes
    "uuid": lambda g: g.uuid(),
    "sha1": lambda g: g.r(HEX, 40),
    "short": lambda g: g.r(HEX, 7),
    "sha256": lambda g: g.r(HEX, 64),
    "md5": lambda g: g.r(HEX, 32),
    "digest": lambda g: "sha256:" + g.r(HEX, 64),
    "sri": lambda g: "sha512-" + g.b64(64),
    "sri384": lambda g: "sha384-" + g.b64(48),
    "gosum": lambda g: "h1:" + g.b64(32),
    "ulid": lambda g: "01" + g.r(CROCK, 24),
    "ksuid": lambda g: g.r(B62, 27),
    "nanoid": lambda g: g.r(B64U, 21),
    "b64blob": lambda g: g.b64(g.rng.randint(24, 60)),
    "snowflake": lambda g: g.d(19),
    "akia": lambda g: dash("AK", "IA") + g.r("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
    "asia": lambda g: dash("AS", "IA") + g.r("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
    "aws_acct": lambda g: g.d(12),
    "aws_reqid": lambda g: g.uuid(),
    "ec2": lambda g: "i-0" + g.r(HEX, 16),
    "kms_cipher": lambda g: "AQICAHh" + g.b64(180),
    "twilio_ac": lambda g: dash("A", "C") + g.r(HEX, 32),
    "twilio_sk": lambda g: dash("S", "K") + g.r(HEX, 32),
    "twilio_msg": lambda g: dash("S", "M") + g.r(HEX, 32),
    "stripe_pk": lambda g: dash("p", "k_", "live_") + "51" + g.r(B62, 97),
    "stripe_obj": lambda g: (
        g.pick(
            "cus_", "pi_", "ch_", "evt_", "price_", "prod_", "sub_", "in_", "we_", "acct_", "seti_", "txn_"
        )
        + g.r(B62, g.rng.randint(14, 24))
    ),
    "google_client": lambda g: g.d(12) + "-" + g.r(LOWDIG, 32) + ".apps.googleusercontent.com",
    "gh_client": lambda g: g.pick("Iv1." + g.r(HEX, 16), "Iv23li" + g.r(B62, 14), "Ov23li" + g.r(B62, 14)),
    "gh_short": lambda g: dash("gh", g.pick("s", "p", "o"), "_") + g.r(B62, g.rng.randint(4, 12)),
    "masked": masked,
    "placeholder": placeholder,
    "age_pub": lambda g: "age1" + g.r(BECH, 58),
    "npub": lambda g: "npub1" + g.r(BECH, 58),
    "eth_addr": lambda g: "0x" + g.r(HEX + "ABCDEF", 40),
    "tx_hash": lambda g: "0x" + g.r(HEX, 64),
    "btc_addr": lambda g: "bc1q" + g.r(BECH, 38),
    "cid": lambda g: g.pick("Qm" + g.r(B58, 44), "bafybei" + g.r(B32L, 52)),
    "ssh_pub": lambda g: (
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"
        + g.r(B64, 43)
        + " "
        + g.rng.choice(USERS)
        + "@"
        + g.rng.choice(HOSTS)
    ),
    "ssh_rsa_pub": lambda g: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ" + g.r(B64, 500) + "=",
    "ssh_fp": lambda g: "SHA256:" + g.b64(32).rstrip("="),
    "gpg_fp": lambda g: " ".join(g.r(HEXU, 4) for _ in range(10)),
    "gpg_keyid": lambda g: g.r(HEXU, 16),
    "cert": x509,
    "pubkey_pem": lambda g: g.pem("PUBLIC KEY", 294),
    "sig_b64": lambda g: "MEUCIQ" + g.r(B64, 42) + "AiA" + g.r(B64, 40) + "=",
    "sentry_dsn": lambda g: f"https://{g.r(HEX, 32)}@o{g.d(6)}.ingest.us.sentry.io/{g.d(7)}",
    "nrjs": lambda g: dash("NR", "JS-") + g.r(HEX, 19),
    "algolia_app": lambda g: g.r(UPDIG, 10),
    "mapbox_pk": lambda g: (
        dash("p", "k.eyJ1Ijoi") + g.r(B64, 30) + "IiwiYSI6I" + g.r(B64, 40) + "." + g.r(B64U, 22)
    ),
    "clerk_pk": lambda g: (
        dash("p", "k_", "live_")
        + base64.b64encode(f"clerk.{g.rng.choice(WORDS)}.io$".encode()).decode().rstrip("=")
    ),
    "langfuse_pk": lambda g: dash("p", "k-lf-") + g.uuid(),
    "supabase_anon": lambda g: supabase_jwt(g, "anon"),
    "supabase_pub": lambda g: dash("sb_", "publishable_") + g.r(B64U, 31),
    "firebase_web": lambda g: dash("AI", "za", "Sy") + g.r(B64U, 33),
    "firebase_app": lambda g: f"1:{g.d(12)}:web:{g.r(HEX, 22)}",
    "okta_client": lambda g: "0oa" + g.r(B62, 17),
    "auth0_client": lambda g: g.r(B62, 32),
    "airtable_id": lambda g: g.pick("app", "tbl", "rec", "fld", "viw") + g.r(B62, 14),
    "figma_key": lambda g: g.r(B62, 22),
    "slack_id": lambda g: g.pick("T0", "C0", "U0", "B0", "D0") + g.r(UPDIG, 9),
    "sendgrid_tpl": lambda g: "d-" + g.r(HEX, 32),
    "mailgun_pub": lambda g: dash("pub", "key-") + g.r(HEX, 32),
    "square_app": lambda g: dash("sq0", "idp-") + g.r(B64U, 22),
    "openai_id": lambda g: (
        g.pick("chatcmpl-", "file-", "asst_", "thread_", "run_", "batch_", "org-", "proj_", "resp_", "ftjob-")
        + g.r(B62, 24)
    ),
    "anthropic_id": lambda g: (
        g.pick("msg_01", "req_011C", "toolu_01", "msgbatch_01", "file_011C") + g.r(B62, 22)
    ),
    "tfc_id": lambda g: g.pick("ws-", "run-", "sv-", "cv-", "org-") + g.r(B62, 16),
    "sops": lambda g: f"ENC[AES256_GCM,data:{g.b64(24)},iv:{g.b64(32)},tag:{g.b64(16)},type:str]",
    "vault_ansible": lambda g: "$ANSIBLE_VAULT;1.1;AES256\n" + "\n".join(g.r(HEX, 80) for _ in range(5)),
    "sealed": lambda g: "AgB" + g.b64(300),
    "hf_repo": lambda g: (
        g.pick("meta-llama/", "mistralai/", "google/", "Qwen/", "sentence-transformers/")
        + g.pick("Llama-3.1-8B-Instruct", "Mistral-7B-v0.3", "gemma-2-9b", "Qwen2.5-7B", "all-MiniLM-L6-v2")
    ),
    "pd_service": lambda g: "P" + g.r(UPDIG, 6),
    "discord_pub": lambda g: g.r(HEX, 64),
    "pypi_hash": lambda g: "--hash=sha256:" + g.r(HEX, 64),
    "jwk_n": lambda g: g.b64(256, "url"),
    "kid": lambda g: g.r(B64U, 43),
    "hcaptcha_site": lambda g: g.uuid(),
    "recaptcha_site": lambda g: "6L" + g.r(B64U, 38),
    "shopify_pub": lambda g: g.r(HEX, 32),
    "plaid_client": lambda g: g.r(HEX, 24),
    "scw_access": lambda g: "SCW" + g.r(UPDIG, 17),
    "req_id": lambda g: g.pick("req_", "") + g.r(B62, 24),
}


@dataclass(frozen=True)
class Document:
    text: str
    secrets: list[str]
    context: str
    kind: str
    split: str
    template: str


PLACEHOLDER = re.compile(r"\{([SN]):([a-z0-9_]+)(?:@(\w+))?(?:\|(\w+))?\}")
FILTERS: dict[str, Callable[[str], str]] = {
    "url": lambda v: urllib.parse.quote(v, safe=""),
    "b64": lambda v: base64.b64encode(v.encode()).decode(),
    "json": lambda v: json.dumps(v)[1:-1],
    "upper": str.upper,
    "indent4": lambda v: v.replace("\n", "\n    "),
    "indent6": lambda v: v.replace("\n", "\n      "),
}


def fill(template: str, g: Gen) -> tuple[str, list[str]]:
    """The template with every placeholder drawn, and the secrets as they appear in the text."""
    secrets: list[str] = []
    tagged: dict[str, str] = {}

    def draw(match: re.Match[str]) -> str:
        kind, name, tag, flt = match.groups()
        table = SECRET if kind == "S" else PUBLIC
        if tag and tag in tagged:
            value = tagged[tag]
        else:
            value = table[name](g)
            if tag:
                tagged[tag] = value
        if flt:
            value = FILTERS[flt](value)
        if kind == "S" and value not in secrets:
            secrets.append(value)
        return value

    return PLACEHOLDER.sub(draw, template), secrets


def leaked(secret: str, output: str) -> bool:
    once = json.dumps(secret)[1:-1]
    for form in (secret, once, json.dumps(once)[1:-1]):
        run = max(1, len(form) // 2)
        if any(form[i : i + run] in output for i in range(len(form) - run + 1)):
            return True
    return False


# Agent-log envelopes: each holds the text JSON-escaped once, or twice (Codex rollout).
def _claude_stream(text: str, g: Gen) -> tuple[str, int]:
    line = {
        "type": "user",
        "message": {
            "role": "user",
            "content": [{"tool_use_id": "toolu_01" + g.r(B62, 22), "type": "tool_result", "content": text}],
        },
        "parent_tool_use_id": None,
        "session_id": g.uuid(),
    }
    return json.dumps(line), 1


def _claude_transcript(text: str, g: Gen) -> tuple[str, int]:
    line = {
        "parentUuid": g.uuid(),
        "isSidechain": False,
        "userType": "external",
        "cwd": PUBLIC["path"](g),
        "sessionId": g.uuid(),
        "version": f"2.0.{g.rng.randint(10, 60)}",
        "gitBranch": PUBLIC["branch"](g),
        "type": "user",
        "message": {
            "role": "user",
            "content": [
                {
                    "tool_use_id": "toolu_01" + g.r(B62, 22),
                    "type": "tool_result",
                    "content": text,
                    "is_error": False,
                }
            ],
        },
        "uuid": g.uuid(),
        "timestamp": PUBLIC["ts"](g),
        "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
    }
    return json.dumps(line), 1


def _codex_rollout(text: str, g: Gen) -> tuple[str, int]:
    output = json.dumps(
        {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(g.rng.random() * 3, 1)}}
    )
    line = {
        "timestamp": PUBLIC["ts"](g),
        "type": "response_item",
        "payload": {"type": "function_call_output", "call_id": "call_" + g.r(B62, 24), "output": output},
    }
    return json.dumps(line), 2


def _codex_exec(text: str, g: Gen) -> tuple[str, int]:
    line = {
        "type": "item.completed",
        "item": {
            "id": f"item_{g.rng.randint(1, 40)}",
            "type": "command_execution",
            "command": g.pick(
                "bash -lc 'cat notes.txt'",
                "bash -lc 'git log -3'",
                "bash -lc 'env | sort'",
                "bash -lc 'tail -n 40 app.log'",
            ),
            "aggregated_output": text,
            "exit_code": 0,
            "status": "completed",
        },
    }
    return json.dumps(line), 1


def _mcp(text: str, g: Gen) -> tuple[str, int]:
    line = {
        "jsonrpc": "2.0",
        "id": g.rng.randint(1, 400),
        "result": {"content": [{"type": "text", "text": text}], "isError": False},
    }
    return json.dumps(line), 1


ENVELOPES = (_claude_stream, _claude_transcript, _codex_rollout, _codex_exec, _mcp)


def _escaped(value: str, times: int) -> str:
    for _ in range(times):
        value = json.dumps(value)[1:-1]
    return value


def templates() -> list[tuple[str, str, str]]:
    """(context, kind, text) of every template, parsed from the blocks below."""
    out: list[tuple[str, str, str]] = []
    for block in BLOCKS:
        for chunk in block.split("\n@@ ")[1:]:
            head, _, body = chunk.partition("\n")
            context, _, kind = head.partition(" | ")
            out.append((context.strip(), kind.strip(), body.rstrip("\n")))
    return out


def corpus(seed: int, copies: int = 6) -> list[Document]:
    documents: list[Document] = []
    for index, (context, kind, template) in enumerate(templates()):
        rng = random.Random(seed * 1_000_003 + index)
        g = Gen(rng)
        split = "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"
        positive = "{S:" in template
        for copy in range(copies * 2):
            text, secrets = fill(template, g)
            assert bool(secrets) == positive, (kind, template[:60])
            doc_context = context
            if copy >= copies:
                text, times = ENVELOPES[(index + copy) % len(ENVELOPES)](text, g)
                secrets = [_escaped(s, times) for s in secrets]
                doc_context = "json"
            for secret in secrets:
                assert secret in text, (kind, secret[:30])
            documents.append(Document(text, secrets, doc_context, kind, split, template))
    return documents


def _check() -> None:
    seen: set[str] = set()
    g = Gen(random.Random(1))
    for context, kind, text in templates():
        assert context in CONTEXTS, (context, kind)
        assert text not in seen, kind
        seen.add(text)
        for match in PLACEHOLDER.finditer(text):
            assert match.group(2) in (SECRET if match.group(1) == "S" else PUBLIC), match.group(0)
        assert "{S:" not in PLACEHOLDER.sub("", text) and "{N:" not in PLACEHOLDER.sub("", text), kind
        if context == "json":
            filled, _ = fill(text, g)
            try:
                json.loads(filled)
            except ValueError:
                for line in filled.splitlines():
                    json.loads(line)


def main() -> None:
    _check()
    counts: Counter[tuple[str, bool]] = Counter()
    for context, _, text in templates():
        counts[(context, "{S:" in text)] += 1
    for context in CONTEXTS:
        print(f"{context:7} {counts[(context, True)]:4d} with secrets {counts[(context, False)]:4d} without")
    print(
        f"total   {sum(v for (c, p), v in counts.items() if p):4d} with secrets {sum(v for (c, p), v in counts.items() if not p):4d} without"
    )
    docs = corpus(97, copies=6)
    print(
        f"{len(docs)} documents, {sum(len(d.secrets) for d in docs)} planted secrets, {sum(not d.secrets for d in docs)} negatives"
    )
    used = {m.group(2) for _, _, t in templates() for m in PLACEHOLDER.finditer(t) if m.group(1) == "S"}
    print(f"{len(used)} secret formats used of {len(SECRET)}")


BLOCKS: list[str] = []

BLOCKS.append(
    r"""
@@ plain | token alone on a line after a chat paste
[{N:time}] {N:name}: here you go
[{N:time}] {N:name}: {S:ghp}
[{N:time}] {N:name}: expires in 30 days, only repo scope
@@ plain | fine-grained PAT pasted into a note
TODO before friday
- bump runner image to {N:ver}
- new token for the mirror job:
  {S:github_pat}
- ask {N:name} to delete the old one
@@ plain | gitlab tokens in a markdown table
| project | token | created |
|---|---|---|
| infra/terraform | {S:glpat} | {N:date} |
| web/storefront | {S:gldt} | {N:date} |
| tools/release | {S:glpat@x} | {N:date} |
@@ plain | log line using credentials
{N:ts} INFO  sync.worker  using credentials {S:aws_secret} for bucket s3://{N:word}-backups (key id {N:akia})
{N:ts} INFO  sync.worker  uploaded 412 objects in {N:ms}ms
@@ plain | error message echoing a rejected token
{N:ts} ERROR api.client  401 Unauthorized for token {S:openai_proj} (request {N:openai_id})
{N:ts} WARN  api.client  retrying in 2s
@@ plain | commit message leaking a token
commit {N:sha1}
Author: {N:name} <{N:email}>
Date:   Tue Mar 3 14:02:11 2026 +0100

    ci: hardcode npm publish token for now ({S:npm})

    Will move to the secret store after the release.
@@ plain | two-column paste of aws key pair without header
{N:akia}
{S:aws_secret}
@@ plain | aws session token in a notepad
{N:asia}
{S:aws_secret}
{S:aws_session}
expires {N:ts}
@@ plain | slack bot token in handover list
Handover for the on-call bot:
1. workspace: acme-eng ({N:slack_id})
2. {S:slack_bot}
3. signing secret {S:hex32}
4. channel #alerts ({N:slack_id})
@@ plain | telegram bot token from BotFather reply
Done! Congratulations on your new bot. You will find it at t.me/{N:word}_ops_bot.

Use this token to access the HTTP API:
{S:telegram}
Keep your token secure and store it safely, it can be used by anyone to control your bot.
@@ plain | discord bot token in chat
<{N:name}> the bot keeps getting rate limited, here's what it runs with
<{N:name}> {S:discord_bot}
<{N:name}> pls reset it after, we'll move it to the vault
@@ plain | anthropic key in a personal scratch file
scratch — {N:date}
claude eval run
{S:anthropic}
model: claude-sonnet-4-5, max 8k
@@ plain | openai service account key on its own
{S:openai_svc}
@@ plain | stripe restricted key listed with its twin
live keys (rotate quarterly)
  {N:stripe_pk}
  {S:stripe_rk}
webhook endpoint {N:stripe_obj} -> {S:stripe_whsec}
@@ plain | seed phrase backup note
wallet backup ({N:date})
{S:seed}
address {N:eth_addr}
@@ plain | age identity file contents
# created: {N:ts}
# public key: {N:age_pub}
{S:age}
@@ plain | nostr key pair in a note
npub: {N:npub}
{S:nsec}
@@ plain | private key hex on a line after address
account 3
{N:eth_addr}
{S:eth_priv}
@@ plain | bitcoin wif key list
imported keys:
- {S:btc_wif}
- {S:btc_wif}
watch-only: {N:btc_addr}
@@ plain | hugging face token in a notebook output
Token is valid (permission: write).
Your token has been saved in your git credential helper (store).
Your token has been saved to /root/.cache/huggingface/token
Login successful
>>> print(open('/root/.cache/huggingface/token').read())
{S:hf}
@@ plain | groq key pasted with explanation
ok so the groq one is {S:groq} and the fallback is together {S:together}
@@ plain | list of AI keys in a wiki page
Team keys (do not share outside #ml):
* {S:mistral} — mistral (la plateforme)
* {S:cohere} — cohere prod
* {S:pplx} — perplexity
* {S:xai} — grok
@@ plain | error with deepseek key in message
openai.AuthenticationError: Error code: 401 - Incorrect API key provided: {S:deepseek}. You can find your API key at https://platform.deepseek.com/api_keys.
@@ plain | openrouter key in changelog
## {N:date}
- switched the summariser to openrouter
- key: {S:openrouter}
- budget cap $50/month
@@ plain | replicate token in slack export
{N:ts}  {N:name}  replicate says my token is out of credit: {S:replicate}
{N:ts}  {N:name}  I'll top up, try again in 5
@@ plain | elevenlabs key in meeting notes
Voice demo
- uses account of {N:name}
- {S:elevenlabs}
- voice id {N:figma_key}
@@ plain | pinecone key in a ticket comment
Comment by {N:name} ({N:date}):
Index {N:word}-prod returns 403 with {S:pinecone}. Host is {N:word}-{N:short}.svc.aped-4627-b74a.pinecone.io.
@@ plain | langsmith and langfuse keys side by side
tracing
{S:langsmith}
{N:langfuse_pk}
{S:langfuse_sk}
@@ plain | pypi token in release checklist
Release checklist
[x] tag v{N:ver}
[x] build sdist + wheel
[ ] upload with
    {S:pypi}
@@ plain | rubygems and crates keys in a note
gems: {S:rubygems}
crates: {S:crates}
@@ plain | nuget key in a support ticket
Hi, pushing fails with 403 using {S:nuget} for package Acme.Core {N:ver}, can you check?
@@ plain | docker hub PAT in a runbook step
3. docker login -u acmebot
   Password: {S:dockerhub}
4. docker push acme/api:{N:ver}
@@ plain | jfrog reference token line
{N:ts} artifactory token for ci (expires never): {S:jfrog_ref}
@@ plain | sonar and snyk tokens in notes
sonarcloud  {S:sonar}
snyk        {S:snyk}
@@ plain | sentry auth token in a chat reply
> can you upload the source maps?
sure, run it with {S:sentry_user}
@@ plain | datadog keys in onboarding email
Welcome aboard! Your Datadog keys for the sandbox org:

  {S:dd_api}
  {S:dd_app}

The first one is for the agent, the second for the API.
@@ plain | new relic keys listed
license {S:nr_license}
user    {S:nr_user}
browser {N:nrjs}
@@ plain | grafana service account token in notes
grafana.acme.io service account "ci-dashboards" ({N:int})
{S:grafana_sa}
@@ plain | vault token from init output
Unseal Key 1: {S:azure_storage}
Unseal Key 2: {S:azure_storage}
Unseal Key 3: {S:azure_storage}

Initial Root Token: {S:vault}

Vault initialized with 5 key shares and a key threshold of 3.
@@ plain | terraform cloud token in a message
{N:name} wrote:
> my TFC token for the demo org is {S:tfc}, it's a team token
@@ plain | pulumi and postman tokens in a list
- {S:pulumi}
- {S:postman}
- {N:uuid} (workspace)
@@ plain | linear and notion tokens in personal notes
integrations
linear   {S:linear}
notion   {S:notion_ntn}
@@ plain | airtable PAT next to base ids
base {N:airtable_id} / table {N:airtable_id}
{S:airtable}
@@ plain | asana token in an email signature accident
Thanks,
{N:name}
{S:asana}
@@ plain | atlassian API token in a chat
{N:name}  11:02  jira automation creds: {N:email} / {S:atlassian}
@@ plain | sendgrid key in incident timeline
{N:time} noticed spam from our domain
{N:time} revoked {S:sendgrid}
{N:time} new key issued, stored in vault
@@ plain | mailgun and mailchimp keys in a doc
Email stack
- transactional: {S:mailgun_new}
- newsletter: {S:mailchimp}
- public validation key {N:mailgun_pub}
@@ plain | twilio auth token next to account sid
{N:twilio_ac}
{S:twilio_auth}
+1 415 {N:int} 0199
@@ plain | shopify admin token in a freelancer handover
Store: {N:word}-shop.myshopify.com
Admin API access token: shown once —
{S:shopify}
API key {N:shopify_pub}, secret {S:shopify_ss}
@@ plain | braintree access token in notes
paypal checkout (prod)
{S:braintree}
@@ plain | square access token in support email
We tested with the production token {S:square} and location {N:int} and still get UNAUTHORIZED.
@@ plain | okta api token in admin notes
Okta org acme.okta.com — API token "scim-sync" created {N:date}
{S:okta}
@@ plain | firebase server key legacy
FCM legacy server key (still used by the android app):
{S:fcm}
sender id {N:aws_acct}
@@ plain | mapbox secret token in a list with public one
mapbox
public  {N:mapbox_pk}
secret  {S:mapbox_sk}
@@ plain | salesforce session id in a debug paste
Logged in as {N:email} instance https://acme.my.salesforce.com
{S:salesforce}
@@ plain | dropbox short-lived token in a paste
got a new one from the app console: {S:dropbox}
@@ plain | openssh private key pasted in chat
<{N:name}> this is the deploy key for the mirror box
{S:openssh}
<{N:name}> thanks
@@ plain | pgp private key in notes
gpg --armor --export-secret-keys {N:gpg_keyid}
{S:pgp}
@@ plain | human password alone under a hostname
{N:host}
{N:user}
{S:password}
@@ plain | passwords list in a text file
wifi-guest      {S:password}
nas admin       {S:password}
printer         {S:randpw}
@@ plain | base64 basic auth from a curl -v
> GET /api/v2/builds HTTP/1.1
> Host: {N:host}
> Authorization: Basic {S:basic}
> User-Agent: curl/8.5.0
@@ plain | vultr and hetzner tokens in a notes file
vultr    {S:vultr}
hetzner  {S:hetzner}
linode   {S:linode}
@@ plain | digitalocean token in a shell history paste
  412  doctl auth init
  413  {S:do_pat}
  414  doctl compute droplet list
@@ plain | gcp oauth token from gcloud print
$ gcloud auth print-access-token
{S:ya29}
@@ plain | azure client secret as shown once
Client secret value (copy now, you won't see it again)
{S:azure_cs}
Secret ID {N:uuid}  Expires {N:date}
@@ plain | tencent and alibaba keys
{N:word}-cn
AKID{N:md5}
{S:tencent_secret}
LTAI{N:ksuid}
{S:ali_secret}
@@ plain | ibm cloud api key file
Name: ci-{N:word}
Description:
Created At: {N:ts}
API Key: {S:ibm}
@@ plain | heroku token in shell output
$ heroku auth:token
 ›   Warning: token will expire {N:date}
{S:heroku}
@@ plain | netlify and vercel tokens in a chat
vercel {S:vercel}
netlify {S:netlify}
render {S:render}
@@ plain | fly token printed
$ fly tokens create deploy -x 999999h
FlyV1 {S:fly}
@@ plain | supabase service role key alone
{S:supabase_service}
@@ plain | neon and planetscale tokens in onboarding doc
Database access for local dev:
- Neon: {S:neon}
- PlanetScale: {S:pscale}
@@ plain | doppler service token shown once
Service token "api-prd" created. Copy it now:
{S:doppler}
@@ plain | 1password service account token
op service account create "CI" --vault Deploy:read_items
{S:op_sa}
@@ plain | figma token in feedback thread
{N:name}: plugin can't read the file {N:figma_key} with my token {S:figma}
@@ plain | hubspot private app token
private app "crm-sync" ({N:int})
{S:hubspot}
@@ plain | intercom and zendesk tokens in a doc
support tooling
intercom {S:intercom}
zendesk  {S:zendesk} ({N:email}/token)
@@ plain | algolia admin key next to app id
{N:algolia_app}
{S:algolia_admin}
(indexer, write access)
@@ plain | plaid secret and access token
client {N:plaid_client}
{S:plaid_secret}
{S:plaid_access}
@@ plain | cloudflare token in a commit message body
Fix DNS automation

Token that works: {S:cloudflare}
(zone edit only)
"""
)

BLOCKS.append(
    r"""
@@ plain | masked token in a chat after rotation
[{N:time}] {N:name}: rotated the mirror token, old one was {N:masked}
[{N:time}] {N:name}: new one is in the vault under ci/mirror
@@ plain | truncated keys in a provider dashboard copy
NAME            SECRET KEY      CREATED       LAST USED
ci-evals        {N:masked}      {N:date}    {N:date}
notebook        {N:masked}      {N:date}    never
@@ plain | commit list with shas and short shas
{N:short} ci: pin actions to full length sha
{N:short} deps: bump openai to {N:ver}
{N:short} fix: refresh token race
{N:sha1} (tag: v{N:ver})
@@ plain | docker image digests in a release note
Images
  ghcr.io/acme/api@{N:digest}
  ghcr.io/acme/worker@{N:digest}
  ghcr.io/acme/web@{N:digest}
@@ plain | aws key id alone in an audit log
{N:ts} iam:DeleteAccessKey user={N:user} key={N:akia} by {N:email}
{N:ts} iam:CreateAccessKey user={N:user} key={N:akia} by {N:email}
@@ plain | twilio account and api key sids
account {N:twilio_ac}
api key {N:twilio_sk} (friendly name: ci)
messaging service {N:twilio_msg}
@@ plain | stripe object ids in a support thread
The charge {N:stripe_obj} for customer {N:stripe_obj} failed, see event {N:stripe_obj}.
Publishable key in the page is {N:stripe_pk}.
@@ plain | age and nostr public keys
recipients:
{N:age_pub}
{N:age_pub}
nostr: {N:npub}
@@ plain | wallet addresses and transaction hashes
sent 0.42 ETH to {N:eth_addr}
tx {N:tx_hash}
block {N:int}
refund tx {N:tx_hash}
@@ plain | bitcoin addresses and ipfs cids
donations: {N:btc_addr}
metadata pinned at ipfs://{N:cid}
@@ plain | ssh public keys in an access request
Please add my keys to the bastion:
{N:ssh_pub}
{N:ssh_pub}
fingerprint {N:ssh_fp}
@@ plain | gpg fingerprint in an email footer
--
{N:name}
PGP: {N:gpg_fp}
@@ plain | certificate pasted for pinning
server cert for {N:host}:
{N:cert}
@@ plain | public key pem pasted in a ticket
Here's the verification key for the webhook signatures:
{N:pubkey_pem}
@@ plain | placeholders in a setup guide
1. Create a token at https://github.com/settings/tokens
2. Paste it below in place of {N:placeholder}
3. Run `make bootstrap`
@@ plain | documented example tokens with x's
export token: {N:placeholder}
or pass it as {N:placeholder}
@@ plain | uuids and request ids in an error
Error: request {N:uuid} failed (trace {N:md5}, span {N:short}{N:short})
retry {N:int} of 5
@@ plain | anthropic and openai ids in logs
{N:ts} stream done msg={N:anthropic_id} req={N:anthropic_id} stop=end_turn
{N:ts} openai batch {N:openai_id} completed, output {N:openai_id}
@@ plain | openai project id next to masked key
Project {N:openai_id}
Key {N:masked} (service account "evals")
@@ plain | google oauth client id in instructions
Use the client id {N:google_client} in the consent screen; the secret stays in Secret Manager.
@@ plain | github app client id and app id
GitHub App "acme-ci"
App ID: {N:int}
Client ID: {N:gh_client}
Installation: {N:int}
@@ plain | short ghs look-alike branch names
branches:
  {N:gh_short}
  {N:gh_short}
  fix/{N:gh_short}
@@ plain | sri hashes in a lockfile excerpt
react@{N:ver}: {N:sri}
react-dom@{N:ver}: {N:sri}
@@ plain | go.sum excerpt
github.com/spf13/cobra v{N:ver} {N:gosum}
github.com/spf13/cobra v{N:ver}/go.mod {N:gosum}
@@ plain | sha256sums file
{N:sha256}  acme-cli_{N:ver}_linux_amd64.tar.gz
{N:sha256}  acme-cli_{N:ver}_darwin_arm64.tar.gz
{N:sha256}  acme-cli_{N:ver}_windows_amd64.zip
@@ plain | sentry dsn in a readme note
Errors go to {N:sentry_dsn} (the DSN is safe to ship in the client).
@@ plain | mapbox public and clerk publishable keys
frontend keys (public, fine to commit)
{N:mapbox_pk}
{N:clerk_pk}
{N:supabase_pub}
@@ plain | supabase anon key called public
The anon key below is public; row level security protects the data.
{N:supabase_anon}
@@ plain | slack ids in a channel list
#alerts {N:slack_id}
#deploys {N:slack_id}
bot user {N:slack_id}
@@ plain | ulids and ksuids in a queue dump
{N:ulid}  pending
{N:ulid}  done
{N:ksuid}  retry
@@ plain | sendgrid template ids and mailgun public key
welcome: {N:sendgrid_tpl}
reset:   {N:sendgrid_tpl}
validation (public): {N:mailgun_pub}
@@ plain | encrypted values meant to be committed
{N:sops}
{N:sops}
@@ plain | ansible vault block
{N:vault_ansible}
@@ plain | kms ciphertext blob
{N:kms_cipher}
@@ plain | airtable and figma ids
{N:airtable_id}/{N:airtable_id}/{N:airtable_id}
figma file {N:figma_key}
@@ plain | hugging face repo ids and commit
{N:hf_repo} @ {N:sha1}
{N:hf_repo} @ {N:sha1}
@@ plain | terraform cloud ids in a run log
Run {N:tfc_id} in workspace {N:tfc_id} applied (state version {N:tfc_id})
@@ plain | pagerduty service id and integration name
service {N:pd_service} "payments"; escalation {N:pd_service}
@@ plain | revoked tokens list with masks
revoked on {N:date}:
  {N:masked}
  {N:masked}
  {N:masked}
"""
)

BLOCKS.append(
    r"""
@@ shell | gh auth login with token on stdin
$ echo {S:ghp} | gh auth login --with-token
$ gh auth status
github.com
  ✓ Logged in to github.com account {N:user} (keyring)
@@ shell | here-string token to gh
gh auth login --hostname github.com --with-token <<< '{S:github_pat}'
@@ shell | docker login password-stdin with token
printf '%s' '{S:dockerhub}' | docker login -u acmebot --password-stdin
Login Succeeded
@@ shell | docker login with -p positional password
$ docker login registry.gitlab.com -u gitlab-ci-token -p {S:glcbt}
WARNING! Using --password via the CLI is insecure. Use --password-stdin.
Login Succeeded
@@ shell | gitlab runner register with token flag value
sudo gitlab-runner register \
  --non-interactive \
  --url https://gitlab.acme.io/ \
  --token {S:glrt} \
  --executor docker \
  --docker-image alpine:3.20
@@ shell | legacy runner registration token
gitlab-runner register -n -u https://gitlab.acme.io/ -r {S:glrunreg} --executor shell --description {N:host}
@@ shell | snyk auth positional uuid
$ snyk auth {S:snyk}
Your account has been authenticated. Snyk is now ready to be used.
@@ shell | vault login positional token
$ vault login {S:vault}
Success! You are now authenticated.
token_accessor       {N:ksuid}
token_duration       768h
token_policies       ["default" "deploy"]
@@ shell | vault login with enterprise token
VAULT_ADDR=https://vault.corp:8200 vault login -method=token {S:vault_ent}
@@ shell | tea login add with token
tea login add --name acme --url https://git.acme.io --token {S:gitea}
@@ shell | doctl auth init with -t
doctl auth init --context ci -t {S:do_pat}
@@ shell | vercel deploy with token flag
npx vercel deploy --prod --yes --token {S:vercel} --scope acme
@@ shell | netlify deploy with auth flag
netlify deploy --prod --dir dist --site {N:uuid} --auth {S:netlify}
@@ shell | twine upload with token as password
twine upload -u __token__ -p {S:pypi} dist/*
Uploading distributions to https://upload.pypi.org/legacy/
@@ shell | cargo login positional token
$ cargo login {S:crates}
       Login token for `crates-io` saved
@@ shell | gem push with key via env-less curl
curl -H 'Authorization:{S:rubygems}' -F 'file=@pkg/acme-{N:ver}.gem' https://rubygems.org/api/v1/gems
@@ shell | dotnet nuget push with api key positional
dotnet nuget push bin/Release/Acme.Core.{N:ver}.nupkg -k {S:nuget} -s https://api.nuget.org/v3/index.json
@@ shell | jfrog cli config add with access token
jf c add acme --url https://acme.jfrog.io --access-token {S:jfrog_ref} --interactive=false
@@ shell | curl with artifactory api key header
curl -sS -H "X-JFrog-Art-Api:{S:jfrog_api}" -T build.zip https://acme.jfrog.io/artifactory/libs-release/build-{N:int}.zip
@@ shell | sentry-cli with auth token flag
sentry-cli --auth-token {S:sentry_org} releases files {N:short} upload-sourcemaps ./dist
@@ shell | curl bearer tokens for many APIs
curl -s https://api.openai.com/v1/models -H "Authorization: Bearer {S:openai_proj}" | jq '.data[].id'
@@ shell | curl anthropic messages with x-api-key
curl https://api.anthropic.com/v1/messages \
  -H "x-api-key: {S:anthropic}" \
  -H "anthropic-version: 2023-06-01" \
  -H "content-type: application/json" \
  -d '{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}'
@@ shell | huggingface-cli login with token flag
huggingface-cli login --token {S:hf} --add-to-git-credential
@@ shell | script positional arguments with token
./scripts/deploy.sh production {S:render} --wait
@@ shell | notify script with slack webhook url
./notify.sh "https://hooks.slack.com/services/T{N:algolia_app}/B{N:algolia_app}/{S:slack_hook}" "deploy {N:short} done"
@@ shell | bash array of tokens
TOKENS=(
  {S:ghp}
  {S:ghp}
  {S:gho}
)
for t in "${TOKENS[@]}"; do gh api -H "Authorization: token $t" /rate_limit | jq .rate.remaining; done
@@ shell | set positional parameters
set -- {S:npm} {N:ver}
npm config set //registry.npmjs.org/:_authToken "$1"
npm publish --tag next
@@ shell | mysql with password glued to -p
mysql -h {N:host} -u app_rw -p{S:password} orders -e 'select count(*) from line_items'
@@ shell | sshpass with literal password
sshpass -p '{S:randpw}' ssh -o StrictHostKeyChecking=no {N:user}@{N:ip} 'sudo systemctl restart api'
@@ shell | redis-cli -a password
redis-cli -h {N:host} -p 6379 -a '{S:randpw}' --no-auth-warning INFO replication
@@ shell | htpasswd batch mode
htpasswd -bB /etc/nginx/.htpasswd {N:user} '{S:password}'
@@ shell | zip and 7z with password arguments
zip -P '{S:password}' backup-{N:date}.zip dump.sql
7z a -p'{S:randpw}' -mhe=on secrets.7z ./keys
@@ shell | openssl enc with pass arg
openssl enc -aes-256-cbc -pbkdf2 -salt -in db.tar -out db.tar.enc -pass pass:{S:randpw}
@@ shell | curl -u user colon password
curl -fsSL -u {N:user}:{S:password} https://{N:host}/api/json?pretty=true
@@ shell | curl -u api token as user with blank password
curl -u {S:stripe_rk}: https://api.stripe.com/v1/charges
@@ shell | stripe cli with api key flag
stripe listen --api-key {S:stripe_sk} --forward-to localhost:3000/webhooks
@@ shell | twilio api key sid and secret in curl
curl -X POST https://api.twilio.com/2010-04-01/Accounts/{N:twilio_ac}/Messages.json \
  -u {N:twilio_sk}:{S:twilio_secret} \
  --data-urlencode "To=+1415{N:int}" --data-urlencode "Body=build passed"
@@ shell | twilio account sid and auth token in curl
curl -s -u {N:twilio_ac}:{S:twilio_auth} https://api.twilio.com/2010-04-01/Accounts/{N:twilio_ac}/Calls.json | head
@@ shell | mailgun curl with api user
curl -s --user 'api:{S:mailgun_new}' https://api.mailgun.net/v3/mg.acme.io/messages -F from='ops@acme.io' -F to={N:email} -F subject=test -F text=ok
@@ shell | sendgrid curl bearer
curl --request POST --url https://api.sendgrid.com/v3/mail/send --header 'Authorization: Bearer {S:sendgrid}' --header 'Content-Type: application/json' --data @mail.json
@@ shell | telegram sendMessage url with token
curl -s "https://api.telegram.org/bot{S:telegram}/sendMessage" -d chat_id=-100{N:int} -d text="backup ok"
@@ shell | kubectl create secret from literals
kubectl -n prod create secret generic api-keys \
  --from-literal=openai={S:openai_proj} \
  --from-literal=anthropic={S:anthropic} \
  --dry-run=client -o yaml | kubectl apply -f -
@@ shell | gh secret set with body argument
gh secret set SONAR_TOKEN --body {S:sonar} --repo acme/api
gh secret set DD_API_KEY -b {S:dd_api}
@@ shell | wrangler secret put via echo
echo {S:cloudflare} | npx wrangler secret put CF_TOKEN
@@ shell | fly secrets set with a value
fly secrets set -a acme-api DATABASE_URL=postgres://app:{S:randpw}@{N:host}:5432/app
@@ shell | heroku config set
heroku config:set -a acme-web STRIPE_KEY={S:stripe_sk}
@@ shell | psql connection string argument
psql "postgresql://{N:user}:{S:password|url}@{N:host}:5432/analytics?sslmode=require" -c '\dt'
@@ shell | mongosh with uri argument
mongosh "mongodb+srv://{N:user}:{S:randpw|url}@cluster0.{N:short}.mongodb.net/app" --eval 'db.stats()'
@@ shell | git clone with oauth2 token in url
git clone https://oauth2:{S:glpat}@gitlab.acme.io/infra/terraform.git
Cloning into 'terraform'...
@@ shell | git remote set-url with token
git remote set-url origin https://x-access-token:{S:ghs}@github.com/acme/api.git
@@ shell | bitbucket clone with app password
git clone https://{N:user}:{S:bb_app}@bitbucket.org/acme/payments.git
@@ shell | azure devops pat in git header
git -c http.extraHeader="Authorization: Basic {S:basic}" clone https://dev.azure.com/acme/Platform/_git/infra
@@ shell | az devops login pat piped
echo {S:ado_pat} | az devops login --organization https://dev.azure.com/acme
@@ shell | azcopy with sas url
azcopy copy ./build "https://acmeartifacts.blob.core.windows.net/releases?sv=2022-11-02&ss=b&srt=co&sp=rwlac&se={N:date}T23:59:59Z&st={N:date}T00:00:00Z&spr=https&sig={S:sas_sig}" --recursive
@@ shell | az storage with account key flag
az storage blob upload --account-name acmelogs --account-key {S:azure_storage} -c raw -f app.log -n app-{N:date}.log
@@ shell | az login service principal with secret
az login --service-principal -u {N:uuid} -p {S:azure_cs} --tenant {N:uuid}
@@ shell | aws configure set positional values
aws configure set aws_access_key_id {N:akia} --profile ci
aws configure set aws_secret_access_key {S:aws_secret} --profile ci
@@ shell | gcloud activate with base64 key decoded inline
echo '{S:gcp_sa_b64}' | base64 -d > /tmp/key.json && gcloud auth activate-service-account --key-file /tmp/key.json
@@ shell | xargs feeding token to script
echo {S:linear} | xargs -I{} ./bin/linear-sync --token {} --team ENG
@@ shell | python one-liner with key argument
python -c "import groq; print(groq.Groq(api_key='{S:groq}').models.list())"
@@ shell | node one-liner with key argument
node -e "new (require('@pinecone-database/pinecone').Pinecone)({apiKey:'{S:pinecone}'}).listIndexes().then(console.log)"
@@ shell | set -x trace showing a token
+ curl -sf -H 'PRIVATE-TOKEN: {S:glpat}' https://gitlab.acme.io/api/v4/projects/{N:int}/pipelines
+ jq -r '.[0].status'
success
@@ shell | bash history with tokens
  501  export HCLOUD_TOKEN={S:hetzner}
  502  hcloud server list
  503  linode-cli --token {S:linode} linodes list
@@ shell | ssh-keygen output then cat private key
$ cat ~/.ssh/id_ed25519
{S:openssh}
$ cat ~/.ssh/id_ed25519.pub
{N:ssh_pub}
@@ shell | echo base64 of a credential
$ echo -n '{S:password@p}' | base64
{S:password@p|b64}
@@ shell | pulumi login with access token
PULUMI_ACCESS_TOKEN={S:pulumi} pulumi stack select acme/prod
@@ shell | terraform login token file written
cat > ~/.terraform.d/credentials.tfrc.json <<EOF
{"credentials":{"app.terraform.io":{"token":"{S:tfc}"}}}
EOF
@@ shell | doppler run with token flag
doppler run --token {S:doppler} -- ./bin/server
@@ shell | op with service account token env
OP_SERVICE_ACCOUNT_TOKEN={S:op_sa} op item get "Stripe prod" --vault Deploy
@@ shell | upstash redis rest curl
curl https://{N:word}-{N:int}.upstash.io/get/foo -H "Authorization: Bearer {S:upstash}"
@@ shell | turso db shell with auth token
turso db shell libsql://{N:word}-acme.turso.io?authToken={S:turso}
"""
)

BLOCKS.append(
    r"""
@@ shell | gh auth login reading token from env
echo "$GH_TOKEN" | gh auth login --with-token
gh auth status 2>&1 | grep -i token
  - Token: {N:masked}
@@ shell | gh auth status masked token
$ gh auth status
github.com
  ✓ Logged in to github.com account {N:user} (GITHUB_TOKEN)
  - Active account: true
  - Git operations protocol: https
  - Token: {N:masked}
  - Token scopes: 'gist', 'read:org', 'repo'
@@ shell | docker login from secret file
cat ~/.secrets/dockerhub | docker login -u acmebot --password-stdin
Login Succeeded
@@ shell | docker pull by digest
docker pull ghcr.io/acme/api@{N:digest}
{N:digest}: Pulling from acme/api
Digest: {N:digest}
Status: Downloaded newer image for ghcr.io/acme/api@{N:digest}
@@ shell | git log oneline
$ git log --oneline -5
{N:short} (HEAD -> {N:branch}) fix: retry on 429
{N:short} chore: bump sdk to {N:ver}
{N:short} feat: add langfuse tracing
{N:short} ci: cache uv
{N:short} docs: tokens live in vault now
@@ shell | git rev-parse and show-ref
$ git rev-parse HEAD
{N:sha1}
$ git show-ref --tags | tail -2
{N:sha1} refs/tags/v{N:ver}
{N:sha1} refs/tags/v{N:ver}
@@ shell | sha256sum output
$ sha256sum dist/*
{N:sha256}  dist/acme-{N:ver}-py3-none-any.whl
{N:sha256}  dist/acme-{N:ver}.tar.gz
@@ shell | pip install with hashes
pip install --require-hashes \
  requests=={N:ver} {N:pypi_hash} \
  urllib3=={N:ver} {N:pypi_hash}
@@ shell | vault login with token from file
vault login -no-print $(cat ~/.vault-token)
vault kv get -field=password secret/ci/mysql
@@ shell | vault token lookup output without the token
$ vault token lookup -accessor {N:ksuid}
Key                 Value
---                 -----
accessor            {N:ksuid}
creation_time       {N:epoch}
display_name        github-{N:user}
entity_id           {N:uuid}
expire_time         {N:ts}
id                  n/a
policies            [default deploy]
@@ shell | aws sts get-caller-identity
$ aws sts get-caller-identity
{
    "UserId": "{N:akia}",
    "Account": "{N:aws_acct}",
    "Arn": "arn:aws:iam::{N:aws_acct}:user/{N:user}"
}
@@ shell | aws iam list-access-keys
$ aws iam list-access-keys --user-name {N:user} --output text
ACCESSKEYMETADATA	{N:akia}	{N:ts}	Active	{N:user}
ACCESSKEYMETADATA	{N:akia}	{N:ts}	Inactive	{N:user}
@@ shell | curl with env var tokens
curl -s https://api.openai.com/v1/models -H "Authorization: Bearer $OPENAI_API_KEY" | jq '.data | length'
curl -s -H "x-api-key: ${ANTHROPIC_API_KEY}" https://api.anthropic.com/v1/models
@@ shell | script positional args that are ids
./scripts/replay.sh {N:stripe_obj} {N:stripe_obj} --since {N:date}
./scripts/replay.sh {N:uuid} --dry-run
@@ shell | kubectl get secret names only
$ kubectl -n prod get secrets
NAME                 TYPE                             DATA   AGE
api-keys             Opaque                           3      41d
ghcr-pull            kubernetes.io/dockerconfigjson   1      120d
tls-acme             kubernetes.io/tls                2      12d
@@ shell | kubeseal output sealed value
$ kubeseal --raw --namespace prod --name api-keys --from-file=/dev/stdin <<< "$TOKEN"
{N:sealed}
@@ shell | sops encrypt output
$ sops -e --input-type dotenv .env.prod | tail -3
OPENAI_API_KEY={N:sops}
STRIPE_KEY={N:sops}
sops_version={N:ver}
@@ shell | age keygen public key printed
$ age-keygen -y key.txt
{N:age_pub}
$ age -r {N:age_pub} -o notes.age notes.txt
@@ shell | ssh-keygen fingerprints
$ ssh-keygen -lf ~/.ssh/id_ed25519.pub
256 {N:ssh_fp} {N:user}@{N:host} (ED25519)
$ ssh-keyscan -t ed25519 github.com 2>/dev/null | ssh-keygen -lf -
256 {N:ssh_fp} github.com (ED25519)
@@ shell | gpg list keys
$ gpg --list-secret-keys --keyid-format LONG
sec   ed25519/{N:gpg_keyid} {N:date} [SC]
      {N:gpg_fp}
uid                 [ultimate] {N:name} <{N:email}>
ssb   cv25519/{N:gpg_keyid} {N:date} [E]
@@ shell | cast wallet address and tx
$ cast wallet address --account deployer
{N:eth_addr}
$ cast send {N:eth_addr} --value 0.01ether --account deployer
transactionHash         {N:tx_hash}
blockHash               {N:tx_hash}
@@ shell | npm view integrity
$ npm view left-pad@1.3.0 dist.integrity dist.shasum
dist.integrity = '{N:sri}'
dist.shasum = '{N:sha1}'
@@ shell | placeholders in a usage message
Usage: release.sh <env> <token>
  e.g. release.sh staging {N:placeholder}
@@ shell | echo of a masked value
$ ./bin/check-creds
openai   {N:masked}  ok
github   {N:masked}  ok
stripe   {N:masked}  expired
@@ shell | stripe cli listing ids
$ stripe customers list --limit 2 | jq -r '.data[].id'
{N:stripe_obj}
{N:stripe_obj}
$ stripe events resend {N:stripe_obj}
@@ shell | aws s3 presign look-alike without signature
aws s3 cp s3://acme-builds/{N:sha1}/app.tar.gz . --region {N:region}
download: s3://acme-builds/{N:sha1}/app.tar.gz to ./app.tar.gz
@@ shell | openssl dgst output
$ openssl dgst -sha256 -hex release.tar.gz
SHA2-256(release.tar.gz)= {N:sha256}
$ md5sum release.tar.gz
{N:md5}  release.tar.gz
@@ shell | uuidgen and ulid generation
$ uuidgen | tr A-Z a-z
{N:uuid}
$ ulid
{N:ulid}
@@ shell | env dump with references only
$ env | grep -i -E 'token|key|secret' | sort
GITHUB_TOKEN_FILE=/run/secrets/github
OPENAI_API_KEY_PATH=/run/secrets/openai
SECRET_NAME=prod/api
STRIPE_KEY_REF=vault:secret/data/stripe#key
@@ shell | op read reference
op read "op://Deploy/Stripe prod/credential" | wc -c
     108
@@ shell | cosign verify output
$ cosign verify --key cosign.pub ghcr.io/acme/api@{N:digest}
Verification for ghcr.io/acme/api@{N:digest} --
The following checks were performed on each of these signatures:
  - The signatures were verified against the specified public key
[{"critical":{"identity":{"docker-reference":"ghcr.io/acme/api"},"image":{"docker-manifest-digest":"{N:digest}"},"type":"cosign container image signature"},"optional":{"Bundle":{"SignedEntryTimestamp":"{N:sig_b64}"}}}]
@@ shell | gh api listing app installations ids
$ gh api /app/installations --jq '.[] | [.id, .account.login, .app_id] | @tsv'
{N:int}	acme	{N:int}
{N:int}	acme-labs	{N:int}
@@ shell | ids sharing provider prefixes
$ grep -rn "hf_hub_download\|sk_buff\|npm_package_version" src | head -3
src/fetch.py:{N:int}:from huggingface_hub import hf_hub_download
src/net.c:{N:int}:static int rx(struct sk_buff *skb)
scripts/ver.sh:{N:int}:echo "$npm_package_version"
@@ shell | ipfs add output
$ ipfs add -r site/
added {N:cid} site/index.html
added {N:cid} site
@@ shell | terraform output public values
$ terraform output
cdn_domain = "d{N:short}.cloudfront.net"
google_client_id = "{N:google_client}"
stripe_publishable_key = "{N:stripe_pk}"
db_password = <sensitive>
@@ shell | twilio sids from cli
$ twilio api:core:incoming-phone-numbers:list
SID                                 Phone Number  Friendly Name
{N:twilio_sk}  +14155550142  support
{N:twilio_msg}  +14155550199  alerts
@@ shell | base64 of non-secret json
$ echo -n '{"env":"prod","region":"{N:region}"}' | base64
{N:b64blob}
"""
)

BLOCKS.append(
    r"""
@@ yaml | kubernetes env list with value field
      containers:
        - name: api
          image: ghcr.io/acme/api:{N:ver}
          env:
            - name: UPSTREAM_1
              value: "{S:openai_proj}"
            - name: UPSTREAM_2
              value: "{S:anthropic}"
            - name: LOG_LEVEL
              value: info
@@ yaml | container args with token flag value
      containers:
        - name: runner
          image: gitlab/gitlab-runner:v{N:ver}
          args:
            - register
            - --non-interactive
            - --url=https://gitlab.acme.io
            - --token={S:glrt}
            - --executor=kubernetes
@@ yaml | container args positional token
          command: ["/bin/agent"]
          args: ["run", "--org", "acme", "{S:grafana_cloud}"]
@@ yaml | kubernetes secret data base64
apiVersion: v1
kind: Secret
metadata:
  name: ci-{N:word}
  namespace: build
type: Opaque
data:
  a: {S:ghp|b64}
  b: {S:npm|b64}
@@ yaml | kubernetes secret stringData generic keys
apiVersion: v1
kind: Secret
metadata:
  name: integrations
stringData:
  "1": {S:slack_bot}
  "2": {S:linear}
  "3": {S:notion}
@@ yaml | docker compose command with token
services:
  tunnel:
    image: cloudflare/cloudflared:{N:ver}
    command: tunnel --no-autoupdate run --token {S:cf_origin}
    restart: unless-stopped
@@ yaml | compose environment list form
services:
  worker:
    image: acme/worker:{N:short}
    environment:
      - QUEUE=default
      - UPSTREAM={S:together}
      - FALLBACK={S:fireworks}
@@ yaml | alertmanager slack webhook url
receivers:
  - name: oncall
    slack_configs:
      - api_url: https://hooks.slack.com/services/T{N:algolia_app}/B{N:algolia_app}/{S:slack_hook}
        channel: '#alerts'
        send_resolved: true
@@ yaml | alertmanager discord webhook
receivers:
  - name: discord
    webhook_configs:
      - url: https://discord.com/api/webhooks/{N:snowflake}/{S:discord_hook}
@@ yaml | alertmanager pagerduty routing key
receivers:
  - name: pd
    pagerduty_configs:
      - routing_key: {S:pd_routing}
        severity: critical
@@ yaml | prometheus scrape with bearer token
scrape_configs:
  - job_name: federate
    scheme: https
    authorization:
      credentials: {S:grafana_sa}
    static_configs:
      - targets: ['{N:host}:9090']
@@ yaml | gitlab ci variables with value key
variables:
  DOCKER_DRIVER: overlay2
  DEPLOY_KEY:
    value: "{S:gldt}"
    description: "deploy token, read_registry"
@@ yaml | github actions matrix with tokens
jobs:
  smoke:
    strategy:
      matrix:
        target:
          - { name: eu, token: "{S:do_pat}" }
          - { name: us, token: "{S:do_pat}" }
@@ yaml | github actions with inputs positional-like
      - uses: acme/deploy-action@{N:sha1}
        with:
          args: deploy --prod {S:vercel}
@@ yaml | ansible vars list of keys
authorized_api_clients:
  - id: mobile
    key: {S:b62_40}
  - id: partner-{N:word}
    key: {S:b62_40}
@@ yaml | ansible task with password argument
- name: create db user
  community.mysql.mysql_user:
    name: app_rw
    password: "{S:password}"
    priv: "orders.*:ALL"
@@ yaml | helm values extraArgs with token
agent:
  image:
    tag: {N:ver}
  extraArgs:
    - --api-key
    - {S:dd_api}
    - --site=datadoghq.eu
@@ yaml | helm values credentials list
registries:
  - url: ghcr.io
    auth: [acmebot, {S:ghp}]
  - url: registry.gitlab.com
    auth: [deploy, {S:gldt}]
@@ yaml | mkdocs or app config generic value
plugins:
  - search
  - git-committers:
      repository: acme/docs
      token: !!str {S:ghp}
@@ yaml | dependabot registries with token
version: 2
registries:
  npm-github:
    type: npm-registry
    url: https://npm.pkg.github.com
    token: {S:ghp}
@@ yaml | renovate host rules in yaml
hostRules:
  - matchHost: gitlab.acme.io
    token: {S:glpat}
  - matchHost: acme.jfrog.io
    username: ci
    password: {S:jfrog_api}
@@ yaml | circleci context export
# exported from context "release" on {N:date}
- {S:pypi}
- {S:rubygems}
- {S:nuget}
@@ yaml | openapi example with token value
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
  examples:
    ok:
      value:
        Authorization: Bearer {S:jwt}
@@ yaml | cloud-init write_files with key
write_files:
  - path: /etc/ssh/ssh_host_ed25519_key
    permissions: '0600'
    content: |
      {S:openssh|indent6}
@@ yaml | argo cd repo credentials
apiVersion: v1
kind: Secret
metadata:
  name: repo-{N:int}
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  url: https://github.com/acme/gitops
  password: {S:ghs}
  username: x-access-token
@@ yaml | external service in a list of tuples
upstreams:
  - [openai, {S:openai_svc}]
  - [groq, {S:groq}]
  - [xai, {S:xai}]
@@ yaml | mail relay config
smtp:
  host: smtp.sendgrid.net
  port: 587
  user: apikey
  pass: {S:sendgrid}
@@ yaml | postmark server token in notifier config
notifiers:
  - type: postmark
    from: alerts@acme.io
    server: {S:postmark}
@@ yaml | resend and mailchimp in values
email:
  transactional: {S:resend}
  marketing: {S:mailchimp}
@@ yaml | twilio in a yaml list
sms:
  account: {N:twilio_ac}
  credentials:
    - {N:twilio_sk}
    - {S:twilio_secret}
@@ yaml | hubspot and intercom in an integration yaml
integrations:
  hubspot: {S:hubspot}
  intercom: {S:intercom}
  zendesk: {N:email}/token:{S:zendesk}
@@ yaml | sentry and new relic in observability config
observability:
  sentry:
    dsn: {N:sentry_dsn}
    upload: {S:sentry_user}
  newrelic:
    - {S:nr_license}
@@ yaml | honeycomb otel collector exporter header
exporters:
  otlp/honeycomb:
    endpoint: api.honeycomb.io:443
    headers:
      x-honeycomb-team: {S:honeycomb}
@@ yaml | supabase service key in edge config
supabase:
  url: https://{N:word}.supabase.co
  anon: {N:supabase_anon}
  service: {S:supabase_service}
@@ yaml | neon and upstash in preview env
preview:
  - {S:neon}
  - {S:upstash}
  - {S:supabase_secret}
@@ yaml | shopify app config
shopify:
  shop: {N:word}.myshopify.com
  api_key: {N:shopify_pub}
  secret: {S:shopify_ss}
  access: {S:shopify}
@@ yaml | adyen and square payment config
payments:
  adyen:
    merchant: Acme{N:word}ECOM
    key: {S:adyen}
  square:
    app: {N:square_app}
    access: {S:square}
@@ yaml | auth0 tenant config
auth0:
  domain: acme.eu.auth0.com
  client_id: {N:auth0_client}
  client_secret: {S:auth0_secret}
@@ yaml | clerk keys pair
clerk:
  - {N:clerk_pk}
  - {S:clerk_sk}
@@ yaml | algolia keys pair
algolia:
  app: {N:algolia_app}
  keys: [{S:algolia_admin}]  # write access, backend only
@@ yaml | coinbase cdp key in values
cdp:
  name: organizations/{N:uuid}/apiKeys/{N:uuid}
  key: |
    {S:coinbase_ec|indent4}
@@ yaml | wallet seed in a hardhat config yaml
networks:
  sepolia:
    url: https://sepolia.infura.io/v3/{N:md5}
    accounts:
      mnemonic: "{S:seed}"
@@ yaml | accounts list of private keys
networks:
  mainnet:
    accounts:
      - "0x{S:eth_priv}"
      - "0x{S:eth_priv}"
@@ yaml | sops-like file mistakenly decrypted
# decrypted for debugging, do not commit
db: {S:randpw}
redis: {S:randpw}
@@ yaml | ci cache credentials
cache:
  s3:
    - {N:akia}
    - {S:aws_secret}
@@ yaml | box and dropbox tokens in backup config
backup:
  targets:
    - type: dropbox
      token: {S:dropbox}
    - type: box
      token: {S:box}
@@ yaml | airtable and asana in automation config
automations:
  - source: airtable
    auth: {S:airtable}
  - source: asana
    auth: {S:asana}
@@ yaml | figma and postman in design tooling config
tools:
  figma: [{S:figma}]
  postman: [{S:postman}]
@@ yaml | okta and salesforce in sso config
sso:
  okta:
    - acme.okta.com
    - {S:okta}
  salesforce:
    session: {S:salesforce}
"""
)

BLOCKS.append(
    r"""
@@ yaml | kubernetes env from secret refs
          env:
            - name: OPENAI_API_KEY
              valueFrom:
                secretKeyRef:
                  name: api-keys
                  key: openai
            - name: BUILD_SHA
              value: "{N:sha1}"
@@ yaml | github actions using secrets references
      - uses: docker/login-action@{N:sha1}
        with:
          registry: ghcr.io
          username: ${{ github.actor }}
          password: ${{ secrets.GITHUB_TOKEN }}
@@ yaml | github actions pinned by sha
    steps:
      - uses: actions/checkout@{N:sha1} # v4.2.2
      - uses: actions/setup-node@{N:sha1} # v4.1.0
      - uses: astral-sh/setup-uv@{N:sha1} # v5
@@ yaml | image digests in kustomization
images:
  - name: ghcr.io/acme/api
    digest: {N:digest}
  - name: ghcr.io/acme/worker
    digest: {N:digest}
@@ yaml | sealed secret encrypted data
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: api-keys
  namespace: prod
spec:
  encryptedData:
    openai: {N:sealed}
    stripe: {N:sealed}
@@ yaml | sops encrypted yaml
db_password: {N:sops}
api_token: {N:sops}
sops:
    kms:
        - arn: arn:aws:kms:{N:region}:{N:aws_acct}:key/{N:uuid}
          created_at: "{N:ts}"
          enc: {N:kms_cipher}
    lastmodified: "{N:ts}"
    mac: {N:sops}
    version: {N:ver}
@@ yaml | ansible vault inline value
db_password: !vault |
          $ANSIBLE_VAULT;1.1;AES256
          {N:sha256}{N:md5}
          {N:sha256}{N:md5}
@@ yaml | external secrets remote refs
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
spec:
  secretStoreRef:
    name: vault-backend
    kind: ClusterSecretStore
  data:
    - secretKey: token
      remoteRef:
        key: secret/data/ci/github
        property: token
@@ yaml | firebase web config public key
firebase:
  apiKey: {N:firebase_web}
  authDomain: {N:word}-app.firebaseapp.com
  projectId: {N:word}-app
  messagingSenderId: "{N:aws_acct}"
  appId: {N:firebase_app}
@@ yaml | frontend public keys list
public_keys:
  - {N:stripe_pk}
  - {N:mapbox_pk}
  - {N:clerk_pk}
  - {N:langfuse_pk}
@@ yaml | supabase publishable config
supabase:
  url: https://{N:word}.supabase.co
  publishable: {N:supabase_pub}
  anon: {N:supabase_anon}
@@ yaml | oauth client ids only
oauth:
  google:
    client_id: {N:google_client}
    client_secret_ref: projects/{N:aws_acct}/secrets/google-oauth/versions/latest
  github:
    client_id: {N:gh_client}
@@ yaml | placeholder values in a chart default
# Override in your own values file.
openai:
  apiKey: {N:placeholder}
github:
  token: {N:placeholder}
@@ yaml | masked values in a rendered config dump
upstreams:
  openai: {N:masked}
  anthropic: {N:masked}
  groq: {N:masked}
@@ yaml | authorized keys list in cloud-init
users:
  - name: {N:user}
    ssh_authorized_keys:
      - {N:ssh_pub}
      - {N:ssh_pub}
@@ yaml | age recipients in sops config
creation_rules:
  - path_regex: secrets/.*\.yaml$
    age: >-
      {N:age_pub},
      {N:age_pub}
@@ yaml | pgp fingerprints in sops config
creation_rules:
  - path_regex: .*prod.*
    pgp: {N:sha1|upper}
    kms: arn:aws:kms:{N:region}:{N:aws_acct}:alias/sops
@@ yaml | certificate in a configmap
apiVersion: v1
kind: ConfigMap
metadata:
  name: ca-bundle
data:
  ca.crt: |
    {N:cert|indent4}
@@ yaml | slack channel and user ids in bot config
slack:
  channels: [{N:slack_id}, {N:slack_id}]
  admins:
    - {N:slack_id}
  team: {N:slack_id}
@@ yaml | twilio sids only
twilio:
  account_sid: {N:twilio_ac}
  messaging_service: {N:twilio_msg}
  auth_token_from: env:TWILIO_AUTH_TOKEN
@@ yaml | wallet addresses in a treasury config
treasury:
  multisig: {N:eth_addr}
  signers:
    - {N:eth_addr}
    - {N:eth_addr}
  btc_cold: {N:btc_addr}
@@ yaml | lockfile integrity entries
packages:
  /left-pad@1.3.0:
    resolution: {integrity: {N:sri}}
  /lodash@4.17.21:
    resolution: {integrity: {N:sri}}
@@ yaml | terraform cloud ids in a workflow
env:
  TF_WORKSPACE_ID: {N:tfc_id}
  TF_RUN_ID: {N:tfc_id}
  TF_ORG: acme
@@ yaml | ids of ai resources in an eval config
evals:
  - model: claude-sonnet-4-5
    batch: {N:anthropic_id}
  - model: gpt-4.1
    file: {N:openai_id}
    assistant: {N:openai_id}
@@ yaml | hf repos and revisions
models:
  - repo: {N:hf_repo}
    revision: {N:sha1}
  - repo: {N:hf_repo}
    revision: {N:sha1}
@@ yaml | sentry dsn and new relic browser key
sentry:
  dsn: {N:sentry_dsn}
newrelic_browser:
  key: {N:nrjs}
  app_id: "{N:int}"
@@ yaml | okta and auth0 client ids
okta:
  issuer: https://acme.okta.com/oauth2/default
  client_id: {N:okta_client}
auth0:
  client_id: {N:auth0_client}
@@ yaml | recaptcha and hcaptcha site keys
captcha:
  recaptcha_site_key: {N:recaptcha_site}
  hcaptcha_site_key: {N:hcaptcha_site}
@@ yaml | jwks public key set in yaml
keys:
  - kty: RSA
    kid: {N:kid}
    use: sig
    alg: RS256
    e: AQAB
    n: {N:jwk_n}
@@ yaml | request ids in a recorded fixture
interactions:
  - request:
      uri: https://api.stripe.com/v1/customers/{N:stripe_obj}
      headers:
        Authorization: [Bearer REDACTED]
    response:
      headers:
        Request-Id: [{N:req_id}]
"""
)

BLOCKS.append(
    r"""
@@ source | python list of rotating keys
KEYS = [
    "{S:openai_proj}",
    "{S:openai_proj}",
]
client = OpenAI(api_key=random.choice(KEYS))
@@ source | python positional constructor argument
from anthropic import Anthropic

client = Anthropic("{S:anthropic}")
@@ source | python tuple of credentials
CREDS = ("{N:akia}", "{S:aws_secret}")
s3 = boto3.client("s3", *CREDS, region_name="{N:region}")
@@ source | python dict with generic keys
SERVICES = {
    "a": {"url": "https://api.groq.com/openai/v1", "v": "{S:groq}"},
    "b": {"url": "https://api.mistral.ai/v1", "v": "{S:mistral}"},
}
@@ source | python test fixture returning token
@pytest.fixture
def token():
    return "{S:ghp}"
@@ source | python function default argument
def post_alert(text, hook="https://hooks.slack.com/services/T{N:algolia_app}/B{N:algolia_app}/{S:slack_hook}"):
    requests.post(hook, json={"text": text}, timeout=5)
@@ source | javascript array of strings
const pool = [
  '{S:replicate}',
  '{S:replicate}',
  '{S:hf}',
];
export default pool;
@@ source | javascript client positional argument
import Stripe from 'stripe';
const stripe = new Stripe('{S:stripe_sk}', { apiVersion: '2024-06-20' });
@@ source | typescript object with value field
export const upstream = {
  name: 'cohere',
  value: '{S:cohere}',
  timeoutMs: {N:ms},
};
@@ source | go call with token literal
client := github.NewClient(nil).WithAuthToken("{S:github_pat}")
repos, _, err := client.Repositories.ListByOrg(ctx, "acme", nil)
@@ source | go slice of tokens
var tokens = []string{
	"{S:do_pat}",
	"{S:do_oauth}",
}
@@ source | rust string constant passed positionally
let client = reqwest::Client::new();
let res = client
    .get("https://api.vultr.com/v2/instances")
    .bearer_auth("{S:vultr}")
    .send()
    .await?;
@@ source | java method call with key
Twilio.init("{N:twilio_ac}", "{S:twilio_auth}");
Message msg = Message.creator(new PhoneNumber(to), new PhoneNumber(from), body).create();
@@ source | kotlin interceptor with bearer literal
class AuthInterceptor : Interceptor {
    override fun intercept(chain: Interceptor.Chain): Response =
        chain.proceed(chain.request().newBuilder().header("Authorization", "Bearer {S:supabase_service}").build())
}
@@ source | swift string literal passed to sdk
let config = PostHogConfig(apiKey: "phc_{N:ksuid}")
Purchases.configure(withAPIKey: "appl_{N:ksuid}")
let openAI = OpenAI(apiToken: "{S:openai_legacy}")
@@ source | csharp constructor with key
var client = new SendGridClient("{S:sendgrid}");
var msg = MailHelper.CreateSingleEmail(from, to, subject, text, html);
@@ source | php array config with positional tokens
return [
    'mailgun' => ['{N:word}.acme.io', '{S:mailgun}'],
    'postmark' => ['{S:postmark}'],
];
@@ source | ruby client with literal
client = Octokit::Client.new(access_token: '{S:gho}')
Slack::Web::Client.new(token: '{S:slack_user}').auth_test
@@ source | shell-like python subprocess args
subprocess.run(["vault", "login", "{S:vault}"], check=True)
subprocess.run(["gh", "auth", "login", "--with-token"], input="{S:ghu}", text=True, check=True)
@@ source | python dataclass default
@dataclass
class Target:
    host: str = "{N:host}"
    user: str = "{N:user}"
    secret: str = "{S:randpw}"
@@ source | commented-out token in code
# client = Linear("{S:linear}")
client = Linear(os.environ["LINEAR_API_KEY"])
@@ source | test asserting a token header
def test_auth_header(client):
    r = client.get("/me", headers={"Authorization": "token {S:ghp}"})
    assert r.status_code == 200
@@ source | javascript fetch with token in template literal
const res = await fetch(`https://api.notion.com/v1/databases/${dbId}/query`, {
  method: 'POST',
  headers: { Authorization: `Bearer {S:notion}`, 'Notion-Version': '2022-06-28' },
});
@@ source | go struct literal with generic field
cfg := Config{
	Endpoint: "https://api.honeycomb.io",
	Data:     "{S:honeycomb}",
	Dataset:  "api",
}
@@ source | sql insert with token column
INSERT INTO integrations (id, provider, v, created_at) VALUES
  ({N:int}, 'pagerduty', '{S:pagerduty}', '{N:ts}'),
  ({N:int}, 'opsgenie', '{S:mongodb_atlas_priv}', '{N:ts}');
@@ source | c string constant
static const char *k = "{S:tencent_secret}";
static const char *id = "AKID{N:md5}";
@@ source | lua table of keys
local keys = {
  "{S:elevenlabs}",
  "{S:assemblyai}",
}
@@ source | elixir config positional
config :acme, Acme.Mailer,
  adapter: Swoosh.Adapters.Resend,
  api_key: "{S:resend}"
@@ source | python jwt literal in a test
TOKEN = "{S:jwt}"
resp = client.get("/orders", headers={"Authorization": f"Bearer {TOKEN}"})
@@ source | python base64 literal of credentials
AUTH = "{S:basic}"
session.headers["Authorization"] = "Basic " + AUTH
@@ source | python multi-line pem string
PRIVATE_KEY = '''{S:pem_rsa}'''
signer = load_pem_private_key(PRIVATE_KEY.encode(), password=None)
@@ source | javascript pem template string
const key = `{S:pem_pkcs8}`;
jwt.sign(payload, key, { algorithm: 'RS256' });
@@ source | python eth account from key
acct = Account.from_key("0x{S:eth_priv}")
print(acct.address)
@@ source | javascript mnemonic in hardhat config
module.exports = {
  networks: { sepolia: { url: RPC, accounts: { mnemonic: '{S:seed}' } } },
};
@@ source | go nostr sign with nsec
sk, _ := nip19.Decode("{S:nsec}")
ev.Sign(sk.(string))
@@ source | python age identity literal
identity = pyrage.x25519.Identity.from_str("{S:age}")
@@ source | python azure blob client with key
svc = BlobServiceClient(account_url="https://acmelogs.blob.core.windows.net", credential="{S:azure_storage}")
@@ source | terraform provider block with token
provider "hcloud" {
  token = "{S:hetzner}"
}
provider "linode" {
  token = "{S:linode}"
}
@@ source | terraform variable default
variable "api_token" {
  type      = string
  default   = "{S:cloudflare}"
}
@@ source | dockerfile arg default
FROM node:20-alpine
ARG NPM_TOKEN={S:npm}
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
@@ source | makefile with token passed to cli
deploy:
	flyctl deploy --access-token "FlyV1 {S:fly}" --remote-only
@@ source | powershell with secure string from plaintext
$pw = ConvertTo-SecureString '{S:password}' -AsPlainText -Force
$cred = New-Object System.Management.Automation.PSCredential('{N:user}', $pw)
@@ source | python dropbox sdk
dbx = dropbox.Dropbox("{S:dropbox}")
dbx.files_upload(data, "/backups/{N:date}.tar.gz")
@@ source | javascript algolia admin client
const client = algoliasearch('{N:algolia_app}', '{S:algolia_admin}'); // admin, server only
await client.initIndex('products').saveObjects(items);
@@ source | python ibm and oracle keys
authenticator = IAMAuthenticator("{S:ibm}")
oci_auth = ("{N:email}", "{S:oci_auth}")
"""
)

BLOCKS.append(
    r"""
@@ source | python env lookups for keys
client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
anthropic = Anthropic(api_key=os.getenv("ANTHROPIC_API_KEY"))
gh = Github(auth=Auth.Token(os.environ["GH_TOKEN"]))
@@ source | javascript process env lookups
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY);
const pc = new Pinecone({ apiKey: process.env.PINECONE_API_KEY! });
@@ source | token format regexes in a validator
TOKEN_PATTERNS = {
    "github": re.compile(r"^gh[pousr]_[A-Za-z0-9]{36}$"),
    "gitlab": re.compile(r"^glpat-[A-Za-z0-9_-]{20}$"),
    "slack": re.compile(r"^xox[baprs]-[0-9A-Za-z-]+$"),
}
@@ source | prefix checks in code
if token.startswith(("sk-proj-", "sk-svcacct-")):
    kind = "openai"
elif token.startswith("sk-ant-"):
    kind = "anthropic"
elif token.startswith(("ghp_", "github_pat_")):
    kind = "github"
@@ source | identifiers sharing provider prefixes
from huggingface_hub import hf_hub_download, hf_hub_url
npm_package_version = os.environ.get("npm_package_version", "{N:ver}")
sk_live_mode = settings.STRIPE_LIVE
ghp_count = len(personal_tokens)
@@ source | stripe ids in test fixtures
CUSTOMER = "{N:stripe_obj}"
PAYMENT_INTENT = "{N:stripe_obj}"
EVENT = "{N:stripe_obj}"
PUBLISHABLE = "{N:stripe_pk}"
@@ source | javascript public keys in frontend config
export const config = {
  stripe: '{N:stripe_pk}',
  mapbox: '{N:mapbox_pk}',
  clerk: '{N:clerk_pk}',
  sentry: '{N:sentry_dsn}',
};
@@ source | firebase web config object
const firebaseConfig = {
  apiKey: "{N:firebase_web}",
  authDomain: "{N:word}-app.firebaseapp.com",
  projectId: "{N:word}-app",
  storageBucket: "{N:word}-app.appspot.com",
  messagingSenderId: "{N:aws_acct}",
  appId: "{N:firebase_app}"
};
@@ source | supabase browser client with anon key
// the anon key is public by design; RLS guards the tables
export const supabase = createClient('https://{N:word}.supabase.co', '{N:supabase_anon}');
@@ source | algolia search-only client in browser
// search-only key, safe in the browser
const search = algoliasearch('{N:algolia_app}', '{N:shopify_pub}');
@@ source | uuid constants
NAMESPACE = uuid.UUID("{N:uuid}")
DEFAULT_TENANT = "{N:uuid}"
@@ source | hash constants in a test vector
# sha256 of b"hello world\n"
EXPECTED = "{N:sha256}"
assert hashlib.sha256(data).hexdigest() == EXPECTED
@@ source | known good checksums table
CHECKSUMS = {
    "linux-amd64": "{N:sha256}",
    "darwin-arm64": "{N:sha256}",
    "windows-amd64": "{N:sha256}",
}
@@ source | public key pem constant
WEBHOOK_PUBLIC_KEY = '''{N:pubkey_pem}'''
@@ source | ssh known hosts constant
KNOWN_HOSTS = [
    "github.com {N:ssh_pub}",
    "gitlab.com {N:ssh_pub}",
]
@@ source | wallet addresses in a contract test
OWNER = "{N:eth_addr}"
TREASURY = "{N:eth_addr}"
DEPLOY_TX = "{N:tx_hash}"
@@ source | age recipients in code
RECIPIENTS = ["{N:age_pub}", "{N:age_pub}"]
@@ source | nostr npub follows list
const follows = ['{N:npub}', '{N:npub}', '{N:npub}'];
@@ source | placeholder constants in an example
API_KEY = "{N:placeholder}"  # replace with your key
@@ source | masked token in a log statement
log.info("using token %s", "{N:masked}")
@@ source | github app ids in code
APP_ID = {N:int}
CLIENT_ID = "{N:gh_client}"
PRIVATE_KEY_PATH = "/run/secrets/github-app.pem"
@@ source | google oauth client id in code
GOOGLE_CLIENT_ID = "{N:google_client}"
flow = Flow.from_client_secrets_file("client_secret.json", scopes=SCOPES)
@@ source | openai and anthropic ids in tests
def test_parse_ids():
    assert parse("{N:openai_id}").kind == "openai"
    assert parse("{N:anthropic_id}").kind == "anthropic"
@@ source | terraform data lookups
data "aws_secretsmanager_secret_version" "db" {
  secret_id = "prod/db/{N:word}"
}
resource "aws_db_instance" "main" {
  password = data.aws_secretsmanager_secret_version.db.secret_string
}
@@ source | dockerfile with build secret mount
# syntax=docker/dockerfile:1.7
FROM python:3.12-slim@{N:digest}
RUN --mount=type=secret,id=pypi,env=UV_INDEX_TOKEN uv sync --frozen
@@ source | go embedded digests
var imageDigests = map[string]string{
	"api":    "{N:digest}",
	"worker": "{N:digest}",
}
@@ source | rust test with ulid and ksuid
let id = Ulid::from_string("{N:ulid}").unwrap();
let k = Ksuid::from_base62("{N:ksuid}").unwrap();
@@ source | c header with fingerprint pins
static const char *PINS[] = {
    "{N:ssh_fp}",
    "{N:ssh_fp}",
};
@@ source | jwk public key in code
JWK = {"kty": "RSA", "kid": "{N:kid}", "alg": "RS256", "use": "sig", "e": "AQAB", "n": "{N:jwk_n}"}
@@ source | ipfs cids in code
const ASSETS = { logo: 'ipfs://{N:cid}', manifest: 'ipfs://{N:cid}' };
@@ source | slack ids constants
ALERT_CHANNEL = "{N:slack_id}"
ONCALL_GROUP = "{N:slack_id}"
@@ source | twilio sids with auth from env
client = Client("{N:twilio_sk}", os.environ["TWILIO_API_SECRET"], "{N:twilio_ac}")
@@ source | sendgrid template ids
TEMPLATES = {"welcome": "{N:sendgrid_tpl}", "reset": "{N:sendgrid_tpl}"}
@@ source | airtable ids in a query
records = table.all(view="{N:airtable_id}", formula="{Status}='Open'")
base = api.base("{N:airtable_id}")
@@ source | kms encrypted constant
# encrypted with alias/app, decrypted at start-up
ENCRYPTED_DB_PASSWORD = "{N:kms_cipher}"
@@ source | recaptcha site key in template
<div class="g-recaptcha" data-sitekey="{N:recaptcha_site}"></div>
<script src="https://www.google.com/recaptcha/api.js" integrity="{N:sri384}" crossorigin="anonymous"></script>
@@ source | short ghs look-alikes as identifiers
const ghs_ok = true;
const labels = ['{N:gh_short}', '{N:gh_short}'];
"""
)

BLOCKS.append(
    r"""
@@ url | slack webhook url alone
https://hooks.slack.com/services/T{N:algolia_app}/B{N:algolia_app}/{S:slack_hook}
@@ url | discord webhook url in a list
- https://discord.com/api/webhooks/{N:snowflake}/{S:discord_hook}
- https://discord.com/api/webhooks/{N:snowflake}/{S:discord_hook}
@@ url | telegram bot api url
https://api.telegram.org/bot{S:telegram}/getUpdates?offset={N:int}
@@ url | telegram file download url
https://api.telegram.org/file/bot{S:telegram}/documents/file_{N:int}.pdf
@@ url | git https url with token as user
https://{S:ghp}@github.com/acme/infra.git
@@ url | git https url with x-access-token
https://x-access-token:{S:ghs}@github.com/acme/api
@@ url | gitlab clone url with deploy token
https://gitlab+deploy-token-{N:int}:{S:gldt}@gitlab.acme.io/web/storefront.git
@@ url | gitlab ci job token url
https://gitlab-ci-token:{S:glcbt}@gitlab.acme.io/infra/terraform.git
@@ url | azure devops url with pat
https://acme:{S:ado_pat}@dev.azure.com/acme/Platform/_git/infra
@@ url | azure devops url with new pat
https://build:{S:ado_pat84}@dev.azure.com/acme/Platform/_git/api
@@ url | bitbucket url with app password
https://{N:user}:{S:bb_app}@bitbucket.org/acme/payments.git
@@ url | database url with human password
postgresql://{N:user}:{S:password|url}@{N:host}:5432/orders?sslmode=require
@@ url | redis url with random password
rediss://default:{S:randpw|url}@{N:word}-{N:int}.upstash.io:6379
@@ url | amqp url with password
amqps://{N:user}:{S:randpw|url}@{N:host}/prod-vhost
@@ url | mongodb srv url
mongodb+srv://{N:user}:{S:password|url}@cluster0.{N:short}.mongodb.net/?retryWrites=true&w=majority
@@ url | azure sas url
https://acmeartifacts.blob.core.windows.net/releases/app-{N:ver}.zip?sp=r&st={N:date}T08:00:00Z&se={N:date}T16:00:00Z&spr=https&sv=2022-11-02&sr=b&sig={S:sas_sig}
@@ url | s3 presigned url
https://acme-exports.s3.{N:region}.amazonaws.com/report-{N:date}.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={N:asia}%2F20260301%2F{N:region}%2Fs3%2Faws4_request&X-Amz-Date=20260301T101500Z&X-Amz-Expires=604800&X-Amz-Security-Token={S:aws_session|url}&X-Amz-SignedHeaders=host&X-Amz-Signature={S:sig_hex64}
@@ url | google api key in query
https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent?key={S:aiza}
@@ url | google chat webhook url
https://chat.googleapis.com/v1/spaces/AAAA{N:nanoid}/messages?key={N:firebase_web}&token={S:b62_40}
@@ url | oauth implicit fragment with access token
https://app.acme.io/callback#access_token={S:ya29}&token_type=Bearer&expires_in=3599&scope=email%20profile
@@ url | oauth redirect with refresh token in fragment
https://localhost:8765/#refresh_token={S:g_refresh}&state={N:nanoid}
@@ url | jupyter server url with token
http://127.0.0.1:8888/lab?token={S:jupyter}
@@ url | mapbox secret token in query
https://api.mapbox.com/uploads/v1/acme?access_token={S:mapbox_sk}
@@ url | ifttt maker webhook key in path
https://maker.ifttt.com/trigger/backup_done/with/key/{S:ifttt}
@@ url | teams incoming webhook
https://acme.webhook.office.com/webhookb2/{N:uuid}@{N:uuid}/IncomingWebhook/{S:hex32}/{N:uuid}/{S:b62_40}
@@ url | mattermost incoming hook
https://chat.acme.io/hooks/{S:mattermost}
@@ url | datadog intake url with key param
https://http-intake.logs.datadoghq.eu/api/v2/logs?dd-api-key={S:dd_api}&ddsource=nginx&service=edge
@@ url | firebase realtime db url with auth param
https://{N:word}-app-default-rtdb.firebaseio.com/users.json?auth={S:b62_40}
@@ url | websocket url with token in path
wss://stream.acme.io/v2/{S:jwt}/events
@@ url | websocket url with query token
wss://realtime.{N:word}.io/socket?vsn=2.0.0&token={S:supabase_service}
@@ url | grafana render url with api key in userinfo
https://api_key:{S:grafana_sa}@grafana.acme.io/render/d-solo/{N:nanoid}/api?panelId=4
@@ url | pypi upload url with token
https://__token__:{S:pypi}@upload.pypi.org/legacy/
@@ url | npm registry url with token
https://acmebot:{S:npm}@registry.npmjs.org/
@@ url | artifactory url with api key
https://ci:{S:jfrog_api}@acme.jfrog.io/artifactory/api/pypi/pypi/simple
@@ url | nuget feed url with key
https://build:{S:nuget}@pkgs.acme.io/nuget/v3/index.json
@@ url | salesforce frontdoor url with session id
https://acme.my.salesforce.com/secur/frontdoor.jsp?sid={S:salesforce}&retURL=%2Flightning%2Fpage%2Fhome
@@ url | stripe api url with key as user
https://{S:stripe_sk}:@api.stripe.com/v1/balance
@@ url | mailchimp api url with key
https://anystring:{S:mailchimp}@us{N:int}.api.mailchimp.com/3.0/lists
@@ url | shopify admin url with token in userinfo
https://{N:shopify_pub}:{S:shopify}@{N:word}-shop.myshopify.com/admin/api/2024-10/orders.json
@@ url | hetzner and vultr tokens in api urls with query token
https://api.example-cloud.io/v1/servers?token={S:hetzner}&page=2
@@ url | honeycomb url with key in query
https://api.honeycomb.io/1/events/api-prod?x-honeycomb-team={S:honeycomb}
@@ url | huggingface resolve url with token userinfo
https://user:{S:hf}@huggingface.co/{N:hf_repo}/resolve/main/config.json
@@ url | vault url with token in query
https://vault.corp:8200/ui/vault/auth?with=token&token={S:vault}
@@ url | basic auth base64 in url param
https://{N:host}/proxy?auth={S:basic|url}
@@ url | percent-encoded token in redirect parameter
https://login.acme.io/continue?next=https%3A%2F%2Fapp.acme.io%2Fsso%3Ftoken%3D{S:okta}
"""
)

BLOCKS.append(
    r"""
@@ url | github commit url
https://github.com/acme/api/commit/{N:sha1}
@@ url | github compare url with shas
https://github.com/acme/api/compare/{N:sha1}...{N:sha1}
@@ url | github blob url pinned to sha with line anchor
https://github.com/acme/infra/blob/{N:sha1}/modules/vpc/main.tf#L{N:int}-L{N:int}
@@ url | gist url with hex id
https://gist.github.com/{N:user}/{N:md5}
@@ url | oauth authorize url with client id state and pkce
https://github.com/login/oauth/authorize?client_id={N:gh_client}&redirect_uri=https%3A%2F%2Fapp.acme.io%2Fcallback&scope=repo%20read%3Aorg&state={N:nanoid}
@@ url | google oauth consent url
https://accounts.google.com/o/oauth2/v2/auth?client_id={N:google_client}&response_type=code&scope=openid%20email&code_challenge={N:kid}&code_challenge_method=S256&state={N:nanoid}
@@ url | etherscan tx and address links
https://etherscan.io/tx/{N:tx_hash}
https://etherscan.io/address/{N:eth_addr}
@@ url | bitcoin explorer link
https://mempool.space/address/{N:btc_addr}
@@ url | ipfs gateway urls
https://ipfs.io/ipfs/{N:cid}
https://{N:cid}.ipfs.dweb.link/
@@ url | npm tarball url
https://registry.npmjs.org/@acme/sdk/-/sdk-{N:ver}.tgz#{N:sri}
@@ url | pypi file url with sha256 fragment
https://files.pythonhosted.org/packages/{N:short}/{N:short}/{N:sha256}/acme-{N:ver}-py3-none-any.whl#sha256={N:sha256}
@@ url | container registry manifest url with digest
https://ghcr.io/v2/acme/api/manifests/{N:digest}
@@ url | sentry dsn url
{N:sentry_dsn}
@@ url | sentry issue link with ids
https://acme.sentry.io/issues/{N:int}/events/{N:md5}/?project={N:int}
@@ url | mapbox style url with public token
https://api.mapbox.com/styles/v1/acme/{N:figma_key}/tiles/256/{N:int}/{N:int}/{N:int}?access_token={N:mapbox_pk}
@@ url | stripe dashboard urls with object ids
https://dashboard.stripe.com/payments/{N:stripe_obj}
https://dashboard.stripe.com/customers/{N:stripe_obj}
@@ url | google docs and drive file ids
https://docs.google.com/document/d/{N:kid}/edit
https://drive.google.com/file/d/{N:nanoid}{N:short}/view?usp=sharing
@@ url | figma and notion page links
https://www.figma.com/design/{N:figma_key}/Checkout?node-id={N:int}-{N:int}
https://www.notion.so/acme/Runbook-{N:md5}
@@ url | airtable shared view link
https://airtable.com/{N:airtable_id}/{N:airtable_id}/{N:airtable_id}
@@ url | api urls with uuids and request ids
https://api.acme.io/v2/orgs/{N:uuid}/projects/{N:uuid}/runs/{N:ulid}
@@ url | openai and anthropic console links with ids
https://platform.openai.com/batches/{N:openai_id}
https://console.anthropic.com/workbench/{N:uuid}
@@ url | huggingface model urls pinned to revision
https://huggingface.co/{N:hf_repo}/blob/{N:sha1}/config.json
@@ url | terraform cloud run url
https://app.terraform.io/app/acme/workspaces/api-prod/runs/{N:tfc_id}
@@ url | url with placeholder token
https://api.telegram.org/bot<token>/getMe
https://hooks.slack.com/services/XXXXXXXXX/XXXXXXXXX/XXXXXXXXXXXXXXXXXXXXXXXX
@@ url | url with env var reference
https://x-access-token:${GITHUB_TOKEN}@github.com/acme/api.git
postgresql://app:${DB_PASSWORD}@db:5432/app
@@ url | masked credentials in url
postgresql://{N:user}:****@{N:host}:5432/orders
https://{N:user}:[REDACTED]@registry.acme.io/v2/
@@ url | url without password in userinfo
ssh://git@github.com/acme/api.git
https://{N:user}@bitbucket.org/acme/payments.git
@@ url | cdn urls with integrity hashes and cache busters
https://cdn.acme.io/app.{N:short}.js?v={N:md5}
https://cdn.jsdelivr.net/npm/htmx.org@{N:ver}/dist/htmx.min.js
@@ url | youtube and loom share links
https://www.youtube.com/watch?v={N:nanoid}&t=42s
https://www.loom.com/share/{N:md5}
@@ url | s3 object url without signature
https://acme-public.s3.{N:region}.amazonaws.com/releases/{N:sha1}/app.tar.gz
"""
)

BLOCKS.append(
    r"""
@@ json | mcp server config args with token
{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github", "--token", "{S:github_pat}"]
    },
    "linear": {
      "command": "npx",
      "args": ["-y", "mcp-remote", "https://mcp.linear.app/sse", "--header", "Authorization: Bearer {S:linear}"]
    }
  }
}
@@ json | postman environment key value pairs
{
  "id": "{N:uuid}",
  "name": "prod",
  "values": [
    {"key": "baseUrl", "value": "https://api.acme.io", "enabled": true},
    {"key": "k1", "value": "{S:postman}", "type": "secret", "enabled": true},
    {"key": "k2", "value": "{S:stripe_rk}", "type": "default", "enabled": true}
  ],
  "_postman_variable_scope": "environment"
}
@@ json | har header entries
{"log": {"entries": [{"request": {"method": "GET", "url": "https://api.acme.io/v1/me", "headers": [
  {"name": "Accept", "value": "application/json"},
  {"name": "Authorization", "value": "Bearer {S:jwt}"},
  {"name": "X-Request-Id", "value": "{N:uuid}"}
]}, "response": {"status": 200}}]}}
@@ json | terraform state output value
{
  "version": 4,
  "terraform_version": "{N:ver}",
  "serial": {N:int},
  "lineage": "{N:uuid}",
  "outputs": {
    "o1": {"value": "{S:do_pat}", "type": "string", "sensitive": true},
    "o2": {"value": "{N:ip}", "type": "string"}
  }
}
@@ json | secrets manager get-secret-value output
{
    "ARN": "arn:aws:secretsmanager:{N:region}:{N:aws_acct}:secret:prod/api-{N:nanoid}",
    "Name": "prod/api",
    "VersionId": "{N:uuid}",
    "SecretString": "{S:randpw}",
    "VersionStages": ["AWSCURRENT"],
    "CreatedDate": "{N:ts}"
}
@@ json | structured log with credentials in message
{"ts":"{N:ts}","level":"info","logger":"sync","msg":"using credentials {S:aws_secret} for {N:akia}","bucket":"acme-backups"}
{"ts":"{N:ts}","level":"info","logger":"sync","msg":"done","objects":{N:int}}
@@ json | structured log of a 401 with token
{"time":"{N:ts}","level":"ERROR","msg":"upstream rejected token","status":401,"token":"{S:xai}","request_id":"{N:uuid}"}
@@ json | log line with args array
{"ts":"{N:ts}","event":"exec","argv":["gitlab-runner","register","--token","{S:glrt}","--url","https://gitlab.acme.io"],"pid":{N:int}}
@@ json | array of tokens
["{S:ghp}", "{S:ghp}", "{S:ghu}"]
@@ json | array of arrays csv-like
[["host", "user", "col3"], ["{N:host}", "{N:user}", "{S:password}"], ["{N:host}", "{N:user}", "{S:randpw}"]]
@@ json | generic data field in api response
{"id": "{N:uuid}", "type": "credential", "data": "{S:hetzner}", "created_at": "{N:ts}"}
@@ json | generic v and x fields
{"k": "{N:word}", "v": "{S:mistral}", "x": "{S:cohere}", "n": {N:int}}
@@ json | github installation token response
{
  "token": "{S:ghs}",
  "expires_at": "{N:ts}",
  "permissions": {"contents": "read", "metadata": "read"},
  "repository_selection": "selected"
}
@@ json | oauth token response
{"access_token":"{S:ya29}","expires_in":3599,"refresh_token":"{S:g_refresh}","scope":"https://www.googleapis.com/auth/drive.readonly","token_type":"Bearer","id_token":"{S:jwt}"}
@@ json | slack oauth v2 access response
{"ok":true,"app_id":"A{N:algolia_app}","authed_user":{"id":"{N:slack_id}"},"scope":"chat:write","token_type":"bot","access_token":"{S:slack_bot}","bot_user_id":"{N:slack_id}","refresh_token":"{S:slack_refresh}","expires_in":43200,"team":{"id":"{N:slack_id}","name":"Acme"}}
@@ json | service account key file
{
  "type": "service_account",
  "project_id": "{N:word}-{N:int}",
  "private_key_id": "{N:sha1}",
  "private_key": "{S:pem_pkcs8|json}\n",
  "client_email": "ci@{N:word}-{N:int}.iam.gserviceaccount.com",
  "client_id": "{N:snowflake}",
  "token_uri": "https://oauth2.googleapis.com/token"
}
@@ json | jwk private key with d
{"kty":"EC","crv":"P-256","kid":"{N:kid}","x":"{N:kid}","y":"{N:kid}","d":"{S:jwk_d}"}
@@ json | docker config auths
{
  "auths": {
    "https://index.docker.io/v1/": {"auth": "{S:basic}"},
    "ghcr.io": {"auth": "{S:basic}"}
  },
  "credsStore": ""
}
@@ json | vscode settings with tokens in generic keys
{
  "editor.formatOnSave": true,
  "rest-client.environmentVariables": {
    "prod": {"host": "https://api.acme.io", "t": "{S:sentry_user}"}
  }
}
@@ json | package json script with token
{
  "name": "@acme/web",
  "version": "{N:ver}",
  "scripts": {
    "build": "vite build",
    "deploy": "vercel deploy --prod --token {S:vercel}",
    "release": "npm publish --//registry.npmjs.org/:_authToken={S:npm}"
  }
}
@@ json | vault kv get json
{
  "request_id": "{N:uuid}",
  "lease_id": "",
  "data": {
    "data": {"1": "{S:openai_admin}", "2": "{S:anthropic_admin}"},
    "metadata": {"created_time": "{N:ts}", "version": {N:int}}
  }
}
@@ json | notebook output with printed token
{"cells":[{"cell_type":"code","execution_count":3,"metadata":{},"outputs":[{"name":"stdout","output_type":"stream","text":["{S:hf}\n"]}],"source":["print(open('/root/.cache/huggingface/token').read())"]}],"nbformat":4,"nbformat_minor":5}
@@ json | chat export message with token
{"messages":[{"ts":"{N:epoch}.000200","user":"{N:slack_id}","text":"here: {S:openrouter}"},{"ts":"{N:epoch}.000300","user":"{N:slack_id}","text":"thx"}]}
@@ json | webhook delivery payload with secret
{"id":"{N:stripe_obj}","object":"webhook_endpoint","url":"https://api.acme.io/stripe","secret":"{S:stripe_whsec}","status":"enabled","livemode":true}
@@ json | sendgrid api key create response
{"api_key":"{S:sendgrid}","api_key_id":"{N:nanoid}","name":"ci","scopes":["mail.send"]}
@@ json | openai admin api key list with value
{"object":"organization.admin_api_key","id":"key_{N:ksuid}","name":"ops","redacted_value":"sk-admin...{N:short}","value":"{S:openai_admin}","created_at":{N:epoch}}
@@ json | anthropic oauth credentials file
{"claudeAiOauth":{"accessToken":"{S:anthropic_oat}","refreshToken":"{S:anthropic_oat}","expiresAt":{N:epoch}000,"scopes":["user:inference"]}}
@@ json | dynamodb item with generic attributes
{"Item": {"pk": {"S": "tenant#{N:uuid}"}, "sk": {"S": "cred#pagerduty"}, "v": {"S": "{S:pagerduty}"}}}
@@ json | graphql variables with token
{"query":"mutation Connect($input: ConnectInput!) { connect(input: $input) { id } }","variables":{"input":{"provider":"airtable","value":"{S:airtable}"}}}
@@ json | jsonl job queue with positional args
{"id":"{N:ulid}","fn":"sync_repo","args":["acme/api","{S:bb_repo}"],"attempt":1}
{"id":"{N:ulid}","fn":"sync_repo","args":["acme/web","{S:atlassian}"],"attempt":2}
@@ json | firebase admin config with fcm key
{"project":"{N:word}-app","android":{"serverKey":"{S:fcm}","senderId":"{N:aws_acct}"},"web":{"apiKey":"{N:firebase_web}","appId":"{N:firebase_app}"}}
@@ json | wallet keystore export plaintext
{"address":"{N:eth_addr}","privateKey":"0x{S:eth_priv}","mnemonic":{"phrase":"{S:seed}","path":"m/44'/60'/0'/0/0"}}
@@ json | nostr event with sender private key
{"relay":"wss://relay.damus.io","pubkey":"{N:discord_pub}","seckey":"{S:nsec}","kind":1}
@@ json | launchdarkly and fastly in feature config
{"flags":{"sdk":"{S:launchdarkly}"},"cdn":["fastly","{S:fastly}"]}
@@ json | deepgram and assemblyai in a stt config
{"providers":[{"name":"deepgram","k":"{S:deepgram}"},{"name":"assemblyai","k":"{S:assemblyai}"}]}
@@ json | stability and replicate in image config
{"image": {"backends": [["stability", "{S:stability}"], ["replicate", "{S:replicate}"]]}}
@@ json | perplexity and fireworks keys as arg
{"tool":"web_search","arg":"{S:pplx}","fallback":{"tool":"llm","arg":"{S:fireworks}"}}
@@ json | azure devops pat in extension settings
{"azure-devops.organization":"acme","azure-devops.pat":"{S:ado_pat}","git.autofetch":true}
@@ json | coinbase cdp api key json
{"name": "organizations/{N:uuid}/apiKeys/{N:uuid}", "privateKey": "{S:coinbase_ec|json}\n"}
@@ json | plaid link exchange response
{"access_token":"{S:plaid_access}","item_id":"{N:ksuid}","request_id":"{N:nanoid}"}
@@ json | 1password connect credentials
{"verifier":{"salt":"{N:nanoid}","localHash":"{N:kid}"},"encCredentials":{"kid":"{N:ksuid}","enc":"A256GCM","cty":"b5+jwk+json","iv":"{N:nanoid}","data":"{N:sealed}"},"version":"2","deviceUuid":"{N:ksuid}","uniqueKey":{"alg":"A256GCM","ext":true,"k":"{S:jwk_d}","key_ops":["decrypt","encrypt"],"kty":"oct","kid":"{N:ksuid}"}}
@@ json | scaleway credential pair
{"access_key":"{N:scw_access}","secret_key":"{S:scw_secret}","default_project_id":"{N:uuid}"}
@@ json | heroku and railway in deploy config
{"deploy":[{"target":"heroku","with":"{S:heroku}"},{"target":"railway","with":"{S:railway}"}]}
@@ json | turso and planetscale in db config
{"databases":[{"url":"libsql://{N:word}-acme.turso.io","t":"{S:turso}"},{"url":"mysql://aws.connect.psdb.cloud/app","t":"{S:pscale}"}]}
@@ json | doppler and vault batch tokens list
{"tokens":["{S:doppler}","{S:vault_batch}","{S:vault_old}"]}
"""
)

BLOCKS.append(
    r"""
@@ json | mcp config with env references
{
  "mcpServers": {
    "github": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server@{N:digest}"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN}"}
    }
  }
}
@@ json | package lock integrity entries
{
  "name": "@acme/web",
  "lockfileVersion": 3,
  "packages": {
    "node_modules/left-pad": {"version": "1.3.0", "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz", "integrity": "{N:sri}"},
    "node_modules/zod": {"version": "{N:ver}", "resolved": "https://registry.npmjs.org/zod/-/zod-{N:ver}.tgz", "integrity": "{N:sri}"}
  }
}
@@ json | docker inspect digests
[{"Id": "{N:digest}", "RepoTags": ["acme/api:{N:ver}"], "RepoDigests": ["acme/api@{N:digest}"], "Created": "{N:ts}"}]
@@ json | github api commit object
{"sha":"{N:sha1}","node_id":"C_kwDO{N:nanoid}","commit":{"tree":{"sha":"{N:sha1}"},"message":"fix: rotate token (old one revoked)","verification":{"verified":true,"signature":"{N:sig_b64}"}},"parents":[{"sha":"{N:sha1}"}]}
@@ json | github app installation list
[{"id":{N:int},"app_id":{N:int},"client_id":"{N:gh_client}","target_type":"Organization","account":{"login":"acme","id":{N:int}},"access_tokens_url":"https://api.github.com/app/installations/{N:int}/access_tokens"}]
@@ json | aws sts identity and key metadata
{"AccessKeyMetadata":[{"UserName":"{N:user}","AccessKeyId":"{N:akia}","Status":"Active","CreateDate":"{N:ts}"},{"UserName":"{N:user}","AccessKeyId":"{N:akia}","Status":"Inactive","CreateDate":"{N:ts}"}]}
@@ json | twilio message resource
{"sid":"{N:twilio_msg}","account_sid":"{N:twilio_ac}","messaging_service_sid":"{N:twilio_msg}","status":"delivered","uri":"/2010-04-01/Accounts/{N:twilio_ac}/Messages/{N:twilio_msg}.json"}
@@ json | stripe event object
{"id":"{N:stripe_obj}","object":"event","api_version":"2024-06-20","data":{"object":{"id":"{N:stripe_obj}","customer":"{N:stripe_obj}","amount":{N:int},"currency":"eur"}},"livemode":true,"request":{"id":"req_{N:nanoid}","idempotency_key":"{N:uuid}"}}
@@ json | frontend public config json
{"stripe":"{N:stripe_pk}","mapbox":"{N:mapbox_pk}","clerk":"{N:clerk_pk}","supabase":{"url":"https://{N:word}.supabase.co","publishable":"{N:supabase_pub}"},"sentry":"{N:sentry_dsn}"}
@@ json | firebase web config json
{"apiKey":"{N:firebase_web}","authDomain":"{N:word}-app.firebaseapp.com","projectId":"{N:word}-app","appId":"{N:firebase_app}","measurementId":"G-{N:algolia_app}"}
@@ json | jwks public keys
{"keys":[{"kty":"RSA","kid":"{N:kid}","use":"sig","alg":"RS256","e":"AQAB","n":"{N:jwk_n}"},{"kty":"EC","crv":"P-256","kid":"{N:kid}","x":"{N:kid}","y":"{N:kid}"}]}
@@ json | openai api key list with redacted values
{"object":"list","data":[{"object":"organization.project.api_key","id":"key_{N:ksuid}","name":"ci","redacted_value":"{N:masked}","created_at":{N:epoch}},{"object":"organization.project.api_key","id":"key_{N:ksuid}","name":"evals","redacted_value":"{N:masked}","created_at":{N:epoch}}]}
@@ json | anthropic message response ids
{"id":"{N:anthropic_id}","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Rotated. The old key is revoked."}],"stop_reason":"end_turn","usage":{"input_tokens":{N:int},"output_tokens":{N:int}}}
@@ json | openai chat completion ids
{"id":"{N:openai_id}","object":"chat.completion","created":{N:epoch},"model":"gpt-4.1","system_fingerprint":"fp_{N:short}","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}
@@ json | wallet addresses and tx json
{"from":"{N:eth_addr}","to":"{N:eth_addr}","hash":"{N:tx_hash}","blockHash":"{N:tx_hash}","value":"0x{N:short}","nonce":{N:int}}
@@ json | age and nostr public keys in json
{"recipients":["{N:age_pub}","{N:age_pub}"],"nostr":{"npub":"{N:npub}","relays":["wss://relay.damus.io"]}}
@@ json | ssh authorized keys from api
[{"id":{N:int},"key":"{N:ssh_pub}","title":"laptop","created_at":"{N:ts}","verified":true}]
@@ json | placeholders in an example config
{"openai":{"apiKey":"{N:placeholder}"},"github":{"token":"{N:placeholder}"},"slack":{"webhook":"https://hooks.slack.com/services/XXX/YYY/ZZZ"}}
@@ json | masked values in a status api
{"integrations":[{"name":"github","token":"{N:masked}","ok":true},{"name":"stripe","token":"{N:masked}","ok":false}]}
@@ json | sops encrypted json
{"db":"{N:sops}","api":"{N:sops}","sops":{"kms":[{"arn":"arn:aws:kms:{N:region}:{N:aws_acct}:key/{N:uuid}","enc":"{N:kms_cipher}"}],"mac":"{N:sops}","version":"{N:ver}"}}
@@ json | secret references in a task definition
{"containerDefinitions":[{"name":"api","image":"{N:aws_acct}.dkr.ecr.{N:region}.amazonaws.com/api@{N:digest}","secrets":[{"name":"OPENAI_API_KEY","valueFrom":"arn:aws:secretsmanager:{N:region}:{N:aws_acct}:secret:prod/openai-{N:nanoid}"}]}]}
@@ json | sentry event ids
{"id":"{N:md5}","event_id":"{N:md5}","project":"{N:int}","release":"api@{N:sha1}","dist":"{N:short}","trace":{"trace_id":"{N:md5}","span_id":"{N:short}{N:short}"}}
@@ json | slack api response ids without token
{"ok":true,"channel":"{N:slack_id}","ts":"{N:epoch}.001900","message":{"bot_id":"{N:slack_id}","app_id":"A{N:algolia_app}","team":"{N:slack_id}","text":"deploy {N:short} ok"}}
@@ json | discord interaction public key and ids
{"application_id":"{N:snowflake}","public_key":"{N:discord_pub}","guild_id":"{N:snowflake}","interactions_endpoint_url":"https://bot.acme.io/interactions"}
@@ json | airtable record ids
{"records":[{"id":"{N:airtable_id}","createdTime":"{N:ts}","fields":{"Name":"{N:word}","Status":"Open"}}],"offset":"{N:airtable_id}/{N:airtable_id}"}
@@ json | terraform state with sensitive output hidden
{"version":4,"outputs":{"db_password":{"value":null,"type":"string","sensitive":true},"endpoint":{"value":"{N:host}","type":"string"}},"resources":[]}
@@ json | hf model info with shas
{"id":"{N:hf_repo}","sha":"{N:sha1}","siblings":[{"rfilename":"model.safetensors","lfs":{"sha256":"{N:sha256}","size":{N:int}}}]}
@@ json | certificate in json
{"domain":"{N:host}","certificate":"{N:cert|json}","fingerprint_sha256":"{N:sha256}"}
@@ json | public key pem in json
{"kid":"{N:kid}","alg":"ES256","pem":"{N:pubkey_pem|json}"}
@@ json | recaptcha and captcha site keys
{"captcha":{"provider":"recaptcha","siteKey":"{N:recaptcha_site}"},"hcaptcha":{"sitekey":"{N:hcaptcha_site}"}}
@@ json | ulid and ksuid events
{"events":[{"id":"{N:ulid}","type":"build.started"},{"id":"{N:ksuid}","type":"build.finished"}],"cursor":"{N:b64blob}"}
@@ json | pagerduty incident ids
{"incident":{"id":"{N:pd_service}","incident_key":"{N:md5}","service":{"id":"{N:pd_service}","summary":"payments"},"status":"resolved"}}
@@ json | ipfs pin list
{"PinLs":{"Keys":{"{N:cid}":{"Type":"recursive"},"{N:cid}":{"Type":"direct"}}}}
@@ json | kms encrypt response ciphertext
{"CiphertextBlob":"{N:kms_cipher}","KeyId":"arn:aws:kms:{N:region}:{N:aws_acct}:key/{N:uuid}","EncryptionAlgorithm":"SYMMETRIC_DEFAULT"}
@@ json | short gh look-alikes in labels
{"labels":["{N:gh_short}","{N:gh_short}","needs-review"],"milestone":"v{N:ver}"}
@@ json | okta and auth0 app ids
{"okta":{"clientId":"{N:okta_client}","issuer":"https://acme.okta.com"},"auth0":{"clientId":"{N:auth0_client}","domain":"acme.eu.auth0.com"}}
"""
)

BLOCKS.append(
    r"""
@@ plain | github refresh token in an oauth debug paste
exchanged code for tokens:
  {S:ghu}
  {S:ghr}
  expires in 28800s / 15811200s
@@ plain | gitlab token kinds in an admin audit table
| kind          | value                         | owner        |
|---------------|-------------------------------|--------------|
| feed          | {S:glft} | {N:user} |
| incoming mail | {S:glimt} | {N:user} |
| scim          | {S:glsoat} | group:acme |
@@ shell | gitlab agent register with token argument
helm upgrade --install acme-agent gitlab/gitlab-agent \
  --namespace gitlab-agent --create-namespace \
  --set config.token={S:glagent} \
  --set config.kasAddress=wss://kas.gitlab.acme.io
@@ plain | gitlab oauth application secret shown once
Application: acme-sso ({N:md5})
{S:gloas}
Callback URL https://app.acme.io/auth/gitlab/callback
@@ shell | slack app-level token for socket mode
python bot.py --socket {S:slack_app} --bot {S:slack_bot}
@@ plain | slack configuration token from the app manifest page
Your App Configuration Tokens
Access token  {S:slack_config}
Refresh token {S:slack_refresh}
@@ yaml | square application secret in a list
square:
  - {N:square_app}
  - {S:square_secret}
@@ shell | supabase cli login with token
supabase login --token {S:supabase_pat} && supabase link --project-ref {N:figma_key}
@@ json | docker hub organization access token in api response
{"uuid":"{N:uuid}","token":"{S:dockerhub_org}","token_label":"ci-pull","is_active":true,"created_at":"{N:ts}"}
@@ shell | 1password connect token curl
curl -s -H "Authorization: Bearer {S:op_connect}" http://localhost:8080/v1/vaults | jq -r '.[].name'
@@ url | cloudinary url with secret
cloudinary://{N:int}{N:int}:{S:cloudinary_secret}@acme-media
@@ plain | putty key file pasted in chat
PuTTY-User-Key-File-3: ssh-ed25519
Encryption: none
Comment: {N:user}@{N:host}
Public-Lines: 2
AAAAC3NzaC1lZDI1NTE5AAAAI{N:kid}
Private-Lines: 1
{S:putty_priv}
Private-MAC: {N:sha256}
@@ plain | ssh rsa public key in a ticket
Add to deploy user please:
{N:ssh_rsa_pub}
@@ shell | ec2 describe with ids only
$ aws ec2 describe-instances --query 'Reservations[].Instances[].[InstanceId,State.Name]' --output text
{N:ec2}	running
{N:ec2}	stopped
RequestId: {N:aws_reqid}
@@ json | cloudtrail event with key id and request id
{"eventTime":"{N:ts}","eventName":"GetSecretValue","userIdentity":{"type":"IAMUser","accessKeyId":"{N:akia}","userName":"{N:user}"},"requestID":"{N:aws_reqid}","requestParameters":{"secretId":"prod/api"},"responseElements":null}
@@ url | cloudinary delivery url with public id
https://res.cloudinary.com/acme-media/image/upload/v{N:epoch}/{N:nanoid}.jpg
@@ yaml | gitlab token names without values
tokens:
  - name: ci-mirror
    scopes: [read_repository]
    expires_at: {N:date}
    last_used: {N:ts}
  - name: feed
    revoked: true
"""
)


if __name__ == "__main__":
    main()
