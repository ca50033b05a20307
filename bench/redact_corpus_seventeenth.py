"""A labelled redaction corpus of the Windows and .NET world, written blind to the redactor's rules.

What an agent sees when it works on a Windows or .NET codebase or on a Windows server: PowerShell
sessions and ``Start-Transcript`` logs, cmd.exe commands (``net use``, ``cmdkey``, ``schtasks``,
``sc.exe``, ``psexec``, ``sqlcmd``, ``runas``), .NET configuration (``appsettings*.json``,
``web.config``, ``launchSettings.json``, ``dotnet user-secrets``, ``NuGet.config``, publish profiles,
``local.settings.json``), Azure DevOps pipelines and logging commands, IIS ``appcmd``, registry
exports, ``unattend.xml``, Group Policy Preferences, event logs, SQL Server, Active Directory,
WinRM, Chocolatey, winget, WSL, RDP files, the Azure CLI and Az PowerShell, and C#, VB.NET, F# and
PowerShell source; every template also JSON-escaped inside agent-log lines (Claude Code stream-json
and transcript lines, Codex rollout ``function_call_output`` (doubly escaped), ``codex exec --json``
``item.completed`` lines and MCP ``tools/call`` results), counted as context ``json``.

Template syntax (placeholders between guillemets, so braces, ``$``, ``%`` and backslashes of the
Windows world stay literal):

- ``«gen»``: a public value (not a secret) drawn by generator ``gen`` (see ``GENERATORS``); the
  names of things (``svc``, ``host``, ``user``, ``dom``, ... see ``STICKY``) are drawn once per
  document, so the same host is the same host on every line (tag one, ``«host#2»``, for another);
- ``«!gen»``: a secret drawn by ``gen``; the text it lands as is a planted secret;
- ``«gen#t»`` / ``«!gen#t»``: the same, remembered under tag ``t``; ``«#t»`` repeats it (a repeat
  of a secret is a secret too);
- ``«...|f»``: the value passed through filter ``f`` before it lands: ``json`` (JSON string
  escaping), ``xml`` (XML attribute escaping), ``url`` (percent-encoding), ``b64`` (base64 of the
  UTF-8 text), ``upper``, ``lower``, ``utf16b64`` (base64 of the UTF-16LE text, as
  ``powershell -EncodedCommand`` takes it);
- ``«~gen#t»``: a value drawn and remembered but not written (for ``basic`` below);
- ``«!basic:#u:#p»``: base64 of ``user:password`` of two tagged values (the base64 is the secret);
- a value spanning several lines (PEM and OpenSSH keys, PuTTY private lines) takes the indentation
  of the line it lands on.

Every value is random at run time and built from parts: provider prefixes and PEM armour are joined
at run time, so this file holds no secret-shaped literal.

Labelling (the shared policy, with the choices this world asks for):

- secrets: passwords (human ones as people choose them, and random ones), connection-string
  ``Password=``/``Pwd=`` values, Azure storage, Service Bus, Event Hubs, Cosmos DB, SignalR and
  Redis keys, SAS ``sig`` values, Azure AD client secrets, Azure DevOps and GitHub PATs, NuGet and
  Chocolatey API keys (a Chocolatey key is a GUID, still a key), Octopus API keys, Functions keys,
  APIM/Cognitive Services keys, ``machineKey`` validation and decryption keys, GPP ``cpassword``
  (AES-encrypted, but the AES key is published, so it is as good as the password), NT hashes in
  credential dumps (pass-the-hash), signed JWTs and refresh tokens, private keys (PEM, OpenSSH,
  PuTTY private lines, RSA key XML private parameters, PFX as base64), Teams/Logic Apps webhook
  credentials, Wi-Fi passphrases, base64 of ``user:password``;
- not secrets: SIDs, GUIDs and object/tenant/client/subscription ids, thumbprints and other
  digests, package content hashes, Application Insights instrumentation keys and connection strings,
  AWS access key ids alone, certificates and public keys, DPAPI blobs (``ConvertFrom-SecureString``
  without a key, ``.rdp`` ``password 51:b:``, ``.pubxml.user`` ``EncryptedPassword``: machine- and
  user-bound ciphertext), ``ConvertFrom-SecureString -Key`` output (ciphertext), AppVeyor ``secure:``
  values, masked values (``********``, ``***``, ``System.Security.SecureString``), placeholders and
  token-replacement markers (``{password}``, ``$(DbPassword)``, ``#{Password}#``, ``__Password__``,
  ``%NUGET_PAT%``), Key Vault references and secret URIs, ``Integrated Security``/
  ``Trusted_Connection`` strings, the well-known Azurite development-storage key (documented, local
  emulator only), the LM and NT hashes of the empty password, names of secrets;
- Windows product keys are licence keys, not access credentials: labelled not secret, and used only
  as the KMS client setup keys (GVLK) Microsoft publishes.

Run ``python bench/redact_corpus_seventeenth.py`` for the counts; ``bench/redact_quality.py
--corpus seventeenth`` measures the redactor on it.
"""

# ruff: noqa: E501, W291 - templates read better on one line, and keep the trailing blanks real tools print
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
import urllib.parse
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
    """True if at least half of the secret survives in output, raw or JSON-escaped once or twice."""
    once = json.dumps(secret)[1:-1]
    for form in (secret, once, json.dumps(once)[1:-1]):
        run = max(1, len(form) // 2)
        if any(form[i : i + run] in output for i in range(len(form) - run + 1)):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Value generators: every value is drawn from parts at run time.

Rng = random.Random
ALNUM = string.ascii_letters + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
SYMBOLS = "!@#*-_.+=?~"
WORDS = [
    "harbor",
    "maple",
    "falcon",
    "copper",
    "river",
    "summit",
    "lantern",
    "orchid",
    "granite",
    "velvet",
    "thunder",
    "meadow",
    "cobalt",
    "saffron",
    "willow",
    "ember",
    "glacier",
    "juniper",
    "marble",
    "nimbus",
    "pepper",
    "quartz",
    "raven",
    "sierra",
    "tundra",
    "violet",
    "walnut",
    "zephyr",
    "anchor",
    "beacon",
    "cedar",
    "dolphin",
    "forest",
    "garnet",
    "hollow",
    "island",
    "jasper",
    "kestrel",
    "lotus",
    "mosaic",
    "nectar",
    "oracle",
    "pioneer",
    "quiver",
    "rocket",
    "shadow",
    "timber",
    "umbra",
    "vector",
    "whistle",
    "yonder",
    "zenith",
    "basket",
    "candle",
    "dragon",
    "engine",
    "fossil",
    "guitar",
    "hammer",
    "igloo",
    "jungle",
    "kitten",
    "ladder",
    "magnet",
    "needle",
    "otter",
    "pencil",
    "puzzle",
    "rabbit",
    "saddle",
    "turtle",
    "unicorn",
    "valley",
    "wizard",
    "yellow",
    "badger",
    "comet",
    "dune",
]
SEASONS = ("Spring", "Summer", "Autumn", "Winter", "Welcome", "January", "October", "December")
COMPANIES = [
    "Contoso",
    "Fabrikam",
    "Northwind",
    "AdventureWorks",
    "Tailspin",
    "Wingtip",
    "Litware",
    "Proseware",
    "Woodgrove",
    "Fourthcoffee",
    "Alpineski",
    "Relecloud",
    "Lamna",
    "Wideworld",
    "Trey",
    "Humongous",
    "Coho",
    "Margie",
]
FIRST = [
    "anna",
    "ben",
    "carla",
    "dmitri",
    "elena",
    "farid",
    "grace",
    "hiro",
    "ines",
    "jonas",
    "kofi",
    "lena",
    "marco",
    "nadia",
    "omar",
    "priya",
    "quinn",
    "rosa",
    "sven",
    "tariq",
    "ursula",
    "victor",
    "wei",
    "yara",
    "zoe",
]
LAST = [
    "adams",
    "brandt",
    "costa",
    "dubois",
    "eriksen",
    "fischer",
    "garcia",
    "huang",
    "ivanova",
    "jensen",
    "kowalski",
    "lopez",
    "meyer",
    "novak",
    "okafor",
    "petrov",
    "quist",
    "rossi",
    "schmidt",
    "tanaka",
    "ueda",
    "vargas",
    "weber",
    "xu",
    "young",
    "zimmer",
]
SERVICES = [
    "api",
    "web",
    "worker",
    "billing",
    "orders",
    "identity",
    "reports",
    "gateway",
    "scheduler",
    "ledger",
    "inventory",
    "portal",
]
REGIONS = [
    "westeurope",
    "northeurope",
    "eastus",
    "eastus2",
    "westus2",
    "uksouth",
    "germanywestcentral",
    "francecentral",
    "swedencentral",
    "centralus",
]


def _pick(rng: Rng, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b64(rng: Rng, n: int) -> str:
    return base64.b64encode(rng.randbytes(n)).decode()


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _leet(word: str, rng: Rng) -> str:
    table = {"a": "@", "e": "3", "o": "0", "i": "1", "s": "5"}
    return "".join(table[c] if c in table and rng.random() < 0.6 else c for c in word)


def pw_human(rng: Rng) -> str:
    while True:
        w1, w2 = (w.capitalize() for w in rng.sample(WORDS, 2))
        form = rng.randrange(8)
        if form == 0:
            pw = w1 + str(rng.randint(1970, 2026)) + rng.choice("!#@*?")
        elif form == 1:
            pw = w1 + w2 + str(rng.randint(1, 999)) + rng.choice("!#@.*")
        elif form == 2:
            pw = (
                rng.choice(SEASONS)
                + str(rng.randint(2019, 2026))
                + rng.choice("!#@")
                + rng.choice(("", str(rng.randint(1, 9))))
            )
        elif form == 3:
            pw = _leet(w1 + w2, rng) + str(rng.randint(1, 99)) + rng.choice("!#")
        elif form == 4:
            pw = "-".join(rng.sample(WORDS, 4))
        elif form == 5:
            pw = (
                rng.choice(COMPANIES)
                + rng.choice("#@!_")
                + str(rng.randint(2015, 2026))
                + rng.choice(("", "!", "x"))
            )
        elif form == 6:
            pw = w1.lower() + rng.choice("._-") + w2.lower() + str(rng.randint(10, 9999))
        else:
            pw = (
                rng.choice(FIRST).capitalize()
                + str(rng.randint(1, 31)).zfill(2)
                + str(rng.randint(1, 12)).zfill(2)
                + str(rng.randint(1960, 2010))
                + rng.choice("!?*")
            )
        if len(pw) >= 10:
            return pw


def pw_random(rng: Rng) -> str:
    n = rng.randint(14, 28)
    while True:
        pw = rng.choice(string.ascii_letters) + _pick(rng, ALNUM + SYMBOLS, n - 1)
        if any(c.isdigit() for c in pw) and any(c in SYMBOLS for c in pw) and any(c.isupper() for c in pw):
            return pw


def pw_any(rng: Rng) -> str:
    return pw_human(rng) if rng.random() < 0.5 else pw_random(rng)


def guid(rng: Rng) -> str:
    h = _pick(rng, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


def aad_secret(rng: Rng) -> str:
    alphabet = ALNUM + "_~.-"
    return _pick(rng, ALNUM, 3) + str(rng.randint(0, 9)) + "Q" + "~" + _pick(rng, alphabet, 34)


def armour(label: str, body: str) -> str:
    dashes = "-" * 5
    return f"{dashes}BEGIN {label}{dashes}\n{body}\n{dashes}END {label}{dashes}"


def _wrap(text: str, width: int) -> str:
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def pem_rsa(rng: Rng) -> str:
    body = "MIIE" + rng.choice("opq") + "QIBAAKCAQEA" + _b64(rng, 1180)[: 1588 - 15]
    return armour("RSA PRIVATE KEY", _wrap(body, 64))


def pem_pkcs8(rng: Rng) -> str:
    body = "MIIEv" + rng.choice("QAg") + "IBADANBgkqhkiG9w0BAQEFAASC" + _b64(rng, 1200)[:1590]
    return armour("PRIVATE KEY", _wrap(body, 64))


def pem_ec(rng: Rng) -> str:
    body = "MHcCAQEEI" + _b64(rng, 33)[:43] + "oAoGCCqGSM49AwEHoUQDQgAE" + _b64(rng, 64)[:86]
    return armour("EC PRIVATE KEY", _wrap(body, 64))


def openssh_key(rng: Rng) -> str:
    body = (
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"
        + "QyNTUxOQAAACA"
        + _b64(rng, 230)[:298]
    )
    return armour("OPENSSH PRIVATE KEY", _wrap(body, 70))


def cert_pem(rng: Rng) -> str:
    body = "MIID" + rng.choice("BCDEFG") + "zCCA" + _b64(rng, 900)[:1150]
    return armour("CERTIFICATE", _wrap(body, 64))


def public_key_pem(rng: Rng) -> str:
    body = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + _b64(rng, 230)[:304] + "IDAQAB"
    return armour("PUBLIC KEY", _wrap(body, 64))


def jwt(rng: Rng) -> str:
    tenant = guid(rng)
    header = {
        "typ": "JWT",
        "alg": "RS256",
        "x5t": _b64url(rng.randbytes(20)),
        "kid": _b64url(rng.randbytes(20)),
    }
    now = rng.randint(1_740_000_000, 1_770_000_000)
    payload = {
        "aud": rng.choice(
            (
                "https://management.azure.com",
                "api://" + guid(rng),
                "https://graph.microsoft.com",
                "00000003-0000-0000-c000-000000000000",
            )
        ),
        "iss": f"https://sts.windows.net/{tenant}/",
        "iat": now,
        "nbf": now,
        "exp": now + 3599,
        "aio": _b64url(rng.randbytes(60)),
        "appid": guid(rng),
        "oid": guid(rng),
        "sub": _b64url(rng.randbytes(32)),
        "tid": tenant,
        "uti": _b64url(rng.randbytes(16)),
        "ver": "1.0",
    }
    head = _b64url(json.dumps(header, separators=(",", ":")).encode())
    body = _b64url(json.dumps(payload, separators=(",", ":")).encode())
    return f"{head}.{body}.{_b64url(rng.randbytes(256))}"


def jwt_hs(rng: Rng) -> str:
    head = _b64url(b'{"alg":"HS256","typ":"JWT"}')
    now = rng.randint(1_740_000_000, 1_770_000_000)
    claims = {
        "sub": guid(rng),
        "unique_name": rng.choice(FIRST) + "." + rng.choice(LAST),
        "role": rng.choice(("Admin", "User", "Operator")),
        "nbf": now,
        "exp": now + 86400,
        "iss": "https://" + rng.choice(SERVICES) + "." + rng.choice(COMPANIES).lower() + ".com",
        "aud": rng.choice(SERVICES) + "-clients",
    }
    body = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    return f"{head}.{body}.{_b64url(rng.randbytes(32))}"


def refresh_token(rng: Rng) -> str:
    return "0.A" + _pick(rng, B64URL, 3) + "A" + _pick(rng, B64URL, rng.randint(700, 900))


def ppk_private(rng: Rng) -> str:
    return _wrap("AAABA" + _b64(rng, 900)[:851], 64)


def ppk_public(rng: Rng) -> str:
    return _wrap("AAAAB3NzaC1yc2EAAAADAQABAAABAQ" + _b64(rng, 260)[:342], 64)


def pfx_b64(rng: Rng) -> str:
    return "MII" + rng.choice("JKL") + _pick(rng, ALNUM, 3) + "IBAzCC" + _b64(rng, 1800)[:2380]


def cert_b64(rng: Rng) -> str:
    return "MIID" + rng.choice("BCDEFG") + "zCCA" + _b64(rng, 700)[:920]


def teams_hook(rng: Rng) -> str:
    return f"{guid(rng)}@{guid(rng)}/IncomingWebhook/{_pick(rng, HEX, 32)}/{guid(rng)}"


def teams_hook_v2(rng: Rng) -> str:
    return teams_hook(rng) + "/V2" + _pick(rng, B64URL, 43)


def dpapi(rng: Rng) -> str:
    return "01000000d08c9ddf0115d1118c7a00c04fc297eb01000000" + rng.randbytes(rng.randint(150, 260)).hex()


def securestring_key(rng: Rng) -> str:
    inner = "2|" + _b64(rng, 16) + "|" + rng.randbytes(48).hex()
    return "76492d1116743f0423413b16050a5345" + base64.b64encode(inner.encode("utf-16-le")).decode()


def sid(rng: Rng) -> str:
    return f"S-1-5-21-{rng.randint(10**9, 4 * 10**9)}-{rng.randint(10**9, 4 * 10**9)}-{rng.randint(10**8, 4 * 10**9)}-{rng.choice((500, 512, 1001, rng.randint(1100, 9999)))}"


def gvlk(rng: Rng) -> str:
    alphabet = "BCDFGHJKMPQRTVWXY2346789"
    return "-".join(_pick(rng, alphabet, 5) for _ in range(5))


def ts(rng: Rng) -> str:
    return f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 9999999):07d}Z"


def host(rng: Rng) -> str:
    return (
        rng.choice(("SQL", "WEB", "APP", "DC", "FS", "BUILD", "IIS", "RDS", "SRV"))
        + rng.choice(("", "-PRD", "-STG", "-DEV"))
        + f"{rng.randint(1, 40):02d}"
    )


def user(rng: Rng) -> str:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return rng.choice(
        (
            f"{first}.{last}",
            f"{first[0]}{last}",
            f"svc_{rng.choice(SERVICES)}",
            f"{first}{last[0]}",
            f"adm-{first[0]}{last}",
        )
    )


def stg(rng: Rng) -> str:
    return (
        rng.choice(COMPANIES).lower()
        + rng.choice(SERVICES)
        + rng.choice(("prd", "dev", "st", ""))
        + str(rng.randint(1, 99))
    )[:24]


GENERATORS: dict[str, Callable[[Rng], str]] = {
    # secrets
    "pw": pw_any,
    "pwh": pw_human,
    "pwr": pw_random,
    "pin": lambda r: str(r.randint(10**7, 10**9)),
    "wifi": lambda r: r.choice(
        (
            pw_human(r),
            r.choice(COMPANIES) + "-" + r.choice(WORDS).capitalize() + str(r.randint(100, 9999)),
            _pick(r, ALNUM, r.randint(12, 20)),
        )
    ),
    "azkey": lambda r: _b64(r, 64),
    "key44": lambda r: _b64(r, 32),
    "sig": lambda r: urllib.parse.quote(_b64(r, 32), safe=""),
    "aad": aad_secret,
    "adopat": lambda r: _pick(r, "abcdefghijklmnopqrstuvwxyz234567", 52),
    "nuget": lambda r: "oy" + "2" + _pick(r, LOWER_ALNUM, 43),
    "octo": lambda r: "API" + "-" + _pick(r, UPPER_ALNUM, r.randint(26, 32)),
    "funckey": lambda r: (
        r.choice((_pick(r, B64URL, 54), _pick(r, B64URL, 40) + "AzFu" + _pick(r, B64URL, 12))) + "=="
    ),
    "hex32": lambda r: _pick(r, HEX, 32),
    "vkey": lambda r: _pick(r, "0123456789ABCDEF", 128),
    "dkey": lambda r: _pick(r, "0123456789ABCDEF", r.choice((48, 64))),
    "cpw": lambda r: _b64(r, r.choice((32, 48))).rstrip("="),
    "nthash": lambda r: _pick(r, HEX, 32),
    "ghp": lambda r: "gh" + "p_" + _pick(r, ALNUM, 36),
    "ghpat": lambda r: "github" + "_pat_" + _pick(r, ALNUM, 22) + "_" + _pick(r, ALNUM, 59),
    "awssk": lambda r: _pick(r, B64, 40),
    "sendgrid": lambda r: "S" + "G." + _pick(r, B64URL, 22) + "." + _pick(r, B64URL, 43),
    "stripe": lambda r: "sk" + "_live_" + _pick(r, ALNUM, r.choice((24, 99))),
    "openai": lambda r: "sk" + "-proj-" + _pick(r, B64URL, 74) + "T3Blbk" + "FJ" + _pick(r, B64URL, 74),
    "anthropic": lambda r: "sk" + "-ant-api03-" + _pick(r, B64URL, 93) + "AA",
    "slackbot": lambda r: (
        "xo"
        + "xb-"
        + str(r.randint(10**11, 10**12))
        + "-"
        + str(r.randint(10**12, 10**13))
        + "-"
        + _pick(r, ALNUM, 24)
    ),
    "teams": teams_hook,
    "teams2": teams_hook_v2,
    "acr": lambda r: _pick(r, B64, 42) + "+ACR" + _pick(r, ALNUM, 6),
    "pubpw": lambda r: _pick(r, ALNUM, 60),
    "jwt": jwt,
    "jwths": jwt_hs,
    "refresh": refresh_token,
    "signkey": lambda r: r.choice((_b64(r, 32), _pick(r, ALNUM, r.randint(32, 64)), r.randbytes(32).hex())),
    "pemrsa": pem_rsa,
    "pemp8": pem_pkcs8,
    "pemec": pem_ec,
    "openssh": openssh_key,
    "ppkpriv": ppk_private,
    "pfx": pfx_b64,
    "rsad": lambda r: _b64(r, 256),
    "rsap": lambda r: _b64(r, 128),
    "sstoken": lambda r: _pick(r, ALNUM, 40),
    "apikey": lambda r: _pick(r, ALNUM, r.randint(32, 48)),
    "encps": lambda r: (
        f"$p = '{pw_any(r)}'; net use \\\\{host(r)}\\drop /user:{r.choice(COMPANIES).upper()}\\svc_deploy $p; robocopy .\\out \\\\{host(r)}\\drop /MIR"
    ),
    "glpat": lambda r: "gl" + "pat-" + _pick(r, B64URL, 20),
    "vaulttok": lambda r: "hv" + "s." + _pick(r, B64URL, 90),
    "swa": lambda r: _pick(r, HEX, 64) + "-" + guid(r) + _pick(r, HEX, 8),
    # The Azurite/storage-emulator account key Microsoft documents for local development (the one
    # constant here, in parts): not a secret.
    "azurite": lambda r: (
        "Eby8vdM02xNOcqFl"
        + "qUwJPLlmEtlCDXJ1OUzFT50u"
        + "SRZ6IFsuFq2UVErCz4I6tq/K1SZF"
        + "PTOtr/KBHBeksoGMGw"
        + "=="
    ),
    "pwb64": lambda r: base64.b64encode((pw_any(r) + "Password").encode("utf-16-le")).decode(),
    "lasig": lambda r: _pick(r, B64URL, 43),
    "mapskey": lambda r: _pick(r, B64URL, 43),
    "slackT": lambda r: _pick(r, string.ascii_uppercase + string.digits, 10),
    "slackB": lambda r: _pick(r, string.ascii_uppercase + string.digits, 10),
    "slackhook": lambda r: _pick(r, ALNUM, 24),
    "discord": lambda r: _pick(r, B64URL, 68),
    "whsec": lambda r: "wh" + "sec_" + _pick(r, ALNUM, 32),
    "gocspx": lambda r: "GOC" + "SPX-" + _pick(r, B64URL, 28),
    "modulusurl": lambda r: _b64url(r.randbytes(256)),
    "rsadurl": lambda r: _b64url(r.randbytes(256)),
    "rsapurl": lambda r: _b64url(r.randbytes(128)),
    "bitlocker": lambda r: "-".join(f"{11 * r.randint(0, 65535):06d}" for _ in range(8)),
    "mgmtkey": lambda r: _pick(r, ALNUM + "+/", 44) if r.random() < 0.5 else _b64(r, 32),
    # public values
    "guid": guid,
    "GUID": lambda r: guid(r).upper(),
    "sid": sid,
    "thumb": lambda r: _pick(r, "0123456789ABCDEF", 40),
    "sha1": lambda r: _pick(r, HEX, 40),
    "sha256": lambda r: _pick(r, HEX, 64),
    "SHA256": lambda r: _pick(r, "0123456789ABCDEF", 64),
    "sha512b64": lambda r: _b64(r, 64),
    "short": lambda r: _pick(r, HEX, 7),
    "hex16": lambda r: _pick(r, HEX, 16),
    "dpapi": dpapi,
    "dpapib64": lambda r: base64.b64encode(bytes.fromhex(dpapi(r))).decode(),
    "DPAPI": lambda r: dpapi(r).upper(),
    "sskey": securestring_key,
    "secure": lambda r: _b64(r, r.choice((32, 48))),
    "gvlk": gvlk,
    "akid": lambda r: "AK" + "IA" + _pick(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
    "cert": cert_pem,
    "certb64": cert_b64,
    "pubkey": public_key_pem,
    "ppkpub": ppk_public,
    "modulus": lambda r: _b64(r, 256),
    "x5t": lambda r: _b64url(r.randbytes(20)),
    "kvname": lambda r: (
        "kv-" + r.choice(SERVICES) + "-" + r.choice(("prd", "dev", "stg")) + str(r.randint(1, 9))
    ),
    "ts": ts,
    "date": lambda r: f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
    "time": lambda r: f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
    "stamp": lambda r: (
        f"2025{r.randint(1, 12):02d}{r.randint(1, 28):02d}{r.randint(0, 23):02d}{r.randint(0, 59):02d}{r.randint(0, 59):02d}"
    ),
    "psdate": lambda r: (
        f"{r.randint(1, 12)}/{r.randint(1, 28)}/2025 {r.randint(1, 12)}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d} {r.choice(('AM', 'PM'))}"
    ),
    "host": host,
    "user": user,
    "first": lambda r: r.choice(FIRST).capitalize(),
    "last": lambda r: r.choice(LAST).capitalize(),
    "dom": lambda r: r.choice(COMPANIES).upper()[:15],
    "corp": lambda r: r.choice(COMPANIES).lower(),
    "svc": lambda r: r.choice(SERVICES),
    "app": lambda r: r.choice(COMPANIES) + "." + r.choice(SERVICES).capitalize(),
    "db": lambda r: r.choice(COMPANIES) + r.choice(("Db", "", "_Prod", "Data", "Identity")),
    "ip": lambda r: f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
    "port": lambda r: str(r.choice((1433, 5432, 8080, 5000, 5001, 44321, 7071, 5985, 5986, 1434, 3389))),
    "int": lambda r: str(r.randint(2, 9999)),
    "n3": lambda r: str(r.randint(100, 999)),
    "n6": lambda r: str(r.randint(100000, 999999)),
    "pid": lambda r: str(r.randint(1000, 65000)),
    "ms": lambda r: str(r.randint(3, 2500)),
    "region": lambda r: r.choice(REGIONS),
    "stg": stg,
    "ver": lambda r: f"{r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 300)}",
    "net": lambda r: r.choice(("8.0.404", "9.0.101", "8.0.110", "6.0.428", "9.0.200")),
    "tfm": lambda r: r.choice(("net8.0", "net9.0", "net6.0", "net48", "net8.0-windows")),
    "org": lambda r: r.choice(COMPANIES).lower() + r.choice(("", "-dev", "corp", "-it")),
    "proj": lambda r: r.choice(COMPANIES) + r.choice(("", ".Platform", " Apps", "-Core")),
    "build": lambda r: f"2025{r.randint(1, 12):02d}{r.randint(1, 28):02d}.{r.randint(1, 9)}",
    "mac": lambda r: "-".join(_pick(r, "0123456789ABCDEF", 2) for _ in range(6)),
    "word": lambda r: r.choice(WORDS),
    "serial": lambda r: _pick(r, "0123456789ABCDEF", 32),
    "kb": lambda r: "KB" + str(r.randint(5000000, 5049999)),
    "sub": guid,
}

FILTERS: dict[str, Callable[[str], str]] = {
    "json": lambda v: json.dumps(v)[1:-1],
    "xml": lambda v: v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"),
    "url": lambda v: urllib.parse.quote(v, safe=""),
    "b64": lambda v: base64.b64encode(v.encode()).decode(),
    "utf16b64": lambda v: base64.b64encode(v.encode("utf-16-le")).decode(),
    "upper": str.upper,
    "lower": str.lower,
}

# Public values that name one thing in a document (the service, the host, the user...): drawn once per
# document unless tagged.
STICKY = frozenset(
    [
        "svc",
        "host",
        "user",
        "dom",
        "corp",
        "app",
        "db",
        "proj",
        "org",
        "stg",
        "kvname",
        "first",
        "last",
        "region",
        "tfm",
        "net",
        "ver",
    ]
)

PLACEHOLDER = re.compile(r"«([^«»]*)»")


def render(template: str, rng: Rng) -> tuple[str, list[str]]:
    """The template with every placeholder drawn, and the planted secrets as they land."""
    tags: dict[str, tuple[str, bool]] = {}
    secrets: list[str] = []
    out: list[str] = []
    at = 0
    for match in PLACEHOLDER.finditer(template):
        out.append(template[at : match.start()])
        at = match.end()
        spec = match.group(1)
        hidden = spec.startswith("~")
        spec = spec.lstrip("~")
        secret = spec.startswith("!")
        spec = spec.lstrip("!")
        spec, _, filters = spec.partition("|")
        if spec.startswith("basic:"):
            _, user_tag, pw_tag = spec.split(":")
            value = base64.b64encode(f"{tags[user_tag[1:]][0]}:{tags[pw_tag[1:]][0]}".encode()).decode()
        elif spec.startswith("#"):
            value, secret = tags[spec[1:]]
        else:
            name, _, tag = spec.partition("#")
            if not secret and not tag and name in STICKY:
                tag = "=" + name
                value = tags[tag][0] if tag in tags else GENERATORS[name](rng)
            else:
                value = GENERATORS[name](rng)
            if tag:
                tags[tag] = (value, secret)
        for f in filter(None, filters.split("|")):
            value = FILTERS[f](value)
        if "\n" in value:
            line = "".join(out).rpartition("\n")[2]
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            value = value.replace("\n", "\n" + indent)
        if hidden:
            continue
        if secret and value not in secrets:
            secrets.append(value)
        out.append(value)
    out.append(template[at:])
    return "".join(out), secrets


# ---------------------------------------------------------------------------------------------
# Agent-log envelopes: the text as a tool result in the logs agents write.


def _envelope(text: str, secrets: list[str], turn: int, rng: Rng) -> tuple[str, list[str]]:
    once = [json.dumps(s, ensure_ascii=False)[1:-1] for s in secrets]
    style = turn % 5
    if style == 0:
        line = {
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {
                        "tool_use_id": "toolu_01" + _pick(rng, ALNUM, 22),
                        "type": "tool_result",
                        "content": text,
                    }
                ],
            },
            "parent_tool_use_id": None,
            "session_id": guid(rng),
        }
        return json.dumps(line, ensure_ascii=False), once
    if style == 1:
        line = {
            "parentUuid": guid(rng),
            "isSidechain": False,
            "userType": "external",
            "cwd": "C:\\src\\" + rng.choice(COMPANIES) + "." + rng.choice(SERVICES).capitalize(),
            "sessionId": guid(rng),
            "version": rng.choice(("2.0.28", "2.1.38", "1.0.98")),
            "gitBranch": rng.choice(("main", "develop", "feature/windows-service", "fix/iis-config")),
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {
                        "tool_use_id": "toolu_01" + _pick(rng, ALNUM, 22),
                        "type": "tool_result",
                        "content": text,
                        "is_error": False,
                    }
                ],
            },
            "uuid": guid(rng),
            "timestamp": ts(rng)[:23] + "Z",
            "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
        }
        return json.dumps(line, ensure_ascii=False), once
    if style == 2:
        inner = json.dumps(
            {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(rng.random() * 3, 1)}},
            ensure_ascii=False,
        )
        line = {
            "timestamp": ts(rng)[:23] + "Z",
            "type": "response_item",
            "payload": {
                "type": "function_call_output",
                "call_id": "call_" + _pick(rng, ALNUM, 24),
                "output": inner,
            },
        }
        return json.dumps(line, ensure_ascii=False), [json.dumps(s, ensure_ascii=False)[1:-1] for s in once]
    if style == 3:
        command = rng.choice(
            (
                "pwsh -NoProfile -Command 'Get-Content ./notes.txt'",
                "cmd /c type config.txt",
                "bash -lc 'cat out.log'",
                'powershell.exe -NoLogo -Command "& .\\run.ps1"',
            )
        )
        line = {
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
        return json.dumps(line, ensure_ascii=False), once
    line = {
        "jsonrpc": "2.0",
        "id": rng.randint(1, 400),
        "result": {"content": [{"type": "text", "text": text}], "isError": False},
    }
    return json.dumps(line, ensure_ascii=False), once


# ---------------------------------------------------------------------------------------------
# Templates: (context, kind, text).

TEMPLATES: list[tuple[str, str, str]] = []


def _t(context: str, kind: str, text: str) -> None:
    TEMPLATES.append((context, kind, text.strip("\n")))


# ---- shell: PowerShell and cmd.exe commands, with secrets -------------------------------------

_t(
    "shell",
    "powershell securestring credential",
    r"""
PS C:\src\«svc»> $password = ConvertTo-SecureString "«!pw»" -AsPlainText -Force
PS C:\src\«svc»> $cred = New-Object System.Management.Automation.PSCredential ("«dom»\«user»", $password)
PS C:\src\«svc»> Invoke-Command -ComputerName «host» -Credential $cred -ScriptBlock { Get-Service W3SVC }

Status   Name               DisplayName                           PSComputerName
------   ----               -----------                           --------------
Running  W3SVC              World Wide Web Publishing Service     «host»
""",
)
_t(
    "shell",
    "powershell securestring single quotes",
    r"""
PS C:\Users\«user»> $sec = ConvertTo-SecureString -String '«!pw»' -AsPlainText -Force
PS C:\Users\«user»> $c = [pscredential]::new('«user»@«corp».com', $sec)
PS C:\Users\«user»> Connect-ExchangeOnline -Credential $c -ShowBanner:$false
""",
)
_t(
    "shell",
    "powershell invoke-restmethod bearer",
    r"""
PS C:\src\deploy> $token = "«!jwt»"
PS C:\src\deploy> Invoke-RestMethod -Method Get -Uri "https://management.azure.com/subscriptions/«guid»/resourceGroups?api-version=2021-04-01" -Headers @{ Authorization = "Bearer $token" } | Select-Object -ExpandProperty value | Format-Table name, location

name                     location
----                     --------
rg-«svc»-prd             «region»
rg-«svc»-dev             «region»
""",
)
_t(
    "shell",
    "powershell headers inline bearer",
    r"""
PS C:\work> $headers = @{ "Authorization" = "Bearer «!jwths»"; "Accept" = "application/json" }
PS C:\work> Invoke-WebRequest -Uri https://«svc».«corp».com/api/v2/orders?top=5 -Headers $headers -UseBasicParsing | Select-Object StatusCode, StatusDescription

StatusCode StatusDescription
---------- -----------------
       200 OK
""",
)
_t(
    "shell",
    "powershell env var assignment",
    r"""
PS C:\src\«app»> $env:AZURE_CLIENT_ID = "«guid»"
PS C:\src\«app»> $env:AZURE_TENANT_ID = "«guid»"
PS C:\src\«app»> $env:AZURE_CLIENT_SECRET = "«!aad»"
PS C:\src\«app»> dotnet run --project src\«app».Api
Building...
info: Microsoft.Hosting.Lifetime[14]
      Now listening on: https://localhost:«port»
""",
)
_t(
    "shell",
    "powershell env connection string",
    r"""
PS C:\src\«svc»> $env:ConnectionStrings__Default = "Server=tcp:«host».database.windows.net,1433;Initial Catalog=«db»;User ID=«user»;Password=«!pw»;Encrypt=True;TrustServerCertificate=False;Connection Timeout=30;"
PS C:\src\«svc»> dotnet ef database update --project src\Infrastructure
Build started...
Build succeeded.
Applying migration '20250211093000_AddOrderIndexes'.
Done.
""",
)
_t(
    "shell",
    "powershell set-secret",
    r"""
PS C:\> Register-SecretVault -Name LocalStore -ModuleName Microsoft.PowerShell.SecretStore -DefaultVault
PS C:\> Set-Secret -Name «svc»-sql -Secret "«!pw»"
PS C:\> Set-Secret -Name github-pat -Secret «!ghp»
PS C:\> Get-SecretInfo | Format-Table Name, Type, VaultName

Name        Type         VaultName
----        ----         ---------
«svc»-sql   String       LocalStore
github-pat  String       LocalStore
""",
)
_t(
    "shell",
    "cmd set variable",
    r"""
C:\src\«svc»>set ASPNETCORE_ENVIRONMENT=Staging

C:\src\«svc»>set SMTP_PASSWORD=«!pw»

C:\src\«svc»>set SENDGRID_API_KEY=«!sendgrid»

C:\src\«svc»>dotnet bin\Release\«tfm»\«app».dll
""",
)
_t(
    "shell",
    "cmd setx machine",
    r"""
C:\Windows\system32>setx /M «svc|upper»_DB_PASSWORD "«!pw»"

SUCCESS: Specified value was saved.

C:\Windows\system32>setx /M «svc|upper»_DB_USER "«user»"

SUCCESS: Specified value was saved.
""",
)
_t(
    "shell",
    "cmd net use",
    r"""
C:\Users\«user»>net use Z: \\«host»\deploy$ /user:«dom»\«user» «!pw» /persistent:no
The command completed successfully.

C:\Users\«user»>robocopy C:\build\out Z:\«svc» /MIR /NP /R:2 /W:5
""",
)
_t(
    "shell",
    "cmd net use password before user",
    r"""
> net use \\«ip»\IPC$ "«!pw»" /user:«host»\Administrator
The command completed successfully.

> net view \\«ip»
Shared resources at \\«ip»

Share name  Type  Used as  Comment
-------------------------------------------------------------------------------
ADMIN$      Disk           Remote Admin
C$          Disk           Default share
""",
)
_t(
    "shell",
    "cmd net user add",
    r"""
C:\Windows\system32>net user «user» «!pw» /add /fullname:"«first» «last»" /passwordchg:no
The command completed successfully.

C:\Windows\system32>net localgroup Administrators «user» /add
The command completed successfully.
""",
)
_t(
    "shell",
    "cmd net user domain reset",
    r"""
PS C:\> net user «user» «!pwh» /domain
The request will be processed at a domain controller for domain «corp».local.

The command completed successfully.
""",
)
_t(
    "shell",
    "cmdkey add",
    r"""
C:\>cmdkey /add:«host».«corp».local /user:«dom»\«user» /pass:«!pw»

CMDKEY: Credential added successfully.

C:\>mstsc /v:«host».«corp».local
""",
)
_t(
    "shell",
    "cmdkey generic target",
    r"""
PS C:\tools> cmdkey /generic:git:https://dev.azure.com /user:PersonalAccessToken /pass:«!adopat»

CMDKEY: Credential added successfully.
""",
)
_t(
    "shell",
    "schtasks create with run-as password",
    r"""
C:\Windows\system32>schtasks /Create /TN "«proj»\Nightly «svc» export" /TR "C:\jobs\export.cmd" /SC DAILY /ST 02:30 /RU «dom»\svc_«svc» /RP «!pw» /RL HIGHEST /F
SUCCESS: The scheduled task "«proj»\Nightly «svc» export" has successfully been created.
""",
)
_t(
    "shell",
    "sc.exe service account password",
    r"""
C:\>sc.exe config «svc»Worker obj= "«dom»\svc_«svc»" password= "«!pw»"
[SC] ChangeServiceConfig SUCCESS

C:\>sc.exe start «svc»Worker

SERVICE_NAME: «svc»Worker
        TYPE               : 10  WIN32_OWN_PROCESS
        STATE              : 2  START_PENDING
        PID                : «pid»
""",
)
_t(
    "shell",
    "psexec remote command",
    r"""
PS C:\Tools\PSTools> .\PsExec.exe \\«host» -u «dom»\«user» -p «!pw» -h cmd /c "iisreset /restart"

PsExec v2.43 - Execute processes remotely
Copyright (C) 2001-2023 Mark Russinovich
Sysinternals - www.sysinternals.com

Attempting stop...
Internet services successfully stopped
Attempting start...
Internet services successfully restarted
cmd exited on «host» with error code 0.
""",
)
_t(
    "shell",
    "sqlcmd sa password",
    r"""
C:\>sqlcmd -S «host»\SQLEXPRESS -U sa -P «!pw» -Q "SELECT name, create_date FROM sys.databases"
name                 create_date
-------------------- -----------------------
master               2003-04-08 09:13:36.390
«db»                 «date» 10:22:41.117

(2 rows affected)
""",
)
_t(
    "shell",
    "sqlcmd quoted password and input file",
    r"""
PS C:\db> sqlcmd -S tcp:«host».database.windows.net,1433 -d «db» -U «user» -P '«!pw»' -N -i .\migrations\0042_add_ledger.sql -b
Changed database context to '«db»'.
(0 rows affected)
""",
)
_t(
    "shell",
    "bcp export",
    r"""
C:\export>bcp «db».dbo.Orders out orders.dat -S «host» -U etl_reader -P «!pw» -n
Starting copy...
1000 rows successfully bulk-copied to host-file. Total received: 1000
«n6» rows copied.
Network packet size (bytes): 4096
Clock Time (ms.) Total     : «ms»
""",
)
_t(
    "shell",
    "invoke-sqlcmd",
    r"""
PS C:\> Invoke-Sqlcmd -ServerInstance "«host»,1433" -Database «db» -Username «user» -Password "«!pw»" -Query "SELECT TOP 3 Id, Email FROM dbo.Users" -TrustServerCertificate

Id   Email
--   -----
«int» «first»@example.com
""",
)
_t(
    "shell",
    "runas with echo password",
    r"""
C:\>echo «!pw»| runas /user:«dom»\«user» "cmd /c whoami > C:\temp\who.txt"
Enter the password for «dom»\«user»:
Attempting to start cmd /c whoami > C:\temp\who.txt as user "«dom»\«user»" ...
""",
)
_t(
    "shell",
    "wmic remote",
    r"""
C:\>wmic /node:«host» /user:«dom»\«user» /password:«!pw» process call create "cmd.exe /c C:\deploy\install.cmd"
Executing (Win32_Process)->Create()
Method execution successful.
Out Parameters:
instance of __PARAMETERS
{
        ProcessId = «pid»;
        ReturnValue = 0;
};
""",
)
_t(
    "shell",
    "winrs remote",
    r"""
C:\>winrs -r:https://«host».«corp».local:5986 -u:«dom»\«user» -p:«!pw» "ipconfig /flushdns"

Windows IP Configuration

Successfully flushed the DNS Resolver Cache.
""",
)
_t(
    "shell",
    "enter-pssession credential",
    r"""
PS C:\> $cred = New-Object PSCredential "«host»\Administrator", (ConvertTo-SecureString "«!pw»" -AsPlainText -Force)
PS C:\> Enter-PSSession -ComputerName «ip» -Credential $cred -UseSSL -SessionOption (New-PSSessionOption -SkipCACheck -SkipCNCheck)
[«ip»]: PS C:\Users\Administrator\Documents> hostname
«host»
""",
)
_t(
    "shell",
    "new-aduser account password",
    r"""
PS C:\> New-ADUser -Name "«first» «last»" -SamAccountName «user» -UserPrincipalName «user»@«corp».com -Path "OU=Staff,DC=«corp»,DC=local" -AccountPassword (ConvertTo-SecureString "«!pwh»" -AsPlainText -Force) -Enabled $true -ChangePasswordAtLogon $true
PS C:\> Get-ADUser «user» | Select-Object Name, Enabled, DistinguishedName

Name          Enabled DistinguishedName
----          ------- -----------------
«first» «last»   True CN=«first» «last»,OU=Staff,DC=«corp»,DC=local
""",
)
_t(
    "shell",
    "set-adaccountpassword reset",
    r"""
PS C:\> Set-ADAccountPassword -Identity «user» -Reset -NewPassword (ConvertTo-SecureString -AsPlainText "«!pwh»" -Force)
PS C:\> Unlock-ADAccount -Identity «user»
""",
)
_t(
    "shell",
    "new-localuser",
    r"""
PS C:\Windows\system32> $p = ConvertTo-SecureString '«!pw»' -AsPlainText -Force
PS C:\Windows\system32> New-LocalUser -Name "deploy" -Password $p -FullName "Deploy agent" -Description "Used by the release pipeline"

Name   Enabled Description
----   ------- -----------
deploy True    Used by the release pipeline
""",
)
_t(
    "shell",
    "az login service principal",
    r"""
PS C:\src> az login --service-principal -u «guid» -p «!aad» --tenant «guid» --output table
CloudName    HomeTenantId                          IsDefault    Name                 State    TenantId
-----------  ------------------------------------  -----------  -------------------  -------  ------------------------------------
AzureCloud   «guid#t»  True         «proj» Production   Enabled  «#t»
""",
)
_t(
    "shell",
    "connect-azaccount service principal",
    r"""
PS C:\> $sp = New-Object PSCredential "«guid»", (ConvertTo-SecureString "«!aad»" -AsPlainText -Force)
PS C:\> Connect-AzAccount -ServicePrincipal -Credential $sp -Tenant «guid»

Account                              SubscriptionName TenantId                             Environment
-------                              ---------------- --------                             -----------
«guid»  «proj»         «guid»  AzureCloud
""",
)
_t(
    "shell",
    "dotnet nuget add source password",
    r"""
PS C:\src\«app»> dotnet nuget add source "https://pkgs.dev.azure.com/«org»/_packaging/«svc»-feed/nuget/v3/index.json" --name «svc»-feed --username «user» --password «!adopat» --store-password-in-clear-text
Package source with Name: «svc»-feed added successfully.
""",
)
_t(
    "shell",
    "dotnet nuget push api key",
    r"""
PS C:\src\«app»> dotnet pack -c Release -o artifacts
  «app» -> C:\src\«app»\artifacts\«app».«ver».nupkg
PS C:\src\«app»> dotnet nuget push artifacts\«app».«ver».nupkg --api-key «!nuget» --source https://api.nuget.org/v3/index.json
Pushing «app».«ver».nupkg to 'https://www.nuget.org/api/v2/package'...
  PUT https://www.nuget.org/api/v2/package/
  Created https://www.nuget.org/api/v2/package/ «ms»ms
Your package was pushed.
""",
)
_t(
    "shell",
    "nuget.exe setapikey",
    r"""
C:\build>nuget.exe setapikey «!nuget#k» -Source https://api.nuget.org/v3/index.json
The API Key '«#k»' was saved for 'https://api.nuget.org/v3/index.json'.
""",
)
_t(
    "shell",
    "publish-module nugetapikey",
    r"""
PS C:\src\«proj»Tools> Publish-Module -Path .\«proj»Tools -NuGetApiKey «!nuget» -Repository PSGallery -Verbose
VERBOSE: Repository details, Name = 'PSGallery', Location = 'https://www.powershellgallery.com/api/v2'; IsTrusted = 'False'
VERBOSE: Performing the operation "Publish-Module" on target "Version '«ver»' of module '«proj»Tools'".
VERBOSE: Successfully published module '«proj»Tools' to the module publish location 'https://www.powershellgallery.com/api/v2'.
""",
)
_t(
    "shell",
    "choco apikey",
    r"""
PS C:\packages> choco apikey --key «!guid» --source https://push.chocolatey.org/
Chocolatey v2.3.0
Added ApiKey for https://push.chocolatey.org/
PS C:\packages> choco push «svc»-agent.«ver».nupkg --source https://push.chocolatey.org/
""",
)
_t(
    "shell",
    "choco push with key",
    r"""
C:\pkg>choco push «corp»-tools.«ver».nupkg -s "https://nexus.«corp».local/repository/choco-hosted/" -k="«!guid»"
Chocolatey v1.4.0
Attempting to push «corp»-tools.«ver».nupkg to https://nexus.«corp».local/repository/choco-hosted/
«corp»-tools «ver» was pushed successfully to https://nexus.«corp».local/repository/choco-hosted/
""",
)
_t(
    "shell",
    "choco source add with password",
    r"""
PS C:\> choco source add -n=internal -s="https://pkgs.«corp».local/nuget/choco/" -u=«user» -p="«!pw»" --priority=1
Chocolatey v2.2.2
Added internal - https://pkgs.«corp».local/nuget/choco/ (Priority 1)
""",
)
_t(
    "shell",
    "octo cli api key",
    r"""
PS C:\build> octo create-release --project "«proj»" --version «ver» --server https://deploy.«corp».com --apiKey «!octo» --deployTo Staging --progress
Octopus Deploy Command Line Tool, version 9.1.7
Handshaking with Octopus Server: https://deploy.«corp».com
Handshake successful. Octopus version: 2024.2.9396; API version: 3.0.0
Authenticated as: «user» <«user»@«corp».com>
Release «ver» created successfully!
""",
)
_t(
    "shell",
    "signtool pfx password",
    r"""
C:\build>signtool sign /f C:\certs\codesign.pfx /p «!pw» /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 bin\Release\«app».exe
Done Adding Additional Store
Successfully signed: bin\Release\«app».exe
""",
)
_t(
    "shell",
    "export-pfxcertificate password",
    r"""
PS Cert:\LocalMachine\My> $pfxPass = ConvertTo-SecureString -String "«!pw»" -Force -AsPlainText
PS Cert:\LocalMachine\My> Get-ChildItem -Path «thumb» | Export-PfxCertificate -FilePath C:\certs\«svc».pfx -Password $pfxPass

    Directory: C:\certs

Mode                 LastWriteTime         Length Name
----                 -------------         ------ ----
-a---           «psdate»           «int» «svc».pfx
""",
)
_t(
    "shell",
    "dotnet dev-certs export",
    r"""
PS C:\src\«app»> dotnet dev-certs https -ep $env:USERPROFILE\.aspnet\https\«app».pfx -p «!pw»
A valid HTTPS certificate is already present.
PS C:\src\«app»> dotnet dev-certs https --trust
Trusting the HTTPS development certificate was requested. A confirmation prompt will be displayed if the certificate was not previously trusted.
""",
)
_t(
    "shell",
    "certutil importpfx",
    r"""
C:\>certutil -f -p «!pw» -importpfx C:\install\«svc».pfx
Certificate "CN=«svc».«corp».com" added to store.

CertUtil: -importPFX command completed successfully.
""",
)
_t(
    "shell",
    "appcmd app pool identity",
    r"""
C:\Windows\System32\inetsrv>appcmd set config /section:applicationPools /[name='«svc»Pool'].processModel.identityType:SpecificUser /[name='«svc»Pool'].processModel.userName:«dom»\svc_«svc» /[name='«svc»Pool'].processModel.password:«!pw»
Applied configuration changes to section "system.applicationHost/applicationPools" for "MACHINE/WEBROOT/APPHOST" at configuration commit path "MACHINE/WEBROOT/APPHOST"
""",
)
_t(
    "shell",
    "appcmd virtual directory credentials",
    r"""
C:\Windows\System32\inetsrv>appcmd set vdir "Default Web Site/«svc»/" -userName:«dom»\«user» -password:«!pw» -physicalPath:\\«host»\content\«svc»
VDIR object "Default Web Site/«svc»/" changed
""",
)
_t(
    "shell",
    "reg add winlogon default password",
    r"""
C:\Windows\system32>reg add "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon" /v AutoAdminLogon /t REG_SZ /d 1 /f
The operation completed successfully.

C:\Windows\system32>reg add "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon" /v DefaultUserName /t REG_SZ /d kiosk /f
The operation completed successfully.

C:\Windows\system32>reg add "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon" /v DefaultPassword /t REG_SZ /d "«!pw»" /f
The operation completed successfully.
""",
)
_t(
    "shell",
    "msiexec property password",
    r"""
C:\install>msiexec /i «proj»Agent-«ver».msi /qn /l*v install.log SERVICEACCOUNT="«dom»\svc_agent" SERVICEPASSWORD="«!pw»" SERVERURL=https://«svc».«corp».com
C:\install>echo %ERRORLEVEL%
0
""",
)
_t(
    "shell",
    "msdeploy credentials",
    r"""
C:\build>"C:\Program Files\IIS\Microsoft Web Deploy V3\msdeploy.exe" -verb:sync -source:package="«app».zip" -dest:auto,computerName="https://«host»:8172/msdeploy.axd?site=«svc»",userName="«user»",password="«!pw»",authtype="Basic",includeAcls="False" -allowUntrusted -enableRule:AppOffline
Info: Using ID '«guid»' for connections to the remote server.
Info: Adding file («svc»\bin\«app».dll).
Total changes: 42 (1 added, 0 deleted, 41 updated, 0 parameters changed, 1048576 bytes copied)
""",
)
_t(
    "shell",
    "dotnet publish with profile password",
    r"""
PS C:\src\«app»> dotnet publish -c Release /p:PublishProfile=«svc»-prd /p:UserName=$«svc»-prd /p:Password=«!pubpw» /p:AllowUntrustedCertificate=true
MSBuild version 17.12.7+5b8665660 for .NET
  Determining projects to restore...
  «app» -> C:\src\«app»\bin\Release\«tfm»\«app».dll
  Publishing to https://«svc»-prd.scm.azurewebsites.net:443/msdeploy.axd
""",
)
_t(
    "shell",
    "msbuild deploy password",
    r"""
C:\src>msbuild «app».sln /p:DeployOnBuild=true /p:PublishProfile=Prod /p:Password="«!pw»" /p:Configuration=Release /v:m /nologo
  «app» -> C:\src\«app»\bin\«app».dll
  Start Web Deploy Publish the Application/package to https://«host»:8172/msdeploy.axd?site=«svc» ...
  Publish Succeeded.
""",
)
_t(
    "shell",
    "netsh wlan add profile key",
    r"""
C:\>netsh wlan set hostednetwork mode=allow ssid=«corp»-Lab key=«!wifi»
The hosted network mode has been set to allow.
The SSID of the hosted network has been successfully changed.
The user key passphrase of the hosted network has been successfully changed.
""",
)
_t(
    "shell",
    "az storage with account key",
    r"""
PS C:\data> az storage blob upload-batch --account-name «stg» --account-key "«!azkey»" --destination exports --source .\out --pattern "*.csv"
Finished[#############################################################]  100.0000%
[
  {
    "Blob": "https://«stg».blob.core.windows.net/exports/orders-«date».csv",
    "Last Modified": "«ts»",
    "Type": "text/csv",
    "eTag": "\"0x8DD«hex16|upper»\""
  }
]
""",
)
_t(
    "shell",
    "azcopy sas url",
    r"""
PS C:\backup> .\azcopy.exe copy "C:\backup\«db»_full.bak" "https://«stg».blob.core.windows.net/sqlbackups/«db»_full.bak?sv=2022-11-02&ss=b&srt=co&sp=rwlac&se=2025-12-31T23:59:59Z&st=«date»T00:00:00Z&spr=https&sig=«!sig»"
INFO: Scanning...
Job «guid» has started
Log file is located at: C:\Users\«user»\.azcopy\«guid».log

100.0 %, 1 Done, 0 Failed, 0 Pending, 0 Skipped, 1 Total, 2-sec Throughput (Mb/s): 812.5
Final Job Status: Completed
""",
)
_t(
    "shell",
    "set-awscredential",
    r"""
PS C:\> Set-AWSCredential -AccessKey «akid» -SecretKey «!awssk» -StoreAs «corp»-deploy
PS C:\> Get-S3Bucket -ProfileName «corp»-deploy -Region eu-west-1 | Select-Object -First 3

CreationDate         BucketName
------------         ----------
«psdate» «corp»-artifacts
""",
)
_t(
    "shell",
    "docker login acr",
    r"""
PS C:\src\«app»> docker login «corp»acr.azurecr.io -u «corp»acr -p «!acr»
WARNING! Using --password via the CLI is insecure. Use --password-stdin.
Login Succeeded
PS C:\src\«app»> docker push «corp»acr.azurecr.io/«svc»:«ver»
""",
)
_t(
    "shell",
    "docker run mssql sa password",
    r"""
PS C:\src\«app»> docker run -e "ACCEPT_EULA=Y" -e "MSSQL_SA_PASSWORD=«!pw»" -p 1433:1433 --name sql1 --hostname sql1 -d mcr.microsoft.com/mssql/server:2022-latest
«sha256»
PS C:\src\«app»> docker ps --format "{{.Names}} {{.Status}}"
sql1 Up 4 seconds
""",
)
_t(
    "shell",
    "git clone ado pat in url",
    r"""
PS C:\src> git clone https://«user»:«!adopat»@dev.azure.com/«org»/«svc»/_git/«svc»-api
Cloning into '«svc»-api'...
remote: Azure Repos
remote: Found «int» objects to send. (12 ms)
Receiving objects: 100% («int»/«int»), 1.21 MiB | 4.02 MiB/s, done.
""",
)
_t(
    "shell",
    "git remote set-url github token",
    r"""
PS C:\src\«svc»> git remote set-url origin https://x-access-token:«!ghp»@github.com/«org»/«svc».git
PS C:\src\«svc»> git push origin HEAD:release/«ver»
Enumerating objects: 9, done.
To https://github.com/«org»/«svc».git
 * [new branch]      HEAD -> release/«ver»
""",
)
_t(
    "shell",
    "az devops login pat stdin",
    r"""
PS C:\> echo «!adopat» | az devops login --organization https://dev.azure.com/«org»/
PS C:\> az devops configure --defaults organization=https://dev.azure.com/«org»/ project="«proj»"
PS C:\> az pipelines list --output table
""",
)
_t(
    "shell",
    "basic auth header from pat",
    r"""
PS C:\> $pat = "«!adopat»"
PS C:\> $b64 = [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes(":$pat"))
PS C:\> Invoke-RestMethod -Uri "https://dev.azure.com/«org»/_apis/projects?api-version=7.1" -Headers @{ Authorization = "Basic $b64" }

count value
----- -----
    4 {@{id=«guid»; name=«proj»; state=wellFormed; revision=«int»}}
""",
)
_t(
    "shell",
    "curl.exe basic header",
    r"""
C:\>curl.exe -s -H "Authorization: Basic «!basic:#u:#p»" https://«host».«corp».local/api/health
{"status":"Healthy","totalDuration":"00:00:00.0123456"}
""".replace("«!basic", "«~user#u»«~!pw#p»«!basic"),
)
_t(
    "shell",
    "powershell encoded command",
    r"""
C:\>powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand «!encps|utf16b64»
""",
)
_t(
    "shell",
    "connect-mggraph client secret",
    r"""
PS C:\> $secret = ConvertTo-SecureString -String "«!aad»" -AsPlainText -Force
PS C:\> $cred = New-Object System.Management.Automation.PSCredential("«guid»", $secret)
PS C:\> Connect-MgGraph -TenantId «guid» -ClientSecretCredential $cred -NoWelcome
PS C:\> Get-MgUser -Top 2 | Format-Table DisplayName, UserPrincipalName
""",
)
_t(
    "shell",
    "install-module with credential",
    r"""
PS C:\> $feedCred = New-Object PSCredential "«user»", (ConvertTo-SecureString "«!adopat»" -AsPlainText -Force)
PS C:\> Register-PSRepository -Name «corp»Feed -SourceLocation "https://pkgs.dev.azure.com/«org»/_packaging/ps/nuget/v2" -InstallationPolicy Trusted -Credential $feedCred
PS C:\> Install-Module «proj».Admin -Repository «corp»Feed -Credential $feedCred
""",
)
_t(
    "shell",
    "start-process credential",
    r"""
PS C:\> $cred = [System.Management.Automation.PSCredential]::new("«dom»\«user»", ("«!pw»" | ConvertTo-SecureString -AsPlainText -Force))
PS C:\> Start-Process -FilePath "C:\Program Files\«proj»\Setup.exe" -ArgumentList "/quiet" -Credential $cred -Wait
""",
)
_t(
    "shell",
    "new-psdrive credential",
    r"""
PS C:\> $cred = New-Object System.Management.Automation.PSCredential -ArgumentList "«dom»\«user»", (ConvertTo-SecureString -String "«!pw»" -AsPlainText -Force)
PS C:\> New-PSDrive -Name R -PSProvider FileSystem -Root \\«host»\reports -Credential $cred -Persist

Name           Used (GB)     Free (GB) Provider      Root
----           ---------     --------- --------      ----
R                 «int».12        «int».40 FileSystem    \\«host»\reports
""",
)
_t(
    "shell",
    "invoke-webrequest api key header",
    r"""
PS C:\> $h = @{ "Ocp-Apim-Subscription-Key" = "«!hex32»" }
PS C:\> Invoke-RestMethod -Uri "https://«corp»-apim.azure-api.net/«svc»/v1/status" -Headers $h

status  version
------  -------
ok      «ver»
""",
)
_t(
    "shell",
    "azure openai key header",
    r"""
PS C:\src> $body = @{ messages = @(@{ role = "user"; content = "ping" }) } | ConvertTo-Json -Depth 4
PS C:\src> Invoke-RestMethod -Method Post -Uri "https://«corp»-oai.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-06-01" -Headers @{ "api-key" = "«!hex32»" } -ContentType application/json -Body $body
""",
)
_t(
    "shell",
    "set-azkeyvaultsecret plain",
    r"""
PS C:\> $s = ConvertTo-SecureString "«!pw»" -AsPlainText -Force
PS C:\> Set-AzKeyVaultSecret -VaultName «kvname» -Name SqlAdminPassword -SecretValue $s

Vault Name   : «kvname»
Name         : SqlAdminPassword
Version      : «hex32»
Id           : https://«kvname».vault.azure.net:443/secrets/SqlAdminPassword/«hex32»
Enabled      : True
""",
)
_t(
    "shell",
    "az keyvault secret set value",
    r"""
PS C:\> az keyvault secret set --vault-name «kvname» --name StripeSecretKey --value «!stripe» --query "{name:name, version:id}" -o table
Name             Version
---------------  -----------------------------------------------------------------------------
StripeSecretKey  https://«kvname».vault.azure.net/secrets/StripeSecretKey/«hex32»
""",
)
_t(
    "shell",
    "az webapp config appsettings set",
    r"""
PS C:\> az webapp config appsettings set -g rg-«svc»-prd -n «svc»-prd --settings "Jwt__Key=«!signkey»" "ASPNETCORE_ENVIRONMENT=Production" -o none
PS C:\> az webapp restart -g rg-«svc»-prd -n «svc»-prd
""",
)
_t(
    "shell",
    "az sql server create admin password",
    r"""
PS C:\> az sql server create --name «svc»-sql-prd --resource-group rg-«svc»-prd --location «region» --admin-user sqladmin --admin-password "«!pw»"
 - Running ..
{
  "administratorLogin": "sqladmin",
  "administratorLoginPassword": null,
  "fullyQualifiedDomainName": "«svc»-sql-prd.database.windows.net",
  "state": "Ready"
}
""",
)
_t(
    "shell",
    "new-azvm credential",
    r"""
PS C:\> $vmCred = New-Object PSCredential ("azureadmin", (ConvertTo-SecureString "«!pwr»" -AsPlainText -Force))
PS C:\> New-AzVm -ResourceGroupName rg-lab -Name «host» -Location «region» -Image Win2022Datacenter -Credential $vmCred -OpenPorts 3389
""",
)
_t(
    "shell",
    "tf.exe login",
    r"""
C:\ws\«svc»>tf get /recursive /login:«dom»\«user»,«!pw» /collection:https://tfs.«corp».local/tfs/DefaultCollection
C:\ws\«svc»:
Getting «svc».sln
Getting src
""",
)
_t(
    "shell",
    "wsl curl with token",
    r"""
PS C:\src> wsl -d Ubuntu -- curl -s -H "PRIVATE-TOKEN: «!glpat»" https://gitlab.«corp».com/api/v4/projects?per_page=2
""",
)
_t(
    "shell",
    "mysql on windows password flag",
    r"""
PS C:\> & "C:\Program Files\MySQL\MySQL Server 8.0\bin\mysql.exe" -h «host» -u root -p«!pw» -e "SHOW DATABASES;"
mysql: [Warning] Using a password on the command line interface can be insecure.
+--------------------+
| Database           |
+--------------------+
| «corp»_shop        |
| information_schema |
+--------------------+
""",
)
_t(
    "shell",
    "psql on windows pgpassword",
    r"""
C:\>set PGPASSWORD=«!pw»

C:\>"C:\Program Files\PostgreSQL\16\bin\pg_dump.exe" -h «host» -U «user» -F c -f C:\backup\«corp».dump «corp»
""",
)
_t(
    "shell",
    "7zip archive password",
    r"""
C:\release>"C:\Program Files\7-Zip\7z.exe" a -tzip -p«!pw» -mem=AES256 handover-«date».zip secrets\*.pfx

7-Zip 23.01 (x64) : Copyright (c) 1999-2023 Igor Pavlov : 2023-06-20

Scanning the drive:
2 files, 9824 bytes (10 KiB)

Creating archive: handover-«date».zip
Everything is Ok
""",
)
_t(
    "shell",
    "vault login on windows",
    r"""
PS C:\> $env:VAULT_ADDR = "https://vault.«corp».local:8200"
PS C:\> $env:VAULT_TOKEN = "«!vaulttok»"
PS C:\> vault kv get -field=username secret/«svc»/sql
«user»
""",
)
_t(
    "shell",
    "winget with proxy credentials",
    r"""
PS C:\> $env:HTTPS_PROXY = "http://«user»:«!pw|url»@proxy.«corp».local:8080"
PS C:\> winget install --id Microsoft.DotNet.SDK.9 --silent --accept-package-agreements
Found Microsoft .NET SDK 9.0 [Microsoft.DotNet.SDK.9] Version «net»
This application is licensed to you by its owner.
Successfully installed
""",
)
_t(
    "shell",
    "service bus connection string env",
    r"""
PS C:\src\«svc»> $env:ServiceBus__ConnectionString = "Endpoint=sb://«corp»-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«!key44»"
PS C:\src\«svc»> func start --csharp
Azure Functions Core Tools
Core Tools Version:       4.0.6610
Functions:
        ProcessOrder: serviceBusTrigger
""",
)
_t(
    "shell",
    "storage connection string setx",
    r"""
C:\>setx AzureWebJobsStorage "DefaultEndpointsProtocol=https;AccountName=«stg»;AccountKey=«!azkey»;EndpointSuffix=core.windows.net"

SUCCESS: Specified value was saved.
""",
)
_t(
    "shell",
    "ssh-add windows openssh with sshpass-like plink",
    r"""
C:\>plink.exe -ssh «user»@«ip» -pw «!pw» -batch "sudo systemctl restart «svc»"
Using username "«user»".
Access granted. Press Return to begin session.
""",
)
_t(
    "shell",
    "pscp password",
    r"""
C:\deploy>pscp.exe -pw «!pw» -r .\publish\* «user»@«host».«corp».local:/var/www/«svc»/
«app».dll                 | 412 kB | 412.0 kB/s | ETA: 00:00:00 | 100%
appsettings.json          | 2 kB |   2.3 kB/s | ETA: 00:00:00 | 100%
""",
)
_t(
    "shell",
    "winscp script open",
    r"""
C:\>"C:\Program Files (x86)\WinSCP\WinSCP.com" /command "open sftp://«user»:«!pw|url»@«host».«corp».com/ -hostkey=ssh-ed25519-255-«x5t»" "put C:\out\*.xml /inbound/" "exit"
Searching for host...
Connecting to host...
Authenticating...
Session started.
""",
)
_t(
    "shell",
    "robocopy after net use with star prompt then inline",
    r"""
PS C:\> $pass = '«!pwh»'
PS C:\> net use \\«host»\backup /user:«dom»\svc_backup $pass
The command completed successfully.
""",
)

# ---- shell: without secrets -------------------------------------------------------------------

_t(
    "shell",
    "powershell get-credential prompt",
    r"""
PS C:\src\«svc»> $cred = Get-Credential -UserName "«dom»\«user»" -Message "Deploy account"

PowerShell credential request
Deploy account
Password for user «dom»\«user»: ************

PS C:\src\«svc»> $cred

UserName                                   Password
--------                                   --------
«dom»\«user»       System.Security.SecureString
""",
)
_t(
    "shell",
    "powershell read-host assecurestring",
    r"""
PS C:\> $pw = Read-Host -Prompt "SQL sa password" -AsSecureString
SQL sa password: ****************
PS C:\> $pw
System.Security.SecureString
PS C:\> $cred = New-Object System.Management.Automation.PSCredential ("sa", $pw)
""",
)
_t(
    "shell",
    "convertfrom-securestring dpapi output",
    r"""
PS C:\> Read-Host "Password" -AsSecureString | ConvertFrom-SecureString | Set-Content C:\secure\«svc».cred
Password: **********
PS C:\> Get-Content C:\secure\«svc».cred
«dpapi»
PS C:\> $pw = Get-Content C:\secure\«svc».cred | ConvertTo-SecureString
""",
)
_t(
    "shell",
    "convertfrom-securestring with key",
    r"""
PS C:\> $key = Get-Content \\«host»\keys\«svc».aes.key -Encoding Byte
PS C:\> $encrypted = Read-Host -AsSecureString | ConvertFrom-SecureString -Key $key
PS C:\> $encrypted
«sskey»
""",
)
_t(
    "shell",
    "env var from key vault reference",
    r"""
PS C:\src\«svc»> $env:AZURE_CLIENT_SECRET = (Get-AzKeyVaultSecret -VaultName «kvname» -Name "«svc»-sp-secret" -AsPlainText)
PS C:\src\«svc»> $env:AZURE_CLIENT_ID = "«guid»"
PS C:\src\«svc»> $env:AZURE_TENANT_ID = "«guid»"
PS C:\src\«svc»> dotnet test --filter Category=Integration
  Passed!  - Failed:     0, Passed:    «int», Skipped:     0, Total:    «int», Duration: «ms» ms
""",
)
_t(
    "shell",
    "get-secret securestring",
    r"""
PS C:\> Get-Secret -Name «svc»-sql

System.Security.SecureString

PS C:\> Get-SecretInfo -Name «svc»-* | Select-Object Name, Type, VaultName

Name         Type   VaultName
----         ----   ---------
«svc»-sql    String LocalStore
«svc»-apikey String LocalStore
""",
)
_t(
    "shell",
    "cmdkey list",
    r"""
C:\>cmdkey /list

Currently stored credentials:

    Target: Domain:interactive=«host».«corp».local
    Type: Domain Password
    User: «dom»\«user»

    Target: LegacyGeneric:target=git:https://dev.azure.com
    Type: Generic
    User: PersonalAccessToken
    Local machine persistence

    Target: WindowsLive:target=virtualapp/didlogical
    Type: Generic
    User: 02«hex16»
    Local machine persistence
""",
)
_t(
    "shell",
    "runas savecred",
    r"""
C:\>runas /savecred /user:«dom»\«user» "mmc.exe dsa.msc"
Attempting to start mmc.exe dsa.msc as user "«dom»\«user»" ...

C:\>runas /netonly /user:«dom»\«user» "ssms.exe"
Enter the password for «dom»\«user»:
Attempting to start ssms.exe as user "«dom»\«user»" ...
""",
)
_t(
    "shell",
    "net use with prompt star",
    r"""
C:\>net use Z: \\«host»\deploy$ /user:«dom»\«user» *
Type the password for \\«host»\deploy$:
The command completed successfully.

C:\>net use
New connections will be remembered.

Status       Local     Remote                    Network
-------------------------------------------------------------------------------
OK           Z:        \\«host»\deploy$          Microsoft Windows Network
""",
)
_t(
    "shell",
    "sqlcmd integrated auth",
    r"""
C:\>sqlcmd -S «host»\SQL2022 -E -d «db» -Q "SELECT SUSER_SNAME(), @@VERSION"

-------------------------------------------------------------------------------
«dom»\«user»
Microsoft SQL Server 2022 (RTM-CU16) (KB5048033) - 16.0.4165.4 (X64)

(1 rows affected)
""",
)
_t(
    "shell",
    "sqlcmd variable password",
    r"""
PS C:\db> sqlcmd -S $env:SQL_SERVER -d «db» -U $env:SQL_USER -P $env:SQL_PASSWORD -i .\seed.sql -b
Changed database context to '«db»'.
(«int» rows affected)
""",
)
_t(
    "shell",
    "schtasks system account",
    r"""
C:\Windows\system32>schtasks /Create /TN "«proj»\Cleanup" /TR "powershell.exe -File C:\jobs\cleanup.ps1" /SC WEEKLY /D SUN /ST 03:00 /RU SYSTEM /F
SUCCESS: The scheduled task "«proj»\Cleanup" has successfully been created.

C:\Windows\system32>schtasks /Query /TN "«proj»\Cleanup" /FO LIST

Folder: \«proj»
HostName:      «host»
TaskName:      \«proj»\Cleanup
Next Run Time: «psdate»
Status:        Ready
Logon Mode:    Interactive/Background
""",
)
_t(
    "shell",
    "sc.exe gmsa account",
    r"""
C:\>sc.exe config «svc»Worker obj= "«dom»\gmsa-«svc»$" password= ""
[SC] ChangeServiceConfig SUCCESS

C:\>sc.exe qc «svc»Worker
[SC] QueryServiceConfig SUCCESS

SERVICE_NAME: «svc»Worker
        START_TYPE         : 2   AUTO_START
        BINARY_PATH_NAME   : "C:\Program Files\«proj»\«svc»Worker.exe"
        SERVICE_START_NAME : «dom»\gmsa-«svc»$
""",
)
_t(
    "shell",
    "dotnet user-secrets list empty",
    r"""
PS C:\src\«app»> dotnet user-secrets init
Set UserSecretsId to '«guid»' for MSBuild project 'C:\src\«app»\«app».csproj'.
PS C:\src\«app»> dotnet user-secrets list
No secrets configured for this application.
""",
)
_t(
    "shell",
    "dotnet user-secrets remove and clear",
    r"""
PS C:\src\«app»> dotnet user-secrets remove "Stripe:SecretKey"
PS C:\src\«app»> dotnet user-secrets clear
PS C:\src\«app»> dotnet user-secrets list --id «guid»
No secrets configured for this application.
""",
)
_t(
    "shell",
    "dotnet nuget add source env reference",
    r"""
PS C:\src\«app»> dotnet nuget add source "https://pkgs.dev.azure.com/«org»/_packaging/«svc»/nuget/v3/index.json" -n «svc» -u az -p "%FEED_ACCESSTOKEN%" --store-password-in-clear-text --configfile nuget.config
Package source with Name: «svc» added successfully.
""",
)
_t(
    "shell",
    "dotnet nuget push env api key",
    r"""
PS C:\src\«app»> dotnet nuget push .\artifacts\*.nupkg --api-key $env:NUGET_API_KEY --source nuget.org --skip-duplicate
Pushing «app».«ver».nupkg to 'https://www.nuget.org/api/v2/package'...
  PUT https://www.nuget.org/api/v2/package/
  Conflict https://www.nuget.org/api/v2/package/ «ms»ms
Package '«app».«ver».nupkg' already exists at feed 'https://www.nuget.org/api/v2/package'.
""",
)
_t(
    "shell",
    "get-childitem cert store",
    r"""
PS C:\> Get-ChildItem Cert:\LocalMachine\My | Format-List Subject, Thumbprint, NotAfter, HasPrivateKey

Subject       : CN=«svc».«corp».com
Thumbprint    : «thumb»
NotAfter      : «psdate»
HasPrivateKey : True

Subject       : CN=«host».«corp».local
Thumbprint    : «thumb»
NotAfter      : «psdate»
HasPrivateKey : True
""",
)
_t(
    "shell",
    "certutil hashfile",
    r"""
C:\dl>certutil -hashfile dotnet-sdk-«net»-win-x64.exe SHA512
SHA512 hash of dotnet-sdk-«net»-win-x64.exe:
«sha256»«sha256»
CertUtil: -hashfile command completed successfully.

C:\dl>certutil -hashfile «app».msi SHA256
SHA256 hash of «app».msi:
«sha256»
CertUtil: -hashfile command completed successfully.
""",
)
_t(
    "shell",
    "whoami all",
    r"""
C:\Users\«user»>whoami /user /groups /fo list

USER INFORMATION
----------------

User Name: «dom|lower»\«user»
SID:       «sid»

GROUP INFORMATION
-----------------

Group Name: Everyone
Type:       Well-known group
SID:        S-1-1-0
Attributes: Mandatory group, Enabled by default, Enabled group

Group Name: «dom»\Domain Admins
Type:       Group
SID:        «sid»
Attributes: Mandatory group, Enabled by default, Enabled group
""",
)
_t(
    "shell",
    "get-localuser",
    r"""
PS C:\> Get-LocalUser | Select-Object Name, Enabled, PasswordLastSet, PasswordRequired, SID | Format-Table

Name               Enabled PasswordLastSet      PasswordRequired SID
----               ------- ---------------      ---------------- ---
Administrator        False                                  True «sid»
deploy                True «psdate»                  True «sid»
DefaultAccount       False                                 False «sid»
WDAGUtilityAccount   False «psdate»                  True «sid»
""",
)
_t(
    "shell",
    "slmgr kms client key",
    r"""
C:\Windows\system32>rem KMS client setup key (GVLK) for this edition, from Microsoft's published table
C:\Windows\system32>cscript //nologo slmgr.vbs /ipk «gvlk»
Installed product key «gvlk» successfully.

C:\Windows\system32>cscript //nologo slmgr.vbs /skms kms.«corp».local:1688
Key Management Service machine name set to kms.«corp».local:1688 successfully.
""",
)
_t(
    "shell",
    "az login device code",
    r"""
PS C:\> az login --use-device-code --tenant «guid»
To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code to authenticate.
[
  {
    "cloudName": "AzureCloud",
    "homeTenantId": "«guid»",
    "id": "«guid»",
    "isDefault": true,
    "name": "«proj» Development",
    "state": "Enabled",
    "tenantId": "«guid»",
    "user": { "name": "«user»@«corp».com", "type": "user" }
  }
]
""",
)
_t(
    "shell",
    "az login managed identity",
    r"""
PS C:\> az login --identity --username «guid» -o table
CloudName    HomeTenantId                          IsDefault    Name             State    TenantId
-----------  ------------------------------------  -----------  ---------------  -------  ------------------------------------
AzureCloud   «guid#t»  True         «proj» Prod      Enabled  «#t»
PS C:\> az account get-access-token --query expiresOn -o tsv
«date» 11:42:10.000000
""",
)
_t(
    "shell",
    "az keyvault secret show id only",
    r"""
PS C:\> az keyvault secret list --vault-name «kvname» --query "[].{name:name, enabled:attributes.enabled, updated:attributes.updated}" -o table
Name                    Enabled    Updated
----------------------  ---------  -------------------------
SqlAdminPassword        True       «ts»
StripeSecretKey         True       «ts»
ServiceBusConnection    True       «ts»
""",
)
_t(
    "shell",
    "docker login password-stdin",
    r"""
PS C:\> Get-Content $env:USERPROFILE\.secrets\acr.txt | docker login «corp»acr.azurecr.io -u «corp»acr --password-stdin
Login Succeeded
PS C:\> az acr login --name «corp»acr
Login Succeeded
""",
)
_t(
    "shell",
    "docker run mssql env from file",
    r"""
PS C:\src\«app»> docker run --env-file .\sql.env -p 1433:1433 -d --name sql1 mcr.microsoft.com/mssql/server:2022-latest
«sha256»
PS C:\src\«app»> docker inspect sql1 --format "{{.Id}} {{.Image}}"
«sha256» sha256:«sha256»
""",
)
_t(
    "shell",
    "azcopy with azure ad login",
    r"""
PS C:\backup> .\azcopy.exe login --identity
INFO: Login with identity succeeded.
PS C:\backup> .\azcopy.exe copy "C:\backup\«db».bak" "https://«stg».blob.core.windows.net/sqlbackups/" --put-md5
Job «guid» has started
Final Job Status: Completed
""",
)
_t(
    "shell",
    "git credential manager configure",
    r"""
PS C:\src> git config --global credential.helper manager
PS C:\src> git config --global credential.https://dev.azure.com.useHttpPath true
PS C:\src> git credential-manager github list
«user»
PS C:\src> git log -3 --format="%h %an %s"
«short» «first» «last» Fix IIS rewrite rule for /api
«short» «first» «last» Bump Microsoft.Data.SqlClient to 5.2.2
«short» «first» «last» Move connection string to Key Vault
""",
)
_t(
    "shell",
    "reg query winlogon no password",
    r"""
C:\>reg query "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon" /v AutoAdminLogon

HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon
    AutoAdminLogon    REG_SZ    0

C:\>reg query "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon" /v DefaultPassword
ERROR: The system was unable to find the specified registry key or value.
""",
)
_t(
    "shell",
    "signtool with thumbprint",
    r"""
C:\build>signtool sign /sha1 «thumb» /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 /v bin\Release\«app».exe
The following certificate was selected:
    Issued to: «proj» Ltd
    Issued by: DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1
    Expires:   «psdate»
    SHA1 hash: «thumb»

Done Adding Additional Store
Successfully signed: bin\Release\«app».exe
""",
)
_t(
    "shell",
    "msiexec property reference",
    r"""
C:\install>msiexec /i «proj»Agent.msi /qn SERVICEACCOUNT="«dom»\gmsa-agent$" SERVICEPASSWORD="" SERVERURL=https://«svc».«corp».com /l*v C:\install\agent.log
C:\install>findstr /i "Property(S): SERVICEPASSWORD" C:\install\agent.log
MSI (s) (A4:1C) [«time»:412]: Property(S): SERVICEPASSWORD = **********
""",
)
_t(
    "shell",
    "get-service and processes",
    r"""
PS C:\> Get-CimInstance Win32_Service -Filter "Name LIKE '«svc»%'" | Select-Object Name, StartName, State, ProcessId

Name           StartName                 State   ProcessId
----           ---------                 -----   ---------
«svc»Worker    «dom»\gmsa-«svc»$         Running «pid»
«svc»Api       NT AUTHORITY\NetworkService Running «pid»
""",
)
_t(
    "shell",
    "ipconfig all",
    r"""
C:\>ipconfig /all

Windows IP Configuration

   Host Name . . . . . . . . . . . . : «host»
   Primary Dns Suffix  . . . . . . . : «corp».local

Ethernet adapter Ethernet0:

   Description . . . . . . . . . . . : vmxnet3 Ethernet Adapter
   Physical Address. . . . . . . . . : «mac»
   DHCPv6 Client DUID. . . . . . . . : 00-01-00-01-2C-«mac»
   IPv4 Address. . . . . . . . . . . : «ip»(Preferred)
   DNS Servers . . . . . . . . . . . : «ip»
""",
)
_t(
    "shell",
    "dotnet build output",
    r"""
PS C:\src\«app»> dotnet build -c Release
MSBuild version 17.12.7+5b8665660 for .NET
  Determining projects to restore...
  Restored C:\src\«app»\src\«app».Api\«app».Api.csproj (in «ms» ms).
  «app».Domain -> C:\src\«app»\src\«app».Domain\bin\Release\«tfm»\«app».Domain.dll
  «app».Api -> C:\src\«app»\src\«app».Api\bin\Release\«tfm»\«app».Api.dll

Build succeeded.
    0 Warning(s)
    0 Error(s)

Time Elapsed 00:00:«int|upper»
""".replace("00:00:«int|upper»", "00:00:14.07"),
)
_t(
    "shell",
    "klist tickets",
    r"""
C:\>klist

Current LogonId is 0:0x«hex16»

Cached Tickets: (2)

#0>     Client: «user» @ «dom».LOCAL
        Server: krbtgt/«dom».LOCAL @ «dom».LOCAL
        KerbTicket Encryption Type: AES-256-CTS-HMAC-SHA1-96
        Ticket Flags 0x40e10000 -> forwardable renewable initial pre_authent name_canonicalize
        Start Time: «psdate» (local)
        Session Key Type: AES-256-CTS-HMAC-SHA1-96
        Cache Flags: 0x1 -> PRIMARY
        Kdc Called: «host».«corp».local
""",
)
_t(
    "shell",
    "new-aduser prompt for password",
    r"""
PS C:\> New-ADUser -Name "«first» «last»" -SamAccountName «user» -AccountPassword (Read-Host -AsSecureString "Initial password") -Enabled $true
Initial password: **************
PS C:\> Get-ADUser «user» -Properties PasswordLastSet, objectSid | Select-Object SamAccountName, PasswordLastSet, objectSid

SamAccountName PasswordLastSet      objectSid
-------------- ---------------      ---------
«user»         «psdate» «sid»
""",
)
_t(
    "shell",
    "invoke-restmethod managed identity token fetch",
    r"""
PS C:\> $resp = Invoke-RestMethod -Headers @{ Metadata = "true" } -Uri "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net"
PS C:\> $resp | Select-Object token_type, expires_in, resource, client_id

token_type expires_in resource              client_id
---------- ---------- --------              ---------
Bearer     86399      https://vault.azure.net «guid»
""",
)
_t(
    "shell",
    "octo cli env api key",
    r"""
PS C:\build> octo deploy-release --project "«proj»" --version latest --deployTo Production --server $env:OCTOPUS_URL --apiKey $env:OCTOPUS_API_KEY --waitfordeployment
Octopus Deploy Command Line Tool, version 9.1.7
Handshake successful. Octopus version: 2024.2.9396; API version: 3.0.0
Deploying «proj» «ver» to: Production (Guided failure: Not Enabled)
Task ServerTasks-«n6»: Deploy «proj» release «ver» to Production
""",
)
_t(
    "shell",
    "setx with reference",
    r"""
C:\>setx /M DOTNET_ENVIRONMENT Production

SUCCESS: Specified value was saved.

C:\>setx /M ConnectionStrings__Default "Server=«host»;Database=«db»;Integrated Security=true;TrustServerCertificate=true"

SUCCESS: Specified value was saved.
""",
)
_t(
    "shell",
    "winget install hashes",
    r"""
PS C:\> winget show --id Git.Git --versions
Found Git [Git.Git]
Version
-------
2.47.1
2.47.0
PS C:\> winget install --id Git.Git -e --source winget
Found Git [Git.Git] Version 2.47.1
Downloading https://github.com/git-for-windows/git/releases/download/v2.47.1.windows.1/Git-2.47.1-64-bit.exe
  ██████████████████████████████  65.5 MB / 65.5 MB
Successfully verified installer hash
Installer hash: «sha256»
Successfully installed
""",
)

# ---- plain: transcripts, tool output, notes, with secrets -------------------------------------

_t(
    "plain",
    "start-transcript log with securestring",
    r"""
**********************
Windows PowerShell transcript start
Start time: «stamp»
Username: «dom»\«user»
RunAs User: «dom»\«user»
Configuration Name: 
Machine: «host» (Microsoft Windows NT 10.0.20348.0)
Host Application: C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe -NoProfile -File C:\deploy\deploy.ps1
Process ID: «pid»
PSVersion: 5.1.20348.2849
PSEdition: Desktop
**********************
Transcript started, output file is C:\deploy\logs\deploy-«stamp».txt
PS C:\deploy> $sqlPass = ConvertTo-SecureString "«!pw»" -AsPlainText -Force
PS C:\deploy> .\Install-Database.ps1 -Server «host» -Credential (New-Object PSCredential "sa", $sqlPass)
Creating database «db»... done
**********************
Windows PowerShell transcript end
End time: «stamp»
**********************
""",
)
_t(
    "plain",
    "transcript with env token",
    r"""
**********************
PowerShell transcript start
Start time: «stamp»
Username: «host»\«user»
Machine: «host» (Microsoft Windows NT 10.0.22631.0)
Host Application: C:\Program Files\PowerShell\7\pwsh.dll
Process ID: «pid»
PSVersion: 7.4.6
**********************
PS C:\src\«svc»> $env:GITHUB_TOKEN = '«!ghp»'
PS C:\src\«svc»> gh release create v«ver» .\artifacts\*.zip --notes "Windows installer"
https://github.com/«org»/«svc»/releases/tag/v«ver»
PS C:\src\«svc»> Stop-Transcript
**********************
PowerShell transcript end
End time: «stamp»
**********************
""",
)
_t(
    "plain",
    "transcript with net use",
    r"""
**********************
Windows PowerShell transcript start
Start time: «stamp»
Username: «dom»\svc_build
Machine: «host» (Microsoft Windows NT 10.0.17763.0)
**********************
PS>net use \\«host#2»\drops /user:«dom»\svc_build «!pw»
The command completed successfully.
PS>Copy-Item .\out\* \\«host#2»\drops\«svc»\«build» -Recurse
PS>TerminatingError(Copy-Item): "Access to the path '\\«host#2»\drops\«svc»\«build»\web.config' is denied."
""",
)
_t(
    "plain",
    "get-secret asplaintext output",
    r"""
PS C:\> Get-Secret -Name «svc»-sql -AsPlainText
«!pw»
PS C:\> Get-Secret -Name «svc»-sendgrid -AsPlainText
«!sendgrid»
""",
)
_t(
    "plain",
    "get-azkeyvaultsecret asplaintext",
    r"""
PS C:\> Get-AzKeyVaultSecret -VaultName «kvname» -Name ServiceBusConnection -AsPlainText
Endpoint=sb://«corp»-bus.servicebus.windows.net/;SharedAccessKeyName=send-only;SharedAccessKey=«!key44»;EntityPath=orders
""",
)
_t(
    "plain",
    "dotnet user-secrets list",
    r"""
PS C:\src\«app»> dotnet user-secrets list
ConnectionStrings:Default = Server=(localdb)\MSSQLLocalDB;Database=«db»;User Id=«user»;Password=«!pw»;
Stripe:SecretKey = «!stripe»
Stripe:PublishableKey = pk_test_«hex16»«hex16»
AzureAd:ClientSecret = «!aad»
AzureAd:ClientId = «guid»
""",
)
_t(
    "plain",
    "dotnet user-secrets set echo",
    r"""
PS C:\src\«app»> dotnet user-secrets set "Jwt:SigningKey" "«!signkey»"
Successfully saved Jwt:SigningKey = «!x» to the secret store.
""".replace("«!signkey»", "«!signkey#k»").replace("«!x»", "«#k»"),
)
_t(
    "plain",
    "netsh wlan show profile key clear",
    r"""
C:\>netsh wlan show profile name="«corp»-Office" key=clear

Profile «corp»-Office on interface Wi-Fi:
=======================================================================

Applied: All User Profile

Profile information
-------------------
    Version                : 1
    Type                   : Wireless LAN
    Name                   : «corp»-Office
    Control options        :
        Connection mode    : Connect automatically
        Network broadcast  : Connect only if this network is broadcasting
        AutoSwitch         : Do not switch to other networks

Security settings
-----------------
    Authentication         : WPA2-Personal
    Cipher                 : CCMP
    Security key           : Present
    Key Content            : «!wifi»
""",
)
_t(
    "plain",
    "get-itemproperty winlogon",
    r"""
PS C:\> Get-ItemProperty "HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon" | Select-Object AutoAdminLogon, DefaultUserName, DefaultDomainName, DefaultPassword

AutoAdminLogon    : 1
DefaultUserName   : kiosk
DefaultDomainName : «dom»
DefaultPassword   : «!pw»
""",
)
_t(
    "plain",
    "secretsdump ntlm hashes",
    r"""
[*] Service RemoteRegistry is in stopped state
[*] Starting service RemoteRegistry
[*] Target system bootKey: 0x«hex32»
[*] Dumping local SAM hashes (uid:rid:lmhash:nthash)
Administrator:500:aad3b435b51404eeaad3b435b51404ee:«!nthash»:::
Guest:501:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::
DefaultAccount:503:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::
svc_backup:1001:aad3b435b51404eeaad3b435b51404ee:«!nthash»:::
[*] Cleaning up...
""",
)
_t(
    "plain",
    "mimikatz logonpasswords",
    r"""
Authentication Id : 0 ; «n6» (00000000:000«hex16|lower»)
Session           : Interactive from 1
User Name         : «user»
Domain            : «dom»
Logon Server      : «host»
Logon Time        : «psdate»
SID               : «sid»
        msv :
         [00000003] Primary
         * Username : «user»
         * Domain   : «dom»
         * NTLM     : «!nthash»
         * SHA1     : «sha1»
        wdigest :
         * Username : «user»
         * Domain   : «dom»
         * Password : «!pwh»
        kerberos :
         * Username : «user»
         * Domain   : «dom».LOCAL
         * Password : (null)
""",
)
_t(
    "plain",
    "event 4688 command line with password",
    r"""
Log Name:      Security
Source:        Microsoft-Windows-Security-Auditing
Date:          «psdate»
Event ID:      4688
Task Category: Process Creation
Level:         Information
Keywords:      Audit Success
User:          N/A
Computer:      «host».«corp».local
Description:
A new process has been created.

Creator Subject:
	Security ID:		«sid»
	Account Name:		«user»
	Account Domain:		«dom»
	Logon ID:		0x«hex16»

Process Information:
	New Process ID:		0x«hex16»
	New Process Name:	C:\Windows\System32\net.exe
	Token Elevation Type:	%%1937
	Creator Process Name:	C:\Windows\System32\cmd.exe
	Process Command Line:	net  user svc_report «!pw» /add
""",
)
_t(
    "plain",
    "get-winevent powershell scriptblock 4104",
    r"""
PS C:\> Get-WinEvent -LogName "Microsoft-Windows-PowerShell/Operational" -FilterXPath "*[System[EventID=4104]]" -MaxEvents 1 | Format-List TimeCreated, Id, Message

TimeCreated : «psdate»
Id          : 4104
Message     : Creating Scriptblock text (1 of 1):
              $pw = ConvertTo-SecureString '«!pw»' -AsPlainText -Force
              New-LocalUser -Name support -Password $pw

              ScriptBlock ID: «guid»
              Path: C:\Users\«user»\Desktop\setup.ps1
""",
)
_t(
    "plain",
    "credential manager stored credential",
    r"""
PS C:\> Get-StoredCredential -Target "«svc»-prod" -AsCredentialObject

Flags          : 0
Type           : GENERIC
TargetName     : «svc»-prod
Comment        :
LastWritten    : «psdate»
PaswordSize    : 32
Password       : «!pw»
UserName       : «user»
TargetAlias    :
Persist        : LOCAL_MACHINE
""",
)
_t(
    "plain",
    "az ad sp create-for-rbac table",
    r"""
The output includes credentials that you must protect. Be sure that you do not include these credentials in your code or check the credentials into your source control. For more information, see https://aka.ms/azadsp-cli
AppId                                 DisplayName         Password                                  Tenant
------------------------------------  ------------------  ----------------------------------------  ------------------------------------
«guid»  gh-actions-«svc»      «!aad»  «guid»
""",
)
_t(
    "plain",
    "runbook note with local admin password",
    r"""
Build agent rebuild — «date»

1. Provision VM «host» from the Win2022 gold image (size D4s_v5, «region»).
2. Local admin: azureadmin / «!pwh»
3. Join the domain with «dom»\adm-join (password in the team vault, entry "domain join").
4. Install the agent: .\config.cmd --unattended --url https://dev.azure.com/«org» --auth pat --token «!adopat» --pool Windows-Build --agent «host» --runAsService
5. Reboot and check the pool in Organization settings > Agent pools.
""",
)
_t(
    "plain",
    "azure devops agent config output",
    r"""
>> Connect:

Enter server URL > https://dev.azure.com/«org»
Enter authentication type (press enter for PAT) > PAT
Enter personal access token > «!adopat»
Connecting to server ...

>> Register Agent:

Enter agent pool (press enter for default) > Windows-Build
Enter agent name (press enter for «host») >
Scanning for tool capabilities.
Connecting to the server.
Successfully added the agent
Testing agent connection.
«ts» Settings Saved.
""",
)
_t(
    "plain",
    "iis applicationhost grep",
    r"""
C:\Windows\System32\inetsrv\config>findstr /i "password" applicationHost.config
                <processModel identityType="SpecificUser" userName="«dom»\svc_«svc»" password="«!pw»" />
                <virtualDirectoryDefaults userName="«dom»\svc_content" password="«!pw»" />
""",
)
_t(
    "plain",
    "sql server error log with login script",
    r"""
«date» 09:12:44.21 spid58      Setting database option COMPATIBILITY_LEVEL to 160 for database '«db»'.
«date» 09:12:45.03 spid58      Executing: CREATE LOGIN [«svc»_app] WITH PASSWORD = N'«!pw»', CHECK_POLICY = ON, DEFAULT_DATABASE = [«db»]
«date» 09:12:45.09 spid58      Login created.
""",
)
_t(
    "plain",
    "chat message with credentials",
    r"""
[«time»] «first»: can someone restart the «svc» app pool on «host»? I'm locked out
[«time»] «first#2»: use the local admin for now: .\Administrator / «!pwh» — I'll rotate it after the incident
[«time»] «first»: thanks, in
""",
)
_t(
    "plain",
    "email handover sa password",
    r"""
From: «first» «last» <«user»@«corp».com>
Sent: «psdate»
To: Infra Team
Subject: RE: new SQL instance for reporting

Hi,

The instance is up: «host»\REPORTING (port 1433, TLS enforced).
sa password: «!pw»
Reporting login: rpt_reader / «!pw»

Please change both after your first logon.

Regards,
«first»
""",
)
_t(
    "plain",
    "mimikatz dpapi masterkey credential",
    r"""
mimikatz # dpapi::cred /in:C:\Users\«user»\AppData\Local\Microsoft\Credentials\«SHA256»
**BLOB**
  dwVersion          : 00000001 - 1
  guidProvider       : {df9d8cd0-1501-11d1-8c7a-00c04fc297eb}
  dwMasterKeyVersion : 00000001 - 1
  guidMasterKey      : {«guid»}
Decrypting Credential:
  **CREDENTIAL**
    credFlags      : 00000030 - 48
    Type           : 00000002 - 2 - domain_password
    TargetName     : Domain:target=«host».«corp».local
    UserName       : «dom»\«user»
    CredentialBlob : «!pwh»
""",
)
_t(
    "plain",
    "gpp cpassword found by script",
    r"""
PS C:\> Get-GPPPassword

UserName  : «dom»\svc_localadmin
NewName   : [BLANK]
Password  : «!pwh»
Changed   : «date» 14:02:11
File      : \\«corp».local\SYSVOL\«corp».local\Policies\{«GUID»}\Machine\Preferences\Groups\Groups.xml
NodeName  : Groups
Cpassword : «!cpw»
""",
)
_t(
    "plain",
    "kestrel startup error echo",
    r"""
Unhandled exception. Interop+Crypto+OpenSslCryptographicException: error:23076071:PKCS12 routines:PKCS12_parse:mac verify failure
   at Microsoft.AspNetCore.Server.Kestrel.KestrelConfigurationLoader.LoadDefaultCert()
Configuration:
  Kestrel:Certificates:Default:Path = /https/«svc».pfx
  Kestrel:Certificates:Default:Password = «!pw»
  ASPNETCORE_URLS = https://+:443;http://+:80
""",
)
_t(
    "plain",
    "log line connection string dump",
    r"""
«ts» [INF] Starting «app» «ver» on «host» (pid «pid»)
«ts» [DBG] Resolved connection string 'Default': Data Source=«host»;Initial Catalog=«db»;User ID=«user»;Password=«!pw»;TrustServerCertificate=True
«ts» [INF] Applying 0 pending migrations
«ts» [INF] Now listening on: http://[::]:8080
""",
)
_t(
    "plain",
    "serilog exception with sql connection",
    r"""
[«time» ERR] Failed executing DbCommand ("30"ms) [Parameters=["@__id_0='«int»'"], CommandType='"Text"', CommandTimeout='30']
Microsoft.Data.SqlClient.SqlException (0x80131904): A network-related or instance-specific error occurred while establishing a connection to SQL Server.
   at Microsoft.Data.SqlClient.SqlInternalConnection.OnError(SqlException exception, Boolean breakConnection, Action`1 wrapCloseInAction)
ClientConnectionId:«guid»
Error Number:53,State:0,Class:20
ConnectionString: Server=«host».«corp».local;Database=«db»;User Id=«user»;Pwd=«!pw»;Connect Timeout=15
""",
)
_t(
    "plain",
    "readme local setup with sql password",
    r"""
## Running locally on Windows

1. Install SQL Server 2022 Developer and SSMS.
2. Create the login the app uses:

       CREATE LOGIN «svc»_dev WITH PASSWORD = '«!pw»';

3. `dotnet user-secrets set "ConnectionStrings:Default" "Server=.;Database=«db»;User Id=«svc»_dev;Password=«#p»;TrustServerCertificate=true"`
4. `dotnet run --project src/«app».Web`
""".replace("WITH PASSWORD = '«!pw»'", "WITH PASSWORD = '«!pw#p»'"),
)
_t(
    "plain",
    "azure portal copied keys note",
    r"""
storage «stg» (rg-«svc»-prd)
  key1  «!azkey»
  key2  «!azkey»
  conn  DefaultEndpointsProtocol=https;AccountName=«stg»;AccountKey=...;EndpointSuffix=core.windows.net
  last rotated «date»
""",
)
_t(
    "plain",
    "get-azstorageaccountkey table",
    r"""
PS C:\> Get-AzStorageAccountKey -ResourceGroupName rg-«svc»-prd -Name «stg»

KeyName Value                                                                                    Permissions CreationTime
------- -----                                                                                    ----------- ------------
key1    «!azkey» Full        «psdate»
key2    «!azkey» Full        «psdate»
""",
)
_t(
    "plain",
    "cosmos emulator-like but real account keys",
    r"""
PS C:\> az cosmosdb keys list --name «corp»-cosmos-prd --resource-group rg-«svc»-prd --type keys -o tsv
«!azkey»	«!azkey»	«!azkey»	«!azkey»
""",
)
_t(
    "plain",
    "publish profile copied to notes",
    r"""
Web Deploy to «svc»-prd (downloaded «date»):
  publishUrl     «svc»-prd.scm.azurewebsites.net:443
  msdeploySite   «svc»-prd
  userName       $«svc»-prd
  userPWD        «!pubpw»
  destinationAppUrl https://«svc»-prd.azurewebsites.net
""",
)
_t(
    "plain",
    "ado variable group dump",
    r"""
PS C:\> az pipelines variable-group variable list --group-id «int» -o table
Name              Is Secret    Value
----------------  -----------  ------------------------------
DbUser            False        «svc»_app
DbPassword        False        «!pw»
ApiBaseUrl        False        https://«svc».«corp».com
SigningKey        True
""",
)
_t(
    "plain",
    "teams webhook in incident note",
    r"""
Incident «int» — alerts not reaching the channel
Root cause: the connector URL was regenerated by the Teams admin and the Logic App still posted to the old one.
New URL, already updated in the alert rule:
https://«corp».webhook.office.com/webhookb2/«!teams»
Action item: move it to Key Vault (owner: «first»).
""",
)
_t(
    "plain",
    "windows credential editor style dump",
    r"""
wce.exe -w
WCE v1.42beta (X64) (Windows Credentials Editor)
«user»\«dom»:«!pwh»
«host»$\«dom»:(null)
""",
)
_t(
    "plain",
    "lsadump secrets service account",
    r"""
mimikatz # lsadump::secrets
Domain : «host»
SysKey : «hex32»

Secret  : _SC_«svc»Worker / service '«svc»Worker' with username : «dom»\svc_«svc»
cur/text: «!pw»

Secret  : DefaultPassword
cur/text: «!pwh»
""",
)
_t(
    "plain",
    "dsregcmd-like note with bitlocker recovery password",
    r"""
BitLocker recovery — «host» (asset «n6»)
Key ID: {«GUID»}
Recovery password: «!bitlocker»
Stored in AD: yes (msFVE-RecoveryInformation under CN=«host»,OU=Laptops,DC=«corp»,DC=local)
""",
)
_t(
    "plain",
    "manage-bde protectors output",
    r"""
C:\>manage-bde -protectors -get C:
BitLocker Drive Encryption: Configuration Tool version 10.0.22621
Copyright (C) 2013 Microsoft Corporation. All rights reserved.

Volume C: [OS]
All Key Protectors

    TPM:
      ID: {«GUID»}
      PCR Validation Profile:
        7, 11

    Numerical Password:
      ID: {«GUID»}
      Password:
        «!bitlocker»
""",
)
_t(
    "plain",
    "cmd history with psexec",
    r"""
C:\>doskey /history
cd \tools
psexec \\«host» -u «dom»\«user» -p «!pw» -s cmd
ipconfig /all
exit
""",
)
_t(
    "plain",
    "powershell psreadline history",
    r"""
PS C:\> Get-Content (Get-PSReadLineOption).HistorySavePath -Tail 6
cd C:\src\«svc»
git pull
$env:ConnectionStrings__Default = "Server=«host»;Database=«db»;User Id=«user»;Password=«!pw»"
dotnet ef database update
code .
Get-Content (Get-PSReadLineOption).HistorySavePath -Tail 6
""",
)
_t(
    "plain",
    "unattend answer file echoed by type",
    r"""
C:\>type C:\Windows\Panther\Unattend.xml | findstr /i /c:"<Value>" /c:"<Username>"
                    <Value>«!pwh»</Value>
                    <Username>Administrator</Username>
                        <Value>«!pwh»</Value>
""",
)
_t(
    "plain",
    "vs code terminal with func keys",
    r"""
PS C:\src\«svc».Functions> func azure functionapp list-functions «svc»-func --show-keys
Functions in «svc»-func:
    ProcessOrder - [httpTrigger]
        Invoke url: https://«svc»-func.azurewebsites.net/api/processorder?code=«!funckey»
    Health - [httpTrigger]
        Invoke url: https://«svc»-func.azurewebsites.net/api/health
""",
)
_t(
    "plain",
    "az functionapp keys list table",
    r"""
PS C:\> az functionapp keys list -g rg-«svc» -n «svc»-func
{
  "functionKeys": {
    "default": "«!funckey»"
  },
  "masterKey": "«!funckey»",
  "systemKeys": {
    "durabletask_extension": "«!funckey»"
  }
}
""",
)
_t(
    "plain",
    "rdcman-like connection notes",
    r"""
Jump hosts (prod)
  «host».«corp».local    «dom»\adm-«user»    «!pwh»    (break-glass only)
  «host#2».«corp».local  «dom»\adm-«user»    same
  RD Gateway: rdg.«corp».com
""",
)
_t(
    "plain",
    "ado pipeline log secret echoed plain",
    r"""
2025-03-14T10:21:04.5591233Z ##[section]Starting: Restore packages
2025-03-14T10:21:04.5723431Z ==============================================================================
2025-03-14T10:21:04.5723772Z Task         : Command line
2025-03-14T10:21:04.5724071Z ==============================================================================
2025-03-14T10:21:05.1210441Z Generating script.
2025-03-14T10:21:05.1325517Z ========================== Starting Command Output ===========================
2025-03-14T10:21:05.1510002Z "C:\Windows\system32\cmd.exe" /D /E:ON /V:OFF /S /C "CALL "D:\a\_temp\«guid».cmd""
2025-03-14T10:21:05.3102355Z nuget sources add -Name internal -Source https://pkgs.«corp».local/nuget -Username build -Password «!pw»
2025-03-14T10:21:06.0012874Z Package source with Name: internal added successfully.
""",
)
_t(
    "plain",
    "octopus task log variable dump",
    r"""
«time»   Verbose  |       [Octopus.Action.Package.PackageId] = '«app»'
«time»   Verbose  |       [Octopus.Environment.Name] = 'Production'
«time»   Verbose  |       [«svc».Db.User] = '«svc»_app'
«time»   Verbose  |       [«svc».Db.Password] = '«!pw»'
«time»   Verbose  |       [«svc».Smtp.Host] = 'smtp.office365.com'
""",
)
_t(
    "plain",
    "windows hello-less wifi qr text",
    r"""
Guest Wi-Fi (lobby, printed for the front desk)
SSID: «corp»-Guest
Password: «!wifi»
WIFI:T:WPA;S:«corp»-Guest;P:«#w»;;
""".replace("Password: «!wifi»", "Password: «!wifi#w»"),
)
_t(
    "plain",
    "dsinternals ad account with nt hash",
    r"""
DistinguishedName: CN=svc_«svc»,OU=Service Accounts,DC=«corp»,DC=local
Sid: «sid»
SamAccountName: svc_«svc»
Enabled: True
Secrets
  NTHash: «!nthash»
  LMHash:
  NTHashHistory:
  SupplementalCredentials:
    ClearText: «!pwh»
""",
)
_t(
    "plain",
    "sharepoint app-only registration page copy",
    r"""
App Identifier has been successfully created.
Client Id:     «guid»
Client Secret: «!key44»
Title:         «svc»-sync
App Domain:    «svc».«corp».com
Redirect URI:  https://«svc».«corp».com/signin
""",
)
_t(
    "plain",
    "azure bot registration values",
    r"""
Bot channels registration «svc»-bot
MicrosoftAppType: MultiTenant
MicrosoftAppId: «guid»
MicrosoftAppPassword: «!aad»
Messaging endpoint: https://«svc»-bot.azurewebsites.net/api/messages
""",
)
_t(
    "plain",
    "support ticket with vpn password",
    r"""
Ticket #«n6» — VPN profile for the new laptop
Status: Resolved
«first» «last» wrote:
> The Always On VPN profile isn't connecting, it asks for credentials every time.
Agent:
I've reset your VPN password to «!pwh» — please change it at https://passwordreset.microsoftonline.com after you log on.
Device: «host», Windows 11 23H2, build 22631.4602
""",
)
_t(
    "plain",
    "pfx base64 in ticket",
    r"""
Renewed wildcard cert for *.«corp».com, valid until «date». PFX (base64, password in the next message):
«!pfx»
Thumbprint: «thumb»
""",
)
_t(
    "plain",
    "putty ppk file content",
    r"""
PS C:\Users\«user»\.ssh> Get-Content .\«svc»-deploy.ppk
PuTTY-User-Key-File-3: ssh-rsa
Encryption: none
Comment: rsa-key-«date|lower»
Public-Lines: 6
«ppkpub»
Private-Lines: 14
«!ppkpriv»
Private-MAC: «sha256»
""",
)
_t(
    "plain",
    "openssh private key cat on windows",
    r"""
PS C:\Users\«user»> Get-Content $env:USERPROFILE\.ssh\id_ed25519
«!openssh»
PS C:\Users\«user»> icacls $env:USERPROFILE\.ssh\id_ed25519
C:\Users\«user»\.ssh\id_ed25519 «dom»\«user»:(F)
""",
)

# ---- plain: without secrets -------------------------------------------------------------------

_t(
    "plain",
    "transcript with masked prompt",
    r"""
**********************
Windows PowerShell transcript start
Start time: «stamp»
Username: «dom»\«user»
RunAs User: «dom»\«user»
Machine: «host» (Microsoft Windows NT 10.0.20348.0)
Host Application: C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe
Process ID: «pid»
**********************
PS C:\deploy> $cred = Get-Credential «dom»\svc_deploy
cmdlet Get-Credential at command pipeline position 1
Supply values for the following parameters:
Credential
PS C:\deploy> .\Deploy.ps1 -Credential $cred -Target «host#2»
[«time»] Copying package «app».«ver».zip to \\«host#2»\deploy$
[«time»] Done
**********************
Windows PowerShell transcript end
End time: «stamp»
**********************
""",
)
_t(
    "plain",
    "get-credential object display",
    r"""
PS C:\> $c = Get-Credential
PS C:\> $c | Format-List *

UserName : «dom»\«user»
Password : System.Security.SecureString

PS C:\> $c.GetNetworkCredential() | Select-Object UserName, Domain

UserName Domain
-------- ------
«user»   «dom»
""",
)
_t(
    "plain",
    "event 4625 failed logon",
    r"""
Log Name:      Security
Source:        Microsoft-Windows-Security-Auditing
Date:          «psdate»
Event ID:      4625
Task Category: Logon
Level:         Information
Keywords:      Audit Failure
Computer:      «host».«corp».local
Description:
An account failed to log on.

Subject:
	Security ID:		NULL SID
	Account Name:		-
	Logon ID:		0x0

Account For Which Logon Failed:
	Security ID:		NULL SID
	Account Name:		«user»
	Account Domain:		«dom»

Failure Information:
	Failure Reason:		Unknown user name or bad password.
	Status:			0xC000006D
	Sub Status:		0xC000006A

Network Information:
	Workstation Name:	«host#2»
	Source Network Address:	«ip»
	Source Port:		«pid»

Detailed Authentication Information:
	Logon Process:		NtLmSsp 
	Authentication Package:	NTLM
	Package Name (NTLM only):	-
	Key Length:		0
""",
)
_t(
    "plain",
    "event 4624 logon with guid",
    r"""
An account was successfully logged on.

Subject:
	Security ID:		SYSTEM
	Account Name:		«host»$
	Account Domain:		«dom»
	Logon ID:		0x3E7

New Logon:
	Security ID:		«sid»
	Account Name:		«user»
	Account Domain:		«dom»
	Logon ID:		0x«hex16|upper»
	Linked Logon ID:		0x0
	Logon GUID:		{«guid»}

Process Information:
	Process ID:		0x«n3»
	Process Name:		C:\Windows\System32\svchost.exe

Detailed Authentication Information:
	Logon Process:		Kerberos
	Authentication Package:	Kerberos
	Transited Services:	-
	Package Name (NTLM only):	-
	Key Length:		0
""",
)
_t(
    "plain",
    "event 4688 with masked command line",
    r"""
Log Name:      Security
Event ID:      4688
Computer:      «host».«corp».local
A new process has been created.

Process Information:
	New Process ID:		0x«hex16»
	New Process Name:	C:\Windows\System32\sc.exe
	Token Elevation Type:	%%1936
	Mandatory Label:		«sid»
	Creator Process ID:	0x«n3»
	Process Command Line:	sc.exe config «svc»Worker obj= «dom»\gmsa-«svc»$ password= ""
""",
)
_t(
    "plain",
    "dotnet user-secrets list with references",
    r"""
PS C:\src\«app»> dotnet user-secrets list
AzureAd:TenantId = «guid»
AzureAd:ClientId = «guid»
AzureAd:Instance = https://login.microsoftonline.com/
KeyVault:Uri = https://«kvname».vault.azure.net/
ConnectionStrings:Default = Server=(localdb)\MSSQLLocalDB;Database=«db»;Trusted_Connection=True;MultipleActiveResultSets=true
""",
)
_t(
    "plain",
    "netsh wlan profile key absent",
    r"""
C:\>netsh wlan show profile name="«corp»-Corp" key=clear

Profile «corp»-Corp on interface Wi-Fi:
=======================================================================
Security settings
-----------------
    Authentication         : WPA2-Enterprise
    Cipher                 : CCMP
    Security key           : Absent
    802.1X                 : Enabled
    EAP type               : Microsoft: Smart Card or other certificate
    802.1X auth credential : Machine or user credential
    Cache user information : Yes

Cost settings
-------------
    Cost                   : Unrestricted
""",
)
_t(
    "plain",
    "secretsdump empty hashes only",
    r"""
[*] Dumping local SAM hashes (uid:rid:lmhash:nthash)
Guest:501:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::
DefaultAccount:503:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::
WDAGUtilityAccount:504:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::
[*] Dumping cached domain logon information (domain/username:hash)
[*] No cached credentials found
[*] Cleaning up...
""",
)
_t(
    "plain",
    "systeminfo",
    r"""
Host Name:                 «host»
OS Name:                   Microsoft Windows Server 2022 Datacenter
OS Version:                10.0.20348 N/A Build 20348
OS Manufacturer:           Microsoft Corporation
OS Configuration:          Member Server
Registered Owner:          «proj» IT
Product ID:                00454-«n6|upper»-00000-AA«n3»
Original Install Date:     «psdate»
System Boot Time:          «psdate»
Domain:                    «corp».local
Logon Server:              \\«host#2»
Hotfix(s):                 3 Hotfix(s) Installed.
                           [01]: «kb»
                           [02]: «kb»
                           [03]: «kb»
""",
)
_t(
    "plain",
    "get-aduser properties",
    r"""
PS C:\> Get-ADUser «user» -Properties * | Select-Object SamAccountName, ObjectGUID, objectSid, pwdLastSet, PasswordNeverExpires, PasswordNotRequired, msDS-KeyVersionNumber

SamAccountName        : «user»
ObjectGUID            : «guid»
objectSid             : «sid»
pwdLastSet            : 133«n6»«n6»«n3»
PasswordNeverExpires  : False
PasswordNotRequired   : False
msDS-KeyVersionNumber : «int»
""",
)
_t(
    "plain",
    "laps password expiry only",
    r"""
PS C:\> Get-LapsADPassword -Identity «host» -AsPlainText:$false

ComputerName        : «host»
DistinguishedName   : CN=«host»,OU=Servers,DC=«corp»,DC=local
Account             : Administrator
Password            : System.Security.SecureString
PasswordUpdateTime  : «psdate»
ExpirationTimestamp : «psdate»
Source              : EncryptedPassword
DecryptionStatus    : Success
AuthorizedDecryptor : «dom»\LAPS Readers
""",
)
_t(
    "plain",
    "certutil dump certificate",
    r"""
C:\>certutil -dump «svc».cer
X509 Certificate:
Version: 3
Serial Number: «serial|lower»
Signature Algorithm:
    Algorithm ObjectId: 1.2.840.113549.1.1.11 sha256RSA
Issuer:
    CN=«proj» Issuing CA 01
    DC=«corp»
    DC=local
 NotBefore: «psdate»
 NotAfter: «psdate»
Subject:
    CN=«svc».«corp».com
Public Key Algorithm:
    Algorithm ObjectId: 1.2.840.113549.1.1.1 RSA
Cert Hash(sha1): «sha1»
Cert Hash(sha256): «sha256»
CertUtil: -dump command completed successfully.
""",
)
_t(
    "plain",
    "sql error log login failed",
    r"""
«date» 08:01:13.44 Logon       Error: 18456, Severity: 14, State: 8.
«date» 08:01:13.44 Logon       Login failed for user 'sa'. Reason: Password did not match that for the login provided. [CLIENT: «ip»]
«date» 08:01:19.02 Logon       Error: 18456, Severity: 14, State: 5.
«date» 08:01:19.02 Logon       Login failed for user '«svc»_app'. Reason: Could not find a login matching the name provided. [CLIENT: «ip»]
""",
)
_t(
    "plain",
    "runbook with vault references",
    r"""
Build agent rebuild — «date»

1. Provision VM «host» from the Win2022 gold image.
2. Local admin password: generated by LAPS, read it with `Get-LapsADPassword -Identity «host» -AsPlainText` (needs LAPS Readers).
3. Join the domain with «dom»\adm-join (password in Key Vault «kvname», secret `domain-join-password`).
4. Install the agent: .\config.cmd --unattended --url https://dev.azure.com/«org» --auth pat --token $(Get-AzKeyVaultSecret -VaultName «kvname» -Name ado-agent-pat -AsPlainText) --pool Windows-Build
5. Reboot.
""",
)
_t(
    "plain",
    "ado pipeline log with masked secrets",
    r"""
2025-03-14T10:21:05.3102355Z nuget sources add -Name internal -Source https://pkgs.«corp».local/nuget -Username build -Password ***
2025-03-14T10:21:06.0012874Z Package source with Name: internal added successfully.
2025-03-14T10:21:06.1200112Z ##[debug]Agent.BuildDirectory=D:\a\1
2025-03-14T10:21:06.1201773Z ##[debug]System.AccessToken=***
2025-03-14T10:21:06.1320045Z ##[section]Finishing: Restore packages
""",
)
_t(
    "plain",
    "az ad sp show credentials metadata",
    r"""
PS C:\> az ad app credential list --id «guid» -o table
CustomKeyIdentifier    DisplayName        EndDateTime                  Hint    KeyId                                 StartDateTime
---------------------  -----------------  ---------------------------  ------  ------------------------------------  ---------------------------
                       gh-actions         «ts»  «hex16|lower»   «guid»  «ts»
«thumb»                cert-«date»        «ts»          «guid»  «ts»
""".replace("«hex16|lower»", "Xk7"),
)
_t(
    "plain",
    "octopus log with sensitive masked",
    r"""
«time»   Verbose  |       [Octopus.Action.Package.PackageId] = '«app»'
«time»   Verbose  |       [«svc».Db.User] = '«svc»_app'
«time»   Verbose  |       [«svc».Db.Password] = '********'
«time»   Verbose  |       [«svc».Db.ConnectionString] = 'Server=#{«svc».Db.Host};Database=«db»;User Id=#{«svc».Db.User};Password=#{«svc».Db.Password}'
""",
)
_t(
    "plain",
    "gpp groups xml without cpassword",
    r"""
PS C:\> Get-ChildItem \\«corp».local\SYSVOL\«corp».local\Policies -Recurse -Filter Groups.xml | Select-String -Pattern "cpassword"

\\«corp».local\SYSVOL\«corp».local\Policies\{«GUID»}\Machine\Preferences\Groups\Groups.xml:2:<Groups clsid="{3125E937-EB16-4b4c-9934-544FC6D24D26}"><User clsid="{DF5F1855-51E5-4d24-8B1A-D9BDE98BA1D1}" name="Administrator (built-in)" image="2" changed="«date» 10:11:12" uid="{«GUID»}"><Properties action="U" newName="" fullName="" description="" cpassword="" changeLogon="0" noChange="0" neverExpires="0" acctDisabled="1" subAuthority="RID_ADMIN" userName="Administrator (built-in)"/></User></Groups>
""",
)
_t(
    "plain",
    "chat about rotating with key id",
    r"""
[«time»] «first»: rotated the «svc» storage key — key1 regenerated at «time» UTC, apps now on key2
[«time»] «first#2»: thanks. Key Vault secret `«stg»-key` is now version «hex32»
[«time»] «first»: old SAS tokens signed with key1 are dead, expect 403 from anything still holding one
""",
)
_t(
    "plain",
    "bitlocker status without recovery password",
    r"""
C:\>manage-bde -status C:
BitLocker Drive Encryption: Configuration Tool version 10.0.22621

Volume C: [OS]
[OS Volume]

    Size:                 475.83 GB
    BitLocker Version:    2.0
    Conversion Status:    Fully Encrypted
    Percentage Encrypted: 100.0%
    Encryption Method:    XTS-AES 128
    Protection Status:    Protection On
    Lock Status:          Unlocked
    Identification Field: Unknown
    Key Protectors:
        TPM
        Numerical Password
""",
)
_t(
    "plain",
    "dotnet --info",
    r"""
.NET SDK:
 Version:           «net»
 Commit:            «short»«short»
 Workload version:  «net»-manifests.«short»
 MSBuild version:   17.12.7+5b8665660

Runtime Environment:
 OS Name:     Windows
 OS Version:  10.0.22631
 OS Platform: Windows
 RID:         win-x64
 Base Path:   C:\Program Files\dotnet\sdk\«net»\

Host:
  Version:      9.0.0
  Architecture: x64
  Commit:       «short»«short»
""",
)
_t(
    "plain",
    "windows update log kb ids",
    r"""
«date» 03:10:44.1234567 «n3»  «n3»  Agent           * START *  Finding updates CallerId = UpdateOrchestrator  Id = 1
«date» 03:10:51.2213344 «n3»  «n3»  Agent           Update {«GUID»}.200 is pickup-able
«date» 03:11:02.7782211 «n3»  «n3»  Handler         Installing «kb» (revision 1), update id {«GUID»}
«date» 03:14:20.0031123 «n3»  «n3»  ComApi          * END *   Install ClientId = UpdateOrchestrator, Updates = 1, ServiceId = {«GUID»}
""",
)
_t(
    "plain",
    "rdp file negative in notes",
    r"""
Saved connection for the reporting box:
full address:s:«host».«corp».local
username:s:«dom»\«user»
password 51:b:«DPAPI»
(the password blob is DPAPI, only opens on my laptop)
""",
)
_t(
    "plain",
    "dsregcmd status",
    r"""
+----------------------------------------------------------------------+
| Device State                                                         |
+----------------------------------------------------------------------+

             AzureAdJoined : YES
          EnterpriseJoined : NO
              DomainJoined : YES
                DomainName : «dom»
+----------------------------------------------------------------------+
| Device Details                                                       |
+----------------------------------------------------------------------+

                  DeviceId : «guid»
                Thumbprint : «thumb»
 DeviceCertificateValidity : [ «psdate» -- «psdate» ]
            KeyContainerId : «guid»
               KeyProvider : Microsoft Platform Crypto Provider
              TpmProtected : YES
                  TenantId : «guid»
""",
)
_t(
    "plain",
    "pfx imported summary",
    r"""
Renewed wildcard cert for *.«corp».com, valid until «date».
Imported on «host» and «host#2» into LocalMachine\My.
Thumbprint: «thumb»
Serial:     «serial»
Key Vault:  https://«kvname».vault.azure.net/certificates/wildcard-«corp»/«hex32»
Password for the PFX is in the vault entry "wildcard pfx «date»".
""",
)
_t(
    "plain",
    "putty public key only",
    r"""
PS C:\Users\«user»\.ssh> Get-Content .\«svc»-deploy.pub
---- BEGIN SSH2 PUBLIC KEY ----
Comment: "rsa-key-«date»"
«ppkpub»
---- END SSH2 PUBLIC KEY ----
PS C:\Users\«user»\.ssh> ssh-keygen -lf .\«svc»-deploy.pub
2048 SHA256:«x5t» rsa-key-«date» (RSA)
""",
)
_t(
    "plain",
    "known_hosts and fingerprints",
    r"""
PS C:\> ssh «user»@«host».«corp».local
The authenticity of host '«host».«corp».local («ip»)' can't be established.
ECDSA key fingerprint is SHA256:«x5t».
Are you sure you want to continue connecting (yes/no/[fingerprint])? yes
Warning: Permanently added '«host».«corp».local' (ECDSA) to the list of known hosts.
«user»@«host».«corp».local's password:
Microsoft Windows [Version 10.0.20348.2849]
""",
)
_t(
    "plain",
    "application insights startup log",
    r"""
«ts» info: Microsoft.Hosting.Lifetime[0] Application started. Press Ctrl+C to shut down.
«ts» info: Microsoft.Hosting.Lifetime[0] Hosting environment: Production
«ts» info: «app».Startup[0] Telemetry: InstrumentationKey=«guid»;IngestionEndpoint=https://«region»-5.in.applicationinsights.azure.com/;LiveEndpoint=https://«region».livediagnostics.monitor.azure.com/;ApplicationId=«guid»
«ts» info: «app».Startup[0] Key Vault: https://«kvname».vault.azure.net/ (managed identity «guid»)
""",
)
_t(
    "plain",
    "email about password policy",
    r"""
From: IT Service Desk <servicedesk@«corp».com>
Subject: Password expiry in 7 days

Dear «first»,

Your «dom» password expires on «date». Change it with Ctrl+Alt+Del > Change a password, or at https://passwordreset.microsoftonline.com.
Passwords must be at least 14 characters and must not contain your name. Never send your password by e-mail; the service desk will never ask for it.
""",
)
_t(
    "plain",
    "sysmon event network with guid",
    r"""
Network connection detected:
RuleName: -
UtcTime: «date» 10:42:13.221
ProcessGuid: {«guid»}
ProcessId: «pid»
Image: C:\Program Files\dotnet\dotnet.exe
User: «dom»\svc_«svc»
Protocol: tcp
Initiated: true
SourceIp: «ip»
SourcePort: «pid»
DestinationIp: «ip»
DestinationHostname: «svc»-sql-prd.database.windows.net
DestinationPort: 1433
""",
)
_t(
    "plain",
    "mimikatz output with null passwords",
    r"""
Authentication Id : 0 ; 996 (00000000:000003e4)
Session           : Service from 0
User Name         : «host»$
Domain            : «dom»
Logon Server      : (null)
Logon Time        : «psdate»
SID               : S-1-5-20
        msv :
        wdigest :
         * Username : «host»$
         * Domain   : «dom»
         * Password : (null)
        kerberos :
         * Username : «host»$
         * Domain   : «dom|lower».local
         * Password : (null)
""",
)
_t(
    "plain",
    "product key in inventory",
    r"""
Asset «n6» — «host»
  Edition: Windows Server 2022 Datacenter
  Activation: KMS (kms.«corp».local:1688)
  Product key: KMS client setup key «gvlk» (GVLK from the Microsoft docs table)
  Serial: «serial»
  Warranty: until «date»
""",
)
_t(
    "plain",
    "az account show",
    r"""
PS C:\> az account show
{
  "environmentName": "AzureCloud",
  "homeTenantId": "«guid#t»",
  "id": "«guid»",
  "isDefault": true,
  "managedByTenants": [],
  "name": "«proj» Production",
  "state": "Enabled",
  "tenantId": "«#t»",
  "user": {
    "name": "«user»@«corp».com",
    "type": "user"
  }
}
""",
)
_t(
    "plain",
    "dotnet test output with guids",
    r"""
PS C:\src\«app»> dotnet test --logger "trx;LogFileName=results.trx"
  Determining projects to restore...
  All projects are up-to-date for restore.
  «app».Tests -> C:\src\«app»\tests\bin\Debug\«tfm»\«app».Tests.dll
Test run for C:\src\«app»\tests\bin\Debug\«tfm»\«app».Tests.dll (.NETCoreApp,Version=v9.0)
A total of 1 test files matched the specified pattern.
Results File: C:\src\«app»\tests\TestResults\results.trx

Passed!  - Failed:     0, Passed:   «int», Skipped:     2, Total:   «int», Duration: 4 s - «app».Tests.dll (net9.0)
""",
)
_t(
    "plain",
    "nuget restore verbose with hashes",
    r"""
  GET https://api.nuget.org/v3-flatcontainer/microsoft.data.sqlclient/5.2.2/microsoft.data.sqlclient.5.2.2.nupkg
  OK https://api.nuget.org/v3-flatcontainer/microsoft.data.sqlclient/5.2.2/microsoft.data.sqlclient.5.2.2.nupkg «ms»ms
Installed Microsoft.Data.SqlClient 5.2.2 from https://api.nuget.org/v3/index.json to C:\Users\«user»\.nuget\packages\microsoft.data.sqlclient\5.2.2 with content hash «sha512b64».
Installed Azure.Identity 1.13.1 from https://api.nuget.org/v3/index.json to C:\Users\«user»\.nuget\packages\azure.identity\1.13.1 with content hash «sha512b64».
""",
)
_t(
    "plain",
    "sql server configuration note",
    r"""
SQL «host»\REPORTING
  Auth: Windows only (mixed mode disabled, sa disabled)
  Service account: «dom»\gmsa-sqlrpt$
  Port: 1433, Force Encryption = Yes, cert thumbprint «thumb»
  Backups: Ola Hallengren jobs, to \\«host#2»\sqlbackup, 14 days
""",
)
_t(
    "plain",
    "convertfrom-securestring stored file listing",
    r"""
PS C:\secure> Get-ChildItem | Format-Table Name, Length
Name             Length
----             ------
«svc».cred          «n3»
«svc».aes.key        32
PS C:\secure> Get-Content .\«svc».cred
«sskey»
""",
)
_t(
    "plain",
    "laps note policy",
    r"""
LAPS rollout status («date»)
- Policy: Windows LAPS, backup to Azure AD, complexity 4, length 20, age 30 days
- Admin account name: lapsadmin
- To read a password: Get-LapsAADPassword -DeviceIds «guid» -IncludePasswords -AsPlainText (requires Device.LocalCredentials.Read.All)
- Devices reporting: «int» / «int»
""",
)

# ---- yaml: pipelines and deployment files, with secrets ---------------------------------------

_t(
    "yaml",
    "azure pipelines inline variables",
    r"""
trigger:
  branches:
    include: [ main ]

pool:
  vmImage: windows-2022

variables:
  buildConfiguration: 'Release'
  dbServer: '«host».database.windows.net'
  dbUser: '«svc»_deploy'
  dbPassword: '«!pw»'

steps:
- task: UseDotNet@2
  inputs:
    version: '«net»'
- script: dotnet build --configuration $(buildConfiguration)
  displayName: 'dotnet build $(buildConfiguration)'
""",
)
_t(
    "yaml",
    "azure pipelines setvariable issecret",
    r"""
steps:
- powershell: |
    $token = "«!jwt»"
    Write-Host "##vso[task.setvariable variable=armToken;issecret=true]$token"
  displayName: 'Get ARM token'
- pwsh: ./scripts/deploy.ps1 -Token $(armToken)
  displayName: 'Deploy'
""",
)
_t(
    "yaml",
    "azure pipelines logging command literal",
    r"""
- script: |
    echo ##vso[task.setvariable variable=sqlPassword;issecret=true]«!pw»
    echo ##vso[task.setvariable variable=sqlUser]«svc»_app
  displayName: Set SQL credentials
- task: SqlAzureDacpacDeployment@1
  inputs:
    azureSubscription: '«proj»-arm'
    ServerName: '«host».database.windows.net'
    DatabaseName: '«db»'
    SqlUsername: '$(sqlUser)'
    SqlPassword: '$(sqlPassword)'
    DacpacFile: '$(Pipeline.Workspace)/drop/«db».dacpac'
""",
)
_t(
    "yaml",
    "azure pipelines env block secret",
    r"""
- task: DotNetCoreCLI@2
  displayName: Integration tests
  inputs:
    command: test
    projects: 'tests/**/*.IntegrationTests.csproj'
    arguments: '--configuration Release --logger trx'
  env:
    ConnectionStrings__Default: 'Server=«host»;Database=«db»_test;User Id=tester;Password=«!pw»;TrustServerCertificate=true'
    Stripe__SecretKey: '«!stripe»'
    ASPNETCORE_ENVIRONMENT: Testing
""",
)
_t(
    "yaml",
    "azure pipelines nuget push api key",
    r"""
- task: NuGetCommand@2
  displayName: Push to nuget.org
  inputs:
    command: custom
    arguments: 'push $(Build.ArtifactStagingDirectory)\*.nupkg -Source https://api.nuget.org/v3/index.json -ApiKey «!nuget» -SkipDuplicate'
""",
)
_t(
    "yaml",
    "azure pipelines docker login",
    r"""
- script: |
    docker login «corp»acr.azurecr.io -u «corp»acr -p «!acr»
    docker build -t «corp»acr.azurecr.io/«svc»:$(Build.BuildId) -f src/«app»/Dockerfile .
    docker push «corp»acr.azurecr.io/«svc»:$(Build.BuildId)
  displayName: Build and push image
""",
)
_t(
    "yaml",
    "azure pipelines iis deploy credentials",
    r"""
- task: IISWebAppDeploymentOnMachineGroup@0
  inputs:
    WebSiteName: '«svc»'
    Package: '$(Pipeline.Workspace)\drop\«app».zip'
    TakeAppOfflineFlag: true
- task: WindowsMachineFileCopy@2
  inputs:
    SourcePath: '$(Pipeline.Workspace)\drop'
    MachineNames: '«host».«corp».local'
    AdminUserName: '«dom»\svc_deploy'
    AdminPassword: '«!pw»'
    TargetPath: 'D:\sites\«svc»'
""",
)
_t(
    "yaml",
    "azure pipelines powershell on target machines",
    r"""
- task: PowerShellOnTargetMachines@3
  inputs:
    Machines: '«host»:5986'
    UserName: '«dom»\«user»'
    UserPassword: '«!pw»'
    ScriptType: 'Inline'
    InlineScript: |
      Import-Module WebAdministration
      Restart-WebAppPool -Name «svc»Pool
    CommunicationProtocol: 'Https'
""",
)
_t(
    "yaml",
    "github actions windows nuget source",
    r"""
jobs:
  build:
    runs-on: windows-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-dotnet@v4
        with:
          dotnet-version: '9.0.x'
      - name: Add GitHub Packages source
        run: dotnet nuget add source --username «user» --password «!ghp» --store-password-in-clear-text --name github "https://nuget.pkg.github.com/«org»/index.json"
      - run: dotnet restore
      - run: dotnet build --no-restore -c Release
""",
)
_t(
    "yaml",
    "github actions env azure credentials",
    r"""
name: deploy-webapp
on:
  push:
    branches: [ main ]
env:
  AZURE_WEBAPP_NAME: «svc»-prd
  AZURE_CLIENT_ID: «guid»
  AZURE_TENANT_ID: «guid»
  AZURE_CLIENT_SECRET: «!aad»
jobs:
  deploy:
    runs-on: windows-2022
    steps:
      - uses: actions/checkout@v4
      - run: dotnet publish src/«app» -c Release -o publish
""",
)
_t(
    "yaml",
    "github actions publish profile inline",
    r"""
      - name: Deploy to Azure Web App
        uses: azure/webapps-deploy@v3
        with:
          app-name: «svc»-prd
          package: publish
          publish-profile: '<publishData><publishProfile profileName="«svc»-prd - Web Deploy" publishMethod="MSDeploy" publishUrl="«svc»-prd.scm.azurewebsites.net:443" msdeploySite="«svc»-prd" userName="$«svc»-prd" userPWD="«!pubpw»" destinationAppUrl="https://«svc»-prd.azurewebsites.net" /></publishData>'
""",
)
_t(
    "yaml",
    "docker compose mssql sa password",
    r"""
services:
  sqlserver:
    image: mcr.microsoft.com/mssql/server:2022-latest
    environment:
      ACCEPT_EULA: "Y"
      MSSQL_SA_PASSWORD: "«!pw»"
      MSSQL_PID: Developer
    ports:
      - "1433:1433"
  api:
    build: ./src/«app».Api
    environment:
      - ConnectionStrings__Default=Server=sqlserver;Database=«db»;User Id=sa;Password=«!pw»;TrustServerCertificate=True
    depends_on:
      - sqlserver
""",
)
_t(
    "yaml",
    "docker compose windows containers iis",
    r"""
version: "3.9"
services:
  web:
    image: «corp»acr.azurecr.io/«svc»-iis:ltsc2022
    isolation: process
    environment:
      APP_POOL_USER: «dom»\svc_«svc»
      APP_POOL_PASSWORD: «!pw»
      SMTP__PASSWORD: «!sendgrid»
    ports:
      - "8080:80"
""",
)
_t(
    "yaml",
    "kubernetes secret stringdata dotnet",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: «svc»-secrets
  namespace: «svc»
type: Opaque
stringData:
  ConnectionStrings__Default: "Server=tcp:«host».database.windows.net,1433;Database=«db»;User ID=«svc»_app;Password=«!pw»;Encrypt=True"
  AzureAd__ClientSecret: "«!aad»"
  ServiceBus__ConnectionString: "Endpoint=sb://«corp»-bus.servicebus.windows.net/;SharedAccessKeyName=app;SharedAccessKey=«!key44»"
""",
)
_t(
    "yaml",
    "kubernetes secret data base64",
    r"""
apiVersion: v1
kind: Secret
metadata:
  name: «svc»-sql
  labels:
    app.kubernetes.io/name: «svc»
type: Opaque
data:
  username: «user|b64»
  password: «!pw|b64»
""",
)
_t(
    "yaml",
    "helm values dotnet app",
    r"""
image:
  repository: «corp»acr.azurecr.io/«svc»
  tag: "«ver»"
env:
  ASPNETCORE_ENVIRONMENT: Production
  Logging__LogLevel__Default: Information
secrets:
  ConnectionStrings__Redis: "«corp»-cache.redis.cache.windows.net:6380,password=«!key44»,ssl=True,abortConnect=False"
  Jwt__Key: "«!signkey»"
""",
)
_t(
    "yaml",
    "ansible windows inventory winrm",
    r"""
all:
  children:
    windows:
      hosts:
        «host».«corp».local:
        «host#2».«corp».local:
      vars:
        ansible_user: «dom»\svc_ansible
        ansible_password: '«!pw»'
        ansible_connection: winrm
        ansible_winrm_transport: kerberos
        ansible_winrm_server_cert_validation: ignore
        ansible_port: 5986
""",
)
_t(
    "yaml",
    "ansible win_user task",
    r"""
- name: Create local service account
  ansible.windows.win_user:
    name: svc_«svc»
    password: "«!pw»"
    password_never_expires: true
    groups:
      - Users
    state: present

- name: Run the worker as that account
  ansible.windows.win_service:
    name: «svc»Worker
    username: .\svc_«svc»
    password: "«!pw»"
    start_mode: auto
""",
)
_t(
    "yaml",
    "azure container apps secrets",
    r"""
properties:
  configuration:
    activeRevisionsMode: Single
    secrets:
      - name: sql-connection
        value: "Server=tcp:«host».database.windows.net;Database=«db»;User ID=app;Password=«!pw»;Encrypt=True"
      - name: openai-key
        value: «!hex32»
    ingress:
      external: true
      targetPort: 8080
  template:
    containers:
      - name: «svc»
        image: «corp»acr.azurecr.io/«svc»:«ver»
        env:
          - name: ConnectionStrings__Default
            secretRef: sql-connection
""",
)
_t(
    "yaml",
    "appveyor plain environment",
    r"""
version: 1.0.{build}
image: Visual Studio 2022
environment:
  NUGET_API_KEY: «!nuget»
  CODECOV_TOKEN: «guid»
build_script:
  - ps: dotnet pack -c Release -o artifacts
deploy_script:
  - ps: dotnet nuget push artifacts\*.nupkg -k $env:NUGET_API_KEY -s https://api.nuget.org/v3/index.json
""",
)
_t(
    "yaml",
    "gitlab ci windows runner",
    r"""
build:windows:
  stage: build
  tags: [ windows, shell ]
  variables:
    MSBUILD_PUBLISH_PASSWORD: "«!pw»"
  script:
    - '& "C:\Program Files\Microsoft Visual Studio\2022\BuildTools\MSBuild\Current\Bin\MSBuild.exe" «app».sln /p:Configuration=Release /p:DeployOnBuild=true /p:PublishProfile=Staging /p:Password=$env:MSBUILD_PUBLISH_PASSWORD'
""",
)
_t(
    "yaml",
    "azure pipelines service connection via script",
    r"""
- task: AzureCLI@2
  inputs:
    azureSubscription: '«proj»-arm'
    scriptType: pscore
    scriptLocation: inlineScript
    inlineScript: |
      az storage blob upload --account-name «stg» --account-key «!azkey» -c drops -f $(Build.ArtifactStagingDirectory)/«app».zip -n «app»-$(Build.BuildNumber).zip
""",
)
_t(
    "yaml",
    "azure pipelines teams notification",
    r"""
- task: PowerShell@2
  condition: failed()
  inputs:
    targetType: inline
    script: |
      $body = @{ text = "Build $(Build.BuildNumber) failed" } | ConvertTo-Json
      Invoke-RestMethod -Method Post -ContentType 'application/json' -Body $body -Uri 'https://«corp».webhook.office.com/webhookb2/«!teams»'
""",
)
_t(
    "yaml",
    "dapr component azure storage",
    r"""
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: statestore
spec:
  type: state.azure.blobstorage
  version: v1
  metadata:
  - name: accountName
    value: «stg»
  - name: accountKey
    value: "«!azkey»"
  - name: containerName
    value: «svc»-state
""",
)
_t(
    "yaml",
    "dapr component service bus",
    r"""
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: pubsub
spec:
  type: pubsub.azure.servicebus.topics
  version: v1
  metadata:
  - name: connectionString
    value: "Endpoint=sb://«corp»-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«!key44»"
""",
)
_t(
    "yaml",
    "github actions winget submit token",
    r"""
      - name: Submit to winget
        shell: pwsh
        run: |
          iwr https://aka.ms/wingetcreate/latest -OutFile wingetcreate.exe
          .\wingetcreate.exe update «corp».«svc» --version «ver» --urls https://github.com/«org»/«svc»/releases/download/v«ver»/«svc»-«ver»-x64.msi --submit --token «!ghp»
""",
)
_t(
    "yaml",
    "azure devops yaml variable template",
    r"""
# templates/variables-prod.yml
variables:
- name: webAppName
  value: «svc»-prd
- name: sqlAdminLogin
  value: sqladmin
- name: sqlAdminPassword
  value: «!pw»
- name: appInsightsConnectionString
  value: InstrumentationKey=«guid»;IngestionEndpoint=https://«region»-1.in.applicationinsights.azure.com/
""",
)
_t(
    "yaml",
    "bicep parameters yaml-like deploy",
    r"""
- task: AzureResourceManagerTemplateDeployment@3
  inputs:
    deploymentScope: 'Resource Group'
    azureResourceManagerConnection: '«proj»-arm'
    subscriptionId: '«guid»'
    resourceGroupName: 'rg-«svc»-prd'
    location: '«region»'
    csmFile: 'infra/main.bicep'
    overrideParameters: '-vmAdminUsername azureadmin -vmAdminPassword «!pwr» -environment prd'
""",
)
_t(
    "yaml",
    "octopus tentacle k8s values",
    r"""
tentacle:
  serverUrl: https://deploy.«corp».com
  serverApiKey: «!octo»
  space: Default
  environment: Production
  roles:
    - «svc»-web
""",
)
_t(
    "yaml",
    "windows docker compose sql and seq",
    r"""
services:
  seq:
    image: datalust/seq:latest
    environment:
      ACCEPT_EULA: "Y"
      SEQ_FIRSTRUN_ADMINPASSWORD: "«!pwh»"
  worker:
    image: «svc»-worker:dev
    environment:
      Serilog__WriteTo__0__Args__serverUrl: http://seq:5341
      Serilog__WriteTo__0__Args__apiKey: «!apikey»
""",
)
_t(
    "yaml",
    "github actions sign with pfx base64",
    r"""
      - name: Import signing certificate
        shell: pwsh
        env:
          PFX_PASSWORD: «!pw»
        run: |
          $bytes = [Convert]::FromBase64String("«!pfx»")
          [IO.File]::WriteAllBytes("codesign.pfx", $bytes)
          Import-PfxCertificate -FilePath codesign.pfx -CertStoreLocation Cert:\CurrentUser\My -Password (ConvertTo-SecureString $env:PFX_PASSWORD -AsPlainText -Force)
""",
)
_t(
    "yaml",
    "azure pipelines ssh key file content",
    r"""
- task: Bash@3
  displayName: Write deploy key
  inputs:
    targetType: inline
    script: |
      mkdir -p ~/.ssh
      cat > ~/.ssh/id_ed25519 <<'EOF'
      «!openssh»
      EOF
      chmod 600 ~/.ssh/id_ed25519
""",
)
_t(
    "yaml",
    "ado pipeline sendgrid and azure openai",
    r"""
variables:
  - group: «svc»-common
  - name: SendGrid.ApiKey
    value: «!sendgrid»
  - name: AzureOpenAI.Endpoint
    value: https://«corp»-oai.openai.azure.com/
  - name: AzureOpenAI.ApiKey
    value: «!hex32»
""",
)
_t(
    "yaml",
    "azure static web apps token literal",
    r"""
jobs:
  build_and_deploy_job:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: builddeploy
        uses: Azure/static-web-apps-deploy@v1
        with:
          azure_static_web_apps_api_token: «!swa»
          repo_token: ${{ secrets.GITHUB_TOKEN }}
          action: "upload"
          app_location: "/src/«app».Client"
          output_location: "wwwroot"
""",
)
_t(
    "yaml",
    "kubernetes windows node gmsa plus secret",
    r"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: «svc»-win
spec:
  template:
    spec:
      nodeSelector:
        kubernetes.io/os: windows
      securityContext:
        windowsOptions:
          gmsaCredentialSpecName: gmsa-«svc»
      containers:
        - name: «svc»
          image: «corp»acr.azurecr.io/«svc»:«ver»-ltsc2022
          env:
            - name: LEGACY_DB_PASSWORD
              value: "«!pw»"
""",
)
_t(
    "yaml",
    "azure pipelines az devops extension pat",
    r"""
- pwsh: |
    $env:AZURE_DEVOPS_EXT_PAT = '«!adopat»'
    az devops configure --defaults organization=$(System.CollectionUri) project=$(System.TeamProject)
    az pipelines runs list --top 5 -o table
  displayName: List recent runs
""",
)
_t(
    "yaml",
    "docker compose azurite plus real key",
    r"""
services:
  azurite:
    image: mcr.microsoft.com/azure-storage/azurite
    ports: [ "10000:10000", "10001:10001" ]
  functions:
    build: ./src/«app».Functions
    environment:
      AzureWebJobsStorage: "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://azurite"
      ArchiveStorage: "DefaultEndpointsProtocol=https;AccountName=«stg»;AccountKey=«!azkey»;EndpointSuffix=core.windows.net"
""",
)
_t(
    "yaml",
    "ansible win_domain_user",
    r"""
- name: Ensure reporting user exists
  microsoft.ad.user:
    identity: rpt_reader
    firstname: Reporting
    path: OU=Service Accounts,DC=«corp»,DC=local
    password: «!pwh»
    update_password: on_create
    state: present
  vars:
    ansible_become_password: «!pw»
""",
)
_t(
    "yaml",
    "azure pipelines sqlcmd script step",
    r"""
- script: |
    sqlcmd -S «host».database.windows.net -d «db» -U «svc»_deploy -P «!pw» -i $(Pipeline.Workspace)\drop\post-deploy.sql -b
  displayName: Post-deploy SQL
  workingDirectory: $(Pipeline.Workspace)
""",
)
_t(
    "yaml",
    "github actions choco push key",
    r"""
      - name: Push to Chocolatey
        shell: pwsh
        run: |
          choco apikey --key «!guid» --source https://push.chocolatey.org/
          choco push .\dist\«svc».«ver».nupkg --source https://push.chocolatey.org/
""",
)

# ---- yaml: without secrets --------------------------------------------------------------------

_t(
    "yaml",
    "azure pipelines variable group and key vault",
    r"""
trigger:
- main

pool:
  vmImage: windows-2022

variables:
- group: «svc»-prd-secrets
- name: buildConfiguration
  value: Release

steps:
- task: AzureKeyVault@2
  inputs:
    azureSubscription: '«proj»-arm'
    KeyVaultName: '«kvname»'
    SecretsFilter: 'SqlAdminPassword,StripeSecretKey'
    RunAsPreJob: true
- script: dotnet test -c $(buildConfiguration)
  env:
    ConnectionStrings__Default: $(SqlConnectionString)
    Stripe__SecretKey: $(StripeSecretKey)
""",
)
_t(
    "yaml",
    "azure pipelines system access token",
    r"""
- pwsh: |
    git -c http.extraheader="AUTHORIZATION: bearer $(System.AccessToken)" push origin HEAD:refs/heads/release/$(Build.BuildNumber)
  displayName: Push release branch
  env:
    SYSTEM_ACCESSTOKEN: $(System.AccessToken)
- task: NuGetAuthenticate@1
- script: dotnet restore --configfile nuget.config
""",
)
_t(
    "yaml",
    "azure pipelines setvariable non secret",
    r"""
- pwsh: |
    $version = (Get-Content ./version.json | ConvertFrom-Json).version
    Write-Host "##vso[task.setvariable variable=packageVersion]$version.$(Build.BuildId)"
    Write-Host "##vso[build.updatebuildnumber]$version.$(Build.BuildId)"
    Write-Host "##vso[task.setvariable variable=commitSha;isOutput=true]$(Build.SourceVersion)"
  name: versioning
""",
)
_t(
    "yaml",
    "azure pipelines secret variable mapping",
    r"""
- task: PowerShellOnTargetMachines@3
  inputs:
    Machines: '«host»:5986'
    UserName: '«dom»\svc_deploy'
    UserPassword: '$(DeployPassword)'
    ScriptType: 'FilePath'
    ScriptPath: 'C:\deploy\Install-Site.ps1'
    ScriptArguments: '-SiteName «svc» -AppPoolPassword "$(AppPoolPassword)"'
    CommunicationProtocol: 'Https'
""",
)
_t(
    "yaml",
    "github actions secrets references windows",
    r"""
jobs:
  build:
    runs-on: windows-latest
    steps:
      - uses: actions/checkout@v4
      - uses: azure/login@v2
        with:
          client-id: ${{ secrets.AZURE_CLIENT_ID }}
          tenant-id: ${{ secrets.AZURE_TENANT_ID }}
          subscription-id: ${{ secrets.AZURE_SUBSCRIPTION_ID }}
      - name: Add feed
        run: dotnet nuget add source --username ${{ github.actor }} --password ${{ secrets.GITHUB_TOKEN }} --store-password-in-clear-text --name github "https://nuget.pkg.github.com/«org»/index.json"
""",
)
_t(
    "yaml",
    "github actions oidc federated",
    r"""
permissions:
  id-token: write
  contents: read
jobs:
  deploy:
    runs-on: windows-2022
    environment: production
    steps:
      - uses: azure/login@v2
        with:
          client-id: «guid»
          tenant-id: «guid»
          subscription-id: «guid»
      - uses: azure/webapps-deploy@v3
        with:
          app-name: «svc»-prd
          package: ./publish
""",
)
_t(
    "yaml",
    "appveyor secure values",
    r"""
version: '{build}'
image: Visual Studio 2022
environment:
  NUGET_API_KEY:
    secure: «secure»
  GITHUB_TOKEN:
    secure: «secure»
  CODECOV_TOKEN:
    secure: «secure»
deploy:
  - provider: NuGet
    api_key:
      secure: «secure»
    on:
      appveyor_repo_tag: true
""",
)
_t(
    "yaml",
    "docker compose env file references",
    r"""
services:
  sqlserver:
    image: mcr.microsoft.com/mssql/server:2022-latest
    environment:
      ACCEPT_EULA: "Y"
      MSSQL_SA_PASSWORD: ${SA_PASSWORD:?set SA_PASSWORD in .env}
    ports:
      - "1433:1433"
  api:
    build: ./src/«app».Api
    env_file: .env
    environment:
      ConnectionStrings__Default: "Server=sqlserver;Database=«db»;User Id=sa;Password=${SA_PASSWORD};TrustServerCertificate=True"
""",
)
_t(
    "yaml",
    "docker compose azurite dev storage",
    r"""
services:
  azurite:
    image: mcr.microsoft.com/azure-storage/azurite
    command: azurite --blobHost 0.0.0.0 --queueHost 0.0.0.0 --loose
    ports: [ "10000:10000", "10001:10001", "10002:10002" ]
  functions:
    build: ./src/«app».Functions
    environment:
      AzureWebJobsStorage: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=«azurite»;BlobEndpoint=http://azurite:10000/devstoreaccount1;QueueEndpoint=http://azurite:10001/devstoreaccount1;"
      FUNCTIONS_WORKER_RUNTIME: dotnet-isolated
""",
)
_t(
    "yaml",
    "kubernetes secret key vault csi",
    r"""
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: «svc»-kv
spec:
  provider: azure
  parameters:
    usePodIdentity: "false"
    clientID: «guid»
    keyvaultName: «kvname»
    tenantId: «guid»
    objects: |
      array:
        - |
          objectName: SqlConnectionString
          objectType: secret
        - |
          objectName: «svc»-tls
          objectType: cert
""",
)
_t(
    "yaml",
    "kubernetes deployment secretkeyref",
    r"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: «svc»
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: «svc»
          image: «corp»acr.azurecr.io/«svc»@sha256:«sha256»
          env:
            - name: ConnectionStrings__Default
              valueFrom:
                secretKeyRef:
                  name: «svc»-secrets
                  key: ConnectionStrings__Default
            - name: ASPNETCORE_URLS
              value: http://+:8080
""",
)
_t(
    "yaml",
    "ansible windows inventory vault",
    r"""
all:
  children:
    windows:
      hosts:
        «host».«corp».local:
      vars:
        ansible_user: «dom»\svc_ansible
        ansible_password: "{{ vault_winrm_password }}"
        ansible_connection: winrm
        ansible_winrm_transport: kerberos
        ansible_port: 5986
""",
)
_t(
    "yaml",
    "ansible vault encrypted windows vars",
    r"""
ansible_connection: winrm
ansible_winrm_transport: ntlm
ansible_user: «dom»\svc_ansible
ansible_password: !vault |
          $ANSIBLE_VAULT;1.1;AES256
          «sha256»
          «sha256»
          «sha256»
          «hex32»
""",
)
_t(
    "yaml",
    "winget manifest installer",
    r"""
# yaml-language-server: $schema=https://aka.ms/winget-manifest.installer.1.6.0.schema.json
PackageIdentifier: «corp».«svc»
PackageVersion: «ver»
InstallerType: wix
Scope: machine
Installers:
- Architecture: x64
  InstallerUrl: https://github.com/«org»/«svc»/releases/download/v«ver»/«svc»-«ver»-x64.msi
  InstallerSha256: «SHA256»
  ProductCode: '{«GUID»}'
  AppsAndFeaturesEntries:
  - UpgradeCode: '{«GUID»}'
ManifestType: installer
ManifestVersion: 1.6.0
""",
)
_t(
    "yaml",
    "azure pipelines octopus token replacement",
    r"""
- task: OctopusCreateRelease@6
  inputs:
    OctoConnectedServiceName: 'octopus-prod'
    Space: 'Spaces-1'
    Project: '«proj»'
    ReleaseNumber: '$(Build.BuildNumber)'
    AdditionalArguments: '--variable="Db.Password:#{Db.Password}" --variable="Smtp.Password:#{Smtp.Password}"'
""",
)
_t(
    "yaml",
    "helm values with existing secret",
    r"""
image:
  repository: «corp»acr.azurecr.io/«svc»
  tag: "«ver»"
  pullSecrets: [ acr-pull ]
database:
  host: «host».database.windows.net
  name: «db»
  existingSecret: «svc»-sql
  passwordKey: password
azureAd:
  tenantId: «guid»
  clientId: «guid»
  clientSecretRef: «svc»-aad/clientSecret
""",
)
_t(
    "yaml",
    "container apps secret keyvault reference",
    r"""
properties:
  configuration:
    secrets:
      - name: sql-connection
        keyVaultUrl: https://«kvname».vault.azure.net/secrets/SqlConnection
        identity: /subscriptions/«guid»/resourceGroups/rg-«svc»/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-«svc»
    registries:
      - server: «corp»acr.azurecr.io
        identity: system
""",
)
_t(
    "yaml",
    "azure pipelines masked log yaml echo",
    r"""
- script: |
    echo Using feed user $(FeedUser)
    nuget sources add -Name internal -Source https://pkgs.«corp».local/nuget -Username $(FeedUser) -Password $(FeedPassword)
  displayName: Add feed
  env:
    FEED_PASSWORD: $(FeedPassword)  # secret variable, masked as *** in logs
""",
)
_t(
    "yaml",
    "github dependabot nuget registry",
    r"""
version: 2
registries:
  ado-feed:
    type: nuget-feed
    url: https://pkgs.dev.azure.com/«org»/_packaging/«svc»/nuget/v3/index.json
    token: ${{secrets.ADO_FEED_PAT}}
updates:
  - package-ecosystem: nuget
    directory: "/"
    registries: [ ado-feed ]
    schedule:
      interval: weekly
""",
)
_t(
    "yaml",
    "gitlab ci windows masked variables",
    r"""
deploy:iis:
  stage: deploy
  tags: [ windows ]
  script:
    - $secure = ConvertTo-SecureString $env:DEPLOY_PASSWORD -AsPlainText -Force
    - $cred = New-Object PSCredential($env:DEPLOY_USER, $secure)
    - Invoke-Command -ComputerName «host» -Credential $cred -FilePath .\deploy\Install-Site.ps1
  only: [ main ]
""",
)
_t(
    "yaml",
    "dapr component secret store reference",
    r"""
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: statestore
spec:
  type: state.azure.blobstorage
  version: v1
  metadata:
  - name: accountName
    value: «stg»
  - name: accountKey
    secretKeyRef:
      name: «stg»-key
      key: «stg»-key
  - name: containerName
    value: «svc»-state
auth:
  secretStore: azurekeyvault
""",
)
_t(
    "yaml",
    "openapi spec with securitySchemes",
    r"""
openapi: 3.0.1
info:
  title: «app» API
  version: v1
components:
  securitySchemes:
    ApiKey:
      type: apiKey
      in: header
      name: Ocp-Apim-Subscription-Key
    Bearer:
      type: http
      scheme: bearer
      bearerFormat: JWT
security:
  - ApiKey: []
  - Bearer: []
""",
)
_t(
    "yaml",
    "azure pipelines windows agent pool demands",
    r"""
pool:
  name: Windows-Build
  demands:
  - msbuild
  - visualstudio
  - Agent.OS -equals Windows_NT
steps:
- task: VSBuild@1
  inputs:
    solution: '**\*.sln'
    msbuildArgs: '/p:DeployOnBuild=true /p:WebPublishMethod=Package /p:PackageLocation="$(Build.ArtifactStagingDirectory)"'
    platform: 'Any CPU'
    configuration: 'Release'
""",
)
_t(
    "yaml",
    "ansible win_user with password lookup",
    r"""
- name: Create local service account
  ansible.windows.win_user:
    name: svc_«svc»
    password: "{{ lookup('community.hashi_vault.hashi_vault', 'secret=secret/data/«svc»:password') }}"
    password_never_expires: true
    state: present
""",
)
_t(
    "yaml",
    "sealed secret for dotnet app",
    r"""
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: «svc»-secrets
  namespace: «svc»
spec:
  encryptedData:
    ConnectionStrings__Default: AgB«secure»«secure»
    AzureAd__ClientSecret: AgA«secure»«secure»
  template:
    type: Opaque
""",
)
_t(
    "yaml",
    "docker compose placeholder values",
    r"""
services:
  api:
    image: «svc»:dev
    environment:
      ConnectionStrings__Default: "Server=sql;Database=«db»;User Id=sa;Password=<YourStrong!Passw0rd>;TrustServerCertificate=true"
      Jwt__Key: "<generate with: openssl rand -base64 32>"
      SendGrid__ApiKey: "SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
""",
)
_t(
    "yaml",
    "azure pipelines resources with guids",
    r"""
resources:
  repositories:
  - repository: templates
    type: git
    name: «proj»/pipeline-templates
    ref: refs/tags/v«ver»
  pipelines:
  - pipeline: build
    source: «svc»-ci
    trigger: true
stages:
- stage: Deploy
  jobs:
  - deployment: web
    environment: «svc»-prd.«host»
    strategy:
      runOnce:
        deploy:
          steps:
          - download: build
            artifact: drop
""",
)
_t(
    "yaml",
    "kubernetes windows gmsa credspec",
    r"""
apiVersion: windows.k8s.io/v1
kind: GMSACredentialSpec
metadata:
  name: gmsa-«svc»
credspec:
  ActiveDirectoryConfig:
    GroupManagedServiceAccounts:
    - Name: gmsa-«svc»
      Scope: «dom»
  CmsPlugins:
  - ActiveDirectory
  DomainJointConfig:
    DnsName: «corp».local
    DnsTreeName: «corp».local
    Guid: «guid»
    MachineAccountName: gmsa-«svc»
    NetBiosName: «dom»
    Sid: «sid»
""",
)
_t(
    "yaml",
    "github actions windows cache and hashes",
    r"""
      - uses: actions/cache@v4
        with:
          path: ~\.nuget\packages
          key: ${{ runner.os }}-nuget-${{ hashFiles('**/packages.lock.json') }}
          restore-keys: |
            ${{ runner.os }}-nuget-
      - name: Verify installer
        shell: pwsh
        run: |
          $expected = '«SHA256»'
          if ((Get-FileHash .\dist\setup.exe -Algorithm SHA256).Hash -ne $expected) { throw 'hash mismatch' }
""",
)

# ---- source: C#, VB.NET, F#, PowerShell scripts, XML and other config files, with secrets -----

_t(
    "source",
    "csharp sqlconnection literal",
    r"""
using Microsoft.Data.SqlClient;

namespace «app».Data;

public static class LegacyDb
{
    public static SqlConnection Open()
    {
        var conn = new SqlConnection("Server=«host»;Database=«db»;User Id=«user»;Password=«!pw»;TrustServerCertificate=True;");
        conn.Open();
        return conn;
    }
}
""",
)
_t(
    "source",
    "csharp verbatim connection string",
    r"""
        private const string ConnectionString =
            @"Data Source=«host»\SQLEXPRESS;Initial Catalog=«db»;Persist Security Info=True;User ID=sa;Password=«!pw»";

        public OrdersRepository() : this(new SqlConnection(ConnectionString)) { }
""",
)
_t(
    "source",
    "csharp networkcredential",
    r"""
var handler = new HttpClientHandler
{
    Credentials = new NetworkCredential("«user»", "«!pw»", "«dom»"),
    PreAuthenticate = true,
};
using var client = new HttpClient(handler) { BaseAddress = new Uri("https://intranet.«corp».local/") };
var report = await client.GetStringAsync("reports/daily.csv");
""",
)
_t(
    "source",
    "csharp smtpclient credential",
    r"""
using var smtp = new SmtpClient("smtp.office365.com", 587)
{
    EnableSsl = true,
    Credentials = new NetworkCredential("noreply@«corp».com", "«!pwh»"),
};
await smtp.SendMailAsync(new MailMessage("noreply@«corp».com", to, subject, body));
""",
)
_t(
    "source",
    "csharp bearer header literal",
    r"""
public sealed class GraphClientFactory
{
    public HttpClient Create()
    {
        var client = new HttpClient { BaseAddress = new Uri("https://graph.microsoft.com/v1.0/") };
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Bearer", "«!jwt»");
        return client;
    }
}
""",
)
_t(
    "source",
    "csharp basic auth from literal",
    r"""
var bytes = Encoding.ASCII.GetBytes("«user»:«!pw»");
_http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(bytes));
var resp = await _http.GetAsync("https://jira.«corp».com/rest/api/2/search?jql=project=OPS");
""",
)
_t(
    "source",
    "csharp basic auth precomputed",
    r"""
// Jenkins API user «user» (see IT-«int»)
private static readonly AuthenticationHeaderValue JenkinsAuth = new("Basic", "«!basic:#u:#p»");
""".replace("// Jenkins", "«~user#u»«~!pw#p»// Jenkins"),
)
_t(
    "source",
    "csharp securestring appendchar",
    r"""
var secure = new SecureString();
foreach (var c in "«!pw»")
{
    secure.AppendChar(c);
}
secure.MakeReadOnly();
var psi = new ProcessStartInfo("C:\\tools\\sync.exe") { UserName = "svc_sync", Domain = "«dom»", Password = secure, UseShellExecute = false };
Process.Start(psi)!.WaitForExit();
""",
)
_t(
    "source",
    "csharp client secret credential",
    r"""
var credential = new ClientSecretCredential(
    tenantId: "«guid»",
    clientId: "«guid»",
    clientSecret: "«!aad»");
var secrets = new SecretClient(new Uri("https://«kvname».vault.azure.net/"), credential);
KeyVaultSecret s = await secrets.GetSecretAsync("SqlAdminPassword");
""",
)
_t(
    "source",
    "csharp msal confidential client",
    r"""
var app = ConfidentialClientApplicationBuilder.Create("«guid»")
    .WithClientSecret("«!aad»")
    .WithAuthority(new Uri("https://login.microsoftonline.com/«guid»"))
    .Build();
var result = await app.AcquireTokenForClient(new[] { "https://graph.microsoft.com/.default" }).ExecuteAsync();
""",
)
_t(
    "source",
    "csharp blobserviceclient connection string",
    r"""
builder.Services.AddSingleton(_ => new BlobServiceClient(
    "DefaultEndpointsProtocol=https;AccountName=«stg»;AccountKey=«!azkey»;EndpointSuffix=core.windows.net"));
""",
)
_t(
    "source",
    "csharp storage shared key credential",
    r"""
var cred = new StorageSharedKeyCredential("«stg»", "«!azkey»");
var container = new BlobContainerClient(new Uri($"https://«stg».blob.core.windows.net/exports"), cred);
await foreach (var blob in container.GetBlobsAsync(prefix: "2025/")) Console.WriteLine(blob.Name);
""",
)
_t(
    "source",
    "csharp service bus client",
    r"""
await using var client = new ServiceBusClient(
    "Endpoint=sb://«corp»-bus.servicebus.windows.net/;SharedAccessKeyName=sender;SharedAccessKey=«!key44»;EntityPath=orders");
var sender = client.CreateSender("orders");
await sender.SendMessageAsync(new ServiceBusMessage(JsonSerializer.Serialize(order)));
""",
)
_t(
    "source",
    "csharp cosmos client key",
    r"""
private static readonly CosmosClient Cosmos = new(
    accountEndpoint: "https://«corp»-cosmos.documents.azure.com:443/",
    authKeyOrResourceToken: "«!azkey»",
    new CosmosClientOptions { ApplicationName = "«app»" });
""",
)
_t(
    "source",
    "csharp jwt symmetric key",
    r"""
builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
    .AddJwtBearer(o =>
    {
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = "https://«svc».«corp».com",
            ValidAudience = "«svc»-clients",
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("«!signkey»")),
        };
    });
""",
)
_t(
    "source",
    "csharp stripe api key",
    r"""
public class Startup
{
    public void ConfigureServices(IServiceCollection services)
    {
        StripeConfiguration.ApiKey = "«!stripe»";
        services.AddControllersWithViews();
    }
}
""",
)
_t(
    "source",
    "csharp sendgrid client",
    r"""
var client = new SendGridClient("«!sendgrid»");
var msg = MailHelper.CreateSingleEmail(new EmailAddress("noreply@«corp».com", "«proj»"), new EmailAddress(user.Email), "Your receipt", text, html);
var response = await client.SendEmailAsync(msg);
""",
)
_t(
    "source",
    "csharp openai azure client",
    r"""
var client = new AzureOpenAIClient(
    new Uri("https://«corp»-oai.openai.azure.com/"),
    new AzureKeyCredential("«!hex32»"));
ChatClient chat = client.GetChatClient("gpt-4o");
""",
)
_t(
    "source",
    "csharp openai client",
    r"""
// quick spike, move to user-secrets before merging
var openAi = new OpenAIClient("«!openai»");
var chat = openAi.GetChatClient("gpt-4o-mini");
ChatCompletion completion = await chat.CompleteChatAsync("Summarise the release notes");
""",
)
_t(
    "source",
    "csharp anthropic key in test",
    r"""
[Fact]
public async Task Summarises_ticket()
{
    var client = new AnthropicClient(new APIAuthentication("«!anthropic»"));
    var reply = await client.Messages.GetClaudeMessageAsync(Request("Summarise ticket «int»"));
    Assert.NotEmpty(reply.Content);
}
""",
)
_t(
    "source",
    "csharp github client token",
    r"""
var github = new GitHubClient(new ProductHeaderValue("«svc»-release-bot"))
{
    Credentials = new Credentials("«!ghp»"),
};
var release = await github.Repository.Release.Create("«org»", "«svc»", new NewRelease($"v{version}"));
""",
)
_t(
    "source",
    "csharp ado connection pat",
    r"""
var connection = new VssConnection(
    new Uri("https://dev.azure.com/«org»"),
    new VssBasicCredential(string.Empty, "«!adopat»"));
var builds = connection.GetClient<BuildHttpClient>();
""",
)
_t(
    "source",
    "csharp x509 pfx password",
    r"""
var cert = new X509Certificate2(
    Path.Combine(AppContext.BaseDirectory, "certs", "«svc».pfx"),
    "«!pw»",
    X509KeyStorageFlags.MachineKeySet | X509KeyStorageFlags.Exportable);
builder.WebHost.ConfigureKestrel(k => k.ListenAnyIP(443, l => l.UseHttps(cert)));
""",
)
_t(
    "source",
    "csharp pfx from base64 literal",
    r"""
internal static class TestCertificates
{
    // client cert for the mTLS integration tests (CN=«svc»-client)
    public const string ClientPfx = "«!pfx»";
    public const string ClientPfxPassword = "«!pw»";
}
""",
)
_t(
    "source",
    "csharp rsa private key pem literal",
    r"""
private const string SigningKeyPem = @"«!pemrsa»";

public static RSA LoadSigningKey()
{
    var rsa = RSA.Create();
    rsa.ImportFromPem(SigningKeyPem);
    return rsa;
}
""",
)
_t(
    "source",
    "csharp rsa fromxmlstring private",
    r"""
using var rsa = new RSACryptoServiceProvider(2048);
rsa.FromXmlString("<RSAKeyValue><Modulus>«modulus»</Modulus><Exponent>AQAB</Exponent><P>«!rsap»</P><Q>«!rsap»</Q><DP>«!rsap»</DP><DQ>«!rsap»</DQ><InverseQ>«!rsap»</InverseQ><D>«!rsad»</D></RSAKeyValue>");
var signature = rsa.SignData(payload, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
""",
)
_t(
    "source",
    "csharp dictionary config in test",
    r"""
var config = new ConfigurationBuilder()
    .AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Default"] = "Server=«host»;Database=«db»_it;User Id=«user»;Password=«!pw»;TrustServerCertificate=true",
        ["AzureAd:ClientSecret"] = "«!aad»",
        ["AzureAd:ClientId"] = "«guid»",
    })
    .Build();
""",
)
_t(
    "source",
    "csharp directoryentry ldap bind",
    r"""
using var entry = new DirectoryEntry("LDAP://«host».«corp».local/OU=Staff,DC=«corp»,DC=local", "«dom»\\svc_ldap", "«!pw»", AuthenticationTypes.Secure);
using var searcher = new DirectorySearcher(entry) { Filter = "(&(objectClass=user)(sAMAccountName=" + login + "))" };
var result = searcher.FindOne();
""",
)
_t(
    "source",
    "csharp principalcontext",
    r"""
using var ctx = new PrincipalContext(ContextType.Domain, "«corp».local", "OU=Staff,DC=«corp»,DC=local", "svc_provision", "«!pw»");
var user = new UserPrincipal(ctx) { SamAccountName = login, Enabled = true };
user.SetPassword(initialPassword);
user.Save();
""",
)
_t(
    "source",
    "csharp impersonation logonuser",
    r"""
[DllImport("advapi32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
static extern bool LogonUser(string user, string domain, string password, int logonType, int provider, out SafeAccessTokenHandle token);

if (!LogonUser("svc_files", "«dom»", "«!pw»", LOGON32_LOGON_NEW_CREDENTIALS, LOGON32_PROVIDER_WINNT50, out var token))
    throw new Win32Exception(Marshal.GetLastWin32Error());
WindowsIdentity.RunImpersonated(token, () => File.Copy(src, @"\\«host»\share\" + name));
""",
)
_t(
    "source",
    "csharp redis connection",
    r"""
builder.Services.AddStackExchangeRedisCache(o =>
{
    o.Configuration = "«corp»-cache.redis.cache.windows.net:6380,password=«!key44»,ssl=True,abortConnect=False";
    o.InstanceName = "«svc»:";
});
""",
)
_t(
    "source",
    "csharp signalr connection string",
    r"""
builder.Services.AddSignalR().AddAzureSignalR(
    "Endpoint=https://«corp»-signalr.service.signalr.net;AccessKey=«!key44»;Version=1.0;");
""",
)
_t(
    "source",
    "csharp event hub producer",
    r"""
await using var producer = new EventHubProducerClient(
    "Endpoint=sb://«corp»-ehns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=«!key44»",
    "telemetry");
using EventDataBatch batch = await producer.CreateBatchAsync();
""",
)
_t(
    "source",
    "csharp aws sdk basic credentials",
    r"""
var s3 = new AmazonS3Client(new BasicAWSCredentials("«akid»", "«!awssk»"), RegionEndpoint.EUWest1);
await s3.PutObjectAsync(new PutObjectRequest { BucketName = "«corp»-exports", Key = key, FilePath = path });
""",
)
_t(
    "source",
    "csharp ftp credentials",
    r"""
var request = (FtpWebRequest)WebRequest.Create("ftp://ftp.«corp».com/inbound/" + fileName);
request.Method = WebRequestMethods.Ftp.UploadFile;
request.Credentials = new NetworkCredential("edi_«corp»", "«!pwh»");
""",
)
_t(
    "source",
    "csharp const fields",
    r"""
internal static class Secrets
{
    internal const string ApiUser = "integration";
    internal const string ApiPassword = "«!pw»";
    internal const string WebhookSigningSecret = "«!signkey»";
}
""",
)
_t(
    "source",
    "csharp dbcontext onconfiguring",
    r"""
protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
{
    if (!optionsBuilder.IsConfigured)
    {
#warning To protect potentially sensitive information in your connection string, you should move it out of source code.
        optionsBuilder.UseSqlServer("Server=«host»;Database=«db»;User Id=«user»;Password=«!pw»;TrustServerCertificate=True");
    }
}
""",
)
_t(
    "source",
    "vbnet connection and credential",
    r"""
Imports System.Data.SqlClient
Imports System.Net

Module Export
    Sub Main()
        Using conn As New SqlConnection("Server=«host»;Database=«db»;Uid=«user»;Pwd=«!pw»;")
            conn.Open()
        End Using
        Dim wc As New WebClient()
        wc.Credentials = New NetworkCredential("«user»", "«!pw»", "«dom»")
        wc.UploadFile("https://intranet.«corp».local/upload", "C:\export\orders.csv")
    End Sub
End Module
""",
)
_t(
    "source",
    "vbnet const api key",
    r"""
Public Class PaymentGateway
    Private Const ApiKey As String = "«!stripe»"
    Private Const MerchantId As String = "«corp»-«n6»"

    Public Function Charge(amount As Decimal) As Boolean
        StripeConfiguration.ApiKey = ApiKey
        Return True
    End Function
End Class
""",
)
_t(
    "source",
    "fsharp connection literal",
    r"""
module «proj».Db

open Microsoft.Data.SqlClient

[<Literal>]
let ConnectionString = "Server=«host»;Database=«db»;User Id=«user»;Password=«!pw»;TrustServerCertificate=true"

let openConnection () =
    let c = new SqlConnection(ConnectionString)
    c.Open()
    c
""",
)
_t(
    "source",
    "powershell script param defaults",
    r"""
[CmdletBinding()]
param(
    [string]$Server = "«host».«corp».local",
    [string]$User = "«dom»\svc_deploy",
    [string]$Password = "«!pw»",
    [string]$Site = "«svc»"
)

$secure = ConvertTo-SecureString $Password -AsPlainText -Force
$cred = New-Object System.Management.Automation.PSCredential($User, $secure)
Invoke-Command -ComputerName $Server -Credential $cred -ScriptBlock { param($s) Restart-WebAppPool $s } -ArgumentList $Site
""",
)
_t(
    "source",
    "powershell script hashtable config",
    r"""
$config = @{
    SqlServer   = '«host»'
    Database    = '«db»'
    SqlUser     = 'etl_loader'
    SqlPassword = '«!pw»'
    SftpHost    = 'sftp.«corp».com'
    SftpKeyPath = 'C:\keys\etl.ppk'
}

Invoke-Sqlcmd -ServerInstance $config.SqlServer -Database $config.Database -Username $config.SqlUser -Password $config.SqlPassword -InputFile .\load.sql
""",
)
_t(
    "source",
    "powershell dsc configuration data",
    r"""
@{
    AllNodes = @(
        @{
            NodeName                    = '«host»'
            PSDscAllowPlainTextPassword = $true
            PSDscAllowDomainUser        = $true
            ServiceAccount              = '«dom»\svc_«svc»'
            ServicePassword             = '«!pw»'
        }
    )
}
""",
)
_t(
    "source",
    "powershell module psd1 private data",
    r"""
@{
    RootModule        = '«proj».Ops.psm1'
    ModuleVersion     = '«ver»'
    GUID              = '«guid»'
    Author            = '«first» «last»'
    PrivateData       = @{
        PSData = @{
            Tags       = @('ops', 'iis')
        }
        TeamsWebhook = 'https://«corp».webhook.office.com/webhookb2/«!teams»'
    }
}
""",
)
_t(
    "source",
    "powershell rest function with token",
    r"""
function Get-Pipelines {
    $pat = '«!adopat»'
    $auth = [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes(":$pat"))
    Invoke-RestMethod -Uri "https://dev.azure.com/«org»/«proj»/_apis/pipelines?api-version=7.1" -Headers @{ Authorization = "Basic $auth" }
}
""",
)
_t(
    "source",
    "powershell profile with tokens",
    r"""
# Microsoft.PowerShell_profile.ps1
Import-Module posh-git
Set-PSReadLineOption -PredictionSource History
$env:GITHUB_TOKEN = '«!ghp»'
$env:OPENAI_API_KEY = '«!openai»'
function prompt { "PS $($executionContext.SessionState.Path.CurrentLocation)$('>' * ($nestedPromptLevel + 1)) " }
""",
)
_t(
    "source",
    "web.config connectionstrings",
    r"""
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <connectionStrings>
    <add name="DefaultConnection" connectionString="Data Source=«host»;Initial Catalog=«db»;User ID=«user»;Password=«!pw»;MultipleActiveResultSets=True" providerName="System.Data.SqlClient" />
    <add name="ReportingConnection" connectionString="Data Source=«host#2»;Initial Catalog=Reporting;Integrated Security=SSPI" providerName="System.Data.SqlClient" />
  </connectionStrings>
  <system.web>
    <compilation debug="false" targetFramework="4.8" />
  </system.web>
</configuration>
""",
)
_t(
    "source",
    "web.config appsettings keys",
    r"""
  <appSettings>
    <add key="webpages:Version" value="3.0.0.0" />
    <add key="ClientValidationEnabled" value="true" />
    <add key="SmtpUser" value="noreply@«corp».com" />
    <add key="SmtpPassword" value="«!pwh|xml»" />
    <add key="StorageConnection" value="DefaultEndpointsProtocol=https;AccountName=«stg»;AccountKey=«!azkey»" />
    <add key="ida:ClientId" value="«guid»" />
    <add key="ida:ClientSecret" value="«!aad|xml»" />
  </appSettings>
""",
)
_t(
    "source",
    "web.config machinekey",
    r"""
<system.web>
  <authentication mode="Forms">
    <forms loginUrl="~/Account/Login" timeout="2880" />
  </authentication>
  <machineKey validationKey="«!vkey»" decryptionKey="«!dkey»" validation="HMACSHA256" decryption="AES" />
  <sessionState mode="SQLServer" sqlConnectionString="Data Source=«host»;User Id=aspstate;Password=«!pw»" />
</system.web>
""",
)
_t(
    "source",
    "app.config userSettings password",
    r"""
<?xml version="1.0" encoding="utf-8" ?>
<configuration>
    <userSettings>
        <«proj|lower».Properties.Settings>
            <setting name="ServerUrl" serializeAs="String">
                <value>https://«svc».«corp».com/</value>
            </setting>
            <setting name="ServicePassword" serializeAs="String">
                <value>«!pw»</value>
            </setting>
        </«proj|lower».Properties.Settings>
    </userSettings>
</configuration>
""".replace("«proj|lower»", "Contoso.Desktop"),
)
_t(
    "source",
    "nuget.config cleartextpassword",
    r"""
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
    <add key="«svc»-feed" value="https://pkgs.dev.azure.com/«org»/_packaging/«svc»-feed/nuget/v3/index.json" />
  </packageSources>
  <packageSourceCredentials>
    <«svc»-feed>
      <add key="Username" value="«user»" />
      <add key="ClearTextPassword" value="«!adopat»" />
    </«svc»-feed>
  </packageSourceCredentials>
</configuration>
""",
)
_t(
    "source",
    "nuget.config github packages",
    r"""
<configuration>
  <packageSources>
    <add key="github" value="https://nuget.pkg.github.com/«org»/index.json" />
  </packageSources>
  <packageSourceCredentials>
    <github>
      <add key="Username" value="«user»" />
      <add key="ClearTextPassword" value="«!ghpat»" />
    </github>
  </packageSourceCredentials>
  <apikeys>
    <add key="https://www.nuget.org/api/v2/package" value="«!nuget»" />
  </apikeys>
</configuration>
""",
)
_t(
    "source",
    "pubxml password",
    r"""
<?xml version="1.0" encoding="utf-8"?>
<Project>
  <PropertyGroup>
    <WebPublishMethod>MSDeploy</WebPublishMethod>
    <PublishProvider>AzureWebSite</PublishProvider>
    <SiteUrlToLaunchAfterPublish>https://«svc»-prd.azurewebsites.net</SiteUrlToLaunchAfterPublish>
    <MSDeployServiceURL>«svc»-prd.scm.azurewebsites.net:443</MSDeployServiceURL>
    <DeployIisAppPath>«svc»-prd</DeployIisAppPath>
    <UserName>$«svc»-prd</UserName>
    <Password>«!pubpw»</Password>
    <_SavePWD>true</_SavePWD>
  </PropertyGroup>
</Project>
""",
)
_t(
    "source",
    "publishsettings file",
    r"""
<publishData>
  <publishProfile profileName="«svc»-prd - Web Deploy" publishMethod="MSDeploy" publishUrl="«svc»-prd.scm.azurewebsites.net:443" msdeploySite="«svc»-prd" userName="$«svc»-prd" userPWD="«!pubpw»" destinationAppUrl="https://«svc»-prd.azurewebsites.net" SQLServerDBConnectionString="" mySQLDBConnectionString="" hostingProviderForumLink="" controlPanelLink="https://portal.azure.com" webSystem="WebSites">
    <databases />
  </publishProfile>
  <publishProfile profileName="«svc»-prd - FTP" publishMethod="FTP" publishUrl="ftps://waws-prod-am2-«n3».ftp.azurewebsites.windows.net/site/wwwroot" ftpPassiveMode="True" userName="«svc»-prd\$«svc»-prd" userPWD="«!pubpw»" destinationAppUrl="https://«svc»-prd.azurewebsites.net" />
</publishData>
""".replace(
        'userPWD="«!pubpw»" destinationAppUrl="https://«svc»-prd.azurewebsites.net" SQL',
        'userPWD="«!pubpw#p»" destinationAppUrl="https://«svc»-prd.azurewebsites.net" SQL',
    ).replace(
        'ftpPassiveMode="True" userName="«svc»-prd\\$«svc»-prd" userPWD="«!pubpw»"',
        'ftpPassiveMode="True" userName="«svc»-prd\\$«svc»-prd" userPWD="«#p»"',
    ),
)
_t(
    "source",
    "unattend.xml administrator password",
    r"""
<?xml version="1.0" encoding="utf-8"?>
<unattend xmlns="urn:schemas-microsoft-com:unattend">
  <settings pass="oobeSystem">
    <component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
      <UserAccounts>
        <AdministratorPassword>
          <Value>«!pwh»</Value>
          <PlainText>true</PlainText>
        </AdministratorPassword>
      </UserAccounts>
      <AutoLogon>
        <Password>
          <Value>«!pwh»</Value>
          <PlainText>true</PlainText>
        </Password>
        <Enabled>true</Enabled>
        <LogonCount>1</LogonCount>
        <Username>Administrator</Username>
      </AutoLogon>
    </component>
  </settings>
</unattend>
""",
)
_t(
    "source",
    "unattend.xml base64 password",
    r"""
      <UserAccounts>
        <LocalAccounts>
          <LocalAccount wcm:action="add">
            <Password>
              <Value>«!pwb64»</Value>
              <PlainText>false</PlainText>
            </Password>
            <Name>support</Name>
            <Group>Administrators</Group>
          </LocalAccount>
        </LocalAccounts>
      </UserAccounts>
""",
)
_t(
    "source",
    "unattend domain join credentials",
    r"""
    <component name="Microsoft-Windows-UnattendedJoin" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
      <Identification>
        <Credentials>
          <Domain>«corp».local</Domain>
          <Password>«!pw»</Password>
          <Username>adm-join</Username>
        </Credentials>
        <JoinDomain>«corp».local</JoinDomain>
        <MachineObjectOU>OU=Servers,DC=«corp»,DC=local</MachineObjectOU>
      </Identification>
    </component>
""",
)
_t(
    "source",
    "gpp groups.xml cpassword",
    r"""
<?xml version="1.0" encoding="utf-8"?>
<Groups clsid="{3125E937-EB16-4b4c-9934-544FC6D24D26}">
  <User clsid="{DF5F1855-51E5-4d24-8B1A-D9BDE98BA1D1}" name="LocalSupport" image="2" changed="«date» 09:41:12" uid="{«GUID»}">
    <Properties action="U" newName="" fullName="Local Support" description="" cpassword="«!cpw»" changeLogon="0" noChange="1" neverExpires="1" acctDisabled="0" userName="LocalSupport"/>
  </User>
</Groups>
""",
)
_t(
    "source",
    "gpp scheduledtasks.xml cpassword",
    r"""
<ScheduledTasks clsid="{CC63F200-7309-4ba0-B154-A71CD118DBCC}">
  <Task clsid="{2DEECB1C-261F-4e13-9B21-16FB83BC03BD}" name="Inventory" image="2" changed="«date» 16:20:01" uid="{«GUID»}">
    <Properties action="U" name="Inventory" appName="C:\Tools\inventory.exe" args="/upload" startIn="" comment="" runAs="«dom»\svc_inventory" cpassword="«!cpw»" enabled="1">
      <Triggers><Trigger type="DAILY" startHour="1" startMinutes="0" beginYear="2025" beginMonth="1" beginDay="1" hasEndDate="0" repeatTask="0" interval="1"/></Triggers>
    </Properties>
  </Task>
</ScheduledTasks>
""",
)
_t(
    "source",
    "gpp datasources.xml cpassword",
    r"""
<DataSources clsid="{380F820F-F21B-41ac-A3CC-24D4F80F067B}">
  <DataSource clsid="{5C209626-D820-4d69-8D50-1FACD6214488}" name="ReportingDSN" image="2" changed="«date» 11:02:33" uid="{«GUID»}">
    <Properties action="U" userDSN="0" dsn="ReportingDSN" driver="ODBC Driver 18 for SQL Server" description="" username="rpt_reader" cpassword="«!cpw»">
      <Attributes><Attribute name="Server" value="«host»"/><Attribute name="Database" value="Reporting"/></Attributes>
    </Properties>
  </DataSource>
</DataSources>
""",
)
_t(
    "source",
    "registry export winlogon",
    r"""
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon]
"AutoAdminLogon"="1"
"DefaultUserName"="kiosk"
"DefaultDomainName"="«dom»"
"DefaultPassword"="«!pw»"
"AutoLogonCount"=dword:00000000
"Shell"="explorer.exe"
""",
)
_t(
    "source",
    "registry export app settings",
    r"""
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\«proj»\«svc»Agent]
"ServerUrl"="https://«svc».«corp».com"
"InstallPath"="C:\\Program Files\\«proj»\\«svc»Agent"
"ApiKey"="«!apikey»"
"ProxyUser"="«dom»\\svc_proxy"
"ProxyPassword"="«!pw»"
"LogLevel"=dword:00000002
""",
)
_t(
    "source",
    "wlan profile xml keymaterial",
    r"""
<?xml version="1.0"?>
<WLANProfile xmlns="http://www.microsoft.com/networking/WLAN/profile/v1">
	<name>«corp»-Office</name>
	<SSIDConfig>
		<SSID>
			<hex>«hex16|upper»</hex>
			<name>«corp»-Office</name>
		</SSID>
	</SSIDConfig>
	<connectionType>ESS</connectionType>
	<connectionMode>auto</connectionMode>
	<MSM>
		<security>
			<authEncryption>
				<authentication>WPA2PSK</authentication>
				<encryption>AES</encryption>
				<useOneX>false</useOneX>
			</authEncryption>
			<sharedKey>
				<keyType>passPhrase</keyType>
				<protected>false</protected>
				<keyMaterial>«!wifi»</keyMaterial>
			</sharedKey>
		</security>
	</MSM>
</WLANProfile>
""",
)
_t(
    "source",
    "tsql create login",
    r"""
USE [master];
GO
CREATE LOGIN [«svc»_app] WITH PASSWORD = N'«!pw»', DEFAULT_DATABASE = [«db»], CHECK_EXPIRATION = OFF, CHECK_POLICY = ON;
GO
USE [«db»];
CREATE USER [«svc»_app] FOR LOGIN [«svc»_app];
ALTER ROLE db_datareader ADD MEMBER [«svc»_app];
ALTER ROLE db_datawriter ADD MEMBER [«svc»_app];
GO
""",
)
_t(
    "source",
    "tsql alter login and linked server",
    r"""
ALTER LOGIN [sa] WITH PASSWORD = '«!pw»';
GO
EXEC master.dbo.sp_addlinkedserver @server = N'«host»', @srvproduct = N'SQL Server';
EXEC master.dbo.sp_addlinkedsrvlogin @rmtsrvname = N'«host»', @useself = N'False', @locallogin = NULL, @rmtuser = N'link_reader', @rmtpassword = N'«!pw»';
GO
""",
)
_t(
    "source",
    "tsql database scoped credential",
    r"""
CREATE MASTER KEY ENCRYPTION BY PASSWORD = '«!pwr»';
GO
CREATE DATABASE SCOPED CREDENTIAL BlobCredential
WITH IDENTITY = 'SHARED ACCESS SIGNATURE',
SECRET = 'sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-01-01T00:00:00Z&spr=https&sig=«!sig»';
GO
CREATE EXTERNAL DATA SOURCE Exports WITH (TYPE = BLOB_STORAGE, LOCATION = 'https://«stg».blob.core.windows.net/exports', CREDENTIAL = BlobCredential);
""",
)
_t(
    "source",
    "dockerfile windows env password",
    r"""
# escape=`
FROM mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
ENV APP_POOL_USER=svc_«svc» `
    APP_POOL_PASSWORD=«!pw»
RUN Import-Module WebAdministration; `
    New-LocalUser -Name $env:APP_POOL_USER -Password (ConvertTo-SecureString $env:APP_POOL_PASSWORD -AsPlainText -Force)
COPY publish/ /inetpub/wwwroot
""",
)
_t(
    "source",
    "csproj with publish password",
    r"""
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>«tfm»</TargetFramework>
    <Nullable>enable</Nullable>
    <UserSecretsId>«guid»</UserSecretsId>
  </PropertyGroup>
  <PropertyGroup Condition="'$(Configuration)' == 'Release'">
    <DeployOnBuild>true</DeployOnBuild>
    <MSDeployServiceURL>https://«host»:8172/msdeploy.axd</MSDeployServiceURL>
    <UserName>«dom»\svc_deploy</UserName>
    <Password>«!pw»</Password>
  </PropertyGroup>
</Project>
""",
)
_t(
    "source",
    "applicationhost.config app pool",
    r"""
<applicationPools>
    <add name="DefaultAppPool" />
    <add name="«svc»Pool" managedRuntimeVersion="" startMode="AlwaysRunning">
        <processModel identityType="SpecificUser" userName="«dom»\svc_«svc»" password="«!pw»" idleTimeout="00:00:00" />
    </add>
    <applicationPoolDefaults managedRuntimeVersion="v4.0">
        <processModel identityType="ApplicationPoolIdentity" />
    </applicationPoolDefaults>
</applicationPools>
""",
)
_t(
    "source",
    "ssis dtsconfig password",
    r"""
<?xml version="1.0"?>
<DTSConfiguration>
  <Configuration ConfiguredType="Property" Path="\Package.Connections[Staging].Properties[ConnectionString]" ValueType="String">
    <ConfiguredValue>Data Source=«host»;User ID=etl;Password=«!pw»;Initial Catalog=Staging;Provider=MSOLEDBSQL.1;</ConfiguredValue>
  </Configuration>
  <Configuration ConfiguredType="Property" Path="\Package.Connections[Staging].Properties[Password]" ValueType="String">
    <ConfiguredValue>«!pw»</ConfiguredValue>
  </Configuration>
</DTSConfiguration>
""",
)
_t(
    "source",
    "wsl etc wsl.conf with mount credentials",
    r"""
# /etc/fstab inside WSL
//«host».«corp».local/projects  /mnt/projects  cifs  username=«user»,password=«!pw»,domain=«dom»,vers=3.0,uid=1000,gid=1000  0  0
""",
)
_t(
    "source",
    "nlog config smtp target",
    r"""
<nlog xmlns="http://www.nlog-project.org/schemas/NLog.xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <targets>
    <target xsi:type="File" name="file" fileName="C:\logs\«svc»-${shortdate}.log" />
    <target xsi:type="Mail" name="mail" smtpServer="smtp.office365.com" smtpPort="587" enableSsl="true"
            smtpAuthentication="Basic" smtpUserName="alerts@«corp».com" smtpPassword="«!pwh»"
            from="alerts@«corp».com" to="ops@«corp».com" subject="«svc» error" />
  </targets>
</nlog>
""",
)
_t(
    "source",
    "log4net ado appender",
    r"""
<appender name="AdoNetAppender" type="log4net.Appender.AdoNetAppender">
  <bufferSize value="100" />
  <connectionType value="System.Data.SqlClient.SqlConnection, System.Data, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089" />
  <connectionString value="data source=«host»;initial catalog=Logs;integrated security=false;persist security info=True;User ID=logwriter;Password=«!pw»" />
  <commandText value="INSERT INTO Log ([Date],[Level],[Message]) VALUES (@log_date, @log_level, @message)" />
</appender>
""",
)
_t(
    "source",
    "csharp hardcoded test user in seeding",
    r"""
public static async Task SeedAsync(UserManager<IdentityUser> users)
{
    var admin = new IdentityUser { UserName = "admin@«corp».com", Email = "admin@«corp».com", EmailConfirmed = true };
    if (await users.FindByNameAsync(admin.UserName) is null)
    {
        await users.CreateAsync(admin, "«!pwh»");
        await users.AddToRoleAsync(admin, "Administrator");
    }
}
""",
)
_t(
    "source",
    "csharp teams webhook url",
    r"""
public sealed class TeamsNotifier(HttpClient http)
{
    private const string WebhookUrl = "https://«corp».webhook.office.com/webhookb2/«!teams2»";

    public Task NotifyAsync(string text) =>
        http.PostAsJsonAsync(WebhookUrl, new { text });
}
""",
)
_t(
    "source",
    "csharp functions key in client",
    r"""
var client = new HttpClient { BaseAddress = new Uri("https://«svc»-func.azurewebsites.net/") };
client.DefaultRequestHeaders.Add("x-functions-key", "«!funckey»");
var result = await client.PostAsJsonAsync("api/ProcessOrder", order);
""",
)
_t(
    "source",
    "csharp apim subscription key header",
    r"""
services.AddHttpClient<PricingClient>(c =>
{
    c.BaseAddress = new Uri("https://«corp»-apim.azure-api.net/pricing/");
    c.DefaultRequestHeaders.Add("Ocp-Apim-Subscription-Key", "«!hex32»");
});
""",
)
_t(
    "source",
    "powershell winrm session script",
    r"""
$username = "«host»\Administrator"
$password = "«!pw»" | ConvertTo-SecureString -AsPlainText -Force
$session = New-PSSession -ComputerName «ip» -Credential (New-Object PSCredential($username, $password)) -UseSSL
Copy-Item -ToSession $session -Path .\publish\* -Destination C:\inetpub\«svc» -Recurse -Force
Remove-PSSession $session
""",
)
_t(
    "source",
    "cmd batch file with credentials",
    r"""
@echo off
setlocal
set SQLUSER=sa
set SQLPASS=«!pw»
set BACKUPDIR=\\«host»\sqlbackup

sqlcmd -S «host#2» -U %SQLUSER% -P %SQLPASS% -Q "BACKUP DATABASE [«db»] TO DISK = N'%BACKUPDIR%\«db»_%date:~-4%%date:~3,2%%date:~0,2%.bak' WITH COMPRESSION"
if errorlevel 1 exit /b 1
endlocal
""",
)
_t(
    "source",
    "bat file net use mapping",
    r"""
@echo off
rem map drives for the finance team
net use F: \\«host»\finance /user:«dom»\svc_finance «!pw» /persistent:yes
net use R: \\«host»\reports
""",
)
_t(
    "source",
    "openssh private key in csharp test",
    r"""
public class SftpUploaderTests
{
    private const string DeployKey = @"«!openssh»";

    [Fact]
    public void Parses_key() => Assert.NotNull(new PrivateKeyFile(new MemoryStream(Encoding.ASCII.GetBytes(DeployKey))));
}
""",
)
_t(
    "source",
    "ppk file committed",
    r"""
PuTTY-User-Key-File-2: ssh-rsa
Encryption: none
Comment: imported-openssh-key
Public-Lines: 6
«ppkpub»
Private-Lines: 14
«!ppkpriv»
Private-MAC: «sha1»
""",
)
_t(
    "source",
    "pem private key file in repo",
    r"""
«!pemp8»
""",
)
_t(
    "source",
    "ec private key for jwt signing in appsettings-adjacent file",
    r"""
# keys/es256-dev.pem (used by Identity Server for token signing in Development)
«!pemec»
""",
)

# ---- source: without secrets ------------------------------------------------------------------

_t(
    "source",
    "csharp configuration binding",
    r"""
var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddAzureKeyVault(new Uri($"https://{builder.Configuration["KeyVaultName"]}.vault.azure.net/"), new DefaultAzureCredential());
builder.Services.AddDbContext<AppDbContext>(o => o.UseSqlServer(builder.Configuration.GetConnectionString("Default")));
builder.Services.Configure<SmtpOptions>(builder.Configuration.GetSection("Smtp"));
var stripeKey = builder.Configuration["Stripe:SecretKey"] ?? throw new InvalidOperationException("Stripe:SecretKey is not set");
""",
)
_t(
    "source",
    "csharp environment variable read",
    r"""
var password = Environment.GetEnvironmentVariable("SQL_PASSWORD")
    ?? throw new InvalidOperationException("Set SQL_PASSWORD (see docs/local-setup.md)");
var cs = new SqlConnectionStringBuilder
{
    DataSource = Environment.GetEnvironmentVariable("SQL_SERVER") ?? "localhost",
    InitialCatalog = "«db»",
    UserID = "«svc»_app",
    Password = password,
    TrustServerCertificate = true,
}.ConnectionString;
""",
)
_t(
    "source",
    "csharp integrated security",
    r"""
public static class Db
{
    public const string Default = "Server=«host»;Database=«db»;Integrated Security=true;TrustServerCertificate=True;Application Name=«app»";
    public const string Reporting = "Data Source=«host#2»\\REPORTING;Initial Catalog=Reporting;Trusted_Connection=Yes;Encrypt=Optional";
    public const string Azure = "Server=tcp:«svc»-sql.database.windows.net,1433;Database=«db»;Authentication=Active Directory Default;Encrypt=True";
}
""",
)
_t(
    "source",
    "csharp default azure credential",
    r"""
var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
{
    ManagedIdentityClientId = "«guid»",
    ExcludeInteractiveBrowserCredential = true,
});
var blobs = new BlobServiceClient(new Uri("https://«stg».blob.core.windows.net"), credential);
var secrets = new SecretClient(new Uri("https://«kvname».vault.azure.net/"), credential);
""",
)
_t(
    "source",
    "csharp password hasher and validator",
    r"""
public sealed class PasswordPolicy : IPasswordValidator<AppUser>
{
    private static readonly Regex Strong = new(@"^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[^\w\s]).{14,}$", RegexOptions.Compiled);

    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password) =>
        Task.FromResult(password is not null && Strong.IsMatch(password)
            ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError { Code = "WeakPassword", Description = "Password must be at least 14 characters with upper, lower, digit and symbol." }));
}
""",
)
_t(
    "source",
    "csharp securestring from read",
    r"""
static SecureString ReadPassword()
{
    var pwd = new SecureString();
    ConsoleKeyInfo key;
    while ((key = Console.ReadKey(intercept: true)).Key != ConsoleKey.Enter)
    {
        if (key.Key == ConsoleKey.Backspace && pwd.Length > 0) { pwd.RemoveAt(pwd.Length - 1); Console.Write("\b \b"); }
        else if (!char.IsControl(key.KeyChar)) { pwd.AppendChar(key.KeyChar); Console.Write('*'); }
    }
    pwd.MakeReadOnly();
    return pwd;
}
""",
)
_t(
    "source",
    "csharp dpapi protect",
    r"""
// Stores the refresh token for the current Windows user only (DPAPI, CurrentUser scope).
public static void Save(string path, string token)
{
    byte[] entropy = Encoding.UTF8.GetBytes("«app»");
    byte[] sealedBytes = ProtectedData.Protect(Encoding.UTF8.GetBytes(token), entropy, DataProtectionScope.CurrentUser);
    File.WriteAllBytes(path, sealedBytes);
}
""",
)
_t(
    "source",
    "csharp options class with names",
    r"""
public sealed class SmtpOptions
{
    public const string SectionName = "Smtp";
    public string Host { get; init; } = "smtp.office365.com";
    public int Port { get; init; } = 587;
    public string UserName { get; init; } = string.Empty;
    public string Password { get; init; } = string.Empty;   // from Key Vault: Smtp--Password
    public bool EnableSsl { get; init; } = true;
}
""",
)
_t(
    "source",
    "csharp test with obvious fake",
    r"""
[Theory]
[InlineData("Server=.;Database=x;User Id=sa;Password=<password>;")]
[InlineData("Server=.;Database=x;User Id=sa;Password={0};")]
[InlineData("Server=.;Database=x;Integrated Security=SSPI;")]
public void Builder_masks_password(string input)
{
    var masked = ConnectionStringMasker.Mask(input);
    Assert.DoesNotContain("Password=<", masked.Replace("Password=***", ""));
}
""",
)
_t(
    "source",
    "csharp certificate by thumbprint",
    r"""
using var store = new X509Store(StoreName.My, StoreLocation.LocalMachine);
store.Open(OpenFlags.ReadOnly);
var cert = store.Certificates
    .Find(X509FindType.FindByThumbprint, "«thumb»", validOnly: false)
    .OfType<X509Certificate2>()
    .Single();
builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = cert));
""",
)
_t(
    "source",
    "csharp rsa public key xml",
    r"""
// Public key of the licence server; verifies licence file signatures.
private const string LicencePublicKey = "<RSAKeyValue><Modulus>«modulus»</Modulus><Exponent>AQAB</Exponent></RSAKeyValue>";

public static bool Verify(byte[] data, byte[] signature)
{
    using var rsa = RSA.Create();
    rsa.FromXmlString(LicencePublicKey);
    return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
}
""",
)
_t(
    "source",
    "csharp public certificate pem",
    r"""
// Root CA of the internal PKI, pinned for the agent's outbound calls.
private const string RootCaPem = @"«cert»";
""",
)
_t(
    "source",
    "csharp assembly info guids",
    r"""
using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("«app»")]
[assembly: AssemblyCompany("«proj»")]
[assembly: ComVisible(false)]
[assembly: Guid("«guid»")]
[assembly: AssemblyVersion("«ver».0")]
[assembly: AssemblyFileVersion("«ver».0")]
[assembly: InternalsVisibleTo("«app».Tests, PublicKey=0024000004800000940000000602000000240000525341310004000001000100«sha256»«sha256»«sha256»«sha256»")]
""",
)
_t(
    "source",
    "vbnet configuration manager",
    r"""
Imports System.Configuration

Module Settings
    Public ReadOnly Property ConnectionString As String
        Get
            Return ConfigurationManager.ConnectionStrings("DefaultConnection").ConnectionString
        End Get
    End Property

    Public ReadOnly Property SmtpPassword As String = Environment.GetEnvironmentVariable("SMTP_PASSWORD")
End Module
""",
)
_t(
    "source",
    "powershell script securestring parameter",
    r"""
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string]$Server,
    [Parameter(Mandatory)] [pscredential]$Credential,
    [securestring]$CertificatePassword = (Read-Host -AsSecureString "PFX password")
)

$session = New-PSSession -ComputerName $Server -Credential $Credential -UseSSL
Invoke-Command -Session $session -ScriptBlock {
    param($pfxPassword)
    Import-PfxCertificate -FilePath C:\install\site.pfx -CertStoreLocation Cert:\LocalMachine\My -Password $pfxPassword
} -ArgumentList $CertificatePassword
""",
)
_t(
    "source",
    "powershell script secret management",
    r"""
Import-Module Microsoft.PowerShell.SecretManagement
$sqlPassword = Get-Secret -Name "«svc»-sql" -Vault «corp»Vault
$cred = [pscredential]::new("«svc»_app", $sqlPassword)
$apiKey = Get-Secret -Name "«svc»-apikey" -AsPlainText
Invoke-RestMethod -Uri https://«svc».«corp».com/api/ping -Headers @{ "X-Api-Key" = $apiKey }
""",
)
_t(
    "source",
    "powershell script dpapi file",
    r"""
$credPath = Join-Path $PSScriptRoot "«svc».cred.xml"
if (-not (Test-Path $credPath)) {
    Get-Credential -Message "Service account for «svc»" | Export-Clixml -Path $credPath
}
$cred = Import-Clixml -Path $credPath
""",
)
_t(
    "source",
    "export-clixml credential file",
    r"""
<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
  <Obj RefId="0">
    <TN RefId="0">
      <T>System.Management.Automation.PSCredential</T>
      <T>System.Object</T>
    </TN>
    <ToString>System.Management.Automation.PSCredential</ToString>
    <Props>
      <S N="UserName">«dom»\«user»</S>
      <SS N="Password">«dpapi»</SS>
    </Props>
  </Obj>
</Objs>
""",
)
_t(
    "source",
    "web.config token replacement",
    r"""
<connectionStrings>
  <add name="DefaultConnection" connectionString="Data Source=#{Db.Server};Initial Catalog=#{Db.Name};User ID=#{Db.User};Password=#{Db.Password}" providerName="System.Data.SqlClient" />
  <add name="Reporting" connectionString="Data Source=__ReportingServer__;Initial Catalog=Reporting;User ID=__ReportingUser__;Password=__ReportingPassword__" providerName="System.Data.SqlClient" />
</connectionStrings>
<appSettings>
  <add key="SmtpPassword" value="$(SmtpPassword)" />
  <add key="StorageConnection" value="{storage-connection-string}" />
</appSettings>
""",
)
_t(
    "source",
    "web.config transform release",
    r"""
<?xml version="1.0" encoding="utf-8"?>
<configuration xmlns:xdt="http://schemas.microsoft.com/XML-Document-Transform">
  <connectionStrings>
    <add name="DefaultConnection"
      connectionString="Data Source=«host»;Initial Catalog=«db»;Integrated Security=True"
      xdt:Transform="SetAttributes" xdt:Locator="Match(name)"/>
  </connectionStrings>
  <system.web>
    <compilation xdt:Transform="RemoveAttributes(debug)" />
    <customErrors mode="RemoteOnly" xdt:Transform="Replace" />
  </system.web>
</configuration>
""",
)
_t(
    "source",
    "web.config machinekey autogenerate",
    r"""
<system.web>
  <machineKey validationKey="AutoGenerate,IsolateApps" decryptionKey="AutoGenerate,IsolateApps" validation="HMACSHA256" decryption="Auto" />
  <httpCookies httpOnlyCookies="true" requireSSL="true" />
  <sessionState mode="InProc" timeout="20" />
</system.web>
""",
)
_t(
    "source",
    "web.config protected configuration",
    r"""
<connectionStrings configProtectionProvider="RsaProtectedConfigurationProvider">
  <EncryptedData Type="http://www.w3.org/2001/04/xmlenc#Element" xmlns="http://www.w3.org/2001/04/xmlenc#">
    <EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc" />
    <KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#">
      <EncryptedKey xmlns="http://www.w3.org/2001/04/xmlenc#">
        <EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p" />
        <KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><KeyName>Rsa Key</KeyName></KeyInfo>
        <CipherData><CipherValue>«sha512b64»«sha512b64»«secure»</CipherValue></CipherData>
      </EncryptedKey>
    </KeyInfo>
    <CipherData><CipherValue>«sha512b64»«secure»«sha512b64»</CipherValue></CipherData>
  </EncryptedData>
</connectionStrings>
""",
)
_t(
    "source",
    "nuget.config env var credentials",
    r"""
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
    <add key="«svc»-feed" value="https://pkgs.dev.azure.com/«org»/_packaging/«svc»-feed/nuget/v3/index.json" />
  </packageSources>
  <packageSourceCredentials>
    <«svc»-feed>
      <add key="Username" value="az" />
      <add key="ClearTextPassword" value="%«svc|upper»_FEED_PAT%" />
    </«svc»-feed>
  </packageSourceCredentials>
</configuration>
""",
)
_t(
    "source",
    "nuget.config encrypted password",
    r"""
<packageSourceCredentials>
  <internal>
    <add key="Username" value="«user»" />
    <add key="Password" value="«dpapib64»" />
  </internal>
</packageSourceCredentials>
""",
)
_t(
    "source",
    "pubxml without password",
    r"""
<?xml version="1.0" encoding="utf-8"?>
<Project>
  <PropertyGroup>
    <WebPublishMethod>MSDeploy</WebPublishMethod>
    <ResourceId>/subscriptions/«guid»/resourceGroups/rg-«svc»-prd/providers/Microsoft.Web/sites/«svc»-prd</ResourceId>
    <PublishProvider>AzureWebSite</PublishProvider>
    <MSDeployServiceURL>«svc»-prd.scm.azurewebsites.net:443</MSDeployServiceURL>
    <DeployIisAppPath>«svc»-prd</DeployIisAppPath>
    <UserName>$«svc»-prd</UserName>
    <_SavePWD>true</_SavePWD>
    <_DestinationType>AzureWebSite</_DestinationType>
  </PropertyGroup>
</Project>
""",
)
_t(
    "source",
    "pubxml.user encrypted password",
    r"""
<?xml version="1.0" encoding="utf-8"?>
<Project>
  <PropertyGroup>
    <TimeStampOfAssociatedLegacyPublishXmlFile />
    <EncryptedPassword>«dpapib64»</EncryptedPassword>
    <History>True|«ts»||;</History>
  </PropertyGroup>
</Project>
""",
)
_t(
    "source",
    "rdp file",
    r"""
screen mode id:i:2
use multimon:i:0
desktopwidth:i:1920
desktopheight:i:1080
session bpp:i:32
full address:s:«host».«corp».local
gatewayhostname:s:rdg.«corp».com
gatewayusagemethod:i:1
username:s:«dom»\«user»
password 51:b:«DPAPI»
authentication level:i:2
prompt for credentials:i:0
""",
)
_t(
    "source",
    "unattend.xml placeholder password",
    r"""
      <UserAccounts>
        <AdministratorPassword>
          <Value>*SENSITIVE*DATA*DELETED*</Value>
          <PlainText>true</PlainText>
        </AdministratorPassword>
      </UserAccounts>
      <AutoLogon>
        <Password>
          <Value>*SENSITIVE*DATA*DELETED*</Value>
          <PlainText>true</PlainText>
        </Password>
        <Username>Administrator</Username>
      </AutoLogon>
""",
)
_t(
    "source",
    "csproj user secrets id and package hashes",
    r"""
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>«tfm»</TargetFramework>
    <UserSecretsId>«guid»</UserSecretsId>
    <RestorePackagesWithLockFile>true</RestorePackagesWithLockFile>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Azure.Identity" Version="1.13.1" />
    <PackageReference Include="Azure.Extensions.AspNetCore.Configuration.Secrets" Version="1.3.2" />
    <PackageReference Include="Microsoft.Data.SqlClient" Version="5.2.2" />
  </ItemGroup>
</Project>
""",
)
_t(
    "source",
    "sln file guids",
    r"""
Microsoft Visual Studio Solution File, Format Version 12.00
# Visual Studio Version 17
VisualStudioVersion = 17.12.35527.113
MinimumVisualStudioVersion = 10.0.40219.1
Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "«app».Api", "src\«app».Api\«app».Api.csproj", "{«GUID»}"
EndProject
Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "«app».Tests", "tests\«app».Tests\«app».Tests.csproj", "{«GUID»}"
EndProject
Global
	GlobalSection(ExtensibilityGlobals) = postSolution
		SolutionGuid = {«GUID»}
	EndGlobalSection
EndGlobal
""",
)
_t(
    "source",
    "registry export without password",
    r"""
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon]
"AutoAdminLogon"="0"
"DefaultUserName"="«user»"
"DefaultDomainName"="«dom»"
"LastUsedUsername"="«dom»\\«user»"
"Shell"="explorer.exe"
"PasswordExpiryWarning"=dword:00000005

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Cryptography]
"MachineGuid"="«guid»"
""",
)
_t(
    "source",
    "registry export product and sids",
    r"""
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\{«GUID»}]
"DisplayName"="«proj» Agent"
"DisplayVersion"="«ver»"
"Publisher"="«proj»"
"InstallLocation"="C:\\Program Files\\«proj»\\Agent\\"

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList\«sid»]
"ProfileImagePath"="C:\\Users\\«user»"
"Flags"=dword:00000000
""",
)
_t(
    "source",
    "wlan profile enterprise no key",
    r"""
<?xml version="1.0"?>
<WLANProfile xmlns="http://www.microsoft.com/networking/WLAN/profile/v1">
	<name>«corp»-Corp</name>
	<SSIDConfig><SSID><name>«corp»-Corp</name></SSID></SSIDConfig>
	<connectionType>ESS</connectionType>
	<MSM>
		<security>
			<authEncryption>
				<authentication>WPA2</authentication>
				<encryption>AES</encryption>
				<useOneX>true</useOneX>
			</authEncryption>
			<PMKCacheMode>enabled</PMKCacheMode>
			<OneX xmlns="http://www.microsoft.com/networking/OneX/v1">
				<authMode>machineOrUser</authMode>
				<EAPConfig><EapHostConfig xmlns="http://www.microsoft.com/provisioning/EapHostConfig"><EapMethod><Type xmlns="http://www.microsoft.com/provisioning/EapCommon">13</Type></EapMethod></EapHostConfig></EAPConfig>
			</OneX>
		</security>
	</MSM>
</WLANProfile>
""",
)
_t(
    "source",
    "wlan profile protected keymaterial",
    r"""
			<sharedKey>
				<keyType>passPhrase</keyType>
				<protected>true</protected>
				<keyMaterial>«DPAPI»</keyMaterial>
			</sharedKey>
""",
)
_t(
    "source",
    "tsql create login from windows",
    r"""
USE [master];
GO
CREATE LOGIN [«dom»\gmsa-«svc»$] FROM WINDOWS WITH DEFAULT_DATABASE = [«db»];
GO
USE [«db»];
CREATE USER [«dom»\gmsa-«svc»$] FOR LOGIN [«dom»\gmsa-«svc»$];
ALTER ROLE db_datareader ADD MEMBER [«dom»\gmsa-«svc»$];
GO
-- password policy check
SELECT name, is_policy_checked, is_expiration_checked FROM sys.sql_logins WHERE name = N'sa';
""",
)
_t(
    "source",
    "tsql sqlcmd variables",
    r"""
:setvar DatabaseName "«db»"
:setvar AppLogin "«svc»_app"
USE [master];
GO
IF NOT EXISTS (SELECT 1 FROM sys.sql_logins WHERE name = N'$(AppLogin)')
    CREATE LOGIN [$(AppLogin)] WITH PASSWORD = N'$(AppLoginPassword)', CHECK_POLICY = ON;
GO
""",
)
_t(
    "source",
    "dockerfile windows with build args",
    r"""
# escape=`
FROM mcr.microsoft.com/dotnet/sdk:9.0-windowsservercore-ltsc2022 AS build
ARG FEED_ACCESSTOKEN
ENV VSS_NUGET_EXTERNAL_FEED_ENDPOINTS="{\"endpointCredentials\": [{\"endpoint\":\"https://pkgs.dev.azure.com/«org»/_packaging/«svc»/nuget/v3/index.json\", \"password\":\"${FEED_ACCESSTOKEN}\"}]}"
WORKDIR /src
COPY . .
RUN dotnet publish src/«app».Api -c Release -o /app
FROM mcr.microsoft.com/dotnet/aspnet:9.0-nanoserver-ltsc2022@sha256:«sha256»
COPY --from=build /app /app
""",
)
_t(
    "source",
    "gpp groups.xml empty cpassword with sids",
    r"""
<?xml version="1.0" encoding="utf-8"?>
<Groups clsid="{3125E937-EB16-4b4c-9934-544FC6D24D26}">
  <Group clsid="{6D4A79E4-529C-4481-ABD0-F5BD7EA93BA7}" name="Administrators (built-in)" image="2" changed="«date» 08:12:44" uid="{«GUID»}">
    <Properties action="U" newName="" description="" deleteAllUsers="0" deleteAllGroups="0" removeAccounts="0" groupSid="S-1-5-32-544" groupName="Administrators (built-in)">
      <Members>
        <Member name="«dom»\Server Admins" action="ADD" sid="«sid»"/>
        <Member name="«dom»\LAPS Readers" action="ADD" sid="«sid»"/>
      </Members>
    </Properties>
  </Group>
</Groups>
""",
)
_t(
    "source",
    "applicationhost app pool identity builtin",
    r"""
<applicationPools>
    <add name="«svc»Pool" managedRuntimeVersion="" startMode="AlwaysRunning">
        <processModel identityType="ApplicationPoolIdentity" loadUserProfile="true" idleTimeout="00:00:00" />
        <recycling><periodicRestart time="00:00:00"><schedule><add value="03:00:00" /></schedule></periodicRestart></recycling>
    </add>
    <add name="«svc»WorkerPool">
        <processModel identityType="SpecificUser" userName="«dom»\gmsa-«svc»$" password="" />
    </add>
</applicationPools>
""",
)
_t(
    "source",
    "applicationhost encrypted password",
    r"""
<applicationPools>
    <add name="«svc»Pool">
        <processModel identityType="SpecificUser" userName="«dom»\svc_«svc»" password="[enc:IISWASOnlyCngProvider:«secure»«secure»:enc]" />
    </add>
</applicationPools>
""",
)
_t(
    "source",
    "powershell script generating password",
    r"""
function New-RandomPassword {
    param([int]$Length = 24)
    $chars = [char[]]'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#$%*-_'
    $bytes = [byte[]]::new($Length)
    [System.Security.Cryptography.RandomNumberGenerator]::Fill($bytes)
    -join ($bytes | ForEach-Object { $chars[$_ % $chars.Length] })
}

$pw = New-RandomPassword
Set-Secret -Name "«svc»-sql" -Secret $pw
Write-Host "Generated a new «svc» SQL password and stored it in the vault (length $($pw.Length))."
""",
)
_t(
    "source",
    "csharp data protection keys xml",
    r"""
<?xml version="1.0" encoding="utf-8"?>
<key id="«guid»" version="1">
  <creationDate>«ts»</creationDate>
  <activationDate>«ts»</activationDate>
  <expirationDate>«ts»</expirationDate>
  <descriptor deserializerType="Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel.AuthenticatedEncryptorDescriptorDeserializer, Microsoft.AspNetCore.DataProtection, Version=9.0.0.0">
    <descriptor>
      <encryption algorithm="AES_256_CBC" />
      <validation algorithm="HMACSHA256" />
      <encryptedSecret decryptorType="Microsoft.AspNetCore.DataProtection.XmlEncryption.DpapiXmlDecryptor, Microsoft.AspNetCore.DataProtection, Version=9.0.0.0" xmlns="http://schemas.asp.net/2015/03/dataProtection">
        <encryptedKey xmlns="">
          <!-- This key is encrypted with Windows DPAPI. -->
          <value>«sha512b64»«secure»«sha512b64»</value>
        </encryptedKey>
      </encryptedSecret>
    </descriptor>
  </descriptor>
</key>
""",
)
_t(
    "source",
    "app.manifest and strong name public key",
    r"""
<?xml version="1.0" encoding="utf-8"?>
<assembly manifestVersion="1.0" xmlns="urn:schemas-microsoft-com:asm.v1">
  <assemblyIdentity version="«ver».0" name="«app».app" publicKeyToken="«hex16»" processorArchitecture="amd64" />
  <trustInfo xmlns="urn:schemas-microsoft-com:asm.v2">
    <security>
      <requestedPrivileges xmlns="urn:schemas-microsoft-com:asm.v3">
        <requestedExecutionLevel level="asInvoker" uiAccess="false" />
      </requestedPrivileges>
    </security>
  </trustInfo>
</assembly>
""",
)
_t(
    "source",
    "csharp regex for secrets detection",
    r"""
// Rejects commits that contain a storage connection string with a key.
private static readonly Regex StorageKey = new(@"AccountKey=[A-Za-z0-9+/]{86}==", RegexOptions.Compiled);
private static readonly Regex SasSig = new(@"[?&]sig=[A-Za-z0-9%]{40,}", RegexOptions.Compiled);
private const string Example = "DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=<key>;EndpointSuffix=core.windows.net";
""",
)
_t(
    "source",
    "cmd batch with env references",
    r"""
@echo off
setlocal
if "%SQLPASS%"=="" (
  echo SQLPASS is not set. Run: set /p SQLPASS=Password: 
  exit /b 1
)
sqlcmd -S «host» -U %SQLUSER% -P "%SQLPASS%" -Q "BACKUP DATABASE [«db»] TO URL = N'https://«stg».blob.core.windows.net/sqlbackups/«db».bak' WITH CREDENTIAL = N'https://«stg».blob.core.windows.net/sqlbackups'"
endlocal
""",
)
_t(
    "source",
    "fsharp environment config",
    r"""
module «proj».Config

open System

let connectionString =
    match Environment.GetEnvironmentVariable "ConnectionStrings__Default" with
    | null | "" -> failwith "ConnectionStrings__Default is not set"
    | cs -> cs

let apiKey = Environment.GetEnvironmentVariable "«svc|upper»_API_KEY" |> Option.ofObj
""",
)

# ---- url: with secrets ------------------------------------------------------------------------

_t(
    "url",
    "blob sas url",
    r"""
https://«stg».blob.core.windows.net/exports/orders-«date».csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=«date»T18:00:00Z&st=«date»T09:00:00Z&spr=https&sig=«!sig»
""",
)
_t(
    "url",
    "service sas url with signed resource",
    r"""
https://«stg».blob.core.windows.net/reports/«guid».pdf?sp=r&st=«date»T08:00:00Z&se=«date»T16:00:00Z&spr=https&sv=2022-11-02&sr=b&sig=«!sig»
""",
)
_t(
    "url",
    "user delegation sas",
    r"""
https://«stg».blob.core.windows.net/uploads/«guid»?skoid=«guid»&sktid=«guid»&skt=«date»T10:00:00Z&ske=«date»T11:00:00Z&sks=b&skv=2022-11-02&sv=2022-11-02&sr=b&sp=cw&se=«date»T11:00:00Z&sig=«!sig»
""",
)
_t(
    "url",
    "queue sas url",
    r"""
https://«stg».queue.core.windows.net/«svc»-jobs/messages?sv=2021-08-06&ss=q&srt=sco&sp=rwdlacup&se=2026-06-30T00:00:00Z&spr=https&sig=«!sig»
""",
)
_t(
    "url",
    "functions url with code",
    r"""
https://«svc»-func.azurewebsites.net/api/ProcessOrder?code=«!funckey»
""",
)
_t(
    "url",
    "functions url with code and clientid",
    r"""
https://«svc»-func.azurewebsites.net/api/webhooks/github?code=«!funckey»&clientId=default
""",
)
_t(
    "url",
    "logic app trigger url",
    r"""
https://prod-«n3|lower».«region».logic.azure.com:443/workflows/«hex32»/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=«!lasig»
""",
)
_t(
    "url",
    "power automate http trigger",
    r"""
https://prod-«n3».westeurope.logic.azure.com/workflows/«hex32»/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=«!lasig»
""",
)
_t(
    "url",
    "teams incoming webhook",
    r"""
https://«corp».webhook.office.com/webhookb2/«!teams»
""",
)
_t(
    "url",
    "teams incoming webhook v2",
    r"""
https://«corp».webhook.office.com/webhookb2/«!teams2»
""",
)
_t(
    "url",
    "ado git url with pat",
    r"""
https://«org»:«!adopat»@dev.azure.com/«org»/«proj|url»/_git/«svc»
""",
)
_t(
    "url",
    "visualstudio.com git url with pat",
    r"""
https://«user»:«!adopat»@«org».visualstudio.com/DefaultCollection/«svc»/_git/«svc»-web
""",
)
_t(
    "url",
    "nuget feed url with credentials",
    r"""
https://«user»:«!pw|url»@nexus.«corp».local/repository/nuget-hosted/
""",
)
_t(
    "url",
    "github nuget url with token",
    r"""
https://«user»:«!ghp»@nuget.pkg.github.com/«org»/index.json
""",
)
_t(
    "url",
    "sql server url with password",
    r"""
sqlserver://sa:«!pw|url»@«host».«corp».local:1433?database=«db»&encrypt=true&trustServerCertificate=true
""",
)
_t(
    "url",
    "mssql url",
    r"""
mssql://«svc»_app:«!pw|url»@«host».database.windows.net:1433/«db»?encrypt=true
""",
)
_t(
    "url",
    "jdbc sqlserver url with password",
    r"""
jdbc:sqlserver://«host».«corp».local:1433;databaseName=«db»;user=«user»;password=«!pw»;encrypt=true;trustServerCertificate=false
""",
)
_t(
    "url",
    "id token in fragment",
    r"""
https://«svc».«corp».com/signin-oidc#id_token=«!jwt»&state=«hex32»&session_state=«guid»
""",
)
_t(
    "url",
    "access token in fragment implicit",
    r"""
https://«svc».«corp».com/auth-callback#access_token=«!jwt»&token_type=Bearer&expires_in=3599&scope=api%3A%2F%2F«guid»%2Faccess_as_user&session_state=«guid»
""",
)
_t(
    "url",
    "cognitive services key in query",
    r"""
https://«region».api.cognitive.microsoft.com/sts/v1.0/issueToken?Subscription-Key=«!hex32»
""",
)
_t(
    "url",
    "azure maps subscription key",
    r"""
https://atlas.microsoft.com/search/address/json?api-version=1.0&subscription-key=«!mapskey»&query=1%20Microsoft%20Way%2C%20Redmond
""",
)
_t(
    "url",
    "apim key in query",
    r"""
https://«corp»-apim.azure-api.net/«svc»/v1/orders?status=open&subscription-key=«!hex32»
""",
)
_t(
    "url",
    "event grid webhook to function with code",
    r"""
https://«svc»-func.azurewebsites.net/runtime/webhooks/EventGrid?functionName=OnBlobCreated&code=«!funckey»
""",
)
_t(
    "url",
    "service bus rest with sas token",
    r"""
https://«corp»-bus.servicebus.windows.net/orders/messages?timeout=60&SharedAccessSignature=SharedAccessSignature%20sr%3Dhttps%253A%252F%252F«corp»-bus.servicebus.windows.net%252Forders%26sig%3D«!sig»%26se%3D«n6»«n6|lower»%26skn%3DRootManageSharedAccessKey
""",
)
_t(
    "url",
    "ftp url with credentials",
    r"""
ftps://«svc»-prd\$«svc»-prd:«!pubpw»@waws-prod-am2-«n3».ftp.azurewebsites.windows.net/site/wwwroot
""",
)
_t(
    "url",
    "scm url with basic credentials",
    r"""
https://$«svc»-prd:«!pubpw»@«svc»-prd.scm.azurewebsites.net/api/zipdeploy
""",
)
_t(
    "url",
    "webdav share url with password",
    r"""
https://«user»:«!pw|url»@«corp».sharepoint.com/sites/«svc»/Shared%20Documents/
""",
)
_t(
    "url",
    "winrm https with credentials",
    r"""
https://«dom»%5C«user»:«!pw|url»@«host».«corp».local:5986/wsman
""",
)
_t(
    "url",
    "sas connection uri for azure sql backup",
    r"""
https://«stg».blob.core.windows.net/sqlbackups?sp=racwdl&st=«date»T00:00:00Z&se=2027-01-01T00:00:00Z&spr=https&sv=2022-11-02&sr=c&sig=«!sig»
""",
)
_t(
    "url",
    "slack webhook from dotnet app",
    r"""
https://hooks.slack.com/services/T«hookA»/B«hookB»/«!slackhook»
""".replace("«hookA»", "«slackT»").replace("«hookB»", "«slackB»"),
)
_t(
    "url",
    "discord webhook",
    r"""
https://discord.com/api/webhooks/«n6»«n6»«n6»/«!discord»
""",
)
_t(
    "url",
    "oauth token endpoint with client secret in query",
    r"""
https://login.microsoftonline.com/«guid»/oauth2/v2.0/token?client_id=«guid»&client_secret=«!aad|url»&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&grant_type=client_credentials
""",
)
_t(
    "url",
    "redis url azure cache",
    r"""
rediss://:«!key44|url»@«corp»-cache.redis.cache.windows.net:6380/0
""",
)

# ---- url: without secrets ---------------------------------------------------------------------

_t(
    "url",
    "key vault secret uri",
    r"""
https://«kvname».vault.azure.net/secrets/SqlAdminPassword/«hex32»
""",
)
_t(
    "url",
    "key vault reference app setting",
    r"""
@Microsoft.KeyVault(SecretUri=https://«kvname».vault.azure.net/secrets/StripeSecretKey/)
""",
)
_t(
    "url",
    "key vault reference vault name form",
    r"""
@Microsoft.KeyVault(VaultName=«kvname»;SecretName=ServiceBusConnection;SecretVersion=«hex32»)
""",
)
_t(
    "url",
    "blob url without sas",
    r"""
https://«stg».blob.core.windows.net/public-assets/img/logo-«short».png?v=«short»
""",
)
_t(
    "url",
    "sas url missing signature",
    r"""
https://«stg».blob.core.windows.net/exports/orders.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=«date»T18:00:00Z&spr=https&sig=REDACTED
""",
)
_t(
    "url",
    "authorize url with pkce",
    r"""
https://login.microsoftonline.com/«guid»/oauth2/v2.0/authorize?client_id=«guid»&response_type=code&redirect_uri=https%3A%2F%2Flocalhost%3A«port»%2Fsignin-oidc&response_mode=form_post&scope=openid%20profile%20offline_access&state=«hex32»&nonce=«hex32»&code_challenge=«x5t»«x5t|lower»&code_challenge_method=S256
""",
)
_t(
    "url",
    "admin consent url",
    r"""
https://login.microsoftonline.com/«guid»/adminconsent?client_id=«guid»&redirect_uri=https%3A%2F%2F«svc».«corp».com%2Fconsent%2Fdone&state=«n6»
""",
)
_t(
    "url",
    "azure portal resource url",
    r"""
https://portal.azure.com/#@«corp».onmicrosoft.com/resource/subscriptions/«guid»/resourceGroups/rg-«svc»-prd/providers/Microsoft.Web/sites/«svc»-prd/appServices
""",
)
_t(
    "url",
    "ado build results url",
    r"""
https://dev.azure.com/«org»/«proj|url»/_build/results?buildId=«n6»&view=logs&j=«guid»&t=«guid»
""",
)
_t(
    "url",
    "ado git url without credentials",
    r"""
https://«org»@dev.azure.com/«org»/«proj|url»/_git/«svc»
""",
)
_t(
    "url",
    "functions url anonymous",
    r"""
https://«svc»-func.azurewebsites.net/api/health?probe=ready&requestId=«guid»
""",
)
_t(
    "url",
    "nuget package url",
    r"""
https://www.nuget.org/api/v2/package/Microsoft.Data.SqlClient/5.2.2?sha512=«sha512b64|url»
""",
)
_t(
    "url",
    "learn microsoft docs url",
    r"""
https://learn.microsoft.com/en-us/windows-server/get-started/kms-client-activation-keys?tabs=server2022%2Cwindows11ltsc#generic-volume-license-keys-gvlk
""",
)
_t(
    "url",
    "app insights live metrics url",
    r"""
https://portal.azure.com/#blade/AppInsightsExtension/QuickPulseBladeV2/ComponentId/%7B%22SubscriptionId%22%3A%22«guid»%22%2C%22ResourceGroup%22%3A%22rg-«svc»%22%2C%22Name%22%3A%22ai-«svc»%22%7D/InstrumentationKey/«guid»
""",
)
_t(
    "url",
    "sql url integrated",
    r"""
sqlserver://«host».«corp».local:1433?database=«db»&integratedSecurity=true&encrypt=true
""",
)
_t(
    "url",
    "jdbc sqlserver placeholder password",
    r"""
jdbc:sqlserver://«host».«corp».local:1433;databaseName=«db»;user=«user»;password={your_password_here};encrypt=true
""",
)
_t(
    "url",
    "msdeploy url",
    r"""
https://«host».«corp».local:8172/msdeploy.axd?site=«svc»&build=«build»&commit=«sha1»
""",
)
_t(
    "url",
    "oauth callback error",
    r"""
https://«svc».«corp».com/signin-oidc?error=access_denied&error_description=AADSTS65004%3A+User+declined+to+consent+to+access+the+app.%0D%0ATrace+ID%3A+«guid»%0D%0ACorrelation+ID%3A+«guid»%0D%0ATimestamp%3A+«date»+10%3A12%3A44Z&state=«hex32»
""",
)
_t(
    "url",
    "teams meeting link",
    r"""
https://teams.microsoft.com/l/meetup-join/19%3ameeting_«x5t»%40thread.v2/0?context=%7b%22Tid%22%3a%22«guid»%22%2c%22Oid%22%3a%22«guid»%22%7d
""",
)
_t(
    "url",
    "sharepoint sharing link",
    r"""
https://«corp».sharepoint.com/:x:/r/sites/«svc»/_layouts/15/Doc.aspx?sourcedoc=%7B«GUID»%7D&file=Runbook.xlsx&action=default&mobileredirect=true
""",
)
_t(
    "url",
    "winget source url with hash",
    r"""
https://cdn.winget.microsoft.com/cache/source.msix?v=«ver»&sha256=«sha256»
""",
)

# ---- json: appsettings, launch settings, CLI output, event logs as JSON, with secrets ---------

_t(
    "json",
    "appsettings connection strings",
    r"""
{
  "Logging": {
    "LogLevel": {
      "Default": "Information",
      "Microsoft.AspNetCore": "Warning"
    }
  },
  "AllowedHosts": "*",
  "ConnectionStrings": {
    "Default": "Server=«host»;Database=«db»;User Id=«user»;Password=«!pw»;TrustServerCertificate=True;MultipleActiveResultSets=true",
    "Redis": "localhost:6379"
  }
}
""",
)
_t(
    "json",
    "appsettings development pwd form",
    r"""
{
  "ConnectionStrings": {
    "IdentityDb": "Data Source=«host»\\SQLEXPRESS;Initial Catalog=«db»;Uid=«user»;Pwd=«!pw»;Encrypt=False"
  },
  "DetailedErrors": true,
  "Logging": { "LogLevel": { "Default": "Debug" } }
}
""",
)
_t(
    "json",
    "appsettings azure ad client secret",
    r"""
{
  "AzureAd": {
    "Instance": "https://login.microsoftonline.com/",
    "Domain": "«corp».onmicrosoft.com",
    "TenantId": "«guid»",
    "ClientId": "«guid»",
    "ClientSecret": "«!aad»",
    "CallbackPath": "/signin-oidc"
  },
  "DownstreamApi": {
    "BaseUrl": "https://graph.microsoft.com/v1.0",
    "Scopes": "User.Read"
  }
}
""",
)
_t(
    "json",
    "appsettings jwt key",
    r"""
{
  "Jwt": {
    "Issuer": "https://«svc».«corp».com",
    "Audience": "«svc»-clients",
    "Key": "«!signkey»",
    "ExpiryMinutes": 60
  },
  "Serilog": { "MinimumLevel": "Information" }
}
""",
)
_t(
    "json",
    "appsettings kestrel certificate password",
    r"""
{
  "Kestrel": {
    "Endpoints": {
      "Https": {
        "Url": "https://*:«port»",
        "Certificate": {
          "Path": "C:\\certs\\«svc».pfx",
          "Password": "«!pw»"
        }
      }
    }
  }
}
""",
)
_t(
    "json",
    "appsettings smtp and sendgrid",
    r"""
{
  "Smtp": {
    "Host": "smtp.office365.com",
    "Port": 587,
    "UserName": "noreply@«corp».com",
    "Password": "«!pwh»",
    "EnableSsl": true
  },
  "SendGrid": {
    "ApiKey": "«!sendgrid»",
    "From": "noreply@«corp».com"
  }
}
""",
)
_t(
    "json",
    "appsettings storage and service bus",
    r"""
{
  "Azure": {
    "Storage": {
      "ConnectionString": "DefaultEndpointsProtocol=https;AccountName=«stg»;AccountKey=«!azkey»;EndpointSuffix=core.windows.net",
      "Container": "uploads"
    },
    "ServiceBus": {
      "ConnectionString": "Endpoint=sb://«corp»-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«!key44»",
      "Queue": "orders"
    }
  }
}
""",
)
_t(
    "json",
    "appsettings stripe and openai",
    r"""
{
  "Stripe": {
    "PublishableKey": "pk_live_«hex16»«hex16»",
    "SecretKey": "«!stripe»",
    "WebhookSecret": "whsec_«!whsec»"
  },
  "OpenAI": {
    "ApiKey": "«!openai»",
    "Model": "gpt-4o-mini"
  }
}
""".replace("whsec_«!whsec»", "«!whsec»"),
)
_t(
    "json",
    "appsettings serilog seq api key",
    r"""
{
  "Serilog": {
    "Using": [ "Serilog.Sinks.Seq", "Serilog.Sinks.MSSqlServer" ],
    "WriteTo": [
      { "Name": "Seq", "Args": { "serverUrl": "https://seq.«corp».local", "apiKey": "«!apikey»" } },
      { "Name": "MSSqlServer", "Args": { "connectionString": "Server=«host»;Database=Logs;User Id=logwriter;Password=«!pw»;", "tableName": "Logs" } }
    ]
  }
}
""",
)
_t(
    "json",
    "appsettings cosmos and redis",
    r"""
{
  "CosmosDb": {
    "Endpoint": "https://«corp»-cosmos.documents.azure.com:443/",
    "Key": "«!azkey»",
    "DatabaseName": "«svc»"
  },
  "Redis": {
    "Configuration": "«corp»-cache.redis.cache.windows.net:6380,password=«!key44»,ssl=True,abortConnect=False"
  }
}
""",
)
_t(
    "json",
    "launchsettings environment variables",
    r"""
{
  "$schema": "https://json.schemastore.org/launchsettings.json",
  "profiles": {
    "https": {
      "commandName": "Project",
      "dotnetRunMessages": true,
      "launchBrowser": true,
      "applicationUrl": "https://localhost:«port»;http://localhost:5080",
      "environmentVariables": {
        "ASPNETCORE_ENVIRONMENT": "Development",
        "ConnectionStrings__Default": "Server=localhost,1433;Database=«db»;User Id=sa;Password=«!pw»;TrustServerCertificate=true",
        "GITHUB_TOKEN": "«!ghp»"
      }
    }
  }
}
""",
)
_t(
    "json",
    "launchsettings docker profile",
    r"""
{
  "profiles": {
    "Container (Dockerfile)": {
      "commandName": "Docker",
      "launchBrowser": true,
      "launchUrl": "{Scheme}://{ServiceHost}:{ServicePort}/swagger",
      "environmentVariables": {
        "ASPNETCORE_HTTPS_PORTS": "8081",
        "Kestrel__Certificates__Default__Password": "«!pw»",
        "AZURE_CLIENT_SECRET": "«!aad»"
      },
      "publishAllPorts": true,
      "useSSL": true
    }
  }
}
""",
)
_t(
    "json",
    "user secrets secrets.json",
    r"""
{
  "ConnectionStrings:Default": "Server=(localdb)\\MSSQLLocalDB;Database=«db»;User Id=«user»;Password=«!pw»",
  "Authentication:Google:ClientId": "«n6»«n6»-«pin»abcdefghij.apps.googleusercontent.com",
  "Authentication:Google:ClientSecret": "GOCSPX-«!gocspx»",
  "Twilio:AuthToken": "«!hex32»"
}
""".replace("GOCSPX-«!gocspx»", "«!gocspx»"),
)
_t(
    "json",
    "local.settings.json functions",
    r"""
{
  "IsEncrypted": false,
  "Values": {
    "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=«stg»;AccountKey=«!azkey»;EndpointSuffix=core.windows.net",
    "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated",
    "ServiceBusConnection": "Endpoint=sb://«corp»-bus.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=«!key44»",
    "CosmosDBConnection": "AccountEndpoint=https://«corp»-cosmos.documents.azure.com:443/;AccountKey=«!azkey»;"
  },
  "Host": { "LocalHttpPort": 7071, "CORS": "*" }
}
""",
)
_t(
    "json",
    "vscode launch json env",
    r"""
{
  "version": "0.2.0",
  "configurations": [
    {
      "name": ".NET Core Launch (web)",
      "type": "coreclr",
      "request": "launch",
      "preLaunchTask": "build",
      "program": "${workspaceFolder}/src/«app».Api/bin/Debug/«tfm»/«app».Api.dll",
      "env": {
        "ASPNETCORE_ENVIRONMENT": "Development",
        "Stripe__SecretKey": "«!stripe»",
        "ConnectionStrings__Default": "Server=localhost;Database=«db»;User Id=sa;Password=«!pw»;TrustServerCertificate=true"
      }
    }
  ]
}
""",
)
_t(
    "json",
    "az ad sp create-for-rbac json",
    r"""
{
  "appId": "«guid»",
  "displayName": "gh-actions-«svc»",
  "password": "«!aad»",
  "tenant": "«guid»"
}
""",
)
_t(
    "json",
    "az ad sp sdk-auth json",
    r"""
{
  "clientId": "«guid»",
  "clientSecret": "«!aad»",
  "subscriptionId": "«guid»",
  "tenantId": "«guid»",
  "activeDirectoryEndpointUrl": "https://login.microsoftonline.com",
  "resourceManagerEndpointUrl": "https://management.azure.com/",
  "activeDirectoryGraphResourceId": "https://graph.windows.net/",
  "sqlManagementEndpointUrl": "https://management.core.windows.net:8443/",
  "galleryEndpointUrl": "https://gallery.azure.com/",
  "managementEndpointUrl": "https://management.core.windows.net/"
}
""",
)
_t(
    "json",
    "az storage account keys list",
    r"""
[
  {
    "creationTime": "«ts»",
    "keyName": "key1",
    "permissions": "FULL",
    "value": "«!azkey»"
  },
  {
    "creationTime": "«ts»",
    "keyName": "key2",
    "permissions": "FULL",
    "value": "«!azkey»"
  }
]
""",
)
_t(
    "json",
    "az account get-access-token",
    r"""
{
  "accessToken": "«!jwt»",
  "expiresOn": "«date» 11:42:10.000000",
  "expires_on": 17«n6»«n3»,
  "subscription": "«guid»",
  "tenant": "«guid»",
  "tokenType": "Bearer"
}
""",
)
_t(
    "json",
    "az keyvault secret show",
    r"""
{
  "attributes": {
    "created": "«ts»",
    "enabled": true,
    "expires": null,
    "recoveryLevel": "Recoverable+Purgeable",
    "updated": "«ts»"
  },
  "contentType": null,
  "id": "https://«kvname».vault.azure.net/secrets/SqlAdminPassword/«hex32»",
  "kid": null,
  "managed": null,
  "name": "SqlAdminPassword",
  "tags": {},
  "value": "«!pw»"
}
""",
)
_t(
    "json",
    "az webapp publishing credentials",
    r"""
{
  "id": "/subscriptions/«guid»/resourceGroups/rg-«svc»-prd/providers/Microsoft.Web/sites/«svc»-prd/publishingcredentials/$«svc»-prd",
  "name": "«svc»-prd",
  "publishingPassword": "«!pubpw»",
  "publishingPasswordHash": null,
  "publishingPasswordHashSalt": null,
  "publishingUserName": "$«svc»-prd",
  "scmUri": "https://$«svc»-prd:«!pubpw»@«svc»-prd.scm.azurewebsites.net",
  "type": "Microsoft.Web/sites/publishingcredentials"
}
""".replace('"publishingPassword": "«!pubpw»"', '"publishingPassword": "«!pubpw#p»"').replace(
        ":«!pubpw»@", ":«#p»@"
    ),
)
_t(
    "json",
    "az acr credential show",
    r"""
{
  "passwords": [
    { "name": "password", "value": "«!acr»" },
    { "name": "password2", "value": "«!acr»" }
  ],
  "username": "«corp»acr"
}
""",
)
_t(
    "json",
    "az ad app credential reset",
    r"""
{
  "appId": "«guid»",
  "password": "«!aad»",
  "tenant": "«guid»"
}
""",
)
_t(
    "json",
    "az servicebus keys list",
    r"""
{
  "aliasPrimaryConnectionString": null,
  "keyName": "RootManageSharedAccessKey",
  "primaryConnectionString": "Endpoint=sb://«corp»-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«!key44»",
  "primaryKey": "«!key44»",
  "secondaryConnectionString": "Endpoint=sb://«corp»-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«!key44»",
  "secondaryKey": "«!key44»"
}
""".replace(
        'SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«!key44»",\n  "primaryKey": "«!key44»"',
        'SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«!key44#a»",\n  "primaryKey": "«#a»"',
    ).replace(
        'SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«!key44»",\n  "secondaryKey": "«!key44»"',
        'SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«!key44#b»",\n  "secondaryKey": "«#b»"',
    ),
)
_t(
    "json",
    "msal token cache",
    r"""
{
  "AccessToken": {
    "«guid».«guid»-login.microsoftonline.com-accesstoken-«guid»-«guid»-https://management.azure.com/.default": {
      "credential_type": "AccessToken",
      "secret": "«!jwt»",
      "home_account_id": "«guid».«guid»",
      "environment": "login.microsoftonline.com",
      "client_id": "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
      "target": "https://management.azure.com/.default",
      "realm": "«guid»",
      "token_type": "Bearer",
      "cached_at": "17«n6»«n3»",
      "expires_on": "17«n6»«n3»"
    }
  },
  "RefreshToken": {
    "«guid».«guid»-login.microsoftonline.com-refreshtoken-04b07795-8ddb-461a-bbee-02f9e1bf7b46--": {
      "credential_type": "RefreshToken",
      "secret": "«!refresh»",
      "home_account_id": "«guid».«guid»",
      "environment": "login.microsoftonline.com",
      "client_id": "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
    }
  }
}
""",
)
_t(
    "json",
    "azure service principal entries json",
    r"""
[
  {
    "client_id": "«guid»",
    "client_secret": "«!aad»",
    "tenant": "«guid»"
  }
]
""",
)
_t(
    "json",
    "get-winevent converted json with command line",
    r"""
[
  {
    "Id": 4688,
    "LevelDisplayName": "Information",
    "TimeCreated": "\/Date(17«n6»«n3»«n3»)\/",
    "MachineName": "«host».«corp».local",
    "ProviderName": "Microsoft-Windows-Security-Auditing",
    "Message": "A new process has been created.\r\n\r\nCreator Subject:\r\n\tSecurity ID:\t\t«sid»\r\n\tAccount Name:\t\t«user»\r\n\r\nProcess Information:\r\n\tNew Process Name:\tC:\\Windows\\System32\\cmdkey.exe\r\n\tProcess Command Line:\tcmdkey /add:«host».«corp».local /user:«dom»\\«user» /pass:«!pw»"
  }
]
""",
)
_t(
    "json",
    "sysmon event json process create",
    r"""
{"EventID":1,"UtcTime":"«date» 10:11:12.345","ProcessGuid":"{«guid»}","ProcessId":«pid»,"Image":"C:\\Windows\\System32\\sc.exe","CommandLine":"sc.exe config «svc»Worker obj= \"«dom»\\svc_«svc»\" password= \"«!pw»\"","User":"«dom»\\«user»","IntegrityLevel":"High","Hashes":"SHA256=«SHA256»","ParentImage":"C:\\Windows\\System32\\cmd.exe"}
""",
)
_t(
    "json",
    "windows terminal settings with ssh command",
    r"""
{
  "$schema": "https://aka.ms/terminal-profiles-schema",
  "defaultProfile": "{«guid»}",
  "profiles": {
    "list": [
      {
        "guid": "{«guid»}",
        "name": "«host» (sql)",
        "commandline": "sqlcmd -S «host» -U sa -P «!pw»",
        "hidden": false
      }
    ]
  }
}
""",
)
_t(
    "json",
    "appsettings octopus and ado tokens",
    r"""
{
  "Octopus": {
    "Server": "https://deploy.«corp».com",
    "ApiKey": "«!octo»",
    "Space": "Spaces-1"
  },
  "AzureDevOps": {
    "Organization": "https://dev.azure.com/«org»",
    "PersonalAccessToken": "«!adopat»"
  }
}
""",
)
_t(
    "json",
    "appsettings identity server signing credential",
    r"""
{
  "IdentityServer": {
    "Clients": [
      {
        "ClientId": "«svc»-worker",
        "ClientSecrets": [ { "Value": "«!apikey»" } ],
        "AllowedGrantTypes": [ "client_credentials" ],
        "AllowedScopes": [ "«svc».api" ]
      }
    ],
    "Key": { "Type": "File", "FilePath": "keys/signing.pfx", "Password": "«!pw»" }
  }
}
""",
)
_t(
    "json",
    "appsettings private key pem in json",
    r"""
{
  "Signing": {
    "KeyId": "«hex16»",
    "Algorithm": "ES256",
    "PrivateKeyPem": "«!pemec|json»"
  }
}
""",
)
_t(
    "json",
    "jwk private key",
    r"""
{
  "keys": [
    {
      "kty": "RSA",
      "kid": "«x5t»",
      "use": "sig",
      "alg": "RS256",
      "n": "«modulusurl»",
      "e": "AQAB",
      "d": "«!rsadurl»",
      "p": "«!rsapurl»",
      "q": "«!rsapurl»"
    }
  ]
}
""",
)
_t(
    "json",
    "nuget source credentials env json",
    r"""
{"endpointCredentials": [{"endpoint": "https://pkgs.dev.azure.com/«org»/_packaging/«svc»/nuget/v3/index.json", "username": "build", "password": "«!adopat»"}]}
""",
)
_t(
    "json",
    "docker config json with auth",
    r"""
{
  "auths": {
    "«corp»acr.azurecr.io": {
      "auth": "«!basic:#u:#p»"
    }
  },
  "credsStore": "desktop"
}
""".replace('"auth": "«!basic', '"auth": "«~corp#u»«~!acr#p»«!basic'),
)
_t(
    "json",
    "api response with sas url",
    r"""
{
  "uploadId": "«guid»",
  "uploadUrl": "https://«stg».blob.core.windows.net/incoming/«guid»?sv=2022-11-02&sr=b&sp=cw&se=«date»T12:00:00Z&sig=«!sig»",
  "expiresAt": "«ts»"
}
""",
)
_t(
    "json",
    "logic app definition with webhook",
    r"""
{
  "definition": {
    "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
    "actions": {
      "Post_to_Teams": {
        "type": "Http",
        "inputs": {
          "method": "POST",
          "uri": "https://«corp».webhook.office.com/webhookb2/«!teams»",
          "body": { "text": "@{triggerBody()?['summary']}" }
        }
      }
    }
  }
}
""",
)
_t(
    "json",
    "arm parameters file with admin password",
    r"""
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "vmName": { "value": "«host»" },
    "adminUsername": { "value": "azureadmin" },
    "adminPassword": { "value": "«!pwr»" },
    "sqlAdministratorLoginPassword": { "value": "«!pw»" }
  }
}
""",
)
_t(
    "json",
    "tasks.json with token arg",
    r"""
{
  "version": "2.0.0",
  "tasks": [
    {
      "label": "publish nuget",
      "command": "dotnet",
      "type": "process",
      "args": [ "nuget", "push", "${workspaceFolder}/artifacts/*.nupkg", "--api-key", "«!nuget»", "--source", "https://api.nuget.org/v3/index.json" ],
      "problemMatcher": "$msCompile"
    }
  ]
}
""",
)
_t(
    "json",
    "app service app settings export",
    r"""
[
  { "name": "APPINSIGHTS_INSTRUMENTATIONKEY", "slotSetting": false, "value": "«guid»" },
  { "name": "ASPNETCORE_ENVIRONMENT", "slotSetting": false, "value": "Production" },
  { "name": "ConnectionStrings__Default", "slotSetting": true, "value": "Server=tcp:«host».database.windows.net,1433;Database=«db»;User ID=«svc»_app;Password=«!pw»;Encrypt=True" },
  { "name": "WEBSITE_RUN_FROM_PACKAGE", "slotSetting": false, "value": "1" }
]
""",
)
_t(
    "json",
    "structured log with authorization header",
    r"""
{"@t":"«ts»","@mt":"HTTP {RequestMethod} {RequestPath} responded {StatusCode}","@l":"Debug","RequestMethod":"GET","RequestPath":"/api/orders","StatusCode":401,"RequestHeaders":{"Authorization":"Bearer «!jwths»","User-Agent":"«app»/«ver»","Host":"«svc».«corp».com"},"SourceContext":"Serilog.AspNetCore.RequestLoggingMiddleware","MachineName":"«host»"}
""",
)
_t(
    "json",
    "powershell convertto-json credential object",
    r"""
PS C:\> [pscustomobject]@{ User = "«dom»\«user»"; Password = $cred.GetNetworkCredential().Password; Host = "«host»" } | ConvertTo-Json
{
  "User": "«dom»\\«user»",
  "Password": "«!pw»",
  "Host": "«host»"
}
""",
)
_t(
    "json",
    "octopus variables json export",
    r"""
{
  "Variables": [
    { "Id": "«guid»", "Name": "Db.User", "Value": "«svc»_app", "IsSensitive": false, "Scope": { "Environment": [ "Environments-1" ] } },
    { "Id": "«guid»", "Name": "Db.Password", "Value": "«!pw»", "IsSensitive": false, "Scope": { "Environment": [ "Environments-1" ] } }
  ],
  "SpaceId": "Spaces-1"
}
""",
)
_t(
    "json",
    "azure devops service endpoint json",
    r"""
{
  "authorization": {
    "parameters": {
      "tenantid": "«guid»",
      "serviceprincipalid": "«guid»",
      "authenticationType": "spnKey",
      "serviceprincipalkey": "«!aad»"
    },
    "scheme": "ServicePrincipal"
  },
  "data": { "subscriptionId": "«guid»", "subscriptionName": "«proj» Production" },
  "name": "«proj»-arm",
  "type": "azurerm",
  "url": "https://management.azure.com/"
}
""",
)

# ---- json: without secrets --------------------------------------------------------------------

_t(
    "json",
    "appsettings integrated security",
    r"""
{
  "ConnectionStrings": {
    "Default": "Server=(localdb)\\mssqllocaldb;Database=«db»;Trusted_Connection=True;MultipleActiveResultSets=true",
    "Reporting": "Data Source=«host»;Initial Catalog=Reporting;Integrated Security=SSPI;TrustServerCertificate=True",
    "Azure": "Server=tcp:«svc»-sql.database.windows.net,1433;Database=«db»;Authentication=Active Directory Managed Identity;User Id=«guid»;Encrypt=True"
  },
  "Logging": { "LogLevel": { "Default": "Information" } }
}
""",
)
_t(
    "json",
    "appsettings key vault references",
    r"""
{
  "KeyVault": { "VaultUri": "https://«kvname».vault.azure.net/" },
  "ConnectionStrings": {
    "Default": "@Microsoft.KeyVault(SecretUri=https://«kvname».vault.azure.net/secrets/SqlConnection/)"
  },
  "Stripe": {
    "SecretKey": "@Microsoft.KeyVault(VaultName=«kvname»;SecretName=StripeSecretKey)"
  }
}
""",
)
_t(
    "json",
    "appsettings placeholders",
    r"""
{
  "ConnectionStrings": {
    "Default": "Server=«host»;Database=«db»;User Id=«svc»_app;Password={password};TrustServerCertificate=True"
  },
  "AzureAd": {
    "Instance": "https://login.microsoftonline.com/",
    "TenantId": "«guid»",
    "ClientId": "«guid»",
    "ClientSecret": "<client-secret-from-portal>"
  },
  "SendGrid": { "ApiKey": "" }
}
""",
)
_t(
    "json",
    "appsettings token replacement markers",
    r"""
{
  "ConnectionStrings": {
    "Default": "Server=#{Db.Server};Database=#{Db.Name};User Id=#{Db.User};Password=#{Db.Password}"
  },
  "Smtp": {
    "Password": "__SmtpPassword__",
    "UserName": "__SmtpUser__"
  },
  "Jwt": { "Key": "$(JwtSigningKey)" }
}
""",
)
_t(
    "json",
    "appsettings application insights",
    r"""
{
  "ApplicationInsights": {
    "ConnectionString": "InstrumentationKey=«guid»;IngestionEndpoint=https://«region»-5.in.applicationinsights.azure.com/;LiveEndpoint=https://«region».livediagnostics.monitor.azure.com/;ApplicationId=«guid»"
  },
  "Logging": {
    "ApplicationInsights": { "LogLevel": { "Default": "Warning" } }
  }
}
""",
)
_t(
    "json",
    "appsettings azure ad without secret",
    r"""
{
  "AzureAd": {
    "Instance": "https://login.microsoftonline.com/",
    "Domain": "«corp».onmicrosoft.com",
    "TenantId": "«guid»",
    "ClientId": "«guid»",
    "ClientCertificates": [
      { "SourceType": "KeyVault", "KeyVaultUrl": "https://«kvname».vault.azure.net", "KeyVaultCertificateName": "«svc»-aad" }
    ],
    "CallbackPath": "/signin-oidc"
  }
}
""",
)
_t(
    "json",
    "appsettings kestrel certificate store",
    r"""
{
  "Kestrel": {
    "Endpoints": {
      "Https": {
        "Url": "https://*:443",
        "Certificate": {
          "Subject": "«svc».«corp».com",
          "Store": "My",
          "Location": "LocalMachine",
          "AllowInvalid": false
        }
      }
    }
  }
}
""",
)
_t(
    "json",
    "launchsettings no secrets",
    r"""
{
  "$schema": "https://json.schemastore.org/launchsettings.json",
  "iisSettings": {
    "windowsAuthentication": true,
    "anonymousAuthentication": false,
    "iisExpress": { "applicationUrl": "http://localhost:«n6|lower»", "sslPort": 443«n3» }
  },
  "profiles": {
    "IIS Express": {
      "commandName": "IISExpress",
      "launchBrowser": true,
      "environmentVariables": { "ASPNETCORE_ENVIRONMENT": "Development" }
    }
  }
}
""".replace('"http://localhost:«n6|lower»"', '"http://localhost:5«n3»"').replace(
        '"sslPort": 443«n3»', '"sslPort": 44«n3»'
    ),
)
_t(
    "json",
    "local.settings.json dev storage",
    r"""
{
  "IsEncrypted": false,
  "Values": {
    "AzureWebJobsStorage": "UseDevelopmentStorage=true",
    "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated",
    "ServiceBusConnection__fullyQualifiedNamespace": "«corp»-bus.servicebus.windows.net",
    "CosmosDBConnection__accountEndpoint": "https://«corp»-cosmos.documents.azure.com:443/"
  }
}
""",
)
_t(
    "json",
    "local.settings.json azurite explicit key",
    r"""
{
  "IsEncrypted": false,
  "Values": {
    "AzureWebJobsStorage": "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=«azurite»;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;",
    "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated"
  }
}
""",
)
_t(
    "json",
    "local.settings.json encrypted",
    r"""
{
  "IsEncrypted": true,
  "Values": {
    "AzureWebJobsStorage": "«secure»«secure»«secure»",
    "FUNCTIONS_WORKER_RUNTIME": "«secure»"
  }
}
""",
)
_t(
    "json",
    "packages.lock.json",
    r"""
{
  "version": 1,
  "dependencies": {
    "net9.0": {
      "Azure.Identity": {
        "type": "Direct",
        "requested": "[1.13.1, )",
        "resolved": "1.13.1",
        "contentHash": "«sha512b64»",
        "dependencies": {
          "Azure.Core": "1.44.1",
          "Microsoft.Identity.Client": "4.66.1"
        }
      },
      "Microsoft.Data.SqlClient": {
        "type": "Direct",
        "requested": "[5.2.2, )",
        "resolved": "5.2.2",
        "contentHash": "«sha512b64»"
      }
    }
  }
}
""",
)
_t(
    "json",
    "nupkg metadata",
    r"""
{
  "version": 2,
  "contentHash": "«sha512b64»",
  "source": "https://api.nuget.org/v3/index.json"
}
""",
)
_t(
    "json",
    "global.json and dotnet tools",
    r"""
{
  "sdk": {
    "version": "«net»",
    "rollForward": "latestFeature",
    "allowPrerelease": false
  },
  "msbuild-sdks": {
    "Microsoft.Build.Traversal": "4.1.0"
  }
}
""",
)
_t(
    "json",
    "az account list",
    r"""
[
  {
    "cloudName": "AzureCloud",
    "homeTenantId": "«guid#t»",
    "id": "«guid»",
    "isDefault": true,
    "managedByTenants": [ { "tenantId": "«guid»" } ],
    "name": "«proj» Production",
    "state": "Enabled",
    "tenantId": "«#t»",
    "user": { "name": "«user»@«corp».com", "type": "user" }
  }
]
""",
)
_t(
    "json",
    "az ad app show with password credential metadata",
    r"""
{
  "appId": "«guid»",
  "displayName": "«svc»-api",
  "id": "«guid»",
  "passwordCredentials": [
    {
      "customKeyIdentifier": null,
      "displayName": "gh-actions",
      "endDateTime": "«ts»",
      "hint": "Qx7",
      "keyId": "«guid»",
      "secretText": null,
      "startDateTime": "«ts»"
    }
  ],
  "keyCredentials": [
    { "customKeyIdentifier": "«thumb»", "displayName": "CN=«svc»-api", "keyId": "«guid»", "type": "AsymmetricX509Cert", "usage": "Verify" }
  ]
}
""",
)
_t(
    "json",
    "az keyvault secret show metadata only",
    r"""
{
  "attributes": {
    "created": "«ts»",
    "enabled": true,
    "recoveryLevel": "Recoverable+Purgeable",
    "updated": "«ts»"
  },
  "contentType": "text/plain",
  "id": "https://«kvname».vault.azure.net/secrets/SqlAdminPassword/«hex32»",
  "managed": null,
  "name": "SqlAdminPassword",
  "tags": { "owner": "«user»", "rotation": "90d" }
}
""",
)
_t(
    "json",
    "az storage account show",
    r"""
{
  "accessTier": "Hot",
  "allowBlobPublicAccess": false,
  "allowSharedKeyAccess": false,
  "creationTime": "«ts»",
  "id": "/subscriptions/«guid»/resourceGroups/rg-«svc»-prd/providers/Microsoft.Storage/storageAccounts/«stg»",
  "kind": "StorageV2",
  "location": "«region»",
  "minimumTlsVersion": "TLS1_2",
  "name": "«stg»",
  "primaryEndpoints": { "blob": "https://«stg».blob.core.windows.net/", "queue": "https://«stg».queue.core.windows.net/" },
  "sku": { "name": "Standard_ZRS", "tier": "Standard" }
}
""",
)
_t(
    "json",
    "az role assignment list",
    r"""
[
  {
    "principalId": "«guid»",
    "principalName": "«svc»-prd",
    "principalType": "ServicePrincipal",
    "roleDefinitionId": "/subscriptions/«guid»/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6",
    "roleDefinitionName": "Key Vault Secrets User",
    "scope": "/subscriptions/«guid»/resourceGroups/rg-«svc»-prd/providers/Microsoft.KeyVault/vaults/«kvname»"
  }
]
""",
)
_t(
    "json",
    "get-winevent json failed logon",
    r"""
[
  {
    "Id": 4625,
    "LevelDisplayName": "Information",
    "MachineName": "«host».«corp».local",
    "ProviderName": "Microsoft-Windows-Security-Auditing",
    "Properties": [ "S-1-0-0", "-", "-", "0x0", "S-1-0-0", "«user»", "«dom»", "0xc000006d", "%%2313", "0xc000006a", "3", "NtLmSsp ", "NTLM", "«host#2»", "-", "-", "0", "0x0", "-", "«ip»", "«pid»" ],
    "Message": "An account failed to log on.\r\n\r\nFailure Reason:\t\tUnknown user name or bad password."
  }
]
""",
)
_t(
    "json",
    "sysmon json network event",
    r"""
{"EventID":3,"UtcTime":"«date» 08:44:10.101","ProcessGuid":"{«guid»}","ProcessId":«pid»,"Image":"C:\\Program Files\\dotnet\\dotnet.exe","User":"«dom»\\svc_«svc»","Protocol":"tcp","SourceIp":"«ip»","SourcePort":«pid»,"DestinationIp":"«ip»","DestinationHostname":"«kvname».vault.azure.net","DestinationPort":443}
""",
)
_t(
    "json",
    "windows terminal settings",
    r"""
{
  "$schema": "https://aka.ms/terminal-profiles-schema",
  "defaultProfile": "{«guid»}",
  "copyOnSelect": true,
  "profiles": {
    "defaults": { "font": { "face": "Cascadia Mono" } },
    "list": [
      { "guid": "{«guid»}", "name": "PowerShell", "source": "Windows.Terminal.PowershellCore" },
      { "guid": "{«guid»}", "name": "Ubuntu", "source": "Windows.Terminal.Wsl" }
    ]
  }
}
""",
)
_t(
    "json",
    "arm parameters key vault reference",
    r"""
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "adminUsername": { "value": "azureadmin" },
    "adminPassword": {
      "reference": {
        "keyVault": { "id": "/subscriptions/«guid»/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/«kvname»" },
        "secretName": "vmAdminPassword"
      }
    }
  }
}
""",
)
_t(
    "json",
    "azure devops service endpoint masked",
    r"""
{
  "authorization": {
    "parameters": {
      "tenantid": "«guid»",
      "serviceprincipalid": "«guid»",
      "authenticationType": "spnKey",
      "serviceprincipalkey": null
    },
    "scheme": "ServicePrincipal"
  },
  "id": "«guid»",
  "isReady": true,
  "name": "«proj»-arm",
  "owner": "Library",
  "type": "azurerm"
}
""",
)
_t(
    "json",
    "ado variable group masked secret",
    r"""
{
  "id": «int»,
  "name": "«svc»-prd",
  "type": "Vsts",
  "variables": {
    "DbUser": { "value": "«svc»_app" },
    "DbPassword": { "isSecret": true, "value": null },
    "ApiBaseUrl": { "value": "https://«svc».«corp».com" }
  },
  "modifiedBy": { "displayName": "«first» «last»", "id": "«guid»" }
}
""",
)
_t(
    "json",
    "jwks public keys",
    r"""
{
  "keys": [
    {
      "kty": "RSA",
      "use": "sig",
      "kid": "«x5t»",
      "x5t": "«x5t»",
      "n": "«modulusurl»",
      "e": "AQAB",
      "x5c": [ "«certb64»" ],
      "issuer": "https://login.microsoftonline.com/«guid»/v2.0"
    }
  ]
}
""",
)
_t(
    "json",
    "openid configuration",
    r"""
{
  "token_endpoint": "https://login.microsoftonline.com/«guid»/oauth2/v2.0/token",
  "token_endpoint_auth_methods_supported": [ "client_secret_post", "private_key_jwt", "client_secret_basic" ],
  "jwks_uri": "https://login.microsoftonline.com/«guid»/discovery/v2.0/keys",
  "response_modes_supported": [ "query", "fragment", "form_post" ],
  "issuer": "https://login.microsoftonline.com/«guid»/v2.0",
  "authorization_endpoint": "https://login.microsoftonline.com/«guid»/oauth2/v2.0/authorize",
  "tenant_region_scope": "EU"
}
""",
)
_t(
    "json",
    "structured log with masked header",
    r"""
{"@t":"«ts»","@mt":"HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms","@l":"Information","RequestMethod":"POST","RequestPath":"/api/orders","StatusCode":201,"Elapsed":«ms».4321,"RequestHeaders":{"Authorization":"[Redacted]","Cookie":"[Redacted]","traceparent":"00-«hex32»-«hex16»-01"},"RequestId":"0HN«hex16|upper»:00000002","TraceId":"«hex32»","SpanId":"«hex16»"}
""",
)
_t(
    "json",
    "dotnet user-secrets json empty values",
    r"""
{
  "Stripe:SecretKey": "",
  "Stripe:PublishableKey": "pk_test_«hex16»«hex16»",
  "AzureAd:ClientId": "«guid»",
  "AzureAd:TenantId": "«guid»"
}
""",
)
_t(
    "json",
    "dotnet aspire manifest",
    r"""
{
  "resources": {
    "sql": {
      "type": "container.v0",
      "image": "mcr.microsoft.com/mssql/server:2022-latest",
      "env": {
        "ACCEPT_EULA": "Y",
        "MSSQL_SA_PASSWORD": "{sql-password.value}"
      },
      "bindings": { "tcp": { "scheme": "tcp", "protocol": "tcp", "transport": "tcp", "targetPort": 1433 } }
    },
    "sql-password": {
      "type": "parameter.v0",
      "value": "{sql-password.inputs.value}",
      "inputs": { "value": { "type": "string", "secret": true, "default": { "generate": { "minLength": 22 } } } }
    }
  }
}
""",
)
_t(
    "json",
    "azure functions host.json",
    r"""
{
  "version": "2.0",
  "logging": {
    "applicationInsights": {
      "samplingSettings": { "isEnabled": true, "excludedTypes": "Request" }
    }
  },
  "extensions": {
    "serviceBus": { "prefetchCount": 100, "maxConcurrentCalls": 16 }
  },
  "functionTimeout": "00:10:00"
}
""",
)
_t(
    "json",
    "sarif result about secrets",
    r"""
{
  "ruleId": "CA5385",
  "level": "warning",
  "message": { "text": "Use Rivest–Shamir–Adleman (RSA) algorithm with sufficient key size" },
  "locations": [ { "physicalLocation": { "artifactLocation": { "uri": "file:///C:/src/«app»/src/Crypto/Signer.cs" }, "region": { "startLine": «int», "startColumn": 17 } } } ],
  "properties": { "warningLevel": 1 },
  "partialFingerprints": { "primaryLocationLineHash": "«hex16»:1" }
}
""",
)
_t(
    "json",
    "docker config credential helper",
    r"""
{
  "auths": {
    "«corp»acr.azurecr.io": {},
    "mcr.microsoft.com": {}
  },
  "credsStore": "wincred",
  "currentContext": "desktop-linux"
}
""",
)
_t(
    "json",
    "api response with masked password",
    r"""
{
  "id": "«guid»",
  "userName": "«user»",
  "email": "«user»@«corp».com",
  "passwordLastChanged": "«ts»",
  "password": "********",
  "mfaEnabled": true,
  "roles": [ "Operator" ]
}
""",
)
_t(
    "json",
    "octopus variables sensitive export",
    r"""
{
  "Variables": [
    { "Id": "«guid»", "Name": "Db.User", "Value": "«svc»_app", "IsSensitive": false },
    { "Id": "«guid»", "Name": "Db.Password", "Value": null, "IsSensitive": true },
    { "Id": "«guid»", "Name": "Db.ConnectionString", "Value": "Server=#{Db.Host};Database=«db»;User Id=#{Db.User};Password=#{Db.Password}", "IsSensitive": false }
  ],
  "SpaceId": "Spaces-1",
  "Version": «int»
}
""",
)
_t(
    "json",
    "msal token cache metadata only",
    r"""
{
  "Account": {
    "«guid».«guid»-login.microsoftonline.com-«guid»": {
      "home_account_id": "«guid».«guid»",
      "environment": "login.microsoftonline.com",
      "realm": "«guid»",
      "local_account_id": "«guid»",
      "username": "«user»@«corp».com",
      "authority_type": "MSSTS"
    }
  },
  "AppMetadata": {
    "appmetadata-login.microsoftonline.com-04b07795-8ddb-461a-bbee-02f9e1bf7b46": { "client_id": "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "environment": "login.microsoftonline.com" }
  }
}
""",
)
_t(
    "json",
    "winget export json",
    r"""
{
  "$schema": "https://aka.ms/winget-packages.schema.2.0.json",
  "CreationDate": "«ts»",
  "Sources": [
    {
      "Packages": [
        { "PackageIdentifier": "Microsoft.DotNet.SDK.9" },
        { "PackageIdentifier": "Microsoft.VisualStudioCode" },
        { "PackageIdentifier": "Git.Git" }
      ],
      "SourceDetails": { "Argument": "https://cdn.winget.microsoft.com/cache", "Identifier": "Microsoft.Winget.Source_8wekyb3d8bbwe", "Name": "winget", "Type": "Microsoft.PreIndexed.Package" }
    }
  ],
  "WinGetVersion": "1.9.25200"
}
""",
)


# ---------------------------------------------------------------------------------------------


def templates() -> list[tuple[str, str, str]]:
    """(context, kind, text) of every template."""
    return list(TEMPLATES)


def _split(template: str) -> str:
    return "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"


def _without(text: str, secrets: list[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "\x00")
    return text


def corpus(seed: int, copies: int = 6) -> list[Document]:
    """Each template ``copies`` times in its own context and ``copies`` times inside agent-log lines."""
    documents: list[Document] = []
    for index, (context, kind, template) in enumerate(TEMPLATES):
        rng = random.Random(seed * 1_000_003 + index)
        split = _split(template)
        positive = "«!" in template or "«~!" in template
        for copy in range(2 * copies):
            text, secrets = render(template, rng)
            # A secret is planted only where redacting it leaves none of it behind: if half of it
            # also occurs in the text around it (a password made of the company's name...), draw again.
            while any(leaked(s, _without(text, secrets)) for s in secrets):
                text, secrets = render(template, rng)
            assert bool(secrets) == positive, (kind, secrets)
            where = context
            if copy >= copies:
                text, secrets = _envelope(text, secrets, copy - copies + index, rng)
                where = "json"
            for secret in secrets:
                assert secret in text, (kind, secret)
            documents.append(Document(text, secrets, where, kind, split, template))
    return documents


def main() -> None:
    counts: dict[str, list[int]] = {context: [0, 0] for context in CONTEXTS}
    for context, _, template in TEMPLATES:
        counts[context][0 if "«!" in template or "«~!" in template else 1] += 1
    for context, (positive, negative) in counts.items():
        print(f"{context:8} {positive:4d} templates with secrets, {negative:4d} without")
    positive = sum(p for p, _ in counts.values())
    print(f"{'all':8} {positive:4d} templates with secrets, {len(TEMPLATES) - positive:4d} without")
    kinds = [kind for _, kind, _ in TEMPLATES]
    duplicates = sorted({kind for kind in kinds if kinds.count(kind) > 1})
    assert not duplicates, duplicates
    documents = corpus(107)
    planted = sum(len(doc.secrets) for doc in documents)
    print(
        f"{len(documents)} documents, {planted} planted secrets, {sum(not doc.secrets for doc in documents)} negatives"
    )


if __name__ == "__main__":
    main()
