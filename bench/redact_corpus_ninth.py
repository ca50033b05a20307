"""A ninth labelled redaction corpus, written blind to the redactor's rules and to the other corpora (issue 15).

Run: ``uv run python bench/redact_corpus_ninth.py`` prints the template counts per context;
``uv run python bench/redact_quality.py --corpus ninth [--kinds K]`` measures the redactor on it.

It is weighted towards the stacks the earlier corpora left out: mobile and desktop release tooling
(Fastlane, Gradle signing, Xcode, Expo, Electron, Tauri), data and ML platforms (dbt, Airflow,
Snowflake, Databricks, Spark, notebooks, MLflow, W&B, Kaggle, Hugging Face, BI tools), enterprise and
on-prem systems (LDAP, Kerberos, Salesforce, ServiceNow, Atlassian, Oracle, IBM MQ, mainframe JCL,
Windows administration), network and device configuration (Cisco, Juniper, MikroTik, WireGuard,
OpenVPN, IPsec, Wi-Fi, Home Assistant, MQTT, IoT hubs, Arduino), CMS, commerce and games (WordPress,
Drupal, Magento, Shopify, WooCommerce, Steam, Unity, Discord, Telegram, Slack) and fintech and crypto
(payment providers, exchanges, Ethereum keys, seed phrases, Hardhat and Foundry), with the hard
negatives of the same worlds (public keys and certificates, hashes, wallet addresses, transaction
hashes, encrypted keystores, ids, masked values, placeholders and references).

Labelling policy: a secret is a value that grants access by itself or with public information.
Each template is written in one of six contexts and is instantiated ``copies`` times there, and
``copies`` more times JSON-escaped inside an agent-log line (Claude Code stream-json and transcript
lines, a Codex rollout whose output is itself a JSON string, a ``codex exec --json`` item, an MCP
result); those count as context ``json``.

Template syntax: ``«S:gen»`` is a secret made at run time, ``«P:gen»`` a random value that is not
one, ``«H:gen»`` a value made but not written (to derive others from); ``@name`` binds the value
and ``«=name»`` repeats it; ``!j`` JSON-escapes it and ``!iN`` indents its continuation lines by N
spaces; ``«BEGIN X»`` and ``«END X»`` are PEM armour lines; a generator made of ``~``-joined parts
concatenates literal parts and generated ones.
No literal secret-shaped string is in this file: every value is made from parts at run time.
"""

# ruff: noqa: E501, E101, SIM905 - templates read better on one line, keep the tabs real tools print, and word lists read better as text
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
import sys
import uuid
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


@dataclass(frozen=True)
class Template:
    context: str
    kind: str
    text: str


# A few hundred words of the BIP39 English list, enough for seed phrases that look real.
BIP39 = """abandon ability able about above absent absorb abstract absurd abuse access accident account accuse
achieve acid acoustic acquire across act action actor actress actual adapt add addict address adjust admit
adult advance advice aerobic affair afford afraid again age agent agree ahead aim air airport aisle alarm album
alcohol alert alien all alley allow almost alone alpha already also alter always amateur amazing among amount
amused analyst anchor ancient anger angle angry animal ankle announce annual another answer antenna antique
anxiety any apart apology appear apple approve april arch arctic area arena argue arm armed armor army around
arrange arrest arrive arrow art artefact artist artwork ask aspect assault asset assist assume asthma athlete
atom attack attend attitude attract auction audit august aunt author auto autumn average avocado avoid awake
aware away awesome awful awkward axis baby bachelor bacon badge bag balance balcony ball bamboo banana banner
bar barely bargain barrel base basic basket battle beach bean beauty because become beef before begin behave
behind believe below belt bench benefit best betray better between beyond bicycle bid bike bind biology bird
birth bitter black blade blame blanket blast bleak bless blind blood blossom blouse blue blur blush board boat
body boil bomb bone bonus book boost border boring borrow boss bottom bounce box boy bracket brain brand brass
brave bread breeze brick bridge brief bright bring brisk broccoli broken bronze broom brother brown brush
bubble buddy budget buffalo build bulb bulk bullet bundle bunker burden burger burst bus business busy butter
buyer buzz cabbage cabin cable cactus cage cake call calm camera camp can canal cancel candy cannon canoe canvas
canyon capable capital captain car carbon card cargo carpet carry cart case cash casino castle casual cat
catalog catch category cattle caught cause caution cave ceiling celery cement census century cereal certain
chair chalk champion change chaos chapter charge chase chat cheap check cheese chef cherry chest chicken chief
child chimney choice choose chronic chuckle chunk churn cigar cinnamon circle citizen city civil claim clap
clarify claw clay clean clerk clever click client cliff climb clinic clip clock clog close cloth cloud clown
club clump cluster clutch coach coast coconut code coffee coil coin collect color column combine come comfort
comic common company concert conduct confirm congress connect consider control convince cook cool copper copy
coral core corn correct cost cotton couch country couple course cousin cover coyote crack cradle craft cram
crane crash crater crawl crazy cream credit creek crew cricket crime crisp critic crop cross crouch crowd
crucial cruel cruise crumble crunch crush cry crystal cube culture cup cupboard curious current curtain curve
cushion custom cute cycle dad damage damp dance danger daring dash daughter dawn day deal debate debris decade
december decide decline decorate decrease deer defense define defy degree delay deliver demand demise denial
dentist deny depart depend deposit depth deputy derive describe desert design desk despair destroy detail
detect develop device devote diagram dial diamond diary dice diesel diet differ digital dignity dilemma dinner
dinosaur direct dirt disagree discover disease dish dismiss disorder display distance divert divide divorce
dizzy doctor document dog doll dolphin domain donate donkey donor door dose double dove draft dragon drama
drastic draw dream dress drift drill drink drip drive drop drum dry duck dumb dune during dust dutch duty dwarf
dynamic eager eagle early earn earth easily east easy echo ecology economy edge edit educate effort egg eight
either elbow elder electric elegant element elephant elevator elite else embark embody embrace emerge emotion
employ empower empty enable enact end endless endorse enemy energy enforce engage engine enhance enjoy enlist
enough enrich enroll ensure enter entire entry envelope episode equal equip era erase erode erosion error erupt
escape essay essence estate eternal ethics evidence evil evoke evolve exact example excess exchange excite
exclude excuse execute exercise exhaust exhibit exile exist exit exotic expand expect expire explain expose
express extend extra eye eyebrow fabric face faculty fade faint faith fall false fame family famous fan fancy
fantasy farm fashion fat fatal father fatigue fault favorite feature february federal fee feed feel female
fence festival fetch fever few fiber fiction field figure file film filter final find fine finger finish fire
firm first fiscal fish fit fitness fix flag flame flash flat flavor flee flight flip float flock floor flower
fluid flush fly foam focus fog foil fold follow food foot force forest forget fork fortune forum forward fossil
foster found fox fragile frame frequent fresh friend fringe frog front frost frown frozen fruit fuel fun funny
furnace fury future gadget gain galaxy gallery game gap garage garbage garden garlic garment gas gasp gate
gather gauge gaze general genius genre gentle genuine gesture ghost giant gift giggle ginger giraffe girl give
glad glance glare glass glide glimpse globe gloom glory glove glow glue goat goddess gold good goose gorilla
gospel gossip govern gown grab grace grain grant grape grass gravity great green grid grief grit grocery group
grow grunt guard guess guide guilt guitar gun gym habit hair half hammer hamster hand happy harbor hard harsh
harvest hat have hawk hazard head health heart heavy hedgehog height hello helmet help hen hero hidden high hill
hint hip hire history hobby hockey hold hole holiday hollow home honey hood hope horn horror horse hospital host
hotel hour hover hub huge human humble humor hundred hungry hunt hurdle hurry hurt husband hybrid ice icon idea
identify idle ignore ill illegal illness image imitate immense immune impact impose improve impulse inch
include income increase index indicate indoor industry infant inflict inform inhale inherit initial inject
injury inmate inner innocent input inquiry insane insect inside inspire install intact interest into invest
invite involve iron island isolate issue item ivory jacket jaguar jar jazz jealous jeans jelly jewel job join
joke journey joy judge juice jump jungle junior junk just kangaroo keen keep ketchup key kick kid kidney kind
kingdom kiss kit kitchen kite kitten kiwi knee knife knock know lab label labor ladder lady lake lamp language
laptop large later latin laugh laundry lava law lawn lawsuit layer lazy leader leaf learn leave lecture left
leg legal legend leisure lemon lend length lens leopard lesson letter level liar liberty library license life
lift light like limb limit link lion liquid list little live lizard load loan lobster local lock logic lonely
long loop lottery loud lounge love loyal lucky luggage lumber lunar lunch luxury lyrics machine mad magic magnet
maid mail main major make mammal man manage mandate mango mansion manual maple marble march margin marine
market marriage mask mass master match material math matrix matter maximum maze meadow mean measure meat
mechanic medal media melody melt member memory mention menu mercy merge merit merry mesh message metal method
middle midnight milk million mimic mind minimum minor minute miracle mirror misery miss mistake mix mixed
mixture mobile model modify mom moment monitor monkey monster month moon moral more morning mosquito mother
motion motor mountain mouse move movie much muffin mule multiply muscle museum mushroom music must mutual
myself mystery myth naive name napkin narrow nasty nation nature near neck need negative neglect neither
nephew nerve nest net network neutral never news next nice night noble noise nominee noodle normal north nose
notable note nothing notice novel now nuclear number nurse nut oak obey object oblige obscure observe obtain
obvious occur ocean october odor off offer office often oil okay old olive olympic omit once one onion online
only open opera opinion oppose option orange orbit orchard order ordinary organ orient original orphan ostrich
other outdoor outer output outside oval oven over own owner oxygen oyster ozone""".split()

NAMES = "alice bob carol dave erin frank grace heidi ivan judy mallory niaj olivia peggy rupert sybil trent victor walter yusuf".split()
PW_SYMBOLS = "!*-_.~+="
URL_SYMBOLS = "-_.~!*"
CRYPT = "./" + string.digits + string.ascii_letters
TYPE7_XLAT = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _der(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _der_len(len(body)) + body


def _int(rng: random.Random, size: int) -> bytes:
    raw = bytes([rng.randrange(0x80, 0x100)]) + rng.randbytes(size - 1)
    return _der(0x02, b"\x00" + raw)


def _wrap64(raw: bytes, width: int = 64) -> str:
    text = base64.b64encode(raw).decode()
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def _rsa_pkcs1(rng: random.Random) -> bytes:
    parts = [_der(0x02, b"\x00"), _int(rng, 256), _der(0x02, b"\x01\x00\x01"), _int(rng, 256)]
    parts += [_int(rng, 128) for _ in range(5)]
    return _der(0x30, b"".join(parts))


def _rsa_pkcs8(rng: random.Random) -> bytes:
    algo = _der(0x30, _der(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")
    return _der(0x30, _der(0x02, b"\x00") + algo + _der(0x04, _rsa_pkcs1(rng)))


def _ec_sec1(rng: random.Random) -> bytes:
    curve = _der(0xA0, _der(0x06, bytes.fromhex("2a8648ce3d030107")))
    public = _der(0xA1, _der(0x03, b"\x00\x04" + rng.randbytes(64)))
    return _der(0x30, _der(0x02, b"\x01") + _der(0x04, rng.randbytes(32)) + curve + public)


def _ec_pkcs8(rng: random.Random) -> bytes:
    algo = _der(
        0x30, _der(0x06, bytes.fromhex("2a8648ce3d0201")) + _der(0x06, bytes.fromhex("2a8648ce3d030107"))
    )
    inner = _der(
        0x30,
        _der(0x02, b"\x01")
        + _der(0x04, rng.randbytes(32))
        + _der(0xA1, _der(0x03, b"\x00\x04" + rng.randbytes(64))),
    )
    return _der(0x30, _der(0x02, b"\x00") + algo + _der(0x04, inner))


def _ssh_string(raw: bytes) -> bytes:
    return len(raw).to_bytes(4, "big") + raw


def _openssh(rng: random.Random) -> bytes:
    public = rng.randbytes(32)
    blob = _ssh_string(b"ssh-ed25519") + _ssh_string(public)
    check = rng.randbytes(4)
    private = check + check + blob + _ssh_string(rng.randbytes(32) + public) + _ssh_string(b"deploy@build")
    private += bytes(range(1, 1 + (-len(private)) % 8))
    return (
        b"openssh-key-v1\x00"
        + _ssh_string(b"none")
        + _ssh_string(b"none")
        + _ssh_string(b"")
        + (1).to_bytes(4, "big")
        + _ssh_string(blob)
        + _ssh_string(private)
    )


def _cert(rng: random.Random) -> bytes:
    tbs = _der(0xA0, _der(0x02, b"\x02")) + _int(rng, 16) + rng.randbytes(rng.randrange(600, 900))
    return _der(
        0x30,
        _der(0x30, tbs)
        + _der(0x30, _der(0x06, bytes.fromhex("2a864886f70d01010b")) + b"\x05\x00")
        + _der(0x03, b"\x00" + rng.randbytes(256)),
    )


def _rsa_public(rng: random.Random) -> bytes:
    algo = _der(0x30, _der(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")
    key = _der(0x30, _int(rng, 256) + _der(0x02, b"\x01\x00\x01"))
    return _der(0x30, algo + _der(0x03, b"\x00" + key))


def _crc24(data: bytes) -> bytes:
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return (crc & 0xFFFFFF).to_bytes(3, "big")


def _pgp_private(rng: random.Random) -> str:
    packet = b"\x95\x03\xc6\x04" + rng.randbytes(rng.randrange(900, 1000))
    return _wrap64(packet, 64) + "\n=" + base64.b64encode(_crc24(packet)).decode()


def _type7(rng: random.Random, password: str) -> str:
    salt = rng.randrange(0, 16)
    out = f"{salt:02d}"
    for i, ch in enumerate(password):
        out += f"{ord(ch) ^ ord(TYPE7_XLAT[(salt + i) % len(TYPE7_XLAT)]):02X}"
    return out


def _jwt(rng: random.Random) -> str:
    def enc(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

    header = {"alg": rng.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}
    now = 1_700_000_000 + rng.randrange(0, 50_000_000)
    claims = {
        "sub": str(uuid.UUID(int=rng.getrandbits(128))),
        "iat": now,
        "exp": now + 3600,
        "scope": rng.choice(["read write", "api", "openid profile"]),
    }
    signature = (
        base64.urlsafe_b64encode(rng.randbytes(32 if header["alg"] == "HS256" else 64)).decode().rstrip("=")
    )
    return f"{enc(header)}.{enc(claims)}.{signature}"


def _password(rng: random.Random, symbols: str) -> str:
    length = rng.randrange(12, 20)
    chars = [rng.choice(string.ascii_letters)]
    chars += [rng.choice(string.ascii_letters + string.digits) for _ in range(length - 3)]
    chars += [rng.choice(symbols), rng.choice(string.digits)]
    head, tail = chars[0], chars[1:]
    rng.shuffle(tail)
    return head + "".join(tail)


def _human_password(rng: random.Random) -> str:
    word = rng.choice(BIP39).capitalize()
    return f"{word}{rng.choice(BIP39)}{rng.randrange(10, 9999)}{rng.choice('!*-_.+=')}{rng.choice(string.ascii_uppercase)}{rng.choice(BIP39)[:3]}"


def _chars(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


SIMPLE = {
    "hex": string.digits + "abcdef",
    "HEX": string.digits + "ABCDEF",
    "alnum": string.ascii_letters + string.digits,
    "lower": string.ascii_lowercase + string.digits,
    "upper": string.ascii_uppercase + string.digits,
    "alpha": string.ascii_letters,
    "num": string.digits,
    "lc": string.ascii_lowercase,
    "b64": string.ascii_letters + string.digits + "+/",
    "b64u": string.ascii_letters + string.digits + "-_",
}
PEM_BODIES = {
    "rsa": lambda rng: _wrap64(_rsa_pkcs1(rng)),
    "rsa8": lambda rng: _wrap64(_rsa_pkcs8(rng)),
    "ec": lambda rng: _wrap64(_ec_sec1(rng)),
    "p8": lambda rng: _wrap64(_ec_pkcs8(rng)),
    "openssh": lambda rng: _wrap64(_openssh(rng), 70),
    "pgp": _pgp_private,
    "cert": lambda rng: _wrap64(_cert(rng)),
    "pubkey": lambda rng: _wrap64(_rsa_public(rng)),
}
GEN = re.compile(r"^(hex|HEX|alnum|lower|upper|alpha|num|lc|b64|b64u|b64b|b64ub|words)(\d+)$")
PLACEHOLDER = re.compile(r"«(?:([SPH]):([^»]+)|=(\w+)((?:![a-z]\d*)*)|(BEGIN|END) ([A-Za-z0-9 ]+))»")


def _generate(rng: random.Random, spec: str, values: dict[str, str]) -> str:
    """One value for a generator spec (parts joined by ``~``; a part that names no generator is literal)."""
    call = re.fullmatch(r"(\w+)\(([\w,]+)\)", spec)
    if call:
        name, args = call.group(1), [values[a] for a in call.group(2).split(",")]
        if name == "basic":
            return base64.b64encode(":".join(args).encode()).decode()
        if name == "b64of":
            return base64.b64encode(args[0].encode()).decode()
        if name == "type7":
            return _type7(rng, args[0])
        if name == "urlenc":
            return quote(args[0], safe="")
        if name == "unattend":
            return base64.b64encode((args[0] + "Password").encode("utf-16-le")).decode()
        if name == "sha256of":
            return hashlib.sha256(args[0].encode()).hexdigest()
        raise ValueError(f"unknown derived generator {name!r}")
    return "".join(_part(rng, part) for part in spec.split("~"))


def _part(rng: random.Random, part: str) -> str:
    match = GEN.match(part)
    if match:
        name, n = match.group(1), int(match.group(2))
        if name in SIMPLE:
            return _chars(rng, SIMPLE[name], n)
        if name == "b64b":
            return base64.b64encode(rng.randbytes(n)).decode()
        if name == "b64ub":
            return base64.urlsafe_b64encode(rng.randbytes(n)).decode().rstrip("=")
        return " ".join(rng.choice(BIP39) for _ in range(n))
    if part in PEM_BODIES:
        return PEM_BODIES[part](rng)
    simple = {
        "pw": lambda: _password(rng, PW_SYMBOLS),
        "pwu": lambda: _password(rng, URL_SYMBOLS),
        "pwa": lambda: (
            _password(rng, "_") if rng.random() < 0.5 else _chars(rng, SIMPLE["alnum"], rng.randrange(14, 22))
        ),
        "hpw": lambda: _human_password(rng),
        "uuid": lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "UUID": lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper(),
        "jwt": lambda: _jwt(rng),
        "user": lambda: rng.choice(NAMES),
        "eth": lambda: "0x" + _chars(rng, SIMPLE["hex"], 40),
        "md5crypt": lambda: "$1$" + _chars(rng, CRYPT, 4) + "$" + _chars(rng, CRYPT, 22),
        "sha512crypt": lambda: "$6$" + _chars(rng, CRYPT, 16) + "$" + _chars(rng, CRYPT, 86),
        "type8": lambda: "$8$" + _chars(rng, CRYPT, 14) + "$" + _chars(rng, CRYPT, 43),
        "type9": lambda: "$9$" + _chars(rng, CRYPT, 14) + "$" + _chars(rng, CRYPT, 43),
        "bcrypt": lambda: "$2y$10$" + _chars(rng, CRYPT, 53),
        "phpass": lambda: "$P$B" + _chars(rng, CRYPT, 30),
        "junos9": lambda: "$9$" + _chars(rng, CRYPT[2:], rng.randrange(16, 30)),
        "vault": lambda: "\n".join(_chars(rng, SIMPLE["hex"], 80) for _ in range(rng.randrange(4, 7))),
        "port": lambda: str(rng.randrange(1024, 65000)),
        "wpsalt": lambda: _chars(
            rng, string.ascii_letters + string.digits + "!@#$%^&*()-_[]{}<>~`+=,.;:/?|", 64
        ),
        "zbkey": lambda: "[" + ", ".join(str(b) for b in rng.randbytes(16)) + "]",
        "solkey": lambda: "[" + ",".join(str(b) for b in rng.randbytes(64)) + "]",
        "type7": lambda: _type7(rng, _password(rng, PW_SYMBOLS)),
        "asp": lambda: "-".join(_chars(rng, string.ascii_lowercase, 4) for _ in range(4)),
        "discord": lambda: (
            base64.b64encode(str(rng.randrange(10**17, 10**19)).encode()).decode().rstrip("=")
            + "."
            + _chars(rng, SIMPLE["b64u"], 6)
            + "."
            + _chars(rng, SIMPLE["b64u"], 38)
        ),
        "telegram": lambda: f"{rng.randrange(10**8, 10**10)}:AA" + _chars(rng, SIMPLE["b64u"], 33),
        "ovpnkey": lambda: "\n".join(_chars(rng, SIMPLE["hex"], 32) for _ in range(16)),
        "minisign": lambda: base64.b64encode(
            (
                "untrusted comment: rsign encrypted secret key\nRWRTY0Iy"
                + base64.b64encode(rng.randbytes(150)).decode()
                + "\n"
            ).encode()
        ).decode(),
        "minisignpub": lambda: base64.b64encode(
            (
                "untrusted comment: minisign public key: "
                + _chars(rng, SIMPLE["HEX"], 16)
                + "\nRWS"
                + base64.b64encode(rng.randbytes(39)).decode()
                + "\n"
            ).encode()
        ).decode(),
        "ip": lambda: f"10.{rng.randrange(0, 255)}.{rng.randrange(0, 255)}.{rng.randrange(1, 254)}",
    }
    if part in simple:
        return simple[part]()
    return part


def _modify(value: str, mods: str) -> str:
    for mod in re.findall(r"![a-z]\d*", mods):
        if mod == "!j":
            value = json.dumps(value)[1:-1]
        elif mod.startswith("!i"):
            value = value.replace("\n", "\n" + " " * int(mod[2:]))
        else:
            raise ValueError(f"unknown modifier {mod!r}")
    return value


def instantiate(template: str, rng: random.Random) -> tuple[str, list[str]]:
    """The text of one instance of a template and the secrets planted in it."""
    values: dict[str, str] = {}
    secret_names: set[str] = set()
    secrets: list[str] = []

    def fill(match: re.Match[str]) -> str:
        if match.group(5):
            return f"-----{match.group(5)} {match.group(6)}-----"
        if match.group(3):
            value = _modify(values[match.group(3)], match.group(4) or "")
            if match.group(3) in secret_names:
                secrets.append(value)
            return value
        bound = re.fullmatch(r"(.*)@(\w+)", match.group(2))
        spec, name = bound.groups() if bound else (match.group(2), "")
        spec, mods = re.fullmatch(r"(.*?)((?:!(?:j|i\d+))*)", spec).groups()
        raw = _generate(rng, spec, values)
        if name:
            values[name] = raw
        value = _modify(raw, mods)
        if match.group(1) == "S":
            secrets.append(value)
            if name:
                secret_names.add(name)
        return "" if match.group(1) == "H" else value

    text = PLACEHOLDER.sub(fill, template)
    return text, list(dict.fromkeys(secrets))


def _escape(text: str) -> str:
    return json.dumps(text)[1:-1]


def envelope(text: str, rng: random.Random) -> str:
    """The text as the tool output of one agent-log line (JSON-escaped, for Codex rollouts twice)."""
    session = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    tool = "toolu_01" + _chars(rng, SIMPLE["alnum"], 22)
    when = f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{rng.randrange(0, 24):02d}:{rng.randrange(0, 60):02d}:{rng.randrange(0, 60):02d}.{rng.randrange(0, 1000):03d}Z"
    kind = rng.randrange(5)
    if kind == 0:
        line = {
            "type": "user",
            "message": {
                "role": "user",
                "content": [{"tool_use_id": tool, "type": "tool_result", "content": text, "is_error": False}],
            },
            "parent_tool_use_id": None,
            "session_id": session,
        }
    elif kind == 1:
        line = {
            "parentUuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "isSidechain": False,
            "userType": "external",
            "cwd": "/home/dev/src/app",
            "sessionId": session,
            "version": "1.0.98",
            "gitBranch": "main",
            "type": "user",
            "message": {
                "role": "user",
                "content": [{"tool_use_id": tool, "type": "tool_result", "content": text}],
            },
            "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "timestamp": when,
            "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
        }
    elif kind == 2:
        output = json.dumps(
            {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(rng.random() * 3, 1)}}
        )
        line = {
            "timestamp": when,
            "type": "response_item",
            "payload": {
                "type": "function_call_output",
                "call_id": "call_" + _chars(rng, SIMPLE["alnum"], 24),
                "output": output,
            },
        }
    elif kind == 3:
        line = {
            "type": "item.completed",
            "item": {
                "id": f"item_{rng.randrange(1, 40)}",
                "type": "command_execution",
                "command": "bash -lc 'cat notes.txt'",
                "aggregated_output": text,
                "exit_code": 0,
                "status": "completed",
            },
        }
    else:
        line = {
            "jsonrpc": "2.0",
            "id": rng.randrange(1, 500),
            "result": {"content": [{"type": "text", "text": text}], "isError": False},
        }
    return json.dumps(line, separators=(",", ":"))


def leaked(secret: str, output: str) -> bool:
    """True if at least half of the secret (any run of len//2 characters) survives, raw or JSON-escaped once or twice."""
    once = _escape(secret)
    for form in dict.fromkeys((secret, once, _escape(once))):
        half = max(1, len(form) // 2)
        if any(form[i : i + half] in output for i in range(len(form) - half + 1)):
            return True
    return False


def split_of(template: str) -> str:
    """About one template in three is held out, chosen by a stable hash of its text."""
    return "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"


def corpus(seed: int = 71, copies: int = 6) -> list[Document]:
    """Every template ``copies`` times in its own context and ``copies`` times inside an agent-log line."""
    documents: list[Document] = []
    for index, template in enumerate(TEMPLATES):
        split = split_of(template.text)
        for copy in range(copies):
            rng = random.Random(f"{seed}:{index}:{copy}")
            text, secrets = instantiate(template.text, rng)
            documents.append(Document(text, secrets, template.context, template.kind, split, template.text))
            documents.append(
                Document(envelope(text, rng), secrets, "json", template.kind, split, template.text)
            )
    return documents


# --- plain: configuration files, device configs, tool output and prose as read ---------------------

PLAIN = [
    (
        "gradle.properties release signing",
        r"""# gradle.properties
org.gradle.jvmargs=-Xmx4g -Dfile.encoding=UTF-8
android.useAndroidX=true
android.nonTransitiveRClass=true
RELEASE_STORE_FILE=../keystores/release.jks
RELEASE_STORE_PASSWORD=«S:pw»
RELEASE_KEY_ALIAS=upload
RELEASE_KEY_PASSWORD=«S:pw»
""",
    ),
    (
        "keystore.properties",
        r"""storePassword=«S:pw»
keyPassword=«S:pw»
keyAlias=key0
storeFile=/Users/«P:user»/keys/upload-keystore.jks
""",
    ),
    (
        "local.properties maps key",
        r"""## This file must *NOT* be checked into Version Control Systems,
# as it contains information specific to your local configuration.
sdk.dir=/Users/«P:user»/Library/Android/sdk
MAPS_API_KEY=«S:AIza~b64u35»
""",
    ),
    (
        "fastlane .env match password",
        r"""# fastlane/.env.default
FASTLANE_USER=release@acme-apps.io
FASTLANE_PASSWORD=«S:hpw»
FASTLANE_APPLE_APPLICATION_SPECIFIC_PASSWORD=«S:asp»
MATCH_PASSWORD=«S:pw»
MATCH_GIT_URL=git@github.com:acme/certificates.git
FASTLANE_SKIP_UPDATE_CHECK=1
""",
    ),
    (
        "xcconfig client secret",
        r"""// Secrets.xcconfig (not in git)
#include "Base.xcconfig"
PRODUCT_BUNDLE_IDENTIFIER = io.acme.field
BACKEND_HOST = api.acme.io
BACKEND_CLIENT_SECRET = «S:alnum40»
DEVELOPMENT_TEAM = «P:upper10»
""",
    ),
    (
        ".databrickscfg token",
        r"""[DEFAULT]
host  = https://adb-«P:num16».«P:num2».azuredatabricks.net
token = «S:dapi~hex32»

[staging]
host  = https://dbc-«P:hex8»-«P:hex4».cloud.databricks.com
token = «S:dapi~hex32~-2»
""",
    ),
    (
        "spark-defaults s3a secret",
        r"""spark.master                      k8s://https://10.0.0.1:443
spark.executor.memory             8g
spark.hadoop.fs.s3a.endpoint      https://minio.data.internal:9000
spark.hadoop.fs.s3a.access.key    «P:AKIA~upper16»
spark.hadoop.fs.s3a.secret.key    «S:b6440»
spark.hadoop.fs.s3a.path.style.access true
""",
    ),
    (
        "airflow.cfg secrets",
        r"""[core]
executor = CeleryExecutor
fernet_key = «S:b64ub32»=

[database]
sql_alchemy_conn = postgresql+psycopg2://airflow:«S:pwu»@airflow-db:5432/airflow

[webserver]
base_url = http://airflow.data.internal:8080
secret_key = «S:hex32»
""",
    ),
    (
        "sssd.conf bind password",
        r"""[domain/corp.example.com]
id_provider = ldap
auth_provider = ldap
ldap_uri = ldaps://dc01.corp.example.com
ldap_search_base = dc=corp,dc=example,dc=com
ldap_default_bind_dn = cn=svc-sssd,ou=Service Accounts,dc=corp,dc=example,dc=com
ldap_default_authtok_type = password
ldap_default_authtok = «S:pw»
cache_credentials = True
""",
    ),
    (
        "cisco type 7 password",
        r"""hostname edge-rtr-02
!
enable secret 9 «P:type9»
!
username netops privilege 15 password 7 «S:type7»
username backup privilege 1 password 7 «S:type7»
!
line vty 0 4
 login local
 transport input ssh
""",
    ),
    (
        "cisco snmp community",
        r"""!
snmp-server community «S:alnum14» RO 10
snmp-server community «S:alnum14» RW 11
snmp-server location DC2-Row4-Rack12
snmp-server contact noc@acme.net
access-list 10 permit 10.20.0.0 0.0.255.255
""",
    ),
    (
        "cisco tacacs radius keys",
        r"""aaa new-model
tacacs server ISE-PRIMARY
 address ipv4 10.10.1.20
 key 0 «S:pw»
radius server NPS01
 address ipv4 10.10.1.30 auth-port 1812 acct-port 1813
 key «S:pw»
aaa authentication login default group tacacs+ local
""",
    ),
    (
        "juniper radius $9$ secret",
        r"""system {
    host-name mx-core-1;
    radius-server {
        10.0.4.10 {
            secret "«S:junos9»"; ## SECRET-DATA
            source-address 10.0.4.1;
        }
    }
}
""",
    ),
    (
        "juniper snmp community",
        r"""set system host-name srx-branch-07
set snmp community «S:alnum16» authorization read-only
set snmp community «S:alnum16» clients 10.50.0.0/16
set snmp trap-group noc targets 10.50.1.5
""",
    ),
    (
        "mikrotik script passwords",
        r"""# jan/02/2025 10:14:22 by RouterOS 7.12
/interface wireless security-profiles
set [ find default=yes ] authentication-types=wpa2-psk mode=dynamic-keys wpa2-pre-shared-key=«S:hpw»
/ppp secret
add name=vpn-branch password=«S:pw» profile=default-encryption service=l2tp
/user
add group=full name=backup password=«S:pw»
""",
    ),
    (
        "wireguard wg0.conf",
        r"""[Interface]
Address = 10.8.0.2/24
PrivateKey = «S:b64b32»
DNS = 10.8.0.1

[Peer]
PublicKey = «P:b64b32»
PresharedKey = «S:b64b32»
Endpoint = vpn.acme.net:51820
AllowedIPs = 10.8.0.0/24, 192.168.10.0/24
PersistentKeepalive = 25
""",
    ),
    (
        "openvpn inline tls-auth",
        r"""client
dev tun
proto udp
remote vpn.acme.net 1194
key-direction 1
<tls-auth>
#
# 2048 bit OpenVPN static key
#
«BEGIN OpenVPN Static key V1»
«S:ovpnkey»
«END OpenVPN Static key V1»
</tls-auth>
""",
    ),
    (
        "openvpn auth-user-pass file",
        r"""==> /etc/openvpn/client/office.auth <==
jsmith
«S:hpw»

==> /etc/openvpn/client/office.conf <==
client
remote vpn.office.example.com 443 tcp
auth-user-pass /etc/openvpn/client/office.auth
""",
    ),
    (
        "ipsec.secrets psk",
        r"""# /etc/ipsec.secrets
: RSA gateway-key.pem
203.0.113.10 198.51.100.20 : PSK "«S:pw»"
%any branch-07 : PSK "«S:alnum32»"
""",
    ),
    (
        "wpa_supplicant psk",
        r"""ctrl_interface=DIR=/var/run/wpa_supplicant GROUP=netdev
update_config=1
country=GB

network={
    ssid="Workshop-2G"
    psk="«S:hpw»"
    key_mgmt=WPA-PSK
}
""",
    ),
    (
        "wpa_passphrase raw psk",
        r"""network={
	ssid="Lab-IoT"
	#psk="..."
	psk=«S:hex64»
}
""",
    ),
    (
        "networkmanager wifi psk",
        r"""[connection]
id=Office-5G
uuid=«P:uuid»
type=wifi

[wifi]
mode=infrastructure
ssid=Office-5G

[wifi-security]
key-mgmt=wpa-psk
psk=«S:pw»
""",
    ),
    (
        "mosquitto bridge password",
        r"""# /etc/mosquitto/conf.d/bridge.conf
connection cloud-bridge
address mqtt.acme-iot.net:8883
bridge_cafile /etc/mosquitto/certs/ca.crt
remote_clientid gw-«P:hex6»
remote_username gateway-07
remote_password «S:pw»
topic sensors/# out 1
""",
    ),
    (
        "azure iot device connection string",
        r"""2025-03-02 11:04:51 INFO  provisioning: device registered
2025-03-02 11:04:51 DEBUG using connection string HostName=acme-hub.azure-devices.net;DeviceId=sensor-«P:num4»;SharedAccessKey=«S:b64b32»
2025-03-02 11:04:52 INFO  mqtt: connected to acme-hub.azure-devices.net:8883
""",
    ),
    (
        "jcl job card password",
        r"""//NIGHTLY  JOB (ACCT01),'PAYROLL EXTRACT',CLASS=A,MSGCLASS=X,
//             USER=BATCH01,PASSWORD=«S:upper8»
//STEP01   EXEC PGM=IKJEFT01
//SYSTSPRT DD SYSOUT=*
//SYSTSIN  DD *
  DSN SYSTEM(DB2P)
/*
""",
    ),
    (
        "jcl ftp step credentials",
        r"""//FTPSTEP  EXEC PGM=FTP,PARM='ftp.partner.example.com (EXIT'
//OUTPUT   DD SYSOUT=*
//INPUT    DD *
xferuser «S:pw»
cd /inbound
put 'PROD.PAYROLL.EXTRACT' payroll.dat
quit
/*
""",
    ),
    (
        "salesforce security token email",
        r"""Subject: Your new Salesforce security token

Hello Integration User,

As requested, here's your new security token.

Security token (case-sensitive): «S:alnum25»

For more information, see Reset Your Security Token in the Salesforce Help.
""",
    ),
    (
        "netrc jira token",
        r"""machine acme.atlassian.net
  login ci-bot@acme.io
  password «S:ATATT3xFfGF0~b64u170~=~HEX8»
""",
    ),
    (
        "netrc wandb",
        r"""machine api.wandb.ai
  login user
  password «S:hex40»
""",
    ),
    (
        "huggingface stored tokens",
        r"""[work]
hf_token = «S:hf_~alpha34»

[personal]
hf_token = «S:hf_~alpha34»
""",
    ),
    (
        "mlflow env password",
        r"""MLFLOW_TRACKING_URI=https://mlflow.ml.internal
MLFLOW_TRACKING_USERNAME=trainer
MLFLOW_TRACKING_PASSWORD=«S:pw»
MLFLOW_S3_ENDPOINT_URL=https://minio.ml.internal
""",
    ),
    (
        "snowsql config password",
        r"""[connections]
accountname = «P:lower7»-«P:lower7»
username = ETL_SERVICE
password = «S:pw»
dbname = ANALYTICS
warehousename = TRANSFORM_WH
rolename = TRANSFORMER
""",
    ),
    (
        "snowflake connections.toml",
        r"""[default]
account = "«P:upper7»-PROD"
user = "DBT_CI"
password = "«S:pw»"
warehouse = "CI_WH"
role = "DBT_ROLE"
""",
    ),
    (
        "metabase env",
        r"""MB_DB_TYPE=postgres
MB_DB_HOST=metabase-db
MB_DB_USER=metabase
MB_DB_PASS=«S:pw»
MB_ENCRYPTION_SECRET_KEY=«S:b64b32»
MB_SITE_URL=https://bi.acme.io
""",
    ),
    (
        "redash env",
        r"""PYTHONUNBUFFERED=0
REDASH_LOG_LEVEL=INFO
REDASH_COOKIE_SECRET=«S:hex32»
REDASH_SECRET_KEY=«S:hex32»
REDASH_DATABASE_URL=postgresql://postgres:«S:pwu»@postgres/postgres
""",
    ),
    (
        "looker.ini client secret",
        r"""[Looker]
base_url=https://acme.cloud.looker.com
client_id=«P:alnum20»
client_secret=«S:alnum24»
verify_ssl=True
""",
    ),
    (
        "steam web api key env",
        r"""STEAM_APP_ID=«P:num7»
STEAM_WEB_API_KEY=«S:HEX32»
STEAM_PUBLISHER_KEY=«S:HEX32»
""",
    ),
    (
        "discord bot token env",
        r"""# bot/.env
DISCORD_CLIENT_ID=«P:num18»
DISCORD_GUILD_ID=«P:num19»
DISCORD_TOKEN=«S:discord»
""",
    ),
    (
        "telegram bot token env",
        r"""TELEGRAM_CHAT_ID=-100«P:num10»
TELEGRAM_BOT_TOKEN=«S:telegram»
""",
    ),
    (
        "slack app credentials copy",
        r"""App Credentials
These credentials allow your app to access the Slack API.

App ID          A0«P:upper9»
Date of App Creation  October 3, 2024
Client ID       «P:num13».«P:num13»
Client Secret   «S:hex32»
Signing Secret  «S:hex32»
""",
    ),
    (
        "plaid env",
        r"""PLAID_CLIENT_ID=«P:hex24»
PLAID_SECRET=«S:hex30»
PLAID_ENV=production
PLAID_PRODUCTS=auth,transactions
PLAID_COUNTRY_CODES=US,CA
""",
    ),
    (
        "adyen env",
        r"""ADYEN_MERCHANT_ACCOUNT=AcmeECOM
ADYEN_API_KEY=«S:AQE~alnum40~+~alnum60~=-i1~b64u40~=»
ADYEN_CLIENT_KEY=test_«P:upper32»
ADYEN_HMAC_KEY=«S:HEX64»
""",
    ),
    (
        "braintree env",
        r"""BRAINTREE_ENVIRONMENT=production
BRAINTREE_MERCHANT_ID=«P:lower16»
BRAINTREE_PUBLIC_KEY=«P:lower16»
BRAINTREE_PRIVATE_KEY=«S:hex32»
""",
    ),
    (
        "square and paypal env",
        r"""SQUARE_APPLICATION_ID=sq0idp-«P:b64u22»
SQUARE_ACCESS_TOKEN=«S:EAAA~b64u60»
PAYPAL_CLIENT_ID=A«P:b64u79»
PAYPAL_CLIENT_SECRET=E«S:b64u79»
""",
    ),
    (
        "binance key pair env",
        r"""EXCHANGE=binance
BINANCE_API_KEY=«S:alnum64»
BINANCE_API_SECRET=«S:alnum64»
MAX_POSITION_USDT=250
""",
    ),
    (
        "ethereum private keys env",
        r"""# hardhat deploy accounts
DEPLOYER_PRIVATE_KEY=0x«S:hex64»
TREASURY_PRIVATE_KEY=«S:hex64»
DEPLOYER_ADDRESS=«P:eth»
""",
    ),
    (
        "seed phrase env",
        r"""NETWORK=sepolia
MNEMONIC="«S:words12»"
DERIVATION_PATH=m/44'/60'/0'/0
""",
    ),
    (
        "web3 provider keys env",
        r"""INFURA_API_KEY=«S:hex32»
ALCHEMY_API_KEY=«S:b64u32»
ETHERSCAN_API_KEY=«S:upper34»
""",
    ),
    (
        "electron notarize env",
        r"""APPLE_ID=release@acme-apps.io
APPLE_APP_SPECIFIC_PASSWORD=«S:asp»
APPLE_TEAM_ID=«P:upper10»
CSC_LINK=build/certs/developer-id.p12
CSC_KEY_PASSWORD=«S:pw»
""",
    ),
    (
        "tauri signing key env",
        r"""TAURI_SIGNING_PRIVATE_KEY=«S:minisign»
TAURI_SIGNING_PRIVATE_KEY_PASSWORD=«S:pw»
""",
    ),
    (
        "firebase ci token",
        r"""FIREBASE_PROJECT=acme-field-prod
FIREBASE_TOKEN=«S:1//0~b64u100»
CRASHLYTICS_APP_ID=1:«P:num12»:android:«P:hex16»
""",
    ),
    (
        "apache ldap bind password",
        r"""<Location /reports>
    AuthType Basic
    AuthName "Corporate login"
    AuthBasicProvider ldap
    AuthLDAPURL "ldaps://dc01.corp.example.com/ou=Staff,dc=corp,dc=example,dc=com?sAMAccountName"
    AuthLDAPBindDN "CN=svc-apache,OU=Service,DC=corp,DC=example,DC=com"
    AuthLDAPBindPassword «S:pw»
    Require ldap-group CN=Reports,OU=Groups,DC=corp,DC=example,DC=com
</Location>
""",
    ),
    (
        "sap rfc ini password",
        r"""DEST=PRD
ASHOST=sapprd01.corp.example.com
SYSNR=00
CLIENT=100
USER=RFC_BATCH
PASSWD=«S:pw»
LANG=EN
""",
    ),
    (
        "weblogic boot.properties",
        r"""# servers/AdminServer/security/boot.properties
username=weblogic
password=«S:pw»
""",
    ),
    (
        "router admin page wifi",
        r"""Wireless Settings - 5 GHz
Network Name (SSID): Home-5G
Security Mode: WPA2-Personal (AES)
Password: «S:hpw»
Channel: Auto (36)
Guest network: Disabled
""",
    ),
    (
        "putty ppk private",
        r"""PuTTY-User-Key-File-3: ssh-ed25519
Encryption: none
Comment: ci@build-agent
Public-Lines: 1
AAAAC3NzaC1lZDI1NTE5AAAAI«P:b64b32»
Private-Lines: 1
«S:b64b48»
Private-MAC: «P:hex64»
""",
    ),
    (
        "openssh private key file",
        r"""# /var/lib/oxidized/.ssh/id_ed25519 (used to pull router configs)
«BEGIN OPENSSH PRIVATE KEY»
«S:openssh»
«END OPENSSH PRIVATE KEY»
""",
    ),
    (
        "pgp private key block",
        r"""«BEGIN PGP PRIVATE KEY BLOCK»

«S:pgp»
«END PGP PRIVATE KEY BLOCK»
""",
    ),
    (
        "ldap bind in ldaprc",
        r"""# ~/.ldaprc
URI ldaps://ldap.corp.example.com
BASE dc=corp,dc=example,dc=com
BINDDN uid=reporting,ou=apps,dc=corp,dc=example,dc=com
# ldapsearch reads no password from here; the nightly job passes it below
# ldapsearch -x -D "uid=reporting,ou=apps,dc=corp,dc=example,dc=com" -w «S:pw» "(objectClass=person)"
""",
    ),
    (
        "wp salts in notes",
        r"""Rotated the WordPress salts on staging, new values for the vault entry:
AUTH_KEY         = «S:b64b48»
SECURE_AUTH_KEY  = «S:b64b48»
LOGGED_IN_KEY    = «S:b64b48»
NONCE_KEY        = «S:b64b48»
""",
    ),
]

PLAIN_NEGATIVE = [
    (
        "gradle.properties no secrets",
        r"""org.gradle.jvmargs=-Xmx2048m -Dfile.encoding=UTF-8
org.gradle.parallel=true
org.gradle.caching=true
android.useAndroidX=true
kotlin.code.style=official
VERSION_NAME=4.12.0
VERSION_CODE=«P:num6»
""",
    ),
    (
        "keystore.properties placeholders",
        r"""# copy to keystore.properties and fill in; never commit the real file
storePassword=<your-store-password>
keyPassword=<your-key-password>
keyAlias=upload
storeFile=<path-to-upload-keystore.jks>
""",
    ),
    (
        "fastlane match table",
        r"""[10:42:11]: Installed certificate and provisioning profiles
+-------------------------------------+-------------------------------------+
|                 Installed Certificate                                     |
+-------------------+-------------------------------------------------------+
| User ID           | «P:upper10»                                           |
| Common Name       | Apple Distribution: Acme Apps Ltd («P:upper10»)       |
| Provisioning Profile UUID | «P:uuid»                                      |
| App Identifier    | io.acme.field                                         |
+-------------------+-------------------------------------------------------+
""",
    ),
    (
        "cisco hashed secrets",
        r"""hostname core-sw-01
enable secret 9 «P:type9»
username admin privilege 15 secret 8 «P:type8»
username audit privilege 1 secret 5 «P:md5crypt»
crypto key generate rsa modulus 2048
ip ssh version 2
""",
    ),
    (
        "juniper sha512 encrypted-password",
        r"""set system login user ops uid 2001
set system login user ops class super-user
set system login user ops authentication encrypted-password "«P:sha512crypt»"
set system login user ops authentication ssh-ed25519 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI«P:b64b32» ops@laptop"
""",
    ),
    (
        "wg show output",
        r"""interface: wg0
  public key: «P:b64b32»
  private key: (hidden)
  listening port: 51820

peer: «P:b64b32»
  endpoint: 198.51.100.7:51820
  allowed ips: 10.8.0.5/32
  latest handshake: 1 minute, 12 seconds ago
  transfer: 18.42 MiB received, 3.10 MiB sent
""",
    ),
    (
        "wireguard peer block public",
        r"""# Send this to the branch office; they add it to their wg0.conf
[Peer]
# hq-gateway
PublicKey = «P:b64b32»
Endpoint = hq.acme.net:51820
AllowedIPs = 10.0.0.0/16
""",
    ),
    (
        "openvpn with file references",
        r"""client
dev tun
proto udp
remote vpn.acme.net 1194
resolv-retry infinite
auth-user-pass /etc/openvpn/client/auth.txt
ca /etc/openvpn/client/ca.crt
cert /etc/openvpn/client/laptop.crt
key /etc/openvpn/client/laptop.key
tls-crypt /etc/openvpn/client/ta.key
remote-cert-tls server
""",
    ),
    (
        "ipsec.conf pubkey auth",
        r"""conn hq-to-branch
    left=%defaultroute
    leftid=@hq.acme.net
    leftcert=hq-cert.pem
    leftauth=pubkey
    right=branch.acme.net
    rightid=@branch.acme.net
    rightauth=pubkey
    ike=aes256-sha256-modp2048!
    auto=start
""",
    ),
    (
        "ansible vault file",
        r"""$ANSIBLE_VAULT;1.1;AES256
«P:vault»
""",
    ),
    (
        "shadow hashes",
        r"""root:«P:sha512crypt»:19720:0:99999:7:::
daemon:*:19720:0:99999:7:::
deploy:«P:sha512crypt»:19801:0:99999:7:::
nobody:*:19720:0:99999:7:::
""",
    ),
    (
        "wordpress users sql dump",
        r"""INSERT INTO `wp_users` (`ID`, `user_login`, `user_pass`, `user_nicename`, `user_email`) VALUES
(1, 'admin', '«P:phpass»', 'admin', 'web@acme.io'),
(2, 'editor', '«P:phpass»', 'editor', 'news@acme.io');
""",
    ),
    (
        "keytool list fingerprints",
        r"""Keystore type: PKCS12
Keystore provider: SUN

Your keystore contains 1 entry

Alias name: upload
Creation date: Mar 4, 2024
Entry type: PrivateKeyEntry
Certificate chain length: 1
Certificate[1]:
Owner: CN=Acme Apps, OU=Mobile, O=Acme, L=Leeds, C=GB
Serial number: «P:hex16»
Certificate fingerprints:
	 SHA1: «P:HEX40»
	 SHA256: «P:HEX64»
Signature algorithm name: SHA384withRSA
""",
    ),
    (
        "codesigning identities",
        r"""  1) «P:HEX40» "Apple Development: Jane Smith («P:upper10»)"
  2) «P:HEX40» "Apple Distribution: Acme Apps Ltd («P:upper10»)"
  3) «P:HEX40» "Developer ID Application: Acme Apps Ltd («P:upper10»)"
     3 valid identities found
""",
    ),
    (
        "app store connect key id doc",
        r"""App Store Connect API
Issuer ID: «P:uuid»
Key ID: «P:upper10»
Name: CI uploads
Access: App Manager
The .p8 file is in 1Password under "ASC API key (CI)".
""",
    ),
    (
        "databricks clusters list",
        r"""ID                    Name                 State
«P:num4»-«P:num6»-«P:lower8»  etl-nightly          TERMINATED
«P:num4»-«P:num6»-«P:lower8»  ml-gpu-shared        RUNNING
«P:num4»-«P:num6»-«P:lower8»  sql-warehouse-proxy  TERMINATED
""",
    ),
    (
        "airflow task log masked",
        r"""[2025-02-11, 02:00:04 UTC] {base.py:83} INFO - Using connection ID 'warehouse_pg' for task execution.
[2025-02-11, 02:00:04 UTC] {sql.py:418} INFO - Running statement: SELECT count(*) FROM staging.orders, parameters: None
[2025-02-11, 02:00:05 UTC] {taskinstance.py:1400} INFO - Marking task as SUCCESS. dag_id=orders_daily, task_id=count_orders, run_id=scheduled__2025-02-10T02:00:00+00:00
[2025-02-11, 02:00:05 UTC] {logging_mixin.py:188} INFO - password=***, login=etl
""",
    ),
    (
        "dbt run log",
        r"""02:14:01  Running with dbt=1.7.4
02:14:02  Registered adapter: snowflake=1.7.1
02:14:03  Found 84 models, 12 snapshots, 310 tests, 9 sources, 0 exposures
02:14:05  Concurrency: 8 threads (target='prod')
02:14:11  1 of 84 OK created sql table model analytics.dim_customers ...... [SUCCESS 1 in 5.83s]
02:14:12  2 of 84 OK created sql incremental model analytics.fct_orders ... [SUCCESS 12345 in 6.21s]
""",
    ),
    (
        "mlflow run info",
        r"""Run ID: «P:hex32»
Experiment ID: «P:num18»
Status: FINISHED
Artifact URI: s3://ml-artifacts/«P:num18»/«P:hex32»/artifacts
Metrics: val_loss=0.2314, val_auc=0.9121
Params: lr=0.0003, batch_size=64, seed=1234
""",
    ),
    (
        "wandb run log",
        r"""wandb: Currently logged in as: «P:user» (acme-ml). Use `wandb login --relogin` to force relogin
wandb: Tracking run with wandb version 0.16.3
wandb: Run data is saved locally in /home/«P:user»/proj/wandb/run-20250211_101512-«P:lower8»
wandb: Syncing run rosy-sound-42
wandb: View project at https://wandb.ai/acme-ml/churn
wandb: View run at https://wandb.ai/acme-ml/churn/runs/«P:lower8»
""",
    ),
    (
        "hf cache snapshots",
        r"""~/.cache/huggingface/hub/models--bert-base-uncased/
├── blobs
│   ├── «P:hex64»
│   └── «P:hex40»
├── refs
│   └── main
└── snapshots
    └── «P:hex40»
        ├── config.json -> ../../blobs/«P:hex40»
        └── model.safetensors -> ../../blobs/«P:hex64»
""",
    ),
    (
        "etherscan tx page",
        r"""Transaction Hash: 0x«P:hex64»
Status: Success
Block: 19«P:num6»
From: «P:eth»
To: «P:eth»
Value: 0.05 ETH
Transaction Fee: 0.000912 ETH
Gas Price: 14.2 Gwei
""",
    ),
    (
        "hardhat deploy output",
        r"""Compiled 14 Solidity files successfully (evm target: paris).
Deploying contracts with the account: «P:eth»
Account balance: 1.8421 ETH
Token deployed to: «P:eth»
Vesting deployed to: «P:eth»
tx: 0x«P:hex64»
""",
    ),
    (
        "hardhat public test mnemonic doc",
        r"""Local network accounts
By default Hardhat Network derives its 20 accounts from the public test mnemonic
"test test test test test test test test test test test junk".
These accounts are known to everyone: never send real funds to them.
""",
    ),
    (
        "klist output",
        r"""Ticket cache: FILE:/tmp/krb5cc_1000
Default principal: alice@CORP.EXAMPLE.COM

Valid starting       Expires              Service principal
02/11/2025 09:12:44  02/11/2025 19:12:44  krbtgt/CORP.EXAMPLE.COM@CORP.EXAMPLE.COM
	renew until 02/18/2025 09:12:41
02/11/2025 09:13:02  02/11/2025 19:12:44  HTTP/intranet.corp.example.com@CORP.EXAMPLE.COM
""",
    ),
    (
        "krb5.conf",
        r"""[libdefaults]
    default_realm = CORP.EXAMPLE.COM
    dns_lookup_kdc = true
    ticket_lifetime = 10h
[realms]
    CORP.EXAMPLE.COM = {
        kdc = dc01.corp.example.com
        admin_server = dc01.corp.example.com
    }
""",
    ),
    (
        "ldif user entry ssha",
        r"""dn: uid=jsmith,ou=People,dc=corp,dc=example,dc=com
objectClass: inetOrgPerson
uid: jsmith
cn: Jane Smith
mail: jsmith@corp.example.com
userPassword: {SSHA}«P:b64b24»
memberOf: cn=developers,ou=Groups,dc=corp,dc=example,dc=com
""",
    ),
    (
        "tnsnames.ora",
        r"""ORCLPDB1 =
  (DESCRIPTION =
    (ADDRESS = (PROTOCOL = TCP)(HOST = db01.corp.example.com)(PORT = 1521))
    (CONNECT_DATA =
      (SERVER = DEDICATED)
      (SERVICE_NAME = orclpdb1.corp.example.com)
    )
  )
""",
    ),
    (
        "ibm mq display channel",
        r"""AMQ8414I: Display Channel details.
   CHANNEL(APP.SVRCONN)                    CHLTYPE(SVRCONN)
   MCAUSER(app)                            SSLCIPH(ANY_TLS12_OR_HIGHER)
   SSLCAUTH(REQUIRED)                      MAXMSGL(4194304)
   DESCR(Payments app client channel)      ALTDATE(2025-01-20)
""",
    ),
    (
        "jcl without password",
        r"""//BACKUP   JOB (ACCT01),'DAILY BACKUP',CLASS=A,MSGCLASS=X,
//             NOTIFY=&SYSUID
//STEP01   EXEC PGM=ADRDSSU
//SYSPRINT DD SYSOUT=*
//TAPE     DD DSN=BKUP.DAILY(+1),DISP=(NEW,CATLG),UNIT=TAPE
""",
    ),
    (
        "sops env file",
        r"""DB_PASSWORD=ENC[AES256_GCM,data:«P:b64b18»,iv:«P:b64b32»,tag:«P:b64b16»,type:str]
STRIPE_SECRET=ENC[AES256_GCM,data:«P:b64b30»,iv:«P:b64b32»,tag:«P:b64b16»,type:str]
sops_kms__list_0__map_arn=arn:aws:kms:eu-west-1:«P:num12»:key/«P:uuid»
sops_lastmodified=2025-02-11T10:01:22Z
sops_mac=ENC[AES256_GCM,data:«P:b64b32»,iv:«P:b64b32»,tag:«P:b64b16»,type:str]
sops_version=3.8.1
""",
    ),
    (
        "ci log masked match password",
        r"""Run bundle exec fastlane ios beta
  env:
    MATCH_PASSWORD: ***
    APP_STORE_CONNECT_API_KEY_KEY: ***
[10:41:55]: Driving the lane 'ios beta'
[10:41:56]: Cloning remote git repo...
""",
    ),
    (
        "electron-builder signing log",
        r"""  • electron-builder  version=24.9.1 os=23.2.0
  • signing         file=dist/mac-arm64/Acme.app platform=darwin type=distribution identity=«P:HEX40» provisioningProfile=none
  • notarization successful
  • building        target=DMG arch=arm64 file=dist/Acme-3.2.0-arm64.dmg
""",
    ),
    (
        "mqtt broker log",
        r"""1739270400: New connection from 10.20.4.17:51234 on port 8883.
1739270400: New client connected from 10.20.4.17:51234 as sensor-«P:hex6» (p2, c1, k60, u'sensor').
1739270401: Client sensor-«P:hex6» disconnected.
""",
    ),
    (
        "aws iot certificate ids",
        r"""Thing: pump-station-14
Certificate ID: «P:hex64»
Certificate ARN: arn:aws:iot:eu-west-1:«P:num12»:cert/«P:hex64»
Status: ACTIVE
Policy: pump-station-policy
""",
    ),
    (
        "playfab title doc",
        r"""PlayFab setup
Title ID: «P:HEX5»
Studio: Acme Games
The developer secret key lives in the build server's secret store, never in the client.
""",
    ),
    (
        "steamcmd login output",
        r"""Redirecting stderr to '/home/steam/Steam/logs/stderr.txt'
Logging in user 'acme_builder' to Steam Public...OK
Waiting for client config...OK
Waiting for user info...OK
App '«P:num7»' already up to date.
""",
    ),
    (
        "cisco templated community",
        r"""snmp-server community {{ snmp_ro_community }} RO 10
snmp-server host {{ nms_host }} version 2c {{ snmp_ro_community }}
tacacs server ISE
 address ipv4 {{ tacacs_host }}
 key {{ vault_tacacs_key }}
""",
    ),
    (
        "iot device certificate",
        r"""«BEGIN CERTIFICATE»
«P:cert»
«END CERTIFICATE»
""",
    ),
    (
        "rsa public key",
        r"""«BEGIN PUBLIC KEY»
«P:pubkey»
«END PUBLIC KEY»
""",
    ),
]

# --- shell: commands an agent runs and what they print --------------------------------------------

SHELL = [
    (
        "ldapsearch -w password",
        r"""$ ldapsearch -x -H ldaps://dc01.corp.example.com -D "CN=svc-reports,OU=Service Accounts,DC=corp,DC=example,DC=com" -w '«S:pw»' -b "DC=corp,DC=example,DC=com" "(sAMAccountName=jsmith)" mail memberOf
# extended LDIF
dn: CN=Jane Smith,OU=Staff,DC=corp,DC=example,DC=com
mail: jsmith@corp.example.com
memberOf: CN=Developers,OU=Groups,DC=corp,DC=example,DC=com
""",
    ),
    (
        "ldappasswd new password",
        r"""$ ldappasswd -H ldap://ldap.corp.example.com -x -D "cn=admin,dc=corp,dc=example,dc=com" -w «S:pw» -s «S:hpw» "uid=jsmith,ou=People,dc=corp,dc=example,dc=com"
Result: Success (0)
""",
    ),
    (
        "kinit with piped password",
        r"""$ echo '«S:pw»' | kinit svc-etl@CORP.EXAMPLE.COM
Password for svc-etl@CORP.EXAMPLE.COM:
$ klist | head -3
Ticket cache: FILE:/tmp/krb5cc_0
Default principal: svc-etl@CORP.EXAMPLE.COM
""",
    ),
    (
        "powershell securestring plaintext",
        r"""PS C:\deploy> $pw = ConvertTo-SecureString '«S:pw»' -AsPlainText -Force
PS C:\deploy> $cred = New-Object System.Management.Automation.PSCredential('CORP\svc-deploy', $pw)
PS C:\deploy> Invoke-Command -ComputerName web01 -Credential $cred -ScriptBlock { Restart-Service W3SVC }
""",
    ),
    (
        "net use with password",
        r"""C:\> net use Z: \\fs01.corp.example.com\builds «S:pw» /user:CORP\svc-build /persistent:no
The command completed successfully.
""",
    ),
    (
        "cmdkey add pass",
        r"""C:\> cmdkey /add:sql01.corp.example.com /user:CORP\svc-sql /pass:«S:pw»
CMDKEY: Credential added successfully.
""",
    ),
    (
        "net user add password",
        r"""C:\> net user svc-backup «S:pw» /add /y
The command completed successfully.
C:\> net localgroup "Backup Operators" svc-backup /add
The command completed successfully.
""",
    ),
    (
        "set-adaccountpassword",
        r"""PS> Set-ADAccountPassword -Identity jsmith -Reset -NewPassword (ConvertTo-SecureString -AsPlainText "«S:hpw»" -Force)
PS> Set-ADUser -Identity jsmith -ChangePasswordAtLogon $true
""",
    ),
    (
        "sqlplus user/password",
        r"""$ sqlplus system/«S:pw»@//db01.corp.example.com:1521/ORCLPDB1

SQL*Plus: Release 19.0.0.0.0 - Production on Tue Feb 11 10:02:11 2025
Connected to:
Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production
SQL>
""",
    ),
    (
        "expdp userid",
        r"""$ expdp userid=hr/«S:pw»@ORCLPDB1 schemas=HR directory=DATA_PUMP_DIR dumpfile=hr_%U.dmp logfile=hr_exp.log
Export: Release 19.0.0.0.0 - Production on Tue Feb 11 10:15:32 2025
Starting "HR"."SYS_EXPORT_SCHEMA_01":  userid=hr/********@ORCLPDB1 schemas=HR
""",
    ),
    (
        "mqsisetdbparms",
        r"""$ mqsisetdbparms -n mq::QM1SEC -u app -p «S:pw»
BIP8071I: Successful command completion.
""",
    ),
    (
        "sf org display access token",
        r"""$ sf org display --target-org prod
=== Org Description

 KEY              VALUE
 ──────────────── ─────────────────────────────────────────────
 Access Token     «S:00D~alnum12~!AQ~alnum94»
 Api Version      60.0
 Client Id        PlatformCLI
 Connected Status Connected
 Id               00D«P:alnum15»
 Instance Url     https://acme.my.salesforce.com
 Username         release@acme.io
""",
    ),
    (
        "servicenow curl basic",
        r"""$ curl -s -u 'integration.bot:«S:pw»' "https://acme.service-now.com/api/now/table/incident?sysparm_limit=1&sysparm_fields=number,short_description"
{"result":[{"number":"INC0012345","short_description":"VPN drops every 20 minutes"}]}
""",
    ),
    (
        "confluence curl api token",
        r"""$ curl -s -u ci-bot@acme.io:«S:ATATT3xFfGF0~b64u170~=~HEX8» https://acme.atlassian.net/wiki/rest/api/space?limit=1 | jq '.results[0].key'
"ENG"
""",
    ),
    (
        "jira dc bearer pat",
        r"""$ curl -s -H "Authorization: Bearer «S:b64b33»" https://jira.corp.example.com/rest/api/2/myself | jq .name
"svc-automation"
""",
    ),
    (
        "databricks token export",
        r"""$ export DATABRICKS_HOST=https://adb-«P:num16».«P:num2».azuredatabricks.net
$ export DATABRICKS_TOKEN=«S:dapi~hex32»
$ databricks jobs list --output json | jq '.jobs | length'
17
""",
    ),
    (
        "databricks secret put json",
        r"""$ databricks secrets put-secret --json '{"scope": "etl", "key": "pg_password", "string_value": "«S:pw»"}'
$ databricks secrets list-secrets etl
Key          Last Updated
pg_password  1739270400000
""",
    ),
    (
        "airflow connections add uri",
        r"""$ airflow connections add 'warehouse_pg' --conn-uri 'postgres://etl:«S:pwu»@warehouse.data.internal:5432/analytics'
Successfully added `conn_id`=warehouse_pg : postgres://etl:******@warehouse.data.internal:5432/analytics
""",
    ),
    (
        "airflow connections get table",
        r"""$ airflow connections get sftp_partner -o plain
id  conn_id       conn_type  description  host                    schema  login    password           port  is_encrypted  is_extra_encrypted
12  sftp_partner  sftp       None         sftp.partner.example    None    acme_in  «S:pw»  22    True          True
""",
    ),
    (
        "snowsql env password",
        r"""$ SNOWSQL_PWD='«S:pw»' snowsql -a «P:lower7»-prod -u ETL_SERVICE -d ANALYTICS -q "select current_version()"
* SnowSQL * v1.2.32
+-------------------+
| CURRENT_VERSION() |
|-------------------|
| 8.6.1             |
+-------------------+
""",
    ),
    (
        "dbt env secret export",
        r"""$ export DBT_ENV_SECRET_SNOWFLAKE_PASSWORD='«S:pw»'
$ dbt debug --target prod
02:10:11  Running with dbt=1.7.4
02:10:13    Connection test: [OK connection ok]
""",
    ),
    (
        "wandb login key",
        r"""$ wandb login «S:hex40»
wandb: Appending key for api.wandb.ai to your netrc file: /root/.netrc
""",
    ),
    (
        "huggingface-cli login token",
        r"""$ huggingface-cli login --token «S:hf_~alpha34» --add-to-git-credential
Token is valid (permission: write).
Your token has been saved in your configured git credential helpers (store).
Your token has been saved to /root/.cache/huggingface/token
Login successful
""",
    ),
    (
        "cat kaggle.json",
        r"""$ cat ~/.kaggle/kaggle.json
{"username":"«P:user»ml","key":"«S:hex32»"}
$ chmod 600 ~/.kaggle/kaggle.json
""",
    ),
    (
        "label studio start token",
        r"""$ label-studio start --username admin@acme.io --password '«S:pw»' --user-token «S:hex40» --port 8081
=> Database and media directory: /root/.local/share/label-studio
Starting development server at http://0.0.0.0:8081/
""",
    ),
    (
        "superset create-admin",
        r"""$ superset fab create-admin --username admin --firstname Ada --lastname Admin --email bi@acme.io --password '«S:pw»'
Recognized Database Authentications.
Admin User admin created.
""",
    ),
    (
        "fastlane match export",
        r"""$ export MATCH_PASSWORD='«S:pw»'
$ bundle exec fastlane match appstore --readonly
[10:41:56]: Cloning remote git repo...
[10:41:59]: 🔓  Successfully decrypted certificates repo
""",
    ),
    (
        "eas secret create",
        r"""$ eas secret:create --scope project --name SENTRY_AUTH_TOKEN --value «S:sntryu_~hex64» --type string
✔ Created a new secret SENTRY_AUTH_TOKEN on project @acme/field.
""",
    ),
    (
        "expo token build",
        r"""$ EXPO_TOKEN=«S:alnum40» eas build --platform android --profile production --non-interactive
Resolved "production" environment for the build.
Build details: https://expo.dev/accounts/acme/projects/field/builds/«P:uuid»
""",
    ),
    (
        "codepush release token",
        r"""$ appcenter codepush release-react -a acme/field-ios -d Production --token «S:hex40» --mandatory
Detecting ios app version:
Using the target binary version value "3.2.0" from "ios/Field/Info.plist".
Successfully released an update containing the "CodePush" directory to the "Production" deployment.
""",
    ),
    (
        "notarytool store-credentials",
        r"""$ xcrun notarytool store-credentials "AC_NOTARY" --apple-id release@acme-apps.io --team-id «P:upper10» --password «S:asp»
Validating your credentials...
Success. Credentials validated.
Credentials saved to Keychain.
""",
    ),
    (
        "altool upload password",
        r"""$ xcrun altool --upload-app -f build/Field.ipa -t ios -u release@acme-apps.io -p «S:asp»
No errors uploading 'build/Field.ipa'
""",
    ),
    (
        "keytool genkeypair storepass",
        r"""$ keytool -genkeypair -v -keystore upload.jks -alias upload -keyalg RSA -keysize 2048 -validity 10000 -storepass «S:pw» -keypass «S:pw» -dname "CN=Acme Apps, O=Acme, C=GB"
Generating 2,048 bit RSA key pair and self-signed certificate (SHA384withRSA) with a validity of 10,000 days
[Storing upload.jks]
""",
    ),
    (
        "apksigner ks-pass",
        r"""$ apksigner sign --ks release.jks --ks-key-alias release --ks-pass pass:«S:pw» --key-pass pass:«S:pw» --out app-release.apk app-release-unsigned.apk
$ apksigner verify app-release.apk && echo ok
ok
""",
    ),
    (
        "gradlew injected signing",
        r"""$ ./gradlew :app:bundleRelease -Pandroid.injected.signing.store.file=$PWD/release.jks -Pandroid.injected.signing.store.password=«S:pw» -Pandroid.injected.signing.key.alias=release -Pandroid.injected.signing.key.password=«S:pw»
BUILD SUCCESSFUL in 3m 12s
""",
    ),
    (
        "security unlock keychain",
        r"""$ security create-keychain -p «S:pw» build.keychain
$ security unlock-keychain -p «S:pw» build.keychain
$ security import dist.p12 -k build.keychain -P «S:pw» -T /usr/bin/codesign
1 identity imported.
""",
    ),
    (
        "tauri signer generate",
        r"""$ npx tauri signer generate -w ~/.tauri/acme.key
Please enter a password to protect the secret key.
Deriving a key from the password in order to encrypt the secret key... done

Your secret key was generated successfully - Keep it secret!
«S:minisign»

Your public key was generated successfully:
«P:minisignpub»
""",
    ),
    (
        "wg genkey output",
        r"""$ umask 077; wg genkey | tee privatekey | wg pubkey > publickey
$ cat privatekey publickey
«S:b64b32»
«P:b64b32»
""",
    ),
    (
        "nmcli wifi connect password",
        r"""$ nmcli dev wifi connect "Office-5G" password "«S:hpw»" ifname wlan0
Device 'wlan0' successfully activated with '«P:uuid»'.
""",
    ),
    (
        "wpa_passphrase output",
        r"""$ wpa_passphrase "Lab-IoT" '«S:hpw@p»'
network={
	ssid="Lab-IoT"
	#psk="«=p»"
	psk=«S:hex64»
}
""",
    ),
    (
        "mosquitto_pub password",
        r"""$ mosquitto_pub -h mqtt.acme-iot.net -p 8883 --cafile ca.crt -u gateway-07 -P '«S:pw»' -t sensors/temp/hall -m 21.5 -d
Client null sending CONNECT
Client null received CONNACK (0)
Client null sending PUBLISH (d0, q0, r0, m1, 'sensors/temp/hall', ... (4 bytes))
""",
    ),
    (
        "mosquitto_passwd batch",
        r"""$ sudo mosquitto_passwd -b /etc/mosquitto/passwd sensor-hall «S:pw»
$ sudo systemctl reload mosquitto
""",
    ),
    (
        "iot hub connection string export",
        r"""$ export IOTHUB_DEVICE_CONNECTION_STRING="HostName=acme-hub.azure-devices.net;DeviceId=pump-14;SharedAccessKey=«S:b64b32»"
$ python simulated_device.py
Connecting using Connection String HostName=acme-hub.azure-devices.net;DeviceId=pump-14;...
""",
    ),
    (
        "mikrotik ssh set password",
        r"""$ ssh admin@192.168.88.1 '/user set [find name=admin] password="«S:pw»"'
$ ssh admin@192.168.88.1 '/system identity print'
  name: hq-gw
""",
    ),
    (
        "sshpass ubiquiti",
        r"""$ sshpass -p '«S:pw»' ssh -o StrictHostKeyChecking=no ubnt@10.0.0.2 'mca-status | head -3'
deviceName=roof-ap-1,deviceId=«P:HEX12»,firmwareVersion=6.3.11
""",
    ),
    (
        "snmpwalk community",
        r"""$ snmpwalk -v2c -c «S:alnum14» 10.20.0.1 SNMPv2-MIB::sysDescr
SNMPv2-MIB::sysDescr.0 = STRING: Cisco IOS Software, C2960X Software, Version 15.2(7)E9
""",
    ),
    (
        "snmpget v3 auth priv",
        r"""$ snmpget -v3 -u monitor -l authPriv -a SHA -A '«S:pw»' -x AES -X '«S:pw»' 10.20.0.1 sysUpTime.0
DISMAN-EVENT-MIB::sysUpTimeInstance = Timeticks: (812345600) 94 days, 0:30:56.00
""",
    ),
    (
        "wp-cli config set password",
        r"""$ wp config set DB_PASSWORD '«S:pw@db»' --type=constant
Success: Updated the constant 'DB_PASSWORD' in the 'wp-config.php' file with the value '«=db»'.
""",
    ),
    (
        "wp-cli user create pass",
        r"""$ wp user create deploybot deploy@acme.io --role=editor --user_pass='«S:hpw»'
Success: Created user 7.
""",
    ),
    (
        "drush user password",
        r"""$ drush user:password admin '«S:pw»'
 [success] Changed password for admin.
""",
    ),
    (
        "magento setup install",
        r"""$ bin/magento setup:install --base-url=https://shop.acme.io/ --db-host=db --db-name=magento --db-user=magento --db-password='«S:pw»' --admin-firstname=Ada --admin-lastname=Admin --admin-email=shop@acme.io --admin-user=admin --admin-password='«S:pw»' --search-engine=opensearch --opensearch-host=opensearch
Starting Magento installation:
""",
    ),
    (
        "shopify app env show",
        r"""$ shopify app env show

    SHOPIFY_API_KEY=«P:hex32»
    SHOPIFY_API_SECRET=«S:hex32»
    SCOPES=write_products,read_orders
""",
    ),
    (
        "shopify admin curl token",
        r"""$ curl -s -H "X-Shopify-Access-Token: «S:shpat_~hex32»" https://acme-store.myshopify.com/admin/api/2024-01/shop.json | jq .shop.name
"Acme Store"
""",
    ),
    (
        "woocommerce curl keys",
        r"""$ curl -s https://shop.acme.io/wp-json/wc/v3/orders?per_page=1 -u «S:ck_~hex40»:«S:cs_~hex40» | jq '.[0].id'
4812
""",
    ),
    (
        "steamcmd login password",
        r"""$ steamcmd +login acme_builder '«S:pw»' +run_app_build /build/scripts/app_build_«P:num7».vdf +quit
Logging in user 'acme_builder' to Steam Public...OK
Uploading content...
""",
    ),
    (
        "slack curl bot token",
        r"""$ curl -s -H "Authorization: Bearer «S:xoxb-~num12~-~num13~-~alnum24»" https://slack.com/api/auth.test
{"ok":true,"url":"https://acme.slack.com/","team":"Acme","user":"deploybot","team_id":"T0«P:upper9»","user_id":"U0«P:upper9»","bot_id":"B0«P:upper9»"}
""",
    ),
    (
        "plaid curl secret",
        r"""$ curl -s -X POST https://production.plaid.com/accounts/get -H 'Content-Type: application/json' -d '{"client_id": "«P:hex24»", "secret": "«S:hex30»", "access_token": "«S:access-production-~uuid»"}' | jq '.accounts | length'
3
""",
    ),
    (
        "coinbase cdp key export",
        r"""$ export COINBASE_API_KEY_NAME="organizations/«P:uuid»/apiKeys/«P:uuid»"
$ export COINBASE_API_PRIVATE_KEY="«BEGIN EC PRIVATE KEY»\n«S:ec!j»\n«END EC PRIVATE KEY»\n"
$ python trade_bot.py --dry-run
""",
    ),
    (
        "cast wallet import private key",
        r"""$ cast wallet import deployer --private-key 0x«S:hex64»
Enter password:
`deployer` keystore was saved successfully. Address: «P:eth»
""",
    ),
    (
        "forge script private key",
        r"""$ forge script script/Deploy.s.sol:Deploy --rpc-url https://sepolia.infura.io/v3/«S:hex32» --private-key «S:hex64» --broadcast --verify
[⠊] Compiling...
Script ran successfully.
""",
    ),
    (
        "cast wallet mnemonic",
        r"""$ cast wallet address --mnemonic "«S:words12»" --mnemonic-index 0
«P:eth»
""",
    ),
    (
        "solana keypair json",
        r"""$ cat ~/.config/solana/id.json
«S:solkey»
$ solana address
«P:b64u44»
""",
    ),
    (
        "spark-submit s3a secret",
        r"""$ spark-submit --master yarn --deploy-mode cluster --conf spark.hadoop.fs.s3a.access.key=«P:AKIA~upper16» --conf spark.hadoop.fs.s3a.secret.key=«S:b6440» jobs/compact_events.py --date 2025-02-10
""",
    ),
    (
        "beeline password",
        r"""$ beeline -u "jdbc:hive2://hive.data.internal:10000/default;ssl=true" -n etl -p '«S:pw»' -e "show databases;"
Connected to: Apache Hive (version 3.1.3)
+----------------+
| database_name  |
+----------------+
""",
    ),
    (
        "ktpass pass",
        r"""C:\> ktpass /princ HTTP/web01.corp.example.com@CORP.EXAMPLE.COM /mapuser CORP\svc-web /pass «S:pw» /out web01.keytab /crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL
Targeting domain controller: dc01.corp.example.com
Successfully mapped HTTP/web01.corp.example.com to svc-web.
""",
    ),
    (
        "exchange new-mailbox password",
        r"""[PS] C:\> New-Mailbox -Name "Scanner Floor2" -UserPrincipalName scanner2@corp.example.com -Password (ConvertTo-SecureString -String '«S:pw»' -AsPlainText -Force)
Name            Alias      ServerName   ProhibitSendQuota
----            -----      ----------   -----------------
Scanner Floor2  scanner2   exch01       Unlimited
""",
    ),
    (
        "psexec password",
        r"""C:\tools> psexec \\app02 -u CORP\admin.jsmith -p «S:pw» cmd /c "ipconfig /flushdns"
PsExec v2.43 - Execute processes remotely
cmd exited on app02 with error code 0.
""",
    ),
    (
        "appcmd app pool identity",
        r"""C:\> %windir%\system32\inetsrv\appcmd set apppool /apppool.name:Reports /processModel.identityType:SpecificUser /processModel.userName:CORP\svc-reports /processModel.password:«S:pw»
APPPOOL object "Reports" changed
""",
    ),
    (
        "sqlcmd sa password",
        r"""$ sqlcmd -S sql01.corp.example.com -U sa -P '«S:pw»' -Q "SELECT @@VERSION"
Microsoft SQL Server 2019 (RTM-CU22) (KB5027702) - 15.0.4322.2 (X64)
""",
    ),
]

SHELL_NEGATIVE = [
    (
        "ldapsearch prompt -W",
        r"""$ ldapsearch -x -H ldaps://dc01.corp.example.com -D "CN=svc-reports,OU=Service Accounts,DC=corp,DC=example,DC=com" -W -b "DC=corp,DC=example,DC=com" "(sAMAccountName=jsmith)" cn
Enter LDAP Password:
dn: CN=Jane Smith,OU=Staff,DC=corp,DC=example,DC=com
cn: Jane Smith
""",
    ),
    (
        "ldapsearch password file",
        r"""$ ldapsearch -x -H ldap://ldap.corp.example.com -D "cn=reader,dc=corp,dc=example,dc=com" -y /etc/ldap/reader.secret -b "ou=People,dc=corp,dc=example,dc=com" uid=jsmith uid
dn: uid=jsmith,ou=People,dc=corp,dc=example,dc=com
uid: jsmith
""",
    ),
    (
        "powershell get-credential",
        r"""PS C:\deploy> $cred = Get-Credential -UserName 'CORP\svc-deploy' -Message 'Deploy account'
PS C:\deploy> $secure = Read-Host -AsSecureString -Prompt 'Vault key'
PS C:\deploy> Invoke-Command -ComputerName web01 -Credential $cred -ScriptBlock { Get-Service W3SVC }
""",
    ),
    (
        "get-localuser output",
        r"""PS C:\> Get-LocalUser
Name               Enabled Description
----               ------- -----------
Administrator      False   Built-in account for administering the computer/domain
svc-backup         True    Nightly backup
WDAGUtilityAccount False   A user account managed and used by the system
""",
    ),
    (
        "net use prompt",
        r"""C:\> net use Z: \\fs01.corp.example.com\builds /user:CORP\jsmith *
Type the password for \\fs01.corp.example.com\builds:
The command completed successfully.
""",
    ),
    (
        "cmdkey list",
        r"""C:\> cmdkey /list

Currently stored credentials:

    Target: Domain:interactive=sql01.corp.example.com
    Type: Domain Password
    User: CORP\svc-sql
""",
    ),
    (
        "sf org list",
        r"""$ sf org list
 Type  Alias  Username               Org ID              Status
 ───── ────── ────────────────────── ─────────────────── ─────────
 🍁    prod   release@acme.io        00D«P:alnum15»  Connected
       uat    release@acme.io.uat    00D«P:alnum15»  Connected
""",
    ),
    (
        "databricks tokens list",
        r"""$ databricks tokens list
ID                                                                Comment           Expiry time
«P:hex64»  ci-nightly        2025-06-30T00:00:00Z
«P:hex64»  dbt-cloud         never
""",
    ),
    (
        "airflow connections list",
        r"""$ airflow connections list -o plain
conn_id           conn_type  host
aws_default       aws        None
warehouse_pg      postgres   warehouse.data.internal
sftp_partner      sftp       sftp.partner.example
""",
    ),
    (
        "dbt debug connection",
        r"""$ dbt debug --target prod
Connection:
  account: «P:lower7»-prod
  user: DBT_CI
  database: ANALYTICS
  warehouse: CI_WH
  role: DBT_ROLE
  schema: dbt_ci
  authenticator: snowflake_jwt
  Connection test: [OK connection ok]
""",
    ),
    (
        "huggingface whoami",
        r"""$ huggingface-cli whoami
«P:user»
orgs:  acme-ml,acme-research
$ huggingface-cli download bert-base-uncased config.json
/root/.cache/huggingface/hub/models--bert-base-uncased/snapshots/«P:hex40»/config.json
""",
    ),
    (
        "wandb login prompt",
        r"""$ wandb login
wandb: Logging into wandb.ai. (Learn how to deploy a W&B server locally: https://wandb.me/wandb-server)
wandb: You can find your API key in your browser here: https://wandb.ai/authorize
wandb: Paste an API key from your profile and hit enter, or press ctrl+c to quit:
wandb: Appending key for api.wandb.ai to your netrc file: /root/.netrc
""",
    ),
    (
        "kaggle download",
        r"""$ kaggle competitions download -c titanic
Downloading titanic.zip to /home/«P:user»/data
100%|██████████| 34.1k/34.1k [00:00<00:00, 1.21MB/s]
$ kaggle kernels list --mine
ref                                  title            author   lastRunTime
«P:user»/titanic-baseline            Titanic baseline «P:user» 2025-02-10 10:11:12
""",
    ),
    (
        "eas secret list",
        r"""$ eas secret:list
Secrets for this account and project:
┌────────────────────┬─────────┬────────┬──────────────────────────────────────┐
│ Name               │ Scope   │ Type   │ ID                                   │
├────────────────────┼─────────┼────────┼──────────────────────────────────────┤
│ SENTRY_AUTH_TOKEN  │ project │ string │ «P:uuid» │
│ GOOGLE_SERVICES_JSON │ project │ file │ «P:uuid» │
└────────────────────┴─────────┴────────┴──────────────────────────────────────┘
""",
    ),
    (
        "notarytool keychain profile",
        r"""$ xcrun notarytool submit build/Acme.zip --keychain-profile "AC_PASSWORD" --wait
Conducting pre-submission checks for Acme.zip and initiating connection to the Apple notary service...
Submission ID received
  id: «P:uuid»
Successfully uploaded file
  status: Accepted
""",
    ),
    (
        "keytool list prompt",
        r"""$ keytool -list -keystore upload.jks
Enter keystore password:
Keystore type: PKCS12
Your keystore contains 1 entry

upload, Mar 4, 2024, PrivateKeyEntry,
Certificate fingerprint (SHA-256): «P:HEX64»
""",
    ),
    (
        "apksigner print-certs",
        r"""$ apksigner verify --print-certs app-release.apk
Signer #1 certificate DN: CN=Acme Apps, O=Acme, C=GB
Signer #1 certificate SHA-256 digest: «P:hex64»
Signer #1 certificate SHA-1 digest: «P:hex40»
Signer #1 certificate MD5 digest: «P:hex32»
""",
    ),
    (
        "gradle signingReport",
        r"""$ ./gradlew signingReport
> Task :app:signingReport
Variant: release
Config: release
Store: /home/ci/keystores/release.jks
Alias: release
MD5: «P:HEX32»
SHA1: «P:HEX40»
SHA-256: «P:HEX64»
Valid until: Saturday, 21 July 2051
""",
    ),
    (
        "keychain with env references",
        r"""$ security create-keychain -p "$KEYCHAIN_PASSWORD" build.keychain
$ security unlock-keychain -p "$KEYCHAIN_PASSWORD" build.keychain
$ security import "$RUNNER_TEMP/dist.p12" -k build.keychain -P "$P12_PASSWORD" -T /usr/bin/codesign
1 identity imported.
""",
    ),
    (
        "wg pubkey only",
        r"""$ wg pubkey < /etc/wireguard/privatekey
«P:b64b32»
$ sudo wg set wg0 peer «P:b64b32» allowed-ips 10.8.0.7/32
""",
    ),
    (
        "nmcli hidden psk",
        r"""$ nmcli -f 802-11-wireless.ssid,802-11-wireless-security connection show Office-5G
802-11-wireless.ssid:                   Office-5G
802-11-wireless-security.key-mgmt:      wpa-psk
802-11-wireless-security.psk:           <hidden>
802-11-wireless-security.psk-flags:     1 (agent-owned)
""",
    ),
    (
        "mosquitto_sub readings",
        r"""$ mosquitto_sub -h mqtt.acme-iot.net -p 8883 --cafile ca.crt -t 'sensors/#' -v -C 3
sensors/temp/hall 21.5
sensors/humidity/hall 48
sensors/pump-14/state {"rpm": 1450, "fault": null}
""",
    ),
    (
        "snmpwalk v3 env refs",
        r"""$ snmpwalk -v3 -u monitor -l authPriv -a SHA -A "$SNMP_AUTH_PASS" -x AES -X "$SNMP_PRIV_PASS" 10.20.0.1 ifDescr
IF-MIB::ifDescr.1 = STRING: GigabitEthernet0/1
IF-MIB::ifDescr.2 = STRING: GigabitEthernet0/2
""",
    ),
    (
        "wp user list",
        r"""$ wp user list --fields=ID,user_login,user_email,roles
+----+------------+-----------------+---------------+
| ID | user_login | user_email      | roles         |
+----+------------+-----------------+---------------+
| 1  | admin      | web@acme.io     | administrator |
| 7  | deploybot  | deploy@acme.io  | editor        |
+----+------------+-----------------+---------------+
""",
    ),
    (
        "drush status",
        r"""$ drush status
 Drupal version   : 10.2.3
 Site URI         : https://www.acme.io
 DB driver        : mysql
 DB hostname      : db
 DB username      : drupal
 DB name          : drupal
 Database         : Connected
 Drupal bootstrap : Successful
""",
    ),
    (
        "magento admin uri",
        r"""$ bin/magento info:adminuri
Admin URI: /admin_«P:lower7»
$ bin/magento cache:flush
Flushed cache types:
config
layout
""",
    ),
    (
        "cast wallet list",
        r"""$ cast wallet list
deployer (Local)
treasury (Local)
$ cast wallet address --account deployer
Enter keystore password:
«P:eth»
""",
    ),
    (
        "cast tx signature fields",
        r"""$ cast tx 0x«P:hex64»
blockHash            0x«P:hex64»
blockNumber          19«P:num6»
from                 «P:eth»
gas                  52311
hash                 0x«P:hex64»
input                0xa9059cbb000000000000000000000000«P:hex40»«P:hex64»
nonce                41
r                    0x«P:hex64»
s                    0x«P:hex64»
to                   «P:eth»
v                    1
""",
    ),
    (
        "forge create output",
        r"""$ forge create src/Token.sol:Token --rpc-url $SEPOLIA_RPC_URL --account deployer
Deployer: «P:eth»
Deployed to: «P:eth»
Transaction hash: 0x«P:hex64»
""",
    ),
    (
        "cast keccak selector",
        r"""$ cast keccak "Transfer(address,address,uint256)"
0x«P:hex64»
$ cast sig "transfer(address,uint256)"
0xa9059cbb
""",
    ),
    (
        "esphome compile firmware hash",
        r"""$ esphome compile living-room.yaml
INFO Successfully compiled program.
INFO Firmware: .esphome/build/living-room/.pioenvs/living-room/firmware.bin
$ sha256sum .esphome/build/living-room/.pioenvs/living-room/firmware.bin
«P:hex64»  .esphome/build/living-room/.pioenvs/living-room/firmware.bin
""",
    ),
    (
        "openssl device cert fingerprint",
        r"""$ openssl x509 -in pump-14.crt -noout -subject -issuer -fingerprint -sha256
subject=CN = pump-14
issuer=CN = Acme IoT Device CA
sha256 Fingerprint=«P:HEX64»
""",
    ),
    (
        "gpg list secret keys",
        r"""$ gpg --list-secret-keys --keyid-format=long
/root/.gnupg/pubring.kbx
------------------------
sec   ed25519/«P:HEX16» 2024-03-01 [SC]
      «P:HEX40»
uid                 [ultimate] Acme Release Signing <release@acme.io>
ssb   cv25519/«P:HEX16» 2024-03-01 [E]
""",
    ),
    (
        "kinit keytab",
        r"""$ kinit -k -t /etc/security/keytabs/svc-etl.keytab svc-etl@CORP.EXAMPLE.COM
$ klist -e | tail -2
02/11/2025 10:01:02  02/11/2025 20:01:02  krbtgt/CORP.EXAMPLE.COM@CORP.EXAMPLE.COM
	Etype (skey, tkt): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96
""",
    ),
    (
        "get-aduser output",
        r"""PS> Get-ADUser jsmith
DistinguishedName : CN=Jane Smith,OU=Staff,DC=corp,DC=example,DC=com
Enabled           : True
GivenName         : Jane
Name              : Jane Smith
ObjectGUID        : «P:uuid»
SamAccountName    : jsmith
SID               : S-1-5-21-«P:num10»-«P:num10»-«P:num10»-1104
""",
    ),
    (
        "sqlplus wallet",
        r"""$ sqlplus /@PROD_WALLET
SQL*Plus: Release 19.0.0.0.0 - Production
Connected to:
Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production
SQL> show user
USER is "ETL_APP"
""",
    ),
    (
        "spark-submit instance profile",
        r"""$ spark-submit --master yarn --conf spark.hadoop.fs.s3a.aws.credentials.provider=com.amazonaws.auth.InstanceProfileCredentialsProvider --conf spark.hadoop.fs.s3a.secret.key.file=/etc/spark/s3.key jobs/compact_events.py
25/02/11 10:20:01 INFO SparkContext: Running Spark version 3.5.0
""",
    ),
    (
        "unity ci env references",
        r"""$ unity-editor -batchmode -quit -nographics -serial "$UNITY_SERIAL" -username "$UNITY_EMAIL" -password "$UNITY_PASSWORD" -logFile -
[Licensing::Module] Successfully activated the entitlement license
""",
    ),
    (
        "grep password references",
        r"""$ grep -rn "password" config/
config/database.yml:8:  password: <%= ENV["DATABASE_PASSWORD"] %>
config/ldap.yml:5:  bind_password: <%= Rails.application.credentials.dig(:ldap, :bind_password) %>
config/mq.yml:3:  password_file: /run/secrets/mq_password
""",
    ),
]

# --- yaml: profiles, device configs, inventories, manifests and CI files ---------------------------

YAML = [
    (
        "dbt profiles snowflake password",
        r"""analytics:
  target: prod
  outputs:
    prod:
      type: snowflake
      account: «P:lower7»-prod
      user: DBT_PROD
      password: «S:pw»
      role: TRANSFORMER
      database: ANALYTICS
      warehouse: TRANSFORM_WH
      schema: marts
      threads: 8
""",
    ),
    (
        "dbt profiles postgres pass",
        r"""jaffle_shop:
  target: dev
  outputs:
    dev:
      type: postgres
      host: localhost
      user: dbt
      pass: "«S:pw»"
      port: 5432
      dbname: jaffle
      schema: dbt_«P:user»
      threads: 4
""",
    ),
    (
        "dbt bigquery keyfile_json",
        r"""bq:
  target: prod
  outputs:
    prod:
      type: bigquery
      method: service-account-json
      project: acme-analytics
      dataset: marts
      keyfile_json:
        type: service_account
        project_id: acme-analytics
        private_key_id: «P:hex40»
        private_key: "«BEGIN PRIVATE KEY»\n«S:rsa8!j»\n«END PRIVATE KEY»\n"
        client_email: dbt-runner@acme-analytics.iam.gserviceaccount.com
        client_id: "«P:num21»"
""",
    ),
    (
        "dbt databricks token",
        r"""lakehouse:
  target: dev
  outputs:
    dev:
      type: databricks
      catalog: main
      schema: dbt_dev
      host: adb-«P:num16».«P:num2».azuredatabricks.net
      http_path: /sql/1.0/warehouses/«P:hex16»
      token: «S:dapi~hex32»
      threads: 4
""",
    ),
    (
        "home assistant secrets.yaml",
        r"""# secrets.yaml
wifi_ssid: "Home-IoT"
wifi_password: "«S:hpw»"
mqtt_user: homeassistant
mqtt_password: «S:pw»
openweathermap_key: «S:hex32»
latitude_home: 53.8008
""",
    ),
    (
        "esphome device keys",
        r"""esphome:
  name: garage-door

wifi:
  ssid: "Home-IoT"
  password: "«S:hpw»"
  ap:
    ssid: "Garage-Door Fallback"
    password: "«S:alnum12»"

api:
  encryption:
    key: "«S:b64b32»"

ota:
  - platform: esphome
    password: "«S:hex32»"
""",
    ),
    (
        "airflow helm values keys",
        r"""webserverSecretKey: «S:hex32»
fernetKey: «S:b64ub32»=
data:
  metadataConnection:
    user: airflow
    pass: «S:pw»
    protocol: postgresql
    host: airflow-pg.data.svc
    port: 5432
    db: airflow
""",
    ),
    (
        "airflow compose env",
        r"""x-airflow-common:
  &airflow-common
  image: apache/airflow:2.8.1
  environment:
    AIRFLOW__CORE__EXECUTOR: CeleryExecutor
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: postgresql+psycopg2://airflow:«S:pwu»@postgres/airflow
    AIRFLOW__CELERY__BROKER_URL: redis://:«S:pwu»@redis:6379/0
    AIRFLOW__CORE__FERNET_KEY: '«S:b64ub32»='
    AIRFLOW__WEBSERVER__SECRET_KEY: '«S:hex32»'
""",
    ),
    (
        "superset helm values",
        r"""configOverrides:
  secret: |
    SECRET_KEY = '«S:b64b42»'
postgresql:
  auth:
    username: superset
    password: «S:pw»
    database: superset
""",
    ),
    (
        "k8s secret base64 mq password",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: ibm-mq-app
  namespace: payments
type: Opaque
data«H:pw@p»:
  username: YXBw
  password: «S:b64of(p)»
""",
    ),
    (
        "k8s secret stringData ldap",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: keycloak-ldap-bind
stringData:
  bindDn: CN=svc-keycloak,OU=Service Accounts,DC=corp,DC=example,DC=com
  bindCredential: "«S:pw»"
""",
    ),
    (
        "github actions mobile env literal",
        r"""«H:user@u»«H:pw@p»jobs:
  ios:
    runs-on: macos-14
    env:
      MATCH_PASSWORD: «S:pw»
      FASTLANE_APPLE_APPLICATION_SPECIFIC_PASSWORD: «S:asp»
      MATCH_GIT_BASIC_AUTHORIZATION: «S:basic(u,p)»
    steps:
      - uses: actions/checkout@v4
      - run: bundle exec fastlane ios beta
""",
    ),
    (
        "codemagic plain vars",
        r"""workflows:
  android-release:
    name: Android release
    environment:
      vars:
        CM_KEYSTORE_PASSWORD: «S:pw»
        CM_KEY_PASSWORD: «S:pw»
        CM_KEY_ALIAS: upload
      flutter: stable
    scripts:
      - flutter build appbundle --release
""",
    ),
    (
        "bitrise app envs",
        r"""format_version: "13"
default_step_lib_source: https://github.com/bitrise-io/bitrise-steplib.git
app:
  envs:
  - PROJECT_LOCATION: android
  - MODULE: app
  - KEYSTORE_PASSWORD: «S:pw»
  - KEY_ALIAS_PASSWORD: «S:pw»
""",
    ),
    (
        "spring oracle and ldap",
        r"""spring:
  datasource:
    url: jdbc:oracle:thin:@//db01.corp.example.com:1521/ORCLPDB1
    username: APP_OWNER
    password: «S:pw»
  ldap:
    urls: ldaps://dc01.corp.example.com:636
    base: DC=corp,DC=example,DC=com
    username: CN=svc-app,OU=Service Accounts,DC=corp,DC=example,DC=com
    password: «S:pw»
""",
    ),
    (
        "mule salesforce config",
        r"""salesforce:
  username: "integration@acme.io"
  password: "«S:pw»"
  securityToken: "«S:alnum25»"
  consumerKey: "3MVG9«P:b64u80»"
  consumerSecret: "«S:HEX64»"
""",
    ),
    (
        "ansible servicenow vars",
        r"""# group_vars/all/servicenow.yml
servicenow_instance: https://acme.service-now.com
servicenow_username: ansible.integration
servicenow_password: «S:pw»
servicenow_client_id: «P:hex32»
servicenow_client_secret: «S:alnum16»
""",
    ),
    (
        "ansible router group vars",
        r"""# group_vars/ios_routers.yml
ansible_connection: ansible.netcommon.network_cli
ansible_network_os: cisco.ios.ios
ansible_user: netops
ansible_password: «S:pw»
ansible_become: true
ansible_become_method: enable
ansible_become_password: «S:pw»
""",
    ),
    (
        "ansible winrm inventory",
        r"""windows:
  hosts:
    app01.corp.example.com:
    app02.corp.example.com:
  vars:
    ansible_user: CORP\svc-ansible
    ansible_password: «S:pw»
    ansible_connection: winrm
    ansible_winrm_transport: ntlm
    ansible_winrm_server_cert_validation: ignore
""",
    ),
    (
        "netplan wifi password",
        r"""network:
  version: 2
  renderer: networkd
  wifis:
    wlan0:
      dhcp4: true
      access-points:
        "Workshop-5G":
          password: "«S:hpw»"
""",
    ),
    (
        "home assistant inline mqtt",
        r"""mqtt:
  broker: 192.168.1.10
  port: 1883
  username: homeassistant
  password: «S:pw»
  discovery: true
""",
    ),
    (
        "zigbee2mqtt network key",
        r"""homeassistant: true
permit_join: false
mqtt:
  base_topic: zigbee2mqtt
  server: mqtt://192.168.1.10
  user: z2m
  password: «S:pw»
serial:
  port: /dev/ttyUSB0
advanced:
  network_key: «S:zbkey»
  pan_id: «P:num4»
""",
    ),
    (
        "frigate rtsp credentials",
        r"""cameras:
  driveway:
    ffmpeg:
      inputs:
        - path: rtsp://admin:«S:pwu»@192.168.1.21:554/cam/realmonitor?channel=1&subtype=0
          roles:
            - detect
            - record
""",
    ),
    (
        "wordpress compose passwords",
        r"""services:
  db:
    image: mariadb:11
    environment:
      MYSQL_ROOT_PASSWORD: «S:pw»
      MYSQL_DATABASE: wordpress
      MYSQL_USER: wordpress
      MYSQL_PASSWORD: «S:pw@db»
  wordpress:
    image: wordpress:6.4-php8.2
    environment:
      WORDPRESS_DB_HOST: db
      WORDPRESS_DB_USER: wordpress
      WORDPRESS_DB_PASSWORD: «=db»
""",
    ),
    (
        "nakama config keys",
        r"""name: nakama-prod
session:
  encryption_key: "«S:alnum32»"
  refresh_encryption_key: "«S:alnum32»"
socket:
  server_key: "«S:alnum24»"
runtime:
  http_key: "«S:alnum24»"
console:
  username: admin
  password: "«S:pw»"
""",
    ),
    (
        "discord bot config",
        r"""bot:
  token: «S:discord»
  prefix: "!"
  owner_id: «P:num18»
logging:
  channel_id: «P:num19»
""",
    ),
    (
        "telegram bot config",
        r"""telegram:
  token: "«S:telegram»"
  admin_chat_id: «P:num9»
  webhook_url: https://bots.acme.io/tg/hook
""",
    ),
    (
        "slack bolt config",
        r"""slack:
  app_id: A0«P:upper9»
  bot_token: «S:xoxb-~num12~-~num13~-~alnum24»
  app_token: «S:xapp-1-A0~upper9~-~num13~-~hex64»
  signing_secret: «S:hex32»
""",
    ),
    (
        "gitlab ci p8 key block",
        r"""variables:
  APP_STORE_CONNECT_API_KEY_ID: «P:upper10»
  APP_STORE_CONNECT_API_ISSUER_ID: «P:uuid»
  APP_STORE_CONNECT_API_KEY_CONTENT: |
    «BEGIN PRIVATE KEY»
    «S:p8!i4»
    «END PRIVATE KEY»
""",
    ),
    (
        "brownie wallet key literal",
        r"""dotenv: .env
networks:
  default: development
wallets:
  from_key: "0x«S:hex64»"
  from_mnemonic: "«S:words12»"
""",
    ),
    (
        "snmp exporter auths",
        r"""auths:
  public_v2:
    community: «S:alnum14»
    version: 2
  noc_v3:
    username: noc
    security_level: authPriv
    password: «S:pw»
    auth_protocol: SHA
    priv_protocol: AES
    priv_password: «S:pw»
    version: 3
""",
    ),
    (
        "prometheus basic auth password",
        r"""scrape_configs:
  - job_name: mikrotik
    metrics_path: /metrics
    basic_auth:
      username: prometheus
      password: «S:pw»
    static_configs:
      - targets: ["10.0.0.1:9436"]
""",
    ),
    (
        "grafana datasource secureJsonData",
        r"""apiVersion: 1
datasources:
  - name: Warehouse
    type: grafana-postgresql-datasource
    url: warehouse.data.internal:5432
    user: grafana_ro
    jsonData:
      database: analytics
      sslmode: require
    secureJsonData:
      password: «S:pw»
""",
    ),
    (
        "label studio compose",
        r"""services:
  label-studio:
    image: heartexlabs/label-studio:1.11.0
    environment:
      - LABEL_STUDIO_USERNAME=admin@acme.io
      - LABEL_STUDIO_PASSWORD=«S:pw»
      - LABEL_STUDIO_USER_TOKEN=«S:hex40»
      - POSTGRE_PASSWORD=«S:pw»
""",
    ),
    (
        "mlflow minio compose",
        r"""services:
  minio:
    image: minio/minio
    environment:
      MINIO_ROOT_USER: mlflow
      MINIO_ROOT_PASSWORD: «S:pw»
  mlflow:
    image: ghcr.io/mlflow/mlflow:v2.10.0
    environment:
      AWS_ACCESS_KEY_ID: mlflow
      AWS_SECRET_ACCESS_KEY: «S:b6440»
      MLFLOW_S3_ENDPOINT_URL: http://minio:9000
""",
    ),
    (
        "awx credential export",
        r"""credentials:
  - name: Oracle DBA
    credential_type: Machine
    organization: Ops
    inputs:
      username: oracle
      password: «S:pw»
      become_method: sudo
      become_password: «S:pw»
""",
    ),
    (
        "azure pipelines keystore inline",
        r"""steps:
  - task: Gradle@3
    inputs:
      gradleWrapperFile: gradlew
      tasks: assembleRelease
  - script: |
      jarsigner -verbose -keystore $(Agent.TempDirectory)/release.jks -storepass «S:pw» -keypass «S:pw» app/build/outputs/apk/release/app-release-unsigned.apk release
    displayName: Sign APK
""",
    ),
    (
        "electron-builder github token",
        r"""appId: io.acme.desktop
productName: Acme
publish:
  provider: github
  owner: acme
  repo: desktop
  token: «S:ghp_~alnum36»
mac:
  hardenedRuntime: true
  notarize:
    teamId: «P:upper10»
""",
    ),
    (
        "oxidized config passwords",
        r"""username: oxidized
password: «S:pw»
model: ios
interval: 3600
vars:
  enable: «S:pw»
input:
  default: ssh
source:
  default: csv
""",
    ),
    (
        "nornir hosts secret",
        r"""edge-rtr-02:
  hostname: 10.20.0.1
  platform: cisco_ios
  username: netops
  password: «S:pw»
  connection_options:
    netmiko:
      extras:
        secret: «S:pw»
""",
    ),
    (
        "wg-easy compose password",
        r"""services:
  wg-easy:
    image: ghcr.io/wg-easy/wg-easy:13
    environment:
      - WG_HOST=vpn.acme.net
      - PASSWORD=«S:hpw»
      - WG_DEFAULT_DNS=10.8.0.1
    ports:
      - "51820:51820/udp"
      - "51821:51821/tcp"
""",
    ),
    (
        "k8s secret stringData salesforce",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: sfdc-connected-app
stringData:
  SF_CLIENT_ID: 3MVG9«P:b64u80»
  SF_CLIENT_SECRET: «S:HEX64»
  SF_REFRESH_TOKEN: «S:5Aep861~alnum80»
""",
    ),
    (
        "spring ibm mq password",
        r"""ibm:
  mq:
    queue-manager: QM1
    channel: APP.SVRCONN
    conn-name: mq01.corp.example.com(1414)
    user: app
    password: «S:pw»
""",
    ),
    (
        "kubectl get secret yaml",
        r"""«H:postgresql://airflow:~pwu~@airflow-pg:5432/airflow@c»$ kubectl get secret airflow-metadata -o yaml
apiVersion: v1
data:
  connection: «S:b64of(c)»
kind: Secret
metadata:
  name: airflow-metadata
  namespace: data
type: Opaque
""",
    ),
    (
        "ha yaml with inline api key",
        r"""sensor:
  - platform: rest
    name: Steam status
    resource: https://api.steampowered.com/ISteamUser/GetPlayerSummaries/v2/
    params:
      key: «S:HEX32»
      steamids: «P:num17»
    value_template: "{{ value_json.response.players[0].personastate }}"
""",
    ),
    (
        "mqtt client yaml iot",
        r"""device:
  id: pump-14
  hub: acme-hub.azure-devices.net
  connection_string: "HostName=acme-hub.azure-devices.net;DeviceId=pump-14;SharedAccessKey=«S:b64b32»"
telemetry:
  interval_s: 30
""",
    ),
    (
        "aws iot greengrass inline key",
        r"""system:
  certificateFilePath: /greengrass/v2/device.pem.crt
  rootCaPath: /greengrass/v2/AmazonRootCA1.pem
  thingName: pump-station-14
provisioning:
  privateKey: |
    «BEGIN RSA PRIVATE KEY»
    «S:rsa!i4»
    «END RSA PRIVATE KEY»
""",
    ),
    (
        "plaid and adyen helm values",
        r"""payments:
  plaid:
    clientId: «P:hex24»
    secret: «S:hex30»
  adyen:
    merchantAccount: AcmeECOM
    hmacKey: «S:HEX64»
""",
    ),
    (
        "coinbase exchange config",
        r"""exchanges:
  coinbase:
    api_key: «S:alnum16»
    api_secret: «S:b64b64»
    passphrase: «S:lower11»
  kraken:
    api_key: «S:b64b42»
    api_secret: «S:b64b64»
""",
    ),
    (
        "hardhat network yaml foundry",
        r"""# deploy-config.yaml used by scripts/deploy.ts
network: mainnet
rpc: https://eth-mainnet.g.alchemy.com/v2/«S:b64u32»
deployer_key: «S:hex64»
etherscan_key: «S:upper34»
""",
    ),
    (
        "esphome secrets.yaml",
        r"""# esphome/secrets.yaml
wifi_ssid: "Home-IoT"
wifi_password: "«S:hpw»"
ota_password: "«S:hex32»"
garage_api_key: "«S:b64b32»"
""",
    ),
    (
        "k8s secret wireguard key",
        r"""«H:b64b32@w»apiVersion: v1
kind: Secret
metadata:
  name: wg-gateway
  namespace: network
type: Opaque
data:
  privatekey: «S:b64of(w)»
""",
    ),
    (
        "openldap helm admin password",
        r"""global:
  ldapDomain: corp.example.com
  adminPassword: «S:pw»
  configPassword: «S:pw»
replication:
  enabled: false
""",
    ),
]

YAML_NEGATIVE = [
    (
        "dbt profiles env_var",
        r"""analytics:
  target: prod
  outputs:
    prod:
      type: snowflake
      account: "{{ env_var('SNOWFLAKE_ACCOUNT') }}"
      user: "{{ env_var('SNOWFLAKE_USER') }}"
      password: "{{ env_var('DBT_ENV_SECRET_SNOWFLAKE_PASSWORD') }}"
      role: TRANSFORMER
      database: ANALYTICS
      warehouse: TRANSFORM_WH
      schema: marts
""",
    ),
    (
        "dbt schema docs secret columns",
        r"""version: 2
models:
  - name: dim_api_keys
    description: One row per API key issued to a customer (the key itself is never stored).
    columns:
      - name: api_key_id
        tests: [unique, not_null]
      - name: api_key_hash
        description: SHA-256 of the key, for lookups.
      - name: secret_last4
        description: Last four characters, shown in the dashboard.
""",
    ),
    (
        "dbt sources var refs",
        r"""version: 2
sources:
  - name: stripe
    database: "{{ var('raw_database') }}"
    schema: "{{ var('stripe_schema', 'stripe') }}"
    tables:
      - name: charges
        loaded_at_field: _loaded_at
        freshness:
          warn_after: {count: 12, period: hour}
""",
    ),
    (
        "home assistant !secret refs",
        r"""mqtt:
  broker: 192.168.1.10
  username: homeassistant
  password: !secret mqtt_password
weather:
  - platform: openweathermap
    api_key: !secret openweathermap_key
homeassistant:
  latitude: !secret latitude_home
""",
    ),
    (
        "esphome !secret refs",
        r"""wifi:
  ssid: !secret wifi_ssid
  password: !secret wifi_password
api:
  encryption:
    key: !secret garage_api_key
ota:
  - platform: esphome
    password: !secret ota_password
""",
    ),
    (
        "sealed secret",
        r"""apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: mq-app
  namespace: payments
spec:
  encryptedData:
    password: «P:b64b300»
    username: «P:b64b280»
  template:
    metadata:
      name: mq-app
""",
    ),
    (
        "sops yaml",
        r"""db_password: ENC[AES256_GCM,data:«P:b64b16»,iv:«P:b64b32»,tag:«P:b64b16»,type:str]
ldap_bind: ENC[AES256_GCM,data:«P:b64b20»,iv:«P:b64b32»,tag:«P:b64b16»,type:str]
sops:
  age:
    - recipient: age1«P:lower58»
      enc: |
        -----BEGIN AGE ENCRYPTED FILE-----
        «P:b64b48»
        «P:b64b48»
        -----END AGE ENCRYPTED FILE-----
  lastmodified: "2025-02-11T10:01:22Z"
  mac: ENC[AES256_GCM,data:«P:b64b32»,iv:«P:b64b32»,tag:«P:b64b16»,type:str]
  version: 3.8.1
""",
    ),
    (
        "ansible inline vault",
        r"""ansible_user: netops
ansible_password: !vault |
          $ANSIBLE_VAULT;1.1;AES256
          «P:vault!i10»
ansible_become_password: "{{ vault_enable_password }}"
""",
    ),
    (
        "external secret refs",
        r"""apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: databricks-token
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: aws-secrets-manager
    kind: ClusterSecretStore
  target:
    name: databricks-token
  data:
    - secretKey: token
      remoteRef:
        key: prod/databricks/ci-token
        property: value
""",
    ),
    (
        "airflow helm existingSecret",
        r"""webserverSecretKeySecretName: airflow-webserver-secret
fernetKeySecretName: airflow-fernet-key
data:
  metadataSecretName: airflow-metadata
  resultBackendSecretName: airflow-result-backend
postgresql:
  enabled: false
""",
    ),
    (
        "codemagic encrypted vars",
        r"""workflows:
  ios-release:
    environment:
      vars:
        APP_STORE_CONNECT_PRIVATE_KEY: Encrypted(«P:b64b180»)
        CERTIFICATE_PRIVATE_KEY: Encrypted(«P:b64b180»)
      groups:
        - app_store_credentials
      xcode: latest
""",
    ),
    (
        "bitrise env references",
        r"""workflows:
  deploy:
    steps:
    - sign-apk@1:
        inputs:
        - android_app: $BITRISE_APK_PATH
        - keystore_url: $BITRISEIO_ANDROID_KEYSTORE_URL
        - keystore_password: $BITRISEIO_ANDROID_KEYSTORE_PASSWORD
        - keystore_alias: $BITRISEIO_ANDROID_KEYSTORE_ALIAS
        - private_key_password: $BITRISEIO_ANDROID_KEYSTORE_PRIVATE_KEY_PASSWORD
""",
    ),
    (
        "actions mobile secrets refs",
        r"""jobs:
  android:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Decode keystore
        run: echo "${{ secrets.KEYSTORE_BASE64 }}" | base64 -d > app/release.jks
      - run: ./gradlew bundleRelease
        env:
          SIGNING_STORE_PASSWORD: ${{ secrets.SIGNING_STORE_PASSWORD }}
          SIGNING_KEY_PASSWORD: ${{ secrets.SIGNING_KEY_PASSWORD }}
""",
    ),
    (
        "pubspec.yaml",
        r"""name: acme_field
description: Field inspections app.
publish_to: 'none'
version: 3.2.0+«P:num3»
environment:
  sdk: '>=3.2.0 <4.0.0'
dependencies:
  flutter:
    sdk: flutter
  flutter_secure_storage: ^9.0.0
  envied: ^0.5.3
""",
    ),
    (
        "zigbee2mqtt generate key",
        r"""mqtt:
  server: mqtt://192.168.1.10
  user: z2m
  password: '!secret mqtt_password'
advanced:
  network_key: GENERATE
  pan_id: GENERATE
  ext_pan_id: GENERATE
""",
    ),
    (
        "frigate env substitution",
        r"""mqtt:
  host: 192.168.1.10
  user: "{FRIGATE_MQTT_USER}"
  password: "{FRIGATE_MQTT_PASSWORD}"
cameras:
  driveway:
    ffmpeg:
      inputs:
        - path: rtsp://{FRIGATE_RTSP_USER}:{FRIGATE_RTSP_PASSWORD}@192.168.1.21:554/live
""",
    ),
    (
        "wordpress compose file secrets",
        r"""services:
  wordpress:
    image: wordpress:6.4-php8.2
    environment:
      WORDPRESS_DB_HOST: db
      WORDPRESS_DB_USER: wordpress
      WORDPRESS_DB_PASSWORD_FILE: /run/secrets/db_password
    secrets:
      - db_password
secrets:
  db_password:
    file: ./secrets/db_password.txt
""",
    ),
    (
        "nornir groups no secrets",
        r"""ios:
  platform: cisco_ios
  connection_options:
    netmiko:
      extras:
        fast_cli: false
        global_delay_factor: 2
junos:
  platform: juniper_junos
  port: 830
""",
    ),
    (
        "prometheus password_file",
        r"""scrape_configs:
  - job_name: mikrotik
    basic_auth:
      username: prometheus
      password_file: /etc/prometheus/mikrotik.pass
    static_configs:
      - targets: ["10.0.0.1:9436"]
""",
    ),
    (
        "grafana env interpolation",
        r"""apiVersion: 1
datasources:
  - name: Snowflake
    type: michelin-snowflake-datasource
    jsonData:
      account: $__env{SNOWFLAKE_ACCOUNT}
      username: GRAFANA_RO
    secureJsonData:
      password: $__env{SNOWFLAKE_PASSWORD}
""",
    ),
    (
        "mlflow MLmodel",
        r"""artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    python_version: 3.11.7
  sklearn:
    code: null
    pickled_model: model.pkl
    sklearn_version: 1.4.0
mlflow_version: 2.10.0
model_uuid: «P:hex32»
run_id: «P:hex32»
utc_time_created: '2025-02-11 10:12:44.123456'
""",
    ),
    (
        "wandb sweep config",
        r"""program: train.py
method: bayes
metric:
  name: val_loss
  goal: minimize
parameters:
  learning_rate:
    min: 0.00001
    max: 0.01
  batch_size:
    values: [32, 64, 128]
project: churn
entity: acme-ml
""",
    ),
    (
        "hf model card front matter",
        r"""---
license: apache-2.0
language: en
tags:
  - text-classification
datasets:
  - acme/support-tickets
base_model: distilbert-base-uncased
model-index:
  - name: ticket-router
    results:
      - task: {type: text-classification}
        metrics:
          - {type: accuracy, value: 0.912}
---
""",
    ),
    (
        "openapi security schemes",
        r"""components:
  securitySchemes:
    ApiKeyAuth:
      type: apiKey
      in: header
      name: X-API-Key
    ClientSecret:
      type: http
      scheme: basic
      description: Use your client_id as the user name and client_secret as the password.
security:
  - ApiKeyAuth: []
""",
    ),
    (
        "mule secure property refs",
        r"""salesforce:
  username: "${secure::salesforce.username}"
  password: "${secure::salesforce.password}"
  securityToken: "${secure::salesforce.token}"
  consumerKey: "3MVG9«P:b64u80»"
""",
    ),
    (
        "discord bot env refs",
        r"""bot:
  token: ${DISCORD_TOKEN}
  prefix: "!"
  owner_id: «P:num18»
database:
  url: ${DATABASE_URL}
""",
    ),
    (
        "helm values empty passwords",
        r"""auth:
  ## @param auth.rootPassword Password for the root user. Ignored if existingSecret is set.
  rootPassword: ""
  ## @param auth.existingSecret Name of a Secret with the keys mariadb-root-password and mariadb-password.
  existingSecret: ""
  username: wordpress
  password: ""
""",
    ),
    (
        "ansible hashi_vault lookup",
        r"""ansible_password: "{{ lookup('community.hashi_vault.hashi_vault', 'secret=kv/data/network/ios:password') }}"
snmp_ro_community: "{{ lookup('community.hashi_vault.hashi_vault', 'secret=kv/data/network/snmp:ro') }}"
ansible_network_os: cisco.ios.ios
""",
    ),
    (
        "greengrass paths only",
        r"""system:
  certificateFilePath: /greengrass/v2/device.pem.crt
  privateKeyPath: /greengrass/v2/private.pem.key
  rootCaPath: /greengrass/v2/AmazonRootCA1.pem
  rootpath: /greengrass/v2
  thingName: pump-station-14
services:
  aws.greengrass.Nucleus:
    configuration:
      awsRegion: eu-west-1
      iotDataEndpoint: «P:lower14»-ats.iot.eu-west-1.amazonaws.com
""",
    ),
    (
        "configmap ldap secretKeyRef",
        r"""env:
  - name: LDAP_BIND_DN
    value: CN=svc-app,OU=Service Accounts,DC=corp,DC=example,DC=com
  - name: LDAP_BIND_PASSWORD
    valueFrom:
      secretKeyRef:
        name: ldap-bind
        key: password
""",
    ),
    (
        "brownie env refs",
        r"""dotenv: .env
wallets:
  from_key: ${PRIVATE_KEY}
networks:
  mainnet:
    verify: true
""",
    ),
    (
        "subgraph manifest",
        r"""specVersion: 0.0.5
schema:
  file: ./schema.graphql
dataSources:
  - kind: ethereum
    name: Token
    network: mainnet
    source:
      address: "«P:eth»"
      abi: Token
      startBlock: 18«P:num6»
    mapping:
      kind: ethereum/events
      eventHandlers:
        - event: Transfer(indexed address,indexed address,uint256)
          handler: handleTransfer
""",
    ),
    (
        "home assistant automation",
        r"""- id: '«P:num13»'
  alias: Garage door left open
  trigger:
    - platform: state
      entity_id: cover.garage_door
      to: open
      for: "00:10:00"
  action:
    - service: notify.mobile_app_pixel_8
      data:
        message: Garage door open for 10 minutes
""",
    ),
    (
        "unity project settings",
        r"""PlayerSettings:
  companyName: Acme Games
  productName: Star Courier
  applicationIdentifier:
    Android: io.acme.starcourier
    iPhone: io.acme.starcourier
  AndroidKeystoreName: '{inproject}: keystores/release.keystore'
  AndroidKeyaliasName: release
  cloudProjectId: «P:uuid»
  appleDeveloperTeamID: «P:upper10»
""",
    ),
    (
        "electron-builder s3 publish",
        r"""appId: io.acme.desktop
publish:
  provider: s3
  bucket: acme-desktop-updates
  region: eu-west-1
mac:
  notarize:
    teamId: «P:upper10»
win:
  certificateSubjectName: Acme Apps Ltd
""",
    ),
    (
        "cert-manager certificate",
        r"""apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: mqtt-tls
spec:
  secretName: mqtt-tls
  dnsNames:
    - mqtt.acme-iot.net
  issuerRef:
    name: letsencrypt-prod
    kind: ClusterIssuer
""",
    ),
    (
        "configmap with ca cert",
        r"""apiVersion: v1
kind: ConfigMap
metadata:
  name: iot-root-ca
data:
  ca.crt: |
    «BEGIN CERTIFICATE»
    «P:cert!i4»
    «END CERTIFICATE»
""",
    ),
]

# --- source: code and markup files as read (Gradle, Swift, Kotlin, Ruby, PHP, XML, C++, Python, JS) ---

SOURCE = [
    (
        "build.gradle signingConfigs literal",
        r"""android {
    signingConfigs {
        release {
            storeFile file("../keystores/release.jks")
            storePassword "«S:pw»"
            keyAlias "release"
            keyPassword "«S:pw»"
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
    ),
    (
        "build.gradle.kts signingConfigs literal",
        r"""android {
    signingConfigs {
        create("release") {
            storeFile = file("release.keystore")
            storePassword = "«S:pw»"
            keyAlias = "upload"
            keyPassword = "«S:pw»"
        }
    }
}
""",
    ),
    (
        "Fastfile literal match password and p8",
        r"""default_platform(:ios)

platform :ios do
  lane :beta do
    ENV["MATCH_PASSWORD"] = "«S:pw»"
    api_key = app_store_connect_api_key(
      key_id: "«P:upper10»",
      issuer_id: "«P:uuid»",
      key_content: "«BEGIN PRIVATE KEY»\n«S:p8!j»\n«END PRIVATE KEY»",
      in_house: false
    )
    match(type: "appstore", readonly: true, api_key: api_key)
    build_app(scheme: "Field")
    upload_to_testflight(api_key: api_key)
  end
end
""",
    ),
    (
        "Matchfile basic authorization",
        r"""«H:user@u»«H:ghp_~alnum36@t»git_url("https://github.com/acme/certificates.git")
storage_mode("git")
type("appstore")
app_identifier(["io.acme.field", "io.acme.field.widget"])
git_basic_authorization("«S:basic(u,t)»")
""",
    ),
    (
        "Info.plist client secret",
        r"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>CFBundleIdentifier</key>
	<string>io.acme.field</string>
	<key>BackendClientID</key>
	<string>field-ios</string>
	<key>BackendClientSecret</key>
	<string>«S:alnum40»</string>
</dict>
</plist>
""",
    ),
    (
        "swift URLCredential",
        r"""import Foundation

final class ReportsClient: NSObject, URLSessionDelegate {
    func urlSession(_ session: URLSession, didReceive challenge: URLAuthenticationChallenge,
                    completionHandler: @escaping (URLSession.AuthChallengeDisposition, URLCredential?) -> Void) {
        let credential = URLCredential(user: "svc-reports", password: "«S:pw»", persistence: .forSession)
        completionHandler(.useCredential, credential)
    }
}
""",
    ),
    (
        "dart mqtt authenticate",
        r"""final client = MqttServerClient.withPort('mqtt.acme-iot.net', 'field-app', 8883);
client.secure = true;
client.connectionMessage = MqttConnectMessage()
    .withClientIdentifier('field-${deviceId}')
    .authenticateAs('field-app', '«S:pw»')
    .startClean();
await client.connect();
""",
    ),
    (
        "kotlin oauth client secret const",
        r"""package io.acme.field.auth

object OAuthConfig {
    const val CLIENT_ID = "field-android"
    const val CLIENT_SECRET = "«S:alnum40»"
    const val REDIRECT_URI = "io.acme.field:/oauth2redirect"
}
""",
    ),
    (
        "java ibm mq jms password",
        r"""JmsFactoryFactory ff = JmsFactoryFactory.getInstance(WMQConstants.WMQ_PROVIDER);
JmsConnectionFactory cf = ff.createConnectionFactory();
cf.setStringProperty(WMQConstants.WMQ_HOST_NAME, "mq01.corp.example.com");
cf.setIntProperty(WMQConstants.WMQ_PORT, 1414);
cf.setStringProperty(WMQConstants.WMQ_CHANNEL, "APP.SVRCONN");
cf.setStringProperty(WMQConstants.WMQ_QUEUE_MANAGER, "QM1");
cf.setStringProperty(WMQConstants.USERID, "app");
cf.setStringProperty(WMQConstants.PASSWORD, "«S:pw»");
""",
    ),
    (
        "java salesforce wsc password+token",
        r"""ConnectorConfig config = new ConnectorConfig();
config.setUsername("integration@acme.io");
config.setPassword("«S:pw»" + "«S:alnum25»");
config.setAuthEndpoint("https://login.salesforce.com/services/Soap/u/60.0");
PartnerConnection connection = Connector.newConnection(config);
""",
    ),
    (
        "web.config connection string and machineKey",
        r"""<configuration>
  <connectionStrings>
    <add name="Reports" connectionString="Data Source=sql01.corp.example.com;Initial Catalog=Reports;User ID=reports_app;Password=«S:pw»;Encrypt=True" providerName="System.Data.SqlClient" />
  </connectionStrings>
  <system.web>
    <machineKey validationKey="«S:HEX128»" decryptionKey="«S:HEX48»" validation="HMACSHA256" decryption="AES" />
  </system.web>
</configuration>
""",
    ),
    (
        "unattend.xml plaintext passwords",
        r"""<component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
  <UserAccounts>
    <AdministratorPassword>
      <Value>«S:pw»</Value>
      <PlainText>true</PlainText>
    </AdministratorPassword>
  </UserAccounts>
  <AutoLogon>
    <Username>Administrator</Username>
    <Password>
      <Value>«S:pw»</Value>
      <PlainText>true</PlainText>
    </Password>
    <Enabled>true</Enabled>
    <LogonCount>1</LogonCount>
  </AutoLogon>
</component>
""",
    ),
    (
        "unattend.xml base64 password",
        r"""«H:pw@p»    <UserAccounts>
      <LocalAccounts>
        <LocalAccount wcm:action="add">
          <Password>
            <Value>«S:unattend(p)»</Value>
            <PlainText>false</PlainText>
          </Password>
          <Name>deploy</Name>
          <Group>Administrators</Group>
        </LocalAccount>
      </LocalAccounts>
    </UserAccounts>
""",
    ),
    (
        "gpp groups.xml cpassword",
        r"""<?xml version="1.0" encoding="utf-8"?>
<Groups clsid="{3125E937-EB16-4b4c-9934-544FC6D24D26}">
  <User clsid="{DF5F1855-51E5-4d24-8B1A-D9BDE98BA1D1}" name="LocalAdmin" image="2" changed="2019-06-11 09:12:33" uid="{«P:UUID»}">
    <Properties action="U" newName="" fullName="" description="" cpassword="«S:b6443»" changeLogon="0" noChange="1" neverExpires="1" acctDisabled="0" userName="LocalAdmin"/>
  </User>
</Groups>
""",
    ),
    (
        "core-site.xml s3a and abfs keys",
        r"""<configuration>
  <property>
    <name>fs.s3a.secret.key</name>
    <value>«S:b6440»</value>
  </property>
  <property>
    <name>fs.azure.account.key.acmelake.dfs.core.windows.net</name>
    <value>«S:b64b64»</value>
  </property>
</configuration>
""",
    ),
    (
        "hive-site.xml metastore password",
        r"""<property>
  <name>javax.jdo.option.ConnectionURL</name>
  <value>jdbc:mysql://metastore-db:3306/metastore?createDatabaseIfNotExist=true</value>
</property>
<property>
  <name>javax.jdo.option.ConnectionPassword</name>
  <value>«S:pw»</value>
</property>
""",
    ),
    (
        "applicationHost.config app pool password",
        r"""<applicationPools>
    <add name="Reports" managedRuntimeVersion="v4.0">
        <processModel identityType="SpecificUser" userName="CORP\svc-reports" password="«S:pw»" />
    </add>
</applicationPools>
""",
    ),
    (
        "wp-config.php",
        r"""<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp_prod' );
define( 'DB_PASSWORD', '«S:pw»' );
define( 'DB_HOST', 'db.internal:3306' );

define( 'AUTH_KEY',         '«S:wpsalt»' );
define( 'SECURE_AUTH_KEY',  '«S:wpsalt»' );
define( 'LOGGED_IN_KEY',    '«S:wpsalt»' );
define( 'NONCE_SALT',       '«S:wpsalt»' );
$table_prefix = 'wp_';
""",
    ),
    (
        "drupal settings.php",
        r"""$databases['default']['default'] = [
  'database' => 'drupal',
  'username' => 'drupal',
  'password' => '«S:pw»',
  'host' => 'db',
  'port' => '3306',
  'driver' => 'mysql',
  'prefix' => '',
];
$settings['hash_salt'] = '«S:b64ub55»';
$settings['config_sync_directory'] = '../config/sync';
""",
    ),
    (
        "magento env.php",
        r"""<?php
return [
    'backend' => ['frontName' => 'admin_«P:lower7»'],
    'crypt' => ['key' => '«S:hex32»'],
    'db' => [
        'table_prefix' => '',
        'connection' => [
            'default' => [
                'host' => 'db',
                'dbname' => 'magento',
                'username' => 'magento',
                'password' => '«S:pw»',
                'active' => '1',
            ],
        ],
    ],
];
""",
    ),
    (
        "shopify python session setup",
        r"""import shopify

shopify.Session.setup(api_key="«P:hex32»", secret="«S:hex32»")
session = shopify.Session("acme-store.myshopify.com", "2024-01", "«S:shpat_~hex32»")
shopify.ShopifyResource.activate_session(session)
print(shopify.Shop.current().name)
""",
    ),
    (
        "woocommerce python keys",
        r"""from woocommerce import API

wcapi = API(
    url="https://shop.acme.io",
    consumer_key="«S:ck_~hex40»",
    consumer_secret="«S:cs_~hex40»",
    version="wc/v3",
    timeout=30,
)
""",
    ),
    (
        "arduino_secrets.h",
        r"""// arduino_secrets.h
#define SECRET_SSID "Workshop-2G"
#define SECRET_PASS "«S:hpw»"
#define SECRET_MQTT_USER "esp32-hall"
#define SECRET_MQTT_PASS "«S:pw»"
""",
    ),
    (
        "esp32 sketch wifi and mqtt",
        r"""#include <WiFi.h>
#include <PubSubClient.h>

WiFiClient net;
PubSubClient mqtt(net);

void setup() {
  WiFi.begin("Home-IoT", "«S:hpw»");
  while (WiFi.status() != WL_CONNECTED) delay(500);
  mqtt.setServer("192.168.1.10", 1883);
  mqtt.connect("esp32-garage", "garage", "«S:pw»");
}
""",
    ),
    (
        "arduino aws iot private key",
        r"""#include <pgmspace.h>

// Device Certificate
static const char AWS_CERT_CRT[] PROGMEM = R"KEY(
«BEGIN CERTIFICATE»
«P:cert»
«END CERTIFICATE»
)KEY";

// Device Private Key
static const char AWS_CERT_PRIVATE[] PROGMEM = R"KEY(
«BEGIN RSA PRIVATE KEY»
«S:rsa»
«END RSA PRIVATE KEY»
)KEY";
""",
    ),
    (
        "c azure iot connection string",
        r"""#include "iothub_device_client_ll.h"

static const char* connectionString = "HostName=acme-hub.azure-devices.net;DeviceId=pump-14;SharedAccessKey=«S:b64b32»";

int main(void)
{
    IOTHUB_DEVICE_CLIENT_LL_HANDLE handle = IoTHubDeviceClient_LL_CreateFromConnectionString(connectionString, MQTT_Protocol);
""",
    ),
    (
        "airflow dag inline connection",
        r"""from airflow.models import Connection

partner_sftp = Connection(
    conn_id="sftp_partner",
    conn_type="sftp",
    host="sftp.partner.example",
    login="acme_in",
    password="«S:pw»",
    port=22,
)
""",
    ),
    (
        "superset_config.py",
        r"""# superset_config.py
SECRET_KEY = "«S:b64b42»"
SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://superset:«S:pwu»@superset-db:5432/superset"
FEATURE_FLAGS = {"ALERT_REPORTS": True}
MAPBOX_API_KEY = ""
""",
    ),
    (
        "snowflake connector password",
        r"""import snowflake.connector

conn = snowflake.connector.connect(
    user="ETL_SERVICE",
    password="«S:pw»",
    account="«P:lower7»-prod",
    warehouse="TRANSFORM_WH",
    database="ANALYTICS",
)
""",
    ),
    (
        "databricks sql connector token",
        r"""from databricks import sql

with sql.connect(
    server_hostname="adb-«P:num16».«P:num2».azuredatabricks.net",
    http_path="/sql/1.0/warehouses/«P:hex16»",
    access_token="«S:dapi~hex32»",
) as conn:
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1")
""",
    ),
    (
        "wandb and hf login in notebook script",
        r"""import wandb
from huggingface_hub import login

wandb.login(key="«S:hex40»")
login(token="«S:hf_~alpha34»")
run = wandb.init(project="ticket-router", entity="acme-ml")
""",
    ),
    (
        "kaggle env in code",
        r"""import os

os.environ["KAGGLE_USERNAME"] = "«P:user»ml"
os.environ["KAGGLE_KEY"] = "«S:hex32»"

from kaggle.api.kaggle_api_extended import KaggleApi
api = KaggleApi()
api.authenticate()
""",
    ),
    (
        "ldap3 bind password",
        r"""from ldap3 import ALL, Connection, Server

server = Server("ldaps://dc01.corp.example.com", get_info=ALL)
conn = Connection(
    server,
    user="CN=svc-sync,OU=Service Accounts,DC=corp,DC=example,DC=com",
    password="«S:pw»",
    auto_bind=True,
)
conn.search("DC=corp,DC=example,DC=com", "(objectClass=user)", attributes=["mail"])
""",
    ),
    (
        "simple_salesforce credentials",
        r"""from simple_salesforce import Salesforce

sf = Salesforce(
    username="integration@acme.io",
    password="«S:pw»",
    security_token="«S:alnum25»",
    domain="login",
)
""",
    ),
    (
        "pysnow servicenow client",
        r"""import pysnow

client = pysnow.Client(instance="acme", user="integration.bot", password="«S:pw»")
incidents = client.resource(api_path="/table/incident")
""",
    ),
    (
        "jira python basic auth",
        r"""from jira import JIRA

jira = JIRA(
    server="https://acme.atlassian.net",
    basic_auth=("ci-bot@acme.io", "«S:ATATT3xFfGF0~b64u170~=~HEX8»"),
)
""",
    ),
    (
        "oracledb connect password",
        r"""import oracledb

conn = oracledb.connect(user="hr", password="«S:pw»", dsn="db01.corp.example.com:1521/ORCLPDB1")
with conn.cursor() as cur:
    cur.execute("select count(*) from employees")
""",
    ),
    (
        "pymqi client password",
        r"""import pymqi

qmgr = pymqi.connect("QM1", "APP.SVRCONN", "mq01.corp.example.com(1414)", user="app", password="«S:pw»")
queue = pymqi.Queue(qmgr, "PAYMENTS.IN")
""",
    ),
    (
        "netmiko device dict",
        r"""from netmiko import ConnectHandler

device = {
    "device_type": "cisco_ios",
    "host": "10.20.0.1",
    "username": "netops",
    "password": "«S:pw»",
    "secret": "«S:pw»",
}
with ConnectHandler(**device) as conn:
    conn.enable()
    print(conn.send_command("show ip int brief"))
""",
    ),
    (
        "paho mqtt username_pw_set",
        r"""import paho.mqtt.client as mqtt

client = mqtt.Client(client_id="gw-07")
client.username_pw_set("gateway-07", "«S:pw»")
client.tls_set(ca_certs="ca.crt")
client.connect("mqtt.acme-iot.net", 8883)
""",
    ),
    (
        "telegram bot builder token",
        r"""from telegram.ext import Application, CommandHandler

app = Application.builder().token("«S:telegram»").build()
app.add_handler(CommandHandler("status", status))
app.run_polling()
""",
    ),
    (
        "discord.js login",
        r"""const { Client, GatewayIntentBits } = require('discord.js');
const client = new Client({ intents: [GatewayIntentBits.Guilds] });

client.once('ready', () => console.log(`Logged in as ${client.user.tag}`));
client.login('«S:discord»');
""",
    ),
    (
        "slack bolt python",
        r"""from slack_bolt import App

app = App(
    token="«S:xoxb-~num12~-~num13~-~alnum24»",
    signing_secret="«S:hex32»",
)
""",
    ),
    (
        "plaid python configuration",
        r"""import plaid
from plaid.api import plaid_api

configuration = plaid.Configuration(
    host=plaid.Environment.Production,
    api_key={"clientId": "«P:hex24»", "secret": "«S:hex30»", "plaidVersion": "2020-09-14"},
)
client = plaid_api.PlaidApi(plaid.ApiClient(configuration))
""",
    ),
    (
        "braintree gateway keys",
        r"""gateway = braintree.BraintreeGateway(
    braintree.Configuration(
        braintree.Environment.Production,
        merchant_id="«P:lower16»",
        public_key="«P:lower16»",
        private_key="«S:hex32»",
    )
)
""",
    ),
    (
        "square node client",
        r"""import { Client, Environment } from 'square';

const client = new Client({
  accessToken: '«S:EAAA~b64u60»',
  environment: Environment.Production,
});
""",
    ),
    (
        "ccxt binance keys",
        r"""import ccxt

exchange = ccxt.binance({
    "apiKey": "«S:alnum64»",
    "secret": "«S:alnum64»",
    "enableRateLimit": True,
})
print(exchange.fetch_balance()["USDT"])
""",
    ),
    (
        "hardhat.config.js literal keys",
        r"""require("@nomicfoundation/hardhat-toolbox");

module.exports = {
  solidity: "0.8.24",
  networks: {
    sepolia: {
      url: "https://eth-sepolia.g.alchemy.com/v2/«S:b64u32»",
      accounts: ["0x«S:hex64»"],
    },
  },
  etherscan: { apiKey: "«S:upper34»" },
};
""",
    ),
    (
        "truffle hdwallet mnemonic",
        r"""const HDWalletProvider = require('@truffle/hdwallet-provider');
const mnemonic = '«S:words12»';

module.exports = {
  networks: {
    sepolia: {
      provider: () => new HDWalletProvider(mnemonic, 'https://sepolia.infura.io/v3/«S:hex32»'),
      network_id: 11155111,
    },
  },
};
""",
    ),
    (
        "web3.py from_key",
        r"""from web3 import Web3
from eth_account import Account

w3 = Web3(Web3.HTTPProvider("https://mainnet.infura.io/v3/«S:hex32»"))
acct = Account.from_key("«S:hex64»")
print(acct.address, w3.eth.get_balance(acct.address))
""",
    ),
    (
        "ethers wallet key",
        r"""import { ethers } from "ethers";

const provider = new ethers.JsonRpcProvider(RPC_URL);
const wallet = new ethers.Wallet("0x«S:hex64»", provider);
const tx = await wallet.sendTransaction({ to: TREASURY, value: ethers.parseEther("0.1") });
""",
    ),
    (
        "foundry test literal key",
        r"""contract DeployTest is Test {
    uint256 internal deployerKey = 0x«S:hex64»;
    address internal deployer;

    function setUp() public {
        deployer = vm.addr(deployerKey);
        vm.deal(deployer, 10 ether);
    }
}
""",
    ),
    (
        "electron updater private repo token",
        r"""const { autoUpdater } = require('electron-updater');

autoUpdater.setFeedURL({
  provider: 'github',
  owner: 'acme',
  repo: 'desktop-releases',
  private: true,
  token: '«S:ghp_~alnum36»',
});
autoUpdater.checkForUpdatesAndNotify();
""",
    ),
    (
        "electron notarize literal",
        r"""const { notarize } = require('@electron/notarize');

exports.default = async function notarizing(context) {
  return notarize({
    appPath: `${context.appOutDir}/Acme.app`,
    appleId: 'release@acme-apps.io',
    appleIdPassword: '«S:asp»',
    teamId: '«P:upper10»',
  });
};
""",
    ),
    (
        "powershell script literal password",
        r"""# nightly-export.ps1
$server = "sql01.corp.example.com"
$password = "«S:pw»"
Invoke-Sqlcmd -ServerInstance $server -Username "export_job" -Password $password -Query "EXEC dbo.NightlyExport"
""",
    ),
    (
        "sql create users with passwords",
        r"""-- Oracle
CREATE USER etl_app IDENTIFIED BY "«S:pw»" DEFAULT TABLESPACE users;
GRANT CREATE SESSION TO etl_app;
-- SQL Server
CREATE LOGIN reports_app WITH PASSWORD = '«S:pw»', CHECK_POLICY = ON;
""",
    ),
    (
        "go ldap bind",
        r"""l, err := ldap.DialURL("ldaps://dc01.corp.example.com:636")
if err != nil {
	log.Fatal(err)
}
defer l.Close()
if err := l.Bind("CN=svc-go,OU=Service Accounts,DC=corp,DC=example,DC=com", "«S:pw»"); err != nil {
	log.Fatal(err)
}
""",
    ),
    (
        "csharp ews network credential",
        r"""var service = new ExchangeService(ExchangeVersion.Exchange2016)
{
    Credentials = new NetworkCredential("svc-mailer", "«S:pw»", "CORP"),
    Url = new Uri("https://mail.corp.example.com/EWS/Exchange.asmx")
};
""",
    ),
    (
        "unity playfab developer secret",
        r"""public static class PlayFabServerBootstrap
{
    public static void Configure()
    {
        PlayFabSettings.staticSettings.TitleId = "«P:HEX5»";
        PlayFabSettings.staticSettings.DeveloperSecretKey = "«S:upper16~alnum36»";
    }
}
""",
    ),
    (
        "csharp steam web api key",
        r"""public class SteamClient
{
    private const string SteamWebApiKey = "«S:HEX32»";
    private const string Base = "https://api.steampowered.com";
}
""",
    ),
]

SOURCE_NEGATIVE = [
    (
        "build.gradle signing from properties",
        r"""def keystorePropertiesFile = rootProject.file("keystore.properties")
def keystoreProperties = new Properties()
keystoreProperties.load(new FileInputStream(keystorePropertiesFile))

android {
    signingConfigs {
        release {
            keyAlias keystoreProperties['keyAlias']
            keyPassword keystoreProperties['keyPassword']
            storeFile file(keystoreProperties['storeFile'])
            storePassword keystoreProperties['storePassword']
        }
    }
}
""",
    ),
    (
        "build.gradle.kts signing from env",
        r"""android {
    signingConfigs {
        create("release") {
            storeFile = file(System.getenv("SIGNING_STORE_FILE") ?: "release.jks")
            storePassword = System.getenv("SIGNING_STORE_PASSWORD")
            keyAlias = System.getenv("SIGNING_KEY_ALIAS")
            keyPassword = System.getenv("SIGNING_KEY_PASSWORD")
        }
    }
}
""",
    ),
    (
        "Fastfile env and key file",
        r"""lane :beta do
  api_key = app_store_connect_api_key(
    key_id: ENV["ASC_KEY_ID"],
    issuer_id: ENV["ASC_ISSUER_ID"],
    key_filepath: "./fastlane/AuthKey.p8"
  )
  match(type: "appstore", readonly: is_ci, api_key: api_key)
  build_app(scheme: "Field", export_method: "app-store")
end
""",
    ),
    (
        "Appfile ids",
        r"""app_identifier("io.acme.field")
apple_id("release@acme-apps.io")
itc_team_id("«P:num9»")
team_id("«P:upper10»")
""",
    ),
    (
        "Info.plist ids and schemes",
        r"""<dict>
	<key>CFBundleIdentifier</key>
	<string>io.acme.field</string>
	<key>GIDClientID</key>
	<string>«P:num12»-«P:lower32».apps.googleusercontent.com</string>
	<key>CFBundleURLTypes</key>
	<array>
		<dict>
			<key>CFBundleURLSchemes</key>
			<array><string>com.googleusercontent.apps.«P:num12»-«P:lower32»</string></array>
		</dict>
	</array>
	<key>NSCameraUsageDescription</key>
	<string>Take photos of inspection sites.</string>
</dict>
""",
    ),
    (
        "swift keychain helper",
        r"""func savePassword(_ password: String, account: String) throws {
    let query: [String: Any] = [
        kSecClass as String: kSecClassGenericPassword,
        kSecAttrAccount as String: account,
        kSecAttrService as String: "io.acme.field.token",
        kSecValueData as String: Data(password.utf8),
    ]
    SecItemDelete(query as CFDictionary)
    let status = SecItemAdd(query as CFDictionary, nil)
    guard status == errSecSuccess else { throw KeychainError(status) }
}
""",
    ),
    (
        "kotlin encrypted prefs",
        r"""val masterKey = MasterKey.Builder(context)
    .setKeyScheme(MasterKey.KeyScheme.AES256_GCM)
    .build()
val prefs = EncryptedSharedPreferences.create(
    context, "secret_prefs", masterKey,
    EncryptedSharedPreferences.PrefKeyEncryptionScheme.AES256_SIV,
    EncryptedSharedPreferences.PrefValueEncryptionScheme.AES256_GCM,
)
prefs.edit().putString("refresh_token", tokenResponse.refreshToken).apply()
""",
    ),
    (
        "web.config integrated security",
        r"""<configuration>
  <connectionStrings>
    <add name="Reports" connectionString="Data Source=sql01.corp.example.com;Initial Catalog=Reports;Integrated Security=SSPI;Encrypt=True" providerName="System.Data.SqlClient" />
  </connectionStrings>
  <appSettings configSource="appSettings.secret.config" />
  <system.web>
    <machineKey validationKey="AutoGenerate,IsolateApps" decryptionKey="AutoGenerate,IsolateApps" validation="HMACSHA256" />
  </system.web>
</configuration>
""",
    ),
    (
        "unattend.xml without passwords",
        r"""<component name="Microsoft-Windows-International-Core" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
  <InputLocale>en-GB</InputLocale>
  <SystemLocale>en-GB</SystemLocale>
  <UILanguage>en-GB</UILanguage>
  <UserLocale>en-GB</UserLocale>
</component>
<component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
  <ComputerName>*</ComputerName>
  <TimeZone>GMT Standard Time</TimeZone>
</component>
""",
    ),
    (
        "core-site credential provider",
        r"""<configuration>
  <property>
    <name>hadoop.security.credential.provider.path</name>
    <value>jceks://hdfs@namenode:8020/user/etl/s3.jceks</value>
  </property>
  <property>
    <name>fs.s3a.aws.credentials.provider</name>
    <value>org.apache.hadoop.fs.s3a.auth.IAMInstanceCredentialsProvider</value>
  </property>
</configuration>
""",
    ),
    (
        "wp-config getenv",
        r"""<?php
define( 'DB_NAME', getenv( 'WORDPRESS_DB_NAME' ) );
define( 'DB_USER', getenv( 'WORDPRESS_DB_USER' ) );
define( 'DB_PASSWORD', getenv( 'WORDPRESS_DB_PASSWORD' ) );
define( 'DB_HOST', getenv( 'WORDPRESS_DB_HOST' ) ?: 'db:3306' );
define( 'AUTH_KEY', getenv( 'WORDPRESS_AUTH_KEY' ) );
""",
    ),
    (
        "wp-config-sample placeholders",
        r"""define( 'DB_NAME', 'database_name_here' );
define( 'DB_USER', 'username_here' );
define( 'DB_PASSWORD', 'password_here' );
define( 'AUTH_KEY',         'put your unique phrase here' );
define( 'SECURE_AUTH_KEY',  'put your unique phrase here' );
define( 'LOGGED_IN_KEY',    'put your unique phrase here' );
""",
    ),
    (
        "drupal hash_salt from file",
        r"""$settings['hash_salt'] = file_get_contents('/var/www/private/salt.txt');
$databases['default']['default'] = [
  'database' => getenv('DRUPAL_DB_NAME'),
  'username' => getenv('DRUPAL_DB_USER'),
  'password' => getenv('DRUPAL_DB_PASSWORD'),
  'host' => 'db',
  'driver' => 'mysql',
];
""",
    ),
    (
        "magento config.php modules",
        r"""<?php
return [
    'modules' => [
        'Magento_Store' => 1,
        'Magento_Directory' => 1,
        'Magento_Customer' => 1,
        'Magento_Payment' => 1,
        'PayPal_Braintree' => 1,
        'Adyen_Payment' => 1,
    ],
];
""",
    ),
    (
        "arduino sketch with secret macros",
        r"""#include <WiFiNINA.h>
#include "arduino_secrets.h"

char ssid[] = SECRET_SSID;
char pass[] = SECRET_PASS;

void setup() {
  while (WiFi.begin(ssid, pass) != WL_CONNECTED) {
    delay(5000);
  }
}
""",
    ),
    (
        "arduino root ca only",
        r"""// Amazon Root CA 1
static const char AWS_CERT_CA[] PROGMEM = R"EOF(
«BEGIN CERTIFICATE»
«P:cert»
«END CERTIFICATE»
)EOF";
""",
    ),
    (
        "databricks dbutils secrets",
        r"""jdbc_password = dbutils.secrets.get(scope="etl", key="pg_password")
df = (spark.read.format("jdbc")
      .option("url", "jdbc:postgresql://warehouse.data.internal:5432/analytics")
      .option("dbtable", "public.orders")
      .option("user", "etl")
      .option("password", jdbc_password)
      .load())
""",
    ),
    (
        "airflow hook and variable",
        r"""from airflow.hooks.base import BaseHook
from airflow.models import Variable

conn = BaseHook.get_connection("sftp_partner")
api_key = Variable.get("partner_api_key")
print(f"connecting to {conn.host} as {conn.login}")
""",
    ),
    (
        "python keyring lookup",
        r"""import keyring

password = keyring.get_password("snowflake", "ETL_SERVICE")
if password is None:
    raise SystemExit("error: no Snowflake password in the keyring for ETL_SERVICE")
""",
    ),
    (
        "hardhat.config vars",
        r"""const { vars } = require("hardhat/config");

module.exports = {
  solidity: "0.8.24",
  networks: {
    sepolia: {
      url: `https://eth-sepolia.g.alchemy.com/v2/${vars.get("ALCHEMY_API_KEY")}`,
      accounts: [vars.get("SEPOLIA_PRIVATE_KEY")],
    },
  },
  etherscan: { apiKey: process.env.ETHERSCAN_API_KEY },
};
""",
    ),
    (
        "solidity merkle root constant",
        r"""contract Airdrop is Ownable {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    bytes32 public immutable merkleRoot = 0x«P:hex64»;
    address public constant TREASURY = «P:eth»;

    function claim(uint256 amount, bytes32[] calldata proof) external {
        bytes32 leaf = keccak256(abi.encodePacked(msg.sender, amount));
        require(MerkleProof.verify(proof, merkleRoot, leaf), "bad proof");
    }
}
""",
    ),
    (
        "foundry test env key",
        r"""function setUp() public {
    uint256 deployerKey = vm.envUint("PRIVATE_KEY");
    (address alice, uint256 aliceKey) = makeAddrAndKey("alice");
    deployer = vm.addr(deployerKey);
}
""",
    ),
    (
        "ethers verify signature",
        r"""import { ethers } from "ethers";

export function isOwner(message: string, signature: string): boolean {
  const signer = ethers.verifyMessage(message, signature);
  return signer.toLowerCase() === "«P:eth»";
}
""",
    ),
    (
        "abi in typescript",
        r"""export const erc20Abi = [
  { type: "function", name: "balanceOf", stateMutability: "view", inputs: [{ name: "owner", type: "address" }], outputs: [{ type: "uint256" }] },
  { type: "function", name: "transfer", stateMutability: "nonpayable", inputs: [{ name: "to", type: "address" }, { name: "amount", type: "uint256" }], outputs: [{ type: "bool" }] },
] as const;
export const TOKEN_ADDRESS = "«P:eth»";
""",
    ),
    (
        "web3.py tx hash lookup",
        r"""receipt = w3.eth.get_transaction_receipt("0x«P:hex64»")
print(receipt.status, receipt.blockNumber, receipt.gasUsed)
logs = token.events.Transfer().process_receipt(receipt)
""",
    ),
    (
        "discord.js env token",
        r"""require('dotenv').config();
const { Client, GatewayIntentBits } = require('discord.js');
const client = new Client({ intents: [GatewayIntentBits.Guilds] });
client.login(process.env.DISCORD_TOKEN);
""",
    ),
    (
        "telegram env token",
        r"""import os
from telegram.ext import Application

TOKEN = os.environ["TELEGRAM_BOT_TOKEN"]
app = Application.builder().token(TOKEN).build()
""",
    ),
    (
        "shopify webhook hmac verify",
        r"""import base64, hashlib, hmac

def verify_webhook(data: bytes, hmac_header: str) -> bool:
    secret = os.environ["SHOPIFY_API_SECRET"].encode()
    digest = hmac.new(secret, data, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest), hmac_header.encode())
""",
    ),
    (
        "plaid node env config",
        r"""const configuration = new Configuration({
  basePath: PlaidEnvironments[process.env.PLAID_ENV || 'sandbox'],
  baseOptions: {
    headers: {
      'PLAID-CLIENT-ID': process.env.PLAID_CLIENT_ID,
      'PLAID-SECRET': process.env.PLAID_SECRET,
    },
  },
});
""",
    ),
    (
        "powershell secretmanagement",
        r"""$cred = Get-Secret -Name 'sql-export-job' -Vault CorpVault
Invoke-Sqlcmd -ServerInstance "sql01.corp.example.com" -Credential $cred -Query "EXEC dbo.NightlyExport"
""",
    ),
    (
        "csharp key vault secret",
        r"""var client = new SecretClient(new Uri("https://acme-kv.vault.azure.net/"), new DefaultAzureCredential());
KeyVaultSecret secret = await client.GetSecretAsync("ews-service-password");
var credentials = new NetworkCredential("svc-mailer", secret.Value, "CORP");
""",
    ),
    (
        "sql identified externally",
        r"""CREATE USER ops$etl IDENTIFIED EXTERNALLY;
GRANT CREATE SESSION TO ops$etl;
CREATE LOGIN [CORP\svc-reports] FROM WINDOWS WITH DEFAULT_DATABASE = Reports;
""",
    ),
    (
        "netmiko getpass",
        r"""from getpass import getpass
from netmiko import ConnectHandler

device = {
    "device_type": "cisco_ios",
    "host": "10.20.0.1",
    "username": "netops",
    "password": getpass("Password: "),
}
""",
    ),
    (
        "ldap3 kerberos sasl",
        r"""from ldap3 import KERBEROS, SASL, Connection, Server

conn = Connection(Server("dc01.corp.example.com"), authentication=SASL, sasl_mechanism=KERBEROS, auto_bind=True)
conn.search("DC=corp,DC=example,DC=com", "(sAMAccountName=jsmith)", attributes=["memberOf"])
""",
    ),
    (
        "electron notarize env",
        r"""module.exports = async function (context) {
  return notarize({
    appPath: `${context.appOutDir}/Acme.app`,
    appleId: process.env.APPLE_ID,
    appleIdPassword: process.env.APPLE_APP_SPECIFIC_PASSWORD,
    teamId: process.env.APPLE_TEAM_ID,
  });
};
""",
    ),
    (
        "expo app.config public env",
        r"""export default ({ config }) => ({
  ...config,
  name: "Field",
  ios: { bundleIdentifier: "io.acme.field" },
  android: { package: "io.acme.field" },
  extra: {
    apiUrl: process.env.EXPO_PUBLIC_API_URL,
    eas: { projectId: "«P:uuid»" },
  },
});
""",
    ),
    (
        "unity playfab client title id",
        r"""void Start()
{
    PlayFabSettings.staticSettings.TitleId = "«P:HEX5»";
    var request = new LoginWithCustomIDRequest { CustomId = SystemInfo.deviceUniqueIdentifier, CreateAccount = true };
    PlayFabClientAPI.LoginWithCustomID(request, OnLoginSuccess, OnLoginFailure);
}
""",
    ),
    (
        "go hmac key from env",
        r"""key := []byte(os.Getenv("WEBHOOK_SIGNING_SECRET"))
mac := hmac.New(sha256.New, key)
mac.Write(body)
expected := hex.EncodeToString(mac.Sum(nil))
if !hmac.Equal([]byte(expected), []byte(r.Header.Get("X-Signature"))) {
	http.Error(w, "bad signature", http.StatusUnauthorized)
}
""",
    ),
]

# --- url: connection URIs, webhooks, signed links and API calls as written or logged -----------------

URL = [
    (
        "sfdx auth url",
        r"""$ cat prod.authurl
force://PlatformCLI::«S:5Aep861~alnum80»@acme.my.salesforce.com
""",
    ),
    (
        "airflow conn env uri",
        r"""AIRFLOW_CONN_WAREHOUSE_PG='postgres://etl:«S:pwu»@warehouse.data.internal:5432/analytics?sslmode=require'
""",
    ),
    (
        "airflow aws conn urlencoded secret",
        r"""«H:b6440@k»export AIRFLOW_CONN_AWS_LEGACY='aws://«P:AKIA~upper16»:«S:urlenc(k)»@/?region_name=eu-west-1'
""",
    ),
    (
        "snowflake sqlalchemy url",
        r"""engine = create_engine("snowflake://ETL_SERVICE:«S:pwu»@«P:lower7»-prod/ANALYTICS/PUBLIC?warehouse=TRANSFORM_WH&role=TRANSFORMER")
""",
    ),
    (
        "databricks jdbc url pwd",
        r"""jdbc:databricks://adb-«P:num16».«P:num2».azuredatabricks.net:443/default;transportMode=http;ssl=1;httpPath=sql/protocolv1/o/«P:num16»/«P:num4»-«P:num6»-«P:lower8»;AuthMech=3;UID=token;PWD=«S:dapi~hex32»
""",
    ),
    (
        "oracle thin url with password",
        r"""spring.datasource.url=jdbc:oracle:thin:APP_OWNER/«S:pwu»@//db01.corp.example.com:1521/ORCLPDB1
""",
    ),
    (
        "sqlserver jdbc url password",
        r"""jdbc:sqlserver://sql01.corp.example.com:1433;databaseName=Reports;user=reports_app;password=«S:pwu»;encrypt=true;trustServerCertificate=false
""",
    ),
    (
        "superset redis cache url",
        r"""CACHE_REDIS_URL = "redis://:«S:pwu»@superset-redis:6379/1"
RESULTS_BACKEND_URL = "redis://:«S:pwu»@superset-redis:6379/2"
""",
    ),
    (
        "mqtt url credentials",
        r"""[INFO] gateway: connecting to mqtts://gateway-07:«S:pwu»@mqtt.acme-iot.net:8883/ (client id gw-«P:hex6»)
""",
    ),
    (
        "rtsp camera url",
        r"""ffmpeg -rtsp_transport tcp -i "rtsp://admin:«S:pwu»@192.168.1.64:554/Streaming/Channels/101" -frames:v 1 snapshot.jpg
""",
    ),
    (
        "discord webhook url",
        r"""DEPLOY_WEBHOOK=https://discord.com/api/webhooks/«P:num19»/«S:b64u68»
""",
    ),
    (
        "slack incoming webhook",
        r"""curl -X POST -H 'Content-type: application/json' --data '{"text":"Build 3.2.0 uploaded to TestFlight"}' https://hooks.slack.com/services/T0«P:upper9»/B0«P:upper9»/«S:alnum24»
""",
    ),
    (
        "telegram bot api url",
        r"""GET https://api.telegram.org/bot«S:telegram»/sendMessage?chat_id=-100«P:num10»&text=Backup%20finished 200 OK
""",
    ),
    (
        "steam web api key query",
        r"""https://api.steampowered.com/ISteamUser/GetPlayerSummaries/v2/?key=«S:HEX32»&steamids=«P:num17»
""",
    ),
    (
        "etherscan apikey query",
        r"""https://api.etherscan.io/api?module=account&action=balance&address=«P:eth»&tag=latest&apikey=«S:upper34»
""",
    ),
    (
        "infura url",
        r"""SEPOLIA_RPC_URL=https://sepolia.infura.io/v3/«S:hex32»
""",
    ),
    (
        "alchemy websocket url",
        r"""const provider = new ethers.WebSocketProvider("wss://eth-mainnet.g.alchemy.com/v2/«S:b64u32»");
""",
    ),
    (
        "azure blob sas url",
        r"""«H:b64b32@g»https://acmelake.blob.core.windows.net/exports/orders-2025-02-10.parquet?sv=2022-11-02&ss=b&srt=o&sp=r&se=2025-03-01T00:00:00Z&st=2025-02-11T00:00:00Z&spr=https&sig=«S:urlenc(g)»
""",
    ),
    (
        "iot hub sas token",
        r"""«H:b64b32@g»Authorization: SharedAccessSignature sr=acme-hub.azure-devices.net%2Fdevices%2Fpump-14&sig=«S:urlenc(g)»&se=1739999999
""",
    ),
    (
        "gcs signed url",
        r"""https://storage.googleapis.com/acme-models/releases/ticket-router-v3.tar.gz?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=model-publisher%40acme-ml.iam.gserviceaccount.com%2F20250211%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20250211T101500Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=«S:hex512»
""",
    ),
    (
        "shopify private app url",
        r"""https://«P:hex32»:«S:shpat_~hex32»@acme-store.myshopify.com/admin/api/2024-01/orders.json?status=any
""",
    ),
    (
        "woocommerce query auth",
        r"""GET https://shop.acme.io/wp-json/wc/v3/products?consumer_key=«S:ck_~hex40»&consumer_secret=«S:cs_~hex40»&per_page=50
""",
    ),
    (
        "hf git remote token",
        r"""origin	https://acme-bot:«S:hf_~alpha34»@huggingface.co/acme/ticket-router (fetch)
origin	https://acme-bot:«S:hf_~alpha34»@huggingface.co/acme/ticket-router (push)
""",
    ),
    (
        "mlflow tracking uri basic auth",
        r"""MLFLOW_TRACKING_URI=https://trainer:«S:pwu»@mlflow.ml.internal
""",
    ),
    (
        "jira url basic auth",
        r"""https://ci-bot%40acme.io:«S:ATATT3xFfGF0~b64u170~=~HEX8»@acme.atlassian.net/rest/api/3/search?jql=project%3DMOB%20AND%20status%3DOpen
""",
    ),
    (
        "servicenow oauth form body",
        r"""POST https://acme.service-now.com/oauth_token.do
Content-Type: application/x-www-form-urlencoded

grant_type=password&client_id=«P:hex32»&client_secret=«S:alnum16»&username=integration.bot&password=«S:pwu»
""",
    ),
    (
        "salesforce oauth password grant url",
        r"""https://login.salesforce.com/services/oauth2/token?grant_type=password&client_id=3MVG9«P:b64u80»&client_secret=«S:HEX64»&username=integration%40acme.io&password=«S:pwu»
""",
    ),
    (
        "oauth implicit fragment token",
        r"""Navigated to https://field.acme.io/auth/callback#access_token=«S:b64ub48»&token_type=Bearer&expires_in=3600&state=«P:hex16»
""",
    ),
    (
        "openwrt luci stok",
        r"""http://192.168.1.1/cgi-bin/luci/;stok=«S:hex32»/admin/network/wireless
""",
    ),
    (
        "ip camera query password",
        r"""http://192.168.1.30/cgi-bin/snapshot.cgi?loginuse=admin&loginpas=«S:pwu»
""",
    ),
    (
        "hikvision url credentials",
        r"""curl --digest "http://admin:«S:pwu»@192.168.1.64/ISAPI/Streaming/channels/101/picture" -o cam.jpg
""",
    ),
    (
        "home assistant webhook url",
        r"""rest_command:
  notify_door:
    url: https://ha.acme-home.net/api/webhook/«S:b64ub32»
""",
    ),
    (
        "git remote ghs token",
        r"""Cloning into 'certificates'...
remote: https://x-access-token:«S:ghs_~alnum36»@github.com/acme/certificates.git
""",
    ),
    (
        "match git url basic auth",
        r"""MATCH_GIT_URL=https://ci-bot:«S:pwu»@bitbucket.org/acme/ios-certificates.git
""",
    ),
    (
        "firebase rtdb legacy secret",
        r"""curl 'https://acme-field-default-rtdb.firebaseio.com/inspections.json?auth=«S:alnum40»&orderBy="$key"&limitToLast=5'
""",
    ),
    (
        "metabase signed embed url",
        r"""iframeUrl = "https://bi.acme.io/embed/dashboard/«S:jwt»#bordered=true&titled=false"
""",
    ),
    (
        "redash query api key url",
        r"""https://redash.acme.io/api/queries/42/results.csv?api_key=«S:alnum40»
""",
    ),
    (
        "sharepoint client credentials form",
        r"""POST https://accounts.accesscontrol.windows.net/«P:uuid»/tokens/OAuth/2
grant_type=client_credentials&client_id=«P:uuid»%40«P:uuid»&client_secret=«S:b64b33»&resource=00000003-0000-0ff1-ce00-000000000000%2Facme.sharepoint.com%40«P:uuid»
""",
    ),
    (
        "sap odata password query",
        r"""GET https://sapprd01.corp.example.com:44300/sap/opu/odata/sap/API_SALES_ORDER_SRV/A_SalesOrder?$top=5&sap-client=100&sap-user=RFC_BATCH&sap-password=«S:pwu» HTTP/1.1
""",
    ),
    (
        "oracle sqlalchemy url",
        r"""DATABASE_URL=oracle+oracledb://hr:«S:pwu»@db01.corp.example.com:1521/?service_name=ORCLPDB1
""",
    ),
    (
        "db2 url",
        r"""db2://db2inst1:«S:pwu»@zos01.corp.example.com:50000/PRODDB
""",
    ),
    (
        "amqp url mq",
        r"""spring.rabbitmq.addresses=amqps://app:«S:pwu»@mq01.corp.example.com:5671/payments
""",
    ),
    (
        "tasmota command url",
        r"""http://192.168.1.60/cm?user=admin&password=«S:pwu»&cmnd=Power%20TOGGLE
""",
    ),
    (
        "octoprint api key url",
        r"""http://octopi.local/api/job?apikey=«S:HEX32»
""",
    ),
    (
        "plex token url",
        r"""http://192.168.1.5:32400/library/sections/1/all?X-Plex-Token=«S:b64u20»
""",
    ),
    (
        "jupyter server token url",
        r"""[I 2025-02-11 10:12:01.123 ServerApp] Jupyter Server 2.12.5 is running at:
[I 2025-02-11 10:12:01.123 ServerApp] http://127.0.0.1:8888/lab?token=«S:hex48»
""",
    ),
    (
        "sonarr api key url",
        r"""GET http://media.local:8989/api/v3/series?apikey=«S:hex32» 200 142ms
""",
    ),
    (
        "lftp sftp url password",
        r"""$ lftp sftp://acme_in:«S:pwu»@sftp.partner.example -e "mirror /outbound ./inbound; quit"
""",
    ),
    (
        "binance api key header log",
        r"""DEBUG urllib3.connectionpool: https://api.binance.com:443 "GET /api/v3/account?timestamp=1739270400000&signature=«P:hex64» HTTP/1.1" 200 None
DEBUG request headers: {'X-MBX-APIKEY': '«S:alnum64»'}
""",
    ),
    (
        "coinbase websocket auth",
        r"""wss://ws-feed.exchange.coinbase.com  subscribe {"type":"subscribe","channels":["full"],"key":"«S:hex32»","passphrase":"«S:lower11»","signature":"«P:b64b32»","timestamp":"1739270400"}
""",
    ),
    (
        "paypal basic token url",
        r"""curl -v https://A«P:b64u79»:«S:E~b64u79»@api-m.paypal.com/v1/oauth2/token -d "grant_type=client_credentials"
""",
    ),
    (
        "mikrotik rest url credentials",
        r"""curl -k https://admin:«S:pwu»@192.168.88.1/rest/system/resource
""",
    ),
]

URL_NEGATIVE = [
    (
        "salesforce instance and org id",
        r"""Logged in to https://acme.my.salesforce.com (org 00D«P:alnum15»), see https://acme.lightning.force.com/lightning/r/Account/001«P:alnum15»/view
""",
    ),
    (
        "airflow conn uri without password",
        r"""AIRFLOW_CONN_AWS_DEFAULT='aws://?region_name=eu-west-1&role_arn=arn%3Aaws%3Aiam%3A%3A«P:num12»%3Arole%2Fairflow-worker'
""",
    ),
    (
        "snowflake url external browser",
        r"""snowflake://JSMITH@«P:lower7»-prod/ANALYTICS/PUBLIC?warehouse=DEV_WH&role=ANALYST&authenticator=externalbrowser
""",
    ),
    (
        "jdbc integrated security",
        r"""jdbc:sqlserver://sql01.corp.example.com:1433;databaseName=Reports;integratedSecurity=true;authenticationScheme=JavaKerberos;encrypt=true
""",
    ),
    (
        "discord bot invite url",
        r"""https://discord.com/oauth2/authorize?client_id=«P:num18»&permissions=274877975552&scope=bot%20applications.commands
""",
    ),
    (
        "slack oauth authorize url",
        r"""https://slack.com/oauth/v2/authorize?client_id=«P:num13».«P:num13»&scope=chat:write,commands&redirect_uri=https%3A%2F%2Fbots.acme.io%2Fslack%2Foauth&state=«P:hex16»
""",
    ),
    (
        "telegram bot link",
        r"""Talk to the bot at https://t.me/acme_status_bot or add it to a group: https://t.me/acme_status_bot?startgroup=true
""",
    ),
    (
        "etherscan tx url",
        r"""https://etherscan.io/tx/0x«P:hex64»
""",
    ),
    (
        "etherscan address code url",
        r"""Verified: https://sepolia.etherscan.io/address/«P:eth»#code
""",
    ),
    (
        "opensea asset url",
        r"""https://opensea.io/assets/ethereum/«P:eth»/«P:num4»
""",
    ),
    (
        "steam community profile",
        r"""https://steamcommunity.com/profiles/«P:num17»/ and https://store.steampowered.com/app/«P:num7»/Star_Courier/
""",
    ),
    (
        "gcs and gs uris",
        r"""gs://acme-models/releases/ticket-router-v3.tar.gz  (https://storage.googleapis.com/acme-models/releases/ticket-router-v3.tar.gz, public-read)
""",
    ),
    (
        "azure blob url without sas",
        r"""https://acmelake.blob.core.windows.net/exports/orders-2025-02-10.parquet
""",
    ),
    (
        "azure sas masked",
        r"""https://acmelake.blob.core.windows.net/exports/orders.parquet?sv=2022-11-02&sp=r&se=2025-03-01T00:00:00Z&sig=REDACTED
""",
    ),
    (
        "iot hub mqtt username and topic",
        r"""username=acme-hub.azure-devices.net/pump-14/?api-version=2021-04-12  topic=devices/pump-14/messages/events/
""",
    ),
    (
        "app store connect app url",
        r"""https://appstoreconnect.apple.com/apps/«P:num10»/testflight/ios/«P:uuid»
""",
    ),
    (
        "play console url",
        r"""https://play.google.com/console/u/0/developers/«P:num19»/app/«P:num19»/tracks/internal-testing
""",
    ),
    (
        "expo build url",
        r"""https://expo.dev/accounts/acme/projects/field/builds/«P:uuid»
""",
    ),
    (
        "databricks job run url",
        r"""https://adb-«P:num16».«P:num2».azuredatabricks.net/?o=«P:num16»#job/«P:num15»/run/«P:num15»
""",
    ),
    (
        "hf blob url with commit",
        r"""https://huggingface.co/acme/ticket-router/blob/«P:hex40»/config.json
""",
    ),
    (
        "kaggle dataset url",
        r"""https://www.kaggle.com/datasets/acme/support-tickets/versions/3 and https://www.kaggle.com/code/«P:user»/titanic-baseline
""",
    ),
    (
        "mlflow ui run url",
        r"""https://mlflow.ml.internal/#/experiments/«P:num18»/runs/«P:hex32»
""",
    ),
    (
        "jira issue url atlOrigin",
        r"""«H:{"i":"~hex32~","p":"j"}@a»https://acme.atlassian.net/browse/MOB-1432?atlOrigin=«P:b64of(a)»
""",
    ),
    (
        "confluence page url",
        r"""https://acme.atlassian.net/wiki/spaces/ENG/pages/«P:num10»/Release+checklist
""",
    ),
    (
        "servicenow sys_id url",
        r"""https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=«P:hex32»
""",
    ),
    (
        "sharepoint doc url",
        r"""https://acme.sharepoint.com/:x:/r/sites/finance/_layouts/15/Doc.aspx?sourcedoc=%7B«P:UUID»%7D&file=Q1-forecast.xlsx&action=default&mobileredirect=true
""",
    ),
    (
        "shopify admin product url",
        r"""https://admin.shopify.com/store/acme-store/products/«P:num13»
""",
    ),
    (
        "coinbase commerce charge url",
        r"""https://commerce.coinbase.com/charges/«P:upper8»
""",
    ),
    (
        "mikrotik webfig url",
        r"""http://192.168.88.1/webfig/#Interfaces.WireGuard.Peers
""",
    ),
    (
        "home assistant device url",
        r"""http://homeassistant.local:8123/config/devices/device/«P:hex32»
""",
    ),
    (
        "tasmota url without credentials",
        r"""http://192.168.1.60/cm?cmnd=Power%20TOGGLE
""",
    ),
    (
        "sap fiori url",
        r"""https://sapprd01.corp.example.com:44300/sap/bc/ui2/flp#SalesOrder-manage&/C_SalesOrderTP(SalesOrder='«P:num10»',DraftUUID=guid'«P:uuid»',IsActiveEntity=true)
""",
    ),
    (
        "ssh git remote",
        r"""origin	git@github.com:acme/certificates.git (fetch)
origin	git@github.com:acme/certificates.git (push)
""",
    ),
    (
        "ipfs cid url",
        r"""https://ipfs.io/ipfs/bafybei«P:lower52»/metadata/1.json
""",
    ),
    (
        "access log masked password",
        r"""10.0.4.17 - - [11/Feb/2025:10:12:01 +0000] "GET /cm?user=admin&password=***&cmnd=Status HTTP/1.1" 200 512
""",
    ),
    (
        "oauth error callback",
        r"""https://field.acme.io/auth/callback?error=access_denied&error_description=The+user+denied+access&state=«P:hex16»
""",
    ),
    (
        "data url png",
        r"""<img alt="logo" src="data:image/png;base64,«P:b64b120»">
""",
    ),
    (
        "wordpress rest url",
        r"""https://www.acme.io/wp-json/wp/v2/posts?per_page=5&_fields=id,title,link
""",
    ),
]

# --- json: key files, API responses, notebooks and settings written as JSON --------------------------

JSON = [
    (
        "google play service account",
        r"""{
  "type": "service_account",
  "project_id": "api-«P:num19»-«P:num6»",
  "private_key_id": "«P:hex40»",
  "private_key": "«BEGIN PRIVATE KEY»\n«S:rsa8!j»\n«END PRIVATE KEY»\n",
  "client_email": "fastlane-supply@api-«P:num19»-«P:num6».iam.gserviceaccount.com",
  "client_id": "«P:num21»",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/fastlane-supply%40api-«P:num19»-«P:num6».iam.gserviceaccount.com"
}
""",
    ),
    (
        "app store connect api key json",
        r"""{
  "key_id": "«P:upper10»",
  "issuer_id": "«P:uuid»",
  "key": "«BEGIN PRIVATE KEY»\n«S:p8!j»\n«END PRIVATE KEY»",
  "duration": 1200,
  "in_house": false
}
""",
    ),
    (
        "kaggle.json",
        r"""{"username":"«P:user»ml","key":"«S:hex32»"}
""",
    ),
    (
        "expo credentials.json",
        r"""{
  "android": {
    "keystore": {
      "keystorePath": "android/keystores/release.keystore",
      "keystorePassword": "«S:pw»",
      "keyAlias": "upload",
      "keyPassword": "«S:pw»"
    }
  },
  "ios": {
    "provisioningProfilePath": "ios/certs/profile.mobileprovision",
    "distributionCertificate": {
      "path": "ios/certs/dist-cert.p12",
      "password": "«S:pw»"
    }
  }
}
""",
    ),
    (
        "eas.json literal env secret",
        r"""{
  "cli": { "version": ">= 7.0.0" },
  "build": {
    "production": {
      "env": {
        "API_URL": "https://api.acme.io",
        "SENTRY_AUTH_TOKEN": "«S:sntryu_~hex64»",
        "CODEPUSH_KEY": "«S:alnum40»"
      }
    }
  }
}
""",
    ),
    (
        "coinbase cdp api key json",
        r"""{
  "name": "organizations/«P:uuid»/apiKeys/«P:uuid»",
  "privateKey": "«BEGIN EC PRIVATE KEY»\n«S:ec!j»\n«END EC PRIVATE KEY»\n"
}
""",
    ),
    (
        "ec jwk private",
        r"""{
  "kty": "EC",
  "crv": "P-256",
  "kid": "«P:hex16»",
  "use": "sig",
  "x": "«P:b64ub32»",
  "y": "«P:b64ub32»",
  "d": "«S:b64ub32»"
}
""",
    ),
    (
        "rsa jwk private",
        r"""{"kty":"RSA","kid":"«P:uuid»","alg":"RS256","n":"«P:b64ub256»","e":"AQAB","d":"«S:b64ub256»","p":"«S:b64ub128»","q":"«S:b64ub128»","dp":"«S:b64ub128»","dq":"«S:b64ub128»","qi":"«S:b64ub128»"}
""",
    ),
    (
        "airflow connections get json",
        r"""[
  {
    "id": "7",
    "conn_id": "snowflake_default",
    "conn_type": "snowflake",
    "description": "",
    "host": "",
    "schema": "PUBLIC",
    "login": "AIRFLOW_SVC",
    "password": "«S:pw»",
    "port": null,
    "is_encrypted": "True",
    "is_extra_encrypted": "True",
    "extra_dejson": {"account": "«P:lower7»-prod", "warehouse": "LOAD_WH"}
  }
]
""",
    ),
    (
        "airflow connection json env form",
        r"""{
  "conn_type": "google_cloud_platform",
  "extra": {
    "project": "acme-analytics",
    "keyfile_dict": {
      "type": "service_account",
      "client_email": "airflow@acme-analytics.iam.gserviceaccount.com",
      "private_key": "«BEGIN PRIVATE KEY»\n«S:rsa8!j»\n«END PRIVATE KEY»\n"
    }
  }
}
""",
    ),
    (
        "sf org display json verbose",
        r"""{
  "status": 0,
  "result": {
    "id": "00D«P:alnum15»",
    "apiVersion": "60.0",
    "accessToken": "«S:00D~alnum12~!AQ~alnum94»",
    "instanceUrl": "https://acme.my.salesforce.com",
    "username": "release@acme.io",
    "clientId": "PlatformCLI",
    "connectedStatus": "Connected",
    "sfdxAuthUrl": "force://PlatformCLI::«S:5Aep861~alnum80»@acme.my.salesforce.com",
    "alias": "prod"
  },
  "warnings": []
}
""",
    ),
    (
        "databricks token create json",
        r"""{
  "token_value": "«S:dapi~hex32»",
  "token_info": {
    "token_id": "«P:hex64»",
    "creation_time": 1739270400123,
    "expiry_time": 1747046400123,
    "comment": "ci-nightly"
  }
}
""",
    ),
    (
        "label studio token json",
        r"""{"token":"«S:hex40»"}
""",
    ),
    (
        "slack oauth access response",
        r"""{
  "ok": true,
  "app_id": "A0«P:upper9»",
  "authed_user": {"id": "U0«P:upper9»"},
  "scope": "chat:write,commands",
  "token_type": "bot",
  "access_token": "«S:xoxb-~num12~-~num13~-~alnum24»",
  "bot_user_id": "U0«P:upper9»",
  "team": {"id": "T0«P:upper9»", "name": "Acme"}
}
""",
    ),
    (
        "shopify oauth token response",
        r"""{"access_token":"«S:shpat_~hex32»","scope":"write_products,read_orders"}
""",
    ),
    (
        "plaid token exchange response",
        r"""{
  "access_token": "«S:access-production-~uuid»",
  "item_id": "«P:alnum37»",
  "request_id": "«P:alnum15»"
}
""",
    ),
    (
        "paypal oauth token response",
        r"""{
  "scope": "https://uri.paypal.com/services/invoicing https://uri.paypal.com/services/payments/payment/authcapture",
  "access_token": "«S:A21AA~b64u90»",
  "token_type": "Bearer",
  "app_id": "APP-«P:upper17»",
  "expires_in": 32400
}
""",
    ),
    (
        "square oauth token response",
        r"""{
  "access_token": "«S:EAAA~b64u60»",
  "token_type": "bearer",
  "expires_at": "2025-03-13T10:00:00Z",
  "merchant_id": "«P:upper13»",
  "refresh_token": "«S:EQAA~b64u60»",
  "short_lived": false
}
""",
    ),
    (
        "home assistant auth storage",
        r"""{
  "version": 1,
  "key": "auth",
  "data": {
    "refresh_tokens": [
      {
        "id": "«P:hex32»",
        "user_id": "«P:hex32»",
        "client_id": "https://home-assistant.io/android",
        "token_type": "normal",
        "created_at": "2025-01-04T10:12:44.123456+00:00",
        "token": "«S:hex128»",
        "jwt_key": "«S:hex128»"
      }
    ]
  }
}
""",
    ),
    (
        "home assistant config entry mqtt",
        r"""{
  "entry_id": "«P:hex32»",
  "domain": "mqtt",
  "title": "192.168.1.10",
  "data": {
    "broker": "192.168.1.10",
    "port": 1883,
    "username": "homeassistant",
    "password": "«S:pw»"
  },
  "source": "user"
}
""",
    ),
    (
        "aws iot create-keys-and-certificate",
        r"""{
    "certificateArn": "arn:aws:iot:eu-west-1:«P:num12»:cert/«P:hex64»",
    "certificateId": "«P:hex64»",
    "certificatePem": "«BEGIN CERTIFICATE»\n«P:cert!j»\n«END CERTIFICATE»\n",
    "keyPair": {
        "PublicKey": "«BEGIN PUBLIC KEY»\n«P:pubkey!j»\n«END PUBLIC KEY»\n",
        "PrivateKey": "«BEGIN RSA PRIVATE KEY»\n«S:rsa!j»\n«END RSA PRIVATE KEY»\n"
    }
}
""",
    ),
    (
        "az iot connection-string show",
        r"""{
  "connectionString": "HostName=acme-hub.azure-devices.net;DeviceId=pump-14;SharedAccessKey=«S:b64b32»"
}
""",
    ),
    (
        "az iot device identity keys",
        r"""{
  "authentication": {
    "symmetricKey": {
      "primaryKey": "«S:b64b32»",
      "secondaryKey": "«S:b64b32»"
    },
    "type": "sas",
    "x509Thumbprint": {"primaryThumbprint": null, "secondaryThumbprint": null}
  },
  "deviceId": "pump-14",
  "etag": "«P:b64b8»",
  "status": "enabled"
}
""",
    ),
    (
        "ipynb env token cell",
        r"""{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 3,
   "metadata": {},
   "outputs": [],
   "source": [
    "import os\n",
    "os.environ[\"HF_TOKEN\"] = \"«S:hf_~alpha34»\"\n",
    "os.environ[\"WANDB_API_KEY\"] = \"«S:hex40»\"\n"
   ]
  }
 ],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
""",
    ),
    (
        "ipynb stream output connection string",
        r"""{
   "cell_type": "code",
   "execution_count": 7,
   "metadata": {},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "connecting with postgresql://analyst:«S:pwu»@warehouse.data.internal:5432/analytics\n",
      "rows: 128734\n"
     ]
    }
   ],
   "source": ["print(f\"connecting with {DB_URL}\")\n", "print('rows:', len(df))"]
}
""",
    ),
    (
        "ipynb dataframe repr with tokens",
        r"""{
   "cell_type": "code",
   "execution_count": 12,
   "metadata": {},
   "outputs": [
    {
     "data": {
      "text/plain": [
       "   user_id            email                       api_token  plan\n",
       "0     1042   ana@example.org  «S:alnum32»   pro\n",
       "1     1043   ben@example.org  «S:alnum32»  free\n"
      ]
     },
     "execution_count": 12,
     "metadata": {},
     "output_type": "execute_result"
    }
   ],
   "source": ["users.head(2)"]
}
""",
    ),
    (
        "vscode sqltools connection",
        r"""{
  "sqltools.connections": [
    {
      "name": "Oracle prod (read)",
      "driver": "OracleDB",
      "server": "db01.corp.example.com",
      "port": 1521,
      "database": "ORCLPDB1",
      "username": "REPORT_RO",
      "password": "«S:pw»"
    }
  ]
}
""",
    ),
    (
        "composer auth.json magento keys",
        r"""{
    "http-basic": {
        "repo.magento.com": {
            "username": "«P:hex32»",
            "password": "«S:hex32»"
        }
    }
}
""",
    ),
    (
        "solana keypair json file",
        r"""«S:solkey»
""",
    ),
    (
        "firebase adminsdk service account",
        r"""{
  "type": "service_account",
  "project_id": "acme-field-prod",
  "private_key_id": "«P:hex40»",
  "private_key": "«BEGIN PRIVATE KEY»\n«S:rsa8!j»\n«END PRIVATE KEY»\n",
  "client_email": "firebase-adminsdk-«P:lower5»@acme-field-prod.iam.gserviceaccount.com",
  "client_id": "«P:num21»"
}
""",
    ),
    (
        "google oauth web client secret",
        r"""{"web":{"client_id":"«P:num12»-«P:lower32».apps.googleusercontent.com","project_id":"acme-field-prod","auth_uri":"https://accounts.google.com/o/oauth2/auth","token_uri":"https://oauth2.googleapis.com/token","client_secret":"«S:GOCSPX-~b64u28»","redirect_uris":["https://field.acme.io/auth/google/callback"]}}
""",
    ),
    (
        "keycloak realm ldap bind credential",
        r"""{
  "components": {
    "org.keycloak.storage.UserStorageProvider": [
      {
        "name": "corp-ad",
        "providerId": "ldap",
        "config": {
          "connectionUrl": ["ldaps://dc01.corp.example.com"],
          "bindDn": ["CN=svc-keycloak,OU=Service Accounts,DC=corp,DC=example,DC=com"],
          "bindCredential": ["«S:pw»"],
          "usersDn": ["OU=Staff,DC=corp,DC=example,DC=com"]
        }
      }
    ]
  }
}
""",
    ),
    (
        "keycloak client secret",
        r"""{
  "clientId": "superset",
  "enabled": true,
  "clientAuthenticatorType": "client-secret",
  "secret": "«S:alnum32»",
  "redirectUris": ["https://bi.acme.io/oauth-authorized/keycloak"],
  "publicClient": false
}
""",
    ),
    (
        "jira automation webhook token",
        r"""{
  "name": "Deploy finished",
  "url": "https://api-private.atlassian.com/automation/webhooks/jira/a/«P:uuid»/«P:uuid»",
  "headers": {"X-Automation-Webhook-Token": "«S:hex40»"},
  "method": "POST"
}
""",
    ),
    (
        "discord webhook create response",
        r"""{
  "type": 1,
  "id": "«P:num19»",
  "name": "deploys",
  "channel_id": "«P:num19»",
  "guild_id": "«P:num18»",
  "application_id": null,
  "token": "«S:b64u68@t»",
  "url": "https://discord.com/api/webhooks/«P:num19»/«=t»"
}
""",
    ),
    (
        "telegram bot config json",
        r"""{
  "bot_token": "«S:telegram»",
  "allowed_chat_ids": [-100«P:num10»],
  "poll_interval": 2
}
""",
    ),
    (
        "wg-easy wg0.json",
        r"""{
  "server": {
    "privateKey": "«S:b64b32»",
    "publicKey": "«P:b64b32»",
    "address": "10.8.0.1"
  },
  "clients": {
    "«P:uuid»": {
      "name": "phone",
      "address": "10.8.0.2",
      "privateKey": "«S:b64b32»",
      "publicKey": "«P:b64b32»",
      "preSharedKey": "«S:b64b32»",
      "enabled": true
    }
  }
}
""",
    ),
    (
        "mikrotik rest ppp secret",
        r"""[
  {".id": "*1", "disabled": "false", "name": "vpn-branch", "password": "«S:pw»", "profile": "default-encryption", "service": "l2tp"},
  {".id": "*2", "disabled": "false", "name": "vpn-jsmith", "password": "«S:pw»", "profile": "default-encryption", "service": "any"}
]
""",
    ),
    (
        "unifi wlan passphrase",
        r"""{
  "data": [
    {
      "_id": "«P:hex24»",
      "name": "Office",
      "security": "wpapsk",
      "wpa_mode": "wpa2",
      "x_passphrase": "«S:hpw»",
      "site_id": "«P:hex24»",
      "enabled": true
    }
  ],
  "meta": {"rc": "ok"}
}
""",
    ),
    (
        "mqtt explorer connection",
        r"""{
  "connections": {
    "«P:hex8»": {
      "name": "acme-iot prod",
      "host": "mqtt.acme-iot.net",
      "port": 8883,
      "encryption": true,
      "username": "ops",
      "password": "«S:pw»",
      "subscriptions": [{"topic": "#", "qos": 0}]
    }
  }
}
""",
    ),
    (
        "steam api config json",
        r"""{
  "appId": «P:num7»,
  "webApiKey": "«S:HEX32»",
  "publisherKey": "«S:HEX32»",
  "depots": [«P:num7»]
}
""",
    ),
    (
        "hardhat accounts json",
        r"""{
  "networks": {
    "mainnet": {
      "url": "https://mainnet.infura.io/v3/«S:hex32»",
      "accounts": ["0x«S:hex64»", "0x«S:hex64»"]
    }
  }
}
""",
    ),
    (
        "wallet config seed json",
        r"""{
  "network": "mainnet",
  "wallet": {
    "mnemonic": "«S:words24»",
    "path": "m/44'/60'/0'/0/0"
  }
}
""",
    ),
    (
        "binance keys json",
        r"""{
  "exchange": "binance",
  "apiKey": "«S:alnum64»",
  "secretKey": "«S:alnum64»",
  "testnet": false
}
""",
    ),
    (
        "adyen config json",
        r"""{
  "merchantAccount": "AcmeECOM",
  "environment": "LIVE",
  "liveEndpointUrlPrefix": "«P:hex16»-AcmeECOM",
  "apiKey": "«S:AQE~alnum40~+~alnum60~=-i1~b64u40~=»",
  "hmacKey": "«S:HEX64»"
}
""",
    ),
    (
        "superset database import json",
        r"""{
  "database_name": "Warehouse",
  "sqlalchemy_uri": "postgresql://superset_ro:«S:pwu»@warehouse.data.internal:5432/analytics",
  "expose_in_sqllab": true,
  "allow_ctas": false
}
""",
    ),
    (
        "mlflow databricks profile json",
        r"""{
  "tracking_uri": "databricks",
  "host": "https://adb-«P:num16».«P:num2».azuredatabricks.net",
  "token": "«S:dapi~hex32»",
  "experiment": "/Users/«P:user»@acme.io/churn"
}
""",
    ),
    (
        "electron forge publisher token",
        r"""{
  "publishers": [
    {
      "name": "@electron-forge/publisher-github",
      "config": {
        "repository": {"owner": "acme", "name": "desktop"},
        "authToken": "«S:ghp_~alnum36»",
        "prerelease": false
      }
    }
  ]
}
""",
    ),
    (
        "node-red flows_cred.json unencrypted",
        r"""{
  "«P:hex16»": {
    "user": "nodered",
    "password": "«S:pw»"
  },
  "«P:hex16»": {
    "apiKey": "«S:hex32»"
  }
}
""",
    ),
    (
        "playfab cli settings json",
        r"""{
  "titleId": "«P:HEX5»",
  "developerSecretKey": "«S:upper16~alnum36»",
  "cloud": "main"
}
""",
    ),
    (
        "looker login response",
        r"""{"access_token":"«S:alnum40»","token_type":"Bearer","expires_in":3600,"refresh_token":null}
""",
    ),
    (
        "servicenow oauth token response",
        r"""{
  "access_token": "«S:b64u86»",
  "refresh_token": "«S:b64u86»",
  "scope": "useraccount",
  "token_type": "Bearer",
  "expires_in": 1799
}
""",
    ),
    (
        "jupyter runtime server json",
        r"""{
  "base_url": "/",
  "hostname": "localhost",
  "password": false,
  "pid": «P:num5»,
  "port": 8888,
  "root_dir": "/home/«P:user»/notebooks",
  "secure": false,
  "sock": "",
  "token": "«S:hex48»",
  "url": "http://localhost:8888/",
  "version": "2.12.5"
}
""",
    ),
    (
        "grafana ldap test response",
        r"""{
  "name": "corp-ad",
  "servers": [
    {"host": "dc01.corp.example.com", "port": 636, "use_ssl": true, "bind_dn": "CN=svc-grafana,OU=Service Accounts,DC=corp,DC=example,DC=com", "bind_password": "«S:pw»"}
  ]
}
""",
    ),
]

JSON_NEGATIVE = [
    (
        "ethereum keystore v3",
        r"""{
  "address": "«P:hex40»",
  "crypto": {
    "cipher": "aes-128-ctr",
    "ciphertext": "«P:hex64»",
    "cipherparams": {"iv": "«P:hex32»"},
    "kdf": "scrypt",
    "kdfparams": {"dklen": 32, "n": 262144, "p": 1, "r": 8, "salt": "«P:hex64»"},
    "mac": "«P:hex64»"
  },
  "id": "«P:uuid»",
  "version": 3
}
""",
    ),
    (
        "hardhat artifact bytecode",
        r"""{
  "_format": "hh-sol-artifact-1",
  "contractName": "Token",
  "sourceName": "contracts/Token.sol",
  "abi": [{"inputs": [], "name": "totalSupply", "outputs": [{"type": "uint256"}], "stateMutability": "view", "type": "function"}],
  "bytecode": "0x608060405234801561001057600080fd5b50«P:hex256»",
  "deployedBytecode": "0x6080604052348015600f57600080fd5b50«P:hex256»",
  "linkReferences": {},
  "deployedLinkReferences": {}
}
""",
    ),
    (
        "foundry broadcast run",
        r"""{
  "transactions": [
    {
      "hash": "0x«P:hex64»",
      "transactionType": "CREATE",
      "contractName": "Token",
      "contractAddress": "«P:eth»",
      "transaction": {"from": "«P:eth»", "gas": "0x1a2b3c", "nonce": "0x29", "input": "0x6080«P:hex128»"}
    }
  ],
  "chain": 11155111,
  "commit": "«P:hex7»"
}
""",
    ),
    (
        "eas.json profiles",
        r"""{
  "cli": { "version": ">= 7.0.0", "appVersionSource": "remote" },
  "build": {
    "development": { "developmentClient": true, "distribution": "internal" },
    "production": {
      "autoIncrement": true,
      "env": { "API_URL": "https://api.acme.io", "SENTRY_ORG": "acme" }
    }
  },
  "submit": {
    "production": {
      "ios": { "ascAppId": "«P:num10»", "appleTeamId": "«P:upper10»" },
      "android": { "serviceAccountKeyPath": "./secrets/play-service-account.json", "track": "internal" }
    }
  }
}
""",
    ),
    (
        "tauri updater pubkey",
        r"""{
  "plugins": {
    "updater": {
      "pubkey": "«P:minisignpub»",
      "endpoints": ["https://releases.acme.io/desktop/{{target}}/{{arch}}/{{current_version}}"]
    }
  },
  "identifier": "io.acme.desktop"
}
""",
    ),
    (
        "expo app.json",
        r"""{
  "expo": {
    "name": "Field",
    "slug": "field",
    "version": "3.2.0",
    "ios": { "bundleIdentifier": "io.acme.field", "buildNumber": "«P:num3»" },
    "android": { "package": "io.acme.field", "versionCode": «P:num3» },
    "extra": { "eas": { "projectId": "«P:uuid»" } },
    "updates": { "url": "https://u.expo.dev/«P:uuid»" }
  }
}
""",
    ),
    (
        "kaggle dataset metadata",
        r"""{
  "title": "Support tickets 2024",
  "id": "acme/support-tickets",
  "licenses": [{"name": "CC0-1.0"}],
  "resources": [{"path": "tickets.csv", "description": "One row per ticket"}]
}
""",
    ),
    (
        "ipynb training output",
        r"""{
   "cell_type": "code",
   "execution_count": 21,
   "metadata": {},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "epoch 1/3  loss=0.5123  val_auc=0.8811\n",
      "epoch 2/3  loss=0.4012  val_auc=0.9034\n",
      "saved checkpoint sha256=«P:hex64»\n"
     ]
    }
   ],
   "source": ["trainer.fit(model, dm)"]
}
""",
    ),
    (
        "ipynb databricks redacted secret",
        r"""{
   "cell_type": "code",
   "execution_count": 4,
   "metadata": {"application/vnd.databricks.v1+cell": {"title": "", "nuid": "«P:uuid»"}},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": ["[REDACTED]\n"]
    }
   ],
   "source": ["pw = dbutils.secrets.get(scope=\"etl\", key=\"pg_password\")\n", "print(pw)"]
}
""",
    ),
    (
        "databricks job json secret refs",
        r"""{
  "name": "orders-nightly",
  "tasks": [
    {
      "task_key": "load",
      "spark_python_task": {"python_file": "dbfs:/jobs/load_orders.py"},
      "new_cluster": {
        "spark_version": "14.3.x-scala2.12",
        "node_type_id": "Standard_D4ds_v5",
        "num_workers": 2,
        "spark_env_vars": {"PG_PASSWORD": "{{secrets/etl/pg_password}}"}
      }
    }
  ]
}
""",
    ),
    (
        "airflow rest connection response",
        r"""{
  "connection_id": "warehouse_pg",
  "conn_type": "postgres",
  "description": "Analytics warehouse",
  "host": "warehouse.data.internal",
  "login": "etl",
  "schema": "analytics",
  "port": 5432,
  "extra": "{\"sslmode\": \"require\"}"
}
""",
    ),
    (
        "sfdx-project.json",
        r"""{
  "packageDirectories": [{"path": "force-app", "default": true}],
  "name": "acme-crm",
  "namespace": "",
  "sfdcLoginUrl": "https://login.salesforce.com",
  "sourceApiVersion": "60.0"
}
""",
    ),
    (
        "salesforce soql response",
        r"""{
  "totalSize": 2,
  "done": true,
  "records": [
    {"attributes": {"type": "Account", "url": "/services/data/v60.0/sobjects/Account/001«P:alnum15»"}, "Id": "001«P:alnum15»", "Name": "Northwind"},
    {"attributes": {"type": "Account", "url": "/services/data/v60.0/sobjects/Account/001«P:alnum15»"}, "Id": "001«P:alnum15»", "Name": "Contoso"}
  ]
}
""",
    ),
    (
        "app store connect builds response",
        r"""{
  "data": [
    {
      "type": "builds",
      "id": "«P:uuid»",
      "attributes": {"version": "«P:num3»", "uploadedDate": "2025-02-11T10:15:00-08:00", "processingState": "VALID", "expired": false}
    }
  ],
  "links": {"self": "https://api.appstoreconnect.apple.com/v1/builds?filter%5Bapp%5D=«P:num10»"}
}
""",
    ),
    (
        "play edits tracks response",
        r"""{
  "track": "internal",
  "releases": [
    {"name": "3.2.0 («P:num3»)", "versionCodes": ["«P:num3»"], "status": "completed"}
  ]
}
""",
    ),
    (
        "aws iot describe-certificate",
        r"""{
    "certificateDescription": {
        "certificateArn": "arn:aws:iot:eu-west-1:«P:num12»:cert/«P:hex64»",
        "certificateId": "«P:hex64»",
        "status": "ACTIVE",
        "certificatePem": "«BEGIN CERTIFICATE»\n«P:cert!j»\n«END CERTIFICATE»\n",
        "ownedBy": "«P:num12»",
        "creationDate": "2025-01-20T09:12:44.123000+00:00"
    }
}
""",
    ),
    (
        "azure iot device twin x509",
        r"""{
  "deviceId": "pump-15",
  "etag": "«P:b64b8»",
  "deviceEtag": "«P:b64b8»",
  "status": "enabled",
  "authenticationType": "selfSigned",
  "x509Thumbprint": {"primaryThumbprint": "«P:HEX40»", "secondaryThumbprint": null},
  "properties": {"reported": {"firmware": "2.4.1", "$version": 41}}
}
""",
    ),
    (
        "discord channel json",
        r"""{
  "id": "«P:num19»",
  "type": 0,
  "guild_id": "«P:num18»",
  "name": "deploys",
  "position": 4,
  "last_message_id": "«P:num19»",
  "permission_overwrites": []
}
""",
    ),
    (
        "telegram getUpdates",
        r"""{"ok":true,"result":[{"update_id":«P:num9»,"message":{"message_id":812,"from":{"id":«P:num10»,"is_bot":false,"first_name":"Ana"},"chat":{"id":-100«P:num10»,"title":"Ops","type":"supergroup"},"date":1739270400,"text":"/status"}}]}
""",
    ),
    (
        "slack event callback",
        r"""{
  "team_id": "T0«P:upper9»",
  "api_app_id": "A0«P:upper9»",
  "event": {"type": "app_mention", "user": "U0«P:upper9»", "text": "<@U0«P:upper9»> deploy status", "ts": "1739270400.123456", "channel": "C0«P:upper9»"},
  "type": "event_callback",
  "event_id": "Ev0«P:upper9»",
  "event_time": 1739270400
}
""",
    ),
    (
        "coinbase ticker",
        r"""{"ask":"96512.01","bid":"96511.99","volume":"8123.44120551","trade_id":«P:num9»,"price":"96512.00","size":"0.00120000","time":"2025-02-11T10:15:00.123456Z","rfq_volume":"52.104"}
""",
    ),
    (
        "etherscan txlist response",
        r"""{
  "status": "1",
  "message": "OK",
  "result": [
    {"blockNumber": "19«P:num6»", "hash": "0x«P:hex64»", "from": "«P:eth»", "to": "«P:eth»", "value": "50000000000000000", "gasUsed": "21000", "blockHash": "0x«P:hex64»", "isError": "0"}
  ]
}
""",
    ),
    (
        "shopify product json",
        r"""{
  "product": {
    "id": «P:num13»,
    "title": "Trail jacket",
    "handle": "trail-jacket",
    "admin_graphql_api_id": "gid://shopify/Product/«P:num13»",
    "variants": [{"id": «P:num14», "sku": "TJ-M-BLK", "price": "129.00", "inventory_item_id": «P:num14»}]
  }
}
""",
    ),
    (
        "plaid accounts response",
        r"""{
  "accounts": [
    {
      "account_id": "«P:alnum37»",
      "persistent_account_id": "«P:hex64»",
      "mask": "0000",
      "name": "Plaid Checking",
      "subtype": "checking",
      "type": "depository",
      "balances": {"available": 100, "current": 110, "iso_currency_code": "USD"}
    }
  ],
  "item": {"item_id": "«P:alnum37»", "institution_id": "ins_109508"},
  "request_id": "«P:alnum15»"
}
""",
    ),
    (
        "square location json",
        r"""{"location":{"id":"«P:upper13»","name":"Leeds store","merchant_id":"«P:upper13»","country":"GB","currency":"GBP","status":"ACTIVE","business_name":"Acme Coffee"}}
""",
    ),
    (
        "paypal order json",
        r"""{
  "id": "«P:upper17@o»",
  "status": "COMPLETED",
  "purchase_units": [{"reference_id": "default", "payments": {"captures": [{"id": "«P:upper17»", "status": "COMPLETED", "amount": {"currency_code": "USD", "value": "42.00"}}]}}],
  "links": [{"href": "https://api-m.paypal.com/v2/checkout/orders/«=o»", "rel": "self", "method": "GET"}]
}
""",
    ),
    (
        "adyen webhook hmac signature",
        r"""{
  "live": "true",
  "notificationItems": [
    {
      "NotificationRequestItem": {
        "additionalData": {"hmacSignature": "«P:b64b32»"},
        "amount": {"currency": "EUR", "value": 4200},
        "eventCode": "AUTHORISATION",
        "merchantAccountCode": "AcmeECOM",
        "merchantReference": "order-«P:num6»",
        "pspReference": "«P:upper16»",
        "success": "true"
      }
    }
  ]
}
""",
    ),
    (
        "jwks public keys",
        r"""{
  "keys": [
    {"kty": "RSA", "kid": "«P:hex16»", "use": "sig", "alg": "RS256", "n": "«P:b64ub256»", "e": "AQAB"},
    {"kty": "EC", "kid": "«P:hex16»", "use": "sig", "crv": "P-256", "x": "«P:b64ub32»", "y": "«P:b64ub32»"}
  ]
}
""",
    ),
    (
        "home assistant device registry",
        r"""{
  "version": 1,
  "key": "core.device_registry",
  "data": {
    "devices": [
      {"id": "«P:hex32»", "config_entries": ["«P:hex32»"], "manufacturer": "Espressif", "model": "esp32dev", "name": "garage-door", "sw_version": "2025.1.2", "connections": [["mac", "a4:cf:12:«P:hex2»:«P:hex2»:«P:hex2»"]]}
    ]
  }
}
""",
    ),
    (
        "unifi site json",
        r"""{"meta":{"rc":"ok"},"data":[{"_id":"«P:hex24»","name":"default","desc":"HQ","attr_hidden_id":"default","attr_no_delete":true,"role":"admin"}]}
""",
    ),
    (
        "mikrotik rest interfaces",
        r"""[
  {".id": "*1", "name": "ether1", "type": "ether", "mac-address": "48:8F:5A:«P:HEX2»:«P:HEX2»:«P:HEX2»", "running": "true"},
  {".id": "*9", "name": "wg0", "type": "wg", "running": "true"}
]
""",
    ),
    (
        "react native package.json",
        r"""{
  "name": "field",
  "version": "3.2.0",
  "private": true,
  "scripts": {
    "android": "react-native run-android",
    "ios": "react-native run-ios",
    "codepush:ios": "appcenter codepush release-react -a acme/field-ios -d Production"
  },
  "dependencies": {
    "react": "18.2.0",
    "react-native": "0.73.4",
    "react-native-code-push": "^8.2.1",
    "react-native-keychain": "^8.1.2"
  }
}
""",
    ),
    (
        "magento composer.json",
        r"""{
    "name": "acme/shop",
    "type": "project",
    "require": {
        "magento/product-community-edition": "2.4.7",
        "adyen/module-payment": "^9.0"
    },
    "repositories": [
        {"type": "composer", "url": "https://repo.magento.com/"}
    ]
}
""",
    ),
    (
        "mlflow run json",
        r"""{
  "run": {
    "info": {"run_id": "«P:hex32»", "experiment_id": "«P:num18»", "status": "FINISHED", "artifact_uri": "s3://ml-artifacts/«P:num18»/«P:hex32»/artifacts", "lifecycle_stage": "active"},
    "data": {"metrics": [{"key": "val_auc", "value": 0.9121, "step": 3}], "params": [{"key": "lr", "value": "0.0003"}], "tags": [{"key": "mlflow.source.git.commit", "value": "«P:hex40»"}]}
  }
}
""",
    ),
    (
        "wandb metadata json",
        r"""{
  "os": "Linux-6.5.0-1015-azure-x86_64-with-glibc2.35",
  "python": "3.11.7",
  "host": "gpu-worker-03",
  "program": "train.py",
  "git": {"remote": "https://github.com/acme/churn.git", "commit": "«P:hex40»"},
  "gpu": "NVIDIA A100 80GB PCIe",
  "args": ["--lr", "0.0003", "--epochs", "3"]
}
""",
    ),
    (
        "label studio export tasks",
        r"""[
  {"id": 1041, "data": {"text": "My router keeps dropping the VPN"}, "annotations": [{"id": 77, "result": [{"value": {"choices": ["network"]}, "from_name": "label", "to_name": "text", "type": "choices"}]}]},
  {"id": 1042, "data": {"text": "Reset my password please"}, "annotations": [{"id": 78, "result": [{"value": {"choices": ["account"]}, "from_name": "label", "to_name": "text", "type": "choices"}]}]}
]
""",
    ),
    (
        "erc20 abi json",
        r"""[
  {"anonymous": false, "inputs": [{"indexed": true, "name": "from", "type": "address"}, {"indexed": true, "name": "to", "type": "address"}, {"indexed": false, "name": "value", "type": "uint256"}], "name": "Transfer", "type": "event"},
  {"inputs": [{"name": "spender", "type": "address"}, {"name": "amount", "type": "uint256"}], "name": "approve", "outputs": [{"type": "bool"}], "stateMutability": "nonpayable", "type": "function"}
]
""",
    ),
    (
        "openzeppelin upgrades manifest",
        r"""{
  "manifestVersion": "3.2",
  "proxies": [{"address": "«P:eth»", "txHash": "0x«P:hex64»", "kind": "uups"}],
  "impls": {
    "«P:hex64»": {"address": "«P:eth»", "txHash": "0x«P:hex64»", "layout": {"solcVersion": "0.8.24", "storage": []}}
  }
}
""",
    ),
    (
        "vscode sqltools ask password",
        r"""{
  "sqltools.connections": [
    {"name": "Snowflake dev", "driver": "Snowflake", "account": "«P:lower7»-dev", "username": "JSMITH", "askForPassword": true, "database": "ANALYTICS"}
  ]
}
""",
    ),
    (
        "keycloak masked client secret",
        r"""{
  "clientId": "superset",
  "enabled": true,
  "clientAuthenticatorType": "client-secret",
  "secret": "**********",
  "redirectUris": ["https://bi.acme.io/oauth-authorized/keycloak"]
}
""",
    ),
]

TEMPLATES: list[Template] = [
    Template(context, kind, text)
    for context, rows in (
        ("plain", PLAIN + PLAIN_NEGATIVE),
        ("shell", SHELL + SHELL_NEGATIVE),
        ("yaml", YAML + YAML_NEGATIVE),
        ("source", SOURCE + SOURCE_NEGATIVE),
        ("url", URL + URL_NEGATIVE),
        ("json", JSON + JSON_NEGATIVE),
    )
    for kind, text in rows
]


def _check(documents: list[Document]) -> None:
    """Each planted secret is in its text (raw or escaped), and only templates with ``«S:`` plant any."""
    for doc in documents:
        if ("«S:" in doc.template) != bool(doc.secrets):
            raise AssertionError(f"template planted {len(doc.secrets)} secrets: {doc.kind}")
        for secret in doc.secrets:
            if not any(form in doc.text for form in (secret, _escape(secret), _escape(_escape(secret)))):
                raise AssertionError(f"secret not in text: {doc.kind}")
            if len(secret) < 8:
                raise AssertionError(f"secret too short: {doc.kind} {secret!r}")
        if "«" in doc.text or "»" in doc.text:
            raise AssertionError(f"unfilled placeholder: {doc.kind}")


def main() -> int:
    documents = corpus()
    _check(documents)
    print(
        f"{len(TEMPLATES)} templates, {len(documents)} documents (seed 71, 6 copies, each also JSON-escaped)"
    )
    print(f"{'context':8} {'with secrets':>12} {'without':>8}")
    for context in CONTEXTS:
        rows = [t for t in TEMPLATES if t.context == context]
        positive = sum("«S:" in t.text for t in rows)
        print(f"{context:8} {positive:12d} {len(rows) - positive:8d}")
    positive = sum("«S:" in t.text for t in TEMPLATES)
    print(f"{'all':8} {positive:12d} {len(TEMPLATES) - positive:8d}")
    splits = [split_of(t.text) for t in TEMPLATES]
    print(f"holdout templates: {splits.count('holdout')} of {len(splits)}")
    print(
        f"planted secrets: {sum(len(d.secrets) for d in documents)}; negative documents: {sum(not d.secrets for d in documents)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
