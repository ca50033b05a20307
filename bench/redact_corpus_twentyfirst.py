"""A labelled redaction corpus of the JVM and enterprise Java world, written blind to the rules.

Twenty-first of the labelled corpora (see bench/redact_quality.py): the text an agent sees while it
works on Java, Kotlin, Scala and Groovy code bases and on the servers that run them. Spring Boot,
Quarkus and Micronaut settings and actuator output, Tomcat, WildFly, WebLogic, WebSphere, GlassFish
and Jetty files and consoles, Maven, Gradle, sbt and Ivy credentials and deploy logs, keystores and
``keytool``, JVM flags, log4j2 and logback appenders, stack traces, Hibernate logs, Jenkins files and
consoles, Kafka and ZooKeeper JAAS, Keycloak exports and ``kcadm.sh``, LDAP, JMX, JNDI and IDE files.
The hard negatives come from the same world: ``${DB_PASSWORD}`` and ``@password@`` placeholders,
Jasypt ``ENC(...)``, Jenkins ``{AQAAAB...}`` and WebLogic ``{AES}`` encrypted values, credential ids,
Maven coordinates, class, bean and property names, masked actuator values, bcrypt and digest
hashes, artifact checksums, GPG key ids, keystore aliases, JNDI names, ``serialVersionUID``.

Template syntax: a template is ordinary text with placeholders written ``«S:gen»`` (a secret: it
must not survive redaction) and ``«N:gen»`` (a value that is not a secret). ``gen`` names a value
generator of ``GENERATORS``; ``«S:gen:a»`` gives the value a label, and every placeholder with the
same label gets the same value (``«N:user:u»`` twice is one user name); the service, domain, host,
database, user and version names (``«N:svc»``, ``«N:domain»``, ``«N:host»``, ``«N:db»``, ``«N:user»``,
``«N:ver»``) keep one value per document even unlabelled. A filter may follow after
``|``: ``url`` (percent-encoded), ``xml`` (XML-escaped), ``b64`` (base64), ``xor`` (the WebSphere
``{xor}`` encoding), ``obf`` (the Jetty ``OBF:`` obfuscation), ``json`` (escaped for a JSON string),
``indN`` (continuation lines indented by N spaces). Every rendered form of a secret is planted as
a secret of the document. A template with no ``«S:`` placeholder is a negative.

Labelling of this world's encodings: reversible without a private key means secret (WebSphere
``{xor}``, Jetty ``OBF:``, JBoss vault ``MASK-`` values with their public default key, the Maven
``settings-security.xml`` master password, base64 of a keystore that holds a private key);
encrypted under a key kept elsewhere, hashed, or public means not a secret (Jasypt ``ENC(...)``,
Spring Cloud Config ``{cipher}``, Jenkins ``{AQAAAB...}``, WebLogic ``{AES}``, Maven ``{...}``
server passwords whose master is not in the document, Jetty ``MD5:``/``CRYPT:``, bcrypt, Tomcat
digests, Keycloak ``secretData`` hashes, truststores of certificates only).

Every value is drawn at run time from parts; provider prefixes and PEM armour are joined at run
time, so this file holds no secret-shaped literal.

Run: ``uv run python bench/redact_corpus_twentyfirst.py`` prints the counts.
"""

# ruff: noqa: E501, E101 - generated-data templates read better on one line, and keep the tabs real tools print
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
# Value generators: each takes a random.Random and returns a string.

LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = string.ascii_letters + string.digits + "+/"
B64URL = string.ascii_letters + string.digits + "-_"
SYMBOLS = "!@#%^*-_.+=~"

WORDS = [
    "falcon",
    "maple",
    "river",
    "orchid",
    "cobalt",
    "summer",
    "winter",
    "pepper",
    "monkey",
    "dragon",
    "sunshine",
    "harbor",
    "velvet",
    "quartz",
    "nimbus",
    "tiger",
    "lemon",
    "cactus",
    "rocket",
    "bison",
    "walrus",
    "sapphire",
    "meadow",
    "thunder",
    "biscuit",
    "pumpkin",
    "marble",
    "copper",
    "willow",
    "panther",
    "ginger",
    "coconut",
    "violet",
    "hunter",
    "mango",
    "raven",
    "saturn",
    "pirate",
    "yellow",
    "galaxy",
    "cricket",
    "oyster",
    "puzzle",
    "rainbow",
    "salmon",
    "tulip",
    "voyage",
    "wizard",
    "zebra",
    "anchor",
    "blossom",
    "canyon",
]
SEED_WORDS = [
    "abandon",
    "ability",
    "absorb",
    "abstract",
    "acoustic",
    "adapt",
    "advice",
    "aerobic",
    "afford",
    "agent",
    "airport",
    "alarm",
    "album",
    "alley",
    "almost",
    "alpha",
    "amateur",
    "amazing",
    "among",
    "amount",
    "anchor",
    "ancient",
    "animal",
    "annual",
    "antenna",
    "anxiety",
    "apology",
    "appear",
    "apple",
    "april",
    "arctic",
    "arena",
    "armed",
    "army",
    "arrange",
    "arrest",
    "artist",
    "asset",
    "athlete",
    "atom",
    "auction",
    "august",
    "autumn",
    "avocado",
    "awake",
    "badge",
    "bamboo",
    "banana",
    "barrel",
    "basket",
    "battle",
    "beach",
    "bench",
    "better",
    "bicycle",
    "blanket",
    "blossom",
    "bonus",
    "border",
    "bounce",
    "bracket",
    "brick",
    "bridge",
    "bronze",
    "bubble",
    "budget",
    "cabin",
    "cactus",
    "camera",
    "canal",
    "candy",
    "canvas",
    "carbon",
    "cargo",
    "carpet",
    "castle",
    "catalog",
    "cereal",
    "chalk",
    "cherry",
]
FIRST = [
    "anna",
    "bob",
    "carlos",
    "dmitri",
    "elena",
    "fatima",
    "george",
    "hiro",
    "ines",
    "jakob",
    "kofi",
    "lena",
    "marco",
    "nadia",
    "omar",
    "priya",
    "quinn",
    "rosa",
    "sven",
    "tomas",
]
SERVICES = [
    "billing",
    "orders",
    "inventory",
    "payments",
    "ledger",
    "catalog",
    "shipping",
    "notify",
    "reports",
    "gateway",
    "auth",
    "search",
    "pricing",
    "claims",
]
DOMAINS = [
    "acme-corp.com",
    "initech.io",
    "globex.net",
    "umbrella-labs.org",
    "hooli.dev",
    "contoso-bank.eu",
    "wayne-ent.com",
]


def _s(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def human_password(rng: random.Random) -> str:
    w = rng.choice(WORDS)
    w2 = rng.choice(WORDS)
    year = str(rng.randint(1975, 2026))
    sym = rng.choice("!@#%*.-_+")
    leet = str.maketrans({"a": "@", "e": "3", "o": "0", "i": "1", "s": "5"})
    style = rng.randrange(6)
    if style == 0:
        return w.capitalize() + year + sym
    if style == 1:
        return w.capitalize() + w2.capitalize() + sym + str(rng.randint(10, 99))
    if style == 2:
        return w.capitalize().translate(leet) + w2.translate(leet) + str(rng.randint(1, 999))
    if style == 3:
        return w + "_" + w2 + "_" + year
    if style == 4:
        return w.upper()[:4] + sym + w2.capitalize() + str(rng.randint(100, 9999))
    return rng.choice(FIRST).capitalize() + sym + w.capitalize() + str(rng.randint(1, 99)) + rng.choice("!?#")


def random_password(rng: random.Random) -> str:
    n = rng.randint(14, 24)
    body = [rng.choice(ALNUM + SYMBOLS) for _ in range(n - 3)]
    body += [rng.choice(UPPER), rng.choice(DIGITS), rng.choice(SYMBOLS)]
    rng.shuffle(body)
    return rng.choice(string.ascii_letters) + "".join(body)


def password(rng: random.Random) -> str:
    return human_password(rng) if rng.random() < 0.5 else random_password(rng)


def safe_password(rng: random.Random) -> str:
    """A password with no character that a URL, a shell or a properties file would mangle."""
    if rng.random() < 0.5:
        return rng.choice(WORDS).capitalize() + rng.choice(WORDS) + str(rng.randint(10, 9999))
    return rng.choice(string.ascii_letters) + _s(rng, ALNUM, rng.randint(13, 23))


def b64(rng: random.Random, nbytes: int, url: bool = False) -> str:
    raw = bytes(rng.getrandbits(8) for _ in range(nbytes))
    return (base64.urlsafe_b64encode(raw).rstrip(b"=") if url else base64.b64encode(raw)).decode()


def jwt(rng: random.Random) -> str:
    header = {"alg": rng.choice(["RS256", "HS256", "ES256"]), "typ": "JWT", "kid": _s(rng, B64URL, 43)}
    now = rng.randint(1_760_000_000, 1_790_000_000)
    payload = {
        "exp": now + 300,
        "iat": now,
        "jti": str(uuid(rng)),
        "iss": f"https://sso.{rng.choice(DOMAINS)}/realms/{rng.choice(SERVICES)}",
        "aud": "account",
        "sub": uuid(rng),
        "typ": "Bearer",
        "azp": rng.choice(SERVICES) + "-service",
        "scope": "openid profile email",
        "preferred_username": rng.choice(FIRST),
    }

    def enc(part: dict) -> str:
        return (
            base64.urlsafe_b64encode(json.dumps(part, separators=(",", ":")).encode()).rstrip(b"=").decode()
        )

    return (
        enc(header) + "." + enc(payload) + "." + b64(rng, 256 if header["alg"] == "RS256" else 32, url=True)
    )


def keycloak_refresh(rng: random.Random) -> str:
    """A Keycloak refresh token: an HS512 JWT whose header has Keycloak's spacing."""
    header = '{"alg":"HS512","typ" : "JWT","kid" : "' + uuid(rng) + '"}'
    enc = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()  # noqa: E731
    return enc(header.encode()) + "." + b64(rng, 420, url=True) + "." + b64(rng, 64, url=True)


def uuid(rng: random.Random) -> str:
    h = _s(rng, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


ARMOUR = "-" * 5


def pem(rng: random.Random, label: str, nbytes: int, lead: bytes = b"") -> str:
    body = base64.b64encode(lead + bytes(rng.getrandbits(8) for _ in range(nbytes))).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"{ARMOUR}BEGIN {label}{ARMOUR}", *lines, f"{ARMOUR}END {label}{ARMOUR}"])


def rsa_key(rng: random.Random) -> str:
    return pem(rng, "RSA " + "PRIVATE KEY", 1180, b"\x30\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00")


def pkcs8_key(rng: random.Random) -> str:
    return pem(
        rng,
        "PRIVATE" + " KEY",
        1200,
        b"\x30\x82\x04\xbe\x02\x01\x00\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00",
    )


def ec_key(rng: random.Random) -> str:
    return pem(rng, "EC " + "PRIVATE KEY", 118, b"\x30\x77\x02\x01\x01\x04\x20")


def openssh_key(rng: random.Random) -> str:
    return pem(
        rng, "OPENSSH " + "PRIVATE KEY", 380, b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none"
    )


def certificate(rng: random.Random) -> str:
    return pem(rng, "CERTIFICATE", 900, b"\x30\x82\x03\x8a\x30\x82\x02\x72\xa0\x03\x02\x01\x02")


def public_key(rng: random.Random) -> str:
    return pem(
        rng,
        "PUBLIC" + " KEY",
        270,
        b"\x30\x82\x01\x22\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00",
    )


def websphere_xor(value: str) -> str:
    return "{xor}" + base64.b64encode(bytes(b ^ 0x5F for b in value.encode())).decode()


def jetty_obf(value: str) -> str:
    raw = value.encode()
    out = []
    for i, b1 in enumerate(raw):
        b2 = raw[len(raw) - (i + 1)]
        i0 = (127 + b1 + b2) * 256 + (127 + b1 - b2)
        x = _base36(i0)
        out.append("0" * (4 - len(x)) + x)
    return "OBF:" + "".join(out)


def _base36(n: int) -> str:
    digits = DIGITS + LOWER
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"


def timestamp(rng: random.Random) -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(
        seconds=rng.randint(0, 330 * 86400), microseconds=rng.randint(0, 999999)
    )


def log_time(rng: random.Random) -> str:
    return timestamp(rng).strftime("%Y-%m-%d %H:%M:%S.") + f"{rng.randint(0, 999):03d}"


def version(rng: random.Random) -> str:
    return f"{rng.randint(1, 7)}.{rng.randint(0, 24)}.{rng.randint(0, 15)}"


def host(rng: random.Random) -> str:
    return rng.choice(
        [
            f"{rng.choice(SERVICES)}-db-{rng.randint(1, 9)}.{rng.choice(['prod', 'stg', 'int'])}.{rng.choice(DOMAINS)}",
            f"{rng.choice(['pg', 'mysql', 'ora', 'mssql'])}{rng.randint(1, 40):02d}.{rng.choice(DOMAINS)}",
            f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            f"{rng.choice(SERVICES)}.internal",
        ]
    )


def user(rng: random.Random) -> str:
    return rng.choice(
        [
            f"svc_{rng.choice(SERVICES)}",
            f"{rng.choice(SERVICES)}_app",
            rng.choice(FIRST) + "." + rng.choice(["schmidt", "okafor", "novak", "tanaka", "silva", "haddad"]),
            f"{rng.choice(SERVICES)}-deployer",
            rng.choice(FIRST) + str(rng.randint(1, 99)),
        ]
    )


def elastic_api_key(rng: random.Random) -> str:
    return base64.b64encode((_s(rng, B64URL, 20) + ":" + _s(rng, B64URL, 22)).encode()).decode()


def basic_auth(rng: random.Random) -> str:
    return base64.b64encode(f"{user(rng)}:{password(rng)}".encode()).decode()


def artifactory_ref(rng: random.Random) -> str:
    return (
        base64.b64encode(
            f"reftkn:01:{rng.randint(1_700_000_000, 2_100_000_000)}:{_s(rng, ALNUM, 32)}".encode()
        )
        .decode()
        .rstrip("=")
    )


def bcrypt(rng: random.Random) -> str:
    return f"$2{rng.choice('aby')}${rng.choice(['10', '12'])}$" + _s(rng, ALNUM + "./", 53)


def jasypt(rng: random.Random) -> str:
    return "ENC(" + b64(rng, rng.choice([32, 48, 64])) + ")"


def jenkins_secret(rng: random.Random) -> str:
    return "{AQAAABAAAAA" + rng.choice("gQw") + b64(rng, rng.choice([32, 48, 64, 80]))[1:] + "}"


def weblogic_aes(rng: random.Random) -> str:
    return rng.choice(["{AES}", "{AES256}"]) + b64(rng, rng.choice([32, 48]))


def maven_encrypted(rng: random.Random) -> str:
    return "{" + b64(rng, rng.choice([24, 32])) + "}"


GENERATORS = {
    # secrets
    "pw": password,
    "hpw": human_password,
    "rpw": random_password,
    "spw": safe_password,
    "hex32": lambda r: _s(r, HEX, 32),
    "hex40": lambda r: _s(r, HEX, 40),
    "hex64": lambda r: _s(r, HEX, 64),
    "alnum20": lambda r: _s(r, ALNUM, 20),
    "alnum32": lambda r: _s(r, ALNUM, 32),
    "alnum40": lambda r: _s(r, ALNUM, 40),
    "alnum64": lambda r: _s(r, ALNUM, 64),
    "b64_32": lambda r: b64(r, 32),
    "b64_48": lambda r: b64(r, 48),
    "b64url32": lambda r: b64(r, 32, url=True),
    "ghp": lambda r: "gh" + "p_" + _s(r, ALNUM, 36),
    "ghpat": lambda r: "github" + "_pat_" + _s(r, ALNUM, 22) + "_" + _s(r, ALNUM, 59),
    "glpat": lambda r: "gl" + "pat-" + _s(r, ALNUM + "-_", 20),
    "aws_secret": lambda r: _s(r, ALNUM + "+/", 40),
    "jwt": jwt,
    "slack_hook": lambda r: (
        "https://hooks."
        + "slack.com/services/T"
        + _s(r, UPPER + DIGITS, 8)
        + "/B"
        + _s(r, UPPER + DIGITS, 10)
        + "/"
        + _s(r, ALNUM, 24)
    ),
    "xoxb": lambda r: (
        "xo"
        + "xb-"
        + str(r.randint(10**10, 10**12))
        + "-"
        + str(r.randint(10**12, 10**13))
        + "-"
        + _s(r, ALNUM, 24)
    ),
    "sk_live": lambda r: "sk" + "_live_" + _s(r, ALNUM, 99),
    "sendgrid": lambda r: "S" + "G." + _s(r, B64URL, 22) + "." + _s(r, B64URL, 43),
    "gapi": lambda r: "AI" + "za" + _s(r, B64URL, 35),
    "openai": lambda r: "sk-" + "proj-" + _s(r, B64URL, 74) + "T3Blbk" + "FJ" + _s(r, B64URL, 74),
    "anthropic": lambda r: "sk-" + "ant-api03-" + _s(r, B64URL, 93) + "AA",
    "rsa_key": rsa_key,
    "pkcs8_key": pkcs8_key,
    "ec_key": ec_key,
    "openssh_key": openssh_key,
    "jenkins_token": lambda r: "11" + _s(r, HEX, 32),
    "artifactory_key": lambda r: "AKC" + "p8" + _s(r, ALNUM, 71),
    "artifactory_ref": artifactory_ref,
    "sonar": lambda r: r.choice(["sq" + "u_", "sq" + "p_", "sq" + "a_"]) + _s(r, HEX, 40),
    "npm": lambda r: "np" + "m_" + _s(r, ALNUM, 36),
    "develocity": lambda r: _s(r, LOWER + DIGITS, 52),
    "ossrh": lambda r: _s(r, ALNUM + "+/", 44),
    "kc_secret": lambda r: _s(r, ALNUM, 32),
    "jboss_mask": lambda r: "MASK-" + b64(r, 16).rstrip("="),
    "seed": lambda r: " ".join(r.choice(SEED_WORDS) for _ in range(r.choice([12, 24]))),
    "es_api_key": elastic_api_key,
    "basic": basic_auth,
    "datadog": lambda r: _s(r, HEX, 32),
    "newrelic": lambda r: _s(r, HEX, 36) + "NRAL",
    "twilio_token": lambda r: _s(r, HEX, 32),
    "azure_key": lambda r: b64(r, 64),
    "sas_sig": lambda r: urllib.parse.quote(b64(r, 32), safe=""),
    "jks_b64": lambda r: "/u3+7QAAAAIAAAAB" + b64(r, 1500),
    "p12_b64": lambda r: "MIIKYAIBAzCCChoGCSqGSIb3DQEHAaCCCgsEggoH" + b64(r, 1800),
    "refresh": keycloak_refresh,
    "session": lambda r: _s(r, HEX.upper(), 32),
    "gocspx": lambda r: "GOC" + "SPX-" + _s(r, B64URL, 28),
    "vault_token": lambda r: "hv" + "s.CAESI" + _s(r, B64URL, 86),
    "gcp_key_id": lambda r: _s(r, HEX, 40),
    # non-secrets
    "uuid": uuid,
    "hex7": lambda r: _s(r, HEX, 7),
    "sha1": lambda r: _s(r, HEX, 40),
    "sha256": lambda r: _s(r, HEX, 64),
    "sha512": lambda r: _s(r, HEX, 128),
    "md5": lambda r: _s(r, HEX, 32),
    "akia": lambda r: "AK" + "IA" + _s(r, UPPER + "234567", 16),
    "twilio_sid": lambda r: "AC" + _s(r, HEX, 32),
    "pk_live": lambda r: "pk" + "_live_" + _s(r, ALNUM, 99),
    "ts": lambda r: timestamp(r).strftime("%Y-%m-%dT%H:%M:%S.") + f"{r.randint(0, 999):03d}Z",
    "logts": log_time,
    "date": lambda r: timestamp(r).strftime("%a %b %d %H:%M:%S UTC %Y"),
    "epoch": lambda r: str(int(timestamp(r).timestamp() * 1000)),
    "pid": lambda r: str(r.randint(1000, 65000)),
    "port": lambda r: str(
        r.choice([5432, 3306, 1521, 1433, 8080, 8443, 9092, 6379, 9200, 389, 636, 7001, 9990])
    ),
    "num": lambda r: str(r.randint(2, 999)),
    "ms": lambda r: str(r.randint(3, 9000)),
    "host": host,
    "ip": lambda r: f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
    "user": user,
    "first": lambda r: r.choice(FIRST),
    "svc": lambda r: r.choice(SERVICES),
    "domain": lambda r: r.choice(DOMAINS),
    "db": lambda r: r.choice(SERVICES) + r.choice(["", "_db", "db", "_prod"]),
    "ver": version,
    "jasypt": jasypt,
    "jenkins_enc": jenkins_secret,
    "aes": weblogic_aes,
    "mvn_enc": maven_encrypted,
    "bcrypt": bcrypt,
    "gpgid": lambda r: _s(r, "0123456789ABCDEF", 16),
    "fpr": lambda r: _s(r, "0123456789ABCDEF", 40),
    "fp_sha256": lambda r: "SHA256:" + b64(r, 32).rstrip("="),
    "colon_fp": lambda r: ":".join(_s(r, "0123456789ABCDEF", 2) for _ in range(32)),
    "cert": certificate,
    "pubkey": public_key,
    "cert_b64": lambda r: "MIID" + b64(r, 880),
    "ssh_pub": lambda r: (
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"
        + b64(r, 32).rstrip("=")
        + " "
        + r.choice(FIRST)
        + "@"
        + r.choice(SERVICES)
    ),
    "trace": lambda r: _s(r, HEX, 32),
    "span": lambda r: _s(r, HEX, 16),
    "reqid": lambda r: _s(r, HEX, 8) + "-" + str(r.randint(1, 9999)),
    "long": lambda r: str(r.randint(-(2**63), 2**63 - 1)) + "L",
    "scan": lambda r: "https://gradle.com/s/" + _s(r, LOWER + DIGITS, 13),
    "commit": lambda r: _s(r, HEX, 40),
    "b64plain": lambda r: base64.b64encode(
        r.choice(['{"build":"', "Manifest-Version: 1.0\nBuilt-By: "]).encode()
        + r.choice(WORDS).encode()
        + str(r.randint(1, 9999)).encode()
    ).decode(),
    "client_id": lambda r: r.choice(SERVICES) + "-" + r.choice(["web", "api", "backend", "portal", "cli"]),
    "gh_client_id": lambda r: "Iv1." + _s(r, HEX, 16),
    "google_client_id": lambda r: (
        str(r.randint(10**11, 10**12)) + "-" + _s(r, LOWER + DIGITS, 32) + ".apps.googleusercontent.com"
    ),
    "md5crypt": lambda r: "$1$" + _s(r, ALNUM + "./", 8) + "$" + _s(r, ALNUM + "./", 22),
    "sha512crypt": lambda r: "$6$" + _s(r, ALNUM + "./", 16) + "$" + _s(r, ALNUM + "./", 86),
    "truststore_b64": lambda r: "/u3+7QAAAAIAAAAC" + b64(r, 1400),
    "descrypt": lambda r: _s(r, ALNUM + "./", 13),
}


# ---------------------------------------------------------------------------------------------
# Templates: (context, kind, text).

TEMPLATES: list[tuple[str, str, str]] = []


def t(context: str, kind: str, text: str) -> None:
    TEMPLATES.append((context, kind, text.strip("\n")))


# --- shell: mvn, gradle, keytool, asadmin, jboss-cli, kcadm, wlst, java flags -------------------

t(
    "shell",
    "mvn deploy with -D credentials",
    r"""
$ ./mvnw -B deploy -DskipTests -DaltDeploymentRepository=releases::default::https://nexus.«N:domain»/repository/maven-releases/ -Drepo.username=«N:user» -Drepo.password='«S:pw»'
[INFO] Scanning for projects...
[INFO] ------------------< com.«N:svc»:«N:svc»-service >-------------------
[INFO] Building «N:svc»-service «N:ver»
[INFO] --- maven-deploy-plugin:3.1.1:deploy (default-deploy) @ «N:svc»-service ---
[INFO] Uploading to releases: https://nexus.«N:domain»/repository/maven-releases/com/acme/«N:svc»-service/«N:ver»/«N:svc»-service-«N:ver».jar
[INFO] BUILD SUCCESS
""",
)
t(
    "shell",
    "keytool genkeypair storepass keypass",
    r"""
$ keytool -genkeypair -alias «N:svc»-tls -keyalg RSA -keysize 2048 -validity 825 \
    -dname "CN=«N:svc».«N:domain», OU=Platform, O=Acme, C=DE" \
    -keystore src/main/resources/keystore.p12 -storetype PKCS12 \
    -storepass «S:spw:a» -keypass «S:spw:a»
Generating 2,048 bit RSA key pair and self-signed certificate (SHA256withRSA) with a validity of 825 days
	for: CN=«N:svc».«N:domain», OU=Platform, O=Acme, C=DE
""",
)
t(
    "shell",
    "keytool importkeystore srcstorepass deststorepass",
    r"""
user@build-«N:num»:~/certs$ keytool -importkeystore -srckeystore wildcard.pfx -srcstoretype pkcs12 -srcstorepass '«S:pw»' -destkeystore server.jks -deststoretype JKS -deststorepass '«S:pw»' -srcalias 1 -destalias tomcat
Importing keystore wildcard.pfx to server.jks...
Warning:
The JKS keystore uses a proprietary format. It is recommended to migrate to PKCS12 which is an industry standard format using "keytool -importkeystore -srckeystore server.jks -destkeystore server.jks -deststoretype pkcs12".
""",
)
t(
    "shell",
    "keytool list with storepass",
    r"""
$ keytool -list -v -keystore /opt/«N:svc»/conf/client.jks -storepass «S:spw» | head -20
Keystore type: JKS
Keystore provider: SUN

Your keystore contains 2 entries

Alias name: «N:svc»-client
Creation date: Mar 3, 2026
Entry type: PrivateKeyEntry
Certificate chain length: 2
Certificate[1]:
Owner: CN=«N:svc»-client, OU=Integration, O=Acme
Issuer: CN=Acme Issuing CA 2, O=Acme
Serial number: «N:md5»
Certificate fingerprints:
	 SHA1: «N:colon_fp»
	 SHA256: «N:colon_fp»
""",
)
t(
    "shell",
    "java -jar with javax.net.ssl passwords",
    r"""
$ java -Xmx1g -Djavax.net.ssl.keyStore=/etc/«N:svc»/keystore.p12 -Djavax.net.ssl.keyStorePassword=«S:spw» -Djavax.net.ssl.trustStore=/etc/«N:svc»/truststore.jks -Djavax.net.ssl.trustStorePassword=«S:spw» -jar target/«N:svc»-service-«N:ver».jar --spring.profiles.active=prod
  .   ____          _            __ _ _
 /\\ / ___'_ __ _ _(_)_ __  __ _ \ \ \ \
( ( )\___ | '_ | '_| | '_ \/ _` | \ \ \ \
 \\/  ___)| |_)| | | | | || (_| |  ) ) ) )
  '  |____| .__|_| |_|_| |_\__, | / / / /
 =========|_|==============|___/=/_/_/_/
 :: Spring Boot ::                (v3.«N:num».1)
""",
)
t(
    "shell",
    "export JAVA_TOOL_OPTIONS with datasource password",
    r"""
$ export JAVA_TOOL_OPTIONS="-Dspring.datasource.url=jdbc:postgresql://«N:host»:5432/«N:db» -Dspring.datasource.username=«N:user» -Dspring.datasource.password=«S:spw»"
$ ./gradlew bootRun
Picked up JAVA_TOOL_OPTIONS: -Dspring.datasource.url=jdbc:postgresql://«N:host»:5432/«N:db» -Dspring.datasource.username=«N:user» -Dspring.datasource.password=«S:spw»
> Task :bootRun
""",
)
t(
    "shell",
    "ps output of tomcat with CATALINA_OPTS",
    r"""
$ ps -ef | grep [c]atalina
tomcat   «N:pid»     1  3 09:14 ?        00:04:12 /usr/lib/jvm/java-17-openjdk/bin/java -Djava.util.logging.config.file=/opt/tomcat/conf/logging.properties -Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager -Xms512m -Xmx2048m -Ddb.password=«S:pw» -Dmail.smtp.password=«S:pw» -Dignore.endorsed.dirs= -classpath /opt/tomcat/bin/bootstrap.jar:/opt/tomcat/bin/tomcat-juli.jar -Dcatalina.base=/opt/tomcat -Dcatalina.home=/opt/tomcat org.apache.catalina.startup.Bootstrap start
""",
)
t(
    "shell",
    "setenv.sh CATALINA_OPTS",
    r"""
$ cat /opt/tomcat/bin/setenv.sh
#!/bin/sh
JAVA_HOME=/usr/lib/jvm/temurin-17
CATALINA_PID="$CATALINA_BASE/tomcat.pid"
CATALINA_OPTS="$CATALINA_OPTS -Xms1g -Xmx3g -XX:+UseG1GC"
CATALINA_OPTS="$CATALINA_OPTS -Djdbc.«N:svc».password=«S:spw»"
CATALINA_OPTS="$CATALINA_OPTS -Dcom.sun.management.jmxremote.port=9010 -Dcom.sun.management.jmxremote.ssl=false"
export CATALINA_OPTS
""",
)
t(
    "shell",
    "asadmin password file",
    r"""
$ cat > /tmp/pwdfile <<EOF
AS_ADMIN_PASSWORD=«S:pw»
AS_ADMIN_NEWPASSWORD=«S:pw»
EOF
$ asadmin --user admin --passwordfile /tmp/pwdfile change-admin-password
Command change-admin-password executed successfully.
""",
)
t(
    "shell",
    "asadmin create-jdbc-connection-pool",
    r"""
$ asadmin create-jdbc-connection-pool --datasourceclassname org.postgresql.ds.PGSimpleDataSource --restype javax.sql.DataSource --property user=«N:user»:password=«S:spw»:DatabaseName=«N:db»:ServerName=«N:host»:PortNumber=5432 «N:svc»Pool
JDBC connection pool «N:svc»Pool created successfully.
Command create-jdbc-connection-pool executed successfully.
""",
)
t(
    "shell",
    "asadmin create-password-alias echo",
    r"""
payara@app-«N:num»:~$ echo "AS_ADMIN_ALIASPASSWORD=«S:pw»" > alias.txt && asadmin create-password-alias --passwordfile alias.txt db_password_alias
Command create-password-alias executed successfully.
""",
)
t(
    "shell",
    "jboss-cli add datasource",
    r"""
[standalone@localhost:9990 /] data-source add --name=«N:svc»DS --jndi-name=java:jboss/datasources/«N:svc»DS --driver-name=postgresql --connection-url=jdbc:postgresql://«N:host»:5432/«N:db» --user-name=«N:user» --password=«S:pw» --min-pool-size=5 --max-pool-size=30
[standalone@localhost:9990 /] data-source test-connection-in-pool --name=«N:svc»DS
true
""",
)
t(
    "shell",
    "jboss-cli credential store clear-text",
    r"""
[standalone@localhost:9990 /] /subsystem=elytron/credential-store=cs:add(location=credentials.cs, relative-to=jboss.server.config.dir, credential-reference={clear-text=«S:pw»}, create=true)
{"outcome" => "success"}
[standalone@localhost:9990 /] /subsystem=elytron/credential-store=cs:add-alias(alias=db-password, secret-value=«S:pw»)
{"outcome" => "success"}
""",
)
t(
    "shell",
    "add-user.sh wildfly management user",
    r"""
$ $JBOSS_HOME/bin/add-user.sh -u admin -p '«S:pw»' -g SuperUser -e
Added user 'admin' to file '/opt/wildfly/standalone/configuration/mgmt-users.properties'
Added user 'admin' to file '/opt/wildfly/domain/configuration/mgmt-users.properties'
Added user 'admin' with groups SuperUser to file '/opt/wildfly/standalone/configuration/mgmt-groups.properties'
""",
)
t(
    "shell",
    "kcadm config credentials",
    r"""
$ /opt/keycloak/bin/kcadm.sh config credentials --server https://sso.«N:domain» --realm master --user admin --password '«S:pw»'
Logging into https://sso.«N:domain» as user admin of realm master
$ /opt/keycloak/bin/kcadm.sh get realms/«N:svc» --fields id,realm,enabled
{
  "id" : "«N:uuid»",
  "realm" : "«N:svc»",
  "enabled" : true
}
""",
)
t(
    "shell",
    "kcadm get client secret",
    r"""
$ kcadm.sh get clients/«N:uuid»/client-secret -r «N:svc»
{
  "type" : "secret",
  "value" : "«S:kc_secret»"
}
""",
)
t(
    "shell",
    "kcadm create client with secret",
    r"""
$ kcadm.sh create clients -r «N:svc» -s clientId=«N:client_id» -s enabled=true -s clientAuthenticatorType=client-secret -s secret=«S:kc_secret» -s 'redirectUris=["https://«N:svc».«N:domain»/*"]'
Created new client with id '«N:uuid»'
""",
)
t(
    "shell",
    "curl keycloak token with client secret",
    r"""
$ curl -s -X POST https://sso.«N:domain»/realms/«N:svc»/protocol/openid-connect/token \
    -d grant_type=client_credentials -d client_id=«N:client_id» -d client_secret=«S:kc_secret» | jq .
{
  "access_token": "«S:jwt»",
  "expires_in": 300,
  "refresh_expires_in": 0,
  "token_type": "Bearer",
  "not-before-policy": 0,
  "scope": "profile email"
}
""",
)
t(
    "shell",
    "wlst connect",
    r"""
$ java weblogic.WLST
Initializing WebLogic Scripting Tool (WLST) ...
wls:/offline> connect('weblogic', '«S:pw»', 't3://«N:host»:7001')
Connecting to t3://«N:host»:7001 with userid weblogic ...
Successfully connected to Admin Server "AdminServer" that belongs to domain "«N:svc»_domain".
""",
)
t(
    "shell",
    "gradle publish with -P credentials",
    r"""
$ ./gradlew publish -PossrhUsername=«N:user» -PossrhPassword=«S:ossrh» -Psigning.keyId=«N:hex7»A -Psigning.password='«S:pw»' -Psigning.secretKeyRingFile=/home/ci/.gnupg/secring.gpg
> Task :lib:signMavenPublication
> Task :lib:publishMavenPublicationToOssrhRepository
BUILD SUCCESSFUL in 48s
""",
)
t(
    "shell",
    "ORG_GRADLE_PROJECT env exports",
    r"""
$ export ORG_GRADLE_PROJECT_mavenCentralUsername=«N:alnum20»
$ export ORG_GRADLE_PROJECT_mavenCentralPassword=«S:ossrh»
$ export ORG_GRADLE_PROJECT_signingInMemoryKeyPassword='«S:pw»'
$ ./gradlew publishAndReleaseToMavenCentral --no-configuration-cache
""",
)
t(
    "shell",
    "cat gradle.properties in home",
    r"""
$ cat ~/.gradle/gradle.properties
org.gradle.jvmargs=-Xmx4g -XX:MaxMetaspaceSize=1g
org.gradle.parallel=true
org.gradle.caching=true
artifactoryUser=«N:user»
artifactoryPassword=«S:artifactory_key»
systemProp.http.proxyHost=proxy.«N:domain»
systemProp.http.proxyPort=3128
systemProp.http.proxyUser=«N:user»
systemProp.http.proxyPassword=«S:pw»
""",
)
t(
    "shell",
    "sbt credentials file",
    r"""
$ cat ~/.sbt/.credentials
realm=Sonatype Nexus Repository Manager
host=nexus.«N:domain»
user=«N:user»
password=«S:pw»
$ sbt publish
[info] welcome to sbt 1.«N:num».2 (Eclipse Adoptium Java 17.0.9)
""",
)
t(
    "shell",
    "env grep of a spring pod",
    r"""
$ kubectl exec deploy/«N:svc»-api -- env | grep -i -E 'spring|jdbc|pass'
SPRING_PROFILES_ACTIVE=prod,k8s
SPRING_DATASOURCE_URL=jdbc:mysql://«N:host»:3306/«N:db»?useSSL=true
SPRING_DATASOURCE_USERNAME=«N:user»
SPRING_DATASOURCE_PASSWORD=«S:pw»
SPRING_RABBITMQ_PASSWORD=«S:spw»
JAVA_OPTS=-XX:MaxRAMPercentage=75
""",
)
t(
    "shell",
    "docker run spring env",
    r"""
$ docker run -d --name «N:svc» -p 8080:8080 \
  -e SPRING_DATASOURCE_PASSWORD='«S:pw»' \
  -e SPRING_SECURITY_OAUTH2_CLIENT_REGISTRATION_GITHUB_CLIENT_SECRET=«S:hex40» \
  -e SPRING_SECURITY_OAUTH2_CLIENT_REGISTRATION_GITHUB_CLIENT_ID=«N:gh_client_id» \
  registry.«N:domain»/«N:svc»:«N:ver»
«N:sha256»
""",
)
t(
    "shell",
    "jasypt encrypt cli with master password",
    r"""
$ mvn jasypt:encrypt-value -Djasypt.encryptor.password='«S:pw»' -Djasypt.plugin.value='«S:pw»'
[INFO] --- jasypt-maven-plugin:3.0.5:encrypt-value (default-cli) @ «N:svc» ---
[INFO] Encrypting value
«N:jasypt»
""",
)
t(
    "shell",
    "java -jar with jasypt master password",
    r"""
$ nohup java -Djasypt.encryptor.password=«S:spw» -jar «N:svc»-«N:ver».jar > app.log 2>&1 &
[1] «N:pid»
""",
)
t(
    "shell",
    "jenkins-cli with api token",
    r"""
$ java -jar jenkins-cli.jar -s https://ci.«N:domain»/ -auth «N:user»:«S:jenkins_token» build «N:svc»-release -p VERSION=«N:ver» -s -v
Started «N:svc»-release #«N:num»
Completed «N:svc»-release #«N:num» : SUCCESS
""",
)
t(
    "shell",
    "curl jenkins api with token",
    r"""
$ curl -sS -u «N:user»:«S:jenkins_token» -X POST "https://jenkins.«N:domain»/job/«N:svc»/buildWithParameters?BRANCH=main"
$ echo $?
0
""",
)
t(
    "shell",
    "mvn with sonar token",
    r"""
$ mvn -B verify org.sonarsource.scanner.maven:sonar-maven-plugin:sonar -Dsonar.host.url=https://sonar.«N:domain» -Dsonar.token=«S:sonar» -Dsonar.projectKey=com.«N:svc»:«N:svc»-service
[INFO] User cache: /home/ci/.sonar/cache
[INFO] Analysis report uploaded in «N:ms»ms
[INFO] ANALYSIS SUCCESSFUL, you can find the results at: https://sonar.«N:domain»/dashboard?id=com.«N:svc»%3A«N:svc»-service
""",
)
t(
    "shell",
    "jfrog cli config add",
    r"""
$ jf c add art-prod --url=https://«N:svc».jfrog.io --user=«N:user» --password='«S:pw»' --interactive=false
$ jf c add art-ci --url=https://«N:svc».jfrog.io --access-token=«S:jwt» --interactive=false
$ jf c show art-ci
Server ID:			art-ci
JFrog Platform URL:		https://«N:svc».jfrog.io/
Access token:			***
""",
)
t(
    "shell",
    "curl artifactory deploy with api key",
    r"""
$ curl -H "X-JFrog-Art-Api: «S:artifactory_key»" -T target/«N:svc»-«N:ver».war "https://artifactory.«N:domain»/artifactory/libs-release-local/com/acme/«N:svc»/«N:ver»/«N:svc»-«N:ver».war"
{
  "repo" : "libs-release-local",
  "path" : "/com/acme/«N:svc»/«N:ver»/«N:svc»-«N:ver».war",
  "checksums" : {
    "sha1" : "«N:sha1»",
    "md5" : "«N:md5»",
    "sha256" : "«N:sha256»"
  }
}
""",
)
t(
    "shell",
    "curl nexus upload with basic auth",
    r"""
$ curl -v -u «N:user:u»:'«S:pw»' --upload-file «N:svc»-«N:ver».jar https://nexus.«N:domain»/repository/maven-releases/com/acme/app/«N:ver»/app-«N:ver».jar
*   Trying «N:ip»:443...
* Server auth using Basic with user '«N:user:u»'
> PUT /repository/maven-releases/com/acme/app/«N:ver»/app-«N:ver».jar HTTP/1.1
> Host: nexus.«N:domain»
> Authorization: Basic «S:basic»
< HTTP/1.1 201 Created
""",
)
t(
    "shell",
    "jmxterm with jmx creds",
    r"""
$ java -jar jmxterm.jar -l «N:host»:9010 -u controlRole -p «S:spw»
Welcome to JMX terminal. Type "help" for available commands.
$>beans -d java.lang
java.lang:type=Memory
java.lang:type=Runtime
""",
)
t(
    "shell",
    "kafka client.properties with jaas",
    r"""
$ cat client.properties
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="«N:user»" password="«S:pw»";
ssl.truststore.location=/etc/kafka/truststore.jks
ssl.truststore.password=«S:spw»
$ kafka-console-producer.sh --bootstrap-server «N:host»:9093 --topic «N:svc».events --producer.config client.properties
>
""",
)
t(
    "shell",
    "kafka-configs add scram user",
    r"""
$ kafka-configs.sh --bootstrap-server localhost:9092 --alter --add-config 'SCRAM-SHA-256=[iterations=8192,password=«S:spw:p»],SCRAM-SHA-512=[password=«S:spw:p»]' --entity-type users --entity-name «N:user»
Completed updating config for user «N:user».
""",
)
t(
    "shell",
    "ldapsearch bind for spring security",
    r"""
$ ldapsearch -x -H ldaps://ldap.«N:domain»:636 -D "cn=«N:svc»-bind,ou=service,dc=acme,dc=com" -w '«S:pw»' -b "ou=people,dc=acme,dc=com" "(uid=«N:first»)" cn mail memberOf
# extended LDIF
#
# LDAPv3
dn: uid=«N:first:f»,ou=people,dc=acme,dc=com
cn: «N:first:f»
""",
)
t(
    "shell",
    "openssl pkcs12 export with passout",
    r"""
$ openssl pkcs12 -export -in «N:svc:s».crt -inkey «N:svc:s».key -certfile chain.pem -name «N:svc:s» -out «N:svc:s».p12 -passout pass:«S:spw:p»
$ keytool -importkeystore -srckeystore «N:svc:s».p12 -srcstoretype PKCS12 -srcstorepass «S:spw:p» -destkeystore «N:svc:s».jks -deststorepass «S:spw»
Entry for alias «N:svc:s» successfully imported.
Import command completed:  1 entries successfully imported, 0 entries failed or cancelled
""",
)
t(
    "shell",
    "base64 keystore into CI variable",
    r"""
$ base64 -w0 release.keystore
«S:jks_b64»
$ gh secret set ANDROID_KEYSTORE_PASSWORD --body '«S:pw»'
✓ Set Actions secret ANDROID_KEYSTORE_PASSWORD for acme/«N:svc»-android
""",
)
t(
    "shell",
    "cat ssh deploy key on jenkins agent",
    r"""
jenkins@agent-«N:num»:~$ cat ~/.ssh/id_ed25519
«S:openssh_key»
jenkins@agent-«N:num»:~$ cat ~/.ssh/id_ed25519.pub
«N:ssh_pub»
""",
)
t(
    "shell",
    "jenkins script console decrypt",
    r"""
$ curl -s -u admin:«S:jenkins_token» --data-urlencode "script=println(hudson.util.Secret.decrypt('«N:jenkins_enc»'))" https://jenkins.«N:domain»/scriptText
«S:pw»
""",
)
t(
    "shell",
    "mvn encrypt-master-password output",
    r"""
$ mvn --encrypt-master-password '«S:pw»'
«S:mvn_enc:m»
$ cat > ~/.m2/settings-security.xml <<'XML'
<settingsSecurity>
  <master>«S:mvn_enc:m»</master>
</settingsSecurity>
XML
""",
)
t(
    "shell",
    "git credentials for gradle build",
    r"""
$ cat ~/.git-credentials
https://«N:user»:«S:ghp»@github.com
https://oauth2:«S:glpat»@gitlab.«N:domain»
$ ./gradlew :app:dependencies --configuration runtimeClasspath | head -3
""",
)
t(
    "shell",
    "quarkus dev with env password",
    r"""
$ QUARKUS_DATASOURCE_PASSWORD=«S:pw» QUARKUS_DATASOURCE_USERNAME=«N:user» ./mvnw quarkus:dev
[INFO] --- quarkus-maven-plugin:3.«N:num».0:dev (default-cli) @ «N:svc» ---
«N:logts» INFO  [io.quarkus] «N:svc» «N:ver» on JVM (powered by Quarkus 3.«N:num».0) started in 2.1s. Listening on: http://localhost:8080
«N:logts» INFO  [io.quarkus] Profile dev activated. Live Coding activated.
""",
)
t(
    "shell",
    "micronaut run with env",
    r"""
$ DATASOURCES_DEFAULT_PASSWORD='«S:pw»' MICRONAUT_SECURITY_TOKEN_JWT_SIGNATURES_SECRET_GENERATOR_SECRET=«S:alnum40» ./gradlew run
> Task :run
«N:logts» [main] INFO  io.micronaut.runtime.Micronaut - Startup completed in 812ms. Server Running: http://localhost:8080
""",
)
t(
    "shell",
    "jib build with registry password",
    r"""
$ ./mvnw compile jib:build -Djib.to.image=registry.«N:domain»/«N:svc»:«N:ver» -Djib.to.auth.username=«N:user» -Djib.to.auth.password=«S:pw»
[INFO] Containerizing application to registry.«N:domain»/«N:svc»:«N:ver»...
[INFO] Built and pushed image as registry.«N:domain»/«N:svc»:«N:ver»
[INFO] The container image digest is: sha256:«N:sha256»
""",
)
t(
    "shell",
    "flyway migrate with password",
    r"""
$ ./mvnw flyway:migrate -Dflyway.url=jdbc:postgresql://«N:host»:5432/«N:db» -Dflyway.user=«N:user» -Dflyway.password=«S:pw»
[INFO] Flyway Community Edition 10.«N:num».0 by Redgate
[INFO] Successfully validated 42 migrations (execution time 00:00.081s)
[INFO] Migrating schema "public" to version "42 - add invoice status"
""",
)
t(
    "shell",
    "liquibase update with password",
    r"""
$ liquibase --changelog-file=db/changelog/db.changelog-master.yaml --url="jdbc:oracle:thin:@«N:host»:1521/ORCLPDB1" --username=«N:user» --password=«S:pw» update
Starting Liquibase at 10:22:07 (version 4.«N:num».0 #«N:num» built at «N:logts»)
Liquibase: Update has been successful. Rows affected: 17
""",
)
t(
    "shell",
    "history of a wildfly admin",
    r"""
$ history | tail -8
  501  cd /opt/wildfly/bin
  502  ./jboss-cli.sh --connect --user=admin --password=«S:pw»
  503  vi ../standalone/configuration/standalone.xml
  504  systemctl restart wildfly
  505  tail -f ../standalone/log/server.log
  506  keytool -list -keystore ../standalone/configuration/application.keystore -storepass «S:spw»
  507  exit
""",
)
t(
    "shell",
    "elasticsearch api key create",
    r"""
$ curl -s -u elastic:«S:pw» -X POST "https://«N:host»:9200/_security/api_key" -H 'Content-Type: application/json' -d '{"name":"«N:svc»-java-client","role_descriptors":{}}'
{"id":"«N:alnum20»","name":"«N:svc»-java-client","api_key":"«S:alnum20»","encoded":"«S:es_api_key»"}
""",
)
t(
    "shell",
    "hazelcast member start with cluster password",
    r"""
$ java -Dhazelcast.config=hazelcast.xml -Dhz.cluster.password=«S:spw» -cp hazelcast-5.«N:num».jar com.hazelcast.core.server.HazelcastMemberStarter
«N:date» INFO: [«N:ip»]:5701 [dev] [5.3.6] Hazelcast Platform 5.3.6 («N:hex7») starting
""",
)
t(
    "shell",
    "spring boot cli encodepassword with raw",
    r"""
$ spring encodepassword '«S:pw»'
{bcrypt}«N:bcrypt»
""",
)
t(
    "shell",
    "zookeeper digest auth in zkCli",
    r"""
$ zkCli.sh -server «N:host»:2181
[zk: localhost:2181(CONNECTED) 0] addauth digest kafka:«S:spw»
[zk: localhost:2181(CONNECTED) 1] getAcl /kafka/config
'digest,'kafka:«N:b64url32»
: cdrwa
""",
)
t(
    "shell",
    "gpg passphrase in env for maven signing",
    r"""
$ gpg --list-secret-keys --keyid-format LONG
sec   rsa4096/«N:gpgid» 2024-02-11 [SC]
      «N:fpr»
uid                 [ultimate] Acme Release Bot <release@«N:domain»>
$ export MAVEN_GPG_PASSPHRASE='«S:pw»'
$ ./mvnw -Prelease deploy -DskipTests
""",
)
t(
    "shell",
    "ant task with db password",
    r"""
$ ant -Ddb.password=«S:pw» -Ddb.user=«N:user» db.reset
Buildfile: /home/«N:first»/«N:svc»/build.xml

db.reset:
      [sql] Executing resource: /home/«N:first»/«N:svc»/sql/schema.sql
      [sql] 58 of 58 SQL statements executed successfully

BUILD SUCCESSFUL
Total time: 3 seconds
""",
)
t(
    "shell",
    "spring boot maven plugin run arguments",
    r"""
$ ./mvnw spring-boot:run -Dspring-boot.run.arguments="--spring.mail.password=«S:pw» --spring.mail.username=noreply@«N:domain» --server.port=8081"
«N:logts»  INFO «N:pid» --- [«N:svc»] [           main] c.a.«N:svc».Application : Started Application in 4.2 seconds (process running for 4.6)
""",
)
t(
    "shell",
    "systemctl cat of spring unit",
    r"""
$ systemctl cat «N:svc».service
# /etc/systemd/system/«N:svc».service
[Unit]
Description=«N:svc» Spring Boot service
After=network.target

[Service]
User=«N:svc»
Environment="SPRING_PROFILES_ACTIVE=prod"
Environment="SPRING_DATASOURCE_PASSWORD=«S:pw»"
Environment="APP_STRIPE_SECRET_KEY=«S:sk_live»"
ExecStart=/usr/bin/java -Xmx768m -jar /opt/«N:svc»/app.jar
Restart=on-failure
""",
)
t(
    "shell",
    "jcmd VM.system_properties",
    r"""
$ jcmd «N:pid» VM.system_properties | grep -i -E 'pass|secret|key'
javax.net.ssl.keyStorePassword=«S:spw»
app.crypto.hmac-secret=«S:hex64»
javax.net.ssl.keyStore=/etc/pki/«N:svc».p12
java.vm.specification.vendor=Oracle Corporation
""",
)
t(
    "shell",
    "heroku-like config for a kotlin app",
    r"""
$ fly secrets list -a «N:svc»-kt
NAME                    DIGEST                  CREATED AT
DATABASE_URL            «N:span»        2m ago
$ fly secrets set -a «N:svc»-kt KTOR_JWT_SECRET=«S:alnum64» SENDGRID_API_KEY=«S:sendgrid»
Secrets are staged for the first deployment
""",
)
t(
    "shell",
    "printf pipe into keytool prompts",
    r"""
$ printf '%s\n%s\n' '«S:pw:p»' '«S:pw:p»' | keytool -genseckey -alias «N:svc»-aes -keyalg AES -keysize 256 -storetype JCEKS -keystore secrets.jceks
Enter keystore password:  Re-enter new password:
$ ls -l secrets.jceks
-rw-r--r-- 1 «N:first» staff 502 Mar 11 09:02 secrets.jceks
""",
)
t(
    "shell",
    "mvn deploy with env references",
    r"""
$ ./mvnw -B deploy -s .mvn/settings.xml -Drepo.username=${NEXUS_USER} -Drepo.password=${NEXUS_PASSWORD} -DskipTests
[INFO] Scanning for projects...
[INFO] Building «N:svc»-service «N:ver»
[INFO] Uploaded to releases: https://nexus.«N:domain»/repository/maven-releases/com/acme/«N:svc»-service/«N:ver»/«N:svc»-service-«N:ver».pom (4.1 kB at 12 kB/s)
[INFO] BUILD SUCCESS
""",
)
t(
    "shell",
    "keytool with storepass from env and file",
    r"""
$ keytool -importcert -noprompt -trustcacerts -alias acme-root-ca -file /etc/pki/ca-trust/acme-root.pem -keystore truststore.jks -storepass:env TRUSTSTORE_PASSWORD
Certificate was added to keystore
$ keytool -list -keystore keystore.p12 -storepass:file /run/secrets/keystore_password
Keystore type: PKCS12
Keystore provider: SUN

Your keystore contains 1 entry

«N:svc»-tls, «N:date», PrivateKeyEntry,
Certificate fingerprint (SHA-256): «N:colon_fp»
""",
)
t(
    "shell",
    "keytool list prompting for password",
    r"""
$ keytool -list -keystore $JAVA_HOME/lib/security/cacerts
Enter keystore password:

*****************  WARNING WARNING WARNING  *****************
* The integrity of the information stored in your keystore  *
* has NOT been verified!  In order to verify its integrity, *
* you must provide your keystore password.                  *
*****************  WARNING WARNING WARNING  *****************

Keystore type: JKS
Keystore provider: SUN

Your keystore contains 147 entries

digicertglobalrootg2 [jdk], «N:date», trustedCertEntry,
Certificate fingerprint (SHA-256): «N:colon_fp»
""",
)
t(
    "shell",
    "jarsigner verify output",
    r"""
$ jarsigner -verify -verbose -certs target/«N:svc»-«N:ver».jar | tail -12
sm      1894 «N:date» META-INF/MANIFEST.MF

      X.509, CN=Acme Code Signing, O=Acme Corp, C=DE
      [certificate is valid from 1/15/25, 9:00 AM to 1/15/28, 8:59 AM]
      [CertPath not validated: Path does not chain with any of the trust anchors]

  s = signature was verified
  m = entry is listed in manifest
  k = at least one certificate was found in keystore

jar verified.
""",
)
t(
    "shell",
    "mvn dependency tree with security libs",
    r"""
$ ./mvnw dependency:tree -Dincludes=org.springframework.security,com.nimbusds
[INFO] com.acme:«N:svc»-service:jar:«N:ver»
[INFO] +- org.springframework.boot:spring-boot-starter-oauth2-resource-server:jar:3.2.«N:num»:compile
[INFO] |  +- org.springframework.security:spring-security-oauth2-resource-server:jar:6.2.1:compile
[INFO] |  +- org.springframework.security:spring-security-oauth2-jose:jar:6.2.1:compile
[INFO] |  |  \- com.nimbusds:nimbus-jose-jwt:jar:9.37.3:compile
[INFO] \- org.springframework.security:spring-security-crypto:jar:6.2.1:compile
[INFO] BUILD SUCCESS
""",
)
t(
    "shell",
    "gradle build scan published",
    r"""
$ ./gradlew build --scan
> Task :app:test
PasswordEncoderConfigTest > encodesWithBcrypt() PASSED
TokenServiceTest > rejectsExpiredToken() PASSED
BUILD SUCCESSFUL in 1m 12s
47 actionable tasks: 12 executed, 35 up-to-date

Publishing build scan...
«N:scan»
""",
)
t(
    "shell",
    "asadmin with passwordfile reference",
    r"""
$ asadmin --user admin --passwordfile /opt/payara/secrets/admin.pwd --host «N:host» --port 4848 list-jdbc-resources
jdbc/__TimerPool
jdbc/__default
jdbc/«N:svc»DS
Command list-jdbc-resources executed successfully.
""",
)
t(
    "shell",
    "jboss-cli credential reference by alias",
    r"""
[standalone@localhost:9990 /] data-source add --name=«N:svc»DS --jndi-name=java:jboss/datasources/«N:svc»DS --driver-name=postgresql --connection-url=jdbc:postgresql://«N:host»:5432/«N:db» --user-name=«N:user» --credential-reference={store=appCredStore, alias=«N:svc»-db-password}
[standalone@localhost:9990 /] /subsystem=datasources/data-source=«N:svc»DS:read-attribute(name=password)
{
    "outcome" => "success",
    "result" => undefined
}
""",
)
t(
    "shell",
    "jboss vault reference in cli",
    r"""
[standalone@localhost:9990 /] /subsystem=datasources/data-source=ExampleDS:write-attribute(name=password, value="${VAULT::ds_ExampleDS::password::1}")
{"outcome" => "success", "response-headers" => {"operation-requires-reload" => true, "process-state" => "reload-required"}}
[standalone@localhost:9990 /] reload
""",
)
t(
    "shell",
    "kcadm with password from variable",
    r"""
$ export KC_ADMIN_PASSWORD="$(vault kv get -field=password secret/keycloak/admin)"
$ kcadm.sh config credentials --server https://sso.«N:domain» --realm master --user admin --password "$KC_ADMIN_PASSWORD"
Logging into https://sso.«N:domain» as user admin of realm master
$ kcadm.sh get clients -r «N:svc» --fields clientId,publicClient | jq -c '.[]'
{"clientId":"«N:client_id»","publicClient":false}
{"clientId":"account-console","publicClient":true}
""",
)
t(
    "shell",
    "jasypt encrypted values listing",
    r"""
$ grep -rn 'ENC(' src/main/resources/
src/main/resources/application-prod.properties:7:spring.datasource.password=«N:jasypt»
src/main/resources/application-prod.properties:12:spring.mail.password=«N:jasypt»
src/main/resources/application-prod.properties:19:app.partner.api-key=«N:jasypt»
""",
)
t(
    "shell",
    "jenkins credentials list",
    r"""
$ java -jar jenkins-cli.jar -s https://ci.«N:domain»/ -auth @/home/«N:first»/.jenkins-cli-auth list-credentials system::system::jenkins
=====================================================================
Domain                     (global)
Description
# of Credentials           4
=====================================================================
Id                         Name
========================== ==========================================
nexus-deploy               «N:user»/****** (Nexus deployer)
github-app                 «N:svc»-bot (GitHub App)
sonar-token                Sonar analysis token
ssh-prod                   deploy (prod ssh key)
=====================================================================
""",
)
t(
    "shell",
    "sha1 of maven artifacts",
    r"""
$ cd ~/.m2/repository/org/springframework/security/spring-security-crypto/6.2.1 && ls && cat *.jar.sha1
_remote.repositories
spring-security-crypto-6.2.1.jar
spring-security-crypto-6.2.1.jar.sha1
spring-security-crypto-6.2.1.pom
spring-security-crypto-6.2.1.pom.sha1
«N:sha1»
$ sha256sum spring-security-crypto-6.2.1.jar
«N:sha256»  spring-security-crypto-6.2.1.jar
""",
)
t(
    "shell",
    "gpg list keys for signing",
    r"""
$ gpg --list-keys --keyid-format LONG release@«N:domain»
pub   rsa4096/«N:gpgid» 2024-02-11 [SC] [expires: 2027-02-10]
      «N:fpr»
uid                 [ultimate] Acme Release Bot <release@«N:domain»>
sub   rsa4096/«N:gpgid» 2024-02-11 [E] [expires: 2027-02-10]
$ grep signing ~/.gradle/gradle.properties
signing.keyId=«N:hex7»A
signing.secretKeyRingFile=/home/«N:first»/.gnupg/secring.gpg
""",
)
t(
    "shell",
    "java process with safe flags",
    r"""
$ ps -o pid,args -C java
    PID COMMAND
  «N:pid» java -XX:+UseZGC -Xmx4g -Djava.security.egd=file:/dev/./urandom -Djavax.net.ssl.trustStore=/etc/pki/java/cacerts -Djavax.net.ssl.keyStoreType=PKCS12 -Dspring.config.additional-location=/etc/«N:svc»/ -Dspring.profiles.active=prod -jar /opt/«N:svc»/app.jar
""",
)
t(
    "shell",
    "kubectl get secrets listing",
    r"""
$ kubectl get secrets -n «N:svc»
NAME                         TYPE                                  DATA   AGE
«N:svc»-db-credentials        Opaque                                2      41d
«N:svc»-keystore              Opaque                                2      41d
«N:svc»-tls                   kubernetes.io/tls                     2      12d
jenkins-token-x7d2k          kubernetes.io/service-account-token   3      400d
$ kubectl describe secret «N:svc»-db-credentials -n «N:svc»
Name:         «N:svc»-db-credentials
Type:  Opaque

Data
====
password:  24 bytes
username:  11 bytes
""",
)
t(
    "shell",
    "spring boot startup log masked",
    r"""
$ ./mvnw spring-boot:run
«N:logts»  INFO «N:pid» --- [main] c.a.Application : The following 2 profiles are active: "prod", "k8s"
«N:logts»  INFO «N:pid» --- [main] com.zaxxer.hikari.HikariDataSource : HikariPool-1 - Starting...
«N:logts»  INFO «N:pid» --- [main] com.zaxxer.hikari.pool.HikariPool : HikariPool-1 - Added connection org.postgresql.jdbc.PgConnection@«N:hex7»
«N:logts»  INFO «N:pid» --- [main] o.s.s.web.DefaultSecurityFilterChain : Will secure any request with filters: DisableEncodeUrlFilter, WebAsyncManagerIntegrationFilter, SecurityContextHolderFilter, BearerTokenAuthenticationFilter
«N:logts»  INFO «N:pid» --- [main] c.a.Application : Started Application in 6.91 seconds
""",
)
t(
    "shell",
    "printenv with masked values",
    r"""
$ ./gradlew printEnv -q
SPRING_DATASOURCE_USERNAME=«N:user»
SPRING_DATASOURCE_PASSWORD=********
JASYPT_ENCRYPTOR_PASSWORD=<set>
SONAR_TOKEN=[MASKED]
GRADLE_ENTERPRISE_ACCESS_KEY=(hidden)
""",
)
t(
    "shell",
    "mvn help effective-settings masked",
    r"""
$ mvn help:effective-settings -DshowPasswords=false | sed -n '1,30p'
[INFO] Effective user-specific configuration settings:
<settings xmlns="http://maven.apache.org/SETTINGS/1.2.0">
  <localRepository>/home/«N:first»/.m2/repository</localRepository>
  <servers>
    <server>
      <username>«N:user»</username>
      <password>***</password>
      <id>nexus-releases</id>
    </server>
  </servers>
</settings>
""",
)
t(
    "shell",
    "jstack with security class names",
    r"""
$ jstack «N:pid» | grep -A6 'http-nio-8080-exec-3'
"http-nio-8080-exec-3" #«N:num» daemon prio=5 os_prio=0 cpu=«N:ms».12ms elapsed=3120.55s tid=0x00007f«N:span» nid=0x«N:hex7» waiting on condition
   java.lang.Thread.State: RUNNABLE
	at org.springframework.security.crypto.bcrypt.BCrypt.key(BCrypt.java:621)
	at org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder.matches(BCryptPasswordEncoder.java:131)
	at org.springframework.security.authentication.dao.DaoAuthenticationProvider.additionalAuthenticationChecks(DaoAuthenticationProvider.java:90)
	at com.acme.«N:svc».security.TokenService.issue(TokenService.java:58)
""",
)
t(
    "shell",
    "java version and security properties",
    r"""
$ java -XshowSettings:security:properties -version 2>&1 | grep -E 'keystore|jdk.tls|version'
    keystore.type=pkcs12
    keystore.type.compat=true
    jdk.tls.disabledAlgorithms=SSLv3, TLSv1, TLSv1.1, DTLS, RC4, DES, MD5withRSA, DH keySize < 1024
openjdk version "21.0.«N:num»" 2025-01-21 LTS
OpenJDK Runtime Environment Temurin-21.0.«N:num»+7 (build 21.0.5+11-LTS)
""",
)
t(
    "shell",
    "bcrypt hash generation in jshell",
    r"""
$ jshell --class-path spring-security-crypto-6.2.1.jar:commons-logging-1.2.jar
|  Welcome to JShell -- Version 21.0.2
jshell> new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder().encode(System.getenv("NEW_ADMIN_PASSWORD"))
$1 ==> "«N:bcrypt»"
""",
)
t(
    "shell",
    "kafka-acls listing",
    r"""
$ kafka-acls.sh --bootstrap-server «N:host»:9093 --command-config /etc/kafka/admin.properties --list --topic «N:svc».events
Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=«N:svc».events, patternType=LITERAL)`:
 	(principal=User:«N:user», host=*, operation=WRITE, permissionType=ALLOW)
 	(principal=User:«N:svc»-consumer, host=*, operation=READ, permissionType=ALLOW)
""",
)
t(
    "shell",
    "gradle properties without secrets",
    r"""
$ cat gradle.properties
org.gradle.jvmargs=-Xmx3g -Dfile.encoding=UTF-8
org.gradle.configuration-cache=true
kotlin.code.style=official
android.useAndroidX=true
android.nonTransitiveRClass=true
systemProp.http.proxyHost=proxy.«N:domain»
systemProp.http.proxyPort=3128
systemProp.http.nonProxyHosts=*.«N:domain»|localhost
VERSION_NAME=«N:ver»
GROUP=com.acme.«N:svc»
POM_ARTIFACT_ID=«N:svc»-client
""",
)
t(
    "shell",
    "signing config reading env in gradle",
    r"""
$ grep -n -A6 'signingConfigs' app/build.gradle.kts
41:    signingConfigs {
42:        create("release") {
43:            storeFile = file(System.getenv("RELEASE_KEYSTORE") ?: "release.jks")
44:            storePassword = System.getenv("RELEASE_STORE_PASSWORD")
45:            keyAlias = "«N:svc»-upload"
46:            keyPassword = providers.gradleProperty("releaseKeyPassword").orNull
47:        }
""",
)
t(
    "shell",
    "grep for password property names",
    r"""
$ grep -rn --include=*.java -i 'password' src/main/java | head
src/main/java/com/acme/«N:svc»/config/SecurityConfig.java:34:    public PasswordEncoder passwordEncoder() {
src/main/java/com/acme/«N:svc»/config/SecurityConfig.java:35:        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
src/main/java/com/acme/«N:svc»/user/UserService.java:71:        user.setPasswordHash(passwordEncoder.encode(request.password()));
src/main/java/com/acme/«N:svc»/user/ResetPasswordController.java:22:    @PostMapping("/api/password/reset")
src/main/java/com/acme/«N:svc»/config/DbProps.java:12:    @Value("${spring.datasource.password}")
src/main/java/com/acme/«N:svc»/config/DbProps.java:13:    private String password;
""",
)
t(
    "shell",
    "docker run with secret references",
    r"""
$ docker run -d --name «N:svc» \
  -e SPRING_DATASOURCE_PASSWORD_FILE=/run/secrets/db_password \
  -e SPRING_CONFIG_IMPORT=optional:configtree:/run/secrets/ \
  --secret db_password \
  registry.«N:domain»/«N:svc»@sha256:«N:sha256»
«N:sha256»
""",
)
t(
    "shell",
    "vault kv get spring path",
    r"""
$ vault kv get -format=table secret/«N:svc»/prod
====== Secret Path ======
secret/data/«N:svc»/prod

======= Metadata =======
Key                Value
---                -----
created_time       «N:ts»
custom_metadata    <nil>
deletion_time      n/a
destroyed          false
version            7
$ vault kv metadata get secret/«N:svc»/prod | grep current_version
current_version         7
""",
)
t(
    "shell",
    "jenkins plugin list",
    r"""
$ java -jar jenkins-cli.jar -s https://ci.«N:domain»/ -webSocket list-plugins | grep -i cred
credentials                        Credentials Plugin                  1337.v60b_d7b_c7b_c9f
credentials-binding                Credentials Binding Plugin          657.v2b_19db_7d6e6d
plain-credentials                  Plain Credentials Plugin            183.va_de8f1dd5a_2b_
ssh-credentials                    SSH Credentials Plugin              343.v884f71d78167
""",
)
t(
    "shell",
    "openssl x509 of the server cert",
    r"""
$ openssl s_client -connect «N:svc».«N:domain»:443 -servername «N:svc».«N:domain» </dev/null 2>/dev/null | openssl x509 -noout -subject -issuer -serial -fingerprint -sha256
subject=CN = «N:svc».«N:domain»
issuer=C = US, O = Let's Encrypt, CN = R11
serial=«N:sha1»
sha256 Fingerprint=«N:colon_fp»
""",
)
t(
    "shell",
    "weblogic boot.properties after encryption",
    r"""
$ cat $DOMAIN_HOME/servers/AdminServer/security/boot.properties
# Generated by Node Manager on «N:date»
username=«N:aes»
password=«N:aes»
$ ls -l $DOMAIN_HOME/security/SerializedSystemIni.dat
-rw-r----- 1 oracle oinstall 64 Jan 12 09:31 SerializedSystemIni.dat
""",
)
t(
    "shell",
    "jetty password tool md5 and crypt",
    r"""
$ java -cp jetty-util-12.0.«N:num».jar org.eclipse.jetty.util.security.Password «N:first» "$(cat /run/secrets/realm_pw)"
MD5:«N:md5»
CRYPT:«N:descrypt»
""",
)
t(
    "shell",
    "mvn versions display dependency updates",
    r"""
$ ./mvnw versions:display-dependency-updates -q
[INFO] The following dependencies in Dependencies have newer versions:
[INFO]   com.auth0:java-jwt ................................ 4.4.0 -> 4.5.0
[INFO]   io.jsonwebtoken:jjwt-api ........................ 0.11.5 -> 0.12.6
[INFO]   org.bouncycastle:bcprov-jdk18on ....................... 1.77 -> 1.80
[INFO]   org.jasypt:jasypt ................................... 1.9.2 -> 1.9.3
[INFO]   com.github.ulisesbocchio:jasypt-spring-boot-starter .... 3.0.4 -> 3.0.5
""",
)
t(
    "shell",
    "ssh-keygen fingerprint of deploy key",
    r"""
$ ssh-keygen -lf ~/.ssh/jenkins_deploy.pub
256 «N:fp_sha256» jenkins@ci-«N:num» (ED25519)
$ cat ~/.ssh/jenkins_deploy.pub
«N:ssh_pub»
""",
)
t(
    "shell",
    "git log of a rotation",
    r"""
$ git log --oneline -5 -- src/main/resources/
«N:hex7» Move datasource password to Vault (spring.cloud.vault)
«N:hex7» Use ${DB_PASSWORD} placeholder instead of literal in application-prod.yml
«N:hex7» Encrypt partner api key with jasypt ENC()
«N:hex7» Bump spring-boot to 3.2.«N:num»
«N:hex7» Add actuator sanitizing of *password*, *secret*, *key* properties
""",
)
t(
    "shell",
    "zookeeper acl listing",
    r"""
$ zkCli.sh -server «N:host»:2181 getAcl /hbase
'sasl,'hbase
: cdrwa
'world,'anyone
: r
$ zkCli.sh -server «N:host»:2181 get /brokers/ids/1
{"listener_security_protocol_map":{"SASL_SSL":"SASL_SSL"},"endpoints":["SASL_SSL://«N:host»:9093"],"jmx_port":9999,"host":null,"timestamp":"«N:epoch»","port":-1,"version":5}
""",
)
t(
    "shell",
    "sha256 checksum of keystore",
    r"""
$ sha256sum src/main/resources/*.p12 src/main/resources/*.jks
«N:sha256»  src/main/resources/«N:svc»-keystore.p12
«N:sha256»  src/main/resources/truststore.jks
$ file src/main/resources/truststore.jks
src/main/resources/truststore.jks: Java KeyStore
""",
)
t(
    "shell",
    "base64 of a truststore for the configmap",
    r"""
$ keytool -list -keystore truststore.jks -storepass:env TS_PASS | grep trustedCertEntry
acme-root-ca, «N:date», trustedCertEntry,
acme-issuing-ca-2, «N:date», trustedCertEntry,
$ base64 -w0 truststore.jks
«N:truststore_b64»
""",
)


# --- yaml: Spring, Quarkus, Micronaut, JCasC, Helm values, CI for Java builds -----------------------

t(
    "yaml",
    "spring application.yml datasource",
    r"""
server:
  port: 8080
  shutdown: graceful
spring:
  application:
    name: «N:svc»-service
  datasource:
    url: jdbc:postgresql://«N:host»:5432/«N:db»
    username: «N:user»
    password: «S:pw»
    hikari:
      maximum-pool-size: 20
      connection-timeout: 30000
  jpa:
    open-in-view: false
    hibernate:
      ddl-auto: validate
""",
)
t(
    "yaml",
    "spring profiles multi-document",
    r"""
spring:
  profiles:
    active: dev
---
spring:
  config:
    activate:
      on-profile: dev
  datasource:
    url: jdbc:h2:mem:«N:db»;MODE=PostgreSQL
    username: sa
    password:
---
spring:
  config:
    activate:
      on-profile: prod
  datasource:
    url: jdbc:postgresql://«N:host»:5432/«N:db»
    username: «N:user»
    password: "«S:pw»"
  mail:
    host: smtp.«N:domain»
    port: 587
    username: noreply@«N:domain»
    password: '«S:pw»'
""",
)
t(
    "yaml",
    "spring oauth2 client registration",
    r"""
spring:
  security:
    oauth2:
      client:
        registration:
          github:
            client-id: «N:gh_client_id»
            client-secret: «S:hex40»
            scope: read:user,user:email
          google:
            client-id: «N:google_client_id»
            client-secret: «S:gocspx»
          keycloak:
            client-id: «N:client_id»
            client-secret: «S:kc_secret»
            authorization-grant-type: authorization_code
            redirect-uri: "{baseUrl}/login/oauth2/code/{registrationId}"
        provider:
          keycloak:
            issuer-uri: https://sso.«N:domain»/realms/«N:svc»
""",
)
t(
    "yaml",
    "spring ldap bind password",
    r"""
spring:
  ldap:
    urls: ldaps://ldap.«N:domain»:636
    base: dc=acme,dc=com
    username: cn=«N:svc»-bind,ou=services,dc=acme,dc=com
    password: «S:pw»
  security:
    user:
      name: actuator
      password: «S:pw»
      roles: ACTUATOR
""",
)
t(
    "yaml",
    "spring cloud config server git",
    r"""
server:
  port: 8888
spring:
  cloud:
    config:
      server:
        git:
          uri: https://github.com/acme/«N:svc»-config.git
          default-label: main
          search-paths: '{application}'
          username: «N:user»
          password: «S:ghp»
          clone-on-start: true
  security:
    user:
      name: config
      password: «S:spw»
encrypt:
  key: «S:alnum32»
""",
)
t(
    "yaml",
    "bootstrap.yml config client with vault token",
    r"""
spring:
  application:
    name: «N:svc»
  cloud:
    config:
      uri: https://config.«N:domain»
      username: config
      password: «S:spw»
      fail-fast: true
    vault:
      host: vault.«N:domain»
      port: 8200
      scheme: https
      authentication: TOKEN
      token: «S:vault_token»
""",
)
t(
    "yaml",
    "spring rabbitmq redis kafka passwords",
    r"""
spring:
  rabbitmq:
    host: rabbit.«N:domain»
    port: 5671
    username: «N:svc»
    password: «S:pw»
    ssl:
      enabled: true
  data:
    redis:
      host: redis.«N:domain»
      port: 6380
      password: «S:alnum32»
      ssl:
        enabled: true
  kafka:
    bootstrap-servers: «N:host»:9093
    properties:
      security.protocol: SASL_SSL
      sasl.mechanism: PLAIN
      sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="«N:alnum20»" password="«S:alnum64»";
""",
)
t(
    "yaml",
    "spring ai openai and anthropic keys",
    r"""
spring:
  ai:
    openai:
      api-key: «S:openai»
      chat:
        options:
          model: gpt-4o-mini
          temperature: 0.2
    anthropic:
      api-key: «S:anthropic»
      chat:
        options:
          model: claude-3-5-sonnet-latest
""",
)
t(
    "yaml",
    "spring ssl bundle with keystore password",
    r"""
server:
  port: 8443
  ssl:
    bundle: web
spring:
  ssl:
    bundle:
      jks:
        web:
          key:
            alias: «N:svc»-tls
            password: «S:spw»
          keystore:
            location: classpath:keystore.p12
            password: «S:spw»
            type: PKCS12
          truststore:
            location: classpath:truststore.jks
            password: changeit
""",
)
t(
    "yaml",
    "spring pem ssl bundle inline private key",
    r"""
spring:
  ssl:
    bundle:
      pem:
        client:
          keystore:
            certificate: "classpath:certs/client.crt"
            private-key: |
              «S:pkcs8_key|ind14»
          truststore:
            certificate: "classpath:certs/ca.crt"
""",
)
t(
    "yaml",
    "jasypt master password in yaml",
    r"""
jasypt:
  encryptor:
    password: «S:pw»
    algorithm: PBEWITHHMACSHA512ANDAES_256
    iv-generator-classname: org.jasypt.iv.RandomIvGenerator
spring:
  datasource:
    password: «N:jasypt»
""",
)
t(
    "yaml",
    "quarkus application.yaml",
    r"""
quarkus:
  datasource:
    db-kind: postgresql
    username: «N:user»
    password: «S:pw»
    jdbc:
      url: jdbc:postgresql://«N:host»:5432/«N:db»
  oidc:
    auth-server-url: https://sso.«N:domain»/realms/«N:svc»
    client-id: «N:client_id»
    credentials:
      secret: «S:kc_secret»
  http:
    port: 8080
""",
)
t(
    "yaml",
    "micronaut application.yml",
    r"""
micronaut:
  application:
    name: «N:svc»
  security:
    authentication: bearer
    token:
      jwt:
        signatures:
          secret:
            generator:
              secret: «S:alnum40»
datasources:
  default:
    url: jdbc:mysql://«N:host»:3306/«N:db»
    username: «N:user»
    password: «S:pw»
    dialect: MYSQL
""",
)
t(
    "yaml",
    "jcasc jenkins.yaml credentials",
    r"""
jenkins:
  systemMessage: "Jenkins configured automatically by JCasC"
  securityRealm:
    local:
      allowsSignup: false
      users:
        - id: admin
          password: «S:pw»
credentials:
  system:
    domainCredentials:
      - credentials:
          - usernamePassword:
              scope: GLOBAL
              id: nexus-deploy
              username: «N:user»
              password: «S:pw»
          - string:
              scope: GLOBAL
              id: sonar-token
              secret: «S:sonar»
""",
)
t(
    "yaml",
    "jcasc ssh private key credential",
    r"""
credentials:
  system:
    domainCredentials:
      - credentials:
          - basicSSHUserPrivateKey:
              scope: GLOBAL
              id: deploy-ssh
              username: deploy
              description: "prod deploy key"
              privateKeySource:
                directEntry:
                  privateKey: |
                    «S:openssh_key|ind20»
""",
)
t(
    "yaml",
    "jcasc github app and ldap",
    r"""
jenkins:
  securityRealm:
    ldap:
      configurations:
        - server: ldaps://ldap.«N:domain»
          rootDN: dc=acme,dc=com
          managerDN: cn=jenkins,ou=services,dc=acme,dc=com
          managerPasswordSecret: «S:pw»
          userSearch: uid={0}
unclassified:
  slackNotifier:
    teamDomain: acme
    tokenCredentialId: slack-bot
  gitHubPluginConfig:
    hookUrl: https://ci.«N:domain»/github-webhook/
""",
)
t(
    "yaml",
    "helm values for spring app",
    r"""
replicaCount: 3
image:
  repository: registry.«N:domain»/«N:svc»
  tag: "«N:ver»"
env:
  - name: SPRING_PROFILES_ACTIVE
    value: prod
  - name: SPRING_DATASOURCE_PASSWORD
    value: "«S:pw»"
  - name: JAVA_TOOL_OPTIONS
    value: "-XX:MaxRAMPercentage=75 -Djavax.net.ssl.keyStorePassword=«S:spw»"
resources:
  limits:
    memory: 1Gi
""",
)
t(
    "yaml",
    "kubernetes secret stringData for java app",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: «N:svc»-db
  namespace: «N:svc»
  labels:
    app.kubernetes.io/name: «N:svc»
type: Opaque
stringData:
  SPRING_DATASOURCE_USERNAME: «N:user»
  SPRING_DATASOURCE_PASSWORD: «S:pw»
  JASYPT_ENCRYPTOR_PASSWORD: «S:spw»
""",
)
t(
    "yaml",
    "kubernetes secret data base64",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: «N:svc»-keystore
type: Opaque
data:
  keystore-password: «S:spw|b64»
  keystore.p12: «S:p12_b64»
""",
)
t(
    "yaml",
    "docker compose for tomcat and postgres",
    r"""
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_DB: «N:db»
      POSTGRES_USER: «N:user»
      POSTGRES_PASSWORD: «S:pw:p»
  app:
    image: tomcat:10.1-jdk17
    ports:
      - "8080:8080"
    environment:
      JAVA_OPTS: "-Ddb.url=jdbc:postgresql://db:5432/«N:db» -Ddb.password=«S:pw:p»"
      TOMCAT_MANAGER_PASSWORD: «S:pw»
    depends_on: [db]
""",
)
t(
    "yaml",
    "github actions gradle publish with literal",
    r"""
name: publish
on:
  push:
    tags: ['v*']
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-java@v4
        with:
          distribution: temurin
          java-version: '17'
      - run: ./gradlew publish
        env:
          ORG_GRADLE_PROJECT_mavenCentralUsername: ${{ secrets.CENTRAL_USER }}
          ORG_GRADLE_PROJECT_mavenCentralPassword: «S:ossrh»
          ORG_GRADLE_PROJECT_signingInMemoryKeyPassword: «S:pw»
""",
)
t(
    "yaml",
    "gitlab ci maven with settings password",
    r"""
variables:
  MAVEN_OPTS: "-Dmaven.repo.local=$CI_PROJECT_DIR/.m2/repository"
  NEXUS_PASSWORD: "«S:pw»"
deploy:
  stage: deploy
  image: maven:3.9-eclipse-temurin-17
  script:
    - mvn -s ci_settings.xml deploy -DskipTests -Dnexus.password=$NEXUS_PASSWORD
  only:
    - main
""",
)
t(
    "yaml",
    "strimzi kafka user with password",
    r"""
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaUser
metadata:
  name: «N:svc»-producer
  labels:
    strimzi.io/cluster: events
spec:
  authentication:
    type: scram-sha-512
    password:
      valueFrom:
        secretKeyRef:
          name: «N:svc»-producer-pw
          key: password
---
apiVersion: v1
kind: Secret
metadata:
  name: «N:svc»-producer-pw
stringData:
  password: «S:alnum32»
""",
)
t(
    "yaml",
    "elastic java client config",
    r"""
app:
  elasticsearch:
    uris: https://«N:host»:9200
    api-key: «S:es_api_key»
    connection-timeout: 5s
spring:
  elasticsearch:
    uris: https://«N:host»:9200
    username: elastic
    password: «S:pw»
""",
)
t(
    "yaml",
    "hazelcast yaml with cluster credentials",
    r"""
hazelcast:
  cluster-name: «N:svc»-prod
  security:
    enabled: true
    realms:
      - name: memberRealm
        identity:
          username-password:
            username: «N:svc»-member
            password: «S:pw»
  network:
    join:
      kubernetes:
        enabled: true
        service-name: hz-«N:svc»
""",
)
t(
    "yaml",
    "keycloak operator realm import",
    r"""
apiVersion: k8s.keycloak.org/v2alpha1
kind: KeycloakRealmImport
metadata:
  name: «N:svc»-realm
spec:
  keycloakCRName: keycloak
  realm:
    realm: «N:svc»
    enabled: true
    clients:
      - clientId: «N:client_id»
        secret: «S:kc_secret»
        publicClient: false
        serviceAccountsEnabled: true
    users:
      - username: «N:first»
        enabled: true
        credentials:
          - type: password
            value: «S:pw»
            temporary: false
""",
)
t(
    "yaml",
    "spring boot admin and actuator basic auth",
    r"""
spring:
  boot:
    admin:
      client:
        url: https://sba.«N:domain»
        username: sba
        password: «S:pw»
        instance:
          metadata:
            user.name: actuator
            user.password: «S:pw»
management:
  endpoints:
    web:
      exposure:
        include: health,info,prometheus
""",
)
t(
    "yaml",
    "ansible vars for tomcat role",
    r"""
tomcat_version: 10.1.«N:num»
tomcat_install_dir: /opt/tomcat
tomcat_users:
  - name: manager
    password: "«S:pw»"
    roles: manager-gui,manager-script
  - name: deployer
    password: "«S:pw»"
    roles: manager-script
tomcat_jvm_opts: "-Xms512m -Xmx2g"
""",
)
t(
    "yaml",
    "openshift template with jdbc password parameter",
    r"""
apiVersion: template.openshift.io/v1
kind: Template
metadata:
  name: eap-«N:svc»
parameters:
  - name: DB_USERNAME
    value: «N:user»
  - name: DB_PASSWORD
    value: «S:pw»
  - name: ADMIN_PASSWORD
    displayName: EAP admin password
    value: «S:pw»
  - name: HORNETQ_CLUSTER_PASSWORD
    generate: expression
    from: "[a-zA-Z0-9]{8}"
""",
)
t(
    "yaml",
    "logback-spring properties in yaml for logstash",
    r"""
logging:
  level:
    root: INFO
    com.acme: DEBUG
app:
  logstash:
    host: logs.«N:domain»
    port: 5044
  datadog:
    api-key: «S:datadog»
  newrelic:
    license-key: «S:newrelic»
""",
)
t(
    "yaml",
    "spring integration mail and sftp",
    r"""
app:
  inbound-mail:
    url: imaps://«N:user»:«S:pw|url»@imap.«N:domain»/INBOX
  sftp:
    host: sftp.«N:domain»
    port: 22
    user: partner-«N:svc»
    password: «S:pw»
    private-key-passphrase: «S:pw»
""",
)
t(
    "yaml",
    "github actions android signing literal",
    r"""
      - name: Build release bundle
        run: ./gradlew :app:bundleRelease
        env:
          RELEASE_STORE_FILE: ${{ github.workspace }}/release.jks
          RELEASE_STORE_PASSWORD: «S:pw»
          RELEASE_KEY_ALIAS: upload
          RELEASE_KEY_PASSWORD: «S:pw»
          MAPS_API_KEY: «S:gapi»
""",
)
t(
    "yaml",
    "micronaut aws and mongo",
    r"""
aws:
  access-key-id: «N:akia»
  secret-key: «S:aws_secret»
  region: eu-central-1
mongodb:
  uri: mongodb+srv://«N:user»:«S:spw»@cluster0.«N:alnum20».mongodb.net/«N:db»?retryWrites=true&w=majority
""",
)
t(
    "yaml",
    "quarkus kafka and redis with profiles",
    r"""
"%prod":
  quarkus:
    redis:
      hosts: rediss://:«S:alnum32»@redis.«N:domain»:6380
  kafka:
    bootstrap:
      servers: «N:host»:9093
  mp:
    messaging:
      connector:
        smallrye-kafka:
          sasl:
            jaas:
              config: org.apache.kafka.common.security.scram.ScramLoginModule required username="«N:user»" password="«S:pw»";
""",
)
t(
    "yaml",
    "spring cloud gateway with api keys",
    r"""
spring:
  cloud:
    gateway:
      routes:
        - id: partner
          uri: https://api.partner.example
          predicates:
            - Path=/partner/**
          filters:
            - AddRequestHeader=X-Api-Key, «S:alnum40»
            - AddRequestHeader=Authorization, Bearer «S:jwt»
""",
)
t(
    "yaml",
    "spring boot twilio and stripe",
    r"""
twilio:
  account-sid: «N:twilio_sid»
  auth-token: «S:twilio_token»
  from-number: "+1555«N:num»0101"
stripe:
  publishable-key: «N:pk_live»
  secret-key: «S:sk_live»
  webhook-secret: whsec_«S:alnum32»
""",
)
t(
    "yaml",
    "spring slack webhook alerting",
    r"""
notifications:
  slack:
    enabled: true
    webhook-url: «S:slack_hook»
    channel: "#«N:svc»-alerts"
  bot-token: «S:xoxb»
""",
)
t(
    "yaml",
    "liquibase and flyway yaml",
    r"""
spring:
  flyway:
    enabled: true
    url: jdbc:sqlserver://«N:host»:1433;databaseName=«N:db»;encrypt=true
    user: flyway_admin
    password: «S:pw»
    locations: classpath:db/migration
  liquibase:
    enabled: false
""",
)
t(
    "yaml",
    "helm values keycloak admin",
    r"""
keycloak:
  auth:
    adminUser: admin
    adminPassword: «S:pw»
  postgresql:
    enabled: true
    auth:
      username: bn_keycloak
      password: «S:spw»
      database: bitnami_keycloak
  production: true
  proxy: edge
""",
)
t(
    "yaml",
    "spring data mongodb and cassandra",
    r"""
spring:
  data:
    mongodb:
      uri: mongodb://«N:user»:«S:spw»@mongo-0.«N:domain»:27017,mongo-1.«N:domain»:27017/«N:db»?replicaSet=rs0&authSource=admin
  cassandra:
    contact-points: «N:host»:9042
    local-datacenter: dc1
    username: «N:user»
    password: «S:pw»
""",
)
t(
    "yaml",
    "circleci config gradle with key",
    r"""
version: 2.1
jobs:
  build:
    docker:
      - image: cimg/openjdk:17.0
        environment:
          GRADLE_OPTS: -Dorg.gradle.daemon=false
          DEVELOCITY_ACCESS_KEY: ge.«N:domain»=«S:develocity»
    steps:
      - checkout
      - run: ./gradlew build --scan
""",
)
t(
    "yaml",
    "spring application.yml with comment old password",
    r"""
spring:
  datasource:
    url: jdbc:mariadb://«N:host»:3306/«N:db»
    username: «N:user»
    # old one, rotated in March: «S:pw»
    password: ${DB_PASSWORD}
""",
)
t(
    "yaml",
    "spring jwt signing secret",
    r"""
app:
  security:
    jwt:
      issuer: https://«N:svc».«N:domain»
      secret: «S:b64_48»
      access-token-ttl: 15m
      refresh-token-ttl: 30d
    remember-me-key: «S:hex32»
""",
)
t(
    "yaml",
    "tekton or argo workflow with maven creds",
    r"""
apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: maven-deploy
spec:
  steps:
    - name: deploy
      image: maven:3.9-eclipse-temurin-21
      script: |
        mvn -B deploy -DskipTests \
          -Dnexus.user=«N:user» \
          -Dnexus.password='«S:pw»'
""",
)
t(
    "yaml",
    "spring batch job params and sftp key",
    r"""
batch:
  partner-import:
    cron: "0 15 2 * * *"
    sftp:
      host: sftp.«N:domain»
      username: «N:svc»
      private-key: |
        «S:rsa_key|ind8»
""",
)
t(
    "yaml",
    "spring cloud stream azure event hubs",
    r"""
spring:
  cloud:
    azure:
      eventhubs:
        connection-string: Endpoint=sb://«N:svc».servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«S:b64_32»
      storage:
        blob:
          account-name: «N:svc»store
          account-key: «S:azure_key»
""",
)
t(
    "yaml",
    "spring gcp credentials encoded key",
    r"""
spring:
  cloud:
    gcp:
      project-id: «N:svc»-prod-«N:num»
      credentials:
        encoded-key: «S:b64_48»«S:b64_48»
""",
)
t(
    "yaml",
    "sonar scanner in gitlab ci literal",
    r"""
sonarqube-check:
  image: maven:3.9.6-eclipse-temurin-17
  variables:
    SONAR_USER_HOME: "${CI_PROJECT_DIR}/.sonar"
    SONAR_TOKEN: «S:sonar»
  script:
    - mvn verify sonar:sonar -Dsonar.projectKey=«N:svc»
  allow_failure: true
""",
)
t(
    "yaml",
    "jenkins helm values admin password",
    r"""
controller:
  admin:
    username: admin
    password: «S:pw»
  installPlugins:
    - kubernetes:4203.v1dd44f5b_1cf9
    - workflow-aggregator:596.v8c21c963d92d
    - configuration-as-code:1775.v810dc950b_514
  JCasC:
    configScripts:
      welcome-message: |
        jenkins:
          systemMessage: Welcome to «N:svc» CI
""",
)
t(
    "yaml",
    "wiremock or testcontainers config with live key",
    r"""
# src/test/resources/application-it.yml
partner:
  base-url: http://localhost:${wiremock.server.port}
  api-key: test-key
payments:
  # TODO remove, this is the live one
  api-key: «S:sk_live»
""",
)
t(
    "yaml",
    "spring datasource env placeholders",
    r"""
spring:
  datasource:
    url: ${JDBC_URL:jdbc:postgresql://localhost:5432/«N:db»}
    username: ${DB_USERNAME:«N:user»}
    password: ${DB_PASSWORD}
  mail:
    password: ${SMTP_PASSWORD:}
  rabbitmq:
    password: ${RABBITMQ_PASSWORD:guest}
""",
)
t(
    "yaml",
    "spring jasypt encrypted values",
    r"""
jasypt:
  encryptor:
    password: ${JASYPT_ENCRYPTOR_PASSWORD}
    algorithm: PBEWITHHMACSHA512ANDAES_256
spring:
  datasource:
    username: «N:user»
    password: «N:jasypt»
  security:
    oauth2:
      client:
        registration:
          github:
            client-id: «N:gh_client_id»
            client-secret: «N:jasypt»
""",
)
t(
    "yaml",
    "spring cloud config cipher values",
    r"""
spring:
  datasource:
    password: '{cipher}«N:hex64»«N:hex64»'
app:
  partner:
    api-key: '{cipher}«N:hex64»«N:hex32»'
""",
)
t(
    "yaml",
    "maven filtering tokens in yaml",
    r"""
info:
  app:
    name: @project.artifactId@
    version: @project.version@
spring:
  datasource:
    url: @db.url@
    username: @db.username@
    password: @db.password@
""",
)
t(
    "yaml",
    "jcasc with secret references",
    r"""
jenkins:
  securityRealm:
    local:
      allowsSignup: false
      users:
        - id: admin
          password: ${JENKINS_ADMIN_PASSWORD}
credentials:
  system:
    domainCredentials:
      - credentials:
          - usernamePassword:
              scope: GLOBAL
              id: nexus-deploy
              username: «N:user»
              password: ${readFile:/run/secrets/nexus-password}
          - string:
              scope: GLOBAL
              id: sonar-token
              secret: ${SONAR_TOKEN}
""",
)
t(
    "yaml",
    "jcasc exported with encrypted secrets",
    r"""
credentials:
  system:
    domainCredentials:
    - credentials:
      - usernamePassword:
          id: "nexus-deploy"
          password: "«N:jenkins_enc»"
          scope: GLOBAL
          username: "«N:user»"
      - string:
          id: "slack-bot"
          scope: GLOBAL
          secret: "«N:jenkins_enc»"
""",
)
t(
    "yaml",
    "github actions with secrets references",
    r"""
      - name: Publish to Maven Central
        run: ./gradlew publishAndReleaseToMavenCentral --no-configuration-cache
        env:
          ORG_GRADLE_PROJECT_mavenCentralUsername: ${{ secrets.MAVEN_CENTRAL_USERNAME }}
          ORG_GRADLE_PROJECT_mavenCentralPassword: ${{ secrets.MAVEN_CENTRAL_PASSWORD }}
          ORG_GRADLE_PROJECT_signingInMemoryKey: ${{ secrets.SIGNING_KEY }}
          ORG_GRADLE_PROJECT_signingInMemoryKeyId: «N:hex7»A
          ORG_GRADLE_PROJECT_signingInMemoryKeyPassword: ${{ secrets.SIGNING_PASSWORD }}
""",
)
t(
    "yaml",
    "helm values with existingSecret",
    r"""
auth:
  adminUser: admin
  existingSecret: keycloak-admin
  passwordSecretKey: admin-password
postgresql:
  auth:
    existingSecret: keycloak-db
    secretKeys:
      userPasswordKey: password
extraEnvVars:
  - name: KC_DB_PASSWORD
    valueFrom:
      secretKeyRef:
        name: keycloak-db
        key: password
""",
)
t(
    "yaml",
    "spring ssl bundle truststore default password",
    r"""
spring:
  ssl:
    bundle:
      jks:
        partner:
          truststore:
            location: file:/etc/pki/java/cacerts
            password: changeit
            type: JKS
      pem:
        partner-pem:
          truststore:
            certificate: classpath:certs/partner-ca.pem
""",
)
t(
    "yaml",
    "quarkus with env expressions",
    r"""
quarkus:
  datasource:
    username: ${DB_USER}
    password: ${DB_PASSWORD}
  oidc:
    auth-server-url: ${OIDC_URL:https://sso.«N:domain»/realms/«N:svc»}
    client-id: «N:client_id»
    credentials:
      secret: ${OIDC_CLIENT_SECRET}
  vault:
    url: https://vault.«N:domain»
    authentication:
      kubernetes:
        role: «N:svc»
""",
)
t(
    "yaml",
    "micronaut with env references",
    r"""
datasources:
  default:
    url: ${JDBC_URL}
    username: ${JDBC_USER}
    password: ${JDBC_PASSWORD:}
micronaut:
  security:
    token:
      jwt:
        signatures:
          jwks:
            keycloak:
              url: https://sso.«N:domain»/realms/«N:svc»/protocol/openid-connect/certs
""",
)
t(
    "yaml",
    "kubernetes deployment with secretKeyRef",
    r"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: «N:svc»
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.«N:domain»/«N:svc»@sha256:«N:sha256»
          env:
            - name: SPRING_DATASOURCE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: «N:svc»-db
                  key: password
            - name: JAVA_TOOL_OPTIONS
              value: "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
""",
)
t(
    "yaml",
    "sealed secret for spring app",
    r"""
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: «N:svc»-db
  namespace: «N:svc»
spec:
  encryptedData:
    SPRING_DATASOURCE_PASSWORD: AgB«N:b64_48»«N:b64_48»«N:b64_48»
    JASYPT_ENCRYPTOR_PASSWORD: AgC«N:b64_48»«N:b64_48»
  template:
    metadata:
      name: «N:svc»-db
""",
)
t(
    "yaml",
    "sops encrypted application yaml",
    r"""
spring:
  datasource:
    password: ENC[AES256_GCM,data:«N:b64_32»,iv:«N:b64_32»,tag:«N:b64_32»,type:str]
sops:
  kms:
    - arn: arn:aws:kms:eu-central-1:«N:num»123456789:key/«N:uuid»
      created_at: "«N:ts»"
  lastmodified: "«N:ts»"
  mac: ENC[AES256_GCM,data:«N:b64_48»,iv:«N:b64_32»,tag:«N:b64_32»,type:str]
  version: 3.8.1
""",
)
t(
    "yaml",
    "spring actuator sanitization config",
    r"""
management:
  endpoint:
    env:
      show-values: when-authorized
      roles: ACTUATOR_ADMIN
    configprops:
      show-values: never
  endpoints:
    web:
      exposure:
        include: health,info,env,configprops
      base-path: /manage
""",
)
t(
    "yaml",
    "spring security oauth2 resource server",
    r"""
spring:
  security:
    oauth2:
      resourceserver:
        jwt:
          issuer-uri: https://sso.«N:domain»/realms/«N:svc»
          jwk-set-uri: https://sso.«N:domain»/realms/«N:svc»/protocol/openid-connect/certs
          audiences: «N:client_id»
      client:
        registration:
          spa:
            client-id: «N:client_id»
            client-authentication-method: none
            authorization-grant-type: authorization_code
""",
)
t(
    "yaml",
    "spring cloud vault config",
    r"""
spring:
  cloud:
    vault:
      uri: https://vault.«N:domain»:8200
      authentication: KUBERNETES
      kubernetes:
        role: «N:svc»
        service-account-token-file: /var/run/secrets/kubernetes.io/serviceaccount/token
      kv:
        enabled: true
        backend: secret
        default-context: «N:svc»
  config:
    import: vault://
""",
)
t(
    "yaml",
    "dependabot config for maven",
    r"""
version: 2
registries:
  nexus:
    type: maven-repository
    url: https://nexus.«N:domain»/repository/maven-public/
    username: «N:user»
    password: ${{secrets.NEXUS_PASSWORD}}
updates:
  - package-ecosystem: maven
    directory: "/"
    registries: [nexus]
    schedule:
      interval: weekly
""",
)
t(
    "yaml",
    "tomcat ansible role with vault lookups",
    r"""
tomcat_users:
  - name: manager
    password: "{{ vault_tomcat_manager_password }}"
    roles: manager-gui
  - name: deployer
    password: "{{ lookup('community.hashi_vault.hashi_vault', 'secret=secret/data/tomcat:deployer') }}"
    roles: manager-script
tomcat_keystore_password: !vault |
  $ANSIBLE_VAULT;1.1;AES256
  «N:hex64»
  «N:hex64»
  «N:hex32»
""",
)
t(
    "yaml",
    "spring security users with bcrypt hashes",
    r"""
app:
  security:
    users:
      - username: admin
        password: "{bcrypt}«N:bcrypt»"
        roles: [ADMIN]
      - username: ops
        password: "{bcrypt}«N:bcrypt»"
        roles: [ACTUATOR]
""",
)
t(
    "yaml",
    "placeholder values in docs yaml",
    r"""
# Copy to application-local.yml and fill in your own values.
spring:
  datasource:
    username: <your-db-user>
    password: <your-db-password>
  security:
    oauth2:
      client:
        registration:
          github:
            client-id: your-client-id
            client-secret: your-client-secret
app:
  openai:
    api-key: sk-...
""",
)
t(
    "yaml",
    "jenkins kubernetes pod template",
    r"""
apiVersion: v1
kind: Pod
spec:
  containers:
    - name: maven
      image: maven:3.9.6-eclipse-temurin-17
      command: [sleep]
      args: [infinity]
      volumeMounts:
        - name: m2-settings
          mountPath: /root/.m2/settings.xml
          subPath: settings.xml
  volumes:
    - name: m2-settings
      secret:
        secretName: maven-settings
""",
)
t(
    "yaml",
    "spring datasource h2 empty password",
    r"""
spring:
  datasource:
    url: jdbc:h2:mem:testdb;DB_CLOSE_DELAY=-1
    driver-class-name: org.h2.Driver
    username: sa
    password:
  h2:
    console:
      enabled: true
      path: /h2-console
  jpa:
    show-sql: true
""",
)
t(
    "yaml",
    "external secrets operator for keycloak",
    r"""
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: «N:svc»-oidc
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: vault-backend
    kind: ClusterSecretStore
  target:
    name: «N:svc»-oidc
  data:
    - secretKey: client-secret
      remoteRef:
        key: secret/«N:svc»/oidc
        property: client_secret
""",
)
t(
    "yaml",
    "gitlab ci with masked variables",
    r"""
deploy:
  image: maven:3.9-eclipse-temurin-21
  script:
    - 'mvn -s .ci/settings.xml deploy -DskipTests -Dnexus.password="$NEXUS_PASSWORD"'
    - echo "deployed $CI_COMMIT_SHORT_SHA"
  variables:
    MAVEN_CLI_OPTS: "--batch-mode --errors --fail-at-end"
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
""",
)
t(
    "yaml",
    "openapi spec with security scheme names",
    r"""
openapi: 3.0.1
info:
  title: «N:svc» API
  version: «N:ver»
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
      bearerFormat: JWT
    apiKey:
      type: apiKey
      in: header
      name: X-Api-Key
  schemas:
    PasswordChangeRequest:
      type: object
      properties:
        currentPassword: {type: string, format: password}
        newPassword: {type: string, format: password, minLength: 12}
""",
)
t(
    "yaml",
    "hazelcast yaml without credentials",
    r"""
hazelcast:
  cluster-name: «N:svc»-prod
  network:
    port:
      port: 5701
      auto-increment: true
    ssl:
      enabled: true
      factory-class-name: com.hazelcast.nio.ssl.BasicSSLContextFactory
      properties:
        keyStore: /etc/hz/keystore.p12
        keyStorePassword: ${HZ_KEYSTORE_PASSWORD}
        keyStoreType: PKCS12
""",
)
t(
    "yaml",
    "logging levels for security packages",
    r"""
logging:
  level:
    org.springframework.security: DEBUG
    org.springframework.security.oauth2: TRACE
    org.hibernate.SQL: DEBUG
    org.hibernate.orm.jdbc.bind: TRACE
    com.zaxxer.hikari.HikariConfig: DEBUG
  pattern:
    console: "%d{HH:mm:ss.SSS} %-5level [%X{traceId:-},%X{spanId:-}] %logger{36} - %msg%n"
""",
)
t(
    "yaml",
    "strimzi user with secret ref only",
    r"""
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaUser
metadata:
  name: «N:svc»-consumer
  labels:
    strimzi.io/cluster: events
spec:
  authentication:
    type: tls
  authorization:
    type: simple
    acls:
      - resource: {type: topic, name: «N:svc».events, patternType: literal}
        operations: [Read, Describe]
""",
)
t(
    "yaml",
    "spring boot config with key names only",
    r"""
app:
  crypto:
    key-alias: «N:svc»-data-key
    keystore-location: file:/etc/«N:svc»/keys.p12
    keystore-type: PKCS12
    password-env: APP_KEYSTORE_PASSWORD
  tokens:
    token-header: X-Auth-Token
    secret-name: projects/«N:svc»-prod/secrets/jwt-signing-key/versions/latest
""",
)
t(
    "yaml",
    "cert-manager certificate with keystores",
    r"""
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: «N:svc»-tls
spec:
  secretName: «N:svc»-tls
  dnsNames: [«N:svc».«N:domain»]
  issuerRef:
    name: letsencrypt-prod
    kind: ClusterIssuer
  keystores:
    pkcs12:
      create: true
      passwordSecretRef:
        name: «N:svc»-keystore-password
        key: password
""",
)
t(
    "yaml",
    "renovate and sdkman config",
    r"""
extends:
  - config:recommended
packageRules:
  - matchPackagePatterns: ["^org\\.springframework\\.boot"]
    groupName: spring boot
hostRules:
  - matchHost: nexus.«N:domain»
    username: «N:user»
    encrypted:
      password: wcFMA«N:b64_48»«N:b64_48»
""",
)
t(
    "yaml",
    "spring config with checksum and ids",
    r"""
app:
  release:
    artifact: com.acme:«N:svc»-service:jar:«N:ver»
    sha256: «N:sha256»
    git-commit: «N:commit»
    build-id: «N:uuid»
  signing:
    gpg-key-id: «N:gpgid»
    fingerprint: «N:fpr»
""",
)
t(
    "yaml",
    "actuator info output yaml masked",
    r"""
# GET /actuator/configprops (yaml view)
spring.datasource-org.springframework.boot.autoconfigure.jdbc.DataSourceProperties:
  prefix: spring.datasource
  properties:
    url: jdbc:postgresql://«N:host»:5432/«N:db»
    username: «N:user»
    password: "******"
    driverClassName: org.postgresql.Driver
""",
)


# --- source: Java, Kotlin, Scala, Groovy, Clojure, .properties and XML configuration -------------

t(
    "source",
    "spring application.properties",
    r"""
# application-prod.properties
spring.application.name=«N:svc»-service
server.port=8080
spring.datasource.url=jdbc:oracle:thin:@//«N:host»:1521/«N:db»
spring.datasource.username=«N:user»
spring.datasource.password=«S:pw»
spring.datasource.hikari.maximum-pool-size=15
spring.jpa.properties.hibernate.default_schema=«N:db»
spring.mail.host=smtp.«N:domain»
spring.mail.username=alerts@«N:domain»
spring.mail.password=«S:pw»
management.endpoints.web.exposure.include=health,info
""",
)
t(
    "source",
    "spring properties oauth2 and jasypt master",
    r"""
spring.security.oauth2.client.registration.okta.client-id=0oa«N:alnum20»
spring.security.oauth2.client.registration.okta.client-secret=«S:alnum40»
spring.security.oauth2.client.provider.okta.issuer-uri=https://«N:svc».okta.com/oauth2/default
jasypt.encryptor.password=«S:spw»
app.partner.api-key=«N:jasypt»
""",
)
t(
    "source",
    "tomcat-users.xml",
    r"""
<?xml version="1.0" encoding="UTF-8"?>
<tomcat-users xmlns="http://tomcat.apache.org/xml"
              xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
              xsi:schemaLocation="http://tomcat.apache.org/xml tomcat-users.xsd"
              version="1.0">
  <role rolename="manager-gui"/>
  <role rolename="manager-script"/>
  <user username="admin" password="«S:pw|xml»" roles="manager-gui,admin-gui"/>
  <user username="jenkins-deploy" password="«S:pw|xml»" roles="manager-script"/>
</tomcat-users>
""",
)
t(
    "source",
    "tomcat context.xml jdbc resource",
    r"""
<Context reloadable="false">
    <WatchedResource>WEB-INF/web.xml</WatchedResource>
    <Resource name="jdbc/«N:svc»DB" auth="Container" type="javax.sql.DataSource"
              maxTotal="50" maxIdle="10" maxWaitMillis="10000"
              username="«N:user»" password="«S:pw|xml»"
              driverClassName="com.mysql.cj.jdbc.Driver"
              url="jdbc:mysql://«N:host»:3306/«N:db»?useSSL=true&amp;serverTimezone=UTC"/>
</Context>
""",
)
t(
    "source",
    "tomcat server.xml connector keystorePass",
    r"""
    <Connector port="8443" protocol="org.apache.coyote.http11.Http11NioProtocol"
               maxThreads="150" SSLEnabled="true">
        <SSLHostConfig>
            <Certificate certificateKeystoreFile="conf/«N:svc».p12"
                         certificateKeystorePassword="«S:spw»"
                         certificateKeyAlias="«N:svc»"
                         type="RSA" />
        </SSLHostConfig>
    </Connector>
    <Connector port="8009" protocol="AJP/1.3" address="127.0.0.1" secretRequired="true" secret="«S:alnum32»" redirectPort="8443" />
""",
)
t(
    "source",
    "tomcat server.xml JNDIRealm",
    r"""
      <Realm className="org.apache.catalina.realm.LockOutRealm">
        <Realm className="org.apache.catalina.realm.JNDIRealm"
               connectionURL="ldaps://ldap.«N:domain»:636"
               connectionName="cn=tomcat,ou=services,dc=acme,dc=com"
               connectionPassword="«S:pw|xml»"
               userBase="ou=people,dc=acme,dc=com"
               userSearch="(uid={0})"
               roleBase="ou=groups,dc=acme,dc=com"
               roleName="cn" roleSearch="(member={0})"/>
      </Realm>
""",
)
t(
    "source",
    "wildfly standalone.xml datasource",
    r"""
        <subsystem xmlns="urn:jboss:domain:datasources:7.0">
            <datasources>
                <datasource jndi-name="java:jboss/datasources/«N:svc»DS" pool-name="«N:svc»DS" enabled="true" use-java-context="true">
                    <connection-url>jdbc:postgresql://«N:host»:5432/«N:db»</connection-url>
                    <driver>postgresql</driver>
                    <security>
                        <user-name>«N:user»</user-name>
                        <password>«S:pw|xml»</password>
                    </security>
                    <validation>
                        <valid-connection-checker class-name="org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLValidConnectionChecker"/>
                    </validation>
                </datasource>
            </datasources>
        </subsystem>
""",
)
t(
    "source",
    "jboss vault with masked keystore password",
    r"""
    <vault>
        <vault-option name="KEYSTORE_URL" value="${jboss.server.config.dir}/vault/vault.keystore"/>
        <vault-option name="KEYSTORE_PASSWORD" value="«S:jboss_mask»"/>
        <vault-option name="KEYSTORE_ALIAS" value="vault"/>
        <vault-option name="SALT" value="«N:alnum20»"/>
        <vault-option name="ITERATION_COUNT" value="50"/>
        <vault-option name="ENC_FILE_DIR" value="${jboss.server.config.dir}/vault/"/>
    </vault>
""",
)
t(
    "source",
    "wildfly elytron clear-text credential reference",
    r"""
            <tls>
                <key-stores>
                    <key-store name="applicationKS">
                        <credential-reference clear-text="«S:spw»"/>
                        <implementation type="JKS"/>
                        <file path="application.keystore" relative-to="jboss.server.config.dir"/>
                    </key-store>
                </key-stores>
                <key-managers>
                    <key-manager name="applicationKM" key-store="applicationKS" generate-self-signed-certificate-host="localhost">
                        <credential-reference clear-text="«S:spw»"/>
                    </key-manager>
                </key-managers>
            </tls>
""",
)
t(
    "source",
    "websphere xor password in resources.xml",
    r"""
  <resources.j2c:J2CResourceAdapter xmi:id="J2CResourceAdapter_1" name="WebSphere Relational Resource Adapter">
  </resources.j2c:J2CResourceAdapter>
  <security:JAASAuthData xmi:id="JAASAuthData_«N:epoch»" alias="«N:svc»Node01/«N:svc»DBAuth" userId="«N:user»" password="«S:hpw:p|xor»" description="«N:svc» db alias"/>
""",
)
t(
    "source",
    "websphere soap.client.props xor",
    r"""
#------------------------------------------------------------------------------
# SOAP Client Security Enablement
#------------------------------------------------------------------------------
com.ibm.SOAP.securityEnabled=true
com.ibm.SOAP.loginUserid=wasadmin
com.ibm.SOAP.loginPassword=«S:pw|xor»
com.ibm.SOAP.loginSource=properties
com.ibm.SOAP.requestTimeout=180
""",
)
t(
    "source",
    "jetty realm.properties OBF",
    r"""
# Jetty HashLoginService realm
# username: password[,rolename ...]
admin: «S:hpw|obf»,server-administrator,content-administrator
deployer: «S:pw|obf»,deployer
guest: CRYPT:«N:descrypt»,user
""",
)
t(
    "source",
    "jetty realm.properties plain",
    r"""
#
# This file defines users passwords and roles for a HashLoginService
#
jetty: «S:pw»,user
admin: «S:pw»,server-administrator,content-administrator,admin
other: MD5:«N:md5»,user
""",
)
t(
    "source",
    "maven settings.xml plaintext server password",
    r"""
<settings xmlns="http://maven.apache.org/SETTINGS/1.2.0">
  <servers>
    <server>
      <id>nexus-releases</id>
      <username>«N:user»</username>
      <password>«S:pw|xml»</password>
    </server>
    <server>
      <id>github</id>
      <username>«N:user»</username>
      <password>«S:ghp»</password>
    </server>
  </servers>
  <mirrors>
    <mirror>
      <id>nexus</id>
      <mirrorOf>*</mirrorOf>
      <url>https://nexus.«N:domain»/repository/maven-public/</url>
    </mirror>
  </mirrors>
</settings>
""",
)
t(
    "source",
    "maven settings.xml proxy password and private key passphrase",
    r"""
  <proxies>
    <proxy>
      <id>corp</id>
      <active>true</active>
      <protocol>http</protocol>
      <host>proxy.«N:domain»</host>
      <port>3128</port>
      <username>«N:user»</username>
      <password>«S:pw|xml»</password>
      <nonProxyHosts>*.«N:domain»|localhost</nonProxyHosts>
    </proxy>
  </proxies>
  <servers>
    <server>
      <id>site-deploy</id>
      <username>deploy</username>
      <privateKey>${user.home}/.ssh/id_rsa</privateKey>
      <passphrase>«S:pw|xml»</passphrase>
    </server>
  </servers>
""",
)
t(
    "source",
    "maven settings-security.xml master",
    r"""
<?xml version="1.0" encoding="UTF-8"?>
<settingsSecurity>
  <master>«S:mvn_enc»</master>
</settingsSecurity>
""",
)
t(
    "source",
    "maven settings server with artifactory token header",
    r"""
    <server>
      <id>artifactory</id>
      <configuration>
        <httpHeaders>
          <property>
            <name>X-JFrog-Art-Api</name>
            <value>«S:artifactory_key»</value>
          </property>
        </httpHeaders>
      </configuration>
    </server>
    <server>
      <id>gitlab-maven</id>
      <configuration>
        <httpHeaders>
          <property>
            <name>Private-Token</name>
            <value>«S:glpat»</value>
          </property>
        </httpHeaders>
      </configuration>
    </server>
""",
)
t(
    "source",
    "pom.xml with properties holding passwords",
    r"""
  <properties>
    <java.version>17</java.version>
    <spring-boot.version>3.2.«N:num»</spring-boot.version>
    <flyway.url>jdbc:postgresql://«N:host»:5432/«N:db»</flyway.url>
    <flyway.user>«N:user»</flyway.user>
    <flyway.password>«S:pw|xml»</flyway.password>
    <sonar.login>«S:sonar»</sonar.login>
  </properties>
""",
)
t(
    "source",
    "gradle.properties signing and ossrh",
    r"""
# Publishing
GROUP=com.acme.«N:svc»
VERSION_NAME=«N:ver»
signing.keyId=«N:hex7»B
signing.password=«S:pw»
signing.secretKeyRingFile=/Users/«N:first»/.gnupg/secring.gpg
ossrhUsername=«N:alnum20»
ossrhPassword=«S:ossrh»
gradle.publish.key=«N:alnum32»
gradle.publish.secret=«S:alnum32»
""",
)
t(
    "source",
    "build.gradle.kts repositories credentials literal",
    r"""
repositories {
    mavenCentral()
    maven {
        name = "corp"
        url = uri("https://artifactory.«N:domain»/artifactory/libs-release")
        credentials {
            username = "«N:user»"
            password = "«S:pw»"
        }
    }
    maven {
        url = uri("https://maven.pkg.github.com/acme/«N:svc»-commons")
        credentials {
            username = "acme-ci"
            password = "«S:ghp»"
        }
    }
}
""",
)
t(
    "source",
    "build.gradle groovy signing config literal",
    r"""
android {
    signingConfigs {
        release {
            storeFile file("../keys/release.jks")
            storePassword "«S:pw»"
            keyAlias "upload"
            keyPassword "«S:pw»"
        }
    }
    defaultConfig {
        applicationId "com.acme.«N:svc»"
        buildConfigField "String", "MAPS_API_KEY", "\"«S:gapi»\""
        buildConfigField "String", "BACKEND_URL", "\"https://api.«N:domain»\""
    }
}
""",
)
t(
    "source",
    "generated BuildConfig.java",
    r"""
/**
 * Automatically generated file. DO NOT MODIFY
 */
package com.acme.«N:svc»;

public final class BuildConfig {
  public static final boolean DEBUG = false;
  public static final String APPLICATION_ID = "com.acme.«N:svc»";
  public static final String BUILD_TYPE = "release";
  public static final int VERSION_CODE = «N:num»;
  public static final String VERSION_NAME = "«N:ver»";
  // Field from default config.
  public static final String BACKEND_API_KEY = "«S:alnum40»";
  // Field from default config.
  public static final String SENTRY_ENV = "production";
}
""",
)
t(
    "source",
    "build.sbt credentials inline",
    r"""
ThisBuild / organization := "com.acme"
ThisBuild / scalaVersion := "2.13.12"

credentials += Credentials(
  "Sonatype Nexus Repository Manager",
  "nexus.«N:domain»",
  "«N:user»",
  "«S:pw»"
)
publishTo := Some("releases" at "https://nexus.«N:domain»/repository/maven-releases/")
""",
)
t(
    "source",
    "ivysettings.xml credentials",
    r"""
<ivysettings>
  <settings defaultResolver="corp"/>
  <credentials host="ivy.«N:domain»" realm="Artifactory Realm" username="«N:user»" passwd="«S:pw|xml»"/>
  <resolvers>
    <ibiblio name="corp" m2compatible="true" root="https://ivy.«N:domain»/artifactory/libs-release"/>
  </resolvers>
</ivysettings>
""",
)
t(
    "source",
    "java DriverManager literal",
    r"""
public class ReportExporter {
    private static final Logger log = LoggerFactory.getLogger(ReportExporter.class);
    private static final String URL = "jdbc:sqlserver://«N:host»:1433;databaseName=«N:db»;encrypt=true;trustServerCertificate=true";
    private static final String USER = "«N:user»";
    private static final String PASSWORD = "«S:pw»";

    public void export(Path target) throws SQLException, IOException {
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD);
             PreparedStatement ps = c.prepareStatement("select * from monthly_report where period = ?")) {
            ps.setString(1, YearMonth.now().minusMonths(1).toString());
        }
    }
}
""",
)
t(
    "source",
    "java HikariConfig setPassword",
    r"""
    @Bean
    public DataSource legacyDataSource() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:db2://«N:host»:50000/«N:db»");
        config.setUsername("«N:user»");
        config.setPassword("«S:pw»");
        config.setMaximumPoolSize(8);
        config.setPoolName("legacy-db2");
        return new HikariDataSource(config);
    }
""",
)
t(
    "source",
    "java SecretKeySpec hard-coded hmac key",
    r"""
public final class WebhookVerifier {
    private static final byte[] KEY = "«S:alnum40»".getBytes(StandardCharsets.UTF_8);

    public boolean verify(String payload, String signatureHeader) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        return MessageDigest.isEqual(expected.getBytes(), signatureHeader.getBytes());
    }
}
""",
)
t(
    "source",
    "java AES key and iv base64 constants",
    r"""
class LegacyCrypto {
    // DO NOT CHANGE: used to decrypt existing rows in CUSTOMER.SSN_ENC
    private static final String AES_KEY_B64 = "«S:b64_32»";
    private static final String IV_B64 = "«N:b64plain»";
    static Cipher cipher(int mode) throws Exception {
        Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
        c.init(mode, new SecretKeySpec(Base64.getDecoder().decode(AES_KEY_B64), "AES"), new IvParameterSpec(Base64.getDecoder().decode(IV_B64)));
        return c;
    }
}
""",
)
t(
    "source",
    "kotlin ktor jwt secret constant",
    r"""
object JwtConfig {
    private const val SECRET = "«S:alnum64»"
    private const val ISSUER = "https://«N:svc».«N:domain»"
    private const val VALIDITY_MS = 36_000_00 * 10
    private val algorithm = Algorithm.HMAC512(SECRET)

    val verifier: JWTVerifier = JWT.require(algorithm).withIssuer(ISSUER).build()

    fun makeToken(user: User): String = JWT.create()
        .withSubject("Authentication")
        .withIssuer(ISSUER)
        .withClaim("id", user.id)
        .withExpiresAt(Date(System.currentTimeMillis() + VALIDITY_MS))
        .sign(algorithm)
}
""",
)
t(
    "source",
    "kotlin retrofit interceptor api key",
    r"""
class AuthInterceptor : Interceptor {
    override fun intercept(chain: Interceptor.Chain): Response {
        val request = chain.request().newBuilder()
            .addHeader("Authorization", "Bearer «S:sk_live»")
            .addHeader("User-Agent", "«N:svc»-android/«N:ver»")
            .build()
        return chain.proceed(request)
    }
}
""",
)
t(
    "source",
    "scala slick database config",
    r"""
object Db {
  val db = Database.forURL(
    url = "jdbc:postgresql://«N:host»:5432/«N:db»",
    user = "«N:user»",
    password = "«S:pw»",
    driver = "org.postgresql.Driver",
    executor = AsyncExecutor("«N:svc»", numThreads = 10, queueSize = 1000)
  )
}
""",
)
t(
    "source",
    "scala typesafe config application.conf",
    r"""
akka {
  loglevel = "INFO"
}
db {
  default {
    driver = "org.postgresql.Driver"
    url = "jdbc:postgresql://«N:host»:5432/«N:db»"
    username = "«N:user»"
    password = "«S:pw»"
  }
}
play.http.secret.key = "«S:alnum64»"
""",
)
t(
    "source",
    "groovy Jenkinsfile hard-coded credentials",
    r"""
pipeline {
    agent { label 'maven' }
    environment {
        NEXUS_URL = 'https://nexus.«N:domain»'
        NEXUS_USER = '«N:user»'
        NEXUS_PASS = '«S:pw»'
    }
    stages {
        stage('Deploy') {
            steps {
                sh "mvn -B deploy -DskipTests -Dnexus.user=${NEXUS_USER} -Dnexus.password=${NEXUS_PASS}"
            }
        }
    }
}
""",
)
t(
    "source",
    "groovy script console reveals credentials",
    r"""
import com.cloudbees.plugins.credentials.CredentialsProvider
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials

def creds = CredentialsProvider.lookupCredentials(StandardUsernamePasswordCredentials, Jenkins.instance, null, null)
creds.each { println "${it.id} : ${it.username} : ${it.password}" }

Result:
nexus-deploy : «N:user» : «S:pw»
db-migrations : flyway_admin : «S:pw»
Result: [com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl@«N:hex7», com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl@«N:hex7»]
""",
)
t(
    "source",
    "jenkins credentials.xml with plain text token",
    r"""
<?xml version='1.1' encoding='UTF-8'?>
<com.cloudbees.plugins.credentials.SystemCredentialsProvider plugin="credentials@1337.v60b_d7b_c7b_c9f">
  <domainCredentialsMap class="hudson.util.CopyOnWriteMap$Hash">
    <entry>
      <com.cloudbees.plugins.credentials.domains.Domain>
        <specifications/>
      </com.cloudbees.plugins.credentials.domains.Domain>
      <java.util.concurrent.CopyOnWriteArrayList>
        <org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
          <scope>GLOBAL</scope>
          <id>github-token</id>
          <description>migrated by hand, re-encrypt on next save</description>
          <secret>«S:ghp»</secret>
        </org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
      </java.util.concurrent.CopyOnWriteArrayList>
    </entry>
  </domainCredentialsMap>
</com.cloudbees.plugins.credentials.SystemCredentialsProvider>
""",
)
t(
    "source",
    "log4j2.xml smtp and jdbc appenders",
    r"""
<Configuration status="WARN">
  <Appenders>
    <SMTP name="Mail" subject="[«N:svc»] ERROR" to="oncall@«N:domain»" from="log4j@«N:domain»"
          smtpHost="smtp.«N:domain»" smtpPort="587" smtpProtocol="smtp" smtpUsername="log4j@«N:domain»" smtpPassword="«S:pw|xml»" bufferSize="50"/>
    <JDBC name="Db" tableName="APP_LOG">
      <DriverManager connectionString="jdbc:mysql://«N:host»:3306/logs" userName="«N:user»" password="«S:pw|xml»"/>
      <Column name="EVENT_DATE" isEventTimestamp="true"/>
      <Column name="MESSAGE" pattern="%message"/>
    </JDBC>
  </Appenders>
</Configuration>
""",
)
t(
    "source",
    "logback.xml smtp appender and db",
    r"""
<configuration>
  <appender name="EMAIL" class="ch.qos.logback.classic.net.SMTPAppender">
    <smtpHost>smtp.office365.com</smtpHost>
    <smtpPort>587</smtpPort>
    <STARTTLS>true</STARTTLS>
    <username>alerts@«N:domain»</username>
    <password>«S:pw|xml»</password>
    <to>oncall@«N:domain»</to>
    <subject>«N:svc»: %logger{20} - %m</subject>
  </appender>
  <appender name="LOGTAIL" class="com.logtail.logback.LogtailAppender">
    <appName>«N:svc»</appName>
    <sourceToken>«S:alnum32»</sourceToken>
  </appender>
</configuration>
""",
)
t(
    "source",
    "persistence.xml credentials",
    r"""
<persistence-unit name="«N:svc»PU" transaction-type="RESOURCE_LOCAL">
    <provider>org.hibernate.jpa.HibernatePersistenceProvider</provider>
    <class>com.acme.«N:svc».domain.Invoice</class>
    <properties>
        <property name="jakarta.persistence.jdbc.driver" value="org.postgresql.Driver"/>
        <property name="jakarta.persistence.jdbc.url" value="jdbc:postgresql://«N:host»:5432/«N:db»"/>
        <property name="jakarta.persistence.jdbc.user" value="«N:user»"/>
        <property name="jakarta.persistence.jdbc.password" value="«S:pw|xml»"/>
        <property name="hibernate.show_sql" value="false"/>
    </properties>
</persistence-unit>
""",
)
t(
    "source",
    "hibernate.cfg.xml",
    r"""
<hibernate-configuration>
    <session-factory>
        <property name="hibernate.connection.driver_class">com.mysql.cj.jdbc.Driver</property>
        <property name="hibernate.connection.url">jdbc:mysql://«N:host»:3306/«N:db»</property>
        <property name="hibernate.connection.username">«N:user»</property>
        <property name="hibernate.connection.password">«S:pw|xml»</property>
        <property name="hibernate.dialect">org.hibernate.dialect.MySQLDialect</property>
        <mapping class="com.acme.«N:svc».model.Customer"/>
    </session-factory>
</hibernate-configuration>
""",
)
t(
    "source",
    "jmxremote.password file",
    r"""
# jmxremote.password - chmod 600
# Format: role password
monitorRole  «S:pw»
controlRole  «S:pw»
""",
)
t(
    "source",
    "kafka jaas.conf",
    r"""
KafkaServer {
    org.apache.kafka.common.security.plain.PlainLoginModule required
    username="admin"
    password="«S:pw»"
    user_admin="«S:pw»"
    user_«N:svc»="«S:spw»";
};
Client {
    org.apache.zookeeper.server.auth.DigestLoginModule required
    username="kafka"
    password="«S:spw»";
};
""",
)
t(
    "source",
    "kafka server.properties ssl passwords",
    r"""
listeners=SASL_SSL://:9093
ssl.keystore.location=/var/private/ssl/kafka.server.keystore.jks
ssl.keystore.password=«S:spw»
ssl.key.password=«S:spw»
ssl.truststore.location=/var/private/ssl/kafka.server.truststore.jks
ssl.truststore.password=«S:spw»
ssl.client.auth=required
""",
)
t(
    "source",
    "spring security ldap java config",
    r"""
    @Bean
    public DefaultSpringSecurityContextSource contextSource() {
        DefaultSpringSecurityContextSource cs = new DefaultSpringSecurityContextSource("ldaps://ldap.«N:domain»:636/dc=acme,dc=com");
        cs.setUserDn("cn=«N:svc»-bind,ou=services,dc=acme,dc=com");
        cs.setPassword("«S:pw»");
        return cs;
    }
""",
)
t(
    "source",
    "spring security in-memory noop users",
    r"""
    @Bean
    UserDetailsService users() {
        UserDetails admin = User.withUsername("admin")
            .password("{noop}«S:pw»")
            .roles("ADMIN")
            .build();
        UserDetails ops = User.withUsername("ops")
            .password("{noop}«S:pw»")
            .roles("ACTUATOR")
            .build();
        return new InMemoryUserDetailsManager(admin, ops);
    }
""",
)
t(
    "source",
    "elasticsearch java client with api key",
    r"""
RestClient restClient = RestClient
    .builder(HttpHost.create("https://«N:host»:9200"))
    .setDefaultHeaders(new Header[]{
        new BasicHeader("Authorization", "ApiKey «S:es_api_key»")
    })
    .build();
ElasticsearchClient esClient = new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
""",
)
t(
    "source",
    "hazelcast.xml with cluster password",
    r"""
<hazelcast xmlns="http://www.hazelcast.com/schema/config">
    <cluster-name>«N:svc»</cluster-name>
    <security enabled="true">
        <member-authentication realm="memberRealm"/>
        <realms>
            <realm name="memberRealm">
                <identity>
                    <username-password username="«N:svc»-member" password="«S:pw|xml»"/>
                </identity>
            </realm>
        </realms>
    </security>
</hazelcast>
""",
)
t(
    "source",
    "ignite spring xml with ssl passwords",
    r"""
<bean id="ignite.cfg" class="org.apache.ignite.configuration.IgniteConfiguration">
    <property name="sslContextFactory">
        <bean class="org.apache.ignite.ssl.SslContextFactory">
            <property name="keyStoreFilePath" value="/opt/ignite/keystore/node.jks"/>
            <property name="keyStorePassword" value="«S:spw»"/>
            <property name="trustStoreFilePath" value="/opt/ignite/keystore/trust.jks"/>
            <property name="trustStorePassword" value="«S:spw»"/>
        </bean>
    </property>
</bean>
""",
)
t(
    "source",
    "intellij workspace.xml run configuration env",
    r"""
    <configuration name="«N:svc»Application (prod db)" type="SpringBootApplicationConfigurationType" factoryName="Spring Boot">
      <option name="ACTIVE_PROFILES" value="prod" />
      <envs>
        <env name="SPRING_DATASOURCE_URL" value="jdbc:postgresql://«N:host»:5432/«N:db»" />
        <env name="SPRING_DATASOURCE_USERNAME" value="«N:user»" />
        <env name="SPRING_DATASOURCE_PASSWORD" value="«S:pw|xml»" />
        <env name="AWS_SECRET_ACCESS_KEY" value="«S:aws_secret»" />
      </envs>
      <module name="«N:svc».main" />
      <option name="SPRING_BOOT_MAIN_CLASS" value="com.acme.«N:svc».Application" />
    </configuration>
""",
)
t(
    "source",
    "jetbrains dataSources.local.xml",
    r"""
<?xml version="1.0" encoding="UTF-8"?>
<project version="4">
  <component name="dataSourceStorageLocal" created-in="IU-241.14494.240">
    <data-source name="«N:db»@«N:host»" uuid="«N:uuid»">
      <database-info product="PostgreSQL" version="15.4" jdbc-version="4.2" driver-name="PostgreSQL JDBC Driver" driver-version="42.7.1" dbms="POSTGRES" exact-version="15.4" exact-driver-version="42.7">
        <identifier-quote-string>&quot;</identifier-quote-string>
      </database-info>
      <case-sensitivity plain-identifiers="lower" quoted-identifiers="exact" />
      <secret-storage>master_key</secret-storage>
      <user-name>«N:user»</user-name>
      <schema-mapping />
    </data-source>
  </component>
</project>
<!-- .idea/dataSources.xml (committed by mistake) -->
<data-source source="LOCAL" name="prod" uuid="«N:uuid»">
  <jdbc-url>jdbc:postgresql://«N:host»:5432/«N:db»?user=«N:user»&amp;password=«S:spw»</jdbc-url>
</data-source>
""",
)
t(
    "source",
    "clojure project.clj repositories",
    r"""
(defproject com.acme/«N:svc» "«N:ver»"
  :description "«N:svc» service"
  :dependencies [[org.clojure/clojure "1.11.1"]
                 [com.github.seancorfield/next.jdbc "1.3.909"]]
  :repositories [["releases" {:url "https://nexus.«N:domain»/repository/maven-releases/"
                              :username "«N:user»"
                              :password "«S:pw»"}]]
  :main ^:skip-aot «N:svc».core)
""",
)
t(
    "source",
    "clojure db spec map",
    r"""
(def db-spec
  {:dbtype   "postgresql"
   :dbname   "«N:db»"
   :host     "«N:host»"
   :user     "«N:user»"
   :password "«S:pw»"
   :ssl      true})
""",
)
t(
    "source",
    "quarkus application.properties",
    r"""
quarkus.datasource.db-kind=mssql
quarkus.datasource.username=«N:user»
quarkus.datasource.password=«S:pw»
quarkus.datasource.jdbc.url=jdbc:sqlserver://«N:host»:1433;databaseName=«N:db»
quarkus.oidc.auth-server-url=https://sso.«N:domain»/realms/«N:svc»
quarkus.oidc.client-id=«N:client_id»
quarkus.oidc.credentials.secret=«S:kc_secret»
%dev.quarkus.datasource.password=dev
quarkus.mailer.password=«S:pw»
""",
)
t(
    "source",
    "micronaut groovy config",
    r"""
// application.groovy
micronaut {
    application.name = '«N:svc»'
}
datasources {
    'default' {
        url = 'jdbc:postgresql://«N:host»:5432/«N:db»'
        username = '«N:user»'
        password = '«S:pw»'
    }
}
""",
)
t(
    "source",
    "glassfish domain.xml jdbc pool password",
    r"""
    <jdbc-connection-pool datasource-classname="com.mysql.cj.jdbc.MysqlDataSource" name="«N:svc»Pool" res-type="javax.sql.DataSource">
      <property name="User" value="«N:user»"></property>
      <property name="Password" value="«S:pw|xml»"></property>
      <property name="URL" value="jdbc:mysql://«N:host»:3306/«N:db»"></property>
    </jdbc-connection-pool>
    <jdbc-resource pool-name="«N:svc»Pool" jndi-name="jdbc/«N:svc»"></jdbc-resource>
""",
)
t(
    "source",
    "weblogic jdbc module plaintext password",
    r"""
<jdbc-data-source xmlns="http://xmlns.oracle.com/weblogic/jdbc-data-source">
  <name>«N:svc»DS</name>
  <jdbc-driver-params>
    <url>jdbc:oracle:thin:@//«N:host»:1521/«N:db»</url>
    <driver-name>oracle.jdbc.OracleDriver</driver-name>
    <properties>
      <property>
        <name>user</name>
        <value>«N:user»</value>
      </property>
    </properties>
    <password>«S:pw|xml»</password>
  </jdbc-driver-params>
</jdbc-data-source>
""",
)
t(
    "source",
    "java test fixture with real looking aws key",
    r"""
class S3ExporterIT {
    private static final AwsBasicCredentials CREDS = AwsBasicCredentials.create(
        "«N:akia»",
        "«S:aws_secret»");

    @Test
    void uploadsReport() {
        S3Client s3 = S3Client.builder().region(Region.EU_CENTRAL_1)
            .credentialsProvider(StaticCredentialsProvider.create(CREDS)).build();
        assertThat(new S3Exporter(s3).export(report())).isNotNull();
    }
}
""",
)
t(
    "source",
    "java mail session authenticator",
    r"""
        Properties props = new Properties();
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.host", "smtp.sendgrid.net");
        props.put("mail.smtp.port", "587");
        Session session = Session.getInstance(props, new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication("apikey", "«S:sendgrid»");
            }
        });
""",
)
t(
    "source",
    "java keystore load with char array",
    r"""
    private static SSLContext sslContext() throws Exception {
        char[] storePass = "«S:spw:p»".toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of("/etc/«N:svc»/client.p12"))) {
            ks.load(in, storePass);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "«S:spw:c»".toCharArray());
        return SSLContextBuilder.create().loadKeyMaterial(ks, storePass).build();
    }
""",
)
t(
    "source",
    "jenkins config.xml with plain smtp password",
    r"""
<?xml version='1.1' encoding='UTF-8'?>
<hudson.tasks.Mailer_-DescriptorImpl plugin="mailer@463.vedf8358e006b_">
  <defaultSuffix>@«N:domain»</defaultSuffix>
  <hudsonUrl>https://ci.«N:domain»/</hudsonUrl>
  <authentication>
    <username>jenkins@«N:domain»</username>
    <password>«S:pw|xml»</password>
  </authentication>
  <smtpHost>smtp.«N:domain»</smtpHost>
  <useSsl>true</useSsl>
  <smtpPort>465</smtpPort>
  <charset>UTF-8</charset>
</hudson.tasks.Mailer_-DescriptorImpl>
""",
)
t(
    "source",
    "spring boot java config kafka jaas literal",
    r"""
    @Bean
    public ProducerFactory<String, Event> producerFactory() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "«N:host»:9093");
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.mechanism", "PLAIN");
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"«N:alnum20»\" password=\"«S:alnum64»\";");
        return new DefaultKafkaProducerFactory<>(props);
    }
""",
)
t(
    "source",
    "java firebase service account json string",
    r"""
    private static final String SERVICE_ACCOUNT = "{\"type\":\"service_account\",\"project_id\":\"«N:svc»-prod\",\"private_key_id\":\"«N:gcp_key_id»\",\"private_key\":\"«S:pkcs8_key|json»\",\"client_email\":\"firebase-adminsdk@«N:svc»-prod.iam.gserviceaccount.com\"}";
""",
)
t(
    "source",
    "kotlin companion object with github token",
    r"""
class ReleaseNotesGenerator(private val http: OkHttpClient) {
    companion object {
        private const val GITHUB_TOKEN = "«S:ghpat»"
        private const val REPO = "acme/«N:svc»"
    }

    fun fetch(tag: String): String = http.newCall(
        Request.Builder().url("https://api.github.com/repos/$REPO/releases/tags/$tag")
            .header("Authorization", "token $GITHUB_TOKEN").build()
    ).execute().use { it.body!!.string() }
}
""",
)
t(
    "source",
    "camel route with password in uri",
    r"""
    @Override
    public void configure() {
        from("sftp://partner@sftp.«N:domain»:22/outbound?password=«S:spw»&delete=true&delay=60000")
            .routeId("partner-inbound")
            .log("Received ${header.CamelFileName}")
            .to("jms:queue:partner.files");
    }
""",
)
t(
    "source",
    "liquibase.properties",
    r"""
changeLogFile=src/main/resources/db/changelog/db.changelog-master.yaml
url=jdbc:postgresql://«N:host»:5432/«N:db»
username=«N:user»
password=«S:pw»
driver=org.postgresql.Driver
liquibase.hub.mode=off
""",
)
t(
    "source",
    "flyway.conf",
    r"""
flyway.url=jdbc:mysql://«N:host»:3306/«N:db»
flyway.user=flyway
flyway.password=«S:pw»
flyway.schemas=«N:db»
flyway.locations=filesystem:sql/migrations
flyway.baselineOnMigrate=true
""",
)
t(
    "source",
    "zookeeper jaas and digest in java.env",
    r"""
# conf/java.env
export SERVER_JVMFLAGS="-Djava.security.auth.login.config=/opt/zookeeper/conf/jaas.conf -Dzookeeper.authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider"
export CLIENT_JVMFLAGS="-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty -Dzookeeper.ssl.keyStore.password=«S:spw» -Dzookeeper.ssl.trustStore.password=«S:spw»"
""",
)
t(
    "source",
    "spring properties with placeholders",
    r"""
spring.datasource.url=${JDBC_URL:jdbc:postgresql://localhost:5432/«N:db»}
spring.datasource.username=${DB_USERNAME}
spring.datasource.password=${DB_PASSWORD}
spring.security.oauth2.client.registration.github.client-id=«N:gh_client_id»
spring.security.oauth2.client.registration.github.client-secret=${GITHUB_CLIENT_SECRET}
spring.mail.password=${MAIL_PASSWORD:}
jasypt.encryptor.password=${JASYPT_PASSWORD}
""",
)
t(
    "source",
    "spring properties with jasypt ENC values",
    r"""
# encrypted with jasypt-maven-plugin 3.0.5, key in JASYPT_ENCRYPTOR_PASSWORD
spring.datasource.password=«N:jasypt»
spring.rabbitmq.password=«N:jasypt»
app.partner.api-key=«N:jasypt»
app.partner.client-secret=«N:jasypt»
""",
)
t(
    "source",
    "maven resource filtering tokens",
    r"""
# src/main/resources/application.properties (filtered by maven-resources-plugin)
app.version=@project.version@
spring.datasource.url=@db.url@
spring.datasource.username=@db.username@
spring.datasource.password=@db.password@
build.timestamp=@maven.build.timestamp@
""",
)
t(
    "source",
    "java @Value references",
    r"""
@Configuration
public class PartnerClientConfig {

    @Value("${partner.api.base-url}")
    private String baseUrl;

    @Value("${partner.api.key}")
    private String apiKey;

    @Value("${partner.api.secret:#{null}}")
    private String apiSecret;

    @Bean
    PartnerClient partnerClient(RestClient.Builder builder) {
        return new PartnerClient(builder.baseUrl(baseUrl).defaultHeader("X-Api-Key", apiKey).build(), apiSecret);
    }
}
""",
)
t(
    "source",
    "java configuration properties record",
    r"""
@ConfigurationProperties(prefix = "app.security.jwt")
public record JwtProperties(
        String issuer,
        String secret,
        Duration accessTokenTtl,
        Duration refreshTokenTtl,
        String keyStoreLocation,
        String keyStorePassword,
        String keyAlias) {
}
""",
)
t(
    "source",
    "password encoder configuration",
    r"""
@Configuration
@EnableWebSecurity
public class SecurityConfig {

    @Bean
    public PasswordEncoder passwordEncoder() {
        String idForEncode = "bcrypt";
        Map<String, PasswordEncoder> encoders = new HashMap<>();
        encoders.put(idForEncode, new BCryptPasswordEncoder(12));
        encoders.put("pbkdf2@SpringSecurity_v5_8", Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8());
        encoders.put("argon2@SpringSecurity_v5_8", Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8());
        return new DelegatingPasswordEncoder(idForEncode, encoders);
    }
}
""",
)
t(
    "source",
    "data.sql with bcrypt users",
    r"""
-- src/main/resources/data.sql
INSERT INTO users (id, username, password, enabled) VALUES
  ('«N:uuid»', 'admin', '{bcrypt}«N:bcrypt»', true),
  ('«N:uuid»', 'ops', '{bcrypt}«N:bcrypt»', true);
INSERT INTO authorities (username, authority) VALUES ('admin', 'ROLE_ADMIN'), ('ops', 'ROLE_OPS');
""",
)
t(
    "source",
    "tomcat-users.xml with digest hashes",
    r"""
<tomcat-users xmlns="http://tomcat.apache.org/xml" version="1.0">
  <role rolename="manager-gui"/>
  <!-- passwords are SHA-256 digests: bin/digest.sh -a sha-256 -->
  <user username="admin" password="«N:sha256»$1$«N:hex64»" roles="manager-gui"/>
  <user username="deployer" password="«N:sha256»$1$«N:hex64»" roles="manager-script"/>
</tomcat-users>
""",
)
t(
    "source",
    "tomcat server.xml credential handler and env reference",
    r"""
      <Realm className="org.apache.catalina.realm.UserDatabaseRealm" resourceName="UserDatabase">
        <CredentialHandler className="org.apache.catalina.realm.MessageDigestCredentialHandler" algorithm="SHA-256" iterations="10000" saltLength="16"/>
      </Realm>
    <Connector port="8443" protocol="org.apache.coyote.http11.Http11NioProtocol" SSLEnabled="true">
        <SSLHostConfig>
            <Certificate certificateKeystoreFile="conf/keystore.p12" certificateKeystorePassword="${keystore.password}" type="RSA"/>
        </SSLHostConfig>
    </Connector>
""",
)
t(
    "source",
    "wildfly datasource with vault and credential store",
    r"""
                <datasource jndi-name="java:jboss/datasources/«N:svc»DS" pool-name="«N:svc»DS">
                    <connection-url>jdbc:postgresql://«N:host»:5432/«N:db»</connection-url>
                    <driver>postgresql</driver>
                    <security>
                        <user-name>«N:user»</user-name>
                        <password>${VAULT::ds_«N:svc»DS::password::1}</password>
                    </security>
                </datasource>
                <datasource jndi-name="java:jboss/datasources/ReportsDS" pool-name="ReportsDS">
                    <connection-url>jdbc:postgresql://«N:host»:5432/reports</connection-url>
                    <security user-name="reports">
                        <credential-reference store="appCredStore" alias="reports-db"/>
                    </security>
                </datasource>
""",
)
t(
    "source",
    "weblogic config.xml with AES values",
    r"""
  <security-configuration>
    <name>«N:svc»_domain</name>
    <realm>
      <sec:authentication-provider xsi:type="wls:default-authenticatorType">
        <sec:name>DefaultAuthenticator</sec:name>
      </sec:authentication-provider>
    </realm>
    <credential-encrypted>«N:aes»«N:b64_48»</credential-encrypted>
    <node-manager-username>weblogic</node-manager-username>
    <node-manager-password-encrypted>«N:aes»</node-manager-password-encrypted>
  </security-configuration>
""",
)
t(
    "source",
    "jenkins credentials.xml encrypted",
    r"""
        <com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>
          <scope>GLOBAL</scope>
          <id>nexus-deploy</id>
          <description>Nexus deployer</description>
          <username>«N:user»</username>
          <password>«N:jenkins_enc»</password>
          <usernameSecret>false</usernameSecret>
        </com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>
        <org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
          <scope>GLOBAL</scope>
          <id>sonar-token</id>
          <secret>«N:jenkins_enc»</secret>
        </org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
""",
)
t(
    "source",
    "Jenkinsfile withCredentials",
    r"""
pipeline {
    agent any
    stages {
        stage('Publish') {
            steps {
                withCredentials([usernamePassword(credentialsId: 'nexus-deploy', usernameVariable: 'NEXUS_USER', passwordVariable: 'NEXUS_PASS'),
                                 string(credentialsId: 'sonar-token', variable: 'SONAR_TOKEN'),
                                 file(credentialsId: 'maven-settings', variable: 'MVN_SETTINGS')]) {
                    sh 'mvn -s "$MVN_SETTINGS" -B deploy -Dsonar.token="$SONAR_TOKEN"'
                }
                sshagent(credentials: ['deploy-key']) {
                    sh 'scp target/*.war deploy@«N:host»:/opt/tomcat/webapps/'
                }
            }
        }
    }
}
""",
)
t(
    "source",
    "maven settings with env references",
    r"""
<settings>
  <servers>
    <server>
      <id>nexus-releases</id>
      <username>${env.NEXUS_USERNAME}</username>
      <password>${env.NEXUS_PASSWORD}</password>
    </server>
    <server>
      <id>gpg.passphrase</id>
      <passphrase>${env.MAVEN_GPG_PASSPHRASE}</passphrase>
    </server>
  </servers>
</settings>
""",
)
t(
    "source",
    "maven settings with encrypted server password",
    r"""
<settings>
  <servers>
    <server>
      <id>corp-releases</id>
      <username>«N:user»</username>
      <!-- encrypted with the master password kept in settings-security.xml, not in this repo -->
      <password>«N:mvn_enc»</password>
    </server>
  </servers>
</settings>
""",
)
t(
    "source",
    "pom.xml dependencies and plugin config",
    r"""
    <dependency>
      <groupId>org.springframework.security</groupId>
      <artifactId>spring-security-crypto</artifactId>
      <version>6.2.1</version>
    </dependency>
    <dependency>
      <groupId>com.github.ulisesbocchio</groupId>
      <artifactId>jasypt-spring-boot-starter</artifactId>
      <version>3.0.5</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-gpg-plugin</artifactId>
        <version>3.1.0</version>
        <configuration>
          <keyname>«N:gpgid»</keyname>
          <passphraseServerId>gpg.passphrase</passphraseServerId>
        </configuration>
      </plugin>
""",
)
t(
    "source",
    "build.gradle.kts credentials from providers",
    r"""
publishing {
    repositories {
        maven {
            name = "corp"
            url = uri("https://artifactory.«N:domain»/artifactory/libs-release-local")
            credentials(PasswordCredentials::class)
        }
        maven {
            url = uri("https://maven.pkg.github.com/acme/«N:svc»")
            credentials {
                username = providers.environmentVariable("GITHUB_ACTOR").get()
                password = providers.environmentVariable("GITHUB_TOKEN").get()
            }
        }
    }
}
signing {
    useInMemoryPgpKeys(findProperty("signingKey") as String?, findProperty("signingPassword") as String?)
    sign(publishing.publications)
}
""",
)
t(
    "source",
    "kotlin class names and serialVersionUID",
    r"""
data class TokenResponse(
    @JsonProperty("access_token") val accessToken: String,
    @JsonProperty("refresh_token") val refreshToken: String?,
    @JsonProperty("expires_in") val expiresIn: Long,
) : Serializable {
    companion object {
        private const val serialVersionUID: Long = «N:long»
        const val TOKEN_HEADER = "Authorization"
        const val API_KEY_HEADER = "X-Api-Key"
        const val PASSWORD_MIN_LENGTH = 12
    }
}
""",
)
t(
    "source",
    "java serialVersionUID and secret names",
    r"""
public class PasswordResetToken implements Serializable {
    @Serial
    private static final long serialVersionUID = «N:long»;
    public static final String SECRET_KEY_ALGORITHM = "PBKDF2WithHmacSHA256";
    public static final String KEYSTORE_ALIAS = "«N:svc»-signing";
    public static final String PASSWORD_PARAM = "password";
    private String token;
    private Instant expiresAt;
}
""",
)
t(
    "source",
    "jetty realm with hashes",
    r"""
# realm.properties — MD5 and CRYPT entries only
admin: MD5:«N:md5»,server-administrator
deployer: MD5:«N:md5»,deployer
reader: CRYPT:«N:descrypt»,user
""",
)
t(
    "source",
    "log4j2 xml with lookups",
    r"""
<Configuration status="WARN">
  <Appenders>
    <SMTP name="Mail" subject="[${env:APP_NAME}] ERROR" to="oncall@«N:domain»" from="log4j@«N:domain»"
          smtpHost="${env:SMTP_HOST}" smtpPort="587" smtpUsername="${env:SMTP_USER}" smtpPassword="${env:SMTP_PASSWORD}"/>
    <JDBC name="Db" tableName="APP_LOG">
      <DataSource jndiName="java:comp/env/jdbc/LoggingDS"/>
      <Column name="MESSAGE" pattern="%message"/>
    </JDBC>
  </Appenders>
</Configuration>
""",
)
t(
    "source",
    "logback xml with springProperty",
    r"""
<configuration>
  <springProperty scope="context" name="appName" source="spring.application.name"/>
  <springProperty scope="context" name="smtpPassword" source="app.alerts.smtp-password"/>
  <appender name="EMAIL" class="ch.qos.logback.classic.net.SMTPAppender">
    <smtpHost>smtp.«N:domain»</smtpHost>
    <username>alerts@«N:domain»</username>
    <password>${smtpPassword}</password>
    <to>oncall@«N:domain»</to>
  </appender>
</configuration>
""",
)
t(
    "source",
    "tomcat context.xml with JNDI names only",
    r"""
<Context>
    <ResourceLink name="jdbc/«N:svc»DB" global="jdbc/«N:svc»DB" type="javax.sql.DataSource"/>
    <Environment name="app/passwordPolicy" value="min12-upper-digit-symbol" type="java.lang.String" override="false"/>
    <Environment name="app/secretStore" value="java:comp/env/secrets/vault" type="java.lang.String"/>
</Context>
""",
)
t(
    "source",
    "web.xml security constraints",
    r"""
  <security-constraint>
    <web-resource-collection>
      <web-resource-name>admin</web-resource-name>
      <url-pattern>/admin/*</url-pattern>
    </web-resource-collection>
    <auth-constraint>
      <role-name>admin</role-name>
    </auth-constraint>
  </security-constraint>
  <login-config>
    <auth-method>FORM</auth-method>
    <form-login-config>
      <form-login-page>/login.jsp</form-login-page>
      <form-error-page>/login.jsp?error=password</form-error-page>
    </form-login-config>
  </login-config>
  <resource-ref>
    <res-ref-name>jdbc/«N:svc»DB</res-ref-name>
    <res-type>javax.sql.DataSource</res-type>
  </resource-ref>
""",
)
t(
    "source",
    "kafka jaas with keytab",
    r"""
KafkaClient {
    com.sun.security.auth.module.Krb5LoginModule required
    useKeyTab=true
    storeKey=true
    keyTab="/etc/security/keytabs/«N:svc».keytab"
    principal="«N:svc»@«N:domain»";
};
""",
)
t(
    "source",
    "kafka client properties with config providers",
    r"""
config.providers=file
config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${file:/opt/secrets/kafka.properties:username}" password="${file:/opt/secrets/kafka.properties:password}";
ssl.truststore.location=/etc/kafka/truststore.jks
ssl.truststore.password=${file:/opt/secrets/kafka.properties:truststore_password}
""",
)
t(
    "source",
    "jmx access file",
    r"""
# jmxremote.access
monitorRole   readonly
controlRole   readwrite \
              create javax.management.monitor.*,javax.management.timer.* \
              unregister
""",
)
t(
    "source",
    "java reading password from environment",
    r"""
public final class Db {
    public static Connection open() throws SQLException {
        String url = System.getenv().getOrDefault("JDBC_URL", "jdbc:postgresql://localhost:5432/«N:db»");
        String user = System.getenv("JDBC_USER");
        char[] password = Objects.requireNonNull(System.getenv("JDBC_PASSWORD"), "JDBC_PASSWORD not set").toCharArray();
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", new String(password));
        return DriverManager.getConnection(url, props);
    }
}
""",
)
t(
    "source",
    "kotlin secret manager lookup",
    r"""
suspend fun loadDbPassword(client: SecretsManagerClient): String =
    client.getSecretValue { secretId = "prod/«N:svc»/db" }.secretString
        ?: error("secret prod/«N:svc»/db has no string value")

val hikari = HikariConfig().apply {
    jdbcUrl = "jdbc:postgresql://«N:host»:5432/«N:db»"
    username = "«N:user»"
    password = runBlocking { loadDbPassword(secrets) }
}
""",
)
t(
    "source",
    "intellij workspace.xml with env references",
    r"""
    <configuration name="«N:svc»Application" type="SpringBootApplicationConfigurationType" factoryName="Spring Boot">
      <option name="ACTIVE_PROFILES" value="local" />
      <envs>
        <env name="SPRING_DATASOURCE_URL" value="jdbc:postgresql://localhost:5432/«N:db»" />
        <env name="SPRING_DATASOURCE_PASSWORD" value="$DB_PASSWORD$" />
        <env name="JAVA_TOOL_OPTIONS" value="-Dspring.devtools.restart.enabled=true" />
      </envs>
      <option name="SPRING_BOOT_MAIN_CLASS" value="com.acme.«N:svc».Application" />
    </configuration>
""",
)
t(
    "source",
    "jetbrains dataSources.xml without password",
    r"""
<project version="4">
  <component name="DataSourceManagerImpl" format="xml" multifile-model="true">
    <data-source source="LOCAL" name="«N:db»@localhost" uuid="«N:uuid»">
      <driver-ref>postgresql</driver-ref>
      <synchronize>true</synchronize>
      <jdbc-driver>org.postgresql.Driver</jdbc-driver>
      <jdbc-url>jdbc:postgresql://localhost:5432/«N:db»</jdbc-url>
      <working-dir>$ProjectFileDir$</working-dir>
    </data-source>
  </component>
</project>
""",
)
t(
    "source",
    "hazelcast xml with env password",
    r"""
<hazelcast xmlns="http://www.hazelcast.com/schema/config">
    <cluster-name>«N:svc»</cluster-name>
    <network>
        <ssl enabled="true">
            <factory-class-name>com.hazelcast.nio.ssl.BasicSSLContextFactory</factory-class-name>
            <properties>
                <property name="keyStore">/opt/hz/keystore.p12</property>
                <property name="keyStorePassword">$ENV{HZ_KEYSTORE_PASSWORD}</property>
                <property name="protocol">TLSv1.3</property>
            </properties>
        </ssl>
    </network>
</hazelcast>
""",
)
t(
    "source",
    "gradle verification metadata",
    r"""
<?xml version="1.0" encoding="UTF-8"?>
<verification-metadata xmlns="https://schema.gradle.org/dependency-verification" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
   <configuration>
      <verify-metadata>true</verify-metadata>
      <verify-signatures>true</verify-signatures>
      <trusted-keys>
         <trusted-key id="«N:fpr»" group="org.springframework"/>
         <trusted-key id="«N:fpr»" group="com.fasterxml.jackson"/>
      </trusted-keys>
   </configuration>
   <components>
      <component group="org.jasypt" name="jasypt" version="1.9.3">
         <artifact name="jasypt-1.9.3.jar">
            <sha256 value="«N:sha256»" origin="Generated by Gradle"/>
         </artifact>
      </component>
   </components>
</verification-metadata>
""",
)
t(
    "source",
    "spring test with placeholder secrets",
    r"""
@SpringBootTest(properties = {
        "spring.datasource.password=test",
        "app.security.jwt.secret=${random.value}",
        "app.partner.api-key=dummy-key-for-tests",
        "spring.security.oauth2.client.registration.github.client-secret=changeme"
})
class PartnerClientTest {
    @MockBean PartnerClient partnerClient;
}
""",
)
t(
    "source",
    "java public key constant for jwt verification",
    r'''
public final class LicenseVerifier {
    private static final String PUBLIC_KEY_PEM = """
            «N:pubkey|ind12»
            """;

    public static boolean verify(byte[] license, byte[] signature) throws GeneralSecurityException {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify(PemUtils.parsePublicKey(PUBLIC_KEY_PEM));
        s.update(license);
        return s.verify(signature);
    }
}
''',
)
t(
    "source",
    "server.xml truststore with default changeit",
    r"""
    <Connector port="8443" protocol="org.apache.coyote.http11.Http11NioProtocol" SSLEnabled="true">
        <SSLHostConfig certificateVerification="optional"
                       truststoreFile="${java.home}/lib/security/cacerts"
                       truststorePassword="changeit">
            <Certificate certificateKeystoreFile="conf/«N:svc».p12" certificateKeystorePasswordFile="conf/keystore.pass" type="RSA"/>
        </SSLHostConfig>
    </Connector>
""",
)
t(
    "source",
    "scala config with env substitution",
    r"""
db {
  default {
    url = "jdbc:postgresql://«N:host»:5432/«N:db»"
    url = ${?DATABASE_URL}
    username = ${?DB_USER}
    password = ${?DB_PASSWORD}
  }
}
play.http.secret.key = "changeme"
play.http.secret.key = ${?APPLICATION_SECRET}
""",
)
t(
    "source",
    "websphere security.xml with alias only",
    r"""
  <authDataEntries xmi:id="JAASAuthData_1" alias="«N:svc»Node01/«N:svc»DBAuth" userId="«N:user»" password="" description="password set by wsadmin from vault at boot"/>
  <authMechanisms xmi:type="security:LTPA" xmi:id="LTPA_1" OID="oid:1.3.18.0.2.30.2" authContextImplClass="com.ibm.ISecurityLocalObjectTokenBaseImpl.WSSecurityContextLTPAImpl" authConfig="system.LTPA" simpleAuthConfig="system.LTPA" authValidationConfig="system.LTPA" timeout="120" keySetGroup="KeySetGroup_«N:svc»Node01_1"/>
""",
)


# --- plain: logs, stack traces, chat, docs, tickets -------------------------------------------------

t(
    "plain",
    "stack trace printing jdbc url with password",
    r"""
«N:logts» ERROR «N:pid» --- [           main] o.s.boot.SpringApplication               : Application run failed

org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'dataSource' defined in class path resource [org/springframework/boot/autoconfigure/jdbc/DataSourceConfiguration$Hikari.class]: Failed to instantiate [com.zaxxer.hikari.HikariDataSource]
Caused by: java.sql.SQLException: Access denied for user '«N:user»'@'«N:ip»' (using password: YES) [url=jdbc:mysql://«N:host»:3306/«N:db»?user=«N:user»&password=«S:spw»&useSSL=false]
	at com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:130)
	at com.mysql.cj.jdbc.ConnectionImpl.createNewIO(ConnectionImpl.java:828)
	at com.zaxxer.hikari.pool.PoolBase.newConnection(PoolBase.java:359)
	... 42 common frames omitted
""",
)
t(
    "plain",
    "hikari config debug dump",
    r"""
«N:logts» DEBUG «N:pid» --- [main] com.zaxxer.hikari.HikariConfig : HikariPool-1 - configuration:
«N:logts» DEBUG «N:pid» --- [main] com.zaxxer.hikari.HikariConfig : connectionTimeout...............30000
«N:logts» DEBUG «N:pid» --- [main] com.zaxxer.hikari.HikariConfig : dataSourceProperties............{password=<masked>}
«N:logts» DEBUG «N:pid» --- [main] com.zaxxer.hikari.HikariConfig : jdbcUrl.........................jdbc:postgresql://«N:host»:5432/«N:db»?user=«N:user»&password=«S:spw»
«N:logts» DEBUG «N:pid» --- [main] com.zaxxer.hikari.HikariConfig : maximumPoolSize.................10
""",
)
t(
    "plain",
    "hibernate bind parameters log",
    r"""
«N:logts» DEBUG 1 --- [nio-8080-exec-4] org.hibernate.SQL : insert into app_user (created_at,email,password,username,id) values (?,?,?,?,?)
«N:logts» TRACE 1 --- [nio-8080-exec-4] org.hibernate.orm.jdbc.bind : binding parameter (1:TIMESTAMP_UTC) <- [«N:ts»]
«N:logts» TRACE 1 --- [nio-8080-exec-4] org.hibernate.orm.jdbc.bind : binding parameter (2:VARCHAR) <- [«N:first»@«N:domain»]
«N:logts» TRACE 1 --- [nio-8080-exec-4] org.hibernate.orm.jdbc.bind : binding parameter (3:VARCHAR) <- [«S:hpw»]
«N:logts» TRACE 1 --- [nio-8080-exec-4] org.hibernate.orm.jdbc.bind : binding parameter (4:VARCHAR) <- [«N:first»]
""",
)
t(
    "plain",
    "old hibernate BasicBinder log of api token column",
    r"""
Hibernate: update integration set access_token=?, refresh_token=?, updated_at=? where id=?
«N:logts» TRACE [http-nio-8080-exec-7] o.h.type.descriptor.sql.BasicBinder - binding parameter [1] as [VARCHAR] - [«S:jwt»]
«N:logts» TRACE [http-nio-8080-exec-7] o.h.type.descriptor.sql.BasicBinder - binding parameter [2] as [VARCHAR] - [«S:refresh»]
«N:logts» TRACE [http-nio-8080-exec-7] o.h.type.descriptor.sql.BasicBinder - binding parameter [3] as [TIMESTAMP] - [«N:logts»]
""",
)
t(
    "plain",
    "spring debug of resttemplate with basic auth",
    r"""
«N:logts» DEBUG 7 --- [scheduling-1] o.s.web.client.RestTemplate : HTTP POST https://api.partner.example/v2/orders
«N:logts» DEBUG 7 --- [scheduling-1] org.apache.http.headers : http-outgoing-3 >> Authorization: Basic «S:basic»
«N:logts» DEBUG 7 --- [scheduling-1] org.apache.http.headers : http-outgoing-3 >> Content-Type: application/json
«N:logts» DEBUG 7 --- [scheduling-1] org.apache.http.headers : http-outgoing-3 << HTTP/1.1 201 Created
""",
)
t(
    "plain",
    "okhttp logging interceptor bearer",
    r"""
«N:logts» I/okhttp.OkHttpClient: --> GET https://api.«N:domain»/v1/me
«N:logts» I/okhttp.OkHttpClient: Authorization: Bearer «S:jwt»
«N:logts» I/okhttp.OkHttpClient: --> END GET
«N:logts» I/okhttp.OkHttpClient: <-- 200 https://api.«N:domain»/v1/me (212ms)
""",
)
t(
    "plain",
    "tomcat catalina.out with system properties",
    r"""
«N:date» INFO [main] org.apache.catalina.startup.VersionLoggerListener.log Server version name:   Apache Tomcat/10.1.«N:num»
«N:date» INFO [main] org.apache.catalina.startup.VersionLoggerListener.log Command line argument: -Xmx2048m
«N:date» INFO [main] org.apache.catalina.startup.VersionLoggerListener.log Command line argument: -Ddb.password=«S:pw»
«N:date» INFO [main] org.apache.catalina.startup.VersionLoggerListener.log Command line argument: -Djavax.net.ssl.trustStorePassword=«S:spw»
«N:date» INFO [main] org.apache.catalina.startup.VersionLoggerListener.log Command line argument: -Dcatalina.base=/opt/tomcat
""",
)
t(
    "plain",
    "wildfly server.log with datasource password in error",
    r"""
«N:logts» ERROR [org.jboss.as.controller.management-operation] (ServerService Thread Pool -- 74) WFLYCTL0013: Operation ("add") failed - address: ([
    ("subsystem" => "datasources"),
    ("data-source" => "«N:svc»DS")
]) - failure description: "WFLYJCA0040: failed to connect with user-name=«N:user» password=«S:pw» to jdbc:postgresql://«N:host»:5432/«N:db»"
""",
)
t(
    "plain",
    "kafka client config dump in logs",
    r"""
«N:logts» INFO  [main] o.a.k.c.producer.ProducerConfig - ProducerConfig values:
	acks = -1
	bootstrap.servers = [«N:host»:9093]
	client.id = «N:svc»-producer-1
	sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="«N:alnum20»" password="«S:alnum64»";
	sasl.mechanism = PLAIN
	security.protocol = SASL_SSL
	ssl.keystore.password = [hidden]
	ssl.truststore.password = [hidden]
""",
)
t(
    "plain",
    "jenkins console log leaking secret by echo",
    r"""
[Pipeline] stage
[Pipeline] { (Deploy)
[Pipeline] sh
+ echo 'deploying with token «S:ghp»'
deploying with token «S:ghp»
+ curl -sf -X POST https://deploy.«N:domain»/hooks/«N:svc» -H 'X-Deploy-Token: «S:hex32»'
[Pipeline] }
[Pipeline] // stage
""",
)
t(
    "plain",
    "jenkins console with masked and unmasked",
    r"""
[Pipeline] withCredentials
Masking supported pattern matches of $NEXUS_PASS
[Pipeline] {
[Pipeline] sh
+ mvn -B deploy -Dnexus.password=****
[INFO] BUILD SUCCESS
[Pipeline] sh
+ set -x
+ export LEGACY_DB_PASSWORD=«S:pw»
+ java -jar migrator.jar
""",
)
t(
    "plain",
    "slack chat sharing keystore password",
    r"""
[10:42] «N:first»: anyone know the password for the prod keystore? tomcat won't start after the cert renewal
[10:44] «N:first»: it's «S:pw» — same for the key entry
[10:44] «N:first»: thanks!! works now
[10:45] «N:first»: pls rotate it after, that one's been around since 2019
""",
)
t(
    "plain",
    "teams message with jenkins admin login",
    r"""
«N:first» 09:12
Jenkins got reset after the upgrade, admin login is admin / «S:pw» until we wire LDAP back in.
«N:first» 09:13
👍 and the API token for the release job is «S:jenkins_token»
""",
)
t(
    "plain",
    "jira ticket with sonar token",
    r"""
OPS-«N:num»: SonarQube analysis failing on «N:svc»-service
Reporter: «N:first» · Priority: Major · Created: «N:date»

Steps: the Jenkins job uses the token below, it returns 401 since yesterday.
sonar.token=«S:sonar»
Expected: analysis uploads. Actual: "Not authorized. Analyzing this project requires authentication."
""",
)
t(
    "plain",
    "readme quickstart with real credentials",
    r"""
## Running locally

1. Start the database: `docker compose up -d db`
2. Use the shared dev account on the staging Keycloak:
   - realm: `«N:svc»`
   - client id: `«N:client_id»`
   - client secret: `«S:kc_secret»`
3. `./mvnw spring-boot:run -Dspring-boot.run.profiles=local`
""",
)
t(
    "plain",
    "confluence runbook weblogic restart",
    r"""
WebLogic restart runbook (prod)
1. ssh oracle@«N:host»
2. cd /u01/oracle/user_projects/domains/«N:svc»_domain/bin
3. ./stopWebLogic.sh   (prompts for user: weblogic, password: «S:pw»)
4. nohup ./startWebLogic.sh > /tmp/wls.out 2>&1 &
5. Console: https://«N:host»:7002/console
""",
)
t(
    "plain",
    "email with nexus deploy credentials",
    r"""
From: «N:first»@«N:domain»
To: «N:first»@«N:domain»
Subject: Nexus deploy user for the «N:svc» team
Date: «N:date»

Hi,
as discussed the deploy user for the new repository is ready:
  user: «N:svc»-deployer
  password: «S:pw»
Please put it in your ~/.m2/settings.xml and not in the pom.
Cheers
""",
)
t(
    "plain",
    "spring boot failure analysis showing property value",
    r"""
***************************
APPLICATION FAILED TO START
***************************

Description:

Failed to bind properties under 'app.partner' to com.acme.«N:svc».config.PartnerProperties:

    Property: app.partner.api-key
    Value: "«S:alnum40»"
    Origin: System Environment Property "APP_PARTNER_APIKEY"
    Reason: must match "^pk_[A-Za-z0-9]+$"

Action:

Update your application's configuration
""",
)
t(
    "plain",
    "gradle --info output with proxy password",
    r"""
Initialized native services in: /home/«N:first»/.gradle/native
Using 4 worker leases.
Starting Build
Settings evaluated using settings file '/home/«N:first»/«N:svc»/settings.gradle.kts'.
System property 'http.proxyUser' = '«N:user»'
System property 'http.proxyPassword' = '«S:pw»'
Resource missing. [HTTP GET: https://repo.maven.apache.org/maven2/org/jasypt/jasypt/1.9.3/jasypt-1.9.3.pom]
""",
)
t(
    "plain",
    "maven debug output with server password",
    r"""
[DEBUG] Reading user settings from /home/«N:first»/.m2/settings.xml
[DEBUG] Using connector BasicRepositoryConnector with priority 0.0 for https://nexus.«N:domain»/repository/maven-releases/ with username=«N:user», password=«S:pw»
[DEBUG] Using transporter HttpTransporter with priority 5.0 for https://nexus.«N:domain»/repository/maven-releases/
""",
)
t(
    "plain",
    "ldap authentication exception with bind password",
    r"""
«N:logts» WARN  o.s.s.l.a.BindAuthenticator - Failed to bind as cn=«N:svc»-bind,ou=services,dc=acme,dc=com: javax.naming.AuthenticationException: [LDAP: error code 49 - 80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563]
«N:logts» DEBUG o.s.l.c.s.AbstractContextSource - Env: {java.naming.security.credentials=«S:pw», java.naming.security.principal=cn=«N:svc»-bind,ou=services,dc=acme,dc=com, java.naming.provider.url=ldaps://ldap.«N:domain»:636}
""",
)
t(
    "plain",
    "keycloak event log with client secret in request dump",
    r"""
«N:logts» WARN  [org.keycloak.events] (executor-thread-12) type="CLIENT_LOGIN_ERROR", realmId="«N:uuid»", realmName="«N:svc»", clientId="«N:client_id»", userId="null", ipAddress="«N:ip»", error="invalid_client_credentials", grant_type="client_credentials"
«N:logts» DEBUG [org.keycloak.protocol.oidc] (executor-thread-12) form params: grant_type=client_credentials&client_id=«N:client_id»&client_secret=«S:kc_secret»
""",
)
t(
    "plain",
    "actuator env output text dump unmasked",
    r"""
GET /actuator/env/spring.datasource.password
property: spring.datasource.password
  source: Config resource 'class path resource [application-prod.yml]' via location 'optional:classpath:/'
  value: «S:pw»
activeProfiles: prod
""",
)
t(
    "plain",
    "heapdump strings output",
    r"""
$ strings heapdump.hprof | grep -E 'password=|Bearer ' | sort -u | head
Bearer «S:jwt»
spring.datasource.password=«S:pw»
password=«S:pw»
""",
)
t(
    "plain",
    "thread dump with connection string",
    r"""
"pool-3-thread-1" #«N:num» prio=5 os_prio=0 tid=0x00007f«N:span» nid=0x«N:hex7» runnable
   java.lang.Thread.State: RUNNABLE
	at java.net.SocketInputStream.socketRead0(Native Method)
	at oracle.jdbc.driver.T4CConnection.logon(T4CConnection.java:501)
	- locked <0x00000006c0a1> (a oracle.jdbc.driver.T4CConnection) url=jdbc:oracle:thin:«N:user»/«S:spw»@«N:host»:1521/«N:db»
""",
)
t(
    "plain",
    "stackoverflow style question with settings.xml",
    r"""
Maven can't authenticate against our Artifactory (401), here's my settings.xml:

    <server>
      <id>central</id>
      <username>«N:user»</username>
      <password>«S:artifactory_ref»</password>
    </server>

and the mirror points to https://«N:svc».jfrog.io/artifactory/api/maven/maven-remote. What am I missing?
""",
)
t(
    "plain",
    "agent reply summarizing config",
    r"""
I looked at `src/main/resources/application-prod.yml`. The datasource points at `«N:host»` with user `«N:user»` and the password is hard-coded as `«S:pw»`; the SMTP password (`«S:pw»`) is hard-coded too. I suggest moving both to environment variables (`${DB_PASSWORD}`, `${SMTP_PASSWORD}`) and rotating them.
""",
)
t(
    "plain",
    "release notes accidentally with key",
    r"""
## «N:ver» - «N:date»
### Fixed
- Retry partner webhook on 503 (#«N:num»)
- Use the new Maps key for the Android build: «S:gapi»
### Changed
- Bump spring-boot to 3.2.«N:num»
""",
)
t(
    "plain",
    "tomcat manager 401 with curl credential echo",
    r"""
«N:ip» - - [«N:logts»] "GET /manager/text/deploy?path=/«N:svc»&war=file:/tmp/«N:svc».war HTTP/1.1" 401 2473
# retried with: curl -u deployer:«S:pw» "http://localhost:8080/manager/text/deploy?path=/«N:svc»&update=true" -T «N:svc».war
OK - Deployed application at context path [/«N:svc»]
""",
)
t(
    "plain",
    "websphere systemout with xor password echo",
    r"""
[«N:date»] 00000001 WsServerImpl  A   WSVR0001I: Server server1 open for e-business
[«N:date»] 0000002a ConnectionFac W   J2CA0294W: Deprecated usage of direct JNDI lookup of resource jdbc/«N:svc»DS.
[«N:date»] 0000002a J2CUtilityCla E   J2CA0036E: authData «N:svc»Node01/«N:svc»DBAuth userId «N:user» password «S:pw|xor» rejected by database
""",
)
t(
    "plain",
    "jasypt decrypt output in chat",
    r"""
«N:first»: ran `java -cp jasypt-1.9.3.jar org.jasypt.intf.cli.JasyptPBEStringDecryptionCLI input="«N:jasypt»" password=$MASTER algorithm=PBEWithMD5AndDES`
----ENVIRONMENT-----------------
Runtime: Eclipse Adoptium OpenJDK 64-Bit Server VM 17.0.9+9
----ARGUMENTS-------------------
algorithm: PBEWithMD5AndDES
----OUTPUT----------------------
«S:pw»
""",
)
t(
    "plain",
    "sbt publish debug with credentials",
    r"""
[debug] Publishing to https://nexus.«N:domain»/repository/maven-releases/
[debug] Credentials: DirectCredentials("Sonatype Nexus Repository Manager", "nexus.«N:domain»", "«N:user»", "«S:pw»")
[info] 	published «N:svc»_2.13 to https://nexus.«N:domain»/repository/maven-releases/com/acme/«N:svc»_2.13/«N:ver»/«N:svc»_2.13-«N:ver».jar
""",
)
t(
    "plain",
    "elastic java client debug with api key header",
    r"""
«N:logts» DEBUG [I/O dispatcher 1] org.apache.http.headers: http-outgoing-0 >> POST /«N:svc»-logs/_bulk HTTP/1.1
«N:logts» DEBUG [I/O dispatcher 1] org.apache.http.headers: http-outgoing-0 >> Authorization: ApiKey «S:es_api_key»
«N:logts» DEBUG [I/O dispatcher 1] org.apache.http.headers: http-outgoing-0 << HTTP/1.1 200 OK
""",
)
t(
    "plain",
    "feign client full logging",
    r"""
«N:logts» DEBUG [«N:svc»,«N:trace»,«N:span»] c.a.«N:svc».client.PaymentsClient : [PaymentsClient#charge] ---> POST https://api.stripe.com/v1/charges HTTP/1.1
«N:logts» DEBUG [«N:svc»,«N:trace»,«N:span»] c.a.«N:svc».client.PaymentsClient : [PaymentsClient#charge] Authorization: Bearer «S:sk_live»
«N:logts» DEBUG [«N:svc»,«N:trace»,«N:span»] c.a.«N:svc».client.PaymentsClient : [PaymentsClient#charge] Content-Type: application/x-www-form-urlencoded
«N:logts» DEBUG [«N:svc»,«N:trace»,«N:span»] c.a.«N:svc».client.PaymentsClient : [PaymentsClient#charge] <--- HTTP/1.1 200 OK (412ms)
""",
)
t(
    "plain",
    "spring cloud config server log with git credentials",
    r"""
«N:logts»  INFO 1 --- [nio-8888-exec-1] o.s.c.c.s.e.NativeEnvironmentRepository : Adding property source: Config resource 'file [/tmp/config-repo-«N:num»/«N:svc»-prod.yml]' via location 'file:/tmp/config-repo-«N:num»/'
«N:logts»  WARN 1 --- [nio-8888-exec-1] o.s.c.c.s.e.JGitEnvironmentRepository : Could not fetch remote for main remote: https://«N:user»:«S:ghp»@github.com/acme/«N:svc»-config.git
""",
)
t(
    "plain",
    "zookeeper log with digest credentials",
    r"""
«N:logts» [myid:1] - INFO  [NIOWorkerThread-3:AuthenticationHelper@98] - Authentication scheme: digest; adding authInfo kafka:«S:spw» for session 0x«N:span»
«N:logts» [myid:1] - WARN  [NIOWorkerThread-3:NIOServerCnxn@373] - Close of session 0x«N:span»
""",
)
t(
    "plain",
    "docs table of environment with values",
    r"""
| Environment | JDBC user | JDBC password | Keycloak client secret |
|-------------|-----------|---------------|------------------------|
| staging     | «N:user»  | «S:pw»        | «S:kc_secret»          |
| prod        | «N:user»  | (vault)       | (vault)                |
""",
)
t(
    "plain",
    "ide log with run configuration password",
    r"""
«N:logts» [  12345]   INFO - #c.i.e.r.ExecutionManagerImpl - Starting process: /usr/lib/jvm/temurin-21/bin/java -agentlib:jdwp=transport=dt_socket,server=n,address=127.0.0.1:«N:pid»,suspend=y -Dspring.datasource.password=«S:pw» -Dspring.profiles.active=prod -classpath «N:svc»/target/classes com.acme.«N:svc».Application
""",
)
t(
    "plain",
    "glassfish server.log asadmin echo",
    r"""
[«N:ts»] [Payara 6.2024.«N:num»] [INFO] [NCLS-ADMIN-00010] [javax.enterprise.system.tools.admin] [tid: _ThreadID=«N:num»] [[
  Command create-jdbc-connection-pool --property user=«N:user»:password=«S:spw»:url=jdbc\:postgresql\://«N:host»\:5432/«N:db» «N:svc»Pool executed successfully.]]
""",
)
t(
    "plain",
    "tomcat startup log of context resource",
    r"""
«N:date» SEVERE [main] org.apache.catalina.core.NamingContextListener.addResource naming.bindFailed
	javax.naming.NamingException: Could not create resource factory instance [Root exception is java.lang.ClassNotFoundException: org.apache.tomcat.dbcp.dbcp2.BasicDataSourceFactory]
	ResourceRef[className=javax.sql.DataSource,factoryClassLocation=null,factoryClassName=org.apache.naming.factory.ResourceFactory,{type=auth,content=Container},{type=username,content=«N:user»},{type=password,content=«S:pw»},{type=url,content=jdbc:mysql://«N:host»:3306/«N:db»}]
""",
)
t(
    "plain",
    "hazelcast management center log",
    r"""
«N:logts» INFO  c.h.w.s.s.DevModeSecurityProvider - Cluster connection config: name=«N:svc»-prod, members=[«N:ip»:5701], credentials=UsernamePasswordCredentials{name=«N:svc»-member, password=«S:pw»}
""",
)
t(
    "plain",
    "jmx authentication debug",
    r"""
«N:logts» FINEST javax.management.remote.misc: RMIServerImpl.newClient: credentials = [controlRole, «S:spw»]
«N:logts» FINE   javax.management.remote.rmi: connectionId=rmi://«N:ip»  controlRole «N:num»
""",
)
t(
    "plain",
    "seed phrase in java dev notes",
    r"""
web3j wallet for the staging payout job (do not use in prod)
address: 0x«N:sha1»
mnemonic: «S:seed»
derivation path: m/44'/60'/0'/0/0
""",
)
t(
    "plain",
    "private key pasted in ticket",
    r"""
SUP-«N:num» — partner SFTP connection from «N:svc»-batch refused
The key the job loads (from /opt/«N:svc»/keys/partner_rsa) is:

«S:rsa_key»

Fingerprint on their side: «N:fp_sha256»
""",
)
t(
    "plain",
    "commit message with leaked password",
    r"""
commit «N:commit»
Author: «N:first» <«N:first»@«N:domain»>
Date:   «N:date»

    Fix prod datasource (password is «S:pw» now, DBA rotated it)

 src/main/resources/application-prod.properties | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)
""",
)
t(
    "plain",
    "diff hunk replacing password",
    r"""
--- a/src/main/resources/application-prod.properties
+++ b/src/main/resources/application-prod.properties
@@ -3,7 +3,7 @@ spring.datasource.url=jdbc:postgresql://«N:host»:5432/«N:db»
 spring.datasource.username=«N:user»
-spring.datasource.password=«S:pw»
+spring.datasource.password=«S:pw»
 spring.jpa.open-in-view=false
""",
)
t(
    "plain",
    "grep -rn hits of passwords in repo",
    r"""
src/main/resources/application.properties:4:spring.datasource.password=«S:pw»
src/main/webapp/META-INF/context.xml:7:              username="«N:user»" password="«S:pw»"
src/test/resources/application-test.properties:3:spring.datasource.password=test
ops/tomcat/conf/tomcat-users.xml:21:  <user username="admin" password="«S:pw»" roles="manager-gui"/>
""",
)
t(
    "plain",
    "cat -n of properties file",
    r"""
     1	# partner integration
     2	partner.base-url=https://api.partner.example/v3
     3	partner.client-id=«N:client_id»
     4	partner.client-secret=«S:alnum40»
     5	partner.timeout=PT10S
     6	partner.webhook.signing-secret=«S:hex64»
""",
)
t(
    "plain",
    "hikari debug with masked password",
    r"""
«N:logts» DEBUG «N:pid» --- [main] com.zaxxer.hikari.HikariConfig : HikariPool-1 - configuration:
«N:logts» DEBUG «N:pid» --- [main] com.zaxxer.hikari.HikariConfig : jdbcUrl.........................jdbc:postgresql://«N:host»:5432/«N:db»
«N:logts» DEBUG «N:pid» --- [main] com.zaxxer.hikari.HikariConfig : password........................<masked>
«N:logts» DEBUG «N:pid» --- [main] com.zaxxer.hikari.HikariConfig : username........................"«N:user»"
«N:logts» DEBUG «N:pid» --- [main] com.zaxxer.hikari.HikariConfig : poolName........................"HikariPool-1"
""",
)
t(
    "plain",
    "kafka config dump all hidden",
    r"""
«N:logts» INFO  [main] o.a.k.c.consumer.ConsumerConfig - ConsumerConfig values:
	bootstrap.servers = [«N:host»:9093]
	group.id = «N:svc»-consumers
	sasl.jaas.config = [hidden]
	sasl.mechanism = SCRAM-SHA-512
	security.protocol = SASL_SSL
	ssl.key.password = null
	ssl.keystore.password = [hidden]
	ssl.truststore.location = /etc/kafka/truststore.jks
	ssl.truststore.password = [hidden]
""",
)
t(
    "plain",
    "access denied stack trace without password",
    r"""
«N:logts» ERROR «N:pid» --- [main] com.zaxxer.hikari.pool.HikariPool : HikariPool-1 - Exception during pool initialization.
org.postgresql.util.PSQLException: FATAL: password authentication failed for user "«N:user»"
	at org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)
	at org.postgresql.core.v3.ConnectionFactoryImpl.tryConnect(ConnectionFactoryImpl.java:203)
	at org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:258)
	at org.postgresql.Driver.makeConnection(Driver.java:443)
	at com.zaxxer.hikari.util.DriverDataSource.getConnection(DriverDataSource.java:138)
""",
)
t(
    "plain",
    "hibernate bind log with bcrypt hash",
    r"""
«N:logts» DEBUG 1 --- [nio-8080-exec-2] org.hibernate.SQL : insert into app_user (email,password_hash,username,id) values (?,?,?,?)
«N:logts» TRACE 1 --- [nio-8080-exec-2] org.hibernate.orm.jdbc.bind : binding parameter (1:VARCHAR) <- [«N:first»@«N:domain»]
«N:logts» TRACE 1 --- [nio-8080-exec-2] org.hibernate.orm.jdbc.bind : binding parameter (2:VARCHAR) <- [{bcrypt}«N:bcrypt»]
«N:logts» TRACE 1 --- [nio-8080-exec-2] org.hibernate.orm.jdbc.bind : binding parameter (3:VARCHAR) <- [«N:first»]
«N:logts» TRACE 1 --- [nio-8080-exec-2] org.hibernate.orm.jdbc.bind : binding parameter (4:UUID) <- [«N:uuid»]
""",
)
t(
    "plain",
    "jenkins console fully masked",
    r"""
[Pipeline] withCredentials
Masking supported pattern matches of $NEXUS_PASS or $SONAR_TOKEN
[Pipeline] {
[Pipeline] sh
+ mvn -B -s /home/jenkins/agent/workspace/«N:svc»@tmp/secretFiles/«N:uuid»/settings.xml deploy -Dsonar.token=****
[INFO] Uploaded to nexus: https://nexus.«N:domain»/repository/maven-releases/com/acme/«N:svc»/«N:ver»/«N:svc»-«N:ver».jar
[INFO] BUILD SUCCESS
[Pipeline] }
[Pipeline] // withCredentials
Finished: SUCCESS
""",
)
t(
    "plain",
    "spring boot startup with generated password warning",
    r"""
«N:logts»  WARN «N:pid» --- [main] .s.s.UserDetailsServiceAutoConfiguration :

Using generated security password: «S:uuid»

This generated password is for development use only. Your security configuration must be updated before running your application in production.
""",
)
t(
    "plain",
    "maven build output with checksums",
    r"""
[INFO] --- maven-install-plugin:3.1.1:install (default-install) @ «N:svc»-service ---
[INFO] Installing /home/ci/«N:svc»/pom.xml to /home/ci/.m2/repository/com/acme/«N:svc»-service/«N:ver»/«N:svc»-service-«N:ver».pom
[INFO] --- maven-deploy-plugin:3.1.1:deploy (default-deploy) @ «N:svc»-service ---
Uploaded to releases: https://nexus.«N:domain»/repository/maven-releases/com/acme/«N:svc»-service/«N:ver»/«N:svc»-service-«N:ver».jar.sha1 (40 B at 1.1 kB/s)
Uploaded to releases: https://nexus.«N:domain»/repository/maven-releases/com/acme/«N:svc»-service/«N:ver»/«N:svc»-service-«N:ver».jar.md5 (32 B at 0.9 kB/s)
[INFO] «N:sha1»  «N:svc»-service-«N:ver».jar
""",
)
t(
    "plain",
    "gradle build scan and dependency hashes",
    r"""
> Task :app:dependencies
runtimeClasspath - Runtime classpath of source set 'main'.
+--- org.springframework.boot:spring-boot-starter-security -> 3.2.«N:num»
|    +--- org.springframework.security:spring-security-config:6.2.1
|    \--- org.springframework.security:spring-security-web:6.2.1
\--- com.github.ulisesbocchio:jasypt-spring-boot-starter:3.0.5

BUILD SUCCESSFUL in 9s
Publishing build scan...
«N:scan»
""",
)
t(
    "plain",
    "keycloak log with client id and session ids",
    r"""
«N:logts» INFO  [org.keycloak.events] (executor-thread-3) type="LOGIN", realmId="«N:uuid»", realmName="«N:svc»", clientId="«N:client_id»", userId="«N:uuid»", sessionId="«N:uuid»", ipAddress="«N:ip»", auth_method="openid-connect", auth_type="code", response_type="code", redirect_uri="https://«N:svc».«N:domain»/login/oauth2/code/keycloak", code_id="«N:uuid»", username="«N:first»"
""",
)
t(
    "plain",
    "docs about jasypt usage",
    r"""
### Encrypted properties
We use Jasypt. Encrypt a value with

    mvn jasypt:encrypt-value -Djasypt.encryptor.password="$JASYPT_ENCRYPTOR_PASSWORD" -Djasypt.plugin.value="the-value"

and paste the output as `ENC(...)`, for example:

    spring.datasource.password=«N:jasypt»

The master password lives in Vault under `secret/«N:svc»/jasypt` and is injected as `JASYPT_ENCRYPTOR_PASSWORD`.
""",
)
t(
    "plain",
    "runbook with vault references",
    r"""
Rotating the «N:svc» DB password
1. `vault kv patch secret/«N:svc»/prod db_password=$(openssl rand -base64 24)`
2. `ALTER USER «N:user» WITH PASSWORD '...';` in psql (use the value from step 1)
3. `kubectl rollout restart deploy/«N:svc» -n «N:svc»`
4. Check `/actuator/health/db` shows UP.
Never paste the password in Slack or Jira.
""",
)
t(
    "plain",
    "chat about rotation with key ids",
    r"""
[14:02] «N:first»: rotated the Jenkins → Nexus creds, new credential id is `nexus-deploy-2026`
[14:03] «N:first»: old AWS key «N:akia» deactivated, new one is in Vault
[14:03] «N:first»: the GPG signing key is still «N:gpgid», fingerprint «N:fpr»
[14:05] «N:first»: 👍 I'll update the Jenkinsfile to credentialsId: 'nexus-deploy-2026'
""",
)
t(
    "plain",
    "spring actuator health output",
    r"""
{"status":"UP","components":{"db":{"status":"UP","details":{"database":"PostgreSQL","validationQuery":"isValid()"}},"diskSpace":{"status":"UP","details":{"total":«N:epoch»,"free":«N:epoch»,"threshold":10485760,"path":"/app/.","exists":true}},"ping":{"status":"UP"}}}
""",
)
t(
    "plain",
    "tomcat access log with session ids",
    r"""
«N:ip» - - [«N:logts»] "POST /«N:svc»/login HTTP/1.1" 302 - "-" "Mozilla/5.0"
«N:ip» - «N:first» [«N:logts»] "GET /«N:svc»/api/orders?page=2 HTTP/1.1" 200 18422 «N:ms»ms
«N:ip» - - [«N:logts»] "GET /«N:svc»/actuator/health HTTP/1.1" 200 15 2ms
""",
)
t(
    "plain",
    "javadoc of token service",
    r"""
/**
 * Issues and verifies API tokens.
 * <p>
 * Tokens are signed with the key under alias {@code «N:svc»-signing} in the keystore configured by
 * {@code app.security.keystore-location}; its password comes from {@code APP_KEYSTORE_PASSWORD}.
 * The {@link PasswordEncoder} is only used for user passwords, never for tokens.
 *
 * @see SecretKeySpec
 * @see TokenRepository#findByHash(String)
 */
""",
)
t(
    "plain",
    "error message naming missing secret",
    r"""
«N:logts» ERROR «N:pid» --- [main] o.s.boot.SpringApplication : Application run failed
java.lang.IllegalStateException: Required property 'app.security.jwt.secret' is not set. Set APP_SECURITY_JWT_SECRET or add it to the Vault path secret/«N:svc»/jwt
	at com.acme.«N:svc».config.JwtConfig.secretKey(JwtConfig.java:41)
	at com.acme.«N:svc».config.JwtConfig$$SpringCGLIB$$0.CGLIB$secretKey$0(<generated>)
""",
)
t(
    "plain",
    "jvm flags printed without secrets",
    r"""
VM Arguments:
jvm_args: -Xms512m -Xmx2g -XX:+UseG1GC -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=/var/log/«N:svc» -Djava.security.egd=file:/dev/./urandom -Djavax.net.ssl.keyStore=/etc/«N:svc»/keystore.p12 -Djavax.net.ssl.keyStoreType=PKCS12 -Dspring.profiles.active=prod
java_command: /opt/«N:svc»/app.jar
Launcher Type: SUN_STANDARD
""",
)
t(
    "plain",
    "artifact checksums listing",
    r"""
«N:svc»-service-«N:ver».jar
  sha1:   «N:sha1»
  sha256: «N:sha256»
  sha512: «N:sha512»
  md5:    «N:md5»
«N:svc»-service-«N:ver».pom
  sha1:   «N:sha1»
""",
)
t(
    "plain",
    "jenkins credential ids in docs",
    r"""
| Credential id   | Kind              | Used by                       |
|-----------------|-------------------|-------------------------------|
| nexus-deploy    | Username/password | Maven deploy stage            |
| sonar-token     | Secret text       | Sonar analysis                |
| deploy-key      | SSH private key   | `sshagent(['deploy-key'])`    |
| keystore-file   | Secret file       | Android signing               |
""",
)
t(
    "plain",
    "placeholder credentials in docs",
    r"""
Add this to `~/.m2/settings.xml`:

    <server>
      <id>nexus-releases</id>
      <username>YOUR_USERNAME</username>
      <password>YOUR_PASSWORD</password>
    </server>

and in `gradle.properties`: `nexusUsername=<username>` and `nexusPassword=<password>` (never commit these).
""",
)
t(
    "plain",
    "wildfly log with vault resolution",
    r"""
«N:logts» INFO  [org.jboss.security] (MSC service thread 1-3) PBOX00361: Default Security Vault Implementation Initialized and Ready
«N:logts» INFO  [org.jboss.as.connector.subsystems.datasources] (MSC service thread 1-5) WFLYJCA0001: Bound data source [java:jboss/datasources/«N:svc»DS]
«N:logts» INFO  [org.wildfly.security] (ServerService Thread Pool -- 24) ELY00001: WildFly Elytron version 2.2.«N:num».Final
«N:logts» INFO  [org.jboss.as] (Controller Boot Thread) WFLYSRV0025: WildFly Full 30.0.1.Final (WildFly Core 22.0.2.Final) started in 8213ms
""",
)
t(
    "plain",
    "weblogic log with encrypted credentials note",
    r"""
<«N:date»> <Notice> <Security> <BEA-090082> <Security initialized using administrative security realm: myrealm>
<«N:date»> <Notice> <Security> <BEA-090083> <Storing boot identity in the file: /u01/oracle/user_projects/domains/«N:svc»_domain/servers/AdminServer/security/boot.properties>
<«N:date»> <Info> <JDBC> <BEA-001516> <Data source connection pool "«N:svc»DS" connected to Database: "Oracle", Version: "19.0.0.0.0".>
""",
)
t(
    "plain",
    "oauth2 error without credentials",
    r"""
«N:logts» WARN  «N:pid» --- [nio-8080-exec-9] o.s.s.o.c.w.OAuth2LoginAuthenticationFilter : Authentication request failed: org.springframework.security.oauth2.core.OAuth2AuthenticationException: [invalid_token_response] An error occurred while attempting to retrieve the OAuth 2.0 Access Token Response: 401 Unauthorized: "{"error":"invalid_client","error_description":"Invalid client or Invalid client credentials"}"
""",
)
t(
    "plain",
    "certificate and public key in docs",
    r"""
Partner CA certificate (import into truststore.jks with alias partner-ca):

«N:cert»

Their token-signing public key:

«N:pubkey»
""",
)
t(
    "plain",
    "jvm ssl debug handshake",
    r"""
javax.net.ssl|DEBUG|10|main|«N:logts» UTC|SSLCipher.java:1849|KeyLimit read side: algorithm = AES/GCM/NOPADDING:KEYUPDATE
countdown value = 137438953472
javax.net.ssl|DEBUG|10|main|«N:logts» UTC|X509Authentication.java:304|No X.509 cert selected for RSA
javax.net.ssl|DEBUG|10|main|«N:logts» UTC|CertificateMessage.java:1098|Consuming server Certificate handshake message (
"Certificates": [
  "certificate" : {
    "version"            : "v3",
    "serial number"      : "«N:sha1»",
    "signature algorithm": "SHA256withRSA",
    "subject"            : "CN=«N:svc».«N:domain»",
""",
)
t(
    "plain",
    "sha256 of jar in release mail",
    r"""
Hi all,
«N:svc»-service «N:ver» is released to Nexus.
  jar sha256: «N:sha256»
  signed by:  «N:gpgid» (Acme Release Bot)
  git commit: «N:commit»
  build scan: «N:scan»
""",
)
t(
    "plain",
    "grep showing references only",
    r"""
src/main/resources/application.yml:12:    password: ${DB_PASSWORD}
src/main/resources/application.yml:31:      client-secret: ${GITHUB_CLIENT_SECRET}
src/main/java/com/acme/«N:svc»/config/VaultConfig.java:22:        return vault.read("secret/data/«N:svc»/db").getData().get("password");
Jenkinsfile:14:    withCredentials([string(credentialsId: 'sonar-token', variable: 'SONAR_TOKEN')]) {
""",
)
t(
    "plain",
    "diff swapping literal for reference",
    r"""
--- a/src/main/resources/application-prod.yml
+++ b/src/main/resources/application-prod.yml
@@ -5,5 +5,5 @@ spring:
   datasource:
     url: jdbc:postgresql://«N:host»:5432/«N:db»
     username: «N:user»
-    password: ${DB_PASSWORD:}
+    password: «N:jasypt»
""",
)
t(
    "plain",
    "zookeeper log without secrets",
    r"""
«N:logts» [myid:2] - INFO  [QuorumPeer[myid=2](plain=0.0.0.0:2181)(secure=disabled):QuorumPeer@1374] - FOLLOWING
«N:logts» [myid:2] - INFO  [QuorumPeer[myid=2]:Learner@391] - Getting a snapshot from leader 0x«N:span»
«N:logts» [myid:2] - INFO  [NIOWorkerThread-1:SaslServerCallbackHandler@120] - Successfully authenticated client: authenticationID=kafka;  authorizationID=kafka.
""",
)
t(
    "plain",
    "jasypt cli encrypt output",
    r"""
----ENVIRONMENT-----------------
Runtime: Eclipse Adoptium OpenJDK 64-Bit Server VM 17.0.9+9
----ARGUMENTS-------------------
algorithm: PBEWITHHMACSHA512ANDAES_256
input: (read from stdin)
password: (read from JASYPT_PASSWORD)
ivGeneratorClassName: org.jasypt.iv.RandomIvGenerator
----OUTPUT----------------------
«N:b64_48»
""",
)
t(
    "plain",
    "masked actuator env text",
    r"""
spring.datasource.password: ******
spring.security.oauth2.client.registration.github.client-secret: ******
jasypt.encryptor.password: ******
app.partner.api-key: ******
server.port: 8080
""",
)
t(
    "plain",
    "code review comment about secrets",
    r"""
«N:first» commented on `src/main/resources/application.yml` line 14:
> Please don't put the actual `client-secret` here; use `${KEYCLOAK_CLIENT_SECRET}` and add it to the `«N:svc»-oidc` Kubernetes secret. The value for staging is already in Vault at `secret/«N:svc»/staging/oidc`.
«N:first» replied:
> Done in «N:hex7», the yml now only has the placeholder.
""",
)
t(
    "plain",
    "jmx rmi log with principal only",
    r"""
«N:logts» INFO  sun.management.jmxremote: JMX Connector ready at: service:jmx:rmi:///jndi/rmi://«N:host»:9010/jmxrmi
«N:logts» INFO  javax.management.remote.rmi: RMIConnectionImpl: connectionId=rmi://«N:ip» controlRole «N:num», Subject: [JMXPrincipal: controlRole]
""",
)
t(
    "plain",
    "keystore aliases and fingerprints",
    r"""
Alias name: «N:svc»-tls
Creation date: Jan 12, 2026
Entry type: PrivateKeyEntry
Certificate chain length: 2
Certificate[1]:
Owner: CN=«N:svc».«N:domain»
Serial number: «N:md5»
Valid from: Mon Jan 12 09:00:00 UTC 2026 until: Thu Apr 12 08:59:59 UTC 2026
Certificate fingerprints:
	 SHA1: «N:colon_fp»
	 SHA256: «N:colon_fp»
Signature algorithm name: SHA256withRSA
Subject Public Key Algorithm: 2048-bit RSA key
""",
)


# --- url: JDBC, actuator, JMX, repository and webhook URLs --------------------------------------

t(
    "url",
    "jdbc mysql url with password parameter",
    r"""
jdbc:mysql://«N:host»:3306/«N:db»?user=«N:user»&password=«S:spw»&useSSL=true&serverTimezone=UTC
""",
)
t(
    "url",
    "jdbc postgresql url with password parameter",
    r"""
jdbc:postgresql://«N:host»:5432/«N:db»?user=«N:user»&password=«S:pw|url»&sslmode=require&ApplicationName=«N:svc»
""",
)
t(
    "url",
    "jdbc oracle thin with user/password",
    r"""
jdbc:oracle:thin:«N:user»/«S:spw»@//«N:host»:1521/«N:db»
""",
)
t(
    "url",
    "jdbc sqlserver with password property",
    r"""
jdbc:sqlserver://«N:host»:1433;databaseName=«N:db»;user=«N:user»;password=«S:spw»;encrypt=true;trustServerCertificate=false;loginTimeout=30;
""",
)
t(
    "url",
    "jdbc db2 url with password",
    r"""
jdbc:db2://«N:host»:50000/«N:db»:user=«N:user»;password=«S:spw»;sslConnection=true;
""",
)
t(
    "url",
    "jdbc mariadb url with userinfo",
    r"""
jdbc:mariadb://«N:user»:«S:pw|url»@«N:host»:3306/«N:db»?useSsl=true
""",
)
t(
    "url",
    "jdbc h2 remote with password",
    r"""
jdbc:h2:tcp://«N:host»:9092/~/«N:db»;USER=sa;PASSWORD=«S:spw»;MODE=Oracle
""",
)
t(
    "url",
    "jdbc snowflake with password",
    r"""
jdbc:snowflake://«N:alnum20».eu-central-1.snowflakecomputing.com/?user=«N:user»&password=«S:spw»&warehouse=ANALYTICS_WH&db=«N:db»&role=REPORTER
""",
)
t(
    "url",
    "jdbc clickhouse url",
    r"""
jdbc:clickhouse://«N:host»:8443/«N:db»?ssl=true&user=default&password=«S:spw»&compress=1
""",
)
t(
    "url",
    "mongodb uri for spring data",
    r"""
mongodb+srv://«N:user»:«S:pw|url»@cluster0.«N:alnum20».mongodb.net/«N:db»?retryWrites=true&w=majority&appName=«N:svc»
""",
)
t(
    "url",
    "redis url for lettuce",
    r"""
rediss://default:«S:alnum32»@redis-«N:num».c«N:num».eu-west-1-2.ec2.redns.redis-cloud.com:6380/0
""",
)
t(
    "url",
    "amqp url for spring rabbit",
    r"""
amqps://«N:svc»:«S:pw|url»@rabbit.«N:domain»:5671/%2F«N:svc»?heartbeat=30
""",
)
t(
    "url",
    "nexus repository url with userinfo",
    r"""
https://«N:user»:«S:pw|url»@nexus.«N:domain»/repository/maven-releases/com/acme/«N:svc»/«N:ver»/«N:svc»-«N:ver».jar
""",
)
t(
    "url",
    "artifactory url with api key param",
    r"""
https://«N:svc».jfrog.io/artifactory/api/npm/npm-remote/-/@acme/ui/-/ui-«N:ver».tgz?apiKey=«S:artifactory_key»
""",
)
t(
    "url",
    "github packages maven url with token",
    r"""
https://x-access-token:«S:ghp»@maven.pkg.github.com/acme/«N:svc»-commons
""",
)
t(
    "url",
    "jenkins trigger url with token",
    r"""
https://jenkins.«N:domain»/job/«N:svc»-deploy/buildWithParameters?token=«S:alnum32»&ENV=prod&VERSION=«N:ver»
""",
)
t(
    "url",
    "jenkins url with api token userinfo",
    r"""
https://«N:user»:«S:jenkins_token»@jenkins.«N:domain»/job/«N:svc»/lastSuccessfulBuild/artifact/target/«N:svc»-«N:ver».war
""",
)
t(
    "url",
    "jmx service url with credentials in query",
    r"""
service:jmx:rmi:///jndi/rmi://«N:host»:9010/jmxrmi?user=controlRole&password=«S:spw»
""",
)
t(
    "url",
    "jolokia url with basic userinfo",
    r"""
https://jolokia:«S:spw»@«N:host»:8778/jolokia/read/java.lang:type=Memory/HeapMemoryUsage
""",
)
t(
    "url",
    "actuator url with basic auth",
    r"""
https://actuator:«S:pw|url»@«N:svc».«N:domain»/manage/env?pattern=spring.datasource.*
""",
)
t(
    "url",
    "tomcat manager url with credentials",
    r"""
http://deployer:«S:pw|url»@«N:host»:8080/manager/text/deploy?path=/«N:svc»&update=true
""",
)
t(
    "url",
    "keycloak token endpoint with client secret in query",
    r"""
https://sso.«N:domain»/realms/«N:svc»/protocol/openid-connect/token?grant_type=client_credentials&client_id=«N:client_id»&client_secret=«S:kc_secret»
""",
)
t(
    "url",
    "oauth callback with code and access token fragment",
    r"""
https://«N:svc».«N:domain»/callback#access_token=«S:jwt»&token_type=Bearer&expires_in=300&session_state=«N:uuid»
""",
)
t(
    "url",
    "slack webhook url",
    r"""
«S:slack_hook»
""",
)
t(
    "url",
    "azure blob sas url for jar",
    r"""
https://«N:svc»artifacts.blob.core.windows.net/releases/«N:svc»-«N:ver».jar?sp=r&st=«N:ts»&se=«N:ts»&spr=https&sv=2022-11-02&sr=b&sig=«S:sas_sig»
""",
)
t(
    "url",
    "s3 presigned url for heapdump",
    r"""
https://«N:svc»-dumps.s3.eu-central-1.amazonaws.com/heapdump-«N:pid».hprof?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=«N:akia»%2F20260311%2Feu-central-1%2Fs3%2Faws4_request&X-Amz-Date=20260311T101500Z&X-Amz-Expires=3600&X-Amz-Security-Token=«S:b64_48»«S:b64_48»&X-Amz-SignedHeaders=host&X-Amz-Signature=«S:hex64»
""",
)
t(
    "url",
    "git remote with gitlab token",
    r"""
https://oauth2:«S:glpat»@gitlab.«N:domain»/platform/«N:svc».git
""",
)
t(
    "url",
    "ldap url with credentials",
    r"""
ldaps://cn=«N:svc»-bind,ou=services,dc=acme,dc=com:«S:spw»@ldap.«N:domain»:636/dc=acme,dc=com??sub?(uid=*)
""",
)
t(
    "url",
    "spring cloud config uri with userinfo",
    r"""
spring.config.import=optional:configserver:https://config:«S:spw»@config.«N:domain»/
""",
)
t(
    "url",
    "elasticsearch url with userinfo",
    r"""
https://elastic:«S:pw|url»@«N:host»:9200/«N:svc»-logs-*/_search?q=level:ERROR&size=20
""",
)
t(
    "url",
    "kafka connect rest url with creds",
    r"""
http://connect-admin:«S:spw»@«N:host»:8083/connectors/«N:svc»-jdbc-sink/config
""",
)
t(
    "url",
    "jdbc url in a curl-like list",
    r"""
primary: jdbc:postgresql://«N:host»:5432/«N:db»?user=«N:user»&password=«S:spw»
replica: jdbc:postgresql://«N:host»:5432/«N:db»?user=«N:user»&password=«S:spw»&readOnly=true
""",
)
t(
    "url",
    "grafana or sonar url with token",
    r"""
https://sonar.«N:domain»/api/measures/component?component=com.acme:«N:svc»&metricKeys=coverage&token=«S:sonar»
""",
)
t(
    "url",
    "sentry-like ingestion with secret key legacy",
    r"""
https://«N:hex32»:«S:hex32»@sentry.«N:domain»/«N:num»
""",
)
t(
    "url",
    "websocket url with jwt",
    r"""
wss://«N:svc».«N:domain»/stomp/websocket?access_token=«S:jwt»
""",
)
t(
    "url",
    "datasource url in env line",
    r"""
SPRING_DATASOURCE_URL=jdbc:postgresql://«N:host»:5432/«N:db»?user=«N:user»&password=«S:spw»&currentSchema=«N:db»
""",
)
t(
    "url",
    "quarkus reactive pg url",
    r"""
postgresql://«N:user»:«S:pw|url»@«N:host»:5432/«N:db»?sslmode=require
""",
)
t(
    "url",
    "hazelcast management center url with creds",
    r"""
http://admin:«S:spw»@hz-mc.«N:domain»:8080/hazelcast-mancenter/rest/clusters/«N:svc»-prod
""",
)
t(
    "url",
    "google maps static url with key",
    r"""
https://maps.googleapis.com/maps/api/staticmap?center=52.52,13.40&zoom=12&size=600x300&key=«S:gapi»
""",
)
t(
    "url",
    "wildfly management url with creds",
    r"""
http://admin:«S:pw|url»@«N:host»:9990/management/subsystem/datasources/data-source/«N:svc»DS?operation=attribute&name=enabled
""",
)
t(
    "url",
    "jdbc url with url-encoded password",
    r"""
jdbc:postgresql://«N:host»:5432/«N:db»?user=«N:user»&password=«S:hpw|url»&ssl=true&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory
""",
)
t(
    "url",
    "scm url in pom with credentials",
    r"""
scm:git:https://«N:user»:«S:ghp»@github.com/acme/«N:svc».git
""",
)
t(
    "url",
    "webhook url of teams connector",
    r"""
https://acme.webhook.office.com/webhookb2/«N:uuid»@«N:uuid»/IncomingWebhook/«S:hex32»/«N:uuid»/«S:alnum40»
""",
)
t(
    "url",
    "ftp url in camel endpoint",
    r"""
ftp://partner@ftp.«N:domain»:21/inbound?password=«S:spw»&passiveMode=true&binary=true&delete=true
""",
)
t(
    "url",
    "reset password link with token",
    r"""
https://«N:svc».«N:domain»/account/reset-password?token=«S:b64url32»&email=«N:first»%40«N:domain»
""",
)
t(
    "url",
    "magic login link with signed jwt",
    r"""
https://«N:svc».«N:domain»/auth/magic?t=«S:jwt»
""",
)
t(
    "url",
    "jnlp agent url with secret",
    r"""
java -jar agent.jar -url https://jenkins.«N:domain»/ -secret «S:hex64» -name «N:svc»-agent-«N:num» -workDir /home/jenkins/agent
""",
)
t(
    "url",
    "keycloak admin console url with password query",
    r"""
https://sso.«N:domain»/realms/master/protocol/openid-connect/token?username=admin&password=«S:pw|url»&grant_type=password&client_id=admin-cli
""",
)
t(
    "url",
    "jdbc url of sybase jtds with password",
    r"""
jdbc:jtds:sybase://«N:host»:5000/«N:db»;user=«N:user»;password=«S:spw»;charset=utf8
""",
)
t(
    "url",
    "jdbc url without credentials",
    r"""
jdbc:postgresql://«N:host»:5432/«N:db»?sslmode=verify-full&sslrootcert=/etc/pki/«N:svc»/root.crt&ApplicationName=«N:svc»&currentSchema=«N:db»
""",
)
t(
    "url",
    "jdbc url with placeholder password",
    r"""
jdbc:mysql://«N:host»:3306/«N:db»?user=${DB_USER}&password=${DB_PASSWORD}&useSSL=true
""",
)
t(
    "url",
    "jdbc oracle with wallet",
    r"""
jdbc:oracle:thin:@«N:svc»_high?TNS_ADMIN=/opt/oracle/wallet_«N:svc»
""",
)
t(
    "url",
    "jdbc sqlserver integrated security",
    r"""
jdbc:sqlserver://«N:host»:1433;databaseName=«N:db»;integratedSecurity=true;authenticationScheme=JavaKerberos;encrypt=true
""",
)
t(
    "url",
    "jdbc h2 in-memory",
    r"""
jdbc:h2:mem:«N:db»;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;USER=sa;PASSWORD=
""",
)
t(
    "url",
    "jdbc aws iam auth",
    r"""
jdbc:aws-wrapper:postgresql://«N:svc».cluster-«N:alnum20».eu-central-1.rds.amazonaws.com:5432/«N:db»?wrapperPlugins=iam&user=«N:user»
""",
)
t(
    "url",
    "actuator endpoints list",
    r"""
https://«N:svc».«N:domain»/actuator/health
https://«N:svc».«N:domain»/actuator/env/spring.datasource.password
https://«N:svc».«N:domain»/actuator/configprops
https://«N:svc».«N:domain»/actuator/prometheus
""",
)
t(
    "url",
    "jmx service url without credentials",
    r"""
service:jmx:rmi:///jndi/rmi://«N:host»:9010/jmxrmi
""",
)
t(
    "url",
    "jconsole remote url",
    r"""
service:jmx:remote+http://«N:host»:9990
""",
)
t(
    "url",
    "maven central artifact url",
    r"""
https://repo1.maven.org/maven2/org/springframework/security/spring-security-crypto/6.2.1/spring-security-crypto-6.2.1.jar.sha1
""",
)
t(
    "url",
    "nexus browse url",
    r"""
https://nexus.«N:domain»/#browse/browse:maven-releases:com%2Facme%2F«N:svc»%2F«N:ver»
""",
)
t(
    "url",
    "keycloak jwks and discovery urls",
    r"""
https://sso.«N:domain»/realms/«N:svc»/.well-known/openid-configuration
https://sso.«N:domain»/realms/«N:svc»/protocol/openid-connect/certs
""",
)
t(
    "url",
    "oauth authorize url with client id and state",
    r"""
https://sso.«N:domain»/realms/«N:svc»/protocol/openid-connect/auth?response_type=code&client_id=«N:client_id»&scope=openid%20profile&state=«N:b64url32»&redirect_uri=https%3A%2F%2F«N:svc».«N:domain»%2Flogin%2Foauth2%2Fcode%2Fkeycloak&nonce=«N:b64url32»
""",
)
t(
    "url",
    "github oauth authorize url",
    r"""
https://github.com/login/oauth/authorize?client_id=«N:gh_client_id»&redirect_uri=https%3A%2F%2F«N:svc».«N:domain»%2Flogin%2Foauth2%2Fcode%2Fgithub&scope=read%3Auser&state=«N:b64url32»
""",
)
t(
    "url",
    "gradle build scan url",
    r"""
«N:scan»
""",
)
t(
    "url",
    "sonar dashboard url",
    r"""
https://sonar.«N:domain»/dashboard?id=com.acme%3A«N:svc»-service&branch=main&resolved=false&types=VULNERABILITY
""",
)
t(
    "url",
    "jenkins job url with build number",
    r"""
https://jenkins.«N:domain»/job/«N:svc»/job/main/«N:num»/console
""",
)
t(
    "url",
    "jnlp agent url without secret",
    r"""
https://jenkins.«N:domain»/computer/«N:svc»-agent-«N:num»/jenkins-agent.jnlp
""",
)
t(
    "url",
    "url with masked password",
    r"""
jdbc:postgresql://«N:host»:5432/«N:db»?user=«N:user»&password=****&sslmode=require
""",
)
t(
    "url",
    "url with userinfo placeholder",
    r"""
https://${NEXUS_USER}:${NEXUS_PASSWORD}@nexus.«N:domain»/repository/maven-releases/
""",
)
t(
    "url",
    "redis url without password",
    r"""
redis://«N:host»:6379/0
""",
)
t(
    "url",
    "mongodb url with x509 auth",
    r"""
mongodb://«N:host»:27017/«N:db»?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=/etc/«N:svc»/mongo-client.pem
""",
)
t(
    "url",
    "s3 url without signature",
    r"""
https://«N:svc»-artifacts.s3.eu-central-1.amazonaws.com/releases/«N:svc»-«N:ver».jar
""",
)
t(
    "url",
    "docker image reference with digest",
    r"""
registry.«N:domain»/«N:svc»/api@sha256:«N:sha256»
""",
)
t(
    "url",
    "github release asset url",
    r"""
https://github.com/acme/«N:svc»/releases/download/v«N:ver»/«N:svc»-«N:ver».jar.sha256
""",
)
t(
    "url",
    "kafka bootstrap list",
    r"""
SASL_SSL://«N:host»:9093,SASL_SSL://«N:host»:9093,SASL_SSL://«N:host»:9093
""",
)
t(
    "url",
    "jndi names list",
    r"""
java:comp/env/jdbc/«N:svc»DB
java:jboss/datasources/«N:svc»DS
java:global/«N:svc»/PasswordResetService!com.acme.«N:svc».PasswordResetService
""",
)
t(
    "url",
    "ldap url without credentials",
    r"""
ldaps://ldap.«N:domain»:636/ou=people,dc=acme,dc=com?uid?sub?(objectClass=inetOrgPerson)
""",
)
t(
    "url",
    "maven repository coordinates url",
    r"""
https://nexus.«N:domain»/service/rest/v1/search/assets/download?sort=version&repository=maven-releases&maven.groupId=com.acme&maven.artifactId=«N:svc»-service&maven.extension=jar
""",
)
t(
    "url",
    "keycloak account console url with session state",
    r"""
https://sso.«N:domain»/realms/«N:svc»/account/#/security/signingin?referrer=«N:client_id»&referrer_uri=https%3A%2F%2F«N:svc».«N:domain»%2F
""",
)
t(
    "url",
    "url with default credentials of local dev",
    r"""
http://localhost:8080/h2-console/login.do?jsessionid=&language=en&setting=Generic+H2+%28Embedded%29&driver=org.h2.Driver&url=jdbc%3Ah2%3Amem%3Atestdb&user=sa&password=
""",
)
t(
    "url",
    "spring config server url without auth",
    r"""
https://config.«N:domain»/«N:svc»/prod/main
""",
)
t(
    "url",
    "jolokia url without credentials",
    r"""
http://localhost:8778/jolokia/exec/com.zaxxer.hikari:type=Pool%20(HikariPool-1)/softEvictConnections
""",
)
t(
    "url",
    "webhook url with generic trigger token name",
    r"""
https://jenkins.«N:domain»/generic-webhook-trigger/invoke?token=${GENERIC_WEBHOOK_TOKEN}
""",
)
t(
    "url",
    "password reset api path",
    r"""
https://«N:svc».«N:domain»/api/v2/users/«N:uuid»/password/reset?notify=true&locale=de-DE
""",
)


# --- json: actuator output, Keycloak exports, API bodies, JSON logs, IDE files ------------------

t(
    "json",
    "actuator env unmasked property sources",
    r"""
{
  "activeProfiles": ["prod"],
  "propertySources": [
    {
      "name": "server.ports",
      "properties": {"local.server.port": {"value": 8080}}
    },
    {
      "name": "Config resource 'class path resource [application-prod.yml]' via location 'optional:classpath:/'",
      "properties": {
        "spring.datasource.url": {"value": "jdbc:postgresql://«N:host»:5432/«N:db»", "origin": "class path resource [application-prod.yml] - 4:10"},
        "spring.datasource.username": {"value": "«N:user»", "origin": "class path resource [application-prod.yml] - 5:15"},
        "spring.datasource.password": {"value": "«S:pw»", "origin": "class path resource [application-prod.yml] - 6:15"},
        "spring.mail.password": {"value": "«S:pw»", "origin": "class path resource [application-prod.yml] - 14:15"}
      }
    }
  ]
}
""",
)
t(
    "json",
    "actuator env with show-values always on system environment",
    r"""
{"activeProfiles":["k8s"],"propertySources":[{"name":"systemEnvironment","properties":{"JAVA_HOME":{"value":"/opt/java/openjdk","origin":"System Environment Property \"JAVA_HOME\""},"SPRING_DATASOURCE_PASSWORD":{"value":"«S:pw»","origin":"System Environment Property \"SPRING_DATASOURCE_PASSWORD\""},"APP_GITHUB_TOKEN":{"value":"«S:ghp»","origin":"System Environment Property \"APP_GITHUB_TOKEN\""},"HOSTNAME":{"value":"«N:svc»-7d9f«N:hex7»-x2kq9"}}}]}
""",
)
t(
    "json",
    "actuator configprops unmasked",
    r"""
{
  "contexts": {
    "application": {
      "beans": {
        "spring.datasource-org.springframework.boot.autoconfigure.jdbc.DataSourceProperties": {
          "prefix": "spring.datasource",
          "properties": {
            "url": "jdbc:mysql://«N:host»:3306/«N:db»",
            "username": "«N:user»",
            "password": "«S:pw»",
            "generateUniqueName": true
          }
        },
        "app.partner-com.acme.«N:svc».config.PartnerProperties": {
          "prefix": "app.partner",
          "properties": {"baseUrl": "https://api.partner.example", "apiKey": "«S:alnum40»"}
        }
      }
    }
  }
}
""",
)
t(
    "json",
    "keycloak realm export with client secrets",
    r"""
{
  "id" : "«N:uuid»",
  "realm" : "«N:svc»",
  "enabled" : true,
  "sslRequired" : "external",
  "clients" : [ {
    "id" : "«N:uuid»",
    "clientId" : "«N:client_id»",
    "enabled" : true,
    "clientAuthenticatorType" : "client-secret",
    "secret" : "«S:kc_secret»",
    "redirectUris" : [ "https://«N:svc».«N:domain»/*" ],
    "serviceAccountsEnabled" : true,
    "publicClient" : false,
    "protocol" : "openid-connect"
  } ]
}
""",
)
t(
    "json",
    "keycloak realm export with smtp and identity provider",
    r"""
{
  "realm" : "«N:svc»",
  "smtpServer" : {
    "password" : "«S:pw»",
    "starttls" : "true",
    "auth" : "true",
    "port" : "587",
    "host" : "smtp.«N:domain»",
    "from" : "no-reply@«N:domain»",
    "user" : "no-reply@«N:domain»"
  },
  "identityProviders" : [ {
    "alias" : "github",
    "providerId" : "github",
    "enabled" : true,
    "config" : {
      "clientId" : "«N:gh_client_id»",
      "clientSecret" : "«S:hex40»",
      "syncMode" : "IMPORT"
    }
  } ]
}
""",
)
t(
    "json",
    "keycloak realm export with ldap federation bind credential",
    r"""
{
  "components" : {
    "org.keycloak.storage.UserStorageProvider" : [ {
      "id" : "«N:uuid»",
      "name" : "corp-ldap",
      "providerId" : "ldap",
      "config" : {
        "connectionUrl" : [ "ldaps://ldap.«N:domain»:636" ],
        "bindDn" : [ "cn=keycloak,ou=services,dc=acme,dc=com" ],
        "bindCredential" : [ "«S:pw»" ],
        "usersDn" : [ "ou=people,dc=acme,dc=com" ],
        "editMode" : [ "READ_ONLY" ]
      }
    } ]
  }
}
""",
)
t(
    "json",
    "keycloak realm key providers with private key",
    r"""
{
  "components" : {
    "org.keycloak.keys.KeyProvider" : [ {
      "id" : "«N:uuid»",
      "name" : "rsa-generated",
      "providerId" : "rsa-generated",
      "config" : {
        "privateKey" : [ "«S:b64_48»«S:b64_48»«S:b64_48»" ],
        "certificate" : [ "«N:cert_b64»" ],
        "priority" : [ "100" ]
      }
    }, {
      "id" : "«N:uuid»",
      "name" : "hmac-generated",
      "providerId" : "hmac-generated",
      "config" : {
        "kid" : [ "«N:uuid»" ],
        "secret" : [ "«S:b64url32»«S:b64url32»" ],
        "priority" : [ "100" ],
        "algorithm" : [ "HS512" ]
      }
    } ]
  }
}
""",
)
t(
    "json",
    "keycloak users export with plaintext credential",
    r"""
{
  "realm" : "«N:svc»",
  "users" : [ {
    "username" : "«N:first»",
    "enabled" : true,
    "email" : "«N:first»@«N:domain»",
    "credentials" : [ {
      "type" : "password",
      "value" : "«S:hpw»",
      "temporary" : true
    } ],
    "realmRoles" : [ "default-roles-«N:svc»" ]
  } ]
}
""",
)
t(
    "json",
    "keycloak token response",
    r"""
{"access_token":"«S:jwt»","expires_in":300,"refresh_expires_in":1800,"refresh_token":"«S:refresh»","token_type":"Bearer","id_token":"«S:jwt»","not-before-policy":0,"session_state":"«N:uuid»","scope":"openid profile email"}
""",
)
t(
    "json",
    "spring cloud config server response",
    r"""
{
  "name": "«N:svc»",
  "profiles": ["prod"],
  "label": "main",
  "version": "«N:commit»",
  "state": null,
  "propertySources": [
    {
      "name": "https://github.com/acme/config-repo.git/«N:svc»-prod.yml",
      "source": {
        "spring.datasource.url": "jdbc:postgresql://«N:host»:5432/«N:db»",
        "spring.datasource.password": "«S:pw»",
        "app.jwt.secret": "«S:b64_48»"
      }
    }
  ]
}
""",
)
t(
    "json",
    "cloud foundry VCAP_SERVICES",
    r"""
{
  "p.mysql": [
    {
      "binding_name": null,
      "credentials": {
        "hostname": "«N:uuid».mysql.service.internal",
        "jdbcUrl": "jdbc:mysql://«N:uuid».mysql.service.internal:3306/service_instance_db?user=«N:hex32»&password=«S:alnum20»&useSSL=false",
        "name": "service_instance_db",
        "password": "«S:alnum20»",
        "port": 3306,
        "uri": "mysql://«N:hex32»:«S:alnum20»@«N:uuid».mysql.service.internal:3306/service_instance_db?reconnect=true",
        "username": "«N:hex32»"
      },
      "instance_name": "«N:svc»-db",
      "label": "p.mysql",
      "plan": "db-small"
    }
  ]
}
""",
)
t(
    "json",
    "logstash json log with password field",
    r"""
{"@timestamp":"«N:ts»","@version":"1","message":"Creating user","logger_name":"com.acme.«N:svc».user.UserController","thread_name":"http-nio-8080-exec-3","level":"DEBUG","level_value":10000,"request":{"username":"«N:first»","email":"«N:first»@«N:domain»","password":"«S:hpw»"},"traceId":"«N:trace»","spanId":"«N:span»"}
""",
)
t(
    "json",
    "json log of outgoing request with authorization",
    r"""
{"timestamp":"«N:ts»","level":"DEBUG","logger":"org.zalando.logbook.Logbook","thread":"reactor-http-nio-3","message":"outgoing request","http":{"method":"POST","uri":"https://api.«N:domain»/v1/payouts","headers":{"Authorization":["Bearer «S:sk_live»"],"Content-Type":["application/json"],"Idempotency-Key":["«N:uuid»"]},"body":{"amount":1200,"currency":"eur"}}}
""",
)
t(
    "json",
    "nexus security api create user body",
    r"""
{
  "userId": "«N:svc»-deployer",
  "firstName": "«N:svc»",
  "lastName": "Deployer",
  "emailAddress": "«N:svc»-deployer@«N:domain»",
  "password": "«S:pw»",
  "status": "active",
  "roles": ["nx-deploy-«N:svc»"]
}
""",
)
t(
    "json",
    "artifactory access token response",
    r"""
{
  "token_id" : "«N:uuid»",
  "access_token" : "«S:jwt»",
  "refresh_token" : "«S:uuid»",
  "expires_in" : 31536000,
  "scope" : "applied-permissions/user",
  "token_type" : "Bearer"
}
""",
)
t(
    "json",
    "jenkins api token generate response",
    r"""
{"status":"ok","data":{"tokenName":"«N:svc»-release","tokenUuid":"«N:uuid»","tokenValue":"«S:jenkins_token»"}}
""",
)
t(
    "json",
    "docker config.json for jib",
    r"""
{
	"auths": {
		"registry.«N:domain»": {
			"auth": "«S:basic»"
		},
		"ghcr.io": {
			"auth": "«S:ghp|b64»"
		}
	},
	"credHelpers": {
		"123456789012.dkr.ecr.eu-central-1.amazonaws.com": "ecr-login"
	}
}
""",
)
t(
    "json",
    "gcp service account key for spring cloud gcp",
    r"""
{
  "type": "service_account",
  "project_id": "«N:svc»-prod-«N:num»",
  "private_key_id": "«N:gcp_key_id»",
  "private_key": "«S:pkcs8_key|json»",
  "client_email": "«N:svc»-app@«N:svc»-prod-«N:num».iam.gserviceaccount.com",
  "client_id": "«N:num»«N:epoch»",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token"
}
""",
)
t(
    "json",
    "vscode launch.json java with env",
    r"""
{
    "version": "0.2.0",
    "configurations": [
        {
            "type": "java",
            "name": "«N:svc»Application",
            "request": "launch",
            "mainClass": "com.acme.«N:svc».Application",
            "projectName": "«N:svc»",
            "env": {
                "SPRING_PROFILES_ACTIVE": "prod",
                "SPRING_DATASOURCE_PASSWORD": "«S:pw»",
                "KEYCLOAK_CLIENT_SECRET": "«S:kc_secret»"
            },
            "vmArgs": "-Djavax.net.ssl.trustStorePassword=«S:spw»"
        }
    ]
}
""",
)
t(
    "json",
    "intellij http client private env",
    r"""
{
  "dev": {
    "host": "http://localhost:8080",
    "username": "admin",
    "password": "«S:pw»"
  },
  "prod": {
    "host": "https://«N:svc».«N:domain»",
    "client_secret": "«S:kc_secret»",
    "api_key": "«S:alnum40»"
  }
}
""",
)
t(
    "json",
    "vault read response for spring app",
    r"""
{
  "request_id": "«N:uuid»",
  "lease_id": "",
  "lease_duration": 0,
  "renewable": false,
  "data": {
    "data": {
      "db_password": "«S:pw»",
      "jasypt_password": "«S:spw»",
      "keystore_password": "«S:spw»"
    },
    "metadata": {
      "created_time": "«N:ts»",
      "deletion_time": "",
      "destroyed": false,
      "version": 4
    }
  },
  "warnings": null
}
""",
)
t(
    "json",
    "aws secrets manager get-secret-value",
    r"""
{
    "ARN": "arn:aws:secretsmanager:eu-central-1:«N:num»0000000:secret:prod/«N:svc»/db-«N:alnum20»",
    "Name": "prod/«N:svc»/db",
    "VersionId": "«N:uuid»",
    "SecretString": "{\"username\":\"«N:user»\",\"password\":\"«S:pw»\",\"engine\":\"postgres\",\"host\":\"«N:host»\",\"port\":5432}",
    "VersionStages": ["AWSCURRENT"],
    "CreatedDate": "«N:ts»"
}
""",
)
t(
    "json",
    "elasticsearch create api key response",
    r"""
{
  "id" : "«N:alnum20»",
  "name" : "«N:svc»-java-client",
  "expiration" : «N:epoch»,
  "api_key" : "«S:alnum20»",
  "encoded" : "«S:es_api_key»"
}
""",
)
t(
    "json",
    "spring boot admin instance registration with metadata password",
    r"""
{
  "name": "«N:svc»",
  "managementUrl": "https://«N:svc».«N:domain»/actuator",
  "healthUrl": "https://«N:svc».«N:domain»/actuator/health",
  "serviceUrl": "https://«N:svc».«N:domain»/",
  "metadata": {
    "user.name": "actuator",
    "user.password": "«S:pw»",
    "startup": "«N:ts»"
  }
}
""",
)
t(
    "json",
    "jenkins credentials api create body",
    r"""
{
  "": "0",
  "credentials": {
    "scope": "GLOBAL",
    "id": "nexus-deploy",
    "username": "«N:user»",
    "password": "«S:pw»",
    "description": "Nexus deployer",
    "$class": "com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl"
  }
}
""",
)
t(
    "json",
    "kafka connect jdbc connector config",
    r"""
{
  "name": "«N:svc»-jdbc-sink",
  "config": {
    "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
    "tasks.max": "2",
    "topics": "«N:svc».events",
    "connection.url": "jdbc:postgresql://«N:host»:5432/«N:db»",
    "connection.user": "«N:user»",
    "connection.password": "«S:pw»",
    "auto.create": "false",
    "insert.mode": "upsert",
    "pk.mode": "record_key"
  }
}
""",
)
t(
    "json",
    "confluent cloud api key json",
    r"""
{
  "api_key": "«N:alnum20»",
  "api_secret": "«S:alnum64»",
  "resource": "lkc-«N:hex7»",
  "owner": "sa-«N:hex7»"
}
""",
)
t(
    "json",
    "sonarqube generate token response",
    r"""
{"login":"«N:user»","name":"«N:svc»-ci","token":"«S:sonar»","createdAt":"«N:ts»","type":"PROJECT_ANALYSIS_TOKEN","projectKey":"com.acme:«N:svc»","expirationDate":"2027-01-01"}
""",
)
t(
    "json",
    "gitlab ci variables api list",
    r"""
[
  {"variable_type":"env_var","key":"MAVEN_REPO_USER","value":"«N:user»","protected":true,"masked":false,"raw":false,"environment_scope":"*"},
  {"variable_type":"env_var","key":"MAVEN_REPO_PASS","value":"«S:pw»","protected":true,"masked":true,"raw":false,"environment_scope":"*"},
  {"variable_type":"file","key":"SIGNING_KEY","value":"«S:pkcs8_key|json»","protected":true,"masked":false,"raw":true,"environment_scope":"production"}
]
""",
)
t(
    "json",
    "micronaut or quarkus config json",
    r"""
{
  "micronaut": {"application": {"name": "«N:svc»"}},
  "datasources": {
    "default": {
      "url": "jdbc:postgresql://«N:host»:5432/«N:db»",
      "username": "«N:user»",
      "password": "«S:pw»"
    }
  },
  "redis": {"uri": "redis://:«S:alnum32»@«N:host»:6379"}
}
""",
)
t(
    "json",
    "jwks with private components",
    r"""
{
  "keys": [
    {
      "kty": "RSA",
      "kid": "«N:uuid»",
      "use": "sig",
      "alg": "RS256",
      "n": "«N:b64url32»«N:b64url32»«N:b64url32»«N:b64url32»",
      "e": "AQAB",
      "d": "«S:b64url32»«S:b64url32»«S:b64url32»«S:b64url32»",
      "p": "«S:b64url32»«S:b64url32»",
      "q": "«S:b64url32»«S:b64url32»"
    }
  ]
}
""",
)
t(
    "json",
    "github app private key in json config",
    r"""
{
  "appId": «N:num»«N:num»,
  "installationId": «N:epoch»,
  "webhookSecret": "«S:hex40»",
  "privateKey": "«S:rsa_key|json»"
}
""",
)
t(
    "json",
    "hibernate statistics json with bound params",
    r"""
{"ts":"«N:ts»","level":"TRACE","logger":"org.hibernate.orm.jdbc.bind","msg":"binding parameter (2:VARCHAR) <- [«S:hpw»]","sql":"insert into service_account (name,secret,id) values (?,?,?)","thread":"http-nio-8080-exec-1"}
""",
)
t(
    "json",
    "devcontainer with java env",
    r"""
{
  "name": "«N:svc» (Java 21)",
  "image": "mcr.microsoft.com/devcontainers/java:21",
  "features": {"ghcr.io/devcontainers/features/java:1": {"installMaven": "true", "installGradle": "true"}},
  "containerEnv": {
    "SPRING_DATASOURCE_PASSWORD": "«S:pw»",
    "GRADLE_ENTERPRISE_ACCESS_KEY": "ge.«N:domain»=«S:develocity»"
  },
  "forwardPorts": [8080, 5005]
}
""",
)
t(
    "json",
    "postman environment for java api",
    r"""
{
  "id": "«N:uuid»",
  "name": "«N:svc» prod",
  "values": [
    {"key": "baseUrl", "value": "https://«N:svc».«N:domain»", "type": "default", "enabled": true},
    {"key": "clientSecret", "value": "«S:kc_secret»", "type": "secret", "enabled": true},
    {"key": "adminPassword", "value": "«S:pw»", "type": "secret", "enabled": true}
  ],
  "_postman_variable_scope": "environment"
}
""",
)
t(
    "json",
    "wildfly management api read datasource",
    r"""
{
    "outcome" : "success",
    "result" : {
        "connection-url" : "jdbc:oracle:thin:@«N:host»:1521/«N:db»",
        "driver-name" : "oracle",
        "jndi-name" : "java:jboss/datasources/«N:svc»DS",
        "password" : "«S:pw»",
        "user-name" : "«N:user»",
        "min-pool-size" : 5,
        "max-pool-size" : 40
    }
}
""",
)
t(
    "json",
    "payara rest admin response with property",
    r"""
{"command":"Get","exit_code":"SUCCESS","extraProperties":{"values":{"resources.jdbc-connection-pool.«N:svc»Pool.property.Password":"«S:spw»","resources.jdbc-connection-pool.«N:svc»Pool.property.User":"«N:user»","resources.jdbc-connection-pool.«N:svc»Pool.property.URL":"jdbc:mysql://«N:host»:3306/«N:db»"}}}
""",
)
t(
    "json",
    "android google-services.json with its public client key",
    r"""
{
  "project_info": {
    "project_number": "«N:epoch»",
    "project_id": "«N:svc»-app",
    "storage_bucket": "«N:svc»-app.appspot.com"
  },
  "client": [
    {
      "client_info": {"mobilesdk_app_id": "1:«N:epoch»:android:«N:hex32»", "android_client_info": {"package_name": "com.acme.«N:svc»"}},
      "api_key": [{"current_key": "«N:gapi»"}]
    }
  ]
}
""",
)
t(
    "json",
    "kubernetes secret get json",
    r"""
{
    "apiVersion": "v1",
    "data": {
        "keystore-password": "«S:spw|b64»",
        "spring-datasource-password": "«S:pw|b64»"
    },
    "kind": "Secret",
    "metadata": {
        "creationTimestamp": "«N:ts»",
        "name": "«N:svc»-secrets",
        "namespace": "«N:svc»",
        "resourceVersion": "«N:epoch»",
        "uid": "«N:uuid»"
    },
    "type": "Opaque"
}
""",
)
t(
    "json",
    "slack notification config for spring alerts",
    r"""
{
  "alerting": {
    "enabled": true,
    "slack": {"webhookUrl": "«S:slack_hook»", "channel": "#«N:svc»-alerts"},
    "pagerduty": {"routingKey": "«S:hex32»"}
  }
}
""",
)
t(
    "json",
    "json log of datasource init with url password",
    r"""
{"@timestamp":"«N:ts»","level":"INFO","logger_name":"com.acme.«N:svc».config.DataSourceConfig","message":"Connecting to jdbc:postgresql://«N:host»:5432/«N:db»?user=«N:user»&password=«S:spw»","thread_name":"main","app":"«N:svc»"}
""",
)
t(
    "json",
    "twilio and sendgrid settings json",
    r"""
{
  "twilio": {"accountSid": "«N:twilio_sid»", "authToken": "«S:twilio_token»"},
  "sendgrid": {"apiKey": "«S:sendgrid»", "from": "no-reply@«N:domain»"}
}
""",
)
t(
    "json",
    "azure app configuration export for spring",
    r"""
[
  {"key":"/application/spring.datasource.password","label":"prod","value":"«S:pw»","content_type":null},
  {"key":"/application/spring.cloud.azure.storage.blob.account-key","label":"prod","value":"«S:azure_key»","content_type":null},
  {"key":"/application/spring.datasource.url","label":"prod","value":"jdbc:sqlserver://«N:svc».database.windows.net:1433;database=«N:db»","content_type":null}
]
""",
)
t(
    "json",
    "jenkins script console result json",
    r"""
{"script":"com.cloudbees.plugins.credentials.SystemCredentialsProvider.getInstance().getCredentials().collect{[it.id, it.secret?.plainText]}","result":"[[sonar-token, «S:sonar»], [slack-bot, «S:xoxb»], [github-app, null]]"}
""",
)
t(
    "json",
    "openai request log from spring ai",
    r"""
{"timestamp":"«N:ts»","level":"DEBUG","logger":"org.springframework.ai.openai.api.OpenAiApi","message":"Request headers","headers":{"Authorization":"Bearer «S:openai»","Content-Type":"application/json","OpenAI-Beta":"assistants=v2"}}
""",
)
t(
    "json",
    "hazelcast client config json",
    r"""
{
  "hazelcast-client": {
    "cluster-name": "«N:svc»-prod",
    "security": {
      "username-password": {"username": "«N:svc»-client", "password": "«S:pw»"}
    },
    "network": {"cluster-members": ["«N:ip»:5701", "«N:ip»:5701"], "smart-routing": true}
  }
}
""",
)
t(
    "json",
    "actuator env masked",
    r"""
{
  "activeProfiles": ["prod"],
  "propertySources": [
    {
      "name": "Config resource 'class path resource [application-prod.yml]' via location 'optional:classpath:/'",
      "properties": {
        "spring.datasource.url": {"value": "jdbc:postgresql://«N:host»:5432/«N:db»", "origin": "class path resource [application-prod.yml] - 4:10"},
        "spring.datasource.username": {"value": "«N:user»", "origin": "class path resource [application-prod.yml] - 5:15"},
        "spring.datasource.password": {"value": "******", "origin": "class path resource [application-prod.yml] - 6:15"},
        "app.jwt.secret": {"value": "******", "origin": "class path resource [application-prod.yml] - 21:13"}
      }
    }
  ]
}
""",
)
t(
    "json",
    "actuator configprops masked",
    r"""
{"contexts":{"application":{"beans":{"spring.datasource-org.springframework.boot.autoconfigure.jdbc.DataSourceProperties":{"prefix":"spring.datasource","properties":{"url":"******","username":"******","password":"******","generateUniqueName":"******"},"inputs":{"url":{"value":"******","origin":"\"spring.datasource.url\" from property source \"systemEnvironment\""},"password":{"value":"******","origin":"\"spring.datasource.password\" from property source \"systemEnvironment\""}}}}}}}
""",
)
t(
    "json",
    "actuator env with jasypt values",
    r"""
{"activeProfiles":["prod"],"propertySources":[{"name":"applicationConfig: [classpath:/application-prod.properties]","properties":{"spring.datasource.password":{"value":"«N:jasypt»"},"app.partner.api-key":{"value":"«N:jasypt»"},"jasypt.encryptor.algorithm":{"value":"PBEWITHHMACSHA512ANDAES_256"}}}]}
""",
)
t(
    "json",
    "actuator health and info",
    r"""
{
  "git": {"branch": "main", "commit": {"id": "«N:hex7»", "time": "«N:ts»"}},
  "build": {"artifact": "«N:svc»-service", "name": "«N:svc»-service", "time": "«N:ts»", "version": "«N:ver»", "group": "com.acme"},
  "java": {"version": "21.0.«N:num»", "vendor": {"name": "Eclipse Adoptium"}}
}
""",
)
t(
    "json",
    "keycloak realm export with masked secrets",
    r"""
{
  "realm" : "«N:svc»",
  "clients" : [ {
    "clientId" : "«N:client_id»",
    "clientAuthenticatorType" : "client-secret",
    "secret" : "**********",
    "publicClient" : false
  } ],
  "smtpServer" : {
    "password" : "**********",
    "host" : "smtp.«N:domain»",
    "user" : "no-reply@«N:domain»"
  },
  "identityProviders" : [ {
    "alias" : "github",
    "config" : {"clientId" : "«N:gh_client_id»", "clientSecret" : "**********"}
  } ]
}
""",
)
t(
    "json",
    "keycloak realm export with vault references",
    r"""
{
  "realm" : "«N:svc»",
  "smtpServer" : {"password" : "${vault.smtp_password}", "host" : "smtp.«N:domain»"},
  "identityProviders" : [ {
    "alias" : "google",
    "config" : {"clientId" : "«N:google_client_id»", "clientSecret" : "${vault.google_client_secret}"}
  } ],
  "clients" : [ {
    "clientId" : "«N:client_id»-spa",
    "publicClient" : true,
    "rootUrl" : "https://«N:svc».«N:domain»",
    "attributes" : {"pkce.code.challenge.method" : "S256"}
  } ]
}
""",
)
t(
    "json",
    "keycloak users export with hashed credentials",
    r"""
{
  "username" : "«N:first»",
  "enabled" : true,
  "credentials" : [ {
    "id" : "«N:uuid»",
    "type" : "password",
    "createdDate" : «N:epoch»,
    "secretData" : "{\"value\":\"«N:b64_48»\",\"salt\":\"«N:b64_32»\",\"additionalParameters\":{}}",
    "credentialData" : "{\"hashIterations\":27500,\"algorithm\":\"pbkdf2-sha256\",\"additionalParameters\":{}}"
  } ]
}
""",
)
t(
    "json",
    "jwks public keys",
    r"""
{"keys":[{"kid":"«N:b64url32»","kty":"RSA","alg":"RS256","use":"sig","n":"«N:b64url32»«N:b64url32»«N:b64url32»«N:b64url32»«N:b64url32»","e":"AQAB","x5c":["«N:cert_b64»"],"x5t":"«N:b64url32»","x5t#S256":"«N:b64url32»"}]}
""",
)
t(
    "json",
    "jenkins api job json",
    r"""
{"_class":"org.jenkinsci.plugins.workflow.job.WorkflowRun","actions":[{"_class":"hudson.model.ParametersAction","parameters":[{"_class":"hudson.model.StringParameterValue","name":"VERSION","value":"«N:ver»"},{"_class":"hudson.model.PasswordParameterValue","name":"DEPLOY_PASSWORD"},{"_class":"com.cloudbees.plugins.credentials.CredentialsParameterValue","name":"CREDS","value":"nexus-deploy"}]}],"building":false,"duration":«N:ms»,"fullDisplayName":"«N:svc» #«N:num»","result":"SUCCESS","timestamp":«N:epoch»}
""",
)
t(
    "json",
    "jenkins credentials list api",
    r"""
{"_class":"com.cloudbees.plugins.credentials.CredentialsStoreAction$DomainWrapper","credentials":[{"id":"nexus-deploy","displayName":"«N:user»/****** (Nexus deployer)","typeName":"Username with password","fingerprint":null},{"id":"sonar-token","displayName":"Sonar analysis token","typeName":"Secret text"},{"id":"deploy-key","displayName":"deploy","typeName":"SSH Username with private key"}],"displayName":"Global credentials (unrestricted)"}
""",
)
t(
    "json",
    "artifactory file info with checksums",
    r"""
{
  "repo" : "libs-release-local",
  "path" : "/com/acme/«N:svc»/«N:ver»/«N:svc»-«N:ver».jar",
  "created" : "«N:ts»",
  "createdBy" : "«N:user»",
  "size" : "«N:epoch»",
  "mimeType" : "application/java-archive",
  "checksums" : {"sha1" : "«N:sha1»", "md5" : "«N:md5»", "sha256" : "«N:sha256»"},
  "originalChecksums" : {"sha1" : "«N:sha1»", "md5" : "«N:md5»", "sha256" : "«N:sha256»"},
  "uri" : "https://artifactory.«N:domain»/artifactory/api/storage/libs-release-local/com/acme/«N:svc»/«N:ver»/«N:svc»-«N:ver».jar"
}
""",
)
t(
    "json",
    "nexus search api response",
    r"""
{"items":[{"id":"«N:b64_32»","repository":"maven-releases","format":"maven2","group":"com.acme","name":"«N:svc»-service","version":"«N:ver»","assets":[{"downloadUrl":"https://nexus.«N:domain»/repository/maven-releases/com/acme/«N:svc»-service/«N:ver»/«N:svc»-service-«N:ver».jar","path":"com/acme/«N:svc»-service/«N:ver»/«N:svc»-service-«N:ver».jar","id":"«N:b64_32»","checksum":{"sha1":"«N:sha1»","md5":"«N:md5»"}}]}],"continuationToken":null}
""",
)
t(
    "json",
    "vscode launch.json with env file",
    r"""
{
    "version": "0.2.0",
    "configurations": [
        {
            "type": "java",
            "name": "«N:svc»Application",
            "request": "launch",
            "mainClass": "com.acme.«N:svc».Application",
            "envFile": "${workspaceFolder}/.env.local",
            "env": {"SPRING_PROFILES_ACTIVE": "local", "SPRING_DATASOURCE_PASSWORD": "${env:DB_PASSWORD}"},
            "vmArgs": "-XX:+AllowEnhancedClassRedefinition -Dspring.devtools.restart.enabled=true"
        }
    ]
}
""",
)
t(
    "json",
    "intellij http client public env",
    r"""
{
  "dev": {"host": "http://localhost:8080", "realm": "«N:svc»", "clientId": "«N:client_id»"},
  "prod": {"host": "https://«N:svc».«N:domain»", "realm": "«N:svc»", "clientId": "«N:client_id»"}
}
""",
)
t(
    "json",
    "vault metadata response",
    r"""
{
  "request_id": "«N:uuid»",
  "data": {
    "created_time": "«N:ts»",
    "current_version": 4,
    "max_versions": 0,
    "oldest_version": 1,
    "updated_time": "«N:ts»",
    "versions": {"3": {"created_time": "«N:ts»", "destroyed": false}, "4": {"created_time": "«N:ts»", "destroyed": false}}
  }
}
""",
)
t(
    "json",
    "aws secrets manager describe",
    r"""
{
    "ARN": "arn:aws:secretsmanager:eu-central-1:«N:num»0000000:secret:prod/«N:svc»/db-«N:alnum20»",
    "Name": "prod/«N:svc»/db",
    "RotationEnabled": true,
    "RotationLambdaARN": "arn:aws:lambda:eu-central-1:«N:num»0000000:function:SecretsManagerRDSPostgreSQLRotationSingleUser",
    "LastRotatedDate": "«N:ts»",
    "VersionIdsToStages": {"«N:uuid»": ["AWSCURRENT"], "«N:uuid»": ["AWSPREVIOUS"]}
}
""",
)
t(
    "json",
    "kms encrypt output",
    r"""
{
    "CiphertextBlob": "AQICAH«N:b64_48»«N:b64_48»«N:b64_48»",
    "KeyId": "arn:aws:kms:eu-central-1:«N:num»0000000:key/«N:uuid»",
    "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"
}
""",
)
t(
    "json",
    "openapi schema with password fields",
    r"""
{
  "components": {
    "schemas": {
      "LoginRequest": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string", "format": "password", "writeOnly": true}}},
      "TokenResponse": {"type": "object", "properties": {"access_token": {"type": "string"}, "refresh_token": {"type": "string"}, "expires_in": {"type": "integer"}}}
    },
    "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
  }
}
""",
)
t(
    "json",
    "json log with masked password",
    r"""
{"@timestamp":"«N:ts»","level":"INFO","logger_name":"com.acme.«N:svc».user.UserController","message":"Creating user","request":{"username":"«N:first»","email":"«N:first»@«N:domain»","password":"[PROTECTED]"},"traceId":"«N:trace»","spanId":"«N:span»"}
""",
)
t(
    "json",
    "logbook request log with obfuscated headers",
    r"""
{"origin":"local","type":"request","correlation":"«N:span»","protocol":"HTTP/1.1","remote":"«N:ip»","method":"POST","uri":"https://api.partner.example/v1/orders","headers":{"Authorization":["XXX"],"Content-Type":["application/json"],"X-Request-Id":["«N:uuid»"]},"body":{"orderId":"«N:uuid»","amount":1299}}
""",
)
t(
    "json",
    "gradle build scan metadata",
    r"""
{"buildScanUri":"«N:scan»","buildId":"«N:alnum20»","rootProjectName":"«N:svc»","gradleVersion":"8.«N:num»","tags":["CI","main"],"values":{"Git commit id":"«N:commit»","Git branch":"main"},"buildDuration":«N:ms»,"hasFailed":false}
""",
)
t(
    "json",
    "sonarqube user tokens search",
    r"""
{"login":"«N:user»","userTokens":[{"name":"«N:svc»-ci","createdAt":"«N:ts»","lastConnectionDate":"«N:ts»","type":"PROJECT_ANALYSIS_TOKEN","project":{"key":"com.acme:«N:svc»","name":"«N:svc»"},"expirationDate":"2027-01-01","isExpired":false}]}
""",
)
t(
    "json",
    "cloud foundry env with credhub refs",
    r"""
{
  "p.mysql": [
    {
      "credentials": {"credhub-ref": "/c/p.mysql/«N:uuid»/«N:uuid»/credentials"},
      "instance_name": "«N:svc»-db",
      "label": "p.mysql",
      "plan": "db-small",
      "tags": ["mysql"]
    }
  ]
}
""",
)
t(
    "json",
    "package-lock like maven dependency report",
    r"""
{"groupId":"com.acme","artifactId":"«N:svc»-service","version":"«N:ver»","dependencies":[{"groupId":"org.springframework.security","artifactId":"spring-security-crypto","version":"6.2.1","scope":"compile","sha256":"«N:sha256»"},{"groupId":"org.jasypt","artifactId":"jasypt","version":"1.9.3","scope":"compile","sha256":"«N:sha256»"}]}
""",
)
t(
    "json",
    "docker config.json with cred helpers only",
    r"""
{
	"auths": {
		"registry.«N:domain»": {},
		"ghcr.io": {}
	},
	"credsStore": "desktop",
	"credHelpers": {
		"«N:num»0000000.dkr.ecr.eu-central-1.amazonaws.com": "ecr-login",
		"europe-west3-docker.pkg.dev": "gcloud"
	}
}
""",
)
t(
    "json",
    "kafka connect config with externalized secrets",
    r"""
{
  "name": "«N:svc»-jdbc-source",
  "config": {
    "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
    "connection.url": "jdbc:postgresql://«N:host»:5432/«N:db»",
    "connection.user": "${file:/opt/connect/secrets/db.properties:user}",
    "connection.password": "${file:/opt/connect/secrets/db.properties:password}",
    "mode": "timestamp+incrementing",
    "topic.prefix": "«N:svc»."
  }
}
""",
)
t(
    "json",
    "kubernetes secret metadata only",
    r"""
{
    "apiVersion": "v1",
    "kind": "Secret",
    "metadata": {
        "annotations": {"reloader.stakater.com/match": "true", "checksum/config": "«N:sha256»"},
        "name": "«N:svc»-secrets",
        "namespace": "«N:svc»",
        "uid": "«N:uuid»"
    },
    "type": "Opaque"
}
""",
)
t(
    "json",
    "json log with token ids and hashes",
    r"""
{"@timestamp":"«N:ts»","level":"INFO","logger_name":"com.acme.«N:svc».auth.TokenService","message":"Issued token","token_id":"«N:uuid»","token_sha256":"«N:sha256»","client_id":"«N:client_id»","expires_at":"«N:ts»","traceId":"«N:trace»"}
""",
)
t(
    "json",
    "spring cloud config response with cipher values",
    r"""
{"name":"«N:svc»","profiles":["prod"],"label":"main","version":"«N:commit»","propertySources":[{"name":"https://github.com/acme/config-repo.git/«N:svc»-prod.yml","source":{"spring.datasource.password":"{cipher}«N:hex64»«N:hex64»","app.jwt.secret":"{cipher}«N:hex64»«N:hex32»","server.port":8080}}]}
""",
)
t(
    "json",
    "keycloak client representation public",
    r"""
{
  "id" : "«N:uuid»",
  "clientId" : "«N:client_id»",
  "name" : "«N:svc» web",
  "rootUrl" : "https://«N:svc».«N:domain»",
  "publicClient" : true,
  "standardFlowEnabled" : true,
  "directAccessGrantsEnabled" : false,
  "attributes" : {"post.logout.redirect.uris" : "+", "pkce.code.challenge.method" : "S256"},
  "defaultClientScopes" : [ "web-origins", "profile", "roles", "email" ]
}
""",
)
t(
    "json",
    "app config with placeholders",
    r"""
{
  "datasource": {"url": "jdbc:postgresql://localhost:5432/«N:db»", "username": "<db-user>", "password": "<db-password>"},
  "oauth": {"clientId": "«N:client_id»", "clientSecret": "YOUR_CLIENT_SECRET"},
  "openai": {"apiKey": "sk-..."},
  "jasypt": {"password": "${JASYPT_ENCRYPTOR_PASSWORD}"}
}
""",
)
t(
    "json",
    "firebase web config public",
    r"""
{
  "projectId": "«N:svc»-app",
  "appId": "1:«N:epoch»:web:«N:hex32»",
  "storageBucket": "«N:svc»-app.appspot.com",
  "authDomain": "«N:svc»-app.firebaseapp.com",
  "messagingSenderId": "«N:epoch»",
  "measurementId": "G-«N:hex7»"
}
""",
)
t(
    "json",
    "jenkins plugin update center json",
    r"""
{"name":"credentials","version":"1337.v60b_d7b_c7b_c9f","url":"https://updates.jenkins.io/download/plugins/credentials/1337.v60b_d7b_c7b_c9f/credentials.hpi","sha1":"«N:b64_32»","sha256":"«N:b64_32»","requiredCore":"2.426.3","dependencies":[{"name":"structs","optional":false,"version":"337.v1b_04ea_4df7c8"}]}
""",
)


# ---------------------------------------------------------------------------------------------
# Rendering.

# Names that one document uses for one thing: unlabelled, they keep one value per document.
STICKY = {"svc", "domain", "host", "db", "user", "ver"}
PLACEHOLDER = re.compile(r"«([SN]):([a-z0-9_]+)(?::([a-z0-9]+))?(?:\|([a-z0-9]+))?»")


def _filter(value: str, name: str | None) -> str:
    if not name:
        return value
    if name == "url":
        return urllib.parse.quote(value, safe="")
    if name == "xml":
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    if name == "b64":
        return base64.b64encode(value.encode()).decode()
    if name == "xor":
        return websphere_xor(value)
    if name == "obf":
        return jetty_obf(value)
    if name == "json":
        return json.dumps(value)[1:-1]
    if name.startswith("ind"):
        return value.replace("\n", "\n" + " " * int(name[3:]))
    raise ValueError(f"unknown filter {name}")


def render(template: str, rng: random.Random) -> tuple[str, list[str]]:
    """The template with every placeholder replaced, and the secrets as they appear in the text."""
    values: dict[str, str] = {}
    secrets: list[str] = []

    def one(match: re.Match[str]) -> str:
        kind, gen, label, filt = match.groups()
        key = label or (gen if kind == "N" and gen in STICKY else f"#{match.start()}")
        if key not in values:
            values[key] = GENERATORS[gen](rng)
        value = _filter(values[key], filt)
        if kind == "S" and value not in secrets:
            secrets.append(value)
        return value

    return PLACEHOLDER.sub(one, template), secrets


def _envelope(text: str, rng: random.Random, which: int) -> tuple[str, int]:
    """The text as an agent log line holds it, and how many times it is JSON-escaped there."""
    tool_id = "toolu_01" + _s(rng, ALNUM, 22)
    session = uuid(rng)
    if which == 0:  # Claude Code stream-json (print mode stdout)
        line = {
            "type": "user",
            "message": {
                "role": "user",
                "content": [{"tool_use_id": tool_id, "type": "tool_result", "content": text}],
            },
            "parent_tool_use_id": None,
            "session_id": session,
            "uuid": uuid(rng),
        }
        return json.dumps(line), 1
    if which == 1:  # Claude Code transcript line
        line = {
            "parentUuid": uuid(rng),
            "isSidechain": False,
            "userType": "external",
            "cwd": f"/home/{rng.choice(FIRST)}/src/{rng.choice(SERVICES)}-service",
            "sessionId": session,
            "version": f"2.1.{rng.randint(10, 60)}",
            "gitBranch": rng.choice(["main", "develop", f"feature/{rng.choice(SERVICES)}-upgrade"]),
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {"tool_use_id": tool_id, "type": "tool_result", "content": text, "is_error": False}
                ],
            },
            "uuid": uuid(rng),
            "timestamp": GENERATORS["ts"](rng),
            "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
        }
        return json.dumps(line), 1
    if which == 2:  # Codex rollout: the output is itself a JSON string
        inner = json.dumps(
            {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(rng.random() * 4, 1)}}
        )
        line = {
            "timestamp": GENERATORS["ts"](rng),
            "type": "response_item",
            "payload": {
                "type": "function_call_output",
                "call_id": "call_" + _s(rng, ALNUM, 24),
                "output": inner,
            },
        }
        return json.dumps(line), 2
    if which == 3:  # codex exec --json
        line = {
            "type": "item.completed",
            "item": {
                "id": f"item_{rng.randint(1, 60)}",
                "type": "command_execution",
                "command": "bash -lc "
                + rng.choice(
                    [
                        "'cat application.yml'",
                        "'./mvnw -q verify'",
                        "'cat ~/.m2/settings.xml'",
                        "'./gradlew build --info'",
                    ]
                ),
                "aggregated_output": text,
                "exit_code": 0,
                "status": "completed",
            },
        }
        return json.dumps(line), 1
    line = {  # MCP tools/call result
        "jsonrpc": "2.0",
        "id": rng.randint(1, 400),
        "result": {"content": [{"type": "text", "text": text}], "isError": False},
    }
    return json.dumps(line), 1


def _escaped(secret: str, times: int) -> str:
    for _ in range(times):
        secret = json.dumps(secret)[1:-1]
    return secret


def templates() -> list[tuple[str, str, str]]:
    """(context, kind, text) of every template."""
    return list(TEMPLATES)


def _split(template: str) -> str:
    return "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"


def _clean(text: str, secrets: list[str]) -> bool:
    """True if no secret shows up, by chance, in the text around it (half of it would count as a leak)."""
    rest = text
    for secret in sorted(secrets, key=len, reverse=True):
        rest = rest.replace(secret, "\x00")
    return not any(leaked(secret, rest) for secret in secrets)


def _instance(template: str, rng: random.Random, envelope: int | None) -> tuple[str, list[str]]:
    """One rendering (in an agent-log envelope if given) whose secrets do not show up elsewhere in it."""
    for _ in range(50):
        text, secrets = render(template, rng)
        assert all(secret in text for secret in secrets), template[:80]
        assert ("«S:" in template) == bool(secrets), template[:80]
        assert "«" not in text, template[:80]
        if envelope is not None:
            text, times = _envelope(text, rng, envelope)
            secrets = [_escaped(secret, times) for secret in secrets]
            assert all(secret in text for secret in secrets), template[:80]
        if _clean(text, secrets):
            return text, secrets
    raise AssertionError(f"no clean instance of {template[:80]!r}")


def corpus(seed: int, copies: int = 6) -> list[Document]:
    documents: list[Document] = []
    for index, (context, kind, template) in enumerate(TEMPLATES):
        rng = random.Random(seed * 1_000_003 + index)
        split = _split(template)
        for copy in range(2 * copies):
            envelope = (copy + index) % 5 if copy >= copies else None
            text, secrets = _instance(template, rng, envelope)
            where = context if envelope is None else "json"
            documents.append(Document(text, secrets, where, kind, split, template))
    return documents


def main() -> None:
    counts: dict[str, list[int]] = {context: [0, 0] for context in CONTEXTS}
    for context, _kind, template in TEMPLATES:
        counts[context][0 if "«S:" in template else 1] += 1
    for context, (positive, negative) in counts.items():
        print(f"{context:8} {positive:4d} templates with secrets, {negative:4d} without")
    positives = sum(p for p, _ in counts.values())
    negatives = sum(n for _, n in counts.values())
    documents = corpus(131)
    planted = sum(len(d.secrets) for d in documents)
    print(f"total    {positives:4d} templates with secrets, {negatives:4d} without")
    print(f"{len(documents)} documents, {planted} planted secrets")


if __name__ == "__main__":
    main()
