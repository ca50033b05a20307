"""A twelfth labelled redaction corpus: secrets in text people (and agents) write about work.

Written blind to the redactor's rules and to the other corpora. The theme is the prose and markup
where credentials get pasted by hand: issue and pull-request threads, review comments with
suggestion blocks, chat copy-pastes and chat exports, e-mail threads with quoted and forwarded
replies, postmortems and runbooks, onboarding docs and READMEs, wiki pages (Confluence storage
format, MediaWiki, Notion exports), support tickets, Q&A posts, commit messages and changelogs,
notebook cells, meeting notes, an agent's own replies and plans, password hand-overs, and prose in
other languages around a credential. The negatives are the same world without a secret: rotation
notices naming key ids, references to password managers, masked values, placeholders, documented
example keys, public keys, signatures, hashes, ids, used one-time codes and links without a
credential.

Template syntax (each template is ``(context, kind, text)``):

- ``{{s:GEN}}`` plants a secret drawn from the generator ``GEN``; ``{{n:GEN}}`` draws a value that is
  not a secret. ``{{s:GEN:ARG}}`` passes one argument (a length, a word) to the generator.
- ``{{s:GEN@NAME}}`` (or ``{{n:GEN@NAME}}``) binds the value to ``NAME``; ``{{=NAME}}`` repeats it.
- ``|T`` after any placeholder transforms what is written: ``url`` (percent-encoded), ``json``
  (escaped as inside a JSON string), ``xml`` (HTML/XML entities), ``b64`` (base64), ``indentN``
  (lines after the first indented by N spaces), ``upper``, ``lower``. A secret is recorded as the
  exact string written, so a URL-encoded password is planted in its URL-encoded form.

Every value is drawn at run time from parts; provider prefixes and PEM armour are joined at run
time, so this file holds no secret-shaped literal. The only fixed values are the documented examples
that negatives quote (``doc_example``: AWS's sample key pair, jwt.io's sample token, a key-uri sample
TOTP secret, Slack's placeholder webhook), also joined from parts. Each document is checked so that
no half of a planted secret occurs in the text once the planted secrets are taken out (else the
leak test would count words of the prose as a leak); an instance that fails is drawn again.

``corpus(seed, copies)`` instantiates every template ``copies`` times in its own context and
``copies`` more times JSON-escaped inside agent-log lines (context ``json``): a Claude Code
stream-json tool result, a Claude Code transcript line (a Read result, or the agent's own text), a
Codex rollout ``function_call_output`` (doubly escaped), a ``codex exec --json`` command execution
and an MCP ``tools/call`` result.
"""

# ruff: noqa: E501, SIM905, W293 - templates and word lists read better on long lines; a diff template keeps its context line's space
from __future__ import annotations

import base64
import hashlib
import html
import inspect
import json
import random
import re
import string
import urllib.parse
import uuid
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


def leaked(secret: str, output: str) -> bool:
    """True if at least half of the secret (any run of len//2 characters) survives in output."""
    once = json.dumps(secret)[1:-1]
    for form in (secret, once, json.dumps(once)[1:-1]):
        run = max(1, len(form) // 2)
        if any(form[i : i + run] in output for i in range(len(form) - run + 1)):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Value generators. Each takes the rng and an optional string argument.

R = random.Random
UPPER, LOWER, DIGITS = string.ascii_uppercase, string.ascii_lowercase, string.digits
ALNUM = UPPER + LOWER + DIGITS
LOWER_ALNUM = LOWER + DIGITS
UPPER_ALNUM = UPPER + DIGITS
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
BASE32 = UPPER + "234567"
BECH32 = "".join(c for c in LOWER_ALNUM if c not in "1bio")
SYMBOLS = "!@#%^&*-_=+.?~"


def pick(rng: R, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def rbytes(rng: R, n: int) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(n))


WORDS = (
    "anchor harbor copper lantern falcon orchid maple cobalt velvet glacier thunder meadow "
    "walnut saffron pepper summit canyon violet marble comet willow ember river quartz badger "
    "pelican mango tundra cactus nimbus otter raven sierra tango zephyr biscuit pumpkin kiwi "
    "lobster panda puffin rocket sprocket tulip walrus yonder gadget jigsaw kettle lemur "
    "mosaic nectar parrot quokka rhubarb sequoia tiger umbra vortex wombat yeti zinnia "
    "acorn bramble cinder dynamo flint goblin hazel igloo juniper koala lilac magnet noodle"
).split()
BIP39 = (
    "abandon ability able about above absent absorb abstract absurd abuse access accident "
    "account accuse achieve acid acoustic acquire across act action actor actress actual adapt "
    "add addict address adjust admit adult advance advice aerobic affair afford afraid again age "
    "agent agree ahead aim air airport aisle alarm album alcohol alert alien all alley allow almost "
    "alone alpha already also alter always amateur amazing among amount amused analyst anchor "
    "ancient anger angle angry animal ankle announce annual another answer antenna antique anxiety "
    "any apart apology appear apple approve april arch arctic area arena argue arm armed armor army "
    "around arrange arrest arrive arrow art artefact artist artwork ask aspect assault asset assist "
    "assume asthma athlete atom attack attend attitude attract auction audit august aunt author "
    "auto autumn average avocado avoid awake aware away awesome awful awkward axis baby bachelor "
    "bacon badge bag balance balcony ball bamboo banana banner bar barely bargain barrel base basic "
    "basket battle beach bean beauty because become beef before begin behave behind believe below "
    "belt bench benefit best betray better between beyond bicycle bid bike bind biology bird birth "
    "bitter black blade blame blanket blast bleak bless blind blood blossom blouse blue blur blush "
    "board boat body boil bomb bone bonus book boost border boring borrow boss bottom bounce box "
    "boy bracket brain brand brass brave bread breeze brick bridge brief bright bring brisk "
    "broccoli broken bronze broom brother brown brush bubble buddy budget buffalo build bulb bulk "
    "bullet bundle bunker burden burger burst bus business busy butter buyer buzz cabbage cabin "
    "cable cactus cage cake call calm camera camp canal cancel candy cannon canoe canvas canyon "
    "capable capital captain car carbon card cargo carpet carry cart case cash casino castle casual"
).split()
FIRST = (
    "Dana Marco Priya Lena Tomasz Aiko Kwame Sofia Jonas Mei Rahul Ines Oskar Fatima Luca Chloe "
    "Mateo Yuki Hannah Diego Amara Niklas Wei Elif Samir Grace Pavel Noor Bruno Julia Kenji Zoe"
).split()
LAST = (
    "Whitfield Ruiz Natarajan Vogel Kowalski Tanaka Mensah Rossi Berg Chen Iyer Duarte Lindqvist "
    "Haddad Bianchi Moreau Alvarez Sato Becker Ortega Okafor Schulz Zhang Yilmaz Farouk Okoye "
    "Novak Rahman Costa Weber Ito Martin"
).split()
ORGS = "acme globex initech umbrella hooli stark wayne vandelay soylent tyrell cyberdyne pied-piper northwind contoso fabrikam".split()
SERVICES = "billing checkout payments ledger search ingest notifier gateway auth reports catalog inventory scheduler mailer webhooks analytics".split()
TLDS = ("com", "io", "dev", "net", "co")


def person(rng: R, arg: str = "") -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def first(rng: R, arg: str = "") -> str:
    return rng.choice(FIRST)


def user(rng: R, arg: str = "") -> str:
    style = rng.randrange(4)
    f, last = rng.choice(FIRST).lower(), rng.choice(LAST).lower()
    return (
        f"{f}.{last}",
        f"{f[0]}{last}",
        f"{f}_{last[:3]}{rng.randrange(10, 99)}",
        f"svc-{rng.choice(SERVICES)}",
    )[style]


def svcuser(rng: R, arg: str = "") -> str:
    return (
        rng.choice(("svc_", "app_", "", "deploy-", "ci-"))
        + rng.choice(SERVICES)
        + rng.choice(("", "_rw", "_ro", "-bot", "_prod"))
    )


def org(rng: R, arg: str = "") -> str:
    return rng.choice(ORGS)


def service(rng: R, arg: str = "") -> str:
    return rng.choice(SERVICES)


def domain(rng: R, arg: str = "") -> str:
    return f"{rng.choice(ORGS)}.{rng.choice(TLDS)}"


def email(rng: R, arg: str = "") -> str:
    return f"{rng.choice(FIRST).lower()}.{rng.choice(LAST).lower()}@{arg or domain(rng)}"


def host(rng: R, arg: str = "") -> str:
    env = rng.choice(("prod", "staging", "stg", "dev", "qa", "eu1", "us-east"))
    return f"{rng.choice(SERVICES)}-{env}-{rng.randrange(1, 9)}.{rng.choice(('internal', 'int', 'corp'))}.{domain(rng)}"


def dbhost(rng: R, arg: str = "") -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return f"{rng.choice(SERVICES)}-{pick(rng, LOWER_ALNUM, 6)}.{pick(rng, LOWER_ALNUM, 12)}.{rng.choice(('us-east-1', 'eu-west-1', 'eu-central-1', 'ap-south-1'))}.rds.amazonaws.com"
    if kind == 1:
        return f"db-{rng.choice(SERVICES)}-{rng.choice(('prod', 'staging'))}.{rng.choice(ORGS)}.internal"
    if kind == 2:
        return f"{rng.choice(ORGS)}-{rng.choice(('pg', 'sql', 'db'))}.postgres.database.azure.com"
    return f"10.{rng.randrange(0, 255)}.{rng.randrange(0, 255)}.{rng.randrange(2, 250)}"


def ip(rng: R, arg: str = "") -> str:
    return f"{rng.choice((10, 172, 192))}.{rng.randrange(0, 255)}.{rng.randrange(0, 255)}.{rng.randrange(2, 250)}"


def pubip(rng: R, arg: str = "") -> str:
    return f"{rng.choice((34, 35, 52, 54, 18, 3, 104, 151))}.{rng.randrange(0, 255)}.{rng.randrange(0, 255)}.{rng.randrange(2, 250)}"


def num(rng: R, arg: str = "1-999") -> str:
    lo, hi = (int(x) for x in (arg or "1-999").split("-"))
    return str(rng.randrange(lo, hi + 1))


def digits(rng: R, arg: str = "6") -> str:
    return str(rng.randrange(1, 10)) + pick(rng, DIGITS, int(arg or 6) - 1)


def hexs(rng: R, arg: str = "32") -> str:
    return pick(rng, HEX, int(arg or 32))


def hexup(rng: R, arg: str = "32") -> str:
    return pick(rng, HEX.upper(), int(arg or 32))


def alnum(rng: R, arg: str = "32") -> str:
    return pick(rng, ALNUM, int(arg or 32))


def lalnum(rng: R, arg: str = "32") -> str:
    return pick(rng, LOWER_ALNUM, int(arg or 32))


def ualnum(rng: R, arg: str = "10") -> str:
    return pick(rng, UPPER_ALNUM, int(arg or 10))


def b64s(rng: R, arg: str = "40") -> str:
    return pick(rng, B64, int(arg or 40))


def b64urls(rng: R, arg: str = "43") -> str:
    return pick(rng, B64URL, int(arg or 43))


def b64bytes(rng: R, arg: str = "32") -> str:
    return b64(rbytes(rng, int(arg or 32)))


def sha(rng: R, arg: str = "") -> str:
    return hexs(rng, "40")


def shortsha(rng: R, arg: str = "7") -> str:
    return hexs(rng, arg or "7")


def sha256(rng: R, arg: str = "") -> str:
    return hexs(rng, "64")


def digest(rng: R, arg: str = "") -> str:
    return "sha256:" + hexs(rng, "64")


def integrity(rng: R, arg: str = "") -> str:
    return "sha512-" + b64(rbytes(rng, 64))


def uuid4(rng: R, arg: str = "") -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def uuid7(rng: R, arg: str = "") -> str:
    ms = rng.randrange(1_730_000_000_000, 1_770_000_000_000)
    value = (ms << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62) | rng.getrandbits(62)
    return str(uuid.UUID(int=value))


def ts(rng: R, arg: str = "") -> str:
    return f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{rng.randrange(0, 24):02d}:{rng.randrange(0, 60):02d}:{rng.randrange(0, 60):02d}.{rng.randrange(0, 1000):03d}Z"


def date(rng: R, arg: str = "") -> str:
    return f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"


def clock(rng: R, arg: str = "") -> str:
    return f"{rng.randrange(0, 24):02d}:{rng.randrange(0, 60):02d}"


def ampm(rng: R, arg: str = "") -> str:
    return f"{rng.randrange(1, 13)}:{rng.randrange(0, 60):02d} {rng.choice(('AM', 'PM'))}"


def epoch(rng: R, arg: str = "") -> str:
    return str(rng.randrange(1_730_000_000, 1_770_000_000))


def semver(rng: R, arg: str = "") -> str:
    return f"{rng.randrange(0, 6)}.{rng.randrange(0, 30)}.{rng.randrange(0, 20)}"


def ticket(rng: R, arg: str = "") -> str:
    return f"{arg or rng.choice(('OPS', 'SEC', 'INC', 'PLAT', 'PAY', 'IT', 'SUP', 'DATA'))}-{rng.randrange(100, 9999)}"


def word(rng: R, arg: str = "") -> str:
    return rng.choice(WORDS)


def path(rng: R, arg: str = "") -> str:
    return (
        rng.choice(("/srv/", "/opt/", "/home/deploy/", "/var/www/", "~/work/"))
        + rng.choice(SERVICES)
        + rng.choice(
            ("/.env", "/config/settings.py", "/config.yaml", "/app/config.js", "/docker-compose.yml")
        )
    )


# --- secrets ------------------------------------------------------------------------------------


def pw_human(rng: R, arg: str = "") -> str:
    """Passwords as people choose them: words, digits, symbols."""
    w1, w2 = rng.choice(WORDS), rng.choice(WORDS)
    year = str(rng.randrange(1970, 2030))
    style = rng.randrange(8)
    if style == 0:
        return f"{w1.capitalize()}{rng.choice('-_.!#')}{w2.capitalize()}{rng.randrange(10, 100)}{rng.choice('!?#*')}"
    if style == 1:
        return f"{w1.capitalize()}{w2}{year}{rng.choice('!@#')}"
    if style == 2:
        leet = w1.replace("a", "4").replace("e", "3").replace("o", "0").replace("i", "1")
        return f"{leet.capitalize()}{rng.choice(SYMBOLS)}{w2.upper()}{rng.randrange(1, 100)}"
    if style == 3:
        return "-".join(rng.choice(WORDS) for _ in range(4))
    if style == 4:
        return f"{w1.capitalize()}{rng.randrange(100, 10000)}{rng.choice(SYMBOLS)}{w2[:4]}"
    if style == 5:
        return f"{rng.choice(('Welcome', 'Summer', 'Winter', 'Spring', 'Autumn', 'Company', 'Passw0rd'))}{rng.choice('@#!')}{w2.capitalize()}{year}"
    if style == 6:
        return f"{w1}{rng.choice(SYMBOLS)}{w2}{rng.choice(SYMBOLS)}{rng.randrange(100, 1000)}"
    return f"{w1.capitalize()}{w2.capitalize()}{rng.randrange(10, 100)}{rng.choice(SYMBOLS)}{rng.choice(SYMBOLS)}"


def pw_rand(rng: R, arg: str = "") -> str:
    """Generated passwords (password managers, pwgen, openssl rand)."""
    n = int(arg) if arg else rng.choice((16, 20, 24, 32))
    style = rng.randrange(4)
    if style == 0:
        return pick(rng, ALNUM, n)
    if style == 1:
        chars = [rng.choice(ALNUM + SYMBOLS) for _ in range(n)]
        chars[rng.randrange(n)] = rng.choice(SYMBOLS)
        chars[rng.randrange(n)] = rng.choice(DIGITS)
        return "".join(chars)
    if style == 2:
        return "-".join(pick(rng, LOWER + DIGITS, 6) for _ in range(3))
    return b64(rbytes(rng, 18))


def pw_any(rng: R, arg: str = "") -> str:
    return pw_human(rng) if rng.random() < 0.5 else pw_rand(rng)


def pw_url(rng: R, arg: str = "") -> str:
    """Passwords safe to write raw in a URL's userinfo (generated, no reserved characters)."""
    return pick(rng, ALNUM, rng.choice((16, 20, 24, 28)))


def app_password(rng: R, arg: str = "") -> str:
    """Google/Apple app-specific passwords: four groups of four letters."""
    sep = {"space": " ", "dash": "-"}.get(arg) or rng.choice((" ", "-"))
    return sep.join(pick(rng, LOWER, 4) for _ in range(4))


def basic(rng: R, arg: str = "") -> str:
    inner = GENERATORS[arg](rng, "") if arg else pw_any(rng)
    return b64(f"{user(rng)}:{inner}".encode())


def ghp(rng: R, arg: str = "") -> str:
    return "gh" + (arg or "p") + "_" + pick(rng, ALNUM, 36)


def github_pat(rng: R, arg: str = "") -> str:
    return "github" + "_pat_" + "11" + pick(rng, UPPER_ALNUM, 20) + "_" + pick(rng, ALNUM, 59)


def glpat(rng: R, arg: str = "") -> str:
    return "gl" + (arg or "pat") + "-" + pick(rng, B64URL, 20)


def openai(rng: R, arg: str = "") -> str:
    style = arg or rng.choice(("proj", "proj", "legacy", "svcacct"))
    marker = "T3Blbk" + "FJ"
    if style == "legacy":
        return "sk" + "-" + pick(rng, ALNUM, 20) + marker + pick(rng, ALNUM, 20)
    return "sk" + "-" + style + "-" + pick(rng, B64URL, 74) + marker + pick(rng, B64URL, 74)


def anthropic(rng: R, arg: str = "") -> str:
    return "sk" + "-ant-" + (arg or "api03") + "-" + pick(rng, B64URL, 93) + "AA"


def aws_secret(rng: R, arg: str = "") -> str:
    return pick(rng, B64, 40)


def aws_session(rng: R, arg: str = "") -> str:
    return "IQoJb3JpZ2luX2Vj" + pick(rng, B64, 340) + "="


def slack(rng: R, arg: str = "") -> str:
    kind = arg or rng.choice("bp")
    if kind == "b":
        return "xox" + "b-" + digits(rng, "12") + "-" + digits(rng, "13") + "-" + pick(rng, ALNUM, 24)
    if kind == "app":
        return "xa" + "pp-1-A" + pick(rng, UPPER_ALNUM, 10) + "-" + digits(rng, "13") + "-" + hexs(rng, "64")
    return (
        "xox"
        + "p-"
        + digits(rng, "12")
        + "-"
        + digits(rng, "12")
        + "-"
        + digits(rng, "13")
        + "-"
        + hexs(rng, "32")
    )


def discord_bot(rng: R, arg: str = "") -> str:
    return b64url(digits(rng, "18").encode()) + "." + pick(rng, B64URL, 6) + "." + pick(rng, B64URL, 38)


def stripe(rng: R, arg: str = "") -> str:
    """Stripe secret (sk), restricted (rk) keys, live or test (``arg`` like ``sk_test``), or ``whsec``."""
    if arg == "whsec":
        return "wh" + "sec_" + pick(rng, ALNUM, 32)
    kind, mode = (arg or "sk_live").split("_")
    return kind + "_" + mode + "_51" + pick(rng, ALNUM, 97)


def sendgrid(rng: R, arg: str = "") -> str:
    return "S" + "G." + pick(rng, B64URL, 22) + "." + pick(rng, B64URL, 43)


def google_key(rng: R, arg: str = "") -> str:
    return "AI" + "za" + "Sy" + pick(rng, B64URL, 33)


def gocspx(rng: R, arg: str = "") -> str:
    return "GOC" + "SPX-" + pick(rng, B64URL, 28)


def google_refresh(rng: R, arg: str = "") -> str:
    return "1//0" + pick(rng, B64URL, 99)


def google_access(rng: R, arg: str = "") -> str:
    return "ya" + "29." + pick(rng, B64URL, 160)


def azure_key(rng: R, arg: str = "") -> str:
    return b64(rbytes(rng, 64))


def azure_secret(rng: R, arg: str = "") -> str:
    return pick(rng, ALNUM, 3) + rng.choice(DIGITS) + "Q~" + pick(rng, ALNUM + "_.~-", 34)


def sas_sig(rng: R, arg: str = "") -> str:
    return urllib.parse.quote(b64(rbytes(rng, 32)), safe="")


def npm(rng: R, arg: str = "") -> str:
    return "np" + "m_" + pick(rng, ALNUM, 36)


def pypi(rng: R, arg: str = "") -> str:
    return "py" + "pi-" + "AgEIcHlwaS5vcmc" + pick(rng, B64URL, 150)


def dockerhub(rng: R, arg: str = "") -> str:
    return "dckr" + "_pat_" + pick(rng, B64URL, 27)


def huggingface(rng: R, arg: str = "") -> str:
    return "h" + "f_" + pick(rng, UPPER + LOWER, 34)


def atlassian(rng: R, arg: str = "") -> str:
    return "ATATT" + "3xFfGF0" + pick(rng, B64URL, 170) + "=" + hexup(rng, "8")


def bitbucket(rng: R, arg: str = "") -> str:
    return "AT" + "BB" + pick(rng, ALNUM, 32) + hexup(rng, "8")


def linear(rng: R, arg: str = "") -> str:
    return "lin" + "_api_" + pick(rng, ALNUM, 40)


def notion(rng: R, arg: str = "") -> str:
    return (
        ("nt" + "n_" + digits(rng, "12") + pick(rng, ALNUM, 34))
        if rng.random() < 0.5
        else ("sec" + "ret_" + pick(rng, ALNUM, 43))
    )


def figma(rng: R, arg: str = "") -> str:
    return "fi" + "gd_" + pick(rng, B64URL, 40)


def airtable(rng: R, arg: str = "") -> str:
    return "pat" + pick(rng, ALNUM, 14) + "." + hexs(rng, "64")


def telegram(rng: R, arg: str = "") -> str:
    return digits(rng, "10") + ":AA" + pick(rng, B64URL, 33)


def shopify(rng: R, arg: str = "") -> str:
    return "shp" + (arg or "at") + "_" + hexs(rng, "32")


def digitalocean(rng: R, arg: str = "") -> str:
    return "do" + "p_v1_" + hexs(rng, "64")


def vault(rng: R, arg: str = "") -> str:
    return "hv" + "s." + ("CAESI" + pick(rng, B64URL, 86) if rng.random() < 0.6 else pick(rng, ALNUM, 24))


def tfc(rng: R, arg: str = "") -> str:
    return pick(rng, ALNUM, 14) + ".atlas" + "v1." + pick(rng, ALNUM, 67)


def pinecone(rng: R, arg: str = "") -> str:
    return "pc" + "sk_" + pick(rng, ALNUM, 5) + "_" + pick(rng, ALNUM, 60)


def groq(rng: R, arg: str = "") -> str:
    return "gs" + "k_" + pick(rng, ALNUM, 52)


def replicate(rng: R, arg: str = "") -> str:
    return "r" + "8_" + pick(rng, ALNUM, 37)


def openrouter(rng: R, arg: str = "") -> str:
    return "sk" + "-or-v1-" + hexs(rng, "64")


def perplexity(rng: R, arg: str = "") -> str:
    return "pp" + "lx-" + pick(rng, ALNUM, 48)


def xai(rng: R, arg: str = "") -> str:
    return "x" + "ai-" + pick(rng, ALNUM, 80)


def mistral(rng: R, arg: str = "") -> str:
    return pick(rng, ALNUM, 32)


def newrelic(rng: R, arg: str = "") -> str:
    return "NR" + "AK-" + pick(rng, UPPER_ALNUM, 27)


def grafana(rng: R, arg: str = "") -> str:
    return "gl" + "sa_" + pick(rng, ALNUM, 32) + "_" + hexs(rng, "8")


def sentry_token(rng: R, arg: str = "") -> str:
    return "sntr" + "yu_" + hexs(rng, "64")


def postmark(rng: R, arg: str = "") -> str:
    return uuid4(rng)


def mailgun(rng: R, arg: str = "") -> str:
    return hexs(rng, "32") + "-" + hexs(rng, "8") + "-" + hexs(rng, "8")


def mailchimp(rng: R, arg: str = "") -> str:
    return hexs(rng, "32") + "-us" + str(rng.randrange(1, 22))


def okta(rng: R, arg: str = "") -> str:
    return "00" + pick(rng, B64URL, 40)


def jenkins(rng: R, arg: str = "") -> str:
    return "11" + hexs(rng, "32")


def artifactory(rng: R, arg: str = "") -> str:
    return "AKC" + "p8" + pick(rng, ALNUM, 68)


def sonar(rng: R, arg: str = "") -> str:
    return "sq" + (arg or "u") + "_" + hexs(rng, "40")


def circleci(rng: R, arg: str = "") -> str:
    return "CCI" + "PAT_" + pick(rng, ALNUM, 22) + "_" + hexs(rng, "40")


def buildkite(rng: R, arg: str = "") -> str:
    return "bk" + "ua_" + hexs(rng, "40")


def netlify(rng: R, arg: str = "") -> str:
    return "nf" + "p_" + pick(rng, ALNUM, 36)


def vercel(rng: R, arg: str = "") -> str:
    return pick(rng, ALNUM, 24)


def supabase_pat(rng: R, arg: str = "") -> str:
    return "sb" + "p_" + hexs(rng, "40")


def planetscale(rng: R, arg: str = "") -> str:
    return "pscale" + "_pw_" + pick(rng, B64URL, 43)


def contentful(rng: R, arg: str = "") -> str:
    return "CFP" + "AT-" + pick(rng, B64URL, 43)


def fcm_server(rng: R, arg: str = "") -> str:
    return "AAAA" + pick(rng, B64URL, 7) + ":" + "APA91b" + pick(rng, B64URL, 134)


def age_secret(rng: R, arg: str = "") -> str:
    return "AGE-SECRET" + "-KEY-1" + pick(rng, BECH32.upper(), 58)


def wg_key(rng: R, arg: str = "") -> str:
    return b64(rbytes(rng, 32))


def totp_seed(rng: R, arg: str = "") -> str:
    return pick(rng, BASE32, int(arg or 32))


def recovery(rng: R, arg: str = "") -> str:
    return pick(rng, LOWER_ALNUM, 5) + "-" + pick(rng, LOWER_ALNUM, 5)


def seed_phrase(rng: R, arg: str = "12") -> str:
    return " ".join(rng.choice(BIP39) for _ in range(int(arg or 12)))


def posthog_personal(rng: R, arg: str = "") -> str:
    return "ph" + "x_" + pick(rng, ALNUM, 43)


def launchdarkly(rng: R, arg: str = "") -> str:
    return "sd" + "k-" + uuid4(rng)


def mapbox_secret(rng: R, arg: str = "") -> str:
    return (
        "s"
        + "k."
        + b64url(
            json.dumps(
                {"u": user(rng).replace(".", ""), "a": "cl" + pick(rng, LOWER_ALNUM, 23)},
                separators=(",", ":"),
            ).encode()
        )
        + "."
        + pick(rng, B64URL, 22)
    )


def algolia_admin(rng: R, arg: str = "") -> str:
    return hexs(rng, "32")


def cloudflare(rng: R, arg: str = "") -> str:
    return pick(rng, B64URL, 40)


def generic_token(rng: R, arg: str = "") -> str:
    style = arg or rng.choice(("hex", "alnum", "b64url"))
    if style == "hex":
        return hexs(rng, rng.choice(("32", "40", "64")))
    if style == "alnum":
        return pick(rng, ALNUM, rng.choice((32, 40, 48)))
    return pick(rng, B64URL, rng.choice((43, 48, 64)))


def cookie_value(rng: R, arg: str = "") -> str:
    style = arg or rng.choice(("django", "php", "java", "rails", "express", "aspnet"))
    if style == "django":
        return pick(rng, LOWER_ALNUM, 32)
    if style == "php":
        return pick(rng, LOWER_ALNUM, 26)
    if style == "java":
        return hexup(rng, "32")
    if style == "rails":
        return b64(rbytes(rng, 96)).replace("=", "%3D") + "--" + hexs(rng, "40")
    if style == "express":
        return (
            "s%3A"
            + pick(rng, B64URL, 32)
            + "."
            + urllib.parse.quote(b64(rbytes(rng, 32)).rstrip("="), safe="")
        )
    return "CfDJ8" + pick(rng, B64URL, 300)


def jwt_parts(rng: R, header: dict, payload: dict, sig_bytes: int = 32) -> str:
    enc = lambda obj: b64url(json.dumps(obj, separators=(",", ":")).encode())  # noqa: E731
    return enc(header) + "." + enc(payload) + "." + b64url(rbytes(rng, sig_bytes))


def jwt(rng: R, arg: str = "") -> str:
    """A signed JWT that looks real (HS256 session or RS256 access token)."""
    now = int(epoch(rng))
    if arg == "rs" or (not arg and rng.random() < 0.4):
        header = {"alg": "RS256", "kid": pick(rng, B64URL, 27), "typ": "JWT"}
        payload = {
            "aud": rng.choice(("api://default", "https://graph.microsoft.com", "account")),
            "iss": rng.choice(("https://login.microsoftonline.com/", "https://auth.")) + domain(rng) + "/",
            "iat": now,
            "exp": now + 3600,
            "sub": uuid4(rng),
            "scp": "openid profile email",
            "email": email(rng),
        }
        return jwt_parts(rng, header, payload, 256)
    header = {"alg": "HS256", "typ": "JWT"}
    payload = {
        "sub": str(rng.randrange(1000, 999999)),
        "email": email(rng),
        "role": rng.choice(("admin", "user", "support")),
        "iat": now,
        "exp": now + 86400,
    }
    return jwt_parts(rng, header, payload)


def supabase_jwt(rng: R, arg: str = "service_role") -> str:
    now = int(epoch(rng))
    payload = {
        "iss": "supabase",
        "ref": pick(rng, LOWER, 20),
        "role": arg or "service_role",
        "iat": now,
        "exp": now + 315_360_000,
    }
    return jwt_parts(rng, {"alg": "HS256", "typ": "JWT"}, payload)


def pem_body(rng: R, prefix: str, size: int, width: int = 64) -> str:
    body = prefix + b64(rbytes(rng, size))[len(prefix) :]
    return "\n".join(body[i : i + width] for i in range(0, len(body), width))


def armour(label: str, body: str) -> str:
    dashes = "-" * 5
    return f"{dashes}BEGIN {label}{dashes}\n{body}\n{dashes}END {label}{dashes}"


PRIV = " PRIVATE" + " KEY"


def pem(rng: R, arg: str = "") -> str:
    kind = arg or rng.choice(("rsa", "pkcs8", "ec", "openssh"))
    if kind == "rsa":
        return armour("RSA" + PRIV, pem_body(rng, "MIIEo" + rng.choice("wg") + "IBAAKCAQEA", 1190))
    if kind == "pkcs8":
        return armour(PRIV[1:], pem_body(rng, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ", 1217))
    if kind == "ec":
        return armour("EC" + PRIV, pem_body(rng, "MHcCAQEEI", 121))
    return armour(
        "OPENSSH" + PRIV,
        pem_body(rng, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", 300, 70),
    )


def pgp_private(rng: R, arg: str = "") -> str:
    body = "\n".join(pick(rng, B64, 64) for _ in range(rng.randrange(18, 26)))
    body = rng.choice(("lQdGBG", "lFgEZ", "xcLYBG")) + body[6:] + "\n=" + pick(rng, B64, 4)
    return armour("PGP" + PRIV[:-4] + " KEY BLOCK", "\n" + body)


def putty(rng: R, arg: str = "") -> str:
    """The Private-Lines of a PuTTY key (the part that is the secret)."""
    return pick(rng, B64, 43) + "="


def jwk_d(rng: R, arg: str = "") -> str:
    return b64url(rbytes(rng, 32))


# --- not secrets --------------------------------------------------------------------------------


def akid(rng: R, arg: str = "") -> str:
    return (arg or "AKIA") + pick(rng, BASE32, 16)


def aws_account(rng: R, arg: str = "") -> str:
    return digits(rng, "12")


def twilio_sid(rng: R, arg: str = "") -> str:
    return (arg or "AC") + hexs(rng, "32")


def stripe_pk(rng: R, arg: str = "") -> str:
    return "pk" + "_" + (arg or "live") + "_51" + pick(rng, ALNUM, 97)


def stripe_id(rng: R, arg: str = "") -> str:
    prefix = arg or rng.choice(("cus", "pi", "ch", "evt", "in", "sub", "price", "re", "txn"))
    n = {"pi": 24, "ch": 24, "evt": 24, "re": 24, "txn": 24}.get(prefix, 14)
    return prefix + "_" + ("3" + pick(rng, ALNUM, n - 1) if n == 24 else pick(rng, ALNUM, n))


def google_client_id(rng: R, arg: str = "") -> str:
    return digits(rng, "12") + "-" + pick(rng, LOWER_ALNUM, 32) + ".apps.googleusercontent.com"


def ssh_pub(rng: R, arg: str = "") -> str:
    kind = arg or rng.choice(("ed25519", "rsa"))
    if kind == "ed25519":
        return (
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"
            + b64(rbytes(rng, 33))[1:44]
            + " "
            + user(rng).replace("svc-", "")
            + "@"
            + rng.choice(("laptop", "mbp", "workstation", "thinkpad"))
        )
    return "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ" + pick(rng, B64, 512) + "= " + email(rng)


def fingerprint(rng: R, arg: str = "") -> str:
    if arg == "md5":
        return ":".join(hexs(rng, "2") for _ in range(16))
    return "SHA256:" + b64(rbytes(rng, 32)).rstrip("=")


def gpg_fpr(rng: R, arg: str = "") -> str:
    return " ".join(hexup(rng, "4") for _ in range(10))


def pgp_public(rng: R, arg: str = "") -> str:
    body = "\n".join(pick(rng, B64, 64) for _ in range(rng.randrange(10, 16)))
    body = rng.choice(("mQINBG", "mDMEZ", "xsFNBG")) + body[6:] + "\n=" + pick(rng, B64, 4)
    return armour("PGP PUBLIC KEY BLOCK", "\n" + body)


def pgp_signature(rng: R, arg: str = "") -> str:
    body = (
        "\n".join(pick(rng, B64, 64) for _ in range(4))
        + "\n"
        + pick(rng, B64, 20)
        + "\n="
        + pick(rng, B64, 4)
    )
    return armour("PGP SIGNATURE", "\n" + body)


def cert(rng: R, arg: str = "") -> str:
    return armour("CERTIFICATE", pem_body(rng, "MIID" + rng.choice("hjrz") + "TCCA", 900))


def public_pem(rng: R, arg: str = "") -> str:
    return armour("PUBLIC KEY", pem_body(rng, "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", 294))


def ansible_vault(rng: R, arg: str = "") -> str:
    data = hexs(rng, str(rng.choice((320, 400, 480))))
    return "$ANSIBLE_VAULT;1.1;AES256\n" + "\n".join(data[i : i + 80] for i in range(0, len(data), 80))


def sops(rng: R, arg: str = "") -> str:
    return f"ENC[AES256_GCM,data:{b64(rbytes(rng, rng.randrange(12, 40)))},iv:{b64(rbytes(rng, 32))},tag:{b64(rbytes(rng, 16))},type:str]"


def sealed(rng: R, arg: str = "") -> str:
    return "AgB" + pick(rng, B64, 600) + "=="


def kms_blob(rng: R, arg: str = "") -> str:
    return "AQICAH" + pick(rng, B64, 180) + "=="


def png_data(rng: R, arg: str = "") -> str:
    raw = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rbytes(rng, 260 if arg else 420)
    return b64(raw) if arg == "raw" else "data:image/png;base64," + b64(raw)


def slack_id(rng: R, arg: str = "U") -> str:
    return (arg or "U") + "0" + pick(rng, UPPER_ALNUM, rng.choice((8, 10)))


def slack_ts(rng: R, arg: str = "") -> str:
    return f"{epoch(rng)}.{digits(rng, '6')}"


def snowflake(rng: R, arg: str = "") -> str:
    return digits(rng, "19")


def gh_node(rng: R, arg: str = "") -> str:
    return (arg or rng.choice(("PR_kwDO", "I_kwDO", "IC_kwDO", "PRR_kwDO"))) + pick(rng, B64URL, 16)


def drive_id(rng: R, arg: str = "") -> str:
    return "1" + pick(rng, B64URL, 43)


def notion_id(rng: R, arg: str = "") -> str:
    return hexs(rng, "32")


def figma_key(rng: R, arg: str = "") -> str:
    return pick(rng, ALNUM, 22)


def sentry_dsn(rng: R, arg: str = "") -> str:
    return f"https://{hexs(rng, '32')}@o{digits(rng, '6')}.ingest.{rng.choice(('', 'us.', 'de.'))}sentry.io/{digits(rng, '16')}"


def supabase_anon(rng: R, arg: str = "") -> str:
    return supabase_jwt(rng, "anon")


def mapbox_pk(rng: R, arg: str = "") -> str:
    return (
        "p"
        + "k."
        + b64url(
            json.dumps(
                {"u": user(rng).replace(".", ""), "a": "cl" + pick(rng, LOWER_ALNUM, 23)},
                separators=(",", ":"),
            ).encode()
        )
        + "."
        + pick(rng, B64URL, 22)
    )


def posthog_project(rng: R, arg: str = "") -> str:
    return "ph" + "c_" + pick(rng, ALNUM, 43)


def recaptcha_site(rng: R, arg: str = "") -> str:
    return "6L" + rng.choice("cdef") + pick(rng, B64URL, 37)


def age_public(rng: R, arg: str = "") -> str:
    return "age1" + pick(rng, BECH32, 58)


def hub_sig(rng: R, arg: str = "") -> str:
    return "sha256=" + hexs(rng, "64")


def otp(rng: R, arg: str = "") -> str:
    return pick(rng, DIGITS, 6)


def change_id(rng: R, arg: str = "") -> str:
    return "I" + hexs(rng, "40")


def req_id(rng: R, arg: str = "") -> str:
    style = arg or rng.choice(("anthropic", "openai", "uuid", "hex"))
    if style == "anthropic":
        return "req_011C" + pick(rng, ALNUM, 20)
    if style == "openai":
        return "req_" + hexs(rng, "32")
    if style == "uuid":
        return uuid4(rng)
    return hexs(rng, "16")


def msg_id(rng: R, arg: str = "") -> str:
    return "msg_01" + pick(rng, ALNUM, 22)


def toolu(rng: R, arg: str = "") -> str:
    return "toolu_01" + pick(rng, ALNUM, 22)


def call_id(rng: R, arg: str = "") -> str:
    return "call_" + pick(rng, ALNUM, 24)


def message_id(rng: R, arg: str = "") -> str:
    """An e-mail Message-ID as Gmail or Outlook writes it."""
    if rng.random() < 0.5:
        return f"<CA{pick(rng, B64URL.replace('-', '+'), 42)}@mail.gmail.com>"
    return f"<{pick(rng, UPPER_ALNUM, 20)}{pick(rng, UPPER_ALNUM, 12)}@{pick(rng, UPPER_ALNUM, 8)}.namprd{rng.randrange(2, 20):02d}.prod.outlook.com>"


def dkim(rng: R, arg: str = "") -> str:
    sig = b64(rbytes(rng, 256))
    lines = [sig[i : i + 70] for i in range(0, len(sig), 70)]
    return (
        f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\n        d={arg or domain(rng)}; s={rng.choice(('google', 'selector1', 's1', '20230601'))}; t={epoch(rng)};\n"
        f"        h=to:subject:message-id:date:from:mime-version:from:to:cc:subject:date:message-id:reply-to;\n"
        f"        bh={b64(rbytes(rng, 32))};\n        b=" + "\n         ".join(lines)
    )


def mask(rng: R, arg: str = "") -> str:
    """A masked value as UIs and people write it."""
    style = rng.randrange(6)
    tail = pick(rng, ALNUM, 4)
    prefix = {
        "gh": "gh" + "p_",
        "sk": "sk" + "-proj-",
        "xox": "xox" + "b-",
        "stripe": "sk" + "_live_",
        "aws": "",
        "": "",
    }.get(arg, arg)
    if style == 0:
        return prefix + "*" * rng.choice((8, 12, 20, 36)) + tail
    if style == 1:
        return prefix + "..." + tail
    if style == 2:
        return prefix + "\u2022" * rng.choice((8, 16, 24))
    if style == 3:
        return "[REDACTED]"
    if style == 4:
        return prefix + "\u2026" + tail
    return "*" * rng.choice((8, 10, 16))


def tail(rng: R, arg: str = "") -> str:
    """A value shown by its prefix and last four characters only."""
    prefix = {"xox": "xox" + "b-", "gh": "gh" + "p_", "sk": "sk" + "-"}[arg]
    return prefix + "\u2026" + pick(rng, ALNUM, 4)


def begin(rng: R, arg: str = "") -> str:
    """An armour line (``arg`` with underscores for spaces), joined here so this file holds none."""
    return "-" * 5 + "BEGIN " + arg.replace("_", " ") + "-" * 5


def end(rng: R, arg: str = "") -> str:
    return "-" * 5 + "END " + arg.replace("_", " ") + "-" * 5


def doc_example(rng: R, arg: str = "") -> str:
    """The documented example keys every reader knows (never random: they are the documented ones)."""
    examples = {
        "aws_id": "AKIAIOSFODNN7" + "EXAMPLE",
        "aws_secret": "/".join(("wJalrXUtnFEMI", "K7MDENG", "bPxRfiCY" + "EXAMPLEKEY")),
        "jwt_io": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
        + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "totp": "JBSWY3DP" + "EHPK3PXP",
        "slack_webhook": "https://hooks.slack.com/services/"
        + "T"
        + "0" * 8
        + "/B"
        + "0" * 8
        + "/"
        + "X" * 24,
    }
    return examples[arg]


GENERATORS: dict[str, Callable[[R, str], str]] = {
    name: fn
    for name, fn in list(globals().items())
    if inspect.isfunction(fn) and fn.__module__ == __name__ and fn.__code__.co_varnames[:2] == ("rng", "arg")
}


# ---------------------------------------------------------------------------------------------
# Templates.

TEMPLATES: list[tuple[str, str, str]] = []


def T(context: str, kind: str, text: str) -> None:
    assert context in CONTEXTS, context
    TEMPLATES.append((context, kind, text.removeprefix("\n")))


def templates() -> list[tuple[str, str, str]]:
    """(context, kind, text) of every template."""
    return list(TEMPLATES)


# --- issue and pull-request threads, code review (plain) ---------------------------------------

T(
    "plain",
    "github issue pasting a .env",
    r"""
### Describe the bug
After upgrading to v{{n:semver}} the worker crashes on boot with `KeyError: 'REDIS_URL'`, even though it is set.

### To Reproduce
1. `cp .env.example .env` and fill it in — mine is below
2. `docker compose up worker`

```
APP_ENV=staging
DATABASE_URL=postgres://{{n:svcuser}}:{{s:pw_url}}@{{n:dbhost}}:5432/{{n:service}}
REDIS_URL=redis://localhost:6379/0
OPENAI_API_KEY={{s:openai}}
SENTRY_DSN={{n:sentry_dsn}}
LOG_LEVEL=debug
```

### Expected behavior
Worker starts and picks jobs from the `default` queue.

### Environment
- OS: Ubuntu 22.04
- Docker: 24.0.7
- Commit: {{n:sha}}
""",
)

T(
    "plain",
    "github issue comment with yaml config",
    r"""
**{{n:user}}** commented on {{n:date}}

Same here on {{n:semver}}. Here's my `config.yml` in case it helps narrow it down:

```yaml
slack:
  enabled: true
  bot_token: {{s:slack:b}}
  channel: "#deploys"
  mention_on_failure: "@oncall"
retry:
  attempts: 3
```

Logs show `invalid_auth` right after the first `chat.postMessage`. Downgrading to {{n:semver}} fixes it.

👍 3
""",
)

T(
    "plain",
    "github issue: maintainer warns about a posted token and quotes it",
    r"""
**{{n:user}}** (Maintainer) commented {{n:num:2-9}} hours ago

Heads up @{{n:user}} — the log you pasted contains what looks like a live token:

> Authorization: token {{s:ghp@tok}}

Please revoke it at https://github.com/settings/tokens right away; I've hidden the original comment but forks and notification e-mails keep a copy. Anyone who received the notification e-mail for #{{n:num:100-4000}} has `{{=tok}}` in their inbox.
""",
)

T(
    "plain",
    "github pull request description with test key",
    r"""
## What
Adds retry with jitter around `PaymentIntent.confirm` and surfaces the decline code in the UI.

## Why
Fixes #{{n:num:100-3000}} — transient `api_connection_error`s were shown to customers as hard declines.

## How I tested
Ran the e2e suite against the shared test account:

    STRIPE_SECRET_KEY={{s:stripe:sk_test}} pnpm test:e2e --grep checkout

All 41 passing. Screenshots below.

## Checklist
- [x] Tests
- [x] Changelog entry
- [ ] Docs (follow-up: {{n:ticket:PAY}})
""",
)

T(
    "plain",
    "github discussion answer: docker login to ghcr with a PAT",
    r"""
Answered by **{{n:user}}** · {{n:date}}

You need a classic PAT with `write:packages`, fine-grained ones don't work with GHCR yet. This is what I run on our build box:

```
echo {{s:ghp}} | docker login ghcr.io -u {{n:user}} --password-stdin
docker push ghcr.io/{{n:org}}/{{n:service}}:{{n:shortsha}}
```

If you get `denied: permission_denied: write_package`, the package isn't linked to the repo — link it in the package settings.

✅ Marked as answer
""",
)

T(
    "plain",
    "github review comment with suggestion block",
    r"""
**{{n:user}}** reviewed on `src/clients/{{n:service}}.py` line {{n:num:10-300}}

```diff
@@ -12,7 +12,7 @@ from .http import Session
 
 log = logging.getLogger(__name__)
-API_KEY = "{{s:generic_token:alnum@k}}"
+API_KEY = "{{=k}}"
 BASE_URL = "https://api.{{n:domain}}/v2"
```

This key shouldn't live in the repo (and it's now in the PR history too). Suggest reading it from the environment:

```suggestion
API_KEY = os.environ["{{n:service|upper}}_API_KEY"]
```

Also please rotate it — the PR is public.
""",
)

T(
    "plain",
    "github review comment on hardcoded db password",
    r"""
> **{{n:person}}** commented on this line:
>
> ```
>      'PASSWORD': '{{s:pw_human}}',
> ```
>
> nit: let's not commit the dev DB password even if it's "only dev" — our dev DB is reachable from the VPN.

**{{n:person}}** replied:
Fair, moved to `.env` in {{n:shortsha}}. The dev password is also rotated now.
""",
)

T(
    "plain",
    "gitlab merge request thread with runner token",
    r"""
{{n:person}} @{{n:user}} · {{n:num:2-50}} minutes ago
Registered the new shell runner on `build-07` with:

    gitlab-runner register --non-interactive --url https://gitlab.{{n:domain}} --token {{s:glpat:rt}} --executor shell --description build-07

It shows up as online but jobs tagged `arm64` stay pending. Any idea?

{{n:person}} @{{n:user}} · 1 minute ago
The runner needs `--tag-list arm64` at registration; with the new tokens you set tags in the UI instead.
""",
)

T(
    "plain",
    "gitlab issue with stack trace and connection string",
    r"""
**Summary**
Nightly export fails since {{n:date}}.

**Steps**
Scheduled pipeline `export:nightly` (job #{{n:digits:9}}).

**Output**
```
Traceback (most recent call last):
  File "/app/export/run.py", line 88, in <module>
    engine = create_engine(settings.WAREHOUSE_URL)
  ...
sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "{{n:dbhost}}" ({{n:ip}}), port 5432 failed: FATAL:  password authentication failed for user "{{n:svcuser}}"
(Background on this error at: https://sqlalche.me/e/20/e3q8)
WAREHOUSE_URL=postgresql+psycopg2://{{n:svcuser}}:{{s:pw_rand|url}}@{{n:dbhost}}:5432/warehouse
```

/label ~bug ~"team::data"
/assign @{{n:user}}
""",
)

T(
    "plain",
    "jira ticket with code block of properties",
    r"""
h3. Problem
The UAT instance of {{n:service}} cannot reach the LDAP server after the network change in {{n:ticket:NET}}.

h3. Config currently deployed
{code:title=application-uat.properties}
spring.ldap.urls=ldaps://ldap.corp.{{n:domain}}:636
spring.ldap.base=dc=corp,dc={{n:org}},dc=com
spring.ldap.username=cn={{n:svcuser}},ou=ServiceAccounts,dc=corp,dc={{n:org}},dc=com
spring.ldap.password={{s:pw_any}}
management.endpoints.web.exposure.include=health,info
{code}

h3. Expected
Bind succeeds.

*Environment:* UAT, build {{n:num:100-900}} ({{n:shortsha}})
""",
)

T(
    "plain",
    "jira comment handing over sftp credentials",
    r"""
[~{{n:user}}] here are the creds for the partner SFTP (UAT only, prod comes via the usual process):

* *Host:* sftp-uat.{{n:domain}} (port 2222)
* *User:* {{n:svcuser}}
* *Password:* {{s:pw_human}}
* *Inbound dir:* /inbound/{{n:org}}

Please confirm once you've stored them and I'll delete this comment.
""",
)

T(
    "plain",
    "jira description with curl to jira api using api token",
    r"""
Steps to reproduce:

{noformat}
curl -s -u {{n:email}}:{{s:atlassian}} \
  -H "Accept: application/json" \
  "https://{{n:org}}.atlassian.net/rest/api/3/search?jql=project%3D{{n:ticket:OPS}}"
{noformat}

Result: HTTP 400 {"errorMessages":["Field 'project' does not exist"]} — but the same JQL works in the UI.

Affects: automation script {{n:path}}
""",
)

T(
    "plain",
    "gerrit review comment quoting a line",
    r"""
Patch Set {{n:num:2-9}}:

(3 comments)

File deploy/bootstrap.sh:

Line 41:
> export VAULT_TOKEN={{s:vault}}

Please don't bake a root token into the bootstrap script. Use the AppRole login that {{n:person}} added in Change {{n:num:10000-99999}}.

Line 57:
> sleep 30

Why 30?

Change-Id: {{n:change_id}}
""",
)

T(
    "plain",
    "bitbucket pull request comment with app password",
    r"""
{{n:person}} commented on pull request #{{n:num:10-900}}: Move pipelines to OIDC

For the record, the old pipeline used my app password as `BB_AUTH` — `{{n:user}}:{{s:bitbucket}}`. I've left it in place until this merges; after that I'll revoke it.

Reply · Like · {{n:date}}
""",
)

T(
    "plain",
    "github issue body pasting curl with bearer token and response",
    r"""
When calling the batch endpoint I get a 500 instead of a 422:

```console
$ curl -i -X POST https://api.{{n:domain}}/v1/batches \
    -H "Authorization: Bearer {{s:jwt}}" \
    -H "Content-Type: application/json" \
    -d '{"items": []}'
HTTP/2 500
date: Tue, 14 Oct 2025 09:12:44 GMT
content-type: application/json
x-request-id: {{n:req_id:uuid}}

{"error":"internal","trace_id":"{{n:hexs:32}}"}
```

Version: {{n:semver}}
""",
)

T(
    "plain",
    "github issue: helm values pasted with registry password",
    r"""
I'm deploying the chart on EKS and the pods stay in `ImagePullBackOff`. Values file:

```yaml
image:
  repository: registry.{{n:domain}}/platform/{{n:service}}
  tag: "{{n:semver}}"
imageCredentials:
  registry: registry.{{n:domain}}
  username: robot${{n:svcuser}}
  password: "{{s:generic_token:alnum}}"
resources:
  limits:
    memory: 512Mi
```

`kubectl describe pod` says `unauthorized: authentication required`. Is `imageCredentials` even used by the chart?
""",
)

T(
    "plain",
    "code review: agent reviewer flags a key in the diff",
    r"""
## Review summary

**Blocking**

1. `scripts/seed_demo.ts:14` commits a live Anthropic key:
   ```ts
   const client = new Anthropic({ apiKey: "{{s:anthropic}}" });
   ```
   Move it to `process.env.ANTHROPIC_API_KEY` and rotate the key — it is in the branch history now.

**Non-blocking**

2. `seed_demo.ts:30` — the loop creates 500 users sequentially; consider `Promise.all` in batches of 20.
3. Typo in `README.md` ("enviroment").
""",
)

T(
    "plain",
    "github issue template filled: webhook url in config",
    r"""
**Version:** {{n:semver}}
**Deployment:** self-hosted (docker)

**What happened?**
Alerts stopped arriving in Slack after I changed the channel. Here is the notifier section of my config:

```toml
[notifier.slack]
webhook_url = "https://hooks.slack.com/services/T{{n:ualnum:9}}/B{{n:ualnum:11}}/{{s:alnum:24}}"
channel = "#alerts-prod"
username = "alertbot"
```

**Logs**
```
{{n:ts}} WARN notifier: slack returned 404 channel_not_found
```
""",
)

T(
    "plain",
    "gitlab snippet comment with ci variable value",
    r"""
{{n:person}} commented on snippet $ {{n:num:1000-9999}}

The `NPM_TOKEN` CI variable was masked but the job still printed it because of `set -x`:

    + npm config set //registry.npmjs.org/:_authToken {{s:npm}}
    + npm publish --access public

I've deleted the job log (job {{n:digits:9}}) but the token has to be rotated.
""",
)

T(
    "plain",
    "github issue: kubeconfig pasted",
    r"""
kubectl works from my laptop but the CI job fails with `You must be logged in to the server (Unauthorized)`. The kubeconfig the job writes:

```yaml
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: {{n:b64bytes:600}}
    server: https://{{n:pubip}}:6443
  name: staging
users:
- name: ci
  user:
    token: {{s:jwt:rs}}
contexts:
- context: {cluster: staging, user: ci}
  name: ci@staging
current-context: ci@staging
```
""",
)

T(
    "plain",
    "pull request comment: bot posting preview env with admin password",
    r"""
🤖 **preview-bot** commented

Preview environment for `{{n:shortsha}}` is ready:

| | |
|---|---|
| URL | https://pr-{{n:num:100-999}}.preview.{{n:domain}} |
| Admin user | `admin` |
| Admin password | `{{s:pw_rand}}` |
| Expires | {{n:date}} |

Logs: https://ci.{{n:domain}}/runs/{{n:digits:8}}
""",
)

T(
    "plain",
    "jira comment with basic auth header from a har",
    r"""
Captured from the HAR the customer attached (request #{{n:num:3-40}}):

{code}
POST /api/v2/orders HTTP/1.1
Host: partner-api.{{n:domain}}
Authorization: Basic {{s:basic}}
Content-Type: application/json
X-Correlation-Id: {{n:uuid4}}
{code}

The partner returns 403 only for requests routed through the EU gateway. Assigning to [~{{n:user}}].
""",
)

T(
    "plain",
    "github issue: rails master key pasted by mistake",
    r"""
Running `bin/rails credentials:edit` gives `ActiveSupport::MessageEncryptor::InvalidMessage`.

My `config/master.key` is `{{s:hexs:32}}` and I'm sure it's the one from the original machine. Ruby 3.3.0, Rails 7.1.3.

edit: oh no, I shouldn't have posted that. Rotating.
""",
)

T(
    "plain",
    "code review on terraform with aws keys",
    r"""
**{{n:user}}** requested changes

`infra/providers.tf`

```hcl
provider "aws" {
  region     = "eu-west-1"
  access_key = "{{n:akid}}"
  secret_key = "{{s:aws_secret}}"
}
```

Please don't put static keys in the provider block — the pipeline already assumes `arn:aws:iam::{{n:aws_account}}:role/terraform-ci`. And this key pair needs to be deactivated now.
""",
)

T(
    "plain",
    "github issue with docker config.json auth",
    r"""
Build fails at `docker pull` on the self-hosted runner. `~/.docker/config.json` on the runner:

```json
{
	"auths": {
		"https://index.docker.io/v1/": {
			"auth": "{{s:basic:dockerhub}}"
		}
	},
	"credsStore": ""
}
```

The runner user is `runner` (uid 1001). Any idea why it's ignored?
""",
)

T(
    "plain",
    "gitlab issue: smtp settings in gitlab.rb",
    r"""
Notification e-mails stopped after the upgrade to {{n:semver}}. Relevant part of `/etc/gitlab/gitlab.rb`:

```ruby
gitlab_rails['smtp_enable'] = true
gitlab_rails['smtp_address'] = "smtp.gmail.com"
gitlab_rails['smtp_port'] = 587
gitlab_rails['smtp_user_name'] = "{{n:email}}"
gitlab_rails['smtp_password'] = "{{s:app_password:space}}"
gitlab_rails['smtp_domain'] = "smtp.gmail.com"
gitlab_rails['smtp_authentication'] = "login"
```

`gitlab-rails runner 'Notify.test_email(...).deliver_now'` returns `Net::SMTPAuthenticationError: 535-5.7.8`.
""",
)

T(
    "plain",
    "github issue: sendgrid key in error message",
    r"""
Got this in the logs today and I'm not sure whether it's our fault:

```
{{n:ts}} ERROR mailer: send failed status=401 body={"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked","field":null,"help":null}]} api_key={{s:sendgrid}} template=d-{{n:hexs:32}}
```

Are we supposed to log the key like that? 😬
""",
)

# --- chat copy-pastes (plain) -------------------------------------------------------------------

T(
    "plain",
    "slack copy-paste: staging db creds in a thread",
    r"""
{{n:person}}  {{n:ampm}}
anyone have the staging db creds? the ones in the wiki are stale
{{n:person}}  {{n:ampm}}
host `{{n:dbhost}}` user `{{n:svcuser}}` pw `{{s:pw_human}}`
{{n:person}}  {{n:ampm}}
ty! :pray:
{{n:person}}  {{n:ampm}}
pls don't paste creds in channels :eyes: use 1password next time
""",
)

T(
    "plain",
    "slack copy-paste: bot token for a test app",
    r"""
{{n:first}}  {{n:clock}}
ok I made a new Slack app for the standup bot, install is done. Bot token is
{{s:slack:b}}
signing secret {{s:hexs:32}}
{{n:first}}  {{n:clock}}
nice, I'll wire it up after lunch
""",
)

T(
    "plain",
    "slack copy-paste with link unfurl and webhook",
    r"""
{{n:person}}  {{n:ampm}}
here's the incoming webhook for #deploy-notifs, add it to the GH secret pls https://hooks.slack.com/services/T{{n:ualnum:9}}/B{{n:ualnum:11}}/{{s:alnum:24}}
Incoming Webhooks | Slack App Directory
Send data into Slack in real-time.
{{n:person}}  {{n:ampm}}
done :white_check_mark:
""",
)

T(
    "plain",
    "teams chat copy-paste with api key",
    r"""
[{{n:date}} {{n:clock}}] {{n:person}}: Hi, do you have the key for the translation API? Procurement says we have a test subscription.
[{{n:date}} {{n:clock}}] {{n:person}}: yes, it's the Azure one – key1: {{s:hexs:32}}  region: westeurope
[{{n:date}} {{n:clock}}] {{n:person}}: thanks 👍
[{{n:date}} {{n:clock}}] {{n:person}}: please don't forward it, it's billed to our cost center
""",
)

T(
    "plain",
    "discord copy-paste: bot token while debugging",
    r"""
{{n:user}} — Today at {{n:ampm}}
my bot doesn't come online, `discord.errors.LoginFailure: Improper token has been passed.`
```py
client = discord.Client(intents=intents)
client.run("{{s:discord_bot}}")
```
{{n:user}} — Today at {{n:ampm}}
first: reset that token NOW, everyone in this server can see it
second: you need the message content intent enabled in the dev portal
""",
)

T(
    "plain",
    "mattermost copy-paste with vpn password",
    r"""
@{{n:user}}
{{n:clock}} new VPN account for the contractor: login `ext-{{n:user}}`, temporary password `{{s:pw_rand}}` — they must change it at first login. Profile file is in ~town-square pinned messages.
@{{n:user}}
{{n:clock}} got it, forwarding via Signal
""",
)

T(
    "plain",
    "slack thread: agent-style bot posting a rotated key",
    r"""
Deploy Bot APP  {{n:ampm}}
:key: Rotated `{{n:service}}` service key for *production*.
New key: `{{s:generic_token:b64url}}`
Old key id `{{n:hexs:8}}` will be revoked at {{n:clock}} UTC.
Triggered by @{{n:user}} · run #{{n:num:1000-9999}}
""",
)

T(
    "plain",
    "slack copy-paste: aws keys for a sandbox account",
    r"""
{{n:person}}  {{n:ampm}}
made you an IAM user in the sandbox account ({{n:aws_account}})
access key: {{n:akid}}
secret: {{s:aws_secret}}
console pw: {{s:pw_rand}} (you'll be asked to change it)
{{n:person}}  {{n:ampm}}
:raised_hands:
""",
)

T(
    "plain",
    "teams chat handing a vendor an okta token",
    r"""
{{n:person}} {{n:ampm}}
For the vendor demo later: they need a token for our sandbox tenant. I generated one: {{s:okta}}  (SSWS header, expires Friday)
{{n:person}} {{n:ampm}}
Meeting recording will be in the channel files.
""",
)

T(
    "plain",
    "discord copy-paste: openai key shared for a hackathon",
    r"""
{{n:user}} — {{n:date}} {{n:clock}}
team key for the hackathon, usage cap is $50:
{{s:openai}}
don't commit it pls
{{n:user}} — {{n:date}} {{n:clock}}
🫡
""",
)

T(
    "plain",
    "slack copy-paste: huggingface token in a code snippet",
    r"""
{{n:person}}  {{n:ampm}}
getting 401 on the gated model, this is what I run:
```from huggingface_hub import login
login(token="{{s:huggingface}}")
model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.1-8B-Instruct")```
{{n:person}}  {{n:ampm}}
you need to accept the license on the model page with the same account
""",
)

T(
    "plain",
    "whatsapp export with wifi and door code",
    r"""
{{n:date}}, {{n:clock}} - {{n:first}}: Welcome to the offsite crew! Practical info below 👇
{{n:date}}, {{n:clock}} - {{n:first}}: WiFi: {{n:org}}-Guest / password {{s:pw_human}}
{{n:date}}, {{n:clock}} - {{n:first}}: Admin panel of the router if it acts up: admin / {{s:pw_rand}}
{{n:date}}, {{n:clock}} - {{n:first}}: Dinner at 19:30, bus leaves 18:45 sharp
""",
)

T(
    "plain",
    "irc log with nickserv password",
    r"""
[{{n:clock}}] <{{n:user}}> argh
[{{n:clock}}] <{{n:user}}> /msg NickServ IDENTIFY {{s:pw_human}}
[{{n:clock}}] <{{n:user}}> wrong window, ignore that
[{{n:clock}}] -NickServ- You are now identified for {{n:user}}.
[{{n:clock}}] <{{n:user}}> change it anyway :)
""",
)

T(
    "plain",
    "slack copy-paste: gitlab deploy token for a customer",
    r"""
{{n:person}}  {{n:ampm}}
customer needs to pull our helm chart from the package registry, created a deploy token:
username: gitlab+deploy-token-{{n:num:100-9999}}
token: {{s:glpat:dt}}
scopes: read_package_registry
""",
)

T(
    "plain",
    "google chat copy-paste: telegram bot token",
    r"""
{{n:person}}, {{n:ampm}}
The alerts bot for the on-call Telegram group: token {{s:telegram}}, chat id -100{{n:digits:10}}
{{n:person}}, {{n:ampm}}
Added to the alertmanager receiver 👍
""",
)

# --- e-mail threads (plain) ----------------------------------------------------------------------

T(
    "plain",
    "email reply quoting credentials from the previous message",
    r"""
Hi {{n:first}},

Thanks, that worked — I could log in and see the exports.

Best,
{{n:person}}

On {{n:date}} at {{n:clock}}, {{n:person}} <{{n:email}}> wrote:
> Hi,
>
> Here are your credentials for the reporting portal:
>
> URL: https://reports.{{n:domain}}/login
> Username: {{n:email}}
> Password: {{s:pw_human}}
>
> Please change the password after your first login.
>
> Kind regards,
> IT Service Desk
""",
)

T(
    "plain",
    "forwarded email with api key from vendor",
    r"""
---------- Forwarded message ---------
From: {{n:org}} Support <support@{{n:domain}}>
Date: {{n:date}} {{n:clock}}
Subject: Your API credentials
To: <{{n:email}}>


Hello,

Your production API credentials have been created.

Client ID: {{n:uuid4}}
Client Secret: {{s:b64urls:43}}

Store the client secret securely. For security reasons we cannot show it again.

The {{n:org}} Team
""",
)

T(
    "plain",
    "email thread with nested quotes and a password",
    r"""
Perfect, thanks!

On {{n:date}}, {{n:person}} wrote:
> Done — the shared mailbox password was reset to {{s:pw_human}}
> It's set to never expire, as requested.
>
> On {{n:date}}, {{n:person}} wrote:
>> Hi IT, can you reset the password of finance-shared@{{n:domain}}? Nobody remembers it since {{n:first}} left.
>>
>> Thanks
""",
)

T(
    "plain",
    "email from a contractor with ssh private key attached inline",
    r"""
Subject: Re: access to build server

Hi {{n:first}},

As discussed, here's the key I use for the build server, the public part is already in authorized_keys:

{{s:pem:openssh}}

Let me know if you need anything else.

Cheers,
{{n:person}}
""",
)

T(
    "plain",
    "email: smtp credentials from hosting provider",
    r"""
Dear customer,

The SMTP relay for {{n:domain}} is now active.

  Server:   smtp.{{n:domain}}
  Port:     587 (STARTTLS)
  Username: postmaster@{{n:domain}}
  Password: {{s:pw_rand}}

Sending limit: 500 messages / hour.

If you did not request this change, contact us at +49 30 {{n:digits:8}}.

--
Hosting Support · Ticket #{{n:digits:7}}
""",
)

T(
    "plain",
    "email with outlook-style quoted header and db connection string",
    r"""
Hi all,

For tomorrow's migration please use the new connection string below.

Thanks,
{{n:first}}

________________________________
From: {{n:person}} <{{n:email}}>
Sent: {{n:date}} {{n:clock}}
To: DBA Team <dba@{{n:domain}}>
Subject: New replica

Server={{n:dbhost}},1433;Database={{n:service}};User Id={{n:svcuser}};Password={{s:pw_any}};Encrypt=True;TrustServerCertificate=False;
""",
)

T(
    "plain",
    "email: password reset link pasted in a reply",
    r"""
Hi {{n:first}},

I clicked the reset link but it says expired — here it is in case you can check it on your side:

https://accounts.{{n:domain}}/reset?token={{s:b64urls:43}}&uid={{n:num:1000-99999}}

Thanks,
{{n:person}}
""",
)

T(
    "plain",
    "email handover notes when leaving the company",
    r"""
Subject: Handover — things only I know

Hi team,

Before I leave on Friday, a few things that aren't written down anywhere:

1. The old Jenkins box (jenkins-legacy.{{n:domain}}) still runs the nightly invoice export. Admin: `admin` / `{{s:pw_human}}`
2. The DNS registrar account is under my e-mail; I've started the transfer to it-admin@{{n:domain}}.
3. The Twilio account for SMS: SID {{n:twilio_sid}}, auth token {{s:hexs:32}}.
4. The monitoring Pingdom account is billed to my card until {{n:date}}.

It was a pleasure,
{{n:first}}
""",
)

T(
    "plain",
    "email with gmail app password setup for a printer",
    r"""
Hi {{n:first}},

To get scan-to-email working on the office printer I created an app password on scanner@{{n:domain}}:

    {{s:app_password:space}}

Enter it in the printer's SMTP settings (smtp.gmail.com, port 587, TLS). The normal password won't work since we enforced 2FA.

{{n:first}}
""",
)

T(
    "plain",
    "email: access request approved with temporary password",
    r"""
Your access request {{n:ticket:RITM}} has been approved.

Application: SAP GUI (PRD client 100)
User ID: {{n:user|upper}}
Initial password: {{s:pw_rand:12}}

You will be asked to set a new password at first logon. This message was sent automatically, please do not reply.
""",
)

# --- postmortems, runbooks, onboarding, READMEs (plain) ----------------------------------------

T(
    "plain",
    "postmortem timeline quoting the leaked key",
    r"""
# Postmortem: {{n:ticket:INC}} — leaked payment key

**Status:** resolved · **Severity:** SEV-2 · **Authors:** {{n:person}}, {{n:person}}

## Summary
A live Stripe restricted key was committed to a public repository and used by a third party to list customers.

## Timeline (UTC)
| time | event |
|---|---|
| {{n:clock}} | commit {{n:shortsha}} pushes `config/stripe.yml` containing `{{s:stripe:rk_live}}` |
| {{n:clock}} | GitHub secret scanning alerts security@ |
| {{n:clock}} | key rolled in the dashboard; new key stored in Vault |
| {{n:clock}} | Stripe confirms 3 list calls from {{n:pubip}} |

## Root cause
The `.gitignore` entry for `config/*.yml` was removed in {{n:shortsha}}.
""",
)

T(
    "plain",
    "runbook step with psql command and password",
    r"""
## Restoring a single table from the nightly dump

1. Find the dump in `s3://{{n:org}}-backups/pg/{{n:date}}/`.
2. Restore into a scratch database:

   ```
   PGPASSWORD='{{s:pw_human}}' pg_restore -h {{n:dbhost}} -U restore_admin -d scratch --table=invoices dump.pgc
   ```

3. Compare row counts with the live table before copying anything back.
4. Post in #data-ops when done.

> Owner: {{n:person}} · Last reviewed {{n:date}}
""",
)

T(
    "plain",
    "onboarding doc with shared account list",
    r"""
# Welcome to the Support team 👋

## Day 1 checklist
- [ ] Get your laptop from IT (ticket {{n:ticket:IT}})
- [ ] Join #support, #support-escalations
- [ ] Log in to the shared accounts below

## Shared accounts
| Tool | Login | Password |
|------|-------|----------|
| Zendesk sandbox | support-sandbox@{{n:domain}} | `{{s:pw_human}}` |
| Status page | status@{{n:domain}} | `{{s:pw_rand}}` |
| Demo tenant | demo-admin | `{{s:pw_human}}` |

Ask {{n:first}} if one of them doesn't work.
""",
)

T(
    "plain",
    "README setup section with a real token in the example",
    r"""
## Getting started

```bash
git clone https://github.com/{{n:org}}/{{n:service}}.git
cd {{n:service}}
cp .env.example .env
```

Then set your Linear token in `.env` (ask in #eng-tools for one):

```
LINEAR_API_KEY={{s:linear}}
LINEAR_TEAM_ID={{n:uuid4}}
```

Run `make dev` and open http://localhost:3000.
""",
)

T(
    "plain",
    "incident notes with redis password in a command",
    r"""
INCIDENT {{n:ticket:INC}} — notes (live doc, tidy up later)

{{n:clock}} cache hit ratio dropped to 12%
{{n:clock}} {{n:first}}: `redis-cli -h {{n:host}} -a '{{s:pw_rand}}' info stats | grep evicted` → evicted_keys:8812031
{{n:clock}} maxmemory-policy was reset to noeviction by the failover, set back to allkeys-lru
{{n:clock}} ratio back to 94%
TODO: the failover config, alert on evictions
""",
)

T(
    "plain",
    "runbook: break-glass procedure with root password",
    r"""
BREAK-GLASS ACCESS — {{n:service}} production

Use only when SSO is down and there is an active SEV-1.

1. Open the sealed envelope in the office safe OR use the values below (kept here until the safe is installed — {{n:ticket:SEC}}).
   - root account: `breakglass@{{n:domain}}`
   - password: {{s:pw_rand:24}}
   - MFA recovery code: {{s:recovery}}
2. Log every action in the incident channel.
3. Rotate the password afterwards and update this page.
""",
)

T(
    "plain",
    "postmortem appendix with grep output showing a secret",
    r"""
### Appendix B — how far did the token spread?

```
$ grep -rn "{{s:glpat@t}}" /var/log/ci/ | head -3
/var/log/ci/job-{{n:digits:7}}.log:212:+ git clone https://oauth2:{{=t}}@gitlab.{{n:domain}}/platform/infra.git
/var/log/ci/job-{{n:digits:7}}.log:212:+ git clone https://oauth2:{{=t}}@gitlab.{{n:domain}}/platform/infra.git
```

Only two job logs; both deleted at {{n:clock}}. The token was revoked at {{n:clock}}.
""",
)

T(
    "plain",
    "onboarding doc: local dev with seed admin",
    r"""
### Local development

The seed script creates an admin user so you can log in right away:

* email: `admin@{{n:domain}}`
* password: `{{s:pw_human}}`

This same seed runs on the **staging** environment, so treat it as a real password. (Yes, we know — {{n:ticket:PLAT}}.)

### Running tests
`make test` runs unit tests; `make e2e` needs Docker.
""",
)

T(
    "plain",
    "runbook: renewing certificates with pfx password",
    r"""
## Renew the wildcard certificate (yearly)

1. Download the new bundle from the CA portal (account in 1Password: "CA portal").
2. Convert to PFX for the IIS boxes:

       openssl pkcs12 -export -out wildcard.pfx -inkey wildcard.key -in wildcard.crt -certfile chain.crt -passout pass:{{s:pw_rand@pfx}}

3. Import on each node with the same password: `certutil -f -p {{=pfx}} -importpfx wildcard.pfx`
4. Update the expiry date in the calendar.
""",
)

T(
    "plain",
    "README badge section with a token in the badge url",
    r"""
# {{n:service}}

[![pipeline status](https://gitlab.{{n:domain}}/{{n:org}}/{{n:service}}/badges/main/pipeline.svg?private_token={{s:glpat}})](https://gitlab.{{n:domain}}/{{n:org}}/{{n:service}}/-/commits/main)
[![coverage](https://img.shields.io/badge/coverage-{{n:num:60-99}}%25-green)](#)

Internal service that reconciles payouts.
""",
)

# --- wikis (plain) -------------------------------------------------------------------------------

T(
    "plain",
    "confluence storage format page with a password in a table",
    r"""
<h2>Test environments</h2>
<table><colgroup><col /><col /><col /></colgroup>
<tbody>
<tr><th><p>Env</p></th><th><p>URL</p></th><th><p>Admin login</p></th></tr>
<tr><td><p>INT</p></td><td><p><a href="https://int.{{n:domain}}">https://int.{{n:domain}}</a></p></td><td><p>admin / <code>{{s:pw_human|xml}}</code></p></td></tr>
<tr><td><p>UAT</p></td><td><p><a href="https://uat.{{n:domain}}">https://uat.{{n:domain}}</a></p></td><td><p>admin / <code>{{s:pw_human|xml}}</code></p></td></tr>
</tbody></table>
<ac:structured-macro ac:name="info" ac:schema-version="1" ac:macro-id="{{n:uuid4}}"><ac:rich-text-body><p>Owner: {{n:person}}</p></ac:rich-text-body></ac:structured-macro>
""",
)

T(
    "plain",
    "confluence storage format code macro with api token",
    r"""
<p>To call the billing API from a script:</p>
<ac:structured-macro ac:name="code" ac:schema-version="1" ac:macro-id="{{n:uuid4}}">
<ac:parameter ac:name="language">bash</ac:parameter>
<ac:parameter ac:name="title">export invoices</ac:parameter>
<ac:plain-text-body><![CDATA[curl -H "X-Api-Key: {{s:generic_token:hex}}" \
  "https://billing.{{n:domain}}/api/invoices?from={{n:date}}" > invoices.json]]></ac:plain-text-body>
</ac:structured-macro>
<p>Ask {{n:person}} before running it against production.</p>
""",
)

T(
    "plain",
    "mediawiki page with credentials in a template box",
    r"""
== Lab network ==
{{Infobox server
| name     = lab-nas01
| ip       = {{n:ip}}
| os       = TrueNAS 13
| owner    = [[User:{{n:first}}|{{n:first}}]]
}}

=== Access ===
* Web UI: <nowiki>https://</nowiki>{{n:ip}}
* User: <code>root</code>
* Password: <code>{{s:pw_human}}</code>

=== SMB shares ===
* <code>\\lab-nas01\datasets</code> (read only for <code>lab-users</code>)

[[Category:Lab]]
""",
)

T(
    "plain",
    "notion markdown export with a secret in a callout",
    r"""
# Partner integrations

Created: {{n:date}}
Owner: {{n:person}}
Tags: integrations, payments

<aside>
⚠️ The keys below are **sandbox** keys. Production keys live in Vault.

</aside>

## Adyen (sandbox)

- Merchant account: `{{n:org|upper}}ECOM`
- API key: `{{s:b64urls:120}}`
- HMAC key for webhooks: `{{s:hexup:64}}`

## Klarna (playground)

- Username: `PK{{n:digits:5}}_{{n:hexs:12}}`
- Password: `{{s:alnum:16}}`
""",
)

T(
    "plain",
    "wiki page in markdown with a vpn pre-shared key",
    r"""
# Site-to-site VPN (office ↔ AWS)

| Setting | Value |
|---|---|
| Peer IP (AWS) | {{n:pubip}} |
| Peer IP (office) | {{n:pubip}} |
| IKE version | IKEv2 |
| Encryption | AES-256-GCM |
| Pre-shared key | `{{s:alnum:32}}` |
| Inside CIDR | 169.254.{{n:num:10-250}}.0/30 |

Tunnel 2 uses the same settings with its own PSK: `{{s:alnum:32}}`.
""",
)

# --- support tickets, Q&A (plain) -----------------------------------------------------------------

T(
    "plain",
    "support ticket where customer pastes their api key",
    r"""
Ticket #{{n:digits:6}} — API returns 401 since this morning
Requester: {{n:person}} <{{n:email}}>
Priority: High

Hi,

Our integration stopped working at about {{n:clock}} CET. Every request returns 401 Unauthorized. We haven't changed anything. Our key is {{s:generic_token:alnum}} (account {{n:org}}-prod).

Can you check if it was disabled?

Thanks
---
Internal note ({{n:first}}): key was disabled by the fraud rule FR-12, re-enabled. Asked the customer to rotate since they posted it here.
""",
)

T(
    "plain",
    "support ticket reply asking for credentials and getting them",
    r"""
#{{n:digits:6}} · Migration assistance

Agent ({{n:first}}):
To migrate your mailboxes we need an admin account on the old server. Please create a temporary one.

Customer ({{n:person}}):
Created: migration@{{n:domain}} with password {{s:pw_human}} — please let us know when we can delete it.

Agent ({{n:first}}):
Thanks, migration is scheduled for {{n:date}}.
""",
)

T(
    "plain",
    "stack overflow question with config and error",
    r"""
# Spring Boot can't connect to MySQL: Access denied for user

I'm trying to connect my Spring Boot app to a MySQL 8 database running in Docker. My `application.properties`:

    spring.datasource.url=jdbc:mysql://localhost:3306/shop?useSSL=false
    spring.datasource.username=shop_app
    spring.datasource.password={{s:pw_human}}
    spring.jpa.hibernate.ddl-auto=update

and I get:

    java.sql.SQLException: Access denied for user 'shop_app'@'172.17.0.1' (using password: YES)

The same credentials work from MySQL Workbench. What am I missing?

**java** **spring-boot** **mysql** **docker**

asked {{n:date}} by {{n:user}}
""",
)

T(
    "plain",
    "stack overflow question with firebase server key",
    r"""
# FCM push returns 401 "The request was missing an Authentication Key"

Sending with curl:

```
curl -X POST https://fcm.googleapis.com/fcm/send \
  -H "Authorization:key={{s:fcm_server}}" \
  -H "Content-Type:application/json" \
  -d '{"to":"/topics/news","notification":{"title":"hi"}}'
```

This worked until last week. Did Google change something?

**Comments**
— You posted your server key; regenerate it. Also the legacy API was shut down, migrate to HTTP v1. – {{n:user}}
""",
)

T(
    "plain",
    "stack overflow answer showing connection string",
    r"""
**Answer** ({{n:num:2-40}} votes)

Your connection string is missing the `authSource`. With Atlas it must look like this:

```
mongodb+srv://{{n:user}}:{{s:pw_url}}@cluster0.{{n:lalnum:5}}.mongodb.net/shop?retryWrites=true&w=majority&authSource=admin
```

(Replace the password with yours, of course — this is the one from the question.)
""",
)

T(
    "plain",
    "forum post pasting a wp-config",
    r"""
Re: White screen after moving WordPress to new host
« Reply #{{n:num:1-30}} on: {{n:date}} »

Here's my wp-config, I only changed the DB part:

define( 'DB_NAME', 'wp_{{n:org}}' );
define( 'DB_USER', 'wp_{{n:org}}' );
define( 'DB_PASSWORD', '{{s:pw_rand}}' );
define( 'DB_HOST', 'localhost' );
define( 'AUTH_KEY',         '{{s:pw_rand:64}}' );
define( 'SECURE_AUTH_KEY',  '{{s:pw_rand:64}}' );

debug.log is empty. Any ideas?
""",
)

T(
    "plain",
    "github issue asking about vault token in ci",
    r"""
### Question
How do I pass a Vault token to the action without it showing in logs? Right now our workflow has

```yaml
      - name: read secrets
        env:
          VAULT_ADDR: https://vault.{{n:domain}}:8200
          VAULT_TOKEN: {{s:vault}}
        run: vault kv get -field=password secret/ci/registry
```

and the token is visible to anyone who can read the workflow file.
""",
)

# --- commit messages, changelogs, notebooks, meeting notes (plain) --------------------------------

T(
    "plain",
    "git log entry with a token in the commit message",
    r"""
commit {{n:sha}}
Author: {{n:person}} <{{n:email}}>
Date:   Mon {{n:date}} {{n:clock}}:12 +0200

    ci: use the new deploy token

    The old one expired. New token: {{s:glpat:dt}}
    (scoped to read_repository, read_registry)

    Refs: {{n:ticket:PLAT}}
""",
)

T(
    "plain",
    "commit message body with the reverted secret",
    r"""
Revert "add sentry + datadog keys for local testing"

This reverts commit {{n:sha}}.

The commit added DD_API_KEY={{s:hexs:32}} and DD_APP_KEY={{s:hexs:40}} to
docker-compose.override.yml. Both keys have been revoked in Datadog; this
revert only removes them from the tip, the history still needs a rewrite.

Signed-off-by: {{n:person}} <{{n:email}}>
""",
)

T(
    "plain",
    "changelog entry leaking a default password",
    r"""
## [{{n:semver}}] - {{n:date}}

### Added
- Bulk export of audit events (#{{n:num:100-999}})
- `--dry-run` flag for `migrate`

### Changed
- The Docker image now creates the initial admin with the password `{{s:pw_human}}` instead of a random one, so the quickstart works offline. **Change it after the first login.**

### Fixed
- Race in the session cleanup job ({{n:shortsha}})
""",
)

T(
    "plain",
    "jupyter markdown cell with setup instructions and key",
    r"""
## 1. Setup

We use the team's Pinecone project for the retrieval experiments. Run the next cell once per kernel.

> **Note** the key below is the *shared experiments key*, rate limited to 10 QPS:
> `{{s:uuid4}}` (environment `us-east-1-aws`)

Index name: `docs-{{n:date}}` · embedding model: `text-embedding-3-small` (1536 dims)
""",
)

T(
    "plain",
    "meeting notes with a shared credential",
    r"""
# Weekly infra sync — {{n:date}}

**Attendees:** {{n:first}}, {{n:first}}, {{n:first}}, {{n:first}}

## Notes
- Grafana Cloud migration is done; old Prometheus goes away on the 30th
- {{n:first}} created a service account for the status page: `{{s:grafana}}` (viewer only) — to be moved into Vault by next sync
- Budget for the new runners approved

## Action items
- [ ] {{n:first}}: move the status-page token to Vault
- [ ] {{n:first}}: decommission prometheus-01
""",
)

T(
    "plain",
    "retro notes listing what leaked",
    r"""
Sprint {{n:num:20-90}} retro

😀 went well
- release went out on time
- pairing on the queue refactor

😕 didn't go well
- I pasted our Sentry auth token ({{s:sentry_token}}) in #general while screen sharing, had to rotate
- flaky e2e on Safari

💡 ideas
- a pre-commit hook with secret scanning
""",
)

# --- an agent's own replies and plans (plain) ----------------------------------------------------

T(
    "plain",
    "agent reply: found the key in config.py",
    r"""
I found why the integration tests fail locally: `config.py` hardcodes an expired key and ignores the environment variable.

```python
# config.py, line 17
OPENAI_API_KEY = "{{s:openai}}"
```

I'll change it to read `os.environ.get("OPENAI_API_KEY")` and fail with a clear message when it's missing. You should also revoke this key, since it's committed in `{{n:shortsha}}`.
""",
)

T(
    "plain",
    "agent plan: set env var and rerun",
    r"""
Plan:
1. Export the token you gave me and rerun the failing step:
   `export GITHUB_TOKEN={{s:ghp}} && npm run release:dry`
2. If the `403 Resource not accessible by integration` persists, the token lacks the `contents: write` permission.
3. Then tag `v{{n:semver}}` and push.

Proceeding with step 1.
""",
)

T(
    "plain",
    "agent summary of env file contents",
    r"""
Here's what I found in `.env.production` (the file is tracked in git, which is probably not intended):

| variable | value |
|---|---|
| `NODE_ENV` | production |
| `DATABASE_URL` | `postgres://{{n:svcuser}}:{{s:pw_url}}@{{n:dbhost}}/app` |
| `JWT_SECRET` | `{{s:b64bytes:48}}` |
| `S3_BUCKET` | `{{n:org}}-uploads-prod` |

I recommend removing the file from the repository with `git rm --cached .env.production`, adding it to `.gitignore` and rotating both secrets.
""",
)

T(
    "plain",
    "agent reply reporting a connection test",
    r"""
The connection works with the credentials from the ticket:

```
$ mysql -h {{n:dbhost}} -u {{n:svcuser}} -p'{{s:pw_human}}' -e 'select count(*) from orders'
+----------+
| count(*) |
+----------+
|   {{n:num:10000-99999}} |
+----------+
```

So the application failure isn't about the password; it's the missing `sslmode`. Next I'll check the app's driver settings.
""",
)

T(
    "plain",
    "agent reply quoting an anthropic key it was told to use",
    r"""
Understood. I'll configure the evaluation runner with the key you provided (`{{s:anthropic}}`) via `ANTHROPIC_API_KEY` in `.env.local`, which is git-ignored, and run the 50-case smoke set first.
""",
)

T(
    "plain",
    "agent todo list with credential inline",
    r"""
- [x] Reproduce the 401 from the webhook sender
- [x] Confirm the signing secret in the dashboard matches `.env` — it does: `{{s:stripe:whsec}}`
- [ ] Check whether the raw body is modified by the JSON middleware before verification
- [ ] Add a regression test with a captured payload
""",
)

T(
    "plain",
    "agent final message with deploy instructions and token",
    r"""
Done. Summary of changes:

- `deploy/fly.toml`: moved the health check to `/healthz`
- `Dockerfile`: multi-stage build, image went from 1.1 GB to 180 MB

To deploy, run:

    FLY_API_TOKEN="FlyV1 fm2_{{s:b64bytes:180}}" flyctl deploy --remote-only

I didn't deploy myself because the task said to wait for review.
""",
)

T(
    "plain",
    "agent explaining a curl it ran with an api key",
    r"""
I queried the vendor's API directly to see the raw response:

`curl -s "https://api.{{n:domain}}/v3/forecast?lat=52.52&lon=13.40&appid={{s:hexs:32}}"`

It returns `"cod": 429` — we've exceeded the free tier (60 calls/min). The fix is to cache responses for 10 minutes; I'll implement that in `weather/client.py`.
""",
)

T(
    "plain",
    "agent asks user to confirm a found password",
    r"""
I couldn't find a password for the `reporting` user in the repository, but `docker-compose.yml` has this for the database service:

```
      MYSQL_ROOT_PASSWORD: {{s:pw_human}}
      MYSQL_USER: reporting
```

Should I use the root password for the migration, or do you want to create a dedicated user first?
""",
)

# --- password hand-overs (plain) -------------------------------------------------------------------

T(
    "plain",
    "handover: the new password is",
    r"""
hey {{n:first}}, reset done — the new password is {{s:pw_human}}
you'll be asked to change it on next login
""",
)

T(
    "plain",
    "handover: user / pass one-liner",
    r"""
for the router at the branch office: user: admin / pass: {{s:pw_rand}} (web UI on https://{{n:ip}}:8443)
""",
)

T(
    "plain",
    "handover: sms-style message with password and pin",
    r"""
Your temporary credentials for the visitor kiosk:
Login: kiosk{{n:num:1-20}}
Password: {{s:pw_rand:10}}
PIN for the locker: {{n:digits:4}}
""",
)

T(
    "plain",
    "handover: sticky note transcription",
    r"""
Transcribed from the sticky note on the server rack (photo in the ticket):

  iDRAC r740-01  root  {{s:pw_human}}
  iDRAC r740-02  root  {{s:pw_human}}
  UPS mgmt       apc   {{s:pw_rand:12}}

Removed the note; values moved to the password manager.
""",
)

T(
    "plain",
    "handover: keystore passwords for android release",
    r"""
For the Android release build you need these in `~/.gradle/gradle.properties`:

RELEASE_STORE_FILE=release.jks
RELEASE_STORE_PASSWORD={{s:pw_rand}}
RELEASE_KEY_ALIAS=upload
RELEASE_KEY_PASSWORD={{s:pw_rand}}

The keystore itself is in the "Mobile" vault.
""",
)

T(
    "plain",
    "handover: seed phrase of a test wallet",
    r"""
Test wallet for the staging faucet (Sepolia only, never put real funds in it):

address: 0x{{n:hexs:40}}
seed: {{s:seed_phrase:12}}

{{n:first}} funds it every Monday.
""",
)

T(
    "plain",
    "handover: 2fa totp secret shared for a shared account",
    r"""
Shared 2FA for the @{{n:org}} social account — add it to your authenticator manually:

Account: social@{{n:domain}}
Key (time based): {{s:totp_seed}}

Or scan the QR in the vault item "Social media".
""",
)

T(
    "plain",
    "handover: apple app-specific password for notarization",
    r"""
Notarization needs an app-specific password for the build Apple ID ({{n:email}}):

    xcrun notarytool store-credentials "notary" --apple-id "{{n:email}}" --team-id "{{n:ualnum:10}}" --password "{{s:app_password:dash}}"

Run it once on the build Mac.
""",
)

T(
    "plain",
    "handover: wifi and alarm codes for the office",
    r"""
Office info for new joiners ({{n:org}} Berlin)

- Guest Wi-Fi: `{{n:org}}-guest` / `{{s:pw_human}}`
- Staff Wi-Fi: `{{n:org}}-corp` (802.1X with your SSO login)
- Printer admin: `http://{{n:ip}}` · admin / `{{s:pw_rand:12}}`
""",
)

T(
    "plain",
    "handover: pgp private key pasted into a chat",
    r"""
{{n:first}} {{n:clock}}
can you decrypt the partner file? here's the team key, passphrase is {{s:pw_human}}

{{s:pgp_private}}
""",
)

# --- prose in other languages around a credential (plain) -------------------------------------------

T(
    "plain",
    "german email with access data",
    r"""
Hallo {{n:first}},

anbei die Zugangsdaten für das Testsystem:

Benutzername: {{n:user}}
Passwort: {{s:pw_human}}
URL: https://test.{{n:domain}}/login

Bitte ändere das Passwort nach der ersten Anmeldung.

Viele Grüße
{{n:person}}
""",
)

T(
    "plain",
    "german chat: wlan password and api key",
    r"""
{{n:first}} ({{n:clock}}): Das WLAN-Passwort im Besprechungsraum lautet übrigens {{s:pw_human}}
{{n:first}} ({{n:clock}}): Danke! Und hast du noch den API-Schlüssel für die Wetterdaten?
{{n:first}} ({{n:clock}}): Klar: {{s:hexs:32}} – aber bitte nicht ins Repo committen 😉
""",
)

T(
    "plain",
    "french ticket with identifiants",
    r"""
Bonjour,

Suite à votre demande, voici vos identifiants pour l'environnement de recette :

- Identifiant : {{n:user}}
- Mot de passe : {{s:pw_human}}
- Jeton d'API : {{s:generic_token:alnum}}

Le mot de passe expire dans 30 jours. N'hésitez pas à revenir vers nous en cas de problème.

Cordialement,
Le support {{n:org}}
""",
)

T(
    "plain",
    "french slack message with a token",
    r"""
{{n:person}}  {{n:ampm}}
j'ai régénéré le token du bot GitLab, le nouveau c'est {{s:glpat}} — pensez à mettre à jour la variable CI `GITLAB_BOT_TOKEN` dans vos projets
""",
)

T(
    "plain",
    "spanish email with credentials for a client",
    r"""
Hola {{n:first}}:

Te paso las credenciales del panel de administración:

Usuario: admin@{{n:domain}}
Contraseña: {{s:pw_human}}

Además, la clave de la API de pagos (modo producción) es {{s:stripe:sk_live}}. Guárdala en un lugar seguro.

Un saludo,
{{n:person}}
""",
)

T(
    "plain",
    "spanish forum question with a connection string",
    r"""
Pregunta: No puedo conectar con la base de datos desde Node

Estoy usando esta cadena de conexión y me da "authentication failed":

postgres://{{n:svcuser}}:{{s:pw_url}}@{{n:dbhost}}:5432/tienda

¿Alguien sabe qué puede ser? Desde pgAdmin funciona perfecto.
""",
)

T(
    "plain",
    "portuguese whatsapp-style message with senha",
    r"""
[{{n:date}} {{n:clock}}] {{n:first}}: Oi! Segue o acesso do servidor de homologação
[{{n:date}} {{n:clock}}] {{n:first}}: usuário: deploy
[{{n:date}} {{n:clock}}] {{n:first}}: senha: {{s:pw_human}}
[{{n:date}} {{n:clock}}] {{n:first}}: valeu!! 🙏
""",
)

T(
    "plain",
    "portuguese issue with a token de acesso",
    r"""
## Erro ao publicar o pacote

Quando rodo `npm publish` aparece `E401`. Meu `.npmrc`:

```
//registry.npmjs.org/:_authToken={{s:npm}}
```

O token de acesso foi gerado hoje, tipo "Automation". Alguém pode ajudar?
""",
)

T(
    "plain",
    "japanese message with password",
    r"""
{{n:first}}さん

お疲れ様です。検証環境のログイン情報を共有します。

ユーザー名：{{n:user}}
パスワード：{{s:pw_human}}

初回ログイン時にパスワードの変更をお願いします。
よろしくお願いいたします。
""",
)

T(
    "plain",
    "japanese chat with api key",
    r"""
{{n:first}} {{n:clock}}
本番用のAPIキーはこちらです → {{s:openai}}
{{n:first}} {{n:clock}}
ありがとうございます！環境変数に設定しておきます
""",
)

T(
    "plain",
    "chinese wechat-style message with password",
    r"""
{{n:first}} {{n:clock}}
测试服务器的账号密码发你了：
账号：root
密码：{{s:pw_rand}}
IP：{{n:pubip}}
用完记得跟我说一声，我改密码
""",
)

T(
    "plain",
    "chinese issue with access key secret",
    r"""
### 问题描述
上传文件到 OSS 时报错 `SignatureDoesNotMatch`。

### 配置
```
AccessKeyId: LTAI{{n:alnum:20}}
AccessKeySecret: {{s:alnum:30}}
Endpoint: oss-cn-hangzhou.aliyuncs.com
Bucket: {{n:org}}-static
```

请问是签名算法的问题吗？
""",
)

T(
    "plain",
    "russian chat with password",
    r"""
{{n:first}}, {{n:clock}}
Доступ к тестовому стенду:
логин: {{n:user}}
пароль: {{s:pw_human}}
Только не пересылай никуда, пожалуйста
""",
)

T(
    "plain",
    "russian ticket with token",
    r"""
Заявка {{n:ticket:SUP}}

Добрый день! После обновления бот перестал отвечать. Токен бота: {{s:telegram}}
Логи прикладываю. Спасибо!
""",
)

T(
    "plain",
    "italian email with credenziali",
    r"""
Ciao {{n:first}},

ecco le credenziali per il gestionale:

utente: {{n:user}}
password: {{s:pw_human}}

La chiave API per l'integrazione con il magazzino è {{s:generic_token:hex}}.

A presto,
{{n:person}}
""",
)

T(
    "plain",
    "dutch message with wachtwoord",
    r"""
Hoi {{n:first}},

Het wachtwoord voor de gedeelde mailbox is gereset naar {{s:pw_human}}. Wil je het na het inloggen meteen wijzigen?

Groeten,
{{n:person}}
""",
)

T(
    "plain",
    "korean message with password",
    r"""
{{n:first}}님, 개발 서버 접속 정보입니다.
아이디: {{n:user}}
비밀번호: {{s:pw_human}}
접속 후 비밀번호 변경 부탁드립니다.
""",
)

T(
    "plain",
    "polish email with hasło",
    r"""
Cześć {{n:first}},

dane do logowania do panelu klienta:
login: {{n:email}}
hasło: {{s:pw_human}}

Pozdrawiam,
{{n:person}}
""",
)

# --- commands pasted in messages and comments (shell) ---------------------------------------------

T(
    "shell",
    "curl with basic auth pasted in a ticket",
    r"""
$ curl -u {{n:svcuser}}:{{s:pw_url}} https://jenkins.{{n:domain}}/job/release/lastBuild/api/json
{"_class":"hudson.model.FreeStyleBuild","building":false,"result":"FAILURE","number":{{n:num:100-999}}}
""",
)

T(
    "shell",
    "curl with bearer header and json body",
    r"""
curl -sS -X POST "https://api.{{n:domain}}/v2/messages" \
  -H "Authorization: Bearer {{s:generic_token:b64url}}" \
  -H "Content-Type: application/json" \
  --data '{"channel":"ops","text":"deploy {{n:shortsha}} done"}'
""",
)

T(
    "shell",
    "export lines pasted from a teammate",
    r"""
export AWS_ACCESS_KEY_ID={{n:akid}}
export AWS_SECRET_ACCESS_KEY={{s:aws_secret}}
export AWS_DEFAULT_REGION=eu-central-1
aws s3 ls s3://{{n:org}}-data-lake/raw/ --recursive | tail -5
""",
)

T(
    "shell",
    "temporary aws credentials pasted from the sso portal",
    r"""
export AWS_ACCESS_KEY_ID="{{n:akid:ASIA}}"
export AWS_SECRET_ACCESS_KEY="{{s:aws_secret}}"
export AWS_SESSION_TOKEN="{{s:aws_session}}"
""",
)

T(
    "shell",
    "docker login with password on command line",
    r"""
$ docker login registry.{{n:domain}} -u {{n:svcuser}} -p '{{s:pw_rand}}'
WARNING! Using --password via the CLI is insecure. Use --password-stdin.
Login Succeeded
""",
)

T(
    "shell",
    "psql connection uri in a terminal paste",
    r"""
$ psql "postgresql://{{n:svcuser}}:{{s:pw_url}}@{{n:dbhost}}:5432/{{n:service}}?sslmode=require"
psql (16.2, server 15.6)
SSL connection (protocol: TLSv1.3, cipher: TLS_AES_256_GCM_SHA384, compression: off)
Type "help" for help.

{{n:service}}=> \dt
""",
)

T(
    "shell",
    "mysql client with inline password",
    r"""
mysql -h {{n:dbhost}} -P 3306 -u {{n:svcuser}} -p{{s:pw_url}} --ssl-mode=REQUIRED {{n:service}} < migrations/{{n:digits:4}}_add_index.sql
""",
)

T(
    "shell",
    "git clone with token in url",
    r"""
git clone https://{{n:user}}:{{s:ghp}}@github.com/{{n:org}}/{{n:service}}.git
cd {{n:service}} && git checkout -b fix/{{n:ticket:OPS|lower}}
""",
)

T(
    "shell",
    "git remote set-url with gitlab oauth2 token",
    r"""
git remote set-url origin https://oauth2:{{s:glpat}}@gitlab.{{n:domain}}/{{n:org}}/{{n:service}}.git
git push origin HEAD
""",
)

T(
    "shell",
    "gh auth login with token via here-string",
    r"""
gh auth login --hostname github.{{n:domain}} --with-token <<< "{{s:github_pat}}"
gh repo list {{n:org}} --limit 5
""",
)

T(
    "shell",
    "npm config set auth token",
    r"""
npm config set //npm.pkg.github.com/:_authToken {{s:ghp}}
npm config set @{{n:org}}:registry https://npm.pkg.github.com
npm install
""",
)

T(
    "shell",
    "kubectl create secret from literals",
    r"""
kubectl -n {{n:service}} create secret generic {{n:service}}-db \
  --from-literal=username={{n:svcuser}} \
  --from-literal=password='{{s:pw_rand}}' \
  --dry-run=client -o yaml | kubectl apply -f -
""",
)

T(
    "shell",
    "heroku config set with several secrets",
    r"""
heroku config:set -a {{n:org}}-{{n:service}} \
  SECRET_KEY_BASE={{s:hexs:128}} \
  SENDGRID_API_KEY={{s:sendgrid}} \
  RAILS_LOG_TO_STDOUT=enabled
""",
)

T(
    "shell",
    "aws configure set commands",
    r"""
aws configure set aws_access_key_id {{n:akid}} --profile {{n:org}}-ci
aws configure set aws_secret_access_key {{s:aws_secret}} --profile {{n:org}}-ci
aws sts get-caller-identity --profile {{n:org}}-ci
""",
)

T(
    "shell",
    "az login with service principal secret",
    r"""
az login --service-principal \
  -u {{n:uuid4}} \
  -p '{{s:azure_secret}}' \
  --tenant {{n:uuid4}}
az acr login --name {{n:org}}registry
""",
)

T(
    "shell",
    "sshpass in a one-liner",
    r"""
for h in web-01 web-02 web-03; do sshpass -p '{{s:pw_human}}' ssh -o StrictHostKeyChecking=no ops@$h 'sudo systemctl restart nginx'; done
""",
)

T(
    "shell",
    "redis-cli with auth flag",
    r"""
redis-cli -h {{n:host}} -p 6380 --tls -a {{s:pw_url}} --no-auth-warning CONFIG GET maxmemory-policy
1) "maxmemory-policy"
2) "noeviction"
""",
)

T(
    "shell",
    "mongosh with srv uri",
    r"""
mongosh "mongodb+srv://cluster0.{{n:lalnum:5}}.mongodb.net/shop" --apiVersion 1 --username {{n:svcuser}} --password '{{s:pw_rand}}'
""",
)

T(
    "shell",
    "twine upload with pypi token",
    r"""
python -m build
twine upload -u __token__ -p {{s:pypi}} dist/*
""",
)

T(
    "shell",
    "vault login with token then read",
    r"""
$ vault login {{s:vault}}
Success! You are now authenticated. The token information displayed below
is already stored in the token helper. You do NOT need to run "vault login"
again. Future Vault requests will automatically use this token.
$ vault kv get -field=url secret/{{n:service}}/prod
""",
)

T(
    "shell",
    "htpasswd and openssl with passwords",
    r"""
htpasswd -bc /etc/nginx/.htpasswd metrics '{{s:pw_human}}'
openssl enc -aes-256-cbc -pbkdf2 -in backup.tar -out backup.tar.enc -pass pass:'{{s:pw_rand}}'
""",
)

T(
    "shell",
    "smbclient and mount with credentials",
    r"""
smbclient //fileserver/finance -U '{{n:org|upper}}\{{n:user}}%{{s:pw_human}}' -c 'ls'
sudo mount -t cifs //fileserver/finance /mnt/finance -o username={{n:user}},password='{{s:pw_rand}}',vers=3.0
""",
)

T(
    "shell",
    "stripe cli and doctl auth",
    r"""
stripe listen --api-key {{s:stripe:sk_test}} --forward-to localhost:4242/webhook
doctl auth init --access-token {{s:digitalocean}}
""",
)

T(
    "shell",
    "wget with password and http user",
    r"""
wget --http-user={{n:user}} --http-password='{{s:pw_human}}' https://downloads.{{n:domain}}/releases/{{n:semver}}/agent-linux-amd64.tar.gz
""",
)

T(
    "shell",
    "windows cmd net use with password",
    r"""
C:\> net use Z: \\fs01\projects /user:{{n:org|upper}}\{{n:user}} {{s:pw_rand}} /persistent:yes
The command completed successfully.
""",
)

T(
    "shell",
    "powershell with securestring from plain text",
    r"""
PS C:\> $pw = ConvertTo-SecureString '{{s:pw_human}}' -AsPlainText -Force
PS C:\> $cred = New-Object System.Management.Automation.PSCredential ('{{n:org|upper}}\svc_backup', $pw)
PS C:\> Enter-PSSession -ComputerName dc01 -Credential $cred
""",
)

T(
    "shell",
    "terraform cloud token written to credentials file",
    r"""
cat > ~/.terraform.d/credentials.tfrc.json <<EOF
{
  "credentials": {
    "app.terraform.io": {
      "token": "{{s:tfc}}"
    }
  }
}
EOF
terraform init
""",
)

T(
    "shell",
    "dotenv echo into file",
    r"""
echo "ANTHROPIC_API_KEY={{s:anthropic}}" >> .env
echo "GROQ_API_KEY={{s:groq}}" >> .env
uv run python eval.py --model claude-sonnet-4-5 --n 50
""",
)

T(
    "shell",
    "ssh-add from heredoc private key",
    r"""
ssh-add - <<'KEY'
{{s:pem:openssh}}
KEY
ssh -T git@github.com
""",
)

T(
    "shell",
    "curl to slack webhook from a runbook paste",
    r"""
curl -X POST -H 'Content-type: application/json' \
  --data '{"text":"Backup of {{n:service}} finished in {{n:num:10-900}}s"}' \
  https://hooks.slack.com/services/T{{n:ualnum:9}}/B{{n:ualnum:11}}/{{s:alnum:24}}
""",
)

T(
    "shell",
    "curl to discord webhook",
    r"""
curl -H "Content-Type: application/json" -d '{"username":"ci","content":"build #{{n:num:100-999}} failed"}' \
  "https://discord.com/api/webhooks/{{n:snowflake}}/{{s:b64urls:68}}"
""",
)

T(
    "shell",
    "set -x trace pasted with a token",
    r"""
+ export CI_REGISTRY_PASSWORD={{s:glpat}}
+ echo '[MASKED]'
[MASKED]
+ docker login -u gitlab-ci-token --password-stdin registry.{{n:domain}}
Login Succeeded
""",
)

T(
    "shell",
    "rclone and restic with passwords in env",
    r"""
RESTIC_PASSWORD='{{s:pw_human}}' RESTIC_REPOSITORY=s3:s3.amazonaws.com/{{n:org}}-restic restic snapshots --latest 3
""",
)

T(
    "shell",
    "ldapsearch with bind password",
    r"""
ldapsearch -H ldaps://ldap.{{n:domain}} -D "cn={{n:svcuser}},ou=svc,dc={{n:org}},dc=com" -w '{{s:pw_human}}' -b "ou=people,dc={{n:org}},dc=com" "(uid={{n:user}})" mail memberOf
""",
)

T(
    "shell",
    "gem credentials and cargo login",
    r"""
cargo login {{s:alnum:32}}
cargo publish --dry-run
""",
)

T(
    "shell",
    "ftp session transcript",
    r"""
$ ftp files.{{n:domain}}
Connected to files.{{n:domain}}.
220 ProFTPD Server ready.
Name (files.{{n:domain}}:{{n:user}}): upload
331 Password required for upload
Password: {{s:pw_human}}
230 User upload logged in
ftp> put report.csv
""",
)

# --- front matter, runbook YAML, configs pasted into docs (yaml) ------------------------------------

T(
    "yaml",
    "jekyll post front matter with an api key",
    r"""
---
layout: post
title: "Adding search to the docs site"
date: {{n:date}} 10:00:00 +0100
author: {{n:person}}
tags: [docs, search]
algolia:
  application_id: {{n:ualnum:10}}
  index_name: docs_prod
  admin_api_key: {{s:algolia_admin}}
---
""",
)

T(
    "yaml",
    "obsidian meeting note front matter with a password",
    r"""
---
title: Vendor onboarding call — {{n:org}}
date: {{n:date}}
attendees: [{{n:first}}, {{n:first}}, {{n:first}}]
tags: [meeting, vendor]
sandbox_login: {{n:email}}
sandbox_password: "{{s:pw_human}}"
status: follow-up
---
""",
)

T(
    "yaml",
    "runbook yaml with steps and a token",
    r"""
name: rotate-cdn-certificate
owner: platform@{{n:domain}}
schedule: yearly
steps:
  - name: upload new certificate
    run: |
      curl -X POST https://api.cloudflare.com/client/v4/zones/{{n:hexs:32}}/custom_certificates \
        -H "Authorization: Bearer {{s:cloudflare}}" \
        -F certificate=@wildcard.crt -F private_key=@wildcard.key
  - name: verify
    run: curl -sI https://www.{{n:domain}} | grep -i expire
""",
)

T(
    "yaml",
    "kubernetes secret with stringdata pasted into an issue",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: {{n:service}}-credentials
  namespace: {{n:service}}
type: Opaque
stringData:
  DB_USER: {{n:svcuser}}
  DB_PASSWORD: "{{s:pw_rand}}"
  SMTP_PASSWORD: "{{s:pw_human}}"
""",
)

T(
    "yaml",
    "kubernetes secret with base64 data",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: registry-auth
  namespace: ci
type: Opaque
data:
  username: {{n:svcuser|b64}}
  password: {{s:pw_rand|b64}}
""",
)

T(
    "yaml",
    "docker compose pasted into a runbook",
    r"""
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: {{n:svcuser}}
      POSTGRES_PASSWORD: {{s:pw_human}}
      POSTGRES_DB: {{n:service}}
    volumes:
      - pgdata:/var/lib/postgresql/data
  app:
    image: ghcr.io/{{n:org}}/{{n:service}}:{{n:semver}}
    environment:
      DATABASE_URL: postgres://{{n:svcuser}}:{{s:pw_url}}@db:5432/{{n:service}}
    depends_on: [db]
volumes:
  pgdata:
""",
)

T(
    "yaml",
    "alertmanager config with slack webhook and opsgenie key",
    r"""
route:
  receiver: oncall
  group_by: [alertname, cluster]
receivers:
  - name: oncall
    slack_configs:
      - api_url: https://hooks.slack.com/services/T{{n:ualnum:9}}/B{{n:ualnum:11}}/{{s:alnum:24}}
        channel: "#alerts"
        send_resolved: true
    opsgenie_configs:
      - api_key: {{s:uuid4}}
        priority: P2
""",
)

T(
    "yaml",
    "github actions workflow with a hardcoded token",
    r"""
name: release
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          registry-url: https://registry.npmjs.org
      - run: npm publish --access public
        env:
          NODE_AUTH_TOKEN: {{s:npm}}
""",
)

T(
    "yaml",
    "gitlab ci snippet with a password in variables",
    r"""
variables:
  DOCKER_DRIVER: overlay2
  SONAR_HOST_URL: https://sonar.{{n:domain}}
  SONAR_TOKEN: {{s:sonar}}

sonar:
  stage: test
  image: sonarsource/sonar-scanner-cli:latest
  script:
    - sonar-scanner -Dsonar.projectKey={{n:org}}_{{n:service}}
""",
)

T(
    "yaml",
    "helm values with oauth client secret",
    r"""
oauth2-proxy:
  config:
    clientID: {{n:google_client_id}}
    clientSecret: {{s:gocspx}}
    cookieSecret: {{s:b64bytes:32}}
  extraArgs:
    provider: google
    email-domain: {{n:domain}}
""",
)

T(
    "yaml",
    "prometheus remote write with basic auth",
    r"""
remote_write:
  - url: https://prometheus-prod-{{n:num:10-40}}-prod-eu-west-2.grafana.net/api/prom/push
    basic_auth:
      username: "{{n:digits:7}}"
      password: "glc_{{s:b64bytes:96}}"
    queue_config:
      max_samples_per_send: 2000
""",
)

T(
    "yaml",
    "home assistant secrets file",
    r"""
# secrets.yaml — pasted from my config for the forum thread
wifi_ssid: "{{n:org}}-home"
wifi_password: "{{s:pw_human}}"
mqtt_user: homeassistant
mqtt_password: "{{s:pw_rand}}"
latitude: 52.5{{n:digits:3}}
longitude: 13.4{{n:digits:3}}
""",
)

T(
    "yaml",
    "hugo config with a mailchimp key in params",
    r"""
baseURL: https://blog.{{n:domain}}/
languageCode: en-us
title: {{n:org}} engineering
params:
  newsletter:
    provider: mailchimp
    list_id: {{n:hexs:10}}
    api_key: {{s:mailchimp}}
  analytics:
    plausible_domain: blog.{{n:domain}}
""",
)

T(
    "yaml",
    "ansible inventory vars with become password",
    r"""
all:
  hosts:
    web-01:
      ansible_host: {{n:ip}}
    web-02:
      ansible_host: {{n:ip}}
  vars:
    ansible_user: deploy
    ansible_become_password: "{{s:pw_human}}"
    ansible_ssh_private_key_file: ~/.ssh/deploy_ed25519
""",
)

T(
    "yaml",
    "spring application.yml with datasource password",
    r"""
spring:
  datasource:
    url: jdbc:postgresql://{{n:dbhost}}:5432/{{n:service}}
    username: {{n:svcuser}}
    password: {{s:pw_rand}}
  mail:
    host: smtp.sendgrid.net
    username: apikey
    password: {{s:sendgrid}}
management:
  endpoints:
    web:
      exposure:
        include: health,prometheus
""",
)

T(
    "yaml",
    "incident yaml record with the leaked value",
    r"""
incident: {{n:ticket:INC}}
title: Public S3 object exposed service credentials
severity: sev2
detected_at: {{n:ts}}
leaked:
  - type: aws_secret_access_key
    key_id: {{n:akid}}
    value: {{s:aws_secret}}
    revoked_at: {{n:ts}}
owner: {{n:person}}
""",
)

T(
    "yaml",
    "mkdocs config with a git committers token",
    r"""
site_name: {{n:org}} handbook
repo_url: https://github.com/{{n:org}}/handbook
theme:
  name: material
plugins:
  - search
  - git-committers:
      repository: {{n:org}}/handbook
      branch: main
      token: {{s:ghp}}
""",
)

T(
    "yaml",
    "docusaurus-like front matter in a runbook with webhook",
    r"""
---
id: pager-escalation
title: Pager escalation
sidebar_position: 3
escalation:
  teams_webhook: https://{{n:org}}.webhook.office.com/webhookb2/{{n:uuid4}}@{{n:uuid4}}/IncomingWebhook/{{s:hexs:32}}/{{n:uuid4}}
  phone: +1 415 555 {{n:digits:4}}
---
""",
)

T(
    "yaml",
    "kustomization with secret generator literals",
    r"""
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
secretGenerator:
  - name: {{n:service}}-env
    literals:
      - API_TOKEN={{s:generic_token:alnum}}
      - WEBHOOK_SECRET={{s:hexs:40}}
""",
)

T(
    "yaml",
    "netplan wifi config pasted in a forum",
    r"""
network:
  version: 2
  wifis:
    wlp2s0:
      dhcp4: true
      access-points:
        "{{n:org}}-5G":
          password: "{{s:pw_human}}"
""",
)

T(
    "yaml",
    "circleci context dump pasted in a thread",
    r"""
# what's in the "release" context (from the UI, values copied by hand)
release:
  GITHUB_TOKEN: {{s:ghp}}
  DOCKERHUB_USER: {{n:svcuser}}
  DOCKERHUB_PASS: {{s:dockerhub}}
  SLACK_CHANNEL: "#releases"
""",
)

T(
    "yaml",
    "openapi example with a real looking key",
    r"""
components:
  securitySchemes:
    ApiKeyAuth:
      type: apiKey
      in: header
      name: X-API-Key
paths:
  /v1/reports:
    get:
      parameters:
        - in: header
          name: X-API-Key
          example: {{s:generic_token:alnum}}
      responses:
        "200":
          description: OK
""",
)

T(
    "yaml",
    "service account key pasted as yaml block",
    r"""
gcp:
  project: {{n:org}}-prod
  credentials: |
    {
      "type": "service_account",
      "project_id": "{{n:org}}-prod",
      "private_key_id": "{{n:hexs:40}}",
      "private_key": "{{s:pem:pkcs8|json}}",
      "client_email": "deployer@{{n:org}}-prod.iam.gserviceaccount.com",
      "client_id": "{{n:digits:21}}"
    }
""",
)

T(
    "yaml",
    "tls secret with private key in a block scalar",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: wildcard-tls
type: kubernetes.io/tls
stringData:
  tls.crt: |
    {{n:cert|indent4}}
  tls.key: |
    {{s:pem:ec|indent4}}
""",
)

T(
    "yaml",
    "ansible task with a password in vars",
    r"""
- name: create reporting database user
  community.postgresql.postgresql_user:
    db: reporting
    name: report_reader
    password: "{{s:pw_human}}"
    priv: "CONNECT"
  become: true
  become_user: postgres
""",
)

T(
    "yaml",
    "dependabot registries with token",
    r"""
version: 2
registries:
  npm-github:
    type: npm-registry
    url: https://npm.pkg.github.com
    token: {{s:ghp}}
updates:
  - package-ecosystem: npm
    directory: "/"
    registries: [npm-github]
    schedule:
      interval: weekly
""",
)

T(
    "yaml",
    "cloud-init user data with a password hash and plain password",
    r"""
#cloud-config
users:
  - name: ops
    groups: sudo
    shell: /bin/bash
    lock_passwd: false
    plain_text_passwd: "{{s:pw_human}}"
    ssh_authorized_keys:
      - {{n:ssh_pub:ed25519}}
chpasswd:
  expire: false
""",
)

T(
    "yaml",
    "backstage app-config with integrations token",
    r"""
integrations:
  github:
    - host: github.com
      token: {{s:github_pat}}
auth:
  environment: development
  providers:
    github:
      development:
        clientId: Iv1.{{n:hexs:16}}
        clientSecret: {{s:hexs:40}}
""",
)

T(
    "yaml",
    "rabbitmq definitions with user passwords",
    r"""
rabbitmq:
  users:
    - name: {{n:service}}
      password: "{{s:pw_rand}}"
      tags: ""
    - name: admin
      password: "{{s:pw_human}}"
      tags: administrator
  vhosts:
    - name: /{{n:service}}
""",
)

T(
    "yaml",
    "sentry self-hosted config with secret key",
    r"""
system.secret-key: '{{s:pw_rand:50}}'
mail.backend: 'smtp'
mail.host: 'smtp.{{n:domain}}'
mail.username: 'sentry@{{n:domain}}'
mail.password: '{{s:pw_human}}'
mail.use-tls: true
""",
)

T(
    "yaml",
    "argo cd repo credentials",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: repo-{{n:service}}
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  url: https://gitlab.{{n:domain}}/{{n:org}}/{{n:service}}.git
  username: argocd
  password: {{s:glpat}}
""",
)

T(
    "yaml",
    "wireguard peer config in yaml notes",
    r"""
vpn:
  interface:
    address: 10.8.0.{{n:num:2-250}}/24
    private_key: {{s:wg_key}}
    dns: 10.8.0.1
  peer:
    public_key: {{n:wg_key}}
    endpoint: vpn.{{n:domain}}:51820
    allowed_ips: 0.0.0.0/0
""",
)

# --- snippets inside docs, notebooks, answers (source) --------------------------------------------

T(
    "source",
    "python notebook cell with openai client",
    r"""
import os
from openai import OpenAI

client = OpenAI(api_key="{{s:openai}}")
resp = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "Summarise the ticket below in one line."}],
)
print(resp.choices[0].message.content)
""",
)

T(
    "source",
    "python snippet with anthropic client in an answer",
    r"""
import anthropic

client = anthropic.Anthropic(
    api_key="{{s:anthropic}}",  # TODO move to env before merging
)
message = client.messages.create(
    model="claude-sonnet-4-5",
    max_tokens=1024,
    messages=[{"role": "user", "content": "Hello"}],
)
""",
)

T(
    "source",
    "node snippet with stripe secret key",
    r"""
const express = require('express');
const stripe = require('stripe')('{{s:stripe:sk_live}}');

const app = express();
app.post('/create-checkout-session', async (req, res) => {
  const session = await stripe.checkout.sessions.create({
    line_items: [{ price: '{{n:stripe_id:price}}', quantity: 1 }],
    mode: 'payment',
    success_url: 'https://{{n:domain}}/success',
  });
  res.redirect(303, session.url);
});
""",
)

T(
    "source",
    "go snippet setting a token",
    r"""
package main

import (
	"context"
	"fmt"

	"github.com/google/go-github/v62/github"
)

func main() {
	client := github.NewClient(nil).WithAuthToken("{{s:ghp}}")
	repos, _, err := client.Repositories.ListByOrg(context.Background(), "{{n:org}}", nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(repos))
}
""",
)

T(
    "source",
    "java jdbc snippet with password",
    r"""
String url = "jdbc:sqlserver://{{n:dbhost}}:1433;databaseName={{n:service}};encrypt=true";
try (Connection conn = DriverManager.getConnection(url, "{{n:svcuser}}", "{{s:pw_human}}")) {
    PreparedStatement ps = conn.prepareStatement("SELECT TOP 10 * FROM dbo.Orders");
    ResultSet rs = ps.executeQuery();
}
""",
)

T(
    "source",
    "csharp connection string in appsettings snippet",
    r"""
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddDbContext<ShopContext>(options =>
    options.UseSqlServer("Server=tcp:{{n:org}}-sql.database.windows.net,1433;Initial Catalog={{n:service}};User ID={{n:svcuser}};Password={{s:pw_rand}};Encrypt=True;"));
""",
)

T(
    "source",
    "php snippet with mail password",
    r"""
<?php
$mail = new PHPMailer(true);
$mail->isSMTP();
$mail->Host       = 'smtp.office365.com';
$mail->SMTPAuth   = true;
$mail->Username   = 'noreply@{{n:domain}}';
$mail->Password   = '{{s:pw_human}}';
$mail->SMTPSecure = PHPMailer::ENCRYPTION_STARTTLS;
$mail->Port       = 587;
""",
)

T(
    "source",
    "ruby snippet with twilio credentials",
    r"""
require 'twilio-ruby'

account_sid = '{{n:twilio_sid}}'
auth_token  = '{{s:hexs:32}}'
client = Twilio::REST::Client.new(account_sid, auth_token)

client.messages.create(from: '+1415555{{n:digits:4}}', to: ENV['ONCALL_PHONE'], body: 'Disk almost full on db-01')
""",
)

T(
    "source",
    "kotlin retrofit interceptor with api key",
    r"""
class AuthInterceptor : Interceptor {
    override fun intercept(chain: Interceptor.Chain): Response {
        val request = chain.request().newBuilder()
            .addHeader("Authorization", "Bearer {{s:generic_token:b64url}}")
            .build()
        return chain.proceed(request)
    }
}
""",
)

T(
    "source",
    "swift snippet with a client secret",
    r"""
let config = OAuthConfig(
    clientId: "{{n:uuid4}}",
    clientSecret: "{{s:b64urls:40}}",
    redirectURI: URL(string: "{{n:org}}://oauth/callback")!
)
""",
)

T(
    "source",
    "rust snippet with a hardcoded token",
    r"""
let client = reqwest::Client::new();
let resp = client
    .get("https://api.{{n:domain}}/v1/me")
    .bearer_auth("{{s:generic_token:alnum}}")
    .send()
    .await?;
""",
)

T(
    "source",
    "r notebook cell setting env",
    r"""
library(httr)
Sys.setenv(CENSUS_API_KEY = "{{s:hexs:40}}")
res <- GET("https://api.census.gov/data/2021/acs/acs5", query = list(get = "NAME", `for` = "state:*", key = Sys.getenv("CENSUS_API_KEY")))
""",
)

T(
    "source",
    "sql create user with password in a migration",
    r"""
-- V{{n:num:10-99}}__reporting_user.sql
CREATE USER report_reader WITH PASSWORD '{{s:pw_human}}';
GRANT CONNECT ON DATABASE {{n:service}} TO report_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO report_reader;
""",
)

T(
    "source",
    "sql alter login in a runbook snippet",
    r"""
ALTER LOGIN [svc_etl] WITH PASSWORD = N'{{s:pw_rand}}' OLD_PASSWORD = N'{{s:pw_rand}}';
GO
""",
)

T(
    "source",
    "dockerfile with env secret",
    r"""
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
ENV HF_TOKEN={{s:huggingface}}
COPY . .
CMD ["python", "serve.py"]
""",
)

T(
    "source",
    "python settings snippet with django secret key and db",
    r"""
SECRET_KEY = "{{s:pw_rand:50}}"
DEBUG = False
ALLOWED_HOSTS = ["{{n:domain}}"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "{{n:service}}",
        "USER": "{{n:svcuser}}",
        "PASSWORD": "{{s:pw_human}}",
        "HOST": "{{n:dbhost}}",
    }
}
""",
)

T(
    "source",
    "javascript firebase admin with private key",
    r"""
admin.initializeApp({
  credential: admin.credential.cert({
    projectId: '{{n:org}}-app',
    clientEmail: 'firebase-adminsdk-{{n:lalnum:5}}@{{n:org}}-app.iam.gserviceaccount.com',
    privateKey: '{{s:pem:pkcs8|json}}',
  }),
});
""",
)

T(
    "source",
    "python boto3 client with keys",
    r"""
import boto3

s3 = boto3.client(
    "s3",
    aws_access_key_id="{{n:akid}}",
    aws_secret_access_key="{{s:aws_secret}}",
    region_name="us-east-1",
)
s3.upload_file("report.pdf", "{{n:org}}-reports", "2025/report.pdf")
""",
)

T(
    "source",
    "terraform snippet with a provider token",
    r"""
provider "github" {
  owner = "{{n:org}}"
  token = "{{s:ghp}}"
}

resource "github_repository" "svc" {
  name       = "{{n:service}}"
  visibility = "private"
}
""",
)

T(
    "source",
    "jupyter cell with huggingface and wandb keys",
    r"""
import wandb
from huggingface_hub import login

login("{{s:huggingface}}")
wandb.login(key="{{s:hexs:40}}")
run = wandb.init(project="{{n:service}}-finetune", config={"lr": 2e-5, "epochs": 3})
""",
)

T(
    "source",
    "python requests with basic auth tuple",
    r"""
import requests

r = requests.get(
    "https://{{n:org}}.atlassian.net/rest/api/3/myself",
    auth=("{{n:email}}", "{{s:atlassian}}"),
    timeout=10,
)
print(r.status_code, r.json()["displayName"])
""",
)

T(
    "source",
    "bash script in a wiki with a hardcoded password",
    r"""
#!/usr/bin/env bash
set -euo pipefail
# nightly dump — copied from the old cron box
DB_PASS="{{s:pw_human}}"
mysqldump -u backup -p"$DB_PASS" --single-transaction --all-databases | gzip > /backups/all-$(date +%F).sql.gz
""",
)

T(
    "source",
    "powershell script with a client secret",
    r"""
$body = @{
    grant_type    = "client_credentials"
    client_id     = "{{n:uuid4}}"
    client_secret = "{{s:azure_secret}}"
    scope         = "https://graph.microsoft.com/.default"
}
$token = Invoke-RestMethod -Method Post -Uri "https://login.microsoftonline.com/{{n:uuid4}}/oauth2/v2.0/token" -Body $body
""",
)

T(
    "source",
    "java properties in a doc snippet with keystore password",
    r"""
server.port=8443
server.ssl.key-store=classpath:keystore.p12
server.ssl.key-store-password={{s:pw_rand}}
server.ssl.key-store-type=PKCS12
server.ssl.key-alias={{n:service}}
""",
)

T(
    "source",
    "typescript config object with supabase service key",
    r"""
import { createClient } from '@supabase/supabase-js'

export const supabaseAdmin = createClient(
  'https://{{n:lalnum:20}}.supabase.co',
  '{{s:supabase_jwt}}', // service_role: server only!
)
""",
)

T(
    "source",
    "elixir config with secret key base",
    r"""
config :{{n:service}}, {{n:service|upper}}Web.Endpoint,
  url: [host: "{{n:domain}}", port: 443],
  secret_key_base: "{{s:b64bytes:48}}"

config :{{n:service}}, {{n:service|upper}}.Repo,
  username: "postgres",
  password: "{{s:pw_human}}",
  hostname: "localhost"
""",
)

T(
    "source",
    "curl converted to python in an answer with cookie",
    r"""
import requests

cookies = {
    "sessionid": "{{s:cookie_value:django}}",
    "csrftoken": "{{n:alnum:32}}",
}
headers = {"User-Agent": "Mozilla/5.0", "Referer": "https://app.{{n:domain}}/dashboard"}
response = requests.get("https://app.{{n:domain}}/api/export", cookies=cookies, headers=headers)
""",
)

T(
    "source",
    "go struct literal with jwk private d",
    r"""
var signingKey = jose.JSONWebKey{
	KeyID:     "{{n:hexs:16}}",
	Algorithm: "ES256",
	Key: map[string]string{
		"kty": "EC",
		"crv": "P-256",
		"x":   "{{n:b64urls:43}}",
		"y":   "{{n:b64urls:43}}",
		"d":   "{{s:jwk_d}}",
	},
}
""",
)

T(
    "source",
    "mailgun python snippet with api key",
    r"""
def send_simple_message():
    return requests.post(
        "https://api.mailgun.net/v3/mg.{{n:domain}}/messages",
        auth=("api", "{{s:mailgun}}"),
        data={"from": "Ops <ops@mg.{{n:domain}}>", "to": ["{{n:email}}"], "subject": "Hello", "text": "Testing"},
    )
""",
)

T(
    "source",
    "gradle snippet with maven repository credentials",
    r"""
repositories {
    maven {
        url = uri("https://{{n:org}}.jfrog.io/artifactory/libs-release")
        credentials {
            username = "{{n:svcuser}}"
            password = "{{s:artifactory}}"
        }
    }
}
""",
)

# --- links pasted in chat (url) ---------------------------------------------------------------------

T(
    "url",
    "presigned s3 url pasted in chat",
    r"""
here's the export, link works for 7 days: https://{{n:org}}-exports.s3.eu-west-1.amazonaws.com/reports/{{n:date}}/customers.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={{n:akid}}%2F{{n:digits:8}}%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date={{n:digits:8}}T{{n:digits:6}}Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature={{s:hexs:64}}
""",
)

T(
    "url",
    "presigned s3 url with session token",
    r"""
https://{{n:org}}-uploads.s3.amazonaws.com/tmp/{{n:uuid4}}.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={{n:akid:ASIA}}%2F{{n:digits:8}}%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date={{n:digits:8}}T{{n:digits:6}}Z&X-Amz-Expires=3600&X-Amz-Security-Token={{s:aws_session|url}}&X-Amz-SignedHeaders=host&X-Amz-Signature={{s:hexs:64}}
""",
)

T(
    "url",
    "azure blob sas url",
    r"""
SAS link for the vendor (read-only, expires end of month):
https://{{n:org}}storage.blob.core.windows.net/exports/invoices-{{n:date}}.zip?sp=r&st={{n:date}}T08:00:00Z&se={{n:date}}T23:59:00Z&spr=https&sv=2022-11-02&sr=b&sig={{s:sas_sig}}
""",
)

T(
    "url",
    "gcs signed url",
    r"""
https://storage.googleapis.com/{{n:org}}-ml-artifacts/models/{{n:shortsha}}/model.safetensors?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=uploader%40{{n:org}}-ml.iam.gserviceaccount.com%2F{{n:digits:8}}%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date={{n:digits:8}}T{{n:digits:6}}Z&X-Goog-Expires=86400&X-Goog-SignedHeaders=host&X-Goog-Signature={{s:hexs:512}}
""",
)

T(
    "url",
    "url with user and password in chat",
    r"""
quick link to the staging admin (basic auth): https://{{n:user}}:{{s:pw_url}}@admin.staging.{{n:domain}}/
""",
)

T(
    "url",
    "teams webhook url in a message",
    r"""
New webhook for the "Releases" channel: https://{{n:org}}.webhook.office.com/webhookb2/{{n:uuid4}}@{{n:uuid4}}/IncomingWebhook/{{s:hexs:32}}/{{n:uuid4}}/V2{{s:b64urls:43}}
""",
)

T(
    "url",
    "google chat webhook url",
    r"""
https://chat.googleapis.com/v1/spaces/AAAA{{n:b64urls:7}}/messages?key={{n:google_key}}&token={{s:b64urls:43|url}}%3D
""",
)

T(
    "url",
    "mattermost incoming webhook",
    r"""
hook for ~ci-notifications → https://chat.{{n:domain}}/hooks/{{s:lalnum:26}}
""",
)

T(
    "url",
    "discord webhook url pasted",
    r"""
https://discord.com/api/webhooks/{{n:snowflake}}/{{s:b64urls:68}}
""",
)

T(
    "url",
    "slack webhook url pasted alone",
    r"""
https://hooks.slack.com/services/T{{n:ualnum:9}}/B{{n:ualnum:11}}/{{s:alnum:24}}
""",
)

T(
    "url",
    "telegram bot api url with token",
    r"""
if the bot is stuck, check https://api.telegram.org/bot{{s:telegram}}/getWebhookInfo
""",
)

T(
    "url",
    "password reset link shared in a ticket",
    r"""
Reset link (valid 24 h): https://app.{{n:domain}}/users/password/edit?reset_password_token={{s:b64urls:20}}
""",
)

T(
    "url",
    "magic login link forwarded",
    r"""
Fwd: your sign-in link → https://{{n:org}}.app.{{n:domain}}/auth/magic?email={{n:email|url}}&token={{s:hexs:64}}
""",
)

T(
    "url",
    "zoom link with embedded passcode",
    r"""
Join Zoom Meeting
https://us02web.zoom.us/j/{{n:digits:11}}?pwd={{s:b64urls:32}}.1
Meeting ID: {{n:digits:3}} {{n:digits:4}} {{n:digits:4}}
""",
)

T(
    "url",
    "jenkins trigger url with token",
    r"""
Trigger from the other CI with: https://jenkins.{{n:domain}}/job/{{n:service}}-deploy/buildWithParameters?token={{s:hexs:32}}&ENV=staging
""",
)

T(
    "url",
    "git url with token pasted in chat",
    r"""
clone with https://x-access-token:{{s:ghp:s}}@github.com/{{n:org}}/{{n:service}}.git (it expires in an hour)
""",
)

T(
    "url",
    "database url pasted in chat",
    r"""
prod read replica: postgres://readonly:{{s:pw_url}}@{{n:dbhost}}:5432/{{n:service}}?sslmode=require
""",
)

T(
    "url",
    "amqp url with credentials",
    r"""
amqps://{{n:svcuser}}:{{s:pw_url}}@{{n:lalnum:8}}.rmq.cloudamqp.com/{{n:svcuser}}
""",
)

T(
    "url",
    "redis url with password",
    r"""
REDIS_URL is rediss://default:{{s:alnum:32}}@{{n:lalnum:6}}-{{n:lalnum:6}}-{{n:num:10000-40000}}.upstash.io:6379
""",
)

T(
    "url",
    "api url with key query parameter",
    r"""
https://maps.googleapis.com/maps/api/geocode/json?address=Alexanderplatz+1+Berlin&key={{s:google_key}}
""",
)

T(
    "url",
    "datadog api url with keys in query",
    r"""
https://api.datadoghq.eu/api/v1/validate?api_key={{s:hexs:32}}&application_key={{s:hexs:40}}
""",
)

T(
    "url",
    "firebase realtime db url with auth",
    r"""
https://{{n:org}}-app-default-rtdb.europe-west1.firebasedatabase.app/users.json?auth={{s:alnum:40}}
""",
)

T(
    "url",
    "elastic url with credentials",
    r"""
kibana: https://elastic:{{s:alnum:24}}@{{n:org}}-prod.es.eu-central-1.aws.cloud.es.io:9243/app/discover
""",
)

T(
    "url",
    "twilio api url with credentials",
    r"""
https://{{n:twilio_sid}}:{{s:hexs:32}}@api.twilio.com/2010-04-01/Accounts/{{n:twilio_sid}}/Messages.json
""",
)

T(
    "url",
    "sharepoint guest link with access token",
    r"""
https://{{n:org}}.sharepoint.com/:x:/s/Finance/E{{n:b64urls:45}}?e={{n:alnum:6}}&at=9&download=1&access_token={{s:jwt:rs}}
""",
)

T(
    "url",
    "grafana url with api key in query",
    r"""
render link for the wiki: https://grafana.{{n:domain}}/render/d-solo/{{n:alnum:9}}/api-latency?orgId=1&panelId=4&width=1000&height=500&api_key={{s:grafana}}
""",
)

T(
    "url",
    "otpauth url shared for 2fa setup",
    r"""
otpauth://totp/{{n:org}}:{{n:email|url}}?secret={{s:totp_seed}}&issuer={{n:org}}&algorithm=SHA1&digits=6&period=30
""",
)

T(
    "url",
    "ftp url with credentials",
    r"""
ftp://upload:{{s:pw_url}}@files.{{n:domain}}/incoming/
""",
)

# --- chat and issue exports, webhook payloads, notebooks as JSON (json) -----------------------------

T(
    "json",
    "slack export message with a token",
    r"""
[
    {
        "client_msg_id": "{{n:uuid4}}",
        "type": "message",
        "text": "token for the grafana datasource: `{{s:grafana}}` (editor role)",
        "user": "{{n:slack_id:U}}",
        "ts": "{{n:slack_ts}}",
        "team": "{{n:slack_id:T}}",
        "user_profile": {
            "real_name": "{{n:person}}",
            "display_name": "{{n:first}}",
            "is_restricted": false
        },
        "thread_ts": "{{n:slack_ts}}",
        "parent_user_id": "{{n:slack_id:U}}"
    }
]
""",
)

T(
    "json",
    "slack export message with webhook link markup",
    r"""
[{"type":"message","subtype":"bot_message","text":"Configured new incoming webhook: <https:\/\/hooks.slack.com\/services\/T{{n:ualnum:9}}\/B{{n:ualnum:11}}\/{{s:alnum:24}}>","ts":"{{n:slack_ts}}","bot_id":"{{n:slack_id:B}}","username":"Incoming Webhooks"}]
""",
)

T(
    "json",
    "slack export with a password in rich text blocks",
    r"""
{
  "type": "message",
  "user": "{{n:slack_id:U}}",
  "ts": "{{n:slack_ts}}",
  "text": "new pw for the shared test account is {{s:pw_human@pw}}",
  "blocks": [
    {
      "type": "rich_text",
      "block_id": "{{n:b64urls:5}}",
      "elements": [
        {
          "type": "rich_text_section",
          "elements": [
            {"type": "text", "text": "new pw for the shared test account is "},
            {"type": "text", "text": "{{=pw}}", "style": {"code": true}}
          ]
        }
      ]
    }
  ]
}
""",
)

T(
    "json",
    "discord chat exporter json with bot token",
    r"""
{
  "guild": {"id": "{{n:snowflake}}", "name": "{{n:org}} dev"},
  "channel": {"id": "{{n:snowflake}}", "type": "GuildTextChat", "name": "bot-help"},
  "messages": [
    {
      "id": "{{n:snowflake}}",
      "type": "Default",
      "timestamp": "{{n:ts}}",
      "content": "pls help, `client.run('{{s:discord_bot}}')` gives 401",
      "author": {"id": "{{n:snowflake}}", "name": "{{n:user}}", "isBot": false},
      "attachments": [],
      "reactions": []
    }
  ],
  "messageCount": 1
}
""",
)

T(
    "json",
    "teams graph api chat message with html body",
    r"""
{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#chats('19%3A{{n:hexs:32}}%40thread.v2')/messages/$entity",
  "id": "{{n:digits:13}}",
  "messageType": "message",
  "createdDateTime": "{{n:ts}}",
  "from": {"user": {"id": "{{n:uuid4}}", "displayName": "{{n:person}}", "userIdentityType": "aadUser"}},
  "body": {
    "contentType": "html",
    "content": "<p>The service principal secret is <code>{{s:azure_secret}}</code> — expires in 6 months.</p>"
  },
  "attachments": [],
  "mentions": []
}
""",
)

T(
    "json",
    "mattermost bulk export post",
    r"""
{"type":"post","post":{"team":"{{n:org}}","channel":"town-square","user":"{{n:user}}","message":"the harbor robot account: robot$ci / {{s:alnum:32}}","create_at":{{n:epoch}}000,"reactions":null,"replies":null}}
""",
)

T(
    "json",
    "github issue_comment webhook payload",
    r"""
{
  "action": "created",
  "issue": {
    "url": "https://api.github.com/repos/{{n:org}}/{{n:service}}/issues/{{n:num:10-900}}",
    "number": {{n:num:10-900}},
    "title": "Webhook signature mismatch",
    "user": {"login": "{{n:user}}", "id": {{n:digits:8}}, "node_id": "MDQ6VXNlcj{{n:b64urls:8}}"},
    "state": "open"
  },
  "comment": {
    "id": {{n:digits:10}},
    "node_id": "{{n:gh_node:IC_kwDO}}",
    "body": "My handler:\n```js\nconst secret = '{{s:hexs:40}}';\nconst sig = crypto.createHmac('sha256', secret).update(body).digest('hex');\n```\nStill mismatching.",
    "created_at": "{{n:ts}}",
    "author_association": "NONE"
  },
  "repository": {"full_name": "{{n:org}}/{{n:service}}", "private": false},
  "sender": {"login": "{{n:user}}", "type": "User"}
}
""",
)

T(
    "json",
    "gitlab note webhook payload with token in note",
    r"""
{
  "object_kind": "note",
  "event_type": "note",
  "user": {"id": {{n:num:10-9999}}, "name": "{{n:person}}", "username": "{{n:user}}"},
  "project_id": {{n:num:10-9999}},
  "object_attributes": {
    "id": {{n:digits:7}},
    "note": "Use this trigger token for the downstream pipeline: `{{s:glpat:ptt}}`",
    "noteable_type": "MergeRequest",
    "created_at": "{{n:date}} {{n:clock}}:00 UTC",
    "url": "https://gitlab.{{n:domain}}/{{n:org}}/{{n:service}}/-/merge_requests/{{n:num:1-400}}#note_{{n:digits:7}}"
  }
}
""",
)

T(
    "json",
    "jira rest issue with adf description containing a password",
    r"""
{
  "id": "{{n:digits:5}}",
  "key": "{{n:ticket:IT}}",
  "fields": {
    "summary": "Access to the finance share",
    "issuetype": {"name": "Service Request"},
    "reporter": {"accountId": "{{n:hexs:24}}", "displayName": "{{n:person}}"},
    "description": {
      "type": "doc",
      "version": 1,
      "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": "Access granted. Temporary password: "}, {"type": "text", "text": "{{s:pw_rand}}", "marks": [{"type": "code"}]}]},
        {"type": "paragraph", "content": [{"type": "text", "text": "Please change it at first logon."}]}
      ]
    },
    "created": "{{n:ts}}"
  }
}
""",
)

T(
    "json",
    "zendesk ticket comment json",
    r"""
{
  "ticket": {
    "id": {{n:digits:6}},
    "subject": "API key not working",
    "status": "open",
    "requester_id": {{n:digits:11}},
    "tags": ["api", "enterprise"]
  },
  "comments": [
    {
      "id": {{n:digits:12}},
      "type": "Comment",
      "author_id": {{n:digits:11}},
      "body": "Hi, we get 401 with our key {{s:generic_token:alnum}} since yesterday. Can you check?",
      "public": true,
      "created_at": "{{n:ts}}"
    }
  ]
}
""",
)

T(
    "json",
    "jupyter notebook with key in a code cell",
    r"""
{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": ["## Load the embeddings\n", "Uses the shared Cohere key."]
  },
  {
   "cell_type": "code",
   "execution_count": 3,
   "metadata": {},
   "outputs": [],
   "source": [
    "import cohere\n",
    "co = cohere.Client(\"{{s:alnum:40}}\")\n",
    "emb = co.embed(texts=docs, model=\"embed-english-v3.0\", input_type=\"search_document\")"
   ]
  }
 ],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
""",
)

T(
    "json",
    "jupyter notebook output showing env",
    r"""
{
 "cell_type": "code",
 "execution_count": 7,
 "metadata": {},
 "outputs": [
  {
   "name": "stdout",
   "output_type": "stream",
   "text": [
    "PINECONE_ENV=us-east-1\n",
    "PINECONE_API_KEY={{s:pinecone}}\n",
    "OPENAI_API_KEY={{s:openai}}\n"
   ]
  }
 ],
 "source": ["!env | grep -E 'PINECONE|OPENAI'"]
}
""",
)

T(
    "json",
    "openai chat messages log with user pasting key",
    r"""
{"model":"gpt-4o","messages":[{"role":"system","content":"You are a helpful assistant for the {{n:org}} support team."},{"role":"user","content":"why does this fail? curl https://api.{{n:domain}}/v1/sync -H 'X-Api-Key: {{s:generic_token:hex}}' returns 403"},{"role":"assistant","content":"A 403 usually means the key is valid but lacks the `sync:write` scope..."}],"temperature":0.2}
""",
)

T(
    "json",
    "intercom conversation part with credentials",
    r"""
{
  "type": "conversation_part",
  "id": "{{n:digits:11}}",
  "part_type": "comment",
  "body": "<p>Here you go:</p><p>username: {{n:email}}<br>password: {{s:pw_human|xml}}</p>",
  "created_at": {{n:epoch}},
  "author": {"type": "user", "id": "{{n:hexs:24}}", "name": "{{n:person}}"},
  "attachments": []
}
""",
)

T(
    "json",
    "linear webhook payload with token in comment",
    r"""
{
  "action": "create",
  "type": "Comment",
  "createdAt": "{{n:ts}}",
  "data": {
    "id": "{{n:uuid4}}",
    "body": "Replaced the Figma token in the plugin settings with `{{s:figma}}`, old one revoked.",
    "issueId": "{{n:uuid4}}",
    "userId": "{{n:uuid4}}"
  },
  "url": "https://linear.app/{{n:org}}/issue/{{n:ticket:ENG}}#comment-{{n:hexs:8}}",
  "organizationId": "{{n:uuid4}}",
  "webhookTimestamp": {{n:epoch}}123
}
""",
)

T(
    "json",
    "notion api block with a secret in a code block",
    r"""
{
  "object": "block",
  "id": "{{n:uuid4}}",
  "type": "code",
  "code": {
    "caption": [],
    "rich_text": [{"type": "text", "text": {"content": "NOTION_TOKEN={{s:notion}}\nDATABASE_ID={{n:notion_id}}", "link": null}, "plain_text": "NOTION_TOKEN=…"}],
    "language": "shell"
  },
  "created_time": "{{n:ts}}",
  "has_children": false
}
""",
)

T(
    "json",
    "confluence rest api page body with a password",
    r"""
{
  "id": "{{n:digits:9}}",
  "type": "page",
  "status": "current",
  "title": "Printer setup",
  "space": {"key": "IT"},
  "body": {
    "storage": {
      "value": "<p>Admin UI: <a href=\"http://{{n:ip}}\">http://{{n:ip}}</a></p><p>Login: <code>admin</code> / <code>{{s:pw_rand:12}}</code></p>",
      "representation": "storage"
    }
  },
  "version": {"number": {{n:num:2-40}}, "when": "{{n:ts}}"}
}
""",
)

T(
    "json",
    "pagerduty incident note json",
    r"""
{
  "incident": {"id": "Q{{n:ualnum:13}}", "incident_number": {{n:num:1000-9999}}, "title": "Checkout latency p99 > 2s"},
  "note": {
    "id": "P{{n:ualnum:6}}",
    "user": {"summary": "{{n:person}}"},
    "content": "Connected to the replica with readonly / {{s:pw_human}} — replication lag is 0, not the DB.",
    "created_at": "{{n:ts}}"
  }
}
""",
)

T(
    "json",
    "telegram desktop export with password",
    r"""
{
 "name": "{{n:org}} ops",
 "type": "private_supergroup",
 "id": {{n:digits:10}},
 "messages": [
  {
   "id": {{n:num:100-9000}},
   "type": "message",
   "date": "{{n:date}}T{{n:clock}}:41",
   "from": "{{n:person}}",
   "from_id": "user{{n:digits:9}}",
   "text": "grafana admin pw after the reset: {{s:pw_human@p}}",
   "text_entities": [{"type": "plain", "text": "grafana admin pw after the reset: {{=p}}"}]
  }
 ]
}
""",
)

T(
    "json",
    "google chat api message json",
    r"""
{
  "name": "spaces/AAAA{{n:b64urls:7}}/messages/{{n:b64urls:11}}.{{n:b64urls:11}}",
  "sender": {"name": "users/{{n:digits:21}}", "displayName": "{{n:person}}", "type": "HUMAN"},
  "createTime": "{{n:ts}}",
  "text": "Mailchimp key for the newsletter import: {{s:mailchimp}}",
  "thread": {"name": "spaces/AAAA{{n:b64urls:7}}/threads/{{n:b64urls:11}}"},
  "space": {"name": "spaces/AAAA{{n:b64urls:7}}", "type": "ROOM"}
}
""",
)

T(
    "json",
    "service account key json pasted in an issue body",
    r"""
{
  "type": "service_account",
  "project_id": "{{n:org}}-analytics",
  "private_key_id": "{{n:hexs:40}}",
  "private_key": "{{s:pem:pkcs8|json}}",
  "client_email": "looker@{{n:org}}-analytics.iam.gserviceaccount.com",
  "client_id": "{{n:digits:21}}",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/looker%40{{n:org}}-analytics.iam.gserviceaccount.com",
  "universe_domain": "googleapis.com"
}
""",
)

T(
    "json",
    "vscode settings pasted in an issue with tokens",
    r"""
{
  "editor.formatOnSave": true,
  "github.copilot.enable": {"*": true},
  "sonarlint.connectedMode.connections.sonarqube": [
    {"serverUrl": "https://sonar.{{n:domain}}", "token": "{{s:sonar}}"}
  ],
  "rest-client.environmentVariables": {
    "staging": {"baseUrl": "https://staging-api.{{n:domain}}", "token": "{{s:jwt}}"}
  }
}
""",
)

T(
    "json",
    "postman environment export in a support ticket",
    r"""
{
	"id": "{{n:uuid4}}",
	"name": "{{n:org}} prod",
	"values": [
		{"key": "baseUrl", "value": "https://api.{{n:domain}}", "type": "default", "enabled": true},
		{"key": "clientId", "value": "{{n:uuid4}}", "type": "default", "enabled": true},
		{"key": "clientSecret", "value": "{{s:b64urls:40}}", "type": "secret", "enabled": true},
		{"key": "accessToken", "value": "{{s:jwt:rs}}", "type": "secret", "enabled": true}
	],
	"_postman_variable_scope": "environment",
	"_postman_exported_at": "{{n:ts}}",
	"_postman_exported_using": "Postman/11.2.0"
}
""",
)

T(
    "json",
    "mcp settings file pasted in a discussion",
    r"""
{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "{{s:github_pat}}"}
    },
    "linear": {
      "command": "npx",
      "args": ["-y", "mcp-remote", "https://mcp.linear.app/sse"]
    },
    "postgres": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://{{n:svcuser}}:{{s:pw_url}}@localhost:5432/{{n:service}}"]
    }
  }
}
""",
)

T(
    "json",
    "sentry event json with a password in breadcrumbs",
    r"""
{
  "event_id": "{{n:hexs:32}}",
  "timestamp": "{{n:ts}}",
  "level": "error",
  "platform": "python",
  "exception": {"values": [{"type": "OperationalError", "value": "could not connect to server"}]},
  "breadcrumbs": {"values": [
    {"category": "subprocess", "message": "pg_dump --dbname=postgresql://{{n:svcuser}}:{{s:pw_url}}@{{n:dbhost}}/{{n:service}} -Fc", "level": "info", "timestamp": "{{n:ts}}"}
  ]},
  "tags": {"release": "{{n:semver}}", "environment": "production"}
}
""",
)

T(
    "json",
    "opsgenie alert payload with a token in details",
    r"""
{
  "message": "Nightly export failed",
  "alias": "export-{{n:date}}",
  "description": "Job exited with 1. Last lines:\nERROR upload failed: 403 for token {{s:dockerhub}}\n",
  "responders": [{"name": "data-team", "type": "team"}],
  "tags": ["export", "nightly"],
  "priority": "P3",
  "details": {"job_id": "{{n:uuid4}}", "host": "{{n:host}}"}
}
""",
)

T(
    "json",
    "github discussion graphql response with a key in body",
    r"""
{"data":{"repository":{"discussion":{"number":{{n:num:10-999}},"title":"Can't authenticate with the Python SDK","body":"```\nclient = Client(api_key=\"{{s:perplexity}}\")\n```\nreturns `401 Unauthorized`","author":{"login":"{{n:user}}"},"createdAt":"{{n:ts}}","comments":{"totalCount":2}}}}}
""",
)

T(
    "json",
    "slack api conversations.history response with xoxp",
    r"""
{
  "ok": true,
  "messages": [
    {"type": "message", "user": "{{n:slack_id:U}}", "text": "for the script use my user token {{s:slack:p}}, it has channels:history", "ts": "{{n:slack_ts}}"},
    {"type": "message", "user": "{{n:slack_id:U}}", "text": "thx", "ts": "{{n:slack_ts}}"}
  ],
  "has_more": false,
  "pin_count": 0,
  "response_metadata": {"next_cursor": ""}
}
""",
)

T(
    "json",
    "agent tool call arguments with a secret",
    r"""
{
  "type": "tool_use",
  "id": "{{n:toolu}}",
  "name": "Bash",
  "input": {
    "command": "curl -s -H 'Authorization: Token {{s:hexs:40}}' https://readthedocs.org/api/v3/projects/{{n:service}}/builds/ | jq '.results[0].state'",
    "description": "Check the latest docs build"
  }
}
""",
)

T(
    "json",
    "codex-style agent message with a found key",
    r"""
{"type":"agent_message","message":"The failing test reads `REPLICATE_API_TOKEN` from `tests/conftest.py`, which hardcodes `{{s:replicate}}`. I replaced it with a fixture that skips when the variable is unset."}
""",
)

T(
    "json",
    "email api payload with smtp password in body",
    r"""
{
  "from": {"email": "it@{{n:domain}}", "name": "IT"},
  "personalizations": [{"to": [{"email": "{{n:email}}"}]}],
  "subject": "Your new account",
  "content": [{"type": "text/plain", "value": "Hi {{n:first}},\n\nyour account is ready.\nUser: {{n:user}}\nPassword: {{s:pw_rand}}\n\nIT"}]
}
""",
)

T(
    "json",
    "discord webhook message payload quoting a token",
    r"""
{
  "username": "security-bot",
  "embeds": [
    {
      "title": "Possible secret in #general",
      "description": "Message by {{n:user}} contains a token-like string: `{{s:ghp}}`\nJump: https://discord.com/channels/{{n:snowflake}}/{{n:snowflake}}/{{n:snowflake}}",
      "color": 15158332,
      "timestamp": "{{n:ts}}"
    }
  ]
}
""",
)

T(
    "json",
    "har entry pasted in a bug report",
    r"""
{
  "startedDateTime": "{{n:ts}}",
  "time": {{n:num:40-900}}.{{n:digits:3}},
  "request": {
    "method": "GET",
    "url": "https://app.{{n:domain}}/api/v1/me",
    "httpVersion": "http/2.0",
    "headers": [
      {"name": "accept", "value": "application/json"},
      {"name": "authorization", "value": "Bearer {{s:jwt}}"},
      {"name": "cookie", "value": "_session_id={{s:hexs:32}}; theme=dark"}
    ],
    "queryString": [],
    "cookies": []
  },
  "response": {"status": 500, "statusText": "", "headers": [], "content": {"size": 54, "mimeType": "application/json"}}
}
""",
)

T(
    "json",
    "chatgpt conversation export with pasted env",
    r"""
{
  "title": "Fix docker compose env",
  "create_time": {{n:epoch}}.{{n:digits:6}},
  "mapping": {
    "{{n:uuid4}}": {
      "message": {
        "author": {"role": "user"},
        "content": {"content_type": "text", "parts": ["my compose keeps failing, here's my .env:\nPOSTGRES_PASSWORD={{s:pw_human}}\nMINIO_ROOT_USER=minio\nMINIO_ROOT_PASSWORD={{s:pw_rand}}\nwhat's wrong?"]},
        "create_time": {{n:epoch}}.{{n:digits:6}}
      }
    }
  }
}
""",
)

T(
    "json",
    "rocket chat message json",
    r"""
{"_id":"{{n:b64urls:17}}","rid":"GENERAL","msg":"SMTP for the status page: user status@{{n:domain}}, pass {{s:pw_human}}","ts":{"$date":{{n:epoch}}000},"u":{"_id":"{{n:b64urls:17}}","username":"{{n:user}}","name":"{{n:person}}"},"_updatedAt":{"$date":{{n:epoch}}000}}
""",
)

T(
    "json",
    "vs code devcontainer pasted in issue with token",
    r"""
{
  "name": "{{n:service}}",
  "image": "mcr.microsoft.com/devcontainers/python:3.12",
  "containerEnv": {
    "PIP_INDEX_URL": "https://{{n:svcuser}}:{{s:artifactory}}@{{n:org}}.jfrog.io/artifactory/api/pypi/pypi/simple"
  },
  "postCreateCommand": "pip install -e .[dev]"
}
""",
)

T(
    "json",
    "aws credentials json from sts in a chat paste",
    r"""
{
    "Credentials": {
        "AccessKeyId": "{{n:akid:ASIA}}",
        "SecretAccessKey": "{{s:aws_secret}}",
        "SessionToken": "{{s:aws_session}}",
        "Expiration": "{{n:ts}}"
    },
    "AssumedRoleUser": {
        "AssumedRoleId": "AROA{{n:ualnum:17}}:{{n:user}}",
        "Arn": "arn:aws:sts::{{n:aws_account}}:assumed-role/Admin/{{n:user}}"
    }
}
""",
)

T(
    "json",
    "npm package json with token in publishconfig",
    r"""
{
  "name": "@{{n:org}}/ui-kit",
  "version": "{{n:semver}}",
  "publishConfig": {
    "registry": "https://npm.pkg.github.com",
    "_authToken": "{{s:ghp}}"
  },
  "scripts": {"build": "tsup src/index.ts --dts"}
}
""",
)

T(
    "json",
    "docker config json in a support chat",
    r"""
{"auths":{"{{n:org}}.azurecr.io":{"auth":"{{s:basic}}","identitytoken":"{{s:jwt:rs}}"}},"HttpHeaders":{"User-Agent":"Docker-Client/24.0.7 (linux)"}}
""",
)

T(
    "json",
    "stripe webhook event with restricted key in metadata",
    r"""
{
  "id": "{{n:stripe_id:evt}}",
  "object": "event",
  "api_version": "2024-06-20",
  "created": {{n:epoch}},
  "data": {
    "object": {
      "id": "{{n:stripe_id:cus}}",
      "object": "customer",
      "email": "{{n:email}}",
      "metadata": {"integration_key": "{{s:stripe:rk_live}}", "source": "legacy-import"}
    }
  },
  "livemode": true,
  "type": "customer.updated"
}
""",
)

T(
    "json",
    "gcp oauth client secret json",
    r"""
{"installed":{"client_id":"{{n:google_client_id}}","project_id":"{{n:org}}-tools","auth_uri":"https://accounts.google.com/o/oauth2/auth","token_uri":"https://oauth2.googleapis.com/token","auth_provider_x509_cert_url":"https://www.googleapis.com/oauth2/v1/certs","client_secret":"{{s:gocspx}}","redirect_uris":["http://localhost"]}}
""",
)

T(
    "json",
    "oauth token response pasted in a question",
    r"""
{
  "access_token": "{{s:google_access}}",
  "expires_in": 3599,
  "refresh_token": "{{s:google_refresh}}",
  "scope": "https://www.googleapis.com/auth/drive.readonly",
  "token_type": "Bearer"
}
""",
)

T(
    "json",
    "keycloak client json export",
    r"""
{
  "clientId": "{{n:service}}-backend",
  "name": "{{n:service}} backend",
  "enabled": true,
  "clientAuthenticatorType": "client-secret",
  "secret": "{{s:alnum:32}}",
  "redirectUris": ["https://{{n:service}}.{{n:domain}}/*"],
  "publicClient": false,
  "protocol": "openid-connect"
}
""",
)

T(
    "json",
    "bitwarden-like export item pasted in a ticket",
    r"""
{
  "id": "{{n:uuid4}}",
  "organizationId": null,
  "folderId": "{{n:uuid4}}",
  "type": 1,
  "name": "{{n:org}} staging db",
  "notes": "read replica too",
  "login": {
    "uris": [{"match": null, "uri": "postgres://{{n:dbhost}}"}],
    "username": "{{n:svcuser}}",
    "password": "{{s:pw_rand}}",
    "totp": null
  }
}
""",
)

T(
    "json",
    "airtable api response with pat in a record",
    r"""
{"records":[{"id":"rec{{n:alnum:14}}","createdTime":"{{n:ts}}","fields":{"Tool":"Airtable sync","Owner":"{{n:person}}","Token":"{{s:airtable}}","Notes":"used by the marketing import"}}]}
""",
)

T(
    "json",
    "launchdarkly sdk key in a config json",
    r"""
{
  "featureFlags": {
    "provider": "launchdarkly",
    "sdkKey": "{{s:launchdarkly}}",
    "clientSideId": "{{n:hexs:24}}",
    "offline": false
  },
  "analytics": {"posthogKey": "{{n:posthog_project}}", "host": "https://eu.posthog.com"}
}
""",
)

T(
    "json",
    "ms teams adaptive card with webhook secret",
    r"""
{
  "type": "message",
  "attachments": [{
    "contentType": "application/vnd.microsoft.card.adaptive",
    "content": {
      "type": "AdaptiveCard",
      "version": "1.4",
      "body": [
        {"type": "TextBlock", "text": "New webhook registered", "weight": "Bolder"},
        {"type": "FactSet", "facts": [
          {"title": "Endpoint", "value": "https://hooks.{{n:domain}}/in/{{n:uuid4}}"},
          {"title": "Secret", "value": "{{s:b64bytes:32}}"}
        ]}
      ]
    }
  }]
}
""",
)

# === NEGATIVES ====================================================================================
# --- plain: messages about secrets without one ---------------------------------------------------

T(
    "plain",
    "slack: rotated key, new one in the password manager",
    r"""
{{n:person}}  {{n:ampm}}
:rotating_light: rotated the Stripe restricted key after the leak this morning. New key is in 1Password → *Engineering* → "Stripe live (restricted, backend)". Old key (ending `{{n:alnum:4}}`) is revoked.
{{n:person}}  {{n:ampm}}
thanks! redeploying {{n:service}} now ({{n:shortsha}})
""",
)

T(
    "plain",
    "github issue with masked token in logs",
    r"""
### Logs
```
{{n:ts}} INFO  starting sync for {{n:org}}/{{n:service}}
{{n:ts}} DEBUG using token {{n:mask:gh}} (source: GITHUB_TOKEN)
{{n:ts}} ERROR GET /repos/{{n:org}}/{{n:service}}/pulls → 403 Resource not accessible by integration
{{n:ts}} DEBUG x-github-request-id: {{n:hexup:4}}:{{n:hexup:5}}:{{n:hexup:7}}:{{n:hexup:7}}:{{n:hexup:8}}
```
Token has `pull_requests: read`. What else is needed?
""",
)

T(
    "plain",
    "postmortem with image digests and commit shas",
    r"""
## Impact
Between {{n:clock}} and {{n:clock}} UTC, {{n:num:2-40}}% of checkout requests failed with 502.

## Root cause
Image `ghcr.io/{{n:org}}/{{n:service}}@{{n:digest}}` (built from {{n:sha}}) shipped with a missing migration. The previous good image was `{{n:digest}}`.

## Detection
Alert `CheckoutErrorRate` fired at {{n:clock}} (PagerDuty incident #{{n:num:1000-9999}}).

## Trigger
Deploy pipeline run {{n:digits:10}}, approved by {{n:person}}.
""",
)

T(
    "plain",
    "forwarded email with dkim headers and message id",
    r"""
---------- Forwarded message ---------
From: {{n:person}} <{{n:email}}>
Date: {{n:date}}
Subject: Re: Q3 vendor review
To: procurement@{{n:domain}}

Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41])
        by mx.google.com with SMTPS id {{n:lalnum:20}}.{{n:num:10-99}}.{{n:date}}
{{n:dkim}}
Message-ID: {{n:message_id}}
In-Reply-To: {{n:message_id}}

Please find the signed contract attached. No changes from the draft.
""",
)

T(
    "plain",
    "access request with ssh public key",
    r"""
Hi IT,

I need access to the bastion for the on-call rotation starting {{n:date}}. My public key:

    {{n:ssh_pub:ed25519}}

Fingerprint: `{{n:fingerprint}}`

Manager approval: {{n:person}} (cc'd)

Thanks!
""",
)

T(
    "plain",
    "email signed with pgp signature block",
    r"""
{{n:begin:PGP_SIGNED_MESSAGE}}
Hash: SHA512

Security advisory {{n:ticket:SA}}: versions < {{n:semver}} of the agent log HTTP headers at debug level.
Upgrade to {{n:semver}}. No credentials were exposed by our hosted service.

Key fingerprint: {{n:gpg_fpr}}
{{n:pgp_signature}}
""",
)

T(
    "plain",
    "rotation notice naming only the access key id",
    r"""
**Key rotation completed — {{n:date}}**

| user | old access key id | new access key id | secret stored at |
|---|---|---|---|
| svc-backup | {{n:akid}} (deactivated) | {{n:akid}} | `arn:aws:secretsmanager:eu-west-1:{{n:aws_account}}:secret:svc-backup-{{n:alnum:6}}` |
| svc-etl | {{n:akid}} (deactivated) | {{n:akid}} | `arn:aws:secretsmanager:eu-west-1:{{n:aws_account}}:secret:svc-etl-{{n:alnum:6}}` |

Old keys will be deleted on {{n:date}}.
""",
)

T(
    "plain",
    "onboarding doc with placeholder env values",
    r"""
## Configure your environment

Copy `.env.example` to `.env` and fill in your own values:

```
OPENAI_API_KEY=sk-...
ANTHROPIC_API_KEY=<your-anthropic-key>
DATABASE_URL=postgres://postgres:postgres@localhost:5432/dev
STRIPE_SECRET_KEY=sk_test_...
SESSION_SECRET=changeme
```

Never commit `.env`. Production values come from Vault at deploy time.
""",
)

T(
    "plain",
    "readme with aws documented example keys",
    r"""
### Configuring credentials

The tool reads the standard AWS variables. For example (these are the sample values from the AWS documentation, not real keys):

```
AWS_ACCESS_KEY_ID={{n:doc_example:aws_id}}
AWS_SECRET_ACCESS_KEY={{n:doc_example:aws_secret}}
AWS_DEFAULT_REGION=us-west-2
```

In CI, use OIDC instead of static keys.
""",
)

T(
    "plain",
    "jira ticket: password rotated, value in vault",
    r"""
*{{n:ticket:OPS}}* Rotate the reporting DB password

Done. The new password is stored in Vault at {{secret/data/prod/reporting-db}} (version {{n:num:2-30}}). The app picked it up after the sidecar restart at {{n:clock}}.

Old credentials revoked via `ALTER ROLE report_reader PASSWORD NULL` — confirmed no active sessions.
""",
)

T(
    "plain",
    "agent reply: no hardcoded keys found",
    r"""
I searched the repository for hardcoded credentials (`rg -n "(api[_-]?key|secret|token|password)\s*[:=]"`) and found none: every client reads its key from the environment, e.g.

```python
client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
```

The only matches were in `tests/fixtures/`, where values are `"test-key"` and `"dummy"`.
""",
)

T(
    "plain",
    "agent plan with placeholder key",
    r"""
To run the benchmark you need a key with access to the batch API:

1. `export OPENAI_API_KEY=<your key>`
2. `uv run python bench/batch.py --n 200`
3. Results land in `out/{{n:date}}/`.

I haven't run it because no key is configured in this environment (`echo $OPENAI_API_KEY` is empty).
""",
)

T(
    "plain",
    "chat with an already-used one-time code",
    r"""
{{n:first}}  {{n:ampm}}
can someone approve my login? the code sent to the shared phone was {{n:otp}}
{{n:first}}  {{n:ampm}}
entered it, you're in. it's single use so don't bother trying it again 🙂
""",
)

T(
    "plain",
    "readme with sentry dsn and publishable stripe key",
    r"""
## Frontend configuration

These values are public and ship in the browser bundle:

| variable | value |
|---|---|
| `VITE_SENTRY_DSN` | `{{n:sentry_dsn}}` |
| `VITE_STRIPE_PUBLISHABLE_KEY` | `{{n:stripe_pk}}` |
| `VITE_POSTHOG_KEY` | `{{n:posthog_project}}` |

Secret keys never go in `VITE_*` variables.
""",
)

T(
    "plain",
    "docs page with supabase anon key",
    r"""
### Connecting from the browser

Use the **anon** key — it is safe to expose because row level security is enabled on every table:

```
NEXT_PUBLIC_SUPABASE_URL=https://{{n:lalnum:20}}.supabase.co
NEXT_PUBLIC_SUPABASE_ANON_KEY={{n:supabase_anon}}
```

The `service_role` key must only be used on the server, from the `SUPABASE_SERVICE_ROLE_KEY` secret.
""",
)

T(
    "plain",
    "wiki: mapbox public token for the map widget",
    r"""
# Store locator map

The widget uses our **public** Mapbox token (URL-restricted to `*.{{n:domain}}`):

`{{n:mapbox_pk}}`

Style: `mapbox://styles/{{n:org}}/cl{{n:lalnum:23}}`. The secret token used for uploads is in Vault (`secret/mapbox/uploads`).
""",
)

T(
    "plain",
    "runbook naming twilio sid and vault path",
    r"""
## SMS provider (Twilio)

- Account SID: `{{n:twilio_sid}}` (main) / `{{n:twilio_sid}}` (test)
- Messaging service: `{{n:twilio_sid:MG}}`
- The auth token is **not** kept here: `vault kv get -field=auth_token secret/twilio/main`

If SMS stop, check the Twilio status page first.
""",
)

T(
    "plain",
    "release notes with artifact checksums",
    r"""
# {{n:service}} v{{n:semver}}

## Downloads
| file | sha256 |
|---|---|
| {{n:service}}-linux-amd64.tar.gz | `{{n:sha256}}` |
| {{n:service}}-linux-arm64.tar.gz | `{{n:sha256}}` |
| {{n:service}}-darwin-arm64.tar.gz | `{{n:sha256}}` |

Verify with `sha256sum -c checksums.txt`. Signed with key `{{n:gpg_fpr}}`.
""",
)

T(
    "plain",
    "issue pasting lockfile integrity lines",
    r"""
`npm ci` fails with EINTEGRITY on one package:

```
npm ERR! code EINTEGRITY
npm ERR! sha512-{{n:b64bytes:64}} integrity checksum failed when using sha512: wanted sha512-{{n:b64bytes:64}} but got {{n:integrity}}. ({{n:num:10000-99999}} bytes)
```

package-lock has `"integrity": "{{n:integrity}}"`. Cache cleaned already.
""",
)

T(
    "plain",
    "changelog security entry with advisory ids",
    r"""
## {{n:semver}} — {{n:date}}

### Security
- Tokens are no longer written to the debug log (GHSA-{{n:lalnum:4}}-{{n:lalnum:4}}-{{n:lalnum:4}}, CVE-2025-{{n:num:10000-59999}}). Reported by {{n:person}}.
- Session cookies are now `SameSite=Lax` by default.

### Fixed
- Crash when the config file is empty ({{n:shortsha}}).
""",
)

T(
    "plain",
    "git log with change ids and sign-offs",
    r"""
commit {{n:sha}}
Author: {{n:person}} <{{n:email}}>
Date:   {{n:date}}

    auth: stop logging the Authorization header

    The header was logged at DEBUG by the retry middleware. Replace the
    value with its length before logging.

    Change-Id: {{n:change_id}}
    Reviewed-on: https://review.{{n:domain}}/c/platform/+/{{n:num:10000-99999}}
    Signed-off-by: {{n:person}} <{{n:email}}>
""",
)

T(
    "plain",
    "chat export with redaction notices",
    r"""
[{{n:clock}}] {{n:first}}: pasting the env for the new box
[{{n:clock}}] {{n:first}}: [message removed by Nightfall DLP: contained a credential]
[{{n:clock}}] {{n:first}}: ok thanks, grabbed it from the vault instead
[{{n:clock}}] Nightfall: A message in #infra contained an AWS secret key. It was removed and the owner notified. Ref {{n:uuid4}}
""",
)

T(
    "plain",
    "password policy doc with banned examples",
    r"""
# Password policy (v{{n:num:2-9}})

- Minimum 14 characters; passphrases encouraged.
- Passwords are checked against breached-password lists; obvious patterns such as `Password1`, `Welcome123` or `<Season><Year>!` are rejected.
- No rotation unless compromise is suspected (NIST 800-63B).
- MFA is mandatory for all accounts; hardware keys for admins.
""",
)

T(
    "plain",
    "pull request with ansible vault encrypted file",
    r"""
Adds the encrypted vars for the new mail relay. Encrypted with the `prod` vault id, so you can review the diff but not the values:

```
{{n:ansible_vault}}
```

Decrypt locally with `ansible-vault view group_vars/mail/vault.yml --vault-id prod@prompt`.
""",
)

T(
    "plain",
    "ticket with kms ciphertext blob",
    r"""
The Lambda fails to decrypt the env var after the account move. Encrypted value (from the console):

`{{n:kms_blob}}`

Error: `AccessDeniedException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.` Key ARN: arn:aws:kms:eu-west-1:{{n:aws_account}}:key/{{n:uuid4}}
""",
)

T(
    "plain",
    "email with an inline screenshot as base64",
    r"""
Hi {{n:first}},

see the error in the screenshot below:

<img src="{{n:png_data}}" alt="error dialog">

It happens right after clicking "Export". Build {{n:semver}} ({{n:shortsha}}).

Thanks,
{{n:person}}
""",
)

T(
    "plain",
    "debug log paste with webhook signature headers",
    r"""
Webhook verification keeps failing. The request as received:

```
POST /hooks/github HTTP/1.1
Host: ci.{{n:domain}}
X-GitHub-Event: pull_request
X-GitHub-Delivery: {{n:uuid4}}
X-GitHub-Hook-ID: {{n:digits:9}}
X-Hub-Signature-256: {{n:hub_sig}}
Content-Type: application/json
Content-Length: {{n:num:1000-30000}}
```

Our computed digest is `{{n:sha256}}`. Is the body re-encoded by the proxy?
""",
)

T(
    "plain",
    "support thread with stripe-signature header",
    r"""
Our endpoint returns 400 "No signatures found matching the expected signature for payload". Header we receive:

Stripe-Signature: t={{n:epoch}},v1={{n:sha256}},v0={{n:sha256}}

Event id {{n:stripe_id:evt}}. We use the raw body (express.raw). The signing secret is read from `STRIPE_WEBHOOK_SECRET` — I double-checked it matches the dashboard.
""",
)

T(
    "plain",
    "docs mention of the jwt.io example token",
    r"""
### Decoding a token

Paste a token into jwt.io to inspect it. The default example there is

```
{{n:doc_example:jwt_io}}
```

which decodes to `{"sub": "1234567890", "name": "John Doe", "iat": 1516239022}` and is signed with the secret `your-256-bit-secret`. Never paste production tokens into third-party sites.
""",
)

T(
    "plain",
    "runbook: age recipients for sops",
    r"""
## Who can decrypt prod secrets

`.sops.yaml` encrypts to these age recipients (public keys — safe to share):

- {{n:person}}: `{{n:age_public}}`
- {{n:person}}: `{{n:age_public}}`
- CI (GitHub OIDC → KMS): `arn:aws:kms:eu-west-1:{{n:aws_account}}:alias/sops-prod`

To add someone, append their public key and run `sops updatekeys secrets/*.yaml`.
""",
)

T(
    "plain",
    "vpn access request with wireguard public key",
    r"""
Hi {{n:first}}, could you add my laptop to the office WireGuard? Public key:

{{n:wg_key}}

Hostname: {{n:user}}-mbp. I generated the keypair locally, the private key never left the machine.
""",
)

T(
    "plain",
    "onboarding: verify ssh host fingerprints",
    r"""
## First connection to the bastion

When you connect the first time, check the host key fingerprint matches one of these:

```
ED25519 key fingerprint is {{n:fingerprint}}.
ECDSA key fingerprint is {{n:fingerprint}}.
RSA key fingerprint is MD5:{{n:fingerprint:md5}}.
```

If it doesn't match, stop and ping #security.
""",
)

T(
    "plain",
    "ticket with a certificate chain pasted",
    r"""
The partner says our client certificate is rejected. This is what we send (leaf only):

{{n:cert}}

Issuer: CN={{n:org}} Issuing CA 2, O={{n:org}}. Valid until {{n:date}}. The private key stays on the HSM.
""",
)

T(
    "plain",
    "email with a pgp public key for encrypted replies",
    r"""
Hi,

please encrypt the report before sending it. My public key is below and on keys.openpgp.org.

{{n:pgp_public}}

Fingerprint: {{n:gpg_fpr}}

Thanks,
{{n:person}}
""",
)

T(
    "plain",
    "chat about gcp key id without the key",
    r"""
{{n:person}}  {{n:ampm}}
which key is the looker SA using?
{{n:person}}  {{n:ampm}}
key id `{{n:hexs:40}}`, created {{n:date}}. I'll disable it once the workload identity switch lands. the json is only on the looker host.
""",
)

T(
    "plain",
    "support ticket with request and trace ids",
    r"""
Hi support,

Calls to the batch API fail intermittently with 502. Examples:

- request id `{{n:req_id:openai}}` at {{n:ts}}
- request id `{{n:req_id:openai}}` at {{n:ts}}
- trace `{{n:hexs:32}}` / span `{{n:hexs:16}}`

Organization `org-{{n:alnum:24}}`, project `proj_{{n:alnum:24}}`. Thanks!
""",
)

T(
    "plain",
    "meeting notes pointing to the password manager",
    r"""
## Ops sync {{n:date}}

- New shared account for the observability vendor created — credentials in Bitwarden, collection *Ops*, item "{{n:org}} APM (admin)".
- {{n:first}} to enable SSO so we can delete the shared login.
- Reminder: don't put credentials in meeting notes; link the vault item instead.
""",
)

T(
    "plain",
    "github secret scanning alert email without the secret",
    r"""
[GitHub] Secret scanning alert #{{n:num:1-90}} in {{n:org}}/{{n:service}}

GitHub found a Slack API Token in {{n:org}}/{{n:service}}.

Location: config/notify.yml at commit {{n:shortsha}}
Secret: {{n:tail:xox}}
Validity: inactive (revoked by provider)

View alert: https://github.com/{{n:org}}/{{n:service}}/security/secret-scanning/{{n:num:1-90}}
""",
)

T(
    "plain",
    "bug bounty report summary with masked token",
    r"""
**Report #{{n:digits:7}} — Exposed token in public JS bundle**
Severity: Medium · Status: Resolved

The researcher found a Mapbox **secret** token in `main.{{n:hexs:8}}.js` (`sk.eyJ1Ijoi…` truncated in the report). The token was revoked on {{n:date}} and replaced by a URL-restricted public token. Bounty: $500.
""",
)

T(
    "plain",
    "ci log with masked secrets",
    r"""
Run docker/login-action@v3
  with:
    registry: ghcr.io
    username: {{n:user}}
    password: ***
    ecr: auto
    logout: true
Logging into ghcr.io...
Login Succeeded!
""",
)

T(
    "plain",
    "terraform plan output with sensitive values",
    r"""
  # aws_db_instance.reporting will be updated in-place
  ~ resource "aws_db_instance" "reporting" {
        id                  = "{{n:service}}-reporting"
      ~ password            = (sensitive value)
        username            = "{{n:svcuser}}"
        # (48 unchanged attributes hidden)
    }

Plan: 0 to add, 1 to change, 0 to destroy.
""",
)

T(
    "plain",
    "dashboard table of api keys with names and last four",
    r"""
API keys (copied from the admin console, {{n:date}}):

| Name | Created | Last used | Key |
|---|---|---|---|
| ci-deploy | {{n:date}} | {{n:date}} | `…{{n:alnum:4}}` |
| grafana-read | {{n:date}} | never | `…{{n:alnum:4}}` |
| legacy-import | {{n:date}} | {{n:date}} | `…{{n:alnum:4}}` |

Plan: delete legacy-import and grafana-read on Friday.
""",
)

T(
    "plain",
    "html snippet with recaptcha site key and analytics ids",
    r"""
Add this to the contact form template:

```html
<script src="https://www.google.com/recaptcha/api.js" async defer></script>
<div class="g-recaptcha" data-sitekey="{{n:recaptcha_site}}"></div>
<!-- Google tag (gtag.js) -->
<script async src="https://www.googletagmanager.com/gtag/js?id=G-{{n:ualnum:10}}"></script>
```

The reCAPTCHA *secret* key is only used server side (`RECAPTCHA_SECRET` in the app's secrets).
""",
)

T(
    "plain",
    "git cat-file output with a gpg signature",
    r"""
$ git cat-file -p {{n:sha}}
tree {{n:sha}}
parent {{n:sha}}
author {{n:person}} <{{n:email}}> {{n:epoch}} +0100
committer {{n:person}} <{{n:email}}> {{n:epoch}} +0100
gpgsig {{n:pgp_signature|indent1}}

release: v{{n:semver}}
""",
)

T(
    "plain",
    "docs with the documented totp example secret",
    r"""
### Testing TOTP locally

The unit tests use the example secret from the Google Authenticator key-uri documentation, `{{n:doc_example:totp}}`, so codes can be computed with any authenticator app. Real user secrets are generated per enrolment and stored encrypted.
""",
)

T(
    "plain",
    "azure app registration ids in a wiki page",
    r"""
## App registration: {{n:service}}-api

| | |
|---|---|
| Application (client) ID | `{{n:uuid4}}` |
| Directory (tenant) ID | `{{n:uuid4}}` |
| Object ID | `{{n:uuid4}}` |
| Subscription | `{{n:uuid4}}` |

Client secrets: none — the app uses a federated credential for GitHub Actions (`repo:{{n:org}}/{{n:service}}:environment:prod`).
""",
)

T(
    "plain",
    "issue with base64 of a harmless json",
    r"""
The contents API returns the file base64-encoded, as documented:

```
"content": "{{n:b64bytes:90}}",
"encoding": "base64",
"sha": "{{n:sha}}"
```

but decoding it gives garbage for files over 1 MB. Is that expected?
""",
)

T(
    "plain",
    "file output with go build ids",
    r"""
$ file dist/{{n:service}}
dist/{{n:service}}: ELF 64-bit LSB executable, x86-64, version 1 (SYSV), statically linked, Go BuildID={{n:b64urls:20}}/{{n:b64urls:20}}/{{n:b64urls:20}}/{{n:b64urls:20}}, BuildID[sha1]={{n:hexs:40}}, stripped
""",
)

T(
    "plain",
    "vendor email with installer checksum",
    r"""
Hello,

version {{n:semver}} of the on-prem agent is available on the portal. Please verify the download:

  SHA-256: {{n:sha256}}
  MD5:     {{n:hexs:32}}

Your license ID is {{n:uuid4}} (not a secret — the license file is bound to your host id).

Regards,
Customer Success
""",
)

# --- plain negatives, part 2 ---------------------------------------------------------------------

T(
    "plain",
    "slack thread: asking for a password and being pointed to the vault",
    r"""
{{n:person}}  {{n:ampm}}
what's the password for the staging rabbitmq admin?
{{n:person}}  {{n:ampm}}
it's in Vault: `vault kv get -field=password secret/staging/rabbitmq/admin` — you need the `staging-readers` policy, ping #access if you don't have it
{{n:person}}  {{n:ampm}}
got it, thanks :+1:
""",
)

T(
    "plain",
    "teams chat: password sent through another channel",
    r"""
[{{n:clock}}] {{n:person}}: I've created your account on the partner portal, login is {{n:email}}
[{{n:clock}}] {{n:person}}: the initial password comes by SMS to the number in your HR profile, not here 🙂
[{{n:clock}}] {{n:person}}: perfect, got the SMS
""",
)

T(
    "plain",
    "discord: user told to reset a token they did not post",
    r"""
{{n:user}} — Today at {{n:ampm}}
bot won't start, token is correct I swear
{{n:user}} — Today at {{n:ampm}}
don't paste it here! check that you copied the *bot* token (Bot tab → Reset Token), not the client secret or the public key `{{n:hexs:64}}` from General Information
""",
)

T(
    "plain",
    "email: account created, password set by the user",
    r"""
Hello {{n:first}},

an account has been created for you on https://wiki.{{n:domain}}.

Username: {{n:user}}

Set your password with the invitation link you received in a separate e-mail (valid for 72 hours). If it expired, ask IT for a new invitation — we never send passwords by e-mail.

IT Service Desk · Ticket {{n:ticket:RITM}}
""",
)

T(
    "plain",
    "incident timeline with hashes and ids only",
    r"""
INCIDENT {{n:ticket:INC}} — timeline

{{n:clock}} deploy {{n:shortsha}} rolled out to 10% (canary `{{n:service}}-{{n:hexs:10}}-{{n:lalnum:5}}`)
{{n:clock}} error budget burn 14x, alert `{{n:service}}-slo-fast-burn`
{{n:clock}} rollback to {{n:shortsha}}; config map hash `{{n:hexs:10}}`
{{n:clock}} all green; Datadog notebook https://app.datadoghq.eu/notebook/{{n:digits:7}}
""",
)

T(
    "plain",
    "runbook with vault and op references",
    r"""
## Rotating the webhook signing secret

1. Generate the new secret in the provider dashboard (Settings → Webhooks → Roll secret). Keep the old one active for 24 h.
2. Store it: `op item edit "Webhooks prod" signing_secret=<paste>` — never in the ticket.
3. Update the deployment: `kubectl -n hooks create secret generic hooks-signing --from-literal=secret="$(op read 'op://Prod/Webhooks prod/signing_secret')" --dry-run=client -o yaml | kubectl apply -f -`
4. Restart and watch `hooks_signature_failures_total`.
""",
)

T(
    "plain",
    "pull request description mentioning secret names",
    r"""
## Summary
Moves all third-party keys to the `app-secrets` External Secret.

The following keys are now read from AWS Secrets Manager instead of the ConfigMap:
- `STRIPE_SECRET_KEY`
- `SENDGRID_API_KEY`
- `SLACK_BOT_TOKEN`
- `OPENAI_API_KEY`

No values change; the secret names match the env var names. Rollout plan in {{n:ticket:PLAT}}.
""",
)

T(
    "plain",
    "code review comment asking to use secrets context",
    r"""
**{{n:user}}** commented on `.github/workflows/deploy.yml`

```diff
-          DOCKERHUB_TOKEN: ${{ secrets.DOCKERHUB_TOKEN }}
+          DOCKERHUB_TOKEN: ${{ vars.DOCKERHUB_TOKEN }}
```

This must stay in `secrets`, `vars` are visible to everyone with read access and are not masked in logs.
""",
)

T(
    "plain",
    "stack overflow question with placeholders",
    r"""
# "invalid_client" when exchanging the authorization code

My request:

```
POST /oauth/token HTTP/1.1
Host: auth.{{n:domain}}
Content-Type: application/x-www-form-urlencoded

grant_type=authorization_code&code=<CODE>&redirect_uri=https%3A%2F%2Flocalhost%3A3000%2Fcallback&client_id=<CLIENT_ID>&client_secret=<CLIENT_SECRET>
```

Response: `{"error":"invalid_client"}`. The client is confidential. What am I missing?
""",
)

T(
    "plain",
    "agent reply: key rotated, nothing printed",
    r"""
I rotated the SendGrid key as requested:

1. Created a new key `mailer-prod-{{n:date}}` with *Mail Send* only.
2. Wrote it to AWS Secrets Manager (`prod/mailer/sendgrid`, version `{{n:uuid4}}`) without printing it.
3. Restarted the mailer; `mailer_send_success_total` is increasing again.
4. Deleted the old key (id `{{n:b64urls:22}}`).
""",
)

T(
    "plain",
    "agent summary with redacted values",
    r"""
The `.env` file defines these variables (values redacted):

- `DATABASE_URL=postgres://app:****@db:5432/app`
- `REDIS_URL=redis://redis:6379/0`
- `JWT_SECRET=[REDACTED]`
- `SENTRY_DSN` (public DSN, kept)

`JWT_SECRET` is only 12 characters long; I suggest at least 32 random bytes.
""",
)

T(
    "plain",
    "agent reply with commit and pr ids only",
    r"""
Pushed `fix/webhook-retry` ({{n:sha}}) and opened PR #{{n:num:100-900}}: https://github.com/{{n:org}}/{{n:service}}/pull/{{n:num:100-900}}

CI run: https://github.com/{{n:org}}/{{n:service}}/actions/runs/{{n:digits:11}} — all 212 tests pass. Node id of the PR for the GraphQL mutation: `{{n:gh_node:PR_kwDO}}`.
""",
)

T(
    "plain",
    "email: wire transfer details",
    r"""
Dear {{n:first}},

please find below our bank details for invoice {{n:digits:8}}:

IBAN: DE{{n:digits:20}}
BIC: COBADEFFXXX
Reference: INV-{{n:digits:8}}

Kind regards,
Accounts Receivable
""",
)

T(
    "plain",
    "meeting notes about a leaked key without the key",
    r"""
# Security sync {{n:date}}

- The leaked OpenAI key from last week (project *{{n:service}}-eval*, key name `eval-runner`) was revoked within 9 minutes; usage during that window: $0.12.
- Secret scanning push protection is now on for all repos.
- {{n:first}} to write the "what to do if you leak a key" page.
""",
)

T(
    "plain",
    "wiki page with docs example placeholders",
    r"""
= API authentication =

All requests need a header:

<pre>
Authorization: Bearer <ACCESS_TOKEN>
</pre>

Tokens look like <code>tok_live_...</code> and expire after one hour. Get one with the client-credentials flow (see [[OAuth clients]]). '''Never''' share tokens in tickets.
""",
)

T(
    "plain",
    "confluence storage format page without credentials",
    r"""
<h1>On-call handbook</h1>
<p>Escalation policy: <ac:link><ri:page ri:content-title="Escalation policy" /></ac:link></p>
<ac:structured-macro ac:name="panel" ac:schema-version="1" ac:macro-id="{{n:uuid4}}"><ac:parameter ac:name="title">Credentials</ac:parameter><ac:rich-text-body><p>All credentials are in the <strong>Ops</strong> vault in 1Password. Do not copy them into this space.</p></ac:rich-text-body></ac:structured-macro>
<p><ac:image ac:height="250"><ri:attachment ri:filename="pager-flow-{{n:hexs:8}}.png" /></ac:image></p>
""",
)

T(
    "plain",
    "notion export with ids in links",
    r"""
# Q3 planning

Owner: {{n:person}}
Status: In progress

Related: [Roadmap](https://www.notion.so/{{n:org}}/Roadmap-{{n:notion_id}}?pvs=4) · [Retro notes](https://www.notion.so/{{n:notion_id}})

- [ ] Finalise hiring plan
- [ ] Migrate billing to the new ledger ([design doc](https://docs.google.com/document/d/{{n:drive_id}}/edit))
""",
)

T(
    "plain",
    "jira comment with ticket and build references",
    r"""
[~{{n:user}}] deployed to UAT in build #{{n:num:1000-9999}} (artifact `{{n:service}}-{{n:semver}}-{{n:shortsha}}.jar`, sha1 `{{n:hexs:40}}`). Linked {{n:ticket:QA}} and {{n:ticket:QA}}. Please retest.
""",
)

T(
    "plain",
    "support ticket: customer provides public ids",
    r"""
Ticket #{{n:digits:6}}

Our Stripe account is `acct_{{n:alnum:16}}`, the failing payment intent is `{{n:stripe_id:pi}}` and the customer is `{{n:stripe_id:cus}}`. The charge `{{n:stripe_id:ch}}` shows "authorized" in our dashboard but your webhook never arrived (event `{{n:stripe_id:evt}}`).
""",
)

T(
    "plain",
    "github issue with openai ids in an error",
    r"""
```
openai.BadRequestError: Error code: 400 - {'error': {'message': "Invalid 'messages[3].tool_call_id': no tool call found for call_{{n:alnum:24}}", 'type': 'invalid_request_error', 'param': 'messages', 'code': None}}
```
Response id `chatcmpl-{{n:alnum:29}}`, request id `{{n:req_id:openai}}`. Happens with `gpt-4o-2024-08-06`, not with mini.
""",
)

T(
    "plain",
    "github issue with anthropic ids in an error",
    r"""
The SDK raises after a tool result with an image:

```
anthropic.BadRequestError: Error code: 400 - {'type': 'error', 'error': {'type': 'invalid_request_error', 'message': 'messages.2.content.0.tool_result: tool_use_id {{n:toolu}} not found'}, 'request_id': '{{n:req_id:anthropic}}'}
```

Message id of the previous turn: `{{n:msg_id}}`.
""",
)

T(
    "plain",
    "changelog mentioning token formats",
    r"""
### Changed
- Personal access tokens now use the `pat_` prefix followed by 40 characters, so secret scanners can detect them. Existing tokens keep working until {{n:date}}.
- Token hashes are stored with SHA-256 instead of SHA-1.
""",
)

T(
    "plain",
    "onboarding doc with links to access requests",
    r"""
## Accounts you'll need

| system | how to get access |
|---|---|
| AWS (SSO) | https://{{n:org}}.awsapps.com/start — request the `Developer` permission set in {{n:ticket:IT}} |
| GitHub | accept the org invite sent to your work e-mail |
| Datadog | SSO, automatic |
| Prod DB | never directly; use the read-only replica through `pgcli` and Teleport |

Your manager approves everything in ServiceNow.
""",
)

T(
    "plain",
    "slack: debug output with mask characters",
    r"""
{{n:first}}  {{n:ampm}}
`heroku config -a {{n:org}}-api` shows
```
DATABASE_URL:       postgres://u{{n:lalnum:12}}:•••••••••@{{n:host}}:5432/d{{n:lalnum:12}}
REDIS_TLS_URL:      rediss://:•••••••••@{{n:host}}:6380
SENDGRID_API_KEY:   SG.••••••••••
```
so the vars are there, the dyno just hasn't restarted
""",
)

T(
    "plain",
    "handover note without credentials",
    r"""
Handover — week {{n:num:1-52}}

- Jenkins admin: handed to {{n:first}} (credentials updated in Keeper, folder "CI").
- DNS registrar: 2FA moved to the shared YubiKey in the safe.
- Open: {{n:ticket:OPS}} (cert renewal), {{n:ticket:OPS}} (disk alert on db-02).
""",
)

T(
    "plain",
    "github issue with a uuid-heavy stack trace",
    r"""
```
Unhandled rejection: ConflictError: document {{n:uuid4}} version conflict, current version [{{n:num:2-99}}] is different than the one provided [{{n:num:2-99}}]
    at Object.update (/app/node_modules/@elastic/elasticsearch/lib/api/api/update.js:51:23)
  meta: { requestId: '{{n:uuid4}}', traceId: '{{n:hexs:32}}' }
```
""",
)

T(
    "plain",
    "mediawiki page with example credentials clearly marked",
    r"""
== Example configuration ==
<syntaxhighlight lang="ini">
[database]
user = example_user
password = example_password   ; replace with your own
host = db.example.com
</syntaxhighlight>

Production values are provisioned by Puppet from Hiera eyaml; see [[Secrets management]].
""",
)

T(
    "plain",
    "email thread about mfa reset without codes",
    r"""
> Could you reset my MFA? I got a new phone.

Done — your MFA enrolment was cleared at {{n:clock}}. At your next login you'll be asked to scan a new QR code. For security, we verified your identity via a video call with your manager ({{n:person}}).

Ticket {{n:ticket:IT}} closed.
""",
)

T(
    "plain",
    "retro with a list of ticket ids and shas",
    r"""
What went wrong
- Hotfix {{n:shortsha}} skipped review ({{n:ticket:ENG}})
- Flaky test `test_refund_partial` ({{n:ticket:ENG}}), quarantined in {{n:shortsha}}
- Release {{n:semver}} tagged from the wrong branch — tag object {{n:sha}}
""",
)

T(
    "plain",
    "stack overflow answer explaining env var usage",
    r"""
**Answer**

Don't hardcode the key. Read it from the environment and let your platform inject it:

```python
import os
api_key = os.getenv("MAPS_API_KEY")
if not api_key:
    raise RuntimeError("MAPS_API_KEY is not set")
```

On Heroku: `heroku config:set MAPS_API_KEY=...`; locally use a `.env` that's in `.gitignore`.
""",
)

T(
    "plain",
    "chat about password length without the password",
    r"""
{{n:first}}  {{n:ampm}}
the new db password has 64 chars and a `%` in it, which broke the connection string — URL-encode it as `%25` in DATABASE_URL
{{n:first}}  {{n:ampm}}
ahh that explains the "invalid port number" error, thanks
""",
)

T(
    "plain",
    "commit message: remove leaked key already revoked",
    r"""
commit {{n:sha}}
Author: {{n:person}} <{{n:email}}>
Date:   {{n:date}}

    config: drop the hardcoded Maps key

    The key was revoked on {{n:date}} ({{n:ticket:SEC}}); the app now reads
    MAPS_API_KEY from the environment. History rewrite tracked separately.
""",
)

T(
    "plain",
    "ticket with hostnames ips and ports",
    r"""
Firewall request {{n:ticket:NET}}

Source: {{n:ip}}/32 ({{n:host}})
Destination: {{n:pubip}}:5671 (AMQPS, partner broker)
Protocol: TCP
Justification: order events to partner, see architecture doc v{{n:num:2-9}}
Expiry: {{n:date}}
""",
)

T(
    "plain",
    "notion doc describing an api key format",
    r"""
## About our API keys

- Keys start with `ak_live_` or `ak_test_` followed by 32 characters.
- Only the last four characters are shown after creation (e.g. `ak_live_…{{n:alnum:4}}`).
- Keys can be scoped to one project and restricted by IP.
- Lost keys cannot be recovered; create a new one and delete the old one.
""",
)

T(
    "plain",
    "release email with docker digest and signature bundle",
    r"""
{{n:service}} {{n:semver}} is out.

Image: ghcr.io/{{n:org}}/{{n:service}}:{{n:semver}}
Digest: {{n:digest}}
Cosign: `cosign verify ghcr.io/{{n:org}}/{{n:service}}@{{n:digest}} --certificate-identity-regexp 'https://github.com/{{n:org}}/.*' --certificate-oidc-issuer https://token.actions.githubusercontent.com`
SBOM: attached as an attestation.
""",
)

T(
    "plain",
    "wiki: list of test card numbers from the provider docs",
    r"""
## Testing payments

Use the provider's documented test cards in the sandbox only:

| card | number | result |
|---|---|---|
| Visa | 4242 4242 4242 4242 | success |
| Visa (3DS) | 4000 0027 6000 3184 | requires authentication |
| Mastercard | 5555 5555 5555 4444 | success |

Any future expiry date and any CVC work.
""",
)

T(
    "plain",
    "slack thread about expired token with jti only",
    r"""
{{n:person}}  {{n:ampm}}
the job fails with `token expired` — token jti is `{{n:uuid4}}`, issued at {{n:epoch}}, exp {{n:epoch}}
{{n:person}}  {{n:ampm}}
that's the 1h access token, the runner should refresh it; looks like the refresh loop crashed. restarting the runner
""",
)

# --- shell negatives -------------------------------------------------------------------------------

T(
    "shell",
    "export from a password manager reference",
    r"""
export OPENAI_API_KEY="$(op read 'op://Engineering/OpenAI eval/credential')"
export ANTHROPIC_API_KEY="$(op read 'op://Engineering/Anthropic eval/credential')"
uv run python eval.py --suite smoke
""",
)

T(
    "shell",
    "aws secretsmanager get-secret-value without output",
    r"""
aws secretsmanager get-secret-value \
  --secret-id prod/{{n:service}}/db \
  --query SecretString --output text | jq -r .password > /dev/null && echo "secret readable"
secret readable
""",
)

T(
    "shell",
    "kubectl get secret shows only keys and sizes",
    r"""
$ kubectl -n {{n:service}} describe secret {{n:service}}-db
Name:         {{n:service}}-db
Namespace:    {{n:service}}
Labels:       app={{n:service}}
Annotations:  reconcile.external-secrets.io/data-hash: {{n:hexs:32}}

Type:  Opaque

Data
====
password:  32 bytes
username:  {{n:num:8-14}} bytes
""",
)

T(
    "shell",
    "gh secret set from a file",
    r"""
gh secret set NPM_TOKEN --repo {{n:org}}/{{n:service}} < ~/.secrets/npm_token
gh secret list --repo {{n:org}}/{{n:service}}
NPM_TOKEN        Updated {{n:date}}
SLACK_WEBHOOK    Updated {{n:date}}
""",
)

T(
    "shell",
    "docker login with password-stdin from env",
    r"""
echo "$CR_PAT" | docker login ghcr.io -u {{n:user}} --password-stdin
Login Succeeded
docker push ghcr.io/{{n:org}}/{{n:service}}:{{n:shortsha}}
The push refers to repository [ghcr.io/{{n:org}}/{{n:service}}]
{{n:hexs:12}}: Pushed
{{n:shortsha}}: digest: {{n:digest}} size: 1786
""",
)

T(
    "shell",
    "curl with token from env variable",
    r"""
curl -fsS -H "Authorization: Bearer ${GITHUB_TOKEN}" \
  -H "Accept: application/vnd.github+json" \
  "https://api.github.com/repos/{{n:org}}/{{n:service}}/actions/runs?per_page=5" | jq '.workflow_runs[].conclusion'
""",
)

T(
    "shell",
    "ssh-keygen output with fingerprint and randomart",
    r"""
$ ssh-keygen -t ed25519 -C "{{n:email}}" -f ~/.ssh/id_ed25519_work
Generating public/private ed25519 key pair.
Enter passphrase (empty for no passphrase):
Enter same passphrase again:
Your identification has been saved in /home/{{n:first|lower}}/.ssh/id_ed25519_work
Your public key has been saved in /home/{{n:first|lower}}/.ssh/id_ed25519_work.pub
The key fingerprint is:
{{n:fingerprint}} {{n:email}}
The key's randomart image is:
+--[ED25519 256]--+
|        .o+=*B=o |
|       . .o=+*B. |
|        o o.+=+o |
+----[SHA256]-----+
""",
)

T(
    "shell",
    "gpg list keys output",
    r"""
$ gpg --list-secret-keys --keyid-format=long
/home/{{n:first|lower}}/.gnupg/pubring.kbx
------------------------------
sec   ed25519/{{n:hexup:16}} {{n:date}} [SC]
      {{n:hexup:40}}
uid                 [ultimate] {{n:person}} <{{n:email}}>
ssb   cv25519/{{n:hexup:16}} {{n:date}} [E]
""",
)

T(
    "shell",
    "sha256sum and git log output",
    r"""
$ sha256sum dist/*.whl
{{n:sha256}}  dist/{{n:service}}-{{n:semver}}-py3-none-any.whl
$ git log --oneline -3
{{n:shortsha}} (HEAD -> main, tag: v{{n:semver}}) release {{n:semver}}
{{n:shortsha}} fix: retry on 429
{{n:shortsha}} chore(deps): bump httpx
""",
)

T(
    "shell",
    "vault kv get metadata without data",
    r"""
$ vault kv metadata get secret/{{n:service}}/prod
======= Metadata Path =======
secret/metadata/{{n:service}}/prod

========== Metadata ==========
Key                     Value
---                     -----
cas_required            false
created_time            {{n:ts}}
current_version         {{n:num:2-40}}
max_versions            0
updated_time            {{n:ts}}
""",
)

T(
    "shell",
    "heroku config with masked values",
    r"""
$ heroku config -a {{n:org}}-{{n:service}} --shell | sed -E 's/=.*/=<hidden>/'
DATABASE_URL=<hidden>
REDIS_URL=<hidden>
SENDGRID_API_KEY=<hidden>
SECRET_KEY_BASE=<hidden>
""",
)

T(
    "shell",
    "aws sts get-caller-identity output",
    r"""
$ aws sts get-caller-identity
{
    "UserId": "AROA{{n:ualnum:17}}:{{n:email}}",
    "Account": "{{n:aws_account}}",
    "Arn": "arn:aws:sts::{{n:aws_account}}:assumed-role/AWSReservedSSO_Developer_{{n:hexs:16}}/{{n:email}}"
}
""",
)

T(
    "shell",
    "kubectl create secret from env file reference",
    r"""
kubectl -n {{n:service}} create secret generic {{n:service}}-env --from-env-file=.env.prod --dry-run=client -o yaml \
  | kubeseal --controller-namespace kube-system --format yaml > sealed-env.yaml
git add sealed-env.yaml
""",
)

T(
    "shell",
    "npm whoami and token list with truncated tokens",
    r"""
$ npm token list
┌────────┬─────────┬────────────┬──────────┬────────────────┐
│ id     │ token   │ created    │ readonly │ CIDR whitelist │
├────────┼─────────┼────────────┼──────────┼────────────────┤
│ {{n:hexs:6}} │ {{n:hexs:6}}… │ {{n:date}} │ no       │                │
│ {{n:hexs:6}} │ {{n:hexs:6}}… │ {{n:date}} │ yes      │                │
└────────┴─────────┴────────────┴──────────┴────────────────┘
""",
)

T(
    "shell",
    "openssl x509 output of a certificate",
    r"""
$ openssl x509 -in server.crt -noout -subject -issuer -dates -fingerprint -sha256
subject=CN = *.{{n:domain}}
issuer=C = US, O = Let's Encrypt, CN = R11
notBefore={{n:date}} 00:00:00 GMT
notAfter={{n:date}} 23:59:59 GMT
sha256 Fingerprint={{n:fingerprint:md5|upper}}:{{n:fingerprint:md5|upper}}
""",
)

T(
    "shell",
    "ssh-keyscan output with host keys",
    r"""
$ ssh-keyscan -t ed25519,rsa github.com 2>/dev/null
github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{{n:b64s:43}}
github.com ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ{{n:b64s:300}}=
""",
)

T(
    "shell",
    "docker inspect with image digest and env names",
    r"""
$ docker inspect --format '{{json .Config.Env}}' {{n:service}}:{{n:semver}}
["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","LANG=C.UTF-8","PYTHON_VERSION=3.12.4","PYTHON_SHA256={{n:sha256}}"]
$ docker images --digests | grep {{n:service}}
{{n:service}}   {{n:semver}}   {{n:digest}}   {{n:hexs:12}}   2 days ago   181MB
""",
)

T(
    "shell",
    "mysql command with prompt for password",
    r"""
$ mysql -h {{n:dbhost}} -u {{n:svcuser}} -p {{n:service}}
Enter password:
Welcome to the MySQL monitor.  Commands end with ; or \g.
Your MySQL connection id is {{n:num:1000-99999}}
Server version: 8.0.36 Source distribution
""",
)

T(
    "shell",
    "psql with pgpass file",
    r"""
$ cat ~/.pgpass | cut -d: -f1-4
{{n:dbhost}}:5432:{{n:service}}:{{n:svcuser}}
$ chmod 600 ~/.pgpass && psql -h {{n:dbhost}} -U {{n:svcuser}} -d {{n:service}} -c 'select now()'
""",
)

T(
    "shell",
    "git credential helper setup",
    r"""
git config --global credential.helper 'cache --timeout=3600'
git config --global credential.https://github.com.username {{n:user}}
gh auth setup-git
gh auth status
github.com
  ✓ Logged in to github.com account {{n:user}} (keyring)
  - Token: gho_************************************
  - Token scopes: 'gist', 'read:org', 'repo', 'workflow'
""",
)

T(
    "shell",
    "az keyvault secret show with value suppressed",
    r"""
az keyvault secret show --vault-name {{n:org}}-kv-prod --name sql-admin-password --query "{name:name, updated:attributes.updated, enabled:attributes.enabled}" -o table
Name                Updated                    Enabled
------------------  -------------------------  ---------
sql-admin-password  {{n:date}}T{{n:clock}}:11+00:00  True
""",
)

T(
    "shell",
    "openssl rand used to generate, not shown",
    r"""
# generate a new session secret straight into the secret store, never on screen
openssl rand -base64 48 | aws ssm put-parameter --name /{{n:service}}/prod/SESSION_SECRET --type SecureString --overwrite --value file:///dev/stdin
{
    "Version": {{n:num:2-30}},
    "Tier": "Standard"
}
""",
)

T(
    "shell",
    "curl with netrc file",
    r"""
curl --netrc-file ~/.netrc-artifactory -fO https://{{n:org}}.jfrog.io/artifactory/releases/{{n:service}}/{{n:semver}}/{{n:service}}-{{n:semver}}.tar.gz
  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current
100 41.2M  100 41.2M    0     0  18.3M      0  0:00:02  0:00:02 --:--:-- 18.3M
""",
)

T(
    "shell",
    "wg show output with public keys",
    r"""
$ sudo wg show
interface: wg0
  public key: {{n:wg_key}}
  private key: (hidden)
  listening port: 51820

peer: {{n:wg_key}}
  endpoint: {{n:pubip}}:51820
  allowed ips: 10.8.0.{{n:num:2-250}}/32
  latest handshake: 1 minute, 12 seconds ago
  transfer: 1.21 MiB received, 3.04 MiB sent
""",
)

# --- yaml negatives -------------------------------------------------------------------------------

T(
    "yaml",
    "kubernetes deployment with secretkeyref",
    r"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{n:service}}
spec:
  template:
    spec:
      containers:
        - name: app
          image: ghcr.io/{{n:org}}/{{n:service}}@{{n:digest}}
          env:
            - name: DATABASE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{n:service}}-db
                  key: password
            - name: STRIPE_SECRET_KEY
              valueFrom:
                secretKeyRef: {name: stripe, key: secret_key}
""",
)

T(
    "yaml",
    "sops encrypted yaml pasted into a review",
    r"""
db:
    user: {{n:sops}}
    password: {{n:sops}}
api_token: {{n:sops}}
sops:
    kms: []
    age:
        - recipient: {{n:age_public}}
          enc: |
            {{n:begin:AGE_ENCRYPTED_FILE}}
            YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSB{{n:b64s:60}}
            {{n:b64s:64}}
            {{n:end:AGE_ENCRYPTED_FILE}}
    lastmodified: "{{n:ts}}"
    mac: {{n:sops}}
    version: 3.8.1
""",
)

T(
    "yaml",
    "sealed secret manifest",
    r"""
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: {{n:service}}-env
  namespace: {{n:service}}
spec:
  encryptedData:
    DATABASE_URL: {{n:sealed}}
    SENTRY_AUTH_TOKEN: {{n:sealed}}
  template:
    metadata:
      name: {{n:service}}-env
""",
)

T(
    "yaml",
    "external secret referencing a secret manager",
    r"""
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: {{n:service}}-secrets
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: aws-secrets-manager
    kind: ClusterSecretStore
  target:
    name: {{n:service}}-secrets
  dataFrom:
    - extract:
        key: prod/{{n:service}}
""",
)

T(
    "yaml",
    "github actions workflow using secrets context",
    r"""
name: deploy
on:
  workflow_dispatch:
permissions:
  id-token: write
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@{{n:sha}} # v4.1.7
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::{{n:aws_account}}:role/gha-deploy
          aws-region: eu-west-1
      - run: ./deploy.sh
        env:
          SLACK_WEBHOOK_URL: ${{ secrets.SLACK_WEBHOOK_URL }}
          SENTRY_AUTH_TOKEN: ${{ secrets.SENTRY_AUTH_TOKEN }}
""",
)

T(
    "yaml",
    "ansible vault inline variable",
    r"""
db_user: {{n:svcuser}}
db_password: !vault |
          {{n:ansible_vault|indent10}}
db_host: {{n:dbhost}}
""",
)

T(
    "yaml",
    "docker compose with env file and secrets",
    r"""
services:
  api:
    image: {{n:org}}/{{n:service}}:{{n:semver}}
    env_file: .env
    secrets:
      - db_password
    environment:
      DB_PASSWORD_FILE: /run/secrets/db_password
      SENTRY_DSN: {{n:sentry_dsn}}
secrets:
  db_password:
    file: ./secrets/db_password.txt
""",
)

T(
    "yaml",
    "front matter of a blog post about secrets",
    r"""
---
title: "How we stopped leaking API keys in Slack"
date: {{n:date}}
author: {{n:person}}
tags: [security, dlp, slack]
description: "Push protection, DLP bots and a lot of education: what reduced our key leaks by 90%."
canonical_url: https://blog.{{n:domain}}/posts/{{n:date}}-secret-leaks
cover_image: /images/{{n:hexs:12}}.png
---
""",
)

T(
    "yaml",
    "runbook yaml with placeholders",
    r"""
name: rotate-db-password
inputs:
  - name: NEW_PASSWORD
    description: generated by the step below, never typed
steps:
  - run: NEW_PASSWORD=$(openssl rand -base64 32)
  - run: psql "$ADMIN_URL" -c "ALTER ROLE app PASSWORD '${NEW_PASSWORD}'"
  - run: vault kv put secret/prod/app-db password="${NEW_PASSWORD}"
  - run: kubectl rollout restart deploy/app
""",
)

T(
    "yaml",
    "helm values with existing secret names",
    r"""
postgresql:
  auth:
    existingSecret: {{n:service}}-postgres
    secretKeys:
      adminPasswordKey: postgres-password
      userPasswordKey: password
redis:
  auth:
    enabled: true
    existingSecret: {{n:service}}-redis
    existingSecretPasswordKey: redis-password
""",
)

T(
    "yaml",
    "issue form template asking not to paste secrets",
    r"""
name: Bug report
description: Something isn't working
labels: [bug, triage]
body:
  - type: markdown
    attributes:
      value: |
        ⚠️ **Do not paste API keys, tokens or passwords.** Replace them with `<redacted>`.
  - type: textarea
    id: config
    attributes:
      label: Configuration
      description: Your config file, with secrets removed.
      render: yaml
  - type: input
    id: version
    attributes:
      label: Version
      placeholder: "{{n:semver}}"
""",
)

T(
    "yaml",
    "sops config with kms arns and age recipients",
    r"""
creation_rules:
  - path_regex: secrets/prod/.*\.yaml$
    kms: arn:aws:kms:eu-west-1:{{n:aws_account}}:key/{{n:uuid4}}
    age: {{n:age_public}},{{n:age_public}}
  - path_regex: secrets/dev/.*\.yaml$
    age: {{n:age_public}}
""",
)

T(
    "yaml",
    "backstage catalog info with ids",
    r"""
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {{n:service}}
  annotations:
    github.com/project-slug: {{n:org}}/{{n:service}}
    sentry.io/project-slug: {{n:org}}/{{n:service}}
    pagerduty.com/service-id: P{{n:ualnum:6}}
    datadoghq.com/dashboard-url: https://app.datadoghq.eu/dashboard/{{n:lalnum:3}}-{{n:lalnum:3}}-{{n:lalnum:3}}
    vault.io/secrets-path: kv/{{n:service}}/prod
spec:
  type: service
  lifecycle: production
  owner: team-{{n:service}}
""",
)

T(
    "yaml",
    "obsidian note front matter with ids",
    r"""
---
title: "1:1 {{n:first}} / {{n:first}}"
date: {{n:date}}
uid: {{n:uuid4}}
aliases: []
tags: [1on1]
jira: {{n:ticket:ENG}}
gdoc: https://docs.google.com/document/d/{{n:drive_id}}/edit
---
""",
)

T(
    "yaml",
    "cloud-init with ssh public keys only",
    r"""
#cloud-config
users:
  - name: ops
    groups: [sudo]
    sudo: "ALL=(ALL) NOPASSWD:ALL"
    lock_passwd: true
    ssh_authorized_keys:
      - {{n:ssh_pub:ed25519}}
      - {{n:ssh_pub:rsa}}
ssh_pwauth: false
""",
)

T(
    "yaml",
    "openapi spec security scheme without values",
    r"""
openapi: 3.0.3
info:
  title: {{n:service}} API
  version: {{n:semver}}
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
      bearerFormat: JWT
    apiKey:
      type: apiKey
      in: header
      name: X-API-Key
security:
  - bearerAuth: []
""",
)

T(
    "yaml",
    "gitlab ci with masked variable references",
    r"""
deploy:
  stage: deploy
  image: alpine:3.20
  id_tokens:
    VAULT_ID_TOKEN:
      aud: https://vault.{{n:domain}}
  secrets:
    DATABASE_PASSWORD:
      vault: prod/db/password@secret
  script:
    - echo "deploying $CI_COMMIT_SHORT_SHA"
    - ./deploy.sh --token "$DEPLOY_TOKEN"
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
""",
)

T(
    "yaml",
    "prometheus config with password file",
    r"""
scrape_configs:
  - job_name: {{n:service}}
    scheme: https
    basic_auth:
      username: prometheus
      password_file: /etc/prometheus/secrets/{{n:service}}-password
    static_configs:
      - targets: ["{{n:host}}:9100"]
""",
)

T(
    "yaml",
    "dependabot config with secret references",
    r"""
version: 2
registries:
  npm-private:
    type: npm-registry
    url: https://npm.pkg.github.com
    token: ${{secrets.DEPENDABOT_NPM_TOKEN}}
  docker-ghcr:
    type: docker-registry
    url: ghcr.io
    username: {{n:user}}
    password: ${{secrets.DEPENDABOT_GHCR_PAT}}
updates:
  - package-ecosystem: npm
    directory: /
    registries: "*"
    schedule: {interval: daily}
""",
)

T(
    "yaml",
    "incident yaml record with key ids only",
    r"""
incident: {{n:ticket:INC}}
title: Access key exposed in a public gist
severity: sev3
detected_at: {{n:ts}}
leaked:
  - type: aws_access_key
    key_id: {{n:akid}}
    value: "[redacted in this record, see the evidence locker]"
    revoked_at: {{n:ts}}
  - type: github_pat
    fingerprint: {{n:sha256}}
    revoked_at: {{n:ts}}
owner: {{n:person}}
""",
)

T(
    "yaml",
    "mkdocs config with env references",
    r"""
site_name: {{n:org}} docs
plugins:
  - search
  - git-committers:
      repository: {{n:org}}/docs
      token: !ENV [MKDOCS_GIT_COMMITTERS_APIKEY]
extra:
  analytics:
    provider: google
    property: G-{{n:ualnum:10}}
""",
)

T(
    "yaml",
    "certificate pem in a configmap",
    r"""
apiVersion: v1
kind: ConfigMap
metadata:
  name: partner-ca
data:
  ca.crt: |
    {{n:cert|indent4}}
""",
)

# --- source negatives ------------------------------------------------------------------------------

T(
    "source",
    "python reading keys from environment",
    r"""
import os
from openai import OpenAI
from anthropic import Anthropic

openai_client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
claude = Anthropic(api_key=os.environ.get("ANTHROPIC_API_KEY"))
STRIPE_KEY = os.getenv("STRIPE_SECRET_KEY", "")
if not STRIPE_KEY.startswith("sk_"):
    raise SystemExit("STRIPE_SECRET_KEY missing or malformed")
""",
)

T(
    "source",
    "test fixture with obviously fake values",
    r"""
@pytest.fixture
def settings(monkeypatch):
    monkeypatch.setenv("API_KEY", "test-key")
    monkeypatch.setenv("DATABASE_URL", "postgres://user:password@localhost:5432/test")
    monkeypatch.setenv("JWT_SECRET", "not-a-real-secret")
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.slack.invalid/services/TEST/TEST/TEST")
    return Settings()
""",
)

T(
    "source",
    "node config from process env with defaults",
    r"""
module.exports = {
  port: Number(process.env.PORT ?? 3000),
  sessionSecret: process.env.SESSION_SECRET, // required in production
  sentryDsn: process.env.SENTRY_DSN,
  stripe: {
    publishableKey: '{{n:stripe_pk}}',
    secretKey: process.env.STRIPE_SECRET_KEY,
  },
};
""",
)

T(
    "source",
    "hmac verification code comparing digests",
    r"""
def verify(body: bytes, header: str, secret: bytes) -> bool:
    expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)

# from the captured delivery {{n:uuid4}}
assert verify(payload, "{{n:hub_sig}}", load_secret()) is False
""",
)

T(
    "source",
    "go code with public key constant",
    r"""
// releasePublicKey verifies update manifests; the private half lives in the release HSM.
const releasePublicKey = `{{n:public_pem}}`

func verifyManifest(sig, data []byte) error {
	block, _ := pem.Decode([]byte(releasePublicKey))
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return err
	}
	return rsa.VerifyPKCS1v15(pub.(*rsa.PublicKey), crypto.SHA256, digest(data), sig)
}
""",
)

T(
    "source",
    "java reading credentials from a vault client",
    r"""
VaultTemplate vault = new VaultTemplate(endpoint, new KubernetesAuthentication(options, restOperations));
VaultResponseSupport<DbCreds> resp = vault.read("database/creds/{{n:service}}-ro", DbCreds.class);
DataSource ds = DataSourceBuilder.create()
    .url("jdbc:postgresql://{{n:dbhost}}:5432/{{n:service}}")
    .username(resp.getData().username())
    .password(resp.getData().password())
    .build();
""",
)

T(
    "source",
    "sql migration without passwords",
    r"""
-- V{{n:num:10-99}}__reporting_role.sql
CREATE ROLE report_reader NOLOGIN;
GRANT USAGE ON SCHEMA public TO report_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO report_reader;
-- the login user is created by the platform team with a generated password (see {{n:ticket:DBA}})
""",
)

T(
    "source",
    "dockerfile with build secret mount",
    r"""
# syntax=docker/dockerfile:1.7
FROM node:20-alpine AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci --omit=dev
FROM gcr.io/distroless/nodejs20-debian12@{{n:digest}}
COPY --from=deps /app/node_modules ./node_modules
""",
)

T(
    "source",
    "terraform with random password resource",
    r"""
resource "random_password" "db" {
  length  = 32
  special = true
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = random_password.db.result
}

output "db_secret_arn" {
  value = aws_secretsmanager_secret.db.arn
}
""",
)

T(
    "source",
    "notebook cell with getpass",
    r"""
import getpass
import psycopg

password = getpass.getpass("Warehouse password: ")
conn = psycopg.connect(host="{{n:dbhost}}", dbname="warehouse", user="{{n:user}}", password=password)
df = pd.read_sql("select * from marts.orders where order_date >= %s", conn, params=["{{n:date}}"])
""",
)

T(
    "source",
    "swift code with keychain lookup",
    r"""
let query: [String: Any] = [
    kSecClass as String: kSecClassGenericPassword,
    kSecAttrService as String: "com.{{n:org}}.app.api",
    kSecAttrAccount as String: "access-token",
    kSecReturnData as String: true,
]
var item: CFTypeRef?
let status = SecItemCopyMatching(query as CFDictionary, &item)
""",
)

T(
    "source",
    "php wp-config reading from environment",
    r"""
define( 'DB_NAME',     getenv( 'WORDPRESS_DB_NAME' ) );
define( 'DB_USER',     getenv( 'WORDPRESS_DB_USER' ) );
define( 'DB_PASSWORD', getenv( 'WORDPRESS_DB_PASSWORD' ) );
define( 'DB_HOST',     getenv( 'WORDPRESS_DB_HOST' ) ?: 'localhost' );
// Salts are generated at deploy time by wp-cli: `wp config shuffle-salts`
""",
)

T(
    "source",
    "csharp using key vault reference",
    r"""
builder.Configuration.AddAzureKeyVault(
    new Uri("https://{{n:org}}-kv-prod.vault.azure.net/"),
    new DefaultAzureCredential());
var conn = builder.Configuration.GetConnectionString("Shop");   // resolved from the vault secret ConnectionStrings--Shop
builder.Services.AddDbContext<ShopContext>(o => o.UseSqlServer(conn));
""",
)

T(
    "source",
    "rust code with a hash constant",
    r"""
/// SHA-256 of the pinned installer; bump together with INSTALLER_VERSION.
const INSTALLER_SHA256: &str = "{{n:sha256}}";
const INSTALLER_VERSION: &str = "{{n:semver}}";

fn verify(bytes: &[u8]) -> bool {
    hex::encode(Sha256::digest(bytes)) == INSTALLER_SHA256
}
""",
)

T(
    "source",
    "javascript firebase web config",
    r"""
// Firebase web config — these identifiers are public by design; access is enforced by security rules.
const firebaseConfig = {
  authDomain: "{{n:org}}-app.firebaseapp.com",
  projectId: "{{n:org}}-app",
  storageBucket: "{{n:org}}-app.appspot.com",
  messagingSenderId: "{{n:digits:12}}",
  appId: "1:{{n:digits:12}}:web:{{n:hexs:22}}",
  measurementId: "G-{{n:ualnum:10}}",
};
""",
)

T(
    "source",
    "kotlin code reading build config fields",
    r"""
val client = OkHttpClient.Builder()
    .addInterceptor { chain ->
        chain.proceed(chain.request().newBuilder()
            .header("Authorization", "Bearer ${tokenStore.accessToken()}")
            .header("X-App-Version", BuildConfig.VERSION_NAME)
            .build())
    }
    .build()
""",
)

T(
    "source",
    "ruby credentials access",
    r"""
Stripe.api_key = Rails.application.credentials.dig(:stripe, :secret_key)
Sentry.init do |config|
  config.dsn = "{{n:sentry_dsn}}"
  config.traces_sample_rate = 0.1
end
""",
)

T(
    "source",
    "python uuid and hash generation snippet",
    r"""
>>> import uuid, hashlib, secrets
>>> uuid.uuid4()
UUID('{{n:uuid4}}')
>>> hashlib.sha1(b"release-{{n:semver}}").hexdigest()
'{{n:hexs:40}}'
>>> len(secrets.token_urlsafe(32))
43
""",
)

T(
    "source",
    "bash script using secrets from files",
    r"""
#!/usr/bin/env bash
set -euo pipefail
DB_PASS="$(cat /run/secrets/db_password)"
export PGPASSWORD="$DB_PASS"
pg_dump -h "$DB_HOST" -U "$DB_USER" -Fc "$DB_NAME" > "/backups/$(date +%F).pgc"
unset PGPASSWORD DB_PASS
""",
)

T(
    "source",
    "powershell get-secret from secret store",
    r"""
$cred = Get-Secret -Name 'svc-backup' -Vault 'CorpVault'
$session = New-PSSession -ComputerName 'fs01' -Credential $cred
Invoke-Command -Session $session -ScriptBlock { Get-ChildItem D:\Backups | Sort-Object LastWriteTime | Select-Object -Last 3 }
""",
)

T(
    "source",
    "sql select of key metadata",
    r"""
SELECT id, name, key_prefix, created_at, last_used_at
FROM api_keys
WHERE org_id = '{{n:uuid4}}'
ORDER BY created_at DESC;
--  id | name       | key_prefix | created_at | last_used_at
--  {{n:num:10-999}} | ci-deploy  | ak_live_{{n:alnum:4}} | {{n:date}} | {{n:date}}
""",
)

# --- url negatives ---------------------------------------------------------------------------------

T(
    "url",
    "google docs link",
    r"""
draft of the postmortem: https://docs.google.com/document/d/{{n:drive_id}}/edit?usp=sharing
""",
)

T(
    "url",
    "notion page link",
    r"""
runbook is here https://www.notion.so/{{n:org}}/Rotate-leaked-credentials-{{n:notion_id}}?pvs=4
""",
)

T(
    "url",
    "figma file link",
    r"""
https://www.figma.com/design/{{n:figma_key}}/Checkout-v3?node-id={{n:num:100-9999}}-{{n:num:100-99999}}&t={{n:alnum:16}}-0
""",
)

T(
    "url",
    "github pull request link with commit",
    r"""
fixed in https://github.com/{{n:org}}/{{n:service}}/pull/{{n:num:100-999}}/commits/{{n:sha}}
""",
)

T(
    "url",
    "s3 object url without signature",
    r"""
https://{{n:org}}-public-assets.s3.eu-west-1.amazonaws.com/press/{{n:date}}/logo-{{n:hexs:8}}.svg
""",
)

T(
    "url",
    "zoom link without passcode",
    r"""
Join: https://{{n:org}}.zoom.us/j/{{n:digits:11}} (passcode sent in the calendar invite)
""",
)

T(
    "url",
    "sentry issue link",
    r"""
https://{{n:org}}.sentry.io/issues/{{n:digits:10}}/events/{{n:hexs:32}}/?project={{n:digits:7}}&environment=production
""",
)

T(
    "url",
    "datadog dashboard link with time range",
    r"""
https://app.datadoghq.eu/dashboard/{{n:lalnum:3}}-{{n:lalnum:3}}-{{n:lalnum:3}}/checkout-overview?from_ts={{n:epoch}}000&to_ts={{n:epoch}}000&live=false&tpl_var_env=prod
""",
)

T(
    "url",
    "grafana dashboard link with variables",
    r"""
https://grafana.{{n:domain}}/d/{{n:alnum:9}}/api-latency?orgId=1&var-service={{n:service}}&var-env=prod&from=now-6h&to=now&viewPanel={{n:num:2-40}}
""",
)

T(
    "url",
    "aws console link with encoded query",
    r"""
https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252F{{n:service}}/log-events/{{n:date}}$252F$255B$2524LATEST$255D{{n:hexs:32}}
""",
)

T(
    "url",
    "slack message permalink",
    r"""
see https://{{n:org}}.slack.com/archives/{{n:slack_id:C}}/p{{n:digits:16}}?thread_ts={{n:slack_ts}}&cid={{n:slack_id:C}}
""",
)

T(
    "url",
    "jira browse and confluence links",
    r"""
tracked in https://{{n:org}}.atlassian.net/browse/{{n:ticket:SEC}} · background: https://{{n:org}}.atlassian.net/wiki/spaces/SEC/pages/{{n:digits:10}}/Key+rotation+policy
""",
)

T(
    "url",
    "youtube and loom style links with ids",
    r"""
recording of the design review: https://www.youtube.com/watch?v={{n:b64urls:11}}&t={{n:num:10-3000}}s
""",
)

T(
    "url",
    "placeholder webhook url in docs",
    r"""
Set `SLACK_WEBHOOK_URL` to your own incoming webhook, e.g. {{n:doc_example:slack_webhook}}
""",
)

T(
    "url",
    "gitlab pipeline and job links",
    r"""
pipeline https://gitlab.{{n:domain}}/{{n:org}}/{{n:service}}/-/pipelines/{{n:digits:7}} failed at https://gitlab.{{n:domain}}/{{n:org}}/{{n:service}}/-/jobs/{{n:digits:8}}#L{{n:num:10-900}}
""",
)

T(
    "url",
    "oauth authorize url with client id and state",
    r"""
https://accounts.google.com/o/oauth2/v2/auth?client_id={{n:google_client_id}}&redirect_uri=https%3A%2F%2Fapp.{{n:domain}}%2Fauth%2Fcallback&response_type=code&scope=openid%20email%20profile&state={{n:hexs:32}}&code_challenge={{n:b64urls:43}}&code_challenge_method=S256
""",
)

T(
    "url",
    "aws sso start url",
    r"""
log in via https://{{n:org}}.awsapps.com/start/#/?tab=accounts then pick {{n:aws_account}} / Developer
""",
)

T(
    "url",
    "download url with checksum parameter",
    r"""
https://releases.{{n:domain}}/{{n:service}}/{{n:semver}}/{{n:service}}_linux_amd64.tar.gz?checksum=sha256:{{n:sha256}}
""",
)

T(
    "url",
    "google maps link with coordinates",
    r"""
meet here: https://www.google.com/maps/place/52.5{{n:digits:5}},13.4{{n:digits:5}}/@52.5{{n:digits:5}},13.4{{n:digits:5}},17z/data=!3m1!4b1!4m4!3m3!8m2!3d52.5{{n:digits:5}}!4d13.4{{n:digits:5}}
""",
)

T(
    "url",
    "docker hub image link with digest",
    r"""
https://hub.docker.com/layers/{{n:org}}/{{n:service}}/{{n:semver}}/images/sha256-{{n:sha256}}?context=repo
""",
)

T(
    "url",
    "calendly and teams meeting links",
    r"""
book a slot: https://calendly.com/{{n:first|lower}}-{{n:org}}/30min · or join https://teams.microsoft.com/l/meetup-join/19%3ameeting_{{n:b64urls:48}}%40thread.v2/0?context=%7b%22Tid%22%3a%22{{n:uuid4}}%22%2c%22Oid%22%3a%22{{n:uuid4}}%22%7d
""",
)

# --- json negatives --------------------------------------------------------------------------------

T(
    "json",
    "slack export message about a rotated token",
    r"""
[
    {
        "type": "message",
        "text": "rotated the bot token :white_check_mark: new one is in Vault at `kv\/slack\/standup-bot`, old one revoked",
        "user": "{{n:slack_id:U}}",
        "ts": "{{n:slack_ts}}",
        "team": "{{n:slack_id:T}}",
        "reactions": [{"name": "pray", "users": ["{{n:slack_id:U}}"], "count": 1}]
    }
]
""",
)

T(
    "json",
    "slack export with file share and permalink",
    r"""
{"type":"message","subtype":"file_share","text":"error screenshot","files":[{"id":"{{n:slack_id:F}}","created":{{n:epoch}},"name":"Screenshot {{n:date}}.png","mimetype":"image\/png","size":{{n:num:10000-900000}},"url_private":"https:\/\/files.slack.com\/files-pri\/{{n:slack_id:T}}-{{n:slack_id:F}}\/screenshot.png","permalink":"https:\/\/{{n:org}}.slack.com\/files\/{{n:slack_id:U}}\/{{n:slack_id:F}}\/screenshot.png"}],"user":"{{n:slack_id:U}}","ts":"{{n:slack_ts}}"}
""",
)

T(
    "json",
    "discord export message with masked token",
    r"""
{
  "id": "{{n:snowflake}}",
  "type": "Default",
  "timestamp": "{{n:ts}}",
  "content": "[AutoMod] Message from {{n:user}} was blocked: it contained a Discord token. The token has been invalidated automatically.",
  "author": {"id": "{{n:snowflake}}", "name": "AutoMod", "isBot": true},
  "reference": {"messageId": "{{n:snowflake}}", "channelId": "{{n:snowflake}}", "guildId": "{{n:snowflake}}"}
}
""",
)

T(
    "json",
    "github push webhook payload",
    r"""
{
  "ref": "refs/heads/main",
  "before": "{{n:sha}}",
  "after": "{{n:sha}}",
  "repository": {"id": {{n:digits:9}}, "node_id": "R_kgDO{{n:b64urls:8}}", "full_name": "{{n:org}}/{{n:service}}", "private": true},
  "pusher": {"name": "{{n:user}}", "email": "{{n:email}}"},
  "head_commit": {
    "id": "{{n:sha}}",
    "tree_id": "{{n:sha}}",
    "message": "chore: remove hardcoded token (already revoked)",
    "timestamp": "{{n:ts}}",
    "added": [], "removed": [], "modified": ["config/settings.py"]
  }
}
""",
)

T(
    "json",
    "github secret scanning alert webhook",
    r"""
{
  "action": "created",
  "alert": {
    "number": {{n:num:1-200}},
    "secret_type": "slack_incoming_webhook_url",
    "secret_type_display_name": "Slack Incoming Webhook URL",
    "validity": "inactive",
    "state": "open",
    "html_url": "https://github.com/{{n:org}}/{{n:service}}/security/secret-scanning/{{n:num:1-200}}",
    "created_at": "{{n:ts}}",
    "push_protection_bypassed": false
  },
  "repository": {"full_name": "{{n:org}}/{{n:service}}"}
}
""",
)

T(
    "json",
    "jira issue json about a credential rotation",
    r"""
{
  "key": "{{n:ticket:SEC}}",
  "fields": {
    "summary": "Rotate Datadog API key after contractor offboarding",
    "status": {"name": "Done"},
    "assignee": {"accountId": "{{n:hexs:24}}", "displayName": "{{n:person}}"},
    "description": {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Key id {{n:hexs:8}} revoked; new key stored as DD_API_KEY in the prod secret store. No value is kept in this ticket."}]}]},
    "resolutiondate": "{{n:ts}}"
  }
}
""",
)

T(
    "json",
    "zendesk ticket with redacted content",
    r"""
{
  "ticket": {"id": {{n:digits:6}}, "subject": "Login problem", "status": "solved"},
  "comments": [
    {"id": {{n:digits:12}}, "body": "Here is my password: ▇▇▇▇▇▇▇▇", "public": true, "metadata": {"system": {"client": "Mozilla/5.0"}, "redaction": {"redacted_by": {{n:digits:11}}, "redacted_at": "{{n:ts}}"}}},
    {"id": {{n:digits:12}}, "body": "Please never send passwords by e-mail — we have redacted it. Use the reset link on the login page.", "public": true}
  ]
}
""",
)

T(
    "json",
    "jupyter notebook with outputs and no secrets",
    r"""
{
 "cells": [
  {"cell_type": "code", "execution_count": 2, "metadata": {}, "outputs": [{"data": {"text/plain": ["'{{n:sha256}}'"]}, "execution_count": 2, "metadata": {}, "output_type": "execute_result"}], "source": ["hashlib.sha256(open('model.bin','rb').read()).hexdigest()"]},
  {"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": [], "source": ["api_key = os.environ[\"WANDB_API_KEY\"]  # set in the kernel env, not here"]}
 ],
 "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}, "language_info": {"name": "python", "version": "3.12.4"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
""",
)

T(
    "json",
    "jupyter notebook with a png output",
    r"""
{
 "cell_type": "code",
 "execution_count": 12,
 "metadata": {},
 "outputs": [
  {
   "data": {
    "image/png": "{{n:png_data:raw}}",
    "text/plain": ["<Figure size 640x480 with 1 Axes>"]
   },
   "metadata": {},
   "output_type": "display_data"
  }
 ],
 "source": ["df.plot(x='date', y='latency_p99')"]
}
""",
)

T(
    "json",
    "chat completion log without secrets",
    r"""
{"id":"chatcmpl-{{n:alnum:29}}","object":"chat.completion","created":{{n:epoch}},"model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"Don't paste your API key here. Set it as an environment variable (`export OPENAI_API_KEY=...`) and the SDK will pick it up."},"finish_reason":"stop"}],"usage":{"prompt_tokens":{{n:num:20-900}},"completion_tokens":{{n:num:20-300}},"total_tokens":{{n:num:100-1200}}},"system_fingerprint":"fp_{{n:hexs:10}}"}
""",
)

T(
    "json",
    "anthropic message response with ids",
    r"""
{
  "id": "{{n:msg_id}}",
  "type": "message",
  "role": "assistant",
  "model": "claude-sonnet-4-5-20250929",
  "content": [{"type": "text", "text": "The key in your message was masked by your client (`sk-ant-…`), so I can't tell whether it's valid. Check it in the console under API keys."}],
  "stop_reason": "end_turn",
  "usage": {"input_tokens": {{n:num:10-900}}, "output_tokens": {{n:num:10-400}}}
}
""",
)

T(
    "json",
    "teams message with a vault link",
    r"""
{
  "id": "{{n:digits:13}}",
  "messageType": "message",
  "createdDateTime": "{{n:ts}}",
  "from": {"user": {"id": "{{n:uuid4}}", "displayName": "{{n:person}}"}},
  "body": {"contentType": "html", "content": "<p>Credentials for the partner SFTP are in Keeper: <a href=\"https://keepersecurity.eu/vault/#detail/{{n:b64urls:22}}\">Partner SFTP (prod)</a></p>"},
  "channelIdentity": {"teamId": "{{n:uuid4}}", "channelId": "19:{{n:hexs:32}}@thread.tacv2"}
}
""",
)

T(
    "json",
    "sentry event with scrubbed fields",
    r"""
{
  "event_id": "{{n:hexs:32}}",
  "level": "error",
  "request": {
    "url": "https://api.{{n:domain}}/v1/login",
    "method": "POST",
    "headers": {"Authorization": "[Filtered]", "Cookie": "[Filtered]", "User-Agent": "okhttp/4.12.0"},
    "data": {"email": "[Filtered]", "password": "[Filtered]"}
  },
  "contexts": {"trace": {"trace_id": "{{n:hexs:32}}", "span_id": "{{n:hexs:16}}"}},
  "release": "{{n:service}}@{{n:semver}}"
}
""",
)

T(
    "json",
    "github api key listing with fingerprints",
    r"""
[
  {"id": {{n:digits:8}}, "key": "{{n:ssh_pub:ed25519}}", "title": "work laptop", "created_at": "{{n:ts}}", "verified": true, "read_only": false},
  {"id": {{n:digits:8}}, "key": "{{n:ssh_pub:ed25519}}", "title": "ci deploy", "created_at": "{{n:ts}}", "verified": true, "read_only": true}
]
""",
)

T(
    "json",
    "jwks document with public keys",
    r"""
{
  "keys": [
    {"kty": "RSA", "use": "sig", "kid": "{{n:b64urls:27}}", "alg": "RS256", "n": "{{n:b64urls:342}}", "e": "AQAB"},
    {"kty": "EC", "use": "sig", "kid": "{{n:hexs:16}}", "alg": "ES256", "crv": "P-256", "x": "{{n:b64urls:43}}", "y": "{{n:b64urls:43}}"}
  ]
}
""",
)

T(
    "json",
    "package lock excerpt with integrity",
    r"""
{
  "node_modules/jsonwebtoken": {
    "version": "9.0.2",
    "resolved": "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz",
    "integrity": "{{n:integrity}}",
    "dependencies": {"jws": "^3.2.2", "lodash.includes": "^4.3.0"}
  },
  "node_modules/jws": {
    "version": "3.2.2",
    "resolved": "https://registry.npmjs.org/jws/-/jws-3.2.2.tgz",
    "integrity": "{{n:integrity}}"
  }
}
""",
)

T(
    "json",
    "stripe event with public ids only",
    r"""
{
  "id": "{{n:stripe_id:evt}}",
  "object": "event",
  "api_version": "2024-06-20",
  "data": {"object": {"id": "{{n:stripe_id:pi}}", "object": "payment_intent", "amount": {{n:num:100-99999}}, "currency": "eur", "customer": "{{n:stripe_id:cus}}", "latest_charge": "{{n:stripe_id:ch}}", "client_secret": null, "status": "succeeded"}},
  "livemode": true,
  "request": {"id": "req_{{n:alnum:14}}", "idempotency_key": "{{n:uuid4}}"},
  "type": "payment_intent.succeeded"
}
""",
)

T(
    "json",
    "aws kms encrypt response",
    r"""
{
    "CiphertextBlob": "{{n:kms_blob}}",
    "KeyId": "arn:aws:kms:eu-west-1:{{n:aws_account}}:key/{{n:uuid4}}",
    "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"
}
""",
)

T(
    "json",
    "secrets manager describe-secret output",
    r"""
{
    "ARN": "arn:aws:secretsmanager:eu-west-1:{{n:aws_account}}:secret:prod/{{n:service}}/db-{{n:alnum:6}}",
    "Name": "prod/{{n:service}}/db",
    "RotationEnabled": true,
    "RotationLambdaARN": "arn:aws:lambda:eu-west-1:{{n:aws_account}}:function:SecretsManagerRotation",
    "LastRotatedDate": "{{n:ts}}",
    "VersionIdsToStages": {"{{n:uuid4}}": ["AWSCURRENT"], "{{n:uuid4}}": ["AWSPREVIOUS"]}
}
""",
)

T(
    "json",
    "iam list access keys output",
    r"""
{
    "AccessKeyMetadata": [
        {"UserName": "svc-{{n:service}}", "AccessKeyId": "{{n:akid}}", "Status": "Active", "CreateDate": "{{n:ts}}"},
        {"UserName": "svc-{{n:service}}", "AccessKeyId": "{{n:akid}}", "Status": "Inactive", "CreateDate": "{{n:ts}}"}
    ]
}
""",
)

T(
    "json",
    "vscode settings with env references",
    r"""
{
  "terminal.integrated.env.linux": {"GITHUB_TOKEN": "${env:GITHUB_TOKEN}"},
  "rest-client.environmentVariables": {
    "staging": {"baseUrl": "https://staging-api.{{n:domain}}", "token": "{{$processEnv STAGING_TOKEN}}"}
  },
  "sonarlint.connectedMode.project": {"connectionId": "{{n:org}}", "projectKey": "{{n:org}}_{{n:service}}"}
}
""",
)

T(
    "json",
    "postman environment with empty secret values",
    r"""
{
	"id": "{{n:uuid4}}",
	"name": "{{n:org}} staging (template)",
	"values": [
		{"key": "baseUrl", "value": "https://staging-api.{{n:domain}}", "type": "default", "enabled": true},
		{"key": "clientId", "value": "{{n:uuid4}}", "type": "default", "enabled": true},
		{"key": "clientSecret", "value": "", "type": "secret", "enabled": true},
		{"key": "accessToken", "value": "", "type": "secret", "enabled": true}
	],
	"_postman_variable_scope": "environment"
}
""",
)

T(
    "json",
    "mcp settings using env var expansion",
    r"""
{
  "mcpServers": {
    "github": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_PAT}"}
    },
    "sentry": {"type": "http", "url": "https://mcp.sentry.dev/mcp"}
  }
}
""",
)

T(
    "json",
    "gcp service account key listing",
    r"""
[
  {"keyAlgorithm": "KEY_ALG_RSA_2048", "keyOrigin": "GOOGLE_PROVIDED", "keyType": "USER_MANAGED", "name": "projects/{{n:org}}-prod/serviceAccounts/looker@{{n:org}}-prod.iam.gserviceaccount.com/keys/{{n:hexs:40}}", "validAfterTime": "{{n:ts}}", "validBeforeTime": "9999-12-31T23:59:59Z"},
  {"keyAlgorithm": "KEY_ALG_RSA_2048", "keyOrigin": "GOOGLE_PROVIDED", "keyType": "SYSTEM_MANAGED", "name": "projects/{{n:org}}-prod/serviceAccounts/looker@{{n:org}}-prod.iam.gserviceaccount.com/keys/{{n:hexs:40}}"}
]
""",
)

T(
    "json",
    "webhook delivery log with signature",
    r"""
{
  "id": {{n:digits:11}},
  "guid": "{{n:uuid4}}",
  "delivered_at": "{{n:ts}}",
  "event": "issue_comment",
  "status_code": 401,
  "request": {"headers": {"X-GitHub-Delivery": "{{n:uuid4}}", "X-Hub-Signature": "sha1={{n:hexs:40}}", "X-Hub-Signature-256": "{{n:hub_sig}}", "User-Agent": "GitHub-Hookshot/{{n:hexs:7}}"}},
  "response": {"payload": "{\"error\":\"bad signature\"}"}
}
""",
)

T(
    "json",
    "linear issue webhook with ids",
    r"""
{
  "action": "update",
  "type": "Issue",
  "data": {"id": "{{n:uuid4}}", "identifier": "{{n:ticket:ENG}}", "title": "Rotate the Figma token used by the design sync", "stateId": "{{n:uuid4}}", "teamId": "{{n:uuid4}}", "labelIds": ["{{n:uuid4}}"]},
  "updatedFrom": {"stateId": "{{n:uuid4}}"},
  "url": "https://linear.app/{{n:org}}/issue/{{n:ticket:ENG}}/rotate-the-figma-token",
  "webhookTimestamp": {{n:epoch}}456,
  "webhookId": "{{n:uuid4}}"
}
""",
)

T(
    "json",
    "oauth token introspection response",
    r"""
{
  "active": true,
  "client_id": "{{n:service}}-web",
  "username": "{{n:email}}",
  "scope": "openid profile orders:read",
  "sub": "{{n:uuid4}}",
  "aud": "https://api.{{n:domain}}",
  "iss": "https://auth.{{n:domain}}/",
  "exp": {{n:epoch}},
  "iat": {{n:epoch}},
  "jti": "{{n:uuid4}}",
  "token_type": "Bearer"
}
""",
)

T(
    "json",
    "confluence page json without credentials",
    r"""
{
  "id": "{{n:digits:9}}",
  "type": "page",
  "title": "Database access",
  "body": {"storage": {"value": "<p>Request access through Teleport: <code>tsh db login --db-user=readonly {{n:service}}-prod</code>. Short-lived certificates are issued per session; there are no shared passwords.</p>", "representation": "storage"}},
  "version": {"number": {{n:num:2-40}}, "by": {"displayName": "{{n:person}}"}}
}
""",
)

T(
    "json",
    "docker config json with creds store",
    r"""
{
	"auths": {
		"ghcr.io": {},
		"{{n:aws_account}}.dkr.ecr.eu-west-1.amazonaws.com": {}
	},
	"credsStore": "desktop",
	"credHelpers": {"{{n:aws_account}}.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"}
}
""",
)

T(
    "json",
    "pagerduty incident json",
    r"""
{
  "incident": {
    "id": "Q{{n:ualnum:13}}",
    "incident_number": {{n:num:1000-99999}},
    "title": "[FIRING:1] CertificateExpiringSoon {{n:service}}",
    "status": "acknowledged",
    "urgency": "high",
    "service": {"id": "P{{n:ualnum:6}}", "summary": "{{n:service}}"},
    "incident_key": "{{n:hexs:32}}",
    "html_url": "https://{{n:org}}.pagerduty.com/incidents/Q{{n:ualnum:13}}"
  }
}
""",
)

T(
    "json",
    "intercom conversation about password reset",
    r"""
{
  "type": "conversation_part",
  "id": "{{n:digits:11}}",
  "part_type": "comment",
  "body": "<p>I've sent you a password reset link — it expires in 30 minutes. For your security we can't see or set your password.</p>",
  "created_at": {{n:epoch}},
  "author": {"type": "admin", "id": "{{n:digits:7}}", "name": "{{n:first}} from Support"}
}
""",
)

T(
    "json",
    "npm package json with publish config and no token",
    r"""
{
  "name": "@{{n:org}}/{{n:service}}-client",
  "version": "{{n:semver}}",
  "publishConfig": {"registry": "https://npm.pkg.github.com", "provenance": true},
  "repository": {"type": "git", "url": "git+https://github.com/{{n:org}}/{{n:service}}.git"},
  "gitHead": "{{n:sha}}"
}
""",
)

T(
    "json",
    "sealed secrets kubeseal output json",
    r"""
{
  "kind": "SealedSecret",
  "apiVersion": "bitnami.com/v1alpha1",
  "metadata": {"name": "{{n:service}}-api", "namespace": "{{n:service}}", "creationTimestamp": null},
  "spec": {"template": {"metadata": {"name": "{{n:service}}-api"}}, "encryptedData": {"API_TOKEN": "{{n:sealed}}"}}
}
""",
)

T(
    "json",
    "supabase project config with anon key",
    r"""
{
  "project_ref": "{{n:lalnum:20}}",
  "api_url": "https://{{n:lalnum:20}}.supabase.co",
  "anon_key": "{{n:supabase_anon}}",
  "region": "eu-central-1",
  "service_role_key": "see SUPABASE_SERVICE_ROLE_KEY in the deploy secrets"
}
""",
)

# --- more positives: plain --------------------------------------------------------------------------

T(
    "plain",
    "github issue pasting nginx tls config and key",
    r"""
nginx refuses to start after renewing the cert: `SSL_CTX_use_PrivateKey_file(...) failed (SSL: error:05800074:x509 certificate routines::key values mismatch)`.

Here's the key file, maybe it's the wrong format?

```
{{s:pem:rsa}}
```

and `ssl_certificate /etc/nginx/certs/{{n:domain}}.crt;` points to the new cert.
""",
)

T(
    "plain",
    "ticket with aws credentials csv",
    r"""
Hi, the agency sent us the credentials file for the new AWS account, content below (pasting because the attachment was blocked):

User name,Password,Access key ID,Secret access key,Console login link
{{n:user}},{{s:pw_rand}},{{n:akid}},{{s:aws_secret}},https://{{n:aws_account}}.signin.aws.amazon.com/console

Can you set up SSO so we can delete this user?
""",
)

T(
    "plain",
    "slack: stripe webhook signing secret",
    r"""
{{n:person}}  {{n:ampm}}
for local webhook testing: signing secret of the `staging-orders` endpoint is {{s:stripe:whsec}}
{{n:person}}  {{n:ampm}}
(stripe cli gives you its own one with `stripe listen`, this is the dashboard one)
""",
)

T(
    "plain",
    "postmortem quoting the leaked webhook url",
    r"""
## What leaked
The Slack incoming webhook for #alerts (`https://hooks.slack.com/services/T{{n:ualnum:9}}/B{{n:ualnum:11}}/{{s:alnum:24}}`) was committed in `monitoring/alerts.tf` and posted spam for 40 minutes on {{n:date}}.

## Fix
Webhook regenerated; Terraform now reads it from `var.slack_webhook_url` (sensitive).
""",
)

T(
    "plain",
    "agent reply quoting a netrc it found",
    r"""
The deploy script authenticates through `~/.netrc`, which contains:

```
machine api.heroku.com
  login {{n:email}}
  password {{s:uuid4@hk}}
machine git.heroku.com
  login {{n:email}}
  password {{=hk}}
```

That's a long-lived Heroku API key. I'd suggest `heroku authorizations:create --expires-in` for a scoped token instead.
""",
)

T(
    "plain",
    "support ticket with a session cookie from devtools",
    r"""
Steps: log in, open Reports → Export. The export spins forever.

Request from devtools:

    GET /api/reports/export?format=csv HTTP/2
    Host: app.{{n:domain}}
    Cookie: _ga=GA1.2.{{n:digits:10}}.{{n:epoch}}; session={{s:jwt}}; locale=de
    x-request-id: {{n:uuid4}}

Browser: Firefox 131, Windows 11.
""",
)

T(
    "plain",
    "chat: sharing an express session cookie",
    r"""
{{n:first}}  {{n:ampm}}
my SSO is broken, can I borrow your session for 5 min to check the admin page?
{{n:first}}  {{n:ampm}}
ugh fine: `connect.sid={{s:cookie_value:express}}` — I'm logging out in 10 min
""",
)

T(
    "plain",
    "email: microsoft 365 temporary password notification forwarded",
    r"""
Begin forwarded message:

From: Microsoft on behalf of {{n:org}} <msonlineservicesteam@microsoftonline.com>
Subject: Account information for new or modified users

The following users were created or modified:

User name: {{n:user}}@{{n:org}}.onmicrosoft.com
Temporary password: {{s:pw_rand:12}}

Sign in at https://portal.office.com
""",
)

T(
    "plain",
    "notion export: environment variables table",
    r"""
# Service: {{n:service}}

## Environment

| Variable | Value | Notes |
| --- | --- | --- |
| `PORT` | 8080 |  |
| `LOG_LEVEL` | info |  |
| `ALGOLIA_APP_ID` | {{n:ualnum:10}} | public |
| `ALGOLIA_ADMIN_KEY` | {{s:algolia_admin}} | server only |
| `POSTMARK_TOKEN` | {{s:uuid4}} |  |
""",
)

T(
    "plain",
    "mediawiki page with pgpass line",
    r"""
== Replica access ==
Add this line to your <code>~/.pgpass</code> (mode 600):
<pre>
{{n:dbhost}}:5432:*:analyst:{{s:pw_rand}}
</pre>
Then: <code>psql -h {{n:dbhost}} -U analyst warehouse</code>
""",
)

T(
    "plain",
    "german runbook with kennwort",
    r"""
# Betriebshandbuch — Backup-Server

**Zugang iLO:** https://{{n:ip}}
**Benutzer:** Administrator
**Kennwort:** {{s:pw_human}}

Bei Ausfall bitte zuerst den Rufbereitschaftsdienst informieren (Tel. {{n:digits:4}}).
""",
)

T(
    "plain",
    "spanish slack message with twilio token",
    r"""
{{n:person}}  {{n:ampm}}
para las pruebas de SMS usen la cuenta de test: SID {{n:twilio_sid}} y el token {{s:hexs:32}}. No lo suban a GitHub porfa 🙏
""",
)

T(
    "plain",
    "french postmortem with the leaked token",
    r"""
## Chronologie

- {{n:clock}} : un développeur publie par erreur le jeton `{{s:npm}}` dans un ticket public
- {{n:clock}} : npm nous alerte (détection de secrets)
- {{n:clock}} : jeton révoqué, nouvelle publication signée du paquet

## Cause racine
Copier-coller d'un terminal avec `npm config list` dans le ticket.
""",
)

T(
    "plain",
    "japanese readme with env example containing a real key",
    r"""
## セットアップ

1. リポジトリをクローンします
2. `.env` を作成して以下を記入します

```
GEMINI_API_KEY={{s:google_key}}
PORT=3000
```

3. `npm run dev` で起動します
""",
)

T(
    "plain",
    "chinese meeting notes with a key",
    r"""
# 周会纪要 {{n:date}}

- 新的短信服务已接入，AccessKey ID：LTAI{{n:alnum:20}}，AccessKey Secret：{{s:alnum:30}}
- 下周完成灰度发布
- 负责人：{{n:first}}
""",
)

T(
    "plain",
    "russian email with api key",
    r"""
Добрый день, {{n:first}}!

Направляю ключ API для интеграции с нашим сервисом: {{s:generic_token:hex}}
Ключ действителен до конца года. Пожалуйста, не передавайте его третьим лицам.

С уважением,
{{n:person}}
""",
)

T(
    "plain",
    "agent plan with x-api-key header",
    r"""
Next steps:
- Call the messages endpoint directly to rule out the SDK:
  `curl https://api.anthropic.com/v1/messages -H "x-api-key: {{s:anthropic}}" -H "anthropic-version: 2023-06-01" -H "content-type: application/json" -d @req.json`
- If that works, the SDK is reading a different key from `~/.config`.
""",
)

T(
    "plain",
    "agent message: updated env with service role key",
    r"""
Updated `.env.local`:

```diff
 NEXT_PUBLIC_SUPABASE_URL=https://{{n:lalnum:20}}.supabase.co
+SUPABASE_SERVICE_ROLE_KEY={{s:supabase_jwt}}
```

The seed script now runs (`pnpm db:seed` inserted 120 rows). Note this key bypasses row level security; keep it server-side.
""",
)

T(
    "plain",
    "commit message containing an api key",
    r"""
commit {{n:sha}}
Author: {{n:person}} <{{n:email}}>
Date:   {{n:date}}

    deploy: set HEROKU_API_KEY for the release job

    HEROKU_API_KEY={{s:uuid4}}
""",
)

T(
    "plain",
    "changelog disclosing the default signing secret",
    r"""
## {{n:semver}}

### Security
- The default JWT signing secret used when `JWT_SECRET` was unset (`{{s:b64bytes:32}}`) has been removed; the server now refuses to start without one. If you ran an earlier version without setting it, rotate all sessions.
""",
)

T(
    "plain",
    "meeting notes with recording passcode",
    r"""
Recording of the architecture review: https://{{n:org}}.zoom.us/rec/share/{{n:b64urls:64}}
Passcode: {{s:pw_rand:10}}

Decisions:
- event bus: keep Kafka
- drop the legacy SOAP adapter in Q3
""",
)

T(
    "plain",
    "github issue with putty key file",
    r"""
WinSCP can't load my key, says "Couldn't load private key (unrecognised cipher name)". File content:

```
PuTTY-User-Key-File-3: ssh-ed25519
Encryption: none
Comment: {{n:user}}@laptop
Public-Lines: 2
AAAAC3NzaC1lZDI1NTE5AAAAI{{n:b64s:43}}
{{n:b64s:20}}
Private-Lines: 1
{{s:putty}}
Private-MAC: {{n:sha256}}
```
""",
)

T(
    "plain",
    "chat pasting an age identity",
    r"""
{{n:first}}  {{n:ampm}}
can't decrypt the sops file on the new laptop
{{n:first}}  {{n:ampm}}
put this in ~/.config/sops/age/keys.txt:
```
# created: {{n:ts}}
# public key: {{n:age_public}}
{{s:age_secret}}
```
and then delete this message 🙈
""",
)

T(
    "plain",
    "issue pasting terraform state with a password",
    r"""
State shows the password in clear text, is this expected?

```json
{
  "mode": "managed",
  "type": "aws_db_instance",
  "name": "main",
  "instances": [
    {
      "attributes": {
        "username": "{{n:svcuser}}",
        "password": "{{s:pw_rand}}",
        "endpoint": "{{n:dbhost}}:5432"
      }
    }
  ]
}
```
""",
)

T(
    "plain",
    "email with an openvpn profile inline",
    r"""
Hi {{n:first}},

your VPN profile is below — save it as `{{n:user}}.ovpn`.

client
dev tun
proto udp
remote vpn.{{n:domain}} 1194
auth SHA256
<cert>
{{n:cert}}
</cert>
<key>
{{s:pem:pkcs8}}
</key>

IT
""",
)

T(
    "plain",
    "code review on azure storage connection string",
    r"""
**{{n:user}}** commented on `appsettings.Development.json`

> "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName={{n:org}}dev;AccountKey={{s:azure_key}};EndpointSuffix=core.windows.net"

Even for dev, this account key grants full access to the storage account. Use `UseDevelopmentStorage=true` with Azurite locally.
""",
)

T(
    "plain",
    "stack overflow question with maven settings",
    r"""
# Maven deploy returns 401 from Nexus

settings.xml:

    <servers>
      <server>
        <id>nexus-releases</id>
        <username>deployment</username>
        <password>{{s:pw_human}}</password>
      </server>
    </servers>

`mvn deploy` → `status code: 401, reason phrase: Unauthorized (401)`. The same user can log in to the Nexus UI.
""",
)

# --- more positives: json, yaml, url, shell, source ------------------------------------------------

T(
    "json",
    "matrix element export event with a password",
    r"""
{
  "type": "m.room.message",
  "sender": "@{{n:user}}:matrix.{{n:domain}}",
  "content": {
    "msgtype": "m.text",
    "body": "the jitsi moderator password for tomorrow is {{s:pw_human@p}}",
    "format": "org.matrix.custom.html",
    "formatted_body": "the jitsi moderator password for tomorrow is <code>{{=p|xml}}</code>"
  },
  "origin_server_ts": {{n:epoch}}123,
  "event_id": "${{n:b64urls:43}}",
  "room_id": "!{{n:alnum:18}}:matrix.{{n:domain}}"
}
""",
)

T(
    "json",
    "zulip message json with token",
    r"""
{"id":{{n:digits:7}},"sender_full_name":"{{n:person}}","sender_email":"{{n:email}}","stream_id":{{n:num:1-99}},"subject":"deploy bot","content":"New Buildkite agent token for the mac runners: `{{s:buildkite}}`","timestamp":{{n:epoch}},"type":"stream"}
""",
)

T(
    "json",
    "freshdesk ticket json with credentials in description",
    r"""
{
  "id": {{n:digits:5}},
  "subject": "Integration setup",
  "description_text": "Hello, as requested here are our Shopify admin API credentials. Access token: {{s:shopify}} Store: {{n:org}}.myshopify.com Thanks!",
  "status": 2,
  "priority": 1,
  "requester_id": {{n:digits:11}},
  "created_at": "{{n:ts}}"
}
""",
)

T(
    "json",
    "github rest issue json with env in body",
    r"""
{
  "url": "https://api.github.com/repos/{{n:org}}/{{n:service}}/issues/{{n:num:10-900}}",
  "id": {{n:digits:10}},
  "node_id": "{{n:gh_node:I_kwDO}}",
  "number": {{n:num:10-900}},
  "title": "Crash on startup with Netlify deploy",
  "user": {"login": "{{n:user}}", "id": {{n:digits:8}}},
  "labels": [{"name": "bug"}],
  "state": "open",
  "body": "Deploy log:\r\n```\r\n1:02:14 PM: NETLIFY_AUTH_TOKEN={{s:netlify}}\r\n1:02:15 PM: Error: Cannot find module 'sharp'\r\n```",
  "created_at": "{{n:ts}}"
}
""",
)

T(
    "json",
    "slack export with a private key snippet message",
    r"""
[{"type":"message","user":"{{n:slack_id:U}}","text":"deploy key for the staging box, don't lose it:\n```{{s:pem:ec|json}}```","ts":"{{n:slack_ts}}","edited":{"user":"{{n:slack_id:U}}","ts":"{{n:slack_ts}}"}}]
""",
)

T(
    "json",
    "claude code settings with an api key helper output",
    r"""
{
  "env": {
    "ANTHROPIC_API_KEY": "{{s:anthropic}}",
    "CLAUDE_CODE_MAX_OUTPUT_TOKENS": "16000"
  },
  "permissions": {"allow": ["Bash(npm run test:*)", "Read(~/.zshrc)"], "deny": ["Read(./.env)"]},
  "model": "claude-sonnet-4-5"
}
""",
)

T(
    "yaml",
    "hexo post front matter with an encryption password",
    r"""
---
title: Internal notes on the Q3 reorg
date: {{n:date}} 09:30:00
tags: [internal]
password: {{s:pw_human}}
abstract: This post is encrypted. Enter the password to read it.
message: Ask {{n:first}} for the password.
---
""",
)

T(
    "yaml",
    "azure pipelines variables with a password",
    r"""
trigger:
  - main
variables:
  buildConfiguration: Release
  sqlAdminLogin: sqladmin
  sqlAdminPassword: '{{s:pw_rand}}'
steps:
  - task: SqlAzureDacpacDeployment@1
    inputs:
      ServerName: {{n:org}}-sql.database.windows.net
      SqlUsername: $(sqlAdminLogin)
      SqlPassword: $(sqlAdminPassword)
""",
)

T(
    "yaml",
    "configmap misused for secrets",
    r"""
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{n:service}}-config
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "new-checkout,fast-search"
  MAILCHIMP_API_KEY: "{{s:mailchimp}}"
  NEW_RELIC_API_KEY: "{{s:newrelic}}"
""",
)

T(
    "url",
    "jupyter server url with token",
    r"""
    To access the server, open this file in a browser:
        file:///home/{{n:first|lower}}/.local/share/jupyter/runtime/jpserver-{{n:num:1000-99999}}-open.html
    Or copy and paste one of these URLs:
        http://{{n:host}}:8888/lab?token={{s:hexs:48@t}}
        http://127.0.0.1:8888/lab?token={{=t}}
""",
)

T(
    "url",
    "logic apps workflow url with sig",
    r"""
Power Automate flow for the Teams channel: https://prod-{{n:num:10-99}}.westeurope.logic.azure.com:443/workflows/{{n:hexs:32}}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={{s:b64urls:43}}
""",
)

T(
    "url",
    "bitbucket clone url with app password",
    r"""
https://{{n:user}}:{{s:bitbucket}}@bitbucket.org/{{n:org}}/{{n:service}}.git
""",
)

T(
    "shell",
    "git config insteadof with token",
    r"""
git config --global url."https://{{s:ghp}}@github.com/".insteadOf "https://github.com/"
go mod download
""",
)

T(
    "shell",
    "curl with gitlab private-token header",
    r"""
curl --header "PRIVATE-TOKEN: {{s:glpat}}" "https://gitlab.{{n:domain}}/api/v4/projects/{{n:num:10-999}}/pipelines?status=failed&per_page=5" | jq '.[].web_url'
""",
)

T(
    "source",
    "npmrc file content in a doc",
    r"""
; ~/.npmrc
registry=https://registry.npmjs.org/
@{{n:org}}:registry=https://{{n:org}}.jfrog.io/artifactory/api/npm/npm/
//{{n:org}}.jfrog.io/artifactory/api/npm/npm/:_auth={{s:basic:artifactory}}
//{{n:org}}.jfrog.io/artifactory/api/npm/npm/:always-auth=true
""",
)

T(
    "source",
    "maven settings xml snippet in docs",
    r"""
<settings>
  <servers>
    <server>
      <id>github</id>
      <username>{{n:user}}</username>
      <password>{{s:ghp}}</password>
    </server>
  </servers>
</settings>
""",
)

# --- more negatives: other languages and more look-alikes -------------------------------------------

T(
    "plain",
    "german chat: password in keepass",
    r"""
{{n:first}} ({{n:clock}}): Wie lautet das Passwort für den Testserver?
{{n:first}} ({{n:clock}}): Steht in der KeePass-Datenbank unter „Test/Server-{{n:num:1-20}}“. Bitte nicht per Chat verschicken 🙂
{{n:first}} ({{n:clock}}): Alles klar, danke!
""",
)

T(
    "plain",
    "french email: password changed, see the vault",
    r"""
Bonjour {{n:first}},

le mot de passe du compte de service a été changé ce matin (ticket {{n:ticket:OPS}}). La nouvelle valeur est dans Vaultwarden, collection « Infra », élément « svc-{{n:service}} ».

Empreinte de la clé SSH du serveur : {{n:fingerprint}}

Bonne journée,
{{n:person}}
""",
)

T(
    "plain",
    "spanish message: password sent by another channel",
    r"""
Hola {{n:first}}, ya tienes usuario en el portal ({{n:email}}). La contraseña te llega por SMS en unos minutos; por seguridad no la mandamos por correo ni por chat.
""",
)

T(
    "plain",
    "japanese email: password sent separately",
    r"""
{{n:first}}様

いつもお世話になっております。
ファイルを添付いたします。パスワードは別途メールにてお送りします。

ファイル名：見積書_{{n:date}}.zip
SHA-256：{{n:sha256}}

よろしくお願いいたします。
""",
)

T(
    "plain",
    "chinese notice: password reset, see internal tool",
    r"""
各位同事：

测试环境数据库密码已于 {{n:date}} 重置，新密码请在内部密码管理平台（{{n:org}}-vault）中查看，路径为 secret/test/db。
请勿在群聊中发送密码。

运维组
""",
)

T(
    "plain",
    "russian chat: password in the vault",
    r"""
{{n:first}}, {{n:clock}}
Пароль от стенда поменяли, новый лежит в Vault: secret/stand/{{n:service}}. Ключ API тоже перевыпустили, id ключа {{n:hexs:8}}.
""",
)

T(
    "plain",
    "portuguese message: senha no cofre",
    r"""
[{{n:date}} {{n:clock}}] {{n:first}}: a senha do servidor de homologação mudou
[{{n:date}} {{n:clock}}] {{n:first}}: tá no cofre do Bitwarden, pasta "Infra"
[{{n:date}} {{n:clock}}] {{n:first}}: beleza, obrigado
""",
)

T(
    "plain",
    "github issue with base64 encoded crash dump header",
    r"""
Attached minidump (base64, first bytes):

```
TURNUJOnAAAMAAAAIAAAA{{n:b64s:180}}
```

Crash signature `{{n:hexs:16}}`, build id `{{n:hexs:40}}`, version {{n:semver}}.
""",
)

T(
    "plain",
    "email with calendar invite ids",
    r"""
BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
BEGIN:VEVENT
DTSTART:{{n:digits:8}}T090000Z
DTEND:{{n:digits:8}}T093000Z
UID:{{n:lalnum:26}}@google.com
ORGANIZER;CN={{n:person}}:mailto:{{n:email}}
SUMMARY:Key rotation dry run
DESCRIPTION:Join: https://meet.google.com/{{n:lalnum:3}}-{{n:lalnum:4}}-{{n:lalnum:3}}
END:VEVENT
END:VCALENDAR
""",
)

T(
    "plain",
    "agent reply listing secret names it will need",
    r"""
To finish the migration I need three values that I must not guess or print:

1. `PLANETSCALE_SERVICE_TOKEN_ID` and `PLANETSCALE_SERVICE_TOKEN` — create a service token with `connect_production_branch`.
2. `DATABASE_URL` for the new branch (`pscale connect` prints it locally).

Please add them with `gh secret set` and tell me when they're in place; I'll re-run the workflow then.
""",
)

T(
    "plain",
    "slack: sharing a 1password share link description",
    r"""
{{n:person}}  {{n:ampm}}
sent you the SFTP creds through a 1Password share link (expires in 7 days, single view), check your DMs
{{n:person}}  {{n:ampm}}
got it, saved in my vault
""",
)

T(
    "plain",
    "postmortem with bcrypt cost discussion and no values",
    r"""
## Contributing factors
- Password hashes used bcrypt cost 10; raised to 12 in {{n:shortsha}}.
- Login rate limiting was per-IP only; now per-account too (limit 10/min).
- The attacker's IPs ({{n:pubip}}, {{n:pubip}}) were blocked at the WAF at {{n:clock}}.

No plaintext passwords or hashes left the database (confirmed by query audit {{n:uuid4}}).
""",
)


# ---------------------------------------------------------------------------------------------
# Instantiation.

PLACEHOLDER = re.compile(
    r"\{\{(?:(?P<kind>[sn]):(?P<gen>\w+)(?::(?P<arg>[\w.,-]+))?(?:@(?P<name>\w+))?|=(?P<ref>\w+))(?P<tr>(?:\|\w+)*)\}\}"
)


def _transform(value: str, name: str) -> str:
    if name == "url":
        return urllib.parse.quote(value, safe="")
    if name == "json":
        return json.dumps(value, ensure_ascii=False)[1:-1]
    if name == "xml":
        return html.escape(value, quote=True)
    if name == "b64":
        return b64(value.encode())
    if name == "upper":
        return value.upper()
    if name == "lower":
        return value.lower()
    if name.startswith("indent"):
        return value.replace("\n", "\n" + " " * int(name[6:]))
    raise ValueError(f"unknown transform {name!r}")


def instantiate(template: str, rng: R) -> tuple[str, list[str]]:
    """The template's text with every placeholder drawn, and the secrets as written."""
    bound: dict[str, tuple[str, bool]] = {}
    secrets: list[str] = []

    def fill(match: re.Match[str]) -> str:
        if match["ref"]:
            value, secret = bound[match["ref"]]
        else:
            value = GENERATORS[match["gen"]](rng, match["arg"] or "")
            secret = match["kind"] == "s"
            if match["name"]:
                bound[match["name"]] = (value, secret)
        for name in filter(None, match["tr"].split("|")):
            value = _transform(value, name)
        if secret and value not in secrets:
            secrets.append(value)
        return value

    text = PLACEHOLDER.sub(fill, template)
    assert not re.search(r"\{\{(?:[sn]:|=)", text), f"a malformed placeholder in {template[:60]!r}"
    return text, secrets


def _fair(text: str, secrets: list[str]) -> bool:
    """No half of a planted secret occurs in the text once every planted secret is taken out."""
    masked = text
    for secret in sorted(secrets, key=len, reverse=True):
        masked = masked.replace(secret, "\x00")
    return all(secret in text and not leaked(secret, masked) for secret in secrets)


# --- agent-log envelopes -------------------------------------------------------------------------


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _escape(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def _cwd(rng: R) -> str:
    return f"/home/{rng.choice(FIRST).lower()}/{rng.choice(('src', 'work', 'projects', 'code'))}/{rng.choice(SERVICES)}"


def _claude_stream(text: str, rng: R) -> tuple[str, int]:
    line = _dumps(
        {
            "type": "user",
            "message": {
                "role": "user",
                "content": [{"tool_use_id": toolu(rng), "type": "tool_result", "content": text}],
            },
            "parent_tool_use_id": None,
            "session_id": uuid4(rng),
            "uuid": uuid4(rng),
        }
    )
    return line, 1


def _claude_transcript(text: str, rng: R) -> tuple[str, int]:
    session, parent = uuid4(rng), uuid4(rng)
    envelope = {
        "parentUuid": parent,
        "isSidechain": False,
        "userType": "external",
        "cwd": _cwd(rng),
        "sessionId": session,
        "version": rng.choice(("2.0.28", "2.1.29", "2.1.38")),
        "gitBranch": rng.choice(("main", "master", "fix/" + rng.choice(SERVICES))),
    }
    if rng.random() < 0.5:
        envelope |= {
            "type": "assistant",
            "message": {
                "model": "claude-opus-4-6",
                "id": msg_id(rng),
                "type": "message",
                "role": "assistant",
                "content": [{"type": "text", "text": text}],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {
                    "input_tokens": rng.randrange(1, 9),
                    "cache_read_input_tokens": rng.randrange(10_000, 90_000),
                    "output_tokens": rng.randrange(40, 900),
                    "service_tier": "standard",
                },
            },
            "requestId": req_id(rng, "anthropic"),
        }
    else:
        file_path = f"{envelope['cwd']}/{rng.choice(('NOTES.md', 'docs/runbook.md', 'README.md', 'issue.md', 'thread.txt'))}"
        envelope |= {
            "type": "user",
            "message": {
                "role": "user",
                "content": [{"tool_use_id": toolu(rng), "type": "tool_result", "content": text}],
            },
            "toolUseResult": {
                "type": "text",
                "file": {
                    "filePath": file_path,
                    "content": text,
                    "numLines": text.count("\n") + 1,
                    "startLine": 1,
                    "totalLines": text.count("\n") + 1,
                },
            },
        }
    envelope |= {"uuid": uuid4(rng), "timestamp": ts(rng)}
    return _dumps(envelope), 1


def _codex_rollout(text: str, rng: R) -> tuple[str, int]:
    output = _dumps(
        {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(rng.uniform(0.01, 2.0), 1)}}
    )
    line = _dumps(
        {
            "timestamp": ts(rng),
            "type": "response_item",
            "payload": {"type": "function_call_output", "call_id": call_id(rng), "output": output},
        }
    )
    return line, 2


def _codex_exec(text: str, rng: R) -> tuple[str, int]:
    command = rng.choice(
        (
            "bash -lc 'cat notes.md'",
            "bash -lc 'gh issue view 412 --comments'",
            "bash -lc 'cat docs/runbook.md'",
            "bash -lc \"sed -n '1,120p' thread.txt\"",
        )
    )
    line = _dumps(
        {
            "type": "item.completed",
            "item": {
                "id": f"item_{rng.randrange(1, 40)}",
                "type": "command_execution",
                "command": command,
                "aggregated_output": text,
                "exit_code": 0,
                "status": "completed",
            },
        }
    )
    return line, 1


def _mcp_result(text: str, rng: R) -> tuple[str, int]:
    line = _dumps(
        {
            "jsonrpc": "2.0",
            "id": rng.randrange(1, 300),
            "result": {"content": [{"type": "text", "text": text}], "isError": False},
        }
    )
    return line, 1


ENVELOPES = (_claude_stream, _claude_transcript, _codex_rollout, _codex_exec, _mcp_result)


def _escaped(secret: str, times: int) -> str:
    for _ in range(times):
        secret = _escape(secret)
    return secret


def corpus(seed: int, copies: int = 6) -> list[Document]:
    documents: list[Document] = []
    for index, (context, kind, template) in enumerate(TEMPLATES):
        rng = random.Random(seed * 1_000_003 + index)
        split = "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"
        positive = "{{s:" in template
        for copy in range(2 * copies):
            for _attempt in range(60):
                text, secrets = instantiate(template, rng)
                if copy >= copies:
                    text, times = ENVELOPES[(index + copy) % len(ENVELOPES)](text, rng)
                    secrets = [_escaped(secret, times) for secret in secrets]
                if _fair(text, secrets):
                    break
            else:
                raise AssertionError(
                    f"template {index} ({kind}): a planted secret is not fair after 60 draws"
                )
            assert bool(secrets) == positive, (index, kind)
            doc_context = context if copy < copies else "json"
            documents.append(Document(text, secrets, doc_context, kind, split, template))
    return documents


def main() -> None:
    by_context = {context: [0, 0] for context in CONTEXTS}
    for context, _kind, template in TEMPLATES:
        by_context[context][0 if "{{s:" in template else 1] += 1
    print(f"{'context':8} {'positive':>8} {'negative':>8}")
    for context, (pos, neg) in by_context.items():
        print(f"{context:8} {pos:8d} {neg:8d}")
    pos = sum(p for p, _ in by_context.values())
    neg = sum(n for _, n in by_context.values())
    print(f"{'all':8} {pos:8d} {neg:8d}")
    documents = corpus(83)
    planted = sum(len(doc.secrets) for doc in documents)
    negatives = sum(not doc.secrets for doc in documents)
    print(f"documents: {len(documents)} ({negatives} without secrets), planted secrets: {planted}")
    kinds = {kind for _, kind, _ in TEMPLATES}
    print(
        f"kinds: {len(kinds)}, splits: dev {sum(d.split == 'dev' for d in documents)}, holdout {sum(d.split == 'holdout' for d in documents)}"
    )


if __name__ == "__main__":
    main()
