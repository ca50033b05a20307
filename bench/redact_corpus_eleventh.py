"""An eleventh labelled corpus for the redactor: secrets as they sit in source code and in build and
infrastructure code, the code an agent reads, greps and edits.

Written apart from the redactor's rules and from the other corpora (issue 15). It leans on the languages
and tools the earlier corpora sampled least (Kotlin, Swift, Objective-C, Dart, Scala, Clojure, Elixir,
Erlang, Haskell, OCaml, F#, C#, VB.NET, C and C++, Rust, Zig, Nim, Lua, Perl, R, Julia, MATLAB, Fortran,
COBOL, PowerShell, shells, Groovy and Gradle, Make, CMake, Bazel, Nix, Dockerfiles, Terraform and Pulumi,
Ansible, Chef, Puppet, Salt, SQL) and on the shapes secrets take in code: builder calls, named arguments,
annotations, struct and map literals, heredocs, raw and multi-line strings, strings concatenated across
lines, char and byte arrays, hex and base64 constants, test fixtures, seeds in migrations and
commented-out code. The negatives are mostly code of the same kind that handles secrets without holding
one: environment lookups, secret-manager calls, config binding, hashing code and its public test
vectors, public keys and pins, digests, ids, placeholders, token regexes and validators, and error
messages that name a missing secret.

Contexts: ``source`` (code), ``shell`` (scripts), ``yaml`` (pipelines, IaC), ``json`` (manifests,
launch configs, appsettings; and every template again JSON-escaped inside an agent-log line), ``url``
(connection URLs in code) and ``plain`` (``grep -rn`` hits, compiler and linter output quoting a line).

Template syntax
---------------
Placeholders sit between guillemets; everything else is copied as it is::

    «gen» «gen:a,b»       a value from generator ``gen`` (with arguments) that is NOT a secret
    «!gen» «!gen:a»       the same, but a secret: its text (after transforms) must not survive
    «...@name»            also binds the value to ``name``
    «=name»               the bound value again, unchanged (a bound secret stays one secret)
    «!=name|tr»           the bound value through transforms, recorded as a further secret
    «=name|tr»            the bound value through transforms, not a secret (a digest of it, say)
    «~gen@name»           draws and binds a value but writes nothing
    «...|tr|tr:arg»       transforms, applied left to right (see ``TRANSFORMS``)

Generators (``GEN``) build every value at run time from random parts: provider prefixes are joined
from pieces (``PREFIX``), PEM armour is assembled (``_armour``), so this file holds no secret-shaped
literal. A template is a positive when it holds at least one ``!`` placeholder, a negative otherwise.
``corpus()`` checks that every planted secret occurs in its document, and that no half of a secret
already shows in the rest of the document (else a redacted secret would still count as leaked): a
draw that fails the check is drawn again from the same random stream.
"""

# ruff: noqa: E501, W291, SIM905 - templates are code and tool output kept as written (long lines, the
# trailing tab of `cat -n` on an empty line), and word lists read better as one string
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
import textwrap
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

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


# --------------------------------------------------------------------------------------------------
# Alphabets and parts

LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
ALNUM = string.ascii_letters + string.digits
LOWER_ALNUM = LOWER + DIGITS
UPPER_ALNUM = UPPER + DIGITS
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
B32 = UPPER + "234567"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
DASH = "-" * 5
PRIVATE_KEY = "PRIVATE" + " KEY"

# Provider prefixes, joined at run time.
PREFIX = {
    "ghp": "gh" + "p_",
    "gho": "gh" + "o_",
    "ghs": "gh" + "s_",
    "ghu": "gh" + "u_",
    "ghr": "gh" + "r_",
    "ghpat": "github" + "_pat_",
    "glpat": "gl" + "pat-",
    "glrt": "gl" + "rt-",
    "glptt": "gl" + "ptt-",
    "gldt": "gl" + "dt-",
    "akia": "AK" + "IA",
    "asia": "AS" + "IA",
    "xoxb": "xo" + "xb-",
    "xoxp": "xo" + "xp-",
    "xapp": "xa" + "pp-1-",
    "sk_live": "sk" + "_live_",
    "sk_test": "sk" + "_test_",
    "rk_live": "rk" + "_live_",
    "pk_live": "pk" + "_live_",
    "pk_test": "pk" + "_test_",
    "whsec": "wh" + "sec_",
    "openai": "s" + "k-",
    "openai_proj": "sk-" + "proj-",
    "openai_svc": "sk-" + "svcacct-",
    "anthropic": "sk-" + "ant-" + "api03-",
    "aiza": "AI" + "za",
    "gocspx": "GOC" + "SPX-",
    "ya29": "ya" + "29.",
    "sendgrid": "S" + "G.",
    "mailgun": "ke" + "y-",
    "npm": "np" + "m_",
    "pypi": "py" + "pi-" + "AgEIcHlwaS5vcmc",
    "nuget": "o" + "y2",
    "dckr": "dc" + "kr_pat_",
    "hvs": "hv" + "s.",
    "atlas": "." + "atlasv1.",
    "dop": "do" + "p_v1_",
    "shpat": "sh" + "pat_",
    "shpss": "sh" + "pss_",
    "atatt": "ATA" + "TT3xFfGF0",
    "lin": "lin" + "_api_",
    "nrak": "NR" + "AK-",
    "hf": "h" + "f_",
    "r8": "r" + "8_",
    "gsk": "gs" + "k_",
    "glsa": "gl" + "sa_",
    "pmak": "PM" + "AK-",
    "pul": "pu" + "l-",
    "age": "AGE-" + "SECRET-" + "KEY-1",
    "age_pub": "ag" + "e1",
    "sntrys": "sn" + "trys_",
    "pscale": "psc" + "ale_pw_",
    "dopp": "dp." + "st.",
    "ops": "op" + "s_",
    "bkua": "bk" + "ua_",
    "ccipat": "CCI" + "PAT_",
    "squ": "sq" + "u_",
    "akcp": "AK" + "Cp8",
    "atbb": "AT" + "BB",
    "phc": "ph" + "c_",
    "phx": "ph" + "x_",
    "sdk": "sd" + "k-",
    "mob": "mo" + "b-",
    "fb": "EA" + "AB",
    "fcm": ":APA" + "91b",
    "mapbox_sk": "s" + "k.",
    "mapbox_pk": "p" + "k.",
    "xai": "xa" + "i-",
    "sq_access": "EAA" + "Al",
    "sq_secret": "sq0" + "csp-",
    "figma": "fig" + "d_",
    "notion": "ntn" + "_",
    "airtable": "pa" + "t",
    "rubygems": "rubygems" + "_",
    "hcloud_tf": "TF" + "_TOKEN",
    "ovh": "EU" + ".",
    "gcp_refresh": "1/" + "/0",
    "vercel": "ver" + "cel_",
    "netlify": "nfp" + "_",
    "fly": "Fly" + "V1 fm2_",
    "tailscale": "tskey-" + "auth-",
    "twilio_sid": "A" + "C",
    "twilio_key": "S" + "K",
    "ssh_ed": "ssh-" + "ed25519",
    "ssh_rsa": "ssh-" + "rsa",
    "ansible": "$ANSIBLE" + "_VAULT;1.1;AES256",
    "enc": "EN" + "C[AES256_GCM,",
    "bcrypt": "$2" + "b$",
    "argon": "$argon" + "2id$v=19$",
    "ph_pk": "ph" + "c_",
}

WORDS = (
    "amber anchor apple arrow autumn badger bamboo banjo basil beacon birch biscuit blossom bluebird "
    "bonfire breeze bronze bubble buffalo butter cactus canyon cherry cinnamon clover cobalt comet copper "
    "coral cosmos cricket crystal daisy dolphin dragon ember falcon fern firefly forest fox galaxy garden "
    "ginger glacier gopher granite harbor hazel hickory honey horizon island ivy jaguar jasmine juniper "
    "kayak kestrel kiwi lagoon lantern lemon lilac lizard lobster lotus mango maple marble meadow mercury "
    "meteor mint monkey moose mountain nebula nectar nutmeg oak ocean olive onyx orchid otter panda panther "
    "papaya parrot peach pebble pepper pickle pine pirate planet plum pumpkin quartz rabbit raven ribbon "
    "river robin rocket saffron salmon sapphire saturn shadow sierra silver sparrow spruce squirrel "
    "summer sunset swallow thunder tiger tulip turtle velvet violet walnut willow winter wolf zebra"
).split()

# Words from the BIP-39 English list, for seed phrases.
BIP39 = (
    "abandon ability able about above absent absorb abstract absurd abuse access accident account accuse "
    "achieve acid acoustic acquire across act action actor actress actual adapt add addict address adjust "
    "admit adult advance advice aerobic affair afford afraid again age agent agree ahead aim air airport "
    "aisle alarm album alcohol alert alien all alley allow almost alone alpha already also alter always "
    "amateur amazing among amount amused analyst anchor ancient anger angle angry animal ankle announce "
    "annual another answer antenna antique anxiety apart apology appear apple approve april arch arctic "
    "area arena argue arm armed armor army around arrange arrest arrive arrow art artist artwork ask aspect "
    "assault asset assist assume asthma athlete atom attack attend attitude attract auction audit august "
    "aunt author auto autumn average avocado avoid awake aware away awesome awful awkward axis baby bachelor "
    "bacon badge bag balance balcony ball bamboo banana banner bar barely bargain barrel base basic basket "
    "battle beach bean beauty because become beef before begin behave behind believe below belt bench "
    "benefit best betray better between beyond bicycle bid bike bind biology bird birth bitter black blade "
    "blame blanket blast bleak bless blind blood blossom blouse blue blur blush board boat body boil bomb "
    "bone bonus book boost border boring borrow boss bottom bounce box boy bracket brain brand brass brave "
    "bread breeze brick bridge brief bright bring brisk broccoli broken bronze broom brother brown brush "
    "bubble buddy budget buffalo build bulb bulk bullet bundle bunker burden burger burst bus business busy "
    "butter buyer buzz cabbage cabin cable cactus cage cake call calm camera camp canal cancel candy cannon "
    "canoe canvas canyon capable capital captain car carbon card cargo carpet carry cart case cash casino "
    "castle casual cat catalog catch category cattle caught cause caution cave ceiling celery cement census "
    "century cereal certain chair chalk champion change chaos chapter charge chase chat cheap check cheese "
    "chef cherry chest chicken chief child chimney choice choose chronic chuckle chunk churn cigar cinnamon "
    "circle citizen city civil claim clap clarify claw clay clean clerk clever click client cliff climb "
    "clinic clip clock clog close cloth cloud clown club clump cluster clutch coach coast coconut code "
    "coffee coil coin collect color column combine come comfort comic common company concert conduct "
    "confirm congress connect consider control convince cook cool copper copy coral core corn correct "
    "cost cotton couch country couple course cousin cover coyote crack cradle craft cram crane crash crater"
).split()

USERS = (
    "admin app appuser svc_app deploy ci jenkins gitlab-runner etl reporting readonly analytics root "
    "postgres sa dbadmin backend api_service webapp orders billing build release ops mlops grafana"
).split()
HOSTS = (
    "db.internal prod-db-01.cluster-c8x2k.eu-west-1.rds.amazonaws.com pg-primary.svc.cluster.local "
    "mysql.staging.corp 10.0.4.17 redis-master.cache.local mongo-0.mongo.default.svc sql-prod.database.windows.net "
    "rabbit.mq.internal kafka-1.broker.lan ldap.corp.example.com smtp.mailgun.org build.example.net "
    "artifacts.acme.io nexus.internal.acme.io db-replica-2.int.example.org"
).split()
NAMES = "alice bob carol dave erin frank grace heidi ivan judy mallory oscar peggy trent victor wendy".split()
PROJECTS = "orders billing checkout ledger inventory payments atlas hermes zephyr falcon nimbus orion".split()


def _r(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b64(rng: random.Random, nbytes: int) -> str:
    return base64.b64encode(rng.randbytes(nbytes)).decode()


def _armour(label: str, body: str, width: int = 64, headers: str = "") -> str:
    lines = [body[i : i + width] for i in range(0, len(body), width)]
    return "\n".join(
        [f"{DASH}BEGIN {label}{DASH}", *([headers] if headers else []), *lines, f"{DASH}END {label}{DASH}"]
    )


def _fill(rng: random.Random, head: str, total: int, alphabet: str = B64) -> str:
    return head + _r(rng, alphabet, max(0, total - len(head)))


def _json_b64url(obj: object) -> str:
    raw = json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# --------------------------------------------------------------------------------------------------
# Generators: name -> f(rng, *args) -> str


def g_pw(rng: random.Random, style: str = "human") -> str:
    """Passwords: as people choose them (words, years, symbols) or as managers generate them."""
    symbols = "!*._-@#%+?"
    if style == "safe":  # no character that needs quoting in a Makefile, YAML plain scalar or URL
        symbols = "!*._-"
        style = "human"
    if style == "human":
        shape = rng.randrange(7)
        w = rng.choice(WORDS)
        if shape == 0:
            return w.capitalize() + str(rng.randint(1970, 2025)) + rng.choice(symbols)
        if shape == 1:
            return (
                rng.choice(WORDS).capitalize()
                + rng.choice(symbols)
                + w.capitalize()
                + str(rng.randint(10, 99))
            )
        if shape == 2:
            leet = w.replace("a", "@").replace("o", "0").replace("e", "3").replace("i", "1")
            return leet.capitalize() + rng.choice(symbols) + str(rng.randint(100, 9999))
        if shape == 3:
            return "-".join(rng.sample(WORDS, 4))
        if shape == 4:
            return (
                rng.choice(NAMES).capitalize()
                + rng.choice(["Loves", "And", "4"])
                + w.capitalize()
                + str(rng.randint(1, 99))
                + rng.choice(symbols)
            )
        if shape == 5:
            return (
                w.capitalize()
                + rng.choice(WORDS).capitalize()
                + rng.choice(symbols)
                + str(rng.randint(1000, 9999))
            )
        return (
            rng.choice(["Spring", "Summer", "Autumn", "Winter"])
            + rng.choice(WORDS).capitalize()
            + str(rng.randint(2015, 2025))
            + rng.choice(symbols)
        )
    if style == "rand":
        return _r(rng, ALNUM + "!*._-@#%+?^&", rng.randint(16, 28))
    if style == "alnum":
        return _r(rng, ALNUM, rng.randint(16, 32))
    if style == "hex":
        return _r(rng, HEX, 32)
    if style == "words":
        return rng.choice(["-", ".", "_"]).join(rng.sample(WORDS, rng.randint(3, 5)))
    raise ValueError(style)


def g_gh(rng: random.Random, kind: str = "p") -> str:
    return PREFIX["gh" + kind] + _r(rng, ALNUM, 36)


def g_ghpat(rng: random.Random) -> str:
    return PREFIX["ghpat"] + _r(rng, UPPER_ALNUM, 22) + "_" + _r(rng, ALNUM, 59)


def g_glpat(rng: random.Random, kind: str = "pat") -> str:
    return PREFIX["gl" + kind] + _r(rng, B64URL, 20)


def g_aws_id(rng: random.Random, kind: str = "akia") -> str:
    return PREFIX[kind] + _r(rng, B32, 16)


def g_aws_secret(rng: random.Random) -> str:
    return _r(rng, ALNUM + "+/", 40)


def g_aws_session(rng: random.Random) -> str:
    head = rng.choice(["IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE", "IQoJb3JpZ2luX2VjEP"])
    return _fill(rng, head, rng.choice([356, 392, 428, 604]), B64)


def g_slack(rng: random.Random, kind: str = "bot") -> str:
    if kind == "bot":
        return (
            PREFIX["xoxb"]
            + f"{rng.randint(10**10, 10**13)}-{rng.randint(10**10, 10**13)}-"
            + _r(rng, ALNUM, 24)
        )
    if kind == "user":
        return (
            PREFIX["xoxp"]
            + f"{rng.randint(10**10, 10**13)}-{rng.randint(10**10, 10**13)}-{rng.randint(10**10, 10**13)}-"
            + _r(rng, HEX, 32)
        )
    return (
        PREFIX["xapp"]
        + "A"
        + _r(rng, UPPER_ALNUM, 10)
        + f"-{rng.randint(10**12, 10**13)}-"
        + _r(rng, HEX, 64)
    )


def g_slack_hook(rng: random.Random) -> str:
    return (
        "https://hooks.slack.com/services/T"
        + _r(rng, UPPER_ALNUM, rng.choice([8, 10]))
        + "/B"
        + _r(rng, UPPER_ALNUM, rng.choice([8, 10]))
        + "/"
        + _r(rng, ALNUM, 24)
    )


def g_discord_hook(rng: random.Random) -> str:
    return f"https://discord.com/api/webhooks/{rng.randint(10**17, 10**19)}/" + _r(rng, B64URL, 68)


def g_discord_bot(rng: random.Random) -> str:
    ident = base64.b64encode(str(rng.randint(10**17, 10**19)).encode()).decode().rstrip("=")
    return ident + "." + _r(rng, B64URL, 6) + "." + _r(rng, B64URL, 38)


def g_teams_hook(rng: random.Random) -> str:
    org = rng.choice(["contoso", "acmecorp", "fabrikam", "northwind"])
    return f"https://{org}.webhook.office.com/webhookb2/{g_uuid(rng)}@{g_uuid(rng)}/IncomingWebhook/{_r(rng, HEX, 32)}/{g_uuid(rng)}/V2{_r(rng, B64URL, 43)}"


def g_gchat_hook(rng: random.Random) -> str:
    return (
        "https://chat.googleapis.com/v1/spaces/AAAA"
        + _r(rng, B64URL, 7)
        + "/messages?key="
        + PREFIX["aiza"]
        + "Sy"
        + _r(rng, B64URL, 33)
        + "&token="
        + _r(rng, B64URL, 43)
        + "%3D"
    )


def g_stripe(rng: random.Random, kind: str = "sk_live") -> str:
    if rng.random() < 0.5:
        return PREFIX[kind] + _r(rng, ALNUM, 24)
    return PREFIX[kind] + "51" + _r(rng, ALNUM, 97)


def g_whsec(rng: random.Random) -> str:
    return PREFIX["whsec"] + _r(rng, ALNUM, 32)


def g_openai(rng: random.Random, kind: str = "proj") -> str:
    if kind == "legacy":
        return PREFIX["openai"] + _r(rng, ALNUM, 20) + "T3Blbk" + "FJ" + _r(rng, ALNUM, 20)
    if kind == "svc":
        return PREFIX["openai_svc"] + _r(rng, B64URL, 74) + "T3Blbk" + "FJ" + _r(rng, B64URL, 74)
    return PREFIX["openai_proj"] + _r(rng, B64URL, 74) + "T3Blbk" + "FJ" + _r(rng, B64URL, 74)


def g_anthropic(rng: random.Random) -> str:
    return PREFIX["anthropic"] + _r(rng, B64URL, 93) + "AA"


def g_google_key(rng: random.Random) -> str:
    return PREFIX["aiza"] + "Sy" + _r(rng, B64URL, 33)


def g_gocspx(rng: random.Random) -> str:
    return PREFIX["gocspx"] + _r(rng, B64URL, 28)


def g_google_client_id(rng: random.Random) -> str:
    return f"{rng.randint(10**11, 10**12 - 1)}-{_r(rng, LOWER_ALNUM, 32)}.apps.googleusercontent.com"


def g_google_refresh(rng: random.Random) -> str:
    return PREFIX["gcp_refresh"] + _r(rng, B64URL, 2) + _r(rng, B64URL, 99)


def g_google_access(rng: random.Random) -> str:
    return PREFIX["ya29"] + "a0" + _r(rng, B64URL, 160)


def g_azure_key(rng: random.Random) -> str:
    return _b64(rng, 64)


def g_azure_sig(rng: random.Random) -> str:
    return quote(_b64(rng, 32), safe="")


def g_azure_secret(rng: random.Random) -> str:
    return _r(rng, ALNUM, 3) + "8Q~" + _r(rng, ALNUM + "_.~-", 34)


def g_twilio_sid(rng: random.Random, kind: str = "twilio_sid") -> str:
    return PREFIX[kind] + _r(rng, HEX, 32)


def g_sendgrid(rng: random.Random) -> str:
    return PREFIX["sendgrid"] + _r(rng, B64URL, 22) + "." + _r(rng, B64URL, 43)


def g_mailgun(rng: random.Random) -> str:
    return PREFIX["mailgun"] + _r(rng, HEX, 32)


def g_mailchimp(rng: random.Random) -> str:
    return _r(rng, HEX, 32) + f"-us{rng.randint(1, 21)}"


def g_npm(rng: random.Random) -> str:
    return PREFIX["npm"] + _r(rng, ALNUM, 36)


def g_pypi(rng: random.Random) -> str:
    return PREFIX["pypi"] + "CJ" + _r(rng, B64URL, rng.choice([150, 164, 170]))


def g_nuget(rng: random.Random) -> str:
    return PREFIX["nuget"] + _r(rng, LOWER_ALNUM, 43)


def g_dockerhub(rng: random.Random) -> str:
    return PREFIX["dckr"] + _r(rng, B64URL, 27)


def g_vault(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return PREFIX["hvs"] + _r(rng, ALNUM, 24)
    return PREFIX["hvs"] + "CAESI" + _r(rng, B64URL, 86)


def g_tfc(rng: random.Random) -> str:
    return _r(rng, ALNUM, 14) + PREFIX["atlas"] + _r(rng, ALNUM + "-_", 67)


def g_do(rng: random.Random) -> str:
    return PREFIX["dop"] + _r(rng, HEX, 64)


def g_shopify(rng: random.Random, kind: str = "shpat") -> str:
    return PREFIX[kind] + _r(rng, HEX, 32)


def g_atlassian(rng: random.Random) -> str:
    return PREFIX["atatt"] + _r(rng, B64URL, 171) + "=" + _r(rng, "0123456789ABCDEF", 8)


def g_linear(rng: random.Random) -> str:
    return PREFIX["lin"] + _r(rng, ALNUM, 40)


def g_newrelic(rng: random.Random, kind: str = "user") -> str:
    if kind == "license":
        return _r(rng, HEX, 36) + "NRAL"
    return PREFIX["nrak"] + _r(rng, UPPER_ALNUM, 27)


def g_hf(rng: random.Random) -> str:
    return PREFIX["hf"] + _r(rng, string.ascii_letters, 34)


def g_replicate(rng: random.Random) -> str:
    return PREFIX["r8"] + _r(rng, ALNUM, 37)


def g_groq(rng: random.Random) -> str:
    return PREFIX["gsk"] + _r(rng, ALNUM, 52)


def g_xai(rng: random.Random) -> str:
    return PREFIX["xai"] + _r(rng, ALNUM, 80)


def g_telegram(rng: random.Random) -> str:
    return f"{rng.randint(10**8, 10**10)}:AA" + _r(rng, B64URL, 33)


def g_jwt(rng: random.Random, kind: str = "user") -> str:
    now = rng.randint(1_690_000_000, 1_760_000_000)
    alg = "HS256"
    if kind in ("anon", "service_role"):
        payload: dict[str, object] = {
            "iss": "supabase",
            "ref": _r(rng, LOWER, 20),
            "role": kind,
            "iat": now,
            "exp": now + 315_360_000,
        }
    elif kind == "k8s":
        alg = "RS256"
        ns = rng.choice(["default", "ci", "monitoring", "kube-system"])
        sa = rng.choice(["deployer", "argocd-manager", "gitlab-runner", "prometheus"])
        payload = {
            "iss": "kubernetes/serviceaccount",
            "kubernetes.io/serviceaccount/namespace": ns,
            "kubernetes.io/serviceaccount/secret.name": f"{sa}-token-{_r(rng, LOWER_ALNUM, 5)}",
            "kubernetes.io/serviceaccount/service-account.name": sa,
            "kubernetes.io/serviceaccount/service-account.uid": g_uuid(rng),
            "sub": f"system:serviceaccount:{ns}:{sa}",
        }
    elif kind == "service":
        alg = "RS256"
        payload = {
            "iss": f"https://auth.{rng.choice(PROJECTS)}.io/",
            "sub": f"{_r(rng, ALNUM, 32)}@clients",
            "aud": "https://api." + rng.choice(PROJECTS) + ".io",
            "iat": now,
            "exp": now + 86400,
            "gty": "client-credentials",
            "azp": _r(rng, ALNUM, 32),
        }
    else:
        payload = {
            "sub": str(rng.randint(1000, 999999)),
            "name": rng.choice(NAMES).capitalize(),
            "role": rng.choice(["admin", "user", "editor"]),
            "iat": now,
            "exp": now + rng.choice([3600, 86400, 2592000]),
        }
    sig = _r(rng, B64URL, 342 if alg == "RS256" else 43)
    return _json_b64url({"alg": alg, "typ": "JWT"}) + "." + _json_b64url(payload) + "." + sig


def g_pem(rng: random.Random, kind: str = "rsa") -> str:
    if kind == "rsa":
        return _armour(
            "RSA " + PRIVATE_KEY, _fill(rng, rng.choice(["MIIEowIBAAKCAQEA", "MIIEpAIBAAKCAQEA"]), 1588)
        )
    if kind == "pkcs8":
        return _armour(PRIVATE_KEY, _fill(rng, "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQ", 1624))
    if kind == "ec":
        body = "MHcCAQEEI" + _r(rng, B64, 34) + "oAoGCCqGSM49AwEHoUQDQgAE" + _r(rng, B64, 86) + "=="
        return _armour("EC " + PRIVATE_KEY, body)
    if kind == "p8":
        return _armour(PRIVATE_KEY, _fill(rng, "MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg", 200))
    if kind == "openssh":
        head = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACD"
        return _armour("OPENSSH " + PRIVATE_KEY, _fill(rng, head, 396), width=70)
    if kind == "pgp":
        body = _fill(rng, "lQdGBG" + _r(rng, ALNUM, 6), 1920)
        lines = [body[i : i + 64] for i in range(0, len(body), 64)]
        return "\n".join(
            [
                f"{DASH}BEGIN PGP {PRIVATE_KEY} BLOCK{DASH}",
                "",
                *lines,
                "=" + _r(rng, B64, 4),
                f"{DASH}END PGP {PRIVATE_KEY} BLOCK{DASH}",
            ]
        )
    raise ValueError(kind)


def g_pub(rng: random.Random, kind: str = "rsa") -> str:
    """Public halves: PEM public keys and certificates (not secrets)."""
    if kind == "rsa":
        return _armour(
            "PUBLIC KEY", _fill(rng, "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", 386) + "IDAQAB"
        )
    if kind == "ec":
        return _armour("PUBLIC KEY", _fill(rng, "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", 124))
    if kind == "cert":
        return _armour(
            "CERTIFICATE",
            _fill(
                rng,
                "MIIDazCCAlOgAwIBAgIU" + _r(rng, B64, 27) + "MA0GCSqGSIb3DQEBCwUAMEUxCzAJBgNVBAYTAkFV",
                1152,
            )
            + "==",
        )
    raise ValueError(kind)


def g_ssh_pub(rng: random.Random, kind: str = "ed") -> str:
    who = f"{rng.choice(NAMES)}@{rng.choice(['laptop', 'build-01', 'ci', 'MacBook-Pro.local'])}"
    if kind == "rsa":
        return PREFIX["ssh_rsa"] + " AAAAB3NzaC1yc2EAAAADAQABAAABgQ" + _r(rng, B64, 514) + " " + who
    return PREFIX["ssh_ed"] + " AAAAC3NzaC1lZDI1NTE5AAAAI" + _r(rng, B64, 43) + " " + who


def g_ppk(rng: random.Random) -> str:
    """The private lines of a PuTTY key file (the secret part of it)."""
    body = _fill(rng, "AAAAI", 44)
    return body


def g_mnemonic(rng: random.Random, n: str = "12") -> str:
    return " ".join(rng.choice(BIP39) for _ in range(int(n)))


def g_eth_key(rng: random.Random) -> str:
    return "0x" + _r(rng, HEX, 64)


def g_solana_keypair(rng: random.Random) -> str:
    return "[" + ",".join(str(rng.randrange(256)) for _ in range(64)) + "]"


def g_userpass(rng: random.Random, user: str = "", style: str = "human") -> str:
    return (user or rng.choice(USERS)) + ":" + g_pw(rng, style)


def g_cookie(rng: random.Random, kind: str = "rails") -> str:
    if kind == "rails":
        return quote(_b64(rng, rng.choice([96, 144, 192])), safe="") + "--" + _r(rng, HEX, 40)
    if kind == "django":
        return _r(rng, LOWER_ALNUM, 32)
    if kind == "express":
        return "s%3A" + _r(rng, B64URL, 32) + "." + quote(_r(rng, B64, 43), safe="")
    if kind == "php":
        return _r(rng, LOWER_ALNUM, 26)
    if kind == "java":
        return _r(rng, "0123456789ABCDEF", 32)
    if kind == "laravel":
        return quote(
            base64.b64encode(
                json.dumps(
                    {"iv": _b64(rng, 16), "value": _b64(rng, 48), "mac": _r(rng, HEX, 64), "tag": ""},
                    separators=(",", ":"),
                ).encode()
            ).decode(),
            safe="",
        )
    if kind == "flask":
        return "." + _r(rng, B64URL, 60) + "." + _r(rng, B64URL, 6) + "." + _r(rng, B64URL, 27)
    raise ValueError(kind)


def g_django_key(rng: random.Random) -> str:
    return _r(rng, LOWER_ALNUM + "!@#%^&*(-_=+)", 50)


def g_erlang_cookie(rng: random.Random) -> str:
    return _r(rng, UPPER, 20)


def g_age(rng: random.Random, kind: str = "secret") -> str:
    if kind == "pub":
        return PREFIX["age_pub"] + _r(rng, BECH32, 58)
    return PREFIX["age"] + _r(rng, BECH32.upper(), 58)


def g_sentry_auth(rng: random.Random) -> str:
    claims = {
        "iat": rng.randint(1_700_000_000, 1_760_000_000),
        "url": "https://sentry.io",
        "region_url": "https://us.sentry.io",
        "org": rng.choice(PROJECTS),
    }
    return (
        PREFIX["sntrys"]
        + base64.b64encode(json.dumps(claims, separators=(",", ":")).encode()).decode().rstrip("=")
        + "_"
        + _r(rng, B64URL, 43)
    )


def g_sentry_dsn(rng: random.Random) -> str:
    return f"https://{_r(rng, HEX, 32)}@o{rng.randint(100000, 4999999)}.ingest.{rng.choice(['', 'us.', 'de.'])}sentry.io/{rng.randint(1000000, 4999999)}"


def g_simple(prefix: str, alphabet: str, n: int) -> Callable[[random.Random], str]:
    def gen(rng: random.Random) -> str:
        return PREFIX.get(prefix, prefix) + _r(rng, alphabet, n)

    return gen


def g_tfc_like(rng: random.Random) -> str:
    return g_tfc(rng)


def g_fcm(rng: random.Random) -> str:
    return "AAAA" + _r(rng, B64URL, 7) + PREFIX["fcm"] + _r(rng, B64URL, 134)


def g_fb(rng: random.Random) -> str:
    return PREFIX["fb"] + _r(rng, ALNUM, rng.choice([160, 180, 200]))


def g_mapbox(rng: random.Random, kind: str = "pk") -> str:
    user = rng.choice(NAMES) + rng.choice(["", "-maps", "dev"])
    body = _json_b64url({"u": user, "a": _r(rng, LOWER_ALNUM, 25)})
    return PREFIX["mapbox_" + kind] + body + "." + _r(rng, B64URL, 22)


def g_recaptcha(rng: random.Random) -> str:
    return "6L" + _r(rng, B64URL, 2) + "AAAAA" + _r(rng, B64URL, 31)


def g_clerk_pk(rng: random.Random) -> str:
    host = f"clerk.{rng.choice(PROJECTS)}.dev$"
    return PREFIX[rng.choice(["pk_live", "pk_test"])] + base64.b64encode(host.encode()).decode().rstrip("=")


def g_vapid(rng: random.Random, kind: str = "private") -> str:
    if kind == "public":
        return "B" + _r(rng, B64URL, 86)
    return _r(rng, B64URL, 43)


def g_wg(rng: random.Random) -> str:
    return _b64(rng, 32)


def g_kubeadm(rng: random.Random) -> str:
    return _r(rng, LOWER_ALNUM, 6) + "." + _r(rng, LOWER_ALNUM, 16)


def g_jfrog(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return PREFIX["akcp"] + _r(rng, ALNUM, 64)
    return "cmVmdGtuOjAxOjE3" + _r(rng, ALNUM, 48)


def g_square(rng: random.Random, kind: str = "access") -> str:
    if kind == "secret":
        return PREFIX["sq_secret"] + _r(rng, B64URL, 43)
    return PREFIX["sq_access"] + _r(rng, B64URL, 62)


def g_tailscale(rng: random.Random) -> str:
    return PREFIX["tailscale"] + _r(rng, ALNUM, 17) + "CNTRL-" + _r(rng, ALNUM, 33)


def g_figma(rng: random.Random) -> str:
    return PREFIX["figma"] + _r(rng, B64URL, 40)


def g_notion(rng: random.Random) -> str:
    return PREFIX["notion"] + _r(rng, DIGITS, 12) + _r(rng, ALNUM, 34)


def g_airtable(rng: random.Random) -> str:
    return PREFIX["airtable"] + _r(rng, ALNUM, 14) + "." + _r(rng, HEX, 64)


def g_fly(rng: random.Random) -> str:
    return PREFIX["fly"] + _r(rng, B64, 300) + "==,fm2_" + _r(rng, B64, 120)


def g_vercel(rng: random.Random) -> str:
    return _r(rng, ALNUM, 24)


def g_netlify(rng: random.Random) -> str:
    return PREFIX["netlify"] + _r(rng, ALNUM, 36)


def g_hexk(rng: random.Random, n: str = "32") -> str:
    return _r(rng, HEX, int(n))


def g_hexu(rng: random.Random, n: str = "32") -> str:
    return _r(rng, "0123456789ABCDEF", int(n))


def g_alnum(rng: random.Random, n: str = "32") -> str:
    return _r(rng, ALNUM, int(n))


def g_lalnum(rng: random.Random, n: str = "32") -> str:
    return _r(rng, LOWER_ALNUM, int(n))


def g_ualnum(rng: random.Random, n: str = "10") -> str:
    return _r(rng, UPPER_ALNUM, int(n))


def g_b64k(rng: random.Random, nbytes: str = "32") -> str:
    return _b64(rng, int(nbytes))


def g_b64urlk(rng: random.Random, n: str = "43") -> str:
    return _r(rng, B64URL, int(n))


def g_digits(rng: random.Random, n: str = "6") -> str:
    return str(rng.randint(1, 9)) + _r(rng, DIGITS, int(n) - 1)


def g_rails_master(rng: random.Random) -> str:
    return _r(rng, HEX, 32)


def g_laravel(rng: random.Random) -> str:
    return "base64:" + _b64(rng, 32)


# Values that are not secrets ---------------------------------------------------------------------


def g_uuid(rng: random.Random, case: str = "lower") -> str:
    h = _r(rng, HEX, 32)
    u = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"
    return u.upper() if case == "upper" else u


def g_int(rng: random.Random, lo: str = "1", hi: str = "999") -> str:
    if ":" in lo:
        lo, hi = lo.split(":")
    return str(rng.randint(int(lo), int(hi)))


def g_pick(rng: random.Random, *options: str) -> str:
    return rng.choice(options)


def g_ts(rng: random.Random, style: str = "iso") -> str:
    y, mo, d = rng.randint(2023, 2025), rng.randint(1, 12), rng.randint(1, 28)
    h, mi, s = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    if style == "date":
        return f"{y}-{mo:02d}-{d:02d}"
    if style == "log":
        return f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d},{rng.randint(0, 999):03d}"
    if style == "ymd":
        return f"{y}{mo:02d}{d:02d}"
    if style == "epoch":
        return str(rng.randint(1_690_000_000, 1_760_000_000))
    if style == "migration":
        return f"{y}{mo:02d}{d:02d}{h:02d}{mi:02d}{s:02d}"
    return f"{y}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}.{rng.randint(0, 999):03d}Z"


def g_sha(rng: random.Random, kind: str = "256") -> str:
    return _r(rng, HEX, {"1": 40, "256": 64, "md5": 32, "512": 128, "short": 7, "git": 40}[kind])


def g_sri(rng: random.Random, kind: str = "512") -> str:
    return f"sha{kind}-" + _b64(rng, int(kind) // 8)


def g_gosum(rng: random.Random) -> str:
    return "h1:" + _b64(rng, 32)


def g_pin(rng: random.Random) -> str:
    return "sha256/" + _b64(rng, 32)


def g_fpr(rng: random.Random, kind: str = "ssh") -> str:
    if kind == "pgp":
        h = _r(rng, "0123456789ABCDEF", 40)
        return " ".join(h[i : i + 4] for i in range(0, 40, 4))
    if kind == "md5":
        h = _r(rng, HEX, 32)
        return ":".join(h[i : i + 2] for i in range(0, 32, 2))
    if kind == "colon":
        h = _r(rng, "0123456789ABCDEF", 64)
        return ":".join(h[i : i + 2] for i in range(0, 64, 2))
    return "SHA256:" + _b64(rng, 32).rstrip("=")


def g_ansible_vault(rng: random.Random, indent: str = "0") -> str:
    pad = " " * int(indent)
    lines = [_r(rng, HEX, 80) for _ in range(rng.randint(4, 8))]
    lines.append(_r(rng, HEX, rng.randrange(2, 80, 2)))
    return PREFIX["ansible"] + "".join("\n" + pad + line for line in lines)


def g_sops(rng: random.Random, typ: str = "str") -> str:
    return (
        PREFIX["enc"]
        + f"data:{_b64(rng, rng.randint(12, 40))},iv:{_b64(rng, 32)},tag:{_b64(rng, 16)},type:{typ}]"
    )


def g_sealed(rng: random.Random) -> str:
    return "AgB" + _r(rng, B64, rng.choice([600, 700, 740])) + "=="


def g_kms_blob(rng: random.Random) -> str:
    return (
        "AQICAHh"
        + _r(rng, B64, 50)
        + "AAAAfjB8BgkqhkiG9w0BBwagbzBtAgEAMGgGCSqGSIb3DQEHATAeBglghkgBZQMEAS4wEQQM"
        + _r(rng, B64, 96)
    )


def g_bcrypt(rng: random.Random) -> str:
    return PREFIX["bcrypt"] + f"{rng.choice([10, 12])}$" + _r(rng, "./" + ALNUM, 53)


def g_argon2(rng: random.Random) -> str:
    return PREFIX["argon"] + "m=65536,t=3,p=4$" + _b64(rng, 16).rstrip("=") + "$" + _b64(rng, 32).rstrip("=")


def g_png_b64(rng: random.Random) -> str:
    return "iVBORw0KGgoAAAANSUhEUgAAA" + _r(rng, B64, rng.choice([180, 240, 320])) + "AAAAAElFTkSuQmCC"


def g_b64blob(rng: random.Random, nbytes: str = "48") -> str:
    return _b64(rng, int(nbytes))


def g_ip(rng: random.Random, kind: str = "private") -> str:
    if kind == "public":
        return f"{rng.choice([34, 35, 52, 54, 104, 142, 151, 185])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def g_host(rng: random.Random) -> str:
    return rng.choice(HOSTS)


def g_user(rng: random.Random) -> str:
    return rng.choice(USERS)


def g_name(rng: random.Random) -> str:
    return rng.choice(NAMES)


def g_email(rng: random.Random) -> str:
    return f"{rng.choice(NAMES)}.{rng.choice(['ng', 'smith', 'okafor', 'tanaka', 'muller', 'rossi'])}@{rng.choice(['example.com', 'acme.io', 'corp.example.org'])}"


def g_project(rng: random.Random) -> str:
    return rng.choice(PROJECTS)


def g_ver(rng: random.Random) -> str:
    return f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"


def g_port(rng: random.Random) -> str:
    return str(rng.choice([5432, 3306, 6379, 27017, 5672, 9092, 1433, 1521, 8080, 8443, 9200]))


def g_line(rng: random.Random) -> str:
    return str(rng.randint(3, 480))


def g_firebase_app(rng: random.Random, platform: str = "android") -> str:
    return (
        f"1:{rng.randint(10**11, 10**12 - 1)}:{platform}:{_r(rng, HEX, 16 if platform == 'android' else 22)}"
    )


def g_ga(rng: random.Random) -> str:
    return "G-" + _r(rng, UPPER_ALNUM, 10)


def g_objectid(rng: random.Random) -> str:
    return _r(rng, HEX, 24)


def g_ulid(rng: random.Random) -> str:
    return "01" + _r(rng, "0123456789ABCDEFGHJKMNPQRSTVWXYZ", 24)


def g_mask(rng: random.Random, kind: str = "stars") -> str:
    if kind == "tail":
        return "*" * rng.choice([8, 12, 20]) + _r(rng, ALNUM, 4)
    if kind == "stripe":
        return PREFIX["sk_live"] + "..." + _r(rng, ALNUM, 4)
    if kind == "gh":
        return PREFIX["ghp"] + "*" * 32 + _r(rng, ALNUM, 4)
    return "*" * rng.choice([6, 8, 10, 16])


GEN: dict[str, Callable[..., str]] = {
    # secrets (or values that are secrets when written with "!")
    "pw": g_pw,
    "gh": g_gh,
    "ghpat": g_ghpat,
    "glpat": g_glpat,
    "aws_secret": g_aws_secret,
    "aws_session": g_aws_session,
    "slack": g_slack,
    "slack_hook": g_slack_hook,
    "discord_hook": g_discord_hook,
    "discord_bot": g_discord_bot,
    "teams_hook": g_teams_hook,
    "gchat_hook": g_gchat_hook,
    "stripe": g_stripe,
    "whsec": g_whsec,
    "openai": g_openai,
    "anthropic": g_anthropic,
    "google_key": g_google_key,
    "gocspx": g_gocspx,
    "google_refresh": g_google_refresh,
    "google_access": g_google_access,
    "azure_key": g_azure_key,
    "azure_sig": g_azure_sig,
    "azure_secret": g_azure_secret,
    "sendgrid": g_sendgrid,
    "mailgun": g_mailgun,
    "mailchimp": g_mailchimp,
    "npm": g_npm,
    "pypi": g_pypi,
    "nuget": g_nuget,
    "dockerhub": g_dockerhub,
    "vault": g_vault,
    "tfc": g_tfc,
    "do": g_do,
    "shopify": g_shopify,
    "atlassian": g_atlassian,
    "linear": g_linear,
    "newrelic": g_newrelic,
    "hf": g_hf,
    "replicate": g_replicate,
    "groq": g_groq,
    "xai": g_xai,
    "telegram": g_telegram,
    "jwt": g_jwt,
    "pem": g_pem,
    "ppk": g_ppk,
    "mnemonic": g_mnemonic,
    "eth_key": g_eth_key,
    "solana_keypair": g_solana_keypair,
    "userpass": g_userpass,
    "cookie": g_cookie,
    "django_key": g_django_key,
    "erlang_cookie": g_erlang_cookie,
    "age": g_age,
    "sentry_auth": g_sentry_auth,
    "grafana": g_simple("glsa", ALNUM, 41),
    "postman": lambda rng: PREFIX["pmak"] + _r(rng, HEX, 24) + "-" + _r(rng, HEX, 34),
    "pulumi": g_simple("pul", HEX, 40),
    "pscale": g_simple("pscale", B64URL, 43),
    "doppler": lambda rng: PREFIX["dopp"] + rng.choice(["dev.", "prd.", "stg."]) + _r(rng, ALNUM, 40),
    "onepassword": lambda rng: PREFIX["ops"] + "eyJ" + _r(rng, B64URL, 600),
    "buildkite": g_simple("bkua", HEX, 40),
    "circleci": lambda rng: PREFIX["ccipat"] + _r(rng, ALNUM, 22) + "_" + _r(rng, HEX, 40),
    "sonar": g_simple("squ", HEX, 40),
    "jfrog": g_jfrog,
    "bitbucket": lambda rng: PREFIX["atbb"] + _r(rng, ALNUM, 32) + _r(rng, "0123456789ABCDEF", 8),
    "posthog": lambda rng, kind="phx": PREFIX[kind] + _r(rng, ALNUM, 43),
    "launchdarkly": lambda rng, kind="sdk": PREFIX[kind] + g_uuid(rng),
    "fcm": g_fcm,
    "fb": g_fb,
    "mapbox": g_mapbox,
    "recaptcha": g_recaptcha,
    "vapid": g_vapid,
    "wg": g_wg,
    "kubeadm": g_kubeadm,
    "square": g_square,
    "tailscale": g_tailscale,
    "figma": g_figma,
    "notion": g_notion,
    "airtable": g_airtable,
    "fly": g_fly,
    "vercel": g_vercel,
    "netlify": g_netlify,
    "rails_master": g_rails_master,
    "laravel": g_laravel,
    "apple_asp": lambda rng: "-".join(_r(rng, LOWER, 4) for _ in range(4)),
    "mailgun_smtp": lambda rng: _r(rng, HEX, 32) + "-" + _r(rng, HEX, 8) + "-" + _r(rng, HEX, 8),
    "fernet": lambda rng: base64.urlsafe_b64encode(rng.randbytes(32)).decode(),
    "hexk": g_hexk,
    "hexu": g_hexu,
    "alnum": g_alnum,
    "lalnum": g_lalnum,
    "ualnum": g_ualnum,
    "b64k": g_b64k,
    "b64urlk": g_b64urlk,
    "digits": g_digits,
    # values that are not secrets (when written without "!")
    "pub": g_pub,
    "ssh_pub": g_ssh_pub,
    "aws_id": g_aws_id,
    "twilio_sid": g_twilio_sid,
    "google_client_id": g_google_client_id,
    "sentry_dsn": g_sentry_dsn,
    "clerk_pk": g_clerk_pk,
    "uuid": g_uuid,
    "int": g_int,
    "pick": g_pick,
    "ts": g_ts,
    "sha": g_sha,
    "sri": g_sri,
    "gosum": g_gosum,
    "pin": g_pin,
    "fpr": g_fpr,
    "ansible_vault": g_ansible_vault,
    "sops": g_sops,
    "sealed": g_sealed,
    "kms_blob": g_kms_blob,
    "bcrypt": g_bcrypt,
    "argon2": g_argon2,
    "png_b64": g_png_b64,
    "b64blob": g_b64blob,
    "ip": g_ip,
    "host": g_host,
    "user": g_user,
    "name": g_name,
    "email": g_email,
    "project": g_project,
    "ver": g_ver,
    "port": g_port,
    "line": g_line,
    "firebase_app": g_firebase_app,
    "ga": g_ga,
    "objectid": g_objectid,
    "ulid": g_ulid,
    "mask": g_mask,
    "prefix": lambda rng, name: PREFIX[name],
    "dash": lambda rng: DASH,
    "bytes": lambda rng, n="32": ", ".join(f"0x{b:02x}" for b in rng.randbytes(int(n))),
}


def _part(value: str, arg: str) -> str:
    i, n = (int(x) for x in arg.split(":"))
    size = -(-len(value) // n)
    return value[(i - 1) * size : i * size]


def _indent(value: str, arg: str) -> str:
    pad = " " * int(arg or "2")
    return value.replace("\n", "\n" + pad)


TRANSFORMS: dict[str, Callable[[str, str], str]] = {
    "urlenc": lambda v, a: quote(v, safe="!*._-~"),
    "urlencall": lambda v, a: quote(v, safe=""),
    "b64": lambda v, a: base64.b64encode(v.encode()).decode(),
    "b64url": lambda v, a: base64.urlsafe_b64encode(v.encode()).decode().rstrip("="),
    "json": lambda v, a: json.dumps(v)[1:-1],
    "cesc": lambda v, a: v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n"),
    "indent": _indent,
    "hexarr": lambda v, a: ", ".join(f"0x{b:02x}" for b in v.encode()),
    "hexarrU": lambda v, a: ", ".join(f"0x{b:02X}" for b in v.encode()),
    "chararr": lambda v, a: ", ".join(f"'{c}'" for c in v),
    "intarr": lambda v, a: ", ".join(str(b) for b in v.encode()),
    "hexenc": lambda v, a: v.encode().hex(),
    "part": _part,
    "upper": lambda v, a: v.upper(),
    "cap": lambda v, a: v.capitalize(),
    "lower": lambda v, a: v.lower(),
    "xml": lambda v, a: v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
    "sha256": lambda v, a: hashlib.sha256(v.encode()).hexdigest(),
    "sha1": lambda v, a: hashlib.sha1(v.encode()).hexdigest(),
    "md5": lambda v, a: hashlib.md5(v.encode()).hexdigest(),
    "last4": lambda v, a: v[-4:],
    "len": lambda v, a: str(len(v)),
    "after": lambda v, a: v.split(a, 1)[1],
    "before": lambda v, a: v.split(a, 1)[0],
    "dockerjson": lambda v, a: json.dumps({"auths": {a or "ghcr.io": {"auth": v}}}, separators=(",", ":")),
    "body": lambda v, a: "".join(line for line in v.splitlines() if not line.startswith(DASH)),
    "wrap": lambda v, a: "\n".join(v[i : i + int(a)] for i in range(0, len(v), int(a))),
}

_PLACE = re.compile(r"«([^«»]+)»")
_BODY = re.compile(
    r"(?P<secret>!?)(?P<mode>[~=]?)(?P<name>[a-z0-9_]+)(?::(?P<args>[^@|]*))?(?:@(?P<bind>[a-z0-9_]+))?(?P<trs>(?:\|[^|]+)*)"
)


# One project name per document, as in a real repository.
_STICKY = {"project"}


def _render(template: str, rng: random.Random) -> tuple[str, list[str]]:
    bound: dict[str, str] = {}
    sticky: dict[str, str] = {}
    secrets: list[str] = []

    def sub(match: re.Match[str]) -> str:
        body = _BODY.fullmatch(match.group(1))
        if body is None:
            raise ValueError(f"bad placeholder {match.group(0)!r}")
        if body["mode"] == "=":
            value = bound[body["name"]]
        elif body["name"] in _STICKY and not body["args"]:
            value = sticky.setdefault(body["name"], GEN[body["name"]](rng))
        else:
            args = body["args"].split(",") if body["args"] else []
            value = GEN[body["name"]](rng, *args)
        if body["bind"]:
            bound[body["bind"]] = value
        for step in filter(None, body["trs"].split("|")):
            name, _, arg = step.partition(":")
            value = TRANSFORMS[name](value, arg)
        if body["mode"] == "~":
            return ""
        if body["secret"] and value not in secrets:
            secrets.append(value)
        return value

    return _PLACE.sub(sub, template), secrets


def _sound(text: str, secrets: list[str]) -> bool:
    """Every secret is in the text, and no half of one shows in what is left of the text without them."""
    if not all(secret in text for secret in secrets):
        return False
    rest = text
    for secret in sorted(secrets, key=len, reverse=True):
        rest = rest.replace(secret, "\x00")
    return not any(leaked(secret, rest) for secret in secrets)


def instantiate(template: str, rng: random.Random) -> tuple[str, list[str]]:
    for _ in range(50):
        text, secrets = _render(template, rng)
        if _sound(text, secrets):
            return text, secrets
    raise AssertionError(f"cannot plant the secrets of {template[:80]!r} soundly")


# --------------------------------------------------------------------------------------------------
# Templates: (context, kind, text), in a fixed order (the order seeds each template's random stream)

_TEMPLATES: list[tuple[str, str, str]] = []


def t(context: str, kind: str, text: str) -> None:
    assert context in CONTEXTS, context
    _TEMPLATES.append((context, kind, textwrap.dedent(text).lstrip("\n")))


# fmt: off
# ---- Kotlin ----------------------------------------------------------------------------------------

t("source", "kotlin okhttp interceptor const token", r"""
package com.«project».android.net

import okhttp3.Interceptor
import okhttp3.Response
import java.util.UUID

// Personal token while the OAuth flow is not wired up yet
private const val GITHUB_TOKEN = "«!gh:p»"

class GitHubAuthInterceptor : Interceptor {
    override fun intercept(chain: Interceptor.Chain): Response {
        val request = chain.request().newBuilder()
            .header("Authorization", "token $GITHUB_TOKEN")
            .header("Accept", "application/vnd.github+json")
            .header("X-Request-Id", UUID.randomUUID().toString())
            .build()
        return chain.proceed(request)
    }
}
""")

t("source", "kotlin spring @Value default value", r"""
@Configuration
class PaymentsConfig {
    @Value("\${payments.stripe.secret-key:«!stripe:sk_live»}")
    lateinit var stripeSecretKey: String

    @Value("\${payments.stripe.webhook-secret:«!whsec»}")
    lateinit var webhookSecret: String

    @Value("\${payments.currency:eur}")
    lateinit var currency: String

    @Bean
    fun stripeClient(): StripeClient = StripeClient.builder().setApiKey(stripeSecretKey).build()
}
""")

t("source", "kotlin exposed Database.connect named args", r"""
object Db {
    fun init() {
        Database.connect(
            url = "jdbc:postgresql://«host»:5432/«project»",
            driver = "org.postgresql.Driver",
            user = "«user»",
            password = "«!pw:human»",
        )
        transaction { SchemaUtils.create(Users, Orders, Invoices) }
    }
}
""")

t("source", "kotlin raw string test key trimIndent", r'''
class JwtSignerTest {
    companion object {
        private val PRIVATE_KEY_PEM = """
            «!pem:pkcs8|indent:12»
        """.trimIndent()
        private const val KID = "«uuid»"
    }

    @Test
    fun `signs with RS256`() {
        val signer = JwtSigner(PRIVATE_KEY_PEM, KID)
        val token = signer.sign(mapOf("sub" to "user-«int:100:999»"))
        assertThat(token.split(".")).hasSize(3)
    }
}
''')

t("source", "kotlin data class default password", r"""
data class MailSettings(
    val host: String = "smtp.sendgrid.net",
    val port: Int = 587,
    val username: String = "apikey",
    val password: String = "«!sendgrid»",
    val from: String = "no-reply@«project».io",
    val startTls: Boolean = true,
)
""")

t("source", "kotlin mapOf headers api key", r"""
suspend fun fetchForecast(lat: Double, lon: Double): Forecast {
    val headers = mapOf(
        "X-Api-Key" to "«!hexk:32»",
        "User-Agent" to "weatherly-android/«ver»",
        "Accept" to "application/json",
    )
    return client.get("https://api.weatherly.io/v1/forecast?lat=$lat&lon=$lon") {
        headers.forEach { (k, v) -> header(k, v) }
    }.body()
}
""")

t("source", "kotlin commented-out webhook", r'''
class DeployNotifier(private val http: HttpClient) {
    // private val webhook = "«!slack_hook»"
    private val webhook = System.getenv("SLACK_WEBHOOK_URL")
        ?: error("SLACK_WEBHOOK_URL is not set")

    suspend fun notify(version: String) {
        http.post(webhook) { setBody("""{"text":"Deployed $version"}""") }
    }
}
''')

t("source", "kotlin byteArrayOf aes key", r"""
«~alnum:16@k»object LocalCrypto {
    // 128-bit key for the offline cache
    private val KEY = byteArrayOf(«!=k|hexarr»)
    private val IV_LEN = 12

    fun encrypt(plain: ByteArray): ByteArray {
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        val iv = ByteArray(IV_LEN).also { SecureRandom().nextBytes(it) }
        cipher.init(Cipher.ENCRYPT_MODE, SecretKeySpec(KEY, "AES"), GCMParameterSpec(128, iv))
        return iv + cipher.doFinal(plain)
    }
}
""")

t("source", "kotlin SecretKeySpec from string literal", r"""
private const val HMAC_ALG = "HmacSHA256"

fun signPayload(body: String): String {
    val mac = Mac.getInstance(HMAC_ALG)
    mac.init(SecretKeySpec("«!b64urlk:43»".toByteArray(Charsets.UTF_8), HMAC_ALG))
    return mac.doFinal(body.toByteArray()).joinToString("") { "%02x".format(it) }
}
""")

t("source", "kotlin ktor client basicAuth", r"""
val client = HttpClient(CIO) {
    install(Auth) {
        basic {
            credentials {
                BasicAuthCredentials(username = "«user»", password = "«!pw:rand»")
            }
            realm = "Nexus Repository Manager"
        }
    }
    install(HttpTimeout) { requestTimeoutMillis = 30_000 }
}
""")

t("source", "kotlin BuildConfig lookup with error", r"""
object MapsKeys {
    val apiKey: String
        get() = BuildConfig.MAPS_API_KEY.takeIf { it.isNotBlank() }
            ?: error("MAPS_API_KEY is empty: add MAPS_API_KEY=... to local.properties (never commit it)")

    val sentryDsn: String = BuildConfig.SENTRY_DSN
}
""")

t("source", "kotlin certificate pinner pins", r"""
val pinner = CertificatePinner.Builder()
    .add("api.«project».io", "«pin»")
    .add("api.«project».io", "«pin»") // backup pin, rotated «ts:date»
    .add("*.cdn.«project».io", "«pin»")
    .build()

val client = OkHttpClient.Builder()
    .certificatePinner(pinner)
    .connectTimeout(15, TimeUnit.SECONDS)
    .build()
""")

t("source", "kotlin token regex validator", r"""
object TokenFormat {
    private val CLASSIC = Regex("^«prefix:ghp»[A-Za-z0-9]{36}$")
    private val FINE_GRAINED = Regex("^«prefix:ghpat»[A-Za-z0-9_]{82}$")

    fun isGitHubToken(value: String): Boolean =
        CLASSIC.matches(value) || FINE_GRAINED.matches(value)

    fun redact(value: String): String =
        if (value.length > 8) value.take(4) + "…" + value.takeLast(4) else "****"
}
""")

t("source", "kotlin webhook verifier test with digest", r'''
class SignatureVerifierTest {
    private val verifier = SignatureVerifier(secretProvider = { System.getenv("WEBHOOK_SECRET") ?: "test-secret" })

    @Test
    fun `rejects a tampered body`() {
        val body = """{"id":"evt_«alnum:14»","type":"invoice.paid"}"""
        val header = "t=«ts:epoch»,v1=«sha:256»"
        assertFalse(verifier.verify(body + " ", header))
    }
}
''')

t("source", "kotlin signing config from keystore.properties", r"""
val keystoreProperties = Properties().apply {
    val file = rootProject.file("keystore.properties")
    if (file.exists()) load(FileInputStream(file))
}

android {
    signingConfigs {
        create("release") {
            storeFile = file(keystoreProperties.getProperty("storeFile") ?: "release.jks")
            storePassword = keystoreProperties.getProperty("storePassword")
            keyAlias = keystoreProperties.getProperty("keyAlias")
            keyPassword = keystoreProperties.getProperty("keyPassword")
        }
    }
}
""")

t("source", "kotlin firebase options public ids", r"""
val options = FirebaseOptions.Builder()
    .setProjectId("«project»-prod")
    .setApplicationId("«firebase_app:android»")
    .setGcmSenderId("«digits:12»")
    .setStorageBucket("«project»-prod.appspot.com")
    .build()
FirebaseApp.initializeApp(context, options, "secondary")
Log.d(TAG, "firebase app ${options.applicationId} ready")
""")

# ---- Swift -----------------------------------------------------------------------------------------

t("source", "swift static let api key enum", r"""
import Foundation

enum Secrets {
    static let openAIKey = "«!openai:proj»"
    static let baseURL = URL(string: "https://api.openai.com/v1")!
    static let organization = "org-«alnum:24»"
}

final class ChatService {
    func request(_ prompt: String) -> URLRequest {
        var req = URLRequest(url: Secrets.baseURL.appendingPathComponent("chat/completions"))
        req.setValue("Bearer \(Secrets.openAIKey)", forHTTPHeaderField: "Authorization")
        req.httpMethod = "POST"
        return req
    }
}
""")

t("source", "swift URLSession basic auth header", r"""
«~userpass@up»let credentials = "«!=up|b64»"
var request = URLRequest(url: URL(string: "https://jenkins.«project».io/job/ios-release/buildWithParameters")!)
request.httpMethod = "POST"
request.setValue("Basic \(credentials)", forHTTPHeaderField: "Authorization")
request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
let (_, response) = try await URLSession.shared.data(for: request)
""")

t("source", "swift app store connect p8 multiline string", r'''
struct AppStoreConnectAuth {
    let issuerID = "«uuid»"
    let keyID = "«ualnum:10»"
    let privateKey = """
    «!pem:p8|indent:4»
    """

    func token() throws -> String {
        try JWT.sign(claims: ["iss": issuerID, "aud": "appstoreconnect-v1"], keyID: keyID, pem: privateKey)
    }
}
''')

t("source", "swift struct literal config", r"""
let config = PusherClientOptions(
    authMethod: .inline(secret: "«!hexk:20»"),
    host: .cluster("eu"),
    useTLS: true
)
let pusher = Pusher(key: "«hexk:20»", options: config)
pusher.connect()
""")

t("source", "swift test fixture password", r"""
final class LoginViewModelTests: XCTestCase {
    private let email = "qa+«int:10:99»@«project».io"
    private let password = "«!pw:human»"   // real staging account, do not change

    func testLoginSucceedsAgainstStaging() async throws {
        let vm = LoginViewModel(api: .staging)
        try await vm.login(email: email, password: password)
        XCTAssertTrue(vm.isLoggedIn)
    }
}
""")

t("source", "swift keychain lookup", r"""
func loadToken() throws -> String {
    let query: [String: Any] = [
        kSecClass as String: kSecClassGenericPassword,
        kSecAttrService as String: "com.«project».api",
        kSecAttrAccount as String: "refresh_token",
        kSecReturnData as String: true,
        kSecMatchLimit as String: kSecMatchLimitOne,
    ]
    var item: CFTypeRef?
    let status = SecItemCopyMatching(query as CFDictionary, &item)
    guard status == errSecSuccess, let data = item as? Data else {
        throw KeychainError.missing("refresh_token not found in keychain (status \(status))")
    }
    return String(decoding: data, as: UTF8.self)
}
""")

t("source", "swift Info.plist lookup with fatalError", r"""
enum AppEnvironment {
    static var revenueCatKey: String {
        guard let key = Bundle.main.object(forInfoDictionaryKey: "REVENUECAT_API_KEY") as? String,
              !key.isEmpty, !key.hasPrefix("$(") else {
            fatalError("REVENUECAT_API_KEY missing: set it in Secrets.xcconfig")
        }
        return key
    }
}
""")

t("source", "swift CryptoKit HMAC test vector", r"""
func testHMACMatchesServer() {
    let key = SymmetricKey(data: Data("key".utf8))
    let message = Data("The quick brown fox jumps over the lazy dog".utf8)
    let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
    XCTAssertEqual(Data(mac).hexString, "«sha:256»")
}
""")

t("source", "swift public key pinning", r"""
let pinnedKeys: [String: [String]] = [
    "api.«project».io": ["«pin|after:sha256/»", "«pin|after:sha256/»"],
    "auth.«project».io": ["«pin|after:sha256/»"],
]
// SHA-256 of the SubjectPublicKeyInfo, base64; update before «ts:date»
""")

t("source", "swift sentry and posthog public keys", r"""
SentrySDK.start { options in
    options.dsn = "«sentry_dsn»"
    options.tracesSampleRate = 0.2
    options.environment = "production"
}
PostHogSDK.shared.setup(PostHogConfig(apiKey: "«posthog:phc»", host: "https://eu.i.posthog.com"))
""")

# ---- Objective-C -----------------------------------------------------------------------------------

t("source", "objc #define api secret", r"""
#import "APIClient.h"

#define kAPIBaseURL   @"https://api.«project».com/v3"
#define kAPIKey       @"«hexk:24»"
#define kAPISecret    @"«!alnum:40»"

@implementation APIClient

- (NSURLRequest *)signedRequestForPath:(NSString *)path {
    NSString *stamp = [@((long)[[NSDate date] timeIntervalSince1970]) stringValue];
    NSString *sig = [self hmacSHA256:[path stringByAppendingString:stamp] key:kAPISecret];
    NSMutableURLRequest *req = [NSMutableURLRequest requestWithURL:[NSURL URLWithString:[kAPIBaseURL stringByAppendingString:path]]];
    [req setValue:kAPIKey forHTTPHeaderField:@"X-Api-Key"];
    [req setValue:sig forHTTPHeaderField:@"X-Signature"];
    return req;
}
@end
""")

t("source", "objc static NSString const token", r"""
static NSString * const kMixpanelToken = @"«hexk:32»";
static NSString * const kIntercomAppId = @"«lalnum:8»";
static NSString * const kTwitterConsumerSecret = @"«!alnum:50»";

- (BOOL)application:(UIApplication *)application didFinishLaunchingWithOptions:(NSDictionary *)launchOptions {
    [Mixpanel sharedInstanceWithToken:kMixpanelToken];
    [[Twitter sharedInstance] startWithConsumerKey:@"«alnum:25»" consumerSecret:kTwitterConsumerSecret];
    return YES;
}
""")

t("source", "objc NSDictionary literal credentials", r"""
NSDictionary *ftpConfig = @{
    @"host": @"ftp.«project»-media.com",
    @"port": @21,
    @"user": @"uploader",
    @"password": @"«!pw:human»",
    @"passive": @YES,
};
[self.uploader configureWithDictionary:ftpConfig];
""")

t("source", "objc char array obfuscated key", r"""
«~alnum:32@k»// "Obfuscated" so it does not show in `strings`
static const char kLicenseKey[] = { «!=k|chararr», '\0' };

NSString *LicenseKey(void) {
    return [NSString stringWithUTF8String:kLicenseKey];
}
""")

t("source", "objc NSProcessInfo environment lookup", r"""
NSString *token = [[NSProcessInfo processInfo] environment][@"CI_UPLOAD_TOKEN"];
if (token.length == 0) {
    NSLog(@"error: CI_UPLOAD_TOKEN is not set; skipping dSYM upload");
    return 1;
}
NSLog(@"uploading dSYMs for build %@ (token: %lu chars)", buildNumber, (unsigned long)token.length);
""")

t("source", "objc SecItem keychain helper", r"""
- (nullable NSString *)passwordForAccount:(NSString *)account {
    NSDictionary *query = @{
        (__bridge id)kSecClass: (__bridge id)kSecClassGenericPassword,
        (__bridge id)kSecAttrService: @"com.«project».mail",
        (__bridge id)kSecAttrAccount: account,
        (__bridge id)kSecReturnData: @YES,
    };
    CFTypeRef result = NULL;
    OSStatus status = SecItemCopyMatching((__bridge CFDictionaryRef)query, &result);
    if (status != errSecSuccess) { return nil; }
    return [[NSString alloc] initWithData:(__bridge_transfer NSData *)result encoding:NSUTF8StringEncoding];
}
""")

# ---- Dart / Flutter --------------------------------------------------------------------------------

t("source", "dart const supabase service role", r"""
import 'package:supabase/supabase.dart';

// server-side admin script (bin/backfill.dart)
const supabaseUrl = 'https://«lalnum:20».supabase.co';
const serviceRoleKey = '«!jwt:service_role»';

Future<void> main() async {
  final client = SupabaseClient(supabaseUrl, serviceRoleKey);
  final rows = await client.from('profiles').select().is_('avatar_url', null);
  print('backfilling ${rows.length} profiles');
}
""")

t("source", "dart flutter supabase anon key", r"""
Future<void> main() async {
  WidgetsFlutterBinding.ensureInitialized();
  await Supabase.initialize(
    url: 'https://«lalnum:20».supabase.co',
    anonKey: '«jwt:anon»',
  );
  runApp(const App());
}
""")

t("source", "dart dio interceptor bearer", r"""
class ApiClient {
  ApiClient() {
    _dio.interceptors.add(InterceptorsWrapper(onRequest: (options, handler) {
      options.headers['Authorization'] = 'Bearer «!jwt:service»';
      options.headers['X-App-Version'] = '«ver»';
      handler.next(options);
    }));
  }

  final Dio _dio = Dio(BaseOptions(baseUrl: 'https://api.«project».app', connectTimeout: const Duration(seconds: 10)));
}
""")

t("source", "dart firebase_options generated", r"""
// File generated by FlutterFire CLI.
class DefaultFirebaseOptions {
  static const FirebaseOptions android = FirebaseOptions(
    apiKey: '«google_key»',
    appId: '«firebase_app:android»',
    messagingSenderId: '«digits:12»',
    projectId: '«project»-app',
    storageBucket: '«project»-app.appspot.com',
  );
}
""")

t("source", "dart String.fromEnvironment", r"""
class Env {
  static const stripePublishableKey = String.fromEnvironment('STRIPE_PK');
  static const apiBase = String.fromEnvironment('API_BASE', defaultValue: 'https://api.«project».app');

  static void check() {
    if (stripePublishableKey.isEmpty) {
      throw StateError('STRIPE_PK missing: run with --dart-define=STRIPE_PK=pk_...');
    }
  }
}
""")

t("source", "dart mailer smtp server literal", r"""
import 'package:mailer/mailer.dart';
import 'package:mailer/smtp_server.dart';

final smtpServer = SmtpServer(
  'smtp.gmail.com',
  port: 587,
  username: '«email»',
  password: '«!lalnum:16»', // app password
);

Future<void> sendReport(String body) async {
  final message = Message()
    ..from = const Address('reports@«project».io', 'Nightly')
    ..recipients.add('team@«project».io')
    ..text = body;
  await send(message, smtpServer);
}
""")

t("source", "dart test mock http client token", r"""
void main() {
  group('PaymentsRepository', () {
    late MockClient client;
    setUp(() {
      client = MockClient((request) async {
        expect(request.headers['Authorization'], 'Bearer «!square:access@tok»');
        return http.Response('{"payments":[]}', 200);
      });
    });

    test('lists payments', () async {
      final repo = PaymentsRepository(client, token: '«=tok»');
    });
  });
}
""")

t("yaml", "dart pubspec.lock hashes", r"""
  http:
    dependency: "direct main"
    description:
      name: http
      sha256: "«sha:256»"
      url: "https://pub.dev"
    source: hosted
    version: "«ver»"
  crypto:
    dependency: transitive
    description:
      name: crypto
      sha256: "«sha:256»"
      url: "https://pub.dev"
    source: hosted
    version: "«ver»"
""")

# ---- Scala -----------------------------------------------------------------------------------------

t("source", "scala hocon application.conf", r"""
akka.http.server.idle-timeout = 60s

db {
  default {
    driver = "org.postgresql.Driver"
    url = "jdbc:postgresql://«host»:5432/«project»"
    user = "«user»"
    password = "«!pw:human»"
    password = ${?DB_PASSWORD}
    numThreads = 10
  }
}

play.http.secret.key = "«!b64urlk:64»"
""")

t("source", "scala hocon env substitution only", r"""
db.default {
  url = "jdbc:postgresql://"${DB_HOST}":5432/"${DB_NAME}
  user = ${DB_USER}
  password = ${DB_PASSWORD}
}
play.http.secret.key = ${?APPLICATION_SECRET}
play.filters.hosts.allowed = [".«project».io", "localhost:9000"]
""")

t("source", "scala case class config default", r'''
final case class KafkaConfig(
  bootstrapServers: String = "pkc-«lalnum:5».eu-west-1.aws.confluent.cloud:9092",
  saslMechanism: String = "PLAIN",
  apiKey: String = "«ualnum:16»",
  apiSecret: String = "«!b64k:48»",
  groupId: String = "«project»-consumer"
) {
  def jaas: String =
    s"""org.apache.kafka.common.security.plain.PlainLoginModule required username="$apiKey" password="$apiSecret";"""
}
''')

t("source", "scala sbt credentials inline", r"""
ThisBuild / organization := "io.«project»"
ThisBuild / scalaVersion := "3.3.3"

credentials += Credentials(
  "Sonatype Nexus Repository Manager",
  "nexus.internal.«project».io",
  "deployer",
  "«!pw:rand»"
)

publishTo := Some("releases" at "https://nexus.internal.«project».io/repository/maven-releases/")
""")

t("source", "scala sbt credentials from file", r"""
credentials += Credentials(Path.userHome / ".sbt" / ".credentials")
credentials ++= sys.env.get("SONATYPE_PASSWORD").map { pw =>
  Credentials("Sonatype Nexus Repository Manager", "s01.oss.sonatype.org", sys.env("SONATYPE_USERNAME"), pw)
}.toList
pgpPassphrase := sys.env.get("PGP_PASSPHRASE").map(_.toArray)
""")

t("source", "scala test fixture jwt", r"""
class AuthRoutesSpec extends AnyWordSpec with Matchers with ScalatestRouteTest {
  // captured from staging on «ts:date»; still valid
  private val adminToken = "«!jwt:user»"

  "GET /admin/users" should {
    "accept the admin token" in {
      Get("/admin/users") ~> addHeader("Authorization", s"Bearer $adminToken") ~> routes ~> check {
        status shouldBe StatusCodes.OK
      }
    }
  }
}
""")

t("source", "scala aws sdk static credentials", r"""
val credentials = AwsBasicCredentials.create(
  "«aws_id»",
  "«!aws_secret»"
)
val s3 = S3Client.builder()
  .region(Region.EU_CENTRAL_1)
  .credentialsProvider(StaticCredentialsProvider.create(credentials))
  .build()
""")

t("source", "scala pureconfig secret wrapper", r"""
final case class Secret(value: String) extends AnyVal {
  override def toString: String = "Secret(****)"
}
final case class AppConfig(dbUrl: String, dbPassword: Secret, stripeKey: Secret)

val cfg = ConfigSource.default.at("app").loadOrThrow[AppConfig]
logger.info(s"starting with db=${cfg.dbUrl} password=${cfg.dbPassword}")
""")

# ---- Clojure ---------------------------------------------------------------------------------------

t("source", "clojure db-spec map", r"""
(ns «project».db
  (:require [next.jdbc :as jdbc]))

(def db-spec
  {:dbtype   "postgresql"
   :dbname   "«project»"
   :host     "«host»"
   :port     5432
   :user     "«user»"
   :password "«!pw:human»"})

(def ds (jdbc/get-datasource db-spec))
""")

t("source", "clojure profiles.clj env map", r"""
{:dev  {:env {:database-url "jdbc:postgresql://localhost/«project»_dev"
              :stripe-secret-key "«!stripe:sk_test»"
              :session-key "«!alnum:16»"}}
 :test {:env {:database-url "jdbc:postgresql://localhost/«project»_test"}}}
""")

t("source", "clojure environ lookup", r"""
(ns «project».config
  (:require [environ.core :refer [env]]))

(defn stripe-key []
  (or (env :stripe-secret-key)
      (throw (ex-info "STRIPE_SECRET_KEY is not set" {:hint "export it or add it to profiles.clj (gitignored)"}))))

(def port (Integer/parseInt (env :port "3000")))
""")

t("source", "clojure deps.edn maven repo credentials", r"""
{:deps {org.clojure/clojure {:mvn/version "1.11.1"}
        com.«project»/internal-lib {:mvn/version "«ver»"}}
 :mvn/repos {"internal" {:url "https://«project».jfrog.io/artifactory/libs-release"}}
 :aliases {:deploy {:extra-deps {slipset/deps-deploy {:mvn/version "0.2.2"}}
                    :exec-fn deps-deploy.deps-deploy/deploy
                    :exec-args {:installer :remote
                                :repository {"clojars" {:username "«user»"
                                                        :password "«!uuid»"}}}}}}
""")

t("source", "clojure http client basic-auth vector", r"""
(defn fetch-issues [project]
  (-> (http/get (str "https://«project».atlassian.net/rest/api/3/search?jql=project=" project)
                {:basic-auth ["«email»" "«!atlassian»"]
                 :accept :json
                 :as :json})
      :body
      :issues))
""")

# ---- Elixir ----------------------------------------------------------------------------------------

t("source", "elixir config prod.exs repo password", r"""
import Config

config :«project», «project|cap».Repo,
  username: "«user»",
  password: "«!pw:human»",
  hostname: "«host»",
  database: "«project»_prod",
  pool_size: 15,
  ssl: true

config :«project», «project|cap»Web.Endpoint,
  url: [host: "«project».io", port: 443],
  secret_key_base: "«!b64k:48»"
""")

t("source", "elixir runtime.exs env fetch", r'''
import Config

if config_env() == :prod do
  database_url =
    System.get_env("DATABASE_URL") ||
      raise """
      environment variable DATABASE_URL is missing.
      For example: ecto://USER:PASS@HOST/DATABASE
      """

  secret_key_base =
    System.get_env("SECRET_KEY_BASE") ||
      raise "environment variable SECRET_KEY_BASE is missing. You can generate one by calling: mix phx.gen.secret"

  config :«project», «project|cap».Repo, url: database_url, pool_size: String.to_integer(System.get_env("POOL_SIZE") || "10")
  config :«project», «project|cap»Web.Endpoint, secret_key_base: secret_key_base
end
''')

t("source", "elixir endpoint signing salt", r"""
  @session_options [
    store: :cookie,
    key: "_«project»_key",
    signing_salt: "«alnum:8»",
    same_site: "Lax"
  ]

  socket "/live", Phoenix.LiveView.Socket,
    websocket: [connect_info: [session: @session_options]]

  plug Plug.Session, @session_options
""")

t("source", "elixir keyword list swoosh mailer", r"""
config :«project», «project|cap».Mailer,
  adapter: Swoosh.Adapters.Mailgun,
  api_key: "«!mailgun»",
  domain: "mg.«project».io"

config :stripity_stripe, api_key: "«!stripe:sk_live»"
""")

t("source", "elixir module attribute token", r"""
defmodule «project|cap».Slack do
  @moduledoc "Posts release notes to #deploys."
  @token "«!slack:bot»"
  @channel "C«ualnum:10»"

  def post(text) do
    Req.post!("https://slack.com/api/chat.postMessage",
      auth: {:bearer, @token},
      json: %{channel: @channel, text: text}
    )
  end
end
""")

t("source", "elixir test mox stub jwt", r"""
  test "refreshes the access token" do
    expect(OAuthMock, :refresh, fn "«!google_refresh»" ->
      {:ok, %{access_token: "«!google_access»", expires_in: 3599}}
    end)

    assert {:ok, _} = Calendar.sync(user_fixture())
  end
""")

t("source", "elixir guardian config secret", r"""
config :«project», «project|cap».Guardian,
  issuer: "«project»",
  secret_key: "«!b64k:48»",
  ttl: {30, :days}

config :joken, default_signer: [signer_alg: "HS256", key_octet: System.get_env("JOKEN_KEY")]
""")

t("source", "elixir mix hex sha locks", r"""
%{
  "decimal": {:hex, :decimal, "«ver»", "«sha:256»", [:mix], [], "hexpm", "«sha:256»"},
  "ecto": {:hex, :ecto, "«ver»", "«sha:256»", [:mix], [{:decimal, "~> 2.0", [hex: :decimal, repo: "hexpm", optional: false]}], "hexpm", "«sha:256»"},
  "jason": {:hex, :jason, "«ver»", "«sha:256»", [:mix], [], "hexpm", "«sha:256»"},
}
""")

# ---- Erlang ----------------------------------------------------------------------------------------

t("source", "erlang vm.args setcookie", r"""
## Name of the node
-name «project»@127.0.0.1

## Cookie for distributed erlang
-setcookie «!erlang_cookie»

## Heartbeat management; auto-restarts VM if it dies or becomes unresponsive
-heart
+K true
+A 64
""")

t("source", "erlang sys.config proplist", r"""
[
 {«project», [
   {http_port, 8080},
   {db, [{host, "«host»"}, {port, 5432}, {user, "«user»"}, {password, "«!pw:human»"}, {database, "«project»"}]},
   {smtp, [{relay, "smtp.sendgrid.net"}, {username, "apikey"}, {password, "«!sendgrid»"}]}
 ]},
 {kernel, [{logger_level, info}]}
].
""")

t("source", "erlang os:getenv config", r"""
init(_Args) ->
    Password = case os:getenv("DB_PASSWORD") of
        false -> erlang:error({missing_env, "DB_PASSWORD"});
        Value -> Value
    end,
    {ok, Conn} = epgsql:connect(#{host => "«host»", username => "«user»", password => Password, database => "«project»"}),
    {ok, #state{conn = Conn}}.
""")

t("source", "erlang crypto hmac test vector", r"""
hmac_test() ->
    Key = <<"key">>,
    Data = <<"The quick brown fox jumps over the lazy dog">>,
    ?assertEqual(<<"«sha:256|upper»">>, binary:encode_hex(crypto:mac(hmac, sha256, Key, Data))).
""")

# ---- Haskell ---------------------------------------------------------------------------------------

t("source", "haskell record config literal", r"""
{-# LANGUAGE OverloadedStrings #-}
module Config where

defaultConfig :: Config
defaultConfig = Config
  { cfgPort       = 8080
  , cfgDbConnStr  = "host=«host» port=5432 dbname=«project» user=«user» password=«!pw:safe»"
  , cfgJwtSecret  = "«!b64k:32»"
  , cfgLogLevel   = LevelInfo
  }
""")

t("source", "haskell servant client basic auth", r"""
main :: IO ()
main = do
  mgr <- newManager tlsManagerSettings
  let env = mkClientEnv mgr (BaseUrl Https "registry.«project».io" 443 "")
      auth = BasicAuthData "«user»" "«!pw:human»"
  res <- runClientM (listImages auth) env
  either print (mapM_ (putStrLn . imageName)) res
""")

t("source", "haskell lookupEnv with error", r"""
loadSecrets :: IO Secrets
loadSecrets = do
  mKey <- lookupEnv "STRIPE_SECRET_KEY"
  key <- maybe (die "STRIPE_SECRET_KEY is not set (see .env.example)") pure mKey
  hook <- fromMaybe "" <$> lookupEnv "STRIPE_WEBHOOK_SECRET"
  when (null hook) $ hPutStrLn stderr "warning: STRIPE_WEBHOOK_SECRET empty, webhooks will be rejected"
  pure Secrets { stripeKey = T.pack key, webhookSecret = T.pack hook }
""")

t("source", "haskell hspec fixture token", r"""
spec :: Spec
spec = describe "GitHub.listRepos" $
  it "lists the org's repositories" $ do
    let token = "«!gh:p»"
    repos <- runReq defaultHttpConfig $ listRepos (OAuth token) "«project»"
    length repos `shouldSatisfy` (> 0)
""")

t("source", "haskell cabal freeze hashes", r"""
active-repositories: hackage.haskell.org:merge
constraints: any.aeson ==2.1.2.1,
             any.base ==4.18.2.0,
             any.servant ==0.20.1
index-state: hackage.haskell.org «ts»
-- source-repository-package pinned
source-repository-package
    type: git
    location: https://github.com/«project»/servant-auth-jwt
    tag: «sha:git»
    --sha256: «sha:256»
""")

# ---- OCaml -----------------------------------------------------------------------------------------

t("source", "ocaml let bindings credentials", r"""
let smtp_host = "smtp.postmarkapp.com"
let smtp_user = "«!uuid»" (* Postmark: the server token is both user and password *)
let smtp_password = smtp_user

let send ~to_ ~subject body =
  Letters.send ~config:(Letters.Config.create ~username:smtp_user ~password:smtp_password
                          ~hostname:smtp_host ~with_starttls:true ())
    ~sender:"alerts@«project».io" ~recipients:[To to_] ~message:(Letters.build_email ~subject body)
""")

t("source", "ocaml dune test expect token", r"""
let%expect_test "signs a request" =
  let key = "«!aws_secret»" in
  let req = Sigv4.sign ~access_key:"«aws_id»" ~secret_key:key ~region:"us-east-1"
      ~service:"s3" ~date:"20240115T000000Z" (Request.get "/bucket/object") in
  print_endline (Request.header req "Authorization");
  [%expect {| AWS4-HMAC-SHA256 Credential=... |}]
""")

t("source", "ocaml Sys.getenv_opt", r"""
let api_key () =
  match Sys.getenv_opt "MAILGUN_API_KEY" with
  | Some k when String.length k > 0 -> k
  | _ -> failwith "MAILGUN_API_KEY not set; see README, section Configuration"

let domain = Option.value (Sys.getenv_opt "MAILGUN_DOMAIN") ~default:"mg.«project».io"
""")

# ---- F# --------------------------------------------------------------------------------------------

t("source", "fsharp literal connection string", r"""
module Db

open Npgsql.FSharp

[<Literal>]
let ConnectionString = "Host=«host»;Port=5432;Database=«project»;Username=«user»;Password=«!pw:safe»;SSL Mode=Require"

let activeUsers () =
    ConnectionString
    |> Sql.connect
    |> Sql.query "SELECT id, email FROM users WHERE active = true"
    |> Sql.execute (fun read -> read.int "id", read.text "email")
""")

t("source", "fsharp record with secret fields", r"""
let settings =
    { StorageAccount = "«project»store"
      StorageKey = "«!azure_key»"
      Container = "uploads"
      CdnHost = "«project».azureedge.net" }

let blobClient = BlobServiceClient(sprintf "DefaultEndpointsProtocol=https;AccountName=%s;AccountKey=%s" settings.StorageAccount settings.StorageKey)
""")

t("source", "fsharp script fsx api key", r"""
#r "nuget: FSharp.Data"
open FSharp.Data

let apiKey = "«!hexk:32»" // openweathermap
let city = fsi.CommandLineArgs |> Array.tryItem 1 |> Option.defaultValue "Berlin"
let url = $"https://api.openweathermap.org/data/2.5/weather?q={city}&appid={apiKey}&units=metric"
Http.RequestString url |> printfn "%s"
""")

t("source", "fsharp environment lookup", r"""
let getRequired name =
    match Environment.GetEnvironmentVariable name with
    | null | "" -> failwithf "Missing required environment variable %s" name
    | v -> v

let sendGridKey = getRequired "SENDGRID_API_KEY"
let fromAddress = Environment.GetEnvironmentVariable "MAIL_FROM" |> Option.ofObj |> Option.defaultValue "noreply@«project».io"
""")

# ---- C# --------------------------------------------------------------------------------------------

t("source", "csharp const connection string", r"""
namespace «project|cap».Data;

public static class DbDefaults
{
    // TODO: move to user-secrets before the demo
    public const string ConnectionString =
        "Server=tcp:«project»-sql.database.windows.net,1433;Initial Catalog=«project»;Persist Security Info=False;" +
        "User ID=«user»;Password=«!pw:human»;MultipleActiveResultSets=False;Encrypt=True;Connection Timeout=30;";
}
""")

t("source", "csharp object initializer options", r"""
builder.Services.AddSingleton(new SmtpOptions
{
    Host = "smtp.office365.com",
    Port = 587,
    UserName = "noreply@«project».com",
    Password = "«!pw:human»",
    EnableSsl = true,
});
""")

t("source", "csharp verbatim string pem", r'''
internal static class TestKeys
{
    public const string SigningKeyPem = @"«!pem:rsa»";

    public static RSA Load()
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(SigningKeyPem);
        return rsa;
    }
}
''')

t("source", "csharp raw string literal json credentials", r'''
[Fact]
public async Task Uploads_to_bucket()
{
    var json = """
        {
          "type": "service_account",
          "project_id": "«project»-prod",
          "private_key_id": "«sha:1»",
          "private_key": "«!pem:pkcs8|cesc»",
          "client_email": "uploader@«project»-prod.iam.gserviceaccount.com",
          "client_id": "«digits:21»"
        }
        """;
    var storage = await StorageClient.CreateAsync(GoogleCredential.FromJson(json));
    Assert.NotNull(storage);
}
''')

t("source", "csharp HttpClient default headers", r"""
var http = new HttpClient { BaseAddress = new Uri("https://api.sendgrid.com/v3/") };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "«!sendgrid»");
http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
var response = await http.PostAsJsonAsync("mail/send", message);
response.EnsureSuccessStatusCode();
""")

t("source", "csharp attribute with key", r"""
[ApiController]
[Route("api/[controller]")]
[ApiKeyAuth(HeaderName = "X-Api-Key", Key = "«!alnum:40»")]
public class ReportsController : ControllerBase
{
    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Get(Guid id) => Ok(await _reports.FindAsync(id));
}
""")

t("source", "csharp configuration binding", r"""
builder.Services.Configure<StripeOptions>(builder.Configuration.GetSection("Stripe"));
var stripeKey = builder.Configuration["Stripe:SecretKey"]
    ?? throw new InvalidOperationException("Stripe:SecretKey is not configured. Run `dotnet user-secrets set Stripe:SecretKey <key>`.");
StripeConfiguration.ApiKey = stripeKey;
var kv = new SecretClient(new Uri("https://«project»-kv.vault.azure.net/"), new DefaultAzureCredential());
KeyVaultSecret dbPassword = await kv.GetSecretAsync("Db--Password");
""")

t("source", "csharp byte array hmac key", r"""
«~alnum:24@k»public sealed class TokenService
{
    private static readonly byte[] Key = new byte[] { «!=k|hexarr» };

    public string Sign(string payload)
    {
        using var hmac = new HMACSHA256(Key);
        return Convert.ToHexString(hmac.ComputeHash(Encoding.UTF8.GetBytes(payload)));
    }
}
""")

t("source", "csharp unit test hmac vector", r"""
[Theory]
[InlineData("key", "The quick brown fox jumps over the lazy dog", "«sha:256»")]
[InlineData("", "", "«sha:256»")]
public void Hmac_matches_known_vectors(string key, string message, string expected)
{
    var actual = Signer.HmacSha256Hex(key, message);
    Assert.Equal(expected, actual);
}
""")

t("source", "csharp guid constants", r"""
public static class FeatureFlags
{
    public static readonly Guid NewCheckout = new("«uuid»");
    public static readonly Guid DarkMode = new("«uuid»");
    public const string TenantId = "«uuid»";
    public const string ClientId = "«uuid»";
    public const string Authority = "https://login.microsoftonline.com/" + TenantId;
}
""")

t("source", "csharp user secrets id csproj", r"""
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
    <UserSecretsId>«uuid»</UserSecretsId>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Azure.Security.KeyVault.Secrets" Version="4.6.0" />
    <PackageReference Include="Stripe.net" Version="«ver»" />
  </ItemGroup>
</Project>
""")

t("source", "csharp azure ad client secret credential", r"""
var credential = new ClientSecretCredential(
    tenantId: "«uuid»",
    clientId: "«uuid»",
    clientSecret: "«!azure_secret»");
var graph = new GraphServiceClient(credential, new[] { "https://graph.microsoft.com/.default" });
var me = await graph.Users["«email»"].GetAsync();
""")

t("json", "csharp appsettings.Development.json", r"""
{
  "Logging": {
    "LogLevel": { "Default": "Information", "Microsoft.AspNetCore": "Warning" }
  },
  "ConnectionStrings": {
    "Default": "Host=localhost;Port=5432;Database=«project»_dev;Username=«user»;Password=«!pw:safe»",
    "Redis": "localhost:6379,password=«!pw:alnum»,ssl=False,abortConnect=False"
  },
  "Jwt": {
    "Issuer": "https://«project».local",
    "Key": "«!b64k:48»",
    "ExpiryMinutes": 60
  },
  "AllowedHosts": "*"
}
""")

t("json", "csharp appsettings.json placeholders", r"""
{
  "ConnectionStrings": {
    "Default": "Host=«host»;Database=«project»;Username=«user»;Password=<set-in-user-secrets>"
  },
  "Stripe": {
    "PublishableKey": "«stripe:pk_live»",
    "SecretKey": "",
    "WebhookSecret": "${STRIPE_WEBHOOK_SECRET}"
  },
  "KeyVault": { "VaultUri": "https://«project»-kv.vault.azure.net/" },
  "ApplicationInsights": { "ConnectionString": "InstrumentationKey=«uuid»;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/" }
}
""")

# ---- VB.NET ----------------------------------------------------------------------------------------

t("source", "vbnet const password module", r"""
Imports System.Data.SqlClient

Module Database
    Private Const ConnStr As String = "Data Source=«host»;Initial Catalog=«project»;User Id=«user»;Password=«!pw:human»;"

    Public Function GetCustomers() As DataTable
        Using conn As New SqlConnection(ConnStr)
            Dim da As New SqlDataAdapter("SELECT * FROM Customers", conn)
            Dim dt As New DataTable()
            da.Fill(dt)
            Return dt
        End Using
    End Function
End Module
""")

t("source", "vbnet smtp NetworkCredential", r"""
Dim client As New SmtpClient("smtp.«project».com", 587)
client.EnableSsl = True
client.Credentials = New NetworkCredential("«email»", "«!pw:human»")
client.Send("reports@«project».com", "finance@«project».com", "Monthly report", body)
""")

t("source", "vbnet ConfigurationManager lookup", r"""
Dim apiKey As String = ConfigurationManager.AppSettings("PaymentApiKey")
If String.IsNullOrEmpty(apiKey) Then
    Throw New ConfigurationErrorsException("PaymentApiKey missing from App.config <appSettings>.")
End If
Dim cs = ConfigurationManager.ConnectionStrings("Main").ConnectionString
""")

t("source", "vbnet app.config connection strings", r"""
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <connectionStrings>
    <add name="Main" connectionString="Server=«host»;Database=«project»;User ID=sa;Password=«!pw:human|xml»;TrustServerCertificate=True" providerName="System.Data.SqlClient" />
  </connectionStrings>
  <appSettings>
    <add key="PaymentApiKey" value="«!alnum:32»" />
    <add key="Environment" value="Production" />
  </appSettings>
</configuration>
""")

t("source", "dotnet web.config encrypted section", r"""
<connectionStrings configProtectionProvider="RsaProtectedConfigurationProvider">
  <EncryptedData Type="http://www.w3.org/2001/04/xmlenc#Element" xmlns="http://www.w3.org/2001/04/xmlenc#">
    <EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc" />
    <KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#">
      <EncryptedKey xmlns="http://www.w3.org/2001/04/xmlenc#">
        <EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p" />
        <KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><KeyName>Rsa Key</KeyName></KeyInfo>
        <CipherData><CipherValue>«b64blob:256»</CipherValue></CipherData>
      </EncryptedKey>
    </KeyInfo>
    <CipherData><CipherValue>«b64blob:192»</CipherValue></CipherData>
  </EncryptedData>
</connectionStrings>
""")

# ---- C and C++ -------------------------------------------------------------------------------------

t("source", "c #define credentials firmware", r"""
#ifndef CONFIG_H
#define CONFIG_H

#define WIFI_SSID        "«project|cap»-IoT"
#define WIFI_PASSWORD    "«!pw:human»"
#define MQTT_HOST        "«lalnum:14»-ats.iot.eu-west-1.amazonaws.com"
#define MQTT_PORT        8883
#define MQTT_CLIENT_ID   "sensor-«hexk:6»"
#define OTA_PASSWORD     "«!pw:alnum»"

#endif /* CONFIG_H */
""")

t("source", "c static const char pem array", r"""
/* Device private key, provisioned «ts:date» */
static const char device_private_key[] =
"«!pem:ec|cesc»";

static const char aws_root_ca[] =
"«pub:cert|cesc»";
""")

t("source", "c pem split across string literals", r"""
«~pem:rsa@k»const char *client_key =
    "«!=k|part:1:4|cesc»"
    "«!=k|part:2:4|cesc»"
    "«!=k|part:3:4|cesc»"
    "«!=k|part:4:4|cesc»";
""")

t("source", "c uint8_t key array", r"""
«~alnum:32@k»// AES-256 key for the config blob (do not ship in release builds)
static const uint8_t kConfigKey[32] = {
    «!=k|hexarr»
};

int decrypt_config(const uint8_t *in, size_t len, uint8_t *out) {
    return aes256_cbc_decrypt(kConfigKey, kIv, in, len, out);
}
""")

t("source", "cpp constexpr string_view token", r"""
namespace telemetry {

constexpr std::string_view kIngestUrl = "https://in.«project».io/v1/events";
constexpr std::string_view kIngestToken = "«!hexk:40»";

void Client::Flush() {
  httplib::Client cli(std::string(kIngestUrl));
  cli.set_bearer_token_auth(std::string(kIngestToken));
  auto res = cli.Post("/batch", Serialize(queue_), "application/json");
  if (!res || res->status != 200) LOG(WARNING) << "flush failed";
}

}  // namespace telemetry
""")

t("source", "cpp curl setopt userpwd", r"""
  CURL *curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, "https://artifacts.«project».io/upload/firmware.bin");
  curl_easy_setopt(curl, CURLOPT_USERPWD, "«user»:«!pw:rand»");
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READDATA, fp);
  CURLcode rc = curl_easy_perform(curl);
""")

t("source", "cpp raw string literal json", r"""
static const char* kServiceAccount = R"json({
  "type": "service_account",
  "project_id": "«project»-edge",
  "private_key_id": "«sha:1»",
  "private_key": "«!pem:pkcs8|cesc»",
  "client_email": "edge@«project»-edge.iam.gserviceaccount.com"
})json";
""")

t("source", "c getenv with usage error", r"""
int main(int argc, char **argv) {
    const char *token = getenv("UPLOAD_TOKEN");
    if (token == NULL || *token == '\0') {
        fprintf(stderr, "%s: UPLOAD_TOKEN is not set (export UPLOAD_TOKEN=... first)\n", argv[0]);
        return EXIT_FAILURE;
    }
    printf("using token of %zu bytes\n", strlen(token));
    return upload(argv[1], token);
}
""")

t("source", "c sha256 test vectors", r"""
static const struct { const char *msg; const char *hex; } vectors[] = {
    { "",    "«sha:256»" },
    { "abc", "«sha:256»" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "«sha:256»" },
};

static void test_sha256(void) {
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++)
        assert(strcmp(sha256_hex(vectors[i].msg), vectors[i].hex) == 0);
}
""")

t("source", "cpp public key embedded for verification", r"""
// Public key used to verify update manifests. Safe to embed.
static const char kUpdatePublicKey[] = R"(«pub:rsa»)";

bool VerifyManifest(const std::string& body, const std::string& sig) {
  return crypto::VerifyRsaPss(kUpdatePublicKey, body, base64::Decode(sig));
}
""")

t("source", "c ed25519 public key bytes", r"""
/* Ed25519 public key of the release signer (fingerprint «fpr»). */
static const unsigned char release_pubkey[32] = {
    «bytes:32»
};
""")

t("source", "cpp macro placeholder key", r"""
#ifndef MAPS_API_KEY
#define MAPS_API_KEY "YOUR_API_KEY_HERE"
#endif
#if defined(NDEBUG) && !defined(MAPS_KEY_FROM_BUILD)
#error "MAPS_API_KEY must be supplied by the build (-DMAPS_API_KEY=...)"
#endif
""")

t("plain", "gcc warning quoting line with secret", r"""
src/net/auth.c: In function 'auth_login':
src/net/auth.c:«line»:17: warning: unused variable 'admin_pass' [-Wunused-variable]
  «line» |     const char *admin_pass = "«!pw:human»";
      |                 ^~~~~~~~~~
src/net/auth.c:«line»:5: warning: implicit declaration of function 'sha1_hex' [-Wimplicit-function-declaration]
""")

t("plain", "clang-tidy output quoting hex digest", r"""
src/crypto/verify.cc:«line»:24: warning: variable 'kExpectedDigest' is non-const and globally accessible, consider making it const [cppcoreguidelines-avoid-non-const-global-variables]
static std::string kExpectedDigest = "«sha:256»";
                       ^
src/crypto/verify.cc:«line»:3: note: FIX-IT applied suggested code changes
«int:2:9» warnings generated.
""")

# ---- Rust ------------------------------------------------------------------------------------------

t("source", "rust const token and reqwest", r"""
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};

const CLOUDFLARE_TOKEN: &str = "«!b64urlk:40»";
const ZONE_ID: &str = "«hexk:32»";

pub async fn purge_cache(urls: &[&str]) -> anyhow::Result<()> {
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {CLOUDFLARE_TOKEN}"))?);
    reqwest::Client::new()
        .post(format!("https://api.cloudflare.com/client/v4/zones/{ZONE_ID}/purge_cache"))
        .headers(headers)
        .json(&serde_json::json!({ "files": urls }))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}
""")

t("source", "rust raw string pem test", r'''
#[cfg(test)]
mod tests {
    use super::*;

    const TEST_KEY: &str = r#"«!pem:ec»"#;

    #[test]
    fn signs_and_verifies() {
        let key = SigningKey::from_pem(TEST_KEY).unwrap();
        let sig = key.sign(b"hello");
        assert!(key.verifying_key().verify(b"hello", &sig).is_ok());
    }
}
''')

t("source", "rust struct literal config", r"""
let cfg = SmtpConfig {
    host: "email-smtp.eu-west-1.amazonaws.com".into(),
    port: 587,
    username: "«aws_id»".into(),
    password: "«!b64urlk:44»".into(),
    from: "alerts@«project».io".parse()?,
};
let mailer = AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&cfg.host)?
    .credentials(Credentials::new(cfg.username.clone(), cfg.password.clone()))
    .build();
""")

t("source", "rust byte string key", r"""
«~alnum:32@k»/// Key for the session cookie jar. Rotate with `just rotate-cookie-key`.
static COOKIE_KEY: &[u8; 32] = b"«!=k»";

pub fn cookie_key() -> Key {
    Key::derive_from(COOKIE_KEY)
}
""")

t("source", "rust env var expect message", r"""
let database_url = std::env::var("DATABASE_URL")
    .expect("DATABASE_URL must be set, e.g. postgres://user:password@localhost/app");
let jwt_secret = std::env::var("JWT_SECRET").map_err(|_| anyhow!("JWT_SECRET is missing"))?;
let pool = PgPoolOptions::new().max_connections(5).connect(&database_url).await?;
tracing::info!(len = jwt_secret.len(), "loaded JWT secret");
""")

t("source", "rust secrecy wrapper debug", r"""
#[derive(Deserialize)]
pub struct Settings {
    pub database: DatabaseSettings,
    pub api_token: Secret<String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings").field("api_token", &"[REDACTED]").finish()
    }
}
""")

t("source", "rust token validator regex", r"""
static SLACK_BOT: Lazy<Regex> = Lazy::new(|| Regex::new(r"^«prefix:xoxb»\d{10,13}-\d{10,13}-[A-Za-z0-9]{24}$").unwrap());
static STRIPE_LIVE: Lazy<Regex> = Lazy::new(|| Regex::new(r"^«prefix:sk_live»[0-9A-Za-z]{24,99}$").unwrap());

pub fn looks_like_secret(s: &str) -> bool {
    SLACK_BOT.is_match(s) || STRIPE_LIVE.is_match(s)
}
""")

t("source", "rust Cargo.lock checksums", r"""
[[package]]
name = "ring"
version = "«ver»"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "«sha:256»"
dependencies = [
 "cc",
 "getrandom",
 "libc",
]

[[package]]
name = "rustls"
version = "«ver»"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "«sha:256»"
""")

t("source", "rust cargo config registry token", r"""
[registries.«project»]
index = "sparse+https://cargo.«project».io/index/"
token = "Bearer «!alnum:48»"

[net]
git-fetch-with-cli = true
""")

# ---- Zig -------------------------------------------------------------------------------------------

t("source", "zig const api key", r"""
const std = @import("std");

const api_host = "api.«project».io";
const api_key = "«!hexk:64»";

pub fn main() !void {
    var gpa = std.heap.GeneralPurposeAllocator(.{}){};
    var client = std.http.Client{ .allocator = gpa.allocator() };
    defer client.deinit();
    var buf: [256]u8 = undefined;
    const auth = try std.fmt.bufPrint(&buf, "Bearer {s}", .{api_key});
    _ = auth;
}
""")

t("source", "zig build.zig.zon hashes", r"""
.{
    .name = "«project»",
    .version = "«ver»",
    .dependencies = .{
        .zap = .{
            .url = "https://github.com/zigzap/zap/archive/refs/tags/v0.8.0.tar.gz",
            .hash = "1220«sha:256»",
        },
        .pg = .{
            .url = "git+https://github.com/karlseguin/pg.zig#«sha:git»",
            .hash = "1220«sha:256»",
        },
    },
}
""")

t("source", "zig struct literal db password", r"""
var pool = try pg.Pool.init(allocator, .{
    .size = 5,
    .connect = .{ .port = 5432, .host = "«host»" },
    .auth = .{
        .username = "«user»",
        .database = "«project»",
        .password = "«!pw:human»",
        .timeout = 10_000,
    },
});
defer pool.deinit();
""")

# ---- Nim -------------------------------------------------------------------------------------------

t("source", "nim const bot token", r"""
import std/[httpclient, json, strformat]

const
  BotToken = "«!telegram»"
  ChatId = -100«digits:10»

proc notify(text: string) =
  let client = newHttpClient()
  client.headers = newHttpHeaders({"Content-Type": "application/json"})
  discard client.postContent(&"https://api.telegram.org/bot{BotToken}/sendMessage",
                             $(%*{"chat_id": ChatId, "text": text}))
""")

t("source", "nim getEnv with quit", r"""
let token = getEnv("TELEGRAM_BOT_TOKEN")
if token.len == 0:
  quit("TELEGRAM_BOT_TOKEN is empty; create a bot with @BotFather and export the token", 1)
let chatId = getEnv("TELEGRAM_CHAT_ID", "-100«digits:10»")
""")

t("source", "nim db_postgres open", r"""
import db_connector/db_postgres

let db = open("«host»", "«user»", "«!pw:human»", "«project»")
for row in db.fastRows(sql"SELECT id, email FROM users WHERE created_at > ?", "«ts:date»"):
  echo row[0], " ", row[1]
db.close()
""")

# ---- Lua -------------------------------------------------------------------------------------------

t("source", "lua openresty access phase secret", r"""
-- /etc/nginx/lua/auth.lua
local jwt = require "resty.jwt"
local JWT_SECRET = "«!b64k:32»"

local auth = ngx.var.http_authorization
if not auth then
  return ngx.exit(ngx.HTTP_UNAUTHORIZED)
end
local token = auth:match("Bearer%s+(.+)")
local obj = jwt:verify(JWT_SECRET, token)
if not obj.verified then
  ngx.log(ngx.WARN, "jwt rejected: ", obj.reason)
  return ngx.exit(ngx.HTTP_FORBIDDEN)
end
""")

t("source", "lua table config redis", r"""
return {
  redis = {
    host = "«host»",
    port = 6379,
    password = "«!pw:alnum»",
    db = 2,
  },
  upstream = "http://127.0.0.1:8080",
  rate_limit = { per_minute = 600, burst = 50 },
}
""")

t("source", "lua neovim plugin setup api key", r"""
require("codecompanion").setup({
  adapters = {
    anthropic = function()
      return require("codecompanion.adapters").extend("anthropic", {
        env = { api_key = "«!anthropic»" },
      })
    end,
  },
  strategies = { chat = { adapter = "anthropic" } },
})
""")

t("source", "lua neovim setup env cmd", r"""
require("codecompanion").setup({
  adapters = {
    openai = function()
      return require("codecompanion.adapters").extend("openai", {
        env = { api_key = "cmd:op read op://Personal/OpenAI/credential --no-newline" },
      })
    end,
  },
})
vim.g.copilot_no_tab_map = true
""")

t("source", "lua os.getenv error", r"""
local token = os.getenv("DISCORD_TOKEN")
if not token or token == "" then
  error("DISCORD_TOKEN is not set; put it in .env (see .env.example)")
end
local client = discordia.Client({ cacheAllMembers = false })
client:run("Bot " .. token)
""")

# ---- Perl ------------------------------------------------------------------------------------------

t("source", "perl DBI connect password", r"""
#!/usr/bin/perl
use strict;
use warnings;
use DBI;

my $dsn  = "DBI:mysql:database=«project»;host=«host»;port=3306";
my $dbh  = DBI->connect($dsn, '«user»', '«!pw:human»', { RaiseError => 1, AutoCommit => 1 })
    or die "Cannot connect: $DBI::errstr";

my $sth = $dbh->prepare('SELECT id, email FROM customers WHERE created > ?');
$sth->execute('«ts:date»');
""")

t("source", "perl hash config with api key", r"""
my %config = (
    api_url    => 'https://api.«project».com/v2',
    api_key    => '«!alnum:32»',
    api_secret => '«!hexk:64»',
    timeout    => 30,
    retries    => 3,
);

my $ua = LWP::UserAgent->new(timeout => $config{timeout});
$ua->default_header('X-Api-Key' => $config{api_key});
""")

t("source", "perl heredoc netrc writer", r"""
open(my $fh, '>', "$ENV{HOME}/.netrc") or die "cannot write .netrc: $!";
print $fh <<'EOT';
machine api.heroku.com
  login «email»
  password «!uuid»
machine git.heroku.com
  login «email»
  password «!uuid»
EOT
close $fh;
chmod 0600, "$ENV{HOME}/.netrc";
""")

t("source", "perl ENV lookup die", r"""
my $token = $ENV{GITLAB_TOKEN}
    or die "GITLAB_TOKEN not set: create one at https://gitlab.com/-/user_settings/personal_access_tokens (scope: api)\n";
my $api = GitLab::API::v4->new(url => 'https://gitlab.com/api/v4', private_token => $token);
""")

t("source", "perl Digest HMAC test", r"""
use Test::More tests => 2;
use Digest::SHA qw(hmac_sha256_hex sha1_hex);

is(hmac_sha256_hex('The quick brown fox jumps over the lazy dog', 'key'),
   '«sha:256»', 'hmac-sha256 known answer');
is(sha1_hex('abc'), '«sha:1»', 'sha1 of abc');
""")

# ---- R ---------------------------------------------------------------------------------------------

t("source", "r dbConnect password literal", r"""
library(DBI)
library(RPostgres)

con <- dbConnect(
  Postgres(),
  dbname = "«project»_warehouse",
  host = "«host»",
  port = 5432,
  user = "analyst",
  password = "«!pw:human»"
)
sales <- dbGetQuery(con, "SELECT region, sum(amount) AS total FROM sales GROUP BY region")
""")

t("source", "r Sys.setenv api key in script", r"""
# run once per session
Sys.setenv(OPENAI_API_KEY = "«!openai:legacy»")
Sys.setenv(AWS_ACCESS_KEY_ID = "«aws_id»",
           AWS_SECRET_ACCESS_KEY = "«!aws_secret»",
           AWS_DEFAULT_REGION = "eu-west-1")
df <- aws.s3::s3read_using(read.csv, object = "exports/«ts:date».csv", bucket = "«project»-exports")
""")

t("source", "r keyring and Sys.getenv", r"""
pw <- keyring::key_get("warehouse", username = "analyst")
token <- Sys.getenv("GITHUB_PAT")
if (!nzchar(token)) stop("GITHUB_PAT is empty: run usethis::create_github_token() and gitcreds::gitcreds_set()")
con <- DBI::dbConnect(RPostgres::Postgres(), host = "«host»", user = "analyst", password = pw)
""")

t("source", "r Renviron file", r"""
# ~/.Renviron
R_LIBS_USER=~/R/library/%v
GITHUB_PAT=«!gh:p»
CENSUS_API_KEY=«!hexk:40»
TZ=Europe/Berlin
""")

# ---- Julia -----------------------------------------------------------------------------------------

t("source", "julia const token http", r"""
using HTTP, JSON3

const HF_TOKEN = "«!hf»"
const MODEL = "mistralai/Mistral-7B-Instruct-v0.3"

function generate(prompt)
    r = HTTP.post("https://api-inference.huggingface.co/models/$MODEL",
                  ["Authorization" => "Bearer $HF_TOKEN", "Content-Type" => "application/json"],
                  JSON3.write(Dict("inputs" => prompt)))
    JSON3.read(r.body)
end
""")

t("source", "julia LibPQ connection", r"""
using LibPQ, DataFrames
conn = LibPQ.Connection("host=«host» port=5432 dbname=«project» user=«user» password=«!pw:safe» sslmode=require")
df = DataFrame(execute(conn, "SELECT * FROM measurements WHERE ts > now() - interval '1 day'"))
close(conn)
""")

t("source", "julia ENV get with error", r"""
token = get(ENV, "HF_TOKEN") do
    error("HF_TOKEN not set. Get one at https://huggingface.co/settings/tokens")
end
@info "authenticated" token_length = length(token)
""")

# ---- MATLAB ----------------------------------------------------------------------------------------

t("source", "matlab weboptions api key", r"""
% fetch_prices.m
apiKey = '«!ualnum:16»';   % alphavantage
symbol = 'MSFT';
url = sprintf('https://www.alphavantage.co/query?function=TIME_SERIES_DAILY&symbol=%s&apikey=%s', symbol, apiKey);
opts = weboptions('Timeout', 30, 'ContentType', 'json');
data = webread(url, opts);
""")

t("source", "matlab database connection", r"""
conn = database('«project»_lab', 'labuser', '«!pw:human»', ...
    'Vendor', 'PostgreSQL', 'Server', '«host»', 'PortNumber', 5432);
results = fetch(conn, 'SELECT sample_id, value FROM assays WHERE run = 42');
close(conn);
""")

t("source", "matlab getenv check", r"""
token = getenv('THINGSPEAK_WRITE_KEY');
if isempty(token)
    error('ingest:noKey', 'THINGSPEAK_WRITE_KEY is not set. setenv it before running ingest.m');
end
channelID = «digits:7»;
thingSpeakWrite(channelID, readings, 'WriteKey', token);
""")

# ---- Fortran / COBOL -------------------------------------------------------------------------------

t("source", "fortran parameter character secret", r"""
module config_mod
  implicit none
  character(len=*), parameter :: db_host = "«host»"
  character(len=*), parameter :: db_user = "«user»"
  character(len=*), parameter :: db_pass = "«!pw:safe»"
  integer, parameter :: db_port = 5432
end module config_mod
""")

t("source", "fortran get_environment_variable", r"""
  call get_environment_variable("NETCDF_REMOTE_TOKEN", token, length=tlen, status=stat)
  if (stat /= 0 .or. tlen == 0) then
     write(error_unit, '(a)') 'error: NETCDF_REMOTE_TOKEN is not set'
     stop 1
  end if
""")

t("source", "cobol working-storage password", r"""
       IDENTIFICATION DIVISION.
       PROGRAM-ID. CUSTLOAD.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01  WS-DB-USER        PIC X(8)  VALUE 'BATCHUSR'.
       01  WS-DB-PASSWORD    PIC X(16) VALUE '«!ualnum:12»'.
       01  WS-DB-NAME        PIC X(8)  VALUE 'CUSTDB01'.
       PROCEDURE DIVISION.
           EXEC SQL
               CONNECT TO :WS-DB-NAME USER :WS-DB-USER USING :WS-DB-PASSWORD
           END-EXEC.
""")

t("source", "cobol copybook layout", r"""
       01  CUSTOMER-RECORD.
           05  CUST-ID            PIC 9(8).
           05  CUST-NAME          PIC X(30).
           05  CUST-PASSWORD-HASH PIC X(64).
           05  CUST-API-TOKEN-REF PIC X(36).
           05  CUST-STATUS        PIC X.
               88  CUST-ACTIVE    VALUE 'A'.
""")

# ---- PowerShell ------------------------------------------------------------------------------------

t("shell", "powershell ConvertTo-SecureString plain text", r"""
$ErrorActionPreference = 'Stop'
$user = 'CORP\svc_deploy'
$securePassword = ConvertTo-SecureString '«!pw:human»' -AsPlainText -Force
$cred = New-Object System.Management.Automation.PSCredential ($user, $securePassword)

Invoke-Command -ComputerName «pick:APP01,APP02,WEB-PROD-03» -Credential $cred -ScriptBlock {
    Restart-Service -Name 'W3SVC'
    Get-Service W3SVC | Select-Object Status, Name
}
""")

t("shell", "powershell Invoke-RestMethod bearer header", r"""
$headers = @{
    'Authorization' = 'Bearer «!gh:p»'
    'Accept'        = 'application/vnd.github+json'
    'X-GitHub-Api-Version' = '2022-11-28'
}
$body = @{ ref = 'main'; inputs = @{ environment = 'staging' } } | ConvertTo-Json
Invoke-RestMethod -Method Post -Uri 'https://api.github.com/repos/«project»/api/actions/workflows/deploy.yml/dispatches' -Headers $headers -Body $body
""")

t("shell", "powershell azure storage context key", r"""
Import-Module Az.Storage
$ctx = New-AzStorageContext -StorageAccountName '«project»backups' -StorageAccountKey '«!azure_key»'
Get-ChildItem 'D:\Backups\*.bak' | ForEach-Object {
    Set-AzStorageBlobContent -File $_.FullName -Container 'sql' -Blob $_.Name -Context $ctx -Force
}
""")

t("shell", "powershell env var assignment script", r"""
# dev-env.ps1 -- dot-source me
$env:ASPNETCORE_ENVIRONMENT = 'Development'
$env:ConnectionStrings__Default = 'Server=localhost;Database=«project»;User Id=sa;Password=«!pw:human»;TrustServerCertificate=true'
$env:OPENAI_API_KEY = '«!openai:proj»'
$env:PATH = "$PSScriptRoot\tools;$env:PATH"
Write-Host "dev environment ready" -ForegroundColor Green
""")

t("shell", "powershell Get-Secret SecretManagement", r"""
Import-Module Microsoft.PowerShell.SecretManagement
$token = Get-Secret -Name 'NuGetApiKey' -Vault 'BuildVault' -AsPlainText
if (-not $token) { throw 'NuGetApiKey not found in vault BuildVault. Run Set-Secret first.' }
dotnet nuget push ".\artifacts\*.nupkg" --api-key $token --source https://api.nuget.org/v3/index.json --skip-duplicate
""")

t("shell", "powershell nuget push literal key", r"""
$version = (Select-Xml -Path .\src\Directory.Build.props -XPath '//Version').Node.InnerText
dotnet pack .\src\«project|cap».csproj -c Release -o .\artifacts /p:Version=$version
dotnet nuget push ".\artifacts\«project|cap».$version.nupkg" --api-key «!nuget» --source https://api.nuget.org/v3/index.json
""")

t("shell", "powershell Get-Credential prompt and DPAPI", r"""
$credPath = Join-Path $env:APPDATA '«project»\sql.cred.xml'
if (-not (Test-Path $credPath)) {
    Get-Credential -Message 'SQL login for «project»' | Export-Clixml -Path $credPath
}
$cred = Import-Clixml -Path $credPath
Invoke-Sqlcmd -ServerInstance '«host»' -Database '«project»' -Credential $cred -Query 'SELECT @@VERSION'
""")

t("shell", "powershell Export-Clixml secure string blob", r"""
PS C:\> Get-Content $env:APPDATA\«project»\sql.cred.xml
<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
  <Obj RefId="0">
    <TN RefId="0"><T>System.Management.Automation.PSCredential</T><T>System.Object</T></TN>
    <ToString>System.Management.Automation.PSCredential</ToString>
    <Props>
      <S N="UserName">CORP\«user»</S>
      <SS N="Password">01000000d08c9ddf0115d1118c7a00c04fc297eb01000000«hexk:320»</SS>
    </Props>
  </Obj>
</Objs>
""")

t("shell", "powershell Send-MailMessage credential", r"""
$smtpPass = ConvertTo-SecureString -String "«!sendgrid»" -AsPlainText -Force
$smtpCred = [pscredential]::new('apikey', $smtpPass)
Send-MailMessage -SmtpServer 'smtp.sendgrid.net' -Port 587 -UseSsl -Credential $smtpCred `
    -From 'build@«project».com' -To 'team@«project».com' -Subject "Nightly build $(Get-Date -Format yyyy-MM-dd)" -Body $summary
""")

t("shell", "powershell psake properties", r"""
properties {
    $Configuration = 'Release'
    $ArtifactsDir = Join-Path $PSScriptRoot 'artifacts'
    $OctopusServer = 'https://deploy.«project».com'
    $OctopusApiKey = 'API-«!ualnum:27»'
}

task Push -depends Pack {
    exec { octo push --package "$ArtifactsDir\*.nupkg" --server $OctopusServer --apiKey $OctopusApiKey }
}
""")

# ---- Bash / zsh / fish -----------------------------------------------------------------------------

t("shell", "bash deploy script exported secrets", r"""
#!/usr/bin/env bash
set -euo pipefail

export AWS_ACCESS_KEY_ID=«aws_id»
export AWS_SECRET_ACCESS_KEY=«!aws_secret»
export AWS_DEFAULT_REGION=eu-west-1

IMAGE="«digits:12».dkr.ecr.eu-west-1.amazonaws.com/«project»:$(git rev-parse --short HEAD)"
aws ecr get-login-password | docker login --username AWS --password-stdin "${IMAGE%%/*}"
docker build -t "$IMAGE" .
docker push "$IMAGE"
""")

t("shell", "bash function with curl token", r"""
gh_release() {
  local tag="$1"
  curl -fsSL -X POST \
    -H "Authorization: Bearer «!ghpat»" \
    -H "Accept: application/vnd.github+json" \
    "https://api.github.com/repos/«project»/cli/releases" \
    -d "{\"tag_name\":\"${tag}\",\"generate_release_notes\":true}"
}

gh_release "v$(cat VERSION)"
""")

t("shell", "bash heredoc writes env file", r"""
#!/bin/bash
# bootstrap.sh - first boot of the app VM
cat > /etc/«project»/app.env <<EOF
NODE_ENV=production
PORT=3000
DATABASE_URL=postgres://«user»:«!pw:alnum»@«host»:5432/«project»
REDIS_URL=redis://:«!pw:alnum»@«host»:6379/0
SESSION_SECRET=«!hexk:64»
EOF
chmod 600 /etc/«project»/app.env
systemctl restart «project»
""")

t("shell", "bash mysql client password flag", r"""
#!/bin/sh
# nightly dump
STAMP=$(date +%F)
mysqldump -h «host» -u backup -p'«!pw:human»' --single-transaction --routines «project» \
  | gzip > "/var/backups/«project»-$STAMP.sql.gz"
find /var/backups -name '«project»-*.sql.gz' -mtime +14 -delete
""")

t("shell", "zsh zshrc exports", r"""
# ~/.zshrc
export PATH="$HOME/.local/bin:$HOME/go/bin:$PATH"
export EDITOR=nvim
export HOMEBREW_GITHUB_API_TOKEN=«!gh:p»
export ANTHROPIC_API_KEY=«!anthropic»
alias k=kubectl
source <(kubectl completion zsh)
""")

t("shell", "fish config set -gx", r"""
# ~/.config/fish/config.fish
set -gx GOPATH $HOME/go
set -gx NPM_TOKEN «!npm»
set -gx HF_TOKEN «!hf»
fish_add_path $GOPATH/bin
if status is-interactive
    starship init fish | source
end
""")

t("shell", "fish function with op read", r"""
function aws-prod --description 'load prod credentials from 1Password'
    set -gx AWS_ACCESS_KEY_ID (op read "op://Infra/aws-prod/access key id")
    set -gx AWS_SECRET_ACCESS_KEY (op read "op://Infra/aws-prod/secret access key")
    set -gx AWS_REGION eu-central-1
    echo "prod credentials loaded for "(aws sts get-caller-identity --query Arn --output text)
end
""")

t("shell", "bash vault kv get and jq", r"""
#!/usr/bin/env bash
set -euo pipefail
export VAULT_ADDR=https://vault.«project».internal:8200
DB_PASSWORD="$(vault kv get -field=password secret/«project»/prod/db)"
STRIPE_KEY="$(vault kv get -format=json secret/«project»/prod/stripe | jq -r .data.data.secret_key)"
: "${DB_PASSWORD:?vault returned an empty password}"
exec ./bin/server --db-password-file <(printf '%s' "$DB_PASSWORD")
""")

t("shell", "bash aws secretsmanager lookup", r"""
get_secret() {
  aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text
}
export DATABASE_PASSWORD="$(get_secret «project»/prod/db-password)"
export SENTRY_AUTH_TOKEN="$(get_secret «project»/ci/sentry)"
echo "loaded ${#DATABASE_PASSWORD} chars of db password"
""")

t("shell", "bash sha256sum verify release", r"""
#!/bin/sh
set -e
VERSION=«ver»
curl -fsSLO "https://github.com/«project»/cli/releases/download/v${VERSION}/cli_${VERSION}_linux_amd64.tar.gz"
echo "«sha:256»  cli_${VERSION}_linux_amd64.tar.gz" | sha256sum -c -
tar -xzf "cli_${VERSION}_linux_amd64.tar.gz" -C /usr/local/bin cli
""")

t("shell", "bash gpg import public key and verify", r"""
#!/usr/bin/env bash
# Verify the release signature with the maintainers' public key
gpg --keyserver hkps://keys.openpgp.org --recv-keys «hexu:40»
gpg --verify SHA256SUMS.asc SHA256SUMS
grep "«project»-«ver»-x86_64.AppImage" SHA256SUMS | sha256sum -c
echo "fingerprint: «fpr:pgp»"
""")

t("shell", "bash htpasswd from env", r"""
#!/bin/sh
: "${BASIC_AUTH_USER:?set BASIC_AUTH_USER}"
: "${BASIC_AUTH_PASSWORD:?set BASIC_AUTH_PASSWORD}"
htpasswd -bBc /etc/nginx/.htpasswd "$BASIC_AUTH_USER" "$BASIC_AUTH_PASSWORD"
nginx -g 'daemon off;'
""")

t("shell", "bash ssh-keygen and authorized_keys", r"""
#!/usr/bin/env bash
install -d -m 700 /home/deploy/.ssh
cat >> /home/deploy/.ssh/authorized_keys <<'KEYS'
«ssh_pub:ed»
«ssh_pub:ed»
«ssh_pub:rsa»
KEYS
chmod 600 /home/deploy/.ssh/authorized_keys
chown -R deploy:deploy /home/deploy/.ssh
""")

t("shell", "bash writes deploy key from heredoc", r"""
#!/usr/bin/env bash
mkdir -p ~/.ssh && chmod 700 ~/.ssh
cat > ~/.ssh/id_ed25519 <<'KEY'
«!pem:openssh»
KEY
chmod 600 ~/.ssh/id_ed25519
ssh-keyscan github.com >> ~/.ssh/known_hosts
git clone git@github.com:«project»/infra.git
""")

t("shell", "bash docker login password literal", r"""
#!/bin/bash
REGISTRY=registry.gitlab.com
echo "«!glpat»" | docker login "$REGISTRY" -u «name» --password-stdin
docker build -t "$REGISTRY/«project»/api:latest" .
docker push "$REGISTRY/«project»/api:latest"
""")

t("shell", "bash curl basic auth user colon pass", r"""
#!/usr/bin/env bash
# push the nightly build to Nexus
curl -fSs -u "«user»:«!pw:rand»" \
  --upload-file "build/«project»-«ver».tar.gz" \
  "https://nexus.«project».io/repository/raw-nightly/«project»-«ver».tar.gz"
""")

t("shell", "bash case stmt placeholder keys", r"""
case "$ENVIRONMENT" in
  dev)     API_KEY="dev-key-not-secret"; API_URL=http://localhost:8080 ;;
  staging) API_KEY="${STAGING_API_KEY:?missing STAGING_API_KEY}"; API_URL=https://staging.«project».io ;;
  prod)    API_KEY="${PROD_API_KEY:?missing PROD_API_KEY}"; API_URL=https://api.«project».io ;;
  *) echo "unknown environment: $ENVIRONMENT" >&2; exit 2 ;;
esac
""")

t("shell", "bash kubectl create secret literal", r"""
kubectl -n «project» create secret generic api-secrets \
  --from-literal=DATABASE_PASSWORD='«!pw:human»' \
  --from-literal=JWT_SECRET='«!b64k:32»' \
  --from-literal=STRIPE_SECRET_KEY='«!stripe:sk_live»' \
  --dry-run=client -o yaml | kubectl apply -f -
""")

t("shell", "bash kubectl create secret from files", r"""
kubectl -n «project» create secret generic api-secrets \
  --from-file=DATABASE_PASSWORD=./secrets/db-password.txt \
  --from-env-file=./secrets/prod.env \
  --dry-run=client -o yaml | kubeseal --controller-namespace kube-system --format yaml > k8s/sealed-api-secrets.yaml
git add k8s/sealed-api-secrets.yaml
""")

t("shell", "bash psql PGPASSWORD inline", r"""
#!/usr/bin/env bash
set -e
for f in migrations/*.sql; do
  echo "applying $f"
  PGPASSWORD='«!pw:human»' psql -h «host» -U «user» -d «project» -v ON_ERROR_STOP=1 -f "$f"
done
""")

t("shell", "bash openssl generate and print fingerprint", r"""
#!/bin/sh
openssl req -x509 -newkey rsa:4096 -nodes -keyout tls.key -out tls.crt -days 365 -subj "/CN=«project».local"
openssl x509 -in tls.crt -noout -fingerprint -sha256
# SHA256 Fingerprint=«fpr:colon»
openssl x509 -in tls.crt -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64
# «pin|after:sha256/»
""")

t("shell", "bash wireguard setup", r"""
#!/usr/bin/env bash
cat > /etc/wireguard/wg0.conf <<EOF
[Interface]
Address = 10.8.0.«int:2:250»/24
PrivateKey = «!wg»
ListenPort = 51820

[Peer]
PublicKey = «wg»
AllowedIPs = 10.8.0.0/24
Endpoint = «ip:public»:51820
PersistentKeepalive = 25
EOF
systemctl enable --now wg-quick@wg0
""")

t("shell", "bash netrc printf in ci", r"""
#!/bin/sh
printf 'machine github.com\nlogin x-access-token\npassword %s\n' "«!gh:s»" > ~/.netrc
chmod 600 ~/.netrc
go env -w GOPRIVATE=github.com/«project»/*
go mod download
""")

t("shell", "bash get token from file with check", r"""
TOKEN_FILE="${XDG_CONFIG_HOME:-$HOME/.config}/«project»/token"
if [[ ! -s "$TOKEN_FILE" ]]; then
  echo "error: no token at $TOKEN_FILE; run '«project» login' first" >&2
  exit 1
fi
TOKEN="$(<"$TOKEN_FILE")"
curl -fsS -H "Authorization: Bearer ${TOKEN}" "https://api.«project».io/v1/me"
""")

t("shell", "zsh function with masked echo", r"""
load_keys() {
  export OPENAI_API_KEY="$(security find-generic-password -s openai -w)"
  export ANTHROPIC_API_KEY="$(security find-generic-password -s anthropic -w)"
  print -P "%F{green}keys loaded%f: OPENAI_API_KEY=${OPENAI_API_KEY[1,7]}…${OPENAI_API_KEY[-4,-1]}"
}
""")

# ---- Groovy / Jenkinsfile --------------------------------------------------------------------------

t("source", "jenkinsfile environment block literal", r"""
pipeline {
    agent { label 'docker' }
    environment {
        REGISTRY      = 'registry.«project».io'
        SONAR_TOKEN   = '«!sonar»'
        SLACK_WEBHOOK = '«!slack_hook»'
    }
    stages {
        stage('Analyse') {
            steps { sh './gradlew sonar -Dsonar.token=$SONAR_TOKEN' }
        }
    }
    post {
        failure { sh "curl -s -X POST -d '{\"text\":\"${env.JOB_NAME} failed\"}' $SLACK_WEBHOOK" }
    }
}
""")

t("source", "jenkinsfile withCredentials", r"""
pipeline {
    agent any
    stages {
        stage('Publish') {
            steps {
                withCredentials([
                    usernamePassword(credentialsId: 'nexus-deployer', usernameVariable: 'NEXUS_USER', passwordVariable: 'NEXUS_PASS'),
                    string(credentialsId: 'sonar-token', variable: 'SONAR_TOKEN'),
                    sshUserPrivateKey(credentialsId: 'deploy-key', keyFileVariable: 'KEYFILE')
                ]) {
                    sh './gradlew publish -PnexusUser=$NEXUS_USER -PnexusPass=$NEXUS_PASS'
                }
            }
        }
    }
}
""")

t("source", "jenkinsfile scripted sh with password", r"""
node('linux') {
    stage('Deploy') {
        checkout scm
        def version = sh(returnStdout: true, script: 'git describe --tags').trim()
        sh "sshpass -p '«!pw:human@sp»' scp build/libs/app-${version}.jar deploy@«host»:/opt/app/"
        sh "sshpass -p '«=sp»' ssh deploy@«host» 'sudo systemctl restart app'"
    }
}
""")

t("source", "groovy init script credentials store", r"""
// $JENKINS_HOME/init.groovy.d/credentials.groovy
import com.cloudbees.plugins.credentials.*
import com.cloudbees.plugins.credentials.domains.*
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl
import hudson.util.Secret

def store = SystemCredentialsProvider.getInstance().getStore()
store.addCredentials(Domain.global(), new StringCredentialsImpl(
    CredentialsScope.GLOBAL, "github-token", "GitHub PAT for the org", Secret.fromString("«!gh:p»")))
store.addCredentials(Domain.global(), new UsernamePasswordCredentialsImpl(
    CredentialsScope.GLOBAL, "nexus", "Nexus deployer", "deployer", "«!pw:rand»"))
""")

t("source", "jenkins credentials.xml encrypted", r"""
<com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>
  <scope>GLOBAL</scope>
  <id>nexus-deployer</id>
  <description>Nexus deployer</description>
  <username>deployer</username>
  <password>{«b64blob:64»}</password>
  <usernameSecret>false</usernameSecret>
</com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>
""")

t("source", "groovy spock fixture api key", r"""
class PaymentGatewaySpec extends Specification {
    @Shared String apiKey = "«!stripe:sk_test»"

    def "charges a card"() {
        given:
        def gateway = new PaymentGateway(apiKey)

        when:
        def charge = gateway.charge(1999, "eur", "tok_visa")

        then:
        charge.status == "succeeded"
    }
}
""")

t("source", "groovy grails datasource", r"""
environments {
    production {
        dataSource {
            dbCreate = "none"
            url = "jdbc:mysql://«host»:3306/«project»?useSSL=true"
            username = "«user»"
            password = "«!pw:human»"
            properties { maxActive = 50; validationQuery = "SELECT 1" }
        }
    }
}
""")

# ---- Gradle ----------------------------------------------------------------------------------------

t("source", "gradle kts buildConfigField secret", r"""
android {
    namespace = "com.«project».app"
    defaultConfig {
        applicationId = "com.«project».app"
        minSdk = 24
        versionCode = «int:100:999»
        buildConfigField("String", "API_BASE", "\"https://api.«project».com\"")
        buildConfigField("String", "API_SECRET", "\"«!alnum:40»\"")
        manifestPlaceholders["mapsKey"] = "«google_key»"
    }
}
""")

t("source", "gradle kts signingConfigs literal passwords", r"""
android {
    signingConfigs {
        create("release") {
            storeFile = file("../keystore/release.jks")
            storePassword = "«!pw:human»"
            keyAlias = "«project»-release"
            keyPassword = "«!pw:human»"
        }
    }
    buildTypes {
        release {
            isMinifyEnabled = true
            signingConfig = signingConfigs.getByName("release")
        }
    }
}
""")

t("source", "gradle kts maven repo credentials literal", r"""
repositories {
    mavenCentral()
    maven {
        name = "GitHubPackages"
        url = uri("https://maven.pkg.github.com/«project»/android-sdk")
        credentials {
            username = "«name»"
            password = "«!gh:p»"
        }
    }
}
""")

t("source", "gradle kts maven repo credentials from properties", r"""
repositories {
    maven {
        name = "GitHubPackages"
        url = uri("https://maven.pkg.github.com/«project»/android-sdk")
        credentials {
            username = providers.gradleProperty("gpr.user").orNull ?: System.getenv("GITHUB_ACTOR")
            password = providers.gradleProperty("gpr.key").orNull ?: System.getenv("GITHUB_TOKEN")
        }
    }
}
""")

t("source", "gradle.properties with secrets", r"""
org.gradle.jvmargs=-Xmx4g -Dfile.encoding=UTF-8
org.gradle.caching=true
android.useAndroidX=true
signing.keyId=«hexu:8»
signing.password=«!pw:human»
signing.secretKeyRingFile=/home/«name»/.gnupg/secring.gpg
ossrhUsername=«name»
ossrhPassword=«!pw:rand»
""")

t("source", "gradle.properties no secrets", r"""
org.gradle.jvmargs=-Xmx4g -XX:+UseParallelGC
org.gradle.parallel=true
kotlin.code.style=official
android.nonTransitiveRClass=true
# Credentials live in ~/.gradle/gradle.properties, never here:
#   gpr.user=<github user>
#   gpr.key=<token with read:packages>
VERSION_NAME=«ver»
""")

t("source", "gradle groovy dsl verification metadata", r"""
<component group="com.squareup.okhttp3" name="okhttp" version="«ver»">
   <artifact name="okhttp-«ver».jar">
      <sha256 value="«sha:256»" origin="Generated by Gradle"/>
   </artifact>
   <artifact name="okhttp-«ver».module">
      <sha256 value="«sha:256»" origin="Generated by Gradle"/>
   </artifact>
</component>
""")

t("source", "gradle groovy sonar property literal", r"""
sonarqube {
    properties {
        property "sonar.projectKey", "«project»_backend"
        property "sonar.organization", "«project»"
        property "sonar.host.url", "https://sonarcloud.io"
        property "sonar.login", "«!hexk:40»"
    }
}
""")

# ---- Make / CMake / Bazel --------------------------------------------------------------------------

t("source", "makefile variables with token", r"""
APP      := «project»
VERSION  := $(shell git describe --tags --always)
REGISTRY := ghcr.io/«project»
GHCR_TOKEN := «!gh:p»

.PHONY: build push

build:
	docker build -t $(REGISTRY)/$(APP):$(VERSION) .

push: build
	echo $(GHCR_TOKEN) | docker login ghcr.io -u «name» --password-stdin
	docker push $(REGISTRY)/$(APP):$(VERSION)
""")

t("source", "makefile env required check", r"""
ifndef SENTRY_AUTH_TOKEN
$(error SENTRY_AUTH_TOKEN is undefined: export it or put it in .env.local)
endif

release:
	sentry-cli releases new $(VERSION)
	sentry-cli releases files $(VERSION) upload-sourcemaps ./dist
""")

t("source", "makefile db migrate with password", r"""
DB_URL ?= postgres://«user»:«!pw:safe»@localhost:5432/«project»_dev?sslmode=disable

migrate-up:
	migrate -path db/migrations -database "$(DB_URL)" up

migrate-down:
	migrate -path db/migrations -database "$(DB_URL)" down 1
""")

t("source", "makefile test target fake credentials", r"""
test: export AWS_ACCESS_KEY_ID=test
test: export AWS_SECRET_ACCESS_KEY=test
test: export AWS_ENDPOINT_URL=http://localhost:4566
test:
	docker compose up -d localstack
	go test ./... -race -count=1
""")

t("source", "cmake cache variable api key", r"""
cmake_minimum_required(VERSION 3.22)
project(«project»_client LANGUAGES CXX)

set(TELEMETRY_ENDPOINT "https://in.«project».io" CACHE STRING "Telemetry endpoint")
set(TELEMETRY_KEY "«!hexk:32»" CACHE STRING "Telemetry ingest key")

add_executable(client src/main.cpp src/telemetry.cpp)
target_compile_definitions(client PRIVATE TELEMETRY_KEY="${TELEMETRY_KEY}" TELEMETRY_ENDPOINT="${TELEMETRY_ENDPOINT}")
""")

t("source", "cmake fetchcontent hashes", r"""
include(FetchContent)
FetchContent_Declare(
  json
  URL https://github.com/nlohmann/json/releases/download/v3.11.3/json.tar.xz
  URL_HASH SHA256=«sha:256»
)
FetchContent_Declare(
  spdlog
  GIT_REPOSITORY https://github.com/gabime/spdlog.git
  GIT_TAG        «sha:git»
)
FetchContent_MakeAvailable(json spdlog)
""")

t("source", "cmake env lookup fatal", r"""
if(NOT DEFINED ENV{CODESIGN_IDENTITY})
  message(FATAL_ERROR "CODESIGN_IDENTITY not set; run: export CODESIGN_IDENTITY=\"Developer ID Application: ...\"")
endif()
set(NOTARY_PASSWORD "@keychain:AC_PASSWORD")
""")

t("source", "bazel http_archive sha256", r"""
load("@bazel_tools//tools/build_defs/repo:http.bzl", "http_archive")

http_archive(
    name = "rules_go",
    sha256 = "«sha:256»",
    urls = ["https://github.com/bazelbuild/rules_go/releases/download/v0.46.0/rules_go-v0.46.0.zip"],
)

http_archive(
    name = "com_google_protobuf",
    integrity = "«sri:256»",
    strip_prefix = "protobuf-25.3",
    urls = ["https://github.com/protocolbuffers/protobuf/archive/v25.3.tar.gz"],
)
""")

t("source", "bazel genrule with embedded token", r"""
genrule(
    name = "fetch_models",
    outs = ["models.tar.gz"],
    cmd = "curl -fsSL -H 'Authorization: Bearer «!hf»' " +
          "https://huggingface.co/«project»/intent-classifier/resolve/main/model.tar.gz -o $@",
    tags = ["requires-network"],
)
""")

t("source", "bazelrc remote cache header", r"""
build --remote_cache=grpcs://remote.buildbuddy.io
build --remote_header=x-buildbuddy-api-key=«!alnum:20»
build --remote_timeout=3600
build --experimental_remote_cache_compression
test --test_output=errors
""")

t("source", "bazelrc user include secrets file", r"""
build --remote_cache=grpcs://remote.buildbuddy.io
build --bes_backend=grpcs://remote.buildbuddy.io
# The API key header lives in a file that is not checked in:
try-import %workspace%/user.bazelrc
test --test_output=errors
""")

# ---- Nix -------------------------------------------------------------------------------------------

t("source", "nix module literal password", r"""
{ config, pkgs, ... }:
{
  services.postgresql = {
    enable = true;
    ensureDatabases = [ "«project»" ];
    initialScript = pkgs.writeText "init.sql" ''
      CREATE ROLE «user» WITH LOGIN PASSWORD '«!pw:safe»';
      GRANT ALL PRIVILEGES ON DATABASE «project» TO «user»;
    '';
  };
  services.grafana.settings.security.admin_password = "«!pw:safe»";
}
""")

t("source", "nix agenix secret reference", r"""
{ config, ... }:
{
  age.secrets.grafana-admin = {
    file = ../secrets/grafana-admin.age;
    owner = "grafana";
  };
  services.grafana.settings.security.admin_password = "$__file{${config.age.secrets.grafana-admin.path}}";
  services.restic.backups.daily.passwordFile = config.age.secrets.restic.path;
}
""")

t("source", "nix fetchFromGitHub hashes", r"""
{ lib, buildGoModule, fetchFromGitHub }:
buildGoModule rec {
  pname = "«project»";
  version = "«ver»";
  src = fetchFromGitHub {
    owner = "«project»";
    repo = pname;
    rev = "v${version}";
    hash = "«sri:256»";
  };
  vendorHash = "«sri:256»";
  ldflags = [ "-s" "-w" "-X main.version=${version}" ];
}
""")

t("source", "nix flake env with token", r"""
{
  outputs = { self, nixpkgs }: {
    devShells.x86_64-linux.default = nixpkgs.legacyPackages.x86_64-linux.mkShell {
      packages = with nixpkgs.legacyPackages.x86_64-linux; [ terraform awscli2 ];
      shellHook = ''
        export TF_TOKEN_app_terraform_io="«!tfc»"
        export AWS_PROFILE=«project»-dev
      '';
    };
  };
}
""")

t("yaml", "nix sops-nix secrets.yaml encrypted", r"""
wireguard_private_key: «sops»
db_password: «sops»
sops:
    age:
        - recipient: «age:pub»
          enc: |
            «dash»BEGIN AGE ENCRYPTED FILE«dash»
            «b64blob:120|wrap:64|indent:12»
            «dash»END AGE ENCRYPTED FILE«dash»
    lastmodified: "«ts»"
    mac: «sops»
    version: 3.8.1
""")

t("source", "nix wireguard interface private key", r"""
  networking.wireguard.interfaces.wg0 = {
    ips = [ "10.100.0.«int:2:250»/24" ];
    listenPort = 51820;
    privateKey = "«!wg»";
    peers = [{
      publicKey = "«wg»";
      allowedIPs = [ "10.100.0.0/24" ];
      endpoint = "«ip:public»:51820";
    }];
  };
""")

# ---- Dockerfile ------------------------------------------------------------------------------------

t("source", "dockerfile ENV with secret", r"""
FROM node:20-alpine AS build
WORKDIR /app
COPY package*.json ./
ENV NPM_TOKEN=«!npm»
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
COPY . .
RUN npm run build

FROM node:20-alpine
COPY --from=build /app/dist /app
CMD ["node", "/app/server.js"]
""")

t("source", "dockerfile ARG default password", r"""
FROM mcr.microsoft.com/mssql/server:2022-latest
ARG SA_PASSWORD=«!pw:human»
ENV ACCEPT_EULA=Y \
    MSSQL_SA_PASSWORD=${SA_PASSWORD} \
    MSSQL_PID=Developer
COPY init.sql /docker-entrypoint-initdb.d/
EXPOSE 1433
""")

t("source", "dockerfile build secret mount", r"""
# syntax=docker/dockerfile:1.6
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN --mount=type=secret,id=pip_index_url \
    PIP_INDEX_URL="$(cat /run/secrets/pip_index_url)" pip install --no-cache-dir -r requirements.txt
COPY . .
USER 10001
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:wsgi"]
""")

t("source", "dockerfile pinned digests", r"""
FROM golang:1.22@sha256:«sha:256» AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server

FROM gcr.io/distroless/static-debian12@sha256:«sha:256»
COPY --from=build /out/server /server
ENTRYPOINT ["/server"]
""")

t("source", "dockerfile RUN with git token in url", r"""
FROM golang:1.22
ENV GOPRIVATE=github.com/«project»/*
RUN git config --global url."https://«name»:«!gh:p»@github.com/".insteadOf "https://github.com/"
WORKDIR /src
COPY . .
RUN go build -o /bin/api ./cmd/api
""")

t("source", "dockerfile ENV api keys for tests", r"""
FROM python:3.11
ENV PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings.ci \
    DJANGO_SECRET_KEY="«!django_key»" \
    STRIPE_API_KEY=«!stripe:sk_test»
RUN pip install -r requirements/ci.txt
CMD ["pytest", "-q"]
""")

t("yaml", "docker compose env placeholders", r"""
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: «user»
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}
      POSTGRES_DB: «project»
  api:
    build: .
    env_file: .env
    environment:
      DATABASE_URL: postgres://«user»:${POSTGRES_PASSWORD}@db:5432/«project»
      STRIPE_SECRET_KEY: ${STRIPE_SECRET_KEY}
    secrets:
      - jwt_private_key
secrets:
  jwt_private_key:
    file: ./secrets/jwt.pem
""")

# ---- Terraform / HCL -------------------------------------------------------------------------------

t("source", "terraform provider block static keys", r"""
provider "aws" {
  region     = "eu-west-1"
  access_key = "«aws_id»"
  secret_key = "«!aws_secret»"

  default_tags {
    tags = { Project = "«project»", ManagedBy = "terraform" }
  }
}
""")

t("source", "terraform variable default secret", r"""
variable "db_password" {
  description = "Master password for the RDS instance"
  type        = string
  default     = "«!pw:human»"
  sensitive   = true
}

resource "aws_db_instance" "main" {
  identifier        = "«project»-prod"
  engine            = "postgres"
  engine_version    = "16.2"
  instance_class    = "db.t4g.medium"
  username          = "«user»"
  password          = var.db_password
  allocated_storage = 100
}
""")

t("source", "terraform variable sensitive no default", r"""
variable "db_password" {
  description = "Master password for the RDS instance; set TF_VAR_db_password"
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.db_password) >= 16
    error_message = "db_password must be at least 16 characters."
  }
}
""")

t("source", "terraform tfvars with secrets", r"""
environment        = "prod"
region             = "eu-central-1"
instance_count     = 3
datadog_api_key    = "«!hexk:32»"
datadog_app_key    = "«!hexk:40»"
cloudflare_zone_id = "«hexk:32»"
github_token       = "«!gh:p»"
""")

t("source", "terraform random_password and secretsmanager", r"""
resource "random_password" "db" {
  length           = 32
  special          = true
  override_special = "!#%&*()-_=+[]{}<>:?"
}

resource "aws_secretsmanager_secret" "db" {
  name = "«project»/prod/db-password"
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = random_password.db.result
}
""")

t("source", "terraform data source lookup", r"""
data "aws_secretsmanager_secret_version" "stripe" {
  secret_id = "«project»/prod/stripe"
}

data "vault_kv_secret_v2" "github" {
  mount = "secret"
  name  = "ci/github"
}

locals {
  stripe = jsondecode(data.aws_secretsmanager_secret_version.stripe.secret_string)
}
""")

t("source", "terraform kubernetes secret literal", r"""
resource "kubernetes_secret" "api" {
  metadata {
    name      = "api-secrets"
    namespace = "«project»"
  }
  data = {
    DATABASE_URL  = "postgres://«user»:«!pw:alnum»@«host»:5432/«project»"
    SENTRY_DSN    = "«sentry_dsn»"
    OPENAI_API_KEY = "«!openai:svc»"
  }
}
""")

t("source", "terraform github actions secret plaintext", r"""
resource "github_actions_secret" "npm" {
  repository      = "«project»-web"
  secret_name     = "NPM_TOKEN"
  plaintext_value = "«!npm»"
}

resource "github_actions_variable" "region" {
  repository    = "«project»-web"
  variable_name = "AWS_REGION"
  value         = "eu-west-1"
}
""")

t("source", "terraform github actions secret encrypted", r"""
resource "github_actions_secret" "npm" {
  repository      = "«project»-web"
  secret_name     = "NPM_TOKEN"
  encrypted_value = "«b64blob:84»"
}
""")

t("source", "terraform lock file hashes", r"""
# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/aws" {
  version     = "«ver»"
  constraints = "~> 5.0"
  hashes = [
    "h1:«b64blob:32»",
    "zh:«sha:256»",
    "zh:«sha:256»",
    "zh:«sha:256»",
  ]
}
""")

t("source", "terraform cloudinit with password", r"""
resource "hcloud_server" "runner" {
  name        = "ci-runner-«int:1:9»"
  server_type = "cpx31"
  image       = "ubuntu-24.04"
  user_data   = <<-EOT
    #cloud-config
    runcmd:
      - curl -L https://packages.gitlab.com/install/repositories/runner/gitlab-runner/script.deb.sh | bash
      - apt-get install -y gitlab-runner
      - gitlab-runner register --non-interactive --url https://gitlab.com --token «!glpat:rt» --executor docker --docker-image alpine:3.19
  EOT
}
""")

t("source", "terraform azurerm sql admin password", r"""
resource "azurerm_mssql_server" "main" {
  name                         = "«project»-sql-prod"
  resource_group_name          = azurerm_resource_group.main.name
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = "«!pw:human»"
  minimum_tls_version          = "1.2"
}
""")

t("source", "terragrunt inputs with token", r"""
include "root" {
  path = find_in_parent_folders()
}

inputs = {
  cluster_name       = "«project»-prod"
  argocd_admin_hash  = "«bcrypt»"
  slack_webhook_url  = "«!slack_hook»"
  pagerduty_key      = "«!hexk:32»"
}
""")

t("json", "terraform state snippet", r"""
{
  "version": 4,
  "terraform_version": "1.7.5",
  "serial": «int:10:400»,
  "lineage": "«uuid»",
  "resources": [
    {
      "mode": "managed",
      "type": "aws_iam_access_key",
      "name": "ci",
      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "instances": [
        {
          "attributes": {
            "id": "«aws_id»",
            "user": "ci-deployer",
            "secret": "«!aws_secret»",
            "ses_smtp_password_v4": "«!b64urlk:44»",
            "status": "Active"
          },
          "sensitive_attributes": []
        }
      ]
    }
  ]
}
""")

t("source", "hcl vault policy", r"""
path "secret/data/«project»/prod/*" {
  capabilities = ["read"]
}

path "database/creds/«project»-readonly" {
  capabilities = ["read"]
}

path "auth/token/renew-self" {
  capabilities = ["update"]
}
""")

t("source", "hcl nomad job template secrets", r"""
job "api" {
  group "api" {
    task "server" {
      driver = "docker"
      template {
        destination = "secrets/app.env"
        env         = true
        data        = <<EOH
DATABASE_PASSWORD={{ with secret "database/creds/«project»" }}{{ .Data.password }}{{ end }}
STRIPE_KEY={{ with secret "secret/data/«project»/stripe" }}{{ .Data.data.key }}{{ end }}
EOH
      }
    }
  }
}
""")

t("source", "hcl packer variables with password", r"""
source "vsphere-iso" "ubuntu" {
  vcenter_server      = "vcenter.«project».lan"
  username            = "administrator@vsphere.local"
  password            = "«!pw:human»"
  insecure_connection = true
  ssh_username        = "packer"
  ssh_password        = "«!pw:human»"
  iso_paths           = ["[datastore1] iso/ubuntu-22.04.4-live-server-amd64.iso"]
}
""")

# ---- Pulumi ----------------------------------------------------------------------------------------

t("source", "pulumi typescript plain secret in code", r"""
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const db = new aws.rds.Instance("main", {
    engine: "postgres",
    instanceClass: "db.t4g.small",
    allocatedStorage: 50,
    username: "«user»",
    password: "«!pw:human»",
    skipFinalSnapshot: true,
});

export const endpoint = db.endpoint;
""")

t("source", "pulumi typescript config requireSecret", r"""
const config = new pulumi.Config();
const dbPassword = config.requireSecret("dbPassword");
const stripeKey = config.requireSecret("stripeKey");

const db = new aws.rds.Instance("main", {
    engine: "postgres",
    instanceClass: "db.t4g.small",
    username: "«user»",
    password: dbPassword,
});
""")

t("yaml", "pulumi stack config encrypted", r"""
secretsprovider: awskms://alias/pulumi-«project»?region=eu-west-1
encryptedkey: «kms_blob»
config:
  aws:region: eu-west-1
  «project»:dbPassword:
    secure: v1:«b64blob:16»:«b64blob:48»
  «project»:stripeKey:
    secure: v1:«b64blob:16»:«b64blob:64»
  «project»:instanceCount: "3"
""")

t("source", "pulumi python secret from literal", r"""
import pulumi
import pulumi_cloudflare as cloudflare

provider = cloudflare.Provider("cf", api_token="«!b64urlk:40»")

record = cloudflare.Record(
    "api",
    zone_id="«hexk:32»",
    name="api",
    type="CNAME",
    content="«project»-lb-«int:100000:999999».eu-west-1.elb.amazonaws.com",
    proxied=True,
    opts=pulumi.ResourceOptions(provider=provider),
)
""")

t("source", "pulumi go config secret", r"""
func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		token := cfg.RequireSecret("datadogApiKey")
		_, err := datadog.NewProvider(ctx, "dd", &datadog.ProviderArgs{
			ApiKey: token,
			AppKey: cfg.RequireSecret("datadogAppKey"),
		})
		return err
	})
}
""")

t("source", "pulumi csharp literal api key", r"""
return await Deployment.RunAsync(() =>
{
    var provider = new Datadog.Provider("dd", new Datadog.ProviderArgs
    {
        ApiKey = "«!hexk:32»",
        AppKey = "«!hexk:40»",
        ApiUrl = "https://api.datadoghq.eu/",
    });
    var monitor = new Datadog.Monitor("api-5xx", new Datadog.MonitorArgs { Type = "metric alert", Query = "sum(last_5m):sum:http.5xx{service:api} > 50" },
        new CustomResourceOptions { Provider = provider });
});
""")

# ---- Ansible / Chef / Puppet / Salt ----------------------------------------------------------------

t("yaml", "ansible group_vars plaintext password", r"""
---
# group_vars/dbservers.yml
postgresql_version: 16
postgresql_listen_addresses: "*"
postgresql_users:
  - name: «user»
    password: "«!pw:human»"
    role_attr_flags: LOGIN
  - name: replicator
    password: "«!pw:rand»"
    role_attr_flags: REPLICATION
postgresql_databases:
  - name: «project»
    owner: «user»
""")

t("yaml", "ansible group_vars vault references", r"""
---
# group_vars/dbservers/vars.yml
postgresql_users:
  - name: «user»
    password: "{{ vault_postgresql_app_password }}"
  - name: replicator
    password: "{{ vault_postgresql_replicator_password }}"
grafana_admin_password: "{{ lookup('community.hashi_vault.hashi_vault', 'secret=secret/data/grafana:admin_password') }}"
""")

t("yaml", "ansible inline vault encrypted", r"""
---
mysql_root_password: !vault |
          «ansible_vault:10»
mysql_app_user: «user»
mysql_app_password: !vault |
          «ansible_vault:10»
""")

t("yaml", "ansible task with api token", r"""
- name: Register runner with GitLab
  ansible.builtin.command: >
    gitlab-runner register --non-interactive
    --url https://gitlab.«project».io
    --registration-token «!glpat:rt»
    --executor docker --docker-image alpine:3.19
  args:
    creates: /etc/gitlab-runner/config.toml

- name: Add Datadog repo key
  ansible.builtin.apt_key:
    url: https://keys.datadoghq.com/DATADOG_APT_KEY_CURRENT.public
    state: present
""")

t("yaml", "ansible inventory ini-style yaml with ssh pass", r"""
all:
  hosts:
    web1.«project».lan:
      ansible_host: «ip»
    web2.«project».lan:
      ansible_host: «ip»
  vars:
    ansible_user: deploy
    ansible_ssh_pass: "«!pw:human»"
    ansible_become_pass: "«!pw:human»"
    ansible_python_interpreter: /usr/bin/python3
""")

t("yaml", "ansible datadog role vars", r"""
datadog_api_key: "«!hexk:32»"
datadog_site: "datadoghq.eu"
datadog_agent_major_version: 7
datadog_config:
  tags:
    - "env:prod"
    - "service:«project»"
  logs_enabled: true
""")

t("yaml", "ansible no_log task with lookup", r"""
- name: Write application secrets
  ansible.builtin.template:
    src: app.env.j2
    dest: /etc/«project»/app.env
    owner: «project»
    mode: "0600"
  vars:
    db_password: "{{ lookup('amazon.aws.aws_secret', '«project»/prod/db') }}"
  no_log: true
""")

t("source", "chef recipe with password attribute", r"""
# cookbooks/«project»/recipes/database.rb
mysql_service 'default' do
  port '3306'
  version '8.0'
  initial_root_password '«!pw:human»'
  action [:create, :start]
end

mysql_database '«project»' do
  connection(host: '127.0.0.1', username: 'root', password: '«!pw:human»')
  action :create
end
""")

t("source", "chef data bag encrypted item", r"""
{
  "id": "stripe",
  "secret_key": {
    "encrypted_data": "«b64blob:96»",
    "iv": "«b64blob:12»",
    "auth_tag": "«b64blob:16»",
    "version": 3,
    "cipher": "aes-256-gcm"
  }
}
""")

t("source", "chef attributes default", r"""
default['«project»']['app']['port'] = 8080
default['«project»']['app']['secret_key_base'] = '«!hexk:128»'
default['«project»']['smtp']['user_name'] = 'apikey'
default['«project»']['smtp']['password'] = '«!sendgrid»'
""")

t("source", "puppet class with password param", r"""
class profile::mysql {
  class { 'mysql::server':
    root_password           => '«!pw:human»',
    remove_default_accounts => true,
    override_options        => { 'mysqld' => { 'bind-address' => '0.0.0.0' } },
  }

  mysql::db { '«project»':
    user     => '«user»',
    password => '«!pw:human»',
    host     => '%',
    grant    => ['ALL'],
  }
}
""")

t("source", "puppet hiera eyaml encrypted", r"""
---
profile::mysql::root_password: >
    ENC[PKCS7,«b64blob:180»]
profile::mysql::app_password: ENC[PKCS7,«b64blob:180»]
profile::app::port: 8080
""")

t("source", "puppet lookup sensitive", r"""
class profile::app (
  Sensitive[String] $db_password = lookup('profile::app::db_password'),
  String $db_host = 'db.«project».lan',
) {
  file { '/etc/«project»/database.yml':
    ensure  => file,
    mode    => '0600',
    content => epp('profile/database.yml.epp', { 'password' => $db_password.unwrap, 'host' => $db_host }),
  }
}
""")

t("yaml", "salt pillar plaintext", r"""
# /srv/pillar/«project»/secrets.sls
«project»:
  db:
    host: «host»
    user: «user»
    password: «!pw:safe»
  aws:
    access_key_id: «aws_id»
    secret_access_key: «!aws_secret»
""")

t("yaml", "salt pillar gpg encrypted", r"""
#!yaml|gpg
«project»:
  db:
    password: |
      «dash»BEGIN PGP MESSAGE«dash»

      «b64blob:300|wrap:64|indent:6»
      «dash»END PGP MESSAGE«dash»
""")

# ---- SQL -------------------------------------------------------------------------------------------

t("source", "sql create user identified by", r"""
-- 0003_app_roles.sql
CREATE USER '«user»'@'%' IDENTIFIED BY '«!pw:human»';
GRANT SELECT, INSERT, UPDATE, DELETE ON «project».* TO '«user»'@'%';

CREATE USER 'reporting'@'10.%' IDENTIFIED WITH caching_sha2_password BY '«!pw:human»';
GRANT SELECT ON «project».* TO 'reporting'@'10.%';
FLUSH PRIVILEGES;
""")

t("source", "sql postgres create role password", r"""
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '«user»') THEN
    CREATE ROLE «user» LOGIN PASSWORD '«!pw:rand»';
  END IF;
END
$$;
ALTER ROLE «user» SET statement_timeout = '30s';
GRANT CONNECT ON DATABASE «project» TO «user»;
""")

t("source", "sql postgres scram verifier", r"""
-- exported with pg_dumpall --roles-only
CREATE ROLE «user»;
ALTER ROLE «user» WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS PASSWORD 'SCRAM-SHA-256$4096:«b64blob:16»$«b64blob:32»:«b64blob:32»';
CREATE ROLE reporting;
ALTER ROLE reporting WITH NOLOGIN;
""")

t("source", "sql oracle identified by", r"""
CREATE USER «user|upper» IDENTIFIED BY "«!pw:human»"
  DEFAULT TABLESPACE users
  QUOTA 500M ON users;
GRANT CREATE SESSION, CREATE TABLE, CREATE VIEW TO «user|upper»;
CREATE DATABASE LINK reporting_link CONNECT TO reporting IDENTIFIED BY "«!pw:human»" USING 'REPDB';
""")

t("source", "sql server create login", r"""
USE [master];
GO
CREATE LOGIN [«project»_app] WITH PASSWORD = N'«!pw:human»', CHECK_POLICY = ON, DEFAULT_DATABASE = [«project»];
GO
USE [«project»];
CREATE USER [«project»_app] FOR LOGIN [«project»_app];
ALTER ROLE db_datareader ADD MEMBER [«project»_app];
GO
""")

t("source", "sql seed migration api key rows", r"""
-- V12__seed_integrations.sql
INSERT INTO integrations (id, provider, api_key, webhook_secret, created_at) VALUES
  ('«uuid»', 'stripe', '«!stripe:sk_live»', '«!whsec»', now()),
  ('«uuid»', 'sendgrid', '«!sendgrid»', NULL, now()),
  ('«uuid»', 'slack', '«!slack:bot»', NULL, now());
""")

t("source", "sql seed users bcrypt hashes", r"""
-- V3__seed_demo_users.sql
INSERT INTO users (id, email, password_hash, role, created_at) VALUES
  ('«uuid»', 'admin@«project».io', '«bcrypt»', 'admin', '«ts»'),
  ('«uuid»', 'demo@«project».io', '«bcrypt»', 'user', '«ts»'),
  ('«uuid»', 'support@«project».io', '«argon2»', 'support', '«ts»');
""")

t("source", "sql stored procedure with linked credential", r"""
CREATE PROCEDURE dbo.sync_crm
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @token NVARCHAR(200) = N'«!alnum:48»';
    DECLARE @url NVARCHAR(400) = N'https://api.crm-«project».com/v1/contacts?since=' + CONVERT(NVARCHAR(30), DATEADD(day, -1, SYSUTCDATETIME()), 126);
    EXEC sp_invoke_external_rest_endpoint @url = @url, @method = 'GET',
         @headers = N'{"Authorization":"Bearer ' + @token + '"}';
END
""")

t("source", "sql mysql change master password", r"""
STOP REPLICA;
CHANGE REPLICATION SOURCE TO
  SOURCE_HOST='«host»',
  SOURCE_USER='repl',
  SOURCE_PASSWORD='«!pw:rand»',
  SOURCE_AUTO_POSITION=1,
  SOURCE_SSL=1;
START REPLICA;
""")

t("source", "sql grants without secrets", r"""
-- roles are created by Terraform; passwords live in Secrets Manager («project»/prod/db-*)
GRANT USAGE ON SCHEMA public TO app_readonly;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO app_readonly;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO app_readonly;
COMMENT ON COLUMN users.password_hash IS 'bcrypt, cost 12';
COMMENT ON COLUMN api_keys.key_sha256 IS 'sha256 of the key; the key itself is shown once';
""")

t("source", "sql api keys table digests", r"""
INSERT INTO api_keys (id, owner_id, prefix, key_sha256, scopes, last_used_at) VALUES
  («int:1:900», «int:1:900», '«lalnum:8»', '«sha:256»', '{read}', '«ts»'),
  («int:1:900», «int:1:900», '«lalnum:8»', '«sha:256»', '{read,write}', NULL);
""")

t("source", "sql snowflake create user rsa public key", r"""
CREATE USER IF NOT EXISTS svc_dbt
  DEFAULT_ROLE = TRANSFORMER
  DEFAULT_WAREHOUSE = TRANSFORMING
  RSA_PUBLIC_KEY = '«pub:rsa|body»';
""")

t("source", "sql snowflake create user password", r"""
CREATE USER looker
  PASSWORD = '«!pw:human»'
  LOGIN_NAME = 'looker'
  DEFAULT_ROLE = REPORTER
  MUST_CHANGE_PASSWORD = FALSE;
GRANT ROLE REPORTER TO USER looker;
""")

# ---- Java ------------------------------------------------------------------------------------------

t("source", "java spring @Value with literal default", r"""
@Service
public class GeocodingService {

    @Value("${geocoding.api-key:«!google_key»}")
    private String apiKey;

    @Value("${geocoding.base-url:https://maps.googleapis.com/maps/api/geocode/json}")
    private String baseUrl;

    public Optional<LatLng> lookup(String address) {
        var uri = UriComponentsBuilder.fromHttpUrl(baseUrl).queryParam("address", address).queryParam("key", apiKey).build().toUri();
        return Optional.ofNullable(rest.getForObject(uri, GeocodeResponse.class)).map(GeocodeResponse::firstLocation);
    }
}
""")

t("source", "java builder password", r"""
HikariConfig cfg = new HikariConfig();
cfg.setJdbcUrl("jdbc:postgresql://«host»:5432/«project»");
cfg.setUsername("«user»");
cfg.setPassword("«!pw:human»");
cfg.setMaximumPoolSize(20);
cfg.addDataSourceProperty("sslmode", "require");
HikariDataSource ds = new HikariDataSource(cfg);
""")

t("source", "java fluent client builder credentials", r"""
MinioClient minio = MinioClient.builder()
    .endpoint("https://s3.«project».internal:9000")
    .credentials("«ualnum:20»", "«!alnum:40»")
    .region("us-east-1")
    .build();

minio.uploadObject(UploadObjectArgs.builder().bucket("backups").object(name).filename(path).build());
""")

t("source", "java string concatenation across lines", r"""
«~gh:p@k»public final class ReleaseBot {
    // split so the scanner in CI does not flag it
    private static final String TOKEN = "«!=k|part:1:3»"
            + "«!=k|part:2:3»"
            + "«!=k|part:3:3»";

    public static void main(String[] args) throws Exception {
        GitHub gh = new GitHubBuilder().withOAuthToken(TOKEN).build();
        gh.getRepository("«project»/app").createRelease(args[0]).create();
    }
}
""")

t("source", "java char array password", r"""
«~pw:rand@k»public class KeystoreLoader {
    private static final char[] STORE_PASSWORD = { «!=k|chararr» };

    public static KeyStore load(Path path) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            ks.load(in, STORE_PASSWORD);
        }
        return ks;
    }
}
""")

t("source", "java junit test with jwt fixture", r"""
@SpringBootTest
@AutoConfigureMockMvc
class OrderControllerIT {
    private static final String ADMIN_JWT = "«!jwt:user»";

    @Autowired MockMvc mvc;

    @Test
    void adminCanListOrders() throws Exception {
        mvc.perform(get("/api/orders").header(HttpHeaders.AUTHORIZATION, "Bearer " + ADMIN_JWT))
           .andExpect(status().isOk());
    }
}
""")

t("source", "java properties file", r"""
# src/main/resources/application-prod.properties
server.port=8080
spring.datasource.url=jdbc:mysql://«host»:3306/«project»?useSSL=true
spring.datasource.username=«user»
spring.datasource.password=«!pw:human»
spring.mail.host=smtp.mailgun.org
spring.mail.username=postmaster@mg.«project».io
spring.mail.password=«!mailgun_smtp»
management.endpoints.web.exposure.include=health,info
""")

t("source", "java properties with env placeholders", r"""
spring.datasource.url=jdbc:postgresql://${DB_HOST:localhost}:5432/«project»
spring.datasource.username=${DB_USER}
spring.datasource.password=${DB_PASSWORD}
spring.security.oauth2.client.registration.google.client-id=«google_client_id»
spring.security.oauth2.client.registration.google.client-secret=${GOOGLE_CLIENT_SECRET}
jwt.public-key-location=classpath:keys/jwt.pub
""")

t("source", "java base64 decode of credentials constant", r"""
«~userpass@up»public class LegacyClient {
    private static final String AUTH = "«!=up|b64»"; // user:pass
    private final HttpClient http = HttpClient.newHttpClient();

    HttpRequest req(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Basic " + AUTH).GET().build();
    }
}
""")

t("source", "java aws secrets manager client", r"""
public String dbPassword() {
    try (SecretsManagerClient sm = SecretsManagerClient.builder().region(Region.EU_WEST_1).build()) {
        GetSecretValueResponse res = sm.getSecretValue(r -> r.secretId("«project»/prod/db"));
        return new ObjectMapper().readTree(res.secretString()).get("password").asText();
    } catch (JsonProcessingException e) {
        throw new IllegalStateException("secret «project»/prod/db is not valid JSON", e);
    }
}
""")

t("source", "java token pattern constants", r"""
public final class SecretPatterns {
    public static final Pattern AWS_ACCESS_KEY_ID = Pattern.compile("\\b(«prefix:akia»|«prefix:asia»)[A-Z2-7]{16}\\b");
    public static final Pattern SLACK_WEBHOOK = Pattern.compile("https://hooks\\.slack\\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+");
    public static final Pattern PRIVATE_KEY = Pattern.compile("«dash»BEGIN (RSA |EC |OPENSSH )?PRIVATE KEY«dash»");
    private SecretPatterns() {}
}
""")

t("source", "java public key constant for jwt verify", r"""
public final class JwtKeys {
    /** Public half of the issuer's signing key; published at /.well-known/jwks.json */
    public static final String ISSUER_PUBLIC_KEY = "«pub:rsa|cesc»";
    public static final String KEY_ID = "«sha:1»";
}
""")

# ---- Go --------------------------------------------------------------------------------------------

t("source", "go const api key", r"""
package notify

const (
	twilioAccountSID = "«twilio_sid»"
	twilioAuthToken  = "«!hexk:32»"
	fromNumber       = "+1«digits:10»"
)

func SendSMS(ctx context.Context, to, body string) error {
	client := twilio.NewRestClientWithParams(twilio.ClientParams{Username: twilioAccountSID, Password: twilioAuthToken})
	_, err := client.Api.CreateMessage(&openapi.CreateMessageParams{To: &to, From: ptr(fromNumber), Body: &body})
	return err
}
""")

t("source", "go struct literal config", r"""
var defaultConfig = Config{
	Listen: ":8080",
	Redis: RedisConfig{
		Addr:     "«host»:6379",
		Password: "«!pw:alnum»",
		DB:       0,
	},
	JWTSecret: []byte("«!b64urlk:43»"),
}
""")

t("source", "go test table with tokens", r"""
func TestParseAuthHeader(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   string
	}{
		{"bearer", "Bearer «!gh:o@t1»", "«=t1»"},
		{"token", "token «!gh:p@t2»", "«=t2»"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseAuthHeader(tt.header); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}
""")

t("source", "go os.Getenv with log.Fatal", r"""
func mustEnv(key string) string {
	v, ok := os.LookupEnv(key)
	if !ok || v == "" {
		log.Fatalf("missing required environment variable %s", key)
	}
	return v
}

var (
	stripeKey     = mustEnv("STRIPE_SECRET_KEY")
	webhookSecret = mustEnv("STRIPE_WEBHOOK_SECRET")
)
""")

t("source", "go embed test key with backticks", r"""
var testKey = `«!pem:rsa»`

func TestSign(t *testing.T) {
	block, _ := pem.Decode([]byte(testKey))
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	require.NoError(t, err)
	require.Equal(t, 2048, key.N.BitLen())
}
""")

t("source", "go hmac known answer test", r"""
func TestHMAC(t *testing.T) {
	mac := hmac.New(sha256.New, []byte("key"))
	mac.Write([]byte("The quick brown fox jumps over the lazy dog"))
	got := hex.EncodeToString(mac.Sum(nil))
	const want = "«sha:256»"
	if got != want {
		t.Errorf("hmac = %s, want %s", got, want)
	}
}
""")

t("source", "go.sum lines", r"""
github.com/aws/aws-sdk-go-v2 v«ver» «gosum»
github.com/aws/aws-sdk-go-v2 v«ver»/go.mod «gosum»
github.com/golang-jwt/jwt/v5 v5.2.1 «gosum»
github.com/golang-jwt/jwt/v5 v5.2.1/go.mod «gosum»
golang.org/x/crypto v0.21.0 «gosum»
""")

t("source", "go ldflags version and placeholder key", r"""
// Set at build time: go build -ldflags "-X main.version=$(git describe) -X main.commit=$(git rev-parse HEAD)"
var (
	version = "dev"
	commit  = "none"
	// Overridden in CI with -X main.segmentWriteKey=...; empty disables telemetry.
	segmentWriteKey = ""
)
""")

# ---- Python ----------------------------------------------------------------------------------------

t("source", "python settings module secrets", r"""
# config/settings/production.py
from .base import *  # noqa

DEBUG = False
SECRET_KEY = "«!django_key»"
ALLOWED_HOSTS = ["«project».io", "www.«project».io"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "«project»",
        "USER": "«user»",
        "PASSWORD": "«!pw:human»",
        "HOST": "«host»",
        "PORT": "5432",
    }
}
EMAIL_HOST_PASSWORD = "«!sendgrid»"
""")

t("source", "python settings from environ", r"""
import environ

env = environ.Env(DEBUG=(bool, False))
SECRET_KEY = env("DJANGO_SECRET_KEY")
DATABASES = {"default": env.db("DATABASE_URL")}
EMAIL_HOST_PASSWORD = env("SENDGRID_API_KEY", default="")
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="«project»-media")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set the DJANGO_SECRET_KEY environment variable")
""")

t("source", "python pytest fixture with credentials", r"""
@pytest.fixture
def s3_client():
    return boto3.client(
        "s3",
        region_name="eu-west-1",
        aws_access_key_id="«aws_id»",
        aws_secret_access_key="«!aws_secret»",
        aws_session_token="«!aws_session»",
    )
""")

t("source", "python moto fake credentials fixture", r"""
@pytest.fixture(autouse=True)
def aws_credentials(monkeypatch):
    # moto intercepts every call; these are dummies
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SECURITY_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
""")

t("source", "python dict literal bytes key", r"""
«~alnum:32@k»FERNET_KEY = b"«!fernet»"
PAYLOAD_SIGNING_KEY = bytes([«!=k|intarr»])

CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://«host»:6379/1"}}
""")

t("source", "python triple-quoted service account", r'''
SERVICE_ACCOUNT_INFO = {
    "type": "service_account",
    "project_id": "«project»-analytics",
    "private_key_id": "«sha:1»",
    "private_key": """«!pem:pkcs8»
""",
    "client_email": "bq-loader@«project»-analytics.iam.gserviceaccount.com",
    "token_uri": "https://oauth2.googleapis.com/token",
}
credentials = service_account.Credentials.from_service_account_info(SERVICE_ACCOUNT_INFO)
''')

t("source", "python hashlib pbkdf2 constants", r"""
PBKDF2_ITERATIONS = 600_000
SALT = bytes.fromhex("«hexk:32»")  # public, per-installation

def derive(password: str) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), SALT, PBKDF2_ITERATIONS, dklen=32)

assert derive("password").hex() != "«sha:256»"
""")

t("source", "python token validator and masking", r"""
OPENAI_KEY_RE = re.compile(r"^«prefix:openai»(proj-|svcacct-)?[A-Za-z0-9_-]{20,}$")

def validate_api_key(value: str) -> str:
    if not OPENAI_KEY_RE.match(value):
        raise ValueError("OPENAI_API_KEY does not look like an OpenAI key (expected sk-... or sk-proj-...)")
    return value

def mask(value: str) -> str:
    return value[:7] + "…" + value[-4:] if len(value) > 12 else "****"
""")

t("source", "python keyring and boto3 secrets", r"""
import keyring

def get_credentials() -> tuple[str, str]:
    user = os.environ.get("JIRA_USER") or getpass.getuser()
    token = keyring.get_password("jira.«project».io", user)
    if token is None:
        raise SystemExit(f"no Jira token for {user}: run `keyring set jira.«project».io {user}`")
    return user, token
""")

# ---- TypeScript / JavaScript -----------------------------------------------------------------------

t("source", "typescript const config object", r"""
export const config = {
  port: Number(process.env.PORT ?? 3000),
  mongoUri: "mongodb+srv://«user»:«!pw:alnum»@cluster0.«lalnum:5».mongodb.net/«project»?retryWrites=true&w=majority",
  jwtSecret: "«!b64k:48»",
  stripe: {
    secretKey: "«!stripe:sk_live»",
    publishableKey: "«stripe:pk_live»",
  },
} as const;
""")

t("source", "typescript next.config public env", r"""
/** @type {import('next').NextConfig} */
const nextConfig = {
  env: {
    NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: "«stripe:pk_live»",
    NEXT_PUBLIC_POSTHOG_KEY: "«posthog:phc»",
    NEXT_PUBLIC_SENTRY_DSN: "«sentry_dsn»",
    NEXT_PUBLIC_GA_ID: "«ga»",
  },
  images: { remotePatterns: [{ protocol: "https", hostname: "cdn.«project».io" }] },
};
export default nextConfig;
""")

t("source", "javascript test mock with token", r"""
jest.mock("@octokit/rest");

describe("createRelease", () => {
  it("passes the token to Octokit", async () => {
    await createRelease({ tag: "v1.2.3", token: "«!gh:p@tk»" });
    expect(Octokit).toHaveBeenCalledWith({ auth: "«=tk»", userAgent: "release-bot" });
  });
});
""")

t("source", "typescript zod env schema", r"""
const EnvSchema = z.object({
  DATABASE_URL: z.string().url(),
  STRIPE_SECRET_KEY: z.string().startsWith("sk_", "STRIPE_SECRET_KEY must start with sk_"),
  OPENAI_API_KEY: z.string().min(20),
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
});
export const env = EnvSchema.parse(process.env);
""")

t("source", "javascript firebase web config", r"""
import { initializeApp } from "firebase/app";

const firebaseConfig = {
  apiKey: "«google_key»",
  authDomain: "«project»-web.firebaseapp.com",
  projectId: "«project»-web",
  storageBucket: "«project»-web.appspot.com",
  messagingSenderId: "«digits:12»",
  appId: "«firebase_app:web»",
  measurementId: "«ga»",
};
export const app = initializeApp(firebaseConfig);
""")

t("source", "javascript firebase admin init with key", r"""
const admin = require("firebase-admin");

admin.initializeApp({
  credential: admin.credential.cert({
    projectId: "«project»-web",
    clientEmail: "firebase-adminsdk-«lalnum:5»@«project»-web.iam.gserviceaccount.com",
    privateKey: "«!pem:pkcs8|cesc»",
  }),
  databaseURL: "https://«project»-web-default-rtdb.firebaseio.com",
});
""")

t("source", "typescript template literal header", r"""
const ALGOLIA_APP_ID = "«ualnum:10»";
const ALGOLIA_ADMIN_KEY = "«!hexk:32»";

export async function reindex(records: Product[]) {
  await fetch(`https://${ALGOLIA_APP_ID}.algolia.net/1/indexes/products/batch`, {
    method: "POST",
    headers: { "X-Algolia-Application-Id": ALGOLIA_APP_ID, "X-Algolia-API-Key": ALGOLIA_ADMIN_KEY },
    body: JSON.stringify({ requests: records.map((body) => ({ action: "updateObject", body })) }),
  });
}
""")

t("source", "typescript algolia search-only key", r"""
import algoliasearch from "algoliasearch/lite";

// search-only key: safe in the browser
export const searchClient = algoliasearch("«ualnum:10»", "«hexk:32»");
export const index = searchClient.initIndex("products_prod");
""")

# ---- Ruby / PHP ------------------------------------------------------------------------------------

t("source", "ruby initializer literal keys", r"""
# config/initializers/stripe.rb
Rails.configuration.stripe = {
  publishable_key: "«stripe:pk_live»",
  secret_key:      "«!stripe:sk_live»"
}
Stripe.api_key = Rails.configuration.stripe[:secret_key]
Stripe.api_version = "2024-06-20"
""")

t("source", "ruby credentials lookup", r"""
Stripe.api_key = Rails.application.credentials.dig(:stripe, :secret_key) ||
                 ENV.fetch("STRIPE_SECRET_KEY") { raise "stripe secret key missing from credentials and ENV" }
Rails.application.config.x.stripe_webhook_secret = Rails.application.credentials.stripe&.webhook_secret
""")

t("yaml", "ruby database.yml with password", r"""
production:
  adapter: postgresql
  encoding: unicode
  host: «host»
  database: «project»_production
  username: «user»
  password: «!pw:safe»
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>
""")

t("plain", "ruby master.key and credentials enc", r"""
$ cat config/master.key
«!rails_master»
$ head -c 120 config/credentials.yml.enc
«b64blob:60»--«b64blob:9»--«b64blob:16»
""")

t("source", "php config array", r"""
<?php
// config/services.php
return [
    'mailgun' => [
        'domain' => 'mg.«project».io',
        'secret' => '«!mailgun»',
        'endpoint' => 'api.eu.mailgun.net',
    ],
    'stripe' => [
        'key' => '«stripe:pk_live»',
        'secret' => '«!stripe:sk_live»',
    ],
];
""")

t("source", "php config env helper", r"""
<?php
return [
    'mailgun' => [
        'domain' => env('MAILGUN_DOMAIN'),
        'secret' => env('MAILGUN_SECRET'),
        'endpoint' => env('MAILGUN_ENDPOINT', 'api.mailgun.net'),
    ],
    'stripe' => [
        'key' => env('STRIPE_KEY'),
        'secret' => env('STRIPE_SECRET'),
    ],
];
""")

t("source", "php wp-config salts", r"""
<?php
define( 'DB_NAME', '«project»_wp' );
define( 'DB_USER', '«user»' );
define( 'DB_PASSWORD', '«!pw:human»' );
define( 'DB_HOST', 'localhost' );

define( 'AUTH_KEY',         '«!alnum:64»' );
define( 'SECURE_AUTH_KEY',  '«!alnum:64»' );
define( 'LOGGED_IN_KEY',    '«!alnum:64»' );
define( 'NONCE_KEY',        '«!alnum:64»' );
$table_prefix = 'wp_';
""")

t("source", "php laravel env file", r"""
APP_NAME=«project|cap»
APP_ENV=production
APP_KEY=«!laravel»
APP_DEBUG=false
APP_URL=https://«project».io

DB_CONNECTION=mysql
DB_HOST=«host»
DB_DATABASE=«project»
DB_USERNAME=«user»
DB_PASSWORD=«!pw:safe»

PUSHER_APP_ID=«digits:7»
PUSHER_APP_KEY=«hexk:20»
PUSHER_APP_SECRET=«!hexk:20»
""")

t("source", "php env.example placeholders", r"""
APP_NAME=Laravel
APP_ENV=local
APP_KEY=
APP_DEBUG=true

DB_CONNECTION=mysql
DB_HOST=127.0.0.1
DB_DATABASE=laravel
DB_USERNAME=root
DB_PASSWORD=

MAIL_MAILER=smtp
MAIL_PASSWORD=null
STRIPE_SECRET=«prefix:sk_test»your_key_here
AWS_SECRET_ACCESS_KEY=
""")

# ---- YAML: pipelines, manifests, app config --------------------------------------------------------

t("yaml", "github actions env literal token", r"""
name: release
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    env:
      NODE_AUTH_TOKEN: «!npm»
      SENTRY_AUTH_TOKEN: «!sentry_auth»
    steps:
      - uses: actions/checkout@«sha:git»
      - uses: actions/setup-node@v4
        with: { node-version: 20, registry-url: "https://registry.npmjs.org" }
      - run: npm ci && npm publish --access public
""")

t("yaml", "github actions secrets references", r"""
name: deploy
on: { push: { branches: [main] } }
permissions:
  id-token: write
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@«sha:git» # v4.1.1
      - uses: aws-actions/configure-aws-credentials@«sha:git»
        with:
          role-to-assume: arn:aws:iam::«digits:12»:role/gha-deploy
          aws-region: eu-west-1
      - run: ./deploy.sh
        env:
          DATABASE_URL: ${{ secrets.DATABASE_URL }}
          STRIPE_SECRET_KEY: ${{ secrets.STRIPE_SECRET_KEY }}
""")

t("yaml", "github actions with: password literal", r"""
      - name: Log in to Docker Hub
        uses: docker/login-action@v3
        with:
          username: «name»«int:10:99»
          password: «!dockerhub»
      - name: Build and push
        uses: docker/build-push-action@v5
        with:
          push: true
          tags: «name»«int:10:99»/«project»:${{ github.sha }}
""")

t("yaml", "gitlab ci variables literal", r"""
stages: [test, deploy]

variables:
  POSTGRES_DB: «project»_test
  POSTGRES_USER: runner
  POSTGRES_PASSWORD: «!pw:safe»
  HEROKU_API_KEY: «!uuid»

deploy:
  stage: deploy
  image: ruby:3.3
  script:
    - gem install dpl
    - dpl --provider=heroku --app=«project»-prod --api-key=$HEROKU_API_KEY
  only: [main]
""")

t("yaml", "gitlab ci masked variable references", r"""
include:
  - template: Security/Secret-Detection.gitlab-ci.yml

deploy:
  stage: deploy
  image: alpine:3.19
  id_tokens:
    VAULT_ID_TOKEN:
      aud: https://vault.«project».io
  secrets:
    DATABASE_PASSWORD:
      vault: «project»/prod/db/password@secret
      file: false
  script:
    - ./deploy.sh --db-password "$DATABASE_PASSWORD"
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
""")

t("yaml", "azure pipelines variables literal", r"""
trigger:
  branches: { include: [main] }

variables:
  buildConfiguration: Release
  azureSubscription: '«project»-prod-sc'
  sqlAdminPassword: '«!pw:human»'
  storageKey: '«!azure_key»'

steps:
- task: DotNetCoreCLI@2
  inputs: { command: publish, arguments: '-c $(buildConfiguration) -o $(Build.ArtifactStagingDirectory)' }
""")

t("yaml", "azure pipelines variable group", r"""
variables:
- group: «project»-prod-secrets   # linked to Key Vault «project»-kv
- name: buildConfiguration
  value: Release

steps:
- task: AzureKeyVault@2
  inputs:
    azureSubscription: '«project»-prod-sc'
    KeyVaultName: '«project»-kv'
    SecretsFilter: 'SqlAdminPassword,StorageKey'
- script: ./migrate.sh --password "$(SqlAdminPassword)"
""")

t("yaml", "circleci config environment", r"""
version: 2.1
jobs:
  test:
    docker:
      - image: cimg/python:3.12
        environment:
          DATABASE_URL: postgresql://root@localhost/circle_test
      - image: cimg/postgres:16.2
        environment:
          POSTGRES_USER: root
          POSTGRES_PASSWORD: «!pw:safe»
    environment:
      CODECOV_TOKEN: «!uuid»
    steps:
      - checkout
      - run: pip install -r requirements.txt && pytest --cov
""")

t("yaml", "bitbucket pipelines with app password", r"""
image: atlassian/default-image:4
pipelines:
  branches:
    main:
      - step:
          name: Deploy to S3
          script:
            - pipe: atlassian/aws-s3-deploy:1.1.0
              variables:
                AWS_ACCESS_KEY_ID: «aws_id»
                AWS_SECRET_ACCESS_KEY: «!aws_secret»
                AWS_DEFAULT_REGION: eu-west-1
                S3_BUCKET: «project»-site
                LOCAL_PATH: dist
""")

t("yaml", "buildkite pipeline plugin secrets", r"""
steps:
  - label: ":docker: build"
    command: make image
    plugins:
      - docker-login#v3.0.0:
          username: «project»ci
          password-env: DOCKER_LOGIN_PASSWORD
      - seek-oss/aws-sm#v2.3.2:
          env:
            DOCKER_LOGIN_PASSWORD: ci/dockerhub-password
    agents:
      queue: linux
""")

t("yaml", "drone pipeline from_secret", r"""
kind: pipeline
type: docker
name: default
steps:
  - name: publish
    image: plugins/docker
    settings:
      repo: «project»/api
      username:
        from_secret: docker_username
      password:
        from_secret: docker_password
      tags: [latest, "${DRONE_TAG}"]
""")

t("yaml", "kubernetes secret stringData", r"""
apiVersion: v1
kind: Secret
metadata:
  name: api-secrets
  namespace: «project»
type: Opaque
stringData:
  DATABASE_PASSWORD: «!pw:safe»
  REDIS_PASSWORD: «!pw:alnum»
  OPENAI_API_KEY: «!openai:proj»
""")

t("yaml", "kubernetes secret data base64", r"""
apiVersion: v1
kind: Secret
metadata:
  name: registry-creds
  namespace: «project»
type: Opaque
data:
  username: «user|b64»
  password: «!pw:human|b64»
  token: «!gh:p|b64»
""")

t("yaml", "kubernetes dockerconfigjson secret", r"""
«~userpass@up»apiVersion: v1
kind: Secret
metadata:
  name: ghcr-pull
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: «!=up|b64|dockerjson|b64»
""")

t("yaml", "kubernetes sealed secret", r"""
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: api-secrets
  namespace: «project»
spec:
  encryptedData:
    DATABASE_PASSWORD: «sealed»
    OPENAI_API_KEY: «sealed»
  template:
    metadata:
      name: api-secrets
""")

t("yaml", "kubernetes external secret", r"""
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: api-secrets
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: aws-secrets-manager
    kind: ClusterSecretStore
  target:
    name: api-secrets
  data:
    - secretKey: DATABASE_PASSWORD
      remoteRef:
        key: «project»/prod/db
        property: password
""")

t("yaml", "kubernetes deployment env literal", r"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: worker
          image: ghcr.io/«project»/worker:«sha:short»
          env:
            - name: RABBITMQ_URL
              value: amqp://«user»:«!pw:alnum»@rabbitmq.«project».svc:5672/
            - name: SENTRY_DSN
              value: «sentry_dsn»
            - name: LOG_LEVEL
              value: info
""")

t("yaml", "kubernetes deployment env secretKeyRef", r"""
          env:
            - name: DATABASE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: api-secrets
                  key: DATABASE_PASSWORD
            - name: POD_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
          envFrom:
            - secretRef:
                name: stripe-credentials
""")

t("yaml", "helm values with credentials", r"""
image:
  repository: ghcr.io/«project»/api
  tag: "«ver»"
postgresql:
  auth:
    username: «user»
    password: "«!pw:safe»"
    postgresPassword: "«!pw:safe»"
    database: «project»
redis:
  auth:
    password: "«!pw:alnum»"
ingress:
  enabled: true
  hosts: [{ host: api.«project».io, paths: [{ path: /, pathType: Prefix }] }]
""")

t("yaml", "helm values existingSecret", r"""
postgresql:
  auth:
    username: «user»
    database: «project»
    existingSecret: «project»-postgresql
    secretKeys:
      adminPasswordKey: postgres-password
      userPasswordKey: password
redis:
  auth:
    existingSecret: «project»-redis
    existingSecretPasswordKey: redis-password
""")

t("yaml", "argocd repository secret", r"""
apiVersion: v1
kind: Secret
metadata:
  name: repo-«project»-infra
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  type: git
  url: https://github.com/«project»/infra
  username: «name»
  password: «!gh:p»
""")

t("yaml", "spring application.yml with secrets", r"""
spring:
  datasource:
    url: jdbc:postgresql://«host»:5432/«project»
    username: «user»
    password: «!pw:safe»
  security:
    oauth2:
      client:
        registration:
          github:
            client-id: «hexk:20»
            client-secret: «!hexk:40»
management:
  endpoints.web.exposure.include: health,prometheus
""")

t("yaml", "spring application.yml placeholders", r"""
spring:
  datasource:
    url: jdbc:postgresql://${DB_HOST:localhost}:5432/«project»
    username: ${DB_USER:«project»}
    password: ${DB_PASSWORD}
  security:
    oauth2:
      client:
        registration:
          github:
            client-id: «hexk:20»
            client-secret: ${GITHUB_CLIENT_SECRET}
""")

t("yaml", "serverless.yml environment literal", r"""
service: «project»-api
provider:
  name: aws
  runtime: nodejs20.x
  region: eu-west-1
  environment:
    TABLE_NAME: ${self:service}-${sls:stage}
    SLACK_BOT_TOKEN: «!slack:bot»
    SLACK_SIGNING_SECRET: «!hexk:32»
functions:
  events:
    handler: src/handler.events
    events:
      - httpApi: { path: /slack/events, method: post }
""")

t("yaml", "serverless.yml ssm references", r"""
provider:
  name: aws
  environment:
    SLACK_BOT_TOKEN: ${ssm:/«project»/${sls:stage}/slack-bot-token}
    SLACK_SIGNING_SECRET: ${ssm:/«project»/${sls:stage}/slack-signing-secret}
    STRIPE_KEY: ${env:STRIPE_KEY, '«prefix:sk_test»placeholder'}
""")

t("yaml", "cloudformation parameter default password", r"""
Parameters:
  DBMasterPassword:
    Type: String
    NoEcho: true
    Default: «!pw:human»
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MasterUsername: «user»
      MasterUserPassword: !Ref DBMasterPassword
      DBInstanceClass: db.t4g.micro
""")

t("yaml", "cloudformation dynamic reference", r"""
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MasterUsername: '{{resolve:secretsmanager:«project»/db:SecretString:username}}'
      MasterUserPassword: '{{resolve:secretsmanager:«project»/db:SecretString:password}}'
      KmsKeyId: arn:aws:kms:eu-west-1:«digits:12»:key/«uuid»
""")

t("yaml", "docker compose literal passwords", r"""
services:
  db:
    image: mysql:8.4
    environment:
      MYSQL_ROOT_PASSWORD: «!pw:safe»
      MYSQL_DATABASE: «project»
      MYSQL_USER: «user»
      MYSQL_PASSWORD: «!pw:safe»
    volumes: [db:/var/lib/mysql]
  minio:
    image: minio/minio
    command: server /data --console-address ":9001"
    environment:
      MINIO_ROOT_USER: admin
      MINIO_ROOT_PASSWORD: «!pw:alnum»
volumes: { db: {} }
""")

t("yaml", "openapi spec security schemes", r"""
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
  schemas:
    Token:
      type: object
      properties:
        access_token: { type: string, example: "eyJhbGciOi..." }
        refresh_token: { type: string, example: "<refresh-token>" }
        expires_in: { type: integer, example: 3600 }
""")

t("yaml", "pre-commit config with hook revs", r"""
repos:
  - repo: https://github.com/gitleaks/gitleaks
    rev: v8.18.2
    hooks:
      - id: gitleaks
  - repo: https://github.com/Yelp/detect-secrets
    rev: v1.4.0
    hooks:
      - id: detect-secrets
        args: ["--baseline", ".secrets.baseline"]
        exclude: package-lock.json
""")

t("yaml", "mkdocs and netlify deploy with token", r"""
# .github/workflows/docs.yml (excerpt)
      - run: pip install mkdocs-material && mkdocs build
      - uses: nwtgck/actions-netlify@v3
        with:
          publish-dir: ./site
          production-deploy: true
        env:
          NETLIFY_AUTH_TOKEN: «!netlify»
          NETLIFY_SITE_ID: «uuid»
""")

t("yaml", "tekton task with basic-auth secret", r"""
apiVersion: v1
kind: Secret
metadata:
  name: git-basic-auth
  annotations:
    tekton.dev/git-0: https://github.com
type: kubernetes.io/basic-auth
stringData:
  username: «name»
  password: «!gh:p»
""")

t("yaml", "ansible collection requirements with hashes", r"""
collections:
  - name: community.general
    version: «ver»
  - name: amazon.aws
    version: «ver»
    source: https://galaxy.ansible.com
roles:
  - src: https://github.com/geerlingguy/ansible-role-docker/archive/«sha:git».tar.gz
    name: geerlingguy.docker
""")

t("yaml", "renovate config host rules encrypted", r"""
extends: ["config:recommended"]
hostRules:
  - matchHost: npm.pkg.github.com
    hostType: npm
    encrypted:
      token: «b64blob:300»
packageRules:
  - matchUpdateTypes: [minor, patch]
    automerge: true
""")

# ---- JSON: manifests, launch configs, settings, API bodies -----------------------------------------

t("json", "package.json scripts with token", r"""
{
  "name": "@«project»/web",
  "version": "«ver»",
  "private": true,
  "scripts": {
    "dev": "vite",
    "build": "tsc -b && vite build",
    "deploy": "vercel deploy --prod --token «!vercel»",
    "sentry:sourcemaps": "sentry-cli sourcemaps upload --auth-token «!sentry_auth» ./dist"
  },
  "dependencies": { "react": "^18.3.1", "react-dom": "^18.3.1" }
}
""")

t("json", "package.json plain", r"""
{
  "name": "@«project»/web",
  "version": "«ver»",
  "private": true,
  "scripts": {
    "dev": "vite",
    "build": "tsc -b && vite build",
    "deploy": "vercel deploy --prod --token $VERCEL_TOKEN",
    "lint": "eslint . --max-warnings 0"
  },
  "engines": { "node": ">=20" },
  "packageManager": "pnpm@9.1.0+sha512.«sha:512»"
}
""")

t("json", "vscode launch.json env secrets", r"""
{
  "version": "0.2.0",
  "configurations": [
    {
      "name": "API (local)",
      "type": "node",
      "request": "launch",
      "program": "${workspaceFolder}/src/server.ts",
      "runtimeArgs": ["-r", "ts-node/register"],
      "env": {
        "NODE_ENV": "development",
        "DATABASE_URL": "postgres://«user»:«!pw:alnum»@localhost:5432/«project»",
        "STRIPE_SECRET_KEY": "«!stripe:sk_test»",
        "GITHUB_TOKEN": "«!gh:p»"
      }
    }
  ]
}
""")

t("json", "vscode launch.json envFile", r"""
{
  "version": "0.2.0",
  "configurations": [
    {
      "name": "Python: FastAPI",
      "type": "debugpy",
      "request": "launch",
      "module": "uvicorn",
      "args": ["app.main:app", "--reload", "--port", "8000"],
      "envFile": "${workspaceFolder}/.env",
      "env": { "LOG_LEVEL": "debug", "OPENAI_API_KEY": "${env:OPENAI_API_KEY}" },
      "justMyCode": false
    }
  ]
}
""")

t("json", "dotnet launchSettings.json", r"""
{
  "profiles": {
    "«project|cap».Api": {
      "commandName": "Project",
      "launchBrowser": true,
      "applicationUrl": "https://localhost:7«int:100:999»;http://localhost:5«int:100:999»",
      "environmentVariables": {
        "ASPNETCORE_ENVIRONMENT": "Development",
        "ConnectionStrings__Default": "Server=localhost;Database=«project»;User Id=sa;Password=«!pw:human»;TrustServerCertificate=true",
        "SendGrid__ApiKey": "«!sendgrid»"
      }
    }
  }
}
""")

t("json", "azure functions local.settings.json", r"""
{
  "IsEncrypted": false,
  "Values": {
    "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=«project»func;AccountKey=«!azure_key»;EndpointSuffix=core.windows.net",
    "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated",
    "ServiceBusConnection": "Endpoint=sb://«project»-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«!b64k:32»"
  }
}
""")

t("json", "azure functions local.settings.json dev storage", r"""
{
  "IsEncrypted": false,
  "Values": {
    "AzureWebJobsStorage": "UseDevelopmentStorage=true",
    "FUNCTIONS_WORKER_RUNTIME": "node",
    "KeyVaultUri": "https://«project»-kv.vault.azure.net/",
    "ServiceBusConnection__fullyQualifiedNamespace": "«project»-bus.servicebus.windows.net"
  }
}
""")

t("json", "composer auth.json", r"""
{
  "http-basic": {
    "repo.packagist.com": {
      "username": "token",
      "password": "«!hexk:40»"
    },
    "nova.laravel.com": {
      "username": "«email»",
      "password": "«!alnum:48»"
    }
  },
  "github-oauth": {
    "github.com": "«!gh:o»"
  }
}
""")

t("json", "docker config.json auths", r"""
{
  "auths": {
    "https://index.docker.io/v1/": {
      "auth": "«!userpass|b64»"
    },
    "«digits:12».dkr.ecr.eu-west-1.amazonaws.com": {}
  },
  "credHelpers": {
    "«digits:12».dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"
  }
}
""")

t("json", "docker config.json credsStore only", r"""
{
  "auths": {
    "https://index.docker.io/v1/": {},
    "ghcr.io": {}
  },
  "credsStore": "desktop",
  "currentContext": "desktop-linux",
  "plugins": { "-x-cli-hints": { "enabled": "true" } }
}
""")

t("json", "google service account key file", r"""
{
  "type": "service_account",
  "project_id": "«project»-prod",
  "private_key_id": "«sha:1»",
  "private_key": "«!pem:pkcs8|json»\n",
  "client_email": "deployer@«project»-prod.iam.gserviceaccount.com",
  "client_id": "«digits:21»",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/deployer%40«project»-prod.iam.gserviceaccount.com",
  "universe_domain": "googleapis.com"
}
""")

t("json", "google external account config (no key)", r"""
{
  "type": "external_account",
  "audience": "//iam.googleapis.com/projects/«digits:12»/locations/global/workloadIdentityPools/github/providers/github",
  "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
  "token_url": "https://sts.googleapis.com/v1/token",
  "service_account_impersonation_url": "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/deployer@«project»-prod.iam.gserviceaccount.com:generateAccessToken",
  "credential_source": {
    "url": "https://pipelines.actions.githubusercontent.com/«alnum:40»/idtoken?api-version=2.0&audience=https://iam.googleapis.com/projects/«digits:12»",
    "headers": { "Authorization": "Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" },
    "format": { "type": "json", "subject_token_field_name": "value" }
  }
}
""")

t("json", "google-services.json android", r"""
{
  "project_info": {
    "project_number": "«digits:12»",
    "project_id": "«project»-app",
    "storage_bucket": "«project»-app.appspot.com"
  },
  "client": [
    {
      "client_info": {
        "mobilesdk_app_id": "«firebase_app:android»",
        "android_client_info": { "package_name": "com.«project».app" }
      },
      "oauth_client": [{ "client_id": "«google_client_id»", "client_type": 3 }],
      "api_key": [{ "current_key": "«google_key»" }]
    }
  ],
  "configuration_version": "1"
}
""")

t("json", "mcp settings with env tokens", r"""
{
  "mcpServers": {
    "github": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"],
      "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "«!ghpat»" }
    },
    "postgres": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://«user»:«!pw:alnum»@localhost:5432/«project»"]
    },
    "linear": { "command": "npx", "args": ["-y", "mcp-remote", "https://mcp.linear.app/sse"], "env": { "LINEAR_API_KEY": "«!linear»" } }
  }
}
""")

t("json", "mcp settings with env references", r"""
{
  "mcpServers": {
    "github": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"],
      "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN}" }
    },
    "sentry": { "type": "http", "url": "https://mcp.sentry.dev/mcp" },
    "filesystem": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/«name»/src/«project»"] }
  }
}
""")

t("json", "devcontainer.json with remoteEnv", r"""
{
  "name": "«project»",
  "image": "mcr.microsoft.com/devcontainers/typescript-node:20",
  "features": { "ghcr.io/devcontainers/features/docker-in-docker:2": {} },
  "forwardPorts": [3000, 5432],
  "remoteEnv": {
    "DATABASE_URL": "postgres://postgres:postgres@db:5432/«project»",
    "OPENAI_API_KEY": "${localEnv:OPENAI_API_KEY}"
  },
  "postCreateCommand": "pnpm install"
}
""")

t("json", "jwks private with d", r"""
{
  "keys": [
    {
      "kty": "EC",
      "crv": "P-256",
      "kid": "«sha:short»-«ts:date»",
      "use": "sig",
      "alg": "ES256",
      "x": "«b64urlk:43»",
      "y": "«b64urlk:43»",
      "d": "«!b64urlk:43»"
    }
  ]
}
""")

t("json", "jwks public only", r"""
{
  "keys": [
    {
      "kty": "RSA",
      "kid": "«sha:1»",
      "use": "sig",
      "alg": "RS256",
      "n": "«b64urlk:342»",
      "e": "AQAB",
      "x5t": "«b64urlk:27»"
    },
    {
      "kty": "EC",
      "crv": "P-256",
      "kid": "«sha:short»",
      "x": "«b64urlk:43»",
      "y": "«b64urlk:43»"
    }
  ]
}
""")

t("json", "package-lock integrity", r"""
{
  "name": "@«project»/web",
  "lockfileVersion": 3,
  "packages": {
    "node_modules/jsonwebtoken": {
      "version": "9.0.2",
      "resolved": "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz",
      "integrity": "«sri:512»",
      "dependencies": { "jws": "^3.2.2", "lodash.includes": "^4.3.0" }
    },
    "node_modules/jws": {
      "version": "3.2.2",
      "resolved": "https://registry.npmjs.org/jws/-/jws-3.2.2.tgz",
      "integrity": "«sri:512»"
    }
  }
}
""")

t("json", "oauth token endpoint response", r"""
{
  "access_token": "«!google_access»",
  "expires_in": 3599,
  "refresh_token": "«!google_refresh»",
  "scope": "https://www.googleapis.com/auth/calendar.readonly openid",
  "token_type": "Bearer",
  "id_token": "«!jwt:service»"
}
""")

t("json", "aws sts assume-role output", r"""
{
    "Credentials": {
        "AccessKeyId": "«aws_id:asia»",
        "SecretAccessKey": "«!aws_secret»",
        "SessionToken": "«!aws_session»",
        "Expiration": "«ts»"
    },
    "AssumedRoleUser": {
        "AssumedRoleId": "AROA«ualnum:17»:ci-session",
        "Arn": "arn:aws:sts::«digits:12»:assumed-role/deployer/ci-session"
    }
}
""")

t("json", "aws sts get-caller-identity output", r"""
{
    "UserId": "AIDA«ualnum:17»",
    "Account": "«digits:12»",
    "Arn": "arn:aws:iam::«digits:12»:user/ci-deployer"
}
""")

t("json", "aws iam list-access-keys output", r"""
{
    "AccessKeyMetadata": [
        {
            "UserName": "ci-deployer",
            "AccessKeyId": "«aws_id»",
            "Status": "Active",
            "CreateDate": "«ts»"
        },
        {
            "UserName": "ci-deployer",
            "AccessKeyId": "«aws_id»",
            "Status": "Inactive",
            "CreateDate": "«ts»"
        }
    ]
}
""")

t("json", "postman collection with bearer", r"""
{
  "info": { "_postman_id": "«uuid»", "name": "«project» API", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
  "auth": {
    "type": "bearer",
    "bearer": [{ "key": "token", "value": "«!jwt:user»", "type": "string" }]
  },
  "variable": [
    { "key": "baseUrl", "value": "https://api.«project».io" },
    { "key": "apiKey", "value": "«!alnum:32»" }
  ]
}
""")

t("json", "postman environment with placeholders", r"""
{
  "id": "«uuid»",
  "name": "«project» staging",
  "values": [
    { "key": "baseUrl", "value": "https://staging-api.«project».io", "enabled": true },
    { "key": "apiKey", "value": "", "type": "secret", "enabled": true },
    { "key": "accessToken", "value": "{{login.access_token}}", "type": "secret", "enabled": true }
  ],
  "_postman_variable_scope": "environment"
}
""")

t("json", "expo app.json with public ids", r"""
{
  "expo": {
    "name": "«project|cap»",
    "slug": "«project»",
    "version": "«ver»",
    "ios": { "bundleIdentifier": "com.«project».app", "config": { "usesNonExemptEncryption": false } },
    "android": { "package": "com.«project».app", "googleServicesFile": "./google-services.json" },
    "extra": {
      "eas": { "projectId": "«uuid»" },
      "revenueCatIosKey": "appl_«alnum:27»",
      "sentryDsn": "«sentry_dsn»"
    },
    "updates": { "url": "https://u.expo.dev/«uuid»" }
  }
}
""")

t("json", "eas.json submit with asc password", r"""
{
  "cli": { "version": ">= 7.0.0" },
  "build": { "production": { "autoIncrement": true, "env": { "EXPO_APPLE_APP_SPECIFIC_PASSWORD": "«!apple_asp»" } } },
  "submit": {
    "production": {
      "ios": {
        "appleId": "«email»",
        "ascAppId": "«digits:10»",
        "appleTeamId": "«ualnum:10»"
      },
      "android": { "serviceAccountKeyPath": "./secrets/play-service-account.json", "track": "internal" }
    }
  }
}
""")

t("json", "cdk.context.json lookups", r"""
{
  "availability-zones:account=«digits:12»:region=eu-west-1": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  "vpc-provider:account=«digits:12»:filter.vpc-id=vpc-«hexk:17»:region=eu-west-1:returnAsymmetricSubnets=true": {
    "vpcId": "vpc-«hexk:17»",
    "vpcCidrBlock": "10.0.0.0/16"
  },
  "hosted-zone:account=«digits:12»:domainName=«project».io:region=eu-west-1": { "Id": "/hostedzone/Z«ualnum:20»", "Name": "«project».io." }
}
""")

t("json", "structured log line with auth header", r"""
{"level":"debug","ts":"«ts»","logger":"http.client","msg":"outgoing request","method":"POST","url":"https://api.«project».io/v2/charges","headers":{"Authorization":"Bearer «!stripe:rk_live»","Idempotency-Key":"«uuid»","Content-Type":"application/x-www-form-urlencoded"},"trace_id":"«hexk:32»"}
""")

t("json", "structured log line with masked header", r"""
{"level":"info","ts":"«ts»","logger":"http.client","msg":"outgoing request","method":"POST","url":"https://api.«project».io/v2/charges","headers":{"Authorization":"Bearer [REDACTED]","Idempotency-Key":"«uuid»"},"status":201,"duration_ms":«int:20:900»,"trace_id":"«hexk:32»","span_id":"«hexk:16»"}
""")

t("json", "github api create installation token response", r"""
{
  "token": "«!gh:s»",
  "expires_at": "«ts»",
  "permissions": { "contents": "write", "pull_requests": "write", "metadata": "read" },
  "repository_selection": "selected"
}
""")

t("json", "claude settings.json with apiKeyHelper", r"""
{
  "$schema": "https://json.schemastore.org/claude-code-settings.json",
  "apiKeyHelper": "~/.claude/anthropic_key.sh",
  "permissions": {
    "allow": ["Bash(npm run test:*)", "Bash(git diff:*)", "Read(~/.zshrc)"],
    "deny": ["Read(./.env)", "Read(./.env.*)", "Read(./secrets/**)"]
  },
  "env": { "CLAUDE_CODE_ENABLE_TELEMETRY": "0", "DISABLE_AUTOUPDATER": "1" }
}
""")

t("json", "vercel.json and project ids", r"""
{
  "$schema": "https://openapi.vercel.sh/vercel.json",
  "framework": "nextjs",
  "regions": ["fra1"],
  "crons": [{ "path": "/api/cron/digest", "schedule": "0 7 * * *" }],
  "headers": [{ "source": "/(.*)", "headers": [{ "key": "X-Frame-Options", "value": "DENY" }] }],
  "projectId": "prj_«alnum:28»",
  "orgId": "team_«alnum:24»"
}
""")

t("json", "firebase service account for admin sdk in appsettings", r"""
{
  "Firebase": {
    "ProjectId": "«project»-app",
    "ServerKey": "«!fcm»",
    "SenderId": "«digits:12»"
  },
  "Apns": {
    "KeyId": "«ualnum:10»",
    "TeamId": "«ualnum:10»",
    "P8": "«!pem:p8|json»"
  }
}
""")

# ---- URLs: connection strings in code --------------------------------------------------------------

t("url", "python sqlalchemy url literal", r"""
from sqlalchemy import create_engine

engine = create_engine(
    "postgresql+psycopg://«user»:«!pw:human|urlenc»@«host»:5432/«project»",
    pool_size=10,
    pool_pre_ping=True,
)
""")

t("url", "python sqlalchemy URL.create from env", r"""
from sqlalchemy import URL, create_engine

url = URL.create(
    "postgresql+psycopg",
    username=os.environ["DB_USER"],
    password=os.environ["DB_PASSWORD"],  # plain string, no escaping needed
    host="«host»",
    database="«project»",
)
engine = create_engine(url)
print(url.render_as_string(hide_password=True))  # postgresql+psycopg://«user»:***@«host»/«project»
""")

t("url", "node mongoose srv uri", r"""
import mongoose from "mongoose";

await mongoose.connect("mongodb+srv://«user»:«!pw:alnum»@cluster0.«lalnum:5».mongodb.net/«project»?retryWrites=true&w=majority&appName=Cluster0");
console.log("connected to mongo");
""")

t("url", "go redis url literal", r"""
opt, err := redis.ParseURL("rediss://default:«!alnum:32»@«lalnum:8»-«int:10000:99999».upstash.io:6379")
if err != nil {
	log.Fatal(err)
}
rdb := redis.NewClient(opt)
""")

t("url", "java jdbc url with password parameter", r"""
String url = "jdbc:mysql://«host»:3306/«project»?user=«user»&password=«!pw:human|urlenc»&useSSL=true&serverTimezone=UTC";
try (Connection conn = DriverManager.getConnection(url)) {
    conn.createStatement().execute("SELECT 1");
}
""")

t("url", "jdbc sqlserver url with password", r"""
jdbc.url=jdbc:sqlserver://«project»-sql.database.windows.net:1433;database=«project»;user=«user»@«project»-sql;password=«!pw:safe»;encrypt=true;trustServerCertificate=false;loginTimeout=30;
jdbc.driver=com.microsoft.sqlserver.jdbc.SQLServerDriver
""")

t("url", "jdbc url without credentials", r"""
jdbc.url=jdbc:sqlserver://«project»-sql.database.windows.net:1433;database=«project»;encrypt=true;authentication=ActiveDirectoryManagedIdentity
jdbc.driver=com.microsoft.sqlserver.jdbc.SQLServerDriver
jdbc.pool.max=20
""")

t("url", "rust amqp url const", r"""
const AMQP_URL: &str = "amqps://«user»:«!pw:alnum»@«lalnum:8».rmq.cloudamqp.com/«lalnum:8»";

#[tokio::main]
async fn main() -> Result<(), lapin::Error> {
    let conn = Connection::connect(AMQP_URL, ConnectionProperties::default()).await?;
    let channel = conn.create_channel().await?;
    Ok(())
}
""")

t("url", "elixir ecto url in config", r"""
config :«project», «project|cap».Repo,
  url: "ecto://«user»:«!pw:human|urlenc»@«host»/«project»_prod",
  pool_size: 10
""")

t("url", "kotlin smtp url", r"""
val mailer = SimpleMailer(
    smtpUrl = "smtps://«email|urlenc»:«!pw:human|urlenc»@smtp.gmail.com:465",
    from = "alerts@«project».io",
)
""")

t("url", "git remote with token in url", r"""
$ git remote -v
origin	https://«name»:«!gh:p@t»@github.com/«project»/backend.git (fetch)
origin	https://«name»:«=t»@github.com/«project»/backend.git (push)
""")

t("url", "git remote ssh and https plain", r"""
$ git remote -v
origin	git@github.com:«project»/backend.git (fetch)
origin	git@github.com:«project»/backend.git (push)
upstream	https://github.com/«project»-oss/backend.git (fetch)
upstream	https://github.com/«project»-oss/backend.git (push)
""")

t("url", "pip index url with token", r"""
# requirements.txt
--index-url https://__token__:«!pypi»@upload.pypi.org/simple/
--extra-index-url https://«user»:«!alnum:40»@«project».jfrog.io/artifactory/api/pypi/pypi-local/simple
django==5.0.4
celery[redis]==5.3.6
""")

t("url", "pip conf index url with env", r"""
[global]
index-url = https://${PIP_USER}:${PIP_TOKEN}@«project».jfrog.io/artifactory/api/pypi/pypi-virtual/simple
timeout = 60
trusted-host = «project».jfrog.io
""")

t("url", "npmrc registry auth token", r"""
@«project»:registry=https://npm.pkg.github.com/
//npm.pkg.github.com/:_authToken=«!gh:p»
//registry.npmjs.org/:_authToken=«!npm»
always-auth=true
""")

t("url", "npmrc registry auth env reference", r"""
@«project»:registry=https://npm.pkg.github.com/
//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}
engine-strict=true
save-exact=true
""")

t("url", "s3 presigned url in test", r"""
def test_download_link_expires(client):
    url = ("https://«project»-exports.s3.eu-west-1.amazonaws.com/reports/«ts:date».csv"
           "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
           "&X-Amz-Credential=«aws_id:asia»%2F«ts:ymd»%2Feu-west-1%2Fs3%2Faws4_request"
           "&X-Amz-Date=«ts:ymd»T120000Z&X-Amz-Expires=3600"
           "&X-Amz-Security-Token=«!aws_session|urlencall»"
           "&X-Amz-SignedHeaders=host"
           "&X-Amz-Signature=«!hexk:64»")
    assert client.get(url).status_code == 200
""")

t("url", "azure blob sas url in code", r"""
const blobUrl =
  "https://«project»media.blob.core.windows.net/uploads/avatars?sv=2022-11-02&ss=b&srt=co&sp=rwdlacupiytfx&se=«ts:date»T18:00:00Z&st=«ts:date»T10:00:00Z&spr=https&sig=«!azure_sig»";
const container = new ContainerClient(blobUrl);
""")

t("url", "azure blob url without sas", r"""
const account = "«project»media";
const blobService = new BlobServiceClient(`https://${account}.blob.core.windows.net`, new DefaultAzureCredential());
const container = blobService.getContainerClient("uploads");
// public CDN: https://«project»media.azureedge.net/uploads/avatars/«uuid».png
""")

t("url", "webhook url constant python", r"""
DISCORD_WEBHOOK = "«!discord_hook»"

def notify(msg: str) -> None:
    requests.post(DISCORD_WEBHOOK, json={"content": msg, "username": "deploy-bot"}, timeout=5)
""")

t("url", "teams webhook url in powershell", r"""
$webhook = '«!teams_hook»'
$card = @{ text = "Backup finished on $env:COMPUTERNAME at $(Get-Date -Format s)" } | ConvertTo-Json
Invoke-RestMethod -Uri $webhook -Method Post -Body $card -ContentType 'application/json'
""")

t("url", "google chat webhook in apps script", r"""
function notifyChat(text) {
  const url = "«!gchat_hook»";
  UrlFetchApp.fetch(url, { method: "post", contentType: "application/json", payload: JSON.stringify({ text }) });
}
""")

t("url", "telegram bot api url", r"""
BOT_URL = "https://api.telegram.org/bot«!telegram»/sendMessage"
requests.post(BOT_URL, data={"chat_id": "-100«digits:10»", "text": "build green"}, timeout=10)
""")

t("url", "elasticsearch url with basic auth", r"""
es = Elasticsearch(
    "https://elastic:«!alnum:24»@«lalnum:8».es.eu-central-1.aws.cloud.es.io:443",
    request_timeout=30,
)
es.indices.create(index="logs-«ts:date»", ignore=400)
""")

t("url", "influxdb url with token query", r"""
curl -i -XPOST "https://eu-central-1-1.aws.cloud2.influxdata.com/api/v2/write?org=«project»&bucket=metrics&precision=s" \
  --header "Authorization: Token «!b64urlk:86»==" \
  --data-raw "cpu,host=«project»-web-1 usage=0.«int:10:99» «ts:epoch»"
""")

t("url", "sentry dsn in client code", r"""
Sentry.init({
  dsn: "«sentry_dsn»",
  tracesSampleRate: 0.1,
  release: "«project»-web@«ver»",
  environment: "production",
});
""")

t("url", "connection urls with env and masked", r"""
DATABASE_URL = os.getenv("DATABASE_URL", "postgresql://«user»@localhost:5432/«project»")
REDIS_URL = os.getenv("REDIS_URL", "redis://localhost:6379/0")
log.info("connecting to %s", "postgresql://«user»:****@«host»:5432/«project»")
BROKER_URL = f"amqp://{os.environ['MQ_USER']}:{os.environ['MQ_PASSWORD']}@rabbitmq:5672//"
""")

t("url", "ftp url in perl", r"""
my $url = 'ftp://«user»:«!pw:human|urlenc»@ftp.«project»-partners.com/outbound/orders_«ts:date».csv';
my $rc = getstore($url, "/data/inbound/orders.csv");
die "download failed: $rc" unless is_success($rc);
""")

t("url", "ldap bind url in csharp", r"""
var conn = new LdapConnection(new LdapDirectoryIdentifier("ldap.«project».corp", 636));
conn.SessionOptions.SecureSocketLayer = true;
conn.Credential = new NetworkCredential("CN=svc_ldap,OU=Service Accounts,DC=«project»,DC=corp", "«!pw:human»");
conn.Bind();
// ldaps://ldap.«project».corp:636/DC=«project»,DC=corp
""")

t("url", "clickhouse dsn go", r"""
conn, err := sql.Open("clickhouse", "clickhouse://default:«!pw:alnum»@«lalnum:10».eu-west-1.aws.clickhouse.cloud:9440/analytics?secure=true&dial_timeout=10s")
if err != nil {
	return err
}
""")

t("url", "kafka sasl jaas config url", r"""
bootstrap.servers=SASL_SSL://pkc-«lalnum:5».eu-west-1.aws.confluent.cloud:9092
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="«ualnum:16»" password="«!b64k:48»";
schema.registry.url=https://psrc-«lalnum:5».eu-central-1.aws.confluent.cloud
basic.auth.user.info=«ualnum:16»:«!b64k:48»
""")

t("url", "nats url with credentials file", r"""
nc, err := nats.Connect("tls://connect.ngs.global", nats.UserCredentials("/etc/nats/«project».creds"))
if err != nil {
	log.Fatalf("nats connect: %v", err)
}
// local: nats://127.0.0.1:4222
""")

t("url", "mssql url in node config", r"""
module.exports = {
  production: {
    url: "mssql://«user»:«!pw:human|urlenc»@«project»-sql.database.windows.net:1433/«project»?encrypt=true",
    dialect: "mssql",
    logging: false,
  },
};
""")

t("url", "redis url placeholders in dotenv example", r"""
# .env.example - copy to .env and fill in
DATABASE_URL=postgres://USER:PASSWORD@localhost:5432/«project»
REDIS_URL=redis://:<redis-password>@localhost:6379/0
AMQP_URL=amqp://guest:guest@localhost:5672/
S3_ENDPOINT=http://localhost:9000
""")

t("url", "gcs signed url in fixture", r"""
SIGNED = (
    "https://storage.googleapis.com/«project»-uploads/raw/«uuid».jpg"
    "?X-Goog-Algorithm=GOOG4-RSA-SHA256"
    "&X-Goog-Credential=uploader%40«project»-prod.iam.gserviceaccount.com%2F«ts:ymd»%2Fauto%2Fstorage%2Fgoog4_request"
    "&X-Goog-Date=«ts:ymd»T093000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host"
    "&X-Goog-Signature=«!hexk:512»"
)
""")

t("url", "public object urls and cdn", r"""
ASSETS = {
    "logo": "https://«project»-public.s3.eu-west-1.amazonaws.com/brand/logo-«sha:short».svg",
    "fonts": "https://fonts.googleapis.com/css2?family=Inter:wght@400;600&display=swap",
    "cdn": "https://d«lalnum:13».cloudfront.net/static/app.«sha:short».js",
}
""")

t("url", "mysql dsn go driver", r"""
dsn := "«user»:«!pw:safe»@tcp(«host»:3306)/«project»?parseTime=true&tls=preferred"
db, err := sql.Open("mysql", dsn)
""")

t("url", "webhook url with token query param", r"""
HEALTHCHECK_URL = "https://hc-ping.com/«!uuid»"
GRAFANA_ONCALL = "https://oncall-prod-eu-west-0.grafana.net/oncall/integrations/v1/webhook/«!alnum:25»/"
UPTIME_PUSH = "https://status.«project».io/api/push/«!alnum:10»?status=up&msg=OK&ping="
""")

# ---- plain: grep hits, compiler, linter and scanner output -----------------------------------------

t("plain", "grep -rn password hits in source", r"""
$ grep -rn "password" src/main/
src/main/kotlin/com/«project»/db/Db.kt:«line»:            password = "«!pw:human»",
src/main/kotlin/com/«project»/auth/LoginScreen.kt:«line»:    var password by remember { mutableStateOf("") }
src/main/resources/application.conf:«line»:    password = ${?DB_PASSWORD}
src/main/kotlin/com/«project»/auth/PasswordPolicy.kt:«line»:    fun isStrong(password: String) = password.length >= 12
""")

t("plain", "grep -rn password hits references only", r"""
$ grep -rn "password" src/main/
src/main/kotlin/com/«project»/db/Db.kt:«line»:            password = System.getenv("DB_PASSWORD"),
src/main/kotlin/com/«project»/auth/LoginScreen.kt:«line»:    var password by remember { mutableStateOf("") }
src/main/resources/application.conf:«line»:    password = ${?DB_PASSWORD}
src/main/kotlin/com/«project»/auth/PasswordPolicy.kt:«line»:    fun isStrong(password: String) = password.length >= 12
""")

t("plain", "rg -n api key across languages", r"""
$ rg -n -i 'api[_-]?key' --glob '!*.lock'
app/src/main/java/com/«project»/Config.java
«line»:    public static final String API_KEY = "«!alnum:32»";

ios/«project|cap»/Secrets.swift
«line»:    static let apiKey = "«!hexk:40»"

web/src/config.ts
«line»:  apiKey: process.env.NEXT_PUBLIC_API_KEY ?? "",
""")

t("plain", "rg -n api key placeholders", r"""
$ rg -n -i 'api[_-]?key' --glob '!*.lock'
README.md
«line»:export OPENAI_API_KEY=sk-...   # your key here

app/src/main/java/com/«project»/Config.java
«line»:    public static final String API_KEY = BuildConfig.API_KEY;

web/src/config.ts
«line»:  apiKey: process.env.NEXT_PUBLIC_API_KEY ?? "",

docs/setup.md
«line»:3. Paste your API key into `.env` as `API_KEY=<your-api-key>`
""")

t("plain", "git grep with context", r"""
$ git grep -n -C1 'AWS_SECRET'
scripts/deploy.sh-«line»-export AWS_ACCESS_KEY_ID=«aws_id»
scripts/deploy.sh:«line»:export AWS_SECRET_ACCESS_KEY=«!aws_secret»
scripts/deploy.sh-«line»-export AWS_DEFAULT_REGION=eu-west-1
--
docs/ops.md:«line»:Never commit AWS_SECRET_ACCESS_KEY; use `aws sso login` instead.
""")

t("plain", "javac error quoting line with token", r"""
src/main/java/com/«project»/slack/Notifier.java:«line»: error: incompatible types: String cannot be converted to URI
        private static final URI WEBHOOK = "«!slack_hook»";
                                           ^
1 error
""")

t("plain", "rustc error quoting line with key", r"""
error[E0308]: mismatched types
  --> src/config.rs:«line»:28
   |
«line» |     pub const API_KEY: &[u8] = "«!hexk:64»";
   |                                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expected `&[u8]`, found `&str`
   |
help: consider adding a leading `b`
""")

t("plain", "tsc error quoting line with connection string", r"""
src/db.ts:«line»:7 - error TS2345: Argument of type 'string' is not assignable to parameter of type 'PoolConfig'.

«line» const pool = new Pool("postgres://«user»:«!pw:alnum»@«host»:5432/«project»");
                         ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Found 1 error in src/db.ts:«line»
""")

t("plain", "bandit hardcoded password report", r"""
>> Issue: [B105:hardcoded_password_string] Possible hardcoded password: '«!pw:human@p»'
   Severity: Low   Confidence: Medium
   CWE: CWE-259 (https://cwe.mitre.org/data/definitions/259.html)
   Location: ./app/settings.py:«line»:15
«line»	EMAIL_HOST_PASSWORD = '«=p»'
""")

t("plain", "bandit report false alarm", r"""
>> Issue: [B105:hardcoded_password_string] Possible hardcoded password: 'password_reset'
   Severity: Low   Confidence: Medium
   CWE: CWE-259 (https://cwe.mitre.org/data/definitions/259.html)
   Location: ./app/urls.py:«line»:11
«line»	PASSWORD_RESET_URL_NAME = 'password_reset'
--------------------------------------------------
>> Issue: [B106:hardcoded_password_funcarg] Possible hardcoded password: 'changeme'
   Location: ./tests/conftest.py:«line»:20
«line»	    user = UserFactory(password='changeme')
""")

t("plain", "gitleaks report with secret", r"""
Finding:     const stripe = new Stripe("«!stripe:sk_live@k»", { apiVersion: "2024-06-20" });
Secret:      «=k»
RuleID:      stripe-access-token
Entropy:     «int:4:5».«int:100:999»
File:        server/billing.ts
Line:        «line»
Commit:      «sha:git»
Author:      «name»
Date:        «ts»
Fingerprint: «sha:git»:server/billing.ts:stripe-access-token:«line»
""")

t("plain", "gitleaks report redacted", r"""
Finding:     const stripe = new Stripe(REDACTED, { apiVersion: "2024-06-20" });
Secret:      REDACTED
RuleID:      stripe-access-token
Entropy:     «int:4:5».«int:100:999»
File:        server/billing.ts
Line:        «line»
Commit:      «sha:git»
Fingerprint: «sha:git»:server/billing.ts:stripe-access-token:«line»

«int:2:9»:«int:10:59»PM INF «int:100:900» commits scanned.
«int:2:9»:«int:10:59»PM WRN leaks found: 1
""")

t("plain", "shellcheck output quoting line", r"""
In deploy.sh line «line»:
curl -u admin:«!pw:rand» https://nexus.«project».io/service/rest/v1/components?repository=raw
                                                 ^-- SC2086 (info): Double quote to prevent globbing and word splitting.
""")

t("plain", "hadolint warning on ENV", r"""
Dockerfile:«line» DL3044 error: Do not refer to an environment variable within the same `ENV` statement where it is defined.
Dockerfile:«line» DL3008 warning: Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`
Dockerfile:«line» SC2046 warning: Quote this to prevent word splitting.
""")

t("plain", "checkov failed check with code block", r"""
Check: CKV_AWS_41: "Ensure no hard coded AWS access key and secret key exists in provider"
	FAILED for resource: aws.default
	File: /providers.tf:1-9

		1 | provider "aws" {
		2 |   region     = "eu-west-1"
		3 |   access_key = "«aws_id»"
		4 |   secret_key = "«!aws_secret»"
		5 | }
""")

t("plain", "tfsec output no secrets", r"""
Result #1 HIGH Security group rule allows ingress from public internet.
────────────────────────────────────────────────────────────────────────
  main.tf:«line»
   «line»    cidr_blocks = ["0.0.0.0/0"]
────────────────────────────────────────────────────────────────────────
          ID aws-ec2-no-public-ingress-sgr
      Impact Your port exposed to the internet
  Resolution Set a more restrictive cidr range
""")

t("plain", "detekt kotlin issue quoting line", r"""
src/main/kotlin/com/«project»/push/FcmSender.kt:«line»:5: Hardcoded string 'key=«!fcm»' detected. [StringLiteralDuplication]
src/main/kotlin/com/«project»/push/FcmSender.kt:«line»:9: This expression contains a magic number. [MagicNumber]
""")

t("plain", "swiftlint output quoting line", r"""
/Users/«name»/src/«project»-ios/«project|cap»/Networking/APIClient.swift:«line»:5: warning: Line Length Violation: Line should be 120 characters or less; currently it has 181 characters (line_length)
/Users/«name»/src/«project»-ios/«project|cap»/Networking/APIClient.swift:«line»:9: warning: Todo Violation: TODOs should be resolved (move key to keychain) (todo)
«line»	    private let refreshToken = "«!google_refresh»" // TODO: move key to keychain
""")

t("plain", "eslint no-secrets plugin output", r"""
/home/«name»/src/«project»/web/src/lib/analytics.ts
  «line»:22  error  Found a string with entropy 4.«int:10:99» : "«!hexk:32»"  no-secrets/no-secrets

/home/«name»/src/«project»/web/src/lib/maps.ts
  «line»:18  error  Found a string with entropy 4.«int:10:99» : "«!mapbox:sk»"  no-secrets/no-secrets

✖ 2 problems (2 errors, 0 warnings)
""")

t("plain", "eslint output on public keys", r"""
/home/«name»/src/«project»/web/src/lib/maps.ts
  «line»:18  warning  Unexpected string concatenation  prefer-template
  «line»:3   warning  'MAPBOX_PUBLIC_TOKEN' is assigned a value but never used: "«mapbox:pk»"  @typescript-eslint/no-unused-vars

✖ 2 problems (0 errors, 2 warnings)
""")

t("plain", "go vet and build output", r"""
# github.com/«project»/api/internal/auth
internal/auth/jwt.go:«line»:2: declared and not used: signingKey
internal/auth/jwt.go:«line»:14: cannot use "«!b64k:32»" (untyped string constant) as []byte value in assignment
""")

t("plain", "mypy output mentions secret names", r"""
app/config.py:«line»: error: Incompatible types in assignment (expression has type "str | None", variable has type "str")  [assignment]
app/config.py:«line»: note: Use os.environ["STRIPE_SECRET_KEY"] to get a str
app/integrations/slack.py:«line»: error: Name "SLACK_SIGNING_SECRET" is not defined  [name-defined]
Found 2 errors in 2 files (checked «int:40:300» source files)
""")

t("plain", "cat -n source with key", r"""
$ cat -n lib/«project»/mailer.ex
     1	defmodule «project|cap».Mailer do
     2	  use Swoosh.Mailer, otp_app: :«project»
     3	
     4	  @api_key "«!sendgrid»"
     5	
     6	  def config, do: [adapter: Swoosh.Adapters.Sendgrid, api_key: @api_key]
     7	end
""")

t("plain", "cat -n source without key", r"""
$ cat -n lib/«project»/mailer.ex
     1	defmodule «project|cap».Mailer do
     2	  use Swoosh.Mailer, otp_app: :«project»
     3	
     4	  def config, do: [adapter: Swoosh.Adapters.Sendgrid, api_key: System.fetch_env!("SENDGRID_API_KEY")]
     5	end
""")

t("plain", "git show diff adding a secret", r"""
commit «sha:git»
Author: «name» <«email»>
Date:   «ts»

    wire up the weather widget

diff --git a/lib/src/weather_api.dart b/lib/src/weather_api.dart
index «sha:short»..«sha:short» 100644
--- a/lib/src/weather_api.dart
+++ b/lib/src/weather_api.dart
@@ -3,6 +3,7 @@ import 'package:http/http.dart' as http;
 class WeatherApi {
-  static const _key = String.fromEnvironment('OWM_KEY');
+  static const _key = '«!hexk:32»';
   static const _base = 'https://api.openweathermap.org/data/2.5';
""")

t("plain", "git diff removing a secret for env", r"""
diff --git a/lib/src/weather_api.dart b/lib/src/weather_api.dart
index «sha:short»..«sha:short» 100644
--- a/lib/src/weather_api.dart
+++ b/lib/src/weather_api.dart
@@ -3,6 +3,6 @@ import 'package:http/http.dart' as http;
 class WeatherApi {
-  static const _key = 'REPLACE_ME';
+  static const _key = String.fromEnvironment('OWM_KEY');
   static const _base = 'https://api.openweathermap.org/data/2.5';
""")

t("plain", "trufflehog json finding", r"""
🐷🔑🐷  TruffleHog. Unearth your secrets. 🐷🔑🐷

Found verified result 🐷🔑
Detector Type: Github
Decoder Type: PLAIN
Raw result: «!gh:p»
Commit: «sha:git»
File: ci/release.groovy
Line: «line»
Repository: https://github.com/«project»/pipelines.git
""")

t("plain", "semgrep finding quoting line", r"""
  ci/terraform/providers.tf
    terraform.lang.security.hardcoded-credentials
          A hardcoded DigitalOcean token was found. Use a variable or secret store instead.

           «line»┆ token = "«!do»"
""")

t("plain", "semgrep finding with env lookup", r"""
  src/«project»/config.py
    python.lang.security.audit.hardcoded-password-default-argument
          Hardcoded password is used as a default argument. This could be dangerous.

           «line»┆ def connect(user="«user»", password=os.environ.get("DB_PASSWORD", "")):
""")

t("plain", "compiler output c++ with hex digest", r"""
[ 42%] Building CXX object src/CMakeFiles/updater.dir/verify.cpp.o
/src/«project»/src/verify.cpp:«line»:20: warning: comparison of integers of different signs: 'int' and 'size_t' [-Wsign-compare]
    for (int i = 0; i < sizeof(kPinnedSha256); ++i) {  // «sha:256»
                    ~ ^ ~~~~~~~~~~~~~~~~~~~~~
1 warning generated.
[ 45%] Linking CXX executable updater
""")

t("plain", "dotnet build warning quoting secret", r"""
/src/«project|cap».Api/Program.cs(«line»,40): warning CS0219: The variable 'sendGridKey' is assigned but its value is never used [/src/«project|cap».Api/«project|cap».Api.csproj]
    var sendGridKey = "«!sendgrid»";
Build succeeded.
    1 Warning(s)
    0 Error(s)
""")

t("plain", "pylint output quoting line with mnemonic", r"""
************* Module wallet.fixtures
wallet/fixtures.py:«line»:0: C0301: Line too long («int:121:220»/100) (line-too-long)
«line»: TEST_MNEMONIC = "«!mnemonic:12»"
wallet/fixtures.py:«line»:0: W0611: Unused import os (unused-import)
""")

t("plain", "grep hits over iac with tokens", r"""
$ grep -rn 'token' infra/
infra/modules/dns/main.tf:«line»:  api_token = var.cloudflare_api_token
infra/envs/prod/terraform.tfvars:«line»:cloudflare_api_token = "«!b64urlk:40»"
infra/envs/prod/terraform.tfvars:«line»:tailscale_auth_key   = "«!tailscale»"
infra/ansible/roles/runner/defaults/main.yml:«line»:runner_token: "{{ vault_runner_token }}"
""")

t("plain", "grep hits over iac references only", r"""
$ grep -rn 'token' infra/
infra/modules/dns/main.tf:«line»:  api_token = var.cloudflare_api_token
infra/modules/dns/variables.tf:«line»:variable "cloudflare_api_token" { type = string, sensitive = true }
infra/ansible/roles/runner/defaults/main.yml:«line»:runner_token: "{{ vault_runner_token }}"
infra/README.md:«line»:Export TF_VAR_cloudflare_api_token before `terraform plan`.
""")

t("plain", "ripgrep over migrations bcrypt", r"""
$ rg -n 'password' db/
db/migrate/«ts:migration»_create_users.rb:«line»:      t.string :password_digest, null: false
db/seeds.rb:«line»:User.create!(email: "admin@«project».io", password_digest: "«bcrypt»")
db/structure.sql:«line»:    password_digest character varying NOT NULL,
""")

t("plain", "ripgrep over seeds with plaintext password", r"""
$ rg -n 'password' db/
db/migrate/«ts:migration»_create_users.rb:«line»:      t.string :password_digest, null: false
db/seeds.rb:«line»:User.create!(email: "admin@«project».io", password: "«!pw:human»", role: :admin)
db/seeds.rb:«line»:User.create!(email: "ops@«project».io", password: "«!pw:human»", role: :ops)
""")

t("plain", "terraform plan output sensitive", r"""
  # aws_db_instance.main will be updated in-place
  ~ resource "aws_db_instance" "main" {
        id                = "«project»-prod"
      ~ password          = (sensitive value)
        username          = "«user»"
        # (42 unchanged attributes hidden)
    }

Plan: 0 to add, 1 to change, 0 to destroy.
""")

t("plain", "kubectl get secret -o yaml", r"""
$ kubectl -n «project» get secret api-secrets -o yaml
apiVersion: v1
data:
  DATABASE_PASSWORD: «!pw:human|b64»
  JWT_SECRET: «!b64k:32|b64»
kind: Secret
metadata:
  creationTimestamp: "«ts»"
  name: api-secrets
  namespace: «project»
  resourceVersion: "«digits:8»"
  uid: «uuid»
type: Opaque
""")

t("plain", "kubectl describe secret sizes", r"""
$ kubectl -n «project» describe secret api-secrets
Name:         api-secrets
Namespace:    «project»
Labels:       app.kubernetes.io/managed-by=external-secrets
Annotations:  reconcile.external-secrets.io/data-hash: «sha:md5»

Type:  Opaque

Data
====
DATABASE_PASSWORD:  «int:16:40» bytes
JWT_SECRET:         44 bytes
""")

t("plain", "npm config list with token", r"""
$ npm config list
; "user" config from /home/«name»/.npmrc

//npm.pkg.github.com/:_authToken = (protected)
//registry.npmjs.org/:_authToken = (protected)
@«project»:registry = "https://npm.pkg.github.com/"

; node bin location = /usr/local/bin/node
; node version = v20.«int:1:18».0
""")

t("plain", "env printout in ci log", r"""
«ts» + env | sort
«ts» CI=true
«ts» GITHUB_REF=refs/heads/main
«ts» HOME=/home/runner
«ts» NPM_TOKEN=«!npm»
«ts» RUNNER_OS=Linux
«ts» SENTRY_AUTH_TOKEN=***
""")

# ---- More shapes across languages ------------------------------------------------------------------

t("source", "android local.properties", r"""
## This file must *NOT* be checked into Version Control Systems,
# as it contains information specific to your local configuration.
sdk.dir=/Users/«name»/Library/Android/sdk
MAPS_API_KEY=«!google_key»
REVENUECAT_KEY=goog_«alnum:27»
""")

t("source", "swift xcconfig with secrets", r"""
// Secrets.xcconfig (gitignored)
API_BASE_URL = https:/$()/api.«project».app
REVENUECAT_API_KEY = appl_«alnum:27»
MIXPANEL_TOKEN = «hexk:32»
ALGOLIA_ADMIN_KEY = «!hexk:32»
""")

t("source", "swift xcconfig references only", r"""
// Release.xcconfig
#include? "Secrets.xcconfig"
PRODUCT_BUNDLE_IDENTIFIER = com.«project».app
API_BASE_URL = https:/$()/api.«project».app
REVENUECAT_API_KEY = $(REVENUECAT_API_KEY_RELEASE)
CODE_SIGN_STYLE = Manual
DEVELOPMENT_TEAM = «ualnum:10»
""")

t("source", "dart flutter .env asset", r"""
# assets/.env (loaded with flutter_dotenv)
API_URL=https://api.«project».app
ONESIGNAL_APP_ID=«uuid»
ONESIGNAL_REST_API_KEY=os_v2_app_«!lalnum:100»
GOOGLE_MAPS_KEY=«!google_key»
""")

t("source", "dart envied obfuscated field", r"""
import 'package:envied/envied.dart';

part 'env.g.dart';

@Envied(path: '.env', obfuscate: true)
abstract class Env {
  @EnviedField(varName: 'ONESIGNAL_REST_API_KEY')
  static final String oneSignalKey = _Env.oneSignalKey;

  @EnviedField(varName: 'API_URL', obfuscate: false)
  static const String apiUrl = _Env.apiUrl;
}
""")

t("source", "c commented-out old key", r"""
/*
 * Old licence server key, kept for reference until 4.x clients are gone:
 *   #define LICENSE_SERVER_KEY "«!hexk:48»"
 */
#define LICENSE_SERVER_URL "https://lic.«project».com/v2/activate"
extern const char *license_server_key(void);
""")

t("source", "rust build.rs emits env", r"""
// build.rs
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-env=GIT_SHA={}", git_sha());
    println!("cargo:rustc-env=TELEMETRY_KEY=«!hexk:32»");
}
""")

t("source", "rust include_str of public key", r"""
/// The updater's public verification key; the private half never leaves the HSM.
const UPDATE_PUBKEY_PEM: &str = include_str!("../keys/update_signing.pub.pem");
const UPDATE_PUBKEY_FINGERPRINT: &str = "«fpr»";
const MANIFEST_URL: &str = "https://updates.«project».io/stable/manifest.json";
""")

t("source", "makefile go ldflags with key", r"""
LDFLAGS := -s -w \
	-X main.version=$(VERSION) \
	-X main.commit=$(shell git rev-parse --short HEAD) \
	-X main.licenseKey=«!alnum:32»

build:
	go build -ldflags "$(LDFLAGS)" -o bin/«project» ./cmd/«project»
""")

t("source", "lua roblox webhook", r"""
local HttpService = game:GetService("HttpService")
local WEBHOOK = "«!discord_hook»"

game.Players.PlayerAdded:Connect(function(player)
	HttpService:PostAsync(WEBHOOK, HttpService:JSONEncode({ content = player.Name .. " joined" }))
end)
""")

t("source", "perl mojolicious secrets", r"""
use Mojolicious::Lite -signatures;

app->secrets(['«!alnum:40»', '«!alnum:40»']);
app->sessions->default_expiration(3600);

get '/' => sub ($c) { $c->render(text => 'ok') };
app->start;
""")

t("source", "haskell yesod settings env refs", r"""
static-dir:     "_env:YESOD_STATIC_DIR:static"
host:           "_env:YESOD_HOST:*4"
port:           "_env:YESOD_PORT:3000"
approot:        "_env:YESOD_APPROOT:http://localhost:3000"
database:
  user:     "_env:YESOD_PGUSER:«project»"
  password: "_env:YESOD_PGPASS:«project»"
  host:     "_env:YESOD_PGHOST:localhost"
""")

t("source", "elixir ex_aws config literal", r"""
config :ex_aws,
  access_key_id: "«aws_id»",
  secret_access_key: "«!aws_secret»",
  region: "eu-west-1"

config :appsignal, :config,
  otp_app: :«project»,
  push_api_key: "«!uuid»",
  env: Mix.env()
""")

t("source", "clojure ignored form with key", r"""
(def ^:private openai-key (System/getenv "OPENAI_API_KEY"))

#_(def openai-key "«!openai:legacy»")

(defn complete [prompt]
  (http/post "https://api.openai.com/v1/chat/completions"
             {:headers {"Authorization" (str "Bearer " openai-key)}
              :body (json/write-str {:model "gpt-4o-mini" :messages [{:role "user" :content prompt}]})}))
""")

t("source", "ocaml opam file checksums", r"""
opam-version: "2.0"
name: "«project»"
version: "«ver»"
depends: [ "ocaml" {>= "4.14"} "dune" {>= "3.0"} "cohttp-lwt-unix" ]
url {
  src: "https://github.com/«project»/«project»/releases/download/«ver»/«project»-«ver».tbz"
  checksum: [
    "sha256=«sha:256»"
    "sha512=«sha:512»"
  ]
}
""")

t("source", "csharp mstest with sas token", r"""
[TestMethod]
public async Task Downloads_report_from_blob()
{
    var uri = new Uri("https://«project»reports.blob.core.windows.net/monthly/«ts:date».pdf?sv=2023-01-03&st=«ts:date»T08%3A00%3A00Z&se=«ts:date»T08%3A00%3A00Z&sr=b&sp=r&sig=«!azure_sig»");
    var client = new BlobClient(uri);
    var result = await client.DownloadContentAsync();
    Assert.IsTrue(result.Value.Content.ToArray().Length > 0);
}
""")

t("source", "dotnet data protection key ring xml", r"""
<?xml version="1.0" encoding="utf-8"?>
<key id="«uuid»" version="1">
  <creationDate>«ts»</creationDate>
  <activationDate>«ts»</activationDate>
  <expirationDate>«ts»</expirationDate>
  <descriptor deserializerType="Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel.AuthenticatedEncryptorDescriptorDeserializer, Microsoft.AspNetCore.DataProtection">
    <descriptor>
      <encryption algorithm="AES_256_CBC" />
      <validation algorithm="HMACSHA256" />
      <masterKey p4:requiresEncryption="true" xmlns:p4="http://schemas.asp.net/2015/03/dataProtection">
        <!-- Warning: the key below is in an unencrypted form. -->
        <value>«!b64k:64»</value>
      </masterKey>
    </descriptor>
  </descriptor>
</key>
""")

t("source", "csharp msal confidential client from config", r"""
var app = ConfidentialClientApplicationBuilder
    .Create(configuration["AzureAd:ClientId"])
    .WithTenantId(configuration["AzureAd:TenantId"])
    .WithCertificate(await LoadCertificateFromKeyVaultAsync("«project»-kv", "graph-client-cert"))
    .Build();
var result = await app.AcquireTokenForClient(new[] { "https://graph.microsoft.com/.default" }).ExecuteAsync();
logger.LogInformation("token acquired, expires {Expiry}", result.ExpiresOn);
""")

t("source", "vbnet my.settings lookup", r"""
Dim apiKey = My.Settings.GeoApiKey
If String.IsNullOrWhiteSpace(apiKey) Then
    MessageBox.Show("Please enter your Geo API key under Tools > Options.", "Missing API key", MessageBoxButtons.OK, MessageBoxIcon.Warning)
    Return
End If
client.DefaultRequestHeaders.Add("X-Api-Key", apiKey)
""")

t("shell", "powershell connect-azaccount service principal literal", r"""
$tenant = '«uuid»'
$appId = '«uuid»'
$secret = ConvertTo-SecureString '«!azure_secret»' -AsPlainText -Force
$cred = New-Object System.Management.Automation.PSCredential($appId, $secret)
Connect-AzAccount -ServicePrincipal -Credential $cred -Tenant $tenant | Out-Null
Get-AzResourceGroup | Format-Table ResourceGroupName, Location
""")

t("shell", "powershell read-host to keyvault", r"""
$value = Read-Host -Prompt 'New SQL admin password' -AsSecureString
Set-AzKeyVaultSecret -VaultName '«project»-kv' -Name 'SqlAdminPassword' -SecretValue $value | Out-Null
Write-Host "Stored SqlAdminPassword in «project»-kv (version $((Get-AzKeyVaultSecret -VaultName '«project»-kv' -Name SqlAdminPassword).Version))"
""")

t("shell", "bash gh auth login with token", r"""
#!/usr/bin/env bash
gh auth login --with-token <<< "«!gh:p»"
gh repo clone «project»/infra
gh secret set DEPLOY_KEY --repo «project»/infra < ~/.ssh/deploy_key
""")

t("shell", "bash minio mc alias set", r"""
#!/bin/sh
mc alias set «project» https://s3.«project».internal:9000 «ualnum:20» «!alnum:40»
mc mb --ignore-existing «project»/backups
mc cp /var/backups/*.tar.zst «project»/backups/$(hostname)/
""")

t("shell", "bash vault token header", r"""
#!/usr/bin/env bash
curl -fsS \
  -H "X-Vault-Token: «!vault»" \
  -H "X-Vault-Namespace: admin/«project»" \
  https://vault.«project».io:8200/v1/secret/data/«project»/prod | jq '.data.data | keys'
""")

t("shell", "bash sed replace placeholder with env", r"""
#!/bin/sh
set -eu
: "${API_TOKEN:?API_TOKEN must be set}"
sed -i "s|__API_TOKEN__|${API_TOKEN}|g" /usr/share/nginx/html/config.js
sed -i "s|__SENTRY_DSN__|${SENTRY_DSN:-}|g" /usr/share/nginx/html/config.js
exec nginx -g 'daemon off;'
""")

t("shell", "bash dotenv for docker compose", r"""
$ cat .env
COMPOSE_PROJECT_NAME=«project»
POSTGRES_PASSWORD=«!pw:safe»
MINIO_ROOT_PASSWORD=«!pw:alnum»
GRAFANA_ADMIN_PASSWORD=«!pw:safe»
TZ=Europe/Amsterdam
""")

t("shell", "bash vault login token-only", r"""
#!/usr/bin/env bash
export VAULT_ADDR=https://vault.«project».io:8200
export VAULT_TOKEN="$(vault login -method=oidc -token-only role=developer)"
vault token lookup -format=json | jq '{ttl: .data.ttl, policies: .data.policies}'
""")

t("source", "jenkinsfile credentials() helper", r"""
pipeline {
    agent any
    environment {
        AWS_CREDS = credentials('aws-deployer')
        SONAR_TOKEN = credentials('sonar-token')
    }
    stages {
        stage('Deploy') {
            steps { sh 'AWS_ACCESS_KEY_ID=$AWS_CREDS_USR AWS_SECRET_ACCESS_KEY=$AWS_CREDS_PSW ./deploy.sh' }
        }
    }
}
""")

t("source", "gradle in-memory pgp key literal", r'''
«~pem:pgp@k»signing {
    val signingKey = """
«!=k»
""".trimIndent()
    useInMemoryPgpKeys("«hexu:8»", signingKey, "«!pw:human»")
    sign(publishing.publications["maven"])
}
''')

t("source", "nix nextcloud adminpassFile", r"""
  services.nextcloud = {
    enable = true;
    hostName = "cloud.«project».lan";
    config.adminpassFile = config.sops.secrets."nextcloud/admin-pass".path;
    config.dbtype = "pgsql";
    config.dbpassFile = config.sops.secrets."nextcloud/db-pass".path;
  };
""")

t("source", "dockerfile pip extra index with token", r"""
FROM python:3.12-slim
RUN pip install --no-cache-dir \
      --extra-index-url https://«user»:«!alnum:40»@«project».jfrog.io/artifactory/api/pypi/pypi-local/simple \
      «project»-sdk==«ver»
COPY . /app
CMD ["python", "/app/main.py"]
""")

t("source", "terraform provider github token literal", r"""
provider "github" {
  owner = "«project»"
  token = "«!gh:p»"
}

provider "vault" {
  address = "https://vault.«project».io:8200"
  token   = "«!vault»"
}
""")

t("source", "terraform provider github from env", r"""
# Token comes from GITHUB_TOKEN in the environment (CI: secrets.TF_GITHUB_TOKEN)
provider "github" {
  owner = "«project»"
}

provider "vault" {
  address = "https://vault.«project».io:8200"
  # VAULT_TOKEN is read from the environment
}
""")

t("yaml", "ansible mysql_user task literal password", r"""
- name: Create application database user
  community.mysql.mysql_user:
    login_user: root
    login_password: "«!pw:human»"
    name: «user»
    host: "%"
    password: "«!pw:rand»"
    priv: "«project».*:ALL"
    state: present
""")

t("source", "puppet postgresql_password hash", r"""
postgresql::server::role { '«user»':
  password_hash => postgresql::postgresql_password('«user»', $facts['app_db_password']),
}
postgresql::server::db { '«project»':
  user     => '«user»',
  password => Sensitive(lookup('profile::db::password')),
}
""")

t("yaml", "salt cloud provider config", r"""
# /etc/salt/cloud.providers.d/hetzner.conf
hetzner:
  driver: hetzner
  key: «!alnum:64»
  ssh_keyfile: /etc/salt/pki/cloud/id_ed25519
do:
  driver: digitalocean
  personal_access_token: «!do»
  ssh_key_names: salt-master
""")

t("source", "sql alter user with password", r"""
-- rotate the reporting password (ticket OPS-«int:1000:9999»)
ALTER USER reporting WITH PASSWORD '«!pw:human»';
ALTER ROLE reporting VALID UNTIL '«ts:date»';
""")

t("source", "sql postgres_fdw user mapping", r"""
CREATE EXTENSION IF NOT EXISTS postgres_fdw;
CREATE SERVER legacy_db FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '«host»', port '5432', dbname 'legacy');
CREATE USER MAPPING FOR «user» SERVER legacy_db OPTIONS (user 'legacy_ro', password '«!pw:rand»');
IMPORT FOREIGN SCHEMA public LIMIT TO (customers, invoices) FROM SERVER legacy_db INTO legacy;
""")

t("source", "sql pgcrypto seed with plaintext", r"""
INSERT INTO admins (email, password_hash) VALUES
  ('root@«project».io', crypt('«!pw:human»', gen_salt('bf', 12)));
""")

t("source", "java keystore default changeit", r"""
// The JDK's default truststore password is the well-known "changeit".
KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
try (InputStream in = Files.newInputStream(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
    trust.load(in, "changeit".toCharArray());
}
TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
tmf.init(trust);
""")

t("source", "python hvac client token literal", r"""
import hvac

client = hvac.Client(url="https://vault.«project».io:8200", token="«!vault»")
assert client.is_authenticated()
secret = client.secrets.kv.v2.read_secret_version(path="«project»/prod/db")
""")

t("source", "python jwt test with placeholder secret", r"""
def test_token_roundtrip():
    token = jwt.encode({"sub": "user-«int:1:999»", "exp": «ts:epoch»}, "secret", algorithm="HS256")
    claims = jwt.decode(token, "secret", algorithms=["HS256"], options={"verify_exp": False})
    assert claims["sub"].startswith("user-")
""")

t("source", "r httr authenticate literal", r"""
library(httr)
resp <- GET(
  "https://«project».jfrog.io/artifactory/api/storage/r-local",
  authenticate("«user»", "«!pw:human»", type = "basic"),
  timeout(30)
)
stop_for_status(resp)
""")

t("source", "matlab ftp literal password", r"""
f = ftp('ftp.«project»-instruments.com', 'labdata', '«!pw:human»');
cd(f, '/exports/spectra');
mget(f, '*.csv', fullfile(tempdir, 'spectra'));
close(f);
""")

t("source", "jcl job with password parameter", r"""
//«ualnum:6»J JOB (ACCT),'NIGHTLY LOAD',CLASS=A,MSGCLASS=X,
//         USER=BATCH01,PASSWORD=«!ualnum:8»
//STEP1    EXEC PGM=CUSTLOAD
//STEPLIB  DD DSN=PROD.LOADLIB,DISP=SHR
//INFILE   DD DSN=PROD.CUST.DAILY,DISP=SHR
//SYSOUT   DD SYSOUT=*
""")

t("source", "zig std crypto test vector", r"""
test "hmac-sha256 known answer" {
    const HmacSha256 = std.crypto.auth.hmac.sha2.HmacSha256;
    var out: [HmacSha256.mac_length]u8 = undefined;
    HmacSha256.create(&out, "The quick brown fox jumps over the lazy dog", "key");
    try std.testing.expectEqualStrings("«sha:256»", &std.fmt.bytesToHex(out, .lower));
}
""")

t("source", "nim nimble lock checksums", r"""
{
  "version": 2,
  "packages": {
    "jester": {
      "version": "«ver»",
      "vcsRevision": "«sha:git»",
      "url": "https://github.com/dom96/jester",
      "downloadMethod": "git",
      "checksums": { "sha1": "«sha:1»" }
    }
  }
}
""")

t("source", "kotlin icon base64 constant", r"""
object Placeholders {
    // 48x48 transparent PNG shown while avatars load
    const val AVATAR_PNG_BASE64 =
        "«png_b64»"

    fun avatarBitmap(): Bitmap =
        Base64.decode(AVATAR_PNG_BASE64, Base64.DEFAULT).let { BitmapFactory.decodeByteArray(it, 0, it.size) }
}
""")

t("source", "swift feature flag and experiment ids", r"""
enum Experiments {
    static let onboardingV2 = UUID(uuidString: "«uuid:upper»")!
    static let paywallCopy = "exp_«lalnum:22»"
    static let statsigClientKey = "client-«alnum:43»"
    static let amplitudeProjectId = «digits:6»
}
""")

t("source", "typescript generated ids and hashes", r"""
// generated by scripts/build-manifest.ts - do not edit
export const manifest = {
  buildId: "«alnum:21»",
  commit: "«sha:git»",
  assets: {
    "main.js": { hash: "«sha:short»«sha:short»", integrity: "«sri:384»" },
    "main.css": { hash: "«sha:short»«sha:short»", integrity: "«sri:384»" },
  },
  publicVapidKey: "«vapid:public»",
} as const;
""")

t("source", "go webpush vapid keys literal", r"""
var (
	vapidPublicKey  = "«vapid:public»"
	vapidPrivateKey = "«!vapid:private»"
)

func push(sub *webpush.Subscription, msg []byte) error {
	_, err := webpush.SendNotification(msg, sub, &webpush.Options{
		Subscriber: "mailto:ops@«project».io", VAPIDPublicKey: vapidPublicKey, VAPIDPrivateKey: vapidPrivateKey, TTL: 60,
	})
	return err
}
""")

t("source", "php recaptcha keys", r"""
<?php
// config/recaptcha.php
return [
    'site_key'   => '«recaptcha»',   // rendered into the page
    'secret_key' => '«!recaptcha»',
    'min_score'  => 0.5,
];
""")

t("source", "php recaptcha site key only", r"""
<div class="g-recaptcha" data-sitekey="«recaptcha»" data-callback="onSubmit"></div>
<script src="https://www.google.com/recaptcha/api.js?render=«recaptcha»" async defer></script>
<?php $secret = getenv('RECAPTCHA_SECRET') ?: throw new RuntimeException('RECAPTCHA_SECRET missing'); ?>
""")

t("source", "python error messages naming secrets", r"""
class MissingCredential(RuntimeError):
    pass

REQUIRED = ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "SENDGRID_API_KEY", "AWS_SECRET_ACCESS_KEY")

def check_env() -> None:
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        raise MissingCredential(
            "missing secrets: " + ", ".join(missing) + " (see docs/secrets.md; values live in 1Password vault «project|cap» Prod)"
        )
""")

t("source", "cpp obfuscated xor string public", r"""
// Not a secret: the bundle id, xor'ed so naive patchers do not find it
constexpr std::array<uint8_t, 24> kBundleXor = {«bytes:24»};
constexpr uint8_t kXor = 0x5A;
std::string BundleId() { return Deobfuscate(kBundleXor, kXor); }
""")

t("source", "kotlin room migration seed with token", r"""
val MIGRATION_7_8 = object : Migration(7, 8) {
    override fun migrate(db: SupportSQLiteDatabase) {
        db.execSQL("CREATE TABLE IF NOT EXISTS integrations (id TEXT PRIMARY KEY NOT NULL, token TEXT NOT NULL)")
        // seed the shared demo workspace
        db.execSQL("INSERT INTO integrations (id, token) VALUES ('slack', '«!slack:bot»')")
    }
}
""")

t("source", "swift mock url protocol fixture response", r'''
final class MockURLProtocol: URLProtocol {
    static let tokenResponse = Data("""
    {"access_token":"«!google_access»","refresh_token":"«!google_refresh»","expires_in":3599,"token_type":"Bearer"}
    """.utf8)
}
''')

t("source", "scala play application.secret env", r"""
play.http.secret.key = "changeme"
play.http.secret.key = ${?APPLICATION_SECRET}
play.i18n.langs = ["en", "de"]
play.filters.enabled += "play.filters.csrf.CSRFFilter"
""")

t("source", "erlang rebar hex config with key", r"""
%% ~/.config/rebar3/hex.config
{hex, [
  {repos, [
    #{name => <<"hexpm:«project»">>,
      api_key => <<"«!hexk:32»">>,
      repo_verify => true}
  ]}
]}.
""")

t("source", "fsharp paket dependencies with token", r"""
source https://api.nuget.org/v3/index.json
source https://pkgs.dev.azure.com/«project»/_packaging/internal/nuget/v3/index.json username: "«user»" password: "«!lalnum:52»" authtype: "basic"

nuget FSharp.Core ~> 8
nuget Npgsql.FSharp
""")

t("source", "fsharp paket dependencies env", r"""
source https://api.nuget.org/v3/index.json
source https://pkgs.dev.azure.com/«project»/_packaging/internal/nuget/v3/index.json username: "%AZURE_FEED_USER%" password: "%AZURE_FEED_PAT%" authtype: "basic"

nuget FSharp.Core ~> 8
""")

# ---- A last round over the thinner contexts --------------------------------------------------------

t("json", "appsettings.Production.json with secrets", r"""
{
  "Serilog": { "MinimumLevel": { "Default": "Warning" } },
  "ConnectionStrings": {
    "Orders": "Server=tcp:«project»-sql.database.windows.net,1433;Database=orders;User ID=«user»;Password=«!pw:safe»;Encrypt=True;"
  },
  "Stripe": {
    "PublishableKey": "«stripe:pk_live»",
    "SecretKey": "«!stripe:sk_live»",
    "WebhookSecret": "«!whsec»"
  },
  "Smtp": { "Host": "smtp.sendgrid.net", "Port": 587, "User": "apikey", "Password": "«!sendgrid»" }
}
""")

t("json", "vscode settings.json with copilot proxy token", r"""
{
  "editor.formatOnSave": true,
  "files.exclude": { "**/.git": true, "**/node_modules": true },
  "rest-client.environmentVariables": {
    "staging": { "baseUrl": "https://staging-api.«project».io", "token": "«!jwt:user»" },
    "local": { "baseUrl": "http://localhost:8080", "token": "dev" }
  },
  "sqltools.connections": [
    { "name": "prod-ro", "driver": "PostgreSQL", "server": "«host»", "port": 5432, "database": "«project»", "username": "readonly", "password": "«!pw:human»" }
  ]
}
""")

t("json", "vscode settings.json plain", r"""
{
  "editor.formatOnSave": true,
  "editor.defaultFormatter": "esbenp.prettier-vscode",
  "typescript.tsdk": "node_modules/typescript/lib",
  "sqltools.connections": [
    { "name": "local", "driver": "PostgreSQL", "server": "localhost", "port": 5432, "database": "«project»", "username": "postgres", "askForPassword": true }
  ],
  "cSpell.words": ["«project»", "idempotency", "webhooks"]
}
""")

t("json", "gcloud application_default_credentials user", r"""
{
  "account": "",
  "client_id": "«google_client_id»",
  "client_secret": "«!gocspx»",
  "quota_project_id": "«project»-dev",
  "refresh_token": "«!google_refresh»",
  "type": "authorized_user",
  "universe_domain": "googleapis.com"
}
""")

t("json", "firebase.json hosting config", r"""
{
  "hosting": {
    "public": "dist",
    "ignore": ["firebase.json", "**/.*", "**/node_modules/**"],
    "rewrites": [{ "source": "/api/**", "run": { "serviceId": "«project»-api", "region": "europe-west1" } }],
    "headers": [{ "source": "**/*.@(js|css)", "headers": [{ "key": "Cache-Control", "value": "max-age=31536000" }] }]
  },
  "emulators": { "auth": { "port": 9099 }, "firestore": { "port": 8080 } }
}
""")

t("json", "openai request body log with key header", r"""
{"timestamp":"«ts»","request":{"method":"POST","url":"https://api.openai.com/v1/responses","headers":{"authorization":"Bearer «!openai:proj»","openai-organization":"org-«alnum:24»","content-type":"application/json"},"body":{"model":"gpt-4.1-mini","input":"Summarise the diff"}},"response":{"status":200,"x-request-id":"req_«hexk:32»"}}
""")

t("json", "slack app manifest and tokens", r"""
{
  "display_information": { "name": "«project»-bot" },
  "oauth_config": { "scopes": { "bot": ["chat:write", "commands"] } },
  "settings": { "socket_mode_enabled": true },
  "_local": {
    "app_token": "«!slack:app»",
    "bot_token": "«!slack:bot»",
    "signing_secret": "«!hexk:32»"
  }
}
""")

t("json", "eslintrc and tsconfig paths", r"""
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "ESNext",
    "strict": true,
    "paths": { "@/*": ["./src/*"] }
  },
  "include": ["src", "vite.config.ts"],
  "references": [{ "path": "./tsconfig.node.json" }]
}
""")

t("json", "aws iam create-access-key output", r"""
{
    "AccessKey": {
        "UserName": "ci-deployer",
        "AccessKeyId": "«aws_id»",
        "Status": "Active",
        "SecretAccessKey": "«!aws_secret»",
        "CreateDate": "«ts»"
    }
}
""")

t("shell", "bash curl stripe with -u key", r"""
#!/usr/bin/env bash
curl -sS https://api.stripe.com/v1/refunds \
  -u «!stripe:sk_live»: \
  -d charge=ch_«alnum:24» \
  -d reason=requested_by_customer | jq '{id, status, amount}'
""")

t("shell", "bash az storage with connection string", r"""
#!/usr/bin/env bash
export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=«project»logs;AccountKey=«!azure_key»;EndpointSuffix=core.windows.net"
az storage blob upload-batch --destination logs --source ./out --pattern '*.json.gz' --overwrite
""")

t("shell", "bash twine upload with token", r"""
#!/bin/sh
python -m build
TWINE_USERNAME=__token__ TWINE_PASSWORD=«!pypi» python -m twine upload --non-interactive dist/*
""")

t("shell", "bash ssh-agent add and fingerprint", r"""
$ eval "$(ssh-agent -s)"
Agent pid «int:1000:65000»
$ ssh-add ~/.ssh/id_ed25519
Identity added: /home/«name»/.ssh/id_ed25519 («email»)
$ ssh-add -l
256 «fpr» «email» (ED25519)
""")

t("shell", "bash cosign verify with public key", r"""
#!/usr/bin/env bash
cat > cosign.pub <<'PUB'
«pub:ec»
PUB
cosign verify --key cosign.pub ghcr.io/«project»/api@sha256:«sha:256»
""")

t("shell", "powershell winget and hashes", r"""
$installer = "$env:TEMP\«project»-setup-«ver».exe"
Invoke-WebRequest -Uri "https://downloads.«project».com/windows/«project»-setup-«ver».exe" -OutFile $installer
$expected = '«sha:256|upper»'
if ((Get-FileHash $installer -Algorithm SHA256).Hash -ne $expected) { throw "checksum mismatch for $installer" }
Start-Process $installer -ArgumentList '/S' -Wait
""")

t("yaml", "github actions service container password", r"""
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: «!pw:safe»
        ports: ["5432:5432"]
    env:
      DATABASE_URL: postgres://postgres:«!pw:safe»@localhost:5432/test
      CODECOV_TOKEN: «!uuid»
    steps:
      - uses: actions/checkout@v4
      - run: make test
""")

t("yaml", "kubernetes configmap with leaked key", r"""
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
  namespace: «project»
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "checkout_v2,dark_mode"
  MAILGUN_DOMAIN: mg.«project».io
  MAILGUN_API_KEY: «!mailgun»
""")

t("yaml", "kubernetes configmap without secrets", r"""
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
  namespace: «project»
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "checkout_v2,dark_mode"
  MAILGUN_DOMAIN: mg.«project».io
  OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector.observability:4317
  TRACE_SAMPLE_RATIO: "0.1"
""")

t("yaml", "gitlab ci kaniko with auth json", r"""
build:
  stage: build
  image: { name: gcr.io/kaniko-project/executor:debug, entrypoint: [""] }
  script:
    - echo '{"auths":{"registry.«project».io":{"auth":"«!userpass|b64»"}}}' > /kaniko/.docker/config.json
    - /kaniko/executor --context $CI_PROJECT_DIR --destination registry.«project».io/api:$CI_COMMIT_SHORT_SHA
""")

t("yaml", "prometheus scrape config with bearer", r"""
scrape_configs:
  - job_name: «project»-api
    scheme: https
    bearer_token: «!hexk:40»
    static_configs:
      - targets: ["api.«project».io:443"]
  - job_name: node
    basic_auth:
      username: prometheus
      password: «!pw:safe»
    static_configs:
      - targets: ["«ip»:9100"]
""")

t("yaml", "prometheus scrape config with files", r"""
scrape_configs:
  - job_name: «project»-api
    scheme: https
    authorization:
      credentials_file: /etc/prometheus/secrets/api-token
    static_configs:
      - targets: ["api.«project».io:443"]
  - job_name: node
    basic_auth:
      username: prometheus
      password_file: /etc/prometheus/secrets/node-password
""")

t("url", "redis sentinel url without password", r"""
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://mymaster/0",
        "OPTIONS": {"SENTINELS": [("sentinel-0.«project».svc", 26379), ("sentinel-1.«project».svc", 26379)], "PASSWORD": os.environ["REDIS_PASSWORD"]},
    }
}
""")

t("url", "git submodule urls", r"""
[submodule "vendor/protos"]
	path = vendor/protos
	url = https://github.com/«project»/protos.git
[submodule "vendor/design-tokens"]
	path = vendor/design-tokens
	url = git@gitlab.com:«project»/design-tokens.git
	branch = main
""")

t("url", "jdbc urls with placeholders in liquibase", r"""
url: jdbc:postgresql://${DB_HOST}:5432/«project»?currentSchema=public
username: ${DB_USER}
password: ${DB_PASSWORD}
referenceUrl: jdbc:postgresql://localhost:5432/«project»_ref?user=postgres&password=postgres
changeLogFile: db/changelog/db.changelog-master.yaml
""")

t("plain", "docker history shows build arg", r"""
$ docker history --no-trunc ghcr.io/«project»/api:«sha:short» | head -4
IMAGE          CREATED        CREATED BY                                                                                          SIZE
sha256:«sha:256»   2 days ago   RUN |1 NPM_TOKEN=«!npm» /bin/sh -c npm ci --omit=dev      «int:100:400»MB
<missing>      2 days ago     ARG NPM_TOKEN                                                                                       0B
<missing>      2 days ago     WORKDIR /app                                                                                        0B
""")

t("plain", "strings on binary shows key", r"""
$ strings -n 20 build/«project»-agent | grep -iE 'key|token|secret'
telemetry_key=«!hexk:32»
Authorization: Bearer %s
https://in.«project».io/v1/events
GITHUB_TOKEN environment variable is empty
""")

t("plain", "helm get values output", r"""
$ helm get values «project» -n «project»
USER-SUPPLIED VALUES:
image:
  tag: «sha:short»
postgresql:
  auth:
    password: «!pw:safe»
    postgresPassword: «!pw:safe»
""")


# fmt: on

# --------------------------------------------------------------------------------------------------
# Agent-log envelopes: the text as a tool result, JSON-escaped once (twice in a Codex rollout)

_COMMANDS = (
    "rg -n -i 'secret|token|password' --hidden",
    "sed -n '1,160p' {path}",
    "cat {path}",
    "git show HEAD:{path}",
    "grep -rn 'key' {path}",
)
_PATHS = (
    "src/main/kotlin/App.kt",
    "config/prod.exs",
    "infra/main.tf",
    "scripts/deploy.sh",
    "app/settings.py",
    "Sources/App/Config.swift",
    "build.gradle.kts",
    "deploy/values.yaml",
)


def _esc(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def _compact(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _envelope(text: str, secrets: list[str], rng: random.Random, which: int) -> tuple[str, list[str]]:
    session, tool_id = g_uuid(rng), "toolu_01" + _r(rng, ALNUM, 22)
    path = rng.choice(_PATHS)
    command = rng.choice(_COMMANDS).format(path=path)
    if which == 0:  # Claude Code stream-json (claude -p --output-format stream-json --verbose)
        line = {
            "type": "user",
            "message": {
                "role": "user",
                "content": [{"tool_use_id": tool_id, "type": "tool_result", "content": text}],
            },
            "parent_tool_use_id": None,
            "session_id": session,
            "uuid": g_uuid(rng),
        }
        return _compact(line), [_esc(s) for s in secrets]
    if which == 1:  # Claude Code transcript (~/.claude/projects/<slug>/<session>.jsonl)
        cwd = f"/home/{rng.choice(NAMES)}/src/{rng.choice(PROJECTS)}"
        line = {
            "parentUuid": g_uuid(rng),
            "isSidechain": False,
            "userType": "external",
            "cwd": cwd,
            "sessionId": session,
            "version": rng.choice(["2.0.28", "2.1.29", "2.1.38"]),
            "gitBranch": rng.choice(["main", "fix/config", "feat/ci"]),
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {"tool_use_id": tool_id, "type": "tool_result", "content": text, "is_error": False}
                ],
            },
            "uuid": g_uuid(rng),
            "timestamp": g_ts(rng),
            "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
        }
        return _compact(line), [_esc(s) for s in secrets]
    if which == 2:  # Codex rollout: function_call_output whose output is itself JSON (doubly escaped)
        output = _compact(
            {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(rng.random(), 1)}}
        )
        line = {
            "timestamp": g_ts(rng),
            "type": "response_item",
            "payload": {
                "type": "function_call_output",
                "call_id": "call_" + _r(rng, ALNUM, 24),
                "output": output,
            },
        }
        return _compact(line), [_esc(_esc(s)) for s in secrets]
    if which == 3:  # codex exec --json
        line = {
            "type": "item.completed",
            "item": {
                "id": f"item_{rng.randint(1, 40)}",
                "type": "command_execution",
                "command": f"bash -lc {json.dumps(command)}",
                "aggregated_output": text,
                "exit_code": 0,
                "status": "completed",
            },
        }
        return _compact(line), [_esc(s) for s in secrets]
    # MCP tools/call result (a filesystem or code-search server)
    line = {
        "jsonrpc": "2.0",
        "id": rng.randint(2, 400),
        "result": {"content": [{"type": "text", "text": text}], "isError": False},
    }
    return _compact(line), [_esc(s) for s in secrets]


# --------------------------------------------------------------------------------------------------
# The corpus


def templates() -> list[tuple[str, str, str]]:
    """(context, kind, template text) for every template, in order."""
    return list(_TEMPLATES)


def _split(template: str) -> str:
    return "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"


def corpus(seed: int, copies: int = 6) -> list[Document]:
    """Each template ``copies`` times in its own context and ``copies`` times inside an agent-log line."""
    documents: list[Document] = []
    for index, (context, kind, template) in enumerate(_TEMPLATES):
        rng = random.Random(seed * 1_000_003 + index)
        split = _split(template)
        positive = "«!" in template
        for _ in range(copies):
            text, secrets = instantiate(template, rng)
            assert bool(secrets) == positive, (kind, secrets)
            assert all(len(s) >= 8 for s in secrets), (kind, secrets)
            documents.append(Document(text, secrets, context, kind, split, template))
        for copy in range(copies):
            text, secrets = instantiate(template, rng)
            line, escaped = _envelope(text, secrets, rng, (index + copy) % 5)
            assert all(s in line for s in escaped), kind
            documents.append(Document(line, escaped, "json", kind, split, template))
    return documents


def main() -> None:
    positives: Counter[str] = Counter()
    negatives: Counter[str] = Counter()
    for context, _kind, template in _TEMPLATES:
        (positives if "«!" in template else negatives)[context] += 1
    print(f"{'context':8} {'positive':>9} {'negative':>9}  (templates)")
    for context in CONTEXTS:
        print(f"{context:8} {positives[context]:9d} {negatives[context]:9d}")
    print(f"{'all':8} {sum(positives.values()):9d} {sum(negatives.values()):9d}")
    documents = corpus(79)
    planted = sum(len(doc.secrets) for doc in documents)
    negative_docs = sum(not doc.secrets for doc in documents)
    splits = Counter(doc.split for doc in documents)
    print(
        f"{len(documents)} documents ({negative_docs} without secrets), {planted} planted secrets; "
        f"dev {splits['dev']}, holdout {splits['holdout']} documents"
    )


if __name__ == "__main__":
    main()
