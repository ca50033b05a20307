"""A thirteenth labelled redaction corpus: the everyday text a coding agent reads (issue 15).

Written blind to the redactor's rules and to the other corpora. The theme is the ordinary day in the
commonest stacks: ``.env`` files, Compose files and ``docker`` output, ``kubectl`` secrets, environment
dumps, ``git diff``/``show``/``log -p`` hunks, ``grep -rn`` hits and numbered ``cat -n``/Read-tool lines,
framework settings (Django, Rails, Laravel, Spring, Next.js/Vite, .NET, Cloudflare, Serverless,
Netlify, Firebase), package-manager and CLI credential files, CI files, test output and HTTP client
traces with headers, application logs, connection strings of the common engines and brokers, SDK set-up
code, notebooks, SQL dumps, Terraform state and plans and Ansible inventories. The negatives are the
look-alikes of the same day: references, masked values, placeholders, public ids and publishable keys,
digests, integrity hashes, image digests, commit hashes, UUIDs, request ids, base64 of plain data,
encrypted values, key ids, names of secrets and documented example values.

Template syntax. A template is plain text with placeholders written ``«KIND:GEN@KEY|FILTER|…»``:

- ``KIND`` is ``s`` for a secret (planted: it must not survive redaction) or ``n`` for a value that is
  not one (public ids, hashes, masked values, encrypted blobs …);
- ``GEN`` names a value generator in ``GENERATORS`` (each draws a fresh value from random parts);
- ``@KEY`` (optional) reuses one drawn value wherever the same ``GEN@KEY`` appears in the template;
- ``FILTER`` (optional, chained) rewrites the value as the text holds it: ``b64`` (standard base64),
  ``url`` (percent-encoded), ``json`` (JSON-escaped, without the quotes), ``indentN`` (every line after
  the first indented by N spaces, for YAML block scalars and the like).

A template with at least one ``s`` placeholder is a positive, one without any is a negative. Provider
prefixes and PEM armour are joined at run time, so no secret-shaped literal sits in this file.

Each template is instantiated ``copies`` times in its own context and ``copies`` more times
JSON-escaped inside an agent-log line (context ``json``): a Claude Code stream-json ``tool_result``, a
Claude Code transcript line, a Codex rollout ``function_call_output`` (doubly escaped), a ``codex exec
--json`` ``item.completed`` command and an MCP ``tools/call`` result, in rotation.
"""

# ruff: noqa: E501, W291 - templates are the real text, long lines and `cat -n` blank lines included
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

LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
ALNUM = string.ascii_letters + string.digits
LOWNUM = LOWER + DIGITS
UPNUM = UPPER + DIGITS
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64U = ALNUM + "-_"

WORDS = (
    "river",
    "maple",
    "orange",
    "tiger",
    "castle",
    "winter",
    "summer",
    "falcon",
    "pepper",
    "rocket",
    "garden",
    "silver",
    "banana",
    "dragon",
    "coffee",
    "sunset",
    "purple",
    "monkey",
    "hunter",
    "shadow",
    "blue",
    "green",
    "horse",
    "battery",
    "staple",
    "cactus",
    "lemon",
    "ocean",
    "planet",
    "pickle",
    "marble",
    "cobalt",
    "violet",
    "willow",
    "thunder",
    "copper",
    "velvet",
    "nimbus",
    "otter",
    "puffin",
)
NAMES = (
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
)
SYMBOLS = "!@#$%&*?-_.+"


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


# --- value generators --------------------------------------------------------------------------


def _r(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b64(rng: random.Random, nbytes: int) -> str:
    return base64.b64encode(rng.randbytes(nbytes)).decode()


def _b64u(rng: random.Random, nbytes: int) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(nbytes)).decode().rstrip("=")


def _b64u_json(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def _human_password(rng: random.Random) -> str:
    while len(password := _human_password_once(rng)) < 10:
        pass
    return password


def _human_password_once(rng: random.Random) -> str:
    word = rng.choice(WORDS)
    style = rng.randrange(6)
    if style == 0:
        return word.capitalize() + str(rng.randrange(100, 9999)) + rng.choice("!@#$?*")
    if style == 1:
        return "-".join(rng.sample(WORDS, 3)) + str(rng.randrange(10, 99))
    if style == 2:
        leet = word.replace("o", "0").replace("e", "3").replace("a", "@").replace("i", "1")
        return leet.capitalize() + rng.choice(SYMBOLS) + str(rng.randrange(10, 999)) + rng.choice(WORDS)[:3]
    if style == 3:
        return rng.choice(NAMES).capitalize() + rng.choice(WORDS) + str(rng.randrange(1000, 99999))
    if style == 4:
        return word + rng.choice(WORDS).capitalize() + rng.choice("!#$%&*") + str(rng.randrange(10, 99))
    return rng.choice(WORDS).upper()[:4] + rng.choice(WORDS) + "_" + str(rng.randrange(100, 999)) + "!"


def _random_password(rng: random.Random) -> str:
    n = rng.randrange(16, 29)
    chars = [rng.choice(ALNUM + "!#%&*-_+=.?~^") for _ in range(n)]
    chars[rng.randrange(n)] = rng.choice(DIGITS)
    chars[rng.randrange(n)] = rng.choice("!#%&*?")
    return "".join(chars)


def _pem(rng: random.Random, label: str, nbytes: int, lead: bytes = b"") -> str:
    body = base64.b64encode(lead + rng.randbytes(nbytes - len(lead))).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    dashes = "-" * 5
    return "\n".join([f"{dashes}BEGIN {label}{dashes}", *lines, f"{dashes}END {label}{dashes}"])


def _openssh_key(rng: random.Random) -> str:
    magic = b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none"
    body = base64.b64encode(magic + rng.randbytes(rng.choice((360, 380)))).decode()
    lines = [body[i : i + 70] for i in range(0, len(body), 70)]
    dashes = "-" * 5
    label = "OPEN" + "SSH PRIVATE KEY"
    return "\n".join([f"{dashes}BEGIN {label}{dashes}", *lines, f"{dashes}END {label}{dashes}"])


def _jwt(rng: random.Random, claims: dict | None = None, alg: str = "HS256") -> str:
    now = 1_780_000_000 + rng.randrange(0, 9_000_000)
    payload = claims or {
        "sub": str(rng.randrange(10_000, 9_999_999)),
        "email": f"{rng.choice(NAMES)}@{rng.choice(('acme.io', 'example.org', 'shopfront.dev'))}",
        "role": rng.choice(("user", "admin", "editor")),
        "iat": now,
        "exp": now + rng.choice((900, 3600, 86400)),
    }
    header = {"alg": alg, "typ": "JWT"}
    sig = _b64u(rng, 256 if alg.startswith("RS") else 32)
    return f"{_b64u_json(header)}.{_b64u_json(payload)}.{sig}"


def _supabase_jwt(rng: random.Random, role: str) -> str:
    now = 1_700_000_000 + rng.randrange(0, 60_000_000)
    ref = _r(rng, LOWER, 20)
    return _jwt(rng, {"iss": "supabase", "ref": ref, "role": role, "iat": now, "exp": now + 315_360_000})


def _uuid(rng: random.Random) -> str:
    h = _r(rng, HEX, 32)
    h = h[:12] + "4" + h[13:16] + rng.choice("89ab") + h[17:]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _laravel_cookie(rng: random.Random) -> str:
    obj = {"iv": _b64(rng, 16), "value": _b64(rng, 48), "mac": _r(rng, HEX, 64), "tag": ""}
    return base64.b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode()


def _ansible_vault(rng: random.Random) -> str:
    blob = _r(rng, HEX, 80 * rng.randrange(4, 8))
    return "$ANSIBLE_VAULT;1.1;AES256\n" + "\n".join(blob[i : i + 80] for i in range(0, len(blob), 80))


def _sops(rng: random.Random) -> str:
    return f"ENC[AES256_GCM,data:{_b64(rng, rng.randrange(12, 40))},iv:{_b64(rng, 32)},tag:{_b64(rng, 16)},type:str]"


def _cert(rng: random.Random) -> str:
    return _pem(rng, "CERTIFICATE", rng.choice((780, 900, 1000)), lead=b"\x30\x82\x03")


def _npm_integrity(rng: random.Random) -> str:
    return "sha512-" + _b64(rng, 64)


def _basic(rng: random.Random) -> str:
    user = rng.choice((*NAMES, "admin", "deploy", "ci", "api"))
    pw = rng.choice((_human_password, _random_password))(rng)
    return base64.b64encode(f"{user}:{pw}".encode()).decode()


def _dockercfg_b64(rng: random.Random) -> str:
    user, pw = rng.choice(NAMES), _random_password(rng)
    auth = base64.b64encode(f"{user}:{pw}".encode()).decode()
    cfg = {
        "auths": {
            rng.choice(("ghcr.io", "https://index.docker.io/v1/", "registry.gitlab.com")): {
                "username": user,
                "password": pw,
                "auth": auth,
            }
        }
    }
    return base64.b64encode(json.dumps(cfg, separators=(",", ":")).encode()).decode()


def _ssh_pub(rng: random.Random) -> str:
    blob = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + rng.randbytes(32)).decode()
    return f"ssh-ed25519 {blob} {rng.choice(NAMES)}@{rng.choice(('laptop', 'build-01', 'mbp'))}"


def _django_key(rng: random.Random) -> str:
    return _r(rng, LOWNUM + "!@#%^&*(-_=+)", 50)


GENERATORS = {
    # secrets (and a few values that are only secret where the template says so)
    "pwh": _human_password,
    "pwr": _random_password,
    "pwa": lambda r: _r(r, ALNUM, r.randrange(18, 33)),
    "pwp": lambda r: "-".join(r.sample(WORDS, 4)),
    "hex32": lambda r: _r(r, HEX, 32),
    "hex40": lambda r: _r(r, HEX, 40),
    "hex64": lambda r: _r(r, HEX, 64),
    "hex128": lambda r: _r(r, HEX, 128),
    "b64k": lambda r: _b64(r, 32),
    "b64u": lambda r: _b64u(r, 32),
    "tok40": lambda r: _r(r, ALNUM, 40),
    "aws_sk": lambda r: _r(r, B64, 40),
    "aws_st": lambda r: "IQoJb3JpZ2luX2Vj" + _r(r, B64, 340) + "==",
    "ghp": lambda r: "gh" + "p_" + _r(r, ALNUM, 36),
    "gho": lambda r: "gh" + "o_" + _r(r, ALNUM, 36),
    "ghs": lambda r: "gh" + "s_" + _r(r, ALNUM, 36),
    "ghpat": lambda r: "github" + "_pat_" + _r(r, UPNUM, 22) + "_" + _r(r, ALNUM, 59),
    "glpat": lambda r: "gl" + "pat-" + _r(r, ALNUM + "-_", 20),
    "glrt": lambda r: "gl" + "rt-" + _r(r, ALNUM + "-_", 20),
    "xoxb": lambda r: "xo" + "xb-" + _r(r, DIGITS, 13) + "-" + _r(r, DIGITS, 13) + "-" + _r(r, ALNUM, 24),
    "xoxp": lambda r: (
        "xo"
        + "xp-"
        + _r(r, DIGITS, 12)
        + "-"
        + _r(r, DIGITS, 13)
        + "-"
        + _r(r, DIGITS, 13)
        + "-"
        + _r(r, HEX, 32)
    ),
    "slack_hook": lambda r: (
        "https://hooks.slack.com/services/T"
        + _r(r, UPNUM, 10)
        + "/B"
        + _r(r, UPNUM, 10)
        + "/"
        + _r(r, ALNUM, 24)
    ),
    "discord_hook": lambda r: "https://discord.com/api/webhooks/" + _r(r, DIGITS, 19) + "/" + _r(r, B64U, 68),
    "teams_hook": lambda r: (
        f"https://{_r(r, LOWER, 8)}.webhook.office.com/webhookb2/{_uuid(r)}@{_uuid(r)}/IncomingWebhook/{_r(r, HEX, 32)}/{_uuid(r)}"
    ),
    "sk_live": lambda r: "sk" + "_live_" + _r(r, ALNUM, r.choice((24, 99))),
    "sk_test": lambda r: "sk" + "_test_" + _r(r, ALNUM, r.choice((24, 99))),
    "rk_live": lambda r: "rk" + "_live_" + _r(r, ALNUM, 99),
    "whsec": lambda r: "wh" + "sec_" + _r(r, ALNUM, 32),
    "openai": lambda r: (
        "sk" + "-proj-" + _r(r, B64U, 156) if r.random() < 0.7 else "sk" + "-" + _r(r, ALNUM, 48)
    ),
    "anthropic": lambda r: "sk" + "-ant-api03-" + _r(r, B64U, 93) + "AA",
    "aiza": lambda r: "AI" + "za" + _r(r, B64U, 35),
    "sendgrid": lambda r: "S" + "G." + _r(r, B64U, 22) + "." + _r(r, B64U, 43),
    "mailgun": lambda r: "key" + "-" + _r(r, HEX, 32),
    "npm_tok": lambda r: "np" + "m_" + _r(r, ALNUM, 36),
    "pypi_tok": lambda r: "py" + "pi-AgEIcHlwaS5vcmcCJ" + _r(r, B64U, 150),
    "dckr_pat": lambda r: "dck" + "r_pat_" + _r(r, B64U, 27),
    "jwt": _jwt,
    "jwt_rs": lambda r: _jwt(r, alg="RS256"),
    "sb_service": lambda r: _supabase_jwt(r, "service_role"),
    "pem_rsa": lambda r: _pem(
        r, "RSA " + "PRIVATE KEY", 1190, lead=b"\x30\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00"
    ),
    "pem_pkcs8": lambda r: _pem(
        r, "PRIVATE" + " KEY", 1218, lead=b"\x30\x82\x04\xbe\x02\x01\x00\x30\x0d\x06\x09"
    ),
    "pem_ec": lambda r: _pem(r, "EC " + "PRIVATE KEY", 121, lead=b"\x30\x77\x02\x01\x01\x04\x20"),
    "pem_ssh": _openssh_key,
    "django_key": _django_key,
    "laravel_key": lambda r: "base64:" + _b64(r, 32),
    "azure_key": lambda r: _b64(r, 64),
    "sas_sig": lambda r: urllib.parse.quote(_b64(r, 32), safe=""),
    "gocspx": lambda r: "GOC" + "SPX-" + _r(r, B64U, 28),
    "g_refresh": lambda r: "1//0" + _r(r, ALNUM, 1) + _r(r, B64U, 98),
    "ya29": lambda r: "ya" + "29." + _r(r, B64U, 170),
    "azure_cs": lambda r: _r(r, ALNUM, 3) + "8Q~" + _r(r, ALNUM + "~._-", 34),
    "auth0_cs": lambda r: _r(r, B64U, 64),
    "cf_tok": lambda r: _r(r, B64U, 40),
    "hvs": lambda r: "hv" + "s." + _r(r, B64U, 24) + ("" if r.random() < 0.5 else _r(r, B64U, 66)),
    "tfc": lambda r: _r(r, ALNUM, 14) + ".atlas" + "v1." + _r(r, B64U, 67),
    "hf": lambda r: "h" + "f_" + _r(r, ALNUM, 34),
    "shpat": lambda r: "shp" + "at_" + _r(r, HEX, 32),
    "tg_bot": lambda r: _r(r, DIGITS, 10) + ":AA" + _r(r, B64U, 33),
    "cargo_tok": lambda r: "ci" + "o" + _r(r, ALNUM, 32),
    "gem_key": lambda r: "ruby" + "gems_" + _r(r, HEX, 48),
    "nuget_key": lambda r: "oy" + "2" + _r(r, LOWNUM, 43),
    "nrak": lambda r: "NR" + "AK-" + _r(r, UPNUM, 27),
    "mapbox_sk": lambda r: "s" + "k.eyJ1Ijoi" + _r(r, B64U, 60) + "." + _r(r, B64U, 22),
    "vercel": lambda r: _r(r, ALNUM, 24),
    "netlify": lambda r: "nf" + "p_" + _r(r, ALNUM, 36),
    "linear": lambda r: "lin" + "_api_" + _r(r, ALNUM, 40),
    "notion": lambda r: "nt" + "n_" + _r(r, DIGITS, 11) + _r(r, ALNUM, 35),
    "pulumi": lambda r: "pu" + "l-" + _r(r, HEX, 40),
    "doppler": lambda r: "dp" + ".st." + _r(r, LOWER, 3) + "." + _r(r, ALNUM, 40),
    "age_key": lambda r: "AGE-" + "SECRET-KEY-1" + _r(r, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58),
    "basic": _basic,
    "make_hook": lambda r: _r(r, LOWNUM, 32),
    "goog_sig": lambda r: _r(r, HEX, 512),
    "dockercfg_b64": _dockercfg_b64,
    "gmail_app": lambda r: _r(r, LOWER, 16),
    "express_sid": lambda r: (
        "s%3A" + _r(r, B64U, 32) + "." + urllib.parse.quote(_b64(r, 32).rstrip("="), safe="")
    ),
    "django_sid": lambda r: _r(r, LOWNUM, 32),
    "rails_cookie": lambda r: (
        _b64(r, r.randrange(120, 240)).rstrip("=") + "--" + _b64(r, 12).rstrip("=") + "--" + _b64(r, 16)
    ),
    "laravel_cookie": _laravel_cookie,
    "php_sid": lambda r: _r(r, LOWNUM, 26),
    "uuid_secret": _uuid,
    "bearer": lambda r: _r(r, ALNUM, r.randrange(32, 57)),
    "algolia_admin": lambda r: _r(r, HEX, 32),
    "dd_api": lambda r: _r(r, HEX, 32),
    "dd_app": lambda r: _r(r, HEX, 40),
    "twilio_tok": lambda r: _r(r, HEX, 32),
    "sentry_tok": lambda r: (
        "sntr"
        + "ys_"
        + _b64u_json(
            {
                "iat": r.randrange(1_700_000_000, 1_790_000_000),
                "url": "https://sentry.io",
                "region_url": "https://us.sentry.io",
                "org": r.choice(WORDS),
            }
        )
        + "_"
        + _r(r, B64U, 43)
    ),
    "okta": lambda r: "00" + _r(r, B64U, 40),
    "rabbit_cookie": lambda r: _r(r, UPPER, 20),
    "k8s_tok": lambda r: _jwt(
        r,
        {
            "iss": "kubernetes/serviceaccount",
            "kubernetes.io/serviceaccount/namespace": r.choice(("default", "ci", "prod")),
            "kubernetes.io/serviceaccount/secret.name": "deployer-token-" + _r(r, LOWNUM, 5),
            "sub": "system:serviceaccount:ci:deployer",
        },
        alg="RS256",
    ),
    # not secrets
    "uuid": _uuid,
    "sha1": lambda r: _r(r, HEX, 40),
    "sha7": lambda r: _r(r, HEX, 7),
    "sha256": lambda r: _r(r, HEX, 64),
    "sha512_hex": lambda r: _r(r, HEX, 128),
    "md5": lambda r: _r(r, HEX, 32),
    "img_digest": lambda r: "sha256:" + _r(r, HEX, 64),
    "integrity": _npm_integrity,
    "sri": lambda r: "sha384-" + _b64(r, 48),
    "akid": lambda r: "AK" + "IA" + _r(r, UPPER + "234567", 16),
    "asia": lambda r: "AS" + "IA" + _r(r, UPPER + "234567", 16),
    "twilio_sid": lambda r: "A" + "C" + _r(r, HEX, 32),
    "pk_live": lambda r: "pk" + "_live_" + _r(r, ALNUM, 99),
    "pk_test": lambda r: "pk" + "_test_" + _r(r, ALNUM, 99),
    "g_client_id": lambda r: _r(r, DIGITS, 12) + "-" + _r(r, LOWNUM, 32) + ".apps.googleusercontent.com",
    "gh_client_id": lambda r: "Ov23li" + _r(r, ALNUM, 14),
    "sb_anon": lambda r: _supabase_jwt(r, "anon"),
    "mapbox_pk": lambda r: "p" + "k.eyJ1Ijoi" + _r(r, B64U, 60) + "." + _r(r, B64U, 22),
    "algolia_app": lambda r: _r(r, UPNUM, 10),
    "algolia_search": lambda r: _r(r, HEX, 32),
    "ga_id": lambda r: "G-" + _r(r, UPNUM, 10),
    "recaptcha_site": lambda r: "6L" + _r(r, B64U, 38),
    "firebase_web_key": lambda r: "AI" + "za" + _r(r, B64U, 35),
    "ts": lambda r: (
        f"2026-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}T{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}.{r.randrange(1000):03d}Z"
    ),
    "epoch": lambda r: str(r.randrange(1_780_000_000, 1_790_000_000)),
    "user": lambda r: r.choice(NAMES),
    "reqid": lambda r: "req_" + _r(r, ALNUM, 24),
    "traceid": lambda r: _r(r, HEX, 32),
    "spanid": lambda r: _r(r, HEX, 16),
    "num": lambda r: str(r.randrange(100, 99999)),
    "acct": lambda r: _r(r, DIGITS, 12),
    "vault": _ansible_vault,
    "sops": _sops,
    "sealed": lambda r: "AgB" + _r(r, B64, 600) + "==",
    "kms": lambda r: "AQICAH" + _r(r, B64, 250) + "=",
    "sshpub": _ssh_pub,
    "fp": lambda r: "SHA256:" + _b64(r, 32).rstrip("="),
    "cert": _cert,
    "cert_b64": lambda r: base64.b64encode(_cert(r).encode()).decode(),
    "pubkey": lambda r: _pem(
        r, "PUBLIC KEY", 294, lead=b"\x30\x82\x01\x22\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01"
    ),
    "b64data": lambda r: base64.b64encode(
        json.dumps(
            {
                "theme": r.choice(("dark", "light")),
                "lang": r.choice(("en", "de", "fr")),
                "sidebar": r.random() < 0.5,
                "v": r.randrange(1, 9),
            }
        ).encode()
    ).decode(),
    "b64text": lambda r: base64.b64encode(
        f"{r.choice(WORDS)} {r.choice(WORDS)} report {r.randrange(1, 999)}\n".encode()
    ).decode(),
    "kid": lambda r: _r(r, B64U, 43),
    "word": lambda r: r.choice(WORDS),
    "mask": lambda r: r.choice(("********", "****", "•••••••••", "[REDACTED]", "<hidden>", "xxxxxxxx")),
    "build": lambda r: str(r.randrange(1000, 99999)),
    "ver": lambda r: f"{r.randrange(0, 9)}.{r.randrange(0, 30)}.{r.randrange(0, 20)}",
    "etag": lambda r: 'W/"' + _r(r, HEX, 8) + "-" + _b64(r, 20).rstrip("=") + '"',
    "nonce": lambda r: _b64(r, 16),
    "csp_nonce": lambda r: _b64(r, 16),
    "pid": lambda r: str(r.randrange(1000, 65000)),
}

_PLACEHOLDER = re.compile(r"«([sn]):([a-z0-9_]+)(?:@(\w+))?((?:\|[a-z0-9]+)*)»")


def _filter(value: str, name: str) -> str:
    if name == "b64":
        return base64.b64encode(value.encode()).decode()
    if name == "url":
        return urllib.parse.quote(value, safe="")
    if name == "json":
        return json.dumps(value)[1:-1]
    if name.startswith("indent"):
        return value.replace("\n", "\n" + " " * int(name[6:]))
    raise ValueError(f"unknown filter {name}")


def render(template: str, rng: random.Random) -> tuple[str, list[str]]:
    """The template's text with fresh values, and the secrets as they appear in it."""
    drawn: dict[tuple[str, str], str] = {}
    secrets: list[str] = []

    def one(match: re.Match[str]) -> str:
        kind, gen, key, filters = match.groups()
        value = GENERATORS[gen](rng) if key is None else drawn.setdefault((gen, key), GENERATORS[gen](rng))
        for name in filter(None, filters.split("|")):
            value = _filter(value, name)
        if kind == "s" and value not in secrets:
            secrets.append(value)
        return value

    return _PLACEHOLDER.sub(one, template), secrets


# --- agent-log envelopes -----------------------------------------------------------------------


def _claude_stream(text: str, rng: random.Random) -> str:
    line = {
        "type": "user",
        "message": {
            "role": "user",
            "content": [
                {"tool_use_id": "toolu_01" + _r(rng, ALNUM, 22), "type": "tool_result", "content": text}
            ],
        },
        "parent_tool_use_id": None,
        "session_id": _uuid(rng),
    }
    return json.dumps(line, ensure_ascii=False)


def _claude_transcript(text: str, rng: random.Random) -> str:
    line = {
        "parentUuid": _uuid(rng),
        "isSidechain": False,
        "userType": "external",
        "cwd": rng.choice(("/home/dev/src/shopfront", "/Users/sam/code/api", "/workspace/app")),
        "sessionId": _uuid(rng),
        "version": rng.choice(("2.0.28", "2.1.38", "2.1.7")),
        "gitBranch": rng.choice(("main", "feat/payments", "fix/login-redirect")),
        "type": "user",
        "message": {
            "role": "user",
            "content": [
                {
                    "tool_use_id": "toolu_01" + _r(rng, ALNUM, 22),
                    "type": "tool_result",
                    "content": text,
                    "is_error": False,
                }
            ],
        },
        "uuid": _uuid(rng),
        "timestamp": GENERATORS["ts"](rng),
        "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
    }
    return json.dumps(line, ensure_ascii=False)


def _codex_rollout(text: str, rng: random.Random) -> str:
    output = json.dumps(
        {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(rng.random(), 1)}},
        ensure_ascii=False,
    )
    line = {
        "timestamp": GENERATORS["ts"](rng),
        "type": "response_item",
        "payload": {
            "type": "function_call_output",
            "call_id": "call_" + _r(rng, ALNUM, 24),
            "output": output,
        },
    }
    return json.dumps(line, ensure_ascii=False)


def _codex_exec(text: str, rng: random.Random) -> str:
    command = rng.choice(
        (
            "bash -lc 'cat .env'",
            "bash -lc 'git diff HEAD~1'",
            "bash -lc 'grep -rn token config/'",
            "bash -lc 'docker compose config'",
            "bash -lc 'env | sort'",
        )
    )
    line = {
        "type": "item.completed",
        "item": {
            "id": f"item_{rng.randrange(1, 60)}",
            "type": "command_execution",
            "command": command,
            "aggregated_output": text,
            "exit_code": 0,
            "status": "completed",
        },
    }
    return json.dumps(line, ensure_ascii=False)


def _mcp_result(text: str, rng: random.Random) -> str:
    line = {
        "jsonrpc": "2.0",
        "id": rng.randrange(1, 400),
        "result": {"content": [{"type": "text", "text": text}], "isError": False},
    }
    return json.dumps(line, ensure_ascii=False)


ENVELOPES = (_claude_stream, _claude_transcript, _codex_rollout, _codex_exec, _mcp_result)

# --- templates ---------------------------------------------------------------------------------

_TEMPLATES: list[tuple[str, str, str]] = []


def t(context: str, kind: str, text: str) -> None:
    _TEMPLATES.append((context, kind, text.strip("\n")))


# --- plain: files and terminal output, positives ------------------------------------------------

t(
    "plain",
    "dotenv app",
    r"""
# .env
NODE_ENV=development
PORT=3000
DATABASE_URL=postgresql://app:«s:pwa»@localhost:5432/shopfront_dev
REDIS_URL=redis://localhost:6379/0
STRIPE_SECRET_KEY=«s:sk_live»
STRIPE_PUBLISHABLE_KEY=«n:pk_live»
SESSION_SECRET=«s:hex64»
LOG_LEVEL=debug
""",
)
t(
    "plain",
    "dotenv laravel",
    r"""
APP_NAME=Laravel
APP_ENV=local
APP_KEY=«s:laravel_key»
APP_DEBUG=true
APP_URL=http://localhost

LOG_CHANNEL=stack
DB_CONNECTION=mysql
DB_HOST=127.0.0.1
DB_PORT=3306
DB_DATABASE=laravel
DB_USERNAME=sail
DB_PASSWORD=«s:pwh»

MAIL_MAILER=smtp
MAIL_HOST=smtp.mailgun.org
MAIL_USERNAME=postmaster@mg.example.com
MAIL_PASSWORD=«s:hex32»-«n:sha7»-«n:sha7»
""",
)
t(
    "plain",
    "dotenv nextjs local",
    r"""
# .env.local — do not commit
NEXT_PUBLIC_SUPABASE_URL=https://«n:algolia_app».supabase.co
NEXT_PUBLIC_SUPABASE_ANON_KEY=«n:sb_anon»
SUPABASE_SERVICE_ROLE_KEY=«s:sb_service»
NEXTAUTH_URL=http://localhost:3000
NEXTAUTH_SECRET=«s:b64k»
GITHUB_ID=«n:gh_client_id»
GITHUB_SECRET=«s:hex40»
""",
)
t(
    "plain",
    "dotenv vite",
    r"""
VITE_API_BASE=https://api.staging.shopfront.dev
VITE_SENTRY_ENV=staging
VITE_GA_ID=«n:ga_id»
# server-only, read by the vite proxy
OPENAI_API_KEY=«s:openai»
""",
)
t(
    "plain",
    "dotenv quoted human password",
    r"""
POSTGRES_USER=postgres
POSTGRES_PASSWORD="«s:pwh»"
POSTGRES_DB=inventory
PGDATA=/var/lib/postgresql/data/pgdata
""",
)
t(
    "plain",
    "dotenv production aws",
    r"""
# .env.production
AWS_REGION=eu-west-1
AWS_ACCESS_KEY_ID=«n:akid»
AWS_SECRET_ACCESS_KEY=«s:aws_sk»
S3_BUCKET=shopfront-prod-uploads
CLOUDFRONT_DISTRIBUTION_ID=E2«n:algolia_app»
""",
)
t(
    "plain",
    "dotenv anthropic and openai",
    r"""
ANTHROPIC_API_KEY=«s:anthropic»
OPENAI_API_KEY=«s:openai»
MODEL=claude-sonnet-4-5
MAX_TOKENS=4096
""",
)
t(
    "plain",
    "dotenv export style",
    r"""
export GITHUB_TOKEN=«s:ghp»
export GH_HOST=github.com
export NPM_TOKEN=«s:npm_tok»
export CI=false
""",
)
t(
    "plain",
    "dotenv sendgrid twilio",
    r"""
SENDGRID_API_KEY=«s:sendgrid»
SENDGRID_FROM=no-reply@shopfront.dev
TWILIO_ACCOUNT_SID=«n:twilio_sid»
TWILIO_AUTH_TOKEN=«s:twilio_tok»
TWILIO_FROM_NUMBER=+15005550006
""",
)
t(
    "plain",
    "dotenv slack bot",
    r"""
SLACK_BOT_TOKEN=«s:xoxb»
SLACK_SIGNING_SECRET=«s:hex32»
SLACK_APP_ID=A0«n:algolia_app»
SLACK_CHANNEL=#deploys
""",
)
t(
    "plain",
    "dotenv django",
    r"""
DJANGO_SETTINGS_MODULE=config.settings.local
DJANGO_SECRET_KEY='«s:django_key»'
DJANGO_DEBUG=True
DATABASE_URL=postgres://django:«s:pwr»@db:5432/django
CELERY_BROKER_URL=redis://redis:6379/1
""",
)
t(
    "plain",
    "dotenv rails",
    r"""
RAILS_ENV=development
RAILS_MASTER_KEY=«s:hex32»
SECRET_KEY_BASE=«s:hex128»
DATABASE_URL=postgres://rails:rails@localhost/app_development
""",
)
t(
    "plain",
    "dotenv mongo atlas",
    r"""
MONGODB_URI=mongodb+srv://appUser:«s:pwa»@cluster0.«n:word»42.mongodb.net/prod?retryWrites=true&w=majority
MONGODB_DB=prod
""",
)
t(
    "plain",
    "dotenv google oauth",
    r"""
GOOGLE_CLIENT_ID=«n:g_client_id»
GOOGLE_CLIENT_SECRET=«s:gocspx»
GOOGLE_REDIRECT_URI=http://localhost:8000/auth/google/callback
""",
)
t(
    "plain",
    "dotenv hf wandb",
    r"""
HF_TOKEN=«s:hf»
WANDB_API_KEY=«s:hex40»
WANDB_PROJECT=finetune-llama
TRANSFORMERS_CACHE=/data/hf-cache
""",
)
t(
    "plain",
    "cat -n dotenv",
    r"""
     1	# local overrides
     2	APP_PORT=8080
     3	JWT_SECRET=«s:pwr»
     4	JWT_EXPIRES_IN=7d
     5	ADMIN_EMAIL=admin@example.com
     6	ADMIN_PASSWORD=«s:pwh»
""",
)
t(
    "plain",
    "read tool numbered env",
    r"""
     1→# Copy to .env and fill in
     2→DATABASE_HOST=db.internal
     3→DATABASE_USER=orders
     4→DATABASE_PASSWORD=«s:pwh»
     5→CLOUDINARY_URL=cloudinary://«n:num»«n:num»:«s:tok40»@shopfront
     6→
""",
)
t(
    "plain",
    "grep -rn hits",
    r"""
$ grep -rn "API_KEY" --include=*.env* .
./.env:7:MAILGUN_API_KEY=«s:mailgun»
./.env.example:7:MAILGUN_API_KEY=
./services/notify/.env:3:SENDGRID_API_KEY=«s:sendgrid»
./README.md:41:Set `SENDGRID_API_KEY` in your `.env`.
""",
)
t(
    "plain",
    "grep hits in config",
    r"""
config/initializers/stripe.rb:3:Stripe.api_key = "«s:sk_live»"
config/initializers/stripe.rb:4:Stripe.api_version = "2024-06-20"
spec/support/stripe.rb:12:  allow(Stripe).to receive(:api_key).and_return("sk_test_fake")
""",
)
t(
    "plain",
    "git diff adding env",
    r"""
diff --git a/.env b/.env
index «n:sha7»..«n:sha7» 100644
--- a/.env
+++ b/.env
@@ -3,6 +3,8 @@ APP_ENV=local
 DB_HOST=127.0.0.1
 DB_PORT=5432
 DB_USERNAME=forge
-DB_PASSWORD=
+DB_PASSWORD=«s:pwh»
+PUSHER_APP_ID=«n:num»
+PUSHER_APP_SECRET=«s:hex32»
 BROADCAST_DRIVER=log
""",
)
t(
    "plain",
    "git show removing key",
    r"""
commit «n:sha1»
Author: «n:user» <«n:user»@shopfront.dev>
Date:   Tue Mar 3 14:22:05 2026 +0100

    Remove hardcoded token, read from env

diff --git a/scripts/deploy.sh b/scripts/deploy.sh
index «n:sha7»..«n:sha7» 100755
--- a/scripts/deploy.sh
+++ b/scripts/deploy.sh
@@ -1,7 +1,7 @@
 #!/usr/bin/env bash
 set -euo pipefail
-export CLOUDFLARE_API_TOKEN="«s:cf_tok»"
+: "${CLOUDFLARE_API_TOKEN:?set CLOUDFLARE_API_TOKEN}"
 npx wrangler deploy --env production
""",
)
t(
    "plain",
    "git log -p settings",
    r"""
commit «n:sha1»
Author: «n:user» <dev@shopfront.dev>
Date:   Mon Feb 9 09:10:44 2026 +0000

    wip: local db

diff --git a/config/settings/local.py b/config/settings/local.py
@@ -12,7 +12,7 @@ DATABASES = {
         "NAME": "shop",
         "USER": "shop",
-        "PASSWORD": "",
+        "PASSWORD": "«s:pwh»",
         "HOST": "localhost",
""",
)
t(
    "plain",
    "aws credentials file",
    r"""
[default]
aws_access_key_id = «n:akid»
aws_secret_access_key = «s:aws_sk»
region = us-east-1

[staging]
aws_access_key_id = «n:akid»
aws_secret_access_key = «s:aws_sk»
""",
)
t(
    "plain",
    "aws credentials sso session",
    r"""
[dev-admin]
aws_access_key_id = «n:asia»
aws_secret_access_key = «s:aws_sk»
aws_session_token = «s:aws_st»
# expires 2026-04-01T12:00:00Z
""",
)
t(
    "plain",
    "netrc",
    r"""
machine api.heroku.com
  login «n:user»@shopfront.dev
  password «s:uuid_secret»
machine git.heroku.com
  login «n:user»@shopfront.dev
  password «s:uuid_secret»
""",
)
t(
    "plain",
    "netrc github",
    r"""
machine github.com login «n:user» password «s:ghp»
machine uploads.github.com login «n:user» password «s:ghp»
""",
)
t(
    "plain",
    "pgpass",
    r"""
# hostname:port:database:username:password
localhost:5432:*:postgres:«s:pwh»
db.prod.internal:5432:orders:orders_rw:«s:pwa»
""",
)
t(
    "plain",
    "my.cnf",
    r"""
[client]
user=root
password="«s:pwr»"
host=127.0.0.1

[mysqldump]
user=backup
password=«s:pwh»
""",
)
t(
    "plain",
    "git-credentials",
    r"""
https://«n:user»:«s:ghp»@github.com
https://oauth2:«s:glpat»@gitlab.com
""",
)
t(
    "plain",
    "npmrc",
    r"""
registry=https://registry.npmjs.org/
@shopfront:registry=https://npm.pkg.github.com/
//npm.pkg.github.com/:_authToken=«s:ghp»
//registry.npmjs.org/:_authToken=«s:npm_tok»
always-auth=true
""",
)
t(
    "plain",
    "npmrc legacy auth",
    r"""
registry=https://nexus.corp.example.com/repository/npm-group/
_auth=«s:basic»
email=«n:user»@corp.example.com
always-auth=true
strict-ssl=false
""",
)
t(
    "plain",
    "pypirc",
    r"""
[distutils]
index-servers =
    pypi
    testpypi

[pypi]
username = __token__
password = «s:pypi_tok»

[testpypi]
repository = https://test.pypi.org/legacy/
username = __token__
password = «s:pypi_tok»
""",
)
t(
    "plain",
    "pip.conf",
    r"""
[global]
index-url = https://«n:user»:«s:pwa»@pypi.corp.example.com/simple/
trusted-host = pypi.corp.example.com
timeout = 60
""",
)
t(
    "plain",
    "gradle.properties",
    r"""
org.gradle.jvmargs=-Xmx4g -Dfile.encoding=UTF-8
org.gradle.parallel=true
mavenCentralUsername=«n:user»
mavenCentralPassword=«s:pwr»
signing.keyId=«n:sha7»A
signing.password=«s:pwh»
signing.secretKeyRingFile=/home/«n:user»/.gnupg/secring.gpg
""",
)
t(
    "plain",
    "cargo credentials",
    r"""
[registry]
token = "«s:cargo_tok»"
""",
)
t(
    "plain",
    "gem credentials",
    r"""
---
:rubygems_api_key: «s:gem_key»
""",
)
t(
    "plain",
    "spring application.properties",
    r"""
server.port=8080
spring.datasource.url=jdbc:postgresql://db:5432/orders
spring.datasource.username=orders
spring.datasource.password=«s:pwh»
spring.jpa.hibernate.ddl-auto=validate
spring.mail.host=smtp.sendgrid.net
spring.mail.username=apikey
spring.mail.password=«s:sendgrid»
management.endpoints.web.exposure.include=health,info
""",
)
t(
    "plain",
    "config.toml app",
    r"""
[server]
host = "0.0.0.0"
port = 8080

[database]
url = "postgres://svc:«s:pwa»@pg.internal:5432/svc"
max_connections = 20

[github]
app_id = «n:num»
webhook_secret = "«s:hex40»"
""",
)
t(
    "plain",
    "wrangler.toml vars",
    r"""
name = "edge-api"
main = "src/index.ts"
compatibility_date = "2025-11-01"
account_id = "«n:md5»"

[vars]
ENVIRONMENT = "production"
UPSTASH_REDIS_REST_URL = "https://eu1-«n:word»-«n:num».upstash.io"
UPSTASH_REDIS_REST_TOKEN = "«s:b64u»"
""",
)
t(
    "plain",
    "netlify.toml env",
    r"""
[build]
  command = "npm run build"
  publish = "dist"

[build.environment]
  NODE_VERSION = "20"
  CONTENTFUL_SPACE_ID = "«n:algolia_app»"
  CONTENTFUL_ACCESS_TOKEN = "«s:b64u»"
""",
)
t(
    "plain",
    "curl -v request",
    r"""
*   Trying 104.18.6.192:443...
* Connected to api.openai.com (104.18.6.192) port 443
* ALPN: server accepted h2
> POST /v1/chat/completions HTTP/2
> Host: api.openai.com
> User-Agent: curl/8.5.0
> Accept: */*
> Content-Type: application/json
> Authorization: Bearer «s:openai»
> Content-Length: 112
>
< HTTP/2 200
< x-request-id: «n:reqid»
< openai-processing-ms: 812
""",
)
t(
    "plain",
    "curl -v basic auth",
    r"""
* Server auth using Basic with user 'deploy'
> GET /api/v1/repositories HTTP/1.1
> Host: nexus.corp.example.com
> Authorization: Basic «s:basic»
> User-Agent: curl/7.88.1
>
< HTTP/1.1 200 OK
< Content-Type: application/json
""",
)
t(
    "plain",
    "httpie verbose",
    r"""
GET /api/v2/orders?limit=20 HTTP/1.1
Accept: application/json, */*;q=0.5
Accept-Encoding: gzip, deflate
Authorization: Bearer «s:jwt»
Connection: keep-alive
Host: localhost:8000
User-Agent: HTTPie/3.2.2


HTTP/1.1 200 OK
Content-Length: 1832
Content-Type: application/json
X-Request-Id: «n:uuid»
""",
)
t(
    "plain",
    "requests urllib3 debug",
    r"""
DEBUG:urllib3.connectionpool:Starting new HTTPS connection (1): api.github.com:443
send: b'GET /repos/shopfront/web/actions/runs HTTP/1.1\r\nHost: api.github.com\r\nUser-Agent: python-requests/2.32.3\r\nAccept-Encoding: gzip, deflate\r\nAccept: application/vnd.github+json\r\nConnection: keep-alive\r\nAuthorization: token «s:ghp»\r\n\r\n'
reply: 'HTTP/1.1 200 OK\r\n'
DEBUG:urllib3.connectionpool:https://api.github.com:443 "GET /repos/shopfront/web/actions/runs HTTP/1.1" 200 None
""",
)
t(
    "plain",
    "httpx debug headers",
    r"""
DEBUG [httpx] HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
DEBUG [httpcore.http11] send_request_headers.started request=<Request [b'POST']>
DEBUG [anthropic._base_client] Request options: {'method': 'post', 'url': '/v1/messages', 'headers': {'X-Api-Key': '«s:anthropic»', 'anthropic-version': '2023-06-01'}, 'json_data': {'model': 'claude-sonnet-4-5', 'max_tokens': 1024}}
""",
)
t(
    "plain",
    "pytest failure with headers",
    r"""
_________________________ test_create_invoice _________________________

client = <starlette.testclient.TestClient object at 0x7f3c2a1b9d50>

    def test_create_invoice(client):
        resp = client.post("/invoices", json={"amount": 1200})
>       assert resp.status_code == 201
E       AssertionError: assert 401 == 201
E        +  where 401 = <Response [401]>.status_code

----------------------------- Captured log call -----------------------------
DEBUG    app.auth:auth.py:44 headers={'host': 'testserver', 'authorization': 'Bearer «s:jwt»', 'user-agent': 'testclient'}
WARNING  app.auth:auth.py:51 token rejected: signature has expired
""",
)
t(
    "plain",
    "java stack trace jdbc url",
    r"""
2026-03-04 10:12:33.120 ERROR 1 --- [           main] o.s.b.SpringApplication                  : Application run failed
org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'dataSource'
Caused by: org.postgresql.util.PSQLException: FATAL: password authentication failed for user "orders"
	at org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)
	... 45 common frames omitted
Hikari config: jdbcUrl=jdbc:postgresql://db:5432/orders?user=orders&password=«s:pwh» maximumPoolSize=10
""",
)
t(
    "plain",
    "python traceback with dsn",
    r"""
Traceback (most recent call last):
  File "/app/manage.py", line 22, in <module>
    main()
  File "/usr/local/lib/python3.12/site-packages/psycopg/connection.py", line 119, in connect
    raise last_ex.with_traceback(None)
psycopg.OperationalError: connection failed: connection to server at "10.0.3.7", port 5432 failed: FATAL:  no pg_hba.conf entry
conninfo: host=10.0.3.7 port=5432 dbname=analytics user=etl password=«s:pwa» sslmode=require
""",
)
t(
    "plain",
    "logfmt app log",
    r"""
time=«n:ts» level=info msg="starting worker" queue=emails concurrency=8
time=«n:ts» level=debug msg="smtp dial" host=smtp.postmarkapp.com port=587 user=«s:uuid_secret@p» password=«s:uuid_secret@p»
time=«n:ts» level=info msg="worker ready" pid=«n:pid»
""",
)
t(
    "plain",
    "rails log params",
    r"""
Started POST "/users/sign_in" for 127.0.0.1 at 2026-03-02 18:01:12 +0100
Processing by Users::SessionsController#create as HTML
  Parameters: {"authenticity_token"=>"[FILTERED]", "user"=>{"email"=>"«n:user»@example.com", "password"=>"«s:pwh»", "remember_me"=>"0"}, "commit"=>"Log in"}
Completed 302 Found in 214ms (ActiveRecord: 3.1ms | Allocations: 9120)
""",
)
t(
    "plain",
    "nginx access log with token query",
    r"""
10.0.1.14 - - [04/Mar/2026:09:12:01 +0000] "GET /api/export?format=csv&access_token=«s:bearer» HTTP/1.1" 200 48213 "-" "python-requests/2.31.0"
10.0.1.14 - - [04/Mar/2026:09:12:03 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29"
""",
)
t(
    "plain",
    "docker inspect env plain",
    r"""
$ docker inspect --format '{{range .Config.Env}}{{println .}}{{end}}' api-1
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
NODE_VERSION=20.11.1
YARN_VERSION=1.22.19
DATABASE_URL=postgres://api:«s:pwa»@db:5432/api
JWT_SECRET=«s:hex64»
""",
)
t(
    "plain",
    "kubectl describe secret no values but config",
    r"""
Name:         app-config
Namespace:    default
Labels:       app=web
Annotations:  <none>

Data
====
settings.ini:
----
[db]
host = postgres.default.svc
user = web
password = «s:pwh»

BinaryData
====

Events:  <none>
""",
)
t(
    "plain",
    "terraform plan sensitive leak",
    r"""
  # aws_db_instance.main will be created
  + resource "aws_db_instance" "main" {
      + allocated_storage     = 20
      + engine                = "postgres"
      + engine_version        = "16.3"
      + identifier            = "orders-prod"
      + instance_class        = "db.t4g.medium"
      + password              = "«s:pwr»"
      + username              = "orders_admin"
    }

Plan: 1 to add, 0 to change, 0 to destroy.
""",
)
t(
    "plain",
    "sql dump users",
    r"""
--
-- Data for Name: service_accounts; Type: TABLE DATA; Schema: public; Owner: app
--

COPY public.service_accounts (id, name, api_key, created_at) FROM stdin;
1	billing-sync	«s:tok40»	2026-01-10 09:00:00+00
2	crm-export	«s:tok40»	2026-01-12 11:30:00+00
\.
""",
)
t(
    "plain",
    "mysql dump insert smtp",
    r"""
LOCK TABLES `settings` WRITE;
/*!40000 ALTER TABLE `settings` DISABLE KEYS */;
INSERT INTO `settings` VALUES (1,'site_name','Shopfront'),(2,'smtp_user','apikey'),(3,'smtp_password','«s:sendgrid»'),(4,'currency','EUR');
/*!40000 ALTER TABLE `settings` ENABLE KEYS */;
UNLOCK TABLES;
""",
)
t(
    "plain",
    "ssh private key file",
    r"""
$ cat ~/.ssh/id_ed25519
«s:pem_ssh»
""",
)
t(
    "plain",
    "openssl genrsa output",
    r"""
$ openssl genrsa -traditional 2048 2>/dev/null | tee deploy/jwt-signing.pem
«s:pem_rsa»
""",
)
t(
    "plain",
    "ini config old app",
    r"""
[app]
debug = false
secret_key = «s:django_key»

[mail]
server = smtp.gmail.com
port = 587
username = «n:user».notifications@gmail.com
password = «s:pwh»
""",
)
t(
    "plain",
    "rabbitmq cookie file",
    r"""
$ sudo cat /var/lib/rabbitmq/.erlang.cookie
«s:rabbit_cookie»
""",
)
t(
    "plain",
    "redis.conf requirepass",
    r"""
bind 0.0.0.0
protected-mode yes
port 6379
requirepass «s:pwr»
maxmemory 512mb
maxmemory-policy allkeys-lru
""",
)
t(
    "plain",
    "ansible ini inventory",
    r"""
[web]
web1.shopfront.dev ansible_host=10.0.1.11
web2.shopfront.dev ansible_host=10.0.1.12

[db]
db1.shopfront.dev ansible_host=10.0.2.5 ansible_user=admin ansible_password=«s:pwh»

[all:vars]
ansible_become_pass=«s:pwr»
""",
)
t(
    "plain",
    "heroku config output",
    r"""
=== shopfront-api Config Vars
DATABASE_URL:         postgres://«n:user»x:«s:hex64»@ec2-3-91-12-4.compute-1.amazonaws.com:5432/d«n:sha7»
PAPERTRAIL_API_TOKEN: «s:vercel»
REDIS_URL:            rediss://:p«s:hex64»@ec2-52-1-1-1.compute-1.amazonaws.com:12345
""",
)
t(
    "plain",
    "gh auth status token shown",
    r"""
github.com
  ✓ Logged in to github.com account «n:user» (keyring)
  - Active account: true
  - Git operations protocol: https
  - Token: «s:gho»
  - Token scopes: 'gist', 'read:org', 'repo', 'workflow'
""",
)
t(
    "plain",
    "psql connection banner",
    r"""
$ PGPASSWORD='«s:pwh»' psql -h localhost -U postgres -d inventory
psql (16.2)
Type "help" for help.

inventory=#
""",
)
t(
    "plain",
    "django test settings print",
    r"""
>>> from django.conf import settings
>>> settings.SECRET_KEY
'«s:django_key»'
>>> settings.EMAIL_HOST_PASSWORD
'«s:pwh»'
""",
)
t(
    "plain",
    "terraform output",
    r"""
$ terraform output
db_endpoint = "orders-prod.c9xk2.eu-west-1.rds.amazonaws.com:5432"
db_password = "«s:pwr»"
redis_auth_token = "«s:pwa»"
vpc_id = "vpc-0«n:sha7»c1b2a"
""",
)
t(
    "plain",
    "mongo shell connection",
    r"""
$ mongosh "mongodb://admin:«s:pwh»@localhost:27017/?authSource=admin"
Current Mongosh Log ID:	«n:sha1»
Connecting to:		mongodb://<credentials>@localhost:27017/?authSource=admin&appName=mongosh+2.2.5
Using MongoDB:		7.0.8
""",
)
t(
    "plain",
    "nuget config",
    r"""
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
    <add key="github" value="https://nuget.pkg.github.com/shopfront/index.json" />
  </packageSources>
  <packageSourceCredentials>
    <github>
      <add key="Username" value="«n:user»" />
      <add key="ClearTextPassword" value="«s:ghp»" />
    </github>
  </packageSourceCredentials>
</configuration>
""",
)
t(
    "plain",
    "maven settings.xml",
    r"""
<settings>
  <servers>
    <server>
      <id>ossrh</id>
      <username>«n:user»</username>
      <password>«s:pwr»</password>
    </server>
    <server>
      <id>github</id>
      <username>«n:user»</username>
      <password>«s:ghp»</password>
    </server>
  </servers>
</settings>
""",
)
t(
    "plain",
    "rails credentials decrypted",
    r"""
$ bin/rails credentials:show
secret_key_base: «s:hex128»
aws:
  access_key_id: «n:akid»
  secret_access_key: «s:aws_sk»
stripe:
  secret_key: «s:sk_live»
""",
)
t(
    "plain",
    "set dump windows",
    r"""
C:\Users\dev> set
ALLUSERSPROFILE=C:\ProgramData
APPDATA=C:\Users\dev\AppData\Roaming
AZURE_CLIENT_ID=«n:uuid»
AZURE_CLIENT_SECRET=«s:azure_cs»
AZURE_TENANT_ID=«n:uuid»
COMPUTERNAME=DEV-LAPTOP-07
""",
)
t(
    "plain",
    "dotenv telegram bot",
    r"""
BOT_TOKEN=«s:tg_bot»
ADMIN_CHAT_ID=«n:num»«n:num»
WEBHOOK_URL=https://bot.example.com/tg
""",
)
t(
    "plain",
    "dotenv vault token",
    r"""
VAULT_ADDR=https://vault.corp.example.com:8200
VAULT_TOKEN=«s:hvs»
VAULT_NAMESPACE=admin/platform
""",
)
t(
    "plain",
    "dotenv datadog",
    r"""
DD_API_KEY=«s:dd_api»
DD_APP_KEY=«s:dd_app»
DD_SITE=datadoghq.eu
DD_SERVICE=checkout
DD_ENV=prod
""",
)
t(
    "plain",
    "dotenv shopify app",
    r"""
SHOPIFY_API_KEY=«n:md5»
SHOPIFY_API_SECRET=«s:hex32»
SHOPIFY_ADMIN_ACCESS_TOKEN=«s:shpat»
SHOP=shopfront-dev.myshopify.com
SCOPES=read_products,write_orders
""",
)
t(
    "plain",
    "docker logs redis url",
    r"""
worker-1  | [«n:ts»] INFO  celery.worker: Connected to redis://:«s:pwa»@redis:6379/0
worker-1  | [«n:ts»] INFO  celery.worker: mingle: searching for neighbors
worker-1  | [«n:ts»] INFO  celery.worker: celery@«n:sha7» ready.
""",
)
t(
    "plain",
    "compose config output plain env",
    r"""
$ docker compose config | grep -A4 environment
    environment:
      MINIO_ROOT_USER: minioadmin
      MINIO_ROOT_PASSWORD: «s:pwr»
      MINIO_BROWSER_REDIRECT_URL: http://localhost:9001
""",
)
t(
    "plain",
    "age key file",
    r"""
# created: 2026-01-14T10:22:31+01:00
# public key: age1«n:sha7»q3xk9d0w5m8y2ut6ncv4rh7z0lf3sj9p2aeg5kq8d6yc
«s:age_key»
""",
)
t(
    "plain",
    "pulumi config show secrets",
    r"""
$ pulumi config --show-secrets
KEY                      VALUE
aws:region               eu-central-1
shop:dbPassword          «s:pwh»
shop:stripeKey           «s:sk_live»
""",
)
# --- plain: negatives ---------------------------------------------------------------------------

t(
    "plain",
    "dotenv example placeholders",
    r"""
# .env.example — copy to .env
DATABASE_URL=postgresql://USER:PASSWORD@localhost:5432/DBNAME
STRIPE_SECRET_KEY=sk_live_...
STRIPE_PUBLISHABLE_KEY=pk_live_...
SESSION_SECRET=changeme
OPENAI_API_KEY=<your-openai-key>
""",
)
t(
    "plain",
    "dotenv references",
    r"""
DATABASE_URL=${DATABASE_URL}
REDIS_URL=${REDIS_URL:-redis://localhost:6379}
JWT_SECRET=${JWT_SECRET:?missing}
API_KEY=$(cat /run/secrets/api_key)
""",
)
t(
    "plain",
    "dotenv public only",
    r"""
NEXT_PUBLIC_STRIPE_KEY=«n:pk_live»
NEXT_PUBLIC_GA_ID=«n:ga_id»
NEXT_PUBLIC_RECAPTCHA_SITE_KEY=«n:recaptcha_site»
NEXT_PUBLIC_ALGOLIA_APP_ID=«n:algolia_app»
NEXT_PUBLIC_ALGOLIA_SEARCH_KEY=«n:algolia_search»
""",
)
t(
    "plain",
    "dotenv supabase anon only",
    r"""
VITE_SUPABASE_URL=https://«n:word»«n:num».supabase.co
VITE_SUPABASE_ANON_KEY=«n:sb_anon»
VITE_MAPBOX_TOKEN=«n:mapbox_pk»
""",
)
t(
    "plain",
    "dotenv masked values",
    r"""
$ dotenv-vault status
DATABASE_URL=postgres://app:«n:mask»@db:5432/app
STRIPE_SECRET_KEY=sk_live_«n:mask»
SENDGRID_API_KEY=«n:mask»
""",
)
t(
    "plain",
    "env vault encrypted",
    r"""
#/-------------------.env.vault---------------------/
#/         cloud-agnostic vaulting standard         /
#/   [how it works](https://dotenv.org/env-vault)   /
#/--------------------------------------------------/

# development
DOTENV_VAULT_DEVELOPMENT="«n:b64text»«n:nonce»«n:kms»"
""",
)
t(
    "plain",
    "aws config file no secrets",
    r"""
[default]
region = eu-west-1
output = json

[profile prod]
sso_start_url = https://shopfront.awsapps.com/start
sso_region = eu-west-1
sso_account_id = «n:acct»
sso_role_name = AdministratorAccess
""",
)
t(
    "plain",
    "aws credentials key id only",
    r"""
$ aws configure list
      Name                    Value             Type    Location
      ----                    -----             ----    --------
   profile                <not set>             None    None
access_key     ****************«n:algolia_app» shared-credentials-file
secret_key     ****************{n}    shared-credentials-file
    region                eu-west-1      config-file    ~/.aws/config
""".replace("{n}", "wXyZ"),
)
t(
    "plain",
    "aws sts caller identity",
    r"""
$ aws sts get-caller-identity
{
    "UserId": "«n:asia»:botocore-session-«n:epoch»",
    "Account": "«n:acct»",
    "Arn": "arn:aws:sts::«n:acct»:assumed-role/Developer/«n:user»"
}
""",
)
t(
    "plain",
    "git log oneline",
    r"""
«n:sha7» (HEAD -> main, origin/main) Rotate Stripe webhook secret (key id ends in «n:algolia_app»)
«n:sha7» chore(deps): bump axios from 1.6.7 to 1.7.4
«n:sha7» fix: read DATABASE_PASSWORD from env instead of settings
«n:sha7» Merge pull request #412 from shopfront/feat/sso
«n:sha7» ci: cache pnpm store keyed on lockfile hash «n:sha256»
""",
)
t(
    "plain",
    "git diff switching to env lookup",
    r"""
diff --git a/app/config.py b/app/config.py
index «n:sha7»..«n:sha7» 100644
--- a/app/config.py
+++ b/app/config.py
@@ -8,7 +8,7 @@ class Settings(BaseSettings):
     database_url: str = "postgresql://localhost/app"
-    api_key: str = ""
+    api_key: SecretStr = Field(alias="API_KEY")
     debug: bool = False
""",
)
t(
    "plain",
    "git diff lockfile",
    r"""
diff --git a/package-lock.json b/package-lock.json
@@ -1042,9 +1042,9 @@
     "node_modules/jsonwebtoken": {
-      "version": "9.0.1",
-      "resolved": "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.1.tgz",
-      "integrity": "«n:integrity»",
+      "version": "9.0.2",
+      "resolved": "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz",
+      "integrity": "«n:integrity»",
       "dependencies": {
""",
)
t(
    "plain",
    "yarn.lock entries",
    r"""
"@aws-sdk/credential-provider-env@3.577.0":
  version "3.577.0"
  resolved "https://registry.yarnpkg.com/@aws-sdk/credential-provider-env/-/credential-provider-env-3.577.0.tgz#«n:sha1»"
  integrity «n:integrity»

"@auth/core@0.34.1":
  version "0.34.1"
  resolved "https://registry.yarnpkg.com/@auth/core/-/core-0.34.1.tgz#«n:sha1»"
  integrity «n:integrity»
""",
)
t(
    "plain",
    "poetry lock hashes",
    r"""
[[package]]
name = "python-dotenv"
version = "1.0.1"
description = "Read key-value pairs from a .env file and set them as environment variables"
optional = false
python-versions = ">=3.8"
files = [
    {file = "python_dotenv-1.0.1-py3-none-any.whl", hash = "sha256:«n:sha256»"},
    {file = "python_dotenv-1.0.1.tar.gz", hash = "sha256:«n:sha256»"},
]
""",
)
t(
    "plain",
    "grep for secret names",
    r"""
$ grep -rn "SECRET" src/
src/config.ts:4:  jwtSecret: process.env.JWT_SECRET!,
src/config.ts:5:  stripeSecret: process.env.STRIPE_SECRET_KEY ?? "",
src/auth/session.ts:18:  const secret = config.jwtSecret;
src/webhooks/stripe.ts:9:  const sig = req.headers["stripe-signature"];
""",
)
t(
    "plain",
    "cat -n config reading env",
    r"""
     1	import os
     2	
     3	DB_PASSWORD = os.environ["DB_PASSWORD"]
     4	API_TOKEN = os.getenv("API_TOKEN", "")
     5	SENTRY_DSN = os.environ.get("SENTRY_DSN")
     6	SECRET_KEY = os.environ.setdefault("SECRET_KEY", "dev-only-not-secret")
""",
)
t(
    "plain",
    "docker images digests",
    r"""
$ docker images --digests
REPOSITORY          TAG       DIGEST                                                                    IMAGE ID       CREATED        SIZE
postgres            16        «n:img_digest»   «n:sha7»«n:sha7»   2 weeks ago    432MB
redis               7-alpine  «n:img_digest»   «n:sha7»«n:sha7»   3 weeks ago    41MB
ghcr.io/shopfront/api  latest  «n:img_digest»   «n:sha7»«n:sha7»   5 minutes ago  214MB
""",
)
t(
    "plain",
    "docker pull output",
    r"""
latest: Pulling from shopfront/api
«n:sha7»«n:sha7»: Already exists
«n:sha7»«n:sha7»: Pull complete
Digest: «n:img_digest»
Status: Downloaded newer image for ghcr.io/shopfront/api:latest
""",
)
t(
    "plain",
    "kubectl describe secret sizes",
    r"""
Name:         db-credentials
Namespace:    prod
Labels:       app.kubernetes.io/managed-by=Helm
Annotations:  meta.helm.sh/release-name: orders

Type:  Opaque

Data
====
password:  24 bytes
username:  6 bytes
url:       71 bytes
""",
)
t(
    "plain",
    "kubectl get secrets list",
    r"""
NAME                          TYPE                                  DATA   AGE
db-credentials                Opaque                                3      41d
default-token-«n:php_sid»     kubernetes.io/service-account-token   3      212d
registry-pull                 kubernetes.io/dockerconfigjson        1      90d
tls-shopfront                 kubernetes.io/tls                     2      12d
""",
)
t(
    "plain",
    "curl -v redacted auth",
    r"""
> GET /v1/customers HTTP/2
> Host: api.stripe.com
> authorization: Bearer sk_live_****************
> user-agent: curl/8.5.0
>
< HTTP/2 200
< request-id: «n:reqid»
< stripe-version: 2024-06-20
< idempotency-key: «n:uuid»
""",
)
t(
    "plain",
    "curl -v response headers ids",
    r"""
< HTTP/2 200
< content-type: application/json
< x-amzn-requestid: «n:uuid»
< x-amz-apigw-id: «n:nonce»
< x-amzn-trace-id: Root=1-«n:sha7»a1b-«n:traceid»;Sampled=0
< etag: «n:etag»
< cache-control: private, max-age=0
""",
)
t(
    "plain",
    "pytest output ok",
    r"""
============================= test session starts ==============================
platform linux -- Python 3.12.3, pytest-8.2.0, pluggy-1.5.0
rootdir: /app
plugins: anyio-4.3.0, django-4.8.0
collected 128 items

tests/test_auth.py::test_login_rejects_bad_password PASSED               [  1%]
tests/test_auth.py::test_token_refresh_rotates_token PASSED              [  2%]
tests/test_webhooks.py::test_signature_mismatch_returns_400 PASSED       [  3%]
======================== 128 passed in 14.22s =========================
""",
)
t(
    "plain",
    "logfmt request ids",
    r"""
time=«n:ts» level=info method=POST path=/api/login status=200 duration_ms=41 request_id=«n:uuid» trace_id=«n:traceid» span_id=«n:spanid» user_id=«n:num»
time=«n:ts» level=warn method=POST path=/api/login status=401 duration_ms=12 request_id=«n:uuid» reason="invalid password"
""",
)
t(
    "plain",
    "rails log filtered",
    r"""
Started POST "/users/sign_in" for 10.0.0.4 at 2026-03-02 18:01:12 +0100
Processing by Users::SessionsController#create as HTML
  Parameters: {"authenticity_token"=>"[FILTERED]", "user"=>{"email"=>"«n:user»@example.com", "password"=>"[FILTERED]", "remember_me"=>"1"}, "commit"=>"Log in"}
Redirected to http://localhost:3000/dashboard
Completed 302 Found in 188ms (ActiveRecord: 2.7ms | Allocations: 8711)
""",
)
t(
    "plain",
    "terraform plan sensitive",
    r"""
  # aws_db_instance.main will be updated in-place
  ~ resource "aws_db_instance" "main" {
        id                    = "orders-prod"
      ~ password              = (sensitive value)
        tags                  = {
            "team" = "checkout"
        }
    }

Plan: 0 to add, 1 to change, 0 to destroy.
""",
)
t(
    "plain",
    "ssh public key and fingerprint",
    r"""
$ cat ~/.ssh/id_ed25519.pub
«n:sshpub»
$ ssh-keygen -lf ~/.ssh/id_ed25519.pub
256 «n:fp» «n:user»@laptop (ED25519)
""",
)
t(
    "plain",
    "known_hosts",
    r"""
github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl
|1|«n:nonce»|«n:b64k» ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBB«n:kid»«n:kid»
""",
)
t(
    "plain",
    "tls certificate file",
    r"""
$ cat certs/ca.crt
«n:cert»
""",
)
t(
    "plain",
    "openssl x509 text",
    r"""
Certificate:
    Data:
        Version: 3 (0x2)
        Serial Number:
            «n:spanid»«n:spanid»
        Signature Algorithm: sha256WithRSAEncryption
        Issuer: C = US, O = Let's Encrypt, CN = R11
        Validity
            Not Before: Feb  1 00:00:00 2026 GMT
            Not After : May  2 00:00:00 2026 GMT
        Subject: CN = api.shopfront.dev
        X509v3 Subject Key Identifier:
            «n:sha1»
""",
)
t(
    "plain",
    "ansible vault encrypted file",
    r"""
$ cat group_vars/prod/vault.yml
«n:vault»
""",
)
t(
    "plain",
    "sql dump hashed passwords",
    r"""
COPY public.auth_user (id, password, last_login, is_superuser, username, email) FROM stdin;
1	pbkdf2_sha256$720000$«n:kid»$«n:b64k»	2026-02-27 10:11:02+00	t	admin	admin@shopfront.dev
2	pbkdf2_sha256$720000$«n:kid»$«n:b64k»	\N	f	«n:user»	«n:user»@shopfront.dev
\.
""",
)
t(
    "plain",
    "sql dump bcrypt users",
    r"""
INSERT INTO `users` (`id`, `name`, `email`, `password`, `remember_token`, `created_at`) VALUES
(1, 'Admin', 'admin@example.com', '$2y$12$«n:kid»«n:sha7»a', NULL, '2026-01-03 10:00:00'),
(2, '«n:user»', '«n:user»@example.com', '$2y$12$«n:kid»«n:sha7»b', NULL, '2026-01-05 12:30:00');
""",
)
t(
    "plain",
    "heroku config masked",
    r"""
=== shopfront-api Config Vars
DATABASE_URL:  postgres://«n:mask»@ec2-3-91-12-4.compute-1.amazonaws.com:5432/d«n:sha7»
NODE_ENV:      production
WEB_CONCURRENCY: 2
""",
)
t(
    "plain",
    "gh auth status masked",
    r"""
github.com
  ✓ Logged in to github.com account «n:user» (keyring)
  - Active account: true
  - Git operations protocol: ssh
  - Token: gho_************************************
  - Token scopes: 'admin:public_key', 'gist', 'read:org', 'repo'
""",
)
t(
    "plain",
    "gradle properties references",
    r"""
org.gradle.jvmargs=-Xmx2g
org.gradle.caching=true
mavenCentralUsername=${System.getenv("OSSRH_USERNAME")}
signing.keyId=«n:sha7»B
signing.secretKeyRingFile=/home/ci/.gnupg/secring.gpg
""",
)
t(
    "plain",
    "npmrc env reference",
    r"""
registry=https://registry.npmjs.org/
//registry.npmjs.org/:_authToken=${NPM_TOKEN}
@shopfront:registry=https://npm.pkg.github.com/
//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}
""",
)
t(
    "plain",
    "spring properties placeholders",
    r"""
spring.datasource.url=jdbc:postgresql://${DB_HOST:localhost}:5432/orders
spring.datasource.username=${DB_USER}
spring.datasource.password=${DB_PASSWORD}
spring.security.oauth2.client.registration.github.client-id=«n:gh_client_id»
spring.security.oauth2.client.registration.github.client-secret=${GITHUB_CLIENT_SECRET}
""",
)
t(
    "plain",
    "npm audit output",
    r"""
# npm audit report

jsonwebtoken  <=8.5.1
Severity: high
jsonwebtoken unrestricted key type could lead to legacy keys usage - https://github.com/advisories/GHSA-8cf7-32gw-wr33
fix available via `npm audit fix --force`
node_modules/jsonwebtoken

1 high severity vulnerability
""",
)
t(
    "plain",
    "pip install with hashes",
    r"""
Collecting cryptography==42.0.5 (from -r requirements.txt (line 8))
  Downloading cryptography-42.0.5-cp39-abi3-manylinux_2_28_x86_64.whl.metadata (5.3 kB)
Collecting PyJWT==2.8.0 (from -r requirements.txt (line 14))
  Using cached PyJWT-2.8.0-py3-none-any.whl (22 kB)
Requirement hash: sha256:«n:sha256»
Successfully installed PyJWT-2.8.0 cryptography-42.0.5
""",
)
t(
    "plain",
    "cat -n settings secret references",
    r"""
    41→# Secrets come from AWS Secrets Manager at boot (see deploy/README.md)
    42→SECRET_KEY = get_secret("shopfront/prod/django-secret-key")
    43→EMAIL_HOST_PASSWORD = get_secret("shopfront/prod/smtp-password")
    44→STRIPE_API_KEY = get_secret("shopfront/prod/stripe")["secret_key"]
""",
)
t(
    "plain",
    "sops encrypted env",
    r"""
DATABASE_PASSWORD=«n:sops»
STRIPE_SECRET_KEY=«n:sops»
sops_kms__list_0__map_arn=arn:aws:kms:eu-west-1:«n:acct»:key/«n:uuid»
sops_lastmodified=«n:ts»
sops_mac=«n:sops»
sops_version=3.8.1
""",
)
t(
    "plain",
    "docker ps output",
    r"""
CONTAINER ID   IMAGE                 COMMAND                  CREATED        STATUS                  PORTS                    NAMES
«n:sha7»«n:sha7»a   postgres:16           "docker-entrypoint.s…"   2 hours ago    Up 2 hours (healthy)    0.0.0.0:5432->5432/tcp   shop-db-1
«n:sha7»«n:sha7»b   redis:7-alpine        "docker-entrypoint.s…"   2 hours ago    Up 2 hours              6379/tcp                 shop-redis-1
""",
)
t(
    "plain",
    "jwt explained header only",
    r"""
Decoded header:
{
  "alg": "RS256",
  "kid": "«n:kid»",
  "typ": "JWT"
}
Signature: verified with JWKS key «n:kid» from https://auth.shopfront.dev/.well-known/jwks.json
""",
)
t(
    "plain",
    "pgpass reference doc",
    r"""
# ~/.pgpass is read by libpq; one line per server:
#   hostname:port:database:username:password
# Permissions must be 0600 or libpq ignores the file.
*:*:*:replicator:*
""",
)
t(
    "plain",
    "base64 of config in output",
    r"""
$ echo "«n:b64data»" | base64 -d
""",
)
t(
    "plain",
    "git show stat",
    r"""
commit «n:sha1»
Merge: «n:sha7» «n:sha7»
Author: «n:user» <«n:user»@shopfront.dev>
Date:   Thu Mar 5 11:48:09 2026 +0000

    Merge branch 'chore/rotate-credentials'

 .env.example                 |  4 ++--
 config/secrets.example.yml   |  6 +++---
 docs/rotating-keys.md        | 31 +++++++++++++++++++++++++++++++
 3 files changed, 36 insertions(+), 5 deletions(-)
""",
)
t(
    "plain",
    "mysql client output uuids",
    r"""
mysql> SELECT id, api_key_id, label, last_used_at FROM api_keys LIMIT 3;
+----+--------------------------------------+-----------+---------------------+
| id | api_key_id                           | label     | last_used_at        |
+----+--------------------------------------+-----------+---------------------+
|  1 | «n:uuid» | zapier    | 2026-02-28 09:12:44 |
|  2 | «n:uuid» | reporting | NULL                |
+----+--------------------------------------+-----------+---------------------+
""",
)
# --- shell: commands, scripts and environment dumps, positives ----------------------------------

t(
    "shell",
    "docker run -e password",
    r"""
docker run -d --name pg -p 5432:5432 \
  -e POSTGRES_USER=postgres \
  -e POSTGRES_PASSWORD=«s:pwh» \
  -v pgdata:/var/lib/postgresql/data \
  postgres:16
""",
)
t(
    "shell",
    "docker run mysql root",
    r"""
$ docker run --rm -it -e MYSQL_ROOT_PASSWORD='«s:pwr»' -e MYSQL_DATABASE=wordpress -p 3306:3306 mysql:8.4
""",
)
t(
    "shell",
    "docker login password-stdin",
    r"""
$ echo "«s:ghp»" | docker login ghcr.io -u «n:user» --password-stdin
Login Succeeded
""",
)
t(
    "shell",
    "docker login -p",
    r"""
$ docker login -u shopfrontci -p «s:dckr_pat»
WARNING! Using --password via the CLI is insecure. Use --password-stdin.
Login Succeeded
""",
)
t(
    "shell",
    "printenv dump",
    r"""
$ printenv | sort
HOME=/home/node
HOSTNAME=«n:sha7»«n:sha7»
NODE_ENV=production
NPM_CONFIG_LOGLEVEL=warn
PATH=/usr/local/bin:/usr/bin:/bin
PGHOST=db
PGPASSWORD=«s:pwa»
PGUSER=app
SHLVL=1
STRIPE_WEBHOOK_SECRET=«s:whsec»
""",
)
t(
    "shell",
    "env dump ci runner",
    r"""
$ env
CI=true
CI_COMMIT_SHA=«n:sha1»
CI_JOB_ID=«n:build»
CI_JOB_TOKEN=«s:glpat»
CI_PIPELINE_ID=«n:build»
CI_PROJECT_PATH=shopfront/api
DEPLOY_SSH_PASSPHRASE=«s:pwp»
GITLAB_USER_LOGIN=«n:user»
""",
)
t(
    "shell",
    "env grep aws",
    r"""
$ env | grep -i aws
AWS_DEFAULT_REGION=us-east-2
AWS_ACCESS_KEY_ID=«n:asia»
AWS_SECRET_ACCESS_KEY=«s:aws_sk»
AWS_SESSION_TOKEN=«s:aws_st»
""",
)
t(
    "shell",
    "export in shell history",
    r"""
$ history | tail -n 6
  501  cd ~/src/api
  502  export OPENAI_API_KEY=«s:openai»
  503  python scripts/embed.py --limit 100
  504  export PINECONE_API_KEY=«s:uuid_secret»
  505  python scripts/upsert.py
  506  history | tail -n 6
""",
)
t(
    "shell",
    "curl bearer header",
    r"""
curl -sS https://api.github.com/repos/shopfront/web/pulls \
  -H "Accept: application/vnd.github+json" \
  -H "Authorization: Bearer «s:ghpat»" \
  -H "X-GitHub-Api-Version: 2022-11-28"
""",
)
t(
    "shell",
    "curl -u user:pass",
    r"""
$ curl -u admin:«s:pwh» -X PUT http://localhost:9200/_cluster/settings -H 'Content-Type: application/json' -d '{"persistent":{"action.destructive_requires_name":true}}'
{"acknowledged":true,"persistent":{"action":{"destructive_requires_name":"true"}},"transient":{}}
""",
)
t(
    "shell",
    "curl stripe -u key:",
    r"""
curl https://api.stripe.com/v1/charges \
  -u «s:sk_live»: \
  -d amount=2000 \
  -d currency=eur \
  -d source=tok_visa
""",
)
t(
    "shell",
    "curl slack webhook",
    r"""
curl -X POST -H 'Content-type: application/json' \
  --data '{"text":"Deploy of api «n:sha7» finished"}' \
  «s:slack_hook»
""",
)
t(
    "shell",
    "curl x-api-key",
    r"""
curl -s https://api.anthropic.com/v1/messages \
  -H "x-api-key: «s:anthropic»" \
  -H "anthropic-version: 2023-06-01" \
  -H "content-type: application/json" \
  -d '{"model":"claude-haiku-4-5","max_tokens":64,"messages":[{"role":"user","content":"ping"}]}'
""",
)
t(
    "shell",
    "curl sendgrid",
    r"""
curl --request POST \
  --url https://api.sendgrid.com/v3/mail/send \
  --header 'Authorization: Bearer «s:sendgrid»' \
  --header 'Content-Type: application/json' \
  --data @mail.json
""",
)
t(
    "shell",
    "psql connection string arg",
    r"""
$ psql "postgresql://postgres:«s:pwa»@db.«n:algolia_app».supabase.co:5432/postgres" -c '\dt'
""",
)
t(
    "shell",
    "PGPASSWORD pg_dump",
    r"""
PGPASSWORD="«s:pwh»" pg_dump -h prod-db.internal -U readonly -d orders --no-owner -Fc -f orders-$(date +%F).dump
""",
)
t(
    "shell",
    "mysql -p inline",
    r"""
mysql -h 127.0.0.1 -P 3306 -u root -p«s:pwr» -e "SHOW DATABASES;"
""",
)
t(
    "shell",
    "redis-cli -a",
    r"""
$ redis-cli -h cache.internal -p 6379 -a «s:pwa» --no-auth-warning INFO keyspace
# Keyspace
db0:keys=18233,expires=17001,avg_ttl=211038
""",
)
t(
    "shell",
    "kubectl create secret literal",
    r"""
kubectl create secret generic api-secrets \
  --namespace prod \
  --from-literal=DATABASE_PASSWORD='«s:pwr»' \
  --from-literal=STRIPE_SECRET_KEY=«s:sk_live» \
  --dry-run=client -o yaml | kubectl apply -f -
""",
)
t(
    "shell",
    "kubectl docker-registry secret",
    r"""
kubectl create secret docker-registry regcred \
  --docker-server=ghcr.io \
  --docker-username=«n:user» \
  --docker-password=«s:ghp» \
  --docker-email=«n:user»@shopfront.dev
""",
)
t(
    "shell",
    "kubectl get secret jsonpath decode",
    r"""
$ kubectl get secret db-credentials -n prod -o jsonpath='{.data.password}' | base64 -d
«s:pwh»
""",
)
t(
    "shell",
    "kubectl get secret jsonpath b64",
    r"""
$ kubectl -n argocd get secret argocd-initial-admin-secret -o jsonpath="{.data.password}"
«s:pwa@a|b64»
$ kubectl -n argocd get secret argocd-initial-admin-secret -o jsonpath="{.data.password}" | base64 -d; echo
«s:pwa@a»
""",
)
t(
    "shell",
    "gh secret set",
    r"""
$ gh secret set NPM_TOKEN --body "«s:npm_tok»" --repo shopfront/web
✓ Set Actions secret NPM_TOKEN for shopfront/web
""",
)
t(
    "shell",
    "heroku config:set",
    r"""
$ heroku config:set SENDGRID_API_KEY=«s:sendgrid» MAILER_FROM=hello@shopfront.dev -a shopfront-api
Setting SENDGRID_API_KEY, MAILER_FROM and restarting ⬢ shopfront-api... done, v142
""",
)
t(
    "shell",
    "vercel env add",
    r"""
$ echo -n "«s:sk_live»" | vercel env add STRIPE_SECRET_KEY production
Vercel CLI 37.4.0
✅  Added Environment Variable STRIPE_SECRET_KEY to Project shopfront [212ms]
""",
)
t(
    "shell",
    "wrangler secret put echo",
    r"""
$ echo "«s:openai»" | npx wrangler secret put OPENAI_API_KEY --env production
 ⛅️ wrangler 3.78.2
🌀 Creating the secret for the Worker "edge-api-production"
✨ Success! Uploaded secret OPENAI_API_KEY
""",
)
t(
    "shell",
    "aws configure set",
    r"""
aws configure set aws_access_key_id «n:akid» --profile ci
aws configure set aws_secret_access_key «s:aws_sk» --profile ci
aws configure set region eu-west-1 --profile ci
""",
)
t(
    "shell",
    "npm config set token",
    r"""
$ npm config set //registry.npmjs.org/:_authToken «s:npm_tok»
$ npm whoami
shopfront-bot
""",
)
t(
    "shell",
    "git clone with token",
    r"""
$ git clone https://x-access-token:«s:ghs»@github.com/shopfront/infra.git
Cloning into 'infra'...
remote: Enumerating objects: 1832, done.
""",
)
t(
    "shell",
    "git remote -v with token",
    r"""
$ git remote -v
origin	https://«n:user»:«s:glpat»@gitlab.com/shopfront/api.git (fetch)
origin	https://«n:user»:«s:glpat»@gitlab.com/shopfront/api.git (push)
""",
)
t(
    "shell",
    "bash deploy script",
    r"""
#!/usr/bin/env bash
set -euo pipefail

DEPLOY_HOST=web1.shopfront.dev
DB_PASS='«s:pwh»'
SLACK_WEBHOOK=«s:slack_hook»

ssh deploy@$DEPLOY_HOST "cd /srv/app && DB_PASS=$DB_PASS ./migrate.sh"
curl -s -X POST -d '{"text":"deployed"}' "$SLACK_WEBHOOK"
""",
)
t(
    "shell",
    "backup cron script",
    r"""
#!/bin/sh
# nightly backup, runs from root crontab
export AWS_ACCESS_KEY_ID=«n:akid»
export AWS_SECRET_ACCESS_KEY=«s:aws_sk»
export RESTIC_PASSWORD='«s:pwp»'
export RESTIC_REPOSITORY=s3:s3.amazonaws.com/shopfront-backups
restic backup /var/lib/postgresql --tag nightly
""",
)
t(
    "shell",
    "set -x trace with token",
    r"""
+ TOKEN=«s:glpat»
+ curl --fail --header 'PRIVATE-TOKEN: «s:glpat»' https://gitlab.com/api/v4/projects/«n:num»/pipelines
{"id":«n:num»,"status":"success"}
""",
)
t(
    "shell",
    "python one-liner with key",
    r"""
$ python -c "import openai; c=openai.OpenAI(api_key='«s:openai»'); print(c.models.list().data[0].id)"
gpt-4o-mini
""",
)
t(
    "shell",
    "httpie command token",
    r"""
$ http POST :8000/api/token/refresh/ refresh=«s:jwt»
HTTP/1.1 200 OK
Content-Type: application/json

{
    "access": "«s:jwt»"
}
""",
)
t(
    "shell",
    "htpasswd command",
    r"""
$ htpasswd -b -c /etc/nginx/.htpasswd admin «s:pwh»
Adding password for user admin
""",
)
t(
    "shell",
    "mongodump uri",
    r"""
mongodump --uri="mongodb://backup:«s:pwa»@mongo-0.mongo:27017,mongo-1.mongo:27017/?replicaSet=rs0&authSource=admin" --gzip --archive=/backups/mongo.gz
""",
)
t(
    "shell",
    "rabbitmqctl add_user",
    r"""
$ rabbitmqctl add_user orders «s:pwr»
Adding user "orders" ...
Done. Don't forget to grant the user permissions to some virtual hosts! See 'rabbitmqctl help set_permissions' to learn more.
""",
)
t(
    "shell",
    "createuser sql via psql",
    r"""
$ psql -U postgres -c "CREATE ROLE reporting LOGIN PASSWORD '«s:pwh»';"
CREATE ROLE
""",
)
t(
    "shell",
    "ssh-keygen passphrase",
    r"""
$ ssh-keygen -t ed25519 -C "deploy@shopfront" -N '«s:pwp»' -f ~/.ssh/deploy_ed25519
Generating public/private ed25519 key pair.
Your identification has been saved in /home/ci/.ssh/deploy_ed25519
Your public key has been saved in /home/ci/.ssh/deploy_ed25519.pub
The key fingerprint is:
«n:fp» deploy@shopfront
""",
)
t(
    "shell",
    "openssl enc pass",
    r"""
$ openssl enc -aes-256-cbc -pbkdf2 -salt -in db.sql -out db.sql.enc -pass pass:«s:pwr»
""",
)
t(
    "shell",
    "zip with password",
    r"""
$ zip -P «s:pwh» reports-march.zip reports/*.csv
  adding: reports/orders.csv (deflated 81%)
  adding: reports/refunds.csv (deflated 77%)
""",
)
t(
    "shell",
    "sshpass",
    r"""
sshpass -p '«s:pwh»' ssh -o StrictHostKeyChecking=no admin@192.168.1.20 'sudo systemctl restart app'
""",
)
t(
    "shell",
    "docker compose env inline",
    r"""
$ GRAFANA_ADMIN_PASSWORD=«s:pwh» docker compose up -d grafana
[+] Running 1/1
 ✔ Container monitoring-grafana-1  Started
""",
)
t(
    "shell",
    "terraform apply -var",
    r"""
terraform apply -auto-approve \
  -var="db_password=«s:pwr»" \
  -var="environment=staging" \
  -var-file=staging.tfvars
""",
)
t(
    "shell",
    "helm install --set",
    r"""
helm upgrade --install grafana grafana/grafana \
  --namespace monitoring \
  --set adminUser=admin \
  --set adminPassword='«s:pwh»' \
  --set persistence.enabled=true
""",
)
t(
    "shell",
    "docker build-arg token",
    r"""
$ docker build --build-arg NPM_TOKEN=«s:npm_tok» -t shopfront/web:«n:sha7» .
[+] Building 41.2s (14/14) FINISHED
""",
)
t(
    "shell",
    "az login service principal",
    r"""
az login --service-principal \
  --username «n:uuid» \
  --password «s:azure_cs» \
  --tenant «n:uuid»
""",
)
t(
    "shell",
    "gcloud auth print-access-token",
    r"""
$ gcloud auth print-access-token
«s:ya29»
""",
)
t(
    "shell",
    "heroku auth token",
    r"""
$ heroku auth:token
 ›   Warning: token will expire 03/01/2027
 ›   Use heroku authorizations:create to generate a long-term token
«s:uuid_secret»
""",
)
t(
    "shell",
    "twine upload with password",
    r"""
$ twine upload -u __token__ -p «s:pypi_tok» dist/*
Uploading distributions to https://upload.pypi.org/legacy/
Uploading shopfront_sdk-1.4.0-py3-none-any.whl
""",
)
t(
    "shell",
    "gem push api key env",
    r"""
$ GEM_HOST_API_KEY=«s:gem_key» gem push shopfront-1.4.0.gem
Pushing gem to https://rubygems.org...
Successfully registered gem: shopfront (1.4.0)
""",
)
t(
    "shell",
    "cargo login",
    r"""
$ cargo login «s:cargo_tok»
       Login token for `crates-io` saved
""",
)
t(
    "shell",
    "dotnet nuget push",
    r"""
dotnet nuget push bin/Release/Shopfront.Client.2.1.0.nupkg --api-key «s:nuget_key» --source https://api.nuget.org/v3/index.json
""",
)
t(
    "shell",
    "telegram curl",
    r"""
curl -s "https://api.telegram.org/bot«s:tg_bot»/sendMessage" -d chat_id=«n:num» -d text="backup ok"
""",
)
t(
    "shell",
    "vault login token",
    r"""
$ vault login «s:hvs»
Success! You are now authenticated. The token information displayed below
is already stored in the token helper.

Key                  Value
---                  -----
token                «s:hvs»
token_accessor       «n:kid»
token_duration       768h
""",
)
t(
    "shell",
    "vault kv get shown",
    r"""
$ vault kv get -mount=secret shopfront/prod/db
====== Data ======
Key         Value
---         -----
password    «s:pwr»
username    orders_rw
""",
)
t(
    "shell",
    "supabase cli env",
    r"""
$ supabase status
         API URL: http://127.0.0.1:54321
          DB URL: postgresql://postgres:postgres@127.0.0.1:54322/postgres
      JWT secret: «s:b64k»
        anon key: «n:sb_anon»
service_role key: «s:sb_service»
""",
)
t(
    "shell",
    "ngrok authtoken",
    r"""
$ ngrok config add-authtoken «s:tok40»_«n:sha7»
Authtoken saved to configuration file: /home/dev/.config/ngrok/ngrok.yml
""",
)
t(
    "shell",
    "fly secrets set",
    r"""
$ fly secrets set DATABASE_URL=postgres://api:«s:pwa»@api-db.flycast:5432/api RESEND_API_KEY=re_«s:tok40»
Release v37 created
""",
)
t(
    "shell",
    "dotenv echo in ci step",
    r"""
$ cat <<EOF > .env
DB_PASSWORD=«s:pwh»
MAPBOX_SECRET_TOKEN=«s:mapbox_sk»
MAPBOX_PUBLIC_TOKEN=«n:mapbox_pk»
EOF
""",
)
t(
    "shell",
    "docker exec env",
    r"""
$ docker exec -it shop-api-1 env | grep -E 'KEY|SECRET|TOKEN'
APP_KEY=«s:laravel_key»
MIX_PUSHER_APP_KEY=«n:md5»
PUSHER_APP_SECRET=«s:hex32»
""",
)
# --- shell: negatives ---------------------------------------------------------------------------

t(
    "shell",
    "docker run with env refs",
    r"""
docker run -d --name api \
  -e DATABASE_URL="$DATABASE_URL" \
  -e STRIPE_SECRET_KEY \
  --env-file .env.production \
  ghcr.io/shopfront/api@«n:img_digest»
""",
)
t(
    "shell",
    "docker login stdin from secret",
    r"""
echo "$GHCR_TOKEN" | docker login ghcr.io -u "$GITHUB_ACTOR" --password-stdin
docker push ghcr.io/shopfront/api:«n:sha7»
""",
)
t(
    "shell",
    "printenv safe",
    r"""
$ printenv | sort
HOME=/root
HOSTNAME=«n:sha7»«n:sha7»
LANG=C.UTF-8
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
PYTHON_SHA256=«n:sha256»
PYTHON_VERSION=3.12.3
GPG_KEY=«n:sha1»
""",
)
t(
    "shell",
    "env dump github actions vars",
    r"""
$ env | grep GITHUB_ | sort
GITHUB_ACTOR=«n:user»
GITHUB_REF=refs/heads/main
GITHUB_REPOSITORY=shopfront/web
GITHUB_RUN_ID=«n:build»«n:build»
GITHUB_SHA=«n:sha1»
GITHUB_WORKFLOW_SHA=«n:sha1»
GITHUB_TOKEN=***
""",
)
t(
    "shell",
    "env grep aws key id only",
    r"""
$ env | grep AWS
AWS_REGION=eu-west-1
AWS_PROFILE=prod-readonly
AWS_ACCESS_KEY_ID=«n:akid»
AWS_SDK_LOAD_CONFIG=1
""",
)
t(
    "shell",
    "curl with env vars",
    r"""
curl -sS https://api.github.com/user \
  -H "Authorization: Bearer $GITHUB_TOKEN" \
  -H "Accept: application/vnd.github+json" | jq .login
""",
)
t(
    "shell",
    "curl docs placeholders",
    r"""
# Example from the API docs:
curl https://api.stripe.com/v1/customers \
  -u sk_test_YOUR_KEY_HERE: \
  -d email="jenny.rosen@example.com"
""",
)
t(
    "shell",
    "kubectl secret from env",
    r"""
kubectl create secret generic api-secrets \
  --from-literal=DATABASE_PASSWORD="${DB_PASSWORD}" \
  --from-file=ssh-privatekey=./id_ed25519 \
  --dry-run=client -o yaml > secret.yaml
""",
)
t(
    "shell",
    "gh secret list",
    r"""
$ gh secret list --repo shopfront/web
NAME                  UPDATED
AWS_ROLE_ARN          about 2 months ago
NPM_TOKEN             about 3 days ago
SLACK_WEBHOOK_URL     about 1 year ago
STRIPE_SECRET_KEY     about 5 days ago
""",
)
t(
    "shell",
    "gh secret set from file",
    r"""
$ gh secret set SSH_DEPLOY_KEY < ~/.ssh/deploy_ed25519
✓ Set Actions secret SSH_DEPLOY_KEY for shopfront/web
$ gh secret set NPM_TOKEN --body "$NPM_TOKEN"
✓ Set Actions secret NPM_TOKEN for shopfront/web
""",
)
t(
    "shell",
    "vault kv get reference",
    r"""
export DB_PASSWORD="$(vault kv get -field=password secret/shopfront/prod/db)"
export STRIPE_KEY="$(aws secretsmanager get-secret-value --secret-id prod/stripe --query SecretString --output text | jq -r .secret_key)"
export GH_TOKEN="$(op read 'op://Engineering/GitHub CI/token')"
""",
)
t(
    "shell",
    "aws secretsmanager list",
    r"""
$ aws secretsmanager list-secrets --query 'SecretList[].{Name:Name,Rotated:LastRotatedDate}' --output table
---------------------------------------------------------
|                      ListSecrets                      |
+----------------------------+--------------------------+
|            Name            |         Rotated          |
+----------------------------+--------------------------+
|  prod/orders/db-password   |  2026-02-01T00:00:12Z    |
|  prod/stripe               |  2026-01-15T10:02:44Z    |
+----------------------------+--------------------------+
""",
)
t(
    "shell",
    "sha256sum output",
    r"""
$ sha256sum dist/*
«n:sha256»  dist/shopfront_sdk-1.4.0-py3-none-any.whl
«n:sha256»  dist/shopfront_sdk-1.4.0.tar.gz
""",
)
t(
    "shell",
    "git rev-parse and log",
    r"""
$ git rev-parse HEAD
«n:sha1»
$ git log -1 --format='%H %an %s'
«n:sha1» «n:user» Move API keys to Secrets Manager
""",
)
t(
    "shell",
    "docker inspect digest",
    r"""
$ docker inspect --format='{{index .RepoDigests 0}}' postgres:16
postgres@«n:img_digest»
$ docker inspect --format='{{.Id}}' postgres:16
«n:img_digest»
""",
)
t(
    "shell",
    "base64 encode plain data",
    r"""
$ echo '{"theme":"dark","lang":"en"}' | base64
«n:b64data»
$ echo "«n:b64text»" | base64 -d
""",
)
t(
    "shell",
    "ssh-keygen public",
    r"""
$ ssh-keygen -y -f ~/.ssh/id_ed25519
«n:sshpub»
$ ssh-add -l
256 «n:fp» «n:user»@laptop (ED25519)
""",
)
t(
    "shell",
    "openssl rand for salt hint",
    r"""
# generate a new secret locally, never paste it here:
#   openssl rand -hex 32
#   python -c 'import secrets; print(secrets.token_urlsafe(32))'
export SESSION_SECRET="$(openssl rand -hex 32)"
""",
)
t(
    "shell",
    "set -x masked",
    r"""
+ echo '::add-mask::***'
+ curl --fail --header 'PRIVATE-TOKEN: [MASKED]' https://gitlab.com/api/v4/projects/«n:num»/pipelines
{"id":«n:num»,"status":"running","sha":"«n:sha1»"}
""",
)
t(
    "shell",
    "psql with env password",
    r"""
$ PGPASSWORD="$(cat /run/secrets/pg_password)" psql -h db -U app -c 'select 1'
 ?column?
----------
        1
(1 row)
""",
)
t(
    "shell",
    "aws sts assume role output key id",
    r"""
$ aws sts assume-role --role-arn arn:aws:iam::«n:acct»:role/deploy --role-session-name ci --query 'Credentials.[AccessKeyId,Expiration]' --output text
«n:asia»	2026-03-05T12:44:10+00:00
""",
)
t(
    "shell",
    "npm ci output",
    r"""
$ npm ci
npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory.
added 1284 packages, and audited 1285 packages in 21s

214 packages are looking for funding
  run `npm fund` for details

found 0 vulnerabilities
""",
)
t(
    "shell",
    "docker compose ps",
    r"""
$ docker compose ps
NAME              IMAGE                 COMMAND                  SERVICE   CREATED          STATUS                    PORTS
shop-api-1        shop-api              "docker-entrypoint.s…"   api       12 minutes ago   Up 12 minutes             0.0.0.0:3000->3000/tcp
shop-db-1         postgres:16           "docker-entrypoint.s…"   db        12 minutes ago   Up 12 minutes (healthy)   5432/tcp
""",
)
t(
    "shell",
    "kubectl get pods",
    r"""
$ kubectl get pods -n prod -l app=api
NAME                   READY   STATUS    RESTARTS   AGE
api-«n:sha7»c-«n:php_sid»   1/1     Running   0          3h12m
api-«n:sha7»c-«n:php_sid»   1/1     Running   1          3h12m
""",
)
t(
    "shell",
    "kubectl rollout with image digest",
    r"""
$ kubectl set image deployment/api api=ghcr.io/shopfront/api@«n:img_digest» -n prod
deployment.apps/api image updated
$ kubectl rollout status deployment/api -n prod
deployment "api" successfully rolled out
""",
)
t(
    "shell",
    "heroku config shell masked",
    r"""
$ heroku config -a shopfront-api --shell | sed 's/=.*/=<hidden>/'
DATABASE_URL=<hidden>
REDIS_URL=<hidden>
SENDGRID_API_KEY=<hidden>
""",
)
t(
    "shell",
    "wrangler secret list",
    r"""
$ npx wrangler secret list --env production
[
  {
    "name": "OPENAI_API_KEY",
    "type": "secret_text"
  },
  {
    "name": "STRIPE_SECRET_KEY",
    "type": "secret_text"
  }
]
""",
)
t(
    "shell",
    "git clone ssh",
    r"""
$ git clone git@github.com:shopfront/infra.git
Cloning into 'infra'...
Warning: Permanently added 'github.com' (ED25519) to the list of known hosts.
remote: Enumerating objects: 1832, done.
Receiving objects: 100% (1832/1832), 2.31 MiB | 9.12 MiB/s, done.
""",
)
t(
    "shell",
    "git config credential helper",
    r"""
$ git config --global --list
user.name=«n:user»
user.email=«n:user»@shopfront.dev
credential.helper=osxkeychain
init.defaultbranch=main
commit.gpgsign=true
user.signingkey=«n:sha1»
""",
)
t(
    "shell",
    "gpg list keys",
    r"""
$ gpg --list-secret-keys --keyid-format=long
/home/dev/.gnupg/pubring.kbx
----------------------------
sec   ed25519/«n:spanid» 2025-06-01 [SC] [expires: 2027-06-01]
      «n:sha1»
uid                 [ultimate] «n:user» <«n:user»@shopfront.dev>
ssb   cv25519/«n:spanid» 2025-06-01 [E]
""",
)
t(
    "shell",
    "terraform apply with var refs",
    r"""
terraform apply -auto-approve \
  -var="db_password=${TF_VAR_db_password}" \
  -var="image_digest=«n:img_digest»"
""",
)
t(
    "shell",
    "helm set from secret ref",
    r"""
helm upgrade --install grafana grafana/grafana \
  --set admin.existingSecret=grafana-admin \
  --set admin.userKey=admin-user \
  --set admin.passwordKey=admin-password
""",
)
t(
    "shell",
    "op run wrapper",
    r"""
$ cat .env.tpl
DATABASE_URL=op://Engineering/orders-db/connection-string
STRIPE_SECRET_KEY=op://Engineering/Stripe/secret-key
$ op run --env-file=.env.tpl -- npm run dev
""",
)
t(
    "shell",
    "doppler run",
    r"""
$ doppler run --project shopfront --config dev -- node server.js
Server listening on http://localhost:3000
""",
)
t(
    "shell",
    "md5 and cksum of files",
    r"""
$ md5sum assets/*.png
«n:md5»  assets/logo.png
«n:md5»  assets/hero.png
$ cksum build.tar
«n:num»«n:num» 1048576 build.tar
""",
)
t(
    "shell",
    "gcloud auth list",
    r"""
$ gcloud auth list
    Credentialed Accounts
ACTIVE  ACCOUNT
*       deployer@shopfront-prod.iam.gserviceaccount.com
        «n:user»@shopfront.dev
""",
)
t(
    "shell",
    "az account show",
    r"""
$ az account show -o tsv --query '{id:id, tenant:tenantId, user:user.name}'
«n:uuid»	«n:uuid»	«n:user»@shopfront.onmicrosoft.com
""",
)
t(
    "shell",
    "pnpm install integrity",
    r"""
$ pnpm install --frozen-lockfile
Lockfile is up to date, resolution step is skipped
Packages: +812
Progress: resolved 812, reused 812, downloaded 0, added 812, done
ERR_PNPM_TARBALL_INTEGRITY  Got unexpected checksum for "https://registry.npmjs.org/jose/-/jose-5.2.3.tgz". Wanted "«n:integrity»". Got "«n:integrity»".
""",
)
t(
    "shell",
    "htpasswd hashed file",
    r"""
$ cat /etc/nginx/.htpasswd
admin:$apr1$«n:php_sid»$«n:kid»
metrics:{SHA}«n:nonce»
""",
)
t(
    "shell",
    "docker compose run migrate",
    r"""
$ docker compose run --rm api npm run migrate
[+] Creating 1/0
 ✔ Container shop-db-1  Running
> api@1.8.2 migrate
> prisma migrate deploy
Datasource "db": PostgreSQL database "shop", schema "public" at "db:5432"
3 migrations found in prisma/migrations
No pending migrations to apply.
""",
)
t(
    "shell",
    "gh run view log",
    r"""
$ gh run view «n:build»«n:build» --log | grep -i token
build	Set up job	2026-03-05T10:01:02.1Z GITHUB_TOKEN Permissions
build	Set up job	2026-03-05T10:01:02.1Z Contents: read
build	Set up job	2026-03-05T10:01:02.1Z Secret source: Actions
build	Run npm publish	2026-03-05T10:03:44.9Z NODE_AUTH_TOKEN: ***
""",
)
# --- yaml: compose, Kubernetes, CI, framework and tool configs, positives ------------------------

t(
    "yaml",
    "compose postgres env",
    r"""
services:
  db:
    image: postgres:16-alpine
    restart: unless-stopped
    environment:
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: «s:pwh»
      POSTGRES_DB: shop
    ports:
      - "5432:5432"
    volumes:
      - pgdata:/var/lib/postgresql/data
volumes:
  pgdata:
""",
)
t(
    "yaml",
    "compose list env",
    r"""
version: "3.9"
services:
  api:
    build: .
    environment:
      - NODE_ENV=development
      - DATABASE_URL=postgres://shop:«s:pwa»@db:5432/shop
      - JWT_SECRET=«s:b64k»
      - MAILGUN_API_KEY=«s:mailgun»
    depends_on:
      - db
""",
)
t(
    "yaml",
    "compose mysql wordpress",
    r"""
services:
  db:
    image: mysql:8.0
    environment:
      MYSQL_ROOT_PASSWORD: "«s:pwr»"
      MYSQL_DATABASE: wordpress
      MYSQL_USER: wordpress
      MYSQL_PASSWORD: "«s:pwh»"
  wordpress:
    image: wordpress:6.5-php8.2-apache
    environment:
      WORDPRESS_DB_HOST: db:3306
      WORDPRESS_DB_USER: wordpress
      WORDPRESS_DB_PASSWORD: "«s:pwh»"
""",
)
t(
    "yaml",
    "compose minio rabbit",
    r"""
  minio:
    image: quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z
    command: server /data --console-address ":9001"
    environment:
      MINIO_ROOT_USER: admin
      MINIO_ROOT_PASSWORD: «s:pwa»
  rabbitmq:
    image: rabbitmq:3.13-management
    environment:
      RABBITMQ_DEFAULT_USER: orders
      RABBITMQ_DEFAULT_PASS: «s:pwh»
      RABBITMQ_ERLANG_COOKIE: «s:rabbit_cookie»
""",
)
t(
    "yaml",
    "compose redis command requirepass",
    r"""
  redis:
    image: redis:7-alpine
    command: ["redis-server", "--appendonly", "yes", "--requirepass", "«s:pwa»"]
    healthcheck:
      test: ["CMD", "redis-cli", "-a", "«s:pwa»", "ping"]
      interval: 10s
""",
)
t(
    "yaml",
    "compose grafana keycloak",
    r"""
  grafana:
    image: grafana/grafana:11.1.0
    environment:
      GF_SECURITY_ADMIN_USER: admin
      GF_SECURITY_ADMIN_PASSWORD: «s:pwh»
      GF_AUTH_GENERIC_OAUTH_CLIENT_ID: grafana
      GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: «s:auth0_cs»
  keycloak:
    image: quay.io/keycloak/keycloak:25.0
    environment:
      KEYCLOAK_ADMIN: admin
      KEYCLOAK_ADMIN_PASSWORD: «s:pwr»
""",
)
t(
    "yaml",
    "kubectl get secret -o yaml",
    r"""
apiVersion: v1
data:
  password: «s:pwr|b64»
  username: «n:word|b64»
kind: Secret
metadata:
  creationTimestamp: "«n:ts»"
  name: db-credentials
  namespace: prod
  resourceVersion: "«n:num»"
  uid: «n:uuid»
type: Opaque
""",
)
t(
    "yaml",
    "k8s secret stringData",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: api-secrets
  namespace: default
type: Opaque
stringData:
  DATABASE_URL: postgres://api:«s:pwa»@postgres.default.svc:5432/api
  STRIPE_SECRET_KEY: «s:sk_live»
  SENTRY_AUTH_TOKEN: «s:sentry_tok»
""",
)
t(
    "yaml",
    "k8s dockerconfigjson secret",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: regcred
  namespace: prod
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: «s:dockercfg_b64»
""",
)
t(
    "yaml",
    "k8s tls secret with key",
    r"""
apiVersion: v1
kind: Secret
type: kubernetes.io/tls
metadata:
  name: shopfront-tls
data:
  tls.crt: «n:cert_b64»
  tls.key: «s:pem_ec|b64»
""",
)
t(
    "yaml",
    "k8s deployment env value",
    r"""
    spec:
      containers:
        - name: api
          image: ghcr.io/shopfront/api:«n:sha7»
          env:
            - name: NODE_ENV
              value: production
            - name: REDIS_PASSWORD
              value: "«s:pwa»"
            - name: OPENAI_API_KEY
              value: «s:openai»
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: db-credentials
                  key: password
""",
)
t(
    "yaml",
    "kubeconfig token",
    r"""
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: «n:cert_b64»
    server: https://10.0.0.1:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: ci-deployer
  name: prod
current-context: prod
kind: Config
users:
- name: ci-deployer
  user:
    token: «s:k8s_tok»
""",
)
t(
    "yaml",
    "kubeconfig client key data",
    r"""
users:
- name: kubernetes-admin
  user:
    client-certificate-data: «n:cert_b64»
    client-key-data: «s:pem_rsa|b64»
""",
)
t(
    "yaml",
    "kubeconfig basic auth",
    r"""
users:
- name: legacy-admin
  user:
    username: admin
    password: «s:pwa»
""",
)
t(
    "yaml",
    "github actions inline env",
    r"""
name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    env:
      AWS_REGION: eu-west-1
      AWS_ACCESS_KEY_ID: «n:akid»
      AWS_SECRET_ACCESS_KEY: «s:aws_sk»
    steps:
      - uses: actions/checkout@«n:sha1» # v4
      - run: ./scripts/deploy.sh
""",
)
t(
    "yaml",
    "github actions with login password",
    r"""
      - name: Log in to Docker Hub
        uses: docker/login-action@v3
        with:
          username: shopfrontci
          password: «s:dckr_pat»
      - name: Notify
        run: |
          curl -X POST -H 'Content-type: application/json' --data '{"text":"built"}' «s:slack_hook»
""",
)
t(
    "yaml",
    "github actions service db",
    r"""
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: «s:pwh»
        ports: ["5432:5432"]
        options: >-
          --health-cmd pg_isready
          --health-interval 10s
    steps:
      - run: pytest -q
        env:
          DATABASE_URL: postgres://postgres:«s:pwh»@localhost:5432/postgres
""",
)
t(
    "yaml",
    "gitlab ci variables",
    r"""
variables:
  DOCKER_DRIVER: overlay2
  POSTGRES_DB: test
  POSTGRES_USER: runner
  POSTGRES_PASSWORD: «s:pwh»
  SONAR_TOKEN: «s:hex40»

test:
  image: python:3.12
  services: [postgres:16]
  script:
    - pip install -r requirements.txt
    - pytest
""",
)
t(
    "yaml",
    "gitlab ci script token",
    r"""
publish:
  stage: deploy
  script:
    - echo "//registry.npmjs.org/:_authToken=«s:npm_tok»" > .npmrc
    - npm publish --access public
  only:
    - tags
""",
)
t(
    "yaml",
    "circleci env",
    r"""
version: 2.1
jobs:
  build:
    docker:
      - image: cimg/node:20.11
        auth:
          username: shopfrontci
          password: «s:pwr»
      - image: cimg/postgres:16.2
        environment:
          POSTGRES_PASSWORD: «s:pwh»
    steps:
      - checkout
      - run: npm ci && npm test
""",
)
t(
    "yaml",
    "bitbucket pipelines",
    r"""
pipelines:
  branches:
    main:
      - step:
          name: Deploy
          script:
            - pipe: atlassian/aws-s3-deploy:1.1.0
              variables:
                AWS_ACCESS_KEY_ID: «n:akid»
                AWS_SECRET_ACCESS_KEY: «s:aws_sk»
                S3_BUCKET: shopfront-static
                LOCAL_PATH: dist
""",
)
t(
    "yaml",
    "rails database.yml",
    r"""
default: &default
  adapter: postgresql
  encoding: unicode
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>

development:
  <<: *default
  database: app_development

production:
  <<: *default
  database: app_production
  username: app
  password: «s:pwh»
  host: app-db.cluster-«n:php_sid».eu-west-1.rds.amazonaws.com
""",
)
t(
    "yaml",
    "rails credentials yml",
    r"""
# config/credentials/production.yml (decrypted with bin/rails credentials:edit)
secret_key_base: «s:hex128»
active_record_encryption:
  primary_key: «s:tok40»
  deterministic_key: «s:tok40»
  key_derivation_salt: «s:tok40»
aws:
  access_key_id: «n:akid»
  secret_access_key: «s:aws_sk»
""",
)
t(
    "yaml",
    "spring application.yml",
    r"""
spring:
  datasource:
    url: jdbc:mysql://mysql:3306/catalog?useSSL=false
    username: catalog
    password: «s:pwh»
  rabbitmq:
    host: rabbitmq
    username: catalog
    password: «s:pwa»
  security:
    oauth2:
      client:
        registration:
          google:
            client-id: «n:g_client_id»
            client-secret: «s:gocspx»
""",
)
t(
    "yaml",
    "serverless.yml environment",
    r"""
service: orders-api
frameworkVersion: "3"
provider:
  name: aws
  runtime: nodejs20.x
  region: eu-west-1
  environment:
    STAGE: ${sls:stage}
    DB_HOST: orders.cluster-«n:php_sid».eu-west-1.rds.amazonaws.com
    DB_PASSWORD: «s:pwr»
    STRIPE_KEY: «s:sk_live»
functions:
  create:
    handler: src/create.handler
""",
)
t(
    "yaml",
    "ansible group vars",
    r"""
---
postgres_version: 16
postgres_users:
  - name: app
    password: «s:pwh»
    db: app
  - name: metabase
    password: «s:pwr»
    db: metabase
nginx_worker_processes: auto
""",
)
t(
    "yaml",
    "ansible yaml inventory",
    r"""
all:
  children:
    webservers:
      hosts:
        web1.example.internal:
          ansible_host: 10.0.1.11
        web2.example.internal:
          ansible_host: 10.0.1.12
      vars:
        ansible_user: deploy
        ansible_become_password: «s:pwh»
        app_secret_key: «s:django_key»
""",
)
t(
    "yaml",
    "gh hosts.yml",
    r"""
github.com:
    users:
        «n:user»:
            oauth_token: «s:gho»
    git_protocol: https
    oauth_token: «s:gho»
    user: «n:user»
""",
)
t(
    "yaml",
    "yarnrc.yml",
    r"""
nodeLinker: node-modules
npmScopes:
  shopfront:
    npmRegistryServer: "https://npm.pkg.github.com"
    npmAuthToken: «s:ghp»
yarnPath: .yarn/releases/yarn-4.1.1.cjs
""",
)
t(
    "yaml",
    "helm values secrets",
    r"""
postgresql:
  enabled: true
  auth:
    username: app
    password: «s:pwh»
    postgresPassword: «s:pwr»
redis:
  auth:
    password: «s:pwa»
ingress:
  enabled: true
  hosts:
    - host: app.shopfront.dev
""",
)
t(
    "yaml",
    "docker compose smtp and s3",
    r"""
  mailer:
    image: shopfront/mailer:2.3
    environment:
      SMTP_HOST: email-smtp.eu-west-1.amazonaws.com
      SMTP_USER: «n:akid»
      SMTP_PASS: «s:b64k»
      S3_ACCESS_KEY: «n:akid»
      S3_SECRET_KEY: «s:aws_sk»
""",
)
t(
    "yaml",
    "openapi example with real token",
    r"""
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
  examples:
    authorized:
      value:
        Authorization: Bearer «s:jwt»
""",
)
t(
    "yaml",
    "mkdocs plugin token",
    r"""
site_name: Shopfront Docs
plugins:
  - search
  - git-committers:
      repository: shopfront/docs
      token: «s:ghp»
""",
)
t(
    "yaml",
    "prometheus remote write",
    r"""
remote_write:
  - url: https://prometheus-prod-24-prod-eu-west-2.grafana.net/api/prom/push
    basic_auth:
      username: «n:num»«n:num»
      password: «s:tok40»
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ["localhost:9100"]
""",
)
t(
    "yaml",
    "alertmanager slack",
    r"""
global:
  resolve_timeout: 5m
  slack_api_url: «s:slack_hook»
route:
  receiver: team-ops
receivers:
  - name: team-ops
    slack_configs:
      - channel: '#alerts'
        send_resolved: true
""",
)
t(
    "yaml",
    "filebeat elastic creds",
    r"""
output.elasticsearch:
  hosts: ["https://es.internal:9200"]
  username: "elastic"
  password: "«s:pwa»"
  ssl.verification_mode: certificate
setup.kibana:
  host: "https://kibana.internal:5601"
""",
)
t(
    "yaml",
    "argo cd repo secret",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: repo-infra
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  type: git
  url: https://github.com/shopfront/infra
  username: git
  password: «s:ghpat»
""",
)
t(
    "yaml",
    "docker compose traefik basic auth label",
    r"""
    labels:
      - "traefik.enable=true"
      - "traefik.http.routers.dash.rule=Host(`traefik.shopfront.dev`)"
      - "traefik.http.middlewares.auth.basicauth.users=admin:$$apr1$$«n:php_sid»$$«n:kid»"
      - "traefik.http.routers.dash.middlewares=auth"
    environment:
      CF_DNS_API_TOKEN: «s:cf_tok»
""",
)
t(
    "yaml",
    "supabase config edge env",
    r"""
# supabase/functions/.env as yaml for the deploy script
functions:
  send-email:
    env:
      RESEND_API_KEY: re_«s:tok40»
      SUPABASE_SERVICE_ROLE_KEY: «s:sb_service»
""",
)
t(
    "yaml",
    "openai compatible config",
    r"""
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: «s:openai»
  - model_name: claude
    litellm_params:
      model: anthropic/claude-sonnet-4-5
      api_key: «s:anthropic»
general_settings:
  master_key: sk-«s:tok40»
""",
)
t(
    "yaml",
    "sentry and datadog values",
    r"""
datadog:
  apiKey: «s:dd_api»
  appKey: «s:dd_app»
  site: datadoghq.com
  logs:
    enabled: true
clusterAgent:
  token: «s:tok40»
""",
)
t(
    "yaml",
    "k8s configmap with password",
    r"""
apiVersion: v1
kind: ConfigMap
metadata:
  name: pgbouncer-config
data:
  userlist.txt: |
    "app" "«s:pwh»"
    "metabase" "«s:pwa»"
  pgbouncer.ini: |
    [databases]
    app = host=postgres port=5432 dbname=app
""",
)
t(
    "yaml",
    "k8s secret block scalar key",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: deploy-key
stringData:
  ssh-privatekey: |
    «s:pem_ssh|indent4»
  known_hosts: |
    github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl
""",
)
t(
    "yaml",
    "github actions ssh key inline",
    r"""
      - name: Install deploy key
        env:
          DEPLOY_KEY: |
            «s:pem_ssh|indent12»
        run: |
          mkdir -p ~/.ssh && echo "$DEPLOY_KEY" > ~/.ssh/id_ed25519 && chmod 600 ~/.ssh/id_ed25519
""",
)
t(
    "yaml",
    "netplan wifi password",
    r"""
network:
  version: 2
  wifis:
    wlan0:
      dhcp4: true
      access-points:
        "Shopfront-Office":
          password: "«s:pwh»"
""",
)
t(
    "yaml",
    "compose pgadmin",
    r"""
  pgadmin:
    image: dpage/pgadmin4:8.6
    environment:
      PGADMIN_DEFAULT_EMAIL: admin@shopfront.dev
      PGADMIN_DEFAULT_PASSWORD: «s:pwh»
      PGADMIN_CONFIG_SERVER_MODE: "False"
    ports:
      - "5050:80"
""",
)
t(
    "yaml",
    "dependabot registries",
    r"""
version: 2
registries:
  npm-github:
    type: npm-registry
    url: https://npm.pkg.github.com
    token: «s:ghp»
updates:
  - package-ecosystem: npm
    directory: "/"
    registries: [npm-github]
    schedule:
      interval: weekly
""",
)
t(
    "yaml",
    "compose mongo express",
    r"""
  mongo:
    image: mongo:7
    environment:
      MONGO_INITDB_ROOT_USERNAME: root
      MONGO_INITDB_ROOT_PASSWORD: «s:pwr@m»
  mongo-express:
    image: mongo-express:1.0
    environment:
      ME_CONFIG_MONGODB_URL: mongodb://root:«s:pwr@m|url»@mongo:27017/
      ME_CONFIG_BASICAUTH_PASSWORD: «s:pwh»
""",
)
t(
    "yaml",
    "app config yaml jwt keys",
    r"""
auth:
  issuer: https://auth.shopfront.dev
  access_ttl: 15m
  refresh_ttl: 720h
  hmac_secret: «s:b64u»
  cookie:
    name: sf_session
    secure: true
""",
)
t(
    "yaml",
    "openapi generator config token",
    r"""
generatorName: typescript-axios
inputSpec: https://api.shopfront.dev/openapi.yaml
auth: "Authorization:Bearer «s:jwt»"
additionalProperties:
  npmName: "@shopfront/api-client"
""",
)
t(
    "yaml",
    "cloud-init user password",
    r"""
#cloud-config
users:
  - name: ops
    groups: sudo
    shell: /bin/bash
    plain_text_passwd: «s:pwh»
    lock_passwd: false
chpasswd:
  expire: false
""",
)
t(
    "yaml",
    "kustomize secret generator literals",
    r"""
secretGenerator:
  - name: api-env
    literals:
      - SMTP_PASSWORD=«s:pwh»
      - TWILIO_AUTH_TOKEN=«s:twilio_tok»
      - TWILIO_ACCOUNT_SID=«n:twilio_sid»
generatorOptions:
  disableNameSuffixHash: true
""",
)
t(
    "yaml",
    "drone ci secret inline",
    r"""
kind: pipeline
type: docker
name: default
steps:
  - name: publish
    image: plugins/docker
    settings:
      repo: shopfront/api
      username: shopfrontci
      password: «s:dckr_pat»
""",
)
t(
    "yaml",
    "github actions with env pypi",
    r"""
      - name: Publish
        run: |
          pip install build twine
          python -m build
          twine upload dist/*
        env:
          TWINE_USERNAME: __token__
          TWINE_PASSWORD: «s:pypi_tok»
""",
)
t(
    "yaml",
    "application-local.yml mail",
    r"""
spring:
  mail:
    host: smtp.gmail.com
    port: 587
    username: shopfront.alerts@gmail.com
    password: «s:gmail_app»
    properties:
      mail.smtp.auth: true
      mail.smtp.starttls.enable: true
""",
)
t(
    "yaml",
    "gcp app.yaml env",
    r"""
runtime: python312
entrypoint: gunicorn -b :$PORT main:app
env_variables:
  DJANGO_SECRET_KEY: "«s:django_key»"
  DB_PASS: "«s:pwh»"
  GS_BUCKET_NAME: shopfront-static
""",
)
# --- yaml: negatives ----------------------------------------------------------------------------

t(
    "yaml",
    "compose env references",
    r"""
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: ${POSTGRES_USER:-shop}
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}
  api:
    env_file: .env
    environment:
      DATABASE_URL: postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/shop
""",
)
t(
    "yaml",
    "compose docker secrets",
    r"""
services:
  db:
    image: postgres:16@«n:img_digest»
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    secrets:
      - db_password
secrets:
  db_password:
    file: ./secrets/db_password.txt
""",
)
t(
    "yaml",
    "k8s secretKeyRef only",
    r"""
          env:
            - name: DATABASE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: db-credentials
                  key: password
            - name: API_TOKEN
              valueFrom:
                secretKeyRef:
                  name: api-token
                  key: token
            - name: POD_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
""",
)
t(
    "yaml",
    "sealed secret",
    r"""
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: db-credentials
  namespace: prod
spec:
  encryptedData:
    password: «n:sealed»
    username: «n:sealed»
  template:
    metadata:
      name: db-credentials
""",
)
t(
    "yaml",
    "sops encrypted yaml",
    r"""
db:
    user: ENC[AES256_GCM,data:«n:nonce»,iv:«n:b64k»,tag:«n:nonce»,type:str]
    password: «n:sops»
stripe_secret_key: «n:sops»
sops:
    kms:
        - arn: arn:aws:kms:eu-west-1:«n:acct»:key/«n:uuid»
          created_at: "«n:ts»"
          enc: «n:kms»
    lastmodified: "«n:ts»"
    mac: «n:sops»
    version: 3.8.1
""",
)
t(
    "yaml",
    "ansible vault inline",
    r"""
db_user: app
db_password: !vault |
          «n:vault|indent10»
smtp_host: smtp.sendgrid.net
""",
)
t(
    "yaml",
    "ansible vars vault refs",
    r"""
---
postgres_users:
  - name: app
    password: "{{ vault_app_db_password }}"
  - name: metabase
    password: "{{ lookup('community.hashi_vault.hashi_vault', 'secret=secret/data/metabase:password') }}"
api_token: "{{ lookup('env', 'API_TOKEN') }}"
""",
)
t(
    "yaml",
    "github actions secrets refs",
    r"""
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: actions/checkout@«n:sha1»
      - uses: aws-actions/configure-aws-credentials@«n:sha1»
        with:
          role-to-assume: arn:aws:iam::«n:acct»:role/gh-deploy
          aws-region: eu-west-1
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
          SLACK_WEBHOOK_URL: ${{ secrets.SLACK_WEBHOOK_URL }}
""",
)
t(
    "yaml",
    "gitlab ci masked vars refs",
    r"""
variables:
  POSTGRES_PASSWORD: $CI_DB_PASSWORD
  DOCKER_AUTH_CONFIG: $DOCKER_AUTH_CONFIG_JSON
deploy:
  script:
    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
    - docker push "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA"
""",
)
t(
    "yaml",
    "github actions pinned shas",
    r"""
    steps:
      - uses: actions/checkout@«n:sha1» # v4.1.7
      - uses: actions/setup-node@«n:sha1» # v4.0.3
        with:
          node-version: 20
          cache: npm
      - uses: actions/cache@«n:sha1» # v4.0.2
        with:
          key: deps-${{ hashFiles('**/package-lock.json') }}
""",
)
t(
    "yaml",
    "pnpm-lock integrity",
    r"""
packages:

  /@auth/core@0.34.1:
    resolution: {integrity: «n:integrity»}
    peerDependencies:
      nodemailer: ^6.8.0
  /jose@5.6.3:
    resolution: {integrity: «n:integrity»}
    dev: false
""",
)
t(
    "yaml",
    "rails database.yml env",
    r"""
production:
  adapter: postgresql
  url: <%= ENV["DATABASE_URL"] %>
  password: <%= ENV.fetch("DB_PASSWORD") %>
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>
""",
)
t(
    "yaml",
    "spring yml placeholders",
    r"""
spring:
  datasource:
    url: jdbc:postgresql://${DB_HOST}:5432/${DB_NAME}
    username: ${DB_USER}
    password: ${DB_PASSWORD}
  cloud:
    vault:
      uri: https://vault.internal:8200
      authentication: KUBERNETES
""",
)
t(
    "yaml",
    "serverless ssm refs",
    r"""
provider:
  environment:
    DB_PASSWORD: ${ssm:/orders/prod/db-password}
    STRIPE_KEY: ${env:STRIPE_KEY}
    JWT_SECRET: ${file(./secrets.${sls:stage}.json):jwtSecret}
""",
)
t(
    "yaml",
    "kubectl get secret redacted",
    r"""
apiVersion: v1
data:
  password: REDACTED
  username: REDACTED
kind: Secret
metadata:
  name: db-credentials
  namespace: prod
type: Opaque
""",
)
t(
    "yaml",
    "external secrets operator",
    r"""
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: api-secrets
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: aws-secrets-manager
    kind: ClusterSecretStore
  data:
    - secretKey: STRIPE_SECRET_KEY
      remoteRef:
        key: prod/stripe
        property: secret_key
""",
)
t(
    "yaml",
    "kubeconfig exec plugin",
    r"""
users:
- name: arn:aws:eks:eu-west-1:«n:acct»:cluster/prod
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: ["eks", "get-token", "--cluster-name", "prod", "--region", "eu-west-1"]
clusters:
- cluster:
    certificate-authority-data: «n:cert_b64»
    server: https://«n:md5».gr7.eu-west-1.eks.amazonaws.com
""",
)
t(
    "yaml",
    "gh hosts.yml keyring",
    r"""
github.com:
    git_protocol: ssh
    users:
        «n:user»:
    user: «n:user»
""",
)
t(
    "yaml",
    "helm values existing secret",
    r"""
postgresql:
  auth:
    existingSecret: postgres-credentials
    secretKeys:
      adminPasswordKey: postgres-password
      userPasswordKey: password
image:
  repository: ghcr.io/shopfront/api
  digest: «n:img_digest»
""",
)
t(
    "yaml",
    "k8s pod image digests",
    r"""
status:
  containerStatuses:
  - containerID: containerd://«n:sha256»
    image: ghcr.io/shopfront/api:«n:sha7»
    imageID: ghcr.io/shopfront/api@«n:img_digest»
    name: api
    ready: true
    restartCount: 0
""",
)
t(
    "yaml",
    "k8s configmap public values",
    r"""
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  STRIPE_PUBLISHABLE_KEY: «n:pk_live»
  GOOGLE_CLIENT_ID: «n:g_client_id»
  SENTRY_ENVIRONMENT: production
  FEATURE_FLAGS: checkout_v2,new_search
""",
)
t(
    "yaml",
    "cert-manager certificate",
    r"""
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: shopfront-tls
spec:
  secretName: shopfront-tls
  issuerRef:
    name: letsencrypt-prod
    kind: ClusterIssuer
  dnsNames:
    - shopfront.dev
    - www.shopfront.dev
""",
)
t(
    "yaml",
    "openapi security placeholders",
    r"""
components:
  securitySchemes:
    ApiKeyAuth:
      type: apiKey
      in: header
      name: X-API-Key
  examples:
    header:
      value:
        X-API-Key: YOUR_API_KEY
        Authorization: Bearer <token>
""",
)
t(
    "yaml",
    "circleci context refs",
    r"""
workflows:
  build-deploy:
    jobs:
      - build
      - deploy:
          context:
            - aws-prod
            - slack-secrets
          requires: [build]
""",
)
t(
    "yaml",
    "compose healthcheck and hashes",
    r"""
  api:
    image: ghcr.io/shopfront/api@«n:img_digest»
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:3000/healthz"]
    labels:
      org.opencontainers.image.revision: «n:sha1»
      org.opencontainers.image.version: «n:ver»
""",
)
t(
    "yaml",
    "vault agent template",
    r"""
template:
  destination: /etc/app/db.env
  contents: |
    {{ with secret "database/creds/app" }}
    DB_USER={{ .Data.username }}
    DB_PASSWORD={{ .Data.password }}
    {{ end }}
""",
)
t(
    "yaml",
    "cloud-init ssh pubkey",
    r"""
#cloud-config
users:
  - name: ops
    groups: sudo
    ssh_authorized_keys:
      - «n:sshpub»
    lock_passwd: true
""",
)
t(
    "yaml",
    "prometheus creds file",
    r"""
remote_write:
  - url: https://prometheus-prod-24-prod-eu-west-2.grafana.net/api/prom/push
    basic_auth:
      username: «n:num»«n:num»
      password_file: /etc/prometheus/grafana-cloud.key
""",
)
t(
    "yaml",
    "github actions oidc permissions",
    r"""
permissions:
  id-token: write
  contents: read
env:
  TF_VAR_image_tag: ${{ github.sha }}
  AWS_ROLE_ARN: arn:aws:iam::«n:acct»:role/github-oidc-deploy
""",
)
t(
    "yaml",
    "dependabot secret ref",
    r"""
registries:
  npm-github:
    type: npm-registry
    url: https://npm.pkg.github.com
    token: ${{secrets.DEPENDABOT_NPM_TOKEN}}
""",
)
t(
    "yaml",
    "openapi schema password field",
    r"""
    LoginRequest:
      type: object
      required: [email, password]
      properties:
        email:
          type: string
          format: email
        password:
          type: string
          format: password
          minLength: 12
          example: "********"
""",
)
t(
    "yaml",
    "litellm env refs",
    r"""
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/OPENAI_API_KEY
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
""",
)
t(
    "yaml",
    "docker compose build args public",
    r"""
  web:
    build:
      context: .
      args:
        NEXT_PUBLIC_STRIPE_KEY: «n:pk_live»
        NEXT_PUBLIC_MAPBOX_TOKEN: «n:mapbox_pk»
        GIT_SHA: «n:sha1»
""",
)
t(
    "yaml",
    "firebase hosting yaml public config",
    r"""
# generated by firebase init; public web config
firebase:
  apiKey: «n:firebase_web_key»
  authDomain: shopfront-prod.firebaseapp.com
  projectId: shopfront-prod
  storageBucket: shopfront-prod.appspot.com
  messagingSenderId: "«n:acct»"
  appId: 1:«n:acct»:web:«n:md5»
""",
)
t(
    "yaml",
    "k8s serviceaccount annotations",
    r"""
apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
  namespace: prod
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::«n:acct»:role/api-irsa
    iam.gke.io/gcp-service-account: api@shopfront-prod.iam.gserviceaccount.com
""",
)
t(
    "yaml",
    "ansible tasks no secrets",
    r"""
- name: Create app database user
  community.postgresql.postgresql_user:
    name: app
    password: "{{ app_db_password }}"
    encrypted: true
  no_log: true
- name: Template env file
  ansible.builtin.template:
    src: env.j2
    dest: /srv/app/.env
    mode: "0600"
""",
)
# --- source: settings files and SDK set-up code, positives --------------------------------------

t(
    "source",
    "django settings.py",
    r"""
# settings.py
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# SECURITY WARNING: keep the secret key used in production secret!
SECRET_KEY = "«s:django_key»"

DEBUG = False
ALLOWED_HOSTS = ["shopfront.dev", "www.shopfront.dev"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shopfront",
        "USER": "shopfront",
        "PASSWORD": "«s:pwh»",
        "HOST": "db.internal",
        "PORT": "5432",
    }
}
""",
)
t(
    "source",
    "django email settings",
    r"""
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "smtp.sendgrid.net"
EMAIL_PORT = 587
EMAIL_USE_TLS = True
EMAIL_HOST_USER = "apikey"
EMAIL_HOST_PASSWORD = "«s:sendgrid»"
DEFAULT_FROM_EMAIL = "Shopfront <no-reply@shopfront.dev>"
""",
)
t(
    "source",
    "django storages settings",
    r"""
STORAGES = {
    "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AWS_ACCESS_KEY_ID = "«n:akid»"
AWS_SECRET_ACCESS_KEY = "«s:aws_sk»"
AWS_STORAGE_BUCKET_NAME = "shopfront-media"
AWS_S3_REGION_NAME = "eu-west-1"
""",
)
t(
    "source",
    "flask config class",
    r"""
class Config:
    SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://flask:«s:pwa»@localhost/flaskapp"
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SECRET_KEY = "«s:hex64»"
    MAIL_PASSWORD = "«s:pwh»"
""",
)
t(
    "source",
    "fastapi pydantic settings defaults",
    r"""
class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env")

    app_name: str = "orders"
    database_url: str = "postgresql+asyncpg://orders:«s:pwa»@localhost:5432/orders"
    jwt_secret: str = "«s:b64u»"
    jwt_algorithm: str = "HS256"
    access_token_expire_minutes: int = 30
""",
)
t(
    "source",
    "python openai client",
    r"""
from openai import OpenAI

client = OpenAI(api_key="«s:openai»")

resp = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "Summarise this diff"}],
)
print(resp.choices[0].message.content)
""",
)
t(
    "source",
    "python anthropic client",
    r"""
import anthropic

client = anthropic.Anthropic(
    api_key="«s:anthropic»",
)
message = client.messages.create(
    model="claude-sonnet-4-5",
    max_tokens=1024,
    messages=[{"role": "user", "content": "Hello, Claude"}],
)
""",
)
t(
    "source",
    "python boto3 client",
    r"""
import boto3

s3 = boto3.client(
    "s3",
    aws_access_key_id="«n:akid»",
    aws_secret_access_key="«s:aws_sk»",
    region_name="eu-west-1",
)
s3.upload_file("report.csv", "shopfront-reports", "2026/03/report.csv")
""",
)
t(
    "source",
    "python stripe",
    r"""
import stripe

stripe.api_key = "«s:sk_live»"
endpoint_secret = "«s:whsec»"

@app.post("/webhooks/stripe")
async def stripe_webhook(request: Request):
    payload = await request.body()
    event = stripe.Webhook.construct_event(payload, request.headers["stripe-signature"], endpoint_secret)
""",
)
t(
    "source",
    "python requests headers",
    r"""
import requests

HEADERS = {
    "Authorization": "Bearer «s:bearer»",
    "Accept": "application/json",
}

def list_orders(page: int = 1):
    r = requests.get("https://api.shopfront.dev/v2/orders", headers=HEADERS, params={"page": page}, timeout=10)
    r.raise_for_status()
    return r.json()
""",
)
t(
    "source",
    "python psycopg connect",
    r"""
conn = psycopg2.connect(
    host="analytics-db.internal",
    port=5432,
    dbname="warehouse",
    user="etl",
    password="«s:pwh»",
)
cur = conn.cursor()
""",
)
t(
    "source",
    "python redis client",
    r"""
import redis

r = redis.Redis(host="cache.internal", port=6379, password="«s:pwa»", db=0, decode_responses=True)
r.set("health", "ok", ex=30)
""",
)
t(
    "source",
    "python slack sdk",
    r"""
from slack_sdk import WebClient

client = WebClient(token="«s:xoxb»")
client.chat_postMessage(channel="#deploys", text=f"Deployed {sha[:7]} to production")
""",
)
t(
    "source",
    "python github pygithub",
    r"""
from github import Auth, Github

g = Github(auth=Auth.Token("«s:ghp»"))
repo = g.get_repo("shopfront/web")
for pr in repo.get_pulls(state="open"):
    print(pr.number, pr.title)
""",
)
t(
    "source",
    "jupyter cell hf login",
    r"""
# In[3]:
from huggingface_hub import login
login(token="«s:hf»")

# In[4]:
from datasets import load_dataset
ds = load_dataset("shopfront/reviews", split="train")
""",
)
t(
    "source",
    "jupyter cell sqlalchemy",
    r"""
# In[1]:
import pandas as pd
from sqlalchemy import create_engine

engine = create_engine("mysql+pymysql://analyst:«s:pwh»@reporting-db:3306/shop")
df = pd.read_sql("select * from orders where created_at > now() - interval 7 day", engine)
df.head()
""",
)
t(
    "source",
    "node express session",
    r"""
const session = require("express-session");
const RedisStore = require("connect-redis").default;

app.use(
  session({
    store: new RedisStore({ client: redisClient }),
    secret: "«s:pwr»",
    resave: false,
    saveUninitialized: false,
    cookie: { secure: true, maxAge: 1000 * 60 * 60 * 24 },
  })
);
""",
)
t(
    "source",
    "ts prisma/pg pool",
    r"""
import { Pool } from "pg";

export const pool = new Pool({
  host: "localhost",
  port: 5432,
  user: "postgres",
  password: "«s:pwh»",
  database: "shop_dev",
  max: 10,
});
""",
)
t(
    "source",
    "ts openai sdk",
    r"""
import OpenAI from "openai";

const openai = new OpenAI({
  apiKey: "«s:openai»",
});

export async function embed(text: string) {
  const res = await openai.embeddings.create({ model: "text-embedding-3-small", input: text });
  return res.data[0].embedding;
}
""",
)
t(
    "source",
    "ts stripe sdk",
    r"""
import Stripe from "stripe";

export const stripe = new Stripe("«s:sk_live»", {
  apiVersion: "2024-06-20",
  typescript: true,
});
""",
)
t(
    "source",
    "ts supabase admin client",
    r"""
import { createClient } from "@supabase/supabase-js";

const supabaseUrl = "https://«n:word»«n:num».supabase.co";
const serviceRoleKey = "«s:sb_service»";

export const supabaseAdmin = createClient(supabaseUrl, serviceRoleKey, {
  auth: { persistSession: false },
});
""",
)
t(
    "source",
    "ts nodemailer transport",
    r"""
const transporter = nodemailer.createTransport({
  host: "smtp.office365.com",
  port: 587,
  secure: false,
  auth: {
    user: "notifications@shopfront.dev",
    pass: "«s:pwh»",
  },
});
""",
)
t(
    "source",
    "ts jwt sign",
    r"""
import jwt from "jsonwebtoken";

const JWT_SECRET = "«s:hex64»";

export function issueToken(userId: string) {
  return jwt.sign({ sub: userId }, JWT_SECRET, { expiresIn: "15m" });
}
""",
)
t(
    "source",
    "ts fetch with api key",
    r"""
export async function geocode(q: string) {
  const res = await fetch(`https://maps.googleapis.com/maps/api/geocode/json?address=${encodeURIComponent(q)}&key=«s:aiza»`);
  if (!res.ok) throw new Error(`geocode failed: ${res.status}`);
  return res.json();
}
""",
)
t(
    "source",
    "ts axios interceptor",
    r"""
const api = axios.create({ baseURL: "https://api.linear.app/graphql" });

api.interceptors.request.use((config) => {
  config.headers.Authorization = "«s:linear»";
  return config;
});
""",
)
t(
    "source",
    "js mongoose connect",
    r"""
mongoose
  .connect("mongodb+srv://shopfront:«s:pwa»@cluster0.«n:php_sid».mongodb.net/shop?retryWrites=true&w=majority")
  .then(() => console.log("MongoDB connected"))
  .catch((err) => console.error(err));
""",
)
t(
    "source",
    "next.config.js env",
    r"""
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  env: {
    CMS_PREVIEW_SECRET: "«s:hex32»",
    SANITY_API_TOKEN: "sk«s:tok40»«s:tok40»",
  },
  images: { remotePatterns: [{ protocol: "https", hostname: "cdn.sanity.io" }] },
};
module.exports = nextConfig;
""",
)
t(
    "source",
    "go sql open dsn",
    r"""
package main

import (
	"database/sql"
	"log"

	_ "github.com/go-sql-driver/mysql"
)

func main() {
	db, err := sql.Open("mysql", "app:«s:pwh»@tcp(127.0.0.1:3306)/shop?parseTime=true")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
}
""",
)
t(
    "source",
    "go aws static credentials",
    r"""
cfg, err := config.LoadDefaultConfig(ctx,
	config.WithRegion("eu-west-1"),
	config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(
		"«n:akid»",
		"«s:aws_sk»",
		"",
	)),
)
""",
)
t(
    "source",
    "go http header",
    r"""
req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://api.cloudflare.com/client/v4/zones", nil)
req.Header.Set("Authorization", "Bearer «s:cf_tok»")
req.Header.Set("Content-Type", "application/json")
resp, err := http.DefaultClient.Do(req)
""",
)
t(
    "source",
    "go redis options",
    r"""
rdb := redis.NewClient(&redis.Options{
	Addr:     "redis.internal:6379",
	Password: "«s:pwa»",
	DB:       0,
})
""",
)
t(
    "source",
    "java jdbc connection",
    r"""
public class Db {
    private static final String URL = "jdbc:postgresql://localhost:5432/inventory";
    private static final String USER = "inventory";
    private static final String PASSWORD = "«s:pwh»";

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(URL, USER, PASSWORD);
    }
}
""",
)
t(
    "source",
    "java spring bean sendgrid",
    r"""
@Configuration
public class MailConfig {
    @Bean
    public SendGrid sendGrid() {
        return new SendGrid("«s:sendgrid»");
    }
}
""",
)
t(
    "source",
    "kotlin okhttp header",
    r"""
val client = OkHttpClient.Builder()
    .addInterceptor { chain ->
        chain.proceed(
            chain.request().newBuilder()
                .header("Authorization", "Bearer «s:jwt»")
                .build()
        )
    }
    .build()
""",
)
t(
    "source",
    "ruby stripe initializer",
    r"""
# config/initializers/stripe.rb
Rails.configuration.stripe = {
  publishable_key: "«n:pk_live»",
  secret_key: "«s:sk_live»"
}
Stripe.api_key = Rails.configuration.stripe[:secret_key]
""",
)
t(
    "source",
    "ruby octokit",
    r"""
require "octokit"

client = Octokit::Client.new(access_token: "«s:ghp»")
client.auto_paginate = true
repos = client.org_repos("shopfront")
""",
)
t(
    "source",
    "ruby aws sdk",
    r"""
Aws.config.update(
  region: "us-east-1",
  credentials: Aws::Credentials.new("«n:akid»", "«s:aws_sk»")
)
""",
)
t(
    "source",
    "php pdo connection",
    r"""
<?php
$dsn = 'mysql:host=127.0.0.1;dbname=shop;charset=utf8mb4';
$user = 'shop';
$pass = '«s:pwh»';
$pdo = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
""",
)
t(
    "source",
    "php wp-config",
    r"""
<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp_admin' );
define( 'DB_PASSWORD', '«s:pwh»' );
define( 'DB_HOST', 'localhost' );
define( 'AUTH_KEY',         '«s:pwr»«s:pwr»' );
define( 'SECURE_AUTH_KEY',  '«s:pwr»«s:pwr»' );
$table_prefix = 'wp_';
""",
)
t(
    "source",
    "php laravel config services",
    r"""
<?php

return [
    'mailgun' => [
        'domain' => 'mg.shopfront.dev',
        'secret' => '«s:mailgun»',
        'endpoint' => 'api.eu.mailgun.net',
    ],
    'stripe' => [
        'key' => '«n:pk_live»',
        'secret' => '«s:sk_live»',
    ],
];
""",
)
t(
    "source",
    "csharp connection string",
    r"""
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddDbContext<ShopContext>(options =>
    options.UseSqlServer("Server=tcp:shop-sql.database.windows.net,1433;Initial Catalog=shop;User ID=shopadmin;Password=«s:pwr»;Encrypt=True;"));
""",
)
t(
    "source",
    "csharp blob client",
    r"""
var blobService = new BlobServiceClient(
    "DefaultEndpointsProtocol=https;AccountName=shopfrontmedia;AccountKey=«s:azure_key»;EndpointSuffix=core.windows.net");
var container = blobService.GetBlobContainerClient("invoices");
""",
)
t(
    "source",
    "csharp httpclient header",
    r"""
using var http = new HttpClient();
http.DefaultRequestHeaders.Add("X-Api-Key", "«s:hex32»");
http.DefaultRequestHeaders.Add("User-Agent", "Shopfront/2.1");
var json = await http.GetStringAsync("https://api.example-weather.com/v1/forecast?city=Berlin");
""",
)
t(
    "source",
    "rust reqwest bearer",
    r"""
let client = reqwest::Client::new();
let res = client
    .get("https://api.github.com/user/repos")
    .bearer_auth("«s:ghpat»")
    .header("User-Agent", "shopfront-bot")
    .send()
    .await?;
""",
)
t(
    "source",
    "rust sqlx pool",
    r"""
let pool = PgPoolOptions::new()
    .max_connections(5)
    .connect("postgres://app:«s:pwa»@localhost:5432/app")
    .await?;
""",
)
t(
    "source",
    "jenkinsfile inline creds",
    r"""
pipeline {
    agent any
    environment {
        DOCKER_USER = 'shopfrontci'
        DOCKER_PASS = '«s:dckr_pat»'
        SONAR_TOKEN = 'sqp_«s:hex40»'
    }
    stages {
        stage('Build') {
            steps {
                sh 'echo $DOCKER_PASS | docker login -u $DOCKER_USER --password-stdin'
                sh 'docker build -t shopfront/api:${BUILD_NUMBER} .'
            }
        }
    }
}
""",
)
t(
    "source",
    "terraform provider inline",
    r"""
provider "aws" {
  region     = "eu-west-1"
  access_key = "«n:akid»"
  secret_key = "«s:aws_sk»"
}

provider "cloudflare" {
  api_token = "«s:cf_tok»"
}
""",
)
t(
    "source",
    "terraform tfvars",
    r"""
# prod.auto.tfvars
environment   = "prod"
db_username   = "orders_admin"
db_password   = "«s:pwr»"
datadog_api_key = "«s:dd_api»"
instance_type = "t3.medium"
""",
)
t(
    "source",
    "terraform resource password",
    r"""
resource "aws_db_instance" "orders" {
  identifier        = "orders-prod"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  username          = "orders_admin"
  password          = "«s:pwh»"
  skip_final_snapshot = true
}
""",
)
t(
    "source",
    "dockerfile env secret",
    r"""
FROM node:20-alpine
WORKDIR /app
ENV NODE_ENV=production
ENV NPM_TOKEN=«s:npm_tok»
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci --omit=dev && rm .npmrc
COPY . .
CMD ["node", "server.js"]
""",
)
t(
    "source",
    "dockerfile arg default password",
    r"""
FROM python:3.12-slim
ARG PIP_INDEX_URL=https://ci:«s:pwa»@pypi.corp.example.com/simple/
RUN pip install --no-cache-dir -r requirements.txt
""",
)
t(
    "source",
    "python test fixture real token",
    r"""
@pytest.fixture
def github_client():
    # TODO: move to env before merging
    return GitHubClient(token="«s:ghp»", org="shopfront")
""",
)
t(
    "source",
    "python celery config",
    r"""
broker_url = "amqp://orders:«s:pwh»@rabbitmq:5672/orders"
result_backend = "redis://:«s:pwa»@redis:6379/2"
task_serializer = "json"
timezone = "Europe/Berlin"
""",
)
t(
    "source",
    "python smtplib login",
    r"""
with smtplib.SMTP("smtp.gmail.com", 587) as smtp:
    smtp.starttls()
    smtp.login("shopfront.alerts@gmail.com", "«s:gmail_app»")
    smtp.send_message(msg)
""",
)
t(
    "source",
    "go jwt secret var",
    r"""
var jwtKey = []byte("«s:pwr»")

func CreateToken(userID string) (string, error) {
	claims := jwt.RegisteredClaims{Subject: userID, ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(jwtKey)
}
""",
)
t(
    "source",
    "python twilio client",
    r"""
from twilio.rest import Client

account_sid = "«n:twilio_sid»"
auth_token = "«s:twilio_tok»"
client = Client(account_sid, auth_token)
client.messages.create(to="+4915112345678", from_="+15005550006", body="Your order has shipped")
""",
)
t(
    "source",
    "python google service account dict",
    r"""
SERVICE_ACCOUNT_INFO = {
    "type": "service_account",
    "project_id": "shopfront-prod",
    "private_key_id": "«n:sha1»",
    "private_key": "«s:pem_pkcs8|json»\n",
    "client_email": "sheets-sync@shopfront-prod.iam.gserviceaccount.com",
    "client_id": "«n:acct»«n:num»",
}
creds = service_account.Credentials.from_service_account_info(SERVICE_ACCOUNT_INFO)
""",
)
t(
    "source",
    "ts firebase admin private key",
    r"""
admin.initializeApp({
  credential: admin.credential.cert({
    projectId: "shopfront-prod",
    clientEmail: "firebase-adminsdk-«n:php_sid»@shopfront-prod.iam.gserviceaccount.com",
    privateKey: "«s:pem_pkcs8|json»\n",
  }),
});
""",
)
t(
    "source",
    "php guzzle basic auth",
    r"""
$client = new \GuzzleHttp\Client(['base_uri' => 'https://api.mailjet.com/v3.1/']);
$response = $client->post('send', [
    'auth' => ['«n:md5»', '«s:hex32»'],
    'json' => ['Messages' => $messages],
]);
""",
)
t(
    "source",
    "swift api key constant",
    r"""
enum Secrets {
    static let revenueCatAPIKey = "sk_«s:tok40»"
    static let backendBaseURL = URL(string: "https://api.shopfront.dev")!
}
""",
)
t(
    "source",
    "python auth header basic manual",
    r"""
auth = base64.b64encode(b"api:«s:pwa»").decode()
headers = {"Authorization": f"Basic {auth}"}
resp = httpx.post("https://hooks.internal/ingest", headers=headers, json=payload)
""",
)
t(
    "source",
    "ts discord webhook const",
    r"""
const DISCORD_WEBHOOK = "«s:discord_hook»";

export async function notify(msg: string) {
  await fetch(DISCORD_WEBHOOK, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ content: msg }) });
}
""",
)
t(
    "source",
    "python vault hvac token",
    r"""
client = hvac.Client(url="https://vault.corp.example.com:8200", token="«s:hvs»")
secret = client.secrets.kv.v2.read_secret_version(path="shopfront/prod/db")
""",
)
t(
    "source",
    "rails secrets.yml erb mixed",
    r"""
# config/initializers/sidekiq.rb
Sidekiq.configure_server do |config|
  config.redis = { url: "redis://:«s:pwa»@redis.internal:6379/0" }
end
""",
)
# --- source: negatives --------------------------------------------------------------------------

t(
    "source",
    "django settings env",
    r"""
import environ

env = environ.Env(DEBUG=(bool, False))
environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env("DEBUG")
DATABASES = {"default": env.db("DATABASE_URL")}
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
""",
)
t(
    "source",
    "python os.environ config",
    r"""
import os

OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]
ANTHROPIC_API_KEY = os.getenv("ANTHROPIC_API_KEY")
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "sk_test_placeholder")
if not OPENAI_API_KEY.startswith("sk-"):
    raise RuntimeError("OPENAI_API_KEY does not look like an OpenAI key")
""",
)
t(
    "source",
    "python openai client env",
    r"""
from openai import OpenAI

client = OpenAI()  # reads OPENAI_API_KEY from the environment
resp = client.responses.create(model="gpt-4o-mini", input="ping")
print(resp.id)  # resp_«n:md5»«n:md5»
""",
)
t(
    "source",
    "ts process.env config",
    r"""
export const config = {
  databaseUrl: process.env.DATABASE_URL!,
  stripeSecretKey: process.env.STRIPE_SECRET_KEY ?? "",
  stripePublishableKey: process.env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY!,
  jwtSecret: requireEnv("JWT_SECRET"),
};
""",
)
t(
    "source",
    "ts zod env schema",
    r"""
const envSchema = z.object({
  DATABASE_URL: z.string().url(),
  OPENAI_API_KEY: z.string().startsWith("sk-"),
  GITHUB_TOKEN: z.string().regex(/^(ghp|github_pat)_[A-Za-z0-9_]+$/),
  NEXTAUTH_SECRET: z.string().min(32),
});
export const env = envSchema.parse(process.env);
""",
)
t(
    "source",
    "next firebase web config",
    r"""
// Firebase web config: these values are public and ship to the browser.
const firebaseConfig = {
  apiKey: "«n:firebase_web_key»",
  authDomain: "shopfront-prod.firebaseapp.com",
  projectId: "shopfront-prod",
  storageBucket: "shopfront-prod.appspot.com",
  messagingSenderId: "«n:acct»",
  appId: "1:«n:acct»:web:«n:md5»",
  measurementId: "«n:ga_id»",
};
export const app = initializeApp(firebaseConfig);
""",
)
t(
    "source",
    "supabase browser client anon",
    r"""
import { createBrowserClient } from "@supabase/ssr";

export const supabase = createBrowserClient(
  "https://«n:word»«n:num».supabase.co",
  "«n:sb_anon»"
);
""",
)
t(
    "source",
    "stripe js publishable",
    r"""
import { loadStripe } from "@stripe/stripe-js";

const stripePromise = loadStripe("«n:pk_live»");
""",
)
t(
    "source",
    "mapbox public token",
    r"""
mapboxgl.accessToken = "«n:mapbox_pk»";
const map = new mapboxgl.Map({ container: "map", style: "mapbox://styles/mapbox/streets-v12", center: [13.4, 52.52], zoom: 11 });
""",
)
t(
    "source",
    "algolia search client",
    r"""
import algoliasearch from "algoliasearch/lite";

// search-only key, safe in the browser
const searchClient = algoliasearch("«n:algolia_app»", "«n:algolia_search»");
""",
)
t(
    "source",
    "go os.Getenv",
    r"""
func loadConfig() Config {
	return Config{
		DatabaseURL: os.Getenv("DATABASE_URL"),
		RedisPassword: os.Getenv("REDIS_PASSWORD"),
		APIToken:    mustEnv("API_TOKEN"),
	}
}
""",
)
t(
    "source",
    "java spring value annotations",
    r"""
@Service
public class PaymentService {
    @Value("${stripe.secret-key}")
    private String stripeSecretKey;

    @Value("${spring.datasource.password}")
    private String dbPassword;
}
""",
)
t(
    "source",
    "csharp configuration binding",
    r"""
var connectionString = builder.Configuration.GetConnectionString("ShopDb")
    ?? throw new InvalidOperationException("Connection string 'ShopDb' not found.");
var apiKey = builder.Configuration["Weather:ApiKey"];
builder.Configuration.AddAzureKeyVault(new Uri("https://shopfront-kv.vault.azure.net/"), new DefaultAzureCredential());
""",
)
t(
    "source",
    "ruby credentials lookup",
    r"""
Stripe.api_key = Rails.application.credentials.dig(:stripe, :secret_key)
Octokit.configure do |c|
  c.access_token = ENV.fetch("GITHUB_TOKEN")
end
""",
)
t(
    "source",
    "php env lookups",
    r"""
<?php
return [
    'mailgun' => [
        'domain' => env('MAILGUN_DOMAIN'),
        'secret' => env('MAILGUN_SECRET'),
        'endpoint' => env('MAILGUN_ENDPOINT', 'api.mailgun.net'),
    ],
];
""",
)
t(
    "source",
    "rust env var",
    r"""
let token = std::env::var("GITHUB_TOKEN").expect("GITHUB_TOKEN must be set");
let db_url = dotenvy::var("DATABASE_URL")?;
""",
)
t(
    "source",
    "jenkinsfile withCredentials",
    r"""
pipeline {
    agent any
    stages {
        stage('Push') {
            steps {
                withCredentials([usernamePassword(credentialsId: 'dockerhub', usernameVariable: 'DOCKER_USER', passwordVariable: 'DOCKER_PASS')]) {
                    sh 'echo "$DOCKER_PASS" | docker login -u "$DOCKER_USER" --password-stdin'
                }
            }
        }
    }
}
""",
)
t(
    "source",
    "terraform random password",
    r"""
resource "random_password" "db" {
  length  = 32
  special = true
}

resource "aws_db_instance" "orders" {
  username = "orders_admin"
  password = random_password.db.result
}

output "db_password" {
  value     = random_password.db.result
  sensitive = true
}
""",
)
t(
    "source",
    "terraform data source secret",
    r"""
data "aws_secretsmanager_secret_version" "stripe" {
  secret_id = "prod/stripe"
}

locals {
  stripe = jsondecode(data.aws_secretsmanager_secret_version.stripe.secret_string)
}

variable "db_password" {
  type      = string
  sensitive = true
}
""",
)
t(
    "source",
    "dockerfile build secret mount",
    r"""
# syntax=docker/dockerfile:1.7
FROM node:20-alpine@«n:img_digest»
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci --omit=dev
COPY . .
""",
)
t(
    "source",
    "python hashing passwords",
    r"""
from argon2 import PasswordHasher

ph = PasswordHasher()
stored = "$argon2id$v=19$m=65536,t=3,p=4$«n:nonce»$«n:b64k»"

def check(password: str) -> bool:
    return ph.verify(stored, password)
""",
)
t(
    "source",
    "python test with fake tokens",
    r"""
def test_rejects_malformed_token(client):
    resp = client.get("/api/me", headers={"Authorization": "Bearer not-a-real-token"})
    assert resp.status_code == 401

def test_missing_api_key(client):
    assert client.get("/api/orders", headers={"X-API-Key": ""}).status_code == 401
""",
)
t(
    "source",
    "python jwt decode verify",
    r"""
def verify(token: str) -> dict:
    jwks_client = jwt.PyJWKClient("https://auth.shopfront.dev/.well-known/jwks.json")
    signing_key = jwks_client.get_signing_key_from_jwt(token)
    return jwt.decode(token, signing_key.key, algorithms=["RS256"], audience="api")
""",
)
t(
    "source",
    "node crypto hmac webhook check",
    r"""
export function verifySignature(payload: string, header: string, secret: string) {
  const expected = crypto.createHmac("sha256", secret).update(payload).digest("hex");
  return crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(header));
}
// sample header from the docs: sha256=«n:sha256»
""",
)
t(
    "source",
    "jupyter cell getpass",
    r"""
# In[2]:
import getpass, os
os.environ["OPENAI_API_KEY"] = getpass.getpass("OpenAI API key: ")

# In[3]:
from langchain_openai import ChatOpenAI
llm = ChatOpenAI(model="gpt-4o-mini")
""",
)
t(
    "source",
    "jupyter cell output ids",
    r"""
# In[7]:
run = client.beta.threads.runs.retrieve(thread_id=thread.id, run_id=run.id)
run.status, run.id
# Out[7]:
('completed', 'run_«n:vercel»')
""",
)
t(
    "source",
    "python secretsmanager fetch",
    r"""
def get_secret(name: str) -> str:
    client = boto3.client("secretsmanager", region_name="eu-west-1")
    return client.get_secret_value(SecretId=name)["SecretString"]

DB_PASSWORD = get_secret("prod/orders/db-password")
""",
)
t(
    "source",
    "go hardcoded test vectors sha",
    r"""
func TestHash(t *testing.T) {
	got := fmt.Sprintf("%x", sha256.Sum256([]byte("«n:word» «n:word»")))
	want := "«n:sha256»"
	if got != want {
		t.Fatalf("got %s want %s", got, want)
	}
}
""",
)
t(
    "source",
    "ts constants names of secrets",
    r"""
export const SECRET_NAMES = {
  stripe: "STRIPE_SECRET_KEY",
  github: "GITHUB_APP_PRIVATE_KEY",
  sendgrid: "SENDGRID_API_KEY",
} as const;
export const REDACTED = "[REDACTED]";
""",
)
t(
    "source",
    "settings.py placeholder comment",
    r"""
# settings/local.example.py — copy to local.py
SECRET_KEY = "django-insecure-change-me"
DATABASES["default"]["PASSWORD"] = "postgres"  # the docker-compose default
STRIPE_SECRET_KEY = "sk_test_..."
""",
)
t(
    "source",
    "csharp user secrets id",
    r"""
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
    <UserSecretsId>«n:uuid»</UserSecretsId>
  </PropertyGroup>
</Project>
""",
)
t(
    "source",
    "html sri script tags",
    r"""
<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js" integrity="«n:sri»" crossorigin="anonymous"></script>
<script nonce="«n:csp_nonce»">window.__CONFIG__ = { stripeKey: "«n:pk_live»", gaId: "«n:ga_id»" };</script>
""",
)
t(
    "source",
    "python uuid and ids",
    r"""
ORDER_NAMESPACE = uuid.UUID("«n:uuid»")
DEFAULT_TENANT_ID = "«n:uuid»"
WEBHOOK_ENDPOINT_ID = "we_«n:vercel»"

def order_id(number: int) -> uuid.UUID:
    return uuid.uuid5(ORDER_NAMESPACE, str(number))
""",
)
t(
    "source",
    "terraform google oauth client id var",
    r"""
variable "google_client_id" {
  default = "«n:g_client_id»"
}
variable "google_client_secret" {
  type      = string
  sensitive = true
}
""",
)
t(
    "source",
    "ansible jinja template env",
    r"""
# templates/env.j2
DATABASE_URL=postgres://app:{{ app_db_password | urlencode }}@{{ db_host }}:5432/app
REDIS_URL=redis://:{{ redis_password }}@{{ redis_host }}:6379/0
SECRET_KEY={{ vault_django_secret_key }}
""",
)
t(
    "source",
    "python requests auth from keyring",
    r"""
import keyring

token = keyring.get_password("shopfront-cli", "api-token")
session = requests.Session()
session.headers["Authorization"] = f"Bearer {token}"
""",
)
t(
    "source",
    "kotlin buildconfig from properties",
    r"""
android {
    defaultConfig {
        buildConfigField("String", "MAPS_API_KEY", "\"${localProperties.getProperty("MAPS_API_KEY")}\"")
        manifestPlaceholders["auth0Domain"] = "shopfront.eu.auth0.com"
    }
}
""",
)
t(
    "source",
    "python base64 of json config",
    r"""
# feature flags are shipped base64-encoded in the HTML
FLAGS_B64 = "«n:b64data»"
flags = json.loads(base64.b64decode(FLAGS_B64))
""",
)
# --- url: connection strings and links that carry a credential, positives -----------------------

t(
    "url",
    "postgres url",
    r"""
postgres://orders_rw:«s:pwa»@orders-db.internal:5432/orders?sslmode=require
""",
)
t(
    "url",
    "postgresql url human password encoded",
    r"""
DATABASE_URL=postgresql://app:«s:pwh|url»@db.shopfront.internal:5432/app
""",
)
t(
    "url",
    "mysql url",
    r"""
mysql://wp:«s:pwh»@127.0.0.1:3306/wordpress?charset=utf8mb4
""",
)
t(
    "url",
    "mongodb srv url",
    r"""
mongodb+srv://analytics:«s:pwa»@cluster0.«n:php_sid».mongodb.net/?retryWrites=true&w=majority&appName=Cluster0
""",
)
t(
    "url",
    "redis url tls",
    r"""
rediss://default:«s:pwa»@eu1-«n:word»-«n:num».upstash.io:6379
""",
)
t(
    "url",
    "amqp url",
    r"""
amqps://orders:«s:pwh»@b-«n:uuid».mq.eu-west-1.amazonaws.com:5671/orders
""",
)
t(
    "url",
    "jdbc url with password param",
    r"""
jdbc:postgresql://db.internal:5432/inventory?user=inventory&password=«s:pwa»&ssl=true
""",
)
t(
    "url",
    "sqlserver ado string",
    r"""
Server=tcp:shopfront.database.windows.net,1433;Initial Catalog=shop;Persist Security Info=False;User ID=shopadmin;Password=«s:pwr»;MultipleActiveResultSets=False;Encrypt=True;
""",
)
t(
    "url",
    "azure storage connection string",
    r"""
DefaultEndpointsProtocol=https;AccountName=shopfrontlogs;AccountKey=«s:azure_key»;EndpointSuffix=core.windows.net
""",
)
t(
    "url",
    "azure sas url",
    r"""
https://shopfrontexports.blob.core.windows.net/exports/orders-2026-03.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-03-31T00:00:00Z&st=2026-03-01T00:00:00Z&spr=https&sig=«s:sas_sig»
""",
)
t(
    "url",
    "azure service bus connection",
    r"""
Endpoint=sb://shopfront-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«s:b64k»
""",
)
t(
    "url",
    "git https token url",
    r"""
https://«n:user»:«s:ghp»@github.com/shopfront/web.git
""",
)
t(
    "url",
    "gitlab oauth2 url",
    r"""
https://oauth2:«s:glpat»@gitlab.com/shopfront/infra.git
""",
)
t(
    "url",
    "slack webhook url",
    r"""
«s:slack_hook»
""",
)
t(
    "url",
    "discord webhook url",
    r"""
«s:discord_hook»
""",
)
t(
    "url",
    "teams webhook url",
    r"""
«s:teams_hook»
""",
)
t(
    "url",
    "telegram bot api url",
    r"""
https://api.telegram.org/bot«s:tg_bot»/getUpdates?offset=«n:num»
""",
)
t(
    "url",
    "google maps api url key",
    r"""
https://maps.googleapis.com/maps/api/place/textsearch/json?query=coffee+in+berlin&key=«s:aiza»
""",
)
t(
    "url",
    "url access_token query",
    r"""
https://graph.facebook.com/v19.0/me/accounts?fields=id,name&access_token=EAAG«s:tok40»«s:tok40»
""",
)
t(
    "url",
    "smtp url",
    r"""
smtp://apikey:«s:sendgrid»@smtp.sendgrid.net:587
""",
)
t(
    "url",
    "ftp url",
    r"""
ftp://backup:«s:pwh»@files.shopfront.dev/backups/nightly/
""",
)
t(
    "url",
    "elasticsearch url",
    r"""
https://elastic:«s:pwa»@es-prod.internal:9200/_cluster/health?pretty
""",
)
t(
    "url",
    "npm registry url with auth",
    r"""
https://shopfront:«s:pwa»@nexus.corp.example.com/repository/npm-private/
""",
)
t(
    "url",
    "pip extra index url",
    r"""
--extra-index-url https://__token__:«s:glpat»@gitlab.com/api/v4/projects/«n:num»/packages/pypi/simple
""",
)
t(
    "url",
    "clickhouse http url",
    r"""
https://default:«s:pwa»@«n:php_sid».eu-central-1.aws.clickhouse.cloud:8443/?query=SELECT%201
""",
)
t(
    "url",
    "make webhook url",
    r"""
https://hook.eu1.make.com/«s:make_hook»
""",
)
t(
    "url",
    "celery redis url in log",
    r"""
[2026-03-05 10:11:12,345: INFO/MainProcess] Connected to redis://:«s:pwa»@10.0.4.12:6379/0
""",
)
t(
    "url",
    "kafka sasl jaas",
    r"""
org.apache.kafka.common.security.plain.PlainLoginModule required username="«n:algolia_app»«n:sha7»" password="«s:auth0_cs»";
""",
)
t(
    "url",
    "webhook url with token query",
    r"""
https://api.shopfront.dev/webhooks/inbound?token=«s:tok40»&source=typeform
""",
)
t(
    "url",
    "presigned gcs url with sig",
    r"""
https://storage.googleapis.com/shopfront-exports/report.csv?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=exporter%40shopfront-prod.iam.gserviceaccount.com%2F20260305%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20260305T101112Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=«s:goog_sig»
""",
)
# --- url: negatives -----------------------------------------------------------------------------

t(
    "url",
    "postgres url no password",
    r"""
postgres://orders@orders-db.internal:5432/orders?sslmode=verify-full&sslrootcert=/etc/ssl/rds.pem
""",
)
t(
    "url",
    "postgres url placeholder",
    r"""
postgresql://USER:PASSWORD@HOST:5432/DATABASE
""",
)
t(
    "url",
    "postgres url env refs",
    r"""
postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/${DB_NAME}
""",
)
t(
    "url",
    "mongodb url masked",
    r"""
mongodb+srv://analytics:<password>@cluster0.«n:php_sid».mongodb.net/?retryWrites=true&w=majority
""",
)
t(
    "url",
    "redis url local",
    r"""
redis://localhost:6379/0
""",
)
t(
    "url",
    "image reference with digest",
    r"""
ghcr.io/shopfront/api@«n:img_digest»
""",
)
t(
    "url",
    "github commit url",
    r"""
https://github.com/shopfront/web/commit/«n:sha1»
""",
)
t(
    "url",
    "github actions run url",
    r"""
https://github.com/shopfront/web/actions/runs/«n:build»«n:build»/job/«n:build»«n:build»
""",
)
t(
    "url",
    "npm tarball url",
    r"""
https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz#«n:sha1»
""",
)
t(
    "url",
    "s3 url public object",
    r"""
https://shopfront-static.s3.eu-west-1.amazonaws.com/assets/app.«n:sha7»«n:sha7».js
""",
)
t(
    "url",
    "oauth authorize url",
    r"""
https://accounts.google.com/o/oauth2/v2/auth?client_id=«n:g_client_id»&redirect_uri=https%3A%2F%2Fshopfront.dev%2Fauth%2Fcallback&response_type=code&scope=openid%20email&state=«n:md5»&code_challenge=«n:kid»&code_challenge_method=S256
""",
)
t(
    "url",
    "jwks url",
    r"""
https://shopfront.eu.auth0.com/.well-known/jwks.json
""",
)
t(
    "url",
    "grafana dashboard link with ids",
    r"""
https://grafana.shopfront.dev/d/«n:algolia_app»/api-latency?orgId=1&from=now-6h&to=now&var-trace=«n:traceid»
""",
)
t(
    "url",
    "jaeger trace url",
    r"""
http://jaeger.internal:16686/trace/«n:traceid»?uiFind=«n:spanid»
""",
)
t(
    "url",
    "sqlserver string integrated security",
    r"""
Server=tcp:shopfront.database.windows.net,1433;Initial Catalog=shop;Authentication=Active Directory Default;Encrypt=True;
""",
)
t(
    "url",
    "git ssh remote",
    r"""
git@github.com:shopfront/web.git
""",
)
t(
    "url",
    "docs link with key query name",
    r"""
https://developers.google.com/maps/documentation/javascript/get-api-key?hl=en#restrict_key
""",
)
t(
    "url",
    "stripe dashboard link ids",
    r"""
https://dashboard.stripe.com/test/payments/pi_«n:vercel»
""",
)
t(
    "url",
    "pypi simple url public",
    r"""
https://pypi.org/simple/cryptography/#sha256=«n:sha256»
""",
)
# --- json: JSON files, API bodies and JSON logs, positives --------------------------------------

t(
    "json",
    "docker config.json",
    r"""
{
	"auths": {
		"https://index.docker.io/v1/": {
			"auth": "«s:basic»"
		},
		"ghcr.io": {
			"auth": "«s:basic»"
		}
	},
	"credsStore": ""
}
""",
)
t(
    "json",
    "appsettings.json connection strings",
    r"""
{
  "Logging": {
    "LogLevel": {
      "Default": "Information",
      "Microsoft.AspNetCore": "Warning"
    }
  },
  "ConnectionStrings": {
    "ShopDb": "Server=localhost,1433;Database=Shop;User Id=sa;Password=«s:pwr»;TrustServerCertificate=True"
  },
  "Jwt": {
    "Issuer": "https://api.shopfront.dev",
    "Key": "«s:b64k»"
  },
  "AllowedHosts": "*"
}
""",
)
t(
    "json",
    "appsettings.Development.json sendgrid",
    r"""
{
  "SendGrid": {
    "ApiKey": "«s:sendgrid»",
    "FromAddress": "no-reply@shopfront.dev"
  },
  "Storage": {
    "ConnectionString": "DefaultEndpointsProtocol=https;AccountName=shopdev;AccountKey=«s:azure_key»;EndpointSuffix=core.windows.net"
  }
}
""",
)
t(
    "json",
    "gcloud service account key",
    r"""
{
  "type": "service_account",
  "project_id": "shopfront-prod",
  "private_key_id": "«n:sha1»",
  "private_key": "«s:pem_pkcs8|json»\n",
  "client_email": "ci-deployer@shopfront-prod.iam.gserviceaccount.com",
  "client_id": "«n:acct»«n:num»",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/ci-deployer%40shopfront-prod.iam.gserviceaccount.com",
  "universe_domain": "googleapis.com"
}
""",
)
t(
    "json",
    "gcloud ADC authorized user",
    r"""
{
  "account": "",
  "client_id": "«n:g_client_id»",
  "client_secret": "«s:gocspx»",
  "quota_project_id": "shopfront-dev",
  "refresh_token": "«s:g_refresh»",
  "type": "authorized_user",
  "universe_domain": "googleapis.com"
}
""",
)
t(
    "json",
    "oauth token response",
    r"""
{
  "access_token": "«s:ya29»",
  "expires_in": 3599,
  "refresh_token": "«s:g_refresh»",
  "scope": "https://www.googleapis.com/auth/drive.readonly openid",
  "token_type": "Bearer",
  "id_token": "«s:jwt_rs»"
}
""",
)
t(
    "json",
    "login api response",
    r"""
{
  "user": {
    "id": «n:num»,
    "email": "«n:user»@shopfront.dev",
    "role": "admin"
  },
  "accessToken": "«s:jwt»",
  "refreshToken": "«s:b64u»",
  "expiresAt": "«n:ts»"
}
""",
)
t(
    "json",
    "composer auth.json",
    r"""
{
    "http-basic": {
        "repo.packagist.com": {
            "username": "token",
            "password": "«s:hex40»"
        }
    },
    "github-oauth": {
        "github.com": "«s:ghp»"
    }
}
""",
)
t(
    "json",
    "firebase service config",
    r"""
{
  "hosting": {
    "public": "dist",
    "ignore": ["firebase.json", "**/.*", "**/node_modules/**"]
  },
  "functions": {
    "source": "functions",
    "runtime": "nodejs20"
  },
  "env": {
    "STRIPE_SECRET": "«s:sk_live»",
    "MAILCHIMP_KEY": "«s:hex32»-us21"
  }
}
""",
)
t(
    "json",
    "vscode settings with token",
    r"""
{
  "editor.formatOnSave": true,
  "files.exclude": { "**/.git": true },
  "sqltools.connections": [
    {
      "name": "local pg",
      "driver": "PostgreSQL",
      "server": "localhost",
      "port": 5432,
      "database": "shop",
      "username": "postgres",
      "password": "«s:pwh»"
    }
  ]
}
""",
)
t(
    "json",
    "claude settings env",
    r"""
{
  "permissions": {
    "allow": ["Bash(npm run test:*)", "Read(./src/**)"]
  },
  "env": {
    "ANTHROPIC_API_KEY": "«s:anthropic»",
    "GITHUB_PERSONAL_ACCESS_TOKEN": "«s:ghpat»"
  }
}
""",
)
t(
    "json",
    "mcp servers config",
    r"""
{
  "mcpServers": {
    "github": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"],
      "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "«s:ghp»" }
    },
    "postgres": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://readonly:«s:pwa»@localhost:5432/shop"]
    }
  }
}
""",
)
t(
    "json",
    "devcontainer env",
    r"""
{
  "name": "shopfront",
  "image": "mcr.microsoft.com/devcontainers/typescript-node:1-20-bookworm",
  "forwardPorts": [3000, 5432],
  "containerEnv": {
    "DATABASE_URL": "postgres://postgres:«s:pwh»@db:5432/shop",
    "STRIPE_SECRET_KEY": "«s:sk_test»"
  },
  "postCreateCommand": "npm ci"
}
""",
)
t(
    "json",
    "terraform state db password",
    r"""
{
  "version": 4,
  "terraform_version": "1.8.5",
  "serial": «n:num»,
  "lineage": "«n:uuid»",
  "resources": [
    {
      "mode": "managed",
      "type": "aws_db_instance",
      "name": "orders",
      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "instances": [
        {
          "attributes": {
            "address": "orders-prod.c9xk2.eu-west-1.rds.amazonaws.com",
            "engine": "postgres",
            "password": "«s:pwr»",
            "username": "orders_admin"
          },
          "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]]
        }
      ]
    }
  ]
}
""",
)
t(
    "json",
    "terraform state iam access key",
    r"""
        {
          "schema_version": 0,
          "attributes": {
            "create_date": "«n:ts»",
            "id": "«n:akid»",
            "secret": "«s:aws_sk»",
            "ses_smtp_password_v4": "«s:b64k»",
            "status": "Active",
            "user": "ci-uploader"
          }
        }
""",
)
t(
    "json",
    "terraform state random password",
    r"""
{
  "type": "random_password",
  "name": "redis",
  "instances": [
    {
      "schema_version": 3,
      "attributes": {
        "bcrypt_hash": "$2a$10$«n:kid»«n:sha7»ab",
        "id": "none",
        "length": 32,
        "result": "«s:pwr»",
        "special": true
      }
    }
  ]
}
""",
)
t(
    "json",
    "json log line db url",
    r"""
{"level":"error","time":"«n:ts»","service":"orders","msg":"db connect failed","dsn":"postgres://orders:«s:pwa»@10.0.3.7:5432/orders","err":"dial tcp 10.0.3.7:5432: i/o timeout","trace_id":"«n:traceid»"}
""",
)
t(
    "json",
    "json log request headers",
    r"""
{"timestamp":"«n:ts»","level":"debug","logger":"http.client","event":"request","method":"POST","url":"https://api.openai.com/v1/responses","headers":{"authorization":"Bearer «s:openai»","content-type":"application/json","user-agent":"OpenAI/Python 1.40.0"},"request_id":"«n:uuid»"}
""",
)
t(
    "json",
    "pino log config dump",
    r"""
{"level":30,"time":«n:epoch»123,"pid":«n:pid»,"hostname":"api-«n:sha7»","msg":"config loaded","config":{"port":3000,"redisUrl":"redis://:«s:pwa»@redis:6379","jwtSecret":"«s:hex64»","logLevel":"info"}}
""",
)
t(
    "json",
    "structured log webhook",
    r"""
{"ts":"«n:ts»","lvl":"INFO","msg":"posting alert","channel":"#oncall","webhook":"«s:slack_hook»","status":200}
""",
)
t(
    "json",
    "github api create token response",
    r"""
{
  "token": "«s:ghs»",
  "expires_at": "«n:ts»",
  "permissions": {
    "contents": "read",
    "metadata": "read",
    "pull_requests": "write"
  },
  "repository_selection": "selected"
}
""",
)
t(
    "json",
    "postman environment",
    r"""
{
  "id": "«n:uuid»",
  "name": "Shopfront Staging",
  "values": [
    { "key": "baseUrl", "value": "https://api.staging.shopfront.dev", "type": "default", "enabled": true },
    { "key": "apiKey", "value": "«s:tok40»", "type": "secret", "enabled": true },
    { "key": "adminPassword", "value": "«s:pwh»", "type": "secret", "enabled": true }
  ],
  "_postman_variable_scope": "environment"
}
""",
)
t(
    "json",
    "HAR entry headers",
    r"""
{
  "request": {
    "method": "GET",
    "url": "https://app.shopfront.dev/api/cart",
    "httpVersion": "HTTP/2",
    "headers": [
      { "name": "accept", "value": "application/json" },
      { "name": "cookie", "value": "sessionid=«s:django_sid»; csrftoken=«n:kid»" },
      { "name": "x-requested-with", "value": "XMLHttpRequest" }
    ]
  },
  "response": { "status": 200, "headers": [{ "name": "x-request-id", "value": "«n:uuid»" }] }
}
""",
)
t(
    "json",
    "browser cookies export",
    r"""
[
  {
    "domain": ".shopfront.dev",
    "name": "connect.sid",
    "value": "«s:express_sid»",
    "path": "/",
    "httpOnly": true,
    "secure": true,
    "expirationDate": «n:epoch»
  },
  {
    "domain": ".shopfront.dev",
    "name": "_ga",
    "value": "GA1.1.«n:num»«n:num».«n:epoch»",
    "path": "/"
  }
]
""",
)
t(
    "json",
    "laravel session cookie in test dump",
    r"""
{
  "status": 302,
  "headers": {
    "location": "http://localhost/dashboard",
    "set-cookie": [
      "XSRF-TOKEN=«n:laravel_cookie»; expires=Thu, 05 Mar 2026 12:00:00 GMT; Max-Age=7200; path=/; samesite=lax",
      "laravel_session=«s:laravel_cookie»; expires=Thu, 05 Mar 2026 12:00:00 GMT; Max-Age=7200; path=/; httponly; samesite=lax"
    ]
  }
}
""",
)
t(
    "json",
    "package.json scripts with token",
    r"""
{
  "name": "@shopfront/web",
  "version": "2.4.1",
  "private": true,
  "scripts": {
    "dev": "next dev",
    "build": "next build",
    "sentry:upload": "sentry-cli --auth-token «s:sentry_tok» sourcemaps upload .next",
    "db:pull": "DATABASE_URL=postgres://postgres:«s:pwh»@localhost:5432/shop prisma db pull"
  }
}
""",
)
t(
    "json",
    "aws cli sts credentials output",
    r"""
{
    "Credentials": {
        "AccessKeyId": "«n:asia»",
        "SecretAccessKey": "«s:aws_sk»",
        "SessionToken": "«s:aws_st»",
        "Expiration": "«n:ts»"
    },
    "AssumedRoleUser": {
        "AssumedRoleId": "«n:asia»:ci",
        "Arn": "arn:aws:sts::«n:acct»:assumed-role/deploy/ci"
    }
}
""",
)
t(
    "json",
    "aws secretsmanager get-secret-value",
    r"""
{
    "ARN": "arn:aws:secretsmanager:eu-west-1:«n:acct»:secret:prod/orders/db-«n:algolia_app»",
    "Name": "prod/orders/db",
    "VersionId": "«n:uuid»",
    "SecretString": "{\"username\":\"orders_rw\",\"password\":\"«s:pwr|json»\",\"host\":\"orders-db.internal\"}",
    "VersionStages": ["AWSCURRENT"],
    "CreatedDate": "«n:ts»"
}
""",
)
t(
    "json",
    "docker inspect env array",
    r"""
[
    {
        "Id": "«n:sha256»",
        "Created": "«n:ts»",
        "Config": {
            "Hostname": "«n:sha7»«n:sha7»",
            "Env": [
                "POSTGRES_PASSWORD=«s:pwh»",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "PG_VERSION=16.2-1.pgdg120+2"
            ],
            "Image": "postgres:16"
        }
    }
]
""",
)
t(
    "json",
    "kubectl get secret -o json",
    r"""
{
    "apiVersion": "v1",
    "data": {
        "api-key": "«s:sendgrid|b64»",
        "username": "«n:word|b64»"
    },
    "kind": "Secret",
    "metadata": {
        "name": "sendgrid",
        "namespace": "prod",
        "uid": "«n:uuid»"
    },
    "type": "Opaque"
}
""",
)
t(
    "json",
    "k8s dockerconfigjson decoded",
    r"""
{"auths":{"ghcr.io":{"username":"«n:user»","password":"«s:ghp»","auth":"«s:basic»"}}}
""",
)
t(
    "json",
    "jwk private key",
    r"""
{
  "kty": "EC",
  "crv": "P-256",
  "kid": "«n:kid»",
  "use": "sig",
  "x": "«n:kid»",
  "y": "«n:kid»",
  "d": "«s:b64u»"
}
""",
)
t(
    "json",
    "npm token create json",
    r"""
{
  "token": "«s:npm_tok»",
  "key": "«n:sha512_hex»",
  "cidr_whitelist": [],
  "readonly": false,
  "automation": true,
  "created": "«n:ts»"
}
""",
)
t(
    "json",
    "stripe webhook endpoint create",
    r"""
{
  "id": "we_«n:vercel»",
  "object": "webhook_endpoint",
  "api_version": "2024-06-20",
  "enabled_events": ["checkout.session.completed", "invoice.paid"],
  "livemode": true,
  "secret": "«s:whsec»",
  "status": "enabled",
  "url": "https://api.shopfront.dev/webhooks/stripe"
}
""",
)
t(
    "json",
    "rails master key in github api body",
    r"""
{"encrypted_value":"«n:b64k»","key_id":"«n:acct»«n:num»"}
{"name":"RAILS_MASTER_KEY","value":"«s:hex32»"}
""",
)
t(
    "json",
    "vercel project env list decrypted",
    r"""
{
  "envs": [
    { "type": "encrypted", "key": "DATABASE_URL", "value": "postgres://default:«s:pwa»@ep-«n:word»-«n:php_sid».eu-central-1.aws.neon.tech:5432/verceldb?sslmode=require", "target": ["production"] },
    { "type": "plain", "key": "NEXT_PUBLIC_SITE_URL", "value": "https://shopfront.dev", "target": ["production", "preview"] }
  ]
}
""",
)
t(
    "json",
    "cloudflare api create token response",
    r"""
{
  "result": {
    "id": "«n:md5»",
    "name": "ci-dns-edit",
    "status": "active",
    "value": "«s:cf_tok»"
  },
  "success": true,
  "errors": [],
  "messages": []
}
""",
)
t(
    "json",
    "openai admin api key response",
    r"""
{
  "object": "organization.admin_api_key",
  "id": "key_«n:vercel»",
  "name": "ci-usage-export",
  "redacted_value": "sk-admin-...«n:sha7»",
  "value": "sk-admin-«s:b64u»«s:b64u»",
  "created_at": «n:epoch»
}
""",
)
t(
    "json",
    "jest snapshot with auth header",
    r"""
{
  "method": "POST",
  "url": "https://hooks.internal/ingest",
  "headers": {
    "Authorization": "Basic «s:basic»",
    "Content-Type": "application/json"
  },
  "body": "{\"event\":\"order.created\",\"id\":«n:num»}"
}
""",
)
t(
    "json",
    "launch.json env",
    r"""
{
  "version": "0.2.0",
  "configurations": [
    {
      "type": "node",
      "request": "launch",
      "name": "API",
      "program": "${workspaceFolder}/src/server.ts",
      "env": {
        "DATABASE_URL": "postgres://postgres:«s:pwh»@localhost:5432/shop",
        "GITHUB_TOKEN": "«s:ghp»"
      }
    }
  ]
}
""",
)
t(
    "json",
    "mongo users dump",
    r"""
[
  {"_id":{"$oid":"«n:sha7»«n:sha7»«n:sha7»abc"},"email":"«n:user»@shopfront.dev","apiKey":"«s:tok40»","plan":"pro"},
  {"_id":{"$oid":"«n:sha7»«n:sha7»«n:sha7»abd"},"email":"«n:user»@example.org","apiKey":"«s:tok40»","plan":"free"}
]
""",
)
t(
    "json",
    "sql json export service tokens",
    r"""
[{"id":1,"provider":"shopify","shop":"shopfront-dev.myshopify.com","access_token":"«s:shpat»","scopes":"read_products"},
 {"id":2,"provider":"hubspot","portal":«n:num»,"access_token":"«s:uuid_secret»","scopes":"crm.objects.contacts.read"}]
""",
)
t(
    "json",
    "pulumi stack export plaintext",
    r"""
{
  "urn": "urn:pulumi:prod::shop::aws:rds/instance:Instance::orders",
  "type": "aws:rds/instance:Instance",
  "outputs": {
    "engine": "postgres",
    "password": {
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      "plaintext": "\"«s:pwr|json»\""
    }
  }
}
""",
)
t(
    "json",
    "gh api secret mistakenly echoed",
    r"""
{
  "message": "Validation Failed",
  "errors": [{"resource": "Secret", "field": "encrypted_value", "code": "invalid", "value": "«s:npm_tok»"}],
  "documentation_url": "https://docs.github.com/rest/actions/secrets"
}
""",
)
t(
    "json",
    "notebook json cell source",
    r"""
{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 3,
   "metadata": {},
   "outputs": [],
   "source": [
    "import os\n",
    "os.environ[\"OPENAI_API_KEY\"] = \"«s:openai»\"\n",
    "os.environ[\"PINECONE_API_KEY\"] = \"«s:uuid_secret»\"\n"
   ]
  }
 ],
 "nbformat": 4,
 "nbformat_minor": 5
}
""",
)
t(
    "json",
    "insomnia export auth",
    r"""
{
  "_type": "request",
  "_id": "req_«n:md5»",
  "name": "List invoices",
  "method": "GET",
  "url": "{{ base_url }}/v1/invoices",
  "authentication": {
    "type": "bearer",
    "token": "«s:sk_live»"
  }
}
""",
)
t(
    "json",
    "wrangler dev vars json",
    r"""
{
  "DATABASE_URL": "postgresql://neondb_owner:«s:pwa»@ep-«n:word»-«n:php_sid».eu-central-1.aws.neon.tech/neondb?sslmode=require",
  "RESEND_API_KEY": "re_«s:tok40»",
  "ENVIRONMENT": "development"
}
""",
)
t(
    "json",
    "mailchimp and hubspot config",
    r"""
{
  "mailchimp": {
    "apiKey": "«s:hex32»-us14",
    "listId": "«n:sha7»abc"
  },
  "hubspot": {
    "portalId": «n:num»,
    "privateAppToken": "pat-eu1-«s:uuid_secret»"
  }
}
""",
)
t(
    "json",
    "azure cli sp create output",
    r"""
{
  "appId": "«n:uuid»",
  "displayName": "gh-actions-deploy",
  "password": "«s:azure_cs»",
  "tenant": "«n:uuid»"
}
""",
)
t(
    "json",
    "github app private key in json config",
    r"""
{
  "appId": «n:num»,
  "webhookSecret": "«s:hex40»",
  "privateKey": "«s:pem_rsa|json»",
  "clientId": "Iv1.«n:spanid»"
}
""",
)
t(
    "json",
    "json log basic auth header",
    r"""
{"time":"«n:ts»","level":"WARN","msg":"upstream 401","upstream":"https://registry.corp.example.com/v2/","request_headers":{"Authorization":["Basic «s:basic»"],"User-Agent":["docker/26.1.4"]}}
""",
)
t(
    "json",
    "jwt in local storage dump",
    r"""
{
  "persist:root": "{\"auth\":\"{\\\"token\\\":\\\"«s:jwt»\\\",\\\"user\\\":{\\\"id\\\":«n:num»}}\",\"_persist\":\"{\\\"version\\\":-1,\\\"rehydrated\\\":true}\"}",
  "theme": "dark"
}
""",
)
t(
    "json",
    "new relic config json",
    r"""
{
  "app_name": ["shopfront-api"],
  "license_key": "«s:hex40»",
  "logging": { "level": "info" },
  "user_api_key": "«s:nrak»"
}
""",
)
t(
    "json",
    "auth0 application export",
    r"""
{
  "name": "Shopfront Web",
  "client_id": "«n:vercel»«n:sha7»",
  "client_secret": "«s:auth0_cs»",
  "app_type": "regular_web",
  "callbacks": ["https://shopfront.dev/api/auth/callback"],
  "grant_types": ["authorization_code", "refresh_token"]
}
""",
)
# --- json: negatives ----------------------------------------------------------------------------

t(
    "json",
    "docker config credsStore",
    r"""
{
	"auths": {
		"ghcr.io": {},
		"https://index.docker.io/v1/": {}
	},
	"credsStore": "desktop",
	"currentContext": "desktop-linux"
}
""",
)
t(
    "json",
    "appsettings.json placeholders",
    r"""
{
  "ConnectionStrings": {
    "ShopDb": "Server=(localdb)\\mssqllocaldb;Database=Shop;Trusted_Connection=True;MultipleActiveResultSets=true"
  },
  "Jwt": {
    "Issuer": "https://api.shopfront.dev",
    "Key": "<set in user-secrets>"
  },
  "KeyVault": { "Uri": "https://shopfront-kv.vault.azure.net/" }
}
""",
)
t(
    "json",
    "gcloud external account config",
    r"""
{
  "type": "external_account",
  "audience": "//iam.googleapis.com/projects/«n:acct»/locations/global/workloadIdentityPools/github/providers/github",
  "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
  "token_url": "https://sts.googleapis.com/v1/token",
  "service_account_impersonation_url": "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/deployer@shopfront-prod.iam.gserviceaccount.com:generateAccessToken",
  "credential_source": { "file": "/var/run/secrets/tokens/gcp-ksa/token", "format": { "type": "text" } }
}
""",
)
t(
    "json",
    "package-lock fragment",
    r"""
{
  "name": "@shopfront/web",
  "lockfileVersion": 3,
  "packages": {
    "node_modules/jose": {
      "version": "5.6.3",
      "resolved": "https://registry.npmjs.org/jose/-/jose-5.6.3.tgz",
      "integrity": "«n:integrity»",
      "funding": { "url": "https://github.com/sponsors/panva" }
    },
    "node_modules/next-auth": {
      "version": "4.24.7",
      "resolved": "https://registry.npmjs.org/next-auth/-/next-auth-4.24.7.tgz",
      "integrity": "«n:integrity»"
    }
  }
}
""",
)
t(
    "json",
    "composer.lock dist shasum",
    r"""
{
    "name": "laravel/sanctum",
    "version": "v4.0.2",
    "source": { "type": "git", "url": "https://github.com/laravel/sanctum.git", "reference": "«n:sha1»" },
    "dist": { "type": "zip", "url": "https://api.github.com/repos/laravel/sanctum/zipball/«n:sha1»", "reference": "«n:sha1»", "shasum": "" }
}
""",
)
t(
    "json",
    "firebase.json hosting only",
    r"""
{
  "hosting": {
    "public": "dist",
    "rewrites": [{ "source": "**", "destination": "/index.html" }],
    "headers": [{ "source": "**/*.@(js|css)", "headers": [{ "key": "Cache-Control", "value": "max-age=31536000" }] }]
  },
  "emulators": { "auth": { "port": 9099 }, "firestore": { "port": 8080 } }
}
""",
)
t(
    "json",
    "firebase web config json",
    r"""
{
  "apiKey": "«n:firebase_web_key»",
  "authDomain": "shopfront-prod.firebaseapp.com",
  "projectId": "shopfront-prod",
  "storageBucket": "shopfront-prod.appspot.com",
  "messagingSenderId": "«n:acct»",
  "appId": "1:«n:acct»:web:«n:md5»"
}
""",
)
t(
    "json",
    "claude settings env refs",
    r"""
{
  "permissions": {
    "allow": ["Bash(git status)", "Bash(npm test:*)"],
    "deny": ["Read(./.env)", "Read(./.env.*)", "Read(./secrets/**)"]
  },
  "env": {
    "CLAUDE_CODE_ENABLE_TELEMETRY": "0"
  }
}
""",
)
t(
    "json",
    "mcp config env passthrough",
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
)
t(
    "json",
    "terraform state sensitive omitted",
    r"""
{
  "version": 4,
  "terraform_version": "1.8.5",
  "serial": «n:num»,
  "lineage": "«n:uuid»",
  "outputs": {
    "db_endpoint": { "value": "orders-prod.c9xk2.eu-west-1.rds.amazonaws.com:5432", "type": "string" },
    "bucket_arn": { "value": "arn:aws:s3:::shopfront-prod-uploads", "type": "string" }
  },
  "check_results": null
}
""",
)
t(
    "json",
    "terraform plan json sensitive",
    r"""
{"resource_changes":[{"address":"aws_db_instance.orders","change":{"actions":["update"],"before_sensitive":{"password":true},"after_sensitive":{"password":true},"after_unknown":{}}}]}
""",
)
t(
    "json",
    "json log safe",
    r"""
{"level":"info","time":"«n:ts»","service":"checkout","msg":"payment captured","order_id":«n:num»,"payment_intent":"pi_«n:vercel»","amount":4200,"currency":"eur","trace_id":"«n:traceid»","span_id":"«n:spanid»"}
""",
)
t(
    "json",
    "json log masked",
    r"""
{"level":"debug","time":"«n:ts»","msg":"outgoing request","method":"POST","url":"https://api.openai.com/v1/responses","headers":{"authorization":"Bearer sk-****","content-type":"application/json"},"request_id":"«n:uuid»"}
""",
)
t(
    "json",
    "kms encrypt output",
    r"""
{
    "CiphertextBlob": "«n:kms»",
    "KeyId": "arn:aws:kms:eu-west-1:«n:acct»:key/«n:uuid»",
    "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"
}
""",
)
t(
    "json",
    "github actions public key for secrets",
    r"""
{
  "key_id": "«n:acct»«n:num»",
  "key": "«n:b64k»"
}
""",
)
t(
    "json",
    "github encrypted secret body",
    r"""
{"encrypted_value":"«n:b64k»«n:b64k»","key_id":"«n:acct»«n:num»"}
""",
)
t(
    "json",
    "jwks public keys",
    r"""
{
  "keys": [
    {
      "kty": "RSA",
      "use": "sig",
      "kid": "«n:kid»",
      "alg": "RS256",
      "n": "«n:kid»«n:kid»«n:kid»«n:kid»«n:kid»«n:kid»",
      "e": "AQAB"
    }
  ]
}
""",
)
t(
    "json",
    "oauth openid configuration",
    r"""
{
  "issuer": "https://shopfront.eu.auth0.com/",
  "authorization_endpoint": "https://shopfront.eu.auth0.com/authorize",
  "token_endpoint": "https://shopfront.eu.auth0.com/oauth/token",
  "jwks_uri": "https://shopfront.eu.auth0.com/.well-known/jwks.json",
  "response_types_supported": ["code", "token", "id_token"],
  "code_challenge_methods_supported": ["S256", "plain"]
}
""",
)
t(
    "json",
    "aws sts identity",
    r"""
{
    "UserId": "«n:akid»",
    "Account": "«n:acct»",
    "Arn": "arn:aws:iam::«n:acct»:user/ci-uploader"
}
""",
)
t(
    "json",
    "aws iam list access keys",
    r"""
{
    "AccessKeyMetadata": [
        {
            "UserName": "ci-uploader",
            "AccessKeyId": "«n:akid»",
            "Status": "Active",
            "CreateDate": "«n:ts»"
        }
    ]
}
""",
)
t(
    "json",
    "aws secretsmanager describe",
    r"""
{
    "ARN": "arn:aws:secretsmanager:eu-west-1:«n:acct»:secret:prod/stripe-«n:algolia_app»",
    "Name": "prod/stripe",
    "RotationEnabled": true,
    "RotationRules": { "AutomaticallyAfterDays": 30 },
    "VersionIdsToStages": { "«n:uuid»": ["AWSCURRENT"], "«n:uuid»": ["AWSPREVIOUS"] }
}
""",
)
t(
    "json",
    "docker inspect image",
    r"""
[
    {
        "Id": "«n:img_digest»",
        "RepoTags": ["ghcr.io/shopfront/api:latest"],
        "RepoDigests": ["ghcr.io/shopfront/api@«n:img_digest»"],
        "Config": {
            "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "NODE_VERSION=20.11.1", "YARN_VERSION=1.22.19"],
            "Labels": { "org.opencontainers.image.revision": "«n:sha1»" }
        }
    }
]
""",
)
t(
    "json",
    "kubectl get secret json redacted",
    r"""
{
    "apiVersion": "v1",
    "kind": "Secret",
    "metadata": { "name": "sendgrid", "namespace": "prod", "uid": "«n:uuid»", "resourceVersion": "«n:num»" },
    "type": "Opaque",
    "data": { "api-key": "«n:mask»" }
}
""",
)
t(
    "json",
    "postman env empty secrets",
    r"""
{
  "id": "«n:uuid»",
  "name": "Shopfront Local",
  "values": [
    { "key": "baseUrl", "value": "http://localhost:8000", "type": "default", "enabled": true },
    { "key": "apiKey", "value": "", "type": "secret", "enabled": true },
    { "key": "token", "value": "{{login.token}}", "type": "default", "enabled": true }
  ]
}
""",
)
t(
    "json",
    "stripe event payload",
    r"""
{
  "id": "evt_«n:vercel»",
  "object": "event",
  "api_version": "2024-06-20",
  "created": «n:epoch»,
  "data": { "object": { "id": "cs_live_«n:tok40»", "object": "checkout.session", "amount_total": 4200, "customer": "cus_«n:php_sid»" } },
  "livemode": true,
  "request": { "id": "«n:reqid»", "idempotency_key": "«n:uuid»" },
  "type": "checkout.session.completed"
}
""",
)
t(
    "json",
    "github api list tokens redacted",
    r"""
[
  { "id": «n:num», "name": "ci-release", "token_last_eight": "«n:sha7»x", "scopes": ["repo", "workflow"], "expires_at": "«n:ts»" }
]
""",
)
t(
    "json",
    "vercel env list encrypted",
    r"""
{
  "envs": [
    { "type": "encrypted", "key": "DATABASE_URL", "value": "«n:kms»", "target": ["production"], "id": "«n:vercel»" },
    { "type": "sensitive", "key": "STRIPE_SECRET_KEY", "value": "", "target": ["production"], "id": "«n:vercel»" }
  ]
}
""",
)
t(
    "json",
    "openai api key list redacted",
    r"""
{
  "object": "list",
  "data": [
    { "object": "organization.project.api_key", "id": "key_«n:vercel»", "name": "backend", "redacted_value": "sk-proj-****«n:sha7»", "created_at": «n:epoch» }
  ]
}
""",
)
t(
    "json",
    "har entry safe headers",
    r"""
{
  "request": {
    "method": "GET",
    "url": "https://app.shopfront.dev/_next/static/chunks/main-«n:sha7»«n:sha7».js",
    "headers": [
      { "name": "if-none-match", "value": "«n:etag»" },
      { "name": "accept-encoding", "value": "gzip, deflate, br" }
    ]
  },
  "response": { "status": 304, "headers": [{ "name": "x-vercel-id", "value": "fra1::«n:php_sid»-«n:epoch»" }] }
}
""",
)
t(
    "json",
    "notebook output ids",
    r"""
{
 "cell_type": "code",
 "execution_count": 12,
 "outputs": [
  {
   "name": "stdout",
   "output_type": "stream",
   "text": ["batch_«n:vercel» completed: 1000/1000 requests, output file file-«n:vercel»\n"]
  }
 ],
 "source": ["batch = client.batches.retrieve(batch_id)\n", "print(batch.status)"]
}
""",
)
t(
    "json",
    "tsconfig and eslint",
    r"""
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "ESNext",
    "strict": true,
    "paths": { "@/*": ["./src/*"] }
  },
  "include": ["next-env.d.ts", "**/*.ts", "**/*.tsx"],
  "exclude": ["node_modules"]
}
""",
)
t(
    "json",
    "sops encrypted json",
    r"""
{
	"stripe_secret_key": "«n:sops»",
	"db_password": "«n:sops»",
	"sops": {
		"age": [ { "recipient": "age1«n:php_sid»«n:php_sid»", "enc": "«n:b64text»" } ],
		"lastmodified": "«n:ts»",
		"mac": "«n:sops»",
		"version": "3.8.1"
	}
}
""",
)
t(
    "json",
    "sealed secret json",
    r"""
{"kind":"SealedSecret","apiVersion":"bitnami.com/v1alpha1","metadata":{"name":"api-secrets","namespace":"prod"},"spec":{"encryptedData":{"STRIPE_SECRET_KEY":"«n:sealed»"}}}
""",
)
t(
    "json",
    "appsettings json user secrets id and public",
    r"""
{
  "Stripe": {
    "PublishableKey": "«n:pk_live»",
    "SecretKey": ""
  },
  "GoogleAuth": { "ClientId": "«n:g_client_id»" },
  "ApplicationInsights": { "ConnectionString": "InstrumentationKey=«n:uuid»;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/" }
}
""",
)
t(
    "json",
    "auth0 application export no secret",
    r"""
{
  "name": "Shopfront SPA",
  "client_id": "«n:vercel»«n:sha7»",
  "app_type": "spa",
  "token_endpoint_auth_method": "none",
  "callbacks": ["https://shopfront.dev/callback"],
  "allowed_origins": ["https://shopfront.dev"]
}
""",
)
t(
    "json",
    "supabase config json anon",
    r"""
{
  "url": "https://«n:word»«n:num».supabase.co",
  "anonKey": "«n:sb_anon»",
  "storageBucket": "avatars"
}
""",
)
t(
    "json",
    "npm whoami and token list",
    r"""
[
  { "key": "«n:sha512_hex»", "token": "npm_…«n:sha7»", "cidr_whitelist": null, "readonly": false, "automation": true, "created": "«n:ts»", "updated": "«n:ts»" }
]
""",
)
t(
    "json",
    "graphql error response",
    r"""
{"errors":[{"message":"Authentication required: provide a valid API key in the Authorization header","extensions":{"code":"UNAUTHENTICATED","requestId":"«n:uuid»"}}],"data":null}
""",
)

# --- more of the same day: tokens of the other common tools -------------------------------------

t(
    "plain",
    "terraformrc credentials",
    r"""
credentials "app.terraform.io" {
  token = "«s:tfc»"
}
plugin_cache_dir = "$HOME/.terraform.d/plugin-cache"
""",
)
t(
    "plain",
    "dotenv notion linear",
    r"""
NOTION_TOKEN=«s:notion»
NOTION_DATABASE_ID=«n:md5»
LINEAR_API_KEY=«s:linear»
LINEAR_TEAM_ID=«n:uuid»
""",
)
t(
    "shell",
    "netlify deploy auth flag",
    r"""
$ netlify deploy --prod --dir=dist --site «n:uuid» --auth «s:netlify»
Deploy path: /home/runner/work/web/web/dist
✔ Finished hashing 214 files
Website URL:       https://shopfront.dev
""",
)
t(
    "shell",
    "pulumi access token export",
    r"""
$ export PULUMI_ACCESS_TOKEN=«s:pulumi»
$ pulumi stack select shopfront/prod
$ pulumi up --yes
""",
)
t(
    "shell",
    "doppler service token",
    r"""
$ DOPPLER_TOKEN=«s:doppler» doppler secrets download --no-file --format env | wc -l
42
""",
)
t(
    "yaml",
    "gitlab runner register",
    r"""
# /etc/gitlab-runner/config.toml rendered by ansible from this vars file
gitlab_runner_coordinator_url: https://gitlab.com/
gitlab_runner_registration:
  - name: docker-runner-01
    token: «s:glrt»
    executor: docker
    docker_image: alpine:3.20
""",
)
t(
    "source",
    "python slack user token",
    r"""
# scripts/export_channel.py
SLACK_USER_TOKEN = "«s:xoxp»"
client = WebClient(token=SLACK_USER_TOKEN)
history = client.conversations_history(channel="C0«n:algolia_app»", limit=200)
""",
)
t(
    "source",
    "ts stripe restricted key",
    r"""
// reporting worker only reads charges
const stripe = new Stripe("«s:rk_live»", { apiVersion: "2024-06-20" });
const charges = await stripe.charges.list({ limit: 100, created: { gte: since } });
""",
)
t(
    "source",
    "python okta api token",
    r"""
OKTA_ORG_URL = "https://shopfront.okta.com"
OKTA_API_TOKEN = "«s:okta»"

resp = requests.get(f"{OKTA_ORG_URL}/api/v1/users?limit=25", headers={"Authorization": f"SSWS {OKTA_API_TOKEN}"})
""",
)
t(
    "json",
    "algolia admin config",
    r"""
{
  "appId": "«n:algolia_app»",
  "adminApiKey": "«s:algolia_admin»",
  "searchApiKey": "«n:algolia_search»",
  "indexName": "products_prod"
}
""",
)
t(
    "plain",
    "curl -v rails session cookie",
    r"""
> GET /admin/orders HTTP/1.1
> Host: localhost:3000
> User-Agent: curl/8.5.0
> Accept: */*
> Cookie: _shopfront_session=«s:rails_cookie»
>
< HTTP/1.1 200 OK
< x-request-id: «n:uuid»
< x-runtime: 0.084211
""",
)
t(
    "plain",
    "php session cookie in curl -v",
    r"""
> POST /wp-admin/admin-ajax.php HTTP/1.1
> Host: shop.example.com
> Cookie: PHPSESSID=«s:php_sid»; wordpress_logged_in_«n:md5»=admin%7C«n:epoch»%7C«s:tok40»%7C«n:sha256»
> Content-Type: application/x-www-form-urlencoded
""",
)
t(
    "plain",
    "jwt signing keys public pem",
    r"""
$ cat keys/jwt-public.pem
«n:pubkey»
$ openssl pkey -pubin -in keys/jwt-public.pem -noout -text | head -1
Public-Key: (2048 bit)
""",
)
t(
    "source",
    "stripe test publishable in tests",
    r"""
describe("checkout", () => {
  beforeAll(() => {
    process.env.NEXT_PUBLIC_STRIPE_KEY = "«n:pk_test»";
  });
  it("renders the payment element", async () => {
    render(<Checkout />);
    expect(await screen.findByTestId("payment-element")).toBeInTheDocument();
  });
});
""",
)
t(
    "json",
    "jwt public key config",
    r"""
{
  "jwt": {
    "algorithm": "RS256",
    "issuer": "https://auth.shopfront.dev",
    "publicKey": "«n:pubkey|json»",
    "kid": "«n:kid»"
  }
}
""",
)


# --- the corpus --------------------------------------------------------------------------------


def templates() -> list[tuple[str, str, str]]:
    """(context, kind, text) for every template."""
    return list(_TEMPLATES)


def _split(template: str) -> str:
    return "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"


def _located(secret: str, text: str) -> str:
    """The secret as the text holds it: raw, or JSON-escaped once or twice."""
    once = json.dumps(secret)[1:-1]
    for form in (secret, once, json.dumps(once)[1:-1]):
        if form in text:
            return form
    raise AssertionError(f"planted secret not in its document: {secret[:24]!r}")


def corpus(seed: int, copies: int = 6) -> list[Document]:
    """Each template ``copies`` times in its own context and ``copies`` times inside an agent-log line."""
    documents: list[Document] = []
    for index, (context, kind, template) in enumerate(_TEMPLATES):
        rng = random.Random(seed * 1_000_003 + index)
        split = _split(template)
        positive = "«s:" in template
        for _ in range(copies):
            text, secrets = render(template, rng)
            assert bool(secrets) == positive, kind
            assert all(secret in text for secret in secrets), kind
            documents.append(Document(text, secrets, context, kind, split, template))
        for copy in range(copies):
            text, secrets = render(template, rng)
            line = ENVELOPES[(index + copy) % len(ENVELOPES)](text, rng)
            located = [_located(secret, line) for secret in secrets]
            documents.append(Document(line, located, "json", kind, split, template))
    return documents


def main() -> None:
    per_context: Counter[tuple[str, bool]] = Counter()
    for context, _, template in _TEMPLATES:
        per_context[(context, "«s:" in template)] += 1
    print(f"{'context':8} {'positive':>9} {'negative':>9}  (templates)")
    for context in CONTEXTS:
        print(f"{context:8} {per_context[(context, True)]:9d} {per_context[(context, False)]:9d}")
    positives = sum(n for (_, p), n in per_context.items() if p)
    print(f"{'all':8} {positives:9d} {len(_TEMPLATES) - positives:9d}")
    documents = corpus(89)
    planted = sum(len(doc.secrets) for doc in documents)
    negatives = sum(not doc.secrets for doc in documents)
    splits = Counter(doc.split for doc in documents)
    print(
        f"{len(documents)} documents ({negatives} negative), {planted} planted secrets; splits {dict(splits)}"
    )


if __name__ == "__main__":
    main()
