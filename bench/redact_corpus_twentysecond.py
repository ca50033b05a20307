"""A twenty-second labelled redaction corpus: frontend, mobile and JavaScript/TypeScript full-stack.

Written blind to the redactor's rules and to the other corpora (issue 15). It holds the text an agent
working in a product team's web and app repositories reads: Next.js, Nuxt, SvelteKit, Remix and Astro
``.env`` files and configs, Vite ``import.meta.env`` and ``define``, Vercel, Netlify and Cloudflare
CLIs and files, Supabase, Firebase, Prisma and Drizzle, PlanetScale, Neon and Turso, Stripe, Clerk,
Auth0, NextAuth and Lucia, Expo and EAS, React Native and Android signing, iOS and fastlane, package
manager credentials, error monitoring and analytics, CMSs and commerce, maps and search, feature flags,
browser artefacts (HAR, devtools, ``localStorage``, cookies, Playwright and Cypress files), built
bundles and source maps, Storybook and Chromatic, CI for web and app deploys.

Template syntax (the texts are raw strings, dedented):

- ``{{S:gen}}`` a secret drawn from generator ``gen``; ``{{S:gen:arg}}`` passes ``arg`` to it;
- ``{{N:gen}}`` / ``{{N:gen:arg}}`` a value that is not a secret (ids, hashes, publishable keys ...);
- ``...@name}}`` at the end of either also remembers the value as ``name``; ``{{=name}}`` repeats it
  (a repeated secret is planted once more, as it appears again);
- a multi-line value takes the indentation of the line it starts on for its following lines;
- a generator may plant only part of the text it draws (a private JWK plants its ``d``, not its
  public ``x`` and ``y``).

A template with no ``{{S:...}}`` is a negative: redaction must leave it unchanged byte for byte. Every
value is drawn at run time from parts: provider prefixes and PEM armour are joined at run time, so the
file holds no secret-shaped literal.

Labels, where the policy leaves room for judgement:

- Sentry DSNs are public (negatives): Sentry documents the DSN's key as safe to ship in browser code;
  ``SENTRY_AUTH_TOKEN`` values (``sntrys_``, ``sntryu_``) are secrets.
- Keys made for browsers and apps are negatives: Stripe ``pk_``, Clerk ``pk_``, Supabase anon JWTs
  and ``sb_publishable_`` keys, Firebase web and ``google-services.json`` ``AIza`` keys, Mapbox
  ``pk.``, PostHog ``phc_``, Algolia search-only keys, LaunchDarkly client-side ids, Statsig
  ``client-`` keys, Datadog RUM ``pub`` tokens, reCAPTCHA, hCaptcha and Turnstile site keys, Branch
  ``key_live_``, RevenueCat ``appl_``/``goog_``, Segment, Mixpanel and Amplitude browser keys, Pusher
  app keys, Shopify storefront tokens in storefront code, Google Maps keys in a page's script tag.
  The same provider's server keys are secrets, also an ``AIza`` key used from a server.
- CSRF tokens rendered in the page's own form or cookie are not secrets (they grant nothing without
  the session cookie), nor are CSP nonces; session cookies, bearer tokens, refresh tokens and signed
  session JWTs in HAR files, devtools dumps, ``storageState.json`` and ``document.cookie`` are.
- The local Supabase stack's defaults (``postgres:postgres@127.0.0.1:54322``, anon JWTs whose issuer
  is ``supabase-demo``) and the Android debug keystore's ``android`` password are public defaults; test-user passwords in ``cypress.env.json`` and e2e
  fixtures are secrets unless the text shows an obvious fake.
- JWTs whose payload says they are examples are negatives; App Store Connect key ids and issuer ids are
  public, the ``.p8`` key and the JWTs it signs are secrets.
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


# --- value generators -------------------------------------------------------------------------

LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
ALNUM = LOWER + UPPER + DIGITS
HEX = "0123456789abcdef"
B64U = ALNUM + "-_"
B32 = "abcdefghijklmnopqrstuvwxyz234567"

WORDS = [
    "sunflower",
    "otter",
    "maple",
    "harbor",
    "falcon",
    "pepper",
    "violet",
    "cobalt",
    "meadow",
    "tiger",
    "lemon",
    "anchor",
    "canyon",
    "river",
    "pixel",
    "rocket",
    "walnut",
    "summer",
    "winter",
    "autumn",
    "coffee",
    "mango",
    "panda",
    "orbit",
    "comet",
    "willow",
    "quartz",
    "saturn",
    "ginger",
    "marble",
    "copper",
    "breeze",
    "cactus",
    "dragon",
    "velvet",
    "tulip",
    "nebula",
    "bison",
    "lantern",
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
SURNAMES = ["nguyen", "garcia", "smith", "kowalski", "tanaka", "okafor", "muller", "rossi", "silva", "novak"]
SYMBOLS = "!@#%^&*-_.+=?"
PRODUCTS = [
    "acme",
    "shopfront",
    "pillbox",
    "nimbus",
    "tidal",
    "brightcart",
    "lumen",
    "parcelly",
    "fieldnote",
    "kitepay",
]


def _pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _b64u_json(obj: object) -> str:
    return _b64u(json.dumps(obj, separators=(",", ":")).encode())


def human_password(rng: random.Random) -> str:
    shape = rng.randrange(6)
    word = rng.choice(WORDS)
    if shape == 0:
        return word.capitalize() + str(rng.randrange(1970, 2027)) + rng.choice(SYMBOLS)
    if shape == 1:
        return "-".join(rng.sample(WORDS, 3)) + str(rng.randrange(10, 100))
    if shape == 2:
        leet = str.maketrans("aeio", "4310")
        return word.capitalize().translate(leet) + rng.choice(SYMBOLS) + str(rng.randrange(100, 1000))
    if shape == 3:
        return (
            rng.choice(WORDS)
            + "_"
            + rng.choice(WORDS).capitalize()
            + rng.choice(SYMBOLS)
            + str(rng.randrange(1, 99))
        )
    if shape == 4:
        return _pick(rng, ALNUM + "!#%*-_", rng.randrange(16, 25))
    return rng.choice(NAMES).capitalize() + rng.choice(WORDS) + str(rng.randrange(1, 13)).zfill(2) + "!"


def _jwt(rng: random.Random, header: dict, payload: dict, sig_bytes: int) -> str:
    return _b64u_json(header) + "." + _b64u_json(payload) + "." + _b64u(rng.randbytes(sig_bytes))


def _now(rng: random.Random) -> int:
    return rng.randrange(1_700_000_000, 1_790_000_000)


def _pem(label: str, der: bytes) -> str:
    body = base64.b64encode(der).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    dash = "-" * 5
    return "\n".join([f"{dash}BEGIN {label}{dash}", *lines, f"{dash}END {label}{dash}"])


def pem_rsa(rng: random.Random) -> str:
    head = bytes.fromhex("308204be020100300d06092a864886f70d0101010500048204a8308204a40201000282010100")
    return _pem("PRIVATE " + "KEY", head + rng.randbytes(1218 - len(head)))


def pem_rsa1(rng: random.Random) -> str:
    head = bytes.fromhex("308204a40201000282010100")
    return _pem("RSA PRIVATE " + "KEY", head + rng.randbytes(1192 - len(head)))


def pem_p8(rng: random.Random) -> str:
    der = (
        bytes.fromhex("308193020100301306072a8648ce3d020106082a8648ce3d030107047930770201010420")
        + rng.randbytes(32)
        + bytes.fromhex("a00a06082a8648ce3d030107a144034200")
        + b"\x04"
        + rng.randbytes(64)
    )
    return _pem("PRIVATE " + "KEY", der)


def pem_cert(rng: random.Random) -> str:
    head = bytes.fromhex("308203")
    return _pem("CERTIFICATE", head + rng.randbytes(rng.randrange(700, 900)))


def pem_pub(rng: random.Random) -> str:
    head = bytes.fromhex("30820122300d06092a864886f70d01010105000382010f003082010a0282010100")
    return _pem("PUBLIC " + "KEY", head + rng.randbytes(294 - len(head)))


def supabase_jwt(rng: random.Random, role: str, issuer: str = "supabase") -> str:
    iat = _now(rng)
    payload = {
        "iss": issuer,
        "ref": _pick(rng, LOWER, 20),
        "role": role,
        "iat": iat,
        "exp": iat + 315_360_000,
    }
    if issuer == "supabase-demo":
        payload = {"iss": issuer, "role": role, "exp": 1983812996}
    return _jwt(rng, {"alg": "HS256", "typ": "JWT"}, payload, 32)


def mapbox(rng: random.Random, kind: str) -> str:
    user = rng.choice(NAMES) + rng.choice(["-maps", "dev", "co", ""]) + str(rng.randrange(1, 99))
    return (
        kind
        + "."
        + _b64u_json({"u": user, "a": "cl" + _pick(rng, LOWER + DIGITS, 23)})
        + "."
        + _pick(rng, B64U, 22)
    )


def sentry_dsn(rng: random.Random) -> str:
    return f"https://{_pick(rng, HEX, 32)}@o{rng.randrange(10**5, 10**7)}.ingest.{rng.choice(['', 'us.', 'de.'])}sentry.io/{rng.randrange(10**6, 10**7)}"


def sentry_org_token(rng: random.Random) -> str:
    org = rng.choice(PRODUCTS)
    payload = {
        "iat": _now(rng) + rng.random(),
        "url": "https://sentry.io",
        "region_url": "https://us.sentry.io",
        "org": org,
    }
    body = base64.b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")
    return "sntry" + "s_" + body + "_" + _pick(rng, ALNUM + "/+", 43)


def basic(rng: random.Random) -> str:
    user = rng.choice(NAMES) + rng.choice(["", ".ci", "-deploy", str(rng.randrange(9))])
    return base64.b64encode(f"{user}:{human_password(rng)}".encode()).decode()


def npm_auth(rng: random.Random) -> str:
    return base64.b64encode(
        f"{rng.choice(NAMES)}-{rng.choice(PRODUCTS)}:{_pick(rng, ALNUM, 20)}".encode()
    ).decode()


def mnemonic(rng: random.Random) -> str:
    bip = [
        "abandon",
        "ability",
        "able",
        "about",
        "absorb",
        "abstract",
        "absurd",
        "access",
        "accident",
        "account",
        "acid",
        "acoustic",
        "acquire",
        "across",
        "action",
        "actor",
        "actress",
        "actual",
        "adapt",
        "address",
        "adjust",
        "admit",
        "adult",
        "advance",
        "advice",
        "aerobic",
        "afford",
        "afraid",
        "again",
        "agent",
        "agree",
        "ahead",
        "aisle",
        "alarm",
        "album",
        "alcohol",
        "alert",
        "alien",
        "alley",
        "allow",
        "almost",
        "alone",
        "alpha",
        "already",
        "also",
        "alter",
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
    ]
    return " ".join(rng.choice(bip) for _ in range(12))


def uuid4(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def next_jwe(rng: random.Random) -> str:
    head = _b64u_json({"alg": "dir", "enc": "A256CBC-HS512", "kid": _pick(rng, B64U, 43)})
    return (
        f"{head}..{_pick(rng, B64U, 22)}.{_pick(rng, B64U, rng.randrange(300, 520))}.{_pick(rng, B64U, 43)}"
    )


def asc_jwt(rng: random.Random) -> str:
    iat = _now(rng)
    payload = {"iss": uuid4(rng), "iat": iat, "exp": iat + 1200, "aud": "appstoreconnect-v1"}
    return _jwt(rng, {"alg": "ES256", "kid": _pick(rng, UPPER + DIGITS, 10), "typ": "JWT"}, payload, 64)


def access_jwt(rng: random.Random) -> str:
    iat = _now(rng)
    payload = {
        "iss": f"https://{rng.choice(PRODUCTS)}.{rng.choice(['us', 'eu'])}.auth0.com/",
        "sub": f"auth0|{_pick(rng, HEX, 24)}",
        "aud": [
            "https://api." + rng.choice(PRODUCTS) + ".com",
            "https://" + rng.choice(PRODUCTS) + ".auth0.com/userinfo",
        ],
        "iat": iat,
        "exp": iat + 86400,
        "scope": "openid profile email offline_access",
    }
    return _jwt(rng, {"alg": "RS256", "typ": "JWT", "kid": _pick(rng, B64U, 22)}, payload, 256)


def supa_access_jwt(rng: random.Random) -> str:
    iat = _now(rng)
    ref = _pick(rng, LOWER, 20)
    payload = {
        "iss": f"https://{ref}.supabase.co/auth/v1",
        "sub": uuid4(rng),
        "aud": "authenticated",
        "exp": iat + 3600,
        "iat": iat,
        "email": f"{rng.choice(NAMES)}@{rng.choice(PRODUCTS)}.io",
        "role": "authenticated",
        "session_id": uuid4(rng),
    }
    return _jwt(rng, {"alg": "HS256", "kid": _pick(rng, ALNUM, 16), "typ": "JWT"}, payload, 32)


def example_jwt(rng: random.Random) -> str:
    payload = {
        "sub": "1234567890",
        "name": "John Doe",
        "example": True,
        "note": "example token, not valid",
        "iat": 1516239022,
    }
    return _b64u_json({"alg": "HS256", "typ": "JWT"}) + "." + _b64u_json(payload) + "." + _pick(rng, B64U, 43)


def turso_jwt(rng: random.Random) -> str:
    payload = {"a": "rw", "iat": _now(rng), "id": uuid4(rng)}
    return _jwt(rng, {"alg": "EdDSA", "typ": "JWT"}, payload, 64)


def vercel_oidc(rng: random.Random) -> str:
    team = rng.choice(PRODUCTS)
    iat = _now(rng)
    payload = {
        "iss": f"https://oidc.vercel.com/{team}",
        "sub": f"owner:{team}:project:web:environment:development",
        "scope": f"owner:{team}:project:web:environment:development",
        "aud": f"https://vercel.com/{team}",
        "owner": team,
        "project": "web",
        "environment": "development",
        "iat": iat,
        "exp": iat + 43200,
    }
    return _jwt(rng, {"alg": "RS256", "typ": "JWT", "kid": "mrk-" + _pick(rng, HEX, 32)}, payload, 256)


def uploadthing_token(rng: random.Random) -> str:
    obj = {
        "apiKey": "sk_" + "live_" + _pick(rng, HEX, 64),
        "appId": _pick(rng, LOWER + DIGITS, 10),
        "regions": ["sea1"],
    }
    return base64.b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def sb_cookie(rng: random.Random) -> str:
    obj = {
        "access_token": supa_access_jwt(rng),
        "token_type": "bearer",
        "expires_in": 3600,
        "expires_at": _now(rng),
        "refresh_token": _pick(rng, LOWER + DIGITS, 12),
    }
    return "base64-" + _b64u_json(obj)


def pw_url(rng: random.Random) -> str:
    pw = human_password(rng)
    if not any(c in pw for c in "!@#%^&*+=?"):
        pw += rng.choice("@#%!")
    return urllib.parse.quote(pw, safe="")


def jwk_private(rng: random.Random) -> tuple[str, list[str]]:
    """A private EC JWK; only its ``d`` is secret (the rest is the public key)."""
    obj = {
        "kty": "EC",
        "crv": "P-256",
        "kid": _pick(rng, B64U, 16),
        "x": _b64u(rng.randbytes(32)),
        "y": _b64u(rng.randbytes(32)),
        "d": _b64u(rng.randbytes(32)),
        "alg": "ES256",
        "use": "sig",
    }
    return json.dumps(obj), [obj["d"]]


def rand_date(rng: random.Random) -> str:
    return f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"


def rand_ts(rng: random.Random) -> str:
    return f"{rand_date(rng)}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(1000):03d}Z"


def integrity(rng: random.Random) -> str:
    return "sha512-" + base64.b64encode(rng.randbytes(64)).decode()


def ver(rng: random.Random) -> str:
    return f"{rng.randrange(0, 20)}.{rng.randrange(0, 30)}.{rng.randrange(0, 15)}"


# Each generator takes (rng, arg); arg is "" when the template gives none.
G: dict[str, object] = {
    # generic shapes
    "hex": lambda r, a: _pick(r, HEX, int(a or 32)),
    "HEX": lambda r, a: _pick(r, HEX.upper(), int(a or 32)),
    "alnum": lambda r, a: _pick(r, ALNUM, int(a or 32)),
    "lower": lambda r, a: _pick(r, LOWER, int(a or 12)),
    "lowernum": lambda r, a: _pick(r, LOWER + DIGITS, int(a or 12)),
    "upnum": lambda r, a: _pick(r, UPPER + DIGITS, int(a or 10)),
    "digits": lambda r, a: _pick(r, DIGITS, int(a or 6)),
    "b64u": lambda r, a: _pick(r, B64U, int(a or 43)),
    "b64": lambda r, a: base64.b64encode(r.randbytes(int(a or 32))).decode(),
    "b32": lambda r, a: _pick(r, B32, int(a or 40)),
    "int": lambda r, a: str(r.randrange(*map(int, (a or "1-1000").split("-")))),
    "pick": lambda r, a: r.choice(a.split("|")),
    "word": lambda r, a: r.choice(WORDS),
    "name": lambda r, a: r.choice(NAMES),
    "user": lambda r, a: r.choice(NAMES) + r.choice(["", ".", "_"]) + r.choice(SURNAMES),
    "email": lambda r, a: (
        f"{r.choice(NAMES)}.{r.choice(SURNAMES)}@{r.choice(PRODUCTS)}.{r.choice(['com', 'io', 'dev', 'app'])}"
    ),
    "product": lambda r, a: r.choice(PRODUCTS),
    "uuid": lambda r, a: uuid4(r),
    "UUID": lambda r, a: uuid4(r).upper(),
    "date": lambda r, a: rand_date(r),
    "ts": lambda r, a: rand_ts(r),
    "time": lambda r, a: f"{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}",
    "epoch": lambda r, a: str(_now(r)),
    "ms": lambda r, a: str(r.randrange(3, 2400)),
    "ip": lambda r, a: (
        f"{r.choice([10, 172, 192, 34, 52, 104])}.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"
    ),
    "port": lambda r, a: str(r.choice([3000, 3001, 4321, 5173, 5432, 6543, 8080, 8787, 24678])),
    "ver": lambda r, a: ver(r),
    "gitsha": lambda r, a: _pick(r, HEX, 40),
    "short": lambda r, a: _pick(r, HEX, 7),
    "sha256": lambda r, a: _pick(r, HEX, 64),
    "sha1": lambda r, a: _pick(r, HEX, 40),
    "SHA1": lambda r, a: _pick(r, HEX.upper(), 40),
    "integrity": lambda r, a: integrity(r),
    "sha384": lambda r, a: "sha384-" + base64.b64encode(r.randbytes(48)).decode(),
    "asset": lambda r, a: _pick(r, HEX, int(a or 8)),
    "nonce": lambda r, a: base64.b64encode(r.randbytes(16)).decode(),
    "csrf": lambda r, a: _pick(r, HEX, 64),
    "ref": lambda r, a: _pick(r, LOWER, 20),
    "reqid": lambda r, a: (
        f"{r.choice(['iad1', 'sfo1', 'fra1', 'cdg1'])}::{_pick(r, LOWER + DIGITS, 5)}-{r.randrange(10**12, 10**13)}-{_pick(r, HEX, 12)}"
    ),
    "cfray": lambda r, a: _pick(r, HEX, 16) + "-" + r.choice(["SJC", "AMS", "FRA", "IAD", "LHR"]),
    "toolu": lambda r, a: "toolu_01" + _pick(r, ALNUM, 22),
    # browser-facing and public identifiers
    "stripe_pk": lambda r, a: "pk_" + (a or "live") + "_51" + _pick(r, ALNUM, 97),
    "stripe_acct": lambda r, a: "acct_1" + _pick(r, ALNUM, 15),
    "stripe_id": lambda r, a: (a or "pi") + "_3" + _pick(r, ALNUM, 23),
    "stripe_evt": lambda r, a: "evt_1" + _pick(r, ALNUM, 23),
    "supa_anon": lambda r, a: supabase_jwt(r, "anon"),
    "supa_demo_anon": lambda r, a: supabase_jwt(r, "anon", "supabase-demo"),
    "sb_pub": lambda r, a: "sb_" + "publishable_" + _pick(r, B64U, 22) + "_" + _pick(r, ALNUM, 8),
    "aiza": lambda r, a: "AI" + "za" + _pick(r, B64U, 35),
    "fb_appid": lambda r, a: (
        f"1:{r.randrange(10**11, 10**12)}:{a or 'web'}:{_pick(r, HEX, 16 if a != 'web' else 22)}"
    ),
    "mapbox_pk": lambda r, a: mapbox(r, "pk"),
    "phc": lambda r, a: "ph" + "c_" + _pick(r, ALNUM, 43),
    "algolia_app": lambda r, a: _pick(r, UPPER + DIGITS, 10),
    "ld_client": lambda r, a: _pick(r, HEX, 24),
    "statsig_client": lambda r, a: "client-" + _pick(r, ALNUM, 43),
    "dsn": lambda r, a: sentry_dsn(r),
    "clerk_pk": lambda r, a: (
        "pk_"
        + (a or "live")
        + "_"
        + base64.b64encode(f"clerk.{r.choice(PRODUCTS)}.com$".encode()).decode().rstrip("=")
    ),
    "dd_client": lambda r, a: "pub" + _pick(r, HEX, 32),
    "recaptcha": lambda r, a: "6L" + _pick(r, B64U, 38),
    "turnstile_site": lambda r, a: "0x4AAAAAAA" + _pick(r, ALNUM, 12),
    "branch_pub": lambda r, a: "key_" + "live_" + _pick(r, ALNUM, 32),
    "rc_pub": lambda r, a: (a or "appl") + "_" + _pick(r, ALNUM, 27),
    "ga": lambda r, a: "G-" + _pick(r, UPPER + DIGITS, 10),
    "gtm": lambda r, a: "GTM-" + _pick(r, UPPER + DIGITS, 7),
    "gclient": lambda r, a: (
        f"{r.randrange(10**11, 10**12)}-{_pick(r, LOWER + DIGITS, 32)}.apps.googleusercontent.com"
    ),
    "gh_client": lambda r, a: "Ov23li" + _pick(r, ALNUM, 14),
    "auth0_client": lambda r, a: _pick(r, ALNUM, 32),
    "twilio_sid": lambda r, a: "AC" + _pick(r, HEX, 32),
    "akid": lambda r, a: "AK" + "IA" + _pick(r, UPPER + DIGITS, 16),
    "vercel_team": lambda r, a: "team_" + _pick(r, ALNUM, 24),
    "vercel_prj": lambda r, a: "prj_" + _pick(r, ALNUM, 28),
    "vercel_dpl": lambda r, a: "dpl_" + _pick(r, ALNUM, 28),
    "cf_id": lambda r, a: _pick(r, HEX, 32),
    "ascid": lambda r, a: _pick(r, UPPER + DIGITS, 10),
    "teamid": lambda r, a: _pick(r, UPPER + DIGITS, 10),
    "bundle": lambda r, a: f"com.{r.choice(PRODUCTS)}.{r.choice(['app', 'mobile', 'ios', 'client'])}",
    "pem_cert": lambda r, a: pem_cert(r),
    "pem_pub": lambda r, a: pem_pub(r),
    "jwk_n": lambda r, a: _b64u(r.randbytes(256)),
    "example_jwt": lambda r, a: example_jwt(r),
    "demo_anon": lambda r, a: supabase_jwt(r, "anon", "supabase-demo"),
    "sops": lambda r, a: (
        f"ENC[AES256_GCM,data:{base64.b64encode(r.randbytes(int(a or 24))).decode()},iv:{base64.b64encode(r.randbytes(32)).decode()},tag:{base64.b64encode(r.randbytes(16)).decode()},type:str]"
    ),
    "dotenvx_enc": lambda r, a: "encrypted:" + base64.b64encode(b"\x04" + r.randbytes(rng_len(r))).decode(),
    "dotenvx_pub": lambda r, a: "02" + _pick(r, HEX, 64),
    "ios_udid": lambda r, a: f"{_pick(r, HEX.upper(), 8)}-{_pick(r, HEX.upper(), 16)}",
    # secrets
    "hpw": lambda r, a: human_password(r),
    "rpw": lambda r, a: _pick(r, ALNUM + "!#%*-_", int(a or 20)),
    "pwu": lambda r, a: pw_url(r),
    "basic": lambda r, a: basic(r),
    "npm_auth": lambda r, a: npm_auth(r),
    "stripe_sk": lambda r, a: "sk_" + (a or "live") + "_51" + _pick(r, ALNUM, 97),
    "stripe_rk": lambda r, a: "rk_" + (a or "live") + "_51" + _pick(r, ALNUM, 97),
    "whsec": lambda r, a: "wh" + "sec_" + _pick(r, ALNUM, 32 if a != "cli" else 64),
    "supa_sr": lambda r, a: supabase_jwt(r, "service_role"),
    "sb_secret": lambda r, a: "sb_" + "secret_" + _pick(r, B64U, 22) + "_" + _pick(r, ALNUM, 8),
    "sbp": lambda r, a: "sb" + "p_" + _pick(r, HEX, 40),
    "supa_jwt_secret": lambda r, a: _pick(r, ALNUM + "+/", 86) + "==",
    "supa_access": lambda r, a: supa_access_jwt(r),
    "sb_cookie": lambda r, a: sb_cookie(r),
    "pem_rsa": lambda r, a: pem_rsa(r),
    "pem_rsa1": lambda r, a: pem_rsa1(r),
    "pem_p8": lambda r, a: pem_p8(r),
    "pem_rsa_j": lambda r, a: json.dumps(pem_rsa(r) + "\n")[1:-1],
    "pem_p8_j": lambda r, a: json.dumps(pem_p8(r) + "\n")[1:-1],
    "pem_p8_line": lambda r, a: "".join(pem_p8(r).splitlines()[1:-1]),
    "jwk_priv": lambda r, a: jwk_private(r),
    "jwk_d": lambda r, a: _b64u(r.randbytes(32 if a != "rsa" else 256)),
    "ghp": lambda r, a: "gh" + "p_" + _pick(r, ALNUM, 36),
    "gho": lambda r, a: "gh" + "o_" + _pick(r, ALNUM, 36),
    "ghs": lambda r, a: "gh" + "s_" + _pick(r, ALNUM, 36),
    "gh_pat": lambda r, a: "github" + "_pat_11" + _pick(r, UPPER + DIGITS, 20) + "_" + _pick(r, ALNUM, 59),
    "npm_tok": lambda r, a: "np" + "m_" + _pick(r, ALNUM, 36),
    "vercel_tok": lambda r, a: _pick(r, ALNUM, 24),
    "vcp": lambda r, a: "vc" + "p_" + _pick(r, ALNUM, 56),
    "nfp": lambda r, a: "nf" + "p_" + _pick(r, ALNUM, 36) + _pick(r, HEX, 4),
    "cf_tok": lambda r, a: _pick(r, B64U, 40),
    "cf_gkey": lambda r, a: _pick(r, HEX, 37),
    "pscale_pw": lambda r, a: "pscale" + "_pw_" + _pick(r, B64U, 43),
    "pscale_tkn": lambda r, a: "pscale" + "_tkn_" + _pick(r, B64U, 43),
    "neon_pw": lambda r, a: "np" + "g_" + _pick(r, ALNUM, 12),
    "neon_api": lambda r, a: "napi" + "_" + _pick(r, LOWER + DIGITS, 60),
    "turso": lambda r, a: turso_jwt(r),
    "upstash": lambda r, a: "A" + _pick(r, "XYZ", 1) + _pick(r, ALNUM, 4) + "AAIj" + _pick(r, ALNUM, 56),
    "resend": lambda r, a: "r" + "e_" + _pick(r, ALNUM, 8) + "_" + _pick(r, ALNUM, 24),
    "sendgrid": lambda r, a: "S" + "G." + _pick(r, B64U, 22) + "." + _pick(r, B64U, 43),
    "openai": lambda r, a: "sk-" + "proj-" + _pick(r, B64U, 156),
    "anthropic": lambda r, a: "sk-" + "ant-api03-" + _pick(r, B64U, 93) + "AA",
    "sntrys": lambda r, a: sentry_org_token(r),
    "sntryu": lambda r, a: "sntry" + "u_" + _pick(r, HEX, 64),
    "phx": lambda r, a: "ph" + "x_" + _pick(r, ALNUM, 47),
    "cfpat": lambda r, a: "CF" + "PAT-" + _pick(r, B64U, 43),
    "sanity": lambda r, a: "s" + "k" + _pick(r, ALNUM, 180),
    "strapi": lambda r, a: _pick(r, HEX, 256),
    "shpat": lambda r, a: "shp" + (a or "at") + "_" + _pick(r, HEX, 32),
    "ld_sdk": lambda r, a: "sdk" + "-" + uuid4(r),
    "swa": lambda r, a: (
        _pick(r, HEX, 64)
        + "-"
        + _pick(r, HEX, 8)
        + "-"
        + _pick(r, HEX, 4)
        + "-"
        + _pick(r, HEX, 4)
        + "-"
        + _pick(r, HEX, 4)
        + "-"
        + _pick(r, HEX, 12)
        + _pick(r, HEX, 6)
    ),
    "mailgun": lambda r, a: _pick(r, HEX, 32) + "-" + _pick(r, HEX, 8) + "-" + _pick(r, HEX, 8),
    "armour": lambda r, a: "-" * 5 + "BEGIN PRIVATE " + "KEY" + "-" * 5,
    "ld_mob": lambda r, a: "mob" + "-" + uuid4(r),
    "ld_api": lambda r, a: "api" + "-" + uuid4(r),
    "statsig_secret": lambda r, a: "secret" + "-" + _pick(r, ALNUM, 43),
    "clerk_sk": lambda r, a: "sk_" + (a or "live") + "_" + _pick(r, ALNUM, 42),
    "auth0_secret": lambda r, a: _pick(r, B64U, 64),
    "nextauth": lambda r, a: base64.b64encode(r.randbytes(32)).decode(),
    "expo_tok": lambda r, a: _pick(r, B64U, 40),
    "asp": lambda r, a: "-".join(_pick(r, LOWER, 4) for _ in range(4)),
    "gocspx": lambda r, a: "GOC" + "SPX-" + _pick(r, B64U, 28),
    "ya29": lambda r, a: "ya" + "29." + _pick(r, B64U, 200),
    "g_refresh": lambda r, a: "1//" + "0" + _pick(r, B64U, 100),
    "twilio_tok": lambda r, a: _pick(r, HEX, 32),
    "ably": lambda r, a: f"{_pick(r, B64U, 6)}.{_pick(r, B64U, 6)}:{_pick(r, B64U, 43)}",
    "liveblocks_sk": lambda r, a: "sk_" + "prod_" + _pick(r, B64U, 64),
    "uploadthing": lambda r, a: uploadthing_token(r),
    "convex": lambda r, a: (
        f"prod:{r.choice(WORDS)}-{r.choice(WORDS)}-{r.randrange(100, 999)}|" + _pick(r, ALNUM, 80) + "="
    ),
    "inngest_sign": lambda r, a: "sign" + "key-prod-" + _pick(r, HEX, 64),
    "rc_sk": lambda r, a: "s" + "k_" + _pick(r, ALNUM, 32),
    "branch_secret": lambda r, a: "secret" + "_live_" + _pick(r, ALNUM, 32),
    "mux_secret": lambda r, a: _pick(r, ALNUM + "+/", 75),
    "vblob": lambda r, a: "vercel" + "_blob_rw_" + _pick(r, ALNUM, 16) + "_" + _pick(r, ALNUM, 30),
    "slack_hook": lambda r, a: (
        "https://hooks.slack.com/services/T"
        + _pick(r, UPPER + DIGITS, 8)
        + "/B"
        + _pick(r, UPPER + DIGITS, 10)
        + "/"
        + _pick(r, ALNUM, 24)
    ),
    "discord_hook": lambda r, a: (
        f"https://discord.com/api/webhooks/{r.randrange(10**17, 10**18)}/" + _pick(r, B64U, 68)
    ),
    "lucia": lambda r, a: _pick(r, B32, 40),
    "sess": lambda r, a: _pick(r, B64U, int(a or 48)),
    "connect_sid": lambda r, a: (
        "s%3A"
        + _pick(r, B64U, 32)
        + "."
        + urllib.parse.quote(base64.b64encode(r.randbytes(32)).decode().rstrip("="), safe="")
    ),
    "dotenv_priv": lambda r, a: _pick(r, HEX, 64),
    "mnemonic": lambda r, a: mnemonic(r),
    "mapbox_sk": lambda r, a: mapbox(r, "sk"),
    "chpt": lambda r, a: "chp" + "t_" + _pick(r, HEX, 14),
    "dd_api": lambda r, a: _pick(r, HEX, 32),
    "dd_app": lambda r, a: _pick(r, HEX, 40),
    "hcap_secret": lambda r, a: "0x" + _pick(r, HEX, 40),
    "turnstile_secret": lambda r, a: "0x4AAAAAAA" + _pick(r, ALNUM + "-_", 24),
    "next_jwe": lambda r, a: next_jwe(r),
    "asc_jwt": lambda r, a: asc_jwt(r),
    "access_jwt": lambda r, a: access_jwt(r),
    "vercel_oidc": lambda r, a: vercel_oidc(r),
    "firebase_ci": lambda r, a: "1//" + "0" + _pick(r, B64U, 100),
    "doppler": lambda r, a: "dp." + "st." + (a or "prd") + "." + _pick(r, ALNUM, 43),
    "fastlane_session": lambda r, a: (
        "---\\n- !ruby/object:HTTP::Cookie\\n  name: myacinfo\\n  value: "
        + _pick(r, HEX, 300)
        + '\\n  domain: apple.com\\n  for_domain: true\\n  path: "/"\\n'
    ),
    "linear": lambda r, a: "lin" + "_api_" + _pick(r, ALNUM, 40),
    "hf": lambda r, a: "h" + "f_" + _pick(r, ALNUM, 34),
    "onesignal": lambda r, a: "os" + "_v2_app_" + _pick(r, B32, 113),
    "algolia_admin": lambda r, a: _pick(r, HEX, 32),
    "pinata": lambda r, a: _jwt(
        r,
        {"alg": "HS256", "typ": "JWT"},
        {
            "userInformation": {
                "id": uuid4(r),
                "email": f"{r.choice(NAMES)}@{r.choice(PRODUCTS)}.io",
                "status": "ACTIVE",
            },
            "authenticationType": "scopedKey",
            "scopedKeyKey": _pick(r, HEX, 20),
            "scopedKeySecret": _pick(r, HEX, 64),
            "iat": _now(r),
        },
        32,
    ),
    "hs_jwt": lambda r, a: _jwt(
        r,
        {"alg": "HS256", "typ": "JWT"},
        {
            "sub": uuid4(r),
            "role": r.choice(["admin", "user", "editor"]),
            "iat": _now(r),
            "exp": _now(r) + 604800,
        },
        32,
    ),
    "gitlab": lambda r, a: "gl" + "pat-" + _pick(r, B64U, 20),
    "age": lambda r, a: "AGE-SECRET-" + "KEY-1" + _pick(r, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58),
}


def rng_len(r: random.Random) -> int:
    return r.randrange(40, 80)


# --- templates ----------------------------------------------------------------------------------

TEMPLATES: list[tuple[str, str, str]] = []


def T(context: str, kind: str, text: str) -> None:
    TEMPLATES.append((context, kind, textwrap.dedent(text).strip("\n")))


def templates() -> list[tuple[str, str, str]]:
    """(context, kind, text) of every template."""
    return list(TEMPLATES)


PLACEHOLDER = re.compile(r"\{\{(?:([SN]):([A-Za-z0-9_]+)(?::([^}@]*))?(?:@(\w+))?|=(\w+))\}\}")


def instantiate(template: str, rng: random.Random) -> tuple[str, list[str]]:
    """The text of one instance of the template, and the secrets planted in it."""
    out: list[str] = []
    secrets: list[str] = []
    remembered: dict[str, tuple[str, bool]] = {}
    at = 0
    for m in PLACEHOLDER.finditer(template):
        out.append(template[at : m.start()])
        at = m.end()
        kind, gen, arg, name, again = m.groups()
        if again:
            value, secret = remembered[again]
        else:
            value, secret = G[gen](rng, arg or ""), kind == "S"
            if name:
                remembered[name] = (value, secret)
        # A generator may return (text, the parts of it that are secret), e.g. a private JWK's "d".
        value, parts = value if isinstance(value, tuple) else (value, [value])
        if "\n" in value:
            line = "".join(out).rsplit("\n", 1)[-1]
            indent = line[: len(line) - len(line.lstrip(" "))]
            value = value.replace("\n", "\n" + indent)
            parts = [part.replace("\n", "\n" + indent) for part in parts]
        out.append(value)
        if secret:
            secrets.extend(parts)
    out.append(template[at:])
    return "".join(out), secrets


# --- agent-log envelopes --------------------------------------------------------------------------


def _id(rng: random.Random, n: int) -> str:
    return _pick(rng, ALNUM, n)


def claude_stream(text: str, rng: random.Random) -> str:
    line = {
        "type": "user",
        "message": {
            "role": "user",
            "content": [{"tool_use_id": "toolu_01" + _id(rng, 22), "type": "tool_result", "content": text}],
        },
        "parent_tool_use_id": None,
        "session_id": uuid4(rng),
    }
    return json.dumps(line)


def claude_transcript(text: str, rng: random.Random) -> str:
    line = {
        "parentUuid": uuid4(rng),
        "isSidechain": False,
        "userType": "external",
        "cwd": f"/Users/{rng.choice(NAMES)}/code/{rng.choice(PRODUCTS)}-web",
        "sessionId": uuid4(rng),
        "version": f"2.{rng.randrange(0, 2)}.{rng.randrange(1, 60)}",
        "gitBranch": rng.choice(["main", "feat/checkout", "fix/auth-redirect", "chore/deps"]),
        "type": "user",
        "message": {
            "role": "user",
            "content": [
                {
                    "tool_use_id": "toolu_01" + _id(rng, 22),
                    "type": "tool_result",
                    "content": text,
                    "is_error": False,
                }
            ],
        },
        "uuid": uuid4(rng),
        "timestamp": rand_ts(rng),
        "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
    }
    return json.dumps(line)


def codex_rollout(text: str, rng: random.Random) -> str:
    inner = json.dumps(
        {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(rng.random() * 3, 1)}}
    )
    line = {
        "timestamp": rand_ts(rng),
        "type": "response_item",
        "payload": {"type": "function_call_output", "call_id": "call_" + _id(rng, 24), "output": inner},
    }
    return json.dumps(line)


def codex_exec(text: str, rng: random.Random) -> str:
    line = {
        "type": "item.completed",
        "item": {
            "id": f"item_{rng.randrange(1, 60)}",
            "type": "command_execution",
            "command": "bash -lc "
            + rng.choice(
                [
                    "'cat .env.local'",
                    "'npx vercel env pull'",
                    "'cat app.json'",
                    "'git diff'",
                    "'npm run build'",
                ]
            ),
            "aggregated_output": text,
            "exit_code": 0,
            "status": "completed",
        },
    }
    return json.dumps(line)


def mcp_result(text: str, rng: random.Random) -> str:
    line = {
        "jsonrpc": "2.0",
        "id": rng.randrange(1, 400),
        "result": {"content": [{"type": "text", "text": text}], "isError": False},
    }
    return json.dumps(line)


ENVELOPES = (claude_stream, claude_transcript, codex_rollout, codex_exec, mcp_result)


def _as_in(secret: str, text: str) -> str:
    """The secret as the text holds it: raw, JSON-escaped once or twice."""
    once = json.dumps(secret)[1:-1]
    for form in (secret, once, json.dumps(once)[1:-1]):
        if form in text:
            return form
    raise AssertionError(f"planted secret not in its document: {secret[:30]!r}")


def corpus(seed: int, copies: int = 6) -> list[Document]:
    documents: list[Document] = []
    for index, (context, kind, template) in enumerate(TEMPLATES):
        rng = random.Random(seed * 1_000_003 + index)
        split = "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"
        for _copy in range(copies):
            text, secrets = instantiate(template, rng)
            documents.append(
                Document(text, [_as_in(s, text) for s in secrets], context, kind, split, template)
            )
        for copy in range(copies):
            text, secrets = instantiate(template, rng)
            wrapped = ENVELOPES[(index + copy) % len(ENVELOPES)](text, rng)
            documents.append(
                Document(wrapped, [_as_in(s, wrapped) for s in secrets], "json", kind, split, template)
            )
    return documents


# === source: env files and framework configs, with secrets =========================================

T(
    "source",
    "next.js .env.local",
    r"""
    # .env.local — do not commit
    NEXT_PUBLIC_SITE_URL=http://localhost:3000
    NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY={{N:stripe_pk:test}}
    STRIPE_SECRET_KEY={{S:stripe_sk:test}}
    STRIPE_WEBHOOK_SECRET={{S:whsec}}
    DATABASE_URL="postgresql://postgres.{{N:ref}}:{{S:pwu}}@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?pgbouncer=true"
    NEXTAUTH_URL=http://localhost:3000
    NEXTAUTH_SECRET={{S:nextauth}}
""",
)
T(
    "source",
    "sveltekit .env with supabase service role",
    r"""
    PUBLIC_SUPABASE_URL=https://{{N:ref}}.supabase.co
    PUBLIC_SUPABASE_ANON_KEY={{N:supa_anon}}
    SUPABASE_SERVICE_ROLE_KEY={{S:supa_sr}}
    PRIVATE_RESEND_API_KEY={{S:resend}}
""",
)
T(
    "source",
    "nuxt .env runtime config",
    r"""
    NUXT_PUBLIC_API_BASE=https://api.{{N:product}}.dev
    NUXT_SESSION_PASSWORD={{S:rpw:32}}
    NUXT_OAUTH_GITHUB_CLIENT_ID={{N:gh_client}}
    NUXT_OAUTH_GITHUB_CLIENT_SECRET={{S:hex:40}}
    NUXT_PUBLIC_POSTHOG_KEY={{N:phc}}
""",
)
T(
    "source",
    "remix .env session secret",
    r"""
    SESSION_SECRET="{{S:b64u:48}}"
    DATABASE_URL="file:./data.db?connection_limit=1"
    SHOPIFY_API_KEY={{N:hex:32}}
    SHOPIFY_API_SECRET={{S:shpat:ss}}
    SCOPES=write_products,read_orders
    HOST=https://{{N:lower:6}}-{{N:lower:5}}-{{N:lower:7}}.trycloudflare.com
""",
)
T(
    "source",
    "astro .env with sanity write token",
    r"""
    PUBLIC_SANITY_PROJECT_ID={{N:lowernum:8}}
    PUBLIC_SANITY_DATASET=production
    SANITY_API_WRITE_TOKEN={{S:sanity}}
    PUBLIC_GA_ID={{N:ga}}
""",
)
T(
    "source",
    "vite .env.production with a VITE_ secret mistake",
    r"""
    VITE_API_URL=https://api.{{N:product}}.app/v2
    VITE_MAPBOX_TOKEN={{N:mapbox_pk}}
    # TODO move to the backend, this gets inlined in the bundle!!
    VITE_OPENAI_API_KEY={{S:openai}}
""",
)
T(
    "source",
    "next.config.js env block",
    r"""
    /** @type {import('next').NextConfig} */
    const nextConfig = {
      reactStrictMode: true,
      images: { remotePatterns: [{ protocol: 'https', hostname: 'cdn.sanity.io' }] },
      env: {
        CMS_PREVIEW_SECRET: '{{S:b64u:32}}',
        NEXT_PUBLIC_ALGOLIA_APP_ID: '{{N:algolia_app}}',
      },
    }

    module.exports = nextConfig
""",
)
T(
    "source",
    "vite.config.ts define with inlined key",
    r"""
    import { defineConfig } from 'vite'
    import react from '@vitejs/plugin-react'

    export default defineConfig({
      plugins: [react()],
      define: {
        __APP_VERSION__: JSON.stringify('{{N:ver}}'),
        __ALGOLIA_ADMIN_KEY__: JSON.stringify('{{S:algolia_admin}}'),
      },
      server: { port: 5173 },
    })
""",
)
T(
    "source",
    "wrangler .dev.vars",
    r"""
    # .dev.vars (local secrets for wrangler dev)
    AUTH_SECRET={{S:nextauth}}
    TURSO_DATABASE_URL=libsql://{{N:product}}-{{N:name}}.turso.io
    TURSO_AUTH_TOKEN={{S:turso}}
""",
)
T(
    "source",
    "wrangler.toml vars with a secret that belongs in wrangler secret",
    r"""
    name = "{{N:product}}-api"
    main = "src/index.ts"
    compatibility_date = "{{N:date}}"
    account_id = "{{N:cf_id}}"

    [vars]
    ENVIRONMENT = "production"
    UPSTASH_REDIS_REST_URL = "https://{{N:lower:6}}-{{N:lower:5}}-{{N:int:10000-99999}}.upstash.io"
    UPSTASH_REDIS_REST_TOKEN = "{{S:upstash}}"

    [[kv_namespaces]]
    binding = "CACHE"
    id = "{{N:cf_id}}"
""",
)
T(
    "source",
    "drizzle.config.ts with literal credentials",
    r"""
    import { defineConfig } from 'drizzle-kit';

    export default defineConfig({
      schema: './src/db/schema.ts',
      out: './drizzle',
      dialect: 'postgresql',
      dbCredentials: {
        host: 'ep-{{N:lower:5}}-{{N:lower:6}}-{{N:lowernum:8}}.us-east-2.aws.neon.tech',
        user: 'neondb_owner',
        password: '{{S:neon_pw}}',
        database: 'neondb',
        ssl: true,
      },
    });
""",
)
T(
    "source",
    "prisma schema with hard-coded url",
    r"""
    generator client {
      provider = "prisma-client-js"
    }

    datasource db {
      provider     = "mysql"
      url          = "mysql://{{N:lowernum:12}}:{{S:pscale_pw}}@aws.connect.psdb.cloud/{{N:product}}?sslaccept=strict"
      relationMode = "prisma"
    }
""",
)
T(
    "source",
    "lib/stripe.ts with a live key pasted",
    r"""
    import Stripe from 'stripe'

    // FIXME: read from env before shipping
    export const stripe = new Stripe('{{S:stripe_sk}}', {
      apiVersion: '2024-06-20',
      typescript: true,
    })
""",
)
T(
    "source",
    "route handler verifying stripe webhooks",
    r"""
    export async function POST(req: Request) {
      const body = await req.text()
      const sig = headers().get('stripe-signature')!
      let event: Stripe.Event
      try {
        event = stripe.webhooks.constructEvent(body, sig, '{{S:whsec}}')
      } catch (err) {
        return new Response(`Webhook Error: ${(err as Error).message}`, { status: 400 })
      }
""",
)
T(
    "source",
    "supabase admin client in a script",
    r"""
    import { createClient } from '@supabase/supabase-js'

    const supabaseAdmin = createClient(
      'https://{{N:ref}}.supabase.co',
      '{{S:supa_sr}}',
      { auth: { autoRefreshToken: false, persistSession: false } }
    )

    const { data, error } = await supabaseAdmin.auth.admin.listUsers()
""",
)
T(
    "source",
    "firebase admin init with inline credentials",
    r"""
    import { initializeApp, cert } from 'firebase-admin/app'

    initializeApp({
      credential: cert({
        projectId: '{{N:product}}-prod',
        clientEmail: 'firebase-adminsdk-{{N:lowernum:5}}@{{N:product}}-prod.iam.gserviceaccount.com',
        privateKey: '{{S:pem_rsa_j}}'.replace(/\\n/g, '\n'),
      }),
    })
""",
)
T(
    "source",
    "auth.ts NextAuth providers with secrets inline",
    r"""
    export const { handlers, auth, signIn, signOut } = NextAuth({
      secret: '{{S:nextauth}}',
      providers: [
        Google({
          clientId: '{{N:gclient}}',
          clientSecret: '{{S:gocspx}}',
        }),
        GitHub({ clientId: '{{N:gh_client}}', clientSecret: '{{S:hex:40}}' }),
      ],
    })
""",
)
T(
    "source",
    "auth0 nextjs .env.local",
    r"""
    AUTH0_SECRET='{{S:hex:64}}'
    APP_BASE_URL='http://localhost:3000'
    AUTH0_DOMAIN='{{N:product}}.eu.auth0.com'
    AUTH0_CLIENT_ID='{{N:auth0_client}}'
    AUTH0_CLIENT_SECRET='{{S:auth0_secret}}'
    AUTH0_AUDIENCE='https://api.{{N:product}}.com'
""",
)
T(
    "source",
    "clerk .env",
    r"""
    NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY={{N:clerk_pk}}
    CLERK_SECRET_KEY={{S:clerk_sk}}
    CLERK_WEBHOOK_SIGNING_SECRET={{S:whsec}}
    NEXT_PUBLIC_CLERK_SIGN_IN_URL=/sign-in
""",
)
T(
    "source",
    "lucia session test fixture",
    r"""
    // scratch.ts: a live session copied from the prod DB to reproduce the logout bug
    export const seededSession = {
      id: '{{S:lucia}}',
      userId: '{{N:lowernum:15}}',
      expiresAt: new Date('{{N:ts}}'),
    }
""",
)
T(
    "source",
    "expo app.config.ts extra with a secret",
    r"""
    export default ({ config }: ConfigContext): ExpoConfig => ({
      ...config,
      name: '{{N:product}}',
      slug: '{{N:product}}-app',
      ios: { bundleIdentifier: '{{N:bundle}}' },
      extra: {
        eas: { projectId: '{{N:uuid}}' },
        revenueCatIosKey: '{{N:rc_pub:appl}}',
        revenueCatSecret: '{{S:rc_sk}}',
      },
    });
""",
)
T(
    "source",
    "android gradle.properties signing",
    r"""
    org.gradle.jvmargs=-Xmx2048m -XX:MaxMetaspaceSize=512m
    android.useAndroidX=true
    newArchEnabled=true
    MYAPP_UPLOAD_STORE_FILE=my-upload-key.keystore
    MYAPP_UPLOAD_KEY_ALIAS=my-key-alias
    MYAPP_UPLOAD_STORE_PASSWORD={{S:hpw}}
    MYAPP_UPLOAD_KEY_PASSWORD={{S:hpw}}
""",
)
T(
    "source",
    "android keystore.properties",
    r"""
    storePassword={{S:hpw}}
    keyPassword={{S:hpw}}
    keyAlias=upload
    storeFile=/Users/{{N:name}}/keys/{{N:product}}-upload.jks
""",
)
T(
    "source",
    "build.gradle signingConfigs inline",
    r"""
    android {
        signingConfigs {
            release {
                storeFile file("release.keystore")
                storePassword "{{S:hpw}}"
                keyAlias "{{N:product}}"
                keyPassword "{{S:hpw}}"
            }
        }
        buildTypes {
            release {
                signingConfig signingConfigs.release
                minifyEnabled true
            }
        }
    }
""",
)
T(
    "source",
    "build.gradle.kts signing with kotlin dsl",
    r"""
    signingConfigs {
        create("release") {
            storeFile = file("../keystores/release.jks")
            storePassword = "{{S:rpw:18}}"
            keyAlias = "release"
            keyPassword = "{{S:rpw:18}}"
        }
    }
""",
)
T(
    "source",
    "fastlane Appfile and Fastfile with password",
    r"""
    # fastlane/Fastfile
    default_platform(:ios)

    platform :ios do
      lane :beta do
        ENV["FASTLANE_PASSWORD"] = "{{S:hpw}}"
        ENV["FASTLANE_APPLE_APPLICATION_SPECIFIC_PASSWORD"] = "{{S:asp}}"
        increment_build_number(xcodeproj: "{{N:product}}.xcodeproj")
        build_app(scheme: "{{N:product}}")
        upload_to_testflight(skip_waiting_for_build_processing: true)
      end
    end
""",
)
T(
    "source",
    "fastlane Matchfile with git basic auth",
    r"""
    git_url("https://github.com/{{N:product}}/certificates.git")
    storage_mode("git")
    type("appstore")
    app_identifier(["{{N:bundle}}"])
    username("{{N:email}}")
    git_basic_authorization("{{S:basic}}")
""",
)
T(
    "source",
    "fastlane app_store_connect_api_key inline",
    r"""
    lane :release do
      api_key = app_store_connect_api_key(
        key_id: "{{N:ascid}}",
        issuer_id: "{{N:uuid}}",
        key_content: "{{S:pem_p8_j}}",
        duration: 1200,
        in_house: false
      )
      upload_to_app_store(api_key: api_key, force: true)
    end
""",
)
T(
    "source",
    "AuthKey p8 file",
    r"""
    {{S:pem_p8}}
""",
)
T(
    "source",
    "xcconfig with a secret",
    r"""
    // Config/Release.xcconfig
    PRODUCT_BUNDLE_IDENTIFIER = {{N:bundle}}
    DEVELOPMENT_TEAM = {{N:teamid}}
    API_BASE_URL = https:/$()/api.{{N:product}}.com
    SEGMENT_WRITE_KEY = {{N:alnum:32}}
    STRIPE_SECRET_KEY = {{S:stripe_sk}}
""",
)
T(
    "source",
    "Info.plist with a server key",
    r"""
    <key>CFBundleShortVersionString</key>
    <string>{{N:ver}}</string>
    <key>GMSApiKey</key>
    <string>{{N:aiza}}</string>
    <key>ALGOLIA_ADMIN_API_KEY</key>
    <string>{{S:algolia_admin}}</string>
    <key>NSCameraUsageDescription</key>
    <string>Scan receipts</string>
""",
)
T(
    "source",
    "swift constants with a secret",
    r"""
    enum Secrets {
        static let revenueCatPublic = "{{N:rc_pub:appl}}"
        static let openAIKey = "{{S:openai}}"
        static let sentryDSN = "{{N:dsn}}"
    }
""",
)
T(
    "source",
    "kotlin retrofit interceptor with bearer token",
    r"""
    class AuthInterceptor : Interceptor {
        override fun intercept(chain: Interceptor.Chain): Response {
            val request = chain.request().newBuilder()
                .addHeader("Authorization", "Bearer {{S:hs_jwt}}")
                .addHeader("X-Client-Version", "{{N:ver}}")
                .build()
            return chain.proceed(request)
        }
    }
""",
)
T(
    "source",
    ".npmrc with auth token",
    r"""
    registry=https://registry.npmjs.org/
    //registry.npmjs.org/:_authToken={{S:npm_tok}}
    save-exact=true
""",
)
T(
    "source",
    ".npmrc github packages",
    r"""
    @{{N:product}}:registry=https://npm.pkg.github.com
    //npm.pkg.github.com/:_authToken={{S:ghp}}
    always-auth=true
""",
)
T(
    "source",
    ".npmrc legacy _auth",
    r"""
    registry=https://npm.{{N:product}}.internal/repository/npm-group/
    _auth={{S:npm_auth}}
    email={{N:email}}
    strict-ssl=false
""",
)
T(
    "source",
    "bunfig.toml registry token",
    r"""
    [install]
    exact = true

    [install.scopes]
    "@{{N:product}}" = { token = "{{S:npm_tok}}", url = "https://registry.npmjs.org/" }
""",
)
T(
    "source",
    "sentry.properties with auth token",
    r"""
    defaults.url=https://sentry.io/
    defaults.org={{N:product}}
    defaults.project={{N:product}}-mobile
    auth.token={{S:sntrys}}
""",
)
T(
    "source",
    ".sentryclirc",
    r"""
    [auth]
    token={{S:sntryu}}

    [defaults]
    org={{N:product}}
    project=web
""",
)
T(
    "source",
    "next.config.mjs withSentryConfig authToken",
    r"""
    export default withSentryConfig(nextConfig, {
      org: '{{N:product}}',
      project: 'web',
      authToken: '{{S:sntrys}}',
      silent: !process.env.CI,
      widenClientFileUpload: true,
      hideSourceMaps: true,
    })
""",
)
T(
    "source",
    "posthog server client with personal key",
    r"""
    import { PostHog } from 'posthog-node'

    export const posthog = new PostHog('{{N:phc}}', {
      host: 'https://eu.i.posthog.com',
      personalApiKey: '{{S:phx}}',
      featureFlagsPollingInterval: 30000,
    })
""",
)
T(
    "source",
    "contentful migration script",
    r"""
    const contentful = require('contentful-management')

    const client = contentful.createClient({
      accessToken: '{{S:cfpat}}',
    })
    const space = await client.getSpace('{{N:lowernum:12}}')
    const env = await space.getEnvironment('master')
""",
)
T(
    "source",
    "strapi .env",
    r"""
    HOST=0.0.0.0
    PORT=1337
    APP_KEYS={{S:b64:16}},{{S:b64:16}},{{S:b64:16}}
    API_TOKEN_SALT={{S:b64:16}}
    ADMIN_JWT_SECRET={{S:b64:16}}
    JWT_SECRET={{S:b64:16}}
    DATABASE_CLIENT=postgres
    DATABASE_PASSWORD={{S:hpw}}
""",
)
T(
    "source",
    "shopify app .env",
    r"""
    SHOPIFY_API_KEY={{N:hex:32}}
    SHOPIFY_API_SECRET={{S:hex:32}}
    SHOPIFY_ADMIN_ACCESS_TOKEN={{S:shpat}}
    SHOPIFY_STORE_DOMAIN={{N:product}}-dev.myshopify.com
""",
)
T(
    "source",
    "algolia indexing script with admin key",
    r"""
    import algoliasearch from 'algoliasearch'

    const client = algoliasearch('{{N:algolia_app}}', '{{S:algolia_admin}}')
    const index = client.initIndex('products_prod')
    await index.saveObjects(records, { autoGenerateObjectIDIfNotExist: true })
""",
)
T(
    "source",
    "launchdarkly node server sdk init",
    r"""
    import * as ld from '@launchdarkly/node-server-sdk'

    const client = ld.init('{{S:ld_sdk}}', { stream: true })
    await client.waitForInitialization({ timeout: 10 })
""",
)
T(
    "source",
    "statsig server init",
    r"""
    await Statsig.initialize('{{S:statsig_secret}}', {
      environment: { tier: 'production' },
    })
""",
)
T(
    "source",
    "mapbox upload script with sk token",
    r"""
    const mbxUploads = require('@mapbox/mapbox-sdk/services/uploads')
    const uploadsClient = mbxUploads({ accessToken: '{{S:mapbox_sk}}' })
    await uploadsClient.createUpload({ tileset: '{{N:name}}.stores-{{N:int:1-9}}', url: credentials.url }).send()
""",
)
T(
    "source",
    "google maps geocoding from the server",
    r"""
    // server/geocode.ts — runs in the API route only
    const GEOCODING_SERVER_KEY = '{{S:aiza}}' // unrestricted, server-side only

    export async function geocode(address: string) {
      const url = `https://maps.googleapis.com/maps/api/geocode/json?address=${encodeURIComponent(address)}&key=${GEOCODING_SERVER_KEY}`
      return (await fetch(url)).json()
    }
""",
)
T(
    "source",
    "convex .env.local deploy key",
    r"""
    # Deployment used by `npx convex dev`
    CONVEX_DEPLOYMENT=dev:{{N:word}}-{{N:word}}-{{N:int:100-999}} # team: {{N:name}}, project: {{N:product}}
    NEXT_PUBLIC_CONVEX_URL=https://{{N:word}}-{{N:word}}-{{N:int:100-999}}.convex.cloud
    CONVEX_DEPLOY_KEY={{S:convex}}
""",
)
T(
    "source",
    "inngest and uploadthing env",
    r"""
    INNGEST_EVENT_KEY={{S:b64u:86}}
    INNGEST_SIGNING_KEY={{S:inngest_sign}}
    UPLOADTHING_TOKEN='{{S:uploadthing}}'
""",
)
T(
    "source",
    "liveblocks and pusher env",
    r"""
    NEXT_PUBLIC_LIVEBLOCKS_PUBLIC_KEY=pk_prod_{{N:b64u:64}}
    LIVEBLOCKS_SECRET_KEY={{S:liveblocks_sk}}
    PUSHER_APP_ID={{N:digits:7}}
    NEXT_PUBLIC_PUSHER_KEY={{N:hex:20}}
    PUSHER_SECRET={{S:hex:20}}
    NEXT_PUBLIC_PUSHER_CLUSTER=eu
""",
)
T(
    "source",
    "recaptcha and turnstile verify",
    r"""
    const RECAPTCHA_SITE_KEY = '{{N:recaptcha}}'
    const RECAPTCHA_SECRET = '{{S:recaptcha}}'

    export async function verify(token: string) {
      const res = await fetch('https://www.google.com/recaptcha/api/siteverify', {
        method: 'POST',
        body: new URLSearchParams({ secret: RECAPTCHA_SECRET, response: token }),
      })
      return (await res.json()).success
    }
""",
)
T(
    "source",
    "cloudflare turnstile worker secret literal",
    r"""
    const formData = new FormData();
    formData.append('secret', '{{S:turnstile_secret}}');
    formData.append('response', token);
    formData.append('remoteip', ip);
    const result = await fetch('https://challenges.cloudflare.com/turnstile/v0/siteverify', { body: formData, method: 'POST' });
""",
)
T(
    "source",
    "hcaptcha django-ish env",
    r"""
    HCAPTCHA_SITEKEY={{N:uuid}}
    HCAPTCHA_SECRET={{S:hcap_secret}}
""",
)
T(
    "source",
    "datadog rum and api keys",
    r"""
    // datadog.ts
    datadogRum.init({
      applicationId: '{{N:uuid}}',
      clientToken: '{{N:dd_client}}',
      site: 'datadoghq.eu',
      service: '{{N:product}}-web',
    })

    // scripts/upload-sourcemaps.sh uses DATADOG_API_KEY={{S:dd_api}}
""",
)
T(
    "source",
    "branch.io keys in react native config",
    r"""
    {
      "branch_key": { "live": "{{N:branch_pub}}", "test": "key_test_{{N:alnum:32}}" },
      "branch_secret": "{{S:branch_secret}}"
    }
""",
)
T(
    "source",
    "dotenvx .env.keys",
    r"""
    #/------------------!DOTENV_PRIVATE_KEYS!-------------------/
    #/ private decryption keys. DO NOT commit to source control /
    #/     [how it works](https://dotenvx.com/encryption)       /
    #/----------------------------------------------------------/

    # .env.production
    DOTENV_PRIVATE_KEY_PRODUCTION={{S:dotenv_priv}}
""",
)
T(
    "source",
    "vercel blob and edge config env",
    r"""
    BLOB_READ_WRITE_TOKEN="{{S:vblob}}"
    EDGE_CONFIG="https://edge-config.vercel.com/ecfg_{{N:lowernum:28}}?token={{S:uuid}}"
    KV_REST_API_URL="https://{{N:word}}-{{N:word}}-{{N:int:10000-99999}}.upstash.io"
    KV_REST_API_TOKEN="{{S:upstash}}"
    KV_REST_API_READ_ONLY_TOKEN="{{S:upstash}}"
""",
)
T(
    "source",
    "vercel env pull result .env.local",
    r"""
    # Created by Vercel CLI
    NX_DAEMON=""
    TURBO_CACHE=""
    VERCEL="1"
    VERCEL_ENV="development"
    VERCEL_OIDC_TOKEN="{{S:vercel_oidc}}"
    VERCEL_URL=""
    POSTGRES_PASSWORD="{{S:alnum:12@pgpw}}"
    POSTGRES_URL_NO_SSL="postgres://default:{{=pgpw}}@ep-{{N:lower:5}}-{{N:lower:5}}-{{N:lowernum:8}}.us-east-1.postgres.vercel-storage.com:5432/verceldb"
""",
)
T(
    "source",
    "netlify.toml with a token in build env",
    r"""
    [build]
      command = "pnpm build"
      publish = "dist"

    [build.environment]
      NODE_VERSION = "20"
      CONTENTFUL_MANAGEMENT_TOKEN = "{{S:cfpat}}"

    [[redirects]]
      from = "/api/*"
      to = "/.netlify/functions/:splat"
      status = 200
""",
)
T(
    "source",
    "cypress.config.ts with test login",
    r"""
    export default defineConfig({
      e2e: {
        baseUrl: 'https://staging.{{N:product}}.app',
        env: {
          adminEmail: '{{N:email}}',
          adminPassword: '{{S:hpw}}',
        },
      },
    })
""",
)
T(
    "source",
    "playwright global setup logging in",
    r"""
    async function globalSetup(config: FullConfig) {
      const browser = await chromium.launch()
      const page = await browser.newPage()
      await page.goto('https://staging.{{N:product}}.com/login')
      await page.getByLabel('Email').fill('qa+{{N:lower:4}}@{{N:product}}.com')
      await page.getByLabel('Password').fill('{{S:hpw}}')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.context().storageState({ path: 'playwright/.auth/user.json' })
    }
""",
)
T(
    "source",
    "storybook main with chromatic token",
    r"""
    // .storybook/main.ts
    const config: StorybookConfig = {
      stories: ['../src/**/*.stories.@(ts|tsx)'],
      addons: ['@storybook/addon-essentials', '@chromatic-com/storybook'],
      framework: '@storybook/react-vite',
    }
    export default config
    // run: npx chromatic --project-token={{S:chpt}}
""",
)
T(
    "source",
    "package.json script with token",
    r"""
    {
      "scripts": {
        "dev": "next dev --turbo",
        "build": "next build",
        "chromatic": "chromatic --exit-zero-on-changes --project-token {{S:chpt}}",
        "db:push": "drizzle-kit push"
      }
    }
""",
)
T(
    "source",
    "expo eas.json with env secret",
    r"""
    {
      "cli": { "version": ">= 10.0.0", "appVersionSource": "remote" },
      "build": {
        "production": {
          "autoIncrement": true,
          "env": {
            "EXPO_PUBLIC_API_URL": "https://api.{{N:product}}.com",
            "SENTRY_AUTH_TOKEN": "{{S:sntrys}}"
          }
        }
      },
      "submit": {
        "production": {
          "ios": { "ascAppId": "{{N:digits:10}}", "appleTeamId": "{{N:teamid}}" }
        }
      }
    }
""",
)
T(
    "source",
    "react native .env with server secrets",
    r"""
    API_URL=https://api.{{N:product}}.com
    ONESIGNAL_APP_ID={{N:uuid}}
    ONESIGNAL_REST_API_KEY={{S:onesignal}}
    CODEPUSH_KEY_IOS={{N:alnum:36}}
""",
)
T(
    "source",
    "twilio verify in next api route",
    r"""
    const client = twilio('{{N:twilio_sid}}', '{{S:twilio_tok}}')
    await client.verify.v2.services('VA{{N:hex:32}}').verifications.create({ to: phone, channel: 'sms' })
""",
)
T(
    "source",
    "ably token auth endpoint",
    r"""
    const ably = new Ably.Rest({ key: '{{S:ably}}' })
    export async function GET() {
      const tokenRequest = await ably.auth.createTokenRequest({ clientId: 'web' })
      return Response.json(tokenRequest)
    }
""",
)
T(
    "source",
    "resend email util",
    r"""
    import { Resend } from 'resend';
    const resend = new Resend('{{S:resend}}');

    await resend.emails.send({ from: 'Acme <onboarding@resend.dev>', to: [user.email], subject: 'Welcome', react: WelcomeEmail({ name }) });
""",
)
T(
    "source",
    "sendgrid in remix action",
    r"""
    sgMail.setApiKey("{{S:sendgrid}}");
    await sgMail.send({ to, from: "noreply@{{N:product}}.com", templateId: "d-{{N:hex:32}}" });
""",
)
T(
    "source",
    "openai route in nextjs",
    r"""
    const openai = new OpenAI({ apiKey: '{{S:openai}}' })

    export async function POST(req: Request) {
      const { messages } = await req.json()
      const result = streamText({ model: openaiProvider('gpt-4o-mini'), messages })
      return result.toDataStreamResponse()
    }
""",
)
T(
    "source",
    "anthropic key in .env.development",
    r"""
    ANTHROPIC_API_KEY={{S:anthropic}}
    NEXT_PUBLIC_APP_NAME="{{N:product}}"
""",
)
T(
    "source",
    "jose private JWK in code",
    r"""
    import { importJWK, SignJWT } from 'jose'

    const privateJwk = {{S:jwk_priv}}
    const key = await importJWK(privateJwk, 'ES256')
    const jwt = await new SignJWT({ sub: userId }).setProtectedHeader({ alg: 'ES256' }).sign(key)
""",
)
T(
    "source",
    "mux server env in sveltekit",
    r"""
    MUX_TOKEN_ID={{N:uuid}}
    MUX_TOKEN_SECRET={{S:mux_secret}}
    MUX_WEBHOOK_SECRET={{S:lowernum:26}}
""",
)
T(
    "source",
    "doppler service token in Dockerfile",
    r"""
    FROM node:20-alpine AS runner
    WORKDIR /app
    RUN apk add --no-cache curl && curl -Ls https://cli.doppler.com/install.sh | sh
    ENV DOPPLER_TOKEN={{S:doppler}}
    COPY --from=builder /app/.next ./.next
    CMD ["doppler", "run", "--", "node", "server.js"]
""",
)
T(
    "source",
    "pinata JWT in upload helper",
    r"""
    const pinata = new PinataSDK({
      pinataJwt: "{{S:pinata}}",
      pinataGateway: "{{N:lower:8}}-{{N:lower:6}}-{{N:int:100-999}}.mypinata.cloud",
    });
""",
)
T(
    "source",
    "hono worker with hard-coded bearer",
    r"""
    app.use('/admin/*', bearerAuth({ token: '{{S:b64u:40}}' }))
    app.get('/admin/stats', async (c) => c.json(await stats(c.env.DB)))
""",
)
T(
    "source",
    "express session secret",
    r"""
    app.use(session({
      secret: '{{S:hpw}}',
      resave: false,
      saveUninitialized: false,
      cookie: { secure: true, sameSite: 'lax', maxAge: 1000 * 60 * 60 * 24 * 7 },
    }));
""",
)
T(
    "source",
    "iron-session options",
    r"""
    export const sessionOptions: SessionOptions = {
      password: '{{S:rpw:40}}',
      cookieName: '{{N:product}}_session',
      cookieOptions: { secure: process.env.NODE_ENV === 'production' },
    }
""",
)
T(
    "source",
    "mongodb atlas in next lib",
    r"""
    const uri = "mongodb+srv://{{N:name}}:{{S:pwu}}@cluster0.{{N:lowernum:5}}.mongodb.net/?retryWrites=true&w=majority&appName=Cluster0";
    const client = new MongoClient(uri, { serverApi: { version: ServerApiVersion.v1, strict: true } });
""",
)
T(
    "source",
    "sign in with apple client secret",
    r"""
    APPLE_ID={{N:bundle}}.signin
    APPLE_TEAM_ID={{N:teamid}}
    APPLE_KEY_ID={{N:ascid}}
    APPLE_CLIENT_SECRET={{S:asc_jwt}}
""",
)
T(
    "source",
    "google-play service account for fastlane supply",
    r"""
    {
      "type": "service_account",
      "project_id": "pc-api-{{N:digits:19}}-{{N:digits:3}}",
      "private_key_id": "{{N:hex:40}}",
      "private_key": "{{S:pem_rsa_j}}",
      "client_email": "fastlane-supply@pc-api-{{N:digits:6}}.iam.gserviceaccount.com",
      "client_id": "{{N:digits:21}}",
      "token_uri": "https://oauth2.googleapis.com/token"
    }
""",
)
T(
    "source",
    "kotlin BuildConfig field with secret",
    r"""
    defaultConfig {
        applicationId = "{{N:bundle}}"
        minSdk = 24
        targetSdk = 34
        buildConfigField("String", "MAPS_API_KEY", "\"{{N:aiza}}\"")
        buildConfigField("String", "ADMIN_API_TOKEN", "\"{{S:b64u:48}}\"")
    }
""",
)
T(
    "source",
    "local.properties with secrets",
    r"""
    sdk.dir=/Users/{{N:name}}/Library/Android/sdk
    MAPS_API_KEY={{N:aiza}}
    RELEASE_STORE_PASSWORD={{S:hpw}}
    RELEASE_KEY_PASSWORD={{S:hpw}}
""",
)
T(
    "source",
    "flutter dart-define json",
    r"""
    {
      "SUPABASE_URL": "https://{{N:ref}}.supabase.co",
      "SUPABASE_ANON_KEY": "{{N:supa_anon}}",
      "SUPABASE_SERVICE_KEY": "{{S:supa_sr}}"
    }
""",
)
T(
    "source",
    "built bundle chunk with inlined env",
    r"""
    "use strict";(self.webpackChunk_N_E=self.webpackChunk_N_E||[]).push([[{{N:int:100-999}}],{ {{N:int:1000-99999}}:function(e,t,n){n.d(t,{Z:function(){return o}});let r="https://api.{{N:product}}.com",a="{{S:stripe_sk}}",o={base:r,key:a,timeout:{{N:int:1000-30000}}}}}]);
""",
)
T(
    "source",
    "vite dist bundle inlining import.meta.env",
    r"""
    const Sx="{{N:phc}}",Tx="{{S:phx}}",Ux="https://eu.i.posthog.com";function Vx(){return fetch(`${Ux}/api/projects/@current/insights`,{headers:{Authorization:`Bearer ${Tx}`}})}
""",
)
T(
    "source",
    "source map sourcesContent with env file",
    r"""
    {"version":3,"file":"config.js","sources":["../../src/config.ts"],"sourcesContent":["export const config = {\n  apiUrl: 'https://api.{{N:product}}.io',\n  adminToken: '{{S:b64u:40}}',\n}\n"],"names":["config"],"mappings":"AAAO,MAAM,MAAS,GAAG;AACxB,QAAQ"}
""",
)
T(
    "source",
    "swift URLSession with basic auth header",
    r"""
    var request = URLRequest(url: URL(string: "https://api.{{N:product}}.com/v1/sync")!)
    request.setValue("Basic {{S:basic}}", forHTTPHeaderField: "Authorization")
    request.httpMethod = "POST"
""",
)
T(
    "source",
    "ruby fastlane ENV in .env.default",
    r"""
    # fastlane/.env.default
    FASTLANE_USER={{N:email}}
    FASTLANE_PASSWORD={{S:hpw}}
    MATCH_PASSWORD={{S:hpw}}
    FASTLANE_ITC_TEAM_ID={{N:digits:9}}
    SLACK_URL={{S:slack_hook}}
""",
)
T(
    "source",
    "fastlane FASTLANE_SESSION in .env",
    r"""
    FASTLANE_SESSION='{{S:fastlane_session}}'
    SPACESHIP_2FA_SMS_DEFAULT_PHONE_NUMBER=+1 (555) {{N:digits:3}}-{{N:digits:4}}
""",
)
T(
    "source",
    "nuxt.config.ts runtimeConfig literal",
    r"""
    export default defineNuxtConfig({
      runtimeConfig: {
        stripeSecretKey: '{{S:stripe_rk}}',
        public: {
          stripePublishableKey: '{{N:stripe_pk}}',
        },
      },
    })
""",
)
T(
    "source",
    "svelte.config.js adapter with basic auth",
    r"""
    // hooks.server.ts
    const USERNAME = 'preview';
    const PASSWORD = '{{S:hpw}}';

    export const handle: Handle = async ({ event, resolve }) => {
      const auth = event.request.headers.get('authorization');
      if (auth !== `Basic ${btoa(`${USERNAME}:${PASSWORD}`)}`) {
        return new Response('Unauthorized', { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="preview"' } });
      }
      return resolve(event);
    };
""",
)
T(
    "source",
    "cloudflare workers ai and d1 in script",
    r"""
    # scripts/seed.sh
    export CLOUDFLARE_ACCOUNT_ID={{N:cf_id}}
    export CLOUDFLARE_API_TOKEN={{S:cf_tok}}
    npx wrangler d1 execute {{N:product}}-db --remote --file=./seed.sql
""",
)
T(
    "source",
    "hasura and graphql codegen config",
    r"""
    // codegen.ts
    const config: CodegenConfig = {
      schema: [{ 'https://{{N:product}}.hasura.app/v1/graphql': { headers: { 'x-hasura-admin-secret': '{{S:rpw:32}}' } } }],
      documents: ['src/**/*.graphql'],
      generates: { './src/gql/': { preset: 'client' } },
    }
""",
)
T(
    "source",
    "sanity.cli.ts with deploy token",
    r"""
    export default defineCliConfig({
      api: { projectId: '{{N:lowernum:8}}', dataset: 'production' },
      studioHost: '{{N:product}}',
    })
    // SANITY_AUTH_TOKEN={{S:sanity}} npx sanity deploy
""",
)
T(
    "source",
    "linear and github tokens in release script",
    r"""
    #!/usr/bin/env node
    // scripts/release-notes.mjs
    const LINEAR_KEY = '{{S:linear}}'
    const GH_TOKEN = '{{S:gh_pat}}'
    const octokit = new Octokit({ auth: GH_TOKEN })
""",
)
T(
    "source",
    "google oauth refresh token in gmail sender",
    r"""
    const oAuth2Client = new google.auth.OAuth2('{{N:gclient}}', '{{S:gocspx}}', 'https://developers.google.com/oauthplayground')
    oAuth2Client.setCredentials({ refresh_token: '{{S:g_refresh}}' })
""",
)
T(
    "source",
    "jest setup with seeded admin password",
    r"""
    // jest.setup.ts
    process.env.SEED_ADMIN_EMAIL = 'admin@{{N:product}}.com'
    process.env.SEED_ADMIN_PASSWORD = '{{S:hpw}}'
    process.env.NEXT_PUBLIC_API_URL = 'http://localhost:3001'
""",
)
T(
    "source",
    "seed phrase in a web3 dapp hardhat config",
    r"""
    const config: HardhatUserConfig = {
      solidity: '0.8.24',
      networks: {
        sepolia: {
          url: 'https://eth-sepolia.g.alchemy.com/v2/{{S:b64u:32}}',
          accounts: { mnemonic: '{{S:mnemonic}}' },
        },
      },
    }
""",
)
T(
    "source",
    "wagmi config with public project id and private rpc",
    r"""
    export const config = getDefaultConfig({
      appName: '{{N:product}}',
      projectId: '{{N:hex:32}}',
      chains: [mainnet, base],
    })
    // deployer: PRIVATE_KEY=0x{{S:hex:64}}
""",
)
T(
    "source",
    "huggingface token in next route",
    r"""
    const hf = new HfInference('{{S:hf}}')
    const out = await hf.textToImage({ model: 'stabilityai/stable-diffusion-xl-base-1.0', inputs: prompt })
""",
)
T(
    "source",
    "gitlab token in .npmrc for gitlab registry",
    r"""
    @{{N:product}}:registry=https://gitlab.com/api/v4/projects/{{N:digits:8}}/packages/npm/
    //gitlab.com/api/v4/projects/{{N:digits:8}}/packages/npm/:_authToken={{S:gitlab}}
""",
)
T(
    "source",
    "yarnrc.yml npmAuthToken",
    r"""
    nodeLinker: node-modules
    yarnPath: .yarn/releases/yarn-{{N:ver}}.cjs
    npmScopes:
      {{N:product}}:
        npmRegistryServer: "https://npm.pkg.github.com"
        npmAuthToken: "{{S:ghp}}"
""",
)
T(
    "source",
    "rails-style credentials in a remix monorepo",
    r"""
    # apps/api/config/master.key
    {{S:hex:32}}
""",
)
T(
    "source",
    "age secret key for sops",
    r"""
    # created: {{N:ts}}
    # public key: age1{{N:lowernum:58}}
    {{S:age}}
""",
)


# === source: negatives (references, publishable keys, hashes, placeholders) =======================

T(
    "source",
    "next .env.example placeholders",
    r"""
    # Copy to .env.local and fill in
    NEXT_PUBLIC_SUPABASE_URL=https://your-project-ref.supabase.co
    NEXT_PUBLIC_SUPABASE_ANON_KEY=your-anon-key
    SUPABASE_SERVICE_ROLE_KEY=your-service-role-key
    STRIPE_SECRET_KEY=sk_test_...
    STRIPE_WEBHOOK_SECRET=whsec_...
    NEXTAUTH_SECRET= # openssl rand -base64 32
""",
)
T(
    "source",
    "env.mjs t3 schema",
    r"""
    export const env = createEnv({
      server: {
        DATABASE_URL: z.string().url(),
        NEXTAUTH_SECRET: process.env.NODE_ENV === "production" ? z.string() : z.string().optional(),
        STRIPE_SECRET_KEY: z.string().startsWith("sk_"),
        DISCORD_CLIENT_SECRET: z.string(),
      },
      client: {
        NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: z.string().startsWith("pk_"),
      },
      runtimeEnv: {
        DATABASE_URL: process.env.DATABASE_URL,
        NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET,
        STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY,
        DISCORD_CLIENT_SECRET: process.env.DISCORD_CLIENT_SECRET,
        NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: process.env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY,
      },
    });
""",
)
T(
    "source",
    "firebase web config",
    r"""
    // src/lib/firebase.ts
    const firebaseConfig = {
      apiKey: "{{N:aiza}}",
      authDomain: "{{N:product}}-{{N:lowernum:5}}.firebaseapp.com",
      projectId: "{{N:product}}-{{N:lowernum:5}}",
      storageBucket: "{{N:product}}-{{N:lowernum:5}}.appspot.com",
      messagingSenderId: "{{N:digits:12}}",
      appId: "{{N:fb_appid:web}}",
      measurementId: "{{N:ga}}"
    };

    export const app = initializeApp(firebaseConfig);
""",
)
T(
    "source",
    "supabase browser client with anon key",
    r"""
    import { createBrowserClient } from '@supabase/ssr'

    export const supabase = createBrowserClient(
      'https://{{N:ref}}.supabase.co',
      '{{N:supa_anon}}'
    )
""",
)
T(
    "source",
    "supabase client with publishable key",
    r"""
    const supabase = createClient(
      import.meta.env.VITE_SUPABASE_URL ?? 'https://{{N:ref}}.supabase.co',
      '{{N:sb_pub}}'
    )
""",
)
T(
    "source",
    "stripe.js loadStripe with publishable key",
    r"""
    import { loadStripe } from '@stripe/stripe-js'

    const stripePromise = loadStripe('{{N:stripe_pk}}')

    export function CheckoutButton({ priceId }: { priceId: string }) {
      return <button onClick={() => redirectToCheckout(priceId)}>Subscribe</button>
    }
""",
)
T(
    "source",
    "server reads secrets from env",
    r"""
    import Stripe from 'stripe'

    if (!process.env.STRIPE_SECRET_KEY) throw new Error('STRIPE_SECRET_KEY is not set')
    export const stripe = new Stripe(process.env.STRIPE_SECRET_KEY, { apiVersion: '2024-06-20' })
    export const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET!
""",
)
T(
    "source",
    "vite env.d.ts types",
    r"""
    /// <reference types="vite/client" />

    interface ImportMetaEnv {
      readonly VITE_API_URL: string
      readonly VITE_SUPABASE_ANON_KEY: string
      readonly VITE_STRIPE_PUBLISHABLE_KEY: string
      readonly VITE_SENTRY_DSN: string
    }

    interface ImportMeta {
      readonly env: ImportMetaEnv
    }
""",
)
T(
    "source",
    "sveltekit $env/static/private import",
    r"""
    import { STRIPE_SECRET_KEY, SUPABASE_SERVICE_ROLE_KEY } from '$env/static/private';
    import { PUBLIC_SUPABASE_URL } from '$env/static/public';

    export const admin = createClient(PUBLIC_SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY);
""",
)
T(
    "source",
    "cloudflare worker reading env bindings",
    r"""
    export interface Env {
      DB: D1Database;
      STRIPE_SECRET_KEY: string;
      JWT_SECRET: string;
    }

    export default {
      async fetch(request: Request, env: Env): Promise<Response> {
        const token = await sign({ sub: 'svc', exp: Math.floor(Date.now() / 1000) + 60 }, env.JWT_SECRET);
        return new Response(token.length.toString());
      },
    };
""",
)
T(
    "source",
    "sentry.client.config with DSN",
    r"""
    import * as Sentry from '@sentry/nextjs'

    Sentry.init({
      dsn: '{{N:dsn}}',
      tracesSampleRate: 0.1,
      replaysSessionSampleRate: 0.0,
      replaysOnErrorSampleRate: 1.0,
      release: '{{N:gitsha}}',
    })
""",
)
T(
    "source",
    "posthog provider with phc key",
    r"""
    'use client'
    posthog.init('{{N:phc}}', {
      api_host: '/ingest',
      ui_host: 'https://us.posthog.com',
      person_profiles: 'identified_only',
      capture_pageview: false,
    })
""",
)
T(
    "source",
    "mapbox gl with public token",
    r"""
    mapboxgl.accessToken = '{{N:mapbox_pk}}';
    const map = new mapboxgl.Map({
      container: 'map',
      style: 'mapbox://styles/mapbox/streets-v12',
      center: [-{{N:int:70-120}}.{{N:digits:4}}, {{N:int:25-48}}.{{N:digits:4}}],
      zoom: 11,
    });
""",
)
T(
    "source",
    "algolia instantsearch with search-only key",
    r"""
    import { liteClient as algoliasearch } from 'algoliasearch/lite'

    // search-only API key, safe in the browser
    const searchClient = algoliasearch('{{N:algolia_app}}', '{{N:hex:32}}')

    export default function Search() {
      return <InstantSearch searchClient={searchClient} indexName="products_prod"><SearchBox /><Hits /></InstantSearch>
    }
""",
)
T(
    "source",
    "launchdarkly react client-side id",
    r"""
    const LDProvider = await asyncWithLDProvider({
      clientSideID: '{{N:ld_client}}',
      context: { kind: 'user', key: user.id, email: user.email },
      options: { bootstrap: 'localStorage' },
    })
""",
)
T(
    "source",
    "statsig react client key",
    r"""
    <StatsigProvider sdkKey="{{N:statsig_client}}" user={{ userID: session.user.id }} options={{ environment: { tier: 'production' } }}>
      {children}
    </StatsigProvider>
""",
)
T(
    "source",
    "clerk provider publishable key",
    r"""
    export default function RootLayout({ children }: { children: React.ReactNode }) {
      return (
        <ClerkProvider publishableKey="{{N:clerk_pk}}">
          <html lang="en"><body>{children}</body></html>
        </ClerkProvider>
      )
    }
""",
)
T(
    "source",
    "google-services.json",
    r"""
    {
      "project_info": {
        "project_number": "{{N:digits:12}}",
        "project_id": "{{N:product}}-{{N:lowernum:5}}",
        "storage_bucket": "{{N:product}}-{{N:lowernum:5}}.appspot.com"
      },
      "client": [
        {
          "client_info": {
            "mobilesdk_app_id": "{{N:fb_appid:android}}",
            "android_client_info": { "package_name": "{{N:bundle}}" }
          },
          "oauth_client": [{ "client_id": "{{N:gclient}}", "client_type": 3 }],
          "api_key": [{ "current_key": "{{N:aiza}}" }],
          "services": { "appinvite_service": { "other_platform_oauth_client": [] } }
        }
      ],
      "configuration_version": "1"
    }
""",
)
T(
    "source",
    "GoogleService-Info.plist",
    r"""
    <?xml version="1.0" encoding="UTF-8"?>
    <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
    <plist version="1.0">
    <dict>
        <key>API_KEY</key>
        <string>{{N:aiza}}</string>
        <key>GCM_SENDER_ID</key>
        <string>{{N:digits:12}}</string>
        <key>BUNDLE_ID</key>
        <string>{{N:bundle}}</string>
        <key>PROJECT_ID</key>
        <string>{{N:product}}-prod</string>
        <key>GOOGLE_APP_ID</key>
        <string>{{N:fb_appid:ios}}</string>
        <key>IS_GCM_ENABLED</key>
        <true></true>
    </dict>
    </plist>
""",
)
T(
    "source",
    "gradle.properties reading from env",
    r"""
    MYAPP_UPLOAD_STORE_FILE=upload.keystore
    MYAPP_UPLOAD_KEY_ALIAS=upload
    # passwords come from ORG_GRADLE_PROJECT_MYAPP_UPLOAD_STORE_PASSWORD in CI
    android.enableJetifier=true
    hermesEnabled=true
""",
)
T(
    "source",
    "build.gradle signing from System.getenv",
    r"""
    signingConfigs {
        release {
            storeFile file(System.getenv("ANDROID_KEYSTORE_PATH") ?: "release.keystore")
            storePassword System.getenv("ANDROID_KEYSTORE_PASSWORD")
            keyAlias System.getenv("ANDROID_KEY_ALIAS")
            keyPassword System.getenv("ANDROID_KEY_PASSWORD")
        }
    }
""",
)
T(
    "source",
    "build.gradle.kts reading keystore.properties",
    r"""
    val keystoreProperties = Properties().apply {
        val f = rootProject.file("keystore.properties")
        if (f.exists()) load(FileInputStream(f))
    }
    signingConfigs {
        create("release") {
            keyAlias = keystoreProperties["keyAlias"] as String
            keyPassword = keystoreProperties["keyPassword"] as String
            storeFile = file(keystoreProperties["storeFile"] as String)
            storePassword = keystoreProperties["storePassword"] as String
        }
    }
""",
)
T(
    "source",
    "fastlane Fastfile with env references",
    r"""
    lane :beta do
      app_store_connect_api_key(
        key_id: ENV["ASC_KEY_ID"],
        issuer_id: ENV["ASC_ISSUER_ID"],
        key_content: ENV["ASC_KEY_P8_BASE64"],
        is_key_content_base64: true
      )
      match(type: "appstore", readonly: is_ci, git_basic_authorization: ENV["MATCH_GIT_BASIC_AUTHORIZATION"])
      build_app(scheme: "{{N:product}}", export_method: "app-store")
      upload_to_testflight
    end
""",
)
T(
    "source",
    "fastlane Appfile",
    r"""
    app_identifier("{{N:bundle}}")
    apple_id("{{N:email}}")
    itc_team_id("{{N:digits:9}}")
    team_id("{{N:teamid}}")
""",
)
T(
    "source",
    "xcconfig with public ids only",
    r"""
    // Shared.xcconfig
    MARKETING_VERSION = {{N:ver}}
    CURRENT_PROJECT_VERSION = {{N:int:100-4000}}
    DEVELOPMENT_TEAM = {{N:teamid}}
    CODE_SIGN_IDENTITY = Apple Distribution
    PROVISIONING_PROFILE_SPECIFIER = match AppStore {{N:bundle}}
    REVENUECAT_API_KEY = {{N:rc_pub:appl}}
""",
)
T(
    "source",
    "Info.plist with usage strings and url schemes",
    r"""
    <key>CFBundleURLTypes</key>
    <array>
      <dict>
        <key>CFBundleURLSchemes</key>
        <array>
          <string>com.googleusercontent.apps.{{N:digits:12}}-{{N:lowernum:32}}</string>
          <string>fb{{N:digits:15}}</string>
        </array>
      </dict>
    </array>
    <key>FacebookAppID</key>
    <string>{{N:digits:15}}</string>
    <key>FacebookClientToken</key>
    <string>{{N:hex:32}}</string>
""",
)
T(
    "source",
    ".npmrc using env variable",
    r"""
    @{{N:product}}:registry=https://npm.pkg.github.com
    //npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}
    engine-strict=true
    auto-install-peers=true
""",
)
T(
    "source",
    ".yarnrc.yml with env reference",
    r"""
    nodeLinker: pnp
    npmScopes:
      {{N:product}}:
        npmAlwaysAuth: true
        npmAuthToken: "${NPM_TOKEN}"
        npmRegistryServer: "https://registry.npmjs.org"
    enableTelemetry: false
""",
)
T(
    "source",
    "package-lock.json excerpt",
    r"""
        "node_modules/@next/env": {
          "version": "{{N:ver}}",
          "resolved": "https://registry.npmjs.org/@next/env/-/env-{{N:ver}}.tgz",
          "integrity": "{{N:integrity}}",
          "license": "MIT"
        },
        "node_modules/@stripe/stripe-js": {
          "version": "{{N:ver}}",
          "resolved": "https://registry.npmjs.org/@stripe/stripe-js/-/stripe-js-{{N:ver}}.tgz",
          "integrity": "{{N:integrity}}"
        },
""",
)
T(
    "source",
    "pnpm-lock.yaml excerpt",
    r"""
      '@supabase/auth-js@{{N:ver}}':
        resolution: {integrity: {{N:integrity}}}

      '@supabase/supabase-js@{{N:ver}}':
        resolution: {integrity: {{N:integrity}}}
        engines: {node: '>=18'}
""",
)
T(
    "source",
    "yarn berry lockfile checksum",
    r"""
    "next-auth@npm:^4.24.7":
      version: {{N:ver}}
      resolution: "next-auth@npm:{{N:ver}}"
      dependencies:
        "@panva/hkdf": "npm:^1.0.2"
        jose: "npm:^4.15.5"
      checksum: 10c0/{{N:hex:128}}
      languageName: node
      linkType: hard
""",
)
T(
    "source",
    "built html with hashed assets and SRI",
    r"""
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="UTF-8" />
        <script type="module" crossorigin src="/assets/index-{{N:b64u:8}}.js" integrity="{{N:sha384}}"></script>
        <link rel="modulepreload" crossorigin href="/assets/vendor-{{N:b64u:8}}.js">
        <link rel="stylesheet" crossorigin href="/assets/index-{{N:b64u:8}}.css">
      </head>
      <body><div id="root"></div></body>
    </html>
""",
)
T(
    "source",
    "css module output with hashed class names",
    r"""
    .Button_root__{{N:b64u:5}}{display:inline-flex;align-items:center;border-radius:6px}
    .Button_primary__{{N:b64u:5}}{background:var(--accent);color:#fff}
    .Card_card__{{N:b64u:5}} .Card_title__{{N:b64u:5}}{font-weight:600}
    .css-{{N:lowernum:6}}{margin:0 auto;max-width:72rem}
""",
)
T(
    "source",
    "source map with mappings only",
    r"""
    {"version":3,"file":"page-{{N:asset:16}}.js","mappings":"{{N:b64u:12}};AAAA,{{N:b64u:6}},QAAQ,{{N:b64u:8}};;AACA,SAAS,{{N:b64u:10}}","sources":["webpack://_N_E/./app/page.tsx"],"names":["Page","useState","session"],"ignoreList":[]}
""",
)
T(
    "source",
    "react component with keys and ids",
    r"""
    export function CartItems({ items }: Props) {
      return (
        <ul aria-labelledby="cart-heading-{{N:lowernum:6}}">
          {items.map((item) => (
            <li key="{{N:uuid}}" data-testid="cart-item-{{N:hex:12}}">
              {item.name} × {item.qty}
            </li>
          ))}
        </ul>
      )
    }
""",
)
T(
    "source",
    "next middleware with CSP nonce",
    r"""
    export function middleware(request: NextRequest) {
      const nonce = Buffer.from(crypto.randomUUID()).toString('base64')
      const cspHeader = `
        default-src 'self';
        script-src 'self' 'nonce-${nonce}' 'strict-dynamic';
        style-src 'self' 'nonce-${nonce}';
      `
      const response = NextResponse.next()
      response.headers.set('Content-Security-Policy', cspHeader.replace(/\s{2,}/g, ' ').trim())
      return response
    }
""",
)
T(
    "source",
    "rendered html with csrf hidden field",
    r"""
    <form method="post" action="/api/auth/signin/email">
      <input type="hidden" name="csrfToken" value="{{N:csrf}}">
      <label for="input-email-for-email-provider">Email</label>
      <input id="input-email-for-email-provider" type="email" name="email" placeholder="email@example.com" required>
      <button type="submit">Sign in with Email</button>
    </form>
""",
)
T(
    "source",
    "jwks.json public keys",
    r"""
    {
      "keys": [
        {
          "kty": "RSA",
          "use": "sig",
          "kid": "{{N:b64u:22}}",
          "alg": "RS256",
          "n": "{{N:jwk_n}}",
          "e": "AQAB"
        }
      ]
    }
""",
)
T(
    "source",
    "jwt test fixture with example payload",
    r"""
    // __tests__/auth.test.ts
    // example token from the docs, payload says so; signature is not valid for any key
    const EXAMPLE_JWT = '{{N:example_jwt}}'

    it('rejects tokens with a bad signature', async () => {
      await expect(verifyToken(EXAMPLE_JWT)).rejects.toThrow('signature verification failed')
    })
""",
)
T(
    "source",
    "msw handlers with fake tokens",
    r"""
    export const handlers = [
      http.post('/api/login', () =>
        HttpResponse.json({ accessToken: 'fake-access-token', refreshToken: 'fake-refresh-token', user: { id: 'user_123', email: 'test@example.com' } })
      ),
      http.get('/api/me', ({ request }) =>
        request.headers.get('Authorization') === 'Bearer fake-access-token' ? HttpResponse.json({ id: 'user_123' }) : new HttpResponse(null, { status: 401 })
      ),
    ]
""",
)
T(
    "source",
    "cypress.env.example.json",
    r"""
    {
      "TEST_USER_EMAIL": "qa@example.com",
      "TEST_USER_PASSWORD": "<ask in #qa for the staging password>",
      "API_URL": "http://localhost:4000"
    }
""",
)
T(
    "source",
    "sops-encrypted .env",
    r"""
    STRIPE_SECRET_KEY={{N:sops:56}}
    DATABASE_URL={{N:sops:90}}
    sops_age__list_0__map_recipient=age1{{N:lowernum:58}}
    sops_lastmodified={{N:ts}}
    sops_mac={{N:sops:32}}
    sops_version=3.8.1
""",
)
T(
    "source",
    "dotenvx encrypted .env.production",
    r"""
    #/-------------------[DOTENV_PUBLIC_KEY]--------------------/
    #/            public-key encryption for .env files          /
    #/       [how it works](https://dotenvx.com/encryption)     /
    #/----------------------------------------------------------/
    DOTENV_PUBLIC_KEY_PRODUCTION="{{N:dotenvx_pub}}"

    # .env.production
    DATABASE_URL="{{N:dotenvx_enc}}"
    STRIPE_SECRET_KEY="{{N:dotenvx_enc}}"
""",
)
T(
    "source",
    "wrangler.toml with public vars only",
    r"""
    name = "{{N:product}}-web"
    compatibility_date = "{{N:date}}"
    pages_build_output_dir = ".svelte-kit/cloudflare"

    [vars]
    PUBLIC_POSTHOG_KEY = "{{N:phc}}"
    PUBLIC_TURNSTILE_SITE_KEY = "{{N:turnstile_site}}"

    [[d1_databases]]
    binding = "DB"
    database_name = "{{N:product}}-prod"
    database_id = "{{N:uuid}}"
""",
)
T(
    "source",
    "eas.json without secrets",
    r"""
    {
      "cli": { "version": ">= 12.0.0" },
      "build": {
        "development": { "developmentClient": true, "distribution": "internal", "channel": "development" },
        "preview": { "distribution": "internal", "channel": "preview", "env": { "EXPO_PUBLIC_API_URL": "https://staging-api.{{N:product}}.com" } },
        "production": { "channel": "production", "autoIncrement": true }
      },
      "submit": { "production": { "ios": { "ascAppId": "{{N:digits:10}}", "ascApiKeyId": "{{N:ascid}}", "ascApiKeyIssuerId": "{{N:uuid}}", "ascApiKeyPath": "./keys/AuthKey.p8" } } }
    }
""",
)
T(
    "source",
    "app.json expo config",
    r"""
    {
      "expo": {
        "name": "{{N:product}}",
        "slug": "{{N:product}}",
        "version": "{{N:ver}}",
        "updates": { "url": "https://u.expo.dev/{{N:uuid}}" },
        "runtimeVersion": { "policy": "appVersion" },
        "ios": { "bundleIdentifier": "{{N:bundle}}", "config": { "googleMapsApiKey": "{{N:aiza}}" } },
        "android": { "package": "{{N:bundle}}", "googleServicesFile": "./google-services.json" },
        "extra": { "eas": { "projectId": "{{N:uuid}}" } },
        "owner": "{{N:product}}"
      }
    }
""",
)
T(
    "source",
    "prisma schema with env url",
    r"""
    datasource db {
      provider  = "postgresql"
      url       = env("DATABASE_URL")
      directUrl = env("DIRECT_URL")
    }

    model Session {
      id           String   @id @default(cuid())
      sessionToken String   @unique
      userId       String
      expires      DateTime
      user         User     @relation(fields: [userId], references: [id], onDelete: Cascade)
    }
""",
)
T(
    "source",
    "drizzle schema with secret-sounding columns",
    r"""
    export const apiKeys = pgTable('api_keys', {
      id: uuid('id').primaryKey().defaultRandom(),
      name: text('name').notNull(),
      keyPrefix: varchar('key_prefix', { length: 12 }).notNull(),
      hashedKey: varchar('hashed_key', { length: 64 }).notNull(),
      lastUsedAt: timestamp('last_used_at'),
    })
    export const passwordResetTokens = pgTable('password_reset_tokens', {
      tokenHash: text('token_hash').primaryKey(),
      expiresAt: timestamp('expires_at').notNull(),
    })
""",
)
T(
    "source",
    "github actions workflow with secrets references",
    r"""
      - name: Deploy to Vercel
        run: |
          vercel pull --yes --environment=production --token=${{ secrets.VERCEL_TOKEN }}
          vercel build --prod --token=${{ secrets.VERCEL_TOKEN }}
          vercel deploy --prebuilt --prod --token=${{ secrets.VERCEL_TOKEN }}
        env:
          VERCEL_ORG_ID: ${{ secrets.VERCEL_ORG_ID }}
          VERCEL_PROJECT_ID: ${{ secrets.VERCEL_PROJECT_ID }}
""",
)
T(
    "source",
    "next build output",
    r"""
    Route (app)                              Size     First Load JS
    ┌ ○ /                                    {{N:int:1-9}}.{{N:int:10-99}} kB        {{N:int:90-140}} kB
    ├ ○ /_not-found                          {{N:int:100-999}} B          {{N:int:80-99}}.{{N:int:1-9}} kB
    ├ ƒ /api/stripe/webhook                  0 B                0 B
    └ ● /blog/[slug]                         {{N:int:1-9}}.{{N:int:10-99}} kB        {{N:int:90-140}} kB
    + First Load JS shared by all            {{N:int:80-99}}.{{N:int:1-9}} kB
      ├ chunks/{{N:int:100-999}}-{{N:asset:16}}.js       {{N:int:20-60}}.{{N:int:1-9}} kB
      ├ chunks/fd9d1056-{{N:asset:16}}.js    {{N:int:40-60}}.{{N:int:1-9}} kB
      └ other shared chunks (total)          {{N:int:1-9}}.{{N:int:10-99}} kB
""",
)
T(
    "source",
    "tailwind config",
    r"""
    import type { Config } from 'tailwindcss'

    export default {
      content: ['./src/**/*.{ts,tsx,mdx}'],
      theme: { extend: { colors: { brand: { 500: '#{{N:hex:6}}', 600: '#{{N:hex:6}}' } } } },
      plugins: [require('@tailwindcss/forms')],
    } satisfies Config
""",
)
T(
    "source",
    "hash of api key stored in db seed",
    r"""
    // prisma/seed.ts: demo API key rows; only the SHA-256 of each key is stored
    await prisma.apiKey.createMany({
      data: [
        { name: 'ci', prefix: 'ak_{{N:lowernum:6}}', hash: '{{N:sha256}}' },
        { name: 'zapier', prefix: 'ak_{{N:lowernum:6}}', hash: '{{N:sha256}}' },
      ],
    })
""",
)
T(
    "source",
    "bcrypt hashes in user seed",
    r"""
    const users = [
      { email: 'admin@{{N:product}}.test', passwordHash: '$2b$10${{N:alnum:53}}', role: 'admin' },
      { email: 'viewer@{{N:product}}.test', passwordHash: '$2b$10${{N:alnum:53}}', role: 'viewer' },
    ]
""",
)
T(
    "source",
    "swift keychain wrapper reading token",
    r"""
    final class TokenStore {
        private let service = "{{N:bundle}}.auth"
        func accessToken() throws -> String? {
            let query: [String: Any] = [kSecClass as String: kSecClassGenericPassword,
                                        kSecAttrService as String: service,
                                        kSecAttrAccount as String: "access_token",
                                        kSecReturnData as String: true]
            var item: CFTypeRef?
            guard SecItemCopyMatching(query as CFDictionary, &item) == errSecSuccess else { return nil }
            return (item as? Data).flatMap { String(data: $0, encoding: .utf8) }
        }
    }
""",
)
T(
    "source",
    "kotlin BuildConfig from local.properties",
    r"""
    val localProps = gradleLocalProperties(rootDir, providers)
    android {
        defaultConfig {
            buildConfigField("String", "API_TOKEN", "\"${localProps.getProperty("API_TOKEN", "")}\"")
            manifestPlaceholders["MAPS_API_KEY"] = localProps.getProperty("MAPS_API_KEY", "")
        }
    }
""",
)
T(
    "source",
    "AndroidManifest with maps meta-data",
    r"""
    <application android:name=".MainApplication" android:label="@string/app_name" android:allowBackup="false">
        <meta-data android:name="com.google.android.geo.API_KEY" android:value="{{N:aiza}}"/>
        <meta-data android:name="io.branch.sdk.BranchKey" android:value="{{N:branch_pub}}"/>
        <meta-data android:name="expo.modules.updates.EXPO_UPDATE_URL" android:value="https://u.expo.dev/{{N:uuid}}"/>
    </application>
""",
)
T(
    "source",
    "segment analytics snippet",
    r"""
    <script>
      !function(){var i="analytics",analytics=window[i]=window[i]||[];if(!analytics.initialize){analytics.invoked=!0;analytics.load=function(key,n){var t=document.createElement("script");t.type="text/javascript";t.async=!0;t.src="https://cdn.segment.com/analytics.js/v1/" + key + "/analytics.min.js";document.getElementsByTagName("script")[0].parentNode.insertBefore(t,document.getElementsByTagName("script")[0]);analytics._loadOptions=n};analytics._writeKey="{{N:alnum:32}}";analytics.SNIPPET_VERSION="5.2.0";
      analytics.load("{{N:alnum:32}}");
      analytics.page();
      }}();
    </script>
""",
)
T(
    "source",
    "mixpanel and amplitude browser init",
    r"""
    mixpanel.init('{{N:hex:32}}', { debug: false, track_pageview: true, persistence: 'localStorage' })
    amplitude.init('{{N:hex:32}}', { defaultTracking: { sessions: true, pageViews: true } })
""",
)
T(
    "source",
    "google maps script tag in layout",
    r"""
    <Script
      src="https://maps.googleapis.com/maps/api/js?key={{N:aiza}}&libraries=places&callback=initMap"
      strategy="afterInteractive"
    />
""",
)
T(
    "source",
    "gtag snippet",
    r"""
    <script async src="https://www.googletagmanager.com/gtag/js?id={{N:ga}}"></script>
    <script nonce="{{N:nonce}}">
      window.dataLayer = window.dataLayer || [];
      function gtag(){dataLayer.push(arguments);}
      gtag('js', new Date());
      gtag('config', '{{N:ga}}');
    </script>
""",
)
T(
    "source",
    "recaptcha widget with site key",
    r"""
    <div class="g-recaptcha" data-sitekey="{{N:recaptcha}}" data-callback="onSubmit" data-size="invisible"></div>
    <div class="cf-turnstile" data-sitekey="{{N:turnstile_site}}" data-theme="light"></div>
""",
)
T(
    "source",
    "shopify storefront client with public token",
    r"""
    const client = createStorefrontApiClient({
      storeDomain: 'https://{{N:product}}.myshopify.com',
      apiVersion: '2024-07',
      publicAccessToken: '{{N:hex:32}}',
    })
""",
)
T(
    "source",
    "sanity client read-only public dataset",
    r"""
    export const client = createClient({
      projectId: '{{N:lowernum:8}}',
      dataset: 'production',
      apiVersion: '{{N:date}}',
      useCdn: true,
      token: process.env.SANITY_API_READ_TOKEN,
    })
""",
)
T(
    "source",
    "zod form schema for password change",
    r"""
    export const changePasswordSchema = z
      .object({
        currentPassword: z.string().min(1, 'Enter your current password'),
        newPassword: z.string().min(12).regex(/[A-Z]/, 'Needs an uppercase letter'),
        confirmPassword: z.string(),
      })
      .refine((d) => d.newPassword === d.confirmPassword, { message: "Passwords don't match", path: ['confirmPassword'] })
""",
)
T(
    "source",
    "i18n messages with password keys",
    r"""
    {
      "auth": {
        "password": "Password",
        "forgotPassword": "Forgot your password?",
        "apiKey": "API key",
        "secretKeyHint": "Your secret key starts with sk_ and is only shown once",
        "tokenExpired": "Your session token has expired. Please sign in again."
      }
    }
""",
)
T(
    "source",
    "sentry webpack plugin using env",
    r"""
    sentryWebpackPlugin({
      org: '{{N:product}}',
      project: 'web',
      authToken: process.env.SENTRY_AUTH_TOKEN,
      release: { name: process.env.VERCEL_GIT_COMMIT_SHA },
      sourcemaps: { filesToDeleteAfterUpload: ['./dist/**/*.map'] },
    })
""",
)
T(
    "source",
    "apple app site association",
    r"""
    {
      "applinks": {
        "details": [
          { "appIDs": ["{{N:teamid}}.{{N:bundle}}"], "components": [{ "/": "/invite/*" }, { "/": "/reset-password/*", "exclude": false }] }
        ]
      },
      "webcredentials": { "apps": ["{{N:teamid}}.{{N:bundle}}"] }
    }
""",
)
T(
    "source",
    "assetlinks.json with cert fingerprints",
    r"""
    [{
      "relation": ["delegate_permission/common.handle_all_urls"],
      "target": {
        "namespace": "android_app",
        "package_name": "{{N:bundle}}",
        "sha256_cert_fingerprints": ["{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}"]
      }
    }]
""",
)
T(
    "source",
    "next-auth jwt callback code",
    r"""
    callbacks: {
      async jwt({ token, account }) {
        if (account) {
          token.accessToken = account.access_token
          token.refreshToken = account.refresh_token
          token.expiresAt = account.expires_at
        }
        return token
      },
      async session({ session, token }) {
        session.error = token.error
        return session
      },
    },
""",
)
T(
    "source",
    "storybook story with fake user",
    r"""
    export const LoggedIn: Story = {
      args: {
        user: { id: 'usr_demo', name: 'Jane Doe', email: 'jane@example.com', avatarUrl: 'https://i.pravatar.cc/150?u=jane' },
        apiKey: 'sk_test_placeholder',
      },
    }
""",
)
T(
    "source",
    "public key pem in code for webhook verification",
    r"""
    // Public key published by the payment provider for webhook signature checks
    const PROVIDER_PUBLIC_KEY = `{{N:pem_pub}}`
""",
)
T(
    "source",
    "apple push certificate pem (certificate only)",
    r"""
    {{N:pem_cert}}
""",
)
T(
    "source",
    "vercel.json config",
    r"""
    {
      "$schema": "https://openapi.vercel.sh/vercel.json",
      "framework": "nextjs",
      "regions": ["fra1"],
      "crons": [{ "path": "/api/cron/digest", "schedule": "0 8 * * *" }],
      "headers": [{ "source": "/(.*)", "headers": [{ "key": "X-Frame-Options", "value": "DENY" }] }]
    }
""",
)
T(
    "source",
    "turbo.json with env names",
    r"""
    {
      "$schema": "https://turbo.build/schema.json",
      "globalEnv": ["NODE_ENV", "VERCEL_ENV"],
      "tasks": {
        "build": {
          "dependsOn": ["^build"],
          "env": ["DATABASE_URL", "NEXTAUTH_SECRET", "STRIPE_SECRET_KEY", "NEXT_PUBLIC_*"],
          "outputs": [".next/**", "!.next/cache/**"]
        }
      }
    }
""",
)


# === shell: CLI sessions with secrets ==============================================================

T(
    "shell",
    "vercel env pull then cat",
    r"""
    $ vercel env pull .env.local --environment=development
    Vercel CLI {{N:ver}}
    > Downloading `development` Environment Variables for {{N:product}}/web
    ✅  Created .env.local file  [{{N:ms}}ms]
    $ grep -E 'STRIPE|DATABASE' .env.local
    DATABASE_URL="postgres://default:{{S:alnum:12}}@ep-{{N:lower:5}}-{{N:lower:5}}-{{N:lowernum:8}}-pooler.us-east-1.aws.neon.tech/verceldb?sslmode=require"
    STRIPE_SECRET_KEY="{{S:stripe_sk:test}}"
    NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY="{{N:stripe_pk:test}}"
""",
)
T(
    "shell",
    "vercel env add piped value",
    r"""
    $ echo -n '{{S:stripe_rk}}' | vercel env add STRIPE_RESTRICTED_KEY production
    Vercel CLI {{N:ver}}
    ✅  Added Environment Variable STRIPE_RESTRICTED_KEY to Project web [{{N:ms}}ms]
""",
)
T(
    "shell",
    "vercel deploy with token flag",
    r"""
    $ npx vercel deploy --prod --token {{S:vercel_tok}} --scope {{N:product}}
    Vercel CLI {{N:ver}}
    🔍  Inspect: https://vercel.com/{{N:product}}/web/{{N:b64u:28}} [{{N:int:1-9}}s]
    ✅  Production: https://web-{{N:lowernum:9}}-{{N:product}}.vercel.app [{{N:int:20-90}}s]
""",
)
T(
    "shell",
    "netlify env:set and env:get",
    r"""
    $ netlify env:set FAUNA_SECRET {{S:b64u:40}} --context production
    Set environment variable FAUNA_SECRET={{=s1}} in the production context
    $ netlify env:get SUPABASE_SERVICE_ROLE_KEY
    {{S:supa_sr}}
""".replace("{{S:b64u:40}}", "{{S:b64u:40@s1}}"),
)
T(
    "shell",
    "netlify env:list --plain",
    r"""
    $ netlify env:list --plain --context production
    CONTEXT=production
    NODE_VERSION=20
    MAILGUN_API_KEY={{S:mailgun}}
    NEXT_PUBLIC_SITE_URL=https://{{N:product}}.com
""",
)
T(
    "shell",
    "netlify login token in status",
    r"""
    $ NETLIFY_AUTH_TOKEN={{S:nfp}} netlify status
    ──────────────────────┐
     Current Netlify User │
    ──────────────────────┘
    Name:  {{N:name}} {{N:name}}
    Email: {{N:email}}
    Teams:
      {{N:product}}: Collaborator
""",
)
T(
    "shell",
    "wrangler secret put typed into prompt echo",
    r"""
    $ echo "{{S:stripe_sk}}" | npx wrangler secret put STRIPE_SECRET_KEY
     ⛅️ wrangler {{N:ver}}
    -------------------
    🌀 Creating the secret for the Worker "{{N:product}}-api"
    ✨ Success! Uploaded secret STRIPE_SECRET_KEY
""",
)
T(
    "shell",
    "wrangler secret bulk from json",
    r"""
    $ cat secrets.json
    {"JWT_SECRET":"{{S:b64:48}}","GITHUB_CLIENT_SECRET":"{{S:hex:40}}"}
    $ npx wrangler secret bulk secrets.json
    🌀 Creating the secrets for the Worker "{{N:product}}-edge"
    ✨ Successfully created secret for key: JWT_SECRET
    ✨ Successfully created secret for key: GITHUB_CLIENT_SECRET
""",
)
T(
    "shell",
    "cloudflare api with curl",
    r"""
    $ curl -s "https://api.cloudflare.com/client/v4/accounts/{{N:cf_id}}/pages/projects/{{N:product}}/deployments" \
        -H "Authorization: Bearer {{S:cf_tok}}" | jq '.result[0].url'
    "https://{{N:hex:8}}.{{N:product}}.pages.dev"
""",
)
T(
    "shell",
    "cloudflare global api key curl",
    r"""
    $ curl -X PURGE "https://api.cloudflare.com/client/v4/zones/{{N:cf_id}}/purge_cache" \
         -H "X-Auth-Email: {{N:email}}" \
         -H "X-Auth-Key: {{S:cf_gkey}}" \
         -H "Content-Type: application/json" --data '{"purge_everything":true}'
    {"success":true,"errors":[],"messages":[],"result":{"id":"{{N:cf_id}}"}}
""",
)
T(
    "shell",
    "supabase projects api-keys",
    r"""
    $ supabase projects api-keys --project-ref {{N:ref}}

      NAME         | KEY VALUE
    ---------------|------------------------------------------------------------
      anon         | {{N:supa_anon}}
      service_role | {{S:supa_sr}}
""",
)
T(
    "shell",
    "supabase secrets set",
    r"""
    $ supabase secrets set --project-ref {{N:ref}} OPENAI_API_KEY={{S:openai}} RESEND_API_KEY={{S:resend}}
    Finished supabase secrets set.
""",
)
T(
    "shell",
    "supabase login with token",
    r"""
    $ supabase login --token {{S:sbp}}
    You are now logged in. Happy coding!
    $ supabase link --project-ref {{N:ref}} -p '{{S:hpw}}'
    Connecting to remote database...
    Finished supabase link.
""",
)
T(
    "shell",
    "psql to supabase pooler",
    r"""
    $ psql "postgresql://postgres.{{N:ref}}:{{S:pwu}}@aws-0-us-west-1.pooler.supabase.com:5432/postgres"
    psql (16.3, server 15.6)
    SSL connection (protocol: TLSv1.3, cipher: TLS_AES_256_GCM_SHA384, compression: off)
    Type "help" for help.

    postgres=>
""",
)
T(
    "shell",
    "firebase functions:config:get",
    r"""
    $ firebase functions:config:get
    {
      "stripe": {
        "secret": "{{S:stripe_sk}}",
        "webhook_secret": "{{S:whsec}}"
      },
      "sendgrid": {
        "key": "{{S:sendgrid}}"
      }
    }
""",
)
T(
    "shell",
    "firebase functions:config:set",
    r"""
    $ firebase functions:config:set algolia.app_id="{{N:algolia_app}}" algolia.admin_key="{{S:algolia_admin}}"
    ✔  Functions config updated.

    Please deploy your functions for the change to take effect by running firebase deploy --only functions
""",
)
T(
    "shell",
    "firebase login:ci token",
    r"""
    $ firebase login:ci
    Visit this URL on this device to log in:
    https://accounts.google.com/o/oauth2/auth?client_id={{N:gclient}}&scope=email%20openid&response_type=code&state={{N:digits:9}}&redirect_uri=http%3A%2F%2Flocalhost%3A9005

    Waiting for authentication...

    ✔  Success! Use this token to login on a CI server:

    {{S:firebase_ci}}

    Example: firebase deploy --token "$FIREBASE_TOKEN"
""",
)
T(
    "shell",
    "stripe listen output",
    r"""
    $ stripe listen --forward-to localhost:3000/api/webhooks/stripe
    > Ready! You are using Stripe API Version [2024-06-20]. Your webhook signing secret is {{S:whsec:cli}} (^C to quit)
    {{N:ts}}   --> customer.subscription.created [{{N:stripe_evt}}]
    {{N:ts}}  <--  [200] POST http://localhost:3000/api/webhooks/stripe [{{N:stripe_evt}}]
""",
)
T(
    "shell",
    "stripe cli with api key flag",
    r"""
    $ stripe customers list --limit 2 --api-key {{S:stripe_rk}}
    {
      "object": "list",
      "data": [
        { "id": "cus_{{N:alnum:14}}", "object": "customer", "email": "{{N:email}}" }
      ],
      "has_more": true
    }
""",
)
T(
    "shell",
    "curl stripe with -u key",
    r"""
    $ curl https://api.stripe.com/v1/payment_intents/{{N:stripe_id}} -u {{S:stripe_sk}}:
    {
      "id": "{{N:stripe_id}}",
      "object": "payment_intent",
      "amount": {{N:int:100-99999}},
      "client_secret": "{{S:stripe_id}}_secret_{{S:alnum:25}}",
      "status": "succeeded"
    }
""",
)
T(
    "shell",
    "stripe config --list",
    r"""
    $ stripe config --list
    [default]
      device_name = '{{N:name}}-mbp'
      display_name = '{{N:product}}'
      live_mode_api_key = '{{S:rk_live_x}}'
      live_mode_pub_key = '{{N:stripe_pk}}'
      test_mode_api_key = '{{S:stripe_sk:test}}'
      test_mode_pub_key = '{{N:stripe_pk:test}}'
""".replace("{{S:rk_live_x}}", "{{S:stripe_rk}}"),
)
T(
    "shell",
    "eas secret:create",
    r"""
    $ eas secret:create --scope project --name SENTRY_AUTH_TOKEN --value {{S:sntrys}} --type string
    ✔ Created a new secret SENTRY_AUTH_TOKEN on project @{{N:product}}/{{N:product}}-app.
""",
)
T(
    "shell",
    "eas env:create sensitive",
    r"""
    $ eas env:create --name GOOGLE_SERVICES_JSON_KEY --value '{{S:b64u:40}}' --environment production --visibility secret
    ✔ Created a new environment variable GOOGLE_SERVICES_JSON_KEY on project @{{N:product}}/app.
""",
)
T(
    "shell",
    "EXPO_TOKEN exported in session",
    r"""
    $ export EXPO_TOKEN={{S:expo_tok}}
    $ eas whoami
    {{N:product}}-ci (robot)
    $ eas build --platform ios --profile production --non-interactive --no-wait
    ✔ Build started, it may take a few minutes to complete.
""",
)
T(
    "shell",
    "eas credentials android keystore view",
    r"""
    $ eas credentials -p android
    Android Credentials
    Project                 {{N:product}}-app
    Application Identifier  {{N:bundle}}

    Keystore
    Type                JKS
    Key Alias           {{N:lowernum:32}}
    Key Password        {{S:hex:32}}
    Store Password      {{S:hex:32}}
    MD5 Fingerprint     {{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}
    SHA1 Fingerprint    {{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}
""",
)
T(
    "shell",
    "keytool genkey with passwords on command line",
    r"""
    $ keytool -genkeypair -v -storetype PKCS12 -keystore my-upload-key.keystore -alias my-key-alias \
        -keyalg RSA -keysize 2048 -validity 10000 -storepass '{{S:hpw}}' -keypass '{{S:hpw}}' \
        -dname "CN={{N:product}}, OU=Mobile, O={{N:product}}, L=Berlin, C=DE"
    Generating 2,048 bit RSA key pair and self-signed certificate (SHA384withRSA) with a validity of 10,000 days
    [Storing my-upload-key.keystore]
""",
)
T(
    "shell",
    "gradle assembleRelease with -P passwords",
    r"""
    $ ./gradlew :app:bundleRelease -PMYAPP_UPLOAD_STORE_PASSWORD='{{S:hpw}}' -PMYAPP_UPLOAD_KEY_PASSWORD='{{S:hpw}}'
    > Task :app:signReleaseBundle
    BUILD SUCCESSFUL in {{N:int:1-9}}m {{N:int:10-59}}s
    {{N:int:200-900}} actionable tasks: {{N:int:10-200}} executed, {{N:int:100-700}} up-to-date
""",
)
T(
    "shell",
    "fastlane match with password prompt env",
    r"""
    $ MATCH_PASSWORD='{{S:hpw}}' bundle exec fastlane match appstore --readonly
    [{{N:time}}]: Cloning remote git repo...
    [{{N:time}}]: 🔓  Successfully decrypted certificates repo
    +-----------------------------------------------+
    |           Installed Provisioning Profile      |
    +---------------------+-------------------------+
    | Parameter           | Value                   |
    | App Identifier      | {{N:bundle}}            |
    | Type                | appstore                |
    | Platform            | ios                     |
    | Profile UUID        | {{N:uuid}}              |
    | Team ID             | {{N:teamid}}            |
    +---------------------+-------------------------+
""",
)
T(
    "shell",
    "fastlane spaceauth output",
    r"""
    $ fastlane spaceauth -u {{N:email}}
    Password (for {{N:email}}): ****************
    Two-factor Authentication (6 digits code) is enabled for account '{{N:email}}'
    Please enter the 6 digit code: {{N:digits:6}}
    Successfully logged in to App Store Connect

    Pass the following via the FASTLANE_SESSION environment variable:
    {{S:fastlane_session}}

    Example:
    export FASTLANE_SESSION='{{=fs}}'
""".replace("{{S:fastlane_session}}", "{{S:fastlane_session@fs}}"),
)
T(
    "shell",
    "xcrun altool upload with password",
    r"""
    $ xcrun altool --upload-app -f build/{{N:product}}.ipa -t ios -u {{N:email}} -p "{{S:asp}}"
    {{N:date}} {{N:time}}.{{N:digits:3}} *** Warning: altool has been deprecated and for notarization, use `xcrun notarytool` instead.
    No errors uploading 'build/{{N:product}}.ipa'
""",
)
T(
    "shell",
    "notarytool store-credentials",
    r"""
    $ xcrun notarytool store-credentials "AC_PASSWORD" --apple-id "{{N:email}}" --team-id {{N:teamid}} --password {{S:asp}}
    This process stores your credentials securely in the Keychain. You reference these credentials later using a profile name.
    Validating your credentials...
    Success. Credentials validated.
    Credentials saved to Keychain.
""",
)
T(
    "shell",
    "npm token create",
    r"""
    $ npm token create --read-only
    npm password:
    ┌────────────────┬──────────────────────────────────────────┐
    │ token          │ {{S:npm_tok}} │
    ├────────────────┼──────────────────────────────────────────┤
    │ readonly       │ true                                     │
    ├────────────────┼──────────────────────────────────────────┤
    │ created        │ {{N:ts}}                 │
    └────────────────┴──────────────────────────────────────────┘
""",
)
T(
    "shell",
    "cat ~/.npmrc",
    r"""
    $ cat ~/.npmrc
    //registry.npmjs.org/:_authToken={{S:npm_tok}}
    //npm.pkg.github.com/:_authToken={{S:gho}}
    init-author-name={{N:name}}
""",
)
T(
    "shell",
    "npm config get with token",
    r"""
    $ npm config list
    ; "user" config from /Users/{{N:name}}/.npmrc

    //registry.npmjs.org/:_authToken = (protected)
    @{{N:product}}:registry = "https://npm.pkg.github.com"

    ; "env" config from environment
    //npm.pkg.github.com/:_authToken = "{{S:ghp}}"
""",
)
T(
    "shell",
    "yarn config set npmAuthToken",
    r"""
    $ yarn config set npmScopes.{{N:product}}.npmAuthToken {{S:npm_tok}}
    ➤ YN0000: Successfully set npmScopes.{{N:product}}.npmAuthToken to '{{=t}}'
""".replace("{{S:npm_tok}}", "{{S:npm_tok@t}}"),
)
T(
    "shell",
    "NPM_TOKEN in env dump",
    r"""
    $ env | grep -i -E 'token|key' | sort
    CI_JOB_TOKEN=[MASKED]
    EXPO_PUBLIC_SUPABASE_ANON_KEY={{N:supa_anon}}
    NPM_TOKEN={{S:npm_tok}}
    SENTRY_AUTH_TOKEN={{S:sntrys}}
    TURBO_TOKEN={{S:vercel_tok}}
""",
)
T(
    "shell",
    "pscale password create",
    r"""
    $ pscale password create {{N:product}} main web-prod --role readwriter
    Password web-prod was successfully created in {{N:product}}/main.
    Please save the values below as they will not be shown again

      NAME       BRANCH   ID             USERNAME       ACCESS HOST URL                   ROLE         PASSWORD
     ---------- -------- -------------- -------------- --------------------------------- ------------ ---------------------------------------------------
      web-prod   main     {{N:lowernum:12}}   {{N:lowernum:20}}   aws.connect.psdb.cloud            readwriter   {{S:pscale_pw}}
""",
)
T(
    "shell",
    "pscale service token",
    r"""
    $ pscale service-token create --org {{N:product}}
      ID             TOKEN
     -------------- ---------------------------------------------------
      {{N:lowernum:12}}   {{S:pscale_tkn}}
""",
)
T(
    "shell",
    "neonctl connection-string",
    r"""
    $ neonctl connection-string main --pooled
    postgresql://neondb_owner:{{S:neon_pw}}@ep-{{N:lower:5}}-{{N:lower:6}}-{{N:lowernum:8}}-pooler.eu-central-1.aws.neon.tech/neondb?sslmode=require
""",
)
T(
    "shell",
    "turso db tokens create",
    r"""
    $ turso db tokens create {{N:product}}-prod --expiration none
    {{S:turso}}
    $ turso db show {{N:product}}-prod --url
    libsql://{{N:product}}-prod-{{N:name}}.turso.io
""",
)
T(
    "shell",
    "prisma migrate with url in env prefix",
    r"""
    $ DATABASE_URL='postgresql://app:{{S:hpw}}@db.{{N:product}}.internal:5432/app' npx prisma migrate deploy
    Environment variables loaded from .env
    Prisma schema loaded from prisma/schema.prisma
    Datasource "db": PostgreSQL database "app", schema "public" at "db.{{N:product}}.internal:5432"

    3 migrations found in prisma/migrations
    No pending migrations to apply.
""",
)
T(
    "shell",
    "drizzle-kit studio error printing url",
    r"""
    $ pnpm drizzle-kit push
    Reading config file '/Users/{{N:name}}/code/{{N:product}}/drizzle.config.ts'
    Using 'postgres' driver for database querying
    Error: connect ECONNREFUSED 127.0.0.1:5432
        at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)
      connectionString: 'postgres://{{N:name}}:{{S:hpw}}@127.0.0.1:5432/{{N:product}}_dev'
""",
)
T(
    "shell",
    "curl with supabase service role headers",
    r"""
    $ curl 'https://{{N:ref}}.supabase.co/rest/v1/profiles?select=id,plan&limit=3' \
      -H "apikey: {{S:supa_sr@k}}" \
      -H "Authorization: Bearer {{=k}}"
    [{"id":"{{N:uuid}}","plan":"pro"},{"id":"{{N:uuid}}","plan":"free"}]
""",
)
T(
    "shell",
    "curl auth0 client credentials",
    r"""
    $ curl --request POST --url https://{{N:product}}.us.auth0.com/oauth/token \
      --header 'content-type: application/json' \
      --data '{"client_id":"{{N:auth0_client}}","client_secret":"{{S:auth0_secret}}","audience":"https://api.{{N:product}}.com","grant_type":"client_credentials"}'
    {"access_token":"{{S:access_jwt}}","expires_in":86400,"token_type":"Bearer"}
""",
)
T(
    "shell",
    "clerk backend api curl",
    r"""
    $ curl -s https://api.clerk.com/v1/users?limit=1 -H "Authorization: Bearer {{S:clerk_sk}}" | jq '.[0].id'
    "user_{{N:alnum:27}}"
""",
)
T(
    "shell",
    "openssl rand for NEXTAUTH_SECRET pasted",
    r"""
    $ openssl rand -base64 32
    {{S:nextauth@a}}
    $ echo "AUTH_SECRET={{=a}}" >> .env.local
""",
)
T(
    "shell",
    "npx auth secret",
    r"""
    $ npx auth secret
    Secret generated. It has been added to your ".env.local" file.

    📝 Created /Users/{{N:name}}/code/{{N:product}}/.env.local with `AUTH_SECRET`.
    $ tail -1 .env.local
    AUTH_SECRET="{{S:nextauth}}" # Added by `npx auth`. Read more: https://cli.authjs.dev
""",
)
T(
    "shell",
    "sentry-cli with token flag",
    r"""
    $ npx @sentry/cli sourcemaps upload --auth-token {{S:sntrys}} --org {{N:product}} --project web ./dist
    > Found {{N:int:10-200}} files
    > Analyzing {{N:int:10-200}} sources
    > Adding source map references
    > Bundled {{N:int:10-200}} files for upload
    > Uploaded files to Sentry
    > File upload complete (processing pending on server)
    > Organization: {{N:product}}
    > Artifact Bundle ID: {{N:uuid}}
""",
)
T(
    "shell",
    "chromatic run with token",
    r"""
    $ npx chromatic --project-token={{S:chpt}} --only-changed
    Chromatic CLI v{{N:ver}}
    ✔ Authenticated with Chromatic
      → Using project token '********{{N:alnum:4}}'
    ✔ Storybook published
      → View your Storybook at https://{{N:hex:24}}-{{N:lower:10}}.chromatic.com
""",
)
T(
    "shell",
    "gh secret set with body flag",
    r"""
    $ gh secret set EXPO_TOKEN --body "{{S:expo_tok}}" --repo {{N:product}}/mobile
    ✓ Set Actions secret EXPO_TOKEN for {{N:product}}/mobile
    $ gh secret set VERCEL_TOKEN -b {{S:vercel_tok}}
    ✓ Set Actions secret VERCEL_TOKEN for {{N:product}}/web
""",
)
T(
    "shell",
    "algolia cli profile add",
    r"""
    $ algolia profile add --name prod --app-id {{N:algolia_app}} --admin-api-key {{S:algolia_admin}} --default
    ✓ Profile 'prod' ({{N:algolia_app}}) added successfully and set as default.
""",
)
T(
    "shell",
    "shopify app env show",
    r"""
    $ shopify app env show
    ╭─ info ──────────────────────────────────────────────────────────╮
    │  SHOPIFY_API_KEY={{N:hex:32}}                    │
    │  SHOPIFY_API_SECRET={{S:hex:32}}                 │
    │  SCOPES=write_products,read_customers                           │
    ╰─────────────────────────────────────────────────────────────────╯
""",
)
T(
    "shell",
    "shopify admin api curl",
    r"""
    $ curl -X GET "https://{{N:product}}.myshopify.com/admin/api/2024-07/orders.json?status=any&limit=1" \
      -H "X-Shopify-Access-Token: {{S:shpat}}"
    {"orders":[{"id":{{N:digits:13}},"name":"#{{N:int:1000-9999}}","financial_status":"paid"}]}
""",
)
T(
    "shell",
    "contentful cli login",
    r"""
    $ contentful login --management-token {{S:cfpat}}
    Great! Your CMA token is now stored on your system. (Located at /Users/{{N:name}}/.contentfulrc.json)
    $ contentful space use -s {{N:lowernum:12}}
    Now using the 'master' Environment of Space {{N:product}} ({{N:lowernum:12}}) when the `--environment-id` option is missing.
""",
)
T(
    "shell",
    "sanity debug --secrets",
    r"""
    $ npx sanity debug --secrets
    User:
      ID: 'p{{N:alnum:8}}'
      Name: '{{N:name}}'
      Email: '{{N:email}}'
    Authentication:
      User type: 'normal'
      Auth token: '{{S:sanity}}'
    Project:
      ID: '{{N:lowernum:8}}'
""",
)
T(
    "shell",
    "posthog api curl personal key",
    r"""
    $ curl -s -H "Authorization: Bearer {{S:phx}}" https://us.posthog.com/api/projects/{{N:int:10000-99999}}/feature_flags/ | jq '.results[].key'
    "new-checkout"
    "ai-search"
""",
)
T(
    "shell",
    "launchdarkly api curl",
    r"""
    $ curl -s -X PATCH https://app.launchdarkly.com/api/v2/flags/default/new-onboarding \
      -H "Authorization: {{S:ld_api}}" -H "Content-Type: application/json; domain-model=launchdarkly.semanticpatch" \
      -d '{"environmentKey":"production","instructions":[{"kind":"turnFlagOn"}]}'
""",
)
T(
    "shell",
    "mapbox tilesets cli with sk token",
    r"""
    $ export MAPBOX_ACCESS_TOKEN={{S:mapbox_sk}}
    $ tilesets upload-source {{N:name}} stores ./stores.geojson.ld
    upload progress  [####################################]  100%
    {"id": "mapbox://tileset-source/{{N:name}}/stores", "files": 1, "source_size": {{N:int:10000-999999}}, "file_size": {{N:int:10000-999999}}}
""",
)
T(
    "shell",
    "git clone with token in url",
    r"""
    $ git clone https://x-access-token:{{S:ghs}}@github.com/{{N:product}}/ios-certificates.git
    Cloning into 'ios-certificates'...
    remote: Enumerating objects: {{N:int:10-900}}, done.
    Receiving objects: 100% ({{N:int:10-900}}/{{N:int:10-900}}), {{N:int:10-99}}.{{N:int:1-99}} KiB | {{N:int:1-9}}.{{N:int:1-99}} MiB/s, done.
""",
)
T(
    "shell",
    "echo base64 of match basic auth",
    r"""
    $ echo -n "{{N:name}}:{{S:ghp}}" | base64
    {{S:basic}}
""",
)
T(
    "shell",
    "expo push via curl with access token",
    r"""
    $ curl -H "Content-Type: application/json" -H "Authorization: Bearer {{S:expo_tok}}" \
      -X POST "https://exp.host/--/api/v2/push/send" -d '{"to":"ExponentPushToken[{{N:b64u:22}}]","title":"hello","body":"world"}'
    {"data":{"status":"ok","id":"{{N:uuid}}"}}
""",
)
T(
    "shell",
    "bun run with env var leak in error",
    r"""
    $ bun run scripts/sync-products.ts
    error: Request failed with status code 401
    config: {
      url: "https://api.lemonsqueezy.com/v1/products",
      headers: {
        Accept: "application/vnd.api+json",
        Authorization: "Bearer {{S:access_jwt}}",
      },
    }
          at /Users/{{N:name}}/code/{{N:product}}/scripts/sync-products.ts:{{N:int:10-99}}:{{N:int:3-30}}
""",
)
T(
    "shell",
    "node repl printing process.env",
    r"""
    $ node -e 'require("dotenv").config({path: ".env.local"}); console.log(process.env)' | grep -A1 -B1 SECRET
      NEXT_PUBLIC_APP_URL: 'http://localhost:3000',
      NEXTAUTH_SECRET: '{{S:nextauth}}',
      GOOGLE_CLIENT_ID: '{{N:gclient}}',
      GOOGLE_CLIENT_SECRET: '{{S:gocspx}}',
""",
)
T(
    "shell",
    "docker run with -e secrets",
    r"""
    $ docker run -d -p 3000:3000 --name web \
        -e DATABASE_URL=postgres://web:{{S:hpw}}@db:5432/web \
        -e NEXTAUTH_SECRET={{S:nextauth}} \
        {{N:product}}/web:{{N:short}}
    {{N:sha256}}
""",
)
T(
    "shell",
    "ps output with token in args",
    r"""
    $ ps aux | grep -v grep | grep node
    {{N:name}}  {{N:int:1000-99999}}  3.1  1.2 {{N:int:100000-999999}} {{N:int:10000-99999}} s004  S+   {{N:time}}   0:04.12 node /usr/local/bin/vercel dev --token {{S:vercel_tok}} --listen 3000
""",
)
T(
    "shell",
    "doppler secrets download",
    r"""
    $ doppler secrets download --no-file --format env
    DOPPLER_CONFIG="prd"
    DOPPLER_ENVIRONMENT="prd"
    DOPPLER_PROJECT="web"
    REVALIDATE_SECRET="{{S:b64u:32}}"
    STRIPE_SECRET_KEY="{{S:stripe_sk}}"
""",
)
T(
    "shell",
    "heroku-style config:get in remix app",
    r"""
    $ fly secrets list
    NAME             DIGEST           CREATED AT
    DATABASE_URL     {{N:hex:16}} {{N:int:1-30}}d ago
    SESSION_SECRET   {{N:hex:16}} {{N:int:1-30}}d ago
    $ fly ssh console -C 'printenv SESSION_SECRET'
    Connecting to fdaa:{{N:hex:1}}:{{N:hex:4}}:a7b:{{N:hex:3}}:{{N:hex:4}}:{{N:hex:4}}:2... complete
    {{S:b64u:48}}
""",
)
T(
    "shell",
    "tail of .env via cat -A",
    r"""
    $ cat -A apps/web/.env
    NEXT_PUBLIC_POSTHOG_HOST=https://eu.i.posthog.com$
    POSTHOG_PERSONAL_API_KEY={{S:phx}}$
    RESEND_API_KEY={{S:resend}}^M$
""",
)
T(
    "shell",
    "git diff adding a secret",
    r"""
    $ git diff apps/mobile/app.config.ts
    diff --git a/apps/mobile/app.config.ts b/apps/mobile/app.config.ts
    index {{N:short}}..{{N:short}} 100644
    --- a/apps/mobile/app.config.ts
    +++ b/apps/mobile/app.config.ts
    @@ -21,6 +21,7 @@ export default {
       extra: {
         eas: { projectId: '{{N:uuid}}' },
    +    oneSignalRestKey: '{{S:onesignal}}',
       },
""",
)
T(
    "shell",
    "grep -rn finds key in repo",
    r"""
    $ grep -rn "sk_live" --include=*.ts .
    ./apps/api/src/billing/legacy.ts:{{N:int:3-80}}:const key = process.env.STRIPE_KEY ?? '{{S:stripe_sk}}'
    ./apps/api/src/billing/index.ts:{{N:int:3-80}}:// keys start with sk_live_ in production
""",
)
T(
    "shell",
    "vercel logs line with auth header",
    r"""
    $ vercel logs web-{{N:lowernum:9}}-{{N:product}}.vercel.app
    {{N:ts}}  GET  /api/sync  λ  headers: {"host":"{{N:product}}.com","authorization":"Bearer {{S:hs_jwt}}","x-vercel-id":"{{N:reqid}}"}
""",
)
T(
    "shell",
    "wrangler tail with cookie",
    r"""
    $ npx wrangler tail {{N:product}}-api --format pretty
    Successfully created tail, expires at {{N:ts}}
    Connected to {{N:product}}-api, waiting for logs...
    GET https://api.{{N:product}}.com/me - Ok @ {{N:date}}, {{N:time}}
      (log) request headers { cookie: '__session={{S:hs_jwt}}; theme=dark', 'cf-ray': '{{N:cfray}}' }
""",
)
T(
    "shell",
    "expo start logs env",
    r"""
    $ npx expo start --clear
    env: load .env.local
    env: export EXPO_PUBLIC_API_URL EXPO_PUBLIC_POSTHOG_KEY SENTRY_AUTH_TOKEN
    Starting project at /Users/{{N:name}}/code/{{N:product}}-app
    › Metro waiting on exp://192.168.1.{{N:int:2-250}}:8081
    $ cat .env.local
    EXPO_PUBLIC_API_URL=http://192.168.1.{{N:int:2-250}}:3000
    EXPO_PUBLIC_POSTHOG_KEY={{N:phc}}
    SENTRY_AUTH_TOKEN={{S:sntrys}}
""",
)
T(
    "shell",
    "upstash redis-cli",
    r"""
    $ redis-cli --tls -u redis://default:{{S:alnum:32}}@{{N:word}}-{{N:word}}-{{N:int:10000-99999}}.upstash.io:6379
    {{N:word}}-{{N:word}}-{{N:int:10000-99999}}.upstash.io:6379> DBSIZE
    (integer) {{N:int:1-9999}}
""",
)
T(
    "shell",
    "mongosh connection",
    r"""
    $ mongosh "mongodb+srv://cluster0.{{N:lowernum:5}}.mongodb.net/{{N:product}}" --apiVersion 1 --username {{N:name}} --password '{{S:hpw}}'
    Current Mongosh Log ID: {{N:hex:24}}
    Connecting to: mongodb+srv://<credentials>@cluster0.{{N:lowernum:5}}.mongodb.net/{{N:product}}
    Using MongoDB: 7.0.12
""",
)
T(
    "shell",
    "bash history with tokens",
    r"""
    $ history | tail -5
      {{N:int:400-999}}  pnpm i
      {{N:int:400-999}}  export CLOUDFLARE_API_TOKEN={{S:cf_tok}}
      {{N:int:400-999}}  pnpm wrangler deploy
      {{N:int:400-999}}  npm publish --//registry.npmjs.org/:_authToken={{S:npm_tok}}
      {{N:int:400-999}}  history | tail -5
""",
)
T(
    "shell",
    "convex env set",
    r"""
    $ npx convex env set CLERK_SECRET_KEY {{S:clerk_sk}}
    ✔ Successfully set CLERK_SECRET_KEY (on dev deployment {{N:word}}-{{N:word}}-{{N:int:100-999}})
""",
)
T(
    "shell",
    "railway variables",
    r"""
    $ railway variables --kv
    DATABASE_URL=postgresql://postgres:{{S:alnum:32}}@postgres.railway.internal:5432/railway
    PGPASSWORD={{S:alnum:32}}
    RAILWAY_ENVIRONMENT=production
    RAILWAY_PROJECT_ID={{N:uuid}}
""",
)
T(
    "shell",
    "xcodebuild exportArchive with auth key flags",
    r"""
    $ xcodebuild -exportArchive -archivePath build/App.xcarchive -exportPath build -exportOptionsPlist ExportOptions.plist \
        -allowProvisioningUpdates -authenticationKeyPath ~/.appstoreconnect/private_keys/AuthKey_{{N:ascid}}.p8 \
        -authenticationKeyID {{N:ascid}} -authenticationKeyIssuerID {{N:uuid}}
    ** EXPORT SUCCEEDED **
    $ cat ~/.appstoreconnect/private_keys/AuthKey_*.p8
    {{S:pem_p8}}
""",
)
T(
    "shell",
    "security find-generic-password",
    r"""
    $ security find-generic-password -s "fastlane.{{N:email}}" -w
    {{S:hpw}}
""",
)
T(
    "shell",
    "jwt made with node for app store connect",
    r"""
    $ node scripts/asc-token.mjs
    {{S:asc_jwt@t}}
    $ curl -s -H "Authorization: Bearer {{=t}}" "https://api.appstoreconnect.apple.com/v1/apps?limit=1" | jq '.data[0].attributes.name'
    "{{N:product}}"
""",
)


# === shell: negatives ==============================================================================

T(
    "shell",
    "vercel env ls",
    r"""
    $ vercel env ls
    Vercel CLI {{N:ver}}
    > Environment Variables found for {{N:product}}/web [{{N:ms}}ms]

     name                               value               environments                        created
     STRIPE_SECRET_KEY                  Encrypted           Production, Preview                 {{N:int:2-90}}d ago
     DATABASE_URL                       Encrypted           Production, Preview, Development    {{N:int:2-90}}d ago
     NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY Encrypted           Production, Preview, Development    {{N:int:2-90}}d ago
     NEXTAUTH_SECRET                    Encrypted           Production                          {{N:int:2-90}}d ago
""",
)
T(
    "shell",
    "netlify env:list masked table",
    r"""
    $ netlify env:list
    3 environment variables for site {{N:product}}
    .---------------------------------------------------------------------.
    |                      Environment variables                          |
    |---------------------------------------------------------------------|
    |            Key            |                  Value                  |
    |---------------------------|-----------------------------------------|
    | CONTENTFUL_SPACE_ID       | {{N:lowernum:12}}                            |
    | CONTENTFUL_ACCESS_TOKEN   | ************************************    |
    | STRIPE_SECRET_KEY         | ************************************    |
    '---------------------------------------------------------------------'
    ? Show values? No
""",
)
T(
    "shell",
    "wrangler secret list",
    r"""
    $ npx wrangler secret list
    [
      {
        "name": "STRIPE_SECRET_KEY",
        "type": "secret_text"
      },
      {
        "name": "JWT_SECRET",
        "type": "secret_text"
      }
    ]
""",
)
T(
    "shell",
    "supabase secrets list digests",
    r"""
    $ supabase secrets list --project-ref {{N:ref}}

      NAME                      | DIGEST
    ----------------------------|------------------------------------------------------------------
      OPENAI_API_KEY            | {{N:sha256}}
      STRIPE_SECRET_KEY         | {{N:sha256}}
      SUPABASE_SERVICE_ROLE_KEY | {{N:sha256}}
""",
)
T(
    "shell",
    "supabase start local stack",
    r"""
    $ supabase start
    Seeding globals from roles.sql...
    Started supabase local development setup.

             API URL: http://127.0.0.1:54321
         GraphQL URL: http://127.0.0.1:54321/graphql/v1
              DB URL: postgresql://postgres:postgres@127.0.0.1:54322/postgres
          Studio URL: http://127.0.0.1:54323
        Inbucket URL: http://127.0.0.1:54324
            anon key: {{N:demo_anon}}
""",
)
T(
    "shell",
    "eas secret:list",
    r"""
    $ eas secret:list
    Secrets for this account and project:
    ┌─────────────────────┬────────┬─────────┬──────────────────────────────────────┬─────────────────────┐
    │ Name                │ Type   │ Scope   │ ID                                   │ Updated at          │
    ├─────────────────────┼────────┼─────────┼──────────────────────────────────────┼─────────────────────┤
    │ SENTRY_AUTH_TOKEN   │ string │ project │ {{N:uuid}} │ {{N:date}} {{N:time}} │
    │ GOOGLE_SERVICES_JSON│ file   │ project │ {{N:uuid}} │ {{N:date}} {{N:time}} │
    └─────────────────────┴────────┴─────────┴──────────────────────────────────────┴─────────────────────┘
""",
)
T(
    "shell",
    "eas env:list with public values",
    r"""
    $ eas env:list --environment production
    Environment: production
    EXPO_PUBLIC_API_URL=https://api.{{N:product}}.com
    EXPO_PUBLIC_POSTHOG_KEY={{N:phc}}
    EXPO_PUBLIC_SUPABASE_ANON_KEY={{N:supa_anon}}
    SENTRY_AUTH_TOKEN=***** (secret)
""",
)
T(
    "shell",
    "npm whoami and token list",
    r"""
    $ npm whoami
    {{N:name}}-{{N:product}}
    $ npm token list
    ┌────────┬─────────┬────────────┬──────────┬────────────────┐
    │ id     │ token   │ created    │ readonly │ CIDR whitelist │
    ├────────┼─────────┼────────────┼──────────┼────────────────┤
    │ {{N:hex:6}} │ npm_{{N:alnum:2}}… │ {{N:date}} │ no       │                │
    │ {{N:hex:6}} │ npm_{{N:alnum:2}}… │ {{N:date}} │ yes      │                │
    └────────┴─────────┴────────────┴──────────┴────────────────┘
""",
)
T(
    "shell",
    "npm publish output",
    r"""
    $ npm publish --access public
    npm notice 📦  @{{N:product}}/ui@{{N:ver}}
    npm notice Tarball Contents
    npm notice {{N:int:1-9}}.{{N:int:1-9}}kB dist/index.js
    npm notice Tarball Details
    npm notice name:          @{{N:product}}/ui
    npm notice package size:  {{N:int:10-99}}.{{N:int:1-9}} kB
    npm notice shasum:        {{N:sha1}}
    npm notice integrity:     {{N:integrity}}
    npm notice total files:   {{N:int:5-40}}
    + @{{N:product}}/ui@{{N:ver}}
""",
)
T(
    "shell",
    "pnpm install output",
    r"""
    $ pnpm install --frozen-lockfile
    Lockfile is up to date, resolution step is skipped
    Progress: resolved {{N:int:500-1500}}, reused {{N:int:500-1500}}, downloaded 0, added {{N:int:500-1500}}, done
    node_modules/.pnpm/esbuild@{{N:ver}}/node_modules/esbuild: Running postinstall script, done in {{N:ms}}ms
    Done in {{N:int:2-40}}.{{N:int:1-9}}s
""",
)
T(
    "shell",
    "next build with env file names",
    r"""
    $ pnpm build
    > web@0.1.0 build /app/apps/web
    > next build

      ▲ Next.js {{N:ver}}
      - Environments: .env.production.local, .env.production

       Creating an optimized production build ...
     ✓ Compiled successfully
     ✓ Collecting page data
     ✓ Generating static pages ({{N:int:5-90}}/{{N:int:5-90}})
""",
)
T(
    "shell",
    "vite build output",
    r"""
    $ vite build
    vite v{{N:ver}} building for production...
    ✓ {{N:int:100-3000}} modules transformed.
    dist/index.html                   0.{{N:int:40-99}} kB │ gzip:  0.{{N:int:20-40}} kB
    dist/assets/index-{{N:b64u:8}}.css   {{N:int:10-60}}.{{N:int:10-99}} kB │ gzip:  {{N:int:3-12}}.{{N:int:10-99}} kB
    dist/assets/index-{{N:b64u:8}}.js   {{N:int:140-600}}.{{N:int:10-99}} kB │ gzip: {{N:int:40-190}}.{{N:int:10-99}} kB
    ✓ built in {{N:int:1-9}}.{{N:int:10-99}}s
""",
)
T(
    "shell",
    "stripe listen without the secret line",
    r"""
    $ stripe trigger checkout.session.completed
    Setting up fixture for: product
    Running fixture for: product
    Setting up fixture for: checkout_session
    Running fixture for: checkout_session
    Trigger succeeded! Check dashboard for event details.
    $ stripe events resend {{N:stripe_evt}}
    {"id": "{{N:stripe_evt}}", "object": "event", "type": "checkout.session.completed", "livemode": false}
""",
)
T(
    "shell",
    "fastlane match nuke listing certificates",
    r"""
    $ fastlane match nuke development --readonly
    +------------------------------+--------------+-----------------------+
    |                     Certificates that are going to be revoked     |
    +------------------------------+--------------+-----------------------+
    | Name                         | ID           | Type                  |
    | {{N:product}} Inc ({{N:teamid}}) | {{N:upnum:10}}   | APPLE_DEVELOPMENT     |
    +------------------------------+--------------+-----------------------+
    Profiles: {{N:uuid}}, {{N:uuid}}
""",
)
T(
    "shell",
    "xcodebuild signing output",
    r"""
    $ xcodebuild -workspace ios/{{N:product}}.xcworkspace -scheme {{N:product}} -configuration Release archive
    Signing Identity:     "Apple Distribution: {{N:product}} Inc ({{N:teamid}})"
    Provisioning Profile: "match AppStore {{N:bundle}}"
                          ({{N:uuid}})
    /usr/bin/codesign --force --sign {{N:SHA1}} --entitlements /Users/{{N:name}}/Library/Developer/Xcode/DerivedData/{{N:product}}-{{N:lower:28}}/Build/Intermediates.noindex/ArchiveIntermediates/{{N:product}}.build/Release-iphoneos/{{N:product}}.app.xcent --timestamp=none
    ** ARCHIVE SUCCEEDED **
""",
)
T(
    "shell",
    "security find-identity",
    r"""
    $ security find-identity -v -p codesigning
      1) {{N:SHA1}} "Apple Development: {{N:name}} {{N:name}} ({{N:upnum:10}})"
      2) {{N:SHA1}} "Apple Distribution: {{N:product}} Inc ({{N:teamid}})"
         2 valid identities found
""",
)
T(
    "shell",
    "keytool list fingerprints",
    r"""
    $ keytool -list -v -keystore android/app/debug.keystore -alias androiddebugkey -storepass android -keypass android
    Alias name: androiddebugkey
    Creation date: {{N:date}}
    Entry type: PrivateKeyEntry
    Owner: C=US, O=Android, CN=Android Debug
    Certificate fingerprints:
         SHA1: {{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}
         SHA256: {{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}
    Signature algorithm name: SHA256withRSA
""",
)
T(
    "shell",
    "gradle signingReport",
    r"""
    $ ./gradlew signingReport
    > Task :app:signingReport
    Variant: release
    Config: release
    Store: /Users/{{N:name}}/code/{{N:product}}/android/app/upload.keystore
    Alias: upload
    MD5: {{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}
    SHA1: {{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}:{{N:HEX:2}}
    Valid until: {{N:date}}
""",
)
T(
    "shell",
    "git log of env rotation commits",
    r"""
    $ git log --oneline -5
    {{N:short}} chore(env): move STRIPE_SECRET_KEY to Vercel env, drop from next.config.js
    {{N:short}} fix(auth): rotate NEXTAUTH_SECRET after leak report (#{{N:int:100-999}})
    {{N:short}} feat(checkout): use pk_live publishable key on /pricing
    {{N:short}} ci: read EXPO_TOKEN from secrets
    {{N:short}} build(deps): bump next from {{N:ver}} to {{N:ver}}
""",
)
T(
    "shell",
    "git diff replacing a secret with env",
    r"""
    $ git diff --stat && git diff src/lib/stripe.ts
     src/lib/stripe.ts | 2 +-
     1 file changed, 1 insertion(+), 1 deletion(-)
    diff --git a/src/lib/stripe.ts b/src/lib/stripe.ts
    index {{N:short}}..{{N:short}} 100644
    --- a/src/lib/stripe.ts
    +++ b/src/lib/stripe.ts
    @@ -1,4 +1,4 @@
    -export const stripe = new Stripe('sk_live_••••••••••••••••', { apiVersion: '2024-06-20' })
    +export const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!, { apiVersion: '2024-06-20' })
""",
)
T(
    "shell",
    "grep finds only env references",
    r"""
    $ rg -n "SERVICE_ROLE" apps/
    apps/web/src/lib/supabase/admin.ts:{{N:int:3-40}}:  process.env.SUPABASE_SERVICE_ROLE_KEY!,
    apps/web/.env.example:{{N:int:3-40}}:SUPABASE_SERVICE_ROLE_KEY=
    apps/web/turbo.json:{{N:int:3-40}}:        "SUPABASE_SERVICE_ROLE_KEY",
""",
)
T(
    "shell",
    "firebase deploy output",
    r"""
    $ firebase deploy --only hosting,functions
    === Deploying to '{{N:product}}-prod'...
    i  deploying functions, hosting
    ✔  functions[stripeWebhook(europe-west1)] Successful update operation.
    i  hosting[{{N:product}}-prod]: found {{N:int:20-400}} files in dist
    ✔  hosting[{{N:product}}-prod]: release complete

    ✔  Deploy complete!

    Project Console: https://console.firebase.google.com/project/{{N:product}}-prod/overview
    Hosting URL: https://{{N:product}}-prod.web.app
""",
)
T(
    "shell",
    "wrangler deploy output",
    r"""
    $ npx wrangler deploy
     ⛅️ wrangler {{N:ver}}
    Total Upload: {{N:int:20-900}}.{{N:int:10-99}} KiB / gzip: {{N:int:10-200}}.{{N:int:10-99}} KiB
    Your worker has access to the following bindings:
    - KV Namespaces:
      - CACHE: {{N:cf_id}}
    - Vars:
      - PUBLIC_POSTHOG_KEY: "{{N:phc}}"
    Uploaded {{N:product}}-api ({{N:int:1-9}}.{{N:int:10-99}} sec)
    Deployed {{N:product}}-api triggers ({{N:int:0-2}}.{{N:int:10-99}} sec)
      https://{{N:product}}-api.{{N:name}}.workers.dev
    Current Version ID: {{N:uuid}}
""",
)
T(
    "shell",
    "vercel inspect",
    r"""
    $ vercel inspect {{N:vercel_dpl}}
      General

        id          {{N:vercel_dpl}}
        name        web
        target      production
        status      ● Ready
        url         https://web-{{N:lowernum:9}}-{{N:product}}.vercel.app
        created     {{N:ts}} [{{N:int:1-59}}m ago]
""",
)
T(
    "shell",
    "vercel link project json",
    r"""
    $ cat .vercel/project.json
    {"projectId":"{{N:vercel_prj}}","orgId":"{{N:vercel_team}}","settings":{"framework":"nextjs","nodeVersion":"20.x"}}
""",
)
T(
    "shell",
    "stripe CLI masked keys",
    r"""
    $ stripe config --list
    [default]
      device_name = '{{N:name}}-mbp'
      live_mode_api_key = 'rk_live_*******************************************************************{{N:alnum:4}}'
      live_mode_pub_key = '{{N:stripe_pk}}'
      test_mode_api_key = 'sk_test_*******************************************************************{{N:alnum:4}}'
""",
)
T(
    "shell",
    "supabase gen types",
    r"""
    $ supabase gen types typescript --project-id {{N:ref}} --schema public > src/types/supabase.ts
    $ head -8 src/types/supabase.ts
    export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

    export type Database = {
      public: {
        Tables: {
          api_tokens: {
            Row: { created_at: string; id: string; token_hash: string; user_id: string }
""",
)
T(
    "shell",
    "curl with env variable references",
    r"""
    $ curl -s "https://api.vercel.com/v9/projects/$VERCEL_PROJECT_ID/env?decrypt=false" \
        -H "Authorization: Bearer $VERCEL_TOKEN" | jq -r '.envs[].key'
    DATABASE_URL
    STRIPE_SECRET_KEY
    NEXTAUTH_SECRET
""",
)
T(
    "shell",
    "gh secret list",
    r"""
    $ gh secret list --repo {{N:product}}/web
    NAME                   UPDATED
    EXPO_TOKEN             about {{N:int:2-11}} months ago
    SENTRY_AUTH_TOKEN      about {{N:int:2-11}} days ago
    VERCEL_TOKEN           about 1 year ago
""",
)
T(
    "shell",
    "turso db show",
    r"""
    $ turso db show {{N:product}}-prod
    Name:           {{N:product}}-prod
    URL:            libsql://{{N:product}}-prod-{{N:name}}.turso.io
    ID:             {{N:uuid}}
    Group:          default
    Version:        {{N:ver}}
    Locations:      fra, iad
    Size:           {{N:int:1-900}} kB
""",
)
T(
    "shell",
    "neonctl branches list",
    r"""
    $ neonctl branches list --project-id {{N:lower:5}}-{{N:lower:5}}-{{N:int:10000000-99999999}}
    ┌───────────────────────┬────────────┬─────────┬──────────────────────┐
    │ Id                    │ Name       │ Default │ Created At           │
    ├───────────────────────┼────────────┼─────────┼──────────────────────┤
    │ br-{{N:lower:5}}-{{N:lower:5}}-{{N:lowernum:8}} │ main       │ true    │ {{N:ts}} │
    │ br-{{N:lower:5}}-{{N:lower:5}}-{{N:lowernum:8}} │ preview/pr-{{N:int:10-999}} │ false   │ {{N:ts}} │
    └───────────────────────┴────────────┴─────────┴──────────────────────┘
""",
)
T(
    "shell",
    "openssl sha256 of a file",
    r"""
    $ shasum -a 256 build/app-release.aab build/{{N:product}}.ipa
    {{N:sha256}}  build/app-release.aab
    {{N:sha256}}  build/{{N:product}}.ipa
""",
)
T(
    "shell",
    "docker images and digests",
    r"""
    $ docker buildx build --push -t ghcr.io/{{N:product}}/web:{{N:short}} .
    => exporting to image
    => => pushing layers                                      {{N:int:1-40}}.{{N:int:1-9}}s
    => => pushing manifest for ghcr.io/{{N:product}}/web:{{N:short}}@sha256:{{N:sha256}}
""",
)
T(
    "shell",
    "expo doctor and whoami",
    r"""
    $ npx expo-doctor
    ✔ Check package.json for common issues
    ✔ Check Expo config for common issues
    ✔ Check for issues with metro config
    {{N:int:15-18}}/{{N:int:15-18}} checks passed. No issues detected!
    $ eas whoami
    {{N:name}}
""",
)
T(
    "shell",
    "printenv with public keys only",
    r"""
    $ printenv | grep -E '^(NEXT_PUBLIC|VITE|EXPO_PUBLIC)_' | sort
    EXPO_PUBLIC_REVENUECAT_IOS_KEY={{N:rc_pub:appl}}
    NEXT_PUBLIC_ALGOLIA_APP_ID={{N:algolia_app}}
    NEXT_PUBLIC_ALGOLIA_SEARCH_KEY={{N:hex:32}}
    NEXT_PUBLIC_LD_CLIENT_ID={{N:ld_client}}
    NEXT_PUBLIC_MAPBOX_TOKEN={{N:mapbox_pk}}
    NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY={{N:stripe_pk}}
    VITE_SENTRY_DSN={{N:dsn}}
""",
)
T(
    "shell",
    "sops decrypt fails without key",
    r"""
    $ sops -d .env.enc
    Failed to get the data key required to decrypt the SOPS file.

    Group 0: FAILED
      age1{{N:lowernum:58}}: FAILED
        - | no identity matched any of the recipients
""",
)
T(
    "shell",
    "dotenvx run with encrypted file",
    r"""
    $ npx dotenvx run -f .env.production -- node server.js
    [dotenvx@{{N:ver}}] injecting env ({{N:int:3-20}}) from .env.production
    server listening on :{{N:port}}
""",
)
T(
    "shell",
    "lighthouse ci output",
    r"""
    $ npx lhci autorun
    ✅  .lighthouseci/ directory writable
    ✅  Configuration file found
    Running Lighthouse 3 time(s) on http://localhost:3000/
    Run #1...done.
    Done running Lighthouse!
    Uploading median LHR of http://localhost:3000/...success!
    Open the report at https://storage.googleapis.com/lighthouse-infrastructure.appspot.com/reports/{{N:epoch}}{{N:digits:3}}-{{N:digits:5}}.report.html
""",
)
T(
    "shell",
    "npx prisma migrate status",
    r"""
    $ npx prisma migrate status
    Environment variables loaded from .env
    Prisma schema loaded from prisma/schema.prisma
    Datasource "db": PostgreSQL database "neondb", schema "public" at "ep-{{N:lower:5}}-{{N:lower:6}}-{{N:lowernum:8}}.us-east-2.aws.neon.tech"

    {{N:int:3-40}} migrations found in prisma/migrations
      20{{N:digits:12}}_add_api_key_hash
      20{{N:digits:12}}_session_token_index
    Database schema is up to date!
""",
)
T(
    "shell",
    "psql local dev default password",
    r"""
    $ psql postgresql://postgres:postgres@localhost:54322/postgres -c 'select count(*) from auth.users'
     count
    -------
        {{N:int:1-99}}
    (1 row)
""",
)
T(
    "shell",
    "adb logcat with fcm token registration",
    r"""
    $ adb logcat -s ReactNativeJS:V | head -4
    {{N:date}} {{N:time}}.{{N:digits:3}} {{N:int:1000-9999}} {{N:int:1000-9999}} I ReactNativeJS: 'app launched', { version: '{{N:ver}}', build: {{N:int:100-999}} }
    {{N:date}} {{N:time}}.{{N:digits:3}} {{N:int:1000-9999}} {{N:int:1000-9999}} I ReactNativeJS: 'route', '/home'
    {{N:date}} {{N:time}}.{{N:digits:3}} {{N:int:1000-9999}} {{N:int:1000-9999}} W ReactNativeJS: 'Require cycle: src/store/index.ts -> src/store/auth.ts -> src/store/index.ts'
""",
)
T(
    "shell",
    "eas build list",
    r"""
    $ eas build:list --limit 1 --platform ios
    ID                 {{N:uuid}}
    Platform           iOS
    Status             finished
    Profile            production
    Distribution       store
    Version            {{N:ver}}
    Build number       {{N:int:10-999}}
    Commit             {{N:gitsha}}
""",
)


# === yaml: CI, configs ============================================================================

T(
    "yaml",
    "github actions vercel deploy with literal token",
    r"""
    name: Deploy preview
    on: [pull_request]
    jobs:
      deploy:
        runs-on: ubuntu-latest
        env:
          VERCEL_ORG_ID: {{N:vercel_team}}
          VERCEL_PROJECT_ID: {{N:vercel_prj}}
        steps:
          - uses: actions/checkout@v4
          - run: npm i -g vercel@latest
          - run: vercel pull --yes --environment=preview --token={{S:vercel_tok}}
          - run: vercel deploy --token={{S:vercel_tok}}
""",
)
T(
    "yaml",
    "github actions eas build with EXPO_TOKEN inline",
    r"""
    jobs:
      build:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - uses: expo/expo-github-action@v8
            with:
              eas-version: latest
              token: {{S:expo_tok}}
          - run: eas build --platform all --non-interactive --no-wait
""",
)
T(
    "yaml",
    "github actions env block with secrets pasted",
    r"""
    env:
      NEXT_PUBLIC_SUPABASE_URL: https://{{N:ref}}.supabase.co
      NEXT_PUBLIC_SUPABASE_ANON_KEY: {{N:supa_anon}}
      SUPABASE_SERVICE_ROLE_KEY: {{S:supa_sr}}
      DATABASE_URL: postgresql://postgres:{{S:pwu}}@db.{{N:ref}}.supabase.co:5432/postgres
""",
)
T(
    "yaml",
    "github actions fastlane ios with match password",
    r"""
      ios:
        runs-on: macos-14
        steps:
          - uses: actions/checkout@v4
          - uses: ruby/setup-ruby@v1
            with: { bundler-cache: true, working-directory: ios }
          - name: Build and upload
            working-directory: ios
            run: bundle exec fastlane beta
            env:
              MATCH_PASSWORD: "{{S:hpw}}"
              MATCH_GIT_BASIC_AUTHORIZATION: {{S:basic}}
              APP_STORE_CONNECT_API_KEY_KEY_ID: {{N:ascid}}
              APP_STORE_CONNECT_API_KEY_ISSUER_ID: {{N:uuid}}
""",
)
T(
    "yaml",
    "github actions android signing env",
    r"""
          - name: Build release AAB
            run: ./gradlew bundleRelease
            env:
              ANDROID_KEYSTORE_PASSWORD: '{{S:hpw}}'
              ANDROID_KEY_ALIAS: upload
              ANDROID_KEY_PASSWORD: '{{S:hpw}}'
""",
)
T(
    "yaml",
    "github actions cloudflare wrangler action",
    r"""
          - name: Deploy Worker
            uses: cloudflare/wrangler-action@v3
            with:
              apiToken: {{S:cf_tok}}
              accountId: {{N:cf_id}}
              secrets: |
                STRIPE_SECRET_KEY
            env:
              STRIPE_SECRET_KEY: {{S:stripe_sk}}
""",
)
T(
    "yaml",
    "github actions netlify deploy",
    r"""
          - name: Deploy to Netlify
            uses: nwtgck/actions-netlify@v3
            with:
              publish-dir: './dist'
              production-deploy: true
            env:
              NETLIFY_AUTH_TOKEN: {{S:nfp}}
              NETLIFY_SITE_ID: {{N:uuid}}
""",
)
T(
    "yaml",
    "github actions chromatic",
    r"""
          - name: Publish to Chromatic
            uses: chromaui/action@latest
            with:
              projectToken: {{S:chpt}}
              onlyChanged: true
              exitZeroOnChanges: true
""",
)
T(
    "yaml",
    "github actions setup-node with npm token",
    r"""
          - uses: actions/setup-node@v4
            with:
              node-version: 20
              registry-url: 'https://registry.npmjs.org'
          - run: npm publish --provenance --access public
            env:
              NODE_AUTH_TOKEN: {{S:npm_tok}}
""",
)
T(
    "yaml",
    "github actions sentry release",
    r"""
          - name: Create Sentry release
            uses: getsentry/action-release@v1
            env:
              SENTRY_AUTH_TOKEN: {{S:sntrys}}
              SENTRY_ORG: {{N:product}}
              SENTRY_PROJECT: web
            with:
              environment: production
              sourcemaps: ./dist
""",
)
T(
    "yaml",
    "github actions playwright e2e with test password",
    r"""
      e2e:
        runs-on: ubuntu-latest
        env:
          E2E_BASE_URL: https://staging.{{N:product}}.com
          E2E_USER_EMAIL: e2e@{{N:product}}.com
          E2E_USER_PASSWORD: {{S:hpw}}
        steps:
          - uses: actions/checkout@v4
          - run: npx playwright install --with-deps chromium
          - run: npx playwright test
""",
)
T(
    "yaml",
    "github actions firebase hosting with service account",
    r"""
          - uses: FirebaseExtended/action-hosting-deploy@v0
            with:
              repoToken: {{S:ghs}}
              firebaseServiceAccount: '{"type":"service_account","project_id":"{{N:product}}-prod","private_key_id":"{{N:hex:40}}","private_key":"{{S:pem_rsa_j}}","client_email":"github-action-{{N:digits:9}}@{{N:product}}-prod.iam.gserviceaccount.com"}'
              channelId: live
""",
)
T(
    "yaml",
    ".yarnrc.yml with npmAuthToken",
    r"""
    nodeLinker: node-modules
    npmRegistryServer: "https://registry.yarnpkg.com"
    npmScopes:
      {{N:product}}:
        npmRegistryServer: "https://npm.pkg.github.com"
        npmAlwaysAuth: true
        npmAuthToken: {{S:ghp}}
    yarnPath: .yarn/releases/yarn-{{N:ver}}.cjs
""",
)
T(
    "yaml",
    ".yarnrc.yml npmAuthIdent",
    r"""
    npmRegistries:
      "https://npm.{{N:product}}.internal":
        npmAlwaysAuth: true
        npmAuthIdent: "{{N:name}}:{{S:hpw}}"
""",
)
T(
    "yaml",
    "app.yaml google app engine env",
    r"""
    runtime: nodejs20
    instance_class: F2
    env_variables:
      NODE_ENV: production
      NEXT_PUBLIC_FIREBASE_API_KEY: {{N:aiza}}
      SESSION_COOKIE_SECRET: {{S:b64u:48}}
      STRIPE_SECRET_KEY: {{S:stripe_sk}}
    handlers:
      - url: /.*
        script: auto
        secure: always
""",
)
T(
    "yaml",
    "docker-compose for next + postgres",
    r"""
    services:
      db:
        image: postgres:16-alpine
        environment:
          POSTGRES_USER: {{N:product}}
          POSTGRES_PASSWORD: {{S:hpw@p}}
          POSTGRES_DB: {{N:product}}
        ports: ["5432:5432"]
      web:
        build: .
        environment:
          DATABASE_URL: postgres://{{N:product}}:{{=p}}@db:5432/{{N:product}}
          NEXTAUTH_SECRET: {{S:nextauth}}
        depends_on: [db]
""",
)
T(
    "yaml",
    "pubspec and flutter env yaml",
    r"""
    # env/prod.yaml (read by flutter_dotenv at build)
    supabase_url: https://{{N:ref}}.supabase.co
    supabase_anon_key: {{N:supa_anon}}
    revenuecat_google_key: {{N:rc_pub:goog}}
    revenuecat_secret_key: {{S:rc_sk}}
""",
)
T(
    "yaml",
    "render.yaml blueprint",
    r"""
    services:
      - type: web
        name: {{N:product}}-remix
        runtime: node
        buildCommand: pnpm i && pnpm build
        startCommand: pnpm start
        envVars:
          - key: SESSION_SECRET
            value: {{S:b64u:48}}
          - key: DATABASE_URL
            fromDatabase: { name: {{N:product}}-db, property: connectionString }
""",
)
T(
    "yaml",
    "kubernetes secret stringData for next app",
    r"""
    apiVersion: v1
    kind: Secret
    metadata:
      name: web-env
      namespace: {{N:product}}
    type: Opaque
    stringData:
      NEXTAUTH_SECRET: {{S:nextauth}}
      AUTH0_CLIENT_SECRET: {{S:auth0_secret}}
      REDIS_URL: rediss://default:{{S:alnum:32}}@{{N:word}}-{{N:word}}-{{N:int:10000-99999}}.upstash.io:6379
""",
)
T(
    "yaml",
    "kubernetes secret data base64",
    r"""
    apiVersion: v1
    kind: Secret
    metadata:
      name: stripe
    data:
      STRIPE_SECRET_KEY: {{S:b64:80}}
      STRIPE_WEBHOOK_SECRET: {{S:b64:29}}
""",
)
T(
    "yaml",
    "gitlab ci with inline vars",
    r"""
    variables:
      NODE_VERSION: "20"
      SENTRY_AUTH_TOKEN: "{{S:sntryu}}"
      CYPRESS_RECORD_KEY: "{{S:uuid}}"

    e2e:
      image: cypress/browsers:node-20.11.0-chrome-121.0.6167.85-1-ff-120.0-edge-121.0.2277.83-1
      script:
        - npm ci
        - npx cypress run --record --key $CYPRESS_RECORD_KEY
""",
)
T(
    "yaml",
    "circleci context dump",
    r"""
    version: 2.1
    jobs:
      deploy:
        docker: [{ image: cimg/node:20.11 }]
        environment:
          NETLIFY_SITE_ID: {{N:uuid}}
          NETLIFY_AUTH_TOKEN: {{S:b64u:43}}
        steps:
          - checkout
          - run: npx netlify deploy --prod --dir=dist
""",
)
T(
    "yaml",
    "bitrise.yml with secrets in app env",
    r"""
    app:
      envs:
      - BITRISE_PROJECT_PATH: ios/{{N:product}}.xcworkspace
      - BITRISE_SCHEME: {{N:product}}
      - FASTLANE_PASSWORD: {{S:hpw}}
      - FASTLANE_APPLE_APPLICATION_SPECIFIC_PASSWORD: {{S:asp}}
""",
)
T(
    "yaml",
    "codemagic.yaml with keystore passwords",
    r"""
    workflows:
      android-release:
        name: Android release
        environment:
          vars:
            CM_KEYSTORE_PASSWORD: {{S:hpw}}
            CM_KEY_PASSWORD: {{S:hpw}}
            CM_KEY_ALIAS: upload
          flutter: stable
        scripts:
          - name: Build AAB
            script: flutter build appbundle --release
""",
)
T(
    "yaml",
    "serverless.yml for next api",
    r"""
    provider:
      name: aws
      runtime: nodejs20.x
      environment:
        CLERK_SECRET_KEY: {{S:clerk_sk}}
        CLERK_PUBLISHABLE_KEY: {{N:clerk_pk}}
        STAGE: ${sls:stage}
""",
)
T(
    "yaml",
    "helm values for nuxt app",
    r"""
    image:
      repository: ghcr.io/{{N:product}}/nuxt-app
      tag: "{{N:short}}"
    env:
      NUXT_PUBLIC_SITE_URL: https://{{N:product}}.com
      NUXT_SESSION_PASSWORD: "{{S:rpw:32}}"
      NUXT_STRIPE_SECRET_KEY: "{{S:stripe_sk}}"
    ingress:
      enabled: true
      hosts: [{ host: {{N:product}}.com, paths: [{ path: /, pathType: Prefix }] }]
""",
)
T(
    "yaml",
    "docker compose strapi",
    r"""
    services:
      strapi:
        image: strapi/strapi:{{N:ver}}
        environment:
          DATABASE_CLIENT: postgres
          DATABASE_HOST: db
          DATABASE_PASSWORD: {{S:hpw}}
          JWT_SECRET: {{S:b64:16}}
          ADMIN_JWT_SECRET: {{S:b64:16}}
          APP_KEYS: "{{S:b64:16}},{{S:b64:16}}"
""",
)
T(
    "yaml",
    "openapi example with real-looking bearer",
    r"""
    components:
      securitySchemes:
        bearerAuth: { type: http, scheme: bearer, bearerFormat: JWT }
    paths:
      /v1/orders:
        get:
          parameters:
            - in: header
              name: Authorization
              example: "Bearer {{S:access_jwt}}"
""",
)
T(
    "yaml",
    "github actions matrix with secret in with:",
    r"""
          - name: Upload to Play Store
            uses: r0adkll/upload-google-play@v1
            with:
              serviceAccountJsonPlainText: '{"type":"service_account","private_key":"{{S:pem_rsa_j}}","client_email":"play-deploy@{{N:product}}.iam.gserviceaccount.com"}'
              packageName: {{N:bundle}}
              releaseFiles: android/app/build/outputs/bundle/release/app-release.aab
              track: internal
""",
)
T(
    "yaml",
    "astro netlify functions env in netlify.yml",
    r"""
    # .github/workflows/algolia-crawl.yml
    - name: Index docs
      uses: algolia/algoliasearch-crawler-github-actions@v1
      with:
        crawler-user-id: {{N:uuid}}
        crawler-api-key: {{S:hex:32}}
        algolia-app-id: {{N:algolia_app}}
        algolia-api-key: {{S:algolia_admin}}
        site-url: https://docs.{{N:product}}.com
""",
)
T(
    "yaml",
    "fly.toml with secret in env",
    r"""
    app = "{{N:product}}-remix"
    primary_region = "ams"

    [env]
      PORT = "8080"
      SESSION_SECRET = "{{S:b64u:48}}"

    [http_service]
      internal_port = 8080
      force_https = true
""",
)
T(
    "yaml",
    "supabase config.toml with auth provider secret",
    r"""
    [auth.external.github]
    enabled = true
    client_id = "{{N:gh_client}}"
    secret = "{{S:hex:40}}"
    redirect_uri = "http://127.0.0.1:54321/auth/v1/callback"

    [auth.sms.twilio]
    enabled = true
    account_sid = "{{N:twilio_sid}}"
    message_service_sid = "MG{{N:hex:32}}"
    auth_token = "{{S:twilio_tok}}"
""",
)
T(
    "yaml",
    "lhci config with server token",
    r"""
    ci:
      collect:
        url: [http://localhost:3000/, http://localhost:3000/pricing]
      upload:
        target: lhci
        serverBaseUrl: https://lhci.{{N:product}}.dev
        token: {{S:uuid}}
        basicAuth:
          username: lhci
          password: {{S:hpw}}
""",
)
T(
    "yaml",
    "storybook chromatic config.yml",
    r"""
    # chromatic.config.json equivalent for the monorepo
    projectId: Project:{{N:hex:24}}
    projectToken: {{S:chpt}}
    buildScriptName: build-storybook
    onlyChanged: true
""",
)
T(
    "yaml",
    "azure static web apps workflow",
    r"""
          - name: Build And Deploy
            uses: Azure/static-web-apps-deploy@v1
            with:
              azure_static_web_apps_api_token: {{S:swa}}
              repo_token: ${{ secrets.GITHUB_TOKEN }}
              action: "upload"
              app_location: "/"
              output_location: "dist"
""",
)

# === yaml: negatives ==============================================================================

T(
    "yaml",
    "github actions vercel with secrets refs",
    r"""
    name: Vercel Production Deployment
    env:
      VERCEL_ORG_ID: ${{ secrets.VERCEL_ORG_ID }}
      VERCEL_PROJECT_ID: ${{ secrets.VERCEL_PROJECT_ID }}
    on:
      push:
        branches: [main]
    jobs:
      deploy:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - run: npm install --global vercel@latest
          - run: vercel pull --yes --environment=production --token=${{ secrets.VERCEL_TOKEN }}
          - run: vercel build --prod --token=${{ secrets.VERCEL_TOKEN }}
          - run: vercel deploy --prebuilt --prod --token=${{ secrets.VERCEL_TOKEN }}
""",
)
T(
    "yaml",
    "github actions eas with secrets refs",
    r"""
          - uses: expo/expo-github-action@v8
            with:
              eas-version: latest
              token: ${{ secrets.EXPO_TOKEN }}
          - run: eas update --auto --non-interactive
            env:
              EXPO_PUBLIC_API_URL: https://api.{{N:product}}.com
              SENTRY_AUTH_TOKEN: ${{ secrets.SENTRY_AUTH_TOKEN }}
""",
)
T(
    "yaml",
    "github actions fastlane with secrets refs",
    r"""
          - run: bundle exec fastlane ios release
            env:
              MATCH_PASSWORD: ${{ secrets.MATCH_PASSWORD }}
              MATCH_GIT_BASIC_AUTHORIZATION: ${{ secrets.MATCH_GIT_BASIC_AUTHORIZATION }}
              ASC_KEY_ID: {{N:ascid}}
              ASC_ISSUER_ID: {{N:uuid}}
              ASC_KEY_P8_BASE64: ${{ secrets.ASC_KEY_P8_BASE64 }}
              FASTLANE_XCODEBUILD_SETTINGS_TIMEOUT: 180
""",
)
T(
    "yaml",
    "github actions android signing from secrets",
    r"""
          - name: Decode keystore
            run: echo "${{ secrets.ANDROID_KEYSTORE_BASE64 }}" | base64 --decode > android/app/upload.keystore
          - name: Build
            run: ./gradlew bundleRelease
            env:
              ORG_GRADLE_PROJECT_MYAPP_UPLOAD_STORE_PASSWORD: ${{ secrets.ANDROID_STORE_PASSWORD }}
              ORG_GRADLE_PROJECT_MYAPP_UPLOAD_KEY_PASSWORD: ${{ secrets.ANDROID_KEY_PASSWORD }}
""",
)
T(
    "yaml",
    "github actions with public env values",
    r"""
    env:
      NEXT_PUBLIC_SUPABASE_URL: https://{{N:ref}}.supabase.co
      NEXT_PUBLIC_SUPABASE_ANON_KEY: {{N:supa_anon}}
      NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: {{N:stripe_pk}}
      NEXT_PUBLIC_POSTHOG_KEY: {{N:phc}}
      NEXT_PUBLIC_SENTRY_DSN: {{N:dsn}}
      TURBO_TEAM: {{N:product}}
      TURBO_TOKEN: ${{ secrets.TURBO_TOKEN }}
""",
)
T(
    "yaml",
    "pnpm-lock importers",
    r"""
    lockfileVersion: '9.0'

    settings:
      autoInstallPeers: true
      excludeLinksFromLockfile: false

    importers:
      .:
        dependencies:
          next:
            specifier: ^{{N:ver}}
            version: {{N:ver}}(react-dom@{{N:ver}}(react@{{N:ver}}))(react@{{N:ver}})
    packages:
      '@auth/core@{{N:ver}}':
        resolution: {integrity: {{N:integrity}}}
""",
)
T(
    "yaml",
    ".yarnrc.yml with env refs",
    r"""
    enableGlobalCache: false
    nodeLinker: node-modules
    npmScopes:
      {{N:product}}:
        npmAuthToken: "${GITHUB_PACKAGES_TOKEN:-}"
        npmRegistryServer: "https://npm.pkg.github.com"
    plugins:
      - checksum: {{N:hex:128}}
        path: .yarn/plugins/@yarnpkg/plugin-workspace-tools.cjs
        spec: "@yarnpkg/plugin-workspace-tools"
""",
)
T(
    "yaml",
    "app.yaml with secret manager refs",
    r"""
    runtime: nodejs20
    env_variables:
      NODE_ENV: production
      STRIPE_SECRET_KEY_SECRET: projects/{{N:product}}-prod/secrets/stripe-secret-key/versions/latest
    vpc_access_connector:
      name: projects/{{N:product}}-prod/locations/europe-west1/connectors/web
""",
)
T(
    "yaml",
    "pubspec.yaml",
    r"""
    name: {{N:product}}_app
    description: "{{N:product}} mobile app"
    publish_to: 'none'
    version: {{N:ver}}+{{N:int:10-999}}

    environment:
      sdk: '>=3.3.0 <4.0.0'

    dependencies:
      flutter:
        sdk: flutter
      supabase_flutter: ^{{N:ver}}
      flutter_secure_storage: ^{{N:ver}}
      purchases_flutter: ^{{N:ver}}
""",
)
T(
    "yaml",
    "kubernetes externalsecret",
    r"""
    apiVersion: external-secrets.io/v1beta1
    kind: ExternalSecret
    metadata:
      name: web-env
    spec:
      refreshInterval: 1h
      secretStoreRef: { name: aws-secrets, kind: ClusterSecretStore }
      target: { name: web-env }
      data:
        - secretKey: NEXTAUTH_SECRET
          remoteRef: { key: prod/web, property: NEXTAUTH_SECRET }
        - secretKey: STRIPE_SECRET_KEY
          remoteRef: { key: prod/web, property: STRIPE_SECRET_KEY }
""",
)
T(
    "yaml",
    "sealed secret for web",
    r"""
    apiVersion: bitnami.com/v1alpha1
    kind: SealedSecret
    metadata:
      name: web-env
      namespace: {{N:product}}
    spec:
      encryptedData:
        NEXTAUTH_SECRET: {{N:b64:256}}
        STRIPE_SECRET_KEY: {{N:b64:320}}
""",
)
T(
    "yaml",
    "docker compose with env_file and defaults",
    r"""
    services:
      db:
        image: postgres:16
        environment:
          POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}
      web:
        build: .
        env_file: [.env.local]
        environment:
          DATABASE_URL: postgres://postgres:${POSTGRES_PASSWORD}@db:5432/app
""",
)
T(
    "yaml",
    "supabase config.toml with env() refs",
    r"""
    [auth.external.google]
    enabled = true
    client_id = "{{N:gclient}}"
    secret = "env(SUPABASE_AUTH_EXTERNAL_GOOGLE_SECRET)"
    skip_nonce_check = false

    [db]
    port = 54322
    major_version = 15
""",
)
T(
    "yaml",
    "dependabot config",
    r"""
    version: 2
    registries:
      npm-github:
        type: npm-registry
        url: https://npm.pkg.github.com
        token: ${{secrets.DEPENDABOT_PACKAGES_TOKEN}}
    updates:
      - package-ecosystem: npm
        directory: "/"
        registries: [npm-github]
        schedule: { interval: weekly }
""",
)
T(
    "yaml",
    "codemagic with encrypted values",
    r"""
    environment:
      groups:
        - app_store_credentials
        - keystore_credentials
      vars:
        APP_STORE_APPLE_ID: {{N:digits:10}}
        BUNDLE_ID: {{N:bundle}}
        CM_KEYSTORE_PASSWORD: Encrypted({{N:b64:96}})
""",
)
T(
    "yaml",
    "i18n yaml with password labels",
    r"""
    en:
      auth:
        password: Password
        password_confirmation: Confirm password
        api_key: API key
        api_key_help: "Find it under Settings → API. It starts with sk_live_ in production."
        reset_token_expired: "That reset link has expired."
""",
)
T(
    "yaml",
    "openapi with example placeholders",
    r"""
    components:
      securitySchemes:
        ApiKeyAuth:
          type: apiKey
          in: header
          name: X-API-Key
          description: "Your secret key, e.g. `sk_live_...`. Never expose it in browser code."
      examples:
        AuthHeader:
          value: "Bearer <access_token>"
""",
)
T(
    "yaml",
    "github actions cache and artifact hashes",
    r"""
          - uses: actions/cache@v4
            with:
              path: |
                ~/.npm
                ${{ github.workspace }}/.next/cache
              key: ${{ runner.os }}-nextjs-${{ hashFiles('**/package-lock.json') }}-${{ hashFiles('**/*.js', '**/*.jsx', '**/*.ts', '**/*.tsx') }}
          # last run: key Linux-nextjs-{{N:sha256}}-{{N:sha256}}
""",
)
T(
    "yaml",
    "astro content collection frontmatter",
    r"""
    ---
    title: "Rotating your API keys"
    description: "How to roll a secret key without downtime"
    pubDate: {{N:date}}
    tags: [security, api-keys]
    heroImage: /blog/keys-{{N:asset}}.webp
    ---
""",
)


# === plain: browser console, build logs, chat, docs ==============================================

T(
    "plain",
    "chrome console localStorage dump",
    r"""
    > Object.entries(localStorage)
    (4) [Array(2), Array(2), Array(2), Array(2)]
    0: (2) ['theme', 'dark']
    1: (2) ['sb-{{N:ref}}-auth-token', '{"access_token":"{{S:supa_access}}","token_type":"bearer","expires_in":3600,"refresh_token":"{{S:lowernum:12}}","user":{"id":"{{N:uuid}}"}}']
    2: (2) ['ph_{{N:phc}}_posthog', '{"distinct_id":"{{N:uuid}}","$device_id":"{{N:uuid}}"}']
    3: (2) ['ajs_anonymous_id', '"{{N:uuid}}"']
""",
)
T(
    "plain",
    "console document.cookie",
    r"""
    > document.cookie
    '_ga=GA1.1.{{N:digits:9}}.{{N:epoch}}; __Secure-next-auth.session-token={{S:next_jwe}}; _ga_{{N:upnum:10}}=GS1.1.{{N:epoch}}.3.1.{{N:epoch}}.0.0.0'
""",
)
T(
    "plain",
    "devtools copy as curl",
    r"""
    curl 'https://app.{{N:product}}.com/api/trpc/user.me?batch=1&input=%7B%7D' \
      -H 'accept: */*' \
      -H 'accept-language: en-US,en;q=0.9' \
      -H 'cookie: __Host-authjs.csrf-token={{N:csrf}}%7C{{N:csrf}}; __Secure-authjs.session-token={{S:next_jwe}}' \
      -H 'referer: https://app.{{N:product}}.com/settings' \
      -H 'user-agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
""",
)
T(
    "plain",
    "devtools request headers pane",
    r"""
    Request URL: https://api.{{N:product}}.io/v1/projects
    Request Method: GET
    Status Code: 200 OK
    Remote Address: {{N:ip}}:443
    :authority: api.{{N:product}}.io
    accept: application/json
    authorization: Bearer {{S:access_jwt}}
    x-request-id: {{N:uuid}}
""",
)
T(
    "plain",
    "react native debugger network log",
    r"""
    LOG  [api] → POST https://api.{{N:product}}.com/auth/refresh
    LOG  [api]   body: {"refreshToken":"{{S:b64u:64}}","deviceId":"{{N:UUID}}"}
    LOG  [api] ← 200 in {{N:ms}}ms
    WARN  Possible Unhandled Promise Rejection (id: 0):
""",
)
T(
    "plain",
    "metro log printing config",
    r"""
     BUNDLE  ./index.js

     LOG  Running "main" with {"rootTag":11,"initialProps":{}}
     LOG  config loaded {"apiUrl": "https://api.{{N:product}}.com", "sentryDsn": "{{N:dsn}}", "stripeSecret": "{{S:stripe_sk:test}}"}
""",
)
T(
    "plain",
    "vercel build log with leaked env echo",
    r"""
    {{N:time}}.{{N:int:100-999}} Running build in Washington, D.C., USA (East) – iad1
    {{N:time}}.{{N:int:100-999}} Cloning github.com/{{N:product}}/web (Branch: main, Commit: {{N:short}})
    {{N:time}}.{{N:int:100-999}} Running "vercel build"
    {{N:time}}.{{N:int:100-999}} > web@0.1.0 prebuild
    {{N:time}}.{{N:int:100-999}} > echo "building with DATABASE_URL=$DATABASE_URL"
    {{N:time}}.{{N:int:100-999}} building with DATABASE_URL=postgresql://neondb_owner:{{S:neon_pw}}@ep-{{N:lower:5}}-{{N:lower:5}}-{{N:lowernum:8}}.us-east-1.aws.neon.tech/neondb?sslmode=require
""",
)
T(
    "plain",
    "netlify deploy log with token",
    r"""
    {{N:time}} AM: Netlify Build
    {{N:time}} AM: ────────────────────────────────────────────────────────────────
    {{N:time}} AM: ❯ Version
    {{N:time}} AM:   @netlify/build {{N:ver}}
    {{N:time}} AM: $ node scripts/fetch-content.mjs --token {{S:cfpat}}
    {{N:time}} AM: Fetched {{N:int:10-400}} entries from Contentful
""",
)
T(
    "plain",
    "slack message pasting a key",
    r"""
    {{N:name}} [{{N:int:9-11}}:{{N:int:10-59}} AM]
    hey can someone add this to vercel for staging? it's the new resend key
    {{S:resend}}
    {{N:name}} [{{N:int:9-11}}:{{N:int:10-59}} AM]
    done ✅ (please rotate after, this channel is logged)
""",
)
T(
    "plain",
    "chat asking for help with stripe key",
    r"""
    i'm getting "Invalid API Key provided" on the checkout route. here's my env:
    STRIPE_SECRET_KEY={{S:stripe_sk}}
    NEXT_PUBLIC_STRIPE_KEY={{N:stripe_pk}}
    what am I doing wrong?
""",
)
T(
    "plain",
    "github issue comment with supabase key",
    r"""
    **Describe the bug**
    `supabase.auth.admin.deleteUser()` returns 403 even though I'm using the service role key.

    **To Reproduce**
    ```js
    const supabase = createClient("https://{{N:ref}}.supabase.co", "{{S:supa_sr}}")
    await supabase.auth.admin.deleteUser("{{N:uuid}}")
    ```
""",
)
T(
    "plain",
    "README setup section with real credentials",
    r"""
    ## Local setup

    1. `pnpm install`
    2. Copy the staging values:
       - `SANITY_API_TOKEN={{S:sanity}}`
       - `NEXT_PUBLIC_SANITY_PROJECT_ID={{N:lowernum:8}}`
    3. `pnpm dev` and open http://localhost:3000
""",
)
T(
    "plain",
    "onboarding doc test accounts",
    r"""
    Test accounts (staging)
    | role  | email                        | password          |
    |-------|------------------------------|-------------------|
    | admin | admin@{{N:product}}-staging.com | {{S:hpw}} |
    | buyer | buyer@{{N:product}}-staging.com | {{S:hpw}} |
""",
)
T(
    "plain",
    "app store review notes with demo login",
    r"""
    App Review Information
    Sign-in required: Yes
    User name: review@{{N:product}}.com
    Password: {{S:hpw}}
    Notes: The demo account has a pre-filled cart. Purchases use the sandbox environment.
""",
)
T(
    "plain",
    "jest failure printing headers",
    r"""
    ● billing › creates a checkout session

      expect(received).toEqual(expected) // deep equality

      - Expected  - 1
      + Received  + 1

        Object {
      -   "Authorization": "Bearer sk_test_123",
      +   "Authorization": "Bearer {{S:stripe_sk:test}}",
          "Stripe-Version": "2024-06-20",
        }
""",
)
T(
    "plain",
    "playwright trace console with token",
    r"""
    [chromium] › auth.spec.ts:{{N:int:10-80}}:5 › login › keeps session after reload
    Error: expect(received).toBe(expected)
    Received: "{{S:lucia}}"
    Expected: undefined
        at /app/e2e/auth.spec.ts:{{N:int:10-80}}:29
    Call log:
      - cookie auth_session={{=x}} set for .{{N:product}}.com
""".replace('Received: "{{S:lucia}}"', 'Received: "{{S:lucia@x}}"'),
)
T(
    "plain",
    "expo build log with env print",
    r"""
    [RUN_EXPO_DOCTOR] Running "expo doctor"
    [PREBUILD] env: load .env
    [PREBUILD] env: export EXPO_PUBLIC_API_URL SENTRY_AUTH_TOKEN
    [READ_APP_CONFIG] Using app configuration:
    [READ_APP_CONFIG] {
    [READ_APP_CONFIG]   "name": "{{N:product}}",
    [READ_APP_CONFIG]   "extra": { "adminApiToken": "{{S:b64u:40}}", "eas": { "projectId": "{{N:uuid}}" } }
    [READ_APP_CONFIG] }
""",
)
T(
    "plain",
    "xcode build log with altool password",
    r"""
    ▸ Archive Succeeded
    [{{N:time}}]: $ xcrun altool --upload-app --type ios --file ./build/{{N:product}}.ipa --username {{N:email}} --password {{S:asp}}
    [{{N:time}}]: ▸ No errors uploading './build/{{N:product}}.ipa'
""",
)
T(
    "plain",
    "gradle build log with signing password",
    r"""
    > Task :app:validateSigningRelease
    > Task :app:packageRelease
    Executing: jarsigner -keystore /home/runner/work/app/upload.jks -storepass {{S:hpw}} -keypass {{S:hpw}} app-release-unsigned.apk upload
    jar signed.
""",
)
T(
    "plain",
    "sentry issue breadcrumb with token",
    r"""
    TypeError: Failed to fetch
      at fetchProfile (app/components/Profile.tsx:{{N:int:10-99}}:{{N:int:3-20}})

    Breadcrumbs
    {{N:time}}  fetch  GET https://api.{{N:product}}.com/me?access_token={{S:b64u:40}} [401]
    {{N:time}}  ui.click  button#retry
""",
)
T(
    "plain",
    "email with vendor credentials",
    r"""
    From: onboarding@{{N:product}}-cms.com
    Subject: Your API credentials

    Hi {{N:name}},

    Your workspace is ready. Server API key (keep this private):

        {{S:hex:48}}

    Public site key (safe for browsers): pk_{{N:hex:24}}
""",
)
T(
    "plain",
    "agent reply summarising found secret",
    r"""
    I found the cause: `lib/algolia.ts` initialises the client with the **admin** key
    (`{{S:algolia_admin}}`) instead of the search-only key, and that file is imported by a
    client component, so the admin key ships in the bundle. I moved indexing to a server action and
    switched the client to `NEXT_PUBLIC_ALGOLIA_SEARCH_KEY`. You should rotate the admin key.
""",
)
T(
    "plain",
    "stack trace with db url in error",
    r"""
    PrismaClientInitializationError:
    Invalid `prisma.user.findUnique()` invocation:

    Can't reach database server at `db.{{N:ref}}.supabase.co:5432`

    Please make sure your database server is running at `db.{{N:ref}}.supabase.co:5432`.
    DATABASE_URL=postgresql://postgres:{{S:pwu}}@db.{{N:ref}}.supabase.co:5432/postgres
        at $n.handleRequestError (/var/task/node_modules/@prisma/client/runtime/library.js:121:7615)
""",
)
T(
    "plain",
    "webpack warning showing inlined env",
    r"""
    WARNING in ./src/config.js {{N:int:3-30}}:18-44
    Module not found: Error: Can't resolve 'fs'
     @ ./src/config.js
     @ ./src/index.js

    DefinePlugin
      Conflicting values for 'process.env.ADMIN_TOKEN'
        "{{S:b64u:40}}" !== "undefined"
""",
)
T(
    "plain",
    "twilio console copy",
    r"""
    Account Info
    Account SID
    {{N:twilio_sid}}
    Auth Token
    {{S:twilio_tok}}
    My Twilio phone number
    +1 {{N:digits:3}} {{N:digits:3}} {{N:digits:4}}
""",
)
T(
    "plain",
    "app store connect key download note",
    r"""
    Key ID: {{N:ascid}}
    Issuer ID: {{N:uuid}}
    Saved AuthKey_{{N:ascid}}.p8 to 1Password, contents for the CI secret:
    {{S:pem_p8}}
""",
)
T(
    "plain",
    "notion page with firebase admin",
    r"""
    Firebase admin (prod) — pasted from the console, delete after setting in Vercel
    FIREBASE_CLIENT_EMAIL: firebase-adminsdk-{{N:lowernum:5}}@{{N:product}}-prod.iam.gserviceaccount.com
    FIREBASE_PRIVATE_KEY: {{S:pem_rsa}}
""",
)
T(
    "plain",
    "cypress run output with env echo",
    r"""
      Running:  login.cy.ts                                                    (1 of 4)

      Login
        ✓ logs in with the seeded admin ({{N:ms}}ms)
        1) logs out

      1) Login
           logs out:
         AssertionError: Timed out retrying after 4000ms: expected '{{N:product}} — Sign in' to include 'Dashboard'
           cy.env: {"ADMIN_EMAIL":"admin@{{N:product}}.com","ADMIN_PASSWORD":"{{S:hpw}}"}
""",
)
T(
    "plain",
    "discord dev channel webhook paste",
    r"""
    here's the deploy notifications webhook for #releases, add it to the eas build hook:
    {{S:discord_hook}}
""",
)
T(
    "plain",
    "seed phrase in a dapp dev chat",
    r"""
    for the sepolia test deployer wallet use this (funded with 2 ETH, DO NOT use for mainnet):
    {{S:mnemonic}}
""",
)
T(
    "plain",
    "shopify partner dashboard paste",
    r"""
    App credentials
    Client ID       {{N:hex:32}}
    Client secret   {{S:shpat:ss}}
    Admin API access token (shown once)   {{S:shpat}}
""",
)
T(
    "plain",
    "posthog settings page copy",
    r"""
    Project API key (write-only, used by posthog-js): {{N:phc}}
    Personal API key "ci-flags" (scopes: feature_flag:read): {{S:phx}}
    Project ID: {{N:int:10000-99999}}
""",
)
T(
    "plain",
    "ld environment keys copy",
    r"""
    Production
      SDK key         {{S:ld_sdk}}
      Mobile key      {{S:ld_mob}}
      Client-side ID  {{N:ld_client}}
""",
)
T(
    "plain",
    "statsig keys page copy",
    r"""
    Server Secret Key   {{S:statsig_secret}}
    Client API Key      {{N:statsig_client}}
    Console API Key     console-{{S:alnum:43}}
""",
)
T(
    "plain",
    "mapbox tokens page copy",
    r"""
    Default public token   {{N:mapbox_pk}}     URLs: Any
    uploads-ci (secret)    {{S:mapbox_sk}}     Scopes: UPLOADS:WRITE, TILESETS:WRITE
""",
)
T(
    "plain",
    "sentry internal integration token",
    r"""
    Internal Integration "deploy-bot"
    Client ID: {{N:sha256}}
    Client Secret: {{S:sha256}}
    Tokens: {{S:hex:64}}  created {{N:date}}
""",
)
T(
    "plain",
    "nextauth debug log",
    r"""
    [next-auth][debug][OAUTH_CALLBACK_RESPONSE] {
      profile: { id: '{{N:digits:8}}', login: '{{N:name}}', email: '{{N:email}}' },
      account: {
        access_token: '{{S:gho}}',
        token_type: 'bearer',
        scope: 'read:user,user:email',
        provider: 'github',
        type: 'oauth',
        providerAccountId: '{{N:digits:8}}'
      }
    }
""",
)
T(
    "plain",
    "remix dev server log with cookie",
    r"""
    GET /dashboard 302 - - {{N:ms}} ms
    [session] Set-Cookie: __session={{S:b64u:120}}.{{S:b64u:43}}; Path=/; HttpOnly; Secure; SameSite=Lax
    GET /login 200 - - {{N:ms}} ms
""",
)

# === plain: negatives =============================================================================

T(
    "plain",
    "console log of publishable config",
    r"""
    [app] booting with config {
      stripeKey: '{{N:stripe_pk}}',
      supabaseUrl: 'https://{{N:ref}}.supabase.co',
      supabaseAnonKey: '{{N:supa_anon}}',
      posthogKey: '{{N:phc}}',
      sentryDsn: '{{N:dsn}}'
    }
""",
)
T(
    "plain",
    "console warnings in dev",
    r"""
    Warning: Each child in a list should have a unique "key" prop.
    Check the render method of `ProductGrid`. See https://reactjs.org/link/warning-keys for more information.
        at ProductCard (webpack-internal:///./components/ProductCard.tsx:{{N:int:10-99}}:{{N:int:3-20}})
    Download the React DevTools for a better development experience: https://reactjs.org/link/react-devtools
    [HMR] connected
    [Fast Refresh] rebuilding
    [Fast Refresh] done in {{N:ms}}ms
""",
)
T(
    "plain",
    "hydration error with useId ids",
    r"""
    Error: Hydration failed because the server rendered HTML didn't match the client.
      <div id=":R{{N:lowernum:5}}:" aria-describedby=":R{{N:lowernum:5}}H1:">
    +   <span data-state="closed">Open</span>
    -   <span data-state="open">Open</span>
    at throwOnHydrationMismatch (react-dom.development.js:{{N:int:1000-30000}}:{{N:int:3-20}})
""",
)
T(
    "plain",
    "chat about rotation without values",
    r"""
    {{N:name}}: rotated the Stripe restricted key this morning (the one ending in …{{N:alnum:4}}). New one is in Vercel as STRIPE_RESTRICTED_KEY for prod + preview.
    {{N:name}}: 👍 did you also update the webhook signing secret? whsec_ values are per endpoint
    {{N:name}}: yep, endpoint we_{{N:alnum:24}} got a new one, stored in 1Password "Stripe prod webhook"
""",
)
T(
    "plain",
    "docs on environment variables",
    r"""
    ## Environment variables

    | Name | Where | Notes |
    |------|-------|-------|
    | `NEXT_PUBLIC_SUPABASE_ANON_KEY` | browser | public; RLS protects the data |
    | `SUPABASE_SERVICE_ROLE_KEY` | server only | bypasses RLS; never prefix with `NEXT_PUBLIC_` |
    | `STRIPE_SECRET_KEY` | server only | `sk_live_...` in production, `sk_test_...` locally |
    | `STRIPE_WEBHOOK_SECRET` | server only | from `stripe listen` locally |
""",
)
T(
    "plain",
    "stripe dashboard api keys page masked",
    r"""
    Standard keys
    Publishable key   {{N:stripe_pk}}
    Secret key        sk_live_••••••••••••••••••••••••{{N:alnum:4}}      Reveal live key
    Restricted keys
    checkout-worker   rk_live_••••••••••••••••••••••••{{N:alnum:4}}      Last used {{N:date}}
""",
)
T(
    "plain",
    "supabase dashboard api settings masked",
    r"""
    Project URL       https://{{N:ref}}.supabase.co
    Project API keys
    anon public       {{N:supa_anon}}
    service_role secret   ••••••••••••••••••••••••••••••••••••••••   Reveal
    JWT Secret            ••••••••••••••••••••••••••••••••••••••••   Reveal
""",
)
T(
    "plain",
    "vercel dashboard env var list",
    r"""
    STRIPE_SECRET_KEY        Production, Preview     ••••••••••••    Updated {{N:int:2-30}}d ago by {{N:name}}
    NEXTAUTH_SECRET          Production              ••••••••••••    Updated {{N:int:2-30}}d ago by {{N:name}}
    NEXT_PUBLIC_POSTHOG_KEY  All Environments        {{N:phc}}
""",
)
T(
    "plain",
    "fastlane match summary",
    r"""
    [{{N:time}}]: ------------------------------------
    [{{N:time}}]: --- Step: match ---
    [{{N:time}}]: ------------------------------------
    [{{N:time}}]: Cloning remote git repo...
    [{{N:time}}]: Checking out branch master...
    [{{N:time}}]: 🔓  Successfully decrypted certificates repo
    [{{N:time}}]: Installing certificate...
    [{{N:time}}]: Setting key partition list... (this can take a minute if there are a lot of keys installed)
    [{{N:time}}]: Installed Provisioning Profile: {{N:uuid}}
    [{{N:time}}]: All required keys, certificates and provisioning profiles are installed 🙌
""",
)
T(
    "plain",
    "testflight upload log",
    r"""
    [{{N:time}}]: Going to upload updated app to App Store Connect
    [{{N:time}}]: This might take a few minutes. Please don't interrupt the script.
    [{{N:time}}]: Using App Store Connect API Key '{{N:ascid}}' (issuer {{N:uuid}})
    [{{N:time}}]: Successfully uploaded package to App Store Connect. It might take a few minutes until it's visible online.
    [{{N:time}}]: Build {{N:ver}} ({{N:int:10-999}}) uploaded, Delivery UUID: {{N:uuid}}
""",
)
T(
    "plain",
    "csp report",
    r"""
    [Report Only] Refused to load the script 'https://js.stripe.com/v3/' because it violates the following Content Security Policy directive: "script-src 'self' 'nonce-{{N:nonce}}' 'strict-dynamic'". Note that 'strict-dynamic' is present, so host-based allowlisting is disabled.
""",
)
T(
    "plain",
    "lighthouse audit summary",
    r"""
    Performance 92 · Accessibility 100 · Best Practices 96 · SEO 100
    Largest Contentful Paint 1.{{N:int:1-9}} s — /_next/static/media/hero.{{N:asset}}.webp
    Reduce unused JavaScript — /_next/static/chunks/{{N:int:100-999}}-{{N:asset:16}}.js ({{N:int:20-90}} KiB)
    Preconnect to required origins — https://js.stripe.com
""",
)
T(
    "plain",
    "pr description about key handling",
    r"""
    ### What
    Moves the Algolia admin key out of `lib/search.ts` into a server action. The browser now gets only the
    search-only key (`NEXT_PUBLIC_ALGOLIA_SEARCH_KEY`) and the app id `{{N:algolia_app}}`.

    ### Checklist
    - [x] Rotated the admin key in the Algolia dashboard
    - [x] Updated `ALGOLIA_ADMIN_KEY` in Vercel (Production, Preview)
    - [ ] Remove the old key from 1Password
""",
)
T(
    "plain",
    "jest output with fake tokens",
    r"""
     PASS  src/lib/__tests__/token.test.ts
      parseBearer
        ✓ returns the token for "Bearer abc.def.ghi" (2 ms)
        ✓ returns null for "Basic dXNlcjpwYXNz" (1 ms)
        ✓ rejects "Bearer " with no token (1 ms)

    Test Suites: 1 passed, 1 total
    Tests:       3 passed, 3 total
""",
)
T(
    "plain",
    "agent reply about env setup with references",
    r"""
    I added the webhook handler. To run it locally:

    1. `stripe listen --forward-to localhost:3000/api/webhooks/stripe` — it prints a `whsec_…` signing secret.
    2. Put that value in `.env.local` as `STRIPE_WEBHOOK_SECRET` (it's already in `.env.example` as a blank).
    3. The handler reads it with `process.env.STRIPE_WEBHOOK_SECRET` and rejects events without a valid `stripe-signature`.
""",
)
T(
    "plain",
    "sentry issue with dsn and event id",
    r"""
    Event {{N:hex:32}}
    Release  web@{{N:gitsha}}
    SDK      sentry.javascript.nextjs {{N:ver}}
    DSN      {{N:dsn}}
    URL      https://{{N:product}}.com/checkout
    Trace    {{N:hex:32}}
""",
)
T(
    "plain",
    "csrf token in server-rendered form log",
    r"""
    [auth] rendering /signin with csrfToken={{N:csrf}}
    [auth] GET /api/auth/providers 200 {{N:ms}}ms
    [auth] GET /api/auth/csrf 200 {{N:ms}}ms -> {"csrfToken":"{{N:csrf}}"}
""",
)
T(
    "plain",
    "bundle analyzer text report",
    r"""
    Webpack Bundle Analyzer saved report to /app/.next/analyze/client.html
      .next/static/chunks/pages/_app-{{N:asset:16}}.js  {{N:int:100-300}} KB
      .next/static/chunks/framework-{{N:asset:16}}.js    {{N:int:40-60}} KB
      .next/static/chunks/main-{{N:asset:16}}.js         {{N:int:30-40}} KB
      .next/static/{{N:b64u:21}}/_buildManifest.js
""",
)
T(
    "plain",
    "expo updates publish log",
    r"""
    ✔ Exported bundle(s)
    ✔ Uploaded {{N:int:2-20}} app bundles
    ✔ Uploaded {{N:int:20-200}} assets
    ✔ Published!

    Branch             production
    Runtime version    {{N:ver}}
    Platform           android, ios
    Update group ID    {{N:uuid}}
    Android update ID  {{N:uuid}}
    iOS update ID      {{N:uuid}}
    Message            fix checkout crash
    EAS Dashboard      https://expo.dev/accounts/{{N:product}}/projects/app/updates/{{N:uuid}}
""",
)
T(
    "plain",
    "security doc with example keys",
    r"""
    Never commit keys like these (examples, not real):
    - Stripe: `sk_live_...` (or `sk_live_<your key>`)
    - Supabase service role: `eyJ...` (a JWT whose role is service_role)
    - Firebase admin: a JSON file with `"private_key": "{{N:armour}}\n..."`
    Use `vercel env add` or `wrangler secret put` instead.
""",
)
T(
    "plain",
    "mixpanel debug log",
    r"""
    [Mixpanel] MIXPANEL REQUEST: https://api-js.mixpanel.com/track/?verbose=1&ip=1&_={{N:epoch}}{{N:digits:3}}
    [Mixpanel] {"event":"Checkout Started","properties":{"token":"{{N:hex:32}}","distinct_id":"$device:{{N:uuid}}","$insert_id":"{{N:lowernum:16}}","plan":"pro"}}
""",
)
T(
    "plain",
    "release notes mentioning key names",
    r"""
    v{{N:ver}} ({{N:date}})
    - The SDK now reads `STATSIG_SERVER_SECRET` from the environment when no key is passed.
    - `initialize()` throws `Invalid SDK key: expected a key starting with "secret-"` for client keys.
    - Client keys (`client-…`) can be exposed in browsers; server secrets cannot.
""",
)
T(
    "plain",
    "ios device console with push token",
    r"""
    default {{N:time}}.{{N:digits:6}}-0700 {{N:product}} [Notifications] registered for remote notifications, device token length 32
    default {{N:time}}.{{N:digits:6}}-0700 {{N:product}} [RevenueCat] 😻 Purchases is configured with API key: {{N:rc_pub:appl}}
    default {{N:time}}.{{N:digits:6}}-0700 {{N:product}} [Sentry] Sentry SDK started, DSN host o{{N:digits:6}}.ingest.sentry.io
""",
)
T(
    "plain",
    "jwt example in docs",
    r"""
    A decoded example token looks like this (from our API docs; the payload marks it as an example):

        {{N:example_jwt}}

    Paste it into jwt.io to see the claims. Real tokens are issued by /oauth/token and expire after 1 hour.
""",
)


# === url: connection strings, links, redirects =====================================================

T(
    "url",
    "supabase pooler postgres url",
    r"""
    postgresql://postgres.{{N:ref}}:{{S:pwu}}@aws-0-{{N:pick:eu-central-1|us-east-1|ap-southeast-1}}.pooler.supabase.com:6543/postgres?pgbouncer=true&connection_limit=1
""",
)
T(
    "url",
    "supabase direct url",
    r"""
    DIRECT_URL=postgresql://postgres:{{S:rpw:16}}@db.{{N:ref}}.supabase.co:5432/postgres
""",
)
T(
    "url",
    "neon pooled url",
    r"""
    postgres://{{N:name}}:{{S:neon_pw}}@ep-{{N:lower:5}}-{{N:lower:6}}-{{N:lowernum:8}}-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require
""",
)
T(
    "url",
    "vercel postgres prisma url",
    r"""
    POSTGRES_PRISMA_URL=postgres://default:{{S:alnum:12}}@ep-{{N:lower:5}}-{{N:lower:5}}-{{N:lowernum:8}}-pooler.us-east-1.postgres.vercel-storage.com:5432/verceldb?pgbouncer=true&connect_timeout=15
""",
)
T(
    "url",
    "planetscale mysql url",
    r"""
    mysql://{{N:lowernum:20}}:{{S:pscale_pw}}@aws.connect.psdb.cloud/{{N:product}}?ssl={"rejectUnauthorized":true}
""",
)
T(
    "url",
    "mongodb srv url",
    r"""
    MONGODB_URI=mongodb+srv://{{N:product}}-app:{{S:pwu}}@{{N:product}}.{{N:lowernum:5}}.mongodb.net/{{N:product}}?retryWrites=true&w=majority
""",
)
T(
    "url",
    "upstash rediss url",
    r"""
    REDIS_URL=rediss://default:{{S:alnum:32}}@{{N:word}}-{{N:word}}-{{N:int:10000-99999}}.upstash.io:6379
""",
)
T(
    "url",
    "libsql url with auth token",
    r"""
    libsql://{{N:product}}-{{N:name}}.turso.io?authToken={{S:turso}}
""",
)
T(
    "url",
    "railway postgres public url",
    r"""
    postgresql://postgres:{{S:alnum:32}}@{{N:lower:8}}.proxy.rlwy.net:{{N:int:10000-65000}}/railway
""",
)
T(
    "url",
    "cloudinary url",
    r"""
    CLOUDINARY_URL=cloudinary://{{N:digits:15}}:{{S:b64u:27}}@{{N:product}}
""",
)
T(
    "url",
    "edge config connection string",
    r"""
    https://edge-config.vercel.com/ecfg_{{N:lowernum:28}}?token={{S:uuid}}
""",
)
T(
    "url",
    "vercel deploy hook",
    r"""
    https://api.vercel.com/v1/integrations/deploy/{{N:vercel_prj}}/{{S:alnum:10}}
""",
)
T(
    "url",
    "netlify build hook",
    r"""
    curl -X POST -d {} https://api.netlify.com/build_hooks/{{S:hex:24}}
""",
)
T(
    "url",
    "slack webhook for deploy notices",
    r"""
    SLACK_WEBHOOK_URL={{S:slack_hook}}
""",
)
T(
    "url",
    "discord webhook",
    r"""
    {{S:discord_hook}}
""",
)
T(
    "url",
    "supabase magic link",
    r"""
    https://{{N:ref}}.supabase.co/auth/v1/verify?token={{S:hex:56}}&type=magiclink&redirect_to=https://app.{{N:product}}.com/auth/callback
""",
)
T(
    "url",
    "supabase recovery redirect fragment",
    r"""
    https://app.{{N:product}}.com/reset-password#access_token={{S:supa_access}}&expires_at={{N:epoch}}&expires_in=3600&refresh_token={{S:lowernum:12}}&token_type=bearer&type=recovery
""",
)
T(
    "url",
    "expo deep link with tokens",
    r"""
    {{N:product}}://auth/callback#access_token={{S:supa_access}}&expires_in=3600&provider_token={{S:gho}}&refresh_token={{S:lowernum:12}}&token_type=bearer
""",
)
T(
    "url",
    "firebase email sign-in link",
    r"""
    https://{{N:product}}-prod.firebaseapp.com/__/auth/action?apiKey={{N:aiza}}&mode=signIn&oobCode={{S:b64u:54}}&continueUrl=https://{{N:product}}.app/finish&lang=en
""",
)
T(
    "url",
    "password reset link in email log",
    r"""
    [mailer] sent "Reset your password" to {{N:email}}: https://{{N:product}}.com/reset?token={{S:hex:64}}&email={{N:name}}%40{{N:product}}.com
""",
)
T(
    "url",
    "invite link with token",
    r"""
    https://app.{{N:product}}.com/invite/accept?token={{S:b64u:43}}&org={{N:lowernum:12}}
""",
)
T(
    "url",
    "firebase storage download url with token",
    r"""
    https://firebasestorage.googleapis.com/v0/b/{{N:product}}-prod.appspot.com/o/invoices%2F{{N:uuid}}.pdf?alt=media&token={{S:uuid}}
""",
)
T(
    "url",
    "r2 presigned url",
    r"""
    https://{{N:cf_id}}.r2.cloudflarestorage.com/uploads/{{N:uuid}}.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD&X-Amz-Credential={{N:hex:32}}%2F{{N:digits:8}}%2Fauto%2Fs3%2Faws4_request&X-Amz-Date={{N:digits:8}}T{{N:digits:6}}Z&X-Amz-Expires=3600&X-Amz-Signature={{S:sha256}}&X-Amz-SignedHeaders=host&x-id=PutObject
""",
)
T(
    "url",
    "vercel protection bypass",
    r"""
    https://web-git-{{N:lower:8}}-{{N:product}}.vercel.app/checkout?x-vercel-protection-bypass={{S:alnum:32}}&x-vercel-set-bypass-cookie=true
""",
)
T(
    "url",
    "vercel share link",
    r"""
    https://web-{{N:lowernum:9}}-{{N:product}}.vercel.app/?_vercel_share={{S:alnum:32}}
""",
)
T(
    "url",
    "stripe billing portal session",
    r"""
    https://billing.stripe.com/p/session/live_{{S:b64u:80}}
""",
)
T(
    "url",
    "mapbox style url with secret token",
    r"""
    https://api.mapbox.com/styles/v1/{{N:name}}/cl{{N:lowernum:23}}/tiles/256/{z}/{x}/{y}@2x?access_token={{S:mapbox_sk}}
""",
)
T(
    "url",
    "websocket url with jwt",
    r"""
    wss://realtime.{{N:product}}.com/socket/websocket?token={{S:hs_jwt}}&vsn=2.0.0
""",
)
T(
    "url",
    "staging url with basic auth",
    r"""
    https://preview:{{S:pwu}}@staging.{{N:product}}.com/
""",
)
T(
    "url",
    "git remote with token",
    r"""
    origin	https://{{N:name}}:{{S:gh_pat}}@github.com/{{N:product}}/web.git (fetch)
    origin	https://{{N:name}}:{{=t}}@github.com/{{N:product}}/web.git (push)
""".replace("{{S:gh_pat}}", "{{S:gh_pat@t}}"),
)
T(
    "url",
    "shopify private app url",
    r"""
    https://{{N:hex:32}}:{{S:shpat:pa}}@{{N:product}}.myshopify.com/admin/api/2024-04/products.json
""",
)
T(
    "url",
    "firebase realtime database rest with secret",
    r"""
    https://{{N:product}}-default-rtdb.europe-west1.firebasedatabase.app/users.json?auth={{S:alnum:40}}&print=pretty
""",
)
T(
    "url",
    "github raw url with token",
    r"""
    https://raw.githubusercontent.com/{{N:product}}/design-tokens/main/tokens.json?token=GHSAT0AAAAAA{{S:upnum:40}}
""",
)
T(
    "url",
    "clerk dev browser jwt in url",
    r"""
    http://localhost:3000/dashboard?__clerk_db_jwt=dvb_{{S:alnum:27}}
""",
)
T(
    "url",
    "stripe connect oauth token exchange",
    r"""
    POST https://connect.stripe.com/oauth/token?client_secret={{S:stripe_sk}}&code=ac_{{N:alnum:32}}&grant_type=authorization_code
""",
)
T(
    "url",
    "npm registry url with credentials",
    r"""
    registry=https://{{N:name}}:{{S:pwu}}@npm.{{N:product}}.internal/repository/npm-private/
""",
)
T(
    "url",
    "google oauth implicit redirect",
    r"""
    http://localhost:3000/api/auth/callback/google#state={{N:b64u:32}}&access_token={{S:ya29}}&token_type=Bearer&expires_in=3599&scope=email%20profile%20openid
""",
)
T(
    "url",
    "sentry tunnel with auth token query",
    r"""
    https://sentry.io/api/0/organizations/{{N:product}}/releases/?auth_token={{S:sntryu}}
""",
)
T(
    "url",
    "cal webhook with secret query",
    r"""
    https://{{N:product}}.com/api/webhooks/cal?secret={{S:b64u:32}}
""",
)
T(
    "url",
    "amqp url for job queue",
    r"""
    CLOUDAMQP_URL=amqps://{{N:lower:8}}:{{S:b64u:32}}@hawk.rmq.cloudamqp.com/{{N:lower:8}}
""",
)
T(
    "url",
    "elastic cloud url for search",
    r"""
    https://elastic:{{S:alnum:24}}@{{N:product}}-search.es.us-central1.gcp.cloud.es.io:443
""",
)

# === url: negatives ================================================================================

T(
    "url",
    "supabase local db url",
    r"""
    postgresql://postgres:postgres@127.0.0.1:54322/postgres
""",
)
T(
    "url",
    "postgres url with env placeholders",
    r"""
    DATABASE_URL="postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@${POSTGRES_HOST}:5432/${POSTGRES_DB}?schema=public"
""",
)
T(
    "url",
    "postgres url with placeholder password",
    r"""
    postgresql://postgres.{{N:ref}}:[YOUR-PASSWORD]@aws-0-eu-central-1.pooler.supabase.com:6543/postgres
""",
)
T(
    "url",
    "oauth authorize request url",
    r"""
    https://accounts.google.com/o/oauth2/v2/auth?client_id={{N:gclient}}&redirect_uri=https%3A%2F%2F{{N:product}}.com%2Fapi%2Fauth%2Fcallback%2Fgoogle&response_type=code&scope=openid%20email%20profile&state={{N:b64u:43}}&code_challenge={{N:b64u:43}}&code_challenge_method=S256
""",
)
T(
    "url",
    "github oauth authorize url",
    r"""
    https://github.com/login/oauth/authorize?client_id={{N:gh_client}}&scope=read%3Auser%20user%3Aemail&response_type=code&redirect_uri=https%3A%2F%2F{{N:product}}.com%2Fapi%2Fauth%2Fcallback%2Fgithub&state={{N:b64u:43}}
""",
)
T(
    "url",
    "supabase realtime websocket with anon key",
    r"""
    wss://{{N:ref}}.supabase.co/realtime/v1/websocket?apikey={{N:supa_anon}}&vsn=1.0.0
""",
)
T(
    "url",
    "supabase rest url with anon apikey",
    r"""
    https://{{N:ref}}.supabase.co/rest/v1/products?select=id,name,price&apikey={{N:sb_pub}}
""",
)
T(
    "url",
    "mapbox public tiles url",
    r"""
    https://api.mapbox.com/styles/v1/mapbox/streets-v12/static/-122.4241,37.78,14.25,0,60/600x600?access_token={{N:mapbox_pk}}
""",
)
T(
    "url",
    "google maps embed url",
    r"""
    https://www.google.com/maps/embed/v1/place?key={{N:aiza}}&q=Space+Needle,Seattle+WA
""",
)
T(
    "url",
    "sentry dsn alone",
    r"""
    SENTRY_DSN={{N:dsn}}
""",
)
T(
    "url",
    "posthog decide url",
    r"""
    https://us.i.posthog.com/decide/?v=3&ip=1&_={{N:epoch}}{{N:digits:3}}&ver={{N:ver}}&compression=base64&token={{N:phc}}
""",
)
T(
    "url",
    "next image optimizer url",
    r"""
    https://{{N:product}}.com/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fhero.{{N:asset}}.jpg&w=1920&q=75
""",
)
T(
    "url",
    "cdn asset urls with hashes",
    r"""
    https://cdn.{{N:product}}.com/assets/index-{{N:b64u:8}}.js
    https://cdn.{{N:product}}.com/assets/index-{{N:b64u:8}}.css
    https://cdn.{{N:product}}.com/_astro/hero.{{N:b64u:8}}_Z{{N:b64u:7}}.webp
""",
)
T(
    "url",
    "expo dev client url",
    r"""
    exp+{{N:product}}://expo-development-client/?url=http%3A%2F%2F192.168.1.{{N:int:2-250}}%3A8081
""",
)
T(
    "url",
    "stripe checkout success redirect",
    r"""
    https://{{N:product}}.com/checkout/success?session_id={CHECKOUT_SESSION_ID}
""",
)
T(
    "url",
    "algolia search request url",
    r"""
    https://{{N:algolia_app}}-dsn.algolia.net/1/indexes/*/queries?x-algolia-agent=Algolia%20for%20JavaScript%20(4.24.0)%3B%20Browser&x-algolia-api-key={{N:hex:32}}&x-algolia-application-id={{N:algolia_app}}
""",
)
T(
    "url",
    "universal link without token",
    r"""
    https://{{N:product}}.app/invite/{{N:lowernum:8}}?utm_source=ios&utm_medium=share&ref={{N:lowernum:6}}
""",
)
T(
    "url",
    "git remote plain",
    r"""
    origin	git@github.com:{{N:product}}/web.git (fetch)
    origin	git@github.com:{{N:product}}/web.git (push)
    upstream	https://github.com/vercel/commerce.git (fetch)
""",
)
T(
    "url",
    "oauth callback with error",
    r"""
    https://{{N:product}}.com/api/auth/callback/github?error=access_denied&error_description=The+user+has+denied+your+application+access.&state={{N:b64u:43}}
""",
)
T(
    "url",
    "redis url local",
    r"""
    REDIS_URL=redis://localhost:6379/0
    KV_URL=redis://default:${KV_PASSWORD}@localhost:6379
""",
)
T(
    "url",
    "npm tarball url",
    r"""
    https://registry.npmjs.org/@supabase/supabase-js/-/supabase-js-{{N:ver}}.tgz#{{N:sha1}}
""",
)
T(
    "url",
    "turnstile and recaptcha script urls",
    r"""
    https://challenges.cloudflare.com/turnstile/v0/api.js?onload=onloadTurnstileCallback&render={{N:turnstile_site}}
    https://www.google.com/recaptcha/api.js?render={{N:recaptcha}}
""",
)


# === json: service accounts, HAR, storage state, API bodies, logs ====================================

T(
    "json",
    "firebase admin service account file",
    r"""
    {
      "type": "service_account",
      "project_id": "{{N:product}}-prod",
      "private_key_id": "{{N:hex:40}}",
      "private_key": "{{S:pem_rsa_j}}",
      "client_email": "firebase-adminsdk-{{N:lowernum:5}}@{{N:product}}-prod.iam.gserviceaccount.com",
      "client_id": "{{N:digits:21}}",
      "auth_uri": "https://accounts.google.com/o/oauth2/auth",
      "token_uri": "https://oauth2.googleapis.com/token",
      "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
      "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/firebase-adminsdk-{{N:lowernum:5}}%40{{N:product}}-prod.iam.gserviceaccount.com",
      "universe_domain": "googleapis.com"
    }
""",
)
T(
    "json",
    "playwright storageState.json",
    r"""
    {
      "cookies": [
        {
          "name": "sb-{{N:ref}}-auth-token",
          "value": "{{S:sb_cookie}}",
          "domain": "localhost",
          "path": "/",
          "expires": {{N:epoch}}.{{N:digits:6}},
          "httpOnly": false,
          "secure": false,
          "sameSite": "Lax"
        }
      ],
      "origins": []
    }
""",
)
T(
    "json",
    "playwright storageState with localStorage token",
    r"""
    {
      "cookies": [
        { "name": "__session", "value": "{{S:hs_jwt}}", "domain": "staging.{{N:product}}.com", "path": "/", "expires": -1, "httpOnly": true, "secure": true, "sameSite": "Lax" },
        { "name": "theme", "value": "dark", "domain": "staging.{{N:product}}.com", "path": "/", "expires": -1, "httpOnly": false, "secure": false, "sameSite": "Lax" }
      ],
      "origins": [
        {
          "origin": "https://staging.{{N:product}}.com",
          "localStorage": [
            { "name": "refresh_token", "value": "{{S:b64u:64}}" },
            { "name": "onboarding_done", "value": "true" }
          ]
        }
      ]
    }
""",
)
T(
    "json",
    "cypress.env.json",
    r"""
    {
      "baseUrl": "https://staging.{{N:product}}.com",
      "TEST_USER_EMAIL": "qa+e2e@{{N:product}}.com",
      "TEST_USER_PASSWORD": "{{S:hpw}}",
      "STRIPE_TEST_SECRET": "{{S:stripe_sk:test}}"
    }
""",
)
T(
    "json",
    "HAR entry with authorization header",
    r"""
    {
      "startedDateTime": "{{N:ts}}",
      "time": {{N:ms}}.{{N:digits:3}},
      "request": {
        "method": "GET",
        "url": "https://api.{{N:product}}.com/v2/me",
        "httpVersion": "http/2.0",
        "headers": [
          { "name": ":authority", "value": "api.{{N:product}}.com" },
          { "name": "authorization", "value": "Bearer {{S:access_jwt}}" },
          { "name": "accept", "value": "application/json" }
        ],
        "queryString": [],
        "cookies": [],
        "headersSize": -1,
        "bodySize": 0
      },
      "response": { "status": 200, "statusText": "", "httpVersion": "http/2.0", "headers": [{ "name": "x-request-id", "value": "{{N:uuid}}" }], "content": { "size": {{N:int:100-9000}}, "mimeType": "application/json" } }
    }
""",
)
T(
    "json",
    "HAR entry with session cookie",
    r"""
    {
      "request": {
        "method": "POST",
        "url": "https://{{N:product}}.com/api/trpc/cart.add?batch=1",
        "cookies": [
          { "name": "__Secure-next-auth.session-token", "value": "{{S:next_jwe}}", "path": "/", "domain": "{{N:product}}.com", "httpOnly": true, "secure": true },
          { "name": "__Host-next-auth.csrf-token", "value": "{{N:csrf}}%7C{{N:csrf}}", "path": "/", "httpOnly": true, "secure": true }
        ],
        "postData": { "mimeType": "application/json", "text": "{\"0\":{\"json\":{\"sku\":\"{{N:upnum:8}}\",\"qty\":1}}}" }
      }
    }
""",
)
T(
    "json",
    "HAR response with login tokens",
    r"""
    {
      "response": {
        "status": 200,
        "content": {
          "size": {{N:int:300-900}},
          "mimeType": "application/json",
          "text": "{\"access_token\":\"{{S:supa_access}}\",\"token_type\":\"bearer\",\"expires_in\":3600,\"refresh_token\":\"{{S:lowernum:12}}\",\"user\":{\"id\":\"{{N:uuid}}\",\"email\":\"{{N:email}}\"}}"
        },
        "headers": [{ "name": "content-type", "value": "application/json" }, { "name": "sb-gateway-version", "value": "1" }]
      }
    }
""",
)
T(
    "json",
    "HAR request with login password body",
    r"""
    {
      "request": {
        "method": "POST",
        "url": "https://{{N:product}}.com/api/auth/callback/credentials",
        "postData": {
          "mimeType": "application/x-www-form-urlencoded",
          "params": [
            { "name": "email", "value": "{{N:name}}%40{{N:product}}.com" },
            { "name": "password", "value": "{{S:pwu}}" },
            { "name": "csrfToken", "value": "{{N:csrf}}" },
            { "name": "callbackUrl", "value": "%2Fdashboard" }
          ]
        }
      }
    }
""",
)
T(
    "json",
    "devtools set-cookie response headers",
    r"""
    {
      "responseHeaders": {
        "cache-control": "private, no-cache, no-store, max-age=0, must-revalidate",
        "set-cookie": "connect.sid={{S:connect_sid}}; Path=/; Expires={{N:date}}; HttpOnly; Secure; SameSite=Lax",
        "x-powered-by": "Express",
        "etag": "W/\"{{N:hex:2}}-{{N:b64u:27}}\""
      }
    }
""",
)
T(
    "json",
    "supabase auth token response",
    r"""
    {
      "access_token": "{{S:supa_access}}",
      "token_type": "bearer",
      "expires_in": 3600,
      "expires_at": {{N:epoch}},
      "refresh_token": "{{S:lowernum:12}}",
      "user": {
        "id": "{{N:uuid}}",
        "aud": "authenticated",
        "role": "authenticated",
        "email": "{{N:email}}",
        "app_metadata": { "provider": "email", "providers": ["email"] }
      }
    }
""",
)
T(
    "json",
    "auth0 token response",
    r"""
    {
      "access_token": "{{S:access_jwt}}",
      "refresh_token": "v1.{{S:b64u:120}}",
      "id_token": "{{S:access_jwt}}",
      "scope": "openid profile email offline_access",
      "expires_in": 86400,
      "token_type": "Bearer"
    }
""",
)
T(
    "json",
    "google oauth token response",
    r"""
    {
      "access_token": "{{S:ya29}}",
      "expires_in": 3599,
      "refresh_token": "{{S:g_refresh}}",
      "scope": "https://www.googleapis.com/auth/userinfo.email openid",
      "token_type": "Bearer"
    }
""",
)
T(
    "json",
    "stripe webhook endpoint create response",
    r"""
    {
      "id": "we_1{{N:alnum:23}}",
      "object": "webhook_endpoint",
      "api_version": "2024-06-20",
      "enabled_events": ["checkout.session.completed", "customer.subscription.updated"],
      "livemode": true,
      "secret": "{{S:whsec}}",
      "status": "enabled",
      "url": "https://{{N:product}}.com/api/webhooks/stripe"
    }
""",
)
T(
    "json",
    "stripe restricted key api response",
    r"""
    {
      "id": "rak_{{N:alnum:24}}",
      "object": "api_key",
      "name": "zapier-readonly",
      "secret": "{{S:stripe_rk}}",
      "created": {{N:epoch}},
      "livemode": true
    }
""",
)
T(
    "json",
    "clerk webhook payload with session token",
    r"""
    {
      "data": {
        "id": "sess_{{N:alnum:27}}",
        "object": "session",
        "status": "active",
        "user_id": "user_{{N:alnum:27}}",
        "last_active_token": { "jwt": "{{S:access_jwt}}", "object": "token" }
      },
      "object": "event",
      "type": "session.created"
    }
""",
)
T(
    "json",
    "firebase functions config json",
    r"""
    {
      "stripe": { "secret_key": "{{S:stripe_sk}}", "publishable_key": "{{N:stripe_pk}}" },
      "mailchimp": { "api_key": "{{S:hex:32}}-us{{N:int:1-21}}" },
      "app": { "env": "production" }
    }
""",
)
T(
    "json",
    "runtimeconfig.json firebase emulators",
    r"""
    {
      "openai": { "key": "{{S:openai}}" },
      "algolia": { "app_id": "{{N:algolia_app}}", "admin_key": "{{S:algolia_admin}}", "search_key": "{{N:hex:32}}" }
    }
""",
)
T(
    "json",
    "vscode launch.json with env",
    r"""
    {
      "version": "0.2.0",
      "configurations": [
        {
          "name": "Next.js: debug server-side",
          "type": "node-terminal",
          "request": "launch",
          "command": "npm run dev",
          "env": {
            "DATABASE_URL": "postgresql://app:{{S:hpw}}@localhost:5432/app",
            "STRIPE_SECRET_KEY": "{{S:stripe_sk:test}}"
          }
        }
      ]
    }
""",
)
T(
    "json",
    "mcp settings with supabase token",
    r"""
    {
      "mcpServers": {
        "supabase": {
          "command": "npx",
          "args": ["-y", "@supabase/mcp-server-supabase@latest", "--read-only", "--project-ref={{N:ref}}"],
          "env": { "SUPABASE_ACCESS_TOKEN": "{{S:sbp}}" }
        },
        "vercel": { "url": "https://mcp.vercel.com", "headers": { "Authorization": "Bearer {{S:vcp}}" } }
      }
    }
""",
)
T(
    "json",
    "eas.json submit with asc api key inline",
    r"""
    {
      "submit": {
        "production": {
          "ios": {
            "ascApiKeyId": "{{N:ascid}}",
            "ascApiKeyIssuerId": "{{N:uuid}}",
            "ascApiKeyPath": "./AuthKey.p8",
            "appleId": "{{N:email}}",
            "appSpecificPassword": "{{S:asp}}"
          },
          "android": { "serviceAccountKeyPath": "./play-service-account.json", "track": "internal" }
        }
      }
    }
""",
)
T(
    "json",
    "contentful management token create response",
    r"""
    {
      "name": "ci-migrations",
      "scopes": ["content_management_manage"],
      "sys": { "type": "PersonalAccessToken", "id": "{{N:b64u:22}}", "createdAt": "{{N:ts}}" },
      "token": "{{S:cfpat}}"
    }
""",
)
T(
    "json",
    "vercel api token create response",
    r"""
    {
      "token": { "id": "{{N:alnum:24}}", "name": "github-actions", "type": "oauth2-token", "origin": "manual", "scopes": [{ "type": "team", "teamId": "{{N:vercel_team}}" }], "createdAt": {{N:epoch}}000 },
      "bearerToken": "{{S:vercel_tok}}"
    }
""",
)
T(
    "json",
    "netlify user tokens api",
    r"""
    {"id":"{{N:hex:24}}","full_name":"{{N:name}}","email":"{{N:email}}","access_token":"{{S:nfp}}","created_at":"{{N:ts}}"}
""",
)
T(
    "json",
    "expo robot token create response",
    r"""
    {"data":{"accessToken":{"create":{"token":"{{S:expo_tok}}","accessToken":{"id":"{{N:uuid}}","note":"github-actions","owner":{"username":"{{N:product}}-ci"}}}}}}
""",
)
T(
    "json",
    "supabase management api keys",
    r"""
    [
      {"name":"anon","api_key":"{{N:supa_anon}}","id":"anon","type":"legacy"},
      {"name":"service_role","api_key":"{{S:supa_sr}}","id":"service_role","type":"legacy"},
      {"name":"default","api_key":"{{N:sb_pub}}","id":"{{N:uuid}}","type":"publishable"},
      {"name":"default","api_key":"{{S:sb_secret}}","id":"{{N:uuid}}","type":"secret"}
    ]
""",
)
T(
    "json",
    "app store connect auth key json for ci",
    r"""
    {
      "key_id": "{{N:ascid}}",
      "issuer_id": "{{N:uuid}}",
      "key": "{{S:pem_p8_j}}",
      "duration": 1200,
      "in_house": false
    }
""",
)
T(
    "json",
    "private jwk set",
    r"""
    {"keys":[{{S:jwk_priv}}]}
""",
)
T(
    "json",
    "RSA private JWK with d",
    r"""
    {
      "kty": "RSA",
      "kid": "{{N:b64u:22}}",
      "use": "sig",
      "alg": "RS256",
      "n": "{{N:jwk_n}}",
      "e": "AQAB",
      "d": "{{S:jwk_d:rsa}}",
      "p": "{{S:jwk_d}}{{S:jwk_d}}",
      "q": "{{S:jwk_d}}{{S:jwk_d}}"
    }
""".replace('"{{S:jwk_d}}{{S:jwk_d}}"', '"{{S:b64u:171}}"'),
)
T(
    "json",
    "pino log with request headers",
    r"""
    {"level":30,"time":{{N:epoch}}{{N:digits:3}},"pid":{{N:int:10-9999}},"hostname":"web-{{N:lowernum:10}}-{{N:lowernum:5}}","req":{"id":{{N:int:1-9999}},"method":"POST","url":"/api/orders","headers":{"host":"api.{{N:product}}.com","authorization":"Bearer {{S:hs_jwt}}","content-type":"application/json"}},"msg":"incoming request"}
""",
)
T(
    "json",
    "vercel log drain entry with env leak",
    r"""
    {"id":"{{N:b64u:20}}","message":"Error: upstream 401 using key {{S:resend}}","timestamp":{{N:epoch}}000,"type":"stderr","source":"lambda","projectId":"{{N:vercel_prj}}","deploymentId":"{{N:vercel_dpl}}","host":"{{N:product}}.com","path":"/api/email","statusCode":500,"requestId":"{{N:reqid}}"}
""",
)
T(
    "json",
    "cloudflare worker tail json",
    r"""
    {"outcome":"ok","scriptName":"{{N:product}}-api","exceptions":[],"logs":[{"message":["upstream headers",{"x-api-key":"{{S:b64u:40}}"}],"level":"log","timestamp":{{N:epoch}}000}],"eventTimestamp":{{N:epoch}}000,"event":{"request":{"url":"https://api.{{N:product}}.com/sync","method":"POST","headers":{"cf-ray":"{{N:cfray}}"}}}}
""",
)
T(
    "json",
    "sentry event with leaked header",
    r"""
    {
      "event_id": "{{N:hex:32}}",
      "platform": "javascript",
      "request": {
        "url": "https://{{N:product}}.com/api/admin/export",
        "headers": { "Cookie": "sb-access-token={{S:supa_access}}", "User-Agent": "Mozilla/5.0" }
      },
      "release": "web@{{N:gitsha}}",
      "environment": "production"
    }
""",
)
T(
    "json",
    "localStorage export json",
    r"""
    {
      "persist:root": "{\"auth\":\"{\\\"token\\\":\\\"{{S:hs_jwt}}\\\",\\\"userId\\\":\\\"{{N:uuid}}\\\"}\",\"_persist\":\"{\\\"version\\\":-1,\\\"rehydrated\\\":true}\"}",
      "i18nextLng": "en",
      "ph_{{N:phc}}_posthog": "{\"distinct_id\":\"{{N:uuid}}\"}"
    }
""",
)
T(
    "json",
    "react native async storage dump",
    r"""
    {
      "@auth/session": "{\"accessToken\":\"{{S:access_jwt}}\",\"refreshToken\":\"{{S:b64u:48}}\",\"expiresAt\":{{N:epoch}}}",
      "@settings/theme": "\"system\"",
      "@onboarding/completed": "true"
    }
""",
)
T(
    "json",
    "package.json publishConfig with token in script",
    r"""
    {
      "name": "@{{N:product}}/design-system",
      "version": "{{N:ver}}",
      "publishConfig": { "registry": "https://npm.pkg.github.com" },
      "scripts": {
        "release": "NODE_AUTH_TOKEN={{S:ghp}} changeset publish"
      }
    }
""",
)
T(
    "json",
    "strapi api token create response",
    r"""
    {"data":{"id":{{N:int:1-40}},"name":"nextjs-build","description":"","type":"read-only","accessKey":"{{S:strapi}}","createdAt":"{{N:ts}}","lifespan":null}}
""",
)
T(
    "json",
    "shopify oauth access token response",
    r"""
    {"access_token":"{{S:shpat:ca}}","scope":"write_products,read_orders","expires_in":86399,"associated_user_scope":"write_products","associated_user":{"id":{{N:digits:11}},"email":"{{N:email}}","account_owner":true}}
""",
)
T(
    "json",
    "sanity token response",
    r"""
    {"id":"{{N:alnum:10}}","key":"{{S:sanity}}","roles":[{"name":"editor","title":"Editor"}],"label":"preview-deploys","projectUserId":"p{{N:alnum:8}}"}
""",
)
T(
    "json",
    "chromatic config json",
    r"""
    {
      "$schema": "https://www.chromatic.com/config-file.schema.json",
      "projectId": "Project:{{N:hex:24}}",
      "projectToken": "{{S:chpt}}",
      "onlyChanged": true,
      "zip": true
    }
""",
)
T(
    "json",
    "turso api response with token",
    r"""
    {"jwt":"{{S:turso}}"}
""",
)
T(
    "json",
    "neon api create role response",
    r"""
    {"role":{"branch_id":"br-{{N:lower:5}}-{{N:lower:5}}-{{N:lowernum:8}}","name":"web_app","password":"{{S:neon_pw}}","protected":false,"created_at":"{{N:ts}}"},"operations":[{"id":"{{N:uuid}}","action":"apply_config","status":"running"}]}
""",
)
T(
    "json",
    "agent-written .env as json tool input",
    r"""
    {"file_path":"/Users/{{N:name}}/code/{{N:product}}/.env.local","content":"NEXT_PUBLIC_CONVEX_URL=https://{{N:word}}-{{N:word}}-{{N:int:100-999}}.convex.cloud\nCLERK_SECRET_KEY={{S:clerk_sk}}\nCLERK_JWT_ISSUER_DOMAIN=https://{{N:word}}-{{N:word}}-{{N:int:10-99}}.clerk.accounts.dev\n"}
""",
)
T(
    "json",
    "next-auth session api with access token",
    r"""
    {"user":{"name":"{{N:name}}","email":"{{N:email}}","image":"https://avatars.githubusercontent.com/u/{{N:digits:8}}?v=4"},"expires":"{{N:ts}}","accessToken":"{{S:gho}}"}
""",
)
T(
    "json",
    "amplitude and mixpanel server config",
    r"""
    {
      "amplitude": { "apiKey": "{{N:hex:32}}", "secretKey": "{{S:hex:32}}" },
      "mixpanel": { "projectToken": "{{N:hex:32}}", "apiSecret": "{{S:hex:32}}", "serviceAccount": { "username": "ci.{{N:lowernum:6}}.mp-service-account", "secret": "{{S:alnum:32}}" } }
    }
""",
)
T(
    "json",
    "segment source settings with server write key",
    r"""
    {"source":{"name":"api-server","slug":"api-server","writeKeys":["{{S:alnum:32}}"],"metadata":{"name":"Node.js","slug":"node"}},"note":"server-side source: the write key allows sending events on behalf of any user"}
""",
)
T(
    "json",
    "datadog api key in synthetic config",
    r"""
    {"config":{"request":{"method":"GET","url":"https://{{N:product}}.com/api/health","headers":{"DD-API-KEY":"{{S:dd_api}}","DD-APPLICATION-KEY":"{{S:dd_app}}"}}},"locations":["aws:eu-central-1"],"name":"health"}
""",
)

# === json: negatives ==============================================================================

T(
    "json",
    "firebase web config json",
    r"""
    {
      "apiKey": "{{N:aiza}}",
      "authDomain": "{{N:product}}-prod.firebaseapp.com",
      "projectId": "{{N:product}}-prod",
      "storageBucket": "{{N:product}}-prod.appspot.com",
      "messagingSenderId": "{{N:digits:12}}",
      "appId": "{{N:fb_appid:web}}",
      "measurementId": "{{N:ga}}"
    }
""",
)
T(
    "json",
    "HAR entry with csp nonce and etag",
    r"""
    {
      "response": {
        "status": 200,
        "headers": [
          { "name": "content-security-policy", "value": "default-src 'self'; script-src 'self' 'nonce-{{N:nonce}}' 'strict-dynamic' https:; object-src 'none'; base-uri 'self'" },
          { "name": "etag", "value": "\"{{N:b64u:20}}\"" },
          { "name": "x-vercel-id", "value": "{{N:reqid}}" },
          { "name": "x-vercel-cache", "value": "HIT" }
        ]
      }
    }
""",
)
T(
    "json",
    "HAR entry with only public request data",
    r"""
    {
      "request": {
        "method": "GET",
        "url": "https://js.stripe.com/v3/fingerprinted/js/m-outer-{{N:hex:32}}.js",
        "headers": [{ "name": "referer", "value": "https://{{N:product}}.com/" }, { "name": "sec-fetch-mode", "value": "no-cors" }]
      },
      "response": { "status": 200, "headers": [{ "name": "cache-control", "value": "max-age=31536000, immutable" }], "content": { "size": {{N:int:1000-90000}}, "mimeType": "application/javascript" } },
      "timings": { "blocked": {{N:int:1-9}}.{{N:digits:3}}, "dns": -1, "connect": -1, "send": 0.{{N:digits:3}}, "wait": {{N:ms}}.{{N:digits:3}}, "receive": {{N:int:1-9}}.{{N:digits:3}} }
    }
""",
)
T(
    "json",
    "storageState with only non-auth data",
    r"""
    {
      "cookies": [
        { "name": "NEXT_LOCALE", "value": "en", "domain": "localhost", "path": "/", "expires": -1, "httpOnly": false, "secure": false, "sameSite": "Lax" },
        { "name": "cookie_consent", "value": "analytics", "domain": "localhost", "path": "/", "expires": {{N:epoch}}, "httpOnly": false, "secure": false, "sameSite": "Lax" }
      ],
      "origins": [{ "origin": "http://localhost:3000", "localStorage": [{ "name": "theme", "value": "dark" }, { "name": "tour_step", "value": "3" }] }]
    }
""",
)
T(
    "json",
    "stripe payment intent object",
    r"""
    {
      "id": "{{N:stripe_id}}",
      "object": "payment_intent",
      "amount": {{N:int:100-99999}},
      "currency": "eur",
      "customer": "cus_{{N:alnum:14}}",
      "latest_charge": "ch_3{{N:alnum:23}}",
      "payment_method": "pm_1{{N:alnum:23}}",
      "status": "succeeded",
      "livemode": true
    }
""",
)
T(
    "json",
    "stripe webhook event with masked secret",
    r"""
    {
      "id": "we_1{{N:alnum:23}}",
      "object": "webhook_endpoint",
      "url": "https://{{N:product}}.com/api/webhooks/stripe",
      "status": "enabled",
      "secret": "whsec_••••••••••••••••",
      "livemode": true
    }
""",
)
T(
    "json",
    "supabase anon key only config",
    r"""
    {
      "supabaseUrl": "https://{{N:ref}}.supabase.co",
      "supabaseAnonKey": "{{N:supa_anon}}",
      "storageKey": "sb-{{N:ref}}-auth-token",
      "flowType": "pkce"
    }
""",
)
T(
    "json",
    "jwks response",
    r"""
    {"keys":[{"alg":"RS256","kty":"RSA","use":"sig","n":"{{N:jwk_n}}","e":"AQAB","kid":"{{N:b64u:22}}","x5t":"{{N:b64u:27}}","x5c":["{{N:b64:600}}"]},{"kty":"EC","crv":"P-256","kid":"{{N:b64u:16}}","x":"{{N:b64u:43}}","y":"{{N:b64u:43}}","alg":"ES256","use":"sig"}]}
""",
)
T(
    "json",
    "openid configuration",
    r"""
    {
      "issuer": "https://{{N:product}}.eu.auth0.com/",
      "authorization_endpoint": "https://{{N:product}}.eu.auth0.com/authorize",
      "token_endpoint": "https://{{N:product}}.eu.auth0.com/oauth/token",
      "jwks_uri": "https://{{N:product}}.eu.auth0.com/.well-known/jwks.json",
      "response_types_supported": ["code", "token", "id_token", "code token", "code id_token", "token id_token"],
      "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"]
    }
""",
)
T(
    "json",
    "package.json of a next app",
    r"""
    {
      "name": "{{N:product}}-web",
      "version": "0.1.0",
      "private": true,
      "scripts": { "dev": "next dev", "build": "next build", "start": "next start", "lint": "next lint" },
      "dependencies": { "next": "{{N:ver}}", "react": "{{N:ver}}", "next-auth": "5.0.0-beta.{{N:int:10-30}}", "@stripe/stripe-js": "^{{N:ver}}" },
      "packageManager": "pnpm@{{N:ver}}+sha512.{{N:hex:128}}"
    }
""",
)
T(
    "json",
    "npm view output",
    r"""
    {
      "name": "@supabase/supabase-js",
      "dist-tags": { "latest": "{{N:ver}}", "next": "{{N:ver}}-next.{{N:int:1-9}}" },
      "dist": {
        "shasum": "{{N:sha1}}",
        "integrity": "{{N:integrity}}",
        "tarball": "https://registry.npmjs.org/@supabase/supabase-js/-/supabase-js-{{N:ver}}.tgz",
        "signatures": [{ "keyid": "SHA256:{{N:b64:32}}", "sig": "{{N:b64:70}}" }]
      }
    }
""",
)
T(
    "json",
    "webpack stats excerpt",
    r"""
    {"hash":"{{N:hex:20}}","version":"5.{{N:int:80-95}}.0","time":{{N:int:1000-90000}},"assetsByChunkName":{"main":["static/js/main.{{N:asset}}.js","static/css/main.{{N:asset}}.css"]},"assets":[{"name":"static/js/main.{{N:asset}}.js","size":{{N:int:100000-900000}},"info":{"contenthash":"{{N:hex:20}}","immutable":true}}]}
""",
)
T(
    "json",
    "next build manifest",
    r"""
    {"polyfillFiles":["static/chunks/polyfills-{{N:hex:16}}.js"],"devFiles":[],"lowPriorityFiles":["static/{{N:b64u:21}}/_buildManifest.js","static/{{N:b64u:21}}/_ssgManifest.js"],"rootMainFiles":["static/chunks/webpack-{{N:hex:16}}.js","static/chunks/fd9d1056-{{N:hex:16}}.js","static/chunks/main-app-{{N:hex:16}}.js"],"pages":{"/_app":[]}}
""",
)
T(
    "json",
    "vite manifest",
    r"""
    {
      "index.html": { "file": "assets/index-{{N:b64u:8}}.js", "src": "index.html", "isEntry": true, "css": ["assets/index-{{N:b64u:8}}.css"] },
      "src/pages/Checkout.tsx": { "file": "assets/Checkout-{{N:b64u:8}}.js", "isDynamicEntry": true, "imports": ["index.html"] }
    }
""",
)
T(
    "json",
    "source map with sources and names",
    r"""
    {"version":3,"sources":["../../src/lib/auth.ts","../../src/lib/env.ts"],"sourcesContent":["export const getToken = () => localStorage.getItem('access_token')\n","export const API_URL = import.meta.env.VITE_API_URL\n"],"names":["getToken","localStorage","getItem","API_URL"],"mappings":"AAAO,MAAMA,EAAW,IAAMC,aAAaC,QAAQ,cAAc;ACA1D,OAAO,MAAMC,EAAU"}
""",
)
T(
    "json",
    "apollo persisted query hashes",
    r"""
    {"operationName":"ViewerQuery","variables":{"first":20},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"{{N:sha256}}"}}}
""",
)
T(
    "json",
    "sentry event with scrubbed data",
    r"""
    {
      "event_id": "{{N:hex:32}}",
      "request": { "url": "https://{{N:product}}.com/api/login", "headers": { "Authorization": "[Filtered]", "Cookie": "[Filtered]" }, "data": { "email": "{{N:email}}", "password": "[Filtered]" } },
      "sdk": { "name": "sentry.javascript.nextjs", "version": "{{N:ver}}" },
      "contexts": { "trace": { "trace_id": "{{N:hex:32}}", "span_id": "{{N:hex:16}}" } }
    }
""",
)
T(
    "json",
    "pino log with redacted auth",
    r"""
    {"level":30,"time":{{N:epoch}}{{N:digits:3}},"req":{"method":"GET","url":"/api/me","headers":{"authorization":"[Redacted]","cookie":"[Redacted]"}},"res":{"statusCode":200},"responseTime":{{N:ms}},"msg":"request completed","reqId":"{{N:uuid}}"}
""",
)
T(
    "json",
    "app store connect api key list response",
    r"""
    {"data":[{"type":"apiKeys","id":"{{N:ascid}}","attributes":{"nickname":"CI","roles":["APP_MANAGER"],"allAppsVisible":true,"isActive":true,"lastUsed":"{{N:ts}}","canDownload":false}}],"links":{"self":"https://api.appstoreconnect.apple.com/v1/apiKeys"}}
""",
)
T(
    "json",
    "launchdarkly flag evaluation payload",
    r"""
    {"new-checkout":{"value":true,"variation":0,"version":{{N:int:1-200}},"trackEvents":false},"search-v2":{"value":"control","variation":1,"version":{{N:int:1-200}}},"$flagsState":{},"$valid":true,"clientSideID":"{{N:ld_client}}"}
""",
)
T(
    "json",
    "statsig initialize response",
    r"""
    {"feature_gates":{"{{N:b64:32}}":{"name":"{{N:b64:32}}","value":true,"rule_id":"{{N:alnum:22}}","secondary_exposures":[]}},"dynamic_configs":{},"layer_configs":{},"has_updates":true,"time":{{N:epoch}}000,"hash_used":"djb2","sdkKey":"{{N:statsig_client}}"}
""",
)
T(
    "json",
    "algolia public search config",
    r"""
    {"appId":"{{N:algolia_app}}","searchApiKey":"{{N:hex:32}}","indexName":"docs","contextualSearch":true,"searchParameters":{"facetFilters":["language:en"]}}
""",
)
T(
    "json",
    "posthog capture batch",
    r"""
    {"api_key":"{{N:phc}}","batch":[{"event":"$pageview","properties":{"$current_url":"https://{{N:product}}.com/pricing","$session_id":"{{N:uuid}}","$window_id":"{{N:uuid}}","distinct_id":"{{N:uuid}}","$lib":"web","$lib_version":"{{N:ver}}"},"timestamp":"{{N:ts}}"}],"sent_at":"{{N:ts}}"}
""",
)
T(
    "json",
    "revenuecat customer info",
    r"""
    {"request_date":"{{N:ts}}","subscriber":{"original_app_user_id":"$RCAnonymousID:{{N:hex:32}}","entitlements":{"pro":{"expires_date":"{{N:ts}}","product_identifier":"pro_monthly","purchase_date":"{{N:ts}}"}},"management_url":"https://apps.apple.com/account/subscriptions"}}
""",
)
T(
    "json",
    "expo push receipt",
    r"""
    {"data":{"{{N:uuid}}":{"status":"ok"},"{{N:uuid}}":{"status":"error","message":"\"ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]\" is not a registered push notification recipient","details":{"error":"DeviceNotRegistered"}}}}
""",
)
T(
    "json",
    "csrf endpoint response",
    r"""
    {"csrfToken":"{{N:csrf}}"}
""",
)
T(
    "json",
    "google-services oauth clients list",
    r"""
    {"oauth_client":[{"client_id":"{{N:gclient}}","client_type":1,"android_info":{"package_name":"{{N:bundle}}","certificate_hash":"{{N:sha1}}"}},{"client_id":"{{N:gclient}}","client_type":3}]}
""",
)
T(
    "json",
    "tsconfig paths",
    r"""
    {
      "compilerOptions": {
        "target": "ES2022",
        "lib": ["dom", "dom.iterable", "esnext"],
        "strict": true,
        "moduleResolution": "bundler",
        "paths": { "@/*": ["./src/*"], "@secrets/*": ["./src/server/secrets/*"] }
      },
      "include": ["next-env.d.ts", "**/*.ts", "**/*.tsx"]
    }
""",
)
T(
    "json",
    "eslint output with secret-sounding rule",
    r"""
    [{"filePath":"/app/src/lib/stripe.ts","messages":[{"ruleId":"no-restricted-syntax","severity":2,"message":"Do not hard-code Stripe secret keys; read process.env.STRIPE_SECRET_KEY","line":{{N:int:1-90}},"column":{{N:int:1-40}}}],"errorCount":1,"warningCount":0}]
""",
)
T(
    "json",
    "vercel deployment api response",
    r"""
    {"id":"{{N:vercel_dpl}}","url":"web-{{N:lowernum:9}}-{{N:product}}.vercel.app","name":"web","meta":{"githubCommitSha":"{{N:gitsha}}","githubCommitRef":"main","githubCommitMessage":"fix: move stripe secret to env"},"target":"production","readyState":"READY","projectId":"{{N:vercel_prj}}","ownerId":"{{N:vercel_team}}","createdAt":{{N:epoch}}000}
""",
)
T(
    "json",
    "vercel env api response encrypted",
    r"""
    {"envs":[{"type":"encrypted","value":"{{N:b64:120}}","target":["production","preview"],"configurationId":null,"id":"{{N:alnum:16}}","key":"STRIPE_SECRET_KEY","createdAt":{{N:epoch}}000,"decrypted":false},{"type":"plain","value":"{{N:phc}}","target":["production","preview","development"],"id":"{{N:alnum:16}}","key":"NEXT_PUBLIC_POSTHOG_KEY","decrypted":false}]}
""",
)
T(
    "json",
    "github actions workflow run api",
    r"""
    {"id":{{N:digits:10}},"name":"Deploy","head_branch":"main","head_sha":"{{N:gitsha}}","run_number":{{N:int:10-999}},"event":"push","status":"completed","conclusion":"success","workflow_id":{{N:digits:8}},"check_suite_node_id":"CS_kwDO{{N:b64u:20}}","html_url":"https://github.com/{{N:product}}/web/actions/runs/{{N:digits:10}}"}
""",
)
T(
    "json",
    "translation file with secret words",
    r"""
    {
      "settings.apiKeys.title": "API keys",
      "settings.apiKeys.secret": "Secret key",
      "settings.apiKeys.reveal": "Reveal secret",
      "settings.apiKeys.copied": "Copied to clipboard",
      "auth.password.placeholder": "Enter your password",
      "auth.token.invalid": "The access token is invalid or has expired"
    }
""",
)
T(
    "json",
    "example jwt in api docs json",
    r"""
    {"example":{"request":{"headers":{"Authorization":"Bearer {{N:example_jwt}}"}},"response":{"id":"usr_123","email":"jane@example.com"}},"note":"example token; the payload sets example=true"}
""",
)


def main() -> None:
    counts: Counter[tuple[str, bool]] = Counter()
    for context, _kind, text in TEMPLATES:
        counts[(context, "{{S:" in text)] += 1
    for context in CONTEXTS:
        print(
            f"{context:8} {counts[(context, True)]:4d} positive templates, {counts[(context, False)]:4d} negative"
        )
    positives = sum(n for (_, secret), n in counts.items() if secret)
    print(f"{'all':8} {positives:4d} positive templates, {len(TEMPLATES) - positives:4d} negative")
    documents = corpus(137)
    print(
        f"{len(documents)} documents, {sum(len(d.secrets) for d in documents)} planted secrets, {sum(not d.secrets for d in documents)} negatives"
    )


if __name__ == "__main__":
    main()
