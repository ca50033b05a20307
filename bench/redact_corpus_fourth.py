"""A fourth labelled redaction corpus, written blind to the redactor's rules and to the other corpora (issue 15).

Run: ``uv run python bench/redact_corpus_fourth.py`` prints the template and document counts;
``uv run python bench/redact_quality.py --corpus fourth [--kinds K]`` measures the redactor on it.

Each template is a realistic snippet an agent sees (tool output, a file it read, a command it ran, a
message it wrote) in one of six contexts. ``«name»`` marks a secret value and ``‹name›`` a value that
is not one (identifiers, digests, public keys, ciphertext, placeholders); both are generated at run
time from parts, so the file holds no secret-shaped literal. A template with no ``«»`` is a negative:
redaction must leave it unchanged. Every template is instantiated ``copies`` times in its own
context and ``copies`` more times JSON-escaped inside an agent-log line (Claude Code stream-json and
transcript lines, a Codex rollout ``function_call_output`` whose output is itself a JSON string, a
``codex exec --json`` item, an MCP tool result), which count as context ``json``.

Labelling policy: a secret is a value that grants access by itself or with public information
(passwords, API keys and tokens, OAuth client secrets, refresh and access tokens, session cookies,
signed JWTs, private keys, SAS signatures, base64 of user:password, base64 passwords in a Kubernetes
Secret). The secrets of a document are the exact substrings, as they appear in it, that must not
survive redaction. About one template in three (by a stable hash of its text) is ``holdout``.
"""

# ruff: noqa: E501, RUF002, RUF003 - templates read better one to a line; « ‹ mark values
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
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


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
ALNUM = string.ascii_letters + string.digits
LOWNUM = LOWER + DIGITS
UPNUM = UPPER + DIGITS
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"
B32 = UPPER + "234567"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
DASH5 = "-" * 5
PRIV = "PRI" + "VATE"

WORDS = [
    "amber",
    "harbor",
    "falcon",
    "copper",
    "meadow",
    "orbit",
    "tundra",
    "velvet",
    "cobalt",
    "maple",
    "quartz",
    "willow",
    "ember",
    "lagoon",
    "saffron",
    "basalt",
    "juniper",
    "nimbus",
    "pepper",
    "ridge",
    "sierra",
    "tango",
    "walnut",
    "zephyr",
]
MNEMONIC = [
    "abandon",
    "ability",
    "absorb",
    "abstract",
    "acid",
    "acoustic",
    "actor",
    "adapt",
    "admit",
    "adult",
    "advance",
    "aerobic",
    "agent",
    "alarm",
    "album",
    "alley",
    "alpha",
    "anchor",
    "ankle",
    "april",
    "arena",
    "armor",
    "arrow",
    "artist",
    "aspect",
    "audit",
    "august",
    "autumn",
    "avocado",
    "bacon",
    "badge",
    "bamboo",
    "banner",
    "barrel",
    "basket",
    "beach",
    "bench",
    "blossom",
    "border",
    "bounce",
    "bracket",
    "breeze",
    "bridge",
    "bronze",
    "bubble",
    "cabin",
    "cactus",
    "camera",
    "canal",
    "candy",
    "canvas",
    "carbon",
    "carpet",
    "castle",
    "cattle",
    "cereal",
    "chalk",
]
USERS = [
    "deploy",
    "app_rw",
    "svc-ci",
    "jenkins",
    "etl_loader",
    "mlopez",
    "build-bot",
    "reporting",
    "grafana",
    "orders_app",
    "kfarrell",
    "backup",
]
HOSTS = [
    "db-prod-01.internal",
    "pg-main.c9xk2lq0.eu-west-1.rds.amazonaws.com",
    "10.20.3.17",
    "mysql.billing.svc.cluster.local",
    "cluster0.x7q2m.mongodb.net",
    "redis-primary.cache.internal",
    "warehouse.corp.lan",
]
DOMAINS = ["acme-corp.io", "internal.northwind.dev", "example-shop.com", "tailspin.cloud", "contoso-labs.net"]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1"]


class _G:
    """Random values for one document; the same token in a template gets the same value."""

    def __init__(self, rng: random.Random, cache: dict[str, tuple[str, str | None]], indent: str):
        self.rng, self.cache, self.indent = rng, cache, indent

    def r(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choices(alphabet, k=n))

    def an(self, n: int) -> str:
        # starts with a letter, has a digit: what a generated token looks like
        return self.r(string.ascii_letters, 1) + self.r(DIGITS, 1) + self.r(ALNUM, n - 2)

    def hex(self, n: int) -> str:
        return self.r(HEX, n)

    def u(self, n: int) -> str:
        return self.r(URLSAFE, n)

    def b64(self, nbytes: int) -> str:
        return base64.b64encode(self.rng.randbytes(nbytes)).decode()

    def b64url(self, nbytes: int) -> str:
        return base64.urlsafe_b64encode(self.rng.randbytes(nbytes)).rstrip(b"=").decode()

    def pick(self, options: list[str]) -> str:
        return self.rng.choice(options)

    def uuid(self) -> str:
        h = self.hex(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{self.pick(list('89ab'))}{h[17:20]}-{h[20:]}"

    def seen(self, token: str, make: Callable[[], str]) -> str:
        if token not in self.cache:
            value = make()
            self.cache[token] = (value, value if token.startswith("«") else None)
        return self.cache[token][0]

    def password(self) -> str:
        return (
            self.r(string.ascii_letters, 1)
            + self.r(DIGITS, 1)
            + self.r(ALNUM + "-_.!*^~+", self.rng.randint(14, 20))
        )

    def url_password(self) -> str:
        return (
            self.r(string.ascii_letters, 1)
            + self.r(DIGITS, 1)
            + self.r(ALNUM + "-_~", self.rng.randint(14, 22))
        )

    def human_password(self) -> str:
        w1, w2 = self.rng.sample(WORDS, 2)
        return f"{w1.capitalize()}{self.pick(['-', '', '.', '_'])}{w2.capitalize()}{self.r(DIGITS, self.rng.randint(2, 4))}{self.pick(list('!@%&*#?'))}"

    def jwt(self, claims: dict, alg: str = "RS256") -> str:
        header = {"alg": alg, "typ": "JWT"}
        if alg.startswith(("RS", "ES")):
            header["kid"] = self.u(27)

        def enc(part: dict) -> str:
            return (
                base64.urlsafe_b64encode(json.dumps(part, separators=(",", ":")).encode())
                .rstrip(b"=")
                .decode()
            )

        sig = self.b64url(256 if alg.startswith("RS") else 64 if alg.startswith("ES") else 32)
        return f"{enc(header)}.{enc(claims)}.{sig}"

    def claims(self, **extra: object) -> dict:
        iat = self.rng.randint(1_700_000_000, 1_760_000_000)
        return {"sub": self.uuid(), "iat": iat, "exp": iat + 3600, **extra}

    def pem(
        self,
        label: str,
        der_prefix: str,
        nbytes: int,
        width: int = 64,
        escaped: bool = False,
        blank: bool = False,
        tail: str = "",
    ) -> tuple[str, str]:
        body = base64.b64encode(bytes.fromhex(der_prefix) + self.rng.randbytes(nbytes)).decode()
        lines = [body[i : i + width] for i in range(0, len(body), width)]
        if tail:
            lines.append(tail)
        sep = "\\n" if escaped else "\n" + self.indent
        inner = sep.join(lines)
        head = f"{DASH5}BEGIN {label}{DASH5}"
        foot = f"{DASH5}END {label}{DASH5}"
        text = head + (sep if not blank else sep + sep) + inner + sep + foot + ("\\n" if escaped else "")
        return text, inner


def _pem_secret(label: str, prefix: str, nbytes: int, **kw: object) -> Callable[[_G], tuple[str, str]]:
    return lambda g: g.pem(label, prefix, nbytes, **kw)


def _pem_public(label: str, prefix: str, nbytes: int, **kw: object) -> Callable[[_G], str]:
    return lambda g: g.pem(label, prefix, nbytes, **kw)[0]


RSA1 = "308204a40201000282010100"
PKCS8_RSA = "308204bd020100300d06092a864886f70d0101010500048204a7"
EC1 = "30770201010420"
PKCS8_EC = "308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420"
OPENSSH = (
    b"openssh-key-v1\x00".hex()
    + "000000046e6f6e65" * 2
    + "00000000"
    + "00000001"
    + "00000033"
    + "0000000b"
    + b"ssh-ed25519".hex()
    + "00000020"
)
CERT = "3082036b30820253a00302010202"
PUBKEY = "30820122300d06092a864886f70d01010105000382010f003082010a0282010100"


def _ssh_pub(g: _G, algo: str) -> str:
    if algo == "ed25519":
        blob = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + g.rng.randbytes(32)
        return "ssh-ed25519 " + base64.b64encode(blob).decode()
    blob = b"\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x03\x01\x00\x01\x00\x00\x01\x81\x00" + g.rng.randbytes(384)
    return "ssh-rsa " + base64.b64encode(blob).decode()


def _ppk(g: _G) -> tuple[str, str]:
    pub = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + g.rng.randbytes(32)).decode()
    priv = g.b64(36)
    text = f"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-{g.r(DIGITS, 8)}\nPublic-Lines: 2\n{pub[:64]}\n{pub[64:]}\nPrivate-Lines: 1\n{priv}\nPrivate-MAC: {g.hex(64)}"
    return text, priv


def _pgp(g: _G) -> tuple[str, str]:
    return g.pem("PGP " + PRIV + " KEY BLOCK", "9503c604", 880, blank=True, tail="=" + g.b64(3))


def _openvpn(g: _G) -> tuple[str, str]:
    lines = [g.hex(32) for _ in range(16)]
    inner = "\n".join(lines)
    return (
        f"{DASH5}BEGIN OpenVPN Static key V1{DASH5}\n{inner}\n{DASH5}END OpenVPN Static key V1{DASH5}",
        inner,
    )


def _b64_of_pem(g: _G) -> str:
    text, _ = g.pem("RSA " + PRIV + " KEY", RSA1, 1180)
    return base64.b64encode((text + "\n").encode()).decode()


def _b64_of_cert(g: _G) -> str:
    text, _ = g.pem("CERTIFICATE", CERT, 820)
    return base64.b64encode((text + "\n").encode()).decode()


def _basic(g: _G) -> str:
    user = g.seen("‹user›", lambda: g.pick(USERS))
    pw = g.seen("«pw»", g.password)
    return base64.b64encode(f"{user}:{pw}".encode()).decode()


def _pct(g: _G) -> str:
    from urllib.parse import quote

    raw = (
        g.r(string.ascii_letters, 2)
        + g.r(ALNUM, 6)
        + g.pick(["@", "/", "#", "?", "%", ":"])
        + g.r(ALNUM, 5)
        + g.pick(["$", "&", "+", "="])
        + g.r(ALNUM, 4)
    )
    return quote(raw, safe="")


def _sas_sig(g: _G) -> str:
    from urllib.parse import quote

    return quote(g.b64(32), safe="")


def _discord_bot(g: _G) -> str:
    uid = str(g.rng.randint(10**17, 10**18 - 1))
    return base64.b64encode(uid.encode()).decode().rstrip("=") + "." + g.u(6) + "." + g.u(38)


def _sentry_org(g: _G) -> str:
    payload = json.dumps(
        {
            "iat": g.rng.randint(1_700_000_000, 1_760_000_000),
            "url": "https://sentry.io",
            "region_url": "https://us.sentry.io",
            "org": g.pick(WORDS),
        },
        separators=(",", ":"),
    )
    return (
        "sntry" + "s_" + base64.b64encode(payload.encode()).decode().rstrip("=") + "_" + g.b64(32).rstrip("=")
    )


def _elastic_encoded(g: _G) -> str:
    key_id = g.seen("‹es_id›", lambda: g.u(20))
    key = g.seen("«es_key»", lambda: g.u(22))
    return base64.b64encode(f"{key_id}:{key}".encode()).decode()


def _smtp_plain(g: _G) -> str:
    user = g.seen("‹email›", lambda: f"{g.pick(USERS)}@{g.pick(DOMAINS)}")
    return base64.b64encode(f"\0{user}\0{g.password()}".encode()).decode()


def _mnemonic(g: _G) -> str:
    return " ".join(g.rng.sample(MNEMONIC, 12))


SECRETS: dict[str, Callable[[_G], str | tuple[str, str]]] = {
    "pw": lambda g: g.password(),
    "upw": lambda g: g.url_password(),
    "hpw": lambda g: g.human_password(),
    "pct_pw": _pct,
    "b64pw": lambda g: base64.b64encode(g.seen("«pw»", g.password).encode()).decode(),
    "basic": _basic,
    "hex32": lambda g: g.hex(32),
    "hex40": lambda g: g.hex(40),
    "hex64": lambda g: g.hex(64),
    "hex128": lambda g: g.hex(128),
    "an20": lambda g: g.an(20),
    "an24": lambda g: g.an(24),
    "an32": lambda g: g.an(32),
    "an40": lambda g: g.an(40),
    "an64": lambda g: g.an(64),
    "b64_32": lambda g: g.b64(32),
    "b64_48": lambda g: g.b64(48),
    "aws_secret": lambda g: g.r(ALNUM + "/+", 40),
    "aws_session": lambda g: "IQoJb3JpZ2luX2Vj" + g.r(B64, 380) + "==",
    "ghp": lambda g: "gh" + "p_" + g.an(36),
    "gho": lambda g: "gh" + "o_" + g.an(36),
    "ghu": lambda g: "gh" + "u_" + g.an(36),
    "ghs": lambda g: "gh" + "s_" + g.an(36),
    "ghr": lambda g: "gh" + "r_" + g.an(36),
    "github_pat": lambda g: "github_" + "pat_11" + g.r(UPNUM, 20) + "_" + g.an(59),
    "glpat": lambda g: "glp" + "at-" + g.u(20),
    "glrt": lambda g: "glr" + "t-" + g.u(20),
    "gldt": lambda g: "gld" + "t-" + g.u(20),
    "glptt": lambda g: "glpt" + "t-" + g.hex(40),
    "slack_bot": lambda g: "xox" + "b-" + g.r(DIGITS, 11) + "-" + g.r(DIGITS, 13) + "-" + g.an(24),
    "slack_user": lambda g: (
        "xox" + "p-" + g.r(DIGITS, 11) + "-" + g.r(DIGITS, 11) + "-" + g.r(DIGITS, 13) + "-" + g.hex(32)
    ),
    "slack_app": lambda g: "xap" + "p-1-A" + g.r(UPNUM, 10) + "-" + g.r(DIGITS, 13) + "-" + g.hex(64),
    "slack_hook": lambda g: g.an(24),
    "stripe_sk": lambda g: "sk_" + "live_51" + g.an(97),
    "stripe_rk": lambda g: "rk_" + "live_51" + g.an(97),
    "whsec": lambda g: "whs" + "ec_" + g.an(32),
    "google_api": lambda g: "AI" + "za" + g.r(ALNUM + "-_", 35),
    "gocspx": lambda g: "GOC" + "SPX-" + g.u(28),
    "ya29": lambda g: "ya" + "29." + g.u(180),
    "google_refresh": lambda g: "1//0" + g.u(100),
    "openai_proj": lambda g: "sk-" + "proj-" + g.u(74) + "T3Blbk" + "FJ" + g.u(74),
    "openai_legacy": lambda g: "sk-" + g.an(20) + "T3Blbk" + "FJ" + g.an(20),
    "openai_svc": lambda g: "sk-" + "svcacct-" + g.u(74) + "T3Blbk" + "FJ" + g.u(74),
    "anthropic": lambda g: "sk-" + "ant-api03-" + g.u(93) + "AA",
    "anthropic_admin": lambda g: "sk-" + "ant-admin01-" + g.u(93) + "AA",
    "hf": lambda g: "h" + "f_" + g.r(string.ascii_letters, 34),
    "replicate": lambda g: "r8" + "_" + g.an(37),
    "groq": lambda g: "gs" + "k_" + g.an(52),
    "pplx": lambda g: "ppl" + "x-" + g.an(48),
    "xai": lambda g: "xa" + "i-" + g.an(80),
    "openrouter": lambda g: "sk-" + "or-v1-" + g.hex(64),
    "deepseek": lambda g: "sk-" + g.hex(32),
    "elevenlabs": lambda g: "sk" + "_" + g.hex(48),
    "pinecone": lambda g: "pcs" + "k_" + g.an(5) + "_" + g.an(63),
    "npm": lambda g: "np" + "m_" + g.an(36),
    "pypi": lambda g: "py" + "pi-AgEIcHlwaS5vcmc" + g.u(150),
    "rubygems": lambda g: "rubygems" + "_" + g.hex(48),
    "nuget": lambda g: "oy" + "2" + g.r(LOWNUM, 43),
    "dockerhub": lambda g: "dckr" + "_pat_" + g.u(27),
    "cargo": lambda g: "ci" + "o" + g.an(32),
    "twilio_token": lambda g: g.hex(32),
    "sendgrid": lambda g: "S" + "G." + g.u(22) + "." + g.u(43),
    "mailgun": lambda g: "ke" + "y-" + g.hex(32),
    "mailchimp": lambda g: g.hex(32) + "-us" + str(g.rng.randint(2, 21)),
    "shopify": lambda g: "shp" + "at_" + g.hex(32),
    "shopify_ss": lambda g: "shp" + "ss_" + g.hex(32),
    "square": lambda g: "EA" + "AA" + g.u(60),
    "square_secret": lambda g: "sq0" + "csp-" + g.u(43),
    "braintree": lambda g: "access_" + "token$production$" + g.r(LOWNUM, 16) + "$" + g.hex(32),
    "discord_bot": _discord_bot,
    "discord_hook": lambda g: g.u(68),
    "telegram": lambda g: str(g.rng.randint(10**9, 10**10 - 1)) + ":AA" + g.u(33),
    "datadog_api": lambda g: g.hex(32),
    "datadog_app": lambda g: g.hex(40),
    "newrelic_user": lambda g: "NR" + "AK-" + g.r(UPNUM, 27),
    "newrelic_license": lambda g: g.hex(36) + "NR" + "AL",
    "sentry_org": _sentry_org,
    "sentry_user": lambda g: "sntr" + "yu_" + g.hex(64),
    "do_token": lambda g: "do" + "p_v1_" + g.hex(64),
    "linear": lambda g: "lin_" + "api_" + g.an(40),
    "notion": lambda g: "nt" + "n_" + g.r(DIGITS, 11) + g.an(35),
    "airtable": lambda g: "pa" + "t" + g.an(14) + "." + g.hex(64),
    "figma": lambda g: "fig" + "d_" + g.u(40),
    "atlassian": lambda g: "ATAT" + "T3xFfGF0" + g.u(180) + "=" + g.hex(8).upper(),
    "postman": lambda g: "PM" + "AK-" + g.hex(24) + "-" + g.hex(34),
    "netlify": lambda g: "nf" + "p_" + g.an(36),
    "fly": lambda g: "fm" + "2_" + g.b64(120).rstrip("="),
    "cloudflare": lambda g: g.u(40),
    "cloudflare_global": lambda g: g.hex(37),
    "doppler": lambda g: "dp." + "st.prd." + g.an(40),
    "vault": lambda g: "hv" + "s." + g.u(95),
    "tfc": lambda g: g.an(14) + ".atlas" + "v1." + g.an(67),
    "pulumi": lambda g: "pu" + "l-" + g.hex(40),
    "grafana_sa": lambda g: "gl" + "sa_" + g.an(32) + "_" + g.hex(8),
    "grafana_cloud": lambda g: "gl" + "c_" + g.b64(90).rstrip("="),
    "okta": lambda g: "00" + g.u(40),
    "auth0_secret": lambda g: g.u(64),
    "azure_storage": lambda g: g.b64(64),
    "sas_sig": _sas_sig,
    "azure_client_secret": lambda g: g.an(3) + "8Q~" + g.r(ALNUM + "~._-", 34),
    "azure_devops": lambda g: g.r(LOWNUM, 52),
    "alibaba_secret": lambda g: g.an(30),
    "ibm": lambda g: g.u(44),
    "age_secret": lambda g: "AGE-SECRET-" + "KEY-1" + g.r(BECH32.upper(), 58),
    "tailscale": lambda g: "tskey-" + "auth-" + g.an(12) + "CNTRL-" + g.an(34),
    "ngrok": lambda g: "2" + g.an(26) + "_" + g.an(20),
    "mapbox_sk": lambda g: "s" + "k.eyJ1Ijoi" + g.b64url(30) + "." + g.u(22),
    "fcm": lambda g: "AAAA" + g.u(7) + ":APA91b" + g.u(134),
    "contentful": lambda g: "CF" + "PAT-" + g.u(43),
    "sbp": lambda g: "sb" + "p_" + g.hex(40),
    "planetscale": lambda g: "pscale" + "_pw_" + g.u(43),
    "resend": lambda g: "r" + "e_" + g.an(8) + "_" + g.an(24),
    "brevo": lambda g: "xkey" + "sib-" + g.hex(64) + "-" + g.an(16),
    "plaid": lambda g: g.hex(30),
    "shippo": lambda g: "shippo" + "_live_" + g.hex(40),
    "hubspot": lambda g: "pat-" + "na1-" + g.uuid(),
    "databricks": lambda g: "da" + "pi" + g.hex(32),
    "confluent_secret": lambda g: g.r(ALNUM + "+/", 64),
    "es_key": lambda g: g.u(22),
    "es_encoded": _elastic_encoded,
    "nkey_seed": lambda g: "S" + "UA" + g.r(B32, 55),
    "jfrog": lambda g: "AK" + "Cp" + g.an(69),
    "sonar": lambda g: "sq" + "p_" + g.hex(40),
    "buildkite": lambda g: "bku" + "a_" + g.hex(40),
    "buildkite_agent": lambda g: g.hex(50),
    "circleci": lambda g: "CCIP" + "AT_" + g.an(22) + "_" + g.hex(40),
    "bitbucket": lambda g: "AT" + "BB" + g.an(28) + g.hex(8).upper(),
    "jenkins_api": lambda g: "11" + g.hex(32),
    "uuid_secret": lambda g: g.uuid(),
    "jwt": lambda g: g.jwt(g.claims(iss="https://auth." + g.pick(DOMAINS), aud="api", scope="read write")),
    "jwt_hs": lambda g: g.jwt(
        g.claims(role="authenticated", email=f"{g.pick(USERS)}@{g.pick(DOMAINS)}"), alg="HS256"
    ),
    "k8s_jwt": lambda g: g.jwt(
        {
            "iss": "kubernetes/serviceaccount",
            "kubernetes.io/serviceaccount/namespace": "ci",
            "kubernetes.io/serviceaccount/service-account.name": "deployer",
            "sub": "system:serviceaccount:ci:deployer",
        }
    ),
    "supabase_service": lambda g: g.jwt(
        {
            "iss": "supabase",
            "ref": g.r(LOWER, 20),
            "role": "service_role",
            "iat": 1700000000,
            "exp": 2015576000,
        },
        alg="HS256",
    ),
    "nats_jwt": lambda g: g.jwt(
        {
            "jti": g.r(B32, 52),
            "iat": 1712000000,
            "iss": "A" + g.r(B32, 55),
            "name": "svc",
            "sub": "U" + g.r(B32, 55),
            "nats": {"pub": {}, "sub": {}, "type": "user", "version": 2},
        },
        alg="ES256",
    ),
    "azure_jwt": lambda g: g.jwt(
        {
            "aud": "https://management.azure.com/",
            "iss": f"https://sts.windows.net/{g.uuid()}/",
            "appid": g.uuid(),
            "tid": g.uuid(),
            "oid": g.uuid(),
        }
    ),
    "phpsess": lambda g: g.r(LOWNUM, 26),
    "django_session": lambda g: g.r(LOWNUM, 32),
    "express_sid": lambda g: (
        "s%3A" + g.u(32) + "." + g.b64(32).rstrip("=").replace("+", "%2B").replace("/", "%2F")
    ),
    "rails_cookie": lambda g: g.b64(180).replace("=", "%3D") + "--" + g.hex(40),
    "flask_session": lambda g: "eyJ" + g.u(60) + "." + g.u(6) + "." + g.u(27),
    "laravel_key": lambda g: "base64:" + g.b64(32),
    "django_secret": lambda g: g.r(LOWNUM + "!@%^&*(-_=+)", 50),
    "phoenix_secret": lambda g: g.b64(48),
    "wp_salt": lambda g: g.r(ALNUM + "!@#%^&*()-_=+[]{}<>,.;:|~", 64),
    "wg_key": lambda g: g.b64(32),
    "eth_key": lambda g: g.hex(64),
    "xprv": lambda g: "xprv" + "9s21ZrQH143K" + g.r(B58, 99),
    "nsec": lambda g: "nse" + "c1" + g.r(BECH32, 58),
    "mnemonic": _mnemonic,
    "erlang_cookie": lambda g: g.r(UPPER, 20),
    "rails_master": lambda g: g.hex(32),
    "smtp_plain": _smtp_plain,
    "heroku_key": lambda g: g.uuid(),
    "salesforce_sid": lambda g: "00D" + g.an(12) + "!AR" + g.an(4) + "." + g.u(96),
    "jwk_d": lambda g: g.b64url(32),
    "k8s_key_b64": _b64_of_pem,
    "pem_rsa": _pem_secret("RSA " + PRIV + " KEY", RSA1, 1180),
    "pem_pkcs8": _pem_secret(PRIV + " KEY", PKCS8_RSA, 1190),
    "pem_pkcs8_esc": _pem_secret(PRIV + " KEY", PKCS8_RSA, 1190, escaped=True),
    "pem_ec": _pem_secret("EC " + PRIV + " KEY", EC1, 104),
    "pem_p8": _pem_secret(PRIV + " KEY", PKCS8_EC, 100),
    "pem_p8_esc": _pem_secret(PRIV + " KEY", PKCS8_EC, 100, escaped=True),
    "pem_openssh": _pem_secret("OPENSSH " + PRIV + " KEY", OPENSSH, 300, width=70),
    "pem_pgp": _pgp,
    "ppk": _ppk,
    "ovpn_static": _openvpn,
}

FILLERS: dict[str, Callable[[_G], str]] = {
    "user": lambda g: g.pick(USERS),
    "host": lambda g: g.pick(HOSTS),
    "dbhost": lambda g: g.pick(HOSTS),
    "domain": lambda g: g.pick(DOMAINS),
    "region": lambda g: g.pick(REGIONS),
    "ip": lambda g: f"10.{g.rng.randint(0, 255)}.{g.rng.randint(0, 255)}.{g.rng.randint(1, 254)}",
    "pubip": lambda g: (
        f"{g.rng.randint(34, 54)}.{g.rng.randint(0, 255)}.{g.rng.randint(0, 255)}.{g.rng.randint(1, 254)}"
    ),
    "email": lambda g: f"{g.pick(USERS).replace('_', '.')}@{g.pick(DOMAINS)}",
    "word": lambda g: g.pick(WORDS),
    "n": lambda g: str(g.rng.randint(2, 999)),
    "port": lambda g: str(g.rng.randint(1025, 65000)),
    "acct": lambda g: g.r(DIGITS, 12),
    "ts": lambda g: (
        f"2025-0{g.rng.randint(1, 9)}-{g.rng.randint(10, 28)}T{g.rng.randint(10, 23)}:{g.rng.randint(10, 59)}:{g.rng.randint(10, 59)}.{g.r(DIGITS, 3)}Z"
    ),
    "uuid": lambda g: g.uuid(),
    "hex8": lambda g: g.hex(8),
    "hex8u": lambda g: g.hex(8).upper(),
    "hex16": lambda g: g.hex(16),
    "sha": lambda g: g.hex(40),
    "sha7": lambda g: g.hex(7),
    "sha256": lambda g: g.hex(64),
    "md5": lambda g: g.hex(32),
    "lc5": lambda g: g.r(LOWNUM, 5),
    "lc14": lambda g: g.r(LOWER, 14),
    "last4": lambda g: g.r(UPNUM, 4),
    "akid": lambda g: "AK" + "IA" + g.r(B32, 16),
    "asia": lambda g: "AS" + "IA" + g.r(B32, 16),
    "aida": lambda g: "AI" + "DA" + g.r(B32, 17),
    "twsid": lambda g: "A" + "C" + g.hex(32),
    "twsk": lambda g: "S" + "K" + g.hex(32),
    "gcid": lambda g: g.r(DIGITS, 12) + "-" + g.r(LOWNUM, 32) + ".apps.googleusercontent.com",
    "ghapp_client": lambda g: "Iv" + "23li" + g.r(LOWNUM, 12),
    "trace": lambda g: g.hex(32),
    "span": lambda g: g.hex(16),
    "reqid": lambda g: g.r(UPNUM, 16),
    "fp": lambda g: "SHA256:" + g.b64(32).rstrip("="),
    "gpgfp": lambda g: g.hex(40).upper(),
    "cert": _pem_public("CERTIFICATE", CERT, 820),
    "pubpem": lambda g: g.pem("PUBLIC KEY", PUBKEY, 261)[0],
    "pgp_pub": lambda g: g.pem("PGP PUBLIC KEY BLOCK", "9901a2", 700, blank=True, tail="=" + g.b64(3))[0],
    "sshpub_ed": lambda g: _ssh_pub(g, "ed25519"),
    "sshpub_rsa": lambda g: _ssh_pub(g, "rsa"),
    "b64cert": _b64_of_cert,
    "wg_pub": lambda g: g.b64(32),
    "ansible_vault": lambda g: (
        "$ANSIBLE_VAULT;1.1;AES256\n" + g.indent + ("\n" + g.indent).join(g.hex(80) for _ in range(5))
    ),
    "sops": lambda g: f"ENC[AES256_GCM,data:{g.b64(18)},iv:{g.b64(32)},tag:{g.b64(16)},type:str]",
    "sealed": lambda g: "AgB" + g.b64(420),
    "jenkins_enc": lambda g: "{AQAAABAAAAAQ" + g.b64(48) + "}",
    "travis_secure": lambda g: g.b64(256),
    "pulumi_secure": lambda g: "v1:" + g.b64(12) + ":" + g.b64(40),
    "jasypt": lambda g: "ENC(" + g.b64(48) + ")",
    "integrity": lambda g: "sha512-" + g.b64(64),
    "sri384": lambda g: "sha384-" + g.b64(48),
    "gosum": lambda g: "h1:" + g.b64(32),
    "nixhash": lambda g: "sha256-" + g.b64(32),
    "digest": lambda g: "sha256:" + g.hex(64),
    "eth_addr": lambda g: "0x" + g.hex(40),
    "xpub": lambda g: "xpub" + "661MyMwAqRbc" + g.r(B58, 99),
    "npub": lambda g: "npu" + "b1" + g.r(BECH32, 58),
    "age_pub": lambda g: "age" + "1" + g.r(BECH32, 58),
    "pk_live": lambda g: "pk_" + "live_51" + g.an(97),
    "mapbox_pk": lambda g: "p" + "k.eyJ1Ijoi" + g.b64url(30) + "." + g.u(22),
    "recaptcha_site": lambda g: "6L" + g.u(38),
    "jwt_example": lambda g: (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
        + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    ),
    "aws_ex_id": lambda g: "AKIA" + "IOSFODNN7" + "EXAMPLE",
    "aws_ex_secret": lambda g: "wJalrXUtnFEMI/K7MDENG" + "/bPxRfiCYEXAMPLEKEY",
    "stripe_doc": lambda g: "sk_" + "test_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "b64img": lambda g: "iVBORw0KGgoAAAANSUhEUgAA" + g.b64(240),
    "amzid2": lambda g: g.b64(57),
    "cfray": lambda g: g.hex(16) + "-" + g.pick(["FRA", "SJC", "LHR", "IAD"]),
    "confluent_key": lambda g: g.r(UPNUM, 16),
    "es_id": lambda g: g.u(20),
    "an20": lambda g: g.an(20),
    "an32": lambda g: g.an(32),
    "vault_accessor": lambda g: g.u(24),
    "ghnode": lambda g: "R_kgDO" + g.u(8),
    "objectid": lambda g: g.hex(24),
    "ulid": lambda g: "01" + g.r("0123456789ABCDEFGHJKMNPQRSTVWXYZ", 24),
    "stripe_cus": lambda g: "cu" + "s_" + g.an(14),
    "stripe_pi": lambda g: "p" + "i_3" + g.an(23),
    "stripe_evt": lambda g: "ev" + "t_1" + g.an(23),
    "stripe_req": lambda g: "re" + "q_" + g.an(14),
    "openai_org": lambda g: "org-" + g.an(24),
    "openai_projid": lambda g: "proj_" + g.an(24),
    "chatcmpl": lambda g: "chatcmpl-" + g.an(29),
    "msgid": lambda g: "msg_01" + g.an(22),
    "toolu": lambda g: "toolu_01" + g.an(22),
    "callid": lambda g: "call_" + g.an(24),
    "anth_req": lambda g: "req_011C" + g.an(20),
    "k8s_rv": lambda g: str(g.rng.randint(10**6, 10**8)),
    "ga": lambda g: "G-" + g.r(UPNUM, 10),
    "kid": lambda g: g.u(43),
    "jwk_n": lambda g: g.b64url(256),
    "jwk_xy": lambda g: g.b64url(32),
    "etag": lambda g: g.hex(32),
    "x_hub_sig": lambda g: "sha256=" + g.hex(64),
    "key_version": lambda g: g.hex(32),
    "azure_sub": lambda g: g.uuid(),
    "nonce": lambda g: g.b64(16),
    "masked_tail": lambda g: g.an(4),
}

_TOKEN = re.compile(r"([«‹])([a-z0-9_]+)(?:@(\d+))?(?:#\d+)?[»›]")


def _fill(template: str, rng: random.Random) -> tuple[str, list[str]]:
    cache: dict[str, tuple[str, str | None]] = {}
    secrets: list[str] = []

    def sub(m: re.Match[str]) -> str:
        token = m.group(0)
        if token not in cache:
            g = _G(rng, cache, " " * int(m.group(3) or 0))
            if m.group(1) == "«":
                made = SECRETS[m.group(2)](g)
                text, secret = made if isinstance(made, tuple) else (made, made)
                cache[token] = (text, secret)
            else:
                cache[token] = (FILLERS[m.group(2)](g), None)
        text, secret = cache[token]
        if secret is not None and secret not in secrets:
            secrets.append(secret)
        return text

    return _TOKEN.sub(sub, template), secrets


# ---------------------------------------------------------------------------------------------
# Agent-log envelopes (context "json")
# ---------------------------------------------------------------------------------------------


def _compact(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _envelope(text: str, context: str, secrets: list[str], which: int, rng: random.Random) -> str:
    g = _G(rng, {}, "")
    session = g.uuid()
    stamp = FILLERS["ts"](g)
    path = {"yaml": "deploy/values.yaml", "source": "src/settings.py", "json": "config/app.json"}.get(
        context, "notes.txt"
    )
    command = (
        "bash -lc 'cat " + path + "'" if context != "shell" else "bash -lc 'make deploy 2>&1 | tail -n 80'"
    )
    if which == 0:  # Claude Code `--output-format stream-json`: the tool result of a Bash call
        return _compact(
            {
                "type": "user",
                "message": {
                    "role": "user",
                    "content": [
                        {
                            "tool_use_id": FILLERS["toolu"](g),
                            "type": "tool_result",
                            "content": text,
                            "is_error": False,
                        }
                    ],
                },
                "parent_tool_use_id": None,
                "session_id": session,
            }
        )
    if which == 1:  # Claude Code transcript (~/.claude/projects/*.jsonl)
        numbered = text
        if context in ("yaml", "source", "json", "plain") and not any(
            "\n" in s or "\\n" in s for s in secrets
        ):
            numbered = "\n".join(f"{i:>6}→{line}" for i, line in enumerate(text.split("\n"), 1))
        line = {
            "parentUuid": g.uuid(),
            "isSidechain": False,
            "userType": "external",
            "cwd": "/home/dev/" + g.pick(WORDS),
            "sessionId": session,
            "version": "1.0.98",
            "gitBranch": "main",
            "type": "user",
            "message": {
                "role": "user",
                "content": [{"tool_use_id": FILLERS["toolu"](g), "type": "tool_result", "content": numbered}],
            },
            "uuid": g.uuid(),
            "timestamp": stamp,
        }
        if context == "shell":
            line["toolUseResult"] = {"stdout": text, "stderr": "", "interrupted": False, "isImage": False}
        return _compact(line)
    if which == 2:  # Codex rollout: a function_call_output whose output is itself a JSON string
        inner = _compact(
            {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(rng.uniform(0.01, 3), 1)}}
        )
        return _compact(
            {
                "timestamp": stamp,
                "type": "response_item",
                "payload": {"type": "function_call_output", "call_id": FILLERS["callid"](g), "output": inner},
            }
        )
    if which == 3:  # `codex exec --json`
        if context == "plain":
            return _compact(
                {
                    "type": "item.completed",
                    "item": {"id": f"item_{rng.randint(1, 40)}", "type": "agent_message", "text": text},
                }
            )
        return _compact(
            {
                "type": "item.completed",
                "item": {
                    "id": f"item_{rng.randint(1, 40)}",
                    "type": "command_execution",
                    "command": command,
                    "aggregated_output": text,
                    "exit_code": 0,
                    "status": "completed",
                },
            }
        )
    # an MCP tool result
    return _compact(
        {
            "jsonrpc": "2.0",
            "id": rng.randint(1, 400),
            "result": {"content": [{"type": "text", "text": text}], "isError": False},
        }
    )


# ---------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------


def _split(template: str) -> str:
    return "holdout" if int(hashlib.sha256(template.encode()).hexdigest(), 16) % 3 == 0 else "dev"


def templates() -> list[tuple[str, str, str]]:
    """Every template as (context, kind, text)."""
    return [(context, kind, text) for context, group in TEMPLATES.items() for kind, text in group]


def corpus(seed: int = 41, copies: int = 6) -> list[Document]:
    """Each template ``copies`` times in its own context and ``copies`` times inside an agent-log line."""
    documents = []
    for index, (context, kind, template) in enumerate(templates()):
        split = _split(template)
        for copy in range(copies):
            rng = random.Random(f"{seed}:{index}:{copy}")
            text, secrets = _fill(template, rng)
            documents.append(Document(text, secrets, context, kind, split, template))
            wrapped = _envelope(text, context, secrets, copy % 5, rng)
            documents.append(Document(wrapped, list(secrets), "json", kind, split, template))
    return documents


def leaked(secret: str, output: str) -> bool:
    """True if at least half of the secret (any run of len//2 characters) survives, raw or JSON-escaped once or twice."""
    once = json.dumps(secret, ensure_ascii=False)[1:-1]
    twice = json.dumps(once, ensure_ascii=False)[1:-1]
    return any(
        _shares_run(form, output, max(1, len(form) // 2)) for form in dict.fromkeys((secret, once, twice))
    )


def _shares_run(form: str, output: str, n: int) -> bool:
    # Any run of n characters contains an aligned block of n // 2: look only around the blocks found.
    block = max(1, n // 2)
    for j in range(0, len(form) - block + 1, block):
        if form[j : j + block] in output:
            for i in range(max(0, j - (n - block)), min(j, len(form) - n) + 1):
                if form[i : i + n] in output:
                    return True
    return False


def main() -> None:
    rows = Counter((context, "positive" if "«" in text else "negative") for context, _, text in templates())
    splits = Counter((_split(text), "positive" if "«" in text else "negative") for _, _, text in templates())
    docs = corpus()
    print(f"{'context':8} {'positive':>9} {'negative':>9}  (templates)")
    for context in CONTEXTS:
        print(f"{context:8} {rows[(context, 'positive')]:9d} {rows[(context, 'negative')]:9d}")
    total_pos = sum(v for (_, kind), v in rows.items() if kind == "positive")
    total_neg = sum(v for (_, kind), v in rows.items() if kind == "negative")
    print(f"{'all':8} {total_pos:9d} {total_neg:9d}")
    print(
        f"holdout: {splits[('holdout', 'positive')]} positive, {splits[('holdout', 'negative')]} negative templates"
    )
    print(
        f"documents: {len(docs)} ({sum(bool(d.secrets) for d in docs)} with {sum(len(d.secrets) for d in docs)} secrets, {sum(not d.secrets for d in docs)} without)"
    )


TEMPLATES: dict[str, list[tuple[str, str]]] = {}

# ---------------------------------------------------------------------------------------------
# plain: prose, logs, dot-files and config formats read as text
# ---------------------------------------------------------------------------------------------
TEMPLATES["plain"] = [
    # --- with secrets ---
    (
        "agent prose: fine-grained GitHub token",
        "I created a fine-grained token for the deploy job and saved it as the repository secret `DEPLOY_TOKEN`. For the record, the value is «github_pat» and it expires in 30 days.",
    ),
    (
        "agent prose: exposed Stripe live key",
        "Heads up: `config/initializers/stripe.rb` hard-codes a live secret key («stripe_sk»). Rotate it in the Stripe dashboard and read it from `ENV['STRIPE_SECRET_KEY']` instead.",
    ),
    (
        "agent prose: database password in summary",
        "Done. The staging database is up at ‹dbhost›:5432, database `orders`, user `‹user›`, password `«hpw»`. I also added the connection string to your 1Password vault.",
    ),
    (
        "agent prose: Anthropic key quoted back",
        "The failing request used the key from `.env.local` (`ANTHROPIC_API_KEY=«anthropic»`), which the API rejects with `permission_error`; the key seems to belong to a different workspace.",
    ),
    (
        "Laravel .env",
        "APP_NAME=Shop\nAPP_ENV=production\nAPP_KEY=«laravel_key»\nAPP_DEBUG=false\nDB_CONNECTION=mysql\nDB_HOST=‹dbhost›\nDB_PORT=3306\nDB_DATABASE=shop\nDB_USERNAME=‹user›\nDB_PASSWORD=«pw»\nMAIL_MAILER=smtp\nMAIL_HOST=smtp.mailgun.org\nMAIL_USERNAME=postmaster@mg.‹domain›\nMAIL_PASSWORD=«pw#2»",
    ),
    (
        "Next.js .env.local with AI keys",
        "# .env.local (do not commit)\nNEXT_PUBLIC_SITE_URL=https://‹domain›\nOPENAI_API_KEY=«openai_proj»\nGROQ_API_KEY=«groq»\nPERPLEXITY_API_KEY=«pplx»\nNEXT_PUBLIC_POSTHOG_HOST=https://eu.posthog.com",
    ),
    (
        "gradle.properties release signing",
        "org.gradle.jvmargs=-Xmx4g -Dfile.encoding=UTF-8\nandroid.useAndroidX=true\nkotlin.code.style=official\nRELEASE_STORE_FILE=../keystore/release.jks\nRELEASE_STORE_PASSWORD=«hpw»\nRELEASE_KEY_ALIAS=upload\nRELEASE_KEY_PASSWORD=«hpw#2»",
    ),
    (
        "gradle.properties Maven Central",
        "signing.keyId=‹hex8u›\nsigning.password=«pw»\nsigning.secretKeyRingFile=/home/ci/.gnupg/secring.gpg\nossrhUsername=‹user›\nossrhPassword=«pw#2»\nmavenCentralUsername=‹lc14›\nmavenCentralPassword=«an40»",
    ),
    (
        "Android local.properties",
        "## This file must *NOT* be checked into Version Control Systems\nsdk.dir=/Users/‹user›/Library/Android/sdk\nMAPS_API_KEY=«google_api»\nsentry.auth.token=«sentry_org»",
    ),
    (
        "~/.aws/credentials",
        "[default]\naws_access_key_id = ‹akid›\naws_secret_access_key = «aws_secret»\n\n[prod-admin]\naws_access_key_id = ‹asia›\naws_secret_access_key = «aws_secret#2»\naws_session_token = «aws_session»\nregion = ‹region›",
    ),
    (
        ".npmrc with two registries",
        "registry=https://registry.npmjs.org/\n@acme:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=«ghp»\n//registry.npmjs.org/:_authToken=«npm»\nalways-auth=true",
    ),
    (
        ".pypirc",
        "[distutils]\nindex-servers =\n    pypi\n    internal\n\n[pypi]\nusername = __token__\npassword = «pypi»\n\n[internal]\nrepository = https://nexus.‹domain›/repository/pypi-internal/\nusername = ‹user›\npassword = «pw»",
    ),
    (
        ".netrc for Heroku",
        "machine api.heroku.com\n  login ‹email›\n  password «heroku_key»\nmachine git.heroku.com\n  login ‹email›\n  password «heroku_key»",
    ),
    (".netrc one-line GitHub", "machine github.com login ‹user› password «gho»"),
    (".pgpass", "‹dbhost›:5432:orders:‹user›:«pw»\n*:5432:*:replicator:«pw#2»"),
    (
        ".my.cnf",
        '[client]\nuser=root\npassword=«hpw»\nhost=127.0.0.1\n\n[mysqldump]\nuser=backup\npassword="«pw»"\nsingle-transaction',
    ),
    (
        ".s3cfg",
        "[default]\naccess_key = ‹akid›\nsecret_key = «aws_secret»\nhost_base = s3.amazonaws.com\nhost_bucket = %(bucket)s.s3.amazonaws.com\nuse_https = True",
    ),
    (
        "wpa_supplicant.conf",
        'ctrl_interface=DIR=/var/run/wpa_supplicant GROUP=netdev\nupdate_config=1\ncountry=DE\n\nnetwork={\n\tssid="Office-5G"\n\tpsk="«hpw»"\n\tkey_mgmt=WPA-PSK\n}',
    ),
    (
        "NetworkManager connection",
        "[connection]\nid=Warehouse\nuuid=‹uuid›\ntype=wifi\n\n[wifi]\nmode=infrastructure\nssid=Warehouse-Scanners\n\n[wifi-security]\nkey-mgmt=wpa-psk\npsk=«pw»\n\n[ipv4]\nmethod=auto",
    ),
    (
        "WireGuard wg0.conf",
        "[Interface]\nAddress = 10.8.0.2/24\nPrivateKey = «wg_key»\nDNS = 1.1.1.1\n\n[Peer]\nPublicKey = ‹wg_pub›\nPresharedKey = «wg_key#2»\nEndpoint = ‹pubip›:51820\nAllowedIPs = 0.0.0.0/0\nPersistentKeepalive = 25",
    ),
    (
        "OpenVPN profile with tls-auth key",
        "client\ndev tun\nproto udp\nremote vpn.‹domain› 1194\nresolv-retry infinite\nnobind\nremote-cert-tls server\nkey-direction 1\n<ca>\n‹cert›\n</ca>\n<tls-auth>\n«ovpn_static»\n</tls-auth>\nverb 3",
    ),
    (
        "strongSwan ipsec.secrets",
        '# /etc/ipsec.secrets - strongSwan IPsec secrets file\n‹pubip› %any : PSK "«hpw»"\n: RSA /etc/ipsec.d/private/server.pem\nroadwarrior : EAP "«pw»"',
    ),
    (
        "Kafka SCRAM JAAS file",
        'KafkaClient {\n  org.apache.kafka.common.security.scram.ScramLoginModule required\n  username="‹user›"\n  password="«pw»";\n};',
    ),
    (
        "Confluent Cloud client.properties",
        'bootstrap.servers=pkc-‹lc5›.us-east-1.aws.confluent.cloud:9092\nsecurity.protocol=SASL_SSL\nsasl.mechanisms=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="‹confluent_key›" password="«confluent_secret»";\nsession.timeout.ms=45000\nclient.dns.lookup=use_all_dns_ips',
    ),
    (
        "rabbitmq.conf",
        "listeners.tcp.default = 5672\nloopback_users.guest = false\ndefault_user = ‹user›\ndefault_pass = «pw»\nmanagement.tcp.port = 15672\nvm_memory_high_watermark.relative = 0.6",
    ),
    (
        "NATS user credentials file",
        "-----BEGIN NATS USER JWT-----\n«nats_jwt»\n------END NATS USER JWT------\n\n************************* IMPORTANT *************************\nNKEY Seed printed below can be used to sign and prove identity.\nNKEYs are sensitive and should be treated as secrets.\n\n-----BEGIN USER NKEY SEED-----\n«nkey_seed»\n------END USER NKEY SEED------\n\n*************************************************************",
    ),
    (
        "redis.conf",
        "bind 0.0.0.0\nport 6379\nprotected-mode yes\nrequirepass «pw»\nmasterauth «pw»\nappendonly yes\nmaxmemory 2gb\nmaxmemory-policy allkeys-lru",
    ),
    (
        "Redis ACL file",
        "user default off\nuser app on >«pw» ~app:* &* +@read +@write -@dangerous\nuser metrics on >«pw#2» ~* +info +ping",
    ),
    (
        "cqlshrc",
        "[authentication]\nusername = ‹user›\npassword = «pw»\n\n[connection]\nhostname = cassandra-0.cassandra.data.svc\nport = 9042\nssl = true",
    ),
    (
        "snowsql config",
        "[connections.prod]\naccountname = ‹lc5›-‹lc14›\nusername = ‹user›\npassword = «hpw»\nwarehousename = TRANSFORMING\ndbname = ANALYTICS\nrolename = TRANSFORMER",
    ),
    (
        "python requests http.client debug",
        "DEBUG:urllib3.connectionpool:Starting new HTTPS connection (1): api.openai.com:443\nsend: b'POST /v1/chat/completions HTTP/1.1\\r\\nHost: api.openai.com\\r\\nUser-Agent: python-requests/2.31.0\\r\\nAccept-Encoding: gzip, deflate\\r\\nAuthorization: Bearer «openai_legacy»\\r\\nContent-Length: 212\\r\\nContent-Type: application/json\\r\\n\\r\\n'\nreply: 'HTTP/1.1 200 OK\\r\\n'\nheader: Date: Tue, 04 Mar 2025 10:12:55 GMT",
    ),
    (
        "Node AxiosError config dump",
        "AxiosError: Request failed with status code 401\n    at settle (/app/node_modules/axios/lib/core/settle.js:19:12)\n    at IncomingMessage.handleStreamEnd (/app/node_modules/axios/lib/adapters/http.js:589:11) {\n  code: 'ERR_BAD_REQUEST',\n  config: {\n    url: 'https://api.sendgrid.com/v3/mail/send',\n    method: 'post',\n    headers: Object [AxiosHeaders] {\n      Accept: 'application/json, text/plain, */*',\n      'Content-Type': 'application/json',\n      Authorization: 'Bearer «sendgrid»',\n      'User-Agent': 'axios/1.6.7'\n    },",
    ),
    (
        "Java JDBC URL in exception",
        "org.springframework.jdbc.CannotGetJdbcConnectionException: Failed to obtain JDBC Connection\n\tat org.springframework.jdbc.datasource.DataSourceUtils.getConnection(DataSourceUtils.java:84)\nCaused by: java.sql.SQLException: Cannot create PoolableConnectionFactory (Connection refused) for url jdbc:postgresql://‹dbhost›:5432/billing?user=billing_rw&password=«upw»&ssl=true\n\tat org.apache.commons.dbcp2.BasicDataSource.createPoolableConnectionFactory(BasicDataSource.java:653)",
    ),
    (
        "Spring properties dumped at startup",
        "2025-03-04 10:01:12.441  INFO 1 --- [main] c.a.b.BillingApplication : Effective config: {spring.datasource.url=jdbc:mysql://‹dbhost›:3306/billing, spring.datasource.username=‹user›, spring.datasource.password=«pw», server.port=8080, management.endpoints.web.exposure.include=health}",
    ),
    (
        "Rails log with unfiltered parameter",
        'Started POST "/integrations/twilio" for ‹ip› at 2025-03-04 10:14:02 +0000\nProcessing by IntegrationsController#create as JSON\n  Parameters: {"provider"=>"twilio", "account_sid"=>"‹twsid›", "twilio_auth"=>"«twilio_token»", "integration"=>{"provider"=>"twilio"}}\nCompleted 201 Created in 48ms (ActiveRecord: 6.1ms)',
    ),
    (
        "Go log with MySQL DSN",
        "2025/03/04 10:11:12 connecting with dsn orders_app:«pw»@tcp(10.0.4.12:3306)/orders?parseTime=true&tls=skip-verify\npanic: dial tcp 10.0.4.12:3306: connect: connection refused\n\ngoroutine 1 [running]:\nmain.mustOpen({0xc0000a4000, 0x4f})\n\t/src/cmd/api/main.go:41 +0x1c5",
    ),
    (
        "SMTP AUTH PLAIN transcript",
        "S: 220 smtp.‹domain› ESMTP Postfix\nC: EHLO build01\nS: 250-smtp.‹domain›\nS: 250-AUTH PLAIN LOGIN\nS: 250 8BITMIME\nC: AUTH PLAIN «smtp_plain»\nS: 235 2.7.0 Authentication successful\nC: MAIL FROM:<‹email›>",
    ),
    (
        "SMTP AUTH LOGIN transcript",
        "C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: ZGVwbG95QGFjbWUtY29ycC5pbw==\nS: 334 UGFzc3dvcmQ6\nC: «b64pw»\nS: 235 Authentication succeeded",
    ),
    (
        "raw HTTP client-credentials request",
        "POST /oauth2/token HTTP/1.1\nHost: auth.‹domain›\nContent-Type: application/x-www-form-urlencoded\nAuthorization: Basic «basic»\nContent-Length: 51\n\ngrant_type=client_credentials&scope=reports%3Aread",
    ),
    (
        "raw HTTP request with PHP session cookie",
        "GET /admin/index.php?page=users HTTP/1.1\nHost: ‹host›\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0\nAccept: text/html\nCookie: PHPSESSID=«phpsess»; lang=en; theme=dark\nConnection: keep-alive",
    ),
    (
        "raw HTTP response setting a GitLab session",
        "HTTP/2 302\nserver: nginx\nlocation: https://gitlab.‹domain›/dashboard/projects\ncache-control: no-cache\nset-cookie: _gitlab_session=«hex32»; path=/; secure; HttpOnly; SameSite=None\nx-request-id: ‹ulid›",
    ),
    (
        "raw HTTP request with API key header",
        "GET /api/v2/validate HTTP/1.1\nHost: api.datadoghq.eu\nDD-API-KEY: «datadog_api»\nDD-APPLICATION-KEY: «datadog_app»\nAccept: application/json",
    ),
    (
        "rich traceback locals",
        "│ /app/summarize.py:41 in main                                             │\n│                                                                          │\n│   38 │   client = OpenAI(api_key=api_key)                                │\n│ ❱ 41 │   resp = client.chat.completions.create(model=model, messages=m)  │\n│                                                                          │\n│ ╭─────────────────────────────── locals ───────────────────────────────╮ │\n│ │ api_key = '«openai_proj»'                                            │ │\n│ │  client = <openai.OpenAI object at 0x7f3a1c2b9e10>                   │ │\n│ │   model = 'gpt-4o-mini'                                              │ │\n│ ╰──────────────────────────────────────────────────────────────────────╯ │",
    ),
    (
        "pytest -l locals with GitHub token",
        "    def test_create_release(client):\n>       assert resp.status_code == 201\nE       assert 401 == 201\nE        +  where 401 = <Response [401]>.status_code\n\nclient     = <tests.conftest.GitHubClient object at 0x7f1e2c3d4b50>\nheaders    = {'Accept': 'application/vnd.github+json', 'Authorization': 'token «ghp»'}\nresp       = <Response [401]>\n\ntests/test_release.py:27: AssertionError",
    ),
    (
        "Jenkins console curl with API token",
        "[Pipeline] stage\n[Pipeline] { (Trigger downstream)\n[Pipeline] sh\n+ curl -fsS -X POST -u ‹user›:«jenkins_api» 'https://jenkins.‹domain›/job/deploy-prod/buildWithParameters?ENV=prod&REF=‹sha7›'\n[Pipeline] }",
    ),
    (
        "CI log with kubectl bearer token",
        "‹ts› ##[group]Run kubectl --server=https://‹pubip›:6443 --token=«k8s_jwt» --insecure-skip-tls-verify get pods -n ci\n‹ts› NAME                      READY   STATUS    RESTARTS   AGE\n‹ts› runner-7d9f6c5b4-x2lqp   1/1     Running   0          3d",
    ),
    (
        "Ansible verbose task output",
        "TASK [mysql : create application user] *****************************************\nchanged: [db1.‹domain›] => (item={'name': 'app', 'password': '«pw»', 'priv': 'shop.*:ALL', 'host': '%'})\n\nPLAY RECAP *********************************************************************\ndb1.‹domain›   : ok=12   changed=1    unreachable=0    failed=0",
    ),
    (
        "Salt pillar output",
        "db01.‹domain›:\n    ----------\n    mysql:\n        ----------\n        pass:\n            «pw»\n        user:\n            root\n    zabbix:\n        ----------\n        server:\n            ‹ip›",
    ),
    (
        "CSV export of service accounts",
        "service,owner,key\nbilling-sync,‹email›,«stripe_rk»\nnewsletter,‹email›,«mailchimp»\nsupport-bot,‹email›,«slack_bot»",
    ),
    (
        "Slack bot token in agent reply",
        "The bot now posts to #deploys. It authenticates with the bot user OAuth token «slack_bot» (scopes: chat:write, channels:read); the app-level token «slack_app» is only used for Socket Mode.",
    ),
    (
        "Telegram bot token in README-like notes",
        "## Alerts bot\nCreated via @BotFather on 2025-02-11.\nToken: «telegram»\nChat id: -100‹acct›\nSend with: https://api.telegram.org/bot<TOKEN>/sendMessage",
    ),
    (
        "Discord bot token in notes",
        "discord bot (moderation):\n  application id ‹acct›\n  token «discord_bot»\n  intents: GUILD_MEMBERS, MESSAGE_CONTENT",
    ),
    ("PuTTY private key file", "«ppk»"),
    ("PGP private key block", "«pem_pgp»"),
    ("OpenSSH private key file", "«pem_openssh»"),
    ("RSA key shown by cat", "«pem_rsa»"),
    ("age identity file", "# created: 2025-01-14T09:12:44Z\n# public key: ‹age_pub›\n«age_secret»"),
    (
        "Bitcoin extended private key note",
        "Wallet export for the treasury cold wallet (watch-only uses the xpub below).\nxprv: «xprv»\nxpub: ‹xpub›\nderivation: m/84'/0'/0'",
    ),
    (
        "Ethereum private key in deploy notes",
        "Deployer account: ‹eth_addr›\nPrivate key (hex, no 0x): «eth_key»\nFunded with 0.5 ETH on Sepolia.",
    ),
    (
        "seed phrase in agent message",
        "I generated a fresh wallet for the test faucet. Recovery phrase: «mnemonic». The address is ‹eth_addr›; fund it before running `npm run deploy:sepolia`.",
    ),
    (
        "nostr secret key",
        "nostr identity for the release bot\nnpub: ‹npub›\nnsec: «nsec»\nrelays: wss://relay.damus.io, wss://nos.lol",
    ),
    (
        "Erlang distribution cookie",
        "RELEASE_DISTRIBUTION=name\nRELEASE_NODE=shop@‹ip›\nRELEASE_COOKIE=«erlang_cookie»",
    ),
    (
        "Postgres log with leaked ALTER ROLE",
        "2025-03-04 10:22:31.004 UTC [41233] LOG:  statement: ALTER ROLE reporting WITH LOGIN PASSWORD '«pw»' VALID UNTIL '2026-01-01';\n2025-03-04 10:22:31.006 UTC [41233] LOG:  duration: 1.912 ms",
    ),
    (
        "syslog with sshpass command line",
        "Mar  4 10:31:07 bastion sudo[2211]:   ‹user› : TTY=pts/1 ; PWD=/home/‹user› ; USER=root ; COMMAND=/usr/bin/sshpass -p «pw» rsync -az /srv/backup/ backup@‹ip›:/data/",
    ),
    (
        "mongod log with connection string",
        '{"t":{"$date":"‹ts›"},"s":"I",  "c":"NETWORK",  "id":51800,   "ctx":"conn12","msg":"client metadata"}\nmigrate: connecting to mongodb+srv://‹user›:«upw»@‹host›/shop?retryWrites=true&w=majority',
    ),
    (
        "INI with Snowflake and Databricks",
        "[snowflake]\naccount = ‹lc5›.eu-central-1\nuser = ‹user›\npassword = «pw»\n\n[databricks]\nhost = https://adb-‹acct›.7.azuredatabricks.net\ntoken = «databricks»",
    ),
    (
        "git credential store file",
        "https://‹user›:«ghp»@github.com\nhttps://oauth2:«glpat»@gitlab.‹domain›\nhttps://x-token-auth:«an40»@bitbucket.org",
    ),
    (
        "Vault unseal output",
        "Unseal Key 1: «b64_32»\nUnseal Key 2: «b64_32#2»\nUnseal Key 3: «b64_32#3»\n\nInitial Root Token: «vault»\n\nVault initialized with 3 key shares and a key threshold of 2.",
    ),
    (
        "Consul ACL bootstrap output",
        "AccessorID:       ‹uuid›\nSecretID:         «uuid_secret»\nDescription:      Bootstrap Token (Global Management)\nLocal:            false\nCreate Time:      2025-03-04 10:40:11.31 +0000 UTC\nPolicies:\n   00000000-0000-0000-0000-000000000001 - global-management",
    ),
    (
        "FileZilla sitemanager.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<FileZilla3 version="3.66.4" platform="windows">\n  <Servers>\n    <Server>\n      <Host>ftp.‹domain›</Host>\n      <Port>21</Port>\n      <Protocol>0</Protocol>\n      <User>‹user›</User>\n      <Pass encoding="base64">«b64pw»</Pass>\n      <Name>prod ftp</Name>\n    </Server>\n  </Servers>\n</FileZilla3>',
    ),
    (
        "Datadog agent datadog.yaml read as text",
        "## Datadog agent config (excerpt)\napi_key: «datadog_api»\nsite: datadoghq.eu\nlogs_enabled: true",
    ),
    (
        "New Relic license in newrelic.ini",
        "[newrelic]\nlicense_key = «newrelic_license»\napp_name = billing-api (production)\nmonitor_mode = true\ndistributed_tracing.enabled = true",
    ),
    (
        "Sentry CLI properties",
        "defaults.url=https://sentry.io/\ndefaults.org=‹word›-labs\ndefaults.project=ios-app\nauth.token=«sentry_org»",
    ),
    (
        "hosted Grafana datasource note",
        "Grafana Cloud stack: https://‹word›.grafana.net\nService account token (Editor): «grafana_sa»\nCloud access policy token for the agent: «grafana_cloud»",
    ),
    (
        "HashiCorp Terraform CLI config",
        'credentials "app.terraform.io" {\n  token = "«tfc»"\n}\n\nplugin_cache_dir = "$HOME/.terraform.d/plugin-cache"',
    ),
    (
        "Pulumi credentials note",
        "PULUMI_ACCESS_TOKEN=«pulumi»\nPULUMI_BACKEND_URL=https://api.pulumi.com\nPULUMI_CONFIG_PASSPHRASE=«hpw»",
    ),
    (
        "Salesforce session in debug log",
        "12:04:55.123 (123456789)|USER_INFO|[EXTERNAL]|005‹lc14›|‹email›|(GMT+00:00) GMT|GMT+00:00\n12:04:55.200|CALLOUT_REQUEST|System.HttpRequest[Endpoint=https://‹word›.my.salesforce.com/services/data/v59.0/query, Method=GET] Authorization: OAuth «salesforce_sid»",
    ),
    # --- without secrets ---
    (
        "agent prose: asks for token via env",
        "The deploy failed because `GITHUB_TOKEN` lacks the `packages: write` permission. Add it under `permissions:` in the workflow and re-run; no new secret is needed, and I have not stored any credentials.",
    ),
    (
        "agent prose: placeholder key in example",
        "I left `.env.example` with placeholders only (`OPENAI_API_KEY=sk-...`, `STRIPE_SECRET_KEY=sk_live_...`); the real values come from 1Password at `op://Engineering/OpenAI/credential` when you run `op run -- npm start`.",
    ),
    (
        "agent prose: password policy",
        "The password must be at least 12 characters and the reset token expires after 30 minutes. I added `PASSWORD_MIN_LENGTH=12` and `RESET_TOKEN_TTL_SECONDS=1800` to the settings module.",
    ),
    (
        ".env.example with placeholders",
        "# Copy to .env and fill in\nAPP_KEY=\nDB_HOST=localhost\nDB_USERNAME=app\nDB_PASSWORD=\nSTRIPE_SECRET_KEY=sk_"
        "live_xxxxxxxxxxxxxxxxxxxxxxxx\nOPENAI_API_KEY=<your-openai-key>\nJWT_SECRET=change-me\nSENTRY_DSN=",
    ),
    (
        "AWS documented example keys",
        "To try the CLI offline, the AWS docs use the example pair:\n\n    aws_access_key_id = ‹aws_ex_id›\n    aws_secret_access_key = ‹aws_ex_secret›\n\nThese are not real credentials; `aws sts get-caller-identity` will fail with InvalidClientTokenId.",
    ),
    (
        "jwt.io example token in notes",
        'For the unit test I used the well-known example token from jwt.io (HS256, secret `your-256-bit-secret`):\n‹jwt_example›\nIt decodes to {"sub":"1234567890","name":"John Doe","iat":1516239022}.',
    ),
    (
        "Stripe docs test key",
        "Stripe's API reference shows every request with the public sample key ‹stripe_doc›, e.g. `curl https://api.stripe.com/v1/charges -u ‹stripe_doc›:`. Replace it with your own test key.",
    ),
    (
        "authorized_keys",
        '‹sshpub_ed› ‹user›@laptop\n‹sshpub_rsa› ci@build-01\nno-port-forwarding,command="/usr/local/bin/backup-only" ‹sshpub_ed#2› backup@nas',
    ),
    (
        "known_hosts with hashed entries",
        "github.com ‹sshpub_ed›\n|1|‹nonce›|‹nonce#2› ‹sshpub_rsa›\n[‹ip›]:2222 ‹sshpub_ed#2›",
    ),
    (
        "certificate bundle",
        "# Issuer: CN=Corp Root CA 2024\n‹cert›\n# Issuer: CN=Corp Intermediate CA\n‹cert#2›",
    ),
    (
        "public key PEM",
        "The JWT verification key (public) is:\n\n‹pubpem›\n\nPut it in `config/jwt_public.pem`; the signing key stays in KMS.",
    ),
    ("PGP public key block", "‹pgp_pub›"),
    ("Ansible Vault file", "‹ansible_vault›"),
    (
        "Jenkins credentials.xml encrypted",
        "<com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>\n  <scope>GLOBAL</scope>\n  <id>nexus-deploy</id>\n  <description>Nexus deploy user</description>\n  <username>‹user›</username>\n  <password>‹jenkins_enc›</password>\n  <usernameSecret>false</usernameSecret>\n</com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>",
    ),
    (
        "Celery banner with masked broker",
        " -------------- celery@worker-1 v5.3.6 (emerald-rush)\n--- ***** -----\n-- ******* ---- Linux-6.1.0-x86_64-with-glibc2.36 2025-03-04 10:31:11\n- *** --- * ---\n- ** ---------- [config]\n- ** ---------- .> app:         shop:0x7f5e3c2a1d50\n- ** ---------- .> transport:   amqp://‹user›:**@rabbitmq.internal:5672//\n- ** ---------- .> results:     redis://:**@redis-primary.cache.internal:6379/1\n- *** --- * --- .> concurrency: 4 (prefork)",
    ),
    (
        "Rails log with filtered params",
        'Started POST "/users/sign_in" for ‹ip› at 2025-03-04 10:14:02 +0000\nProcessing by Users::SessionsController#create as HTML\n  Parameters: {"authenticity_token"=>"[FILTERED]", "user"=>{"email"=>"‹email›", "password"=>"[FILTERED]", "remember_me"=>"0"}, "commit"=>"Log in"}\nRedirected to https://‹domain›/dashboard\nCompleted 302 Found in 211ms',
    ),
    (
        "Django settings page masked",
        "DATABASES\t{'default': {'ENGINE': 'django.db.backends.postgresql', 'HOST': '‹dbhost›', 'NAME': 'shop', 'PASSWORD': '********************', 'PORT': '5432', 'USER': '‹user›'}}\nSECRET_KEY\t'********************'\nSTRIPE_API_KEY\t'********************'\nTIME_ZONE\t'UTC'",
    ),
    (
        "structured log with trace ids",
        'level=info ts=‹ts› caller=server.go:211 msg="request completed" method=POST path=/v1/tokens/refresh status=200 request_id=‹uuid› trace_id=‹trace› span_id=‹span› duration_ms=41 user_id=‹objectid›',
    ),
    (
        "OAuth error response",
        'HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="The access token expired"\nContent-Type: application/json\nX-Request-Id: ‹uuid›\n\n{"error":"invalid_token","error_description":"The access token expired"}',
    ),
    (
        "HTTP response headers with ids",
        "HTTP/2 200\ncontent-type: application/json\netag: W/\"‹etag›\"\nx-amz-request-id: ‹reqid›\nx-amz-id-2: ‹amzid2›\ncf-ray: ‹cfray›\nstrict-transport-security: max-age=63072000; includeSubDomains; preload\ncontent-security-policy: script-src 'self' 'nonce-‹nonce›'",
    ),
    (
        "OpenAI response headers",
        "HTTP/2 200\ncontent-type: application/json\nopenai-organization: ‹openai_org›\nopenai-project: ‹openai_projid›\nopenai-processing-ms: 812\nx-request-id: req_‹md5›\nx-ratelimit-remaining-tokens: 149284",
    ),
    (
        "gitleaks rule file",
        '[[rules]]\nid = "generic-api-key"\ndescription = "Generic API Key"\nregex = \'\'\'(?i)(?:api[_-]?key|token|secret)(?:[\\s\\w.-]{0,20})[=:]\\s*[\'"]?([a-z0-9_\\-]{32,})\'\'\'\nentropy = 3.5\nkeywords = ["key", "api", "token", "secret", "password"]',
    ),
    (
        "go.sum",
        "github.com/golang-jwt/jwt/v5 v5.2.1 ‹gosum›\ngithub.com/golang-jwt/jwt/v5 v5.2.1/go.mod ‹gosum#2›\ngolang.org/x/crypto v0.21.0 ‹gosum#3›\ngolang.org/x/crypto v0.21.0/go.mod ‹gosum#4›",
    ),
    (
        "sha256sum output",
        "‹sha256›  dist/autopilot-1.4.2-linux-amd64.tar.gz\n‹sha256#2›  dist/autopilot-1.4.2-darwin-arm64.tar.gz\n‹sha256#3›  dist/autopilot-1.4.2-windows-amd64.zip",
    ),
    (
        "git log with signatures",
        'commit ‹sha›\ngpg: Signature made Tue 04 Mar 2025 10:02:11 UTC\ngpg:                using EDDSA key ‹gpgfp›\ngpg: Good signature from "‹user› <‹email›>" [ultimate]\nAuthor: ‹user› <‹email›>\nDate:   Tue Mar 4 10:02:11 2025 +0000\n\n    Rotate token refresh logic; keep secret names unchanged\n\n    Refs: ‹sha7›',
    ),
    (
        "secret inventory CSV",
        "name,type,rotation_days,last_rotated\nprod/db/password,SecureString,90,2025-01-03\nprod/stripe/api-key,SecureString,30,2025-02-20\nprod/github/deploy-token,SecureString,30,2025-02-21\nstaging/jwt/signing-key,SecureString,180,2024-11-30",
    ),
    (
        "SOPS dotenv",
        "DB_PASSWORD=‹sops›\nSTRIPE_KEY=‹sops#2›\nsops_age__list_0__map_recipient=‹age_pub›\nsops_lastmodified=2025-03-04T10:12:11Z\nsops_mac=‹sops#3›\nsops_version=3.8.1",
    ),
    (
        "wallet watch-only export",
        "Watch-only wallet\nxpub: ‹xpub›\nfirst receive address: bc1q‹lc14›‹lc14#2›\nderivation: m/84'/0'/0'",
    ),
    (
        "WireGuard peer listing",
        "interface: wg0\n  public key: ‹wg_pub›\n  private key: (hidden)\n  listening port: 51820\n\npeer: ‹wg_pub#2›\n  endpoint: ‹pubip›:51820\n  allowed ips: 10.8.0.2/32\n  latest handshake: 1 minute, 3 seconds ago",
    ),
    (
        "Kerberos klist",
        "Ticket cache: FILE:/tmp/krb5cc_1000\nDefault principal: ‹user›@CORP.‹word›.COM\n\nValid starting       Expires              Service principal\n03/04/2025 09:00:01  03/04/2025 19:00:01  krbtgt/CORP.‹word›.COM@CORP.‹word›.COM\n\trenew until 03/11/2025 09:00:01",
    ),
    (
        "Stripe dashboard event log",
        "evt ‹stripe_evt› payment_intent.succeeded livemode=true\n  payment_intent: ‹stripe_pi›\n  customer: ‹stripe_cus›\n  request: ‹stripe_req› (idempotency key ‹uuid›)",
    ),
    (
        "data URI image in CSS",
        '.logo {\n  width: 32px;\n  height: 32px;\n  background-image: url("data:image/png;base64,‹b64img›");\n}',
    ),
    (
        "CLI help text for password flags",
        "Usage: pg_dump [OPTION]... [DBNAME]\n\nConnection options:\n  -d, --dbname=DBNAME      database to dump\n  -h, --host=HOSTNAME      database server host or socket directory\n  -U, --username=NAME      connect as specified database user\n  -w, --no-password        never prompt for password\n  -W, --password           force password prompt (should happen automatically)\n  --role=ROLENAME          do SET ROLE before dump",
    ),
    (
        "Spring actuator env masked",
        "spring.datasource.password: ******\nspring.mail.password: ******\nstripe.api-key: ******\nmanagement.endpoint.env.show-values: WHEN_AUTHORIZED",
    ),
    (
        "Terraform plan sensitive",
        '  # aws_db_instance.main will be updated in-place\n  ~ resource "aws_db_instance" "main" {\n        id       = "db-‹reqid›"\n      ~ password = (sensitive value)\n        username = "‹user›"\n        # (41 unchanged attributes hidden)\n    }\n\nPlan: 0 to add, 1 to change, 0 to destroy.',
    ),
    (
        "Pulumi config listing",
        "KEY                      VALUE\naws:region               ‹region›\nshop:dbPassword          [secret]\nshop:stripeKey           [secret]\nshop:instanceCount       3",
    ),
    (
        "password manager item listing",
        "ID                            TITLE                     VAULT            EDITED\n‹lc14›‹lc5›    Stripe live secret key    Engineering      3 days ago\n‹lc14#2›‹lc5#2›    Prod Postgres password    Engineering      2 months ago\n‹lc14#3›‹lc5#3›    GitHub deploy token       CI               1 week ago",
    ),
    (
        "AWS ARNs and account ids",
        "Role:   arn:aws:iam::‹acct›:role/github-actions-deploy\nPolicy: arn:aws:iam::‹acct›:policy/ReadSecretsProd\nSecret: arn:aws:secretsmanager:‹region›:‹acct›:secret:prod/db/password-‹lc5›X\nKey:    arn:aws:kms:‹region›:‹acct›:key/‹uuid›",
    ),
    (
        "agent prose: rotation steps with masked key",
        "To rotate the Stripe key: create a restricted key in the dashboard, store it with `vault kv put secret/shop/stripe api_key=-` (it reads stdin, so it never lands in shell history), then roll the pods. The old key (rk_"
        "live_…‹masked_tail›) can be revoked once `kubectl rollout status` reports success.",
    ),
    (
        "pip freeze with security packages",
        "cryptography==42.0.5\nkeyring==25.1.0\npyjwt==2.8.0\npython-jose==3.3.0\nSecretStorage==3.3.3\ntokenizers==0.19.1\npasslib==1.7.4\nauthlib==1.3.0",
    ),
    (
        "pytest run with token test names",
        "============================= test session starts ==============================\ncollected 5 items\n\ntests/test_tokens.py::test_refresh_token_rotates PASSED                  [ 20%]\ntests/test_tokens.py::test_expired_access_token_rejected PASSED          [ 40%]\ntests/test_passwords.py::test_hash_and_verify PASSED                     [ 60%]\ntests/test_api_keys.py::test_key_prefix_is_shown PASSED                  [ 80%]\ntests/test_secrets.py::test_vault_path_is_built PASSED                   [100%]\n\n============================== 5 passed in 0.41s ===============================",
    ),
    ("Git LFS pointer", "version https://git-lfs.github.com/spec/v1\noid sha256:‹sha256›\nsize 48211"),
    (
        "kubectl events with secret-named objects",
        'LAST SEEN   TYPE      REASON              OBJECT                              MESSAGE\n2m          Normal    Scheduled           pod/token-service-7f9c6d5b4-x2lqp   Successfully assigned shop/token-service-7f9c6d5b4-x2lqp to node-‹ip›\n2m          Warning   FailedMount         pod/token-service-7f9c6d5b4-x2lqp   MountVolume.SetUp failed for volume "api-keys" : secret "api-keys" not found\n90s         Normal    Pulled              pod/token-service-7f9c6d5b4-x2lqp   Container image "ghcr.io/‹user›/token-service@‹digest›" already present on machine',
    ),
    (
        "TLS certificate text dump",
        "Certificate:\n    Data:\n        Version: 3 (0x2)\n        Serial Number:\n            04:‹hex8›:‹hex8#2›:2f:91\n        Signature Algorithm: sha256WithRSAEncryption\n        Issuer: C=US, O=Let's Encrypt, CN=R11\n        Subject: CN=api.‹domain›\n        Subject Public Key Info:\n            Public Key Algorithm: rsaEncryption\n                Public-Key: (2048 bit)\n        X509v3 Subject Key Identifier:\n            ‹sha›\nSHA256 Fingerprint=‹sha256›",
    ),
]

# ---------------------------------------------------------------------------------------------
# shell: commands run and what they printed
# ---------------------------------------------------------------------------------------------
TEMPLATES["shell"] = [
    # --- with secrets ---
    (
        "curl -v with basic auth",
        "$ curl -v -u ‹user›:«pw» https://nexus.‹domain›/service/rest/v1/status\n*   Trying ‹ip›:443...\n* Connected to nexus.‹domain› (‹ip›) port 443\n* Server auth using Basic with user '‹user›'\n> GET /service/rest/v1/status HTTP/1.1\n> Host: nexus.‹domain›\n> Authorization: Basic «basic»\n> User-Agent: curl/8.5.0\n>\n< HTTP/1.1 200 OK",
    ),
    (
        "curl with bearer header",
        '$ curl -sS https://api.github.com/user -H "Authorization: Bearer «gho»" -H \'Accept: application/vnd.github+json\' | jq .login\n"‹user›"',
    ),
    (
        "curl Anthropic messages API",
        '$ curl https://api.anthropic.com/v1/messages \\\n    -H "x-api-key: «anthropic»" \\\n    -H "anthropic-version: 2023-06-01" \\\n    -H "content-type: application/json" \\\n    -d \'{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"ping"}]}\'',
    ),
    (
        "curl Stripe with -u key:",
        '$ curl https://api.stripe.com/v1/customers?limit=3 -u «stripe_sk»:\n{\n  "object": "list",\n  "data": [],\n  "has_more": false,\n  "url": "/v1/customers"\n}',
    ),
    (
        "curl verbose response with session cookie",
        "$ curl -sv -X POST https://‹domain›/login -d 'email=‹email›&password=«pw»' -c jar.txt\n> POST /login HTTP/2\n> content-type: application/x-www-form-urlencoded\n< HTTP/2 302\n< set-cookie: sessionid=«django_session»; expires=Tue, 18 Mar 2025 10:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax\n< location: /dashboard/",
    ),
    (
        "curl with Express session cookie",
        '$ curl -s -b \'connect.sid=«express_sid»\' https://‹domain›/api/me\n{"id":"‹objectid›","email":"‹email›","role":"admin"}',
    ),
    (
        "httpie with bearer token",
        '$ http GET https://api.linear.app/graphql Authorization:«linear» query==\'{ viewer { id name } }\'\nHTTP/1.1 200 OK\nContent-Type: application/json; charset=utf-8\n\n{\n    "data": {\n        "viewer": {\n            "id": "‹uuid›",\n            "name": "‹user›"\n        }\n    }\n}',
    ),
    (
        "wget with password flags",
        "$ wget --user=‹user› --password='«pw»' https://repo.‹domain›/artifacts/app-1.4.2.tar.gz\n--2025-03-04 10:12:01--  https://repo.‹domain›/artifacts/app-1.4.2.tar.gz\nResolving repo.‹domain›... ‹ip›\nHTTP request sent, awaiting response... 200 OK",
    ),
    (
        "mysql -p on command line",
        "$ mysql -h ‹dbhost› -u root -p'«hpw»' -e 'SHOW DATABASES;'\nmysql: [Warning] Using a password on the command line interface can be insecure.\n+--------------------+\n| Database           |\n+--------------------+\n| information_schema |\n| shop               |\n+--------------------+",
    ),
    (
        "mysqldump with --password=",
        "$ mysqldump --single-transaction --user=backup --password=«pw» --host=‹dbhost› shop | gzip > /backups/shop-$(date +%F).sql.gz",
    ),
    (
        "PGPASSWORD inline",
        "$ PGPASSWORD='«pw»' psql -h ‹dbhost› -U ‹user› -d analytics -c '\\dt'\n              List of relations\n Schema |    Name     | Type  |  Owner\n--------+-------------+-------+---------\n public | events      | table | ‹user›\n(1 row)",
    ),
    (
        "redis-cli -a",
        "$ redis-cli -h redis-primary.cache.internal -a «pw» --no-auth-warning INFO replication\n# Replication\nrole:master\nconnected_slaves:2",
    ),
    (
        "mongosh with SRV URI",
        "$ mongosh \"mongodb+srv://‹user›:«upw»@‹host›/shop?appName=ops\" --eval 'db.orders.countDocuments()'\nCurrent Mongosh Log ID: ‹objectid›\nConnecting to: mongodb+srv://<credentials>@‹host›/shop?appName=ops\n48211",
    ),
    (
        "sqlcmd with sa password",
        'C:\\> sqlcmd -S tcp:‹dbhost›,1433 -U sa -P "«hpw»" -Q "SELECT name FROM sys.databases"\nname\n------\nmaster\ntempdb\nShop\n\n(3 rows affected)',
    ),
    (
        "cqlsh with -p",
        "$ cqlsh cassandra-0.cassandra.data.svc 9042 -u ‹user› -p '«pw»' --ssl -e 'DESCRIBE KEYSPACES'\n\nsystem_auth  system_schema  telemetry  system  system_traces",
    ),
    (
        "clickhouse-client --password",
        "$ clickhouse-client --host ‹host› --secure --user ‹user› --password '«pw»' --query 'SELECT count() FROM events'\n1829331",
    ),
    (
        "docker run with env password",
        "$ docker run -d --name pg -e POSTGRES_USER=‹user› -e POSTGRES_PASSWORD=«pw» -p 5432:5432 postgres:16\n‹sha256›",
    ),
    (
        "echo password into docker login",
        '$ echo "«dockerhub»" | docker login -u ‹user› --password-stdin\nLogin Succeeded',
    ),
    (
        "docker login -p",
        "$ docker login ghcr.io -u ‹user› -p «ghp»\nWARNING! Using --password via the CLI is insecure. Use --password-stdin.\nLogin Succeeded",
    ),
    (
        "docker build --build-arg token",
        "$ docker build --build-arg NPM_TOKEN=«npm» --build-arg NODE_ENV=production -t ‹word›/web:‹sha7› .\n[+] Building 41.2s (14/14) FINISHED",
    ),
    (
        "docker inspect env",
        '$ docker inspect --format \'{{json .Config.Env}}\' api | jq .\n[\n  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",\n  "DATABASE_URL=postgres://‹user›:«upw»@db:5432/app",\n  "REDIS_URL=redis://redis:6379/0",\n  "SECRET_KEY_BASE=«hex128»",\n  "RAILS_ENV=production"\n]',
    ),
    (
        "kubectl create secret from literal",
        "$ kubectl create secret generic db-credentials -n shop --from-literal=username=‹user› --from-literal=password='«pw»'\nsecret/db-credentials created",
    ),
    (
        "kubectl get secret decoded",
        "$ kubectl get secret db-credentials -n shop -o jsonpath='{.data.password}' | base64 -d\n«pw»",
    ),
    (
        "kubectl get secret yaml",
        '$ kubectl get secret registry-creds -o yaml\napiVersion: v1\ndata:\n  password: «b64pw»\n  username: ZGVwbG95\nkind: Secret\nmetadata:\n  creationTimestamp: "‹ts›"\n  name: registry-creds\n  namespace: ci\n  resourceVersion: "‹k8s_rv›"\n  uid: ‹uuid›\ntype: Opaque',
    ),
    (
        "helm install --set password",
        "$ helm upgrade --install pg bitnami/postgresql -n data --set auth.username=‹user› --set auth.password='«pw»' --set auth.postgresPassword='«pw#2»'\nRelease \"pg\" has been upgraded. Happy Helming!\nNAME: pg\nSTATUS: deployed\nREVISION: 4",
    ),
    (
        "terraform apply -var",
        "$ terraform apply -auto-approve -var 'db_password=«pw»' -var 'environment=prod'\naws_db_instance.main: Modifying... [id=db-‹reqid›]\naws_db_instance.main: Modifications complete after 1m12s",
    ),
    (
        "ansible-playbook -e become password",
        "$ ansible-playbook -i inventories/prod site.yml -e 'ansible_become_password=«hpw»' --limit web\n\nPLAY [web] *********************************************************************",
    ),
    (
        "vault kv put",
        "$ vault kv put secret/shop/stripe api_key=«stripe_sk» webhook_secret=«whsec»\n====== Secret Path ======\nsecret/data/shop/stripe\n\n======= Metadata =======\nKey                Value\n---                -----\ncreated_time       ‹ts›\nversion            3",
    ),
    (
        "vault token create",
        '$ vault token create -policy=deploy -ttl=768h\nKey                  Value\n---                  -----\ntoken                «vault»\ntoken_accessor       ‹vault_accessor›\ntoken_duration       768h\ntoken_renewable      true\ntoken_policies       ["default" "deploy"]\nidentity_policies    []\npolicies             ["default" "deploy"]',
    ),
    (
        "vault read dynamic db creds",
        "$ vault read database/creds/readonly\nKey                Value\n---                -----\nlease_id           database/creds/readonly/‹vault_accessor›\nlease_duration     1h\nlease_renewable    true\npassword           «an24»\nusername           v-token-readonly-‹lc14›-1741082531",
    ),
    (
        "aws configure set",
        "$ aws configure set aws_access_key_id ‹akid› --profile ci\n$ aws configure set aws_secret_access_key «aws_secret» --profile ci\n$ aws sts get-caller-identity --profile ci --query Arn --output text\narn:aws:iam::‹acct›:user/ci",
    ),
    (
        "export AWS creds from assume-role",
        "$ eval $(aws configure export-credentials --profile prod --format env)\n$ env | grep AWS_\nAWS_ACCESS_KEY_ID=‹asia›\nAWS_SECRET_ACCESS_KEY=«aws_secret»\nAWS_SESSION_TOKEN=«aws_session»\nAWS_CREDENTIAL_EXPIRATION=‹ts›",
    ),
    (
        "gcloud print-access-token",
        "$ gcloud auth print-access-token\n«ya29»\n$ curl -s -H \"Authorization: Bearer $(gcloud auth print-access-token)\" https://cloudresourcemanager.googleapis.com/v1/projects | jq '.projects | length'\n12",
    ),
    (
        "az login service principal",
        'PS> az login --service-principal -u ‹uuid› -p «azure_client_secret» --tenant ‹uuid#2›\n[\n  {\n    "cloudName": "AzureCloud",\n    "id": "‹azure_sub›",\n    "isDefault": true,\n    "state": "Enabled",\n    "user": {\n      "name": "‹uuid›",\n      "type": "servicePrincipal"\n    }\n  }\n]',
    ),
    (
        "az storage with account key",
        "$ az storage blob upload --account-name ‹lc14› --account-key «azure_storage» -c backups -f db.dump -n db-2025-03-04.dump\nFinished[#############################################################]  100.0000%",
    ),
    ("gh auth token", "$ gh auth token\n«gho»"),
    (
        "gh secret set with body",
        "$ gh secret set SLACK_WEBHOOK --repo ‹user›/infra --body 'https://hooks.slack.com/services/T‹last4›‹hex8u›/B‹hex8u#2›/«slack_hook»'\n✓ Set Actions secret SLACK_WEBHOOK for ‹user›/infra",
    ),
    (
        "heroku config",
        "$ heroku config -a ‹word›-api\n=== ‹word›-api Config Vars\nDATABASE_URL:          postgres://‹lc14›:«hex64»@ec2-‹ip›.compute-1.amazonaws.com:5432/d‹lc14#2›\nPAPERTRAIL_API_TOKEN:  «an20»\nREDIS_URL:             rediss://:«upw»@ec2-‹ip›.compute-1.amazonaws.com:25310\nSECRET_KEY_BASE:       «hex128»\nWEB_CONCURRENCY:       2",
    ),
    (
        "git clone with token in URL",
        "$ git clone https://oauth2:«glpat»@gitlab.‹domain›/platform/infra.git\nCloning into 'infra'...\nremote: Enumerating objects: 4182, done.\nReceiving objects: 100% (4182/4182), 1.21 MiB | 9.80 MiB/s, done.",
    ),
    (
        "git remote -v with token",
        "$ git remote -v\norigin\thttps://x-access-token:«ghs»@github.com/‹user›/web.git (fetch)\norigin\thttps://x-access-token:«ghs»@github.com/‹user›/web.git (push)",
    ),
    (
        "git config url insteadOf",
        "$ git config --global --list\nuser.name=‹user›\nuser.email=‹email›\nurl.https://«ghp»@github.com/.insteadof=https://github.com/\ninit.defaultbranch=main",
    ),
    (
        "git credential fill",
        "$ printf 'protocol=https\\nhost=github.com\\n\\n' | git credential fill\nprotocol=https\nhost=github.com\nusername=‹user›\npassword=«gho»",
    ),
    (
        "npm config set authToken",
        "$ npm config set //registry.npmjs.org/:_authToken=«npm»\n$ npm whoami\n‹user›",
    ),
    (
        "pip install from index with creds",
        "$ pip install --index-url https://‹user›:«upw»@pypi.‹domain›/simple/ internal-sdk==2.3.1\nLooking in indexes: https://‹user›:****@pypi.‹domain›/simple/\nCollecting internal-sdk==2.3.1",
    ),
    (
        "twine upload with password flag",
        "$ twine upload -u __token__ -p «pypi» dist/*\nUploading distributions to https://upload.pypi.org/legacy/\nUploading ‹word›-0.4.1-py3-none-any.whl",
    ),
    ("cargo login", "$ cargo login «cargo»\n       Login token for `crates.io` saved"),
    (
        "gem push with api key env",
        "$ GEM_HOST_API_KEY=«rubygems» gem push ‹word›-1.2.0.gem\nPushing gem to https://rubygems.org...\nSuccessfully registered gem: ‹word› (1.2.0)",
    ),
    (
        "dotnet nuget push",
        "PS> dotnet nuget push bin/Release/Acme.Core.3.1.0.nupkg --api-key «nuget» --source https://api.nuget.org/v3/index.json\nPushing Acme.Core.3.1.0.nupkg to 'https://www.nuget.org/api/v2/package'...",
    ),
    (
        "env output with secrets",
        "$ env | sort\nHOME=/home/app\nHOSTNAME=api-6c8d9f7b5-kq2zt\nLANG=C.UTF-8\nOPENROUTER_API_KEY=«openrouter»\nPATH=/usr/local/bin:/usr/bin:/bin\nREPLICATE_API_TOKEN=«replicate»\nHF_TOKEN=«hf»\nPYTHONUNBUFFERED=1",
    ),
    ("printenv single var", "$ printenv CLOUDFLARE_API_TOKEN\n«cloudflare»"),
    (
        "set -x trace with export",
        '+ export DIGITALOCEAN_ACCESS_TOKEN=«do_token»\n+ DIGITALOCEAN_ACCESS_TOKEN=«do_token»\n+ doctl kubernetes cluster kubeconfig save prod-ams3\nNotice: Adding cluster credentials to kubeconfig file found in "/root/.kube/config"',
    ),
    (
        "bash -x trace of curl with webhook",
        '+ payload=\'{"text":"deploy ‹sha7› finished"}\'\n+ curl -fsS -X POST -H \'Content-type: application/json\' --data \'{"text":"deploy ‹sha7› finished"}\' https://discord.com/api/webhooks/‹acct›‹n›/«discord_hook»',
    ),
    ("cat ~/.erlang.cookie", "$ cat ~/.erlang.cookie; echo\n«erlang_cookie»"),
    (
        "cat ~/.docker/config.json",
        '$ cat ~/.docker/config.json\n{\n\t"auths": {\n\t\t"https://index.docker.io/v1/": {\n\t\t\t"auth": "«basic»"\n\t\t},\n\t\t"ghcr.io": {}\n\t},\n\t"credsStore": ""\n}',
    ),
    (
        "cat kubeconfig with client key",
        "$ cat ~/.kube/config\napiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: ‹b64cert›\n    server: https://‹pubip›:6443\n  name: kind-dev\nusers:\n- name: kind-dev\n  user:\n    client-certificate-data: ‹b64cert#2›\n    client-key-data: «k8s_key_b64»",
    ),
    (
        "ssh-keygen -y shows private key cat",
        "$ cat ~/.ssh/id_ecdsa\n«pem_ec»\n$ ssh-keygen -lf ~/.ssh/id_ecdsa\n256 ‹fp› ‹user›@laptop (ECDSA)",
    ),
    (
        "openssl pkcs12 export with passout",
        "$ openssl pkcs12 -export -in cert.pem -inkey key.pem -out bundle.p12 -name api -passout pass:«pw»\n$ ls -l bundle.p12\n-rw------- 1 ‹user› ‹user› 2637 Mar  4 10:20 bundle.p12",
    ),
    (
        "keytool with storepass",
        "$ keytool -importkeystore -srckeystore bundle.p12 -srcstoretype PKCS12 -srcstorepass «pw» -destkeystore app.jks -deststorepass «pw#2» -alias api\nImporting keystore bundle.p12 to app.jks...\nEntry for alias api successfully imported.",
    ),
    (
        "zip with password",
        "$ zip -P «hpw» -r exports-2025-03.zip exports/\n  adding: exports/ (stored 0%)\n  adding: exports/customers.csv (deflated 71%)",
    ),
    (
        "7z with -p",
        "PS C:\\backup> 7z a -p«pw» -mhe=on db-2025-03-04.7z db.bak\n\n7-Zip 23.01 (x64) : Copyright (c) 1999-2023 Igor Pavlov : 2023-06-20\nEverything is Ok",
    ),
    (
        "smbclient with user%password",
        "$ smbclient //fileserver/finance -U 'CORP\\‹user›%«hpw»' -c 'ls'\n  .                                   D        0  Mon Mar  3 09:12:01 2025\n  Q1-forecast.xlsx                    A   482113  Fri Feb 28 17:40:22 2025",
    ),
    (
        "mount cifs with password option",
        "$ sudo mount -t cifs //nas/media /mnt/media -o username=‹user›,password=«pw»,uid=1000,vers=3.0\n$ df -h /mnt/media\nFilesystem      Size  Used Avail Use% Mounted on\n//nas/media     7.3T  5.1T  2.2T  70% /mnt/media",
    ),
    (
        "net use on Windows",
        "C:\\Users\\build> net use Z: \\\\fs01\\builds «hpw» /user:CORP\\svc-build /persistent:no\nThe command completed successfully.",
    ),
    (
        "PowerShell ConvertTo-SecureString",
        'PS> $pw = ConvertTo-SecureString "«hpw»" -AsPlainText -Force\nPS> $cred = New-Object System.Management.Automation.PSCredential("CORP\\‹user›", $pw)\nPS> Enter-PSSession -ComputerName sql01 -Credential $cred\n[sql01]: PS C:\\Users\\‹user›\\Documents>',
    ),
    (
        "cmdkey add credential",
        "C:\\> cmdkey /generic:TERMSRV/‹ip› /user:Administrator /pass:«hpw»\n\nCMDKEY: Credential added successfully.",
    ),
    (
        "rabbitmqctl add_user",
        "$ rabbitmqctl add_user ‹user› '«pw»'\nAdding user \"‹user›\" ...\nDone. Don't forget to grant the user permissions to some virtual hosts! See 'rabbitmqctl help set_permissions' to learn more.",
    ),
    (
        "mc alias set (MinIO)",
        "$ mc alias set prod https://s3.‹domain› ‹confluent_key› «aws_secret»\nAdded `prod` successfully.",
    ),
    (
        "elastic API key creation",
        '$ curl -s -u elastic:«pw» -X POST \'https://es.‹domain›:9200/_security/api_key\' -H \'Content-Type: application/json\' -d \'{"name":"ingest"}\'\n{"id":"‹es_id›","name":"ingest","api_key":"«es_key»","encoded":"«es_encoded»"}',
    ),
    (
        "tailscale up with auth key",
        "$ sudo tailscale up --authkey=«tailscale» --advertise-tags=tag:ci --hostname=runner-‹n›\nSuccess.",
    ),
    (
        "ngrok config add-authtoken",
        "$ ngrok config add-authtoken «ngrok»\nAuthtoken saved to configuration file: /home/‹user›/.config/ngrok/ngrok.yml",
    ),
    ("flyctl tokens create", "$ fly tokens create deploy -a ‹word›-web\nFlyV1 «fly»"),
    (
        "doctl auth init transcript",
        "$ doctl auth init --context prod\nPlease authenticate doctl for use with your DigitalOcean account. You can generate a token in the control panel at https://cloud.digitalocean.com/account/api/tokens\n\nEnter your access token: «do_token»\nValidating token... OK",
    ),
    (
        "wrangler secret put transcript",
        "$ echo '«resend»' | npx wrangler secret put RESEND_API_KEY\n🌀 Creating the secret for the Worker \"mailer\"\n✨ Success! Uploaded secret RESEND_API_KEY",
    ),
    ("htpasswd -b", "$ htpasswd -bc /etc/nginx/.htpasswd ‹user› «pw»\nAdding password for user ‹user›"),
    (
        "history with leaked commands",
        "$ history | tail -n 5\n  501  cd infra\n  502  export BUILDKITE_API_TOKEN=«buildkite»\n  503  bk build list --pipeline deploy\n  504  export SONAR_TOKEN=«sonar»\n  505  history | tail -n 5",
    ),
    (
        "Jenkins CLI with auth",
        "$ java -jar jenkins-cli.jar -s https://jenkins.‹domain›/ -auth ‹user›:«jenkins_api» list-jobs\ndeploy-prod\nnightly-e2e",
    ),
    (
        "psql connection string with password",
        "$ psql 'host=‹dbhost› port=5432 dbname=analytics user=‹user› password=«pw» sslmode=require' -c 'select 1'\n ?column?\n----------\n        1\n(1 row)",
    ),
    (
        "sshpass rsync",
        "$ sshpass -p '«hpw»' rsync -avz -e ssh ./dist/ ‹user›@‹ip›:/var/www/html/\nsending incremental file list\ndist/index.html\n\nsent 41,233 bytes  received 311 bytes  27,696.00 bytes/sec",
    ),
    (
        "Snyk auth",
        "$ snyk auth «uuid_secret»\n\nYour account has been authenticated. Snyk is now ready to be used.",
    ),
    (
        "Codecov upload with token",
        '$ ./codecov -t «uuid_secret» -f coverage.xml -F unit\n[2025-03-04T10:22:31.004Z] [\'info\'] Uploading...\n[2025-03-04T10:22:32.441Z] [\'info\'] {"status":"success","resultURL":"https://app.codecov.io/github/‹user›/web/commit/‹sha›"}',
    ),
    # --- without secrets ---
    (
        "curl with env var token",
        "$ curl -sS -H \"Authorization: Bearer $GITHUB_TOKEN\" -H 'Accept: application/vnd.github+json' https://api.github.com/repos/‹user›/web/actions/runs?per_page=1 | jq '.workflow_runs[0].conclusion'\n\"success\"",
    ),
    (
        "psql with env DATABASE_URL",
        "$ psql \"$DATABASE_URL\" -c 'select count(*) from orders'\n count\n-------\n 48211\n(1 row)",
    ),
    (
        "docker login from file",
        "$ docker login ghcr.io -u ‹user› --password-stdin < ~/.config/ghcr-token\nWARNING! Your password will be stored unencrypted in /home/‹user›/.docker/config.json.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/engine/reference/commandline/login/#credentials-store\n\nLogin Succeeded",
    ),
    (
        "aws configure list masked",
        "$ aws configure list\n      Name                    Value             Type    Location\n      ----                    -----             ----    --------\n   profile                <not set>             None    None\naccess_key     ****************‹last4›      shared-credentials-file\nsecret_key     ****************‹last4#2›      shared-credentials-file\n    region                ‹region›      config-file    ~/.aws/config",
    ),
    (
        "aws sts get-caller-identity",
        '$ aws sts get-caller-identity\n{\n    "UserId": "‹aida›",\n    "Account": "‹acct›",\n    "Arn": "arn:aws:iam::‹acct›:user/‹user›"\n}',
    ),
    (
        "gh auth status masked",
        "$ gh auth status\ngithub.com\n  ✓ Logged in to github.com account ‹user› (keyring)\n  - Active account: true\n  - Git operations protocol: https\n  - Token: gho_************************************\n  - Token scopes: 'gist', 'read:org', 'repo', 'workflow'",
    ),
    (
        "gh secret list",
        "$ gh secret list --repo ‹user›/infra\nNAME                   UPDATED\nAWS_SECRET_ACCESS_KEY  about 2 months ago\nNPM_TOKEN              about 5 days ago\nSLACK_WEBHOOK          about 1 year ago\nSTRIPE_SECRET_KEY      about 3 months ago",
    ),
    (
        "kubectl get secrets list",
        "$ kubectl get secrets -n shop\nNAME                  TYPE                             DATA   AGE\ndb-credentials        Opaque                           2      41d\nregistry-creds        kubernetes.io/dockerconfigjson   1      203d\nstripe-api-key        Opaque                           1      12d\ntls-api               kubernetes.io/tls                2      3d",
    ),
    (
        "kubectl describe pod env from secret",
        "$ kubectl describe pod api-6c8d9f7b5-kq2zt -n shop | sed -n '/Environment:/,/Mounts:/p'\n    Environment:\n      DB_PASSWORD:     <set to the key 'password' in secret 'db-credentials'>  Optional: false\n      STRIPE_API_KEY:  <set to the key 'api-key' in secret 'stripe-api-key'>   Optional: false\n      LOG_LEVEL:       info\n    Mounts:",
    ),
    (
        "kubectl describe secret",
        "$ kubectl describe secret stripe-api-key -n shop\nName:         stripe-api-key\nNamespace:    shop\nLabels:       app.kubernetes.io/managed-by=external-secrets\nAnnotations:  reconcile.external-secrets.io/data-hash: ‹md5›\n\nType:  Opaque\n\nData\n====\napi-key:  107 bytes",
    ),
    (
        "vault token lookup accessor only",
        "$ vault token lookup -accessor ‹vault_accessor›\nKey                 Value\n---                 -----\naccessor            ‹vault_accessor›\ncreation_time       1741082531\ncreation_ttl        768h\ndisplay_name        token-deploy\nentity_id           ‹uuid›\nexpire_time         ‹ts›\nid                  n/a\npolicies            [default deploy]",
    ),
    (
        "vault kv get metadata",
        "$ vault kv metadata get secret/shop/stripe\n======== Metadata Path ========\nsecret/metadata/shop/stripe\n\n========== Metadata ==========\nKey                     Value\n---                     -----\ncas_required            false\ncreated_time            ‹ts›\ncurrent_version         3\nmax_versions            0\nupdated_time            ‹ts#2›",
    ),
    (
        "ssh-keygen generate output",
        "$ ssh-keygen -t ed25519 -C ‹email› -f ~/.ssh/id_ed25519_deploy -N ''\nGenerating public/private ed25519 key pair.\nYour identification has been saved in /home/‹user›/.ssh/id_ed25519_deploy\nYour public key has been saved in /home/‹user›/.ssh/id_ed25519_deploy.pub\nThe key fingerprint is:\n‹fp› ‹email›\nThe key's randomart image is:\n+--[ED25519 256]--+\n|      .o+=*B=.   |\n|     . +o*=+o    |\n|      o.Oo=.     |\n+----[SHA256]-----+",
    ),
    ("ssh-add -l", "$ ssh-add -l\n256 ‹fp› ‹email› (ED25519)\n3072 ‹fp#2› ci@build-01 (RSA)"),
    (
        "gpg --list-secret-keys",
        "$ gpg --list-secret-keys --keyid-format=long\n/home/‹user›/.gnupg/pubring.kbx\n-------------------------------\nsec   ed25519/‹hex16› 2024-05-02 [SC] [expires: 2026-05-02]\n      ‹gpgfp›\nuid                 [ultimate] ‹user› <‹email›>\nssb   cv25519/‹hex16#2› 2024-05-02 [E] [expires: 2026-05-02]",
    ),
    (
        "openssl genrsa output",
        "$ openssl genrsa -out server.key 4096\nGenerating RSA private key, 4096 bit long modulus (2 primes)\n..........................++++\n.....++++\ne is 65537 (0x010001)\n$ chmod 600 server.key",
    ),
    ("cat public key", "$ cat ~/.ssh/id_ed25519.pub\n‹sshpub_ed› ‹email›"),
    (
        "docker pull digests",
        "$ docker pull postgres:16\n16: Pulling from library/postgres\n‹hex8›‹hex8#2›‹hex8#3›: Pull complete\nDigest: ‹digest›\nStatus: Downloaded newer image for postgres:16\ndocker.io/library/postgres:16",
    ),
    (
        "docker images --digests",
        "$ docker images --digests\nREPOSITORY        TAG     DIGEST       IMAGE ID       CREATED       SIZE\nghcr.io/‹user›/api  ‹sha7›  ‹digest›  ‹hex8›‹hex8#2›   2 hours ago   212MB\nredis             7.2     ‹digest#2›  ‹hex8#3›‹hex8#4›   3 weeks ago   117MB",
    ),
    (
        "pip install with hashes",
        "$ pip install --require-hashes -r requirements.lock\nCollecting cryptography==42.0.5 (from -r requirements.lock (line 12))\n  Using cached cryptography-42.0.5-cp39-abi3-manylinux_2_28_x86_64.whl (4.6 MB)\n  Hash: sha256:‹sha256›\nSuccessfully installed cryptography-42.0.5",
    ),
    (
        "npm token list masked",
        "$ npm token list\n┌────────┬─────────┬────────────┬──────────┬────────────────┐\n│ id     │ token   │ created    │ readonly │ CIDR whitelist │\n├────────┼─────────┼────────────┼──────────┼────────────────┤\n│ ‹hex8› │ npm_h3… │ 2025-01-14 │ no       │                │\n│ ‹hex8#2› │ npm_Xy… │ 2024-11-02 │ yes      │                │\n└────────┴─────────┴────────────┴──────────┴────────────────┘",
    ),
    (
        "env without secrets but key words",
        "$ env | grep -iE 'token|key|secret|pass'\nTOKENIZERS_PARALLELISM=false\nSSH_AUTH_SOCK=/tmp/ssh-‹lc14›/agent.2211\nGPG_TTY=/dev/pts/0\nKEYTIMEOUT=1\nPASSWORD_STORE_DIR=/home/‹user›/.password-store\nAWS_SECRET_ACCESS_KEY_FILE=/run/secrets/aws_secret_key\nSECRETS_BACKEND=vault",
    ),
    (
        "set -x with masked secret",
        '+ echo \'::add-mask::***\'\n+ curl -fsSL -H \'Authorization: Bearer ***\' https://api.‹domain›/v1/deploys -d ref=‹sha›\n{"id":"‹uuid›","status":"queued"}',
    ),
    (
        "git config credential helper",
        "$ git config --show-origin --get-all credential.helper\nfile:/etc/gitconfig\tcache --timeout=3600\nfile:/home/‹user›/.gitconfig\t!gh auth git-credential\n$ git remote -v\norigin\tgit@github.com:‹user›/infra.git (fetch)\norigin\tgit@github.com:‹user›/infra.git (push)",
    ),
    (
        "git log oneline with key words",
        "$ git log --oneline -6\n‹sha7› Rotate API keys via Vault instead of env files\n‹sha7#2› Add token refresh with exponential backoff\n‹sha7#3› Remove hard-coded password from tests (use fixture)\n‹sha7#4› Bump golang.org/x/crypto to v0.21.0\n‹sha7#5› Merge pull request #412 from ‹user›/secret-scanning\n‹sha7#6› Document PASSWORD_MIN_LENGTH",
    ),
    (
        "gcloud secrets versions list",
        "$ gcloud secrets versions list db-password --project ‹word›-prod\nNAME  STATE     CREATED              DESTROYED\n4     enabled   2025-02-20T10:41:22  -\n3     disabled  2024-11-19T08:02:10  -\n2     destroyed 2024-08-01T12:00:00  2024-11-19T08:02:10",
    ),
    (
        "az keyvault secret list",
        "$ az keyvault secret list --vault-name kv-‹word›-prod -o table\nName              Id                                                              ContentType    Enabled\n----------------  --------------------------------------------------------------  -------------  ---------\nsql-admin-pass    https://kv-‹word›-prod.vault.azure.net/secrets/sql-admin-pass                  True\nstripe-key        https://kv-‹word›-prod.vault.azure.net/secrets/stripe-key                      True",
    ),
    (
        "aws secretsmanager describe-secret",
        '$ aws secretsmanager describe-secret --secret-id prod/db/password\n{\n    "ARN": "arn:aws:secretsmanager:‹region›:‹acct›:secret:prod/db/password-‹lc5›X",\n    "Name": "prod/db/password",\n    "RotationEnabled": true,\n    "RotationLambdaARN": "arn:aws:lambda:‹region›:‹acct›:function:rotate-postgres",\n    "VersionIdsToStages": {\n        "‹uuid›": ["AWSCURRENT"]\n    }\n}',
    ),
    (
        "kubectl create secret from file",
        "$ kubectl create secret generic api-keys --from-file=stripe=./secrets/stripe.txt --from-env-file=./secrets/.env.prod --dry-run=client -o name\nsecret/api-keys",
    ),
    (
        "openssl x509 fingerprint",
        "$ openssl x509 -in api.crt -noout -fingerprint -sha256 -subject -enddate\nsha256 Fingerprint=‹hex8u›:‹hex8u#2›:‹hex8u#3›:‹hex8u#4›\nsubject=CN = api.‹domain›\nnotAfter=Jun  2 10:41:22 2025 GMT",
    ),
    (
        "age keygen public only",
        "$ age-keygen -o key.txt\nPublic key: ‹age_pub›\n$ age -r ‹age_pub› -o backup.tar.gz.age backup.tar.gz",
    ),
    (
        "doppler secrets names only",
        "$ doppler secrets --only-names -p shop -c prd\n┌──────────────────────┐\n│ NAME                 │\n├──────────────────────┤\n│ DATABASE_URL         │\n│ DOPPLER_CONFIG       │\n│ STRIPE_SECRET_KEY    │\n│ STRIPE_WEBHOOK_SECRET│\n└──────────────────────┘",
    ),
    (
        "pulumi stack output without secrets",
        "$ pulumi stack output\nCurrent stack outputs (4):\n    OUTPUT          VALUE\n    bucketName      ‹word›-assets-‹lc5›\n    dbEndpoint      ‹dbhost›:5432\n    dbPassword      [secret]\n    url             https://‹domain›",
    ),
    (
        "terraform output sensitive",
        '$ terraform output\ndb_endpoint = "‹dbhost›:5432"\ndb_password = <sensitive>\nlb_dns_name = "‹word›-alb-‹n›.‹region›.elb.amazonaws.com"',
    ),
    (
        "help text of a CLI with token flags",
        "$ gh auth login --help\nAuthenticate with a GitHub host.\n\nUSAGE\n  gh auth login [flags]\n\nFLAGS\n  -p, --git-protocol string   The protocol to use for git operations on this host: {ssh|https}\n  -h, --hostname string       The hostname of the GitHub instance to authenticate with\n      --with-token            Read token from standard input\n  -s, --scopes strings        Additional authentication scopes to request",
    ),
    (
        "mysql prompting for password",
        "$ mysql -h ‹dbhost› -u ‹user› -p shop\nEnter password:\nWelcome to the MySQL monitor.  Commands end with ; or \\g.\nYour MySQL connection id is 48211\nServer version: 8.0.36 MySQL Community Server - GPL",
    ),
    (
        "PowerShell Get-Secret usage",
        'PS> $key = Get-Secret -Name StripeKey -Vault CorpVault -AsPlainText\nPS> Invoke-RestMethod -Uri https://api.stripe.com/v1/balance -Headers @{ Authorization = "Bearer $key" } | Select-Object -ExpandProperty available\n\namount currency\n------ --------\n 48211 usd',
    ),
    (
        "batch prompt for password",
        "C:\\deploy> type deploy.bat\n@echo off\nset /p DB_PASS=Enter database password: \nsqlcmd -S %DB_HOST% -U %DB_USER% -P %DB_PASS% -i migrate.sql\nset DB_PASS=",
    ),
    (
        "ls of secrets directory",
        "$ ls -la /run/secrets\ntotal 16\ndrwxr-xr-x 2 root root  100 Mar  4 10:00 .\n-r--r----- 1 root app    44 Mar  4 10:00 db_password\n-r--r----- 1 root app   107 Mar  4 10:00 stripe_api_key\n-r--r----- 1 root app  1704 Mar  4 10:00 tls.key",
    ),
    (
        "sops decrypt command without output",
        '$ sops --decrypt --extract \'["db"]["password"]\' secrets/prod.enc.yaml > /dev/null && echo ok\nok\n$ sops --encrypt --age ‹age_pub› --in-place secrets/staging.enc.yaml',
    ),
    (
        "cosign verify output",
        "$ cosign verify ghcr.io/‹user›/api@‹digest› --certificate-identity-regexp '.*' --certificate-oidc-issuer https://token.actions.githubusercontent.com\n\nVerification for ghcr.io/‹user›/api@‹digest› --\nThe following checks were performed on each of these signatures:\n  - The cosign claims were validated\n  - Existence of the claims in the transparency log was verified offline\n  - The code-signing certificate was verified using trusted certificate authority certificates",
    ),
]

# ---------------------------------------------------------------------------------------------
# yaml: Kubernetes, CI systems, compose, Ansible, app configs
# ---------------------------------------------------------------------------------------------
TEMPLATES["yaml"] = [
    # --- with secrets ---
    (
        "k8s Secret with base64 data",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\n  namespace: shop\ntype: Opaque\ndata:\n  username: YXBwX3J3\n  password: «b64pw»",
    ),
    (
        "k8s Secret stringData",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-keys\n  labels:\n    app: billing\nstringData:\n  STRIPE_SECRET_KEY: «stripe_sk»\n  STRIPE_WEBHOOK_SECRET: «whsec»\n  SHIPPO_API_TOKEN: «shippo»",
    ),
    (
        "k8s TLS Secret with private key",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls-api\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: |\n    ‹cert@4›\n  tls.key: |\n    «pem_pkcs8@4»",
    ),
    (
        "k8s dockerconfigjson Secret",
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: \'{"auths":{"registry.gitlab.com":{"username":"‹user›","password":"«gldt»"}}}\'',
    ),
    (
        "Deployment with inline env value",
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  template:\n    spec:\n      containers:\n        - name: worker\n          image: ghcr.io/‹user›/worker:‹sha7›\n          env:\n            - name: REDIS_URL\n              value: redis://:«upw»@redis-primary.cache.internal:6379/0\n            - name: HUGGING_FACE_HUB_TOKEN\n              value: "«hf»"\n            - name: LOG_LEVEL\n              value: info',
    ),
    (
        "kubeconfig with bearer token",
        "apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster:\n    server: https://‹pubip›:6443\n    certificate-authority-data: ‹b64cert›\ncontexts:\n- name: prod\n  context: {cluster: prod, user: ci-deployer}\ncurrent-context: prod\nusers:\n- name: ci-deployer\n  user:\n    token: «k8s_jwt»",
    ),
    (
        "docker-compose with inline passwords",
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: ‹user›\n      POSTGRES_PASSWORD: «pw»\n  app:\n    build: .\n    environment:\n      - DATABASE_URL=postgresql://‹user›:«pw»@db:5432/app\n      - MEILI_MASTER_KEY=«an32»\n    depends_on: [db]",
    ),
    (
        "compose with MinIO root password",
        "services:\n  minio:\n    image: quay.io/minio/minio:RELEASE.2025-02-18T16-25-55Z\n    command: server /data --console-address ':9001'\n    environment:\n      MINIO_ROOT_USER: admin\n      MINIO_ROOT_PASSWORD: '«pw»'\n    ports: ['9000:9000', '9001:9001']",
    ),
    (
        "GitHub Actions with hard-coded token",
        "name: release\non:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    env:\n      NODE_AUTH_TOKEN: «npm»\n    steps:\n      - uses: actions/checkout@‹sha›\n      - run: npm publish --access public",
    ),
    (
        "GitLab CI variables inline",
        "variables:\n  DOCKER_DRIVER: overlay2\n  SONAR_HOST_URL: https://sonar.‹domain›\n  SONAR_TOKEN: «sonar»\n\nsonarqube-check:\n  image: sonarsource/sonar-scanner-cli:latest\n  script:\n    - sonar-scanner -Dsonar.qualitygate.wait=true",
    ),
    (
        "CircleCI config with env literal",
        "version: 2.1\njobs:\n  deploy:\n    docker:\n      - image: cimg/python:3.12\n        auth:\n          username: ‹user›\n          password: «dockerhub»\n    environment:\n      PIPENV_VENV_IN_PROJECT: 'true'\n    steps:\n      - checkout\n      - run: make deploy",
    ),
    (
        "Buildkite pipeline with token",
        "steps:\n  - label: ':rocket: deploy'\n    command: scripts/deploy.sh\n    env:\n      BUILDKITE_API_TOKEN: «buildkite»\n      JFROG_ACCESS_TOKEN: «jfrog»\n    agents:\n      queue: deploy",
    ),
    (
        "Drone server config",
        "kind: pipeline\ntype: docker\nname: default\n\nsteps:\n  - name: publish\n    image: plugins/docker\n    settings:\n      repo: ‹user›/api\n      username: ‹user›\n      password: «dockerhub»",
    ),
    (
        "Azure Pipelines variables inline",
        "trigger:\n  - main\npool:\n  vmImage: ubuntu-latest\nvariables:\n  buildConfiguration: Release\n  AZURE_DEVOPS_EXT_PAT: «azure_devops»\n  sqlAdminPassword: «hpw»\nsteps:\n  - script: dotnet build --configuration $(buildConfiguration)",
    ),
    (
        "Bitbucket Pipelines with app password",
        "image: node:20\npipelines:\n  branches:\n    main:\n      - step:\n          name: Tag release\n          script:\n            - git remote set-url origin https://‹user›:«bitbucket»@bitbucket.org/‹user›/web.git\n            - git push origin --tags",
    ),
    (
        "runner registration yaml with token",
        "runners:\n  - name: docker-runner-1\n    url: https://gitlab.‹domain›/\n    token: «glrt»\n    executor: docker\n    docker:\n      image: alpine:3.19\n      privileged: false",
    ),
    (
        "Ansible inventory vars",
        "all:\n  children:\n    windows:\n      hosts:\n        win01.‹domain›:\n      vars:\n        ansible_user: Administrator\n        ansible_password: «hpw»\n        ansible_connection: winrm\n        ansible_winrm_server_cert_validation: ignore",
    ),
    (
        "Ansible group_vars become pass",
        '---\nansible_user: deploy\nansible_become: true\nansible_become_pass: "«pw»"\npostgres_users:\n  - name: app\n    password: "«pw#2»"\n    role_attr_flags: LOGIN',
    ),
    (
        "Salt pillar sls",
        "mysql:\n  server:\n    root_password: '«hpw»'\n  user:\n    app:\n      password: '«pw»'\n      host: '%'\n      databases:\n        - database: shop\n          grants: ['all privileges']",
    ),
    (
        "Helm values with credentials",
        "image:\n  repository: bitnami/redis\n  tag: 7.2.4\nauth:\n  enabled: true\n  password: «pw»\nmaster:\n  persistence:\n    size: 8Gi\nmetrics:\n  enabled: true",
    ),
    (
        "Helm values Grafana admin",
        "grafana:\n  adminUser: admin\n  adminPassword: «hpw»\n  grafana.ini:\n    smtp:\n      enabled: true\n      host: smtp.sendgrid.net:587\n      user: apikey\n      password: «sendgrid»",
    ),
    (
        "Spring application.yml",
        "spring:\n  datasource:\n    url: jdbc:postgresql://‹dbhost›:5432/billing\n    username: billing\n    password: «pw»\n  mail:\n    host: smtp.office365.com\n    username: ‹email›\n    password: «hpw»\n  security:\n    oauth2:\n      client:\n        registration:\n          google:\n            client-id: ‹gcid›\n            client-secret: «gocspx»",
    ),
    (
        "Rails database.yml",
        "production:\n  adapter: postgresql\n  encoding: unicode\n  host: ‹dbhost›\n  database: shop_production\n  username: shop\n  password: <%= ENV.fetch('DB_PASSWORD') { '«pw»' } %>\n  pool: 10",
    ),
    (
        "Rails credentials decrypted",
        "# rails credentials:show\nsecret_key_base: «hex128»\naws:\n  access_key_id: ‹akid›\n  secret_access_key: «aws_secret»\nstripe:\n  secret_key: «stripe_sk»",
    ),
    (
        "Symfony parameters.yml",
        "parameters:\n    database_host: ‹dbhost›\n    database_name: symfony\n    database_user: ‹user›\n    database_password: «pw»\n    mailer_transport: smtp\n    secret: «hex40»",
    ),
    (
        "Home Assistant secrets.yaml",
        "# secrets.yaml\nwifi_password: «hpw»\nmqtt_password: «pw»\nopenweathermap_api_key: «hex32»\ntelegram_bot_token: «telegram»",
    ),
    (
        "Prometheus scrape with basic auth",
        "scrape_configs:\n  - job_name: 'federate'\n    scheme: https\n    metrics_path: /federate\n    basic_auth:\n      username: ‹user›\n      password: «pw»\n    static_configs:\n      - targets: ['prom.‹domain›:443']",
    ),
    (
        "Alertmanager receivers",
        "receivers:\n  - name: slack\n    slack_configs:\n      - api_url: https://hooks.slack.com/services/T‹hex8u›/B‹hex8u#2›/«slack_hook»\n        channel: '#alerts'\n  - name: pagerduty\n    pagerduty_configs:\n      - routing_key: «hex32»",
    ),
    (
        "Grafana datasource provisioning",
        "apiVersion: 1\ndatasources:\n  - name: ClickHouse\n    type: grafana-clickhouse-datasource\n    jsonData:\n      host: ‹host›\n      port: 9440\n      username: ‹user›\n      secure: true\n    secureJsonData:\n      password: «pw»",
    ),
    (
        "Filebeat output to Elastic Cloud",
        'cloud.id: "prod:‹nonce›‹nonce#2›"\ncloud.auth: "elastic:«pw»"\noutput.elasticsearch:\n  api_key: "‹es_id›:«es_key»"\nfilebeat.inputs:\n  - type: filestream\n    paths: [\'/var/log/app/*.log\']',
    ),
    (
        "Kibana config with service token",
        "server.host: 0.0.0.0\nelasticsearch.hosts: ['https://es01:9200']\nelasticsearch.serviceAccountToken: «an64»\nxpack.encryptedSavedObjects.encryptionKey: «hex32»",
    ),
    (
        "Fluent Bit output Datadog",
        "[OUTPUT]\n    Name        datadog\n    Match       *\n    Host        http-intake.logs.datadoghq.com\n    TLS         on\n    apikey      «datadog_api»\n    dd_service  api",
    ),
    (
        "OpenTelemetry collector exporter headers",
        "exporters:\n  otlphttp/honeycomb:\n    endpoint: https://api.honeycomb.io\n    headers:\n      x-honeycomb-team: «an32»\n  otlp/newrelic:\n    endpoint: otlp.nr-data.net:4317\n    headers:\n      api-key: «newrelic_license»",
    ),
    (
        "Serverless framework env",
        "service: notifier\nprovider:\n  name: aws\n  runtime: nodejs20.x\n  environment:\n    TWILIO_ACCOUNT_SID: ‹twsid›\n    TWILIO_AUTH_TOKEN: «twilio_token»\n    SENDGRID_API_KEY: «sendgrid»",
    ),
    (
        "CloudFormation parameter default",
        "Parameters:\n  DBPassword:\n    Type: String\n    NoEcho: true\n    Default: «pw»\nResources:\n  Database:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      MasterUsername: dbadmin\n      MasterUserPassword: !Ref DBPassword",
    ),
    (
        "Azure container app secrets",
        "properties:\n  configuration:\n    secrets:\n      - name: storage-conn\n        value: DefaultEndpointsProtocol=https;AccountName=‹lc14›;AccountKey=«azure_storage»;EndpointSuffix=core.windows.net\n      - name: openai-key\n        value: «hex32»",
    ),
    (
        "Argo CD repo secret",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: private-repo\n  namespace: argocd\n  labels:\n    argocd.argoproj.io/secret-type: repository\nstringData:\n  type: git\n  url: https://github.com/‹user›/deploy-config\n  password: «github_pat»\n  username: not-used",
    ),
    (
        "cert-manager Cloudflare secret",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: cloudflare-api-token\n  namespace: cert-manager\ntype: Opaque\nstringData:\n  api-token: «cloudflare»",
    ),
    (
        "Traefik config with DNS provider token",
        "http:\n  middlewares:\n    dashboard-auth:\n      basicAuth:\n        users: []\n  routers:\n    api:\n      rule: Host(`traefik.‹domain›`)\n      service: api@internal\n  serversTransports:\n    backend:\n      rootCAs: []\n# DNS challenge\ncertificatesResolvers:\n  le:\n    acme:\n      dnsChallenge:\n        provider: digitalocean\nenvironment:\n  DO_AUTH_TOKEN: «do_token»",
    ),
    (
        "GitHub CLI hosts.yml",
        "github.com:\n    users:\n        ‹user›:\n            oauth_token: «gho»\n    git_protocol: https\n    oauth_token: «gho»\n    user: ‹user›",
    ),
    (
        "rclone config as yaml notes",
        "remote: gdrive\ntype: drive\nscope: drive\ntoken:\n  access_token: «ya29»\n  token_type: Bearer\n  refresh_token: «google_refresh»\n  expiry: ‹ts›",
    ),
    (
        "Mapbox and Algolia app config",
        "mapbox:\n  public_token: ‹mapbox_pk›\n  secret_token: «mapbox_sk»\nalgolia:\n  app_id: ‹last4›‹hex8u›\n  admin_api_key: «hex32»",
    ),
    (
        "Supabase service role in config",
        "supabase:\n  url: https://‹lc14›.supabase.co\n  anon_key_ref: SUPABASE_ANON_KEY\n  service_role_key: «supabase_service»\n  management_token: «sbp»",
    ),
    (
        "Netlify and Vercel tokens in deploy config",
        "deploy:\n  netlify:\n    site_id: ‹uuid›\n    auth_token: «netlify»\n  vercel:\n    org_id: team_‹an20›\n    token: «an24»",
    ),
    (
        "Atlassian automation config",
        "jira:\n  base_url: https://‹word›.atlassian.net\n  email: ‹email›\n  api_token: «atlassian»\n  project: OPS",
    ),
    (
        "Postman and Figma tokens in tool config",
        "integrations:\n  postman:\n    api_key: «postman»\n    workspace: ‹uuid›\n  figma:\n    personal_access_token: «figma»\n    file_key: ‹an20›",
    ),
    (
        "Dependabot private registry inline",
        "version: 2\nregistries:\n  npm-github:\n    type: npm-registry\n    url: https://npm.pkg.github.com\n    token: «ghp»\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    registries: [npm-github]\n    schedule:\n      interval: weekly",
    ),
    (
        "Nomad-style job vars in yaml",
        "job: payments\nvars:\n  BRAINTREE_ACCESS_TOKEN: «braintree»\n  SQUARE_ACCESS_TOKEN: «square»\n  SQUARE_APPLICATION_SECRET: «square_secret»",
    ),
    (
        "Okta and Auth0 client config",
        "okta:\n  orgUrl: https://‹word›.okta.com\n  token: «okta»\nauth0:\n  domain: ‹word›.eu.auth0.com\n  clientId: ‹an32›\n  clientSecret: «auth0_secret»",
    ),
    (
        "Firebase Admin FCM legacy server key",
        'push:\n  provider: fcm-legacy\n  server_key: «fcm»\n  sender_id: "‹acct›"',
    ),
    (
        "Hugging Face and Pinecone in Kaggle-like config",
        "hf:\n  token: «hf»\n  model: meta-llama/Llama-3.1-8B-Instruct\npinecone:\n  api_key: «pinecone»\n  index: docs-prod\n  environment: us-east-1-aws",
    ),
    (
        "Shopify app config",
        "shopify:\n  shop: ‹word›-store.myshopify.com\n  admin_api_access_token: «shopify»\n  api_secret_key: «shopify_ss»\n  api_version: 2024-10",
    ),
    (
        "Planetscale and Neon credentials",
        "databases:\n  planetscale:\n    host: aws.connect.psdb.cloud\n    username: ‹lc14›\n    password: «planetscale»\n  neon:\n    url: postgresql://‹user›:«upw»@ep-‹word›-‹lc5›.eu-central-1.aws.neon.tech/neondb?sslmode=require",
    ),
    (
        "xAI and Mistral keys in LLM router config",
        "model_list:\n  - model_name: grok\n    litellm_params:\n      model: xai/grok-2\n      api_key: «xai»\n  - model_name: mistral-large\n    litellm_params:\n      model: mistral/mistral-large-latest\n      api_key: «an32»",
    ),
    # --- without secrets ---
    (
        "GitHub Actions with secrets references",
        "name: deploy\non:\n  push:\n    branches: [main]\npermissions:\n  id-token: write\n  contents: read\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@‹sha›\n      - uses: aws-actions/configure-aws-credentials@‹sha#2›\n        with:\n          role-to-assume: arn:aws:iam::‹acct›:role/gha-deploy\n          aws-region: ‹region›\n      - run: ./deploy.sh\n        env:\n          STRIPE_SECRET_KEY: ${{ secrets.STRIPE_SECRET_KEY }}\n          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
    ),
    (
        "GitLab CI with variable references",
        'publish:\n  stage: release\n  image: docker:24\n  services: [docker:24-dind]\n  script:\n    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"\n    - docker push "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA"\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
    ),
    (
        "CircleCI with contexts",
        "version: 2.1\norbs:\n  aws-cli: circleci/aws-cli@4.1\nworkflows:\n  deploy:\n    jobs:\n      - deploy:\n          context:\n            - aws-prod\n            - slack-secrets\njobs:\n  deploy:\n    docker:\n      - image: cimg/base:2024.02\n    steps:\n      - run: aws s3 sync dist s3://$BUCKET --delete",
    ),
    (
        "Drone with from_secret",
        "kind: pipeline\nname: default\nsteps:\n  - name: publish\n    image: plugins/docker\n    settings:\n      repo: ‹user›/api\n      username:\n        from_secret: docker_username\n      password:\n        from_secret: docker_password",
    ),
    (
        "Azure Pipelines with variable group",
        "variables:\n  - group: prod-secrets\n  - name: sqlServer\n    value: sql-‹word›-prod.database.windows.net\nsteps:\n  - task: AzureKeyVault@2\n    inputs:\n      azureSubscription: prod-connection\n      KeyVaultName: kv-‹word›-prod\n      SecretsFilter: 'sql-admin-pass,stripe-key'\n  - script: sqlcmd -S $(sqlServer) -U sqladmin -P $(sql-admin-pass) -i migrate.sql",
    ),
    (
        "Bitbucket Pipelines with repository variables",
        "pipelines:\n  default:\n    - step:\n        script:\n          - pipe: atlassian/aws-s3-deploy:1.6.0\n            variables:\n              AWS_ACCESS_KEY_ID: $AWS_ACCESS_KEY_ID\n              AWS_SECRET_ACCESS_KEY: $AWS_SECRET_ACCESS_KEY\n              S3_BUCKET: ‹word›-site\n              LOCAL_PATH: dist",
    ),
    (
        "k8s Deployment with secretKeyRef",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/‹user›/api@‹digest›\n          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: db-credentials\n                  key: password\n          envFrom:\n            - secretRef:\n                name: api-keys",
    ),
    (
        "ExternalSecret resource",
        "apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: stripe-api-key\nspec:\n  refreshInterval: 1h\n  secretStoreRef:\n    name: aws-secrets-manager\n    kind: ClusterSecretStore\n  target:\n    name: stripe-api-key\n  data:\n    - secretKey: api-key\n      remoteRef:\n        key: prod/stripe/api-key\n        property: secret_key",
    ),
    (
        "SealedSecret",
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db-credentials\n  namespace: shop\nspec:\n  encryptedData:\n    password: ‹sealed›\n    username: ‹sealed#2›\n  template:\n    type: Opaque",
    ),
    (
        "SOPS encrypted yaml",
        'db:\n    user: ‹sops›\n    password: ‹sops#2›\nstripe:\n    secret_key: ‹sops#3›\nsops:\n    age:\n        - recipient: ‹age_pub›\n          enc: |\n            -----BEGIN AGE ENCRYPTED FILE-----\n            ‹nonce›‹nonce#2›\n            -----END AGE ENCRYPTED FILE-----\n    lastmodified: "‹ts›"\n    mac: ‹sops#4›\n    version: 3.8.1',
    ),
    (
        "Ansible vault inline",
        '---\nmysql_root_password: !vault |\n  ‹ansible_vault@2›\nmysql_app_user: app\nmysql_app_password: "{{ vault_mysql_app_password }}"',
    ),
    (
        "Helm values with existingSecret",
        "auth:\n  enabled: true\n  existingSecret: redis-auth\n  existingSecretPasswordKey: redis-password\ntls:\n  enabled: true\n  existingSecret: redis-tls\n  certFilename: tls.crt\n  certKeyFilename: tls.key",
    ),
    (
        "docker-compose with secrets files",
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n      POSTGRES_USER: ${POSTGRES_USER:-app}\n    secrets: [db_password]\n  api:\n    environment:\n      DATABASE_URL: postgres://app:${POSTGRES_PASSWORD}@db:5432/app\nsecrets:\n  db_password:\n    file: ./secrets/db_password.txt",
    ),
    (
        "Spring application.yml with placeholders",
        "spring:\n  datasource:\n    url: jdbc:postgresql://${DB_HOST:localhost}:5432/billing\n    username: ${DB_USER}\n    password: ${DB_PASSWORD}\njwt:\n  secret: ${JWT_SECRET}\n  expiration-minutes: 30\nmanagement:\n  endpoint:\n    env:\n      keys-to-sanitize: password,secret,key,token,credentials",
    ),
    (
        "CloudFormation dynamic references",
        "Resources:\n  Database:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      MasterUsername: '{{resolve:secretsmanager:prod/db:SecretString:username}}'\n      MasterUserPassword: '{{resolve:secretsmanager:prod/db:SecretString:password}}'\n  ApiKeyParam:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Name: /prod/api/key-id\n      Type: String\n      Value: !GetAtt ApiKey.APIKeyId",
    ),
    (
        "Serverless with SSM references",
        "provider:\n  environment:\n    STRIPE_SECRET_KEY: ${ssm:/prod/stripe/secret-key}\n    DB_PASSWORD: ${ssm:/aws/reference/secretsmanager/prod/db~true}\n    SENTRY_ENVIRONMENT: ${sls:stage}",
    ),
    (
        "Pulumi stack with secure values",
        'secretsprovider: awskms://alias/pulumi-prod\nencryptedkey: ‹sealed›\nconfig:\n  aws:region: ‹region›\n  shop:dbPassword:\n    secure: ‹pulumi_secure›\n  shop:stripeKey:\n    secure: ‹pulumi_secure#2›\n  shop:instanceCount: "3"',
    ),
    (
        "Travis CI encrypted env",
        'language: python\npython: [\'3.12\']\nenv:\n  global:\n    - secure: "‹travis_secure›"\ndeploy:\n  provider: pypi\n  username: __token__\n  password:\n    secure: "‹travis_secure#2›"',
    ),
    (
        "Prometheus with password_file",
        "scrape_configs:\n  - job_name: node\n    basic_auth:\n      username: prometheus\n      password_file: /etc/prometheus/secrets/node-exporter-password\n    authorization:\n      credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n    static_configs:\n      - targets: ['‹ip›:9100']",
    ),
    (
        "Grafana datasource with env interpolation",
        "apiVersion: 1\ndatasources:\n  - name: Postgres\n    type: postgres\n    url: ‹dbhost›:5432\n    user: grafana_ro\n    secureJsonData:\n      password: $__file{/etc/grafana/secrets/pg-password}\n  - name: Loki\n    type: loki\n    basicAuthPassword: ${LOKI_PASSWORD}",
    ),
    (
        "OpenAPI security schemes",
        "components:\n  securitySchemes:\n    bearerAuth:\n      type: http\n      scheme: bearer\n      bearerFormat: JWT\n    apiKeyHeader:\n      type: apiKey\n      in: header\n      name: X-API-Key\n    oauth2:\n      type: oauth2\n      flows:\n        clientCredentials:\n          tokenUrl: https://auth.‹domain›/oauth2/token\n          scopes:\n            reports:read: Read reports\nsecurity:\n  - bearerAuth: []",
    ),
    (
        "Kustomize secretGenerator",
        "secretGenerator:\n  - name: api-keys\n    files:\n      - stripe=secrets/stripe.txt\n    envs:\n      - secrets/.env.prod\ngeneratorOptions:\n  disableNameSuffixHash: false",
    ),
    (
        "cert-manager issuer with secret ref",
        "apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: letsencrypt-prod\nspec:\n  acme:\n    email: ‹email›\n    server: https://acme-v02.api.letsencrypt.org/directory\n    privateKeySecretRef:\n      name: letsencrypt-prod-account-key\n    solvers:\n      - dns01:\n          cloudflare:\n            apiTokenSecretRef:\n              name: cloudflare-api-token\n              key: api-token",
    ),
    (
        "pnpm-lock integrity entries",
        "packages:\n\n  /jsonwebtoken@9.0.2:\n    resolution: {integrity: ‹integrity›}\n    engines: {node: '>=12', npm: '>=6'}\n\n  /bcryptjs@2.4.3:\n    resolution: {integrity: ‹integrity#2›}\n\n  /secure-json-parse@2.7.0:\n    resolution: {integrity: ‹integrity#3›}",
    ),
    (
        "pubspec.lock with sha256",
        'packages:\n  flutter_secure_storage:\n    dependency: "direct main"\n    description:\n      name: flutter_secure_storage\n      sha256: "‹sha256›"\n      url: "https://pub.dev"\n    source: hosted\n    version: "9.0.0"\n  crypto:\n    dependency: transitive\n    description:\n      name: crypto\n      sha256: "‹sha256#2›"\n      url: "https://pub.dev"\n    source: hosted\n    version: "3.0.3"',
    ),
    (
        "conda environment with pip hashes",
        "name: ml\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n      - tokenizers==0.19.1 --hash=sha256:‹sha256›\n      - safetensors==0.4.3 --hash=sha256:‹sha256#2›",
    ),
    (
        "kubeconfig with exec plugin",
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: ‹b64cert›\n    server: https://‹hex16›‹hex16#2›.gr7.‹region›.eks.amazonaws.com\n  name: arn:aws:eks:‹region›:‹acct›:cluster/prod\nusers:\n- name: arn:aws:eks:‹region›:‹acct›:cluster/prod\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n      args: [--region, ‹region›, eks, get-token, --cluster-name, prod, --output, json]",
    ),
    (
        "ConfigMap with CA certificate",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: corp-ca\ndata:\n  ca.crt: |\n    ‹cert@4›",
    ),
    (
        "Datadog agent with secret backend",
        "api_key: ENC[datadog_api_key]\napp_key: ENC[datadog_app_key]\nsecret_backend_command: /usr/local/bin/dd-secret-helper\nsecret_backend_arguments: [--vault, kv/datadog]\nsite: datadoghq.eu",
    ),
    (
        "Vault agent template config",
        'vault:\n  address: https://vault.‹domain›:8200\nauto_auth:\n  method:\n    type: kubernetes\n    config:\n      role: api\n      token_path: /var/run/secrets/kubernetes.io/serviceaccount/token\ntemplate:\n  - destination: /etc/app/db.env\n    contents: |\n      {{ with secret "database/creds/api" }}DB_USER={{ .Data.username }}\n      DB_PASS={{ .Data.password }}{{ end }}',
    ),
    (
        "Helm chart template referencing values",
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ include "app.fullname" . }}-auth\ntype: Opaque\ndata:\n  password: {{ .Values.auth.password | b64enc | quote }}\n  api-key: {{ required "apiKey is required" .Values.apiKey | b64enc | quote }}',
    ),
    (
        "Service account token secret without data",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: deployer-token\n  namespace: ci\n  annotations:\n    kubernetes.io/service-account.name: deployer\n    kubernetes.io/service-account.uid: ‹uuid›\ntype: kubernetes.io/service-account-token",
    ),
    (
        "Ansible task using lookup",
        "- name: Create application database user\n  community.postgresql.postgresql_user:\n    name: app\n    password: \"{{ lookup('community.hashi_vault.hashi_vault', 'secret=kv/data/shop/db:password') }}\"\n    login_password: \"{{ vault_postgres_password }}\"\n  no_log: true",
    ),
    (
        "Tekton pipeline with workspace secret",
        "apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  generateName: build-\nspec:\n  pipelineRef:\n    name: build-and-push\n  workspaces:\n    - name: docker-credentials\n      secret:\n        secretName: registry-creds\n    - name: git-ssh\n      secret:\n        secretName: git-deploy-key",
    ),
    (
        "Renovate config with encrypted token",
        "hostRules:\n  - matchHost: npm.pkg.github.com\n    hostType: npm\n    encrypted:\n      token: ‹travis_secure›\npackageRules:\n  - matchPackageNames: ['jsonwebtoken', 'bcrypt']\n    groupName: auth libraries",
    ),
    (
        "Netplan with wifi password placeholder",
        'network:\n  version: 2\n  wifis:\n    wlan0:\n      dhcp4: true\n      access-points:\n        "Office-5G":\n          auth:\n            key-management: psk\n            password: "${WIFI_PSK}"',
    ),
    (
        "Nomad-like yaml with Vault templating",
        'job: payments\ntemplate:\n  destination: secrets/env\n  env: true\n  data: |\n    {{ with nomadVar "nomad/jobs/payments" }}\n    BRAINTREE_ACCESS_TOKEN={{ .braintree_token }}\n    {{ end }}',
    ),
    (
        "Tool config listing masked tokens",
        "integrations:\n  github:\n    token: gh"
        "p_••••••••••••••••••••••••••••••••‹masked_tail›\n    last_used: ‹ts›\n  slack:\n    bot_token: xoxb-…‹masked_tail#2›\n    workspace: T‹hex8u›",
    ),
    (
        "pre-commit config with secret scanners",
        "repos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8.18.2\n    hooks:\n      - id: gitleaks\n  - repo: https://github.com/Yelp/detect-secrets\n    rev: v1.4.0\n    hooks:\n      - id: detect-secrets\n        args: ['--baseline', '.secrets.baseline']\n        exclude: package-lock.json",
    ),
    (
        "Mapbox public token only",
        "map:\n  style: mapbox://styles/mapbox/streets-v12\n  access_token: ‹mapbox_pk›\n  center: [13.405, 52.52]\n  zoom: 11",
    ),
    (
        "Stripe publishable key in frontend config",
        "stripe:\n  publishable_key: ‹pk_live›\n  account_country: DE\n  payment_methods: [card, sepa_debit, klarna]\nanalytics:\n  measurement_id: ‹ga›",
    ),
]

# ---------------------------------------------------------------------------------------------
# source: code and build files in many languages
# ---------------------------------------------------------------------------------------------
TEMPLATES["source"] = [
    # --- with secrets ---
    (
        "Python settings.py Django",
        "import os\nfrom pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent.parent\nSECRET_KEY = '«django_secret»'\nDEBUG = False\nALLOWED_HOSTS = ['‹domain›']\nDATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',\n        'NAME': 'shop',\n        'USER': '‹user›',\n        'PASSWORD': '«pw»',\n        'HOST': '‹dbhost›',\n    }\n}",
    ),
    (
        "Python Flask config",
        'class ProductionConfig(Config):\n    SECRET_KEY = "«hex64»"\n    SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://‹user›:«upw»@‹dbhost›/app"\n    MAIL_PASSWORD = "«pw»"\n    SESSION_COOKIE_SECURE = True',
    ),
    (
        "Python OpenAI client literal",
        'from openai import OpenAI\n\nclient = OpenAI(api_key="«openai_svc»", organization="‹openai_org›")\n\nresp = client.responses.create(model="gpt-4.1-mini", input="Summarise the incident")\nprint(resp.output_text)',
    ),
    (
        "Python boto3 with keys",
        'import boto3\n\ns3 = boto3.client(\n    "s3",\n    aws_access_key_id="‹akid›",\n    aws_secret_access_key="«aws_secret»",\n    region_name="‹region›",\n)\nfor obj in s3.list_objects_v2(Bucket="‹word›-exports")["Contents"]:\n    print(obj["Key"])',
    ),
    (
        "Python Slack SDK",
        'from slack_sdk import WebClient\n\nSLACK_BOT_TOKEN = "«slack_bot»"\nclient = WebClient(token=SLACK_BOT_TOKEN)\nclient.chat_postMessage(channel="#deploys", text=f"Deployed {sha}")',
    ),
    (
        "Python Anthropic with default header",
        'import anthropic\n\nclient = anthropic.Anthropic(\n    api_key="«anthropic»",\n    default_headers={"anthropic-beta": "prompt-caching-2024-07-31"},\n)',
    ),
    (
        "Python requests with session cookie",
        'import requests\n\ns = requests.Session()\ns.cookies.set("_session_id", "«hex32»", domain="‹domain›")\ns.headers["X-CSRF-Token"] = csrf\nr = s.get("https://‹domain›/admin/export.csv")',
    ),
    (
        "Python Airflow connection in DAG",
        'from airflow.models import Connection\n\nconn = Connection(\n    conn_id="snowflake_prod",\n    conn_type="snowflake",\n    login="‹user›",\n    password="«hpw»",\n    extra={"account": "‹lc5›-‹lc14›", "warehouse": "TRANSFORMING"},\n)',
    ),
    (
        "Python Replicate and HF in notebook cell",
        '# In[3]:\nimport os\nos.environ["REPLICATE_API_TOKEN"] = "«replicate»"\nos.environ["HF_TOKEN"] = "«hf»"\nfrom huggingface_hub import login\nlogin(token=os.environ["HF_TOKEN"])',
    ),
    (
        "JavaScript Express session secret",
        "const session = require('express-session');\n\napp.use(session({\n  secret: '«an40»',\n  resave: false,\n  saveUninitialized: false,\n  cookie: { secure: true, maxAge: 86400000 },\n}));",
    ),
    (
        "TypeScript Stripe client",
        "import Stripe from 'stripe';\n\nexport const stripe = new Stripe('«stripe_sk»', {\n  apiVersion: '2024-06-20',\n  appInfo: { name: 'shop-backend' },\n});",
    ),
    (
        "TypeScript Supabase admin client",
        "import { createClient } from '@supabase/supabase-js';\n\nconst supabaseUrl = 'https://‹lc14›.supabase.co';\nconst serviceRoleKey = '«supabase_service»';\nexport const admin = createClient(supabaseUrl, serviceRoleKey, { auth: { persistSession: false } });",
    ),
    (
        "JavaScript Discord bot login",
        "const { Client, GatewayIntentBits } = require('discord.js');\nconst client = new Client({ intents: [GatewayIntentBits.Guilds] });\n\nclient.once('ready', () => console.log(`Logged in as ${client.user.tag}`));\nclient.login('«discord_bot»');",
    ),
    (
        "Node nodemailer transport",
        "const transporter = nodemailer.createTransport({\n  host: 'smtp.mailgun.org',\n  port: 587,\n  auth: {\n    user: 'postmaster@mg.‹domain›',\n    pass: '«pw»',\n  },\n});\nconst mg = mailgun.client({ username: 'api', key: '«mailgun»' });",
    ),
    (
        "Go const API key",
        'package notify\n\nconst (\n\tsendgridAPIKey = "«sendgrid»"\n\tfromAddress    = "alerts@‹domain›"\n)\n\nfunc New() *Client { return &Client{key: sendgridAPIKey} }',
    ),
    (
        "Go sql.Open DSN",
        'func openDB() (*sql.DB, error) {\n\tdsn := "host=‹dbhost› port=5432 user=‹user› password=«pw» dbname=orders sslmode=require"\n\treturn sql.Open("pgx", dsn)\n}',
    ),
    (
        "Go oauth2 config",
        'var conf = &oauth2.Config{\n\tClientID:     "‹gcid›",\n\tClientSecret: "«gocspx»",\n\tRedirectURL:  "https://‹domain›/auth/callback",\n\tScopes:       []string{"openid", "email"},\n\tEndpoint:     google.Endpoint,\n}',
    ),
    (
        "Rust reqwest bearer",
        'let client = reqwest::Client::new();\nlet resp = client\n    .get("https://api.cloudflare.com/client/v4/zones")\n    .bearer_auth("«cloudflare»")\n    .send()\n    .await?;',
    ),
    (
        "Rust const token",
        '// TODO: move to env before release\nconst GITHUB_TOKEN: &str = "«ghp»";\nconst API_BASE: &str = "https://api.github.com";',
    ),
    (
        "Java JDBC DriverManager",
        'public final class Db {\n    private static final String URL = "jdbc:mysql://‹dbhost›:3306/shop?useSSL=true";\n    private static final String USER = "‹user›";\n    private static final String PASSWORD = "«hpw»";\n\n    public static Connection open() throws SQLException {\n        return DriverManager.getConnection(URL, USER, PASSWORD);\n    }\n}',
    ),
    (
        "Java Twilio init",
        'public class Sms {\n    public static final String ACCOUNT_SID = "‹twsid›";\n    public static final String AUTH_TOKEN = "«twilio_token»";\n\n    static { Twilio.init(ACCOUNT_SID, AUTH_TOKEN); }\n}',
    ),
    (
        "Kotlin Android BuildConfig field",
        'android {\n    defaultConfig {\n        applicationId = "com.‹word›.app"\n        buildConfigField("String", "BACKEND_API_SECRET", "\\"«an40»\\"")\n        buildConfigField("String", "FLAVOR_NAME", "\\"prod\\"")\n    }\n}',
    ),
    (
        "Kotlin signingConfigs",
        'signingConfigs {\n    create("release") {\n        storeFile = file("../keystore/release.jks")\n        storePassword = "«hpw»"\n        keyAlias = "upload"\n        keyPassword = "«hpw#2»"\n    }\n}',
    ),
    (
        "Swift API secret constant",
        'enum Secrets {\n    static let revenueCatSecret = "«an32»"\n    static let backendSigningKey = "«hex64»"\n}\n\nlet config = Configuration.Builder(withAPIKey: Secrets.revenueCatSecret).build()',
    ),
    (
        "Swift URLRequest bearer",
        'var request = URLRequest(url: URL(string: "https://api.‹domain›/v1/orders")!)\nrequest.setValue("Bearer «jwt»", forHTTPHeaderField: "Authorization")\nlet (data, _) = try await URLSession.shared.data(for: request)',
    ),
    (
        "C# connection string",
        'public static class Db\n{\n    public const string ConnectionString =\n        "Server=tcp:‹word›-sql.database.windows.net,1433;Initial Catalog=shop;User ID=sqladmin;Password=«hpw»;Encrypt=True;";\n}',
    ),
    (
        "C# NetworkCredential",
        'var smtp = new SmtpClient("smtp.office365.com", 587)\n{\n    EnableSsl = true,\n    Credentials = new NetworkCredential("‹email›", "«pw»"),\n};\nawait smtp.SendMailAsync(message);',
    ),
    (
        "PHP wp-config.php salts",
        "define( 'DB_NAME', 'wordpress' );\ndefine( 'DB_USER', 'wp_‹lc5›' );\ndefine( 'DB_PASSWORD', '«pw»' );\ndefine( 'DB_HOST', 'localhost' );\n\ndefine( 'AUTH_KEY',         '«wp_salt»' );\ndefine( 'SECURE_AUTH_KEY',  '«wp_salt#2»' );\ndefine( 'LOGGED_IN_KEY',    '«wp_salt#3»' );",
    ),
    (
        "PHP PDO",
        "<?php\n$pdo = new PDO(\n    'mysql:host=‹dbhost›;dbname=shop;charset=utf8mb4',\n    '‹user›',\n    '«pw»',\n    [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]\n);",
    ),
    (
        "PHP Laravel config services",
        "<?php\n\nreturn [\n    'postmark' => [\n        'token' => '«uuid_secret»',\n    ],\n    'resend' => [\n        'key' => '«resend»',\n    ],\n    'slack' => [\n        'notifications' => [\n            'bot_user_oauth_token' => '«slack_bot»',\n        ],\n    ],\n];",
    ),
    (
        "Ruby Stripe initializer",
        '# config/initializers/stripe.rb\nStripe.api_key = "«stripe_sk»"\nStripe.max_network_retries = 2\nStripe.api_version = "2024-06-20"',
    ),
    (
        "Ruby Octokit client",
        'client = Octokit::Client.new(access_token: "«ghu»")\nclient.auto_paginate = true\nrepos = client.org_repos("‹word›-labs", type: "private")',
    ),
    (
        "Ruby Chef recipe with password",
        "mysql_service 'default' do\n  port '3306'\n  version '8.0'\n  initial_root_password '«hpw»'\n  action [:create, :start]\nend\n\nmysql_database_user 'app' do\n  password '«pw»'\n  database_name 'shop'\nend",
    ),
    (
        "Elixir runtime config",
        'config :shop, Shop.Repo,\n  username: "‹user›",\n  password: "«pw»",\n  hostname: "‹dbhost›",\n  database: "shop_prod",\n  pool_size: 10\n\nconfig :shop, ShopWeb.Endpoint,\n  secret_key_base: "«phoenix_secret»"',
    ),
    (
        "Scala Play config",
        'play.http.secret.key = "«hex64»"\nslick.dbs.default.profile = "slick.jdbc.PostgresProfile$"\nslick.dbs.default.db.url = "jdbc:postgresql://‹dbhost›/shop"\nslick.dbs.default.db.user = "‹user›"\nslick.dbs.default.db.password = "«pw»"',
    ),
    (
        "Lua OpenResty secret",
        'local jwt = require "resty.jwt"\nlocal secret = "«an40»"\n\nlocal verified = jwt:verify(secret, ngx.var.cookie_token)\nif not verified.verified then\n  return ngx.exit(ngx.HTTP_UNAUTHORIZED)\nend',
    ),
    (
        "R Sys.setenv key",
        'library(httr2)\nSys.setenv(OPENAI_API_KEY = "«openai_legacy»")\nreq <- request("https://api.openai.com/v1/models") |>\n  req_auth_bearer_token(Sys.getenv("OPENAI_API_KEY"))\nresp <- req_perform(req)',
    ),
    (
        "Julia ENV token",
        'using HTTP, JSON3\nENV["GITHUB_TOKEN"] = "«ghp»"\nresp = HTTP.get("https://api.github.com/user", ["Authorization" => "token $(ENV["GITHUB_TOKEN"])"])\nprintln(JSON3.read(resp.body).login)',
    ),
    (
        "Perl DBI connect",
        "use DBI;\nmy $dbh = DBI->connect(\n    'dbi:Pg:dbname=billing;host=‹dbhost›',\n    '‹user›',\n    '«pw»',\n    { RaiseError => 1, AutoCommit => 0 },\n);",
    ),
    (
        "PowerShell script with SecureString",
        "$User = 'CORP\\svc-deploy'\n$Password = ConvertTo-SecureString '«hpw»' -AsPlainText -Force\n$Cred = [pscredential]::new($User, $Password)\nInvoke-Command -ComputerName web01 -Credential $Cred -ScriptBlock { iisreset }",
    ),
    (
        "batch file with set password",
        "@echo off\nset SQLCMDUSER=sa\nset SQLCMDPASSWORD=«hpw»\nsqlcmd -S ‹dbhost› -d Shop -i migrations\\0042_orders.sql\nif errorlevel 1 exit /b 1",
    ),
    (
        "Makefile with token variable",
        "REGISTRY := ghcr.io/‹user›\nGITHUB_TOKEN ?= «ghp»\n\npush:\n\techo $(GITHUB_TOKEN) | docker login ghcr.io -u ‹user› --password-stdin\n\tdocker push $(REGISTRY)/api:$(VERSION)",
    ),
    (
        "Dockerfile ENV with token",
        'FROM node:20-alpine\nWORKDIR /app\nENV NPM_TOKEN=«npm»\nCOPY package*.json .npmrc ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD ["node", "server.js"]',
    ),
    (
        "Dockerfile ARG default password",
        "FROM mcr.microsoft.com/mssql/server:2022-latest\nARG SA_PASSWORD=«hpw»\nENV ACCEPT_EULA=Y \\\n    MSSQL_SA_PASSWORD=${SA_PASSWORD}\nCOPY init.sql /docker-entrypoint-initdb.d/",
    ),
    (
        "Nix module with password",
        '{ config, pkgs, ... }:\n{\n  services.postgresql.enable = true;\n  services.grafana = {\n    enable = true;\n    settings.security.admin_password = "«hpw»";\n    settings.security.secret_key = "«an32»";\n  };\n}',
    ),
    (
        "Terraform provider keys",
        'provider "aws" {\n  region     = "‹region›"\n  access_key = "‹akid›"\n  secret_key = "«aws_secret»"\n}\n\nprovider "datadog" {\n  api_key = "«datadog_api»"\n  app_key = "«datadog_app»"\n}',
    ),
    (
        "Terraform tfvars",
        'environment     = "prod"\ndb_username     = "‹user›"\ndb_password     = "«pw»"\ncloudflare_token = "«cloudflare»"\nalibaba_access_key = "LTAI‹an20›"\nalibaba_secret_key = "«alibaba_secret»"',
    ),
    (
        "Nomad job HCL env",
        'job "payments" {\n  datacenters = ["dc1"]\n  group "api" {\n    task "server" {\n      driver = "docker"\n      env {\n        DB_PASS          = "«pw»"\n        PLAID_SECRET     = "«plaid»"\n        PLAID_CLIENT_ID  = "‹objectid›"\n      }\n    }\n  }\n}',
    ),
    (
        "Bicep with literal password",
        "param location string = resourceGroup().location\n\nresource sql 'Microsoft.Sql/servers@2023-05-01-preview' = {\n  name: 'sql-‹word›-prod'\n  location: location\n  properties: {\n    administratorLogin: 'sqladmin'\n    administratorLoginPassword: '«hpw»'\n  }\n}",
    ),
    (
        "Pulumi TypeScript with literal password",
        'import * as aws from "@pulumi/aws";\n\nconst db = new aws.rds.Instance("main", {\n    engine: "postgres",\n    instanceClass: "db.t4g.medium",\n    allocatedStorage: 50,\n    username: "‹user›",\n    password: "«pw»",\n    skipFinalSnapshot: true,\n});',
    ),
    (
        "gitlab-runner config.toml",
        'concurrent = 4\n\n[[runners]]\n  name = "docker-runner-1"\n  url = "https://gitlab.‹domain›/"\n  token = "«glrt»"\n  executor = "docker"\n  [runners.docker]\n    image = "alpine:3.19"\n    privileged = false',
    ),
    (
        "Cargo credentials.toml",
        '[registry]\ntoken = "«cargo»"\n\n[registries.internal]\ntoken = "Bearer «an40»"',
    ),
    (
        "pyproject with poetry http basic",
        '[[tool.poetry.source]]\nname = "internal"\nurl = "https://pypi.‹domain›/simple/"\npriority = "supplemental"\n\n# poetry config http-basic.internal ‹user› «pw»',
    ),
    (
        "Maven settings.xml",
        "<settings>\n  <servers>\n    <server>\n      <id>ossrh</id>\n      <username>‹user›</username>\n      <password>«pw»</password>\n    </server>\n    <server>\n      <id>github</id>\n      <username>‹user›</username>\n      <password>«ghp»</password>\n    </server>\n  </servers>\n</settings>",
    ),
    (
        "NuGet.Config with cleartext password",
        '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <packageSources>\n    <add key="internal" value="https://pkgs.dev.azure.com/‹word›/_packaging/feed/nuget/v3/index.json" />\n  </packageSources>\n  <packageSourceCredentials>\n    <internal>\n      <add key="Username" value="‹user›" />\n      <add key="ClearTextPassword" value="«azure_devops»" />\n    </internal>\n  </packageSourceCredentials>\n</configuration>',
    ),
    (
        "Tomcat server.xml keystore",
        '<Connector port="8443" protocol="org.apache.coyote.http11.Http11NioProtocol"\n           maxThreads="150" SSLEnabled="true">\n    <SSLHostConfig>\n        <Certificate certificateKeystoreFile="conf/keystore.p12"\n                     certificateKeystorePassword="«pw»"\n                     type="RSA" />\n    </SSLHostConfig>\n</Connector>',
    ),
    (
        "web.config connection string",
        '<configuration>\n  <connectionStrings>\n    <add name="Default" connectionString="Data Source=‹dbhost›;Initial Catalog=Shop;User Id=shop_app;Password=«pw»;" providerName="System.Data.SqlClient" />\n  </connectionStrings>\n  <appSettings>\n    <add key="SendGridKey" value="«sendgrid»" />\n  </appSettings>\n</configuration>',
    ),
    (
        "iOS Info.plist with secret",
        '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n\t<key>CFBundleIdentifier</key>\n\t<string>com.‹word›.ios</string>\n\t<key>BackendClientSecret</key>\n\t<string>«an40»</string>\n\t<key>SentryAuthToken</key>\n\t<string>«sentry_user»</string>\n</dict>\n</plist>',
    ),
    (
        "Xcode xcconfig",
        "// Secrets.xcconfig\nMATCH_PASSWORD = «hpw»\nFASTLANE_PASSWORD = «pw»\nAPP_STORE_CONNECT_KEY_ID = ‹reqid›",
    ),
    (
        "fastlane Appfile/Fastfile with p8",
        'app_store_connect_api_key(\n  key_id: "‹reqid›",\n  issuer_id: "‹uuid›",\n  key_content: "«pem_p8_esc»",\n  in_house: false\n)',
    ),
    (
        "Jenkinsfile with literal credentials",
        "pipeline {\n  agent any\n  environment {\n    NEXUS_USER = '‹user›'\n    NEXUS_PASS = '«pw»'\n  }\n  stages {\n    stage('Publish') {\n      steps {\n        sh 'mvn deploy -Dnexus.user=$NEXUS_USER -Dnexus.pass=$NEXUS_PASS'\n      }\n    }\n  }\n}",
    ),
    (
        "SQL create user",
        "-- migrations/0003_roles.sql\nCREATE ROLE reporting WITH LOGIN PASSWORD '«pw»';\nGRANT CONNECT ON DATABASE analytics TO reporting;\nGRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting;",
    ),
    (
        "SQL MySQL identified by",
        "CREATE USER 'etl'@'10.%' IDENTIFIED WITH caching_sha2_password BY '«hpw»';\nGRANT SELECT, INSERT ON warehouse.* TO 'etl'@'10.%';\nFLUSH PRIVILEGES;",
    ),
    (
        "Snowflake SQL create user",
        "CREATE USER IF NOT EXISTS dbt_prod\n  PASSWORD = '«pw»'\n  DEFAULT_ROLE = TRANSFORMER\n  DEFAULT_WAREHOUSE = TRANSFORMING\n  MUST_CHANGE_PASSWORD = FALSE;",
    ),
    (
        "JWK private key in code",
        "const jwk = {\n  kty: 'EC',\n  crv: 'P-256',\n  kid: '‹kid›',\n  x: '‹jwk_xy›',\n  y: '‹jwk_xy#2›',\n  d: '«jwk_d»',\n};\nconst key = await importJWK(jwk, 'ES256');",
    ),
    (
        "Python with embedded PEM",
        'PRIVATE_KEY = """«pem_rsa»"""\n\ndef sign(payload: dict) -> str:\n    return jwt.encode(payload, PRIVATE_KEY, algorithm="RS256")',
    ),
    (
        "Go embedded EC key literal",
        "var testKey = []byte(`«pem_ec»`)\n\nfunc TestSign(t *testing.T) {\n\tkey, err := jwt.ParseECPrivateKeyFromPEM(testKey)\n\tif err != nil {\n\t\tt.Fatal(err)\n\t}\n\t_ = key\n}",
    ),
    (
        "Dart Flutter constants",
        "class Env {\n  static const apiBase = 'https://api.‹domain›';\n  static const openAiKey = '«openai_proj»';\n  static const mapsKey = '«google_api»';\n}",
    ),
    (
        "C header with key",
        '#ifndef CONFIG_H\n#define CONFIG_H\n#define WIFI_SSID "Warehouse-Scanners"\n#define WIFI_PASS "«hpw»"\n#define MQTT_HOST "‹ip›"\n#define MQTT_TOKEN "«an32»"\n#endif',
    ),
    (
        "Groovy Gradle publishing",
        'publishing {\n    repositories {\n        maven {\n            url = uri("https://maven.pkg.github.com/‹user›/lib")\n            credentials {\n                username = "‹user›"\n                password = "«ghp»"\n            }\n        }\n    }\n}',
    ),
    # --- without secrets ---
    (
        "Python reading env and keyring",
        'import getpass\nimport os\n\nimport keyring\n\napi_key = os.environ["OPENAI_API_KEY"]\ndb_password = keyring.get_password("shop-db", "app") or getpass.getpass("DB password: ")\nif not api_key:\n    raise SystemExit("error: OPENAI_API_KEY is not set")',
    ),
    (
        "Python token generation",
        "import hmac\nimport secrets\nfrom hashlib import sha256\n\ndef new_api_key() -> tuple[str, str]:\n    token = secrets.token_urlsafe(32)\n    digest = sha256(token.encode()).hexdigest()\n    return token, digest\n\ndef verify(token: str, stored_digest: str) -> bool:\n    return hmac.compare_digest(sha256(token.encode()).hexdigest(), stored_digest)",
    ),
    (
        "Python webhook signature check",
        'def verify_github_signature(body: bytes, header: str, secret: bytes) -> bool:\n    expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()\n    return hmac.compare_digest(expected, header)\n\nWEBHOOK_SECRET = os.environ["GITHUB_WEBHOOK_SECRET"].encode()',
    ),
    (
        "Python redaction regexes",
        'SECRET_PATTERNS = [\n    re.compile(r"(?i)(password|passwd|pwd)\\s*[=:]\\s*\\S+"),\n    re.compile(r"(?i)authorization:\\s*bearer\\s+[a-z0-9._-]+"),\n    re.compile(r"AKIA[0-9A-Z]{16}"),\n]\n\ndef scrub(line: str) -> str:\n    for pattern in SECRET_PATTERNS:\n        line = pattern.sub("[REDACTED]", line)\n    return line',
    ),
    (
        "Python pydantic settings with SecretStr",
        'from pydantic import SecretStr\nfrom pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    database_url: str\n    stripe_secret_key: SecretStr\n    jwt_signing_key: SecretStr\n    token_ttl_seconds: int = 3600\n\n    model_config = {"env_file": ".env", "secrets_dir": "/run/secrets"}',
    ),
    (
        "Python test using fixtures",
        '@pytest.fixture\ndef api_client(monkeypatch):\n    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_dummy")\n    monkeypatch.setenv("DATABASE_URL", "sqlite:///:memory:")\n    return TestClient(app)\n\ndef test_rejects_missing_token(api_client):\n    assert api_client.get("/v1/me").status_code == 401',
    ),
    (
        "Python constants with hashes",
        '# Pinned checksums of the release artefacts we download at build time.\nEXPECTED_SHA256 = {\n    "protoc-25.3-linux-x86_64.zip": "‹sha256›",\n    "protoc-25.3-osx-aarch_64.zip": "‹sha256#2›",\n}\nGPG_KEY_FINGERPRINT = "‹gpgfp›"',
    ),
    (
        "JavaScript reads env",
        "const { Pool } = require('pg');\n\nconst pool = new Pool({\n  host: process.env.PGHOST,\n  user: process.env.PGUSER,\n  password: process.env.PGPASSWORD,\n  database: 'orders',\n  ssl: { rejectUnauthorized: true },\n});\nconst stripe = require('stripe')(process.env.STRIPE_SECRET_KEY);",
    ),
    (
        "TypeScript JWT verify with JWKS",
        "import { createRemoteJWKSet, jwtVerify } from 'jose';\n\nconst JWKS = createRemoteJWKSet(new URL('https://auth.‹domain›/.well-known/jwks.json'));\n\nexport async function verifyToken(token: string) {\n  const { payload } = await jwtVerify(token, JWKS, { issuer: 'https://auth.‹domain›/', audience: 'api' });\n  return payload;\n}",
    ),
    (
        "HTML with SRI and site key",
        '<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js" integrity="‹sri384›" crossorigin="anonymous"></script>\n<div class="g-recaptcha" data-sitekey="‹recaptcha_site›"></div>\n<script async src="https://www.googletagmanager.com/gtag/js?id=‹ga›"></script>',
    ),
    (
        "Go reading env",
        'func loadConfig() (*Config, error) {\n\ttoken := os.Getenv("SLACK_BOT_TOKEN")\n\tif token == "" {\n\t\treturn nil, errors.New("SLACK_BOT_TOKEN is required")\n\t}\n\tpw, err := os.ReadFile("/run/secrets/db_password")\n\tif err != nil {\n\t\treturn nil, fmt.Errorf("read db password: %w", err)\n\t}\n\treturn &Config{SlackToken: token, DBPassword: strings.TrimSpace(string(pw))}, nil\n}',
    ),
    (
        "Go JWT parsing",
        'token, err := jwt.ParseWithClaims(raw, &Claims{}, func(t *jwt.Token) (any, error) {\n\tif _, ok := t.Method.(*jwt.SigningMethodRSA); !ok {\n\t\treturn nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])\n\t}\n\treturn publicKey, nil\n})',
    ),
    (
        "Rust reading env",
        'let token = std::env::var("CLOUDFLARE_API_TOKEN")\n    .context("CLOUDFLARE_API_TOKEN must be set")?;\nlet client = reqwest::Client::builder()\n    .default_headers(auth_headers(&token)?)\n    .build()?;',
    ),
    (
        "Rust sha2 digest",
        'use sha2::{Digest, Sha256};\n\nconst EXPECTED: &str = "‹sha256›";\n\nfn verify(bytes: &[u8]) -> bool {\n    format!("{:x}", Sha256::digest(bytes)) == EXPECTED\n}',
    ),
    (
        "Java Spring @Value",
        '@Configuration\npublic class StripeConfig {\n    @Value("${stripe.secret-key}")\n    private String secretKey;\n\n    @Value("${stripe.webhook-secret}")\n    private String webhookSecret;\n\n    @Bean\n    StripeClient stripeClient() { return new StripeClient(secretKey); }\n}',
    ),
    (
        "Java KeyStore load from env",
        'KeyStore ks = KeyStore.getInstance("PKCS12");\ntry (InputStream in = Files.newInputStream(Path.of(System.getenv("KEYSTORE_PATH")))) {\n    ks.load(in, System.getenv("KEYSTORE_PASSWORD").toCharArray());\n}\nKeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());',
    ),
    (
        "Kotlin EncryptedSharedPreferences",
        'val masterKey = MasterKey.Builder(context)\n    .setKeyScheme(MasterKey.KeyScheme.AES256_GCM)\n    .build()\nval prefs = EncryptedSharedPreferences.create(\n    context, "secure_prefs", masterKey,\n    EncryptedSharedPreferences.PrefKeyEncryptionScheme.AES256_SIV,\n    EncryptedSharedPreferences.PrefValueEncryptionScheme.AES256_GCM,\n)\nprefs.edit().putString("refresh_token", refreshToken).apply()',
    ),
    (
        "Kotlin BuildConfig from gradle property",
        'android {\n    defaultConfig {\n        val mapsKey = providers.gradleProperty("MAPS_API_KEY").orNull ?: ""\n        manifestPlaceholders["MAPS_API_KEY"] = mapsKey\n        buildConfigField("String", "API_BASE", "\\"https://api.‹domain›\\"")\n    }\n}',
    ),
    (
        "Swift Keychain query",
        'let query: [String: Any] = [\n    kSecClass as String: kSecClassGenericPassword,\n    kSecAttrService as String: "com.‹word›.ios.auth",\n    kSecAttrAccount as String: "refresh_token",\n    kSecReturnData as String: true,\n]\nvar item: CFTypeRef?\nlet status = SecItemCopyMatching(query as CFDictionary, &item)',
    ),
    (
        "C# configuration with Key Vault",
        'var builder = WebApplication.CreateBuilder(args);\nbuilder.Configuration.AddAzureKeyVault(\n    new Uri($"https://{builder.Configuration["KeyVaultName"]}.vault.azure.net/"),\n    new DefaultAzureCredential());\nvar stripeKey = builder.Configuration["Stripe:SecretKey"];\nvar conn = builder.Configuration.GetConnectionString("Default");',
    ),
    (
        "PHP getenv",
        "<?php\n$db = new PDO(\n    sprintf('pgsql:host=%s;dbname=%s', getenv('DB_HOST'), getenv('DB_NAME')),\n    getenv('DB_USER'),\n    getenv('DB_PASSWORD')\n);\n$stripe = new \\Stripe\\StripeClient($_ENV['STRIPE_SECRET_KEY']);",
    ),
    (
        "Ruby Rails credentials usage",
        'Aws.config.update(\n  region: ENV.fetch("AWS_REGION", "‹region›"),\n  credentials: Aws::Credentials.new(\n    Rails.application.credentials.dig(:aws, :access_key_id),\n    Rails.application.credentials.dig(:aws, :secret_access_key)\n  )\n)',
    ),
    (
        "Elixir runtime.exs fetch env",
        'import Config\n\nif config_env() == :prod do\n  config :shop, Shop.Repo,\n    url: System.fetch_env!("DATABASE_URL"),\n    pool_size: String.to_integer(System.get_env("POOL_SIZE") || "10")\n\n  config :shop, ShopWeb.Endpoint,\n    secret_key_base: System.fetch_env!("SECRET_KEY_BASE")\nend',
    ),
    (
        "Lua os.getenv",
        'local redis = require "resty.redis"\nlocal red = redis:new()\nred:connect(os.getenv("REDIS_HOST"), 6379)\nlocal ok, err = red:auth(os.getenv("REDIS_PASSWORD"))\nif not ok then ngx.log(ngx.ERR, "redis auth failed: ", err) end',
    ),
    (
        "R Sys.getenv",
        'library(DBI)\ncon <- dbConnect(\n  RPostgres::Postgres(),\n  host = Sys.getenv("PGHOST"),\n  user = Sys.getenv("PGUSER"),\n  password = Sys.getenv("PGPASSWORD"),\n  dbname = "analytics"\n)',
    ),
    (
        "Perl reading env",
        'my $dbh = DBI->connect(\n    "dbi:mysql:database=shop;host=$ENV{DB_HOST}",\n    $ENV{DB_USER},\n    $ENV{DB_PASS},\n    { RaiseError => 1 },\n) or die "cannot connect: $DBI::errstr";',
    ),
    (
        "PowerShell Get-Credential",
        'param(\n    [Parameter(Mandatory)] [string] $ComputerName\n)\n$cred = Get-Credential -Message "Account for $ComputerName"\n$token = (Get-AzAccessToken -ResourceUrl https://management.azure.com).Token\nInvoke-Command -ComputerName $ComputerName -Credential $cred -ScriptBlock { Restart-Service W3SVC }',
    ),
    (
        "Makefile pass show",
        "DB_PASSWORD = $(shell pass show shop/db/password)\nAWS_PROFILE ?= prod\n\nmigrate:\n\tPGPASSWORD=$(DB_PASSWORD) psql -h $(DB_HOST) -U app -f schema.sql\n\nrotate-keys:\n\t./scripts/rotate.sh --secret-id prod/api-key --dry-run",
    ),
    (
        "Dockerfile with BuildKit secret mount",
        "# syntax=docker/dockerfile:1.7\nFROM python:3.12-slim\nARG PIP_INDEX_URL\nRUN --mount=type=secret,id=pip_token,env=PIP_TOKEN \\\n    pip install --no-cache-dir -r requirements.txt\nCOPY --chown=app:app . /app\nUSER app",
    ),
    (
        "Nix with passwordFile",
        '{ config, ... }:\n{\n  age.secrets.grafana-admin.file = ../secrets/grafana-admin.age;\n  services.grafana.settings.security = {\n    admin_user = "admin";\n    admin_password = "$__file{${config.age.secrets.grafana-admin.path}}";\n  };\n  users.users.deploy.hashedPasswordFile = config.age.secrets.deploy-pw.path;\n}',
    ),
    (
        "Terraform with variables and data sources",
        'variable "db_password" {\n  type      = string\n  sensitive = true\n}\n\ndata "aws_secretsmanager_secret_version" "stripe" {\n  secret_id = "prod/stripe/api-key"\n}\n\nresource "aws_db_instance" "main" {\n  username = "dbadmin"\n  password = var.db_password\n}',
    ),
    (
        "Terraform lock file",
        'provider "registry.terraform.io/hashicorp/aws" {\n  version     = "5.40.0"\n  constraints = "~> 5.0"\n  hashes = [\n    "‹gosum›",\n    "zh:‹sha256›",\n    "zh:‹sha256#2›",\n  ]\n}',
    ),
    (
        "Bicep secure param",
        "@secure()\nparam adminPassword string\n\nparam keyVaultName string\n\nresource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {\n  name: keyVaultName\n}\n\noutput secretUri string = '${kv.properties.vaultUri}secrets/sql-admin-pass'",
    ),
    (
        "Nomad HCL with template from Vault",
        'task "server" {\n  vault {\n    policies = ["payments"]\n  }\n  template {\n    data        = <<EOF\nDB_PASS={{ with secret "kv/data/payments" }}{{ .Data.data.db_pass }}{{ end }}\nEOF\n    destination = "secrets/db.env"\n    env         = true\n  }\n}',
    ),
    (
        "Cargo.lock checksums",
        '[[package]]\nname = "ring"\nversion = "0.17.8"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "‹sha256›"\n\n[[package]]\nname = "jsonwebtoken"\nversion = "9.3.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "‹sha256#2›"',
    ),
    (
        "Maven settings with env placeholders",
        "<settings>\n  <servers>\n    <server>\n      <id>ossrh</id>\n      <username>${env.OSSRH_USERNAME}</username>\n      <password>${env.OSSRH_TOKEN}</password>\n    </server>\n  </servers>\n</settings>",
    ),
    (
        "appsettings with integrated security (XML)",
        '<connectionStrings>\n  <add name="Default" connectionString="Server=‹dbhost›;Database=Shop;Trusted_Connection=True;TrustServerCertificate=True;" />\n</connectionStrings>',
    ),
    (
        "Jenkinsfile withCredentials",
        "pipeline {\n  agent any\n  stages {\n    stage('Deploy') {\n      steps {\n        withCredentials([usernamePassword(credentialsId: 'nexus-deploy', usernameVariable: 'NEXUS_USER', passwordVariable: 'NEXUS_PASS'),\n                         string(credentialsId: 'slack-token', variable: 'SLACK_TOKEN')]) {\n          sh 'mvn -s settings.xml deploy'\n        }\n      }\n    }\n  }\n}",
    ),
    (
        "SQL schema for API keys",
        "CREATE TABLE api_keys (\n    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),\n    user_id      bigint NOT NULL REFERENCES users(id),\n    prefix       text NOT NULL,          -- first 8 chars, shown in the UI\n    key_hash     bytea NOT NULL,         -- sha256 of the full key\n    last_used_at timestamptz,\n    revoked_at   timestamptz\n);\nCREATE UNIQUE INDEX api_keys_prefix_idx ON api_keys (prefix);",
    ),
    (
        "JWK public key in code",
        "const publicJwk = {\n  kty: 'RSA',\n  kid: '‹kid›',\n  use: 'sig',\n  alg: 'RS256',\n  n: '‹jwk_n›',\n  e: 'AQAB',\n};",
    ),
    (
        "Python embedded public key",
        'VERIFY_KEY = """‹pubpem›"""\n\ndef verify(token: str) -> dict:\n    return jwt.decode(token, VERIFY_KEY, algorithms=["RS256"], audience="api")',
    ),
    (
        "C constants named key",
        '/* Keyboard scan codes and key names. */\nstatic const struct { uint8_t code; const char *name; } KEY_TABLE[] = {\n    {0x04, "KEY_A"}, {0x05, "KEY_B"}, {0x28, "KEY_ENTER"}, {0x29, "KEY_ESCAPE"},\n};\n#define TOKEN_BUFFER_SIZE 4096\n#define PASSWORD_MAX_LEN 128',
    ),
    (
        "Solidity with addresses",
        '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\n\ncontract Treasury {\n    address public constant OWNER = ‹eth_addr›;\n    bytes32 public constant ADMIN_ROLE = keccak256("ADMIN_ROLE");\n    bytes32 public merkleRoot = 0x‹sha256›;\n}',
    ),
    (
        "TOML with password command",
        '[accounts.work]\nemail = "‹email›"\nimap.host = "outlook.office365.com"\nimap.auth = "oauth2"\nimap.passwd.cmd = "pass show mail/work"\nsmtp.passwd.keyring = "work-smtp"',
    ),
    (
        ".gitignore for secret files",
        "# secrets and local config\n.env\n.env.*\n!.env.example\n*.pem\n*.key\n*.p12\nsecrets/\ncredentials.json\nterraform.tfvars\n.terraform/\nservice-account*.json",
    ),
    (
        "Codex config.toml with env forwarding",
        'model = "gpt-5-codex"\napproval_policy = "on-request"\nsandbox_mode = "workspace-write"\n\n[mcp_servers.github]\ncommand = "npx"\nargs = ["-y", "@modelcontextprotocol/server-github"]\nenv_vars = ["GITHUB_PERSONAL_ACCESS_TOKEN"]\n\n[shell_environment_policy]\nexclude = ["*TOKEN*", "*SECRET*", "*KEY*"]',
    ),
    (
        "Python argparse with secret options",
        'parser = argparse.ArgumentParser(description="Rotate an API key")\nparser.add_argument("--secret-id", required=True, help="secret manager id, e.g. prod/api-key")\nparser.add_argument("--token-file", type=Path, help="read the new token from this file")\nparser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")',
    ),
    (
        "INI with interpolation placeholders",
        "[database]\nhost = %(DB_HOST)s\nuser = app\npassword = %(DB_PASSWORD)s\n\n[api]\nkey_file = /etc/app/api.key\ntoken_header = X-Auth-Token",
    ),
]

# ---------------------------------------------------------------------------------------------
# url: connection URIs and links of many schemes
# ---------------------------------------------------------------------------------------------
TEMPLATES["url"] = [
    # --- with secrets ---
    (
        "postgres URI",
        "postgresql://‹user›:«upw»@‹dbhost›:5432/orders?sslmode=verify-full&application_name=etl",
    ),
    ("postgres URI percent-encoded password", "DATABASE_URL=postgres://‹user›:«pct_pw»@‹dbhost›:5432/app"),
    ("mysql URI", "mysql://root:«upw»@127.0.0.1:3306/shop?charset=utf8mb4"),
    (
        "SQLAlchemy URL with driver",
        'engine = create_engine("mssql+pyodbc://sqladmin:«upw»@‹word›-sql.database.windows.net:1433/Shop?driver=ODBC+Driver+18+for+SQL+Server")',
    ),
    ("MongoDB SRV URI", "mongodb+srv://‹user›:«upw»@‹host›/?retryWrites=true&w=majority&appName=Cluster0"),
    ("Redis TLS URI with user", "rediss://default:«an32»@‹word›-‹lc5›.upstash.io:6379"),
    ("AMQP URI", "amqps://‹user›:«upw»@b-‹uuid›.mq.‹region›.amazonaws.com:5671/%2F"),
    ("NATS URI", "nats://‹user›:«upw»@nats.‹domain›:4222"),
    (
        "Elasticsearch URL with credentials",
        "https://elastic:«upw»@‹lc14›.es.‹region›.aws.found.io:9243/_cat/indices?v",
    ),
    (
        "ClickHouse HTTP URL with password param",
        "https://‹host›:8443/?user=‹user›&password=«upw»&query=SELECT%201",
    ),
    (
        "Snowflake SQLAlchemy URL",
        "snowflake://‹user›:«upw»@‹lc5›-‹lc14›/ANALYTICS/PUBLIC?warehouse=TRANSFORMING&role=TRANSFORMER",
    ),
    ("Neo4j URI", "neo4j+s://neo4j:«upw»@‹lc5›‹hex8›.databases.neo4j.io"),
    ("LDAP bind URL", "ldaps://cn=svc-ldap,ou=services,dc=corp,dc=‹word›:«upw»@ldap.‹domain›:636"),
    ("FTP URL with credentials", "ftp://‹user›:«upw»@ftp.‹domain›/outgoing/orders-2025-03-04.csv"),
    ("SFTP URL with password", "sftp://‹user›:«upw»@‹ip›:22/home/‹user›/uploads"),
    ("RTSP camera URL", "rtsp://admin:«upw»@‹ip›:554/Streaming/Channels/101"),
    (
        "HTTP proxy with credentials",
        "export https_proxy=http://‹user›:«upw»@proxy.‹domain›:3128\nexport no_proxy=localhost,127.0.0.1,.internal",
    ),
    ("SOCKS5 proxy URL", "socks5h://‹user›:«upw»@‹pubip›:1080"),
    ("git HTTPS remote with PAT", "https://‹user›:«github_pat»@github.com/‹user›/infra.git"),
    ("GitLab CI job token remote", "https://gitlab-ci-token:«glptt»@gitlab.‹domain›/platform/charts.git"),
    (
        "Azure DevOps git remote with PAT",
        "https://‹word›:«azure_devops»@dev.azure.com/‹word›/Platform/_git/infra",
    ),
    ("Slack incoming webhook", "https://hooks.slack.com/services/T‹hex8u›/B‹hex8u#2›/«slack_hook»"),
    ("Discord webhook URL", "https://discord.com/api/webhooks/‹acct›‹n›/«discord_hook»"),
    (
        "Telegram bot API URL",
        "https://api.telegram.org/bot«telegram»/sendMessage?chat_id=-100‹acct›&text=deploy%20done",
    ),
    (
        "Azure blob SAS URL",
        "https://‹lc14›.blob.core.windows.net/backups/db-2025-03-04.bak?sv=2022-11-02&ss=b&srt=o&sp=rwdlac&se=2025-04-01T00:00:00Z&st=2025-03-04T00:00:00Z&spr=https&sig=«sas_sig»",
    ),
    (
        "Azure Service Bus connection string",
        "Endpoint=sb://‹word›-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«azure_storage»",
    ),
    (
        "URL with access_token query",
        "https://graph.facebook.com/v19.0/me/accounts?access_token=«an64»&fields=id,name",
    ),
    ("URL with api_key query", "https://api.‹domain›/v2/export?format=csv&api_key=«hex32»&since=2025-03-01"),
    (
        "Google API URL with key",
        "https://www.googleapis.com/youtube/v3/search?part=snippet&q=release+notes&key=«google_api»",
    ),
    ("password reset link", "https://app.‹domain›/users/password/edit?reset_password_token=«an20»"),
    (
        "OAuth redirect with tokens in fragment",
        "https://app.‹domain›/callback#access_token=«ya29»&token_type=Bearer&expires_in=3599&scope=openid%20email",
    ),
    ("WebSocket URL with token", "wss://realtime.‹domain›/socket?token=«jwt_hs»&vsn=2.0.0"),
    ("Mailchimp API URL with basic creds", "https://anystring:«mailchimp»@us21.api.mailchimp.com/3.0/lists"),
    (
        "JDBC SQL Server URL",
        "jdbc:sqlserver://‹dbhost›:1433;databaseName=Shop;user=sqladmin;password=«upw»;encrypt=true;trustServerCertificate=false",
    ),
    ("JDBC Oracle thin", "jdbc:oracle:thin:scott/«upw»@//‹dbhost›:1521/ORCLPDB1"),
    (
        "Kafka Connect REST with basic creds",
        "curl -s https://‹user›:«upw»@connect.‹domain›:8083/connectors | jq .",
    ),
    # --- without secrets ---
    (
        "postgres URI without password",
        "postgresql://‹user›@‹dbhost›:5432/orders?sslmode=require&sslrootcert=/etc/ssl/certs/rds-ca.pem",
    ),
    ("postgres URI with env placeholder", "postgres://app:${DB_PASSWORD}@db:5432/app"),
    (
        "placeholder URI in docs",
        "mongodb+srv://<username>:<password>@cluster0.example.mongodb.net/?retryWrites=true&w=majority",
    ),
    ("masked URI from a tool", "redis://default:****@redis-primary.cache.internal:6379/0"),
    ("ssh git remote", "git@github.com:‹user›/infra.git"),
    ("git+ssh dependency", "git+ssh://git@gitlab.com/‹word›/sdk.git#v2.3.1"),
    ("GitHub blob permalink", "https://github.com/‹user›/web/blob/‹sha›/src/auth/token_refresh.ts#L41-L77"),
    (
        "npm tarball with integrity",
        "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz#‹integrity›",
    ),
    (
        "OAuth authorize URL",
        "https://accounts.google.com/o/oauth2/v2/auth?client_id=‹gcid›&redirect_uri=https%3A%2F%2F‹domain›%2Fauth%2Fcallback&response_type=code&scope=openid%20email&access_type=offline&prompt=consent",
    ),
    (
        "GitHub App authorize URL",
        "https://github.com/login/oauth/authorize?client_id=‹ghapp_client›&redirect_uri=https%3A%2F%2F‹domain›%2Fgithub%2Fcallback&scope=read%3Auser",
    ),
    (
        "Azure portal resource link",
        "https://portal.azure.com/#@‹domain›/resource/subscriptions/‹azure_sub›/resourceGroups/rg-shop-prod/providers/Microsoft.KeyVault/vaults/kv-‹word›-prod/secrets",
    ),
    (
        "AWS console secret link",
        "https://‹region›.console.aws.amazon.com/secretsmanager/secret?name=prod%2Fdb%2Fpassword&region=‹region›",
    ),
    (
        "Datadog trace link",
        "https://app.datadoghq.eu/apm/trace/‹trace›?spanID=‹span›&env=prod&service=token-service",
    ),
    (
        "Sentry issue link",
        "https://‹word›-labs.sentry.io/issues/‹acct›/?project=‹n›&query=is%3Aunresolved+api_key&referrer=issue-stream",
    ),
    (
        "Docker Hub image layer link",
        "https://hub.docker.com/layers/library/postgres/16/images/sha256-‹sha256›?context=explore",
    ),
    ("Key Vault secret id", "https://kv-‹word›-prod.vault.azure.net/secrets/stripe-api-key/‹key_version›"),
    ("GCP Secret Manager resource name", "projects/‹acct›/secrets/db-password/versions/latest"),
    (
        "1Password and Vault references",
        "op://Engineering/Stripe live secret key/credential\nvault://secret/data/shop/stripe#api_key\nref+awssecrets://prod/db/password",
    ),
    (
        "S3 object URL with version id",
        "https://‹word›-exports.s3.‹region›.amazonaws.com/reports/2025/03/tokens-usage.csv?versionId=‹an32›",
    ),
    (
        "YouTube and docs links",
        "https://www.youtube.com/watch?v=‹an20›&t=42s\nhttps://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens",
    ),
    (
        "JWKS and OIDC discovery URLs",
        "https://login.microsoftonline.com/‹uuid›/v2.0/.well-known/openid-configuration\nhttps://‹word›.eu.auth0.com/.well-known/jwks.json",
    ),
    ("URL with user only", "https://‹user›@bitbucket.org/‹user›/web.git"),
    (
        "SAS URL template without signature",
        "https://‹lc14›.blob.core.windows.net/backups/{blob}?sv=2022-11-02&sp=r&se={expiry}&sig={signature}",
    ),
    (
        "Helm and OCI chart repositories",
        "https://charts.bitnami.com/bitnami\noci://registry-1.docker.io/bitnamicharts/redis\noci://ghcr.io/‹user›/charts/api@‹digest›",
    ),
    (
        "Stripe dashboard links with ids",
        "https://dashboard.stripe.com/payments/‹stripe_pi›\nhttps://dashboard.stripe.com/customers/‹stripe_cus›\nhttps://dashboard.stripe.com/events/‹stripe_evt›",
    ),
]

# ---------------------------------------------------------------------------------------------
# json: JSON files and API responses
# ---------------------------------------------------------------------------------------------
TEMPLATES["json"] = [
    # --- with secrets ---
    (
        "GCP service account key file",
        '{\n  "type": "service_account",\n  "project_id": "‹word›-prod",\n  "private_key_id": "‹sha›",\n  "private_key": "«pem_pkcs8_esc»",\n  "client_email": "deployer@‹word›-prod.iam.gserviceaccount.com",\n  "client_id": "‹acct›‹n›",\n  "auth_uri": "https://accounts.google.com/o/oauth2/auth",\n  "token_uri": "https://oauth2.googleapis.com/token"\n}',
    ),
    (
        "gcloud ADC authorized_user",
        '{\n  "account": "",\n  "client_id": "‹gcid›",\n  "client_secret": "«gocspx»",\n  "quota_project_id": "‹word›-dev",\n  "refresh_token": "«google_refresh»",\n  "type": "authorized_user",\n  "universe_domain": "googleapis.com"\n}',
    ),
    (
        "OAuth token endpoint response",
        '{\n  "access_token": "«ya29»",\n  "expires_in": 3599,\n  "refresh_token": "«google_refresh»",\n  "scope": "https://www.googleapis.com/auth/drive.readonly",\n  "token_type": "Bearer",\n  "id_token": "«jwt»"\n}',
    ),
    (
        "aws sts assume-role output",
        '{\n    "Credentials": {\n        "AccessKeyId": "‹asia›",\n        "SecretAccessKey": "«aws_secret»",\n        "SessionToken": "«aws_session»",\n        "Expiration": "‹ts›"\n    },\n    "AssumedRoleUser": {\n        "AssumedRoleId": "AROA‹last4›‹hex8u›:ci",\n        "Arn": "arn:aws:sts::‹acct›:assumed-role/deploy/ci"\n    }\n}',
    ),
    (
        "az ad sp create-for-rbac output",
        '{\n  "appId": "‹uuid›",\n  "displayName": "gha-deploy",\n  "password": "«azure_client_secret»",\n  "tenant": "‹uuid#2›"\n}',
    ),
    (
        "az account get-access-token",
        '{\n  "accessToken": "«azure_jwt»",\n  "expiresOn": "2025-03-04 11:41:22.000000",\n  "expires_on": 1741088482,\n  "subscription": "‹azure_sub›",\n  "tenant": "‹uuid›",\n  "tokenType": "Bearer"\n}',
    ),
    (
        "docker config.json auths",
        '{\n  "auths": {\n    "registry.‹domain›": {\n      "auth": "«basic»"\n    },\n    "https://index.docker.io/v1/": {\n      "auth": "«basic#2»"\n    }\n  }\n}',
    ),
    (
        "VS Code SQLTools connections",
        '{\n  "sqltools.connections": [\n    {\n      "name": "prod replica",\n      "driver": "PostgreSQL",\n      "server": "‹dbhost›",\n      "port": 5432,\n      "database": "shop",\n      "username": "‹user›",\n      "password": "«pw»"\n    }\n  ]\n}',
    ),
    (
        "VS Code launch.json env",
        '{\n  "version": "0.2.0",\n  "configurations": [\n    {\n      "type": "node",\n      "request": "launch",\n      "name": "api",\n      "program": "${workspaceFolder}/src/server.ts",\n      "env": {\n        "NODE_ENV": "development",\n        "STRIPE_SECRET_KEY": "«stripe_rk»",\n        "RESEND_API_KEY": "«resend»"\n      }\n    }\n  ]\n}',
    ),
    (
        "appsettings.json with secrets",
        '{\n  "ConnectionStrings": {\n    "Default": "Server=‹dbhost›;Database=Shop;User Id=shop_app;Password=«pw»;TrustServerCertificate=True"\n  },\n  "SendGrid": {\n    "ApiKey": "«sendgrid»"\n  },\n  "Jwt": {\n    "Issuer": "https://‹domain›",\n    "SigningKey": "«b64_48»"\n  }\n}',
    ),
    (
        "Claude Desktop MCP config with env",
        '{\n  "mcpServers": {\n    "github": {\n      "command": "npx",\n      "args": ["-y", "@modelcontextprotocol/server-github"],\n      "env": {\n        "GITHUB_PERSONAL_ACCESS_TOKEN": "«github_pat»"\n      }\n    },\n    "brave-search": {\n      "command": "npx",\n      "args": ["-y", "@modelcontextprotocol/server-brave-search"],\n      "env": { "BRAVE_API_KEY": "«an32»" }\n    }\n  }\n}',
    ),
    (
        "Cursor/IDE MCP config with Notion and Linear",
        '{\n  "mcpServers": {\n    "notion": {\n      "command": "npx",\n      "args": ["-y", "@notionhq/notion-mcp-server"],\n      "env": { "OPENAPI_MCP_HEADERS": "{\\"Authorization\\": \\"Bearer «notion»\\", \\"Notion-Version\\": \\"2022-06-28\\"}" }\n    },\n    "linear": { "url": "https://mcp.linear.app/sse", "headers": { "Authorization": "Bearer «linear»" } }\n  }\n}',
    ),
    (
        "composer auth.json",
        '{\n    "github-oauth": {\n        "github.com": "«gho»"\n    },\n    "http-basic": {\n        "repo.packagist.com": {\n            "username": "token",\n            "password": "«hex40»"\n        }\n    }\n}',
    ),
    (
        "Chef data bag item",
        '{\n  "id": "mysql",\n  "root_password": "«hpw»",\n  "replication": {\n    "user": "repl",\n    "password": "«pw»"\n  }\n}',
    ),
    (
        "terraform output -json",
        '{\n  "db_endpoint": {\n    "sensitive": false,\n    "type": "string",\n    "value": "‹dbhost›:5432"\n  },\n  "db_password": {\n    "sensitive": true,\n    "type": "string",\n    "value": "«pw»"\n  }\n}',
    ),
    (
        "terraform state resource",
        '{\n  "mode": "managed",\n  "type": "random_password",\n  "name": "db",\n  "provider": "provider[\\"registry.terraform.io/hashicorp/random\\"]",\n  "instances": [\n    {\n      "schema_version": 3,\n      "attributes": {\n        "id": "none",\n        "length": 24,\n        "result": "«pw»",\n        "special": true\n      },\n      "sensitive_attributes": [[{"type": "get_attr", "value": "result"}]]\n    }\n  ]\n}',
    ),
    (
        "HAR entry with cookies and auth",
        '{\n  "request": {\n    "method": "GET",\n    "url": "https://app.‹domain›/api/v1/projects",\n    "headers": [\n      {"name": "authorization", "value": "Bearer «jwt»"},\n      {"name": "cookie", "value": "_app_session=«rails_cookie»; locale=en"}\n    ],\n    "cookies": [\n      {"name": "_app_session", "value": "«rails_cookie»", "httpOnly": true, "secure": true}\n    ]\n  }\n}',
    ),
    (
        "HAR response setting Flask session",
        '{\n  "response": {\n    "status": 200,\n    "headers": [\n      {"name": "content-type", "value": "text/html; charset=utf-8"},\n      {"name": "set-cookie", "value": "session=«flask_session»; HttpOnly; Path=/; SameSite=Lax"}\n    ]\n  }\n}',
    ),
    (
        "JWK set with private key",
        '{\n  "keys": [\n    {\n      "kty": "EC",\n      "crv": "P-256",\n      "kid": "‹kid›",\n      "use": "sig",\n      "x": "‹jwk_xy›",\n      "y": "‹jwk_xy#2›",\n      "d": "«jwk_d»"\n    }\n  ]\n}',
    ),
    (
        "Firebase service account style with p8",
        '{\n  "team_id": "‹reqid›",\n  "key_id": "‹last4›‹hex8u›",\n  "bundle_id": "com.‹word›.ios",\n  "apns_auth_key": "«pem_p8_esc»"\n}',
    ),
    (
        "Elastic API key response",
        '{\n  "id": "‹es_id›",\n  "name": "logstash-writer",\n  "expiration": 1748822400000,\n  "api_key": "«es_key»",\n  "encoded": "«es_encoded»"\n}',
    ),
    (
        "Vault login response",
        '{\n  "request_id": "‹uuid›",\n  "lease_id": "",\n  "renewable": false,\n  "auth": {\n    "client_token": "«vault»",\n    "accessor": "‹vault_accessor›",\n    "policies": ["default", "deploy"],\n    "lease_duration": 2764800,\n    "renewable": true\n  }\n}',
    ),
    (
        "GitHub App installation token response",
        '{\n  "token": "«ghs»",\n  "expires_at": "‹ts›",\n  "permissions": {\n    "contents": "read",\n    "metadata": "read",\n    "pull_requests": "write"\n  },\n  "repository_selection": "selected"\n}',
    ),
    (
        "Okta API token create response",
        '{\n  "id": "00T‹an20›",\n  "name": "terraform",\n  "tokenValue": "«okta»",\n  "created": "‹ts›",\n  "clientName": "Okta API"\n}',
    ),
    (
        "Kubernetes secret as JSON",
        '{\n  "apiVersion": "v1",\n  "kind": "Secret",\n  "metadata": {\n    "name": "smtp",\n    "namespace": "mail"\n  },\n  "type": "Opaque",\n  "data": {\n    "password": "«b64pw»",\n    "host": "c210cC5tYWlsZ3VuLm9yZw=="\n  }\n}',
    ),
    (
        "package.json with token in script",
        '{\n  "name": "@‹word›/web",\n  "private": true,\n  "scripts": {\n    "build": "next build",\n    "deploy": "vercel deploy --prod --token «an24»",\n    "sentry:upload": "sentry-cli sourcemaps upload --auth-token «sentry_org» .next"\n  }\n}',
    ),
    (
        "Postman environment export",
        '{\n  "id": "‹uuid›",\n  "name": "prod",\n  "values": [\n    {"key": "baseUrl", "value": "https://api.‹domain›", "enabled": true},\n    {"key": "apiKey", "value": "«hex32»", "type": "secret", "enabled": true},\n    {"key": "password", "value": "«pw»", "type": "secret", "enabled": true}\n  ],\n  "_postman_variable_scope": "environment"\n}',
    ),
    (
        "Insomnia export with basic auth",
        '{\n  "_type": "request",\n  "name": "List invoices",\n  "url": "https://api.‹domain›/v1/invoices",\n  "authentication": {\n    "type": "basic",\n    "username": "‹user›",\n    "password": "«pw»"\n  }\n}',
    ),
    (
        "Ethereum keystore-like plaintext key",
        '{\n  "address": "‹eth_addr›",\n  "privateKey": "0x«eth_key»",\n  "network": "sepolia"\n}',
    ),
    (
        "Solana CLI config and key",
        '{\n  "json_rpc_url": "https://api.devnet.solana.com",\n  "websocket_url": "",\n  "keypair_path": "/home/‹user›/.config/solana/id.json",\n  "commitment": "confirmed",\n  "helius_api_key": "«uuid_secret»"\n}',
    ),
    (
        "Sentry CLI and Datadog in app config",
        '{\n  "sentry": {\n    "org": "‹word›-labs",\n    "authToken": "«sentry_user»"\n  },\n  "datadog": {\n    "site": "datadoghq.com",\n    "apiKey": "«datadog_api»",\n    "appKey": "«datadog_app»"\n  }\n}',
    ),
    (
        "Airtable and HubSpot sync config",
        '{\n  "airtable": {"base": "app‹an20›", "token": "«airtable»"},\n  "hubspot": {"portalId": ‹acct›, "privateAppToken": "«hubspot»"}\n}',
    ),
    (
        "Brevo and Mailgun mailer config",
        '{\n  "mailers": {\n    "brevo": {"apiKey": "«brevo»"},\n    "mailgun": {"domain": "mg.‹domain›", "apiKey": "«mailgun»"}\n  }\n}',
    ),
    (
        "Contentful and Shopify storefront",
        '{\n  "contentful": {\n    "spaceId": "‹lc14›",\n    "managementToken": "«contentful»"\n  },\n  "braintree": {\n    "accessToken": "«braintree»"\n  }\n}',
    ),
    (
        "LLM provider keys in app JSON",
        '{\n  "providers": {\n    "openai": {"apiKey": "«openai_proj»"},\n    "anthropic": {"apiKey": "«anthropic»"},\n    "deepseek": {"apiKey": "«deepseek»", "baseURL": "https://api.deepseek.com"},\n    "elevenlabs": {"apiKey": "«elevenlabs»"}\n  }\n}',
    ),
    (
        "Anthropic admin key in billing script config",
        '{\n  "anthropicAdminKey": "«anthropic_admin»",\n  "workspace": "‹uuid›",\n  "reportDays": 30\n}',
    ),
    (
        "Circle/Buildkite tokens in JSON",
        '{\n  "circleci": {"token": "«circleci»", "project": "gh/‹user›/web"},\n  "buildkite": {"agentToken": "«buildkite_agent»", "org": "‹word›"}\n}',
    ),
    (
        "Doppler and Tailscale in tool settings",
        '{\n  "doppler": {"serviceToken": "«doppler»"},\n  "tailscale": {"authKey": "«tailscale»", "tags": ["tag:ci"]}\n}',
    ),
    (
        "IBM Cloud API key file",
        '{\n  "name": "ci-deployer",\n  "description": "created by terraform",\n  "createdAt": "‹ts›",\n  "apikey": "«ibm»"\n}',
    ),
    (
        "Atlassian Forge/Jira automation secrets",
        '{\n  "jira": {"site": "‹word›.atlassian.net", "email": "‹email›", "token": "«atlassian»"},\n  "confluence": {"spaceKey": "OPS"}\n}',
    ),
    # --- without secrets ---
    (
        "package-lock excerpt",
        '{\n  "node_modules/jsonwebtoken": {\n    "version": "9.0.2",\n    "resolved": "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz",\n    "integrity": "‹integrity›",\n    "dependencies": {\n      "jws": "^3.2.2",\n      "lodash.includes": "^4.3.0"\n    }\n  },\n  "node_modules/bcryptjs": {\n    "version": "2.4.3",\n    "integrity": "‹integrity#2›"\n  }\n}',
    ),
    (
        "composer.lock dist with shasum",
        '{\n    "name": "firebase/php-jwt",\n    "version": "v6.10.0",\n    "source": {"type": "git", "url": "https://github.com/firebase/php-jwt.git", "reference": "‹sha›"},\n    "dist": {"type": "zip", "url": "https://api.github.com/repos/firebase/php-jwt/zipball/‹sha›", "reference": "‹sha›", "shasum": ""}\n}',
    ),
    (
        "flake.lock",
        '{\n  "nodes": {\n    "nixpkgs": {\n      "locked": {\n        "lastModified": 1741037377,\n        "narHash": "‹nixhash›",\n        "owner": "NixOS",\n        "repo": "nixpkgs",\n        "rev": "‹sha›",\n        "type": "github"\n      }\n    }\n  },\n  "root": "root",\n  "version": 7\n}',
    ),
    (
        "JWKS public keys",
        '{\n  "keys": [\n    {\n      "kty": "RSA",\n      "use": "sig",\n      "kid": "‹kid›",\n      "alg": "RS256",\n      "n": "‹jwk_n›",\n      "e": "AQAB"\n    },\n    {\n      "kty": "EC",\n      "crv": "P-256",\n      "kid": "‹kid#2›",\n      "x": "‹jwk_xy›",\n      "y": "‹jwk_xy#2›"\n    }\n  ]\n}',
    ),
    (
        "OIDC discovery document",
        '{\n  "issuer": "https://auth.‹domain›/",\n  "authorization_endpoint": "https://auth.‹domain›/authorize",\n  "token_endpoint": "https://auth.‹domain›/oauth/token",\n  "jwks_uri": "https://auth.‹domain›/.well-known/jwks.json",\n  "response_types_supported": ["code", "id_token", "token id_token"],\n  "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],\n  "id_token_signing_alg_values_supported": ["RS256"]\n}',
    ),
    (
        "gcloud external_account ADC",
        '{\n  "type": "external_account",\n  "audience": "//iam.googleapis.com/projects/‹acct›/locations/global/workloadIdentityPools/github/providers/github",\n  "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",\n  "token_url": "https://sts.googleapis.com/v1/token",\n  "service_account_impersonation_url": "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/deployer@‹word›-prod.iam.gserviceaccount.com:generateAccessToken",\n  "credential_source": {"file": "/var/run/secrets/tokens/gcp-ksa/token", "format": {"type": "text"}}\n}',
    ),
    (
        "docker config.json with creds store",
        '{\n  "auths": {\n    "ghcr.io": {},\n    "https://index.docker.io/v1/": {}\n  },\n  "credsStore": "desktop",\n  "credHelpers": {\n    "‹acct›.dkr.ecr.‹region›.amazonaws.com": "ecr-login",\n    "europe-docker.pkg.dev": "gcloud"\n  }\n}',
    ),
    (
        "appsettings.json with Key Vault references",
        '{\n  "ConnectionStrings": {\n    "Default": "Server=‹dbhost›;Database=Shop;Authentication=Active Directory Managed Identity;"\n  },\n  "Stripe": {\n    "SecretKey": "@Microsoft.KeyVault(SecretUri=https://kv-‹word›-prod.vault.azure.net/secrets/stripe-key/)"\n  },\n  "KeyVaultName": "kv-‹word›-prod"\n}',
    ),
    (
        "VS Code settings without secrets",
        '{\n  "editor.formatOnSave": true,\n  "python.analysis.typeCheckingMode": "strict",\n  "github.copilot.enable": {"*": true, "plaintext": false},\n  "sqltools.connections": [\n    {"name": "local", "driver": "PostgreSQL", "server": "localhost", "database": "shop", "username": "postgres", "askForPassword": true}\n  ],\n  "terminal.integrated.env.linux": {"AWS_PROFILE": "dev"}\n}',
    ),
    (
        "MCP config with env references",
        '{\n  "mcpServers": {\n    "github": {\n      "command": "docker",\n      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"],\n      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${input:github_token}"}\n    }\n  },\n  "inputs": [{"type": "promptString", "id": "github_token", "description": "GitHub Personal Access Token", "password": true}]\n}',
    ),
    (
        "aws secretsmanager list-secrets",
        '{\n    "SecretList": [\n        {\n            "ARN": "arn:aws:secretsmanager:‹region›:‹acct›:secret:prod/db/password-‹lc5›X",\n            "Name": "prod/db/password",\n            "LastChangedDate": "‹ts›",\n            "Tags": [{"Key": "team", "Value": "platform"}],\n            "SecretVersionsToStages": {"‹uuid›": ["AWSCURRENT"]}\n        }\n    ]\n}',
    ),
    (
        "aws iam list-access-keys",
        '{\n    "AccessKeyMetadata": [\n        {\n            "UserName": "ci",\n            "AccessKeyId": "‹akid›",\n            "Status": "Active",\n            "CreateDate": "‹ts›"\n        }\n    ]\n}',
    ),
    (
        "az account show",
        '{\n  "environmentName": "AzureCloud",\n  "homeTenantId": "‹uuid›",\n  "id": "‹azure_sub›",\n  "isDefault": true,\n  "name": "Shop Production",\n  "state": "Enabled",\n  "tenantId": "‹uuid›",\n  "user": {"name": "‹email›", "type": "user"}\n}',
    ),
    (
        "GitHub repo API response",
        '{\n  "id": ‹acct›,\n  "node_id": "‹ghnode›",\n  "name": "web",\n  "full_name": "‹user›/web",\n  "private": true,\n  "owner": {"login": "‹user›", "id": ‹n›‹n#2›, "node_id": "U_kgDO‹lc5›"},\n  "default_branch": "main",\n  "security_and_analysis": {"secret_scanning": {"status": "enabled"}, "secret_scanning_push_protection": {"status": "enabled"}}\n}',
    ),
    (
        "GitHub deploy keys API",
        '[\n  {\n    "id": ‹acct›,\n    "key": "‹sshpub_ed›",\n    "url": "https://api.github.com/repos/‹user›/infra/keys/‹acct›",\n    "title": "argocd",\n    "verified": true,\n    "read_only": true,\n    "created_at": "‹ts›"\n  }\n]',
    ),
    (
        "GitHub webhook delivery headers",
        '{\n  "X-GitHub-Event": "push",\n  "X-GitHub-Delivery": "‹uuid›",\n  "X-GitHub-Hook-ID": "‹acct›",\n  "X-Hub-Signature-256": "‹x_hub_sig›",\n  "User-Agent": "GitHub-Hookshot/‹sha7›"\n}',
    ),
    (
        "Stripe event payload",
        '{\n  "id": "‹stripe_evt›",\n  "object": "event",\n  "livemode": true,\n  "type": "payment_intent.succeeded",\n  "data": {\n    "object": {\n      "id": "‹stripe_pi›",\n      "object": "payment_intent",\n      "amount": 4900,\n      "customer": "‹stripe_cus›",\n      "latest_charge": "ch_3‹an20›"\n    }\n  },\n  "request": {"id": "‹stripe_req›", "idempotency_key": "‹uuid›"}\n}',
    ),
    (
        "OpenAI chat completion response",
        '{\n  "id": "‹chatcmpl›",\n  "object": "chat.completion",\n  "created": 1741082531,\n  "model": "gpt-4o-mini-2024-07-18",\n  "system_fingerprint": "fp_‹hex8›‹sha7›",\n  "choices": [{"index": 0, "message": {"role": "assistant", "content": "Rotate the key and update the secret in Vault."}, "finish_reason": "stop"}],\n  "usage": {"prompt_tokens": 41, "completion_tokens": 12, "total_tokens": 53}\n}',
    ),
    (
        "Anthropic message response",
        '{\n  "id": "‹msgid›",\n  "type": "message",\n  "role": "assistant",\n  "model": "claude-sonnet-4-5-20250929",\n  "content": [{"type": "tool_use", "id": "‹toolu›", "name": "read_secret_metadata", "input": {"secret_id": "prod/api-key"}}],\n  "stop_reason": "tool_use",\n  "usage": {"input_tokens": 812, "output_tokens": 64, "cache_read_input_tokens": 4096}\n}',
    ),
    (
        "Spring actuator env JSON masked",
        '{\n  "activeProfiles": ["prod"],\n  "propertySources": [\n    {\n      "name": "systemEnvironment",\n      "properties": {\n        "DB_PASSWORD": {"value": "******", "origin": "System Environment Property \\"DB_PASSWORD\\""},\n        "STRIPE_SECRET_KEY": {"value": "******"},\n        "JAVA_HOME": {"value": "/opt/java/openjdk"}\n      }\n    }\n  ]\n}',
    ),
    (
        "terraform plan json sensitive",
        '{\n  "resource_changes": [\n    {\n      "address": "aws_db_instance.main",\n      "change": {\n        "actions": ["update"],\n        "after_sensitive": {"password": true},\n        "after_unknown": {}\n      }\n    }\n  ],\n  "format_version": "1.2"\n}',
    ),
    (
        "Kubernetes secret list as JSON",
        '{\n  "apiVersion": "v1",\n  "items": [\n    {"metadata": {"name": "db-credentials", "namespace": "shop", "uid": "‹uuid›", "resourceVersion": "‹k8s_rv›"}, "type": "Opaque"},\n    {"metadata": {"name": "stripe-api-key", "namespace": "shop", "uid": "‹uuid#2›"}, "type": "Opaque"}\n  ],\n  "kind": "List"\n}',
    ),
    (
        "Renovate encrypted secrets",
        '{\n  "extends": ["config:recommended"],\n  "hostRules": [\n    {\n      "matchHost": "npm.pkg.github.com",\n      "encrypted": {"token": "‹travis_secure›"}\n    }\n  ]\n}',
    ),
    (
        "HAR entry with public headers only",
        '{\n  "request": {\n    "method": "GET",\n    "url": "https://cdn.‹domain›/assets/app.‹hex8›.js",\n    "headers": [\n      {"name": "accept", "value": "*/*"},\n      {"name": "if-none-match", "value": "W/\\"‹etag›\\""},\n      {"name": "sec-ch-ua-platform", "value": "\\"Linux\\""}\n    ]\n  },\n  "response": {"status": 304, "headers": [{"name": "x-amz-cf-id", "value": "‹amzid2›"}, {"name": "cf-ray", "value": "‹cfray›"}]}\n}',
    ),
    (
        "JWT decoded payload (no signature)",
        '{\n  "header": {"alg": "RS256", "typ": "JWT", "kid": "‹kid›"},\n  "payload": {\n    "iss": "https://token.actions.githubusercontent.com",\n    "sub": "repo:‹user›/web:ref:refs/heads/main",\n    "aud": "sts.amazonaws.com",\n    "exp": 1741086131,\n    "iat": 1741082531\n  }\n}',
    ),
    (
        "Auth0 client listing",
        '[\n  {\n    "client_id": "‹an32›",\n    "name": "web-spa",\n    "app_type": "spa",\n    "token_endpoint_auth_method": "none",\n    "callbacks": ["https://‹domain›/callback"]\n  }\n]',
    ),
    (
        "Firebase hosting and app ids",
        '{\n  "projects": {"default": "‹word›-prod"},\n  "targets": {"‹word›-prod": {"hosting": {"web": ["‹word›-web"]}}},\n  "appId": "1:‹acct›:web:‹hex16›",\n  "measurementId": "‹ga›"\n}',
    ),
    (
        "Sentry event JSON",
        '{\n  "event_id": "‹md5›",\n  "level": "error",\n  "exception": {"values": [{"type": "PermissionError", "value": "token has expired", "module": "auth.tokens"}]},\n  "contexts": {"trace": {"trace_id": "‹trace›", "span_id": "‹span›"}},\n  "request": {"url": "https://api.‹domain›/v1/tokens/refresh", "headers": {"Authorization": "[Filtered]", "Cookie": "[Filtered]"}},\n  "release": "api@‹sha7›"\n}',
    ),
    (
        "npm audit JSON",
        '{\n  "vulnerabilities": {\n    "jsonwebtoken": {\n      "name": "jsonwebtoken",\n      "severity": "high",\n      "via": [{"source": 1097690, "title": "jsonwebtoken unrestricted key type could lead to legacy keys usage", "url": "https://github.com/advisories/GHSA-8cf7-32gw-wr33"}],\n      "range": "<=8.5.1",\n      "fixAvailable": true\n    }\n  }\n}',
    ),
    (
        "Stripe publishable key client config",
        '{\n  "stripePublishableKey": "‹pk_live›",\n  "recaptchaSiteKey": "‹recaptcha_site›",\n  "mapboxToken": "‹mapbox_pk›"\n}',
    ),
    (
        "JWT example from docs in test fixture JSON",
        '{\n  "description": "example from jwt.io, used only to test parsing",\n  "token": "‹jwt_example›",\n  "expected": {"sub": "1234567890", "name": "John Doe", "iat": 1516239022}\n}',
    ),
    (
        "AWS example credentials in docs JSON",
        '{\n  "Comment": "example values from the AWS documentation",\n  "AccessKeyId": "‹aws_ex_id›",\n  "SecretAccessKey": "‹aws_ex_secret›"\n}',
    ),
    (
        "Claude Code settings.json",
        '{\n  "permissions": {\n    "allow": ["Bash(npm run test:*)", "Bash(git diff:*)"],\n    "deny": ["Read(./.env)", "Read(./.env.*)", "Read(./secrets/**)"]\n  },\n  "env": {"CLAUDE_CODE_ENABLE_TELEMETRY": "0"},\n  "apiKeyHelper": "~/.claude/anthropic_key.sh"\n}',
    ),
    (
        "npm registry dist with signatures",
        '{\n  "dist": {\n    "shasum": "‹sha›",\n    "tarball": "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz",\n    "integrity": "‹integrity›",\n    "signatures": [\n      {"keyid": "‹fp›", "sig": "MEUCIQ‹nonce›‹nonce#2›"}\n    ]\n  }\n}',
    ),
    (
        "detect-secrets baseline",
        '{\n  "version": "1.4.0",\n  "results": {\n    "config/settings.py": [\n      {\n        "type": "Secret Keyword",\n        "filename": "config/settings.py",\n        "hashed_secret": "‹sha›",\n        "is_verified": false,\n        "line_number": 12\n      }\n    ]\n  },\n  "generated_at": "‹ts›"\n}',
    ),
    (
        "Cosign/sigstore bundle",
        '{\n  "mediaType": "application/vnd.dev.sigstore.bundle+json;version=0.2",\n  "verificationMaterial": {\n    "x509CertificateChain": {"certificates": [{"rawBytes": "‹b64cert›"}]},\n    "tlogEntries": [{"logIndex": "‹k8s_rv›", "logId": {"keyId": "‹nonce›"}, "integratedTime": "1741082531"}]\n  },\n  "messageSignature": {"messageDigest": {"algorithm": "SHA2_256", "digest": "‹nonce#2›"}}\n}',
    ),
]


if __name__ == "__main__":
    main()
