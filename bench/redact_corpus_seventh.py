"""A seventh labelled corpus for the redactor, written blind to its rules and to the other corpora (issue 15).

It is weighted towards the mainstream of today: what an AI coding agent reads and prints in an
ordinary week on popular stacks (LLM providers and their SDKs, MCP and agent settings files,
Next.js/Vite/serverless projects and their SaaS keys, Django/Rails/Laravel/Spring/.NET settings,
GitHub Actions, Docker, Kubernetes, Terraform, cloud CLIs and secret managers), seen as ``cat`` and
Read-tool output, ``grep -rn`` hits, diffs, logs, stack traces and the agent's own replies.

Each template is instantiated ``copies`` times in its own context and ``copies`` more times
JSON-escaped inside an agent-log line (Claude Code stream-json, a Claude transcript line, a Codex
rollout ``function_call_output`` whose output is itself a JSON string, a ``codex exec --json`` item,
an MCP text result); those count as context ``json``. Every value is made at run time from parts, so
that no secret-shaped literal sits in this file.

Labelling policy: a secret is a value that grants access by itself or with public information.
Public identifiers, publishable and anon keys, digests, public keys and certificates, encrypted values,
masked values, placeholders and references are not secrets.

Run: ``uv run python bench/redact_corpus_seventh.py`` prints the counts.
"""

# ruff: noqa: E501, W291 - templates read better on one line; `cat -n` prints a tab after an empty line's number
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


@dataclass(frozen=True)
class Document:
    text: str
    secrets: list[str]
    context: str
    kind: str
    split: str
    template: str


# --- values, made at run time ------------------------------------------------------------------

LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
ALNUM = string.ascii_letters + DIGITS
URLSAFE = ALNUM + "-_"
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"
BEGIN, END, PRIV = "-----" + "BEGIN ", "-----" + "END ", "PRIV" + "ATE KEY-----"


def _r(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bytes(rng: random.Random, n: int) -> bytes:
    return bytes(rng.randrange(256) for _ in range(n))


def _jwt(rng: random.Random, header: dict, payload: dict, sig_bytes: int = 32) -> str:
    def part(obj: dict) -> str:
        return _b64url(json.dumps(obj, separators=(",", ":")).encode())

    return f"{part(header)}.{part(payload)}.{_b64url(_bytes(rng, sig_bytes))}"


WORDS = [
    "summer",
    "falcon",
    "orange",
    "river",
    "maple",
    "tiger",
    "winter",
    "rocket",
    "pepper",
    "coffee",
    "marble",
    "sunset",
    "harbor",
    "violet",
]


def _human_pw(rng: random.Random) -> str:
    word = rng.choice(WORDS)
    return word.capitalize() + rng.choice(WORDS) + str(rng.randrange(10, 9999)) + rng.choice("!#$%*?")


def _pem_lines(rng: random.Random, nbytes: int, width: int = 64) -> list[str]:
    body = _b64(_bytes(rng, nbytes))
    return [body[i : i + width] for i in range(0, len(body), width)]


def _pem(rng: random.Random, label: str, nbytes: int, sep: str = "\n") -> tuple[str, list[str]]:
    """A PEM private key; the secret is its body as it appears (joined with ``sep``)."""
    lines = _pem_lines(rng, nbytes, 70 if label == "OPENSSH " else 64)
    head = {
        "OPENSSH ": "b3BlbnNzaC1rZXktdjEAAAAA",
        "RSA ": "MIIEpAIBAAKCAQEA",
        "EC ": "MHcCAQEEI",
        "": "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
    }[label]
    lines[0] = head + lines[0][len(head) :]
    body = sep.join(lines)
    return f"{BEGIN}{label}{PRIV}{sep}{body}{sep}{END}{label}{PRIV}", [body]


def _gcp_service_account(rng: random.Random) -> tuple[str, list[str]]:
    key, secrets = _pem(rng, "", 1190, sep="\\n")
    project = rng.choice(["acme-prod", "shopfront-staging", "ml-pipeline-4421", "billing-svc"])
    name = rng.choice(["deployer", "ci-runner", "vertex-caller", "firebase-adminsdk-x7q2m"])
    text = (
        "{\n"
        '  "type": "service_account",\n'
        f'  "project_id": "{project}",\n'
        f'  "private_key_id": "{_r(rng, HEX, 40)}",\n'
        f'  "private_key": "{key}\\n",\n'
        f'  "client_email": "{name}@{project}.iam.gserviceaccount.com",\n'
        f'  "client_id": "{_r(rng, DIGITS, 21)}",\n'
        '  "auth_uri": "https://accounts.google.com/o/oauth2/auth",\n'
        '  "token_uri": "https://oauth2.googleapis.com/token",\n'
        '  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",\n'
        f'  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/{name}%40{project}.iam.gserviceaccount.com",\n'
        '  "universe_domain": "googleapis.com"\n'
        "}"
    )
    return text, secrets


def _slack_webhook(rng: random.Random) -> tuple[str, list[str]]:
    token = _r(rng, ALNUM, 24)
    return (
        f"https://hooks.slack.com/services/T{_r(rng, UPPER + DIGITS, 8)}/B{_r(rng, UPPER + DIGITS, 10)}/{token}",
        [token],
    )


def _discord_webhook(rng: random.Random) -> tuple[str, list[str]]:
    token = _r(rng, URLSAFE, 68)
    return f"https://discord.com/api/webhooks/{_r(rng, DIGITS, 19)}/{token}", [token]


def _laravel_key(rng: random.Random) -> tuple[str, list[str]]:
    key = _b64(_bytes(rng, 32))
    return "base64:" + key, [key]


def _sas(rng: random.Random) -> str:
    return _b64(_bytes(rng, 32)).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")


def _connect_sid(rng: random.Random) -> str:
    return (
        "s%3A"
        + _r(rng, URLSAFE, 32)
        + "."
        + _b64(_bytes(rng, 32)).rstrip("=").replace("+", "%2B").replace("/", "%2F")
    )


def _sentry_org_token(rng: random.Random) -> str:
    payload = {
        "iat": rng.randrange(1_700_000_000, 1_760_000_000),
        "url": "https://sentry.io",
        "region_url": "https://us.sentry.io",
        "org": rng.choice(["acme", "shopfront", "lumen-labs"]),
    }
    return (
        "sntrys_"
        + _b64(json.dumps(payload, separators=(",", ":")).encode()).rstrip("=")
        + "_"
        + _r(rng, URLSAFE, 43)
    )


def _bedrock_key(rng: random.Random) -> str:
    raw = f"BedrockAPIKey-{_r(rng, LOWER + DIGITS, 4)}-at-{_r(rng, DIGITS, 12)}:".encode() + _bytes(rng, 30)
    return "AB" + "SK" + _b64(raw)


def _supabase_jwt(rng: random.Random, role: str) -> str:
    iat = rng.randrange(1_690_000_000, 1_740_000_000)
    return _jwt(
        rng,
        {"alg": "HS256", "typ": "JWT"},
        {"iss": "supabase", "ref": _r(rng, LOWER, 20), "role": role, "iat": iat, "exp": iat + 315_360_000},
    )


def _user_jwt(rng: random.Random) -> str:
    iat = rng.randrange(1_750_000_000, 1_765_000_000)
    payload = {
        "sub": str(uuid.UUID(int=rng.getrandbits(128))),
        "email": rng.choice(["dana@acme.io", "li.wei@shopfront.dev", "sam@example.com"]),
        "role": "authenticated",
        "iat": iat,
        "exp": iat + 3600,
    }
    return _jwt(rng, {"alg": "HS256", "typ": "JWT"}, payload)


def _rs_jwt(rng: random.Random) -> str:
    iat = rng.randrange(1_750_000_000, 1_765_000_000)
    payload = {
        "iss": "https://acme.us.auth0.com/",
        "sub": "auth0|" + _r(rng, HEX, 24),
        "aud": ["https://api.acme.io"],
        "iat": iat,
        "exp": iat + 86400,
        "scope": "openid profile email",
    }
    return _jwt(rng, {"alg": "RS256", "typ": "JWT", "kid": _r(rng, URLSAFE, 22)}, payload, 256)


def _turso_jwt(rng: random.Random) -> str:
    return _jwt(
        rng,
        {"alg": "EdDSA", "typ": "JWT"},
        {
            "a": "rw",
            "iat": rng.randrange(1_730_000_000, 1_760_000_000),
            "id": str(uuid.UUID(int=rng.getrandbits(128))),
        },
        64,
    )


def _rails_cookie(rng: random.Random) -> str:
    return _r(rng, URLSAFE + "%", 180) + "--" + _r(rng, URLSAFE, 22) + "--" + _r(rng, URLSAFE, 22) + "%3D%3D"


def _masked(rng: random.Random) -> str:
    return (
        rng.choice(["sk-" + "proj-", "sk-" + "ant-", "sk_" + "live_", "gh" + "p_"])
        + "..."
        + _r(rng, ALNUM, 4)
    )


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _k8s_b64(rng: random.Random) -> str:
    return _b64(_r(rng, ALNUM, rng.randrange(16, 28)).encode())


def _basic(rng: random.Random) -> str:
    user = rng.choice(["admin", "deploy", "ci-bot", "grafana", "api"])
    return _b64(f"{user}:{_r(rng, ALNUM, 20)}".encode())


def _cert(rng: random.Random) -> str:
    lines = _pem_lines(rng, 900)
    lines[0] = "MIID" + lines[0][4:]
    return f"{BEGIN}CERTIFICATE-----\n" + "\n".join(lines) + f"\n{END}CERTIFICATE-----"


def _ansible_vault(rng: random.Random) -> str:
    return "$ANSIBLE_VAULT;1.1;AES256\n" + "\n".join(_r(rng, HEX, 80) for _ in range(5))


def _sops(rng: random.Random) -> str:
    return f"ENC[AES256_GCM,data:{_b64(_bytes(rng, 24))},iv:{_b64(_bytes(rng, 32))},tag:{_b64(_bytes(rng, 16))},type:str]"


GEN: dict[str, Callable[[random.Random], str | tuple[str, list[str]]]] = {
    # ---- secrets (S:) ----
    "openai": lambda g: "sk-" + "proj-" + _r(g, URLSAFE, 74) + "T3Blb" + "kFJ" + _r(g, URLSAFE, 74),
    "openai_legacy": lambda g: "sk-" + _r(g, ALNUM, 20) + "T3Blb" + "kFJ" + _r(g, ALNUM, 20),
    "openai_admin": lambda g: "sk-" + "admin-" + _r(g, URLSAFE, 74) + "T3Blb" + "kFJ" + _r(g, URLSAFE, 74),
    "openai_svc": lambda g: "sk-" + "svcacct-" + _r(g, URLSAFE, 74) + "T3Blb" + "kFJ" + _r(g, URLSAFE, 74),
    "anthropic": lambda g: "sk-" + "ant-" + "api03-" + _r(g, URLSAFE, 93) + "AA",
    "anthropic_admin": lambda g: "sk-" + "ant-" + "admin01-" + _r(g, URLSAFE, 93) + "AA",
    "claude_oauth": lambda g: "sk-" + "ant-" + "oat01-" + _r(g, URLSAFE, 93) + "AA",
    "gemini": lambda g: "AI" + "za" + "Sy" + _r(g, URLSAFE, 33),
    "google_secret": lambda g: "GOC" + "SPX-" + _r(g, URLSAFE, 28),
    "google_refresh": lambda g: "1//0" + _r(g, DIGITS, 1) + _r(g, URLSAFE, 98),
    "google_access": lambda g: "ya29." + "a0A" + _r(g, URLSAFE, 160),
    "azure_openai": lambda g: _r(g, HEX, 32),
    "azure_ai": lambda g: _r(g, ALNUM, 84),
    "aws_secret": lambda g: _r(g, ALNUM + "+/", 40),
    "aws_session": lambda g: "IQoJb3JpZ2luX2Vj" + _r(g, ALNUM + "+/", 360) + "=",
    "bedrock": _bedrock_key,
    "mistral": lambda g: _r(g, ALNUM, 32),
    "groq": lambda g: "gs" + "k_" + _r(g, ALNUM, 52),
    "cohere": lambda g: _r(g, ALNUM, 40),
    "together": lambda g: "tgp_" + "v1_" + _r(g, URLSAFE, 43),
    "fireworks": lambda g: "fw_" + _r(g, ALNUM, 24),
    "perplexity": lambda g: "pplx-" + _r(g, ALNUM, 48),
    "openrouter": lambda g: "sk-" + "or-" + "v1-" + _r(g, HEX, 64),
    "deepseek": lambda g: "sk-" + _r(g, HEX, 32),
    "xai": lambda g: "xai-" + _r(g, ALNUM, 80),
    "hf": lambda g: "hf_" + _r(g, ALNUM, 34),
    "replicate": lambda g: "r8_" + _r(g, ALNUM, 37),
    "langsmith": lambda g: "lsv2_" + "pt_" + _r(g, HEX, 32) + "_" + _r(g, HEX, 10),
    "langsmith_sk": lambda g: "lsv2_" + "sk_" + _r(g, HEX, 32) + "_" + _r(g, HEX, 10),
    "pinecone": lambda g: "pcsk_" + _r(g, ALNUM, 5) + "_" + _r(g, ALNUM, 64),
    "pinecone_uuid": _uuid,
    "weaviate": lambda g: _r(g, ALNUM, 40),
    "qdrant": lambda g: _r(g, URLSAFE, 40),
    "elevenlabs": lambda g: "sk_" + _r(g, HEX, 48),
    "assemblyai": lambda g: _r(g, HEX, 32),
    "stripe_sk": lambda g: "sk_" + "live_" + "51" + _r(g, ALNUM, 97),
    "stripe_test": lambda g: "sk_" + "test_" + "51" + _r(g, ALNUM, 97),
    "stripe_rk": lambda g: "rk_" + "live_" + "51" + _r(g, ALNUM, 97),
    "stripe_whsec": lambda g: "wh" + "sec_" + _r(g, ALNUM, 32),
    "supabase_service": lambda g: _supabase_jwt(g, "service_role"),
    "sb_secret": lambda g: "sb_" + "secret_" + _r(g, URLSAFE, 31),
    "clerk_sk": lambda g: "sk_" + "test_" + _r(g, ALNUM, 42),
    "auth0_secret": lambda g: _r(g, URLSAFE, 64),
    "authjs": lambda g: _b64(_bytes(g, 32)),
    "resend": lambda g: "re_" + _r(g, ALNUM, 8) + "_" + _r(g, ALNUM, 24),
    "sendgrid": lambda g: "SG." + _r(g, URLSAFE, 22) + "." + _r(g, URLSAFE, 43),
    "postmark": _uuid,
    "mailgun": lambda g: _r(g, HEX, 32) + "-" + _r(g, HEX, 8) + "-" + _r(g, HEX, 8),
    "twilio_token": lambda g: _r(g, HEX, 32),
    "twilio_secret": lambda g: _r(g, ALNUM, 32),
    "upstash_token": lambda g: "AY" + _r(g, ALNUM, 62) + "=",
    "turso": _turso_jwt,
    "sentry_token": _sentry_org_token,
    "sentry_user": lambda g: "sntryu_" + _r(g, HEX, 64),
    "posthog_personal": lambda g: "phx_" + _r(g, ALNUM, 47),
    "vercel": lambda g: _r(g, ALNUM, 24),
    "netlify": lambda g: "nfp_" + _r(g, ALNUM, 36),
    "cloudflare": lambda g: _r(g, URLSAFE, 40),
    "cloudflare_global": lambda g: _r(g, HEX, 37),
    "fly": lambda g: "FlyV1 fm2_" + _r(g, ALNUM + "+/", 220) + "," + "fm2_" + _r(g, ALNUM + "+/", 120),
    "railway": _uuid,
    "render": lambda g: "rnd_" + _r(g, ALNUM, 32),
    "ghp": lambda g: "gh" + "p_" + _r(g, ALNUM, 36),
    "gho": lambda g: "gh" + "o_" + _r(g, ALNUM, 36),
    "ghs": lambda g: "gh" + "s_" + _r(g, ALNUM, 36),
    "github_pat": lambda g: "github_" + "pat_" + "11" + _r(g, UPPER + DIGITS, 20) + "_" + _r(g, ALNUM, 59),
    "glpat": lambda g: "gl" + "pat-" + _r(g, URLSAFE, 20),
    "npm": lambda g: "np" + "m_" + _r(g, ALNUM, 36),
    "pypi": lambda g: "py" + "pi-" + "AgEIcHlwaS5vcmc" + _r(g, URLSAFE, 150),
    "dockerhub": lambda g: "dckr_" + "pat_" + _r(g, URLSAFE, 27),
    "slack_bot": lambda g: (
        "xo" + "xb-" + _r(g, DIGITS, 11) + "-" + _r(g, DIGITS, 13) + "-" + _r(g, ALNUM, 24)
    ),
    "slack_webhook": _slack_webhook,
    "discord_webhook": _discord_webhook,
    "telegram": lambda g: _r(g, DIGITS, 10) + ":" + "AA" + _r(g, URLSAFE, 33),
    "linear": lambda g: "lin_" + "api_" + _r(g, ALNUM, 40),
    "notion": lambda g: "ntn_" + _r(g, DIGITS, 12) + _r(g, ALNUM, 34),
    "django": lambda g: "django-" + "insecure-" + _r(g, LOWER + DIGITS + "!@#%^&*(-_=+)", 50),
    "django_plain": lambda g: _r(g, LOWER + DIGITS + "!@#%^&*(-_=+)", 50),
    "hex64": lambda g: _r(g, HEX, 64),
    "hex128": lambda g: _r(g, HEX, 128),
    "hex32": lambda g: _r(g, HEX, 32),
    "hex40": lambda g: _r(g, HEX, 40),
    "laravel": _laravel_key,
    "b64_32": lambda g: _b64(_bytes(g, 32)),
    "azure_storage": lambda g: _b64(_bytes(g, 64)),
    "sas": _sas,
    "azure_client_secret": lambda g: _r(g, ALNUM, 3) + "8Q~" + _r(g, ALNUM + "~._-", 34),
    "gcp_sa": _gcp_service_account,
    "rsa": lambda g: _pem(g, "RSA ", 1190),
    "pkcs8": lambda g: _pem(g, "", 1216),
    "ec": lambda g: _pem(g, "EC ", 121),
    "openssh": lambda g: _pem(g, "OPENSSH ", 300),
    "pkcs8_esc": lambda g: _pem(g, "", 1216, sep="\\n"),
    "vault": lambda g: "hvs." + "CAESI" + _r(g, URLSAFE, 90),
    "doppler": lambda g: "dp." + "st." + "prd." + _r(g, ALNUM, 43),
    "doppler_personal": lambda g: "dp." + "pt." + _r(g, ALNUM, 43),
    "infisical": lambda g: "st." + _uuid(g) + "." + _r(g, HEX, 32) + "." + _r(g, HEX, 32),
    "op_service": lambda g: "ops_" + "eyJ" + _r(g, URLSAFE, 320),
    "tfc": lambda g: _r(g, ALNUM, 14) + ".atlas" + "v1." + _r(g, ALNUM, 67),
    "datadog_api": lambda g: _r(g, HEX, 32),
    "datadog_app": lambda g: _r(g, HEX, 40),
    "jwt": _user_jwt,
    "jwt_rs": _rs_jwt,
    "basic": _basic,
    "k8s_b64": _k8s_b64,
    "connect_sid": _connect_sid,
    "rails_cookie": _rails_cookie,
    "session32": lambda g: _r(g, LOWER + DIGITS, 32),
    "pw": lambda g: _r(g, ALNUM, g.randrange(16, 25)),
    "pwx": lambda g: (
        _r(g, ALNUM, 10) + g.choice("!#%^*-_.~") + _r(g, ALNUM, 4) + g.choice("!#%*.-") + _r(g, ALNUM, 5)
    ),
    "pwh": _human_pw,
    "token40": lambda g: _r(g, ALNUM, 40),
    "urlsafe43": lambda g: _r(g, URLSAFE, 43),
    "shopify": lambda g: "shp" + "at_" + _r(g, HEX, 32),
    "figma": lambda g: "figd_" + _r(g, URLSAFE, 40),
    "s3_sig": lambda g: _r(g, HEX, 64),
    "b64_pem": lambda g: _b64(_pem(g, "RSA ", 1190)[0].encode()),
    "dockercfg_b64": lambda g: _b64(
        json.dumps(
            {"auths": {"ghcr.io": {"auth": _b64(("acmebot:" + "gh" + "p_" + _r(g, ALNUM, 36)).encode())}}}
        ).encode()
    ),
    "b64_64": lambda g: _b64(_bytes(g, 64)),
    "pscale": lambda g: "pscale_" + "pw_" + _r(g, URLSAFE, 43),
    "aws_session_url": lambda g: (
        GEN["aws_session"](g).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    ),
    "codeartifact": lambda g: "eyJ2ZXIiOjEsImlzdSI6" + _r(g, URLSAFE, 380),
    "hex512": lambda g: _r(g, HEX, 512),
    "pwh_url": lambda g: _human_pw(g)[:-1],
    "urlsafe32": lambda g: _r(g, URLSAFE, 32),
    "b64_openai": lambda g: _b64(GEN["openai"](g).encode()),
    "pkcs8_esc2": lambda g: _pem(g, "", 1216, sep="\\\\n"),
    "refresh12": lambda g: _r(g, URLSAFE, 22),
    "rsa_esc": lambda g: _pem(g, "RSA ", 1190, sep="\\n"),
    "glrt": lambda g: "gl" + "rt-" + _r(g, URLSAFE, 20),
    "brave": lambda g: "BSA" + _r(g, ALNUM, 28),
    "grafana": lambda g: "glc_" + _r(g, B64, 120) + "=",
    "honeycomb": lambda g: _r(g, ALNUM, 22),
    "token32": lambda g: _r(g, ALNUM, 32),
    "uuid_s": _uuid,
    # ---- public values (P:) ----
    "uuid": _uuid,
    "tail5": lambda g: _r(g, HEX, 5),
    "span4": lambda g: _r(g, ALNUM, 4),
    "hex128p": lambda g: _r(g, HEX, 128),
    "rsa_n": lambda g: _r(g, URLSAFE, 342),
    "urlsafe43p": lambda g: _r(g, URLSAFE, 43),
    "algolia_app": lambda g: _r(g, UPPER + DIGITS, 10),
    "gtag": lambda g: _r(g, UPPER + DIGITS, 10),
    "age_rcpt": lambda g: _r(g, LOWER + DIGITS, 58),
    "k8s_user": lambda g: _b64(g.choice(["app", "postgres", "orders_app", "admin"]).encode()),
    "sha": lambda g: _r(g, HEX, 40),
    "short": lambda g: _r(g, HEX, 7),
    "sha256": lambda g: _r(g, HEX, 64),
    "aws_id": lambda g: "AK" + "IA" + _r(g, UPPER + "234567", 16),
    "aws_sts_id": lambda g: "AS" + "IA" + _r(g, UPPER + "234567", 16),
    "account": lambda g: _r(g, "123456789", 1) + _r(g, DIGITS, 11),
    "twilio_sid": lambda g: "AC" + _r(g, HEX, 32),
    "twilio_key_sid": lambda g: "SK" + _r(g, HEX, 32),
    "google_client_id": lambda g: (
        _r(g, DIGITS, 12) + "-" + _r(g, LOWER + DIGITS, 32) + ".apps.googleusercontent.com"
    ),
    "stripe_pk": lambda g: "pk_" + "live_" + "51" + _r(g, ALNUM, 97),
    "stripe_pk_test": lambda g: "pk_" + "test_" + "51" + _r(g, ALNUM, 97),
    "supabase_anon": lambda g: _supabase_jwt(g, "anon"),
    "sb_publishable": lambda g: "sb_" + "publishable_" + _r(g, URLSAFE, 31),
    "firebase_web": lambda g: "AI" + "za" + "Sy" + _r(g, URLSAFE, 33),
    "sentry_dsn": lambda g: (
        f"https://{_r(g, HEX, 32)}@o{_r(g, DIGITS, 6)}.ingest.us.sentry.io/{_r(g, DIGITS, 16)}"
    ),
    "posthog_project": lambda g: "phc_" + _r(g, ALNUM, 43),
    "clerk_pk": lambda g: (
        "pk_"
        + "test_"
        + _b64(
            g.choice(["clever-bat-12", "happy-owl-77", "bold-fox-3"]).encode() + b".clerk.accounts.dev$"
        ).rstrip("=")
    ),
    "algolia_search": lambda g: _r(g, HEX, 32),
    "mapbox_public": lambda g: (
        "pk."
        + _b64url(json.dumps({"u": "acme", "a": _r(g, LOWER + DIGITS, 25)}).encode())
        + "."
        + _r(g, URLSAFE, 22)
    ),
    "integrity": lambda g: "sha512-" + _b64(_bytes(g, 64)),
    "digest": lambda g: "sha256:" + _r(g, HEX, 64),
    "ssh_pub": lambda g: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + _r(g, B64, 43),
    "ssh_rsa_pub": lambda g: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ" + _r(g, B64, 508) + "=",
    "fingerprint": lambda g: "SHA256:" + _r(g, B64, 43),
    "gpg_fpr": lambda g: _r(g, "0123456789ABCDEF", 40),
    "cert": _cert,
    "ansible_vault": _ansible_vault,
    "sops": _sops,
    "sealed": lambda g: "AgB" + _r(g, B64, 600) + "==",
    "masked": _masked,
    "aws_example_id": lambda g: "AK" + "IA" + "IOSFODNN7" + "EXAMPLE",
    "aws_example_secret": lambda g: "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY",
    "stripe_doc_key": lambda g: "sk_" + "test_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "colon_fpr": lambda g: ":".join(_r(g, "0123456789ABCDEF", 2) for _ in range(32)),
    "req": lambda g: "req_" + _r(g, ALNUM, 24),
    "msg_id": lambda g: "msg_01" + _r(g, ALNUM, 22),
    "chatcmpl": lambda g: "chatcmpl-" + _r(g, ALNUM, 29),
    "toolu": lambda g: "toolu_01" + _r(g, ALNUM, 22),
    "ulid": lambda g: _r(g, "0123456789ABCDEFGHJKMNPQRSTVWXYZ", 26),
    "ip": lambda g: f"10.{g.randrange(256)}.{g.randrange(256)}.{g.randrange(1, 255)}",
    "n": lambda g: str(g.randrange(2, 9999)),
    "port": lambda g: str(g.choice([5432, 3306, 6379, 8080, 3000, 5173, 27017])),
    "hex32p": lambda g: _r(g, HEX, 32),
    "hex40p": lambda g: _r(g, HEX, 40),
    "b64p": lambda g: _b64(_bytes(g, 32)),
    "trace": lambda g: _r(g, HEX, 32),
    "span": lambda g: _r(g, HEX, 16),
    "vercel_dpl": lambda g: "dpl_" + _r(g, ALNUM, 28),
    "cf_account": lambda g: _r(g, HEX, 32),
    "kid": lambda g: _r(g, URLSAFE, 43),
    "etag": lambda g: '"' + _r(g, HEX, 32) + '"',
    "nonce": lambda g: _r(g, URLSAFE, 22),
    "pkce": lambda g: _r(g, URLSAFE, 43),
    "stripe_obj": lambda g: (
        g.choice(["cus_", "pi_", "ch_", "evt_", "price_", "prod_", "sub_"]) + _r(g, ALNUM, 24)
    ),
}

MARKER = re.compile(r"\{\{([SP]):(\w+)(?:#(\w+))?\}\}")


# --- agent-log envelopes --------------------------------------------------------------------------


def _env_stream_json(g: random.Random, text: str) -> str:
    return json.dumps(
        {
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {
                        "tool_use_id": GEN["toolu"](g),
                        "type": "tool_result",
                        "content": text,
                        "is_error": False,
                    }
                ],
            },
            "parent_tool_use_id": None,
            "session_id": _uuid(g),
        }
    )


def _env_transcript(g: random.Random, text: str) -> str:
    return json.dumps(
        {
            "parentUuid": _uuid(g),
            "isSidechain": False,
            "userType": "external",
            "cwd": g.choice(["/home/dev/app", "/Users/sam/code/web", "/workspace/api"]),
            "sessionId": _uuid(g),
            "version": g.choice(["2.0.14", "2.0.31", "1.0.98"]),
            "gitBranch": g.choice(["main", "feat/billing", "fix/auth-callback"]),
            "type": "user",
            "message": {
                "role": "user",
                "content": [{"tool_use_id": GEN["toolu"](g), "type": "tool_result", "content": text}],
            },
            "uuid": _uuid(g),
            "timestamp": f"2025-{g.randrange(1, 13):02d}-{g.randrange(1, 29):02d}T{g.randrange(24):02d}:{g.randrange(60):02d}:{g.randrange(60):02d}.{g.randrange(1000):03d}Z",
        }
    )


def _env_codex_rollout(g: random.Random, text: str) -> str:
    inner = json.dumps(
        {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(g.random() * 3, 1)}}
    )
    return json.dumps(
        {
            "timestamp": f"2025-11-{g.randrange(1, 29):02d}T10:{g.randrange(60):02d}:{g.randrange(60):02d}.{g.randrange(1000):03d}Z",
            "type": "response_item",
            "payload": {
                "type": "function_call_output",
                "call_id": "call_" + _r(g, ALNUM, 24),
                "output": inner,
            },
        }
    )


def _env_codex_exec(g: random.Random, text: str) -> str:
    command = g.choice(
        [
            "bash -lc 'cat .env.local'",
            "bash -lc 'rg -n API_KEY'",
            "bash -lc 'git diff HEAD~1'",
            "bash -lc 'kubectl get secret -o yaml'",
        ]
    )
    return json.dumps(
        {
            "type": "item.completed",
            "item": {
                "id": f"item_{g.randrange(1, 60)}",
                "type": "command_execution",
                "command": command,
                "aggregated_output": text,
                "exit_code": 0,
                "status": "completed",
            },
        }
    )


def _env_mcp(g: random.Random, text: str) -> str:
    return json.dumps(
        {
            "jsonrpc": "2.0",
            "id": g.randrange(1, 400),
            "result": {"content": [{"type": "text", "text": text}], "isError": False},
        }
    )


ENVELOPES = (_env_stream_json, _env_transcript, _env_codex_rollout, _env_codex_exec, _env_mcp)


# --- instantiation --------------------------------------------------------------------------------


def _fill(template: str, g: random.Random) -> tuple[str, list[str]]:
    """Replace every marker by a fresh value; return the text and the secrets as they appear in it."""
    values: dict[tuple[str, str], tuple[str, list[str]]] = {}
    secrets: list[str] = []
    out: list[str] = []
    last = 0
    for m in MARKER.finditer(template):
        kind, name, tag = m.group(1), m.group(2), m.group(3)
        key = (name, tag or f"@{m.start()}")
        if key not in values:
            made = GEN[name](g)
            values[key] = made if isinstance(made, tuple) else (made, [made])
        value, parts = values[key]
        before = template[last : m.start()]
        out.append(before)
        line_start = "".join(out).rfind("\n") + 1
        prefix = "".join(out)[line_start:]
        if "\n" in value and prefix.strip() == "" and prefix:
            value = value.replace("\n", "\n" + prefix)
            parts = [p.replace("\n", "\n" + prefix) for p in parts]
        out.append(value)
        if kind == "S":
            secrets.extend(p for p in parts if p not in secrets)
        last = m.end()
    out.append(template[last:])
    return "".join(out), secrets


def _escaped(secret: str) -> tuple[str, str, str]:
    once = json.dumps(secret)[1:-1]
    return secret, once, json.dumps(once)[1:-1]


def leaked(secret: str, output: str) -> bool:
    """True if at least half of the secret (any run of len//2 characters) survives, raw or JSON-escaped once or twice."""
    n = max(1, len(secret) // 2)
    for i in range(len(secret) - n + 1):
        window = secret[i : i + n]
        if any(form in output for form in _escaped(window)):
            return True
    return False


def _split(template: str) -> str:
    return "holdout" if int(hashlib.sha256(template.encode()).hexdigest(), 16) % 3 == 0 else "dev"


def corpus(seed: int = 61, copies: int = 6) -> list[Document]:
    """Every template ``copies`` times in its own context and ``copies`` times inside an agent-log line."""
    g = random.Random(seed)
    documents: list[Document] = []
    for context, templates in TEMPLATES.items():
        for kind, raw in templates:
            template = raw.strip("\n") + "\n"
            split = _split(template)
            for _ in range(copies):
                text, secrets = _fill(template, g)
                documents.append(Document(text, secrets, context, kind, split, template))
            for i in range(copies):
                text, secrets = _fill(template, g)
                wrapped = ENVELOPES[(i + len(documents)) % len(ENVELOPES)](g, text)
                shown = [next(form for form in _escaped(s) if form in wrapped) for s in secrets]
                documents.append(Document(wrapped, shown, "json", kind, split, template))
    return documents


def _counts() -> None:
    by_context: Counter[tuple[str, bool]] = Counter()
    for context, templates in TEMPLATES.items():
        for _, raw in templates:
            by_context[(context, "{{S:" in raw)] += 1
    for context in CONTEXTS:
        print(
            f"{context:7} templates with secrets {by_context[(context, True)]:4d}, without {by_context[(context, False)]:4d}"
        )
    pos = sum(v for (c, p), v in by_context.items() if p)
    neg = sum(v for (c, p), v in by_context.items() if not p)
    docs = corpus()
    splits = Counter(d.split for d in docs)
    print(
        f"all     templates with secrets {pos:4d}, without {neg:4d}; documents {len(docs)} (dev {splits['dev']}, holdout {splits['holdout']}), secrets planted {sum(len(d.secrets) for d in docs)}"
    )
    for d in docs:
        for s in d.secrets:
            assert s in d.text, (d.kind, s[:30])
    for d in docs[::7]:
        assert not d.secrets or all(leaked(s, d.text) for s in d.secrets)


# --- templates ------------------------------------------------------------------------------------
# {{S:gen}} is a secret, {{P:gen}} a public value; {{S:gen#a}} repeats the same value wherever #a recurs.

PLAIN: list[tuple[str, str]] = [
    # ---- positives ----
    (
        "turso db tokens create",
        r"""
$ turso db tokens create shop
{{S:turso}}
""",
    ),
    (
        "rails master key echo",
        r"""
$ cat config/master.key
{{S:hex32}}
""",
    ),
    (
        "git diff adding key to .env",
        r"""
diff --git a/.env b/.env
index {{P:short}}..{{P:short}} 100644
--- a/.env
+++ b/.env
@@ -3,3 +3,4 @@ NODE_ENV=development
 PORT=3000
 LOG_LEVEL=debug
+MISTRAL_API_KEY={{S:mistral}}
""",
    ),
    (
        "grep -rn hits with key",
        r"""
$ grep -rn "sk-" --include=*.py .
./scripts/backfill_embeddings.py:9:client = OpenAI(api_key="{{S:openai}}")
./tests/test_prompts.py:4:# uses sk-... keys from env
""",
    ),
    (
        "agent reply quoting openai key",
        r"""
I found the problem. Your `.env.local` has the key on line 3:

```
OPENAI_API_KEY={{S:openai}}
```

but `next.config.js` never loads it on the server, so `process.env.OPENAI_API_KEY` is undefined in the route handler.
""",
    ),
    (
        "agent reply anthropic key prose",
        r"""The Anthropic key you pasted ({{S:anthropic}}) works: `curl` against /v1/messages returned 200. I'd still rotate it since it was in the chat history.""",
    ),
    (
        "read tool line numbers .env",
        r"""
     1→# Local development only
     2→DATABASE_URL="postgresql://postgres:{{S:pw}}@localhost:5432/shop"
     3→ANTHROPIC_API_KEY={{S:anthropic}}
     4→NEXT_PUBLIC_APP_URL=http://localhost:3000
     5→
""",
    ),
    (
        "cat -n settings with gemini",
        r"""
     1	import os
     2	
     3	GEMINI_API_KEY = "{{S:gemini}}"
     4	MODEL = "gemini-2.5-flash"
""",
    ),
    (
        "pytest failure shows key in locals",
        r"""
_________________________ test_summarize_document __________________________

    def test_summarize_document():
        client = Mistral(api_key="{{S:mistral}}")
>       resp = client.chat.complete(model="mistral-large-latest", messages=[{"role": "user", "content": "hi"}])
E       mistral.models.sdkerror.SDKError: API error occurred: Status 401
E       {"message":"Unauthorized","request_id":"{{P:hex32p}}"}

tests/test_llm.py:14: SDKError
""",
    ),
    (
        "python traceback with groq key in repr",
        r"""
Traceback (most recent call last):
  File "/app/agent/run.py", line 42, in <module>
    main()
  File "/app/agent/run.py", line 37, in main
    llm = ChatGroq(model="llama-3.3-70b-versatile", api_key="{{S:groq}}")
  File "/app/.venv/lib/python3.12/site-packages/pydantic/main.py", line 214, in __init__
    validated_self = self.__pydantic_validator__.validate_python(data, self_instance=self)
pydantic_core._pydantic_core.ValidationError: 1 validation error for ChatGroq
""",
    ),
    (
        "gh secret list then value echoed",
        r"""
$ gh secret list
NAME               UPDATED
OPENAI_API_KEY     about 2 days ago
VERCEL_TOKEN       about 1 month ago
$ echo $VERCEL_TOKEN
{{S:vercel}}
""",
    ),
    (
        "aws configure list-like credentials output",
        r"""
[default]
aws_access_key_id = {{P:aws_id}}
aws_secret_access_key = {{S:aws_secret}}
region = us-east-1
""",
    ),
    (
        "aws sts credentials text output",
        r"""
$ aws sts assume-role --role-arn arn:aws:iam::{{P:account}}:role/deploy --role-session-name ci --output text
CREDENTIALS	{{P:aws_sts_id}}	2025-11-14T18:22:41+00:00	{{S:aws_secret}}	{{S:aws_session}}
ASSUMEDROLEUSER	arn:aws:sts::{{P:account}}:assumed-role/deploy/ci	AROA{{P:short}}XYZ:ci
""",
    ),
    (
        "vercel env pull output file",
        r"""
# Created by Vercel CLI
NEXTAUTH_SECRET="{{S:authjs}}"
NEXTAUTH_URL="http://localhost:3000"
STRIPE_SECRET_KEY="{{S:stripe_sk}}"
NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY="{{P:stripe_pk}}"
VERCEL="1"
VERCEL_ENV="development"
""",
    ),
    (
        "markdown table of env with values",
        r"""
| Variable | Value | Where |
|---|---|---|
| `RESEND_API_KEY` | `{{S:resend}}` | Vercel (Production) |
| `NEXT_PUBLIC_POSTHOG_KEY` | `{{P:posthog_project}}` | all |
| `DATABASE_URL` | `postgresql://neondb_owner:{{S:pw}}@ep-{{P:short}}-pooler.us-east-2.aws.neon.tech/neondb` | all |
""",
    ),
    (
        "wrangler secret put echo",
        r"""
$ echo "{{S:cloudflare}}" | npx wrangler secret put CF_API_TOKEN
 ⛅️ wrangler 4.20.0
-------------------
🌀 Creating the secret for the Worker "edge-api"
✨ Success! Uploaded secret CF_API_TOKEN
""",
    ),
    (
        "supabase status output",
        r"""
         API URL: http://127.0.0.1:54321
     GraphQL URL: http://127.0.0.1:54321/graphql/v1
          DB URL: postgresql://postgres:postgres@127.0.0.1:54322/postgres
      Studio URL: http://127.0.0.1:54323
        anon key: {{P:supabase_anon}}
service_role key: {{S:supabase_service}}
""",
    ),
    (
        "railway variables output",
        r"""
$ railway variables
╔══════════════════════ Variables for web ═══════════════════════╗
║ DATABASE_URL       │ postgresql://postgres:{{S:pw}}@postgres.railway.internal:5432/railway ║
║ OPENAI_API_KEY     │ {{S:openai}} ║
║ RAILWAY_ENVIRONMENT│ production ║
╚════════════════════════════════════════════════════════════════╝
""",
    ),
    (
        "fly secrets set command echoed in log",
        r"""
==> Running: fly secrets set ANTHROPIC_API_KEY={{S:anthropic}} --app chat-api
Secrets are staged for the first deployment
""",
    ),
    (
        "docker inspect env",
        r"""
        "Env": [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "POSTGRES_PASSWORD={{S:pw}}",
            "PGDATA=/var/lib/postgresql/data"
        ],
""",
    ),
    (
        "kubectl describe secret decoded by agent",
        r"""
I decoded the secret for you:

$ kubectl get secret app-env -o jsonpath='{.data.STRIPE_SECRET_KEY}' | base64 -d
{{S:stripe_sk}}
""",
    ),
    (
        "gh auth status with token shown",
        r"""
$ gh auth status --show-token
github.com
  ✓ Logged in to github.com account octodev (keyring)
  - Active account: true
  - Git operations protocol: https
  - Token: {{S:gho}}
  - Token scopes: 'gist', 'read:org', 'repo', 'workflow'
""",
    ),
    (
        "git log -p showing removed key",
        r"""
commit {{P:sha}}
Author: Dana Kim <dana@acme.io>
Date:   Tue Oct 14 09:12:33 2025 +0200

    remove hardcoded key

diff --git a/scripts/embed.py b/scripts/embed.py
-openai.api_key = "{{S:openai_legacy}}"
+openai.api_key = os.environ["OPENAI_API_KEY"]
""",
    ),
    (
        "uvicorn log with bearer header dump",
        r"""
INFO:     127.0.0.1:52114 - "POST /v1/chat HTTP/1.1" 500 Internal Server Error
DEBUG:httpx:Request headers: {'host': 'api.openai.com', 'authorization': 'Bearer {{S:openai}}', 'content-type': 'application/json'}
ERROR:    Exception in ASGI application
""",
    ),
    (
        "httpx debug log anthropic header",
        r"""
DEBUG:anthropic._base_client:Request options: {'method': 'post', 'url': '/v1/messages', 'headers': {'x-api-key': '{{S:anthropic}}', 'anthropic-version': '2023-06-01'}, 'timeout': 600.0}
DEBUG:httpcore.connection:connect_tcp.started host='api.anthropic.com' port=443
""",
    ),
    (
        "node axios error config dump",
        r"""
AxiosError: Request failed with status code 401
    at settle (/app/node_modules/axios/lib/core/settle.js:19:12)
  config: {
    url: 'https://api.elevenlabs.io/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM',
    method: 'post',
    headers: Object [AxiosHeaders] {
      'xi-api-key': '{{S:elevenlabs}}',
      'Content-Type': 'application/json'
    },
""",
    ),
    (
        "stripe cli login output",
        r"""
$ stripe config --list
[default]
  device_name = 'dana-mbp'
  display_name = 'Acme Inc'
  live_mode_api_key = '{{S:stripe_rk}}'
  live_mode_pub_key = '{{P:stripe_pk}}'
  test_mode_api_key = '{{S:stripe_test}}'
""",
    ),
    (
        "stripe listen webhook secret",
        r"""
$ stripe listen --forward-to localhost:3000/api/webhooks/stripe
> Ready! You are using Stripe API Version [2025-09-30.clover]. Your webhook signing secret is {{S:stripe_whsec}} (^C to quit)
2025-11-02 10:14:03   --> checkout.session.completed [{{P:stripe_obj}}]
""",
    ),
    (
        "ssh private key printed by cat",
        r"""
$ cat ~/.ssh/id_ed25519
{{S:openssh}}
$ cat ~/.ssh/id_ed25519.pub
{{P:ssh_pub}} dana@laptop
""",
    ),
    (
        "agent prose about leaked hf token",
        r"""Heads up: `notebooks/finetune.ipynb` cell 4 contains a Hugging Face token in plain text (`login(token="{{S:hf}}")`). I replaced it with `login()` which reads `HF_TOKEN` from the environment.""",
    ),
    (
        "log tail with replicate token",
        r"""
2025-11-03T12:01:44.812Z info  worker started pid=4121
2025-11-03T12:01:44.913Z debug using REPLICATE_API_TOKEN={{S:replicate}}
2025-11-03T12:01:45.220Z info  prediction {{P:ulid}} queued
""",
    ),
    (
        "terraform output -raw secret",
        r"""
$ terraform output -raw db_password
{{S:pwx}}
$ terraform output -json | jq -r .db_host.value
prod-db.cluster-{{P:short}}.eu-west-1.rds.amazonaws.com
""",
    ),
    (
        "vault kv get output",
        r"""
$ vault kv get secret/payments/stripe
====== Secret Path ======
secret/data/payments/stripe

======= Metadata =======
Key                Value
---                -----
created_time       2025-10-30T08:41:12.118Z
version            4

====== Data ======
Key            Value
---            -----
api_key        {{S:stripe_sk}}
webhook_key    {{S:stripe_whsec}}
""",
    ),
    (
        "vault login token output",
        r"""
Success! You are now authenticated. The token information displayed below
is already stored in the token helper. You do NOT need to run "vault login"
again. Future Vault requests will automatically use this token.

Key                  Value
---                  -----
token                {{S:vault}}
token_accessor       {{P:nonce}}
token_duration       768h
token_policies       ["default" "dev"]
""",
    ),
    (
        "doppler secrets table",
        r"""
$ doppler secrets --only-names=false
┌───────────────────┬──────────────────────────────────────────────┐
│ NAME              │ VALUE                                        │
├───────────────────┼──────────────────────────────────────────────┤
│ DOPPLER_CONFIG    │ dev                                          │
│ SENDGRID_API_KEY  │ {{S:sendgrid}} │
│ TWILIO_AUTH_TOKEN │ {{S:twilio_token}}             │
└───────────────────┴──────────────────────────────────────────────┘
""",
    ),
    (
        "op read output",
        r"""
$ op read "op://Engineering/Neon prod/password"
{{S:pwx}}
""",
    ),
    (
        "env printenv dump",
        r"""
$ printenv | grep -i -E 'key|token'
LANGSMITH_API_KEY={{S:langsmith}}
LANGSMITH_TRACING=true
TOGETHER_API_KEY={{S:together}}
KEYTIMEOUT=1
""",
    ),
    (
        "jest snapshot with token in header",
        r"""
  ● api client › sends auth header

    expect(received).toEqual(expected) // deep equality

    - Expected  - 1
    + Received  + 1

      Object {
    -   "Authorization": "Bearer test-token",
    +   "Authorization": "Bearer {{S:openrouter}}",
      }
""",
    ),
    (
        "rails credentials:show",
        r"""
$ bin/rails credentials:show
secret_key_base: {{S:hex128}}
aws:
  access_key_id: {{P:aws_id}}
  secret_access_key: {{S:aws_secret}}
stripe:
  secret_key: {{S:stripe_sk}}
""",
    ),
    (
        "laravel artisan key:generate show",
        r"""
$ php artisan key:generate --show
base64:{{S:b64_32}}
""",
    ),
    (
        "django startproject settings excerpt in reply",
        r"""Django generated this in `mysite/settings.py`:

SECRET_KEY = '{{S:django}}'

Move it to an environment variable before deploying; `DEBUG = True` should also be off in production.""",
    ),
    (
        "slack bot token in error log",
        r"""
[ERROR] slack_bolt.App: Failed to run listener: invalid_auth
[DEBUG] slack_sdk.web.base_client: Sending a request - url: https://slack.com/api/chat.postMessage, query_params: {}, body_params: {}, files: {}, json_body: {'channel': 'C0{{P:short}}', 'text': 'deploy done'}, headers: {'Content-Type': 'application/json;charset=utf-8', 'Authorization': '(redacted)', 'User-Agent': 'Bolt/1.21.2'}
[DEBUG] token used: {{S:slack_bot}}
""",
    ),
    (
        "azure sp create-for-rbac output",
        r"""
$ az ad sp create-for-rbac --name gh-deployer --role contributor --scopes /subscriptions/{{P:uuid}}
Creating 'contributor' role assignment under scope '/subscriptions/{{P:uuid}}'
{
  "appId": "{{P:uuid}}",
  "displayName": "gh-deployer",
  "password": "{{S:azure_client_secret}}",
  "tenant": "{{P:uuid}}"
}
""",
    ),
    (
        "azure storage keys list table",
        r"""
$ az storage account keys list -g rg-web -n stwebassets -o table
CreationTime                      KeyName    Permissions    Value
--------------------------------  ---------  -------------  ----------------------------------------------------------------------------------------
2025-06-11T08:02:10.155209+00:00  key1       FULL           {{S:azure_storage}}
""",
    ),
    (
        "gcloud auth print-access-token",
        r"""
$ gcloud auth print-access-token
{{S:google_access}}
""",
    ),
    (
        "npm verbose log protected token",
        r"""
npm verbose cli /usr/local/bin/node /usr/local/bin/npm
npm verbose config //registry.npmjs.org/:_authToken = (protected)
npm http fetch GET 200 https://registry.npmjs.org/-/whoami 312ms
""",
    ),
    (
        "truncated tool output with key",
        r"""
SUPABASE_URL=https://{{P:short}}abcdxyz.supabase.co
SUPABASE_SERVICE_ROLE_KEY={{S:sb_secret}}
NEXT_PUBLIC_SUPABASE_ANON_KEY={{P:sb_publishable}}
... [truncated 214 lines]
""",
    ),
    (
        "docker login warning with password arg",
        r"""
$ docker login -u acmebot -p {{S:dockerhub}}
WARNING! Using --password via the CLI is insecure. Use --password-stdin.
Login Succeeded
""",
    ),
    (
        "celery startup banner masked broker password",
        r"""
 -------------- celery@worker-1 v5.5.3 (immunity)
--- ***** -----
-- ******* ---- Linux-6.8.0-x86_64 2025-11-04 10:22:01
- *** --- * ---
- ** ---------- [config]
- ** ---------- .> app:         shop:0x7f3a1c2d
- ** ---------- .> transport:   redis://default:**@redis-12345.c1.us-east-1-2.ec2.redns.redis-cloud.com:12345/0
- ** ---------- .> results:     disabled://
""",
    ),
    (
        "telegram bot token in log",
        r"""2025-11-05 08:00:01,442 - telegram.ext.Application - INFO - Application started
2025-11-05 08:00:01,913 - httpx - INFO - HTTP Request: POST https://api.telegram.org/bot{{S:telegram}}/getMe "HTTP/1.1 200 OK"
""",
    ),
    (
        "agent summary with linear key",
        r"""Done. I added the Linear MCP server to `.mcp.json` and set `LINEAR_API_KEY` to the value you gave me (`{{S:linear}}`). Restart Claude Code to pick it up.""",
    ),
    (
        "datadog agent status key tail",
        r"""
==============
Agent (v7.71.0)
==============
  Status date: 2025-11-06 10:02:11.452 UTC
  API Key ending with: {{P:tail5}}
  Hostname: web-7f9c
""",
    ),
    (
        "gitlab runner register command",
        r"""
$ gitlab-runner register --non-interactive --url https://gitlab.com --token {{S:glrt}} --executor docker --docker-image alpine:3.20
Runtime platform    arch=amd64 os=linux pid=912 revision=5a021a1c version=18.5.0
Runner registered successfully.
""",
    ),
    (
        "pgpass line",
        r"""
$ cat ~/.pgpass
db.internal.acme.io:5432:app:app_user:{{S:pwx}}
""",
    ),
    # ---- negatives ----
    (
        "agent reply about rotating keys no value",
        r"""I rotated the OpenAI project key in the dashboard and updated `OPENAI_API_KEY` in Vercel for Production and Preview. The old key is revoked; nothing else references it.""",
    ),
    (
        "masked key in dashboard listing",
        r"""
NAME            SECRET KEY         CREATED       LAST USED
ci-evals        {{P:masked}}       Oct 2, 2025   Nov 4, 2025
local-dev       {{P:masked}}       Sep 9, 2025   Never
""",
    ),
    (
        "gh secret list names only",
        r"""
$ gh secret list --repo acme/web
NAME                   UPDATED
ANTHROPIC_API_KEY      about 3 days ago
AWS_SECRET_ACCESS_KEY  about 2 months ago
NPM_TOKEN              about 1 year ago
""",
    ),
    (
        "github actions log masked",
        r"""
Run npm publish --provenance --access public
  npm publish --provenance --access public
  shell: /usr/bin/bash -e {0}
  env:
    NODE_AUTH_TOKEN: ***
    NPM_CONFIG_USERCONFIG: /home/runner/work/_temp/.npmrc
npm notice Publishing to https://registry.npmjs.org/ with tag latest and public access
""",
    ),
    (
        "terraform plan sensitive values",
        r"""
  # aws_db_instance.main will be updated in-place
  ~ resource "aws_db_instance" "main" {
        id                 = "prod-db"
      ~ password           = (sensitive value)
        tags               = {}
        # (41 unchanged attributes hidden)
    }

Plan: 0 to add, 1 to change, 0 to destroy.
""",
    ),
    (
        "terraform outputs sensitive",
        r"""
$ terraform output
api_url = "https://api.acme.io"
db_password = <sensitive>
openai_key_secret_arn = "arn:aws:secretsmanager:us-east-1:{{P:account}}:secret:prod/openai-{{P:short}}"
""",
    ),
    (
        "supabase status anon only",
        r"""
Started supabase local development setup.

         API URL: http://127.0.0.1:54321
          DB URL: postgresql://postgres:postgres@127.0.0.1:54322/postgres
        anon key: {{P:supabase_anon}}
""",
    ),
    (
        "git log oneline",
        r"""
{{P:short}} (HEAD -> main, origin/main) fix(auth): refresh token rotation on 401
{{P:short}} chore(deps): bump openai from 4.104.0 to 5.23.1
{{P:short}} feat: add Stripe webhook handler for invoice.paid
{{P:short}} docs: explain how to set ANTHROPIC_API_KEY locally
""",
    ),
    (
        "pip install output with hashes",
        r"""
Collecting anthropic==0.69.0 (from -r requirements.txt (line 3))
  Downloading anthropic-0.69.0-py3-none-any.whl.metadata (28 kB)
Requirement already satisfied: httpx<1,>=0.25.0 in ./.venv/lib/python3.12/site-packages (from anthropic==0.69.0) (0.28.1)
Successfully installed anthropic-0.69.0 distro-1.9.0 jiter-0.11.0
""",
    ),
    (
        "docker pull digest",
        r"""
$ docker pull ghcr.io/acme/api:1.14.2
1.14.2: Pulling from acme/api
Digest: {{P:digest}}
Status: Downloaded newer image for ghcr.io/acme/api:1.14.2
""",
    ),
    (
        "ssh-keygen output fingerprint",
        r"""
Generating public/private ed25519 key pair.
Your identification has been saved in /home/dev/.ssh/id_ed25519
Your public key has been saved in /home/dev/.ssh/id_ed25519.pub
The key fingerprint is:
{{P:fingerprint}} dev@workstation
""",
    ),
    (
        "known_hosts content",
        r"""
github.com {{P:ssh_pub}}
gitlab.com {{P:ssh_pub}}
""",
    ),
    (
        "aws sts get-caller-identity table",
        r"""
$ aws sts get-caller-identity --output table
--------------------------------------------------------------------
|                         GetCallerIdentity                        |
+--------------+-----------------------------------+---------------+
|    Account   |                Arn                |    UserId     |
+--------------+-----------------------------------+---------------+
|  {{P:account}}|  arn:aws:iam::{{P:account}}:user/ci  |  AIDA{{P:short}}QWERT |
+--------------+-----------------------------------+---------------+
""",
    ),
    (
        "aws access key listing ids only",
        r"""
$ aws iam list-access-keys --user-name ci --output text
ACCESSKEYMETADATA	{{P:aws_id}}	2025-03-02T10:11:12+00:00	Active	ci
ACCESSKEYMETADATA	{{P:aws_id}}	2024-01-19T08:00:00+00:00	Inactive	ci
""",
    ),
    (
        "anthropic API error with request id",
        r"""
anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': 'authentication_error', 'message': 'invalid x-api-key'}, 'request_id': '{{P:req}}'}
""",
    ),
    (
        "openai rate limit error",
        r"""
openai.RateLimitError: Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4.1 in organization org-{{P:nonce}} on tokens per min (TPM): Limit 30000, Used 29811, Requested 912. Please try again in 1.446s.', 'type': 'tokens', 'param': None, 'code': 'rate_limit_exceeded'}}
""",
    ),
    (
        "README env setup placeholders",
        r"""
## Setup

1. Copy `.env.example` to `.env.local`.
2. Create an API key at https://platform.openai.com/api-keys and set `OPENAI_API_KEY=sk-...` in `.env.local`.
3. For payments, set `STRIPE_SECRET_KEY=sk_test_...` from the Stripe dashboard (Developers → API keys).
4. Run `pnpm dev`.
""",
    ),
    (
        "vault kv metadata only",
        r"""
$ vault kv metadata get secret/payments/stripe
======= Metadata Path =======
secret/metadata/payments/stripe

========== Metadata ==========
Key                     Value
---                     -----
current_version         4
max_versions            0
oldest_version          1
updated_time            2025-10-30T08:41:12.118Z
""",
    ),
    (
        "kubectl get secrets listing",
        r"""
$ kubectl get secrets -n web
NAME                         TYPE                             DATA   AGE
app-env                      Opaque                           7      41d
regcred                      kubernetes.io/dockerconfigjson   1      212d
sh.helm.release.v1.web.v37   helm.sh/release.v1               1      3d
tls-acme-io                  kubernetes.io/tls                2      88d
""",
    ),
    (
        "kubectl describe secret sizes",
        r"""
Name:         app-env
Namespace:    web
Type:         Opaque

Data
====
OPENAI_API_KEY:     164 bytes
DATABASE_URL:       118 bytes
STRIPE_SECRET_KEY:  107 bytes
""",
    ),
    (
        "stripe cli events list ids",
        r"""
$ stripe events list --limit 2
{{P:stripe_obj}}  invoice.paid           2025-11-04 09:12:44
{{P:stripe_obj}}  customer.subscription.updated  2025-11-04 09:12:43
""",
    ),
    (
        "vercel deploy output",
        r"""
Vercel CLI 48.2.0
🔍  Inspect: https://vercel.com/acme/web/{{P:vercel_dpl}} [3s]
✅  Production: https://web-{{P:short}}-acme.vercel.app [41s]
""",
    ),
    (
        "test output mentions token names",
        r"""
tests/test_config.py::test_missing_openai_key_raises PASSED                [ 20%]
tests/test_config.py::test_secret_key_from_env PASSED                      [ 40%]
tests/test_config.py::test_token_refresh_schedules_next PASSED             [ 60%]
tests/test_webhooks.py::test_rejects_bad_signature PASSED                  [ 80%]
tests/test_webhooks.py::test_accepts_valid_signature PASSED                [100%]
""",
    ),
    (
        "agent explains anon vs service role",
        r"""The `anon` key is safe in the browser because Row Level Security decides what it can read; the `service_role` key bypasses RLS, so it must only live in server code (`SUPABASE_SERVICE_ROLE_KEY`, never prefixed with `NEXT_PUBLIC_`).""",
    ),
    (
        "git diff replacing with env lookup",
        r"""
diff --git a/lib/ai.ts b/lib/ai.ts
index {{P:short}}..{{P:short}} 100644
--- a/lib/ai.ts
+++ b/lib/ai.ts
@@ -1,5 +1,5 @@
 import Anthropic from "@anthropic-ai/sdk";
-const client = new Anthropic({ apiKey: process.env.CLAUDE_KEY });
+const client = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });
""",
    ),
    (
        "sentry event log with trace ids",
        r"""
[sentry] Captured error event {{P:hex32p}} (trace={{P:trace}} span={{P:span}})
[sentry] Flushing 1 envelope to o{{P:n}}.ingest.us.sentry.io
""",
    ),
    (
        "gpg list keys",
        r"""
$ gpg --list-secret-keys --keyid-format=long
/home/dev/.gnupg/pubring.kbx
sec   ed25519/{{P:span}} 2025-02-11 [SC]
      {{P:gpg_fpr}}
uid                 [ultimate] Dana Kim <dana@acme.io>
ssb   cv25519/{{P:span}} 2025-02-11 [E]
""",
    ),
    (
        "npm audit output",
        r"""
# npm audit report

next  15.0.0 - 15.2.2
Severity: critical
Authorization Bypass in Next.js Middleware - https://github.com/advisories/GHSA-f82v-jwr5-mffw
fix available via `npm audit fix --force`
""",
    ),
    (
        "ollama list",
        r"""
NAME                 ID              SIZE      MODIFIED
qwen2.5-coder:7b     {{P:hex32p}}    4.7 GB    3 days ago
llama3.2:latest      {{P:hex32p}}    2.0 GB    5 weeks ago
""",
    ),
    (
        "doppler secrets names",
        r"""
$ doppler secrets --only-names
┌──────────────────────┐
│ NAME                 │
├──────────────────────┤
│ DOPPLER_CONFIG       │
│ OPENAI_API_KEY       │
│ SENDGRID_API_KEY     │
└──────────────────────┘
""",
    ),
    (
        "op item get concealed",
        r"""
$ op item get "Neon prod"
ID:          {{P:ulid}}
Title:       Neon prod
Vault:       Engineering
Fields:
  username:    neondb_owner
  password:    [use 'op item get {{P:ulid}} --reveal' to reveal]
""",
    ),
    (
        "uuid-heavy app log",
        r"""
2025-11-05T10:11:12Z INFO  request_id={{P:uuid}} user_id={{P:uuid}} path=/api/keys method=POST status=201 dur=38ms
2025-11-05T10:11:13Z INFO  request_id={{P:uuid}} user_id={{P:uuid}} path=/api/tokens/refresh method=POST status=200 dur=12ms
""",
    ),
    (
        "certbot output",
        r"""
Successfully received certificate.
Certificate is saved at: /etc/letsencrypt/live/api.acme.io/fullchain.pem
Key is saved at:         /etc/letsencrypt/live/api.acme.io/privkey.pem
This certificate expires on 2026-02-03.
""",
    ),
    (
        "claude code /cost and /status output",
        r"""
> /status
 Version: 2.0.31
 Session ID: {{P:uuid}}
 cwd: /home/dev/web
 Auth token: none
 API key: ANTHROPIC_API_KEY
 Model: Default (claude-sonnet-4-5-20250929)
""",
    ),
    (
        "agent reply with masked key",
        r"""The key in `.env.local` starts with `sk-proj-` and ends in `{{P:span4}}`; I did not print the rest. It is a project key for the `evals` project, so the 401 comes from the org header, not the key.""",
    ),
    (
        "gh run view log masked",
        r"""
build	Run pnpm test	2025-11-04T10:12:33.1182Z ##[group]Run pnpm test
build	Run pnpm test	2025-11-04T10:12:33.1184Z env:
build	Run pnpm test	2025-11-04T10:12:33.1185Z   DATABASE_URL: ***
build	Run pnpm test	2025-11-04T10:12:33.1186Z   STRIPE_SECRET_KEY: ***
build	Run pnpm test	2025-11-04T10:12:33.1189Z ##[endgroup]
""",
    ),
    (
        "webhook signature header log",
        r"""
2025-11-04T10:12:33Z POST /api/webhooks/stripe 400 stripe-signature="t=1762250000,v1={{P:sha256}}" error="No signatures found matching the expected signature for payload"
""",
    ),
    (
        "hash of api key stored",
        r"""
 id                                   | key_prefix | key_hash                                                         | created_at
--------------------------------------+------------+------------------------------------------------------------------+------------------------
 {{P:uuid}} | ak_live_   | {{P:sha256}} | 2025-11-04 10:12:33+00
""",
    ),
]

SHELL: list[tuple[str, str]] = [
    # ---- positives ----
    (
        "next.js .env.local",
        r"""
# .env.local
OPENAI_API_KEY={{S:openai}}
NEXT_PUBLIC_SUPABASE_URL=https://{{P:short}}qwerty.supabase.co
NEXT_PUBLIC_SUPABASE_ANON_KEY={{P:supabase_anon}}
SUPABASE_SERVICE_ROLE_KEY={{S:supabase_service}}
""",
    ),
    (
        "vite .env with server key",
        r"""
VITE_API_BASE=https://api.acme.dev
VITE_POSTHOG_KEY={{P:posthog_project}}
GEMINI_API_KEY={{S:gemini}}
""",
    ),
    (
        "export openai key in zshrc",
        r"""
# >>> ai keys >>>
export OPENAI_API_KEY="{{S:openai}}"
export ANTHROPIC_API_KEY="{{S:anthropic}}"
# <<< ai keys <<<
""",
    ),
    (
        "export openai admin key",
        r"""export OPENAI_ADMIN_KEY={{S:openai_admin}}
curl https://api.openai.com/v1/organization/projects -H "Authorization: Bearer $OPENAI_ADMIN_KEY"
""",
    ),
    (
        "curl with x-api-key anthropic",
        r"""
curl https://api.anthropic.com/v1/messages \
  -H "x-api-key: {{S:anthropic}}" \
  -H "anthropic-version: 2023-06-01" \
  -H "content-type: application/json" \
  -d '{"model":"claude-sonnet-4-5","max_tokens":256,"messages":[{"role":"user","content":"ping"}]}'
""",
    ),
    (
        "curl openai bearer",
        r"""
curl https://api.openai.com/v1/responses \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer {{S:openai_svc}}" \
  -d '{"model": "gpt-5", "input": "hello"}'
""",
    ),
    (
        "curl groq",
        r"""curl -s https://api.groq.com/openai/v1/models -H "Authorization: Bearer {{S:groq}}" | jq '.data[].id'""",
    ),
    (
        "curl perplexity",
        r"""
curl --request POST --url https://api.perplexity.ai/chat/completions \
  --header 'Authorization: Bearer {{S:perplexity}}' \
  --header 'Content-Type: application/json' \
  --data '{"model": "sonar", "messages": [{"role": "user", "content": "latest next.js version"}]}'
""",
    ),
    (
        "curl xai",
        r"""curl https://api.x.ai/v1/chat/completions -H "Content-Type: application/json" -H "Authorization: Bearer {{S:xai}}" -d '{"model":"grok-4","messages":[{"role":"user","content":"hi"}]}'""",
    ),
    (
        "curl cohere",
        r"""
curl --request POST \
  --url https://api.cohere.com/v2/rerank \
  --header 'accept: application/json' \
  --header 'authorization: Bearer {{S:cohere}}' \
  --header 'content-type: application/json'
""",
    ),
    (
        "curl deepseek",
        r"""curl https://api.deepseek.com/chat/completions -H "Content-Type: application/json" -H "Authorization: Bearer {{S:deepseek}}" -d '{"model":"deepseek-chat","messages":[{"role":"user","content":"Hello!"}],"stream":false}'""",
    ),
    (
        "curl fireworks",
        r"""
curl https://api.fireworks.ai/inference/v1/chat/completions \
  -H "Authorization: Bearer {{S:fireworks}}" \
  -H "Content-Type: application/json"
""",
    ),
    (
        "curl elevenlabs xi-api-key",
        r"""curl -X POST "https://api.elevenlabs.io/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb?output_format=mp3_44100_128" -H "xi-api-key: {{S:elevenlabs}}" -H "Content-Type: application/json" -d '{"text": "Hi", "model_id": "eleven_multilingual_v2"}' --output out.mp3""",
    ),
    (
        "curl assemblyai",
        r"""
curl https://api.assemblyai.com/v2/transcript \
  --header "authorization: {{S:assemblyai}}" \
  --header "content-type: application/json" \
  --data '{"audio_url": "https://assembly.ai/wildfires.mp3"}'
""",
    ),
    (
        "curl pinecone api-key header",
        r"""curl -X GET "https://api.pinecone.io/indexes" -H "Api-Key: {{S:pinecone}}" -H "X-Pinecone-API-Version: 2025-04\"
""",
    ),
    (
        "export pinecone legacy uuid key",
        r"""
export PINECONE_API_KEY={{S:pinecone_uuid}}
export PINECONE_ENVIRONMENT=us-west1-gcp
python ingest.py --index docs
""",
    ),
    (
        "azure openai env",
        r"""
AZURE_OPENAI_ENDPOINT=https://acme-eastus2.openai.azure.com/
AZURE_OPENAI_API_KEY={{S:azure_openai}}
AZURE_OPENAI_API_VERSION=2025-04-01-preview
AZURE_OPENAI_DEPLOYMENT=gpt-4o-mini
""",
    ),
    (
        "curl azure openai api-key header",
        r"""
curl "https://acme-swedencentral.openai.azure.com/openai/deployments/gpt-4.1/chat/completions?api-version=2025-04-01-preview" \
  -H "Content-Type: application/json" \
  -H "api-key: {{S:azure_ai}}" \
  -d '{"messages":[{"role":"user","content":"hi"}]}'
""",
    ),
    (
        "bedrock api key env",
        r"""
export AWS_BEARER_TOKEN_BEDROCK={{S:bedrock}}
export AWS_REGION=us-west-2
export CLAUDE_CODE_USE_BEDROCK=1
""",
    ),
    (
        "aws credentials env exports",
        r"""
export AWS_ACCESS_KEY_ID={{P:aws_sts_id}}
export AWS_SECRET_ACCESS_KEY={{S:aws_secret}}
export AWS_SESSION_TOKEN={{S:aws_session}}
""",
    ),
    (
        "claude code oauth token env",
        r"""
# token from `claude setup-token`
export CLAUDE_CODE_OAUTH_TOKEN={{S:claude_oauth}}
claude -p "run the tests" --output-format stream-json
""",
    ),
    (
        "hf cli login command",
        r"""
$ huggingface-cli login --token {{S:hf}} --add-to-git-credential
Token is valid (permission: write).
Your token has been saved to /home/dev/.cache/huggingface/token
Login successful
""",
    ),
    (
        "langsmith env",
        r"""
LANGSMITH_TRACING=true
LANGSMITH_ENDPOINT=https://api.smith.langchain.com
LANGSMITH_API_KEY={{S:langsmith}}
LANGSMITH_PROJECT=support-bot
""",
    ),
    (
        "together and openrouter .env",
        r"""
TOGETHER_API_KEY={{S:together}}
OPENROUTER_API_KEY={{S:openrouter}}
DEFAULT_MODEL=meta-llama/Llama-3.3-70B-Instruct-Turbo
""",
    ),
    (
        "weaviate qdrant env",
        r"""
WEAVIATE_URL=https://{{P:short}}-rqw.c0.europe-west3.gcp.weaviate.cloud
WEAVIATE_API_KEY={{S:weaviate}}
QDRANT_URL=https://{{P:uuid}}.eu-central-1-0.aws.cloud.qdrant.io:6333
QDRANT_API_KEY={{S:qdrant}}
""",
    ),
    (
        "laravel .env",
        r"""
APP_NAME=Shopfront
APP_ENV=local
APP_KEY={{S:laravel}}
APP_DEBUG=true
DB_CONNECTION=mysql
DB_HOST=127.0.0.1
DB_PORT=3306
DB_DATABASE=shopfront
DB_USERNAME=shop
DB_PASSWORD={{S:pwx}}
MAIL_MAILER=postmark
POSTMARK_TOKEN={{S:postmark}}
""",
    ),
    (
        "auth.js secrets .env",
        r"""
AUTH_SECRET="{{S:authjs}}" # Added by `npx auth`. Read more: https://cli.authjs.dev
AUTH_GITHUB_ID=Ov23li{{P:short}}abcdEFG
AUTH_GITHUB_SECRET={{S:hex40}}
""",
    ),
    (
        "clerk env",
        r"""
NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY={{P:clerk_pk}}
CLERK_SECRET_KEY={{S:clerk_sk}}
NEXT_PUBLIC_CLERK_SIGN_IN_URL=/sign-in
""",
    ),
    (
        "auth0 env",
        r"""
AUTH0_SECRET='{{S:hex64}}'
AUTH0_DOMAIN='acme.us.auth0.com'
AUTH0_CLIENT_ID='{{P:nonce}}abc'
AUTH0_CLIENT_SECRET='{{S:auth0_secret}}'
APP_BASE_URL='http://localhost:3000'
""",
    ),
    (
        "google oauth env",
        r"""
GOOGLE_CLIENT_ID={{P:google_client_id}}
GOOGLE_CLIENT_SECRET={{S:google_secret}}
""",
    ),
    (
        "stripe env server",
        r"""
STRIPE_SECRET_KEY={{S:stripe_test}}
STRIPE_WEBHOOK_SECRET={{S:stripe_whsec}}
NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY={{P:stripe_pk_test}}
""",
    ),
    (
        "stripe curl basic -u",
        r"""curl https://api.stripe.com/v1/customers -u {{S:stripe_sk}}: -d email="jenny@example.com"
""",
    ),
    (
        "resend curl",
        r"""
curl -X POST 'https://api.resend.com/emails' \
     -H 'Authorization: Bearer {{S:resend}}' \
     -H 'Content-Type: application/json' \
     -d $'{"from": "Acme <onboarding@resend.dev>", "to": ["delivered@resend.dev"], "subject": "hello world", "html": "<p>it works!</p>"}'
""",
    ),
    ("sendgrid env export", r"""echo "export SENDGRID_API_KEY='{{S:sendgrid}}'" > sendgrid.env"""),
    (
        "twilio curl -u sid:token",
        r"""
curl -X POST "https://api.twilio.com/2010-04-01/Accounts/{{P:twilio_sid#a}}/Messages.json" \
--data-urlencode "Body=Your code is 482913" \
--data-urlencode "From=+15557122661" \
--data-urlencode "To=+15558675310" \
-u {{P:twilio_sid#a}}:{{S:twilio_token}}
""",
    ),
    (
        "twilio env api key",
        r"""
TWILIO_ACCOUNT_SID={{P:twilio_sid}}
TWILIO_API_KEY={{P:twilio_key_sid}}
TWILIO_API_SECRET={{S:twilio_secret}}
""",
    ),
    (
        "upstash env",
        r"""
UPSTASH_REDIS_REST_URL="https://{{P:short}}-wondrous-gull-41234.upstash.io"
UPSTASH_REDIS_REST_TOKEN="{{S:upstash_token}}"
""",
    ),
    (
        "turso env",
        r"""
TURSO_DATABASE_URL=libsql://shop-dana.aws-us-east-1.turso.io
TURSO_AUTH_TOKEN={{S:turso}}
""",
    ),
    (
        "sentry auth token env build",
        r"""
# .env.sentry-build-plugin
# DO NOT commit this file to your repository!
SENTRY_AUTH_TOKEN={{S:sentry_token}}
""",
    ),
    (
        "posthog personal api key export",
        r"""export POSTHOG_PERSONAL_API_KEY={{S:posthog_personal}}
npx posthog-cli sourcemap upload --directory .next""",
    ),
    (
        "vercel token in CI script",
        r"""
vercel pull --yes --environment=production --token={{S:vercel}}
vercel build --prod --token={{S:vercel}}
vercel deploy --prebuilt --prod --token={{S:vercel}}
""",
    ),
    (
        "netlify auth token env",
        r"""NETLIFY_AUTH_TOKEN={{S:netlify}} NETLIFY_SITE_ID={{P:uuid}} npx netlify deploy --prod --dir=dist""",
    ),
    (
        "cloudflare env wrangler",
        r"""
export CLOUDFLARE_API_TOKEN={{S:cloudflare}}
export CLOUDFLARE_ACCOUNT_ID={{P:cf_account}}
npx wrangler deploy
""",
    ),
    (
        "cloudflare global api key curl",
        r"""
curl "https://api.cloudflare.com/client/v4/zones" \
     -H "X-Auth-Email: ops@acme.io" \
     -H "X-Auth-Key: {{S:cloudflare_global}}"
""",
    ),
    (
        "fly api token export",
        r"""export FLY_API_TOKEN="{{S:fly}}"
flyctl deploy --remote-only""",
    ),
    (
        "render api key curl",
        r"""curl --request GET --url 'https://api.render.com/v1/services?limit=20' --header 'Accept: application/json' --header 'Authorization: Bearer {{S:render}}'""",
    ),
    ("railway token env", r"""RAILWAY_TOKEN={{S:railway}} railway up --service api --detach"""),
    (
        "gh token export",
        r"""
export GH_TOKEN={{S:ghp}}
gh pr list --repo acme/web --state open
""",
    ),
    ("uv publish token", r"""UV_PUBLISH_TOKEN={{S:pypi}} uv publish dist/*"""),
    ("docker login stdin echo", r"""echo "{{S:dockerhub}}" | docker login -u acmebot --password-stdin"""),
    (
        "gitlab token curl",
        r"""curl --header "PRIVATE-TOKEN: {{S:glpat}}" "https://gitlab.com/api/v4/projects/4211/pipelines?status=failed"
""",
    ),
    (
        "psql PGPASSWORD",
        r"""PGPASSWORD='{{S:pwx}}' psql -h ep-{{P:short}}.us-east-2.aws.neon.tech -U neondb_owner -d neondb -c '\dt'""",
    ),
    (
        "mysql -p password",
        r"""mysql -h aws.connect.psdb.cloud -u {{P:short}}xyz -p'{{S:pw}}' --ssl-mode=VERIFY_IDENTITY shop""",
    ),
    (
        "redis-cli -a",
        r"""redis-cli -h redis-17421.c8.us-east-1-4.ec2.redns.redis-cloud.com -p 17421 -a '{{S:pw}}' --no-auth-warning PING""",
    ),
    (
        "docker run -e secrets",
        r"""
docker run -d --name api \
  -e DATABASE_URL=postgres://app:{{S:pw}}@db:5432/app \
  -e JWT_SECRET={{S:hex64}} \
  -p 8080:8080 ghcr.io/acme/api:latest
""",
    ),
    (
        "django secret env",
        r"""
DJANGO_SECRET_KEY='{{S:django_plain}}'
DJANGO_DEBUG=False
DJANGO_ALLOWED_HOSTS=api.acme.io
""",
    ),
    (
        "rails env secret_key_base",
        r"""RAILS_MASTER_KEY={{S:hex32}} SECRET_KEY_BASE={{S:hex128}} bin/rails assets:precompile""",
    ),
    (
        "vault token export",
        r"""
export VAULT_ADDR=https://vault.acme.internal:8200
export VAULT_TOKEN={{S:vault}}
vault kv get -field=password secret/db/prod
""",
    ),
    (
        "doppler service token",
        r"""
# Dockerfile entrypoint wrapper
DOPPLER_TOKEN="{{S:doppler}}" doppler run -- node server.js
""",
    ),
    (
        "infisical token export",
        r"""export INFISICAL_TOKEN={{S:infisical}}
infisical run --env=prod -- npm start""",
    ),
    (
        "1password service account token",
        r"""export OP_SERVICE_ACCOUNT_TOKEN={{S:op_service}}
op read "op://CI/npm/token"
""",
    ),
    (
        "datadog env",
        r"""
DD_API_KEY={{S:datadog_api}}
DD_APP_KEY={{S:datadog_app}}
DD_SITE=datadoghq.eu
""",
    ),
    (
        "notion env",
        r"""NOTION_TOKEN={{S:notion}}
NOTION_DATABASE_ID={{P:hex32p}}""",
    ),
    (
        "azure storage connection env",
        r"""AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=stwebassets;AccountKey={{S:azure_storage}};EndpointSuffix=core.windows.net"
""",
    ),
    (
        "azure client secret env",
        r"""
AZURE_TENANT_ID={{P:uuid}}
AZURE_CLIENT_ID={{P:uuid}}
AZURE_CLIENT_SECRET={{S:azure_client_secret}}
""",
    ),
    (
        "shopify and figma tokens env",
        r"""
SHOPIFY_ADMIN_ACCESS_TOKEN={{S:shopify}}
SHOPIFY_STORE_DOMAIN=acme-store.myshopify.com
FIGMA_TOKEN={{S:figma}}
""",
    ),
    (
        "k8s create secret from-literal",
        r"""kubectl create secret generic app-env --from-literal=OPENAI_API_KEY={{S:openai}} --from-literal=DB_PASSWORD={{S:pwh}} -n web""",
    ),
    # ---- negatives ----
    (
        ".env.example placeholders",
        r"""
# Copy to .env.local and fill in
OPENAI_API_KEY=
ANTHROPIC_API_KEY=your-anthropic-api-key
STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx
NEXTAUTH_SECRET=changeme
DATABASE_URL=postgresql://USER:PASSWORD@HOST:5432/DB
""",
    ),
    (
        "env references only",
        r"""
export OPENAI_API_KEY="$(op read op://Private/OpenAI/credential)"
export ANTHROPIC_API_KEY="${ANTHROPIC_API_KEY:?set it first}"
export GH_TOKEN="$(gh auth token)"
""",
    ),
    (
        "public vite env",
        r"""
VITE_SUPABASE_URL=https://{{P:short}}abcd.supabase.co
VITE_SUPABASE_ANON_KEY={{P:supabase_anon}}
VITE_STRIPE_PUBLISHABLE_KEY={{P:stripe_pk}}
VITE_SENTRY_DSN={{P:sentry_dsn}}
""",
    ),
    (
        "firebase public env",
        r"""
NEXT_PUBLIC_FIREBASE_API_KEY={{P:firebase_web}}
NEXT_PUBLIC_FIREBASE_AUTH_DOMAIN=acme-web.firebaseapp.com
NEXT_PUBLIC_FIREBASE_PROJECT_ID=acme-web
NEXT_PUBLIC_FIREBASE_STORAGE_BUCKET=acme-web.firebasestorage.app
NEXT_PUBLIC_FIREBASE_MESSAGING_SENDER_ID={{P:account}}
NEXT_PUBLIC_FIREBASE_APP_ID=1:{{P:account}}:web:{{P:short}}f00ba4
""",
    ),
    (
        "posthog clerk public env",
        r"""
NEXT_PUBLIC_POSTHOG_KEY={{P:posthog_project}}
NEXT_PUBLIC_POSTHOG_HOST=https://us.i.posthog.com
NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY={{P:clerk_pk}}
""",
    ),
    (
        "wrangler secret put prompt",
        r"""
$ npx wrangler secret put OPENAI_API_KEY
 ⛅️ wrangler 4.20.0
✔ Enter a secret value: … ********************************
🌀 Creating the secret for the Worker "edge-api"
✨ Success! Uploaded secret OPENAI_API_KEY
""",
    ),
    (
        "gh secret set from file",
        r"""
gh secret set ANTHROPIC_API_KEY < /dev/stdin
gh secret set --env production STRIPE_SECRET_KEY --body "$STRIPE_SECRET_KEY"
gh variable set NEXT_PUBLIC_APP_URL --body https://acme.io
""",
    ),
    (
        "curl with env var bearer",
        r"""
curl https://api.openai.com/v1/models \
  -H "Authorization: Bearer $OPENAI_API_KEY" | jq -r '.data[].id' | sort | head
""",
    ),
    (
        "sha256sum output",
        r"""
$ sha256sum dist/*.whl dist/*.tar.gz
{{P:sha256}}  dist/autopilot-0.9.1-py3-none-any.whl
{{P:sha256}}  dist/autopilot-0.9.1.tar.gz
""",
    ),
    (
        "git rev-parse and tags",
        r"""
$ git rev-parse HEAD
{{P:sha}}
$ git tag --points-at HEAD
v2.14.0
""",
    ),
    (
        "aws configure get region",
        r"""
$ aws configure list
      Name                    Value             Type    Location
      ----                    -----             ----    --------
   profile                  default           manual    --profile
access_key     ****************{{P:short}}X shared-credentials-file
secret_key     ****************abcd shared-credentials-file
    region                us-east-1      config-file    ~/.aws/config
""",
    ),
    (
        "aws sso config profile",
        r"""
[profile dev]
sso_session = acme
sso_account_id = {{P:account}}
sso_role_name = AdministratorAccess
region = eu-west-1

[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = eu-west-1
""",
    ),
    (
        "dockerfile with build secret mount",
        r"""
# syntax=docker/dockerfile:1.7
FROM node:22-alpine AS deps
WORKDIR /app
COPY package.json pnpm-lock.yaml ./
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
    corepack enable && pnpm install --frozen-lockfile
ENV NEXT_TELEMETRY_DISABLED=1
""",
    ),
    (
        "script reading secrets safely",
        r"""
#!/usr/bin/env bash
set -euo pipefail
: "${STRIPE_SECRET_KEY:?missing}"
TOKEN=$(vault kv get -field=token secret/ci/github)
echo "::add-mask::$TOKEN"
gh auth login --with-token <<<"$TOKEN"
""",
    ),
    (
        "aws example keys from docs",
        r"""
# Example from the AWS docs; not a real key
AWS_ACCESS_KEY_ID={{P:aws_example_id}}
AWS_SECRET_ACCESS_KEY={{P:aws_example_secret}}
""",
    ),
    (
        "ssh-keyscan output",
        r"""
$ ssh-keyscan -t ed25519 github.com
# github.com:22 SSH-2.0-babeld-8c2b4ad3
github.com {{P:ssh_pub}}
""",
    ),
    (
        "authorized_keys",
        r"""
$ cat ~/.ssh/authorized_keys
{{P:ssh_rsa_pub}} deploy@ci
{{P:ssh_pub}} dana@laptop
""",
    ),
    (
        "ansible-vault view prompt and encrypted",
        r"""
$ cat group_vars/prod/vault.yml
{{P:ansible_vault}}
""",
    ),
    (
        "openssl rand command without output",
        r"""
# generate a new secret and store it in Vercel
openssl rand -base64 32 | vercel env add AUTH_SECRET production
""",
    ),
    (
        "npm ci with integrity",
        r"""
$ grep -A3 '"node_modules/openai"' package-lock.json
    "node_modules/openai": {
      "version": "5.23.1",
      "resolved": "https://registry.npmjs.org/openai/-/openai-5.23.1.tgz",
      "integrity": "{{P:integrity}}",
""",
    ),
    (
        "history with secret rotation commands",
        r"""
  501  vercel env rm OPENAI_API_KEY production
  502  vercel env add OPENAI_API_KEY production
  503  vercel --prod
  504  git log --oneline -5
""",
    ),
    (
        "docker compose ps",
        r"""
$ docker compose ps
NAME          IMAGE                 COMMAND                  SERVICE   CREATED       STATUS                 PORTS
web-db-1      postgres:17           "docker-entrypoint.s…"   db        2 hours ago   Up 2 hours (healthy)   0.0.0.0:5432->5432/tcp
web-redis-1   redis:7.4-alpine      "docker-entrypoint.s…"   redis     2 hours ago   Up 2 hours             0.0.0.0:6379->6379/tcp
""",
    ),
    (
        "grep -rn for key names no values",
        r"""
$ rg -n "OPENAI_API_KEY|ANTHROPIC_API_KEY"
src/lib/llm.ts:4:const apiKey = process.env.OPENAI_API_KEY;
src/lib/claude.ts:7:  apiKey: process.env.ANTHROPIC_API_KEY,
.env.example:2:OPENAI_API_KEY=
README.md:31:Set `ANTHROPIC_API_KEY` in `.env.local`.
""",
    ),
    (
        "stripe example test key documented",
        r"""
# From Stripe's API reference (public sample key)
curl https://api.stripe.com/v1/charges -u {{P:stripe_doc_key}}:
""",
    ),
    (
        "vercel env ls",
        r"""
$ vercel env ls
> Environment Variables found for acme/web [412ms]

 name                       value               environments                        created
 OPENAI_API_KEY             Encrypted           Production, Preview                 12d ago
 STRIPE_SECRET_KEY          Encrypted           Production                          30d ago
 NEXT_PUBLIC_POSTHOG_KEY    Encrypted           Production, Preview, Development    41d ago
""",
    ),
    (
        "fly secrets list digests",
        r"""
$ fly secrets list -a chat-api
NAME                    DIGEST                  CREATED AT
ANTHROPIC_API_KEY       {{P:span}}        1h ago
DATABASE_URL            {{P:span}}        3w ago
""",
    ),
    (
        "makefile with env passthrough",
        r"""
deploy:
	@test -n "$(CLOUDFLARE_API_TOKEN)" || (echo "CLOUDFLARE_API_TOKEN not set" && exit 1)
	npx wrangler deploy --env production

migrate:
	DATABASE_URL=$$(doppler secrets get DATABASE_URL --plain) npx prisma migrate deploy
""",
    ),
    (
        "git remote -v ssh",
        r"""
$ git remote -v
origin	git@github.com:acme/web.git (fetch)
origin	git@github.com:acme/web.git (push)
upstream	https://github.com/vercel/next.js.git (fetch)
""",
    ),
    (
        "openssl x509 fingerprint",
        r"""
$ openssl x509 -in fullchain.pem -noout -fingerprint -sha256
sha256 Fingerprint={{P:colon_fpr}}
""",
    ),
    (
        "claude mcp add with env reference",
        r"""
claude mcp add github --scope project -e GITHUB_PERSONAL_ACCESS_TOKEN='${GITHUB_TOKEN}' -- npx -y @modelcontextprotocol/server-github
claude mcp list
""",
    ),
    (
        "kubectl create secret from env file",
        r"""kubectl create secret generic app-env --from-env-file=.env.production -n web --dry-run=client -o yaml | kubeseal -o yaml > sealed-app-env.yaml""",
    ),
    (
        "conda env with token name",
        r"""
$ env | grep -E '^(CONDA|HF_)'
CONDA_DEFAULT_ENV=ml
HF_HOME=/data/hf
HF_HUB_ENABLE_HF_TRANSFER=1
HF_TOKEN_PATH=/data/hf/token
""",
    ),
    (
        "github actions step with add-mask",
        r"""
- name: Export token
  run: |
    TOKEN=$(aws secretsmanager get-secret-value --secret-id prod/ci/npm --query SecretString --output text)
    echo "::add-mask::$TOKEN"
    echo "NPM_TOKEN=$TOKEN" >> "$GITHUB_ENV"
""",
    ),
    (
        "direnv envrc with secret manager",
        r"""
# .envrc
dotenv_if_exists .env.local
export OPENAI_API_KEY=$(security find-generic-password -s openai -w)
export AWS_PROFILE=dev
""",
    ),
    (
        "infisical export to env file",
        r"""infisical export --env=dev --format=dotenv > .env.local && echo "wrote $(wc -l < .env.local) variables"
""",
    ),
    (
        "openssl genrsa command only",
        r"""
openssl genrsa -out private.pem 2048
openssl rsa -in private.pem -pubout -out public.pem
chmod 600 private.pem
""",
    ),
    (
        "env file with comments about where to get keys",
        r"""
# Get it from https://console.groq.com/keys
GROQ_API_KEY=
# Optional: https://smith.langchain.com/settings
LANGSMITH_API_KEY=
LANGSMITH_TRACING=false
""",
    ),
    ("sops exec-env command", r"""sops exec-env secrets/prod.enc.yaml 'npm run migrate'"""),
]

YAML: list[tuple[str, str]] = [
    # ---- positives ----
    (
        "pypirc",
        r"""
[distutils]
index-servers = pypi

[pypi]
username = __token__
password = {{S:pypi}}
""",
    ),
    (
        "npmrc auth token",
        r"""
$ cat ~/.npmrc
//registry.npmjs.org/:_authToken={{S:npm}}
@acme:registry=https://npm.pkg.github.com
//npm.pkg.github.com/:_authToken={{S:ghp}}
""",
    ),
    (
        "litellm proxy config",
        r"""
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: {{S:openai}}
  - model_name: claude-sonnet
    litellm_params:
      model: anthropic/claude-sonnet-4-5
      api_key: "{{S:anthropic}}"
general_settings:
  master_key: sk-{{S:pw}}
""",
    ),
    (
        "litellm azure and bedrock",
        r"""
model_list:
  - model_name: azure-gpt
    litellm_params:
      model: azure/gpt-4o-prod
      api_base: https://acme-eastus.openai.azure.com/
      api_key: {{S:azure_openai}}
      api_version: "2025-01-01-preview"
  - model_name: bedrock-claude
    litellm_params:
      model: bedrock/anthropic.claude-3-7-sonnet-20250219-v1:0
      aws_access_key_id: {{P:aws_id}}
      aws_secret_access_key: {{S:aws_secret}}
      aws_region_name: us-east-1
""",
    ),
    (
        "codex config.toml mcp env",
        r"""
model = "gpt-5-codex"
approval_policy = "on-request"

[mcp_servers.github]
command = "npx"
args = ["-y", "@modelcontextprotocol/server-github"]
env = { "GITHUB_PERSONAL_ACCESS_TOKEN" = "{{S:github_pat}}" }
""",
    ),
    (
        "codex config.toml env table",
        r"""
[mcp_servers.exa]
command = "npx"
args = ["-y", "exa-mcp-server"]

[mcp_servers.exa.env]
EXA_API_KEY = "{{S:uuid_s}}"

[mcp_servers.brave]
command = "npx"
args = ["-y", "@brave/brave-search-mcp-server"]
env = { BRAVE_API_KEY = "{{S:brave}}" }
""",
    ),
    (
        "docker compose postgres password",
        r"""
services:
  db:
    image: postgres:17
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: {{S:pwx}}
      POSTGRES_DB: app
    ports:
      - "5432:5432"
""",
    ),
    (
        "docker compose env list form",
        r"""
services:
  api:
    build: .
    environment:
      - NODE_ENV=production
      - OPENAI_API_KEY={{S:openai}}
      - REDIS_URL=redis://:{{S:pw}}@redis:6379/0
    depends_on: [redis]
""",
    ),
    (
        "docker compose config output",
        r"""
name: web
services:
  langfuse-web:
    environment:
      DATABASE_URL: postgresql://postgres:{{S:pw}}@postgres:5432/postgres
      NEXTAUTH_SECRET: {{S:b64_32}}
      SALT: {{P:hex32p}}
      ENCRYPTION_KEY: {{S:hex64}}
    image: langfuse/langfuse:3
""",
    ),
    (
        "k8s secret data base64",
        r"""
apiVersion: v1
kind: Secret
metadata:
  name: app-env
  namespace: web
type: Opaque
data:
  DB_PASSWORD: {{S:k8s_b64}}
  DB_USER: {{P:k8s_user}}
""",
    ),
    (
        "k8s secret stringData",
        r"""
apiVersion: v1
kind: Secret
metadata:
  name: llm-keys
type: Opaque
stringData:
  OPENAI_API_KEY: {{S:openai}}
  ANTHROPIC_API_KEY: {{S:anthropic}}
""",
    ),
    (
        "kubectl get secret -o yaml",
        r"""
apiVersion: v1
data:
  password: {{S:k8s_b64}}
  username: {{P:k8s_user}}
kind: Secret
metadata:
  creationTimestamp: "2025-09-14T11:02:33Z"
  name: db-credentials
  namespace: default
  resourceVersion: "{{P:n}}"
  uid: {{P:uuid}}
type: Opaque
""",
    ),
    (
        "k8s tls secret with key",
        r"""
apiVersion: v1
kind: Secret
type: kubernetes.io/tls
metadata:
  name: api-tls
data:
  tls.crt: {{P:b64p}}
  tls.key: {{S:b64_pem}}
""",
    ),
    (
        "dockerconfigjson secret",
        r"""
apiVersion: v1
kind: Secret
metadata:
  name: regcred
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: {{S:dockercfg_b64}}
""",
    ),
    (
        "helm values with inline secrets",
        r"""
replicaCount: 2
image:
  repository: ghcr.io/acme/api
  tag: "1.14.2"
env:
  STRIPE_SECRET_KEY: "{{S:stripe_sk}}"
  SENTRY_DSN: "{{P:sentry_dsn}}"
postgresql:
  auth:
    username: app
    password: "{{S:pwh}}"
""",
    ),
    (
        "github actions workflow hardcoded env",
        r"""
name: evals
on: [push]
jobs:
  run:
    runs-on: ubuntu-latest
    env:
      OPENAI_API_KEY: {{S:openai}}
    steps:
      - uses: actions/checkout@v5
      - run: uv run pytest evals/
""",
    ),
    (
        "gitlab-ci variables literal",
        r"""
variables:
  DOCKER_DRIVER: overlay2
  SONAR_TOKEN: "{{S:hex40}}"
  DEPLOY_TOKEN: "{{S:glpat}}"

build:
  stage: build
  script:
    - docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA .
""",
    ),
    (
        "spring application.yml datasource",
        r"""
spring:
  datasource:
    url: jdbc:postgresql://prod-db.internal:5432/orders
    username: orders_app
    password: {{S:pwx}}
  ai:
    openai:
      api-key: {{S:openai}}
""",
    ),
    (
        "spring ai anthropic yml",
        r"""
spring:
  application:
    name: support-bot
  ai:
    anthropic:
      api-key: "{{S:anthropic}}"
      chat:
        options:
          model: claude-sonnet-4-5
""",
    ),
    (
        "rails database.yml",
        r"""
production:
  <<: *default
  database: shop_production
  username: shop
  password: {{S:pw}}
  host: shop-prod.cluster-{{P:short}}.us-east-1.rds.amazonaws.com
""",
    ),
    (
        "rails credentials decrypted yml",
        r"""
# aws:
#   access_key_id: 123
secret_key_base: {{S:hex128}}
openai:
  access_token: {{S:openai}}
active_record_encryption:
  primary_key: {{S:urlsafe43}}
  deterministic_key: {{S:urlsafe43}}
  key_derivation_salt: {{P:urlsafe43p}}
""",
    ),
    (
        "sidekiq yml redis url",
        r"""
:concurrency: 10
:queues:
  - default
  - mailers
:redis:
  :url: rediss://default:{{S:pw}}@usw1-fresh-gull-31234.upstash.io:6379
""",
    ),
    (
        "wrangler.toml vars with secret",
        r"""
name = "edge-api"
main = "src/index.ts"
compatibility_date = "2025-09-01"

[vars]
ENVIRONMENT = "production"
OPENAI_API_KEY = "{{S:openai}}"

[[kv_namespaces]]
binding = "CACHE"
id = "{{P:hex32p}}"
""",
    ),
    (
        "netlify.toml env",
        r"""
[build]
  command = "npm run build"
  publish = "dist"

[build.environment]
  NODE_VERSION = "22"
  CONTENTFUL_ACCESS_TOKEN = "{{S:urlsafe43}}"
""",
    ),
    (
        "fly.toml env misuse",
        r"""
app = "chat-api"
primary_region = "iad"

[env]
  PORT = "8080"
  GROQ_API_KEY = "{{S:groq}}"
""",
    ),
    (
        "aws credentials file ini",
        r"""
[default]
aws_access_key_id = {{P:aws_id}}
aws_secret_access_key = {{S:aws_secret}}

[bedrock]
aws_access_key_id = {{P:aws_id}}
aws_secret_access_key = {{S:aws_secret}}
""",
    ),
    (
        "terraform tfvars",
        r"""
region          = "eu-west-1"
db_username     = "app"
db_password     = "{{S:pwx}}"
cloudflare_api_token = "{{S:cloudflare}}"
datadog_api_key = "{{S:datadog_api}}"
""",
    ),
    (
        "ansible inventory vars plain",
        r"""
all:
  hosts:
    web1.acme.io:
  vars:
    ansible_user: deploy
    ansible_become_password: {{S:pwh}}
    postgres_password: {{S:pw}}
""",
    ),
    (
        "prometheus remote write basic auth",
        r"""
remote_write:
  - url: https://prometheus-prod-13-prod-us-east-0.grafana.net/api/prom/push
    basic_auth:
      username: "{{P:n}}"
      password: {{S:grafana}}
""",
    ),
    (
        "grafana datasource provisioning",
        r"""
apiVersion: 1
datasources:
  - name: Postgres
    type: postgres
    url: db:5432
    user: grafana
    secureJsonData:
      password: '{{S:pwx}}'
""",
    ),
    (
        "travis-style deploy github token",
        r"""
deploy:
  provider: pages
  github_token: {{S:ghp}}
  skip_cleanup: true
  on:
    branch: main
""",
    ),
    (
        "circleci docker auth",
        r"""
version: 2.1
jobs:
  deploy:
    docker:
      - image: cimg/node:22.11
        auth:
          username: acmebot
          password: {{S:dockerhub}}
""",
    ),
    (
        "argo cd repo secret",
        r"""
apiVersion: v1
kind: Secret
metadata:
  name: private-repo
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  type: git
  url: https://github.com/acme/infra
  password: {{S:github_pat}}
  username: not-used
""",
    ),
    (
        "supabase config toml with secret",
        r"""
[auth.external.github]
enabled = true
client_id = "Ov23li{{P:short}}AbCdE"
secret = "{{S:hex40}}"
redirect_uri = "http://127.0.0.1:54321/auth/v1/callback"
""",
    ),
    (
        "pip.conf index url token",
        r"""
[global]
index-url = https://__token__:{{S:glpat}}@gitlab.com/api/v4/projects/4211/packages/pypi/simple
timeout = 60
""",
    ),
    (
        "cargo credentials toml",
        r"""
[registry]
token = "cio{{S:token32}}"
""",
    ),
    (
        "yarnrc yml",
        r"""
nodeLinker: node-modules
npmScopes:
  acme:
    npmRegistryServer: "https://npm.pkg.github.com"
    npmAuthToken: "{{S:ghp}}"
""",
    ),
    (
        "otel collector headers",
        r"""
exporters:
  otlphttp/honeycomb:
    endpoint: https://api.honeycomb.io
    headers:
      x-honeycomb-team: {{S:honeycomb}}
  datadog:
    api:
      key: {{S:datadog_api}}
      site: datadoghq.com
""",
    ),
    (
        "langgraph.json-like yaml env",
        r"""
graphs:
  agent: ./src/agent/graph.py:graph
env:
  TAVILY_API_KEY: tvly-{{S:pw}}
  LANGSMITH_API_KEY: {{S:langsmith_sk}}
python_version: "3.12"
""",
    ),
    (
        "hasura admin secret compose",
        r"""
services:
  graphql-engine:
    image: hasura/graphql-engine:v2.44.0
    environment:
      HASURA_GRAPHQL_DATABASE_URL: postgres://postgres:{{S:pw}}@postgres:5432/postgres
      HASURA_GRAPHQL_ADMIN_SECRET: {{S:pwx}}
      HASURA_GRAPHQL_JWT_SECRET: '{"type":"HS256","key":"{{S:hex64}}"}'
""",
    ),
    (
        "mongo atlas in application.yml",
        r"""
spring:
  data:
    mongodb:
      uri: mongodb+srv://orders:{{S:pw}}@cluster0.{{P:short}}x.mongodb.net/orders?retryWrites=true&w=majority
""",
    ),
    (
        "django-style yaml settings secret key",
        r"""
django:
  secret_key: "{{S:django}}"
  debug: false
  allowed_hosts: ["api.acme.io"]
""",
    ),
    (
        "cloud-init with ssh private key",
        r"""
#cloud-config
write_files:
  - path: /home/deploy/.ssh/id_ed25519
    permissions: "0600"
    content: |
      {{S:openssh}}
""",
    ),
    (
        "yaml block scalar rsa key",
        r"""
deploy:
  host: 203.0.113.10
  user: deploy
  ssh_key: |
    {{S:rsa}}
""",
    ),
    (
        "gh actions git diff adding secret to workflow",
        r"""
@@ -12,6 +12,8 @@ jobs:
     steps:
       - uses: actions/checkout@v5
+      - env:
+          HF_TOKEN: {{S:hf}}
       - run: python push_model.py
""",
    ),
    (
        "openapi generator config with key",
        r"""
generatorName: typescript-fetch
inputSpec: https://api.acme.io/openapi.json?api_key={{S:token40}}
outputDir: src/gen
""",
    ),
    (
        "firebase service account in yaml values",
        r"""
firebase:
  projectId: acme-web
  clientEmail: firebase-adminsdk-x7q2m@acme-web.iam.gserviceaccount.com
  privateKey: "{{S:pkcs8_esc}}"
""",
    ),
    # ---- negatives ----
    (
        "gh actions secrets refs",
        r"""
name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@v5
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::{{P:account}}:role/gh-deploy
          aws-region: us-east-1
      - run: npx vercel deploy --prod --token=${{ secrets.VERCEL_TOKEN }}
        env:
          OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}
""",
    ),
    (
        "k8s deployment secretKeyRef",
        r"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api@{{P:digest}}
          env:
            - name: OPENAI_API_KEY
              valueFrom:
                secretKeyRef:
                  name: llm-keys
                  key: OPENAI_API_KEY
""",
    ),
    (
        "helm values existingSecret",
        r"""
postgresql:
  auth:
    existingSecret: app-db-credentials
    secretKeys:
      adminPasswordKey: postgres-password
      userPasswordKey: password
redis:
  auth:
    existingSecret: redis-auth
    existingSecretPasswordKey: redis-password
""",
    ),
    (
        "helm template refs",
        r"""
env:
  - name: STRIPE_SECRET_KEY
    value: {{ .Values.stripe.secretKey | quote }}
  - name: DATABASE_URL
    value: "postgres://{{ .Values.db.user }}:{{ .Values.db.password }}@{{ .Values.db.host }}/app"
""",
    ),
    (
        "sealed secret",
        r"""
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: app-env
  namespace: web
spec:
  encryptedData:
    OPENAI_API_KEY: {{P:sealed}}
    DB_PASSWORD: {{P:sealed}}
""",
    ),
    (
        "sops encrypted yaml",
        r"""
openai_api_key: {{P:sops}}
db_password: {{P:sops}}
sops:
    age:
        - recipient: age1{{P:age_rcpt}}
    lastmodified: "2025-10-21T09:14:03Z"
    mac: {{P:sops}}
    version: 3.10.2
""",
    ),
    (
        "ansible vault inline",
        r"""
db_user: app
db_password: !vault |
          {{P:ansible_vault}}
""",
    ),
    (
        "external secrets operator",
        r"""
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: llm-keys
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: aws-secretsmanager
    kind: ClusterSecretStore
  target:
    name: llm-keys
  data:
    - secretKey: OPENAI_API_KEY
      remoteRef:
        key: prod/llm/openai
        property: api_key
""",
    ),
    (
        "docker compose env_file and vars",
        r"""
services:
  web:
    build: .
    env_file: .env.local
    environment:
      DATABASE_URL: postgres://app:${POSTGRES_PASSWORD}@db:5432/app
      NEXTAUTH_URL: http://localhost:3000
  db:
    image: postgres:17
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    secrets: [db_password]
secrets:
  db_password:
    file: ./secrets/db_password.txt
""",
    ),
    (
        "spring yml with placeholders",
        r"""
spring:
  datasource:
    url: ${DB_URL:jdbc:postgresql://localhost:5432/orders}
    username: ${DB_USER:orders}
    password: ${DB_PASSWORD}
  ai:
    openai:
      api-key: ${OPENAI_API_KEY}
""",
    ),
    (
        "rails database.yml ERB",
        r"""
production:
  <<: *default
  url: <%= ENV["DATABASE_URL"] %>
  password: <%= Rails.application.credentials.dig(:db, :password) %>
""",
    ),
    (
        "wrangler.toml without secrets",
        r"""
name = "edge-api"
main = "src/index.ts"
compatibility_date = "2025-09-01"
account_id = "{{P:cf_account}}"

[[d1_databases]]
binding = "DB"
database_name = "prod"
database_id = "{{P:uuid}}"

# secrets: OPENAI_API_KEY, STRIPE_SECRET_KEY (set with `wrangler secret put`)
""",
    ),
    (
        "codex config.toml env_vars passthrough",
        r"""
model = "gpt-5"
model_reasoning_effort = "high"

[mcp_servers.github]
command = "npx"
args = ["-y", "@modelcontextprotocol/server-github"]
env_vars = ["GITHUB_PERSONAL_ACCESS_TOKEN"]

[shell_environment_policy]
inherit = "core"
exclude = ["*_KEY", "*_TOKEN", "*_SECRET"]
""",
    ),
    (
        "litellm config os.environ refs",
        r"""
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/OPENAI_API_KEY
  - model_name: gemini
    litellm_params:
      model: gemini/gemini-2.5-pro
      api_key: os.environ/GEMINI_API_KEY
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
""",
    ),
    (
        "terraform tfvars non sensitive",
        r"""
region             = "us-east-1"
instance_type      = "t3.small"
kms_key_id         = "arn:aws:kms:us-east-1:{{P:account}}:key/{{P:uuid}}"
secret_name        = "prod/api/openai"
token_ttl_seconds  = 3600
""",
    ),
    (
        "gitlab ci with masked vars",
        r"""
deploy:
  stage: deploy
  image: node:22
  script:
    - npm config set //registry.npmjs.org/:_authToken "$NPM_TOKEN"
    - npm publish
  rules:
    - if: $CI_COMMIT_TAG
""",
    ),
    (
        "k8s secret with placeholders in docs",
        r"""
apiVersion: v1
kind: Secret
metadata:
  name: app-env
type: Opaque
stringData:
  OPENAI_API_KEY: "<your-openai-key>"
  DATABASE_URL: "postgres://user:password@host:5432/db"
""",
    ),
    (
        "dependabot config with registries",
        r"""
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
    (
        "pnpm-lock integrity",
        r"""
packages:

  '@anthropic-ai/sdk@0.65.0':
    resolution: {integrity: {{P:integrity}}}
    hasBin: true

  openai@5.23.1:
    resolution: {integrity: {{P:integrity}}}
""",
    ),
    (
        "k8s tls secret with cert only configmap",
        r"""
apiVersion: v1
kind: ConfigMap
metadata:
  name: ca-bundle
data:
  ca.crt: |
    {{P:cert}}
""",
    ),
    (
        "vault agent template config",
        r"""
template {
  destination = "/etc/app/.env"
  contents = <<EOT
{{ with secret "secret/data/app" }}
OPENAI_API_KEY={{ .Data.data.openai_api_key }}
{{ end }}
EOT
}
""",
    ),
    (
        "gh workflow log masked env",
        r"""
  env:
    OPENAI_API_KEY: ***
    ANTHROPIC_API_KEY: ***
    DATABASE_URL: ***
    NODE_ENV: test
""",
    ),
    (
        "serverless.yml ssm refs",
        r"""
service: orders
provider:
  name: aws
  runtime: nodejs22.x
  environment:
    STRIPE_SECRET_KEY: ${ssm:/orders/prod/stripe-secret-key}
    OPENAI_API_KEY: ${env:OPENAI_API_KEY}
""",
    ),
    (
        "prometheus alert rule about token expiry",
        r"""
groups:
  - name: auth
    rules:
      - alert: RefreshTokenFailuresHigh
        expr: rate(oauth_refresh_token_errors_total[5m]) > 0.1
        labels:
          severity: page
        annotations:
          summary: "Refresh token failures on {{ $labels.instance }}"
""",
    ),
    (
        "supabase config.toml env refs",
        r"""
[auth.external.google]
enabled = true
client_id = "env(SUPABASE_AUTH_GOOGLE_CLIENT_ID)"
secret = "env(SUPABASE_AUTH_GOOGLE_SECRET)"
skip_nonce_check = false
""",
    ),
    (
        "openapi spec securitySchemes",
        r"""
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
    (
        "cert-manager issuer",
        r"""
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: letsencrypt-prod
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
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
    (
        "compose with healthcheck and default creds docs-like",
        r"""
services:
  minio:
    image: minio/minio:latest
    command: server /data --console-address ":9001"
    environment:
      MINIO_ROOT_USER: ${MINIO_ROOT_USER:-minioadmin}
      MINIO_ROOT_PASSWORD: ${MINIO_ROOT_PASSWORD:?required}
""",
    ),
    (
        "github actions job with secrets inherit",
        r"""
jobs:
  call-deploy:
    uses: acme/.github/.github/workflows/deploy.yml@main
    secrets: inherit
    with:
      environment: production
""",
    ),
    (
        "gh workflow with oidc permissions",
        r"""
permissions:
  id-token: write
  contents: read
steps:
  - uses: google-github-actions/auth@v2
    with:
      workload_identity_provider: projects/{{P:account}}/locations/global/workloadIdentityPools/github/providers/acme
      service_account: deployer@acme-prod.iam.gserviceaccount.com
""",
    ),
    (
        "k8s serviceaccount token projected",
        r"""
volumes:
  - name: vault-token
    projected:
      sources:
        - serviceAccountToken:
            path: token
            expirationSeconds: 3600
            audience: vault
""",
    ),
    (
        "docker compose with docker secrets",
        r"""
services:
  api:
    image: ghcr.io/acme/api:1.14.2
    secrets:
      - openai_api_key
    environment:
      OPENAI_API_KEY_FILE: /run/secrets/openai_api_key
secrets:
  openai_api_key:
    external: true
""",
    ),
    (
        "helm chart values with empty secrets",
        r"""
secrets:
  openaiApiKey: ""
  stripeSecretKey: ""
  # Set with: helm upgrade --set secrets.openaiApiKey=$OPENAI_API_KEY
ingress:
  enabled: true
  hosts: [api.acme.io]
""",
    ),
    (
        "application.properties placeholders",
        r"""
spring.datasource.password=${DB_PASSWORD}
spring.ai.anthropic.api-key=${ANTHROPIC_API_KEY}
management.endpoints.web.exposure.include=health,info
""",
    ),
    (
        "azure pipelines variable group",
        r"""
variables:
  - group: prod-secrets
  - name: imageTag
    value: $(Build.BuildId)
steps:
  - script: az acr login -n acmeacr
  - script: docker push acmeacr.azurecr.io/api:$(imageTag)
""",
    ),
    (
        "mkdocs config with site analytics",
        r"""
site_name: Acme API
theme:
  name: material
extra:
  analytics:
    provider: google
    property: G-{{P:gtag}}
""",
    ),
    (
        "gitleaks config allowlist",
        r"""
[extend]
useDefault = true

[allowlist]
description = "test fixtures"
paths = ['''tests/fixtures/.*''']
regexes = ['''sk_test_[0-9a-zA-Z]{10}EXAMPLE''']
""",
    ),
    (
        "pre-commit config detect-secrets",
        r"""
repos:
  - repo: https://github.com/Yelp/detect-secrets
    rev: v1.5.0
    hooks:
      - id: detect-secrets
        args: ["--baseline", ".secrets.baseline"]
""",
    ),
    # positives
    (
        "github actions service container password",
        r"""
services:
  postgres:
    image: postgres:17
    env:
      POSTGRES_PASSWORD: {{S:pwx}}
    ports: ["5432:5432"]
""",
    ),
    (
        "promptfoo config with provider key",
        r"""
providers:
  - id: openai:gpt-4.1-mini
    config:
      apiKey: {{S:openai}}
  - id: anthropic:messages:claude-sonnet-4-5
    config:
      apiKey: {{S:anthropic}}
prompts: [prompts/summary.txt]
""",
    ),
    (
        "continue config yaml models",
        r"""
name: Local Assistant
version: 1.0.0
models:
  - name: Codestral
    provider: mistral
    model: codestral-latest
    apiKey: {{S:mistral}}
    roles: [autocomplete]
""",
    ),
    (
        "aider conf yml",
        r"""
model: sonnet
anthropic-api-key: {{S:anthropic}}
openai-api-key: {{S:openai}}
auto-commits: false
""",
    ),
]

SOURCE: list[tuple[str, str]] = [
    # ---- positives ----
    (
        "terraform cloud credentials tfrc",
        r"""
credentials "app.terraform.io" {
  token = "{{S:tfc}}"
}
""",
    ),
    (
        "python openai client literal",
        r"""
from openai import OpenAI

client = OpenAI(api_key="{{S:openai}}")
resp = client.responses.create(model="gpt-5", input="Summarize the release notes")
print(resp.output_text)
""",
    ),
    (
        "python anthropic client literal",
        r"""
import anthropic

client = anthropic.Anthropic(
    api_key="{{S:anthropic}}",
)
message = client.messages.create(model="claude-sonnet-4-5", max_tokens=1024, messages=[{"role": "user", "content": "Hello"}])
""",
    ),
    (
        "ts anthropic sdk literal",
        r"""
import Anthropic from "@anthropic-ai/sdk";

const anthropic = new Anthropic({ apiKey: "{{S:anthropic}}" });
const msg = await anthropic.messages.create({ model: "claude-haiku-4-5", max_tokens: 512, messages });
""",
    ),
    (
        "python google genai client",
        r"""
from google import genai

client = genai.Client(api_key="{{S:gemini}}")
response = client.models.generate_content(model="gemini-2.5-flash", contents="Explain how AI works")
""",
    ),
    (
        "ts vercel ai sdk createOpenAI",
        r"""
import { createOpenAI } from "@ai-sdk/openai";
import { generateText } from "ai";

const openai = createOpenAI({ apiKey: "{{S:openai}}", compatibility: "strict" });
const { text } = await generateText({ model: openai("gpt-4.1-mini"), prompt });
""",
    ),
    (
        "ts ai sdk openrouter provider",
        r"""
import { createOpenRouter } from "@openrouter/ai-sdk-provider";

const openrouter = createOpenRouter({
  apiKey: "{{S:openrouter}}",
});
""",
    ),
    (
        "python azure openai client",
        r"""
from openai import AzureOpenAI

client = AzureOpenAI(
    api_key="{{S:azure_openai}}",
    api_version="2025-04-01-preview",
    azure_endpoint="https://acme-eastus2.openai.azure.com",
)
""",
    ),
    (
        "python boto3 bedrock literal creds",
        r"""
import boto3

bedrock = boto3.client(
    "bedrock-runtime",
    region_name="us-east-1",
    aws_access_key_id="{{P:aws_id}}",
    aws_secret_access_key="{{S:aws_secret}}",
)
""",
    ),
    (
        "python mistral client",
        r"""
from mistralai import Mistral

with Mistral(api_key="{{S:mistral}}") as mistral:
    res = mistral.chat.complete(model="mistral-small-latest", messages=[{"role": "user", "content": "hi"}])
""",
    ),
    (
        "python groq client",
        r"""
from groq import Groq

client = Groq(api_key="{{S:groq}}")
""",
    ),
    (
        "python cohere client",
        r"""
import cohere

co = cohere.ClientV2(api_key="{{S:cohere}}")
response = co.rerank(model="rerank-v3.5", query=query, documents=docs, top_n=3)
""",
    ),
    (
        "python together client",
        r"""
from together import Together

client = Together(api_key="{{S:together}}")
""",
    ),
    (
        "langchain chat models",
        r"""
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic

gpt = ChatOpenAI(model="gpt-4o-mini", openai_api_key="{{S:openai}}")
claude = ChatAnthropic(model="claude-sonnet-4-5", anthropic_api_key="{{S:anthropic}}")
""",
    ),
    (
        "python os.environ setdefault literal",
        r"""
import os

os.environ["LANGSMITH_API_KEY"] = "{{S:langsmith}}"
os.environ["LANGSMITH_TRACING"] = "true"
os.environ["TAVILY_API_KEY"] = "tvly-dev-{{S:pw}}"
""",
    ),
    (
        "python pinecone client",
        r"""
from pinecone import Pinecone, ServerlessSpec

pc = Pinecone(api_key="{{S:pinecone}}")
index = pc.Index("docs-prod")
""",
    ),
    (
        "python qdrant client",
        r"""
from qdrant_client import QdrantClient

qdrant = QdrantClient(
    url="https://{{P:uuid}}.us-east4-0.gcp.cloud.qdrant.io",
    api_key="{{S:qdrant}}",
)
""",
    ),
    (
        "python weaviate connect",
        r"""
import weaviate
from weaviate.classes.init import Auth

client = weaviate.connect_to_weaviate_cloud(
    cluster_url=WEAVIATE_URL,
    auth_credentials=Auth.api_key("{{S:weaviate}}"),
)
""",
    ),
    (
        "python hf hub login",
        r"""
from huggingface_hub import login, HfApi

login(token="{{S:hf}}")
HfApi().upload_folder(folder_path="out", repo_id="acme/qwen-ft", repo_type="model")
""",
    ),
    (
        "python replicate env in code",
        r"""
import replicate

client = replicate.Client(api_token="{{S:replicate}}")
output = client.run("black-forest-labs/flux-schnell", input={"prompt": "an astronaut"})
""",
    ),
    (
        "python elevenlabs client",
        r"""
from elevenlabs.client import ElevenLabs

elevenlabs = ElevenLabs(api_key="{{S:elevenlabs}}")
""",
    ),
    (
        "python assemblyai settings",
        r"""
import assemblyai as aai

aai.settings.api_key = "{{S:assemblyai}}"
transcript = aai.Transcriber().transcribe("./meeting.mp3")
""",
    ),
    (
        "django settings.py",
        r"""
# SECURITY WARNING: keep the secret key used in production secret!
SECRET_KEY = "{{S:django}}"

# SECURITY WARNING: don't run with debug turned on in production!
DEBUG = True

ALLOWED_HOSTS = []
""",
    ),
    (
        "django databases dict",
        r"""
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop",
        "PASSWORD": "{{S:pwx}}",
        "HOST": "db.internal",
        "PORT": "5432",
    }
}
EMAIL_HOST_PASSWORD = "{{S:sendgrid}}"
""",
    ),
    (
        "flask config",
        r"""
class Config:
    SECRET_KEY = "{{S:hex64}}"
    SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://app:{{S:pw}}@localhost/app"
    MAIL_PASSWORD = "{{S:pwh}}"
""",
    ),
    (
        "fastapi jwt settings",
        r"""
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    jwt_secret: str = "{{S:hex64}}"
    jwt_algorithm: str = "HS256"
    access_token_expire_minutes: int = 30
""",
    ),
    (
        "ts stripe server literal",
        r"""
import Stripe from "stripe";

export const stripe = new Stripe("{{S:stripe_sk}}", {
  apiVersion: "2025-09-30.clover",
});
""",
    ),
    (
        "ts stripe webhook secret literal",
        r"""
export async function POST(req: Request) {
  const sig = req.headers.get("stripe-signature")!;
  const event = stripe.webhooks.constructEvent(await req.text(), sig, "{{S:stripe_whsec}}");
""",
    ),
    (
        "ts supabase admin client",
        r"""
import { createClient } from "@supabase/supabase-js";

export const supabaseAdmin = createClient(
  "https://{{P:short}}abcdefgh.supabase.co",
  "{{S:supabase_service}}",
  { auth: { persistSession: false } },
);
""",
    ),
    (
        "ts resend client",
        r"""
import { Resend } from "resend";

const resend = new Resend("{{S:resend}}");
await resend.emails.send({ from: "Acme <no-reply@acme.io>", to, subject, react: <Welcome /> });
""",
    ),
    (
        "node sendgrid setApiKey",
        r"""
const sgMail = require("@sendgrid/mail");
sgMail.setApiKey("{{S:sendgrid}}");
""",
    ),
    (
        "node postmark client",
        r"""
const postmark = require("postmark");
const client = new postmark.ServerClient("{{S:postmark}}");
""",
    ),
    (
        "node twilio client",
        r"""
const twilio = require("twilio");
const client = twilio("{{P:twilio_sid}}", "{{S:twilio_token}}");
""",
    ),
    (
        "ts upstash redis",
        r"""
import { Redis } from "@upstash/redis";

const redis = new Redis({
  url: "https://{{P:short}}-prime-gull-41234.upstash.io",
  token: "{{S:upstash_token}}",
});
""",
    ),
    (
        "ts drizzle libsql config",
        r"""
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  schema: "./src/db/schema.ts",
  dialect: "turso",
  dbCredentials: {
    url: "libsql://shop-dana.aws-us-east-1.turso.io",
    authToken: "{{S:turso}}",
  },
});
""",
    ),
    (
        "nextauth options secret literal",
        r"""
export const authOptions: NextAuthOptions = {
  secret: "{{S:authjs}}",
  providers: [
    GoogleProvider({
      clientId: "{{P:google_client_id}}",
      clientSecret: "{{S:google_secret}}",
    }),
  ],
};
""",
    ),
    (
        "firebase admin init with key",
        r"""
import { initializeApp, cert } from "firebase-admin/app";

initializeApp({
  credential: cert({
    projectId: "acme-web",
    clientEmail: "firebase-adminsdk-x7q2m@acme-web.iam.gserviceaccount.com",
    privateKey: "{{S:pkcs8_esc}}",
  }),
});
""",
    ),
    (
        "go config struct literal",
        r"""
package config

var Default = Config{
	Port:        8080,
	DatabaseURL: "postgres://api:{{S:pw}}@localhost:5432/api?sslmode=disable",
	JWTSecret:   "{{S:token40}}",
	StripeKey:   "{{S:stripe_test}}",
}
""",
    ),
    (
        "go openai-go client",
        r"""
client := openai.NewClient(
	option.WithAPIKey("{{S:openai}}"),
)
chat, err := client.Chat.Completions.New(ctx, params)
""",
    ),
    (
        "rust reqwest bearer",
        r"""
let client = reqwest::Client::new();
let res = client
    .post("https://api.anthropic.com/v1/messages")
    .header("x-api-key", "{{S:anthropic}}")
    .header("anthropic-version", "2023-06-01")
    .json(&body)
    .send()
    .await?;
""",
    ),
    (
        "java spring properties",
        r"""
spring.datasource.url=jdbc:mysql://localhost:3306/orders
spring.datasource.username=orders
spring.datasource.password={{S:pwx}}
spring.ai.openai.api-key={{S:openai}}
jwt.secret={{S:b64_64}}
""",
    ),
    (
        "csharp connection string literal",
        r"""
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddDbContext<AppDb>(o =>
    o.UseSqlServer("Server=tcp:acme-sql.database.windows.net,1433;Initial Catalog=orders;User ID=orders_app;Password={{S:pwx}};Encrypt=True;"));
""",
    ),
    (
        "csharp azure openai client",
        r"""
var client = new AzureOpenAIClient(
    new Uri("https://acme-eastus2.openai.azure.com/"),
    new AzureKeyCredential("{{S:azure_ai}}"));
""",
    ),
    (
        "php laravel config literal",
        r"""
<?php

return [
    'openai' => [
        'api_key' => env('OPENAI_API_KEY', '{{S:openai}}'),
        'organization' => env('OPENAI_ORGANIZATION'),
    ],
];
""",
    ),
    (
        "ruby rails initializer stripe",
        r"""
Rails.configuration.stripe = {
  publishable_key: "{{P:stripe_pk}}",
  secret_key: "{{S:stripe_sk}}"
}
Stripe.api_key = Rails.configuration.stripe[:secret_key]
""",
    ),
    (
        "ruby octokit token",
        r"""
client = Octokit::Client.new(access_token: "{{S:ghp}}")
client.create_issue("acme/web", "Flaky test in checkout_spec", body)
""",
    ),
    (
        "terraform provider with token",
        r"""
provider "cloudflare" {
  api_token = "{{S:cloudflare}}"
}

provider "github" {
  owner = "acme"
  token = "{{S:github_pat}}"
}
""",
    ),
    (
        "terraform db password literal",
        r"""
resource "aws_db_instance" "main" {
  identifier        = "prod-db"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  username          = "app"
  password          = "{{S:pwh}}"
  skip_final_snapshot = true
}
""",
    ),
    (
        "python slack sdk",
        r"""
from slack_sdk import WebClient

client = WebClient(token="{{S:slack_bot}}")
client.chat_postMessage(channel="#deploys", text="Deployed web@{{P:short}}")
""",
    ),
    (
        "python test fixture with jwt",
        r"""
def test_me_endpoint(client):
    token = "{{S:jwt}}"
    r = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
""",
    ),
    (
        "python sentry init with auth token literal",
        r"""
# scripts/release.py
SENTRY_AUTH_TOKEN = "{{S:sentry_user}}"
subprocess.run(["sentry-cli", "releases", "new", version], env={**os.environ, "SENTRY_AUTH_TOKEN": SENTRY_AUTH_TOKEN}, check=True)
""",
    ),
    (
        "python linear graphql client",
        r"""
headers = {"Authorization": "{{S:linear}}", "Content-Type": "application/json"}
resp = httpx.post("https://api.linear.app/graphql", json={"query": QUERY}, headers=headers)
""",
    ),
    (
        "jupyter cell with key",
        r"""
In [3]: import os
   ...: os.environ["OPENAI_API_KEY"] = "{{S:openai_legacy}}"
   ...: from openai import OpenAI
   ...: client = OpenAI()
""",
    ),
    (
        "python mongo atlas uri",
        r"""
from pymongo import MongoClient

client = MongoClient("mongodb+srv://app_user:{{S:pw}}@cluster0.{{P:short}}y.mongodb.net/?retryWrites=true&w=majority&appName=Cluster0")
""",
    ),
    (
        "python prisma-ish seed script with pscale",
        r"""
engine = create_engine(
    "mysql+pymysql://{{P:short}}abc:{{S:pscale}}@aws.connect.psdb.cloud/shop?ssl_verify_cert=true"
)
""",
    ),
    # ---- negatives ----
    (
        "python reading env keys",
        r"""
import os
from openai import OpenAI
from anthropic import Anthropic

openai_client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
claude = Anthropic(api_key=os.getenv("ANTHROPIC_API_KEY"))
""",
    ),
    (
        "ts reading process.env",
        r"""
export const env = {
  openaiKey: process.env.OPENAI_API_KEY!,
  stripeSecret: process.env.STRIPE_SECRET_KEY ?? "",
  webhookSecret: process.env.STRIPE_WEBHOOK_SECRET,
};
""",
    ),
    (
        "zod env schema t3",
        r"""
export const env = createEnv({
  server: {
    DATABASE_URL: z.string().url(),
    AUTH_SECRET: z.string().min(32),
    OPENAI_API_KEY: z.string().startsWith("sk-"),
  },
  client: {
    NEXT_PUBLIC_POSTHOG_KEY: z.string(),
  },
  runtimeEnv: process.env,
});
""",
    ),
    (
        "firebase web config public",
        r"""
const firebaseConfig = {
  apiKey: "{{P:firebase_web}}",
  authDomain: "acme-web.firebaseapp.com",
  projectId: "acme-web",
  storageBucket: "acme-web.firebasestorage.app",
  messagingSenderId: "{{P:account}}",
  appId: "1:{{P:account}}:web:{{P:short}}9f3a2c",
  measurementId: "G-{{P:gtag}}"
};
const app = initializeApp(firebaseConfig);
""",
    ),
    (
        "supabase browser client anon",
        r"""
import { createBrowserClient } from "@supabase/ssr";

export const supabase = createBrowserClient(
  "https://{{P:short}}qwertyu.supabase.co",
  "{{P:supabase_anon}}",
);
""",
    ),
    (
        "stripe js publishable",
        r"""
import { loadStripe } from "@stripe/stripe-js";

const stripePromise = loadStripe("{{P:stripe_pk}}");
""",
    ),
    (
        "sentry init dsn",
        r"""
import * as Sentry from "@sentry/nextjs";

Sentry.init({
  dsn: "{{P:sentry_dsn}}",
  tracesSampleRate: 0.1,
  sendDefaultPii: false,
});
""",
    ),
    (
        "posthog init public key",
        r"""
posthog.init("{{P:posthog_project}}", {
  api_host: "https://us.i.posthog.com",
  person_profiles: "identified_only",
});
""",
    ),
    (
        "clerk provider publishable",
        r"""
<ClerkProvider publishableKey="{{P:clerk_pk}}">
  <App />
</ClerkProvider>
""",
    ),
    (
        "python secret handling code",
        r"""
def rotate_api_key(user_id: str) -> str:
    raw = secrets.token_urlsafe(32)
    key_hash = hashlib.sha256(raw.encode()).hexdigest()
    db.api_keys.insert(user_id=user_id, key_hash=key_hash, prefix=raw[:6])
    return raw
""",
    ),
    (
        "python hmac webhook verify",
        r"""
def verify_signature(payload: bytes, header: str, secret: str) -> bool:
    expected = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)
""",
    ),
    (
        "django settings from env",
        r"""
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
DATABASES = {"default": dj_database_url.config(conn_max_age=600)}
""",
    ),
    (
        "go config from env",
        r"""
type Config struct {
	DatabaseURL string `env:"DATABASE_URL,required"`
	JWTSecret   string `env:"JWT_SECRET,required"`
	OpenAIKey   string `env:"OPENAI_API_KEY"`
}

func Load() (Config, error) {
	var c Config
	return c, env.Parse(&c)
}
""",
    ),
    (
        "rust config from env",
        r"""
let api_key = std::env::var("ANTHROPIC_API_KEY").context("ANTHROPIC_API_KEY not set")?;
let client = Client::builder().default_headers(headers).build()?;
""",
    ),
    (
        "terraform variable sensitive",
        r"""
variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_secretsmanager_secret" "openai_api_key" {
  name = "prod/llm/openai-api-key"
}
""",
    ),
    (
        "terraform random password resource",
        r"""
resource "random_password" "db" {
  length  = 32
  special = true
}

resource "aws_db_instance" "main" {
  password = random_password.db.result
}
""",
    ),
    (
        "csharp config binding",
        r"""
var key = builder.Configuration["AzureOpenAI:ApiKey"]
    ?? throw new InvalidOperationException("AzureOpenAI:ApiKey missing");
builder.Services.AddSingleton(new AzureOpenAIClient(endpoint, new AzureKeyCredential(key)));
""",
    ),
    (
        "spring value annotation",
        r"""
@Value("${stripe.secret-key}")
private String stripeSecretKey;

@Value("${spring.ai.openai.api-key}")
private String openAiKey;
""",
    ),
    (
        "laravel config env calls",
        r"""
'stripe' => [
    'key' => env('STRIPE_KEY'),
    'secret' => env('STRIPE_SECRET'),
    'webhook' => ['secret' => env('STRIPE_WEBHOOK_SECRET')],
],
""",
    ),
    (
        "rails credentials dig",
        r"""
Stripe.api_key = Rails.application.credentials.dig(:stripe, :secret_key)
OpenAI.configure { |c| c.access_token = Rails.application.credentials.openai[:access_token] }
""",
    ),
    (
        "test with fake placeholder key",
        r"""
def test_client_requires_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    client = make_client()
    assert client.api_key == "test-key"
""",
    ),
    (
        "redaction helper code",
        r"""
const MASK = (v: string) => (v.length <= 8 ? "****" : `${v.slice(0, 3)}...${v.slice(-4)}`);
logger.info({ key: MASK(apiKey) }, "using OpenAI key");
""",
    ),
    (
        "python uuid and hashes constants",
        r"""
NAMESPACE_ORDERS = uuid.UUID("{{P:uuid}}")
SCHEMA_VERSION_HASH = "{{P:sha256}}"
EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
""",
    ),
    (
        "openai model ids and request ids",
        r"""
MODEL = "gpt-4.1-2025-04-14"
# last run: {{P:chatcmpl}} / {{P:req}}
EMBEDDING_MODEL = "text-embedding-3-large"
""",
    ),
    (
        "github actions oidc code",
        r"""
const token = await core.getIDToken("sts.amazonaws.com");
const creds = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, WebIdentityToken: token, RoleSessionName: "gh" }));
""",
    ),
    (
        "prisma schema env url",
        r"""
datasource db {
  provider  = "postgresql"
  url       = env("DATABASE_URL")
  directUrl = env("DIRECT_URL")
}
""",
    ),
    (
        "drizzle config env",
        r"""
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  dbCredentials: { url: process.env.DATABASE_URL! },
});
""",
    ),
    (
        "aws sdk default provider chain",
        r"""
const client = new BedrockRuntimeClient({ region: "us-east-1", credentials: fromNodeProviderChain() });
const out = await client.send(new ConverseCommand({ modelId: "anthropic.claude-sonnet-4-5-20250929-v1:0", messages }));
""",
    ),
    (
        "mapbox public token",
        r"""
mapboxgl.accessToken = "{{P:mapbox_public}}";
const map = new mapboxgl.Map({ container: "map", style: "mapbox://styles/mapbox/streets-v12" });
""",
    ),
    (
        "algolia search only key",
        r"""
import { liteClient as algoliasearch } from "algoliasearch/lite";

const searchClient = algoliasearch("{{P:algolia_app}}", "{{P:algolia_search}}");
""",
    ),
    (
        "python google client id only",
        r"""
GOOGLE_CLIENT_ID = "{{P:google_client_id}}"
flow = Flow.from_client_secrets_file("client_secret.json", scopes=SCOPES, redirect_uri=REDIRECT_URI)
""",
    ),
    (
        "sql migration table for api keys",
        r"""
CREATE TABLE api_keys (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users(id),
    key_hash text NOT NULL,
    key_prefix text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
""",
    ),
    (
        "ts jwt verify code",
        r"""
const { payload } = await jwtVerify(token, new TextEncoder().encode(process.env.AUTH_SECRET), {
  algorithms: ["HS256"],
});
""",
    ),
    (
        "mcp server code reading env",
        r"""
const server = new McpServer({ name: "linear", version: "1.0.0" });
const apiKey = process.env.LINEAR_API_KEY;
if (!apiKey) throw new Error("LINEAR_API_KEY is required");
""",
    ),
    (
        "python aws example keys in docstring",
        r"""
def load_credentials() -> Credentials:
    '''Read keys from the environment, e.g.

    AWS_ACCESS_KEY_ID={{P:aws_example_id}}
    AWS_SECRET_ACCESS_KEY={{P:aws_example_secret}}
    '''
    return Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
""",
    ),
    (
        "go embed public key",
        r"""
const jwtPublicKey = `-----BEGIN PUBLIC KEY-----
{{P:b64p}}{{P:b64p}}
-----END PUBLIC KEY-----`
""",
    ),
    (
        "pytest conftest fake env",
        r"""
@pytest.fixture(autouse=True)
def fake_env(monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_dummy")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///:memory:")
""",
    ),
    (
        "python secret manager fetch",
        r"""
client = secretmanager.SecretManagerServiceClient()
name = f"projects/{PROJECT_ID}/secrets/openai-api-key/versions/latest"
api_key = client.access_secret_version(request={"name": name}).payload.data.decode()
""",
    ),
]

URL: list[tuple[str, str]] = [
    # ---- positives ----
    (
        "mailgun curl api:key",
        r"""
curl -s --user 'api:{{S:mailgun}}' \
    https://api.mailgun.net/v3/mg.acme.io/messages \
    -F from='Acme <postmaster@mg.acme.io>' -F to=dana@acme.io -F subject='Hello' -F text='Testing'
""",
    ),
    (
        "slack webhook curl",
        r"""curl -X POST -H 'Content-type: application/json' --data '{"text":"Deploy finished :rocket:"}' {{S:slack_webhook}}""",
    ),
    (
        "github fine-grained pat in git config",
        r"""git config --global url."https://x-access-token:{{S:github_pat}}@github.com/".insteadOf "https://github.com/"
""",
    ),
    (
        "neon postgres url",
        r"""DATABASE_URL=postgresql://neondb_owner:{{S:pw}}@ep-{{P:short}}-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require""",
    ),
    (
        "supabase pooler url",
        r"""postgresql://postgres.{{P:short}}abcdefghijk:{{S:pwx}}@aws-0-us-east-1.pooler.supabase.com:6543/postgres?pgbouncer=true""",
    ),
    (
        "prisma direct url pair",
        r"""
DATABASE_URL="postgresql://postgres.{{P:short}}qwertyuio:{{S:pw#a}}@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?pgbouncer=true"
DIRECT_URL="postgresql://postgres.{{P:short}}qwertyuio:{{S:pw#a}}@aws-0-eu-central-1.pooler.supabase.com:5432/postgres"
""",
    ),
    (
        "planetscale mysql url",
        r"""DATABASE_URL='mysql://{{P:short}}abcdefg:{{S:pscale}}@aws.connect.psdb.cloud/shop?sslaccept=strict'""",
    ),
    (
        "mongodb atlas srv",
        r"""MONGODB_URI=mongodb+srv://appUser:{{S:pw}}@cluster0.{{P:short}}z.mongodb.net/?retryWrites=true&w=majority&appName=Cluster0""",
    ),
    (
        "upstash rediss url",
        r"""REDIS_URL=rediss://default:{{S:upstash_token}}@fresh-gull-41234.upstash.io:6379""",
    ),
    (
        "redis cloud url",
        r"""CELERY_BROKER_URL=redis://default:{{S:pw}}@redis-13412.c14.us-east-1-2.ec2.redns.redis-cloud.com:13412/0""",
    ),
    (
        "amqp cloudamqp url",
        r"""CLOUDAMQP_URL=amqps://{{P:short}}xyz:{{S:urlsafe32}}@rat.rmq2.cloudamqp.com/{{P:short}}xyz""",
    ),
    (
        "libsql url with authToken query",
        r"""libsql://shop-dana.aws-us-east-1.turso.io?authToken={{S:turso}}""",
    ),
    ("railway postgres url", r"""postgresql://postgres:{{S:pw}}@switchyard.proxy.rlwy.net:41234/railway"""),
    (
        "render postgres url",
        r"""postgresql://shop_user:{{S:pw}}@dpg-{{P:short}}abc-a.oregon-postgres.render.com/shop_db""",
    ),
    (
        "aiven mysql url",
        r"""mysql://avnadmin:{{S:pw}}@mysql-1a2b3c4d-acme.aivencloud.com:12345/defaultdb?ssl-mode=REQUIRED""",
    ),
    (
        "git remote with gh token",
        r"""
$ git remote -v
origin	https://{{S:ghp}}@github.com/acme/web.git (fetch)
origin	https://{{S:ghp}}@github.com/acme/web.git (push)
""",
    ),
    (
        "git clone x-access-token",
        r"""git clone https://x-access-token:{{S:ghs}}@github.com/acme/infra.git /tmp/infra""",
    ),
    (
        "git remote oauth2 gitlab",
        r"""fatal: unable to access 'https://oauth2:{{S:glpat}}@gitlab.com/acme/api.git/': The requested URL returned error: 403""",
    ),
    (
        "git credentials store file",
        r"""
$ cat ~/.git-credentials
https://octodev:{{S:github_pat}}@github.com
https://gitlab-ci-token:{{S:glpat}}@gitlab.com
""",
    ),
    (
        "gemini rest key query",
        r"""curl "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent?key={{S:gemini}}" -H 'Content-Type: application/json' -X POST -d '{"contents":[{"parts":[{"text":"Explain how AI works"}]}]}'""",
    ),
    (
        "gemini key in fetch url js",
        r"""const url = `https://generativelanguage.googleapis.com/v1beta/models/${model}:streamGenerateContent?alt=sse&key={{S:gemini}}`;""",
    ),
    ("slack webhook url env", r"""SLACK_WEBHOOK_URL={{S:slack_webhook}}"""),
    ("discord webhook url", r"""DISCORD_WEBHOOK={{S:discord_webhook}}"""),
    (
        "azure blob sas url",
        r"""https://stwebassets.blob.core.windows.net/uploads/report.pdf?sv=2024-11-04&ss=b&srt=co&sp=rwdlacupiytfx&se=2025-12-31T23:59:59Z&st=2025-11-01T00:00:00Z&spr=https&sig={{S:sas}}""",
    ),
    (
        "azure sas in log",
        r"""
[2025-11-04 10:12:33] PUT https://acmebackups.blob.core.windows.net/db/dump-2025-11-04.sql.gz?sp=racwd&st=2025-11-04T09:00:00Z&se=2025-11-05T09:00:00Z&spr=https&sv=2022-11-02&sr=c&sig={{S:sas}} -> 201
""",
    ),
    (
        "s3 presigned url",
        r"""https://acme-uploads.s3.us-east-1.amazonaws.com/avatars/42.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={{P:aws_sts_id}}%2F20251104%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20251104T101233Z&X-Amz-Expires=3600&X-Amz-Security-Token={{P:aws_session_url}}&X-Amz-SignedHeaders=host&X-Amz-Signature={{S:s3_sig}}""",
    ),
    (
        "gcs signed url",
        r"""https://storage.googleapis.com/acme-exports/export.csv?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=exporter%40acme-prod.iam.gserviceaccount.com%2F20251104%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20251104T101233Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature={{S:hex512}}""",
    ),
    ("http basic auth url", r"""curl -s https://admin:{{S:pwx}}@grafana.acme.internal/api/health"""),
    (
        "private pypi index url",
        r"""pip install --index-url https://__token__:{{S:glpat}}@gitlab.com/api/v4/projects/4211/packages/pypi/simple acme-core==2.3.1""",
    ),
    (
        "uv extra index with creds",
        r"""UV_INDEX_URL=https://aws:{{S:codeartifact}}@acme-{{P:account}}.d.codeartifact.us-east-1.amazonaws.com/pypi/internal/simple/""",
    ),
    (
        "oauth implicit access token fragment",
        r"""Redirected to http://localhost:3000/callback#access_token={{S:jwt_rs}}&token_type=Bearer&expires_in=86400&scope=openid%20profile%20email""",
    ),
    (
        "access_token in query log",
        r"""
127.0.0.1 - - [04/Nov/2025:10:12:33 +0000] "GET /api/v1/export?format=csv&access_token={{S:token40}} HTTP/1.1" 200 5123 "-" "python-requests/2.32.3"
""",
    ),
    (
        "telegram bot api url",
        r"""https://api.telegram.org/bot{{S:telegram}}/sendMessage?chat_id=-100{{P:n}}&text=deploy%20ok""",
    ),
    (
        "huggingface git remote",
        r"""git remote add hf https://acme:{{S:hf}}@huggingface.co/spaces/acme/demo""",
    ),
    (
        "npm registry url with token",
        r"""npm config set //npm.pkg.github.com/:_authToken {{S:ghp}} && npm install @acme/ui""",
    ),
    (
        "datadog intake url with key",
        r"""https://http-intake.logs.datadoghq.com/api/v2/logs?dd-api-key={{S:datadog_api}}&ddsource=nodejs&service=web""",
    ),
    (
        "webhook url with secret query param",
        r"""curl -X POST "https://api.acme.io/hooks/github?secret={{S:hex40}}" -H "Content-Type: application/json" -d @payload.json""",
    ),
    ("sendgrid smtp url", r"""EMAIL_URL=smtp+tls://apikey:{{S:sendgrid}}@smtp.sendgrid.net:587"""),
    (
        "mailgun smtp in django style",
        r"""EMAIL_URL=smtp://postmaster%40mg.acme.io:{{S:pw}}@smtp.mailgun.org:587/?tls=True""",
    ),
    (
        "ftp deploy url",
        r"""lftp -c "open sftp://deploy:{{S:pwh_url}}@files.acme.io; mirror -R dist/ /var/www/html/"
""",
    ),
    (
        "jdbc url with password param",
        r"""jdbc:postgresql://prod-db.internal:5432/orders?user=orders_app&password={{S:pw}}&ssl=true""",
    ),
    (
        "dotnet sql connection string",
        r"""Server=tcp:acme-sql.database.windows.net,1433;Initial Catalog=orders;Persist Security Info=False;User ID=orders_app;Password={{S:pw}};MultipleActiveResultSets=False;Encrypt=True;""",
    ),
    (
        "azure service bus connection string",
        r"""Endpoint=sb://acme-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={{S:b64_32}}""",
    ),
    (
        "azure cosmos connection string",
        r"""AccountEndpoint=https://acme-cosmos.documents.azure.com:443/;AccountKey={{S:azure_storage}};""",
    ),
    (
        "azure event hub connection string",
        r"""Endpoint=sb://acme-events.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={{S:b64_32}};EntityPath=clicks""",
    ),
    ("websocket url with token", r"""wss://realtime.acme.io/socket?vsn=2.0.0&token={{S:jwt}}"""),
    (
        "deepgram websocket token subprotocol",
        r"""const ws = new WebSocket("wss://api.deepgram.com/v1/listen?model=nova-3", ["token", "{{S:hex40}}"]);""",
    ),
    (
        "ably key in url",
        r"""https://rest.ably.io/channels/orders/messages?key={{P:short}}abc.{{P:short}}x:{{S:urlsafe43}}""",
    ),
    (
        "consul http token header",
        r"""curl --header "X-Consul-Token: {{S:uuid_s}}" https://consul.acme.internal:8501/v1/kv/app/config?recurse""",
    ),
    (
        "git push log with token in url",
        r"""
remote: Resolving deltas: 100% (12/12), completed with 9 local objects.
To https://octodev:{{S:gho}}@github.com/acme/web.git
   {{P:short}}..{{P:short}}  main -> main
""",
    ),
    # ---- negatives ----
    ("sentry dsn", r"""SENTRY_DSN={{P:sentry_dsn}}"""),
    (
        "db url with env placeholder",
        r"""DATABASE_URL=postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@${POSTGRES_HOST}:5432/${POSTGRES_DB}""",
    ),
    (
        "local dev db url default creds docs",
        r"""
# local docker only
DATABASE_URL=postgresql://postgres:postgres@localhost:5432/app_dev
REDIS_URL=redis://localhost:6379/0
""",
    ),
    (
        "db url placeholder in readme",
        r"""Set `DATABASE_URL` to something like `postgresql://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=require` (Neon shows the exact string under **Connection Details**).""",
    ),
    (
        "github https remotes",
        r"""
origin	https://github.com/acme/web.git (fetch)
origin	https://github.com/acme/web.git (push)
""",
    ),
    (
        "oauth authorize url with client id and pkce",
        r"""https://accounts.google.com/o/oauth2/v2/auth?client_id={{P:google_client_id}}&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fapi%2Fauth%2Fcallback%2Fgoogle&response_type=code&scope=openid%20email%20profile&state={{P:nonce}}&code_challenge={{P:pkce}}&code_challenge_method=S256""",
    ),
    (
        "github oauth authorize url",
        r"""https://github.com/login/oauth/authorize?client_id=Ov23li{{P:short}}AbCdE&redirect_uri=https%3A%2F%2Facme.io%2Fapi%2Fauth%2Fcallback%2Fgithub&scope=read%3Auser+user%3Aemail&state={{P:nonce}}""",
    ),
    (
        "s3 plain object urls",
        r"""
https://acme-uploads.s3.us-east-1.amazonaws.com/avatars/{{P:uuid}}.png
s3://acme-backups/db/2025-11-04/dump.sql.gz
""",
    ),
    (
        "vercel preview urls",
        r"""Preview: https://web-git-feat-billing-acme.vercel.app  Inspect: https://vercel.com/acme/web/{{P:vercel_dpl}}""",
    ),
    ("supabase project url", r"""NEXT_PUBLIC_SUPABASE_URL=https://{{P:short}}abcdefghijkl.supabase.co"""),
    (
        "github api urls with ids",
        r"""
GET https://api.github.com/repos/acme/web/actions/runs/{{P:n}}{{P:n}}/jobs 200
GET https://api.github.com/repos/acme/web/commits/{{P:sha}}/check-runs 200
""",
    ),
    (
        "stripe dashboard links",
        r"""https://dashboard.stripe.com/test/payments/{{P:stripe_obj}} and https://dashboard.stripe.com/customers/{{P:stripe_obj}}""",
    ),
    ("npm tarball url", r"""https://registry.npmjs.org/@anthropic-ai/sdk/-/sdk-0.65.0.tgz#{{P:sha}}"""),
    (
        "docker image refs with digests",
        r"""ghcr.io/acme/api@{{P:digest}} and public.ecr.aws/lambda/python:3.12@{{P:digest}}""",
    ),
    (
        "oauth callback with error",
        r"""http://localhost:3000/api/auth/callback/github?error=redirect_uri_mismatch&error_description=The+redirect_uri+MUST+match&state={{P:nonce}}""",
    ),
    (
        "api docs urls mention keys",
        r"""See https://platform.openai.com/api-keys, https://console.anthropic.com/settings/keys and https://aistudio.google.com/app/apikey to create keys.""",
    ),
    (
        "aws console urls",
        r"""https://us-east-1.console.aws.amazon.com/secretsmanager/secret?name=prod%2Fllm%2Fopenai&region=us-east-1""",
    ),
    (
        "mongodb url without password",
        r"""mongodb+srv://cluster0.{{P:short}}z.mongodb.net/ --apiVersion 1 --username appUser""",
    ),
    (
        "jdbc without creds",
        r"""spring.datasource.url=jdbc:postgresql://prod-db.internal:5432/orders?ssl=true&sslmode=verify-full""",
    ),
    ("azure blob url no sas", r"""https://stwebassets.blob.core.windows.net/public/logo.svg"""),
    (
        "huggingface model urls",
        r"""https://huggingface.co/Qwen/Qwen2.5-Coder-7B-Instruct/resolve/{{P:sha}}/model-00001-of-00004.safetensors""",
    ),
    (
        "youtube & loom links with ids",
        r"""https://www.loom.com/share/{{P:hex32p}} and https://youtu.be/dQw4w9WgXcQ?t=42""",
    ),
    (
        "sentry issue url",
        r"""https://acme.sentry.io/issues/{{P:n}}{{P:n}}/?project={{P:n}}&query=is%3Aunresolved&referrer=issue-stream""",
    ),
    (
        "github secret scanning docs link",
        r"""https://docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns#supported-secrets""",
    ),
    (
        "mapbox public token in style url",
        r"""https://api.mapbox.com/styles/v1/mapbox/streets-v12/tiles/256/1/1/0@2x?access_token={{P:mapbox_public}}""",
    ),
    (
        "kubernetes api urls",
        r"""https://{{P:hex32p}}.gr7.us-east-1.eks.amazonaws.com/api/v1/namespaces/web/secrets/app-env""",
    ),
    (
        "redis url with password from env template",
        r"""REDIS_URL=redis://default:{{ .Values.redis.password }}@redis-master:6379/0""",
    ),
    ("git ssh remote", r"""git@gitlab.com:acme/platform/api.git"""),
    (
        "presigned url redacted",
        r"""https://acme-uploads.s3.amazonaws.com/avatars/42.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED""",
    ),
    (
        "grafana dashboards url with uid",
        r"""https://acme.grafana.net/d/{{P:nonce}}/api-latency?orgId=1&from=now-6h&to=now&var-env=prod""",
    ),
    (
        "posthog and segment cdn urls",
        r"""https://us-assets.i.posthog.com/static/array.js and https://cdn.segment.com/analytics-next/bundles/{{P:hex32p}}.js""",
    ),
    (
        "localhost urls with ports",
        r"""
  ▲ Next.js 15.5.4 (Turbopack)
  - Local:        http://localhost:3000
  - Network:      http://{{P:ip}}:3000
  - Environments: .env.local
""",
    ),
    (
        "neon connection string masked in console",
        r"""postgresql://neondb_owner:************@ep-{{P:short}}-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require""",
    ),
    (
        "mongodb atlas url placeholder",
        r"""mongodb+srv://<db_username>:<db_password>@cluster0.{{P:short}}z.mongodb.net/?retryWrites=true&w=majority&appName=Cluster0""",
    ),
    (
        "supabase pooler url template",
        r"""postgresql://postgres.{{P:short}}abcdefghijk:[YOUR-PASSWORD]@aws-0-us-east-1.pooler.supabase.com:6543/postgres""",
    ),
    (
        "github compare and blob links",
        r"""https://github.com/acme/web/compare/{{P:sha}}...{{P:sha}} and https://github.com/acme/web/blob/{{P:sha}}/src/lib/stripe.ts#L12-L20""",
    ),
    (
        "slack archive link",
        r"""https://acme.slack.com/archives/C0{{P:short}}AB/p1762250000118329?thread_ts=1762249000.112233&cid=C0{{P:short}}AB""",
    ),
    (
        "openapi server urls",
        r"""
servers:
  - url: https://api.acme.io/v1
  - url: https://sandbox.api.acme.io/v1
""",
    ),
]

JSON: list[tuple[str, str]] = [
    # ---- positives ----
    (
        ".mcp.json github server token",
        r"""
{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": {
        "GITHUB_PERSONAL_ACCESS_TOKEN": "{{S:ghp}}"
      }
    }
  }
}
""",
    ),
    (
        "claude_desktop_config with several servers",
        r"""
{
  "mcpServers": {
    "brave-search": {
      "command": "npx",
      "args": ["-y", "@brave/brave-search-mcp-server"],
      "env": { "BRAVE_API_KEY": "{{S:brave}}" }
    },
    "postgres": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://readonly:{{S:pw}}@db.acme.internal:5432/analytics"]
    }
  }
}
""",
    ),
    (
        "cursor mcp.json with header auth",
        r"""
{
  "mcpServers": {
    "linear": {
      "url": "https://mcp.linear.app/sse",
      "headers": { "Authorization": "Bearer {{S:linear}}" }
    },
    "supabase": {
      "command": "npx",
      "args": ["-y", "@supabase/mcp-server-supabase@latest", "--project-ref={{P:short}}abcdefghijklm"],
      "env": { "SUPABASE_ACCESS_TOKEN": "sbp_{{S:hex40}}" }
    }
  }
}
""",
    ),
    (
        "vscode mcp.json servers env",
        r"""
{
  "servers": {
    "perplexity": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "server-perplexity-ask"],
      "env": { "PERPLEXITY_API_KEY": "{{S:perplexity}}" }
    }
  }
}
""",
    ),
    (
        "claude settings.json env block",
        r"""
{
  "$schema": "https://json.schemastore.org/claude-code-settings.json",
  "env": {
    "ANTHROPIC_API_KEY": "{{S:anthropic}}",
    "CLAUDE_CODE_ENABLE_TELEMETRY": "0"
  },
  "permissions": {
    "allow": ["Bash(npm run test:*)", "Read(~/.zshrc)"],
    "deny": ["Read(./.env)", "Read(./secrets/**)"]
  }
}
""",
    ),
    (
        "claude settings bedrock env",
        r"""
{
  "env": {
    "CLAUDE_CODE_USE_BEDROCK": "1",
    "AWS_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "{{P:aws_id}}",
    "AWS_SECRET_ACCESS_KEY": "{{S:aws_secret}}"
  }
}
""",
    ),
    (
        "claude credentials json oauth",
        r"""
{"claudeAiOauth":{"accessToken":"{{S:claude_oauth}}","refreshToken":"sk-ant-ort01-{{S:urlsafe43}}","expiresAt":1762339200000,"scopes":["user:inference","user:profile"],"subscriptionType":"max"}}
""",
    ),
    (
        "codex auth.json",
        r"""
{
  "OPENAI_API_KEY": null,
  "tokens": {
    "id_token": "{{S:jwt_rs}}",
    "access_token": "{{S:jwt_rs}}",
    "refresh_token": "rt_{{S:urlsafe43}}",
    "account_id": "{{P:uuid}}"
  },
  "last_refresh": "2025-11-04T10:12:33.118Z"
}
""",
    ),
    ("gcp service account json", r"""{{S:gcp_sa}}"""),
    (
        "gcloud adc authorized user",
        r"""
{
  "account": "",
  "client_id": "{{P:google_client_id}}",
  "client_secret": "{{P:nonce}}",
  "quota_project_id": "acme-prod",
  "refresh_token": "{{S:google_refresh}}",
  "type": "authorized_user",
  "universe_domain": "googleapis.com"
}
""",
    ),
    (
        "google oauth token.json",
        r"""
{"token": "{{S:google_access}}", "refresh_token": "{{S:google_refresh}}", "token_uri": "https://oauth2.googleapis.com/token", "client_id": "{{P:google_client_id}}", "client_secret": "{{S:google_secret}}", "scopes": ["https://www.googleapis.com/auth/gmail.readonly"], "expiry": "2025-11-04T11:12:33.118Z"}
""",
    ),
    (
        "appsettings.json connection strings",
        r"""
{
  "ConnectionStrings": {
    "Default": "Server=localhost,1433;Database=Orders;User Id=sa;Password={{S:pwx}};TrustServerCertificate=True"
  },
  "AzureOpenAI": {
    "Endpoint": "https://acme-eastus2.openai.azure.com/",
    "ApiKey": "{{S:azure_openai}}"
  },
  "Logging": { "LogLevel": { "Default": "Information" } }
}
""",
    ),
    (
        "appsettings jwt and storage",
        r"""
{
  "Jwt": { "Issuer": "https://api.acme.io", "Key": "{{S:b64_64}}" },
  "Storage": { "ConnectionString": "DefaultEndpointsProtocol=https;AccountName=acmefiles;AccountKey={{S:azure_storage}};EndpointSuffix=core.windows.net" }
}
""",
    ),
    (
        "aws secretsmanager get-secret-value",
        r"""
{
    "ARN": "arn:aws:secretsmanager:us-east-1:{{P:account}}:secret:prod/llm/openai-{{P:short}}",
    "Name": "prod/llm/openai",
    "VersionId": "{{P:uuid}}",
    "SecretString": "{\"api_key\":\"{{S:openai}}\",\"org\":\"org-{{P:nonce}}\"}",
    "VersionStages": ["AWSCURRENT"],
    "CreatedDate": "2025-10-30T09:41:12.118000+00:00"
}
""",
    ),
    (
        "aws sts assume role json",
        r"""
{
    "Credentials": {
        "AccessKeyId": "{{P:aws_sts_id}}",
        "SecretAccessKey": "{{S:aws_secret}}",
        "SessionToken": "{{S:aws_session}}",
        "Expiration": "2025-11-04T11:12:33+00:00"
    },
    "AssumedRoleUser": {
        "AssumedRoleId": "AROA{{P:short}}ABCDEFG:ci",
        "Arn": "arn:aws:sts::{{P:account}}:assumed-role/deploy/ci"
    }
}
""",
    ),
    (
        "aws iam create-access-key",
        r"""
{
    "AccessKey": {
        "UserName": "ci-bot",
        "AccessKeyId": "{{P:aws_id}}",
        "Status": "Active",
        "SecretAccessKey": "{{S:aws_secret}}",
        "CreateDate": "2025-11-04T10:12:33+00:00"
    }
}
""",
    ),
    (
        "openai admin api key create response",
        r"""
{
  "object": "organization.admin_api_key",
  "id": "key_{{P:nonce}}",
  "name": "ci-usage-export",
  "redacted_value": "sk-admin...{{P:span}}",
  "value": "{{S:openai_admin}}",
  "created_at": 1762250000
}
""",
    ),
    (
        "openai project service account create",
        r"""
{
  "object": "organization.project.service_account",
  "id": "svc_acct_{{P:nonce}}",
  "name": "evals-bot",
  "role": "member",
  "api_key": {
    "object": "organization.project.service_account.api_key",
    "value": "{{S:openai_svc}}",
    "name": "Secret Key",
    "id": "key_{{P:nonce}}"
  }
}
""",
    ),
    (
        "docker config.json auths",
        r"""
{
  "auths": {
    "ghcr.io": { "auth": "{{S:basic}}" },
    "https://index.docker.io/v1/": { "auth": "{{S:basic}}" }
  },
  "credsStore": "desktop"
}
""",
    ),
    (
        "composer auth.json",
        r"""
{
  "http-basic": {
    "repo.packagist.com": { "username": "token", "password": "{{S:hex40}}" }
  },
  "github-oauth": { "github.com": "{{S:gho}}" }
}
""",
    ),
    (
        "terraform state json with secret",
        r"""
{
  "mode": "managed",
  "type": "random_password",
  "name": "db",
  "instances": [
    {
      "schema_version": 3,
      "attributes": {
        "id": "none",
        "length": 32,
        "result": "{{S:pwx}}",
        "special": true
      },
      "sensitive_attributes": [[{"type": "get_attr", "value": "result"}]]
    }
  ]
}
""",
    ),
    (
        "terraform output -json sensitive shown",
        r"""
{
  "db_password": { "sensitive": true, "type": "string", "value": "{{S:pwh}}" },
  "api_url": { "sensitive": false, "type": "string", "value": "https://api.acme.io" }
}
""",
    ),
    (
        "firebase admin sdk json in env var",
        r"""{"FIREBASE_SERVICE_ACCOUNT": "{\"type\":\"service_account\",\"project_id\":\"acme-web\",\"private_key\":\"{{S:pkcs8_esc2}}\",\"client_email\":\"firebase-adminsdk@acme-web.iam.gserviceaccount.com\"}"}""",
    ),
    (
        "jwk private key d",
        r"""
{
  "kty": "EC",
  "crv": "P-256",
  "kid": "{{P:kid}}",
  "x": "{{P:urlsafe43p}}",
  "y": "{{P:urlsafe43p}}",
  "d": "{{S:urlsafe43}}",
  "use": "sig",
  "alg": "ES256"
}
""",
    ),
    (
        "vercel project env api decrypted",
        r"""
{"envs":[{"type":"encrypted","value":"{{S:resend}}","target":["production"],"key":"RESEND_API_KEY","id":"{{P:nonce}}","decrypted":true},{"type":"plain","value":"https://acme.io","target":["production","preview"],"key":"NEXT_PUBLIC_APP_URL","id":"{{P:nonce}}"}]}
""",
    ),
    (
        "gh api create installation token",
        r"""
{
  "token": "{{S:ghs}}",
  "expires_at": "2025-11-04T11:12:33Z",
  "permissions": { "contents": "read", "metadata": "read", "pull_requests": "write" },
  "repository_selection": "selected"
}
""",
    ),
    (
        "oauth token endpoint response",
        r"""
{
  "access_token": "{{S:jwt_rs}}",
  "refresh_token": "{{S:urlsafe43}}",
  "id_token": "{{S:jwt_rs}}",
  "scope": "openid profile email offline_access",
  "expires_in": 86400,
  "token_type": "Bearer"
}
""",
    ),
    (
        "supabase auth session json",
        r"""
{"access_token":"{{S:jwt}}","token_type":"bearer","expires_in":3600,"expires_at":1762254000,"refresh_token":"{{S:refresh12}}","user":{"id":"{{P:uuid}}","aud":"authenticated","role":"authenticated","email":"dana@acme.io"}}
""",
    ),
    (
        "postman environment export",
        r"""
{
  "id": "{{P:uuid}}",
  "name": "Acme prod",
  "values": [
    { "key": "baseUrl", "value": "https://api.acme.io", "enabled": true },
    { "key": "apiKey", "value": "{{S:token40}}", "type": "secret", "enabled": true }
  ],
  "_postman_variable_scope": "environment"
}
""",
    ),
    (
        "package.json script with token",
        r"""
{
  "name": "web",
  "private": true,
  "scripts": {
    "dev": "next dev --turbopack",
    "sentry:sourcemaps": "sentry-cli sourcemaps upload --auth-token {{S:sentry_token}} --org acme --project web .next"
  }
}
""",
    ),
    (
        "devcontainer with containerEnv secret",
        r"""
{
  "name": "web",
  "image": "mcr.microsoft.com/devcontainers/typescript-node:22",
  "containerEnv": {
    "OPENAI_API_KEY": "{{S:openai}}",
    "NODE_ENV": "development"
  },
  "postCreateCommand": "pnpm install"
}
""",
    ),
    (
        "launch.json env",
        r"""
{
  "version": "0.2.0",
  "configurations": [
    {
      "type": "debugpy",
      "request": "launch",
      "name": "API",
      "module": "uvicorn",
      "args": ["app.main:app", "--reload"],
      "env": { "GROQ_API_KEY": "{{S:groq}}", "DATABASE_URL": "postgresql://app:{{S:pw}}@localhost:5432/app" }
    }
  ]
}
""",
    ),
    (
        "openai request log json",
        r"""
{"level":"debug","time":"2025-11-04T10:12:33.118Z","msg":"outgoing request","method":"POST","url":"https://api.openai.com/v1/chat/completions","headers":{"authorization":"Bearer {{S:openai}}","content-type":"application/json"}}
""",
    ),
    (
        "pino log with stripe key",
        r"""
{"level":50,"time":1762250000000,"pid":4121,"hostname":"web-7f9c","err":{"type":"StripeAuthenticationError","message":"Invalid API Key provided: {{S:stripe_sk}}","statusCode":401},"msg":"checkout failed"}
""",
    ),
    (
        "kubectl get secret -o json",
        r"""
{
    "apiVersion": "v1",
    "data": {
        "OPENAI_API_KEY": "{{S:b64_openai}}",
        "LOG_LEVEL": "aW5mbw=="
    },
    "kind": "Secret",
    "metadata": { "name": "llm-keys", "namespace": "web", "uid": "{{P:uuid}}" },
    "type": "Opaque"
}
""",
    ),
    (
        "stripe api key object restricted",
        r"""
{"id": "rk_{{P:nonce}}", "object": "api_key", "livemode": true, "name": "zapier", "secret": "{{S:stripe_rk}}", "created": 1762250000}
""",
    ),
    (
        "cloudflare api token create response",
        r"""
{
  "result": {
    "id": "{{P:hex32p}}",
    "name": "wrangler-ci",
    "status": "active",
    "value": "{{S:cloudflare}}"
  },
  "success": true,
  "errors": [],
  "messages": []
}
""",
    ),
    ("hf token json cache", r"""{"hf_token": "{{S:hf}}", "username": "acme-ml", "token_name": "ci-write"}"""),
    (
        "n8n credentials export",
        r"""
[
  {
    "id": "{{P:nonce}}",
    "name": "OpenAi account",
    "type": "openAiApi",
    "data": { "apiKey": "{{S:openai}}" }
  },
  {
    "id": "{{P:nonce}}",
    "name": "Slack bot",
    "type": "slackApi",
    "data": { "accessToken": "{{S:slack_bot}}" }
  }
]
""",
    ),
    (
        "firebase functions config json",
        r"""
{
  "stripe": { "secret": "{{S:stripe_sk}}", "webhook_secret": "{{S:stripe_whsec}}" },
  "sendgrid": { "key": "{{S:sendgrid}}" }
}
""",
    ),
    (
        ".dev.vars.json",
        r"""
// .dev.vars.json
{
  "ANTHROPIC_API_KEY": "{{S:anthropic}}",
  "CF_ACCESS_CLIENT_SECRET": "{{S:hex64}}"
}
""",
    ),
    (
        "jest env setup json",
        r"""{"testEnvironment":"node","globals":{"TWILIO_ACCOUNT_SID":"{{P:twilio_sid}}","TWILIO_AUTH_TOKEN":"{{S:twilio_token}}"}}""",
    ),
    (
        "1password op item get json revealed",
        r"""
{
  "id": "{{P:ulid}}",
  "title": "Neon prod",
  "fields": [
    { "id": "username", "type": "STRING", "label": "username", "value": "neondb_owner" },
    { "id": "password", "type": "CONCEALED", "label": "password", "value": "{{S:pwx}}" }
  ]
}
""",
    ),
    ("fly tokens create json", r"""{"token": "{{S:fly}}", "expires_at": "2026-11-04T10:12:33Z"}"""),
    (
        "langfuse keys json",
        r"""{"LANGFUSE_PUBLIC_KEY": "pk-lf-{{P:uuid}}", "LANGFUSE_SECRET_KEY": "sk-lf-{{S:uuid_s}}", "LANGFUSE_HOST": "https://cloud.langfuse.com"}""",
    ),
    (
        "mcp tool call arguments with key",
        r"""
{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"set_env_var","arguments":{"project":"web","key":"XAI_API_KEY","value":"{{S:xai}}","target":["production"]}}}
""",
    ),
    (
        "anthropic admin key in json config",
        r"""{"anthropic": {"admin_key": "{{S:anthropic_admin}}", "workspace_id": "wrkspc_{{P:nonce}}"}}""",
    ),
    (
        "doppler download json",
        r"""{"DOPPLER_CONFIG":"prd","DOPPLER_ENVIRONMENT":"prd","DOPPLER_PROJECT":"api","DEEPSEEK_API_KEY":"{{S:deepseek}}","SENTRY_DSN":"{{P:sentry_dsn}}"}""",
    ),
    # ---- negatives ----
    (
        ".mcp.json env var references",
        r"""
{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN}" }
    },
    "sentry": { "type": "http", "url": "https://mcp.sentry.dev/mcp" }
  }
}
""",
    ),
    (
        "vscode mcp.json inputs prompt",
        r"""
{
  "inputs": [
    { "type": "promptString", "id": "perplexity-key", "description": "Perplexity API Key", "password": true }
  ],
  "servers": {
    "perplexity": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "server-perplexity-ask"],
      "env": { "PERPLEXITY_API_KEY": "${input:perplexity-key}" }
    }
  }
}
""",
    ),
    (
        "claude settings permissions only",
        r"""
{
  "permissions": {
    "allow": ["Bash(pnpm test:*)", "Bash(git diff:*)", "WebFetch(domain:docs.anthropic.com)"],
    "deny": ["Read(./.env)", "Read(./.env.*)", "Read(./secrets/**)", "Read(**/*.pem)"]
  },
  "env": { "BASH_DEFAULT_TIMEOUT_MS": "120000", "DISABLE_TELEMETRY": "1" },
  "model": "claude-sonnet-4-5"
}
""",
    ),
    (
        "firebase web config json",
        r"""
{
  "apiKey": "{{P:firebase_web}}",
  "authDomain": "acme-web.firebaseapp.com",
  "projectId": "acme-web",
  "storageBucket": "acme-web.firebasestorage.app",
  "messagingSenderId": "{{P:account}}",
  "appId": "1:{{P:account}}:web:{{P:short}}9f3a2c"
}
""",
    ),
    (
        "google-services.json android",
        r"""
{
  "project_info": { "project_number": "{{P:account}}", "project_id": "acme-mobile", "storage_bucket": "acme-mobile.firebasestorage.app" },
  "client": [
    {
      "client_info": { "mobilesdk_app_id": "1:{{P:account}}:android:{{P:short}}abc123", "android_client_info": { "package_name": "io.acme.app" } },
      "api_key": [ { "current_key": "{{P:firebase_web}}" } ]
    }
  ]
}
""",
    ),
    (
        "openai chat completion response",
        r"""
{
  "id": "{{P:chatcmpl}}",
  "object": "chat.completion",
  "created": 1762250000,
  "model": "gpt-4.1-mini-2025-04-14",
  "choices": [{ "index": 0, "message": { "role": "assistant", "content": "Use an environment variable for the API key." }, "finish_reason": "stop" }],
  "usage": { "prompt_tokens": 31, "completion_tokens": 9, "total_tokens": 40 },
  "system_fingerprint": "fp_{{P:short}}abc"
}
""",
    ),
    (
        "anthropic message response",
        r"""
{"id":"{{P:msg_id}}","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Rotate the key in the console, then update the secret in Vercel."}],"stop_reason":"end_turn","usage":{"input_tokens":412,"output_tokens":23}}
""",
    ),
    (
        "openai admin keys list redacted",
        r"""
{
  "object": "list",
  "data": [
    { "object": "organization.admin_api_key", "id": "key_{{P:nonce}}", "name": "usage-export", "redacted_value": "sk-admin...{{P:span}}", "created_at": 1762250000, "last_used_at": 1762336400 }
  ],
  "has_more": false
}
""",
    ),
    (
        "aws describe-secret no value",
        r"""
{
    "ARN": "arn:aws:secretsmanager:us-east-1:{{P:account}}:secret:prod/llm/openai-{{P:short}}",
    "Name": "prod/llm/openai",
    "RotationEnabled": false,
    "LastChangedDate": "2025-10-30T09:41:12.118000+00:00",
    "VersionIdsToStages": { "{{P:uuid}}": ["AWSCURRENT"] }
}
""",
    ),
    (
        "terraform show json sensitive omitted",
        r"""
{"format_version":"1.2","values":{"outputs":{"db_password":{"sensitive":true,"type":"string"},"api_url":{"sensitive":false,"value":"https://api.acme.io","type":"string"}}}}
""",
    ),
    (
        "jwks public",
        r"""
{
  "keys": [
    {
      "kty": "RSA",
      "use": "sig",
      "kid": "{{P:kid}}",
      "alg": "RS256",
      "n": "{{P:rsa_n}}",
      "e": "AQAB"
    }
  ]
}
""",
    ),
    (
        "package.json normal",
        r"""
{
  "name": "web",
  "version": "0.1.0",
  "private": true,
  "scripts": { "dev": "next dev --turbopack", "build": "next build", "lint": "eslint ." },
  "dependencies": { "@anthropic-ai/sdk": "^0.65.0", "next": "15.5.4", "openai": "^5.23.1", "stripe": "^19.1.0" },
  "packageManager": "pnpm@10.18.1+sha512.{{P:hex128p}}"
}
""",
    ),
    (
        "package-lock fragment",
        r"""
    "node_modules/stripe": {
      "version": "19.1.0",
      "resolved": "https://registry.npmjs.org/stripe/-/stripe-19.1.0.tgz",
      "integrity": "{{P:integrity}}",
      "license": "MIT"
    },
""",
    ),
    (
        "stripe customer object",
        r"""
{"id": "{{P:stripe_obj}}", "object": "customer", "email": "jenny@example.com", "invoice_settings": {"default_payment_method": "pm_{{P:nonce}}"}, "livemode": false, "metadata": {"user_id": "{{P:uuid}}"}}
""",
    ),
    (
        "gh api repo json ids",
        r"""
{"id": {{P:n}}{{P:n}}, "node_id": "R_kgDO{{P:nonce}}", "name": "web", "full_name": "acme/web", "private": true, "default_branch": "main", "pushed_at": "2025-11-04T10:12:33Z"}
""",
    ),
    (
        "vercel.json config",
        r"""
{
  "$schema": "https://openapi.vercel.sh/vercel.json",
  "crons": [{ "path": "/api/cron/refresh-tokens", "schedule": "0 * * * *" }],
  "headers": [{ "source": "/(.*)", "headers": [{ "key": "X-Frame-Options", "value": "DENY" }] }]
}
""",
    ),
    (
        "devcontainer secrets declaration",
        r"""
{
  "name": "web",
  "image": "mcr.microsoft.com/devcontainers/typescript-node:22",
  "secrets": {
    "OPENAI_API_KEY": { "description": "OpenAI key used by the evals", "documentationUrl": "https://platform.openai.com/api-keys" }
  },
  "remoteEnv": { "ANTHROPIC_API_KEY": "${localEnv:ANTHROPIC_API_KEY}" }
}
""",
    ),
    (
        "appsettings with key vault refs",
        r"""
{
  "ConnectionStrings": { "Default": "@Microsoft.KeyVault(SecretUri=https://acme-kv.vault.azure.net/secrets/sql-conn/)" },
  "AzureOpenAI": { "Endpoint": "https://acme-eastus2.openai.azure.com/", "ApiKey": "" },
  "KeyVaultName": "acme-kv"
}
""",
    ),
    (
        "postman collection auth with variable",
        r"""
{"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{apiToken}}", "type": "string"}]}, "request": {"method": "GET", "url": "{{baseUrl}}/v1/orders"}}
""",
    ),
    (
        "secret scanning alert json",
        r"""
{
  "number": 42,
  "state": "resolved",
  "resolution": "revoked",
  "secret_type": "openai_api_key",
  "secret_type_display_name": "OpenAI API Key",
  "html_url": "https://github.com/acme/web/security/secret-scanning/42",
  "push_protection_bypassed": false
}
""",
    ),
    (
        "posthog and segment public config json",
        r"""{"posthog": {"apiKey": "{{P:posthog_project}}", "apiHost": "https://eu.i.posthog.com"}, "sentry": {"dsn": "{{P:sentry_dsn}}"}}""",
    ),
    (
        "docker config credsStore only",
        r"""
{
  "auths": { "ghcr.io": {}, "https://index.docker.io/v1/": {} },
  "credsStore": "osxkeychain",
  "currentContext": "desktop-linux"
}
""",
    ),
    (
        "renovate config hostRules encrypted",
        r"""
{
  "extends": ["config:recommended"],
  "hostRules": [
    { "matchHost": "npm.pkg.github.com", "hostType": "npm", "encrypted": { "token": "wcFMA{{P:b64p}}{{P:b64p}}" } }
  ]
}
""",
    ),
    (
        "codex exec json agent message",
        r"""
{"type":"item.completed","item":{"id":"item_7","type":"agent_message","text":"I moved the Stripe secret key out of `lib/stripe.ts` into `STRIPE_SECRET_KEY` and added it to `.env.example` as an empty value."}}
""",
    ),
    (
        "mcp tools list with secret in names",
        r"""
{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"get_secret_metadata","description":"Return metadata (not the value) of a secret in Vault","inputSchema":{"type":"object","properties":{"path":{"type":"string"}}}},{"name":"rotate_api_key","description":"Rotate an API key and store the new value in the secret manager","inputSchema":{"type":"object","properties":{"key_id":{"type":"string"}}}}]}}
""",
    ),
    (
        "supabase anon key json config",
        r"""{"supabaseUrl": "https://{{P:short}}abcdefghij.supabase.co", "supabaseAnonKey": "{{P:supabase_anon}}"}""",
    ),
    (
        "tsconfig",
        r"""
{
  "compilerOptions": { "target": "ES2022", "lib": ["dom", "dom.iterable", "esnext"], "strict": true, "moduleResolution": "bundler", "paths": { "@/*": ["./src/*"] } },
  "include": ["next-env.d.ts", "**/*.ts", "**/*.tsx"]
}
""",
    ),
    (
        "stripe publishable in json",
        r"""{"stripe": {"publishableKey": "{{P:stripe_pk}}", "priceIds": {"pro": "price_{{P:nonce}}", "team": "price_{{P:nonce}}"}}}""",
    ),
    (
        "github actions run json",
        r"""
{"databaseId": {{P:n}}{{P:n}}, "headSha": "{{P:sha}}", "status": "completed", "conclusion": "failure", "workflowName": "CI", "displayTitle": "fix: rotate webhook secret handling", "url": "https://github.com/acme/web/actions/runs/{{P:n}}{{P:n}}"}
""",
    ),
    (
        "jwt header and claims decoded",
        r"""
{
  "header": { "alg": "RS256", "kid": "{{P:kid}}", "typ": "JWT" },
  "payload": { "iss": "https://acme.us.auth0.com/", "sub": "auth0|{{P:hex32p}}", "aud": "https://api.acme.io", "exp": 1762336400, "scope": "read:orders" }
}
""",
    ),
    (
        "npm audit json",
        r"""{"auditReportVersion": 2, "vulnerabilities": {"next": {"name": "next", "severity": "critical", "via": [{"source": 1104342, "title": "Authorization Bypass in Next.js Middleware", "url": "https://github.com/advisories/GHSA-f82v-jwr5-mffw"}], "fixAvailable": true}}}""",
    ),
    (
        "vercel project json",
        r"""{"projectId": "prj_{{P:nonce}}abc", "orgId": "team_{{P:nonce}}", "settings": {"framework": "nextjs", "nodeVersion": "22.x"}}""",
    ),
    (
        "chrome extension manifest with public key",
        r"""
{
  "manifest_version": 3,
  "name": "Acme Clipper",
  "version": "1.4.0",
  "key": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA{{P:b64p}}{{P:b64p}}{{P:b64p}}IDAQAB",
  "permissions": ["storage", "activeTab"]
}
""",
    ),
    (
        "sops json encrypted",
        r"""
{
  "openai_api_key": "{{P:sops}}",
  "sops": {
    "kms": [{ "arn": "arn:aws:kms:us-east-1:{{P:account}}:key/{{P:uuid}}", "created_at": "2025-10-21T09:14:03Z" }],
    "lastmodified": "2025-10-21T09:14:03Z",
    "mac": "{{P:sops}}",
    "version": "3.10.2"
  }
}
""",
    ),
    (
        "claude stream-json init message",
        r"""{"type":"system","subtype":"init","cwd":"/home/dev/web","session_id":"{{P:uuid}}","tools":["Task","Bash","Glob","Grep","Read","Edit","Write","WebFetch"],"mcp_servers":[{"name":"github","status":"connected"}],"model":"claude-sonnet-4-5-20250929","permissionMode":"default","apiKeySource":"ANTHROPIC_API_KEY"}""",
    ),
    (
        "ms teams app manifest ids",
        r"""{"id": "{{P:uuid}}", "bots": [{"botId": "{{P:uuid}}", "scopes": ["team", "personal"]}], "webApplicationInfo": {"id": "{{P:uuid}}", "resource": "api://acme.io/{{P:uuid}}"}}""",
    ),
    (
        "lighthouse/ci json with build token name",
        r"""{"ci": {"upload": {"target": "lhci", "serverBaseUrl": "https://lhci.acme.io", "token": "$LHCI_BUILD_TOKEN"}, "assert": {"preset": "lighthouse:recommended"}}}""",
    ),
    (
        "aws kms encrypt output",
        r"""{"CiphertextBlob": "{{P:b64p}}{{P:b64p}}{{P:b64p}}", "KeyId": "arn:aws:kms:us-east-1:{{P:account}}:key/{{P:uuid}}", "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}""",
    ),
    # positives
    (
        "zed settings language model key",
        r"""
{
  "language_models": {
    "openai": { "api_url": "https://api.together.xyz/v1", "available_models": [{ "name": "Qwen/Qwen3-Coder-480B", "max_tokens": 128000 }] }
  },
  "assistant": { "default_model": { "provider": "openai", "model": "Qwen/Qwen3-Coder-480B" } },
  "env": { "OPENAI_API_KEY": "{{S:together}}" }
}
""",
    ),
    (
        "openai-compatible gateway config json",
        r"""{"providers": [{"name": "fireworks", "base_url": "https://api.fireworks.ai/inference/v1", "api_key": "{{S:fireworks}}"}, {"name": "xai", "base_url": "https://api.x.ai/v1", "api_key": "{{S:xai}}"}]}""",
    ),
    (
        "github app private key in json secret",
        r"""{"app_id": {{P:n}}, "installation_id": {{P:n}}{{P:n}}, "private_key": "{{S:rsa_esc}}"}""",
    ),
]

TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "plain": PLAIN,
    "shell": SHELL,
    "yaml": YAML,
    "source": SOURCE,
    "url": URL,
    "json": JSON,
}


if __name__ == "__main__":
    _counts()
