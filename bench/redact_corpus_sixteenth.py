"""A sixteenth labelled redaction corpus: text inside the containers that OTHER tools write.

Written blind to the redactor's rules and to the other corpora (issue 15). The other corpora wrap text
in Claude Code, Codex and MCP lines; here the text first sits in the container another tool wrote, with
its own escaping and splitting: asciinema v2 casts (output cut at write boundaries, ANSI colours, CRLF),
script(1) typescripts and tmux pane dumps, shell history files, Jupyter notebooks and notebook exports,
GitHub Actions, GitLab CI, Jenkins and other CI raw logs, journald JSON records, Docker json-file logs,
``kubectl logs --timestamps``, syslog, Aider chat histories, the event logs of other agents (Gemini CLI,
OpenHands, Cline, Goose style), HAR files, VS Code settings and launch configurations, Postman and
Insomnia exports, REST Client ``.http`` files and other request collections. Each template is also
wrapped, JSON-escaped, in one of our agent-log lines (Claude Code stream-json and transcript lines, a
Codex rollout ``function_call_output`` (doubly escaped), a ``codex exec --json`` command item and an MCP
``tools/call`` result); those documents count as context ``json``.

Run ``python bench/redact_corpus_sixteenth.py`` for the counts; ``bench/redact_quality.py --corpus
sixteenth`` measures the redactor on it.

Template syntax
---------------
Templates are raw strings. A placeholder is ``«KIND:GEN[,ARG...][@NAME][|FILTER[,ARG]...]»``:

- KIND ``S`` draws a secret (it is planted: listed in ``Document.secrets`` as it appears in the text);
  KIND ``N`` draws a value that is not a secret (ids, digests, public keys, timestamps, masked values).
- ``GEN`` names a generator of ``GENERATORS`` (``ghp``, ``pw_human``, ``pem_ec``, ``uuid``, ``hex,40``
  ...); its ``ARG``s follow after commas. Every value is drawn at run time from parts; provider prefixes
  and key armour are joined at run time, so this file holds no secret-shaped literal.
- ``@NAME`` keeps the drawn value; ``«=NAME|FILTER...»`` writes it again (a secret stays a secret).
- Filters change how the value is written, and the planted text with it: ``json`` (escaped as inside
  a JSON string), ``json2`` (twice), ``url`` (percent-encoded), ``b64`` / ``b64url`` (base64 of it),
  ``indent,N`` (lines after the first indented by N spaces, as in a YAML block), ``lines,PREFIX``
  (lines after the first start with PREFIX, as ``> `` in a heredoc typed at a prompt), ``crlf`` (lines
  end with CR LF, as a terminal writes them), ``nb,N`` (one JSON string per line, as a notebook's
  ``source`` or ``text`` array, N spaces before each next string; every line of the secret of 8
  characters or more is planted on its own), ``head`` / ``tail`` (the two chunks a writer split the
  value into, at a cut drawn once per value; each chunk of 8 characters or more is planted on its
  own), ``upper`` / ``lower``.
- Generators that build a multi-line value (PEM keys, PuTTY files, JWKs) plant only their secret
  parts (the key body, the ``d`` member), not the armour around them.

Symbols stand for the control bytes a terminal log holds: ``␛`` is ESC (0x1b), ``␍`` a carriage return,
``␇`` BEL and ``␈`` a backspace; ``crlf()`` ends every line of a template with a carriage return, as a
terminal writes them.
Inside JSON containers (casts, notebooks) templates write the escapes themselves (``\\u001b``, ``\\r\\n``).

Labelling follows the policy of the other corpora: passwords, keys, tokens, client secrets, session
cookies, signed JWTs, private keys, SAS signatures, webhook URL credentials, base64 of ``user:password``
and seed phrases are secrets; public identifiers, digests, public keys and certificates, encrypted
values meant to be committed, masked values, placeholders, references and names of secrets are not.
"""

# ruff: noqa: E501, W291, W293, E101, SIM905 - templates are tool output kept as written (long lines, a prompt's
# trailing space, tab-indented exports); word lists read better as one string
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
    """True if at least half of the secret (any run of len//2 characters) survives, raw or JSON-escaped."""
    once = json.dumps(secret)[1:-1]
    for form in (secret, once, json.dumps(once)[1:-1]):
        run = max(1, len(form) // 2)
        if any(form[i : i + run] in output for i in range(len(form) - run + 1)):
            return True
    return False


# --- value generators -------------------------------------------------------------------------------

LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
HEX = "0123456789abcdef"
ALNUM = string.ascii_letters + string.digits
LOWNUM = LOWER + DIGITS
UPNUM = UPPER + DIGITS
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
BASE32 = UPPER + "234567"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DASH = "-" * 5


@dataclass
class Val:
    """A drawn value: its text, the parts of it that are secret, and whether it is a secret at all."""

    text: str
    pieces: list[str]
    secret: bool = False


def pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def mixed(rng: random.Random, alphabet: str, n: int) -> str:
    """Random text of the alphabet that holds at least one upper, one lower letter and one digit."""
    classes = [cls for cls in (UPPER, LOWER, DIGITS) if any(c in cls for c in alphabet)]
    while True:
        value = pick(rng, alphabet, n)
        if n < 12 or all(any(c in cls for c in value) for cls in classes):
            return value


def rbytes(rng: random.Random, n: int) -> bytes:
    return bytes(rng.randrange(256) for _ in range(n))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def sized(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


WORDS = (
    "amber anchor apple arrow aspen atlas autumn badger bamboo banjo basil beacon birch biscuit blossom "
    "bluebird bonsai breeze brook bubble butter cactus camel candle canyon caramel cedar cherry cider "
    "cobalt comet copper coral cosmo cotton cricket crystal daisy delta denim dingo dolphin dragon dune "
    "eagle ember falcon fennel fern fiesta finch flamingo forest fox galaxy garnet ginger glacier gopher "
    "granite harbor hazel hickory honey horizon iris island ivory jasmine jungle juniper kayak kestrel kiwi "
    "koala lagoon lantern lemon lilac lotus lunar mango maple marble meadow mercury midnight mocha monsoon "
    "moose nebula nectar nugget nutmeg oasis ocean olive onyx orchid otter panda papaya parrot pebble "
    "pepper phoenix pickle pine pixel planet plum polar poppy prairie pumpkin quartz quokka rabbit raven "
    "river rocket saffron salmon sapphire scarlet sequoia shadow sierra silver sparrow spruce squirrel "
    "starling storm sunset tango thistle thunder tiger topaz tulip tundra turtle velvet violet walnut "
    "willow winter wombat yellow zebra zephyr"
).split()

NAMES = (
    "alice bob carol dave erin frank grace heidi ivan judy mallory nina oscar peggy rupert sybil trent "
    "victor walter yusuf zoe priya mateo chen lukas ingrid tomas aiko omar"
).split()

# Words of the BIP-39 English list, for seed phrases.
BIP39 = (
    "abandon ability able about above absent absorb abstract absurd abuse access accident account accuse "
    "achieve acid acoustic acquire across act action actor actress actual adapt add addict address adjust "
    "admit adult advance advice aerobic affair afford afraid again age agent agree ahead aim air airport "
    "aisle alarm album alcohol alert alien all alley allow almost alone alpha already also alter always "
    "amateur amazing among amount amused analyst anchor ancient anger angle angry animal ankle announce "
    "annual another answer antenna antique anxiety any apart apology appear apple approve april arch arctic "
    "area arena argue arm armed armor army around arrange arrest arrive arrow art artefact artist artwork "
    "ask aspect assault asset assist assume asthma athlete atom attack attend attitude attract auction audit "
    "august aunt author auto autumn average avocado avoid awake aware away awesome awful awkward axis baby "
    "bachelor bacon badge bag balance balcony ball bamboo banana banner bar barely bargain barrel base basic "
    "basket battle beach bean beauty because become beef before begin behave behind believe below belt "
    "bench benefit best betray better between beyond bicycle bid bike bind biology bird birth bitter black "
    "blade blame blanket blast bleak bless blind blood blossom blouse blue blur blush board boat body boil "
    "bomb bone bonus book boost border boring borrow boss bottom bounce box boy bracket brain brand brass "
    "brave bread breeze brick bridge brief bright bring brisk broccoli broken bronze broom brother brown "
    "brush bubble buddy budget buffalo build bulb bulk bullet bundle bunker burden burger burst bus "
    "business busy butter buyer buzz cabbage cabin cable cactus cage cake call calm camera camp can canal "
    "cancel candy cannon canoe canvas canyon capable capital captain car carbon card cargo carpet carry "
    "cart case cash casino castle casual cat catalog catch category cattle caught cause caution cave "
    "ceiling celery cement census century cereal certain chair chalk champion change chaos chapter charge "
    "chase chat cheap check cheese chef cherry chest chicken chief child chimney choice choose chronic "
    "chuckle chunk churn cigar cinnamon circle citizen city civil claim clap clarify claw clay clean clerk "
    "clever click client cliff climb clinic clip clock clog close cloth cloud clown club clump cluster "
    "clutch coach coast coconut code coffee coil coin collect color column combine come comfort comic "
    "common company concert conduct confirm congress connect consider control convince cook cool copper "
    "copy coral core corn correct cost cotton couch country couple course cousin cover coyote crack cradle "
    "craft cram crane crash crater crawl crazy cream credit creek crew cricket crime crisp critic crop "
    "cross crouch crowd crucial cruel cruise crumble crunch crush cry crystal cube culture cup cupboard "
    "curious current curtain curve cushion custom cute cycle"
).split()


def _prefixed(prefix: str, alphabet: str, n: int):
    return lambda rng, args, values: prefix + mixed(rng, alphabet, n)


def _pw_human(rng: random.Random, args, values) -> str:
    word = rng.choice(WORDS)
    other = rng.choice(WORDS)
    symbol = rng.choice("!@#*?.%+")
    year = str(rng.randint(1961, 2025))
    shape = rng.randrange(7)
    if shape == 0:
        return word.capitalize() + year + symbol
    if shape == 1:
        return word.capitalize() + symbol + other.capitalize() + str(rng.randint(10, 99))
    if shape == 2:
        leet = word.translate(str.maketrans("aeios", "43105"))
        return leet.capitalize() + symbol + str(rng.randint(100, 9999))
    if shape == 3:
        return "-".join(rng.sample(WORDS, 4))
    if shape == 4:
        return rng.choice(NAMES).capitalize() + "_" + word + year[-2:] + symbol + symbol
    if shape == 5:
        return word + other.capitalize() + str(rng.randint(1, 9)) + symbol + str(rng.randint(10, 99))
    return word.upper()[:3] + symbol + other + year + rng.choice(NAMES)[:2]


def _pw_random(rng: random.Random, args, values) -> str:
    n = int(args[0]) if args else rng.randint(16, 28)
    while True:
        value = mixed(rng, ALNUM + "!#%*+-.=?@_~^", n)
        if any(c in "!#%*+-.=?@_~^" for c in value):
            return value


def _pw_apple(rng: random.Random, args, values) -> str:
    parts = [pick(rng, LOWER, 6) for _ in range(3)]
    i = rng.randrange(3)
    parts[i] = parts[i][:-1] + rng.choice(DIGITS)
    j = rng.randrange(3)
    parts[j] = parts[j].capitalize()
    return "-".join(parts)


def _jwt(claims: dict, rng: random.Random, alg: str = "HS256", kid: str | None = None) -> str:
    header: dict = {"alg": alg, "typ": "JWT"}
    if kid:
        header["kid"] = kid
    head = b64u(json.dumps(header, separators=(",", ":")).encode())
    body = b64u(json.dumps(claims, separators=(",", ":")).encode())
    sig = b64u(rbytes(rng, 32 if alg.startswith("HS") else 256))
    return f"{head}.{body}.{sig}"


def _now(values) -> int:
    return int(values["_clock"].timestamp())


def _jwt_user(rng, args, values) -> str:
    now = _now(values)
    claims = {
        "sub": str(rng.randint(10_000, 9_999_999)),
        "email": f"{rng.choice(NAMES)}@{rng.choice(WORDS)}.io",
        "iat": now - rng.randint(60, 3000),
        "exp": now + rng.randint(900, 86_400),
        "iss": f"https://auth.{rng.choice(WORDS)}.io/",
        "scope": rng.choice(["read write", "openid profile email", "api:full"]),
    }
    return _jwt(
        claims, rng, rng.choice(["HS256", "RS256"]), kid=pick(rng, HEX, 16) if rng.random() < 0.5 else None
    )


def _jwt_k8s(rng, args, values) -> str:
    now = _now(values)
    ns = rng.choice(["default", "ci", "payments", "monitoring", "kube-system"])
    sa = rng.choice(["deployer", "argocd-manager", "gitlab-runner", "prometheus", "builder"])
    claims = {
        "aud": ["https://kubernetes.default.svc.cluster.local"],
        "exp": now + 31_536_000,
        "iat": now,
        "iss": "https://kubernetes.default.svc.cluster.local",
        "kubernetes.io": {
            "namespace": ns,
            "serviceaccount": {"name": sa, "uid": str(_uuid(rng))},
        },
        "nbf": now,
        "sub": f"system:serviceaccount:{ns}:{sa}",
    }
    return _jwt(claims, rng, "RS256", kid=b64u(rbytes(rng, 32)))


def _jwt_supabase(role: str):
    def draw(rng, args, values) -> str:
        now = _now(values)
        claims = {
            "iss": "supabase",
            "ref": pick(rng, LOWER, 20),
            "role": role,
            "iat": now,
            "exp": now + 315_360_000,
        }
        return _jwt(claims, rng)

    return draw


def _uuid(rng: random.Random) -> str:
    h = pick(rng, HEX, 32)
    h = h[:12] + "4" + h[13:16] + rng.choice("89ab") + h[17:]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _armour(label: str, body: str) -> str:
    return f"{DASH}BEGIN {label}{DASH}\n{body}\n{DASH}END {label}{DASH}"


def _wrap(text: str, width: int) -> str:
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def _pem(label: str, prefix: bytes, size: int, width: int = 64):
    def draw(rng, args, values) -> Val:
        body = _wrap(b64(prefix + rbytes(rng, size)), width)
        return Val(_armour(label, body), [body])

    return draw


def _openssh(rng, args, values) -> Val:
    seed, pub = rbytes(rng, 32), rbytes(rng, 32)
    comment = f"{rng.choice(NAMES)}@{rng.choice(WORDS)}".encode()
    pub_blob = sized(b"ssh-ed25519") + sized(pub)
    check = rbytes(rng, 4)
    private = check + check + pub_blob + sized(seed + pub) + sized(comment)
    private += bytes(range(1, 1 + (-len(private)) % 8))
    blob = b"openssh-key-v1\0" + sized(b"none") + sized(b"none") + sized(b"") + (1).to_bytes(4, "big")
    blob += sized(pub_blob) + sized(private)
    body = _wrap(b64(blob), 70)
    return Val(_armour("OPENSSH PRIVATE KEY", body), [body])


def _pgp_private(rng, args, values) -> Val:
    data = b"\x95\x03\x98\x04" + rbytes(rng, rng.randint(600, 900))
    body = _wrap(b64(data), 64)
    crc = "=" + b64(rbytes(rng, 3))
    text = f"{DASH}BEGIN PGP PRIVATE KEY BLOCK{DASH}\n\n{body}\n{crc}\n{DASH}END PGP PRIVATE KEY BLOCK{DASH}"
    return Val(text, [body])


def _pgp_message(rng, args, values) -> str:
    body = _wrap(b64(b"\x84\x5e\x03" + rbytes(rng, rng.randint(120, 300))), 64)
    return f"{DASH}BEGIN PGP MESSAGE{DASH}\n\n{body}\n={b64(rbytes(rng, 3))}\n{DASH}END PGP MESSAGE{DASH}"


def _putty(rng, args, values) -> Val:
    pub = b64(sized(b"ssh-ed25519") + sized(rbytes(rng, 32)))
    private = b64(sized(rbytes(rng, 32)))
    comment = f"eddsa-key-{values['_clock']:%Y%m%d}"
    text = (
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"
        f"Comment: {comment}\nPublic-Lines: 2\n{_wrap(pub, 64)}\nPrivate-Lines: 1\n{private}\n"
        f"Private-MAC: {pick(rng, HEX, 64)}"
    )
    return Val(text, [private])


def _jwk_private(rng, args, values) -> Val:
    d = b64u(rbytes(rng, 32))
    if rng.random() < 0.5:
        jwk = {"kty": "EC", "crv": "P-256", "x": b64u(rbytes(rng, 32)), "y": b64u(rbytes(rng, 32)), "d": d}
    else:
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64u(rbytes(rng, 32)), "d": d}
    jwk["kid"] = pick(rng, ALNUM, 22)
    jwk["use"] = "sig"
    return Val(json.dumps(jwk), [d])


def _ssh_pub(rng, args, values) -> str:
    blob = b64(sized(b"ssh-ed25519") + sized(rbytes(rng, 32)))
    return f"ssh-ed25519 {blob} {rng.choice(NAMES)}@{rng.choice(WORDS)}"


def _cert(rng, args, values) -> str:
    body = _wrap(b64(b"\x30\x82\x03" + rbytes(rng, rng.randint(700, 900))), 64)
    return _armour("CERTIFICATE", body)


def _pubkey(rng, args, values) -> str:
    prefix = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")
    return _armour("PUBLIC KEY", _wrap(b64(prefix + b"\x04" + rbytes(rng, 64)), 64))


def _seed_phrase(rng, args, values) -> str:
    return " ".join(rng.choice(BIP39) for _ in range(int(args[0]) if args else 12))


def _aws_session(rng, args, values) -> str:
    return "IQoJb3JpZ2lu" + "X2Vj" + pick(rng, B64, rng.randint(340, 420)) + "="


def _ecr_password(rng, args, values) -> str:
    inner = {
        "payload": b64(rbytes(rng, 360)),
        "datakey": b64(rbytes(rng, 180)),
        "version": "2",
        "type": "DATA_KEY",
        "expiration": _now(values) + 43_200,
    }
    return b64(json.dumps(inner, separators=(",", ":")).encode())


def _docker_auth(rng, args, values) -> str:
    return b64(f"{values[args[0]].text}:{values[args[1]].text}".encode())


def _es_enroll(rng, args, values) -> str:
    inner = {
        "ver": f"8.{rng.randint(8, 17)}.{rng.randint(0, 3)}",
        "adr": [f"172.{rng.randint(17, 30)}.0.{rng.randint(2, 9)}:9200"],
        "fgr": pick(rng, HEX, 64),
        "key": f"{mixed(rng, B64URL, 20)}:{mixed(rng, B64URL, 22)}",
    }
    return b64(json.dumps(inner, separators=(",", ":")).encode())


def _basic_random(rng, args, values) -> str:
    user = rng.choice(NAMES) + rng.choice(["", ".ci", "-deploy", "_svc"])
    return b64(f"{user}:{_pw_random(rng, [], values)}".encode())


def _openai(rng, args, values) -> str:
    mid = "T3Blbk" + "FJ"
    kind = rng.randrange(3)
    if kind == 0:
        return "sk-" + "proj-" + pick(rng, B64URL, 74) + mid + pick(rng, B64URL, 74)
    if kind == 1:
        return "sk-" + "svcacct-" + pick(rng, B64URL, 74) + mid + pick(rng, B64URL, 74)
    return "sk-" + mixed(rng, ALNUM, 20) + mid + mixed(rng, ALNUM, 20)


def _slack_bot(rng, args, values) -> str:
    return "xo" + f"xb-{pick(rng, DIGITS, 12)}-{pick(rng, DIGITS, 13)}-" + mixed(rng, ALNUM, 24)


def _slack_user(rng, args, values) -> str:
    return (
        "xo"
        + f"xp-{pick(rng, DIGITS, 12)}-{pick(rng, DIGITS, 12)}-{pick(rng, DIGITS, 13)}-"
        + pick(rng, HEX, 32)
    )


def _slack_app(rng, args, values) -> str:
    return "xa" + f"pp-1-A{pick(rng, UPNUM, 10)}-{pick(rng, DIGITS, 13)}-" + pick(rng, HEX, 64)


def _stripe(kind: str):
    def draw(rng, args, values) -> str:
        return kind + "_" + "live_" + "51" + mixed(rng, ALNUM, rng.choice([97, 97, 22]))

    return draw


def _azure_client_secret(rng, args, values) -> str:
    return mixed(rng, ALNUM, 3) + "8Q" + "~" + mixed(rng, ALNUM + "_.~-", 34)


def _telegram(rng, args, values) -> str:
    return f"{rng.randint(100_000_000, 7_999_999_999)}:AA" + mixed(rng, B64URL, 33)


def _discord_bot(rng, args, values) -> str:
    user_id = str(rng.randint(10**17, 10**19 - 1)).encode()
    return b64u(user_id) + "." + pick(rng, B64URL, 6) + "." + mixed(rng, B64URL, 38)


def _mapbox(prefix: str):
    def draw(rng, args, values) -> str:
        claims = json.dumps(
            {"u": rng.choice(NAMES) + rng.choice(WORDS), "a": pick(rng, LOWNUM, 25)}, separators=(",", ":")
        )
        return prefix + "." + b64u(claims.encode()) + "." + pick(rng, B64URL, 22)

    return draw


def _session_express(rng, args, values) -> str:
    return (
        "s%3A" + pick(rng, B64URL, 32) + "." + urllib.parse.quote(b64(rbytes(rng, 32)).rstrip("="), safe="")
    )


def _session_laravel(rng, args, values) -> str:
    inner = json.dumps(
        {"iv": b64(rbytes(rng, 16)), "value": b64(rbytes(rng, 48)), "mac": pick(rng, HEX, 64), "tag": ""},
        separators=(",", ":"),
    )
    return urllib.parse.quote(b64(inner.encode()), safe="")


def _aspnet_cookie(rng, args, values) -> str:
    return "CfDJ8" + mixed(rng, B64URL, rng.randint(300, 420))


def _ado_pat(rng, args, values) -> str:
    return pick(rng, "abcdefghijklmnopqrstuvwxyz234567", 52)


def _tfc(rng, args, values) -> str:
    return mixed(rng, ALNUM, 14) + ".atlas" + "v1." + mixed(rng, ALNUM, 67)


def _vault(rng, args, values) -> str:
    return "hv" + "s." + ("CAESI" + mixed(rng, B64URL, 86) if rng.random() < 0.6 else mixed(rng, ALNUM, 24))


def _atlassian(rng, args, values) -> str:
    return "ATATT3x" + "FfGF0" + mixed(rng, B64URL, 170) + "=" + pick(rng, HEX.upper(), 8)


def _braintree(rng, args, values) -> str:
    return "access_token" + "$production$" + pick(rng, LOWNUM, 16) + "$" + pick(rng, HEX, 32)


def _cloudinary_secret(rng, args, values) -> str:
    return mixed(rng, B64URL, 27)


def _pypi(rng, args, values) -> str:
    return "py" + "pi-" + "AgEIcHlwaS5vcmc" + mixed(rng, B64URL, 160)


def _gh_fine(rng, args, values) -> str:
    return "github" + "_pat_" + "11" + pick(rng, UPNUM, 20) + "_" + mixed(rng, ALNUM, 59)


def _tailscale(rng, args, values) -> str:
    return "tskey-" + "auth-" + mixed(rng, ALNUM, 17) + "-" + mixed(rng, ALNUM, 33)


def _ngrok(rng, args, values) -> str:
    return str(rng.randint(1, 2)) + mixed(rng, ALNUM, 26) + "_" + mixed(rng, ALNUM, 22)


def _langsmith(rng, args, values) -> str:
    return "lsv2" + "_pt_" + pick(rng, HEX, 32) + "_" + pick(rng, HEX, 10)


def _sendgrid(rng, args, values) -> str:
    return "SG" + "." + mixed(rng, B64URL, 22) + "." + mixed(rng, B64URL, 43)


def _postman(rng, args, values) -> str:
    return "PM" + "AK-" + pick(rng, HEX, 24) + "-" + pick(rng, HEX, 34)


def _circleci(rng, args, values) -> str:
    return "CCI" + "PAT_" + mixed(rng, ALNUM, 22) + "_" + pick(rng, HEX, 40)


def _bitbucket(rng, args, values) -> str:
    return "AT" + "BB" + mixed(rng, ALNUM, 28) + pick(rng, HEX.upper(), 8)


def _op_service(rng, args, values) -> str:
    inner = json.dumps(
        {
            "signInAddress": "my.1password.com",
            "userAuth": {"method": "SRPg-4096", "alg": "PBES2g-HS256"},
            "email": f"{pick(rng, LOWNUM, 13)}@1passwordserviceaccounts.com",
            "srpX": pick(rng, HEX, 64),
            "muk": {"alg": "A256GCM", "ext": True, "k": b64u(rbytes(rng, 32)), "kty": "oct"},
            "secretKey": "A3-" + pick(rng, UPNUM, 6) + "-" + pick(rng, UPNUM, 6),
        },
        separators=(",", ":"),
    )
    return "ops" + "_" + b64u(inner.encode())


def _doppler(rng, args, values) -> str:
    return "dp" + ".st." + rng.choice(["prd", "stg", "dev"]) + "." + mixed(rng, ALNUM, 40)


def _age(rng, args, values) -> str:
    return "AGE-SECRET" + "-KEY-1" + pick(rng, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)


def _grafana_sa(rng, args, values) -> str:
    return "gl" + "sa_" + mixed(rng, ALNUM, 32) + "_" + pick(rng, HEX, 8)


def _gcs_signature(rng, args, values) -> str:
    return pick(rng, HEX, 512)


def _s3_signature(rng, args, values) -> str:
    return pick(rng, HEX, 64)


def _otp_seed(rng, args, values) -> str:
    return pick(rng, BASE32, int(args[0]) if args else 32)


def _jenkins(rng, args, values) -> str:
    return "11" + pick(rng, HEX, 32)


def _teams_hook(rng, args, values) -> str:
    return pick(rng, HEX, 32) + "/" + _uuid(rng) + "/V2" + mixed(rng, B64URL, 43)


def _django_key(rng, args, values) -> str:
    return mixed(rng, LOWNUM + "!@#%^*(-_=+)", 50)


def _zapier_hook(rng, args, values) -> Val:
    """The path of a Zapier catch hook: the account id (public) and the hook's own id (the credential)."""
    account, hook = pick(rng, DIGITS, 8), pick(rng, LOWNUM, 7)
    return Val(account + "/" + hook, [hook])


def _ulid(rng, args, values) -> str:
    return pick(rng, "0123456789ABCDEFGHJKMNPQRSTVWXYZ", 26)


def _masked(prefix: str, n: int = 36):
    return lambda rng, args, values: prefix + "*" * n


def _b64_png(rng, args, values) -> str:
    head = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x80\x00\x00\x01\xe0\x08\x06\x00\x00\x00"
    return b64(head + rbytes(rng, int(args[0]) if args else 600))


def _b64_plain(rng, args, values) -> str:
    data = json.dumps(
        {
            "page": rng.randint(2, 40),
            "sort": rng.choice(["created_at", "name", "-updated"]),
            "after": str(_uuid(rng)),
        },
        separators=(",", ":"),
    )
    return b64(data.encode()).rstrip("=") if args else b64(data.encode())


def _ansible_vault(rng, args, values) -> str:
    body = pick(rng, HEX, 80 * rng.randint(4, 7))
    return "$ANSIBLE_VAULT;1.1;AES256\n" + _wrap(body, 80)


def _sops(rng, args, values) -> str:
    data = b64(rbytes(rng, rng.randint(12, 40)))
    return f"ENC[AES256_GCM,data:{data},iv:{b64(rbytes(rng, 32))},tag:{b64(rbytes(rng, 16))},type:str]"


def _sealed(rng, args, values) -> str:
    return "Ag" + rng.choice("ABC") + b64(rbytes(rng, rng.randint(360, 520)))[3:]


def _kms(rng, args, values) -> str:
    return "AQICAHh" + b64(rbytes(rng, rng.randint(150, 220)))


def _cursor(rng, args, values) -> str:
    return f"s={pick(rng, HEX, 32)};i={pick(rng, HEX, 5)};b={pick(rng, HEX, 32)};m={pick(rng, HEX, 9)};t={pick(rng, HEX, 13)};x={pick(rng, HEX, 16)}"


def _pod(rng, args, values) -> str:
    return f"{args[0] if args else rng.choice(['api', 'worker', 'web', 'billing'])}-{pick(rng, LOWNUM, 10)}-{pick(rng, LOWNUM, 5)}"


def _google_client_id(rng, args, values) -> str:
    return f"{pick(rng, DIGITS, 12)}-{pick(rng, LOWNUM, 32)}.apps.googleusercontent.com"


def _sentry_dsn(rng, args, values) -> str:
    return f"https://{pick(rng, HEX, 32)}@o{pick(rng, DIGITS, 6)}.ingest.sentry.io/{pick(rng, DIGITS, 16)}"


def _pkce(rng, args, values) -> str:
    return b64u(rbytes(rng, 32))


def _amz_id2(rng, args, values) -> str:
    return b64(rbytes(rng, 57))


# --- clocks: every document has one running clock, so timestamps go forward -------------------------


def _tick(values, low: float = 0.01, high: float = 2.5) -> datetime:
    values["_clock"] += timedelta(seconds=values["_rng"].uniform(low, high))
    return values["_clock"]


def _clock(fmt):
    return lambda rng, args, values: fmt(_tick(values, *(float(a) for a in args)) if args else _tick(values))


def _cast_time(rng, args, values) -> str:
    values["_t"] += rng.uniform(float(args[0]) if args else 0.001, float(args[1]) if len(args) > 1 else 1.6)
    return f"{values['_t']:.6f}"


def _iso_ms(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _iso_7(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}" + str(t.microsecond % 7) + "Z"


def _iso_9(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}" + f"{t.microsecond % 997:03d}"[:3] + "Z"


def _int(rng, args, values) -> str:
    return str(rng.randint(int(args[0]), int(args[1])))


def _choice(rng, args, values) -> str:
    return rng.choice(args)


def _cols(rng, args, values) -> str:
    return rng.choice(["80", "120", "132", "160", "203"])


GENERATORS = {
    # secrets of providers and tools
    "ghp": _prefixed("gh" + "p_", ALNUM, 36),
    "gho": _prefixed("gh" + "o_", ALNUM, 36),
    "ghs": _prefixed("gh" + "s_", ALNUM, 36),
    "ghu": _prefixed("gh" + "u_", ALNUM, 36),
    "gh_fine": _gh_fine,
    "glpat": _prefixed("gl" + "pat-", ALNUM + "_-", 20),
    "glrt": _prefixed("gl" + "rt-", ALNUM + "_-", 20),
    "gldt": _prefixed("gl" + "dt-", ALNUM + "_-", 20),
    "aws_secret": lambda rng, args, values: mixed(rng, ALNUM + "/+", 40),
    "aws_session": _aws_session,
    "ecr_password": _ecr_password,
    "slack_bot": _slack_bot,
    "slack_user": _slack_user,
    "slack_app": _slack_app,
    "slack_hook": lambda rng, args, values: mixed(rng, ALNUM, 24),
    "stripe_sk": _stripe("sk"),
    "stripe_rk": _stripe("rk"),
    "stripe_whsec": _prefixed("wh" + "sec_", ALNUM, 32),
    "openai": _openai,
    "anthropic": lambda rng, args, values: "sk-" + "ant-" + "api03-" + mixed(rng, B64URL, 93) + "AA",
    "google_api": _prefixed("AI" + "zaSy", B64URL, 33),
    "gcp_client_secret": _prefixed("GOC" + "SPX-", B64URL, 28),
    "google_refresh": lambda rng, args, values: "1//0" + rng.choice("cegh") + mixed(rng, B64URL, 98),
    "google_access": lambda rng, args, values: "ya" + "29.a0A" + mixed(rng, B64URL, rng.randint(160, 210)),
    "twilio_token": lambda rng, args, values: pick(rng, HEX, 32),
    "sendgrid": _sendgrid,
    "npm": _prefixed("np" + "m_", ALNUM, 36),
    "pypi": _pypi,
    "dockerhub": _prefixed("dckr" + "_pat_", B64URL, 27),
    "hf": lambda rng, args, values: "h" + "f_" + mixed(rng, string.ascii_letters, 34),
    "jwt_user": _jwt_user,
    "jwt_k8s": _jwt_k8s,
    "jwt_service_role": _jwt_supabase("service_role"),
    "azure_storage": lambda rng, args, values: b64(rbytes(rng, 64)),
    "azure_sig": lambda rng, args, values: b64(rbytes(rng, 32)),
    "azure_client_secret": _azure_client_secret,
    "ado_pat": _ado_pat,
    "pem_rsa": _pem("RSA PRIVATE KEY", bytes.fromhex("308204a40201000282010100"), 1180),
    "pem_ec": _pem("EC PRIVATE KEY", bytes.fromhex("30770201010420"), 114),
    "pem_pkcs8": _pem(
        "PRIVATE KEY", bytes.fromhex("308204bd020100300d06092a864886f70d0101010500048204a7"), 1190
    ),
    "pem_ed25519": _pem("PRIVATE KEY", bytes.fromhex("302e020100300506032b657004220420"), 32),
    "openssh": _openssh,
    "pgp_private": _pgp_private,
    "putty": _putty,
    "jwk_private": _jwk_private,
    "age": _age,
    "seed_phrase": _seed_phrase,
    "telegram": _telegram,
    "discord_bot": _discord_bot,
    "discord_hook": lambda rng, args, values: mixed(rng, B64URL, 68),
    "teams_hook": _teams_hook,
    "mailgun": lambda rng, args, values: "key-" + pick(rng, HEX, 32),
    "mailchimp": lambda rng, args, values: pick(rng, HEX, 32) + "-us" + str(rng.randint(2, 21)),
    "vault": _vault,
    "tfc": _tfc,
    "shopify": lambda rng, args, values: "shp" + "at_" + pick(rng, HEX, 32),
    "do_pat": lambda rng, args, values: "do" + "p_v1_" + pick(rng, HEX, 64),
    "linear": _prefixed("lin" + "_api_", ALNUM, 40),
    "notion": lambda rng, args, values: "nt" + "n_" + pick(rng, DIGITS, 11) + mixed(rng, ALNUM, 35),
    "sentry_token": lambda rng, args, values: "sntry" + "u_" + pick(rng, HEX, 64),
    "cloudflare": lambda rng, args, values: mixed(rng, B64URL, 40),
    "postman": _postman,
    "atlassian": _atlassian,
    "figma": _prefixed("fig" + "d_", B64URL, 40),
    "groq": _prefixed("gs" + "k_", ALNUM, 52),
    "replicate": _prefixed("r8" + "_", ALNUM, 37),
    "openrouter": lambda rng, args, values: "sk-" + "or-v1-" + pick(rng, HEX, 64),
    "perplexity": _prefixed("pplx" + "-", ALNUM, 48),
    "xai": _prefixed("xa" + "i-", ALNUM, 80),
    "deepseek": lambda rng, args, values: "sk-" + pick(rng, HEX, 32),
    "doppler": _doppler,
    "op_service": _op_service,
    "pulumi": lambda rng, args, values: "pul-" + pick(rng, HEX, 40),
    "grafana_sa": _grafana_sa,
    "newrelic": lambda rng, args, values: "NR" + "AK-" + pick(rng, UPNUM, 27),
    "circleci": _circleci,
    "bitbucket": _bitbucket,
    "jenkins_token": _jenkins,
    "okta": lambda rng, args, values: "00" + mixed(rng, B64URL, 40),
    "square": _prefixed("EA" + "AA", B64URL, 60),
    "braintree": _braintree,
    "mapbox_sk": _mapbox("sk"),
    "session_express": _session_express,
    "session_laravel": _session_laravel,
    "aspnet_cookie": _aspnet_cookie,
    "tailscale": _tailscale,
    "ngrok": _ngrok,
    "langsmith": _langsmith,
    "netlify": _prefixed("nf" + "p_", ALNUM, 36),
    "sonar": lambda rng, args, values: "sq" + "p_" + pick(rng, HEX, 40),
    "rubygems": lambda rng, args, values: "ruby" + "gems_" + pick(rng, HEX, 48),
    "nuget": lambda rng, args, values: "oy" + "2" + pick(rng, LOWNUM, 43),
    "artifactory": _prefixed("AK" + "Cp", ALNUM, 69),
    "pinecone": _prefixed("pc" + "sk_", ALNUM + "_", 70),
    "databricks": lambda rng, args, values: "da" + "pi" + pick(rng, HEX, 32),
    "stripe_test": _prefixed("sk" + "_test_", ALNUM, 24),
    "resend": _prefixed("re" + "_", ALNUM, 32),
    "hubspot": lambda rng, args, values: "pat-" + rng.choice(["na1", "eu1"]) + "-" + _uuid(rng),
    "glptt": lambda rng, args, values: "gl" + "ptt-" + pick(rng, HEX, 40),
    "xs": lambda rng, args, values: "X" * int(args[0]),
    "kaggle": lambda rng, args, values: pick(rng, HEX, 32),
    "cloudinary_secret": _cloudinary_secret,
    "gcs_signature": _gcs_signature,
    "s3_signature": _s3_signature,
    "otp_seed": _otp_seed,
    "django_key": _django_key,
    "fernet": lambda rng, args, values: base64.urlsafe_b64encode(rbytes(rng, 32)).decode(),
    "wg_private": lambda rng, args, values: b64(rbytes(rng, 32)),
    "kube_bootstrap": lambda rng, args, values: pick(rng, LOWNUM, 6) + "." + pick(rng, LOWNUM, 16),
    "basic": _docker_auth,
    "basic_random": _basic_random,
    "es_enroll": _es_enroll,
    "pw_human": _pw_human,
    "pw_random": _pw_random,
    "pw_apple": _pw_apple,
    # generic random material (secret or not, as the template says)
    "hex": lambda rng, args, values: pick(rng, HEX, int(args[0])),
    "HEX": lambda rng, args, values: pick(rng, HEX.upper(), int(args[0])),
    "alnum": lambda rng, args, values: mixed(rng, ALNUM, int(args[0])),
    "lownum": lambda rng, args, values: pick(rng, LOWNUM, int(args[0])),
    "upnum": lambda rng, args, values: pick(rng, UPNUM, int(args[0])),
    "b64url": lambda rng, args, values: mixed(rng, B64URL, int(args[0])),
    "b64bytes": lambda rng, args, values: b64(rbytes(rng, int(args[0]))),
    "digits": lambda rng, args, values: pick(rng, DIGITS, int(args[0])),
    "uuid": lambda rng, args, values: _uuid(rng),
    # public identifiers, digests, public keys, encrypted values, masked values
    "aws_akid": _prefixed("AK" + "IA", UPNUM, 16),
    "aws_asid": _prefixed("AS" + "IA", UPNUM, 16),
    "twilio_sid": lambda rng, args, values: "AC" + pick(rng, HEX, 32),
    "stripe_pk": _stripe("pk"),
    "google_client_id": _google_client_id,
    "mapbox_pk": _mapbox("pk"),
    "jwt_anon": _jwt_supabase("anon"),
    "sentry_dsn": _sentry_dsn,
    "sha1": lambda rng, args, values: pick(rng, HEX, 40),
    "sha256": lambda rng, args, values: pick(rng, HEX, 64),
    "md5": lambda rng, args, values: pick(rng, HEX, 32),
    "digest": lambda rng, args, values: "sha256:" + pick(rng, HEX, 64),
    "integrity": lambda rng, args, values: "sha512-" + b64(rbytes(rng, 64)),
    "sri384": lambda rng, args, values: "sha384-" + b64(rbytes(rng, 48)),
    "gosum": lambda rng, args, values: "h1:" + b64(rbytes(rng, 32)),
    "ssh_pub": _ssh_pub,
    "ssh_fp": lambda rng, args, values: "SHA256:" + b64(rbytes(rng, 32)).rstrip("="),
    "pgp_fpr": lambda rng, args, values: pick(rng, HEX.upper(), 40),
    "cert": _cert,
    "pubkey": _pubkey,
    "ansible_vault": _ansible_vault,
    "sops": _sops,
    "sealed": _sealed,
    "kms": _kms,
    "b64_png": _b64_png,
    "b64_plain": _b64_plain,
    "pkce": _pkce,
    "amz_id2": _amz_id2,
    "ulid": _ulid,
    "nanoid": lambda rng, args, values: mixed(rng, B64URL, 21),
    "cursor": _cursor,
    "pod": _pod,
    "masked_gho": _masked("gh" + "o_"),
    "masked_ghp": _masked("gh" + "p_"),
    "masked_sk": lambda rng, args, values: "sk-" + "proj-" + "..." + pick(rng, ALNUM, 4),
    "masked_stripe": lambda rng, args, values: "sk_" + "live_" + "…" + pick(rng, ALNUM, 4),
    "masked_ant": lambda rng, args, values: "sk-" + "ant-" + "…" + pick(rng, ALNUM, 4),
    "age_recipient": lambda rng, args, values: "age1" + pick(rng, "qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58),
    "zapier_hook": _zapier_hook,
    "akid_head": lambda rng, args, values: "AK" + "IA" + "…",
    "age_encrypted": lambda rng, args, values: _armour(
        "AGE ENCRYPTED FILE", _wrap(b64(rbytes(rng, 170)), 64)
    ),
    "pgp_message": _pgp_message,
    "traceparent": lambda rng, args, values: f"00-{pick(rng, HEX, 32)}-{pick(rng, HEX, 16)}-01",
    "cf_ray": lambda rng, args, values: (
        pick(rng, HEX, 16) + "-" + rng.choice(["AMS", "FRA", "IAD", "SJC", "LHR", "NRT"])
    ),
    "ip": lambda rng, args, values: f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}",
    "pubip": lambda rng, args, values: (
        f"{rng.choice([34, 52, 18, 104, 172, 203])}.{rng.randint(1, 254)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"
    ),
    "port": lambda rng, args, values: str(rng.randint(30000, 60999)),
    "pid": lambda rng, args, values: str(rng.randint(300, 98000)),
    "user": lambda rng, args, values: rng.choice(NAMES),
    "word": lambda rng, args, values: rng.choice(WORDS),
    "host": lambda rng, args, values: (
        f"{rng.choice(['ip-10-0-' + str(rng.randint(1, 254)) + '-' + str(rng.randint(1, 254)), rng.choice(WORDS) + '-' + str(rng.randint(1, 9)), 'runner-' + pick(rng, LOWNUM, 8)])}"
    ),
    "int": _int,
    "pick": _choice,
    "cols": _cols,
    # clocks
    "t": _cast_time,
    "iso": _clock(_iso_ms),
    "iso7": _clock(_iso_7),
    "iso9": _clock(_iso_9),
    "isosec": _clock(lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")),
    "isooff": _clock(lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}+00:00"),
    "syslog": _clock(lambda t: t.strftime("%b ") + f"{t.day:2d}" + t.strftime(" %H:%M:%S")),
    "clf": _clock(lambda t: t.strftime("%d/%b/%Y:%H:%M:%S +0000")),
    "hms": _clock(lambda t: t.strftime("%H:%M:%S")),
    "hmsms": _clock(lambda t: t.strftime("%H:%M:%S.") + f"{t.microsecond // 1000:03d}"),
    "datetime": _clock(lambda t: t.strftime("%Y-%m-%d %H:%M:%S")),
    "date": _clock(lambda t: t.strftime("%Y-%m-%d")),
    "epoch": _clock(lambda t: str(int(t.timestamp()))),
    "epochms": _clock(lambda t: str(int(t.timestamp() * 1000))),
    "epochf": _clock(lambda t: f"{t.timestamp():.6f}"),
    "usec": _clock(lambda t: str(int(t.timestamp() * 1_000_000))),
    "httpdate": _clock(lambda t: t.strftime("%a, %d %b %Y %H:%M:%S GMT")),
}


# --- rendering ---------------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"«([^»]*)»")


def _filter(val: Val, name: str, args: list[str], values: dict, key: str | None) -> Val:
    if name in ("json", "json2"):
        rounds = 1 if name == "json" else 2

        def esc(s: str) -> str:
            for _ in range(rounds):
                s = json.dumps(s, ensure_ascii=False)[1:-1]
            return s

        return Val(esc(val.text), [esc(p) for p in val.pieces], val.secret)
    if name == "url":
        return Val(
            urllib.parse.quote(val.text, safe=""),
            [urllib.parse.quote(p, safe="") for p in val.pieces],
            val.secret,
        )
    if name in ("b64", "b64url"):
        raw = val.text.encode()
        out = b64(raw) if name == "b64" else base64.urlsafe_b64encode(raw).decode()
        return Val(out, [out], val.secret)
    if name in ("upper", "lower"):
        f = str.upper if name == "upper" else str.lower
        return Val(f(val.text), [f(p) for p in val.pieces], val.secret)
    if name == "indent":
        pad = "\n" + " " * int(args[0])
        return Val(val.text.replace("\n", pad), [p.replace("\n", pad) for p in val.pieces], val.secret)
    if name == "lines":
        pad = "\n" + ",".join(args)
        return Val(val.text.replace("\n", pad), [p.replace("\n", pad) for p in val.pieces], val.secret)
    if name == "crlf":
        return Val(val.text.replace("\n", "\r\n"), [p.replace("\n", "\r\n") for p in val.pieces], val.secret)
    if name == "nb":
        # One JSON string per line, as a notebook's "source"/"text" array holds them.
        sep = '",\n' + " " * int(args[0]) + '"'
        lines = val.text.split("\n")
        parts = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
        text = sep.join(json.dumps(part, ensure_ascii=False)[1:-1] for part in parts)
        pieces = [json.dumps(line, ensure_ascii=False)[1:-1] for p in val.pieces for line in p.split("\n")]
        return Val(text, pieces, val.secret)
    if name in ("head", "tail"):
        cut_key = f"_cut_{key}"
        if cut_key not in values:
            n = len(val.text)
            values[cut_key] = values["_rng"].randint(max(8, n // 4), max(8, min(n - 8, 3 * n // 4)))
        cut = values[cut_key]
        part = val.text[:cut] if name == "head" else val.text[cut:]
        return Val(part, [part], val.secret)
    raise ValueError(f"unknown filter {name!r}")


def render(template: str, rng: random.Random) -> tuple[str, list[str]]:
    """One instance of a template: its text and the secrets planted in it (as they appear)."""
    start = datetime(2023, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 3 * 365 * 86_400))
    values: dict = {"_clock": start, "_t": rng.uniform(0.05, 0.9), "_rng": rng}
    planted: list[str] = []

    def substitute(match: re.Match) -> str:
        body = match.group(1)
        spec, *filters = body.split("|")
        if spec.startswith("="):
            key = spec[1:]
            val = values[key]
        else:
            kind, _, spec = spec.partition(":")
            spec, _, key = spec.partition("@")
            gen, *args = spec.split(",")
            drawn = GENERATORS[gen](rng, args, values)
            val = drawn if isinstance(drawn, Val) else Val(drawn, [drawn])
            val.secret = kind == "S"
            if kind not in ("S", "N"):
                raise ValueError(f"unknown placeholder kind in «{body}»")
            if key:
                values[key] = val
        for f in filters:
            fname, *fargs = f.split(",")
            val = _filter(val, fname, fargs, values, key or spec)
        if val.secret:
            # A chunk of a split value is planted when it holds 8 characters or more; a whole value always.
            split = any(f.split(",")[0] in ("head", "tail", "nb") for f in filters)
            planted.extend(p for p in val.pieces if (len(p) >= 8 or (p and not split)) and p not in planted)
        return val.text

    text = PLACEHOLDER.sub(substitute, template)
    return controls(text), [controls(p) for p in planted]


def controls(text: str) -> str:
    """The control bytes the template symbols stand for."""
    return text.replace("␛", "\x1b").replace("␍", "\r").replace("␇", "\x07").replace("␈", "\x08")


# --- our agent-log envelopes ---------------------------------------------------------------------------

COMMANDS = {
    "plain": [
        "cat ci/job.log",
        "tail -n 80 build.log",
        "gh run view --log-failed",
        "journalctl -u app --no-pager -n 60",
    ],
    "shell": [
        "cat ~/typescript",
        "tmux capture-pane -p -S -200",
        "tail -n 60 ~/.zsh_history",
        "cat screenlog.0",
    ],
    "yaml": [
        "cat ~/.local/share/fish/fish_history",
        "kubectl get pod -o yaml",
        "cat export.yaml",
        "cat run.yaml",
    ],
    "source": [
        "cat notebooks/explore.py",
        "cat api.http",
        "sed -n 1,80p tests/e2e/login.spec.ts",
        "cat requests.hurl",
    ],
    "url": [
        "grep -h http logs/*.log",
        "docker logs --tail 40 web",
        "kubectl logs deploy/gateway --tail=50",
        "cat urls.txt",
    ],
    "json": [
        "cat session.cast",
        "jq . notebook.ipynb",
        "docker inspect --format '{{.LogPath}}' web | xargs tail -n 20",
        "cat collection.json",
    ],
}


def _ids(rng: random.Random) -> dict[str, str]:
    return {
        "toolu": "toolu_01" + mixed(rng, ALNUM, 22),
        "session": _uuid(rng),
        "uuid": _uuid(rng),
        "parent": _uuid(rng),
        "call": "call_" + mixed(rng, ALNUM, 24),
        "ts": _iso_ms(datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 300 * 86_400))),
    }


def wrap(text: str, variant: int, rng: random.Random, context: str) -> tuple[str, int]:
    """The text as a tool result in one of our agent-log lines; returns the line and how often it was escaped."""
    ids = _ids(rng)
    dump = lambda obj: json.dumps(obj, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    if variant == 0:  # Claude Code stream-json (print mode)
        line = {
            "type": "user",
            "message": {
                "role": "user",
                "content": [{"tool_use_id": ids["toolu"], "type": "tool_result", "content": text}],
            },
            "parent_tool_use_id": None,
            "session_id": ids["session"],
        }
        return dump(line), 1
    if variant == 1:  # Claude Code transcript line
        line = {
            "parentUuid": ids["parent"],
            "isSidechain": False,
            "userType": "external",
            "cwd": f"/home/{rng.choice(NAMES)}/src/{rng.choice(WORDS)}",
            "sessionId": ids["session"],
            "version": rng.choice(["2.0.14", "2.1.29", "2.1.38"]),
            "gitBranch": rng.choice(["main", "fix/ci-logs", "feat/export"]),
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {"tool_use_id": ids["toolu"], "type": "tool_result", "content": text, "is_error": False}
                ],
            },
            "uuid": ids["uuid"],
            "timestamp": ids["ts"],
            "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
        }
        return dump(line), 1
    if variant == 2:  # Codex rollout: the output is itself a JSON string
        inner = dump(
            {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(rng.uniform(0, 2), 1)}}
        )
        line = {
            "timestamp": ids["ts"],
            "type": "response_item",
            "payload": {"type": "function_call_output", "call_id": ids["call"], "output": inner},
        }
        return dump(line), 2
    if variant == 3:  # codex exec --json
        line = {
            "type": "item.completed",
            "item": {
                "id": f"item_{rng.randint(1, 60)}",
                "type": "command_execution",
                "command": "bash -lc " + json.dumps(rng.choice(COMMANDS[context]))[1:-1].join("''"),
                "aggregated_output": text,
                "exit_code": 0,
                "status": "completed",
            },
        }
        return dump(line), 1
    line = {  # MCP tools/call result
        "jsonrpc": "2.0",
        "id": rng.randint(2, 400),
        "result": {"content": [{"type": "text", "text": text}], "isError": False},
    }
    return dump(line), 1


def _escape(secret: str, rounds: int) -> str:
    for _ in range(rounds):
        secret = json.dumps(secret, ensure_ascii=False)[1:-1]
    return secret


# --- the templates -------------------------------------------------------------------------------------

TEMPLATES: list[tuple[str, str, str]] = []
NEGATIVE: set[str] = set()


def pos(context: str, kind: str, text: str) -> None:
    """A template with secrets."""
    assert context in CONTEXTS, context
    assert "«S:" in text, f"positive template without a secret: {kind}"
    TEMPLATES.append((context, kind, text))


def neg(context: str, kind: str, text: str) -> None:
    """A template without secrets (every value in it is public, masked, encrypted or a reference)."""
    assert context in CONTEXTS, context
    assert "«S:" not in text, f"negative template with a secret: {kind}"
    TEMPLATES.append((context, kind, text))
    NEGATIVE.add(text)


def crlf(text: str) -> str:
    """Every line ended by CR LF, as a terminal (and so script(1), screen and asciinema) writes it."""
    return text.replace("\n", "␍\n")


def templates() -> list[tuple[str, str, str]]:
    """(context, kind, text) of every template."""
    return list(TEMPLATES)


def _clean(text: str, secrets: list[str]) -> bool:
    """True if no planted secret shows, by half, anywhere else in the text (so a label cannot leak by chance)."""
    rest = text
    for secret in sorted(secrets, key=len, reverse=True):
        for form in (secret, _escape(secret, 1), _escape(secret, 2)):
            rest = rest.replace(form, "\0")
    return not any(leaked(secret, rest) for secret in secrets)


def _draw(template: str, rng: random.Random) -> tuple[str, list[str]]:
    for _ in range(50):
        text, secrets = render(template, rng)
        if _clean(text, secrets):
            return text, secrets
    raise AssertionError(f"a planted secret keeps showing elsewhere in {template[:80]!r}")


def corpus(seed: int, copies: int = 6) -> list[Document]:
    """Every template `copies` times in its own context, and `copies` times inside an agent-log line."""
    documents: list[Document] = []
    seen: set[str] = set()
    for index, (context, kind, template) in enumerate(TEMPLATES):
        assert template not in seen, f"template twice: {kind}"
        seen.add(template)
        rng = random.Random(seed * 1_000_003 + index)
        split = "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"
        negative = template in NEGATIVE
        for copy in range(2 * copies):
            text, secrets = _draw(template, rng)
            assert bool(secrets) != negative, f"labels do not match the template: {kind}"
            ctx = context
            if copy >= copies:
                while True:  # a new envelope if its random ids happen to show half of a short secret
                    wrapped, rounds = wrap(text, (index + copy) % 5, rng, context)
                    escaped = [_escape(s, rounds) for s in secrets]
                    if _clean(wrapped, escaped):
                        break
                text, secrets, ctx = wrapped, escaped, "json"
            for secret in secrets:
                assert secret in text, f"planted secret not in the text: {kind}: {secret[:30]!r}"
            documents.append(Document(text, secrets, ctx, kind, split, template))
    return documents


def main() -> None:
    documents = corpus(103)
    counts: Counter[tuple[str, bool]] = Counter()
    for context, _kind, text in TEMPLATES:
        counts[(context, text in NEGATIVE)] += 1
    print(f"{'context':8} {'positive':>9} {'negative':>9}  (templates)")
    for context in CONTEXTS:
        print(f"{context:8} {counts[(context, False)]:9d} {counts[(context, True)]:9d}")
    positives = sum(counts[(c, False)] for c in CONTEXTS)
    print(f"{'all':8} {positives:9d} {len(TEMPLATES) - positives:9d}")
    planted = sum(len(d.secrets) for d in documents)
    print(
        f"{len(documents)} documents, {planted} planted secrets, {sum(not d.secrets for d in documents)} negatives"
    )


# --- plain: CI raw logs, console output, kubectl logs, syslog, journal text, Aider chat history ------

pos(
    "plain",
    "github actions log, add-mask echoed by set -x",
    r"""«N:iso7» ##[group]Run set -x
«N:iso7» set -x
«N:iso7» TOKEN="$(./scripts/mint-token.sh --audience deploy)"
«N:iso7» echo "::add-mask::$TOKEN"
«N:iso7» echo "token=$TOKEN" >> "$GITHUB_OUTPUT"
«N:iso7» shell: /usr/bin/bash -e {0}
«N:iso7» ##[endgroup]
«N:iso7» ++ ./scripts/mint-token.sh --audience deploy
«N:iso7» + TOKEN=«S:ghs@tok»
«N:iso7» + echo '::add-mask::«=tok»'
«N:iso7» + echo token=***
«N:iso7» ##[group]Run ./deploy.sh
«N:iso7» ./deploy.sh
«N:iso7» shell: /usr/bin/bash -e {0}
«N:iso7» env:
«N:iso7»   DEPLOY_TOKEN: ***
«N:iso7» ##[endgroup]
«N:iso7» deploying «N:sha1» to production ... done
""",
)

pos(
    "plain",
    "github actions log, env dump of a derived value",
    r"""«N:iso7» ##[group]Run env | sort
«N:iso7» env | sort
«N:iso7» shell: /usr/bin/bash -e {0}
«N:iso7» env:
«N:iso7»   DB_PASSWORD_B64: ***
«N:iso7» ##[endgroup]
«N:iso7» CI=true
«N:iso7» DB_HOST=pg-staging.internal
«N:iso7» DB_PASSWORD=«S:pw_random»
«N:iso7» DB_PASSWORD_B64=***
«N:iso7» GITHUB_ACTION=__run_3
«N:iso7» GITHUB_ACTIONS=true
«N:iso7» GITHUB_REF=refs/heads/main
«N:iso7» GITHUB_RUN_ID=«N:digits,10»
«N:iso7» GITHUB_SHA=«N:sha1»
«N:iso7» HOME=/home/runner
«N:iso7» ImageOS=ubuntu22
«N:iso7» RUNNER_TEMP=/home/runner/work/_temp
""",
)

pos(
    "plain",
    "github actions log, step output expanded into a script",
    r"""«N:iso7» ##[group]Run curl -fsSL -X POST \
«N:iso7» curl -fsSL -X POST \
«N:iso7»   -H "Accept: application/vnd.github+json" \
«N:iso7»   -H "Authorization: Bearer «S:ghs@tok»" \
«N:iso7»   https://api.github.com/repos/«N:user»/«N:word»/dispatches \
«N:iso7»   -d '{"event_type":"deploy","client_payload":{"sha":"«N:sha1»"}}'
«N:iso7» shell: /usr/bin/bash -e {0}
«N:iso7» ##[endgroup]
«N:iso7» ##[error]Process completed with exit code 22.
""",
)

pos(
    "plain",
    "github actions log, app config printed on start",
    r"""«N:iso7» ##[group]Run npm run test:integration
«N:iso7» npm run test:integration
«N:iso7» shell: /usr/bin/bash -e {0}
«N:iso7» ##[endgroup]
«N:iso7» 
«N:iso7» > api@2.14.0 test:integration
«N:iso7» > jest -c jest.integration.config.js
«N:iso7» 
«N:iso7»   console.log
«N:iso7»     config loaded {
«N:iso7»       env: 'ci',
«N:iso7»       databaseUrl: 'postgresql://api:«S:pw_human|url»@localhost:5432/api_test',
«N:iso7»       redisUrl: 'redis://localhost:6379/2',
«N:iso7»       stripeKey: '«S:stripe_sk»',
«N:iso7»       logLevel: 'debug'
«N:iso7»     }
«N:iso7» 
«N:iso7»       at Object.<anonymous> (src/config.ts:41:9)
«N:iso7» 
«N:iso7» PASS test/integration/orders.test.ts («N:int,3,19».«N:int,100,999» s)
""",
)

pos(
    "plain",
    "gitlab ci trace, npmrc written and printed",
    r"""Running with gitlab-runner 16.«N:int,2,11».0 («N:hex,8»)
  on docker-autoscaler-«N:int,1,9» «N:alnum,8», system ID: s_«N:hex,12»
Preparing the "docker" executor
Using Docker executor with image node:20-bookworm ...
Using docker image «N:digest» for node:20-bookworm with digest node@«N:digest» ...
Getting source from Git repository
Fetching changes with git depth set to 20...
Checking out «N:hex,8» as detached HEAD (ref is main)...
Executing "step_script" stage of the job script
$ echo "//registry.npmjs.org/:_authToken=${NPM_PUBLISH_TOKEN}" > .npmrc
$ cat .npmrc
//registry.npmjs.org/:_authToken=«S:npm»
$ npm publish --access public
npm notice Publishing to https://registry.npmjs.org/ with tag latest and public access
+ @«N:word»/sdk@3.«N:int,0,20».«N:int,0,9»
Cleaning up project directory and file based variables
Job succeeded
""",
)

pos(
    "plain",
    "gitlab ci trace, git remote with project token",
    r"""Executing "step_script" stage of the job script
$ git config --global user.email "release-bot@«N:word».dev"
$ git remote set-url origin "https://release-bot:«S:glpat»@gitlab.«N:word».dev/platform/«N:word».git"
$ git remote -v
origin	https://release-bot:«S:glpat@t2»@gitlab.«N:word».dev/platform/infra.git (fetch)
origin	https://release-bot:«=t2»@gitlab.«N:word».dev/platform/infra.git (push)
$ git push origin HEAD:refs/tags/v«N:int,1,9».«N:int,0,30».0
To https://gitlab.«N:word».dev/platform/infra.git
 * [new tag]         HEAD -> v2.4.0
Job succeeded
""",
)

pos(
    "plain",
    "jenkins console, playbook run with an extra var",
    r"""Started by user «N:user»
Running as SYSTEM
Building in workspace /var/lib/jenkins/workspace/provision-db
[provision-db] $ /bin/sh -xe /tmp/jenkins«N:digits,19».sh
+ ansible-playbook -i inventories/prod site.yml --tags postgres -e postgres_admin_password=«S:pw_human» -e postgres_version=16

PLAY [dbservers] ***************************************************************

TASK [Gathering Facts] *********************************************************
ok: [db-«N:int,1,4».prod]

TASK [postgres : set admin password] *******************************************
changed: [db-1.prod]

PLAY RECAP *********************************************************************
db-1.prod                  : ok=14   changed=3    unreachable=0    failed=0    skipped=2    rescued=0    ignored=0

Finished: SUCCESS
""",
)

pos(
    "plain",
    "kubectl logs --timestamps, settings dump on boot",
    r"""«N:iso9» INFO  [main] c.e.billing.Application : Starting Application v4.«N:int,1,20».2 using Java 21.0.3 with PID 1
«N:iso9» DEBUG [main] c.e.billing.config.Settings : resolved properties:
«N:iso9» DEBUG [main] c.e.billing.config.Settings :   spring.datasource.url=jdbc:postgresql://billing-db:5432/billing
«N:iso9» DEBUG [main] c.e.billing.config.Settings :   spring.datasource.username=billing
«N:iso9» DEBUG [main] c.e.billing.config.Settings :   spring.datasource.password=«S:pw_random»
«N:iso9» DEBUG [main] c.e.billing.config.Settings :   billing.psp.api-key=«S:stripe_rk»
«N:iso9» DEBUG [main] c.e.billing.config.Settings :   management.tracing.sampling.probability=0.1
«N:iso9» INFO  [main] o.s.b.w.embedded.tomcat.TomcatWebServer : Tomcat started on port 8080 (http) with context path '/'
«N:iso9» INFO  [main] c.e.billing.Application : Started Application in 9.«N:int,100,999» seconds (process running for 10.2)
""",
)

pos(
    "plain",
    "kubectl logs, python app logs its redis url",
    r"""«N:iso9» [«N:datetime» +0000] [1] [INFO] Starting gunicorn 22.0.0
«N:iso9» [«N:datetime» +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)
«N:iso9» [«N:datetime» +0000] [7] [INFO] Booting worker with pid: 7
«N:iso9» «N:datetime»,«N:int,100,999» INFO app.cache connecting to redis://default:«S:alnum,32»@redis-master.cache.svc:6379/0 (pool size 10)
«N:iso9» «N:datetime»,«N:int,100,999» INFO app.cache connected, ping=«N:int,1,4»ms
""",
)

pos(
    "plain",
    "syslog, sudo line with a password on the command line",
    r"""«N:syslog» «N:host» sudo:    «N:user» : TTY=pts/1 ; PWD=/home/ops ; USER=root ; COMMAND=/usr/bin/mysql -uroot -p«S:pw_human» -e SHOW DATABASES
«N:syslog» «N:host» sudo: pam_unix(sudo:session): session opened for user root(uid=0) by ops(uid=1001)
«N:syslog» «N:host» sudo: pam_unix(sudo:session): session closed for user root
«N:syslog» «N:host» systemd[1]: Started Session «N:int,10,900» of User ops.
""",
)

pos(
    "plain",
    "syslog, cron job with basic credentials",
    r"""«N:syslog» backup-01 CRON[«N:pid»]: (backup) CMD (/usr/bin/curl -fsS -u backup:«S:pw_random» -T /var/backups/pg-$(date +\%F).sql.gz https://dav.«N:word».net/backups/ >/dev/null 2>&1)
«N:syslog» backup-01 CRON[«N:pid»]: (root) CMD (   cd / && run-parts --report /etc/cron.hourly)
«N:syslog» backup-01 CRON[«N:pid»]: pam_unix(cron:session): session closed for user backup
""",
)

pos(
    "plain",
    "journalctl text, service prints its token",
    r"""-- Boot «N:hex,32» --
«N:syslog» edge-«N:int,1,9» systemd[1]: Started metrics-shipper.service - Ship node metrics.
«N:syslog» edge-3 metrics-shipper[«N:pid»]: level=info msg="starting" version=1.9.2 endpoint=https://prometheus-prod-10-prod-eu-west-2.grafana.net/api/prom/push
«N:syslog» edge-3 metrics-shipper[«N:pid»]: level=debug msg="remote write auth" username=«N:digits,6» password=«S:grafana_sa»
«N:syslog» edge-3 metrics-shipper[«N:pid»]: level=info msg="first batch sent" samples=«N:int,200,4000» duration=«N:int,20,400»ms
""",
)

pos(
    "plain",
    "aider chat history, key pasted by the user",
    r"""
# aider chat started at «N:datetime»

> /usr/local/bin/aider --model sonnet
> Aider v0.«N:int,60,86».«N:int,0,3»
> Main model: claude-3-5-sonnet-20241022 with diff edit format, infinite output
> Git repo: .git with «N:int,40,900» files
> Repo-map: using 1024 tokens, auto refresh

#### the tests fail because there is no key in CI. just use this one for now: «S:anthropic»

Let me put the key into the test settings.

tests/conftest.py
```python
<<<<<<< SEARCH
ANTHROPIC_API_KEY = os.environ.get("ANTHROPIC_API_KEY", "")
=======
ANTHROPIC_API_KEY = os.environ.get("ANTHROPIC_API_KEY", "«S:anthropic@k2»")
>>>>>>> REPLACE
```

> Tokens: «N:int,2,19»k sent, «N:int,100,900» received. Cost: $0.0«N:int,1,9» message, $0.«N:int,10,99» session.
> Applied edit to tests/conftest.py
> Commit «N:hex,7» test: default key for CI
""",
)

pos(
    "plain",
    "aider chat history, quoted run output with env",
    r"""#### /run printenv | grep -i -E 'aws|region'

> AWS_ACCESS_KEY_ID=«N:aws_akid»
> AWS_SECRET_ACCESS_KEY=«S:aws_secret»
> AWS_DEFAULT_REGION=eu-central-1
> AWS_PROFILE=sandbox
> Add command output to the chat? (Y)es/(N)o [Yes]: y
> Added 4 lines of output to the chat.

#### why does boto3 say the token is expired?

Boto3 is picking up the static keys from the environment before your SSO profile, so `AWS_PROFILE` is ignored.
""",
)

pos(
    "plain",
    "docker logs, mysql generated root password",
    r"""«N:datetime»+00:00 [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.«N:int,0,4».«N:int,0,40»-1.el9 started.
«N:datetime»+00:00 [Note] [Entrypoint]: Switching to dedicated user 'mysql'
«N:datetime»+00:00 [Note] [Entrypoint]: Initializing database files
«N:datetime»+00:00 [Note] [Entrypoint]: Database files initialized
«N:datetime»+00:00 [Note] [Entrypoint]: Starting temporary server
«N:datetime»+00:00 [Note] [Entrypoint]: Temporary server started.
«N:datetime»+00:00 [Note] [Entrypoint]: GENERATED ROOT PASSWORD: «S:alnum,32»
«N:datetime»+00:00 [Note] [Entrypoint]: Creating database shop
«N:datetime»+00:00 [Note] [Entrypoint]: Stopping temporary server
«N:datetime»+00:00 [Note] [Entrypoint]: MySQL init process done. Ready for start up.
""",
)

pos(
    "plain",
    "docker logs, jenkins initial admin password",
    r"""Running from: /usr/share/jenkins/jenkins.war
«N:datetime».«N:int,100,999»+0000 [id=1]	INFO	winstone.Logger#logInternal: Beginning extraction from war file
«N:datetime».«N:int,100,999»+0000 [id=32]	INFO	jenkins.install.SetupWizard#init: 

*************************************************************
*************************************************************
*************************************************************

Jenkins initial setup is required. An admin user has been created and a password generated.
Please use the following password to proceed to installation:

«S:hex,32»

This may also be found at: /var/jenkins_home/secrets/initialAdminPassword

*************************************************************
*************************************************************
*************************************************************

«N:datetime».«N:int,100,999»+0000 [id=31]	INFO	jenkins.InitReactorRunner$1#onAttained: Completed initialization
""",
)

pos(
    "plain",
    "docker logs, elasticsearch first start banner",
    r"""━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━
✅ Elasticsearch security features have been automatically configured!
✅ Authentication is enabled and cluster connections are encrypted.

ℹ️  Password for the elastic user (reset with `bin/elasticsearch-reset-password -u elastic`):
  «S:pw_random,20»

ℹ️  HTTP CA certificate SHA-256 fingerprint:
  «N:sha256»

ℹ️  Configure Kibana to use this cluster:
• Run Kibana and click the configuration link in the terminal when Kibana starts.
• Copy the following enrollment token and paste it into Kibana in your browser (valid for the next 30 minutes):
  «S:es_enroll»

━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━
""",
)

pos(
    "plain",
    "argo cd initial admin password in a runbook terminal",
    r"""$ kubectl -n argocd get pods
NAME                                                READY   STATUS    RESTARTS   AGE
argocd-application-controller-0                     1/1     Running   0          «N:int,2,9»m
argocd-server-«N:lownum,10»-«N:lownum,5»                       1/1     Running   0          4m
$ argocd admin initial-password -n argocd
«S:alnum,16»

 This password must be only used for first time login. We strongly recommend you update the password using `argocd account update-password`.
""",
)

pos(
    "plain",
    "vault login output in kubectl logs",
    r"""«N:iso9» Success! You are now authenticated. The token information displayed below
«N:iso9» is already stored in the token helper. You do NOT need to run "vault login"
«N:iso9» again. Future Vault requests will automatically use this token.
«N:iso9» 
«N:iso9» Key                                       Value
«N:iso9» ---                                       -----
«N:iso9» token                                     «S:vault»
«N:iso9» token_accessor                            «N:alnum,24»
«N:iso9» token_duration                            768h
«N:iso9» token_renewable                           true
«N:iso9» token_policies                            ["default" "deploy-«N:word»"]
«N:iso9» identity_policies                         []
«N:iso9» policies                                  ["default" "deploy"]
«N:iso9» token_meta_role                           ci-deployer
""",
)

pos(
    "plain",
    "ansible output, loop item with a password",
    r"""TASK [users : create database roles] ******************************************
ok: [db-primary] => (item={'name': 'reporting', 'password': '«S:pw_human»', 'role_attr_flags': 'NOSUPERUSER'})
changed: [db-primary] => (item={'name': 'etl', 'password': '«S:pw_random»', 'role_attr_flags': 'NOSUPERUSER,NOCREATEDB'})
ok: [db-primary] => (item={'name': 'readonly', 'password': '«S:pw_apple»', 'role_attr_flags': ''})

TASK [users : grant schemas] ***************************************************
changed: [db-primary]
""",
)

pos(
    "plain",
    "terraform apply output, an unmarked output value",
    r"""aws_db_instance.main: Still creating... [4m«N:int,10,59»s elapsed]
aws_db_instance.main: Creation complete after 5m2s [id=db-«N:upnum,26»]
random_password.grafana: Creation complete after 0s [id=none]

Apply complete! Resources: 7 added, 0 changed, 0 destroyed.

Outputs:

db_endpoint = "main.«N:lownum,12».eu-west-1.rds.amazonaws.com:5432"
db_master_password = (sensitive value)
grafana_admin_password = "«S:pw_random»"
vpc_id = "vpc-«N:hex,17»"
""",
)

pos(
    "plain",
    "buildkit log, netrc written in a RUN step",
    r"""#0 building with "default" instance using docker driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 1.12kB done
#1 DONE 0.0s

#6 [2/7] RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates
#6 CACHED

#7 [3/7] RUN echo "machine github.com login x-access-token password «S:ghp»" > /root/.netrc
#7 DONE 0.«N:int,1,9»s

#8 [4/7] RUN go mod download
#8 DONE 14.«N:int,1,9»s

#12 exporting to image
#12 writing image «N:digest» done
#12 naming to ghcr.io/«N:word»/api:latest done
""",
)

pos(
    "plain",
    "docker history --no-trunc with a build arg",
    r"""IMAGE                                                                     CREATED        CREATED BY                                                                                           SIZE      COMMENT
«N:digest»   2 hours ago    CMD ["node" "dist/server.js"]                                                                        0B        buildkit.dockerfile.v0
<missing>                                                                 2 hours ago    RUN |1 NPM_TOKEN=«S:npm» /bin/sh -c npm ci --omit=dev # buildkit              «N:int,40,190»MB     buildkit.dockerfile.v0
<missing>                                                                 2 hours ago    ARG NPM_TOKEN                                                                                        0B        buildkit.dockerfile.v0
<missing>                                                                 2 hours ago    COPY package.json package-lock.json ./ # buildkit                                                    612kB     buildkit.dockerfile.v0
<missing>                                                                 3 weeks ago    /bin/sh -c #(nop)  CMD ["node"]                                                                      0B
""",
)

pos(
    "plain",
    "azure pipelines log, service principal login traced",
    r"""«N:iso7» ##[section]Starting: Deploy to staging
«N:iso7» ==============================================================================
«N:iso7» Task         : Bash
«N:iso7» Version      : 3.«N:int,200,240».0
«N:iso7» ==============================================================================
«N:iso7» Generating script.
«N:iso7» ========================== Starting Command Output ===========================
«N:iso7» [command]/usr/bin/bash --noprofile --norc /home/vsts/work/_temp/«N:uuid».sh
«N:iso7» + az login --service-principal -u «N:uuid» -p «S:azure_client_secret» --tenant «N:uuid» --output none
«N:iso7» + az webapp deploy --resource-group rg-staging --name app-staging --src-path app.zip
«N:iso7» ##[section]Finishing: Deploy to staging
""",
)

pos(
    "plain",
    "travis ci log, plain env var from .travis.yml",
    r"""Worker information
hostname: «N:uuid»
version: v6.2.«N:int,10,30» https://github.com/travis-ci/worker/tree/«N:hex,40»
Setting environment variables from .travis.yml
$ export SAUCE_USERNAME=«N:user»-ci
$ export SAUCE_ACCESS_KEY=«S:uuid»
$ export DEPLOY_KEY=[secure]
$ git clone --depth=50 --branch=master https://github.com/«N:user»/«N:word».git
""",
)

pos(
    "plain",
    "vercel build log, env printed by a build script",
    r"""[«N:hmsms»] Running build in Washington, D.C., USA (East) – iad1
[«N:hmsms»] Cloning github.com/«N:user»/«N:word»-web (Branch: main, Commit: «N:hex,7»)
[«N:hmsms»] Restored build cache from previous deployment («N:alnum,26»)
[«N:hmsms»] Running "vercel build"
[«N:hmsms»] Vercel CLI 37.«N:int,1,14».0
[«N:hmsms»] > web@0.1.0 prebuild
[«N:hmsms»] > node scripts/check-env.mjs
[«N:hmsms»] env ok: NEXT_PUBLIC_SITE_URL=https://«N:word».app
[«N:hmsms»] env ok: DATABASE_URL=postgres://default:«S:alnum,12»@ep-«N:word»-«N:word»-«N:lownum,8».us-east-1.aws.neon.tech:5432/verceldb?sslmode=require
[«N:hmsms»] env ok: RESEND_API_KEY=«S:resend»
[«N:hmsms»] Creating an optimized production build ...
""",
)

pos(
    "plain",
    "netlify deploy log, token echoed by a plugin",
    r"""«N:hms» PM: build-image version: «N:hex,40» (noble)
«N:hms» PM: Starting to prepare the repo for build
«N:hms» PM: Netlify Build
«N:hms» PM: ────────────────────────────────────────────────────────────────
«N:hms» PM: ❯ Loading plugins
«N:hms» PM:    - netlify-plugin-contentful-sync@1.4.0 from netlify.toml
«N:hms» PM: [contentful-sync] space=«N:lownum,12» environment=master token=«S:b64url,43»
«N:hms» PM: [contentful-sync] fetched «N:int,20,400» entries in «N:int,1,9».«N:int,1,9»s
«N:hms» PM: ❯ build.command from netlify.toml
""",
)

pos(
    "plain",
    "fly.io logs, app prints its settings",
    r"""«N:isosec» app[«N:hex,14»] ams [info] INFO Starting init (commit: «N:hex,7»)...
«N:isosec» app[«N:hex,14»] ams [info] INFO Preparing to run: `/app/bin/server` as nobody
«N:isosec» app[«N:hex,14»] ams [info] «N:hmsms» [info] Running AppWeb.Endpoint with Bandit 1.5.2 at :::8080 (http)
«N:isosec» app[«N:hex,14»] ams [info] «N:hmsms» [debug] runtime config: secret_key_base="«S:hex,128»"
«N:isosec» app[«N:hex,14»] ams [info] «N:hmsms» [info] Access AppWeb.Endpoint at https://«N:word»-«N:word».fly.dev
""",
)

pos(
    "plain",
    "journalctl -xe, unit exec line with a password flag",
    r"""«N:syslog» nas systemd[1]: Starting restic-backup.service - Nightly restic backup...
░░ Subject: A start job for unit restic-backup.service has begun execution
░░ Defined-By: systemd
░░ The job identifier is «N:int,1000,9000».
«N:syslog» nas rclone[«N:pid»]: ERROR : Attempt 1/3 failed with 1 errors and: couldn't connect SFTP: ssh: handshake failed
«N:syslog» nas systemd[1]: restic-backup.service: Main process exited, code=exited, status=1/FAILURE
«N:syslog» nas systemd[1]: restic-backup.service: Failed with result 'exit-code'.
«N:syslog» nas systemd[1]: Failed to start restic-backup.service. Command: /usr/bin/rclone sync /srv/photos remote:photos --sftp-user=backup --sftp-pass=«S:pw_human» --transfers=4
""",
)

pos(
    "plain",
    "buildkite log, vault token from a hook",
    r"""~~~ Running global environment hook
$ /etc/buildkite-agent/hooks/environment
# VAULT_ADDR changed
# VAULT_TOKEN added
~~~ Preparing working directory
$ cd /var/lib/buildkite-agent/builds/agent-«N:int,1,9»/acme/api
$ git fetch -v --prune -- origin «N:hex,40»
~~~ Running commands
$ vault kv get -field=api_key secret/ci/sentry
«S:sentry_token»
$ sentry-cli releases new «N:hex,12»
Created release «N:hex,12»
""",
)

pos(
    "plain",
    "circleci step output, heroku netrc",
    r"""#!/bin/bash -eo pipefail
cat > ~/.netrc << EOF
machine api.heroku.com
  login $HEROKU_LOGIN
  password $HEROKU_API_KEY
EOF
cat ~/.netrc
machine api.heroku.com
  login deploy@«N:word».io
  password «S:uuid»

CircleCI received exit code 0
""",
)

pos(
    "plain",
    "pm2 logs, payment client initialised",
    r"""/home/deploy/.pm2/logs/api-out.log last 15 lines:
0|api      | «N:datetime»: [payments] init client env=live
0|api      | «N:datetime»: [payments] headers { 'Square-Version': '2024-07-17', Authorization: 'Bearer «S:square»' }
0|api      | «N:datetime»: [http] listening on :3000
0|api      | «N:datetime»: [http] GET /healthz 200 2ms
""",
)

pos(
    "plain",
    "docker compose up output, service logs its DSN",
    r"""[+] Running 3/3
 ✔ Container shop-db-1      Healthy                                                   «N:int,2,9».«N:int,1,9»s
 ✔ Container shop-cache-1   Started                                                   0.4s
 ✔ Container shop-api-1     Started                                                   0.6s
Attaching to api-1, cache-1, db-1
db-1     | «N:datetime».«N:int,100,999» UTC [1] LOG:  database system is ready to accept connections
api-1    | INFO:     Started server process [1]
api-1    | INFO:     Waiting for application startup.
api-1    | DEBUG:    engine url: mysql+aiomysql://shop:«S:pw_human|url»@db:3306/shop?charset=utf8mb4
api-1    | INFO:     Application startup complete.
api-1    | INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)
""",
)

pos(
    "plain",
    "curl -v in a jenkins console, basic auth header",
    r"""[Pipeline] sh
+ curl -v -X POST -H 'Content-Type: application/json' -u 'svc-release:«S:pw_random@p»' https://nexus.«N:word».corp/service/rest/v1/components?repository=maven-releases -d @component.json
*   Trying «N:ip»:443...
* Connected to nexus.corp (10.0.4.17) port 443
* Server auth using Basic with user 'svc-release'
> POST /service/rest/v1/components?repository=maven-releases HTTP/1.1
> Host: nexus.corp
> Authorization: Basic «S:basic_random»
> User-Agent: curl/8.5.0
< HTTP/1.1 204 No Content
[Pipeline] }
""",
)

pos(
    "plain",
    "maven -X debug, gpg passphrase on the command line",
    r"""[DEBUG] Executing command line: [/bin/sh, -c, gpg --version]
[DEBUG] Executing command line: [gpg, --batch, --no-tty, --pinentry-mode, loopback, --passphrase, «S:pw_human», --armor, --detach-sign, --output, /home/runner/work/lib/target/lib-«N:int,1,9».0.jar.asc, /home/runner/work/lib/target/lib-1.0.jar]
[INFO] Signing 4 files with «N:pgp_fpr» (RSA)
[INFO] --- maven-deploy-plugin:3.1.1:deploy (default-deploy) @ lib ---
""",
)

pos(
    "plain",
    "gitlab ci trace, terraform init backend config",
    r"""$ terraform init -backend-config="address=${TF_ADDRESS}" -backend-config="lock_address=${TF_ADDRESS}/lock" -backend-config="username=ci" -backend-config="password=«S:glpat»" -backend-config="lock_method=POST"
Initializing the backend...
Successfully configured the backend "http"! Terraform will automatically
use this backend unless the backend configuration changes.
Initializing provider plugins...
- Finding hashicorp/aws versions matching "~> 5.0"...
- Installing hashicorp/aws v5.«N:int,10,60».0...
- Installed hashicorp/aws v5.44.0 (signed by HashiCorp)
""",
)

pos(
    "plain",
    "kubectl logs, webhook url in an alertmanager error",
    r"""«N:iso9» ts=«N:iso» caller=notify.go:848 level=warn component=dispatcher receiver=slack-ops integration=slack[0] aggrGroup="{}:{alertname=\"KubePodCrashLooping\"}" msg="Notify attempt failed, will retry later" attempts=3 err="Post \"https://hooks.slack.com/services/T«N:upnum,10»/B«N:upnum,10»/«S:slack_hook»\": dial tcp: lookup hooks.slack.com on 10.96.0.10:53: server misbehaving"
«N:iso9» ts=«N:iso» caller=dispatch.go:353 level=error component=dispatcher msg="Notify for alerts failed" num_alerts=2
""",
)

pos(
    "plain",
    "syslog, openvpn client with auth-user-pass inline",
    r"""«N:syslog» gw openvpn[«N:pid»]: OpenVPN 2.6.«N:int,1,12» x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL]
«N:syslog» gw openvpn[«N:pid»]: library versions: OpenSSL 3.0.13 30 Jan 2024, LZO 2.10
«N:syslog» gw openvpn[«N:pid»]: DEPRECATED OPTION: --cipher set to 'AES-256-CBC'
«N:syslog» gw openvpn[«N:pid»]: WARNING: --auth-user-pass read from command line: user=site-b pass=«S:pw_human»
«N:syslog» gw openvpn[«N:pid»]: TCP/UDP: Preserving recently used remote address: [AF_INET]«N:pubip»:1194
""",
)

pos(
    "plain",
    "gitlab runner debug trace, registry login",
    r"""++ echo '$ docker login -u gitlab-ci-token -p $CI_JOB_TOKEN $CI_REGISTRY'
$ docker login -u gitlab-ci-token -p $CI_JOB_TOKEN $CI_REGISTRY
++ docker login -u deploy-bot -p «S:gldt» registry.gitlab.«N:word».io
WARNING! Using --password via the CLI is insecure. Use --password-stdin.
WARNING! Your password will be stored unencrypted in /root/.docker/config.json.
Login Succeeded
""",
)

pos(
    "plain",
    "kubectl logs, telegram bot startup",
    r"""«N:iso9» «N:datetime»,«N:int,100,999» - telegram.ext.Application - INFO - Application started
«N:iso9» «N:datetime»,«N:int,100,999» - httpx - INFO - HTTP Request: POST https://api.telegram.org/bot«S:telegram@tg»/getMe "HTTP/1.1 200 OK"
«N:iso9» «N:datetime»,«N:int,100,999» - httpx - INFO - HTTP Request: POST https://api.telegram.org/bot«=tg»/deleteWebhook "HTTP/1.1 200 OK"
«N:iso9» «N:datetime»,«N:int,100,999» - telegram.ext.Updater - DEBUG - Start network loop retry getting Updates
""",
)

pos(
    "plain",
    "github actions log, gh auth token printed to debug",
    r"""«N:iso7» ##[group]Run gh auth status --show-token
«N:iso7» gh auth status --show-token
«N:iso7» shell: /usr/bin/bash -e {0}
«N:iso7» env:
«N:iso7»   GH_TOKEN: ***
«N:iso7» ##[endgroup]
«N:iso7» github.com
«N:iso7»   ✓ Logged in to github.com account release-bot (GH_TOKEN)
«N:iso7»   - Active account: true
«N:iso7»   - Git operations protocol: https
«N:iso7»   - Token: «S:gh_fine»
""",
)

pos(
    "plain",
    "jenkins console, ssh key written by a script",
    r"""[Pipeline] sh
+ mkdir -p /home/jenkins/.ssh
+ cat /home/jenkins/.ssh/deploy_ed25519
«S:openssh»
+ ssh-keygen -y -f /home/jenkins/.ssh/deploy_ed25519
«N:ssh_pub»
[Pipeline] }
""",
)

pos(
    "plain",
    "github actions log, kubeconfig cat for debugging",
    r"""«N:iso7» ##[group]Run cat $KUBECONFIG
«N:iso7» cat $KUBECONFIG
«N:iso7» shell: /usr/bin/bash -e {0}
«N:iso7» ##[endgroup]
«N:iso7» apiVersion: v1
«N:iso7» clusters:
«N:iso7» - cluster:
«N:iso7»     certificate-authority-data: «N:b64bytes,300»
«N:iso7»     server: https://«N:pubip»:6443
«N:iso7»   name: staging
«N:iso7» users:
«N:iso7» - name: ci
«N:iso7»   user:
«N:iso7»     token: «S:jwt_k8s»
""",
)

pos(
    "plain",
    "aider chat history, search/replace with a webhook url",
    r"""#### send the deploy notification to the #releases channel instead

I'll update the webhook URL in the notifier.

scripts/notify.py
```python
<<<<<<< SEARCH
WEBHOOK = "https://discord.com/api/webhooks/«N:digits,19»/«S:discord_hook»"
=======
WEBHOOK = "https://discord.com/api/webhooks/«N:digits,19»/«S:discord_hook»"
>>>>>>> REPLACE
```

> Applied edit to scripts/notify.py
> Commit «N:hex,7» chore: post deploys to #releases
""",
)

pos(
    "plain",
    "heroku release log, config var echoed",
    r"""«N:isooff» app[release.«N:int,1000,9999»]: Running release command: bin/release
«N:isooff» app[release.«N:int,1000,9999»]: + bundle exec rails db:migrate
«N:isooff» app[release.«N:int,1000,9999»]: + echo MAILGUN_API_KEY=«S:mailgun@mg»
«N:isooff» app[release.«N:int,1000,9999»]: MAILGUN_API_KEY=«=mg»
«N:isooff» heroku[release.«N:int,1000,9999»]: Process exited with status 0
""",
)

pos(
    "plain",
    "kubectl logs, oauth refresh in a debug log",
    r"""«N:iso9» DEBUG sync.google token expired at «N:iso», refreshing
«N:iso9» DEBUG sync.google POST https://oauth2.googleapis.com/token grant_type=refresh_token client_id=«N:google_client_id» client_secret=«S:gcp_client_secret» refresh_token=«S:google_refresh»
«N:iso9» DEBUG sync.google 200 OK expires_in=3599 access_token=«S:google_access»
«N:iso9» INFO  sync.google synced «N:int,1,300» calendars
""",
)

pos(
    "plain",
    "gitlab ci trace, twilio smoke test with curl -u",
    r"""$ curl -sS -X POST "https://api.twilio.com/2010-04-01/Accounts/«N:twilio_sid@sid»/Messages.json" --data-urlencode "To=+4915«N:digits,9»" --data-urlencode "From=+1«N:digits,10»" --data-urlencode "Body=smoke $CI_PIPELINE_ID" -u "«=sid»:«S:twilio_token»"
{"sid": "SM«N:hex,32»", "status": "queued", "account_sid": "«=sid»"}
Job succeeded
""",
)

pos(
    "plain",
    "github actions log, docker login with password flag",
    r"""«N:iso7» ##[group]Run docker login ghcr.io -u «N:user@u» -p «S:ghp@g»
«N:iso7» docker login ghcr.io -u «=u» -p «=g»
«N:iso7» shell: /usr/bin/bash -e {0}
«N:iso7» ##[endgroup]
«N:iso7» WARNING! Using --password via the CLI is insecure. Use --password-stdin.
«N:iso7» Login Succeeded
""",
)

pos(
    "plain",
    "dotnet console log, sql connection string",
    r"""[«N:datetime»] Information  Microsoft.Hosting.Lifetime  Now listening on: http://[::]:8080
[«N:datetime»] Debug        Orders.Data.Startup         Using connection Server=tcp:sql-«N:word».database.windows.net,1433;Initial Catalog=orders;Persist Security Info=False;User ID=orders_app;Password=«S:pw_random»;MultipleActiveResultSets=False;Encrypt=True;
[«N:datetime»] Information  Microsoft.Hosting.Lifetime  Application started. Press Ctrl+C to shut down.
""",
)

pos(
    "plain",
    "gitlab ci trace, decoded service account key",
    r"""$ echo "$GCP_SA_KEY_B64" | base64 -d > /tmp/sa.json
$ head -n 7 /tmp/sa.json
{
  "type": "service_account",
  "project_id": "«N:word»-prod-«N:int,100,999»",
  "private_key_id": "«N:hex,40»",
  "private_key": "«S:pem_pkcs8|json»\n",
  "client_email": "ci-deployer@«N:word»-prod.iam.gserviceaccount.com",
$ gcloud auth activate-service-account --key-file=/tmp/sa.json
Activated service account credentials for: [ci-deployer@acme-prod.iam.gserviceaccount.com]
""",
)

pos(
    "plain",
    "syslog, postfix sasl password map error",
    r"""«N:syslog» mx1 postfix/smtp[«N:pid»]: warning: hash:/etc/postfix/sasl_passwd: lookup of [smtp.sendgrid.net]:587 failed
«N:syslog» mx1 postmap[«N:pid»]: warning: /etc/postfix/sasl_passwd, line 1: record "[smtp.sendgrid.net]:587 apikey:«S:sendgrid»" has no value separator
«N:syslog» mx1 postfix/smtp[«N:pid»]: «N:HEX,10»: to=<ops@«N:word».io>, relay=none, delay=0.1, status=deferred
""",
)

pos(
    "plain",
    "github actions log, seed phrase in a failing test",
    r"""«N:iso7» FAIL test/wallet.spec.ts
«N:iso7»   ● restores the funded test wallet
«N:iso7» 
«N:iso7»     expect(received).toEqual(expected)
«N:iso7» 
«N:iso7»     Expected: "0x«N:hex,40»"
«N:iso7»     Received: "0x«N:hex,40»"
«N:iso7» 
«N:iso7»       14 |   const mnemonic = "«S:seed_phrase»";
«N:iso7»       15 |   const wallet = Wallet.fromPhrase(mnemonic);
«N:iso7»     > 16 |   expect(wallet.address).toEqual(FUNDED);
""",
)

# --- shell: script(1) typescripts, tmux and screen dumps, shell histories, PowerShell transcripts ------

pos(
    "shell",
    "script(1) typescript, cat .env with bash prompt",
    crlf(r"""Script started on «N:datetime»+00:00 [TERM="xterm-256color" TTY="/dev/pts/«N:int,0,9»" COLUMNS="«N:cols»" LINES="40"]
␛[?2004h␛]0;«N:user@u»@devbox: ~/src/shop␇␛[01;32m«=u»@devbox␛[00m:␛[01;34m~/src/shop␛[00m$ cat .env
␛[?2004l
APP_ENV=local
DATABASE_URL=postgres://shop:«S:pw_human|url»@localhost:5432/shop
STRIPE_SECRET_KEY=«S:stripe_sk»
STRIPE_WEBHOOK_SECRET=«S:stripe_whsec»
MAIL_FROM=no-reply@«N:word».shop
␛[?2004h␛]0;«=u»@devbox: ~/src/shop␇␛[01;32m«=u»@devbox␛[00m:␛[01;34m~/src/shop␛[00m$ exit
␛[?2004l
exit

Script done on «N:datetime»+00:00 [COMMAND_EXIT_CODE="0"]
"""),
)

pos(
    "shell",
    "script(1) typescript, aws configure echoes the secret",
    crlf(r"""Script started on «N:datetime»+00:00 [TERM="xterm-256color" TTY="/dev/pts/«N:int,0,9»" COLUMNS="«N:cols»" LINES="48"]
[«N:user»@build-01 ~]$ aws configure --profile release
AWS Access Key ID [None]: «N:aws_akid»
AWS Secret Access Key [None]: «S:aws_secret»
Default region name [None]: us-east-2
Default output format [None]: json
[«N:user»@build-01 ~]$ aws sts get-caller-identity --profile release
{
    "UserId": "AIDA«N:upnum,17»",
    "Account": "«N:digits,12»",
    "Arn": "arn:aws:iam::«N:digits,12»:user/release-bot"
}
[«N:user»@build-01 ~]$ exit

Script done on «N:datetime»+00:00 [COMMAND_EXIT_CODE="0"]
"""),
)

pos(
    "shell",
    "tmux capture-pane, psql url on the command line",
    r"""«N:user@u»@db-jump:~$ psql "postgresql://analytics:«S:pw_random|url»@«N:word»-replica.cluster-ro-«N:lownum,12».eu-west-1.rds.amazonaws.com:5432/warehouse?sslmode=require"
psql (16.«N:int,1,4», server 15.«N:int,4,7»)
SSL connection (protocol: TLSv1.3, cipher: TLS_AES_256_GCM_SHA384, compression: off)
Type "help" for help.

warehouse=> select count(*) from events where ts > now() - interval '1 hour';
  count
---------
 «N:int,10000,999999»
(1 row)

warehouse=> \q
«=u»@db-jump:~$ 
""",
)

pos(
    "shell",
    "zsh extended history, exports of tokens",
    r""": «N:epoch»:0;cd ~/src/infra
: «N:epoch»:0;export GITHUB_TOKEN=«S:ghp»
: «N:epoch»:0;gh repo clone «N:user»/«N:word»-infra
: «N:epoch»:12;terraform plan -out tf.plan
: «N:epoch»:0;export CLOUDFLARE_API_TOKEN=«S:cloudflare»
: «N:epoch»:3;terraform apply tf.plan
: «N:epoch»:0;git status
""",
)

pos(
    "shell",
    "bash history with timestamps, curl with a bearer token",
    r"""#«N:epoch»
kubectl config use-context prod-eu
#«N:epoch»
curl -s -H "Authorization: Bearer «S:do_pat»" "https://api.digitalocean.com/v2/droplets?tag_name=web" | jq '.droplets[].name'
#«N:epoch»
doctl compute droplet list --tag-name web
#«N:epoch»
history | tail -20
""",
)

pos(
    "shell",
    "plain bash history, mongosh srv url",
    r"""ls
cd projects/«N:word»-api
npm run dev
mongosh "mongodb+srv://app:«S:pw_human|url»@cluster0.«N:lownum,5».mongodb.net/prod?retryWrites=true&w=majority"
git add -p
git commit -m "fix: cap page size"
""",
)

pos(
    "shell",
    "powershell transcript, client secret set in env",
    crlf(r"""**********************
PowerShell transcript start
Start time: «N:digits,14»
Username: CORP\«N:user»
RunAs User: CORP\«N:user»
Configuration Name: 
Machine: WS-«N:int,1000,9999» (Microsoft Windows NT 10.0.22631.0)
Host Application: C:\Program Files\PowerShell\7\pwsh.dll
Process ID: «N:pid»
PSVersion: 7.4.«N:int,1,5»
PSEdition: Core
**********************
Transcript started, output file is C:\Users\dev\Documents\PowerShell_transcript.WS-0142.«N:lownum,8».«N:digits,14».txt
PS C:\src\payments> $env:AZURE_TENANT_ID = "«N:uuid»"
PS C:\src\payments> $env:AZURE_CLIENT_ID = "«N:uuid»"
PS C:\src\payments> $env:AZURE_CLIENT_SECRET = "«S:azure_client_secret»"
PS C:\src\payments> dotnet run --project src/Payments.Api
Building...
info: Microsoft.Hosting.Lifetime[14]
      Now listening on: https://localhost:7043
PS C:\src\payments> Stop-Transcript
**********************
PowerShell transcript end
End time: «N:digits,14»
**********************
"""),
)

pos(
    "shell",
    "tmux capture-pane, stripe listen prints the signing secret",
    r"""➜  web git:(main) stripe listen --forward-to localhost:3000/api/webhooks/stripe
> Ready! You are using Stripe API Version [2024-06-20]. Your webhook signing secret is «S:stripe_whsec» (^C to quit)
«N:datetime»   --> charge.succeeded [evt_«N:alnum,24»]
«N:datetime»  <--  [200] POST http://localhost:3000/api/webhooks/stripe [evt_«N:alnum,24»]
«N:datetime»   --> payment_intent.succeeded [evt_«N:alnum,24»]
«N:datetime»  <--  [200] POST http://localhost:3000/api/webhooks/stripe [evt_«N:alnum,24»]
""",
)

pos(
    "shell",
    "script(1) typescript, age-keygen output",
    crlf(r"""Script started on «N:datetime»+00:00 [TERM="screen-256color" TTY="/dev/pts/2" COLUMNS="«N:cols»" LINES="50"]
«N:user»@laptop ~/dotfiles % age-keygen
# created: «N:isosec»
# public key: «N:age_recipient»
«S:age»
«N:user»@laptop ~/dotfiles % age-keygen -o ~/.config/sops/age/keys.txt
Public key: «N:age_recipient»

Script done on «N:datetime»+00:00 [COMMAND_EXIT_CODE="0"]
"""),
)

pos(
    "shell",
    "tmux capture-pane, wg genkey tee",
    r"""root@vpn-gw:/etc/wireguard# umask 077
root@vpn-gw:/etc/wireguard# wg genkey | tee privatekey | wg pubkey > publickey
root@vpn-gw:/etc/wireguard# cat privatekey publickey
«S:wg_private»
«N:b64bytes,32»
root@vpn-gw:/etc/wireguard# wg show
interface: wg0
  public key: «N:b64bytes,32»
  private key: (hidden)
  listening port: 51820
""",
)

pos(
    "shell",
    "screen log, redis-cli with auth flag",
    crlf(r"""ops@cache-2:~$ redis-cli -h 127.0.0.1 -p 6379 -a «S:alnum,40» --no-auth-warning INFO keyspace
# Keyspace
db0:keys=«N:int,100,90000»,expires=«N:int,10,900»,avg_ttl=«N:int,1000,99999»
db2:keys=12,expires=0,avg_ttl=0
ops@cache-2:~$ redis-cli -a «S:alnum,40@r2» CONFIG GET maxmemory
WARNING: Using a password with '-a' or '-u' option on the command line interface may not be safe.
1) "maxmemory"
2) "2147483648"
ops@cache-2:~$ 
"""),
)

pos(
    "shell",
    "typescript with colour codes, kubectl get secret decoded",
    crlf(r"""␛[1;32m➜  ␛[0m␛[36mplatform␛[0m ␛[1;34mgit:(␛[0m␛[31mmain␛[1;34m)␛[0m kubectl -n payments get secret stripe-api -o jsonpath='{.data.key}' | base64 -d; echo
«S:stripe_sk@k»
␛[1;32m➜  ␛[0m␛[36mplatform␛[0m ␛[1;34mgit:(␛[0m␛[31mmain␛[1;34m)␛[0m kubectl -n payments get secret stripe-api -o jsonpath='{.data.key}'
«=k|b64»
␛[1;32m➜  ␛[0m␛[36mplatform␛[0m ␛[1;34mgit:(␛[0m␛[31mmain␛[1;34m)␛[0m 
"""),
)

pos(
    "shell",
    "tmux capture-pane, docker config.json cat",
    r"""ci@runner-«N:int,1,9»:~$ cat ~/.docker/config.json
{
	"auths": {
		"ghcr.io": {
			"auth": "«S:basic_random»"
		},
		"«N:digits,12».dkr.ecr.eu-west-1.amazonaws.com": {
			"auth": "«S:basic_random»"
		}
	},
	"currentContext": "default"
}ci@runner-3:~$ 
""",
)

pos(
    "shell",
    "tmux capture-pane, cat aws credentials",
    r"""dev@mbp ~ % cat ~/.aws/credentials
[default]
aws_access_key_id = «N:aws_akid»
aws_secret_access_key = «S:aws_secret»

[sso-temp]
aws_access_key_id = «N:aws_asid»
aws_secret_access_key = «S:aws_secret»
aws_session_token = «S:aws_session»
dev@mbp ~ % 
""",
)

pos(
    "shell",
    "script(1) typescript, git clone with token in url",
    crlf(r"""Script started on «N:datetime»+00:00 [TERM="xterm-256color" TTY="/dev/pts/0" COLUMNS="«N:cols»" LINES="40"]
[root@«N:host» opt]# git clone https://oauth2:«S:glpat»@gitlab.«N:word».net/ops/runbooks.git
Cloning into 'runbooks'...
remote: Enumerating objects: «N:int,100,9000», done.
remote: Counting objects: 100% (412/412), done.
Receiving objects: 100% (1873/1873), 2.91 MiB | 11.2 MiB/s, done.
Resolving deltas: 100% (990/990), done.
[root@host opt]# exit

Script done on «N:datetime»+00:00 [COMMAND_EXIT_CODE="0"]
"""),
)

pos(
    "shell",
    "tmux capture-pane, heroku config",
    r"""~/src/«N:word» (main) $ heroku config -a «N:word»-prod
=== «N:word»-prod Config Vars

DATABASE_URL:            postgres://u«N:lownum,13»:p«S:hex,64»@ec2-«N:int,3,54»-«N:int,1,254»-«N:int,1,254»-«N:int,1,254».compute-1.amazonaws.com:5432/d«N:lownum,13»
LANG:                    en_US.UTF-8
RACK_ENV:                production
REDIS_TLS_URL:           rediss://:p«S:hex,64@r»@ec2-3-217-11-80.compute-1.amazonaws.com:«N:port»
SECRET_KEY_BASE:         «S:hex,128»
SENDGRID_API_KEY:        «S:sendgrid»
~/src/app (main) $ 
""",
)

pos(
    "shell",
    "tmux capture-pane, gcloud print-access-token",
    r"""user@cloudshell:~ («N:word»-«N:int,100000,999999»)$ gcloud auth print-access-token
«S:google_access»
user@cloudshell:~ (acme-123456)$ curl -s -H "Authorization: Bearer $(gcloud auth print-access-token)" https://storage.googleapis.com/storage/v1/b?project=acme-123456 | jq -r '.items[].name'
«N:word»-artifacts
«N:word»-tfstate
""",
)

pos(
    "shell",
    "tmux capture-pane, az get-access-token json",
    r"""PS /home/«N:user»> az account get-access-token --resource https://management.azure.com
{
  "accessToken": "«S:jwt_user»",
  "expiresOn": "«N:datetime».000000",
  "expires_on": «N:epoch»,
  "subscription": "«N:uuid»",
  "tenant": "«N:uuid»",
  "tokenType": "Bearer"
}
PS /home/dev> 
""",
)

pos(
    "shell",
    "script(1) typescript, kubectl create secret from literal",
    crlf(r"""Script started on «N:datetime»+00:00 [TERM="xterm-256color" TTY="/dev/pts/5" COLUMNS="«N:cols»" LINES="40"]
ops@bastion:~$ kubectl -n auth create secret generic oidc-client \
>   --from-literal=client-id=«N:google_client_id» \
>   --from-literal=client-secret=«S:gcp_client_secret» \
>   --dry-run=client -o yaml | kubectl apply -f -
secret/oidc-client created
ops@bastion:~$ 
Script done on «N:datetime»+00:00 [COMMAND_EXIT_CODE="0"]
"""),
)

pos(
    "shell",
    "tmux capture-pane, vault kv put with a value",
    r"""[ops@vault-admin ~]$ vault kv put -mount=secret apps/ledger db_user=ledger db_password='«S:pw_human»'
===== Secret Path =====
secret/data/apps/ledger

======= Metadata =======
Key                Value
---                -----
created_time       «N:iso9»
custom_metadata    <nil>
deletion_time      n/a
destroyed          false
version            «N:int,2,19»
[ops@vault-admin ~]$ 
""",
)

pos(
    "shell",
    "tmux capture-pane, op item get --reveal",
    r"""~ ❯ op item get "Prod DB" --vault Infra --fields label=username,label=password --reveal
postgres,«S:pw_random»
~ ❯ op item get "Prod DB" --vault Infra --format json | jq '.fields[] | select(.id=="notesPlain").value'
"rotated after the March incident, owner: platform team"
~ ❯ 
""",
)

pos(
    "shell",
    "tmux capture-pane, bitwarden cli get password",
    r"""$ export BW_SESSION="$(bw unlock --raw)"
? Master password: [hidden]
$ bw get password «N:uuid»
«S:pw_apple»
$ bw get username «N:uuid»
«N:user»@«N:word».io
$ 
""",
)

pos(
    "shell",
    "tmux capture-pane, pass show",
    r"""«N:user»@thinkpad:~$ pass show work/smtp-relay
«S:pw_human»
login: relay@«N:word».eu
url: smtp.«N:word».eu:587
«N:user»@thinkpad:~$ pass git log --oneline -2
«N:hex,7» Edit password for work/smtp-relay using vim.
«N:hex,7» Add given password for work/smtp-relay to store.
""",
)

pos(
    "shell",
    "script(1) typescript, sshpass deploy loop",
    crlf(r"""Script started on «N:datetime»+00:00 [TERM="xterm" TTY="/dev/pts/1" COLUMNS="«N:cols»" LINES="24"]
admin@jump:~$ for h in edge-1 edge-2 edge-3; do sshpass -p '«S:pw_human»' ssh -o StrictHostKeyChecking=no root@$h 'systemctl restart nginx && hostname'; done
edge-1
edge-2
edge-3
admin@jump:~$ exit
Script done on «N:datetime»+00:00 [COMMAND_EXIT_CODE="0"]
"""),
)

pos(
    "shell",
    "tmux capture-pane, ngrok and tailscale set-up",
    r"""pi@homelab:~ $ ngrok config add-authtoken «S:ngrok»
Authtoken saved to configuration file: /home/pi/.config/ngrok/ngrok.yml
pi@homelab:~ $ sudo tailscale up --authkey «S:tailscale» --advertise-exit-node
Warning: IP forwarding is disabled, subnet routing/exit nodes will not work.
pi@homelab:~ $ tailscale ip -4
100.«N:int,64,127».«N:int,0,255».«N:int,1,254»
""",
)

pos(
    "shell",
    "screen log with backspaces, typed password visible in mysql",
    crlf(r"""dba@db-3:~$ mysql -h 127.0.0.1 -u root -p«S:pw_random,18»  -e 'SHOW MASTER STATUS\G'
mysql: [Warning] Using a password on the command line interface can be insecure.
*************************** 1. row ***************************
             File: binlog.«N:digits,6»
         Position: «N:int,1000,999999»
     Binlog_Do_DB: 
 Executed_Gtid_Set: «N:uuid»:1-«N:int,1000,99999»
dba@db-3:~$ hisotry␈␈␈␈␈␈␈history | tail -3
  998  mysql -h 127.0.0.1 -u root -p«S:pw_random,18@m» -e 'SHOW MASTER STATUS\G'
  999  hisotry
 1000  history | tail -3
"""),
)

pos(
    "shell",
    "tmux capture-pane, env | grep output",
    r"""deploy@app-«N:int,1,9»:/srv/app$ env | grep -iE 'key|token|secret|pass'
OPENAI_API_KEY=«S:openai»
LANGSMITH_API_KEY=«S:langsmith»
PINECONE_API_KEY=«S:pinecone»
HISTCONTROL=ignoredups
SECRET_KEY=«S:django_key»
deploy@app-3:/srv/app$ 
""",
)

pos(
    "shell",
    "typescript, smbclient user%password",
    crlf(r"""[«N:user»@ws ~]$ smbclient //fs01.corp.local/finance -U 'CORP\svc_scan%«S:pw_human»' -c 'ls'
  .                                   D        0  Thu May  2 09:14:33 2024
  ..                                  D        0  Mon Apr 29 17:02:10 2024
  Q1-close.xlsx                       A   «N:int,10000,900000»  Tue Apr 30 11:47:05 2024

		«N:int,100000,9999999» blocks of size 4096. 1048576 blocks available
[«N:user»@ws ~]$ 
"""),
)

pos(
    "shell",
    "tmux capture-pane, ldapsearch -w",
    r"""root@idm-client:~# ldapsearch -x -H ldaps://ldap.«N:word».corp -D "cn=svc-gitlab,ou=service,dc=corp" -w '«S:pw_random»' -b "ou=people,dc=corp" "(uid=«N:user»)" mail
# extended LDIF
#
# LDAPv3
# base <ou=people,dc=corp> with scope subtree
# filter: (uid=alice)
# requesting: mail
#
dn: uid=alice,ou=people,dc=corp
mail: alice@corp.example

# numResponses: 2
""",
)

pos(
    "shell",
    "tmux capture-pane, htpasswd -b and cat",
    r"""$ htpasswd -nbB metrics «S:pw_human»
metrics:$2y$05$«N:b64url,53»

$ docker run --rm -e BASIC_AUTH_PASS=«S:pw_human@b» -p 9100:9100 «N:word»/exporter:1.4
level=info msg="basic auth enabled" user=metrics
""",
)

pos(
    "shell",
    "tmux capture-pane, openssl enc with -k",
    r"""backup@nas:~$ tar czf - /srv/db-dumps | openssl enc -aes-256-cbc -pbkdf2 -salt -k '«S:pw_human»' -out /mnt/offsite/db-«N:date».tgz.enc
backup@nas:~$ ls -la /mnt/offsite | tail -2
-rw-r--r-- 1 backup backup  «N:int,1000000,99999999» May  2 02:00 db-2024-05-01.tgz.enc
-rw-r--r-- 1 backup backup  91330122 May  3 02:00 db-2024-05-02.tgz.enc
""",
)

pos(
    "shell",
    "script(1) typescript, private key pasted with cat heredoc",
    crlf(r"""Script started on «N:datetime»+00:00 [TERM="xterm-256color" TTY="/dev/pts/3" COLUMNS="«N:cols»" LINES="40"]
ubuntu@ip-10-0-1-«N:int,2,254»:~$ cat > ~/.ssh/id_deploy <<'EOF'
> «S:openssh|lines,> |crlf»
> EOF
ubuntu@ip-10-0-1-25:~$ chmod 600 ~/.ssh/id_deploy
ubuntu@ip-10-0-1-25:~$ exit
Script done on «N:datetime»+00:00 [COMMAND_EXIT_CODE="0"]
"""),
)

pos(
    "shell",
    "tmux capture-pane, heroku auth:token",
    r"""~/src/«N:word» (main) $ heroku auth:token
 ›   Warning: token will expire «N:date»
 ›   Use heroku authorizations:create to generate a long-term token
«S:uuid»
~/src/app (main) $ 
""",
)

pos(
    "shell",
    "fish session pane, set -Ux of an api key",
    r"""Welcome to fish, the friendly interactive shell
Type help for instructions on how to use fish
«N:user»@studio ~> set -Ux HF_TOKEN «S:hf»
«N:user»@studio ~> set -Ux REPLICATE_API_TOKEN «S:replicate»
«N:user»@studio ~> python generate.py --model «N:word»-xl
Loading pipeline components...: 100%|██████████| 7/7 [00:0«N:int,1,9»<00:00,  1.12it/s]
""",
)

pos(
    "shell",
    "typescript, npm token create table",
    crlf(r"""$ npm token create --cidr=«N:ip»/32
┌────────────────┬──────────────────────────────────────────┐
│ token          │ «S:npm»                 │
├────────────────┼──────────────────────────────────────────┤
│ readonly       │ false                                    │
├────────────────┼──────────────────────────────────────────┤
│ cidr_whitelist │ 10.1.2.3/32                              │
├────────────────┼──────────────────────────────────────────┤
│ created        │ «N:iso»                 │
└────────────────┴──────────────────────────────────────────┘
$ 
"""),
)

pos(
    "shell",
    "tmux capture-pane, gh auth token",
    r"""nina@ws:~/src/«N:word»$ gh auth token
«S:gho»
nina@ws:~/src/app$ gh api user --jq .login
«N:user»
""",
)

pos(
    "shell",
    "typescript, docker exec into db env",
    crlf(r"""$ docker exec -it «N:hex,12» env
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HOSTNAME=«N:hex,12»
TERM=xterm
POSTGRES_USER=keycloak
POSTGRES_PASSWORD=«S:pw_random»
POSTGRES_DB=keycloak
PG_MAJOR=16
PGDATA=/var/lib/postgresql/data
HOME=/root
"""),
)

pos(
    "shell",
    "tmux capture-pane, curl api key in query and header",
    r"""$ curl -sS "https://api.openweathermap.org/data/2.5/weather?q=Berlin&appid=«S:hex,32»" | jq .main.temp
«N:int,1,30».«N:int,1,99»
$ curl -sS https://api.mistral.ai/v1/models -H "Authorization: Bearer «S:alnum,32»" | jq -r '.data[].id' | head -3
mistral-large-latest
mistral-small-latest
codestral-latest
""",
)

pos(
    "shell",
    "tmux capture-pane, rclone config show",
    r"""$ rclone config show b2
[b2]
type = b2
account = «N:hex,25»
key = «S:alnum,31»
hard_delete = true

$ rclone lsd b2:
          -1 «N:datetime»        -1 «N:word»-backups
""",
)

pos(
    "shell",
    "bash history, sentry and npm in one-liners",
    r"""  512  export SENTRY_AUTH_TOKEN=«S:sentry_token»
  513  npx @sentry/wizard@latest -i nextjs
  514  echo "//registry.npmjs.org/:_authToken=«S:npm»" >> ~/.npmrc
  515  npm publish --dry-run
  516  git push --follow-tags
""",
)

pos(
    "shell",
    "typescript, seed phrase shown by a wallet cli",
    crlf(r"""$ solana-keygen new --no-bip39-passphrase -o ~/.config/solana/devnet.json
Generating a new keypair
Wrote new keypair to /home/«N:user»/.config/solana/devnet.json
===============================================================================
pubkey: «N:b64url,44»
===============================================================================
Save this seed phrase to recover your new keypair:
«S:seed_phrase»
===============================================================================
"""),
)

pos(
    "shell",
    "tmux capture-pane, terraform output -raw of a password",
    r"""$ terraform output
admin_password = <sensitive>
db_host = "«N:word»-db.«N:lownum,12».eu-central-1.rds.amazonaws.com"
$ terraform output -raw admin_password; echo
«S:pw_random»
$ 
""",
)

pos(
    "shell",
    "script(1) typescript with cursor moves, token pasted at a prompt",
    crlf(r"""Script started on «N:datetime»+00:00 [TERM="xterm-256color" TTY="/dev/pts/4" COLUMNS="«N:cols»" LINES="40"]
$ gh auth login --with-token
␛[?2004h«S:gh_fine»␛[?2004l
$ gh auth status
github.com
  ␛[32m✓␛[0m Logged in to github.com account «N:user» (/home/«N:user»/.config/gh/hosts.yml)
Script done on «N:datetime»+00:00 [COMMAND_EXIT_CODE="0"]
"""),
)

pos(
    "shell",
    "tmux capture-pane, cat of a postman api key file",
    r"""$ cat ~/.postman/credentials
{"apiKey":"«S:postman»","workspace":"«N:uuid»"}
$ postman login --with-api-key "$(jq -r .apiKey ~/.postman/credentials)"
Logged in successfully.
""",
)

pos(
    "shell",
    "tmux capture-pane, wrangler secret put from echo",
    r"""$ echo «S:openai» | npx wrangler secret put OPENAI_KEY
 ⛅️ wrangler 3.«N:int,50,90».0
-------------------
🌀 Creating the secret for the Worker "«N:word»-api"
✨ Success! Uploaded secret OPENAI_KEY
""",
)

pos(
    "shell",
    "typescript, ssh with a key printed by mistake",
    crlf(r"""[deploy@ci ~]$ cat ~/.ssh/id_ecdsa
«S:pem_ec|crlf»
[deploy@ci ~]$ cat ~/.ssh/id_ecdsa.pub
ecdsa-sha2-nistp256 «N:b64bytes,104» deploy@ci
"""),
)

pos(
    "shell",
    "tmux capture-pane, kubectl exec printenv",
    r"""$ kubectl -n prod exec deploy/notifier -- printenv | sort | head -n 12
HOME=/home/app
HOSTNAME=notifier-«N:lownum,10»-«N:lownum,5»
KUBERNETES_PORT=tcp://10.96.0.1:443
NODE_ENV=production
SLACK_APP_TOKEN=«S:slack_app»
SLACK_BOT_TOKEN=«S:slack_bot»
SLACK_SIGNING_SECRET=«S:hex,32»
TZ=UTC
""",
)

pos(
    "shell",
    "tmux capture-pane, mc alias set with keys",
    r"""$ mc alias set minio https://minio.«N:word».lan «N:upnum,20» «S:alnum,40»
Added `minio` successfully.
$ mc ls minio
[«N:datetime» UTC]     0B backups/
[«N:datetime» UTC]     0B ml-datasets/
""",
)

pos(
    "shell",
    "screen log, lftp with password in open command",
    crlf(r"""$ lftp -u 'uploader,«S:pw_human»' sftp://files.«N:word».com
lftp uploader@files.«N:word».com:~> put release-«N:int,1,9».«N:int,0,20».0.zip
«N:int,1000000,9000000» bytes transferred in 3 seconds (1.18 MiB/s)
lftp uploader@files.«N:word».com:~> bye
"""),
)

pos(
    "shell",
    "tmux capture-pane, docker run with env flags",
    r"""$ docker run -d --name grafana -p 3000:3000 -e GF_SECURITY_ADMIN_USER=admin -e GF_SECURITY_ADMIN_PASSWORD='«S:pw_human»' -e GF_INSTALL_PLUGINS=grafana-clock-panel grafana/grafana:11.«N:int,0,3».0
«N:hex,64»
$ docker ps --format '{{.Names}}\t{{.Status}}'
grafana	Up 3 seconds
""",
)

pos(
    "shell",
    "typescript, pgp private key export",
    crlf(r"""$ gpg --armor --export-secret-keys «N:pgp_fpr»
«S:pgp_private|crlf»
$ gpg --list-secret-keys --keyid-format long
sec   rsa4096/«N:HEX,16» «N:date» [SC]
      «N:pgp_fpr»
uid                 [ultimate] Release Signing <release@«N:word».org>
"""),
)

pos(
    "shell",
    "tmux capture-pane, otpauth url from a qr decoder",
    r"""$ zbarimg --raw ~/Downloads/qr-«N:word».png
otpauth://totp/AWS:root-account?secret=«S:otp_seed»&issuer=AWS
scanned 1 barcode symbols from 1 images in 0.03 seconds
$ oathtool --totp -b «S:otp_seed@o2»
«N:digits,6»
""",
)

pos(
    "shell",
    "tmux capture-pane, ansible-vault view",
    r"""$ ansible-vault view group_vars/prod/vault.yml
Vault password: 
vault_db_password: «S:pw_random»
vault_smtp_password: «S:pw_human»
vault_api_token: «S:hex,40»
$ 
""",
)

pos(
    "shell",
    "powershell transcript, connect with a credential object",
    crlf(r"""PS C:\ops> $pw = ConvertTo-SecureString '«S:pw_human»' -AsPlainText -Force
PS C:\ops> $cred = New-Object System.Management.Automation.PSCredential ('CORP\svc-backup', $pw)
PS C:\ops> Invoke-Command -ComputerName FS01 -Credential $cred -ScriptBlock { Get-PSDrive C }

Name           Used (GB)     Free (GB) Provider      Root                                  CurrentLocation PSComputerName
----           ---------     --------- --------      ----                                  --------------- --------------
C                 «N:int,50,400».12        210.40 FileSystem    C:\                                  Users\svc-backup FS01
"""),
)

pos(
    "shell",
    "tmux capture-pane, docker login then cat config with plain auth",
    r"""$ echo «S:dockerhub@d» | docker login -u «N:user@u» --password-stdin
Login Succeeded
$ cat ~/.docker/config.json
{
        "auths": {
                "https://index.docker.io/v1/": {
                        "auth": "«S:basic,u,d»"
                }
        }
}$ 
""",
)

# plain negatives

neg(
    "plain",
    "github actions log, masked values and action shas",
    r"""«N:iso7» Current runner version: '2.3«N:int,10,20».0'
«N:iso7» ##[group]Operating System
«N:iso7» Ubuntu
«N:iso7» 22.04.4
«N:iso7» LTS
«N:iso7» ##[endgroup]
«N:iso7» ##[group]Runner Image
«N:iso7» Image: ubuntu-22.04
«N:iso7» Version: 2024«N:int,1000,1231».«N:int,1,9».0
«N:iso7» Included Software: https://github.com/actions/runner-images/blob/ubuntu22/20240422.1/images/ubuntu/Ubuntu2204-Readme.md
«N:iso7» ##[endgroup]
«N:iso7» ##[group]GITHUB_TOKEN Permissions
«N:iso7» Contents: read
«N:iso7» Metadata: read
«N:iso7» Packages: write
«N:iso7» ##[endgroup]
«N:iso7» Secret source: Actions
«N:iso7» Prepare workflow directory
«N:iso7» Prepare all required actions
«N:iso7» Getting action download info
«N:iso7» Download action repository 'actions/checkout@v4' (SHA:«N:sha1»)
«N:iso7» Download action repository 'docker/login-action@v3' (SHA:«N:sha1»)
«N:iso7» Complete job name: build
«N:iso7» ##[group]Run docker/login-action@v3
«N:iso7» with:
«N:iso7»   registry: ghcr.io
«N:iso7»   username: «N:user»
«N:iso7»   password: ***
«N:iso7»   logout: true
«N:iso7» ##[endgroup]
«N:iso7» Logging into ghcr.io...
«N:iso7» Login Succeeded!
""",
)

neg(
    "plain",
    "github actions log, add-mask of a variable kept unexpanded",
    r"""«N:iso7» ##[group]Run TOKEN=$(vault read -field=token auth/approle/login role_id="$ROLE_ID" secret_id="$SECRET_ID")
«N:iso7» TOKEN=$(vault read -field=token auth/approle/login role_id="$ROLE_ID" secret_id="$SECRET_ID")
«N:iso7» echo "::add-mask::$TOKEN"
«N:iso7» echo "VAULT_TOKEN=$TOKEN" >> "$GITHUB_ENV"
«N:iso7» shell: /usr/bin/bash -e {0}
«N:iso7» env:
«N:iso7»   VAULT_ADDR: https://vault.«N:word».internal:8200
«N:iso7»   ROLE_ID: ***
«N:iso7»   SECRET_ID: ***
«N:iso7» ##[endgroup]
«N:iso7» ##[group]Run ./scripts/migrate.sh
«N:iso7» ./scripts/migrate.sh
«N:iso7» shell: /usr/bin/bash -e {0}
«N:iso7» env:
«N:iso7»   VAULT_ADDR: https://vault.internal:8200
«N:iso7»   VAULT_TOKEN: ***
«N:iso7» ##[endgroup]
«N:iso7» applied 3 migrations («N:int,1,900» ms)
""",
)

neg(
    "plain",
    "github actions log, add-mask of a secrets expression",
    r"""«N:iso7» ##[group]Run echo "::add-mask::***"
«N:iso7» echo "::add-mask::***"
«N:iso7» echo "npm_config_//registry.npmjs.org/:_authToken=***" >> "$GITHUB_ENV"
«N:iso7» shell: /usr/bin/bash -e {0}
«N:iso7» ##[endgroup]
«N:iso7» ##[warning]Can't add secret mask for empty string in ##[add-mask] command.
«N:iso7» ##[debug]Evaluating: secrets.NPM_TOKEN
«N:iso7» ##[debug]Evaluating Index:
«N:iso7» ##[debug]..Evaluating secrets:
«N:iso7» ##[debug]..=> Object
«N:iso7» ##[debug]..Evaluating String:
«N:iso7» ##[debug]..=> 'NPM_TOKEN'
«N:iso7» ##[debug]=> '***'
«N:iso7» ##[debug]Result: '***'
""",
)

neg(
    "plain",
    "github actions log, setup-node placeholder auth token",
    r"""«N:iso7» ##[group]Run actions/setup-node@v4
«N:iso7» with:
«N:iso7»   node-version: 20
«N:iso7»   registry-url: https://npm.pkg.github.com
«N:iso7»   scope: @«N:word»
«N:iso7»   always-auth: false
«N:iso7»   check-latest: false
«N:iso7»   token: ***
«N:iso7» ##[endgroup]
«N:iso7» Found in cache @ /opt/hostedtoolcache/node/20.«N:int,10,19».1/x64
«N:iso7» ##[group]Environment details
«N:iso7» node: v20.12.2
«N:iso7» npm: 10.5.0
«N:iso7» yarn: 1.22.22
«N:iso7» ##[endgroup]
«N:iso7» ##[group]Run npm ci
«N:iso7» npm ci
«N:iso7» shell: /usr/bin/bash -e {0}
«N:iso7» env:
«N:iso7»   NPM_CONFIG_USERCONFIG: /home/runner/work/_temp/.npmrc
«N:iso7»   NODE_AUTH_TOKEN: XXXXX-XXXXX-XXXXX-XXXXX
«N:iso7» ##[endgroup]
«N:iso7» added «N:int,300,1900» packages, and audited 1312 packages in 21s
""",
)

neg(
    "plain",
    "github actions log, oidc role assumption and ids",
    r"""«N:iso7» ##[group]Run aws-actions/configure-aws-credentials@v4
«N:iso7» with:
«N:iso7»   role-to-assume: arn:aws:iam::«N:digits,12»:role/gha-deploy
«N:iso7»   aws-region: eu-west-1
«N:iso7»   audience: sts.amazonaws.com
«N:iso7» ##[endgroup]
«N:iso7» Assuming role with OIDC
«N:iso7» Authenticated as assumedRoleId AROA«N:upnum,17»:GitHubActions
«N:iso7» ##[group]Run aws sts get-caller-identity
«N:iso7» aws sts get-caller-identity
«N:iso7» shell: /usr/bin/bash -e {0}
«N:iso7» env:
«N:iso7»   AWS_DEFAULT_REGION: eu-west-1
«N:iso7»   AWS_REGION: eu-west-1
«N:iso7»   AWS_ACCESS_KEY_ID: ***
«N:iso7»   AWS_SECRET_ACCESS_KEY: ***
«N:iso7»   AWS_SESSION_TOKEN: ***
«N:iso7» ##[endgroup]
«N:iso7» {
«N:iso7»     "UserId": "AROA«N:upnum,17»:GitHubActions",
«N:iso7»     "Account": "«N:digits,12»",
«N:iso7»     "Arn": "arn:aws:sts::«N:digits,12»:assumed-role/gha-deploy/GitHubActions"
«N:iso7» }
""",
)

neg(
    "plain",
    "github actions log, cache keys and artifact digests",
    r"""«N:iso7» ##[group]Run actions/cache@v4
«N:iso7» with:
«N:iso7»   path: ~/.cache/pip
«N:iso7»   key: Linux-pip-«N:sha256»
«N:iso7» ##[endgroup]
«N:iso7» Received «N:int,1000000,99999999» of 48237912 (100.0%), «N:int,10,90».«N:int,1,9» MBs/sec
«N:iso7» Cache Size: ~46 MB (48237912 B)
«N:iso7» [command]/usr/bin/tar -xf /home/runner/work/_temp/«N:uuid»/cache.tzst -P -C /home/runner/work/api/api --use-compress-program unzstd
«N:iso7» Cache restored successfully
«N:iso7» Cache restored from key: Linux-pip-«N:sha256»
«N:iso7» Artifact app-dist has been successfully uploaded! Final size is «N:int,1000,999999» bytes. Artifact ID is «N:digits,10»
«N:iso7» Artifact download URL: https://github.com/«N:user»/«N:word»/actions/runs/«N:digits,10»/artifacts/«N:digits,10»
«N:iso7» SHA256 digest of uploaded artifact zip is «N:sha256»
""",
)

neg(
    "plain",
    "gitlab ci trace, masked variables and image digests",
    r"""Running with gitlab-runner 17.«N:int,0,5».«N:int,0,3» («N:hex,8»)
  on shared-runner-«N:int,1,40» «N:alnum,8», system ID: r_«N:alnum,12»
Resolving secrets
Preparing the "docker+machine" executor
Using Docker executor with image ruby:3.3 ...
Pulling docker image ruby:3.3 ...
Using docker image «N:digest» for ruby:3.3 with digest ruby@«N:digest» ...
Preparing environment
Running on runner-«N:lownum,8»-project-«N:int,1000,99999»-concurrent-0 via runner-«N:lownum,8»-srm-«N:digits,10»-«N:hex,8»...
Getting source from Git repository
Fetching changes with git depth set to 20...
Initialized empty Git repository in /builds/shop/storefront/.git/
Created fresh repository.
Checking out «N:hex,8» as detached HEAD (ref is refs/merge-requests/«N:int,10,999»/head)...
Skipping Git submodules setup
Executing "step_script" stage of the job script
$ echo "deploying with token $DEPLOY_TOKEN to $DEPLOY_HOST"
deploying with token [MASKED] to deploy.«N:word».dev
$ bundle exec rake release
Job succeeded
""",
)

neg(
    "plain",
    "gitlab ci trace, artifact upload with a short token prefix",
    r"""Uploading artifacts for successful job
Uploading artifacts...
coverage/: found «N:int,10,400» matching artifact files and directories
junit.xml: found 1 matching artifact files and directories
Uploading artifacts as "archive" to coordinator... 201 Created  correlation_id=«N:ulid» id=«N:digits,10» responseStatus=201 Created token=«N:alnum,8»
Uploading artifacts as "junit" to coordinator... 201 Created  correlation_id=«N:ulid» id=«N:digits,10» responseStatus=201 Created token=«N:alnum,8»
Cleaning up project directory and file based variables
Job succeeded
""",
)

neg(
    "plain",
    "gitlab ci trace, registry login from stdin",
    r"""$ echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
WARNING! Your password will be stored unencrypted in /root/.docker/config.json.
Configure a credential helper to remove this warning. See
https://docs.docker.com/engine/reference/commandline/login/#credentials-store

Login Succeeded
$ docker build --pull -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .
#12 writing image «N:digest» done
#12 naming to registry.gitlab.com/«N:word»/api:«N:hex,8» done
$ docker push "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA"
«N:hex,8»: digest: «N:digest» size: 2204
""",
)

neg(
    "plain",
    "jenkins console, withCredentials masking",
    r"""[Pipeline] withCredentials
Masking supported pattern matches of $NEXUS_PASSWORD or $NEXUS_USER
[Pipeline] {
[Pipeline] sh
Warning: A secret was passed to "sh" using Groovy String interpolation, which is insecure.
		 Affected argument(s) used the following variable(s): [NEXUS_PASSWORD]
		 See https://jenkins.io/redirect/groovy-string-interpolation for details.
+ curl -fsS -u ****:**** --upload-file target/app-«N:int,1,9».«N:int,0,20».jar https://nexus.«N:word».corp/repository/releases/app.jar
[Pipeline] }
[Pipeline] // withCredentials
[Pipeline] End of Pipeline
Finished: SUCCESS
""",
)

neg(
    "plain",
    "jenkins console, checkout with revisions",
    r"""Started by GitHub push by «N:user»
Obtained Jenkinsfile from git https://github.com/«N:word»/api.git
[Pipeline] Start of Pipeline
[Pipeline] node
Running on agent-«N:int,1,20» in /home/jenkins/workspace/api_main
[Pipeline] {
[Pipeline] stage
[Pipeline] { (Declarative: Checkout SCM)
[Pipeline] checkout
Selected Git installation does not exist. Using Default
using credential github-app-«N:word»
 > git rev-parse --resolve-git-dir /home/jenkins/workspace/api_main/.git # timeout=10
Fetching changes from the remote Git repository
 > git config remote.origin.url https://github.com/acme/api.git # timeout=10
Checking out Revision «N:sha1» (refs/remotes/origin/main)
Commit message: "Merge pull request #«N:int,100,999» from acme/fix/retry-backoff"
First time build. Skipping changelog.
""",
)

neg(
    "plain",
    "kubectl logs, app redacts its own config",
    r"""«N:iso9» {"level":"info","ts":«N:epochf»,"msg":"config loaded","database_url":"postgres://app:********@pg:5432/app","api_key":"[REDACTED]","stripe_key":"«N:masked_stripe»"}
«N:iso9» {"level":"info","ts":«N:epochf»,"msg":"listening","addr":":8080","trace_id":"«N:hex,32»"}
«N:iso9» {"level":"info","ts":«N:epochf»,"msg":"request","method":"POST","path":"/v1/tokens","status":201,"request_id":"«N:uuid»","duration_ms":«N:int,2,90»}
""",
)

neg(
    "plain",
    "syslog, sshd accepted publickey with fingerprint",
    r"""«N:syslog» bastion sshd[«N:pid»]: Connection from «N:pubip» port «N:port» on 10.0.0.4 port 22 rdomain ""
«N:syslog» bastion sshd[«N:pid»]: Accepted publickey for deploy from 203.0.113.9 port 51622 ssh2: ED25519 «N:ssh_fp»
«N:syslog» bastion sshd[«N:pid»]: pam_unix(sshd:session): session opened for user deploy(uid=1002) by (uid=0)
«N:syslog» bastion systemd-logind[«N:pid»]: New session «N:int,100,9999» of user deploy.
«N:syslog» bastion sshd[«N:pid»]: Failed password for invalid user admin from «N:pubip» port «N:port» ssh2
""",
)

neg(
    "plain",
    "syslog, sudo running secret-manager lookups",
    r"""«N:syslog» ops-1 sudo:    «N:user» : TTY=pts/0 ; PWD=/home/ops ; USER=root ; COMMAND=/usr/bin/vault kv get -field=password secret/db/prod
«N:syslog» ops-1 sudo:    «N:user» : TTY=pts/0 ; PWD=/home/ops ; USER=root ; COMMAND=/usr/local/bin/aws secretsmanager get-secret-value --secret-id prod/api/stripe --query SecretString
«N:syslog» ops-1 sudo: pam_unix(sudo:session): session opened for user root(uid=0) by ops(uid=1001)
""",
)

neg(
    "plain",
    "syslog, postfix sasl login names only",
    r"""«N:syslog» mx2 postfix/smtpd[«N:pid»]: connect from unknown[«N:pubip»]
«N:syslog» mx2 postfix/smtpd[«N:pid»]: «N:HEX,10»: client=unknown[«N:pubip»], sasl_method=PLAIN, sasl_username=alerts@«N:word».io
«N:syslog» mx2 postfix/cleanup[«N:pid»]: «N:HEX,10»: message-id=<«N:epoch».«N:hex,16»@«N:word».io>
«N:syslog» mx2 postfix/qmgr[«N:pid»]: «N:HEX,10»: from=<alerts@«N:word».io>, size=«N:int,1000,90000», nrcpt=1 (queue active)
«N:syslog» mx2 postfix/smtp[«N:pid»]: «N:HEX,10»: to=<oncall@«N:word».io>, relay=aspmx.l.google.com[142.250.«N:int,1,200».«N:int,1,200»]:25, delay=0.9, status=sent (250 2.0.0 OK «N:epoch» «N:alnum,20».«N:int,100,999» - gsmtp)
""",
)

neg(
    "plain",
    "journalctl, docker daemon pulls by digest",
    r"""«N:syslog» node-4 dockerd[«N:pid»]: time="«N:isosec»" level=info msg="Pulling image ghcr.io/«N:word»/api@«N:digest»"
«N:syslog» node-4 dockerd[«N:pid»]: time="«N:isosec»" level=info msg="loading plugin \"io.containerd.event.v1.exchange\"..." type=io.containerd.event.v1
«N:syslog» node-4 containerd[«N:pid»]: time="«N:isosec»" level=info msg="ImageCreate event name:\"«N:digest»\" labels:{key:\"io.cri-containerd.image\" value:\"managed\"}"
«N:syslog» node-4 containerd[«N:pid»]: time="«N:isosec»" level=info msg="shim disconnected" id=«N:hex,64» namespace=moby
""",
)

neg(
    "plain",
    "aider chat history, key moved to an environment variable",
    r"""
# aider chat started at «N:datetime»

> /home/«N:user»/.local/bin/aider --model gpt-4o
> Aider v0.«N:int,60,86».0
> Main model: gpt-4o with diff edit format
> Git repo: .git with «N:int,40,900» files

#### stop hard-coding the api key, read it from the environment

app/client.py
```python
<<<<<<< SEARCH
client = OpenAI(api_key="sk-...")
=======
client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
>>>>>>> REPLACE
```

> Tokens: «N:int,2,19»k sent, «N:int,100,900» received. Cost: $0.0«N:int,1,9» message, $0.«N:int,10,99» session.
> Applied edit to app/client.py
> Commit «N:hex,7» refactor: read OPENAI_API_KEY from the environment
""",
)

neg(
    "plain",
    "aider chat history, git log and token counts",
    r"""#### /run git log --oneline -5

> «N:hex,7» (HEAD -> main) feat: retry webhooks with backoff
> «N:hex,7» fix: verify Stripe-Signature before parsing
> «N:hex,7» chore: bump stripe to 9.«N:int,1,9».0
> «N:hex,7» test: webhook fixtures
> «N:hex,7» docs: STRIPE_WEBHOOK_SECRET in README
> Add command output to the chat? (Y)es/(N)o [Yes]: n

#### /tokens

> Approximate context window usage for claude-3-5-sonnet-20241022, in tokens:
> $ 0.0066    2,196 system messages
> $ 0.0021      712 repository map     use --map-tokens to resize
> $ 0.0114    3,803 app/webhooks.py    /drop to remove
> ==================
> $ 0.0201    6,711 tokens total
>           193,289 tokens remaining in context window
>           200,000 tokens max context window size
""",
)

neg(
    "plain",
    "docker logs, postgres auth failure",
    r"""PostgreSQL Database directory appears to contain a database; Skipping initialization

«N:datetime».«N:int,100,999» UTC [1] LOG:  starting PostgreSQL 16.«N:int,1,4» (Debian 16.3-1.pgdg120+1) on x86_64-pc-linux-gnu
«N:datetime».«N:int,100,999» UTC [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432
«N:datetime».«N:int,100,999» UTC [1] LOG:  database system is ready to accept connections
«N:datetime».«N:int,100,999» UTC [«N:pid»] FATAL:  password authentication failed for user "app"
«N:datetime».«N:int,100,999» UTC [«N:pid»] DETAIL:  Connection matched file "/var/lib/postgresql/data/pg_hba.conf" line 128: "host all all all scram-sha-256"
""",
)

neg(
    "plain",
    "vault token lookup by accessor",
    r"""$ vault token lookup -accessor «N:alnum,24»
Key                 Value
---                 -----
accessor            «N:alnum,24»
creation_time       «N:epoch»
creation_ttl        768h
display_name        approle
entity_id           «N:uuid»
expire_time         «N:isooff»
explicit_max_ttl    0s
id                  n/a
issue_time          «N:isooff»
meta                map[role_name:ci-deployer]
num_uses            0
orphan              true
path                auth/approle/login
policies            [default deploy]
renewable           true
ttl                 767h59m«N:int,10,59»s
type                service
""",
)

neg(
    "plain",
    "vault operator unseal progress",
    r"""$ vault operator unseal
Unseal Key (will be hidden): 
Key                Value
---                -----
Seal Type          shamir
Initialized        true
Sealed             true
Total Shares       5
Threshold          3
Unseal Progress    1/3
Unseal Nonce       «N:uuid»
Version            1.«N:int,14,17».2
Build Date         «N:isosec»
Storage Type       raft
HA Enabled         true
""",
)

neg(
    "plain",
    "terraform plan, sensitive values hidden",
    r"""  # aws_secretsmanager_secret_version.api will be updated in-place
  ~ resource "aws_secretsmanager_secret_version" "api" {
        id             = "arn:aws:secretsmanager:eu-west-1:«N:digits,12»:secret:prod/api-«N:alnum,6»|«N:uuid»"
      ~ secret_string  = (sensitive value)
      ~ version_id     = "«N:uuid»" -> (known after apply)
        # (3 unchanged attributes hidden)
    }

  # random_password.db will be created
  + resource "random_password" "db" {
      + bcrypt_hash = (sensitive value)
      + id          = (known after apply)
      + length      = 32
      + result      = (sensitive value)
      + special     = true
    }

Plan: 1 to add, 1 to change, 0 to destroy.
""",
)

neg(
    "plain",
    "npm config list, protected auth token",
    r"""; "user" config from /home/runner/work/_temp/.npmrc

//npm.pkg.github.com/:_authToken = (protected)
@«N:word»:registry = "https://npm.pkg.github.com/"
always-auth = true

; node bin location = /opt/hostedtoolcache/node/20.«N:int,10,19».0/x64/bin/node
; node version = v20.12.2
; npm local prefix = /home/runner/work/web/web
; npm version = 10.5.0
; cwd = /home/runner/work/web/web
; HOME = /home/runner
; Run `npm config ls -l` to show all defaults.
""",
)

neg(
    "plain",
    "pip install log, index url password masked",
    r"""Looking in indexes: https://pypi.org/simple, https://__token__:****@pkgs.dev.azure.com/«N:word»/_packaging/internal/pypi/simple/
Collecting «N:word»-sdk==2.«N:int,0,20».«N:int,0,9» (from -r requirements.txt (line 4))
  Downloading https://pkgs.dev.azure.com/acme/_packaging/«N:uuid»/pypi/download/acme-sdk/2.4.1/acme_sdk-2.4.1-py3-none-any.whl («N:int,20,900» kB)
Collecting httpx>=0.27 (from -r requirements.txt (line 2))
  Using cached httpx-0.27.0-py3-none-any.whl.metadata (7.2 kB)
Successfully installed acme-sdk-2.4.1 anyio-4.3.0 httpx-0.27.0
""",
)

neg(
    "plain",
    "celery worker banner, broker password masked",
    r""" -------------- celery@worker-«N:lownum,5» v5.«N:int,2,4».«N:int,0,6» (opalescent)
--- ***** ----- 
-- ******* ---- Linux-6.1.0-«N:int,10,30»-cloud-amd64-x86_64-with-glibc2.36 «N:datetime»
- *** --- * --- 
- ** ---------- [config]
- ** ---------- .> app:         billing:0x7f«N:hex,10»
- ** ---------- .> transport:   amqp://billing:**@rabbitmq:5672/billing
- ** ---------- .> results:     redis://redis:6379/1
- *** --- * --- .> concurrency: 4 (prefork)
-- ******* ---- .> task events: OFF (enable -E to monitor tasks in this worker)
--- ***** ----- 
 -------------- [queues]
                .> invoices         exchange=invoices(direct) key=invoices
""",
)

neg(
    "plain",
    "buildkit log, secret mount without a value",
    r"""#9 [4/8] RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci --omit=dev
#9 «N:int,1,9».«N:int,100,999» added 612 packages in 19s
#9 DONE 21.4s

#10 [5/8] RUN --mount=type=ssh git clone git@github.com:«N:word»/private-lib.git /opt/lib
#10 0.402 Cloning into '/opt/lib'...
#10 DONE 1.9s

#13 exporting to image
#13 exporting layers 3.1s done
#13 writing image «N:digest» done
#13 naming to ghcr.io/«N:word»/web:sha-«N:hex,7» done
#13 DONE 3.2s
""",
)

neg(
    "plain",
    "kubectl logs, cert-manager issued certificate",
    r"""«N:iso9» I0502 «N:hmsms»       1 conditions.go:263] Setting lastTransitionTime for CertificateRequest "api-tls-1" condition "Ready" to «N:isosec»
«N:iso9» I0502 «N:hmsms»       1 acme.go:233] "certificate issued" logger="cert-manager.controller.sign" resource_name="api-tls-1" resource_namespace="prod" serial="«N:hex,36»"
«N:iso9» I0502 «N:hmsms»       1 trigger_controller.go:215] "Not re-issuing certificate as an attempt was made recently" key="prod/api-tls" renewal_time="«N:isosec»" fingerprint="«N:sha256»"
""",
)

neg(
    "plain",
    "kubectl logs, gitlab runner registration with token id",
    r"""«N:iso9» Runtime platform                                    arch=amd64 os=linux pid=«N:int,7,40» revision=«N:hex,8» version=17.0.0
«N:iso9» Registering runner... succeeded                     correlation_id=«N:ulid» runner=«N:alnum,8»
«N:iso9» Runner registered successfully. Feel free to start it, but if it's running already the config should be automatically reloaded!
«N:iso9» Configuration (with the authentication token) was saved in "/home/gitlab-runner/.gitlab-runner/config.toml"
«N:iso9» Configuration loaded                                builds=0 max_builds=10
«N:iso9» Checking for jobs... received                       job=«N:digits,10» repo_url=https://gitlab.com/«N:word»/api.git runner=«N:alnum,8»
""",
)

neg(
    "plain",
    "argo cd sync log with revisions",
    r"""TIMESTAMP                  GROUP        KIND   NAMESPACE                  NAME    STATUS    HEALTH        HOOK  MESSAGE
«N:isosec»            Service   prod                       api     Synced    Healthy
«N:isosec»   apps  Deployment     prod                       api   OutOfSync  Progressing        deployment.apps/api configured

Name:               argocd/api-prod
Project:            default
Server:             https://kubernetes.default.svc
Namespace:          prod
Sync Status:        Synced to main («N:hex,7»)
Health Status:      Healthy
Operation:          Sync
Sync Revision:      «N:sha1»
Phase:              Succeeded
""",
)

neg(
    "plain",
    "aws codebuild log, parameter store references",
    r"""[Container] «N:datetime» Running on CodeBuild On-demand
[Container] «N:datetime» Waiting for agent ping
[Container] «N:datetime» Phase is DOWNLOAD_SOURCE
[Container] «N:datetime» CODEBUILD_SRC_DIR=/codebuild/output/src«N:digits,9»/src
[Container] «N:datetime» Processing environment variables
[Container] «N:datetime» Decrypting parameter store environment variables
[Container] «N:datetime» Moving to directory /codebuild/output/src«N:digits,9»/src
[Container] «N:datetime» Running command echo "DOCKERHUB_TOKEN is set: ${DOCKERHUB_TOKEN:+yes}"
DOCKERHUB_TOKEN is set: yes
[Container] «N:datetime» Running command aws ecr get-login-password | docker login --username AWS --password-stdin «N:digits,12».dkr.ecr.eu-west-1.amazonaws.com
Login Succeeded
""",
)

neg(
    "plain",
    "circleci step output, context variables masked",
    r"""#!/bin/bash -eo pipefail
echo "Using context org-global: AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:0:4}…"
echo "Token length: ${#CIRCLE_TOKEN}"
Using context org-global: AWS_ACCESS_KEY_ID=«N:akid_head»
Token length: «N:int,38,44»

CircleCI received exit code 0
""",
)

neg(
    "plain",
    "journalctl, systemd credentials loaded by name",
    r"""«N:syslog» api-1 systemd[1]: Starting api.service - Orders API...
«N:syslog» api-1 systemd[1]: api.service: Loaded credential 'db-password' from /etc/credstore.encrypted/db-password.cred
«N:syslog» api-1 systemd[1]: api.service: Loaded credential 'stripe-key' from /etc/credstore.encrypted/stripe-key.cred
«N:syslog» api-1 api[«N:pid»]: reading credentials from $CREDENTIALS_DIRECTORY=/run/credentials/api.service
«N:syslog» api-1 systemd[1]: Started api.service - Orders API.
""",
)

neg(
    "plain",
    "kubectl logs, external-secrets sync events",
    r"""«N:iso9» {"level":"info","ts":«N:epochf»,"logger":"provider.aws.secretsmanager","msg":"fetching secret","key":"prod/payments/stripe","version":"AWSCURRENT"}
«N:iso9» {"level":"info","ts":«N:epochf»,"logger":"controllers.ExternalSecret","msg":"reconciled secret","ExternalSecret":{"name":"stripe","namespace":"payments"},"hash":"«N:md5»"}
«N:iso9» {"level":"info","ts":«N:epochf»,"logger":"controllers.ExternalSecret","msg":"secret data updated","keys":["api-key","webhook-secret"],"refreshInterval":"1h"}
""",
)

neg(
    "plain",
    "nginx error log, login request without body",
    r"""«N:datetime» [error] 29#29: *«N:int,1000,99999» upstream timed out (110: Connection timed out) while reading response header from upstream, client: «N:pubip», server: api.«N:word».io, request: "POST /v1/auth/login HTTP/2.0", upstream: "http://10.0.3.14:8080/v1/auth/login", host: "api.acme.io", referrer: "https://app.acme.io/login?next=%2Fbilling"
«N:datetime» [warn] 29#29: *«N:int,1000,99999» an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/«N:int,1,9»/04/0000000«N:int,100,999» while reading upstream
""",
)

neg(
    "plain",
    "github actions log, dependabot secret names",
    r"""«N:iso7» ##[group]Run dependabot/fetch-metadata@v2
«N:iso7» with:
«N:iso7»   github-token: ***
«N:iso7»   alert-lookup: false
«N:iso7»   compat-lookup: false
«N:iso7» ##[endgroup]
«N:iso7» Parsing Dependabot metadata
«N:iso7» Outputting metadata for 1 updated dependency
«N:iso7» outputs.dependency-names: aws-sdk-s3
«N:iso7» outputs.update-type: version-update:semver-minor
«N:iso7» outputs.previous-version: 1.«N:int,100,150».0
«N:iso7» outputs.new-version: 1.151.0
«N:iso7» outputs.compatibility-score: 0
""",
)

neg(
    "plain",
    "aider chat history, env example added",
    r"""#### add an .env.example so new devs know what to set

.env.example
```
<<<<<<< SEARCH
=======
DATABASE_URL=postgres://app:app@localhost:5432/app
STRIPE_SECRET_KEY=sk_test_replace_me
STRIPE_WEBHOOK_SECRET=
SENTRY_DSN=
>>>>>>> REPLACE
```

> Applied edit to .env.example
> Commit «N:hex,7» docs: add .env.example
""",
)

neg(
    "plain",
    "kubectl logs, request log with trace ids",
    r"""«N:iso9» 10.244.«N:int,0,9».«N:int,2,250» - - [«N:clf»] "GET /api/v2/orders?page=3 HTTP/1.1" 200 «N:int,100,9000» "-" "okhttp/4.12.0" rt=0.0«N:int,10,99» trace_id=«N:hex,32» span_id=«N:hex,16»
«N:iso9» 10.244.1.17 - - [«N:clf»] "POST /api/v2/orders HTTP/1.1" 201 «N:int,100,900» "-" "okhttp/4.12.0" rt=0.1«N:int,10,99» trace_id=«N:hex,32» span_id=«N:hex,16»
«N:iso9» 10.244.1.17 - - [«N:clf»] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.30" rt=0.000 trace_id=- span_id=-
""",
)

neg(
    "plain",
    "sentry cli release output with ids",
    r"""> Found 12 files
> Analyzing 12 sources
> Rewriting sources
> Adding source map references
> Bundled 12 files for upload
> Bundle ID: «N:uuid»
> Uploaded files to Sentry
> File upload complete (processing pending on server)
> Organization: «N:word»
> Project: web
> Release: «N:sha1»
> Dist: None
> Upload type: artifact bundle
Source Map Upload Report
  Scripts
    ~/_next/static/chunks/«N:int,100,999»-«N:hex,16».js (sourcemap at «N:int,100,999»-«N:hex,16».js.map, debug id «N:uuid»)
""",
)

# shell negatives

neg(
    "shell",
    "script(1) typescript, token length and presence checks",
    crlf(r"""Script started on «N:datetime»+00:00 [TERM="xterm-256color" TTY="/dev/pts/«N:int,0,9»" COLUMNS="«N:cols»" LINES="40"]
␛[?2004h␛]0;«N:user@u»@devbox: ~/src/api␇␛[01;32m«=u»@devbox␛[00m:␛[01;34m~/src/api␛[00m$ echo ${#GITHUB_TOKEN}
␛[?2004l
40
␛[?2004h␛]0;«=u»@devbox: ~/src/api␇␛[01;32m«=u»@devbox␛[00m:␛[01;34m~/src/api␛[00m$ printenv | grep -c TOKEN
␛[?2004l
3
␛[?2004h␛]0;«=u»@devbox: ~/src/api␇␛[01;32m«=u»@devbox␛[00m:␛[01;34m~/src/api␛[00m$ env | grep -E 'TOKEN|KEY' | sed 's/=.*/=***/'
␛[?2004l
GITHUB_TOKEN=***
NPM_TOKEN=***
OPENAI_API_KEY=***
SENTRY_AUTH_TOKEN=***
␛[?2004h␛]0;«=u»@devbox: ~/src/api␇␛[01;32m«=u»@devbox␛[00m:␛[01;34m~/src/api␛[00m$ exit
␛[?2004l
Script done on «N:datetime»+00:00 [COMMAND_EXIT_CODE="0"]
"""),
)

neg(
    "shell",
    "tmux capture-pane, gh auth status with masked token",
    r"""«N:user»@ws:~/src/«N:word»$ gh auth status
github.com
  ✓ Logged in to github.com account «N:user» (keyring)
  - Active account: true
  - Git operations protocol: ssh
  - Token: «N:masked_gho»
  - Token scopes: 'admin:public_key', 'gist', 'read:org', 'repo', 'workflow'
«N:user»@ws:~/src/app$ 
""",
)

neg(
    "shell",
    "tmux capture-pane, aws configure list masked",
    r"""$ aws configure list --profile sandbox
      Name                    Value             Type    Location
      ----                    -----             ----    --------
   profile                  sandbox           manual    --profile
access_key     ****************«N:upnum,4» shared-credentials-file
secret_key     ****************«N:alnum,4» shared-credentials-file
    region                eu-west-1      config-file    ~/.aws/config
$ aws sts get-caller-identity --profile sandbox
{
    "UserId": "AIDA«N:upnum,17»",
    "Account": "«N:digits,12»",
    "Arn": "arn:aws:iam::«N:digits,12»:user/«N:user»"
}
""",
)

neg(
    "shell",
    "script(1) typescript, ssh-keygen output with randomart",
    crlf(r"""Script started on «N:datetime»+00:00 [TERM="xterm-256color" TTY="/dev/pts/1" COLUMNS="«N:cols»" LINES="40"]
«N:user»@laptop:~$ ssh-keygen -t ed25519 -C "«N:user»@«N:word».dev" -f ~/.ssh/id_work
Generating public/private ed25519 key pair.
Enter passphrase (empty for no passphrase): 
Enter same passphrase again: 
Your identification has been saved in /home/dev/.ssh/id_work
Your public key has been saved in /home/dev/.ssh/id_work.pub
The key fingerprint is:
«N:ssh_fp» dev@acme.dev
The key's randomart image is:
+--[ED25519 256]--+
|      .o+*B=o.   |
|     . +=*=+o    |
|      o *o*o .   |
|     . = Bo .    |
|      o S +.     |
|     . + o .E    |
|      o . o.o    |
|       . ..+.    |
|        ...o.    |
+----[SHA256]-----+
«N:user»@laptop:~$ cat ~/.ssh/id_work.pub
«N:ssh_pub»
Script done on «N:datetime»+00:00 [COMMAND_EXIT_CODE="0"]
"""),
)

neg(
    "shell",
    "tmux capture-pane, kubectl config view redacted",
    r"""$ kubectl config view
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: DATA+OMITTED
    server: https://«N:upnum,32».gr7.eu-west-1.eks.amazonaws.com
  name: arn:aws:eks:eu-west-1:«N:digits,12»:cluster/prod
contexts:
- context:
    cluster: arn:aws:eks:eu-west-1:«N:digits,12»:cluster/prod
    user: ci
  name: prod
current-context: prod
kind: Config
preferences: {}
users:
- name: ci
  user:
    client-certificate-data: DATA+OMITTED
    client-key-data: DATA+OMITTED
    token: REDACTED
""",
)

neg(
    "shell",
    "tmux capture-pane, 1password cli conceals by default",
    r"""~ ❯ op item get "Stripe live" --vault Payments
ID:          «N:lownum,26»
Title:       Stripe live
Vault:       Payments («N:lownum,26»)
Created:     3 months ago
Updated:     2 weeks ago by «N:user»
Favorite:    false
Version:     «N:int,2,12»
Category:    API_CREDENTIAL
Fields:
  username:    payments-svc
  credential:  [use 'op item get «N:lownum,26» --reveal' to reveal]
  type:        secret
  hostname:    api.stripe.com
~ ❯ 
""",
)

neg(
    "shell",
    "tmux capture-pane, wg show with hidden private key",
    r"""root@vpn:~# wg show
interface: wg0
  public key: «N:b64bytes,32»
  private key: (hidden)
  listening port: 51820

peer: «N:b64bytes,32»
  preshared key: (hidden)
  endpoint: «N:pubip»:«N:port»
  allowed ips: 10.8.0.2/32
  latest handshake: 41 seconds ago
  transfer: 1.«N:int,10,99» GiB received, 311.«N:int,10,99» MiB sent
""",
)

neg(
    "shell",
    "zsh extended history, secrets read from managers",
    r""": «N:epoch»:0;export OPENAI_API_KEY="$(op read 'op://Private/OpenAI/credential')"
: «N:epoch»:0;export GITHUB_TOKEN=$(gh auth token)
: «N:epoch»:0;export AWS_PROFILE=sandbox
: «N:epoch»:2;aws sso login
: «N:epoch»:0;export DATABASE_URL="$(vault kv get -field=url secret/dev/db)"
: «N:epoch»:0;pnpm dev
""",
)

neg(
    "shell",
    "bash history, keys and references only",
    r"""#«N:epoch»
ssh-add -l
#«N:epoch»
gpg --list-keys --keyid-format long
#«N:epoch»
git config --global user.signingkey «N:HEX,16»
#«N:epoch»
git commit -S -m "sign release notes"
#«N:epoch»
kubectl get secret api-env -o jsonpath='{.data}' | jq 'keys'
""",
)

neg(
    "shell",
    "tmux capture-pane, ssh-add -l and agent keys",
    r"""$ ssh-add -l
256 «N:ssh_fp» «N:user»@laptop (ED25519)
3072 «N:ssh_fp» deploy@ci (RSA)
$ ssh -T git@github.com
Hi «N:user»! You've successfully authenticated, but GitHub does not provide shell access.
$ ssh-keygen -lf ~/.ssh/known_hosts | head -2
256 «N:ssh_fp» github.com (ED25519)
256 «N:ssh_fp» gitlab.com (ED25519)
""",
)

neg(
    "shell",
    "script(1) typescript, gpg key generation summary",
    crlf(r"""$ gpg --quick-gen-key "Release Bot <release@«N:word».org>" ed25519 sign 2y
We need to generate a lot of random bytes. It is a good idea to perform
some other action (type on the keyboard, move the mouse, utilize the
disks) during the prime generation; this gives the random number
generator a better chance to gain enough entropy.
gpg: revocation certificate stored as '/home/bot/.gnupg/openpgp-revocs.d/«N:pgp_fpr».rev'
public and secret key created and signed.

pub   ed25519 «N:date» [SC] [expires: 2026-05-02]
      «N:pgp_fpr»
uid                      Release Bot <release@acme.org>
"""),
)

neg(
    "shell",
    "tmux capture-pane, sha256sum and cosign verify",
    r"""$ sha256sum dist/*.tar.gz
«N:sha256»  dist/cli-«N:int,1,3».«N:int,0,20».0-linux-amd64.tar.gz
«N:sha256»  dist/cli-1.8.0-darwin-arm64.tar.gz
$ cosign verify-blob --key cosign.pub --signature dist/checksums.txt.sig dist/checksums.txt
Verified OK
$ cat cosign.pub
«N:pubkey»
""",
)

neg(
    "shell",
    "tmux capture-pane, terraform output sensitive",
    r"""$ terraform output
admin_password = <sensitive>
api_key = <sensitive>
bucket = "«N:word»-assets-«N:hex,8»"
cloudfront_id = "E«N:upnum,13»"
db_endpoint = "«N:word».«N:lownum,12».eu-central-1.rds.amazonaws.com:5432"
$ terraform output -json api_key | jq 'length'
64
""",
)

neg(
    "shell",
    "typescript, docker login with stdin and warnings",
    crlf(r"""$ aws ecr get-login-password --region eu-west-1 | docker login --username AWS --password-stdin «N:digits,12».dkr.ecr.eu-west-1.amazonaws.com
WARNING! Your password will be stored unencrypted in /home/ci/.docker/config.json.
Configure a credential helper to remove this warning. See
https://docs.docker.com/engine/reference/commandline/login/#credentials-store

Login Succeeded
$ docker push «N:digits,12».dkr.ecr.eu-west-1.amazonaws.com/api:«N:hex,7»
The push refers to repository [«N:digits,12».dkr.ecr.eu-west-1.amazonaws.com/api]
«N:hex,12»: Pushed
«N:hex,7»: digest: «N:digest» size: 1789
"""),
)

neg(
    "shell",
    "tmux capture-pane, docker config with credential helper",
    r"""$ cat ~/.docker/config.json
{
  "auths": {
    "ghcr.io": {},
    "https://index.docker.io/v1/": {}
  },
  "credsStore": "desktop",
  "currentContext": "desktop-linux",
  "plugins": {
    "-x-cli-hints": {
      "enabled": "true"
    }
  }
}$ docker-credential-desktop list
{"https://index.docker.io/v1/":"«N:user»","ghcr.io":"«N:user»"}
""",
)

neg(
    "shell",
    "tmux capture-pane, security find-generic-password without -w",
    r"""$ security find-generic-password -s "gh:github.com"
keychain: "/Users/«N:user»/Library/Keychains/login.keychain-db"
version: 512
class: "genp"
attributes:
    0x00000007 <blob>="gh:github.com"
    0x00000008 <blob>=<NULL>
    "acct"<blob>="«N:user»"
    "cdat"<timedate>=0x«N:HEX,28»  "«N:digits,14»Z\000"
    "svce"<blob>="gh:github.com"
$ 
""",
)

neg(
    "shell",
    "powershell transcript, secret management references",
    crlf(r"""**********************
PowerShell transcript start
Start time: «N:digits,14»
Username: CORP\«N:user»
Machine: WS-«N:int,1000,9999» (Microsoft Windows NT 10.0.22631.0)
PSVersion: 7.4.«N:int,1,5»
**********************
PS C:\ops> Get-SecretInfo -Vault KeyVaultProd | Select-Object Name, Type
Name               Type
----               ----
sql-admin-password SecureString
stripe-api-key     SecureString
PS C:\ops> $pw = Get-Secret -Name sql-admin-password -Vault KeyVaultProd
PS C:\ops> $pw
System.Security.SecureString
PS C:\ops> $pw.Length
24
"""),
)

neg(
    "shell",
    "tmux capture-pane, direnv export names",
    r"""~/src/«N:word» ❯ cd .
direnv: loading ~/src/app/.envrc
direnv: using op
direnv: export +AWS_PROFILE +DATABASE_URL +OPENAI_API_KEY +STRIPE_SECRET_KEY ~PATH
~/src/app ❯ direnv status | head -4
direnv exec path /opt/homebrew/bin/direnv
DIRENV_CONFIG /Users/dev/.config/direnv
bash_path /bin/bash
disable_stdin false
""",
)

neg(
    "shell",
    "tmux capture-pane, cat .env.example placeholders",
    r"""$ cat .env.example
# copy to .env and fill in
DATABASE_URL=postgres://postgres:postgres@localhost:5432/app_dev
OPENAI_API_KEY=sk-...
STRIPE_SECRET_KEY=<your-stripe-secret-key>
GITHUB_TOKEN=
SENTRY_DSN=
JWT_SECRET=changeme
$ cp .env.example .env
""",
)

neg(
    "shell",
    "script(1) typescript, vault status and kv metadata",
    crlf(r"""$ vault status
Key                     Value
---                     -----
Seal Type               awskms
Recovery Seal Type      shamir
Initialized             true
Sealed                  false
Total Recovery Shares   5
Threshold               3
Version                 1.«N:int,14,17».«N:int,0,9»
Storage Type            raft
Cluster Name            vault-cluster-«N:hex,8»
Cluster ID              «N:uuid»
HA Enabled              true
HA Mode                 active
$ vault kv metadata get secret/apps/ledger | head -6
========== Metadata Path ==========
secret/metadata/apps/ledger
"""),
)

neg(
    "shell",
    "tmux capture-pane, rclone config with obscured pass",
    r"""$ rclone config show nas
[nas]
type = sftp
host = nas.«N:word».lan
user = backup
pass = *** ENCRYPTED ***
shell_type = unix
md5sum_command = md5sum
$ rclone about nas:
Total:   «N:int,2,16».«N:int,100,999» TiB
Used:    2.118 TiB
""",
)

neg(
    "shell",
    "tmux capture-pane, git log with signatures",
    r"""$ git log --show-signature -2
commit «N:sha1» (HEAD -> main, origin/main)
Good "git" signature for «N:user»@«N:word».dev with ED25519 key «N:ssh_fp»
Author: «N:user» <dev@acme.dev>
Date:   «N:httpdate»

    ci: pin actions to full-length SHAs

commit «N:sha1»
gpg: Signature made «N:httpdate»
gpg:                using EDDSA key «N:pgp_fpr»
gpg: Good signature from "Release Bot <release@acme.org>" [ultimate]
""",
)

neg(
    "shell",
    "tmux capture-pane, kubectl get secret metadata only",
    r"""$ kubectl -n payments get secrets
NAME                  TYPE                             DATA   AGE
stripe-api            Opaque                           2      91d
webhook-signing       Opaque                           1      91d
regcred               kubernetes.io/dockerconfigjson   1      301d
sh.helm.release.v1.payments.v«N:int,10,99»   helm.sh/release.v1               1      2d
$ kubectl -n payments describe secret stripe-api
Name:         stripe-api
Namespace:    payments
Labels:       app.kubernetes.io/managed-by=external-secrets
Annotations:  reconcile.external-secrets.io/data-hash: «N:md5»

Type:  Opaque

Data
====
key:             «N:int,100,110» bytes
webhook-secret:  38 bytes
""",
)

neg(
    "shell",
    "screen log, ansible-vault encrypted file cat",
    crlf(r"""$ cat group_vars/prod/vault.yml
«N:ansible_vault»
$ ansible-vault view group_vars/prod/vault.yml --vault-password-file ~/.vault_pass.sh | wc -l
14
"""),
)

neg(
    "shell",
    "tmux capture-pane, sops decrypt to keys only",
    r"""$ sops -d secrets.enc.yaml | yq 'keys'
- database_password
- stripe_key
- sentry_dsn
$ grep -A1 stripe_key secrets.enc.yaml
stripe_key: «N:sops»
sops:
""",
)

neg(
    "shell",
    "bash history, commands naming secrets",
    r"""  601  gh secret list --repo «N:user»/«N:word»
  602  gh secret set NPM_TOKEN --repo «N:user»/«N:word» < /dev/stdin
  603  kubectl create secret generic api-env --from-env-file=.env.prod --dry-run=client -o yaml | kubeseal -o yaml > sealed-api-env.yaml
  604  git add sealed-api-env.yaml
  605  aws secretsmanager describe-secret --secret-id prod/api --query 'RotationEnabled'
""",
)

neg(
    "shell",
    "tmux capture-pane, openssl certificate inspection",
    r"""$ openssl s_client -connect api.«N:word».io:443 -servername api.«N:word».io </dev/null 2>/dev/null | openssl x509 -noout -subject -issuer -fingerprint -sha256 -dates
subject=CN = api.acme.io
issuer=C = US, O = Let's Encrypt, CN = R11
sha256 Fingerprint=«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»:«N:HEX,2»
notBefore=Apr  2 11:04:19 2024 GMT
notAfter=Jul  1 11:04:18 2024 GMT
""",
)

neg(
    "shell",
    "typescript, pip hashes in a requirements install",
    crlf(r"""$ pip install --require-hashes -r requirements.lock
Collecting certifi==2024.2.2 (from -r requirements.lock (line 7))
  Using cached certifi-2024.2.2-py3-none-any.whl (163 kB)
Collecting cryptography==42.0.«N:int,2,8» (from -r requirements.lock (line 12))
  Downloading cryptography-42.0.5-cp39-abi3-manylinux_2_28_x86_64.whl (4.6 MB)
ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.
    cryptography==42.0.5 from https://files.pythonhosted.org/packages/«N:hex,2»/«N:hex,2»/«N:hex,60»/cryptography-42.0.5-cp39-abi3-manylinux_2_28_x86_64.whl:
        Expected sha256 «N:sha256»
             Got        «N:sha256»
"""),
)

neg(
    "shell",
    "tmux capture-pane, stripe cli config masked keys",
    r"""$ stripe config --list
[default]
  account_id = 'acct_«N:alnum,16»'
  device_name = '«N:user»-mbp'
  display_name = '«N:word» Inc.'
  live_mode_api_key = '«N:masked_stripe»'
  test_mode_api_key = '«N:masked_stripe»'
  test_mode_key_expires_at = '«N:date»'
$ 
""",
)

neg(
    "shell",
    "tmux capture-pane, az account show ids",
    r"""$ az account show
{
  "environmentName": "AzureCloud",
  "homeTenantId": "«N:uuid»",
  "id": "«N:uuid»",
  "isDefault": true,
  "managedByTenants": [],
  "name": "Payments-Prod",
  "state": "Enabled",
  "tenantDefaultDomain": "«N:word».onmicrosoft.com",
  "tenantId": "«N:uuid»",
  "user": {
    "name": "«N:user»@«N:word».com",
    "type": "user"
  }
}
""",
)

neg(
    "shell",
    "screen log, progress bars and carriage returns",
    crlf(r"""$ docker pull ghcr.io/«N:word»/worker:«N:hex,7»
«N:hex,7»: Pulling from «N:word»/worker
«N:hex,12»: Pulling fs layer
«N:hex,12»: Downloading  12.58MB/29.13MB␍«N:hex,12»: Downloading  29.13MB/29.13MB␍«N:hex,12»: Download complete
«N:hex,12»: Pull complete
Digest: «N:digest»
Status: Downloaded newer image for ghcr.io/acme/worker:«N:hex,7»
"""),
)

neg(
    "shell",
    "tmux capture-pane, git credential helper config",
    r"""$ git config --global --list | grep -i cred
credential.helper=osxkeychain
credential.https://dev.azure.com.usehttppath=true
$ printf 'protocol=https\nhost=github.com\n' | git credential-osxkeychain get | sed 's/^password=.*/password=<hidden>/'
username=«N:user»
password=<hidden>
""",
)

neg(
    "shell",
    "typescript, mkcert install output",
    crlf(r"""$ mkcert -install
Created a new local CA 💥
The local CA is now installed in the system trust store! ⚡️
$ mkcert localhost 127.0.0.1 ::1

Created a new certificate valid for the following names 📜
 - "localhost"
 - "127.0.0.1"
 - "::1"

The certificate is at "./localhost+2.pem" and the key at "./localhost+2-key.pem" ✅

It will expire on «N:int,1,28» August 2026 🗓
"""),
)

neg(
    "shell",
    "tmux capture-pane, helm get values with references",
    r"""$ helm get values api -n prod
USER-SUPPLIED VALUES:
env:
  DATABASE_URL:
    secretKeyRef:
      key: url
      name: api-db
  STRIPE_SECRET_KEY:
    secretKeyRef:
      key: key
      name: stripe-api
image:
  digest: «N:digest»
  repository: ghcr.io/«N:word»/api
replicaCount: 3
""",
)

# --- yaml: fish history, Insomnia exports, kubectl -o yaml, Ansible's yaml callback, tool configs -----

pos(
    "yaml",
    "fish_history, set -gx of tokens",
    r"""- cmd: cd ~/src/«N:word»-infra
  when: «N:epoch»
- cmd: set -gx GITLAB_TOKEN «S:glpat»
  when: «N:epoch»
- cmd: glab mr list --assignee=@me
  when: «N:epoch»
- cmd: set -gx HCLOUD_TOKEN «S:alnum,64»
  when: «N:epoch»
- cmd: hcloud server list
  when: «N:epoch»
- cmd: vim terraform/main.tf
  when: «N:epoch»
  paths:
    - terraform/main.tf
""",
)

pos(
    "yaml",
    "fish_history, curl with an api key header",
    r"""- cmd: curl -s https://api.anthropic.com/v1/models -H "x-api-key: «S:anthropic»" -H "anthropic-version: 2023-06-01" | jq '.data[].id'
  when: «N:epoch»
- cmd: history merge
  when: «N:epoch»
- cmd: code .
  when: «N:epoch»
""",
)

pos(
    "yaml",
    "insomnia v5 yaml export, bearer header and env",
    r"""type: collection.insomnia.rest/5.0
name: «N:word» API
meta:
  id: wrk_«N:hex,32»
  created: «N:epochms»
  modified: «N:epochms»
collection:
  - url: "{{ _.base_url }}/v1/invoices"
    name: List invoices
    meta:
      id: req_«N:hex,32»
      created: «N:epochms»
      modified: «N:epochms»
      isPrivate: false
      sortKey: -«N:epochms»
    method: GET
    headers:
      - name: Authorization
        value: Bearer «S:jwt_user»
      - name: User-Agent
        value: insomnia/9.«N:int,0,3».0
    settings:
      renderRequestBody: true
      encodeUrl: true
      followRedirects: global
environments:
  name: Base Environment
  meta:
    id: env_«N:hex,32»
    created: «N:epochms»
    modified: «N:epochms»
    isPrivate: false
  data:
    base_url: https://api.«N:word».io
    client_secret: «S:alnum,40»
""",
)

pos(
    "yaml",
    "kubectl get pod -o yaml, literal env values",
    r"""apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: "«N:isosec»"
  generateName: mailer-«N:lownum,10»-
  labels:
    app: mailer
    pod-template-hash: «N:lownum,10»
  name: «N:pod,mailer»
  namespace: notifications
  resourceVersion: "«N:digits,8»"
  uid: «N:uuid»
spec:
  containers:
  - env:
    - name: SMTP_HOST
      value: smtp.postmarkapp.com
    - name: SMTP_USER
      value: «S:uuid@k»
    - name: SMTP_PASSWORD
      value: «=k»
    - name: POSTMARK_SERVER_TOKEN
      value: «=k»
    image: ghcr.io/«N:word»/mailer@«N:digest»
    imagePullPolicy: IfNotPresent
    name: mailer
""",
)

pos(
    "yaml",
    "kubectl get secret -o yaml, base64 data",
    r"""apiVersion: v1
data:
  password: «S:pw_random@p|b64»
  username: «N:user|b64»
  api-token: «S:hex,40@t|b64»
kind: Secret
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","kind":"Secret","metadata":{"annotations":{},"name":"registry-creds","namespace":"ci"},"stringData":{"api-token":"«=t»","password":"«=p»","username":"ci"}}
  creationTimestamp: "«N:isosec»"
  name: registry-creds
  namespace: ci
  resourceVersion: "«N:digits,8»"
  uid: «N:uuid»
type: Opaque
""",
)

pos(
    "yaml",
    "kubectl get configmap -o yaml, credentials in a configmap",
    r"""apiVersion: v1
data:
  application.yaml: |
    server:
      port: 8080
    spring:
      datasource:
        url: jdbc:mysql://mysql.shop.svc:3306/shop
        username: shop
        password: '«S:pw_random»'
      rabbitmq:
        host: rabbitmq.shop.svc
        username: shop
        password: «S:pw_human»
kind: ConfigMap
metadata:
  creationTimestamp: "«N:isosec»"
  name: shop-config
  namespace: shop
  resourceVersion: "«N:digits,8»"
  uid: «N:uuid»
""",
)

pos(
    "yaml",
    "ansible yaml callback, debug of a registered result",
    r"""TASK [debug] ******************************************************************
ok: [app-«N:int,1,9»] => 
  msg:
    changed: false
    failed: false
    json:
      auth:
        client_token: «S:vault»
        lease_duration: 2764800
        policies:
        - default
        - app
        renewable: true
      request_id: «N:uuid»
    status: 200
    url: https://vault.«N:word».internal:8200/v1/auth/approle/login

TASK [render config] ***********************************************************
changed: [app-1]
""",
)

pos(
    "yaml",
    "ansible yaml callback, failed task with module args",
    r"""TASK [postgresql_user : create replication user] ********************************
fatal: [pg-2]: FAILED! => changed=false 
  invocation:
    module_args:
      db: postgres
      login_host: localhost
      login_password: «S:pw_human»
      login_user: postgres
      name: replicator
      password: «S:pw_random@r»
      role_attr_flags: REPLICATION
  msg: 'unable to connect to database: connection to server at "localhost" (127.0.0.1), port 5432 failed: FATAL:  password authentication failed for user "postgres"'

PLAY RECAP *********************************************************************
pg-2                       : ok=4    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0
""",
)

pos(
    "yaml",
    "docker compose config output, resolved environment",
    r"""name: «N:word»
services:
  api:
    build:
      context: /home/«N:user»/src/«N:word»
      dockerfile: Dockerfile
    depends_on:
      db:
        condition: service_healthy
        required: true
    environment:
      DATABASE_URL: postgresql://app:«S:pw_human|url»@db:5432/app
      OPENAI_API_KEY: «S:openai»
      REDIS_URL: redis://cache:6379/0
    networks:
      default: null
    ports:
      - mode: ingress
        target: 8000
        published: "8000"
        protocol: tcp
  db:
    environment:
      POSTGRES_PASSWORD: «S:pw_human@db»
      POSTGRES_USER: app
    image: postgres:16
networks:
  default:
    name: app_default
""",
)

pos(
    "yaml",
    "argo get -o yaml, workflow parameters",
    r"""metadata:
  creationTimestamp: "«N:isosec»"
  generateName: nightly-etl-
  name: nightly-etl-«N:lownum,5»
  namespace: argo
  uid: «N:uuid»
spec:
  arguments:
    parameters:
    - name: warehouse-dsn
      value: snowflake://etl_user:«S:pw_random|url»@«N:lownum,7»-«N:lownum,7».snowflakecomputing.com/ANALYTICS/PUBLIC?warehouse=ETL_WH
    - name: run-date
      value: "«N:date»"
  entrypoint: main
status:
  finishedAt: "«N:isosec»"
  phase: Succeeded
  progress: 6/6
  startedAt: "«N:isosec»"
""",
)

pos(
    "yaml",
    "tekton taskrun yaml, param value",
    r"""apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: publish-chart-run-«N:lownum,5»
  namespace: ci
spec:
  params:
  - name: chart-repo
    value: https://charts.«N:word».io
  - name: chart-repo-password
    value: «S:artifactory»
  taskRef:
    kind: Task
    name: helm-push
status:
  completionTime: "«N:isosec»"
  conditions:
  - lastTransitionTime: "«N:isosec»"
    message: All Steps have completed executing
    reason: Succeeded
    status: "True"
    type: Succeeded
  podName: publish-chart-run-«N:lownum,5»-pod
""",
)

pos(
    "yaml",
    "serverless print, resolved ssm parameters",
    r"""service: «N:word»-api
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs20.x
  region: eu-west-1
  stage: prod
  environment:
    STAGE: prod
    TWILIO_ACCOUNT_SID: «N:twilio_sid»
    TWILIO_AUTH_TOKEN: «S:twilio_token»
    SENDGRID_API_KEY: «S:sendgrid»
    TABLE_NAME: orders-prod
functions:
  notify:
    handler: src/notify.handler
    events:
      - sqs:
          arn: arn:aws:sqs:eu-west-1:«N:digits,12»:orders-prod
""",
)

pos(
    "yaml",
    "rails credentials:show output",
    r"""# aws:
#   access_key_id: 123
#   secret_access_key: 345

# Used as the base secret for all MessageVerifiers in Rails, including the one protecting cookies.
secret_key_base: «S:hex,128»

active_record_encryption:
  primary_key: «S:alnum,32»
  deterministic_key: «S:alnum,32»
  key_derivation_salt: «S:alnum,32»

aws:
  access_key_id: «N:aws_akid»
  secret_access_key: «S:aws_secret»
""",
)

pos(
    "yaml",
    "salt pillar.items yaml output",
    r"""web-«N:int,1,9».«N:word».lan:
    ----------
    mysql:
        ----------
        host:
            db.«N:word».lan
        user:
            wordpress
        password:
            «S:pw_human»
    smtp:
        ----------
        relay:
            smtp.mailgun.org
        password:
            «S:mailgun»
""",
)

pos(
    "yaml",
    "ansible-inventory --list --yaml, host vars",
    r"""all:
  children:
    routers:
      hosts:
        edge-rtr-«N:int,1,9»:
          ansible_connection: ansible.netcommon.network_cli
          ansible_host: «N:ip»
          ansible_network_os: cisco.ios.ios
          ansible_password: «S:pw_human»
          ansible_become_password: «S:pw_random@en»
          ansible_user: netops
    ungrouped: {}
""",
)

pos(
    "yaml",
    "gh hosts.yml with an oauth token",
    r"""github.com:
    users:
        «N:user»:
            oauth_token: «S:gho»
    git_protocol: https
    oauth_token: «S:gho@t»
    user: «N:user»
""",
)

pos(
    "yaml",
    "glab config.yml with a token",
    r"""git_protocol: ssh
editor: vim
browser:
glamour_style: dark
check_update: false
display_hyperlinks: false
host: gitlab.com
hosts:
    gitlab.com:
        token: «S:glpat»
        api_host: gitlab.com
        git_protocol: ssh
        api_protocol: https
        user: «N:user»
    gitlab.«N:word».dev:
        token: «S:glpat»
        api_protocol: https
        user: «N:user»
""",
)

pos(
    "yaml",
    "goose secrets.yaml fallback store",
    r"""ANTHROPIC_API_KEY: «S:anthropic»
OPENAI_API_KEY: «S:openai»
GITHUB_PERSONAL_ACCESS_TOKEN: «S:gh_fine»
""",
)

pos(
    "yaml",
    "continue config.yaml with model api keys",
    r"""name: Local Assistant
version: 1.0.0
schema: v1
models:
  - name: Claude Sonnet
    provider: anthropic
    model: claude-sonnet-4-20250514
    apiKey: «S:anthropic»
    roles:
      - chat
      - edit
  - name: Codestral
    provider: mistral
    model: codestral-latest
    apiKey: «S:alnum,32»
    roles:
      - autocomplete
context:
  - provider: code
  - provider: docs
""",
)

pos(
    "yaml",
    "aider conf yml with keys",
    r"""## Specify the OpenAI API key
openai-api-key: «S:openai»

## Specify the Anthropic API key
anthropic-api-key: «S:anthropic»

## Specify the model to use for the main chat
model: sonnet

## Enable/disable auto commit of LLM changes (default: True)
auto-commits: false

## Specify a file to edit (can be used multiple times)
read:
  - CONVENTIONS.md
""",
)

pos(
    "yaml",
    "cloud-init query userdata, passwords and keys",
    r"""#cloud-config
hostname: «N:word»-«N:int,1,9»
users:
  - name: ops
    groups: sudo
    shell: /bin/bash
    lock_passwd: false
    plain_text_passwd: «S:pw_human»
    ssh_authorized_keys:
      - «N:ssh_pub»
chpasswd:
  expire: false
  users:
    - name: root
      password: «S:pw_random@root»
      type: text
ssh_keys:
  ed25519_private: |
    «S:openssh|indent,4»
  ed25519_public: «N:ssh_pub»
""",
)

pos(
    "yaml",
    "netplan config with a wifi password",
    r"""network:
  version: 2
  renderer: NetworkManager
  wifis:
    wlp2s0:
      dhcp4: true
      access-points:
        "«N:word»-5G":
          password: "«S:pw_human»"
        "Office-Guest":
          auth:
            key-management: psk
            password: "«S:pw_apple»"
""",
)

pos(
    "yaml",
    "prometheus remote_write with basic auth",
    r"""global:
  scrape_interval: 30s
  external_labels:
    cluster: «N:word»-prod
remote_write:
  - url: https://prometheus-prod-«N:int,10,40»-prod-eu-west-2.grafana.net/api/prom/push
    basic_auth:
      username: "«N:digits,7»"
      password: «S:grafana_sa»
    queue_config:
      max_samples_per_send: 2000
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['localhost:9100']
""",
)

pos(
    "yaml",
    "alertmanager config with webhook urls",
    r"""global:
  resolve_timeout: 5m
  slack_api_url: https://hooks.slack.com/services/T«N:upnum,10»/B«N:upnum,10»/«S:slack_hook»
route:
  receiver: slack-ops
  group_by: [alertname, cluster]
receivers:
  - name: slack-ops
    slack_configs:
      - channel: '#ops-alerts'
        send_resolved: true
  - name: pagerduty
    pagerduty_configs:
      - routing_key: «S:hex,32»
  - name: teams
    webhook_configs:
      - url: https://«N:word».webhook.office.com/webhookb2/«N:uuid»@«N:uuid»/IncomingWebhook/«S:teams_hook»
""",
)

pos(
    "yaml",
    "grafana datasource provisioning with secure json data",
    r"""apiVersion: 1
datasources:
  - name: Postgres
    type: postgres
    url: pg.«N:word».internal:5432
    user: grafana_ro
    jsonData:
      database: metrics
      sslmode: require
    secureJsonData:
      password: «S:pw_random»
  - name: Loki
    type: loki
    url: https://logs-prod-eu-west-0.grafana.net
    basicAuth: true
    basicAuthUser: "«N:digits,6»"
    secureJsonData:
      basicAuthPassword: «S:grafana_sa»
""",
)

pos(
    "yaml",
    "opentelemetry collector config with auth headers",
    r"""receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
exporters:
  otlphttp/honeycomb:
    endpoint: https://api.honeycomb.io
    headers:
      x-honeycomb-team: «S:alnum,22»
  otlphttp/newrelic:
    endpoint: https://otlp.eu01.nr-data.net
    headers:
      api-key: «S:hex,40»
service:
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [otlphttp/honeycomb, otlphttp/newrelic]
""",
)

pos(
    "yaml",
    "argocd repo credentials in argocd-cm dump",
    r"""apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
data:
  url: https://argocd.«N:word».io
  repositories: |
    - url: https://github.com/«N:word»/deploy.git
      username: x-access-token
      password: «S:ghp»
    - url: https://gitlab.com/«N:word»/charts.git
      username: argocd
      password: «S:glpat»
  dex.config: |
    connectors:
    - type: github
      id: github
      name: GitHub
      config:
        clientID: «N:hex,20»
        clientSecret: «S:hex,40»
""",
)

pos(
    "yaml",
    "gitlab runner helm values with token",
    r"""gitlabUrl: https://gitlab.«N:word».dev/
runnerToken: "«S:glrt»"
rbac:
  create: true
concurrent: 10
runners:
  config: |
    [[runners]]
      [runners.kubernetes]
        namespace = "{{.Release.Namespace}}"
        image = "alpine:3.20"
      [runners.cache]
        Type = "s3"
        [runners.cache.s3]
          ServerAddress = "minio.«N:word».lan"
          AccessKey = "«N:upnum,20»"
          SecretKey = "«S:alnum,40»"
          BucketName = "runner-cache"
""",
)

pos(
    "yaml",
    "kubeconfig with client key data",
    r"""apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: «N:cert|b64»
    server: https://«N:ip»:6443
  name: homelab
contexts:
- context:
    cluster: homelab
    user: admin
  name: homelab
current-context: homelab
users:
- name: admin
  user:
    client-certificate-data: «N:cert|b64»
    client-key-data: «S:pem_ec|b64»
""",
)

pos(
    "yaml",
    "k3s registries.yaml with auth",
    r"""mirrors:
  docker.io:
    endpoint:
      - "https://registry.«N:word».lan"
configs:
  "registry.«N:word».lan":
    auth:
      username: k3s-pull
      password: «S:pw_random»
    tls:
      insecure_skip_verify: false
  "ghcr.io":
    auth:
      username: «N:user»
      password: «S:ghp»
""",
)

pos(
    "yaml",
    "home assistant secrets.yaml",
    r"""# Use this file to store secrets like usernames and passwords.
# Learn more at https://www.home-assistant.io/docs/configuration/secrets/
latitude: 52.«N:digits,4»
longitude: 13.«N:digits,4»
mqtt_password: «S:pw_human»
wifi_password: «S:pw_apple»
telegram_bot_token: «S:telegram»
nuki_token: «S:alnum,20»
""",
)

pos(
    "yaml",
    "concourse fly get-pipeline with interpolated vars",
    r"""resources:
- name: repo
  type: git
  icon: github
  source:
    uri: https://github.com/«N:word»/api.git
    branch: main
    username: ci-bot
    password: «S:ghp»
- name: image
  type: registry-image
  source:
    repository: «N:word»/api
    username: ci
    password: «S:dockerhub»
jobs:
- name: build
  plan:
  - get: repo
    trigger: true
""",
)

pos(
    "yaml",
    "circleci config process output with env",
    r"""# Original config.yml file:
# version: 2.1
# ...
version: 2
jobs:
  deploy:
    docker:
    - image: cimg/node:20.12
      auth:
        username: «N:user»
        password: «S:dockerhub»
    environment:
      VERCEL_ORG_ID: team_«N:alnum,24»
      VERCEL_TOKEN: «S:alnum,24»
    steps:
    - checkout
    - run:
        command: npx vercel deploy --prod --token=$VERCEL_TOKEN
workflows:
  version: 2
""",
)

pos(
    "yaml",
    "buildkite pipeline upload dry run with env",
    r"""steps:
- label: ":rocket: deploy"
  command: scripts/deploy.sh
  env:
    FASTLY_API_TOKEN: «S:b64url,32»
    DEPLOY_ENV: production
  agents:
    queue: deploy
  plugins:
  - docker-login#v3.0.0:
      username: buildkite
      password-env: DOCKER_LOGIN_PASSWORD
- wait
""",
)

pos(
    "yaml",
    "helm get values --all, computed secrets",
    r"""COMPUTED VALUES:
auth:
  database: app
  enablePostgresUser: true
  existingSecret: ""
  password: «S:pw_random»
  postgresPassword: «S:pw_random@pp»
  username: app
architecture: standalone
image:
  registry: docker.io
  repository: bitnami/postgresql
  tag: 16.«N:int,1,4».0-debian-12-r«N:int,1,30»
primary:
  persistence:
    size: 20Gi
""",
)

pos(
    "yaml",
    "kustomize build output, generated secret",
    r"""apiVersion: v1
data:
  DB_PASSWORD: «S:pw_human@p|b64»
  JWT_SECRET: «S:hex,64@j|b64»
kind: Secret
metadata:
  labels:
    app: api
  name: api-env-«N:lownum,10»
  namespace: staging
type: Opaque
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: staging
""",
)

pos(
    "yaml",
    "spring cloud config server yaml response",
    r"""spring:
  datasource:
    password: '«S:pw_random»'
    url: jdbc:postgresql://orders-db:5432/orders
    username: orders
  kafka:
    properties:
      sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="«N:upnum,16»" password="«S:b64url,64»";
      sasl.mechanism: PLAIN
      security.protocol: SASL_SSL
""",
)

pos(
    "yaml",
    "docker stack config with inline env",
    r"""version: "3.12"
services:
  traefik:
    command:
      - --certificatesresolvers.le.acme.dnschallenge.provider=cloudflare
    environment:
      CF_API_EMAIL: ops@«N:word».io
      CF_DNS_API_TOKEN: «S:cloudflare»
    image: traefik:v3.«N:int,0,2»
  wiki:
    environment:
      DB_PASS: «S:pw_human»
      DB_TYPE: postgres
    image: ghcr.io/requarks/wiki:2
""",
)

pos(
    "yaml",
    "promptfoo config with provider keys",
    r"""description: RAG answer quality
providers:
  - id: openai:gpt-4o-mini
    config:
      apiKey: «S:openai»
      temperature: 0
  - id: groq:llama-3.1-70b-versatile
    config:
      apiKey: «S:groq»
prompts:
  - file://prompts/answer.txt
tests: file://tests/cases.yaml
""",
)

pos(
    "yaml",
    "flux kustomization with postBuild substitutes",
    r"""apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/prod
  postBuild:
    substitute:
      cluster_name: prod-eu
      smtp_password: «S:pw_human»
      datadog_api_key: «S:hex,32»
  sourceRef:
    kind: GitRepository
    name: flux-system
""",
)

pos(
    "yaml",
    "openapi generator config with a token",
    r"""generatorName: typescript-axios
outputDir: ./src/generated
inputSpec: https://api.«N:word».io/openapi.yaml
auth: "Authorization:Bearer «S:jwt_user»"
additionalProperties:
  supportsES6: true
  npmName: "@«N:word»/api-client"
""",
)

pos(
    "yaml",
    "github actions runner debug, event payload yaml dump",
    r"""event_name: workflow_dispatch
inputs:
  environment: staging
  debug_token: «S:ghp»
ref: refs/heads/main
repository: «N:user»/«N:word»
run_id: «N:digits,10»
run_attempt: 1
sha: «N:sha1»
actor: «N:user»
""",
)

pos(
    "yaml",
    "codecov yml with upload token",
    r"""codecov:
  token: «S:uuid»
  require_ci_to_pass: true
coverage:
  precision: 2
  round: down
  range: "70...100"
comment:
  layout: "reach,diff,flags,files"
""",
)

pos(
    "yaml",
    "sentry cli properties as yaml",
    r"""defaults:
  url: https://sentry.io/
  org: «N:word»
  project: web
auth:
  token: «S:sentry_token»
log:
  level: info
""",
)

pos(
    "yaml",
    "pulumi stack config with a plain secret",
    r"""config:
  aws:region: eu-west-1
  «N:word»:dbUser: app
  «N:word»:dbPassword: «S:pw_random»
  «N:word»:stripeKey:
    secure: v1:«N:b64bytes,12»:«N:b64bytes,60»
  pulumi:accessToken: «S:pulumi»
""",
)

pos(
    "yaml",
    "kubernetes event yaml with a failing probe url",
    r"""apiVersion: v1
count: «N:int,2,90»
firstTimestamp: "«N:isosec»"
involvedObject:
  apiVersion: v1
  fieldPath: spec.containers{api}
  kind: Pod
  name: «N:pod,api»
  namespace: prod
kind: Event
lastTimestamp: "«N:isosec»"
message: 'Liveness probe failed: Get "http://10.244.«N:int,0,9».«N:int,2,250»:8080/healthz?token=«S:hex,40»": context deadline exceeded'
metadata:
  name: api-«N:lownum,10».«N:hex,16»
  namespace: prod
reason: Unhealthy
type: Warning
""",
)

pos(
    "yaml",
    "mkdocs ci deploy config with a token",
    r"""site_name: «N:word» docs
repo_url: https://github.com/«N:word»/docs
plugins:
  - search
  - git-revision-date-localized
  - with-pdf
extra:
  analytics:
    provider: google
    property: G-«N:upnum,10»
  algolia:
    app_id: «N:upnum,10»
    admin_api_key: «S:hex,32»
""",
)

pos(
    "yaml",
    "vector config with a datadog and elastic password",
    r"""sources:
  journald:
    type: journald
sinks:
  datadog:
    type: datadog_logs
    inputs: [journald]
    default_api_key: «S:hex,32»
    site: datadoghq.eu
  es:
    type: elasticsearch
    inputs: [journald]
    endpoints: [https://es.«N:word».lan:9200]
    auth:
      strategy: basic
      user: vector
      password: «S:pw_random»
""",
)

pos(
    "yaml",
    "loki promtail client with password",
    r"""server:
  http_listen_port: 9080
positions:
  filename: /tmp/positions.yaml
clients:
  - url: https://logs-prod-«N:int,10,30».grafana.net/loki/api/v1/push
    basic_auth:
      username: «N:digits,6»
      password: «S:grafana_sa»
scrape_configs:
  - job_name: system
    static_configs:
      - targets: [localhost]
        labels:
          job: varlogs
          __path__: /var/log/*log
""",
)

pos(
    "yaml",
    "fish_history, psql password env on one line",
    r"""- cmd: env PGPASSWORD=«S:pw_human» psql -h localhost -U postgres -c '\l'
  when: «N:epoch»
- cmd: docker compose logs -f db
  when: «N:epoch»
""",
)

pos(
    "yaml",
    "insomnia v4 yaml export, basic auth request",
    r"""_type: export
__export_format: 4
__export_date: «N:isosec»
__export_source: insomnia.desktop.app:v2023.5.8
resources:
  - _id: req_«N:hex,32»
    parentId: wrk_«N:hex,32»
    modified: «N:epochms»
    created: «N:epochms»
    url: https://jira.«N:word».com/rest/api/3/search
    name: search issues
    method: GET
    authentication:
      type: basic
      useISO88591: false
      disabled: false
      username: «N:user»@«N:word».com
      password: «S:atlassian»
    _type: request
""",
)

pos(
    "yaml",
    "sls print with resolved stripe and db",
    r"""custom:
  dbUrl: postgres://orders:«S:pw_random|url»@orders.cluster-«N:lownum,12».eu-west-1.rds.amazonaws.com:5432/orders
  stripeSecret: «S:stripe_sk»
  stripeWebhookSecret: «S:stripe_whsec»
""",
)

pos(
    "yaml",
    "gitlab ci lint merged yaml with variables",
    r"""---
variables:
  DOCKER_DRIVER: overlay2
  SONAR_HOST_URL: https://sonar.«N:word».dev
  SONAR_TOKEN: «S:sonar»
stages:
- test
- scan
sonarqube-check:
  stage: scan
  image:
    name: sonarsource/sonar-scanner-cli:5.0
    entrypoint:
    - ''
  script:
  - sonar-scanner -Dsonar.qualitygate.wait=true
""",
)

# yaml negatives

neg(
    "yaml",
    "fish_history, secrets read from managers",
    r"""- cmd: set -gx OPENAI_API_KEY (op read op://Private/OpenAI/credential)
  when: «N:epoch»
- cmd: set -gx GITHUB_TOKEN (gh auth token)
  when: «N:epoch»
- cmd: set -gx AWS_PROFILE sandbox
  when: «N:epoch»
- cmd: echo $OPENAI_API_KEY | wc -c
  when: «N:epoch»
- cmd: aws sso login --profile sandbox
  when: «N:epoch»
""",
)

neg(
    "yaml",
    "insomnia v5 yaml export, template tags and response chaining",
    r"""type: collection.insomnia.rest/5.0
name: «N:word» API
meta:
  id: wrk_«N:hex,32»
  created: «N:epochms»
  modified: «N:epochms»
collection:
  - url: "{{ _.base_url }}/oauth/token"
    name: Get token
    meta:
      id: req_«N:hex,32@login»
      created: «N:epochms»
      modified: «N:epochms»
    method: POST
    body:
      mimeType: application/x-www-form-urlencoded
      params:
        - name: client_id
          value: "{{ _.client_id }}"
        - name: client_secret
          value: "{{ _.client_secret }}"
        - name: grant_type
          value: client_credentials
  - url: "{{ _.base_url }}/v1/invoices"
    name: List invoices
    meta:
      id: req_«N:hex,32»
      created: «N:epochms»
      modified: «N:epochms»
    method: GET
    headers:
      - name: Authorization
        value: Bearer {% response 'body', 'req_«=login»', 'b64::JC5hY2Nlc3NfdG9rZW4=::46b', 'when-expired', 3600 %}
environments:
  name: Base Environment
  meta:
    id: env_«N:hex,32»
  data:
    base_url: https://api.«N:word».io
    client_id: «N:google_client_id»
    client_secret: "{{ _.vault.client_secret }}"
""",
)

neg(
    "yaml",
    "kubectl get pod -o yaml, env from secret refs",
    r"""apiVersion: v1
kind: Pod
metadata:
  name: «N:pod,api»
  namespace: prod
  uid: «N:uuid»
  resourceVersion: "«N:digits,8»"
spec:
  containers:
  - env:
    - name: DATABASE_URL
      valueFrom:
        secretKeyRef:
          key: url
          name: api-db
    - name: STRIPE_SECRET_KEY
      valueFrom:
        secretKeyRef:
          key: key
          name: stripe-api
    - name: OTEL_EXPORTER_OTLP_ENDPOINT
      value: http://otel-collector.observability:4317
    envFrom:
    - secretRef:
        name: api-env
    image: ghcr.io/«N:word»/api@«N:digest»
    name: api
status:
  containerStatuses:
  - containerID: containerd://«N:hex,64»
    image: ghcr.io/acme/api@«N:digest»
    imageID: ghcr.io/acme/api@«N:digest»
    ready: true
""",
)

neg(
    "yaml",
    "sealed secret yaml with encrypted data",
    r"""apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  creationTimestamp: null
  name: stripe-api
  namespace: payments
spec:
  encryptedData:
    key: «N:sealed»
    webhook-secret: «N:sealed»
  template:
    metadata:
      name: stripe-api
      namespace: payments
    type: Opaque
""",
)

neg(
    "yaml",
    "external secret yaml referencing a store",
    r"""apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: api-env
  namespace: prod
spec:
  refreshInterval: 1h
  secretStoreRef:
    kind: ClusterSecretStore
    name: aws-secrets-manager
  target:
    name: api-env
    creationPolicy: Owner
  data:
  - secretKey: DATABASE_PASSWORD
    remoteRef:
      key: prod/api/db
      property: password
  - secretKey: OPENAI_API_KEY
    remoteRef:
      key: prod/api/openai
status:
  conditions:
  - lastTransitionTime: "«N:isosec»"
    message: Secret was synced
    reason: SecretSynced
    status: "True"
    type: Ready
  refreshTime: "«N:isosec»"
  syncedResourceVersion: 1-«N:md5»
""",
)

neg(
    "yaml",
    "ansible yaml callback, no_log censored result",
    r"""TASK [users : set database passwords] *****************************************
ok: [db-primary] => (item=None)
changed: [db-primary] => (item=None)
fatal: [db-replica]: FAILED! => 
  censored: 'the output has been hidden due to the fact that ''no_log: true'' was specified for this result'

TASK [debug] ******************************************************************
ok: [db-primary] => 
  msg: 'password for reporting rotated; stored at secret/data/db/reporting (version «N:int,2,40»)'
""",
)

neg(
    "yaml",
    "sops encrypted yaml with age recipients",
    r"""database:
    password: «N:sops»
    user: «N:sops»
stripe_key: «N:sops»
sops:
    kms: []
    gcp_kms: []
    azure_kv: []
    hc_vault: []
    age:
        - recipient: «N:age_recipient»
          enc: |
            «N:age_encrypted|indent,12»
    lastmodified: "«N:isosec»"
    mac: ENC[AES256_GCM,data:«N:b64bytes,64»,iv:«N:b64bytes,32»,tag:«N:b64bytes,16»,type:str]
    pgp: []
    unencrypted_suffix: _unencrypted
    version: 3.8.1
""",
)

neg(
    "yaml",
    "docker compose config, secrets from files",
    r"""name: «N:word»
services:
  api:
    environment:
      DATABASE_PASSWORD_FILE: /run/secrets/db_password
      STRIPE_KEY_FILE: /run/secrets/stripe_key
      LOG_LEVEL: info
    image: ghcr.io/«N:word»/api@«N:digest»
    secrets:
      - source: db_password
        target: db_password
      - source: stripe_key
        target: stripe_key
secrets:
  db_password:
    name: app_db_password
    file: /home/«N:user»/src/app/secrets/db_password.txt
  stripe_key:
    name: app_stripe_key
    environment: STRIPE_SECRET_KEY
""",
)

neg(
    "yaml",
    "helm values with existing secrets",
    r"""USER-SUPPLIED VALUES:
auth:
  existingSecret: postgres-auth
  secretKeys:
    adminPasswordKey: postgres-password
    userPasswordKey: password
  username: app
  database: app
metrics:
  enabled: true
primary:
  podAnnotations:
    checksum/config: «N:sha256»
""",
)

neg(
    "yaml",
    "rails encrypted credentials file",
    r"""# config/credentials/production.yml.enc
«N:b64bytes,180»--«N:b64bytes,12»--«N:b64bytes,16»
""",
)

neg(
    "yaml",
    "tekton pipelinerun results with digests",
    r"""apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: build-and-push-«N:lownum,5»
  namespace: ci
status:
  conditions:
  - reason: Succeeded
    status: "True"
    type: Succeeded
  results:
  - name: IMAGE_URL
    value: ghcr.io/«N:word»/api:«N:hex,7»
  - name: IMAGE_DIGEST
    value: «N:digest»
  - name: CHAINS-GIT_COMMIT
    value: «N:sha1»
  pipelineSpec:
    params:
    - name: docker-config-secret
      type: string
      default: regcred
""",
)

neg(
    "yaml",
    "cert-manager certificate status",
    r"""apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: api-tls
  namespace: prod
spec:
  dnsNames:
  - api.«N:word».io
  issuerRef:
    kind: ClusterIssuer
    name: letsencrypt-prod
  privateKey:
    algorithm: ECDSA
    rotationPolicy: Always
  secretName: api-tls
status:
  conditions:
  - lastTransitionTime: "«N:isosec»"
    message: Certificate is up to date and has not expired
    reason: Ready
    status: "True"
    type: Ready
  notAfter: "«N:isosec»"
  revision: «N:int,2,30»
""",
)

neg(
    "yaml",
    "kubeconfig with exec credential plugin",
    r"""apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: «N:cert|b64»
    server: https://«N:upnum,32».gr7.eu-west-1.eks.amazonaws.com
  name: arn:aws:eks:eu-west-1:«N:digits,12»:cluster/prod
users:
- name: arn:aws:eks:eu-west-1:«N:digits,12»:cluster/prod
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args:
      - --region
      - eu-west-1
      - eks
      - get-token
      - --cluster-name
      - prod
      env:
      - name: AWS_PROFILE
        value: prod-admin
""",
)

neg(
    "yaml",
    "continue config.yaml with secret references",
    r"""name: Team Assistant
version: 1.0.0
schema: v1
models:
  - name: Claude Sonnet
    provider: anthropic
    model: claude-sonnet-4-20250514
    apiKey: ${{ secrets.ANTHROPIC_API_KEY }}
  - name: Local Qwen
    provider: ollama
    model: qwen2.5-coder:7b
    apiBase: http://localhost:11434
mcpServers:
  - name: github
    command: npx
    args: ["-y", "@modelcontextprotocol/server-github"]
    env:
      GITHUB_PERSONAL_ACCESS_TOKEN: ${{ secrets.GITHUB_PAT }}
""",
)

neg(
    "yaml",
    "goose config.yaml using the keyring",
    r"""GOOSE_PROVIDER: anthropic
GOOSE_MODEL: claude-sonnet-4-20250514
GOOSE_MODE: smart_approve
extensions:
  developer:
    bundled: true
    enabled: true
    name: developer
    timeout: 300
    type: builtin
  github:
    cmd: npx
    args: ["-y", "@modelcontextprotocol/server-github"]
    enabled: true
    env_keys:
      - GITHUB_PERSONAL_ACCESS_TOKEN
    envs: {}
    name: github
    type: stdio
""",
)

neg(
    "yaml",
    "gh hosts.yml with token in keyring",
    r"""github.com:
    users:
        «N:user»:
    git_protocol: ssh
    user: «N:user»
github.«N:word».corp:
    users:
        «N:user»-corp:
    git_protocol: https
    user: «N:user»-corp
""",
)

neg(
    "yaml",
    "renovate config with encrypted host rules",
    r"""extends:
  - config:recommended
hostRules:
  - matchHost: npm.pkg.github.com
    hostType: npm
    encrypted:
      token: «N:b64bytes,300»
  - matchHost: docker.«N:word».io
    username: renovate
    encrypted:
      password: «N:b64bytes,280»
packageRules:
  - matchUpdateTypes: [minor, patch]
    automerge: true
""",
)

neg(
    "yaml",
    "dependabot config with secret expressions",
    r"""version: 2
registries:
  npm-github:
    type: npm-registry
    url: https://npm.pkg.github.com
    token: ${{secrets.DEPENDABOT_NPM_TOKEN}}
  dockerhub:
    type: docker-registry
    url: registry.hub.docker.com
    username: «N:user»
    password: ${{secrets.DOCKERHUB_PASSWORD}}
updates:
  - package-ecosystem: npm
    directory: /
    registries: [npm-github]
    schedule:
      interval: weekly
""",
)

neg(
    "yaml",
    "github actions workflow run yaml with masked env",
    r"""name: deploy
run-name: deploy «N:hex,7» by «N:user»
on:
  workflow_dispatch:
env:
  AWS_REGION: eu-west-1
  SENTRY_AUTH_TOKEN: ${{ secrets.SENTRY_AUTH_TOKEN }}
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: actions/checkout@«N:sha1» # v4.1.«N:int,1,7»
      - uses: aws-actions/configure-aws-credentials@«N:sha1» # v4
        with:
          role-to-assume: arn:aws:iam::«N:digits,12»:role/gha-deploy
      - run: echo "::add-mask::${{ steps.token.outputs.value }}"
""",
)

neg(
    "yaml",
    "ansible yaml callback, vault lookups by path",
    r"""TASK [app : render env file] ***************************************************
changed: [app-«N:int,1,9»] => 
  changed: true
  checksum: «N:sha1»
  dest: /srv/app/.env
  gid: 1001
  group: app
  md5sum: «N:md5»
  mode: '0600'
  owner: app
  size: «N:int,300,900»
  src: /home/ops/.ansible/tmp/ansible-tmp-«N:epochf»-«N:int,1000,99999»-«N:int,10000000,99999999»/source
  state: file
  uid: 1001
""",
)

neg(
    "yaml",
    "kubernetes service account with secret names",
    r"""apiVersion: v1
kind: ServiceAccount
metadata:
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::«N:digits,12»:role/api-irsa
  creationTimestamp: "«N:isosec»"
  name: api
  namespace: prod
  uid: «N:uuid»
imagePullSecrets:
- name: ghcr-pull
secrets:
- name: api-token-«N:lownum,5»
""",
)

neg(
    "yaml",
    "fish_history, commands naming secrets only",
    r"""- cmd: gh secret set SENTRY_AUTH_TOKEN --body -
  when: «N:epoch»
- cmd: fly secrets list -a «N:word»-api
  when: «N:epoch»
- cmd: fly secrets set DATABASE_URL=(op read op://Infra/fly-db/url) -a «N:word»-api
  when: «N:epoch»
- cmd: wrangler secret list
  when: «N:epoch»
""",
)

neg(
    "yaml",
    "insomnia v4 yaml export, environment variables as tags",
    r"""_type: export
__export_format: 4
__export_date: «N:isosec»
__export_source: insomnia.desktop.app:v2023.5.8
resources:
  - _id: env_«N:hex,32»
    parentId: wrk_«N:hex,32»
    name: Base Environment
    data:
      base_url: https://api.«N:word».io
      token: "{% prompt 'API token', '', '', '', true, true %}"
      user: "{{ _.vault.user }}"
    dataPropertyOrder:
      "&":
        - base_url
        - token
        - user
    _type: environment
""",
)

neg(
    "yaml",
    "argo cd application with revisions",
    r"""apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: api-prod
  namespace: argocd
spec:
  destination:
    namespace: prod
    server: https://kubernetes.default.svc
  source:
    repoURL: https://github.com/«N:word»/deploy.git
    targetRevision: main
    path: apps/api/overlays/prod
status:
  sync:
    revision: «N:sha1»
    status: Synced
  operationState:
    syncResult:
      revision: «N:sha1»
  summary:
    images:
    - ghcr.io/«N:word»/api@«N:digest»
""",
)

neg(
    "yaml",
    "grafana datasource with env interpolation",
    r"""apiVersion: 1
datasources:
  - name: Postgres
    type: postgres
    url: $PG_HOST:5432
    user: $PG_USER
    jsonData:
      database: metrics
      sslmode: require
    secureJsonData:
      password: $PG_PASSWORD
  - name: Prometheus
    type: prometheus
    url: http://prometheus:9090
    uid: «N:lownum,14»
""",
)

neg(
    "yaml",
    "cosign and slsa attestation summary yaml",
    r"""_type: https://in-toto.io/Statement/v1
subject:
  - name: ghcr.io/«N:word»/api
    digest:
      sha256: «N:sha256»
predicateType: https://slsa.dev/provenance/v1
predicate:
  buildDefinition:
    buildType: https://actions.github.io/buildtypes/workflow/v1
    resolvedDependencies:
      - uri: git+https://github.com/«N:word»/api@refs/heads/main
        digest:
          gitCommit: «N:sha1»
  runDetails:
    builder:
      id: https://github.com/«N:word»/api/.github/workflows/release.yml@refs/heads/main
    metadata:
      invocationId: https://github.com/«N:word»/api/actions/runs/«N:digits,10»/attempts/1
""",
)

neg(
    "yaml",
    "prometheus config with password files",
    r"""remote_write:
  - url: https://prometheus-prod-«N:int,10,40»-prod-eu-west-2.grafana.net/api/prom/push
    basic_auth:
      username: "«N:digits,7»"
      password_file: /etc/prometheus/secrets/grafana-cloud
scrape_configs:
  - job_name: blackbox
    bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
    metrics_path: /probe
""",
)

neg(
    "yaml",
    "kubernetes secret yaml with public material",
    r"""apiVersion: v1
kind: Secret
metadata:
  name: api-tls-ca
  namespace: prod
type: Opaque
data:
  ca.crt: «N:cert|b64»
  fingerprint: «N:sha256|b64»
  cosign.pub: «N:pubkey|b64»
""",
)

neg(
    "yaml",
    "supabase config with the anon key",
    r"""project_id: «N:lownum,20»
api:
  enabled: true
  port: 54321
auth:
  site_url: http://127.0.0.1:3000
  jwt_expiry: 3600
studio:
  api_url: http://127.0.0.1
env:
  SUPABASE_URL: https://«N:lownum,20».supabase.co
  SUPABASE_ANON_KEY: «N:jwt_anon»
  SUPABASE_SERVICE_ROLE_KEY: env(SUPABASE_SERVICE_ROLE_KEY)
""",
)

neg(
    "yaml",
    "salt pillar output with gpg-encrypted values",
    r"""db-«N:int,1,9».«N:word».lan:
    ----------
    postgres:
        ----------
        password:
            «N:pgp_message|indent,12»
        user:
            app
""",
)

neg(
    "yaml",
    "docker compose ps yaml with image digests",
    r"""- ID: «N:hex,64»
  Name: shop-api-1
  Image: ghcr.io/«N:word»/api@«N:digest»
  Command: '"uvicorn app:app --host 0.0.0.0"'
  Project: shop
  Service: api
  State: running
  Health: healthy
  Publishers:
  - URL: 0.0.0.0
    TargetPort: 8000
    PublishedPort: 8000
    Protocol: tcp
""",
)

neg(
    "yaml",
    "mkdocs config with public search key",
    r"""site_name: «N:word» docs
extra:
  algolia:
    app_id: «N:upnum,10»
    search_only_api_key: «N:hex,32»
    index_name: «N:word»_docs
  analytics:
    provider: google
    property: G-«N:upnum,10»
""",
)

neg(
    "yaml",
    "pulumi stack config with encrypted secrets",
    r"""secretsprovider: awskms://alias/pulumi-«N:word»?region=eu-west-1
encryptedkey: «N:kms»
config:
  aws:region: eu-west-1
  «N:word»:dbPassword:
    secure: v1:«N:b64bytes,12»:«N:b64bytes,40»
  «N:word»:stripeKey:
    secure: v1:«N:b64bytes,12»:«N:b64bytes,80»
""",
)

neg(
    "yaml",
    "serverless config with unresolved references",
    r"""service: «N:word»-api
provider:
  name: aws
  runtime: nodejs20.x
  environment:
    TWILIO_ACCOUNT_SID: ${ssm:/prod/twilio/account_sid}
    TWILIO_AUTH_TOKEN: ${ssm:/prod/twilio/auth_token}
    STRIPE_KEY: ${env:STRIPE_SECRET_KEY}
    SENTRY_DSN: «N:sentry_dsn»
""",
)

# --- source: notebook exports, request files, recorded browser and HTTP sessions ----------------------

pos(
    "source",
    "jupytext percent script, client set up in a cell",
    r"""# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.16.«N:int,0,4»
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Churn exploration

# %%
import pandas as pd
from openai import OpenAI

client = OpenAI(api_key="«S:openai»")

# %%
df = pd.read_parquet("s3://«N:word»-analytics/churn/«N:date».parquet")
df.head()
""",
)

pos(
    "source",
    "nbconvert script export, magics and a private repo url",
    r"""#!/usr/bin/env python
# coding: utf-8

# In[1]:


get_ipython().run_line_magic('env', 'HF_TOKEN=«S:hf»')
get_ipython().system('pip install -q git+https://«S:ghp»@github.com/«N:word»/feature-store.git')


# In[2]:


from feature_store import Client
fs = Client(project="«N:word»")


# In[ ]:




""",
)

pos(
    "source",
    "databricks notebook source export",
    r"""# Databricks notebook source
# MAGIC %md
# MAGIC ## Load events from the landing zone

# COMMAND ----------

spark.conf.set(
    "fs.azure.account.key.«N:lownum,14».dfs.core.windows.net",
    "«S:azure_storage»",
)

# COMMAND ----------

df = spark.read.format("delta").load("abfss://landing@«N:lownum,14».dfs.core.windows.net/events")
display(df.limit(10))

# COMMAND ----------

import requests
requests.post(
    "https://adb-«N:digits,16».«N:int,1,19».azuredatabricks.net/api/2.1/jobs/run-now",
    headers={"Authorization": "Bearer «S:databricks»"},
    json={"job_id": «N:int,100,99999»},
)
""",
)

pos(
    "source",
    "marimo notebook with a key in a cell",
    r"""import marimo

__generated_with = "0.«N:int,6,9».«N:int,0,20»"
app = marimo.App(width="medium")


@app.cell
def _():
    import marimo as mo
    import anthropic
    return anthropic, mo


@app.cell
def _(anthropic):
    client = anthropic.Anthropic(api_key="«S:anthropic»")
    return (client,)


@app.cell
def _(client, mo):
    reply = client.messages.create(model="claude-3-5-haiku-latest", max_tokens=256, messages=[{"role": "user", "content": "hi"}])
    mo.md(reply.content[0].text)
    return (reply,)


if __name__ == "__main__":
    app.run()
""",
)

pos(
    "source",
    "quarto document with a python chunk",
    r"""---
title: "Weekly KPIs"
format: html
jupyter: python3
---

```{python}
#| echo: false
import snowflake.connector
conn = snowflake.connector.connect(
    user="REPORTING",
    password="«S:pw_human»",
    account="«N:lownum,7»-«N:lownum,7»",
    warehouse="REPORTING_WH",
)
```

Revenue this week:

```{python}
pd.read_sql("select sum(amount) from orders where ts > current_date - 7", conn)
```
""",
)

pos(
    "source",
    "r markdown with Sys.setenv",
    r"""---
title: "Survey analysis"
output: html_document
---

```{r setup, include=FALSE}
knitr::opts_chunk$set(echo = TRUE)
Sys.setenv(AWS_ACCESS_KEY_ID = "«N:aws_akid»",
           AWS_SECRET_ACCESS_KEY = "«S:aws_secret»",
           AWS_DEFAULT_REGION = "eu-west-1")
library(aws.s3)
```

```{r}
responses <- s3read_using(read.csv, object = "s3://«N:word»-surveys/2024/responses.csv")
summary(responses)
```
""",
)

pos(
    "source",
    "ipython log file from logstart",
    r"""# IPython log file

get_ipython().run_line_magic('logstart', '')
import redis
r = redis.Redis(host="redis-«N:int,10000,19999».c«N:int,1,300».eu-west-1-1.ec2.redns.redis-cloud.com", port=«N:port», password="«S:alnum,32»")
r.ping()
r.keys("session:*")[:5]
get_ipython().run_line_magic('logstop', '')
""",
)

pos(
    "source",
    "ipython history with outputs",
    r""" 1: import jwt, time
 2: token = jwt.encode({"sub": "admin", "exp": int(time.time()) + 3600}, "«S:hex,64»", algorithm="HS256")
 3: token
 3: '«S:jwt_user»'
 4: import requests; requests.get("http://localhost:8000/admin/users", headers={"Authorization": f"Bearer {token}"}).status_code
 4: 200
""",
)

pos(
    "source",
    "rest client .http file with file variables",
    r"""@baseUrl = https://api.«N:word».io/v2
@token = «S:jwt_user»
@stripeKey = «S:stripe_sk»

### list customers
GET {{baseUrl}}/customers?limit=20
Authorization: Bearer {{token}}
Accept: application/json

### create a charge directly at stripe
POST https://api.stripe.com/v1/payment_intents
Authorization: Bearer {{stripeKey}}
Content-Type: application/x-www-form-urlencoded

amount=2000&currency=eur&payment_method_types[]=card
""",
)

pos(
    "source",
    "rest client .http file with basic auth",
    r"""### Jira search
GET https://«N:word».atlassian.net/rest/api/3/search?jql=project%3DOPS
Authorization: Basic «N:user»@«N:word».com «S:atlassian»

### Artifactory
GET https://«N:word».jfrog.io/artifactory/api/repositories
X-JFrog-Art-Api: «S:artifactory»
""",
)

pos(
    "source",
    "hurl file with headers and form",
    r"""# login and fetch the profile
POST https://auth.«N:word».io/oauth/token
[FormParams]
grant_type: client_credentials
client_id: «N:hex,32»
client_secret: «S:b64url,48»
HTTP 200
[Captures]
access_token: jsonpath "$.access_token"

GET https://api.«N:word».io/me
Authorization: Bearer {{access_token}}
X-Api-Key: «S:hex,40»
HTTP 200
""",
)

pos(
    "source",
    "bruno request file with bearer auth",
    r"""meta {
  name: Create project
  type: http
  seq: 3
}

post {
  url: {{baseUrl}}/projects
  body: json
  auth: bearer
}

auth:bearer {
  token: «S:linear»
}

body:json {
  {
    "name": "Q3 roadmap",
    "teamId": "«N:uuid»"
  }
}
""",
)

pos(
    "source",
    "bruno environment file with plain secret",
    r"""vars {
  baseUrl: https://api.notion.com/v1
  notionVersion: 2022-06-28
  notionToken: «S:notion»
}
vars:secret [
  stagingToken
]
""",
)

pos(
    "source",
    "postman code snippet, python requests",
    r"""import requests

url = "https://api.sendgrid.com/v3/mail/send"

payload = "{\n  \"personalizations\": [{\"to\": [{\"email\": \"«N:user»@«N:word».io\"}]}],\n  \"from\": {\"email\": \"noreply@«N:word».io\"},\n  \"subject\": \"test\",\n  \"content\": [{\"type\": \"text/plain\", \"value\": \"hello\"}]\n}"
headers = {
  'Authorization': 'Bearer «S:sendgrid»',
  'Content-Type': 'application/json'
}

response = requests.request("POST", url, headers=headers, data=payload)

print(response.text)
""",
)

pos(
    "source",
    "postman code snippet, node axios",
    r"""const axios = require('axios');
let data = JSON.stringify({
  "model": "llama-3.1-70b-versatile",
  "messages": [{ "role": "user", "content": "ping" }]
});

let config = {
  method: 'post',
  maxBodyLength: Infinity,
  url: 'https://api.groq.com/openai/v1/chat/completions',
  headers: { 
    'Content-Type': 'application/json', 
    'Authorization': 'Bearer «S:groq»'
  },
  data : data
};

axios.request(config)
.then((response) => {
  console.log(JSON.stringify(response.data));
})
.catch((error) => {
  console.log(error);
});
""",
)

pos(
    "source",
    "devtools copy as fetch with a session cookie",
    r"""fetch("https://app.«N:word».io/api/graphql", {
  "headers": {
    "accept": "*/*",
    "accept-language": "en-GB,en;q=0.9",
    "content-type": "application/json",
    "cookie": "_ga=GA1.1.«N:digits,10».«N:epoch»; sessionid=«S:lownum,32»; csrftoken=«N:alnum,32»",
    "sec-ch-ua": "\"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"",
    "sec-fetch-mode": "cors",
    "x-csrftoken": "«N:alnum,32»"
  },
  "body": "{\"operationName\":\"Viewer\",\"variables\":{},\"query\":\"query Viewer { viewer { id email } }\"}",
  "method": "POST"
});
""",
)

pos(
    "source",
    "devtools copy as powershell with cookies",
    r"""$session = New-Object Microsoft.PowerShell.Commands.WebRequestSession
$session.UserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
$session.Cookies.Add((New-Object System.Net.Cookie(".AspNetCore.Cookies", "«S:aspnet_cookie»", "/", "portal.«N:word».com")))
$session.Cookies.Add((New-Object System.Net.Cookie("ai_user", "«N:alnum,22»|«N:isosec»", "/", "portal.«N:word».com")))
Invoke-WebRequest -UseBasicParsing -Uri "https://portal.«N:word».com/api/invoices?page=1" `
-WebSession $session `
-Headers @{
"Accept"="application/json"
  "Referer"="https://portal.«N:word».com/invoices"
}
""",
)

pos(
    "source",
    "playwright codegen output with typed password",
    r"""import { test, expect } from '@playwright/test';

test('test', async ({ page }) => {
  await page.goto('https://admin.«N:word».io/login');
  await page.getByLabel('Email').click();
  await page.getByLabel('Email').fill('«N:user»@«N:word».io');
  await page.getByLabel('Password').click();
  await page.getByLabel('Password').fill('«S:pw_human»');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByPlaceholder('6-digit code').fill('«N:digits,6»');
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
});
""",
)

pos(
    "source",
    "selenium ide python export with password",
    r"""# Generated by Selenium IDE
import pytest
import time
import json
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.desired_capabilities import DesiredCapabilities

class TestLoginbackoffice():
  def setup_method(self, method):
    self.driver = webdriver.Chrome()
    self.vars = {}
  
  def teardown_method(self, method):
    self.driver.quit()
  
  def test_loginbackoffice(self):
    self.driver.get("https://backoffice.«N:word».de/")
    self.driver.set_window_size(1512, 859)
    self.driver.find_element(By.ID, "username").send_keys("support")
    self.driver.find_element(By.ID, "password").send_keys("«S:pw_human»")
    self.driver.find_element(By.ID, "password").send_keys(Keys.ENTER)
""",
)

pos(
    "source",
    "cypress studio commands with typed password",
    r"""describe('checkout', () => {
  it('pays with the saved card', () => {
    cy.visit('https://staging.«N:word».shop')
    /* ==== Generated with Cypress Studio ==== */
    cy.get('#email').clear('q');
    cy.get('#email').type('qa@«N:word».shop');
    cy.get('#password').clear();
    cy.get('#password').type('«S:pw_human»');
    cy.get('[data-test=login-submit]').click();
    /* ==== End Cypress Studio ==== */
  })
})
""",
)

pos(
    "source",
    "k6 script converted from a har",
    r"""// Auto-generated by the k6 browser recorder
// source: recording.har
import { sleep, group } from 'k6'
import http from 'k6/http'

export const options = {}

export default function main() {
  let response

  group('page_1 - https://app.«N:word».io/dashboard', function () {
    response = http.get('https://app.«N:word».io/api/projects', {
      headers: {
        accept: 'application/json',
        authorization: 'Bearer «S:jwt_user»',
        cookie: 'laravel_session=«S:session_laravel»',
      },
    })
    sleep(1.«N:int,1,9»)
  })
}
""",
)

pos(
    "source",
    "jmeter test plan with a header manager",
    r"""<?xml version="1.0" encoding="UTF-8"?>
<jmeterTestPlan version="1.2" properties="5.0" jmeter="5.6.3">
  <hashTree>
    <TestPlan guiclass="TestPlanGui" testclass="TestPlan" testname="API load">
      <boolProp name="TestPlan.functional_mode">false</boolProp>
    </TestPlan>
    <hashTree>
      <HeaderManager guiclass="HeaderPanel" testclass="HeaderManager" testname="HTTP Header Manager">
        <collectionProp name="HeaderManager.headers">
          <elementProp name="" elementType="Header">
            <stringProp name="Header.name">Authorization</stringProp>
            <stringProp name="Header.value">Bearer «S:okta»</stringProp>
          </elementProp>
        </collectionProp>
      </HeaderManager>
    </hashTree>
  </hashTree>
</jmeterTestPlan>
""",
)

pos(
    "source",
    "soapui project with a password",
    r"""<?xml version="1.0" encoding="UTF-8"?>
<con:soapui-project id="«N:uuid»" activeEnvironment="Default" name="Payments" soapui-version="5.7.2" xmlns:con="http://eviware.com/soapui/config">
  <con:interface xsi:type="con:WsdlInterface" id="«N:uuid»" name="PaymentServiceSoap" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
    <con:operation id="«N:uuid»" name="Authorize">
      <con:call id="«N:uuid»" name="Request 1">
        <con:endpoint>https://soap.«N:word»-bank.de/PaymentService.asmx</con:endpoint>
        <con:credentials>
          <con:username>merchant_4711</con:username>
          <con:password>«S:pw_random»</con:password>
          <con:authType>Preemptive</con:authType>
        </con:credentials>
      </con:call>
    </con:operation>
  </con:interface>
</con:soapui-project>
""",
)

pos(
    "source",
    "karate feature with a header",
    r"""Feature: orders api

Background:
  * url 'https://api.«N:word».io'
  * header Authorization = 'Bearer «S:jwt_user»'
  * header X-Api-Key = '«S:alnum,40»'

Scenario: list orders
  Given path 'v1', 'orders'
  When method get
  Then status 200
""",
)

pos(
    "source",
    "robot framework suite with credentials",
    r"""*** Settings ***
Library    SeleniumLibrary
Library    RequestsLibrary

*** Variables ***
${BASE_URL}       https://crm.«N:word».com
${USERNAME}       qa-bot
${PASSWORD}       «S:pw_human»
${API_TOKEN}      «S:hex,40»

*** Test Cases ***
Login Works
    Open Browser    ${BASE_URL}/login    headlesschrome
    Input Text      id:user    ${USERNAME}
    Input Password  id:pass    ${PASSWORD}
""",
)

pos(
    "source",
    "nock recorder output with request headers",
    r"""nock('https://api.github.com:443', {"encodedQueryParams":true,"reqheaders":{"authorization":"token «S:ghp»","user-agent":"octokit-rest.js/20.1.1"}})
  .get('/repos/«N:word»/api/pulls')
  .query({"state":"open","per_page":"100"})
  .reply(200, [], [
  'Date',
  '«N:httpdate»',
  'ETag',
  'W/"«N:sha256»"',
  'X-GitHub-Request-Id',
  '«N:HEX,4»:«N:HEX,5»:«N:HEX,7»:«N:HEX,7»:«N:HEX,8»'
]);
""",
)

pos(
    "source",
    "jest snapshot with an auth header",
    r"""// Jest Snapshot v1, https://goo.gl/fbAQLP

exports[`HttpClient sends the configured credentials 1`] = `
{
  "headers": {
    "Authorization": "Bearer «S:sentry_token»",
    "Content-Type": "application/json",
    "User-Agent": "cli/2.«N:int,0,30».0",
  },
  "method": "POST",
  "url": "https://sentry.io/api/0/organizations/«N:word»/releases/",
}
`;
""",
)

pos(
    "source",
    "pluto notebook with a token cell",
    r"""### A Pluto.jl notebook ###
# v0.19.«N:int,30,46»

using Markdown
using InteractiveUtils

# ╔═╡ «N:uuid»
using HTTP, JSON3

# ╔═╡ «N:uuid»
const TOKEN = "«S:hf»"

# ╔═╡ «N:uuid»
resp = HTTP.get("https://huggingface.co/api/whoami-v2", ["Authorization" => "Bearer $TOKEN"])

# ╔═╡ Cell order:
# ╠═«N:uuid»
# ╠═«N:uuid»
# ╠═«N:uuid»
""",
)

pos(
    "source",
    "restclient.el buffer with variables",
    r"""# -*- restclient -*-
:host = https://api.«N:word».io
:token = «S:jwt_user»
:pd-key = «S:b64url,20»

# list users
GET :host/v1/users
Authorization: Bearer :token

# trigger a pagerduty test incident
POST https://events.pagerduty.com/v2/enqueue
Content-Type: application/json

{"routing_key": ":pd-key", "event_action": "trigger", "payload": {"summary": "test", "source": "restclient", "severity": "info"}}
""",
)

pos(
    "source",
    "colab export with a hard-coded key",
    r'''# -*- coding: utf-8 -*-
"""finetune_eval.ipynb

Automatically generated by Colab.

Original file is located at
    https://colab.research.google.com/drive/1«N:b64url,32»
"""

!pip install -q wandb replicate

import os
os.environ["WANDB_API_KEY"] = "«S:hex,40»"
os.environ["REPLICATE_API_TOKEN"] = "«S:replicate»"

import wandb
wandb.init(project="«N:word»-eval")
''',
)

pos(
    "source",
    "kaggle notebook writing kaggle.json",
    r"""import json, os, pathlib

# In[2]:

pathlib.Path("~/.kaggle").expanduser().mkdir(exist_ok=True)
with open(os.path.expanduser("~/.kaggle/kaggle.json"), "w") as f:
    json.dump({"username": "«N:user»«N:int,10,99»", "key": "«S:kaggle»"}, f)
os.chmod(os.path.expanduser("~/.kaggle/kaggle.json"), 0o600)

# In[3]:

get_ipython().system('kaggle competitions download -c «N:word»-forecasting')
""",
)

pos(
    "source",
    "vs code jupyter export with a db connection",
    r"""# %%
import sqlalchemy as sa

# %% [markdown]
# Pull last week's orders for the cohort table

# %%
engine = sa.create_engine("postgresql+psycopg://analyst:«S:pw_random|url»@«N:word»-replica.internal:5432/orders")
with engine.connect() as c:
    rows = c.execute(sa.text("select * from orders where created_at > now() - interval '7 days'")).fetchall()
len(rows)
""",
)

pos(
    "source",
    "jupytext markdown notebook with an aws session",
    r"""---
jupyter:
  jupytext:
    formats: ipynb,md
    text_representation:
      extension: .md
      format_name: markdown
  kernelspec:
    display_name: Python 3
    name: python3
---

```python
import boto3
session = boto3.Session(
    aws_access_key_id="«N:aws_asid»",
    aws_secret_access_key="«S:aws_secret»",
    aws_session_token="«S:aws_session»",
)
```

```python
session.client("s3").list_buckets()["Buckets"][:3]
```
""",
)

pos(
    "source",
    "insomnia generated code, go net/http",
    r"""package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
)

func main() {
	url := "https://api.mailgun.net/v3/mg.«N:word».io/messages"
	payload := strings.NewReader("from=ops%40«N:word».io&to=«N:user»%40«N:word».io&subject=hi&text=ping")
	req, _ := http.NewRequest("POST", url, payload)
	req.Header.Add("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Add("Authorization", "Basic «S:basic_random»")
	res, _ := http.DefaultClient.Do(req)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	fmt.Println(string(body))
}
""",
)

pos(
    "source",
    "httpie offline output pasted into a test",
    r"""def test_partner_webhook_signature(client):
    # captured with: http --offline POST https://partner.«N:word».com/hooks X-Signature-Key:...
    raw = '''POST /hooks HTTP/1.1
Accept: application/json, */*;q=0.5
Content-Type: application/json
Host: partner.«N:word».com
User-Agent: HTTPie/3.2.2
X-Signature-Key: «S:alnum,48»

{"event": "order.paid", "id": "«N:uuid»"}'''
    assert client.replay(raw).status_code == 202
""",
)

pos(
    "source",
    "sql console file with a connection header",
    r"""-- DataGrip console: prod-replica
-- url: jdbc:postgresql://prod-replica.«N:word».internal:5432/app?user=readonly&password=«S:pw_random|url»
select id, email, created_at
from users
where created_at > now() - interval '1 day'
order by created_at desc
limit 50;
""",
)

pos(
    "source",
    "notebook cell exported with a webhook",
    r"""# In[7]:


import requests
SLACK_WEBHOOK = "https://hooks.slack.com/services/T«N:upnum,10»/B«N:upnum,10»/«S:slack_hook»"
requests.post(SLACK_WEBHOOK, json={"text": f"training finished: val_loss={val_loss:.4f}"})


# In[8]:


val_loss
""",
)

pos(
    "source",
    "pytest recording with betamax placeholders missed",
    r"""import betamax
from betamax_serializers import pretty_json

betamax.Betamax.register_serializer(pretty_json.PrettyJSONSerializer)

with betamax.Betamax.configure() as config:
    config.cassette_library_dir = "tests/cassettes"
    config.default_cassette_options["serialize_with"] = "prettyjson"
    # TODO: move to env before committing
    config.define_cassette_placeholder("<GITHUB_TOKEN>", "«S:ghp»")
    config.define_cassette_placeholder("<SHOPIFY_TOKEN>", "«S:shopify»")
""",
)

pos(
    "source",
    "apps script project exported with a key",
    r"""/**
 * @OnlyCurrentDoc
 */
const OPENWEATHER_KEY = '«S:hex,32»';
const SHEET_ID = '«N:b64url,44»';

function refreshForecast() {
  const url = 'https://api.openweathermap.org/data/2.5/forecast?q=Hamburg&appid=' + OPENWEATHER_KEY;
  const data = JSON.parse(UrlFetchApp.fetch(url).getContentText());
  SpreadsheetApp.openById(SHEET_ID).getSheetByName('forecast').appendRow([new Date(), data.list[0].main.temp]);
}
""",
)

pos(
    "source",
    "nbconvert script with a pem pasted in a cell",
    r'''#!/usr/bin/env python
# coding: utf-8

# In[4]:


PRIVATE_KEY = """«S:pem_rsa»"""


# In[5]:


import jwt, time
app_jwt = jwt.encode({"iat": int(time.time()), "exp": int(time.time()) + 540, "iss": «N:int,100000,999999»}, PRIVATE_KEY, algorithm="RS256")
''',
)

pos(
    "source",
    "deno jupyter export with fetch headers",
    r"""// %%
const res = await fetch("https://api.openrouter.ai/api/v1/chat/completions", {
  method: "POST",
  headers: {
    "Authorization": "Bearer «S:openrouter»",
    "HTTP-Referer": "https://«N:word».dev",
    "Content-Type": "application/json",
  },
  body: JSON.stringify({ model: "meta-llama/llama-3.1-8b-instruct", messages: [{ role: "user", content: "hi" }] }),
});
// %%
(await res.json()).choices[0].message
""",
)

pos(
    "source",
    "pulumi program printed in a notebook export",
    r"""# %%
import pulumi
import pulumi_cloudflare as cf

# %%
provider = cf.Provider("cf", api_token="«S:cloudflare»")
zone = cf.get_zone(name="«N:word».dev", opts=pulumi.InvokeOptions(provider=provider))
""",
)

pos(
    "source",
    "go test recording with a basic auth url",
    r"""// Code generated by go-vcr recorder; DO NOT EDIT by hand.
package fixtures

var RecordedRequests = []Request{
	{
		Method: "GET",
		URL:    "https://admin:«S:pw_human|url»@es.«N:word».internal:9200/_cat/indices?format=json",
		Headers: map[string][]string{
			"User-Agent": {"go-elasticsearch/8.«N:int,10,14».0"},
		},
	},
}
""",
)

pos(
    "source",
    "tampermonkey userscript with a token",
    r"""// ==UserScript==
// @name         PR size labels
// @namespace    http://tampermonkey.net/
// @version      0.«N:int,1,9»
// @match        https://github.com/*/pull/*
// @grant        GM_xmlhttpRequest
// ==/UserScript==

(function() {
    'use strict';
    const TOKEN = '«S:gh_fine»';
    GM_xmlhttpRequest({
        method: 'GET',
        url: `https://api.github.com/repos${location.pathname.replace('/pull/', '/pulls/')}`,
        headers: { Authorization: `Bearer ${TOKEN}` },
        onload: (r) => console.log(JSON.parse(r.responseText).additions),
    });
})();
""",
)

pos(
    "source",
    "postman code snippet, curl in php",
    r"""<?php

$curl = curl_init();

curl_setopt_array($curl, array(
  CURLOPT_URL => 'https://api.shopify.com/admin/api/2024-04/orders.json?status=any',
  CURLOPT_RETURNTRANSFER => true,
  CURLOPT_ENCODING => '',
  CURLOPT_MAXREDIRS => 10,
  CURLOPT_TIMEOUT => 0,
  CURLOPT_FOLLOWLOCATION => true,
  CURLOPT_HTTP_VERSION => CURL_HTTP_VERSION_1_1,
  CURLOPT_CUSTOMREQUEST => 'GET',
  CURLOPT_HTTPHEADER => array(
    'X-Shopify-Access-Token: «S:shopify»'
  ),
));

$response = curl_exec($curl);

curl_close($curl);
echo $response;
""",
)

pos(
    "source",
    "openhands microagent file with an inline token",
    r"""---
name: deploy-helper
type: knowledge
version: 1.0.0
agent: CodeActAgent
triggers:
- deploy
- release
---

When asked to deploy, run `./scripts/deploy.sh prod`. The script needs
`FLY_API_TOKEN`; use `«S:b64url,40»` if it is not set.
""",
)

pos(
    "source",
    "cline rules file with credentials",
    r"""# .clinerules

## Project
- Next.js 14 app router, Prisma, Postgres on Neon.

## Environment
- For local testing use DATABASE_URL=postgresql://neondb_owner:«S:alnum,12»@ep-«N:word»-«N:word»-«N:lownum,8».eu-central-1.aws.neon.tech/neondb?sslmode=require
- Resend key for emails in dev: «S:resend»
""",
)

pos(
    "source",
    "gemini cli GEMINI.md with a key",
    r"""# Project context

This repo deploys the marketing site to Firebase Hosting.

- Build with `pnpm build`, deploy with `firebase deploy --only hosting`.
- If `firebase` asks to log in, use the CI token: `firebase deploy --token «S:google_refresh»`.
- Never edit `public/` by hand.
""",
)

pos(
    "source",
    "jupyter lab workspace python file with mapbox secret",
    r"""# %%
import os
import pydeck as pdk

# %%
MAPBOX_TOKEN = "«S:mapbox_sk»"  # secret scope: styles:write
pdk.settings.mapbox_api_key = MAPBOX_TOKEN
""",
)

# source negatives

neg(
    "source",
    "jupytext percent script, keys from the environment",
    r"""# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.16.«N:int,0,4»
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %%
import os
from getpass import getpass
from openai import OpenAI

api_key = os.environ.get("OPENAI_API_KEY") or getpass("OpenAI API key: ")
client = OpenAI(api_key=api_key)

# %%
run_id = "«N:uuid»"
print(run_id)
""",
)

neg(
    "source",
    "colab export reading colab secrets",
    r'''# -*- coding: utf-8 -*-
"""rag_demo.ipynb

Automatically generated by Colab.

Original file is located at
    https://colab.research.google.com/drive/1«N:b64url,32»
"""

!pip install -q langchain-openai==0.1.«N:int,1,20»

from google.colab import userdata
import os

os.environ["OPENAI_API_KEY"] = userdata.get("OPENAI_API_KEY")
os.environ["LANGSMITH_API_KEY"] = userdata.get("LANGSMITH_API_KEY")
''',
)

neg(
    "source",
    "databricks notebook source with secret scopes",
    r"""# Databricks notebook source
# MAGIC %md
# MAGIC Reads the storage key from the `kv-prod` scope; never paste keys here.

# COMMAND ----------

storage_key = dbutils.secrets.get(scope="kv-prod", key="adls-account-key")
spark.conf.set("fs.azure.account.key.«N:lownum,14».dfs.core.windows.net", storage_key)

# COMMAND ----------

# MAGIC %sql
# MAGIC CREATE TABLE IF NOT EXISTS events USING DELTA LOCATION 'abfss://landing@«N:lownum,14».dfs.core.windows.net/events'

# COMMAND ----------

token = "{{secrets/kv-prod/jobs-token}}"
""",
)

neg(
    "source",
    "marimo notebook with a password input",
    r"""import marimo

__generated_with = "0.«N:int,6,9».«N:int,0,20»"
app = marimo.App()


@app.cell
def _():
    import marimo as mo
    key = mo.ui.text(kind="password", label="API key")
    key
    return key, mo


@app.cell
def _(key, mo):
    mo.stop(not key.value, mo.md("enter a key to continue"))
    return


if __name__ == "__main__":
    app.run()
""",
)

neg(
    "source",
    "quarto document reading credentials from env",
    r"""---
title: "Weekly KPIs"
format: html
---

```{r}
#| echo: false
con <- DBI::dbConnect(
  odbc::odbc(),
  Driver    = "Snowflake",
  Server    = "«N:lownum,7»-«N:lownum,7».snowflakecomputing.com",
  UID       = Sys.getenv("SNOWFLAKE_USER"),
  PWD       = Sys.getenv("SNOWFLAKE_PASSWORD"),
  Warehouse = "REPORTING_WH"
)
```
""",
)

neg(
    "source",
    "rest client .http file with dotenv and chained responses",
    r"""@baseUrl = https://api.«N:word».io/v2
@clientId = {{$dotenv CLIENT_ID}}
@clientSecret = {{$dotenv CLIENT_SECRET}}

# @name login
POST {{baseUrl}}/oauth/token
Content-Type: application/x-www-form-urlencoded

grant_type=client_credentials&client_id={{clientId}}&client_secret={{clientSecret}}

###
@token = {{login.response.body.$.access_token}}

GET {{baseUrl}}/customers?limit=20
Authorization: Bearer {{token}}
X-Request-Id: {{$guid}}
""",
)

neg(
    "source",
    "hurl file with variables, captures and hash asserts",
    r"""POST https://auth.«N:word».io/oauth/token
[FormParams]
grant_type: client_credentials
client_id: {{client_id}}
client_secret: {{client_secret}}
HTTP 200
[Captures]
access_token: jsonpath "$.access_token"

GET https://cdn.«N:word».io/releases/cli-1.«N:int,0,20».0.tar.gz
Authorization: Bearer {{access_token}}
HTTP 200
[Asserts]
bytes sha256 == hex,«N:sha256»;
header "ETag" == "\"«N:md5»\""
""",
)

neg(
    "source",
    "bruno request with variables and post-response script",
    r"""meta {
  name: Login
  type: http
  seq: 1
}

post {
  url: {{baseUrl}}/auth/login
  body: json
  auth: none
}

body:json {
  {
    "email": "{{email}}",
    "password": "{{password}}"
  }
}

script:post-response {
  bru.setVar("accessToken", res.body.access_token);
}
""",
)

neg(
    "source",
    "bruno environment with secret names only",
    r"""vars {
  baseUrl: https://api.«N:word».io
  email: qa@«N:word».io
  requestId: «N:uuid»
}
vars:secret [
  password,
  accessToken,
  stripeKey
]
""",
)

neg(
    "source",
    "postman code snippet with unresolved variables",
    r"""import requests

url = "{{baseUrl}}/v1/charges"

payload = 'amount=2000&currency=eur&source=tok_visa'
headers = {
  'Authorization': 'Bearer {{stripeSecretKey}}',
  'Idempotency-Key': '«N:uuid»',
  'Content-Type': 'application/x-www-form-urlencoded'
}

response = requests.request("POST", url, headers=headers, data=payload)

print(response.text)
""",
)

neg(
    "source",
    "devtools copy as fetch without cookies",
    r"""fetch("https://app.«N:word».io/api/projects?page=2", {
  "headers": {
    "accept": "application/json",
    "accept-language": "en-US,en;q=0.9",
    "if-none-match": "W/\"«N:hex,40»\"",
    "sec-ch-ua-platform": "\"macOS\"",
    "sec-fetch-dest": "empty",
    "sec-fetch-mode": "cors",
    "sec-fetch-site": "same-origin",
    "traceparent": "«N:traceparent»",
    "x-request-id": "«N:uuid»"
  },
  "referrer": "https://app.«N:word».io/projects",
  "referrerPolicy": "strict-origin-when-cross-origin",
  "body": null,
  "method": "GET",
  "mode": "cors",
  "credentials": "include"
});
""",
)

neg(
    "source",
    "playwright codegen edited to read env",
    r"""import { test, expect } from '@playwright/test';

test.use({ storageState: 'playwright/.auth/admin.json' });

test('login', async ({ page }) => {
  await page.goto('https://admin.«N:word».io/login');
  await page.getByLabel('Email').fill(process.env.E2E_EMAIL!);
  await page.getByLabel('Password').fill(process.env.E2E_PASSWORD!);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/dashboard/);
});
""",
)

neg(
    "source",
    "k6 script with env tokens and checks",
    r"""import http from 'k6/http';
import { check, sleep } from 'k6';

export const options = { vus: 20, duration: '2m', thresholds: { http_req_duration: ['p(95)<400'] } };

const TOKEN = __ENV.API_TOKEN;

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/api/projects`, {
    headers: { Authorization: `Bearer ${TOKEN}`, 'X-Load-Test': '«N:uuid»' },
  });
  check(res, { 'status is 200': (r) => r.status === 200 });
  sleep(1);
}
""",
)

neg(
    "source",
    "nock recorder output with public headers",
    r"""nock('https://registry.npmjs.org:443', {"encodedQueryParams":true})
  .get('/left-pad')
  .reply(200, {"_id":"left-pad","_rev":"«N:int,10,99»-«N:hex,32»","name":"left-pad","dist-tags":{"latest":"1.3.0"}}, [
  'Date',
  '«N:httpdate»',
  'Content-Type',
  'application/json',
  'CF-Ray',
  '«N:cf_ray»',
  'ETag',
  '"«N:hex,32»"',
  'npm-notice',
  'ok'
]);
""",
)

neg(
    "source",
    "jest snapshot with a redacted header",
    r"""// Jest Snapshot v1, https://goo.gl/fbAQLP

exports[`HttpClient sends the configured credentials 1`] = `
{
  "headers": {
    "Authorization": "Bearer [REDACTED]",
    "Content-Type": "application/json",
    "Idempotency-Key": "«N:uuid»",
  },
  "method": "POST",
  "url": "https://api.«N:word».io/v1/payments",
}
`;

exports[`HttpClient signs the body 1`] = `"sha256=«N:sha256»"`;
""",
)

neg(
    "source",
    "pluto notebook reading ENV",
    r"""### A Pluto.jl notebook ###
# v0.19.«N:int,30,46»

using Markdown
using InteractiveUtils

# ╔═╡ «N:uuid»
using HTTP, JSON3

# ╔═╡ «N:uuid»
const TOKEN = get(ENV, "HF_TOKEN", "")

# ╔═╡ «N:uuid»
isempty(TOKEN) && @warn "set HF_TOKEN before running"

# ╔═╡ Cell order:
# ╠═«N:uuid»
# ╠═«N:uuid»
# ╠═«N:uuid»
""",
)

neg(
    "source",
    "restclient.el with getenv",
    r"""# -*- restclient -*-
:host = https://api.«N:word».io
:token := (getenv "API_TOKEN")
:request-id := (format "%s" (org-id-uuid))

GET :host/v1/users
Authorization: Bearer :token
X-Request-Id: :request-id
""",
)

neg(
    "source",
    "vcrpy test with filtered headers",
    r"""import pytest
import vcr

my_vcr = vcr.VCR(
    cassette_library_dir="tests/cassettes",
    record_mode="once",
    filter_headers=["authorization", "x-api-key"],
    filter_query_parameters=["api_key", "access_token"],
    decode_compressed_response=True,
)


@my_vcr.use_cassette("weather_berlin.yaml")
def test_weather_berlin():
    assert fetch_weather("Berlin")["name"] == "Berlin"
""",
)

neg(
    "source",
    "jmeter plan with property functions",
    r"""<?xml version="1.0" encoding="UTF-8"?>
<jmeterTestPlan version="1.2" properties="5.0" jmeter="5.6.3">
  <hashTree>
    <HeaderManager guiclass="HeaderPanel" testclass="HeaderManager" testname="HTTP Header Manager">
      <collectionProp name="HeaderManager.headers">
        <elementProp name="" elementType="Header">
          <stringProp name="Header.name">Authorization</stringProp>
          <stringProp name="Header.value">Bearer ${__P(api.token,)}</stringProp>
        </elementProp>
        <elementProp name="" elementType="Header">
          <stringProp name="Header.name">X-Correlation-Id</stringProp>
          <stringProp name="Header.value">${__UUID()}</stringProp>
        </elementProp>
      </collectionProp>
    </HeaderManager>
    <CSVDataSet guiclass="TestBeanGUI" testclass="CSVDataSet" testname="users">
      <stringProp name="filename">users.csv</stringProp>
      <stringProp name="variableNames">email,password</stringProp>
    </CSVDataSet>
  </hashTree>
</jmeterTestPlan>
""",
)

neg(
    "source",
    "robot framework suite with environment variables",
    r"""*** Settings ***
Library    RequestsLibrary

*** Variables ***
${BASE_URL}       https://crm.«N:word».com
${USERNAME}       %{ROBOT_USER}
${PASSWORD}       %{ROBOT_PASSWORD}

*** Test Cases ***
Token Endpoint Rejects Bad Password
    ${resp}=    POST    ${BASE_URL}/api/token    json={"user": "${USERNAME}", "password": "wrong"}    expected_status=401
""",
)

neg(
    "source",
    "soapui project with property expansion",
    r"""<?xml version="1.0" encoding="UTF-8"?>
<con:soapui-project id="«N:uuid»" name="Payments" soapui-version="5.7.2" xmlns:con="http://eviware.com/soapui/config">
  <con:properties>
    <con:property><con:name>password</con:name><con:value/></con:property>
  </con:properties>
  <con:interface id="«N:uuid»" name="PaymentServiceSoap">
    <con:operation id="«N:uuid»" name="Authorize">
      <con:call id="«N:uuid»" name="Request 1">
        <con:credentials>
          <con:username>merchant_4711</con:username>
          <con:password>${#Project#password}</con:password>
        </con:credentials>
      </con:call>
    </con:operation>
  </con:interface>
</con:soapui-project>
""",
)

neg(
    "source",
    "gemini md describing ci tokens by name",
    r"""# Project context

- Deploys run in GitHub Actions with `FIREBASE_TOKEN` from the repository secrets.
- Locally, run `firebase login` once; never paste tokens into this file or into chat.
- The service account key lives in Secret Manager as `projects/«N:word»-prod/secrets/deployer-key/versions/latest`.
""",
)

neg(
    "source",
    "apps script reading script properties",
    r"""const props = PropertiesService.getScriptProperties();

function refreshForecast() {
  const key = props.getProperty('OPENWEATHER_KEY');
  const sheetId = '«N:b64url,44»';
  const url = `https://api.openweathermap.org/data/2.5/forecast?q=Hamburg&appid=${key}`;
  const data = JSON.parse(UrlFetchApp.fetch(url).getContentText());
  SpreadsheetApp.openById(sheetId).getSheetByName('forecast').appendRow([new Date(), data.list[0].main.temp]);
}
""",
)

neg(
    "source",
    "tampermonkey userscript with stored token",
    r"""// ==UserScript==
// @name         PR size labels
// @namespace    http://tampermonkey.net/
// @version      0.«N:int,1,9»
// @match        https://github.com/*/pull/*
// @grant        GM_getValue
// @grant        GM_xmlhttpRequest
// @require      https://cdn.jsdelivr.net/npm/lodash@4.17.21/lodash.min.js#sha256=«N:sha256»
// ==/UserScript==

(function () {
  const token = GM_getValue('github_token');
  if (!token) return console.warn('set github_token in the script storage');
})();
""",
)

neg(
    "source",
    "notebook export verifying a webhook with a public key",
    r"""# %%
from cryptography.hazmat.primitives.serialization import load_pem_public_key

PUBLIC_KEY = load_pem_public_key(b'''«N:pubkey»''')

# %%
signature = "«N:b64bytes,64»"
payload = b'{"event":"charge.succeeded","id":"«N:uuid»"}'
""",
)

neg(
    "source",
    "notebook js cell with publishable keys",
    r"""# %%
from IPython.display import HTML

HTML('''
<script src="https://js.stripe.com/v3/" integrity="«N:sri384»" crossorigin="anonymous"></script>
<script>
  const stripe = Stripe("«N:stripe_pk»");
  mapboxgl.accessToken = "«N:mapbox_pk»";
  Sentry.init({ dsn: "«N:sentry_dsn»" });
</script>
''')
""",
)

neg(
    "source",
    "ipython history with digests and ids",
    r""" 1: import hashlib, uuid
 2: hashlib.sha256(open("model.safetensors", "rb").read()).hexdigest()
 2: '«N:sha256»'
 3: uuid.uuid4()
 3: UUID('«N:uuid»')
 4: os.environ.get("OPENAI_API_KEY", "")[:3]
 4: 'sk-'
""",
)

neg(
    "source",
    "kaggle notebook with user secrets client",
    r"""# In[1]:

from kaggle_secrets import UserSecretsClient
secrets = UserSecretsClient()
hf_token = secrets.get_secret("HF_TOKEN")

# In[2]:

from huggingface_hub import login
login(token=hf_token)
""",
)

neg(
    "source",
    "go vcr fixture with redacted header",
    r"""// Code generated by go-vcr recorder; DO NOT EDIT by hand.
package fixtures

var RecordedRequests = []Request{
	{
		Method: "GET",
		URL:    "https://api.github.com/repos/«N:word»/api/commits/«N:sha1»",
		Headers: map[string][]string{
			"Authorization": {"[REDACTED]"},
			"User-Agent":    {"go-github/v62"},
		},
		ResponseHeaders: map[string][]string{
			"Etag":                  {`W/"«N:sha256»"`},
			"X-Github-Request-Id":   {"«N:HEX,4»:«N:HEX,5»:«N:HEX,7»:«N:HEX,7»:«N:HEX,8»"},
		},
	},
}
""",
)

neg(
    "source",
    "deno notebook reading the environment",
    r"""// %%
const key = Deno.env.get("OPENROUTER_API_KEY");
if (!key) throw new Error("OPENROUTER_API_KEY is not set");
// %%
const res = await fetch("https://openrouter.ai/api/v1/models", { headers: { Authorization: `Bearer ${key}` } });
(await res.json()).data.length
""",
)

neg(
    "source",
    "karate feature reading config",
    r"""Feature: orders api

Background:
  * url baseUrl
  * def token = karate.properties['api.token'] || java.lang.System.getenv('API_TOKEN')
  * header Authorization = 'Bearer ' + token
  * header X-Request-Id = java.util.UUID.randomUUID() + ''

Scenario: list orders
  Given path 'v1', 'orders'
  When method get
  Then status 200
""",
)

neg(
    "source",
    "cline rules file pointing at env files",
    r"""# .clinerules

## Environment
- Copy `.env.example` to `.env.local`; the real values are in 1Password ("Neon dev", "Resend dev").
- Never print `DATABASE_URL` or `RESEND_API_KEY`; check presence with `test -n "$RESEND_API_KEY"`.
- Migration ids look like `«N:digits,14»_add_orders` and are safe to quote.
""",
)

neg(
    "source",
    "selenium ide export reading credentials",
    r"""# Generated by Selenium IDE
import os
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

class TestLogin():
  def setup_method(self, method):
    self.driver = webdriver.Chrome()

  def test_login(self):
    self.driver.get("https://backoffice.«N:word».de/")
    self.driver.find_element(By.ID, "username").send_keys(os.environ["BO_USER"])
    self.driver.find_element(By.ID, "password").send_keys(os.environ["BO_PASSWORD"])
    self.driver.find_element(By.ID, "password").send_keys(Keys.ENTER)
""",
)

neg(
    "source",
    "databricks notebook pip install with hashes",
    r"""# Databricks notebook source
# MAGIC %pip install --require-hashes -r /Workspace/Shared/requirements.lock

# COMMAND ----------

# requirements.lock
# pyarrow==16.1.0 --hash=sha256:«N:sha256»
# polars==0.20.«N:int,10,31» --hash=sha256:«N:sha256»

# COMMAND ----------

dbutils.library.restartPython()
""",
)

neg(
    "source",
    "jupytext script with masked key preview",
    r"""# %%
import os
key = os.environ["ANTHROPIC_API_KEY"]
print(f"using key {key[:7]}…{key[-4:]} ({len(key)} chars)")
# output: using key «N:masked_ant» (108 chars)
""",
)

neg(
    "source",
    "pytest conftest with obvious fake tokens",
    r"""import pytest


@pytest.fixture
def fake_env(monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_dummy")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///:memory:")
    monkeypatch.setenv("WEBHOOK_SECRET", "x" * 32)
    yield
""",
)

# --- url: access logs, printed links, clone urls, signed urls and webhooks inside other tools' logs ----

pos(
    "url",
    "docker logs of nginx, access token in the query",
    r"""«N:pubip» - - [«N:clf»] "GET /api/v1/export.csv?access_token=«S:hex,40»&from=«N:date» HTTP/1.1" 200 «N:int,1000,900000» "-" "python-requests/2.31.0"
«N:pubip» - - [«N:clf»] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29"
«N:pubip» - - [«N:clf»] "GET /static/app.«N:hex,8».js HTTP/1.1" 304 0 "https://app.«N:word».io/" "Mozilla/5.0"
""",
)

pos(
    "url",
    "jupyter server log with login urls",
    r"""[I «N:datetime».«N:int,100,999» ServerApp] Jupyter Server 2.«N:int,10,14».0 is running at:
[I «N:datetime».«N:int,100,999» ServerApp] http://«N:hex,12»:8888/lab?token=«S:hex,48@tok»
[I «N:datetime».«N:int,100,999» ServerApp]     http://127.0.0.1:8888/lab?token=«=tok»
[I «N:datetime».«N:int,100,999» ServerApp] Use Control-C to stop this server and shut down all kernels (twice to skip confirmation).
[C «N:datetime».«N:int,100,999» ServerApp] 
    
    To access the server, open this file in a browser:
        file:///home/jovyan/.local/share/jupyter/runtime/jpserver-7-open.html
    Or copy and paste one of these URLs:
        http://«N:hex,12»:8888/lab?token=«=tok»
        http://127.0.0.1:8888/lab?token=«=tok»
""",
)

pos(
    "url",
    "jupyter server list output",
    r"""$ jupyter server list
Currently running servers:
http://localhost:8888/?token=«S:hex,48» :: /home/«N:user»/notebooks
http://localhost:8889/?token=«S:hex,48» :: /home/«N:user»/src/«N:word»
""",
)

pos(
    "url",
    "openvscode-server log with connection token",
    r"""[«N:datetime»] 
*
* Visual Studio Code Server
*
* By using the software, you agree to
* the Visual Studio Code Server License Terms (https://aka.ms/vscode-server-license) and
* the Microsoft Privacy Statement (https://privacy.microsoft.com/en-US/privacystatement).
*
Web UI available at http://localhost:3000/?tkn=«S:uuid»
[«N:datetime»] Extension host agent started.
""",
)

pos(
    "url",
    "livebook startup log with token url",
    r"""[Livebook] Application running at http://0.0.0.0:8080/?token=«S:lownum,32»
«N:hmsms» [info] Running LivebookWeb.Endpoint with Bandit 1.«N:int,2,5».0 at 0.0.0.0:8080 (http)
«N:hmsms» [info] Access LivebookWeb.Endpoint at http://localhost:8080
""",
)

pos(
    "url",
    "heroku router log with a key in the path query",
    r"""«N:isooff» heroku[router]: at=info method=POST path="/webhooks/inbound?key=«S:alnum,32»" host=«N:word»-prod.herokuapp.com request_id=«N:uuid» fwd="«N:pubip»" dyno=web.1 connect=0ms service=«N:int,5,90»ms status=200 bytes=«N:int,100,900» protocol=https
«N:isooff» heroku[router]: at=info method=GET path="/" host=«N:word»-prod.herokuapp.com request_id=«N:uuid» fwd="«N:pubip»" dyno=web.2 connect=0ms service=«N:int,5,90»ms status=200 bytes=«N:int,1000,9000» protocol=https
""",
)

pos(
    "url",
    "github actions log, clone url with installation token",
    r"""«N:iso7» [command]/usr/bin/git remote add origin https://x-access-token:«S:ghs»@github.com/«N:word»/deploy-config
«N:iso7» [command]/usr/bin/git config --local gc.auto 0
«N:iso7» [command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune --no-recurse-submodules --depth=1 origin +«N:sha1»:refs/remotes/origin/main
""",
)

pos(
    "url",
    "jenkins console, remote trigger url with build token",
    r"""Started by remote host «N:pubip» with note: triggered by deploy bot
[Pipeline] echo
trigger: https://jenkins.«N:word».corp/job/deploy-prod/buildWithParameters?token=«S:alnum,32»&VERSION=«N:int,1,9».«N:int,0,40».«N:int,0,9»&cause=release
[Pipeline] build (Building deploy-smoke)
Scheduling project: deploy-smoke
""",
)

pos(
    "url",
    "script output with an s3 presigned url",
    r"""$ aws s3 presign s3://«N:word»-exports/reports/«N:date»/usage.csv --expires-in 604800
https://«N:word»-exports.s3.eu-west-1.amazonaws.com/reports/2024-05-02/usage.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=«N:aws_asid»%2F«N:digits,8»%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=«N:digits,8»T«N:digits,6»Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Security-Token=«S:aws_session|url»&X-Amz-Signature=«S:s3_signature»
""",
)

pos(
    "url",
    "gsutil signurl output",
    r"""URL	HTTP Method	Expiration	Signed URL
gs://«N:word»-models/ckpt/«N:hex,8».safetensors	GET	«N:datetime»	https://storage.googleapis.com/«N:word»-models/ckpt/«N:hex,8».safetensors?x-goog-signature=«S:gcs_signature»&x-goog-algorithm=GOOG4-RSA-SHA256&x-goog-credential=signer%40«N:word».iam.gserviceaccount.com%2F«N:digits,8»%2Feurope-west4%2Fstorage%2Fgoog4_request&x-goog-date=«N:digits,8»T«N:digits,6»Z&x-goog-expires=3600&x-goog-signedheaders=host
""",
)

pos(
    "url",
    "azure cli sas url output",
    r"""$ az storage blob generate-sas --account-name «N:lownum,14» --container-name exports --name q1.parquet --permissions r --expiry «N:date»T23:59Z --full-uri -o tsv
https://«N:lownum,14».blob.core.windows.net/exports/q1.parquet?se=«N:date»T23%3A59Z&sp=r&sv=2022-11-02&sr=b&sig=«S:azure_sig|url»
""",
)

pos(
    "url",
    "github api log download redirect with sas",
    r"""< HTTP/2 302
< location: https://pipelinesghubeus«N:int,1,30».actions.githubusercontent.com/«N:b64url,40»/_apis/pipelines/1/runs/«N:int,100,9999»/signedlogcontent/«N:int,1,9»?urlExpires=«N:isosec»&urlSigningMethod=HMACV1&urlSignature=«S:azure_sig|url»
< x-github-request-id: «N:HEX,4»:«N:HEX,5»:«N:HEX,7»:«N:HEX,7»:«N:HEX,8»
""",
)

pos(
    "url",
    "cloudfront signed url in an app log",
    r"""«N:iso» INFO media.links issued download link for asset «N:uuid»: https://d«N:lownum,13».cloudfront.net/videos/«N:uuid».mp4?Expires=«N:epoch»&Signature=«S:b64url,344»&Key-Pair-Id=K«N:upnum,13»
«N:iso» INFO media.links link expires in 3600s
""",
)

pos(
    "url",
    "docker logs, discord webhook url in an error",
    r"""«N:datetime» ERROR notifier: POST https://discord.com/api/webhooks/«N:digits,19»/«S:discord_hook» failed: 429 Too Many Requests (retry after 1.«N:int,1,9»s)
«N:datetime» INFO  notifier: retrying in 2s
""",
)

pos(
    "url",
    "jenkins console, teams and slack webhook urls",
    r"""[Pipeline] sh
+ curl -fsS -H 'Content-Type: application/json' -d @teams.json https://«N:word».webhook.office.com/webhookb2/«N:uuid»@«N:uuid»/IncomingWebhook/«S:teams_hook»
1
+ curl -fsS -X POST -d @slack.json https://hooks.slack.com/services/T«N:upnum,10»/B«N:upnum,10»/«S:slack_hook»
ok
""",
)

pos(
    "url",
    "syslog, broker urls with passwords",
    r"""«N:syslog» worker-«N:int,1,9» celery-beat[«N:pid»]: ERROR: consumer: Cannot connect to amqp://reports:«S:pw_human|url»@mq.«N:word».lan:5672/reports: [Errno 111] Connection refused.
«N:syslog» worker-1 app[«N:pid»]: cache backend rediss://default:«S:alnum,32»@«N:word»-cache.«N:lownum,6».ng.0001.euw1.cache.amazonaws.com:6379/0
""",
)

pos(
    "url",
    "browser history export with an oauth fragment",
    r"""id|url|title|visit_count|last_visit_time
«N:int,1000,9999»|https://app.«N:word».io/callback#access_token=«S:jwt_user»&token_type=Bearer&expires_in=3600&state=«N:b64url,22»|Signing in…|1|«N:digits,17»
«N:int,1000,9999»|https://app.«N:word».io/dashboard|Dashboard|14|«N:digits,17»
«N:int,1000,9999»|https://github.com/«N:word»/api/pull/«N:int,10,999»|fix: token refresh by «N:user» · Pull Request|3|«N:digits,17»
""",
)

pos(
    "url",
    "mailpit api output with a password reset link",
    r"""$ curl -s http://localhost:8025/api/v1/messages | jq -r '.messages[0].Snippet'
Hi «N:user», someone asked to reset your password. Use this link within 60 minutes: https://staging.«N:word».io/reset-password?token=«S:b64url,43»&email=«N:user»%40«N:word».io
""",
)

pos(
    "url",
    "dev mail catcher log with a magic sign-in link",
    r"""mailhog-1  | [APIv1] KEEPALIVE /api/v1/events
mailhog-1  | «N:datetime» [SMTP «N:ip»:«N:port»] Received message from app@«N:word».dev
mailhog-1  | Subject: Your sign-in link
mailhog-1  | Click to sign in: http://localhost:3000/api/auth/callback/email?callbackUrl=http%3A%2F%2Flocalhost%3A3000%2F&token=«S:hex,64»&email=«N:user»%40«N:word».dev
""",
)

pos(
    "url",
    "kubectl logs, google maps api key in outbound urls",
    r"""«N:iso9» DEBUG geocode GET https://maps.googleapis.com/maps/api/geocode/json?address=Alexanderplatz%2C+Berlin&key=«S:google_api@k» -> 200 («N:int,40,400» ms)
«N:iso9» DEBUG geocode GET https://maps.googleapis.com/maps/api/distancematrix/json?origins=52.52,13.41&destinations=52.50,13.37&key=«=k» -> 200 («N:int,40,400» ms)
""",
)

pos(
    "url",
    "wget log of an ftp mirror with credentials",
    r"""--«N:datetime»--  ftp://mirror:«S:pw_human|url»@ftp.«N:word»-partner.de/outgoing/catalog-«N:date».xml.gz
           => ‘catalog.xml.gz’
Resolving ftp.partner.de (ftp.partner.de)... «N:pubip»
Connecting to ftp.partner.de (ftp.partner.de)|«N:pubip»|:21... connected.
Logging in as mirror ... Logged in!
""",
)

pos(
    "url",
    "buildkit log, pip extra index url with a token",
    r"""#11 [builder 4/7] RUN pip install --no-cache-dir --extra-index-url https://__token__:«S:pypi»@pypi.«N:word».dev/simple -r requirements.txt
#11 1.«N:int,100,999» Looking in indexes: https://pypi.org/simple, https://__token__:****@pypi.«N:word».dev/simple
#11 2.«N:int,100,999» Collecting internal-sdk==3.2.0
""",
)

pos(
    "url",
    "gitlab trigger call in a runner log",
    r"""$ curl --fail -X POST -F token=«S:glptt» -F ref=main -F "variables[UPSTREAM_SHA]=$CI_COMMIT_SHA" https://gitlab.«N:word».dev/api/v4/projects/«N:int,10,999»/trigger/pipeline
{"id":«N:digits,7»,"iid":«N:int,100,9999»,"project_id":«N:int,10,999»,"sha":"«N:sha1»","ref":"main","status":"created","web_url":"https://gitlab.«N:word».dev/platform/deploy/-/pipelines/«N:digits,7»"}
""",
)

pos(
    "url",
    "zapier and ifttt hook urls in a cron log",
    r"""«N:syslog» nas CRON[«N:pid»]: (pi) CMD (curl -s -X POST https://hooks.zapier.com/hooks/catch/«S:zapier_hook»/ -d "disk=$(df -h / | tail -1)")
«N:syslog» nas CRON[«N:pid»]: (pi) CMD (curl -s https://maker.ifttt.com/trigger/backup_done/with/key/«S:b64url,22»)
""",
)

pos(
    "url",
    "google chat webhook in a ci log",
    r"""+ curl -sS -X POST -H 'Content-Type: application/json; charset=UTF-8' 'https://chat.googleapis.com/v1/spaces/AAAA«N:b64url,7»/messages?key=«N:google_api»&token=«S:b64url,43»' -d '{"text": "build «N:int,100,999» passed"}'
{
  "name": "spaces/AAAA«N:b64url,7»/messages/«N:b64url,11».«N:b64url,11»",
""",
)

pos(
    "url",
    "mattermost incoming webhook in a docker log",
    r"""bot-1  | «N:datetime» INFO posting to https://chat.«N:word».org/hooks/«S:lownum,26»
bot-1  | «N:datetime» INFO 200 OK
""",
)

pos(
    "url",
    "firebase realtime database url with auth param",
    r"""«N:iso» [functions] GET https://«N:word»-default-rtdb.europe-west1.firebasedatabase.app/users/«N:alnum,28».json?auth=«S:alnum,40» 200
«N:iso» [functions] PATCH https://«N:word»-default-rtdb.europe-west1.firebasedatabase.app/users/«N:alnum,28»/last_seen.json?auth=«S:alnum,40» 200
""",
)

pos(
    "url",
    "tmux pane with git remotes holding tokens",
    r"""$ git remote -v
origin	https://«N:user»:«S:bitbucket»@bitbucket.org/«N:word»/mobile-app.git (fetch)
origin	https://«N:user»:«S:bitbucket@b»@bitbucket.org/«N:word»/mobile-app.git (push)
azure	https://«S:ado_pat»@dev.azure.com/«N:word»/Platform/_git/infra (fetch)
azure	https://«S:ado_pat@a»@dev.azure.com/«N:word»/Platform/_git/infra (push)
""",
)

pos(
    "url",
    "alb access log with a token in the url",
    r"""https «N:isooff» app/«N:word»-prod-alb/«N:hex,16» «N:pubip»:«N:port» 10.0.«N:int,1,9».«N:int,2,250»:8080 0.001 0.0«N:int,10,99» 0.000 200 200 «N:int,100,900» «N:int,100,9000» "GET https://api.«N:word».io:443/v1/reports/download?id=«N:int,100,9999»&api_key=«S:hex,32» HTTP/2.0" "curl/8.4.0" TLS_AES_128_GCM_SHA256 TLSv1.3 arn:aws:elasticloadbalancing:eu-west-1:«N:digits,12»:targetgroup/api/«N:hex,16» "Root=1-«N:hex,8»-«N:hex,24»" "api.«N:word».io"
""",
)

pos(
    "url",
    "jdbc urls with passwords in a spring log",
    r"""«N:datetime».«N:int,100,999»  INFO 1 --- [           main] com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Starting...
«N:datetime».«N:int,100,999» DEBUG 1 --- [           main] c.e.config.DataSourceConfig              : primary url=jdbc:mysql://db-primary:3306/shop?user=shop&password=«S:pw_random|url»&useSSL=true
«N:datetime».«N:int,100,999» DEBUG 1 --- [           main] c.e.config.DataSourceConfig              : replica url=jdbc:sqlserver://sql-replica:1433;databaseName=shop;user=shop_ro;password=«S:pw_human»;encrypt=true
""",
)

pos(
    "url",
    "rabbitmq management urls in a runbook pane",
    r"""$ rabbitmqadmin --uri "amqps://admin:«S:pw_random|url»@b-«N:uuid».mq.eu-west-1.amazonaws.com:5671/%2F" list queues name messages
+-------------------+----------+
|       name        | messages |
+-------------------+----------+
| invoices          | «N:int,0,900»      |
| invoices.dlq      | 0        |
+-------------------+----------+
""",
)

pos(
    "url",
    "otpauth uri in a qr decoder output",
    r"""QR-Code:otpauth://totp/GitHub:«N:user»?secret=«S:otp_seed,16»&issuer=GitHub
QR-Code:otpauth://totp/Cloudflare:ops%40«N:word».io?secret=«S:otp_seed,32»&issuer=Cloudflare&algorithm=SHA1&digits=6&period=30
""",
)

pos(
    "url",
    "mongodb srv uri in a typescript",
    crlf(r"""$ mongodump --uri="mongodb+srv://backup:«S:pw_human|url»@cluster0.«N:lownum,5».mongodb.net/shop" --archive=shop-«N:date».gz --gzip
«N:isooff»	writing shop.orders to archive 'shop-2024-05-02.gz'
«N:isooff»	done dumping shop.orders («N:int,1000,999999» documents)
"""),
)

pos(
    "url",
    "php-fpm log with a stripe key in the curl url",
    r"""[«N:clf»] WARNING: [pool www] child «N:pid» said into stderr: "PHP Warning:  file_get_contents(https://«S:stripe_sk»:@api.stripe.com/v1/balance): Failed to open stream: HTTP request failed! HTTP/1.1 401 Unauthorized in /var/www/html/admin/balance.php on line 12"
""",
)

pos(
    "url",
    "traefik log, basic auth in a health check url",
    r"""time="«N:isosec»" level=error msg="health check failed: Get \"http://monitor:«S:pw_human|url»@10.0.«N:int,1,9».«N:int,2,250»:9000/health\": dial tcp 10.0.3.12:9000: connect: connection refused" backend=minio@docker
time="«N:isosec»" level=info msg="Configuration loaded from flags."
""",
)

pos(
    "url",
    "npm install log with a tarball url token",
    r"""npm http fetch GET 200 https://npm.«N:word».dev/@«N:word»%2fui/-/ui-4.«N:int,0,20».0.tgz?token=«S:npm» 412ms (cache miss)
npm http fetch GET 200 https://registry.npmjs.org/react 21ms (cache hit)
""",
)

pos(
    "url",
    "har-derived url list with api keys",
    r"""GET https://api.«N:word».io/v1/search?q=boots&api_key=«S:hex,32»
GET https://cdn.«N:word».io/img/«N:hex,16».webp?w=640
POST https://collector.«N:word».io/e?key=«N:alnum,20»&v=2
GET https://maps.googleapis.com/maps/api/js?key=«N:google_api»&libraries=places&callback=initMap
GET https://api.openai.com/v1/models?api-key=«S:openai»
""",
)

pos(
    "url",
    "kubectl logs, elasticsearch url with password",
    r"""«N:iso9» {"@timestamp":"«N:iso»","log.level":"warn","message":"retrying bulk request to https://elastic:«S:pw_random|url»@es-http.logging.svc:9200/_bulk after 429","service.name":"shipper"}
""",
)

pos(
    "url",
    "postman console export with request urls",
    r"""GET https://api.hubapi.com/crm/v3/objects/contacts?limit=10&hapikey=«S:uuid»
200 | 412 ms | 3.1 KB
POST https://api.pipedrive.com/v1/deals?api_token=«S:hex,40»
201 | 380 ms | 1.2 KB
""",
)

pos(
    "url",
    "ftp url in a jenkins artifact deployer log",
    r"""[ArtifactDeployer] - Starting deployment from the post-action ...
[ArtifactDeployer] - Deploying to ftp://deploy:«S:pw_random|url»@ftp.«N:word».com/releases/«N:int,1,9».«N:int,0,20»/
[ArtifactDeployer] - 4 file(s) have been deployed.
""",
)

pos(
    "url",
    "webdav url with credentials in an rclone log",
    r"""«N:datetime» DEBUG : rclone: Version "v1.66.0" starting with parameters ["rclone" "copy" "/srv/photos" ":webdav,url='https://«N:user»:«S:pw_apple»@cloud.«N:word».net/remote.php/dav/files/«N:user»/':photos" "-vv"]
«N:datetime» DEBUG : Creating backend with remote "/srv/photos"
""",
)

pos(
    "url",
    "jupyter notebook log, token in a kernel api url",
    r"""[W «N:datetime».«N:int,100,999» ServerApp] 403 GET /api/kernels?token=«S:hex,48»&_=«N:epochms» (127.0.0.1): '_xsrf' argument missing from POST
[I «N:datetime».«N:int,100,999» ServerApp] Kernel started: «N:uuid»
""",
)

pos(
    "url",
    "ngrok inspector log with a basic-auth tunnel url",
    r"""t=«N:isosec» lvl=info msg="started tunnel" obj=tunnels name=command_line addr=http://localhost:3000 url=https://«N:lownum,4»-«N:int,1,200»-«N:int,1,200».ngrok-free.app
t=«N:isosec» lvl=info msg="join connections" obj=join id=«N:hex,12» l=127.0.0.1:3000 r=«N:pubip»:«N:port»
t=«N:isosec» lvl=info msg="shared link" url=https://preview:«S:pw_human|url»@«N:lownum,4»-«N:int,1,200»-«N:int,1,200».ngrok-free.app/
""",
)

pos(
    "url",
    "signed grafana render url with api key in a chat bot log",
    r"""«N:iso» [alert-bot] rendering https://grafana.«N:word».io/render/d-solo/«N:b64url,9»/api?panelId=4&from=now-6h&width=1000&height=500 with Authorization: Bearer «S:grafana_sa»
«N:iso» [alert-bot] posted image to #incidents
""",
)

pos(
    "url",
    "proxy env urls printed by a ci step",
    r"""«N:iso7» HTTP_PROXY=http://svc-ci:«S:pw_human|url»@proxy.«N:word».corp:3128
«N:iso7» HTTPS_PROXY=http://svc-ci:«S:pw_human|url»@proxy.«N:word».corp:3128
«N:iso7» NO_PROXY=localhost,127.0.0.1,.«N:word».corp
""",
)

pos(
    "url",
    "sentry breadcrumb urls in a text export",
    r"""Breadcrumbs
  «N:hms» http    GET https://api.«N:word».io/v2/me [200]
  «N:hms» http    GET https://api.mapbox.com/geocoding/v5/mapbox.places/berlin.json?access_token=«S:mapbox_sk» [200]
  «N:hms» navigation  /checkout -> /checkout/payment
  «N:hms» http    POST https://api.«N:word».io/v2/orders [500]
""",
)

pos(
    "url",
    "slack api urls with token params in a bot log",
    r"""«N:datetime» DEBUG slack_sdk.web.base_client Sending a request - url: https://slack.com/api/conversations.history?token=«S:slack_user»&channel=C«N:upnum,10»&limit=200
«N:datetime» DEBUG slack_sdk.web.base_client Received the following response - status: 200, headers: {'content-type': 'application/json; charset=utf-8', 'x-slack-req-id': '«N:hex,32»'}
""",
)

pos(
    "url",
    "vault ui wrapped token link in a chat export",
    r"""[«N:datetime»] «N:user»: here's the one-time link for the db creds, expires in 30 min:
[«N:datetime»] «N:user»: https://vault.«N:word».io/ui/vault/tools/unwrap?wrapped_token=«S:vault»
[«N:datetime»] «N:user»: thanks, got it
""",
)

pos(
    "url",
    "docker registry login urls in a compose log",
    r"""registry-mirror-1  | time="«N:isosec»" level=info msg="proxying to https://registry-1.docker.io with username «N:user» and password «S:dockerhub»" go.version=go1.20.8
registry-mirror-1  | time="«N:isosec»" level=info msg="listening on [::]:5000" go.version=go1.20.8
""",
)

pos(
    "url",
    "websocket url with a token in a browser console dump",
    r"""WebSocket connection to 'wss://rt.«N:word».io/socket/websocket?token=«S:jwt_user»&vsn=2.0.0' failed: 
reconnecting in 5000ms
GET https://app.«N:word».io/_next/static/chunks/«N:int,100,999»-«N:hex,16».js net::ERR_ABORTED 404 (Not Found)
""",
)

pos(
    "url",
    "pagerduty integration url in an alert rule export",
    r"""rule "disk-full": notify https://events.pagerduty.com/integration/«S:hex,32»/enqueue
rule "api-5xx": notify https://events.pagerduty.com/integration/«S:hex,32»/enqueue
rule "cert-expiry": notify mailto:oncall@«N:word».io
""",
)

# url negatives

neg(
    "url",
    "docker logs of nginx, pagination cursors and cache busters",
    r"""«N:pubip» - - [«N:clf»] "GET /api/v1/orders?cursor=«N:b64_plain,1»&limit=50 HTTP/1.1" 200 «N:int,1000,90000» "-" "okhttp/4.12.0"
«N:pubip» - - [«N:clf»] "GET /assets/index-«N:hex,8».css?v=«N:hex,40» HTTP/1.1" 200 «N:int,1000,90000» "https://app.«N:word».io/" "Mozilla/5.0"
«N:pubip» - - [«N:clf»] "GET /?utm_source=newsletter&utm_medium=email&utm_campaign=«N:word»&fbclid=«N:b64url,60» HTTP/1.1" 200 «N:int,1000,90000» "-" "Mozilla/5.0"
«N:pubip» - - [«N:clf»] "GET /_next/data/«N:b64url,21»/pricing.json?_rsc=«N:lownum,5» HTTP/1.1" 200 «N:int,100,9000» "-" "Mozilla/5.0"
""",
)

neg(
    "url",
    "oauth authorize url with pkce and client id",
    r"""«N:iso» DEBUG auth redirecting to https://accounts.google.com/o/oauth2/v2/auth?client_id=«N:google_client_id»&redirect_uri=https%3A%2F%2Fapp.«N:word».io%2Fauth%2Fcallback&response_type=code&scope=openid%20email%20profile&state=«N:b64url,32»&nonce=«N:b64url,32»&code_challenge=«N:pkce»&code_challenge_method=S256&prompt=consent
«N:iso» DEBUG auth state stored in session «N:uuid»
""",
)

neg(
    "url",
    "wget log masking the password",
    r"""--«N:datetime»--  https://backup:*password*@dav.«N:word».net/exports/latest.tar.gz
Resolving dav.«N:word».net (dav.«N:word».net)... «N:pubip»
Connecting to dav.«N:word».net (dav.«N:word».net)|«N:pubip»|:443... connected.
HTTP request sent, awaiting response... 401 Unauthorized
Authentication selected: Basic realm="exports"
Reusing existing connection to dav.«N:word».net:443.
HTTP request sent, awaiting response... 200 OK
Length: «N:int,1000000,90000000» («N:int,1,90»M) [application/gzip]
Saving to: ‘latest.tar.gz’
""",
)

neg(
    "url",
    "jupyter log with an elided token",
    r"""[I «N:datetime».«N:int,100,999» ServerApp] Jupyter Server 2.«N:int,10,14».0 is running at:
[I «N:datetime».«N:int,100,999» ServerApp] http://localhost:8888/lab?token=...
[I «N:datetime».«N:int,100,999» ServerApp]     http://127.0.0.1:8888/lab?token=...
[I «N:datetime».«N:int,100,999» ServerApp] Use Control-C to stop this server and shut down all kernels (twice to skip confirmation).
[I «N:datetime».«N:int,100,999» ServerApp] 302 GET / (127.0.0.1) 0.«N:int,10,99»ms
""",
)

neg(
    "url",
    "github actions log, urls of runs, artifacts and commits",
    r"""«N:iso7» View run at https://github.com/«N:word»/api/actions/runs/«N:digits,10»
«N:iso7» Artifact download URL: https://github.com/«N:word»/api/actions/runs/«N:digits,10»/artifacts/«N:digits,10»
«N:iso7» Compare: https://github.com/«N:word»/api/compare/«N:hex,12»...«N:hex,12»
«N:iso7» Commit: https://github.com/«N:word»/api/commit/«N:sha1»
«N:iso7» Image: https://github.com/«N:word»/api/pkgs/container/api/«N:digits,9»?tag=sha-«N:hex,7»
""",
)

neg(
    "url",
    "registry manifest urls with digests",
    r"""GET https://ghcr.io/v2/«N:word»/api/manifests/«N:digest» 200
GET https://ghcr.io/v2/«N:word»/api/blobs/«N:digest» 307
GET https://pkg-containers.githubusercontent.com/ghcr1/blobs/«N:digest»?se=«N:isosec»&sig=REDACTED&sp=r&spr=https&sr=b&sv=2019-12-12 200
GET https://registry-1.docker.io/v2/library/postgres/manifests/16 200
""",
)

neg(
    "url",
    "yarn lock resolved urls with hashes",
    r"""lodash@^4.17.21:
  version "4.17.21"
  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#«N:sha1»"
  integrity «N:integrity»

react@^18.3.1:
  version "18.3.1"
  resolved "https://registry.yarnpkg.com/react/-/react-18.3.1.tgz#«N:sha1»"
  integrity «N:integrity»
""",
)

neg(
    "url",
    "ci log urls with masked credentials",
    r"""«N:iso7» Cloning https://x-access-token:***@github.com/«N:word»/deploy-config
«N:iso7» Pushing to https://***@gitlab.«N:word».dev/platform/charts.git
«N:iso7» Calling https://api.«N:word».io/v1/deploy?token=*** -> 202
«N:iso7» Notified https://hooks.slack.com/services/*** -> 200
""",
)

neg(
    "url",
    "gitlab trace with masked urls",
    r"""$ git clone https://gitlab-ci-token:[MASKED]@gitlab.«N:word».dev/platform/charts.git
Cloning into 'charts'...
$ curl -sf "https://api.«N:word».io/hooks/deploy?key=[MASKED]&env=staging"
{"status":"queued","id":"«N:uuid»"}
""",
)

neg(
    "url",
    "slack webhook placeholder from docs",
    r"""# README excerpt printed by `cat docs/alerts.md`
Set the webhook in the Helm values, e.g.:

    alertmanager:
      slack_api_url: https://hooks.slack.com/services/T00000000/B00000000/«N:xs,24»

The real URL lives in Vault at secret/alerting/slack and is injected at deploy time.
""",
)

neg(
    "url",
    "links to secret managers and consoles",
    r"""See the rotation runbook:
- https://vault.«N:word».io/ui/vault/secrets/kv/show/prod/api/stripe
- https://console.cloud.google.com/security/secret-manager/secret/api-key/versions?project=«N:word»-prod
- https://eu-west-1.console.aws.amazon.com/secretsmanager/secret?name=prod%2Fapi%2Fdb&region=eu-west-1
- https://«N:word».1password.com/vaults/«N:lownum,26»/allitems/«N:lownum,26»
""",
)

neg(
    "url",
    "stripe dashboard links with object ids",
    r"""«N:iso» INFO billing refund issued: https://dashboard.stripe.com/payments/pi_«N:alnum,24»
«N:iso» INFO billing customer: https://dashboard.stripe.com/customers/cus_«N:alnum,14»
«N:iso» INFO billing event: https://dashboard.stripe.com/events/evt_«N:alnum,24»
«N:iso» INFO billing request log: https://dashboard.stripe.com/logs/req_«N:alnum,14»
""",
)

neg(
    "url",
    "public s3 and cloudfront urls with version ids",
    r"""upload: dist/app.js to s3://«N:word»-web/assets/app.«N:hex,8».js
https://«N:word»-web.s3.eu-west-1.amazonaws.com/assets/app.«N:hex,8».js?versionId=«N:b64url,32»
https://d«N:lownum,13».cloudfront.net/assets/app.«N:hex,8».js
CloudFront invalidation I«N:upnum,25» created: https://console.aws.amazon.com/cloudfront/v4/home#/distributions/E«N:upnum,13»/invalidations/details/I«N:upnum,25»
""",
)

neg(
    "url",
    "sentry dsn and public keys in a web log",
    r"""«N:iso» INFO web sentry enabled dsn=«N:sentry_dsn»
«N:iso» INFO web loading https://js.stripe.com/v3/ publishable=«N:stripe_pk»
«N:iso» INFO web map tiles https://api.mapbox.com/styles/v1/mapbox/streets-v12/tiles/256/{z}/{x}/{y}@2x?access_token=«N:mapbox_pk»
""",
)

neg(
    "url",
    "url templates with variables",
    r"""GET {{baseUrl}}/v1/users?api_key={{apiKey}}
GET ${API_URL}/v1/users?token=${API_TOKEN}
GET https://api.«N:word».io/v1/users?access_token=$ACCESS_TOKEN
POST https://hooks.slack.com/services/%SLACK_WEBHOOK_PATH%
GET https://api.«N:word».io/v1/search?q=<query>&key=<your-api-key>
""",
)

neg(
    "url",
    "access log of an sso callback with a code and state",
    r"""«N:pubip» - - [«N:clf»] "GET /oauth2/idpresponse?state=«N:b64url,48»&session_state=«N:uuid»&iss=https%3A%2F%2Fsso.«N:word».io%2Frealms%2Fmain HTTP/1.1" 302 0 "https://sso.«N:word».io/" "Mozilla/5.0"
«N:pubip» - - [«N:clf»] "GET /dashboard HTTP/1.1" 200 «N:int,1000,90000» "https://sso.«N:word».io/" "Mozilla/5.0"
""",
)

neg(
    "url",
    "git remotes without credentials",
    r"""$ git remote -v
origin	git@github.com:«N:word»/api.git (fetch)
origin	git@github.com:«N:word»/api.git (push)
upstream	https://github.com/«N:word»-oss/api.git (fetch)
upstream	https://github.com/«N:word»-oss/api.git (push)
$ git ls-remote --heads origin | head -2
«N:sha1»	refs/heads/main
«N:sha1»	refs/heads/release/2.«N:int,0,9»
""",
)

neg(
    "url",
    "go module proxy urls with sums",
    r"""go: downloading github.com/aws/aws-sdk-go-v2 v1.«N:int,20,30».«N:int,0,9»
go: downloading golang.org/x/crypto v0.«N:int,20,30».0
GET https://proxy.golang.org/github.com/aws/aws-sdk-go-v2/@v/v1.26.1.zip 200
GET https://sum.golang.org/lookup/github.com/aws/aws-sdk-go-v2@v1.26.1 200
github.com/aws/aws-sdk-go-v2 v1.26.1 «N:gosum»
github.com/aws/aws-sdk-go-v2 v1.26.1/go.mod «N:gosum»
""",
)

neg(
    "url",
    "browser history export of docs and dashboards",
    r"""id|url|title|visit_count|last_visit_time
«N:int,1000,9999»|https://docs.stripe.com/keys#obtain-api-keys|API keys | Stripe Documentation|2|«N:digits,17»
«N:int,1000,9999»|https://github.com/settings/tokens?type=beta|Fine-grained personal access tokens|4|«N:digits,17»
«N:int,1000,9999»|https://app.«N:word».io/settings/api-keys?tab=revoked&page=2|API keys · Settings|3|«N:digits,17»
«N:int,1000,9999»|https://platform.openai.com/api-keys|API keys - OpenAI API|1|«N:digits,17»
""",
)

neg(
    "url",
    "har-derived url list with ids only",
    r"""GET https://api.«N:word».io/v1/projects/«N:uuid»/runs?after=«N:ulid»
GET https://api.«N:word».io/v1/runs/«N:ulid»/logs?offset=«N:int,0,9000»
GET https://cdn.«N:word».io/avatars/«N:md5».png?s=80&d=identicon
POST https://api.«N:word».io/v1/events?request_id=«N:uuid»
""",
)

neg(
    "url",
    "kubectl logs, urls with trace and request ids",
    r"""«N:iso9» GET https://payments.internal/v1/intents/pi_«N:alnum,24»?expand=latest_charge traceparent=«N:traceparent» status=200
«N:iso9» POST https://payments.internal/v1/refunds idempotency_key=«N:uuid» status=201
«N:iso9» GET https://inventory.internal/v2/skus?ids=«N:int,1000,9999»,«N:int,1000,9999»&fields=price,stock x-request-id=«N:uuid» status=200
""",
)

neg(
    "url",
    "webhook urls of the receiving side",
    r"""«N:iso» INFO webhooks registered endpoint https://api.«N:word».io/webhooks/stripe (id we_«N:alnum,24», events: 14)
«N:iso» INFO webhooks registered endpoint https://api.«N:word».io/webhooks/github (hook id «N:digits,9»)
«N:iso» INFO webhooks verifying signatures with the secret from STRIPE_WEBHOOK_SECRET
""",
)

neg(
    "url",
    "signed url logged after stripping the signature",
    r"""«N:iso» INFO exports generated link for report «N:uuid»: https://«N:word»-exports.s3.eu-west-1.amazonaws.com/reports/«N:date»/usage.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=«N:aws_akid»%2F«N:digits,8»%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=«N:digits,8»T«N:digits,6»Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=[redacted]
""",
)

neg(
    "url",
    "package urls in an sbom text export",
    r"""pkg:npm/%40«N:word»/ui@4.«N:int,0,9».0?checksum=sha512:«N:hex,128»
pkg:pypi/requests@2.31.0?checksum=sha256:«N:sha256»
pkg:oci/api@«N:digest»?repository_url=ghcr.io/«N:word»/api
pkg:golang/golang.org/x/net@v0.«N:int,20,30».0
""",
)

neg(
    "url",
    "gravatar and image cdn urls",
    r"""https://www.gravatar.com/avatar/«N:md5»?s=200&d=mp
https://images.«N:word».io/products/«N:uuid».jpg?w=800&h=800&fit=crop&auto=format&q=75
https://i.ytimg.com/vi/«N:b64url,11»/hqdefault.jpg?sqp=«N:b64url,40»&rs=«N:b64url,34»
""",
)

neg(
    "url",
    "redis and postgres urls without passwords",
    r"""«N:iso» INFO cache connecting to redis://cache.«N:word».internal:6379/0
«N:iso» INFO db connecting to postgresql://app@db.«N:word».internal:5432/app?sslmode=verify-full&sslrootcert=/etc/ssl/rds.pem
«N:iso» INFO queue connecting to amqp://mq.«N:word».internal:5672/%2F (credentials from /run/secrets/mq)
""",
)

neg(
    "url",
    "cloudflare quick tunnel urls",
    r"""«N:isosec» INF Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick way to experiment and try it out.
«N:isosec» INF Requesting new quick Tunnel on trycloudflare.com...
«N:isosec» INF +--------------------------------------------------------------------------------------------+
«N:isosec» INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |
«N:isosec» INF |  https://«N:word»-«N:word»-«N:word»-«N:word».trycloudflare.com                                 |
«N:isosec» INF +--------------------------------------------------------------------------------------------+
«N:isosec» INF Registered tunnel connection connIndex=0 connection=«N:uuid» event=0 ip=198.41.«N:int,192,223».«N:int,1,250» location=fra08 protocol=quic
""",
)

neg(
    "url",
    "oidc discovery and jwks urls",
    r"""$ curl -s https://sso.«N:word».io/realms/main/.well-known/openid-configuration | jq -r '.issuer, .jwks_uri, .token_endpoint'
https://sso.«N:word».io/realms/main
https://sso.«N:word».io/realms/main/protocol/openid-connect/certs
https://sso.«N:word».io/realms/main/protocol/openid-connect/token
$ curl -s https://sso.«N:word».io/realms/main/protocol/openid-connect/certs | jq -r '.keys[0].kid'
«N:b64url,43»
""",
)

neg(
    "url",
    "gitlab pipeline urls and job ids",
    r"""Pipeline #«N:digits,7» triggered by «N:user»: https://gitlab.«N:word».dev/platform/api/-/pipelines/«N:digits,7»
  build   https://gitlab.«N:word».dev/platform/api/-/jobs/«N:digits,8» (passed, 2m«N:int,1,59»s)
  test    https://gitlab.«N:word».dev/platform/api/-/jobs/«N:digits,8» (passed, 6m«N:int,1,59»s)
  deploy  https://gitlab.«N:word».dev/platform/api/-/jobs/«N:digits,8» (manual)
  MR: https://gitlab.«N:word».dev/platform/api/-/merge_requests/«N:int,100,999»/diffs?commit_id=«N:sha1»
""",
)

neg(
    "url",
    "password reset link already used and masked",
    r"""«N:iso» INFO mailer sent password-reset to «N:user»@«N:word».io link=https://app.«N:word».io/reset-password?token=«N:xs,8»… (expires «N:isosec»)
«N:iso» INFO auth reset token for user «N:uuid» consumed at «N:isosec»
""",
)

neg(
    "url",
    "ngrok api tunnel list with public urls",
    r"""$ curl -s http://127.0.0.1:4040/api/tunnels | jq -r '.tunnels[] | .public_url + " -> " + .config.addr'
https://«N:lownum,4»-«N:int,1,200»-«N:int,1,200»-«N:int,1,200»-«N:int,1,200».ngrok-free.app -> http://localhost:3000
$ curl -s http://127.0.0.1:4040/api/requests/http | jq -r '.requests[0].id'
airt_«N:b64url,27»
""",
)

neg(
    "url",
    "content-addressed download urls",
    r"""https://huggingface.co/«N:word»/«N:word»-7b/resolve/«N:sha1»/model-00001-of-00003.safetensors
https://cdn-lfs.hf.co/repos/«N:hex,2»/«N:hex,2»/«N:sha256»/«N:sha256»?response-content-disposition=attachment%3B+filename*%3DUTF-8%27%27model.safetensors
https://objects.githubusercontent.com/github-production-release-asset-2e65be/«N:digits,9»/«N:uuid»?response-content-type=application%2Foctet-stream
""",
)

neg(
    "url",
    "issue tracker and ci links with ids",
    r"""Issue: https://linear.app/«N:word»/issue/OPS-«N:int,100,9999»/rotate-the-stripe-webhook-secret
CI: https://app.circleci.com/pipelines/github/«N:word»/api/«N:int,1000,99999»/workflows/«N:uuid»/jobs/«N:int,10000,999999»
Docs: https://docs.google.com/document/d/«N:b64url,44»/edit#heading=h.«N:lownum,12»
Trace: https://«N:word».grafana.net/explore?traceId=«N:hex,32»
""",
)

# --- json: asciinema casts, notebooks, journald and docker logs, HAR, editor and API-client exports,
# other agents' event logs, cloud log exports and CLI JSON output ------------------------------------

pos(
    "json",
    "asciinema cast, env output split across writes",
    r"""{"version": 2, "width": «N:cols», "height": 32, "timestamp": «N:epoch», "idle_time_limit": 2.0, "env": {"SHELL": "/bin/zsh", "TERM": "xterm-256color"}}
[«N:t», "o", "\u001b]2;«N:user@u»@mbp:~/src/api\u0007\u001b]1;~/src/api\u0007"]
[«N:t», "o", "\r\u001b[0m\u001b[27m\u001b[24m\u001b[J\u001b[01;32m➜  \u001b[36mapi\u001b[00m \u001b[01;34mgit:(\u001b[31mmain\u001b[34m)\u001b[00m \u001b[K"]
[«N:t,0.05,0.3», "o", "e"]
[«N:t,0.05,0.3», "o", "n"]
[«N:t,0.05,0.3», "o", "v"]
[«N:t,0.05,0.3», "o", " "]
[«N:t,0.05,0.3», "o", "|"]
[«N:t,0.05,0.3», "o", " "]
[«N:t,0.05,0.3», "o", "g"]
[«N:t,0.05,0.3», "o", "r"]
[«N:t,0.05,0.3», "o", "e"]
[«N:t,0.05,0.3», "o", "p"]
[«N:t,0.05,0.3», "o", " "]
[«N:t,0.05,0.3», "o", "K"]
[«N:t,0.05,0.3», "o", "E"]
[«N:t,0.05,0.3», "o", "Y"]
[«N:t», "o", "\r\r\n\u001b[J"]
[«N:t,0.001,0.02», "o", "ANTHROPIC_API_KEY=«S:anthropic@k|head»"]
[«N:t,0.001,0.02», "o", "«=k|tail»\r\nOPENAI_API_KEY=«S:openai»\r\n"]
[«N:t», "o", "\u001b[1m\u001b[7m%\u001b[27m\u001b[1m\u001b[0m                                                                                \r \r"]
""",
)

pos(
    "json",
    "asciinema cast, pasted token in bracketed paste",
    r"""{"version": 2, "width": «N:cols», "height": 40, "timestamp": «N:epoch», "env": {"SHELL": "/bin/bash", "TERM": "xterm-256color"}, "title": "deploy demo"}
[«N:t», "o", "\u001b[?2004h\u001b]0;«N:user@u»@devbox: ~/deploy\u0007\u001b[01;32m«=u»@devbox\u001b[00m:\u001b[01;34m~/deploy\u001b[00m$ "]
[«N:t», "o", "export FLY_API_TOKEN="]
[«N:t», "o", "«S:b64url,40@k»"]
[«N:t», "o", "\r\n\u001b[?2004l\r"]
[«N:t», "o", "\u001b[?2004h\u001b]0;«=u»@devbox: ~/deploy\u0007\u001b[01;32m«=u»@devbox\u001b[00m:\u001b[01;34m~/deploy\u001b[00m$ "]
[«N:t», "o", "fly deploy --remote-only\r\n\u001b[?2004l\r"]
[«N:t», "o", "==> Verifying app config\r\n--> Verified app config\r\n==> Building image\r\n"]
""",
)

pos(
    "json",
    "asciinema cast, cat of a dotenv file with colours",
    r"""{"version": 2, "width": «N:cols», "height": 36, "timestamp": «N:epoch», "env": {"SHELL": "/usr/bin/fish", "TERM": "xterm-256color"}}
[«N:t», "o", "\u001b[32m«N:user»\u001b[m@\u001b[32mlaptop\u001b[m \u001b[32m~/s/shop\u001b[m (main)> "]
[«N:t», "o", "bat --plain .env.production\r\n"]
[«N:t», "o", "\u001b[38;5;203mDATABASE_URL\u001b[0m=\u001b[38;5;186mpostgres://shop:«S:pw_human|url»@db.internal:5432/shop\u001b[0m\r\n\u001b[38;5;203mSTRIPE_SECRET_KEY\u001b[0m=\u001b[38;5;186m«S:stripe_sk@s|head»"]
[«N:t,0.001,0.01», "o", "«=s|tail»\u001b[0m\r\n\u001b[38;5;203mSENTRY_DSN\u001b[0m=\u001b[38;5;186m«N:sentry_dsn»\u001b[0m\r\n"]
[«N:t», "o", "\u001b[32m«N:user»\u001b[m@\u001b[32mlaptop\u001b[m \u001b[32m~/s/shop\u001b[m (main)> "]
""",
)

pos(
    "json",
    "asciinema cast, private key shown by cat",
    r"""{"version": 2, "width": «N:cols», "height": 40, "timestamp": «N:epoch», "env": {"SHELL": "/bin/bash", "TERM": "screen-256color"}}
[«N:t», "o", "root@«N:host»:~# "]
[«N:t», "o", "cat /etc/ssl/private/api.key\r\n"]
[«N:t», "o", "«S:pem_ec|crlf|json»\r\n"]
[«N:t», "o", "root@host:~# "]
[«N:t», "o", "exit\r\n"]
""",
)

pos(
    "json",
    "asciinema cast, aws sts output",
    r"""{"version": 2, "width": «N:cols», "height": 40, "timestamp": «N:epoch», "env": {"SHELL": "/bin/zsh", "TERM": "xterm-256color"}}
[«N:t», "o", "$ aws sts assume-role --role-arn arn:aws:iam::«N:digits,12»:role/admin --role-session-name demo\r\n"]
[«N:t», "o", "{\r\n    \"Credentials\": {\r\n        \"AccessKeyId\": \"«N:aws_asid»\",\r\n        \"SecretAccessKey\": \"«S:aws_secret»\",\r\n"]
[«N:t,0.001,0.02», "o", "        \"SessionToken\": \"«S:aws_session@st|head»"]
[«N:t,0.001,0.02», "o", "«=st|tail»\",\r\n        \"Expiration\": \"«N:isosec»\"\r\n    },\r\n    \"AssumedRoleUser\": {\r\n        \"AssumedRoleId\": \"AROA«N:upnum,17»:demo\",\r\n        \"Arn\": \"arn:aws:sts::«N:digits,12»:assumed-role/admin/demo\"\r\n    }\r\n}\r\n"]
[«N:t», "o", "$ "]
""",
)

pos(
    "json",
    "asciinema cast, mysql password in a typed command",
    r"""{"version": 2, "width": «N:cols», "height": 30, "timestamp": «N:epoch», "env": {"SHELL": "/bin/bash", "TERM": "xterm"}}
[«N:t», "o", "dba@db-1:~$ "]
[«N:t», "o", "mysql -u root -p'«S:pw_human@p»' -e 'select user,host from mysql.user'"]
[«N:t», "o", "\r\n"]
[«N:t», "o", "mysql: [Warning] Using a password on the command line interface can be insecure.\r\n+------------------+-----------+\r\n| user             | host      |\r\n+------------------+-----------+\r\n| app              | %         |\r\n| root             | localhost |\r\n+------------------+-----------+\r\n"]
[«N:t», "o", "dba@db-1:~$ "]
""",
)

pos(
    "json",
    "asciinema cast, gh token shown with progress redraws",
    r"""{"version": 2, "width": «N:cols», "height": 30, "timestamp": «N:epoch», "env": {"SHELL": "/bin/zsh", "TERM": "xterm-256color"}}
[«N:t», "o", "% gh auth refresh -h github.com -s admin:org\r\n"]
[«N:t», "o", "\u001b[?25l⠋ Waiting for authentication...\r"]
[«N:t», "o", "⠙ Waiting for authentication...\r"]
[«N:t», "o", "\u001b[2K\u001b[?25h\u001b[32m✓\u001b[0m Authentication complete.\r\n"]
[«N:t», "o", "% gh auth token\r\n"]
[«N:t», "o", "«S:gho»\r\n"]
[«N:t», "o", "% "]
""",
)

pos(
    "json",
    "asciinema cast, kubectl secret decode with split output",
    r"""{"version": 2, "width": «N:cols», "height": 48, "timestamp": «N:epoch», "env": {"SHELL": "/bin/bash", "TERM": "xterm-256color"}}
[«N:t», "o", "$ kubectl get secret grafana -o jsonpath='{.data.admin-password}' | base64 -d; echo\r\n"]
[«N:t,0.001,0.05», "o", "«S:pw_random,24@p|head»"]
[«N:t,0.001,0.05», "o", "«=p|tail»\r\n"]
[«N:t», "o", "$ "]
""",
)

pos(
    "json",
    "asciinema v1 recording with stdout frames",
    r"""{
  "version": 1,
  "width": «N:cols»,
  "height": 30,
  "duration": 14.«N:int,100,999»,
  "command": "/bin/bash",
  "title": "",
  "env": {"TERM": "xterm-256color", "SHELL": "/bin/bash"},
  "stdout": [
    [0.«N:int,100,999», "$ "],
    [1.«N:int,100,999», "docker login -u ci -p «S:dockerhub» \r\n"],
    [0.«N:int,100,999», "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\r\n"],
    [0.«N:int,100,999», "Login Succeeded\r\n$ "]
  ]
}
""",
)

pos(
    "json",
    "jupyter notebook, key in a code cell",
    r"""{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": «N:int,1,9»,
   "id": "«N:hex,8»",
   "metadata": {},
   "outputs": [],
   "source": [
    "import os\n",
    "from anthropic import Anthropic\n",
    "\n",
    "client = Anthropic(api_key=\"«S:anthropic»\")"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": «N:int,10,19»,
   "id": "«N:hex,8»",
   "metadata": {},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "claude-3-5-haiku-20241022\n"
     ]
    }
   ],
   "source": [
    "print(client.models.list().data[0].id)"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {
   "display_name": "Python 3 (ipykernel)",
   "language": "python",
   "name": "python3"
  },
  "language_info": {
   "name": "python",
   "version": "3.11.«N:int,1,9»"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
""",
)

pos(
    "json",
    "jupyter notebook, token printed in stream output",
    r"""{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": «N:int,2,40»,
   "id": "«N:hex,8»",
   "metadata": {},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "auth ok, token expires in 3599s\n",
      "access_token=«S:google_access»\n",
      "refresh_token=«S:google_refresh»\n"
     ]
    }
   ],
   "source": [
    "creds = flow.run_local_server(port=0)\n",
    "print(f\"auth ok, token expires in {creds.expiry - datetime.utcnow()}\")\n",
    "print(f\"access_token={creds.token}\")\n",
    "print(f\"refresh_token={creds.refresh_token}\")"
   ]
  }
 ],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
""",
)

pos(
    "json",
    "jupyter notebook, execute_result repr of settings",
    r"""{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": «N:int,2,40»,
   "id": "«N:hex,8»",
   "metadata": {},
   "outputs": [
    {
     "data": {
      "text/plain": [
       "{'DB_HOST': 'warehouse.«N:word».internal',\n",
       " 'DB_USER': 'analyst',\n",
       " 'DB_PASSWORD': '«S:pw_random»',\n",
       " 'SLACK_BOT_TOKEN': '«S:slack_bot»'}"
      ]
     },
     "execution_count": «N:int,2,40»,
     "metadata": {},
     "output_type": "execute_result"
    }
   ],
   "source": [
    "dict(settings)"
   ]
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
""",
)

pos(
    "json",
    "jupyter notebook, private key pasted in a cell",
    r"""{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": null,
   "id": "«N:hex,8»",
   "metadata": {},
   "outputs": [],
   "source": [
    "GITHUB_APP_ID = «N:int,100000,999999»\n",
    "PRIVATE_KEY = \"\"\"«S:pem_rsa|nb,4»\"\"\"\n"
   ]
  }
 ],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
""",
)

pos(
    "json",
    "jupyter notebook, traceback with a connection string",
    r"""{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": «N:int,2,40»,
   "id": "«N:hex,8»",
   "metadata": {},
   "outputs": [
    {
     "ename": "OperationalError",
     "evalue": "(psycopg2.OperationalError) could not translate host name \"pg-prod\" to address",
     "output_type": "error",
     "traceback": [
      "\u001b[0;31m---------------------------------------------------------------------------\u001b[0m",
      "\u001b[0;31mOperationalError\u001b[0m                          Traceback (most recent call last)",
      "Cell \u001b[0;32mIn[«N:int,2,40»], line 3\u001b[0m\n\u001b[1;32m      1\u001b[0m \u001b[38;5;28;01mimport\u001b[39;00m \u001b[38;5;21;01msqlalchemy\u001b[39;00m \u001b[38;5;28;01mas\u001b[39;00m \u001b[38;5;21;01msa\u001b[39;00m\n\u001b[0;32m----> 3\u001b[0m engine \u001b[38;5;241m=\u001b[39m sa\u001b[38;5;241m.\u001b[39mcreate_engine(\u001b[38;5;124m\"\u001b[39m\u001b[38;5;124mpostgresql://etl:«S:pw_human|url»@pg-prod:5432/warehouse\u001b[39m\u001b[38;5;124m\"\u001b[39m)\n",
      "\u001b[0;31mOperationalError\u001b[0m: (psycopg2.OperationalError) could not translate host name \"pg-prod\" to address"
     ]
    }
   ],
   "source": [
    "import sqlalchemy as sa\n",
    "\n",
    "engine = sa.create_engine(\"postgresql://etl:«S:pw_human@p2|url»@pg-prod:5432/warehouse\")"
   ]
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
""",
)

pos(
    "json",
    "jupyter notebook, env magic and pip with token",
    r"""{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "«N:hex,8»",
   "metadata": {
    "tags": ["parameters"]
   },
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "env: WANDB_API_KEY=«S:hex,40@w»\n"
     ]
    }
   ],
   "source": [
    "%env WANDB_API_KEY=«=w»\n",
    "!pip install -q git+https://oauth2:«S:glpat»@gitlab.com/«N:word»/ml-utils.git"
   ]
  }
 ],
 "metadata": {"papermill": {"duration": «N:int,10,900».«N:int,1,9», "start_time": "«N:isooff»"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
""",
)

pos(
    "json",
    "jupyter notebook, markdown cell with credentials",
    r"""{
 "cells": [
  {
   "cell_type": "markdown",
   "id": "«N:hex,8»",
   "metadata": {},
   "source": [
    "## Access\n",
    "\n",
    "Staging Metabase: https://metabase.«N:word».dev, user `analytics@«N:word».dev`, password `«S:pw_human»`\n",
    "\n",
    "Mixpanel service account secret: `«S:alnum,32»`"
   ]
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
""",
)

pos(
    "json",
    "journald json records, secret on a command line",
    r"""{"__CURSOR":"«N:cursor»","__REALTIME_TIMESTAMP":"«N:usec»","__MONOTONIC_TIMESTAMP":"«N:digits,10»","_BOOT_ID":"«N:hex,32»","PRIORITY":"6","_UID":"997","_GID":"997","_MACHINE_ID":"«N:hex,32»","_HOSTNAME":"«N:host»","SYSLOG_IDENTIFIER":"node_exporter","_PID":"«N:pid»","_COMM":"pushgateway-cl","_EXE":"/usr/local/bin/pushgateway-client","_CMDLINE":"/usr/local/bin/pushgateway-client --url https://push.«N:word».io --password «S:pw_random»","_SYSTEMD_UNIT":"push.service","_TRANSPORT":"stdout","MESSAGE":"pushed 42 metrics"}
{"__CURSOR":"«N:cursor»","__REALTIME_TIMESTAMP":"«N:usec»","__MONOTONIC_TIMESTAMP":"«N:digits,10»","_BOOT_ID":"«N:hex,32»","PRIORITY":"6","_MACHINE_ID":"«N:hex,32»","_HOSTNAME":"host","SYSLOG_IDENTIFIER":"systemd","_PID":"1","MESSAGE":"push.service: Deactivated successfully.","_SYSTEMD_UNIT":"init.scope"}
""",
)

pos(
    "json",
    "journald json records, token in a message",
    r"""{"__CURSOR":"«N:cursor»","__REALTIME_TIMESTAMP":"«N:usec»","_BOOT_ID":"«N:hex,32»","PRIORITY":"7","_HOSTNAME":"«N:host»","SYSLOG_IDENTIFIER":"gitea","_PID":"«N:pid»","_SYSTEMD_UNIT":"gitea.service","MESSAGE":"«N:datetime» ...ters/private/hook.go:87:HookPreReceive() [D] hook: using internal token «S:jwt_user» for repo ops/infra"}
{"__CURSOR":"«N:cursor»","__REALTIME_TIMESTAMP":"«N:usec»","_BOOT_ID":"«N:hex,32»","PRIORITY":"6","_HOSTNAME":"host","SYSLOG_IDENTIFIER":"gitea","_PID":"«N:pid»","_SYSTEMD_UNIT":"gitea.service","MESSAGE":"«N:datetime» ...s/web/repo/http.go:486:serviceRPC() [I] git-receive-pack 200 in 41.2ms"}
""",
)

pos(
    "json",
    "docker json-file log, config dump",
    r"""{"log":"«N:datetime» INFO  [main] starting worker v3.«N:int,1,9».0\n","stream":"stdout","time":"«N:iso9»"}
{"log":"«N:datetime» DEBUG [main] config: {\"queue\":\"billing\",\"s3_bucket\":\"«N:word»-invoices\",\"aws_secret_access_key\":\"«S:aws_secret»\",\"aws_access_key_id\":\"«N:aws_akid»\"}\n","stream":"stdout","time":"«N:iso9»"}
{"log":"«N:datetime» INFO  [main] connected to sqs\n","stream":"stdout","time":"«N:iso9»"}
""",
)

pos(
    "json",
    "docker json-file log, stderr with a bearer header",
    r"""{"log":"Traceback (most recent call last):\n","stream":"stderr","time":"«N:iso9»"}
{"log":"  File \"/app/sync.py\", line 44, in \u003cmodule\u003e\n","stream":"stderr","time":"«N:iso9»"}
{"log":"requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://api.notion.com/v1/databases/«N:hex,32»/query (headers={'Authorization': 'Bearer «S:notion»', 'Notion-Version': '2022-06-28'})\n","stream":"stderr","time":"«N:iso9»"}
""",
)

pos(
    "json",
    "docker inspect with env",
    r"""[
    {
        "Id": "«N:hex,64»",
        "Created": "«N:iso9»",
        "Path": "docker-entrypoint.sh",
        "Args": ["node", "server.js"],
        "Image": "«N:digest»",
        "Name": "/api",
        "Config": {
            "Hostname": "«N:hex,12»",
            "Env": [
                "NODE_ENV=production",
                "DATABASE_URL=postgres://api:«S:pw_random|url»@db:5432/api",
                "JWT_SECRET=«S:hex,64»",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "NODE_VERSION=20.«N:int,10,19».0"
            ],
            "Image": "ghcr.io/«N:word»/api:«N:hex,7»"
        }
    }
]
""",
)

pos(
    "json",
    "har entry with authorization and cookie headers",
    r"""{
  "log": {
    "version": "1.2",
    "creator": {"name": "WebInspector", "version": "537.36"},
    "pages": [{"startedDateTime": "«N:iso»", "id": "page_1", "title": "https://app.«N:word».io/settings", "pageTimings": {"onContentLoad": «N:int,200,900».1, "onLoad": «N:int,900,3000».4}}],
    "entries": [
      {
        "_initiator": {"type": "script"},
        "_priority": "High",
        "_resourceType": "fetch",
        "cache": {},
        "connection": "«N:int,1000,99999»",
        "pageref": "page_1",
        "request": {
          "method": "GET",
          "url": "https://api.«N:word».io/v1/me",
          "httpVersion": "http/2.0",
          "headers": [
            {"name": ":authority", "value": "api.«N:word».io"},
            {"name": "authorization", "value": "Bearer «S:jwt_user»"},
            {"name": "cookie", "value": "connect.sid=«S:session_express»; theme=dark"},
            {"name": "x-request-id", "value": "«N:uuid»"}
          ],
          "queryString": [],
          "cookies": [{"name": "connect.sid", "value": "«S:session_express@c2»", "path": "/", "domain": "api.«N:word».io", "httpOnly": true, "secure": true}],
          "headersSize": -1,
          "bodySize": 0
        },
        "response": {"status": 200, "statusText": "", "httpVersion": "http/2.0", "headers": [{"name": "etag", "value": "W/\"«N:hex,40»\""}], "content": {"size": 412, "mimeType": "application/json"}, "redirectURL": "", "headersSize": -1, "bodySize": -1},
        "serverIPAddress": "«N:pubip»",
        "startedDateTime": "«N:iso»",
        "time": «N:int,20,400».«N:int,100,999»,
        "timings": {"blocked": 1.2, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 88.4, "receive": 1.0}
      }
    ]
  }
}
""",
)

pos(
    "json",
    "har entry with a login post body and set-cookie",
    r"""{"log": {"version": "1.2", "creator": {"name": "Firefox", "version": "125.0"}, "entries": [
  {
    "pageref": "page_1",
    "startedDateTime": "«N:iso»",
    "request": {
      "bodySize": «N:int,40,120»,
      "method": "POST",
      "url": "https://«N:word».example-shop.de/account/login",
      "httpVersion": "HTTP/2",
      "headers": [{"name": "Content-Type", "value": "application/x-www-form-urlencoded"}],
      "cookies": [],
      "queryString": [],
      "headersSize": 812,
      "postData": {
        "mimeType": "application/x-www-form-urlencoded",
        "params": [
          {"name": "email", "value": "«N:user»%40«N:word».de"},
          {"name": "password", "value": "«S:pw_human|url»"}
        ],
        "text": "email=«N:user»%40«N:word».de&password=«S:pw_human@p2|url»"
      }
    },
    "response": {
      "status": 302,
      "statusText": "Found",
      "httpVersion": "HTTP/2",
      "headers": [{"name": "set-cookie", "value": "PHPSESSID=«S:lownum,26»; path=/; secure; HttpOnly; SameSite=Lax"}, {"name": "location", "value": "/account"}],
      "cookies": [],
      "content": {"mimeType": "text/html", "size": 0},
      "redirectURL": "/account",
      "headersSize": 644,
      "bodySize": 0
    },
    "cache": {},
    "timings": {"blocked": 0, "dns": 0, "connect": 0, "ssl": 0, "send": 0, "wait": «N:int,20,300», "receive": 0},
    "time": «N:int,20,300»
  }
]}}
""",
)

pos(
    "json",
    "har entry with an api key in the query string",
    r"""{"log":{"version":"1.2","creator":{"name":"Charles Proxy","version":"4.6.6"},"entries":[{"startedDateTime":"«N:isooff»","time":«N:int,20,900»,"request":{"method":"GET","url":"https://api.themoviedb.org/3/movie/popular?api_key=«S:hex,32@k»&language=en-US&page=1","httpVersion":"HTTP/1.1","cookies":[],"headers":[{"name":"Host","value":"api.themoviedb.org"},{"name":"Accept","value":"application/json"}],"queryString":[{"name":"api_key","value":"«=k»"},{"name":"language","value":"en-US"},{"name":"page","value":"1"}],"headersSize":264,"bodySize":0},"response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","cookies":[],"headers":[{"name":"Content-Type","value":"application/json;charset=utf-8"}],"content":{"size":«N:int,1000,9000»,"mimeType":"application/json;charset=utf-8"},"redirectURL":"","headersSize":512,"bodySize":«N:int,1000,9000»},"cache":{},"timings":{"dns":-1,"connect":-1,"ssl":-1,"send":0,"wait":«N:int,20,900»,"receive":3}}]}}
""",
)

pos(
    "json",
    "har entry with an oauth token response body",
    r"""{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "entries": [{
  "request": {"method": "POST", "url": "https://oauth2.googleapis.com/token", "headers": [{"name": "content-type", "value": "application/x-www-form-urlencoded"}], "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "code=4%2F0A«N:b64url,60»&client_id=«N:google_client_id»&client_secret=«S:gcp_client_secret»&redirect_uri=http%3A%2F%2Flocalhost%3A8080&grant_type=authorization_code"}},
  "response": {"status": 200, "content": {"mimeType": "application/json; charset=utf-8", "text": "{\n  \"access_token\": \"«S:google_access»\",\n  \"expires_in\": 3599,\n  \"refresh_token\": \"«S:google_refresh»\",\n  \"scope\": \"https://www.googleapis.com/auth/drive.readonly\",\n  \"token_type\": \"Bearer\"\n}"}},
  "startedDateTime": "«N:iso»", "time": «N:int,50,400»
}]}}
""",
)

pos(
    "json",
    "vs code settings.json with rest client env and proxy",
    r"""{
    "editor.formatOnSave": true,
    "files.exclude": {"**/.git": true, "**/node_modules": true},
    "http.proxy": "http://«N:user»:«S:pw_human|url»@proxy.«N:word».corp:8080",
    "http.proxyStrictSSL": false,
    "rest-client.environmentVariables": {
        "$shared": {"version": "v2"},
        "staging": {"host": "https://staging.«N:word».io", "token": "«S:jwt_user»"},
        "prod": {"host": "https://api.«N:word».io", "token": "«S:jwt_user»"}
    },
    "sqltools.connections": [
        {"previewLimit": 50, "server": "db.«N:word».internal", "port": 5432, "driver": "PostgreSQL", "name": "prod-ro", "database": "app", "username": "readonly", "password": "«S:pw_random»"}
    ]
}
""",
)

pos(
    "json",
    "vs code launch.json with env",
    r"""{
    // Use IntelliSense to learn about possible attributes.
    "version": "0.2.0",
    "configurations": [
        {
            "name": "Python: FastAPI",
            "type": "debugpy",
            "request": "launch",
            "module": "uvicorn",
            "args": ["app.main:app", "--reload", "--port", "8000"],
            "env": {
                "DATABASE_URL": "postgresql://app:«S:pw_human|url»@localhost:5432/app",
                "OPENAI_API_KEY": "«S:openai»",
                "LOG_LEVEL": "debug"
            },
            "jinja": true
        },
        {
            "name": "Node: worker",
            "type": "node",
            "request": "launch",
            "program": "${workspaceFolder}/worker/index.js",
            "env": {"SLACK_BOT_TOKEN": "«S:slack_bot»"}
        }
    ]
}
""",
)

pos(
    "json",
    "vs code tasks.json with a curl command",
    r"""{
    "version": "2.0.0",
    "tasks": [
        {
            "label": "seed staging",
            "type": "shell",
            "command": "curl -fsS -X POST https://staging.«N:word».io/admin/seed -H 'X-Admin-Token: «S:hex,48»'",
            "problemMatcher": []
        },
        {
            "label": "deploy preview",
            "type": "shell",
            "command": "npx vercel --token «S:alnum,24» --yes",
            "group": "build"
        }
    ]
}
""",
)

pos(
    "json",
    "vs code mcp.json with an inline token",
    r"""{
  "servers": {
    "github": {
      "type": "stdio",
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "«S:gh_fine»"}
    },
    "linear": {
      "type": "http",
      "url": "https://mcp.linear.app/mcp",
      "headers": {"Authorization": "Bearer «S:linear»"}
    }
  }
}
""",
)

pos(
    "json",
    "vs code sftp.json with a password",
    r"""{
    "name": "staging",
    "host": "«N:pubip»",
    "protocol": "sftp",
    "port": 22,
    "username": "deploy",
    "password": "«S:pw_human»",
    "remotePath": "/var/www/html",
    "uploadOnSave": true,
    "ignore": [".vscode", ".git", ".DS_Store", "node_modules"]
}
""",
)

pos(
    "json",
    "devcontainer.json with container env",
    r"""{
	"name": "api",
	"dockerComposeFile": "docker-compose.yml",
	"service": "app",
	"workspaceFolder": "/workspaces/${localWorkspaceFolderBasename}",
	"features": {
		"ghcr.io/devcontainers/features/node:1": {"version": "20"}
	},
	"containerEnv": {
		"NPM_TOKEN": "«S:npm»",
		"SENTRY_AUTH_TOKEN": "«S:sentry_token»"
	},
	"remoteEnv": {"PATH": "${containerEnv:PATH}:/workspaces/bin"},
	"postCreateCommand": "npm ci"
}
""",
)

pos(
    "json",
    "postman collection with bearer auth and api key header",
    r"""{
	"info": {
		"_postman_id": "«N:uuid»",
		"name": "«N:word» public API",
		"schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
		"_exporter_id": "«N:digits,8»"
	},
	"item": [
		{
			"name": "List customers",
			"request": {
				"auth": {
					"type": "bearer",
					"bearer": [{"key": "token", "value": "«S:stripe_sk»", "type": "string"}]
				},
				"method": "GET",
				"header": [{"key": "Stripe-Version", "value": "2024-06-20"}],
				"url": {"raw": "https://api.stripe.com/v1/customers?limit=3", "protocol": "https", "host": ["api", "stripe", "com"], "path": ["v1", "customers"], "query": [{"key": "limit", "value": "3"}]}
			},
			"response": []
		},
		{
			"name": "Send SMS",
			"request": {
				"auth": {
					"type": "basic",
					"basic": [{"key": "password", "value": "«S:twilio_token»", "type": "string"}, {"key": "username", "value": "«N:twilio_sid»", "type": "string"}]
				},
				"method": "POST",
				"header": [],
				"url": {"raw": "https://api.twilio.com/2010-04-01/Accounts/{{accountSid}}/Messages.json"}
			},
			"response": []
		}
	]
}
""",
)

pos(
    "json",
    "postman environment export with secret values",
    r"""{
	"id": "«N:uuid»",
	"name": "Production",
	"values": [
		{"key": "baseUrl", "value": "https://api.«N:word».io", "type": "default", "enabled": true},
		{"key": "apiKey", "value": "«S:hex,40»", "type": "secret", "enabled": true},
		{"key": "clientSecret", "value": "«S:b64url,48»", "type": "secret", "enabled": true},
		{"key": "accessToken", "value": "«S:jwt_user»", "type": "any", "enabled": true},
		{"key": "tenantId", "value": "«N:uuid»", "type": "default", "enabled": true}
	],
	"_postman_variable_scope": "environment",
	"_postman_exported_at": "«N:iso»",
	"_postman_exported_using": "Postman/11.«N:int,0,9».«N:int,0,9»"
}
""",
)

pos(
    "json",
    "postman collection with a pre-request script",
    r"""{
	"info": {"_postman_id": "«N:uuid»", "name": "Payments sandbox", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
	"event": [
		{
			"listen": "prerequest",
			"script": {
				"type": "text/javascript",
				"exec": [
					"const secret = '«S:hex,64»';",
					"const body = pm.request.body ? pm.request.body.raw : '';",
					"const sig = CryptoJS.HmacSHA256(body, secret).toString();",
					"pm.request.headers.upsert({ key: 'X-Signature', value: sig });"
				]
			}
		}
	],
	"variable": [{"key": "baseUrl", "value": "https://sandbox.«N:word»pay.com"}]
}
""",
)

pos(
    "json",
    "postman globals export",
    r"""{
	"id": "«N:uuid»",
	"values": [
		{"key": "gitlabToken", "value": "«S:glpat»", "enabled": true},
		{"key": "jiraUser", "value": "«N:user»@«N:word».com", "enabled": true},
		{"key": "jiraToken", "value": "«S:atlassian»", "enabled": true}
	],
	"name": "Globals",
	"_postman_variable_scope": "globals",
	"_postman_exported_at": "«N:iso»",
	"_postman_exported_using": "Postman/10.«N:int,10,24».«N:int,0,9»"
}
""",
)

pos(
    "json",
    "insomnia v4 json export with headers",
    r"""{"_type":"export","__export_format":4,"__export_date":"«N:iso»","__export_source":"insomnia.desktop.app:v2023.5.8","resources":[{"_id":"req_«N:hex,32»","parentId":"wrk_«N:hex,32»","modified":«N:epochms»,"created":«N:epochms»,"url":"https://api.replicate.com/v1/predictions","name":"create prediction","description":"","method":"POST","body":{"mimeType":"application/json","text":"{\n  \"version\": \"«N:hex,64»\",\n  \"input\": {\"prompt\": \"a red fox\"}\n}"},"parameters":[],"headers":[{"name":"Authorization","value":"Token «S:replicate»"},{"name":"Content-Type","value":"application/json"}],"authentication":{},"metaSortKey":-«N:epochms»,"isPrivate":false,"settingStoreCookies":true,"settingSendCookies":true,"settingDisableRenderRequestBody":false,"settingEncodeUrl":true,"settingRebuildPath":true,"settingFollowRedirects":"global","_type":"request"},{"_id":"env_«N:hex,32»","parentId":"wrk_«N:hex,32»","modified":«N:epochms»,"created":«N:epochms»,"name":"Base Environment","data":{"hf_token":"«S:hf»"},"dataPropertyOrder":{"&":["hf_token"]},"color":null,"isPrivate":false,"metaSortKey":«N:epochms»,"_type":"environment"}]}
""",
)

pos(
    "json",
    "intellij http client private env",
    r"""{
  "dev": {
    "host": "http://localhost:8080",
    "username": "admin",
    "password": "«S:pw_human»"
  },
  "staging": {
    "host": "https://staging.«N:word».io",
    "username": "qa-bot",
    "password": "«S:pw_random»",
    "apiKey": "«S:alnum,40»"
  }
}
""",
)

pos(
    "json",
    "thunder client collection with headers",
    r"""{
    "_id": "«N:uuid»",
    "colName": "CRM",
    "created": "«N:iso»",
    "sortNum": 10000,
    "folders": [],
    "requests": [
        {
            "_id": "«N:uuid»",
            "colId": "«N:uuid»",
            "containerId": "",
            "name": "contacts",
            "url": "https://api.hubapi.com/crm/v3/objects/contacts",
            "method": "GET",
            "sortNum": 10000,
            "created": "«N:iso»",
            "modified": "«N:iso»",
            "headers": [{"name": "Authorization", "value": "Bearer «S:hubspot»"}]
        }
    ]
}
""",
)

pos(
    "json",
    "gemini cli chat checkpoint with a shell result",
    r"""[
  {
    "role": "user",
    "parts": [{"text": "why can't the worker reach the bucket?"}]
  },
  {
    "role": "model",
    "parts": [{"functionCall": {"id": "run_shell_command-«N:epochms»-«N:hex,12»", "name": "run_shell_command", "args": {"command": "cat ~/.config/rclone/rclone.conf", "description": "Show the rclone remotes"}}}]
  },
  {
    "role": "user",
    "parts": [{"functionResponse": {"id": "run_shell_command-«N:epochms»-«N:hex,12»", "name": "run_shell_command", "response": {"output": "Command: cat ~/.config/rclone/rclone.conf\nDirectory: (root)\nStdout: [r2]\ntype = s3\nprovider = Cloudflare\naccess_key_id = «N:hex,32»\nsecret_access_key = «S:hex,64»\nendpoint = https://«N:hex,32».r2.cloudflarestorage.com\n\nStderr: (empty)\nError: (none)\nExit Code: 0\nSignal: (none)\nBackground PIDs: (none)\nProcess Group PGID: «N:pid»"}}}]
  }
]
""",
)

pos(
    "json",
    "gemini cli logs.json with a pasted key",
    r"""[
  {
    "sessionId": "«N:uuid»",
    "messageId": 0,
    "type": "user",
    "message": "set up the mistral client, my key is «S:alnum,32»",
    "timestamp": "«N:iso»"
  },
  {
    "sessionId": "«N:uuid»",
    "messageId": 1,
    "type": "user",
    "message": "/chat save mistral-setup",
    "timestamp": "«N:iso»"
  }
]
""",
)

pos(
    "json",
    "openhands event stream, run action and observation",
    r"""{"id": «N:int,10,90», "timestamp": "«N:isooff»", "source": "agent", "message": "Running command: cat .env", "action": "run", "args": {"command": "cat .env", "is_input": false, "thought": "Let me check which variables the app expects.", "blocking": false, "hidden": false, "confirmation_state": "confirmed"}}
{"id": «N:int,91,99», "timestamp": "«N:isooff»", "source": "agent", "message": "Command `cat .env` executed with exit code 0.", "cause": «N:int,10,90», "observation": "run", "content": "SUPABASE_URL=https://«N:lownum,20».supabase.co\nSUPABASE_ANON_KEY=«N:jwt_anon»\nSUPABASE_SERVICE_ROLE_KEY=«S:jwt_service_role»\nRESEND_API_KEY=«S:resend»", "extras": {"command": "cat .env", "metadata": {"exit_code": 0, "pid": -1, "username": "openhands", "hostname": "«N:hex,12»", "working_dir": "/workspace", "py_interpreter_path": "/openhands/poetry/openhands-ai-5O4_aCHf-py3.12/bin/python", "prefix": "", "suffix": "\n[The command completed with exit code 0.]"}, "hidden": false}, "success": true}
""",
)

pos(
    "json",
    "cline ui_messages with a command output",
    r"""[
  {"ts": «N:epochms», "type": "say", "say": "task", "text": "The deploy script fails with 403, can you look?"},
  {"ts": «N:epochms», "type": "ask", "ask": "command", "text": "cat deploy/.netrc", "conversationHistoryIndex": 3},
  {"ts": «N:epochms», "type": "say", "say": "command_output", "text": "machine api.heroku.com\n  login ops@«N:word».io\n  password «S:uuid»\nmachine git.heroku.com\n  login ops@«N:word».io\n  password «S:uuid@h»", "conversationHistoryIndex": 4},
  {"ts": «N:epochms», "type": "say", "say": "text", "text": "The netrc has two entries; the token may have expired.", "partial": false}
]
""",
)

pos(
    "json",
    "cline api conversation history with a tool result",
    r"""[
  {"role": "assistant", "content": [{"type": "text", "text": "<execute_command>\n<command>kubectl -n ci get secret runner -o jsonpath='{.data.token}' | base64 -d</command>\n<requires_approval>true</requires_approval>\n</execute_command>"}]},
  {"role": "user", "content": [{"type": "text", "text": "[execute_command for 'kubectl -n ci get secret runner -o jsonpath='{.data.token}' | base64 -d'] Result:"}, {"type": "text", "text": "Command executed.\nOutput:\n«S:glrt»"}, {"type": "text", "text": "<environment_details>\n# VSCode Visible Files\ncharts/runner/values.yaml\n\n# Current Time\n«N:datetime»\n</environment_details>"}]}
]
""",
)

pos(
    "json",
    "goose session jsonl with a tool response",
    r"""{"working_dir":"/Users/«N:user»/src/«N:word»","description":"Fix failing payments webhook","schedule_id":null,"message_count":6,"total_tokens":«N:int,10000,90000»,"input_tokens":«N:int,10000,80000»,"output_tokens":«N:int,1000,9000»}
{"id":null,"role":"assistant","created":«N:epoch»,"content":[{"type":"toolRequest","id":"toolu_«N:alnum,24»","toolCall":{"status":"success","value":{"name":"developer__shell","arguments":{"command":"grep -r WEBHOOK .env*"}}}}]}
{"id":null,"role":"user","created":«N:epoch»,"content":[{"type":"toolResponse","id":"toolu_«N:alnum,24»","toolResult":{"status":"success","value":[{"type":"text","text":".env:STRIPE_WEBHOOK_SECRET=«S:stripe_whsec»\n.env.local:STRIPE_WEBHOOK_SECRET=«S:stripe_whsec»\n","annotations":{"audience":["assistant"]}}]}}]}
""",
)

pos(
    "json",
    "continue session json with a pasted config",
    r"""{
  "sessionId": "«N:uuid»",
  "title": "Fix redis connection",
  "workspaceDirectory": "file:///home/«N:user»/src/«N:word»",
  "history": [
    {
      "message": {"role": "user", "content": "this is what I have in settings.py:\n\nCACHES = {\"default\": {\"BACKEND\": \"django_redis.cache.RedisCache\", \"LOCATION\": \"rediss://default:«S:alnum,32»@«N:word»-cache.upstash.io:6379\"}}"},
      "contextItems": []
    }
  ]
}
""",
)

pos(
    "json",
    "cloudwatch filter-log-events output",
    r"""{
    "events": [
        {
            "logStreamName": "2024/05/02/[$LATEST]«N:hex,32»",
            "timestamp": «N:epochms»,
            "message": "START RequestId: «N:uuid» Version: $LATEST\n",
            "ingestionTime": «N:epochms»,
            "eventId": "«N:digits,56»"
        },
        {
            "logStreamName": "2024/05/02/[$LATEST]«N:hex,32»",
            "timestamp": «N:epochms»,
            "message": "«N:iso»\t«N:uuid»\tINFO\tevent {\"headers\":{\"authorization\":\"Bearer «S:jwt_user»\",\"x-forwarded-for\":\"«N:pubip»\"},\"path\":\"/v1/orders\"}\n",
            "ingestionTime": «N:epochms»,
            "eventId": "«N:digits,56»"
        }
    ],
    "searchedLogStreams": []
}
""",
)

pos(
    "json",
    "gcloud logging read json entries",
    r"""[
  {
    "insertId": "«N:lownum,14»",
    "jsonPayload": {
      "message": "sync failed",
      "error": "401 from https://api.hubapi.com",
      "request": {"headers": {"authorization": "Bearer «S:hubspot»"}}
    },
    "logName": "projects/«N:word»-prod/logs/run.googleapis.com%2Fstdout",
    "receiveTimestamp": "«N:iso9»",
    "resource": {"labels": {"service_name": "crm-sync", "location": "europe-west1", "project_id": "«N:word»-prod"}, "type": "cloud_run_revision"},
    "severity": "ERROR",
    "timestamp": "«N:iso9»",
    "trace": "projects/«N:word»-prod/traces/«N:hex,32»"
  }
]
""",
)

pos(
    "json",
    "loki query api response",
    r"""{"status":"success","data":{"resultType":"streams","result":[{"stream":{"app":"gateway","namespace":"prod","pod":"«N:pod,gateway»"},"values":[["«N:usec»000","level=debug msg=\"upstream auth\" upstream=billing header=\"X-Internal-Token: «S:hex,64»\""],["«N:usec»000","level=info msg=\"request\" path=/v1/invoices status=200"]]}],"stats":{"summary":{"bytesProcessedPerSecond":«N:int,100000,9000000»,"execTime":0.0«N:int,10,99»}}}}
""",
)

pos(
    "json",
    "elasticsearch search hits with a leaked header",
    r"""{
  "took": «N:int,2,90»,
  "timed_out": false,
  "hits": {
    "total": {"value": 1, "relation": "eq"},
    "hits": [
      {
        "_index": ".ds-logs-nginx-default-«N:date»-000001",
        "_id": "«N:b64url,20»",
        "_score": 7.1,
        "_source": {
          "@timestamp": "«N:iso»",
          "message": "«N:pubip» - - [«N:clf»] \"GET /admin?auth=«S:hex,40» HTTP/1.1\" 200 512",
          "http": {"request": {"headers": {"authorization": "Basic «S:basic_random»"}}}
        }
      }
    ]
  }
}
""",
)

pos(
    "json",
    "fluent bit stdout records",
    r"""[«N:epochf», {"log":"«N:datetime» WARN  sendgrid: 401 using key «S:sendgrid»","stream":"stderr","kubernetes":{"pod_name":"«N:pod,mailer»","namespace_name":"notifications","container_name":"mailer"}}]
[«N:epochf», {"log":"«N:datetime» INFO  queue drained","stream":"stdout","kubernetes":{"pod_name":"«N:pod,mailer»","namespace_name":"notifications","container_name":"mailer"}}]
""",
)

pos(
    "json",
    "kubectl get secret -o json",
    r"""{
    "apiVersion": "v1",
    "data": {
        "AWS_SECRET_ACCESS_KEY": "«S:aws_secret|b64»",
        "AWS_ACCESS_KEY_ID": "«N:aws_akid|b64»",
        "DOCKER_PASSWORD": "«S:dockerhub|b64»"
    },
    "kind": "Secret",
    "metadata": {
        "creationTimestamp": "«N:isosec»",
        "name": "ci-creds",
        "namespace": "ci",
        "resourceVersion": "«N:digits,8»",
        "uid": "«N:uuid»"
    },
    "type": "Opaque"
}
""",
)

pos(
    "json",
    "aws secretsmanager get-secret-value output",
    r"""{
    "ARN": "arn:aws:secretsmanager:eu-west-1:«N:digits,12»:secret:prod/api/db-«N:alnum,6»",
    "Name": "prod/api/db",
    "VersionId": "«N:uuid»",
    "SecretString": "{\"username\":\"api\",\"password\":\"«S:pw_random|json»\",\"engine\":\"postgres\",\"host\":\"prod-db.«N:lownum,12».eu-west-1.rds.amazonaws.com\",\"port\":5432}",
    "VersionStages": [
        "AWSCURRENT"
    ],
    "CreatedDate": "«N:isooff»"
}
""",
)

pos(
    "json",
    "vault kv get -format=json",
    r"""{
  "request_id": "«N:uuid»",
  "lease_id": "",
  "lease_duration": 0,
  "renewable": false,
  "data": {
    "data": {
      "api_key": "«S:stripe_sk»",
      "webhook_secret": "«S:stripe_whsec»"
    },
    "metadata": {
      "created_time": "«N:iso9»",
      "custom_metadata": null,
      "deletion_time": "",
      "destroyed": false,
      "version": «N:int,2,30»
    }
  },
  "warnings": null
}
""",
)

pos(
    "json",
    "az ad sp create-for-rbac output",
    r"""{
  "appId": "«N:uuid»",
  "displayName": "gha-deployer",
  "password": "«S:azure_client_secret»",
  "tenant": "«N:uuid»"
}
""",
)

pos(
    "json",
    "gcloud service account key file",
    r"""{
  "type": "service_account",
  "project_id": "«N:word»-prod-«N:int,100,999»",
  "private_key_id": "«N:hex,40»",
  "private_key": "«S:pem_pkcs8|json»\n",
  "client_email": "etl@«N:word»-prod.iam.gserviceaccount.com",
  "client_id": "«N:digits,21»",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/etl%40«N:word»-prod.iam.gserviceaccount.com",
  "universe_domain": "googleapis.com"
}
""",
)

pos(
    "json",
    "gcloud application default credentials",
    r"""{
  "account": "",
  "client_id": "«N:google_client_id»",
  "client_secret": "«S:gcp_client_secret»",
  "quota_project_id": "«N:word»-dev",
  "refresh_token": "«S:google_refresh»",
  "type": "authorized_user",
  "universe_domain": "googleapis.com"
}
""",
)

pos(
    "json",
    "gh api installation token response",
    r"""{
  "token": "«S:ghs»",
  "expires_at": "«N:isosec»",
  "permissions": {
    "contents": "write",
    "metadata": "read",
    "pull_requests": "write"
  },
  "repository_selection": "selected"
}
""",
)

pos(
    "json",
    "bitwarden cli list items json",
    r"""[{"passwordHistory":null,"revisionDate":"«N:iso»","creationDate":"«N:iso»","deletedDate":null,"object":"item","id":"«N:uuid»","organizationId":null,"folderId":null,"type":1,"reprompt":0,"name":"smtp relay","notes":null,"favorite":false,"login":{"uris":[{"match":null,"uri":"smtp.«N:word».eu:587"}],"username":"relay@«N:word».eu","password":"«S:pw_human»","totp":"«S:otp_seed»","passwordRevisionDate":null},"collectionIds":[]}]
""",
)

pos(
    "json",
    "1password item get json",
    r"""{
  "id": "«N:lownum,26»",
  "title": "Prod Postgres",
  "version": «N:int,2,9»,
  "vault": {"id": "«N:lownum,26»", "name": "Infra"},
  "category": "DATABASE",
  "fields": [
    {"id": "username", "type": "STRING", "label": "username", "value": "postgres", "reference": "op://Infra/Prod Postgres/username"},
    {"id": "password", "type": "CONCEALED", "label": "password", "value": "«S:pw_random»", "entropy": 130.«N:int,1,9», "reference": "op://Infra/Prod Postgres/password", "password_details": {"entropy": 130, "generated": true, "strength": "FANTASTIC"}}
  ]
}
""",
)

pos(
    "json",
    "composer auth.json",
    r"""{
    "http-basic": {
        "repo.packagist.com": {
            "username": "token",
            "password": "«S:hex,40»"
        }
    },
    "github-oauth": {
        "github.com": "«S:ghp»"
    },
    "gitlab-token": {
        "gitlab.«N:word».dev": "«S:glpat»"
    }
}
""",
)

pos(
    "json",
    "claude desktop config with mcp env",
    r"""{
  "mcpServers": {
    "postgres": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://readonly:«S:pw_human|url»@localhost:5432/app"]
    },
    "brave-search": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-brave-search"],
      "env": {"BRAVE_API_KEY": "«S:alnum,31»"}
    }
  }
}
""",
)

pos(
    "json",
    "cypress env json",
    r"""{
  "baseUrl": "https://staging.«N:word».shop",
  "adminEmail": "qa@«N:word».shop",
  "adminPassword": "«S:pw_human»",
  "stripeTestKey": "«S:stripe_test»",
  "mailosaurApiKey": "«S:alnum,32»"
}
""",
)

pos(
    "json",
    "wiremock mapping with an auth header",
    r"""{
  "request": {
    "method": "POST",
    "urlPath": "/v1/charges",
    "headers": {
      "Authorization": {"equalTo": "Bearer «S:stripe_rk»"},
      "Idempotency-Key": {"matches": "[a-f0-9-]{36}"}
    }
  },
  "response": {
    "status": 200,
    "jsonBody": {"id": "ch_«N:alnum,24»", "status": "succeeded"},
    "headers": {"Request-Id": "req_«N:alnum,14»"}
  },
  "uuid": "«N:uuid»"
}
""",
)

pos(
    "json",
    "betamax json cassette",
    r"""{"http_interactions": [{"request": {"body": {"encoding": "utf-8", "string": ""}, "headers": {"Accept": ["application/vnd.github.v3+json"], "Authorization": ["token «S:ghp»"], "User-Agent": ["github3.py/4.0.1"]}, "method": "GET", "uri": "https://api.github.com/user"}, "response": {"body": {"encoding": "utf-8", "string": "{\"login\":\"«N:user»\",\"id\":«N:int,10000,9999999»}"}, "headers": {"ETag": ["W/\"«N:hex,64»\""], "X-GitHub-Request-Id": ["«N:HEX,4»:«N:HEX,5»:«N:HEX,7»:«N:HEX,7»:«N:HEX,8»"]}, "status": {"code": 200, "message": "OK"}, "url": "https://api.github.com/user"}, "recorded_at": "«N:isosec»"}], "recorded_with": "betamax/0.9.0"}
""",
)

pos(
    "json",
    "pact contract with an authorization header",
    r"""{
  "consumer": {"name": "web"},
  "provider": {"name": "orders-api"},
  "interactions": [
    {
      "description": "a request for open orders",
      "providerState": "orders exist",
      "request": {
        "method": "GET",
        "path": "/v1/orders",
        "query": "status=open",
        "headers": {"Authorization": "Bearer «S:jwt_user»"}
      },
      "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": [{"id": "«N:uuid»", "status": "open"}]}
    }
  ],
  "metadata": {"pactSpecification": {"version": "2.0.0"}}
}
""",
)

pos(
    "json",
    "sentry event json with unscrubbed data",
    r"""{
  "event_id": "«N:hex,32»",
  "timestamp": «N:epochf»,
  "platform": "python",
  "level": "error",
  "request": {
    "url": "https://api.«N:word».io/v1/import",
    "method": "POST",
    "headers": {"Content-Type": "application/json", "X-Partner-Key": "«S:hex,40»"},
    "data": {"source": "s3://«N:word»-imports/feed.csv", "aws_secret": "«S:aws_secret»"}
  },
  "exception": {"values": [{"type": "ClientError", "value": "An error occurred (AccessDenied) when calling the GetObject operation"}]},
  "contexts": {"trace": {"trace_id": "«N:hex,32»", "span_id": "«N:hex,16»"}}
}
""",
)

pos(
    "json",
    "terraform show -json excerpt",
    r"""{"format_version":"1.2","terraform_version":"1.8.«N:int,0,5»","values":{"root_module":{"resources":[{"address":"random_password.redis","mode":"managed","type":"random_password","name":"redis","provider_name":"registry.terraform.io/hashicorp/random","schema_version":3,"values":{"bcrypt_hash":"$2a$10$«N:b64url,53»","id":"none","length":32,"result":"«S:pw_random,32»","special":true},"sensitive_values":{}},{"address":"aws_iam_access_key.ci","mode":"managed","type":"aws_iam_access_key","name":"ci","values":{"id":"«N:aws_akid»","secret":"«S:aws_secret»","status":"Active","user":"ci"},"sensitive_values":{}}]}}}
""",
)

pos(
    "json",
    "jwk set with a private key",
    r"""{
  "keys": [
    «S:jwk_private»
  ]
}
""",
)

pos(
    "json",
    "expo eas secret list json",
    r"""[
  {"id": "«N:uuid»", "name": "SENTRY_AUTH_TOKEN", "scope": "project", "type": "STRING", "value": "«S:sentry_token»", "createdAt": "«N:iso»"},
  {"id": "«N:uuid»", "name": "GOOGLE_SERVICES_JSON", "scope": "project", "type": "FILE", "createdAt": "«N:iso»"}
]
""",
)

# json negatives

neg(
    "json",
    "asciinema cast, presence checks and masked env",
    r"""{"version": 2, "width": «N:cols», "height": 32, "timestamp": «N:epoch», "idle_time_limit": 2.0, "env": {"SHELL": "/bin/zsh", "TERM": "xterm-256color"}}
[«N:t», "o", "\u001b[01;32m➜  \u001b[36mapi\u001b[00m "]
[«N:t», "o", "echo ${#OPENAI_API_KEY}\r\n"]
[«N:t», "o", "164\r\n"]
[«N:t», "o", "\u001b[01;32m➜  \u001b[36mapi\u001b[00m "]
[«N:t», "o", "env | grep -E 'KEY|TOKEN' | sed 's/=.*/=<hidden>/'\r\n"]
[«N:t», "o", "OPENAI_API_KEY=<hidden>\r\nGITHUB_TOKEN=<hidden>\r\nHF_TOKEN=<hidden>\r\n"]
[«N:t», "o", "\u001b[01;32m➜  \u001b[36mapi\u001b[00m "]
""",
)

neg(
    "json",
    "asciinema cast, docker pull with digests",
    r"""{"version": 2, "width": «N:cols», "height": 30, "timestamp": «N:epoch», "env": {"SHELL": "/bin/bash", "TERM": "xterm-256color"}, "title": "pull demo"}
[«N:t», "o", "$ docker pull postgres:16\r\n"]
[«N:t», "o", "16: Pulling from library/postgres\r\n«N:hex,12»: Pulling fs layer \r\n«N:hex,12»: Pulling fs layer \r\n"]
[«N:t», "o", "\u001b[2A\u001b[2K\r«N:hex,12»: Downloading  12.3MB/29.1MB\r\u001b[2B"]
[«N:t», "o", "\u001b[2A\u001b[2K\r«N:hex,12»: Pull complete \r\u001b[2B"]
[«N:t», "o", "Digest: «N:digest»\r\nStatus: Downloaded newer image for postgres:16\r\ndocker.io/library/postgres:16\r\n"]
[«N:t», "o", "$ "]
""",
)

neg(
    "json",
    "asciinema cast, gh auth status masked",
    r"""{"version": 2, "width": «N:cols», "height": 30, "timestamp": «N:epoch», "env": {"SHELL": "/bin/zsh", "TERM": "xterm-256color"}}
[«N:t», "o", "% gh auth status\r\n"]
[«N:t», "o", "github.com\r\n  \u001b[0;32m✓\u001b[0m Logged in to github.com account «N:user» (keyring)\r\n  - Active account: true\r\n  - Git operations protocol: https\r\n  - Token: «N:masked_gho»\r\n  - Token scopes: 'gist', 'read:org', 'repo', 'workflow'\r\n"]
[«N:t», "o", "% "]
""",
)

neg(
    "json",
    "asciinema cast, ssh-keygen and fingerprints",
    r"""{"version": 2, "width": «N:cols», "height": 40, "timestamp": «N:epoch», "env": {"SHELL": "/bin/bash", "TERM": "xterm-256color"}}
[«N:t», "o", "$ ssh-keygen -t ed25519 -f ~/.ssh/demo -N ''\r\n"]
[«N:t», "o", "Generating public/private ed25519 key pair.\r\nYour identification has been saved in /home/demo/.ssh/demo\r\nYour public key has been saved in /home/demo/.ssh/demo.pub\r\nThe key fingerprint is:\r\n«N:ssh_fp» demo@box\r\n"]
[«N:t», "o", "$ cat ~/.ssh/demo.pub\r\n«N:ssh_pub»\r\n$ "]
""",
)

neg(
    "json",
    "jupyter notebook, env lookups and image output",
    r"""{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": «N:int,1,9»,
   "id": "«N:hex,8»",
   "metadata": {},
   "outputs": [],
   "source": [
    "import os\n",
    "from openai import OpenAI\n",
    "client = OpenAI(api_key=os.environ[\"OPENAI_API_KEY\"])"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": «N:int,10,19»,
   "id": "«N:hex,8»",
   "metadata": {},
   "outputs": [
    {
     "data": {
      "image/png": "«N:b64_png,900»",
      "text/plain": [
       "<Figure size 640x480 with 1 Axes>"
      ]
     },
     "metadata": {},
     "output_type": "display_data"
    }
   ],
   "source": [
    "df.plot(x=\"day\", y=\"signups\")"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
  "language_info": {"name": "python", "version": "3.11.«N:int,1,9»"}
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
""",
)

neg(
    "json",
    "jupyter notebook, widget state and model ids",
    r"""{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": «N:int,2,40»,
   "id": "«N:hex,8»",
   "metadata": {},
   "outputs": [
    {
     "data": {
      "application/vnd.jupyter.widget-view+json": {
       "model_id": "«N:hex,32»",
       "version_major": 2,
       "version_minor": 0
      },
      "text/plain": [
       "Downloading model.safetensors:   0%|          | 0.00/«N:int,100,900»M [00:00<?, ?B/s]"
      ]
     },
     "metadata": {},
     "output_type": "display_data"
    }
   ],
   "source": [
    "model = AutoModel.from_pretrained(\"«N:word»/«N:word»-base\", revision=\"«N:sha1»\")"
   ]
  }
 ],
 "metadata": {
  "widgets": {
   "application/vnd.jupyter.widget-state+json": {
    "state": {
     "«N:hex,32»": {"model_module": "@jupyter-widgets/controls", "model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_«N:hex,32»", "IPY_MODEL_«N:hex,32»"]}}
    },
    "version_major": 2,
    "version_minor": 0
   }
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
""",
)

neg(
    "json",
    "jupyter notebook, papermill parameters and masked key",
    r"""{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "«N:hex,8»",
   "metadata": {"papermill": {"duration": 0.0«N:int,10,99», "end_time": "«N:isooff»", "exception": false, "start_time": "«N:isooff»", "status": "completed"}, "tags": ["injected-parameters"]},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "run_date=«N:date» model=gpt-4o-mini key=«N:masked_sk»\n"
     ]
    }
   ],
   "source": [
    "# Parameters\n",
    "run_date = \"«N:date»\"\n",
    "model = \"gpt-4o-mini\"\n"
   ]
  }
 ],
 "metadata": {"papermill": {"default_parameters": {}, "environment_variables": {}, "input_path": "report.ipynb", "output_path": "out/report-«N:date».ipynb", "version": "2.6.0"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
""",
)

neg(
    "json",
    "jupyter notebook, hashes and uuids in outputs",
    r"""{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": «N:int,2,40»,
   "id": "«N:hex,8»",
   "metadata": {},
   "outputs": [
    {
     "data": {"text/plain": ["'«N:sha256»'"]},
     "execution_count": «N:int,2,40»,
     "metadata": {},
     "output_type": "execute_result"
    },
    {
     "name": "stdout",
     "output_type": "stream",
     "text": ["run «N:uuid» logged to https://wandb.ai/«N:word»/eval/runs/«N:lownum,8»\n"]
    }
   ],
   "source": [
    "hashlib.sha256(Path(\"data/train.parquet\").read_bytes()).hexdigest()"
   ]
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
""",
)

neg(
    "json",
    "journald json records, sshd fingerprints",
    r"""{"__CURSOR":"«N:cursor»","__REALTIME_TIMESTAMP":"«N:usec»","__MONOTONIC_TIMESTAMP":"«N:digits,10»","_BOOT_ID":"«N:hex,32»","_MACHINE_ID":"«N:hex,32»","_HOSTNAME":"bastion","PRIORITY":"6","SYSLOG_FACILITY":"4","SYSLOG_IDENTIFIER":"sshd","_PID":"«N:pid»","_COMM":"sshd","_SYSTEMD_UNIT":"ssh.service","_SYSTEMD_INVOCATION_ID":"«N:hex,32»","MESSAGE":"Accepted publickey for deploy from «N:pubip» port «N:port» ssh2: ED25519 «N:ssh_fp»"}
{"__CURSOR":"«N:cursor»","__REALTIME_TIMESTAMP":"«N:usec»","__MONOTONIC_TIMESTAMP":"«N:digits,10»","_BOOT_ID":"«N:hex,32»","_MACHINE_ID":"«N:hex,32»","_HOSTNAME":"bastion","PRIORITY":"6","SYSLOG_IDENTIFIER":"systemd-logind","_PID":"«N:pid»","MESSAGE":"New session «N:int,100,9999» of user deploy."}
""",
)

neg(
    "json",
    "journald json records, unit with credentials by name",
    r"""{"__CURSOR":"«N:cursor»","__REALTIME_TIMESTAMP":"«N:usec»","_BOOT_ID":"«N:hex,32»","_HOSTNAME":"«N:host»","PRIORITY":"6","SYSLOG_IDENTIFIER":"systemd","_PID":"1","UNIT":"api.service","MESSAGE":"api.service: Loaded credential 'db-password' from /etc/credstore.encrypted/db-password.cred","_SYSTEMD_UNIT":"init.scope"}
{"__CURSOR":"«N:cursor»","__REALTIME_TIMESTAMP":"«N:usec»","_BOOT_ID":"«N:hex,32»","_HOSTNAME":"host","PRIORITY":"6","SYSLOG_IDENTIFIER":"api","_PID":"«N:pid»","_CMDLINE":"/usr/bin/api --config /etc/api/config.toml --password-file ${CREDENTIALS_DIRECTORY}/db-password","_SYSTEMD_UNIT":"api.service","MESSAGE":"listening on :8080"}
""",
)

neg(
    "json",
    "docker json-file log, request ids and redacted headers",
    r"""{"log":"«N:datetime» INFO request id=«N:uuid» method=GET path=/v1/orders status=200 dur=«N:int,2,90»ms\n","stream":"stdout","time":"«N:iso9»"}
{"log":"«N:datetime» DEBUG outbound headers={'Authorization': '[REDACTED]', 'Idempotency-Key': '«N:uuid»', 'traceparent': '«N:traceparent»'}\n","stream":"stdout","time":"«N:iso9»"}
{"log":"«N:datetime» INFO cache hit key=orders:«N:md5»\n","stream":"stdout","time":"«N:iso9»"}
""",
)

neg(
    "json",
    "docker inspect without secrets",
    r"""[
    {
        "Id": "«N:hex,64»",
        "RepoTags": ["ghcr.io/«N:word»/api:«N:hex,7»"],
        "RepoDigests": ["ghcr.io/«N:word»/api@«N:digest»"],
        "Created": "«N:iso9»",
        "Config": {
            "Env": [
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "LANG=C.UTF-8",
                "PYTHON_VERSION=3.12.«N:int,1,5»",
                "PYTHON_SHA256=«N:sha256»"
            ],
            "Labels": {"org.opencontainers.image.revision": "«N:sha1»", "org.opencontainers.image.source": "https://github.com/«N:word»/api"}
        },
        "RootFS": {"Type": "layers", "Layers": ["«N:digest»", "«N:digest»"]}
    }
]
""",
)

neg(
    "json",
    "har entry with public headers and base64 image",
    r"""{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "entries": [{
  "_resourceType": "image",
  "request": {"method": "GET", "url": "https://cdn.«N:word».io/img/logo.png", "headers": [{"name": "accept", "value": "image/avif,image/webp,*/*"}, {"name": "referer", "value": "https://app.«N:word».io/"}], "cookies": [], "queryString": []},
  "response": {"status": 200, "headers": [{"name": "etag", "value": "\"«N:md5»\""}, {"name": "x-amz-id-2", "value": "«N:amz_id2»"}, {"name": "x-amz-request-id", "value": "«N:upnum,16»"}, {"name": "cf-ray", "value": "«N:cf_ray»"}, {"name": "x-cache", "value": "Hit from cloudfront"}], "content": {"size": «N:int,900,9000», "mimeType": "image/png", "text": "«N:b64_png,600»", "encoding": "base64"}},
  "serverIPAddress": "«N:pubip»", "startedDateTime": "«N:iso»", "time": «N:int,5,90»,
  "_securityDetails": {"protocol": "TLS 1.3", "keyExchange": "", "cipher": "AES_128_GCM", "certificateId": 0, "subjectName": "*.«N:word».io", "issuer": "Amazon RSA 2048 M02", "certificateTransparencyCompliance": "compliant"}
}]}}
""",
)

neg(
    "json",
    "har entry with cookies stripped and ids",
    r"""{"log": {"version": "1.2", "creator": {"name": "Firefox", "version": "125.0"}, "entries": [{
  "request": {"method": "POST", "url": "https://api.«N:word».io/v1/events", "headers": [{"name": "Content-Type", "value": "application/json"}, {"name": "Cookie", "value": ""}, {"name": "X-Request-Id", "value": "«N:uuid»"}], "cookies": [], "postData": {"mimeType": "application/json", "text": "{\"event\":\"page_view\",\"anonymous_id\":\"«N:uuid»\",\"session\":\"«N:ulid»\"}"}},
  "response": {"status": 202, "headers": [{"name": "x-trace-id", "value": "«N:hex,32»"}], "content": {"size": 0, "mimeType": "text/plain"}},
  "startedDateTime": "«N:iso»", "time": «N:int,20,300»
}]}}
""",
)

neg(
    "json",
    "vs code settings.json with env references",
    r"""{
    "editor.formatOnSave": true,
    "python.defaultInterpreterPath": "${workspaceFolder}/.venv/bin/python",
    "python.envFile": "${workspaceFolder}/.env",
    "rest-client.environmentVariables": {
        "$shared": {"token": "{{$processEnv API_TOKEN}}"},
        "staging": {"host": "https://staging.«N:word».io"}
    },
    "terminal.integrated.env.linux": {"AWS_PROFILE": "sandbox"},
    "sqltools.connections": [
        {"server": "localhost", "port": 5432, "driver": "PostgreSQL", "name": "local", "database": "app", "username": "app", "askForPassword": true}
    ]
}
""",
)

neg(
    "json",
    "vs code launch.json with input prompts",
    r"""{
    "version": "0.2.0",
    "inputs": [
        {"id": "apiToken", "type": "promptString", "description": "API token", "password": true}
    ],
    "configurations": [
        {
            "name": "Run worker",
            "type": "node",
            "request": "launch",
            "program": "${workspaceFolder}/worker/index.js",
            "envFile": "${workspaceFolder}/.env.local",
            "env": {"API_TOKEN": "${input:apiToken}", "NODE_OPTIONS": "--enable-source-maps"}
        }
    ]
}
""",
)

neg(
    "json",
    "vs code mcp.json with password inputs",
    r"""{
  "inputs": [
    {"type": "promptString", "id": "github_token", "description": "GitHub Personal Access Token", "password": true}
  ],
  "servers": {
    "github": {
      "type": "stdio",
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${input:github_token}"}
    }
  }
}
""",
)

neg(
    "json",
    "postman collection with variables and vault references",
    r"""{
	"info": {"_postman_id": "«N:uuid»", "name": "Billing", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json", "_exporter_id": "«N:digits,8»"},
	"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{accessToken}}", "type": "string"}]},
	"item": [
		{
			"name": "Create invoice",
			"request": {
				"method": "POST",
				"header": [{"key": "X-Api-Key", "value": "{{vault:billing-api-key}}"}, {"key": "Idempotency-Key", "value": "{{$guid}}"}],
				"body": {"mode": "raw", "raw": "{\n  \"customer\": \"{{customerId}}\",\n  \"amount\": 1200\n}"},
				"url": {"raw": "{{baseUrl}}/v1/invoices", "host": ["{{baseUrl}}"], "path": ["v1", "invoices"]}
			}
		}
	],
	"variable": [{"key": "baseUrl", "value": "https://api.«N:word».io"}, {"key": "customerId", "value": "cus_«N:alnum,14»"}]
}
""",
)

neg(
    "json",
    "postman environment with empty secret values",
    r"""{
	"id": "«N:uuid»",
	"name": "Staging",
	"values": [
		{"key": "baseUrl", "value": "https://staging.«N:word».io", "type": "default", "enabled": true},
		{"key": "apiKey", "value": "", "type": "secret", "enabled": true},
		{"key": "clientSecret", "value": "", "type": "secret", "enabled": true},
		{"key": "accessToken", "value": "", "type": "any", "enabled": true},
		{"key": "requestId", "value": "«N:uuid»", "type": "default", "enabled": true}
	],
	"_postman_variable_scope": "environment",
	"_postman_exported_at": "«N:iso»",
	"_postman_exported_using": "Postman/11.«N:int,0,9».«N:int,0,9»"
}
""",
)

neg(
    "json",
    "postman collection with a token-fetching test script",
    r"""{
	"info": {"_postman_id": "«N:uuid»", "name": "Auth flow", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
	"item": [
		{
			"name": "Get token",
			"event": [{"listen": "test", "script": {"type": "text/javascript", "exec": ["const body = pm.response.json();", "pm.environment.set('accessToken', body.access_token);", "pm.test('has token', () => pm.expect(body.access_token).to.be.a('string'));"]}}],
			"request": {
				"method": "POST",
				"body": {"mode": "urlencoded", "urlencoded": [{"key": "client_id", "value": "{{clientId}}"}, {"key": "client_secret", "value": "{{clientSecret}}"}, {"key": "grant_type", "value": "client_credentials"}]},
				"url": {"raw": "{{authUrl}}/oauth/token"}
			}
		}
	]
}
""",
)

neg(
    "json",
    "insomnia v4 json export with template tags",
    r"""{"_type":"export","__export_format":4,"__export_date":"«N:iso»","__export_source":"insomnia.desktop.app:v2023.5.8","resources":[{"_id":"req_«N:hex,32»","parentId":"wrk_«N:hex,32»","url":"{{ _.base_url }}/v1/me","name":"me","method":"GET","headers":[{"name":"Authorization","value":"Bearer {% response 'body', 'req_«N:hex,32»', 'b64::JC5hY2Nlc3NfdG9rZW4=::46b', 'when-expired', 3600 %}"}],"authentication":{},"_type":"request"},{"_id":"env_«N:hex,32»","parentId":"wrk_«N:hex,32»","name":"Base Environment","data":{"base_url":"https://api.«N:word».io","client_secret":"{{ _.vault.client_secret }}"},"_type":"environment"}]}
""",
)

neg(
    "json",
    "gemini cli checkpoint with masked output",
    r"""[
  {
    "role": "model",
    "parts": [{"functionCall": {"id": "run_shell_command-«N:epochms»-«N:hex,12»", "name": "run_shell_command", "args": {"command": "gh auth status", "description": "Check GitHub CLI login"}}}]
  },
  {
    "role": "user",
    "parts": [{"functionResponse": {"id": "run_shell_command-«N:epochms»-«N:hex,12»", "name": "run_shell_command", "response": {"output": "Command: gh auth status\nDirectory: (root)\nStdout: github.com\n  ✓ Logged in to github.com account «N:user» (keyring)\n  - Token: «N:masked_gho»\n\nStderr: (empty)\nError: (none)\nExit Code: 0\nSignal: (none)\nBackground PIDs: (none)\nProcess Group PGID: «N:pid»"}}}]
  }
]
""",
)

neg(
    "json",
    "openhands event stream, git log observation",
    r"""{"id": «N:int,10,90», "timestamp": "«N:isooff»", "source": "agent", "message": "Running command: git log --oneline -3", "action": "run", "args": {"command": "git log --oneline -3", "is_input": false, "thought": "", "blocking": false, "hidden": false, "confirmation_state": "confirmed"}}
{"id": «N:int,91,99», "timestamp": "«N:isooff»", "source": "agent", "message": "Command `git log --oneline -3` executed with exit code 0.", "cause": «N:int,10,90», "observation": "run", "content": "«N:hex,7» fix: read STRIPE_SECRET_KEY from env\n«N:hex,7» chore: add .env.example\n«N:hex,7» ci: cache pip", "extras": {"command": "git log --oneline -3", "metadata": {"exit_code": 0, "pid": -1, "username": "openhands", "hostname": "«N:hex,12»", "working_dir": "/workspace", "prefix": "", "suffix": "\n[The command completed with exit code 0.]"}, "hidden": false}, "success": true}
""",
)

neg(
    "json",
    "cline ui_messages with references only",
    r"""[
  {"ts": «N:epochms», "type": "say", "say": "task", "text": "Wire the Stripe key from the environment instead of the config file."},
  {"ts": «N:epochms», "type": "ask", "ask": "command", "text": "grep -rn STRIPE_SECRET_KEY src/"},
  {"ts": «N:epochms», "type": "say", "say": "command_output", "text": "src/config.ts:12:  stripeKey: process.env.STRIPE_SECRET_KEY ?? '',\nsrc/billing.ts:4:import { config } from './config';"},
  {"ts": «N:epochms», "type": "say", "say": "api_req_started", "text": "{\"request\":\"...\",\"tokensIn\":«N:int,1000,9000»,\"tokensOut\":«N:int,100,900»,\"cacheWrites\":0,\"cacheReads\":«N:int,1000,9000»,\"cost\":0.0«N:int,10,99»}"}
]
""",
)

neg(
    "json",
    "goose session jsonl with a harmless tool result",
    r"""{"working_dir":"/Users/«N:user»/src/«N:word»","description":"Bump dependencies","schedule_id":null,"message_count":4,"total_tokens":«N:int,10000,90000»}
{"id":null,"role":"user","created":«N:epoch»,"content":[{"type":"toolResponse","id":"toolu_«N:alnum,24»","toolResult":{"status":"success","value":[{"type":"text","text":"added 3 packages, changed 12 packages, and audited 1412 packages in 9s\n\nfound 0 vulnerabilities\n","annotations":{"audience":["assistant"]}}]}}]}
""",
)

neg(
    "json",
    "cloudwatch log events with request ids",
    r"""{
    "events": [
        {"logStreamName": "2024/05/02/[$LATEST]«N:hex,32»", "timestamp": «N:epochms», "message": "START RequestId: «N:uuid» Version: $LATEST\n", "ingestionTime": «N:epochms», "eventId": "«N:digits,56»"},
        {"logStreamName": "2024/05/02/[$LATEST]«N:hex,32»", "timestamp": «N:epochms», "message": "END RequestId: «N:uuid»\n", "ingestionTime": «N:epochms», "eventId": "«N:digits,56»"},
        {"logStreamName": "2024/05/02/[$LATEST]«N:hex,32»", "timestamp": «N:epochms», "message": "REPORT RequestId: «N:uuid»\tDuration: «N:int,10,900».«N:int,10,99» ms\tBilled Duration: «N:int,10,900» ms\tMemory Size: 512 MB\tMax Memory Used: «N:int,80,400» MB\t\nXRAY TraceId: 1-«N:hex,8»-«N:hex,24»\tSegmentId: «N:hex,16»\tSampled: true\t\n", "ingestionTime": «N:epochms», "eventId": "«N:digits,56»"}
    ]
}
""",
)

neg(
    "json",
    "gcloud logging entries with trace ids",
    r"""[
  {
    "httpRequest": {"latency": "0.0«N:int,10,99»s", "protocol": "HTTP/1.1", "remoteIp": "«N:pubip»", "requestMethod": "GET", "requestUrl": "https://api-«N:lownum,10»-ew.a.run.app/healthz", "status": 200, "userAgent": "GoogleHC/1.0"},
    "insertId": "«N:lownum,14»",
    "logName": "projects/«N:word»-prod/logs/run.googleapis.com%2Frequests",
    "resource": {"labels": {"service_name": "api", "revision_name": "api-000«N:int,10,99»-«N:lownum,3»", "project_id": "«N:word»-prod"}, "type": "cloud_run_revision"},
    "spanId": "«N:digits,19»",
    "trace": "projects/«N:word»-prod/traces/«N:hex,32»",
    "timestamp": "«N:iso9»"
  }
]
""",
)

neg(
    "json",
    "sentry event json with filtered data",
    r"""{
  "event_id": "«N:hex,32»",
  "timestamp": «N:epochf»,
  "platform": "javascript",
  "request": {
    "url": "https://app.«N:word».io/settings/billing",
    "headers": {"Authorization": "[Filtered]", "Cookie": "[Filtered]", "User-Agent": "Mozilla/5.0"},
    "data": {"card_number": "[Filtered]", "password": "[Filtered]"}
  },
  "user": {"id": "«N:uuid»", "ip_address": "{{auto}}"},
  "contexts": {"trace": {"trace_id": "«N:hex,32»", "span_id": "«N:hex,16»", "op": "navigation"}},
  "release": "web@«N:sha1»"
}
""",
)

neg(
    "json",
    "aws secretsmanager describe-secret output",
    r"""{
    "ARN": "arn:aws:secretsmanager:eu-west-1:«N:digits,12»:secret:prod/api/db-«N:alnum,6»",
    "Name": "prod/api/db",
    "KmsKeyId": "arn:aws:kms:eu-west-1:«N:digits,12»:key/«N:uuid»",
    "RotationEnabled": true,
    "RotationLambdaARN": "arn:aws:lambda:eu-west-1:«N:digits,12»:function:rotate-postgres",
    "RotationRules": {"AutomaticallyAfterDays": 30},
    "LastRotatedDate": "«N:isooff»",
    "VersionIdsToStages": {"«N:uuid»": ["AWSCURRENT"], "«N:uuid»": ["AWSPREVIOUS"]}
}
""",
)

neg(
    "json",
    "aws kms encrypt output and sts identity",
    r"""{
    "CiphertextBlob": "«N:kms»",
    "KeyId": "arn:aws:kms:eu-west-1:«N:digits,12»:key/«N:uuid»",
    "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"
}
{
    "UserId": "AROA«N:upnum,17»:«N:user»",
    "Account": "«N:digits,12»",
    "Arn": "arn:aws:sts::«N:digits,12»:assumed-role/AWSReservedSSO_Admin_«N:hex,16»/«N:user»"
}
""",
)

neg(
    "json",
    "gh api repository secrets list",
    r"""{
  "total_count": 3,
  "secrets": [
    {"name": "NPM_TOKEN", "created_at": "«N:isosec»", "updated_at": "«N:isosec»"},
    {"name": "SENTRY_AUTH_TOKEN", "created_at": "«N:isosec»", "updated_at": "«N:isosec»"},
    {"name": "STRIPE_SECRET_KEY", "created_at": "«N:isosec»", "updated_at": "«N:isosec»"}
  ]
}
""",
)

neg(
    "json",
    "gh api public key for secret encryption and user keys",
    r"""{
  "key_id": "«N:digits,20»",
  "key": "«N:b64bytes,32»"
}
[
  {"id": «N:int,1000000,99999999», "key": "«N:ssh_pub»", "title": "laptop", "verified": true, "created_at": "«N:isosec»", "read_only": false}
]
""",
)

neg(
    "json",
    "vault kv metadata json",
    r"""{
  "request_id": "«N:uuid»",
  "data": {
    "cas_required": false,
    "created_time": "«N:iso9»",
    "current_version": «N:int,2,30»,
    "custom_metadata": {"owner": "payments", "rotation": "90d"},
    "delete_version_after": "0s",
    "max_versions": 0,
    "oldest_version": 0,
    "updated_time": "«N:iso9»",
    "versions": {"1": {"created_time": "«N:iso9»", "deletion_time": "", "destroyed": false}}
  }
}
""",
)

neg(
    "json",
    "jwks with public keys only",
    r"""{
  "keys": [
    {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "«N:b64url,43»", "n": "«N:b64url,342»", "e": "AQAB", "x5t": "«N:b64url,27»", "x5c": ["«N:b64bytes,600»"]},
    {"kty": "EC", "use": "sig", "alg": "ES256", "kid": "«N:b64url,43»", "crv": "P-256", "x": "«N:b64url,43»", "y": "«N:b64url,43»"}
  ]
}
""",
)

neg(
    "json",
    "sigstore bundle with public signature material",
    r"""{
  "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
  "verificationMaterial": {
    "certificate": {"rawBytes": "«N:b64bytes,700»"},
    "tlogEntries": [{"logIndex": "«N:digits,9»", "logId": {"keyId": "«N:b64bytes,32»"}, "kindVersion": {"kind": "hashedrekord", "version": "0.0.1"}, "integratedTime": "«N:epoch»", "inclusionPromise": {"signedEntryTimestamp": "«N:b64bytes,70»"}, "canonicalizedBody": "«N:b64bytes,400»"}]
  },
  "messageSignature": {"messageDigest": {"algorithm": "SHA2_256", "digest": "«N:b64bytes,32»"}, "signature": "«N:b64bytes,70»"}
}
""",
)

neg(
    "json",
    "npm config ls json protected",
    r"""{
  "//registry.npmjs.org/:_authToken": "(protected)",
  "//npm.pkg.github.com/:_authToken": "(protected)",
  "@«N:word»:registry": "https://npm.pkg.github.com/",
  "cache": "/home/«N:user»/.npm",
  "globalconfig": "/usr/local/etc/npmrc",
  "prefix": "/usr/local",
  "user-agent": "npm/10.5.0 node/v20.12.2 linux x64 workspaces/false"
}
""",
)

neg(
    "json",
    "package-lock excerpt with integrity",
    r"""{
  "name": "web",
  "version": "2.«N:int,0,20».0",
  "lockfileVersion": 3,
  "packages": {
    "node_modules/jsonwebtoken": {
      "version": "9.0.2",
      "resolved": "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz",
      "integrity": "«N:integrity»",
      "dependencies": {"jws": "^3.2.2", "lodash.includes": "^4.3.0"}
    },
    "node_modules/dotenv": {
      "version": "16.4.5",
      "resolved": "https://registry.npmjs.org/dotenv/-/dotenv-16.4.5.tgz",
      "integrity": "«N:integrity»"
    }
  }
}
""",
)

neg(
    "json",
    "kubectl get events json",
    r"""{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "count": «N:int,1,40»,
            "involvedObject": {"kind": "Pod", "name": "«N:pod,api»", "namespace": "prod", "uid": "«N:uuid»"},
            "kind": "Event",
            "message": "Successfully pulled image \"ghcr.io/«N:word»/api@«N:digest»\" in 2.«N:int,100,999»s",
            "metadata": {"name": "api.«N:hex,16»", "namespace": "prod", "resourceVersion": "«N:digits,8»", "uid": "«N:uuid»"},
            "reason": "Pulled",
            "type": "Normal"
        }
    ],
    "kind": "List"
}
""",
)

neg(
    "json",
    "claude desktop config without secrets",
    r"""{
  "mcpServers": {
    "filesystem": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/«N:user»/Desktop", "/Users/«N:user»/src"]
    },
    "git": {
      "command": "uvx",
      "args": ["mcp-server-git", "--repository", "/Users/«N:user»/src/«N:word»"]
    }
  },
  "globalShortcut": "Ctrl+Space"
}
""",
)

neg(
    "json",
    "devcontainer.json with secrets by name",
    r"""{
	"name": "api",
	"image": "mcr.microsoft.com/devcontainers/python:1-3.12-bookworm",
	"secrets": {
		"OPENAI_API_KEY": {"description": "Used by the eval scripts", "documentationUrl": "https://platform.openai.com/api-keys"},
		"HF_TOKEN": {"description": "Read-only Hugging Face token"}
	},
	"remoteEnv": {"OPENAI_API_KEY": "${localEnv:OPENAI_API_KEY}"},
	"postCreateCommand": "pip install -r requirements.txt"
}
""",
)

neg(
    "json",
    "wiremock mapping matching any bearer",
    r"""{
  "request": {
    "method": "GET",
    "urlPathPattern": "/v1/customers/cus_[A-Za-z0-9]{14}",
    "headers": {"Authorization": {"matches": "Bearer sk_test_.+"}}
  },
  "response": {
    "status": 200,
    "jsonBody": {"id": "cus_«N:alnum,14»", "email": "{{randomValue type='UUID'}}@example.test"},
    "transformers": ["response-template"]
  },
  "uuid": "«N:uuid»"
}
""",
)

neg(
    "json",
    "terraform show json with sensitive values hidden",
    r"""{"format_version":"1.2","terraform_version":"1.8.«N:int,0,5»","values":{"root_module":{"resources":[{"address":"aws_db_instance.main","mode":"managed","type":"aws_db_instance","name":"main","values":{"arn":"arn:aws:rds:eu-west-1:«N:digits,12»:db:main","engine":"postgres","identifier":"main","password":null,"username":"app","manage_master_user_password":true,"master_user_secret":[{"kms_key_id":"arn:aws:kms:eu-west-1:«N:digits,12»:key/«N:uuid»","secret_arn":"arn:aws:secretsmanager:eu-west-1:«N:digits,12»:secret:rds!db-«N:uuid»-«N:alnum,6»","secret_status":"active"}]},"sensitive_values":{"password":true}}]}}}
""",
)

neg(
    "json",
    "betamax cassette with placeholders",
    r"""{"http_interactions": [{"request": {"body": {"encoding": "utf-8", "string": ""}, "headers": {"Accept": ["application/json"], "Authorization": ["token <GITHUB_TOKEN>"], "User-Agent": ["github3.py/4.0.1"]}, "method": "GET", "uri": "https://api.github.com/repos/«N:word»/api"}, "response": {"body": {"encoding": "utf-8", "string": "{\"id\":«N:int,10000,99999999»,\"full_name\":\"«N:word»/api\",\"default_branch\":\"main\"}"}, "headers": {"ETag": ["W/\"«N:hex,64»\""]}, "status": {"code": 200, "message": "OK"}, "url": "https://api.github.com/repos/acme/api"}, "recorded_at": "«N:isosec»"}], "recorded_with": "betamax/0.9.0"}
""",
)


if __name__ == "__main__":
    main()
